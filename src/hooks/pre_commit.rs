//! pre-commit: run the gates on exactly what is staged, with the user's unstaged work set
//! aside and put back byte for byte whatever happens.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result};
use sha2::{Digest, Sha256};

use super::HookContext;
use crate::config::Stage;
use crate::gates::cache::{ContentMode, ResultCache};
use crate::gates::{self, FileScope, RunRequest};
use crate::git::stash::WorktreeStash;
use crate::git::{ChangeKind, Repo, display_path};
use crate::report::RunReport;

/// Runs the pre-commit gates against the staged content.
pub fn run(h: &HookContext<'_>, report: &mut RunReport) -> Result<()> {
    let started = Instant::now();
    let staged = h.repo.staged_changes()?;
    let files: Vec<PathBuf> = staged
        .iter()
        .filter(|c| c.kind != ChangeKind::Deleted)
        .map(|c| c.path.clone())
        .collect();
    let skip = h.env.skip_list();
    let req = RunRequest {
        config: h.config,
        root: h.repo.root(),
        stage: Stage::PreCommit,
        names: &[],
        files: FileScope::Changed(files),
        skip: &skip,
        skip_flag: &[],
        env: h.gate_env("pre-commit"),
        env_bytes: h.env_bytes(),
    };
    // The staged content against the lock at HEAD: reads the index only, never the work tree.
    let sacred = crate::sacred::check_staged(h.repo, h.config)?;
    if sacred.relocked && h.env.session().is_some() {
        report.problems.push(format!(
            "`{}` is staged with new fingerprints; re-locking sacred tests is refused inside an agent session",
            crate::sacred::LOCK_PATH
        ));
    }
    report.sacred.push(sacred);
    // Inside an agent session: nothing outside the role's paths, nothing protected.
    for v in crate::agent::staged_path_violations(h.repo, h.config, h.env)? {
        report.problems.push(v.message);
    }
    let mut planned = gates::plan(&req)?;
    report.notes.extend(gates::skip_notes(&req, &planned));
    // Ratchets compare with the baselines being committed, not an unstaged edit of them.
    let baselines = match h
        .repo
        .index_blob(std::path::Path::new(crate::baseline::BASELINES_FILE))?
    {
        Some(bytes) => crate::baseline::Baselines::parse(&bytes).with_context(|| {
            format!(
                "the staged `{}` is not valid",
                crate::baseline::BASELINES_FILE
            )
        })?,
        None => crate::baseline::Baselines::default(),
    };
    let store = ResultCache::for_repo(h.repo);
    let use_cache = !h.env.flag("GATEKEEPER_NO_CACHE");
    if use_cache {
        gates::apply_cache(&mut planned, h.repo, ContentMode::Staged, &store)?;
    }
    let extras = gates::Extras {
        baselines,
        cache: use_cache.then_some(&store),
        fail_fast: false,
    };
    if planned.iter().all(|p| p.skip.is_some() || p.hit.is_some()) {
        // Nothing will run a command: no need to touch the work tree at all.
        report.gates = gates::execute(&planned, &req.env, &extras, h.cancel, h.sink);
        report.finish(started, false);
        return Ok(());
    }

    let index_before = IndexSnapshot::take(h.repo)?;
    let mut stash = WorktreeStash::set_aside(h.repo)?;
    let outcome = (|| -> Result<()> {
        report.gates = gates::execute(&planned, &req.env, &extras, h.cancel, h.sink);
        undo_gate_changes(h.repo, report)?;
        if index_before.restore_if_changed(h.repo)? {
            report.problems.push(
                "a gate changed the index (what is staged); the index was put back as it was"
                    .into(),
            );
        }
        if use_cache && report.modified_files.is_empty() && report.problems.is_empty() {
            gates::remember(&planned, &report.gates, &store);
        }
        Ok(())
    })();
    // The user's work comes back whatever happened above.
    let restored = match stash.as_mut() {
        Some(s) => s.restore(h.repo),
        None => Ok(()),
    };
    outcome?;
    restored.context("failed to put your unstaged changes back")?;
    report.finish(started, h.cancel.load(std::sync::atomic::Ordering::SeqCst));
    Ok(())
}

/// Tracked files the gates changed are reverted to the staged content; their changes are
/// kept in a patch so that a formatter's fixes are not lost.
fn undo_gate_changes(repo: &Repo, report: &mut RunReport) -> Result<()> {
    let changes = repo.worktree_changes(false)?;
    let mut touched: Vec<PathBuf> = changes.modified;
    touched.extend(changes.deleted);
    if touched.is_empty() {
        return Ok(());
    }
    touched.sort();
    let patch = repo.worktree_patch(&touched)?;
    if !patch.is_empty() {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let path = repo
            .state_dir()
            .join("fixes")
            .join(format!("pre-commit-{stamp}.patch"));
        crate::fsutil::write_atomic(&path, &patch)?;
        report.fixes_patch = Some(path.to_string_lossy().into_owned());
    }
    repo.checkout_from_index(&touched)?;
    report.modified_files = touched.iter().map(|p| display_path(p)).collect();
    Ok(())
}

/// The index's bytes and a fingerprint of its entries, to detect and undo a gate's `git add`.
struct IndexSnapshot {
    path: Option<PathBuf>,
    bytes: Option<Vec<u8>>,
    fingerprint: [u8; 32],
}

impl IndexSnapshot {
    fn take(repo: &Repo) -> Result<IndexSnapshot> {
        let index = repo.index()?;
        let path = index.path().map(std::path::Path::to_path_buf);
        let bytes = path.as_ref().and_then(|p| std::fs::read(p).ok());
        Ok(IndexSnapshot {
            path,
            bytes,
            fingerprint: fingerprint(&index),
        })
    }

    /// Puts the index back when its entries (not just cached stat data) changed.
    fn restore_if_changed(&self, repo: &Repo) -> Result<bool> {
        let now = repo.index()?;
        if fingerprint(&now) == self.fingerprint {
            return Ok(false);
        }
        if let (Some(p), Some(b)) = (&self.path, &self.bytes) {
            crate::fsutil::write_atomic(p, b)?;
        }
        Ok(true)
    }
}

fn fingerprint(index: &git2::Index) -> [u8; 32] {
    let mut h = Sha256::new();
    for e in index.iter() {
        h.update(&e.path);
        h.update([0]);
        h.update(e.id.as_bytes());
        h.update(e.mode.to_le_bytes());
        h.update(e.flags.to_le_bytes());
    }
    h.finalize().into()
}
