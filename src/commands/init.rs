//! `gatekeeper init`: write a starter gatekeeper.yml.

use anyhow::Result;

use super::Context;
use crate::config::CONFIG_FILE;
use crate::exit::{ExitStatus, Failure};
use crate::templates::Ecosystem;

/// Write a starter gatekeeper.yml for the detected project (Cargo, npm, Python, Go; a generic
/// one otherwise). Refuses to overwrite an existing file unless --force.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Overwrite an existing gatekeeper.yml.
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let path = repo.root().join(CONFIG_FILE);
    if path.exists() && !args.force {
        return Err(
            Failure::usage(format!("`{}` already exists", path.display()))
                .with_hint("pass --force to replace it")
                .into(),
        );
    }
    let eco = Ecosystem::detect(repo.root());
    crate::fsutil::write_atomic(&path, eco.config_template().as_bytes())?;
    if ctx.printer.is_json() {
        ctx.printer
            .json(&serde_json::json!({"path": path, "ecosystem": eco}))?;
    } else {
        ctx.printer.out(&format!(
            "wrote {} {}\nnext: review it, then `gatekeeper install`\n",
            path.display(),
            eco.describe()
        ));
    }
    Ok(ExitStatus::Success)
}
