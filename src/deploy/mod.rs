//! `deploy-check`'s domain: which commit and repository, the poll-until-decided loop, and the
//! report that both the human and the JSON views render. The verdict itself is the pure
//! function in [`verdict`]; the network is behind the [`CiSource`] trait (GitHub in
//! production, a script in unit tests).

pub mod required;
pub mod verdict;

use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use crate::exit::ExitStatus;
use crate::github::{CommitEvidence, GithubClient, RepoSlug, WorkflowJob, WorkflowRun};
pub use required::{BranchRules, Requirement};
pub use verdict::{CheckKind, CheckLine, CheckVerdict, Graph, Overall, OwnRun, Verdict};

/// The shortest pause between two polls, whatever `--poll` says: a tight loop against the API
/// only burns the rate limit.
const MIN_POLL: Duration = Duration::from_millis(50);

/// What to check.
#[derive(Debug, Clone)]
pub struct DeployCheckPlan {
    pub repo: RepoSlug,
    /// The full 40-hex commit id.
    pub sha: String,
    /// The checks that must be present and green (flags, configuration, branch rules).
    pub required: Vec<Requirement>,
    /// How the branch rules were read, for the report.
    pub rules: BranchRules,
    /// How long to wait for pending checks (zero: decide now).
    pub wait: Duration,
    /// How long to sleep between polls.
    pub poll: Duration,
    /// The GitHub Actions job executing deploy-check, when it runs in the same repository.
    pub own: Option<OwnJob>,
}

/// What GitHub Actions tells a job about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnJob {
    /// `GITHUB_RUN_ID`.
    pub run_id: u64,
    /// `GITHUB_RUN_ATTEMPT`.
    pub attempt: Option<u64>,
    /// `GATEKEEPER_CHECK_RUN_ID` (a workflow passes `${{ job.check_run_id }}`): names the job
    /// exactly.
    pub check_run_id: Option<u64>,
    /// `RUNNER_NAME`: tells the job apart from parallel jobs on other runners.
    pub runner_name: Option<String>,
}

/// Where CI evidence comes from.
pub trait CiSource {
    /// Everything said about the commit now; retries must give up by `deadline`.
    fn evidence(&mut self, deadline: Instant) -> Result<CommitEvidence>;
    /// One workflow run by id.
    fn workflow_run(&mut self, run_id: u64, deadline: Instant) -> Result<WorkflowRun>;
    /// The jobs of one attempt of a workflow run (the latest attempt when `None`).
    fn jobs(
        &mut self,
        run_id: u64,
        attempt: Option<u64>,
        deadline: Instant,
    ) -> Result<Vec<WorkflowJob>>;
}

/// [`CiSource`] over GitHub's REST API.
pub struct GithubSource<'a> {
    pub client: &'a GithubClient,
    pub repo: &'a RepoSlug,
    pub sha: &'a str,
}

impl CiSource for GithubSource<'_> {
    fn evidence(&mut self, deadline: Instant) -> Result<CommitEvidence> {
        self.client.commit_evidence(self.repo, self.sha, deadline)
    }

    fn workflow_run(&mut self, run_id: u64, deadline: Instant) -> Result<WorkflowRun> {
        self.client.workflow_run(self.repo, run_id, deadline)
    }

    fn jobs(
        &mut self,
        run_id: u64,
        attempt: Option<u64>,
        deadline: Instant,
    ) -> Result<Vec<WorkflowJob>> {
        self.client.run_jobs(self.repo, run_id, attempt, deadline)
    }
}

/// The outcome of `deploy-check`: what `--format json` prints and the human view renders.
#[derive(Debug, Clone, Serialize)]
pub struct DeployReport {
    pub repo: RepoSlug,
    pub sha: String,
    pub api_url: String,
    /// `green`, `red` or `pending`.
    pub verdict: Overall,
    pub exit_code: u8,
    pub no_evidence: bool,
    pub reason: String,
    /// The required checks, as written (`name` or `app/name`).
    pub required: Vec<String>,
    /// How the branch's rules were read.
    pub rules: BranchRules,
    /// How many times GitHub was asked.
    pub polls: u32,
    /// Every judged node, flat.
    pub checks: Vec<CheckLine>,
    /// The same nodes as a graph: workflow runs and their jobs, other apps' suites, statuses,
    /// required checks.
    pub graph: Graph,
    pub excluded: Vec<String>,
}

impl DeployReport {
    pub fn exit_status(&self) -> ExitStatus {
        match self.verdict {
            Overall::Green => ExitStatus::Success,
            Overall::Red => ExitStatus::Refused,
            Overall::Pending => ExitStatus::Pending,
        }
    }
}

/// Tells the job executing deploy-check apart from the other jobs of its run: by the check-run
/// id the workflow handed over, else by its runner's name, else as the only unfinished job.
/// When none of these decides, nothing is excluded: a parallel job still running must never be
/// mistaken for this one, so every unfinished job is waited for (and the report says how to
/// name the job).
pub fn identify_own_job(own: &OwnJob, check_suite_id: Option<u64>, jobs: &[WorkflowJob]) -> OwnRun {
    let base = OwnRun {
        run_id: own.run_id,
        check_suite_id,
        own_check_run: None,
        unidentified: None,
    };
    if let Some(id) = own.check_run_id {
        return OwnRun {
            own_check_run: Some(id),
            ..base
        };
    }
    let unfinished: Vec<&WorkflowJob> = jobs.iter().filter(|j| j.status != "completed").collect();
    if let Some(name) = own.runner_name.as_deref() {
        let mine: Vec<&&WorkflowJob> = unfinished
            .iter()
            .filter(|j| j.runner_name.as_deref() == Some(name))
            .collect();
        if let [job] = mine.as_slice() {
            return OwnRun {
                own_check_run: Some(job.check_run_id()),
                ..base
            };
        }
    }
    if let [job] = unfinished.as_slice() {
        return OwnRun {
            own_check_run: Some(job.check_run_id()),
            ..base
        };
    }
    OwnRun {
        unidentified: Some(format!(
            "{} unfinished jobs in this run and none could be told to be the one running deploy-check \
             (pass `GATEKEEPER_CHECK_RUN_ID: ${{{{ job.check_run_id }}}}` in the job's env)",
            unfinished.len()
        )),
        ..base
    }
}

/// Asks `source` until the verdict is decided (green or red) or the wait runs out. Red stops
/// at once: nothing that happens later can make a failed check green again, short of a
/// re-run, which is a new decision. `on_pending` hears about every round that stays pending,
/// with the time until the next one.
pub fn check(
    source: &mut dyn CiSource,
    plan: &DeployCheckPlan,
    api_url: &str,
    on_pending: &mut dyn FnMut(&Verdict, Duration),
) -> Result<DeployReport> {
    let started = Instant::now();
    let deadline = started + plan.wait;
    let poll = plan.poll.max(MIN_POLL);
    let own_suite = match &plan.own {
        Some(own) => source.workflow_run(own.run_id, deadline)?.check_suite_id,
        None => None,
    };
    let mut polls = 0;
    let verdict = loop {
        let own = match &plan.own {
            Some(o) => {
                let jobs = source.jobs(o.run_id, o.attempt, deadline)?;
                Some(identify_own_job(o, own_suite, &jobs))
            }
            None => None,
        };
        let evidence = source.evidence(deadline)?;
        polls += 1;
        let now = Instant::now();
        let last = now >= deadline;
        let v = verdict::evaluate(&evidence, &plan.required, own.as_ref(), last);
        if v.overall != Overall::Pending || last {
            break v;
        }
        let pause = poll.min(deadline - now);
        on_pending(&v, pause);
        std::thread::sleep(pause);
    };
    let report = DeployReport {
        repo: plan.repo.clone(),
        sha: plan.sha.clone(),
        api_url: api_url.to_owned(),
        verdict: verdict.overall,
        exit_code: 0,
        no_evidence: verdict.no_evidence,
        reason: verdict.reason,
        required: plan.required.iter().map(Requirement::label).collect(),
        rules: plan.rules.clone(),
        polls,
        checks: verdict.checks,
        graph: verdict.graph,
        excluded: verdict.excluded,
    };
    Ok(DeployReport {
        exit_code: report.exit_status().code(),
        ..report
    })
}

/// `owner/name` from a git remote URL: `https://host/o/n(.git)`, `ssh://git@host[:port]/o/n`,
/// `git@host:o/n.git`, `git://host/o/n`. The host is not checked: GitHub Enterprise remotes
/// work the same way, and the API root is chosen separately.
pub fn slug_from_remote(url: &str) -> Option<RepoSlug> {
    let url = url.trim();
    let path = if let Some((_, rest)) = url.split_once("://") {
        // Drop `user@host[:port]`.
        rest.split_once('/')?.1
    } else if let Some((host, path)) = url.split_once(':') {
        // scp-like `user@host:path`; a Windows drive letter or a local path is not a remote.
        if host.contains('/') || host.is_empty() {
            return None;
        }
        path
    } else {
        return None;
    };
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let mut parts = path.rsplitn(3, '/');
    let name = parts.next()?;
    let owner = parts.next()?;
    RepoSlug::parse(&format!("{owner}/{name}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::CheckRun;

    #[test]
    fn remotes_of_every_form_parse() {
        for url in [
            "https://github.com/acme/shop.git",
            "https://github.com/acme/shop",
            "https://x-access-token:abc@github.com/acme/shop.git",
            "http://ghe.example.com/acme/shop/",
            "ssh://git@github.com/acme/shop.git",
            "ssh://git@github.com:22/acme/shop",
            "git@github.com:acme/shop.git",
            "git://github.com/acme/shop",
        ] {
            assert_eq!(
                slug_from_remote(url).map(|s| s.to_string()).as_deref(),
                Some("acme/shop"),
                "{url}"
            );
        }
        assert_eq!(slug_from_remote("/srv/git/shop"), None);
        assert_eq!(slug_from_remote("shop"), None);
    }

    /// Returns each scripted evidence in turn, repeating the last.
    struct Script {
        rounds: Vec<CommitEvidence>,
        asked: usize,
    }

    impl CiSource for Script {
        fn evidence(&mut self, _deadline: Instant) -> Result<CommitEvidence> {
            let i = self.asked.min(self.rounds.len() - 1);
            self.asked += 1;
            Ok(self.rounds[i].clone())
        }
        fn workflow_run(&mut self, _run_id: u64, _deadline: Instant) -> Result<WorkflowRun> {
            anyhow::bail!("no workflow runs in this script")
        }
        fn jobs(
            &mut self,
            _run_id: u64,
            _attempt: Option<u64>,
            _deadline: Instant,
        ) -> Result<Vec<WorkflowJob>> {
            Ok(Vec::new())
        }
    }

    fn runs(status: &str, conclusion: Option<&str>) -> CommitEvidence {
        CommitEvidence {
            check_runs: vec![CheckRun {
                id: 1,
                name: "test".into(),
                status: status.into(),
                conclusion: conclusion.map(Into::into),
                started_at: None,
                html_url: None,
                app: None,
                check_suite: None,
            }],
            ..CommitEvidence::default()
        }
    }

    fn plan(wait_ms: u64) -> DeployCheckPlan {
        DeployCheckPlan {
            repo: RepoSlug::parse("o/n").unwrap(),
            sha: "a".repeat(40),
            required: vec![],
            rules: BranchRules::default(),
            wait: Duration::from_millis(wait_ms),
            poll: Duration::from_millis(1),
            own: None,
        }
    }

    fn job(id: u64, status: &str, runner: &str) -> WorkflowJob {
        WorkflowJob {
            id,
            run_id: Some(9),
            run_attempt: Some(1),
            name: format!("job {id}"),
            status: status.into(),
            conclusion: None,
            check_run_url: Some(format!(
                "https://api.github.com/repos/o/n/check-runs/{}",
                id + 1000
            )),
            html_url: None,
            runner_name: Some(runner.into()),
        }
    }

    #[test]
    fn own_job_is_identified_by_id_runner_or_as_the_only_unfinished_one() {
        let own = OwnJob {
            run_id: 9,
            attempt: Some(1),
            check_run_id: None,
            runner_name: Some("r2".into()),
        };
        let jobs = [
            job(1, "in_progress", "r1"),
            job(2, "in_progress", "r2"),
            job(3, "completed", "r2"),
        ];
        assert_eq!(
            identify_own_job(&own, Some(5), &jobs).own_check_run,
            Some(1002)
        );
        let by_id = OwnJob {
            check_run_id: Some(77),
            ..own.clone()
        };
        assert_eq!(
            identify_own_job(&by_id, None, &jobs).own_check_run,
            Some(77)
        );
        let nameless = OwnJob {
            runner_name: None,
            ..own.clone()
        };
        let r = identify_own_job(&nameless, None, &jobs);
        assert_eq!(r.own_check_run, None);
        assert!(r.unidentified.is_some());
        let alone = [job(1, "in_progress", "r1"), job(3, "completed", "r2")];
        assert_eq!(
            identify_own_job(&nameless, None, &alone).own_check_run,
            Some(1001)
        );
    }

    #[test]
    fn polls_until_green() {
        let mut s = Script {
            rounds: vec![
                runs("queued", None),
                runs("in_progress", None),
                runs("completed", Some("success")),
            ],
            asked: 0,
        };
        let r = check(&mut s, &plan(60_000), "u", &mut |_, _| {}).unwrap();
        assert_eq!(r.verdict, Overall::Green);
        assert_eq!(r.polls, 3);
        assert_eq!(r.exit_code, 0);
    }

    #[test]
    fn pending_at_the_end_of_the_wait_exits_4() {
        let mut s = Script {
            rounds: vec![runs("in_progress", None)],
            asked: 0,
        };
        let r = check(&mut s, &plan(0), "u", &mut |_, _| {}).unwrap();
        assert_eq!(r.verdict, Overall::Pending);
        assert_eq!(r.exit_code, 4);
        assert_eq!(r.polls, 1);
    }

    #[test]
    fn red_stops_polling_at_once() {
        let mut s = Script {
            rounds: vec![
                runs("completed", Some("failure")),
                runs("completed", Some("success")),
            ],
            asked: 0,
        };
        let r = check(&mut s, &plan(60_000), "u", &mut |_, _| {}).unwrap();
        assert_eq!(r.verdict, Overall::Red);
        assert_eq!(r.polls, 1);
        assert_eq!(r.exit_code, 1);
    }
}
