//! The deploy verdict as a pure function of what GitHub said: the commit's whole evidence
//! graph (workflow runs → their check suites → their check runs, other apps' suites, commit
//! statuses, and the required checks), each node judged, and red, pending or green overall.
//!
//! **Architecture Invariant:** fail closed. Any value this code does not recognise is either red
//! (an unknown conclusion or status state) or pending (an unknown status), never green; an
//! unfinished node anywhere in the graph is pending; zero evidence is never green; and a check
//! is superseded only by a later attempt of the *same* check (the same workflow run, or the
//! same check suite), never by another check that happens to share its name.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::required::{AppPin, Requirement};
use crate::github::{AppRef, CheckRun, CheckSuite, CommitEvidence, CommitStatus, WorkflowRun};

/// What one node of the graph says about the commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckVerdict {
    /// Blocks the deploy.
    Fail,
    /// Not finished yet.
    Pending,
    /// A required check that nothing has reported.
    Missing,
    /// Succeeded. Only check runs and commit statuses are evidence; a workflow run or suite
    /// that passed is a finished container, not proof by itself.
    Pass,
    /// Neither evidence nor a blocker (`neutral`, `skipped`, an unrequired empty suite, the
    /// run executing deploy-check).
    Ignored,
}

impl CheckVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckVerdict::Fail => "fail",
            CheckVerdict::Pending => "pending",
            CheckVerdict::Missing => "missing",
            CheckVerdict::Pass => "pass",
            CheckVerdict::Ignored => "ignored",
        }
    }
}

/// Where a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    CheckRun,
    Status,
    CheckSuite,
    WorkflowRun,
    Required,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::CheckRun => "check run",
            CheckKind::Status => "status",
            CheckKind::CheckSuite => "check suite",
            CheckKind::WorkflowRun => "workflow run",
            CheckKind::Required => "required",
        }
    }
}

/// One node and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckLine {
    pub kind: CheckKind,
    pub name: String,
    /// The GitHub App that reported it (check runs and suites).
    pub app: Option<String>,
    /// GitHub's own words: `completed/success`, `in_progress`, `error`, …
    pub state: String,
    pub verdict: CheckVerdict,
    pub url: Option<String>,
    /// Why the verdict is what it is, when the state alone does not say.
    pub note: Option<String>,
}

/// A workflow run and the jobs (check runs) of its latest attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkflowNode {
    pub id: u64,
    pub name: String,
    pub path: Option<String>,
    pub event: Option<String>,
    pub attempt: Option<u64>,
    pub state: String,
    pub verdict: CheckVerdict,
    pub note: Option<String>,
    pub url: Option<String>,
    /// The run executing deploy-check: judged by its other jobs, never by its own state.
    pub this_run: bool,
    pub jobs: Vec<CheckLine>,
}

/// A check suite of an app other than a workflow run, and its check runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuiteNode {
    pub id: Option<u64>,
    pub app: Option<String>,
    pub state: String,
    pub verdict: CheckVerdict,
    pub note: Option<String>,
    pub checks: Vec<CheckLine>,
}

/// A required check and what answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequiredLine {
    /// The check's name (a check-run name or status context).
    pub name: String,
    /// The app it must come from, when the rule pins one.
    pub app: Option<String>,
    /// Which rules asked for it: `--require`, `gatekeeper.yml`, `ruleset`, `branch protection`.
    pub from: Vec<String>,
    pub verdict: CheckVerdict,
    pub note: Option<String>,
    /// The checks that matched it, as `kind name (state)`.
    pub matched: Vec<String>,
    /// Whether this line blocks by itself (missing, or only neutral/skipped), rather than
    /// through a failed check already counted.
    #[serde(skip)]
    pub blocks_by_itself: bool,
}

/// The whole graph, as `-v` and `--format json` show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    pub workflows: Vec<WorkflowNode>,
    /// Suites of other apps (and check runs that belong to no known suite).
    pub suites: Vec<SuiteNode>,
    pub statuses: Vec<CheckLine>,
    pub required: Vec<RequiredLine>,
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Overall {
    Green,
    Red,
    Pending,
}

/// The verdict of one look at the commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub overall: Overall,
    /// Red because nothing succeeded at all.
    pub no_evidence: bool,
    /// One sentence saying why.
    pub reason: String,
    /// Every judged node, flat (the graph's lines plus missing or unproven requirements).
    pub checks: Vec<CheckLine>,
    pub graph: Graph,
    /// What was left out of the verdict and why (the job executing deploy-check, superseded
    /// attempts).
    pub excluded: Vec<String>,
}

/// The GitHub Actions run that is executing deploy-check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OwnRun {
    pub run_id: u64,
    pub check_suite_id: Option<u64>,
    /// The check run of the job executing deploy-check, when it could be told apart.
    pub own_check_run: Option<u64>,
    /// Why the own job could not be told apart (then every unfinished job of the run is
    /// pending, this one included).
    pub unidentified: Option<String>,
}

/// Conclusions that block a deploy. Anything not listed here and not a success, `neutral` or
/// `skipped` blocks too: an unknown conclusion is red.
const BLOCKING: &[&str] = &[
    "failure",
    "timed_out",
    "cancelled",
    "action_required",
    "stale",
    "startup_failure",
];

/// Which workflow-run attempt a check suite belongs to.
#[derive(Clone, Copy)]
struct SuiteOwner {
    run_id: u64,
    /// `None`: the run's latest attempt.
    earlier_attempt: Option<u64>,
}

/// Judges everything GitHub said. `final_round` is true when the wait is over: a required
/// check that never appeared is then red instead of pending.
pub fn evaluate(
    evidence: &CommitEvidence,
    required: &[Requirement],
    own: Option<&OwnRun>,
    final_round: bool,
) -> Verdict {
    let mut excluded = Vec::new();

    // Workflow runs: one node per run id, at its latest attempt.
    let mut runs: BTreeMap<u64, &WorkflowRun> = BTreeMap::new();
    for run in &evidence.workflow_runs {
        if runs
            .get(&run.id)
            .is_none_or(|prev| run.run_attempt.unwrap_or(1) > prev.run_attempt.unwrap_or(1))
        {
            runs.insert(run.id, run);
        }
    }
    let mut suite_owner: BTreeMap<u64, SuiteOwner> = BTreeMap::new();
    for run in runs.values() {
        if let Some(s) = run.check_suite_id {
            suite_owner.insert(
                s,
                SuiteOwner {
                    run_id: run.id,
                    earlier_attempt: None,
                },
            );
        }
    }
    if let Some(o) = own
        && let Some(s) = o.check_suite_id
    {
        suite_owner.entry(s).or_insert(SuiteOwner {
            run_id: o.run_id,
            earlier_attempt: None,
        });
    }
    for e in &evidence.earlier_attempts {
        suite_owner.entry(e.check_suite_id).or_insert(SuiteOwner {
            run_id: e.run_id,
            earlier_attempt: Some(e.run_attempt),
        });
    }
    let own_suite = own.and_then(|o| o.check_suite_id);
    let is_own_run = |id: u64| own.is_some_and(|o| o.run_id == id);

    // Check runs: one per identity (app, workflow run or suite, name), the latest attempt.
    let kept = latest_check_runs(&evidence.check_runs, &suite_owner, own, &mut excluded);

    let mut workflow_jobs: BTreeMap<u64, Vec<CheckLine>> = BTreeMap::new();
    let mut suite_checks: BTreeMap<Option<u64>, Vec<CheckLine>> = BTreeMap::new();
    let mut run_lines: Vec<(&CheckRun, CheckLine)> = Vec::new();
    for run in &kept {
        let (mut verdict, mut note) = judge_check_run(&run.status, run.conclusion.as_deref());
        let suite = run.check_suite.as_ref().map(|s| s.id);
        if verdict == CheckVerdict::Pending
            && suite.is_some()
            && suite == own_suite
            && let Some(why) = own.and_then(|o| o.unidentified.as_deref())
        {
            verdict = CheckVerdict::Pending;
            note = Some(format!(
                "a job of the run executing deploy-check; {why}, so every unfinished job of this run is waited for"
            ));
        }
        let line = CheckLine {
            kind: CheckKind::CheckRun,
            name: run.name.clone(),
            app: run.app.as_ref().and_then(app_label),
            state: state_of(&run.status, run.conclusion.as_deref()),
            verdict,
            url: run.html_url.clone(),
            note,
        };
        match suite.and_then(|s| suite_owner.get(&s)) {
            Some(owner) => workflow_jobs
                .entry(owner.run_id)
                .or_default()
                .push(line.clone()),
            None => suite_checks.entry(suite).or_default().push(line.clone()),
        }
        run_lines.push((run, line));
    }

    // Suites: those of workflow runs fold into their run's node; earlier attempts are
    // superseded; every other app's suite is a node of its own.
    let suites_with_runs: BTreeSet<u64> = evidence
        .check_runs
        .iter()
        .filter_map(|r| r.check_suite.as_ref().map(|s| s.id))
        .collect();
    let mut suite_of_run: BTreeMap<u64, Vec<&CheckSuite>> = BTreeMap::new();
    let mut suite_nodes: Vec<SuiteNode> = Vec::new();
    let mut seen_suites = BTreeSet::new();
    for suite in &evidence.suites {
        if !seen_suites.insert(suite.id) {
            continue;
        }
        if Some(suite.id) == own_suite {
            continue;
        }
        match suite_owner.get(&suite.id) {
            Some(SuiteOwner {
                run_id,
                earlier_attempt: Some(attempt),
            }) => {
                excluded.push(format!(
                    "check suite {} ({}): attempt {attempt} of workflow run {run_id}, superseded by a later attempt",
                    suite.id,
                    suite_state(suite)
                ));
            }
            Some(owner) => suite_of_run.entry(owner.run_id).or_default().push(suite),
            None => {
                let has_runs = suite.latest_check_runs_count.unwrap_or(0) > 0
                    || suites_with_runs.contains(&suite.id);
                let checks = suite_checks.remove(&Some(suite.id)).unwrap_or_default();
                suite_nodes.push(judge_other_suite(suite, has_runs, required, checks));
            }
        }
    }
    // Check runs whose suite was not listed (or that name none) still count.
    for (suite, checks) in suite_checks {
        suite_nodes.push(SuiteNode {
            id: suite,
            app: checks.first().and_then(|c| c.app.clone()),
            state: "not listed".into(),
            verdict: CheckVerdict::Ignored,
            note: Some("check runs whose suite GitHub did not list; judged one by one".into()),
            checks,
        });
    }

    // Workflow nodes.
    let mut workflows = Vec::new();
    for run in runs.values() {
        let jobs = workflow_jobs.remove(&run.id).unwrap_or_default();
        let name = run
            .name
            .clone()
            .or_else(|| run.path.clone())
            .unwrap_or_else(|| format!("run {}", run.id));
        let status = run.status.as_deref().unwrap_or("unknown");
        let this_run = is_own_run(run.id);
        let (verdict, note) = if this_run {
            (
                CheckVerdict::Ignored,
                Some("this run is executing deploy-check: judged by its other jobs".to_owned()),
            )
        } else {
            let (mut v, mut note) = judge_container(status, run.conclusion.as_deref());
            if v == CheckVerdict::Pending {
                note = Some(if jobs.is_empty() {
                    "the workflow run has not finished and has no jobs yet".to_owned()
                } else {
                    "the workflow run has not finished: more jobs may still start".to_owned()
                });
            }
            for suite in suite_of_run.remove(&run.id).unwrap_or_default() {
                let (sv, _) = judge_container(
                    suite.status.as_deref().unwrap_or("unknown"),
                    suite.conclusion.as_deref(),
                );
                if sv < v && sv != CheckVerdict::Pass {
                    v = sv;
                    note = Some(format!(
                        "its check suite {} is {}",
                        suite.id,
                        suite_state(suite)
                    ));
                }
            }
            (v, note)
        };
        workflows.push(WorkflowNode {
            id: run.id,
            name,
            path: run.path.clone(),
            event: run.event.clone(),
            attempt: run.run_attempt,
            state: state_of(status, run.conclusion.as_deref()),
            verdict,
            note,
            url: run.html_url.clone(),
            this_run,
            jobs,
        });
    }
    // Jobs of the executing run when the run list did not include it (or of a run that is
    // no longer listed): still judged, under a node of their own.
    for (run_id, jobs) in workflow_jobs {
        let this_run = is_own_run(run_id);
        workflows.push(WorkflowNode {
            id: run_id,
            name: format!("run {run_id}"),
            path: None,
            event: None,
            attempt: None,
            state: if this_run {
                "in_progress".into()
            } else {
                "not listed".into()
            },
            verdict: CheckVerdict::Ignored,
            note: Some(if this_run {
                "this run is executing deploy-check: judged by its other jobs".into()
            } else {
                "the workflow run was not listed; its jobs are judged one by one".into()
            }),
            url: None,
            this_run,
            jobs,
        });
    }

    // Commit statuses.
    let statuses: Vec<CheckLine> = latest_statuses(&evidence.statuses)
        .into_iter()
        .map(judge_status)
        .collect();

    // Required checks.
    let mut required_lines = Vec::new();
    for req in required {
        required_lines.push(judge_requirement(
            req,
            &run_lines,
            &evidence.statuses,
            &statuses,
            &suite_nodes,
            final_round,
        ));
    }

    // The flat list, and the overall verdict from it.
    let mut checks: Vec<CheckLine> = Vec::new();
    for w in &workflows {
        if !w.this_run {
            checks.push(CheckLine {
                kind: CheckKind::WorkflowRun,
                name: w.name.clone(),
                app: Some("github-actions".into()),
                state: w.state.clone(),
                verdict: w.verdict,
                url: w.url.clone(),
                note: w.note.clone(),
            });
        }
        checks.extend(w.jobs.iter().cloned());
    }
    for s in &suite_nodes {
        if s.id.is_some() && s.state != "not listed" {
            checks.push(CheckLine {
                kind: CheckKind::CheckSuite,
                name: s
                    .app
                    .clone()
                    .unwrap_or_else(|| format!("suite {}", s.id.unwrap_or_default())),
                app: s.app.clone(),
                state: s.state.clone(),
                verdict: s.verdict,
                url: None,
                note: s.note.clone(),
            });
        }
        checks.extend(s.checks.iter().cloned());
    }
    checks.extend(statuses.iter().cloned());
    for r in &required_lines {
        if r.blocks_by_itself {
            checks.push(CheckLine {
                kind: CheckKind::Required,
                name: r.name.clone(),
                app: r.app.clone(),
                state: if r.matched.is_empty() {
                    "not reported".into()
                } else {
                    r.matched.join(", ")
                },
                verdict: r.verdict,
                url: None,
                note: r.note.clone(),
            });
        }
    }
    let (overall, no_evidence, reason) = overall_of(&checks, final_round);
    Verdict {
        overall,
        no_evidence,
        reason,
        checks,
        graph: Graph {
            workflows,
            suites: suite_nodes,
            statuses,
            required: required_lines,
        },
        excluded,
    }
}

fn overall_of(checks: &[CheckLine], final_round: bool) -> (Overall, bool, String) {
    let with = |v: CheckVerdict| checks.iter().filter(move |c| c.verdict == v);
    let list = |v: CheckVerdict| {
        with(v)
            .map(|c| format!("{} ({})", c.name, c.state))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let failed = with(CheckVerdict::Fail).count();
    if failed > 0 {
        return (
            Overall::Red,
            false,
            format!(
                "CI is red: {failed} check{} failed: {}",
                plural(failed),
                list(CheckVerdict::Fail)
            ),
        );
    }
    let missing = with(CheckVerdict::Missing).count();
    if final_round && missing > 0 {
        let names: Vec<&str> = with(CheckVerdict::Missing)
            .map(|c| c.name.as_str())
            .collect();
        return (
            Overall::Red,
            false,
            format!(
                "required check{} never reported: {}",
                plural(missing),
                names.join(", ")
            ),
        );
    }
    let pending = with(CheckVerdict::Pending).count() + missing;
    if pending > 0 {
        let mut waiting: Vec<String> = with(CheckVerdict::Pending)
            .map(|c| format!("{} ({})", c.name, c.state))
            .collect();
        waiting.extend(
            with(CheckVerdict::Missing).map(|c| format!("{} (required, not reported)", c.name)),
        );
        return (
            Overall::Pending,
            false,
            format!("CI is still running: waiting for {}", waiting.join(", ")),
        );
    }
    let passed = checks
        .iter()
        .filter(|c| {
            c.verdict == CheckVerdict::Pass
                && matches!(c.kind, CheckKind::CheckRun | CheckKind::Status)
        })
        .count();
    if passed == 0 {
        return (
            Overall::Red,
            true,
            "no CI evidence: no check run or commit status succeeded for this commit".into(),
        );
    }
    (
        Overall::Green,
        false,
        format!("CI is green: {passed} check{} passed", plural(passed)),
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn state_of(status: &str, conclusion: Option<&str>) -> String {
    match conclusion {
        Some(c) if status == "completed" => format!("completed/{c}"),
        _ => status.to_owned(),
    }
}

fn suite_state(suite: &CheckSuite) -> String {
    state_of(
        suite.status.as_deref().unwrap_or("unknown"),
        suite.conclusion.as_deref(),
    )
}

/// Verdict of a check run from its status and conclusion.
pub fn judge_check_run(status: &str, conclusion: Option<&str>) -> (CheckVerdict, Option<String>) {
    match (status, conclusion) {
        ("completed", Some("success")) => (CheckVerdict::Pass, None),
        ("completed", Some("neutral" | "skipped")) => (
            CheckVerdict::Ignored,
            Some("neutral and skipped are not evidence".into()),
        ),
        ("completed", Some(c)) if BLOCKING.contains(&c) => (CheckVerdict::Fail, None),
        ("completed", Some(c)) => (
            CheckVerdict::Fail,
            Some(format!("unknown conclusion `{c}`")),
        ),
        ("completed", None) => (
            CheckVerdict::Fail,
            Some("completed without a conclusion".into()),
        ),
        // Not applicable to check runs per GitHub's docs, but unambiguous if it ever appears.
        ("startup_failure" | "failure", _) => (CheckVerdict::Fail, None),
        _ => (CheckVerdict::Pending, None),
    }
}

/// Verdict of a workflow run or check suite: the same vocabulary, except that a success is a
/// finished container rather than evidence.
fn judge_container(status: &str, conclusion: Option<&str>) -> (CheckVerdict, Option<String>) {
    match judge_check_run(status, conclusion) {
        (CheckVerdict::Fail, None) if conclusion == Some("startup_failure") || status == "startup_failure" => (
            CheckVerdict::Fail,
            Some("the workflow failed to start (often a workflow file error); it has no jobs".into()),
        ),
        (CheckVerdict::Fail, None) if conclusion == Some("action_required") => (
            CheckVerdict::Fail,
            Some("waiting for someone to approve it (for example a first-time contributor's run); it proves nothing until it runs".into()),
        ),
        other => other,
    }
}

fn judge_status(status: &CommitStatus) -> CheckLine {
    let verdict = match status.state.as_str() {
        "success" => CheckVerdict::Pass,
        "pending" => CheckVerdict::Pending,
        _ => CheckVerdict::Fail,
    };
    let note = match status.state.as_str() {
        "success" | "pending" | "failure" | "error" => {
            status.description.clone().filter(|d| !d.is_empty())
        }
        other => Some(format!("unknown status state `{other}`")),
    };
    CheckLine {
        kind: CheckKind::Status,
        name: status.context.clone(),
        app: None,
        state: status.state.clone(),
        verdict,
        url: status.target_url.clone(),
        note,
    }
}

/// A suite that belongs to no workflow run: red when it failed, pending while unfinished and
/// either it has check runs or its app is required; a suite queued with no check runs from an
/// app nobody requires is ignored, because apps installed on a repository that never report
/// leave such suites behind forever.
fn judge_other_suite(
    suite: &CheckSuite,
    has_runs: bool,
    required: &[Requirement],
    checks: Vec<CheckLine>,
) -> SuiteNode {
    let app = suite.app.as_ref().and_then(app_label);
    let status = suite.status.as_deref().unwrap_or("unknown");
    let app_required = suite
        .app
        .as_ref()
        .is_some_and(|a| required.iter().any(|r| r.names_app(a)));
    let (verdict, note) = match judge_container(status, suite.conclusion.as_deref()) {
        (CheckVerdict::Pending, _) if !has_runs && !app_required => (
            CheckVerdict::Ignored,
            Some("no check runs, and this app is not required".to_owned()),
        ),
        (CheckVerdict::Pending, _) if !has_runs => (
            CheckVerdict::Pending,
            Some("required app, no check runs yet".to_owned()),
        ),
        (CheckVerdict::Pending, _) => (
            CheckVerdict::Pending,
            Some("the suite has not finished: more checks may still report".to_owned()),
        ),
        (CheckVerdict::Fail, None)
            if suite.conclusion.as_deref() == Some("startup_failure") && !has_runs =>
        {
            (
                CheckVerdict::Fail,
                Some("the suite failed at startup and has no check runs".to_owned()),
            )
        }
        other => other,
    };
    SuiteNode {
        id: Some(suite.id),
        app,
        state: suite_state(suite),
        verdict,
        note,
        checks,
    }
}

fn judge_requirement(
    req: &Requirement,
    runs: &[(&CheckRun, CheckLine)],
    raw_statuses: &[CommitStatus],
    statuses: &[CheckLine],
    suites: &[SuiteNode],
    final_round: bool,
) -> RequiredLine {
    let mut matched: Vec<&CheckLine> = Vec::new();
    let mut wrong_app: Vec<String> = Vec::new();
    for (run, line) in runs {
        if run.name != req.name {
            continue;
        }
        match (&req.app, &run.app) {
            (None, _) => matched.push(line),
            (Some(pin), Some(app)) if pin.matches(app) => matched.push(line),
            (Some(_), app) => wrong_app.push(
                app.as_ref()
                    .and_then(app_label)
                    .unwrap_or_else(|| "an unknown app".into()),
            ),
        }
    }
    if req.app.is_none() {
        matched.extend(statuses.iter().filter(|s| s.name == req.name));
    } else if raw_statuses.iter().any(|s| s.context == req.name) {
        wrong_app.push("a commit status (which names no app)".into());
    }
    // A required name may also be an app's slug: its suite must finish.
    let suite_lines: Vec<CheckLine> = suites
        .iter()
        .filter(|s| req.app.is_none() && s.app.as_deref() == Some(req.name.as_str()))
        .map(|s| CheckLine {
            kind: CheckKind::CheckSuite,
            name: s.app.clone().unwrap_or_default(),
            app: s.app.clone(),
            state: s.state.clone(),
            verdict: s.verdict,
            url: None,
            note: None,
        })
        .collect();
    matched.extend(suite_lines.iter());
    let described: Vec<String> = matched
        .iter()
        .map(|c| format!("{} {} ({})", c.kind.as_str(), c.name, c.state))
        .collect();
    let (verdict, note) = if matched.is_empty() {
        let base = if final_round {
            "required, and nothing by this name reported on the commit"
        } else {
            "required, not reported yet"
        };
        let note = if wrong_app.is_empty() {
            base.to_owned()
        } else {
            wrong_app.sort();
            wrong_app.dedup();
            format!(
                "{base} by {}: reported only by {}, which is not evidence (anyone who can create a check run or status could forge the name)",
                req.app.as_ref().map_or_else(String::new, AppPin::label),
                wrong_app.join(", ")
            )
        };
        (CheckVerdict::Missing, Some(note))
    } else if matched.iter().any(|c| c.verdict == CheckVerdict::Fail) {
        (
            CheckVerdict::Fail,
            Some("required, and it failed".to_owned()),
        )
    } else if matched.iter().any(|c| c.verdict == CheckVerdict::Pending) {
        (CheckVerdict::Pending, None)
    } else if matched.iter().any(|c| c.verdict == CheckVerdict::Pass) {
        (CheckVerdict::Pass, None)
    } else {
        (
            CheckVerdict::Fail,
            Some(
                "required, but it only concluded neutral or skipped, which proves nothing"
                    .to_owned(),
            ),
        )
    };
    let blocks_by_itself = verdict == CheckVerdict::Missing
        || (verdict == CheckVerdict::Fail
            && !matched.iter().any(|c| c.verdict == CheckVerdict::Fail));
    RequiredLine {
        name: req.name.clone(),
        app: req.app.as_ref().map(AppPin::label),
        from: req.from.clone(),
        verdict,
        note,
        matched: described,
        blocks_by_itself,
    }
}

pub fn app_label(app: &AppRef) -> Option<String> {
    app.slug
        .clone()
        .or_else(|| app.name.clone())
        .or_else(|| app.id.map(|i| format!("app {i}")))
}

/// One check run per identity: the same app, the same name, and the same workflow run (across
/// its attempts) or else the same check suite. Within one identity the latest attempt wins
/// (the highest id: GitHub allocates ids in creation order). A check run that names no suite
/// has no identity to share and stands alone. The job executing deploy-check is left out.
fn latest_check_runs(
    runs: &[CheckRun],
    suite_owner: &BTreeMap<u64, SuiteOwner>,
    own: Option<&OwnRun>,
    excluded: &mut Vec<String>,
) -> Vec<CheckRun> {
    let mut latest: BTreeMap<(String, String, String), &CheckRun> = BTreeMap::new();
    for run in runs {
        if own.is_some_and(|o| o.own_check_run == Some(run.id)) {
            excluded.push(format!(
                "check run `{}` #{} ({}): the job executing deploy-check",
                run.name, run.id, run.status
            ));
            continue;
        }
        let app = run
            .app
            .as_ref()
            .map(|a| {
                a.id.map_or_else(|| a.slug.clone().unwrap_or_default(), |i| i.to_string())
            })
            .unwrap_or_default();
        let group = match run.check_suite.as_ref().map(|s| s.id) {
            Some(s) => match suite_owner.get(&s) {
                Some(owner) => format!("run {}", owner.run_id),
                None => format!("suite {s}"),
            },
            None => format!("check {}", run.id),
        };
        let key = (app, group, run.name.clone());
        match latest.get(&key) {
            Some(prev) if prev.id >= run.id => {
                excluded.push(superseded(run, prev.id, &key.1));
            }
            Some(prev) => {
                excluded.push(superseded(prev, run.id, &key.1));
                latest.insert(key, run);
            }
            None => {
                latest.insert(key, run);
            }
        }
    }
    let mut out: Vec<CheckRun> = latest.into_values().cloned().collect();
    out.sort_by_key(|r| r.id);
    out
}

fn superseded(run: &CheckRun, by: u64, group: &str) -> String {
    format!(
        "check run `{}` #{} ({}): superseded by its later attempt #{by} in the same {group}",
        run.name,
        run.id,
        run.conclusion.as_deref().unwrap_or(&run.status)
    )
}

/// The latest status per context (the combined status already lists only those; a longer
/// history must not let an old success hide a newer failure).
fn latest_statuses(statuses: &[CommitStatus]) -> Vec<&CommitStatus> {
    let mut latest: BTreeMap<&str, &CommitStatus> = BTreeMap::new();
    for s in statuses {
        let newer = |prev: &CommitStatus| {
            (s.updated_at.as_deref(), s.id) > (prev.updated_at.as_deref(), prev.id)
        };
        match latest.get(s.context.as_str()) {
            Some(prev) if !newer(prev) => {}
            _ => {
                latest.insert(&s.context, s);
            }
        }
    }
    latest.into_values().collect()
}

#[cfg(test)]
mod tests;
