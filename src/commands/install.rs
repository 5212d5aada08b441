//! `gatekeeper install`: write the hook shims.

use anyhow::{Context as _, Result};
use serde::Serialize;

use super::Context;
use crate::exit::ExitStatus;
use crate::install::{self, HookAction, HookChange};
use crate::trust::TrustStore;

/// Install gatekeeper's hooks in this repository: pre-commit, commit-msg, pre-push,
/// post-checkout, post-merge and post-rewrite.
///
/// A hook that is already there is moved aside and run first (its failure blocks). Hooks go
/// where git looks for them: `core.hooksPath` if set, else the common git directory shared by
/// every work tree. Installing twice changes nothing. The current `gatekeeper.yml` is trusted.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also merge gatekeeper's hooks into a coding agent's settings: claude, codex, gemini,
    /// copilot or cursor.
    #[arg(long, value_name = "AGENT")]
    pub agent: Option<String>,
}

#[derive(Serialize)]
struct InstallReport {
    hooks_dir: String,
    binary: String,
    hooks: Vec<HookChange>,
    trusted_config: Option<String>,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    if let Some(other) = args
        .agent
        .as_deref()
        .and_then(crate::agent::adapter::Other::parse)
    {
        // Gemini CLI, Copilot CLI, Cursor: their own hook files, and the folder trust note.
        let change = crate::agent::hook_files::install(ctx.repo()?.root(), other)?;
        let text = format!(
            "{}note: {}\n",
            crate::agent::settings::render(&change),
            crate::agent::hook_files::trust_note(other)
        );
        if ctx.printer.is_json() {
            ctx.printer.note(text.trim_end());
        } else {
            ctx.printer.out(&text);
        }
    } else if let Some(name) = &args.agent {
        // The agent's hook settings first; the git hooks below are installed as always.
        let agent = crate::agent::settings::agent_named(name)?;
        let change = crate::agent::settings::install(ctx.repo()?.root(), agent)?;
        let mut text = crate::agent::settings::render(&change);
        if agent == crate::agent::protocol::Agent::Codex {
            text.push_str(&codex_trust_text(ctx)?);
        }
        if ctx.printer.is_json() {
            ctx.printer.note(text.trim_end());
        } else {
            ctx.printer.out(&text);
        }
    }
    let repo = ctx.repo()?;
    let binary = std::env::current_exe().context("failed to find the gatekeeper binary")?;
    let binary = binary.canonicalize().unwrap_or(binary);
    let hooks_dir = repo.hooks_dir();
    let hooks = install::install(&hooks_dir, &binary)?;
    let trusted_config = match ctx.config(&repo) {
        Ok(cfg) => {
            TrustStore::for_user(&ctx.env)?.trust(&repo.identity(), &cfg.sha256)?;
            Some(cfg.sha256.clone())
        }
        Err(e)
            if e.downcast_ref::<crate::config::ConfigError>()
                .is_some_and(|c| c.line == 0) =>
        {
            ctx.printer
                .warn("there is no gatekeeper.yml yet: create one with `gatekeeper init`");
            None
        }
        Err(e) => return Err(e),
    };
    let report = InstallReport {
        hooks_dir: hooks_dir.to_string_lossy().into_owned(),
        binary: binary.to_string_lossy().into_owned(),
        hooks,
        trusted_config,
    };
    if ctx.printer.is_json() {
        ctx.printer.json(&report)?;
    } else {
        let mut s = String::new();
        for h in &report.hooks {
            let what = match &h.action {
                HookAction::Installed => "installed".to_owned(),
                HookAction::InstalledDisplacing { displaced } => {
                    format!("installed; the existing hook was kept as {displaced} and runs first")
                }
                HookAction::Unchanged => "already installed".to_owned(),
                HookAction::Updated => "updated".to_owned(),
                _ => format!("{:?}", h.action),
            };
            s.push_str(&format!("{}: {what}\n", h.hook));
        }
        s.push_str(&format!("hooks directory: {}\n", report.hooks_dir));
        if let Some(sha) = &report.trusted_config {
            s.push_str(&format!("trusted gatekeeper.yml (sha256 {})\n", &sha[..12]));
        }
        ctx.printer.out(&s);
    }
    Ok(ExitStatus::Success)
}

/// Whether Codex will run the hooks just installed, and if not, exactly how to trust them.
fn codex_trust_text(ctx: &Context) -> Result<String> {
    let repo = ctx.repo()?;
    let main_root = repo.common_dir().parent().unwrap_or(repo.root());
    let report = crate::agent::codex_trust::check(&ctx.env, repo.root(), main_root)?;
    Ok(match report {
        Some(r) if r.all_run() => {
            "Codex trusts this project and gatekeeper's hooks: it will run them.\n".to_owned()
        }
        Some(r) => format!("\n{}", r.steps()),
        None => String::new(),
    })
}
