//! Integration tests: install, uninstall, doctor, init.

use std::os::unix::fs::PermissionsExt as _;

use crate::common::{Sandbox, assert_code, assert_success, text};

const OK: &str = "gates:\n  ok:\n    run: 'true'\n";

#[test]
fn install_keeps_a_foreign_hook_and_runs_it_first() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    let foreign = "#!/bin/sh\necho foreign-ran >> \"$(git rev-parse --show-toplevel)/../foreign.log\"\nexit 0\n";
    r.write(".git/hooks/pre-commit", foreign);
    std::fs::set_permissions(
        r.path(".git/hooks/pre-commit"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    r.setup(OK);
    r.write("f.txt", "x\n");
    r.git(&["add", "f.txt"]);
    assert_success(&r.commit("c"), "commit");
    let log = std::fs::read_to_string(sb.path().join("foreign.log")).unwrap();
    assert_eq!(log.trim(), "foreign-ran");
}

#[test]
fn failing_foreign_hook_blocks_the_commit() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write(
        ".git/hooks/pre-commit",
        "#!/bin/sh\necho nope >&2\nexit 1\n",
    );
    std::fs::set_permissions(
        r.path(".git/hooks/pre-commit"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    r.setup(OK);
    r.write("f.txt", "x\n");
    r.git(&["add", "f.txt"]);
    let out = r.commit("c");
    assert_code(&out, 1, "the displaced hook's failure blocks");
    assert!(
        text(&out).contains("pre-existing pre-commit hook"),
        "{}",
        text(&out)
    );
}

#[test]
fn install_is_idempotent_and_uninstall_restores_byte_for_byte() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    let foreign = b"#!/bin/sh\n# my own hook \xc3\xbc\nexit 0\n";
    r.write(".git/hooks/pre-push", foreign);
    std::fs::set_permissions(
        r.path(".git/hooks/pre-push"),
        std::fs::Permissions::from_mode(0o750),
    )
    .unwrap();
    r.setup(OK);
    let snapshot = |name: &str| std::fs::read(r.path(&format!(".git/hooks/{name}"))).unwrap();
    let first = (
        snapshot("pre-commit"),
        snapshot("pre-push"),
        snapshot("post-checkout"),
    );
    let again = r.gk(&["install"]);
    assert_success(&again, "second install");
    assert!(
        text(&again).contains("already installed"),
        "{}",
        text(&again)
    );
    assert_eq!(
        first,
        (
            snapshot("pre-commit"),
            snapshot("pre-push"),
            snapshot("post-checkout")
        )
    );
    assert!(!r.exists(".git/hooks/pre-push.gatekeeper-displaced.gatekeeper-displaced"));
    assert_success(&r.gk(&["uninstall"]), "uninstall");
    assert_eq!(
        snapshot("pre-push"),
        foreign,
        "the displaced hook is back, byte for byte"
    );
    let mode = std::fs::metadata(r.path(".git/hooks/pre-push"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o750, "with its mode");
    assert!(!r.exists(".git/hooks/pre-commit"), "our hooks are gone");
    assert!(!r.exists(".git/hooks/post-checkout"));
    assert!(!r.exists(".git/hooks/pre-push.gatekeeper-displaced"));
}

#[test]
fn uninstall_leaves_foreign_hooks_alone() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup(OK);
    r.write(".git/hooks/pre-commit", "#!/bin/sh\nexit 0\n");
    assert_success(&r.gk(&["uninstall"]), "uninstall");
    assert_eq!(r.read(".git/hooks/pre-commit"), b"#!/bin/sh\nexit 0\n");
}

#[test]
fn install_honours_core_hooks_path() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.git(&["config", "core.hooksPath", ".githooks"]);
    r.setup(OK);
    assert!(
        r.exists(".githooks/pre-commit"),
        "hooks go where git reads them"
    );
    assert!(!r.exists(".git/hooks/pre-commit"));
    r.write("f.txt", "x\n");
    r.git(&["add", "f.txt"]);
    r.write("gatekeeper.yml", "gates:\n  no:\n    run: exit 1\n");
    r.git(&["add", "gatekeeper.yml"]);
    assert_success(&r.gk(&["trust"]), "trust");
    assert_code(&r.commit("c"), 1, "the hook in core.hooksPath runs");
}

#[test]
fn hooks_work_from_a_linked_worktree() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write("README", "x\n");
    r.setup("gates:\n  no:\n    run: exit 1\n");
    let wt = sb.path().join("linked");
    r.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "-b", "wt"]);
    let out = std::process::Command::new("git")
        .current_dir(&wt)
        .env_clear()
        .envs(sb.env())
        .args(["commit", "--allow-empty", "-m", "from linked"])
        .output()
        .unwrap();
    assert_code(&out, 1, "the common hooks run in the linked work tree");
    let install = std::process::Command::new(crate::common::bin())
        .current_dir(&wt)
        .env_clear()
        .envs(sb.env())
        .arg("install")
        .output()
        .unwrap();
    assert_success(&install, "install from a linked work tree");
    assert!(
        text(&install).contains("already installed"),
        "the same common hooks dir:\n{}",
        text(&install)
    );
}

#[test]
fn missing_binary_blocks_the_commit_with_a_fix() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup(OK);
    let shim = String::from_utf8(r.read(".git/hooks/pre-commit")).unwrap();
    let bin = crate::common::bin();
    let broken = shim.replace(bin.to_str().unwrap(), "/nonexistent/gatekeeper");
    assert_ne!(broken, shim);
    r.write(".git/hooks/pre-commit", broken);
    let mut r = r;
    r.set_env("PATH", "/usr/bin:/bin");
    r.write("f.txt", "x\n");
    r.git(&["add", "f.txt"]);
    let before = r.head();
    let out = r.commit("c");
    assert_code(&out, 1, "a missing binary blocks");
    assert_eq!(r.head(), before);
    let all = text(&out);
    assert!(all.contains("install gatekeeper again"), "{all}");
}

#[test]
fn doctor_explains_problems_and_passes_when_healthy() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup(OK);
    assert_success(&r.gk(&["doctor"]), "healthy install");
    r.write("gatekeeper.yml", "gates:\n  other:\n    run: 'true'\n");
    std::fs::remove_file(r.path(".git/hooks/pre-push")).unwrap();
    r.git(&["config", "core.hooksPath", "elsewhere"]);
    let out = r.gk(&["doctor"]);
    assert_code(&out, 1, "doctor finds problems");
    let all = text(&out);
    assert!(all.contains("not trusted"), "{all}");
    assert!(all.contains("core.hooksPath"), "{all}");
    assert!(all.contains("no hook at"), "{all}");
}

#[test]
fn init_writes_a_template_for_the_detected_project() {
    let sb = Sandbox::new();
    for (marker, expect) in [
        ("Cargo.toml", "cargo clippy"),
        ("package.json", "npm test"),
        ("pyproject.toml", "pytest"),
        ("go.mod", "go test"),
        ("", "whitespace"),
    ] {
        let r = sb.repo(&format!(
            "init-{}",
            if marker.is_empty() { "generic" } else { marker }
        ));
        if !marker.is_empty() {
            r.write(marker, "");
        }
        assert_success(&r.gk(&["init"]), "init");
        let cfg = String::from_utf8(r.read("gatekeeper.yml")).unwrap();
        assert!(cfg.contains(expect), "{marker}: {cfg}");
        assert_code(&r.gk(&["init"]), 2, "init refuses to overwrite");
        assert_success(&r.gk(&["init", "--force"]), "init --force");
    }
}
