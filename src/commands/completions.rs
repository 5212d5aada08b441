//! `gatekeeper completions SHELL`.

use anyhow::Result;
use clap::CommandFactory as _;

use super::Context;
use crate::exit::ExitStatus;

/// Print shell completions (bash, zsh, fish, elvish, powershell).
#[derive(Debug, clap::Args)]
pub struct Args {
    pub shell: clap_complete::Shell,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let mut cmd = crate::cli::Cli::command();
    // Generated into memory first: clap_complete panics when its writer fails, and a reader
    // that stops early (`gatekeeper completions bash | head`) closes the pipe.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "gatekeeper", &mut script);
    ctx.printer.out(&String::from_utf8_lossy(&script));
    Ok(ExitStatus::Success)
}
