//! `.pre-commit-hooks.yaml` exercised with the real pre-commit and prek (from PATH;
//! scripts/test.sh installs pinned versions): a project lists gatekeeper's hooks in its
//! `.pre-commit-config.yaml`, pointing at a local clone, so nothing reaches the network.

use std::os::unix::fs::symlink;

use crate::common::{
    Sandbox, TestRepo, assert_code, assert_success, bin, required_tool, source_root, text,
};

const CONFIG: &str = r#"gates:
  no-todo:
    run: "! grep -n TODO {files}"
    glob: ["*.txt"]
  no-block-file:
    run: "test ! -e BLOCK"
    stages: [pre-push]
"#;

const SACRED_TEST: &str = "import pytest\n\n\n@pytest.mark.sacred\ndef test_refund_is_exact():\n    total = 100\n    assert total == 100\n";

/// A project whose `.pre-commit-config.yaml` lists gatekeeper's three hooks from a local
/// repository holding this checkout's `.pre-commit-hooks.yaml`, with pre-commit's hooks
/// installed by `manager` (`pre-commit` or `prek`) and `gatekeeper` on PATH (the hooks are
/// `language: system`).
struct Project {
    sb: Sandbox,
    repo: TestRepo,
}

fn project(manager: &str) -> Project {
    let manager = required_tool(manager);
    let sb = Sandbox::new();

    let bin_dir = sb.path().join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    symlink(bin(), bin_dir.join("gatekeeper")).unwrap();

    let hooks = sb.repo("gatekeeper-hooks");
    let manifest = std::fs::read(source_root().join(".pre-commit-hooks.yaml")).unwrap();
    hooks.write(".pre-commit-hooks.yaml", manifest);
    hooks.git(&["add", "-A"]);
    hooks.git(&["commit", "-q", "-m", "hooks"]);
    let rev = hooks.head();

    let mut r = sb.repo("shop");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        r.env.iter().find(|(k, _)| k == "PATH").unwrap().1
    );
    r.set_env("PATH", &path);
    // Both keep their clones and caches inside the sandbox's home.
    r.set_env(
        "PRE_COMMIT_HOME",
        &sb.home.join(".cache/pre-commit").to_string_lossy(),
    );
    r.set_env("PREK_HOME", &sb.home.join(".cache/prek").to_string_lossy());
    r.write("gatekeeper.yml", CONFIG);
    r.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: gatekeeper\n      - id: gatekeeper-sacred\n      - id: gatekeeper-pre-push\n",
            hooks.root.display()
        ),
    );
    r.write("notes.txt", "first\n");
    r.write("tests/test_refunds.py", SACRED_TEST);
    r.git(&["add", "-A"]);
    let out = r.gk(&["sacred", "lock"]);
    assert_success(&out, "sacred lock");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "setup"]);

    let mut install = std::process::Command::new(&manager);
    install
        .args(["install", "-t", "pre-commit", "-t", "pre-push"])
        .current_dir(&r.root)
        .env_clear();
    for (k, v) in &r.env {
        install.env(k, v);
    }
    let out = install.output().expect("run the hook manager's install");
    assert_success(&out, &format!("{} install", manager.display()));
    Project { sb, repo: r }
}

#[test]
fn pre_commit_runs_the_gates_of_gatekeeper_yml_on_the_staged_files() {
    gates_run_on_the_staged_files("pre-commit");
}

#[test]
fn prek_runs_the_gates_of_gatekeeper_yml_on_the_staged_files() {
    gates_run_on_the_staged_files("prek");
}

fn gates_run_on_the_staged_files(manager: &str) {
    let p = project(manager);
    let r = &p.repo;
    r.write("notes.txt", "first\nsecond\n");
    r.git(&["add", "notes.txt"]);
    let out = r.commit("a good change");
    assert_success(&out, &format!("a good change through {manager}"));
    assert!(
        text(&out).contains("gatekeeper (gates of gatekeeper.yml)"),
        "{}",
        text(&out)
    );

    let before = r.head();
    r.write("notes.txt", "first\nsecond\nTODO: later\n");
    r.git(&["add", "notes.txt"]);
    let out = r.commit("a bad change");
    assert_code(
        &out,
        1,
        &format!("the no-todo gate refuses through {manager}"),
    );
    let all = text(&out);
    assert!(
        all.contains("no-todo") && all.contains("TODO: later"),
        "{all}"
    );
    assert_eq!(r.head(), before, "nothing was committed");
}

#[test]
fn pre_commit_runs_the_sacred_check_on_the_staged_content() {
    sacred_check_runs_on_the_staged_content("pre-commit");
}

#[test]
fn prek_runs_the_sacred_check_on_the_staged_content() {
    sacred_check_runs_on_the_staged_content("prek");
}

fn sacred_check_runs_on_the_staged_content(manager: &str) {
    let p = project(manager);
    let r = &p.repo;
    r.write(
        "tests/test_refunds.py",
        SACRED_TEST.replace("    assert total == 100\n", "    assert total >= 0\n"),
    );
    r.git(&["add", "-A"]);
    let out = r.commit("loosen the refund test");
    assert_code(
        &out,
        1,
        &format!("weakening a sacred test is refused through {manager}"),
    );
    let all = text(&out);
    assert!(
        all.contains("refused: python:tests/test_refunds.py::test_refund_is_exact"),
        "{all}"
    );
    assert!(all.contains("gatekeeper sacred check"), "{all}");

    // Staged is what counts: the weakening left unstaged does not block a good commit.
    r.git(&["reset", "-q", "tests/test_refunds.py"]);
    r.write("notes.txt", "first\nthird\n");
    r.git(&["add", "notes.txt"]);
    assert_success(&r.commit("unrelated change"), "the staged content is clean");
}

#[test]
fn pre_commit_pre_push_runs_the_pre_push_gates_of_the_pushed_commits() {
    pre_push_gates_run_on_the_pushed_commits("pre-commit");
}

#[test]
fn prek_pre_push_runs_the_pre_push_gates_of_the_pushed_commits() {
    pre_push_gates_run_on_the_pushed_commits("prek");
}

fn pre_push_gates_run_on_the_pushed_commits(manager: &str) {
    let p = project(manager);
    let r = &p.repo;
    let remote = p.sb.path().join("remote.git");
    r.git(&["init", "-q", "--bare", &remote.to_string_lossy()]);
    r.git(&["remote", "add", "origin", &remote.to_string_lossy()]);
    // A new branch whose history starts at a root commit: pre-commit gives no range.
    let out = r.git_output(&["push", "-q", "origin", "main"]);
    assert_success(&out, "the first push");

    r.write("BLOCK", "do not push\n");
    r.git(&["add", "BLOCK"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "blocked"]);
    let out = r.git_output(&["push", "-q", "origin", "main"]);
    assert_code(&out, 1, "the pre-push gate refuses");
    assert!(text(&out).contains("no-block-file"), "{}", text(&out));
    let remote_main = r.git(&["ls-remote", &remote.to_string_lossy(), "refs/heads/main"]);
    assert!(!remote_main.contains(&r.head()), "{remote_main}");

    r.git(&["rm", "-q", "BLOCK"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "unblocked"]);
    let out = r.git_output(&["push", "-q", "origin", "main"]);
    assert_success(&out, "the push after removing the file (range FROM..TO)");
}

/// The `lefthook.yml` that docs/hook-managers.md shows, taken from the page itself.
fn documented_lefthook_yml() -> String {
    let page = std::fs::read_to_string(source_root().join("docs/hook-managers.md")).unwrap();
    let start = page
        .find("# lefthook.yml\n")
        .expect("docs/hook-managers.md shows a lefthook.yml");
    let end = start + page[start..].find("```").unwrap();
    page[start..end].to_owned()
}

#[test]
fn lefthook_runs_gatekeepers_hooks_as_documented() {
    let lefthook = required_tool("lefthook");
    let sb = Sandbox::new();
    let bin_dir = sb.path().join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    symlink(bin(), bin_dir.join("gatekeeper")).unwrap();
    let mut r = sb.repo("shop");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        r.env.iter().find(|(k, _)| k == "PATH").unwrap().1
    );
    r.set_env("PATH", &path);
    r.set_env("LEFTHOOK_NO_COLOR", "1");
    r.write("gatekeeper.yml", CONFIG);
    r.write("lefthook.yml", documented_lefthook_yml());
    r.write("notes.txt", "first\n");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "setup"]);
    let mut install = std::process::Command::new(&lefthook);
    install.arg("install").current_dir(&r.root).env_clear();
    for (k, v) in &r.env {
        install.env(k, v);
    }
    assert_success(&install.output().unwrap(), "lefthook install");
    // gatekeeper's hook entry points run only a trusted configuration.
    assert_success(&r.gk(&["trust"]), "gatekeeper trust");

    r.write("notes.txt", "first\nTODO: later\n");
    r.git(&["add", "notes.txt"]);
    let out = r.commit("todo");
    assert_code(&out, 1, "the pre-commit gate refuses through lefthook");
    assert!(text(&out).contains("no-todo"), "{}", text(&out));
    r.write("notes.txt", "first\nsecond\n");
    r.git(&["add", "notes.txt"]);
    assert_success(&r.commit("good"), "a good change through lefthook");

    let remote = sb.path().join("remote.git");
    r.git(&["init", "-q", "--bare", &remote.to_string_lossy()]);
    r.git(&["remote", "add", "origin", &remote.to_string_lossy()]);
    assert_success(
        &r.git_output(&["push", "-q", "origin", "main"]),
        "first push",
    );
    r.write("BLOCK", "x\n");
    r.git(&["add", "BLOCK"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "blocked"]);
    let out = r.git_output(&["push", "-q", "origin", "main"]);
    assert_code(
        &out,
        1,
        "the pre-push gate refuses through lefthook (refs on stdin)",
    );
    assert!(text(&out).contains("no-block-file"), "{}", text(&out));
}
