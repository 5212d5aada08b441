//! What git's hooks do: the trust gate, chaining a displaced hook, and one function per hook.
//!
//! **Invariant:** a hook runs no configured command before the configuration's hash is trusted
//! by this user (or `CI=true`).

pub mod commit_msg;
pub mod post_checkout;
pub mod pre_commit;
pub mod pre_push;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::Result;

use crate::config::LoadedConfig;
use crate::env::Environment;
use crate::exit::Failure;
use crate::gates::GateSink;
use crate::git::Repo;
use crate::process::{self, ShellCommand};
use crate::trust::TrustStore;

/// The hooks gatekeeper installs.
pub const HOOK_NAMES: [&str; 6] = [
    "pre-commit",
    "commit-msg",
    "pre-push",
    "post-checkout",
    "post-merge",
    "post-rewrite",
];

/// Suffix of a pre-existing hook that `install` moved aside; the hook runs it first.
pub const DISPLACED_SUFFIX: &str = ".gatekeeper-displaced";

/// What every hook needs.
pub struct HookContext<'a> {
    pub repo: &'a Repo,
    pub config: &'a LoadedConfig,
    pub env: &'a Environment,
    pub cancel: &'a AtomicBool,
    pub sink: &'a dyn GateSink,
}

impl HookContext<'_> {
    /// Environment added to every gate: the stage, and where the repository is.
    pub fn gate_env(&self, stage: &str) -> Vec<(String, String)> {
        vec![
            ("GATEKEEPER_STAGE".into(), stage.into()),
            (
                "GATEKEEPER_ROOT".into(),
                self.repo.root().to_string_lossy().into_owned(),
            ),
        ]
    }

    /// Bytes of the inherited environment (counts against the argument limit).
    pub fn env_bytes(&self) -> usize {
        self.env
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2 + 8)
            .sum()
    }
}

/// The environment every gate gets, for callers without a [`HookContext`].
pub fn gate_env_for(repo: &Repo, stage: &str) -> Vec<(String, String)> {
    vec![
        ("GATEKEEPER_STAGE".into(), stage.into()),
        (
            "GATEKEEPER_ROOT".into(),
            repo.root().to_string_lossy().into_owned(),
        ),
    ]
}

/// Refuses (exit 2) unless this user trusts the configuration, or `CI=true`.
pub fn ensure_trusted(repo: &Repo, config: &LoadedConfig, env: &Environment) -> Result<()> {
    if env.is_ci() {
        return Ok(());
    }
    let store = TrustStore::for_user(env)?;
    if store.is_trusted(&repo.identity(), &config.sha256)? {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "`{}` (sha256 {}) is not trusted on this machine, so none of its commands were run",
        config.path.display(),
        &config.sha256[..12]
    ))
    .with_hint("review the file, then run `gatekeeper trust`")
    .into())
}

/// What the recovery of a killed run's set-aside files did, one line each.
pub fn recovery_lines(r: &crate::git::stash::Restored) -> Vec<String> {
    use crate::git::display_path;
    let mut out = Vec::new();
    if !r.restored.is_empty() {
        out.push(format!(
            "restored {} file(s) set aside by an earlier gatekeeper run that was killed",
            r.restored.len()
        ));
    }
    for k in &r.kept {
        out.push(format!(
            "`{}` changed after a killed gatekeeper run had set it aside: your current version stays, and the set-aside version is kept in `{}`",
            display_path(&k.path),
            k.copy.display()
        ));
    }
    for p in &r.left {
        out.push(format!(
            "`{}` (deleted before a killed gatekeeper run) was written again since: it was left as it is",
            display_path(p)
        ));
    }
    out
}

/// Path of the hook that `install` displaced for `hook`, if there is one.
pub fn displaced_hook(hooks_dir: &Path, hook: &str) -> Option<PathBuf> {
    let p = hooks_dir.join(format!("{hook}{DISPLACED_SUFFIX}"));
    p.is_file().then_some(p)
}

/// Runs the displaced hook with the same arguments and standard input; its output goes
/// straight through. Returns a problem line when it failed.
pub fn run_displaced(
    repo: &Repo,
    hook: &str,
    args: &[String],
    stdin: &[u8],
    cancel: &AtomicBool,
) -> Result<Option<String>> {
    let Some(path) = displaced_hook(&repo.hooks_dir(), hook) else {
        return Ok(None);
    };
    let mut script = shlex::try_quote(&path.to_string_lossy())?.into_owned();
    for a in args {
        script.push(' ');
        script.push_str(&shlex::try_quote(a)?);
    }
    let finished = process::run_shell(
        &ShellCommand {
            script: script.into(),
            dir: repo.root().to_path_buf(),
            env: Vec::new(),
            timeout: std::time::Duration::from_secs(3600),
            stdin: Some(stdin.to_vec()),
            capture: false,
        },
        cancel,
    )?;
    if finished.ending.success() {
        Ok(None)
    } else {
        Ok(Some(format!(
            "the pre-existing {hook} hook (kept as `{}`) failed ({:?})",
            path.display(),
            finished.ending
        )))
    }
}
