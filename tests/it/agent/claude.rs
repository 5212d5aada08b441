//! The real Claude Code CLI (`claude -p`, shipped in the npm package
//! `@anthropic-ai/claude-agent-sdk` installed under `tests/claude/`) against the scripted fake
//! Messages API of [`super::fake_api`], with the hooks `gatekeeper install --agent claude`
//! writes. Each test observes a hook doing its job in the client: what the client sent to the
//! model next, and what happened to the files.
//!
//! The client is kept offline: HOME is the sandbox's, the API is on 127.0.0.1, and telemetry,
//! error reporting, auto-update and other nonessential traffic are switched off.

#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::fake_api::{Block, FakeApi, request_text, text, tool};
use super::{SACRED_FILE, SACRED_SRC, project_with, sacred_project};
use crate::common::{TestRepo, assert_success, bin};

/// Where `npm ci` in `tests/claude` puts the CLI: the platform package's native `claude`.
fn node_modules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/claude/node_modules")
}

/// The Claude Code CLI under test: `GATEKEEPER_TEST_CLAUDE`, else the one installed in
/// `tests/claude/node_modules`. A missing CLI fails the test (it is part of the suite).
pub fn claude_cli() -> PathBuf {
    if let Some(p) = std::env::var_os("GATEKEEPER_TEST_CLAUDE") {
        return PathBuf::from(p);
    }
    let scope = node_modules().join("@anthropic-ai");
    let found = std::fs::read_dir(&scope).ok().and_then(|rd| {
        rd.filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("claude-agent-sdk-")
            })
            .map(|e| e.path().join("claude"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "the Claude Code CLI is not installed in {}: run `bash .ci/install-claude.sh` \
             (npm ci in tests/claude), or set GATEKEEPER_TEST_CLAUDE to a `claude` binary",
            scope.display()
        )
    })
}

/// How long one client run may take before the test fails.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);

/// The environment of the client: the sandbox's, the fake API, no outside traffic, and the
/// built gatekeeper first on PATH (the installed hook command runs `gatekeeper`).
fn client_command(repo: &TestRepo, api: &FakeApi, args: &[&str]) -> Command {
    let mut c = Command::new(claude_cli());
    client_env(&mut c, repo, api);
    c.args(args);
    c
}

fn client_env(c: &mut Command, repo: &TestRepo, api: &FakeApi) {
    c.current_dir(&repo.root).env_clear().stdin(Stdio::null());
    for (k, v) in &repo.env {
        c.env(k, v);
    }
    c.env("PATH", path_with_gatekeeper(repo));
    for (k, v) in offline_env(api) {
        c.env(k, v);
    }
}

/// PATH with the built gatekeeper first: the installed hook command runs `gatekeeper`.
pub fn path_with_gatekeeper(repo: &TestRepo) -> String {
    let bin_dir = bin().parent().expect("binary dir").to_path_buf();
    let path = repo
        .env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map_or_else(String::new, |(_, v)| v.clone());
    format!("{}:{path}", bin_dir.display())
}

/// The variables that point the client at the fake and keep it off the network.
pub fn offline_env(api: &FakeApi) -> Vec<(&'static str, String)> {
    vec![
        ("ANTHROPIC_BASE_URL", api.url.clone()),
        ("ANTHROPIC_API_KEY", "sk-ant-test-not-a-real-key".to_owned()),
        ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1".to_owned()),
        ("DISABLE_AUTOUPDATER", "1".to_owned()),
        ("DISABLE_TELEMETRY", "1".to_owned()),
        ("DISABLE_ERROR_REPORTING", "1".to_owned()),
        ("DISABLE_BUG_COMMAND", "1".to_owned()),
        ("CLAUDE_CODE_DISABLE_TERMINAL_TITLE", "1".to_owned()),
        ("NO_PROXY", "127.0.0.1,localhost".to_owned()),
    ]
}

/// The arguments of a headless run with the file and shell tools allowed.
pub fn print_args() -> Vec<&'static str> {
    vec![
        "-p",
        "Do the task.",
        "--output-format",
        "json",
        "--allowedTools",
        "Read,Edit,Write,Bash",
    ]
}

/// Runs a command to its end, failing the test after [`CLIENT_TIMEOUT`].
pub fn run_bounded(mut c: Command) -> Output {
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("start the Claude Code CLI");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > CLIENT_TIMEOUT {
            let _ = child.kill();
            let out = child.wait_with_output().expect("wait");
            panic!(
                "the client did not finish within {CLIENT_TIMEOUT:?}:\n{}",
                crate::common::text(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("collect output")
}

/// `claude -p` in `repo` against `api`.
fn run_claude(repo: &TestRepo, api: &FakeApi) -> Output {
    run_bounded(client_command(repo, api, &print_args()))
}

/// Installs gatekeeper's Claude Code hooks in the repository.
fn install_claude_hooks(repo: &TestRepo) {
    assert_success(
        &repo.gk(&["install", "--agent", "claude"]),
        "install --agent claude",
    );
}

/// The client's final result document (`--output-format json`).
fn result(out: &Output) -> Value {
    let s = String::from_utf8_lossy(&out.stdout);
    let last = s.lines().rev().find(|l| l.trim_start().starts_with('{'));
    last.and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| {
            panic!(
                "no JSON result from the client:\n{}",
                crate::common::text(out)
            )
        })
}

fn abs(repo: &TestRepo, rel: &str) -> String {
    repo.root.join(rel).to_string_lossy().into_owned()
}

/// The index of the first request whose text contains `needle`.
fn first_request_with(api: &FakeApi, needle: &str) -> Option<usize> {
    api.requests()
        .iter()
        .position(|r| request_text(r).contains(needle))
}

#[test]
fn claude_session_start_hook_puts_the_brief_in_the_model_request() {
    let p = super::project();
    assert_success(
        &p.repo
            .gk(&["lesson", "add", "The exporter needs UTC timestamps"]),
        "lesson",
    );
    install_claude_hooks(&p.repo);
    let api = FakeApi::start(vec![vec![text("done")]]);
    let out = run_claude(&p.repo, &api);
    assert_success(&out, "claude -p");
    let reqs = api.requests();
    assert!(!reqs.is_empty(), "the client sent no request");
    let first = request_text(&reqs[0]);
    assert!(
        first.contains("SessionStart hook additional context"),
        "the brief is not in the first request:\n{first}"
    );
    assert!(
        first.contains("The exporter needs UTC timestamps"),
        "{first}"
    );
    assert!(first.contains("Protected (humans only"), "{first}");
}

/// Read, then Edit (the client refuses an Edit of a file it has not read).
fn read_then_edit(repo: &TestRepo, rel: &str, old: &str, new: &str) -> Vec<Vec<Block>> {
    vec![
        vec![tool("Read", json!({"file_path": abs(repo, rel)}))],
        vec![tool(
            "Edit",
            json!({"file_path": abs(repo, rel), "old_string": old, "new_string": new}),
        )],
        vec![text("done")],
    ]
}

#[test]
fn claude_edit_that_weakens_a_sacred_test_is_denied_and_the_file_is_unchanged() {
    let p = sacred_project();
    install_claude_hooks(&p.repo);
    let api = FakeApi::start(read_then_edit(
        &p.repo,
        SACRED_FILE,
        "    assert_eq!(total, 100);\n",
        "",
    ));
    let out = run_claude(&p.repo, &api);
    assert_success(&out, "claude -p");
    assert_eq!(api.turns_served(), 3, "{}", api.transcript());
    assert_eq!(
        String::from_utf8_lossy(&p.repo.read(SACRED_FILE)),
        SACRED_SRC,
        "the sacred test was changed"
    );
    let denial = first_request_with(&api, "weaken the sacred test");
    assert!(
        denial.is_some(),
        "the model was not told why:\n{}",
        api.transcript()
    );
}

/// The sacred file with curly quotes in the assertion's message.
const CURLY_SRC: &str = "fn refund(x: i64) -> i64 {\n    x\n}\n\n// gatekeeper:sacred\n#[test]\nfn refund_is_exact() {\n    let total = refund(100);\n    assert!(total >= 0, \"never \u{2018}negative\u{2019}\");\n    assert_eq!(total, 100);\n}\n";

#[test]
fn claude_edit_matched_by_quote_normalisation_cannot_weaken_a_sacred_test() {
    let p = super::project();
    p.repo.write(SACRED_FILE, CURLY_SRC);
    p.repo.git(&["add", "-A"]);
    p.repo.git(&["commit", "-q", "--no-verify", "-m", "tests"]);
    assert_success(&p.repo.gk(&["sacred", "lock"]), "sacred lock");
    p.repo.git(&["add", "-A"]);
    p.repo.git(&["commit", "-q", "--no-verify", "-m", "lock"]);
    install_claude_hooks(&p.repo);
    // Straight quotes: not in the file verbatim; the client matches them anyway.
    let api = FakeApi::start(read_then_edit(
        &p.repo,
        SACRED_FILE,
        "    assert!(total >= 0, \"never 'negative'\");\n    assert_eq!(total, 100);\n",
        "    assert!(total > 0);\n",
    ));
    let out = run_claude(&p.repo, &api);
    assert_success(&out, "claude -p");
    assert_eq!(
        String::from_utf8_lossy(&p.repo.read(SACRED_FILE)),
        CURLY_SRC,
        "the sacred test was weakened through the client's quote normalisation:\n{}",
        api.transcript()
    );
    assert!(
        first_request_with(&api, "gatekeeper refuses this edit").is_some(),
        "{}",
        api.transcript()
    );
}

/// A gate that fails while `FAIL` exists.
const STOP_CONFIG: &str = r#"gates:
  check:
    run: 'if [ -e FAIL ]; then echo "check failed: 3 of 10 tests failed"; exit 1; fi'
    stages: [agent-stop]
agents:
  stop_blocks: 3
  protected: ["gatekeeper.yml", ".gatekeeper/**"]
"#;

#[test]
fn claude_stop_is_blocked_while_the_gates_are_red_and_released_when_green() {
    let p = project_with(STOP_CONFIG);
    install_claude_hooks(&p.repo);
    p.repo.write("FAIL", "x\n");
    let api = FakeApi::start(vec![
        vec![text("All done.")],
        vec![tool(
            "Bash",
            json!({"command": "rm FAIL", "description": "fix the failing check"}),
        )],
        vec![text("Fixed; done.")],
    ]);
    let out = run_claude(&p.repo, &api);
    assert_success(&out, "claude -p");
    let reqs = api.requests();
    assert_eq!(reqs.len(), 3, "{}", api.transcript());
    assert!(
        request_text(&reqs[1]).contains("check failed: 3 of 10 tests failed"),
        "the stop was not blocked with the gate's output:\n{}",
        api.transcript()
    );
    assert!(!p.repo.exists("FAIL"));
    assert_eq!(
        result(&out)["result"],
        "Fixed; done.",
        "{}",
        api.transcript()
    );
}

#[test]
fn claude_stop_keeps_blocking_while_red_up_to_the_configured_bound() {
    let p = project_with(STOP_CONFIG);
    install_claude_hooks(&p.repo);
    p.repo.write("FAIL", "x\n");
    // The agent only ever says it is done.
    let api = FakeApi::start(Vec::new());
    let out = run_claude(&p.repo, &api);
    assert_success(&out, "claude -p");
    let reqs = api.requests();
    // `stop_blocks: 3`: three stops in a row are blocked (four turns in all), the fourth is
    // allowed with the gates still red and the user told so.
    assert_eq!(reqs.len(), 4, "{}", api.transcript());
    for r in &reqs[1..] {
        assert!(
            request_text(r).contains("check failed"),
            "{}",
            api.transcript()
        );
    }
    assert!(p.repo.exists("FAIL"));
    let r = result(&out);
    assert_eq!(r["result"], "done", "{r}");
}

#[test]
fn claude_blocks_the_tool_call_when_gatekeeper_crashes() {
    let p = super::project();
    install_claude_hooks(&p.repo);
    // A `gatekeeper` that fails the way a crash does (exit 1, not the blocking 2).
    let crashing = p.sandbox.path().join("crashing-bin");
    std::fs::create_dir_all(&crashing).unwrap();
    let script = crashing.join("gatekeeper");
    std::fs::write(&script, "#!/bin/sh\necho 'simulated crash' >&2\nexit 1\n").unwrap();
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).unwrap();
    let api = FakeApi::start(vec![
        vec![tool(
            "Write",
            json!({"file_path": abs(&p.repo, "src/new.rs"), "content": "pub fn n() {}\n"}),
        )],
        vec![text("done")],
    ]);
    let mut cmd = client_command(&p.repo, &api, &print_args());
    cmd.env(
        "PATH",
        format!("{}:{}", crashing.display(), path_with_gatekeeper(&p.repo)),
    );
    let out = run_bounded(cmd);
    assert!(
        !p.repo.exists("src/new.rs"),
        "a crashing hook let the Write through (onFailure not honoured):\n{}",
        api.transcript()
    );
    assert!(
        first_request_with(&api, "onFailure").is_some()
            || first_request_with(&api, "simulated crash").is_some(),
        "{}\n{}",
        crate::common::text(&out),
        api.transcript()
    );
}

#[test]
fn claude_bash_that_skips_the_hooks_through_an_alias_is_refused() {
    let p = super::project();
    install_claude_hooks(&p.repo);
    let head = p.repo.head();
    let api = FakeApi::start(vec![
        vec![tool(
            "Bash",
            json!({"command": "git config alias.c 'commit -n' && git c --allow-empty -qm sneaky",
                   "description": "commit"}),
        )],
        vec![text("done")],
    ]);
    let out = run_claude(&p.repo, &api);
    assert_success(&out, "claude -p");
    assert_eq!(p.repo.head(), head, "the hook-skipping commit ran");
    assert!(
        p.repo.git_output(&["config", "alias.c"]).stdout.is_empty(),
        "the alias was set"
    );
    assert!(
        first_request_with(&api, "gatekeeper refuses this command").is_some(),
        "{}",
        api.transcript()
    );
}

/// Writes `src/lib.rs` from a program the shell check cannot read: only a sandbox stops it.
const HIDDEN_WRITE: &str =
    "node -e \"require('fs').writeFileSync('src/lib.rs', '// rewritten by the agent\\n')\"";

#[test]
fn claude_in_a_sandboxed_session_run_cannot_write_outside_its_role() {
    let p = super::project();
    install_claude_hooks(&p.repo);
    let api = FakeApi::start(vec![
        vec![tool(
            "Bash",
            json!({"command": HIDDEN_WRITE, "description": "edit the library"}),
        )],
        vec![text("done")],
    ]);
    let mut cmd = p.repo.gk_cmd(&[
        "session",
        "run",
        "--role",
        "frontend",
        "--no-lesson",
        "the agent changed nothing",
        "--",
    ]);
    cmd.arg(claude_cli()).args(print_args());
    cmd.env("PATH", path_with_gatekeeper(&p.repo));
    for (k, v) in offline_env(&api) {
        cmd.env(k, v);
    }
    let out = run_bounded(cmd);
    assert_eq!(
        String::from_utf8_lossy(&p.repo.read("src/lib.rs")),
        "pub fn a() {}\n",
        "the agent's Bash wrote outside its role inside `session run`:\n{}\n{}",
        crate::common::text(&out),
        api.transcript()
    );
    assert_eq!(api.turns_served(), 2, "{}", api.transcript());
    // The write failed in the agent's shell, and the session is green.
    assert!(
        first_request_with(&api, "EACCES").is_some()
            || first_request_with(&api, "ermission denied").is_some()
            || first_request_with(&api, "Read-only file system").is_some(),
        "{}",
        api.transcript()
    );
    assert_success(&out, "session run");
}
