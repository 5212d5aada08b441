//! A read-only view of the index file, parsed directly: the hook's fast path on big
//! repositories.
//!
//! libgit2 reads an index by verifying its SHA-1 checksum (with collision detection), copying
//! every entry into its own allocation and inserting it into a hash map: for an 8 MB index of
//! 100,000 files that is most of a cache-hit hook's time. git itself does none of that on
//! reading (it verifies the checksum only in `git fsck`). This reader keeps the entries in two
//! flat vectors and also reads the cache-tree extension (`TREE`), which says, for each
//! directory, which tree the index holds there when git has computed it — so the staged
//! changes can be found by comparing trees instead of every entry (`Repo::staged_changes`).
//!
//! The format is git's documented index format (`gitformat-index`), versions 2, 3 and 4.
//! **Invariant:** the reader declines (returns `None`) whatever it does not fully understand —
//! a split index, a sparse index, another hash than SHA-1, an unknown version, a truncated or
//! malformed file — and the callers then use libgit2. It never guesses.

use std::path::Path;

use git2::Oid;

/// One stage entry of the index.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    path_start: u32,
    path_len: u32,
    pub ctime: [u32; 2],
    pub mtime: [u32; 2],
    pub dev: u32,
    pub ino: u32,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u32,
    pub id: Oid,
    pub flags: u16,
    pub flags_extended: u16,
}

/// Extended flag: the path is outside the sparse checkout.
const SKIP_WORKTREE: u16 = 1 << 14;
/// Extended flag: `git add -N` (intent to add).
const INTENT_TO_ADD: u16 = 1 << 13;

impl Entry {
    /// The merge stage (0 for a resolved path).
    pub fn stage(&self) -> u16 {
        (self.flags >> 12) & 3
    }

    pub fn skip_worktree(&self) -> bool {
        self.flags_extended & SKIP_WORKTREE != 0
    }

    pub fn intent_to_add(&self) -> bool {
        self.flags_extended & INTENT_TO_ADD != 0
    }
}

/// A directory of the cache tree.
#[derive(Debug, Clone)]
pub struct TreeNode {
    /// The directory's name inside its parent (empty for the root).
    pub name: Vec<u8>,
    /// The tree the index holds for this directory, when git has computed it (it drops it for
    /// a directory whose entries changed since).
    pub id: Option<Oid>,
    /// Indexes of the subdirectories in [`IndexFile::tree`].
    pub children: Vec<usize>,
}

/// The parsed index.
#[derive(Debug)]
pub struct IndexFile {
    entries: Vec<Entry>,
    paths: Vec<u8>,
    /// The cache tree, root first (empty when the index has none).
    tree: Vec<TreeNode>,
}

impl IndexFile {
    /// Reads the index at `path`. `Ok(None)`: a form this reader leaves to libgit2.
    #[expect(
        unsafe_code,
        reason = "mmap(2) and munmap(2), which nix exposes only as unsafe functions"
    )]
    pub fn read(path: &Path) -> std::io::Result<Option<IndexFile>> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // No index yet (a new repository): nothing is staged.
                return Ok(Some(IndexFile {
                    entries: Vec::new(),
                    paths: Vec::new(),
                    tree: Vec::new(),
                }));
            }
            Err(e) => return Err(e),
        };
        let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        let Some(length) = std::num::NonZeroUsize::new(len) else {
            return Ok(None);
        };
        // Mapped rather than read: an 8 MB index is then not copied into fresh memory (whose
        // page faults cost about as much as the parse). git replaces the index by renaming a
        // new file over it, never by writing the file in place, so the mapped bytes do not
        // change under the parse.
        // SAFETY: a private, read-only mapping of `len` bytes of an open file, read only
        // through the slice below and unmapped before returning. Were another program to
        // truncate the file meanwhile, reading past its end would raise SIGBUS: the hook dies
        // and git stops, never a wrong parse.
        let map = unsafe {
            nix::sys::mman::mmap(
                None,
                length,
                nix::sys::mman::ProtFlags::PROT_READ,
                nix::sys::mman::MapFlags::MAP_PRIVATE,
                &file,
                0,
            )
        }
        .map_err(std::io::Error::from)?;
        // SAFETY: the mapping above is `len` readable bytes and lives until `munmap` below.
        let bytes = unsafe { std::slice::from_raw_parts(map.as_ptr().cast::<u8>(), len) };
        let parsed = parse(bytes);
        // SAFETY: `bytes` is not used after this point; the mapping is the one made above.
        unsafe { nix::sys::mman::munmap(map, len) }.map_err(std::io::Error::from)?;
        Ok(parsed)
    }

    /// Parses an index held in memory. `None`: a form this reader leaves to libgit2.
    pub fn from_bytes(bytes: &[u8]) -> Option<IndexFile> {
        parse(bytes)
    }

    /// Every entry, in index order (by path, then stage).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The path of `entry`, relative to the work-tree root.
    pub fn path(&self, entry: &Entry) -> &[u8] {
        &self.paths[entry.path_start as usize..(entry.path_start + entry.path_len) as usize]
    }

    /// The stage-0 entry of `path`.
    pub fn find(&self, path: &[u8]) -> Option<&Entry> {
        let i = self
            .entries
            .partition_point(|e| (self.path(e), e.stage()) < (path, 0));
        self.entries
            .get(i)
            .filter(|e| self.path(e) == path && e.stage() == 0)
    }

    /// Whether every entry is an ordinary resolved one: no conflict stages and no
    /// intent-to-add entries (which diff tools treat specially).
    pub fn is_plain(&self) -> bool {
        self.entries
            .iter()
            .all(|e| e.stage() == 0 && !e.intent_to_add())
    }

    /// The cache tree, root first; empty when the index has none.
    pub fn tree(&self) -> &[TreeNode] {
        &self.tree
    }

    /// The range of entries whose path starts with `prefix` (a directory path ending in `/`,
    /// or empty for all).
    pub fn range_under(&self, prefix: &[u8]) -> std::ops::Range<usize> {
        let start = self.entries.partition_point(|e| self.path(e) < prefix);
        let end =
            start + self.entries[start..].partition_point(|e| self.path(e).starts_with(prefix));
        start..end
    }
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

/// git's variable-length integer of index version 4 (`decode_varint`).
fn varint(b: &[u8], at: &mut usize) -> Option<usize> {
    let mut c = *b.get(*at)?;
    *at += 1;
    let mut val = usize::from(c & 127);
    while c & 128 != 0 {
        val = val.checked_add(1)?;
        c = *b.get(*at)?;
        *at += 1;
        val = val.checked_mul(128)?.checked_add(usize::from(c & 127))?;
    }
    Some(val)
}

const HASH_LEN: usize = 20;

fn parse(b: &[u8]) -> Option<IndexFile> {
    if b.get(0..4)? != b"DIRC" || b.len() < 12 + HASH_LEN {
        return None;
    }
    let version = be32(b, 4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = be32(b, 8)? as usize;
    let end = b.len() - HASH_LEN;
    let mut entries = Vec::with_capacity(count.min(end / 62));
    // Each entry takes at least 62 bytes besides its path (version 4: fewer, and its paths
    // are compressed, so the estimate only has to be a start).
    let mut paths: Vec<u8> = Vec::with_capacity(end.saturating_sub(12 + count.saturating_mul(62)));
    let mut at = 12;
    let mut previous: (usize, usize) = (0, 0);
    for _ in 0..count {
        let start = at;
        let field = |i: usize| be32(b, start + 4 * i);
        let id = Oid::from_bytes(b.get(start + 40..start + 60)?).ok()?;
        let flags = be16(b, start + 60)?;
        at = start + 62;
        let mut flags_extended = 0;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return None;
            }
            flags_extended = be16(b, at)?;
            at += 2;
        }
        let path_start = paths.len();
        if version == 4 {
            let strip = varint(b, &mut at)?;
            let keep = previous.1.checked_sub(strip)?;
            paths.extend_from_within(previous.0..previous.0 + keep);
            let nul = b.get(at..end)?.iter().position(|c| *c == 0)?;
            paths.extend_from_slice(&b[at..at + nul]);
            at += nul + 1;
        } else {
            let nul = b.get(at..end)?.iter().position(|c| *c == 0)?;
            paths.extend_from_slice(&b[at..at + nul]);
            // Entries are padded with 1 to 8 NULs to a multiple of eight bytes.
            let len = at + nul - start;
            at = start + (len + 8) / 8 * 8;
        }
        let path_len = paths.len() - path_start;
        previous = (path_start, path_len);
        if at > end || path_len == 0 {
            return None;
        }
        entries.push(Entry {
            path_start: u32::try_from(path_start).ok()?,
            path_len: u32::try_from(path_len).ok()?,
            ctime: [field(0)?, field(1)?],
            mtime: [field(2)?, field(3)?],
            dev: field(4)?,
            ino: field(5)?,
            mode: field(6)?,
            uid: field(7)?,
            gid: field(8)?,
            size: field(9)?,
            id,
            flags,
            flags_extended,
        });
    }
    let mut tree = Vec::new();
    while at + 8 <= end {
        let sig = &b[at..at + 4];
        let len = be32(b, at + 4)? as usize;
        let data = b.get(at + 8..(at + 8).checked_add(len)?)?;
        match sig {
            b"TREE" => tree = parse_tree(data)?,
            // A split index or a sparse index: entries live elsewhere or are directories.
            b"link" | b"sdir" => return None,
            // Other extensions the reader does not need; an unknown one that git requires
            // (its signature starts with a capital letter only when optional) is declined.
            s if !s[0].is_ascii_uppercase() => return None,
            _ => {}
        }
        at += 8 + len;
    }
    if at != end {
        return None;
    }
    // A path is sorted once, and no two stage entries share it: otherwise decline.
    let sorted = entries.windows(2).all(|w| {
        let (a, c) = (&w[0], &w[1]);
        let pa = &paths[a.path_start as usize..(a.path_start + a.path_len) as usize];
        let pc = &paths[c.path_start as usize..(c.path_start + c.path_len) as usize];
        (pa, (a.flags >> 12) & 3) < (pc, (c.flags >> 12) & 3)
    });
    if !sorted {
        return None;
    }
    Some(IndexFile {
        entries,
        paths,
        tree,
    })
}

/// The `TREE` extension: nodes in pre-order, each `name NUL count SP subtrees LF [id]`, where
/// a count of -1 marks a directory whose tree is not known.
fn parse_tree(d: &[u8]) -> Option<Vec<TreeNode>> {
    let mut nodes: Vec<TreeNode> = Vec::new();
    let mut at = 0;
    // (node, subtrees still to read) of the directories being filled.
    let mut open: Vec<(usize, usize)> = Vec::new();
    while at < d.len() {
        let nul = d[at..].iter().position(|c| *c == 0)?;
        let name = d[at..at + nul].to_vec();
        at += nul + 1;
        let nl = d[at..].iter().position(|c| *c == b'\n')?;
        let line = std::str::from_utf8(&d[at..at + nl]).ok()?;
        at += nl + 1;
        let (count, subtrees) = line.split_once(' ')?;
        let count: i64 = count.parse().ok()?;
        let subtrees: usize = subtrees.parse().ok()?;
        let id = if count >= 0 {
            let id = Oid::from_bytes(d.get(at..at + HASH_LEN)?).ok()?;
            at += HASH_LEN;
            Some(id)
        } else {
            None
        };
        let me = nodes.len();
        nodes.push(TreeNode {
            name,
            id,
            children: Vec::new(),
        });
        if let Some((parent, left)) = open.last_mut() {
            nodes[*parent].children.push(me);
            *left -= 1;
            if *left == 0 {
                open.pop();
            }
        } else if me != 0 {
            // A second root.
            return None;
        }
        if subtrees > 0 {
            open.push((me, subtrees));
        }
        // Close parents whose last subtree was just read.
        while open.last().is_some_and(|(_, left)| *left == 0) {
            open.pop();
        }
    }
    if !open.is_empty() {
        return None;
    }
    Some(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_support::git;

    fn sample(version: &str) -> (tempfile::TempDir, IndexFile, git2::Index) {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        git(d, &["init", "-q"]);
        std::fs::create_dir_all(d.join("a/b")).unwrap();
        std::fs::create_dir_all(d.join("ab")).unwrap();
        for (p, c) in [
            ("a/b/x.txt", "1"),
            ("a/b/y.txt", "2"),
            ("a/z", "3"),
            ("a-", "4"),
            ("ab/c", "5"),
            ("top", "6"),
            ("a/b/a very long name that shares a prefix.txt", "7"),
        ] {
            std::fs::write(d.join(p), c).unwrap();
        }
        git(d, &["add", "-A"]);
        git(d, &["update-index", "--index-version", version]);
        git(d, &["commit", "-qm", "base"]);
        let ix = IndexFile::read(&d.join(".git/index")).unwrap().unwrap();
        let lg = git2::Index::open(&d.join(".git/index")).unwrap();
        (t, ix, lg)
    }

    #[test]
    fn matches_libgit2_in_every_version() {
        for v in ["2", "3", "4"] {
            let (_t, ix, lg) = sample(v);
            let ours: Vec<(Vec<u8>, Oid, u32, u32, u32)> = ix
                .entries()
                .iter()
                .map(|e| (ix.path(e).to_vec(), e.id, e.mode, e.size, e.mtime[0]))
                .collect();
            let theirs: Vec<(Vec<u8>, Oid, u32, u32, u32)> = lg
                .iter()
                .map(|e| {
                    (
                        e.path.clone(),
                        e.id,
                        e.mode,
                        e.file_size,
                        e.mtime.seconds() as u32,
                    )
                })
                .collect();
            assert_eq!(ours, theirs, "index version {v}");
            assert_eq!(ix.tree()[0].name, b"");
            assert!(ix.find(b"a/z").is_some());
            assert!(ix.find(b"a").is_none());
            assert_eq!(ix.range_under(b"a/").len(), 4);
        }
    }

    #[test]
    fn reads_the_cache_tree() {
        let (t, ix, _) = sample("2");
        let repo = git2::Repository::open(t.path()).unwrap();
        let head = repo.head().unwrap().peel_to_tree().unwrap();
        let root = &ix.tree()[0];
        assert_eq!(root.id, Some(head.id()));
        let names: Vec<&[u8]> = root
            .children
            .iter()
            .map(|c| ix.tree()[*c].name.as_slice())
            .collect();
        assert_eq!(names, [b"a".as_slice(), b"ab".as_slice()]);
        let a = &ix.tree()[root.children[0]];
        assert_eq!(a.children.len(), 1);
        assert_eq!(
            ix.tree()[a.children[0]].id,
            Some(head.get_path(Path::new("a/b")).unwrap().id())
        );
    }

    #[test]
    fn declines_what_it_does_not_know() {
        assert!(parse(b"not an index at all, just bytes").is_none());
        let (t, _, _) = sample("2");
        let bytes = std::fs::read(t.path().join(".git/index")).unwrap();
        // Truncated.
        assert!(parse(&bytes[..bytes.len() / 2]).is_none());
        // Another version.
        let mut other = bytes.clone();
        other[7] = 5;
        assert!(parse(&other).is_none());
        // A split index.
        git(t.path(), &["update-index", "--split-index"]);
        let split = std::fs::read(t.path().join(".git/index")).unwrap();
        assert!(parse(&split).is_none());
    }
}
