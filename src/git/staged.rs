//! The staged changes — HEAD's tree against the index — from the parsed index
//! ([`super::index_file`]): a directory whose tree the cache tree knows is compared as a tree
//! (skipped whole when it equals HEAD's), the others entry by entry.
//!
//! The result is what libgit2's tree-to-index diff reports with the options the rest of the
//! module uses: no rename detection, submodules ignored, a type change counted as a
//! modification (`tests` compare the two on the same repositories).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::ops::Range;
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use git2::{ObjectType, Oid, Tree};

use super::index_file::{IndexFile, TreeNode};
use super::{Change, ChangeKind, Repo};

const GITLINK: u32 = 0o160_000;

/// git's normal form of a mode: any regular file is 644 or 755.
fn normal_mode(mode: u32) -> u32 {
    match mode & 0o170_000 {
        0o100_000 if mode & 0o111 != 0 => 0o100_755,
        0o100_000 => 0o100_644,
        _ => mode,
    }
}

fn path_of(prefix: &[u8], name: &[u8]) -> PathBuf {
    let mut p = prefix.to_vec();
    p.extend_from_slice(name);
    PathBuf::from(OsStr::from_bytes(&p))
}

fn push(out: &mut Vec<Change>, prefix: &[u8], name: &[u8], kind: ChangeKind) {
    out.push(Change {
        path: path_of(prefix, name),
        kind,
    });
}

/// Every file of `tree` (under `prefix`), as deleted.
fn all_deleted(repo: &Repo, prefix: &[u8], tree: &Tree<'_>, out: &mut Vec<Change>) -> Result<()> {
    for e in tree {
        let mut p = prefix.to_vec();
        p.extend_from_slice(e.name_bytes());
        match e.kind() {
            Some(ObjectType::Tree) => {
                let sub = repo.inner.find_tree(e.id())?;
                p.push(b'/');
                all_deleted(repo, &p, &sub, out)?;
            }
            _ if e.filemode() as u32 == GITLINK => {}
            _ => out.push(Change {
                path: PathBuf::from(OsStr::from_bytes(&p)),
                kind: ChangeKind::Deleted,
            }),
        }
    }
    Ok(())
}

/// What HEAD holds at one name of a directory.
enum HeadEntry {
    Blob(Oid, u32),
    Tree(Oid),
}

/// Appends to `out` the staged changes under `prefix` (empty, or a directory path ending in
/// `/`): HEAD's tree there is `head`, the cache tree's node is `node`, and the index entries
/// are `range`.
pub(super) fn compare_dir(
    repo: &Repo,
    ix: &IndexFile,
    prefix: &[u8],
    head: Option<&Tree<'_>>,
    node: Option<&TreeNode>,
    range: Range<usize>,
    out: &mut Vec<Change>,
) -> Result<()> {
    // The same tree in both: nothing under it changed. Otherwise the directory is walked
    // one level at a time, and each subdirectory whose tree the cache tree knows to equal
    // HEAD's is skipped without being read (libgit2's tree-to-tree diff would read and walk
    // every subtree of both sides).
    if let Some(id) = node.and_then(|n| n.id)
        && head.map(Tree::id) == Some(id)
    {
        return Ok(());
    }
    let mut in_head: BTreeMap<Vec<u8>, HeadEntry> = BTreeMap::new();
    if let Some(t) = head {
        for e in t {
            let entry = match e.kind() {
                Some(ObjectType::Tree) => HeadEntry::Tree(e.id()),
                _ => HeadEntry::Blob(e.id(), normal_mode(e.filemode() as u32)),
            };
            in_head.insert(e.name_bytes().to_vec(), entry);
        }
    }
    let entries = ix.entries();
    let mut i = range.start;
    while i < range.end {
        let e = &entries[i];
        let rest = &ix.path(e)[prefix.len()..];
        if let Some(slash) = rest.iter().position(|c| *c == b'/') {
            // A directory: all entries under `prefix/name/`.
            let name = &rest[..slash];
            let mut sub_prefix = prefix.to_vec();
            sub_prefix.extend_from_slice(name);
            sub_prefix.push(b'/');
            let sub = ix.range_under(&sub_prefix);
            let sub = sub.start.max(i)..sub.end.min(range.end);
            i = sub.end.max(i + 1);
            let child = node.and_then(|n| {
                n.children
                    .iter()
                    .map(|c| &ix.tree()[*c])
                    .find(|c| c.name == name)
            });
            let head_sub = match in_head.remove(name) {
                // The same tree in both: nothing under it changed, and it need not be read.
                Some(HeadEntry::Tree(id)) if child.and_then(|c| c.id) == Some(id) => continue,
                Some(HeadEntry::Tree(id)) => Some(repo.inner.find_tree(id)?),
                Some(HeadEntry::Blob(_, mode)) => {
                    if mode != GITLINK {
                        push(out, prefix, name, ChangeKind::Deleted);
                    }
                    None
                }
                None => None,
            };
            compare_dir(repo, ix, &sub_prefix, head_sub.as_ref(), child, sub, out)?;
            continue;
        }
        i += 1;
        let mode = normal_mode(e.mode);
        match in_head.remove(rest) {
            Some(HeadEntry::Blob(id, head_mode)) => {
                if mode == GITLINK || head_mode == GITLINK {
                    if mode != head_mode {
                        push(out, prefix, rest, ChangeKind::Modified);
                    }
                } else if id != e.id || head_mode != mode {
                    push(out, prefix, rest, ChangeKind::Modified);
                }
            }
            Some(HeadEntry::Tree(id)) => {
                let mut sub_prefix = prefix.to_vec();
                sub_prefix.extend_from_slice(rest);
                sub_prefix.push(b'/');
                all_deleted(repo, &sub_prefix, &repo.inner.find_tree(id)?, out)?;
                if mode != GITLINK {
                    push(out, prefix, rest, ChangeKind::Added);
                }
            }
            None => {
                if mode != GITLINK {
                    push(out, prefix, rest, ChangeKind::Added);
                }
            }
        }
    }
    for (name, gone) in in_head {
        match gone {
            HeadEntry::Blob(_, mode) if mode == GITLINK => {}
            HeadEntry::Blob(..) => push(out, prefix, &name, ChangeKind::Deleted),
            HeadEntry::Tree(id) => {
                let mut sub_prefix = prefix.to_vec();
                sub_prefix.extend_from_slice(&name);
                sub_prefix.push(b'/');
                all_deleted(repo, &sub_prefix, &repo.inner.find_tree(id)?, out)?;
            }
        }
    }
    Ok(())
}

/// Sorts changes as libgit2's diff lists them: by the bytes of the path.
pub(super) fn sort(changes: &mut [Change]) {
    changes.sort_by(|a, b| {
        Path::as_os_str(&a.path)
            .as_bytes()
            .cmp(b.path.as_os_str().as_bytes())
    });
}

#[cfg(test)]
mod tests {
    use crate::git::test_support::{git, write};
    use std::path::Path;

    use crate::env::Environment;
    use crate::git::Repo;

    /// The fast comparison and libgit2's agree, whatever state the cache tree is in.
    fn same_as_libgit2(dir: &Path, what: &str) -> Vec<String> {
        let env = Environment::from_pairs([]);
        let repo = Repo::open(dir, &env, true).unwrap();
        let ix = repo
            .index_file()
            .unwrap()
            .expect("the reader takes this index");
        assert!(ix.is_plain());
        let fast = repo.staged_changes().unwrap();
        let slow = repo.staged_changes_libgit2().unwrap();
        assert_eq!(fast, slow, "{what}");
        fast.iter()
            .map(|c| format!("{:?} {}", c.kind, c.path.display()))
            .collect()
    }

    #[test]
    fn agrees_with_libgit2() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        git(d, &["init", "-q"]);
        assert!(same_as_libgit2(d, "no commit, empty index").is_empty());
        for (p, c) in [
            ("a/b/x", "1"),
            ("a/b/y", "2"),
            ("a/z", "3"),
            ("a-", "4"),
            ("ab/c", "5"),
            ("gone/deep/f", "6"),
            ("swap", "7"),
            ("mode", "8"),
            ("link-target", "9"),
        ] {
            write(d, p, c);
        }
        let staged = same_as_libgit2(d, "nothing staged yet");
        assert!(staged.is_empty());
        git(d, &["add", "-A"]);
        assert_eq!(same_as_libgit2(d, "first commit staged").len(), 9);
        git(d, &["commit", "-qm", "base"]);
        assert!(same_as_libgit2(d, "clean").is_empty());

        // Changes of every kind, staged with `git add` (which drops the cache tree of the
        // directories it touches).
        write(d, "a/b/x", "changed");
        write(d, "new/dir/n", "new");
        write(d, "a-", "changed too");
        std::fs::remove_dir_all(d.join("gone")).unwrap();
        std::fs::remove_file(d.join("swap")).unwrap();
        write(d, "swap/inside", "now a directory");
        std::os::unix::fs::symlink("link-target", d.join("link")).unwrap();
        git(d, &["add", "-A"]);
        git(d, &["update-index", "--chmod=+x", "mode"]);
        let partial = same_as_libgit2(d, "cache tree partly invalid");
        assert!(
            partial.contains(&"Modified a/b/x".to_owned()),
            "{partial:?}"
        );
        assert!(
            partial.contains(&"Deleted gone/deep/f".to_owned()),
            "{partial:?}"
        );
        assert!(partial.contains(&"Deleted swap".to_owned()), "{partial:?}");
        assert!(
            partial.contains(&"Added swap/inside".to_owned()),
            "{partial:?}"
        );
        assert!(partial.contains(&"Modified mode".to_owned()), "{partial:?}");
        assert!(partial.contains(&"Added link".to_owned()), "{partial:?}");

        // The whole cache tree computed, as `git commit` does before its hook.
        git(d, &["write-tree"]);
        let full = same_as_libgit2(d, "cache tree valid");
        assert_eq!(full, partial);

        // Index version 4 (prefix-compressed paths).
        git(d, &["update-index", "--index-version", "4"]);
        assert_eq!(same_as_libgit2(d, "index version 4"), partial);

        // Back to HEAD's content for one file: no change reported for it.
        git(d, &["reset", "-q", "--", "a/b/x"]);
        let fewer = same_as_libgit2(d, "one path reset");
        assert!(!fewer.contains(&"Modified a/b/x".to_owned()), "{fewer:?}");
        assert_eq!(fewer.len(), partial.len() - 1);
    }
}
