//! Integration tests: `gatekeeper run` and `gatekeeper ci` by hand, and the JSON report.

use crate::common::{Sandbox, assert_code, assert_success, text};

#[test]
fn run_all_files_and_named_gates() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write("a.rs", "a\n");
    r.write("b.txt", "b\n");
    r.setup("gates:\n  rs:\n    run: echo {files}\n    glob: ['*.rs']\n  never:\n    run: exit 1\n    stages: [ci]\n");
    let out = r.gk(&["run", "--all-files", "-v"]);
    assert_success(&out, "run --all-files");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("a.rs"),
        "{}",
        text(&out)
    );
    assert_code(
        &r.gk(&["run", "never"]),
        1,
        "a named gate runs whatever its stage",
    );
    assert_code(
        &r.gk(&["run", "nope"]),
        2,
        "an unknown gate is a usage error",
    );
}

#[test]
fn run_from_to_uses_the_range() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write("a.txt", "a\n");
    r.setup("gates:\n  list:\n    run: echo {files}\n");
    let from = r.head();
    r.write("b.txt", "b\n");
    r.git(&["add", "b.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "b"]);
    let out = r.gk(&["run", "--from", &from, "--to", "HEAD", "-v"]);
    assert_success(&out, "run --from --to");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("b.txt") && !stdout.contains("a.txt"),
        "{stdout}"
    );
}

#[test]
fn json_report_has_every_gate() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  good:\n    run: echo fine\n  bad:\n    run: echo broken; exit 3\n  rs:\n    run: 'true'\n    glob: ['*.rs']\n");
    let out = r.gk(&["run", "--all-files", "--format", "json"]);
    assert_code(&out, 1, "a failing gate");
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("one JSON document on stdout");
    assert_eq!(v["exit_code"], 1);
    assert_eq!(v["stage"], "pre-commit");
    let gates = v["gates"].as_array().unwrap();
    assert_eq!(gates.len(), 3);
    assert_eq!(gates[0]["name"], "good");
    assert_eq!(gates[0]["verdict"], "passed");
    assert_eq!(gates[0]["output"], "fine\n");
    assert_eq!(gates[1]["verdict"], "failed");
    assert_eq!(gates[1]["exit_code"], 3);
    assert_eq!(gates[2]["verdict"], "skipped");
    assert_eq!(v["summary"]["failed"], 1);
}

#[test]
fn ci_runs_ci_gates_on_the_changed_range() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write("old.txt", "o\n");
    r.setup("gates:\n  list:\n    run: echo {files}\n    stages: [ci]\n  local:\n    run: exit 1\n    stages: [pre-commit]\n");
    let base = r.head();
    r.write("new.txt", "n\n");
    r.git(&["add", "new.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "n"]);
    let out = r.gk(&["ci", "--base", &base, "-v"]);
    assert_success(&out, "ci");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("new.txt") && !stdout.contains("old.txt"),
        "{stdout}"
    );
}

#[test]
fn needs_orders_gates_and_skips_after_a_failure() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  build:\n    run: exit 1\n  test:\n    run: 'true'\n    needs: [build]\n");
    let out = r.gk(&["run", "--all-files"]);
    assert_code(&out, 1, "build fails");
    assert!(text(&out).contains("needs `build`"), "{}", text(&out));
}

#[test]
fn no_color_and_no_ansi_when_not_a_terminal() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  bad:\n    run: exit 1\n");
    let out = r.gk(&["run", "--all-files"]);
    assert!(
        !out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b),
        "no ANSI codes off a terminal"
    );
    let out = r.gk(&["run", "--all-files", "--color", "always"]);
    assert!(out.stdout.contains(&0x1b), "--color always colours");
}
