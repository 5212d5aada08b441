//! `.pre-commit-hooks.yaml` exercised with the real pre-commit (from PATH; scripts/test.sh
//! installs a pinned version): a project lists gatekeeper's hooks in its
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
/// installed and `gatekeeper` on PATH (the hooks are `language: system`).
struct Project {
    sb: Sandbox,
    repo: TestRepo,
}

fn project() -> Project {
    let pre_commit = required_tool("pre-commit");
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
    r.set_env(
        "PRE_COMMIT_HOME",
        &sb.home.join(".cache/pre-commit").to_string_lossy(),
    );
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

    let mut install = std::process::Command::new(&pre_commit);
    install
        .args([
            "install",
            "--hook-type",
            "pre-commit",
            "--hook-type",
            "pre-push",
        ])
        .current_dir(&r.root)
        .env_clear();
    for (k, v) in &r.env {
        install.env(k, v);
    }
    let out = install.output().expect("run pre-commit install");
    assert_success(&out, "pre-commit install");
    Project { sb, repo: r }
}

#[test]
fn pre_commit_runs_the_gates_of_gatekeeper_yml_on_the_staged_files() {
    let p = project();
    let r = &p.repo;
    r.write("notes.txt", "first\nsecond\n");
    r.git(&["add", "notes.txt"]);
    let out = r.commit("a good change");
    assert_success(&out, "a good change through pre-commit");
    assert!(
        text(&out).contains("gatekeeper (gates of gatekeeper.yml)"),
        "{}",
        text(&out)
    );

    let before = r.head();
    r.write("notes.txt", "first\nsecond\nTODO: later\n");
    r.git(&["add", "notes.txt"]);
    let out = r.commit("a bad change");
    assert_code(&out, 1, "the no-todo gate refuses through pre-commit");
    let all = text(&out);
    assert!(
        all.contains("no-todo") && all.contains("TODO: later"),
        "{all}"
    );
    assert_eq!(r.head(), before, "nothing was committed");
}

#[test]
fn pre_commit_runs_the_sacred_check_on_the_staged_content() {
    let p = project();
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
        "weakening a sacred test is refused through pre-commit",
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
fn pre_push_runs_the_pre_push_gates_of_the_pushed_commits() {
    let p = project();
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
