//! `gatekeeper ci`: everything CI must enforce for base..HEAD.

use anyhow::Result;

use super::Context;
use crate::config::Stage;
use crate::exit::ExitStatus;
use crate::gates::FileScope;
use crate::report;

/// Run what CI must enforce for the range BASE..HEAD: the `ci` gates on the changed files
/// (every tracked file without --base).
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
    let mut merge_base = None;
    let scope = match &args.base {
        Some(base) => {
            let base = repo.resolve_commit(base)?;
            let mb = repo.raw().merge_base(base, head).unwrap_or(base);
            merge_base = Some(mb);
            FileScope::Changed(super::run::existing(
                &repo,
                repo.changes_between(Some(mb), head)?,
            ))
        }
        None => FileScope::All(repo.tracked_files()?),
    };
    let mut report =
        super::run::run_stage(ctx, &repo, &config, Stage::Ci, &[], scope, args.no_cache)?;
    // The lock is read from the base revision, never from the change under review.
    if let Some(mb) = merge_base {
        report
            .sacred
            .push(crate::sacred::check_range(&repo, &config, mb, head)?);
        report.finish_again();
    }
    report::print(&ctx.printer, &report)?;
    Ok(report.status)
}
