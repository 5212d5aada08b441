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

pub fn run(_ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "gatekeeper", &mut std::io::stdout());
    Ok(ExitStatus::Success)
}
