//! Integration tests: data snapshots, verify and migrate, against a real PostgreSQL server
//! (see `pg`) and real SQLite files.

mod escalation;
mod pg;

use std::path::PathBuf;

use crate::common::{Sandbox, TestRepo, assert_code, text};

const PG_BACKUP: &str = r#"
  backup:
    run: pg_dump --snapshot="$GATEKEEPER_PG_SNAPSHOT" --format=custom --file "{dir}/app.dump" "$DATABASE_URL"
    verify: pg_restore --file /dev/null "{dir}/app.dump"
"#;

const PG_SEED: &str = "
    CREATE TABLE invoices (id int PRIMARY KEY, amount numeric NOT NULL, note text);
    INSERT INTO invoices SELECT g, g * 10, 'note ' || g FROM generate_series(1, 200) g;
    CREATE TABLE sessions (id serial PRIMARY KEY, token text);
    INSERT INTO sessions (token) SELECT md5(g::text) FROM generate_series(1, 20) g;
    CREATE SCHEMA audit;
    CREATE TABLE audit.log (id int);
    INSERT INTO audit.log VALUES (1), (2);
";

/// A repository whose `data:` block is `data` (YAML under `data:`), pointed at `db`.
fn pg_repo(sandbox: &Sandbox, db: &pg::Database, data: &str) -> TestRepo {
    let mut repo = sandbox.repo("app");
    repo.write("gatekeeper.yml", format!("data:\n{data}"));
    repo.set_env("DATABASE_URL", &db.url());
    repo.set_env("PATH", &db.path_env());
    repo
}

fn seeded_pg() -> pg::Database {
    let db = pg::database();
    db.sql(PG_SEED);
    db
}

const PG_SOURCES: &str = "
  sources:
    app: { postgres: { url_env: DATABASE_URL }, checksum: [invoices] }
";

/// Runs `snapshot`, asserts it succeeded, returns (id, folder).
fn snapshot(repo: &TestRepo) -> (String, PathBuf) {
    let out = repo.gk(&["snapshot"]);
    assert_code(&out, 0, "gatekeeper snapshot");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("snapshot "))
        .unwrap_or_else(|| panic!("no `snapshot ID in DIR` line:\n{}", text(&out)));
    let (id, dir) = line.split_once(" in ").expect("`ID in DIR`");
    (id.to_owned(), PathBuf::from(dir))
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The rows of the verify table whose first cell is `mark` (`ok`, `allowed`, `FAIL`).
fn rows(out: &std::process::Output, mark: &str) -> Vec<Vec<String>> {
    stdout(out)
        .lines()
        .map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .filter(|cells| cells.first().map(String::as_str) == Some(mark))
        .collect()
}

// ---- PostgreSQL ----

#[test]
fn postgres_no_change_passes_and_backup_is_taken_from_the_same_snapshot() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let repo = pg_repo(&sandbox, &db, &format!("{PG_SOURCES}{PG_BACKUP}"));
    let (id, dir) = snapshot(&repo);
    assert!(
        dir.join("app.dump").is_file(),
        "the backup is in the snapshot folder"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["usable"], true);
    assert_eq!(
        manifest["sources"]["app"]["items"]["invoices"]["count"],
        200
    );
    assert_eq!(manifest["sources"]["app"]["items"]["sessions"]["count"], 20);
    assert_eq!(manifest["sources"]["app"]["items"]["audit.log"]["count"], 2);
    assert!(
        manifest["postgres_snapshots"]["app"].is_string(),
        "{manifest}"
    );

    let out = repo.gk(&["verify"]);
    assert_code(&out, 0, "verify with no change");
    assert!(rows(&out, "FAIL").is_empty(), "{}", text(&out));
    assert!(
        stdout(&out).contains(&format!("all holds against snapshot {id}")),
        "{}",
        text(&out)
    );
    let invoices = rows(&out, "ok")
        .into_iter()
        .find(|r| r[2] == "invoices")
        .expect("invoices row");
    assert_eq!(invoices[3..5], ["200".to_owned(), "200".to_owned()]);
}

#[test]
fn postgres_backup_holds_exactly_what_was_counted_even_when_rows_arrive_meanwhile() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let psql = db.server.bin.join("psql").display().to_string();
    // A row is inserted after the counts and before pg_dump starts: the dump, taken from the
    // exported snapshot, must not contain it.
    let data = format!(
        "{PG_SOURCES}  backup:\n    run: '{psql} -X -q \"$DATABASE_URL\" -c \"INSERT INTO sessions (token) VALUES (''late'')\" && pg_dump --snapshot=\"$GATEKEEPER_PG_SNAPSHOT\" -Fc -f \"{{dir}}/app.dump\" \"$DATABASE_URL\"'\n    verify: pg_restore --file /dev/null \"{{dir}}/app.dump\"\n"
    );
    let repo = pg_repo(&sandbox, &db, &data);
    let (_, dir) = snapshot(&repo);
    assert_eq!(
        db.sql("SELECT count(*) FROM sessions").trim(),
        "21",
        "the late row is live"
    );
    let restored = pg::database();
    let out = std::process::Command::new(db.server.bin.join("pg_restore"))
        .arg("-d")
        .arg(restored.url())
        .arg(dir.join("app.dump"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pg_restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        restored.sql("SELECT count(*) FROM sessions").trim(),
        "20",
        "dump = counted instant"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["sources"]["app"]["items"]["sessions"]["count"], 20);
}

#[test]
fn postgres_deleted_row_fails_naming_the_table() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let repo = pg_repo(&sandbox, &db, PG_SOURCES);
    snapshot(&repo);
    db.sql("DELETE FROM sessions WHERE id = 7");
    let out = repo.gk(&["verify", "latest"]);
    assert_code(&out, 1, "verify after a deleted row");
    let fails = rows(&out, "FAIL");
    assert_eq!(fails.len(), 1, "{}", text(&out));
    assert_eq!(
        fails[0],
        ["FAIL", "app", "sessions", "20", "19", "-1", "no-decrease"]
    );
}

#[test]
fn postgres_dropped_table_fails() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let repo = pg_repo(&sandbox, &db, PG_SOURCES);
    snapshot(&repo);
    db.sql("DROP TABLE audit.log");
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "verify after a dropped table");
    assert_eq!(
        rows(&out, "FAIL"),
        [["FAIL", "app", "audit.log", "2", "-", "dropped", "no-drop"]]
    );
}

#[test]
fn postgres_allowed_decrease_passes() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let data = format!(
        "{PG_SOURCES}  allow:\n    - {{ source: app, table: sessions, change: decrease }}\n"
    );
    let repo = pg_repo(&sandbox, &db, &data);
    snapshot(&repo);
    db.sql("DELETE FROM sessions WHERE id > 10");
    let out = repo.gk(&["verify"]);
    assert_code(&out, 0, "verify after an allowed decrease");
    assert_eq!(
        rows(&out, "allowed"),
        [[
            "allowed",
            "app",
            "sessions",
            "20",
            "10",
            "-10",
            "no-decrease"
        ]]
    );
    // The same loss in a table the rule does not name still fails.
    db.sql("DELETE FROM audit.log");
    assert_code(
        &repo.gk(&["verify"]),
        1,
        "verify after an unallowed decrease",
    );
}

#[test]
fn postgres_changed_row_fails_the_checksum_while_the_count_is_equal() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let repo = pg_repo(&sandbox, &db, PG_SOURCES);
    snapshot(&repo);
    db.sql("UPDATE invoices SET amount = amount + 1 WHERE id = 42");
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "verify after a changed row");
    assert_eq!(
        rows(&out, "FAIL"),
        [[
            "FAIL",
            "app",
            "invoices",
            "200",
            "200",
            "content",
            "changed",
            "same-checksum"
        ]]
    );
}

#[test]
fn postgres_checksum_is_the_copy_stream_and_a_legacy_snapshot_still_verifies() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let repo = pg_repo(&sandbox, &db, PG_SOURCES);
    let (_, dir) = snapshot(&repo);
    let manifest_path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let item = &mut manifest["sources"]["app"]["items"]["invoices"];
    assert_eq!(
        item["checksum"]["method"], "pg-copy-sha256-sum128",
        "{item}"
    );
    assert!(
        item["checksum"]["value"]
            .as_str()
            .is_some_and(|v| v.starts_with("200:")),
        "{item}"
    );
    // A snapshot taken by an earlier version recorded the server-side md5 sums: verify
    // computes that method again instead of calling every table changed.
    let legacy = db.sql(
        "SELECT count(*)::int8 || ':' || \
         coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::int8::numeric), 0)::text || ':' || \
         coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::int8::numeric), 0)::text \
         FROM (SELECT md5(ROW(t.id, t.amount, t.note)::text) AS h FROM public.invoices AS t) AS hashed",
    );
    item["checksum"]["method"] = serde_json::json!("pg-row-md5-sum128");
    item["checksum"]["value"] = serde_json::json!(legacy.trim());
    std::fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let out = repo.gk(&["verify"]);
    assert_code(&out, 0, "a legacy-method snapshot of unchanged data");
    db.sql("UPDATE invoices SET note = 'changed' WHERE id = 7");
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "a legacy-method snapshot, one row changed");
    assert_eq!(rows(&out, "FAIL")[0][7], "same-checksum");
}

#[test]
fn postgres_checksum_ignores_physical_row_order() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let repo = pg_repo(&sandbox, &db, PG_SOURCES);
    snapshot(&repo);
    let first_before = db.sql("SELECT id FROM invoices LIMIT 1");
    db.sql(
        "CREATE INDEX invoices_desc ON invoices (id DESC); CLUSTER invoices USING invoices_desc;",
    );
    db.sql("VACUUM FULL sessions");
    let first_after = db.sql("SELECT id FROM invoices LIMIT 1");
    assert_ne!(
        first_before, first_after,
        "CLUSTER must really have reordered the rows"
    );
    let out = repo.gk(&["verify"]);
    assert_code(&out, 0, "verify after reordering rows");
}

#[test]
fn postgres_checksum_hashes_the_recorded_columns_so_an_added_column_is_not_a_change() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let repo = pg_repo(&sandbox, &db, PG_SOURCES);
    snapshot(&repo);
    db.sql("ALTER TABLE invoices ADD COLUMN currency text DEFAULT 'EUR'");
    assert_code(&repo.gk(&["verify"]), 0, "verify after ADD COLUMN");
    db.sql("ALTER TABLE invoices DROP COLUMN note");
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "verify after dropping a hashed column");
    assert!(
        stdout(&out).contains("column `note` is gone"),
        "{}",
        text(&out)
    );
}

#[test]
fn postgres_failing_backup_refuses_the_snapshot() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let data = format!("{PG_SOURCES}  backup:\n    run: echo disk full >&2; exit 1\n");
    let repo = pg_repo(&sandbox, &db, &data);
    let out = repo.gk(&["snapshot"]);
    assert_code(&out, 1, "snapshot with a failing backup");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("disk full"),
        "{}",
        text(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not usable"),
        "{}",
        text(&out)
    );
    let out = repo.gk(&["verify"]);
    assert_code(&out, 2, "verify with no usable snapshot");
}

#[test]
fn postgres_backup_that_does_not_verify_refuses_the_snapshot() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    // A real dump, cut short: `pg_restore --list` would accept it, a full read does not.
    let data = format!(
        "{PG_SOURCES}  backup:\n    run: pg_dump --snapshot=\"$GATEKEEPER_PG_SNAPSHOT\" -Fc -f \"{{dir}}/app.dump\" \"$DATABASE_URL\" && truncate -s 2000 \"{{dir}}/app.dump\"\n    verify: pg_restore --file /dev/null \"{{dir}}/app.dump\"\n"
    );
    let repo = pg_repo(&sandbox, &db, &data);
    let out = repo.gk(&["snapshot", "--format", "json"]);
    assert_code(&out, 1, "snapshot whose backup does not verify");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(report["usable"], false);
    assert_eq!(report["backup"]["run"]["ok"], true);
    assert_eq!(report["backup"]["verify"]["ok"], false);
    assert_code(&repo.gk(&["verify"]), 2, "verify with no usable snapshot");
}

#[test]
fn postgres_connects_with_tls_when_the_url_asks_for_it() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let mut repo = pg_repo(&sandbox, &db, PG_SOURCES);
    let cert = db.server.ca.display().to_string();
    repo.set_env(
        "DATABASE_URL",
        &format!("{}?sslmode=verify-full&sslrootcert={cert}", db.url()),
    );
    snapshot(&repo);
    assert_code(&repo.gk(&["verify"]), 0, "verify over TLS");
    // The same server, its CA not trusted: the handshake must fail.
    repo.set_env("DATABASE_URL", &format!("{}?sslmode=require", db.url()));
    let out = repo.gk(&["verify"]);
    assert_code(&out, 3, "verify over TLS with an untrusted certificate");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("TLS"),
        "{}",
        text(&out)
    );
}

#[test]
fn postgres_pg_variables_are_honoured_without_a_url() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let mut repo = pg_repo(
        &sandbox,
        &db,
        "  sources:\n    app: { postgres: { tables: [sessions] } }\n",
    );
    repo.set_env("PGHOST", "127.0.0.1");
    repo.set_env("PGPORT", &db.server.port.to_string());
    repo.set_env("PGUSER", "postgres");
    repo.set_env("PGDATABASE", &db.name);
    let (_, dir) = snapshot(&repo);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let items = manifest["sources"]["app"]["items"].as_object().unwrap();
    assert_eq!(
        items.keys().collect::<Vec<_>>(),
        ["sessions"],
        "only the listed table"
    );
    assert_eq!(items["sessions"]["count"], 20);
}

#[test]
fn postgres_unreachable_database_is_exit_3() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let mut repo = pg_repo(&sandbox, &db, PG_SOURCES);
    snapshot(&repo);
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    repo.set_env(
        "DATABASE_URL",
        &format!("postgresql://postgres@127.0.0.1:{closed}/{}", db.name),
    );
    let out = repo.gk(&["verify"]);
    assert_code(&out, 3, "verify against an unreachable database");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("data source `app`"),
        "{}",
        text(&out)
    );
    assert_code(
        &repo.gk(&["snapshot"]),
        3,
        "snapshot of an unreachable database",
    );
    repo.set_env("DATABASE_URL", "");
    assert_code(&repo.gk(&["verify"]), 3, "verify with DATABASE_URL unset");
}

#[test]
fn migrate_that_loses_rows_fails_and_names_the_backup() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let repo = pg_repo(&sandbox, &db, &format!("{PG_SOURCES}{PG_BACKUP}"));
    let psql = db.server.bin.join("psql");
    let url = db.url();
    let out = repo.gk(&[
        "migrate",
        "--label",
        "drop old invoices",
        "--",
        psql.to_str().unwrap(),
        "-X",
        "-v",
        "ON_ERROR_STOP=1",
        &url,
        "-c",
        "DELETE FROM invoices WHERE id <= 5",
    ]);
    assert_code(&out, 1, "migrate losing rows");
    let s = stdout(&out);
    assert!(
        s.contains("DELETE 5"),
        "the migration's output is streamed:\n{}",
        text(&out)
    );
    let fails = rows(&out, "FAIL");
    assert!(
        fails.iter().any(|r| r[2] == "invoices" && r[5] == "-5"),
        "{}",
        text(&out)
    );
    let backup = s
        .lines()
        .find_map(|l| l.strip_prefix("backup: "))
        .expect("a backup line");
    assert!(backup.contains("drop-old-invoices"), "{}", text(&out));
    assert!(
        PathBuf::from(backup).join("app.dump").is_file(),
        "the named backup exists"
    );
}

#[test]
fn migrate_verifies_even_when_the_command_fails() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let repo = pg_repo(&sandbox, &db, PG_SOURCES);
    let out = repo.gk(&[
        "--format",
        "json",
        "migrate",
        "--",
        "sh",
        "-c",
        "echo half-done; exit 4",
    ]);
    assert_code(&out, 1, "migrate with a failing command");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(report["migration"]["ok"], false);
    assert_eq!(report["migration"]["ending"], "exit 4");
    assert_eq!(report["verify"]["passed"], true);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("half-done"),
        "{}",
        text(&out)
    );
}

// ---- SQLite ----

fn sqlite_repo(sandbox: &Sandbox) -> TestRepo {
    let repo = sandbox.repo("app");
    repo.write(
        "gatekeeper.yml",
        "data:\n  sources:\n    local: { sqlite: { path: var/app.db }, checksum: [users] }\n",
    );
    std::fs::create_dir_all(repo.path("var")).unwrap();
    let conn = rusqlite::Connection::open(repo.path("var/app.db")).unwrap();
    conn.execute_batch(
        "CREATE TABLE users (name TEXT, score REAL, avatar BLOB);
         WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 50)
         INSERT INTO users SELECT 'user' || n, n * 1.5, randomblob(8) FROM g;
         CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT);
         INSERT INTO events (kind) VALUES ('a'), ('b'), ('c');",
    )
    .unwrap();
    repo
}

fn sqlite_exec(repo: &TestRepo, sql: &str) {
    rusqlite::Connection::open(repo.path("var/app.db"))
        .unwrap()
        .execute_batch(sql)
        .unwrap();
}

#[test]
fn sqlite_no_change_passes_and_a_deleted_row_fails() {
    let sandbox = Sandbox::new();
    let repo = sqlite_repo(&sandbox);
    snapshot(&repo);
    assert_code(&repo.gk(&["verify"]), 0, "verify with no change");
    sqlite_exec(&repo, "DELETE FROM events WHERE id = 2");
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "verify after a deleted row");
    assert_eq!(
        rows(&out, "FAIL"),
        [["FAIL", "local", "events", "3", "2", "-1", "no-decrease"]]
    );
}

#[test]
fn sqlite_checksum_survives_vacuum_but_not_a_changed_value() {
    let sandbox = Sandbox::new();
    let repo = sqlite_repo(&sandbox);
    // Holes in the rowids, so that VACUUM really renumbers the rows of a table without an
    // INTEGER PRIMARY KEY.
    sqlite_exec(&repo, "DELETE FROM users WHERE rowid % 3 = 0");
    snapshot(&repo);
    let before: Vec<i64> = rowids(&repo);
    sqlite_exec(&repo, "VACUUM");
    assert_ne!(
        before,
        rowids(&repo),
        "VACUUM must really have renumbered the rows"
    );
    assert_code(&repo.gk(&["verify"]), 0, "verify after VACUUM");
    sqlite_exec(
        &repo,
        "UPDATE users SET score = score + 0.25 WHERE name = 'user10'",
    );
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "verify after a changed value");
    assert_eq!(rows(&out, "FAIL")[0][2], "users", "{}", text(&out));
    assert_eq!(
        rows(&out, "FAIL")[0].last().unwrap(),
        "same-checksum",
        "{}",
        text(&out)
    );
}

fn rowids(repo: &TestRepo) -> Vec<i64> {
    let conn = rusqlite::Connection::open(repo.path("var/app.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT rowid FROM users ORDER BY rowid")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn sqlite_dropped_table_fails_and_a_missing_file_is_exit_3() {
    let sandbox = Sandbox::new();
    let repo = sqlite_repo(&sandbox);
    snapshot(&repo);
    sqlite_exec(&repo, "DROP TABLE events");
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "verify after a dropped table");
    assert_eq!(
        rows(&out, "FAIL"),
        [["FAIL", "local", "events", "3", "-", "dropped", "no-drop"]]
    );
    std::fs::remove_file(repo.path("var/app.db")).unwrap();
    assert_code(
        &repo.gk(&["verify"]),
        3,
        "verify with the database file gone",
    );
    assert!(
        !repo.exists("var/app.db"),
        "a read-only open must not create the file"
    );
}

// ---- files and commands ----

#[test]
fn files_deleted_or_changed_fail() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("app");
    repo.write(
        "gatekeeper.yml",
        "data:\n  sources:\n    uploads: { files: { path: var/uploads } }\n",
    );
    for i in 0..20 {
        repo.write(
            &format!("var/uploads/{}/f{i}.bin", i % 3),
            format!("content {i}"),
        );
    }
    let (_, dir) = snapshot(&repo);
    let sums = std::fs::read_to_string(dir.join("uploads.sha256")).unwrap();
    assert_eq!(sums.lines().count(), 20, "{sums}");
    assert_code(&repo.gk(&["verify"]), 0, "verify with no change");
    repo.write("var/uploads/new.bin", "added");
    assert_code(&repo.gk(&["verify"]), 0, "a new file is no loss");

    std::fs::remove_file(repo.path("var/uploads/1/f4.bin")).unwrap();
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "verify after a deleted file");
    assert_eq!(
        rows(&out, "FAIL"),
        [[
            "FAIL", "uploads", "1/f4.bin", "9", "-", "dropped", "no-drop"
        ]]
    );

    repo.write("var/uploads/1/f4.bin", "content 4");
    repo.write("var/uploads/2/f5.bin", "CONTENT 5");
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "verify after a changed file");
    assert_eq!(
        rows(&out, "FAIL"),
        [[
            "FAIL",
            "uploads",
            "2/f5.bin",
            "9",
            "9",
            "content",
            "changed",
            "same-checksum"
        ]]
    );
}

#[test]
fn command_source_counts_are_compared() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("app");
    repo.write(
        "gatekeeper.yml",
        "data:\n  sources:\n    bucket: { command: \"cat counts.txt\" }\n",
    );
    repo.write("counts.txt", "objects 10\nthumbnails 4\n");
    snapshot(&repo);
    repo.write("counts.txt", "objects 12\nthumbnails 3\n");
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "verify after a lower count");
    assert_eq!(
        rows(&out, "FAIL"),
        [[
            "FAIL",
            "bucket",
            "thumbnails",
            "4",
            "3",
            "-1",
            "no-decrease"
        ]]
    );
    repo.write("counts.txt", "objects twelve\n");
    assert_code(
        &repo.gk(&["verify"]),
        3,
        "a command printing garbage cannot decide",
    );
}

#[test]
fn verify_json_has_every_finding() {
    let sandbox = Sandbox::new();
    let repo = sqlite_repo(&sandbox);
    snapshot(&repo);
    sqlite_exec(&repo, "DELETE FROM events");
    let out = repo.gk(&["verify", "--format", "json"]);
    assert_code(&out, 1, "verify --format json");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(report["passed"], false);
    assert_eq!(report["violations"], 1);
    let events = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["table"] == "events")
        .expect("events finding");
    assert_eq!(events["before"], 3);
    assert_eq!(events["after"], 0);
    assert_eq!(events["rule"], "no-decrease");
    assert_eq!(events["verdict"], "violation");
}

#[test]
fn keep_never_deletes_the_newest_usable_snapshot() {
    let sandbox = Sandbox::new();
    let repo = sqlite_repo(&sandbox);
    let (good, _) = snapshot(&repo);
    let with_backup = "data:\n  sources:\n    local: { sqlite: { path: var/app.db } }\n  backup:\n    run: \"false\"\n";
    repo.write("gatekeeper.yml", with_backup);
    assert_code(&repo.gk(&["snapshot"]), 1, "snapshot with a failing backup");
    assert_code(
        &repo.gk(&["snapshot", "--keep", "1"]),
        1,
        "snapshot with a failing backup",
    );
    let folders: Vec<String> = std::fs::read_dir(repo.path(".git/gatekeeper/snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(folders.len(), 2, "{folders:?}");
    assert!(folders.contains(&good), "{folders:?}");
}

#[test]
fn migrate_forwards_ctrl_c_to_the_command_and_still_verifies() {
    use std::io::{BufRead as _, BufReader};
    let sandbox = Sandbox::new();
    let repo = sqlite_repo(&sandbox);
    let mut child = repo
        .gk_cmd(&[
            "migrate",
            "--",
            "sh",
            "-c",
            "trap 'echo got-sigint; exit 7' INT; echo ready; while :; do sleep 0.1; done",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "ended before `ready`:\n{seen}"
        );
        seen.push_str(&line);
        if line.trim() == "ready" {
            break;
        }
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{seen}{rest}");
    assert!(
        rest.contains("got-sigint"),
        "the command received SIGINT:\n{rest}"
    );
    assert!(
        rest.contains("all holds"),
        "verification still ran:\n{rest}"
    );
    assert!(rest.contains("backup: "), "{rest}");
}

#[test]
fn migrate_does_not_run_the_command_when_the_backup_fails() {
    let sandbox = Sandbox::new();
    let repo = sqlite_repo(&sandbox);
    repo.write(
        "gatekeeper.yml",
        "data:\n  sources:\n    local: { sqlite: { path: var/app.db } }\n  backup:\n    run: \"true\"\n    verify: \"false\"\n",
    );
    let out = repo.gk(&["migrate", "--", "touch", "migration-ran"]);
    assert_code(&out, 1, "migrate with a backup that does not verify");
    assert!(
        !repo.exists("migration-ran"),
        "the migration must not run:\n{}",
        text(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not run"),
        "{}",
        text(&out)
    );
}

#[test]
fn snapshots_go_to_data_dir_when_configured() {
    let sandbox = Sandbox::new();
    let repo = sqlite_repo(&sandbox);
    repo.write(
        "gatekeeper.yml",
        "data:\n  dir: backups/snapshots\n  sources:\n    local: { sqlite: { path: var/app.db } }\n",
    );
    let (id, dir) = snapshot(&repo);
    assert_eq!(dir, repo.path(&format!("backups/snapshots/{id}")));
    assert!(dir.join("manifest.json").is_file());
    assert_code(&repo.gk(&["verify", &id]), 0, "verify by id");
}

#[test]
fn postgres_schemas_filter_selects_tables() {
    let sandbox = Sandbox::new();
    let db = seeded_pg();
    let repo = pg_repo(
        &sandbox,
        &db,
        "  sources:\n    app: { postgres: { url_env: DATABASE_URL, schemas: [audit] } }\n",
    );
    let (_, dir) = snapshot(&repo);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let items = manifest["sources"]["app"]["items"].as_object().unwrap();
    assert_eq!(items.keys().collect::<Vec<_>>(), ["audit.log"]);
    db.sql("DELETE FROM invoices");
    assert_code(
        &repo.gk(&["verify"]),
        0,
        "a table outside the selected schemas is not watched",
    );
    db.sql("DELETE FROM audit.log");
    assert_code(&repo.gk(&["verify"]), 1, "a watched table lost rows");
}

#[test]
fn allow_drop_and_any_permit_only_their_changes() {
    let sandbox = Sandbox::new();
    let repo = sqlite_repo(&sandbox);
    repo.write(
        "gatekeeper.yml",
        "data:\n  sources:\n    local: { sqlite: { path: var/app.db }, checksum: [users] }\n  allow:\n    - { source: local, table: events, change: drop }\n    - { source: local, table: users, change: any }\n",
    );
    snapshot(&repo);
    sqlite_exec(
        &repo,
        "UPDATE users SET name = 'renamed'; DELETE FROM events WHERE id = 1",
    );
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "`drop` does not permit a decrease");
    assert_eq!(
        rows(&out, "FAIL"),
        [["FAIL", "local", "events", "3", "2", "-1", "no-decrease"]]
    );
    assert_eq!(rows(&out, "allowed")[0][2], "users", "{}", text(&out));
    sqlite_exec(&repo, "DROP TABLE events");
    let out = repo.gk(&["verify"]);
    assert_code(&out, 0, "a permitted drop and a permitted content change");
}

#[test]
fn ctrl_c_during_a_snapshot_exits_130_and_leaves_no_snapshot() {
    use std::io::{BufRead as _, BufReader};
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("app");
    repo.write(
        "gatekeeper.yml",
        "data:\n  sources:\n    slow: { command: \"echo counting >&2; sleep 60; echo things 1\" }\n",
    );
    let mut child = repo
        .gk_cmd(&["snapshot"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    assert!(
        err.read_line(&mut line).unwrap() > 0 && line.contains("counting"),
        "{line}"
    );
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let left: Vec<_> = std::fs::read_dir(repo.path(".git/gatekeeper/snapshots"))
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "no snapshot may be left: {left:?}");
}

#[test]
fn files_glob_limits_what_is_recorded_and_checked() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("app");
    repo.write(
        "gatekeeper.yml",
        "data:\n  sources:\n    docs: { files: { path: var/docs, glob: ['**/*.pdf'] } }\n",
    );
    repo.write("var/docs/a.pdf", "pdf a");
    repo.write("var/docs/deep/b.pdf", "pdf b");
    repo.write("var/docs/scratch.tmp", "temporary");
    let (_, dir) = snapshot(&repo);
    let sums = std::fs::read_to_string(dir.join("docs.sha256")).unwrap();
    assert_eq!(
        sums.lines().count(),
        2,
        "only the PDFs are recorded:\n{sums}"
    );
    assert!(!sums.contains("scratch.tmp"), "{sums}");
    std::fs::remove_file(repo.path("var/docs/scratch.tmp")).unwrap();
    assert_code(&repo.gk(&["verify"]), 0, "a file outside the glob may go");
    std::fs::remove_file(repo.path("var/docs/deep/b.pdf")).unwrap();
    let out = repo.gk(&["verify"]);
    assert_code(&out, 1, "a file inside the glob may not");
    assert!(stdout(&out).contains("deep/b.pdf"), "{}", stdout(&out));
}

#[test]
fn data_keep_in_the_config_prunes_old_snapshots() {
    let sandbox = Sandbox::new();
    let repo = sqlite_repo(&sandbox);
    repo.write(
        "gatekeeper.yml",
        "data:\n  sources:\n    local: { sqlite: { path: var/app.db } }\n  keep: 2\n",
    );
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(snapshot(&repo).0);
    }
    let mut folders: Vec<String> = std::fs::read_dir(repo.path(".git/gatekeeper/snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(folders.len(), 2, "data.keep: 2 keeps two: {folders:?}");
    assert!(folders.contains(&ids[3]), "the newest is kept: {folders:?}");
}
