//! Integration tests: sacred tests. Each test locks a real temporary repository, edits a
//! sacred test, and runs `sacred check --staged` and then (after committing) `sacred check
//! --base HEAD~1`: a weakening must be refused by both with the expected rule, a harmless
//! edit must pass both.

use std::process::Output;

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, text};

/// A repository whose sacred tests are locked and committed.
pub struct Locked {
    _sandbox: Sandbox,
    pub repo: TestRepo,
}

pub const CONFIG: &str = "sacred:\n  paths: [\"tests/billing/**\"]\n";

/// The files under `dir`, by their path relative to it, sorted.
fn fixture_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("fixture readable"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under dir");
            let rel = rel.to_string_lossy().replace('\\', "/");
            // As bytes: some stored expected values are binary (AVA's `.snap`).
            (rel, std::fs::read(e.path()).expect("fixture readable"))
        })
        .collect();
    files.sort();
    files
}

/// Each attack of `tests/it/sacred/fixtures/SUB/NAME` (at least `min` of them): `before/`
/// is locked (with [`CONFIG`] unless it has a `gatekeeper.yml` of its own), `after/` is
/// staged in its place, and the check refuses the test named in `refused`.
pub fn assert_attack_fixtures_refused(sub: &str, min: usize) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/sacred/fixtures")
        .join(sub);
    let mut dirs: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= min, "{dirs:?}");
    for dir in dirs {
        let what = dir.file_name().unwrap().to_string_lossy().into_owned();
        let before = fixture_files(&dir.join("before"));
        let after = fixture_files(&dir.join("after"));
        assert_ne!(before, after, "{what}");
        let id = std::fs::read_to_string(dir.join("refused")).expect("refused");
        let files: Vec<(&str, &[u8])> = before
            .iter()
            .map(|(p, c)| (p.as_str(), c.as_slice()))
            .collect();
        let l = locked_bytes(&files);
        for (path, _) in &before {
            if !after.iter().any(|(p, _)| p == path) {
                std::fs::remove_file(l.repo.path(path)).expect("remove");
            }
        }
        for (path, content) in &after {
            l.repo.write(path, content);
        }
        l.assert_staged_refuses(id.trim(), &what);
    }
}

/// One helper edit: the files beside the test, the file edited, what is replaced, by what.
pub type HelperEdit<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str, &'a str);

/// For each edit, `tests` and its files locked, then the edit made: `id` is refused as
/// `rebound`; `comment` (a line comment of the language) inserted before what the edit
/// replaces instead: it passes.
pub fn assert_helper_edits_refused(
    tests: &[(&str, &str)],
    edits: &[HelperEdit<'_>],
    id: &str,
    comment: &str,
) {
    for (helpers, edited, from, to) in edits {
        let mut files = tests.to_vec();
        files.extend_from_slice(helpers);
        let base = helpers
            .iter()
            .find(|(p, _)| p == edited)
            .map(|(_, c)| *c)
            .expect("the edited file is one of the helpers");
        let l = locked(&files);
        l.edit(edited, base, &[(from, to)]);
        l.assert_refused("rebound", id);
        let l = locked(&files);
        let indent: String = from.chars().take_while(|c| c.is_whitespace()).collect();
        l.edit(
            edited,
            base,
            &[(from, &format!("{indent}{comment}\n{from}"))],
        );
        l.assert_passes();
    }
}

/// Commits `files` and `gatekeeper.yml`, locks, and commits the lock.
pub fn locked(files: &[(&str, &str)]) -> Locked {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, c)| (*p, c.as_bytes())).collect();
    locked_bytes(&files)
}

/// [`locked`], with files of any content (binary ones among them).
pub fn locked_bytes(files: &[(&str, &[u8])]) -> Locked {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    repo.write("gatekeeper.yml", CONFIG);
    for (path, content) in files {
        repo.write(path, content);
    }
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "tests"]);
    let out = repo.gk(&["sacred", "lock"]);
    assert_success(&out, "sacred lock");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "lock"]);
    Locked {
        _sandbox: sandbox,
        repo,
    }
}

impl Locked {
    /// Replaces the lock with `lock` as an older gatekeeper wrote it, committed.
    pub fn commit_lock(&self, lock: &str) {
        self.repo.write(".gatekeeper/sacred.lock", lock);
        self.repo.git(&["add", "-A"]);
        self.repo
            .git(&["commit", "-q", "--no-verify", "-m", "the previous lock"]);
    }

    /// Commits the lock as a gatekeeper that did not write `prefix` lines wrote it, and returns
    /// the lock as it was (with them).
    pub fn commit_lock_without(&self, prefix: &str) -> String {
        let lock = String::from_utf8(self.repo.read(".gatekeeper/sacred.lock")).unwrap();
        let older: String = lock
            .lines()
            .filter(|line| !line.starts_with(prefix))
            .fold(String::new(), |acc, line| acc + line + "\n");
        assert_ne!(older, lock, "the lock has no `{prefix}` line");
        self.commit_lock(&older);
        lock
    }

    /// Commits the lock as the first reading of a test's hooks wrote it: without its
    /// `hooks-read` lines and without the lines that hold `dropped` (what that reading did
    /// not record).
    pub fn commit_lock_of_an_earlier_reading(&self, dropped: &str) {
        let lock = String::from_utf8(self.repo.read(".gatekeeper/sacred.lock")).unwrap();
        let older: String = lock
            .lines()
            .filter(|line| !line.starts_with("  hooks-read ") && !line.contains(dropped))
            .fold(String::new(), |acc, line| acc + line + "\n");
        assert!(
            lock.lines().any(|l| l.contains(dropped)),
            "the lock holds no `{dropped}` line"
        );
        self.commit_lock(&older);
    }

    /// Rewrites `path` from `base` with each `(from, to)` replacement; every `from` must occur.
    pub fn edit(&self, path: &str, base: &str, edits: &[(&str, &str)]) {
        let mut content = base.to_owned();
        for (from, to) in edits {
            assert!(
                content.contains(from),
                "edit target not found in {path}: {from:?}"
            );
            content = content.replacen(from, to, 1);
        }
        assert_ne!(content, base, "the edit must change the file");
        self.repo.write(path, content);
    }

    pub fn check_staged(&self) -> Output {
        self.repo.git(&["add", "-A"]);
        self.repo.gk(&["sacred", "check", "--staged"])
    }

    /// Commits what is staged (without hooks) and checks HEAD against the lock at HEAD~1.
    pub fn check_base(&self) -> Output {
        self.repo.git(&["add", "-A"]);
        self.repo
            .git(&["commit", "-q", "--no-verify", "-m", "change"]);
        self.repo.gk(&["sacred", "check", "--base", "HEAD~1"])
    }

    /// Both checks refuse with `rule`, naming `test` in the finding.
    pub fn assert_refused(&self, rule: &str, test: &str) {
        for (what, out) in [
            ("check --staged", self.check_staged()),
            ("check --base", self.check_base()),
        ] {
            assert_code(&out, 1, what);
            let err = String::from_utf8_lossy(&out.stderr);
            let wanted = format!("refused: {test} [{rule}]");
            assert!(
                err.lines().any(|l| l == wanted),
                "{what}: no `{wanted}`\n{}",
                text(&out)
            );
        }
    }

    /// `check --staged` refuses `test`, under whatever rule (`what` names the case).
    pub fn assert_staged_refuses(&self, test: &str, what: &str) {
        let out = self.check_staged();
        assert_code(&out, 1, what);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("refused: {test} [")),
            "{what}\n{}",
            text(&out)
        );
    }

    /// The committed lock holds a record for `test` (so a passing check compared it).
    pub fn assert_locked(&self, test: &str) {
        let lock = String::from_utf8(self.repo.read(".gatekeeper/sacred.lock")).unwrap();
        let wanted = format!("test {test}");
        assert!(
            lock.lines().any(|l| l == wanted),
            "the lock has no `{wanted}`:\n{lock}"
        );
    }

    /// Both checks pass (exit 0, no finding) after comparing at least one locked test
    /// against a lock that was found: a harmless edit cannot pass because nothing was checked.
    pub fn assert_passes_checked(&self) {
        self.repo.git(&["add", "-A"]);
        let staged = self
            .repo
            .gk(&["--format", "json", "sacred", "check", "--staged"]);
        self.repo
            .git(&["commit", "-q", "--no-verify", "-m", "change"]);
        let base = self
            .repo
            .gk(&["--format", "json", "sacred", "check", "--base", "HEAD~1"]);
        for (what, out) in [("check --staged", staged), ("check --base", base)] {
            assert_code(&out, 0, what);
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{what}: not JSON ({e}):\n{}", text(&out)));
            assert_eq!(v["lock_found"], true, "{what}: {v}");
            assert!(
                v["checked"].as_u64().is_some_and(|n| n >= 1),
                "{what}: nothing was checked: {v}"
            );
            assert_eq!(
                v["findings"].as_array().map(Vec::len),
                Some(0),
                "{what}: {v}"
            );
        }
    }

    /// Both checks pass, each saying that the locked test `from` is now `to` and that the
    /// lock follows it there.
    pub fn assert_moved(&self, from: &str, to: &str) {
        for (what, out) in [
            ("check --staged", self.check_staged()),
            ("check --base", self.check_base()),
        ] {
            assert_code(&out, 0, what);
            let err = String::from_utf8_lossy(&out.stderr);
            let wanted = format!("note: `{from}` is now `{to}` (");
            assert!(
                err.lines().any(|l| l.starts_with(&wanted)),
                "{what}: no `{wanted}`\n{}",
                text(&out)
            );
        }
    }

    /// Both checks pass.
    pub fn assert_passes(&self) {
        for (what, out) in [
            ("check --staged", self.check_staged()),
            ("check --base", self.check_base()),
        ] {
            assert_code(&out, 0, what);
        }
    }
}

/// `refuses!(name, FILE, BASE, [(from, to), …], "rule", "test id part")`: the edit is refused.
macro_rules! refuses {
    ($name:ident, $file:expr, $base:expr, [$(($from:expr, $to:expr)),* $(,)?], $rule:expr, $test:expr) => {
        #[test]
        fn $name() {
            let l = super::locked(&[($file, $base)]);
            l.edit($file, $base, &[$(($from, $to)),*]);
            l.assert_refused($rule, $test);
        }
    };
}

/// `passes!(name, FILE, BASE, [(from, to), …])`: the edit is accepted.
macro_rules! passes {
    ($name:ident, $file:expr, $base:expr, [$(($from:expr, $to:expr)),* $(,)?]) => {
        #[test]
        fn $name() {
            let l = super::locked(&[($file, $base)]);
            l.edit($file, $base, &[$(($from, $to)),*]);
            l.assert_passes();
        }
    };
}

/// `harmless!(name, FILE, BASE, "locked test id", [(from, to), …])`: the locked test is in
/// the lock, and the edit is accepted by both checks, which compared it.
macro_rules! harmless {
    ($name:ident, $file:expr, $base:expr, $test:expr, [$(($from:expr, $to:expr)),* $(,)?]) => {
        #[test]
        fn $name() {
            let l = super::locked(&[($file, $base)]);
            l.assert_locked($test);
            l.edit($file, $base, &[$(($from, $to)),*]);
            l.assert_passes_checked();
        }
    };
}

/// `moves!(name, FILE, BASE, [(from, to), …], "locked id", "new id")`: the locked test is
/// found, keeping every check, under the new id; both checks pass and say so.
macro_rules! moves {
    ($name:ident, $file:expr, $base:expr, [$(($from:expr, $to:expr)),* $(,)?], $old:expr, $new:expr) => {
        #[test]
        fn $name() {
            let l = super::locked(&[($file, $base)]);
            l.edit($file, $base, &[$(($from, $to)),*]);
            l.assert_moved($old, $new);
        }
    };
}

mod attacks;
mod commands;
mod computed;
mod declared;
mod evidence;
mod flow;
mod go;
mod inlined;
mod js;
mod js_import;
mod moved;
mod python;
mod python_class;
mod python_import;
mod respelled;
mod runners;
mod rust;
mod setters;
mod shared_state;
mod symlinks;
mod testify;
mod ts;
