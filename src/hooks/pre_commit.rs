//! pre-commit: run the gates on exactly what is staged, with the user's unstaged work set
//! aside and put back byte for byte whatever happens.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use sha2::{Digest, Sha256};

use super::HookContext;
use crate::config::Stage;
use crate::gates::cache::{ContentMode, ResultCache};
use crate::gates::{self, FileScope, RunRequest};
use crate::git::stash::{self, WorktreeStash};
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

    report.gates = run_with_work_set_aside(
        h,
        &planned,
        &req.env,
        &extras,
        use_cache.then_some(&store),
        report,
    )?;
    report.finish(started, h.cancel.load(std::sync::atomic::Ordering::SeqCst));
    Ok(())
}

/// Runs `planned` in the work tree with everything that is not staged set aside, so that
/// the gates see exactly the index as a checkout writes it; then undoes (and keeps) whatever
/// changed during the run, puts the user's work back, and stores passes in `cache` when the
/// run proved sound. Problems and modified files go into `report`; returns the outcomes.
pub(super) fn run_with_work_set_aside(
    h: &HookContext<'_>,
    planned: &[gates::PlannedGate],
    env: &[(String, String)],
    extras: &gates::Extras<'_>,
    cache: Option<&ResultCache>,
    report: &mut RunReport,
) -> Result<Vec<gates::GateOutcome>> {
    let index_before = IndexSnapshot::take(h.repo)?;
    // From here on the kernel names what changes, so the work tree need not be compared
    // with the index again after the gates (when it cannot, it is). Only on a repository
    // big enough for that to pay (see `Repo::prefers_git_status`); the watches are added
    // while the work tree is compared, for the unstaged changes to set aside.
    let parsed = h.repo.index_file()?;
    let big = h.repo.prefers_git_status()?;
    let watching = parsed
        .as_ref()
        .filter(|_| big && !h.env.flag("GATEKEEPER_NO_WATCH"))
        .map(|ix| crate::git::watch::TreeWatch::start_in_background(h.repo.root(), ix));
    let mut stash = WorktreeStash::set_aside(h.repo)?;
    let watch = watching
        .and_then(crate::git::watch::PendingWatch::wait)
        .zip(parsed.clone());
    let kept_dir = stash
        .as_ref()
        .map_or_else(|| stash::new_kept_dir(h.repo), |s| s.kept_dir(h.repo));
    let mut outcomes = Vec::new();
    // A second early, so that a file written in the same second as the run started counts.
    let run_started = std::time::SystemTime::now() - std::time::Duration::from_secs(1);
    let outcome = (|| -> Result<()> {
        outcomes = gates::execute(planned, env, extras, h.cancel, h.sink);
        // The index first: a file a gate staged and deleted again must not come back from it.
        if let Some(kept) = index_before.restore_if_changed(h.repo, &kept_dir)? {
            report.problems.push(format!(
                "a gate changed the index (what is staged), or you staged something while the gates ran: it was put back as it was; the change is kept in `{}` (re-apply it with: git apply --cached '{}')",
                kept.display(),
                kept.display()
            ));
        }
        let watched = watch
            .as_ref()
            .and_then(|(w, ix)| w.changed(ix).map(|paths| (paths, ix)));
        let changes = match watched {
            Some((paths, ix)) => h.repo.tracked_changes_among(ix, &paths)?,
            None => h.repo.worktree_changes(false)?,
        };
        undo_changes_during_run(
            h.repo,
            stash.as_mut(),
            &kept_dir,
            run_started,
            changes,
            report,
        )?;
        if let Some(store) = cache
            && report.modified_files.is_empty()
            && report.problems.is_empty()
        {
            gates::remember(planned, &outcomes, store);
        }
        Ok(())
    })();
    // The user's work comes back whatever happened above.
    let restored = match stash.as_mut() {
        Some(s) => s.restore(h.repo),
        None => Ok(stash::Restored::default()),
    };
    outcome?;
    let restored = restored.context("failed to put your unstaged changes back")?;
    for k in &restored.kept {
        report.notes.push(format!(
            "`{}` changed while the gates ran; your version is back, and the one that appeared is kept in `{}`",
            display_path(&k.path),
            k.copy.display()
        ));
    }
    Ok(outcomes)
}

/// Tracked files that changed while the gates ran — by a gate (a formatter) or by the user
/// (an editor saving) — are put back as they were before the run. Each changed version is
/// kept whole in `kept_dir`, and all of them as one patch against the index, so that neither
/// a formatter's fixes nor the user's edits are lost. Changes git does not count as changes
/// (a file rewritten with other line endings that stores the same) are undone quietly.
fn undo_changes_during_run(
    repo: &Repo,
    stash: Option<&mut WorktreeStash>,
    kept_dir: &std::path::Path,
    run_started: std::time::SystemTime,
    changes: crate::git::WorktreeChanges,
    report: &mut RunReport,
) -> Result<()> {
    let set_aside: BTreeSet<PathBuf> = stash
        .as_ref()
        .map(|s| s.tracked_paths().into_iter().collect())
        .unwrap_or_default();
    // Set-aside paths changed when their bytes are not what was written for the gates;
    // the others when libgit2 sees them differ from the index.
    let mut candidates: Vec<PathBuf> = stash
        .as_ref()
        .map(|s| s.changed_tracked_paths())
        .unwrap_or_default();
    let mut clean_changed: Vec<PathBuf> = changes
        .modified
        .into_iter()
        .chain(changes.deleted)
        .filter(|p| !set_aside.contains(p))
        .collect();
    candidates.extend(clean_changed.iter().cloned());
    // Where git converts content (line endings, ident, filters), git decides whether the
    // content differs from what is staged.
    let converted: Vec<PathBuf> = candidates
        .iter()
        .filter(|p| repo.converts(p))
        .cloned()
        .collect();
    let mut same: BTreeSet<PathBuf> = BTreeSet::new();
    if !converted.is_empty() {
        for (p, id) in converted.iter().zip(repo.git_blob_ids(&converted)?) {
            let staged = repo.index_entry(p)?;
            if let (Some(id), Some((staged_id, mode, _))) = (id, staged) {
                let exec_now = file_is_executable(&repo.root().join(p));
                if id == staged_id && exec_now == (mode == 0o100_755) {
                    same.insert(p.clone());
                }
            }
        }
    }
    if let Some(s) = stash {
        for p in same.iter().filter(|p| set_aside.contains(*p)) {
            s.accept_current(p)?;
        }
    }
    let mut touched: Vec<PathBuf> = candidates
        .into_iter()
        .filter(|p| !same.contains(p))
        .collect();
    touched.sort();
    touched.dedup();
    // Clean files re-written during the run with content git stores the same go back to
    // their exact bytes too; one not written since the run started is left alone (libgit2
    // and git may disagree about a file nobody touched).
    let quiet: Vec<PathBuf> = clean_changed
        .iter()
        .filter(|p| same.contains(*p) && changed_since(&repo.root().join(p), run_started))
        .cloned()
        .collect();
    clean_changed.retain(|p| !same.contains(p));
    if touched.is_empty() {
        return put_back_clean_files(repo, &quiet, kept_dir).map(|_| ());
    }
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
    for p in &clean_changed {
        if repo.root().join(p).symlink_metadata().is_ok() {
            stash::keep_copy(repo.root(), kept_dir, p)?;
        }
    }
    let mut all_clean = clean_changed.clone();
    all_clean.extend(quiet);
    let unsure = put_back_clean_files(repo, &all_clean, kept_dir)?;
    for p in unsure {
        report.notes.push(format!(
            "`{}` was put back with the line endings a checkout writes; git stores the same content as before",
            display_path(&p)
        ));
    }
    report.notes.push(format!(
        "the files listed changed while the gates ran (by a gate, or by you if you edited them meanwhile); each changed version is kept in `{}`",
        kept_dir.display()
    ));
    report
        .modified_files
        .extend(touched.iter().map(|p| display_path(p)));
    Ok(())
}

/// `bytes` with every LF that has no CR before it turned into CRLF.
fn with_crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    let mut prev = 0u8;
    for &b in bytes {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// Whether the file's status changed (ctime: a write, a rename, a mode change) at or after
/// `since`; a missing file counts as changed.
fn changed_since(path: &std::path::Path, since: std::time::SystemTime) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let Ok(m) = path.symlink_metadata() else {
        return true;
    };
    let since_ns = since
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX));
    i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()) >= since_ns
}

fn file_is_executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    path.metadata()
        .is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

/// Puts tracked files that were unchanged before the run back to the bytes they had. Where
/// git converts content, the bytes of a checkout and the stored bytes can both be "unchanged"
/// (an LF file under `core.autocrlf=true`): the one whose size git recorded in the index for
/// the file is chosen. Returns the paths where neither matched (a checkout is written).
fn put_back_clean_files(
    repo: &Repo,
    paths: &[PathBuf],
    scratch_parent: &std::path::Path,
) -> Result<Vec<PathBuf>> {
    let mut unsure = Vec::new();
    if paths.is_empty() {
        return Ok(unsure);
    }
    // Every version is written aside first and renamed over the file: a checkout into the
    // work tree itself skips a file whose size and timestamps still match what the index
    // recorded, which a gate that rewrites a file in place and restores its mtime achieves.
    // Beside the stash, outside the kept folders `doctor` lists.
    let scratch = repo
        .state_dir()
        .join("tmp")
        .join(scratch_parent.file_name().unwrap_or_default());
    let _ = std::fs::remove_dir_all(&scratch);
    repo.write_checkout_forms(paths, &scratch)?;
    for p in paths {
        let form = scratch.join(p);
        let Some((id, _, recorded_size)) = repo.index_entry(p)? else {
            continue;
        };
        if repo.converts(p)
            && let Ok(meta) = form.symlink_metadata()
            && meta.is_file()
        {
            let recorded = u64::from(recorded_size);
            if meta.len() != recorded {
                // Not the checkout's bytes: the stored bytes, or the stored text with CRLF
                // line endings, whichever has the size git recorded.
                let raw = repo.blob_bytes(id)?;
                let crlf = with_crlf(&raw);
                if let Some(bytes) = [raw, crlf].into_iter().find(|b| b.len() as u64 == recorded) {
                    std::fs::write(&form, &bytes)
                        .with_context(|| format!("failed to write `{}`", form.display()))?;
                } else {
                    unsure.push(p.clone());
                }
            }
        }
        let dst = repo.root().join(p);
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if form.symlink_metadata().is_ok() {
            if dst.symlink_metadata().is_ok_and(|m| m.is_dir()) {
                std::fs::remove_dir_all(&dst)?;
            }
            std::fs::rename(&form, &dst)
                .with_context(|| format!("failed to put back `{}`", dst.display()))?;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(unsure)
}

/// The index as it was before the gates, to detect and undo a gate's `git add`: its file's
/// stamp (device, inode, size, modification and change times) and a copy of its bytes. A
/// file whose stamp is unchanged was not written (any write moves its change time, which no
/// process can set back), so only a changed one is parsed and compared by entries.
struct IndexSnapshot {
    path: PathBuf,
    /// `None`: there was no index file.
    stamp: Option<[i64; 5]>,
    /// The copy of the index as it was (in gatekeeper's state folder), when there was one.
    copy: Option<PathBuf>,
}

impl IndexSnapshot {
    fn take(repo: &Repo) -> Result<IndexSnapshot> {
        let path = repo.index_path();
        let stamp = crate::git::file_stamp(&path);
        let mut snapshot = IndexSnapshot {
            path,
            stamp,
            copy: None,
        };
        if stamp.is_some() {
            let folder = repo.state_dir().join("index-before");
            std::fs::create_dir_all(&folder)
                .with_context(|| format!("failed to create `{}`", folder.display()))?;
            // Copies left by a run that was killed are of no use to anyone.
            crate::git::stash::remove_abandoned_files(&folder);
            let copy = folder.join(crate::git::stash::unique_id());
            // Copied by the kernel (copy_file_range): the index is not read into memory.
            std::fs::copy(&snapshot.path, &copy).with_context(|| {
                format!("failed to keep a copy of `{}`", snapshot.path.display())
            })?;
            snapshot.copy = Some(copy);
            if crate::git::file_stamp(&snapshot.path) != stamp {
                bail!(
                    "the index `{}` changed while gatekeeper read it; run the commit again",
                    snapshot.path.display()
                );
            }
        }
        Ok(snapshot)
    }

    /// Puts the index back when its entries (not just cached stat data) changed, after
    /// keeping the change as a patch in `kept_dir` (returned).
    fn restore_if_changed(
        &self,
        repo: &Repo,
        kept_dir: &std::path::Path,
    ) -> Result<Option<PathBuf>> {
        if crate::git::file_stamp(&self.path) == self.stamp {
            return Ok(None);
        }
        let before = match &self.copy {
            Some(copy) => Some(std::fs::read(copy).with_context(|| {
                format!("failed to read the copy of the index `{}`", copy.display())
            })?),
            None => None,
        };
        let fingerprint_before = match &before {
            Some(b) => fingerprint_of_bytes(b, self.copy.as_deref())?,
            None => Sha256::new().finalize().into(),
        };
        if fingerprint(repo)? == fingerprint_before {
            return Ok(None);
        }
        let patch_path = kept_dir.join("index-changes.patch");
        if let Some(b) = &before {
            let old = kept_dir.join("index-before");
            crate::fsutil::write_atomic(&old, b)?;
            let patch = repo.index_change_patch(&old);
            let _ = std::fs::remove_file(&old);
            crate::fsutil::write_atomic(&patch_path, &patch?)?;
            crate::fsutil::write_atomic(&self.path, b)?;
        }
        Ok(Some(patch_path))
    }
}

impl Drop for IndexSnapshot {
    fn drop(&mut self) {
        if let Some(copy) = &self.copy {
            let _ = std::fs::remove_file(copy);
        }
    }
}

/// [`fingerprint`] of an index held in `bytes` (read from `file`).
fn fingerprint_of_bytes(bytes: &[u8], file: Option<&std::path::Path>) -> Result<[u8; 32]> {
    let mut h = Sha256::new();
    if let Some(ix) = crate::git::index_file::IndexFile::from_bytes(bytes) {
        for e in ix.entries() {
            add_entry(&mut h, ix.path(e), e.id, e.mode, e.flags, e.flags_extended);
        }
    } else if let Some(file) = file {
        // A form the fast reader declines (a split index, say): libgit2 reads it.
        let index = git2::Index::open(file)
            .with_context(|| format!("failed to read the index copy `{}`", file.display()))?;
        for e in index.iter() {
            add_entry(&mut h, &e.path, e.id, e.mode, e.flags, e.flags_extended);
        }
    }
    Ok(h.finalize().into())
}

fn add_entry(h: &mut Sha256, path: &[u8], id: git2::Oid, mode: u32, flags: u16, extended: u16) {
    h.update(path);
    h.update([0]);
    h.update(id.as_bytes());
    h.update(mode.to_le_bytes());
    h.update((flags & 0xf000).to_le_bytes());
    h.update((extended & 0x6000).to_le_bytes());
}

/// What the index records, without the cached stat data: each entry's path, blob, mode and
/// flags (stage, assume-unchanged, skip-worktree, intent-to-add).
fn fingerprint(repo: &Repo) -> Result<[u8; 32]> {
    let mut h = Sha256::new();
    if let Some(ix) = repo.index_file()? {
        for e in ix.entries() {
            add_entry(&mut h, ix.path(e), e.id, e.mode, e.flags, e.flags_extended);
        }
    } else {
        for e in repo.index()?.iter() {
            add_entry(&mut h, &e.path, e.id, e.mode, e.flags, e.flags_extended);
        }
    }
    Ok(h.finalize().into())
}
