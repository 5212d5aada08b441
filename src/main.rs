//! The `gatekeeper` binary: parse, dispatch, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // The shims call `gatekeeper hook NAME ARGS…` on every commit: that exact shape skips
    // building clap's whole command tree, which is a measurable share of a warm hook.
    let cli = gatekeeper::cli::Cli::from_hook_argv(std::env::args_os())
        .unwrap_or_else(gatekeeper::cli::Cli::parse);
    ExitCode::from(gatekeeper::commands::main(cli).code())
}
