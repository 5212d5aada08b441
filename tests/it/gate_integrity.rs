//! Integration tests: `gatekeeper ci --base` and pre-push refuse a change that weakens the gates
//! themselves (their definitions, the files they run, protected paths) unless it is signed by
//! an allowed signer; real SSH signing keys, real signed commits.

use std::path::Path;
use std::process::Output;

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, text};

/// A fresh ed25519 key under `dir`; returns its private key path and public key line.
fn ssh_key(dir: &Path, name: &str) -> (String, String) {
    let key = dir.join(name);
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen");
    assert!(out.status.success(), "ssh-keygen failed");
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    (key.to_string_lossy().into_owned(), public.trim().to_owned())
}

/// A repository with `config`, the files in `files`, an executable `scripts/test.sh` that
/// passes only with `STRICT=1`, and `.gatekeeper/allowed_signers` listing the key commits
/// are signed with (`git commit -S`). Returns the repository and the base commit.
fn repo(sb: &Sandbox, config: &str, files: &[(&str, &str)]) -> (TestRepo, String) {
    let mut r = sb.repo("r");
    r.set_env("CI", "true");
    r.write("scripts/test.sh", "#!/bin/sh\ntest \"$STRICT\" = 1\n");
    set_executable(&r.path("scripts/test.sh"));
    for (path, content) in files {
        r.write(path, content);
    }
    let (key, public) = ssh_key(sb.path(), "signer");
    r.git(&["config", "gpg.format", "ssh"]);
    r.git(&["config", "user.signingkey", &key]);
    r.write(
        ".gatekeeper/allowed_signers",
        format!("committer@example.com {public}\n"),
    );
    r.setup(config);
    let base = r.head();
    (r, base)
}

fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn ci(r: &TestRepo, base: &str) -> Output {
    r.gk(&["ci", "--base", base])
}

/// Commits everything, signed or not, without hooks.
fn commit_all(r: &TestRepo, signed: bool, msg: &str) {
    r.git(&["add", "-A"]);
    if signed {
        r.git(&["commit", "-q", "--no-verify", "-S", "-m", msg]);
    } else {
        r.git(&["commit", "-q", "--no-verify", "-m", msg]);
    }
}

const GATES: &str = "gates:\n  test:\n    run: ./scripts/test.sh\n    glob: ['*.txt', '*.sh', '*.json', '*.yml']\n    env: { STRICT: '1' }\n    stages: [pre-push, ci]\n    timeout: 5m\n    required: true\n  js:\n    run: npm test\n    stages: [pre-commit]\n";

const PACKAGE_JSON: &str = "{\n  \"name\": \"app\",\n  \"scripts\": { \"test\": \"jest\" }\n}\n";

fn gates_repo(sb: &Sandbox, extra: &str) -> (TestRepo, String) {
    repo(
        sb,
        &format!("{GATES}{extra}"),
        &[
            ("package.json", PACKAGE_JSON),
            ("notes.txt", "hello\n"),
            ("migrations/001.sql", "create table t (id int);\n"),
        ],
    )
}

/// Applies `change` on top of `base` unsigned (refused, naming `rule` and `expected`) and then
/// signed (accepted).
fn refused_unsigned_accepted_signed(
    r: &TestRepo,
    base: &str,
    change: &dyn Fn(&TestRepo),
    rule: &str,
    expected: &str,
) {
    r.git(&["reset", "-q", "--hard", base]);
    change(r);
    commit_all(r, false, "unsigned change");
    let out = ci(r, base);
    assert_code(&out, 1, expected);
    let all = text(&out);
    assert!(all.contains(&format!("[{rule}]")), "{expected}: {all}");
    assert!(all.contains(expected), "{expected}: {all}");
    assert!(
        all.contains("git commit -S"),
        "the message says how to sign: {all}"
    );
    r.git(&["reset", "-q", "--hard", base]);
    change(r);
    commit_all(r, true, "signed change");
    let out = ci(r, base);
    assert_success(&out, &format!("signed: {expected}"));
}

fn config_change(from: &'static str, to: &'static str) -> impl Fn(&TestRepo) {
    move |r: &TestRepo| {
        let config = String::from_utf8(r.read("gatekeeper.yml")).unwrap();
        assert!(config.contains(from), "{from} not in {config}");
        r.write("gatekeeper.yml", config.replacen(from, to, 1));
    }
}

#[test]
fn ci_refuses_a_gate_command_made_to_pass_unless_signed_and_runs_the_base_gates() {
    let sb = Sandbox::new();
    let (r, base) = repo(
        &sb,
        "gates:\n  test:\n    run: 'false'\n    required: true\nagents:\n  protected: ['gatekeeper.yml']\n",
        &[],
    );
    r.write(
        "gatekeeper.yml",
        "gates:\n  test:\n    run: 'false || true'\n    required: true\nagents:\n  protected: ['gatekeeper.yml']\n",
    );
    commit_all(&r, false, "make the gate pass");
    let out = ci(&r, &base);
    assert_code(&out, 1, "unsigned weakening");
    let all = text(&out);
    assert!(
        all.contains(r#"gates.test.run: changed from "false" to "false || true""#),
        "{all}"
    );
    assert!(all.contains("[config-weakened]"), "{all}");
    assert!(
        all.contains("refused: gatekeeper.yml [protected-changed]"),
        "{all}"
    );
    assert!(
        all.contains("whether a new command is weaker cannot be decided"),
        "{all}"
    );
    // The base's gate judged the change: `false` failed.
    assert!(all.contains("FAIL test — failed"), "{all}");
    assert!(all.contains("0 passed"), "{all}");
    assert!(
        all.contains("the gates ran as the base defines them"),
        "{all}"
    );

    r.git(&["reset", "-q", "--hard", &base]);
    r.write(
        "gatekeeper.yml",
        "gates:\n  test:\n    run: 'false || true'\n    required: true\nagents:\n  protected: ['gatekeeper.yml']\n",
    );
    commit_all(&r, true, "signed: make the gate pass");
    let out = ci(&r, &base);
    assert_success(&out, "a signed change to the gate");
    assert!(text(&out).contains("1 passed"), "{}", text(&out));
}

#[test]
fn ci_refuses_each_unsigned_change_to_a_gate_definition_and_accepts_it_signed() {
    let sb = Sandbox::new();
    let (r, base) = gates_repo(&sb, "");
    for (from, to, expected) in [
        (
            "run: ./scripts/test.sh\n",
            "run: ./scripts/test.sh --quick\n",
            r#"gates.test.run: changed from "./scripts/test.sh" to "./scripts/test.sh --quick""#,
        ),
        (
            "run: ./scripts/test.sh\n",
            "run: ./scripts/test.sh || true\n",
            r#"gates.test.run: changed from "./scripts/test.sh" to "./scripts/test.sh || true""#,
        ),
        (
            "env: { STRICT: '1' }",
            "env: { STRICT: '1', SKIP_TESTS: '1' }",
            r#"gates.test.env.SKIP_TESTS: changed from null to "1""#,
        ),
        (
            "glob: ['*.txt', '*.sh', '*.json', '*.yml']",
            "glob: ['*.txt']",
            "gates.test.glob: changed from",
        ),
        (
            "stages: [pre-push, ci]",
            "stages: [ci]",
            "gates.test.stages: pre-push removed",
        ),
        (
            "timeout: 5m",
            "timeout: 1h",
            "gates.test.timeout: 5m raised to 1h",
        ),
    ] {
        refused_unsigned_accepted_signed(
            &r,
            &base,
            &config_change(from, to),
            "config-weakened",
            expected,
        );
    }
}

#[test]
fn ci_refuses_an_unsigned_edit_of_the_script_a_gate_runs() {
    let sb = Sandbox::new();
    let (r, base) = gates_repo(&sb, "");
    refused_unsigned_accepted_signed(
        &r,
        &base,
        &|r: &TestRepo| r.write("scripts/test.sh", "#!/bin/sh\nexit 0\n"),
        "gate-file-changed",
        "scripts/test.sh: changed",
    );
}

#[test]
fn ci_refuses_an_unsigned_edit_of_the_package_json_script_a_gate_runs() {
    let sb = Sandbox::new();
    let (r, base) = gates_repo(&sb, "");
    refused_unsigned_accepted_signed(
        &r,
        &base,
        &|r: &TestRepo| {
            r.write(
                "package.json",
                PACKAGE_JSON.replace("\"jest\"", "\"jest || true\""),
            );
        },
        "gate-file-changed",
        r#"package.json scripts.test: "jest" → "jest || true""#,
    );
    // Another entry of the same file is not part of the gate.
    r.git(&["reset", "-q", "--hard", &base]);
    r.write(
        "package.json",
        PACKAGE_JSON.replace("\"jest\" }", "\"jest\", \"fmt\": \"prettier -w .\" }"),
    );
    commit_all(&r, false, "a new script");
    assert_success(&ci(&r, &base), "an unrelated script needs no signature");
}

#[test]
fn ci_refuses_an_unsigned_change_to_a_protected_path_or_a_gate_protect_glob() {
    let sb = Sandbox::new();
    let (r, base) = gates_repo(
        &sb,
        "    protect: ['Makefile']\nagents:\n  protected: ['migrations/**']\n",
    );
    refused_unsigned_accepted_signed(
        &r,
        &base,
        &|r: &TestRepo| r.write("migrations/001.sql", "drop table t;\n"),
        "protected-changed",
        "refused: migrations/001.sql [protected-changed]",
    );
    refused_unsigned_accepted_signed(
        &r,
        &base,
        &|r: &TestRepo| r.write("Makefile", "test:\n\ttrue\n"),
        "gate-file-changed",
        "Makefile: changed (listed in gates.js.protect)",
    );
}

#[test]
fn ci_accepts_a_new_gate_and_an_unrelated_change_unsigned() {
    let sb = Sandbox::new();
    let (r, base) = gates_repo(&sb, "  lint:\n    run: 'true'\n    stages: [ci]\n");
    r.write(
        "gatekeeper.yml",
        format!(
            "{GATES}  lint:\n    run: 'true'\n    stages: [ci]\n  audit:\n    run: 'true'\n    stages: [ci]\n"
        ),
    );
    r.write("notes.txt", "hello again\n");
    commit_all(&r, false, "a new gate and a note");
    let out = ci(&r, &base);
    assert_success(&out, "a new gate and an unrelated change");
    let all = text(&out);
    assert!(!all.contains("refused:"), "{all}");
    // The new gate ran: the gates came from the change's configuration.
    assert!(all.contains("audit"), "{all}");
}

#[test]
fn a_signature_by_a_key_not_allowed_at_the_base_does_not_count() {
    let sb = Sandbox::new();
    let (r, base) = gates_repo(&sb, "");
    let (stranger, _) = ssh_key(sb.path(), "stranger");
    r.git(&["config", "user.signingkey", &stranger]);
    config_change("timeout: 5m", "timeout: 1h")(&r);
    commit_all(&r, true, "signed by a stranger");
    let out = ci(&r, &base);
    assert_code(&out, 1, "a stranger's signature");
    assert!(
        text(&out).contains("not by an allowed signer"),
        "{}",
        text(&out)
    );
}

#[test]
fn pre_push_refuses_an_unsigned_change_to_a_gate_before_ci_does() {
    let sb = Sandbox::new();
    let (mut r, _) = gates_repo(&sb, "");
    r.set_env("CI", "");
    let bare = sb.path().join("remote.git");
    let out = std::process::Command::new("git")
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(&bare)
        .output()
        .unwrap();
    assert!(out.status.success());
    r.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    assert_success(
        &r.git_output(&["push", "-q", "origin", "main"]),
        "first push",
    );
    r.write("scripts/test.sh", "#!/bin/sh\nexit 0\n");
    commit_all(&r, false, "skip the tests");
    let out = r.git_output(&["push", "-q", "origin", "main"]);
    assert!(!out.status.success(), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("refused: scripts/test.sh [gate-file-changed]"),
        "{all}"
    );
    r.git(&["commit", "-q", "--no-verify", "--amend", "-S", "--no-edit"]);
    assert_success(
        &r.git_output(&["push", "-q", "origin", "main"]),
        "the signed commit is pushed",
    );
}

#[test]
fn a_signed_change_brought_in_by_an_unsigned_merge_commit_is_accepted() {
    let sb = Sandbox::new();
    let (r, base) = gates_repo(&sb, "");
    r.git(&["checkout", "-q", "-b", "feature"]);
    config_change("timeout: 5m", "timeout: 1h")(&r);
    commit_all(&r, true, "signed: a longer timeout");
    // A pull request's test merge: the base as first parent, an unsigned merge commit.
    r.git(&["checkout", "-q", "--detach", &base]);
    r.git(&[
        "merge",
        "-q",
        "--no-ff",
        "--no-verify",
        "--no-edit",
        "feature",
    ]);
    assert_success(&ci(&r, &base), "the merge takes the signed side's version");
    // The same merge when the side's commit is not signed is refused.
    r.git(&["checkout", "-q", "-B", "unsigned", &base]);
    config_change("timeout: 5m", "timeout: 1h")(&r);
    commit_all(&r, false, "unsigned: a longer timeout");
    r.git(&["checkout", "-q", "--detach", &base]);
    r.git(&[
        "merge",
        "-q",
        "--no-ff",
        "--no-verify",
        "--no-edit",
        "unsigned",
    ]);
    let out = ci(&r, &base);
    assert_code(&out, 1, "the side's unsigned commit");
    assert!(
        text(&out).contains("gates.test.timeout: 5m raised to 1h"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_merge_that_brings_back_an_old_gate_from_the_base_history_is_refused() {
    let sb = Sandbox::new();
    let (r, old) = gates_repo(&sb, "");
    config_change("timeout: 5m", "timeout: 1m")(&r);
    commit_all(&r, false, "a shorter timeout needs no signature");
    let base = r.head();
    // A merge of the base with its own ancestor that keeps the ancestor's (weaker) gate.
    let tree = r.git(&["rev-parse", &format!("{old}^{{tree}}")]);
    let merge = r.git(&[
        "commit-tree",
        tree.trim(),
        "-p",
        &base,
        "-p",
        &old,
        "-m",
        "merge",
    ]);
    r.git(&["reset", "-q", "--hard", merge.trim()]);
    let out = ci(&r, &base);
    assert_code(&out, 1, "the old version is the merge's own change");
    assert!(
        text(&out).contains("gates.test.timeout: 1m raised to 5m"),
        "{}",
        text(&out)
    );
}
