//! Evidence written by the real JavaScript runners, each run by the gate with the exact
//! command `templates/npm.yml` documents: Jest with jest-junit, Vitest's JUnit reporter,
//! AVA's TAP through tap-junit, mocha with mocha-junit-reporter (pinned in
//! `tests/runners/package.json`, installed by scripts/test.sh), and Node's own test runner. Each suite holds a describe block, a test at the top of its file and a
//! `.each` table: a passing run proves every locked test; a failing case, a runner
//! configuration that leaves the sacred file out, and one that filters tests by name are
//! refused.

use std::path::PathBuf;
use std::process::Output;

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, source_root, text};

/// The runners' `node_modules` (`npm ci` in tests/runners). Missing is a failure.
pub(super) fn runners() -> PathBuf {
    let dir = source_root().join("tests/runners/node_modules");
    assert!(
        dir.join(".bin/jest").exists()
            && dir.join(".bin/vitest").exists()
            && dir.join(".bin/ava").exists()
            && dir.join(".bin/tap-junit").exists()
            && dir.join(".bin/mocha").exists(),
        "the JavaScript test runners are not installed: run the tests with scripts/test.sh \
         (npm ci in tests/runners)"
    );
    dir
}

/// The template's command line for a runner, with its report directory emptied first.
fn template_command(runner: &str) -> String {
    let template = std::fs::read_to_string(source_root().join("templates/npm.yml")).unwrap();
    let line = template
        .lines()
        .find_map(|l| l.strip_prefix(&format!("#   {runner}:")))
        .unwrap_or_else(|| panic!("templates/npm.yml documents no command for {runner}"));
    format!("rm -rf reports/junit && {}", line.trim())
}

/// Gate `test` running `command`, its JUnit reports the evidence for `tests/billing/**`.
fn config(command: &str) -> String {
    format!(
        "gates:\n  test:\n    run: {}\n    stages: [pre-commit, ci]\n    timeout: 5m\nsacred:\n  paths: [\"tests/billing/**\"]\n  evidence:\n    - {{ gate: test, junit: \"reports/junit/*.xml\" }}\n",
        serde_json::to_string(command).unwrap()
    )
}

const SRC: &str = "function total(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n";

struct Js {
    _sandbox: Sandbox,
    repo: TestRepo,
}

/// A repository whose `tests/billing/pay.test.js` is sacred, with `src/pay.js` exporting
/// `total` (CommonJS or an ES module), a test outside the sacred path, and gate `test`
/// running the runner's template command with its report as evidence.
fn project(runner: &str, esm: bool, package: &str, sacred: &str, other: &str) -> Js {
    let modules = runners();
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("shop");
    let export = if esm {
        format!("export {SRC}")
    } else {
        format!("{SRC}module.exports = {{ total }};\n")
    };
    repo.write("src/pay.js", export);
    repo.write("package.json", package);
    repo.write("tests/billing/pay.test.js", sacred);
    repo.write("tests/other.test.js", other);
    repo.write(".gitignore", "node_modules\nreports/\n");
    repo.write("gatekeeper.yml", config(&template_command(runner)));
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "tests"]);
    assert_success(&repo.gk(&["sacred", "lock"]), "sacred lock");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "lock"]);
    std::os::unix::fs::symlink(modules, repo.path("node_modules")).unwrap();
    Js {
        _sandbox: sandbox,
        repo,
    }
}

fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_proven(out: &Output, n: usize) {
    assert_code(out, 0, "the real runner's report");
    let wanted = format!("sacred evidence: {n} locked sacred tests ran and passed");
    assert!(
        all_output(out).contains(&wanted),
        "no `{wanted}`:\n{}",
        text(out)
    );
}

fn assert_refused(out: &Output, id: &str, rule: &str) {
    assert_code(out, 1, "the real runner's report");
    let wanted = format!("refused: {id} [{rule}]");
    assert!(
        all_output(out).lines().any(|l| l.starts_with(&wanted)),
        "no `{wanted}`:\n{}",
        text(out)
    );
}

/// Writes `content` to `file`, runs the gate, and asserts each of `ids` refused as `rule`.
fn refused_after(repo: &TestRepo, file: &str, content: &str, rule: &str, ids: &[&str]) {
    repo.write(file, content);
    let out = repo.gk(&["run", "test"]);
    for id in ids {
        assert_refused(&out, id, rule);
    }
}

/// The ids of the Jest and Vitest suites' tests.
const EXACT: &str = "js:tests/billing/pay.test.js::refunds::is exact";
const TOP: &str = "js:tests/billing/pay.test.js::totals nothing";
const EACH: &str = "js:tests/billing/pay.test.js::refunds::cases::adds %i and %i";

const BODY: &str = "describe('refunds', () => {\n  test('is exact', () => {\n    expect(total([1, 2])).toBe(3);\n  });\n  describe('cases', () => {\n    test.each([\n      [1, 2, 3],\n      [2, 2, 4],\n    ])('adds %i and %i', (a, b, sum) => {\n      expect(total([a, b])).toBe(sum);\n    });\n  });\n});\n\ntest('totals nothing', () => {\n  expect(total([])).toBe(0);\n});\n\ntest.each`\n  a    | b    | sum\n  ${1} | ${2} | ${3}\n`('adds $a and $b to $sum', ({ a, b, sum }) => {\n  expect(total([a, b])).toBe(sum);\n});\n";

fn cjs() -> String {
    format!("const {{ total }} = require('../../src/pay.js');\n\n{BODY}")
}

fn vitest_suite() -> String {
    format!(
        "import {{ describe, test, expect }} from 'vitest';\nimport {{ total }} from '../../src/pay.js';\n\n{BODY}"
    )
}

/// Breaks `total` for two equal numbers (one case of the `.each` table fails) and runs the
/// gate: it fails, and when its command is made to ignore the runner's exit code (`|| true`),
/// the report refuses `id`. The code and the command are put back.
fn break_one_case(repo: &TestRepo, runner: &str, esm: bool, id: &str) {
    let out = repo.gk(&["run", "test"]);
    assert_code(&out, 0, "before the break");
    write_broken(repo, esm);
    let out = repo.gk(&["run", "test"]);
    assert_code(&out, 1, "a failing runner");
    repo.write(
        "gatekeeper.yml",
        config(&format!("{} || true", template_command(runner))),
    );
    assert_refused(&repo.gk(&["run", "test"]), id, "failed-at-runtime");
    repo.write("gatekeeper.yml", config(&template_command(runner)));
    repo.write(
        "src/pay.js",
        if esm {
            format!("export {SRC}")
        } else {
            format!("{SRC}module.exports = {{ total }};\n")
        },
    );
}

fn write_broken(repo: &TestRepo, esm: bool) {
    let broken = "function total(xs) {\n  if (xs.length === 2 && xs[0] === xs[1]) return 5;\n  return xs.reduce((a, b) => a + b, 0);\n}\n";
    repo.write(
        "src/pay.js",
        if esm {
            format!("export {broken}")
        } else {
            format!("{broken}module.exports = {{ total }};\n")
        },
    );
}

/// The Jest project: the CommonJS suite, and one other test outside the sacred path.
fn jest_project() -> Js {
    project(
        "jest",
        false,
        "{\"name\": \"shop\", \"private\": true}\n",
        &cjs(),
        "test('other', () => {\n  expect(1).toBe(1);\n});\n",
    )
}

#[test]
fn real_jest_with_jest_junit_proves_the_sacred_tests_or_refuses_them() {
    let js = jest_project();
    let repo = &js.repo;
    // jest-junit writes the test at the top of the file as ` totals nothing`, the table's
    // cases as `refunds cases adds 1 and 2`, and a tagged template's at the top of the file
    // as ` adds 1 and 2 to 3`.
    assert_proven(&repo.gk(&["run", "test", "-v"]), 4);
    break_one_case(repo, "jest", false, EACH);
    // Configuration that leaves the sacred file out, or runs only the other test.
    refused_after(
        repo,
        "package.json",
        "{\"name\": \"shop\", \"private\": true, \"jest\": {\"testPathIgnorePatterns\": [\"/billing/\"]}}\n",
        "not-run",
        &[EXACT, TOP],
    );
    refused_after(
        repo,
        "package.json",
        "{\"name\": \"shop\", \"private\": true, \"jest\": {\"testNamePattern\": \"^other\"}}\n",
        "skipped-at-runtime",
        &[EACH, TOP],
    );
}

#[test]
fn real_vitest_junit_reporter_proves_the_sacred_tests_or_refuses_them() {
    let js = project(
        "vitest",
        true,
        "{\"name\": \"shop\", \"private\": true, \"type\": \"module\"}\n",
        &vitest_suite(),
        "import { test, expect } from 'vitest';\n\ntest('other', () => {\n  expect(1).toBe(1);\n});\n",
    );
    let repo = &js.repo;
    assert_proven(&repo.gk(&["run", "test", "-v"]), 4);
    break_one_case(repo, "vitest", true, EACH);
    refused_after(
        repo,
        "vitest.config.js",
        "export default { test: { exclude: ['**/node_modules/**', '**/billing/**'] } };\n",
        "not-run",
        &[EXACT, EACH],
    );
    refused_after(
        repo,
        "vitest.config.js",
        "export default { test: { testNamePattern: '^other' } };\n",
        "skipped-at-runtime",
        &[EXACT, TOP],
    );
}

const AVA_SUITE: &str = "import test from 'ava';\nimport { total } from '../../src/pay.js';\n\ntest('refund is exact', (t) => {\n  t.is(total([1, 2]), 3);\n});\n\ntest('two equal amounts', (t) => {\n  t.is(total([2, 2]), 4);\n});\n";

#[test]
fn real_ava_through_tap_junit_proves_the_sacred_tests_or_refuses_them() {
    let package = |files: &str| {
        format!(
            "{{\"name\": \"shop\", \"private\": true, \"type\": \"module\", \"ava\": {{\"files\": [{files}]}}}}\n"
        )
    };
    let js = project(
        "AVA",
        true,
        &package("\"tests/**/*.test.js\""),
        AVA_SUITE,
        "import test from 'ava';\n\ntest('other', (t) => {\n  t.pass();\n});\n",
    );
    let repo = &js.repo;
    let exact = "js:tests/billing/pay.test.js::refund is exact";
    let equal = "js:tests/billing/pay.test.js::two equal amounts";
    // Two files: AVA prefixes each title with its file (`billing › pay › refund is exact`).
    assert_proven(&repo.gk(&["run", "test", "-v"]), 2);
    break_one_case(repo, "AVA", true, equal);
    // Only the other file: the sacred tests are absent from the report.
    let other_only = package("\"tests/other.test.js\"");
    refused_after(
        repo,
        "package.json",
        &other_only,
        "not-run",
        &[exact, equal],
    );
    // Only the sacred file: AVA leaves the prefix out.
    repo.write("package.json", package("\"tests/billing/*.test.js\""));
    assert_proven(&repo.gk(&["run", "test", "-v"]), 2);
    // A look-alike of the same titles run alone, instead of the sacred file: its entries
    // name no file, and another file holds the titles.
    repo.write(
        "tests/other.test.js",
        "import test from 'ava';\n\ntest('refund is exact', (t) => {\n  t.pass();\n});\n\ntest('two equal amounts', (t) => {\n  t.pass();\n});\n",
    );
    refused_after(
        repo,
        "package.json",
        &other_only,
        "not-run",
        &[exact, equal],
    );
    // ... or one whose titles are computed when it runs.
    repo.write(
        "tests/other.test.js",
        "import test from 'ava';\n\nconst what = ['exact', 'equal amounts'];\n\ntest(`refund is ${what[0]}`, (t) => {\n  t.pass();\n});\n\ntest('two ' + what[1], (t) => {\n  t.pass();\n});\n",
    );
    let out = repo.gk(&["run", "test"]);
    let report = String::from_utf8(repo.read("reports/junit/tap.xml")).unwrap();
    assert!(
        report.contains("refund is exact") && report.contains("two equal amounts"),
        "the look-alike reported the sacred tests' titles:\n{report}"
    );
    assert_refused(&out, exact, "not-run");
    assert_refused(&out, equal, "not-run");
    // ... or beside a file that shares the sacred file's part below the common directory
    // (`billing › pay`).
    repo.write(
        "legacy/billing/pay.test.js",
        AVA_SUITE
            .replace("t.is(total([1, 2]), 3)", "t.pass()")
            .replace("t.is(total([2, 2]), 4)", "t.pass()"),
    );
    repo.write(
        "legacy/other.test.js",
        "import test from 'ava';\n\ntest('other', (t) => {\n  t.pass();\n});\n",
    );
    repo.write("package.json", package("\"legacy/**/*.test.js\""));
    let out = repo.gk(&["run", "test", "-v"]);
    let report = String::from_utf8(repo.read("reports/junit/tap.xml")).unwrap();
    assert!(
        report.contains("name=\"billing › pay › refund is exact\""),
        "the look-alike ran under the sacred file's prefix:\n{report}"
    );
    assert_refused(&out, exact, "not-run");
}

const NODE_SUITE: &str = "const { describe, test } = require('node:test');\nconst assert = require('node:assert');\nconst { total } = require('../../src/pay.js');\n\ndescribe('refunds', () => {\n  test('is exact', () => {\n    assert.strictEqual(total([1, 2]), 3);\n  });\n  describe('cases', () => {\n    test('two equal amounts', () => {\n      assert.strictEqual(total([2, 2]), 4);\n    });\n  });\n});\n\ntest('totals nothing', () => {\n  assert.strictEqual(total([]), 0);\n});\n";

const NODE_OTHER: &str = "const { test } = require('node:test');\n\ntest('other', () => {});\n";

#[test]
fn real_node_test_runner_junit_reporter_proves_the_sacred_tests_or_refuses_them() {
    let js = project(
        "node",
        false,
        "{\"name\": \"shop\", \"private\": true}\n",
        NODE_SUITE,
        NODE_OTHER,
    );
    let repo = &js.repo;
    let exact = "js:tests/billing/pay.test.js::refunds::is exact";
    let equal = "js:tests/billing/pay.test.js::refunds::cases::two equal amounts";
    // Node nests one <testsuite> per describe: `is exact` inside `refunds`.
    assert_proven(&repo.gk(&["run", "test", "-v"]), 3);
    break_one_case(repo, "node", false, equal);
    // Another test with a subtest, whose own check fails after it, under a gate made to
    // ignore the runner's exit code: Node 20's report writes that test as a suite with no
    // outcome of its own, so only what the runner printed (`ℹ fail 1`) shows the failure.
    repo.write(
        "tests/other.test.js",
        "const { test } = require('node:test');\nconst assert = require('node:assert');\n\ntest('other', async (t) => {\n  await t.test('part', () => {});\n  assert.strictEqual(1, 2);\n});\n",
    );
    repo.write(
        "gatekeeper.yml",
        config(&format!("{} || true", template_command("node"))),
    );
    let out = repo.gk(&["run", "test"]);
    let report = String::from_utf8(repo.read("reports/junit/node.xml")).unwrap();
    if report.contains("<failure") {
        // A reporter that records it: the failure is not a sacred test's.
        assert_code(&out, 0, "a failure the report records, of another test");
    } else {
        assert_code(&out, 1, "a failure only the runner printed");
        assert!(
            all_output(&out).contains("the runner printed 1 failure (`ℹ fail 1`)"),
            "{}",
            text(&out)
        );
    }
    repo.write("gatekeeper.yml", config(&template_command("node")));
    repo.write("tests/other.test.js", NODE_OTHER);
    // Only the other file runs.
    let only_other = format!("{} tests/other.test.js", template_command("node"));
    refused_after(
        repo,
        "gatekeeper.yml",
        &config(&only_other),
        "not-run",
        &[exact, TOP],
    );
    // ... holding a look-alike of the same titles: the report names no file.
    refused_after(
        repo,
        "tests/other.test.js",
        "const { describe, test } = require('node:test');\n\ndescribe('refunds', () => {\n  test('is exact', () => {});\n});\n\ntest('totals nothing', () => {});\n",
        "not-run",
        &[exact, TOP],
    );
    // ... whose titles are computed when it runs: no file holds them as written.
    repo.write(
        "tests/other.test.js",
        "const { describe, test } = require('node:test');\n\nconst [suite, what] = ['refunds', 'exact'];\ndescribe(suite, () => {\n  test(`is ${what}`, () => {});\n});\n\ntest('totals ' + 'nothing', () => {});\n",
    );
    let out = repo.gk(&["run", "test"]);
    let report = String::from_utf8(repo.read("reports/junit/node.xml")).unwrap();
    assert!(
        report.contains("name=\"is exact\"") && report.contains("name=\"totals nothing\""),
        "the look-alike reported the sacred tests' titles:\n{report}"
    );
    assert_refused(&out, exact, "not-run");
    assert_refused(&out, TOP, "not-run");
}

#[test]
fn real_mocha_with_mocha_junit_reporter_proves_the_sacred_tests_or_refuses_them() {
    let package = |spec: &str| {
        format!("{{\"name\": \"shop\", \"private\": true, \"mocha\": {{\"spec\": [{spec}]}}}}\n")
    };
    let suite = NODE_SUITE
        .replace("const { describe, test } = require('node:test');\n", "")
        .replace("test(", "it(");
    let js = project(
        "mocha",
        false,
        &package("\"tests/**/*.test.js\""),
        &suite,
        "it('other', () => {});\n",
    );
    let repo = &js.repo;
    let exact = "js:tests/billing/pay.test.js::refunds::is exact";
    let equal = "js:tests/billing/pay.test.js::refunds::cases::two equal amounts";
    // The reporter names the file (absolute) on each describe's <testsuite>.
    assert_proven(&repo.gk(&["run", "test", "-v"]), 3);
    break_one_case(repo, "mocha", false, equal);
    let other_only = package("\"tests/other.test.js\"");
    refused_after(repo, "package.json", &other_only, "not-run", &[exact, TOP]);
    // Both files run, the other one with the same titles: the suite's file tells the
    // describe's tests apart; the test at the top of the file is reported with no file, and
    // is no evidence while another file holds its title.
    repo.write(
        "tests/other.test.js",
        "describe('refunds', () => {\n  it('is exact', () => {});\n});\n\nit('totals nothing', () => {});\n",
    );
    repo.write("package.json", package("\"tests/**/*.test.js\""));
    let out = repo.gk(&["run", "test"]);
    assert_refused(&out, TOP, "not-run");
    assert!(
        !all_output(&out).contains(&format!("refused: {exact} ")),
        "the describe's test is proven by its own file's entry:\n{}",
        text(&out)
    );
}

/// The real Jest, isolated: run over the sacred directory it proves the locked tests; over
/// the whole suite, the other file's test is refused as `not-isolated`; and a test a `-t`
/// filter leaves out is reported skipped, which is refused too.
#[test]
fn real_jest_isolated_runs_the_sacred_directory() {
    let js = jest_project();
    let repo = &js.repo;
    // The paths go before the template's `--reporters`, which take every word after them.
    let isolated = |args: &str| {
        config(&template_command("jest").replace("npx jest", &format!("npx jest {args}"))).replace(
            "junit: \"reports/junit/*.xml\"",
            "junit: \"reports/junit/*.xml\", isolated: true",
        )
    };
    repo.write("gatekeeper.yml", isolated("tests/billing"));
    assert_proven(&repo.gk(&["run", "test", "-v"]), 4);
    repo.write("gatekeeper.yml", isolated(""));
    let out = repo.gk(&["run", "test"]);
    assert_refused(&out, "tests/other.test.js: other", "not-isolated");
    assert!(
        all_output(&out).contains("sacred evidence: 1 other test in an isolated run"),
        "{}",
        text(&out)
    );
    repo.write(
        "gatekeeper.yml",
        isolated("tests/billing -t 'refunds is exact'"),
    );
    assert_refused(&repo.gk(&["run", "test"]), TOP, "skipped-at-runtime");
    // A test of a sacred file that is not locked (added since the lock), left out by `-t`:
    // reported skipped, it is refused as another test.
    repo.write(
        "tests/billing/pay.test.js",
        format!(
            "{}
test('newer', () => {{
  expect(1).toBe(1);
}});
",
            cjs()
        ),
    );
    repo.write(
        "gatekeeper.yml",
        isolated("tests/billing -t 'refunds|totals|adds'"),
    );
    let out = repo.gk(&["run", "test"]);
    assert_refused(&out, "tests/billing/pay.test.js: newer", "not-isolated");
    assert!(all_output(&out).contains("was skipped"), "{}", text(&out));
}
