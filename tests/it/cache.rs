//! Integration tests: the result cache.

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, text};

/// A repository whose gate `count` appends a line to `../ran-count` each time it really runs.
fn counting(sb: &Sandbox, extra: &str) -> TestRepo {
    let r = sb.repo("r");
    r.write("src/a.rs", "fn a() {}\n");
    r.write("docs/readme.md", "docs\n");
    r.setup(&format!(
        "gates:\n  count:\n    run: echo ran >> \"$GATEKEEPER_ROOT/../ran-count\"\n    glob: ['*.rs']\n{extra}"
    ));
    r
}

fn runs(sb: &Sandbox) -> usize {
    std::fs::read_to_string(sb.path().join("ran-count")).map_or(0, |s| s.lines().count())
}

#[test]
fn unchanged_inputs_hit_the_cache_and_say_so() {
    let sb = Sandbox::new();
    let r = counting(&sb, "");
    assert_success(&r.gk(&["run", "--all-files"]), "first run");
    let out = r.gk(&["run", "--all-files", "--format", "json"]);
    assert_success(&out, "second run");
    assert_eq!(runs(&sb), 1, "the second run is served from the cache");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["gates"][0]["cached"], true);
    assert!(v["gates"][0]["saved_ms"].is_u64(), "{v}");
    let human = r.gk(&["run", "--all-files"]);
    assert!(
        text(&human).contains("from the result cache"),
        "{}",
        text(&human)
    );
}

#[test]
fn one_byte_changed_in_a_matched_file_misses() {
    let sb = Sandbox::new();
    let r = counting(&sb, "");
    assert_success(&r.gk(&["run", "--all-files"]), "first run");
    r.write("src/a.rs", "fn a() {} \n");
    assert_success(&r.gk(&["run", "--all-files"]), "after an edit");
    assert_eq!(runs(&sb), 2);
    r.git(&["add", "src/a.rs"]);
    assert_success(
        &r.gk(&["run", "--all-files"]),
        "after staging the same content",
    );
    assert_eq!(runs(&sb), 2, "the same content staged is the same input");
}

#[test]
fn change_outside_the_declared_inputs_still_hits() {
    let sb = Sandbox::new();
    let r = counting(&sb, "    inputs: ['*.rs', 'Cargo.toml']\n");
    assert_success(&r.gk(&["run", "--all-files"]), "first run");
    r.write("docs/readme.md", "changed docs\n");
    r.write("notes.txt", "new untracked file\n");
    assert_success(&r.gk(&["run", "--all-files"]), "second run");
    assert_eq!(runs(&sb), 1);
    r.write("Cargo.toml", "[package]\n");
    assert_success(&r.gk(&["run", "--all-files"]), "a declared input changed");
    assert_eq!(runs(&sb), 2);
}

/// Without `inputs:`, any file the gate could read is part of the key, whatever its glob.
#[test]
fn without_inputs_any_changed_file_misses() {
    let sb = Sandbox::new();
    let r = counting(&sb, "");
    assert_success(&r.gk(&["run", "--all-files"]), "first run");
    r.write("docs/readme.md", "changed docs\n");
    assert_success(&r.gk(&["run", "--all-files"]), "a tracked file changed");
    assert_eq!(runs(&sb), 2);
    r.write("ruff.toml", "new untracked configuration\n");
    assert_success(&r.gk(&["run", "--all-files"]), "an untracked file appeared");
    assert_eq!(runs(&sb), 3);
    assert_success(&r.gk(&["run", "--all-files"]), "nothing changed");
    assert_eq!(runs(&sb), 3);
}

/// The reported false pass: a linter's pass was served from the cache after a stricter rule
/// was enabled in pyproject.toml, and the commit went in.
#[test]
fn a_stricter_rule_in_a_config_file_is_not_served_a_cached_pass_at_commit() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write("pyproject.toml", "[tool.ruff]\n");
    r.setup(
        "gates:\n  lint:\n    run: \"! { grep -q T20 pyproject.toml && grep -n 'print(' {files}; }\"\n    glob: ['*.py']\n",
    );
    r.write("app.py", "print('hi')\n");
    r.git(&["add", "app.py"]);
    assert_success(&r.gk(&["hook", "pre-commit"]), "print is allowed");
    r.write("pyproject.toml", "[tool.ruff]\nlint.select = ['T20']\n");
    r.git(&["add", "pyproject.toml"]);
    let out = r.commit("stricter");
    assert_code(&out, 1, "the stricter rule is applied");
    assert!(
        !text(&out).contains("from the result cache"),
        "{}",
        text(&out)
    );
}

#[test]
fn changed_command_misses() {
    let sb = Sandbox::new();
    let r = counting(&sb, "");
    assert_success(&r.gk(&["run", "--all-files"]), "first run");
    r.write(
        "gatekeeper.yml",
        "gates:\n  count:\n    run: echo ran  >> \"$GATEKEEPER_ROOT/../ran-count\"\n    glob: ['*.rs']\n",
    );
    assert_success(&r.gk(&["run", "--all-files"]), "second run");
    assert_eq!(runs(&sb), 2);
}

#[test]
fn failures_are_never_cached() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  bad:\n    run: echo ran >> \"$GATEKEEPER_ROOT/../ran-count\"; exit 1\n");
    assert_code(&r.gk(&["run", "--all-files"]), 1, "first");
    assert_code(&r.gk(&["run", "--all-files"]), 1, "second");
    assert_eq!(runs(&sb), 2, "a failure always runs again");
}

#[test]
fn corrupt_entries_are_ignored() {
    let sb = Sandbox::new();
    let r = counting(&sb, "");
    assert_success(&r.gk(&["run", "--all-files"]), "first run");
    let dir = r.path(".git/gatekeeper/cache");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        n += 1;
    }
    assert_eq!(n, 1, "one entry was written");
    assert_success(
        &r.gk(&["run", "--all-files"]),
        "run with a half-written entry",
    );
    assert_eq!(runs(&sb), 2, "a corrupt entry is a miss");
    assert_success(&r.gk(&["run", "--all-files"]), "third run");
    assert_eq!(runs(&sb), 2, "the entry was rewritten soundly");
}

#[test]
fn no_cache_flag_env_opt_out_and_clear() {
    let sb = Sandbox::new();
    let r = counting(
        &sb,
        "  always:\n    run: echo ran >> \"$GATEKEEPER_ROOT/../always-count\"\n    cache: false\n",
    );
    assert_success(&r.gk(&["run", "--all-files"]), "1");
    assert_success(&r.gk(&["run", "--all-files", "--no-cache"]), "2");
    assert_eq!(runs(&sb), 2, "--no-cache runs again");
    let mut c = r.gk_cmd(&["run", "--all-files"]);
    c.env("GATEKEEPER_NO_CACHE", "1");
    assert_success(&c.output().unwrap(), "3");
    assert_eq!(runs(&sb), 3, "GATEKEEPER_NO_CACHE runs again");
    assert_success(&r.gk(&["run", "--all-files"]), "4");
    assert_eq!(runs(&sb), 3, "cached again");
    let always = std::fs::read_to_string(sb.path().join("always-count"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(always, 4, "cache: false always runs");
    assert_success(&r.gk(&["cache", "clear"]), "clear");
    assert_success(&r.gk(&["run", "--all-files"]), "5");
    assert_eq!(runs(&sb), 4, "cleared cache runs again");
}

#[test]
fn pre_commit_cache_hit_runs_nothing_and_keeps_work() {
    let sb = Sandbox::new();
    let r = counting(&sb, "");
    r.write("src/b.rs", "fn b() {}\n");
    r.git(&["add", "src/b.rs"]);
    let out = r.gk(&["hook", "pre-commit"]);
    assert_success(&out, "first pre-commit");
    r.write("src/b.rs", "fn b() { unstaged }\n");
    let out = r.commit("b");
    assert_success(&out, "commit with the same staged content");
    assert_eq!(runs(&sb), 1, "served from the cache");
    assert_eq!(r.read("src/b.rs"), b"fn b() { unstaged }\n");
}

#[test]
fn a_pass_that_modified_files_is_not_cached() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  fix:\n    run: echo ran >> \"$GATEKEEPER_ROOT/../ran-count\"; sed -i s/x/y/ {files}\n    glob: ['*.txt']\n");
    r.write("f.txt", "x\n");
    r.git(&["add", "f.txt"]);
    assert_code(&r.commit("1"), 1, "the gate modifies files");
    assert_code(
        &r.commit("2"),
        1,
        "still refused: the modifying pass was not cached",
    );
    assert_eq!(runs(&sb), 2);
}

#[test]
fn the_cache_is_shared_by_linked_worktrees() {
    let sb = Sandbox::new();
    let r = counting(&sb, "");
    assert_success(&r.gk(&["run", "--all-files"]), "main work tree");
    let wt = sb.path().join("wt");
    r.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "-b", "wt"]);
    let out = std::process::Command::new(crate::common::bin())
        .current_dir(&wt)
        .env_clear()
        .envs(sb.env())
        .args(["run", "--all-files"])
        .output()
        .unwrap();
    assert_success(&out, "linked work tree");
    assert_eq!(runs(&sb), 1, "same content, same key, shared cache");
}
