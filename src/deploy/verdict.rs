//! The deploy verdict as a pure function of what GitHub said (SPEC section 7): one line per
//! check, and red, pending or green overall.
//!
//! **Architecture Invariant:** fail closed. Any value this code does not recognise is either red
//! (an unknown conclusion or status state) or pending (an unknown run status), never green, and
//! zero evidence is never green.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::github::{CheckRun, CheckSuite, CommitEvidence, CommitStatus, WorkflowRun};

/// What one check says about the commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckVerdict {
    /// Blocks the deploy.
    Fail,
    /// Not finished yet.
    Pending,
    /// A required name that nothing has reported.
    Missing,
    /// Succeeded: evidence for the deploy.
    Pass,
    /// Neither evidence nor a blocker (`neutral`, `skipped`, an unrequired empty suite).
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

/// One check and its verdict.
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
    pub checks: Vec<CheckLine>,
    /// What was left out of the verdict and why (the run executing deploy-check, superseded
    /// attempts).
    pub excluded: Vec<String>,
}

/// The GitHub Actions run that is executing deploy-check, left out of its own verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OwnRun {
    pub run_id: u64,
    pub check_suite_id: Option<u64>,
}

/// Conclusions that block a deploy (SPEC section 7). Anything not listed here and not a
/// success, `neutral` or `skipped` blocks too: an unknown conclusion is red.
const BLOCKING: &[&str] = &[
    "failure",
    "timed_out",
    "cancelled",
    "action_required",
    "stale",
    "startup_failure",
];

/// Judges everything GitHub said. `final_round` is true when the wait is over: a required
/// name that never appeared is then red instead of pending.
pub fn evaluate(
    evidence: &CommitEvidence,
    required: &[String],
    own: Option<OwnRun>,
    final_round: bool,
) -> Verdict {
    let mut checks = Vec::new();
    let mut excluded = Vec::new();

    let runs = latest_check_runs(&evidence.check_runs, own, &mut excluded);
    let suites_with_runs: BTreeSet<u64> = evidence
        .check_runs
        .iter()
        .filter_map(|r| r.check_suite.as_ref().map(|s| s.id))
        .collect();
    for run in &runs {
        let (verdict, note) = judge_check_run(&run.status, run.conclusion.as_deref());
        checks.push(CheckLine {
            kind: CheckKind::CheckRun,
            name: run.name.clone(),
            app: run.app.as_ref().and_then(app_label),
            state: match &run.conclusion {
                Some(c) if run.status == "completed" => format!("completed/{c}"),
                _ => run.status.clone(),
            },
            verdict,
            url: run.html_url.clone(),
            note,
        });
    }

    for status in latest_statuses(&evidence.statuses) {
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
        checks.push(CheckLine {
            kind: CheckKind::Status,
            name: status.context.clone(),
            app: None,
            state: status.state.clone(),
            verdict,
            url: status.target_url.clone(),
            note,
        });
    }

    // Workflow runs and suites are read for what check runs cannot show: a workflow that
    // failed before any job started (`startup_failure`) has no check run at all.
    let mut startup_failed_suites = BTreeSet::new();
    for run in latest_workflow_runs(&evidence.workflow_runs, own, &mut excluded) {
        if is_startup_failure(run.status.as_deref(), run.conclusion.as_deref()) {
            startup_failed_suites.extend(run.check_suite_id);
            checks.push(CheckLine {
                kind: CheckKind::WorkflowRun,
                name: run.path.clone().or_else(|| run.name.clone()).unwrap_or_else(|| format!("run {}", run.id)),
                app: Some("github-actions".into()),
                state: "startup_failure".into(),
                verdict: CheckVerdict::Fail,
                url: run.html_url.clone(),
                note: Some("the workflow failed to start (often a workflow file error); it has no check runs".into()),
            });
        }
    }
    for suite in &evidence.suites {
        if own.is_some_and(|o| o.check_suite_id == Some(suite.id)) {
            continue;
        }
        if suite.latest_check_runs_count.unwrap_or(0) > 0 || suites_with_runs.contains(&suite.id) {
            continue; // its check runs speak for it
        }
        if let Some(line) = judge_empty_suite(suite, required, &startup_failed_suites) {
            checks.push(line);
        }
    }

    for name in required {
        let present: Vec<&CheckLine> = checks
            .iter()
            .filter(|c| match c.kind {
                CheckKind::CheckRun | CheckKind::Status => &c.name == name,
                CheckKind::CheckSuite => c.app.as_deref() == Some(name.as_str()),
                CheckKind::WorkflowRun | CheckKind::Required => false,
            })
            .collect();
        if present.is_empty() {
            checks.push(CheckLine {
                kind: CheckKind::Required,
                name: name.clone(),
                app: None,
                state: "not reported".into(),
                verdict: CheckVerdict::Missing,
                url: None,
                note: Some(if final_round {
                    "required, and nothing by this name reported on the commit".into()
                } else {
                    "required, not reported yet".into()
                }),
            });
        } else if present.iter().all(|c| c.verdict == CheckVerdict::Ignored) {
            checks.push(CheckLine {
                kind: CheckKind::Required,
                name: name.clone(),
                app: None,
                state: present
                    .iter()
                    .map(|c| c.state.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                verdict: CheckVerdict::Fail,
                url: None,
                note: Some(
                    "required, but it only concluded neutral or skipped, which proves nothing"
                        .into(),
                ),
            });
        }
    }

    checks.sort_by(|a, b| (a.kind, &a.name, &a.app).cmp(&(b.kind, &b.name, &b.app)));
    let (overall, no_evidence, reason) = overall_of(&checks, final_round);
    Verdict {
        overall,
        no_evidence,
        reason,
        checks,
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
    let passed = with(CheckVerdict::Pass).count();
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

fn is_startup_failure(status: Option<&str>, conclusion: Option<&str>) -> bool {
    status == Some("startup_failure") || conclusion == Some("startup_failure")
}

/// A suite with no check runs: red when it failed to start, pending when its app is required,
/// otherwise ignored. Suites stuck queued with zero runs are common (apps that never report),
/// so they must not hold a deploy unless someone asked for that app.
fn judge_empty_suite(
    suite: &CheckSuite,
    required: &[String],
    startup_failed_suites: &BTreeSet<u64>,
) -> Option<CheckLine> {
    let app = suite.app.as_ref().and_then(app_label);
    let name = app.clone().unwrap_or_else(|| format!("suite {}", suite.id));
    let status = suite.status.as_deref().unwrap_or("unknown");
    let state = match &suite.conclusion {
        Some(c) if status == "completed" => format!("completed/{c}"),
        _ => status.to_owned(),
    };
    let line = |verdict, note: &str| CheckLine {
        kind: CheckKind::CheckSuite,
        name: name.clone(),
        app: app.clone(),
        state: state.clone(),
        verdict,
        url: None,
        note: Some(note.to_owned()),
    };
    if is_startup_failure(suite.status.as_deref(), suite.conclusion.as_deref()) {
        if startup_failed_suites.contains(&suite.id) {
            return None; // already reported through its workflow run
        }
        return Some(line(
            CheckVerdict::Fail,
            "the suite failed at startup and has no check runs",
        ));
    }
    let is_required = suite.app.as_ref().is_some_and(|a| {
        required
            .iter()
            .any(|r| a.slug.as_deref() == Some(r.as_str()) || a.name.as_deref() == Some(r.as_str()))
    });
    if status == "completed" {
        return None;
    }
    if is_required {
        return Some(line(
            CheckVerdict::Pending,
            "required app, no check runs yet",
        ));
    }
    Some(line(
        CheckVerdict::Ignored,
        "no check runs, and this app is not required",
    ))
}

fn app_label(app: &crate::github::AppRef) -> Option<String> {
    app.slug
        .clone()
        .or_else(|| app.name.clone())
        .or_else(|| app.id.map(|i| format!("app {i}")))
}

/// One check run per app and name: the latest attempt (highest id; GitHub allocates ids in
/// creation order, so a re-run always has a higher id than the run it repeats). Unfinished
/// runs of the suite executing deploy-check are left out: they cannot finish before it does.
fn latest_check_runs(
    runs: &[CheckRun],
    own: Option<OwnRun>,
    excluded: &mut Vec<String>,
) -> Vec<CheckRun> {
    let mut latest: BTreeMap<(String, String), &CheckRun> = BTreeMap::new();
    for run in runs {
        let in_own_suite = own.is_some_and(|o| {
            o.check_suite_id.is_some() && run.check_suite.as_ref().map(|s| s.id) == o.check_suite_id
        });
        if in_own_suite && run.status != "completed" {
            excluded.push(format!(
                "check run `{}` ({}): part of the workflow run executing deploy-check",
                run.name, run.status
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
        let key = (app, run.name.clone());
        match latest.get(&key) {
            Some(prev) if prev.id >= run.id => {
                excluded.push(superseded(&run.name, run, prev.id));
            }
            Some(prev) => {
                excluded.push(superseded(&prev.name, prev, run.id));
                latest.insert(key, run);
            }
            None => {
                latest.insert(key, run);
            }
        }
    }
    latest.into_values().cloned().collect()
}

fn superseded(name: &str, run: &CheckRun, by: u64) -> String {
    format!(
        "check run `{name}` #{} ({}): superseded by the later attempt #{by}",
        run.id,
        run.conclusion.as_deref().unwrap_or(&run.status)
    )
}

/// The latest status per context (the combined status already lists only those; a longer
/// history from another endpoint must not let an old success hide a newer failure).
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

/// One workflow run per workflow and event: the latest (highest id). The run executing
/// deploy-check is left out.
fn latest_workflow_runs<'a>(
    runs: &'a [WorkflowRun],
    own: Option<OwnRun>,
    excluded: &mut Vec<String>,
) -> Vec<&'a WorkflowRun> {
    let mut latest: BTreeMap<(String, String), &WorkflowRun> = BTreeMap::new();
    for run in runs {
        if own.is_some_and(|o| o.run_id == run.id) {
            excluded.push(format!(
                "workflow run {} ({}): it is executing deploy-check",
                run.id,
                run.name.as_deref().unwrap_or("this workflow")
            ));
            continue;
        }
        let workflow = run
            .workflow_id
            .map(|w| w.to_string())
            .or_else(|| run.path.clone())
            .or_else(|| run.name.clone())
            .unwrap_or_default();
        let key = (workflow, run.event.clone().unwrap_or_default());
        if latest.get(&key).is_none_or(|prev| run.id > prev.id) {
            latest.insert(key, run);
        }
    }
    latest.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::{AppRef, SuiteRef};

    fn run(id: u64, name: &str, status: &str, conclusion: Option<&str>) -> CheckRun {
        CheckRun {
            id,
            name: name.into(),
            status: status.into(),
            conclusion: conclusion.map(Into::into),
            started_at: None,
            html_url: None,
            app: Some(AppRef {
                id: Some(15368),
                slug: Some("github-actions".into()),
                name: None,
            }),
            check_suite: Some(SuiteRef { id: 100 }),
        }
    }

    fn ok(id: u64, name: &str) -> CheckRun {
        run(id, name, "completed", Some("success"))
    }

    fn status(context: &str, state: &str) -> CommitStatus {
        CommitStatus {
            id: None,
            context: context.into(),
            state: state.into(),
            description: None,
            target_url: None,
            updated_at: None,
        }
    }

    fn ev(check_runs: Vec<CheckRun>) -> CommitEvidence {
        CommitEvidence {
            check_runs,
            ..CommitEvidence::default()
        }
    }

    fn verdict_of(e: &CommitEvidence, required: &[&str]) -> Verdict {
        let req: Vec<String> = required.iter().map(|s| (*s).to_owned()).collect();
        evaluate(e, &req, None, true)
    }

    #[test]
    fn all_green_is_green() {
        let v = verdict_of(&ev(vec![ok(1, "test"), ok(2, "lint")]), &["test"]);
        assert_eq!(v.overall, Overall::Green, "{v:?}");
    }

    #[test]
    fn every_blocking_conclusion_is_red() {
        for c in [
            "failure",
            "timed_out",
            "cancelled",
            "action_required",
            "stale",
            "brand_new_value",
        ] {
            let v = verdict_of(
                &ev(vec![ok(1, "a"), run(2, "b", "completed", Some(c))]),
                &[],
            );
            assert_eq!(v.overall, Overall::Red, "{c}: {v:?}");
            assert!(v.reason.contains('b'), "{c}: {}", v.reason);
        }
    }

    #[test]
    fn unfinished_run_is_pending() {
        for s in [
            "queued",
            "in_progress",
            "waiting",
            "requested",
            "pending",
            "something_new",
        ] {
            let v = verdict_of(&ev(vec![ok(1, "a"), run(2, "b", s, None)]), &[]);
            assert_eq!(v.overall, Overall::Pending, "{s}: {v:?}");
        }
    }

    #[test]
    fn neutral_and_skipped_are_not_evidence() {
        let v = verdict_of(
            &ev(vec![
                run(1, "a", "completed", Some("neutral")),
                run(2, "b", "completed", Some("skipped")),
            ]),
            &[],
        );
        assert_eq!(v.overall, Overall::Red);
        assert!(v.no_evidence);
    }

    #[test]
    fn nothing_at_all_is_red_without_evidence() {
        let v = verdict_of(&CommitEvidence::default(), &[]);
        assert_eq!(v.overall, Overall::Red);
        assert!(v.no_evidence);
    }

    #[test]
    fn rerun_green_after_failure_passes() {
        let v = verdict_of(
            &ev(vec![
                run(1, "test", "completed", Some("failure")),
                ok(2, "test"),
            ]),
            &[],
        );
        assert_eq!(v.overall, Overall::Green, "{v:?}");
        assert_eq!(v.excluded.len(), 1);
    }

    #[test]
    fn rerun_red_after_success_blocks_whatever_the_order() {
        let v = verdict_of(
            &ev(vec![
                run(9, "test", "completed", Some("failure")),
                ok(3, "test"),
            ]),
            &[],
        );
        assert_eq!(v.overall, Overall::Red, "{v:?}");
    }

    #[test]
    fn same_name_from_two_apps_is_two_checks() {
        let mut other = run(1, "test", "completed", Some("failure"));
        other.app = Some(AppRef {
            id: Some(7),
            slug: Some("other".into()),
            name: None,
        });
        let v = verdict_of(&ev(vec![other, ok(2, "test")]), &[]);
        assert_eq!(v.overall, Overall::Red, "{v:?}");
    }

    #[test]
    fn status_error_blocks_green_runs() {
        let mut e = ev(vec![ok(1, "test")]);
        e.statuses = vec![status("ci/legacy", "error")];
        assert_eq!(verdict_of(&e, &[]).overall, Overall::Red);
    }

    #[test]
    fn statuses_alone_can_be_green_or_pending() {
        let e = CommitEvidence {
            statuses: vec![status("ci", "success")],
            ..CommitEvidence::default()
        };
        assert_eq!(verdict_of(&e, &["ci"]).overall, Overall::Green);
        let e = CommitEvidence {
            statuses: vec![status("ci", "pending")],
            ..CommitEvidence::default()
        };
        assert_eq!(verdict_of(&e, &[]).overall, Overall::Pending);
    }

    #[test]
    fn missing_required_is_pending_then_red() {
        let e = ev(vec![ok(1, "test")]);
        let req = vec!["e2e".to_owned()];
        assert_eq!(evaluate(&e, &req, None, false).overall, Overall::Pending);
        let v = evaluate(&e, &req, None, true);
        assert_eq!(v.overall, Overall::Red);
        assert!(v.reason.contains("e2e"), "{}", v.reason);
    }

    #[test]
    fn required_that_only_skipped_is_red() {
        let v = verdict_of(
            &ev(vec![
                ok(1, "a"),
                run(2, "e2e", "completed", Some("skipped")),
            ]),
            &["e2e"],
        );
        assert_eq!(v.overall, Overall::Red, "{v:?}");
    }

    fn suite(id: u64, slug: &str, status: &str, conclusion: Option<&str>, runs: u64) -> CheckSuite {
        CheckSuite {
            id,
            status: Some(status.into()),
            conclusion: conclusion.map(Into::into),
            app: Some(AppRef {
                id: Some(id),
                slug: Some(slug.into()),
                name: None,
            }),
            latest_check_runs_count: Some(runs),
        }
    }

    #[test]
    fn startup_failure_suite_without_runs_is_red() {
        let mut e = ev(vec![ok(1, "test")]);
        e.suites = vec![suite(
            5,
            "github-actions",
            "completed",
            Some("startup_failure"),
            0,
        )];
        let v = verdict_of(&e, &[]);
        assert_eq!(v.overall, Overall::Red, "{v:?}");
    }

    #[test]
    fn queued_empty_suite_blocks_only_when_its_app_is_required() {
        let mut e = ev(vec![ok(1, "test")]);
        e.suites = vec![suite(5, "cursor", "queued", None, 0)];
        assert_eq!(verdict_of(&e, &[]).overall, Overall::Green);
        assert_eq!(
            evaluate(&e, &["cursor".to_owned()], None, false).overall,
            Overall::Pending
        );
    }

    fn wf(id: u64, conclusion: Option<&str>, suite: u64) -> WorkflowRun {
        WorkflowRun {
            id,
            name: Some("CI".into()),
            path: Some(".github/workflows/ci.yml".into()),
            event: Some("push".into()),
            status: Some("completed".into()),
            conclusion: conclusion.map(Into::into),
            workflow_id: Some(1),
            run_attempt: Some(1),
            check_suite_id: Some(suite),
            html_url: None,
        }
    }

    #[test]
    fn startup_failure_workflow_run_is_red_and_reported_once() {
        let mut e = ev(vec![ok(1, "test")]);
        e.workflow_runs = vec![wf(10, Some("startup_failure"), 5)];
        e.suites = vec![suite(
            5,
            "github-actions",
            "completed",
            Some("startup_failure"),
            0,
        )];
        let v = verdict_of(&e, &[]);
        assert_eq!(v.overall, Overall::Red);
        assert_eq!(
            v.checks
                .iter()
                .filter(|c| c.verdict == CheckVerdict::Fail)
                .count(),
            1,
            "{v:?}"
        );
    }

    #[test]
    fn own_run_is_left_out() {
        let mut me = run(3, "deploy", "in_progress", None);
        me.check_suite = Some(SuiteRef { id: 77 });
        let mut e = ev(vec![ok(1, "test"), me]);
        e.workflow_runs = vec![WorkflowRun {
            status: Some("in_progress".into()),
            conclusion: None,
            ..wf(50, None, 77)
        }];
        e.suites = vec![suite(77, "github-actions", "in_progress", None, 1)];
        let own = OwnRun {
            run_id: 50,
            check_suite_id: Some(77),
        };
        let v = evaluate(&e, &[], Some(own), true);
        assert_eq!(v.overall, Overall::Green, "{v:?}");
        let v = evaluate(&e, &[], None, true);
        assert_eq!(v.overall, Overall::Pending, "{v:?}");
    }
}
