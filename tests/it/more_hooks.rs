//! Integration tests: the commit-msg, post-merge and post-rewrite hooks.

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, text};

const NEW_HOOKS: [&str; 3] = ["commit-msg", "post-merge", "post-rewrite"];

#[test]
fn install_writes_and_uninstall_removes_the_new_hooks() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  ok:\n    run: 'true'\n");
    for h in NEW_HOOKS {
        let text = std::fs::read_to_string(r.path(&format!(".git/hooks/{h}"))).unwrap();
        assert!(text.contains("gatekeeper-shim"), "{h}: {text}");
        assert!(text.contains(&format!("hook {h}")), "{h}: {text}");
    }
    assert_success(&r.gk(&["doctor"]), "doctor is happy");
    assert_success(&r.gk(&["uninstall"]), "uninstall");
    for h in NEW_HOOKS {
        assert!(!r.exists(&format!(".git/hooks/{h}")), "{h} removed");
    }
}

const MSG_GATE: &str = "gates:\n  ok:\n    run: 'true'\n  conventional:\n    run: |\n      grep -qE '^(feat|fix): ' {msg_file} && test -f \"$GATEKEEPER_MSG_FILE\"\n    stages: [commit-msg]\n";

#[test]
fn commit_msg_gates_see_the_message_file() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup(MSG_GATE);
    r.write("a.txt", "a\n");
    r.git(&["add", "a.txt"]);
    let before = r.head();
    let out = r.commit("no convention here");
    assert_code(&out, 1, "a bad message is refused");
    assert_eq!(r.head(), before);
    assert!(text(&out).contains("conventional"), "{}", text(&out));
    assert_success(&r.commit("feat: a"), "a good message");
    assert_ne!(r.head(), before);
    // Not a gate of the other stages.
    let out = r.gk(&["run", "--all-files", "--format", "json"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("conventional"));
    // By hand, only through the hook, which has a message file.
    let out = r.gk(&["run", "conventional"]);
    assert_code(&out, 2, "no message file outside the hook");
    r.write("msg.txt", "fix: by hand\n");
    assert_success(
        &r.gk(&["hook", "commit-msg", "msg.txt"]),
        "the hook by hand",
    );
}

#[test]
fn a_commit_msg_gate_may_rewrite_the_message() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  trailer:\n    run: |\n      printf '\\nChecked-by: gatekeeper\\n' >> {msg_file}\n    stages: [commit-msg]\n");
    r.write("a.txt", "a\n");
    r.git(&["add", "a.txt"]);
    assert_success(&r.commit("add a"), "commit");
    let msg = r.git(&["log", "-1", "--format=%B"]);
    assert!(msg.contains("Checked-by: gatekeeper"), "{msg}");
}

#[test]
fn msg_file_outside_the_commit_msg_stage_is_a_config_error() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write("gatekeeper.yml", "gates:\n  m:\n    run: cat {msg_file}\n");
    let out = r.gk(&["run", "--all-files"]);
    assert_code(&out, 2, "{msg_file} in a default-stage gate");
    assert!(text(&out).contains("commit-msg"), "{}", text(&out));
}

#[test]
fn commit_msg_with_no_gate_for_it_prints_nothing() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  ok:\n    run: 'true'\n");
    r.write("a.txt", "a\n");
    r.git(&["add", "a.txt"]);
    let out = r.commit("a");
    assert_success(&out, "commit");
    assert!(
        !text(&out).contains("gatekeeper commit-msg"),
        "{}",
        text(&out)
    );
    let out = r.git_output(&["commit", "--amend", "-m", "a2"]);
    assert_success(&out, "amend");
    assert!(!text(&out).contains("post-rewrite"), "{}", text(&out));
}

// ------------------------------------------------------------ post-merge, post-rewrite

/// Each run of the job appends the lock file's content to `runs` beside the repositories.
const NPM_JOB: &str = "gates:\n  ok:\n    run: 'true'\ncheckout:\n  - { run: 'cat package-lock.json >> \"$GATEKEEPER_ROOT/../runs\"', when_changed: ['package-lock.json'] }\n";

fn runs(sb: &Sandbox) -> Vec<String> {
    std::fs::read_to_string(sb.path().join("runs"))
        .map(|s| s.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// `a`: gatekeeper installed, pushing to a bare remote; `b`: a plain clone of it (no hooks).
fn two_clones(sb: &Sandbox) -> (TestRepo, TestRepo) {
    let bare = sb.path().join("remote.git");
    let init = std::process::Command::new("git")
        .env_clear()
        .envs(sb.env())
        .args(["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()])
        .output()
        .unwrap();
    assert_success(&init, "bare remote");
    let a = sb.repo("a");
    a.write("package-lock.json", "lock-1\n");
    a.write("README.md", "readme\n");
    a.setup(NPM_JOB);
    a.git(&["config", "pull.rebase", "false"]);
    a.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    a.git(&["push", "-q", "-u", "origin", "main"]);
    let clone = std::process::Command::new("git")
        .current_dir(sb.path())
        .env_clear()
        .envs(sb.env())
        .args(["clone", "-q", bare.to_str().unwrap(), "b"])
        .output()
        .unwrap();
    assert_success(&clone, "clone");
    let b = TestRepo {
        root: sb.path().join("b"),
        env: sb.env(),
    };
    (a, b)
}

fn push_change(b: &TestRepo, path: &str, content: &str) {
    b.write(path, content);
    b.git(&["commit", "-q", "-am", &format!("change {path}")]);
    b.git(&["push", "-q", "origin", "main"]);
}

#[test]
fn post_merge_runs_a_checkout_job_after_a_pull_that_changed_its_files() {
    let sb = Sandbox::new();
    let (a, b) = two_clones(&sb);
    push_change(&b, "package-lock.json", "lock-2\n");
    let out = a.git_output(&["pull", "-q", "origin", "main"]);
    assert_success(&out, "pull");
    assert_eq!(
        runs(&sb),
        ["lock-2"],
        "npm ci after the pull\n{}",
        text(&out)
    );
    push_change(&b, "README.md", "readme 2\n");
    assert_success(&a.git_output(&["pull", "-q", "origin", "main"]), "pull");
    assert_eq!(runs(&sb), ["lock-2"], "the lock did not change");
}

#[test]
fn pull_rebase_runs_a_job_once_when_upstream_changed_its_files() {
    let sb = Sandbox::new();
    let (a, b) = two_clones(&sb);
    a.write("local.txt", "local work\n");
    a.git(&["add", "local.txt"]);
    assert_success(&a.commit("local"), "local commit");
    push_change(&b, "package-lock.json", "lock-2\n");
    let out = a.git_output(&["pull", "-q", "--rebase", "origin", "main"]);
    assert_success(&out, "pull --rebase");
    assert_eq!(
        runs(&sb),
        ["lock-2"],
        "post-checkout ran it onto the new base; post-rewrite does not run it again\n{}",
        text(&out)
    );
    assert_eq!(a.read("local.txt"), b"local work\n");
}

#[test]
fn a_rebase_whose_own_commits_change_the_files_runs_the_job_on_the_result() {
    let sb = Sandbox::new();
    let (a, b) = two_clones(&sb);
    a.write("package-lock.json", "ours\n");
    a.git(&["add", "package-lock.json"]);
    assert_success(&a.commit("bump the lock"), "local commit");
    push_change(&b, "README.md", "upstream\n");
    assert_success(
        &a.git_output(&["pull", "-q", "--rebase", "origin", "main"]),
        "pull --rebase",
    );
    let got = runs(&sb);
    assert_eq!(
        got.last().map(String::as_str),
        Some("ours"),
        "the last run saw the rebased lock: {got:?}"
    );
}
