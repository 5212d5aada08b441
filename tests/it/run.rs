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

/// A plain command (no shell syntax) runs without `sh`: its arguments, output and exit
/// status must be exactly what `sh -c` would give.
#[test]
fn plain_gate_commands_keep_their_arguments_output_and_status() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write("sub/x.txt", "x\n");
    r.write("sub/y.txt", "y\n");
    r.setup(
        "gates:\n  listing:\n    run: ls -1 sub\n  fails:\n    run: 'false'\n  grep:\n    run: grep -c y sub/y.txt sub/x.txt\n",
    );
    let out = r.gk(&["run", "--all-files", "--format", "json"]);
    assert_code(&out, 1, "`false` fails the run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let gate = |name: &str| {
        v["gates"]
            .as_array()
            .and_then(|g| g.iter().find(|g| g["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("gate {name} in {v}"))
    };
    assert_eq!(gate("listing")["output"], "x.txt\ny.txt\n");
    assert_eq!(gate("listing")["verdict"], "passed");
    assert_eq!(gate("fails")["exit_code"], 1);
    assert_eq!(gate("fails")["verdict"], "failed");
    // grep exits 0 when one file matches; both counts are printed, in argument order.
    assert_eq!(gate("grep")["output"], "sub/y.txt:1\nsub/x.txt:0\n");
    assert_eq!(gate("grep")["exit_code"], 0);
}

/// A program that does not exist is reported the way the shell reports it (127, "not
/// found"), which makes the gate `missing-tool` and the run undecided (exit 3).
#[test]
fn a_missing_program_is_the_shells_127() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  missing:\n    run: no-such-program-gatekeeper --check\n");
    let out = r.gk(&["run", "--all-files", "--format", "json"]);
    assert_code(&out, 3, "a missing tool leaves the run undecided");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["gates"][0]["exit_code"], 127, "{v}");
    assert_eq!(v["gates"][0]["verdict"], "missing-tool", "{v}");
    let output = v["gates"][0]["output"].as_str().unwrap_or_default();
    assert!(output.contains("not found"), "{output}");
}

/// A plain command sees `PWD` set to the directory it runs in, as under `sh`, even when
/// gatekeeper was started from a subdirectory.
#[test]
fn a_plain_command_sees_pwd_of_its_directory() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write("sub/keep.txt", "k\n");
    r.setup("gates:\n  where:\n    run: env\n    dir: sub\n");
    let mut cmd = r.gk_cmd(&["run", "--all-files", "--format", "json"]);
    cmd.current_dir(r.path("sub")).env("PWD", "/somewhere/else");
    let out = cmd.output().expect("run gatekeeper");
    assert_success(&out, "env passes");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let output = v["gates"][0]["output"].as_str().unwrap_or_default();
    let sub = r.path("sub");
    assert!(
        output
            .lines()
            .any(|l| l == format!("PWD={}", sub.display())),
        "PWD must be {}: {output}",
        sub.display()
    );
}

/// Output far beyond a pipe's capacity (64 KiB) is captured whole, stdout and stderr in the
/// order they were written, and the gate is not blocked while it writes.
#[test]
fn gate_output_larger_than_a_pipe_is_captured_whole_and_in_order() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup(
        "gates:\n  loud:\n    run: echo first >&2; head -c 300000 /dev/zero | tr '\\0' a; echo; echo last >&2; exit 4\n",
    );
    let out = r.gk(&["run", "--all-files", "--format", "json"]);
    assert_code(&out, 1, "the gate fails");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let output = v["gates"][0]["output"].as_str().unwrap_or_default();
    assert_eq!(output.len(), 6 + 300_000 + 1 + 5, "all bytes captured");
    assert!(output.starts_with("first\naaa"), "{}", &output[..20]);
    assert!(
        output.ends_with("aaa\nlast\n"),
        "the stderr line comes last"
    );
    assert_eq!(v["gates"][0]["exit_code"], 4);
}

/// A gate is finished when its output ends, not merely when its first process exits: a
/// background process it started and that still writes to the gate's output is waited for
/// (within the gate's timeout), so its lines are in the report.
#[test]
fn a_gates_background_writer_is_waited_for() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  bg:\n    run: (sleep 1; echo late) & echo early\n");
    let out = r.gk(&["run", "--all-files", "--format", "json"]);
    assert_success(&out, "the gate passes");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["gates"][0]["output"], "early\nlate\n", "{v}");
}
