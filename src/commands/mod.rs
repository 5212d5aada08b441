//! One file per subcommand: parse flags, load the repository and config, call one domain
//! function, render its report. No domain logic lives here.

pub mod agent_hook;
pub mod baseline;
pub mod cache;
pub mod ci;
pub mod completions;
pub mod deploy_check;
pub mod doctor;
pub mod hook;
pub mod import;
pub mod init;
pub mod install;
pub mod lesson;
pub mod lessons;
pub mod memory;
pub mod migrate;
pub mod run;
pub mod sacred;
pub mod sandbox;
pub mod schema;
pub mod session;
pub mod snapshot;
pub mod trust;
pub mod uninstall;
pub mod verify;

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::cli::{Cli, Command};
use crate::config::{Config, LoadedConfig};
use crate::env::Environment;
use crate::exit::{self, ExitStatus};
use crate::git::Repo;
use crate::output::Printer;

/// What every command receives: the environment (read once), the printer and the directory
/// to work in.
pub struct Context {
    pub env: Environment,
    pub printer: Printer,
    /// The directory gatekeeper works in (`-C DIR`, else the process's current directory).
    pub cwd: PathBuf,
    /// Whether `-C` was given: then `GIT_DIR` from the environment is not used for discovery.
    pub explicit_dir: bool,
}

impl Context {
    /// Opens the repository containing the working directory.
    pub fn repo(&self) -> Result<Repo> {
        Repo::open(&self.cwd, &self.env, self.explicit_dir)
    }

    /// Loads `gatekeeper.yml` from the root of the repository's work tree.
    pub fn config(&self, repo: &Repo) -> Result<LoadedConfig> {
        Config::load_from_root(repo.root())
    }
}

/// Runs the parsed command line and prints any error; returns the exit status.
#[expect(
    clippy::needless_pass_by_value,
    reason = "main hands the parsed command line over for good"
)]
pub fn main(cli: Cli) -> ExitStatus {
    let env = Environment::capture();
    let printer = Printer::new(
        cli.format,
        cli.color,
        env.no_color(),
        cli.quiet,
        cli.verbose,
    );
    let ctx = match build_context(&cli, env, printer.clone()) {
        Ok(ctx) => ctx,
        Err(e) => {
            printer.error(&e, exit::hint_of(&e).as_deref());
            return exit::status_of(&e);
        }
    };
    let result = dispatch(&ctx, &cli.command);
    match result {
        Ok(status) => status,
        Err(e) => {
            ctx.printer.clear_progress();
            ctx.printer.error(&e, exit::hint_of(&e).as_deref());
            exit::status_of(&e)
        }
    }
}

fn build_context(cli: &Cli, env: Environment, printer: Printer) -> Result<Context> {
    let here = std::env::current_dir().context("failed to read the current directory")?;
    let (cwd, explicit_dir) = match &cli.dir {
        Some(d) => (here.join(d), true),
        None => (here, false),
    };
    if explicit_dir && !cwd.is_dir() {
        return Err(exit::Failure::usage(format!("-C {}: not a directory", cwd.display())).into());
    }
    Ok(Context {
        env,
        printer,
        cwd,
        explicit_dir,
    })
}

fn dispatch(ctx: &Context, command: &Command) -> Result<ExitStatus> {
    match command {
        Command::Init(a) => init::run(ctx, a),
        Command::Import(a) => import::run(ctx, a),
        Command::Install(a) => install::run(ctx, a),
        Command::Uninstall(a) => uninstall::run(ctx, a),
        Command::Hook(a) => hook::run(ctx, a),
        Command::Run(a) => run::run(ctx, a),
        Command::Ci(a) => ci::run(ctx, a),
        Command::Trust(a) => trust::run(ctx, a),
        Command::Doctor(a) => doctor::run(ctx, a),
        Command::Schema(a) => schema::run(ctx, a),
        Command::Completions(a) => completions::run(ctx, a),
        Command::Sacred(a) => sacred::run(ctx, a),
        Command::DeployCheck(a) => deploy_check::run(ctx, a),
        Command::Snapshot(a) => snapshot::run(ctx, a),
        Command::Verify(a) => verify::run(ctx, a),
        Command::Migrate(a) => migrate::run(ctx, a),
        Command::Session(a) => session::run(ctx, a),
        Command::Lesson(a) => lesson::run(ctx, a),
        Command::Lessons(a) => lessons::run(ctx, a),
        Command::Memory(a) => memory::run(ctx, a),
        Command::AgentHook(a) => agent_hook::run(ctx, a),
        Command::Baseline(a) => baseline::run(ctx, a),
        Command::Cache(a) => cache::run(ctx, a),
        Command::Sandbox(a) => sandbox::run(ctx, a),
        Command::SandboxExec(a) => sandbox::exec(ctx, a),
    }
}
