//! Coding-agent sessions: project memory and lessons, roles and protected paths, the session
//! brief and log, and the hook protocols of coding agents (Claude Code, Codex CLI).
//!
//! Domain code only: nothing here prints or reads the process environment; the glue lives
//! in `commands/{session,lesson,lessons,memory,agent_hook}.rs`.

pub mod adapter;
pub mod brief;
pub mod codex_trust;
pub mod copilot;
pub mod cursor;
pub mod edits;
pub mod gemini;
pub mod hook_files;
pub mod maintenance;
pub mod memory;
pub mod protocol;
pub mod roles;
pub mod session;
pub mod settings;
pub mod shell;
pub mod worktree;

pub use roles::{PathViolation, ViolationKind, check_paths};
pub use session::staged_path_violations;
