//! Evidence from the test runner's own report: after a gate listed in `sacred.evidence`
//! runs, the locked sacred tests must be in the report(s) that run wrote, and must have
//! passed.
//!
//! Reports: JUnit XML (pytest `--junitxml`, jest-junit, vitest `--reporter=junit`, AVA through
//! a TAP-to-JUnit converter, Node's `--test-reporter=junit`, cargo nextest, gotestsum) and
//! `go test -json`. A lock id
//! (`lang:path::scope::name`) maps to report entries per runner; see [`matches`].
//!
//! **Invariant:** a report that is missing, older than the gate's run, or not a complete
//! document is never evidence: the result is [`EvidenceResult::Undecided`] (exit 3).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result, bail};
use serde::Serialize;

use super::lock::{LOCK_PATH, SacredLock};
use super::lookalikes::WorkTree;
use super::subclasses::Subclasses;
use crate::config::sacred::EvidenceSource;
use crate::gates::files::PatternSet;

/// A locked test, as evidence needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedRef {
    pub id: String,
    pub lang: String,
    pub file: String,
    /// The enclosing scopes (module path, class, `describe` titles), outermost first.
    pub scope: Vec<String>,
    pub name: String,
    /// Tests of the same name told apart by their `#[cfg(…)]`: one of the group running is
    /// enough (the others are compiled out on this platform).
    pub group: String,
}

impl LockedRef {
    /// Splits a lock id. The file is known from the lock record, so titles with `::` in the
    /// scope are the only ambiguity (they split into several scopes).
    pub fn new(id: &str, file: &str) -> LockedRef {
        let (lang, rest) = id.split_once(':').unwrap_or(("", id));
        let rest = rest
            .strip_prefix(file)
            .and_then(|r| r.strip_prefix("::"))
            .unwrap_or(rest);
        let mut parts: Vec<String> = rest.split("::").map(str::to_owned).collect();
        let mut name = parts.pop().unwrap_or_default();
        // `name[cfg(…)]`: the cfg tells same-named tests apart (Rust).
        let group = id.split_once("[cfg(").map_or(id, |(g, _)| g).to_owned();
        if let Some((n, _)) = name.split_once("[cfg(") {
            name = n.to_owned();
        }
        LockedRef {
            id: id.to_owned(),
            lang: lang.to_owned(),
            file: file.to_owned(),
            scope: parts,
            name,
            group,
        }
    }
}

/// The locked tests of a lock file.
pub fn locked_refs(lock: &SacredLock) -> Vec<LockedRef> {
    lock.tests
        .values()
        .map(|t| LockedRef::new(&t.id, &t.file))
        .collect()
}

/// Reads the lock from the work tree: `Ok(empty)` without one, `Err` when unreadable.
pub fn load_locked(root: &Path) -> Result<Vec<LockedRef>> {
    let path = root.join(LOCK_PATH);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("failed to read `{LOCK_PATH}`")),
    };
    let lock = SacredLock::parse(&text).with_context(|| format!("`{LOCK_PATH}` is not valid"))?;
    Ok(locked_refs(&lock))
}

/// Why a locked test is not proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceRule {
    /// Absent from every report.
    NotRun,
    /// Reported, but no instance ran (every instance skipped).
    SkippedAtRuntime,
    /// An instance failed or errored.
    FailedAtRuntime,
    /// An isolated run's report holds an entry that is no locked sacred test.
    NotIsolated,
}

impl EvidenceRule {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceRule::NotRun => "not-run",
            EvidenceRule::SkippedAtRuntime => "skipped-at-runtime",
            EvidenceRule::FailedAtRuntime => "failed-at-runtime",
            EvidenceRule::NotIsolated => "not-isolated",
        }
    }
}

/// A locked test the reports do not prove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceFinding {
    pub test_id: String,
    pub rule: EvidenceRule,
    /// What the report said (or that it said nothing).
    pub detail: String,
}

/// The outcome of reading the reports of one gate run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceResult {
    /// Every covered locked test ran and passed (how many were covered).
    Proven(usize),
    Refused(Vec<EvidenceFinding>),
    /// A report is missing, stale or unreadable.
    Undecided(String),
}

/// One test result in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub classname: String,
    pub name: String,
    pub file: Option<String>,
    pub outcome: Outcome,
    /// The names of the `<testsuite>` elements around the entry, outermost first (Node's
    /// JUnit reporter nests one per `describe`).
    pub suites: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Skipped(String),
    Failed(String),
}

/// Reads the reports `source` names (written at or after `started`) and judges the locked
/// tests it covers. `printed` are the failures the runner printed (`printed_cases`): a JUnit
/// report is judged with them, so that a test the runner named as failed is not proven by a
/// report that says it passed.
pub fn check(
    root: &Path,
    source: &EvidenceSource,
    locked: &[LockedRef],
    started: SystemTime,
    printed: &[Case],
) -> EvidenceResult {
    let mut cases = match read_reports(root, source, started) {
        Ok((cases, _)) => cases,
        Err(why) => return EvidenceResult::Undecided(why),
    };
    if source.go_test_json.is_none() {
        cases.extend(printed.iter().cloned());
    }
    let covered = match covered(source, locked) {
        Ok(c) => c,
        Err(e) => return EvidenceResult::Undecided(format!("{e:#}")),
    };
    let tree = WorkTree::new(root);
    tree.read_python_entries(cases.iter().map(|c| c.classname.as_str()));
    let mut subclasses = Subclasses::new(root);
    let verdict = judge(&covered, &cases, &tree, &mut subclasses, source.pattern());
    if !source.isolated {
        return verdict;
    }
    let strangers = strangers(&cases, locked, &tree, &mut subclasses, source.pattern());
    match (verdict, strangers.is_empty()) {
        (v, true) => v,
        (EvidenceResult::Refused(mut f), false) => {
            f.extend(strangers);
            EvidenceResult::Refused(f)
        }
        (EvidenceResult::Proven(_), false) => EvidenceResult::Refused(strangers),
        (u @ EvidenceResult::Undecided(_), false) => u,
    }
}

/// The entries of an isolated run that are no instance of a locked test (any locked test,
/// not only those the entry covers), as `not-isolated` findings: such a test ran in the
/// process before or among the locked ones, and could have left changed what they run
/// against. An entry read only loosely that another test could have written (a Rust entry
/// whose module path only ends like the test's) is a stranger too.
fn strangers(
    cases: &[Case],
    locked: &[LockedRef],
    tree: &WorkTree,
    subclasses: &mut Subclasses,
    pattern: &str,
) -> Vec<EvidenceFinding> {
    const SHOWN: usize = 20;
    let mut out: Vec<EvidenceFinding> = Vec::new();
    let mut more = 0;
    for c in cases {
        let locked_instance = locked.iter().any(|t| match matches(t, c, tree) {
            Match::Exact => true,
            Match::Loose => t.lang != "rust",
            Match::No => subclasses.runs(t, c, tree),
        });
        if locked_instance {
            continue;
        }
        let (classname, name) = (c.classname.trim(), c.name.trim());
        let mut id = if classname.is_empty() || classname == name {
            name.to_owned()
        } else {
            format!("{classname} {name}")
        };
        if let Some(f) = &c.file
            && !f.is_empty()
            && !id.starts_with(f.as_str())
        {
            id = format!("{f}: {id}");
        }
        if out.iter().any(|f| f.test_id == id) {
            continue;
        }
        if out.len() == SHOWN {
            more += 1;
            continue;
        }
        let outcome = match &c.outcome {
            Outcome::Passed => "passed",
            Outcome::Skipped(_) => "was skipped",
            Outcome::Failed(_) => "failed",
        };
        out.push(EvidenceFinding {
            test_id: id,
            rule: EvidenceRule::NotIsolated,
            detail: format!(
                "in `{pattern}`, this test {outcome} but is no locked sacred test: an isolated evidence run holds the locked sacred tests alone, since another test run in the same process could leave changed what they run against (select them with `gatekeeper sacred select`)"
            ),
        });
    }
    if more > 0
        && let Some(last) = out.last_mut()
    {
        last.detail
            .push_str(&format!("; {more} more entries are no locked sacred test"));
    }
    out
}

/// The cases of the reports `source` names, and how many failures and errors they record
/// (JUnit's `<failure>` and `<error>` elements, `go test -json`'s failed tests); why not, when
/// a report is missing, older than `started` or unreadable.
pub fn read_reports(
    root: &Path,
    source: &EvidenceSource,
    started: SystemTime,
) -> std::result::Result<(Vec<Case>, usize), String> {
    let go = source.go_test_json.is_some();
    let pattern = source.pattern();
    let files = report_files(root, pattern).map_err(|e| format!("{e:#}"))?;
    if files.is_empty() {
        return Err(format!("the gate wrote no report matching `{pattern}`"));
    }
    // Reports are written at the end of a run; file systems with whole-second timestamps
    // are allowed their granularity.
    let floor = started.duration_since(UNIX_EPOCH).map_or(started, |d| {
        UNIX_EPOCH + std::time::Duration::from_secs(d.as_secs())
    });
    let mut cases = Vec::new();
    let mut problems = 0;
    for f in &files {
        let rel = f.strip_prefix(root).unwrap_or(f).display().to_string();
        let modified = std::fs::metadata(f)
            .and_then(|m| m.modified())
            .map_err(|e| format!("cannot read `{rel}`: {e}"))?;
        if modified < floor {
            return Err(format!(
                "`{rel}` is older than this run of the gate (a report left by an earlier run is no evidence; remove old reports before the run)"
            ));
        }
        let text = std::fs::read_to_string(f).map_err(|e| format!("cannot read `{rel}`: {e}"))?;
        let parsed = if go {
            parse_go_test_json(&text).map(|c| {
                let n = c
                    .iter()
                    .filter(|c| matches!(c.outcome, Outcome::Failed(_)))
                    .count();
                (c, n)
            })
        } else {
            parse_junit(&text).and_then(|c| Ok((c, junit_problems(&text)?)))
        };
        match parsed {
            Ok((c, n)) => {
                cases.extend(c);
                problems += n;
            }
            Err(e) => return Err(format!("`{rel}` is not usable: {e:#}")),
        }
    }
    Ok((cases, problems))
}

/// The tests pytest printed as failed or in error (`FAILED tests/x.py::T::test_y - …`), as
/// the failed cases its JUnit report holds for them (`classname` the node id's module and
/// classes, dotted); and those Vitest printed as failed (` FAIL  tests/pay.test.js > refunds
/// > is exact`), as its JUnit reporter writes them (`classname` the file, `name` the titles
/// joined by ` > `).
pub fn printed_cases(output: &str) -> Vec<Case> {
    super::printed::pytest_failed_ids(output)
        .into_iter()
        .filter_map(|(id, line)| {
            let mut parts = id.split("::");
            let path = parts.next()?;
            let module = path.strip_suffix(".py")?.replace('/', ".");
            let rest: Vec<&str> = parts.collect();
            let (name, classes) = rest.split_last()?;
            let mut classname = module;
            for c in classes {
                classname.push('.');
                classname.push_str(c);
            }
            Some(Case {
                classname,
                name: (*name).to_owned(),
                file: None,
                suites: Vec::new(),
                outcome: Outcome::Failed(format!(
                    "the runner printed `{line}`, whatever its report says"
                )),
            })
        })
        .chain(super::printed::vitest_failed_tests(output).into_iter().map(
            |(file, title, line)| Case {
                classname: file,
                name: title,
                file: None,
                suites: Vec::new(),
                outcome: Outcome::Failed(format!(
                    "the runner printed `{line}`, whatever its report says"
                )),
            },
        ))
        .collect()
}

/// How many `<failure>` and `<error>` elements a JUnit document holds.
fn junit_problems(text: &str) -> Result<usize> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut n = 0;
    loop {
        match reader.read_event().context("invalid XML")? {
            Event::Start(e) | Event::Empty(e)
                if matches!(e.local_name().as_ref(), "failure" | "error") =>
            {
                n += 1;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(n)
}

/// The locked tests an entry covers.
pub(crate) fn covered<'l>(
    source: &EvidenceSource,
    locked: &'l [LockedRef],
) -> Result<Vec<&'l LockedRef>> {
    let tests = PatternSet::new(source.tests.iter())?;
    let go = source.go_test_json.is_some();
    Ok(locked
        .iter()
        .filter(|t| {
            if tests.is_empty() {
                !go || t.lang == "go"
            } else {
                tests.matches(Path::new(&t.file))
            }
        })
        .collect())
}

/// Judges each covered test (by `cfg` group) against the cases: those that name it, and
/// (Python) those of classes that inherit it ([`Subclasses`]).
fn judge(
    covered: &[&LockedRef],
    cases: &[Case],
    tree: &WorkTree,
    subclasses: &mut Subclasses,
    pattern: &str,
) -> EvidenceResult {
    let mut groups: BTreeMap<&str, Vec<&LockedRef>> = BTreeMap::new();
    for t in covered {
        groups.entry(t.group.as_str()).or_default().push(t);
    }
    let mut findings = Vec::new();
    for members in groups.values() {
        let mut exact: Vec<&Case> = Vec::new();
        let mut loose: Vec<&Case> = Vec::new();
        let mut inherited: Vec<&Case> = Vec::new();
        for t in members {
            for c in cases {
                match matches(t, c, tree) {
                    Match::Exact => exact.push(c),
                    // A case of a JavaScript `.each` title is no other locked test's own
                    // entry (`case %s` does not take the report of a test `case zero`).
                    Match::Loose
                        if matches!(t.lang.as_str(), "js" | "ts")
                            && covered.iter().any(|o| {
                                o.group != t.group && matches(o, c, tree) == Match::Exact
                            }) => {}
                    Match::Loose => loose.push(c),
                    Match::No if subclasses.runs(t, c, tree) => inherited.push(c),
                    Match::No => {}
                }
            }
        }
        // A looser reading (another root directory, a prefix) only when nothing matches
        // exactly, and only when no other file of the repository could have written the
        // entry (`lookalikes`), so that a look-alike elsewhere cannot stand in for the
        // sacred test. A run
        // under a subclass is the locked method itself (resolved through the code), so it
        // always counts, and never hides a run under the test's own class.
        let mut instances = if exact.is_empty() { loose } else { exact };
        instances.extend(inherited);
        // `go test` reports a test whose subtests all skipped as passed: its own passed entry
        // proves no check ran, so a passed entry that has subtests in the report stands for
        // them alone. Its failure is its own whatever its subtests did (a check of its body
        // that failed beside a subtest that passed), and so is its skip: a test or subtest is
        // reported skipped only when its own body skipped, after any subtests it ran.
        let id = &members[0].id;
        // A test of the repository that names its own entry (pytest's `record_xml_attribute
        // ("classname", …)`, also with a value computed at run time) can write the locked
        // test's: no Python entry proves anything then.
        if members[0].lang == "python"
            && let Some(file) = tree.python_entry_writer()
        {
            findings.push(EvidenceFinding {
                test_id: id.clone(),
                rule: EvidenceRule::NotRun,
                detail: format!(
                    "no entry of the report(s) `{pattern}` proves it: `{file}` uses pytest's `record_xml_attribute`, with which a test writes any `classname` and `name` into the report (one could be this test's while it did not run)"
                ),
            });
            continue;
        }
        if members[0].lang == "go" {
            let all = instances.clone();
            let has_subtests = |c: &Case| {
                all.iter().any(|d| {
                    d.classname == c.classname
                        && d.name.len() > c.name.len()
                        && d.name.starts_with(&c.name)
                        && d.name.as_bytes()[c.name.len()] == b'/'
                })
            };
            if let Some(c) = all
                .iter()
                .find(|c| matches!(c.outcome, Outcome::Skipped(_)) && has_subtests(c))
                && !all.iter().any(|c| matches!(c.outcome, Outcome::Failed(_)))
            {
                let Outcome::Skipped(msg) = &c.outcome else {
                    unreachable!()
                };
                findings.push(EvidenceFinding {
                    test_id: id.clone(),
                    rule: EvidenceRule::SkippedAtRuntime,
                    detail: format!(
                        "{}: skipped after running its subtests: {}",
                        describe(c),
                        first_line(msg)
                    ),
                });
                continue;
            }
            // A test whose body runs subtests (`t.Run(…)`, itself or through a helper it hands
            // `t` to), reported passed with none of them in the report: a `-test.run` pattern
            // of the binary's own arguments (`-test.run=TestTotal/none`, appended to
            // `os.Args` as the package starts) ran its body without one of its checks.
            if let Some(c) = all.iter().find(|c| {
                matches!(c.outcome, Outcome::Passed)
                    && c.name == members[0].name
                    && !has_subtests(c)
            }) && go_runs_subtests(members[0], tree.root())
            {
                findings.push(EvidenceFinding {
                    test_id: id.clone(),
                    rule: EvidenceRule::NotRun,
                    detail: format!(
                        "{}: passed with none of its subtests run (its body runs subtests with `.Run`, itself or through a helper it hands `t` to; a `-test.run` pattern that selects none of them runs the test without its checks)",
                        describe(c)
                    ),
                });
                continue;
            }
            instances.retain(|c| !matches!(c.outcome, Outcome::Passed) || !has_subtests(c));
        }
        if let Some(f) = verdict(id, &instances, pattern)
            .or_else(|| every_case(members[0], &instances, tree.root(), pattern))
        {
            findings.push(f);
        }
    }
    if findings.is_empty() {
        EvidenceResult::Proven(covered.len())
    } else {
        EvidenceResult::Refused(findings)
    }
}

/// The import path of testify's suite package, whose `Run(t, s)` runs the suite's methods as
/// subtests of `t`.
const TESTIFY_SUITE: &str = "github.com/stretchr/testify/suite";

/// Whether the locked Go test's function, as the working tree has it, runs subtests: its body
/// calls `Run` on its own `t`, or it hands `t` to a function that does on that parameter
/// (`runCases(t, …)`, `testutil.RunCases(t, …)`, testify's `suite.Run(t, …)`), or that hands
/// it on to one that does, in turn (see [`go_functions_named`] for where such a function is
/// looked up). A file that cannot be read, or a function that cannot be found, says no.
fn go_runs_subtests(t: &LockedRef, root: &Path) -> bool {
    // (file, function, position of the handle among its parameters).
    let mut seen: std::collections::BTreeSet<(String, String, usize)> =
        std::collections::BTreeSet::new();
    let mut todo: Vec<(String, String, usize)> = vec![(t.file.clone(), t.name.clone(), 0)];
    while let Some(at) = todo.pop() {
        if !seen.insert(at.clone()) {
            continue;
        }
        let (file, name, position) = at;
        let Some(src) = std::fs::read_to_string(root.join(&file)).ok() else {
            continue;
        };
        let Ok(Some(used)) = super::lang::go_handle_use(&file, &src, &name, position) else {
            continue;
        };
        if used.runs {
            return true;
        }
        // testify's `suite.Run(t, s)` runs each `Test…` method of the suite as a subtest of
        // `t` (`t.Run(method, …)`), under whatever name the file imports the package.
        if used.handed.iter().any(|(callee, position)| {
            *position == 0
                && callee.split_once('.').is_some_and(|(package, function)| {
                    function == "Run"
                        && used
                            .imports
                            .iter()
                            .any(|(n, path)| n == package && path == TESTIFY_SUITE)
                })
        }) {
            return true;
        }
        for (callee, position) in &used.handed {
            for (f, n) in go_functions_named(root, &file, &used, callee) {
                todo.push((f, n, *position));
            }
        }
    }
    false
}

/// The files where the Go function `callee`, called from the file `from` (`used`: its
/// package clause and imports), may be defined, each with the function's name there: for a
/// plain name (`runCases`), the Go files of `from`'s directory with its package clause (test
/// files only when `from` is one); for a qualified one (`testutil.RunCases`), the non-test
/// Go files of the directory of the package of the module the file imports under that name
/// (found from the `module` line of the nearest `go.mod` above `from`).
fn go_functions_named(
    root: &Path,
    from: &str,
    used: &super::lang::GoHandleUse,
    callee: &str,
) -> Vec<(String, String)> {
    let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    let go_files = |dir: &str| -> Vec<String> {
        let mut files: Vec<String> = std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .filter(|n| Path::new(n).extension().is_some_and(|e| e == "go"))
            .map(|n| {
                if dir.is_empty() {
                    n
                } else {
                    format!("{dir}/{n}")
                }
            })
            .collect();
        files.sort();
        files
    };
    let Some((package, function)) = callee.split_once('.') else {
        let tests_too = from.ends_with("_test.go");
        return go_files(dir)
            .into_iter()
            .filter(|f| tests_too || !f.ends_with("_test.go"))
            .filter(|f| {
                f == from
                    || std::fs::read_to_string(root.join(f))
                        .ok()
                        .and_then(|src| super::lang::go_package_clause(f, &src).ok().flatten())
                        .is_some_and(|p| p == used.package)
            })
            .map(|f| (f, callee.to_owned()))
            .collect();
    };
    let Some((_, import)) = used.imports.iter().find(|(n, _)| n == package) else {
        return Vec::new();
    };
    // The nearest `go.mod` above `from`: its directory and module path.
    let mut at = Some(dir);
    while let Some(d) = at {
        let go_mod = if d.is_empty() {
            "go.mod".to_owned()
        } else {
            format!("{d}/go.mod")
        };
        if let Ok(src) = std::fs::read_to_string(root.join(&go_mod)) {
            let Some(module) = src
                .lines()
                .find_map(|l| l.trim().strip_prefix("module "))
                .map(|m| m.trim().trim_matches('"'))
            else {
                return Vec::new();
            };
            let rest = if import == module {
                ""
            } else if let Some(rest) = import.strip_prefix(&format!("{module}/")) {
                rest
            } else {
                return Vec::new();
            };
            let pkg = [d, rest]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("/");
            return go_files(&pkg)
                .into_iter()
                .filter(|f| !f.ends_with("_test.go"))
                .map(|f| (f, function.to_owned()))
                .collect();
        }
        at = (!d.is_empty()).then(|| d.rsplit_once('/').map_or("", |(up, _)| up));
    }
    Vec::new()
}

/// Every instance that ran passed, and at least one ran.
fn verdict(id: &str, instances: &[&Case], pattern: &str) -> Option<EvidenceFinding> {
    let finding = |rule, detail: String| {
        Some(EvidenceFinding {
            test_id: id.to_owned(),
            rule,
            detail,
        })
    };
    if instances.is_empty() {
        return finding(
            EvidenceRule::NotRun,
            format!("absent from the report(s) `{pattern}`"),
        );
    }
    if let Some(c) = instances
        .iter()
        .find(|c| matches!(c.outcome, Outcome::Failed(_)))
    {
        let Outcome::Failed(msg) = &c.outcome else {
            unreachable!()
        };
        return finding(
            EvidenceRule::FailedAtRuntime,
            format!("{}: failed: {}", describe(c), first_line(msg)),
        );
    }
    if instances
        .iter()
        .all(|c| matches!(c.outcome, Outcome::Skipped(_)))
    {
        let c = instances[0];
        let Outcome::Skipped(msg) = &c.outcome else {
            unreachable!()
        };
        return finding(
            EvidenceRule::SkippedAtRuntime,
            format!("{}: skipped: {}", describe(c), first_line(msg)),
        );
    }
    None
}

/// A parametrised Python test whose source lists its cases literally must be reported with
/// that many distinct instances ([`super::instances`]), skipped ones counting only up to the
/// cases that may be skipped; `None` when it is, or when the count cannot be read.
fn every_case(
    t: &LockedRef,
    instances: &[&Case],
    root: &Path,
    pattern: &str,
) -> Option<EvidenceFinding> {
    if t.lang != "python" {
        return None;
    }
    let src = std::fs::read_to_string(root.join(&t.file)).ok()?;
    let expected = super::lang::python_expected_instances(&t.file, &src, &t.scope, &t.name)
        .ok()
        .flatten()?;
    // Each distinct instance once: failed wins, then passed, then skipped.
    let mut by_name: BTreeMap<&str, bool> = BTreeMap::new();
    for c in instances {
        let ran = !matches!(c.outcome, Outcome::Skipped(_));
        *by_name.entry(c.name.as_str()).or_insert(ran) |= ran;
    }
    let ran = by_name.values().filter(|r| **r).count();
    let skipped = by_name.len() - ran;
    // A skipped instance counts only when it is one of the cases that may be skipped, when
    // the source tells their ids (`test_total[xs1-0]`): a hook that skips the strong case
    // is not the marked case's skip.
    let skippable = by_name
        .iter()
        .filter(|(name, ran)| {
            !**ran
                && expected.skippable.as_ref().is_none_or(|ids| {
                    name.split_once('[')
                        .and_then(|(_, rest)| rest.strip_suffix(']'))
                        .is_some_and(|id| ids.contains(id))
                })
        })
        .count();
    let reported = ran + skippable.min(expected.may_skip);
    if reported >= expected.cases {
        return None;
    }
    let skipped_note = if skipped > expected.may_skip {
        format!(
            "; {skipped} skipped, of which {} may be (cases with `marks=`, or a skip marker on the test)",
            expected.may_skip
        )
    } else {
        String::new()
    };
    Some(EvidenceFinding {
        test_id: t.id.clone(),
        rule: EvidenceRule::NotRun,
        detail: format!(
            "{} cases, {reported} reported in `{pattern}`{skipped_note}",
            expected.cases
        ),
    })
}

fn describe(c: &Case) -> String {
    if c.classname.is_empty() || c.classname == c.name {
        format!("`{}`", c.name)
    } else {
        format!("`{}` `{}`", c.classname, c.name)
    }
}

fn first_line(s: &str) -> &str {
    let l = s.trim().lines().next().unwrap_or("").trim();
    if l.is_empty() { "(no message)" } else { l }
}

/// How a report entry relates to a locked test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Exact,
    Loose,
    No,
}

/// Maps a lock id to report entries, per runner:
///
/// - Python (pytest `--junitxml`): `classname` = the file's dotted path plus the classes
///   (`tests.test_x.TestA`), `name` = the function with its parameter id (`test_b[1-foo]`).
///   A `classname` that is a dotted suffix of that (pytest run from a sub-directory) or has
///   a prefix (`--junitprefix`) matches loosely.
/// - Rust (cargo nextest): `classname` = the binary id the file is compiled into
///   ([`WorkTree::rust_binary_id`]; none read, no match), `name` = the module path inside the
///   test binary plus the test (`tests::refund_is_exact`; `src/a/b.rs` → `a::b::…`; an
///   integration test file is its own binary). A `name` that ends with the scope and name
///   matches loosely.
/// - JavaScript/TypeScript: jest-junit (`name` = describe titles and title joined by a space,
///   or `classname` = the describe titles and `name` = the title), vitest (`name` = titles
///   joined by ` > `, `classname` = the file), mocha-junit-reporter (`name` = the full title),
///   AVA through a TAP converter (`name` = the title, perhaps numbered `#3 …` or prefixed by
///   the file and ` › `), Node's test runner (`classname="test"`, `name` = the title, one
///   `<testsuite>` per describe around it); an entry that names no file counts only when no
///   other file holds the title ([`WorkTree::title_elsewhere`]).
/// - Go (`go test -json` or gotestsum): `Package` = the module path plus the directory,
///   `Test` = the function, or a subtest `TestX/case`.
///
/// A `file` attribute, when the report has one, must name the test's file.
fn matches(t: &LockedRef, c: &Case, tree: &WorkTree) -> Match {
    if let Some(f) = &c.file
        && !tree.names_file(f, &t.file)
    {
        return Match::No;
    }
    match t.lang.as_str() {
        "python" => match_python(t, c, tree),
        "rust" => match_rust(t, c, tree),
        "go" => match_go(t, c, tree),
        _ => match_js(t, c, tree),
    }
}

fn match_python(t: &LockedRef, c: &Case, tree: &WorkTree) -> Match {
    // pytest's parameter id (`test_b[1-foo]`), or a unittest subtest as unittest-xml-reporting
    // names one that failed (`test_b (xs=[2, 2])`): an instance of the test.
    let base = c
        .name
        .strip_suffix(')')
        .and_then(|n| n.split_once(" ("))
        .map_or(c.name.as_str(), |(b, _)| b);
    let base = base.split_once('[').map_or(base, |(b, _)| b);
    if base != t.name {
        return Match::No;
    }
    let module = t
        .file
        .strip_suffix(".py")
        .unwrap_or(&t.file)
        .replace('/', ".");
    let mut expected = module;
    for s in &t.scope {
        expected.push('.');
        expected.push_str(s);
    }
    if c.classname == expected {
        let module = if t.scope.is_empty() {
            c.classname.as_str()
        } else {
            c.classname
                .strip_suffix(&format!(".{}", t.scope.join(".")))
                .unwrap_or(&c.classname)
        };
        return if tree.python_exact(module, &t.file) {
            Match::Exact
        } else {
            Match::No
        };
    }
    if !expected.ends_with(&format!(".{}", c.classname))
        && !c.classname.ends_with(&format!(".{expected}"))
    {
        return Match::No;
    }
    // The module the entry names: its classname without the classes.
    let module = if t.scope.is_empty() {
        Some(c.classname.as_str())
    } else {
        c.classname.strip_suffix(&format!(".{}", t.scope.join(".")))
    };
    if module.is_some_and(|m| tree.only_python_module(m, &t.file)) {
        Match::Loose
    } else {
        Match::No
    }
}

/// A runner whose command line `gatekeeper sacred select` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Selector {
    /// pytest node ids (`tests/test_pay.py::TestPay::test_total`).
    Pytest,
    /// cargo nextest filtersets (`-E binary_id(pay::refunds)&test(=refund_is_exact)`).
    Nextest,
    /// `go test` packages and a `-run` pattern (`./billing -run ^(TestRefund)$`), relative to
    /// the directory of the `go.mod` of the locked tests.
    Go,
}

/// The arguments that make `runner` run exactly the locked tests of the languages it runs,
/// one per line (so that a shell's `$(…)` splits them into words), or why none can be
/// written: no such locked test, or a Rust test whose test binary cannot be read.
pub fn selection(root: &Path, locked: &[LockedRef], runner: Selector) -> Result<Vec<String>> {
    let tree = WorkTree::new(root);
    if runner == Selector::Go {
        return go_selection(&tree, locked);
    }
    let mut out: Vec<String> = Vec::new();
    for t in locked {
        let args: Vec<String> = match runner {
            Selector::Pytest if t.lang == "python" => pytest_node_ids(root, t),
            Selector::Nextest if t.lang == "rust" => {
                let Some(binary) = tree.rust_binary_id(&t.file) else {
                    bail!(
                        "cannot tell which test binary `{}` is compiled into (its package's `Cargo.toml` is not read, or the file is no target cargo finds by its place)",
                        t.file
                    );
                };
                let mut path = rust_module_path(&t.file);
                path.extend(t.scope.iter().cloned());
                path.push(t.name.clone());
                vec![
                    "-E".to_owned(),
                    format!("binary_id({binary})&test(={})", path.join("::")),
                ]
            }
            _ => continue,
        };
        // Each id or filterset once (a `cfg` twin selects the same test; a subclass may run
        // two locked methods).
        if runner == Selector::Nextest {
            if !out.contains(&args[1]) {
                out.extend(args);
            }
        } else {
            for a in args {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        }
    }
    if out.is_empty() {
        let what = match runner {
            Selector::Pytest => "Python",
            Selector::Nextest => "Rust",
            Selector::Go => "Go",
        };
        bail!("`{LOCK_PATH}` locks no {what} test: there is nothing to select");
    }
    Ok(out)
}

/// `go test`'s arguments for the locked Go tests: each package directory that holds one
/// (`./billing`, `.` for the module's own directory), relative to the directory of its
/// `go.mod`, then `-run` and one pattern that matches exactly the locked tests' names
/// (`^(TestA|TestB)$`; a subtest runs with its test). `go test` runs from that directory, so
/// the locked tests must all be of one module. `-run` matches by name in every package it is
/// given: a test of a selected package that has a locked test's name runs too, and an
/// isolated run refuses it.
fn go_selection(tree: &WorkTree, locked: &[LockedRef]) -> Result<Vec<String>> {
    let mut module: Option<String> = None;
    let mut packages: Vec<String> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for t in locked.iter().filter(|t| t.lang == "go") {
        let dir = t.file.rsplit_once('/').map_or("", |(d, _)| d);
        let Some(root) = tree.go_module_dir(dir) else {
            bail!(
                "cannot tell which Go module `{}` belongs to: no `go.mod` above it",
                t.file
            );
        };
        match &module {
            Some(m) if *m != root => bail!(
                "the locked Go tests are in two modules (`{}` and `{}`): one `go test` runs one module's packages; lock each module's tests in its own repository or run them by hand",
                display_dir(m),
                display_dir(&root)
            ),
            _ => module = Some(root.clone()),
        }
        let rel = Path::new(dir)
            .strip_prefix(&root)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let package = if rel.is_empty() {
            ".".to_owned()
        } else {
            format!("./{rel}")
        };
        if !packages.contains(&package) {
            packages.push(package);
        }
        if !names.contains(&t.name.as_str()) {
            names.push(&t.name);
        }
    }
    if names.is_empty() {
        bail!("`{LOCK_PATH}` locks no Go test: there is nothing to select");
    }
    let mut out = packages;
    out.push("-run".to_owned());
    out.push(format!("^({})$", names.join("|")));
    Ok(out)
}

/// A directory relative to the root, as a message names it.
fn display_dir(dir: &str) -> &str {
    if dir.is_empty() { "." } else { dir }
}

/// The pytest node ids that run a locked Python test: its own, and for a method, the same
/// method under each class of its file that inherits it (through the file's classes, by the
/// names its bases are written with) without defining that name again. A class pytest would
/// not collect (no `Test` prefix and no base but `object`, a mixin) is left out when a
/// subclass runs the test: naming it would make pytest stop with "not found".
fn pytest_node_ids(root: &Path, t: &LockedRef) -> Vec<String> {
    let join = |scope: &[String]| {
        let mut id = t.file.clone();
        for s in scope.iter().chain([&t.name]) {
            id.push_str("::");
            id.push_str(s);
        }
        id
    };
    let own = join(&t.scope);
    let [class] = t.scope.as_slice() else {
        return vec![own];
    };
    let module = std::fs::read_to_string(root.join(&t.file))
        .ok()
        .and_then(|src| {
            super::lang::python_module_shape(&t.file, &src)
                .ok()
                .flatten()
        });
    let Some(module) = module else {
        return vec![own];
    };
    // The classes of the file that have `class` among their ancestors, in the file's order.
    let mut heirs: Vec<&str> = vec![class.as_str()];
    let mut grew = true;
    while grew {
        grew = false;
        for c in &module.classes {
            if !heirs.contains(&c.name.as_str())
                && c.bases.iter().any(|b| heirs.contains(&b.as_str()))
                && !c.defines.contains(&t.name)
            {
                heirs.push(c.name.as_str());
                grew = true;
            }
        }
    }
    let subclasses: Vec<String> = module
        .classes
        .iter()
        .filter(|c| c.name != *class && heirs.contains(&c.name.as_str()))
        .map(|c| join(std::slice::from_ref(&c.name)))
        .collect();
    let collected = class.starts_with("Test")
        || module
            .classes
            .iter()
            .any(|c| c.name == *class && c.bases.iter().any(|b| !matches!(b.as_str(), "object")));
    let mut out = Vec::new();
    if collected || subclasses.is_empty() {
        out.push(own);
    }
    out.extend(subclasses);
    out
}

/// The module path of a Rust file inside its test binary (`src/a/b.rs` → `a::b`).
fn rust_module_path(file: &str) -> Vec<String> {
    let parts: Vec<&str> = file.split('/').collect();
    let (start, integration) = match parts.iter().rposition(|p| *p == "src" || *p == "tests") {
        Some(i) => (i + 1, parts[i] == "tests"),
        None => (0, false),
    };
    let mut rest: Vec<&str> = parts[start..].to_vec();
    if rest.first() == Some(&"bin") && !integration {
        rest.remove(0);
        if rest.len() > 1 {
            // `src/bin/tool/main.rs`: the binary is `tool`.
            rest.remove(0);
        } else {
            return Vec::new();
        }
    } else if integration {
        // `tests/x.rs` is binary `x`; `tests/x/sub.rs` is module `sub` of binary `x`.
        if rest.len() <= 1 {
            return Vec::new();
        }
        rest.remove(0);
    }
    let mut out: Vec<String> = Vec::new();
    for (i, p) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        let stem = p.strip_suffix(".rs").unwrap_or(p);
        if last && matches!(stem, "lib" | "main" | "mod") {
            continue;
        }
        out.push(stem.to_owned());
    }
    out
}

fn match_rust(t: &LockedRef, c: &Case, tree: &WorkTree) -> Match {
    // nextest's classname is the binary id: a test of another binary (a look-alike module
    // path in an integration test) is another test.
    if tree
        .rust_binary_id(&t.file)
        .is_none_or(|b| b != c.classname)
    {
        return Match::No;
    }
    let mut path = rust_module_path(&t.file);
    path.extend(t.scope.iter().cloned());
    path.push(t.name.clone());
    let full = path.join("::");
    if c.name == full {
        return Match::Exact;
    }
    let mut tail = t.scope.clone();
    tail.push(t.name.clone());
    let tail = tail.join("::");
    if c.name == tail || c.name.ends_with(&format!("::{tail}")) {
        Match::Loose
    } else {
        Match::No
    }
}

fn match_js(t: &LockedRef, c: &Case, tree: &WorkTree) -> Match {
    let found = match_js_titles(t, c, tree);
    if found == Match::No {
        return found;
    }
    // Another test of the locked test's own file that could have written the entry (a
    // look-alike of its title, or of a case of its `.each` table): the entry proves nothing.
    let mut own = t.scope.clone();
    own.push(t.name.clone());
    let name = strip_number(&c.name);
    let mut entries = vec![name.to_owned(), name.trim_start().to_owned()];
    for sep in [" ", " › ", " > "] {
        entries.push(format!("{}{sep}{name}", c.classname));
        if !c.suites.is_empty() {
            entries.push(format!("{}{sep}{name}", c.suites.join(sep)));
        }
    }
    if tree.title_in_own_file(&t.file, &own, &entries) {
        return Match::No;
    }
    found
}

fn match_js_titles(t: &LockedRef, c: &Case, tree: &WorkTree) -> Match {
    let mut titles = t.scope.clone();
    titles.push(t.name.clone());
    let scope_only = &t.scope;
    let name = strip_number(&c.name);
    // vitest writes the file as the classname; a different file is another test.
    if is_js_path(&c.classname) && !tree.names_file(&c.classname, &t.file) {
        return Match::No;
    }
    // An entry that names no file (AVA's title alone, jest-junit without `file`) could be
    // another file's test of the same titles: it is this test's only when no other file
    // holds its title, and never a case of its `.each` table (whose values no file holds).
    let named = c.file.is_some() || is_js_path(&c.classname);
    // `entries`: the full titles the entry stands for, as the report may have joined them.
    let alone = |entries: &[String]| !tree.title_elsewhere(&t.name, entries, &t.file);
    // jest-junit's default templates (`{classname} {title}`) put the describe titles, none
    // for a test at the top of its file, and a space before the title: ` is exact`.
    if scope_only.is_empty() && name.strip_prefix(' ') == Some(t.name.as_str()) {
        return if named || alone(&[name.to_owned()]) {
            Match::Exact
        } else {
            Match::No
        };
    }
    // Node's test runner (`--test-reporter=junit`): `classname="test"`, the title alone,
    // inside one `<testsuite>` per describe. A test with subtests is written as a suite
    // without an outcome of its own, so it never matches.
    if c.classname == "test" && name == t.name && c.suites == *scope_only {
        let mut levels = c.suites.clone();
        levels.push(name.to_owned());
        return if named || alone(&[levels.join(" > ")]) {
            Match::Exact
        } else {
            Match::No
        };
    }
    // Another test's entry of that form: inside a describe, its title alone is not the
    // titles of a test at the top of the file.
    if c.classname == "test" && !c.suites.is_empty() && !named {
        return Match::No;
    }
    let mut instance = false;
    for sep in [" ", " › ", " > "] {
        let joined = titles.join(sep);
        if name == joined
            // jest-junit with `classNameTemplate: "{classname}"`, `titleTemplate: "{title}"`.
            || (name == t.name && c.classname == scope_only.join(sep))
        {
            let entries = [name.to_owned(), format!("{}{sep}{name}", c.classname)];
            return if named || alone(&entries) {
                Match::Exact
            } else {
                Match::No
            };
        }
        // AVA with several files: `file › title`, the file named by its part below the
        // directory the run's files share: no other file of the work tree may have it.
        if let Some(prefix) = name.strip_suffix(&format!(" › {joined}"))
            && file_prefix_matches(prefix, &t.file)
        {
            return if tree.only_file(&t.file, |f| is_js_path(f) && file_prefix_matches(prefix, f)) {
                Match::Exact
            } else {
                Match::No
            };
        }
        // A case of `test.each(table)(title, …)` or of a `describe.each`: the title with
        // the case's values put in for its placeholders (`case %i` → `case 1`).
        // jest-junit's leading space before a test at the top of its file, as above.
        let at_top = if scope_only.is_empty() {
            name.strip_prefix(' ').unwrap_or(name)
        } else {
            name
        };
        instance |= named
            && has_placeholder(&joined)
            && (title_instance(&joined, name, sep)
                || title_instance(&joined, at_top, sep)
                || (has_placeholder(&t.name)
                    && title_instance(&t.name, name, sep)
                    && title_instance(&scope_only.join(sep), &c.classname, sep)));
    }
    if instance { Match::Loose } else { Match::No }
}

/// Whether a Jest or Vitest title holds a placeholder that `.each` fills with a case's
/// values: a printf directive (`%s`, `%d`, `%i`, `%f`, `%j`, `%o`, `%p`, `%#`, `%$`) or
/// a `$name` (`$a`, `$a.b`) of a table whose rows are objects or a tagged template.
fn has_placeholder(title: &str) -> bool {
    title_parts(title).iter().any(Option::is_none)
}

/// A title split into literal text (`Some`) and placeholders (`None`); `%%` is a `%`.
pub(crate) fn title_parts(title: &str) -> Vec<Option<String>> {
    let mut parts: Vec<Option<String>> = Vec::new();
    let mut lit = String::new();
    let chars: Vec<char> = title.chars().collect();
    let mut i = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '%' && next == Some('%') {
            lit.push('%');
            i += 2;
            continue;
        }
        let placeholder_end = if c == '%' && next.is_some_and(|n| "sdifjop#$".contains(n)) {
            Some(i + 2)
        } else if c == '$' && next.is_some_and(|n| n.is_alphabetic() || n == '_') {
            // `$name`, `$name.field`, `$0` is not one.
            let mut j = i + 1;
            loop {
                while j < chars.len() && ident(chars[j]) {
                    j += 1;
                }
                if chars.get(j) == Some(&'.') && chars.get(j + 1).is_some_and(|n| ident(*n)) {
                    j += 1;
                } else {
                    break;
                }
            }
            Some(j)
        } else {
            None
        };
        if let Some(end) = placeholder_end {
            if !lit.is_empty() {
                parts.push(Some(std::mem::take(&mut lit)));
            }
            parts.push(None);
            i = end;
        } else {
            lit.push(c);
            i += 1;
        }
    }
    if !lit.is_empty() {
        parts.push(Some(lit));
    }
    parts
}

/// Whether `name` is `template` with each placeholder replaced by some text; a text that
/// holds the separator of titles `sep` (` > `, ` › `) would be another level of titles.
fn title_instance(template: &str, name: &str, sep: &str) -> bool {
    parts_match(
        &title_parts(template),
        name,
        Some(sep).filter(|s| *s != " "),
    )
}

/// Whether `name` is `parts` with each `None` replaced by some text (perhaps empty) that
/// does not hold `within` (a separator of titles a filled part may not cross).
pub(crate) fn parts_match(parts: &[Option<String>], name: &str, within: Option<&str>) -> bool {
    match parts.split_first() {
        None => name.is_empty(),
        Some((Some(lit), rest)) => name
            .strip_prefix(lit.as_str())
            .is_some_and(|r| parts_match(rest, r, within)),
        Some((None, rest)) => name
            .char_indices()
            .map(|(i, _)| i)
            .chain([name.len()])
            .take_while(|i| within.is_none_or(|sep| !name[..*i].contains(sep)))
            .any(|i| parts_match(rest, &name[i..], within)),
    }
}

/// `#3 title` (tap-junit numbers its test points) → `title`.
fn strip_number(name: &str) -> &str {
    if let Some(rest) = name.strip_prefix('#') {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0
            && let Some(r) = rest[digits..].strip_prefix(' ')
        {
            return r.trim_start_matches("- ");
        }
    }
    name
}

fn is_js_path(s: &str) -> bool {
    [".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"]
        .iter()
        .any(|e| s.ends_with(e))
}

/// AVA's file prefix (with several test files): the path below the directory the test files
/// share, with ` › ` between its parts, `__tests__` directories left out and the file's name
/// without its extension, its first `.test.` or `.spec.` made `.` and its first `test-`
/// dropped (`tests/billing/pay.test.js` → `billing › pay`). The file written out without
/// its extension also matches.
fn file_prefix_matches(prefix: &str, file: &str) -> bool {
    let ends_with = |full: &str, tail: &str| full == tail || full.ends_with(&format!("/{tail}"));
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let as_path = prefix.replace(" › ", "/");
    let written = as_path
        .rsplit_once('.')
        .map_or(as_path.as_str(), |(s, _)| s);
    if ends_with(stem, written) {
        return true;
    }
    let mut parts: Vec<&str> = file.split('/').filter(|p| *p != "__tests__").collect();
    let Some(last) = parts.pop() else {
        return false;
    };
    let last = last.replacen(".spec.", ".", 1).replacen(".test.", ".", 1);
    let last = last.replacen("test-", "", 1);
    let last = last.rsplit_once('.').map_or(last.as_str(), |(s, _)| s);
    let mut ava = parts.join("/");
    if !ava.is_empty() {
        ava.push('/');
    }
    ava.push_str(last);
    ends_with(&ava, &as_path)
}

fn match_go(t: &LockedRef, c: &Case, tree: &WorkTree) -> Match {
    if c.name != t.name && !c.name.starts_with(&format!("{}/", t.name)) {
        return Match::No;
    }
    let dir = t.file.rsplit_once('/').map_or("", |(d, _)| d);
    let import_path = tree.go_import_path(dir);
    if import_path.as_deref() == Some(c.classname.as_str()) {
        return Match::Exact;
    }
    // The package without the module path read (no `go.mod` above it): a package of the
    // root directory is any, one of a directory ends with it.
    let could_be = if dir.is_empty() {
        import_path.is_none()
    } else {
        c.classname == dir || c.classname.ends_with(&format!("/{dir}"))
    };
    if could_be && tree.only_go_package(&c.classname, dir) {
        Match::Loose
    } else {
        Match::No
    }
}

/// The report files a pattern names, relative to `root`.
fn report_files(root: &Path, pattern: &str) -> Result<Vec<PathBuf>> {
    let pattern = pattern.trim_start_matches("./").trim_start_matches('/');
    let wild = pattern.contains(['*', '?', '[', '{']);
    if !wild {
        let p = root.join(pattern);
        return Ok(if p.is_file() { vec![p] } else { Vec::new() });
    }
    // Walk from the deepest directory without wildcards.
    let fixed: Vec<&str> = pattern
        .split('/')
        .take_while(|s| !s.contains(['*', '?', '[', '{']))
        .collect();
    let base = root.join(fixed.join("/"));
    let set = PatternSet::new([&format!("/{pattern}")])?;
    let mut out = Vec::new();
    if !base.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(&base).follow_links(false) {
        let entry = entry.with_context(|| format!("failed to list `{}`", base.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        if set.matches(rel) {
            out.push(entry.path().to_path_buf());
        }
    }
    out.sort();
    Ok(out)
}

/// Reads JUnit XML: every `<testcase>`, with `<failure>`/`<error>` as failed, `<skipped>` as
/// skipped, the names of the `<testsuite>`s around it, and its `file` (or else the innermost
/// suite's). nextest's `<flakyFailure>` (failed, then passed on retry) is a pass; its
/// `<rerunFailure>` only comes with a `<failure>`. The document must be complete (its root
/// element closed) and hold a `<testsuite>` or `<testsuites>` root.
pub fn parse_junit(text: &str) -> Result<Vec<Case>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut root_closed = false;
    let mut out = Vec::new();
    let mut current: Option<Case> = None;
    let mut in_result: Option<(bool, String)> = None;
    // The open `<testsuite>` elements: the depth each opened at, its name and its file.
    let mut suites: Vec<(usize, String, Option<String>)> = Vec::new();
    let attr = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> Result<Option<String>> {
        Ok(match e.try_get_attribute(name)? {
            Some(a) => Some(
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)?
                    .into_owned(),
            ),
            None => None,
        })
    };
    loop {
        let event = reader.read_event().context("invalid XML")?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let tag = e.local_name().as_ref().to_owned();
                if depth == 0 {
                    if root_seen {
                        bail!("more than one root element");
                    }
                    if tag != "testsuites" && tag != "testsuite" {
                        bail!("the root element is <{tag}>, not <testsuites> or <testsuite>");
                    }
                    root_seen = true;
                    if empty {
                        root_closed = true;
                    }
                }
                match tag.as_str() {
                    "testsuite" if !empty => {
                        suites.push((
                            depth,
                            attr(e, "name")?.unwrap_or_default(),
                            attr(e, "file")?,
                        ));
                    }
                    "testcase" => {
                        let case = Case {
                            classname: attr(e, "classname")?.unwrap_or_default(),
                            name: attr(e, "name")?.unwrap_or_default(),
                            // mocha-junit-reporter names the file on the suite.
                            file: match attr(e, "file")? {
                                Some(f) => Some(f),
                                None => suites.iter().rev().find_map(|(_, _, f)| f.clone()),
                            },
                            outcome: Outcome::Passed,
                            suites: suites.iter().map(|(_, n, _)| n.clone()).collect(),
                        };
                        if empty {
                            out.push(case);
                        } else {
                            current = Some(case);
                        }
                    }
                    "failure" | "error" | "skipped" if current.is_some() => {
                        let failed = tag != "skipped";
                        let msg = attr(e, "message")?.unwrap_or_default();
                        if let Some(c) = current.as_mut() {
                            apply(c, failed, &msg);
                        }
                        if !empty {
                            in_result = Some((failed, msg));
                        }
                    }
                    _ => {}
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::Text(ref t) => {
                if let (Some((failed, msg)), Some(c)) = (&in_result, current.as_mut())
                    && msg.is_empty()
                {
                    let body = t.xml10_content().trim().to_owned();
                    if !body.is_empty() {
                        apply(c, *failed, &body);
                    }
                }
            }
            Event::End(ref e) => {
                depth = depth.saturating_sub(1);
                if e.local_name().as_ref() == "testsuite"
                    && suites.last().is_some_and(|(d, _, _)| *d == depth)
                {
                    suites.pop();
                }
                match e.local_name().as_ref() {
                    "testcase" => {
                        if let Some(c) = current.take() {
                            out.push(c);
                        }
                    }
                    "failure" | "error" | "skipped" => in_result = None,
                    _ => {}
                }
                if depth == 0 {
                    root_closed = true;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        bail!("no <testsuites> or <testsuite> element");
    }
    if !root_closed || depth != 0 {
        bail!("the document ends before its root element is closed (a run cut short?)");
    }
    Ok(out)
}

/// Records a failure or a skip on a case; a failure wins over a skip.
fn apply(c: &mut Case, failed: bool, msg: &str) {
    if failed {
        c.outcome = Outcome::Failed(msg.to_owned());
    } else if !matches!(c.outcome, Outcome::Failed(_)) {
        c.outcome = Outcome::Skipped(msg.to_owned());
    }
}

/// Reads `go test -json` output: one case per `pass`/`fail`/`skip` event of a test, with
/// `Package` as the classname. Every package that reports a test must also end (a
/// package-level `pass`, `fail` or `skip`); a line that starts like JSON but does not parse
/// means a cut-off stream. Other lines (build output mixed in) are ignored.
///
/// A package's events must also be ones Go can have written ([`GoPackageRun`]): before Go
/// 1.20, test2json reads a line a test prints (`=== RUN   TestTotal`, `--- PASS: TestTotal`)
/// as an event of that test, so a test can forge another's run.
pub fn parse_go_test_json(text: &str) -> Result<Vec<Case>> {
    #[derive(serde::Deserialize)]
    struct Event {
        #[serde(rename = "Action", default)]
        action: String,
        #[serde(rename = "Package", default)]
        package: Option<String>,
        #[serde(rename = "Test", default)]
        test: Option<String>,
        #[serde(rename = "Output", default)]
        output: Option<String>,
    }
    let mut out = Vec::new();
    let mut output: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut packages_started: BTreeMap<String, bool> = BTreeMap::new();
    let mut runs: BTreeMap<String, GoPackageRun> = BTreeMap::new();
    let mut any = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if !line.starts_with('{') {
            continue;
        }
        let ev: Event = serde_json::from_str(line)
            .with_context(|| format!("line {}: not a complete JSON event", n + 1))?;
        any = true;
        // Build events (`build-output`, `build-fail`) carry `ImportPath`, not `Package`; the
        // package's own `fail` follows them.
        let Some(pkg) = ev.package else {
            continue;
        };
        let Some(test) = ev.test else {
            if matches!(ev.action.as_str(), "pass" | "fail" | "skip") {
                packages_started.insert(pkg, true);
            } else {
                packages_started.entry(pkg).or_insert(false);
            }
            continue;
        };
        packages_started.entry(pkg.clone()).or_insert(false);
        if let Err(why) = runs
            .entry(pkg.clone())
            .or_default()
            .event(&ev.action, &test)
        {
            bail!("the events of package `{pkg}` cannot be trusted: {why}");
        }
        let key = (pkg.clone(), test.clone());
        match ev.action.as_str() {
            "output" => {
                if let Some(o) = ev.output {
                    let slot = output.entry(key).or_default();
                    if slot.len() < 4096 {
                        slot.push_str(&o);
                    }
                }
            }
            "pass" | "fail" | "skip" => {
                let said = output.remove(&key).unwrap_or_default();
                let said: String = said
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.starts_with("=== ") && !l.starts_with("--- ") && !l.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push(Case {
                    classname: pkg,
                    name: test,
                    file: None,
                    suites: Vec::new(),
                    outcome: match ev.action.as_str() {
                        "pass" => Outcome::Passed,
                        "skip" => Outcome::Skipped(said),
                        _ => Outcome::Failed(said),
                    },
                });
            }
            _ => {}
        }
    }
    if !any {
        bail!("no `go test -json` event");
    }
    if let Some((pkg, _)) = packages_started.iter().find(|(_, ended)| !**ended) {
        bail!("package `{pkg}` has no final pass/fail event (a run cut short?)");
    }
    for (pkg, run) in &runs {
        if let Some(test) = run.open.iter().next() {
            bail!(
                "the events of package `{pkg}` cannot be trusted: `{test}` started and never ended, though the package did (a test that ended the process, after printing another test's result?)"
            );
        }
    }
    Ok(out)
}

/// What the events of one package say is running, to tell events Go writes from lines a test
/// printed (test2json before Go 1.20 reads both alike). Go runs top-level tests one at a
/// time: the next starts when the last ended or paused in `t.Parallel()`, and the paused
/// ones continue only after every top-level test started. Subtests nest under their parent
/// and may run side by side.
#[derive(Debug, Default)]
struct GoPackageRun {
    /// Top-level tests started or continued and not paused or ended.
    running: std::collections::BTreeSet<String>,
    /// Tests (subtests too) started and not ended.
    open: std::collections::BTreeSet<String>,
}

impl GoPackageRun {
    /// Takes one event of a test; `Err` says why Go cannot have written it.
    fn event(&mut self, action: &str, test: &str) -> std::result::Result<(), String> {
        let top = test.split('/').next().unwrap_or(test);
        let is_top = top == test;
        let other = self.running.iter().find(|t| *t != top).cloned();
        match action {
            "run" | "pass" | "fail" | "skip" => {
                // A top-level test starts only when no other runs; any other event of a test
                // belongs to a top-level test that runs, unless none does (a report written
                // by a tool that gives ends only).
                let forged = if action == "run" && is_top {
                    other.as_ref()
                } else if self.running.contains(top) {
                    None
                } else {
                    other.as_ref()
                };
                if let Some(other) = forged {
                    let what = if action == "run" { "started" } else { "ended" };
                    return Err(format!(
                        "`{test}` {what} while `{other}` was running (Go runs one top-level test at a time: a line `{other}` printed?)"
                    ));
                }
                if action == "run" {
                    if is_top {
                        self.running.insert(test.to_owned());
                    }
                    self.open.insert(test.to_owned());
                } else {
                    if is_top {
                        self.running.remove(test);
                    }
                    self.open.remove(test);
                }
            }
            "pause" if is_top => {
                self.running.remove(test);
            }
            "cont" if is_top => {
                self.running.insert(test.to_owned());
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(id: &str, file: &str) -> LockedRef {
        LockedRef::new(id, file)
    }

    fn case(classname: &str, name: &str, outcome: Outcome) -> Case {
        Case {
            suites: Vec::new(),
            classname: classname.into(),
            name: name.into(),
            file: None,
            outcome,
        }
    }

    /// A work tree with a library package named `crate` and nothing else.
    fn crate_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"crate\"\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
        dir
    }

    fn m(t: &LockedRef, c: &Case) -> Match {
        let dir = crate_dir();
        matches(t, c, &WorkTree::new(dir.path()))
    }

    #[test]
    fn an_isolated_run_holds_instances_of_locked_tests_alone() {
        let dir = crate_dir();
        let tree = WorkTree::new(dir.path());
        let locked = vec![r("rust:src/lib.rs::tests::refund", "src/lib.rs")];
        let strangers = |cases: &[Case]| {
            strangers(
                cases,
                &locked,
                &tree,
                &mut Subclasses::new(dir.path()),
                "r.xml",
            )
            .into_iter()
            .map(|f| (f.test_id, f.rule))
            .collect::<Vec<_>>()
        };
        // The locked test itself, passed or failed, is no stranger.
        assert!(strangers(&[case("crate", "tests::refund", Outcome::Passed)]).is_empty());
        assert!(
            strangers(&[case("crate", "tests::refund", Outcome::Failed("x".into()))]).is_empty()
        );
        // Another test, even skipped, is; so is one whose path only ends like the locked
        // test's (another module's `tests::refund` in the same binary).
        assert_eq!(
            strangers(&[
                case("crate", "tests::refund", Outcome::Passed),
                case("crate", "tests::other", Outcome::Skipped(String::new())),
                case("crate", "pay::tests::refund", Outcome::Passed),
            ]),
            vec![
                ("crate tests::other".to_owned(), EvidenceRule::NotIsolated),
                (
                    "crate pay::tests::refund".to_owned(),
                    EvidenceRule::NotIsolated
                ),
            ]
        );
        // Many strangers: twenty are named, the last says how many more there are.
        let many: Vec<Case> = (0..25)
            .map(|i| case("crate", &format!("t{i}"), Outcome::Passed))
            .collect();
        let found = strangers(&many);
        assert_eq!(found.len(), 20);
    }

    #[test]
    fn ids_split_into_scope_and_name() {
        let t = r("python:tests/test_x.py::TestA::test_b", "tests/test_x.py");
        assert_eq!(t.scope, vec!["TestA".to_owned()]);
        assert_eq!(t.name, "test_b");
        let t = r(
            "rust:src/lib.rs::tests::size[cfg(target_pointer_width = \"64\")]",
            "src/lib.rs",
        );
        assert_eq!(t.name, "size");
        assert_eq!(t.group, "rust:src/lib.rs::tests::size");
    }

    #[test]
    fn pytest_names_map_to_ids() {
        let t = r("python:tests/test_x.py::TestA::test_b", "tests/test_x.py");
        let p = |cl: &str, n: &str| m(&t, &case(cl, n, Outcome::Passed));
        assert_eq!(p("tests.test_x.TestA", "test_b"), Match::Exact);
        assert_eq!(p("tests.test_x.TestA", "test_b[1-foo]"), Match::Exact);
        // A failed unittest subtest, as unittest-xml-reporting names it.
        assert_eq!(p("tests.test_x.TestA", "test_b (xs=[2, 2])"), Match::Exact);
        assert_eq!(p("tests.test_x.TestA", "test_bb (i=1)"), Match::No);
        assert_eq!(p("test_x.TestA", "test_b"), Match::Loose);
        assert_eq!(p("tests.test_x.TestA", "test_bb"), Match::No);
        assert_eq!(p("tests.test_y.TestA", "test_b"), Match::No);
    }

    #[test]
    fn nextest_names_map_to_ids() {
        assert_eq!(rust_module_path("src/lib.rs"), Vec::<String>::new());
        assert_eq!(rust_module_path("src/a/b.rs"), vec!["a", "b"]);
        assert_eq!(rust_module_path("src/a/mod.rs"), vec!["a"]);
        assert_eq!(rust_module_path("tests/refunds.rs"), Vec::<String>::new());
        assert_eq!(rust_module_path("tests/it/sacred.rs"), vec!["sacred"]);
        assert_eq!(rust_module_path("crates/x/src/pay.rs"), vec!["pay"]);
        let t = r("rust:src/pay.rs::tests::exact", "src/pay.rs");
        assert_eq!(
            m(&t, &case("crate", "pay::tests::exact", Outcome::Passed)),
            Match::Exact
        );
        assert_eq!(
            m(&t, &case("crate", "tests::exact", Outcome::Passed)),
            Match::Loose
        );
        assert_eq!(
            m(&t, &case("crate", "pay::tests::exact2", Outcome::Passed)),
            Match::No
        );
        // The same path in another binary (an integration test declaring `mod pay`).
        assert_eq!(
            m(&t, &case("crate::it", "pay::tests::exact", Outcome::Passed)),
            Match::No
        );
    }

    #[test]
    fn js_runner_names_map_to_ids() {
        let t = r("js:test/pay.test.js::refunds::is exact", "test/pay.test.js");
        let p = |cl: &str, n: &str| m(&t, &case(cl, n, Outcome::Passed));
        // jest-junit default
        assert_eq!(p("refunds is exact", "refunds is exact"), Match::Exact);
        // jest-junit with classname/title templates
        assert_eq!(p("refunds", "is exact"), Match::Exact);
        // vitest
        assert_eq!(p("test/pay.test.js", "refunds > is exact"), Match::Exact);
        assert_eq!(p("test/other.test.js", "refunds > is exact"), Match::No);
        assert_eq!(p("", "refunds is roughly right"), Match::No);
        let ava = r("js:test/pay.js::is exact", "test/pay.js");
        let p = |n: &str| m(&ava, &case("", n, Outcome::Passed));
        assert_eq!(p("#2 is exact"), Match::Exact);
        assert_eq!(p("pay › is exact"), Match::Exact);
        assert_eq!(p("other › is exact"), Match::No);
    }

    #[test]
    fn jest_junit_writes_a_top_level_test_after_a_space() {
        let t = r("js:test/pay.test.js::top level", "test/pay.test.js");
        let p = |cl: &str, n: &str| m(&t, &case(cl, n, Outcome::Passed));
        assert_eq!(p(" top level", " top level"), Match::Exact);
        assert_eq!(p("", "top level"), Match::Exact);
        assert_eq!(p(" top", " top"), Match::No);
        // Inside a describe, the space is the separator, not the whole scope.
        let nested = r(
            "js:test/pay.test.js::refunds::top level",
            "test/pay.test.js",
        );
        assert_eq!(
            m(&nested, &case(" top level", " top level", Outcome::Passed)),
            Match::No
        );
    }

    #[test]
    fn each_titles_map_their_cases_loosely() {
        let t = r(
            "js:test/pay.test.js::refunds::nested::case %i of $name.first",
            "test/pay.test.js",
        );
        let p = |cl: &str, n: &str| m(&t, &case(cl, n, Outcome::Passed));
        assert_eq!(
            p("test/pay.test.js", "refunds > nested > case 1 of 'ann'"),
            Match::Loose
        );
        let named = |cl: &str, n: &str| {
            let mut c = case(cl, n, Outcome::Passed);
            c.file = Some("test/pay.test.js".into());
            m(&t, &c)
        };
        assert_eq!(
            named("refunds nested case 2 of x", "refunds nested case 2 of x"),
            Match::Loose
        );
        assert_eq!(named("refunds nested", "case 3 of y"), Match::Loose);
        // Without a file, a case could be any file's test of that text.
        assert_eq!(
            p("refunds nested case 2 of x", "refunds nested case 2 of x"),
            Match::No
        );
        assert_eq!(p("refunds nested", "case 3 of y"), Match::No);
        // A table's case at the top of its file, after jest-junit's space.
        let top = r("js:test/pay.test.js::adds $a and $b", "test/pay.test.js");
        let mut c = case(" adds 1 and 2", " adds 1 and 2", Outcome::Passed);
        c.file = Some("test/pay.test.js".into());
        assert_eq!(m(&top, &c), Match::Loose);
        assert_eq!(
            p("test/pay.test.js", "refunds > nested > cases 1 of y"),
            Match::No
        );
        assert_eq!(
            p("test/other.test.js", "refunds > nested > case 1 of y"),
            Match::No
        );
        // `%%` is a percent sign; `$0` and a lone `%` are text.
        assert!(!has_placeholder("100%% paid, $0 due, 5% off"));
        assert!(title_instance("100%% of %s", "100% of all", " "));
        assert!(!title_instance("100%% of %s", "100 of all", " "));
        assert!(title_instance("$a + $b = $expected", "1 + 2 = 3", " "));
        assert!(!title_instance("$a + $b = $expected", "1 - 2 = 3", " "));
        assert!(title_instance("%#: %p", "0: 'x'", " > "));
        // A value does not span a level of titles (another describe's test).
        assert!(title_instance(
            "refunds > adds %s",
            "refunds > adds x",
            " > "
        ));
        assert!(!title_instance(
            "refunds > adds %s",
            "refunds > adds x > deep",
            " > "
        ));
    }

    /// `t` matched against `c` in a work tree holding `files` (path, content).
    fn m_in(t: &LockedRef, c: &Case, files: &[(&str, &str)]) -> Match {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        matches(t, c, &WorkTree::new(dir.path()))
    }

    #[test]
    fn node_test_runner_entries_map_through_their_suites() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<testsuites>
	<testsuite name="refunds" tests="2">
		<testcase name="is exact" classname="test"/>
		<testsuite name="nested" tests="1">
			<testcase name="deep" classname="test"><skipped type="skipped" message="true"/></testcase>
		</testsuite>
		<testcase name="after" classname="test"/>
	</testsuite>
	<testcase name="top level" classname="test"/>
</testsuites>"#;
        let cases = parse_junit(xml).unwrap();
        let suites: Vec<(&str, Vec<String>)> = cases
            .iter()
            .map(|c| (c.name.as_str(), c.suites.clone()))
            .collect();
        let v = |x: &[&str]| x.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
        assert_eq!(
            suites,
            [
                ("is exact", v(&["refunds"])),
                ("deep", v(&["refunds", "nested"])),
                ("after", v(&["refunds"])),
                ("top level", v(&[])),
            ]
        );
        let file = "test/pay.test.js";
        let id = |s: &str| r(&format!("js:{file}::{s}"), file);
        assert_eq!(m(&id("refunds::is exact"), &cases[0]), Match::Exact);
        assert_eq!(m(&id("refunds::nested::deep"), &cases[1]), Match::Exact);
        assert_eq!(m(&id("refunds::after"), &cases[2]), Match::Exact);
        assert_eq!(m(&id("top level"), &cases[3]), Match::Exact);
        assert_eq!(m(&id("is exact"), &cases[0]), Match::No);
        assert_eq!(m(&id("nested::deep"), &cases[1]), Match::No);
    }

    #[test]
    fn a_suites_file_names_the_file_of_its_entries() {
        let xml = r#"<testsuites name="Mocha Tests">
  <testsuite name="Root Suite"><testcase name="top" classname="top"/></testsuite>
  <testsuite name="refunds" file="/abs/tests/pay.test.js">
    <testcase name="refunds is exact" classname="is exact"/>
    <testcase name="refunds own" classname="own" file="tests/own.test.js"/>
  </testsuite>
  <testcase name="after" classname="after"/>
</testsuites>"#;
        let files: Vec<Option<String>> = parse_junit(xml)
            .unwrap()
            .into_iter()
            .map(|c| c.file)
            .collect();
        assert_eq!(
            files,
            [
                None,
                Some("/abs/tests/pay.test.js".to_owned()),
                Some("tests/own.test.js".to_owned()),
                None
            ]
        );
    }

    #[test]
    fn an_entry_naming_no_file_is_no_evidence_beside_a_look_alike() {
        let t = r(
            "js:tests/billing/pay.test.js::refund is exact",
            "tests/billing/pay.test.js",
        );
        let own = (
            "tests/billing/pay.test.js",
            "test('refund is exact', () => {});\n",
        );
        let other = (
            "tests/other.test.js",
            "test('refund is exact', () => {});\n",
        );
        let vendored = (
            "node_modules/x/t.test.js",
            "test('refund is exact', () => {});\n",
        );
        let bare = case("", "refund is exact", Outcome::Passed);
        let jest = case(" refund is exact", " refund is exact", Outcome::Passed);
        assert_eq!(m_in(&t, &bare, &[own, vendored]), Match::Exact);
        assert_eq!(m_in(&t, &jest, &[own, vendored]), Match::Exact);
        assert_eq!(m_in(&t, &bare, &[own, other]), Match::No);
        assert_eq!(m_in(&t, &jest, &[own, other]), Match::No);
        // A report that names the file tells them apart.
        let mut filed = bare.clone();
        filed.file = Some("tests/billing/pay.test.js".into());
        assert_eq!(m_in(&t, &filed, &[own, other]), Match::Exact);
        // AVA's prefix names the file by its part below the run's common directory: another
        // file with that part could have written it.
        let ava = case("", "billing › pay › refund is exact", Outcome::Passed);
        assert_eq!(m_in(&t, &ava, &[own, other]), Match::Exact);
        let twin = ("legacy/billing/pay.test.js", "");
        assert_eq!(m_in(&t, &ava, &[own, twin]), Match::No);
    }

    #[test]
    fn ava_prefixes_name_the_file_as_ava_shortens_it() {
        assert!(file_prefix_matches(
            "billing › pay",
            "tests/billing/pay.test.js"
        ));
        assert!(file_prefix_matches("pay", "tests/billing/pay.test.js"));
        assert!(file_prefix_matches(
            "billing › refund",
            "test/billing/__tests__/refund.spec.ts"
        ));
        assert!(file_prefix_matches("refund", "test/test-refund.js"));
        assert!(file_prefix_matches("billing › pay", "test/billing/pay.js"));
        assert!(!file_prefix_matches(
            "other › pay",
            "tests/billing/pay.test.js"
        ));
        assert!(!file_prefix_matches("ay", "tests/billing/pay.test.js"));
        let ava = r(
            "js:tests/billing/pay.test.js::is exact",
            "tests/billing/pay.test.js",
        );
        let p = |n: &str| m(&ava, &case("", n, Outcome::Passed));
        assert_eq!(p("billing › pay › is exact"), Match::Exact);
        assert_eq!(p("shop › pay › is exact"), Match::No);
    }

    #[test]
    fn printed_failures_read_as_report_cases_and_problems_counted() {
        let cases = printed_cases(
            "FAILED tests/billing/test_pay.py::TestPay::test_total[1-2] - assert 7 == 6\nERROR tests/x.py::test_y\nFAILED README.md::x\n",
        );
        let got: Vec<(&str, &str)> = cases
            .iter()
            .map(|c| (c.classname.as_str(), c.name.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("tests.billing.test_pay.TestPay", "test_total[1-2]"),
                ("tests.x", "test_y")
            ]
        );
        assert!(matches!(&cases[0].outcome, Outcome::Failed(m) if m.contains("assert 7 == 6")));
        let t = r(
            "python:tests/billing/test_pay.py::TestPay::test_total",
            "tests/billing/test_pay.py",
        );
        assert_eq!(m(&t, &cases[0]), Match::Exact);
        // A test that fails in its body and errors in its teardown: two, as pytest prints.
        assert_eq!(
            junit_problems(
                "<testsuite><testcase name=\"a\"><failure/><error message=\"td\"/></testcase><testcase name=\"b\"/></testsuite>"
            )
            .unwrap(),
            2
        );
    }

    #[test]
    fn junit_outcomes_and_truncation() {
        let xml = r#"<?xml version="1.0"?><testsuites><testsuite name="s">
<testcase classname="a" name="ok"/>
<testcase classname="a" name="skip"><skipped message="not today"/></testcase>
<testcase classname="a" name="bad"><failure message="boom">trace</failure></testcase>
<testcase classname="a" name="err"><error>setup failed</error></testcase>
<testcase classname="a" name="flaky"><flakyFailure message="once"/></testcase>
</testsuite></testsuites>"#;
        let cases = parse_junit(xml).unwrap();
        let out: Vec<(&str, &Outcome)> = cases
            .iter()
            .map(|c| (c.name.as_str(), &c.outcome))
            .collect();
        assert_eq!(
            out,
            vec![
                ("ok", &Outcome::Passed),
                ("skip", &Outcome::Skipped("not today".into())),
                ("bad", &Outcome::Failed("boom".into())),
                ("err", &Outcome::Failed("setup failed".into())),
                ("flaky", &Outcome::Passed),
            ]
        );
        let cut = &xml[..xml.len() - 20];
        assert!(parse_junit(cut).is_err());
        assert!(parse_junit("<coverage/>").is_err());
        assert!(parse_junit("").is_err());
    }

    #[test]
    fn go_json_outcomes_and_truncation() {
        let s = r#"{"Action":"start","Package":"m/pay"}
{"Action":"run","Package":"m/pay","Test":"TestA"}
{"Action":"output","Package":"m/pay","Test":"TestA","Output":"    pay_test.go:9: wrong\n"}
{"Action":"fail","Package":"m/pay","Test":"TestA"}
{"Action":"skip","Package":"m/pay","Test":"TestB"}
{"Action":"pass","Package":"m/pay","Test":"TestC/one"}
{"Action":"pass","Package":"m/pay","Test":"TestC"}
{"Action":"fail","Package":"m/pay"}
"#;
        let cases = parse_go_test_json(s).unwrap();
        assert_eq!(cases.len(), 4);
        assert_eq!(
            cases[0].outcome,
            Outcome::Failed("pay_test.go:9: wrong".into())
        );
        let no_end: String = s.lines().take(7).collect::<Vec<_>>().join("\n");
        assert!(parse_go_test_json(&no_end).is_err());
        let cut = &s[..s.len() - 10];
        assert!(parse_go_test_json(cut).is_err());
    }

    #[test]
    fn go_json_events_go_cannot_have_written_are_refused() {
        let ev = |a: &str, t: &str| format!(r#"{{"Action":"{a}","Package":"m/pay","Test":"{t}"}}"#);
        let doc = |events: &[String]| {
            let mut s = events.join("\n");
            s.push_str("\n{\"Action\":\"pass\",\"Package\":\"m/pay\"}\n");
            s
        };
        let err =
            |events: &[String]| format!("{:#}", parse_go_test_json(&doc(events)).unwrap_err());
        // A top-level test started while another runs.
        assert!(
            err(&[
                ev("run", "TestA"),
                ev("run", "TestB"),
                ev("pass", "TestB"),
                ev("pass", "TestA")
            ])
            .contains("`TestB` started while `TestA` was running")
        );
        // A test that never ended in a package that did.
        assert!(err(&[ev("run", "TestA")]).contains("`TestA` started and never ended"));
        // Paused tests let the next one start, and continue side by side.
        let parallel = [
            ev("run", "TestA"),
            ev("pause", "TestA"),
            ev("run", "TestB"),
            ev("pause", "TestB"),
            ev("run", "TestC"),
            ev("run", "TestC/x"),
            ev("pause", "TestC/x"),
            ev("cont", "TestC/x"),
            ev("pass", "TestC/x"),
            ev("pass", "TestC"),
            ev("cont", "TestA"),
            ev("cont", "TestB"),
            ev("pass", "TestB"),
            ev("pass", "TestA"),
        ];
        assert_eq!(parse_go_test_json(&doc(&parallel)).unwrap().len(), 4);
        // A paused test that another's printed line "continues" is caught when it ends.
        assert!(
            err(&[
                ev("run", "TestA"),
                ev("pause", "TestA"),
                ev("run", "TestB"),
                ev("pass", "TestA"),
                ev("pass", "TestB")
            ])
            .contains("`TestA` ended while `TestB` was running")
        );
    }

    #[test]
    fn parametrised_instances_all_must_pass() {
        let t = r("python:t.py::test_b", "t.py");
        let src = EvidenceSource {
            gate: "g".into(),
            junit: Some("r.xml".into()),
            go_test_json: None,
            tests: crate::config::StringList::default(),
            isolated: false,
        };
        let locked = vec![t];
        let cov = covered(&src, &locked).unwrap();
        // The work tree holds the locked file alone (one that cannot be listed proves
        // nothing: no file is known to be alone).
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.py"), "def test_b():\n    pass\n").unwrap();
        let tree = WorkTree::new(dir.path());
        let run = |cases: Vec<Case>| {
            judge(
                &cov,
                &cases,
                &tree,
                &mut Subclasses::new(Path::new(".")),
                "r.xml",
            )
        };
        assert_eq!(
            run(vec![
                case("t", "test_b[1]", Outcome::Passed),
                case("t", "test_b[2]", Outcome::Skipped(String::new())),
            ]),
            EvidenceResult::Proven(1)
        );
        let rule = |res: EvidenceResult| match res {
            EvidenceResult::Refused(f) => f[0].rule,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            rule(run(vec![
                case("t", "test_b[1]", Outcome::Passed),
                case("t", "test_b[2]", Outcome::Failed("x".into())),
            ])),
            EvidenceRule::FailedAtRuntime
        );
        assert_eq!(
            rule(run(vec![case(
                "t",
                "test_b[1]",
                Outcome::Skipped("s".into())
            )])),
            EvidenceRule::SkippedAtRuntime
        );
        assert_eq!(rule(run(vec![])), EvidenceRule::NotRun);
    }
}
