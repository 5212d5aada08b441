//! gatekeeper's entries in coding agents' hook settings: `.claude/settings.json` (Claude
//! Code) and `.codex/hooks.json` (Codex CLI). Install merges them in; uninstall removes only
//! them. Every other key and entry of the user's file is kept, in its order.
//!
//! An entry is ours when its command contains `gatekeeper agent-hook AGENT`. The command
//! exits 2 with a message when `gatekeeper` is not on `PATH`: both agents treat a missing
//! program (exit 127) as a non-blocking error, which would silently switch the gates off.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::protocol::Agent;
use crate::exit::Failure;
use crate::fsutil::write_atomic;

/// The settings file of an agent, relative to the work-tree root.
pub fn settings_file(agent: Agent) -> &'static str {
    match agent {
        Agent::Claude => ".claude/settings.json",
        Agent::Codex => ".codex/hooks.json",
    }
}

fn marker(agent: Agent) -> String {
    marker_for(agent.name())
}

/// The command every agent's hook entry runs, for the agent named `name`: how gatekeeper
/// recognises its own entries.
pub fn marker_for(name: &str) -> String {
    format!("gatekeeper agent-hook {name}")
}

/// The hook command written into the settings.
pub fn hook_command(agent: Agent) -> String {
    hook_command_for(agent.name())
}

/// The hook command for the agent named `name`: exits 2 with a message when `gatekeeper` is
/// not on `PATH` (a missing program would otherwise be read as a non-blocking error by some
/// agents), else runs [`marker_for`].
pub fn hook_command_for(name: &str) -> String {
    format!(
        "command -v gatekeeper >/dev/null 2>&1 || {{ echo 'gatekeeper is not on PATH: install it, or run `gatekeeper uninstall --agent {name}` to remove its hooks' >&2; exit 2; }}; {m}",
        m = marker_for(name)
    )
}

/// The tools whose calls Claude Code hands to gatekeeper's PreToolUse hook: its file tools,
/// Bash, and every MCP tool (a regular expression, anchored so that `TodoWrite` and the like
/// are not matched). The current client has no `MultiEdit` tool any more.
pub const CLAUDE_PRE_TOOL_MATCHER: &str = "^(Edit|Write|NotebookEdit|Bash|mcp__.+)$";

/// The events gatekeeper answers, with their matcher.
fn events(agent: Agent) -> Vec<(&'static str, Option<&'static str>)> {
    match agent {
        Agent::Claude => vec![
            ("SessionStart", None),
            ("PreToolUse", Some(CLAUDE_PRE_TOOL_MATCHER)),
            ("Stop", None),
            ("SubagentStop", None),
        ],
        Agent::Codex => vec![
            ("SessionStart", None),
            ("PreToolUse", Some("Bash|apply_patch")),
            ("Stop", None),
            ("SubagentStop", None),
        ],
    }
}

/// Seconds a Stop hook may take: it runs the agent-stop gates, which can outlast the
/// agents' default of 600 s (a hook that times out is ignored, i.e. fails open).
pub const STOP_TIMEOUT_SECS: u64 = 3600;

fn our_group(agent: Agent, event: &str, matcher: Option<&str>) -> Value {
    let mut handler = json!({ "type": "command", "command": hook_command(agent) });
    if matches!(event, "Stop" | "SubagentStop") {
        handler["timeout"] = json!(STOP_TIMEOUT_SECS);
    }
    if agent == Agent::Claude && event == "PreToolUse" {
        // Claude Code 2.1.295 and later: a hook that cannot start, crashes or times out
        // blocks the tool call instead of letting it through.
        handler["onFailure"] = json!("block");
    }
    let mut group = Map::new();
    if let Some(m) = matcher {
        group.insert("matcher".into(), Value::String(m.to_owned()));
    }
    group.insert("hooks".into(), Value::Array(vec![handler]));
    Value::Object(group)
}

/// What install or uninstall did.
#[derive(Debug, Clone, Serialize)]
pub struct SettingsChange {
    pub agent: &'static str,
    pub file: String,
    /// Events whose entry was added, updated or removed.
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: Vec<String>,
    /// The file was created (install) or deleted because nothing else was in it (uninstall).
    pub created: bool,
    pub deleted: bool,
}

fn read_settings(path: &Path) -> Result<Option<Map<String, Value>>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Some(Map::new()));
    }
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Failure::usage(format!("`{}` is not valid JSON: {e}", path.display())).with_hint(
            "fix the file by hand; gatekeeper does not overwrite settings it cannot read",
        )
    })?;
    match value {
        Value::Object(m) => Ok(Some(m)),
        _ => Err(Failure::usage(format!("`{}` is not a JSON object", path.display())).into()),
    }
}

fn write_settings(path: &Path, map: &Map<String, Value>) -> Result<()> {
    let mut text = serde_json::to_string_pretty(&Value::Object(map.clone()))?;
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

fn is_ours(handler: &Value, marker: &str) -> bool {
    handler
        .get("command")
        .and_then(Value::as_str)
        .is_some_and(|c| c.contains(marker))
}

/// Removes our handlers from an event's groups; drops groups left empty by that. Returns
/// whether anything was removed.
fn remove_ours(groups: &mut Vec<Value>, marker: &str) -> bool {
    let mut removed = false;
    groups.retain_mut(|g| {
        let Some(hooks) = g.get_mut("hooks").and_then(Value::as_array_mut) else {
            return true;
        };
        let before = hooks.len();
        hooks.retain(|h| !is_ours(h, marker));
        if hooks.len() == before {
            return true;
        }
        removed = true;
        !hooks.is_empty()
    });
    removed
}

fn shape_error(path: &Path, what: &str) -> anyhow::Error {
    Failure::usage(format!("`{}`: {what}", path.display()))
        .with_hint("fix the file by hand; gatekeeper does not overwrite settings it cannot read")
        .into()
}

/// Merges gatekeeper's hook entries into the agent's settings file under `root`.
pub fn install(root: &Path, agent: Agent) -> Result<SettingsChange> {
    let path: PathBuf = root.join(settings_file(agent));
    let existing = read_settings(&path)?;
    let created = existing.is_none();
    let mut map = existing.unwrap_or_default();
    let mut change = SettingsChange {
        agent: agent.name(),
        file: path.to_string_lossy().into_owned(),
        added: Vec::new(),
        updated: Vec::new(),
        removed: Vec::new(),
        unchanged: Vec::new(),
        created,
        deleted: false,
    };
    let hooks = map
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(hooks) = hooks.as_object_mut() else {
        return Err(shape_error(&path, "`hooks` is not an object"));
    };
    let m = marker(agent);
    for (event, matcher) in events(agent) {
        let groups = hooks
            .entry(event)
            .or_insert_with(|| Value::Array(Vec::new()));
        let Some(groups) = groups.as_array_mut() else {
            return Err(shape_error(
                &path,
                &format!("`hooks.{event}` is not a list"),
            ));
        };
        let wanted = our_group(agent, event, matcher);
        let ours: Vec<&Value> = groups
            .iter()
            .filter(|g| {
                g.get("hooks")
                    .and_then(Value::as_array)
                    .is_some_and(|hs| hs.iter().any(|h| is_ours(h, &m)))
            })
            .collect();
        if ours.len() == 1 && *ours[0] == wanted {
            change.unchanged.push(event.to_owned());
            continue;
        }
        let had = remove_ours(groups, &m);
        groups.push(wanted);
        if had {
            change.updated.push(event.to_owned());
        } else {
            change.added.push(event.to_owned());
        }
    }
    if created || !change.added.is_empty() || !change.updated.is_empty() {
        write_settings(&path, &map)?;
    }
    Ok(change)
}

/// Removes gatekeeper's hook entries (and only them) from the agent's settings file.
pub fn uninstall(root: &Path, agent: Agent) -> Result<SettingsChange> {
    let path: PathBuf = root.join(settings_file(agent));
    let mut change = SettingsChange {
        agent: agent.name(),
        file: path.to_string_lossy().into_owned(),
        added: Vec::new(),
        updated: Vec::new(),
        removed: Vec::new(),
        unchanged: Vec::new(),
        created: false,
        deleted: false,
    };
    let Some(mut map) = read_settings(&path)? else {
        return Ok(change);
    };
    let m = marker(agent);
    let Some(hooks) = map.get_mut("hooks").and_then(Value::as_object_mut) else {
        return Ok(change);
    };
    let names: Vec<String> = hooks.keys().cloned().collect();
    for event in names {
        let Some(groups) = hooks.get_mut(&event).and_then(Value::as_array_mut) else {
            continue;
        };
        if remove_ours(groups, &m) {
            if groups.is_empty() {
                hooks.shift_remove(&event);
            }
            change.removed.push(event);
        }
    }
    if change.removed.is_empty() {
        return Ok(change);
    }
    if hooks.is_empty() {
        map.shift_remove("hooks");
    }
    if map.is_empty() {
        std::fs::remove_file(&path)
            .with_context(|| format!("failed to remove `{}`", path.display()))?;
        change.deleted = true;
    } else {
        write_settings(&path, &map)?;
    }
    Ok(change)
}

/// `install --agent NAME`: Claude Code's `.claude/settings.json`.
pub fn install_claude_settings(root: &Path) -> Result<SettingsChange> {
    install(root, Agent::Claude)
}

/// `uninstall --agent NAME`: removes only gatekeeper's entries from `.claude/settings.json`.
pub fn uninstall_claude_settings(root: &Path) -> Result<SettingsChange> {
    uninstall(root, Agent::Claude)
}

/// The agent named on the command line; an unknown one is a usage error (exit 2).
pub fn agent_named(name: &str) -> Result<Agent> {
    Agent::parse(name).ok_or_else(|| {
        Failure::usage(format!("unknown agent `{name}`"))
            .with_hint("supported agents: claude, codex, gemini, copilot, cursor")
            .into()
    })
}

/// Human lines describing a change.
pub fn render(change: &SettingsChange) -> String {
    let mut s = String::new();
    let list = |v: &[String]| v.join(", ");
    if change.created {
        s.push_str(&format!("created {}\n", change.file));
    }
    if !change.added.is_empty() {
        s.push_str(&format!(
            "{}: added gatekeeper's hooks for {}\n",
            change.file,
            list(&change.added)
        ));
    }
    if !change.updated.is_empty() {
        s.push_str(&format!(
            "{}: updated gatekeeper's hooks for {}\n",
            change.file,
            list(&change.updated)
        ));
    }
    if !change.removed.is_empty() {
        s.push_str(&format!(
            "{}: removed gatekeeper's hooks for {}\n",
            change.file,
            list(&change.removed)
        ));
    }
    if change.deleted {
        s.push_str(&format!(
            "removed {} (nothing else was in it)\n",
            change.file
        ));
    }
    if s.is_empty() {
        if change.unchanged.is_empty() {
            s.push_str(&format!("{}: no gatekeeper hooks to remove\n", change.file));
        } else {
            s.push_str(&format!(
                "{}: gatekeeper's hooks already installed\n",
                change.file
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_keeps_user_entries_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let user = r#"{"model":"x","hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"mine.sh"}]}]},"zeta":1}"#;
        std::fs::create_dir_all(dir.path().join(".claude")).unwrap();
        std::fs::write(dir.path().join(".claude/settings.json"), user).unwrap();
        let c = install_claude_settings(dir.path()).unwrap();
        assert_eq!(c.added.len(), 4);
        let again = install_claude_settings(dir.path()).unwrap();
        assert!(
            again.added.is_empty() && again.updated.is_empty(),
            "{again:?}"
        );
        let v: Value = serde_json::from_slice(
            &std::fs::read(dir.path().join(".claude/settings.json")).unwrap(),
        )
        .unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["model", "hooks", "zeta"]);
        assert_eq!(v["hooks"]["PreToolUse"].as_array().unwrap().len(), 2);
        let u = uninstall_claude_settings(dir.path()).unwrap();
        assert_eq!(u.removed.len(), 4);
        let v: Value = serde_json::from_slice(
            &std::fs::read(dir.path().join(".claude/settings.json")).unwrap(),
        )
        .unwrap();
        let back: Value = serde_json::from_str(user).unwrap();
        assert_eq!(v, back);
    }

    #[test]
    fn uninstall_deletes_a_file_that_held_only_ours() {
        let dir = tempfile::tempdir().unwrap();
        let c = install_claude_settings(dir.path()).unwrap();
        assert!(c.created);
        let u = uninstall_claude_settings(dir.path()).unwrap();
        assert!(u.deleted);
        assert!(!dir.path().join(".claude/settings.json").exists());
    }
}
