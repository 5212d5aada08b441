//! The `agents:` block: memory, maintenance, roles and protected paths.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use super::{DurationValue, GlobList};

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentsConfig {
    #[serde(default)]
    pub memory: MemoryConfig,
    /// Recurring chores listed in the session brief when overdue.
    #[serde(default)]
    pub maintenance: IndexMap<String, MaintenanceTask>,
    /// Roles and the paths each may edit.
    #[serde(default)]
    pub roles: IndexMap<String, Role>,
    /// Paths only humans may change (the memory index and its topic files excepted: agents
    /// write lessons there).
    #[serde(default)]
    pub protected: GlobList,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemoryConfig {
    /// The memory index (default `.gatekeeper/memory/MEMORY.md`).
    #[serde(default = "default_index")]
    pub index: String,
    /// An index longer than this is only partly read by agents (default 200).
    #[serde(default = "default_max_lines")]
    pub max_lines: usize,
}

impl Default for MemoryConfig {
    fn default() -> Self {
        MemoryConfig {
            index: default_index(),
            max_lines: default_max_lines(),
        }
    }
}

fn default_index() -> String {
    ".gatekeeper/memory/MEMORY.md".into()
}

fn default_max_lines() -> usize {
    200
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceTask {
    /// How often it is due, e.g. `30d`.
    pub every: DurationValue,
    /// The command that does it.
    pub run: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Globs of the paths this role may change (empty: none but the memory).
    #[serde(default)]
    pub edit: GlobList,
}
