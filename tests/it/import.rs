//! `gatekeeper import` on real-looking `.pre-commit-config.yaml`, `lefthook.yml` and `.husky/`
//! configurations: the written `gatekeeper.yml` loads, its gates do what the hooks did (a
//! commit through the imported gates), and what could not be converted is listed with why.

use std::os::unix::fs::PermissionsExt as _;

use serde_json::Value;

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, text};

const PRE_COMMIT_CONFIG: &str = r"# See https://pre-commit.com for more information
default_language_version:
  python: python3.11
exclude: ^vendor/
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v5.0.0
    hooks:
      - id: trailing-whitespace
      - id: check-yaml
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.8.4
    hooks:
      - id: ruff
        args: [--fix]
      - id: ruff-format
  - repo: https://github.com/some-org/unheard-of-hooks
    rev: v1.0.0
    hooks:
      - id: frobnicate
  - repo: meta
    hooks:
      - id: check-hooks-apply
  - repo: local
    hooks:
      - id: no-todo
        name: no TODO in notes
        entry: ./scripts/no-todo.sh
        language: script
        files: ^notes/.*\.txt$
      - id: unit-tests
        name: unit tests
        entry: sh -c 'exit 0'
        language: system
        pass_filenames: false
        stages: [pre-push]
      - id: lint-commit-message
        name: commit message
        entry: ./scripts/check-msg.sh
        language: script
        stages: [commit-msg]
      - id: odd-files
        name: odd files
        entry: ./scripts/odd.sh
        language: system
        files: '[abc]\.txt$'
      - id: node-thing
        name: a node tool pre-commit would install
        entry: frobnicate-js
        language: node
        additional_dependencies: [frobnicate-js@1.0.0]
";

fn gk_json(r: &TestRepo, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = r.gk(&all);
    assert_success(&out, "gatekeeper import");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)))
}

fn skipped_reason(report: &Value, source: &str) -> String {
    report["import"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == source)
        .unwrap_or_else(|| panic!("`{source}` is listed as not converted: {report:#}"))["reason"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn gate<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["import"]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("a gate `{name}`: {report:#}"))
}

fn executable(r: &TestRepo, rel: &str, content: &str) {
    r.write(rel, content);
    std::fs::set_permissions(r.path(rel), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn import_converts_a_pre_commit_config_and_lists_what_it_could_not() {
    let sb = Sandbox::new();
    let r = sb.repo("shop");
    r.write(".pre-commit-config.yaml", PRE_COMMIT_CONFIG);
    executable(
        &r,
        "scripts/no-todo.sh",
        "#!/bin/sh\nif grep -Hn TODO \"$@\"; then exit 1; fi\n",
    );
    // The hermetic PATH has no ruff and no pre-commit-hooks: those are listed, not guessed.
    let report = gk_json(&r, &["import"]);

    let no_todo = gate(&report, "no-todo");
    assert_eq!(no_todo["run"], "./scripts/no-todo.sh {files}");
    assert_eq!(no_todo["glob"], serde_json::json!(["notes/**/*.txt"]));
    assert_eq!(no_todo["exclude"], serde_json::json!(["vendor/**"]));
    let tests = gate(&report, "unit-tests");
    assert_eq!(tests["run"], "sh -c 'exit 0'");
    assert_eq!(tests["stages"], serde_json::json!(["pre-push", "ci"]));

    assert!(
        skipped_reason(&report, ".pre-commit-config.yaml: ruff").contains("`ruff` is not on PATH")
    );
    assert!(
        skipped_reason(&report, ".pre-commit-config.yaml: trailing-whitespace")
            .contains("`trailing-whitespace-fixer` is not on PATH")
    );
    assert!(
        skipped_reason(&report, ".pre-commit-config.yaml: frobnicate")
            .contains("not a repository gatekeeper knows")
    );
    assert!(skipped_reason(&report, ".pre-commit-config.yaml: check-hooks-apply").contains("meta"));
    assert!(
        skipped_reason(&report, ".pre-commit-config.yaml: lint-commit-message")
            .contains("stage `commit-msg`")
    );
    assert!(
        skipped_reason(&report, ".pre-commit-config.yaml: odd-files")
            .contains("no glob equivalent")
    );
    assert!(
        skipped_reason(&report, ".pre-commit-config.yaml: node-thing").contains("`language: node`")
    );

    // The written file loads, says what was left out, and its gates work in a commit.
    let written = String::from_utf8(r.read("gatekeeper.yml")).unwrap();
    assert!(written.contains("# Not converted:"), "{written}");
    assert!(written.contains("frobnicate"), "{written}");
    r.write("notes/today.txt", "fine\n");
    r.write("vendor/notes/x.txt", "TODO vendored\n");
    r.setup(&written);
    r.write("notes/today.txt", "fine\nTODO: later\n");
    r.git(&["add", "-A"]);
    let out = r.commit("todo");
    assert_code(&out, 1, "the imported no-todo gate refuses");
    assert!(
        text(&out).contains("notes/today.txt:2:TODO: later"),
        "{}",
        text(&out)
    );
}

#[test]
fn import_converts_well_known_hooks_whose_command_is_on_path() {
    let sb = Sandbox::new();
    let mut r = sb.repo("py");
    let tools = sb.path().join("tools");
    std::fs::create_dir_all(&tools).unwrap();
    for tool in ["ruff", "trailing-whitespace-fixer", "check-yaml"] {
        let p = tools.join(tool);
        std::fs::write(&p, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        tools.display(),
        r.env.iter().find(|(k, _)| k == "PATH").unwrap().1
    );
    r.set_env("PATH", &path);
    r.write(".pre-commit-config.yaml", PRE_COMMIT_CONFIG);
    let report = gk_json(&r, &["import", "--stdout"]);
    assert!(report["path"].is_null(), "--stdout writes nothing");
    assert!(!r.exists("gatekeeper.yml"));
    let ruff = gate(&report, "ruff");
    assert_eq!(ruff["run"], "ruff check --force-exclude --fix {files}");
    assert_eq!(ruff["glob"], serde_json::json!(["*.py", "*.pyi"]));
    assert_eq!(
        gate(&report, "ruff-format")["run"],
        "ruff format --force-exclude {files}"
    );
    assert_eq!(
        gate(&report, "trailing-whitespace")["run"],
        "trailing-whitespace-fixer {files}"
    );
    assert_eq!(
        gate(&report, "check-yaml")["glob"],
        serde_json::json!(["*.yml", "*.yaml"])
    );
}

const LEFTHOOK: &str = r#"min_version: 1.5.0
colors: false
pre-commit:
  parallel: true
  commands:
    no-todo:
      glob: "*.txt"
      run: "! grep -n TODO {staged_files}"
    web-lint:
      root: web/
      glob: "*.js"
      run: npx --no-install eslint {staged_files}
      stage_fixed: true
    all-files:
      run: prettier --check {all_files}
pre-push:
  commands:
    tests:
      run: sh -c 'exit 0'
      env:
        RUST_BACKTRACE: "1"
post-checkout:
  commands:
    deps:
      glob: "package-lock.json"
      run: npm ci
commit-msg:
  commands:
    lint:
      run: commitlint --edit {1}
"#;

#[test]
fn import_converts_a_lefthook_config() {
    let sb = Sandbox::new();
    let r = sb.repo("web");
    r.write("lefthook.yml", LEFTHOOK);
    let report = gk_json(&r, &["import"]);
    let no_todo = gate(&report, "no-todo");
    assert_eq!(no_todo["run"], "! grep -n TODO {files}");
    assert_eq!(no_todo["glob"], serde_json::json!(["*.txt"]));
    assert_eq!(no_todo["stages"], serde_json::json!(["pre-commit", "ci"]));
    let web = gate(&report, "web-lint");
    assert_eq!(web["dir"], "web");
    assert_eq!(web["run"], "npx --no-install eslint {files}");
    assert_eq!(gate(&report, "tests")["env"]["RUST_BACKTRACE"], "1");
    let checkout = &report["import"]["checkout"][0];
    assert_eq!(checkout["run"], "npm ci");
    assert_eq!(
        checkout["when_changed"],
        serde_json::json!(["package-lock.json"])
    );
    assert!(skipped_reason(&report, "lefthook.yml: pre-commit.all-files").contains("{all_files}"));
    assert!(
        skipped_reason(&report, "lefthook.yml: commit-msg")
            .contains("pre-commit, pre-push and post-checkout")
    );
    let notes = report["import"]["notes"].to_string();
    assert!(notes.contains("stage_fixed"), "{notes}");

    let written = String::from_utf8(r.read("gatekeeper.yml")).unwrap();
    r.write("a.txt", "ok\n");
    r.setup(&written);
    r.write("a.txt", "ok\nTODO\n");
    r.git(&["add", "a.txt"]);
    assert_code(
        &r.commit("todo"),
        1,
        "the imported lefthook command refuses",
    );
}

#[test]
fn import_converts_husky_hooks() {
    let sb = Sandbox::new();
    let r = sb.repo("app");
    executable(
        &r,
        ".husky/pre-commit",
        "#!/usr/bin/env sh\n. \"$(dirname -- \"$0\")/_/husky.sh\"\n\ntest ! -e BLOCK\necho checked\n",
    );
    executable(&r, ".husky/pre-push", "npx lint-staged\n");
    executable(
        &r,
        ".husky/commit-msg",
        "npx --no -- commitlint --edit \"$1\"\n",
    );
    executable(&r, ".husky/_/husky.sh", "# husky's own\n");
    let out = r.gk(&["import"]);
    assert_success(&out, "import");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not converted: .husky/pre-push: it runs lint-staged"),
        "{err}"
    );
    assert!(err.contains("not converted: .husky/commit-msg:"), "{err}");
    let written = String::from_utf8(r.read("gatekeeper.yml")).unwrap();
    assert!(!written.contains("husky.sh"), "{written}");

    r.setup(&written);
    r.write("BLOCK", "x\n");
    r.git(&["add", "BLOCK"]);
    let out = r.commit("blocked");
    assert_code(&out, 1, "the imported husky script refuses");
    assert!(text(&out).contains("husky-pre-commit"), "{}", text(&out));
}

#[test]
fn import_refuses_without_a_configuration_and_keeps_an_existing_gatekeeper_yml() {
    let sb = Sandbox::new();
    let r = sb.repo("empty");
    let out = r.gk(&["import"]);
    assert_code(&out, 2, "nothing to import");
    assert!(
        text(&out).contains("found no .pre-commit-config.yaml"),
        "{}",
        text(&out)
    );

    r.write("lefthook.yml", LEFTHOOK);
    r.write("gatekeeper.yml", "gates: {}\n");
    let out = r.gk(&["import"]);
    assert_code(&out, 2, "an existing gatekeeper.yml is kept");
    assert_eq!(r.read("gatekeeper.yml"), b"gates: {}\n");
    let out = r.gk(&["import", "--force"]);
    assert_success(&out, "import --force");
    assert!(
        String::from_utf8(r.read("gatekeeper.yml"))
            .unwrap()
            .contains("no-todo")
    );
}

#[test]
fn import_reports_a_broken_configuration_with_its_file() {
    let sb = Sandbox::new();
    let r = sb.repo("broken");
    r.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks: [\n",
    );
    let out = r.gk(&["import"]);
    assert_code(&out, 2, "a YAML error is a usage error");
    assert!(
        text(&out).contains(".pre-commit-config.yaml"),
        "{}",
        text(&out)
    );
    assert!(!r.exists("gatekeeper.yml"));
}
