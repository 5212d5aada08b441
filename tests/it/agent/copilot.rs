//! The real GitHub Copilot CLI (`copilot -p`, npm package `@github/copilot` installed under
//! `tests/copilot/` by `scripts/install-agents.sh`) in its bring-your-own-provider mode
//! against the scripted fake Messages API of [`super::fake_api`]
//! (`COPILOT_PROVIDER_TYPE=anthropic`, no GitHub login, `COPILOT_OFFLINE`), with the hooks
//! `gatekeeper install --agent copilot` writes (`.github/hooks/gatekeeper.json`,
//! PascalCase events). The folder is trusted for the run with `--trust-folder`.

#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::json;

use super::claude::run_bounded;
use super::fake_api::{FakeApi, request_text, text, tool};
use super::{SACRED_FILE, SACRED_SRC, project_with, sacred_project};
use crate::common::{TestRepo, assert_success, bin};

/// The Copilot CLI binary: `GATEKEEPER_TEST_COPILOT`, else the platform package's `copilot`
/// in `tests/copilot/node_modules`. A missing client fails the test.
pub fn copilot_cli() -> PathBuf {
    if let Some(p) = std::env::var_os("GATEKEEPER_TEST_COPILOT") {
        return PathBuf::from(p);
    }
    let scope = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/copilot/node_modules/@github");
    let found = std::fs::read_dir(&scope).ok().and_then(|rd| {
        rd.filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("copilot-"))
            .map(|e| e.path().join("copilot"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "the Copilot CLI is not installed in {}: run `bash scripts/install-agents.sh` \
             (npm ci in tests/copilot), or set GATEKEEPER_TEST_COPILOT to a `copilot` binary",
            scope.display()
        )
    })
}

/// PATH with `first` first (the installed hook command runs `gatekeeper`).
fn path_with(first: &Path, repo: &TestRepo) -> String {
    let path = repo
        .env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map_or_else(String::new, |(_, v)| v.clone());
    format!("{}:{path}", first.display())
}

/// `copilot -p` in `repo` against `api`, with `bin_dir` first on PATH.
fn run_copilot_with(repo: &TestRepo, api: &FakeApi, bin_dir: &Path) -> Output {
    let mut c = Command::new(copilot_cli());
    c.args([
        "-p",
        "Do the task.",
        "--allow-all",
        "--trust-folder",
        "--no-color",
    ])
    .current_dir(&repo.root)
    .env_clear()
    .stdin(Stdio::null());
    for (k, v) in &repo.env {
        c.env(k, v);
    }
    c.env("PATH", path_with(bin_dir, repo))
        .env("COPILOT_OFFLINE", "true")
        .env("COPILOT_PROVIDER_BASE_URL", &api.url)
        .env("COPILOT_PROVIDER_TYPE", "anthropic")
        .env("COPILOT_PROVIDER_API_KEY", "sk-ant-test-not-a-real-key")
        .env("COPILOT_MODEL", "claude-sonnet-4")
        .env("NO_PROXY", "127.0.0.1,localhost");
    run_bounded(c)
}

fn run_copilot(repo: &TestRepo, api: &FakeApi) -> Output {
    run_copilot_with(repo, api, bin().parent().expect("binary dir"))
}

fn install(repo: &TestRepo) {
    let out = repo.gk(&["install", "--agent", "copilot"]);
    assert_success(&out, "install --agent copilot");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("--trust-folder"),
        "install does not say how to trust the folder:\n{}",
        crate::common::text(&out)
    );
}

fn first_request_with(api: &FakeApi, needle: &str) -> Option<usize> {
    api.requests()
        .iter()
        .position(|r| request_text(r).contains(needle))
}

fn abs(repo: &TestRepo, rel: &str) -> String {
    repo.root.join(rel).to_string_lossy().into_owned()
}

#[test]
fn copilot_session_start_hook_puts_the_brief_in_the_prompt() {
    let p = super::project();
    assert_success(
        &p.repo
            .gk(&["lesson", "add", "The exporter needs UTC timestamps"]),
        "lesson",
    );
    install(&p.repo);
    let api = FakeApi::start(vec![vec![text("done")]]);
    let out = run_copilot(&p.repo, &api);
    assert_success(&out, "copilot -p");
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
fn copilot_edit_that_weakens_a_sacred_test_is_denied_and_the_file_is_unchanged() {
    let p = sacred_project();
    install(&p.repo);
    let api = FakeApi::start(vec![
        vec![tool(
            "edit",
            json!({"path": abs(&p.repo, SACRED_FILE),
                   "old_str": "    assert_eq!(total, 100);\n", "new_str": ""}),
        )],
        vec![text("done")],
    ]);
    let out = run_copilot(&p.repo, &api);
    assert_success(&out, "copilot -p");
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
fn copilot_create_of_a_protected_path_is_denied() {
    let p = super::project();
    install(&p.repo);
    let api = FakeApi::start(vec![
        vec![tool(
            "create",
            json!({"path": abs(&p.repo, "gatekeeper.yml"), "file_text": "gates: {}\n"}),
        )],
        vec![text("done")],
    ]);
    let before = p.repo.read("gatekeeper.yml");
    let out = run_copilot(&p.repo, &api);
    assert_success(&out, "copilot -p");
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
fn copilot_git_commit_no_verify_is_denied() {
    let p = super::project();
    install(&p.repo);
    p.repo.write("new.txt", "x\n");
    p.repo.git(&["add", "new.txt"]);
    let head = p.repo.head();
    let api = FakeApi::start(vec![
        vec![tool(
            "bash",
            json!({"command": "git commit -n -m sneaky", "description": "commit"}),
        )],
        vec![text("done")],
    ]);
    let out = run_copilot(&p.repo, &api);
    assert_success(&out, "copilot -p");
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
fn copilot_stop_is_blocked_while_the_gates_are_red_and_released_when_green() {
    let p = project_with(STOP_CONFIG);
    install(&p.repo);
    p.repo.write("FAIL", "x\n");
    let api = FakeApi::start(vec![
        vec![text("All done.")],
        vec![tool(
            "bash",
            json!({"command": "rm FAIL", "description": "fix the failing check"}),
        )],
        vec![text("Fixed; done.")],
    ]);
    let out = run_copilot(&p.repo, &api);
    assert_success(&out, "copilot -p");
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
fn copilot_stop_keeps_blocking_while_red_up_to_the_configured_bound() {
    let p = project_with(STOP_CONFIG);
    install(&p.repo);
    p.repo.write("FAIL", "x\n");
    // The model only ever says it is done; Copilot's own cap (8) is above the bound.
    let api = FakeApi::start(Vec::new());
    let out = run_copilot(&p.repo, &api);
    assert_success(&out, "copilot -p");
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
fn copilot_crashing_gatekeeper_does_not_let_the_tool_through() {
    let p = super::project();
    install(&p.repo);
    // A `gatekeeper` that dies like a panic (a message on stderr, exit 101) on tool calls,
    // and is the real one for the other events .
    let fake_bin = p.sandbox.path().join("crashing-bin");
    std::fs::create_dir_all(&fake_bin).expect("mkdir");
    let script = fake_bin.join("gatekeeper");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nevent=$(cat)\ncase \"$event\" in *'\"PreToolUse\"'*)\n  echo \"thread 'main' panicked at src/main.rs:1:1: simulated crash\" >&2; exit 101;;\nesac\nprintf '%s' \"$event\" | exec '{}' \"$@\"\n",
            bin().display()
        ),
    )
    .expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let api = FakeApi::start(vec![
        vec![tool(
            "create",
            json!({"path": abs(&p.repo, "src/lib.rs"), "file_text": "// rewritten\n"}),
        )],
        vec![text("done")],
    ]);
    let out = run_copilot_with(&p.repo, &api, &fake_bin);
    assert_success(&out, "copilot -p");
    assert_eq!(
        String::from_utf8_lossy(&p.repo.read("src/lib.rs")),
        "pub fn a() {}\n",
        "the tool ran although the hook crashed:\n{}",
        api.transcript()
    );
}

#[test]
fn copilot_patch_sent_as_edit_is_judged_file_by_file() {
    let p = sacred_project();
    install(&p.repo);
    // Copilot's PascalCase hooks get `apply_patch` as `tool_name: "Edit"` with the raw patch.
    let patch = format!(
        "*** Begin Patch\n*** Add File: notes.txt\n+fine\n*** Update File: {SACRED_FILE}\n@@\n     let total = refund(100);\n-    assert_eq!(total, 100);\n     assert!(total >= 0, \"never negative\");\n*** End Patch\n"
    );
    let api = FakeApi::start(vec![
        vec![tool("apply_patch", json!({ "input": patch }))],
        vec![text("done")],
    ]);
    let out = run_copilot(&p.repo, &api);
    assert_success(&out, "copilot -p");
    assert_eq!(
        String::from_utf8_lossy(&p.repo.read(SACRED_FILE)),
        SACRED_SRC,
        "{}",
        api.transcript()
    );
    assert!(
        first_request_with(&api, "weaken the sacred test").is_some(),
        "the patch was not judged file by file:\n{}",
        api.transcript()
    );
}

#[test]
fn copilot_edit_outside_the_role_is_denied() {
    let mut p = super::project();
    install(&p.repo);
    p.repo.set_env("GATEKEEPER_ROLE", "frontend");
    let api = FakeApi::start(vec![
        vec![tool(
            "edit",
            json!({"path": abs(&p.repo, "src/lib.rs"), "old_str": "pub fn a() {}", "new_str": "pub fn b() {}"}),
        )],
        vec![text("done")],
    ]);
    let out = run_copilot(&p.repo, &api);
    assert_success(&out, "copilot -p");
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

#[test]
fn copilot_camel_case_configuration_also_refuses_with_the_reason() {
    let p = super::project();
    // The other configuration Copilot reads: camelCase events, `toolName`/`toolArgs` payloads.
    p.repo.write(
        ".github/hooks/camel.json",
        json!({"version": 1, "hooks": {"preToolUse": [
            {"type": "command", "bash": "gatekeeper agent-hook copilot", "timeoutSec": 60}
        ]}})
        .to_string(),
    );
    let head = p.repo.head();
    let api = FakeApi::start(vec![
        vec![tool(
            "bash",
            json!({"command": "git commit -n --allow-empty -m sneaky", "description": "commit"}),
        )],
        vec![text("done")],
    ]);
    let out = run_copilot(&p.repo, &api);
    assert_success(&out, "copilot -p");
    assert_eq!(p.repo.head(), head, "the commit went through");
    assert!(
        first_request_with(&api, "gatekeeper refuses this command").is_some(),
        "the model was not told why:\n{}",
        api.transcript()
    );
}
