//! gatekeeper's entries in the hook files of Gemini CLI (`.gemini/settings.json`), GitHub
//! Copilot CLI (`.github/hooks/gatekeeper.json`) and Cursor (`.cursor/hooks.json`). Install
//! merges them in; uninstall removes only them; every other key and entry is kept, in its
//! order. An entry is ours when its command contains `gatekeeper agent-hook AGENT`.
//!
//! Two shapes: Gemini CLI groups handlers under a matcher (`{matcher, hooks: [handler]}`,
//! like Claude Code); Copilot CLI and Cursor list handlers directly under the event.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde_json::{Map, Value, json};

use super::adapter::Other;
use super::settings::{STOP_TIMEOUT_SECS, SettingsChange};
use crate::exit::Failure;
use crate::fsutil::write_atomic;

/// The hook file of an agent, relative to the work-tree root.
pub fn settings_file(agent: Other) -> &'static str {
    match agent {
        Other::Gemini => ".gemini/settings.json",
        Other::Copilot => ".github/hooks/gatekeeper.json",
        Other::Cursor => ".cursor/hooks.json",
    }
}

fn marker(agent: Other) -> String {
    super::settings::marker_for(agent.name())
}

/// The hook command (the same for every agent: see [`super::settings::hook_command_for`]).
pub fn hook_command(agent: Other) -> String {
    super::settings::hook_command_for(agent.name())
}

/// Seconds a tool hook may take.
const TOOL_TIMEOUT_SECS: u64 = 60;

/// The events gatekeeper answers and the entry it puts under each.
fn entries(agent: Other) -> Vec<(&'static str, Value)> {
    let cmd = hook_command(agent);
    match agent {
        Other::Gemini => {
            // Gemini CLI's timeouts are in milliseconds.
            let handler = |timeout_s: u64| {
                json!({"type": "command", "name": "gatekeeper", "command": cmd,
                       "timeout": timeout_s * 1000})
            };
            vec![
                (
                    "SessionStart",
                    json!({"hooks": [handler(TOOL_TIMEOUT_SECS)]}),
                ),
                (
                    "BeforeTool",
                    json!({"matcher": super::gemini::TOOL_MATCHER,
                           "hooks": [handler(TOOL_TIMEOUT_SECS)]}),
                ),
                ("AfterAgent", json!({"hooks": [handler(STOP_TIMEOUT_SECS)]})),
            ]
        }
        Other::Copilot => super::copilot::entries(&cmd, TOOL_TIMEOUT_SECS, STOP_TIMEOUT_SECS),
        Other::Cursor => super::cursor::entries(&cmd, TOOL_TIMEOUT_SECS, STOP_TIMEOUT_SECS),
    }
}

/// Keys the file must hold at its top level (Copilot's and Cursor's `version`).
fn required_top(agent: Other) -> Option<(&'static str, Value)> {
    match agent {
        Other::Gemini => None,
        Other::Copilot | Other::Cursor => Some(("version", json!(1))),
    }
}

fn grouped(agent: Other) -> bool {
    agent == Other::Gemini
}

fn read(path: &Path) -> Result<Option<Map<String, Value>>> {
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
        _ => Err(shape_error(path, "not a JSON object")),
    }
}

fn shape_error(path: &Path, what: &str) -> anyhow::Error {
    Failure::usage(format!("`{}`: {what}", path.display()))
        .with_hint("fix the file by hand; gatekeeper does not overwrite settings it cannot read")
        .into()
}

fn write(path: &Path, map: &Map<String, Value>) -> Result<()> {
    let mut text = serde_json::to_string_pretty(&Value::Object(map.clone()))?;
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

fn handler_is_ours(h: &Value, marker: &str) -> bool {
    ["command", "bash"].iter().any(|k| {
        h.get(*k)
            .and_then(Value::as_str)
            .is_some_and(|c| c.contains(marker))
    })
}

/// Removes our entries from an event's list (our handlers inside groups, for the grouped
/// shape; groups left empty go too). Returns whether anything was removed.
fn remove_ours(list: &mut Vec<Value>, marker: &str, grouped: bool) -> bool {
    let before = list.len();
    if !grouped {
        list.retain(|h| !handler_is_ours(h, marker));
        return list.len() != before;
    }
    let mut removed = false;
    list.retain_mut(|g| {
        let Some(hooks) = g.get_mut("hooks").and_then(Value::as_array_mut) else {
            return true;
        };
        let n = hooks.len();
        hooks.retain(|h| !handler_is_ours(h, marker));
        if hooks.len() == n {
            return true;
        }
        removed = true;
        !hooks.is_empty()
    });
    removed
}

fn is_ours_entry(entry: &Value, marker: &str, grouped: bool) -> bool {
    if grouped {
        entry
            .get("hooks")
            .and_then(Value::as_array)
            .is_some_and(|hs| hs.iter().any(|h| handler_is_ours(h, marker)))
    } else {
        handler_is_ours(entry, marker)
    }
}

fn new_change(agent: Other, path: &Path) -> SettingsChange {
    SettingsChange {
        agent: agent.name(),
        file: path.to_string_lossy().into_owned(),
        added: Vec::new(),
        updated: Vec::new(),
        removed: Vec::new(),
        unchanged: Vec::new(),
        created: false,
        deleted: false,
    }
}

/// Merges gatekeeper's entries into the agent's hook file under `root`.
pub fn install(root: &Path, agent: Other) -> Result<SettingsChange> {
    let path: PathBuf = root.join(settings_file(agent));
    let existing = read(&path)?;
    let mut change = new_change(agent, &path);
    change.created = existing.is_none();
    let mut map = existing.unwrap_or_default();
    let mut top_changed = false;
    if let Some((k, v)) = required_top(agent)
        && !map.contains_key(k)
    {
        map.insert(k.to_owned(), v);
        top_changed = true;
    }
    let hooks = map
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(hooks) = hooks.as_object_mut() else {
        return Err(shape_error(&path, "`hooks` is not an object"));
    };
    let m = marker(agent);
    let g = grouped(agent);
    for (event, wanted) in entries(agent) {
        let list = hooks
            .entry(event)
            .or_insert_with(|| Value::Array(Vec::new()));
        let Some(list) = list.as_array_mut() else {
            return Err(shape_error(
                &path,
                &format!("`hooks.{event}` is not a list"),
            ));
        };
        let ours: Vec<&Value> = list.iter().filter(|e| is_ours_entry(e, &m, g)).collect();
        if ours.len() == 1 && *ours[0] == wanted {
            change.unchanged.push(event.to_owned());
            continue;
        }
        let had = remove_ours(list, &m, g);
        list.push(wanted);
        if had {
            change.updated.push(event.to_owned());
        } else {
            change.added.push(event.to_owned());
        }
    }
    if change.created || top_changed || !change.added.is_empty() || !change.updated.is_empty() {
        write(&path, &map)?;
    }
    Ok(change)
}

/// Removes gatekeeper's entries (and only them) from the agent's hook file.
pub fn uninstall(root: &Path, agent: Other) -> Result<SettingsChange> {
    let path: PathBuf = root.join(settings_file(agent));
    let mut change = new_change(agent, &path);
    let Some(mut map) = read(&path)? else {
        return Ok(change);
    };
    let m = marker(agent);
    let g = grouped(agent);
    let Some(hooks) = map.get_mut("hooks").and_then(Value::as_object_mut) else {
        return Ok(change);
    };
    let names: Vec<String> = hooks.keys().cloned().collect();
    for event in names {
        let Some(list) = hooks.get_mut(&event).and_then(Value::as_array_mut) else {
            continue;
        };
        if remove_ours(list, &m, g) {
            if list.is_empty() {
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
    // Only the `version` install added left: the file was ours alone.
    let only_ours = map.is_empty()
        || (map.len() == 1 && required_top(agent).is_some_and(|(k, v)| map.get(k) == Some(&v)));
    if only_ours {
        std::fs::remove_file(&path)
            .with_context(|| format!("failed to remove `{}`", path.display()))?;
        change.deleted = true;
    } else {
        write(&path, &map)?;
    }
    Ok(change)
}

/// What the user must know to make the agent run project hooks (its folder trust).
pub fn trust_note(agent: Other) -> &'static str {
    match agent {
        Other::Gemini => {
            "Gemini CLI runs project hooks only in a trusted folder: trust it when asked, or run `gemini --skip-trust` (or set GEMINI_CLI_TRUST_WORKSPACE=true) for headless runs."
        }
        Other::Copilot => {
            "Copilot CLI runs the repository's hooks only in a trusted folder: trust it when asked, or pass `--trust-folder` (or `--allow-all`) to `copilot` for headless runs."
        }
        Other::Cursor => {
            "Cursor runs the project's .cursor/hooks.json once the workspace is trusted; restart Cursor after installing."
        }
    }
}

/// One `doctor` finding about an agent's wiring.
#[derive(Debug, Clone)]
pub struct Check {
    pub ok: bool,
    pub check: String,
    pub detail: String,
    pub hint: Option<String>,
}

fn is_under(path: &Path, dir: &Path) -> bool {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    canon(path).starts_with(canon(dir))
}

/// Whether Gemini CLI treats `root` as a trusted folder (its project hooks run only there):
/// `GEMINI_CLI_TRUST_WORKSPACE`, folder trust switched off in the user settings, or the
/// longest matching rule of `~/.gemini/trustedFolders.json`.
fn gemini_trusted(root: &Path, env: &crate::env::Environment) -> Result<bool, String> {
    match env.get("GEMINI_CLI_TRUST_WORKSPACE") {
        Some("true") => return Ok(true),
        Some("false") => return Ok(false),
        _ => {}
    }
    let Some(home) = env.home() else {
        return Err("HOME is not set".into());
    };
    let settings = std::fs::read(home.join(".gemini/settings.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
    if settings
        .as_ref()
        .is_some_and(|s| s["security"]["folderTrust"]["enabled"] == false)
    {
        return Ok(true);
    }
    let path = home.join(".gemini/trustedFolders.json");
    let rules: Map<String, Value> = match std::fs::read(&path) {
        Ok(b) => serde_json::from_slice(&b)
            .map_err(|e| format!("`{}` is not valid JSON: {e}", path.display()))?,
        Err(_) => Map::new(),
    };
    let mut best: Option<(usize, bool)> = None;
    for (rule, level) in &rules {
        let level = level.as_str().unwrap_or("");
        let rule_path = Path::new(rule);
        let dir = if level == "TRUST_PARENT" {
            rule_path.parent().unwrap_or(rule_path)
        } else {
            rule_path
        };
        if is_under(root, dir) && best.is_none_or(|(len, _)| rule.len() > len) {
            best = Some((rule.len(), level != "DO_NOT_TRUST"));
        }
    }
    Ok(best.is_some_and(|(_, trusted)| trusted))
}

/// Whether `root` (or a folder above it) is in Copilot CLI's permanently trusted folders
/// (`trustedFolders`, formerly `trusted_folders`, in `$COPILOT_HOME/config.json`, by
/// default `~/.copilot/config.json`).
fn copilot_trusted(root: &Path, env: &crate::env::Environment) -> bool {
    let dir = match env.non_empty("COPILOT_HOME") {
        Some(d) => PathBuf::from(d),
        None => match env.home() {
            Some(h) => h.join(".copilot"),
            None => return false,
        },
    };
    let Some(config) = std::fs::read(dir.join("config.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
    else {
        return false;
    };
    ["trustedFolders", "trusted_folders"].iter().any(|k| {
        config[*k].as_array().is_some_and(|folders| {
            folders
                .iter()
                .filter_map(Value::as_str)
                .any(|f| is_under(root, Path::new(f)))
        })
    })
}

/// `doctor`: for each of these agents whose hook file holds gatekeeper's entries, whether
/// every entry is there and current, `gatekeeper` is on PATH, and the folder is trusted.
pub fn doctor(root: &Path, env: &crate::env::Environment) -> Vec<Check> {
    let mut out = Vec::new();
    for agent in [Other::Gemini, Other::Copilot, Other::Cursor] {
        let path = root.join(settings_file(agent));
        let check = format!("agent {}", agent.name());
        let map = match read(&path) {
            Ok(Some(m)) => m,
            Ok(None) => continue,
            Err(e) => {
                out.push(Check {
                    ok: false,
                    check,
                    detail: format!("{e:#}"),
                    hint: Some("fix the file by hand".into()),
                });
                continue;
            }
        };
        let m = marker(agent);
        let g = grouped(agent);
        let hooks = map.get("hooks").and_then(Value::as_object);
        let mut present = 0;
        let mut stale = Vec::new();
        for (event, wanted) in entries(agent) {
            let list = hooks
                .and_then(|h| h.get(event))
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let ours: Vec<&Value> = list.iter().filter(|e| is_ours_entry(e, &m, g)).collect();
            if !ours.is_empty() {
                present += 1;
            }
            if ours.len() != 1 || *ours[0] != wanted {
                stale.push(event);
            }
        }
        if present == 0 {
            // The file is the user's, without gatekeeper's entries: not installed.
            continue;
        }
        let reinstall = format!("run `gatekeeper install --agent {}`", agent.name());
        if stale.is_empty() {
            out.push(Check {
                ok: true,
                check: check.clone(),
                detail: format!("hooks installed in `{}`", path.display()),
                hint: None,
            });
        } else {
            out.push(Check {
                ok: false,
                check: check.clone(),
                detail: format!(
                    "`{}`: gatekeeper's entries for {} are missing or out of date",
                    path.display(),
                    stale.join(", ")
                ),
                hint: Some(reinstall.clone()),
            });
        }
        if env.which("gatekeeper").is_none() {
            out.push(Check {
                ok: false,
                check: check.clone(),
                detail: "`gatekeeper` is not on PATH: the hooks refuse every tool call".into(),
                hint: Some("put gatekeeper on PATH for the agent".into()),
            });
        }
        let trust = match agent {
            Other::Gemini => Some(gemini_trusted(root, env)),
            Other::Copilot => Some(Ok(copilot_trusted(root, env))),
            Other::Cursor => None,
        };
        match trust {
            Some(Ok(true)) => out.push(Check {
                ok: true,
                check: format!("{check} trust"),
                detail: "the folder is trusted, so the agent runs the project's hooks".into(),
                hint: None,
            }),
            Some(Ok(false)) => out.push(Check {
                ok: false,
                check: format!("{check} trust"),
                detail: "the folder is not trusted by the agent: it will not run the project's hooks until it is".into(),
                hint: Some(trust_note(agent).into()),
            }),
            Some(Err(e)) => out.push(Check {
                ok: false,
                check: format!("{check} trust"),
                detail: e,
                hint: Some(trust_note(agent).into()),
            }),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemini_install_keeps_user_entries_and_uninstall_restores_them() {
        let dir = tempfile::tempdir().unwrap();
        let user = r#"{"general":{"vimMode":true},"hooks":{"BeforeTool":[{"matcher":"write_file","hooks":[{"type":"command","command":"mine.sh"}]}]}}"#;
        std::fs::create_dir_all(dir.path().join(".gemini")).unwrap();
        std::fs::write(dir.path().join(".gemini/settings.json"), user).unwrap();
        let c = install(dir.path(), Other::Gemini).unwrap();
        assert_eq!(c.added, ["SessionStart", "BeforeTool", "AfterAgent"]);
        let again = install(dir.path(), Other::Gemini).unwrap();
        assert!(
            again.added.is_empty() && again.updated.is_empty(),
            "{again:?}"
        );
        let u = uninstall(dir.path(), Other::Gemini).unwrap();
        assert_eq!(u.removed.len(), 3);
        let v: Value = serde_json::from_slice(
            &std::fs::read(dir.path().join(".gemini/settings.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(v, serde_json::from_str::<Value>(user).unwrap());
    }

    #[test]
    fn a_file_that_held_only_ours_is_removed() {
        for agent in [Other::Gemini, Other::Copilot, Other::Cursor] {
            let dir = tempfile::tempdir().unwrap();
            assert!(install(dir.path(), agent).unwrap().created);
            let u = uninstall(dir.path(), agent).unwrap();
            assert!(u.deleted, "{agent:?}");
            assert!(!dir.path().join(settings_file(agent)).exists());
        }
    }
}
