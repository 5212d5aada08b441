//! `gatekeeper trust`: record that this user reviewed the current configuration.

use anyhow::Result;

use super::Context;
use crate::exit::ExitStatus;
use crate::trust::TrustStore;

/// Trust the current gatekeeper.yml: record its sha256 for this repository, for this user.
///
/// Hooks refuse to run the commands of a configuration whose hash is not trusted, so that
/// checking out a branch can never make this machine run new commands silently. Review the
/// file before trusting it. With CI=true every configuration is trusted.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Context, _args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let store = TrustStore::for_user(&ctx.env)?;
    let new = store.trust(&repo.identity(), &config.sha256)?;
    if ctx.printer.is_json() {
        ctx.printer.json(&serde_json::json!({
            "config": config.path,
            "sha256": config.sha256,
            "newly_trusted": new,
            "store": store.path(),
        }))?;
    } else {
        let verb = if new { "trusted" } else { "already trusted" };
        ctx.printer.out(&format!(
            "{verb}: {} (sha256 {})\n",
            config.path.display(),
            config.sha256
        ));
    }
    Ok(ExitStatus::Success)
}
