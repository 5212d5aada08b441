//! `gatekeeper run`: run gates by hand.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;

use super::Context;
use crate::config::{LoadedConfig, Stage};
use crate::exit::{ExitStatus, Failure};
use crate::gates::{self, FileScope, RunRequest};
use crate::git::{ChangeKind, Repo};
use crate::hooks::HookContext;
use crate::report::{self, OrderedPrinter, RunReport};

/// Run gates by hand, in the work tree as it is.
///
/// Without GATE names, runs every gate of --stage (default pre-commit). Files default to the
/// staged ones; --all-files gives every tracked file, --from/--to the files changed between
/// two revisions.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Gates to run (default: every gate of the stage).
    pub gates: Vec<String>,
    /// The stage whose gates run.
    #[arg(long, default_value = "pre-commit")]
    pub stage: Stage,
    /// Hand the gates every tracked file instead of the changed ones.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub all_files: bool,
    /// Files changed since this revision…
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// …up to this revision.
    #[arg(long, requires = "from")]
    pub to: Option<String>,
    /// Run every gate even when a pass for the same inputs is cached.
    #[arg(long)]
    pub no_cache: bool,
    /// Do not run this gate (repeatable, or comma-separated); required gates still run.
    #[arg(long, value_name = "GATE", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Start no further gate once one did not pass (those not started are skipped).
    #[arg(long)]
    pub fail_fast: bool,
}

impl clap::ValueEnum for Stage {
    fn value_variants<'a>() -> &'a [Self] {
        &Stage::ALL
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let scope = if args.all_files {
        FileScope::All(repo.tracked_files()?)
    } else if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let from = repo.resolve_commit(from)?;
        let to = repo.resolve_commit(to)?;
        FileScope::Changed(existing(&repo, repo.changes_between(Some(from), to)?))
    } else {
        FileScope::Changed(existing(&repo, repo.staged_changes()?))
    };
    let report = run_stage_with(
        ctx,
        &repo,
        &config,
        args.stage,
        &args.gates,
        scope,
        &StageOptions {
            no_cache: args.no_cache,
            skip: &args.skip,
            fail_fast: args.fail_fast,
        },
    )?;
    report::print(&ctx.printer, &report)?;
    Ok(report.status)
}

/// Files of `changes` that still exist.
pub(crate) fn existing(repo: &Repo, changes: Vec<crate::git::Change>) -> Vec<PathBuf> {
    changes
        .into_iter()
        .filter(|c| c.kind != ChangeKind::Deleted)
        .map(|c| c.path)
        .filter(|p| repo.root().join(p).exists())
        .collect()
}

/// Plans and runs the gates of `stage` (or the named ones) on `scope`, printing each gate as
/// it finishes.
pub(crate) fn run_stage(
    ctx: &Context,
    repo: &Repo,
    config: &LoadedConfig,
    stage: Stage,
    names: &[String],
    scope: FileScope,
    no_cache: bool,
) -> Result<RunReport> {
    let opts = StageOptions {
        no_cache,
        ..StageOptions::default()
    };
    run_stage_with(ctx, repo, config, stage, names, scope, &opts)
}

/// How `run` was asked to run the gates.
#[derive(Debug, Default)]
pub(crate) struct StageOptions<'a> {
    pub no_cache: bool,
    /// `--skip`.
    pub skip: &'a [String],
    /// `--fail-fast`.
    pub fail_fast: bool,
}

/// [`run_stage`] with every option of `run`.
pub(crate) fn run_stage_with(
    ctx: &Context,
    repo: &Repo,
    config: &LoadedConfig,
    stage: Stage,
    names: &[String],
    scope: FileScope,
    opts: &StageOptions<'_>,
) -> Result<RunReport> {
    let cancel = crate::signals::interrupt_flag();
    let started = std::time::Instant::now();
    let skip = ctx.env.skip_list();
    let sink = OrderedPrinter::new(&ctx.printer, config.gates.len());
    let never = AtomicBool::new(false);
    let h = HookContext {
        repo,
        config,
        env: &ctx.env,
        cancel: &never,
        sink: &sink,
    };
    let req = RunRequest {
        config,
        root: repo.root(),
        stage,
        names,
        files: scope,
        skip: &skip,
        skip_flag: opts.skip,
        env: h.gate_env(stage.as_str()),
        env_bytes: h.env_bytes(),
    };
    let mut planned = gates::plan(&req)?;
    if planned.is_empty() && !names.is_empty() {
        return Err(Failure::usage("no gate to run").into());
    }
    if let Some(p) = planned
        .iter()
        .find(|p| p.skip.is_none() && p.gate.run.contains(crate::config::MSG_FILE_PLACEHOLDER))
    {
        return Err(Failure::usage(format!(
            "gate `{}` reads the commit message ({}), which only the commit-msg hook has",
            p.name,
            crate::config::MSG_FILE_PLACEHOLDER
        ))
        .with_hint("try it with `gatekeeper hook commit-msg FILE`, FILE holding a message")
        .into());
    }
    let store = gates::cache::ResultCache::for_repo(repo);
    let no_cache = opts.no_cache || ctx.env.flag("GATEKEEPER_NO_CACHE");
    let mut extras = gates::prepare_worktree_run(repo, &mut planned, no_cache, &store)?;
    extras.fail_fast = opts.fail_fast;
    let mut report = RunReport::new(stage.as_str());
    report.notes.extend(gates::skip_notes(&req, &planned));
    report.gates = gates::execute(&planned, &req.env, &extras, &cancel, &sink);
    gates::remember(&planned, &report.gates, &store);
    report.finish(started, cancel.load(Ordering::SeqCst));
    Ok(report)
}
