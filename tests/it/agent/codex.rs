//! The real Codex CLI (`codex exec`, from the npm package `@openai/codex` installed under
//! `tests/codex/`) against the fake Responses API of [`super::fake_api`], with the hooks
//! `gatekeeper install --agent codex` writes.
//!
//! Codex reads a project's `.codex/` only once the project is trusted (`codex exec --trust`)
//! and runs hooks only once they are reviewed; headless, `--dangerously-bypass-hook-trust`
//! stands in for that review.

#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::json;

use super::claude::{path_with_gatekeeper, run_bounded};
use super::fake_api::{FakeApi, custom, request_text, text, tool};
use crate::common::{TestRepo, assert_success};

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

/// `codex exec` in `repo` against `api`, with the hooks installed for Codex.
fn run_codex(repo: &TestRepo, api: &FakeApi) -> std::process::Output {
    assert_success(
        &repo.gk(&["install", "--agent", "codex"]),
        "install --agent codex",
    );
    let mut c = Command::new(codex_cli());
    c.current_dir(&repo.root).env_clear().stdin(Stdio::null());
    for (k, v) in &repo.env {
        c.env(k, v);
    }
    c.env("PATH", path_with_gatekeeper(repo))
        .env("FAKE_API_KEY", "not-a-real-key")
        .env("NO_PROXY", "127.0.0.1,localhost");
    c.args([
        "exec",
        // Project configuration (the installed `.codex/hooks.json`) is read only in a trusted
        // project, and hooks run only once reviewed: both stand in for a person here.
        "--trust",
        "--dangerously-bypass-hook-trust",
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
