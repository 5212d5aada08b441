//! The `gatekeeper` binary: parse, dispatch, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = gatekeeper::cli::Cli::parse();
    ExitCode::from(gatekeeper::commands::main(cli).code())
}
