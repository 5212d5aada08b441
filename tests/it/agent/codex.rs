//! The real Codex CLI (`codex exec`, from the npm package `@openai/codex` installed under
//! `tests/codex/`) against the fake Responses API of [`super::fake_api`], with the hooks
//! `gatekeeper install --agent codex` writes.
//!
//! Codex reads a project's `.codex/` only once the project is trusted and runs hooks only
//! once they are reviewed. Most tests pass `--trust` and `--dangerously-bypass-hook-trust`
//! for that; the `*_trusted_*` tests instead record the trust in Codex's `config.toml` as
//! `install --agent codex` tells the user to, and run Codex without either flag.

#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::json;

use super::claude::{path_with_gatekeeper, run_bounded};
use super::fake_api::{FakeApi, custom, request_text, text, tool};
use crate::common::{TestRepo, assert_code, assert_success};

/// The Codex CLI under test: `GATEKEEPER_TEST_CODEX`, else the native binary installed in
/// `tests/codex/node_modules`. A missing CLI fails the test.
fn codex_cli() -> PathBuf {
    if let Some(p) = std::env::var_os("GATEKEEPER_TEST_CODEX") {
        return PathBuf::from(p);
    }
    let scope = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/codex/node_modules/@openai");
    let found = std::fs::read_dir(&scope).ok().and_then(|rd| {
        rd.filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("codex-"))
            .filter_map(|e| std::fs::read_dir(e.path().join("vendor")).ok())
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin/codex"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "the Codex CLI is not installed in {}: run `bash .ci/install-claude.sh` \
             (npm ci in tests/codex), or set GATEKEEPER_TEST_CODEX to a `codex` binary",
            scope.display()
        )
    })
}

/// How the test stands in for the person who trusts the project and the hooks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Trust {
    /// `--trust` (Codex records the project as trusted) and `--dangerously-bypass-hook-trust`
    /// (hooks run without review, for this run only).
    Flags,
    /// Nothing: whatever Codex's `config.toml` under the test's HOME says.
    Recorded,
}

/// `codex exec` in `repo` against `api`, with the hooks installed for Codex.
fn run_codex(repo: &TestRepo, api: &FakeApi) -> std::process::Output {
    assert_success(
        &repo.gk(&["install", "--agent", "codex"]),
        "install --agent codex",
    );
    run_codex_as(repo, api, Trust::Flags)
}

/// `codex exec` in `repo` against `api`; the hooks must be installed already.
fn run_codex_as(repo: &TestRepo, api: &FakeApi, trust: Trust) -> std::process::Output {
    let mut c = Command::new(codex_cli());
    c.current_dir(&repo.root).env_clear().stdin(Stdio::null());
    for (k, v) in &repo.env {
        c.env(k, v);
    }
    c.env("PATH", path_with_gatekeeper(repo))
        .env("FAKE_API_KEY", "not-a-real-key")
        .env("NO_PROXY", "127.0.0.1,localhost");
    c.arg("exec");
    if trust == Trust::Flags {
        // Project configuration (the installed `.codex/hooks.json`) is read only in a trusted
        // project, and hooks run only once reviewed: both stand in for a person here.
        c.args(["--trust", "--dangerously-bypass-hook-trust"]);
    } else {
        // No sandbox, so that whether a commit happens depends on the hooks alone (Codex
        // would otherwise sandbox an untrusted project read-only).
        c.args(["--sandbox", "danger-full-access"]);
    }
    c.args([
        "-c",
        "check_for_update_on_startup=false",
        "-c",
        "model_provider=fake",
        "-c",
        &format!(
            "model_providers.fake={{name=\"fake\",base_url=\"{}/v1\",wire_api=\"responses\",env_key=\"FAKE_API_KEY\"}}",
            api.url
        ),
        // A model in the client's own catalogue, so that it offers `apply_patch` (free-form).
        "-m",
        "gpt-5.5",
        "Do the task.",
    ]);
    run_bounded(c)
}

/// Codex's user configuration file under the test's HOME.
fn codex_config(repo: &TestRepo) -> PathBuf {
    let home = repo
        .env
        .iter()
        .find(|(k, _)| k == "HOME")
        .map(|(_, v)| PathBuf::from(v))
        .expect("the test environment sets HOME");
    home.join(".codex/config.toml")
}

/// The `config.toml` entries `install --agent codex` tells the user to add.
fn printed_trust_entries(install_out: &std::process::Output) -> String {
    let out = String::from_utf8_lossy(&install_out.stdout).into_owned();
    let start = out
        .find("yourself:\n\n")
        .unwrap_or_else(|| panic!("install printed no trust steps:\n{out}"));
    let rest = &out[start + "yourself:\n\n".len()..];
    let end = rest
        .find("\nThen `gatekeeper doctor`")
        .expect("end of the entries");
    rest[..end].to_owned()
}

/// Does what a user following `install --agent codex`'s steps by hand does: adds the printed
/// entries to Codex's `config.toml`.
fn trust_as_printed(repo: &TestRepo) {
    let install = repo.gk(&["install", "--agent", "codex"]);
    assert_success(&install, "install --agent codex");
    let entries = printed_trust_entries(&install);
    let path = codex_config(repo);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    text.push_str(&entries);
    std::fs::write(&path, text).unwrap();
}

#[test]
fn codex_hooks_inject_the_brief_and_refuse_a_hook_skipping_commit() {
    let p = super::project();
    assert_success(
        &p.repo
            .gk(&["lesson", "add", "The exporter needs UTC timestamps"]),
        "lesson",
    );
    let head = p.repo.head();
    let api = FakeApi::start(vec![
        vec![tool(
            "exec_command",
            json!({"cmd": "git commit -q --allow-empty --no-verify -m sneaky"}),
        )],
        vec![text("done")],
    ]);
    let out = run_codex(&p.repo, &api);
    assert_success(&out, "codex exec");
    let reqs = api.requests();
    assert!(reqs.len() >= 2, "{}", crate::common::text(&out));
    assert!(
        request_text(&reqs[0]).contains("The exporter needs UTC timestamps"),
        "the brief is not in the first request"
    );
    assert_eq!(p.repo.head(), head, "the hook-skipping commit ran");
    let last = reqs.last().unwrap()["input"].to_string();
    assert!(
        last.contains("gatekeeper refuses this command") && last.contains("--no-verify"),
        "{last}"
    );
}

#[test]
fn codex_stop_is_blocked_while_the_gates_are_red_and_released_when_green() {
    let p = super::project();
    p.repo.write("FAIL", "x\n");
    let api = FakeApi::start(vec![
        vec![text("All done.")],
        vec![tool("exec_command", json!({"cmd": "rm FAIL"}))],
        vec![text("Fixed; done.")],
    ]);
    let out = run_codex(&p.repo, &api);
    assert_success(&out, "codex exec");
    let reqs = api.requests();
    assert_eq!(reqs.len(), 3, "{}", crate::common::text(&out));
    assert!(
        request_text(&reqs[1]).contains("check failed: 3 of 10 tests failed"),
        "the stop was not blocked with the gate's output: {}",
        request_text(&reqs[1])
    );
    assert!(!p.repo.exists("FAIL"));
}

#[test]
fn codex_apply_patch_that_weakens_a_sacred_test_is_refused() {
    let p = super::sacred_project();
    let patch = format!(
        "*** Begin Patch\n*** Update File: {}\n@@\n     let total = refund(100);\n-    assert_eq!(total, 100);\n     assert!(total >= 0, \"never negative\");\n*** End Patch\n",
        super::SACRED_FILE
    );
    let api = FakeApi::start(vec![
        vec![custom("apply_patch", &patch)],
        vec![text("done")],
    ]);
    let out = run_codex(&p.repo, &api);
    assert_success(&out, "codex exec");
    assert_eq!(
        String::from_utf8_lossy(&p.repo.read(super::SACRED_FILE)),
        super::SACRED_SRC,
        "the sacred test was weakened through apply_patch: {}",
        crate::common::text(&out)
    );
    let input = api.requests().last().unwrap()["input"].clone();
    let answer = input
        .as_array()
        .and_then(|a| a.last())
        .cloned()
        .unwrap_or_default();
    assert!(
        answer.to_string().contains("weaken the sacred test"),
        "{answer}"
    );
}

/// A hook-skipping commit the fake model asks Codex to run.
fn sneaky_commit_api() -> FakeApi {
    FakeApi::start(vec![
        vec![tool(
            "exec_command",
            json!({"cmd": "git commit -q --allow-empty -n -m sneaky"}),
        )],
        vec![text("done")],
    ])
}

#[test]
fn codex_skips_untrusted_hooks_without_a_word() {
    // Why `doctor` checks Codex's trust: installed but not trusted, the hooks never run.
    let p = super::project();
    assert_success(
        &p.repo.gk(&["install", "--agent", "codex"]),
        "install --agent codex",
    );
    let head = p.repo.head();
    let api = sneaky_commit_api();
    let out = run_codex_as(&p.repo, &api, Trust::Recorded);
    assert_success(&out, "codex exec");
    let last = api.requests().last().unwrap()["input"].to_string();
    assert!(!last.contains("gatekeeper refuses"), "{last}");
    assert_ne!(
        p.repo.head(),
        head,
        "the commit did not run, so the untrusted hooks ran after all: {}",
        crate::common::text(&out)
    );
}

#[test]
fn codex_runs_the_hooks_once_trusted_as_install_says() {
    let p = super::project();
    trust_as_printed(&p.repo);
    let doctor = p.repo.gk(&["doctor"]);
    assert!(
        crate::common::text(&doctor).contains("ok      codex: Codex trusts this project"),
        "{}",
        crate::common::text(&doctor)
    );
    let head = p.repo.head();
    let api = sneaky_commit_api();
    let out = run_codex_as(&p.repo, &api, Trust::Recorded);
    assert_success(&out, "codex exec");
    assert_eq!(
        p.repo.head(),
        head,
        "the hook-skipping commit ran: {}",
        crate::common::text(&out)
    );
    let last = api.requests().last().unwrap()["input"].to_string();
    assert!(last.contains("gatekeeper refuses this command"), "{last}");
}

/// A gate that fails while `FAIL` exists; at most 2 blocked stops in a row.
const STOP_CONFIG: &str = r#"gates:
  check:
    run: 'if [ -e FAIL ]; then echo "check failed: 3 of 10 tests failed"; exit 1; fi'
    stages: [agent-stop]
agents:
  stop_blocks: 2
  protected: ["gatekeeper.yml", ".gatekeeper/**"]
"#;

#[test]
fn codex_stop_keeps_blocking_while_red_up_to_the_configured_bound() {
    // Codex itself never stops re-prompting after a blocked stop: gatekeeper's bound must.
    let p = super::project_with(STOP_CONFIG);
    p.repo.write("FAIL", "x\n");
    // The agent only ever says it is done.
    let api = FakeApi::start(Vec::new());
    let out = run_codex(&p.repo, &api);
    assert_success(&out, "codex exec");
    let reqs = api.requests();
    // Two stops blocked (three turns in all), the third allowed with the gates still red.
    assert_eq!(reqs.len(), 3, "{}", crate::common::text(&out));
    for r in &reqs[1..] {
        assert!(
            request_text(r).contains("check failed"),
            "{}",
            request_text(r)
        );
    }
    assert!(p.repo.exists("FAIL"));
    let shown = crate::common::text(&out);
    assert_eq!(shown.matches("hook: Stop Blocked").count(), 2, "{shown}");
    assert!(shown.contains("hook: Stop Completed"), "{shown}");
}

#[test]
fn doctor_reports_codex_hooks_that_codex_will_not_run() {
    let p = super::project();
    let r = &p.repo;
    assert_success(&r.gk(&["install", "--agent", "codex"]), "install");
    // Nothing trusted yet.
    let out = r.gk(&["doctor"]);
    assert_code(&out, 1, "doctor finds the untrusted hooks");
    let t = crate::common::text(&out);
    assert!(
        t.contains("PROBLEM codex: Codex will not run gatekeeper's hooks")
            && t.contains("is not trusted")
            && t.contains("SessionStart, PreToolUse, Stop, SubagentStop hooks are not trusted yet")
            && t.contains("trust_level = \"trusted\""),
        "{t}"
    );
    // Trusted as `install` says: no problem any more.
    trust_as_printed(r);
    let out = r.gk(&["doctor"]);
    assert_success(&out, "doctor after trusting");
    let again = r.gk(&["install", "--agent", "codex"]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("it will run them"),
        "{}",
        crate::common::text(&again)
    );
    // A hook definition that changed since it was trusted (another Stop timeout).
    let hooks = r.read(".codex/hooks.json");
    let changed = String::from_utf8_lossy(&hooks).replace("3600", "1800");
    assert_ne!(changed.as_bytes(), &hooks[..]);
    r.write(".codex/hooks.json", &changed);
    let out = r.gk(&["doctor"]);
    assert_code(&out, 1, "doctor finds the changed hook");
    let t = crate::common::text(&out);
    assert!(
        t.contains("Stop, SubagentStop hooks are changed since they were trusted (hash mismatch)")
            && !t.contains("is not trusted"),
        "{t}"
    );
    // The project explicitly untrusted.
    let cfg = codex_config(r);
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("trust_level = \"trusted\"", "trust_level = \"untrusted\"");
    std::fs::write(&cfg, text).unwrap();
    let t = crate::common::text(&r.gk(&["doctor"]));
    assert!(t.contains("is marked `untrusted`"), "{t}");
    // An unreadable Codex configuration: doctor cannot tell, and says so.
    std::fs::write(&cfg, "[projects\n").unwrap();
    let out = r.gk(&["doctor"]);
    assert_code(&out, 1, "doctor cannot tell");
    assert!(
        crate::common::text(&out).contains("cannot tell whether Codex runs gatekeeper's hooks"),
        "{}",
        crate::common::text(&out)
    );
}

#[test]
fn session_worktree_warns_that_codex_must_trust_its_hooks_again() {
    // Codex keys hook trust by the path of `hooks.json`: a new worktree starts untrusted.
    let p = super::project();
    let r = &p.repo;
    trust_as_printed(r);
    r.git(&["add", ".codex/hooks.json"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "codex hooks"]);
    let out = r.gk(&["--format", "json", "session", "start", "--worktree", "cx"]);
    assert_success(&out, "session start --worktree");
    let started: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let wt = started["session"]["worktree"]["path"].as_str().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "in the worktree `{wt}`: Codex will not run gatekeeper's hooks"
        )) && err.contains(&format!(
            "[hooks.state.\"{wt}/.codex/hooks.json:pre_tool_use:0:0\"]"
        )),
        "{err}"
    );
    // The project's trust carries over from the main work tree; the hooks' does not.
    assert!(!err.contains("trust_level = \"trusted\""), "{err}");
}
