//! `gatekeeper verify`: re-count the data sources and compare with a snapshot.

use std::sync::atomic::AtomicBool;

use anyhow::Result;

use super::Context;
use crate::data::{self, SnapshotStore, VerifyOptions};
use crate::exit::ExitStatus;

/// Re-count every source a snapshot recorded and compare with it.
///
/// By default no count may decrease, no table or file may disappear, and every recorded
/// checksum must be equal; `data.allow` entries permit named changes. Prints a table of
/// (source, table, before, after, change, rule). Exit 1 on any violation; exit 3 when a
/// source cannot be read.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The snapshot to compare with: an id, or `latest` (the newest usable one).
    #[arg(default_value = "latest", value_name = "ID")]
    pub id: String,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let store = SnapshotStore::for_repo(&config.data, repo.root(), &repo.state_dir());
    let cancel = AtomicBool::new(false);
    let report = data::verify(&VerifyOptions {
        config: &config.data,
        repo_root: repo.root(),
        store: &store,
        env: &ctx.env,
        id: &args.id,
        cancel: &cancel,
    })?;
    render(ctx, &report)
}

/// Prints a verify report; returns 0 when all holds, 1 otherwise.
pub(crate) fn render(ctx: &Context, report: &data::VerifyReport) -> Result<ExitStatus> {
    if ctx.printer.is_json() {
        ctx.printer.json(report)?;
    } else {
        ctx.printer.out(&data::render::verify(report));
    }
    Ok(if report.passed {
        ExitStatus::Success
    } else {
        ExitStatus::Refused
    })
}
