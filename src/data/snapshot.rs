//! Taking a snapshot: read every source, run the backup while the PostgreSQL transactions
//! that the counts came from are still open, then write the manifest and apply retention.
//!
//! **Invariant:** a snapshot is marked usable only when every source was read and the backup
//! (when configured) ran and verified.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, Result};
use indexmap::IndexMap;
use serde::Serialize;

use super::sources::{self, Phase, ResolvedSource};
use super::store::{BackupRecord, MANIFEST_VERSION, Manifest, SnapshotStore, StepRecord};
use super::{SourceKind, files};
use crate::config::data::{BackupConfig, DataConfig};
use crate::env::Environment;
use crate::exit::Failure;
use crate::process::{self, Ending, ShellCommand};

/// How much of a backup command's output is kept in the manifest.
const OUTPUT_TAIL: usize = 16 * 1024;
/// Default time limit for each backup command.
const BACKUP_TIMEOUT: Duration = Duration::from_secs(3600);

/// What `take_snapshot` needs.
pub struct SnapshotOptions<'a> {
    pub config: &'a DataConfig,
    pub repo_root: &'a Path,
    pub store: &'a SnapshotStore,
    pub env: &'a Environment,
    pub label: Option<String>,
    /// Retention: `--keep`, else `data.keep`.
    pub keep: Option<usize>,
    pub cancel: Arc<AtomicBool>,
}

/// The outcome of `snapshot`: the manifest written and where.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotReport {
    #[serde(flatten)]
    pub manifest: Manifest,
    /// The snapshot's folder (the backup is in it).
    pub dir: PathBuf,
    /// Snapshots deleted by retention.
    pub pruned: Vec<String>,
    /// Set when the backup was stopped by an interrupt.
    pub interrupted: bool,
}

/// Takes a snapshot. Sources that cannot be read are an error (exit 3) and leave no snapshot;
/// a backup that fails or does not verify leaves a manifest marked not usable.
pub fn take_snapshot(opts: &SnapshotOptions<'_>) -> Result<SnapshotReport> {
    if opts.config.sources.is_empty() {
        return Err(Failure::usage("no data sources are configured")
            .with_hint("add `data.sources` to gatekeeper.yml (see docs/data-safety.md)")
            .into());
    }
    let resolved = sources::resolve_all(opts.config, opts.repo_root, opts.env)?;
    let created_at = SystemTime::now();
    let (id, dir) = opts.store.create(opts.label.as_deref(), created_at)?;
    let outcome = collect_and_back_up(opts, &resolved, &id, &dir);
    let (records, pg_snapshots, backup) = match outcome {
        Ok(v) => v,
        Err(e) => {
            // Nothing usable was recorded: leave no half-made snapshot behind.
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    let interrupted = backup.as_ref().is_some_and(|b| {
        b.run.ending == Ending::Interrupted
            || b.verify
                .as_ref()
                .is_some_and(|v| v.ending == Ending::Interrupted)
    });
    for (name, record) in &records {
        if record.kind == SourceKind::Files {
            let path = dir.join(format!("{name}.sha256"));
            crate::fsutil::write_atomic(&path, files::sha256sum_text(record).as_bytes())?;
        }
    }
    let mut ordered = IndexMap::new();
    let mut records = records;
    for s in &resolved {
        if let Some(r) = records.remove(&s.name) {
            ordered.insert(s.name.clone(), r);
        }
    }
    let manifest = Manifest {
        version: MANIFEST_VERSION,
        id: id.clone(),
        label: opts.label.clone(),
        created: humantime::format_rfc3339_millis(created_at).to_string(),
        usable: backup.as_ref().is_none_or(|b| b.ok),
        sources: ordered,
        backup,
        postgres_snapshots: pg_snapshots,
    };
    opts.store.write(&manifest)?;
    let pruned = match opts.keep.or(opts.config.keep) {
        Some(n) => opts.store.prune(n)?,
        None => Vec::new(),
    };
    Ok(SnapshotReport {
        manifest,
        dir,
        pruned,
        interrupted,
    })
}

type Collected = (
    BTreeMap<String, super::SourceRecord>,
    IndexMap<String, String>,
    Option<BackupRecord>,
);

fn collect_and_back_up(
    opts: &SnapshotOptions<'_>,
    resolved: &[ResolvedSource],
    id: &str,
    dir: &Path,
) -> Result<Collected> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")?;
    runtime.block_on(async {
        let export = opts.config.backup.is_some();
        let collected =
            sources::collect(resolved, None, Phase::Snapshot { export }, &opts.cancel).await?;
        let pg_snapshots: IndexMap<String, String> = collected
            .open
            .iter()
            .filter_map(|(name, tx)| tx.snapshot_id.clone().map(|s| (name.clone(), s)))
            .collect();
        let backup = match &opts.config.backup {
            Some(cfg) => {
                let env = backup_env(id, dir, &pg_snapshots);
                let cfg = cfg.clone();
                let root = opts.repo_root.to_owned();
                let dir = dir.to_owned();
                let cancel = Arc::clone(&opts.cancel);
                // Blocking work off the runtime's thread, so the connections whose snapshots
                // the backup imports keep being served.
                let done = tokio::task::spawn_blocking(move || {
                    run_backup(&cfg, &root, &dir, &env, &cancel)
                })
                .await
                .context("the backup thread failed")?;
                Some(done?)
            }
            None => None,
        };
        let records = collected.close().await;
        Ok((records, pg_snapshots, backup))
    })
}

/// Variables handed to the backup commands.
fn backup_env(id: &str, dir: &Path, pg: &IndexMap<String, String>) -> Vec<(String, String)> {
    let mut env = vec![
        ("GATEKEEPER_SNAPSHOT_ID".to_owned(), id.to_owned()),
        (
            "GATEKEEPER_SNAPSHOT_DIR".to_owned(),
            dir.display().to_string(),
        ),
    ];
    for (i, (name, snap)) in pg.iter().enumerate() {
        if i == 0 {
            env.push(("GATEKEEPER_PG_SNAPSHOT".to_owned(), snap.clone()));
        }
        let var: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        env.push((format!("GATEKEEPER_PG_SNAPSHOT_{var}"), snap.clone()));
    }
    env
}

/// Runs `backup.run`, then `backup.verify` when the first succeeded.
fn run_backup(
    cfg: &BackupConfig,
    root: &Path,
    dir: &Path,
    env: &[(String, String)],
    cancel: &AtomicBool,
) -> Result<BackupRecord> {
    let timeout = cfg.timeout.map_or(BACKUP_TIMEOUT, |d| d.0);
    let run = run_step(&cfg.run, root, dir, env, timeout, cancel)?;
    let verify = match (&cfg.verify, run.ok) {
        (Some(v), true) => Some(run_step(v, root, dir, env, timeout, cancel)?),
        _ => None,
    };
    let ok = run.ok && verify.as_ref().is_none_or(|v| v.ok);
    Ok(BackupRecord { run, verify, ok })
}

fn run_step(
    template: &str,
    root: &Path,
    dir: &Path,
    env: &[(String, String)],
    timeout: Duration,
    cancel: &AtomicBool,
) -> Result<StepRecord> {
    let command = template.replace("{dir}", &dir.display().to_string());
    let cmd = ShellCommand {
        script: command.clone().into(),
        dir: root.to_owned(),
        env: env.to_vec(),
        timeout,
        stdin: None,
        capture: true,
    };
    let done = process::run_shell(&cmd, cancel)?;
    let text = String::from_utf8_lossy(&done.output);
    let start = text.len().saturating_sub(OUTPUT_TAIL);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    Ok(StepRecord {
        command,
        ending: done.ending,
        ok: done.ending.success(),
        output: text[start..].to_owned(),
    })
}
