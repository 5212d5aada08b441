//! pre-push: run the pre-push gates on the files changed by the commits being pushed.
//!
//! The gates run in the work tree as it is (like pre-commit, lefthook and hk do for pre-push);
//! the file list is exactly the pushed range's.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};
use git2::Oid;

use super::HookContext;
use crate::config::Stage;
use crate::gates::{self, FileScope, RunRequest};
use crate::git::{ChangeKind, Repo};
use crate::report::RunReport;

/// One line of the pre-push hook's standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRef {
    pub local_ref: String,
    pub local_oid: Oid,
    pub remote_ref: String,
    pub remote_oid: Oid,
}

impl PushedRef {
    /// Deleting a remote branch pushes nothing to check.
    pub fn is_deletion(&self) -> bool {
        self.local_oid.is_zero()
    }
}

/// Parses `<local ref> <local oid> <remote ref> <remote oid>` lines.
pub fn parse_refs(stdin: &str) -> Result<Vec<PushedRef>> {
    let mut out = Vec::new();
    for line in stdin.lines().filter(|l| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local, remote_ref, remote] = parts[..] else {
            bail!("unexpected pre-push input line: `{line}`");
        };
        out.push(PushedRef {
            local_ref: local_ref.to_owned(),
            local_oid: Oid::from_str(local)?,
            remote_ref: remote_ref.to_owned(),
            remote_oid: Oid::from_str(remote)?,
        });
    }
    Ok(out)
}

/// The commits each pushed ref adds to the remote, oldest first: for an existing branch,
/// those not reachable from the remote's old tip; for a new branch, those not reachable from
/// any of the remote's branches that we know of.
pub fn pushed_commits(repo: &Repo, remote: &str, refs: &[PushedRef]) -> Result<Vec<Oid>> {
    let known = repo.remote_tips(remote);
    let mut all = Vec::new();
    for r in refs.iter().filter(|r| !r.is_deletion()) {
        let mut hide = known.clone();
        if !r.remote_oid.is_zero() && repo.ensure_commit(r.remote_oid).is_ok() {
            hide = vec![r.remote_oid];
        }
        for c in repo.commits_between(r.local_oid, &hide)? {
            if !all.contains(&c) {
                all.push(c);
            }
        }
    }
    Ok(all)
}

/// Runs the pre-push gates.
pub fn run(
    h: &HookContext<'_>,
    remote: &str,
    refs: &[PushedRef],
    report: &mut RunReport,
) -> Result<()> {
    let started = Instant::now();
    if refs.iter().all(PushedRef::is_deletion) {
        report
            .notes
            .push("only deletions are pushed: nothing to check".into());
        report.finish(started, false);
        return Ok(());
    }
    let commits = pushed_commits(h.repo, remote, refs)?;
    // Every pushed commit against the lock of its parent, so that a `commit --no-verify`
    // that weakened a sacred test is caught here.
    for c in &commits {
        let s = crate::sacred::check_commit(h.repo, h.config, *c)?;
        if !s.is_clean() {
            report.sacred.push(s);
        }
    }
    let changes = h.repo.changes_of_commits(&commits)?;
    let files: Vec<PathBuf> = changes
        .into_iter()
        .filter(|c| c.kind != ChangeKind::Deleted)
        .map(|c| c.path)
        .filter(|p| h.repo.root().join(p).exists())
        .collect();
    let skip = h.env.skip_list();
    let req = RunRequest {
        config: h.config,
        root: h.repo.root(),
        stage: Stage::PrePush,
        names: &[],
        files: FileScope::Changed(files),
        skip: &skip,
        skip_flag: &[],
        env: h.gate_env("pre-push"),
        env_bytes: h.env_bytes(),
    };
    let mut planned = gates::plan(&req)?;
    report.notes.extend(gates::skip_notes(&req, &planned));
    let store = gates::cache::ResultCache::for_repo(h.repo);
    let extras = gates::prepare_worktree_run(
        h.repo,
        &mut planned,
        h.env.flag("GATEKEEPER_NO_CACHE"),
        &store,
    )?;
    report.gates = gates::execute(&planned, &req.env, &extras, h.cancel, h.sink);
    gates::remember(&planned, &report.gates, &store);
    report.finish(started, h.cancel.load(std::sync::atomic::Ordering::SeqCst));
    Ok(())
}
