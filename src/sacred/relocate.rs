//! Locked tests that moved to another file or were renamed, found by their content.
//!
//! A test file split in two, a test moved next to the code it now covers, a typo fixed in a
//! test's name: the test keeps every check, but its id (`lang:path::scope::name`) is gone. A
//! locked test whose id is gone is looked for among the sacred tests **near** its file (the
//! same directory, a directory directly inside it — a module split into a package of files —
//! or a sibling directory — a directory renamed; another directory not for Go, Rust or a test
//! importing by a relative path, see [`may_change_directory`]), under an id the lock does not
//! hold. A test there that keeps everything the lock
//! holds (the same rules as for the test at its own id: envelope, every assertion and
//! statement, no new exit, skip or rebinding; additions are allowed) satisfies the lock:
//! the move is accepted and reported as a note. Each test satisfies at most one lock entry.
//! A test the lock names itself stands in only with the very body of the lost one: a
//! duplicate removed, its twin keeping every check.
//!
//! A locked test whose id is still there but refused is looked for the same way, among the
//! tests the lock does not name: renamed keeping every check while a new test took its old
//! name (`TestPlugin` → `TestPluginWithSubCommands`, and a new `TestPlugin`). The test at the
//! old id is then a new test; every locked check still runs, under the new name.
//!
//! The test found is in the locked test's own file, in a file that holds no locked test (a
//! new file, say), or — keeping its name — in another file holding locked tests (a file
//! split into files that already exist). Outside its own file it has the locked body or the
//! locked name; in its own file any test the lock does not name may stand in (renamed and
//! given more checks at once), tried only after those.
//!
//! **Invariant (fail closed):** the lock keeps naming the old id until it is re-locked, so a
//! later change is checked against the lock wherever the test now lives: a check re-reads
//! the locked files near every changed file the lock does not name whose base revision held
//! a sacred test with the body or the name of one of theirs, and near every changed locked
//! file whose base revision held a test the lock does not name with the name of one of
//! theirs (where a moved test lives); a locked test found neither at its id nor, intact,
//! near its file is refused as before (`removed`, `renamed`). A changed locked file's base
//! revision is parsed for that only when its text holds such a name, so a change to locked
//! files costs a text search, not a second parse. What reading cannot see
//! is a runner configuration that deselects the test by its new name or path; an evidence
//! gate (`sacred.evidence`) catches that: a locked test absent from the reports is looked for
//! where it moved ([`super::moved_in_worktree`]) and must have run and passed there.

use std::collections::{BTreeMap, BTreeSet};

use super::analysis::{FileScan, TestItem};
use super::lock::{LockedTest, SacredLock};
use super::rules;

/// The directory of `path` ("" at the root).
fn dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Whether a test of `locked_file` may have moved to `file`: the same directory, a directory
/// directly inside it (a module split into a package of files), or a sibling of it (a
/// directory renamed).
pub(super) fn near(locked_file: &str, file: &str) -> bool {
    let (d, l) = (dir(file), dir(locked_file));
    d == l || (!d.is_empty() && (dir(d) == l || (!l.is_empty() && dir(d) == dir(l))))
}

/// The directories whose files are [`near`] a file in `d`: `d`, its subdirectories, and its
/// siblings (each listed with its own files; see `Content::list_near`).
pub(super) fn near_parents(d: &str) -> Vec<&str> {
    if d.is_empty() {
        vec![d]
    } else {
        vec![d, dir(d)]
    }
}

/// The language family of a path, as ids name it (`.js`, `.ts`, `.jsx`, … are one family:
/// a test moves between them).
fn family(path: &str) -> &str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "mts" | "cts" => "js",
        other => other,
    }
}

/// Whether the runner collects `path` by its default naming: pytest's `test_*.py` and
/// `*_test.py`, Go's `_test.go`, jest's and AVA's `*.test.*`, `*.spec.*`, `test-*` and
/// `test/`, `tests/`, `__tests__/` directories. Rust tests run wherever they are compiled.
/// Not in a directory the runner never collects from: pytest's default `norecursedirs`
/// (`*.egg`, `.*`, `_darcs`, `build`, `CVS`, `dist`, `node_modules`, `venv`, `{arch}`), the go
/// tool's `_*`, `.*` and `testdata` (and files named `_*` or `.*`), Jest's and AVA's
/// `node_modules`.
fn conventional(path: &str) -> bool {
    let name = path.rsplit_once('/').map_or(path, |(_, n)| n);
    let mut dirs = path.split('/').rev().skip(1);
    match family(path) {
        "py" => {
            (name.starts_with("test_") || name.ends_with("_test.py"))
                && !dirs.any(|d| {
                    d.starts_with('.')
                        || std::path::Path::new(d)
                            .extension()
                            .is_some_and(|e| e.eq_ignore_ascii_case("egg"))
                        || matches!(
                            d,
                            "_darcs"
                                | "build"
                                | "CVS"
                                | "dist"
                                | "node_modules"
                                | "venv"
                                | "{arch}"
                        )
                })
        }
        "go" => {
            name.ends_with("_test.go")
                && !name.starts_with(['_', '.'])
                && !dirs.any(|d| d.starts_with(['_', '.']) || d == "testdata")
        }
        "js" if dirs.any(|d| d == "node_modules") => false,
        "js" => {
            let stem = name.split('.').next().unwrap_or(name);
            name.contains(".test.")
                || name.contains(".spec.")
                || stem == "test"
                || stem.starts_with("test-")
                || path
                    .split('/')
                    .rev()
                    .skip(1)
                    .any(|d| matches!(d, "test" | "tests" | "__tests__"))
        }
        _ => true,
    }
}

/// What, written in a test or a module-level binding it uses, reaches other files by a path
/// relative to its file's place, which another directory changes. JavaScript resolves a
/// module specifier (`import("./x")`, `require("../src/x")`, `jest.mock("./x")`) from the
/// file, so any string starting `./` or `../` counts there; Python opens a relative path from
/// the working directory, which a move does not change, and resolves only relative imports
/// (`from .helpers import x`, `import_module(".x", __package__)`) and the file's own place
/// (`__file__`, pytest's `request.path` and `request.fspath`) from the file.
fn file_relative(family: &str, line: &str) -> bool {
    const EVERYWHERE: &[&str] = &["__file__", "__dirname", "__filename", "import.meta"];
    const JS: &[&str] = &["'./", "\"./", "`./", "'../", "\"../", "`../"];
    const PYTHON: &[&str] = &[
        "__package__",
        "import_module(\".",
        "import_module('.",
        "request.path",
        "request.fspath",
        "node.path",
        "node.fspath",
    ];
    let l = line.trim_start();
    let by_language: &[&str] = match family {
        "py" => {
            if l.starts_with("from .") {
                return true;
            }
            PYTHON
        }
        _ => JS,
    };
    EVERYWHERE.iter().chain(by_language).any(|m| l.contains(m))
}

/// Whether `locked` may move into another directory and still mean the same: not in Go (a
/// directory is a package, with its own functions of the same names) nor Rust (`super::`,
/// and which files are compiled as tests, depend on the place), and not when it imports by a
/// relative path or uses a module-level binding built from its file's place or a relative
/// module path (`DATA = Path(__file__).parent / "data.json"`, [`file_relative`]), which would
/// name other files there.
fn may_change_directory(locked: &LockedTest) -> bool {
    let family = family(&locked.file);
    if matches!(family, "go" | "rs") {
        return false;
    }
    locked.bindings.as_ref().is_some_and(|bindings| {
        !bindings
            .iter()
            .any(|b| b.lines().any(|l| file_relative(family, l)))
    })
}

/// Whether the text of test `t` in `text` (its file) reaches other files by a path relative
/// to its own place ([`file_relative`]), which another directory would change.
fn names_files_relatively(text: &str, t: &TestItem) -> bool {
    let family = family(&t.path);
    text.lines()
        .skip(t.line.saturating_sub(1))
        .take(t.end_line.saturating_sub(t.line) + 1)
        .any(|l| file_relative(family, l))
}

/// The words of a source text (runs of letters, digits and `_`), for [`written_in`].
pub(super) fn words(text: &str) -> BTreeSet<&str> {
    text.split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether a test `name` is written in `text` (`words` being its [`words`]): as a word when
/// it is one (a function's name), else verbatim (a JS title). A test moved into another
/// locked file is followed only when its name is written there, so that a later change to
/// that file finds it by the same search ([`super::moved_holders`]).
pub(super) fn written_in(text: &str, words: &BTreeSet<&str>, name: &str) -> bool {
    if name.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
        words.contains(name)
    } else {
        text.contains(name)
    }
}

/// A locked test found under another id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The locked id.
    pub from: String,
    /// Where it is now.
    pub to: String,
    pub file: String,
    pub line: usize,
    /// `to` is locked itself: a duplicate of the locked test was removed.
    pub twin: bool,
}

impl Moved {
    pub fn note(&self) -> String {
        if self.twin {
            return format!(
                "`{}` is gone, and `{}` ({}:{}), locked too, holds every check it had: the lock keeps both until `gatekeeper sacred lock` drops the old id",
                self.from, self.to, self.file, self.line
            );
        }
        format!(
            "`{}` is now `{}` ({}:{}), keeping every check: the lock follows it there until `gatekeeper sacred lock` records the new id",
            self.from, self.to, self.file, self.line
        )
    }
}

/// The name a test id ends with (without the `[cfg(…)]` that tells same-named Rust tests
/// apart), as [`TestItem::name`] holds it.
pub(super) fn name_of(id: &str) -> &str {
    let n = id.rsplit_once("::").map_or(id, |(_, n)| n);
    n.split_once("[cfg(").map_or(n, |(n, _)| n)
}

/// For each of `lost` (locked tests whose id is gone), a sacred test of `scans` (the files
/// near them, in the new content; `texts` holds the text of each that is in another directory
/// or holds locked tests) that keeps everything the lock holds, under an id `lock` does not
/// hold; each test satisfies one lock entry at most. Tests with the locked body
/// are tried first, then those with the locked name; only for a locked test none of those
/// keeps, any other test of its own file (renamed with checks added, say: a later change
/// to that file is checked against the lock again, as the invariant asks).
pub(super) fn find(
    lost: &[&LockedTest],
    lock: &SacredLock,
    scans: &BTreeMap<String, FileScan>,
    texts: &BTreeMap<String, String>,
    taken: &BTreeSet<&str>,
) -> BTreeMap<String, Moved> {
    let mut claimed: BTreeSet<&str> = BTreeSet::new();
    let mut out = BTreeMap::new();
    let locked_files: BTreeSet<String> = lock.files().into_iter().collect();
    // First by body or name for every lost test, then any other test for those still
    // lost: a test renamed with its checks kept is not claimed by another's loose match.
    for loose in [false, true] {
        for locked in lost {
            if out.contains_key(&locked.id) {
                continue;
            }
            let mut tried: Vec<(u8, &FileScan, &TestItem)> = Vec::new();
            for (path, scan) in scans {
                // Into another file holding locked tests only under its own name (see the module
                // invariant: that is what a later change there looks for).
                let into_locked = path != &locked.file && locked_files.contains(path);
                if !near(&locked.file, path)
                    || family(path) != family(&locked.file)
                    || (conventional(&locked.file) && !conventional(path))
                    || (dir(path) != dir(&locked.file) && !may_change_directory(locked))
                {
                    continue;
                }
                for t in &scan.tests {
                    // A locked test stands in only as an exact duplicate (a twin removed); for a
                    // locked test whose id another test took, only a test the lock does not name.
                    let twin = lock.tests.contains_key(&t.id);
                    if (twin && taken.contains(locked.id.as_str()))
                        || t.id == locked.id
                        || !t.sacred
                        || !t.collected
                        || (twin && t.body != locked.body)
                        || claimed.contains(t.id.as_str())
                        || (dir(path) != dir(&locked.file)
                            && texts
                                .get(path)
                                .is_none_or(|text| names_files_relatively(text, t)))
                    {
                        continue;
                    }
                    if into_locked
                        && (t.name != name_of(&locked.id)
                            || texts
                                .get(path)
                                .is_none_or(|text| !written_in(text, &words(text), &t.name)))
                    {
                        continue;
                    }
                    let rank = if t.body == locked.body {
                        0
                    } else if t.name == name_of(&locked.id) {
                        1
                    } else if loose && path == &locked.file {
                        2
                    } else {
                        continue;
                    };
                    tried.push((rank, scan, t));
                }
            }
            // A moved copy before a locked twin.
            tried.sort_by_key(|(rank, _, t)| (*rank, lock.tests.contains_key(&t.id), t.id.clone()));
            if let Some((_, _, t)) = tried
                .into_iter()
                .find(|(_, scan, t)| rules::compare_moved(locked, scan, t).is_empty())
            {
                claimed.insert(t.id.as_str());
                out.insert(
                    locked.id.clone(),
                    Moved {
                        from: locked.id.clone(),
                        to: t.id.clone(),
                        file: t.path.clone(),
                        line: t.line,
                        twin: lock.tests.contains_key(&t.id),
                    },
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_is_the_same_directory_or_one_directly_inside() {
        assert!(near("tests/test_utils.py", "tests/test_other.py"));
        assert!(near("tests/test_utils.py", "tests/test_utils/test_echo.py"));
        assert!(near("a_test.go", "b_test.go"));
        assert!(near("a_test.go", "sub/b_test.go"));
        assert!(!near("tests/test_utils.py", "test_utils.py"));
        assert!(!near("tests/test_utils.py", "tests/a/b/test_echo.py"));
        // A directory renamed.
        assert!(near("tests/utils_2/test_x.py", "tests/utils/test_x.py"));
        assert!(!near("tests/utils_2/test_x.py", "tests/a/b/test_x.py"));
        assert!(!near("tests/utils_2/test_x.py", "other/utils/test_x.py"));
        assert!(!near("test_x.py", "other/utils/test_x.py"));
    }

    #[test]
    fn conventional_names_follow_each_runner() {
        assert!(conventional("tests/test_a.py"));
        assert!(conventional("pkg/a_test.py"));
        assert!(!conventional("tests/helpers.py"));
        assert!(conventional("cmd/a_test.go"));
        assert!(!conventional("cmd/a.go"));
        assert!(conventional("src/a.test.ts"));
        assert!(conventional("src/a.spec.js"));
        assert!(conventional("test/main.ts"));
        assert!(conventional("source/test.js"));
        assert!(conventional("test-a.js"));
        assert!(!conventional("src/helpers.ts"));
        assert!(conventional("src/lib.rs"));
        // Directories the runner never collects from.
        assert!(!conventional("tests/billing/build/test_pay.py"));
        assert!(!conventional("tests/.cache/test_pay.py"));
        assert!(!conventional("tests/pkg.egg/test_pay.py"));
        assert!(!conventional("venv/test_pay.py"));
        assert!(!conventional("cmd/testdata/a_test.go"));
        assert!(!conventional("cmd/_old/a_test.go"));
        assert!(!conventional("cmd/_a_test.go"));
        assert!(!conventional("node_modules/x/a.test.js"));
        assert!(conventional("tests/building/test_pay.py"));
        assert_eq!(family("a.ts"), family("b.mjs"));
        assert_ne!(family("a.ts"), family("b.py"));
    }
}
