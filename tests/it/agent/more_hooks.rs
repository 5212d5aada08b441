//! `gatekeeper agent-hook gemini|copilot|cursor` with recorded payloads: Gemini CLI's and
//! Copilot CLI's recorded from the real clients, Cursor's built from the payload builders of
//! the local agent bundled in `@cursor/sdk` (no live Cursor client can be driven here).

use serde_json::{Value, json};

use super::{
    SACRED_FILE, SACRED_SRC, answer, hook, hook_raw, payload, project, project_with, sacred_project,
};
use crate::common::{TestRepo, assert_code, assert_success, text};

fn abs(repo: &TestRepo, rel: &str) -> String {
    repo.root.join(rel).to_string_lossy().into_owned()
}

/// The sacred file with its exact-value assertion removed.
fn weakened() -> String {
    SACRED_SRC.replace("    assert_eq!(total, 100);\n", "")
}

#[test]
fn unreadable_events_fail_closed_for_every_agent() {
    let p = project();
    for agent in ["gemini", "copilot", "cursor"] {
        let out = hook_raw(&p.repo, agent, b"{not json");
        assert_code(&out, 2, agent);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("could not read the hook event"),
            "{agent}: {}",
            text(&out)
        );
    }
}

#[test]
fn gemini_refusal_is_a_top_level_deny_and_exit_2() {
    let p = sacred_project();
    let mut ev = payload("gemini", "before_tool_write_file", &p.repo);
    ev["tool_input"]["file_path"] = json!(SACRED_FILE);
    ev["tool_input"]["content"] = json!(weakened());
    let out = hook(&p.repo, "gemini", &ev);
    assert_code(&out, 2, "BeforeTool");
    let a = answer(&out);
    assert_eq!(a["decision"], "deny", "{a}");
    let reason = a["reason"].as_str().unwrap_or("");
    assert!(reason.contains("weaken the sacred test"), "{reason}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("weaken the sacred test"),
        "{}",
        text(&out)
    );
    // Never the Claude shape, which Gemini CLI ignores.
    assert!(a.get("hookSpecificOutput").is_none(), "{a}");
}

#[test]
fn gemini_ordinary_tool_calls_are_allowed() {
    let p = project();
    for name in [
        "before_tool_shell",
        "before_tool_write_file",
        "before_tool_replace",
    ] {
        let out = hook(&p.repo, "gemini", &payload("gemini", name, &p.repo));
        assert_success(&out, name);
        assert_eq!(answer(&out), json!({}), "{name}");
    }
}

#[test]
fn gemini_session_start_and_stop_are_answered_in_its_shape() {
    let p = project_with(super::CONFIG);
    let out = hook(
        &p.repo,
        "gemini",
        &payload("gemini", "session_start", &p.repo),
    );
    assert_success(&out, "SessionStart");
    let ctx = answer(&out)["hookSpecificOutput"]["additionalContext"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(ctx.contains("Protected (humans only"), "{ctx}");
    p.repo.write("FAIL", "x\n");
    let out = hook(
        &p.repo,
        "gemini",
        &payload("gemini", "after_agent", &p.repo),
    );
    assert_code(&out, 2, "AfterAgent");
    let a = answer(&out);
    assert_eq!(a["decision"], "deny", "{a}");
    assert!(
        a["reason"].as_str().unwrap_or("").contains("check failed"),
        "{a}"
    );
    std::fs::remove_file(p.repo.path("FAIL")).expect("rm");
    let out = hook(
        &p.repo,
        "gemini",
        &payload("gemini", "after_agent", &p.repo),
    );
    assert_success(&out, "AfterAgent green");
    assert_eq!(answer(&out), json!({}));
}

#[test]
fn copilot_camel_case_refusal_exits_2_with_the_reason() {
    let p = project();
    let mut ev = payload("copilot", "camel_pre_tool_use_bash", &p.repo);
    ev["toolArgs"]["command"] = json!("git commit -n -m skip");
    let out = hook(&p.repo, "copilot", &ev);
    assert_code(&out, 2, "preToolUse");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("gatekeeper refuses this command"),
        "{}",
        text(&out)
    );
    assert_eq!(answer(&out)["permissionDecision"], "deny");
}

#[test]
fn copilot_pascal_case_refusal_is_claude_shaped_with_exit_0() {
    let p = project();
    let mut ev = payload("copilot", "pre_tool_use_write", &p.repo);
    ev["tool_input"]["path"] = json!(abs(&p.repo, "gatekeeper.yml"));
    let out = hook(&p.repo, "copilot", &ev);
    assert_success(&out, "PreToolUse");
    let h = &answer(&out)["hookSpecificOutput"];
    assert_eq!(h["permissionDecision"], "deny", "{h}");
    assert!(
        h["permissionDecisionReason"]
            .as_str()
            .unwrap_or("")
            .contains("gatekeeper.yml"),
        "{h}"
    );
}

#[test]
fn copilot_patches_are_judged_file_by_file_in_both_payload_styles() {
    let p = sacred_project();
    let patch = format!(
        "*** Begin Patch\n*** Add File: notes.txt\n+fine\n*** Delete File: {SACRED_FILE}\n*** End Patch\n"
    );
    let mut pascal = payload("copilot", "pre_tool_use_patch", &p.repo);
    pascal["tool_input"]["input"] = json!(patch);
    let out = hook(&p.repo, "copilot", &pascal);
    let reason = answer(&out)["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(reason.contains("sacred test"), "{}", text(&out));
    // A bare patch string as the whole input, as Copilot sends `apply_patch` to `Edit`.
    pascal["tool_input"] = json!(patch);
    let out = hook(&p.repo, "copilot", &pascal);
    assert!(
        answer(&out)["hookSpecificOutput"]["permissionDecision"] == "deny",
        "{}",
        text(&out)
    );
    let mut camel = payload("copilot", "camel_pre_tool_use_apply_patch", &p.repo);
    camel["toolArgs"]["input"] = json!(patch);
    let out = hook(&p.repo, "copilot", &camel);
    assert_code(&out, 2, "camelCase apply_patch");
    // The harmless file alone passes.
    let ok = "*** Begin Patch\n*** Add File: notes.txt\n+fine\n*** End Patch\n";
    camel["toolArgs"]["input"] = json!(ok);
    assert_success(&hook(&p.repo, "copilot", &camel), "harmless patch");
}

#[test]
fn copilot_stop_blocks_while_red_in_both_payload_styles() {
    let p = project_with(super::CONFIG);
    p.repo.write("FAIL", "x\n");
    let out = hook(&p.repo, "copilot", &payload("copilot", "stop", &p.repo));
    assert_success(&out, "Stop");
    assert_eq!(answer(&out)["decision"], "block", "{}", text(&out));
    let out = hook(
        &p.repo,
        "copilot",
        &payload("copilot", "camel_agent_stop", &p.repo),
    );
    assert_code(&out, 2, "agentStop");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("check failed"),
        "{}",
        text(&out)
    );
}

#[test]
fn cursor_write_that_weakens_a_sacred_test_is_denied() {
    let p = sacred_project();
    let mut ev = payload("cursor", "pre_tool_use_write", &p.repo);
    ev["tool_input"]["file_path"] = json!(abs(&p.repo, SACRED_FILE));
    ev["tool_input"]["content"] = json!(weakened());
    let out = hook(&p.repo, "cursor", &ev);
    assert_success(&out, "preToolUse");
    let a = answer(&out);
    assert_eq!(a["permission"], "deny", "{a}");
    assert!(
        a["agent_message"]
            .as_str()
            .unwrap_or("")
            .contains("weaken the sacred test"),
        "{a}"
    );
}

#[test]
fn cursor_delete_of_a_sacred_file_and_hook_skipping_shell_are_denied() {
    let p = sacred_project();
    let mut ev = payload("cursor", "pre_tool_use_delete", &p.repo);
    ev["tool_input"]["file_path"] = json!(abs(&p.repo, SACRED_FILE));
    let out = hook(&p.repo, "cursor", &ev);
    assert_eq!(answer(&out)["permission"], "deny", "{}", text(&out));
    let mut ev = payload("cursor", "pre_tool_use_shell", &p.repo);
    ev["tool_input"]["command"] = json!("git commit --no-verify -m x");
    let out = hook(&p.repo, "cursor", &ev);
    assert_eq!(answer(&out)["permission"], "deny", "{}", text(&out));
    let mut ev = payload("cursor", "before_shell_execution", &p.repo);
    ev["command"] = json!("git commit -n -m x");
    let out = hook(&p.repo, "cursor", &ev);
    assert_eq!(answer(&out)["permission"], "deny", "{}", text(&out));
    for name in [
        "pre_tool_use_shell",
        "pre_tool_use_read",
        "pre_tool_use_write",
    ] {
        let out = hook(&p.repo, "cursor", &payload("cursor", name, &p.repo));
        assert_success(&out, name);
        assert_eq!(answer(&out), json!({}), "{name}");
    }
}

#[test]
fn cursor_session_start_and_stop_follow_up() {
    let p = project_with(super::CONFIG);
    let out = hook(
        &p.repo,
        "cursor",
        &payload("cursor", "session_start", &p.repo),
    );
    assert_success(&out, "sessionStart");
    let ctx = answer(&out)["additional_context"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(ctx.contains("Protected (humans only"), "{ctx}");
    p.repo.write("FAIL", "x\n");
    let out = hook(&p.repo, "cursor", &payload("cursor", "stop", &p.repo));
    assert_success(&out, "stop");
    let msg = answer(&out)["followup_message"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(msg.contains("check failed"), "{}", text(&out));
    std::fs::remove_file(p.repo.path("FAIL")).expect("rm");
    let out = hook(&p.repo, "cursor", &payload("cursor", "stop", &p.repo));
    assert_eq!(answer(&out), json!({}), "{}", text(&out));
}

#[test]
fn cursor_could_not_decide_exits_2_without_stdout() {
    // No gatekeeper.yml: gatekeeper cannot judge the write, so it blocks.
    let sandbox = crate::common::Sandbox::new();
    let repo = sandbox.repo("bare");
    repo.write("README.md", "x\n");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "init"]);
    repo.write(
        "gatekeeper.yml",
        "gates:\n  check:\n    run: 'true'\n    stages: [agent-stop]\n",
    );
    // Present but never trusted: fail closed.
    let ev = payload("cursor", "pre_tool_use_write", &repo);
    let out = hook(&repo, "cursor", &ev);
    assert_code(&out, 2, "untrusted config");
    assert!(out.stdout.is_empty(), "{}", text(&out));
    assert!(!out.stderr.is_empty());
}

#[test]
fn install_and_uninstall_each_agent_touch_only_gatekeepers_entries() {
    let p = project();
    p.repo.write(
        ".cursor/hooks.json",
        r#"{"version":1,"hooks":{"afterFileEdit":[{"command":"./format.sh"}]}}"#,
    );
    for agent in ["gemini", "copilot", "cursor"] {
        assert_success(&p.repo.gk(&["install", "--agent", agent]), agent);
    }
    let cursor: Value = serde_json::from_slice(&p.repo.read(".cursor/hooks.json")).expect("json");
    assert_eq!(
        cursor["hooks"]["preToolUse"][0]["failClosed"], true,
        "{cursor}"
    );
    assert_eq!(
        cursor["hooks"]["afterFileEdit"][0]["command"],
        "./format.sh"
    );
    let copilot: Value =
        serde_json::from_slice(&p.repo.read(".github/hooks/gatekeeper.json")).expect("json");
    assert_eq!(copilot["version"], 1);
    assert!(
        copilot["hooks"]["PreToolUse"][0]["bash"]
            .as_str()
            .unwrap_or("")
            .contains("gatekeeper agent-hook copilot")
    );
    let gemini: Value =
        serde_json::from_slice(&p.repo.read(".gemini/settings.json")).expect("json");
    assert!(
        gemini["hooks"]["BeforeTool"][0]["matcher"].is_string(),
        "{gemini}"
    );
    for agent in ["gemini", "copilot", "cursor"] {
        assert_success(&p.repo.gk(&["uninstall", "--agent", agent]), agent);
    }
    assert!(!p.repo.exists(".gemini/settings.json"));
    assert!(!p.repo.exists(".github/hooks/gatekeeper.json"));
    let cursor: Value = serde_json::from_slice(&p.repo.read(".cursor/hooks.json")).expect("json");
    assert_eq!(
        cursor,
        json!({"version":1,"hooks":{"afterFileEdit":[{"command":"./format.sh"}]}})
    );
}

#[test]
fn claude_edit_carrying_a_raw_patch_is_judged_file_by_file() {
    let p = sacred_project();
    let patch = format!(
        "*** Begin Patch\n*** Update File: {SACRED_FILE}\n@@\n     let total = refund(100);\n-    assert_eq!(total, 100);\n     assert!(total >= 0, \"never negative\");\n*** End Patch\n"
    );
    let mut ev = payload("claude", "pre-tool-use-edit", &p.repo);
    ev["tool_input"] = json!(patch);
    let out = hook(&p.repo, "claude", &ev);
    let a = answer(&out);
    assert_eq!(
        a["hookSpecificOutput"]["permissionDecision"],
        "deny",
        "{}",
        text(&out)
    );
    assert!(
        a["hookSpecificOutput"]["permissionDecisionReason"]
            .as_str()
            .unwrap_or("")
            .contains("weaken the sacred test"),
        "{a}"
    );
}

/// The `doctor` findings whose check starts with `prefix`, as (ok, check, detail).
fn doctor_findings(repo: &TestRepo, prefix: &str) -> Vec<(bool, String, String)> {
    let out = repo.gk(&["doctor", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("doctor json ({e}): {}", text(&out)));
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"].as_str().unwrap_or("").starts_with(prefix))
        .map(|f| {
            (
                f["ok"] == true,
                f["check"].as_str().unwrap_or("").to_owned(),
                f["detail"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn doctor_checks_each_installed_agents_entries_and_folder_trust() {
    let mut p = project();
    assert!(doctor_findings(&p.repo, "agent ").is_empty());
    for agent in ["gemini", "copilot"] {
        assert_success(&p.repo.gk(&["install", "--agent", agent]), agent);
    }
    // Neither agent trusts the folder yet.
    let f = doctor_findings(&p.repo, "agent ");
    assert!(
        f.iter().any(|(ok, c, _)| !ok && c == "agent gemini trust"),
        "{f:?}"
    );
    assert!(
        f.iter().any(|(ok, c, _)| !ok && c == "agent copilot trust"),
        "{f:?}"
    );
    assert!(
        f.iter().any(|(ok, c, _)| *ok && c == "agent gemini"),
        "{f:?}"
    );
    assert!(
        f.iter().any(|(ok, _, d)| !ok && d.contains("not on PATH")),
        "{f:?}"
    );
    let bin_dir = crate::common::bin()
        .parent()
        .expect("dir")
        .to_string_lossy()
        .into_owned();
    let path = p
        .repo
        .env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    p.repo.set_env("PATH", &format!("{bin_dir}:{path}"));
    // Trusted the way each agent records it.
    let home = p.sandbox.path().join("home");
    let home = p
        .repo
        .env
        .iter()
        .find(|(k, _)| k == "HOME")
        .map_or(home, |(_, v)| std::path::PathBuf::from(v));
    let root = p.repo.root.to_string_lossy().into_owned();
    std::fs::create_dir_all(home.join(".gemini")).expect("mkdir");
    std::fs::write(
        home.join(".gemini/trustedFolders.json"),
        json!({ root.clone(): "TRUST_FOLDER" }).to_string(),
    )
    .expect("write");
    std::fs::create_dir_all(home.join(".copilot")).expect("mkdir");
    std::fs::write(
        home.join(".copilot/config.json"),
        json!({ "trustedFolders": [root] }).to_string(),
    )
    .expect("write");
    let f = doctor_findings(&p.repo, "agent ");
    assert!(f.iter().all(|(ok, _, _)| *ok), "{f:?}");
    // An entry removed by hand is reported.
    let mut gemini: Value =
        serde_json::from_slice(&p.repo.read(".gemini/settings.json")).expect("json");
    gemini["hooks"]
        .as_object_mut()
        .expect("hooks")
        .remove("AfterAgent");
    p.repo.write(".gemini/settings.json", gemini.to_string());
    let f = doctor_findings(&p.repo, "agent gemini");
    assert!(
        f.iter().any(|(ok, _, d)| !ok && d.contains("AfterAgent")),
        "{f:?}"
    );
    // The environment override counts as trust too.
    p.repo.set_env("GEMINI_CLI_TRUST_WORKSPACE", "false");
    let f = doctor_findings(&p.repo, "agent gemini trust");
    assert!(f.iter().all(|(ok, _, _)| !ok) && !f.is_empty(), "{f:?}");
}
