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

/// Replaces `old` by `new` the way Claude Code's Edit does; `None` when `old` is not in the
/// file, even after the client's normalisation (see [`normalised_replace`]).
fn replace(current: &str, old: &str, new: &str, all: bool) -> Option<String> {
    if old.is_empty() {
        return Some(current.to_owned() + new);
    }
    if !current.contains(old) {
        return normalised_replace(current, old, new, all);
    }
    Some(if all {
        current.replace(old, new)
    } else {
        current.replacen(old, new, 1)
    })
}

/// One character of normalised text and the byte range it came from.
fn normalise(text: &str) -> (Vec<char>, Vec<(usize, usize)>) {
    let mut chars = Vec::with_capacity(text.len());
    let mut spans = Vec::with_capacity(text.len());
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let (n, end) = match c {
            '\u{2018}' | '\u{2019}' => ('\'', i + c.len_utf8()),
            '\u{201C}' | '\u{201D}' => ('"', i + c.len_utf8()),
            '\r' if it.peek().is_some_and(|(_, n)| *n == '\n') => {
                let (j, _) = it.next().unwrap_or((i + 1, '\n'));
                ('\n', j + 1)
            }
            _ => (c, i + c.len_utf8()),
        };
        chars.push(n);
        spans.push((i, end));
    }
    (chars, spans)
}

/// Claude Code's Edit matches `old_string` after normalising curly quotes to straight ones
/// (and, in some versions, CRLF to LF), and then replaces the file's own text. This finds
/// `old` in `current` the same way and replaces the original bytes it covers; `None` when it
/// is not found that way either.
fn normalised_replace(current: &str, old: &str, new: &str, all: bool) -> Option<String> {
    let (hay, spans) = normalise(current);
    let (needle, _) = normalise(old);
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    let mut out = String::with_capacity(current.len());
    let mut copied = 0;
    let mut i = 0;
    let mut found = false;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == needle[..] {
            let start = spans[i].0;
            let end = spans[i + needle.len() - 1].1;
            out.push_str(&current[copied..start]);
            out.push_str(new);
            copied = end;
            found = true;
            i += needle.len();
            if !all {
                break;
            }
        } else {
            i += 1;
        }
    }
    if !found {
        return None;
    }
    out.push_str(&current[copied..]);
    Some(out)
}

/// The patch an edit tool's input carries instead of `file_path`/`old_string`: the input
/// itself as a string, or a `patch`/`input`/`command` string, beginning `*** Begin Patch`.
fn patch_text(input: &Value) -> Option<&str> {
    let text = match input {
        Value::String(s) => Some(s.as_str()),
        Value::Object(m) if !m.contains_key("file_path") => ["patch", "input", "command"]
            .iter()
            .find_map(|k| m.get(*k).and_then(Value::as_str)),
        _ => None,
    }?;
    text.trim_start()
        .starts_with("*** Begin Patch")
        .then_some(text)
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
        // Copilot CLI's Claude-compatible hooks send its `apply_patch` as an `Edit` whose
        // input is the raw patch (or holds it): judge every file the patch touches.
        "Edit" if patch_text(input).is_some() => {
            codex_patch_edits(patch_text(input).unwrap_or_default(), read)
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
            // The client calls the hook only once it found `old_string`; when gatekeeper
            // cannot find it, the result is unknown (never "unchanged").
            Ok(vec![FileEdit {
                path: path.to_owned(),
                after: replace(&current, old, new, all).map(Some),
            }])
        }
        "MultiEdit" => {
            let path = str_field(input, "file_path")?;
            let Some(edits) = input.get("edits").and_then(Value::as_array) else {
                bail!("tool_input has no `edits` list");
            };
            let mut text = read(path)?.unwrap_or_default();
            for e in edits {
                let old = str_field(e, "old_string")?;
                let new = str_field(e, "new_string")?;
                let all = e
                    .get("replace_all")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                // An edit gatekeeper cannot place makes the result unknown.
                let Some(t) = replace(&text, old, new, all) else {
                    return Ok(vec![FileEdit {
                        path: path.to_owned(),
                        after: None,
                    }]);
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

/// Words in an MCP tool's name that say it changes files.
const WRITING_WORDS: [&str; 14] = [
    "write", "edit", "create", "delete", "move", "rename", "patch", "replace", "insert", "append",
    "update", "remove", "save", "put",
];

fn first_str<'a>(v: &'a Value, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| v.get(*n).and_then(Value::as_str))
}

const OLD_FIELDS: [&str; 3] = ["old_string", "oldText", "old_str"];
const NEW_FIELDS: [&str; 3] = ["new_string", "newText", "new_str"];

/// The files an MCP tool call (`mcp__SERVER__TOOL`) writes, judged like Claude Code's own
/// tools: a file named by `file_path`/`path`/`filePath`/`filename`/`notebook_path` with
/// `content` (or `text`) is a Write; with `old_string`/`new_string` (or `oldText`/`newText`)
/// an Edit; with `edits` a list of them; `source` and `destination` a move. A tool whose
/// name says it writes (`write_file`, `delete`, `patch`…) and names a file, in a shape
/// gatekeeper cannot compute, is a write of unknown result. Other MCP tools (reads,
/// searches) write nothing.
pub fn mcp_edits(
    tool: &str,
    input: &Value,
    read: &dyn Fn(&str) -> Result<Option<String>>,
) -> Result<Vec<FileEdit>> {
    let name = tool
        .rsplit("__")
        .next()
        .unwrap_or(tool)
        .to_ascii_lowercase();
    let writes_by_name = WRITING_WORDS.iter().any(|w| name.contains(w));
    if let (Some(src), Some(dest)) = (
        first_str(input, &["source", "from", "old_path"]),
        first_str(input, &["destination", "to", "new_path"]),
    ) {
        let content = read(src)?;
        return Ok(vec![
            FileEdit {
                path: src.to_owned(),
                after: Some(None),
            },
            FileEdit {
                path: dest.to_owned(),
                after: content.map(Some),
            },
        ]);
    }
    let Some(path) = first_str(
        input,
        &["file_path", "path", "filePath", "filename", "notebook_path"],
    ) else {
        // Several files (`paths: [...]`) written by a writing tool: results unknown.
        let paths: Vec<&str> = input
            .get("paths")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if writes_by_name {
            return Ok(paths
                .into_iter()
                .map(|p| FileEdit {
                    path: p.to_owned(),
                    after: None,
                })
                .collect());
        }
        return Ok(Vec::new());
    };
    let edit = |path: &str| FileEdit {
        path: path.to_owned(),
        after: None,
    };
    if let Some(content) = first_str(input, &["content", "text"]) {
        return Ok(vec![FileEdit {
            path: path.to_owned(),
            after: Some(Some(content.to_owned())),
        }]);
    }
    if let (Some(old), Some(new)) = (first_str(input, &OLD_FIELDS), first_str(input, &NEW_FIELDS)) {
        let all = input
            .get("replace_all")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let current = read(path)?.unwrap_or_default();
        return Ok(vec![FileEdit {
            path: path.to_owned(),
            after: replace(&current, old, new, all).map(Some),
        }]);
    }
    if let Some(list) = input.get("edits").and_then(Value::as_array) {
        let mut text = read(path)?.unwrap_or_default();
        for e in list {
            let (Some(old), Some(new)) = (first_str(e, &OLD_FIELDS), first_str(e, &NEW_FIELDS))
            else {
                return Ok(vec![edit(path)]);
            };
            let Some(t) = replace(&text, old, new, false) else {
                return Ok(vec![edit(path)]);
            };
            text = t;
        }
        return Ok(vec![FileEdit {
            path: path.to_owned(),
            after: Some(Some(text)),
        }]);
    }
    if writes_by_name {
        return Ok(vec![edit(path)]);
    }
    Ok(Vec::new())
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
    let new_file = crate::sacred::rules::NewFile {
        scan: scan.as_ref(),
        unsupported: unsupported && after.is_some(),
    };
    let mut out = Vec::new();
    for t in locked {
        out.extend(crate::sacred::rules::compare(t, &new_file, None));
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
    fn edit_matches_like_the_client_with_curly_quotes_and_crlf() {
        let r = reader("a \u{2018}x\u{2019} b\r\nassert!(y);\r\nend\r\n");
        let e = claude_edits(
            "Edit",
            &json!({"file_path":"/x","old_string":"'x' b\nassert!(y);\n","new_string":"z\n"}),
            &r,
        )
        .unwrap();
        assert_eq!(e[0].after, Some(Some("a z\nend\r\n".into())));
        let e = claude_edits(
            "Edit",
            &json!({"file_path":"/x","old_string":"not there","new_string":""}),
            &r,
        )
        .unwrap();
        assert_eq!(
            e[0].after, None,
            "an edit that cannot be placed has an unknown result"
        );
    }

    #[test]
    fn mcp_tools_are_read_as_writes_edits_and_moves() {
        let read = reader("a\nb\n");
        let written = mcp_edits(
            "mcp__fs__write_file",
            &json!({"path":"x","content":"c"}),
            &read,
        )
        .unwrap();
        assert_eq!(written[0].after, Some(Some("c".into())));
        let edited = mcp_edits(
            "mcp__fs__edit_file",
            &json!({"path":"x","edits":[{"oldText":"b","newText":"z"}]}),
            &read,
        )
        .unwrap();
        assert_eq!(edited[0].after, Some(Some("a\nz\n".into())));
        let moved = mcp_edits(
            "mcp__fs__move_file",
            &json!({"source":"x","destination":"y"}),
            &read,
        )
        .unwrap();
        assert_eq!(moved[0].after, Some(None));
        assert_eq!(moved[1].path, "y");
        let deleted = mcp_edits("mcp__fs__delete_file", &json!({"path":"x"}), &read).unwrap();
        assert_eq!(deleted[0].after, None);
        assert!(
            mcp_edits("mcp__fs__read_file", &json!({"path":"x"}), &read)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_patch_sent_as_edit_is_judged_as_a_patch() {
        let patch =
            "*** Begin Patch\n*** Add File: a.txt\n+x\n*** Delete File: b.txt\n*** End Patch\n";
        let read = |_: &str| -> Result<Option<String>> { Ok(None) };
        for input in [
            Value::String(patch.into()),
            serde_json::json!({ "input": patch }),
        ] {
            let e = claude_edits("Edit", &input, &read).unwrap();
            let paths: Vec<&str> = e.iter().map(|f| f.path.as_str()).collect();
            assert_eq!(paths, ["a.txt", "b.txt"], "{input}");
            assert_eq!(e[1].after, Some(None));
        }
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
