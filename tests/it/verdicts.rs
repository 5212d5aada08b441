//! Integration tests: what a run says agrees with its exit code and JSON (missing tools,
//! interrupts, `-q`, notes), the command check before a gate runs, the fixes patch command,
//! and `run --skip` / `--fail-fast`.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, text};
use crate::fakes::{fake_tool, path_with, test_path};

fn repo_with(sb: &Sandbox, config: &str) -> TestRepo {
    let r = sb.repo("r");
    r.write("README.md", "hello\n");
    r.setup(config);
    r
}

fn summary_line(out: &std::process::Output) -> String {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    all.lines()
        .find(|l| l.starts_with("gatekeeper "))
        .unwrap_or_else(|| panic!("no summary line:\n{all}"))
        .to_owned()
}

// ------------------------------------------------------------ the command check (item 7)

// A formatter no machine has: a test that named `gofmt` here passed only where Go is not
// installed.
const PIPELINE_GATE: &str = "gates:\n  fmt:\n    run: gk-absent-gofmt -l {files} | tee /dev/stderr | (! read)\n    glob: ['*.go']\n";

#[test]
fn a_missing_program_in_a_pipeline_is_exit_3_naming_it() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, PIPELINE_GATE);
    r.write("main.go", "package main\n");
    r.git(&["add", "main.go"]);
    for _ in 0..2 {
        let out = r.gk(&["hook", "pre-commit"]);
        assert_code(
            &out,
            3,
            "the formatter is missing: the pipeline would have passed",
        );
        let all = text(&out);
        assert!(
            all.contains("`gk-absent-gofmt` was not found on PATH"),
            "{all}"
        );
        assert!(summary_line(&out).ends_with("— could not decide"), "{all}");
    }
    let out = r.commit("go");
    assert!(
        !out.status.success(),
        "the commit is blocked:\n{}",
        text(&out)
    );
}

#[test]
fn a_present_program_in_a_pipeline_runs_and_decides() {
    let sb = Sandbox::new();
    // (`sh` is dash here, whose `read` needs a variable name.)
    let mut r = repo_with(
        &sb,
        "gates:\n  fmt:\n    run: gofmt -l {files} | tee /dev/stderr | (! read -r line)\n    glob: ['*.go']\n",
    );
    let bin = sb.path().join("bin");
    fake_tool(
        &bin,
        "gofmt",
        "shift; for f in \"$@\"; do grep -q BAD \"$f\" && echo \"$f\"; done; exit 0",
    );
    let path = path_with(&bin, &test_path(&r));
    r.set_env("PATH", &path);
    r.write("main.go", "package main\n");
    r.git(&["add", "main.go"]);
    assert_success(&r.gk(&["hook", "pre-commit"]), "formatted");
    r.write("main.go", "package main // BAD\n");
    r.git(&["add", "main.go"]);
    let out = r.gk(&["hook", "pre-commit"]);
    assert_code(&out, 1, "unformatted");
    assert!(text(&out).contains("main.go"), "{}", text(&out));
}

#[test]
fn a_program_named_by_path_is_looked_up_in_the_gate_dir() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  lint:\n    run: ./scripts/lint.sh && echo done\n    dir: web\n",
    );
    let out = r.gk(&["run", "--all-files"]);
    assert_code(&out, 3, "web/scripts/lint.sh does not exist");
    assert!(text(&out).contains("./scripts/lint.sh"), "{}", text(&out));
    fake_tool(&r.path("web/scripts"), "lint.sh", "echo linted");
    let out = r.gk(&["run", "--all-files", "-v"]);
    assert_success(&out, "now it exists");
    assert!(text(&out).contains("linted"), "{}", text(&out));
}

#[test]
fn names_that_cannot_be_decided_are_left_to_the_shell() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  dyn:\n    run: $TOOL && command -v no-such-tool-abc >/dev/null || \"$(echo true)\"\n    env: { TOOL: 'true' }\n",
    );
    assert_success(&r.gk(&["run", "--all-files"]), "an expansion and a probe");
}

// ------------------------------------------------------------ output tells the truth (item 10)

#[test]
fn a_missing_tool_is_could_not_decide_in_words_and_json() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, "gates:\n  lint:\n    run: no-such-linter-xyz .\n");
    let out = r.gk(&["run", "--all-files"]);
    assert_code(&out, 3, "missing tool");
    let line = summary_line(&out);
    assert!(line.contains("1 could not decide"), "{line}");
    assert!(line.ends_with("— could not decide"), "{line}");
    assert!(!line.contains("refused"), "{line}");
    let out = r.gk(&["run", "--all-files", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "undecided", "{v}");
    assert_eq!(v["summary"]["undecided"], 1, "{v}");
    assert_eq!(v["summary"]["failed"], 0, "{v}");
}

#[test]
fn an_interrupt_says_interrupted() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  slow:\n    run: touch \"$GATEKEEPER_ROOT/../started\"; sleep 30\n",
    );
    let marker = sb.path().join("started");
    let child = r
        .gk_cmd(&["run", "--all-files"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "the gate never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap()),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_code(&out, 130, "interrupted");
    let line = summary_line(&out);
    assert!(line.ends_with("— interrupted"), "{line}");
    assert!(line.contains("1 interrupted"), "{line}");
}

#[test]
fn quiet_prints_only_failures_and_the_summary() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  good:\n    run: echo fine\n  bad:\n    run: echo broken; exit 1\n  never:\n    run: 'true'\n    glob: ['*.none']\n",
    );
    let out = r.gk(&["-q", "run", "--all-files"]);
    assert_code(&out, 1, "one gate fails");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAIL bad"), "{stdout}");
    assert!(stdout.contains("broken"), "{stdout}");
    assert!(!stdout.contains("good"), "{stdout}");
    assert!(!stdout.contains("never"), "{stdout}");
    assert!(!stdout.contains("note:"), "{stdout}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(summary_line(&out).ends_with("— refused"), "{stdout}");
}

#[test]
fn skip_notes_appear_in_every_stage() {
    let sb = Sandbox::new();
    let mut r = repo_with(
        &sb,
        "gates:\n  must:\n    run: 'true'\n    required: true\n  opt:\n    run: 'true'\n",
    );
    r.set_env("GATEKEEPER_SKIP", "must,nosuch,opt");
    for args in [
        &["run", "--stage", "pre-push", "--all-files"][..],
        &["run", "--stage", "ci", "--all-files"],
        &["run", "--stage", "agent-stop", "--all-files"],
        &["ci"],
    ] {
        let out = r.gk(args);
        assert_success(&out, &format!("{args:?}"));
        let all = text(&out);
        assert!(
            all.contains("`must` is required and cannot be skipped with GATEKEEPER_SKIP; it ran"),
            "{args:?}\n{all}"
        );
        assert!(
            all.contains("GATEKEEPER_SKIP names `nosuch`, which is not a gate"),
            "{args:?}\n{all}"
        );
        assert!(
            all.contains("skipped by GATEKEEPER_SKIP"),
            "{args:?}\n{all}"
        );
    }
}

#[test]
fn pre_push_hook_prints_skip_notes_too() {
    let sb = Sandbox::new();
    let mut r = repo_with(
        &sb,
        "gates:\n  must:\n    run: 'true'\n    required: true\n",
    );
    r.set_env("GATEKEEPER_SKIP", "must");
    let head = r.head();
    let mut c = r.gk_cmd(&["hook", "pre-push", "origin", "/nowhere"]);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(
            stdin,
            "refs/heads/main {head} refs/heads/main {}",
            "0".repeat(40)
        )
        .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_success(&out, "pre-push");
    assert!(
        text(&out).contains("`must` is required and cannot be skipped"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_relock_reminder_is_printed_for_humans() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write(
        "tests/billing.rs",
        "// gatekeeper:sacred\n#[test]\nfn refunds_are_idempotent() {\n    assert_eq!(refund(2), 2);\n}\n",
    );
    r.write("gatekeeper.yml", "gates:\n  ok:\n    run: 'true'\n");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "tests"]);
    assert_success(&r.gk(&["sacred", "lock"]), "lock");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "lock"]);
    assert_success(&r.gk(&["install"]), "install");
    r.write(
        "tests/billing.rs",
        "// gatekeeper:sacred\n#[test]\nfn refunds_are_idempotent() {\n    assert_eq!(refund(3), 3);\n}\n",
    );
    assert_success(&r.gk(&["sacred", "lock"]), "re-lock");
    r.git(&["add", "-A"]);
    let out = r.gk(&["hook", "pre-commit"]);
    assert_success(&out, "a re-lock passes pre-commit");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("must be signed by an allowed signer"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_checkout_without_checkout_jobs_prints_nothing() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, "gates:\n  ok:\n    run: 'true'\n");
    r.git(&["branch", "other"]);
    let out = r.git_output(&["checkout", "other"]);
    assert_success(&out, "checkout");
    assert!(!text(&out).contains("gatekeeper"), "{}", text(&out));
    let out = r.git_output(&["checkout", "main", "--", "README.md"]);
    assert!(!text(&out).contains("gatekeeper"), "{}", text(&out));
    let out = r.gk(&["hook", "post-checkout", &r.head(), &r.head(), "1"]);
    assert_success(&out, "direct call");
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "{}",
        text(&out)
    );
}

#[test]
fn an_empty_config_says_it_has_no_gates() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, "");
    let out = r.gk(&["run", "--all-files"]);
    assert_success(&out, "nothing to run");
    assert!(text(&out).contains("has no gates"), "{}", text(&out));
    let out = r.gk(&["hook", "pre-commit"]);
    assert!(text(&out).contains("has no gates"), "{}", text(&out));
    let out = r.gk(&["doctor"]);
    assert!(text(&out).contains("has no gates"), "{}", text(&out));
}

// ------------------------------------------------------------ fixes patch (item 11)

#[test]
fn the_printed_fix_command_works_on_a_partially_staged_file() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  fmt:\n    run: sed -i 's/ *$//' {files}\n    glob: ['*.txt']\n",
    );
    r.write("f.txt", "a\nb\nc\n");
    r.git(&["add", "f.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "f"]);
    // Staged: trailing blanks on line 1. Unstaged: an edit right next to it.
    r.write("f.txt", "a   \nb\nc\nd\n");
    r.git(&["add", "f.txt"]);
    r.write("f.txt", "a   \nB unstaged\nc\nd\n");
    let out = r.commit("fmt");
    assert_code(&out, 1, "the formatter changed the file");
    let all = text(&out);
    let cmd = all
        .lines()
        .find(|l| l.contains("git apply --cached"))
        .unwrap_or_else(|| panic!("no command:\n{all}"))
        .split('#')
        .next()
        .unwrap()
        .trim()
        .to_owned();
    let mut sh = std::process::Command::new("/bin/sh");
    sh.current_dir(&r.root).env_clear().args(["-c", &cmd]);
    for (k, v) in &r.env {
        sh.env(k, v);
    }
    let applied = sh.output().unwrap();
    assert_success(&applied, &format!("`{cmd}`"));
    assert_eq!(r.staged("f.txt"), b"a\nb\nc\nd\n", "the fix is staged");
    assert_eq!(
        r.read("f.txt"),
        b"a   \nB unstaged\nc\nd\n",
        "the unstaged edit is kept"
    );
    assert_success(&r.commit("fmt"), "the commit now passes");
}

// ------------------------------------------------------------ --skip and --fail-fast (item 13)

#[test]
fn run_skip_skips_a_gate_and_says_so_but_not_a_required_one() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  a:\n    run: exit 1\n  b:\n    run: 'true'\n  must:\n    run: 'true'\n    required: true\n",
    );
    let out = r.gk(&[
        "run",
        "--all-files",
        "--skip",
        "a",
        "--skip",
        "must,nosuch",
        "--format",
        "json",
    ]);
    assert_success(&out, "a is skipped");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["gates"][0]["verdict"], "skipped", "{v}");
    assert_eq!(v["gates"][0]["reason"], "skipped by --skip", "{v}");
    assert_eq!(
        v["gates"][2]["verdict"], "passed",
        "required gates still run: {v}"
    );
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("`must` is required and cannot be skipped with --skip"),
        "{notes}"
    );
    assert!(
        notes.contains("--skip names `nosuch`, which is not a gate"),
        "{notes}"
    );
}

#[test]
fn fail_fast_starts_no_gate_after_a_failure() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  quick-fail:\n    run: sleep 0.5; exit 1\n  slow:\n    run: sleep 1\n  after:\n    run: touch \"$GATEKEEPER_ROOT/../after-ran\"\n    needs: [slow]\n",
    );
    let out = r.gk(&["run", "--all-files", "--fail-fast", "--format", "json"]);
    assert_code(&out, 1, "quick-fail fails");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["gates"][1]["verdict"], "passed",
        "a started gate finishes: {v}"
    );
    assert_eq!(v["gates"][2]["verdict"], "skipped", "{v}");
    assert!(
        v["gates"][2]["reason"]
            .as_str()
            .unwrap()
            .contains("--fail-fast"),
        "{v}"
    );
    assert!(!sb.path().join("after-ran").exists());
    // Without the flag, every gate runs.
    assert_code(&r.gk(&["run", "--all-files"]), 1, "without --fail-fast");
    assert!(sb.path().join("after-ran").exists());
}
