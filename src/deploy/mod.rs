//! `deploy-check`'s domain: which commit and repository, the poll-until-decided loop, and the
//! report that both the human and the JSON views render. The verdict itself is the pure
//! function in [`verdict`]; the network is behind the [`CiSource`] trait (GitHub in
//! production, a script in unit tests).

pub mod verdict;

use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use crate::exit::ExitStatus;
use crate::github::{CommitEvidence, GithubClient, RepoSlug};
pub use verdict::{CheckKind, CheckLine, CheckVerdict, Overall, OwnRun, Verdict};

/// The shortest pause between two polls, whatever `--poll` says: a tight loop against the API
/// only burns the rate limit.
const MIN_POLL: Duration = Duration::from_millis(50);

/// What to check.
#[derive(Debug, Clone)]
pub struct DeployCheckPlan {
    pub repo: RepoSlug,
    /// The full 40-hex commit id.
    pub sha: String,
    /// Check-run names or status contexts that must be green.
    pub required: Vec<String>,
    /// How long to wait for pending checks (zero: decide now).
    pub wait: Duration,
    /// How long to sleep between polls.
    pub poll: Duration,
    /// The GitHub Actions run executing deploy-check (`GITHUB_RUN_ID`), when it runs in the
    /// same repository.
    pub own_run_id: Option<u64>,
}

/// Where CI evidence comes from.
pub trait CiSource {
    /// Everything said about the commit now; retries must give up by `deadline`.
    fn evidence(&mut self, deadline: Instant) -> Result<CommitEvidence>;
    /// The check suite of a workflow run.
    fn suite_of_run(&mut self, run_id: u64, deadline: Instant) -> Result<Option<u64>>;
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

    fn suite_of_run(&mut self, run_id: u64, deadline: Instant) -> Result<Option<u64>> {
        Ok(self
            .client
            .workflow_run(self.repo, run_id, deadline)?
            .check_suite_id)
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
    pub required: Vec<String>,
    /// How many times GitHub was asked.
    pub polls: u32,
    pub checks: Vec<CheckLine>,
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
    let own = match plan.own_run_id {
        Some(run_id) => Some(OwnRun {
            run_id,
            check_suite_id: source.suite_of_run(run_id, deadline)?,
        }),
        None => None,
    };
    let mut polls = 0;
    let verdict = loop {
        let evidence = source.evidence(deadline)?;
        polls += 1;
        let now = Instant::now();
        let last = now >= deadline;
        let v = verdict::evaluate(&evidence, &plan.required, own, last);
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
        required: plan.required.clone(),
        polls,
        checks: verdict.checks,
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
        fn suite_of_run(&mut self, _run_id: u64, _deadline: Instant) -> Result<Option<u64>> {
            Ok(None)
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
            wait: Duration::from_millis(wait_ms),
            poll: Duration::from_millis(1),
            own_run_id: None,
        }
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
