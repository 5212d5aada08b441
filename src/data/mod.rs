//! Data safety around migrations: what a snapshot records for each configured source
//! (PostgreSQL, SQLite, files, commands), the backup taken with it, and the comparison that
//! `verify` makes afterwards.
//!
//! **Architecture Invariant:** a source that cannot be read is an error (exit 3), never an
//! empty source: nothing here turns "could not count" into "nothing was lost".

pub mod command;
pub mod compare;
pub mod files;
pub mod migrate;
pub mod postgres;
pub mod render;
pub mod snapshot;
pub mod sources;
pub mod sqlite;
pub mod store;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use compare::{Finding, Verdict, VerifyOptions, VerifyReport, verify};
pub use snapshot::{SnapshotOptions, SnapshotReport, take_snapshot};
pub use store::{Manifest, SnapshotStore};

/// The kind of a data source, as recorded in a manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Postgres,
    Sqlite,
    Files,
    Command,
}

/// What one source held at one instant.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceRecord {
    pub kind: SourceKind,
    /// Tables (or, for a `files` source, file paths) by name.
    pub items: BTreeMap<String, ItemRecord>,
    /// For a `files` source: how many files and bytes in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<FilesTotal>,
}

/// One table (its row count) or one file (its size in bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRecord {
    pub count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<Checksum>,
}

/// A content checksum and what it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checksum {
    /// How it was computed (see `docs/data-safety.md`).
    pub method: String,
    /// The columns hashed, in order (empty for a file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// The hex digest, or a sentence starting with `unavailable:` when it could not be
    /// computed (e.g. a hashed column is gone), which never equals a digest.
    pub value: String,
}

/// The totals of a `files` source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilesTotal {
    pub files: u64,
    pub bytes: u64,
}

/// Which tables to checksum, and over which columns (`None`: every column the table has now).
pub type ChecksumRequest = BTreeMap<String, TableChecksum>;

/// How to checksum one table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableChecksum {
    /// The columns to hash, in order (`None`: every column the table has now).
    pub columns: Option<Vec<String>>,
    /// The method a snapshot recorded, which `verify` must use again (`None`: the current one).
    pub method: Option<String>,
}

/// Quotes an SQL identifier (PostgreSQL and SQLite both accept double quotes).
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
