//! `lesson add`, `lessons`, `lessons sync`, `memory audit`.

use super::project;
use crate::common::{assert_code, assert_success, text};

const INDEX: &str = ".gatekeeper/memory/MEMORY.md";

fn index(repo: &crate::common::TestRepo) -> String {
    String::from_utf8(repo.read(INDEX)).unwrap()
}

fn is_dated_line(line: &str, lesson: &str) -> bool {
    // `- YYYY-MM-DD lesson`
    let Some(rest) = line.strip_prefix("- ") else {
        return false;
    };
    let (date, text) = rest.split_at(10);
    date.chars().enumerate().all(|(i, c)| {
        if i == 4 || i == 7 {
            c == '-'
        } else {
            c.is_ascii_digit()
        }
    }) && text.trim_start() == lesson
}

#[test]
fn lesson_add_appends_one_dated_line() {
    let p = project();
    let out = p.repo.gk(&[
        "lesson",
        "add",
        "Run",
        "migrations",
        "before",
        "the",
        "seed",
        "script",
    ]);
    assert_success(&out, "lesson add");
    let idx = index(&p.repo);
    let entries: Vec<&str> = idx.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(entries.len(), 1, "{idx}");
    assert!(
        is_dated_line(entries[0], "Run migrations before the seed script"),
        "{idx}"
    );
    let out = p
        .repo
        .gk(&["lesson", "add", "Cargo test needs the fixtures dir"]);
    assert_success(&out, "second lesson");
    assert_eq!(
        index(&p.repo)
            .lines()
            .filter(|l| l.starts_with("- "))
            .count(),
        2
    );
}

#[test]
fn lesson_add_refuses_a_duplicate() {
    let p = project();
    assert_success(
        &p.repo.gk(&["lesson", "add", "Always run the linter."]),
        "first",
    );
    let before = index(&p.repo);
    let out = p.repo.gk(&["lesson", "add", "always  run the LINTER"]);
    assert_code(&out, 1, "duplicate lesson");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already in"),
        "{}",
        text(&out)
    );
    assert_eq!(
        index(&p.repo),
        before,
        "a refused lesson must not change the index"
    );
}

#[test]
fn lesson_add_with_topic_writes_and_links_the_topic_file() {
    let p = project();
    let out = p.repo.gk(&[
        "lesson",
        "add",
        "--topic",
        "Database Migrations",
        "Never edit an applied migration",
    ]);
    assert_success(&out, "lesson add --topic");
    let topic =
        String::from_utf8(p.repo.read(".gatekeeper/memory/database-migrations.md")).unwrap();
    assert!(topic.starts_with("# Database Migrations\n"), "{topic}");
    assert!(topic.contains("Never edit an applied migration"), "{topic}");
    let idx = index(&p.repo);
    assert!(
        idx.contains(
            "Never edit an applied migration (see [database-migrations](database-migrations.md))"
        ),
        "{idx}"
    );
    // A second lesson on the same topic appends to the file.
    assert_success(
        &p.repo.gk(&[
            "lesson",
            "add",
            "--topic",
            "database migrations",
            "Squash only before release",
        ]),
        "second topic lesson",
    );
    let topic =
        String::from_utf8(p.repo.read(".gatekeeper/memory/database-migrations.md")).unwrap();
    assert_eq!(
        topic.lines().filter(|l| l.starts_with("- ")).count(),
        2,
        "{topic}"
    );
    // The audit is clean: the topic is linked and exists.
    assert_success(&p.repo.gk(&["memory", "audit"]), "memory audit");
}

#[test]
fn lessons_searches_index_and_topics_and_fails_when_nothing_matches() {
    let p = project();
    assert_success(
        &p.repo.gk(&[
            "lesson",
            "add",
            "--topic",
            "ci",
            "The CI cache key includes the lockfile",
        ]),
        "add",
    );
    assert_success(
        &p.repo
            .gk(&["lesson", "add", "Use the staging database for demos"]),
        "add",
    );
    let out = p.repo.gk(&["lessons", "cache", "key"]);
    assert_success(&out, "lessons cache key");
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains(".gatekeeper/memory/MEMORY.md:") && s.contains(".gatekeeper/memory/ci.md:"),
        "{s}"
    );
    assert!(!s.contains("staging"), "{s}");
    let out = p.repo.gk(&["lessons", "kubernetes"]);
    assert_code(&out, 1, "no match");
    let out = p.repo.gk(&["--format", "json", "lessons"]);
    assert_success(&out, "all lessons");
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 3, "{all}");
}

#[test]
fn lessons_sync_aggregates_workspaces_and_search_reads_it() {
    let p = project();
    // A second project with its own lesson and a configuration that must not travel.
    let other = p.sandbox.repo("other");
    other.write(
        "gatekeeper.yml",
        "gates:\n  secret-gate:\n    run: echo do-not-copy\n",
    );
    other.write(
        ".gatekeeper/memory/MEMORY.md",
        "# Memory\n\n- 2026-01-02 Prefer rebase over merge for topic branches\n",
    );
    std::fs::create_dir_all(p.sandbox.home.join(".config/gatekeeper")).unwrap();
    std::fs::write(
        p.sandbox.home.join(".config/gatekeeper/config.yml"),
        format!(
            "workspaces:\n  - {}\n  - {}\n",
            other.root.display(),
            p.sandbox.path().join("missing").display()
        ),
    )
    .unwrap();
    let out = p.repo.gk(&["lessons", "sync"]);
    assert_success(&out, "lessons sync");
    let cross = std::fs::read_to_string(
        p.sandbox
            .home
            .join(".local/state/gatekeeper/lessons/MEMORY.md"),
    )
    .unwrap();
    assert!(
        cross.contains("Prefer rebase over merge for topic branches [other]"),
        "{cross}"
    );
    assert!(
        !cross.contains("do-not-copy") && !cross.contains("secret-gate"),
        "{cross}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("skipped (no such directory)"),
        "{}",
        text(&out)
    );
    // This project's search reads the cross-project index, read-only.
    let out = p.repo.gk(&["lessons", "rebase"]);
    assert_success(&out, "lessons rebase");
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("cross-project:"),
        "{}",
        text(&out)
    );
    assert!(
        !p.repo.exists(".gatekeeper/memory/MEMORY.md"),
        "search must not write the project memory"
    );
}

#[test]
fn lessons_sync_without_workspaces_is_a_usage_error() {
    let p = project();
    assert_code(&p.repo.gk(&["lessons", "sync"]), 2, "sync without config");
}

#[test]
fn memory_audit_reports_each_problem() {
    let p = project_with_max_lines(5);
    p.repo.write(
        INDEX,
        "# Memory\n\n- 2026-01-01 Deploys need [the runbook](runbook.md)\n- 2026-01-02 Config is read in `src/lib.rs`\n- 2026-01-03 The parser lives in `src/parser.rs`\n- 2026-01-04 see [gone](gone.md)\n",
    );
    p.repo.write(".gatekeeper/memory/runbook.md", "# Runbook\n");
    p.repo
        .write(".gatekeeper/memory/orphan.md", "# Nobody links here\n");
    let out = p.repo.gk(&["--format", "json", "memory", "audit"]);
    assert_code(&out, 1, "memory audit");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert!(
        kinds.iter().any(|(k, _)| *k == "index-too-long"),
        "{kinds:?}"
    );
    assert!(
        kinds
            .iter()
            .any(|(k, m)| *k == "broken-link" && m.contains("gone.md")),
        "{kinds:?}"
    );
    assert!(kinds.iter().any(|(k, _)| *k == "orphan-topic"), "{kinds:?}");
    assert!(
        kinds
            .iter()
            .any(|(k, m)| *k == "missing-file" && m.contains("src/parser.rs")),
        "{kinds:?}"
    );
    assert!(
        !kinds
            .iter()
            .any(|(_, m)| m.contains("src/lib.rs") || m.contains("runbook")),
        "{kinds:?}"
    );
    assert_eq!(kinds.len(), 4, "{kinds:?}");
}

#[test]
fn memory_audit_of_a_clean_memory_passes() {
    let p = project();
    assert_success(
        &p.repo
            .gk(&["lesson", "add", "Config is read in `src/lib.rs`"]),
        "add",
    );
    let out = p.repo.gk(&["memory", "audit"]);
    assert_success(&out, "memory audit");
}

fn project_with_max_lines(n: usize) -> super::Project {
    let config = super::CONFIG.replace(
        "agents:\n",
        &format!("agents:\n  memory: {{ max_lines: {n} }}\n"),
    );
    super::project_with(&config)
}
