//! The `agents:` block: memory, maintenance, roles, protected paths and the write sandbox.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use super::{DurationValue, GlobList, StringList};

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
    /// The write sandbox `session run` and `sandbox` put around an agent.
    #[serde(default)]
    pub sandbox: SandboxConfig,
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

/// What the write sandbox leaves writable beyond the role's paths (`~` is the home
/// directory; a folder written with a trailing `/` is created when missing, other missing
/// paths are left out). Each list replaces its default when given.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SandboxConfig {
    /// The agents' own state folders and files (default: Claude Code's and Codex CLI's:
    /// `~/.claude`, `~/.claude.json`, `~/.codex`, …).
    #[serde(default = "default_writable")]
    pub writable: StringList,
    /// The per-user caches of build tools (default `~/.cargo`, `~/.npm`, `~/.cache`, …).
    #[serde(default = "default_caches")]
    pub caches: StringList,
    /// Names of git-ignored build and cache folders in the work tree that stay writable
    /// (default `target`, `node_modules`, `.venv`, `__pycache__`, …).
    #[serde(default = "default_build_dirs")]
    pub build_dirs: StringList,
    /// Paths that stay read-only even inside a writable folder (default: the agents' own hook
    /// settings, such as `~/.claude/settings.json`, and the build tools' programs and settings
    /// inside their caches, such as `~/.cargo/bin`).
    #[serde(default = "default_read_only")]
    pub read_only: StringList,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            writable: default_writable(),
            caches: default_caches(),
            build_dirs: default_build_dirs(),
            read_only: default_read_only(),
        }
    }
}

fn list(items: &[&str]) -> StringList {
    StringList(items.iter().map(|s| (*s).to_owned()).collect())
}

fn default_writable() -> StringList {
    list(&[
        "~/.claude/",
        "~/.claude.json",
        "~/.claude.json.backup",
        "~/.config/claude",
        "~/.local/share/claude",
        "~/.local/state/claude",
        "~/.codex/",
    ])
}

fn default_caches() -> StringList {
    list(&[
        "~/.cargo",
        "~/.npm/",
        "~/.cache/",
        "~/.yarn",
        "~/.pnpm-store",
        "~/.bun/install/cache",
        "~/go/pkg",
        "~/.gradle",
        "~/.m2",
    ])
}

fn default_build_dirs() -> StringList {
    list(&[
        "target",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        "build",
        "dist",
        ".next",
        ".nuxt",
        ".turbo",
        ".parcel-cache",
        ".gradle",
        "coverage",
        ".nyc_output",
    ])
}

fn default_read_only() -> StringList {
    list(&[
        "~/.claude/settings.json",
        "~/.codex/config.toml",
        "~/.codex/hooks.json",
        "~/.cargo/bin",
        "~/.cargo/config",
        "~/.cargo/config.toml",
        "~/.cargo/credentials",
        "~/.cargo/credentials.toml",
        "~/.cargo/env",
        "~/.gradle/gradle.properties",
        "~/.gradle/init.d",
        "~/.m2/settings.xml",
    ])
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
    /// Let the sandbox leave `.git` writable so the agent can commit (default false). Its
    /// hooks, configuration and gatekeeper's records stay read-only, but a commit made by
    /// the agent can skip the hooks (`--no-verify`): pre-push and `ci` still check it.
    #[serde(default)]
    pub git_writes: bool,
}
