//! `gatekeeper cache`: the result cache.

use anyhow::Result;

use super::Context;
use crate::exit::ExitStatus;
use crate::gates::cache::ResultCache;

/// Manage the result cache (passes of gates on exactly the same inputs, kept in the common
/// git directory and shared by every work tree).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Remove every cached pass.
    Clear,
    /// Print where the cache lives.
    Dir,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let cache = ResultCache::for_repo(&repo);
    match args.action {
        Action::Clear => {
            let n = cache.clear()?;
            if ctx.printer.is_json() {
                ctx.printer
                    .json(&serde_json::json!({ "removed": n, "dir": cache.dir() }))?;
            } else {
                ctx.printer.out(&format!(
                    "removed {n} cached pass(es) from {}\n",
                    cache.dir().display()
                ));
            }
        }
        Action::Dir => ctx.printer.out(&format!("{}\n", cache.dir().display())),
    }
    Ok(ExitStatus::Success)
}
