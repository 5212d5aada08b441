//! Integration tests: setting work aside and putting it back on real repositories — killed
//! runs, line endings, filters, `ident`, sparse checkouts, and edits made while gates run.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, text};

fn repo_with(sb: &Sandbox, config: &str) -> TestRepo {
    let r = sb.repo("r");
    r.write("README", "readme\n");
    r.setup(config);
    r
}

/// A gate that records that it started, then waits (up to 30 s) for `go` beside the repo.
const WAITING_GATE: &str = "gates:\n  wait:\n    run: touch \"$GATEKEEPER_ROOT/../started\"; i=0; while [ ! -e \"$GATEKEEPER_ROOT/../go\" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done\n";

fn start_hook(sb: &Sandbox, r: &TestRepo) -> Child {
    let child = r
        .gk_cmd(&["hook", "pre-commit"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let marker = sb.path().join("started");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "the gate never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn finish_hook(sb: &Sandbox, child: Child) -> std::process::Output {
    std::fs::write(sb.path().join("go"), "").unwrap();
    child.wait_with_output().unwrap()
}

/// Every file under `dir`, as (path relative to it, bytes).
fn files_under(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(read) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in read.flatten() {
        let p = e.path();
        if p.is_dir() {
            for (rel, bytes) in files_under(&p) {
                out.push((format!("{}/{rel}", e.file_name().to_string_lossy()), bytes));
            }
        } else {
            out.push((
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn work_done_after_a_killed_run_is_never_overwritten_and_the_set_aside_copy_is_kept() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, WAITING_GATE);
    r.write("d.txt", "tracked, deleted by the user\n");
    r.git(&["add", "d.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "d"]);
    r.write("f.txt", "staged\n");
    r.write("g.txt", "g staged\n");
    r.git(&["add", "f.txt", "g.txt"]);
    r.write("f.txt", "unstaged\n");
    r.write("g.txt", "g unstaged\n");
    r.write("u.txt", "untracked\n");
    r.write("v.txt", "left alone\n");
    std::fs::remove_file(r.path("d.txt")).unwrap();
    let mut child = start_hook(&sb, &r);
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    // The user sees an almost clean status and carries on working.
    assert_eq!(r.read("f.txt"), b"staged\n");
    assert!(!r.exists("u.txt"));
    r.write("f.txt", "re-typed\n");
    r.write("u.txt", "written again\n");
    r.write("d.txt", "re-created\n");
    // Re-typed to the very bytes gatekeeper had written: still the user's, not overwritten.
    std::thread::sleep(Duration::from_millis(20));
    r.write("g.txt", "g staged\n");
    let doctor = r.gk(&["doctor"]);
    assert!(text(&doctor).contains("killed run"), "{}", text(&doctor));
    // Recovery comes first, even before the trust check refuses this edited configuration.
    std::fs::write(r.path("gatekeeper.yml"), "gates: {}\n").unwrap();
    let out = r.gk(&["hook", "pre-commit"]);
    let all = text(&out);
    assert_eq!(r.read("f.txt"), b"re-typed\n", "{all}");
    assert_eq!(r.read("u.txt"), b"written again\n", "{all}");
    assert_eq!(r.read("d.txt"), b"re-created\n", "{all}");
    assert_eq!(
        r.read("v.txt"),
        b"left alone\n",
        "an untouched path comes back: {all}"
    );
    assert_eq!(r.read("g.txt"), b"g staged\n", "{all}");
    assert!(all.contains("`f.txt` changed after a killed"), "{all}");
    assert!(all.contains("`g.txt` changed after a killed"), "{all}");
    assert!(all.contains("`u.txt` changed after a killed"), "{all}");
    assert!(all.contains("`d.txt`"), "{all}");
    let kept = r.path(".git/gatekeeper/kept");
    let copies = files_under(&kept);
    let names: Vec<String> = copies.iter().map(|(n, _)| n.clone()).collect();
    assert!(
        copies
            .iter()
            .any(|(n, b)| n.ends_with("/f.txt") && b == b"unstaged\n"),
        "{names:?}"
    );
    assert!(
        copies
            .iter()
            .any(|(n, b)| n.ends_with("/u.txt") && b == b"untracked\n"),
        "{names:?}"
    );
    assert!(
        copies
            .iter()
            .any(|(n, b)| n.ends_with("/g.txt") && b == b"g unstaged\n"),
        "{names:?}"
    );
    assert!(
        all.contains(&kept.to_string_lossy().into_owned()),
        "the message says where: {all}"
    );
    let doctor = r.gk(&["doctor"]);
    assert!(
        text(&doctor).contains("a killed gatekeeper run had set aside"),
        "{}",
        text(&doctor)
    );
    // A second recovery finds nothing left to do and changes nothing.
    let again = r.gk(&["hook", "pre-commit"]);
    assert!(!text(&again).contains("restored"), "{}", text(&again));
    assert_eq!(r.read("f.txt"), b"re-typed\n");
}

#[test]
fn an_untracked_gitignore_stays_in_place_while_gates_run() {
    let sb = Sandbox::new();
    // The gate fails if git (as any tool would) sees the ignored build output.
    let r = repo_with(
        &sb,
        "gates:\n  clean:\n    run: test -z \"$(git status --porcelain --untracked-files=all -- build)\"\n",
    );
    r.write(".gitignore", "build/\n");
    r.write("build/out.o", "object\n");
    r.write("f.txt", "x\n");
    r.git(&["add", "f.txt"]);
    let out = r.commit("f");
    assert_success(&out, "the untracked .gitignore still hides build/");
    assert_eq!(r.read(".gitignore"), b"build/\n");
    assert_eq!(r.read("build/out.o"), b"object\n");
}

#[test]
fn a_file_a_gate_stages_then_deletes_does_not_reappear() {
    let sb = Sandbox::new();
    let r = repo_with(
        &sb,
        "gates:\n  sneaky:\n    run: echo x > new.txt && git add new.txt && rm new.txt\n",
    );
    r.write("f.txt", "mine\n");
    r.git(&["add", "f.txt"]);
    let out = r.commit("f");
    assert_code(&out, 1, "a gate that changed the index");
    assert!(!r.exists("new.txt"), "{}", text(&out));
    assert_eq!(
        r.git(&["status", "--porcelain"]),
        "A  f.txt\n",
        "{}",
        text(&out)
    );
}

#[test]
fn an_edit_to_a_clean_file_while_gates_run_is_kept_and_reported() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, WAITING_GATE);
    r.write("c.txt", "committed\n");
    r.git(&["add", "c.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "c"]);
    r.write("f.txt", "f\n");
    r.git(&["add", "f.txt"]);
    let child = start_hook(&sb, &r);
    r.write("c.txt", "edited while the gate ran\n");
    let out = finish_hook(&sb, child);
    let all = text(&out);
    assert_code(&out, 1, "a change during the run refuses the commit");
    assert!(all.contains("c.txt"), "{all}");
    let copies = files_under(&r.path(".git/gatekeeper/kept"));
    assert!(
        copies
            .iter()
            .any(|(n, b)| n.ends_with("/c.txt") && b == b"edited while the gate ran\n"),
        "the edit is kept whole: {copies:?}\n{all}"
    );
    assert!(all.contains(".git/gatekeeper/kept/"), "{all}");
}

#[test]
fn an_edit_to_a_set_aside_file_while_gates_run_is_kept_and_the_unstaged_work_comes_back() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, WAITING_GATE);
    r.write("f.txt", "staged\n");
    r.git(&["add", "f.txt"]);
    r.write("f.txt", "unstaged\n");
    let child = start_hook(&sb, &r);
    assert_eq!(r.read("f.txt"), b"staged\n");
    r.write("f.txt", "saved by an editor meanwhile\n");
    let out = finish_hook(&sb, child);
    let all = text(&out);
    assert_code(&out, 1, "a change during the run refuses the commit");
    assert_eq!(r.read("f.txt"), b"unstaged\n", "{all}");
    let copies = files_under(&r.path(".git/gatekeeper/kept"));
    assert!(
        copies
            .iter()
            .any(|(n, b)| n.ends_with("/f.txt") && b == b"saved by an editor meanwhile\n"),
        "{copies:?}\n{all}"
    );
}

#[test]
fn git_add_while_gates_run_is_kept_as_a_patch_that_applies() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, WAITING_GATE);
    r.write("f.txt", "f\n");
    r.git(&["add", "f.txt"]);
    let child = start_hook(&sb, &r);
    r.write("later.txt", "added meanwhile\n");
    r.git(&["add", "later.txt"]);
    let out = finish_hook(&sb, child);
    let all = text(&out);
    assert_code(&out, 1, "the index changed during the run");
    assert_eq!(
        r.git(&["diff", "--cached", "--name-only"]),
        "f.txt\n",
        "{all}"
    );
    let line = all
        .lines()
        .find(|l| l.contains("git apply --cached"))
        .unwrap_or_else(|| panic!("the message says how to re-apply: {all}"));
    let patch = line.rsplit('\'').nth(1).unwrap().to_owned();
    r.git(&["apply", "--cached", &patch]);
    assert_eq!(
        r.git(&["diff", "--cached", "--name-only"]),
        "f.txt\nlater.txt\n"
    );
    assert_eq!(r.staged("later.txt"), b"added meanwhile\n");
}

// ---- sparse checkouts ----

fn sparse_repo(sb: &Sandbox, cone: bool) -> TestRepo {
    let r = sb.repo("r");
    r.write("a/x.txt", "x\n");
    r.write("b/deep/y.txt", "y\n");
    r.write("top.txt", "top\n");
    r.setup("gates:\n  git-using:\n    run: git status --porcelain > /dev/null && test ! -e b\n");
    if cone {
        r.git(&["sparse-checkout", "set", "--cone", "a"]);
    } else {
        r.git(&[
            "sparse-checkout",
            "set",
            "--no-cone",
            "/a/",
            "/*.txt",
            "/gatekeeper.yml",
        ]);
    }
    assert!(!r.exists("b"), "b/ is outside the sparse checkout");
    r
}

fn sparse_commit_keeps_the_sparse_set(cone: bool) {
    let sb = Sandbox::new();
    let r = sparse_repo(&sb, cone);
    r.write("a/x.txt", "x staged\n");
    r.git(&["add", "a/x.txt"]);
    r.write("a/x.txt", "x staged\nunstaged\n");
    r.write("a/new.txt", "untracked\n");
    let out = r.commit("sparse");
    assert_success(&out, "a commit in a sparse checkout");
    assert!(
        !r.exists("b"),
        "nothing outside the sparse set is written, no empty directory is left: {}",
        text(&out)
    );
    assert_eq!(r.read("a/x.txt"), b"x staged\nunstaged\n");
    assert_eq!(r.read("a/new.txt"), b"untracked\n");
    assert_eq!(
        r.git(&["ls-files", "-t", "b"]),
        "S b/deep/y.txt\n",
        "b/ stays skip-worktree"
    );
}

#[test]
fn cone_sparse_checkout_is_honoured() {
    sparse_commit_keeps_the_sparse_set(true);
}

#[test]
fn non_cone_sparse_checkout_is_honoured() {
    sparse_commit_keeps_the_sparse_set(false);
}

// ---- filters and ident ----

#[test]
fn a_clean_smudge_filter_file_with_unstaged_changes_commits_and_gates_see_the_smudged_form() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    // rot13 both ways: the stored form differs from what a checkout writes.
    r.git(&["config", "filter.rot.clean", "tr a-zA-Z n-za-mN-ZA-M"]);
    r.git(&["config", "filter.rot.smudge", "tr a-zA-Z n-za-mN-ZA-M"]);
    r.git(&["config", "filter.rot.required", "true"]);
    r.write(".gitattributes", "*.sec filter=rot\n");
    r.write("s.sec", "hello\n");
    r.setup("gates:\n  look:\n    run: cp s.sec \"$GATEKEEPER_ROOT/../seen\"\n");
    r.write("s.sec", "hello\nstaged\n");
    r.git(&["add", "s.sec"]);
    r.write("s.sec", "hello\nstaged\nunstaged\n");
    let out = r.commit("filtered");
    assert_success(&out, "no false 'modified' for a filtered file");
    assert_eq!(
        std::fs::read(sb.path().join("seen")).unwrap(),
        b"hello\nstaged\n",
        "the gate sees the smudged staged content"
    );
    assert_eq!(r.read("s.sec"), b"hello\nstaged\nunstaged\n");
    assert_eq!(
        r.git(&["cat-file", "-p", "HEAD:s.sec"]),
        "uryyb\nfgntrq\n",
        "what is stored is the clean form"
    );
}

#[test]
fn an_ident_file_with_unstaged_changes_commits_and_gates_see_the_expanded_id() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write(".gitattributes", "*.id ident\n");
    r.write("v.id", "$Id$\nbase\n");
    r.setup("gates:\n  look:\n    run: cp v.id \"$GATEKEEPER_ROOT/../seen\"\n");
    r.write("v.id", "$Id$\nbase\nstaged\n");
    r.git(&["add", "v.id"]);
    r.write("v.id", "$Id$\nbase\nstaged\nunstaged\n");
    let blob = r.git(&["rev-parse", ":v.id"]).trim().to_owned();
    let out = r.commit("ident");
    assert_success(&out, "no false 'modified' for an ident file");
    assert_eq!(
        String::from_utf8(std::fs::read(sb.path().join("seen")).unwrap()).unwrap(),
        format!("$Id: {blob} $\nbase\nstaged\n"),
        "the gate sees the id a checkout writes"
    );
    assert_eq!(r.read("v.id"), b"$Id$\nbase\nstaged\nunstaged\n");
}

#[test]
fn a_gate_that_only_rewrites_a_filtered_file_to_the_same_content_is_not_a_modification() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write(".gitattributes", "*.id ident\n");
    r.write("v.id", "$Id$\nbase\n");
    // Collapsing the expanded id stores the same content: git sees no change.
    r.setup("gates:\n  collapse:\n    run: sed -i 's/\\$Id:[^$]*\\$/$Id$/' v.id\n");
    r.write("v.id", "$Id$\nbase\nstaged\n");
    r.git(&["add", "v.id"]);
    r.write("v.id", "$Id$\nbase\nstaged\nunstaged\n");
    let out = r.commit("ident");
    assert_success(&out, "the same stored content is no modification");
    assert_eq!(r.read("v.id"), b"$Id$\nbase\nstaged\nunstaged\n");
}

// ---- line endings: core.autocrlf × the file's line endings × .gitattributes ----

const EOL_ATTRS: [&str; 5] = [
    "",
    "* text=auto\n",
    "*.txt text eol=lf\n",
    "*.txt text eol=crlf\n",
    "*.txt -text\n",
];

/// Two gates: `look` copies what it sees of `f.txt` beside the repository; `fmt` appends to
/// the clean `g.txt` once a marker exists beside the repository.
const EOL_GATES: &str = "gates:\n  look:\n    run: cp f.txt \"$GATEKEEPER_ROOT.seen\"\n  fmt:\n    run: if [ -e \"$GATEKEEPER_ROOT.touch\" ]; then printf 'three\\n' >> g.txt; fi\n";

fn lines(eol: &str, words: &[&str]) -> Vec<u8> {
    words
        .iter()
        .flat_map(|w| format!("{w}{eol}").into_bytes())
        .collect()
}

/// One combination: a commit with unstaged changes passes, the gate sees what a checkout
/// writes, the user's bytes come back exactly; a gate's edit of a clean file is refused and
/// undone to the exact bytes the file had.
fn eol_case(sb: &Sandbox, name: &str, autocrlf: &str, eol: &str, attrs: &str) {
    let case = format!("autocrlf={autocrlf} file eol={eol:?} attributes={attrs:?}");
    let r = sb.repo(name);
    r.git(&["config", "core.autocrlf", autocrlf]);
    if !attrs.is_empty() {
        r.write(".gitattributes", attrs);
    }
    r.write("f.txt", lines(eol, &["one", "two"]));
    r.write("g.txt", lines(eol, &["one", "two"]));
    r.setup(EOL_GATES);
    r.write("f.txt", lines(eol, &["one", "two", "staged"]));
    r.git(&["add", "f.txt"]);
    r.write("f.txt", lines(eol, &["one", "two", "staged", "unstaged"]));
    let f_before = r.read("f.txt");
    let g_before = r.read("g.txt");
    let staged_blob = r.git(&["rev-parse", ":f.txt"]);
    let expect_dir = sb.path().join(format!("{name}-expect"));
    r.git(&[
        "checkout-index",
        &format!("--prefix={}/", expect_dir.display()),
        "f.txt",
    ]);
    let expected = std::fs::read(expect_dir.join("f.txt")).unwrap();

    let out = r.commit("staged");
    assert_success(
        &out,
        &format!("{case}: a passing commit with unstaged changes"),
    );
    assert_eq!(r.git(&["rev-parse", "HEAD:f.txt"]), staged_blob, "{case}");
    let seen = std::fs::read(sb.path().join(format!("{name}.seen"))).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&seen),
        String::from_utf8_lossy(&expected),
        "{case}: the gate sees what a checkout writes"
    );
    assert_eq!(
        String::from_utf8_lossy(&r.read("f.txt")),
        String::from_utf8_lossy(&f_before),
        "{case}: the unstaged bytes come back exactly"
    );
    assert_eq!(r.read("g.txt"), g_before, "{case}");

    std::fs::write(sb.path().join(format!("{name}.touch")), "").unwrap();
    r.write("f.txt", lines(eol, &["one", "two", "staged", "again"]));
    r.git(&["add", "f.txt"]);
    r.write(
        "f.txt",
        lines(eol, &["one", "two", "staged", "again", "unstaged"]),
    );
    let f_before = r.read("f.txt");
    let head = r.head();
    let out = r.commit("modified by a gate");
    assert_code(&out, 1, &format!("{case}: a gate that edits a clean file"));
    assert!(text(&out).contains("g.txt"), "{case}: {}", text(&out));
    assert_eq!(r.head(), head, "{case}");
    assert_eq!(
        String::from_utf8_lossy(&r.read("g.txt")),
        String::from_utf8_lossy(&g_before),
        "{case}: the gate's edit is undone to the exact bytes\n{}",
        text(&out)
    );
    assert_eq!(r.read("f.txt"), f_before, "{case}");
}

fn eol_matrix(autocrlf: &str) {
    let sb = Sandbox::new();
    let mut n = 0;
    for eol in ["\n", "\r\n"] {
        for attrs in EOL_ATTRS {
            n += 1;
            eol_case(&sb, &format!("r{n}"), autocrlf, eol, attrs);
        }
    }
}

#[test]
fn line_endings_with_autocrlf_false() {
    eol_matrix("false");
}

#[test]
fn line_endings_with_autocrlf_true() {
    eol_matrix("true");
}

#[test]
fn line_endings_with_autocrlf_input() {
    eol_matrix("input");
}

// ---- pre-push judges what is pushed ----

fn pushing_repo(sb: &Sandbox, config: &str) -> TestRepo {
    let bare = sb.path().join("remote.git");
    let out = std::process::Command::new("git")
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(&bare)
        .env_clear()
        .envs(sb.env())
        .output()
        .unwrap();
    assert!(out.status.success());
    let r = repo_with(sb, config);
    r.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    assert_success(
        &r.git_output(&["push", "-q", "origin", "main"]),
        "first push",
    );
    r
}

const NO_TODO: &str =
    "gates:\n  no-todo:\n    run: \"! grep -q TODO f.txt\"\n    stages: [pre-push]\n";

#[test]
fn pre_push_is_not_blocked_by_an_unstaged_edit() {
    let sb = Sandbox::new();
    let r = pushing_repo(&sb, NO_TODO);
    r.write("f.txt", "clean\n");
    r.git(&["add", "f.txt"]);
    r.git(&["commit", "-q", "-m", "clean f"]);
    r.write("f.txt", "clean\nTODO unstaged\n");
    r.write("scratch.txt", "untracked TODO\n");
    let out = r.git_output(&["push", "-q", "origin", "main"]);
    assert_success(&out, "the pushed commit is clean");
    assert_eq!(r.read("f.txt"), b"clean\nTODO unstaged\n");
    assert_eq!(r.read("scratch.txt"), b"untracked TODO\n");
}

#[test]
fn pre_push_is_not_fooled_by_an_unstaged_fix() {
    let sb = Sandbox::new();
    let r = pushing_repo(&sb, NO_TODO);
    r.write("f.txt", "TODO committed with --no-verify\n");
    r.git(&["add", "f.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "todo"]);
    r.write("f.txt", "fixed, but not committed\n");
    let out = r.git_output(&["push", "-q", "origin", "main"]);
    assert!(
        !out.status.success(),
        "the pushed commit fails:\n{}",
        text(&out)
    );
    assert_eq!(r.read("f.txt"), b"fixed, but not committed\n");
    assert_eq!(
        r.git(&["ls-remote", "origin", "main"]).split('\t').next(),
        r.git(&["rev-parse", "HEAD~1"]).lines().next(),
        "the remote did not get the failing commit"
    );
}

#[test]
fn pre_push_judges_the_commit_not_what_is_staged() {
    let sb = Sandbox::new();
    let r = pushing_repo(&sb, NO_TODO);
    r.write("f.txt", "TODO committed with --no-verify\n");
    r.git(&["add", "f.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "todo"]);
    r.write("f.txt", "fixed and staged, not committed\n");
    r.git(&["add", "f.txt"]);
    let out = r.git_output(&["push", "-q", "origin", "main"]);
    assert!(
        !out.status.success(),
        "the pushed commit fails:\n{}",
        text(&out)
    );
    assert_eq!(r.staged("f.txt"), b"fixed and staged, not committed\n");
}

#[test]
fn pre_push_of_a_branch_that_is_not_checked_out_judges_that_branch() {
    let sb = Sandbox::new();
    let r = pushing_repo(
        &sb,
        "gates:\n  no-todo:\n    run: \"! grep -q TODO f.txt\"\n    stages: [pre-push]\n  where:\n    run: git rev-parse HEAD > \"$GATEKEEPER_ROOT/../../../../../judged\"; git status --porcelain >> \"$GATEKEEPER_ROOT/../../../../../judged\"\n    stages: [pre-push]\n",
    );
    r.git(&["checkout", "-q", "-b", "bad"]);
    r.write("f.txt", "TODO\n");
    r.git(&["add", "f.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "todo"]);
    let bad = r.head();
    r.git(&["checkout", "-q", "-b", "good", "main"]);
    r.write("f.txt", "fine\n");
    r.git(&["add", "f.txt"]);
    r.git(&["commit", "-q", "-m", "fine"]);
    let good = r.head();
    // The work tree holds the bad branch's content; the good branch is what is pushed.
    r.git(&["checkout", "-q", "bad"]);
    let out = r.git_output(&["push", "-q", "origin", "good"]);
    assert_success(&out, "the good branch passes whatever is checked out");
    // The checkout is `<repo>/.git/gatekeeper/checkouts/<id>`: five levels up is the sandbox.
    let judged = std::fs::read_to_string(sb.path().join("judged")).unwrap_or_default();
    assert!(
        judged.starts_with(&good),
        "git inside the gate sees the pushed commit, with a clean status: {judged}\n{}",
        text(&out)
    );
    assert_eq!(judged.lines().count(), 1, "{judged}");
    r.git(&["checkout", "-q", "good"]);
    let out = r.git_output(&["push", "-q", "origin", "bad"]);
    assert!(
        !out.status.success(),
        "the bad branch fails:\n{}",
        text(&out)
    );
    assert!(
        !r.git(&["ls-remote", "origin"]).contains(&bad),
        "the remote did not get the bad branch"
    );
    assert_eq!(
        r.git(&["worktree", "list", "--porcelain"])
            .matches("worktree ")
            .count(),
        1,
        "the temporary checkouts are gone"
    );
    assert_eq!(
        std::fs::read_dir(r.path(".git/gatekeeper/checkouts")).map_or(0, Iterator::count),
        0,
        "no checkout folder is left"
    );
}

#[test]
fn a_deleted_directory_is_deleted_again_after_the_gates() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, "gates:\n  sees:\n    run: test -f docs/deep/a.md\n");
    r.write("docs/deep/a.md", "a\n");
    r.git(&["add", "docs"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "docs"]);
    std::fs::remove_dir_all(r.path("docs")).unwrap();
    r.write("f.txt", "f\n");
    r.git(&["add", "f.txt"]);
    let out = r.commit("f");
    assert_success(&out, "the gates see the staged docs/deep/a.md");
    assert!(
        !r.exists("docs"),
        "no empty directory is left behind: {}",
        text(&out)
    );
}

#[test]
fn a_temporary_checkout_left_by_a_killed_pre_push_is_removed() {
    let sb = Sandbox::new();
    let r = pushing_repo(
        &sb,
        "gates:\n  wait:\n    run: touch \"$GATEKEEPER_ROOT/../../../../../started\"; sleep 5\n    stages: [pre-push]\n",
    );
    r.git(&["branch", "other"]);
    r.write("f.txt", "f\n");
    r.git(&["add", "f.txt"]);
    r.git(&["commit", "-q", "-m", "f"]);
    let other = r.git(&["rev-parse", "other"]).trim().to_owned();
    let mut child = r
        .gk_cmd(&["hook", "pre-push", "origin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        // `other` is not checked out: it is judged in a temporary checkout.
        writeln!(
            stdin,
            "refs/heads/other {other} refs/heads/other {}",
            "0".repeat(40)
        )
        .unwrap();
    }
    let marker = sb.path().join("started");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "the gate never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        r.git(&["worktree", "list", "--porcelain"])
            .matches("worktree ")
            .count(),
        2,
        "the killed run left its checkout"
    );
    std::fs::write(r.path("gatekeeper.yml"), "gates: {}\n").unwrap();
    let _ = r.gk(&["hook", "pre-commit"]);
    assert_eq!(
        r.git(&["worktree", "list", "--porcelain"])
            .matches("worktree ")
            .count(),
        1,
        "the next hook removed it"
    );
}

#[test]
fn pre_push_judges_every_pushed_tip_on_its_own() {
    let sb = Sandbox::new();
    let r = pushing_repo(
        &sb,
        "gates:\n  no-todo:\n    run: \"! grep -q TODO f.txt\"\n    stages: [pre-push]\n  where:\n    run: git rev-parse HEAD >> \"$GATEKEEPER_ROOT.judged\"\n    stages: [pre-push]\n",
    );
    r.git(&["checkout", "-q", "-b", "one"]);
    r.write("f.txt", "fine\n");
    r.git(&["add", "f.txt"]);
    r.git(&["commit", "-q", "-m", "one"]);
    let one = r.head();
    r.git(&["checkout", "-q", "-b", "two", "main"]);
    r.write("f.txt", "TODO\n");
    r.git(&["add", "f.txt"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "two"]);
    let two = r.head();
    r.git(&["checkout", "-q", "main"]);
    let out = r.git_output(&["push", "-q", "origin", "one", "two"]);
    assert!(!out.status.success(), "`two` fails:\n{}", text(&out));
    assert!(text(&out).contains("refs/heads/two"), "{}", text(&out));
    // Each tip ran in its own checkout, whose root is a sibling path of `<id>.judged`.
    let judged: Vec<String> = std::fs::read_dir(r.path(".git/gatekeeper/checkouts"))
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    let all = judged.concat();
    assert!(all.contains(&one) && all.contains(&two), "{all}");
}

#[test]
fn a_set_aside_left_by_an_older_version_is_still_restored() {
    let sb = Sandbox::new();
    let r = repo_with(&sb, "gates: {}\n");
    r.write("f.txt", "staged\n");
    r.git(&["add", "f.txt"]);
    // What an older gatekeeper left when killed: the staged version in place, the user's
    // file in `files/1`, and a manifest that does not record what was written.
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    let dir = r.path(&format!(".git/gatekeeper/stash/{pid}-1"));
    std::fs::create_dir_all(dir.join("files")).unwrap();
    std::fs::write(dir.join("files/1"), "unstaged\n").unwrap();
    let manifest = serde_json::json!({
        "root": r.root.canonicalize().unwrap(),
        "pid": pid,
        "entries": [{"path_hex": "662e747874", "kind": "modified", "saved": "1"}],
    });
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
    let out = r.gk(&["hook", "pre-commit"]);
    assert!(text(&out).contains("restored 1 file"), "{}", text(&out));
    assert_eq!(r.read("f.txt"), b"unstaged\n");
}
