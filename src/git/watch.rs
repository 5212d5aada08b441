//! Which tracked files changed while the gates ran, as the kernel saw it (inotify), instead of
//! comparing the whole work tree with the index again.
//!
//! Before the gates start, every directory that holds tracked files is watched; afterwards the
//! queued events name each path that was written, closed after writing, had its attributes
//! changed, or was created, deleted or renamed — by any process, whatever the timestamps and
//! size say afterwards (a same-size rewrite that restores the old mtime included). Those paths
//! are then compared with the index by content.
//!
//! **Invariant (fail closed):** whenever the events cannot account for every change — inotify
//! unavailable, the watch limit reached, the event queue overflowed, a watched directory
//! removed or renamed, a directory appearing where the index has files — [`TreeWatch::changed`]
//! returns `None` and the caller compares the whole work tree as before.
//!
//! The watches may be added while the unstaged changes are being set aside: the events that
//! makes only name more paths to compare by content (set-aside paths then hold what the index
//! holds). Setting aside more changes than the event queue holds overflows it, and then the
//! whole work tree is compared.
//!
//! Known limit: inotify reports a write to the directory entry it went through, so a tracked
//! file changed only through a hard link that lives in an unwatched directory is not named.

use std::collections::{BTreeSet, HashMap};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};

use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify, WatchDescriptor};

use super::index_file::IndexFile;

/// A watch on the directories of the tracked files.
pub struct TreeWatch {
    inotify: Inotify,
    /// Each watch's directory, relative to the root ("" for the root itself).
    dirs: HashMap<WatchDescriptor, Vec<u8>>,
}

fn mask() -> AddWatchFlags {
    AddWatchFlags::IN_MODIFY
        | AddWatchFlags::IN_ATTRIB
        | AddWatchFlags::IN_CLOSE_WRITE
        | AddWatchFlags::IN_CREATE
        | AddWatchFlags::IN_DELETE
        | AddWatchFlags::IN_MOVED_FROM
        | AddWatchFlags::IN_MOVED_TO
        | AddWatchFlags::IN_DELETE_SELF
        | AddWatchFlags::IN_MOVE_SELF
        | AddWatchFlags::IN_DONT_FOLLOW
        | AddWatchFlags::IN_ONLYDIR
}

/// The directories holding the index's tracked files (outside a sparse checkout's
/// exclusions), with all their parents, root (empty) first.
fn tracked_dirs(ix: &IndexFile) -> BTreeSet<&[u8]> {
    let mut dirs: BTreeSet<&[u8]> = BTreeSet::new();
    dirs.insert(b"");
    let mut last: &[u8] = b"";
    for e in ix.entries() {
        if e.skip_worktree() {
            continue;
        }
        let p = ix.path(e);
        let Some(slash) = p.iter().rposition(|c| *c == b'/') else {
            continue;
        };
        let dir = &p[..slash];
        if dir == last {
            continue;
        }
        last = dir;
        let mut d = dir;
        while dirs.insert(d) {
            match d.iter().rposition(|c| *c == b'/') {
                Some(s) => d = &d[..s],
                None => break,
            }
        }
    }
    dirs
}

/// A watch being set up on another thread ([`TreeWatch::start_in_background`]), or already
/// set up when no thread could be started.
pub enum PendingWatch {
    Thread(std::thread::JoinHandle<Option<TreeWatch>>),
    Done(Option<TreeWatch>),
}

impl PendingWatch {
    /// The watch once every directory is watched; `None` as [`TreeWatch::start`] says.
    pub fn wait(self) -> Option<TreeWatch> {
        match self {
            PendingWatch::Thread(t) => t.join().ok().flatten(),
            PendingWatch::Done(w) => w,
        }
    }
}

impl TreeWatch {
    /// Starts watching; `None` when the kernel cannot watch them all (then nothing is
    /// watched, and the caller compares the whole work tree).
    pub fn start(root: &Path, ix: &IndexFile) -> Option<TreeWatch> {
        let dirs: Vec<Vec<u8>> = tracked_dirs(ix).into_iter().map(<[u8]>::to_vec).collect();
        Self::watch(root, dirs)
    }

    /// [`TreeWatch::start`] on another thread, so that the kernel's work for each watch
    /// (it marks every cached entry of the directory, about 80 µs for 500 files) overlaps
    /// the comparison of the work tree. Watching early only narrows the window in which a
    /// change goes unseen: what changes before the gates start is compared by content.
    pub fn start_in_background(root: &Path, ix: &IndexFile) -> PendingWatch {
        let dirs: Vec<Vec<u8>> = tracked_dirs(ix).into_iter().map(<[u8]>::to_vec).collect();
        let owned = root.to_path_buf();
        // A copy goes to the thread; the list is kept for when no thread can be started.
        let theirs = dirs.clone();
        match std::thread::Builder::new().spawn(move || Self::watch(&owned, theirs)) {
            Ok(t) => PendingWatch::Thread(t),
            Err(_) => PendingWatch::Done(Self::watch(root, dirs)),
        }
    }

    fn watch(root: &Path, dirs: Vec<Vec<u8>>) -> Option<TreeWatch> {
        let inotify = Inotify::init(InitFlags::IN_NONBLOCK | InitFlags::IN_CLOEXEC).ok()?;
        let mut watched = HashMap::new();
        for d in dirs {
            let path = root.join(OsStr::from_bytes(&d));
            // A directory that is not there (or no longer a directory) cannot be watched.
            let wd = inotify.add_watch(&path, mask()).ok()?;
            watched.insert(wd, d);
        }
        Some(TreeWatch {
            inotify,
            dirs: watched,
        })
    }

    /// The paths (relative to the root) that anything changed since [`TreeWatch::start`];
    /// `None` when the events cannot be trusted to name them all. `ix` tells which
    /// directories hold tracked files.
    pub fn changed(&self, ix: &IndexFile) -> Option<BTreeSet<PathBuf>> {
        let mut out = BTreeSet::new();
        loop {
            let events = match self.inotify.read_events() {
                Ok(e) => e,
                Err(nix::errno::Errno::EAGAIN) => break,
                Err(_) => return None,
            };
            if events.is_empty() {
                break;
            }
            for ev in events {
                if ev.mask.intersects(
                    AddWatchFlags::IN_Q_OVERFLOW
                        | AddWatchFlags::IN_DELETE_SELF
                        | AddWatchFlags::IN_MOVE_SELF
                        | AddWatchFlags::IN_IGNORED
                        | AddWatchFlags::IN_UNMOUNT,
                ) {
                    return None;
                }
                let dir = self.dirs.get(&ev.wd)?;
                let Some(name) = ev.name.as_ref() else {
                    continue;
                };
                let mut rel = dir.clone();
                if !rel.is_empty() {
                    rel.push(b'/');
                }
                rel.extend_from_slice(name.as_bytes());
                if ev.mask.contains(AddWatchFlags::IN_ISDIR) {
                    // A directory appeared, went or moved here. Only one where the index
                    // has files matters: its own watch reports its removal, but files that
                    // appear inside a new one are not watched.
                    let mut under = rel.clone();
                    under.push(b'/');
                    if !ix.range_under(&under).is_empty() {
                        return None;
                    }
                    continue;
                }
                out.insert(PathBuf::from(OsStr::from_bytes(&rel)));
            }
        }
        Some(out)
    }
}

impl Drop for TreeWatch {
    /// Closing the last reference to a watch makes the kernel wait for a grace period before
    /// it frees the watches (8–18 ms measured on a two-core VM), and the hook's exit would
    /// wait for it. A short-lived `true` is handed a copy, so that its exit, not the hook's,
    /// does that wait. When it cannot be started, the watch is closed here as usual.
    fn drop(&mut self) {
        use std::os::fd::AsFd as _;
        let Ok(copy) = self.inotify.as_fd().try_clone_to_owned() else {
            return;
        };
        // The copy is inherited: clear close-on-exec on it.
        if nix::fcntl::fcntl(
            &copy,
            nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::empty()),
        )
        .is_err()
        {
            return;
        }
        for bin in ["/bin/true", "/usr/bin/true"] {
            let spawned = std::process::Command::new(bin)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
            if spawned.is_ok() {
                // Not waited for: it ends on its own, and is reaped once the hook exits.
                break;
            }
        }
        drop(copy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_support::git;

    /// Held by each test that watches, so that counting this process's inotify instances is
    /// not disturbed by another test's.
    static WATCHING: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn serial() -> std::sync::MutexGuard<'static, ()> {
        WATCHING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The descriptors this process has open that are inotify instances.
    fn inotify_fds() -> usize {
        std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|e| std::fs::read_link(e.unwrap().path()).ok())
            .filter(|t| t.to_string_lossy().contains("inotify"))
            .count()
    }

    #[test]
    fn dropping_the_watch_leaves_no_descriptor_open_here() {
        let _serial = serial();
        let (t, ix) = repo();
        let before = inotify_fds();
        let watch = TreeWatch::start(t.path(), &ix).unwrap();
        assert_eq!(inotify_fds(), before + 1);
        drop(watch);
        assert_eq!(inotify_fds(), before);
    }

    fn repo() -> (tempfile::TempDir, IndexFile) {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        git(d, &["init", "-q"]);
        for p in ["a/b/x", "a/y", "top", "c/z"] {
            std::fs::create_dir_all(d.join(p).parent().unwrap()).unwrap();
            std::fs::write(d.join(p), "same size\n").unwrap();
        }
        git(d, &["add", "-A"]);
        let ix = IndexFile::read(&d.join(".git/index")).unwrap().unwrap();
        (t, ix)
    }

    #[test]
    fn names_every_path_written_whatever_its_timestamps() {
        use std::io::{Seek as _, Write as _};
        let _serial = serial();
        let (t, ix) = repo();
        let d = t.path();
        let watch = TreeWatch::start(d, &ix).expect("inotify works here");
        assert_eq!(watch.changed(&ix), Some(BTreeSet::new()));
        // Same size, written in place, old modification time put back.
        let before = std::fs::metadata(d.join("a/b/x")).unwrap();
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(d.join("a/b/x"))
            .unwrap();
        f.seek(std::io::SeekFrom::Start(0)).unwrap();
        f.write_all(b"SAME SIZE\n").unwrap();
        drop(f);
        let times = std::fs::FileTimes::new().set_modified(before.modified().unwrap());
        std::fs::File::options()
            .write(true)
            .open(d.join("a/b/x"))
            .unwrap()
            .set_times(times)
            .unwrap();
        assert_eq!(
            std::fs::metadata(d.join("a/b/x")).unwrap().len(),
            before.len()
        );
        std::fs::remove_file(d.join("top")).unwrap();
        std::fs::write(d.join("new-file"), "x").unwrap();
        // A new directory where the index has no files does not matter.
        std::fs::create_dir(d.join("a/cache")).unwrap();
        let changed = watch.changed(&ix).unwrap();
        let names: Vec<_> = changed.iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(names, ["a/b/x", "new-file", "top"]);
    }

    #[test]
    fn a_watch_started_on_another_thread_names_what_changed() {
        let _serial = serial();
        let (t, ix) = repo();
        let d = t.path();
        let watch = TreeWatch::start_in_background(d, &ix)
            .wait()
            .expect("inotify works here");
        std::fs::write(d.join("a/y"), "changed\n").unwrap();
        let changed = watch.changed(&ix).unwrap();
        let names: Vec<_> = changed.iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(names, ["a/y"]);
    }

    #[test]
    fn cannot_vouch_when_a_tracked_directory_goes() {
        let _serial = serial();
        let (t, ix) = repo();
        let d = t.path();
        let watch = TreeWatch::start(d, &ix).unwrap();
        std::fs::rename(d.join("c"), d.join("c2")).unwrap();
        assert_eq!(watch.changed(&ix), None);

        let watch = TreeWatch::start(d, &ix);
        // `c` is gone: it cannot be watched, so nothing is.
        assert!(watch.is_none());
        std::fs::rename(d.join("c2"), d.join("c")).unwrap();

        let watch = TreeWatch::start(d, &ix).unwrap();
        std::fs::remove_dir_all(d.join("a/b")).unwrap();
        std::fs::create_dir(d.join("a/b")).unwrap();
        assert_eq!(watch.changed(&ix), None);
    }
}
