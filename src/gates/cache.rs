//! The result cache: a gate that passed on exactly the same inputs is not run again.
//!
//! The key covers the gate's definition (command, env, dir, globs, inputs, ratchets), the
//! gatekeeper version, the `{files}` list it was given, and the content of every file it could
//! read — taken from the blob ids git already has in the index, plus a content hash of
//! work-tree files that differ from the index (none in pre-commit, where they are set aside).
//! By default that is every file of the repository (a configuration file such as
//! `pyproject.toml` changes what a linter decides as much as a source file does); only a gate
//! that declares `inputs:` narrows it, to those files and the files its `glob` selects (for a
//! gate with `{files}` and no glob: any file it could be handed).
//!
//! **Invariants:** only passes are stored; an entry that cannot be read or parsed is a miss and
//! is deleted, never trusted; entries are written atomically; the cache lives in the common git
//! directory, shared by all work trees, and is pruned to a bounded number of entries.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::files::PatternSet;
use super::ratchet::Figures;
use crate::config::Gate;
use crate::git::Repo;

/// The most entries kept; older ones are pruned on write.
pub const MAX_ENTRIES: usize = 2000;
/// The most output kept with an entry.
const MAX_OUTPUT: usize = 256 * 1024;
const FORMAT: u32 = 1;

/// Which content the gates see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentMode {
    /// Exactly the index (pre-commit: the work tree is made equal to it).
    Staged,
    /// The work tree as it is: the index plus whatever differs from it.
    WorkTree,
}

/// A stored pass.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedPass {
    pub format: u32,
    pub key: String,
    pub gate: String,
    pub duration_ms: u64,
    pub output: String,
    /// Seconds since the Unix epoch.
    pub created: u64,
    #[serde(default)]
    pub figures: Figures,
}

/// The cache directory of a repository.
#[derive(Debug, Clone)]
pub struct ResultCache {
    dir: PathBuf,
}

impl ResultCache {
    pub fn for_repo(repo: &Repo) -> ResultCache {
        ResultCache {
            dir: repo.state_dir().join("cache"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// The stored pass for `key`, if there is a sound one.
    pub fn get(&self, key: &str) -> Option<CachedPass> {
        let path = self.path(key);
        let bytes = std::fs::read(&path).ok()?;
        match serde_json::from_slice::<CachedPass>(&bytes) {
            Ok(e) if e.format == FORMAT && e.key == key => Some(e),
            _ => {
                // Corrupt, truncated or foreign: never trusted, and removed.
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores a pass.
    pub fn put(
        &self,
        key: &str,
        gate: &str,
        duration_ms: u64,
        output: &str,
        figures: &Figures,
    ) -> Result<()> {
        let mut output = output.to_owned();
        if output.len() > MAX_OUTPUT {
            let mut cut = MAX_OUTPUT;
            while !output.is_char_boundary(cut) {
                cut -= 1;
            }
            output.truncate(cut);
            output.push_str("\n… (output truncated in the cache)\n");
        }
        let entry = CachedPass {
            format: FORMAT,
            key: key.to_owned(),
            gate: gate.to_owned(),
            duration_ms,
            output,
            created: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default(),
            figures: figures.clone(),
        };
        // Atomic but not fsynced: a damaged entry is rejected by `get`, so a crash costs at
        // most one rerun, and the hot path saves an fsync per gate.
        crate::fsutil::write_replace_unsynced(&self.path(key), &serde_json::to_vec(&entry)?)?;
        // Listing the directory costs as much as the write; do it on about one write in 64
        // (keys are uniform hex), which keeps the cache within MAX_ENTRIES + a few dozen.
        if key.starts_with(['0', '1', '2', '3']) && key[1..].starts_with('0') {
            self.prune(MAX_ENTRIES);
        }
        Ok(())
    }

    /// Keeps the `max` most recently written entries.
    pub fn prune(&self, max: usize) {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut entries: Vec<(std::time::SystemTime, PathBuf)> = read
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        if entries.len() <= max {
            return;
        }
        entries.sort();
        for (_, p) in &entries[..entries.len() - max] {
            let _ = std::fs::remove_file(p);
        }
    }

    /// Removes every entry; returns how many there were.
    pub fn clear(&self) -> Result<usize> {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return Ok(0);
        };
        let mut n = 0;
        for e in read.flatten() {
            std::fs::remove_file(e.path())?;
            n += 1;
        }
        Ok(n)
    }
}

/// What the gates of one run can see, read once and shared by every key: path → (blob id,
/// mode). Work-tree files that differ from the index are hashed the way git would hash them,
/// so the same content has the same id whether it is staged or not.
pub struct ContentSnapshot {
    /// Every file with its blob id and mode, sorted by the bytes of the path (index order).
    files: Vec<(PathBuf, git2::Oid, u32)>,
}

impl ContentSnapshot {
    pub fn take(repo: &Repo, mode: ContentMode) -> Result<ContentSnapshot> {
        let mut files: Vec<(PathBuf, git2::Oid, u32)> = repo.index_entries()?;
        if mode == ContentMode::WorkTree {
            let mut by_path: std::collections::BTreeMap<Vec<u8>, (PathBuf, git2::Oid, u32)> = files
                .into_iter()
                .map(|f| (f.0.as_os_str().as_encoded_bytes().to_vec(), f))
                .collect();
            for p in repo.dirty_files()? {
                let k = p.as_os_str().as_encoded_bytes().to_vec();
                match blob_id(&repo.root().join(&p)) {
                    Some((id, mode)) => {
                        by_path.insert(k, (p, id, mode));
                    }
                    None => {
                        by_path.remove(&k);
                    }
                }
            }
            files = by_path.into_values().collect();
        } else {
            // The index lists each path in byte order; a conflicted path has no stage-0 entry.
            files.sort_by(|a, b| {
                a.0.as_os_str()
                    .as_encoded_bytes()
                    .cmp(b.0.as_os_str().as_encoded_bytes())
            });
        }
        Ok(ContentSnapshot { files })
    }
}

/// The git blob id and mode of a work-tree file (`None`: it does not exist).
fn blob_id(path: &Path) -> Option<(git2::Oid, u32)> {
    use std::os::unix::fs::PermissionsExt as _;
    let meta = path.symlink_metadata().ok()?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(path).ok()?;
        let id = git2::Oid::hash_object(
            git2::ObjectType::Blob,
            target.as_os_str().as_encoded_bytes(),
        )
        .ok()?;
        return Some((id, 0o120_000));
    }
    if !meta.is_file() {
        return None;
    }
    let id = git2::Oid::hash_file(git2::ObjectType::Blob, path).ok()?;
    let mode = if meta.permissions().mode() & 0o111 != 0 {
        0o100_755
    } else {
        0o100_644
    };
    Some((id, mode))
}

/// The cache key of a gate for this content and `{files}` list.
pub fn key(
    name: &str,
    gate: &Gate,
    files_arg: Option<&[PathBuf]>,
    content: &ContentSnapshot,
) -> Result<String> {
    let glob = PatternSet::new(gate.glob.iter())?;
    let exclude = PatternSet::new(gate.exclude.iter())?;
    let inputs = PatternSet::new(gate.inputs.iter())?;
    let dir = gate
        .dir
        .as_deref()
        .map(Path::new)
        .filter(|d| !d.as_os_str().is_empty() && *d != Path::new("."));
    // Without a declaration, anything the gate could read is an input. With one: the declared
    // files, plus the files its glob selects (or, without a glob, any file `{files}` could
    // hand it).
    let by_glob = !glob.is_empty() || files_arg.is_some();
    let visible = |p: &Path| -> bool {
        if inputs.is_empty() || inputs.matches(p) {
            return true;
        }
        if !by_glob {
            return false;
        }
        let rel = match dir {
            Some(d) => match p.strip_prefix(d) {
                Ok(r) => r,
                Err(_) => return false,
            },
            None => p,
        };
        (glob.is_empty() || glob.matches(rel)) && (exclude.is_empty() || !exclude.matches(rel))
    };
    let mut h = Sha256::new();
    let definition = serde_json::json!({
        "tool": "gatekeeper",
        "version": env!("CARGO_PKG_VERSION"),
        "gate": name,
        "run": gate.run,
        "dir": gate.dir,
        "env": gate.env,
        "glob": gate.glob,
        "exclude": gate.exclude,
        "inputs": gate.inputs,
        "coverage": gate.coverage,
        "budget": gate.budget,
    });
    h.update(definition.to_string().as_bytes());
    h.update(b"\0files\0");
    if let Some(files) = files_arg {
        for f in files {
            h.update(f.as_os_str().as_encoded_bytes());
            h.update(b"\0");
        }
    }
    h.update(b"\0content\0");
    for (p, oid, mode) in &content.files {
        if visible(p) {
            h.update(p.as_os_str().as_encoded_bytes());
            h.update(b"\0");
            h.update(oid.as_bytes());
            h.update(mode.to_le_bytes());
        }
    }
    Ok(hex::encode(h.finalize()))
}
