//! post-checkout, post-merge and post-rewrite: run `checkout:` jobs whose `when_changed` files
//! differ between the old and the new HEAD, one at a time per job across all work trees (a file
//! lock).
//!
//! After a job passes, the content ids of its `when_changed` files are recorded for this work
//! tree. post-merge and post-rewrite run a job with a record exactly when its files differ
//! from the record: a rebase runs post-checkout onto the new base first, so a job runs again
//! after it only when the replayed commits changed its files. Without a record they compare
//! `ORIG_HEAD` with HEAD.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result};
use git2::Oid;
use sha2::{Digest, Sha256};

use super::HookContext;
use crate::gates::files::PatternSet;
use crate::gates::{GateOutcome, Verdict};
use crate::process::{self, Ending, ShellCommand};
use crate::report::RunReport;

/// Runs the checkout jobs for `git checkout OLD NEW FLAG`.
pub fn run(
    h: &HookContext<'_>,
    old: &str,
    new: &str,
    flag: &str,
    report: &mut RunReport,
) -> Result<()> {
    let started = Instant::now();
    if flag != "1" {
        report
            .notes
            .push("file checkout: no checkout jobs run".into());
        report.finish(started, false);
        return Ok(());
    }
    let old = Oid::from_str(old).context("post-checkout: bad old HEAD")?;
    let new = Oid::from_str(new).context("post-checkout: bad new HEAD")?;
    let changed: Option<Vec<PathBuf>> = if old.is_zero() {
        None
    } else {
        Some(
            h.repo
                .changes_between(Some(old), new)?
                .into_iter()
                .map(|c| c.path)
                .collect(),
        )
    };
    run_jobs(h, "post-checkout", changed.as_deref(), false, report)?;
    report.finish(started, h.cancel.load(std::sync::atomic::Ordering::SeqCst));
    Ok(())
}

/// post-merge (`git merge`, `git pull`): the jobs whose files differ between `ORIG_HEAD` (where
/// HEAD was before) and HEAD; for a squash merge (`squash` = "1"), between HEAD and the index.
pub fn run_post_merge(h: &HookContext<'_>, squash: &str, report: &mut RunReport) -> Result<()> {
    let started = Instant::now();
    if h.config.checkout.is_empty() {
        report.finish(started, false);
        return Ok(());
    }
    let changed: Vec<PathBuf> = if squash == "1" {
        h.repo
            .staged_changes()?
            .into_iter()
            .map(|c| c.path)
            .collect()
    } else {
        let Some(old) = orig_head(h) else {
            report
                .notes
                .push("no ORIG_HEAD to compare with: no checkout job run".into());
            report.finish(started, false);
            return Ok(());
        };
        let new = h.repo.resolve_commit("HEAD")?;
        h.repo
            .changes_between(Some(old), new)?
            .into_iter()
            .map(|c| c.path)
            .collect()
    };
    run_jobs(h, "post-merge", Some(&changed), true, report)?;
    report.finish(started, h.cancel.load(std::sync::atomic::Ordering::SeqCst));
    Ok(())
}

/// post-rewrite (`git rebase`, `git pull --rebase`, `git commit --amend`): after a rebase, the
/// jobs whose files differ between `ORIG_HEAD` (the branch before the rebase) and HEAD and
/// that have not already run on those files (post-checkout runs when the rebase starts). An
/// amend changes no file in the work tree, so it runs nothing.
pub fn run_post_rewrite(h: &HookContext<'_>, kind: &str, report: &mut RunReport) -> Result<()> {
    let started = Instant::now();
    if h.config.checkout.is_empty() || kind != "rebase" {
        report.finish(started, false);
        return Ok(());
    }
    let Some(old) = orig_head(h) else {
        report
            .notes
            .push("no ORIG_HEAD to compare with: no checkout job run".into());
        report.finish(started, false);
        return Ok(());
    };
    let new = h.repo.resolve_commit("HEAD")?;
    let changed: Vec<PathBuf> = h
        .repo
        .changes_between(Some(old), new)?
        .into_iter()
        .map(|c| c.path)
        .collect();
    run_jobs(h, "post-rewrite", Some(&changed), true, report)?;
    report.finish(started, h.cancel.load(std::sync::atomic::Ordering::SeqCst));
    Ok(())
}

fn orig_head(h: &HookContext<'_>) -> Option<Oid> {
    h.repo.resolve_commit("ORIG_HEAD").ok()
}

/// Runs the jobs for a change of HEAD. `changed`: the files that differ (`None`: a new work
/// tree, nothing to compare with). `unless_done`: skip a job whose files have the content it
/// last passed on in this work tree.
fn run_jobs(
    h: &HookContext<'_>,
    stage: &str,
    changed: Option<&[PathBuf]>,
    unless_done: bool,
    report: &mut RunReport,
) -> Result<()> {
    let index = if h.config.checkout.is_empty() {
        Vec::new()
    } else {
        h.repo.index_entries()?
    };
    for (i, job) in h.config.checkout.iter().enumerate() {
        let name = format!("checkout[{i}]: {}", job.run);
        let pats = PatternSet::new(job.when_changed.iter())?;
        let record = record_path(h, &job.run, i);
        let fingerprint = files_fingerprint(&index, &pats);
        let recorded = std::fs::read_to_string(&record).ok();
        let done = unless_done && recorded.as_deref().is_some_and(|r| r.trim() == fingerprint);
        let run = match (changed, &recorded) {
            // What the job last ran on says it all: a rebase's post-checkout ran it on the new
            // base, and the replayed commits may or may not have changed its files since.
            (Some(_), Some(_)) if unless_done => !done,
            (Some(files), _) => files.iter().any(|f| pats.matches(f)),
            (None, _) => job.on_worktree_add,
        };
        if !run {
            let reason = if done {
                "already ran on these when_changed files".to_owned()
            } else if changed.is_none() {
                "new work tree (no old HEAD); set `on_worktree_add: true` to run it".to_owned()
            } else {
                "none of its when_changed files changed".to_owned()
            };
            let o = skipped(&name, reason);
            h.sink.finished(report.gates.len(), &o);
            report.gates.push(o);
            continue;
        }
        let lock_path = lock_path(h, &job.run, i);
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("failed to open the lock `{}`", lock_path.display()))?;
        // Another work tree running the same job makes us wait, never run it twice at once.
        lock.lock()
            .with_context(|| format!("failed to lock `{}`", lock_path.display()))?;
        let dir = job
            .dir
            .as_deref()
            .map_or_else(|| h.repo.root().to_path_buf(), |d| h.repo.root().join(d));
        let finished = process::run_shell(
            &ShellCommand {
                script: job.run.clone().into(),
                dir,
                env: h.gate_env(stage),
                timeout: job
                    .timeout
                    .map_or(std::time::Duration::from_secs(600), |d| d.0),
                stdin: None,
                capture: true,
            },
            h.cancel,
        );
        drop(lock);
        let finished = finished?;
        let verdict = match finished.ending {
            Ending::Exited(0) => Verdict::Passed,
            Ending::Exited(126 | 127) => Verdict::MissingTool,
            Ending::TimedOut => Verdict::TimedOut,
            Ending::Interrupted => Verdict::Interrupted,
            _ => Verdict::Failed,
        };
        let o = GateOutcome {
            name,
            verdict,
            exit_code: match finished.ending {
                Ending::Exited(c) => Some(c),
                _ => None,
            },
            duration_ms: u64::try_from(finished.duration.as_millis()).unwrap_or(u64::MAX),
            reason: None,
            output: String::from_utf8_lossy(&finished.output).into_owned(),
            files: 0,
            runs: 1,
            required: false,
            cached: false,
            saved_ms: None,
            figures: None,
            sacred: Vec::new(),
        };
        h.sink.finished(report.gates.len(), &o);
        report.gates.push(o);
        // Losing the record only costs a rerun; a job that did not pass leaves none.
        if verdict == Verdict::Passed {
            if let Some(dir) = record.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = crate::fsutil::write_replace_unsynced(&record, fingerprint.as_bytes());
        } else {
            let _ = std::fs::remove_file(&record);
        }
        if verdict == Verdict::Interrupted {
            break;
        }
    }
    Ok(())
}

/// Where this work tree records the files a job last passed on.
fn record_path(h: &HookContext<'_>, run: &str, index: usize) -> PathBuf {
    let key = hex::encode(&Sha256::digest(format!("{index}\0{run}").as_bytes())[..8]);
    h.repo
        .git_dir()
        .join("gatekeeper")
        .join("checkout-runs")
        .join(key)
}

/// The paths and content ids of the index entries matching a job's `when_changed`.
fn files_fingerprint(index: &[(PathBuf, Oid, u32)], pats: &PatternSet) -> String {
    let mut h = Sha256::new();
    for (p, oid, _) in index.iter().filter(|(p, _, _)| pats.matches(p)) {
        h.update(p.as_os_str().as_encoded_bytes());
        h.update([0]);
        h.update(oid.as_bytes());
    }
    hex::encode(h.finalize())
}

fn skipped(name: &str, reason: String) -> GateOutcome {
    GateOutcome {
        name: name.to_owned(),
        verdict: Verdict::Skipped,
        exit_code: None,
        duration_ms: 0,
        reason: Some(reason),
        output: String::new(),
        files: 0,
        runs: 0,
        required: false,
        cached: false,
        saved_ms: None,
        figures: None,
        sacred: Vec::new(),
    }
}

fn lock_path(h: &HookContext<'_>, run: &str, index: usize) -> PathBuf {
    let key = hex::encode(&Sha256::digest(format!("{index}\0{run}").as_bytes())[..8]);
    let dir = h.repo.state_dir().join("locks");
    let _ = std::fs::create_dir_all(&dir);
    dir.join(format!("checkout-{key}.lock"))
}
