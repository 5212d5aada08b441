//! Integration tests: the pre-commit, pre-push and post-checkout hooks through real `git`.

use std::os::unix::fs::PermissionsExt as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, text};

/// A gate that fails unless `f.txt` (as the gate sees it) contains "good".
const CHECK_F: &str = "gates:\n  check:\n    run: grep -q good f.txt\n";

fn repo_with(sb: &Sandbox, config: &str) -> TestRepo {
    let r = sb.repo("r");
    r.write("README", "readme\n");
    r.setup(config);
    r
}

#[test]
fn pre_commit_checks_staged_content_not_the_work_tree() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, CHECK_F);
    r.write("f.txt", "good\n");
    r.git(&["add", "f.txt"]);
    r.write("f.txt", "bad unstaged edit\n");
    let out = r.commit("add f");
    assert_success(&out, "commit of good staged content");
    assert_eq!(
        r.read("f.txt"),
        b"bad unstaged edit\n",
        "unstaged edit must survive"
    );
    assert_eq!(r.staged("f.txt"), b"good\n");
}

#[test]
fn pre_commit_refuses_bad_staged_content_even_when_work_tree_is_good() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, CHECK_F);
    r.write("f.txt", "bad\n");
    r.git(&["add", "f.txt"]);
    r.write("f.txt", "good\n");
    let before = r.head();
    let out = r.commit("add f");
    assert_code(&out, 1, "commit of bad staged content");
    assert_eq!(r.head(), before, "no commit may be created");
    assert_eq!(r.read("f.txt"), b"good\n");
    assert_eq!(r.staged("f.txt"), b"bad\n", "the index is unchanged");
}

#[test]
fn pre_commit_restores_unstaged_changes_after_failing_gate() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, "gates:\n  fail:\n    run: exit 1\n");
    r.write("a.txt", "one\n");
    r.write("bin.dat", [0u8, 159, 146, 150, 255, 0, 1]);
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "base"]);
    r.write("a.txt", "one\nstaged\n");
    r.git(&["add", "a.txt"]);
    r.write("a.txt", "one\nstaged\nunstaged\n");
    r.write("bin.dat", [9u8, 0, 0, 255, 254]);
    std::fs::remove_file(r.path("README")).unwrap();
    r.write("untracked dir/new file ü.txt", "untracked\n");
    r.write("loose.txt", "loose\n");
    std::fs::set_permissions(r.path("loose.txt"), std::fs::Permissions::from_mode(0o741)).unwrap();
    let status_before = r.git(&["status", "--porcelain=v2", "-uall"]);
    let out = r.commit("x");
    assert_code(&out, 1, "failing gate");
    assert_eq!(r.read("a.txt"), b"one\nstaged\nunstaged\n");
    assert_eq!(r.read("bin.dat"), [9u8, 0, 0, 255, 254]);
    assert!(
        !r.exists("README"),
        "a file deleted in the work tree stays deleted"
    );
    assert_eq!(r.read("untracked dir/new file ü.txt"), b"untracked\n");
    assert_eq!(r.read("loose.txt"), b"loose\n");
    let mode = std::fs::metadata(r.path("loose.txt"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o741, "file mode is restored");
    assert_eq!(r.git(&["status", "--porcelain=v2", "-uall"]), status_before);
}

#[test]
fn pre_commit_sets_untracked_files_aside_while_gates_run() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  clean:\n    run: test ! -e scratch.txt && test ! -e notes\n",
    );
    r.write("scratch.txt", "wip\n");
    r.write("notes/todo.md", "todo\n");
    r.write("f.txt", "x\n");
    r.git(&["add", "f.txt"]);
    let out = r.commit("f");
    assert_success(&out, "untracked files must be invisible to gates");
    assert_eq!(r.read("scratch.txt"), b"wip\n");
    assert_eq!(r.read("notes/todo.md"), b"todo\n");
}

#[test]
fn partially_staged_file_keeps_both_hunks() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, "gates:\n  ok:\n    run: 'true'\n");
    let base: String = (1..=30).fold(String::new(), |mut acc, i| {
        use std::fmt::Write as _;
        let _ = writeln!(acc, "line {i}");
        acc
    });
    r.write("p.txt", &base);
    r.git(&["add", "p.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "base"]);
    let staged = base.replace("line 2\n", "line 2 staged\n");
    r.write("p.txt", &staged);
    r.git(&["add", "p.txt"]);
    let both = staged.replace("line 29\n", "line 29 unstaged\n");
    r.write("p.txt", &both);
    let out = r.commit("partial");
    assert_success(&out, "commit");
    assert_eq!(
        String::from_utf8(r.git_cmd(&["show", "HEAD:p.txt"]).output().unwrap().stdout).unwrap(),
        staged
    );
    assert_eq!(String::from_utf8(r.read("p.txt")).unwrap(), both);
}

#[test]
fn gate_that_modifies_files_fails_and_names_them() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  fmt:\n    run: sed -i 's/messy/tidy/' {files}\n    glob: ['*.txt']\n",
    );
    r.write("m.txt", "messy\n");
    r.git(&["add", "m.txt"]);
    let before = r.head();
    let out = r.commit("m");
    assert_code(&out, 1, "a modifying gate refuses the commit");
    assert_eq!(r.head(), before);
    let all = text(&out);
    assert!(all.contains("m.txt"), "the modified file is named:\n{all}");
    assert_eq!(
        r.read("m.txt"),
        b"messy\n",
        "the work tree is left as it was"
    );
    assert!(
        all.contains("git apply"),
        "the fixes are offered as a patch:\n{all}"
    );
    // git hands a hook's stdout to its own stderr.
    let patch_line = String::from_utf8_lossy(&out.stderr)
        .lines()
        .find(|l| l.contains("git apply"))
        .map(str::to_owned)
        .unwrap();
    let patch = patch_line.split('\'').nth(1).unwrap().to_owned();
    r.git(&["apply", &patch]);
    assert_eq!(
        r.read("m.txt"),
        b"tidy\n",
        "the saved patch holds the gate's fix"
    );
}

#[test]
fn pre_commit_restores_work_tree_after_timeout() {
    let sb = Sandbox::new();
    // The gate starts a background child and records its pid; a timeout must kill the whole
    // process group, that child included.
    let r = repo_with(
        &sb,
        "gates:\n  slow:\n    run: sleep 300 & echo $! > \"$GATEKEEPER_ROOT/../bg.pid\"; sleep 300\n    timeout: 1s\n",
    );
    r.write("f.txt", "staged\n");
    r.git(&["add", "f.txt"]);
    r.write("f.txt", "unstaged\n");
    r.write("u.txt", "untracked\n");
    let out = r.commit("t");
    assert_code(&out, 1, "a timed-out gate blocks the commit");
    assert!(text(&out).contains("timed out"), "{}", text(&out));
    assert_eq!(r.read("f.txt"), b"unstaged\n");
    assert_eq!(r.read("u.txt"), b"untracked\n");
    let pid: i32 = std::fs::read_to_string(sb.path().join("bg.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let mut alive = true;
    for _ in 0..100 {
        // Signal 0 only checks for existence; a reaped or zombie-free pid is gone.
        alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
            && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.contains(") Z "));
        if !alive {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !alive,
        "the gate's background child {pid} survived the timeout"
    );
}

#[test]
fn gate_dir_runs_there_and_sees_only_its_files_relative() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  web:\n    run: pwd > \"$GATEKEEPER_ROOT/../where\"; printf '%s\\n' {files} > \"$GATEKEEPER_ROOT/../which\"\n    dir: web\n    glob: ['*.ts']\n",
    );
    r.write("web/src/app.ts", "a\n");
    r.write("api/server.ts", "b\n");
    r.git(&["add", "-A"]);
    assert_success(&r.commit("c"), "commit");
    let wd = std::fs::read_to_string(sb.path().join("where")).unwrap();
    assert!(wd.trim().ends_with("/r/web"), "{wd}");
    let files = std::fs::read_to_string(sb.path().join("which")).unwrap();
    assert_eq!(files.trim(), "src/app.ts");
}

#[test]
fn pre_commit_restores_work_tree_on_sigint() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  slow:\n    run: touch \"$GATEKEEPER_ROOT/../started\"; sleep 30\n",
    );
    r.write("f.txt", "staged\n");
    r.git(&["add", "f.txt"]);
    r.write("f.txt", "unstaged\n");
    r.write("u.txt", "untracked\n");
    let marker = sb.path().join("started");
    let child = r
        .gk_cmd(&["hook", "pre-commit"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "the gate never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    // While the gate runs, the work tree holds the staged content only.
    assert_eq!(r.read("f.txt"), b"staged\n");
    assert!(!r.exists("u.txt"));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_code(&out, 130, "interrupted hook");
    assert_eq!(r.read("f.txt"), b"unstaged\n");
    assert_eq!(r.read("u.txt"), b"untracked\n");
}

#[test]
fn abandoned_stash_of_a_killed_run_is_restored_by_the_next_hook() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  slow:\n    run: touch \"$GATEKEEPER_ROOT/../started\"; sleep 30\n",
    );
    r.write("f.txt", "staged\n");
    r.git(&["add", "f.txt"]);
    r.write("f.txt", "unstaged\n");
    let marker = sb.path().join("started");
    let mut child = r
        .gk_cmd(&["hook", "pre-commit"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while !marker.exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    assert_eq!(
        r.read("f.txt"),
        b"staged\n",
        "killed mid-run: the stash is still aside"
    );
    let doctor = r.gk(&["doctor"]);
    assert!(
        text(&doctor).contains("killed run"),
        "doctor reports it:\n{}",
        text(&doctor)
    );
    // Recovery happens before anything else, even before the trust check refuses this
    // edited (so untrusted) configuration, so no gate runs again here.
    std::fs::write(r.path("gatekeeper.yml"), "gates: {}\n").unwrap();
    let out = r.gk(&["hook", "pre-commit"]);
    assert!(text(&out).contains("restored"), "{}", text(&out));
    assert_eq!(r.read("f.txt"), b"unstaged\n");
}

#[test]
fn glob_limits_gates_to_matching_staged_files() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  rust:\n    run: exit 1\n    glob: ['*.rs']\n",
    );
    r.write("doc.md", "x\n");
    r.git(&["add", "doc.md"]);
    assert_success(
        &r.commit("docs only"),
        "a gate whose glob matches nothing does not run",
    );
    r.write("src/lib.rs", "fn x() {}\n");
    r.git(&["add", "src/lib.rs"]);
    assert_code(&r.commit("rust"), 1, "a gate whose glob matches runs");
}

#[test]
fn files_placeholder_lists_staged_files_quoted() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  list:\n    run: printf '%s\\n' {files} > \"$GATEKEEPER_ROOT/../files.txt\"\n",
    );
    r.write("with space.txt", "a\n");
    r.write("naïve-ü.txt", "b\n");
    r.write("-dash.txt", "c\n");
    r.write("old.txt", "d\n");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "base"]);
    r.write("with space.txt", "a2\n");
    r.write("naïve-ü.txt", "b2\n");
    r.write("-dash.txt", "c2\n");
    r.git(&["mv", "old.txt", "renamed.txt"]);
    r.git(&["rm", "-q", "README"]);
    r.git(&["add", "-A"]);
    assert_success(&r.commit("edits"), "commit");
    let listed = std::fs::read_to_string(sb.path().join("files.txt")).unwrap();
    let mut lines: Vec<&str> = listed.lines().collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        vec![
            "./-dash.txt",
            "naïve-ü.txt",
            "renamed.txt",
            "with space.txt"
        ]
    );
}

#[test]
fn files_over_the_argument_limit_are_split_into_several_runs() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  count:\n    run: echo run >> \"$GATEKEEPER_ROOT/../runs\"; printf '%s\\n' {files} >> \"$GATEKEEPER_ROOT/../files\"\n",
    );
    let long = "d".repeat(200);
    for i in 0..1200 {
        r.write(&format!("{long}/file-{i:04}.txt"), "x");
    }
    r.git(&["add", "-A"]);
    assert_success(&r.commit("many"), "commit");
    let runs = std::fs::read_to_string(sb.path().join("runs"))
        .unwrap()
        .lines()
        .count();
    let files = std::fs::read_to_string(sb.path().join("files"))
        .unwrap()
        .lines()
        .count();
    assert!(
        runs >= 2,
        "1200 paths of ~215 bytes exceed one argument: got {runs} run(s)"
    );
    assert_eq!(files, 1200, "every file is passed exactly once");
}

#[test]
fn binary_files_and_first_commit_work() {
    let sb = Sandbox::new();
    let r = sb.repo("first");
    r.write(
        "gatekeeper.yml",
        "gates:\n  ok:\n    run: test -f img.bin\n",
    );
    assert_success(&r.gk(&["install"]), "install before any commit");
    r.write("img.bin", [0u8, 1, 2, 255, 0, 10, 13]);
    r.git(&["add", "-A"]);
    r.write("img.bin", [7u8; 16]);
    assert_success(&r.commit("first"), "the very first commit");
    assert_eq!(r.read("img.bin"), [7u8; 16]);
    assert_eq!(
        r.git_cmd(&["show", "HEAD:img.bin"])
            .output()
            .unwrap()
            .stdout,
        vec![0u8, 1, 2, 255, 0, 10, 13]
    );
}

#[test]
fn merge_commit_runs_gates_and_keeps_work() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, "gates:\n  ok:\n    run: 'true'\n");
    r.git(&["checkout", "-q", "-b", "side"]);
    r.write("side.txt", "side\n");
    r.git(&["add", "side.txt"]);
    r.git(&["commit", "-q", "-m", "side"]);
    r.git(&["checkout", "-q", "main"]);
    r.write("main.txt", "main\n");
    r.git(&["add", "main.txt"]);
    r.git(&["commit", "-q", "-m", "main"]);
    r.write("scratch.txt", "keep me\n");
    let out = r.git_output(&["merge", "--no-ff", "-m", "merge side", "side"]);
    assert_success(&out, "merge");
    assert_eq!(
        r.git(&["rev-list", "--parents", "-1", "HEAD"])
            .split_whitespace()
            .count(),
        3
    );
    assert_eq!(r.read("scratch.txt"), b"keep me\n");
}

#[test]
fn commit_all_checks_the_temporary_index() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, CHECK_F);
    r.write("f.txt", "good\n");
    r.git(&["add", "f.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "base"]);
    r.write("f.txt", "bad\n");
    let out = r.git_output(&["commit", "-a", "-m", "all"]);
    assert_code(&out, 1, "git commit -a with bad content");
    assert_eq!(r.read("f.txt"), b"bad\n");
}

#[test]
fn gates_run_in_parallel() {
    let sb = Sandbox::new();
    // `a` only passes if `b` runs while it waits: impossible when gates run one by one.
    let r = repo_with(
        &sb,
        "gates:\n  a:\n    run: for i in $(seq 100); do [ -e \"$GATEKEEPER_ROOT/../b\" ] && exit 0; sleep 0.1; done; exit 1\n  b:\n    run: touch \"$GATEKEEPER_ROOT/../b\"\n",
    );
    r.write("f.txt", "x\n");
    r.git(&["add", "f.txt"]);
    assert_success(&r.commit("p"), "parallel gates");
}

#[test]
fn output_is_printed_whole_in_config_order() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  first:\n    run: sleep 0.5; echo first-out; exit 1\n  second:\n    run: echo second-out; exit 2\n",
    );
    r.write("f.txt", "x\n");
    r.git(&["add", "f.txt"]);
    let out = r.commit("o");
    assert_code(&out, 1, "failing gates");
    // git hands a hook's stdout to its own stderr.
    let stdout = String::from_utf8_lossy(&out.stderr);
    let a = stdout.find("first-out").expect("first gate output");
    let b = stdout.find("second-out").expect("second gate output");
    assert!(a < b, "config order, not completion order:\n{stdout}");
    assert!(
        stdout.contains("0 passed, 2 failed"),
        "summary line:\n{stdout}"
    );
}

#[test]
fn required_gates_cannot_be_skipped() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  lint:\n    run: exit 1\n  test:\n    run: exit 1\n    required: true\n",
    );
    r.write("f.txt", "x\n");
    r.git(&["add", "f.txt"]);
    let mut c = r.git_cmd(&["commit", "-m", "s"]);
    c.env("GATEKEEPER_SKIP", "lint,test");
    let out = c.output().unwrap();
    assert_code(&out, 1, "the required gate still runs and fails");
    let all = text(&out);
    assert!(all.contains("required and cannot be skipped"), "{all}");
    let mut c = r.git_cmd(&["commit", "-m", "s"]);
    c.env("GATEKEEPER_SKIP", "lint");
    r.write(
        "gatekeeper.yml",
        "gates:\n  lint:\n    run: exit 1\n  test:\n    run: 'true'\n    required: true\n",
    );
    assert_success(&r.gk(&["trust"]), "trust");
    let out = c.output().unwrap();
    assert_success(&out, "a non-required gate is skipped");
    assert!(
        text(&out).contains("skipped by GATEKEEPER_SKIP"),
        "{}",
        text(&out)
    );
}

#[test]
fn missing_tool_is_undecided_and_blocks() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  lint:\n    run: no-such-linter-xyz {files}\n",
    );
    r.write("f.txt", "x\n");
    r.git(&["add", "f.txt"]);
    let out = r.gk(&["hook", "pre-commit"]);
    assert_code(&out, 3, "a missing tool cannot decide");
    assert!(text(&out).contains("tool missing"), "{}", text(&out));
}

#[test]
fn untrusted_config_refuses_with_the_command_to_run() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, "gates:\n  ok:\n    run: 'true'\n");
    r.write(
        "gatekeeper.yml",
        "gates:\n  evil:\n    run: touch \"$GATEKEEPER_ROOT/../pwned\"\n",
    );
    r.write("f.txt", "x\n");
    r.git(&["add", "-A"]);
    let out = r.commit("c");
    assert_code(&out, 1, "git reports the hook's refusal");
    let direct = r.gk(&["hook", "pre-commit"]);
    assert_code(&direct, 2, "the hook refuses an untrusted config");
    assert!(
        text(&direct).contains("gatekeeper trust"),
        "{}",
        text(&direct)
    );
    assert!(
        !sb.path().join("pwned").exists(),
        "no command of an untrusted config ran"
    );
    let mut ci = r.gk_cmd(&["hook", "pre-commit"]);
    ci.env("CI", "true");
    assert_success(&ci.output().unwrap(), "CI=true trusts the config");
    assert!(sb.path().join("pwned").exists());
}

#[test]
fn checking_out_a_branch_with_new_commands_does_not_run_them() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, "gates:\n  ok:\n    run: 'true'\n");
    r.git(&["checkout", "-q", "-b", "evil"]);
    r.write(
        "gatekeeper.yml",
        "gates:\n  ok:\n    run: 'true'\ncheckout:\n  - { run: touch \"$GATEKEEPER_ROOT/../pwned\", when_changed: ['*'] }\n",
    );
    r.git(&["commit", "-q", "--no-verify", "-am", "evil"]);
    r.git(&["checkout", "-q", "main"]);
    let out = r.git_output(&["checkout", "evil"]);
    assert!(text(&out).contains("not trusted"), "{}", text(&out));
    assert!(!sb.path().join("pwned").exists());
}

/// An empty bare repository to push to.
fn bare_remote(sb: &Sandbox) -> std::path::PathBuf {
    let bare = sb.path().join("remote.git");
    let out = std::process::Command::new("git")
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(&bare)
        .env_clear()
        .envs(sb.env())
        .output()
        .unwrap();
    assert!(out.status.success());
    bare
}

fn with_remote(sb: &Sandbox, config: &str) -> TestRepo {
    let bare = bare_remote(sb);
    let r = repo_with(sb, config);
    r.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    r
}

#[test]
fn pre_push_runs_gates_on_the_pushed_files() {
    let sb = Sandbox::new();
    let r = with_remote(
        &sb,
        "gates:\n  pushed:\n    run: printf '%s\\n' {files} >> \"$GATEKEEPER_ROOT/../pushed\"\n    stages: [pre-push]\n",
    );
    let out = r.git_output(&["push", "-q", "origin", "main"]);
    assert_success(&out, "first push of a new branch");
    let first = std::fs::read_to_string(sb.path().join("pushed")).unwrap();
    assert!(
        first.contains("README") && first.contains("gatekeeper.yml"),
        "{first}"
    );
    std::fs::remove_file(sb.path().join("pushed")).unwrap();
    r.write("only.txt", "x\n");
    r.git(&["add", "only.txt"]);
    r.git(&["commit", "-q", "-m", "one more"]);
    assert_success(
        &r.git_output(&["push", "-q", "origin", "main"]),
        "second push",
    );
    let second = std::fs::read_to_string(sb.path().join("pushed")).unwrap();
    assert_eq!(second.trim(), "only.txt", "only the pushed range's files");
}

#[test]
fn pre_push_new_branch_is_compared_with_what_the_remote_has() {
    let sb = Sandbox::new();
    let r = with_remote(
        &sb,
        "gates:\n  pushed:\n    run: printf '%s\\n' {files} >> \"$GATEKEEPER_ROOT/../pushed\"\n    stages: [pre-push]\n",
    );
    assert_success(
        &r.git_output(&["push", "-q", "origin", "main"]),
        "push main",
    );
    std::fs::remove_file(sb.path().join("pushed")).unwrap();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("feature.txt", "f\n");
    r.git(&["add", "feature.txt"]);
    r.git(&["commit", "-q", "-m", "feature"]);
    assert_success(
        &r.git_output(&["push", "-q", "origin", "feature"]),
        "push new branch",
    );
    let pushed = std::fs::read_to_string(sb.path().join("pushed")).unwrap();
    assert_eq!(pushed.trim(), "feature.txt");
}

#[test]
fn pre_push_failing_gate_blocks_and_deleting_a_branch_runs_nothing() {
    let sb = Sandbox::new();
    let r = with_remote(
        &sb,
        "gates:\n  ok:\n    run: 'true'\n    stages: [pre-push]\n",
    );
    assert_success(
        &r.git_output(&["push", "-q", "origin", "main"]),
        "push main",
    );
    r.git(&["push", "-q", "origin", "main:doomed"]);
    r.write("gatekeeper.yml", "gates:\n  no:\n    run: touch \"$GATEKEEPER_ROOT/../ran\"; exit 1\n    stages: [pre-push]\n");
    r.git(&["commit", "-q", "--no-verify", "-am", "strict"]);
    assert_success(&r.gk(&["trust"]), "trust");
    let out = r.git_output(&["push", "-q", "origin", "main"]);
    assert!(
        !out.status.success(),
        "a failing pre-push gate blocks the push:\n{}",
        text(&out)
    );
    std::fs::remove_file(sb.path().join("ran")).unwrap();
    let out = r.git_output(&["push", "-q", "origin", "--delete", "doomed"]);
    assert_success(&out, "deleting a remote branch");
    assert!(
        !sb.path().join("ran").exists(),
        "no gate ran for a deletion"
    );
}

#[test]
fn post_checkout_runs_jobs_only_when_their_files_changed() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "checkout:\n  - { run: echo run >> \"$GATEKEEPER_ROOT/../deps\", when_changed: [package-lock.json] }\n",
    );
    r.git(&["checkout", "-q", "-b", "other"]);
    r.write("unrelated.txt", "u\n");
    r.git(&["add", "unrelated.txt"]);
    r.git(&["commit", "-q", "-m", "unrelated"]);
    r.git(&["checkout", "-q", "main"]);
    assert!(
        !sb.path().join("deps").exists(),
        "no when_changed file differs"
    );
    r.git(&["checkout", "-q", "other"]);
    r.write("package-lock.json", "{}\n");
    r.git(&["add", "package-lock.json"]);
    r.git(&["commit", "-q", "-m", "lock"]);
    r.git(&["checkout", "-q", "main"]);
    let runs = std::fs::read_to_string(sb.path().join("deps")).unwrap();
    assert_eq!(
        runs.lines().count(),
        1,
        "ran once when the lock file differed"
    );
    r.git(&["checkout", "-q", "other", "--", "package-lock.json"]);
    let runs = std::fs::read_to_string(sb.path().join("deps")).unwrap();
    assert_eq!(runs.lines().count(), 1, "a file checkout runs nothing");
}

#[test]
fn post_checkout_skips_worktree_add_unless_asked() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "checkout:\n  - { run: echo plain >> \"$GATEKEEPER_ROOT/../log\", when_changed: ['*'] }\n  - { run: echo asked >> \"$GATEKEEPER_ROOT/../log\", when_changed: ['*'], on_worktree_add: true }\n",
    );
    let wt = sb.path().join("wt");
    let out = r.git_output(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    assert_success(&out, "worktree add");
    let log = std::fs::read_to_string(sb.path().join("wt/../log")).unwrap_or_default();
    assert_eq!(
        log.trim(),
        "asked",
        "only the job that asked runs on worktree add:\n{log}"
    );
}

#[test]
fn post_checkout_jobs_never_run_twice_at_once() {
    let sb = Sandbox::new();
    let job = "x=\\\"$GATEKEEPER_ROOT/../active\\\"; if [ -e \\\"$x\\\" ]; then echo overlap >> \\\"$GATEKEEPER_ROOT/../overlap\\\"; fi; touch \\\"$x\\\"; sleep 1; rm -f \\\"$x\\\"";
    let r = repo_with(
        &sb,
        &format!("checkout:\n  - {{ run: \"{job}\", when_changed: [dep.txt] }}\n"),
    );
    r.git(&["checkout", "-q", "-b", "other"]);
    r.write("dep.txt", "1\n");
    r.git(&["add", "dep.txt"]);
    r.git(&["commit", "-q", "-m", "dep"]);
    r.git(&["checkout", "-q", "main"]);
    let wt2 = sb.path().join("wt2");
    r.git(&["worktree", "add", "-q", wt2.to_str().unwrap(), "-b", "w2"]);
    let head_other = r.git(&["rev-parse", "other"]).trim().to_owned();
    let head_main = r.git(&["rev-parse", "main"]).trim().to_owned();
    // Two work trees run the same job concurrently through the hook.
    let mut a = r.gk_cmd(&["hook", "post-checkout", &head_main, &head_other, "1"]);
    let mut b = r.gk_cmd(&["hook", "post-checkout", &head_main, &head_other, "1"]);
    b.current_dir(&wt2);
    let a = a.stdout(Stdio::null()).spawn().unwrap();
    let b = b.stdout(Stdio::null()).spawn().unwrap();
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert_success(&a, "first checkout job");
    assert_success(&b, "second checkout job");
    assert!(
        !sb.path().join("overlap").exists(),
        "the job ran twice at once"
    );
    let _ = std::fs::remove_file(sb.path().join("active"));
}

const SACRED_RS: &str = "// gatekeeper:sacred\n#[test]\nfn refunds_are_idempotent() {\n    assert_eq!(refund(2), 2);\n}\n";
const WEAKENED_RS: &str = "// gatekeeper:sacred\n#[test]\nfn refunds_are_idempotent() {\n    assert!(refund(2) > 0);\n}\n";

/// A repository with one locked sacred Rust test, hooks installed.
fn sacred_repo(sb: &Sandbox, config: &str) -> TestRepo {
    let r = sb.repo("r");
    r.write("tests/billing.rs", SACRED_RS);
    r.write("gatekeeper.yml", config);
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "tests"]);
    assert_success(&r.gk(&["sacred", "lock"]), "sacred lock");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "lock"]);
    assert_success(&r.gk(&["install"]), "install");
    r
}

#[test]
fn pre_commit_refuses_a_weakened_sacred_test() {
    let sb = Sandbox::new();
    let r = sacred_repo(&sb, "gates:\n  ok:\n    run: 'true'\n");
    r.write("tests/billing.rs", WEAKENED_RS);
    r.git(&["add", "tests/billing.rs"]);
    let before = r.head();
    let out = r.commit("relax");
    assert_code(&out, 1, "weakened sacred test");
    assert_eq!(r.head(), before);
    let all = text(&out);
    assert!(all.contains("refunds_are_idempotent"), "{all}");
    assert!(all.contains("a sacred test was weakened"), "{all}");
}

#[test]
fn pre_push_catches_a_no_verify_commit_that_weakened_a_sacred_test() {
    let sb = Sandbox::new();
    let bare = bare_remote(&sb);
    let r = sacred_repo(&sb, "gates:\n  ok:\n    run: 'true'\n");
    r.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    assert_success(
        &r.git_output(&["push", "-q", "origin", "main"]),
        "clean push",
    );
    r.write("tests/billing.rs", WEAKENED_RS);
    r.git(&["commit", "-q", "--no-verify", "-am", "sneak"]);
    r.write("other.txt", "later commit\n");
    r.git(&["add", "other.txt"]);
    // pre-commit compares only the sacred files a commit touches, so this later commit goes
    // through; the push must still catch the earlier --no-verify commit.
    assert_success(
        &r.commit("later"),
        "a later commit that does not touch the test",
    );
    let out = r.git_output(&["push", "-q", "origin", "main"]);
    assert!(
        !out.status.success(),
        "the push is refused:\n{}",
        text(&out)
    );
    assert!(
        text(&out).contains("refunds_are_idempotent"),
        "{}",
        text(&out)
    );
}

#[test]
fn ci_reads_the_lock_from_the_base_not_the_change() {
    let sb = Sandbox::new();
    let r = sacred_repo(&sb, "gates:\n  ok:\n    run: 'true'\n    stages: [ci]\n");
    let base = r.head();
    r.write("tests/billing.rs", WEAKENED_RS);
    assert_success(
        &r.gk(&["sacred", "lock"]),
        "re-lock the weakened test (unsigned)",
    );
    r.git(&["commit", "-q", "--no-verify", "-am", "weaken and relock"]);
    let out = r.gk(&["ci", "--base", &base]);
    assert_code(
        &out,
        1,
        "an unsigned re-lock does not launder the weakening",
    );
    let mut clean = r.gk_cmd(&["ci"]);
    clean.env("CI", "true");
    assert_success(
        &clean.output().unwrap(),
        "without --base only the gates run",
    );
}

#[test]
fn relocking_in_an_agent_session_is_refused_at_commit() {
    let sb = Sandbox::new();
    let mut r = sacred_repo(&sb, "gates:\n  ok:\n    run: 'true'\n");
    r.write("tests/billing.rs", WEAKENED_RS);
    // The lock command refuses inside a session, so the agent forges it with an outside run.
    assert_success(&r.gk(&["sacred", "lock"]), "lock outside the session");
    r.git(&["add", "-A"]);
    start_session(&mut r, None);
    let out = r.commit("relock");
    assert_code(&out, 1, "a re-lock staged inside a session");
    assert!(
        text(&out).contains("re-locking sacred tests is refused inside an agent session"),
        "{}",
        text(&out)
    );
}

#[test]
fn pre_commit_in_a_session_refuses_paths_outside_the_role_and_protected_paths() {
    let sb = Sandbox::new();
    let mut r = sb.repo("r");
    r.write("apps/web/index.ts", "x\n");
    r.setup(
        "gates:\n  ok:\n    run: 'true'\nagents:\n  roles:\n    frontend: { edit: ['apps/web/**'] }\n  protected: ['gatekeeper.yml', 'migrations/**']\n",
    );
    start_session(&mut r, Some("frontend"));
    r.write("apps/web/index.ts", "y\n");
    r.git(&["add", "-A"]);
    assert_success(&r.commit("in role"), "a change inside the role");
    r.write("api/server.ts", "z\n");
    r.write("migrations/001.sql", "drop table users;\n");
    r.git(&["add", "-A"]);
    let out = r.commit("out of role");
    assert_code(&out, 1, "changes outside the role");
    let all = text(&out);
    assert!(all.contains("api/server.ts"), "{all}");
    assert!(all.contains("migrations/001.sql"), "{all}");
}

/// Starts a real agent session and sets its environment for later commands.
fn start_session(r: &mut TestRepo, role: Option<&str>) {
    let mut args = vec!["session", "start", "--format", "json"];
    if let Some(role) = role {
        args.extend(["--role", role]);
    }
    let started = r.gk(&args);
    assert_success(&started, "session start");
    let v: serde_json::Value = serde_json::from_slice(&started.stdout).unwrap();
    let id = v["session"]["id"]
        .as_str()
        .or_else(|| v["id"].as_str())
        .expect("session id in JSON")
        .to_owned();
    r.set_env("GATEKEEPER_SESSION", &id);
    if let Some(role) = role {
        r.set_env("GATEKEEPER_ROLE", role);
    }
}

/// The gate passes (exit 0) after staging a file it wrote; only the index check can fail it.
/// (Untracked files are set aside while gates run, so the gate writes its own.)
const GATE_ADDS: &str =
    "gates:\n  sneaky:\n    run: echo slipped > extra.txt && git add extra.txt\n";

/// A gate that stages a file (`git add`) fails the commit, and the index is put back: what
/// the user staged is what gets committed, never what a gate slipped in.
#[test]
fn a_gate_that_changes_the_index_fails_and_the_index_is_put_back() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, GATE_ADDS);
    r.write("f.txt", "mine\n");
    r.git(&["add", "f.txt"]);
    let out = r.commit("add f");
    assert_code(&out, 1, "a gate that stages a file");
    assert!(
        text(&out).contains("a gate changed the index"),
        "{}",
        text(&out)
    );
    assert_eq!(r.git(&["diff", "--cached", "--name-only"]), "f.txt\n");
}

/// The same through `git commit -a`, where git hands the hook a temporary index
/// (`GIT_INDEX_FILE`) and the gate's `git add` writes to that one.
#[test]
fn a_gate_that_changes_the_temporary_index_of_commit_all_fails() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, GATE_ADDS);
    r.write("f.txt", "base\n");
    r.git(&["add", "f.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "base"]);
    r.write("f.txt", "changed\n");
    let out = r.git_output(&["commit", "-a", "-m", "all"]);
    assert_code(&out, 1, "a gate that stages a file during commit -a");
    assert!(
        text(&out).contains("a gate changed the index"),
        "{}",
        text(&out)
    );
    assert_eq!(
        r.git(&["rev-list", "--count", "HEAD"]),
        "2\n",
        "no commit was made"
    );
    assert_eq!(
        r.git(&["ls-files", "extra.txt"]),
        "",
        "extra.txt is not staged"
    );
}

/// A hook started below the work tree's root, next to another `gatekeeper.yml`, runs the
/// root's configuration.
#[test]
fn a_hook_started_in_a_subdirectory_uses_the_roots_config() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.setup("gates:\n  root:\n    run: echo from-root\n");
    r.write(
        "sub/gatekeeper.yml",
        "gates:\n  decoy:\n    run: echo decoy; exit 1\n",
    );
    r.write("sub/f.txt", "f\n");
    r.git(&["add", "sub/f.txt"]);
    let mut cmd = r.gk_cmd(&["--format", "json", "hook", "pre-commit"]);
    cmd.current_dir(r.path("sub"));
    let out = cmd.output().expect("run gatekeeper");
    assert_success(&out, "the root's gate passes");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["gates"][0]["name"], "root", "{v}");
    assert_eq!(v["gates"].as_array().map(Vec::len), Some(1), "{v}");
}

/// A gate that rewrites a committed file in place with the same size and puts its old
/// modification time back: nothing but the content (and ctime) changed. It is caught both
/// when the kernel reports the write and when the work tree is compared afresh.
fn same_size_same_mtime_rewrite_is_caught(big: bool, compare_afresh: bool) {
    let sb = Sandbox::new();
    let mut r = sb.repo("r");
    // 5,000 files: big enough for `git status` before and the kernel's events after the gates.
    for d in 0..if big { 50 } else { 0 } {
        for f in 0..100 {
            r.write(&format!("d{d:02}/f{f:03}.txt"), "x\n");
        }
    }
    r.setup(
        "gates:\n  sneaky:\n    run: ref=$(mktemp) && cp -p c.txt \"$ref\" && printf 'CLEAN\\n' | dd of=c.txt conv=notrunc status=none && touch -r \"$ref\" c.txt && rm \"$ref\"\n",
    );
    r.write("c.txt", "clean\n");
    r.git(&["add", "c.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "c"]);
    if compare_afresh {
        r.set_env("GATEKEEPER_NO_WATCH", "1");
    }
    r.write("s.txt", "staged\n");
    r.git(&["add", "s.txt"]);
    let before = r.head();
    let out = r.commit("s");
    assert_code(&out, 1, "a gate changed a committed file");
    assert_eq!(r.head(), before);
    let all = text(&out);
    assert!(all.contains("c.txt"), "the changed file is named:\n{all}");
    assert_eq!(r.read("c.txt"), b"clean\n", "the file is put back:\n{all}");
    assert_eq!(r.read("s.txt"), b"staged\n");
}

#[test]
fn same_size_same_mtime_rewrite_is_caught_by_the_watch() {
    same_size_same_mtime_rewrite_is_caught(true, false);
}

#[test]
fn same_size_same_mtime_rewrite_is_caught_in_a_small_repository() {
    same_size_same_mtime_rewrite_is_caught(false, false);
}

#[test]
fn same_size_same_mtime_rewrite_is_caught_when_compared_afresh() {
    same_size_same_mtime_rewrite_is_caught(true, true);
}

/// A repository big enough for the work tree to be compared by `git status` (5,000 tracked
/// files and more): partially staged work and untracked files are set aside and come back,
/// and a gate's change is caught and undone.
#[test]
fn a_big_repository_keeps_every_guarantee() {
    let sb = Sandbox::new();
    let mut r = sb.repo("r");
    for d in 0..50 {
        for f in 0..100 {
            r.write(&format!("d{d:02}/f{f:03}.txt"), format!("{d} {f}\n"));
        }
    }
    r.setup(
        "gates:\n  check:\n    run: test \"$(cat d00/f000.txt)\" = staged && test ! -e untracked.txt && test ! -e newdir && echo formatted > d49/f099.txt\n",
    );
    r.write("d00/f000.txt", "staged");
    r.git(&["add", "d00/f000.txt"]);
    r.write("d00/f000.txt", "staged plus unstaged");
    r.write("untracked.txt", "mine\n");
    r.write("newdir/inner.txt", "mine too\n");
    let trace = sb.path().join("git-trace");
    r.set_env("GIT_TRACE", trace.to_str().unwrap());
    let before = r.head();
    let out = r.commit("big");
    let traced = std::fs::read_to_string(&trace).unwrap_or_default();
    assert!(
        traced.contains("git status --porcelain=v2"),
        "git itself compared the work tree:\n{traced}"
    );
    assert_code(&out, 1, "the gate changed a committed file");
    let all = text(&out);
    assert_eq!(r.head(), before);
    assert!(all.contains("d49/f099.txt"), "{all}");
    assert!(
        all.contains("ok   check"),
        "the gate saw the staged content:\n{all}"
    );
    assert_eq!(r.read("d49/f099.txt"), b"49 99\n", "{all}");
    assert_eq!(r.read("d00/f000.txt"), b"staged plus unstaged");
    assert_eq!(r.staged("d00/f000.txt"), b"staged");
    assert_eq!(r.read("untracked.txt"), b"mine\n");
    assert_eq!(r.read("newdir/inner.txt"), b"mine too\n");
}

/// On a big repository the kernel's watch starts while the unstaged work is set aside: what
/// setting it aside writes is not taken for a gate's change. A gate that changes nothing
/// passes, and everything comes back.
#[test]
fn setting_work_aside_under_the_watch_is_not_a_gates_change() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    for d in 0..50 {
        for f in 0..100 {
            r.write(&format!("d{d:02}/f{f:03}.txt"), format!("{d} {f}\n"));
        }
    }
    r.setup("gates:\n  check:\n    run: test \"$(cat d07/f042.txt)\" = staged\n");
    r.write("d07/f042.txt", "staged");
    r.git(&["add", "d07/f042.txt"]);
    r.write("d07/f042.txt", "staged plus unstaged");
    std::fs::remove_file(r.path("d08/f001.txt")).unwrap();
    r.write("d09/untracked.txt", "mine\n");
    r.write("newdir/inner.txt", "mine too\n");
    let before = r.head();
    let out = r.commit("big");
    assert_success(&out, "nothing but setting work aside changed the work tree");
    assert_ne!(r.head(), before);
    assert_eq!(r.read("d07/f042.txt"), b"staged plus unstaged");
    assert!(!r.path("d08/f001.txt").exists(), "the deletion is kept");
    assert_eq!(r.read("d09/untracked.txt"), b"mine\n");
    assert_eq!(r.read("newdir/inner.txt"), b"mine too\n");
}

/// With `core.fsmonitor` set (a monitor hook here, as watchman installs), the work tree is
/// compared by git, which asks the monitor; the guarantees hold as everywhere.
#[test]
fn a_configured_file_system_monitor_is_asked() {
    let sb = Sandbox::new();
    let mut r = repo_with(
        &sb,
        "gates:\n  check:\n    run: test \"$(cat p.txt)\" = staged && test ! -e u.txt\n",
    );
    let marker = sb.path().join("monitor-was-asked");
    let monitor = sb.path().join("monitor.sh");
    std::fs::write(
        &monitor,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\n# Protocol 2: a new token, then the paths that may have changed (\"/\": all).\nprintf 'token\\0/\\0'\n",
            marker.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &monitor,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    r.git(&["config", "core.fsmonitor", monitor.to_str().unwrap()]);
    r.git(&["config", "core.fsmonitorHookVersion", "2"]);
    r.write("p.txt", "staged");
    r.git(&["add", "p.txt"]);
    r.write("p.txt", "staged, then more");
    r.write("u.txt", "untracked\n");
    let _ = std::fs::remove_file(&marker);
    let trace = sb.path().join("git-trace");
    r.set_env("GIT_TRACE", trace.to_str().unwrap());
    let out = r.commit("p");
    assert_success(&out, "the gate saw the staged content only");
    let traced = std::fs::read_to_string(&trace).unwrap_or_default();
    assert!(
        traced.contains("git status --porcelain=v2"),
        "git, which asks the monitor, compared the work tree:\n{traced}"
    );
    assert!(marker.exists(), "the monitor was asked:\n{}", text(&out));
    assert_eq!(r.read("p.txt"), b"staged, then more");
    assert_eq!(r.read("u.txt"), b"untracked\n");
}
