//! `.gatekeeper/sacred.lock`: a deterministic, line-oriented text file with one record per
//! sacred test, sorted by id, so that a re-lock shows up in review as a readable diff.
//!
//! ```text
//! # gatekeeper sacred lock v1 ...
//!
//! test rust:tests/billing.rs::refund_is_never_negative
//!   file tests/billing.rs
//!   structure <sha256>
//!   body <sha256>
//!   envelope <sha256>
//!   assertions 2
//!   returns 0
//!   skips 0
//!   swallows 0
//!   modifier #[test]
//!   assert [] assert_eq!(refund(10),0)
//!   assert [if_expression] assert!(x>0)
//!   statements 1a2b3c4d5e6f 0a1b2c3d4e5f
//!   bindings 1
//!   binding use billing::refund
//! ```
//!
//! A test also has `envelope-bindings N` and one
//! `envelope-binding TEXT` per binding of what surrounds it (a name its decorators or callee
//! use, a fixture, a check helper it calls: `helper NAME: TEXT`), then `helpers N`, the
//! number of check helpers among them.
//!
//! Texts are normalised (no comments, no layout); `\` and newlines in them are escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{Context as _, Result, bail};

use super::analysis::TestItem;

/// Where the lock lives, relative to the repository root.
pub const LOCK_PATH: &str = ".gatekeeper/sacred.lock";

const HEADER: &str = "# gatekeeper sacred lock v1\n\
# Written by `gatekeeper sacred lock`; do not edit by hand. In CI, a change to this file is\n\
# accepted only in a commit signed by a key in .gatekeeper/allowed_signers.\n";

/// One locked assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedAssertion {
    pub path: String,
    pub text: String,
}

/// One locked test.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LockedTest {
    pub id: String,
    pub file: String,
    pub structure: String,
    pub body: String,
    pub envelope: String,
    pub assertion_count: usize,
    pub returns: usize,
    pub skips: usize,
    pub swallows: usize,
    pub modifiers: Vec<String>,
    pub assertions: Vec<LockedAssertion>,
    pub statements: Vec<String>,
    /// Module-level bindings of the names the test uses; `None` in locks written before
    /// they were recorded (then not compared).
    pub bindings: Option<Vec<String>>,
    /// Module-level bindings of the names the test's envelope uses (its decorators, its
    /// callee); `None` in locks written before they were recorded (then compared with the
    /// base revision's file).
    pub envelope_bindings: Option<Vec<String>>,
    /// Whether its `envelope_bindings` hold the check helpers it reaches (`helper NAME: …`,
    /// written as a `helpers N` count); false in locks written before (then the base
    /// revision's file decides).
    pub helpers_recorded: bool,
    /// Whether its `envelope_bindings` hold the methods of its class and of the bases of its
    /// file that run for it unasked (`hook …`, `in a base: …`, written as a `hooks N` count);
    /// false in locks written before (then the base revision's file decides).
    pub hooks_recorded: bool,
    /// Which reading of those methods wrote them (written as `hooks-read N` after `hooks`;
    /// 1 when absent): a hook line a later reading finds that the lock does not hold is
    /// judged by the base revision's file until the next re-lock (see [`HOOKS_READ`]).
    pub hooks_read: u32,
}

/// The reading of the methods and files that run for a test unasked that this build
/// records: 1 read the test's class, its bases of its file and of a module of the tests;
/// 2 also reads the bases that module imports from another one, the files in
/// subdirectories of a Go package's `testdata`, the Rust module declarations (and the
/// macros in scope there) that compile a test file, and the other `hook …` lines added with
/// it (package `__init__.py`, `collect_ignore`, import homes, skipping helpers, included
/// files, `insta` snapshots, dependency sources, `tsconfig` paths); 3 also reads a Go
/// test's `go.mod` (`module`, `replace`) and `go.work`, a Rust crate's name, workspace
/// members and build script (for every test), and the `[[test]]` target named as its file;
/// 4 also reads which files answer a JS/TS test's extensionless relative imports written
/// inside a test (`await import('../src/billing')`) whatever quotes come before; 5 also
/// locks a Rust helper of the test code that writes beyond its locals (a `static mut`, an
/// atomic, cell or lock of a static, a `thread_local!` key, the environment, or through a
/// shared reference it is handed: `import_hazards::rust_writes_beyond_locals`) as a
/// `hook skips, …` line, which a lock written before does not hold for a helper that
/// already did so; and it also
/// reads a dotted specifier (`'../src/billing.service'`) as one the runner resolves, the
/// Cargo targets that compile a Rust test's file as TOML reads the manifest (`[[bin]]`,
/// literal strings, inline tables, dotted keys), the trait `impl`s of the other files of an
/// integration test's binary, and the helpers that patch through a call or a parameter's
/// default (`mock.patch(…).start()`, `jest.spyOn(…)`, `os.Setenv`, `def cart(m=billing)`);
/// 6 also reads what the modules the code under test loads in turn, and the `__init__.py`
/// of the packages on the way, patch at their top (`hook imported code patches (in …)`);
/// 7 also reads the classes and functions of the test's file that such a method reaches
/// (`served: helper …`), and a mixin's own methods that the framework of a subclass of
/// its file calls; 8 also reads a Rust test file's declaration inside inline modules of
/// its parent, the methods of a Go test type declared in another file than the type or of
/// one that embeds a type (`hook method (in …): … sha256:…`), and a Python process-wide
/// setter called or handed on as a module of the tests is imported; 9 also reads, as a patch
/// at the top of a module a JS/TS test loads in turn (bound to a name or loaded for its
/// effects alone, or by a runner's setup file), a write to a member of another module it
/// loads (`pay.total = …` after `const pay = require('./pay.js')`) and the module's functions
/// an `expect.extend` names, a file named exactly as an extensionless import, code beside
/// the entries of a snapshot file, an AVA macro test, and what a Rust crate's own code
/// compiles differently under `cfg(test)` for its unit tests (`hook test-cfg (in …): …`);
/// 10 also locks a helper whose value reaches an assertion through the test's own statements
/// ([`FLOW_READ`]), an AVA test's `.snap` file and a Vitest file snapshot (`hook golden …`),
/// the data files a JS runner configuration loads, a workspace package's entry fields, and
/// what a Go package of the tests' own code the test imports runs as it starts; 11 also
/// locks node:test's `.snapshot` entries, the `.snap` entries a Jest or Vitest snapshot
/// resolver places (with the files that call `setResolveSnapshotPath`), an AVA test's `.snap`
/// file when it snapshots through a helper it imports, and the check helpers of a Go package
/// of the module outside the test directories; 12 also locks the file node:test's
/// `t.assert.fileSnapshot(value, path)` compares with; 13 also reads a JS/TS test's `const
/// {X} = await import(S)` of a module its file imports as the static import of `X`
/// (`sacred::dynamic_imports`), and locks the file `fileSnapshot` compares with when it is
/// called by another name (`const {fileSnapshot} = t.assert`); 14 also locks what a Python
/// star import of a module of the repository, or a Rust glob import of a module of the
/// test's own library, brings (`hook star import …`, `hook glob import …`), and what a Rust
/// crate's own code compiles differently under `cfg(debug_assertions)` (`hook test-cfg`);
/// 15 also reads the name a Go import without one binds as Go's tools assume it from the
/// path (`…/v2` and `gopkg.in/yaml.v3` bind the name before the version), so such an import
/// is locked with the tests that use it, and locks the build constraint of each other test
/// file whose declarations a Go test reads (`hook go build (in FILE): EXPR`); 16 also locks
/// a Go import without a name whose assumed name qualifies nothing in its file (its package
/// names itself otherwise) with every test that uses a qualifier no other import names
/// (`bindings::go_unseen_names`).
pub const HOOKS_READ: u32 = 16;

/// The reading that last widened the helpers locked for their value reaching an assertion
/// through the test's statements (`got = run(xs)`, `xs = items()`, see `sacred::flow`; 11:
/// also a value handed to something that keeps it, `store(items())`, read back by a later
/// check): under a lock written before it, a helper line the lock does not hold is judged
/// by the base revision.
pub const FLOW_READ: u32 = 11;

/// The whole lock, by test id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SacredLock {
    pub tests: BTreeMap<String, LockedTest>,
}

impl LockedTest {
    pub fn from_item(t: &TestItem) -> LockedTest {
        LockedTest {
            id: t.id.clone(),
            file: t.path.clone(),
            structure: t.structure.clone(),
            body: t.body.clone(),
            envelope: t.envelope.clone(),
            assertion_count: t.assertions.len(),
            returns: t.returns,
            skips: t.skips,
            swallows: t.swallows,
            modifiers: t.envelope_lines.clone(),
            assertions: t
                .assertions
                .iter()
                .map(|a| LockedAssertion {
                    path: a.path.clone(),
                    text: a.text.clone(),
                })
                .collect(),
            statements: t.statements.iter().map(|s| s.hash.clone()).collect(),
            bindings: Some(t.bindings.clone()),
            envelope_bindings: Some(t.envelope_bindings.clone()),
            helpers_recorded: true,
            hooks_recorded: true,
            hooks_read: HOOKS_READ,
        }
    }
}

/// What a check reads of the new content for `tests` (locked tests of one file): those tests,
/// and for each locked without a `parametrize`, a reading per case of one it may have now.
pub(crate) fn want_locked<'a>(tests: impl IntoIterator<Item = &'a LockedTest>) -> super::Want {
    let mut ids = std::collections::BTreeSet::new();
    let mut unparametrized = std::collections::BTreeSet::new();
    for t in tests {
        ids.insert(t.id.clone());
        if !t
            .modifiers
            .iter()
            .any(|m| m.starts_with("@pytest.mark.parametrize("))
        {
            unparametrized.insert(t.id.clone());
        }
    }
    super::Want::Locked(ids, unparametrized)
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl SacredLock {
    /// The lock for these (sacred) tests.
    pub fn from_items<'a>(items: impl IntoIterator<Item = &'a TestItem>) -> SacredLock {
        SacredLock {
            tests: items
                .into_iter()
                .map(|t| (t.id.clone(), LockedTest::from_item(t)))
                .collect(),
        }
    }

    /// The file's text: the header, then one record per test sorted by id.
    pub fn render(&self) -> String {
        let mut out = String::from(HEADER);
        for t in self.tests.values() {
            let _ = write!(
                out,
                "\ntest {}\n  file {}\n  structure {}\n  body {}\n  envelope {}\n  assertions {}\n  returns {}\n  skips {}\n  swallows {}\n",
                escape(&t.id),
                escape(&t.file),
                t.structure,
                t.body,
                t.envelope,
                t.assertion_count,
                t.returns,
                t.skips,
                t.swallows
            );
            for m in &t.modifiers {
                let _ = writeln!(out, "  modifier {}", escape(m));
            }
            for a in &t.assertions {
                let _ = writeln!(out, "  assert [{}] {}", a.path, escape(&a.text));
            }
            let _ = writeln!(out, "  statements {}", t.statements.join(" "));
            if let Some(b) = &t.bindings {
                let _ = writeln!(out, "  bindings {}", b.len());
                for l in b {
                    let _ = writeln!(out, "  binding {}", escape(l));
                }
            }
            if let Some(b) = &t.envelope_bindings {
                let _ = writeln!(out, "  envelope-bindings {}", b.len());
                for l in b {
                    let _ = writeln!(out, "  envelope-binding {}", escape(l));
                }
            }
            if t.helpers_recorded {
                let n = t
                    .envelope_bindings
                    .iter()
                    .flatten()
                    .filter(|l| l.starts_with("helper "))
                    .count();
                let _ = writeln!(out, "  helpers {n}");
            }
            if t.hooks_recorded {
                let n = t
                    .envelope_bindings
                    .iter()
                    .flatten()
                    .filter(|l| crate::sacred::bindings::is_hook_line(l))
                    .count();
                let _ = writeln!(out, "  hooks {n}");
                if t.hooks_read > 1 {
                    let _ = writeln!(out, "  hooks-read {}", t.hooks_read);
                }
            }
        }
        out
    }

    /// Reads a lock file's text. Anything unexpected is an error: a lock that cannot be
    /// read must never pass for an empty one.
    pub fn parse(text: &str) -> Result<SacredLock> {
        let mut tests = BTreeMap::new();
        let mut current: Option<LockedTest> = None;
        for (n, line) in text.lines().enumerate() {
            let lineno = n + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(id) = line.strip_prefix("test ") {
                if let Some(t) = current.take() {
                    tests.insert(t.id.clone(), t);
                }
                current = Some(LockedTest {
                    id: unescape(id),
                    ..LockedTest::default()
                });
                continue;
            }
            let Some(rest) = line.strip_prefix("  ") else {
                bail!("line {lineno}: expected `test ID` or an indented field");
            };
            let Some(t) = current.as_mut() else {
                bail!("line {lineno}: a field before the first `test` record");
            };
            let (key, value) = rest.split_once(' ').unwrap_or((rest, ""));
            let number = || -> Result<usize> {
                value
                    .parse()
                    .with_context(|| format!("line {lineno}: `{key}` is not a number"))
            };
            match key {
                "file" => t.file = unescape(value),
                "structure" => value.clone_into(&mut t.structure),
                "body" => value.clone_into(&mut t.body),
                "envelope" => value.clone_into(&mut t.envelope),
                "assertions" => t.assertion_count = number()?,
                "returns" => t.returns = number()?,
                "skips" => t.skips = number()?,
                "swallows" => t.swallows = number()?,
                "modifier" => t.modifiers.push(unescape(value)),
                "assert" => {
                    let Some((path, text)) =
                        value.strip_prefix('[').and_then(|v| v.split_once("] "))
                    else {
                        bail!("line {lineno}: expected `assert [PATH] TEXT`");
                    };
                    t.assertions.push(LockedAssertion {
                        path: path.to_owned(),
                        text: unescape(text),
                    });
                }
                "statements" => {
                    t.statements = value.split_whitespace().map(str::to_owned).collect();
                }
                "bindings" => {
                    number()?;
                    t.bindings.get_or_insert_with(Vec::new);
                }
                "binding" => t
                    .bindings
                    .get_or_insert_with(Vec::new)
                    .push(unescape(value)),
                "envelope-bindings" => {
                    number()?;
                    t.envelope_bindings.get_or_insert_with(Vec::new);
                }
                "envelope-binding" => t
                    .envelope_bindings
                    .get_or_insert_with(Vec::new)
                    .push(unescape(value)),
                "helpers" => {
                    number()?;
                    t.helpers_recorded = true;
                }
                "hooks" => {
                    number()?;
                    t.hooks_recorded = true;
                    t.hooks_read = t.hooks_read.max(1);
                }
                "hooks-read" => {
                    t.hooks_read = u32::try_from(number()?).unwrap_or(u32::MAX);
                }
                other => bail!("line {lineno}: unknown field `{other}`"),
            }
        }
        if let Some(t) = current.take() {
            tests.insert(t.id.clone(), t);
        }
        for t in tests.values() {
            if t.file.is_empty() || t.structure.is_empty() || t.envelope.is_empty() {
                bail!("the record of `{}` is incomplete", t.id);
            }
        }
        Ok(SacredLock { tests })
    }

    /// The files the lock names, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut f: Vec<String> = self.tests.values().map(|t| t.file.clone()).collect();
        f.sort();
        f.dedup();
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_round_trips_through_its_text() {
        let mut lock = SacredLock::default();
        lock.tests.insert(
            "rust:a.rs::t".into(),
            LockedTest {
                id: "rust:a.rs::t".into(),
                file: "a.rs".into(),
                structure: "aa".into(),
                body: "bb".into(),
                envelope: "cc".into(),
                assertion_count: 1,
                modifiers: vec!["#[test]".into()],
                assertions: vec![LockedAssertion {
                    path: "if_expression".into(),
                    text: "assert!(\"a\\nb\\\\\")".into(),
                }],
                statements: vec!["0123".into(), "4567".into()],
                ..LockedTest::default()
            },
        );
        let text = lock.render();
        assert_eq!(SacredLock::parse(&text).unwrap(), lock);
        assert_eq!(SacredLock::parse(&text).unwrap().render(), text);
    }

    #[test]
    fn which_reading_wrote_the_hooks_is_kept() {
        let lock_with = |hooks_recorded: bool, hooks_read: u32| {
            let mut lock = SacredLock::default();
            lock.tests.insert(
                "x".into(),
                LockedTest {
                    id: "x".into(),
                    file: "a.py".into(),
                    structure: "aa".into(),
                    body: "bb".into(),
                    envelope: "cc".into(),
                    envelope_bindings: Some(Vec::new()),
                    hooks_recorded,
                    hooks_read,
                    ..LockedTest::default()
                },
            );
            lock
        };
        let now = lock_with(true, HOOKS_READ).render();
        assert!(
            now.ends_with(&format!("  hooks 0\n  hooks-read {HOOKS_READ}\n")),
            "{now}"
        );
        assert_eq!(
            SacredLock::parse(&now).unwrap(),
            lock_with(true, HOOKS_READ)
        );
        // The first reading wrote `hooks` alone.
        let first = now.replace(&format!("  hooks-read {HOOKS_READ}\n"), "");
        assert_eq!(SacredLock::parse(&first).unwrap(), lock_with(true, 1));
        let none = first.replace("  hooks 0\n", "");
        assert_eq!(SacredLock::parse(&none).unwrap(), lock_with(false, 0));
    }

    #[test]
    fn unknown_lock_field_is_an_error() {
        let err = SacredLock::parse("test x\n  file a.rs\n  bogus 1\n").unwrap_err();
        assert!(err.to_string().contains("unknown field `bogus`"), "{err}");
    }
}
