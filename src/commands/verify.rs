//! `gatekeeper verify`: not built yet (see the issue that owns it).

use anyhow::Result;

use super::Context;
use crate::exit::ExitStatus;

/// Not available in this build yet.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

pub fn run(_ctx: &Context, _args: &Args) -> Result<ExitStatus> {
    super::not_built_yet("verify")
}
