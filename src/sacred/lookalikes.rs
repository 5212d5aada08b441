//! Which files of the work tree could have written a report entry: a looser reading of a
//! report (a suffix of a path, a module path without its package prefix) stands for the
//! sacred test only when no other file of the repository could have produced the same
//! entry, and a nextest entry only when it names the binary the test's file is built into.
//!
//! Why: with the sacred test kept from running (a `conftest.py` that deselects it, a runner
//! filter), a look-alike elsewhere (`tests/other/tests/billing/test_pay.py`,
//! `internal/billing`, `legacy/tests/billing/pay.test.js`, a `mod pay { mod tests { … } }`
//! in an integration test) reports an entry that a looser reading takes for the test.
//!
//! **Invariant (fail closed):** what cannot be read (a `Cargo.toml` without a package name,
//! an unreadable directory) never widens a match: the entry is not the sacred test's.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

/// The repository's work tree, as the evidence check reads it: files listed once, on first
/// need (only a looser match needs them).
pub struct WorkTree {
    root: PathBuf,
    canonical: Option<PathBuf>,
    files: OnceCell<Option<Vec<String>>>,
    /// The JavaScript/TypeScript files outside `node_modules`, with their text and the
    /// titles their calls could report (`None`: unreadable, or not read as JavaScript), read
    /// once on first need (see [`WorkTree::title_elsewhere`]).
    js_texts: OnceCell<Vec<JsFile>>,
    /// Whether every Python entry of the reports read names a module found from the root
    /// (see [`WorkTree::python_entries_from_root`]); `true` until told otherwise.
    python_from_root: std::cell::Cell<bool>,
    /// [`WorkTree::python_entry_writer`], read once.
    entry_writer: OnceCell<Option<String>>,
}

impl WorkTree {
    pub fn new(root: &Path) -> WorkTree {
        WorkTree {
            root: root.to_path_buf(),
            canonical: std::fs::canonicalize(root).ok(),
            files: OnceCell::new(),
            js_texts: OnceCell::new(),
            python_from_root: std::cell::Cell::new(true),
            entry_writer: OnceCell::new(),
        }
    }

    /// Records whether pytest wrote the reports from the repository's root: every entry
    /// whose `classname` reads as a Python module path (`tests.billing.test_pay`,
    /// `tests.billing.test_pay.TestPay`) names a file found from the root. Under another
    /// root directory (a `setup.py` or `pytest.ini` in `tests/` makes it pytest's rootdir),
    /// a look-alike `tests/tests/billing/test_pay.py` reports exactly the entry the sacred
    /// test would from the root.
    pub fn read_python_entries<'a>(&self, classnames: impl Iterator<Item = &'a str>) {
        let mut from_root = true;
        for c in classnames {
            // pytest writes an empty classname for a module skipped whole; JUnit entries of
            // other runners name files by their path (`tests/pay.test.js`) or a crate
            // (`shop::bin/it`).
            if c.is_empty() || c.contains('/') || c.contains("::") {
                continue;
            }
            // The module the entry names must be a file found from the root (not a
            // package's `__init__.py`, which pytest does not collect tests from), the rest
            // its classes: `billing.test_warmup` is no such entry when only `billing/` is at
            // the root, nor is a name that is no module path (`tests.aaa-warmup.test_w`).
            let parts: Vec<&str> = c.split('.').collect();
            let python = parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|ch| ch.is_alphanumeric() || ch == '_'));
            let found = python
                && (1..=parts.len()).any(|n| {
                    let path = parts[..n].join("/");
                    self.root.join(format!("{path}.py")).is_file()
                });
            if !found {
                from_root = false;
                break;
            }
        }
        self.python_from_root.set(from_root);
    }

    /// Whether an entry that names the locked test's module exactly (`module`) is the
    /// sacred test's: it is when no other file could have written it, or when the reports
    /// were written from the root (see [`WorkTree::read_python_entries`]).
    /// Written from the root, a file whose path joined by dots is the same module path (a
    /// directory `tests.billing/` holding `test_pay.py`, a file `tests/billing.test_pay.py`)
    /// reports exactly the same entry: then only a module no other file could name is.
    pub fn python_exact(&self, module: &str, locked: &str) -> bool {
        (self.python_from_root.get() && !self.same_dotted_path(module, locked))
            || self.only_python_module(module, locked)
    }

    /// Whether a Python file of the repository other than `locked` reads as the module path
    /// `module` when its `/` are read as `.` (pytest's `classname` from the root).
    fn same_dotted_path(&self, module: &str, locked: &str) -> bool {
        let Some(files) = self.files() else {
            return true;
        };
        files.iter().any(|f| {
            f != locked
                && f.strip_suffix(".py")
                    .is_some_and(|stem| stem.replace('/', ".") == module)
        })
    }

    /// The first Python file of the work tree (pytest's own package and installed packages
    /// left out) that names pytest's `record_xml_attribute` fixture, with which a test sets
    /// its report entry's `classname` and `name` to anything, computed at run time too.
    pub fn python_entry_writer(&self) -> Option<String> {
        self.entry_writer
            .get_or_init(|| self.find_python_entry_writer())
            .clone()
    }

    fn find_python_entry_writer(&self) -> Option<String> {
        // A work tree that cannot be listed may hold one.
        let Some(files) = self.files() else {
            return Some("(the work tree could not be listed)".to_owned());
        };
        files
            .iter()
            .filter(|f| {
                Path::new(f.as_str())
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("py"))
            })
            .filter(|f| {
                !(f.contains("site-packages/")
                    || f.contains("dist-packages/")
                    || f.starts_with("_pytest/")
                    || f.contains("/_pytest/"))
            })
            .find(|f| {
                std::fs::read(self.root.join(f.as_str())).is_ok_and(|bytes| {
                    bytes
                        .windows(b"record_xml_attribute".len())
                        .any(|w| w == b"record_xml_attribute")
                })
            })
            .cloned()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every file of the work tree but `.git`'s, relative to the root with `/` between
    /// directories; `None` when a directory cannot be listed (then no file is known to be
    /// alone). No other directory is left out: a look-alike may sit anywhere a runner can be
    /// told to look (`node_modules`, a virtualenv, `testdata`).
    fn files(&self) -> Option<&[String]> {
        self.files
            .get_or_init(|| {
                let mut out = Vec::new();
                let walk = walkdir::WalkDir::new(&self.root)
                    .follow_links(false)
                    .into_iter()
                    .filter_entry(|e| e.depth() != 1 || e.file_name() != ".git");
                for entry in walk {
                    let entry = entry.ok()?;
                    if !entry.file_type().is_file() {
                        continue;
                    }
                    if let Ok(rel) = entry.path().strip_prefix(&self.root) {
                        out.push(rel.to_string_lossy().replace('\\', "/"));
                    }
                }
                out.sort();
                Some(out)
            })
            .as_deref()
    }

    /// Whether a path a report gives for a test's file (`reported`: vitest's `classname`, a
    /// `file` attribute) names the locked file `locked` (relative to the root): the same
    /// path, the same file under the root as given or canonicalized (jest-junit writes
    /// absolute paths), or a shorter path (a runner started in a sub-directory) that ends
    /// `locked` and that no other file of the repository also ends.
    pub fn names_file(&self, reported: &str, locked: &str) -> bool {
        let r = reported.trim_start_matches("./");
        if r == locked {
            return true;
        }
        if Path::new(r).is_absolute() {
            let p = Path::new(r);
            return p == self.root.join(locked)
                || self.canonical.as_ref().is_some_and(|c| p == c.join(locked));
        }
        if r.is_empty() || !locked.ends_with(&format!("/{r}")) {
            return false;
        }
        let tail = format!("/{r}");
        self.files().is_some_and(|files| {
            !files
                .iter()
                .any(|f| f != locked && (f == r || f.ends_with(&tail)))
        })
    }

    /// Whether `locked` is the only file of the work tree that `names` accepts.
    pub fn only_file(&self, locked: &str, names: impl Fn(&str) -> bool) -> bool {
        self.files()
            .is_some_and(|files| !files.iter().any(|f| f != locked && names(f)))
    }

    /// Whether a JavaScript or TypeScript file of the work tree other than `locked`, outside
    /// `node_modules`, could have written a report entry that names no file (AVA's title
    /// alone, jest-junit without `file`): one of `entries` (the entry's full titles, as the
    /// report may have joined them) or the locked test's `title` as written. A file could
    /// when it holds `title`, or when one of its calls that could register a test (see
    /// [`crate::sacred::lang::Registered`]) could report one of `entries`: its titles and
    /// its suites' joined by ` `, ` › ` or ` > `, a part computed at run time matching any
    /// text, after any titles when the call sits in a wrapper. A file that cannot be read,
    /// or read as JavaScript, counts as one that could.
    pub fn title_elsewhere(&self, title: &str, entries: &[String], locked: &str) -> bool {
        if self.files().is_none() {
            return true;
        }
        let texts = self.js_files();
        texts.iter().filter(|f| f.path != locked).any(|f| {
            f.read.as_ref().is_none_or(|(text, titles)| {
                text.contains(title)
                    || titles
                        .iter()
                        .any(|r| entries.iter().any(|e| could_report(r, e)))
            })
        })
    }

    /// Whether a registration of the locked test's own file `file` other than the test's
    /// own (`own`: its suite titles, then its title) could write one of `entries`: a test
    /// `describe('refunds adds', () => test('%i and %i', …))` beside a locked
    /// `describe('refunds', () => test.each(…)('adds %i and %i', …))` writes the entry the
    /// locked template would, and one titled `adds 1 and 2` writes a case's. Such an entry
    /// proves nothing of the locked test.
    pub fn title_in_own_file(&self, file: &str, own: &[String], entries: &[String]) -> bool {
        if self.files().is_none() {
            return false;
        }
        let is_own = |r: &crate::sacred::lang::Registered| {
            r.titles.len() == own.len()
                && r.titles.iter().zip(own).all(|(level, want)| {
                    matches!(level.as_slice(), [crate::sacred::lang::Piece::Text(t)] if t == want)
                })
        };
        self.js_files().iter().filter(|f| f.path == file).any(|f| {
            f.read.as_ref().is_none_or(|(_, titles)| {
                titles
                    .iter()
                    .filter(|r| !is_own(r))
                    .any(|r| entries.iter().any(|e| could_report(r, e)))
            })
        })
    }

    /// The JavaScript and TypeScript files of the work tree, each with the titles it
    /// registers, read once.
    fn js_files(&self) -> &[JsFile] {
        self.js_texts.get_or_init(|| {
            let js = |f: &str| {
                [".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"]
                    .iter()
                    .any(|e| f.ends_with(e))
            };
            self.files()
                .unwrap_or_default()
                .iter()
                .filter(|f| js(f) && !f.split('/').any(|p| p == "node_modules"))
                .map(|f| {
                    let read = std::fs::read(self.root.join(f)).ok().and_then(|b| {
                        let text = String::from_utf8_lossy(&b).into_owned();
                        let titles = crate::sacred::lang::js_registered_titles(f, &text)?;
                        Some((text, titles))
                    });
                    JsFile {
                        path: f.clone(),
                        read,
                    }
                })
                .collect()
        })
    }

    /// Whether no Python file of the repository but `locked` has a dotted path (`a/b.py` →
    /// `a.b`) that a report's module `module` could name: the same, one ending with
    /// `.module` (a runner started in a sub-directory), or one `module` ends with
    /// (`--junitprefix`).
    pub fn only_python_module(&self, module: &str, locked: &str) -> bool {
        if module.is_empty() {
            return false;
        }
        let Some(files) = self.files() else {
            return false;
        };
        !files.iter().any(|f| {
            f != locked
                && f.strip_suffix(".py").is_some_and(|stem| {
                    let q = stem.replace('/', ".");
                    q == module
                        || q.ends_with(&format!(".{module}"))
                        || module.ends_with(&format!(".{q}"))
                })
        })
    }

    /// Whether no Go package directory of the repository (one with a `_test.go` file) but
    /// `dir` could have reported package `package`: its import path (module path plus
    /// directory) is `package`, or `package` is or ends with `/` and the directory. The root
    /// directory, whose import path is all of the module's, counts only by its import path.
    pub fn only_go_package(&self, package: &str, dir: &str) -> bool {
        let Some(files) = self.files() else {
            return false;
        };
        let mut dirs: Vec<&str> = files
            .iter()
            .filter(|f| f.ends_with("_test.go"))
            .map(|f| f.rsplit_once('/').map_or("", |(d, _)| d))
            .collect();
        dirs.dedup();
        !dirs.iter().any(|d| {
            *d != dir
                && (self.go_import_path(d).is_some_and(|p| p == package)
                    || (!d.is_empty() && (package == *d || package.ends_with(&format!("/{d}")))))
        })
    }

    /// The directory (relative to the root, `""` for the root) of the `go.mod` nearest above
    /// `dir` that names a module.
    pub fn go_module_dir(&self, dir: &str) -> Option<String> {
        let mut d = PathBuf::from(dir);
        loop {
            if let Ok(text) = std::fs::read_to_string(self.root.join(&d).join("go.mod")) {
                return text
                    .lines()
                    .any(|l| l.trim().starts_with("module "))
                    .then(|| d.to_string_lossy().into_owned());
            }
            if !d.pop() {
                return None;
            }
        }
    }

    /// The import path of the Go package in `dir` (relative to the root), when a `go.mod`
    /// above it says.
    pub fn go_import_path(&self, dir: &str) -> Option<String> {
        let mut d = PathBuf::from(dir);
        loop {
            let gomod = self.root.join(&d).join("go.mod");
            if let Ok(text) = std::fs::read_to_string(&gomod) {
                let module = text.lines().find_map(|l| {
                    l.trim()
                        .strip_prefix("module ")
                        .map(|m| m.trim().trim_matches('"').to_owned())
                })?;
                let rel = Path::new(dir).strip_prefix(&d).ok()?.to_string_lossy();
                return Some(if rel.is_empty() {
                    module
                } else {
                    format!("{module}/{rel}")
                });
            }
            if !d.pop() {
                return None;
            }
        }
    }

    /// The nextest binary id a Rust file (relative to the root) is compiled into, read from
    /// the nearest `Cargo.toml` above it: the package name as written for the library (a
    /// file under `src/` when `src/lib.rs` exists), `PKG::bin/NAME` for a binary
    /// (`src/main.rs` is `PKG::bin/PKG`, as is every file under `src/` of a package without
    /// `src/lib.rs`; `src/bin/NAME.rs`, `src/bin/NAME/…`), `PKG::NAME` for an integration
    /// test (`tests/NAME.rs`, `tests/NAME/…`), `PKG::bench/NAME` and `PKG::example/NAME`.
    /// `None` when the package name cannot be read or the file is in none of these places
    /// (targets moved by `path =` in `Cargo.toml` are not read).
    pub fn rust_binary_id(&self, file: &str) -> Option<String> {
        let mut dir = Path::new(file).parent();
        while let Some(d) = dir {
            let manifest = self.root.join(d).join("Cargo.toml");
            if let Ok(text) = std::fs::read_to_string(&manifest) {
                let name = package_name(&text)?;
                let rel = Path::new(file).strip_prefix(d).ok()?.to_string_lossy();
                let lib = self.root.join(d).join("src/lib.rs").is_file();
                return binary_id(&name, &rel, lib);
            }
            dir = d.parent();
        }
        None
    }
}

/// `[package] name` of a `Cargo.toml`.
fn package_name(manifest: &str) -> Option<String> {
    let value: toml::Table = toml::from_str(manifest).ok()?;
    value
        .get("package")?
        .get("name")?
        .as_str()
        .map(str::to_owned)
}

/// The binary id of the file `rel` (relative to its package) of package `name`.
fn binary_id(name: &str, rel: &str, has_lib: bool) -> Option<String> {
    let parts: Vec<&str> = rel.split('/').collect();
    let target = |stem: &str| {
        if parts.len() == 2 {
            parts[1].strip_suffix(".rs").map(str::to_owned)
        } else {
            Some(stem.to_owned())
        }
    };
    match parts.as_slice() {
        ["src", "main.rs"] => Some(format!("{name}::bin/{name}")),
        ["src", "bin", rest @ ..] if !rest.is_empty() => {
            let bin = if rest.len() == 1 {
                rest[0].strip_suffix(".rs")?
            } else {
                rest[0]
            };
            Some(format!("{name}::bin/{bin}"))
        }
        ["src", ..] if has_lib => Some(name.to_owned()),
        ["src", ..] => Some(format!("{name}::bin/{name}")),
        ["tests", first, ..] => Some(format!("{name}::{}", target(first)?)),
        ["benches", first, ..] => Some(format!("{name}::bench/{}", target(first)?)),
        ["examples", first, ..] => Some(format!("{name}::example/{}", target(first)?)),
        _ => None,
    }
}

/// A JavaScript or TypeScript file as [`WorkTree::title_elsewhere`] reads it: its text and
/// the titles its calls could report, `None` when it could not be read so.
struct JsFile {
    path: String,
    read: Option<(String, Vec<crate::sacred::lang::Registered>)>,
}

/// Whether a registration could write the report entry `entry` (its full titles as one
/// string): its titles joined by one of the separators runners use, a part computed at run
/// time (and a `.each` placeholder) matching any text, and any titles before them when the
/// call sits in a wrapper. jest-junit's leading space before a test at the top of its file
/// is read too.
fn could_report(r: &crate::sacred::lang::Registered, entry: &str) -> bool {
    use crate::sacred::lang::Piece;
    // Every text a registration writes is in the entry it could write (a quick refusal, as
    // there may be many registrations in a repository).
    let texts_in_entry = r.titles.iter().flatten().all(|p| match p {
        Piece::Text(t) => crate::sacred::evidence::title_parts(t)
            .iter()
            .flatten()
            .all(|lit| entry.contains(lit.as_str())),
        Piece::Any => true,
    });
    if !texts_in_entry {
        return false;
    }
    for sep in [" ", " › ", " > "] {
        let mut pieces: Vec<Option<String>> = Vec::new();
        if r.anywhere {
            pieces.push(None);
        }
        for (i, level) in r.titles.iter().enumerate() {
            if i > 0 {
                pieces.push(Some(sep.to_owned()));
            }
            for p in level {
                match p {
                    Piece::Text(t) => pieces.extend(crate::sacred::evidence::title_parts(t)),
                    Piece::Any => pieces.push(None),
                }
            }
        }
        pieces.dedup_by(|a, b| a.is_none() && b.is_none());
        let glob = |e: &str| crate::sacred::evidence::parts_match(&pieces, e, None);
        if glob(entry) || glob(entry.trim_start()) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nextest_binary_ids_follow_cargo_targets() {
        let id = |rel: &str, lib: bool| binary_id("my-pkg", rel, lib);
        assert_eq!(id("src/lib.rs", true).as_deref(), Some("my-pkg"));
        assert_eq!(id("src/pay/mod.rs", true).as_deref(), Some("my-pkg"));
        assert_eq!(
            id("src/main.rs", true).as_deref(),
            Some("my-pkg::bin/my-pkg")
        );
        assert_eq!(
            id("src/pay.rs", false).as_deref(),
            Some("my-pkg::bin/my-pkg")
        );
        assert_eq!(
            id("src/bin/tool.rs", true).as_deref(),
            Some("my-pkg::bin/tool")
        );
        assert_eq!(
            id("src/bin/tool/main.rs", true).as_deref(),
            Some("my-pkg::bin/tool")
        );
        assert_eq!(id("tests/it.rs", true).as_deref(), Some("my-pkg::it"));
        assert_eq!(id("tests/it/main.rs", true).as_deref(), Some("my-pkg::it"));
        assert_eq!(
            id("tests/it/sacred.rs", true).as_deref(),
            Some("my-pkg::it")
        );
        assert_eq!(
            id("benches/speed.rs", true).as_deref(),
            Some("my-pkg::bench/speed")
        );
        assert_eq!(id("build.rs", true), None);
        assert_eq!(
            package_name("[package]\nname = \"my-pkg\"\n").as_deref(),
            Some("my-pkg")
        );
        assert_eq!(package_name("[workspace]\nmembers = []\n"), None);
    }

    fn tree(files: &[&str]) -> (tempfile::TempDir, WorkTree) {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let t = WorkTree::new(dir.path());
        (dir, t)
    }

    /// Whether the file `other.test.js` (or `.ts`) holding `src` could write `entry`, as seen
    /// from the locked `tests/billing/pay.test.js` whose test is titled `title`.
    fn could(name: &str, src: &str, title: &str, entry: &str) -> bool {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tests/billing")).unwrap();
        std::fs::write(dir.path().join("tests/billing/pay.test.js"), "").unwrap();
        std::fs::write(dir.path().join(name), src).unwrap();
        WorkTree::new(dir.path()).title_elsewhere(
            title,
            &[entry.to_owned()],
            "tests/billing/pay.test.js",
        )
    }

    #[test]
    fn a_look_alike_whose_title_is_computed_could_write_the_entry() {
        let js = "other.test.js";
        // The title as written, anywhere in the file.
        assert!(could(js, "const t = 'is exact';\n", "is exact", "is exact"));
        // A template literal, a `+`, a title in a variable, a macro's own title.
        let template = "test(`refund is ${'exact'}`, (t) => t.pass());\n";
        assert!(could(js, template, "refund is exact", "refund is exact"));
        assert!(!could(js, template, "total is owed", "total is owed"));
        let plus = "test('refund ' + kind, (t) => t.pass());\n";
        assert!(could(js, plus, "refund is exact", "refund is exact"));
        assert!(!could(js, plus, "total is exact", "total is exact"));
        let variable =
            "const name = ['refund', 'is', 'exact'].join(' ');\ntest(name, (t) => t.pass());\n";
        assert!(could(js, variable, "refund is exact", "refund is exact"));
        assert!(could(
            js,
            "test(macro, 1, 2);\n",
            "refund is exact",
            "refund is exact"
        ));
        // A describe and a test whose titles join into the entry, by any runner's separator.
        let split = "describe('refund', () => {\n  test('is exact', () => {});\n});\n";
        assert!(could(js, split, "refund is exact", "refund is exact"));
        assert!(could(js, split, "unwritten", "refund › is exact"));
        assert!(could(js, split, "unwritten", "refund > is exact"));
        assert!(!could(js, split, "unwritten", "refund was exact"));
        // A `.each` table's placeholders, in a test's and in a describe's title.
        let each = "test.each([[1, 2]])('adds %i and %i', (a, b) => {});\n";
        assert!(could(js, each, "adds 1 and 9", "adds 1 and 9"));
        assert!(!could(js, each, "adds one", "adds one"));
        let suites =
            "describe.each([{ a: 1 }])('case $a', () => {\n  it('works', () => {});\n});\n";
        assert!(could(js, suites, "unwritten", "case 1 works"));
        assert!(!could(js, suites, "unwritten", "works"));
        // A wrapper: whatever calls it puts titles before its own.
        let wrapper =
            "export function withPage(title, run) {\n  test(`${browser} - ${title}`, run);\n}\n";
        assert!(could(
            "other.ts",
            wrapper,
            "unwritten",
            "pages chromium - opens"
        ));
        assert!(!could("other.ts", wrapper, "unwritten", "opens"));
        // A runner's function under another name, its title in a variable.
        for aliased in [
            "import check from 'ava';\ncheck(name, (t) => t.pass());\n",
            "import * as v from 'vitest';\nv.test(name, () => {});\n",
            "const { it: spec } = require('node:test');\nspec(name, () => {});\n",
            "const t = test;\nconst u = t;\nu(name, () => {});\n",
        ] {
            assert!(
                could(js, aliased, "refund is exact", "refund is exact"),
                "{aliased}"
            );
        }
        let not_runner = "import check from './check.js';\ncheck(name, () => {});\n";
        assert!(!could(js, not_runner, "refund is exact", "refund is exact"));
        // Calls that register nothing reportable as the entry.
        let plain = "app.get('/pay', (req, res) => res.end());\nit('other', () => {}).timeout(9);\nsetTimeout(() => {}, 10);\n";
        assert!(!could(js, plain, "refund is exact", "refund is exact"));
        assert!(could(js, plain, "unwritten", "other"));
        // A file that does not parse could hold anything.
        assert!(could(
            js,
            "test('x', () => {\n",
            "refund is exact",
            "refund is exact"
        ));
        // The locked file itself is not a look-alike.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tests/billing")).unwrap();
        std::fs::write(dir.path().join("tests/billing/pay.test.js"), template).unwrap();
        assert!(!WorkTree::new(dir.path()).title_elsewhere(
            "refund is exact",
            &["refund is exact".to_owned()],
            "tests/billing/pay.test.js",
        ));
    }

    #[test]
    fn a_shorter_path_names_the_file_only_when_no_other_file_ends_so() {
        let (dir, t) = tree(&["web/tests/pay.test.js", "web/tests/other.test.js"]);
        let locked = "web/tests/pay.test.js";
        assert!(t.names_file("web/tests/pay.test.js", locked));
        assert!(t.names_file("./tests/pay.test.js", locked));
        let abs = dir.path().join(locked).display().to_string();
        assert!(t.names_file(&abs, locked));
        assert!(!t.names_file("/elsewhere/web/tests/pay.test.js", locked));
        assert!(!t.names_file("legacy/web/tests/pay.test.js", locked));
        let (_d2, t) = tree(&["web/tests/pay.test.js", "legacy/tests/pay.test.js"]);
        assert!(!t.names_file("tests/pay.test.js", locked));
    }

    #[test]
    fn a_python_module_is_unique_unless_another_file_could_be_it() {
        let (_d, t) = tree(&["tests/billing/test_pay.py", "tests/other/test_x.py"]);
        let locked = "tests/billing/test_pay.py";
        assert!(t.only_python_module("test_pay", locked));
        assert!(t.only_python_module("billing.test_pay", locked));
        assert!(t.only_python_module("pre.tests.billing.test_pay", locked));
        assert!(!t.only_python_module("", locked));
        let (_d, t) = tree(&[
            "tests/billing/test_pay.py",
            "tests/other/tests/billing/test_pay.py",
        ]);
        assert!(!t.only_python_module("tests.other.tests.billing.test_pay", locked));
        assert!(!t.only_python_module("test_pay", locked));
    }

    #[test]
    fn a_go_package_is_unique_unless_another_directory_could_be_it() {
        let (_d, t) = tree(&["billing/pay_test.go", "internal/billing/pay_test.go"]);
        assert!(!t.only_go_package("example.com/shop/internal/billing", "billing"));
        assert!(t.only_go_package("example.com/shop/billing", "billing"));
        let (_d, t) = tree(&["go.mod", "billing/pay_test.go", "x_test.go"]);
        std::fs::write(t.root().join("go.mod"), "module example.com/shop\n").unwrap();
        assert!(t.only_go_package("other.com/billing", "billing"));
        assert!(!t.only_go_package("example.com/shop", "billing"));
    }
}
