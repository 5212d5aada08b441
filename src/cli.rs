//! The command line: global flags and the subcommand list. Each subcommand's flags live with
//! its glue in `commands/`, and the doc comment of its `Args` is its help text.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::output::{ColorChoice, OutputFormat};

/// Mechanical quality gates: git hooks, sacred tests, deploy checks, data safety and agent
/// sessions.
#[derive(Debug, Parser)]
#[command(name = "gatekeeper", version, about, propagate_version = true)]
pub struct Cli {
    /// Run as if gatekeeper was started in DIR.
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Output format for reports: human text, or one JSON document on stdout.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// When to use colour (NO_COLOR is honoured with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print less: only failures and the summary.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Print more (repeat for even more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The command line of a shim (`gatekeeper hook NAME ARGS…`, no global flags), parsed
    /// without clap; `None` for anything else, which then goes through clap as usual.
    pub fn from_hook_argv(argv: impl IntoIterator<Item = std::ffi::OsString>) -> Option<Cli> {
        let mut it = argv.into_iter().skip(1);
        if it.next()? != "hook" {
            return None;
        }
        let name = it.next()?.into_string().ok()?;
        if !crate::hooks::HOOK_NAMES.contains(&name.as_str()) {
            return None;
        }
        let args = it
            .map(|a| a.into_string().ok())
            .collect::<Option<Vec<String>>>()?;
        Some(Cli {
            dir: None,
            format: OutputFormat::Human,
            color: ColorChoice::Auto,
            quiet: false,
            verbose: 0,
            command: Command::Hook(commands::hook::Args { name, args }),
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::Args),
    Import(commands::import::Args),
    Install(commands::install::Args),
    Uninstall(commands::uninstall::Args),
    Hook(commands::hook::Args),
    Run(commands::run::Args),
    Ci(commands::ci::Args),
    Trust(commands::trust::Args),
    Doctor(commands::doctor::Args),
    Schema(commands::schema::Args),
    Completions(commands::completions::Args),
    Sacred(commands::sacred::Args),
    DeployCheck(commands::deploy_check::Args),
    Snapshot(commands::snapshot::Args),
    Verify(commands::verify::Args),
    Migrate(commands::migrate::Args),
    Session(commands::session::Args),
    Lesson(commands::lesson::Args),
    Lessons(commands::lessons::Args),
    Memory(commands::memory::Args),
    AgentHook(commands::agent_hook::Args),
    Baseline(commands::baseline::Args),
    Cache(commands::cache::Args),
    Sandbox(commands::sandbox::Args),
    #[command(name = "__sandbox-exec", hide = true)]
    SandboxExec(commands::sandbox::ExecArgs),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(a: &[&str]) -> Vec<std::ffi::OsString> {
        a.iter().map(Into::into).collect()
    }

    #[test]
    fn hook_fast_path_matches_clap() {
        for a in [
            &["gatekeeper", "hook", "pre-commit"][..],
            &[
                "gatekeeper",
                "hook",
                "pre-push",
                "origin",
                "/tmp/remote.git",
            ],
            &["gatekeeper", "hook", "post-checkout", "abc", "def", "1"],
        ] {
            let fast = Cli::from_hook_argv(argv(a)).expect("a shim's command line");
            let slow = Cli::parse_from(a);
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
        }
    }

    #[test]
    fn anything_else_goes_through_clap() {
        assert!(Cli::from_hook_argv(argv(&["gatekeeper", "-v", "hook", "pre-commit"])).is_none());
        assert!(Cli::from_hook_argv(argv(&["gatekeeper", "hook", "pre-rebase"])).is_none());
        assert!(Cli::from_hook_argv(argv(&["gatekeeper", "run"])).is_none());
    }
}
