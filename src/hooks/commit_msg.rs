//! commit-msg: the gates of the `commit-msg` stage, with `{msg_file}` replaced by the message
//! file git hands the hook (an absolute path, shell-quoted) and `GATEKEEPER_MSG_FILE` set to
//! it. The gates see the work tree as it is and the staged files as their `{files}`; they may
//! rewrite the message (as commit-msg hooks do to add trailers).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result};

use super::HookContext;
use crate::config::{MSG_FILE_PLACEHOLDER, Stage};
use crate::gates::{self, FileScope, RunRequest};
use crate::git::ChangeKind;
use crate::report::RunReport;

/// Runs the commit-msg gates on the message in `msg_file` (as git passed it: relative to the
/// work-tree root, or absolute).
pub fn run(h: &HookContext<'_>, msg_file: &str, report: &mut RunReport) -> Result<()> {
    let started = Instant::now();
    let path = h.repo.root().join(msg_file);
    let path_text = path.to_string_lossy().into_owned();
    let quoted = shlex::try_quote(&path_text)
        .context("the commit message file's path cannot be quoted for sh")?
        .into_owned();
    let mut config = h.config.config.clone();
    for gate in config.gates.values_mut() {
        gate.run = gate.run.replace(MSG_FILE_PLACEHOLDER, &quoted);
    }
    let files: Vec<PathBuf> = h
        .repo
        .staged_changes()?
        .into_iter()
        .filter(|c| c.kind != ChangeKind::Deleted)
        .map(|c| c.path)
        .collect();
    let skip = h.env.skip_list();
    let mut env = h.gate_env(Stage::CommitMsg.as_str());
    env.push(("GATEKEEPER_MSG_FILE".into(), path_text));
    let req = RunRequest {
        config: &config,
        root: h.repo.root(),
        stage: Stage::CommitMsg,
        names: &[],
        files: FileScope::Changed(files),
        skip: &skip,
        skip_flag: &[],
        env,
        env_bytes: h.env_bytes(),
    };
    let planned = gates::plan(&req)?;
    if planned.is_empty() {
        // The usual case: no gate checks messages, and there is nothing to say.
        report.finish(started, false);
        return Ok(());
    }
    report.notes.extend(gates::skip_notes(&req, &planned));
    // The message is not part of any cache key: these gates always run.
    let extras = gates::Extras::default();
    report.gates = gates::execute(&planned, &req.env, &extras, h.cancel, h.sink);
    report.finish(started, h.cancel.load(std::sync::atomic::Ordering::SeqCst));
    Ok(())
}
