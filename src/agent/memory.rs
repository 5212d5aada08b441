//! Project memory: the index (one line per lesson or fact), its topic files, lesson search,
//! the memory audit and the per-user cross-project index that `lessons sync` aggregates.
//!
//! The index is Markdown. Entries are the lines that start with `- `; an entry written by
//! `lesson add` reads `- YYYY-MM-DD TEXT`, followed by ` (see [topic](topic.md))` when the
//! detail lives in a topic file beside the index. Other lines (headings, prose) are kept as
//! they are.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use crate::config::AgentsConfig;
use crate::exit::Failure;
use crate::fsutil::write_atomic;

/// Where a project's memory lives.
#[derive(Debug, Clone)]
pub struct MemoryPaths {
    /// The index, absolute.
    pub index: PathBuf,
    /// The index relative to the work-tree root, as configured.
    pub index_rel: PathBuf,
    /// The directory of the index: topic files live here.
    pub dir: PathBuf,
    /// The directory relative to the work-tree root.
    pub dir_rel: PathBuf,
}

impl MemoryPaths {
    pub fn new(root: &Path, agents: &AgentsConfig) -> MemoryPaths {
        let index_rel = PathBuf::from(agents.memory.index.trim_start_matches("./"));
        let dir_rel = index_rel
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf);
        MemoryPaths {
            index: root.join(&index_rel),
            dir: root.join(&dir_rel),
            index_rel,
            dir_rel,
        }
    }

    /// Whether a path relative to the root is the index or one of its topic files. Agents
    /// write these through `gatekeeper lesson add`, so they are exempt from role and
    /// protected-path checks.
    pub fn contains(&self, rel: &Path) -> bool {
        if rel == self.index_rel {
            return true;
        }
        rel.parent() == Some(self.dir_rel.as_path()) && rel.extension().is_some_and(|e| e == "md")
    }
}

/// Reads a file that may not exist.
fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    }
}

/// The index text, or empty when there is none yet.
pub fn read_index(paths: &MemoryPaths) -> Result<String> {
    Ok(read_optional(&paths.index)?.unwrap_or_default())
}

/// The entry lines of an index text (those starting with `- ` or `* `).
pub fn entries(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| is_entry(l))
        .map(|(i, l)| (i + 1, l))
        .collect()
}

fn is_entry(line: &str) -> bool {
    line.starts_with("- ") || line.starts_with("* ")
}

/// A lesson's text reduced for duplicate detection: no bullet, no leading date, links
/// replaced by their labels, case and whitespace folded, no trailing full stop.
pub fn normalize(line: &str) -> String {
    let mut s = line.trim();
    for bullet in ["- ", "* "] {
        if let Some(rest) = s.strip_prefix(bullet) {
            s = rest;
        }
    }
    let s = strip_date(s);
    let s = s.split(" (see [").next().unwrap_or(s);
    let s = unlink(s);
    let folded: Vec<String> = s.split_whitespace().map(str::to_lowercase).collect();
    folded.join(" ").trim_end_matches('.').to_owned()
}

fn strip_date(s: &str) -> &str {
    let b = s.as_bytes();
    let is_date = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if is_date {
        s[10..].trim_start_matches([' ', ':']).trim_start()
    } else {
        s
    }
}

/// `[label](target)` → `label`.
fn unlink(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        if let Some(close) = after.find("](")
            && let Some(end) = after[close + 2..].find(')')
        {
            out.push_str(&rest[..open]);
            out.push_str(&after[..close]);
            rest = &after[close + 2 + end + 1..];
            continue;
        }
        out.push_str(&rest[..=open]);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Markdown links `[label](target)` of a line, as targets.
pub fn links(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(pos) = rest.find("](") {
        let after = &rest[pos + 2..];
        match after.find(')') {
            Some(end) => {
                out.push(after[..end].trim().to_owned());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

/// A topic name as a file name: lowercase letters, digits and dashes.
pub fn topic_slug(topic: &str) -> String {
    let mut slug = String::new();
    for c in topic.trim().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_owned()
}

/// What `lesson add` did.
#[derive(Debug, Clone, Serialize)]
pub struct LessonAdded {
    /// The line appended to the index.
    pub line: String,
    pub index: String,
    /// The topic file written, when `--topic` was given.
    pub topic_file: Option<String>,
    /// Whether the topic file was created by this call.
    pub topic_created: bool,
}

/// Appends one dated line to the index (and to the topic file when a topic is given).
/// A lesson already in the index is refused (exit 1).
pub fn add_lesson(
    paths: &MemoryPaths,
    topic: Option<&str>,
    text: &str,
    date: &str,
) -> Result<LessonAdded> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Err(Failure::usage("a lesson needs some text").into());
    }
    let index_text = read_index(paths)?;
    let wanted = normalize(&text);
    for (n, line) in entries(&index_text) {
        if normalize(line) == wanted {
            return Err(Failure::refused(format!(
                "this lesson is already in `{}` (line {n}): {line}",
                paths.index_rel.display()
            ))
            .into());
        }
    }
    let mut line = format!("- {date} {text}");
    let mut topic_file = None;
    let mut topic_created = false;
    if let Some(topic) = topic {
        let slug = topic_slug(topic);
        if slug.is_empty() {
            return Err(Failure::usage(format!(
                "the topic `{topic}` has no letters or digits to name a file after"
            ))
            .into());
        }
        let file = format!("{slug}.md");
        let path = paths.dir.join(&file);
        let existing = read_optional(&path)?;
        topic_created = existing.is_none();
        let mut body = existing.unwrap_or_else(|| format!("# {}\n\n", topic.trim()));
        if !body.is_empty() && !body.ends_with('\n') {
            body.push('\n');
        }
        body.push_str(&format!("- {date} {text}\n"));
        write_atomic(&path, body.as_bytes())?;
        line.push_str(&format!(" (see [{slug}]({file}))"));
        topic_file = Some(paths.dir_rel.join(&file).to_string_lossy().into_owned());
    }
    let mut new_index = if index_text.is_empty() {
        "# Project memory\n\nOne line per lesson or fact; details live in the topic files linked from here.\n\n"
            .to_owned()
    } else {
        index_text
    };
    if !new_index.ends_with('\n') {
        new_index.push('\n');
    }
    new_index.push_str(&line);
    new_index.push('\n');
    write_atomic(&paths.index, new_index.as_bytes())?;
    Ok(LessonAdded {
        line,
        index: paths.index_rel.to_string_lossy().into_owned(),
        topic_file,
        topic_created,
    })
}

/// One search hit.
#[derive(Debug, Clone, Serialize)]
pub struct LessonHit {
    /// `project`, or `cross-project` for the per-user index (read-only).
    pub source: &'static str,
    pub file: String,
    pub line: usize,
    pub text: String,
}

/// Searches the index, the topic files and (read-only) the cross-project index. Every word
/// of `query` must appear (case-insensitive); no query lists every entry.
pub fn search(
    paths: &MemoryPaths,
    cross_index: Option<&Path>,
    query: Option<&str>,
) -> Result<Vec<LessonHit>> {
    let words: Vec<String> = query
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let matches = |line: &str| {
        let l = line.to_lowercase();
        words.iter().all(|w| l.contains(w.as_str()))
    };
    let mut hits = Vec::new();
    let mut files: Vec<(PathBuf, String)> = vec![(
        paths.index.clone(),
        paths.index_rel.to_string_lossy().into_owned(),
    )];
    for topic in topic_files(paths)? {
        let rel = paths.dir_rel.join(&topic).to_string_lossy().into_owned();
        files.push((paths.dir.join(&topic), rel));
    }
    for (abs, rel) in files {
        let Some(text) = read_optional(&abs)? else {
            continue;
        };
        for (n, line) in entries(&text) {
            if matches(line) {
                hits.push(LessonHit {
                    source: "project",
                    file: rel.clone(),
                    line: n,
                    text: line.to_owned(),
                });
            }
        }
    }
    if let Some(cross) = cross_index
        && let Some(text) = read_optional(cross)?
    {
        for (n, line) in entries(&text) {
            if matches(line) {
                hits.push(LessonHit {
                    source: "cross-project",
                    file: cross.to_string_lossy().into_owned(),
                    line: n,
                    text: line.to_owned(),
                });
            }
        }
    }
    Ok(hits)
}

/// The Markdown files beside the index (not the index itself), sorted by name.
pub fn topic_files(paths: &MemoryPaths) -> Result<Vec<String>> {
    let rd = match std::fs::read_dir(&paths.dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(e).with_context(|| format!("failed to list `{}`", paths.dir.display()));
        }
    };
    let index_name = paths.index.file_name().map(std::ffi::OsStr::to_os_string);
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.with_context(|| format!("failed to list `{}`", paths.dir.display()))?;
        let name = entry.file_name();
        if Some(&name) == index_name.as_ref() {
            continue;
        }
        let p = Path::new(&name);
        if p.extension().is_some_and(|e| e == "md") && entry.path().is_file() {
            out.push(name.to_string_lossy().into_owned());
        }
    }
    out.sort();
    Ok(out)
}

/// One problem found by `memory audit`.
#[derive(Debug, Clone, Serialize)]
pub struct AuditFinding {
    /// `index-too-long`, `broken-link`, `orphan-topic` or `missing-file`.
    pub kind: &'static str,
    pub file: String,
    /// 1-based line, when the problem is on one line.
    pub line: Option<usize>,
    pub message: String,
}

/// The result of `memory audit`.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub index: String,
    pub index_lines: usize,
    pub max_lines: usize,
    pub topics: Vec<String>,
    pub findings: Vec<AuditFinding>,
}

/// Audits the memory: an index longer than `max_lines` (agents read only the start), links
/// to missing topic files, topic files nothing links to, and lessons naming files that no
/// longer exist (a back-quoted path, checked against the work tree).
pub fn audit(root: &Path, paths: &MemoryPaths, max_lines: usize) -> Result<AuditReport> {
    let index_rel = paths.index_rel.to_string_lossy().into_owned();
    let text = read_optional(&paths.index)?;
    let mut findings = Vec::new();
    let Some(text) = text else {
        return Ok(AuditReport {
            index: index_rel,
            index_lines: 0,
            max_lines,
            topics: topic_files(paths)?,
            findings,
        });
    };
    let index_lines = text.lines().count();
    if index_lines > max_lines {
        findings.push(AuditFinding {
            kind: "index-too-long",
            file: index_rel.clone(),
            line: None,
            message: format!(
                "the index has {index_lines} lines, over agents.memory.max_lines ({max_lines}): lines past {max_lines} are not read; move detail into topic files"
            ),
        });
    }
    let topics = topic_files(paths)?;
    let mut linked = BTreeSet::new();
    let mut scan = |file_rel: &str, text: &str, findings: &mut Vec<AuditFinding>| {
        for (i, line) in text.lines().enumerate() {
            for target in links(line) {
                if target.contains("://") || target.starts_with('#') || target.is_empty() {
                    continue;
                }
                let target_path = target.split('#').next().unwrap_or(&target);
                let abs = paths.dir.join(target_path);
                if let Ok(rel) = abs.strip_prefix(&paths.dir)
                    && rel.components().count() == 1
                {
                    linked.insert(rel.to_string_lossy().into_owned());
                }
                if !abs.exists() {
                    findings.push(AuditFinding {
                        kind: "broken-link",
                        file: file_rel.to_owned(),
                        line: Some(i + 1),
                        message: format!("links to `{target}`, which does not exist"),
                    });
                }
            }
            for named in named_paths(line) {
                if !root.join(&named).exists() {
                    findings.push(AuditFinding {
                        kind: "missing-file",
                        file: file_rel.to_owned(),
                        line: Some(i + 1),
                        message: format!("names `{named}`, which no longer exists"),
                    });
                }
            }
        }
    };
    scan(&index_rel, &text, &mut findings);
    for topic in &topics {
        let rel = paths.dir_rel.join(topic).to_string_lossy().into_owned();
        if let Some(t) = read_optional(&paths.dir.join(topic))? {
            scan(&rel, &t, &mut findings);
        }
    }
    for topic in &topics {
        if !linked.contains(topic) {
            findings.push(AuditFinding {
                kind: "orphan-topic",
                file: paths.dir_rel.join(topic).to_string_lossy().into_owned(),
                line: None,
                message: "no link in the memory points to this topic file".to_owned(),
            });
        }
    }
    Ok(AuditReport {
        index: index_rel,
        index_lines,
        max_lines,
        topics,
        findings,
    })
}

/// Back-quoted spans of a line that look like repository paths: no spaces, a `/`, and a
/// file name with an extension (`src/lib.rs`), or a directory ending in `/`.
pub fn named_paths(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut parts = line.split('`');
    parts.next();
    while let Some(span) = parts.next() {
        // Spans alternate: inside, outside, inside, ...
        let _outside = parts.next();
        let s = span.trim();
        if s.is_empty()
            || s.contains(char::is_whitespace)
            || !s.contains('/')
            || s.contains("://")
            || s.starts_with('/')
            || s.starts_with('~')
            || s.starts_with('-')
            || s.contains(['*', '?', '{', '$', '<', '>', '(', '=', ':'])
        {
            continue;
        }
        let name = s.rsplit('/').next().unwrap_or("");
        let looks_like_file = name.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty() && !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if looks_like_file || s.ends_with('/') {
            out.push(s.trim_start_matches("./").to_owned());
        }
    }
    out
}

/// The per-user configuration (`$XDG_CONFIG_HOME/gatekeeper/config.yml`): only the list of
/// workspaces whose lessons are aggregated. Other keys are ignored here.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserConfig {
    #[serde(default)]
    pub workspaces: Vec<String>,
}

/// The per-user configuration file's name inside the per-user configuration directory.
pub const USER_CONFIG_FILE: &str = "config.yml";

/// Reads the per-user configuration; absent means empty.
pub fn read_user_config(path: &Path) -> Result<UserConfig> {
    let Some(text) = read_optional(path)? else {
        return Ok(UserConfig::default());
    };
    if text.trim().is_empty() {
        return Ok(UserConfig::default());
    }
    serde_saphyr::from_str(&text).map_err(|e| {
        anyhow::Error::new(Failure::usage(format!(
            "invalid per-user configuration `{}`: {e}",
            path.display()
        )))
    })
}

/// The cross-project index inside the per-user state directory.
pub fn cross_index_path(user_state_dir: &Path) -> PathBuf {
    user_state_dir.join("lessons").join("MEMORY.md")
}

/// What `lessons sync` did.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub index: String,
    pub workspaces: Vec<SyncedWorkspace>,
    pub lessons: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SyncedWorkspace {
    pub path: String,
    pub name: String,
    pub lessons: usize,
    /// Why it was skipped, when it was.
    pub skipped: Option<String>,
}

/// Rebuilds the cross-project index from the indexes of `workspaces`. Only lesson lines are
/// copied, labelled with their project; nothing of a workspace's configuration is.
pub fn sync(workspaces: &[String], cross_index: &Path, date: &str) -> Result<SyncReport> {
    let mut seen = BTreeSet::new();
    let mut lines = Vec::new();
    let mut report = SyncReport {
        index: cross_index.to_string_lossy().into_owned(),
        workspaces: Vec::new(),
        lessons: 0,
    };
    for ws in workspaces {
        let root = PathBuf::from(ws);
        let name = root
            .file_name()
            .map_or_else(|| ws.clone(), |n| n.to_string_lossy().into_owned());
        let mut entry = SyncedWorkspace {
            path: ws.clone(),
            name: name.clone(),
            lessons: 0,
            skipped: None,
        };
        if !root.is_dir() {
            entry.skipped = Some("no such directory".to_owned());
            report.workspaces.push(entry);
            continue;
        }
        // Only the index location is taken from the workspace's configuration; an
        // unreadable configuration falls back to the default location.
        let agents = crate::config::Config::load_from_root(&root)
            .map(|c| c.agents.clone())
            .unwrap_or_default();
        let paths = MemoryPaths::new(&root, &agents);
        let Some(text) = read_optional(&paths.index)? else {
            entry.skipped = Some(format!("no `{}`", paths.index_rel.display()));
            report.workspaces.push(entry);
            continue;
        };
        for (_, line) in entries(&text) {
            let key = normalize(line);
            if key.is_empty() || !seen.insert(key) {
                continue;
            }
            let body = line[2..].trim();
            let body = body.split(" (see [").next().unwrap_or(body);
            lines.push(format!("- {} [{name}]", unlink(body)));
            entry.lessons += 1;
        }
        report.workspaces.push(entry);
    }
    report.lessons = lines.len();
    let mut text = format!(
        "# Cross-project lessons\n\nAggregated by `gatekeeper lessons sync` on {date}; rewritten on every sync, do not edit.\n\n"
    );
    for l in &lines {
        text.push_str(l);
        text.push('\n');
    }
    write_atomic(cross_index, text.as_bytes())?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_ignores_date_bullet_case_and_topic_link() {
        assert_eq!(
            normalize("- 2026-01-02 Run  the Tests first. (see [ci](ci.md))"),
            "run the tests first"
        );
        assert_eq!(normalize("run the tests first"), "run the tests first");
    }

    #[test]
    fn links_and_named_paths_are_found() {
        assert_eq!(links("a [x](x.md) b [y](y.md#h)"), vec!["x.md", "y.md#h"]);
        assert_eq!(
            named_paths("see `src/lib.rs`, not `cargo test` nor `a/b` nor `docs/`"),
            vec!["src/lib.rs", "docs/"]
        );
    }

    #[test]
    fn topic_slug_is_a_file_name() {
        assert_eq!(topic_slug("  Database Migrations! "), "database-migrations");
        assert_eq!(topic_slug("!!"), "");
    }
}
