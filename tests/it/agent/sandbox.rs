//! The write sandbox: inside `gatekeeper session run` and `gatekeeper sandbox`, the kernel
//! refuses writes outside the role, whatever program makes them, while the same writes
//! inside the role, builds and the memory still work.

use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use serde_json::Value;

use super::{Project, project_with};
use crate::common::{TestRepo, assert_success, text};

/// The shared configuration plus a protected folder inside the frontend role and a role that
/// may write `.git`.
const CONFIG: &str = r#"gates:
  check:
    run: 'if [ -e FAIL ]; then echo "check failed"; exit 1; fi'
    stages: [agent-stop]
agents:
  roles:
    frontend: { edit: ["apps/web/**"] }
    committer: { edit: ["apps/web/**"], git_writes: true }
  protected: ["gatekeeper.yml", ".gatekeeper/**", "apps/web/secret/**"]
"#;

const ORIGINAL: &str = "original\n";

/// One way of writing a file: a shell fragment that writes the file `$T` (a path relative to
/// the work tree) with `$N` a unique number.
struct Way {
    name: &'static str,
    script: &'static str,
}

const WAYS: &[Way] = &[
    Way {
        name: "shell redirection",
        script: r#"echo pwned > "$T""#,
    },
    Way {
        name: "shell append",
        script: r#"echo pwned >> "$T""#,
    },
    Way {
        name: "tee",
        script: r#"echo pwned | tee "$T""#,
    },
    Way {
        name: "python3 -c",
        script: r#"python3 -c 'import sys; open(sys.argv[1], "w").write("pwned")' "$T""#,
    },
    Way {
        name: "node -e",
        script: r#"node -e 'require("fs").writeFileSync(process.argv[1], "pwned")' "$T""#,
    },
    Way {
        name: "perl -i",
        script: r#"perl -pi -e 's/original/pwned/' "$T""#,
    },
    Way {
        name: "compiled C program",
        script: r#""$TMPDIR/cwrite" "$T""#,
    },
    Way {
        name: "cp over the target",
        script: r#"printf pwned > "$TMPDIR/e$N"; cp "$TMPDIR/e$N" "$T""#,
    },
    Way {
        name: "mv over the target",
        script: r#"printf pwned > "$TMPDIR/m$N"; mv -f "$TMPDIR/m$N" "$T""#,
    },
    Way {
        name: "rename within its folder",
        script: r#"mv -f "$T" "$T.moved""#,
    },
    Way {
        name: "ln -sf over the target",
        script: r#"ln -sf /etc/hostname "$T""#,
    },
    Way {
        name: "truncate",
        script: r#"truncate -s 0 "$T""#,
    },
    Way {
        name: "dd",
        script: r#"printf pwned | dd of="$T" conv=notrunc"#,
    },
    Way {
        name: "sed -i",
        script: r#"sed -i s/original/pwned/ "$T""#,
    },
    Way {
        name: "rm",
        script: r#"rm -f "$T""#,
    },
    Way {
        name: "chmod",
        script: r#"chmod 777 "$T""#,
    },
    Way {
        name: "touch -d (timestamps)",
        script: r#"touch -d 2001-01-01 "$T""#,
    },
    Way {
        name: "a symlink planted in the role",
        script: r#"ln -s "$PWD/$T" "apps/web/link$N"; echo pwned > "apps/web/link$N""#,
    },
    Way {
        name: "a hard link into the role",
        script: r#"ln "$T" "apps/web/hard$N" && echo pwned >> "apps/web/hard$N""#,
    },
    Way {
        name: "python os.replace",
        script: r#"printf pwned > "$TMPDIR/r$N"; python3 -c 'import os, sys, shutil; shutil.move(sys.argv[1], sys.argv[2])' "$TMPDIR/r$N" "$T""#,
    },
];

/// What a file looks like: whether it is there, a symlink, its bytes, mode and mtime.
fn fingerprint(p: &Path) -> (bool, bool, Vec<u8>, u32, i64) {
    let Ok(meta) = std::fs::symlink_metadata(p) else {
        return (false, false, Vec::new(), 0, 0);
    };
    (
        true,
        meta.file_type().is_symlink(),
        std::fs::read(p).unwrap_or_default(),
        meta.mode(),
        meta.mtime(),
    )
}

/// A project whose commands use a temporary directory inside the test's own directory, so
/// that the private directories `gatekeeper sandbox` leaves behind go away with the test.
fn project_in_own_tmp(config: &str) -> Project {
    let mut p = project_with(config);
    let tmp = p.sandbox.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    p.repo.set_env("TMPDIR", &tmp.to_string_lossy());
    p
}

fn project() -> Project {
    let p = project_in_own_tmp(CONFIG);
    for i in 0..WAYS.len() {
        p.repo.write(&format!("src/t{i:02}.rs"), ORIGINAL);
        p.repo.write(&format!("apps/web/t{i:02}.ts"), ORIGINAL);
    }
    p.repo.write("apps/web/secret/key.ts", ORIGINAL);
    p.repo.git(&["add", "-A"]);
    p.repo
        .git(&["commit", "-q", "--no-verify", "-m", "targets"]);
    p
}

/// A C program that writes "pwned" into its argument.
const C_WRITER: &str = r#"#include <stdio.h>
int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "w");
    if (!f) { perror(argv[1]); return 1; }
    fputs("pwned", f);
    return fclose(f) != 0;
}
"#;

/// The script that tries every way on `targets` (`src/tNN.rs` or `apps/web/tNN.ts`).
fn script_for(inside: bool) -> String {
    let mut s = format!(
        "set +e\ncat > \"$TMPDIR/cwrite.c\" <<'EOF'\n{C_WRITER}EOF\ngcc -o \"$TMPDIR/cwrite\" \"$TMPDIR/cwrite.c\" || echo 'gcc failed'\n"
    );
    for (i, w) in WAYS.iter().enumerate() {
        let target = if inside {
            format!("apps/web/t{i:02}.ts")
        } else {
            format!("src/t{i:02}.rs")
        };
        s.push_str(&format!(
            "T={target}; N={i}; ( {} ) >/dev/null 2>&1; echo \"{}: $?\"\n",
            w.script, w.name
        ));
    }
    s
}

fn with_bin_on_path(repo: &TestRepo) -> TestRepo {
    let mut r = TestRepo {
        root: repo.root.clone(),
        env: repo.env.clone(),
    };
    let bin_dir = crate::common::bin()
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let path = r
        .env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap();
    r.set_env("PATH", &format!("{bin_dir}:{path}"));
    r
}

#[test]
fn twenty_ways_of_writing_outside_the_role_leave_the_target_untouched() {
    let p = project();
    let before: Vec<_> = (0..WAYS.len())
        .map(|i| fingerprint(&p.repo.path(&format!("src/t{i:02}.rs"))))
        .collect();
    let out = p.repo.gk(&[
        "session",
        "run",
        "--role",
        "frontend",
        "--no-lesson",
        "test",
        "--",
        "sh",
        "-c",
        &script_for(false),
    ]);
    let log = text(&out);
    assert!(!log.contains("gcc failed"), "{log}");
    for (i, w) in WAYS.iter().enumerate() {
        let rel = format!("src/t{i:02}.rs");
        assert_eq!(
            fingerprint(&p.repo.path(&rel)),
            before[i],
            "{} changed `{rel}` outside the role:\n{log}",
            w.name
        );
        assert!(!p.repo.exists(&format!("{rel}.moved")), "{}: {log}", w.name);
    }
    // Nothing the attempts left inside the role points at or shares the targets' content.
    assert!(!log.contains("sandbox cannot be set up"), "{log}");
}

#[test]
fn the_same_writes_inside_the_role_succeed() {
    let p = project();
    let before: Vec<_> = (0..WAYS.len())
        .map(|i| fingerprint(&p.repo.path(&format!("apps/web/t{i:02}.ts"))))
        .collect();
    let out = p.repo.gk(&[
        "sandbox",
        "--role",
        "frontend",
        "--",
        "sh",
        "-c",
        &script_for(true),
    ]);
    let log = text(&out);
    assert_success(&out, "the sandboxed script");
    for (i, w) in WAYS.iter().enumerate() {
        let rel = format!("apps/web/t{i:02}.ts");
        assert_ne!(
            fingerprint(&p.repo.path(&rel)),
            before[i],
            "{} could not change `{rel}` inside the role:\n{log}",
            w.name
        );
    }
}

#[test]
fn git_cannot_be_written_from_the_sandbox() {
    let p = project();
    let head = p.repo.head();
    let config = std::fs::read(p.repo.path(".git/config")).unwrap();
    p.repo.write("apps/web/new.ts", "export const x = 1;\n");
    let out = p.repo.gk(&[
        "sandbox",
        "--role",
        "frontend",
        "--",
        "sh",
        "-c",
        "git add -A; git commit -q --no-verify -m sneaky; \
         git config core.hooksPath /tmp/elsewhere; \
         echo 'exit 0' > .git/hooks/pre-commit; \
         git update-ref refs/heads/main HEAD~1; \
         echo ok > .git/gatekeeper-was-here; true",
    ]);
    assert_success(&out, "the sandboxed script");
    assert_eq!(p.repo.head(), head, "{}", text(&out));
    assert_eq!(std::fs::read(p.repo.path(".git/config")).unwrap(), config);
    assert!(
        !p.repo.exists(".git/hooks/pre-commit") || {
            let hook = String::from_utf8(p.repo.read(".git/hooks/pre-commit")).unwrap();
            !hook.contains("exit 0")
        }
    );
    assert!(!p.repo.exists(".git/gatekeeper-was-here"));
    // The index was not written either: the new file is still untracked.
    let status = p.repo.git(&["status", "--porcelain"]);
    assert!(status.contains("?? apps/web/new.ts"), "{status}");
}

#[test]
fn protected_paths_inside_the_role_config_and_agent_settings_stay_read_only() {
    let p = project();
    p.repo.write(".claude/settings.json", "{}\n");
    p.repo.git(&["add", "-A"]);
    p.repo
        .git(&["commit", "-q", "--no-verify", "-m", "settings"]);
    let user_claude = p.sandbox.home.join(".claude");
    std::fs::create_dir_all(&user_claude).unwrap();
    std::fs::write(user_claude.join("settings.json"), "{}\n").unwrap();
    // Without a role the whole work tree is writable, except what is protected.
    let out = p.repo.gk(&[
        "sandbox",
        "--",
        "sh",
        "-c",
        "echo pwned > apps/web/secret/key.ts; echo pwned >> gatekeeper.yml; \
         echo '{\"hooks\":{}}' > .claude/settings.json; mkdir -p .gatekeeper; \
         echo pwned > .gatekeeper/sacred.lock; echo fine > README.md; \
         echo '{\"disableAllHooks\":true}' > \"$HOME/.claude/settings.json\"; \
         echo state > \"$HOME/.claude/state.json\"; true",
    ]);
    assert_success(&out, "the sandboxed script");
    assert_eq!(
        std::fs::read(user_claude.join("settings.json")).unwrap(),
        b"{}\n",
        "the agent's own hook settings"
    );
    assert_eq!(
        std::fs::read(user_claude.join("state.json")).unwrap(),
        b"state\n",
        "the agent's own state"
    );
    assert_eq!(p.repo.read("apps/web/secret/key.ts"), ORIGINAL.as_bytes());
    assert!(
        !String::from_utf8(p.repo.read("gatekeeper.yml"))
            .unwrap()
            .contains("pwned")
    );
    assert_eq!(p.repo.read(".claude/settings.json"), b"{}\n");
    assert!(!p.repo.exists(".gatekeeper/sacred.lock"));
    assert_eq!(p.repo.read("README.md"), b"fine\n", "{}", text(&out));
}

#[test]
fn the_memory_and_a_private_tmpdir_are_writable() {
    let p = project();
    let repo = with_bin_on_path(&p.repo);
    let out = repo.gk(&["session", "run", "--role", "auditor-less", "--", "true"]);
    assert_eq!(out.status.code(), Some(2), "unknown role: {}", text(&out));
    let out = repo.gk(&[
        "session",
        "run",
        "--role",
        "frontend",
        "--",
        "sh",
        "-c",
        "echo 'export const y = 2;' > apps/web/index.ts && \
         gatekeeper lesson add 'index exports y' && \
         touch \"$TMPDIR/scratch\" && test \"$TMPDIR\" != /tmp && \
         ! touch /tmp/gatekeeper-sandbox-escape",
    ]);
    assert_success(&out, "session run");
    assert!(!Path::new("/tmp/gatekeeper-sandbox-escape").exists());
    let memory = String::from_utf8(repo.read(".gatekeeper/memory/MEMORY.md")).unwrap();
    assert!(memory.contains("index exports y"), "{memory}");
}

#[test]
fn the_brief_and_the_log_say_the_session_is_sandboxed() {
    let p = project();
    let out = p.repo.gk(&[
        "session",
        "run",
        "--role",
        "frontend",
        "--brief-stdin",
        "--no-lesson",
        "test",
        "--",
        "sh",
        "-c",
        "cat > \"$TMPDIR/brief\"; cp \"$TMPDIR/brief\" apps/web/brief.md; echo \"$GATEKEEPER_SESSION\" > apps/web/id",
    ]);
    assert_success(&out, "session run");
    let brief = String::from_utf8(p.repo.read("apps/web/brief.md")).unwrap();
    assert!(brief.contains("## Sandbox"), "{brief}");
    assert!(brief.contains("refused by the kernel"), "{brief}");
    assert!(brief.contains("you cannot commit"), "{brief}");
    let id = String::from_utf8(p.repo.read("apps/web/id")).unwrap();
    let show = p
        .repo
        .gk(&["--format", "json", "session", "show", id.trim()]);
    let log: Value = serde_json::from_slice(&show.stdout).unwrap();
    let command = log["progress"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "command")
        .unwrap();
    assert!(
        command["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "sandbox: landlock"),
        "{log}"
    );

    let out = p.repo.gk(&[
        "session",
        "run",
        "--no-sandbox",
        "--no-lesson",
        "test",
        "--",
        "sh",
        "-c",
        "echo outside > src/t00.rs; echo \"$GATEKEEPER_SESSION\" > id2",
    ]);
    assert_success(&out, "session run --no-sandbox");
    assert_eq!(p.repo.read("src/t00.rs"), b"outside\n");
    let id = String::from_utf8(p.repo.read("id2")).unwrap();
    let show = p
        .repo
        .gk(&["--format", "json", "session", "show", id.trim()]);
    let last: Value = serde_json::from_slice(&show.stdout).unwrap();
    assert!(
        last["progress"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| e["decisions"].as_array().unwrap())
            .any(|d| d.as_str().unwrap().starts_with("sandbox: none")),
        "{last}"
    );
}

#[test]
fn a_role_with_git_writes_may_commit_but_not_change_hooks() {
    let p = project();
    let head = p.repo.head();
    let out = p.repo.gk(&[
        "sandbox",
        "--role",
        "committer",
        "--",
        "sh",
        "-c",
        "echo 'export const z = 3;' > apps/web/z.ts && git add apps/web/z.ts && \
         git commit -q --no-verify -m 'agent commit' && \
         ! git config core.hooksPath /tmp/elsewhere && \
         ! sh -c 'echo x > .git/hooks/pre-commit'",
    ]);
    assert_success(&out, "the sandboxed script");
    assert_ne!(p.repo.head(), head, "the role may commit");
    let hooks_path = p
        .repo
        .git_output(&["config", "--get-all", "core.hooksPath"]);
    assert!(hooks_path.stdout.is_empty(), "{}", text(&hooks_path));
}

#[test]
fn a_real_build_runs_inside_a_sandboxed_session() {
    let p = project();
    // cargo and rustc straight from the toolchain (no rustup proxy), with a cargo home in
    // the test's own home directory.
    let sysroot = std::process::Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .expect("rustc is installed where the tests are built");
    let sysroot = String::from_utf8(sysroot.stdout).unwrap();
    let bin = Path::new(sysroot.trim()).join("bin");
    let mut repo = TestRepo {
        root: p.repo.root.clone(),
        env: p.repo.env.clone(),
    };
    let path = repo
        .env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap();
    repo.set_env("PATH", &format!("{}:{path}", bin.display()));
    repo.set_env(
        "CARGO_HOME",
        &p.sandbox.home.join(".cargo").to_string_lossy(),
    );
    std::fs::create_dir_all(p.sandbox.home.join(".cargo")).unwrap();
    repo.write(".gitignore", "target/\n");
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"tiny\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\npath = \"apps/web/lib.rs\"\n",
    );
    repo.write(
        "apps/web/lib.rs",
        "pub fn add(a: i32, b: i32) -> i32 { a + b }\n\n#[test]\nfn adds() { assert_eq!(add(2, 2), 4); }\n",
    );
    let lock = std::process::Command::new(bin.join("cargo"))
        .args(["generate-lockfile", "--offline"])
        .current_dir(&repo.root)
        .env("CARGO_HOME", p.sandbox.home.join(".cargo"))
        .output()
        .unwrap();
    assert!(lock.status.success(), "{}", text(&lock));
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "a crate"]);
    assert!(!repo.exists("target"));
    let out = repo.gk(&[
        "session",
        "run",
        "--role",
        "frontend",
        "--no-lesson",
        "only a build",
        "--",
        "cargo",
        "test",
        "--offline",
    ]);
    assert_success(&out, "cargo test in a sandboxed session");
    assert!(text(&out).contains("test adds ... ok"), "{}", text(&out));
    assert!(repo.path("target/debug").is_dir());
}

#[test]
fn a_nested_sandbox_says_which_protections_it_could_not_apply() {
    let p = project();
    let repo = with_bin_on_path(&p.repo);
    let out = repo.gk(&[
        "sandbox",
        "--role",
        "frontend",
        "--",
        "gatekeeper",
        "sandbox",
        "--",
        "sh",
        "-c",
        "echo pwned > apps/web/secret/key.ts; echo pwned > src/t00.rs; true",
    ]);
    let log = text(&out);
    assert_success(&out, "nested sandbox");
    assert!(log.contains("Read-only mounts could not be made"), "{log}");
    assert!(log.contains("Not protected by the sandbox"), "{log}");
    // The outer sandbox still holds.
    assert_eq!(p.repo.read("apps/web/secret/key.ts"), ORIGINAL.as_bytes());
    assert_eq!(p.repo.read("src/t00.rs"), ORIGINAL.as_bytes());
}

fn start_json(repo: &TestRepo, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json", "session", "start"];
    args.extend_from_slice(extra);
    let out = repo.gk(&args);
    assert_success(&out, "session start");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_session_record_edited_by_a_script_is_refused() {
    let p = project();
    let started = start_json(&p.repo, &["--role", "frontend"]);
    let id = started["session"]["id"].as_str().unwrap().to_owned();
    let record = p.repo.path(&format!(".git/gatekeeper/sessions/{id}.json"));
    let text_before = std::fs::read_to_string(&record).unwrap();
    assert!(
        text_before.contains("\"role\": \"frontend\""),
        "{text_before}"
    );
    // The one-line rewrite of the role an agent without a sandbox could try.
    std::fs::write(
        &record,
        text_before.replace("\"role\": \"frontend\"", "\"role\": null"),
    )
    .unwrap();
    for args in [
        vec!["session", "show", id.as_str()],
        vec!["session", "stop", "--id", id.as_str(), "--no-lesson", "x"],
    ] {
        let out = p.repo.gk(&args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", text(&out));
        assert!(
            text(&out).contains("was changed outside gatekeeper"),
            "{}",
            text(&out)
        );
    }
    // Put back byte for byte, the record is accepted again.
    std::fs::write(&record, &text_before).unwrap();
    assert_success(&p.repo.gk(&["session", "show", &id]), "the original record");
}

#[test]
fn a_green_stop_commits_the_worktree_sessions_work_and_a_red_stop_commits_nothing() {
    let p = project();
    let started = start_json(&p.repo, &["--worktree", "green", "--role", "frontend"]);
    let id = started["session"]["id"].as_str().unwrap().to_owned();
    let wt = TestRepo {
        root: std::path::PathBuf::from(started["session"]["worktree"]["path"].as_str().unwrap()),
        env: p.repo.env.clone(),
    };
    let before = wt.head();
    wt.write("apps/web/feature.ts", "export const f = 1;\n");
    assert_success(&wt.gk(&["lesson", "add", "feature.ts exports f"]), "lesson");
    let out = wt.gk(&["--format", "json", "session", "stop", "--id", &id]);
    assert_success(&out, "green stop");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let commit = report["commit"].as_str().expect("a commit").to_owned();
    assert_eq!(wt.head(), commit);
    assert_eq!(wt.git(&["rev-parse", "HEAD~1"]).trim(), before);
    let message = wt.git(&["log", "-1", "--format=%B"]);
    assert!(
        message.contains(&format!("Gatekeeper-Session: {id}")),
        "{message}"
    );
    let files = wt.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert!(files.contains("apps/web/feature.ts"), "{files}");
    assert!(files.contains(".gatekeeper/memory/MEMORY.md"), "{files}");
    assert_eq!(wt.git(&["status", "--porcelain"]), "", "the index matches");
    // The main work tree's branch did not move.
    assert_ne!(p.repo.head(), commit);

    let started = start_json(&p.repo, &["--worktree", "red", "--role", "frontend"]);
    let id = started["session"]["id"].as_str().unwrap().to_owned();
    let wt = TestRepo {
        root: std::path::PathBuf::from(started["session"]["worktree"]["path"].as_str().unwrap()),
        env: p.repo.env.clone(),
    };
    let before = wt.head();
    wt.write("FAIL", "the gate fails\n");
    let out = wt.gk(&[
        "--format",
        "json",
        "session",
        "stop",
        "--id",
        &id,
        "--no-lesson",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["commit"].is_null(), "{report}");
    assert_eq!(wt.head(), before, "a red stop commits nothing");
}

#[test]
fn a_sandboxed_worktree_session_is_committed_by_its_green_stop() {
    let p = project();
    let repo = with_bin_on_path(&p.repo);
    let main_head = repo.head();
    let out = repo.gk(&[
        "--format",
        "json",
        "session",
        "run",
        "--worktree",
        "feature",
        "--role",
        "frontend",
        "--",
        "sh",
        "-c",
        "echo 'export const f = 1;' > apps/web/feature.ts && \
         gatekeeper lesson add 'feature.ts exports f' >/dev/null && \
         ! git commit -qam 'the agent tries' && \
         ! sh -c 'echo pwned > ../../r/README.md'",
    ]);
    assert_success(&out, "sandboxed worktree session");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let commit = report["commit"].as_str().expect("a commit");
    let branch = repo.git(&["rev-parse", "gatekeeper/feature"]);
    assert_eq!(branch.trim(), commit);
    let files = repo.git(&["show", "--name-only", "--format=", commit]);
    assert!(files.contains("apps/web/feature.ts"), "{files}");
    assert_eq!(repo.head(), main_head, "the main branch did not move");
    assert_eq!(
        repo.read("README.md"),
        b"hello\n",
        "the main work tree is read-only"
    );
}

#[test]
fn where_the_sandbox_cannot_be_set_up_it_refuses_with_exit_3() {
    // The kernel stacks at most 16 Landlock layers: the 17th nested sandbox cannot be made.
    let p = project();
    let repo = with_bin_on_path(&p.repo);
    let mut args: Vec<&str> = vec!["sandbox", "--"];
    for _ in 0..16 {
        args.extend(["gatekeeper", "-q", "sandbox", "--"]);
    }
    args.extend(["sh", "-c", "echo pwned > apps/web/deep.ts"]);
    let out = repo.gk(&args);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(3), "{log}");
    assert!(log.contains("the sandbox cannot be set up"), "{log}");
    assert!(log.contains("--no-sandbox"), "{log}");
    assert!(!repo.exists("apps/web/deep.ts"), "the command never ran");
}

fn doctor_sandbox_finding(out: &std::process::Output) -> Value {
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "sandbox")
        .cloned()
        .unwrap_or_else(|| panic!("no sandbox finding: {report}"))
}

#[test]
fn doctor_says_whether_agents_can_be_sandboxed_here() {
    let p = project();
    let repo = with_bin_on_path(&p.repo);
    let finding = doctor_sandbox_finding(&repo.gk(&["--format", "json", "doctor"]));
    assert_eq!(finding["ok"], true, "{finding}");
    assert!(
        finding["detail"]
            .as_str()
            .unwrap()
            .contains("read-only mounts"),
        "{finding}"
    );
    // Inside a sandbox, no further mounts can be made: doctor says what that leaves.
    let out = repo.gk(&["sandbox", "--", "gatekeeper", "--format", "json", "doctor"]);
    let finding = doctor_sandbox_finding(&out);
    assert!(
        finding["detail"]
            .as_str()
            .unwrap()
            .contains("read-only mounts are not permitted"),
        "{finding}"
    );
}

#[test]
fn a_sandboxed_agent_cannot_rewrite_its_session_record() {
    let p = project();
    let out = p.repo.gk(&[
        "session",
        "run",
        "--role",
        "frontend",
        "--no-lesson",
        "test",
        "--",
        "sh",
        "-c",
        "rec=.git/gatekeeper/sessions/$GATEKEEPER_SESSION.json; \
         sed -i 's/\"role\": \"frontend\"/\"role\": null/' \"$rec\"; \
         python3 -c 'import sys; open(sys.argv[1], \"a\").write(\" \")' \"$rec\"; \
         cp \"$rec\" \"$TMPDIR/r\" && mv -f \"$TMPDIR/r\" \"$rec\"; \
         rm -f .git/gatekeeper/session.key; \
         echo \"$GATEKEEPER_SESSION\" > apps/web/id; echo changed > src/t00.rs; true",
    ]);
    // The out-of-role write was refused by the kernel, so the stop is green.
    assert_success(&out, "session run");
    let id = String::from_utf8(p.repo.read("apps/web/id")).unwrap();
    let show = p
        .repo
        .gk(&["--format", "json", "session", "show", id.trim()]);
    assert_success(&show, "the record is intact");
    let log: Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(log["role"], "frontend", "{log}");
    assert_eq!(p.repo.read("src/t00.rs"), ORIGINAL.as_bytes());
}

#[test]
fn a_role_glob_that_is_not_a_folder_is_widened_and_the_brief_says_so() {
    let p = project_in_own_tmp(
        "agents:\n  roles:\n    tests: { edit: [\"apps/web/**/*.test.ts\"] }\n  protected: [\"*.lock\"]\n",
    );
    p.repo.write("apps/web/yarn.lock", "locked\n");
    p.repo.git(&["add", "-A"]);
    p.repo.git(&["commit", "-q", "--no-verify", "-m", "lock"]);
    let out = p.repo.gk(&[
        "sandbox",
        "--role",
        "tests",
        "--",
        "sh",
        "-c",
        "echo t > apps/web/a.test.ts; echo x > apps/web/other.ts; echo pwned > apps/web/yarn.lock; echo y > src/lib.rs; true",
    ]);
    let log = text(&out);
    assert_success(&out, "sandbox");
    assert!(
        log.contains("lets the role write all of `apps/web` for `apps/web/**/*.test.ts`"),
        "{log}"
    );
    // The kernel allows the whole folder; the exact glob is for the stop and pre-commit.
    assert_eq!(p.repo.read("apps/web/a.test.ts"), b"t\n");
    assert_eq!(p.repo.read("apps/web/other.ts"), b"x\n");
    // A protected file glob protects the tracked files it matches inside the folder.
    assert_eq!(p.repo.read("apps/web/yarn.lock"), b"locked\n");
    assert_eq!(p.repo.read("src/lib.rs"), b"pub fn a() {}\n");
}

#[test]
fn npm_test_runs_inside_a_sandboxed_session() {
    let p = project();
    p.repo.write(
        "package.json",
        "{ \"name\": \"t\", \"version\": \"1.0.0\", \"scripts\": { \"test\": \"node --test apps/web/\" } }\n",
    );
    p.repo.write(
        "apps/web/sum.test.js",
        "const test = require('node:test');\nconst assert = require('node:assert');\ntest('sums', () => assert.strictEqual(1 + 1, 2));\n",
    );
    p.repo.git(&["add", "-A"]);
    p.repo.git(&["commit", "-q", "--no-verify", "-m", "node"]);
    let out = p.repo.gk(&[
        "session",
        "run",
        "--role",
        "frontend",
        "--no-lesson",
        "only tests",
        "--",
        "npm",
        "test",
    ]);
    assert_success(&out, "npm test in a sandboxed session");
    assert!(text(&out).contains("# pass 1"), "{}", text(&out));
    assert!(p.sandbox.home.join(".npm").is_dir(), "npm's cache folder");
}

#[test]
fn the_sandboxed_command_keeps_its_user_and_has_no_capabilities() {
    let p = project();
    let out = p.repo.gk(&[
        "sandbox",
        "--",
        "sh",
        "-c",
        "id -u; grep -E '^Cap(Eff|Prm|Bnd|Amb):' /proc/self/status",
    ]);
    assert_success(&out, "sandbox");
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    let uid = std::process::Command::new("id").arg("-u").output().unwrap();
    assert_eq!(
        stdout.lines().next().unwrap(),
        String::from_utf8(uid.stdout).unwrap().trim(),
        "{stdout}"
    );
    let caps: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(caps.len(), 4, "{stdout}");
    for line in caps {
        assert!(line.ends_with("0000000000000000"), "{stdout}");
    }
}
