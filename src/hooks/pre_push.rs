//! pre-push: run the pre-push gates on the files changed by the commits being pushed.
//!
//! The gates judge exactly what is pushed, whatever the work tree holds: each pushed tip is
//! checked on the files its range changed, in the work tree when it is the checked-out commit
//! with nothing staged (unstaged and untracked work set aside), otherwise in a temporary
//! checkout of that commit.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};
use git2::Oid;

use super::HookContext;
use crate::config::Stage;
use crate::gates::cache::ContentMode;
use crate::gates::{self, FileScope, RunRequest};
use crate::git::checkout::TempCheckout;
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

/// Runs the pre-push gates on exactly the pushed content: once per pushed tip, on the files
/// its commits changed. A tip that is the checked-out commit, with nothing staged, is judged
/// in the work tree with unstaged and untracked work set aside (as pre-commit does; build
/// caches stay warm); any other tip in a temporary checkout of that commit.
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
    let known = h.repo.remote_tips(remote);
    let head = h.repo.head_commit();
    let mut judged: Vec<Oid> = Vec::new();
    let tips: Vec<&PushedRef> = refs.iter().filter(|r| !r.is_deletion()).collect();
    for r in &tips {
        if judged.contains(&r.local_oid) {
            continue;
        }
        judged.push(r.local_oid);
        let mut hide = known.clone();
        if !r.remote_oid.is_zero() && h.repo.ensure_commit(r.remote_oid).is_ok() {
            hide = vec![r.remote_oid];
        }
        let range = h.repo.commits_between(r.local_oid, &hide)?;
        let files: Vec<PathBuf> = h
            .repo
            .changes_of_commits(&range)?
            .into_iter()
            .filter(|c| c.kind != ChangeKind::Deleted)
            .map(|c| c.path)
            .collect();
        let in_place = head == Some(r.local_oid) && h.repo.staged_changes()?.is_empty();
        let outcomes = if in_place {
            judge_in_work_tree(h, files, report)?
        } else {
            if tips.len() > 1 || head != Some(r.local_oid) {
                report.notes.push(format!(
                    "`{}` ({}) was judged in a temporary checkout of the pushed commit",
                    r.local_ref,
                    &r.local_oid.to_string()[..12]
                ));
            } else {
                report.notes.push(
                    "the pushed commit was judged in a temporary checkout: what is staged differs from it".into(),
                );
            }
            judge_in_checkout(h, r.local_oid, files, report)?
        };
        report.gates.extend(outcomes);
    }
    report.finish(started, h.cancel.load(std::sync::atomic::Ordering::SeqCst));
    Ok(())
}

fn skip_and_env(h: &HookContext<'_>) -> (Vec<String>, usize) {
    (h.env.skip_list(), h.env_bytes())
}

/// The checked-out commit with nothing staged: the work tree with the rest set aside.
fn judge_in_work_tree(
    h: &HookContext<'_>,
    files: Vec<PathBuf>,
    report: &mut RunReport,
) -> Result<Vec<gates::GateOutcome>> {
    let (skip, env_bytes) = skip_and_env(h);
    let req = RunRequest {
        config: h.config,
        root: h.repo.root(),
        stage: Stage::PrePush,
        names: &[],
        files: FileScope::Changed(files),
        skip: &skip,
        skip_flag: &[],
        env: h.gate_env("pre-push"),
        env_bytes,
    };
    let mut planned = gates::plan(&req)?;
    report.notes.extend(gates::skip_notes(&req, &planned));
    let store = gates::cache::ResultCache::for_repo(h.repo);
    let use_cache = !h.env.flag("GATEKEEPER_NO_CACHE");
    if use_cache {
        // With the work set aside the gates see exactly the index, which is the commit.
        gates::apply_cache(&mut planned, h.repo, ContentMode::Staged, &store)?;
    }
    let baselines = match h
        .repo
        .index_blob(std::path::Path::new(crate::baseline::BASELINES_FILE))?
    {
        Some(bytes) => crate::baseline::Baselines::parse(&bytes)?,
        None => crate::baseline::Baselines::default(),
    };
    let extras = gates::Extras {
        baselines,
        cache: use_cache.then_some(&store),
        fail_fast: false,
    };
    if planned.iter().all(|p| p.skip.is_some() || p.hit.is_some()) {
        return Ok(gates::execute(
            &planned, &req.env, &extras, h.cancel, h.sink,
        ));
    }
    super::pre_commit::run_with_work_set_aside(
        h,
        &planned,
        &req.env,
        &extras,
        use_cache.then_some(&store),
        report,
    )
}

/// Any other pushed commit: a temporary checkout of it. The result cache is not used there
/// (its keys describe the work tree's index); gates run with git pointed at the checkout.
fn judge_in_checkout(
    h: &HookContext<'_>,
    commit: Oid,
    files: Vec<PathBuf>,
    report: &mut RunReport,
) -> Result<Vec<gates::GateOutcome>> {
    let checkout = TempCheckout::create(h.repo, commit)?;
    let (skip, env_bytes) = skip_and_env(h);
    let mut env = vec![
        ("GATEKEEPER_STAGE".to_owned(), "pre-push".to_owned()),
        (
            "GATEKEEPER_ROOT".to_owned(),
            checkout.root().to_string_lossy().into_owned(),
        ),
    ];
    env.extend(checkout.git_env());
    let req = RunRequest {
        config: h.config,
        root: checkout.root(),
        stage: Stage::PrePush,
        names: &[],
        files: FileScope::Changed(files),
        skip: &skip,
        skip_flag: &[],
        env,
        env_bytes,
    };
    let planned = gates::plan(&req)?;
    for note in gates::skip_notes(&req, &planned) {
        if !report.notes.contains(&note) {
            report.notes.push(note);
        }
    }
    let extras = gates::Extras {
        baselines: crate::baseline::Baselines::load(checkout.root())?,
        cache: None,
        fail_fast: false,
    };
    Ok(gates::execute(
        &planned, &req.env, &extras, h.cancel, h.sink,
    ))
}
