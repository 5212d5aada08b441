//! `gatekeeper agent-hook claude|codex` with recorded payloads.

use serde_json::{Value, json};

use super::{
    SACRED_FILE, SACRED_SRC, answer, denied, hook, hook_raw, payload, project, sacred_project,
};
use crate::common::{TestRepo, assert_code, assert_success, text};

fn abs(repo: &TestRepo, rel: &str) -> String {
    repo.root.join(rel).to_string_lossy().into_owned()
}

fn bash(repo: &TestRepo, command: &str) -> std::process::Output {
    let mut ev = payload("claude", "pre-tool-use-bash", repo);
    ev["tool_input"]["command"] = json!(command);
    hook(repo, "claude", &ev)
}

fn write_event(repo: &TestRepo, rel: &str, content: &str) -> Value {
    let mut ev = payload("claude", "pre-tool-use-write", repo);
    ev["tool_input"]["file_path"] = json!(abs(repo, rel));
    ev["tool_input"]["content"] = json!(content);
    ev
}

fn edit_event(repo: &TestRepo, rel: &str, old: &str, new: &str) -> Value {
    let mut ev = payload("claude", "pre-tool-use-edit", repo);
    ev["tool_input"]["file_path"] = json!(abs(repo, rel));
    ev["tool_input"]["old_string"] = json!(old);
    ev["tool_input"]["new_string"] = json!(new);
    ev
}

#[test]
fn session_start_answers_the_brief_as_additional_context() {
    let p = project();
    assert_success(
        &p.repo
            .gk(&["lesson", "add", "The exporter needs UTC timestamps"]),
        "lesson",
    );
    let out = hook(
        &p.repo,
        "claude",
        &payload("claude", "session-start", &p.repo),
    );
    assert_success(&out, "SessionStart");
    let a = answer(&out);
    assert_eq!(a["hookSpecificOutput"]["hookEventName"], "SessionStart");
    let ctx = a["hookSpecificOutput"]["additionalContext"]
        .as_str()
        .unwrap();
    assert!(ctx.contains("The exporter needs UTC timestamps"), "{ctx}");
    assert!(ctx.contains("Protected (humans only"), "{ctx}");
}

#[test]
fn session_start_context_stays_under_ten_thousand_characters() {
    let p = project();
    let mut index = String::from("# Memory\n\n");
    for i in 0..190 {
        index.push_str(&format!(
            "- 2026-01-01 lesson number {i}: {}\n",
            "x".repeat(80)
        ));
    }
    p.repo.write(".gatekeeper/memory/MEMORY.md", index);
    let mut repo = TestRepo {
        root: p.repo.root.clone(),
        env: p.repo.env.clone(),
    };
    repo.set_env("GATEKEEPER_ROLE", "frontend");
    let out = hook(&repo, "claude", &payload("claude", "session-start", &repo));
    assert_success(&out, "SessionStart");
    let ctx = answer(&out)["hookSpecificOutput"]["additionalContext"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        ctx.chars().count() < 10_000,
        "{} chars",
        ctx.chars().count()
    );
    assert!(ctx.contains("memory cut to fit"), "the cut is said");
    assert!(
        ctx.contains("Role: frontend") && ctx.contains("`apps/web/**`"),
        "the rest of the brief survives the cut"
    );
}

#[test]
fn pre_tool_use_denies_writing_a_protected_path() {
    let p = project();
    let out = hook(
        &p.repo,
        "claude",
        &write_event(&p.repo, "gatekeeper.yml", "gates: {}\n"),
    );
    assert_success(&out, "PreToolUse");
    let reason = denied(&out).expect("denied");
    assert!(reason.contains("`gatekeeper.yml` is protected"), "{reason}");
    let out = hook(
        &p.repo,
        "claude",
        &write_event(&p.repo, ".gatekeeper/sacred.lock", ""),
    );
    assert!(denied(&out).is_some(), "{}", text(&out));
    // The memory is written by agents (through `lesson add`) and is not protected.
    let out = hook(
        &p.repo,
        "claude",
        &write_event(&p.repo, ".gatekeeper/memory/ci.md", "# CI\n"),
    );
    assert_eq!(denied(&out), None, "{}", text(&out));
}

#[test]
fn pre_tool_use_allows_an_ordinary_edit_without_a_word() {
    let p = project();
    let out = hook(
        &p.repo,
        "claude",
        &edit_event(
            &p.repo,
            "src/lib.rs",
            "pub fn a() {}",
            "pub fn a() -> u8 { 1 }",
        ),
    );
    assert_success(&out, "PreToolUse");
    assert!(out.stdout.is_empty(), "{}", text(&out));
}

#[test]
fn pre_tool_use_denies_edits_outside_the_role() {
    let p = project();
    let mut repo = TestRepo {
        root: p.repo.root.clone(),
        env: p.repo.env.clone(),
    };
    repo.set_env("GATEKEEPER_ROLE", "frontend");
    let out = hook(
        &repo,
        "claude",
        &edit_event(&repo, "src/lib.rs", "pub fn a() {}", "pub fn b() {}"),
    );
    let reason = denied(&out).expect("outside the role");
    assert!(
        reason.contains("outside the paths role `frontend` may edit"),
        "{reason}"
    );
    let out = hook(
        &repo,
        "claude",
        &write_event(&repo, "apps/web/new.ts", "export {};\n"),
    );
    assert_eq!(denied(&out), None, "{}", text(&out));
    // The role of an active session wins over GATEKEEPER_ROLE.
    let started = repo.gk(&["--format", "json", "session", "start", "--role", "auditor"]);
    let id = serde_json::from_slice::<Value>(&started.stdout).unwrap()["session"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    repo.set_env("GATEKEEPER_SESSION", &id);
    let out = hook(
        &repo,
        "claude",
        &write_event(&repo, "apps/web/new.ts", "export {};\n"),
    );
    assert!(
        denied(&out).unwrap().contains("role `auditor`"),
        "{}",
        text(&out)
    );
}

#[test]
fn pre_tool_use_denies_a_notebook_edit_on_a_protected_path() {
    let p = project_protecting_notebooks();
    let out = hook(
        &p.repo,
        "claude",
        &payload("claude", "pre-tool-use-notebook-edit", &p.repo),
    );
    assert!(
        denied(&out).unwrap().contains("analysis.ipynb"),
        "{}",
        text(&out)
    );
}

fn project_protecting_notebooks() -> super::Project {
    super::project_with(&super::CONFIG.replace("protected: [", "protected: [\"*.ipynb\", "))
}

#[test]
fn pre_tool_use_denies_an_edit_that_weakens_a_sacred_test() {
    let p = sacred_project();
    let out = hook(
        &p.repo,
        "claude",
        &edit_event(&p.repo, SACRED_FILE, "    assert_eq!(total, 100);\n", ""),
    );
    let reason = denied(&out).expect("weakening edit denied");
    assert!(
        reason.contains("sacred test rust:tests/refunds.rs::refund_is_exact"),
        "{reason}"
    );
    // Writing the whole file without the test is judged on the new content too.
    let out = hook(
        &p.repo,
        "claude",
        &write_event(&p.repo, SACRED_FILE, "fn refund(x: i64) -> i64 { x }\n"),
    );
    assert!(
        denied(&out).unwrap().contains("[removed]"),
        "{}",
        text(&out)
    );
    // A harmless MultiEdit on the same file (outside the test, and outside `refund`, whose
    // value the test's assertions compare) is allowed.
    let mut ev = payload("claude", "pre-tool-use-multi-edit", &p.repo);
    ev["tool_input"]["file_path"] = json!(abs(&p.repo, SACRED_FILE));
    ev["tool_input"]["edits"] = json!([{ "old_string": "fn refund(x: i64) -> i64 {\n    x\n}", "new_string": "fn refund(x: i64) -> i64 {\n    x\n}\n\nfn cents(x: i64) -> i64 {\n    x * 100\n}" }]);
    let out = hook(&p.repo, "claude", &ev);
    assert_eq!(denied(&out), None, "{}", text(&out));
    // The file on disk was never touched by the hook.
    assert_eq!(
        String::from_utf8(p.repo.read(SACRED_FILE)).unwrap(),
        SACRED_SRC
    );
}

#[test]
fn pre_tool_use_bash_refuses_hook_bypasses() {
    let p = project();
    for cmd in [
        "git commit -nm x",
        "git -C dir commit --no-verify",
        "git commit -a --no-verify -m 'wip'",
        "git push --no-verify origin main",
        "GATEKEEPER_SKIP=check git commit -m x",
        "git -c core.hooksPath=/dev/null commit -m x",
        "git config core.hooksPath .nohooks",
        "echo 'exit 0' > .git/hooks/pre-commit",
        "bash -c \"git commit -n -m sneaky\"",
    ] {
        let out = bash(&p.repo, cmd);
        assert_success(&out, cmd);
        let reason =
            denied(&out).unwrap_or_else(|| panic!("`{cmd}` must be denied\n{}", text(&out)));
        assert!(
            reason.starts_with("gatekeeper refuses this command"),
            "{reason}"
        );
    }
    for cmd in [
        "git push -n origin main",
        "git commit -m 'fix -n handling'",
        "cargo test 2>&1 | tail -n 20",
        "npm test",
        // How Claude Code writes commit messages: the here-document is data.
        "git commit -m \"$(cat <<'EOF'\nDon't skip hooks (no --no-verify)\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nEOF\n)\"",
    ] {
        let out = bash(&p.repo, cmd);
        assert_success(&out, cmd);
        assert!(
            out.stdout.is_empty(),
            "`{cmd}` must be allowed\n{}",
            text(&out)
        );
    }
}

#[test]
fn pre_tool_use_bash_refuses_writes_to_protected_or_out_of_role_paths() {
    let p = project();
    let out = bash(&p.repo, "echo 'gates: {}' > gatekeeper.yml");
    assert!(
        denied(&out)
            .unwrap()
            .contains("`gatekeeper.yml` is protected"),
        "{}",
        text(&out)
    );
    let out = bash(
        &p.repo,
        "printf x | tee -a .gatekeeper/sacred.lock >/dev/null",
    );
    assert!(denied(&out).is_some(), "{}", text(&out));
    let mut repo = TestRepo {
        root: p.repo.root.clone(),
        env: p.repo.env.clone(),
    };
    repo.set_env("GATEKEEPER_ROLE", "frontend");
    let out = bash(&repo, "echo 'pub fn x() {}' >> src/lib.rs");
    assert!(
        denied(&out).unwrap().contains("role `frontend`"),
        "{}",
        text(&out)
    );
    for ok in [
        "echo hi > apps/web/notes.txt",
        "cargo test > /tmp/log.txt 2>&1",
        "echo x > /dev/null",
    ] {
        let out = bash(&repo, ok);
        assert!(
            out.stdout.is_empty(),
            "`{ok}` must be allowed\n{}",
            text(&out)
        );
    }
}

#[test]
fn pre_tool_use_bash_refuses_cp_mv_into_protected_paths() {
    let p = project();
    for cmd in [
        "cp /tmp/evil.yml gatekeeper.yml",
        "cp -f -- src/lib.rs gatekeeper.yml",
        "cp -t .gatekeeper src/lib.rs",
        "cp src/lib.rs .gatekeeper/",
        "mv gatekeeper.yml /tmp/away.yml",
        "sudo install -m 644 x.yml gatekeeper.yml",
        "rm -f gatekeeper.yml",
        "git checkout HEAD~1 -- gatekeeper.yml",
        "env FOO=1 timeout 10 ln -sf /tmp/x gatekeeper.yml",
    ] {
        let out = bash(&p.repo, cmd);
        assert_success(&out, cmd);
        let reason =
            denied(&out).unwrap_or_else(|| panic!("`{cmd}` must be denied\n{}", text(&out)));
        assert!(
            reason.starts_with("gatekeeper refuses this command: it writes")
                && reason.contains("is protected"),
            "{cmd}: {reason}"
        );
    }
    let out = bash(&p.repo, "cp x.rs gatekeeper.yml");
    assert!(
        denied(&out)
            .unwrap()
            .contains("`gatekeeper.yml` is protected"),
        "{}",
        text(&out)
    );
}

#[test]
fn pre_tool_use_bash_refuses_in_place_edits_of_protected_or_out_of_role_files() {
    let p = sacred_project();
    for cmd in [
        "sed -i 's/gates/x/' gatekeeper.yml",
        "sed -i.bak -e 's/a/b/' .gatekeeper/sacred.lock",
        "sed --in-place=.orig -n p gatekeeper.yml",
        "perl -pi -e 's/a/b/' gatekeeper.yml",
        "perl -pie 's/a/b/' gatekeeper.yml",
        "sudo sed -Ei 's/a/b/' gatekeeper.yml",
    ] {
        let out = bash(&p.repo, cmd);
        assert_success(&out, cmd);
        let reason =
            denied(&out).unwrap_or_else(|| panic!("`{cmd}` must be denied\n{}", text(&out)));
        assert!(reason.contains("is protected"), "{cmd}: {reason}");
    }
    let mut repo = TestRepo {
        root: p.repo.root.clone(),
        env: p.repo.env.clone(),
    };
    repo.set_env("GATEKEEPER_ROLE", "frontend");
    let cmd = format!("sed -i 's/100/1/' {SACRED_FILE}");
    let reason = denied(&bash(&repo, &cmd)).unwrap_or_else(|| panic!("`{cmd}` must be denied"));
    assert!(
        reason.contains(&format!(
            "`{SACRED_FILE}` is outside the paths role `frontend`"
        )),
        "{reason}"
    );
    // Without -i, sed writes only to its standard output.
    let out = bash(&repo, &format!("sed 's/100/1/' {SACRED_FILE}"));
    assert!(out.stdout.is_empty(), "{}", text(&out));
}

#[test]
fn pre_tool_use_bash_allows_copies_inside_the_role() {
    let p = project();
    let mut repo = TestRepo {
        root: p.repo.root.clone(),
        env: p.repo.env.clone(),
    };
    repo.set_env("GATEKEEPER_ROLE", "frontend");
    for ok in [
        "cp apps/web/index.ts apps/web/copy.ts",
        "cp src/lib.rs apps/web/",
        "mv apps/web/index.ts apps/web/main.ts",
        "rm -rf apps/web",
        "sed -i 's/export/import/' apps/web/index.ts",
        "cp apps/web/index.ts /tmp/elsewhere.ts",
        "find . -name '*.ts' | xargs sed -i s/a/b/",
    ] {
        let out = bash(&repo, ok);
        assert_success(&out, ok);
        assert!(
            out.stdout.is_empty(),
            "`{ok}` must be allowed\n{}",
            text(&out)
        );
    }
    for refused in [
        "cp apps/web/index.ts src/index.ts",
        // `src` exists: the copy lands in `src/index.ts`.
        "cp apps/web/index.ts src",
        "mv src/lib.rs apps/web/lib.rs",
        "rm -rf apps",
        "git restore --staged src/lib.rs",
    ] {
        let out = bash(&repo, refused);
        let reason =
            denied(&out).unwrap_or_else(|| panic!("`{refused}` must be denied\n{}", text(&out)));
        assert!(reason.contains("role `frontend`"), "{refused}: {reason}");
    }
}

#[test]
fn stop_blocks_with_the_failing_gate_output_while_red() {
    let p = project();
    p.repo.write("FAIL", "");
    let out = hook(&p.repo, "claude", &payload("claude", "stop", &p.repo));
    assert_success(&out, "Stop");
    let a = answer(&out);
    assert_eq!(a["decision"], "block", "{a}");
    let reason = a["reason"].as_str().unwrap();
    assert!(reason.contains("== check (failed, exit 1) =="), "{reason}");
    assert!(
        reason.contains("check failed: 3 of 10 tests failed"),
        "{reason}"
    );
    // Green again: the stop is allowed.
    std::fs::remove_file(p.repo.path("FAIL")).unwrap();
    let out = hook(&p.repo, "claude", &payload("claude", "stop", &p.repo));
    assert_success(&out, "Stop when green");
    assert!(out.stdout.is_empty(), "{}", text(&out));
}

#[test]
fn stop_keeps_blocking_while_red_then_releases_with_a_message() {
    let p = project();
    p.repo.write("FAIL", "");
    let first = hook(&p.repo, "claude", &payload("claude", "stop", &p.repo));
    assert_eq!(answer(&first)["decision"], "block", "{}", text(&first));
    // Claude continues because of the block, fixes nothing, and stops again: still red, so
    // still blocked, up to agents.stop_blocks (default 5) blocks in a row.
    let mut again = payload("claude", "stop", &p.repo);
    again["stop_hook_active"] = json!(true);
    for n in 2..=5 {
        let out = hook(&p.repo, "claude", &again);
        assert_eq!(
            answer(&out)["decision"],
            "block",
            "stop {n}: {}",
            text(&out)
        );
    }
    let sixth = hook(&p.repo, "claude", &again);
    assert_success(&sixth, "sixth Stop");
    let a = answer(&sixth);
    assert!(a.get("decision").is_none(), "never trapped: {a}");
    let msg = a["systemMessage"].as_str().unwrap();
    assert!(
        msg.contains("not trapped") && msg.contains("still RED"),
        "{msg}"
    );
    // A new turn (stop_hook_active false) blocks again: the gates are still red.
    let third = hook(&p.repo, "claude", &payload("claude", "stop", &p.repo));
    assert_eq!(answer(&third)["decision"], "block");
}

#[test]
fn stop_blocks_again_when_the_failure_changed() {
    let p =
        project_with("gates:\n  check:\n    run: 'cat FAIL; exit 1'\n    stages: [agent-stop]\n");
    p.repo.write("FAIL", "first failure\n");
    assert_eq!(
        answer(&hook(
            &p.repo,
            "claude",
            &payload("claude", "stop", &p.repo)
        ))["decision"],
        "block"
    );
    p.repo.write("FAIL", "a different failure\n");
    let mut again = payload("claude", "stop", &p.repo);
    again["stop_hook_active"] = json!(true);
    let a = answer(&hook(&p.repo, "claude", &again));
    assert_eq!(a["decision"], "block", "{a}");
    assert!(
        a["reason"]
            .as_str()
            .unwrap()
            .contains("a different failure")
    );
}

use super::project_with;

#[test]
fn subagent_stop_blocks_too() {
    let p = project();
    p.repo.write("FAIL", "");
    let out = hook(
        &p.repo,
        "claude",
        &payload("claude", "subagent-stop", &p.repo),
    );
    assert_eq!(answer(&out)["decision"], "block", "{}", text(&out));
}

#[test]
fn internal_errors_deny_or_block_never_pass() {
    let mut p = project();
    let out = hook_raw(&p.repo, "claude", b"{not json");
    assert_code(&out, 2, "unreadable event");
    assert!(!out.stderr.is_empty());
    // A session id that names no session: the role cannot be known, so the edit is denied
    // with the error, exit 2, and the stop is blocked.
    p.repo.set_env("GATEKEEPER_SESSION", "no-such-session");
    let out = hook(&p.repo, "claude", &write_event(&p.repo, "src/x.rs", ""));
    assert_code(&out, 2, "unknown session");
    assert!(
        denied(&out)
            .unwrap()
            .contains("could not check this tool call"),
        "{}",
        text(&out)
    );
    let out = hook(&p.repo, "claude", &payload("claude", "stop", &p.repo));
    assert_code(&out, 2, "unknown session at stop");
    assert_eq!(answer(&out)["decision"], "block");
}

#[test]
fn a_broken_or_untrusted_work_tree_config_does_not_switch_checks_off() {
    let p = sacred_project();
    // Rewritten behind gatekeeper's back: no protected paths, no sacred paths.
    p.repo.write("gatekeeper.yml", "gates: {}\n");
    let out = hook(
        &p.repo,
        "claude",
        &edit_event(&p.repo, SACRED_FILE, "    assert_eq!(total, 100);\n", ""),
    );
    assert!(
        denied(&out).is_some_and(|r| r.contains("weaken the sacred test")),
        "{}",
        text(&out)
    );
    let out = hook(
        &p.repo,
        "claude",
        &write_event(&p.repo, ".gatekeeper/x", "y"),
    );
    assert!(
        denied(&out).is_some_and(|r| r.contains("protected")),
        "judged with the trusted configuration: {}",
        text(&out)
    );
    // Broken YAML: the same.
    p.repo.write("gatekeeper.yml", "gates: [\n");
    let out = hook(
        &p.repo,
        "claude",
        &write_event(&p.repo, ".gatekeeper/x", "y"),
    );
    assert!(
        denied(&out).is_some_and(|r| r.contains("protected")),
        "{}",
        text(&out)
    );
}

#[test]
fn stop_runs_the_trusted_configuration_not_a_rewritten_one() {
    let p = project();
    p.repo.write("FAIL", "");
    // The agent rewrites the gate away; the stop still runs the trusted one.
    p.repo.write(
        "gatekeeper.yml",
        super::CONFIG.replace("if [ -e FAIL ]", "if false"),
    );
    let out = hook(&p.repo, "claude", &payload("claude", "stop", &p.repo));
    assert_eq!(answer(&out)["decision"], "block", "{}", text(&out));
    assert!(
        answer(&out)["reason"]
            .as_str()
            .unwrap()
            .contains("check failed"),
        "{}",
        text(&out)
    );
    // Nothing trusted at all (the rewrite committed too): refused.
    p.repo.git(&["commit", "-qam", "rewrite", "--no-verify"]);
    let out = hook(&p.repo, "claude", &payload("claude", "stop", &p.repo));
    assert_eq!(answer(&out)["decision"], "block", "{}", text(&out));
    assert!(
        answer(&out)["reason"]
            .as_str()
            .unwrap()
            .contains("not trusted"),
        "{}",
        text(&out)
    );
}

#[test]
fn unknown_agent_is_a_usage_error() {
    let p = project();
    assert_code(&hook_raw(&p.repo, "opencode", b"{}"), 2, "unknown agent");
}

#[test]
fn codex_hooks_speak_the_same_events() {
    let p = project();
    let out = hook(
        &p.repo,
        "codex",
        &payload("codex", "session-start", &p.repo),
    );
    assert!(
        answer(&out)["hookSpecificOutput"]["additionalContext"]
            .as_str()
            .unwrap()
            .contains("gatekeeper session brief")
    );
    let mut ev = payload("codex", "pre-tool-use-bash", &p.repo);
    assert!(
        hook(&p.repo, "codex", &ev).stdout.is_empty(),
        "cargo test is allowed"
    );
    ev["tool_input"]["command"] = json!(["bash", "-lc", "git commit -nm x"]);
    let reason = denied(&hook(&p.repo, "codex", &ev)).expect("denied");
    assert!(!reason.is_empty(), "Codex needs a non-empty reason");
    let ev = payload("codex", "pre-tool-use-apply-patch", &p.repo);
    assert!(
        hook(&p.repo, "codex", &ev).stdout.is_empty(),
        "adding notes.txt is allowed"
    );
    let mut ev = payload("codex", "pre-tool-use-apply-patch", &p.repo);
    ev["tool_input"]["command"] = json!(
        "*** Begin Patch\n*** Update File: gatekeeper.yml\n@@\n-gates:\n+gates: {}\n*** End Patch\n"
    );
    assert!(
        denied(&hook(&p.repo, "codex", &ev))
            .unwrap()
            .contains("protected")
    );
    // Codex reads Stop's stdout as JSON: a green stop answers an empty object.
    let out = hook(&p.repo, "codex", &payload("codex", "stop", &p.repo));
    assert_success(&out, "codex Stop when green");
    assert_eq!(answer(&out), json!({}));
    p.repo.write("FAIL", "");
    let out = hook(&p.repo, "codex", &payload("codex", "stop", &p.repo));
    assert_eq!(answer(&out)["decision"], "block");
}

#[test]
fn codex_apply_patch_that_weakens_a_sacred_test_is_denied() {
    let p = sacred_project();
    let mut ev = payload("codex", "pre-tool-use-apply-patch", &p.repo);
    ev["tool_input"]["command"] = json!(format!(
        "*** Begin Patch\n*** Update File: {SACRED_FILE}\n@@ fn refund_is_exact() {{\n     let total = refund(100);\n-    assert_eq!(total, 100);\n     assert!(total >= 0, \"never negative\");\n*** End Patch\n"
    ));
    let reason = denied(&hook(&p.repo, "codex", &ev)).expect("denied");
    assert!(reason.contains("refund_is_exact"), "{reason}");
}

#[test]
fn bash_forms_found_through_the_real_client_are_refused() {
    let p = sacred_project();
    // A link to the hook, then an in-place edit that follows it.
    std::os::unix::fs::symlink(".git/hooks/pre-commit", p.repo.path("innocent")).unwrap();
    std::os::unix::fs::symlink(SACRED_FILE, p.repo.path("notes.rs")).unwrap();
    for cmd in [
        "sed -i --follow-symlinks 's/gatekeeper/true/' innocent",
        "sed -i --follow-symlinks 's/assert_eq/let _ = /' notes.rs",
        "printf '[core]\\n\\thooksPath = /tmp\\n' >> .git/config",
        "cd .git && rm hooks/pre-commit",
        "echo '{\"disableAllHooks\": true}' > .claude/settings.local.json",
        "git config alias.c 'commit -n' && git c -m x",
        "env -C . git commit -n -m x",
        "echo 'git commit -n -m x' | sh",
    ] {
        let out = bash(&p.repo, cmd);
        assert!(denied(&out).is_some(), "{cmd}: {}", text(&out));
    }
    // Absolute paths from a working directory outside the repository.
    let outside = p.sandbox.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    let root = p.repo.root.to_string_lossy().into_owned();
    for cmd in [
        format!("rm {root}/.git/hooks/pre-commit"),
        format!("echo x > {root}/gatekeeper.yml"),
        format!("sed -i s/100/1/ {root}/{SACRED_FILE}"),
    ] {
        let mut ev = payload("claude", "pre-tool-use-bash", &p.repo);
        ev["tool_input"]["command"] = json!(cmd);
        ev["cwd"] = json!(outside.to_string_lossy());
        let out = hook(&p.repo, "claude", &ev);
        assert!(denied(&out).is_some(), "{cmd}: {}", text(&out));
    }
    assert!(p.repo.exists(".git/hooks/pre-commit"));
}

#[test]
fn agent_hook_settings_are_protected_by_default() {
    let p = project();
    for rel in [
        ".claude/settings.json",
        ".claude/settings.local.json",
        ".codex/hooks.json",
    ] {
        let out = hook(
            &p.repo,
            "claude",
            &write_event(&p.repo, rel, "{\"disableAllHooks\": true}"),
        );
        assert!(
            denied(&out).is_some_and(|r| r.contains("hook settings")),
            "{rel}: {}",
            text(&out)
        );
    }
}

#[test]
fn mcp_file_tools_are_judged_like_write_and_edit() {
    let p = sacred_project();
    let mut ev = payload("claude", "pre-tool-use-write", &p.repo);
    ev["tool_name"] = json!("mcp__filesystem__write_file");
    ev["tool_input"] = json!({"path": abs(&p.repo, ".gatekeeper/x"), "content": "y"});
    assert!(denied(&hook(&p.repo, "claude", &ev)).is_some());
    ev["tool_name"] = json!("mcp__filesystem__edit_file");
    ev["tool_input"] = json!({
        "path": abs(&p.repo, SACRED_FILE),
        "edits": [{"oldText": "    assert_eq!(total, 100);\n", "newText": ""}],
    });
    let out = hook(&p.repo, "claude", &ev);
    assert!(
        denied(&out).is_some_and(|r| r.contains("weaken the sacred test")),
        "{}",
        text(&out)
    );
    // A read is not a write.
    ev["tool_name"] = json!("mcp__filesystem__read_file");
    ev["tool_input"] = json!({"path": abs(&p.repo, "gatekeeper.yml")});
    assert_eq!(denied(&hook(&p.repo, "claude", &ev)), None);
}

#[test]
fn an_edit_gatekeeper_cannot_place_is_refused_in_a_sacred_file() {
    let p = sacred_project();
    // CRLF in the file, LF in the edit: the client may still apply it.
    p.repo.write(SACRED_FILE, SACRED_SRC.replace('\n', "\r\n"));
    let out = hook(
        &p.repo,
        "claude",
        &edit_event(
            &p.repo,
            SACRED_FILE,
            "    let total = refund(100);\n    assert_eq!(total, 100);\n",
            "    let total = refund(100);\n",
        ),
    );
    assert!(
        denied(&out).is_some_and(|r| r.contains("weaken the sacred test")),
        "{}",
        text(&out)
    );
    // Text that is nowhere in the file, even normalised: the result is unknown.
    let out = hook(
        &p.repo,
        "claude",
        &edit_event(&p.repo, SACRED_FILE, "assert_eq!(total, 99);", ""),
    );
    assert!(
        denied(&out).is_some_and(|r| r.contains("cannot judge")),
        "{}",
        text(&out)
    );
}

#[test]
fn a_nested_repository_stays_under_the_outer_rules() {
    let p = project();
    p.repo.git(&["init", "-q", ".gatekeeper/nested"]);
    let out = hook(
        &p.repo,
        "claude",
        &write_event(&p.repo, ".gatekeeper/nested/x.txt", "y"),
    );
    assert!(
        denied(&out).is_some_and(|r| r.contains("protected")),
        "{}",
        text(&out)
    );
}
