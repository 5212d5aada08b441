//! `gatekeeper snapshot`: record every data source and take the backup.

use anyhow::Result;

use super::Context;
use crate::data::{self, SnapshotOptions, SnapshotStore};
use crate::exit::ExitStatus;
use crate::output::Style;

/// Record exact row counts, content checksums and file manifests for every source in
/// `data.sources`, then run `data.backup.run` and `data.backup.verify`.
///
/// Prints the snapshot's id and folder. A source that cannot be read exits 3 and leaves no
/// snapshot; a backup that fails or does not verify exits 1 and the snapshot is not usable.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A label stored with the snapshot and added to its id.
    #[arg(long, value_name = "L")]
    pub label: Option<String>,
    /// Afterwards keep only the N newest snapshots (the newest usable one is always kept).
    #[arg(long, value_name = "N")]
    pub keep: Option<usize>,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let store = SnapshotStore::for_repo(&config.data, repo.root(), &repo.state_dir());
    let cancel = crate::signals::interrupt_flag();
    let report = data::take_snapshot(&SnapshotOptions {
        config: &config.data,
        repo_root: repo.root(),
        store: &store,
        env: &ctx.env,
        label: args.label.clone(),
        keep: args.keep,
        cancel,
    })?;
    render(ctx, &report)
}

/// Prints a snapshot report and returns its exit status (shared with `migrate`).
pub(crate) fn render(ctx: &Context, report: &data::SnapshotReport) -> Result<ExitStatus> {
    if ctx.printer.is_json() {
        ctx.printer.json(report)?;
    } else {
        ctx.printer.out(&data::render::snapshot(report));
    }
    Ok(status(ctx, report))
}

/// The exit status of a snapshot, with the diagnostics explaining a refusal on stderr.
pub(crate) fn status(ctx: &Context, report: &data::SnapshotReport) -> ExitStatus {
    if report.manifest.usable {
        return ExitStatus::Success;
    }
    if let Some(out) = data::render::failed_backup_output(report) {
        ctx.printer.note(&out);
    }
    ctx.printer.warn(&format!(
        "snapshot {} is {}: its backup failed or did not verify",
        report.manifest.id,
        ctx.printer.paint_err(Style::Red, "not usable")
    ));
    if report.interrupted {
        ExitStatus::Interrupted
    } else {
        ExitStatus::Refused
    }
}
