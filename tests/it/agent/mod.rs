//! Integration tests: agent sessions, memory and lessons, and the Claude Code / Codex hook
//! protocols, driven through the built binary in real temporary repositories. Hook payloads
//! are the recorded events under `tests/it/fixtures/{claude,codex}/`, with the recorded
//! project directory replaced by the test repository.

mod claude;
mod codex;
mod copilot;
mod fake_api;
mod fake_gemini;
mod gemini;
mod hooks;
mod install;
mod memory;
mod more_hooks;
mod sandbox;
mod session;

use std::io::Write as _;
use std::process::{Output, Stdio};

use serde_json::Value;

use crate::common::{Sandbox, TestRepo, assert_success};

/// The project directory the recorded payloads were taken in.
const RECORDED_DIR: &str = "/home/user/my-project";

/// A gate that fails while a file named `FAIL` exists, printing a recognisable line.
pub const CONFIG: &str = r#"gates:
  check:
    run: 'if [ -e FAIL ]; then echo "check failed: 3 of 10 tests failed"; exit 1; fi'
    stages: [agent-stop]
agents:
  maintenance:
    tidy: { every: 1d, run: "touch tidied" }
  roles:
    frontend: { edit: ["apps/web/**"] }
    auditor: { edit: [] }
  protected: ["gatekeeper.yml", ".gatekeeper/**"]
"#;

/// A Rust file with one sacred test.
pub const SACRED_FILE: &str = "tests/refunds.rs";
pub const SACRED_ID: &str = "rust:tests/refunds.rs::refund_is_exact";
pub const SACRED_SRC: &str = r#"fn refund(x: i64) -> i64 {
    x
}

// gatekeeper:sacred
#[test]
fn refund_is_exact() {
    let total = refund(100);
    assert_eq!(total, 100);
    assert!(total >= 0, "never negative");
}
"#;

/// A repository set up with [`CONFIG`], hooks installed and the config trusted.
pub struct Project {
    pub sandbox: Sandbox,
    pub repo: TestRepo,
}

pub fn project() -> Project {
    project_with(CONFIG)
}

pub fn project_with(config: &str) -> Project {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    repo.write("README.md", "hello\n");
    repo.write("apps/web/index.ts", "export {};\n");
    repo.write("src/lib.rs", "pub fn a() {}\n");
    repo.setup(config);
    Project { sandbox, repo }
}

/// A project whose [`SACRED_FILE`] is locked (lock committed).
pub fn sacred_project() -> Project {
    let p = project();
    p.repo.write(SACRED_FILE, SACRED_SRC);
    p.repo.git(&["add", "-A"]);
    p.repo.git(&["commit", "-q", "--no-verify", "-m", "tests"]);
    assert_success(&p.repo.gk(&["sacred", "lock"]), "sacred lock");
    p.repo.git(&["add", "-A"]);
    p.repo.git(&["commit", "-q", "--no-verify", "-m", "lock"]);
    p
}

/// A recorded payload with the project directory replaced by `repo`'s root.
pub fn payload(agent: &str, name: &str, repo: &TestRepo) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/fixtures")
        .join(agent)
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let root = repo.root.to_string_lossy().into_owned();
    serde_json::from_str(&text.replace(RECORDED_DIR, &root)).expect("fixture is JSON")
}

/// Runs `gatekeeper agent-hook AGENT` with `event` on stdin.
pub fn hook(repo: &TestRepo, agent: &str, event: &Value) -> Output {
    hook_raw(repo, agent, event.to_string().as_bytes())
}

pub fn hook_raw(repo: &TestRepo, agent: &str, input: &[u8]) -> Output {
    let mut cmd = repo.gk_cmd(&["agent-hook", agent]);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn gatekeeper");
    // A hook that refuses before reading its event (an unknown agent is a usage error) may
    // exit before the event is written: the pipe is then closed, and what it answered is in
    // its exit code and output.
    match child.stdin.take().expect("stdin").write_all(input) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.expect("write the event"),
    }
    child.wait_with_output().expect("wait for gatekeeper")
}

/// The JSON answer on stdout (`Null` when stdout is empty: no objection).
pub fn answer(out: &Output) -> Value {
    let s = String::from_utf8_lossy(&out.stdout);
    if s.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&s).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {s}"))
    }
}

/// The deny reason of a PreToolUse answer, if it denies.
pub fn denied(out: &Output) -> Option<String> {
    let a = answer(out);
    let h = a.get("hookSpecificOutput")?;
    assert_eq!(h["hookEventName"], "PreToolUse", "{a}");
    (h["permissionDecision"] == "deny").then(|| {
        h["permissionDecisionReason"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    })
}
