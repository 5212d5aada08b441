//! Hermetic temporary repositories and a runner for the built binary.
//!
//! Every command runs with a cleared environment: a temporary HOME and XDG directories, no
//! system or global git configuration, a fixed identity and fixed dates. Nothing from the
//! developer's machine leaks in, and nothing a test does leaks out.

#![allow(dead_code, clippy::disallowed_methods)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

/// The gatekeeper binary under test.
/// The binary under test: cargo's build of this package, or `GATEKEEPER_TEST_BIN` (to run
/// the suite against a release build such as the static one `install.sh` installs).
pub fn bin() -> PathBuf {
    std::env::var_os("GATEKEEPER_TEST_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_gatekeeper")),
        PathBuf::from,
    )
}

/// A sandbox: a temporary directory holding a home directory and any number of repositories.
pub struct Sandbox {
    pub dir: TempDir,
    pub home: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::Builder::new()
            .prefix("gk-it-")
            .tempdir()
            .expect("tempdir");
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".config")).unwrap();
        std::fs::write(home.join(".gitconfig"), "").unwrap();
        Sandbox { dir, home }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The hermetic environment every command gets.
    pub fn env(&self) -> Vec<(String, String)> {
        let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into());
        let h = self.home.to_string_lossy().into_owned();
        vec![
            ("PATH".into(), path),
            ("HOME".into(), h.clone()),
            ("XDG_CONFIG_HOME".into(), format!("{h}/.config")),
            ("XDG_STATE_HOME".into(), format!("{h}/.local/state")),
            ("XDG_CACHE_HOME".into(), format!("{h}/.cache")),
            ("XDG_DATA_HOME".into(), format!("{h}/.local/share")),
            ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
            ("GIT_CONFIG_GLOBAL".into(), format!("{h}/.gitconfig")),
            ("GIT_AUTHOR_NAME".into(), "Test Author".into()),
            ("GIT_AUTHOR_EMAIL".into(), "author@example.com".into()),
            ("GIT_COMMITTER_NAME".into(), "Test Committer".into()),
            ("GIT_COMMITTER_EMAIL".into(), "committer@example.com".into()),
            ("GIT_AUTHOR_DATE".into(), "2026-01-01T00:00:00Z".into()),
            ("GIT_COMMITTER_DATE".into(), "2026-01-01T00:00:00Z".into()),
            ("LANG".into(), "C.UTF-8".into()),
            ("TZ".into(), "UTC".into()),
        ]
    }

    /// A new repository in `name` with an empty first state (no commit yet).
    pub fn repo(&self, name: &str) -> TestRepo {
        let root = self.path().join(name);
        std::fs::create_dir_all(&root).unwrap();
        let r = TestRepo {
            root,
            env: self.env(),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }
}

/// A git repository inside a [`Sandbox`].
pub struct TestRepo {
    pub root: PathBuf,
    pub env: Vec<(String, String)>,
}

impl TestRepo {
    fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut c = Command::new(program);
        c.current_dir(&self.root).env_clear().stdin(Stdio::null());
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// A `git` command in the repository.
    pub fn git_cmd(&self, args: &[&str]) -> Command {
        let mut c = self.command("git");
        c.args(args);
        c
    }

    /// Runs git and asserts it succeeded; returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_cmd(args).output().expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs git and returns its output whatever the status.
    pub fn git_output(&self, args: &[&str]) -> Output {
        self.git_cmd(args).output().expect("run git")
    }

    /// A `gatekeeper` command in the repository.
    pub fn gk_cmd(&self, args: &[&str]) -> Command {
        let mut c = self.command(bin());
        c.args(args);
        c
    }

    /// Runs gatekeeper and returns its output.
    pub fn gk(&self, args: &[&str]) -> Output {
        self.gk_cmd(args).output().expect("run gatekeeper")
    }

    /// Adds or replaces an environment variable for later commands.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(p, content).unwrap();
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).symlink_metadata().is_ok()
    }

    /// Writes `gatekeeper.yml`, commits everything, installs the hooks (which trusts the
    /// config).
    pub fn setup(&self, config: &str) {
        self.write("gatekeeper.yml", config);
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--no-verify", "-m", "setup"]);
        let out = self.gk(&["install"]);
        assert_success(&out, "gatekeeper install");
    }

    /// `git commit -m MSG` (hooks run); returns the output.
    pub fn commit(&self, msg: &str) -> Output {
        self.git_output(&["commit", "-m", msg])
    }

    /// The index's content of a path (`git show :path`).
    pub fn staged(&self, rel: &str) -> Vec<u8> {
        self.git_cmd(&["show", &format!(":{rel}")])
            .output()
            .unwrap()
            .stdout
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }
}

/// Both output streams, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn assert_success(out: &Output, what: &str) {
    assert!(out.status.success(), "{what} failed:\n{}", text(out));
}

pub fn assert_code(out: &Output, code: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}: unexpected exit status\n{}",
        text(out)
    );
}

/// A tool the tests need from `PATH` (scripts/test.sh installs each one at a pinned version).
/// Missing is a failure, not a skip: a test that silently did not run proves nothing.
pub fn required_tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{name}` is not on PATH: run the tests with scripts/test.sh, which installs it \
                 (pinned) into target/test-tools/venv"
            )
        })
}

/// The root of gatekeeper's sources (where `.pre-commit-hooks.yaml` and `action.yml` live).
pub fn source_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
