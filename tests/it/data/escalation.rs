//! The kill paths: a `command` source past its timeout, and a migration that ignores the
//! forwarded Ctrl-C and SIGTERM. Each command runs with a unique marker in its environment,
//! so the test can look through `/proc` for any process of it that survived.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::common::{Sandbox, assert_code, text};

/// The environment variable carrying the marker to every process of the command.
const MARKER_VAR: &str = "GK_IT_KILL_MARKER";

/// A marker no other test (or test run) uses.
fn unique_marker() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "gk-it-kill-{}-{}-{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// Whether `pid` is a live process (a zombie is dead: it only waits to be reaped).
fn alive(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The state follows the parenthesised command name, which may itself contain spaces.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or("?");
    !matches!(state, "Z" | "X" | "x")
}

/// The live processes whose environment holds `MARKER_VAR=marker`, with their command lines.
fn carrying(marker: &str) -> Vec<(i32, String)> {
    let needle = format!("{MARKER_VAR}={marker}");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if environ.split(|&b| b == 0).any(|v| v == needle.as_bytes()) && alive(pid) {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            found.push((pid, String::from_utf8_lossy(&cmdline).replace('\0', " ")));
        }
    }
    found
}

/// Asserts that no process carrying `marker` is alive, allowing a moment for processes that
/// were sent SIGKILL to finish dying. A survivor is killed before the test fails.
fn assert_none_survive(marker: &str, pids: &[i32], context: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut left = carrying(marker);
        for &pid in pids {
            if alive(pid) && !left.iter().any(|(p, _)| *p == pid) {
                left.push((pid, "(recorded pid)".into()));
            }
        }
        if left.is_empty() {
            return;
        }
        if Instant::now() >= deadline {
            for (pid, _) in &left {
                let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
            }
            panic!("processes of the command survived: {left:?}\n{context}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The pid a command wrote to `path` (waiting for it until `deadline`).
fn read_pid(path: &Path, deadline: Instant) -> i32 {
    loop {
        if let Some(pid) = std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "{} was never written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `snapshot` with one `command` source `script` (1 s timeout) that writes the pids of
/// its shell and of a background child to `sh.pid` and `bg.pid`; asserts exit 3 with a clear
/// message, no snapshot left, and no process of the command alive.
fn assert_command_source_timeout_kills(script: &str) {
    let sandbox = Sandbox::new();
    let mut repo = sandbox.repo("app");
    let marker = unique_marker();
    repo.set_env(MARKER_VAR, &marker);
    repo.write(
        "gatekeeper.yml",
        format!("data:\n  sources:\n    slow:\n      command: \"{script}\"\n      timeout: 1s\n"),
    );
    let started = Instant::now();
    let out = repo.gk(&["snapshot"]);
    let took = started.elapsed();
    let context = text(&out);
    let deadline = Instant::now() + Duration::from_secs(5);
    let pids = [
        read_pid(&repo.path("sh.pid"), deadline),
        read_pid(&repo.path("bg.pid"), deadline),
    ];
    assert_none_survive(&marker, &pids, &context);
    assert_code(&out, 3, "a command source past its timeout cannot decide");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("data source `slow` could not be read")
            && stderr.contains("timed out after 1s; its process group was killed"),
        "{context}"
    );
    assert!(
        took < Duration::from_secs(20),
        "killed after the timeout and the SIGKILL grace, not after the command's 30 s: {took:?}"
    );
    let left: Vec<_> = std::fs::read_dir(repo.path(".git/gatekeeper/snapshots"))
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "no snapshot may be left: {left:?}");
}

#[test]
fn command_source_past_its_timeout_is_killed_with_its_whole_group_and_is_exit_3() {
    // Both the shell and its background child ignore SIGTERM (and the child holds the
    // captured stdout open): only SIGKILL to the whole group ends them.
    assert_command_source_timeout_kills(
        "trap '' TERM; sleep 30 & echo $! > bg.pid; echo $$ > sh.pid; wait; echo things 1",
    );
}

#[test]
fn command_source_timeout_also_kills_a_child_that_outlives_the_shell() {
    // The shell dies of SIGTERM; its background child ignores SIGTERM and does not hold the
    // captured stdout, so only a SIGKILL to the group after the shell is gone ends it.
    assert_command_source_timeout_kills(
        "(trap '' TERM; exec sleep 30) >/dev/null 2>&1 & echo $! > bg.pid; echo $$ > sh.pid; wait; echo things 1",
    );
}

/// Runs `migrate --grace 1s -- sh -c SCRIPT` on a SQLite repository; SCRIPT writes the pids
/// of its shell and of a background child to `sh.pid` and `bg.pid`, then prints `ready`.
/// Interrupts gatekeeper once `ready` is seen and asserts exit 130, that verification still
/// ran, and that no process of the command survives. Returns how long gatekeeper took after
/// the interrupt.
fn assert_interrupted_migration_is_killed(script: &str) -> Duration {
    let sandbox = Sandbox::new();
    let mut repo = super::sqlite_repo(&sandbox);
    let marker = unique_marker();
    repo.set_env(MARKER_VAR, &marker);
    let mut child = repo
        .gk_cmd(&["migrate", "--grace", "1s", "--", "sh", "-c", script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "ended before `ready`:\n{seen}"
        );
        seen.push_str(&line);
        if line.trim() == "ready" {
            break;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    let pids = [
        read_pid(&repo.path("sh.pid"), deadline),
        read_pid(&repo.path("bg.pid"), deadline),
    ];
    // A process's environment cannot be read while it is in the middle of `exec` (the
    // backgrounded `sleep` may be just starting): look again until the deadline.
    let all_seen = |running: &[(i32, String)]| {
        pids.iter()
            .all(|&p| alive(p) && running.iter().any(|(q, _)| *q == p))
    };
    let mut running = carrying(&marker);
    while !all_seen(&running) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        running = carrying(&marker);
    }
    assert!(
        all_seen(&running),
        "the command runs, and carries the marker, before the interrupt: {running:?}"
    );
    let interrupted = Instant::now();
    kill(
        Pid::from_raw(i32::try_from(child.id()).unwrap()),
        Signal::SIGINT,
    )
    .unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    let status = child.wait().unwrap();
    let took = interrupted.elapsed();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let context = format!("--- stdout ---\n{seen}{rest}\n--- stderr ---\n{stderr}");
    assert_none_survive(&marker, &pids, &context);
    assert_eq!(status.code(), Some(130), "{context}");
    assert!(stderr.contains("migration ended: interrupted"), "{context}");
    assert!(
        rest.contains("all holds"),
        "verification still ran:\n{context}"
    );
    assert!(
        took < Duration::from_secs(20),
        "SIGKILL after the 1 s graces, not the command's 30 s: {took:?}\n{context}"
    );
    took
}

#[test]
fn migrate_kills_a_command_that_ignores_sigint_and_sigterm_and_exits_130() {
    let took = assert_interrupted_migration_is_killed(
        "trap '' INT TERM; sleep 30 >/dev/null 2>&1 & echo $! > bg.pid; echo $$ > sh.pid; echo ready; wait",
    );
    assert!(
        took >= Duration::from_secs(2),
        "SIGKILL comes only after two graces (SIGINT, then SIGTERM): {took:?}"
    );
}

#[test]
fn migrate_kills_a_child_that_ignores_the_signals_after_the_command_itself_stopped() {
    // The shell stops at the forwarded SIGINT; its background child, in the same process
    // group, ignores SIGINT and SIGTERM and must still get SIGKILL.
    assert_interrupted_migration_is_killed(
        "(trap '' INT TERM; exec sleep 30) >/dev/null 2>&1 & echo $! > bg.pid; echo $$ > sh.pid; echo ready; wait",
    );
}
