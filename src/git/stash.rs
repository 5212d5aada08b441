//! Setting the user's unstaged work aside while pre-commit gates check the staged content,
//! and putting it back byte for byte — without ever overwriting what someone wrote since.
//!
//! Unlike `git stash`, nothing is rewritten through a patch: the user's own files are *renamed*
//! into `<git common dir>/gatekeeper/stash/<id>/files/` (same inode, same bytes, same mode and
//! mtime) and renamed back afterwards. The staged version the gates see is first written into
//! the stash folder (as `git checkout` would write it: line endings, `ident`, filters), its
//! exact bytes are recorded in a manifest, and only then does anything in the work tree move.
//! So every path is, at any moment, either the user's file, absent, or exactly what gatekeeper
//! wrote — and a process killed half-way leaves enough behind for [`recover_abandoned`].
//!
//! Putting back follows one rule: a path is replaced or removed only while it holds exactly
//! what gatekeeper wrote there (or nothing). When it holds something else, both versions are
//! kept: after a killed run the new content stays in place and the set-aside copy goes to
//! `<git common dir>/gatekeeper/kept/<id>/`; at the end of a normal run (where anything new
//! at those paths appeared while the gates ran) the user's version comes back and the new
//! content is what is kept. Either way the caller is told where.
//!
//! **Invariant:** the index is never written here; only work-tree files move.

use std::fs;
use std::io::Write as _;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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

/// What a path holds, precisely enough to tell whether anyone changed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Fingerprint {
    Absent,
    File {
        sha256: String,
        executable: bool,
    },
    Symlink {
        sha256: String,
    },
    /// A directory or anything else: never equal to what gatekeeper writes.
    Other,
}

impl Fingerprint {
    /// The fingerprint of whatever is at `path` now.
    pub fn of(path: &Path) -> std::io::Result<Fingerprint> {
        use std::os::unix::fs::PermissionsExt as _;
        let meta = match path.symlink_metadata() {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Fingerprint::Absent),
            Err(e) => return Err(e),
        };
        if meta.file_type().is_symlink() {
            let target = fs::read_link(path)?;
            return Ok(Fingerprint::Symlink {
                sha256: hex::encode(Sha256::digest(target.as_os_str().as_bytes())),
            });
        }
        if !meta.is_file() {
            return Ok(Fingerprint::Other);
        }
        let bytes = fs::read(path)?;
        Ok(Fingerprint::File {
            sha256: hex::encode(Sha256::digest(&bytes)),
            executable: meta.permissions().mode() & 0o111 != 0,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// The path relative to the work-tree root, as hex of its bytes (paths need not be UTF-8).
    path_hex: String,
    kind: EntryKind,
    /// File name inside the stash's `files/` folder (empty for `Deleted`).
    saved: String,
    /// What gatekeeper put at the path for the gates: the staged version (tracked paths) or
    /// nothing (untracked). `None` in manifests of older versions: then only an absent path
    /// counts as untouched.
    #[serde(default)]
    written: Option<Fingerprint>,
    /// Inode and modification time (ns) of what was written; a rename keeps both. After a
    /// killed run, a file re-written with the very same bytes is the user's, not ours.
    #[serde(default)]
    stamp: Option<[i64; 2]>,
}

impl Entry {
    fn path(&self) -> PathBuf {
        let bytes = hex::decode(&self.path_hex).unwrap_or_default();
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }

    /// Whether `now` is what this run left at `target` (so it may be replaced or removed).
    /// `strict` also requires the same inode and modification time.
    fn is_ours(&self, now: &Fingerprint, target: &Path, strict: bool) -> bool {
        if *now == Fingerprint::Absent {
            return true;
        }
        if self.written.as_ref() != Some(now) {
            return false;
        }
        !strict || self.stamp.is_none() || stamp_of(target) == self.stamp
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    /// The work tree the entries belong to.
    root: PathBuf,
    pid: u32,
    entries: Vec<Entry>,
    /// Directories created to hold staged versions of deleted files (hex of the relative
    /// path), removed again when they are empty.
    #[serde(default)]
    created_dirs: Vec<String>,
}

/// The inode and modification time (ns) of a path, not following symlinks.
fn stamp_of(path: &Path) -> Option<[i64; 2]> {
    use std::os::unix::fs::MetadataExt as _;
    let m = path.symlink_metadata().ok()?;
    Some([
        i64::try_from(m.ino()).unwrap_or(i64::MAX),
        m.mtime() * 1_000_000_000 + m.mtime_nsec(),
    ])
}

/// What a path that changed since it was set aside was resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptCopy {
    /// The work-tree path (relative to the root).
    pub path: PathBuf,
    /// Where the other version now is.
    pub copy: PathBuf,
    /// True when the copy is the user's set-aside version (after a killed run the new
    /// content stays in place); false when it is what appeared while the gates ran.
    pub copy_is_set_aside: bool,
}

/// The result of putting set-aside files back.
#[derive(Debug, Default, Clone)]
pub struct Restored {
    /// Paths put back as they were.
    pub restored: Vec<PathBuf>,
    /// Paths that had changed since: both versions kept.
    pub kept: Vec<KeptCopy>,
    /// Files deleted by the user that someone wrote again since: left in place.
    pub left: Vec<PathBuf>,
}

impl Restored {
    pub fn is_empty(&self) -> bool {
        self.restored.is_empty() && self.kept.is_empty() && self.left.is_empty()
    }
}

/// What to do with content found at a path that gatekeeper did not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conflict {
    /// After a killed run: the user may have worked since, so the new content stays in
    /// place and the set-aside copy is kept aside.
    LeaveInPlace,
    /// At the end of a run: it appeared while the gates ran, so the user's version comes
    /// back and the new content is kept aside.
    MoveAside,
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

/// Where copies are kept when a path changed since it was set aside.
fn kept_root(repo: &Repo) -> PathBuf {
    repo.state_dir().join("kept")
}

pub fn unique_id() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    )
}

impl WorktreeStash {
    /// Sets aside every unstaged change and untracked file of the work tree, leaving the
    /// work tree equal to the index (as a checkout would write it). Untracked `.gitignore`
    /// files stay: they decide what the gates' tools ignore. Paths outside a sparse checkout
    /// are not touched. Returns `None` when there is nothing to set aside.
    pub fn set_aside(repo: &Repo) -> Result<Option<WorktreeStash>> {
        let mut changes = repo.worktree_changes(true)?;
        changes
            .untracked
            .retain(|p| p.file_name() != Some(std::ffi::OsStr::new(".gitignore")));
        if changes.is_empty() {
            return Ok(None);
        }
        let dir = stash_root(repo).join(unique_id());
        let files = dir.join("files");
        let staged = dir.join("staged");
        fs::create_dir_all(&files)
            .with_context(|| format!("failed to create `{}`", files.display()))?;

        // The staged version of every tracked path, written where the gates will not see it
        // yet, so that its exact bytes are known before anything in the work tree moves.
        let mut tracked: Vec<PathBuf> = changes.modified.clone();
        tracked.extend(changes.deleted.iter().cloned());
        repo.write_checkout_forms(&tracked, &staged)?;

        let mut entries = Vec::new();
        let mut n = 0usize;
        let mut created_dirs = Vec::new();
        for (paths, kind) in [
            (&changes.modified, EntryKind::Modified),
            (&changes.deleted, EntryKind::Deleted),
            (&changes.untracked, EntryKind::Untracked),
        ] {
            for p in paths {
                let saved = if kind == EntryKind::Deleted {
                    String::new()
                } else {
                    n += 1;
                    n.to_string()
                };
                let written = if kind == EntryKind::Untracked {
                    Fingerprint::Absent
                } else {
                    Fingerprint::of(&staged.join(p))
                        .with_context(|| format!("failed to read the staged `{}`", p.display()))?
                };
                if kind == EntryKind::Deleted && written != Fingerprint::Absent {
                    let mut missing = Vec::new();
                    let mut a = p.parent();
                    while let Some(d) = a.filter(|d| !d.as_os_str().is_empty()) {
                        if repo.root().join(d).symlink_metadata().is_ok() {
                            break;
                        }
                        missing.push(hex::encode(d.as_os_str().as_bytes()));
                        a = d.parent();
                    }
                    for m in missing {
                        if !created_dirs.contains(&m) {
                            created_dirs.push(m);
                        }
                    }
                }
                let stamp = if kind == EntryKind::Untracked {
                    None
                } else {
                    stamp_of(&staged.join(p))
                };
                entries.push(Entry {
                    path_hex: hex::encode(p.as_os_str().as_bytes()),
                    kind,
                    saved,
                    written: Some(written),
                    stamp,
                });
            }
        }
        let manifest = Manifest {
            root: repo.root().to_path_buf(),
            pid: std::process::id(),
            entries,
            created_dirs,
        };
        write_manifest(&dir, &manifest)?;
        let mut stash = WorktreeStash {
            dir,
            manifest,
            restored: false,
        };
        if let Err(e) = stash.swap_in(repo.root()) {
            // Put everything back before reporting: the user's work comes first.
            let back = stash.restore(repo);
            return match back {
                Ok(_) => Err(e),
                Err(b) => Err(e.context(format!("{b:#}"))),
            };
        }
        Ok(Some(stash))
    }

    /// Moves the user's files aside, then the staged versions in. Each rename is atomic: a
    /// path always holds the user's file, nothing, or exactly what the manifest records.
    fn swap_in(&self, root: &Path) -> Result<()> {
        let files = self.dir.join("files");
        let staged = self.dir.join("staged");
        for e in &self.manifest.entries {
            if e.kind == EntryKind::Deleted {
                continue;
            }
            let src = root.join(e.path());
            move_path(&src, &files.join(&e.saved))
                .with_context(|| format!("failed to set aside `{}`", src.display()))?;
        }
        for e in &self.manifest.entries {
            if e.kind == EntryKind::Untracked || e.written == Some(Fingerprint::Absent) {
                continue;
            }
            let dst = root.join(e.path());
            if let Some(parent) = dst.parent() {
                fs::create_dir_all(parent)
                    .with_context(|| format!("failed to create `{}`", parent.display()))?;
            }
            move_path(&staged.join(e.path()), &dst).with_context(|| {
                format!("failed to write the staged version of `{}`", dst.display())
            })?;
        }
        Ok(())
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

    /// Tracked paths that no longer hold exactly what was written for the gates.
    pub fn changed_tracked_paths(&self) -> Vec<PathBuf> {
        self.manifest
            .entries
            .iter()
            .filter(|e| e.kind != EntryKind::Untracked)
            .filter(|e| {
                let now = Fingerprint::of(&self.manifest.root.join(e.path()))
                    .unwrap_or(Fingerprint::Other);
                e.written.as_ref() != Some(&now)
            })
            .map(Entry::path)
            .collect()
    }

    /// Treats whatever is now at `path` as what gatekeeper wrote (a gate rewrote it to
    /// content git considers the same, e.g. only line endings): it is replaced quietly.
    pub fn accept_current(&mut self, path: &Path) -> Result<()> {
        let now = Fingerprint::of(&self.manifest.root.join(path))?;
        let hex_path = hex::encode(path.as_os_str().as_bytes());
        for e in &mut self.manifest.entries {
            if e.path_hex == hex_path {
                e.written = Some(now.clone());
                e.stamp = stamp_of(&self.manifest.root.join(path));
            }
        }
        write_manifest(&self.dir, &self.manifest)
    }

    /// The folder where this run keeps copies of files that changed while they were set
    /// aside (created only when something is kept).
    pub fn kept_dir(&self, repo: &Repo) -> PathBuf {
        kept_root(repo).join(self.dir.file_name().unwrap_or_default())
    }

    /// Puts every file back exactly as it was. Whatever appeared at those paths while the
    /// gates ran is moved into [`WorktreeStash::kept_dir`] (and listed), never deleted.
    pub fn restore(&mut self, repo: &Repo) -> Result<Restored> {
        if self.restored {
            return Ok(Restored::default());
        }
        let kept = self.kept_dir(repo);
        let out = restore_entries(&self.dir, &self.manifest, &kept, Conflict::MoveAside)?;
        self.restored = true;
        fs::remove_dir_all(&self.dir)
            .with_context(|| format!("failed to remove `{}`", self.dir.display()))?;
        Ok(out)
    }
}

impl Drop for WorktreeStash {
    fn drop(&mut self) {
        // Last line of defence (e.g. an early `?` return or a panic): never leave the user's
        // work in the stash. Errors are reported by `recover_abandoned` on the next run.
        if !self.restored {
            let state = self.dir.parent().and_then(Path::parent);
            if let Some(state) = state {
                let kept = state
                    .join("kept")
                    .join(self.dir.file_name().unwrap_or_default());
                let _ = restore_entries(&self.dir, &self.manifest, &kept, Conflict::MoveAside)
                    .and_then(|_| fs::remove_dir_all(&self.dir).map_err(Into::into));
            }
            self.restored = true;
        }
    }
}

fn restore_entries(
    dir: &Path,
    manifest: &Manifest,
    kept: &Path,
    conflict: Conflict,
) -> Result<Restored> {
    let root = &manifest.root;
    let files = dir.join("files");
    let strict = conflict == Conflict::LeaveInPlace;
    let mut out = Restored::default();
    let mut first_error = None;
    for e in &manifest.entries {
        let rel = e.path();
        let target = root.join(&rel);
        let saved = files.join(&e.saved);
        let result = (|| -> Result<()> {
            let now = Fingerprint::of(&target)?;
            match e.kind {
                EntryKind::Deleted => {
                    if now == Fingerprint::Absent {
                    } else if e.is_ours(&now, &target, strict) {
                        remove_any(&target)?;
                    } else if conflict == Conflict::MoveAside {
                        let copy = keep(&target, kept, &rel)?;
                        out.kept.push(KeptCopy {
                            path: rel.clone(),
                            copy,
                            copy_is_set_aside: false,
                        });
                    } else {
                        out.left.push(rel.clone());
                    }
                }
                EntryKind::Modified | EntryKind::Untracked => {
                    if saved.symlink_metadata().is_err() {
                        // Never moved (interrupted before), or already back.
                        return Ok(());
                    }
                    if e.is_ours(&now, &target, strict) {
                        remove_any(&target)?;
                    } else if conflict == Conflict::LeaveInPlace {
                        let copy = keep(&saved, kept, &rel)?;
                        out.kept.push(KeptCopy {
                            path: rel.clone(),
                            copy,
                            copy_is_set_aside: true,
                        });
                        return Ok(());
                    } else {
                        let copy = keep(&target, kept, &rel)?;
                        out.kept.push(KeptCopy {
                            path: rel.clone(),
                            copy,
                            copy_is_set_aside: false,
                        });
                    }
                    if let Some(parent) = target.parent() {
                        fs::create_dir_all(parent)?;
                    }
                    move_path(&saved, &target)?;
                    out.restored.push(rel.clone());
                }
            }
            Ok(())
        })();
        if let Err(err) = result {
            first_error.get_or_insert_with(|| {
                err.context(format!(
                    "failed to restore `{}`; your copy is kept in `{}`",
                    target.display(),
                    saved.display()
                ))
            });
        }
    }
    // Directories made only to hold staged versions of deleted files go again, when empty
    // (`remove_dir` never removes anything inside), deepest first.
    let mut dirs: Vec<PathBuf> = manifest
        .created_dirs
        .iter()
        .filter_map(|h| hex::decode(h).ok())
        .map(|b| PathBuf::from(std::ffi::OsString::from_vec(b)))
        .collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        let _ = fs::remove_dir(root.join(d));
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Moves `from` to `<kept>/<rel>` (beside any earlier copy of the same path) and returns
/// where it went.
fn keep(from: &Path, kept: &Path, rel: &Path) -> Result<PathBuf> {
    let rel_str = rel.as_os_str().as_bytes();
    let rel = Path::new(std::ffi::OsStr::from_bytes(
        rel_str.strip_suffix(b"/").unwrap_or(rel_str),
    ));
    let mut dst = kept.join(rel);
    let mut i = 1;
    while dst.symlink_metadata().is_ok() {
        i += 1;
        let mut name = rel.as_os_str().to_owned();
        name.push(format!(".{i}"));
        dst = kept.join(name);
    }
    if let Some(parent) = dst.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
    }
    move_path(from, &dst)
        .with_context(|| format!("failed to keep `{}` in `{}`", from.display(), dst.display()))?;
    Ok(dst)
}

/// Copies (not moves) the file at `root/rel` into `<kept>/<rel>`; for content that must
/// also be undone in place.
pub fn keep_copy(root: &Path, kept: &Path, rel: &Path) -> Result<PathBuf> {
    let src = root.join(rel);
    let mut dst = kept.join(rel);
    let mut i = 1;
    while dst.symlink_metadata().is_ok() {
        i += 1;
        let mut name = rel.as_os_str().to_owned();
        name.push(format!(".{i}"));
        dst = kept.join(name);
    }
    if let Some(parent) = dst.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
    }
    copy_recursive(&src, &dst)
        .with_context(|| format!("failed to keep `{}` in `{}`", src.display(), dst.display()))?;
    Ok(dst)
}

/// A new folder for copies kept by this run.
pub fn new_kept_dir(repo: &Repo) -> PathBuf {
    kept_root(repo).join(unique_id())
}

/// Restores stashes left behind by a gatekeeper process that was killed (SIGKILL, power
/// loss). A path that changed since it was set aside keeps its new content; the set-aside
/// version is kept in the kept folder and listed in the result.
pub fn recover_abandoned(repo: &Repo) -> Result<Restored> {
    let root = stash_root(repo);
    let Ok(read) = fs::read_dir(&root) else {
        return Ok(Restored::default());
    };
    let mut all = Restored::default();
    for entry in read.flatten() {
        let dir = entry.path();
        let Ok(text) = fs::read(dir.join("manifest.json")) else {
            // No manifest means nothing was moved yet.
            let _ = fs::remove_dir_all(&dir);
            continue;
        };
        let Ok(mut manifest) = serde_json::from_slice::<Manifest>(&text) else {
            continue;
        };
        if manifest.root != repo.root() || process_alive(manifest.pid) {
            continue;
        }
        fill_in_older_manifest(repo, &mut manifest);
        let kept = kept_root(repo).join(entry.file_name());
        let out = restore_entries(&dir, &manifest, &kept, Conflict::LeaveInPlace)?;
        if !out.kept.is_empty() {
            // Marks the folder for `doctor`: these copies are the user's own set-aside work.
            let _ = fs::write(kept.join(KILLED_RUN_MARKER), b"");
        }
        all.restored.extend(out.restored);
        all.kept.extend(out.kept);
        all.left.extend(out.left);
        fs::remove_dir_all(&dir)
            .with_context(|| format!("failed to remove `{}`", dir.display()))?;
    }
    Ok(all)
}

/// Manifests of older versions did not record what was written. For them a tracked path
/// counts as gatekeeper's when its bytes are exactly the staged blob (what those versions
/// wrote where git converts nothing); anything else is kept as the user's.
fn fill_in_older_manifest(repo: &Repo, manifest: &mut Manifest) {
    for e in manifest
        .entries
        .iter_mut()
        .filter(|e| e.written.is_none() && e.kind != EntryKind::Untracked)
    {
        let path = e.path();
        let target = manifest.root.join(&path);
        let staged = repo.index_entry(&path).ok().flatten();
        let raw = target
            .symlink_metadata()
            .is_ok_and(|m| m.is_file())
            .then(|| git2::Oid::hash_file(git2::ObjectType::Blob, &target).ok())
            .flatten();
        if let (Some((id, _, _)), Some(raw)) = (staged, raw)
            && id == raw
        {
            e.written = Fingerprint::of(&target).ok();
        }
    }
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

/// The file that marks a kept folder made by recovering a killed run.
const KILLED_RUN_MARKER: &str = ".after-a-killed-run";

/// Folders of kept copies (for `doctor`), each with whether it holds set-aside work
/// recovered after a killed run (true) or versions that appeared while gates ran (false).
/// Each holds its files under their work-tree paths.
pub fn kept_folders(repo: &Repo) -> Vec<(PathBuf, bool)> {
    let Ok(read) = fs::read_dir(kept_root(repo)) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, bool)> = read
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .map(|p| {
            let killed = p.join(KILLED_RUN_MARKER).exists();
            (p, killed)
        })
        .collect();
    out.sort();
    out
}

/// Removes the files in `folder` named `<pid>-…` (as [`unique_id`] names them) whose process
/// is gone.
pub fn remove_abandoned_files(folder: &Path) {
    let Ok(read) = fs::read_dir(folder) else {
        return;
    };
    for entry in read.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.split_once('-'))
            .and_then(|(p, _)| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && !process_alive(pid)
        {
            let _ = fs::remove_file(entry.path());
        }
    }
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
