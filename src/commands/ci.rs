//! `gatekeeper ci`: everything CI must enforce for base..HEAD.

use anyhow::Result;

use super::Context;
use crate::config::Stage;
use crate::exit::ExitStatus;
use crate::gates::FileScope;
use crate::report;
use crate::sacred::gate_integrity;

/// Run what CI must enforce for the range BASE..HEAD: the `ci` gates on the changed files
/// (every tracked file without --base), the sacred check against the base's lock, and the
/// rules that keep a change from weakening the gates themselves: a changed gate definition,
/// a changed file a gate runs, or a changed protected path is refused unless every commit
/// making it is signed by a key in the base's `.gatekeeper/allowed_signers`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The revision the change is compared with (e.g. origin/main).
    #[arg(long)]
    pub base: Option<String>,
    /// Run every gate even when a pass for the same inputs is cached.
    #[arg(long)]
    pub no_cache: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let head = repo.resolve_commit("HEAD")?;
    let mut sacred = None;
    let scope = match &args.base {
        Some(base) => {
            let base = repo.resolve_commit(base)?;
            let mb = repo.raw().merge_base(base, head).unwrap_or(base);
            // The lock, the allowed signers and the gates' definitions are read from the base
            // revision, never from the change under review.
            sacred = Some((mb, crate::sacred::check_range(&repo, &config, mb, head)?));
            FileScope::Changed(super::run::existing(
                &repo,
                repo.changes_between(Some(mb), head)?,
            ))
        }
        None => FileScope::All(repo.tracked_files()?),
    };
    // A change to the gates that is not signed is judged by the gates as the base defines
    // them: a weakened gate never judges its own weakening.
    let base_config = match &sacred {
        Some((mb, s)) if gate_integrity::gates_weakened(s) => {
            gate_integrity::config_at(&repo, *mb)?
        }
        _ => None,
    };
    let gates_config = base_config.as_ref().unwrap_or(&config);
    let mut report = super::run::run_stage(
        ctx,
        &repo,
        gates_config,
        Stage::Ci,
        &[],
        scope,
        args.no_cache,
    )?;
    if base_config.is_some() {
        report.notes.push(format!(
            "the gates ran as the base defines them: this change alters them in `{}` without a signature",
            crate::config::CONFIG_FILE
        ));
    }
    if let Some((_, s)) = sacred {
        report.sacred.push(s);
        report.finish_again();
    }
    report::print(&ctx.printer, &report)?;
    Ok(report.status)
}
