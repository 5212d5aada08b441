//! A throwaway PostgreSQL server for the data tests: one per test-binary run, on a loopback
//! port with its socket in a temporary directory, started as an unprivileged user when the
//! tests run as root (PostgreSQL refuses to run as root). Each test gets its own database.
//!
//! The server is stopped by a watchdog process when this test process exits, however it
//! exits; if PostgreSQL cannot be found or started, every test that needs it fails loudly.

#![expect(
    clippy::disallowed_methods,
    reason = "the harness reads PATH to hand the server's binaries to the commands it runs"
)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The running server.
pub struct PgServer {
    pub port: u16,
    /// The directory holding `initdb`, `pg_dump`, `pg_restore`, `psql`.
    pub bin: PathBuf,
    /// The CA that signed the server's certificate (for `sslrootcert`); TLS is on.
    pub ca: PathBuf,
}

static SERVER: OnceLock<Result<PgServer, String>> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

/// The shared server, started on first use. Panics with the reason when it cannot start.
pub fn server() -> &'static PgServer {
    match SERVER.get_or_init(start) {
        Ok(s) => s,
        Err(e) => panic!(
            "the data tests need a PostgreSQL server and none could be started: {e}\n\
             (scripts/test.sh installs one: run the tests with it)"
        ),
    }
}

/// A fresh, empty database on the shared server.
pub fn database() -> Database {
    let server = server();
    let name = format!("t_{}", NEXT_DB.fetch_add(1, Ordering::SeqCst));
    let db = Database {
        server,
        name: name.clone(),
    };
    db.admin_sql(&format!("CREATE DATABASE {name}"));
    db
}

/// One test's database.
pub struct Database {
    pub server: &'static PgServer,
    pub name: String,
}

impl Database {
    /// `postgresql://postgres@127.0.0.1:PORT/NAME`.
    pub fn url(&self) -> String {
        format!(
            "postgresql://postgres@127.0.0.1:{}/{}",
            self.server.port, self.name
        )
    }

    /// Runs SQL in this database and asserts it succeeded; returns psql's unaligned output.
    pub fn sql(&self, sql: &str) -> String {
        run_psql(self.server, &self.name, sql)
    }

    fn admin_sql(&self, sql: &str) -> String {
        run_psql(self.server, "postgres", sql)
    }

    /// `PATH` with the server's binaries first, so backups use the matching `pg_dump`.
    pub fn path_env(&self) -> String {
        let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into());
        format!("{}:{path}", self.server.bin.display())
    }
}

fn run_psql(server: &PgServer, db: &str, sql: &str) -> String {
    let out = Command::new(server.bin.join("psql"))
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
        ])
        .arg("-p")
        .arg(server.port.to_string())
        .arg("-d")
        .arg(db)
        .arg("-c")
        .arg(sql)
        .env("PGCONNECT_TIMEOUT", "10")
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql failed on {sql:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The newest PostgreSQL binary directory on this machine.
fn find_bin() -> Result<PathBuf, String> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| format!("/usr/lib/postgresql: {e}"))?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, b)| b)
        .ok_or_else(|| "no /usr/lib/postgresql/*/bin/initdb".into())
}

fn is_root() -> bool {
    // /proc/self belongs to the process's effective user.
    std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").expect("/proc/self")) == 0
}

/// A command, run as the `postgres` user when we are root.
fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn check(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn start() -> Result<PgServer, String> {
    let bin = find_bin()?;
    if is_root() {
        check(
            Command::new("id").arg("postgres"),
            "looking up the `postgres` user",
        )?;
    }
    // Under /tmp when root: the server user must be able to reach the directory, which a
    // private TMPDIR (e.g. under /root) would not allow.
    let mut builder = tempfile::Builder::new();
    builder.prefix("gk-pg-");
    let root = if is_root() {
        builder.tempdir_in("/tmp")
    } else {
        builder.tempdir()
    }
    .map_err(|e| e.to_string())?
    .keep();
    let data = root.join("data");
    let sockets = root.join("sockets");
    std::fs::create_dir_all(&sockets).map_err(|e| e.to_string())?;
    // A CA and a server certificate it signed (webpki refuses a CA as the end entity).
    let ca = root.join("ca.crt");
    let ca_key = root.join("ca.key");
    let cert = root.join("server.crt");
    let key = root.join("server.key");
    let csr = root.join("server.csr");
    let ext = root.join("server.ext");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .map_err(|e| e.to_string())?;
    check(
        Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=gatekeeper test CA", "-keyout"])
            .arg(&ca_key)
            .arg("-out")
            .arg(&ca),
        "openssl req (test CA)",
    )?;
    check(
        Command::new("openssl")
            .args([
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
            ])
            .arg(&key)
            .arg("-out")
            .arg(&csr),
        "openssl req (server key)",
    )?;
    check(
        Command::new("openssl")
            .args(["x509", "-req", "-days", "2", "-in"])
            .arg(&csr)
            .arg("-CA")
            .arg(&ca)
            .arg("-CAkey")
            .arg(&ca_key)
            .args(["-CAcreateserial", "-extfile"])
            .arg(&ext)
            .arg("-out")
            .arg(&cert),
        "openssl x509 (server certificate)",
    )?;
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .map_err(|e| e.to_string())?;
    if is_root() {
        check(
            Command::new("chown").args(["-R", "postgres:"]).arg(&root),
            "chown of the cluster directory",
        )?;
    }
    check(
        as_server_user(&bin.join("initdb"))
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data),
        "initdb",
    )?;
    let mut last_err = String::new();
    for _ in 0..3 {
        let port = free_port()?;
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=60 -c shared_buffers=16MB \
             -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
            sockets.display(),
            cert.display(),
            key.display()
        );
        let started = check(
            as_server_user(&bin.join("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(root.join("server.log"))
                .args(["-w", "-t", "60", "-o", &opts, "start"])
                .stdin(Stdio::null()),
            "pg_ctl start",
        );
        match started {
            Ok(()) => {
                spawn_watchdog(&bin, &data, &root)?;
                return Ok(PgServer { port, bin, ca });
            }
            Err(e) => {
                let log = std::fs::read_to_string(root.join("server.log")).unwrap_or_default();
                last_err = format!("{e}\nserver log:\n{log}");
            }
        }
    }
    Err(last_err)
}

/// Stops the server and removes its directory once this process is gone, however it ends
/// (normal exit, panic, kill): an orphaned server never lingers.
fn spawn_watchdog(bin: &Path, data: &Path, root: &Path) -> Result<(), String> {
    let pid = std::process::id();
    let stop = if is_root() {
        format!(
            "runuser -u postgres -- '{}' -D '{}' -m immediate stop",
            bin.join("pg_ctl").display(),
            data.display()
        )
    } else {
        format!(
            "'{}' -D '{}' -m immediate stop",
            bin.join("pg_ctl").display(),
            data.display()
        )
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{}'",
        root.display()
    );
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // Its own session: a Ctrl-C aimed at the test run must not kill the watchdog first.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    cmd.spawn()
        .map(drop)
        .map_err(|e| format!("failed to start the watchdog: {e}"))
}
