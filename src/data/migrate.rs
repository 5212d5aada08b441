//! The migration command of `migrate`: run with its output streamed, in its own process
//! group, with a Ctrl-C forwarded to it as SIGINT (then SIGTERM, then SIGKILL if it lingers).

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Result, anyhow};
use nix::sys::signal::Signal;
use serde::Serialize;

use crate::process::{self, Ending, OutputRoute, ShellCommand};

/// No time limit of our own: a migration takes as long as it takes (ten years).
const NO_LIMIT: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// How the migration command ended.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationRun {
    pub argv: Vec<String>,
    /// `exit N`, `killed by signal N`, `interrupted`.
    pub ending: String,
    pub ok: bool,
    pub interrupted: bool,
    pub seconds: f64,
}

/// Runs `argv` (no shell interpretation of its words) in `dir`. With `stdout_to_stderr`, its
/// stdout goes to our stderr so that our stdout carries one JSON document. After a forwarded
/// Ctrl-C the command gets `grace` to stop (time to roll a transaction back) before SIGTERM,
/// and `grace` again before SIGKILL.
pub fn run_migration(
    argv: &[String],
    dir: &Path,
    env: Vec<(String, String)>,
    stdout_to_stderr: bool,
    grace: Duration,
    cancel: &AtomicBool,
) -> Result<MigrationRun> {
    let script = shlex::try_join(argv.iter().map(String::as_str))
        .map_err(|e| anyhow!("cannot pass the command to the shell: {e}"))?;
    let cmd = ShellCommand {
        script: format!("exec {script}").into(),
        dir: dir.to_owned(),
        env,
        timeout: NO_LIMIT,
        stdin: None,
        capture: false,
    };
    let route = if stdout_to_stderr {
        OutputRoute::StdoutToStderr
    } else {
        OutputRoute::Inherit
    };
    let done = process::run_shell_routed(&cmd, route, Signal::SIGINT, grace, cancel)?;
    Ok(MigrationRun {
        argv: argv.to_vec(),
        ending: super::store::describe_ending(done.ending),
        ok: done.ending.success(),
        interrupted: done.ending == Ending::Interrupted,
        seconds: done.duration.as_secs_f64(),
    })
}
