//! The work tree compared with the index in-process: one parallel pass that `lstat`s every
//! tracked file against the stat data the index recorded and reads every tracked directory
//! for names the index does not hold — what `git status` does, without starting git, reading
//! the index a second time or verifying its checksum.
//!
//! The pass decides only what stat data can prove: a file whose type, size, modification and
//! change times, inode, owner and mode are those the index recorded, and that was not written
//! in the same instant as the index or later (git's "racily clean" rule), holds what the index
//! holds. Everything else is handed back to the caller to decide by content
//! ([`Scan::to_hash`]) or to ask git ([`Scan::to_ask`], [`Scan::unknown`] directories).
//!
//! **Invariant (fail closed):** when the pass cannot vouch for a directory — a tracked
//! directory replaced by a symlink or a file, or unreadable — [`scan`]
//! returns `None` and the caller compares the whole work tree another way. A file is never
//! called clean on a guess.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use nix::dir::{Dir, Type};
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{FileStat, Mode, SFlag};

use super::index_file::{Entry, IndexFile};

/// Which stat fields git compares (`core.trustctime`, `core.checkStat`, `core.filemode`),
/// and whether the files are `lstat`ed by several threads (`core.preloadIndex`).
#[derive(Debug, Clone, Copy)]
pub struct StatRules {
    pub trust_ctime: bool,
    /// `core.checkStat=default`: inode, owner and group too (`minimal` compares only times,
    /// size and mode).
    pub check_stat: bool,
    pub filemode: bool,
    pub parallel: bool,
}

/// What the pass found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Tracked paths that are gone.
    pub deleted: Vec<PathBuf>,
    /// Tracked paths whose stat data does not prove them unchanged: content decides.
    pub to_hash: Vec<PathBuf>,
    /// Tracked paths that are now a directory or a special file: git decides.
    pub to_ask: Vec<PathBuf>,
    /// Names in tracked directories that the index does not hold, with whether each is a
    /// directory. Ignored ones included: the caller applies the ignore rules.
    pub unknown: Vec<(PathBuf, bool)>,
    /// What each directory's listing showed, to be kept for the next pass.
    pub listings: Vec<(String, Listing)>,
    /// Whether any directory was read again (so the kept listings changed).
    pub reread: bool,
}

/// The listings of tracked directories as an earlier pass read them: a directory whose
/// inode, modification and change times are still those recorded holds the same names (any
/// name added, removed or renamed in a directory moves its modification time), so it need
/// not be read again — git's untracked cache, kept by gatekeeper. Only listings older than a
/// second when they were read are kept, so that a change in the same clock tick as the read
/// cannot hide behind an equal timestamp.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Listings {
    /// The work tree they belong to.
    pub root: PathBuf,
    /// By directory (hex of its path relative to the root).
    pub dirs: std::collections::HashMap<String, Listing>,
}

/// One directory's listing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Listing {
    /// Inode, modification time (ns) and change time (ns) of the directory.
    stat: [i64; 3],
    /// A hash of the names the index held in it: the unknown names depend on them.
    names: u64,
    /// The names the index did not hold (hex), each with whether it is a directory.
    unknown: Vec<(String, bool)>,
}

/// A tracked directory: its tracked files and the names the index holds in it.
struct TrackedDir<'a> {
    /// Relative to the root, without a trailing `/` ("" for the root).
    path: &'a [u8],
    /// Entries (indexes into the index) of the files directly in it, to `lstat`.
    files: Vec<usize>,
    /// Every name the index holds directly in it (files, submodules, paths outside a sparse
    /// checkout, and subdirectories), sorted.
    names: Vec<&'a [u8]>,
}

/// Files `lstat`ed per task: a directory with more is split, so that both cores share it.
const CHUNK: usize = 2048;

/// Compares the work tree under `root` with `ix`, written at `index_mtime_secs` (seconds since
/// the epoch). `walk` also reads the directories for names the index does not hold.
/// `None`: a tracked directory could not be vouched for (see the module invariant).
pub fn scan(
    root: &std::path::Path,
    ix: &IndexFile,
    index_mtime_secs: i64,
    rules: StatRules,
    walk: bool,
    kept: Option<&Listings>,
) -> Option<Scan> {
    let dirs = tracked_dirs(ix);
    let now_secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let kept = kept.filter(|k| k.root == root);
    // (directory, first file, end of files); the first task of a directory also reads it.
    let mut tasks: Vec<(usize, usize, usize)> = Vec::new();
    for (d, dir) in dirs.iter().enumerate() {
        let n = dir.files.len();
        let mut start = 0;
        loop {
            let end = (start + CHUNK).min(n);
            tasks.push((d, start, end));
            if end >= n {
                break;
            }
            start = end;
        }
    }
    let root_fd = nix::fcntl::open(
        root,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .ok()?;
    // A few directories are not worth a thread (nor asking how many cores there are, which
    // reads the cgroup's CPU quota).
    let wanted = tasks.len().div_ceil(4);
    let threads = if rules.parallel && wanted > 1 {
        static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        let cores =
            *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from));
        cores.clamp(1, 8).min(wanted)
    } else {
        1
    };
    let next = AtomicUsize::new(0);
    let declined = AtomicBool::new(false);
    let work = || {
        let mut out = Scan::default();
        loop {
            let t = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(d, start, end)) = tasks.get(t) else {
                break;
            };
            if declined.load(Ordering::Relaxed) {
                break;
            }
            let dir = &dirs[d];
            let ok = run_task(
                &root_fd,
                ix,
                dir,
                &dir.files[start..end],
                (walk && start == 0).then_some((kept, now_secs)),
                index_mtime_secs,
                rules,
                &mut out,
            );
            if !ok {
                declined.store(true, Ordering::Relaxed);
                break;
            }
        }
        out
    };
    let parts: Vec<Scan> = if threads <= 1 {
        vec![work()]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    if declined.load(Ordering::Relaxed) {
        return None;
    }
    let mut all = Scan::default();
    for p in parts {
        all.deleted.extend(p.deleted);
        all.to_hash.extend(p.to_hash);
        all.to_ask.extend(p.to_ask);
        all.unknown.extend(p.unknown);
        all.listings.extend(p.listings);
        all.reread |= p.reread;
    }
    if let Some(k) = kept
        && k.dirs.len() != all.listings.len()
    {
        all.reread = true;
    }
    all.deleted.sort();
    all.to_hash.sort();
    all.to_ask.sort();
    all.unknown.sort();
    Some(all)
}

/// The tracked directories of `ix`, root first, each with its files and names.
fn tracked_dirs(ix: &IndexFile) -> Vec<TrackedDir<'_>> {
    let mut dirs: Vec<TrackedDir<'_>> = vec![TrackedDir {
        path: b"",
        files: Vec::new(),
        names: Vec::new(),
    }];
    let mut by_path: std::collections::HashMap<&[u8], usize> =
        std::collections::HashMap::from([(&b""[..], 0)]);
    let mut last: (&[u8], usize) = (b"", 0);
    for (i, e) in ix.entries().iter().enumerate() {
        let p = ix.path(e);
        let (dir, name) = match p.iter().rposition(|c| *c == b'/') {
            Some(s) => (&p[..s], &p[s + 1..]),
            None => (&b""[..], p),
        };
        let d = if dir == last.0 {
            last.1
        } else {
            let d = dir_index(&mut dirs, &mut by_path, dir);
            last = (dir, d);
            d
        };
        dirs[d].names.push(name);
        // Paths outside a sparse checkout are absent on purpose, and submodules are not
        // compared (as `git status --ignore-submodules=all`).
        if !e.skip_worktree() && e.mode != 0o160_000 {
            dirs[d].files.push(i);
        }
    }
    for d in &mut dirs {
        d.names.sort_unstable();
        d.names.dedup();
    }
    dirs
}

/// The index of `dir` in `dirs`, adding it (and its parents, each named in its own parent)
/// when new.
fn dir_index<'a>(
    dirs: &mut Vec<TrackedDir<'a>>,
    by_path: &mut std::collections::HashMap<&'a [u8], usize>,
    dir: &'a [u8],
) -> usize {
    if let Some(d) = by_path.get(dir) {
        return *d;
    }
    let (parent, name) = match dir.iter().rposition(|c| *c == b'/') {
        Some(s) => (&dir[..s], &dir[s + 1..]),
        None => (&b""[..], dir),
    };
    let p = dir_index(dirs, by_path, parent);
    dirs[p].names.push(name);
    let d = dirs.len();
    dirs.push(TrackedDir {
        path: dir,
        files: Vec::new(),
        names: Vec::new(),
    });
    by_path.insert(dir, d);
    d
}

fn join(dir: &[u8], name: &[u8]) -> PathBuf {
    let mut p = Vec::with_capacity(dir.len() + 1 + name.len());
    if !dir.is_empty() {
        p.extend_from_slice(dir);
        p.push(b'/');
    }
    p.extend_from_slice(name);
    PathBuf::from(OsStr::from_bytes(&p))
}

/// `lstat`s `files` of `dir` and, when `walk` (with the kept listings and the time now),
/// reads `dir` for unknown names. False: the directory cannot be vouched for.
#[allow(clippy::too_many_arguments)]
fn run_task(
    root: &std::os::fd::OwnedFd,
    ix: &IndexFile,
    dir: &TrackedDir<'_>,
    files: &[usize],
    walk: Option<(Option<&Listings>, i64)>,
    index_mtime_secs: i64,
    rules: StatRules,
    out: &mut Scan,
) -> bool {
    let rel: &[u8] = if dir.path.is_empty() { b"." } else { dir.path };
    let opened = Dir::openat(
        root,
        OsStr::from_bytes(rel),
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
        Mode::empty(),
    );
    let mut handle = match opened {
        Ok(h) => h,
        // Removed with everything in it (its subdirectories are tasks of their own).
        Err(nix::errno::Errno::ENOENT) => {
            let entries = ix.entries();
            out.deleted.extend(
                files
                    .iter()
                    .map(|&i| PathBuf::from(OsStr::from_bytes(ix.path(&entries[i])))),
            );
            return true;
        }
        Err(_) => return false,
    };
    let entries = ix.entries();
    for &i in files {
        let e = &entries[i];
        let p = ix.path(e);
        let name = if dir.path.is_empty() {
            p
        } else {
            &p[dir.path.len() + 1..]
        };
        match nix::sys::stat::fstatat(
            &handle,
            OsStr::from_bytes(name),
            AtFlags::AT_SYMLINK_NOFOLLOW,
        ) {
            Ok(st) => match judge(e, &st, index_mtime_secs, rules) {
                Verdict::Clean => {}
                Verdict::Hash => out.to_hash.push(PathBuf::from(OsStr::from_bytes(p))),
                Verdict::Ask => out.to_ask.push(PathBuf::from(OsStr::from_bytes(p))),
            },
            Err(nix::errno::Errno::ENOENT) => out.deleted.push(PathBuf::from(OsStr::from_bytes(p))),
            Err(_) => return false,
        }
    }
    let Some((kept, now_secs)) = walk else {
        return true;
    };
    let Ok(dir_stat) = nix::sys::stat::fstat(&handle) else {
        return false;
    };
    let stat = [
        i64::try_from(dir_stat.st_ino).unwrap_or(i64::MAX),
        dir_stat.st_mtime * 1_000_000_000 + dir_stat.st_mtime_nsec,
        dir_stat.st_ctime * 1_000_000_000 + dir_stat.st_ctime_nsec,
    ];
    let names = {
        use std::hash::{Hash as _, Hasher as _};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        dir.names.hash(&mut h);
        h.finish()
    };
    let key = hex::encode(dir.path);
    if let Some(before) = kept.and_then(|k| k.dirs.get(&key))
        && before.stat == stat
        && before.names == names
    {
        for (name, is_dir) in &before.unknown {
            let Ok(name) = hex::decode(name) else {
                return false;
            };
            out.unknown.push((join(dir.path, &name), *is_dir));
        }
        out.listings.push((key, before.clone()));
        return true;
    }
    out.reread = true;
    let mut unknown: Vec<(String, bool)> = Vec::new();
    let mut found: Vec<(Vec<u8>, Option<Type>)> = Vec::new();
    for item in handle.iter() {
        let Ok(item) = item else { return false };
        let name = item.file_name().to_bytes();
        // git never lists a `.git` entry, in any directory.
        if name == b"." || name == b".." || name == b".git" {
            continue;
        }
        found.push((name.to_vec(), item.file_type()));
    }
    found.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut known = dir.names.iter().peekable();
    for (name, kind) in found {
        while known.next_if(|k| ***k < *name).is_some() {}
        if known.peek().is_some_and(|k| **k == name.as_slice()) {
            continue;
        }
        let is_dir = match kind {
            Some(t) => t == Type::Directory,
            None => match nix::sys::stat::fstatat(
                &handle,
                OsStr::from_bytes(&name),
                AtFlags::AT_SYMLINK_NOFOLLOW,
            ) {
                Ok(st) => SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFDIR,
                Err(nix::errno::Errno::ENOENT) => continue,
                Err(_) => return false,
            },
        };
        out.unknown.push((join(dir.path, &name), is_dir));
        unknown.push((hex::encode(&name), is_dir));
    }
    // Kept only when both times are a second older than the read began.
    if dir_stat.st_mtime < now_secs - 1 && dir_stat.st_ctime < now_secs - 1 {
        out.listings.push((
            key,
            Listing {
                stat,
                names,
                unknown,
            },
        ));
    }
    true
}

enum Verdict {
    /// The stat data proves the file holds what the index holds.
    Clean,
    /// A file or symlink that may differ: its content decides.
    Hash,
    /// A directory or special file where the index has a file: git decides.
    Ask,
}

/// git's `ce_match_stat` on one entry, and its racy-clean rule.
fn judge(e: &Entry, st: &FileStat, index_mtime_secs: i64, rules: StatRules) -> Verdict {
    let kind = SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT;
    let want = e.mode & 0o170_000;
    let same_type = match kind {
        SFlag::S_IFREG => want == 0o100_000,
        SFlag::S_IFLNK => want == 0o120_000,
        _ => return Verdict::Ask,
    };
    if !same_type {
        return Verdict::Hash;
    }
    // Index fields are 32 bits: git stores the low bits of each value.
    let low = |v: i64| v as u32;
    let mut same = low(st.st_size) == e.size && low(st.st_mtime) == e.mtime[0];
    // Without nanoseconds recorded (git built without them) only seconds compare.
    same &= e.mtime[1] == 0 || low(st.st_mtime_nsec) == e.mtime[1];
    if rules.trust_ctime && rules.check_stat {
        same &= low(st.st_ctime) == e.ctime[0];
        same &= e.ctime[1] == 0 || low(st.st_ctime_nsec) == e.ctime[1];
    }
    if rules.check_stat {
        same &= st.st_ino as u32 == e.ino && st.st_uid == e.uid && st.st_gid == e.gid;
    }
    if rules.filemode && kind == SFlag::S_IFREG {
        same &= (st.st_mode & 0o100 != 0) == (e.mode & 0o100 != 0);
    }
    // Written in the same second as the index, or later: the recorded stat data cannot tell
    // a change made just after git looked (git's racily clean entries; whole seconds, so that
    // file systems with coarse timestamps are covered too).
    let racy = i64::from(e.mtime[0]) >= index_mtime_secs;
    if same && !racy {
        Verdict::Clean
    } else {
        Verdict::Hash
    }
}
