//! The `data:` block: sources to count and checksum, the backup, and what may change.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use super::StringList;

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
    /// Where snapshots are kept (default `<git common dir>/gatekeeper/snapshots`).
    pub dir: Option<String>,
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
    /// Tables whose content is checksummed.
    #[serde(default)]
    pub checksum: StringList,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostgresSource {
    pub url: Option<String>,
    pub url_env: Option<String>,
    #[serde(default)]
    pub schemas: StringList,
    #[serde(default)]
    pub tables: StringList,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SqliteSource {
    pub path: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilesSource {
    pub path: String,
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
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowRule {
    pub source: String,
    pub table: Option<String>,
    pub change: AllowedChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AllowedChange {
    Any,
    Decrease,
    Drop,
}
