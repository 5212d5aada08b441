//! `gatekeeper schema`: the JSON Schema of gatekeeper.yml.

use anyhow::Result;

use super::Context;
use crate::config::Config;
use crate::exit::ExitStatus;

/// Print the JSON Schema of gatekeeper.yml (for editors and validators).
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Context, _args: &Args) -> Result<ExitStatus> {
    ctx.printer.json(&Config::json_schema())?;
    Ok(ExitStatus::Success)
}
