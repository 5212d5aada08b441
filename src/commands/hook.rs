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
/// pre-commit runs the pre-commit gates on the staged content; commit-msg runs the commit-msg
/// gates on the message file; pre-push reads the pushed refs on stdin and runs the pre-push
/// gates on the pushed files; post-checkout, post-merge and post-rewrite run the `checkout:`
/// jobs whose files changed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The hook: pre-commit, commit-msg, pre-push, post-checkout, post-merge or post-rewrite.
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
    // The displaced hook gets the same standard input.
    if matches!(args.name.as_str(), "pre-push" | "post-rewrite") {
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
        "commit-msg" => {
            let Some(msg_file) = args.args.first() else {
                return Err(
                    Failure::usage("commit-msg takes one argument: the message file").into(),
                );
            };
            hooks::commit_msg::run(&h, msg_file, &mut report)?;
        }
        "post-merge" => {
            let squash = args.args.first().map_or("0", String::as_str);
            hooks::post_checkout::run_post_merge(&h, squash, &mut report)?;
        }
        "post-rewrite" => {
            let kind = args.args.first().map_or("", String::as_str);
            hooks::post_checkout::run_post_rewrite(&h, kind, &mut report)?;
        }
        _ => unreachable!("hook names were checked above"),
    }
    // A hook with nothing configured for it (no commit-msg gate, no checkout job; a file
    // checkout, an amend) prints nothing, unless JSON was asked for.
    let silent = matches!(
        args.name.as_str(),
        "commit-msg" | "post-checkout" | "post-merge" | "post-rewrite"
    ) && report.problems.is_empty()
        && report.gates.is_empty();
    if silent && !ctx.printer.is_json() {
        return Ok(report.status);
    }
    report::print(&ctx.printer, &report)?;
    Ok(report.status)
}
