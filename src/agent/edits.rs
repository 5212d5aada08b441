//! What a file would hold after an agent's edit tool ran (Claude Code's `Write`, `Edit`,
//! `MultiEdit`; Codex's `apply_patch`), and whether that content weakens a sacred test.
//!
//! The sacred verdict uses the sacred module's own parser and comparison against the lock
//! at HEAD, on the post-edit content of that one file.

use std::path::Path;

use anyhow::{Result, bail};
use serde_json::Value;

use crate::config::Config;
use crate::git::Repo;
use crate::sacred::{Finding, SacredLock};

/// One file an edit tool call would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    /// As the tool gave it (absolute for Claude Code; relative to `cwd` for Codex patches).
    pub path: String,
    /// The content after the edit: `Some(None)` when the file is deleted, `None` when it
    /// cannot be computed (e.g. a notebook cell edit).
    pub after: Option<Option<String>>,
}

fn str_field<'a>(v: &'a Value, name: &str) -> Result<&'a str> {
    match v.get(name).and_then(Value::as_str) {
        Some(s) => Ok(s),
        None => bail!("tool_input has no string `{name}`"),
    }
}

/// Replaces `old` by `new` the way Claude Code's Edit does; `None` when `old` is absent (the
/// tool itself will then fail and change nothing).
fn replace(current: &str, old: &str, new: &str, all: bool) -> Option<String> {
    if old.is_empty() {
        return Some(current.to_owned() + new);
    }
    if !current.contains(old) {
        return None;
    }
    Some(if all {
        current.replace(old, new)
    } else {
        current.replacen(old, new, 1)
    })
}

/// The files a Claude Code edit tool call changes, with their content after it.
/// `read` gives a file's current content (`None`: it does not exist).
pub fn claude_edits(
    tool: &str,
    input: &Value,
    read: &dyn Fn(&str) -> Result<Option<String>>,
) -> Result<Vec<FileEdit>> {
    match tool {
        "Write" => {
            let path = str_field(input, "file_path")?;
            let content = str_field(input, "content")?;
            Ok(vec![FileEdit {
                path: path.to_owned(),
                after: Some(Some(content.to_owned())),
            }])
        }
        "Edit" => {
            let path = str_field(input, "file_path")?;
            let old = str_field(input, "old_string")?;
            let new = str_field(input, "new_string")?;
            let all = input
                .get("replace_all")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let current = read(path)?.unwrap_or_default();
            let after = replace(&current, old, new, all).unwrap_or(current);
            Ok(vec![FileEdit {
                path: path.to_owned(),
                after: Some(Some(after)),
            }])
        }
        "MultiEdit" => {
            let path = str_field(input, "file_path")?;
            let Some(edits) = input.get("edits").and_then(Value::as_array) else {
                bail!("tool_input has no `edits` list");
            };
            let original = read(path)?.unwrap_or_default();
            let mut text = original.clone();
            for e in edits {
                let old = str_field(e, "old_string")?;
                let new = str_field(e, "new_string")?;
                let all = e
                    .get("replace_all")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                // MultiEdit is all or nothing: one failing edit changes nothing.
                let Some(t) = replace(&text, old, new, all) else {
                    text = original;
                    break;
                };
                text = t;
            }
            Ok(vec![FileEdit {
                path: path.to_owned(),
                after: Some(Some(text)),
            }])
        }
        "NotebookEdit" => {
            let path = input
                .get("notebook_path")
                .or_else(|| input.get("file_path"))
                .and_then(Value::as_str);
            let Some(path) = path else {
                bail!("tool_input has no string `notebook_path`");
            };
            Ok(vec![FileEdit {
                path: path.to_owned(),
                after: None,
            }])
        }
        other => bail!("`{other}` is not an edit tool"),
    }
}

/// One hunk of a Codex patch: the lines it expects and the lines it writes.
#[derive(Debug, Default, Clone)]
struct Hunk {
    old: Vec<String>,
    new: Vec<String>,
}

#[derive(Debug, Clone)]
enum PatchOp {
    Add {
        path: String,
        content: String,
    },
    Delete {
        path: String,
    },
    Update {
        path: String,
        move_to: Option<String>,
        hunks: Vec<Hunk>,
    },
}

fn parse_patch(patch: &str) -> Result<Vec<PatchOp>> {
    let mut ops: Vec<PatchOp> = Vec::new();
    let mut saw_begin = false;
    for raw in patch.lines() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim() == "*** Begin Patch" {
            saw_begin = true;
            continue;
        }
        if line.trim() == "*** End Patch" || line.trim() == "*** End of File" {
            continue;
        }
        if let Some(p) = line.strip_prefix("*** Add File: ") {
            ops.push(PatchOp::Add {
                path: p.trim().to_owned(),
                content: String::new(),
            });
            continue;
        }
        if let Some(p) = line.strip_prefix("*** Delete File: ") {
            ops.push(PatchOp::Delete {
                path: p.trim().to_owned(),
            });
            continue;
        }
        if let Some(p) = line.strip_prefix("*** Update File: ") {
            ops.push(PatchOp::Update {
                path: p.trim().to_owned(),
                move_to: None,
                hunks: vec![Hunk::default()],
            });
            continue;
        }
        match ops.last_mut() {
            Some(PatchOp::Add { content, .. }) => {
                if let Some(l) = line.strip_prefix('+') {
                    content.push_str(l);
                    content.push('\n');
                }
            }
            Some(PatchOp::Update { move_to, hunks, .. }) => {
                if let Some(p) = line.strip_prefix("*** Move to: ") {
                    *move_to = Some(p.trim().to_owned());
                } else if line.starts_with("@@") {
                    if hunks
                        .last()
                        .is_some_and(|h| !h.old.is_empty() || !h.new.is_empty())
                    {
                        hunks.push(Hunk::default());
                    }
                } else if let Some(h) = hunks.last_mut() {
                    if let Some(l) = line.strip_prefix('-') {
                        h.old.push(l.to_owned());
                    } else if let Some(l) = line.strip_prefix('+') {
                        h.new.push(l.to_owned());
                    } else {
                        let l = line.strip_prefix(' ').unwrap_or(line);
                        h.old.push(l.to_owned());
                        h.new.push(l.to_owned());
                    }
                }
            }
            _ => {}
        }
    }
    if !saw_begin && ops.is_empty() {
        bail!("the patch has no `*** Begin Patch` and names no file");
    }
    Ok(ops)
}

/// Applies hunks in order; `None` when one does not match (the patch would fail).
fn apply_hunks(current: &str, hunks: &[Hunk]) -> Option<String> {
    let trailing = current.ends_with('\n');
    let mut lines: Vec<String> = current.lines().map(str::to_owned).collect();
    let mut cursor = 0;
    for h in hunks {
        if h.old.is_empty() {
            lines.extend(h.new.iter().cloned());
            cursor = lines.len();
            continue;
        }
        let find = |from: usize, trim: bool| {
            (from..=lines.len().saturating_sub(h.old.len())).find(|&i| {
                i + h.old.len() <= lines.len()
                    && h.old.iter().zip(&lines[i..i + h.old.len()]).all(|(a, b)| {
                        if trim {
                            a.trim_end() == b.trim_end()
                        } else {
                            a == b
                        }
                    })
            })
        };
        let at = find(cursor, false).or_else(|| find(cursor, true))?;
        lines.splice(at..at + h.old.len(), h.new.iter().cloned());
        cursor = at + h.new.len();
    }
    let mut out = lines.join("\n");
    if trailing || !out.is_empty() {
        out.push('\n');
    }
    Some(out)
}

/// The files a Codex `apply_patch` changes, with their content after it. Paths are as the
/// patch writes them (relative to the session's directory).
pub fn codex_patch_edits(
    patch: &str,
    read: &dyn Fn(&str) -> Result<Option<String>>,
) -> Result<Vec<FileEdit>> {
    let mut out = Vec::new();
    for op in parse_patch(patch)? {
        match op {
            PatchOp::Add { path, content } => out.push(FileEdit {
                path,
                after: Some(Some(content)),
            }),
            PatchOp::Delete { path } => out.push(FileEdit {
                path,
                after: Some(None),
            }),
            PatchOp::Update {
                path,
                move_to,
                hunks,
            } => {
                let current = read(&path)?.unwrap_or_default();
                let after = apply_hunks(&current, &hunks);
                match move_to {
                    Some(dest) => {
                        out.push(FileEdit {
                            path,
                            after: Some(None),
                        });
                        out.push(FileEdit {
                            path: dest,
                            after: after.map(Some),
                        });
                    }
                    None => out.push(FileEdit {
                        path,
                        after: after.map(Some),
                    }),
                }
            }
        }
    }
    Ok(out)
}

/// The sacred tests of `rel` (a path relative to the root) that `after` would weaken,
/// compared with the lock at HEAD. `after = None`: the file would be deleted.
pub fn sacred_findings(
    repo: &Repo,
    config: &Config,
    rel: &str,
    after: Option<&str>,
) -> Result<Vec<Finding>> {
    let Some(text) = super::worktree::read_at_head(repo, Path::new(crate::sacred::LOCK_PATH))?
    else {
        return Ok(Vec::new());
    };
    let lock = SacredLock::parse(&text)?;
    let locked: Vec<_> = lock.tests.values().filter(|t| t.file == rel).collect();
    if locked.is_empty() {
        return Ok(Vec::new());
    }
    let lang = crate::sacred::lang::Lang::of_path(rel);
    let unsupported = lang.is_none_or(|l| !l.supported());
    let patterns = crate::gates::files::PatternSet::new(config.sacred.paths.iter())?;
    let sacred_path = !patterns.is_empty() && patterns.matches(Path::new(rel));
    let scan = match after {
        Some(content) if !unsupported => {
            let want = crate::sacred::Want::Ids(locked.iter().map(|t| t.id.clone()).collect());
            crate::sacred::lang::scan(
                rel,
                content,
                sacred_path,
                &want,
                &config.sacred.test_functions.0,
            )?
        }
        _ => None,
    };
    let new_file = crate::sacred::compare::NewFile {
        scan: scan.as_ref(),
        unsupported: unsupported && after.is_some(),
    };
    let mut out = Vec::new();
    for t in locked {
        out.extend(crate::sacred::compare::compare(t, &new_file, None));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reader(content: &'static str) -> impl Fn(&str) -> Result<Option<String>> {
        move |_| Ok(Some(content.to_owned()))
    }

    #[test]
    fn edit_and_multiedit_compute_the_new_content() {
        let r = reader("a\nb\nb\n");
        let e = claude_edits(
            "Edit",
            &json!({"file_path":"/x","old_string":"b","new_string":"c"}),
            &r,
        )
        .unwrap();
        assert_eq!(e[0].after, Some(Some("a\nc\nb\n".into())));
        let e = claude_edits(
            "Edit",
            &json!({"file_path":"/x","old_string":"b","new_string":"c","replace_all":true}),
            &r,
        )
        .unwrap();
        assert_eq!(e[0].after, Some(Some("a\nc\nc\n".into())));
        let e = claude_edits(
            "MultiEdit",
            &json!({"file_path":"/x","edits":[{"old_string":"a","new_string":"z"},{"old_string":"z\nb","new_string":"y"}]}),
            &r,
        )
        .unwrap();
        assert_eq!(e[0].after, Some(Some("y\nb\n".into())));
    }

    #[test]
    fn codex_patch_is_applied() {
        let r = reader("fn a() {}\nfn b() {\n    assert!(x);\n}\n");
        let patch = "*** Begin Patch\n*** Update File: src/x.rs\n@@ fn b() {\n fn b() {\n-    assert!(x);\n+    let _ = x;\n }\n*** Add File: new.txt\n+hello\n*** Delete File: old.txt\n*** End Patch\n";
        let e = codex_patch_edits(patch, &r).unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].path, "src/x.rs");
        assert_eq!(
            e[0].after,
            Some(Some("fn a() {}\nfn b() {\n    let _ = x;\n}\n".into()))
        );
        assert_eq!(e[1].after, Some(Some("hello\n".into())));
        assert_eq!(e[2].after, Some(None));
    }
}
