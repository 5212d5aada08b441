//! `gatekeeper migrate`: snapshot, run the migration, verify, and say where the backup is.

use std::sync::atomic::AtomicBool;

use anyhow::Result;
use serde::Serialize;

use super::Context;
use crate::data::migrate::MigrationRun;
use crate::data::{
    self, SnapshotOptions, SnapshotReport, SnapshotStore, VerifyOptions, VerifyReport,
};
use crate::exit::{self, ExitStatus};

/// Take a snapshot, run CMD (its output streamed), then verify against that snapshot.
///
/// CMD runs only when the snapshot is usable. When CMD fails or is interrupted (Ctrl-C is
/// forwarded to it as SIGINT), the data is still verified and both outcomes are reported.
/// The snapshot's folder, which holds the backup, is always printed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A label stored with the snapshot.
    #[arg(long, value_name = "L")]
    pub label: Option<String>,
    /// Afterwards keep only the N newest snapshots (the newest usable one is always kept).
    #[arg(long, value_name = "N")]
    pub keep: Option<usize>,
    /// How long CMD gets to stop after a forwarded Ctrl-C before it is sent SIGTERM, and
    /// again before SIGKILL (time to roll back).
    #[arg(long, value_name = "DUR", value_parser = crate::config::parse_duration, default_value = "30s")]
    pub grace: std::time::Duration,
    /// The migration command and its arguments (after `--`).
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub command: Vec<String>,
}

/// The JSON document of `migrate --format json`.
#[derive(Serialize)]
struct MigrateReport<'a> {
    snapshot: &'a SnapshotReport,
    migration: Option<&'a MigrationRun>,
    verify: Option<&'a VerifyReport>,
    /// Why verification could not decide (exit 3), when it could not.
    verify_error: Option<String>,
    /// The snapshot's folder, which holds the backup (or a sentence saying none is configured).
    backup: String,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let store = SnapshotStore::for_repo(&config.data, repo.root(), &repo.state_dir());
    let interrupt = crate::signals::interrupt_flag();
    let json = ctx.printer.is_json();
    let snap = data::take_snapshot(&SnapshotOptions {
        config: &config.data,
        repo_root: repo.root(),
        store: &store,
        env: &ctx.env,
        label: args.label.clone(),
        keep: args.keep,
        cancel: interrupt.clone(),
    })?;
    let backup = if snap.manifest.backup.is_some() {
        snap.dir.display().to_string()
    } else {
        format!(
            "none configured (data.backup); snapshot in {}",
            snap.dir.display()
        )
    };
    if !json {
        ctx.printer.out(&data::render::snapshot(&snap));
    }
    if !snap.manifest.usable {
        let status = super::snapshot::status(ctx, &snap);
        ctx.printer.note("the migration was not run");
        if json {
            print_json(ctx, &snap, None, None, None, &backup)?;
        }
        return Ok(status);
    }
    let shown = shlex::try_join(args.command.iter().map(String::as_str))
        .unwrap_or_else(|_| args.command.join(" "));
    ctx.printer.note(&format!("running `{shown}`"));
    let env = vec![
        (
            "GATEKEEPER_SNAPSHOT_ID".to_owned(),
            snap.manifest.id.clone(),
        ),
        (
            "GATEKEEPER_SNAPSHOT_DIR".to_owned(),
            snap.dir.display().to_string(),
        ),
    ];
    let migration =
        data::migrate::run_migration(&args.command, &ctx.cwd, env, json, args.grace, &interrupt)?;
    let mut status = if migration.ok {
        ExitStatus::Success
    } else if migration.interrupted {
        ExitStatus::Interrupted
    } else {
        ExitStatus::Refused
    };
    ctx.printer
        .note(&format!("migration ended: {}; verifying", migration.ending));
    // Verification runs even after an interrupt: the flag stays set, so it gets its own.
    let no_cancel = AtomicBool::new(false);
    let verified = data::verify(&VerifyOptions {
        config: &config.data,
        repo_root: repo.root(),
        store: &store,
        env: &ctx.env,
        id: &snap.manifest.id,
        cancel: &no_cancel,
    });
    let (verify, verify_error) = match verified {
        Ok(r) => (Some(r), None),
        Err(e) => {
            status = status.worst(exit::status_of(&e));
            if !json {
                ctx.printer.error(&e, exit::hint_of(&e).as_deref());
            }
            (None, Some(format!("{e:#}")))
        }
    };
    if let Some(v) = &verify {
        if !v.passed {
            status = status.worst(ExitStatus::Refused);
        }
        if !json {
            ctx.printer.out(&data::render::verify(v));
        }
    }
    if json {
        print_json(
            ctx,
            &snap,
            Some(&migration),
            verify.as_ref(),
            verify_error,
            &backup,
        )?;
    } else {
        ctx.printer.out(&format!(
            "migration: {}\nbackup: {backup}\n",
            migration.ending
        ));
    }
    Ok(status)
}

fn print_json(
    ctx: &Context,
    snapshot: &SnapshotReport,
    migration: Option<&MigrationRun>,
    verify: Option<&VerifyReport>,
    verify_error: Option<String>,
    backup: &str,
) -> Result<()> {
    ctx.printer.json(&MigrateReport {
        snapshot,
        migration,
        verify,
        verify_error,
        backup: backup.to_owned(),
    })
}
