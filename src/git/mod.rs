//! The only module that touches git (through libgit2): discovery, the index the hook must
//! check, changed files, commit ranges and the hooks directory.
//!
//! **Invariant:** nothing on a hook's hot path starts a `git` process, except to settle what
//! only git can (paths git converts, a tracked file that became a directory, an untracked
//! directory that is not ignored) and, with `core.fsmonitor` set, the one comparison of the
//! work tree with the index before the gates, which is then git's own `git status` so that
//! the monitor answers. On a big repository (at least [`GIT_STATUS_FROM`] index entries)
//! the kernel's events ([`watch`]) name what changed during the gates.

pub mod checkout;
pub mod index_file;
mod staged;
pub mod stash;
mod status;
pub mod watch;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use git2::{Delta, DiffOptions, Oid, Repository, Tree};

use crate::env::Environment;
use crate::exit::Failure;

/// An opened repository with a work tree.
pub struct Repo {
    inner: Repository,
    root: PathBuf,
    /// The index file as last read: (device, inode, size, mtime ns, ctime ns).
    index_stamp: std::cell::Cell<Option<[i64; 5]>>,
    /// `GIT_INDEX_FILE` when git set it: libgit2 is pointed at it on first use, so that a
    /// hook that only needs [`Repo::index_file`] never has libgit2 parse the index.
    index_override: std::cell::RefCell<Option<PathBuf>>,
    /// `GIT_INDEX_FILE` once libgit2 uses it.
    index_override_path: std::cell::RefCell<Option<PathBuf>>,
    /// Whether an attributes file may apply ([`Repo::may_have_attributes`]).
    attributes_seen: std::cell::Cell<Option<bool>>,
    /// git's global attributes file (`$XDG_CONFIG_HOME/git/attributes`, or
    /// `~/.config/git/attributes`); `None` when neither variable is set.
    global_attributes: Option<PathBuf>,
    /// The index as parsed by [`index_file`], with the stamp of the file it was read from.
    fast_index: std::cell::RefCell<Option<([i64; 5], std::rc::Rc<index_file::IndexFile>)>>,
}

/// A repository handle to open on another thread ([`Repo::for_another_thread`]).
pub struct Reopen {
    git_dir: PathBuf,
    workdir: Option<PathBuf>,
    root: PathBuf,
    index: Option<PathBuf>,
    global_attributes: Option<PathBuf>,
}

impl Reopen {
    /// Opens the repository again, reading what the handle it was made from reads.
    pub fn open(self) -> Result<Repo> {
        let inner = Repository::open(&self.git_dir).with_context(|| {
            format!(
                "failed to open the repository at `{}`",
                self.git_dir.display()
            )
        })?;
        if let Some(w) = &self.workdir {
            inner.set_workdir(w, false)?;
        }
        Ok(Repo {
            inner,
            root: self.root,
            index_stamp: std::cell::Cell::new(None),
            index_override: std::cell::RefCell::new(self.index),
            index_override_path: std::cell::RefCell::new(None),
            attributes_seen: std::cell::Cell::new(None),
            global_attributes: self.global_attributes,
            fast_index: std::cell::RefCell::new(None),
        })
    }
}

/// How a file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
}

/// A changed path, relative to the work-tree root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: PathBuf,
    pub kind: ChangeKind,
}

impl Repo {
    /// Opens the repository for `cwd`. Without `-C`, `GIT_DIR`/`GIT_WORK_TREE` from the
    /// environment win (git sets them for hooks in some setups).
    pub fn open(cwd: &Path, env: &Environment, explicit_dir: bool) -> Result<Repo> {
        // Objects are read as git reads them: without hashing each one again to check its
        // name (git does that in `fsck` and when objects are received, not on every read).
        // A corrupt object is what git itself would check out and push; the far side of a
        // push, hashing what it receives, refuses it. Hashing every blob and tree read
        // (SHA-1 with collision detection) was a sixth of a sacred check's work.
        static HASH_ONCE: std::sync::Once = std::sync::Once::new();
        HASH_ONCE.call_once(|| git2::opts::strict_hash_verification(false));
        let repo = if !explicit_dir && env.non_empty("GIT_DIR").is_some() {
            let git_dir = cwd.join(env.get("GIT_DIR").unwrap_or_default());
            let repo = Repository::open(&git_dir).with_context(|| {
                format!("failed to open the repository at `{}`", git_dir.display())
            })?;
            if let Some(wt) = env.non_empty("GIT_WORK_TREE") {
                repo.set_workdir(&cwd.join(wt), false)?;
            }
            repo
        } else {
            Repository::discover(cwd).map_err(|e| {
                anyhow::Error::new(e).context(
                    Failure::usage(format!(
                        "`{}` is not inside a git repository",
                        cwd.display()
                    ))
                    .with_hint("run gatekeeper inside a git work tree, or pass -C DIR"),
                )
            })?
        };
        let Some(workdir) = repo.workdir() else {
            return Err(
                Failure::usage("this is a bare repository: gatekeeper needs a work tree").into(),
            );
        };
        let root = workdir
            .canonicalize()
            .unwrap_or_else(|_| workdir.to_path_buf());
        // During `git commit -a` or `git commit PATHS` git hands hooks a temporary index, and
        // that is what is being committed: the repository uses it for everything.
        let index_override = env.non_empty("GIT_INDEX_FILE").map(|p| cwd.join(p));
        Ok(Repo {
            inner: repo,
            root,
            index_stamp: std::cell::Cell::new(None),
            index_override: std::cell::RefCell::new(index_override),
            index_override_path: std::cell::RefCell::new(None),
            attributes_seen: std::cell::Cell::new(None),
            global_attributes: env
                .non_empty("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .or_else(|| {
                    env.non_empty("HOME")
                        .map(|h| PathBuf::from(h).join(".config"))
                })
                .map(|c| c.join("git/attributes")),
            fast_index: std::cell::RefCell::new(None),
        })
    }

    /// What another thread needs to open this repository as this handle reads it (a handle
    /// is not shared between threads): the same git directory, work tree and index.
    pub fn for_another_thread(&self) -> Reopen {
        let index = self
            .index_override
            .borrow()
            .clone()
            .or_else(|| self.index_override_path.borrow().clone());
        Reopen {
            git_dir: self.inner.path().to_path_buf(),
            workdir: self.inner.workdir().map(Path::to_path_buf),
            root: self.root.clone(),
            index,
            global_attributes: self.global_attributes.clone(),
        }
    }

    /// Points libgit2 at `GIT_INDEX_FILE` before its first use of the index.
    fn use_index_override(&self) -> Result<()> {
        let Some(p) = self.index_override.borrow().clone() else {
            return Ok(());
        };
        let mut index = git2::Index::open(&p)
            .with_context(|| format!("failed to read the index `{}`", p.display()))?;
        self.inner
            .set_index(&mut index)
            .with_context(|| format!("failed to use the index `{}`", p.display()))?;
        *self.index_override.borrow_mut() = None;
        self.index_override_path.replace(Some(p));
        Ok(())
    }

    /// The path of the index being committed.
    pub fn index_path(&self) -> PathBuf {
        if let Some(p) = self.index_override.borrow().as_ref() {
            return p.clone();
        }
        if let Some(p) = self.index_override_path.borrow().as_ref() {
            return p.clone();
        }
        self.git_dir().join("index")
    }

    /// The index, parsed by the fast reader ([`index_file`]); `None` when that reader
    /// declines the file (callers then use [`Repo::index`]). Parsed again only when the file
    /// changed on disk.
    pub fn index_file(&self) -> Result<Option<std::rc::Rc<index_file::IndexFile>>> {
        let path = self.index_path();
        let stamp = file_stamp(&path).unwrap_or([0; 5]);
        if stamp == [0; 5] && path != self.git_dir().join("index") {
            bail!(
                "the index `{}` git handed over does not exist",
                path.display()
            );
        }
        if let Some((s, ix)) = self.fast_index.borrow().as_ref()
            && *s == stamp
            && stamp != [0; 5]
        {
            return Ok(Some(ix.clone()));
        }
        let parsed = index_file::IndexFile::read(&path)
            .with_context(|| format!("failed to read the index `{}`", path.display()))?;
        let Some(ix) = parsed else {
            *self.fast_index.borrow_mut() = None;
            return Ok(None);
        };
        let ix = std::rc::Rc::new(ix);
        *self.fast_index.borrow_mut() = Some((stamp, ix.clone()));
        Ok(Some(ix))
    }

    /// Makes the repository read its configuration from a snapshot taken now. libgit2 otherwise
    /// `stat`s every configuration file (system, global, local) on each lookup, about fifty
    /// times in one pre-commit. For hooks, which only read the configuration and should see
    /// it as it was when git started them; the snapshot cannot be written through.
    pub fn freeze_config(&self) -> Result<()> {
        let snapshot = self
            .inner
            .config()
            .and_then(|mut c| c.snapshot())
            .context("failed to read the git configuration")?;
        self.inner
            .set_config(&snapshot)
            .context("failed to read the git configuration")
    }

    /// The top of the work tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// This work tree's git directory (`.git`, or `.git/worktrees/NAME` for a linked one).
    pub fn git_dir(&self) -> &Path {
        self.inner.path()
    }

    /// The directory shared by all work trees of the repository.
    pub fn common_dir(&self) -> &Path {
        self.inner.commondir()
    }

    /// gatekeeper's local state: `<git common dir>/gatekeeper` (SPEC section 3).
    pub fn state_dir(&self) -> PathBuf {
        self.common_dir().join("gatekeeper")
    }

    /// A stable identity for the repository, shared by its work trees (used for trust).
    pub fn identity(&self) -> PathBuf {
        let c = self.common_dir();
        c.canonicalize().unwrap_or_else(|_| c.to_path_buf())
    }

    pub fn raw(&self) -> &Repository {
        // Whoever uses libgit2 directly must see the index being committed.
        let _ = self.use_index_override();
        &self.inner
    }

    /// The index being committed: `GIT_INDEX_FILE` when git set it, else the repository's.
    ///
    /// The repository keeps one index object; it is read again only when its file changed on
    /// disk (a gate's `git add`). Opening it afresh on every call parsed the whole file each
    /// time: 17 times per pre-commit, about 0.4 s for an 8 MB index of 100,000 files. Whether
    /// the file changed is one `stat` here (git replaces the index by renaming a new file over
    /// it, and any write moves its ctime); libgit2's own check costs six system calls.
    pub fn index(&self) -> Result<git2::Index> {
        self.use_index_override()?;
        let mut index = self.inner.index().context("failed to read the index")?;
        let stamp = index.path().and_then(file_stamp);
        if stamp.is_none() || stamp != self.index_stamp.get() {
            index.read(false).context("failed to read the index")?;
            self.index_stamp.set(stamp);
        }
        Ok(index)
    }

    /// `core.hooksPath` as configured, if set.
    pub fn hooks_path_setting(&self) -> Option<String> {
        let cfg = self.inner.config().ok()?;
        cfg.get_path("core.hooksPath")
            .ok()
            .map(|p| p.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
    }

    /// Where git looks for hooks: `core.hooksPath` (relative to the work-tree root), else
    /// `<git common dir>/hooks`.
    pub fn hooks_dir(&self) -> PathBuf {
        match self.hooks_path_setting() {
            Some(p) => {
                let p = PathBuf::from(p);
                if p.is_absolute() {
                    p
                } else {
                    self.root.join(p)
                }
            }
            None => self.common_dir().join("hooks"),
        }
    }

    /// Resolves a revision to a commit id.
    pub fn resolve_commit(&self, rev: &str) -> Result<Oid> {
        let obj = self.inner.revparse_single(rev).map_err(|e| {
            anyhow::Error::new(e).context(Failure::usage(format!("unknown revision `{rev}`")))
        })?;
        let commit = obj
            .peel_to_commit()
            .with_context(|| format!("`{rev}` does not name a commit"))?;
        Ok(commit.id())
    }

    /// The tree of HEAD, or `None` before the first commit.
    pub fn head_tree(&self) -> Result<Option<Tree<'_>>> {
        match self.inner.head() {
            Ok(head) => Ok(Some(
                head.peel_to_tree().context("failed to read HEAD's tree")?,
            )),
            Err(e)
                if e.code() == git2::ErrorCode::UnbornBranch
                    || e.code() == git2::ErrorCode::NotFound =>
            {
                Ok(None)
            }
            Err(e) => Err(e).context("failed to read HEAD"),
        }
    }

    /// The commit HEAD points at, if any.
    pub fn head_commit(&self) -> Option<Oid> {
        self.inner
            .head()
            .ok()?
            .peel_to_commit()
            .ok()
            .map(|c| c.id())
    }

    /// What the index holds that HEAD does not: the staged changes.
    ///
    /// Where the index's cache tree knows a directory's tree, that directory is compared as a
    /// tree (unchanged directories are skipped whole, as git does); the rest entry by entry.
    /// `git commit` computes the whole cache tree before it runs the pre-commit hook, so on a
    /// big repository this reads a few trees instead of every index entry.
    pub fn staged_changes(&self) -> Result<Vec<Change>> {
        if let Some(ix) = self.index_file()?
            && ix.is_plain()
        {
            let head = self.head_tree()?;
            let mut out = Vec::new();
            let root = ix.tree().first();
            let all = 0..ix.entries().len();
            staged::compare_dir(self, &ix, b"", head.as_ref(), root, all, &mut out)?;
            staged::sort(&mut out);
            return Ok(out);
        }
        self.staged_changes_libgit2()
    }

    /// [`Repo::staged_changes`] through libgit2's tree-to-index diff.
    fn staged_changes_libgit2(&self) -> Result<Vec<Change>> {
        let index = self.index()?;
        let head = self.head_tree()?;
        let mut opts = quiet_diff_options();
        let diff = self
            .inner
            .diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut opts))
            .context("failed to compare the index with HEAD")?;
        Ok(changes_of(&diff))
    }

    /// Files that differ between two commits (`from = None`: the empty tree).
    pub fn changes_between(&self, from: Option<Oid>, to: Oid) -> Result<Vec<Change>> {
        let old = match from {
            Some(o) => Some(self.inner.find_commit(o)?.tree()?),
            None => None,
        };
        let new = self.inner.find_commit(to)?.tree()?;
        let mut opts = quiet_diff_options();
        let diff = self
            .inner
            .diff_tree_to_tree(old.as_ref(), Some(&new), Some(&mut opts))
            .context("failed to compare commits")?;
        Ok(changes_of(&diff))
    }

    /// Commits reachable from `tip` but not from any of `hide` (oldest first).
    pub fn commits_between(&self, tip: Oid, hide: &[Oid]) -> Result<Vec<Oid>> {
        let mut walk = self.inner.revwalk()?;
        walk.push(tip)?;
        for h in hide {
            if self.inner.find_commit(*h).is_ok() {
                walk.hide(*h)?;
            }
        }
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        walk.collect::<Result<Vec<_>, _>>()
            .context("failed to walk the commit range")
    }

    /// The union of the files each commit changed relative to its first parent.
    pub fn changes_of_commits(&self, commits: &[Oid]) -> Result<Vec<Change>> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for id in commits {
            let commit = self.inner.find_commit(*id)?;
            let parent = commit.parent_ids().next();
            for ch in self.changes_between(parent, *id)? {
                if seen.insert(ch.path.clone()) {
                    out.push(ch);
                }
            }
        }
        // A file changed by one commit and deleted by a later one is reported as deleted.
        let tip_tree = match commits.last() {
            Some(t) => Some(self.inner.find_commit(*t)?.tree()?),
            None => None,
        };
        if let Some(tree) = tip_tree {
            for ch in &mut out {
                let exists = tree.get_path(&ch.path).is_ok();
                ch.kind = match (exists, ch.kind) {
                    (false, _) => ChangeKind::Deleted,
                    (true, ChangeKind::Deleted) => ChangeKind::Modified,
                    (true, k) => k,
                };
            }
        }
        Ok(out)
    }

    /// Tips of the remote-tracking branches of `remote` (`refs/remotes/REMOTE/*`).
    pub fn remote_tips(&self, remote: &str) -> Vec<Oid> {
        let glob = format!("refs/remotes/{remote}/*");
        let Ok(refs) = self.inner.references_glob(&glob) else {
            return Vec::new();
        };
        refs.filter_map(|r| r.ok()?.peel_to_commit().ok().map(|c| c.id()))
            .collect()
    }

    /// Every path in the index (stage 0), in index order.
    pub fn tracked_files(&self) -> Result<Vec<PathBuf>> {
        if let Some(ix) = self.index_file()? {
            return Ok(unique_paths(&ix, 0..ix.entries().len()));
        }
        let index = self.index()?;
        let mut out = Vec::with_capacity(index.len());
        let mut last: Option<Vec<u8>> = None;
        for e in index.iter() {
            // Conflicted paths appear once per stage; list each path once.
            if last.as_deref() == Some(&e.path[..]) {
                continue;
            }
            out.push(PathBuf::from(OsStr::from_bytes(&e.path)));
            last = Some(e.path);
        }
        Ok(out)
    }

    /// The index's paths under the directory `dir` ("" for all), each once.
    pub fn tracked_files_under(&self, dir: &str) -> Result<Vec<PathBuf>> {
        if let Some(ix) = self.index_file()? {
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{}/", dir.trim_end_matches('/'))
            };
            return Ok(unique_paths(&ix, ix.range_under(prefix.as_bytes())));
        }
        let dir = Path::new(dir);
        Ok(self
            .tracked_files()?
            .into_iter()
            .filter(|p| dir.as_os_str().is_empty() || p.starts_with(dir))
            .collect())
    }

    /// Paths that differ between the work tree and the index (modified, deleted, type
    /// changed) and, when asked, untracked paths that are not ignored (a wholly untracked
    /// directory is one entry ending in `/`, or each of its files under
    /// `status.showUntrackedFiles=all`; none under `no`, as in `git status`). Paths outside a
    /// sparse checkout (skip-worktree) are not changes: git leaves them out of the work tree
    /// on purpose.
    ///
    /// With `core.fsmonitor` set, git itself compares ([`Repo::worktree_changes_git`]), so
    /// that the monitor answers instead of an `lstat` of every file. Otherwise gatekeeper's
    /// own parallel pass does ([`Repo::worktree_changes_in_process`]), honouring
    /// `core.preloadIndex` and `core.untrackedCache`; where that pass does not apply, a big
    /// repository (at least [`GIT_STATUS_FROM`] index entries) is compared by `git status`
    /// and a small one through libgit2.
    pub fn worktree_changes(&self, include_untracked: bool) -> Result<WorktreeChanges> {
        let untracked = if include_untracked {
            self.untracked_mode()
        } else {
            UntrackedMode::No
        };
        if self.has_fsmonitor() {
            return self.worktree_changes_git(untracked, &[]);
        }
        if let Some(changes) = self.worktree_changes_in_process(untracked)? {
            return Ok(changes);
        }
        if self.prefers_git_status()? {
            return self.worktree_changes_git(untracked, &[]);
        }
        self.worktree_changes_libgit2(untracked)
    }

    /// [`Repo::worktree_changes`] by one parallel pass over the parsed index ([`status`]);
    /// git is asked only about what stat data and content cannot settle (paths git converts,
    /// a tracked file that became a directory, an untracked directory that is not ignored).
    /// `None`: the pass does not apply (an index the fast reader declines, conflicts or
    /// intent-to-add entries, `core.ignoreCase`, `core.symlinks=false`, a tracked directory
    /// that is no longer a directory or cannot be read).
    fn worktree_changes_in_process(
        &self,
        untracked: UntrackedMode,
    ) -> Result<Option<WorktreeChanges>> {
        let Some(ix) = self.index_file()? else {
            return Ok(None);
        };
        if !ix.is_plain() {
            return Ok(None);
        }
        let config = self.inner.config().ok();
        let flag = |name: &str, default: bool| {
            config
                .as_ref()
                .and_then(|c| c.get_bool(name).ok())
                .unwrap_or(default)
        };
        if flag("core.ignorecase", false) || !flag("core.symlinks", true) {
            return Ok(None);
        }
        let check_stat = config
            .as_ref()
            .and_then(|c| c.get_string("core.checkstat").ok())
            .is_none_or(|v| !v.eq_ignore_ascii_case("minimal"));
        let rules = status::StatRules {
            trust_ctime: flag("core.trustctime", true),
            check_stat,
            filemode: flag("core.filemode", true),
            parallel: flag("core.preloadindex", true),
        };
        let index_mtime = {
            use std::os::unix::fs::MetadataExt as _;
            match std::fs::metadata(self.index_path()) {
                Ok(m) => m.mtime(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!("failed to read `{}`", self.index_path().display())
                    });
                }
            }
        };
        let walk = untracked != UntrackedMode::No;
        let listings_file = self.listings_file();
        // `core.untrackedCache=false` asks for every directory to be read every time.
        let keep_listings = config
            .as_ref()
            .and_then(|c| c.get_bool("core.untrackedcache").ok())
            .unwrap_or(true);
        let kept: Option<status::Listings> = (walk && keep_listings)
            .then(|| std::fs::read(&listings_file).ok())
            .flatten()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let Some(mut scan) = status::scan(&self.root, &ix, index_mtime, rules, walk, kept.as_ref())
        else {
            return Ok(None);
        };
        if walk && keep_listings && scan.reread {
            let listings = status::Listings {
                root: self.root.clone(),
                dirs: std::mem::take(&mut scan.listings).into_iter().collect(),
            };
            // Only a cache: a failed or lost write costs the next pass its reads, nothing
            // else (a damaged file is not valid JSON and is not used).
            if let Ok(bytes) = serde_json::to_vec(&listings) {
                let _ = crate::fsutil::write_replace_unsynced(&listings_file, &bytes);
            }
        }
        let mut out = WorktreeChanges {
            deleted: scan.deleted,
            ..WorktreeChanges::default()
        };
        let mut ask: Vec<PathBuf> = scan.to_ask;
        let (converted, plain): (Vec<PathBuf>, Vec<PathBuf>) =
            scan.to_hash.into_iter().partition(|p| self.converts(p));
        ask.extend(converted);
        let by_content = self.tracked_changes_among(&ix, &plain.into_iter().collect())?;
        out.modified.extend(by_content.modified);
        out.deleted.extend(by_content.deleted);
        for (path, is_dir) in scan.unknown {
            let ignored = self.inner.is_path_ignored(&path).with_context(|| {
                format!(
                    "failed to match `{}` against the ignore rules",
                    path.display()
                )
            })?;
            if ignored {
                continue;
            }
            if is_dir {
                // Whether git lists it (as `dir/` or file by file) depends on what is inside.
                ask.push(path);
            } else {
                out.untracked.push(path);
            }
        }
        if ask.len() > ASK_GIT_AT_MOST {
            return self.worktree_changes_git(untracked, &[]).map(Some);
        }
        if !ask.is_empty() {
            let exact = self.worktree_changes_git(untracked, &ask)?;
            out.modified.extend(exact.modified);
            out.deleted.extend(exact.deleted);
            out.untracked.extend(exact.untracked);
        }
        for list in [&mut out.modified, &mut out.deleted, &mut out.untracked] {
            list.sort();
            list.dedup();
        }
        Ok(Some(out))
    }

    /// Where this work tree's directory listings are kept between passes ([`status::Listings`]).
    fn listings_file(&self) -> PathBuf {
        use sha2::Digest as _;
        let id = sha2::Sha256::digest(self.root.as_os_str().as_bytes());
        self.state_dir()
            .join("listings")
            .join(hex::encode(&id[..8]))
    }

    /// Whether `core.fsmonitor` names a file system monitor.
    fn has_fsmonitor(&self) -> bool {
        self.inner
            .config()
            .ok()
            .and_then(|c| c.get_string("core.fsmonitor").ok())
            .is_some_and(|v| {
                !matches!(
                    v.to_ascii_lowercase().as_str(),
                    "" | "false" | "no" | "off" | "0"
                )
            })
    }

    /// `status.showUntrackedFiles`: which untracked paths `git status` lists.
    fn untracked_mode(&self) -> UntrackedMode {
        let value = self
            .inner
            .config()
            .ok()
            .and_then(|c| c.get_string("status.showUntrackedFiles").ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match value.as_str() {
            "no" | "false" | "off" | "0" => UntrackedMode::No,
            "all" => UntrackedMode::All,
            _ => UntrackedMode::Normal,
        }
    }

    /// A big repository, or one with a file system monitor: where `git status` compares the
    /// work tree when gatekeeper's own pass does not apply, and where the work tree is
    /// watched with inotify while gates run (on a small one a second comparison costs less
    /// than closing an inotify instance: the kernel waits for a grace period, several ms).
    pub fn prefers_git_status(&self) -> Result<bool> {
        if self.has_fsmonitor() {
            return Ok(true);
        }
        Ok(match self.index_file()? {
            Some(ix) => ix.entries().len() >= GIT_STATUS_FROM,
            None => false,
        })
    }

    /// [`Repo::worktree_changes`] by `git status`: it never writes the index
    /// (`--no-optional-locks`), and it sees the same repository, work tree and index as
    /// gatekeeper.
    /// Only `paths` (literal paths; a directory stands for everything under it) when given.
    fn worktree_changes_git(
        &self,
        untracked: UntrackedMode,
        paths: &[PathBuf],
    ) -> Result<WorktreeChanges> {
        let mode = match untracked {
            UntrackedMode::No => "--untracked-files=no",
            UntrackedMode::Normal => "--untracked-files=normal",
            UntrackedMode::All => "--untracked-files=all",
        };
        let index = self.index_path();
        let mut args: Vec<&OsStr> = vec![
            OsStr::new("--no-optional-locks"),
            OsStr::new("--literal-pathspecs"),
            OsStr::new("status"),
            OsStr::new("--porcelain=v2"),
            OsStr::new("-z"),
            OsStr::new("--no-renames"),
            OsStr::new("--ignore-submodules=all"),
            OsStr::new(mode),
        ];
        if !paths.is_empty() {
            args.push(OsStr::new("--"));
            args.extend(paths.iter().map(|p| p.as_os_str()));
        }
        let out = crate::process::run_git(
            &self.root,
            &args,
            &[
                ("GIT_DIR", self.git_dir().as_os_str()),
                ("GIT_WORK_TREE", self.root.as_os_str()),
                ("GIT_INDEX_FILE", index.as_os_str()),
            ],
            b"",
        )?;
        if !out.success {
            bail!(
                "`git status` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        parse_status_v2(&out.stdout)
    }

    /// [`Repo::worktree_changes`] through libgit2.
    fn worktree_changes_libgit2(&self, untracked: UntrackedMode) -> Result<WorktreeChanges> {
        let index = self.index()?;
        let mut opts = DiffOptions::new();
        opts.include_untracked(untracked != UntrackedMode::No)
            .recurse_untracked_dirs(untracked == UntrackedMode::All)
            .include_typechange(true)
            .ignore_submodules(true)
            .show_untracked_content(false);
        let diff = self
            .inner
            .diff_index_to_workdir(Some(&index), Some(&mut opts))
            .context("failed to compare the work tree with the index")?;
        let outside = skip_worktree_paths(&index);
        let mut out = WorktreeChanges::default();
        for delta in diff.deltas() {
            let path = delta
                .new_file()
                .path()
                .or_else(|| delta.old_file().path())
                .map(Path::to_path_buf);
            let Some(path) = path else { continue };
            if outside.contains(&path) {
                continue;
            }
            match delta.status() {
                Delta::Untracked => out.untracked.push(path),
                Delta::Deleted => out.deleted.push(path),
                Delta::Modified | Delta::Typechange | Delta::Conflicted => out.modified.push(path),
                _ => {}
            }
        }
        Ok(out)
    }

    /// Among `paths`, the tracked ones whose work-tree file differs from the index by content
    /// or mode, or is gone (as [`Repo::worktree_changes`] would report them, untracked paths
    /// aside). For paths a [`watch::TreeWatch`] saw change.
    pub fn tracked_changes_among(
        &self,
        ix: &index_file::IndexFile,
        paths: &BTreeSet<PathBuf>,
    ) -> Result<WorktreeChanges> {
        use std::os::unix::fs::PermissionsExt as _;
        let filemode = self
            .inner
            .config()
            .ok()
            .and_then(|c| c.get_bool("core.filemode").ok())
            .unwrap_or(true);
        let mut out = WorktreeChanges::default();
        for p in paths {
            let Some(e) = ix.find(p.as_os_str().as_bytes()) else {
                continue;
            };
            if e.skip_worktree() || e.mode == 0o160_000 {
                continue;
            }
            let full = self.root.join(p);
            let meta = match full.symlink_metadata() {
                Ok(m) => m,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                    out.deleted.push(p.clone());
                    continue;
                }
                Err(err) => {
                    return Err(err)
                        .with_context(|| format!("failed to read `{}`", full.display()));
                }
            };
            let same = if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&full)
                    .with_context(|| format!("failed to read `{}`", full.display()))?;
                e.mode == 0o120_000
                    && Oid::hash_object(git2::ObjectType::Blob, target.as_os_str().as_bytes())?
                        == e.id
            } else if meta.is_file() {
                let exec = meta.permissions().mode() & 0o111 != 0;
                e.mode & 0o170_000 == 0o100_000
                    && (!filemode || exec == (e.mode & 0o111 != 0))
                    && Oid::hash_file(git2::ObjectType::Blob, &full)? == e.id
            } else {
                false
            };
            if !same {
                out.modified.push(p.clone());
            }
        }
        Ok(out)
    }

    /// Every untracked file that is not ignored, one path per file (untracked directories are
    /// walked).
    pub fn untracked_files(&self) -> Result<Vec<PathBuf>> {
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(true);
        self.use_index_override()?;
        let statuses = self
            .inner
            .statuses(Some(&mut opts))
            .context("failed to list the untracked files")?;
        let mut out: Vec<PathBuf> = statuses
            .iter()
            .filter(|e| e.status().contains(git2::Status::WT_NEW))
            .filter_map(|e| e.path().ok().map(PathBuf::from))
            .collect();
        out.sort();
        Ok(out)
    }

    /// Ignored directories of the work tree, each once at its top (git does not look inside
    /// an ignored directory), relative to the root.
    pub fn ignored_dirs(&self) -> Result<Vec<PathBuf>> {
        let index = self.index()?;
        let mut opts = DiffOptions::new();
        opts.include_ignored(true)
            .recurse_ignored_dirs(false)
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .ignore_submodules(true)
            .show_untracked_content(false);
        let diff = self
            .inner
            .diff_index_to_workdir(Some(&index), Some(&mut opts))
            .context("failed to list the ignored files of the work tree")?;
        let mut out = Vec::new();
        for delta in diff.deltas() {
            if delta.status() != Delta::Ignored {
                continue;
            }
            if let Some(p) = delta.new_file().path() {
                let text = p.to_string_lossy();
                if let Some(dir) = text.strip_suffix('/') {
                    out.push(PathBuf::from(dir));
                } else if self.root().join(p).is_dir() {
                    out.push(p.to_path_buf());
                }
            }
        }
        Ok(out)
    }

    /// Writes the index's version of `paths` into the work tree (respecting filters such as
    /// line-ending conversion), without touching the index itself.
    pub fn checkout_from_index(&self, paths: &[PathBuf]) -> Result<()> {
        if paths.is_empty() {
            return Ok(());
        }
        let mut index = self.index()?;
        let mut cb = git2::build::CheckoutBuilder::new();
        cb.force()
            .update_index(false)
            .disable_pathspec_match(true)
            .recreate_missing(true);
        for p in paths {
            cb.path(p);
        }
        self.inner
            .checkout_index(Some(&mut index), Some(&mut cb))
            .context("failed to write the staged content into the work tree")
    }

    /// A patch of the work tree against the index for `paths` (git's unified format).
    pub fn worktree_patch(&self, paths: &[PathBuf]) -> Result<Vec<u8>> {
        let index = self.index()?;
        let mut opts = DiffOptions::new();
        opts.show_binary(true).disable_pathspec_match(true);
        for p in paths {
            opts.pathspec(p);
        }
        let diff = self
            .inner
            .diff_index_to_workdir(Some(&index), Some(&mut opts))?;
        patch_bytes(&diff)
    }

    /// The URL of a remote, if it exists.
    pub fn remote_url(&self, name: &str) -> Option<String> {
        self.inner
            .find_remote(name)
            .ok()?
            .url()
            .ok()
            .map(str::to_owned)
    }

    /// Whether a path (relative to the root) is ignored by git.
    pub fn is_ignored(&self, path: &Path) -> bool {
        self.inner.is_path_ignored(path).unwrap_or(false)
    }

    /// Errors unless `oid` is a commit in this repository.
    pub fn ensure_commit(&self, oid: Oid) -> Result<()> {
        if self.inner.find_commit(oid).is_err() {
            bail!("commit {oid} is not in this repository");
        }
        Ok(())
    }
}

impl Repo {
    /// Every index entry (stage 0) as path, blob id and mode: what is staged, without reading
    /// any file content.
    pub fn index_entries(&self) -> Result<Vec<(PathBuf, Oid, u32)>> {
        if let Some(ix) = self.index_file()? {
            return Ok(ix
                .entries()
                .iter()
                .filter(|e| e.stage() == 0)
                .map(|e| (PathBuf::from(OsStr::from_bytes(ix.path(e))), e.id, e.mode))
                .collect());
        }
        let index = self.index()?;
        Ok(index
            .iter()
            // Stage bits (12 and 13) zero: a merged entry, not one side of a conflict.
            .filter(|e| e.flags & 0x3000 == 0)
            .map(|e| (PathBuf::from(OsStr::from_bytes(&e.path)), e.id, e.mode))
            .collect())
    }

    /// Files whose work-tree content is not what the index says: modified, deleted and
    /// untracked (not ignored), each untracked directory listed file by file.
    pub fn dirty_files(&self) -> Result<Vec<PathBuf>> {
        let index = self.index()?;
        let mut opts = DiffOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_typechange(true)
            .ignore_submodules(true);
        let diff = self
            .inner
            .diff_index_to_workdir(Some(&index), Some(&mut opts))
            .context("failed to compare the work tree with the index")?;
        let outside = skip_worktree_paths(&index);
        Ok(diff
            .deltas()
            .filter_map(|d| {
                d.new_file()
                    .path()
                    .or_else(|| d.old_file().path())
                    .map(Path::to_path_buf)
            })
            .filter(|p| !outside.contains(p))
            .collect())
    }
}

impl Repo {
    /// The staged content of a file, if the index has it.
    pub fn index_blob(&self, path: &Path) -> Result<Option<Vec<u8>>> {
        Ok(self.index_blob_and_mode(path)?.map(|(bytes, _)| bytes))
    }

    /// [`Repo::index_blob`] with the entry's mode (`0o120000` for a symbolic link, whose blob
    /// is the link's target).
    pub fn index_blob_and_mode(&self, path: &Path) -> Result<Option<(Vec<u8>, u32)>> {
        if let Some(ix) = self.index_file()? {
            let Some(entry) = ix.find(path.as_os_str().as_bytes()) else {
                return Ok(None);
            };
            let mode = entry.mode;
            return Ok(Some((self.blob_bytes(entry.id)?, mode)));
        }
        let index = self.index()?;
        let Some(entry) = index.get_path(path, 0) else {
            return Ok(None);
        };
        Ok(Some((self.blob_bytes(entry.id)?, entry.mode)))
    }
}

/// How many bytes of blobs [`Repo::blob_bytes`] keeps, in all.
const BLOB_CACHE_BYTES: usize = 64 << 20;

/// From this many index entries on, a repository counts as big ([`Repo::prefers_git_status`]):
/// starting git costs about 2 ms, and from here on git's own status is faster than
/// libgit2's (docs/BENCHMARKS.md).
pub const GIT_STATUS_FROM: usize = 5_000;

/// Beyond this many paths for git to settle, git compares the whole work tree instead (the
/// paths would be passed on its command line).
const ASK_GIT_AT_MOST: usize = 1_000;

/// Which untracked paths are listed (`status.showUntrackedFiles`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UntrackedMode {
    No,
    Normal,
    All,
}

/// Parses `git status --porcelain=v2 -z` into the work tree's side of the changes.
fn parse_status_v2(out: &[u8]) -> Result<WorktreeChanges> {
    let mut changes = WorktreeChanges::default();
    let mut records = out.split(|b| *b == 0).filter(|r| !r.is_empty());
    let path = |b: &[u8]| PathBuf::from(OsStr::from_bytes(b));
    while let Some(r) = records.next() {
        let fields = |n: usize| r.splitn(n, |b| *b == b' ').collect::<Vec<&[u8]>>();
        match r.first() {
            Some(b'1' | b'2') => {
                let n = if r[0] == b'1' { 9 } else { 10 };
                let f = fields(n);
                if f.len() < n {
                    bail!(
                        "unexpected `git status` output: {}",
                        String::from_utf8_lossy(r)
                    );
                }
                if r[0] == b'2' {
                    // The original path of a rename follows as its own record.
                    records.next();
                }
                // A submodule's state is not the work tree's concern here.
                if f[2].first() == Some(&b'S') {
                    continue;
                }
                match f[1].get(1) {
                    Some(b'M' | b'T' | b'A') => changes.modified.push(path(f[n - 1])),
                    Some(b'D') => changes.deleted.push(path(f[n - 1])),
                    _ => {}
                }
            }
            Some(b'u') => {
                let f = fields(11);
                if f.len() < 11 {
                    bail!(
                        "unexpected `git status` output: {}",
                        String::from_utf8_lossy(r)
                    );
                }
                changes.modified.push(path(f[10]));
            }
            Some(b'?') => changes.untracked.push(path(&r[2..])),
            Some(b'!' | b'#') => {}
            _ => bail!(
                "unexpected `git status` output: {}",
                String::from_utf8_lossy(r)
            ),
        }
    }
    Ok(changes)
}

/// The work tree's differences from the index.
#[derive(Debug, Default, Clone)]
pub struct WorktreeChanges {
    pub modified: Vec<PathBuf>,
    pub deleted: Vec<PathBuf>,
    pub untracked: Vec<PathBuf>,
}

impl WorktreeChanges {
    pub fn is_empty(&self) -> bool {
        self.modified.is_empty() && self.deleted.is_empty() && self.untracked.is_empty()
    }
}

/// The paths of the entries in `range`, each once (a conflicted path has an entry per stage).
fn unique_paths(ix: &index_file::IndexFile, range: std::ops::Range<usize>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::with_capacity(range.len());
    let mut last: Option<&[u8]> = None;
    for e in &ix.entries()[range] {
        if last == Some(ix.path(e)) {
            continue;
        }
        last = Some(ix.path(e));
        out.push(PathBuf::from(OsStr::from_bytes(ix.path(e))));
    }
    out
}

/// (device, inode, size, mtime ns, ctime ns) of a file: whether it changed since it was read.
/// git replaces the index by renaming a new file over it, and any write moves its ctime.
pub fn file_stamp(path: &Path) -> Option<[i64; 5]> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::metadata(path).ok()?;
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    Some([
        n(m.dev()),
        n(m.ino()),
        n(m.size()),
        m.mtime() * 1_000_000_000 + m.mtime_nsec(),
        m.ctime() * 1_000_000_000 + m.ctime_nsec(),
    ])
}

/// Index entry flag (extended flags): the path is outside the sparse checkout.
const SKIP_WORKTREE: u16 = 1 << 14;

/// Paths the index marks skip-worktree (outside a sparse checkout). Extended flags exist only
/// in index format 3 and later, so a version-2 index is not walked at all.
fn skip_worktree_paths(index: &git2::Index) -> std::collections::HashSet<PathBuf> {
    if index.version() < 3 {
        return std::collections::HashSet::new();
    }
    index
        .iter()
        .filter(|e| e.flags_extended & SKIP_WORKTREE != 0)
        .map(|e| PathBuf::from(OsStr::from_bytes(&e.path)))
        .collect()
}

fn quiet_diff_options() -> DiffOptions {
    let mut opts = DiffOptions::new();
    opts.ignore_submodules(true).include_typechange(true);
    opts
}

fn changes_of(diff: &git2::Diff<'_>) -> Vec<Change> {
    diff.deltas()
        .filter_map(|d| {
            let (path, kind) = match d.status() {
                Delta::Added | Delta::Copied => (d.new_file().path()?, ChangeKind::Added),
                Delta::Deleted => (d.old_file().path()?, ChangeKind::Deleted),
                Delta::Modified | Delta::Typechange | Delta::Renamed | Delta::Conflicted => {
                    (d.new_file().path()?, ChangeKind::Modified)
                }
                _ => return None,
            };
            Some(Change {
                path: path.to_path_buf(),
                kind,
            })
        })
        .collect()
}

/// Formats bytes of a path for messages.
pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Conversions between the stored and checked-out forms of files, and checkouts git itself
/// must do.
impl Repo {
    /// Whether git may convert `path` between its stored and checked-out forms (line
    /// endings, `ident`, a filter driver such as Git LFS, a working-tree encoding). For such
    /// paths gatekeeper asks git itself: libgit2 runs no filter drivers, and its line-ending
    /// rules differ from git's in corner cases.
    pub fn converts(&self, path: &Path) -> bool {
        let autocrlf = self
            .inner
            .config()
            .ok()
            .and_then(|c| c.get_string("core.autocrlf").ok())
            .is_some_and(|v| {
                matches!(
                    v.to_ascii_lowercase().as_str(),
                    "true" | "input" | "yes" | "on" | "1"
                )
            });
        if autocrlf {
            return true;
        }
        if !self.may_have_attributes() {
            return false;
        }
        let _ = self.use_index_override();
        [
            "text",
            "eol",
            "crlf",
            "ident",
            "filter",
            "working-tree-encoding",
        ]
        .iter()
        .any(|name| {
            let v = self
                .inner
                .get_attr(path, name, git2::AttrCheckFlags::FILE_THEN_INDEX)
                .ok()
                .flatten()
                .map(str::to_owned);
            !matches!(
                git2::AttrValue::from_string(v.as_deref()),
                git2::AttrValue::Unspecified
            )
        })
    }

    /// Whether any attributes file can apply: a `.gitattributes` in the index or at the top
    /// of the work tree, `$GIT_DIR/info/attributes`, `core.attributesFile`, or the global
    /// `~/.config/git/attributes`. Without one, no path has conversion attributes, and the
    /// index need not be handed to libgit2 to ask. Remembered for the process.
    fn may_have_attributes(&self) -> bool {
        if let Some(known) = self.attributes_seen.get() {
            return known;
        }
        let in_index = match self.index_file() {
            Ok(Some(ix)) => ix.entries().iter().any(|e| {
                let p = ix.path(e);
                p == b".gitattributes" || p.ends_with(b"/.gitattributes")
            }),
            _ => true,
        };
        let global = self.global_attributes.as_ref().is_none_or(|f| f.exists());
        let seen = in_index
            || global
            || self.root.join(".gitattributes").symlink_metadata().is_ok()
            || self.common_dir().join("info/attributes").exists()
            || self
                .inner
                .config()
                .ok()
                .and_then(|c| c.get_string("core.attributesFile").ok())
                .is_some();
        self.attributes_seen.set(Some(seen));
        seen
    }

    /// Writes the staged version of `paths` under `target` (at `target/<path>`) exactly as
    /// `git checkout` would write it into the work tree. Paths without any conversion go
    /// through libgit2; the others through `git checkout-index`, which applies line-ending
    /// rules, `ident` and filter drivers as git does.
    pub fn write_checkout_forms(&self, paths: &[PathBuf], target: &Path) -> Result<()> {
        if paths.is_empty() {
            return Ok(());
        }
        std::fs::create_dir_all(target)
            .with_context(|| format!("failed to create `{}`", target.display()))?;
        let (by_git, mut plain): (Vec<&PathBuf>, Vec<&PathBuf>) =
            paths.iter().partition(|p| self.converts(p));
        // Without conversion, what a checkout writes is the blob itself: written here from
        // the parsed index, libgit2 need not read the whole index for a few files.
        if let Some(ix) = self.index_file()? {
            let mut rest = Vec::new();
            for p in plain {
                match ix.find(p.as_os_str().as_bytes()) {
                    Some(e) if !e.skip_worktree() && e.mode != 0o160_000 => {
                        self.write_blob_as_checkout(e.id, e.mode, &target.join(p))?;
                    }
                    _ => rest.push(p),
                }
            }
            plain = rest;
        }
        if !plain.is_empty() {
            let mut index = self.index()?;
            let mut cb = git2::build::CheckoutBuilder::new();
            cb.force()
                .update_index(false)
                .disable_pathspec_match(true)
                .recreate_missing(true)
                .target_dir(target);
            for p in &plain {
                cb.path(p.as_path());
            }
            self.inner
                .checkout_index(Some(&mut index), Some(&mut cb))
                .context("failed to write the staged content")?;
        }
        if !by_git.is_empty() {
            let mut prefix = target.as_os_str().to_owned();
            prefix.push("/");
            let mut arg = std::ffi::OsString::from("--prefix=");
            arg.push(&prefix);
            let mut stdin = Vec::new();
            for p in &by_git {
                stdin.extend_from_slice(p.as_os_str().as_bytes());
                stdin.push(0);
            }
            let index = self.index()?;
            let index_path = index.path().map(Path::to_path_buf);
            let mut env = Vec::new();
            if let Some(ip) = &index_path {
                env.push(("GIT_INDEX_FILE", ip.as_os_str()));
            }
            let out = crate::process::run_git(
                &self.root,
                &[
                    OsStr::new("checkout-index"),
                    OsStr::new("--force"),
                    &arg,
                    OsStr::new("-z"),
                    OsStr::new("--stdin"),
                ],
                &env,
                &stdin,
            )?;
            if !out.success {
                bail!(
                    "`git checkout-index` failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
            }
        }
        Ok(())
    }

    /// Writes a blob as a checkout writes a file without conversion: its bytes with mode 644 or
    /// 755 (less the umask), or a symbolic link to them for mode 120000.
    fn write_blob_as_checkout(&self, id: Oid, mode: u32, dst: &Path) -> Result<()> {
        use std::io::Write as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let blob = self
            .inner
            .find_blob(id)
            .with_context(|| format!("failed to read blob {id}"))?;
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        match dst.symlink_metadata() {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(dst)?,
            Ok(_) => std::fs::remove_file(dst)?,
            Err(_) => {}
        }
        if mode == 0o120_000 {
            std::os::unix::fs::symlink(OsStr::from_bytes(blob.content()), dst)
                .with_context(|| format!("failed to write `{}`", dst.display()))?;
            return Ok(());
        }
        let perm = if mode & 0o111 != 0 { 0o777 } else { 0o666 };
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(perm)
            .open(dst)
            .with_context(|| format!("failed to write `{}`", dst.display()))?;
        f.write_all(blob.content())
            .with_context(|| format!("failed to write `{}`", dst.display()))?;
        Ok(())
    }

    /// The blob ids git would store for the work-tree files `paths` (`git hash-object` with
    /// the paths' filters and line-ending rules): git's own answer to "is this content the
    /// same as staged?". `None` for a path that is not a regular file.
    pub fn git_blob_ids(&self, paths: &[PathBuf]) -> Result<Vec<Option<Oid>>> {
        let files: Vec<&PathBuf> = paths
            .iter()
            .filter(|p| {
                self.root
                    .join(p)
                    .symlink_metadata()
                    .is_ok_and(|m| m.is_file())
            })
            .collect();
        let mut ids = std::collections::HashMap::new();
        if !files.is_empty() {
            let mut stdin = Vec::new();
            for p in &files {
                stdin.extend_from_slice(p.as_os_str().as_bytes());
                stdin.push(b'\n');
            }
            let out = crate::process::run_git(
                &self.root,
                &[OsStr::new("hash-object"), OsStr::new("--stdin-paths")],
                &[],
                &stdin,
            )?;
            if !out.success {
                bail!(
                    "`git hash-object` failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
            }
            for (p, line) in files.iter().zip(out.stdout.split(|b| *b == b'\n')) {
                if let Ok(id) = Oid::from_str(String::from_utf8_lossy(line).trim()) {
                    ids.insert((*p).clone(), id);
                }
            }
        }
        Ok(paths.iter().map(|p| ids.get(p).copied()).collect())
    }

    /// The staged entry of `path`: blob id, mode, and the work-tree file size git recorded
    /// when it last looked at the file.
    pub fn index_entry(&self, path: &Path) -> Result<Option<(Oid, u32, u32)>> {
        if let Some(ix) = self.index_file()? {
            return Ok(ix
                .find(path.as_os_str().as_bytes())
                .map(|e| (e.id, e.mode, e.size)));
        }
        let index = self.index()?;
        Ok(index.get_path(path, 0).map(|e| (e.id, e.mode, e.file_size)))
    }

    /// A blob's stored bytes. A blob read once is kept for the rest of the process, by its
    /// id (which names the same bytes in every repository), up to [`BLOB_CACHE_BYTES`] in
    /// all: a sacred check reads the same files on several threads, each with its own
    /// handle (libgit2 keeps no blob in its own cache, and each handle has its own), and
    /// inflating a loose object again costs more than copying it.
    pub fn blob_bytes(&self, id: Oid) -> Result<Vec<u8>> {
        type Cache =
            std::sync::Mutex<(usize, std::collections::HashMap<Oid, std::sync::Arc<[u8]>>)>;
        static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
        let cache = CACHE.get_or_init(Cache::default);
        if let Some(found) = cache
            .lock()
            .ok()
            .and_then(|c| c.1.get(&id).map(std::sync::Arc::clone))
        {
            return Ok(found.to_vec());
        }
        let blob = self
            .inner
            .find_blob(id)
            .with_context(|| format!("failed to read blob {id}"))?;
        let bytes = blob.content();
        if let Ok(mut c) = cache.lock()
            && c.0 + bytes.len() <= BLOB_CACHE_BYTES
        {
            c.0 += bytes.len();
            c.1.insert(id, std::sync::Arc::from(bytes));
        }
        Ok(bytes.to_vec())
    }

    /// A patch that turns the index saved at `old_index_file` into the current index, with
    /// full object ids and binary content, for `git apply --cached`.
    pub fn index_change_patch(&self, old_index_file: &Path) -> Result<Vec<u8>> {
        let old = git2::Index::open(old_index_file)
            .with_context(|| format!("failed to read `{}`", old_index_file.display()))?;
        let new = self.index()?;
        let mut opts = DiffOptions::new();
        opts.show_binary(true)
            .id_abbrev(40)
            .include_typechange(true)
            .ignore_submodules(true);
        let diff = self
            .inner
            .diff_index_to_index(&old, &new, Some(&mut opts))?;
        patch_bytes(&diff)
    }
}

fn patch_bytes(diff: &git2::Diff<'_>) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    diff.print(git2::DiffFormat::Patch, |_, _, line| {
        if matches!(line.origin(), '+' | '-' | ' ') {
            buf.push(line.origin() as u8);
        }
        buf.extend_from_slice(line.content());
        true
    })?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_support::{git, write};

    /// git's default stat rules, on several threads.
    fn default_rules() -> status::StatRules {
        status::StatRules {
            trust_ctime: true,
            check_stat: true,
            filemode: true,
            parallel: true,
        }
    }

    /// Sets the modification time of the file at `path`.
    fn set_mtime(path: &Path, time: std::time::SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(time)
            .unwrap();
    }

    fn sorted(mut c: WorktreeChanges) -> [Vec<String>; 3] {
        let s = |v: &mut Vec<PathBuf>| {
            v.sort();
            v.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
        };
        [s(&mut c.modified), s(&mut c.deleted), s(&mut c.untracked)]
    }

    /// `git status` and libgit2 report the same work-tree changes, in every untracked mode.
    #[test]
    fn git_status_and_libgit2_agree() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        git(d, &["init", "-q"]);
        for p in [
            "a/b/x",
            "a/y",
            "with space",
            "gone",
            "gone-dir/f",
            "exec",
            "sparse/s",
        ] {
            write(d, p, "1\n");
        }
        write(d, ".gitignore", "*.log\nbuild/\n");
        git(d, &["add", "-A"]);
        git(d, &["commit", "-qm", "base"]);
        write(d, "a/b/x", "2\n");
        write(d, "with space", "2\n");
        std::fs::remove_file(d.join("gone")).unwrap();
        std::fs::remove_dir_all(d.join("gone-dir")).unwrap();
        let mut perm = std::fs::metadata(d.join("exec")).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
        std::fs::set_permissions(d.join("exec"), perm).unwrap();
        write(d, "new.txt", "n\n");
        write(d, "newdir/deep/f", "n\n");
        write(d, "a/new", "n\n");
        write(d, "x.log", "ignored\n");
        write(d, "build/out", "ignored\n");
        write(d, "only-ignored/x.log", "ignored\n");
        git(d, &["update-index", "--skip-worktree", "sparse/s"]);
        std::fs::remove_file(d.join("sparse/s")).unwrap();

        let env = Environment::from_pairs([]);
        let repo = Repo::open(d, &env, true).unwrap();
        for mode in [UntrackedMode::No, UntrackedMode::Normal, UntrackedMode::All] {
            let ours = sorted(repo.worktree_changes_git(mode, &[]).unwrap());
            let theirs = sorted(repo.worktree_changes_libgit2(mode).unwrap());
            assert_eq!(ours, theirs, "{mode:?}");
            let in_process = repo.worktree_changes_in_process(mode).unwrap();
            assert_eq!(sorted(in_process.unwrap()), ours, "{mode:?}");
            assert_eq!(ours[0], ["a/b/x", "exec", "with space"], "{mode:?}");
            assert_eq!(ours[1], ["gone", "gone-dir/f"], "{mode:?}");
        }
        let normal = sorted(
            repo.worktree_changes_git(UntrackedMode::Normal, &[])
                .unwrap(),
        );
        assert_eq!(normal[2], ["a/new", "new.txt", "newdir/"]);
        let all = sorted(repo.worktree_changes_git(UntrackedMode::All, &[]).unwrap());
        assert_eq!(all[2], ["a/new", "new.txt", "newdir/deep/f"]);
        assert!(sorted(repo.worktree_changes_git(UntrackedMode::No, &[]).unwrap())[2].is_empty());

        // The configuration decides which one `worktree_changes` lists.
        git(d, &["config", "status.showUntrackedFiles", "no"]);
        let repo = Repo::open(d, &env, true).unwrap();
        assert!(repo.worktree_changes(true).unwrap().untracked.is_empty());
        git(d, &["config", "status.showUntrackedFiles", "all"]);
        let repo = Repo::open(d, &env, true).unwrap();
        assert_eq!(
            sorted(repo.worktree_changes(true).unwrap())[2],
            ["a/new", "new.txt", "newdir/deep/f"]
        );
        // With a file system monitor configured, git itself is asked.
        git(d, &["config", "core.fsmonitor", "true"]);
        let repo = Repo::open(d, &env, true).unwrap();
        assert!(repo.prefers_git_status().unwrap());
    }

    /// Files older than the index are proved clean by their stat data alone; a rewrite that
    /// keeps the size and puts the old modification time back is still seen (its change time
    /// moved), as are a new executable bit and a file replaced by a directory.
    #[test]
    fn stat_data_proves_clean_files_and_catches_same_size_rewrites() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        git(d, &["init", "-q"]);
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
        for p in ["a/one", "a/two", "b/three", "top", "becomes-dir"] {
            write(d, p, "same\n");
            set_mtime(&d.join(p), old);
        }
        git(d, &["add", "-A"]);
        git(d, &["commit", "-qm", "base"]);
        let env = Environment::from_pairs([]);
        let repo = Repo::open(d, &env, true).unwrap();
        let ix = repo.index_file().unwrap().unwrap();
        let rules = default_rules();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let scan = status::scan(d, &ix, now, rules, true, None).unwrap();
        assert!(scan.to_hash.is_empty(), "{:?}", scan.to_hash);
        assert!(scan.deleted.is_empty() && scan.to_ask.is_empty() && scan.unknown.is_empty());

        // Same size, old mtime put back: only the change time tells.
        std::thread::sleep(std::time::Duration::from_millis(20));
        write(d, "a/two", "diff\n");
        set_mtime(&d.join("a/two"), old);
        let mut perm = std::fs::metadata(d.join("b/three")).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
        std::fs::set_permissions(d.join("b/three"), perm).unwrap();
        std::fs::remove_file(d.join("becomes-dir")).unwrap();
        write(d, "becomes-dir/inner", "x\n");
        let scan = status::scan(d, &ix, now, rules, true, None).unwrap();
        assert_eq!(
            scan.to_hash,
            [PathBuf::from("a/two"), PathBuf::from("b/three")]
        );
        assert_eq!(scan.to_ask, [PathBuf::from("becomes-dir")]);
        // Without the change time (core.trustctime=false) a same-size rewrite with the old
        // mtime is invisible to stat data, as it is to git itself.
        let blind = status::StatRules {
            trust_ctime: false,
            ..rules
        };
        let scan = status::scan(d, &ix, now, blind, false, None).unwrap();
        assert_eq!(scan.to_hash, [PathBuf::from("b/three")]);
        // On one thread (core.preloadIndex=false) the pass finds the same.
        let one_thread = status::StatRules {
            parallel: false,
            ..rules
        };
        let scan = status::scan(d, &ix, now, one_thread, true, None).unwrap();
        assert_eq!(
            scan.to_hash,
            [PathBuf::from("a/two"), PathBuf::from("b/three")]
        );
        assert_eq!(scan.to_ask, [PathBuf::from("becomes-dir")]);

        // Whatever stat data cannot settle is settled like git settles it. (git itself
        // compares whole seconds of the change time, so within the second of `git add` it
        // may miss the rewrite of `a/two`; the nanoseconds the index records do not.)
        for mode in [UntrackedMode::No, UntrackedMode::Normal, UntrackedMode::All] {
            let ours = sorted(repo.worktree_changes_in_process(mode).unwrap().unwrap());
            let theirs = sorted(repo.worktree_changes_git(mode, &[]).unwrap());
            assert_eq!(ours[1..], theirs[1..], "{mode:?}");
            assert!(theirs[0].iter().all(|p| ours[0].contains(p)), "{mode:?}");
            assert_eq!(ours[0], ["a/two", "b/three"], "{mode:?}");
            assert_eq!(ours[1], ["becomes-dir"], "{mode:?}");
        }

        // A file written in the second the index was written is judged by its content.
        let racy = std::fs::metadata(d.join("top")).unwrap();
        let racy_secs = std::os::unix::fs::MetadataExt::mtime(&racy);
        let scan = status::scan(d, &ix, racy_secs, rules, false, None).unwrap();
        assert!(
            scan.to_hash.contains(&PathBuf::from("top")),
            "{:?}",
            scan.to_hash
        );

        // A tracked directory replaced by a symlink cannot be vouched for.
        std::fs::rename(d.join("a"), d.join("moved")).unwrap();
        std::os::unix::fs::symlink("moved", d.join("a")).unwrap();
        assert!(status::scan(d, &ix, now, rules, true, None).is_none());
        assert!(
            repo.worktree_changes_in_process(UntrackedMode::Normal)
                .unwrap()
                .is_none()
        );
    }

    /// With many directories the pass runs on several threads (when the machine has more
    /// than one core) and still finds exactly what `git status` finds.
    #[test]
    fn many_directories_are_compared_like_git_status() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        git(d, &["init", "-q"]);
        for i in 0..60 {
            for f in ["a", "b", "c"] {
                write(d, &format!("d{i:02}/{f}"), "1\n");
            }
        }
        std::os::unix::fs::symlink("a", d.join("d01/link")).unwrap();
        std::os::unix::fs::symlink("b", d.join("d02/link")).unwrap();
        git(d, &["add", "-A"]);
        git(d, &["commit", "-qm", "base"]);
        for i in (0..60).step_by(7) {
            write(d, &format!("d{i:02}/a"), "longer now\n");
            std::fs::remove_file(d.join(format!("d{i:02}/b"))).unwrap();
            write(d, &format!("d{i:02}/new"), "n\n");
        }
        std::fs::remove_dir_all(d.join("d59")).unwrap();
        write(d, "d30/sub/deep", "n\n");
        // A symlink pointed elsewhere (same length) is a change; one re-made the same is not.
        std::fs::remove_file(d.join("d01/link")).unwrap();
        std::os::unix::fs::symlink("c", d.join("d01/link")).unwrap();
        std::fs::remove_file(d.join("d02/link")).unwrap();
        std::os::unix::fs::symlink("b", d.join("d02/link")).unwrap();
        let env = Environment::from_pairs([]);
        let repo = Repo::open(d, &env, true).unwrap();
        for mode in [UntrackedMode::No, UntrackedMode::Normal, UntrackedMode::All] {
            let ours = sorted(repo.worktree_changes_in_process(mode).unwrap().unwrap());
            let theirs = sorted(repo.worktree_changes_git(mode, &[]).unwrap());
            assert_eq!(ours, theirs, "{mode:?}");
            assert_eq!(ours[0].len(), 9 + 1, "{mode:?}");
            assert!(ours[0].contains(&"d01/link".to_owned()), "{mode:?}");
            assert_eq!(ours[1].len(), 9 + 3, "{mode:?}");
        }
    }

    /// More paths for git to settle than a command line should carry (here: every file is
    /// converted by `text=auto` and was written in the index's second): git compares the
    /// whole work tree instead, with the same result.
    #[test]
    fn many_paths_for_git_to_settle_fall_back_to_one_whole_git_status() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        git(d, &["init", "-q"]);
        write(d, ".gitattributes", "* text=auto\n");
        for i in 0..(ASK_GIT_AT_MOST + 5) {
            write(d, &format!("f/{i:04}.txt"), "1\n");
        }
        git(d, &["add", "-A"]);
        git(d, &["commit", "-qm", "base"]);
        write(d, "f/0007.txt", "changed\n");
        std::fs::remove_file(d.join("f/0008.txt")).unwrap();
        write(d, "f/new.txt", "n\n");
        // Every file racy (written no earlier than the index, as within one second): content
        // must decide, and with `text=auto` git decides it.
        set_mtime(
            &d.join(".git/index"),
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000),
        );
        let env = Environment::from_pairs([]);
        let repo = Repo::open(d, &env, true).unwrap();
        let ix = repo.index_file().unwrap().unwrap();
        let rules = default_rules();
        let scan = status::scan(d, &ix, 1_000_000_000, rules, true, None).unwrap();
        assert!(
            scan.to_hash.len() > ASK_GIT_AT_MOST,
            "{}",
            scan.to_hash.len()
        );
        assert!(scan.to_hash.iter().all(|p| repo.converts(p)));
        let ours = sorted(
            repo.worktree_changes_in_process(UntrackedMode::Normal)
                .unwrap()
                .unwrap(),
        );
        assert_eq!(
            ours,
            sorted(
                repo.worktree_changes_git(UntrackedMode::Normal, &[])
                    .unwrap()
            )
        );
        assert_eq!(ours[0], ["f/0007.txt"]);
        assert_eq!(ours[1], ["f/0008.txt"]);
        assert_eq!(ours[2], ["f/new.txt"]);
    }

    /// A directory's listing is read again only when its inode, modification or change time,
    /// or the names the index holds in it, changed; otherwise the kept listing answers.
    #[test]
    fn kept_listings_answer_for_unchanged_directories_only() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        git(d, &["init", "-q"]);
        write(d, "a/x", "1\n");
        write(d, "b/y", "1\n");
        git(d, &["add", "-A"]);
        git(d, &["commit", "-qm", "base"]);
        write(d, "a/u.txt", "untracked\n");
        // Listings are kept only once their directories are a second old.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        let env = Environment::from_pairs([]);
        let repo = Repo::open(d, &env, true).unwrap();
        let untracked = |repo: &Repo| {
            sorted(
                repo.worktree_changes_in_process(UntrackedMode::Normal)
                    .unwrap()
                    .unwrap(),
            )[2]
            .clone()
        };
        assert_eq!(untracked(&repo), ["a/u.txt"]);
        let file = repo.listings_file();
        let mut kept: status::Listings =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(kept.dirs.len(), 3, "{kept:?}");

        // The kept listing of `b` answers while `b` is unchanged: a name planted in it shows.
        let b = kept.dirs.get(&hex::encode("b")).unwrap().clone();
        let mut planted = serde_json::to_value(&b).unwrap();
        planted["unknown"] = serde_json::json!([[hex::encode("planted"), false]]);
        kept.dirs
            .insert(hex::encode("b"), serde_json::from_value(planted).unwrap());
        std::fs::write(&file, serde_json::to_vec(&kept).unwrap()).unwrap();
        assert_eq!(untracked(&repo), ["a/u.txt", "b/planted"]);
        // `core.untrackedCache=false`: every directory is read, the kept listings unused.
        git(d, &["config", "core.untrackedCache", "false"]);
        let uncached = Repo::open(d, &env, true).unwrap();
        assert_eq!(untracked(&uncached), ["a/u.txt"]);
        git(d, &["config", "--unset", "core.untrackedCache"]);
        assert_eq!(untracked(&repo), ["a/u.txt", "b/planted"]);

        // A name added to `b` moves its modification time: `b` is read again.
        write(d, "b/new.txt", "n\n");
        assert_eq!(untracked(&repo), ["a/u.txt", "b/new.txt"]);

        // Staging `a/u.txt` changes the names the index holds in `a`, not `a` itself.
        git(d, &["add", "a/u.txt"]);
        let repo = Repo::open(d, &env, true).unwrap();
        assert_eq!(untracked(&repo), ["b/new.txt"]);

        // A kept file that is not valid is not used.
        std::fs::write(&file, b"{not json").unwrap();
        assert_eq!(untracked(&repo), ["b/new.txt"]);
    }

    #[test]
    fn status_records_are_read_exactly() {
        let out = b"1 .M N... 100644 100644 100644 aa bb a b\x001 D. N... 100644 000000 000000 aa 00 staged-delete\x001 .D N... 100644 100644 000000 aa aa wt-delete\x00u UU N... 100644 100644 100644 100644 a b c conflict\x00? new dir/\x001 .M S.M. 160000 160000 160000 aa aa sub\x00";
        let c = parse_status_v2(out).unwrap();
        assert_eq!(
            c.modified,
            [PathBuf::from("a b"), PathBuf::from("conflict")]
        );
        assert_eq!(c.deleted, [PathBuf::from("wt-delete")]);
        assert_eq!(c.untracked, [PathBuf::from("new dir/")]);
        assert!(parse_status_v2(b"1 .M short\x00").is_err());
        assert!(parse_status_v2(b"what is this\x00").is_err());
    }
}

/// Helpers for this module's unit tests: hermetic git in a temporary repository.
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::Path;
    use std::process::Command;

    /// Runs git in `dir` with a fixed identity and no system or user configuration.
    pub fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }

    /// Writes `content` at `path` under `dir`, creating its directories.
    pub fn write(dir: &Path, path: &str, content: &str) {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
}
