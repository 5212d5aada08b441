//! Integration tests: configuration errors, schema, completions.

use crate::common::{Sandbox, assert_code, assert_success, text};

#[test]
fn malformed_config_names_file_line_and_column() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write(
        "gatekeeper.yml",
        "gates:\n  lint:\n    run: x\n    timout: 5m\n",
    );
    let out = r.gk(&["run"]);
    assert_code(&out, 2, "unknown key");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("gatekeeper.yml:4:5"), "{err}");
    assert!(err.contains("timout"), "{err}");
}

#[test]
fn duplicate_keys_and_wrong_types_are_errors() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write(
        "gatekeeper.yml",
        "gates:\n  a:\n    run: x\n  a:\n    run: y\n",
    );
    let out = r.gk(&["run"]);
    assert_code(&out, 2, "duplicate key");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("gatekeeper.yml:4:"),
        "{}",
        text(&out)
    );
    r.write(
        "gatekeeper.yml",
        "gates:\n  a:\n    run: x\n    stages: [pre-comit]\n",
    );
    let out = r.gk(&["run"]);
    assert_code(&out, 2, "unknown stage");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("gatekeeper.yml:4:"),
        "{}",
        text(&out)
    );
}

#[test]
fn bad_config_in_a_hook_blocks_without_touching_files() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  ok:\n    run: 'true'\n");
    r.write("gatekeeper.yml", "gates: [\n");
    r.write("f.txt", "staged\n");
    r.git(&["add", "f.txt"]);
    r.write("f.txt", "unstaged\n");
    let out = r.commit("c");
    assert_code(&out, 1, "git reports the failed hook");
    assert!(text(&out).contains("gatekeeper.yml"), "{}", text(&out));
    assert_eq!(r.read("f.txt"), b"unstaged\n");
}

#[test]
fn schema_is_json_schema_of_the_config() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    let out = r.gk(&["schema"]);
    assert_success(&out, "schema");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["properties"]["gates"].is_object(), "{v}");
    assert!(v.to_string().contains("pre-commit"));
    assert!(
        v["$defs"]["Gate"]["properties"]["protect"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("signed")),
        "gates.<name>.protect is in the schema: {v}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    assert_code(&r.gk(&["no-such-command"]), 2, "unknown command");
    assert_code(&r.gk(&["hook", "pre-rebase"]), 2, "unknown hook");
    let outside = std::process::Command::new(crate::common::bin())
        .current_dir(sb.path())
        .env_clear()
        .envs(sb.env())
        .arg("run")
        .output()
        .unwrap();
    assert_code(&outside, 2, "outside a repository");
}

#[test]
fn completions_are_generated() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    let out = r.gk(&["completions", "bash"]);
    assert_success(&out, "completions");
    assert!(String::from_utf8_lossy(&out.stdout).contains("gatekeeper"));
}

/// A glob that cannot compile is a configuration error when the file loads, located at the
/// pattern and named as written: `doctor` reports it, `trust` and the hooks refuse (exit 2).
#[test]
fn an_invalid_glob_is_a_config_error_at_its_line_and_column() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  ok:\n    run: 'true'\n");
    r.write(
        "gatekeeper.yml",
        "gates:\n  lint:\n    run: 'true'\n    glob: ['*.rs', 'a[b']\n",
    );
    let located = "gatekeeper.yml:4:20: invalid glob `a[b`";
    for args in [
        &["trust"][..],
        &["hook", "pre-commit"],
        &["run", "--all-files"],
    ] {
        let out = r.gk(args);
        assert_code(&out, 2, &format!("{args:?}"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(located), "{args:?}: {err}");
        assert!(
            !err.contains("**/a[b"),
            "never the rewritten pattern: {err}"
        );
    }
    let out = r.gk(&["doctor"]);
    assert_code(&out, 1, "doctor finds the problem");
    assert!(text(&out).contains(located), "{}", text(&out));
    r.write(
        "gatekeeper.yml",
        "checkout:\n  - run: 'true'\n    when_changed: 'x{'\n",
    );
    let out = r.gk(&["trust"]);
    assert_code(&out, 2, "when_changed is a glob too");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("gatekeeper.yml:3:19"),
        "{}",
        text(&out)
    );
}
