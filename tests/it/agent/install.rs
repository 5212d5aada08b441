//! `install --agent claude|codex` and `uninstall --agent …`: merging into the agent's settings.

use serde_json::Value;

use super::project;
use crate::common::{assert_code, assert_success, text};

const USER_SETTINGS: &str = r#"{
  "permissions": { "deny": ["Read(./.env)"] },
  "hooks": {
    "PreToolUse": [
      { "matcher": "Bash", "hooks": [ { "type": "command", "command": "./scripts/guard.sh" } ] }
    ],
    "Notification": [
      { "hooks": [ { "type": "command", "command": "notify-send done" } ] }
    ]
  },
  "model": "opus"
}
"#;

fn settings(repo: &crate::common::TestRepo) -> Value {
    serde_json::from_slice(&repo.read(".claude/settings.json")).unwrap()
}

#[test]
fn install_agent_claude_merges_its_hooks_and_keeps_the_users() {
    let p = project();
    p.repo.write(".claude/settings.json", USER_SETTINGS);
    let out = p.repo.gk(&["install", "--agent", "claude"]);
    assert_success(&out, "install --agent claude");
    let s = settings(&p.repo);
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["permissions", "hooks", "model"], "key order kept");
    assert_eq!(s["permissions"]["deny"][0], "Read(./.env)");
    let pre = s["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 2, "{s}");
    assert_eq!(pre[0]["hooks"][0]["command"], "./scripts/guard.sh");
    // The client's file tools, Bash and every MCP tool; the current client has no MultiEdit.
    assert_eq!(
        pre[1]["matcher"],
        "^(Edit|Write|NotebookEdit|Bash|mcp__.+)$"
    );
    // A crash or timeout of gatekeeper blocks the tool call (Claude Code 2.1.295+).
    assert_eq!(pre[1]["hooks"][0]["onFailure"], "block", "{s}");
    for event in ["SessionStart", "PreToolUse", "Stop", "SubagentStop"] {
        let ours = s["hooks"][event]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["hooks"].as_array().unwrap())
            .filter(|h| {
                h["command"]
                    .as_str()
                    .unwrap()
                    .contains("gatekeeper agent-hook claude")
            })
            .count();
        assert_eq!(ours, 1, "{event}: {s}");
    }
    // Stop runs the gates: it gets more time than the agents' default of 600 s.
    assert_eq!(s["hooks"]["Stop"][0]["hooks"][0]["timeout"], 3600, "{s}");
    // The git hooks were installed as always.
    assert!(p.repo.exists(".git/hooks/pre-commit"));
    // Twice changes nothing.
    let before = p.repo.read(".claude/settings.json");
    assert_success(
        &p.repo.gk(&["install", "--agent", "claude"]),
        "install again",
    );
    assert_eq!(p.repo.read(".claude/settings.json"), before);
}

#[test]
fn uninstall_agent_claude_removes_only_its_entries() {
    let p = project();
    p.repo.write(".claude/settings.json", USER_SETTINGS);
    assert_success(&p.repo.gk(&["install", "--agent", "claude"]), "install");
    let out = p.repo.gk(&["uninstall", "--agent", "claude"]);
    assert_success(&out, "uninstall --agent claude");
    let back: Value = serde_json::from_str(USER_SETTINGS).unwrap();
    assert_eq!(settings(&p.repo), back, "{}", text(&out));
    assert!(p.repo.exists(".git/hooks/pre-commit"), "the git hooks stay");
}

#[test]
fn installed_hook_command_runs_the_hook() {
    let p = project();
    assert_success(&p.repo.gk(&["install", "--agent", "claude"]), "install");
    let s = settings(&p.repo);
    let cmd = s["hooks"]["Stop"][0]["hooks"][0]["command"]
        .as_str()
        .unwrap()
        .to_owned();
    // Without gatekeeper on PATH the command blocks (exit 2) instead of silently passing.
    let mut sh = std::process::Command::new("/bin/sh");
    sh.arg("-c")
        .arg(&cmd)
        .current_dir(&p.repo.root)
        .env_clear()
        .env("PATH", "/nonexistent");
    let out = sh.output().unwrap();
    assert_code(&out, 2, "hook command without gatekeeper on PATH");
    assert!(String::from_utf8_lossy(&out.stderr).contains("gatekeeper is not on PATH"));
}

#[test]
fn install_agent_codex_writes_codex_hooks_json() {
    let p = project();
    assert_success(
        &p.repo.gk(&["install", "--agent", "codex"]),
        "install --agent codex",
    );
    let s: Value = serde_json::from_slice(&p.repo.read(".codex/hooks.json")).unwrap();
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["hooks"],
        "Codex accepts only `description` and `hooks` at the root"
    );
    assert_eq!(s["hooks"]["PreToolUse"][0]["matcher"], "Bash|apply_patch");
    assert_success(
        &p.repo.gk(&["uninstall", "--agent", "codex"]),
        "uninstall --agent codex",
    );
    assert!(
        !p.repo.exists(".codex/hooks.json"),
        "a file that held only ours is removed"
    );
}

#[test]
fn install_with_an_unknown_agent_is_a_usage_error() {
    let p = project();
    assert_code(
        &p.repo.gk(&["install", "--agent", "vim"]),
        2,
        "unknown agent",
    );
    assert_code(
        &p.repo.gk(&["uninstall", "--agent", "vim"]),
        2,
        "unknown agent",
    );
}

#[test]
fn install_refuses_to_overwrite_unreadable_settings() {
    let p = project();
    p.repo.write(".claude/settings.json", "{ broken");
    assert_code(
        &p.repo.gk(&["install", "--agent", "claude"]),
        2,
        "broken settings",
    );
    assert_eq!(p.repo.read(".claude/settings.json"), b"{ broken");
}
