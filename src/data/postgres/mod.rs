//! PostgreSQL sources: connection settings (URL plus the standard `PG*` variables), exact
//! `count(*)` per table and order-independent checksums, all inside one `REPEATABLE READ,
//! READ ONLY` transaction whose snapshot can be exported to `pg_dump --snapshot`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow};
use tokio::task::JoinHandle;
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::{Client, Config, NoTls};

mod tls;

use self::tls::RustlsConnect;
use super::{Checksum, ChecksumRequest, ItemRecord, SourceKind, SourceRecord, quote_ident};
use crate::env::Environment;

/// The name recorded for this checksum design: the rows as `COPY … TO STDOUT` writes them
/// (one line each), every line hashed with SHA-256 on the client, the first 128 bits of the
/// line hashes summed modulo 2^128.
pub const CHECKSUM_METHOD: &str = "pg-copy-sha256-sum128";
/// The design of earlier versions (md5 of each row value's text on the server, summed as
/// `numeric`): still computed when `verify` compares with a snapshot that recorded it.
pub const LEGACY_CHECKSUM_METHOD: &str = "pg-row-md5-sum128";

/// Where and how to connect.
#[derive(Clone)]
pub struct Target {
    pub config: Config,
    /// Whether the connection must be encrypted (and the server certificate verified).
    pub tls: bool,
    /// PEM file of the certificates to trust instead of the system's (`sslrootcert`).
    pub root_cert: Option<PathBuf>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the password.
        f.debug_struct("Target")
            .field("hosts", &self.config.get_hosts())
            .field("ports", &self.config.get_ports())
            .field("user", &self.config.get_user())
            .field("dbname", &self.config.get_dbname())
            .field("tls", &self.tls)
            .field("root_cert", &self.root_cert)
            .finish()
    }
}

/// Builds connection settings the way libpq would: the URL (or `key=value` string) first,
/// then `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`,
/// `PGCONNECT_TIMEOUT`, `PGAPPNAME` and `PGSSLROOTCERT` for what it leaves out.
///
/// tokio-postgres knows only `disable`, `prefer` and `require`; `verify-ca` and `verify-full`
/// are accepted here and, like `require`, mean TLS with the server certificate verified
/// against the system's roots. `prefer` (libpq's default) connects without TLS.
pub fn target(url: Option<&str>, env: &Environment) -> Result<Target> {
    let mut wants_tls = false;
    let mut root_cert = None;
    let mut config = match url {
        Some(u) => {
            // tokio-postgres rejects `sslrootcert`: take it out and handle it here.
            let (u, cert) = take_param(u, "sslrootcert");
            root_cert = cert.map(PathBuf::from);
            let (cleaned, verify) = strip_verify_modes(&u);
            wants_tls |= verify;
            Config::from_str(&cleaned).map_err(|e| anyhow!("invalid PostgreSQL URL: {e}"))?
        }
        None => Config::new(),
    };
    if config.get_hosts().is_empty() {
        match env.non_empty("PGHOST") {
            Some(hosts) => {
                for h in hosts.split(',') {
                    if h.starts_with('/') {
                        config.host_path(h);
                    } else {
                        config.host(h);
                    }
                }
            }
            None if Path::new("/var/run/postgresql").is_dir() => {
                config.host_path("/var/run/postgresql");
            }
            None => {
                config.host("localhost");
            }
        }
    }
    if config.get_ports().is_empty()
        && let Some(p) = env.non_empty("PGPORT")
    {
        config.port(
            p.parse()
                .map_err(|_| anyhow!("PGPORT `{p}` is not a port"))?,
        );
    }
    if config.get_user().is_none()
        && let Some(u) = env.non_empty("PGUSER").or_else(|| env.non_empty("USER"))
    {
        config.user(u);
    }
    if config.get_password().is_none()
        && let Some(p) = env.get("PGPASSWORD")
    {
        config.password(p);
    }
    if config.get_dbname().is_none()
        && let Some(d) = env.non_empty("PGDATABASE")
    {
        config.dbname(d);
    }
    if config.get_application_name().is_none() {
        config.application_name(env.non_empty("PGAPPNAME").unwrap_or("gatekeeper"));
    }
    if config.get_connect_timeout().is_none() {
        let secs = env
            .non_empty("PGCONNECT_TIMEOUT")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(10);
        config.connect_timeout(Duration::from_secs(secs.max(2)));
    }
    let url_has_sslmode = url.is_some_and(|u| u.contains("sslmode"));
    if !url_has_sslmode && let Some(mode) = env.non_empty("PGSSLMODE") {
        match mode {
            "disable" | "allow" | "prefer" => {}
            "require" | "verify-ca" | "verify-full" => wants_tls = true,
            other => return Err(anyhow!("PGSSLMODE `{other}` is not a libpq ssl mode")),
        }
    }
    if root_cert.is_none() {
        root_cert = env.non_empty("PGSSLROOTCERT").map(PathBuf::from);
    }
    if config.get_ssl_mode() == SslMode::Require {
        wants_tls = true;
    }
    if wants_tls {
        config.ssl_mode(SslMode::Require);
    } else {
        config.ssl_mode(SslMode::Disable);
    }
    Ok(Target {
        config,
        tls: wants_tls,
        root_cert,
    })
}

/// Removes `key=value` from a URL's query string or a `key=value` connection string;
/// returns what is left and the value.
fn take_param(url: &str, key: &str) -> (String, Option<String>) {
    let needle = format!("{key}=");
    let Some(start) = url
        .find(&needle)
        .filter(|&i| i == 0 || matches!(url.as_bytes()[i - 1], b'?' | b'&' | b' '))
    else {
        return (url.to_owned(), None);
    };
    let value_start = start + needle.len();
    let value_end = url[value_start..]
        .find(['&', ' '])
        .map_or(url.len(), |n| value_start + n);
    let value = url[value_start..value_end]
        .replace("%2F", "/")
        .replace("%2f", "/");
    let before = &url[..start];
    let after = &url[value_end..];
    let rest = match (before.chars().last(), after.chars().next()) {
        // `?key=v&more` -> `?more`; `a&key=v&b` -> `a&b`; `key=v other=w` -> `other=w`.
        (Some('?' | '&' | ' '), Some('&' | ' ')) | (None, Some(' ')) => {
            format!("{before}{}", &after[1..])
        }
        // `...?key=v` or `...&key=v` at the end: drop the separator too.
        (Some('?' | '&'), None) => before[..before.len() - 1].to_owned(),
        _ => format!("{before}{after}"),
    };
    (rest, Some(value))
}

/// Rewrites `sslmode=verify-ca|verify-full` (which tokio-postgres rejects) to `require`.
fn strip_verify_modes(url: &str) -> (String, bool) {
    let mut verify = false;
    let mut out = url.to_owned();
    for mode in ["verify-full", "verify-ca"] {
        let needle = format!("sslmode={mode}");
        if out.contains(&needle) {
            verify = true;
            out = out.replace(&needle, "sslmode=require");
        }
    }
    (out, verify)
}

/// What to read from one PostgreSQL source.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Only these schemas (empty: every non-system schema).
    pub schemas: Vec<String>,
    /// Only these tables, by recorded name (empty: all).
    pub tables: Vec<String>,
    pub checksums: ChecksumRequest,
    /// Export the transaction's snapshot (for `pg_dump --snapshot`).
    pub export_snapshot: bool,
}

/// An open connection whose `REPEATABLE READ` transaction is still running: while it lives,
/// its exported snapshot can be imported by `pg_dump --snapshot`.
pub struct OpenTransaction {
    client: Client,
    connection: JoinHandle<()>,
    /// The exported snapshot's id, when one was asked for.
    pub snapshot_id: Option<String>,
}

impl OpenTransaction {
    /// Ends the read-only transaction and closes the connection.
    pub async fn close(self) {
        let _ = self.client.simple_query("COMMIT").await;
        drop(self.client);
        let _ = self.connection.await;
    }
}

/// The name a table is recorded under: `table` in `public`, `schema.table` elsewhere.
pub fn recorded_name(schema: &str, table: &str) -> String {
    if schema == "public" {
        table.to_owned()
    } else {
        format!("{schema}.{table}")
    }
}

/// The recorded name for a table as written in the config (`public.x` and `x` are the same).
pub fn normalize_name(name: &str) -> String {
    name.strip_prefix("public.").unwrap_or(name).to_owned()
}

/// Connects, opens one `REPEATABLE READ, READ ONLY` transaction, counts every selected table
/// and checksums the requested ones. The transaction is returned still open.
pub async fn collect(
    target: &Target,
    req: &Request,
    cancel: &AtomicBool,
) -> Result<(SourceRecord, OpenTransaction)> {
    let (client, connection) = connect(target).await?;
    let mut open = OpenTransaction {
        client,
        connection,
        snapshot_id: None,
    };
    // Settings that change the text form of values are pinned, so that checksums compare
    // equal across sessions; counting must not be cut short by a timeout, nor wait forever
    // behind an ACCESS EXCLUSIVE lock.
    open.client
        .batch_execute(
            "SET extra_float_digits = 3; SET datestyle = 'ISO, YMD'; SET timezone = 'UTC'; \
             SET intervalstyle = 'postgres'; SET bytea_output = 'hex'; SET lc_monetary = 'C'; \
             SET statement_timeout = 0; SET lock_timeout = '60s'; \
             SET idle_in_transaction_session_timeout = 0; \
             BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        )
        .await
        .context("failed to start a repeatable-read transaction")?;
    if req.export_snapshot {
        let row = open
            .client
            .query_one("SELECT pg_export_snapshot()", &[])
            .await
            .context("failed to export the transaction's snapshot")?;
        open.snapshot_id = Some(row.get(0));
    }
    let rows = open
        .client
        .query(
            "SELECT n.nspname::text, c.relname::text FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition \
             AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
             AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' \
             ORDER BY 1, 2",
            &[],
        )
        .await
        .context("failed to list tables")?;
    let wanted_tables: Vec<String> = req.tables.iter().map(|t| normalize_name(t)).collect();
    let mut items = BTreeMap::new();
    for row in rows {
        if cancel.load(Ordering::SeqCst) {
            anyhow::bail!("interrupted");
        }
        let schema: String = row.get(0);
        let table: String = row.get(1);
        let name = recorded_name(&schema, &table);
        if !req.schemas.is_empty() && !req.schemas.contains(&schema) {
            continue;
        }
        if !wanted_tables.is_empty() && !wanted_tables.contains(&name) {
            continue;
        }
        let qualified = format!("{}.{}", quote_ident(&schema), quote_ident(&table));
        let checksum = match req.checksums.get(&name) {
            Some(spec) => Some(
                checksum(
                    &open.client,
                    &qualified,
                    spec.columns.as_deref(),
                    spec.method.as_deref(),
                )
                .await
                .with_context(|| format!("failed to checksum `{name}`"))?,
            ),
            None => None,
        };
        // A checksum value starts with the number of rows it hashed, read in this same
        // transaction: the table need not be scanned a second time to count it.
        let hashed_rows = checksum
            .as_ref()
            .and_then(|c| c.value.split_once(':'))
            .and_then(|(n, _)| n.parse::<i64>().ok());
        let count: i64 = match hashed_rows {
            Some(n) => n,
            None => open
                .client
                .query_one(&format!("SELECT count(*) FROM {qualified}"), &[])
                .await
                .with_context(|| format!("failed to count `{name}`"))?
                .get(0),
        };
        items.insert(
            name,
            ItemRecord {
                count: count.max(0) as u64,
                checksum,
            },
        );
    }
    Ok((
        SourceRecord {
            kind: SourceKind::Postgres,
            items,
            files: None,
        },
        open,
    ))
}

/// An order-independent checksum over an explicit column list, by `method` (the current one
/// unless a snapshot recorded another).
async fn checksum(
    client: &Client,
    qualified: &str,
    wanted: Option<&[String]>,
    method: Option<&str>,
) -> Result<Checksum> {
    let present: Vec<String> = client
        .query(
            "SELECT attname::text FROM pg_catalog.pg_attribute \
             WHERE attrelid = $1::text::regclass AND attnum > 0 AND NOT attisdropped \
             ORDER BY attnum",
            &[&qualified],
        )
        .await
        .context("failed to list columns")?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let columns: Vec<String> = wanted.map_or_else(|| present.clone(), <[String]>::to_vec);
    let method = method.unwrap_or(CHECKSUM_METHOD);
    if let Some(gone) = columns.iter().find(|c| !present.contains(c)).cloned() {
        return Ok(Checksum {
            method: method.into(),
            columns,
            value: format!("unavailable: column `{gone}` is gone"),
        });
    }
    let value = match method {
        CHECKSUM_METHOD => copy_checksum(client, qualified, &columns).await?,
        LEGACY_CHECKSUM_METHOD => md5_sum_checksum(client, qualified, &columns).await?,
        other => format!(
            "unavailable: the snapshot used checksum method `{other}`, which this version does not know"
        ),
    };
    Ok(Checksum {
        method: method.into(),
        columns,
        value,
    })
}

/// Streams the table's rows with `COPY (SELECT columns …) TO STDOUT` — text format, one line
/// per row, exactly the bytes `pg_dump` would write for them — and hashes the lines on a
/// second thread while the next chunks arrive, so that the checksum runs at dump speed. The
/// sum of the line hashes does not depend on row order and needs no sort on the server.
async fn copy_checksum(client: &Client, qualified: &str, columns: &[String]) -> Result<String> {
    use futures_util::StreamExt as _;
    let select = columns
        .iter()
        .map(|c| format!("t.{}", quote_ident(c)))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("COPY (SELECT {select} FROM {qualified} AS t) TO STDOUT");
    let stream = client.copy_out(&sql).await?;
    futures_util::pin_mut!(stream);
    let (send, receive) = std::sync::mpsc::sync_channel::<bytes::Bytes>(64);
    let hasher = std::thread::spawn(move || {
        let mut lines = LineSum::default();
        for chunk in receive {
            lines.feed(&chunk);
        }
        lines
    });
    let mut failed = None;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => {
                if send.send(bytes).is_err() {
                    break;
                }
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    drop(send);
    let lines = hasher
        .join()
        .map_err(|_| anyhow!("the checksum thread panicked"))?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    lines.finish()
}

/// The running state of [`copy_checksum`]: a partial line carried across chunk boundaries,
/// the row count and the sum.
#[derive(Default)]
struct LineSum {
    partial: Vec<u8>,
    count: u64,
    sum: u128,
}

impl LineSum {
    fn feed(&mut self, mut chunk: &[u8]) {
        while let Some(end) = chunk.iter().position(|b| *b == b'\n') {
            if self.partial.is_empty() {
                self.add(&chunk[..end]);
            } else {
                self.partial.extend_from_slice(&chunk[..end]);
                let line = std::mem::take(&mut self.partial);
                self.add(&line);
            }
            chunk = &chunk[end + 1..];
        }
        self.partial.extend_from_slice(chunk);
    }

    fn add(&mut self, line: &[u8]) {
        use sha2::{Digest as _, Sha256};
        let digest = Sha256::digest(line);
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        self.sum = self.sum.wrapping_add(u128::from_be_bytes(first));
        self.count += 1;
    }

    fn finish(self) -> Result<String> {
        if !self.partial.is_empty() {
            return Err(anyhow!("COPY ended in the middle of a row"));
        }
        Ok(format!("{}:{:032x}", self.count, self.sum))
    }
}

/// The earlier design: each row's columns form a row value whose text is hashed with md5 on
/// the server; the two 64-bit halves of every hash are summed as `numeric`.
async fn md5_sum_checksum(client: &Client, qualified: &str, columns: &[String]) -> Result<String> {
    let row_value = format!(
        "ROW({})::text",
        columns
            .iter()
            .map(|c| format!("t.{}", quote_ident(c)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let sql = format!(
        "SELECT count(*)::int8, \
         coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::int8::numeric), 0)::text, \
         coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::int8::numeric), 0)::text \
         FROM (SELECT md5({row_value}) AS h FROM {qualified} AS t) AS hashed"
    );
    let row = client.query_one(&sql, &[]).await?;
    let count: i64 = row.get(0);
    let high: String = row.get(1);
    let low: String = row.get(2);
    Ok(format!("{count}:{high}:{low}"))
}

#[cfg(test)]
mod line_sum_tests {
    use super::LineSum;

    fn sum_of(chunks: &[&[u8]]) -> String {
        let mut s = LineSum::default();
        for c in chunks {
            s.feed(c);
        }
        s.finish().unwrap()
    }

    #[test]
    fn chunk_boundaries_and_row_order_do_not_matter() {
        let whole = sum_of(&[b"1\ta\n2\tb\n3\tc\n"]);
        assert_eq!(whole, sum_of(&[b"1\t", b"a\n2", b"\tb\n3\tc", b"\n"]));
        assert_eq!(whole, sum_of(&[b"3\tc\n1\ta\n2\tb\n"]));
        assert!(whole.starts_with("3:"));
        assert_ne!(whole, sum_of(&[b"1\ta\n2\tb\n3\td\n"]));
        // A duplicated row changes the sum (XOR would not).
        assert_ne!(sum_of(&[b"1\n1\n"]), sum_of(&[b"2\n2\n"]));
    }

    #[test]
    fn a_cut_stream_is_an_error() {
        let mut s = LineSum::default();
        s.feed(b"1\ta\n2\tb");
        assert!(s.finish().is_err());
    }
}

async fn connect(target: &Target) -> Result<(Client, JoinHandle<()>)> {
    let describe = describe(&target.config);
    if target.tls {
        let tls = RustlsConnect::new(target.root_cert.as_deref())?;
        let (client, conn) = target
            .config
            .connect(tls)
            .await
            .with_context(|| format!("failed to connect to PostgreSQL at {describe} (TLS)"))?;
        Ok((
            client,
            tokio::spawn(async move {
                let _ = conn.await;
            }),
        ))
    } else {
        let (client, conn) = target
            .config
            .connect(NoTls)
            .await
            .with_context(|| format!("failed to connect to PostgreSQL at {describe}"))?;
        Ok((
            client,
            tokio::spawn(async move {
                let _ = conn.await;
            }),
        ))
    }
}

/// `host:port/db` for messages, without the password.
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "?".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{host}:{port}/{}",
        config.get_dbname().or(config.get_user()).unwrap_or("?")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pg_variables_fill_what_the_url_leaves_out() {
        let env = Environment::from_pairs([
            ("PGHOST", "db.internal"),
            ("PGPORT", "6543"),
            ("PGUSER", "app"),
            ("PGDATABASE", "shop"),
        ]);
        let t = target(None, &env).unwrap();
        assert_eq!(t.config.get_hosts(), &[Host::Tcp("db.internal".into())]);
        assert_eq!(t.config.get_ports(), &[6543]);
        assert_eq!(t.config.get_user(), Some("app"));
        assert_eq!(t.config.get_dbname(), Some("shop"));
        assert!(!t.tls);

        let t = target(Some("postgresql://u@h:1/d"), &env).unwrap();
        assert_eq!(t.config.get_hosts(), &[Host::Tcp("h".into())]);
        assert_eq!(t.config.get_user(), Some("u"));
        assert_eq!(t.config.get_dbname(), Some("d"));
    }

    #[test]
    fn the_url_asks_for_tls() {
        let env = Environment::default();
        assert!(
            target(Some("postgresql://u@h/d?sslmode=verify-full"), &env)
                .unwrap()
                .tls
        );
        assert!(
            target(Some("postgresql://u@h/d?sslmode=require"), &env)
                .unwrap()
                .tls
        );
        assert!(
            !target(Some("postgresql://u@h/d?sslmode=prefer"), &env)
                .unwrap()
                .tls
        );
        let env = Environment::from_pairs([("PGSSLMODE", "require")]);
        assert!(target(Some("postgresql://u@h/d"), &env).unwrap().tls);
    }

    #[test]
    fn sslrootcert_is_taken_out_of_the_url() {
        let env = Environment::default();
        let t = target(
            Some("postgresql://u@h/d?sslrootcert=/etc/ca.pem&sslmode=verify-full"),
            &env,
        )
        .unwrap();
        assert!(t.tls);
        assert_eq!(t.root_cert.as_deref(), Some(Path::new("/etc/ca.pem")));
        assert_eq!(
            take_param("x?a=1&sslrootcert=c", "sslrootcert"),
            ("x?a=1".into(), Some("c".into()))
        );
        assert_eq!(
            take_param("x?sslrootcert=c", "sslrootcert"),
            ("x".into(), Some("c".into()))
        );
        assert_eq!(
            take_param("host=h sslrootcert=/c dbname=d", "sslrootcert"),
            ("host=h dbname=d".into(), Some("/c".into()))
        );
    }

    #[test]
    fn public_tables_are_recorded_without_their_schema() {
        assert_eq!(recorded_name("public", "users"), "users");
        assert_eq!(recorded_name("audit", "log"), "audit.log");
        assert_eq!(normalize_name("public.users"), "users");
    }
}
