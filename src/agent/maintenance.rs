//! Recurring maintenance (`agents.maintenance`): which tasks are overdue, and their last-run
//! times, kept in local state (`<git common dir>/gatekeeper/maintenance.json`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::config::AgentsConfig;
use crate::fsutil::write_atomic;

/// A task whose interval has passed since it last ran (or that never ran).
#[derive(Debug, Clone, Serialize)]
pub struct OverdueTask {
    pub name: String,
    /// The interval, as humans write it (`30d`).
    pub every: String,
    pub run: String,
    /// When it last ran successfully (RFC 3339), if ever.
    pub last_run: Option<String>,
}

/// The state file.
pub fn state_path(state_dir: &Path) -> PathBuf {
    state_dir.join("maintenance.json")
}

/// Last successful run per task (RFC 3339 strings).
pub fn read_state(state_dir: &Path) -> Result<BTreeMap<String, String>> {
    let path = state_path(state_dir);
    match std::fs::read(&path) {
        Ok(b) => serde_json::from_slice(&b)
            .with_context(|| format!("failed to parse `{}`", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    }
}

/// Records that `task` ran successfully at `at`.
pub fn record_run(state_dir: &Path, task: &str, at: SystemTime) -> Result<()> {
    let mut state = read_state(state_dir)?;
    state.insert(
        task.to_owned(),
        humantime::format_rfc3339_seconds(at).to_string(),
    );
    let mut text = serde_json::to_string_pretty(&state)?;
    text.push('\n');
    write_atomic(&state_path(state_dir), text.as_bytes())
}

/// The tasks that are due at `now`, in config order. A last-run time that cannot be read
/// counts as never run (the task is listed rather than silently dropped).
pub fn overdue(
    agents: &AgentsConfig,
    state_dir: &Path,
    now: SystemTime,
) -> Result<Vec<OverdueTask>> {
    let state = read_state(state_dir)?;
    let mut out = Vec::new();
    for (name, task) in &agents.maintenance {
        let last = state.get(name);
        let last_time = last.and_then(|s| humantime::parse_rfc3339(s).ok());
        let due = match last_time {
            Some(t) => now.duration_since(t).unwrap_or(Duration::ZERO) >= task.every.0,
            None => true,
        };
        if due {
            out.push(OverdueTask {
                name: name.clone(),
                every: humantime::format_duration(task.every.0).to_string(),
                run: task.run.clone(),
                last_run: last.cloned(),
            });
        }
    }
    Ok(out)
}
