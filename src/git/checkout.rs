//! Temporary checkouts of a commit, for judging pushed content that is not what the work
//! tree holds (a branch that is not checked out, or a work tree with uncommitted changes).
//!
//! A checkout is a detached linked work tree made by `git worktree add` under
//! `<git common dir>/gatekeeper/checkouts/<pid>-<n>`: git writes the files (line endings,
//! `ident`, filter drivers such as Git LFS, the sparse-checkout patterns of the current work
//! tree), no hook runs (`core.hooksPath` points nowhere for that command), and gates that
//! run git inside it see a repository whose HEAD is the pushed commit. It is removed when
//! dropped; one left by a killed process is removed by the next pre-push.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use git2::Oid;

use super::Repo;

/// A temporary checkout of one commit.
#[derive(Debug)]
pub struct TempCheckout {
    repo_root: PathBuf,
    dir: PathBuf,
    git_dir: PathBuf,
}

fn checkouts_root(repo: &Repo) -> PathBuf {
    repo.state_dir().join("checkouts")
}

impl TempCheckout {
    /// Checks `commit` out into a new temporary work tree.
    pub fn create(repo: &Repo, commit: Oid) -> Result<TempCheckout> {
        remove_abandoned(repo);
        let root = checkouts_root(repo);
        std::fs::create_dir_all(&root)?;
        let mut n = 0;
        let dir = loop {
            n += 1;
            let d = root.join(format!("{}-{n}", std::process::id()));
            if d.symlink_metadata().is_err() {
                break d;
            }
        };
        let oid = commit.to_string();
        let out = crate::process::run_git(
            repo.root(),
            &[
                OsStr::new("-c"),
                OsStr::new("core.hooksPath=/dev/null"),
                OsStr::new("worktree"),
                OsStr::new("add"),
                OsStr::new("--quiet"),
                OsStr::new("--detach"),
                dir.as_os_str(),
                OsStr::new(&oid),
            ],
            &[],
            b"",
        )?;
        if !out.success {
            let _ = std::fs::remove_dir_all(&dir);
            bail!(
                "failed to check out {oid} for the pushed content: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let link = std::fs::read_to_string(dir.join(".git")).unwrap_or_default();
        let git_dir = link
            .trim()
            .strip_prefix("gitdir: ")
            .map_or_else(|| dir.join(".git"), PathBuf::from);
        Ok(TempCheckout {
            repo_root: repo.root().to_path_buf(),
            dir,
            git_dir,
        })
    }

    /// The top of the checkout.
    pub fn root(&self) -> &Path {
        &self.dir
    }

    /// Environment for commands run in the checkout, so that git inside them uses it and
    /// not the repository of the hook (git exports `GIT_DIR` or `GIT_INDEX_FILE` to hooks in
    /// some setups).
    pub fn git_env(&self) -> Vec<(String, String)> {
        vec![
            (
                "GIT_DIR".into(),
                self.git_dir.to_string_lossy().into_owned(),
            ),
            (
                "GIT_WORK_TREE".into(),
                self.dir.to_string_lossy().into_owned(),
            ),
            (
                "GIT_INDEX_FILE".into(),
                self.git_dir.join("index").to_string_lossy().into_owned(),
            ),
        ]
    }
}

impl Drop for TempCheckout {
    fn drop(&mut self) {
        remove(&self.repo_root, &self.dir);
    }
}

fn remove(repo_root: &Path, dir: &Path) {
    let removed = crate::process::run_git(
        repo_root,
        &[
            OsStr::new("worktree"),
            OsStr::new("remove"),
            OsStr::new("--force"),
            dir.as_os_str(),
        ],
        &[],
        b"",
    )
    .is_ok_and(|o| o.success);
    if !removed {
        let _ = std::fs::remove_dir_all(dir);
        let _ = crate::process::run_git(
            repo_root,
            &[OsStr::new("worktree"), OsStr::new("prune")],
            &[],
            b"",
        );
    }
}

/// Removes checkouts left by gatekeeper processes that no longer run.
pub fn remove_abandoned(repo: &Repo) {
    let Ok(read) = std::fs::read_dir(checkouts_root(repo)) else {
        return;
    };
    for e in read.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = name.split('-').next().and_then(|p| p.parse::<i32>().ok());
        let alive = pid.is_some_and(|pid| {
            pid == std::process::id() as i32
                || matches!(
                    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None),
                    Ok(()) | Err(nix::errno::Errno::EPERM)
                )
        });
        if !alive {
            remove(repo.root(), &e.path());
        }
    }
}
