//! `verify`: re-reading the sources a snapshot recorded and comparing, rule by rule. By
//! default no count may decrease, no table or file may disappear and every recorded checksum
//! must be equal; `allow` entries permit named changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::{Context as _, Result};
use serde::Serialize;

use super::sources::{self, Phase, ResolvedSource};
use super::store::{Manifest, SnapshotStore};
use super::{ChecksumRequest, SourceKind, SourceRecord, TableChecksum, postgres};
use crate::config::data::{AllowRule, AllowedChange, DataConfig};
use crate::env::Environment;
use crate::exit::Failure;

/// How one finding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing the rules forbid.
    Ok,
    /// A change the rules forbid, permitted by an `allow` entry.
    Allowed,
    /// A change the rules forbid.
    Violation,
}

/// One row of the comparison table.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub source: String,
    /// The table, the file path, or `(files)` for a `files` source's file count.
    pub table: String,
    pub before: Option<u64>,
    pub after: Option<u64>,
    /// `unchanged`, `+N`, `-N`, `dropped`, `new`, `content changed`, `content changed (…)`.
    pub change: String,
    /// The rule broken or allowed (`no-decrease`, `no-drop`, `same-checksum`), or `-`.
    pub rule: String,
    pub verdict: Verdict,
}

/// The outcome of `verify`.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub snapshot: String,
    pub label: Option<String>,
    pub created: String,
    /// The snapshot's folder, where its backup is.
    pub dir: PathBuf,
    pub findings: Vec<Finding>,
    pub violations: usize,
    pub passed: bool,
}

/// What `verify` needs.
pub struct VerifyOptions<'a> {
    pub config: &'a DataConfig,
    pub repo_root: &'a Path,
    pub store: &'a SnapshotStore,
    pub env: &'a Environment,
    /// A snapshot id, or `latest`.
    pub id: &'a str,
    pub cancel: &'a AtomicBool,
}

/// Re-reads every source the snapshot recorded and compares. A source that cannot be read is
/// an error (exit 3), never a pass.
pub fn verify(opts: &VerifyOptions<'_>) -> Result<VerifyReport> {
    let manifest = opts.store.load(opts.id)?;
    if !manifest.usable {
        return Err(Failure::usage(format!(
            "snapshot `{}` is not usable: its backup failed or did not verify",
            manifest.id
        ))
        .with_hint("verify against an earlier snapshot, or take a new one")
        .into());
    }
    let mut resolved: Vec<ResolvedSource> = Vec::new();
    let mut requests: BTreeMap<String, ChecksumRequest> = BTreeMap::new();
    for (name, before) in &manifest.sources {
        let Some(cfg) = opts.config.sources.get(name) else {
            return Err(Failure::usage(format!(
                "snapshot `{}` recorded data source `{name}`, which is no longer configured",
                manifest.id
            ))
            .into());
        };
        let source = sources::resolve(name, cfg, opts.repo_root, opts.env)?;
        if source.spec.kind() != before.kind {
            return Err(Failure::usage(format!(
                "data source `{name}` is no longer of the kind the snapshot recorded"
            ))
            .into());
        }
        // Hash exactly the columns the snapshot hashed, whatever the config says now.
        let request: ChecksumRequest = before
            .items
            .iter()
            .filter(|_| before.kind != SourceKind::Files)
            .filter_map(|(t, i)| {
                i.checksum.as_ref().map(|c| {
                    (
                        t.clone(),
                        TableChecksum {
                            columns: Some(c.columns.clone()),
                            method: Some(c.method.clone()),
                        },
                    )
                })
            })
            .collect();
        requests.insert(name.clone(), request);
        resolved.push(source);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")?;
    let after = runtime.block_on(async {
        let collected =
            sources::collect(&resolved, Some(&requests), Phase::Verify, opts.cancel).await?;
        Ok::<_, anyhow::Error>(collected.close().await)
    })?;
    let findings = compare(&manifest, &after, &opts.config.allow);
    let violations = findings
        .iter()
        .filter(|f| f.verdict == Verdict::Violation)
        .count();
    Ok(VerifyReport {
        snapshot: manifest.id.clone(),
        label: manifest.label.clone(),
        created: manifest.created.clone(),
        dir: opts.store.folder(&manifest.id),
        findings,
        violations,
        passed: violations == 0,
    })
}

/// Compares what a snapshot recorded with what the sources hold now.
pub fn compare(
    manifest: &Manifest,
    after: &BTreeMap<String, SourceRecord>,
    allow: &[AllowRule],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let empty = BTreeMap::new();
    for (source, before) in &manifest.sources {
        let now = after.get(source).map_or(&empty, |r| &r.items);
        let is_files = before.kind == SourceKind::Files;
        let permits = |table: &str, change: AllowedChange| {
            allow.iter().any(|r| {
                r.source == *source
                    && (r.change == change || r.change == AllowedChange::Any)
                    && rule_covers(r, before.kind, table)
            })
        };
        let judge = |table: &str, change: AllowedChange| {
            if permits(table, change) {
                Verdict::Allowed
            } else {
                Verdict::Violation
            }
        };
        if is_files {
            let b = before.files.map_or(before.items.len() as u64, |f| f.files);
            let a = after
                .get(source)
                .and_then(|r| r.files)
                .map_or(now.len() as u64, |f| f.files);
            out.push(Finding {
                source: source.clone(),
                table: "(files)".into(),
                before: Some(b),
                after: Some(a),
                change: delta(b, a),
                rule: "-".into(),
                verdict: Verdict::Ok,
            });
        }
        for (table, b) in &before.items {
            let row = |after: Option<u64>, change: String, rule: &str, verdict| Finding {
                source: source.clone(),
                table: table.clone(),
                before: Some(b.count),
                after,
                change,
                rule: rule.into(),
                verdict,
            };
            let Some(a) = now.get(table) else {
                out.push(row(
                    None,
                    "dropped".into(),
                    "no-drop",
                    judge(table, AllowedChange::Drop),
                ));
                continue;
            };
            let mut reported = false;
            // A file's "count" is its size: its content is judged by its checksum alone.
            if !is_files && a.count < b.count {
                let v = judge(table, AllowedChange::Decrease);
                out.push(row(
                    Some(a.count),
                    delta(b.count, a.count),
                    "no-decrease",
                    v,
                ));
                reported = true;
            }
            if let Some(bc) = &b.checksum {
                let same = a.checksum.as_ref().is_some_and(|ac| ac.value == bc.value);
                if !same {
                    let why = a
                        .checksum
                        .as_ref()
                        .and_then(|ac| ac.value.strip_prefix("unavailable: "))
                        .map_or_else(
                            || "content changed".to_owned(),
                            |w| format!("content changed ({w})"),
                        );
                    out.push(row(
                        Some(a.count),
                        why,
                        "same-checksum",
                        judge(table, AllowedChange::Any),
                    ));
                    reported = true;
                }
            }
            if !reported && !is_files {
                out.push(row(
                    Some(a.count),
                    delta(b.count, a.count),
                    "-",
                    Verdict::Ok,
                ));
            }
        }
        for (table, a) in now {
            if !before.items.contains_key(table) {
                out.push(Finding {
                    source: source.clone(),
                    table: table.clone(),
                    before: None,
                    after: Some(a.count),
                    change: "new".into(),
                    rule: "-".into(),
                    verdict: Verdict::Ok,
                });
            }
        }
    }
    out
}

/// Whether an `allow` entry names this table (exactly, or by glob; for PostgreSQL
/// `public.x` and `x` are the same table).
fn rule_covers(rule: &AllowRule, kind: SourceKind, table: &str) -> bool {
    let Some(pattern) = &rule.table else {
        return true;
    };
    let pattern = if kind == SourceKind::Postgres {
        postgres::normalize_name(pattern)
    } else {
        pattern.clone()
    };
    pattern == table
        || globset::Glob::new(&pattern).is_ok_and(|g| g.compile_matcher().is_match(table))
}

fn delta(before: u64, after: u64) -> String {
    match after.cmp(&before) {
        std::cmp::Ordering::Equal => "unchanged".into(),
        std::cmp::Ordering::Greater => format!("+{}", after - before),
        std::cmp::Ordering::Less => format!("-{}", before - after),
    }
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::*;
    use crate::data::{Checksum, ItemRecord};

    fn record(items: &[(&str, u64, Option<&str>)]) -> SourceRecord {
        SourceRecord {
            kind: SourceKind::Sqlite,
            items: items
                .iter()
                .map(|(t, n, c)| {
                    let checksum = c.map(|v| Checksum {
                        method: "m".into(),
                        columns: vec![],
                        value: v.into(),
                    });
                    (
                        (*t).to_owned(),
                        ItemRecord {
                            count: *n,
                            checksum,
                        },
                    )
                })
                .collect(),
            files: None,
        }
    }

    fn manifest(src: SourceRecord) -> Manifest {
        let mut sources = IndexMap::new();
        sources.insert("db".to_owned(), src);
        Manifest {
            version: 1,
            id: "x".into(),
            label: None,
            created: String::new(),
            usable: true,
            sources,
            backup: None,
            postgres_snapshots: IndexMap::new(),
        }
    }

    fn violations(f: &[Finding]) -> Vec<(String, String)> {
        f.iter()
            .filter(|f| f.verdict == Verdict::Violation)
            .map(|f| (f.table.clone(), f.rule.clone()))
            .collect()
    }

    #[test]
    fn decrease_drop_and_checksum_change_are_violations() {
        let m = manifest(record(&[
            ("a", 3, None),
            ("b", 2, None),
            ("c", 1, Some("h1")),
        ]));
        let mut after = BTreeMap::new();
        after.insert(
            "db".to_owned(),
            record(&[("a", 2, None), ("c", 1, Some("h2")), ("d", 5, None)]),
        );
        let f = compare(&m, &after, &[]);
        assert_eq!(
            violations(&f),
            vec![
                ("a".into(), "no-decrease".into()),
                ("b".into(), "no-drop".into()),
                ("c".into(), "same-checksum".into())
            ]
        );
    }

    #[test]
    fn allow_rules_permit_only_what_they_name() {
        let m = manifest(record(&[("a", 3, None), ("b", 2, None)]));
        let mut after = BTreeMap::new();
        after.insert("db".to_owned(), record(&[("a", 2, None)]));
        let allow = vec![AllowRule {
            source: "db".into(),
            table: Some("a".into()),
            change: AllowedChange::Decrease,
        }];
        let f = compare(&m, &after, &allow);
        assert_eq!(violations(&f), vec![("b".into(), "no-drop".into())]);
        let allow = vec![AllowRule {
            source: "db".into(),
            table: None,
            change: AllowedChange::Any,
        }];
        assert!(violations(&compare(&m, &after, &allow)).is_empty());
    }
}
