//! `session start | stop | run | list | show | maintain`.

use serde_json::Value;

use super::{SACRED_FILE, SACRED_ID, SACRED_SRC, project, sacred_project};
use crate::common::{TestRepo, assert_code, assert_success, text};

/// Starts a session and returns its id (from the JSON answer).
fn start(repo: &TestRepo, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json", "session", "start"];
    args.extend_from_slice(extra);
    let out = repo.gk(&args);
    assert_success(&out, "session start");
    serde_json::from_slice(&out.stdout).expect("session start JSON")
}

fn stop_json(repo: &TestRepo, extra: &[&str]) -> (std::process::Output, Value) {
    let mut args = vec!["--format", "json", "session", "stop"];
    args.extend_from_slice(extra);
    let out = repo.gk(&args);
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, v)
}

fn with_session(repo: &mut TestRepo, started: &Value) {
    repo.set_env(
        "GATEKEEPER_SESSION",
        started["session"]["id"].as_str().unwrap(),
    );
}

#[test]
fn session_start_prints_the_brief_and_the_export_line() {
    let p = sacred_project();
    assert_success(
        &p.repo
            .gk(&["lesson", "add", "The refunds module rounds half up"]),
        "lesson",
    );
    let out = p.repo.gk(&["session", "start", "--role", "frontend"]);
    assert_success(&out, "session start");
    let s = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        s.contains("The refunds module rounds half up"),
        "memory missing:\n{s}"
    );
    assert!(
        s.contains("tidy (every 1day, never run): `touch tidied`"),
        "overdue maintenance missing:\n{s}"
    );
    assert!(
        s.contains("This role may edit only: `apps/web/**`"),
        "role paths missing:\n{s}"
    );
    assert!(
        s.contains(
            "Protected (humans only; changes are refused): `gatekeeper.yml`, `.gatekeeper/**`"
        ),
        "{s}"
    );
    assert!(
        s.contains(&format!("- {SACRED_ID}")),
        "sacred tests missing:\n{s}"
    );
    let last = s.lines().last().unwrap();
    assert!(
        last.starts_with("export GATEKEEPER_SESSION=")
            && last.ends_with(" GATEKEEPER_ROLE=frontend"),
        "{last}"
    );
    // The session is recorded with its base: the lesson added before it is uncommitted, so
    // the base is a snapshot of the work tree on top of HEAD, kept by a ref.
    let list = p.repo.gk(&["--format", "json", "session", "list"]);
    assert_success(&list, "session list");
    let sessions: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    let base = sessions[0]["base"].as_str().unwrap();
    assert_eq!(
        p.repo.git(&["rev-parse", &format!("{base}^")]).trim(),
        p.repo.head()
    );
    let id = sessions[0]["id"].as_str().unwrap();
    assert_eq!(
        p.repo
            .git(&["rev-parse", &format!("refs/gatekeeper/sessions/{id}")])
            .trim(),
        base
    );
    assert_eq!(sessions[0]["role"], "frontend");
    assert_eq!(sessions[0]["state"], "active");
}

#[test]
fn session_start_with_an_unknown_role_is_a_usage_error() {
    let p = project();
    let out = p.repo.gk(&["session", "start", "--role", "wizard"]);
    assert_code(&out, 2, "unknown role");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("frontend"),
        "{}",
        text(&out)
    );
}

#[test]
fn session_start_with_worktree_creates_an_isolated_worktree() {
    let p = project();
    let started = start(&p.repo, &["--worktree", "feature-x"]);
    let wt = &started["session"]["worktree"];
    let path = std::path::PathBuf::from(wt["path"].as_str().unwrap());
    assert!(
        path.join("README.md").is_file(),
        "the worktree has the files: {started}"
    );
    assert!(
        !path.starts_with(&p.repo.root),
        "the worktree must be outside the main work tree"
    );
    assert_eq!(wt["branch"], "gatekeeper/feature-x");
    let branches = p.repo.git(&["branch", "--list", "gatekeeper/feature-x"]);
    assert!(branches.contains("gatekeeper/feature-x"), "{branches}");
    assert!(
        started["brief_text"]
            .as_str()
            .unwrap()
            .contains(&format!("Worktree: {}", path.display()))
    );
    // A second session cannot take the same name.
    assert_code(
        &p.repo.gk(&["session", "start", "--worktree", "feature-x"]),
        2,
        "same worktree twice",
    );
}

#[test]
fn session_stop_in_a_worktree_checks_the_worktree_changes() {
    let mut p = project();
    let started = start(&p.repo, &["--worktree", "wt", "--role", "frontend"]);
    let path = std::path::PathBuf::from(started["session"]["worktree"]["path"].as_str().unwrap());
    std::fs::write(path.join("README.md"), "changed outside the role\n").unwrap();
    with_session(&mut p.repo, &started);
    let (out, report) = stop_json(&p.repo, &["--no-lesson", "testing"]);
    assert_code(&out, 1, "stop");
    assert_eq!(
        report["changed_files"],
        serde_json::json!(["README.md"]),
        "{report}"
    );
    assert_eq!(report["violations"][0]["kind"], "outside-role", "{report}");
}

#[test]
fn session_stop_is_green_with_passing_gates_and_a_lesson() {
    let mut p = project();
    let started = start(&p.repo, &[]);
    with_session(&mut p.repo, &started);
    p.repo.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    assert_success(
        &p.repo.gk(&["lesson", "add", "b() exists for the exporter"]),
        "lesson",
    );
    let (out, report) = stop_json(&p.repo, &[]);
    assert_success(&out, "session stop");
    assert_eq!(report["verdict"], "green", "{report}");
    assert_eq!(report["lessons_added"], 1);
    assert_eq!(report["gates"][0]["name"], "check");
    assert_eq!(report["gates"][0]["verdict"], "passed");
    // The log records the outcome with the gate's verdict and duration.
    let id = started["session"]["id"].as_str().unwrap();
    let show = p.repo.gk(&["--format", "json", "session", "show", id]);
    assert_success(&show, "session show");
    let log: Value = serde_json::from_slice(&show.stdout).unwrap();
    let last = log["progress"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "stop");
    assert_eq!(last["verdict"], "green");
    assert_eq!(last["gates"][0]["verdict"], "passed");
    assert!(last["gates"][0]["duration_ms"].is_u64());
    assert_eq!(log["state"], "stopped");
}

#[test]
fn session_stop_asks_for_a_lesson_unless_waived_with_a_reason() {
    let mut p = project();
    let started = start(&p.repo, &[]);
    with_session(&mut p.repo, &started);
    p.repo.write("src/lib.rs", "pub fn a() {}\npub fn c() {}\n");
    let out = p.repo.gk(&["session", "stop"]);
    assert_code(&out, 1, "stop without a lesson");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("add a lesson with `gatekeeper lesson add`"),
        "{}",
        text(&out)
    );
    let (out, report) = stop_json(&p.repo, &["--no-lesson", "typo fix, nothing learned"]);
    assert_success(&out, "stop --no-lesson");
    assert_eq!(
        report["decisions"][0],
        "no lesson added: typo fix, nothing learned"
    );
    let id = started["session"]["id"].as_str().unwrap();
    let show = p.repo.gk(&["session", "show", id]);
    assert!(
        String::from_utf8_lossy(&show.stdout)
            .contains("decision: no lesson added: typo fix, nothing learned")
    );
}

#[test]
fn session_stop_without_changes_needs_no_lesson() {
    let mut p = project();
    let started = start(&p.repo, &[]);
    with_session(&mut p.repo, &started);
    let (out, report) = stop_json(&p.repo, &[]);
    assert_success(&out, "stop without changes");
    assert_eq!(report["changed_files"], serde_json::json!([]));
}

#[test]
fn files_already_there_at_start_are_not_blamed_on_the_session() {
    let mut p = project();
    // Untracked and uncommitted, before the session: the user's, not the agent's.
    p.repo.write("notes/todo.txt", "mine\n");
    p.repo.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    p.repo.write("gatekeeper-local.txt", "x\n");
    let started = start(&p.repo, &["--role", "frontend"]);
    with_session(&mut p.repo, &started);
    let (out, report) = stop_json(&p.repo, &[]);
    assert_success(&out, "stop after a session that changed nothing");
    assert_eq!(report["changed_files"], serde_json::json!([]), "{report}");
    // What the session changes on top of them is still judged.
    p.repo.write("src/lib.rs", "pub fn a() {}\n");
    let (out, report) = stop_json(&p.repo, &["--no-lesson", "test"]);
    assert_code(&out, 1, "an out-of-role change after the start");
    assert_eq!(
        report["changed_files"],
        serde_json::json!(["src/lib.rs"]),
        "{report}"
    );
}

#[test]
fn session_stop_refuses_a_failing_agent_stop_gate() {
    let mut p = project();
    let started = start(&p.repo, &[]);
    with_session(&mut p.repo, &started);
    p.repo.write("FAIL", "");
    p.repo.set_env("GATEKEEPER_SKIP", "check");
    let (out, report) = stop_json(&p.repo, &["--no-lesson", "n/a"]);
    assert_code(&out, 1, "failing gate");
    assert_eq!(
        report["gates"][0]["verdict"], "failed",
        "GATEKEEPER_SKIP must not skip agent-stop gates: {report}"
    );
    assert!(
        report["failures"][0]
            .as_str()
            .unwrap()
            .contains("gate `check` failed"),
        "{report}"
    );
    let id = started["session"]["id"].as_str().unwrap();
    let log: Value = serde_json::from_slice(
        &p.repo
            .gk(&["--format", "json", "session", "show", id])
            .stdout,
    )
    .unwrap();
    assert_eq!(
        log["state"], "active",
        "a red stop leaves the session active"
    );
    assert_eq!(
        log["progress"].as_array().unwrap().last().unwrap()["verdict"],
        "red"
    );
}

#[test]
fn session_stop_refuses_out_of_role_and_protected_changes_committed_or_not() {
    let mut p = project();
    let started = start(&p.repo, &["--role", "frontend"]);
    with_session(&mut p.repo, &started);
    p.repo.write("apps/web/index.ts", "export const x = 1;\n");
    p.repo.write("src/lib.rs", "pub fn changed() {}\n");
    p.repo.git(&["add", "src/lib.rs"]);
    p.repo
        .git(&["commit", "-q", "--no-verify", "-m", "committed out of role"]);
    p.repo
        .write("gatekeeper.yml", format!("{}# edited\n", super::CONFIG));
    p.repo.write("docs/new.md", "untracked\n");
    let (out, report) = stop_json(&p.repo, &["--no-lesson", "n/a"]);
    assert_code(&out, 1, "role violations");
    let v: Vec<(String, String)> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["path"].as_str().unwrap().to_owned(),
                x["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        v.contains(&("src/lib.rs".into(), "outside-role".into())),
        "{v:?}"
    );
    assert!(
        v.contains(&("docs/new.md".into(), "outside-role".into())),
        "{v:?}"
    );
    assert!(
        v.contains(&("gatekeeper.yml".into(), "protected".into())),
        "{v:?}"
    );
    assert!(!v.iter().any(|(p, _)| p == "apps/web/index.ts"), "{v:?}");
}

#[test]
fn session_stop_refuses_a_weakened_sacred_test() {
    let mut p = sacred_project();
    let started = start(&p.repo, &[]);
    with_session(&mut p.repo, &started);
    p.repo.write(
        SACRED_FILE,
        SACRED_SRC.replace("    assert_eq!(total, 100);\n", ""),
    );
    p.repo.git(&["add", "-A"]);
    p.repo
        .git(&["commit", "-q", "--no-verify", "-m", "drop an assertion"]);
    assert_success(
        &p.repo.gk(&["lesson", "add", "tried to drop an assertion"]),
        "lesson",
    );
    let (out, report) = stop_json(&p.repo, &[]);
    assert_code(&out, 1, "sacred weakened");
    let findings = report["sacred"]["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["test_id"] == SACRED_ID),
        "{report}"
    );
}

#[test]
fn session_run_wraps_an_agent_command() {
    let p = project();
    // The "agent" reads its brief from stdin, records its environment, edits a file in its
    // role and adds a lesson.
    let script = "cat > apps/web/brief.txt; echo \"$GATEKEEPER_SESSION $GATEKEEPER_ROLE\" > apps/web/env.txt; \
                  gatekeeper lesson add 'index exports y now'";
    let mut repo = TestRepo {
        root: p.repo.root.clone(),
        env: p.repo.env.clone(),
    };
    let bin_dir = crate::common::bin()
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let path = repo
        .env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap();
    repo.set_env("PATH", &format!("{bin_dir}:{path}"));
    let out = repo.gk(&[
        "session",
        "run",
        "--role",
        "frontend",
        "--brief-stdin",
        "--",
        "sh",
        "-c",
        script,
    ]);
    assert_success(&out, "session run");
    let brief = String::from_utf8(repo.read("apps/web/brief.txt")).unwrap();
    assert!(brief.starts_with("# gatekeeper session brief"), "{brief}");
    let env_seen = String::from_utf8(repo.read("apps/web/env.txt")).unwrap();
    let (id, role) = env_seen.trim().split_once(' ').unwrap();
    assert_eq!(role, "frontend");
    let log: Value =
        serde_json::from_slice(&repo.gk(&["--format", "json", "session", "show", id]).stdout)
            .unwrap();
    let events: Vec<&str> = log["progress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["start", "command", "stop"]);
    assert_eq!(log["progress"][2]["verdict"], "green", "{log}");
}

#[test]
fn session_run_exit_status_is_the_stops_verdict() {
    let p = project();
    // The command succeeds but leaves the gate red: the run is refused.
    let out = p.repo.gk(&[
        "session",
        "run",
        "--no-lesson",
        "test",
        "--",
        "touch",
        "FAIL",
    ]);
    assert_code(&out, 1, "session run with a red stop");
    std::fs::remove_file(p.repo.path("FAIL")).unwrap();
    // The command fails but the stop is green: the run passes.
    let out = p.repo.gk(&["session", "run", "--", "false"]);
    assert_success(&out, "green stop after a failing command");
}

#[test]
fn session_list_and_show_read_the_logs() {
    let p = project();
    let a = start(&p.repo, &["--role", "auditor"]);
    let out = p.repo.gk(&["session", "list"]);
    assert_success(&out, "list");
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains(a["session"]["id"].as_str().unwrap())
            && s.contains("role=auditor")
            && s.contains("active"),
        "{s}"
    );
    assert_code(
        &p.repo.gk(&["session", "show", "no-such-session"]),
        2,
        "unknown session",
    );
}

#[test]
fn session_maintain_records_the_last_run_and_clears_overdue() {
    let p = project();
    let brief = start(&p.repo, &[]);
    assert_eq!(brief["brief"]["overdue"][0]["name"], "tidy");
    let out = p.repo.gk(&["session", "maintain"]);
    assert_success(&out, "maintain");
    assert!(p.repo.exists("tidied"), "the task's command ran");
    let brief = start(&p.repo, &[]);
    assert_eq!(brief["brief"]["overdue"], serde_json::json!([]), "{brief}");
    // A last run older than the interval is overdue again.
    let state = p.repo.root.join(".git/gatekeeper/maintenance.json");
    std::fs::write(&state, "{\"tidy\": \"2020-01-01T00:00:00Z\"}").unwrap();
    let brief = start(&p.repo, &[]);
    assert_eq!(
        brief["brief"]["overdue"][0]["last_run"],
        "2020-01-01T00:00:00Z"
    );
}

#[test]
fn pre_commit_paths_check_is_available_for_the_active_session() {
    // `staged_path_violations` is what pre-commit calls while a session is active; here it is
    // exercised through the library with a real repository.
    let p = project();
    let started = start(&p.repo, &["--role", "frontend"]);
    p.repo.write("src/lib.rs", "pub fn z() {}\n");
    p.repo.write("apps/web/index.ts", "export const z = 1;\n");
    p.repo.git(&["add", "-A"]);
    let id = started["session"]["id"].as_str().unwrap();
    let env = gatekeeper::env::Environment::from_pairs([("GATEKEEPER_SESSION", id)]);
    let repo = gatekeeper::git::Repo::open(&p.repo.root, &env, true).unwrap();
    let config = gatekeeper::config::Config::load_from_root(&p.repo.root).unwrap();
    let v = gatekeeper::agent::staged_path_violations(&repo, &config, &env).unwrap();
    let paths: Vec<String> = v
        .iter()
        .map(|x| x.path.to_string_lossy().into_owned())
        .collect();
    assert_eq!(paths, ["src/lib.rs"]);
    let none = gatekeeper::env::Environment::default();
    assert!(
        gatekeeper::agent::staged_path_violations(&repo, &config, &none)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn session_stop_counts_only_lessons_added_during_the_session() {
    let mut p = project();
    // Added (uncommitted) before the session: not the session's lesson.
    assert_success(&p.repo.gk(&["lesson", "add", "an older lesson"]), "lesson");
    let started = start(&p.repo, &[]);
    with_session(&mut p.repo, &started);
    p.repo.write("src/lib.rs", "pub fn a() {}\npub fn d() {}\n");
    let (out, report) = stop_json(&p.repo, &[]);
    assert_code(&out, 1, "no lesson during the session");
    assert_eq!(report["lessons_added"], 0, "{report}");
}

#[test]
fn session_stop_refuses_an_uncommitted_sacred_weakening() {
    let mut p = sacred_project();
    let started = start(&p.repo, &[]);
    with_session(&mut p.repo, &started);
    p.repo.write(
        SACRED_FILE,
        SACRED_SRC.replace("assert_eq!(total, 100);", "assert!(total > 0);"),
    );
    let (out, report) = stop_json(&p.repo, &["--no-lesson", "n/a"]);
    assert_code(&out, 1, "uncommitted weakening");
    let findings = report["sacred"]["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["test_id"] == SACRED_ID),
        "{report}"
    );
    // Nothing was staged or committed by the check.
    assert_eq!(
        p.repo.git(&["status", "--porcelain"]).trim(),
        format!("M {SACRED_FILE}")
    );
}

#[test]
fn session_stop_without_an_id_finds_the_only_active_session_here() {
    let p = project();
    start(&p.repo, &[]);
    let out = p.repo.gk(&["session", "stop"]);
    assert_success(&out, "stop of the only active session");
    assert_code(
        &p.repo.gk(&["session", "stop"]),
        2,
        "no active session left",
    );
    start(&p.repo, &[]);
    start(&p.repo, &[]);
    let out = p.repo.gk(&["session", "stop"]);
    assert_code(&out, 2, "two active sessions");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2 sessions are active"),
        "{}",
        text(&out)
    );
}

#[test]
fn session_stop_refuses_an_edit_of_the_script_a_gate_runs() {
    let mut p = super::project_with(
        "gates:\n  check:\n    run: sh scripts/check.sh\n    stages: [agent-stop]\n",
    );
    p.repo.write("scripts/check.sh", "test ! -e FAIL\n");
    p.repo.git(&["add", "-A"]);
    p.repo
        .git(&["commit", "-q", "--no-verify", "-m", "check script"]);
    let started = start(&p.repo, &[]);
    with_session(&mut p.repo, &started);
    p.repo.write("scripts/check.sh", "exit 0\n");
    let (out, report) = stop_json(&p.repo, &["--no-lesson", "n/a"]);
    assert_code(&out, 1, "the gate's script was edited");
    let failures = report["failures"].to_string();
    assert!(
        failures.contains("scripts/check.sh changes the gates [gate-file-changed]"),
        "{failures}"
    );
}
