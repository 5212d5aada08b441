//! SQLite sources: exact row counts and order-independent content checksums, read from a
//! database opened read-only, inside one read transaction.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context as _, Result};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest as _, Sha256};

use super::{Checksum, ChecksumRequest, ItemRecord, SourceKind, SourceRecord, quote_ident};

/// The name recorded for this checksum design.
pub const CHECKSUM_METHOD: &str = "sqlite-row-sha256-sum128";

/// Counts every table of the database at `path` and checksums the requested ones.
pub fn collect(
    path: &Path,
    checksums: &ChecksumRequest,
    cancel: &AtomicBool,
) -> Result<SourceRecord> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("failed to open `{}` read-only", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    // One read transaction: every count and checksum describes the same instant.
    conn.execute_batch("BEGIN")
        .context("failed to start a read transaction")?;
    let tables: Vec<String> = {
        let mut stmt = conn.prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )?;
        stmt.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()
            .with_context(|| format!("failed to list the tables of `{}`", path.display()))?
    };
    let mut items = BTreeMap::new();
    for table in &tables {
        if cancel.load(Ordering::SeqCst) {
            anyhow::bail!("interrupted");
        }
        let count: i64 = conn
            .query_row(
                &format!("SELECT count(*) FROM {}", quote_ident(table)),
                [],
                |r| r.get(0),
            )
            .with_context(|| format!("failed to count table `{table}`"))?;
        let checksum = match checksums.get(table) {
            Some(spec) => Some(
                checksum(&conn, table, spec.columns.as_deref())
                    .with_context(|| format!("failed to checksum table `{table}`"))?,
            ),
            None => None,
        };
        items.insert(
            table.clone(),
            ItemRecord {
                count: count.max(0) as u64,
                checksum,
            },
        );
    }
    conn.execute_batch("COMMIT")
        .context("failed to end the read transaction")?;
    Ok(SourceRecord {
        kind: SourceKind::Sqlite,
        items,
        files: None,
    })
}

fn table_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let cols = stmt
        .query_map([table], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols)
}

/// Hashes every row (its values in column order, each with a type tag) with SHA-256 and adds
/// the first 128 bits of the row hashes modulo 2^128. The sum does not depend on the order
/// rows are stored or returned in (VACUUM may renumber rowids), streams row by row, and a
/// duplicated row changes it (unlike XOR).
fn checksum(conn: &Connection, table: &str, wanted: Option<&[String]>) -> Result<Checksum> {
    let present = table_columns(conn, table)?;
    let columns: Vec<String> = match wanted {
        Some(w) => w.to_vec(),
        None => present.clone(),
    };
    if let Some(gone) = columns.iter().find(|c| !present.contains(c)).cloned() {
        return Ok(Checksum {
            method: CHECKSUM_METHOD.into(),
            columns,
            value: format!("unavailable: column `{gone}` is gone"),
        });
    }
    let select = if columns.is_empty() {
        "NULL".to_owned()
    } else {
        columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut stmt = conn.prepare(&format!("SELECT {select} FROM {}", quote_ident(table)))?;
    let width = columns.len();
    let mut rows = stmt.query([])?;
    let mut sum: u128 = 0;
    let mut count: u64 = 0;
    while let Some(row) = rows.next()? {
        let mut h = Sha256::new();
        for i in 0..width {
            match row.get_ref(i)? {
                ValueRef::Null => h.update(b"n"),
                ValueRef::Integer(v) => {
                    h.update(b"i");
                    h.update(v.to_be_bytes());
                }
                ValueRef::Real(v) => {
                    h.update(b"r");
                    h.update(v.to_bits().to_be_bytes());
                }
                ValueRef::Text(b) => {
                    h.update(b"t");
                    h.update((b.len() as u64).to_be_bytes());
                    h.update(b);
                }
                ValueRef::Blob(b) => {
                    h.update(b"b");
                    h.update((b.len() as u64).to_be_bytes());
                    h.update(b);
                }
            }
        }
        let digest = h.finalize();
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        sum = sum.wrapping_add(u128::from_be_bytes(first));
        count += 1;
    }
    Ok(Checksum {
        method: CHECKSUM_METHOD.into(),
        columns,
        value: format!("{count}:{sum:032x}"),
    })
}
