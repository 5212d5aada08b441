//! The git work an agent session needs beyond `crate::git`: a commit object that captures the
//! work tree as it is (so committed and uncommitted changes are checked alike), isolated
//! worktrees for sessions, and reading files at a revision.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use git2::Oid;
use serde::{Deserialize, Serialize};

use crate::exit::Failure;
use crate::git::{Change, Repo};

/// Writes a commit (referenced by nothing) whose tree is the work tree as it is now: tracked
/// files with their current content, deleted files gone, untracked files that are not
/// ignored added. Its parent is HEAD. The repository's index and refs are not touched.
pub fn snapshot_worktree(repo: &Repo) -> Result<Oid> {
    // A private handle whose index is a copy, so that staging everything here never touches
    // the index the user or the agent is working with.
    let raw = git2::Repository::open(repo.root())
        .or_else(|_| git2::Repository::open(repo.git_dir()))
        .with_context(|| format!("failed to open `{}`", repo.root().display()))?;
    let tmp = tempfile::tempdir().context("failed to create a temporary directory")?;
    let index_path = tmp.path().join("index");
    let src_index = repo.git_dir().join("index");
    if src_index.exists() {
        std::fs::copy(&src_index, &index_path)
            .with_context(|| format!("failed to copy `{}`", src_index.display()))?;
    }
    let mut index = git2::Index::open(&index_path).context("failed to open a temporary index")?;
    raw.set_index(&mut index)
        .context("failed to use a temporary index")?;
    let mut index = raw.index().context("failed to read the temporary index")?;
    index
        .update_all(["*"], None)
        .context("failed to record changed and deleted files")?;
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .context("failed to record untracked files")?;
    let tree_id = index
        .write_tree_to(&raw)
        .context("failed to write the work tree's tree")?;
    let tree = raw.find_tree(tree_id)?;
    let sig = git2::Signature::new("gatekeeper", "gatekeeper@localhost", &git2::Time::new(0, 0))?;
    let parents: Vec<git2::Commit<'_>> = match raw.head().ok().and_then(|h| h.peel_to_commit().ok())
    {
        Some(c) => vec![c],
        None => Vec::new(),
    };
    let parent_refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
    raw.commit(
        None,
        &sig,
        &sig,
        "gatekeeper: snapshot of the work tree",
        &tree,
        &parent_refs,
    )
    .context("failed to record the work tree")
}

/// Commits the work tree as `snapshot` recorded it onto the checked-out branch, with the
/// session id in a `Gatekeeper-Session` trailer, and makes the index match. Nothing when the
/// work tree equals HEAD. For a green stop of a session worktree: the agent itself cannot
/// commit (`.git` is read-only in its sandbox).
pub fn commit_session(repo: &Repo, snapshot: Oid, session: &str) -> Result<Option<Oid>> {
    let raw = repo.raw();
    let head = raw
        .head()
        .and_then(|h| h.peel_to_commit())
        .context("failed to read HEAD")?;
    let tree = raw
        .find_commit(snapshot)
        .and_then(|c| c.tree())
        .context("failed to read the work tree's snapshot")?;
    if tree.id() == head.tree_id() {
        return Ok(None);
    }
    let sig = raw
        .signature()
        .or_else(|_| git2::Signature::now("gatekeeper", "gatekeeper@localhost"))
        .context("failed to make a commit signature")?;
    let message = format!("gatekeeper session {session}\n\nGatekeeper-Session: {session}\n");
    let id = raw
        .commit(Some("HEAD"), &sig, &sig, &message, &tree, &[&head])
        .context("failed to commit the session's work")?;
    let mut index = repo.index()?;
    index
        .read_tree(&tree)
        .and_then(|()| index.write())
        .context("failed to update the index after the session's commit")?;
    Ok(Some(id))
}

/// Every file that differs between `base` and the work tree (committed or not).
pub fn session_changes(repo: &Repo, base: Oid) -> Result<(Oid, Vec<Change>)> {
    let snap = snapshot_worktree(repo)?;
    let changes = repo.changes_between(Some(base), snap)?;
    Ok((snap, changes))
}

/// A file's content at a commit, if it exists there.
pub fn read_at(repo: &Repo, commit: Oid, path: &Path) -> Result<Option<String>> {
    let tree = repo
        .raw()
        .find_commit(commit)
        .and_then(|c| c.tree())
        .with_context(|| format!("failed to read the tree of {commit}"))?;
    let Ok(entry) = tree.get_path(path) else {
        return Ok(None);
    };
    let Ok(blob) = repo.raw().find_blob(entry.id()) else {
        return Ok(None);
    };
    Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
}

/// A file's bytes at a commit, if it exists there.
pub fn read_bytes_at(repo: &Repo, commit: Oid, path: &Path) -> Result<Option<Vec<u8>>> {
    let tree = repo
        .raw()
        .find_commit(commit)
        .and_then(|c| c.tree())
        .with_context(|| format!("failed to read the tree of {commit}"))?;
    let Ok(entry) = tree.get_path(path) else {
        return Ok(None);
    };
    let Ok(blob) = repo.raw().find_blob(entry.id()) else {
        return Ok(None);
    };
    Ok(Some(blob.content().to_vec()))
}

/// A file's content at HEAD, if there is a HEAD and the file is in it.
pub fn read_at_head(repo: &Repo, path: &Path) -> Result<Option<String>> {
    match repo.raw().head().ok().and_then(|h| h.target()) {
        Some(head) => read_at(repo, head, path),
        None => Ok(None),
    }
}

/// A file's bytes at HEAD, if there is a HEAD and the file is in it.
pub fn read_bytes_at_head(repo: &Repo, path: &Path) -> Result<Option<Vec<u8>>> {
    match repo.raw().head().ok().and_then(|h| h.target()) {
        Some(head) => read_bytes_at(repo, head, path),
        None => Ok(None),
    }
}

/// An isolated worktree made for a session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionWorktree {
    pub name: String,
    pub path: PathBuf,
    pub branch: String,
}

/// Where session worktrees go: beside the main work tree, never inside it
/// (`<parent>/<root name>.worktrees/NAME`).
pub fn worktree_path(main_root: &Path, name: &str) -> PathBuf {
    let base = main_root.file_name().map_or_else(
        || "repository".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    main_root
        .parent()
        .unwrap_or(main_root)
        .join(format!("{base}.worktrees"))
        .join(name)
}

/// Creates a worktree on a new branch `gatekeeper/NAME` at HEAD, outside the main work tree.
pub fn create_worktree(repo: &Repo, name: &str) -> Result<SessionWorktree> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    if !valid {
        return Err(Failure::usage(format!(
            "`{name}` is not a usable worktree name (letters, digits, `-`, `_`, `.`)"
        ))
        .into());
    }
    // The main work tree: the parent of the common git directory for a normal repository.
    let main_root = repo
        .common_dir()
        .parent()
        .map_or_else(|| repo.root().to_path_buf(), Path::to_path_buf);
    let main_root = main_root.canonicalize().unwrap_or(main_root);
    let path = worktree_path(&main_root, name);
    if path.exists() {
        return Err(
            Failure::usage(format!("`{}` already exists", path.display()))
                .with_hint("choose another --worktree name")
                .into(),
        );
    }
    let branch = format!("gatekeeper/{name}");
    let raw = repo.raw();
    if raw.find_branch(&branch, git2::BranchType::Local).is_ok() {
        return Err(
            Failure::usage(format!("the branch `{branch}` already exists"))
                .with_hint("choose another --worktree name")
                .into(),
        );
    }
    let head = raw.head().and_then(|h| h.peel_to_commit()).map_err(|e| {
        anyhow::Error::new(e).context(Failure::usage(
            "a session worktree needs a commit to start from (HEAD is unborn)",
        ))
    })?;
    let branch_ref = raw
        .branch(&branch, &head, false)
        .with_context(|| format!("failed to create the branch `{branch}`"))?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
    }
    let mut opts = git2::WorktreeAddOptions::new();
    let reference = branch_ref.into_reference();
    opts.reference(Some(&reference));
    // git's worktree name (under `.git/worktrees/`) must be unique; prefix it as ours.
    raw.worktree(&format!("gatekeeper-{name}"), &path, Some(&opts))
        .with_context(|| format!("failed to create the worktree `{}`", path.display()))?;
    Ok(SessionWorktree {
        name: name.to_owned(),
        path,
        branch,
    })
}
