//! Turning the `data.sources` config into sources that can be read, and reading them all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;

use super::{ChecksumRequest, SourceKind, SourceRecord, command, files, postgres, sqlite};
use crate::config::data::{DataConfig, DataSource};
use crate::env::Environment;
use crate::exit::Failure;

/// A configured source, ready to be read.
#[derive(Debug, Clone)]
pub struct ResolvedSource {
    pub name: String,
    pub spec: SourceSpec,
    /// Tables to checksum at snapshot time, by recorded name, with their configured columns.
    pub checksums: ChecksumRequest,
}

#[derive(Debug, Clone)]
pub enum SourceSpec {
    Postgres {
        target: Box<postgres::Target>,
        schemas: Vec<String>,
        tables: Vec<String>,
    },
    Sqlite {
        path: PathBuf,
    },
    Files {
        dir: PathBuf,
        globs: Vec<String>,
    },
    Command {
        script: String,
        dir: PathBuf,
        timeout: Duration,
    },
}

impl SourceSpec {
    pub fn kind(&self) -> SourceKind {
        match self {
            SourceSpec::Postgres { .. } => SourceKind::Postgres,
            SourceSpec::Sqlite { .. } => SourceKind::Sqlite,
            SourceSpec::Files { .. } => SourceKind::Files,
            SourceSpec::Command { .. } => SourceKind::Command,
        }
    }
}

/// Resolves one configured source. A malformed source is a usage error (exit 2); a URL
/// variable that is not set means the source cannot be reached (exit 3).
pub fn resolve(
    name: &str,
    source: &DataSource,
    root: &Path,
    env: &Environment,
) -> Result<ResolvedSource> {
    let kinds = [
        source.postgres.is_some(),
        source.sqlite.is_some(),
        source.files.is_some(),
        source.command.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err(Failure::usage(format!(
            "data.sources.{name}: give exactly one of `postgres`, `sqlite`, `files`, `command`"
        ))
        .into());
    }
    let spec = if let Some(pg) = &source.postgres {
        let url = match (&pg.url, &pg.url_env) {
            (Some(_), Some(_)) => {
                return Err(Failure::usage(format!(
                    "data.sources.{name}.postgres: give `url` or `url_env`, not both"
                ))
                .into());
            }
            (Some(u), None) => Some(u.clone()),
            (None, Some(var)) => match env.non_empty(var) {
                Some(u) => Some(u.to_owned()),
                None => {
                    return Err(Failure::undecided(format!(
                        "data source `{name}`: the environment variable `{var}` is not set"
                    ))
                    .with_hint(format!(
                        "export {var}=postgresql://… before running gatekeeper"
                    ))
                    .into());
                }
            },
            (None, None) => None,
        };
        let target = postgres::target(url.as_deref(), env)
            .map_err(|e| Failure::usage(format!("data.sources.{name}.postgres: {e:#}")))?;
        SourceSpec::Postgres {
            target: Box::new(target),
            schemas: pg.schemas.iter().cloned().collect(),
            tables: pg.tables.iter().cloned().collect(),
        }
    } else if let Some(s) = &source.sqlite {
        SourceSpec::Sqlite {
            path: root.join(&s.path),
        }
    } else if let Some(f) = &source.files {
        SourceSpec::Files {
            dir: root.join(&f.path),
            globs: f.glob.iter().cloned().collect(),
        }
    } else {
        let script = source.command.clone().unwrap_or_default();
        if script.trim().is_empty() {
            return Err(Failure::usage(format!(
                "data.sources.{name}.command: the command is empty"
            ))
            .into());
        }
        let timeout = source.timeout.map_or(Duration::from_secs(600), |d| d.0);
        SourceSpec::Command {
            script,
            dir: root.to_owned(),
            timeout,
        }
    };
    let is_pg = matches!(spec, SourceSpec::Postgres { .. });
    let normalize = |t: &str| {
        if is_pg {
            postgres::normalize_name(t)
        } else {
            t.to_owned()
        }
    };
    if !source.checksum.is_empty()
        && matches!(spec, SourceSpec::Files { .. } | SourceSpec::Command { .. })
    {
        return Err(Failure::usage(format!(
            "data.sources.{name}.checksum: only `postgres` and `sqlite` sources have tables to checksum"
        ))
        .into());
    }
    let columns: BTreeMap<String, Vec<String>> = source
        .columns
        .iter()
        .map(|(t, c)| (normalize(t), c.clone()))
        .collect();
    let mut checksums = ChecksumRequest::new();
    for t in &source.checksum.0 {
        let t = normalize(t);
        let cols = columns.get(&t).cloned();
        checksums.insert(
            t,
            super::TableChecksum {
                columns: cols,
                method: None,
            },
        );
    }
    if let Some(t) = columns.keys().find(|t| !checksums.contains_key(*t)) {
        return Err(Failure::usage(format!(
            "data.sources.{name}.columns.{t}: the table is not listed in `checksum`"
        ))
        .into());
    }
    Ok(ResolvedSource {
        name: name.to_owned(),
        spec,
        checksums,
    })
}

/// Resolves every configured source, in config order.
pub fn resolve_all(
    config: &DataConfig,
    root: &Path,
    env: &Environment,
) -> Result<Vec<ResolvedSource>> {
    config
        .sources
        .iter()
        .map(|(name, s)| resolve(name, s, root, env))
        .collect()
}

/// Whether this read is the snapshot (strict) or the re-count after a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Configured tables must exist; PostgreSQL snapshots are exported for the backup.
    Snapshot { export: bool },
    /// A missing `files` directory holds no files (so each of its files shows as gone).
    Verify,
}

/// Everything read, with PostgreSQL transactions still open (close them after the backup).
pub struct Collected {
    pub records: BTreeMap<String, SourceRecord>,
    pub open: Vec<(String, postgres::OpenTransaction)>,
}

impl Collected {
    /// Ends every open PostgreSQL transaction.
    pub async fn close(self) -> BTreeMap<String, SourceRecord> {
        for (_, tx) in self.open {
            tx.close().await;
        }
        self.records
    }
}

/// Reads each source in turn. `checksums` overrides a source's own request (used by
/// `verify`, which hashes exactly the columns the snapshot recorded). Any failure is exit 3
/// naming the source.
pub async fn collect(
    sources: &[ResolvedSource],
    checksums: Option<&BTreeMap<String, ChecksumRequest>>,
    phase: Phase,
    cancel: &AtomicBool,
) -> Result<Collected> {
    let mut collected = Collected {
        records: BTreeMap::new(),
        open: Vec::new(),
    };
    for source in sources {
        let request = match checksums {
            Some(all) => all.get(&source.name).cloned().unwrap_or_default(),
            None => source.checksums.clone(),
        };
        let result = read_one(source, &request, phase, cancel).await;
        match result {
            Ok((record, open)) => {
                if let Phase::Snapshot { .. } = phase {
                    check_configured_tables_exist(source, &record)?;
                }
                collected.records.insert(source.name.clone(), record);
                if let Some(tx) = open {
                    collected.open.push((source.name.clone(), tx));
                }
            }
            Err(e) => {
                for (_, tx) in collected.open {
                    tx.close().await;
                }
                if cancel.load(Ordering::SeqCst) {
                    return Err(Failure::interrupted().into());
                }
                return Err(Failure::undecided(format!(
                    "data source `{}` could not be read: {e:#}",
                    source.name
                ))
                .into());
            }
        }
    }
    Ok(collected)
}

async fn read_one(
    source: &ResolvedSource,
    request: &ChecksumRequest,
    phase: Phase,
    cancel: &AtomicBool,
) -> Result<(SourceRecord, Option<postgres::OpenTransaction>)> {
    match &source.spec {
        SourceSpec::Postgres {
            target,
            schemas,
            tables,
        } => {
            let req = postgres::Request {
                schemas: schemas.clone(),
                tables: tables.clone(),
                checksums: request.clone(),
                export_snapshot: matches!(phase, Phase::Snapshot { export: true }),
            };
            let (record, tx) = postgres::collect(target, &req, cancel).await?;
            Ok((record, Some(tx)))
        }
        SourceSpec::Sqlite { path } => Ok((sqlite::collect(path, request, cancel)?, None)),
        SourceSpec::Files { dir, globs } => Ok((
            files::collect(dir, globs, phase == Phase::Verify, cancel)?,
            None,
        )),
        SourceSpec::Command {
            script,
            dir,
            timeout,
        } => Ok((command::collect(script, dir, *timeout, cancel)?, None)),
    }
}

/// At snapshot time a table named in `tables` or `checksum` that does not exist is a
/// configuration mistake, not an empty table.
fn check_configured_tables_exist(source: &ResolvedSource, record: &SourceRecord) -> Result<()> {
    let mut named: Vec<String> = source.checksums.keys().cloned().collect();
    if let SourceSpec::Postgres { tables, .. } = &source.spec {
        named.extend(tables.iter().map(|t| postgres::normalize_name(t)));
    }
    if let Some(missing) = named.iter().find(|t| !record.items.contains_key(*t)) {
        return Err(Failure::usage(format!(
            "data source `{}`: table `{missing}` does not exist",
            source.name
        ))
        .into());
    }
    Ok(())
}
