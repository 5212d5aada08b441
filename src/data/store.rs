//! Where snapshots live: one folder per snapshot holding `manifest.json` (written atomically,
//! last) and the backup; listing, loading and retention.
//!
//! **Invariant:** retention never deletes the newest usable snapshot.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context as _, Result};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::SourceRecord;
use crate::config::data::DataConfig;
use crate::exit::Failure;
use crate::process::Ending;

/// The manifest file inside a snapshot's folder.
pub const MANIFEST: &str = "manifest.json";
/// The manifest format version.
pub const MANIFEST_VERSION: u32 = 1;

/// What a snapshot recorded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub id: String,
    #[serde(default)]
    pub label: Option<String>,
    /// RFC 3339, UTC, milliseconds.
    pub created: String,
    /// True only when every source was read and the backup (if configured) ran and verified.
    pub usable: bool,
    pub sources: IndexMap<String, SourceRecord>,
    /// The backup, when `data.backup` is configured.
    #[serde(default)]
    pub backup: Option<BackupRecord>,
    /// PostgreSQL snapshot ids exported for the backup, by source.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub postgres_snapshots: IndexMap<String, String>,
}

/// The backup taken with a snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackupRecord {
    pub run: StepRecord,
    #[serde(default)]
    pub verify: Option<StepRecord>,
    /// `run` succeeded and `verify` (when configured) succeeded.
    pub ok: bool,
}

/// One backup command and how it ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StepRecord {
    /// The command as run (after `{dir}` was replaced).
    pub command: String,
    #[serde(with = "ending_serde")]
    pub ending: Ending,
    pub ok: bool,
    /// The end of its combined output.
    #[serde(default)]
    pub output: String,
}

mod ending_serde {
    //! `Ending` as `exited:N`, `signalled:N`, `timed-out`, `interrupted`.
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::process::Ending;

    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's `with` passes a reference"
    )]
    pub fn serialize<S: Serializer>(e: &Ending, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&to_text(*e))
    }

    pub fn to_text(e: Ending) -> String {
        match e {
            Ending::Exited(c) => format!("exited:{c}"),
            Ending::Signalled(c) => format!("signalled:{c}"),
            Ending::TimedOut => "timed-out".into(),
            Ending::Interrupted => "interrupted".into(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Ending, D::Error> {
        let s = String::deserialize(d)?;
        let bad = || serde::de::Error::custom(format!("unknown ending `{s}`"));
        if let Some(c) = s.strip_prefix("exited:") {
            return c.parse().map(Ending::Exited).map_err(|_| bad());
        }
        if let Some(c) = s.strip_prefix("signalled:") {
            return c.parse().map(Ending::Signalled).map_err(|_| bad());
        }
        match s.as_str() {
            "timed-out" => Ok(Ending::TimedOut),
            "interrupted" => Ok(Ending::Interrupted),
            _ => Err(bad()),
        }
    }
}

/// Describes how a command ended, for humans.
pub fn describe_ending(e: Ending) -> String {
    match e {
        Ending::Exited(c) => format!("exit {c}"),
        Ending::Signalled(s) => format!("killed by signal {s}"),
        Ending::TimedOut => "timed out".into(),
        Ending::Interrupted => "interrupted".into(),
    }
}

/// The folder holding every snapshot.
#[derive(Debug, Clone)]
pub struct SnapshotStore {
    dir: PathBuf,
}

impl SnapshotStore {
    /// `data.dir` (relative to the repository root), else `<state dir>/snapshots`.
    pub fn for_repo(config: &DataConfig, repo_root: &Path, state_dir: &Path) -> Self {
        let dir = match &config.dir {
            Some(d) => repo_root.join(d),
            None => state_dir.join("snapshots"),
        };
        SnapshotStore { dir }
    }

    pub fn new(dir: PathBuf) -> Self {
        SnapshotStore { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder of snapshot `id`.
    pub fn folder(&self, id: &str) -> PathBuf {
        self.dir.join(id)
    }

    /// Creates a new, empty snapshot folder; returns its id and path. Ids sort by time.
    pub fn create(&self, label: Option<&str>, now: SystemTime) -> Result<(String, PathBuf)> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("failed to create `{}`", self.dir.display()))?;
        let stamp: String = humantime::format_rfc3339_millis(now)
            .to_string()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let base = match label.map(slug).filter(|s| !s.is_empty()) {
            Some(l) => format!("{stamp}-{l}"),
            None => stamp,
        };
        for n in 1..1000 {
            let id = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            let path = self.folder(&id);
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok((id, path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(e)
                        .with_context(|| format!("failed to create `{}`", path.display()));
                }
            }
        }
        anyhow::bail!(
            "could not find a free snapshot id under `{}`",
            self.dir.display()
        )
    }

    /// Writes a snapshot's manifest atomically.
    pub fn write(&self, manifest: &Manifest) -> Result<()> {
        let bytes =
            serde_json::to_vec_pretty(manifest).context("failed to serialise a manifest")?;
        crate::fsutil::write_atomic(&self.folder(&manifest.id).join(MANIFEST), &bytes)
    }

    /// Every snapshot that has a manifest, oldest first.
    pub fn list(&self) -> Result<Vec<Manifest>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(e).with_context(|| format!("failed to read `{}`", self.dir.display()));
            }
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry =
                entry.with_context(|| format!("failed to read `{}`", self.dir.display()))?;
            let path = entry.path().join(MANIFEST);
            if path.is_file() {
                out.push(read_manifest(&path)?);
            }
        }
        out.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Snapshot `id`, or the newest usable one for `latest`.
    pub fn load(&self, id: &str) -> Result<Manifest> {
        if id == "latest" {
            return self
                .list()?
                .into_iter()
                .rev()
                .find(|m| m.usable)
                .ok_or_else(|| {
                    Failure::usage(format!("no usable snapshot in `{}`", self.dir.display()))
                        .with_hint("take one with `gatekeeper snapshot`")
                        .into()
                });
        }
        if id.is_empty() || id.starts_with('.') || id.contains(['/', '\\']) {
            return Err(Failure::usage(format!("`{id}` is not a snapshot id")).into());
        }
        let path = self.folder(id).join(MANIFEST);
        if !path.is_file() {
            return Err(
                Failure::usage(format!("no snapshot `{id}` in `{}`", self.dir.display()))
                    .with_hint("list them with `ls` on that folder, or use `latest`")
                    .into(),
            );
        }
        read_manifest(&path)
    }

    /// Keeps the `keep` newest snapshots and the newest usable one; deletes the others.
    /// Returns the ids deleted.
    pub fn prune(&self, keep: usize) -> Result<Vec<String>> {
        let all = self.list()?;
        let newest_usable = all.iter().rev().find(|m| m.usable).map(|m| m.id.clone());
        let mut deleted = Vec::new();
        let total = all.len();
        for (i, m) in all.into_iter().enumerate() {
            let among_newest = total - i <= keep;
            if among_newest || newest_usable.as_deref() == Some(m.id.as_str()) {
                continue;
            }
            let folder = self.folder(&m.id);
            std::fs::remove_dir_all(&folder)
                .with_context(|| format!("failed to delete `{}`", folder.display()))?;
            deleted.push(m.id);
        }
        Ok(deleted)
    }
}

fn read_manifest(path: &Path) -> Result<Manifest> {
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| format!("failed to parse `{}`", path.display()))
}

/// A label reduced to `[a-z0-9-]`, at most 40 characters.
fn slug(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(id: &str, created: &str, usable: bool) -> Manifest {
        Manifest {
            version: MANIFEST_VERSION,
            id: id.into(),
            label: None,
            created: created.into(),
            usable,
            sources: IndexMap::new(),
            backup: None,
            postgres_snapshots: IndexMap::new(),
        }
    }

    #[test]
    fn prune_never_deletes_the_newest_usable_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let store = SnapshotStore::new(dir.path().to_owned());
        for (id, t, usable) in [
            ("a", "2026-01-01T00:00:01.000Z", true),
            ("b", "2026-01-01T00:00:02.000Z", true),
            ("c", "2026-01-01T00:00:03.000Z", false),
            ("d", "2026-01-01T00:00:04.000Z", false),
        ] {
            std::fs::create_dir_all(store.folder(id)).unwrap();
            store.write(&manifest(id, t, usable)).unwrap();
        }
        let deleted = store.prune(1).unwrap();
        assert_eq!(deleted, vec!["a".to_owned(), "c".to_owned()]);
        let left: Vec<String> = store.list().unwrap().into_iter().map(|m| m.id).collect();
        assert_eq!(left, vec!["b".to_owned(), "d".to_owned()]);
        assert_eq!(store.load("latest").unwrap().id, "b");
    }

    #[test]
    fn labels_become_safe_folder_names() {
        assert_eq!(
            slug("Add users / drop sessions!"),
            "add-users-drop-sessions"
        );
        assert_eq!(slug("../.."), "");
    }
}
