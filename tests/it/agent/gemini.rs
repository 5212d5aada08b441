//! The real Gemini CLI (`gemini -p`, npm package `@google/gemini-cli` installed under
//! `tests/gemini/` by `scripts/install-agents.sh`) against the scripted fake Gemini API of
//! [`super::fake_gemini`], with the hooks `gatekeeper install --agent gemini` writes.
//!
//! The client is kept offline: HOME is the sandbox's (its settings pick the API-key
//! login), the API is on 127.0.0.1, telemetry is off, and the folder is trusted with
//! `GEMINI_CLI_TRUST_WORKSPACE` (project hooks only run in a trusted folder).

#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::json;

use super::claude::run_bounded;
use super::fake_api::{text, tool};
use super::fake_gemini::{FakeGemini, request_text};
use super::{SACRED_FILE, SACRED_SRC, project_with, sacred_project};
use crate::common::{TestRepo, assert_success, bin};

/// The Gemini CLI's entry script: `GATEKEEPER_TEST_GEMINI`, else the one installed in
/// `tests/gemini/node_modules`. A missing client fails the test.
pub fn gemini_cli() -> PathBuf {
    if let Some(p) = std::env::var_os("GATEKEEPER_TEST_GEMINI") {
        return PathBuf::from(p);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/gemini/node_modules/@google/gemini-cli/bundle");
    let entry = std::fs::read_dir(&dir).ok().and_then(|rd| {
        rd.filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.file_name().is_some_and(|n| n == "gemini.js"))
    });
    entry.unwrap_or_else(|| {
        panic!(
            "the Gemini CLI is not installed in {}: run `bash scripts/install-agents.sh` \
             (npm ci in tests/gemini), or set GATEKEEPER_TEST_GEMINI to its gemini.js",
            dir.display()
        )
    })
}

/// PATH with the built gatekeeper first (the installed hook command runs `gatekeeper`).
fn path_with(first: &Path, repo: &TestRepo) -> String {
    let path = repo
        .env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map_or_else(String::new, |(_, v)| v.clone());
    format!("{}:{path}", first.display())
}

/// `gemini -p` in `repo` against `api`, with `bin_dir` first on PATH.
fn run_gemini_with(repo: &TestRepo, api: &FakeGemini, bin_dir: &Path) -> Output {
    let home = repo
        .env
        .iter()
        .find(|(k, _)| k == "HOME")
        .map(|(_, v)| PathBuf::from(v))
        .expect("HOME");
    std::fs::create_dir_all(home.join(".gemini")).expect("mkdir");
    std::fs::write(
        home.join(".gemini/settings.json"),
        json!({
            "security": {"auth": {"selectedType": "gemini-api-key"}},
            "privacy": {"usageStatisticsEnabled": false},
            "telemetry": {"enabled": false},
        })
        .to_string(),
    )
    .expect("write user settings");
    let mut c = Command::new("node");
    c.arg(gemini_cli())
        .args([
            "-p",
            "Do the task.",
            "-m",
            "gemini-2.5-flash",
            "--yolo",
            "-o",
            "json",
        ])
        .current_dir(&repo.root)
        .env_clear()
        .stdin(Stdio::null());
    for (k, v) in &repo.env {
        c.env(k, v);
    }
    c.env("PATH", path_with(bin_dir, repo))
        .env("GEMINI_API_KEY", "test-key-not-real")
        .env("GOOGLE_GEMINI_BASE_URL", &api.url)
        .env("GEMINI_CLI_TRUST_WORKSPACE", "true")
        .env("GEMINI_TELEMETRY_ENABLED", "false")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("NO_COLOR", "1");
    run_bounded(c)
}

fn run_gemini(repo: &TestRepo, api: &FakeGemini) -> Output {
    run_gemini_with(repo, api, bin().parent().expect("binary dir"))
}

fn install(repo: &TestRepo) {
    let out = repo.gk(&["install", "--agent", "gemini"]);
    assert_success(&out, "install --agent gemini");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("GEMINI_CLI_TRUST_WORKSPACE"),
        "install does not say how to trust the folder:\n{}",
        crate::common::text(&out)
    );
}

fn first_request_with(api: &FakeGemini, needle: &str) -> Option<usize> {
    api.requests()
        .iter()
        .position(|r| request_text(r).contains(needle))
}

fn abs(repo: &TestRepo, rel: &str) -> String {
    repo.root.join(rel).to_string_lossy().into_owned()
}

#[test]
fn gemini_session_start_hook_puts_the_brief_in_the_prompt() {
    let p = super::project();
    assert_success(
        &p.repo
            .gk(&["lesson", "add", "The exporter needs UTC timestamps"]),
        "lesson",
    );
    install(&p.repo);
    let api = FakeGemini::start(vec![vec![text("done")]]);
    let out = run_gemini(&p.repo, &api);
    assert_success(&out, "gemini -p");
    let reqs = api.requests();
    assert!(!reqs.is_empty(), "the client sent no request");
    let first = request_text(&reqs[0]);
    assert!(
        first.contains("The exporter needs UTC timestamps"),
        "the brief is not in the first request:\n{first}"
    );
    assert!(first.contains("Protected (humans only"), "{first}");
}

#[test]
fn gemini_replace_that_weakens_a_sacred_test_is_denied_and_the_file_is_unchanged() {
    let p = sacred_project();
    install(&p.repo);
    let api = FakeGemini::start(vec![
        vec![tool(
            "replace",
            json!({"file_path": abs(&p.repo, SACRED_FILE), "instruction": "drop the check",
                   "old_string": "    assert_eq!(total, 100);\n", "new_string": ""}),
        )],
        vec![text("done")],
    ]);
    let out = run_gemini(&p.repo, &api);
    assert_success(&out, "gemini -p");
    assert_eq!(
        String::from_utf8_lossy(&p.repo.read(SACRED_FILE)),
        SACRED_SRC,
        "the sacred test was changed:\n{}",
        api.transcript()
    );
    assert!(
        first_request_with(&api, "weaken the sacred test").is_some(),
        "the model was not told why:\n{}",
        api.transcript()
    );
}

#[test]
fn gemini_write_file_to_a_protected_path_is_denied() {
    let p = super::project();
    install(&p.repo);
    let api = FakeGemini::start(vec![
        vec![tool(
            "write_file",
            json!({"file_path": "gatekeeper.yml", "content": "gates: {}\n"}),
        )],
        vec![text("done")],
    ]);
    let before = p.repo.read("gatekeeper.yml");
    let out = run_gemini(&p.repo, &api);
    assert_success(&out, "gemini -p");
    assert_eq!(
        p.repo.read("gatekeeper.yml"),
        before,
        "{}",
        api.transcript()
    );
    assert!(
        first_request_with(&api, "gatekeeper refuses this edit").is_some(),
        "{}",
        api.transcript()
    );
}

#[test]
fn gemini_git_commit_no_verify_is_denied() {
    let p = super::project();
    install(&p.repo);
    p.repo.write("new.txt", "x\n");
    p.repo.git(&["add", "new.txt"]);
    let head = p.repo.head();
    let api = FakeGemini::start(vec![
        vec![tool(
            "run_shell_command",
            json!({"command": "git commit -n -m sneaky", "description": "commit"}),
        )],
        vec![text("done")],
    ]);
    let out = run_gemini(&p.repo, &api);
    assert_success(&out, "gemini -p");
    assert_eq!(p.repo.head(), head, "the commit went through");
    assert!(
        first_request_with(&api, "gatekeeper refuses this command").is_some(),
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
fn gemini_stop_is_blocked_while_the_gates_are_red_and_released_when_green() {
    let p = project_with(STOP_CONFIG);
    install(&p.repo);
    p.repo.write("FAIL", "x\n");
    let api = FakeGemini::start(vec![
        vec![text("All done.")],
        vec![tool(
            "run_shell_command",
            json!({"command": "rm FAIL", "description": "fix the failing check"}),
        )],
        vec![text("Fixed; done.")],
    ]);
    let out = run_gemini(&p.repo, &api);
    assert_success(&out, "gemini -p");
    let reqs = api.requests();
    assert_eq!(reqs.len(), 3, "{}", api.transcript());
    assert!(
        request_text(&reqs[1]).contains("check failed: 3 of 10 tests failed"),
        "the stop was not blocked with the gate's output:\n{}",
        api.transcript()
    );
    assert!(!p.repo.exists("FAIL"));
}

#[test]
fn gemini_stop_keeps_blocking_while_red_up_to_the_configured_bound() {
    let p = project_with(STOP_CONFIG);
    install(&p.repo);
    p.repo.write("FAIL", "x\n");
    // The model only ever says it is done; Gemini CLI itself never stops a blocking loop.
    let api = FakeGemini::start(Vec::new());
    let out = run_gemini(&p.repo, &api);
    assert_success(&out, "gemini -p");
    let reqs = api.requests();
    // `stop_blocks: 3`: three stops blocked (four turns in all), the fourth allowed.
    assert_eq!(reqs.len(), 4, "{}", api.transcript());
    for r in &reqs[1..] {
        assert!(
            request_text(r).contains("check failed"),
            "{}",
            api.transcript()
        );
    }
    assert!(p.repo.exists("FAIL"));
}

#[test]
fn gemini_crashing_gatekeeper_does_not_let_the_tool_through() {
    let p = super::project();
    install(&p.repo);
    // A `gatekeeper` that dies like a panic (a message on stderr, exit 101) on tool calls,
    // and is the real one for the other events (a crashing stop hook would loop forever).
    let fake_bin = p.sandbox.path().join("crashing-bin");
    std::fs::create_dir_all(&fake_bin).expect("mkdir");
    let script = fake_bin.join("gatekeeper");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nevent=$(cat)\ncase \"$event\" in *'\"BeforeTool\"'*)\n  echo \"thread 'main' panicked at src/main.rs:1:1: simulated crash\" >&2; exit 101;;\nesac\nprintf '%s' \"$event\" | exec '{}' \"$@\"\n",
            bin().display()
        ),
    )
    .expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let api = FakeGemini::start(vec![
        vec![tool(
            "write_file",
            json!({"file_path": "src/lib.rs", "content": "// rewritten\n"}),
        )],
        vec![text("done")],
    ]);
    let out = run_gemini_with(&p.repo, &api, &fake_bin);
    assert_success(&out, "gemini -p");
    assert_eq!(
        String::from_utf8_lossy(&p.repo.read("src/lib.rs")),
        "pub fn a() {}\n",
        "the tool ran although the hook crashed:\n{}",
        api.transcript()
    );
}

#[test]
fn gemini_write_outside_the_role_is_denied() {
    let mut p = super::project();
    install(&p.repo);
    // The role reaches the hook through the client's environment.
    p.repo.set_env("GATEKEEPER_ROLE", "frontend");
    let api = FakeGemini::start(vec![
        vec![tool(
            "write_file",
            json!({"file_path": "src/lib.rs", "content": "// rewritten\n"}),
        )],
        vec![text("done")],
    ]);
    let out = run_gemini(&p.repo, &api);
    assert_success(&out, "gemini -p");
    assert_eq!(
        String::from_utf8_lossy(&p.repo.read("src/lib.rs")),
        "pub fn a() {}\n",
        "{}",
        api.transcript()
    );
    assert!(
        first_request_with(&api, "outside the paths role `frontend` may edit").is_some(),
        "{}",
        api.transcript()
    );
}
