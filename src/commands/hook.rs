//! `gatekeeper hook NAME [ARGS]`: what the shims call.

use std::io::Read as _;
use std::sync::atomic::Ordering;

use anyhow::{Context as _, Result};

use super::Context;
use crate::exit::{ExitStatus, Failure};
use crate::hooks::{self, HookContext};
use crate::report::{self, OrderedPrinter, RunReport};

/// Run a git hook (called by the shims that `gatekeeper install` writes).
///
/// pre-commit runs the pre-commit gates on the staged content; pre-push reads the pushed refs
/// on stdin and runs the pre-push gates on the pushed files; post-checkout runs `checkout:`
/// jobs whose files changed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The hook: pre-commit, pre-push or post-checkout.
    pub name: String,
    /// The arguments git passed to the hook.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    if !hooks::HOOK_NAMES.contains(&args.name.as_str()) {
        return Err(Failure::usage(format!("unknown hook `{}`", args.name))
            .with_hint(format!(
                "gatekeeper handles {}",
                hooks::HOOK_NAMES.join(", ")
            ))
            .into());
    }
    let cancel = crate::signals::interrupt_flag();
    let repo = ctx.repo()?;
    repo.freeze_config()?;
    // A previous run killed before it could restore the user's files finishes that now.
    let recovered = crate::git::stash::recover_abandoned(&repo)?;
    for line in crate::hooks::recovery_lines(&recovered) {
        ctx.printer.warn(&line);
    }
    // Temporary checkouts of pushed commits left by a killed pre-push.
    crate::git::checkout::remove_abandoned(&repo);
    let mut stdin = Vec::new();
    if args.name == "pre-push" {
        std::io::stdin()
            .read_to_end(&mut stdin)
            .context("failed to read the pushed refs")?;
    }
    let config = ctx.config(&repo)?;
    hooks::ensure_trusted(&repo, &config, &ctx.env)?;

    let mut report = RunReport::new(&args.name);
    let started = std::time::Instant::now();
    if let Some(problem) = hooks::run_displaced(&repo, &args.name, &args.args, &stdin, &cancel)? {
        report.problems.push(problem);
        report.finish(started, cancel.load(Ordering::SeqCst));
        report::print(&ctx.printer, &report)?;
        return Ok(report.status);
    }
    let planned_total = config.gates.len() + config.checkout.len();
    let sink = OrderedPrinter::new(&ctx.printer, planned_total);
    let h = HookContext {
        repo: &repo,
        config: &config,
        env: &ctx.env,
        cancel: &cancel,
        sink: &sink,
    };
    match args.name.as_str() {
        "pre-commit" => hooks::pre_commit::run(&h, &mut report)?,
        "pre-push" => {
            let remote = args.args.first().map_or("origin", String::as_str);
            let refs = hooks::pre_push::parse_refs(&String::from_utf8_lossy(&stdin))?;
            hooks::pre_push::run(&h, remote, &refs, &mut report)?;
        }
        "post-checkout" => {
            let [old, new, flag] = &args.args[..] else {
                return Err(
                    Failure::usage("post-checkout takes three arguments: OLD NEW FLAG").into(),
                );
            };
            hooks::post_checkout::run(&h, old, new, flag, &mut report)?;
        }
        _ => unreachable!("hook names were checked above"),
    }
    report::print(&ctx.printer, &report)?;
    Ok(report.status)
}
