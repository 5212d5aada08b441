//! `gatekeeper uninstall`: remove exactly what install added.

use anyhow::Result;

use super::Context;
use crate::exit::ExitStatus;
use crate::install::{self, HookAction};

/// Remove gatekeeper's hooks and restore, byte for byte, any hook that install moved aside.
/// Hooks that are not gatekeeper's are left alone.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also remove gatekeeper's entries from a coding agent's settings (claude, codex, gemini,
    /// copilot or cursor).
    #[arg(long, value_name = "AGENT")]
    pub agent: Option<String>,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    if let Some(name) = &args.agent {
        // Only gatekeeper's entries in the agent's settings; the git hooks stay.
        let change = if let Some(other) = crate::agent::adapter::Other::parse(name) {
            crate::agent::hook_files::uninstall(ctx.repo()?.root(), other)?
        } else {
            let agent = crate::agent::settings::agent_named(name)?;
            crate::agent::settings::uninstall(ctx.repo()?.root(), agent)?
        };
        if ctx.printer.is_json() {
            ctx.printer.json(&change)?;
        } else {
            ctx.printer.out(&crate::agent::settings::render(&change));
        }
        return Ok(ExitStatus::Success);
    }
    let repo = ctx.repo()?;
    let changes = install::uninstall(&repo.hooks_dir())?;
    if ctx.printer.is_json() {
        ctx.printer.json(&changes)?;
    } else {
        let mut s = String::new();
        for c in &changes {
            let what = match &c.action {
                HookAction::Removed => "removed".to_owned(),
                HookAction::Restored { .. } => {
                    "removed; the hook it had displaced is back".to_owned()
                }
                HookAction::LeftForeign => "not gatekeeper's; left alone".to_owned(),
                HookAction::Absent => "not installed".to_owned(),
                other => format!("{other:?}"),
            };
            s.push_str(&format!("{}: {what}\n", c.hook));
        }
        ctx.printer.out(&s);
    }
    Ok(ExitStatus::Success)
}
