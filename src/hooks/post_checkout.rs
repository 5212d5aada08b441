//! post-checkout: run `checkout:` jobs whose `when_changed` files differ between the old and
//! the new HEAD, one at a time per job across all work trees (a file lock).

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
    for (i, job) in h.config.checkout.iter().enumerate() {
        let name = format!("checkout[{i}]: {}", job.run);
        let run = match &changed {
            None => job.on_worktree_add,
            Some(files) => {
                let pats = PatternSet::new(job.when_changed.iter())?;
                files.iter().any(|f| pats.matches(f))
            }
        };
        if !run {
            let reason = if changed.is_none() {
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
                env: h.gate_env("post-checkout"),
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
        if verdict == Verdict::Interrupted {
            break;
        }
    }
    report.finish(started, h.cancel.load(std::sync::atomic::Ordering::SeqCst));
    Ok(())
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
