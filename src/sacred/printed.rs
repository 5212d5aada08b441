//! What a test runner printed about its run, read from a gate's output: the failures its
//! own summary counts. A report is written by the process that ran the tests, so code run
//! by the tests can rewrite it after the runner wrote it (an `atexit` hook that strips the
//! `<failure>` elements and ends the process with status 0); what the runner printed before
//! that cannot be taken back. A gate whose runner printed more failures than its reports
//! hold is refused (`gates::GateEvidence`).
//!
//! Read, by runner: pytest's closing line (`2 failed, 1 passed, 1 error in 0.03s`, with or
//! without the `=` rule) and its `FAILED`/`ERROR` lines; Jest's `Tests:` line; Vitest's
//! `Tests` line; cargo nextest's `Summary` line and libtest's `test result:` line; `go test`'s
//! `--- FAIL:` lines and `go test -json`'s `fail` events of a test; TAP's `# fail N`; Node's
//! test runner's `ℹ fail N` and `ℹ cancelled N` (its spec reporter).

/// What one summary line counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrintedFailures {
    /// The line as printed (without colours).
    pub line: String,
    /// Failed tests plus errors.
    pub failed: usize,
    /// Skipped tests as the runner's JUnit report records them (pytest's skipped and
    /// xfailed, Jest's and Vitest's skipped), where the report holds every one of them.
    pub skipped: Option<usize>,
    /// Passed tests as the runner's JUnit report records them (pytest's passed and
    /// xpassed), where the report holds every one.
    pub passed: Option<usize>,
}

/// What the runners printed in `output`: each line that counts failures (none when no
/// runner's summary was printed).
pub fn failures(output: &str) -> Vec<PrintedFailures> {
    let mut out = Vec::new();
    let mut go_fail_lines = 0usize;
    let mut go_json_fails = 0usize;
    let mut go_first = None;
    for raw in output.lines() {
        let line = strip_ansi(raw);
        let t = line.trim();
        if let Some(summary) = pytest_summary(t)
            .or_else(|| jest_summary(t))
            .or_else(|| vitest_summary(t))
            .or_else(|| {
                nextest_summary(t)
                    .or_else(|| libtest_summary(t))
                    .or_else(|| tap_summary(t))
                    .or_else(|| node_summary(t))
                    .map(|failed| PrintedFailures {
                        failed,
                        ..PrintedFailures::default()
                    })
            })
        {
            out.push(PrintedFailures {
                line: t.to_owned(),
                ..summary
            });
        } else if t.starts_with("--- FAIL: ") {
            go_fail_lines += 1;
            go_first.get_or_insert_with(|| t.to_owned());
        } else if go_json_test_failed(t) {
            go_json_fails += 1;
            go_first.get_or_insert_with(|| t.to_owned());
        }
    }
    let go = go_fail_lines.max(go_json_fails);
    if go > 0 {
        out.push(PrintedFailures {
            line: go_first.unwrap_or_default(),
            failed: go,
            ..PrintedFailures::default()
        });
    }
    out
}

/// The tests pytest named as failed or in error in its short summary (`FAILED
/// tests/billing/test_pay.py::test_refund - assert 9 == 10`, `ERROR …`): the node id and
/// the line.
pub fn pytest_failed_ids(output: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for raw in output.lines() {
        let line = strip_ansi(raw);
        let t = line.trim();
        let Some(rest) = t
            .strip_prefix("FAILED ")
            .or_else(|| t.strip_prefix("ERROR "))
        else {
            continue;
        };
        // The id is a path ending `.py` (which may hold spaces, even ` - `), `::`, then the
        // names, ending at ` - ` outside the parameter brackets (`test_total[three items]`).
        let Some(sep) = rest.find("::") else {
            continue;
        };
        // pytest collects `.py` files only (its node ids keep the file's own spelling).
        if !std::path::Path::new(&rest[..sep])
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("py"))
        {
            continue;
        }
        let names = &rest[sep..];
        let mut depth = 0i32;
        let mut end = names.len();
        for (i, c) in names.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                ' ' if depth <= 0 && names[i..].starts_with(" - ") => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let id = format!("{}{}", &rest[..sep], names[..end].trim_end());
        out.push((id, t.to_owned()));
    }
    out
}

/// The tests Vitest named as failed (` FAIL  tests/billing/pay.test.js > refunds > is
/// exact`): the file, the titles joined by ` > `, and the line.
pub fn vitest_failed_tests(output: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for raw in output.lines() {
        let line = strip_ansi(raw);
        let t = line.trim();
        let Some(rest) = t.strip_prefix("FAIL ") else {
            continue;
        };
        let Some((file, title)) = rest.trim().split_once(" > ") else {
            continue;
        };
        let file = file.trim();
        let js = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"]
            .iter()
            .any(|e| file.ends_with(e));
        if js && !file.contains(char::is_whitespace) && !title.trim().is_empty() {
            out.push((file.to_owned(), title.trim().to_owned(), t.to_owned()));
        }
    }
    out
}

/// The output without terminal colour sequences (`ESC [ … letter`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// `N word` items (`2 failed`, `1 timed out`): the count and the words, or `None` when an
/// item is not of that shape.
fn counted_items<'a>(items: impl Iterator<Item = &'a str>) -> Option<Vec<(usize, &'a str)>> {
    let mut out = Vec::new();
    for item in items {
        let item = item.trim();
        let (n, word) = item.split_once(' ')?;
        let n: usize = n.parse().ok()?;
        let word = word.trim();
        if word.is_empty() || !word.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') {
            return None;
        }
        out.push((n, word));
    }
    (!out.is_empty()).then_some(out)
}

/// The outcomes pytest's closing line counts.
const PYTEST_WORDS: [&str; 18] = [
    "failed",
    "passed",
    "skipped",
    "deselected",
    "xfailed",
    "xpassed",
    "warning",
    "warnings",
    "error",
    "errors",
    "rerun",
    "reruns",
    "subtests passed",
    "subtests failed",
    "subtests skipped",
    "subtests xfailed",
    "subtests xpassed",
    "subtest passed",
];

/// pytest's closing line: `[=== ]2 failed, 1 passed, 1 error in 0.03s[ (0:00:00)][ ===]`.
fn pytest_summary(t: &str) -> Option<PrintedFailures> {
    let t = t.trim_matches('=').trim();
    let (items, time) = t.rsplit_once(" in ")?;
    let time = time.split_once(" (").map_or(time, |(s, _)| s);
    let secs = time.strip_suffix('s')?;
    if secs.parse::<f64>().is_err() {
        return None;
    }
    if items == "no tests ran" {
        return Some(PrintedFailures {
            skipped: Some(0),
            passed: Some(0),
            ..PrintedFailures::default()
        });
    }
    let items = counted_items(items.split(", "))?;
    if !items.iter().all(|(_, w)| PYTEST_WORDS.contains(w)) {
        return None;
    }
    let sum = |words: &[&str]| -> usize {
        items
            .iter()
            .filter(|(_, w)| words.contains(w))
            .map(|(n, _)| n)
            .sum()
    };
    // Subtests and reruns are not entries of the JUnit report (a test function is one,
    // whatever its subtests; a rerun test is one, with its final outcome): they are left
    // out, and the test functions' counts compared.
    Some(PrintedFailures {
        failed: sum(&["failed", "error", "errors"]),
        skipped: Some(sum(&["skipped", "xfailed"])),
        passed: Some(sum(&["passed", "xpassed"])),
        ..PrintedFailures::default()
    })
}

/// Jest's `Tests:       1 failed, 1 skipped, 1 passed, 3 total`.
fn jest_summary(t: &str) -> Option<PrintedFailures> {
    let rest = t.strip_prefix("Tests:")?;
    let items = counted_items(rest.split(','))?;
    items.last().filter(|(_, w)| *w == "total")?;
    Some(counted(&items))
}

/// Vitest's `Tests  1 failed | 1 passed | 1 skipped (3)`.
fn vitest_summary(t: &str) -> Option<PrintedFailures> {
    let rest = t.strip_prefix("Tests ")?;
    let (items, total) = rest.trim().rsplit_once(" (")?;
    total.strip_suffix(')')?.parse::<usize>().ok()?;
    let items = counted_items(items.split('|'))?;
    Some(counted(&items))
}

/// The failed, skipped and passed items of a JS runner's summary (`todo` left out: not
/// every JUnit reporter records one).
fn counted(items: &[(usize, &str)]) -> PrintedFailures {
    let sum = |word: &str| -> usize {
        items
            .iter()
            .filter(|(_, w)| *w == word)
            .map(|(n, _)| n)
            .sum()
    };
    PrintedFailures {
        failed: sum("failed"),
        skipped: Some(sum("skipped")),
        passed: Some(sum("passed")),
        ..PrintedFailures::default()
    }
}

/// cargo nextest's `Summary [   0.005s] 2 tests run: 1 passed, 1 failed, 0 skipped`.
fn nextest_summary(t: &str) -> Option<usize> {
    let rest = t.strip_prefix("Summary [")?;
    let (_, rest) = rest.split_once(']')?;
    let (_, items) = rest.split_once(" run: ")?;
    let items = counted_items(items.split(", "))?;
    Some(
        items
            .iter()
            .filter(|(_, w)| w.contains("fail") || *w == "timed out")
            .map(|(n, _)| n)
            .sum(),
    )
}

/// libtest's `test result: FAILED. 2 passed; 1 failed; 0 ignored; …`.
fn libtest_summary(t: &str) -> Option<usize> {
    let rest = t.strip_prefix("test result: ")?;
    let (_, items) = rest.split_once(". ")?;
    let n = items.split("; ").find_map(|i| {
        let (n, w) = i.trim().split_once(' ')?;
        (w == "failed").then(|| n.parse::<usize>().ok()).flatten()
    })?;
    Some(n)
}

/// TAP's `# fail 2` (AVA, node's test runner).
fn tap_summary(t: &str) -> Option<usize> {
    t.strip_prefix("# fail ")?.trim().parse().ok()
}

/// Node's test runner's spec summary: `ℹ fail 1`, and `ℹ cancelled 1` (a test its parent
/// did not wait for). Node 20's JUnit reporter writes a test with subtests as a suite with no
/// outcome of its own, so a failure of that test shows here only.
fn node_summary(t: &str) -> Option<usize> {
    let rest = t.strip_prefix("ℹ ")?;
    rest.strip_prefix("fail ")
        .or_else(|| rest.strip_prefix("cancelled "))?
        .trim()
        .parse()
        .ok()
}

/// A `go test -json` event of a test that failed: `{"Action":"fail","Test":"TestX",…}`.
fn go_json_test_failed(t: &str) -> bool {
    if !t.starts_with('{') || !t.contains("\"Action\"") {
        return false;
    }
    let Ok(v) = serde_json::from_str::<serde_json::Value>(t) else {
        return false;
    };
    v.get("Action").and_then(|a| a.as_str()) == Some("fail")
        && v.get("Test").and_then(|a| a.as_str()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(output: &str) -> Vec<usize> {
        failures(output).into_iter().map(|f| f.failed).collect()
    }

    #[test]
    fn pytest_closing_lines() {
        assert_eq!(
            counts(
                "========== 2 failed, 1 passed, 1 skipped, 1 xfailed, 1 error in 0.03s =========="
            ),
            [3]
        );
        assert_eq!(counts("2 failed, 1 passed in 0.02s"), [2]);
        let f = &failures("1 passed, 3 skipped, 1 deselected, 1 xfailed, 1 xpassed in 0.03s")[0];
        assert_eq!((f.skipped, f.passed), (Some(4), Some(2)));
        // pytest 9's subtests and reruns are no entries of the report: left out.
        let f = &failures("1 failed, 1 passed, 1 skipped, 2 subtests passed in 0.03s")[0];
        assert_eq!((f.failed, f.skipped, f.passed), (1, Some(1), Some(1)));
        assert_eq!(counts("1 passed, 3 warnings in 65.12s (0:01:05)"), [0]);
        assert_eq!(counts("===== no tests ran in 0.01s ====="), [0]);
        // Coloured, as under `--color=yes`.
        assert_eq!(
            counts(
                "\u{1b}[31m===== \u{1b}[31m\u{1b}[1m1 failed\u{1b}[0m, \u{1b}[32m1 passed\u{1b}[0m\u{1b}[31m in 0.02s\u{1b}[0m\u{1b}[31m =====\u{1b}[0m"
            ),
            [1]
        );
        // Prose that only looks like it is not read.
        assert!(counts("it took 2 tries in 3s").is_empty());
        assert!(counts("2 failed in the morning").is_empty());
    }

    #[test]
    fn js_runners_summaries() {
        assert_eq!(
            counts(
                "Test Suites: 2 failed, 2 total\nTests:       1 failed, 1 skipped, 1 passed, 3 total"
            ),
            [1]
        );
        assert_eq!(counts("Tests:       4 passed, 4 total"), [0]);
        assert_eq!(
            counts("      Tests  1 failed | 1 passed | 1 skipped (3)"),
            [1]
        );
        assert_eq!(
            counts(
                "\u{1b}[2m      Tests \u{1b}[22m \u{1b}[1m\u{1b}[31m2 failed\u{1b}[39m\u{1b}[22m\u{1b}[2m | \u{1b}[22m\u{1b}[1m\u{1b}[32m1 passed\u{1b}[39m\u{1b}[22m (3)"
            ),
            [2]
        );
        assert_eq!(counts("# tests 3\n# pass 1\n# fail 2"), [2]);
        assert_eq!(
            counts("ℹ tests 3\nℹ suites 0\nℹ pass 1\nℹ fail 1\nℹ cancelled 1\nℹ skipped 0"),
            [1, 1]
        );
    }

    #[test]
    fn pytest_failed_node_ids() {
        let ids = pytest_failed_ids(
            "FAILED tests/billing/test_pay.py::test_refund - assert 9 == 10\nERROR tests/x.py::T::test_y[1-2]\nFAILED to connect\n",
        );
        let ids: Vec<&str> = ids.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "tests/billing/test_pay.py::test_refund",
                "tests/x.py::T::test_y[1-2]"
            ]
        );
    }

    #[test]
    fn vitest_failed_titles() {
        let got = vitest_failed_tests(
            " FAIL  tests/billing/pay.test.js > refunds > is exact\n FAIL  tests/x.test.ts [ tests/x.test.ts ]\nFAIL to parse\n",
        );
        assert_eq!(
            got.iter()
                .map(|(f, t, _)| (f.as_str(), t.as_str()))
                .collect::<Vec<_>>(),
            [("tests/billing/pay.test.js", "refunds > is exact")]
        );
    }

    #[test]
    fn rust_and_go_summaries() {
        assert_eq!(
            counts(
                "     Summary [   0.005s] 3 tests run: 1 passed, 1 failed, 1 timed out, 0 skipped"
            ),
            [2]
        );
        assert_eq!(
            counts(
                "test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s"
            ),
            [1]
        );
        assert_eq!(
            counts(
                "=== RUN   TestA\n--- FAIL: TestA (0.00s)\n    --- FAIL: TestA/sub (0.00s)\nFAIL\n"
            ),
            [2]
        );
        assert_eq!(
            counts(
                "{\"Action\":\"fail\",\"Package\":\"p\",\"Test\":\"TestA\",\"Elapsed\":0}\n{\"Action\":\"fail\",\"Package\":\"p\",\"Elapsed\":0}"
            ),
            [1]
        );
        assert!(counts("ok  \tp\t0.01s\n").is_empty());
    }
}
