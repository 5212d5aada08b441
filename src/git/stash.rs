//! Setting the user's unstaged work aside while pre-commit gates check the staged content,
//! and putting it back byte for byte.
//!
//! Unlike `git stash`, nothing is rewritten through a patch: the user's own files are *renamed*
//! into `<git common dir>/gatekeeper/stash/<id>/` (same inode, same bytes, same mode and
//! mtime) and renamed back afterwards. A manifest is written before anything moves, so a
//! process killed half-way leaves enough behind for [`recover_abandoned`] to finish the job.
//!
//! **Invariant:** the index is never written here; only work-tree files move.

use std::fs;
use std::io::Write as _;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use super::Repo;

/// What kind of difference an entry set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum EntryKind {
    /// Tracked, with unstaged changes: the user's file is moved aside and the index's
    /// version written in its place.
    Modified,
    /// Tracked, deleted in the work tree but not in the index: the index's version is
    /// written for the gates and removed again afterwards.
    Deleted,
    /// Not tracked and not ignored: moved aside for the duration.
    Untracked,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// The path relative to the work-tree root, as hex of its bytes (paths need not be UTF-8).
    path_hex: String,
    kind: EntryKind,
    /// File name inside the stash's `files/` folder (empty for `Deleted`).
    saved: String,
}

impl Entry {
    fn path(&self) -> PathBuf {
        let bytes = hex::decode(&self.path_hex).unwrap_or_default();
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    /// The work tree the entries belong to.
    root: PathBuf,
    pid: u32,
    entries: Vec<Entry>,
}

/// Unstaged changes and untracked files, set aside until [`WorktreeStash::restore`].
#[derive(Debug)]
pub struct WorktreeStash {
    dir: PathBuf,
    manifest: Manifest,
    restored: bool,
}

/// Where a work tree's stashes live.
fn stash_root(repo: &Repo) -> PathBuf {
    repo.state_dir().join("stash")
}

impl WorktreeStash {
    /// Sets aside every unstaged change and untracked file of the work tree, leaving the
    /// work tree equal to the index. Returns `None` when there is nothing to set aside.
    pub fn set_aside(repo: &Repo) -> Result<Option<WorktreeStash>> {
        let changes = repo.worktree_changes(true)?;
        if changes.is_empty() {
            return Ok(None);
        }
        let id = format!(
            "{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        );
        let dir = stash_root(repo).join(id);
        let files = dir.join("files");
        fs::create_dir_all(&files)
            .with_context(|| format!("failed to create `{}`", files.display()))?;

        let mut entries = Vec::new();
        let mut n = 0usize;
        let mut push = |path: &Path, kind: EntryKind| {
            let saved = if kind == EntryKind::Deleted {
                String::new()
            } else {
                n += 1;
                n.to_string()
            };
            entries.push(Entry {
                path_hex: hex::encode(path.as_os_str().as_bytes()),
                kind,
                saved,
            });
        };
        for p in &changes.modified {
            push(p, EntryKind::Modified);
        }
        for p in &changes.deleted {
            push(p, EntryKind::Deleted);
        }
        for p in &changes.untracked {
            push(p, EntryKind::Untracked);
        }
        let manifest = Manifest {
            root: repo.root().to_path_buf(),
            pid: std::process::id(),
            entries,
        };
        write_manifest(&dir, &manifest)?;
        let stash = WorktreeStash {
            dir,
            manifest,
            restored: false,
        };

        // Move the user's files aside. Each rename is atomic: a file is either still in the
        // work tree or already in the stash, never lost in between.
        for e in &stash.manifest.entries {
            if e.kind == EntryKind::Deleted {
                continue;
            }
            let src = repo.root().join(e.path());
            let dst = files.join(&e.saved);
            move_path(&src, &dst)
                .with_context(|| format!("failed to set aside `{}`", src.display()))?;
        }
        // Bring the staged version of tracked files into the work tree.
        let to_checkout: Vec<PathBuf> = stash
            .manifest
            .entries
            .iter()
            .filter(|e| e.kind != EntryKind::Untracked)
            .map(Entry::path)
            .collect();
        if let Err(e) = repo.checkout_from_index(&to_checkout) {
            // Put everything back before reporting: the user's work comes first.
            let mut stash = stash;
            stash.restore(repo)?;
            return Err(e);
        }
        Ok(Some(stash))
    }

    /// The paths set aside because they had unstaged changes (tracked files).
    pub fn tracked_paths(&self) -> Vec<PathBuf> {
        self.manifest
            .entries
            .iter()
            .filter(|e| e.kind != EntryKind::Untracked)
            .map(Entry::path)
            .collect()
    }

    /// Puts every file back exactly as it was. Whatever a gate left at those paths is
    /// replaced; the user's version always wins.
    pub fn restore(&mut self, repo: &Repo) -> Result<()> {
        if self.restored {
            return Ok(());
        }
        restore_entries(repo.root(), &self.dir, &self.manifest)?;
        self.restored = true;
        fs::remove_dir_all(&self.dir)
            .with_context(|| format!("failed to remove `{}`", self.dir.display()))?;
        Ok(())
    }
}

impl Drop for WorktreeStash {
    fn drop(&mut self) {
        // Last line of defence (e.g. an early `?` return): never leave the user's work in
        // the stash. Errors are reported by `recover_abandoned` on the next run.
        if !self.restored {
            let _ = restore_entries(&self.manifest.root, &self.dir, &self.manifest)
                .and_then(|()| fs::remove_dir_all(&self.dir).map_err(Into::into));
            self.restored = true;
        }
    }
}

fn restore_entries(root: &Path, dir: &Path, manifest: &Manifest) -> Result<()> {
    let files = dir.join("files");
    let mut first_error = None;
    for e in &manifest.entries {
        let target = root.join(e.path());
        let result = match e.kind {
            EntryKind::Deleted => remove_any(&target),
            EntryKind::Modified | EntryKind::Untracked => {
                let saved = files.join(&e.saved);
                if saved.symlink_metadata().is_ok() {
                    remove_any(&target).and_then(|()| {
                        if let Some(parent) = target.parent() {
                            fs::create_dir_all(parent)?;
                        }
                        move_path(&saved, &target)
                    })
                } else {
                    // Never moved (interrupted before): the original is still in place.
                    Ok(())
                }
            }
        };
        if let Err(err) = result {
            first_error.get_or_insert_with(|| {
                anyhow::Error::new(err).context(format!(
                    "failed to restore `{}`; your copy is kept in `{}`",
                    target.display(),
                    files.join(&e.saved).display()
                ))
            });
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Restores stashes left behind by a gatekeeper process that was killed (SIGKILL, power
/// loss). Returns the work-tree paths restored.
pub fn recover_abandoned(repo: &Repo) -> Result<Vec<PathBuf>> {
    let root = stash_root(repo);
    let Ok(read) = fs::read_dir(&root) else {
        return Ok(Vec::new());
    };
    let mut restored = Vec::new();
    for entry in read.flatten() {
        let dir = entry.path();
        let Ok(text) = fs::read(dir.join("manifest.json")) else {
            // No manifest means nothing was moved yet.
            let _ = fs::remove_dir_all(&dir);
            continue;
        };
        let Ok(manifest) = serde_json::from_slice::<Manifest>(&text) else {
            continue;
        };
        if manifest.root != repo.root() || process_alive(manifest.pid) {
            continue;
        }
        restore_entries(&manifest.root, &dir, &manifest)?;
        restored.extend(manifest.entries.iter().map(Entry::path));
        fs::remove_dir_all(&dir)
            .with_context(|| format!("failed to remove `{}`", dir.display()))?;
    }
    Ok(restored)
}

/// Stashes of this work tree that are waiting to be restored (for `doctor`).
pub fn abandoned(repo: &Repo) -> Vec<PathBuf> {
    let Ok(read) = fs::read_dir(stash_root(repo)) else {
        return Vec::new();
    };
    read.flatten()
        .map(|e| e.path())
        .filter(|d| {
            fs::read(d.join("manifest.json"))
                .ok()
                .and_then(|t| serde_json::from_slice::<Manifest>(&t).ok())
                .is_some_and(|m| m.root == repo.root() && !process_alive(m.pid))
        })
        .collect()
}

fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    // Signal 0 checks for existence without sending anything.
    matches!(
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None),
        Ok(()) | Err(nix::errno::Errno::EPERM)
    )
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    let path = dir.join("manifest.json");
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer(&mut tmp, manifest)?;
    tmp.flush()?;
    tmp.as_file().sync_all()?;
    tmp.persist(&path)
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    Ok(())
}

/// Renames `src` to `dst`; across file systems, copies then removes.
fn move_path(src: &Path, dst: &Path) -> std::io::Result<()> {
    match fs::rename(src, dst) {
        Ok(()) => Ok(()),
        Err(e) if e.raw_os_error() == Some(nix::libc::EXDEV) => {
            copy_recursive(src, dst)?;
            remove_any(src)
        }
        Err(e) => Err(e),
    }
}

fn copy_recursive(src: &Path, dst: &Path) -> std::io::Result<()> {
    let meta = src.symlink_metadata()?;
    if meta.file_type().is_symlink() {
        std::os::unix::fs::symlink(fs::read_link(src)?, dst)
    } else if meta.is_dir() {
        fs::create_dir_all(dst)?;
        for entry in fs::read_dir(src)? {
            let entry = entry?;
            copy_recursive(&entry.path(), &dst.join(entry.file_name()))?;
        }
        fs::set_permissions(dst, meta.permissions())
    } else {
        fs::copy(src, dst).map(|_| ())
    }
}

/// Removes a file, symlink or directory; a missing path is fine.
fn remove_any(path: &Path) -> std::io::Result<()> {
    match path.symlink_metadata() {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// True when `path` names an untracked directory entry (git reports them with a trailing `/`).
pub fn is_dir_entry(path: &Path) -> bool {
    path.as_os_str().as_bytes().last() == Some(&b'/')
}
