//! `gatekeeper sandbox -- CMD…` (a role's write sandbox around any command) and the hidden
//! `gatekeeper __sandbox-exec`, the fresh process that applies a policy and `exec`s the
//! command.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::Result;

use super::Context;
use crate::exit::{ExitStatus, Failure};
use crate::sandbox::{self, PreparedSandbox, SandboxReport};

/// Run CMD where the kernel refuses every write outside what the role may change.
///
/// Writable: the role's folders (all of the work tree without a role), the memory folder,
/// git-ignored build folders, a private TMPDIR, the agents' state and the build tools'
/// caches (`agents.sandbox`). Everything else is read-only, including `.git`, protected
/// paths, `gatekeeper.yml`, `.gatekeeper/` and the agents' hook settings. Exits with CMD's
/// status; exit 3 when no sandbox can be set up here. `session run` uses the same sandbox.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The role whose `edit` globs are writable (`agents.roles`).
    #[arg(long)]
    pub role: Option<String>,
    /// The command and its arguments.
    #[arg(last = true, required = true, value_name = "CMD")]
    pub cmd: Vec<String>,
}

/// Apply a sandbox policy to this process, then run CMD in its place (internal).
#[derive(Debug, clap::Args)]
pub struct ExecArgs {
    /// The policy (JSON) to apply.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Apply it, print what was enforced as JSON and exit instead of running CMD.
    #[arg(long)]
    pub probe: bool,
    /// The command and its arguments.
    #[arg(last = true, value_name = "CMD")]
    pub cmd: Vec<OsString>,
}

/// gatekeeper's own binary, which runs the sandbox helper.
pub(crate) fn own_exe() -> Result<PathBuf> {
    std::env::current_exe().map_err(|e| {
        anyhow::Error::new(e).context(Failure::undecided(
            "cannot find gatekeeper's own binary to start the sandbox",
        ))
    })
}

/// Builds and probes the sandbox for `role` in this repository; exit 3 with the reason
/// when it cannot be set up.
pub(crate) fn prepare(
    ctx: &Context,
    repo: &crate::git::Repo,
    agents: &crate::config::AgentsConfig,
    role: Option<&str>,
) -> Result<(PreparedSandbox, SandboxReport)> {
    let exe = own_exe()?;
    let prepared = PreparedSandbox::prepare(repo, agents, role, &ctx.env, Some(exe.clone()))?;
    let report = prepared.probe(&exe, repo.root()).map_err(|e| {
        Failure::undecided(format!("{e:#}"))
            .with_hint("`gatekeeper session run --no-sandbox` runs an agent without it (its role is then checked at stop and pre-commit only)")
    })?;
    Ok((prepared, report))
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let (prepared, report) = prepare(ctx, &repo, &config.agents, args.role.as_deref())?;
    for line in report.describe(&prepared.policy) {
        ctx.printer.note(&format!("gatekeeper sandbox: {line}"));
    }
    // This process becomes the command (through a fresh helper process image, which is
    // single-threaded as the namespaces need), so the terminal, signals and exit status are
    // the command's own. Its private directory outlives it.
    let env = prepared.env();
    let words: Vec<OsString> = prepared
        .wrap(&own_exe()?, &args.cmd)
        .into_iter()
        .map(OsString::from)
        .collect();
    prepared.keep();
    Err(crate::process::exec_replacing(&words[0], &words[1..], &env))
}

/// In a fresh, single-threaded process: apply the policy, then become CMD.
pub fn exec(ctx: &Context, args: &ExecArgs) -> Result<ExitStatus> {
    let policy = sandbox::read_policy(&args.policy)?;
    let report = sandbox::apply(&policy).map_err(|e| Failure::undecided(format!("{e:#}")))?;
    if args.probe {
        ctx.printer.json(&report)?;
        return Ok(ExitStatus::Success);
    }
    let Some((program, rest)) = args.cmd.split_first() else {
        return Err(Failure::usage("no command to run in the sandbox").into());
    };
    Err(crate::process::exec_replacing(program, rest, &[]))
}
