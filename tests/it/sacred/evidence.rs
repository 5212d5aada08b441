//! Evidence from the runner's report (`sacred.evidence`): after a listed gate runs, every
//! locked sacred test must be in the report that run wrote, and must have passed. The gates
//! here are small shell scripts that copy a prepared report into place (so each runner's
//! format is exercised exactly), plus one real `cargo nextest` run (scripts/test.sh installs cargo-nextest when missing).

use std::path::PathBuf;
use std::process::Output;

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, text};

/// A repository with locked sacred tests and a gate `test` that copies `report.in` (next to
/// the repository) to `REPORT` when it exists.
struct Ev {
    sandbox: Sandbox,
    repo: TestRepo,
}

const PY: &str = "def refund(x):\n    return x\n\n\ndef test_refund():\n    assert refund(10) == 10\n\n\ndef test_other():\n    assert refund(1) == 1\n";
const PY_ID: &str = "python:tests/billing/test_pay.py::test_refund";

fn gate_config(report: &str, kind: &str, stages: &str) -> String {
    format!(
        "gates:\n  test:\n    run: |\n      mkdir -p reports\n      if [ -f ../report.in ]; then cp ../report.in {report}; fi\n    stages: [{stages}]\nsacred:\n  paths: [\"tests/billing/**\"]\n  evidence:\n    - {{ gate: test, {kind}: \"{report}\" }}\n"
    )
}

fn setup(files: &[(&str, &str)], config: &str) -> Ev {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    for (path, content) in files {
        repo.write(path, content);
    }
    repo.write(".gitignore", "reports/\ntarget/\n");
    repo.write("gatekeeper.yml", config);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "tests"]);
    assert_success(&repo.gk(&["sacred", "lock"]), "sacred lock");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "lock"]);
    assert_success(&repo.gk(&["install"]), "install");
    Ev { sandbox, repo }
}

fn python() -> Ev {
    setup(
        &[("tests/billing/test_pay.py", PY)],
        &gate_config("reports/junit.xml", "junit", "pre-commit, ci"),
    )
}

impl Ev {
    fn report_in(&self) -> PathBuf {
        self.sandbox.path().join("report.in")
    }

    /// Runs gate `test` after preparing the report its run will write.
    fn run(&self, report: &str) -> Output {
        std::fs::write(self.report_in(), report).unwrap();
        self.repo.gk(&["run", "test", "-v"])
    }
}

fn junit(cases: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites name=\"pytest tests\"><testsuite name=\"pytest\" tests=\"1\">\n{cases}\n</testsuite></testsuites>\n"
    )
}

fn assert_refused(out: &Output, id: &str, rule: &str) {
    assert_code(out, 1, "evidence");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let wanted = format!("refused: {id} [{rule}]");
    assert!(
        all.lines().any(|l| l.starts_with(&wanted)),
        "no `{wanted}`:\n{}",
        text(out)
    );
}

fn assert_proven(out: &Output, n: usize) {
    assert_code(out, 0, "evidence");
    let wanted = format!(
        "sacred evidence: {n} locked sacred test{} ran and passed",
        if n == 1 { "" } else { "s" }
    );
    let out2 = output_of(out);
    assert!(out2.contains(&wanted), "no `{wanted}`:\n{}", text(out));
}

/// The gate's output as `--format json` would not give it: run again verbosely.
fn output_of(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn pytest_report_with_the_test_passed_proves_it() {
    let e = python();
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\" time=\"0.01\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\" time=\"0.01\"/>",
    ));
    // Both tests of the file are sacred (sacred.paths).
    assert_proven(&out, 2);
}

#[test]
fn pytest_report_with_the_test_skipped_is_refused() {
    let e = python();
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"><skipped type=\"pytest.skip\" message=\"conftest said so\"/></testcase>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_refused(&out, PY_ID, "skipped-at-runtime");
    assert!(
        output_of(&out).contains("conftest said so"),
        "{}",
        text(&out)
    );
}

#[test]
fn pytest_report_with_the_test_failed_is_refused() {
    let e = python();
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"><failure message=\"assert 9 == 10\">trace</failure></testcase>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_refused(&out, PY_ID, "failed-at-runtime");
    assert!(output_of(&out).contains("assert 9 == 10"), "{}", text(&out));
}

#[test]
fn pytest_report_without_the_test_is_not_run() {
    let e = python();
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_refused(&out, PY_ID, "not-run");
    // A look-alike in another module does not stand in for it.
    let out = e.run(&junit(
        "<testcase classname=\"tests.other.test_pay\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_refused(&out, PY_ID, "not-run");
}

/// The sacred `test_refund` moved to `tests/billing/test_refund.py` with `body` (staged, not
/// re-locked).
fn python_moved_with(body: &str) -> Ev {
    let e = python();
    let head = "def refund(x):\n    return x\n\n\n";
    e.repo.write(
        "tests/billing/test_pay.py",
        format!("{head}def test_other():\n    assert refund(1) == 1\n"),
    );
    e.repo.write(
        "tests/billing/test_refund.py",
        format!("{head}def test_refund():\n{body}"),
    );
    e.repo.git(&["add", "-A"]);
    e
}

/// The sacred `test_refund` moved, unchanged.
fn python_moved() -> Ev {
    python_moved_with("    assert refund(10) == 10\n")
}

#[test]
fn a_moved_test_is_proven_under_its_new_id() {
    let e = python_moved();
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_refund\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_proven(&out, 2);
}

#[test]
fn a_moved_test_missing_or_skipped_under_its_new_id_is_refused() {
    let e = python_moved();
    // Not reported where it now lives (a runner option that deselects the new file).
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_refused(&out, PY_ID, "not-run");
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_refund\" name=\"test_refund\"><skipped message=\"deselected\"/></testcase>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_refused(&out, PY_ID, "skipped-at-runtime");
    assert!(
        output_of(&out).contains("now `python:tests/billing/test_refund.py::test_refund`"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_moved_test_that_dropped_a_check_is_not_followed_by_evidence() {
    // The move is not accepted (a check was dropped): the lock's id is what must run.
    let e = python_moved_with("    pass\n");
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_refund\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_refused(&out, PY_ID, "not-run");
}

/// `test_refund` in both `test_pay.py` and `test_twin.py` (an exact duplicate, both locked),
/// then removed from `test_pay.py` (staged, not re-locked).
fn python_twin_removed() -> Ev {
    let head = "def refund(x):\n    return x\n\n\n";
    let e = setup(
        &[
            ("tests/billing/test_pay.py", PY),
            (
                "tests/billing/test_twin.py",
                &format!("{head}def test_refund():\n    assert refund(10) == 10\n"),
            ),
        ],
        &gate_config("reports/junit.xml", "junit", "pre-commit, ci"),
    );
    e.repo.write(
        "tests/billing/test_pay.py",
        format!("{head}def test_other():\n    assert refund(1) == 1\n"),
    );
    e.repo.git(&["add", "-A"]);
    e
}

#[test]
fn a_removed_duplicate_is_proven_by_its_twin_and_refused_when_the_twin_is_skipped() {
    let e = python_twin_removed();
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_twin\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_proven(&out, 3);
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_twin\" name=\"test_refund\"><skipped message=\"deselected\"/></testcase>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_refused(&out, PY_ID, "skipped-at-runtime");
}

#[test]
fn parametrised_cases_count_when_every_case_that_ran_passed() {
    let e = python();
    let other = "<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>";
    let out = e.run(&junit(&format!(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund[1]\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_refund[2]\"><skipped message=\"py2 only\"/></testcase>\n{other}"
    )));
    assert_proven(&out, 2);
    let out = e.run(&junit(&format!(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund[1]\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_refund[2]\"><failure message=\"no\"/></testcase>\n{other}"
    )));
    assert_refused(&out, PY_ID, "failed-at-runtime");
}

#[test]
fn a_report_older_than_the_run_is_undecided() {
    let e = python();
    e.repo.write(
        "reports/junit.xml",
        junit("<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>"),
    );
    let touch = std::process::Command::new("touch")
        .args(["-d", "2020-01-01 00:00:00"])
        .arg(e.repo.path("reports/junit.xml"))
        .status()
        .unwrap();
    assert!(touch.success());
    // No report.in: the gate writes nothing, the old report stays.
    let out = e.repo.gk(&["run", "test"]);
    assert_code(&out, 3, "stale report");
    assert!(
        output_of(&out).contains("older than this run"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_missing_or_cut_short_report_is_undecided() {
    let e = python();
    let out = e.repo.gk(&["run", "test"]);
    assert_code(&out, 3, "missing report");
    assert!(
        output_of(&out).contains("wrote no report"),
        "{}",
        text(&out)
    );
    let full = junit("<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"/>");
    let out = e.run(&full[..full.len() - 30]);
    assert_code(&out, 3, "truncated report");
    assert!(output_of(&out).contains("is not usable"), "{}", text(&out));
    let out = e.run("not xml at all");
    assert_code(&out, 3, "garbage report");
}

#[test]
fn an_evidence_gate_is_never_served_from_the_cache() {
    let e = python();
    let good = junit(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    );
    assert_proven(&e.run(&good), 2);
    // Same gate, same inputs: a cached pass would hide the skip.
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"><skipped/></testcase>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_refused(&out, PY_ID, "skipped-at-runtime");
}

#[test]
fn ci_refuses_a_sacred_test_skipped_at_runtime() {
    let e = python();
    std::fs::write(
        e.report_in(),
        junit("<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"><skipped/></testcase>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>"),
    )
    .unwrap();
    e.repo.write("conftest.py", "collect_ignore = []\n");
    e.repo.git(&["add", "-A"]);
    e.repo
        .git(&["commit", "-q", "--no-verify", "-m", "conftest"]);
    let out = e.repo.gk(&["ci", "--base", "HEAD~1"]);
    assert_refused(&out, PY_ID, "skipped-at-runtime");
    let out = e.repo.gk(&["--format", "json", "ci", "--base", "HEAD~1"]);
    assert_code(&out, 1, "ci json");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let gate = v["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "test")
        .expect("gate test");
    assert_eq!(gate["sacred"][0]["test_id"], PY_ID, "{gate}");
    assert_eq!(gate["sacred"][0]["rule"], "skipped-at-runtime", "{gate}");
}

#[test]
fn pre_commit_refuses_a_sacred_test_absent_from_the_report() {
    let e = python();
    std::fs::write(
        e.report_in(),
        junit("<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>"),
    )
    .unwrap();
    e.repo.write("src.py", "x = 1\n");
    e.repo.git(&["add", "-A"]);
    let out = e.repo.commit("add src");
    assert_refused(&out, PY_ID, "not-run");
}

const RS: &str = "#[cfg(test)]\nmod tests {\n    // gatekeeper:sacred\n    #[test]\n    fn refund_is_exact() {\n        assert_eq!(2 + 2, 4);\n    }\n}\n";

#[test]
fn nextest_junit_maps_module_paths() {
    // The package name is the lib's binary id, which the classname must be.
    let e = setup(
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"billing\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("src/lib.rs", "mod pay;\n"),
            ("src/pay.rs", RS),
        ],
        &gate_config("reports/junit.xml", "junit", "ci"),
    );
    let id = "rust:src/pay.rs::tests::refund_is_exact";
    let out = e.run(&junit(
        "<testcase classname=\"billing\" name=\"pay::tests::refund_is_exact\" time=\"0.001\"/>",
    ));
    assert_proven(&out, 1);
    // nextest omits skipped (ignored) tests by default: absent is not a pass.
    let out = e.run(&junit(
        "<testcase classname=\"billing\" name=\"pay::tests::other\"/>",
    ));
    assert_refused(&out, id, "not-run");
}

const JS: &str = "describe('refunds', () => {\n  it('is exact', () => {\n    expect(refund(10)).toBe(10);\n  });\n});\n";
const JS_ID: &str = "js:tests/billing/pay.test.js::refunds::is exact";

#[test]
fn a_look_alike_in_the_locked_test_s_own_file_proves_nothing() {
    // A locked `.each` template, and a new test of the same file titled like the template
    // joined (`refunds adds` › `%i and %i`), or like one of its cases: the entries that
    // either could have written prove nothing (found by an attack round with Jest and
    // jest-junit, where the look-alike passed while the cases were skipped or failed).
    let each = "// gatekeeper:sacred\ndescribe('refunds', () => {\n  test.each([[1, 2], [2, 3]])('adds %i and %i', (a, b) => {\n    expect(a + 1).toBe(b);\n  });\n});\n";
    let id = "js:tests/billing/pay.test.js::refunds::adds %i and %i";
    let cases = "<testcase classname=\"refunds adds 1 and 2\" name=\"refunds adds 1 and 2\" file=\"tests/billing/pay.test.js\"/><testcase classname=\"refunds adds 2 and 3\" name=\"refunds adds 2 and 3\" file=\"tests/billing/pay.test.js\"/>";
    let e = setup(
        &[("tests/billing/pay.test.js", each)],
        &gate_config("reports/*.xml", "junit", "ci"),
    );
    let out = e.run(&junit(cases));
    assert_proven(&out, 1);
    for (look_alike, report, rule) in [
        (
            "describe('refunds adds', () => {\n  test('%i and %i', () => {\n    expect(1).toBe(1);\n  });\n});\n",
            "<testcase classname=\"refunds adds %i and %i\" name=\"refunds adds %i and %i\" file=\"tests/billing/pay.test.js\"/><testcase classname=\"refunds adds 1 and 2\" name=\"refunds adds 1 and 2\" file=\"tests/billing/pay.test.js\"><skipped/></testcase>",
            "not-run",
        ),
        (
            "describe('refunds', () => {\n  test('adds 1 and 2', () => {\n    expect(1).toBe(1);\n  });\n});\n",
            "<testcase classname=\"refunds adds 1 and 2\" name=\"refunds adds 1 and 2\" file=\"tests/billing/pay.test.js\"/><testcase classname=\"refunds adds 2 and 3\" name=\"refunds adds 2 and 3\" file=\"tests/billing/pay.test.js\"><skipped/></testcase>",
            "skipped-at-runtime",
        ),
    ] {
        e.repo
            .write("tests/billing/pay.test.js", format!("{each}\n{look_alike}"));
        e.repo.git(&["add", "-A"]);
        let out = e.run(&junit(report));
        assert_refused(&out, id, rule);
    }
}

#[test]
fn jest_junit_and_vitest_reports_map_titles() {
    let e = setup(
        &[("tests/billing/pay.test.js", JS)],
        &gate_config("reports/*.xml", "junit", "ci"),
    );
    // jest-junit defaults: classname and name are the describe titles and the title.
    let out = e.run(&junit(
        "<testcase classname=\"refunds is exact\" name=\"refunds is exact\" time=\"0.002\"/>",
    ));
    assert_proven(&out, 1);
    // vitest: the classname is the file, the name joins titles with ` > `.
    let out = e.run(&junit(
        "<testcase classname=\"tests/billing/pay.test.js\" name=\"refunds &gt; is exact\"/>",
    ));
    assert_proven(&out, 1);
    let out = e.run(&junit(
        "<testcase classname=\"tests/billing/pay.test.js\" name=\"refunds &gt; is exact\"><skipped/></testcase>",
    ));
    assert_refused(&out, JS_ID, "skipped-at-runtime");
    // The same titles in another file are another test.
    let out = e.run(&junit(
        "<testcase classname=\"tests/other.test.js\" name=\"refunds &gt; is exact\"/>",
    ));
    assert_refused(&out, JS_ID, "not-run");
}

const TS: &str = "import test from 'ava';\n\ntest('refund is exact', (t: any) => {\n  t.is(refund(10), 10);\n});\n";

#[test]
fn ava_through_a_tap_converter_maps_titles() {
    let e = setup(
        &[("tests/billing/pay.ts", TS)],
        &gate_config("reports/tap.xml", "junit", "ci"),
    );
    let id = "ts:tests/billing/pay.ts::refund is exact";
    let out = e.run(&junit("<testcase name=\"#1 refund is exact\"/>"));
    assert_proven(&out, 1);
    let out = e.run(&junit(
        "<testcase name=\"#1 refund is exact\"><failure message=\"not ok\"/></testcase>",
    ));
    assert_refused(&out, id, "failed-at-runtime");
}

const GO: &str = "package pay\n\nimport \"testing\"\n\nfunc TestRefund(t *testing.T) {\n\tif refund(10) != 10 {\n\t\tt.Fatal(\"wrong\")\n\t}\n}\n";

fn go_events(lines: &[&str]) -> String {
    let mut s = String::from("{\"Action\":\"start\",\"Package\":\"example.com/shop/billing\"}\n");
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    s
}

#[test]
fn go_test_json_maps_package_and_subtests() {
    let e = setup(
        &[
            ("go.mod", "module example.com/shop\n\ngo 1.22\n"),
            ("billing/pay_test.go", GO),
        ],
        "gates:\n  go-test:\n    run: |\n      mkdir -p reports\n      if [ -f ../report.in ]; then cp ../report.in reports/go-test.json; fi\n    stages: [ci]\nsacred:\n  paths: [\"billing/**\"]\n  evidence:\n    - { gate: go-test, go_test_json: reports/go-test.json }\n",
    );
    let id = "go:billing/pay_test.go::TestRefund";
    let run = |report: &str| {
        std::fs::write(e.report_in(), report).unwrap();
        e.repo.gk(&["run", "go-test", "-v"])
    };
    let pass = go_events(&[
        "{\"Action\":\"run\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund\"}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund/case_1\"}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund\",\"Elapsed\":0}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Elapsed\":0.1}",
    ]);
    assert_proven(&run(&pass), 1);
    let skipped = go_events(&[
        "{\"Action\":\"output\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund\",\"Output\":\"    pay_test.go:6: skipped by init\\n\"}",
        "{\"Action\":\"skip\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund\"}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\"}",
    ]);
    let out = run(&skipped);
    assert_refused(&out, id, "skipped-at-runtime");
    assert!(
        output_of(&out).contains("skipped by init"),
        "{}",
        text(&out)
    );
    let sub_failed = go_events(&[
        "{\"Action\":\"fail\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund/case_2\"}",
        "{\"Action\":\"fail\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund\"}",
        "{\"Action\":\"fail\",\"Package\":\"example.com/shop/billing\"}",
    ]);
    // The gate itself passed (exit 0), but the report says the test failed.
    assert_refused(&run(&sub_failed), id, "failed-at-runtime");
    // One subtest skipped, another passed: it ran. Every subtest skipped: `go test` reports
    // the test itself as passed, but no check ran.
    let one_skipped = go_events(&[
        "{\"Action\":\"skip\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund/case_1\"}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund/case_2\"}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund\"}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\"}",
    ]);
    assert_proven(&run(&one_skipped), 1);
    let all_skipped = go_events(&[
        "{\"Action\":\"skip\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund/case_1\"}",
        "{\"Action\":\"skip\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund/case_1/deep\"}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund\"}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\"}",
    ]);
    assert_refused(&run(&all_skipped), id, "skipped-at-runtime");
    // A build failure: the package ends without running the test.
    let build_failed = "{\"ImportPath\":\"example.com/shop/billing [example.com/shop/billing.test]\",\"Action\":\"build-fail\"}\n{\"Action\":\"start\",\"Package\":\"example.com/shop/billing\"}\n{\"Action\":\"fail\",\"Package\":\"example.com/shop/billing\",\"FailedBuild\":\"example.com/shop/billing [example.com/shop/billing.test]\"}\n";
    assert_refused(&run(build_failed), id, "not-run");
    // The stream stops before the package's end: undecided.
    let cut = go_events(&[
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund\"}",
    ]);
    assert_code(&run(&cut), 3, "cut-off stream");
}

#[test]
fn an_evidence_entry_for_an_unknown_gate_is_a_config_error() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    repo.write(
        "gatekeeper.yml",
        "gates:\n  t:\n    run: 'true'\nsacred:\n  evidence:\n    - { gate: test, junit: r.xml }\n",
    );
    let out = repo.gk(&["sacred", "list"]);
    assert_code(&out, 2, "unknown gate");
    assert!(
        output_of(&out).contains("sacred.evidence[0].gate: there is no gate named `test`"),
        "{}",
        text(&out)
    );
    repo.write(
        "gatekeeper.yml",
        "gates:\n  test:\n    run: 'true'\nsacred:\n  evidence:\n    - { gate: test }\n",
    );
    let out = repo.gk(&["sacred", "list"]);
    assert_code(&out, 2, "no report");
    assert!(
        output_of(&out).contains("exactly one of `junit` and `go_test_json`"),
        "{}",
        text(&out)
    );
}

#[test]
fn dropping_an_evidence_entry_is_a_config_weakening() {
    let e = python();
    e.repo.write(
        "gatekeeper.yml",
        "gates:\n  test:\n    run: 'true'\n    stages: [pre-commit, ci]\nsacred:\n  paths: [\"tests/billing/**\"]\n",
    );
    e.repo.git(&["add", "-A"]);
    e.repo
        .git(&["commit", "-q", "--no-verify", "-m", "drop evidence"]);
    let out = e.repo.gk(&["sacred", "check", "--base", "HEAD~1"]);
    assert_code(&out, 1, "weakened");
    assert!(
        output_of(&out).contains("sacred.evidence: test (reports/junit.xml) removed"),
        "{}",
        text(&out)
    );
}

const NEXTEST_LIB: &str = "pub fn refund(x: u32) -> u32 {\n    x\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    // gatekeeper:sacred\n    #[test]\n    fn refund_is_exact() {\n        assert_eq!(refund(10), 10);\n    }\n\n    #[test]\n    fn other() {\n        assert_eq!(refund(1), 1);\n    }\n}\n";

/// A tiny crate (no dependencies, offline) `billing` with [`NEXTEST_LIB`] as `src/lib.rs` and
/// gate `test` running the real `cargo nextest` with a JUnit report.
#[expect(
    clippy::disallowed_methods,
    reason = "the real toolchain is found through the developer's environment"
)]
fn real_nextest_crate() -> Ev {
    let has_nextest = std::process::Command::new("cargo-nextest")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_nextest,
        "cargo-nextest is not installed: scripts/test.sh installs it (cargo install --locked cargo-nextest)"
    );
    let config = "gates:\n  test:\n    run: cargo nextest run --offline --profile ci\n    stages: [ci]\n    timeout: 10m\nsacred:\n  evidence:\n    - { gate: test, junit: \"target/nextest/ci/junit.xml\" }\n";
    let mut e = setup(
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"billing\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
            ),
            ("src/lib.rs", NEXTEST_LIB),
            (
                ".config/nextest.toml",
                "[profile.ci.junit]\npath = \"junit.xml\"\n",
            ),
        ],
        config,
    );
    let real_home = std::env::var("HOME").unwrap_or_default();
    for (k, default) in [
        ("RUSTUP_HOME", format!("{real_home}/.rustup")),
        ("CARGO_HOME", format!("{real_home}/.cargo")),
    ] {
        let v = std::env::var(k).unwrap_or(default);
        e.repo.set_env(k, &v);
    }
    if let Ok(t) = std::env::var("RUSTUP_TOOLCHAIN") {
        e.repo.set_env("RUSTUP_TOOLCHAIN", &t);
    }
    e
}

/// A real `cargo nextest` run of a tiny crate (no dependencies, offline) writes the JUnit
/// report that proves — or refuses — the sacred test.
#[test]
fn real_cargo_nextest_report() {
    let e = real_nextest_crate();
    let lib = NEXTEST_LIB;
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_proven(&out, 1);
    // `#[ignore]` added by a change nobody locked: nextest leaves it out of the report.
    e.repo.write(
        "src/lib.rs",
        lib.replacen("#[test]\n", "#[test]\n    #[ignore]\n", 1),
    );
    let out = e.repo.gk(&["run", "test"]);
    assert_refused(&out, "rust:src/lib.rs::tests::refund_is_exact", "not-run");
}

/// ev-07 with the real `cargo nextest`: a default filter drops the lib's tests and an
/// integration test declares the same module path; its entry is of binary `billing::it`.
#[test]
fn a_real_nextest_run_of_a_lookalike_integration_test_is_not_the_lib_test() {
    let e = real_nextest_crate();
    e.repo.write(
        ".config/nextest.toml",
        "[profile.ci]\ndefault-filter = \"not binary_id(billing)\"\n\n[profile.ci.junit]\npath = \"junit.xml\"\n",
    );
    e.repo.write(
        "tests/it.rs",
        "mod tests {\n    #[test]\n    fn refund_is_exact() {}\n}\n",
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(&out, "rust:src/lib.rs::tests::refund_is_exact", "not-run");
}

#[test]
fn session_stop_refuses_a_sacred_test_skipped_at_runtime() {
    let mut e = setup(
        &[("tests/billing/test_pay.py", PY)],
        &gate_config("reports/junit.xml", "junit", "agent-stop"),
    );
    std::fs::write(
        e.report_in(),
        junit("<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"><skipped message=\"fixture skipped it\"/></testcase>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>"),
    )
    .unwrap();
    let out = e.repo.gk(&["--format", "json", "session", "start"]);
    assert_success(&out, "session start");
    let started: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let id = started["session"]["id"]
        .as_str()
        .expect("session id")
        .to_owned();
    e.repo.set_env("GATEKEEPER_SESSION", &id);
    e.repo.write("src.py", "x = 1\n");
    let out = e
        .repo
        .gk(&["--format", "json", "session", "stop", "--no-lesson", "n/a"]);
    assert_code(&out, 1, "session stop");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let gate = v["gates"]
        .as_array()
        .expect("gates")
        .iter()
        .find(|g| g["name"] == "test")
        .expect("gate test");
    assert_eq!(gate["sacred"][0]["test_id"], PY_ID, "{v}");
    assert_eq!(gate["sacred"][0]["rule"], "skipped-at-runtime", "{v}");
}

/// A repository whose sacred test methods are defined in base classes and run, by the real
/// pytest, under the subclasses that inherit them; gate `test` runs pytest with `--junitxml`.
/// `then`: appended to the gate's command (`|| true`: a gate that ignores pytest's exit
/// status, so that only the report can refuse).
fn inherited_with(files: &[(&str, &str)], then: &str) -> Ev {
    let pytest = crate::common::required_tool("pytest");
    let config = format!(
        "gates:\n  test:\n    run: rm -rf reports && PYTHONDONTWRITEBYTECODE=1 {} -q -p no:cacheprovider tests --junitxml=reports/junit.xml{then}\n    stages: [pre-commit, ci]\nsacred:\n  paths: [\"tests/billing/**\"]\n  evidence:\n    - {{ gate: test, junit: \"reports/junit.xml\" }}\n",
        pytest.display()
    );
    let mut all = vec![("tests/__init__.py", ""), ("tests/billing/__init__.py", "")];
    all.extend_from_slice(files);
    setup(&all, &config)
}

fn inherited(files: &[(&str, &str)]) -> Ev {
    inherited_with(files, "")
}

/// A mixin (no test case of its own: pytest does not collect `Checks`) whose check runs under
/// two subclasses, and an abstract base test that skips itself and runs under its subclass.
const MIXIN: &str = "import unittest\n\n\ndef total(xs):\n    return sum(xs)\n\n\nclass Checks:\n    def test_total(self):\n        self.assertEqual(total(self.items), 6)\n\n\nclass TestList(Checks, unittest.TestCase):\n    items = [1, 2, 3]\n\n\nclass TestTuple(Checks, unittest.TestCase):\n    items = (1, 2, 3)\n\n\ndef abstract(cls):\n    class Wrapper(cls):\n        @classmethod\n        def setUpClass(cls):\n            if cls is Wrapper:\n                raise unittest.SkipTest(\"abstract base class\")\n            super().setUpClass()\n\n    return Wrapper\n\n\n@abstract\nclass TestRefundBase(unittest.TestCase):\n    def test_refund(self):\n        self.assertEqual(total([self.amount]), 10)\n\n\nclass TestCardRefund(TestRefundBase):\n    amount = 10\n";

#[test]
fn methods_inherited_by_subclasses_are_proven_by_their_runs_under_the_real_pytest() {
    let e = inherited(&[("tests/billing/test_pay.py", MIXIN)]);
    let out = e.repo.gk(&["run", "test", "-v"]);
    // Both locked methods ran only under subclasses: the mixin is not collected, the
    // abstract base is reported skipped.
    assert_proven(&out, 2);
}

#[test]
fn an_inherited_method_failing_under_one_subclass_is_refused() {
    let e = inherited_with(&[("tests/billing/test_pay.py", MIXIN)], " || true");
    // The evidence names the locked test and the subclass it failed under.
    e.repo.write(
        "tests/billing/test_pay.py",
        MIXIN.replace("items = (1, 2, 3)", "items = (1, 2, 4)"),
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_code(&out, 1, "a failing subclass run");
    let all = output_of(&out);
    assert!(
        all.contains("python:tests/billing/test_pay.py::Checks::test_total [failed-at-runtime] `tests.billing.test_pay.TestTuple` `test_total`"),
        "{all}"
    );
}

#[test]
fn an_inherited_method_every_subclass_overrides_or_hides_is_not_run() {
    // TestList hides the check (`test_total = None`), TestTuple overrides it: no run is the
    // locked method's, though two report entries carry its name.
    let changed = MIXIN
        .replace(
            "class TestList(Checks, unittest.TestCase):\n    items = [1, 2, 3]\n",
            "class TestList(Checks, unittest.TestCase):\n    items = [1, 2, 3]\n    test_total = None\n",
        )
        .replace(
            "class TestTuple(Checks, unittest.TestCase):\n    items = (1, 2, 3)\n",
            "class TestTuple(Checks, unittest.TestCase):\n    items = (1, 2, 3)\n\n    def test_total(self):\n        pass\n",
        );
    let e = inherited(&[("tests/billing/test_pay.py", MIXIN)]);
    e.repo.write("tests/billing/test_pay.py", &changed);
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(
        &out,
        "python:tests/billing/test_pay.py::Checks::test_total",
        "not-run",
    );
}

#[test]
fn an_abstract_base_whose_only_subclass_is_gone_stays_skipped_at_runtime() {
    let e = inherited(&[("tests/billing/test_pay.py", MIXIN)]);
    e.repo.write(
        "tests/billing/test_pay.py",
        MIXIN.replace(
            "class TestCardRefund(TestRefundBase):\n    amount = 10\n",
            "",
        ),
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(
        &out,
        "python:tests/billing/test_pay.py::TestRefundBase::test_refund",
        "skipped-at-runtime",
    );
}

#[test]
fn subclasses_in_other_files_count_through_their_imports_and_a_look_alike_does_not() {
    // Subclasses of a locked abstract base test in another file, through `from … import` and
    // through a module alias; and an unrelated class with a method of the same name. The
    // subclasses add nothing (a docstring, `pass`): one of another file that defines
    // anything is no evidence (next test).
    let base = "import unittest\n\n\ndef abstract(cls):\n    class Wrapper(cls):\n        @classmethod\n        def setUpClass(cls):\n            if cls is Wrapper:\n                raise unittest.SkipTest(\"abstract base class\")\n            super().setUpClass()\n\n    return Wrapper\n\n\n@abstract\nclass Checks(unittest.TestCase):\n    items = [1, 2, 3]\n\n    def test_total(self):\n        self.assertEqual(sum(self.items), 6)\n";
    let other = "import unittest\n\nimport tests.billing.test_base as tb\nfrom tests.billing.test_base import Checks\n\n\nclass TestList(Checks, unittest.TestCase):\n    pass\n\n\nclass TestTuple(tb.Checks, unittest.TestCase):\n    \"\"\"The checks, once more.\"\"\"\n";
    let e = inherited(&[
        ("tests/billing/test_base.py", base),
        ("tests/billing/test_kinds.py", other),
    ]);
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_proven(&out, 1);
    // Without the real subclasses, a class of the same name elsewhere that does not inherit
    // the mixin is no evidence for it.
    e.repo.write(
        "tests/billing/test_kinds.py",
        "import unittest\n\n\nclass TestList(unittest.TestCase):\n    def test_total(self):\n        pass\n",
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(
        &out,
        "python:tests/billing/test_base.py::Checks::test_total",
        "skipped-at-runtime",
    );
}

#[test]
fn subclasses_in_other_files_that_define_anything_are_no_evidence() {
    // The shape the test above had before: the subclasses of another file give the data the
    // inherited check reads. Another file's class could as well give `[]` and `0`: what
    // such a class defines is not locked with the test, so its runs prove nothing.
    let base = "import unittest\n\n\ndef abstract(cls):\n    class Wrapper(cls):\n        @classmethod\n        def setUpClass(cls):\n            if cls is Wrapper:\n                raise unittest.SkipTest(\"abstract base class\")\n            super().setUpClass()\n\n    return Wrapper\n\n\n@abstract\nclass Checks(unittest.TestCase):\n    def test_total(self):\n        self.assertEqual(sum(self.items), 6)\n";
    let other = "import unittest\n\nimport tests.billing.test_base as tb\nfrom tests.billing.test_base import Checks\n\n\nclass TestList(Checks, unittest.TestCase):\n    items = [1, 2, 3]\n\n\nclass TestTuple(tb.Checks, unittest.TestCase):\n    items = (1, 2, 3)\n";
    let e = inherited(&[
        ("tests/billing/test_base.py", base),
        ("tests/billing/test_kinds.py", other),
    ]);
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(
        &out,
        "python:tests/billing/test_base.py::Checks::test_total",
        "skipped-at-runtime",
    );
}

#[test]
fn a_subclass_of_another_file_overriding_the_setup_is_no_evidence_under_the_real_pytest() {
    // ev-10: the sacred tests deselected by a sibling conftest.py; a subclass in another
    // file inherits `test_total` and replaces the code under test in `setup_method`.
    let test = "from tests.billing.pay import total\n\n\nclass TestPay:\n    def setup_method(self, method):\n        self.items = [1, 2, 3]\n\n    def test_total(self):\n        assert total(self.items) == 6\n\n\nclass TestPayAgain(TestPay):\n    def setup_method(self, method):\n        self.items = [3, 2, 1]\n";
    let e = pytest_gates(
        &[
            (
                "tests/billing/pay.py",
                "def total(xs):\n    return sum(xs)\n",
            ),
            ("tests/billing/test_pay.py", test),
        ],
        &[(
            "test",
            "{pytest} -q -p no:cacheprovider tests --junitxml=reports/test.xml",
        )],
    );
    // A subclass of the test's own file with a setup of its own counts (that setup is
    // locked with the test); so does a bare subclass elsewhere.
    e.repo.write("tests/other/__init__.py", "");
    e.repo.write(
        "tests/other/test_again.py",
        "import tests.billing.test_pay as tp\n\n\nclass TestPayHere(tp.TestPay):\n    pass\n",
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_proven(&out, 1);
    e.repo.write(
        "tests/billing/pay.py",
        "def total(xs):\n    return sum(xs) + 1\n",
    );
    e.repo.write("tests/other/conftest.py", DESELECT_BILLING);
    e.repo.write(
        "tests/other/test_again.py",
        "import tests.billing.test_pay as tp\n\n\nclass TestPayFast(tp.TestPay):\n    def setup_method(self, method):\n        self.items = [1, 2, 3]\n        tp.total = lambda xs: 6\n",
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(
        &out,
        "python:tests/billing/test_pay.py::TestPay::test_total",
        "not-run",
    );
}

#[test]
fn a_bare_subclass_changed_after_its_definition_is_no_evidence_under_the_real_pytest() {
    // ev-11-01: the sacred tests deselected by a sibling conftest.py; a subclass in another
    // file, bare as written, gets a `setup_method` assigned after its definition that
    // replaces the code under test (or its name is bound to another class).
    let test = "from tests.billing.pay import total\n\n\nclass TestPay:\n    def setup_method(self, method):\n        self.items = [1, 2, 3]\n\n    def test_total(self):\n        assert total(self.items) == 6\n";
    let e = pytest_gates(
        &[
            (
                "tests/billing/pay.py",
                "def total(xs):\n    return sum(xs) + 1\n",
            ),
            ("tests/billing/test_pay.py", test),
        ],
        &[(
            "test",
            "{pytest} -q -p no:cacheprovider tests --junitxml=reports/test.xml",
        )],
    );
    e.repo.write("tests/other/__init__.py", "");
    e.repo.write("tests/other/conftest.py", DESELECT_BILLING);
    let id = "python:tests/billing/test_pay.py::TestPay::test_total";
    for again in [
        "import tests.billing.test_pay as tp\n\n\nclass TestPayFast(tp.TestPay):\n    pass\n\n\ndef _fast(self, method):\n    self.items = [1, 2, 3]\n    tp.total = lambda xs: 6\n\n\nTestPayFast.setup_method = _fast\n",
        "import tests.billing.test_pay as tp\n\n\nclass Fast(tp.TestPay):\n    def setup_method(self, method):\n        self.items = [1, 2, 3]\n        tp.total = lambda xs: 6\n\n\nclass TestPayFast(tp.TestPay):\n    pass\n\n\nTestPayFast = Fast\n",
    ] {
        e.repo.write("tests/other/test_again.py", again);
        let out = e.repo.gk(&["run", "test", "-v"]);
        assert_refused(&out, id, "not-run");
    }
}

#[test]
fn a_report_class_two_files_could_be_is_no_evidence_under_the_real_pytest() {
    // ev-11-02: pytest started in `tests/` reports `other.test_again.TestPayFast` for
    // `tests/other/test_again.py`, whose subclass replaces the code under test; a bare
    // look-alike `other/test_again.py` at the root was taken for the class that ran.
    let test = "from tests.billing.pay import total\n\n\nclass TestPay:\n    def test_total(self):\n        assert total([1, 2, 3]) == 6\n";
    let e = pytest_gates(
        &[
            (
                "tests/billing/pay.py",
                "def total(xs):\n    return sum(xs)\n",
            ),
            ("tests/billing/test_pay.py", test),
        ],
        &[(
            "test",
            "cd tests && {pytest} -q -p no:cacheprovider --junitxml=../reports/test.xml",
        )],
    );
    let id = "python:tests/billing/test_pay.py::TestPay::test_total";
    let bare =
        "import tests.billing.test_pay as tp\n\n\nclass TestPayFast(tp.TestPay):\n    pass\n";
    e.repo.write("tests/other/__init__.py", "");
    e.repo.write("tests/other/test_again.py", bare);
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_proven(&out, 1);
    e.repo.write(
        "tests/billing/pay.py",
        "def total(xs):\n    return sum(xs) + 1\n",
    );
    e.repo.write(
        "tests/other/conftest.py",
        "def pytest_collection_modifyitems(config, items):\n    items[:] = [i for i in items if \"billing/\" not in i.nodeid]\n",
    );
    e.repo.write(
        "tests/other/test_again.py",
        "import tests.billing.test_pay as tp\n\n\nclass TestPayFast(tp.TestPay):\n    def setup_method(self, method):\n        tp.total = lambda xs: 6\n",
    );
    e.repo.write("other/test_again.py", bare);
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(&out, id, "not-run");
}

#[test]
fn a_skipped_case_counts_only_when_it_is_a_marked_one_under_the_real_pytest() {
    // ev-11-03: of two literal cases, the weak one is written `pytest.param(…, marks=…)` and
    // may be skipped; a hook that skips the strong, unmarked case instead does not make
    // "2 cases, 2 reported".
    let test = "import pytest\n\nfrom tests.billing.pay import total\n\n\n@pytest.mark.parametrize(\n    (\"xs\", \"want\"),\n    [\n        ([1, 2, 3], 6),\n        pytest.param([], 0, marks=pytest.mark.slow),\n    ],\n)\ndef test_total(xs, want):\n    assert total(xs) == want\n";
    let e = pytest_gates(
        &[
            (
                "tests/billing/pay.py",
                "def total(xs):\n    return sum(xs)\n",
            ),
            ("tests/billing/test_pay.py", test),
            ("pytest.ini", "[pytest]\nmarkers =\n    slow: a slow case\n"),
        ],
        &[(
            "test",
            "{pytest} -q -p no:cacheprovider tests --junitxml=reports/test.xml",
        )],
    );
    let skip = |id: &str| {
        format!(
            "import pytest\n\n\ndef pytest_collection_modifyitems(config, items):\n    for item in items:\n        if item.nodeid.endswith(\"test_total[{id}]\"):\n            item.add_marker(pytest.mark.skip(reason=\"flaky\"))\n"
        )
    };
    e.repo.write("tests/other/__init__.py", "");
    // The marked case skipped: the test is proven.
    e.repo.write("tests/other/conftest.py", skip("xs1-0"));
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_proven(&out, 1);
    // The strong case skipped, the code under test broken: not proven.
    e.repo.write(
        "tests/billing/pay.py",
        "def total(xs):\n    return sum(xs) + 1 if xs else 0\n",
    );
    e.repo.write("tests/other/conftest.py", skip("xs0-6"));
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(
        &out,
        "python:tests/billing/test_pay.py::test_total",
        "not-run",
    );
    assert!(
        output_of(&out).contains("2 cases, 1 reported"),
        "{}",
        output_of(&out)
    );
}

/// A repository whose gates run the real pytest: each `(gate, command)` writes
/// `reports/GATE.xml` (`{pytest}` in the command is pytest's path).
fn pytest_gates(files: &[(&str, &str)], gates: &[(&str, &str)]) -> Ev {
    let pytest = crate::common::required_tool("pytest");
    let mut config = String::from("gates:\n");
    let mut evidence = String::new();
    for (name, cmd) in gates {
        let cmd = cmd.replace("{pytest}", &pytest.display().to_string());
        config.push_str(&format!(
            "  {name}:\n    run: rm -rf reports/{name}.xml && {cmd}\n    stages: [ci]\n"
        ));
        evidence.push_str(&format!(
            "    - {{ gate: {name}, junit: \"reports/{name}.xml\" }}\n"
        ));
    }
    config.push_str("sacred:\n  paths: [\"tests/billing/**\"]\n  evidence:\n");
    config.push_str(&evidence);
    let mut all = vec![("tests/__init__.py", ""), ("tests/billing/__init__.py", "")];
    all.extend_from_slice(files);
    setup(&all, &config)
}

/// A conftest.py of a sibling directory deselects the sacred tests' directory.
const DESELECT_BILLING: &str = "def pytest_collection_modifyitems(config, items):\n    items[:] = [i for i in items if not i.nodeid.startswith(\"tests/billing/\")]\n";

#[test]
fn a_lookalike_module_elsewhere_does_not_stand_in_for_a_deselected_test_under_the_real_pytest() {
    // ev-02: the sacred test is deselected; `tests/other/tests/billing/test_pay.py` reports
    // classname `tests.other.tests.billing.test_pay`, which ends with the expected one.
    let e = pytest_gates(
        &[("tests/billing/test_pay.py", PY)],
        &[(
            "test",
            "{pytest} -q -p no:cacheprovider tests --junitxml=reports/test.xml",
        )],
    );
    e.repo.write("tests/other/__init__.py", "");
    e.repo.write("tests/other/conftest.py", DESELECT_BILLING);
    e.repo.write("tests/other/tests/__init__.py", "");
    e.repo.write("tests/other/tests/billing/__init__.py", "");
    e.repo.write(
        "tests/other/tests/billing/test_pay.py",
        "def test_refund():\n    assert True\n\n\ndef test_other():\n    assert True\n",
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(&out, PY_ID, "not-run");
}

/// Under the real pytest: a directory named with a dot (`tests.billing/test_pay.py`) is
/// reported as classname `tests.billing.test_pay`, exactly the locked test's entry, from the
/// repository's root; with the sacred test deselected, that entry proves nothing.
#[test]
fn a_lookalike_in_a_dotted_directory_does_not_stand_in_under_the_real_pytest() {
    let e = pytest_gates(
        &[("tests/billing/test_pay.py", PY)],
        &[(
            "test",
            "{pytest} -q -p no:cacheprovider --junitxml=reports/test.xml",
        )],
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_proven(&out, 2);
    e.repo.write(
        "conftest.py",
        "def pytest_collection_modifyitems(config, items):\n    items[:] = [i for i in items if not i.nodeid.startswith(\"tests/billing/\")]\n",
    );
    e.repo.write(
        "tests.billing/test_pay.py",
        "def test_refund():\n    assert True\n\n\ndef test_other():\n    assert True\n",
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(&out, PY_ID, "not-run");
}

/// Under the real pytest: a test that names its own entry with `record_xml_attribute` (the
/// values computed at run time) writes the locked test's entry while the sacred test is
/// deselected. Where any file of the repository uses that fixture, no Python entry proves a
/// locked test.
#[test]
fn an_entry_a_test_names_with_record_xml_attribute_proves_nothing_under_the_real_pytest() {
    let e = pytest_gates(
        &[("tests/billing/test_pay.py", PY)],
        &[(
            "test",
            "{pytest} -q -p no:cacheprovider tests --junitxml=reports/test.xml",
        )],
    );
    e.repo.write("tests/other/__init__.py", "");
    e.repo.write("tests/other/conftest.py", DESELECT_BILLING);
    e.repo.write(
        "tests/other/test_smoke.py",
        "import pytest\n\n\n@pytest.mark.parametrize(\"name\", [\"test_refund\", \"test_other\"])\ndef test_smoke(record_xml_attribute, name):\n    record_xml_attribute(\"classname\", \".\".join([\"tests\", \"billing\", \"test_pay\"]))\n    record_xml_attribute(\"name\", name)\n",
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(&out, PY_ID, "not-run");
    assert!(
        output_of(&out).contains("record_xml_attribute"),
        "{}",
        output_of(&out)
    );
}

#[test]
fn pytest_started_in_a_subdirectory_or_with_a_junit_prefix_still_proves_the_test() {
    let e = pytest_gates(
        &[("tests/billing/test_pay.py", PY)],
        &[
            (
                "sub",
                "cd tests && {pytest} -q -p no:cacheprovider --junitxml=../reports/sub.xml",
            ),
            (
                "prefix",
                "{pytest} -q -p no:cacheprovider tests --junitprefix=shop --junitxml=reports/prefix.xml",
            ),
        ],
    );
    for gate in ["sub", "prefix"] {
        let out = e.repo.gk(&["run", gate, "-v"]);
        assert_proven(&out, 2);
    }
    // Another file the shorter module could name makes the entry ambiguous: no evidence.
    e.repo.write("tests/other/__init__.py", "");
    e.repo.write("tests/other/billing/__init__.py", "");
    e.repo.write(
        "tests/other/billing/test_pay.py",
        "def test_unrelated():\n    assert True\n",
    );
    let out = e.repo.gk(&["run", "sub", "-v"]);
    assert_refused(&out, PY_ID, "not-run");
}

#[test]
fn a_vitest_lookalike_file_ending_with_the_test_path_does_not_stand_in() {
    // ev-13: the sacred test is skipped at run time, a look-alike with the same titles in
    // `legacy/tests/billing/pay.test.js` passes.
    let e = setup(
        &[("tests/billing/pay.test.js", JS)],
        &gate_config("reports/*.xml", "junit", "ci"),
    );
    e.repo.write("legacy/tests/billing/pay.test.js", JS);
    let out = e.run(&junit(
        "<testcase classname=\"tests/billing/pay.test.js\" name=\"refunds &gt; is exact\"><skipped/></testcase>\n<testcase classname=\"legacy/tests/billing/pay.test.js\" name=\"refunds &gt; is exact\"/>",
    ));
    assert_refused(&out, JS_ID, "skipped-at-runtime");
    let out = e.run(&junit(
        "<testcase classname=\"legacy/tests/billing/pay.test.js\" name=\"refunds &gt; is exact\"/>",
    ));
    assert_refused(&out, JS_ID, "not-run");
}

#[test]
fn a_js_file_path_from_a_subdirectory_or_absolute_still_names_the_test() {
    let e = setup(
        &[("tests/billing/pay.test.js", JS)],
        &gate_config("reports/*.xml", "junit", "ci"),
    );
    // vitest started in `tests/`: the classname is relative to it.
    let out = e.run(&junit(
        "<testcase classname=\"billing/pay.test.js\" name=\"refunds &gt; is exact\"/>",
    ));
    assert_proven(&out, 1);
    // jest-junit's absolute `file` attribute.
    let abs = e
        .repo
        .path("tests/billing/pay.test.js")
        .display()
        .to_string();
    let out = e.run(&junit(&format!(
        "<testcase classname=\"refunds is exact\" name=\"refunds is exact\" file=\"{abs}\"/>"
    )));
    assert_proven(&out, 1);
    let out = e.run(&junit(
        "<testcase classname=\"refunds is exact\" name=\"refunds is exact\" file=\"/elsewhere/tests/billing/pay.test.js\"/>",
    ));
    assert_refused(&out, JS_ID, "not-run");
    // Another file ending with the shorter path: ambiguous, no evidence.
    e.repo.write("legacy/billing/pay.test.js", JS);
    let out = e.run(&junit(
        "<testcase classname=\"billing/pay.test.js\" name=\"refunds &gt; is exact\"/>",
    ));
    assert_refused(&out, JS_ID, "not-run");
}

/// A Go repository (`go.mod` when `module` is given) with the sacred `billing/pay_test.go`
/// and gate `go-test` copying `report.in` to `reports/go-test.json`.
fn go_repo(module: Option<&str>) -> Ev {
    let mut files = vec![("billing/pay_test.go", GO)];
    let gomod = module.map(|m| format!("module {m}\n\ngo 1.19\n"));
    if let Some(g) = &gomod {
        files.push(("go.mod", g));
    }
    setup(
        &files,
        "gates:\n  go-test:\n    run: |\n      mkdir -p reports\n      if [ -f ../report.in ]; then cp ../report.in reports/go-test.json; fi\n    stages: [ci]\nsacred:\n  paths: [\"billing/**\"]\n  evidence:\n    - { gate: go-test, go_test_json: reports/go-test.json }\n",
    )
}

impl Ev {
    fn run_go(&self, report: &str) -> Output {
        std::fs::write(self.report_in(), report).unwrap();
        self.repo.gk(&["run", "go-test", "-v"])
    }
}

const GO_ID: &str = "go:billing/pay_test.go::TestRefund";

/// `TestRefund` of package `pkg` passes, after `before`.
fn go_pass_in(pkg: &str, before: &str) -> String {
    format!(
        "{before}{{\"Action\":\"run\",\"Package\":\"{pkg}\",\"Test\":\"TestRefund\"}}\n{{\"Action\":\"pass\",\"Package\":\"{pkg}\",\"Test\":\"TestRefund\",\"Elapsed\":0}}\n{{\"Action\":\"pass\",\"Package\":\"{pkg}\",\"Elapsed\":0.1}}\n"
    )
}

#[test]
fn a_go_package_ending_with_the_directory_does_not_stand_in_for_it() {
    // ev-06: billing's tests are filtered out (`-test.run=^$` from an init), the look-alike
    // package `internal/billing` passes a `TestRefund`.
    let e = go_repo(Some("example.com/shop"));
    e.repo.write("internal/billing/pay_test.go", GO);
    let nothing_ran = "{\"Action\":\"output\",\"Package\":\"example.com/shop/billing\",\"Output\":\"ok  \\texample.com/shop/billing\\t0.002s [no tests to run]\\n\"}\n{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Elapsed\":0.002}\n";
    let out = e.run_go(&go_pass_in(
        "example.com/shop/internal/billing",
        nothing_ran,
    ));
    assert_refused(&out, GO_ID, "not-run");
    // ev-09: billing became a module of its own, which `go test ./...` at the root skips.
    e.repo.write(
        "billing/go.mod",
        "module example.com/shop/billing\n\ngo 1.19\n",
    );
    let out = e.run_go(&go_pass_in("example.com/shop/internal/billing", ""));
    assert_refused(&out, GO_ID, "not-run");
}

#[test]
fn a_go_package_is_matched_by_its_directory_when_no_module_path_is_read() {
    // No `go.mod` in the repository: the package's directory is all gatekeeper knows.
    let e = go_repo(None);
    let out = e.run_go(&go_pass_in("example.com/shop/billing", ""));
    assert_proven(&out, 1);
    // Another package directory the entry could be: no evidence.
    e.repo.write("shop/billing/pay_test.go", GO);
    let out = e.run_go(&go_pass_in("example.com/shop/billing", ""));
    assert_refused(&out, GO_ID, "not-run");
}

#[test]
fn a_nextest_entry_of_another_binary_does_not_stand_in_for_a_lib_test() {
    let e = setup(
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"billing\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("src/lib.rs", "mod pay;\n"),
            ("src/pay.rs", RS),
        ],
        &gate_config("reports/junit.xml", "junit", "ci"),
    );
    let id = "rust:src/pay.rs::tests::refund_is_exact";
    // ev-07: the lib's tests filtered out, `tests/it.rs` declares the same module path.
    let out = e.run(&junit(
        "<testcase classname=\"billing::it\" name=\"pay::tests::refund_is_exact\"/>",
    ));
    assert_refused(&out, id, "not-run");
    let out = e.run(&junit(
        "<testcase classname=\"billing::bin/tool\" name=\"pay::tests::refund_is_exact\"/>",
    ));
    assert_refused(&out, id, "not-run");
    // Without a package name to read, nothing names the binary: fail closed.
    e.repo.write("Cargo.toml", "[workspace]\n");
    let out = e.run(&junit(
        "<testcase classname=\"billing\" name=\"pay::tests::refund_is_exact\"/>",
    ));
    assert_refused(&out, id, "not-run");
}

#[test]
fn nextest_binary_ids_of_integration_tests_and_binaries_are_their_own() {
    let e = setup(
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"my-shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            (
                "tests/refunds.rs",
                "// gatekeeper:sacred\n#[test]\nfn refund_is_exact() {\n    assert_eq!(2 + 2, 4);\n}\n",
            ),
            ("src/bin/tool.rs", RS),
        ],
        &gate_config("reports/junit.xml", "junit", "ci"),
    );
    // nextest keeps the package name as written (with its dash).
    let out = e.run(&junit(
        "<testcase classname=\"my-shop::refunds\" name=\"refund_is_exact\"/>\n<testcase classname=\"my-shop::bin/tool\" name=\"tests::refund_is_exact\"/>",
    ));
    assert_proven(&out, 2);
    let out = e.run(&junit(
        "<testcase classname=\"my-shop::other\" name=\"refund_is_exact\"/>\n<testcase classname=\"my-shop::bin/tool\" name=\"tests::refund_is_exact\"/>",
    ));
    assert_refused(&out, "rust:tests/refunds.rs::refund_is_exact", "not-run");
}

/// Events of a real `go test -json` run (go 1.19.8, `Time` and output left out) of parallel
/// top-level tests (`TestRefund` and `TestB` call `t.Parallel()`), parallel subtests with
/// parallel subtests of their own (`TestC/x/inner`), and a skipped test.
const GO_PARALLEL_RUN: &str = r#"{"Action":"run","Package":"example.com/shop/billing","Test":"TestRefund"}
{"Action":"pause","Package":"example.com/shop/billing","Test":"TestRefund"}
{"Action":"run","Package":"example.com/shop/billing","Test":"TestB"}
{"Action":"pause","Package":"example.com/shop/billing","Test":"TestB"}
{"Action":"run","Package":"example.com/shop/billing","Test":"TestC"}
{"Action":"run","Package":"example.com/shop/billing","Test":"TestC/x"}
{"Action":"pause","Package":"example.com/shop/billing","Test":"TestC/x"}
{"Action":"run","Package":"example.com/shop/billing","Test":"TestC/y"}
{"Action":"pause","Package":"example.com/shop/billing","Test":"TestC/y"}
{"Action":"run","Package":"example.com/shop/billing","Test":"TestC/z"}
{"Action":"pause","Package":"example.com/shop/billing","Test":"TestC/z"}
{"Action":"cont","Package":"example.com/shop/billing","Test":"TestC/x"}
{"Action":"cont","Package":"example.com/shop/billing","Test":"TestC/z"}
{"Action":"run","Package":"example.com/shop/billing","Test":"TestC/x/inner"}
{"Action":"pause","Package":"example.com/shop/billing","Test":"TestC/x/inner"}
{"Action":"cont","Package":"example.com/shop/billing","Test":"TestC/y"}
{"Action":"run","Package":"example.com/shop/billing","Test":"TestC/z/inner"}
{"Action":"pause","Package":"example.com/shop/billing","Test":"TestC/z/inner"}
{"Action":"cont","Package":"example.com/shop/billing","Test":"TestC/x/inner"}
{"Action":"cont","Package":"example.com/shop/billing","Test":"TestC/z/inner"}
{"Action":"run","Package":"example.com/shop/billing","Test":"TestC/y/inner"}
{"Action":"pause","Package":"example.com/shop/billing","Test":"TestC/y/inner"}
{"Action":"cont","Package":"example.com/shop/billing","Test":"TestC/y/inner"}
{"Action":"pass","Package":"example.com/shop/billing","Test":"TestC/x/inner","Elapsed":0}
{"Action":"pass","Package":"example.com/shop/billing","Test":"TestC/x","Elapsed":0.01}
{"Action":"pass","Package":"example.com/shop/billing","Test":"TestC/z/inner","Elapsed":0}
{"Action":"pass","Package":"example.com/shop/billing","Test":"TestC/z","Elapsed":0.01}
{"Action":"pass","Package":"example.com/shop/billing","Test":"TestC/y/inner","Elapsed":0}
{"Action":"pass","Package":"example.com/shop/billing","Test":"TestC/y","Elapsed":0.01}
{"Action":"pass","Package":"example.com/shop/billing","Test":"TestC","Elapsed":0}
{"Action":"run","Package":"example.com/shop/billing","Test":"TestD"}
{"Action":"skip","Package":"example.com/shop/billing","Test":"TestD","Elapsed":0}
{"Action":"cont","Package":"example.com/shop/billing","Test":"TestRefund"}
{"Action":"cont","Package":"example.com/shop/billing","Test":"TestB"}
{"Action":"pass","Package":"example.com/shop/billing","Test":"TestB","Elapsed":0.01}
{"Action":"cont","Package":"example.com/shop/billing","Test":"TestRefund"}
{"Action":"pass","Package":"example.com/shop/billing","Test":"TestRefund","Elapsed":0.02}
{"Action":"pass","Package":"example.com/shop/billing","Elapsed":0}
"#;

#[test]
fn a_real_go_run_with_parallel_tests_and_subtests_is_trusted() {
    let e = go_repo(Some("example.com/shop"));
    assert_proven(&e.run_go(GO_PARALLEL_RUN), 1);
}

/// ev-04 and ev-05 as go 1.19's test2json wrote them: `TestHelpers` prints `=== RUN
/// TestRefund` and `--- PASS: TestRefund`, which test2json turns into events of `TestRefund`
/// (an `init()` of the package filtered `TestRefund` out, or `TestHelpers` ended the process).
#[test]
fn go_events_a_running_test_printed_for_another_are_undecided() {
    let e = go_repo(Some("example.com/shop"));
    let p = "\"Package\":\"example.com/shop/billing\"";
    let ev =
        |action: &str, test: &str| format!("{{\"Action\":\"{action}\",{p},\"Test\":\"{test}\"}}\n");
    let end = format!("{{\"Action\":\"pass\",{p},\"Elapsed\":0.01}}\n");
    // ev-04: TestHelpers ends normally.
    let forged_run = [
        ev("run", "TestHelpers"),
        ev("run", "TestRefund"),
        ev("pass", "TestRefund"),
        ev("pass", "TestHelpers"),
        end.clone(),
    ]
    .concat();
    let out = e.run_go(&forged_run);
    assert_code(&out, 3, "forged run");
    assert!(
        output_of(&out).contains("the events of package `example.com/shop/billing` cannot be trusted: `TestRefund` started while `TestHelpers` was running"),
        "{}",
        text(&out)
    );
    // ev-05: TestHelpers exits the process after the forged lines (the package passes).
    let never_ended = [
        ev("run", "TestHelpers"),
        ev("output", "TestHelpers"),
        ev("pass", "TestRefund"),
        end.clone(),
    ]
    .concat();
    let out = e.run_go(&never_ended);
    assert_code(&out, 3, "a test that never ended");
    assert!(
        output_of(&out).contains("cannot be trusted"),
        "{}",
        text(&out)
    );
    // Only a forged end, or a forged subtest, while the forging test runs.
    for forged in [
        [
            ev("run", "TestHelpers"),
            ev("pass", "TestRefund"),
            ev("pass", "TestHelpers"),
            end.clone(),
        ]
        .concat(),
        [
            ev("run", "TestHelpers"),
            ev("pass", "TestRefund/case_1"),
            ev("pass", "TestHelpers"),
            end.clone(),
        ]
        .concat(),
    ] {
        let out = e.run_go(&forged);
        assert_code(&out, 3, "forged end");
        assert!(
            output_of(&out).contains("`TestHelpers` was running"),
            "{}",
            text(&out)
        );
    }
    // The same events from Go itself, one test after the other: proven.
    let honest = [
        ev("run", "TestHelpers"),
        ev("pass", "TestHelpers"),
        ev("run", "TestRefund"),
        ev("pass", "TestRefund"),
        end,
    ]
    .concat();
    assert_proven(&e.run_go(&honest), 1);
}

const PARAMETRISED: &str = "import pytest\n\nfrom tests.billing.pay import total\n\n\n@pytest.mark.parametrize((\"xs\", \"want\"), [([1, 2, 3], 6), ([], 0)])\ndef test_total(xs, want):\n    assert total(xs) == want\n";
const PARAMETRISED_ID: &str = "python:tests/billing/test_pay.py::test_total";

fn parametrised(test: &str) -> Ev {
    pytest_gates(
        &[
            (
                "tests/billing/pay.py",
                "def total(xs):\n    return sum(xs)\n",
            ),
            ("tests/billing/test_pay.py", test),
        ],
        &[(
            "test",
            "{pytest} -q -p no:cacheprovider tests --junitxml=reports/test.xml",
        )],
    )
}

#[test]
fn a_parametrised_test_missing_a_literal_case_is_not_run_under_the_real_pytest() {
    // ev-03: a sibling conftest.py deselects the strong case; only `[] -> 0` runs.
    let e = parametrised(PARAMETRISED);
    assert_proven(&e.repo.gk(&["run", "test", "-v"]), 1);
    e.repo.write(
        "tests/billing/pay.py",
        "def total(xs):\n    return sum(xs) * 2\n",
    );
    e.repo.write("tests/other/__init__.py", "");
    e.repo.write(
        "tests/other/conftest.py",
        "def pytest_collection_modifyitems(config, items):\n    items[:] = [i for i in items if \"[xs0-\" not in i.nodeid]\n",
    );
    e.repo.write(
        "tests/other/test_other.py",
        "def test_other():\n    assert True\n",
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(&out, PARAMETRISED_ID, "not-run");
    assert!(
        output_of(&out).contains("2 cases, 1 reported"),
        "{}",
        text(&out)
    );
    // Skipped instead of deselected: a skip counts only for a case marked in the source.
    e.repo.write(
        "tests/other/conftest.py",
        "import pytest\n\n\ndef pytest_collection_modifyitems(config, items):\n    for i in items:\n        if \"[xs0-\" in i.nodeid:\n            i.add_marker(pytest.mark.skip(reason=\"slow\"))\n",
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(&out, PARAMETRISED_ID, "not-run");
    assert!(output_of(&out).contains("1 skipped"), "{}", text(&out));
}

#[test]
fn a_parametrised_test_may_skip_the_cases_its_source_marks() {
    // One case carries `marks=` (skipped where it cannot run): the other passing is enough.
    let marked = PARAMETRISED.replace(
        "[([1, 2, 3], 6), ([], 0)]",
        "[([1, 2, 3], 6), pytest.param([], 0, marks=pytest.mark.skip(reason=\"py2\"))]",
    );
    let e = parametrised(&marked);
    assert_proven(&e.repo.gk(&["run", "test", "-v"]), 1);
    // Cases read from a name are not counted: every instance that ran passed is enough.
    let named = "import pytest\n\nfrom tests.billing.pay import total\n\nCASES = [([1, 2, 3], 6), ([], 0)]\n\n\n@pytest.mark.parametrize((\"xs\", \"want\"), CASES)\ndef test_total(xs, want):\n    if not xs:\n        pytest.skip(\"empty\")\n    assert total(xs) == want\n";
    let e = parametrised(named);
    assert_proven(&e.repo.gk(&["run", "test", "-v"]), 1);
}

/// A gate listed in `sacred.evidence` whose glob no changed file matches does not run, and
/// says that this run proves nothing of the sacred tests (a change to the code under test
/// alone skips a gate globbed to the tests).
#[test]
fn an_evidence_gate_skipped_by_its_glob_says_it_proves_nothing() {
    let config = gate_config("reports/junit.xml", "junit", "pre-commit, ci").replace(
        "    stages: [pre-commit, ci]\n",
        "    stages: [pre-commit, ci]\n    glob: [\"tests/**\"]\n",
    );
    assert!(config.contains("glob:"), "{config}");
    let e = setup(
        &[
            ("tests/billing/test_pay.py", PY),
            ("billing.py", "def total(xs):\n    return sum(xs)\n"),
        ],
        &config,
    );
    e.repo.write("billing.py", "def total(xs):\n    return 0\n");
    e.repo.git(&["add", "billing.py"]);
    let out = e.repo.gk(&["run", "-v"]);
    assert_code(&out, 0, "a skipped gate");
    let all = output_of(&out);
    assert!(
        all.contains("the locked sacred tests are not proven by this run"),
        "{}",
        text(&out)
    );
    assert!(!all.contains("ran and passed"), "{}", text(&out));
}

/// What the runner printed stands against a report rewritten after it: an `atexit` hook
/// registered by another test (ev-01) or by the code under test as it is imported (ev-08)
/// strips the `<failure>` from pytest's report and ends the process with status 0. Both
/// confirmed with the real pytest: the gate exits 0 and the report says the test passed.
#[test]
fn a_report_rewritten_at_exit_is_refused_by_what_pytest_printed() {
    const STRIP: &str = "    p = \"reports/test.xml\"\n    if os.path.exists(p):\n        s = open(p).read()\n        s = re.sub(r\"<failure.*?</failure>\", \"\", s, flags=re.S)\n        s = re.sub(r'failures=\"\\d+\"', 'failures=\"0\"', s)\n        open(p, \"w\").write(s)\n    os._exit(0)\n";
    let sacred =
        "from billing.pay import total\n\n\ndef test_total():\n    assert total([1, 2, 3]) == 6\n";
    let pay = "def total(xs):\n    return sum(xs)\n";
    for (path, attack) in [
        (
            "tests/test_util.py",
            format!(
                "import atexit\nimport os\nimport re\n\n\ndef _tidy():\n{STRIP}\n\ndef test_util():\n    atexit.register(_tidy)\n"
            ),
        ),
        (
            "billing/pay.py",
            format!(
                "import atexit\nimport os\nimport re\n\n\ndef total(xs):\n    return sum(xs) + 1\n\n\ndef _flush():\n{STRIP}\n\natexit.register(_flush)\n"
            ),
        ),
    ] {
        let e = pytest_gates(
            &[
                ("billing/__init__.py", ""),
                ("billing/pay.py", pay),
                ("tests/billing/test_pay.py", sacred),
            ],
            &[(
                "test",
                "{pytest} -q -p no:cacheprovider tests --junitxml=reports/test.xml",
            )],
        );
        if path == "tests/test_util.py" {
            // The code under test is broken too.
            e.repo
                .write("billing/pay.py", "def total(xs):\n    return sum(xs) + 1\n");
        }
        e.repo.write(path, &attack);
        let out = e.repo.gk(&["run", "test", "-v"]);
        assert_code(&out, 1, path);
        let all = output_of(&out);
        assert!(
            all.contains("the runner printed 1 failure (`1 failed"),
            "{path}: {}",
            text(&out)
        );
        // The report did say the test passed: only the printed summary refuses it.
        let report = std::fs::read_to_string(e.repo.path("reports/test.xml")).unwrap();
        assert!(
            report.contains("test_total") && !report.contains("<failure"),
            "{path}: {report}"
        );
    }
}

/// A report that keeps the count of failures but moves the sacred test's onto another test
/// is refused under the sacred test's id: pytest named it `FAILED`.
#[test]
fn a_test_pytest_printed_as_failed_is_not_proven_by_its_report() {
    let e = python();
    std::fs::write(
        e.report_in(),
        junit(
            "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"><failure message=\"moved here\"/></testcase>",
        ),
    )
    .unwrap();
    e.repo.write(
        "gatekeeper.yml",
        gate_config("reports/junit.xml", "junit", "pre-commit, ci").replace(
            "if [ -f ../report.in ]; then cp ../report.in reports/junit.xml; fi\n",
            "if [ -f ../report.in ]; then cp ../report.in reports/junit.xml; fi\n      echo 'FAILED tests/billing/test_pay.py::test_refund - assert 9 == 10'\n      echo '1 failed, 1 passed in 0.02s'\n",
        ),
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(&out, PY_ID, "failed-at-runtime");
    assert!(
        output_of(&out)
            .contains("the runner printed `FAILED tests/billing/test_pay.py::test_refund"),
        "{}",
        text(&out)
    );
    // A case id with spaces (`ids=["three items"]`, found by an attack round, confirmed
    // with pytest): the id is read up to ` - ` outside its brackets.
    std::fs::write(
        e.report_in(),
        junit(
            "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund[three items]\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"><failure message=\"moved here\"/></testcase>",
        ),
    )
    .unwrap();
    e.repo.write(
        "gatekeeper.yml",
        gate_config("reports/junit.xml", "junit", "pre-commit, ci").replace(
            "if [ -f ../report.in ]; then cp ../report.in reports/junit.xml; fi\n",
            "if [ -f ../report.in ]; then cp ../report.in reports/junit.xml; fi\n      echo 'FAILED tests/billing/test_pay.py::test_refund[three items] - assert 9 == 10'\n      echo '1 failed, 1 passed in 0.02s'\n",
        ),
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_refused(&out, PY_ID, "failed-at-runtime");
}

/// The other runners' summaries, printed by a gate whose report holds fewer failures; and a
/// gate that ignores a failure its report records (`|| true`) is judged by the report.
#[test]
fn each_runners_printed_failures_must_be_in_its_report() {
    let e = setup(
        &[("tests/billing/pay.test.js", JS)],
        &gate_config("reports/*.xml", "junit", "ci"),
    );
    let pass =
        junit("<testcase classname=\"tests/billing/pay.test.js\" name=\"refunds &gt; is exact\"/>");
    for printed in [
        "Tests:       1 failed, 1 passed, 2 total",
        "      Tests  1 failed | 1 passed (2)",
        "     Summary [   0.005s] 2 tests run: 1 passed, 1 failed, 0 skipped",
        "test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
        "# fail 1",
        "--- FAIL: TestTotal (0.00s)",
    ] {
        e.repo.write(
            "gatekeeper.yml",
            gate_config("reports/*.xml", "junit", "ci").replace(
                "    stages:",
                &format!("      echo '{printed}'\n    stages:"),
            ),
        );
        let out = e.run(&pass);
        assert_code(&out, 1, printed);
        assert!(
            output_of(&out).contains("the runner printed 1 failure"),
            "{printed}: {}",
            text(&out)
        );
    }
    // The failure printed is in the report (another test's): the report decides, and the
    // sacred test passed.
    e.repo.write(
        "gatekeeper.yml",
        gate_config("reports/*.xml", "junit", "ci").replace(
            "    stages:",
            "      echo 'Tests:       1 failed, 1 passed, 2 total'\n    stages:",
        ),
    );
    let out = e.run(&junit(
        "<testcase classname=\"tests/billing/pay.test.js\" name=\"refunds &gt; is exact\"/>\n<testcase classname=\"tests/other.test.js\" name=\"flaky\"><failure message=\"boom\"/></testcase>",
    ));
    assert_proven(&out, 1);
}

/// A report whose entries pytest wrote from another root directory (an empty
/// `tests/setup.py` makes `tests/` its rootdir): a look-alike `tests/tests/billing/test_pay.py`
/// reports exactly the entry the sacred test would from the root, while the sacred test's
/// own entry (`billing.test_pay`, skipped by a hook) reads loosely. The exact entry is the
/// sacred test's only when the report was written from the root or no other file could
/// have written it; a nested layout run from the root stays proven.
#[test]
fn a_lookalike_reported_exactly_under_another_rootdir_does_not_stand_in() {
    let e = python();
    e.repo.write("tests/setup.py", "");
    e.repo.write(
        "tests/tests/billing/test_pay.py",
        "def test_refund():\n    assert True\n\n\ndef test_other():\n    assert True\n",
    );
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>\n<testcase classname=\"billing.test_pay\" name=\"test_refund\"><skipped message=\"hook\"/></testcase>\n<testcase classname=\"billing.test_pay\" name=\"test_other\"/>",
    ));
    assert_refused(&out, PY_ID, "not-run");
    // Found by the next round, confirmed with pytest: every other entry names a module only
    // through a package of the root (`billing/`, the code under test), or is no module path
    // at all (`tests/aaa-warmup/`); neither is a file found from the root.
    e.repo.write("billing/__init__.py", "");
    for warmup in ["billing.test_a_warmup", "aaa-warmup.test_warmup"] {
        let out = e.run(&junit(&format!(
            "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>\n<testcase classname=\"billing.test_pay\" name=\"test_refund\"><skipped message=\"hook\"/></testcase>\n<testcase classname=\"{warmup}\" name=\"test_w\"/>"
        )));
        assert_refused(&out, PY_ID, "not-run");
    }
    // From the root, the nested file reports under its own longer module path.
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>\n<testcase classname=\"tests.tests.billing.test_pay\" name=\"test_refund\"/>",
    ));
    assert_proven(&out, 2);
}

/// The skips and passes a runner printed stand against its report as its failures do: a
/// hook that skips the sacred test at run time and an `atexit` rewrite that drops the
/// `<skipped>` element leave pytest's `1 passed, 1 skipped` against a report of two
/// passes (confirmed with the real pytest, which exits 0 there).
#[test]
fn a_report_holding_fewer_skips_or_more_passes_than_printed_is_refused() {
    let e = python();
    let two_passes = junit(
        "<testcase classname=\"tests.billing.test_pay\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay\" name=\"test_other\"/>",
    );
    for (printed, says) in [
        ("1 passed, 1 skipped in 0.01s", "printed 1 skipped test"),
        ("1 passed, 1 xfailed in 0.01s", "printed 1 skipped test"),
        (
            "      Tests  1 passed | 1 skipped (2)",
            "printed 1 skipped test",
        ),
        (
            "1 passed in 0.01s",
            "holds 2 passed tests, the runner printed 1",
        ),
        // A subtests item (pytest 9, or printed by the test itself) leaves the test
        // functions' counts compared (found by an attack round, confirmed with pytest).
        (
            "1 passed, 1 skipped, 3 subtests passed in 0.01s",
            "printed 1 skipped test",
        ),
        (
            "Tests:       1 passed, 1 total",
            "holds 2 passed tests, the runner printed 1",
        ),
    ] {
        e.repo.write(
            "gatekeeper.yml",
            gate_config("reports/junit.xml", "junit", "pre-commit, ci").replace(
                "    stages:",
                &format!("      echo '{printed}'\n    stages:"),
            ),
        );
        let out = e.run(&two_passes);
        assert_code(&out, 1, printed);
        assert!(output_of(&out).contains(says), "{printed}: {}", text(&out));
    }
    // What pytest prints of the same run: proven.
    e.repo.write(
        "gatekeeper.yml",
        gate_config("reports/junit.xml", "junit", "pre-commit, ci").replace(
            "    stages:",
            "      echo '2 passed, 1 deselected in 0.01s'\n    stages:",
        ),
    );
    let out = e.run(&two_passes);
    assert_proven(&out, 2);
}

/// A test Vitest printed as failed (` FAIL  file > suite > title`) is not proven by a report
/// that says it passed, though the report keeps the count of failures (moved onto another
/// test).
#[test]
fn a_test_vitest_printed_as_failed_is_not_proven_by_its_report() {
    let e = setup(
        &[("tests/billing/pay.test.js", JS)],
        &gate_config("reports/*.xml", "junit", "ci").replace(
            "    stages:",
            "      echo ' FAIL  tests/billing/pay.test.js > refunds > is exact'\n      echo '      Tests  1 failed | 1 passed (2)'\n    stages:",
        ),
    );
    let out = e.run(&junit(
        "<testcase classname=\"tests/billing/pay.test.js\" name=\"refunds &gt; is exact\"/>\n<testcase classname=\"tests/other.test.js\" name=\"other\"><failure message=\"moved here\"/></testcase>",
    ));
    assert_refused(&out, JS_ID, "failed-at-runtime");
}

const UNITTEST_PAY: &str = "import unittest\n\nimport billing\n\n\nclass Base:\n    def test_total(self):\n        self.assertEqual(billing.total([1, 2]), 3)\n\n\nclass TestPay(Base, unittest.TestCase):\n    def test_exact(self):\n        self.assertEqual(billing.total([]), 0)\n\n    def test_cases(self):\n        for xs, want in (([1], 1), ([2, 2], 4)):\n            with self.subTest(xs=xs):\n                self.assertEqual(billing.total(xs), want)\n";

/// A unittest suite whose gate runs the real `python -m xmlrunner` (unittest-xml-reporting,
/// installed by scripts/test.sh) with `then` appended to its command.
fn xmlrunner_suite(then: &str) -> Ev {
    let python = crate::common::required_tool("pytest").with_file_name("python3");
    let config = format!(
        "gates:\n  test:\n    run: rm -rf reports/junit && {} -m xmlrunner discover -s tests -t . -o reports/junit{then}\n    stages: [pre-commit, ci]\nsacred:\n  paths: [\"tests/billing/**\"]\n  evidence:\n    - {{ gate: test, junit: \"reports/junit/*.xml\" }}\n",
        python.display()
    );
    setup(
        &[
            ("billing.py", "def total(xs):\n    return sum(xs)\n"),
            ("tests/__init__.py", ""),
            ("tests/billing/__init__.py", ""),
            ("tests/billing/test_pay.py", UNITTEST_PAY),
            (
                "tests/test_other.py",
                "import unittest\n\n\nclass TestOther(unittest.TestCase):\n    def test_other(self):\n        self.assertTrue(True)\n",
            ),
        ],
        &config,
    )
}

/// unittest's own runner through unittest-xml-reporting writes what pytest's `--junitxml`
/// does (`classname` the module and class, `name` the method) and each test's file: a
/// method of a mixin is proven by its run under the test case; a failing subtest, and a
/// discovery that leaves the sacred file out, are refused.
#[test]
fn real_unittest_xml_reporting_proves_the_sacred_tests_or_refuses_them() {
    let e = xmlrunner_suite("");
    assert_proven(&e.repo.gk(&["run", "test", "-v"]), 3);
    e.repo.write(
        "billing.py",
        "def total(xs):\n    return sum(xs) + (1 if len(xs) == 2 and xs[0] == xs[1] else 0)\n",
    );
    assert_code(&e.repo.gk(&["run", "test"]), 1, "a failing subtest");
    let e = xmlrunner_suite(" || true");
    e.repo.write(
        "billing.py",
        "def total(xs):\n    return sum(xs) + (1 if len(xs) == 2 and xs[0] == xs[1] else 0)\n",
    );
    assert_refused(
        &e.repo.gk(&["run", "test"]),
        "python:tests/billing/test_pay.py::TestPay::test_cases",
        "failed-at-runtime",
    );
    let e = xmlrunner_suite(" -p test_other.py");
    let out = e.repo.gk(&["run", "test"]);
    assert_refused(
        &out,
        "python:tests/billing/test_pay.py::TestPay::test_exact",
        "not-run",
    );
    assert_refused(
        &out,
        "python:tests/billing/test_pay.py::Base::test_total",
        "not-run",
    );
}

/// Code under test with a setting another test can change: `total` is one too high unless
/// `configure(0)` ran in the process before.
const CONFIGURABLE: &str = "RATE = 1\n\n\ndef configure(rate):\n    global RATE\n    RATE = rate\n\n\ndef total(xs):\n    return sum(xs) + RATE\n";
const CONFIGURED_TEST: &str = "from billing import total\n\n\n# gatekeeper:sacred\ndef test_total():\n    assert total([1, 2, 3]) == 6\n";
const CONFIGURES: &str =
    "import billing\n\n\ndef test_setup():\n    billing.configure(0)\n    assert True\n";

/// A repository whose code under test is wrong, with one sacred test, and gate `test`
/// running the real pytest over `ARGS` (`{gk}`: the gatekeeper binary), its evidence
/// `isolated` or not.
fn isolated_pytest(args: &str, isolated: bool) -> Ev {
    let pytest = crate::common::required_tool("pytest");
    let args = args.replace("{gk}", &crate::common::bin().display().to_string());
    let config = format!(
        "gates:\n  test:\n    run: rm -rf reports && PYTHONDONTWRITEBYTECODE=1 {} -q -p no:cacheprovider --junitxml=reports/junit.xml {args}\n    stages: [ci]\nsacred:\n  evidence:\n    - {{ gate: test, junit: \"reports/junit.xml\", isolated: {isolated} }}\n",
        pytest.display()
    );
    setup(
        &[
            ("billing/__init__.py", CONFIGURABLE),
            ("tests/__init__.py", ""),
            ("tests/billing/__init__.py", ""),
            ("tests/billing/test_total.py", CONFIGURED_TEST),
        ],
        &config,
    )
}

const TOTAL_ID: &str = "python:tests/billing/test_total.py::test_total";

/// A test of another file that sets what the code under test reads, run before the sacred
/// test, makes it pass in a run of the whole suite: the report proves it ran and passed,
/// not what it ran against. An isolated evidence gate runs the locked tests alone.
#[test]
fn an_isolated_pytest_run_refuses_what_another_test_left_configured() {
    // The whole suite: the sacred test fails on its own.
    let e = isolated_pytest("tests", false);
    let out = e.repo.gk(&["run", "test"]);
    assert_code(&out, 1, "the sacred test fails");
    // Another test configures the code under test first: the whole suite passes.
    e.repo.write("tests/aaa/__init__.py", "");
    e.repo.write("tests/aaa/test_setup.py", CONFIGURES);
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_proven(&out, 1);

    // Isolated, over the whole suite: the other test's entry is refused.
    let e = isolated_pytest("tests", true);
    e.repo.write("tests/aaa/__init__.py", "");
    e.repo.write("tests/aaa/test_setup.py", CONFIGURES);
    let out = e.repo.gk(&["run", "test"]);
    assert_refused(&out, "tests.aaa.test_setup test_setup", "not-isolated");
    assert!(
        output_of(&out).contains("is no locked sacred test"),
        "{}",
        output_of(&out)
    );

    // Isolated, selecting the locked tests: the sacred test runs alone, and fails.
    let e = isolated_pytest("$({gk} sacred select pytest)", true);
    e.repo.write("tests/aaa/__init__.py", "");
    e.repo.write("tests/aaa/test_setup.py", CONFIGURES);
    let out = e.repo.gk(&["run", "test"]);
    assert_code(&out, 1, "the sacred test fails alone");
    assert!(
        output_of(&out).contains(&format!("FAILED {}", &TOTAL_ID[7..])),
        "{}",
        output_of(&out)
    );
    // Fixed code: proven, the other test left out of the run.
    e.repo.write(
        "billing/__init__.py",
        CONFIGURABLE.replace("RATE = 1\n", "RATE = 0\n"),
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_proven(&out, 1);
}

#[test]
fn sacred_select_prints_each_runners_selection_of_the_locked_tests() {
    let e = setup(
        &[
            (
                "tests/billing/test_pay.py",
                "import unittest\n\n\nclass TestPay(unittest.TestCase):\n    def test_refund(self):\n        self.assertEqual(1, 1)\n\n\ndef test_total():\n    assert 1 == 1\n",
            ),
            ("src/lib.rs", RS),
            (
                "Cargo.toml",
                "[package]\nname = \"billing\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
        ],
        "sacred:\n  paths: [\"tests/billing/**\"]\n",
    );
    let out = e.repo.gk(&["sacred", "select", "pytest"]);
    assert_success(&out, "select pytest");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "tests/billing/test_pay.py::TestPay::test_refund\ntests/billing/test_pay.py::test_total\n"
    );
    let out = e.repo.gk(&["sacred", "select", "nextest"]);
    assert_success(&out, "select nextest");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "-E\nbinary_id(billing)&test(=tests::refund_is_exact)\n"
    );
    let out = e
        .repo
        .gk(&["--format", "json", "sacred", "select", "nextest"]);
    assert_success(&out, "select nextest as JSON");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        json["args"],
        serde_json::json!(["-E", "binary_id(billing)&test(=tests::refund_is_exact)"])
    );
    // Nothing of that language locked: no selection (a gate running it fails loudly).
    let e = setup(
        &[("tests/billing/test_pay.py", PY)],
        "sacred:\n  paths: [\"tests/billing/**\"]\n",
    );
    let out = e.repo.gk(&["sacred", "select", "nextest"]);
    assert_code(&out, 3, "nothing to select");
    assert!(out.stdout.is_empty(), "{}", text(&out));
    assert!(text(&out).contains("locks no Rust test"), "{}", text(&out));
}

/// The real `cargo nextest`, selecting the locked test alone: an isolated run proves it;
/// the whole suite holds another test, which is refused.
#[test]
fn an_isolated_real_nextest_run_holds_the_locked_tests_alone() {
    let e = real_nextest_crate();
    let config = |args: &str| {
        format!(
            "gates:\n  test:\n    run: cargo nextest run --offline --profile ci {args}\n    stages: [ci]\n    timeout: 10m\nsacred:\n  evidence:\n    - {{ gate: test, junit: \"target/nextest/ci/junit.xml\", isolated: true }}\n"
        )
    };
    e.repo.write("gatekeeper.yml", config(""));
    let out = e.repo.gk(&["run", "test"]);
    assert_refused(&out, "billing tests::other", "not-isolated");
    let gk = crate::common::bin().display().to_string();
    e.repo.write(
        "gatekeeper.yml",
        config(&format!("$({gk} sacred select nextest)")),
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_proven(&out, 1);
}

/// In an isolated run, a locked method run under a subclass of its class is that test, and
/// a locked test's parametrised instances are too; any other entry, skipped or not, is not.
#[test]
fn an_isolated_report_takes_subclass_runs_and_instances_for_the_locked_test() {
    let e = setup(
        &[(
            "tests/billing/test_pay.py",
            "import unittest\n\n\nclass TestPay(unittest.TestCase):\n    def test_refund(self):\n        self.assertEqual(1, 1)\n\n\nclass TestEuro(TestPay):\n    pass\n",
        )],
        &gate_config("reports/junit.xml", "isolated: true, junit", "ci"),
    );
    let runs = "<testcase classname=\"tests.billing.test_pay.TestPay\" name=\"test_refund\"/>\n<testcase classname=\"tests.billing.test_pay.TestEuro\" name=\"test_refund\"/>";
    let out = e.run(&junit(runs));
    assert_proven(&out, 1);
    let out = e.run(&junit(&format!(
        "{runs}\n<testcase classname=\"tests.other.test_x\" name=\"test_y\"><skipped/></testcase>"
    )));
    assert_refused(&out, "tests.other.test_x test_y", "not-isolated");
    // Without `isolated`, the same report proves the test.
    let e = setup(
        &[(
            "tests/billing/test_pay.py",
            "import unittest\n\n\nclass TestPay(unittest.TestCase):\n    def test_refund(self):\n        self.assertEqual(1, 1)\n",
        )],
        &gate_config("reports/junit.xml", "junit", "ci"),
    );
    let out = e.run(&junit(
        "<testcase classname=\"tests.billing.test_pay.TestPay\" name=\"test_refund\"/>\n<testcase classname=\"tests.other.test_x\" name=\"test_y\"/>",
    ));
    assert_proven(&out, 1);
}

/// A locked method of a mixin runs under the subclasses of its file: `sacred select pytest`
/// names it under each of them (not under the mixin, which pytest does not collect), and
/// the real pytest's isolated run proves it.
#[test]
fn sacred_select_names_a_mixins_test_under_the_subclasses_that_run_it() {
    let pytest = crate::common::required_tool("pytest");
    let gk = crate::common::bin().display().to_string();
    let config = format!(
        "gates:\n  test:\n    run: rm -rf reports && PYTHONDONTWRITEBYTECODE=1 {} -q -p no:cacheprovider --junitxml=reports/junit.xml $({gk} sacred select pytest)\n    stages: [ci]\nsacred:\n  evidence:\n    - {{ gate: test, junit: \"reports/junit.xml\", isolated: true }}\n",
        pytest.display()
    );
    let e = setup(
        &[
            ("tests/__init__.py", ""),
            (
                "tests/test_db.py",
                "import unittest\n\n\nclass Checks:\n    # gatekeeper:sacred\n    def test_total(self):\n        assert 1 + 1 == 2\n\n\nclass TestSqlite(Checks, unittest.TestCase):\n    pass\n\n\nclass TestMemory(Checks):\n    pass\n\n\nclass TestOverride(Checks):\n    def test_total(self):\n        assert True\n\n    def test_other(self):\n        assert True\n",
            ),
        ],
        &config,
    );
    let out = e.repo.gk(&["sacred", "select", "pytest"]);
    assert_success(&out, "select");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "tests/test_db.py::TestSqlite::test_total\ntests/test_db.py::TestMemory::test_total\n"
    );
    let out = e.repo.gk(&["run", "test", "-v"]);
    assert_proven(&out, 1);
}

/// `go test -json` isolated: the locked test and its subtests alone are proven; another test
/// of the package (an example too), or a test of the same name in another package, is
/// refused.
#[test]
fn an_isolated_go_test_json_report_holds_the_locked_tests_alone() {
    let e = setup(
        &[
            ("go.mod", "module example.com/shop\n\ngo 1.22\n"),
            ("billing/pay_test.go", GO),
        ],
        "gates:\n  go-test:\n    run: |\n      mkdir -p reports\n      if [ -f ../report.in ]; then cp ../report.in reports/go-test.json; fi\n    stages: [ci]\nsacred:\n  paths: [\"billing/**\"]\n  evidence:\n    - { gate: go-test, go_test_json: reports/go-test.json, isolated: true }\n",
    );
    let run = |report: &str| {
        std::fs::write(e.report_in(), report).unwrap();
        e.repo.gk(&["run", "go-test", "-v"])
    };
    let refund = [
        "{\"Action\":\"run\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund\"}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund/case_1\"}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Test\":\"TestRefund\",\"Elapsed\":0}",
    ];
    let end = "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Elapsed\":0.1}";
    let mut lines: Vec<&str> = refund.to_vec();
    lines.push(end);
    assert_proven(&run(&go_events(&lines)), 1);
    let mut lines: Vec<&str> = vec![
        "{\"Action\":\"run\",\"Package\":\"example.com/shop/billing\",\"Test\":\"ExampleTotal\"}",
        "{\"Action\":\"pass\",\"Package\":\"example.com/shop/billing\",\"Test\":\"ExampleTotal\"}",
    ];
    lines.extend(refund);
    lines.push(end);
    assert_refused(
        &run(&go_events(&lines)),
        "example.com/shop/billing ExampleTotal",
        "not-isolated",
    );
    let mut lines: Vec<&str> = refund.to_vec();
    lines.push(end);
    lines.push("{\"Action\":\"start\",\"Package\":\"example.com/shop/tax\"}");
    lines.push("{\"Action\":\"run\",\"Package\":\"example.com/shop/tax\",\"Test\":\"TestRefund\"}");
    lines
        .push("{\"Action\":\"pass\",\"Package\":\"example.com/shop/tax\",\"Test\":\"TestRefund\"}");
    lines.push("{\"Action\":\"pass\",\"Package\":\"example.com/shop/tax\"}");
    assert_refused(
        &run(&go_events(&lines)),
        "example.com/shop/tax TestRefund",
        "not-isolated",
    );
}

const GO_PAY: &str = "package billing\n\nfunc Refund(x int) int { return x }\n";
const GO_PAY_TEST: &str = "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRefund(t *testing.T) {\n\tfor _, x := range []int{0, 10} {\n\t\tt.Run(\"case\", func(t *testing.T) {\n\t\t\tif Refund(x) != x {\n\t\t\t\tt.Fatal(\"wrong\")\n\t\t\t}\n\t\t})\n\t}\n}\n\nfunc TestOther(t *testing.T) {\n\tif Refund(1) != 1 {\n\t\tt.Fatal(\"other\")\n\t}\n}\n";

/// A Go module `example.com/shop` whose package `billing` holds the sacred `TestRefund`
/// (with subtests) and `TestOther`, and a package `tax` with a test of its own, locked; the
/// gate `go-test` runs the real `go test -json` with `ARGS`.
fn real_go_module(args: &str, isolated: bool) -> Ev {
    let go = crate::common::required_tool("go");
    let args = args.replace("{gk}", &crate::common::bin().display().to_string());
    let config = format!(
        "gates:\n  go-test:\n    run: mkdir -p reports && {} test -json {args} > reports/go-test.json\n    stages: [ci]\n    timeout: 10m\nsacred:\n  evidence:\n    - {{ gate: go-test, go_test_json: reports/go-test.json, isolated: {isolated} }}\n",
        go.display()
    );
    setup(
        &[
            ("go.mod", "module example.com/shop\n\ngo 1.19\n"),
            ("billing/pay.go", GO_PAY),
            ("billing/pay_test.go", GO_PAY_TEST),
            (
                "tax/tax_test.go",
                "package tax\n\nimport \"testing\"\n\nfunc TestRate(t *testing.T) {}\n",
            ),
        ],
        &config,
    )
}

/// The real `go test -json`: its report proves the sacred test; a `func init()` that exits
/// with status 0 in another test file of the package (the gate still passes, and `go test`
/// prints `ok`) leaves the test unrun, which is refused.
#[test]
fn real_go_test_json_proves_the_sacred_test_or_refuses_it() {
    let e = real_go_module("./...", false);
    let out = e.repo.gk(&["run", "go-test", "-v"]);
    assert_proven(&out, 1);
    e.repo.write(
        "billing/zz_test.go",
        "package billing\n\nimport \"os\"\n\nfunc init() { os.Exit(0) }\n",
    );
    let out = e.repo.gk(&["run", "go-test"]);
    assert_refused(&out, "go:billing/pay_test.go::TestRefund", "not-run");
    // `TestMain` that never calls `m.Run()`: the same.
    e.repo.write(
        "billing/zz_test.go",
        "package billing\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestMain(m *testing.M) { os.Exit(0) }\n",
    );
    let out = e.repo.gk(&["run", "go-test"]);
    assert_refused(&out, "go:billing/pay_test.go::TestRefund", "not-run");
    // A subtest skipped at run time.
    e.repo.write(
        "billing/zz_test.go",
        "package billing\n\nimport \"testing\"\n\nfunc TestMain(m *testing.M) {\n\tskip = true\n\tm.Run()\n}\n",
    );
    e.repo
        .write("billing/pay.go", format!("{GO_PAY}\nvar skip bool\n"));
    e.repo.write(
        "billing/pay_test.go",
        GO_PAY_TEST.replace(
            "\t\t\tif Refund",
            "\t\t\tif skip {\n\t\t\t\tt.Skip(\"later\")\n\t\t\t}\n\t\t\tif Refund",
        ),
    );
    let out = e.repo.gk(&["run", "go-test"]);
    assert_refused(
        &out,
        "go:billing/pay_test.go::TestRefund",
        "skipped-at-runtime",
    );
}

/// The real `go test -json`: an `init` that appends a `-test.run` pattern selecting none of
/// the sacred test's subtests to `os.Args` (`-test.run=/^none$`) leaves the test reported
/// passed with no subtest run: its body runs subtests, so that proves nothing, and it is
/// refused. A test whose body runs no subtest is still proven by its own entry.
#[test]
fn a_go_test_passed_with_none_of_its_subtests_run_is_refused() {
    let e = real_go_module("./...", false);
    e.repo.write(
        "billing/zz_test.go",
        "package billing\n\nimport \"os\"\n\nfunc init() {\n\tos.Args = append(os.Args, \"-test.run=/^none$\")\n}\n",
    );
    let out = e.repo.gk(&["run", "go-test"]);
    assert_refused(&out, "go:billing/pay_test.go::TestRefund", "not-run");
    assert!(
        output_of(&out).contains("none of its subtests run"),
        "{}",
        text(&out)
    );
    // Without subtests in its body, the test's own entry is its run.
    e.repo.write(
        "billing/pay_test.go",
        "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRefund(t *testing.T) {\n\tif Refund(10) != 10 {\n\t\tt.Fatal(\"wrong\")\n\t}\n}\n\nfunc TestOther(t *testing.T) {\n\tif Refund(1) != 1 {\n\t\tt.Fatal(\"other\")\n\t}\n}\n",
    );
    let out = e.repo.gk(&["run", "go-test", "-v"]);
    assert_proven(&out, 1);
}

/// A sacred `TestRefund` that hands its `t` to `runCases`, which runs the subtests (`t.Run`
/// on that parameter), written in `HELPER` (`billing/cases_test.go`, another test file of
/// the package, or `internal/testutil/cases.go`, a package the test file imports).
const GO_PAY_TEST_HANDING_T: &str = "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRefund(t *testing.T) {\n\trunCases(t, []int{0, 10})\n}\n";
const GO_RUN_CASES: &str = "func runCases(t *testing.T, xs []int) {\n\tfor _, x := range xs {\n\t\tt.Run(\"case\", func(t *testing.T) {\n\t\t\tif Refund(x) != x {\n\t\t\t\tt.Fatal(\"wrong\")\n\t\t\t}\n\t\t})\n\t}\n}\n";

/// A Go module `example.com/shop` whose package `billing` holds the sacred `TestRefund` of
/// `files` (with its helpers, and a `go.mod` of its own if `files` has one), locked; the gate `go-test` runs the real `go test -json
/// ./...`.
fn real_go_module_of(files: &[(&str, &str)]) -> Ev {
    let go = crate::common::required_tool("go");
    let config = format!(
        "gates:\n  go-test:\n    run: mkdir -p reports && {} test -json ./... > reports/go-test.json\n    stages: [ci]\n    timeout: 10m\nsacred:\n  evidence:\n    - {{ gate: go-test, go_test_json: reports/go-test.json }}\n",
        go.display()
    );
    let mut all = vec![("billing/pay.go", GO_PAY)];
    if !files.iter().any(|(path, _)| *path == "go.mod") {
        all.push(("go.mod", "module example.com/shop\n\ngo 1.19\n"));
    }
    all.extend_from_slice(files);
    setup(&all, &config)
}

/// The real `go test -json`: a test that hands its `t` to a helper running the subtests
/// (`runCases(t, …)`, whose body calls `t.Run` on that parameter), of its own file, of
/// another test file of the package, or of a package of the tests it imports
/// (`testutil.RunCases(t, …)`), reported passed with none of them run (an `init` appends
/// `-test.run=/^none$` to `os.Args`) is `not-run`, as one running them in its own body is;
/// each is proven when its subtests run.
#[test]
fn a_go_test_whose_helper_runs_its_subtests_passed_with_none_run_is_refused() {
    let own_file = format!("{GO_PAY_TEST_HANDING_T}\n{GO_RUN_CASES}");
    let other_file = format!("package billing\n\nimport \"testing\"\n\n{GO_RUN_CASES}");
    let imported_test = "package billing\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/internal/testutil\"\n)\n\n// gatekeeper:sacred\nfunc TestRefund(t *testing.T) {\n\ttestutil.RunCases(t, []int{0, 10}, Refund)\n}\n";
    let imported = "package testutil\n\nimport \"testing\"\n\n// RunCases checks each case in a subtest, through run.\nfunc RunCases(t *testing.T, xs []int, f func(int) int) {\n\trun(\"refund\", t, xs, f)\n}\n\nfunc run(name string, t *testing.T, xs []int, f func(int) int) {\n\tfor _, x := range xs {\n\t\tt.Run(name, func(t *testing.T) {\n\t\t\tif f(x) != x {\n\t\t\t\tt.Fatal(\"wrong\")\n\t\t\t}\n\t\t})\n\t}\n}\n";
    let layouts: [&[(&str, &str)]; 3] = [
        &[("billing/pay_test.go", &own_file)],
        &[
            ("billing/pay_test.go", GO_PAY_TEST_HANDING_T),
            ("billing/cases_test.go", &other_file),
        ],
        &[
            ("billing/pay_test.go", imported_test),
            ("internal/testutil/cases.go", imported),
        ],
    ];
    for files in layouts {
        assert_not_run_when_no_subtest_is_selected(files);
    }
}

/// [`real_go_module_of`] `files`: the sacred `TestRefund` is proven, then, once an `init`
/// appends `-test.run=/^none$` to `os.Args`, reported passed with none of its subtests run,
/// and refused as `not-run`.
fn assert_not_run_when_no_subtest_is_selected(files: &[(&str, &str)]) {
    let filter = "package billing\n\nimport \"os\"\n\nfunc init() {\n\tos.Args = append(os.Args, \"-test.run=/^none$\")\n}\n";
    let e = real_go_module_of(files);
    let out = e.repo.gk(&["run", "go-test", "-v"]);
    assert_proven(&out, 1);
    e.repo.write("billing/zz_test.go", filter);
    let out = e.repo.gk(&["run", "go-test"]);
    assert_refused(&out, "go:billing/pay_test.go::TestRefund", "not-run");
    assert!(
        output_of(&out).contains("none of its subtests run"),
        "{files:?}: {}",
        text(&out)
    );
}

/// A stand-in for testify's suite package, as its documentation describes `suite.Run`: each
/// `Test…` method of the suite runs as a subtest of the `t` it is handed (`t.Run(method, …)`).
/// The module is replaced by this directory in `go.mod`, as no test reaches the network.
const FAKE_TESTIFY_SUITE: &str = "package suite\n\nimport (\n\t\"reflect\"\n\t\"strings\"\n\t\"testing\"\n)\n\ntype TestingSuite interface {\n\tT() *testing.T\n\tSetT(*testing.T)\n}\n\ntype Suite struct{ t *testing.T }\n\nfunc (s *Suite) T() *testing.T { return s.t }\n\nfunc (s *Suite) SetT(t *testing.T) { s.t = t }\n\nfunc Run(t *testing.T, s TestingSuite) {\n\tv := reflect.ValueOf(s)\n\tty := v.Type()\n\tfor i := 0; i < ty.NumMethod(); i++ {\n\t\tm := ty.Method(i)\n\t\tif !strings.HasPrefix(m.Name, \"Test\") {\n\t\t\tcontinue\n\t\t}\n\t\tt.Run(m.Name, func(t *testing.T) {\n\t\t\ts.SetT(t)\n\t\t\tm.Func.Call([]reflect.Value{v})\n\t\t})\n\t}\n}\n";

/// The real `go test -json`: a sacred test that runs a testify suite (`suite.Run(t, …)`, the
/// package imported under its own name or another) runs the suite's methods as its
/// subtests, so reported passed with none of them run (an `init` appends `-test.run=/^none$`
/// to `os.Args`) it is `not-run`; it is proven when they run.
#[test]
fn a_go_test_running_a_testify_suite_passed_with_no_method_run_is_refused() {
    let go_mod = "module example.com/shop\n\ngo 1.19\n\nrequire github.com/stretchr/testify v1.8.4\n\nreplace github.com/stretchr/testify => ./third_party/testify\n";
    for (name, binding) in [("suite", ""), ("ts", "ts ")] {
        let test = format!(
            "package billing\n\nimport (\n\t\"testing\"\n\n\t{binding}\"github.com/stretchr/testify/suite\"\n)\n\ntype RefundSuite struct{{ {name}.Suite }}\n\nfunc (s *RefundSuite) TestTen() {{\n\tif Refund(10) != 10 {{\n\t\ts.T().Fatal(\"wrong\")\n\t}}\n}}\n\n// gatekeeper:sacred\nfunc TestRefund(t *testing.T) {{\n\t{name}.Run(t, new(RefundSuite))\n}}\n"
        );
        assert_not_run_when_no_subtest_is_selected(&[
            ("go.mod", go_mod),
            ("billing/pay_test.go", &test),
            (
                "third_party/testify/go.mod",
                "module github.com/stretchr/testify\n\ngo 1.19\n",
            ),
            ("third_party/testify/suite/suite.go", FAKE_TESTIFY_SUITE),
        ]);
    }
}

/// A test that hands its `t` to helpers that run no subtest on it (a check of its file, one
/// of an imported package, a helper whose subtests run on another `*testing.T`) is proven by
/// its own entry, the `-test.run` filter of its binary selecting no subtest or not.
#[test]
fn a_go_test_handing_t_to_helpers_that_run_no_subtests_is_proven_by_its_own_entry() {
    let test = "package billing\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/internal/testutil\"\n)\n\n// gatekeeper:sacred\nfunc TestRefund(t *testing.T) {\n\tcheck(t, Refund(10), 10)\n\ttestutil.CheckEqual(t, Refund(0), 0)\n\tother(t, new(testing.T))\n}\n\nfunc check(t *testing.T, got, want int) {\n\tif got != want {\n\t\tt.Fatal(\"wrong\")\n\t}\n}\n\nfunc other(t *testing.T, u *testing.T) {\n\tif false {\n\t\tu.Run(\"never\", func(*testing.T) {})\n\t}\n}\n";
    let util = "package testutil\n\nimport \"testing\"\n\nfunc CheckEqual(t *testing.T, got, want int) {\n\tt.Helper()\n\tif got != want {\n\t\tt.Fatal(\"wrong\")\n\t}\n}\n";
    let e = real_go_module_of(&[
        ("billing/pay_test.go", test),
        ("internal/testutil/check.go", util),
    ]);
    let out = e.repo.gk(&["run", "go-test", "-v"]);
    assert_proven(&out, 1);
    e.repo.write(
        "billing/zz_test.go",
        "package billing\n\nimport \"os\"\n\nfunc init() {\n\tos.Args = append(os.Args, \"-test.run=/^none$\")\n}\n",
    );
    let out = e.repo.gk(&["run", "go-test", "-v"]);
    assert_proven(&out, 1);
}

/// A Go test's own failure counts whatever its subtests did: a check of its body that fails
/// beside a subtest that passed, or a subtest the code under test printed (`=== RUN
/// TestRefund/x`, `--- PASS: TestRefund/x`, which `go test -json` reads as one), is
/// `failed-at-runtime` under a gate that ignores `go test`'s status; a test that skipped
/// after running its subtests is `skipped-at-runtime`.
#[test]
fn a_go_test_s_own_failure_or_skip_counts_beside_subtests_that_passed() {
    let go = crate::common::required_tool("go");
    let config = format!(
        "gates:\n  go-test:\n    run: mkdir -p reports && {} test -json ./... > reports/go-test.json || true\n    stages: [ci]\n    timeout: 10m\nsacred:\n  evidence:\n    - {{ gate: go-test, go_test_json: reports/go-test.json }}\n",
        go.display()
    );
    let test = "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRefund(t *testing.T) {\n\tt.Run(\"zero\", func(t *testing.T) {\n\t\tif Refund(0) != 0 {\n\t\t\tt.Fatal(\"zero\")\n\t\t}\n\t})\n\tif Refund(10) != 10 {\n\t\tt.Fatal(\"ten\")\n\t}\n}\n";
    let e = setup(
        &[
            ("go.mod", "module example.com/shop\n\ngo 1.19\n"),
            ("billing/pay.go", GO_PAY),
            ("billing/pay_test.go", test),
        ],
        &config,
    );
    let id = "go:billing/pay_test.go::TestRefund";
    let out = e.repo.gk(&["run", "go-test", "-v"]);
    assert_proven(&out, 1);
    // The body's check fails; the subtest passes.
    e.repo.write(
        "billing/pay.go",
        "package billing\n\nfunc Refund(x int) int {\n\tif x == 10 {\n\t\treturn 9\n\t}\n\treturn x\n}\n",
    );
    let out = e.repo.gk(&["run", "go-test"]);
    assert_refused(&out, id, "failed-at-runtime");
    // The code under test prints a subtest of its own that passed.
    e.repo.write(
        "billing/pay.go",
        "package billing\n\nimport \"fmt\"\n\nfunc Refund(x int) int {\n\tif x == 10 {\n\t\tfmt.Println(\"=== RUN   TestRefund/x\")\n\t\tfmt.Println(\"--- PASS: TestRefund/x (0.00s)\")\n\t\treturn 9\n\t}\n\treturn x\n}\n",
    );
    let out = e.repo.gk(&["run", "go-test"]);
    assert_refused(&out, id, "failed-at-runtime");
    // The test skips after its subtest passed.
    e.repo.write("billing/pay.go", GO_PAY);
    e.repo.write(
        "billing/pay_test.go",
        test.replace("\tif Refund(10)", "\tt.Skip(\"later\")\n\tif Refund(10)"),
    );
    let out = e.repo.gk(&["run", "go-test"]);
    assert_refused(&out, id, "skipped-at-runtime");
}

/// `gatekeeper sacred select go` names the packages and a `-run` pattern of the locked
/// tests; the real `go test -json` run with them is isolated and proves the test, while a
/// run of every package is refused for the other tests it holds.
#[test]
fn an_isolated_real_go_test_run_holds_the_locked_tests_alone() {
    let e = real_go_module("./...", true);
    let out = e.repo.gk(&["run", "go-test"]);
    assert_refused(&out, "example.com/shop/billing TestOther", "not-isolated");
    assert_refused(&out, "example.com/shop/tax TestRate", "not-isolated");

    let out = e.repo.gk(&["sacred", "select", "go"]);
    assert_success(&out, "select go");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "./billing\n-run\n^(TestRefund)$\n"
    );
    let out = e.repo.gk(&["--format", "json", "sacred", "select", "go"]);
    assert_success(&out, "select go as JSON");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["args"],
        serde_json::json!(["./billing", "-run", "^(TestRefund)$"])
    );

    let e = real_go_module("$({gk} sacred select go)", true);
    let out = e.repo.gk(&["run", "go-test", "-v"]);
    assert_proven(&out, 1);
    // A test of another selected package with a locked test's name runs too: refused.
    let e = setup(
        &[
            ("go.mod", "module example.com/shop\n\ngo 1.19\n"),
            ("billing/pay.go", GO_PAY),
            ("billing/pay_test.go", GO_PAY_TEST),
            (
                "tax/tax_test.go",
                "package tax\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRate(t *testing.T) {}\n\nfunc TestRefund(t *testing.T) {}\n",
            ),
        ],
        &String::from_utf8(e.repo.read("gatekeeper.yml")).expect("utf-8"),
    );
    let out = e.repo.gk(&["sacred", "select", "go"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "./billing\n./tax\n-run\n^(TestRefund|TestRate)$\n"
    );
    let out = e.repo.gk(&["run", "go-test"]);
    assert_refused(&out, "example.com/shop/tax TestRefund", "not-isolated");
}

/// Locked Go tests of two modules cannot be run by one `go test`: `select go` says so
/// (exit 3), as it does when no Go test is locked.
#[test]
fn sacred_select_go_refuses_two_modules_and_no_go_test() {
    let e = setup(
        &[
            ("a/go.mod", "module example.com/a\n\ngo 1.19\n"),
            (
                "a/pay/pay_test.go",
                "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestA(t *testing.T) {}\n",
            ),
            ("b/go.mod", "module example.com/b\n\ngo 1.19\n"),
            (
                "b/b_test.go",
                "package b\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestB(t *testing.T) {}\n",
            ),
        ],
        "gates: {}\n",
    );
    let out = e.repo.gk(&["sacred", "select", "go"]);
    assert_code(&out, 3, "two modules");
    assert!(out.stdout.is_empty(), "{}", text(&out));
    assert!(
        text(&out).contains("the locked Go tests are in two modules (`a` and `b`)"),
        "{}",
        text(&out)
    );
    let e = python();
    let out = e.repo.gk(&["sacred", "select", "go"]);
    assert_code(&out, 3, "nothing to select");
    assert!(text(&out).contains("locks no Go test"), "{}", text(&out));
}
