//! The `agents:` block: memory, maintenance, roles and protected paths.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use super::{DurationValue, StringList};

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
    pub protected: StringList,
    /// How many stops in a row the Stop hook blocks while the agent-stop gates stay red
    /// before it lets the agent stop, telling the user the gates are red (1 to 7, default 5;
    /// Claude Code itself overrides a hook after 8 blocks in a row).
    #[serde(default, deserialize_with = "stop_blocks")]
    #[schemars(range(min = 1, max = 7))]
    pub stop_blocks: Option<u32>,
}

/// The default of `agents.stop_blocks`.
pub const DEFAULT_STOP_BLOCKS: u32 = 5;

impl AgentsConfig {
    /// `agents.stop_blocks`, or its default.
    pub fn stop_blocks(&self) -> u32 {
        self.stop_blocks.unwrap_or(DEFAULT_STOP_BLOCKS)
    }
}

fn stop_blocks<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let n = u32::deserialize(d)?;
    if (1..=7).contains(&n) {
        Ok(Some(n))
    } else {
        Err(serde::de::Error::custom(format!(
            "agents.stop_blocks must be between 1 and 7 (Claude Code overrides a Stop hook after 8 blocks in a row), not {n}"
        )))
    }
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
    pub edit: StringList,
}
