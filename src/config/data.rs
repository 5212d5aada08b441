//! The `data:` block: sources to count and checksum, the backup, and what may change.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use super::{DurationValue, StringList};

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// Named data sources.
    #[serde(default)]
    pub sources: IndexMap<String, DataSource>,
    /// The backup taken with every snapshot.
    pub backup: Option<BackupConfig>,
    /// Changes that `verify` accepts.
    #[serde(default)]
    pub allow: Vec<AllowRule>,
    /// Where snapshots are kept, relative to the repository root (default
    /// `<git common dir>/gatekeeper/snapshots`).
    pub dir: Option<String>,
    /// How many snapshots to keep after a new one is taken (default: all). The newest usable
    /// snapshot is never deleted.
    pub keep: Option<usize>,
}

/// One data source: exactly one of `postgres`, `sqlite`, `files`, `command`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataSource {
    pub postgres: Option<PostgresSource>,
    pub sqlite: Option<SqliteSource>,
    pub files: Option<FilesSource>,
    /// A command that prints `name count` lines.
    pub command: Option<String>,
    /// Tables whose content is checksummed (`schema.table`, or `table` for `public`).
    #[serde(default)]
    pub checksum: StringList,
    /// The columns hashed for a checksummed table (default: every column the table has when
    /// the snapshot is taken; `verify` always hashes the columns the snapshot recorded).
    #[serde(default)]
    pub columns: BTreeMap<String, Vec<String>>,
    /// Kill a `command` source's process group after this long (default 10m).
    pub timeout: Option<DurationValue>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostgresSource {
    /// A connection URL or `key=value` string; the standard `PG*` variables fill what it
    /// leaves out.
    pub url: Option<String>,
    /// The environment variable holding the URL.
    pub url_env: Option<String>,
    /// Only tables in these schemas (default: every non-system schema).
    #[serde(default)]
    pub schemas: StringList,
    /// Only these tables (`schema.table`, or `table` for `public`).
    #[serde(default)]
    pub tables: StringList,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SqliteSource {
    /// The database file, relative to the repository root.
    pub path: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilesSource {
    /// The directory, relative to the repository root.
    pub path: String,
    /// Only files whose path (relative to `path`) matches one of these globs.
    #[serde(default)]
    pub glob: StringList,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupConfig {
    /// Takes the backup; `{dir}` is the snapshot's folder.
    pub run: String,
    /// Proves the backup is readable; `{dir}` is the snapshot's folder.
    pub verify: Option<String>,
    /// Kill the backup's process group after this long (default 1h, each of `run` and
    /// `verify`).
    pub timeout: Option<DurationValue>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowRule {
    pub source: String,
    /// The table (or file path) the rule covers; omitted: every table of the source.
    pub table: Option<String>,
    pub change: AllowedChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AllowedChange {
    /// Anything: decrease, disappearance, content change.
    Any,
    /// The count may go down.
    Decrease,
    /// The table or file may disappear.
    Drop,
}
