//! Whether the Codex CLI will run gatekeeper's hooks, read from Codex's own state.
//!
//! Codex loads a project's `.codex/` (and so `.codex/hooks.json`) only in a **trusted
//! project**: `[projects."<root>"] trust_level = "trusted"` in `$CODEX_HOME/config.toml`
//! (`~/.codex/config.toml` by default), keyed by the absolute path of the work tree (or of
//! the main repository's root). And it runs a hook from there only once the user has
//! **trusted that hook's definition**: `[hooks.state."<key>"] trusted_hash = "sha256:…"` in
//! the same file, where `<key>` is `<absolute path of hooks.json>:<event>:<group>:<handler>`
//! (`event` in snake case, the indices counted within the event's list) and the hash is the
//! SHA-256 of a normalised form of the hook (see [`hook_hash`]). `enabled = false` there
//! switches a hook off. In every other case Codex skips the hook without a word, so
//! `doctor` checks this and `install --agent codex` prints how to trust them.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::env::Environment;

/// The marker that makes a handler gatekeeper's (see `settings::hook_command`).
const MARKER: &str = "gatekeeper agent-hook codex";

/// Codex's home directory: `$CODEX_HOME`, else `~/.codex`.
pub fn codex_home(env: &Environment) -> Option<PathBuf> {
    env.non_empty("CODEX_HOME")
        .map(PathBuf::from)
        .or_else(|| env.home().map(|h| h.join(".codex")))
}

/// One of gatekeeper's handlers in `.codex/hooks.json`, as Codex identifies it.
#[derive(Debug, Clone, Serialize)]
pub struct CodexHook {
    /// The event as written in `hooks.json` (`PreToolUse`).
    pub event: String,
    /// Codex's key for its trust state.
    pub key: String,
    /// The hash Codex computes for the hook's current definition.
    pub hash: String,
}

/// What Codex's state says about one hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HookState {
    /// Trusted with the current definition: Codex runs it.
    Trusted,
    /// Never trusted: Codex skips it.
    Untrusted,
    /// Trusted with another definition (the hook changed since): Codex skips it.
    Modified,
    /// Switched off (`enabled = false`): Codex skips it.
    Disabled,
}

/// Codex's view of gatekeeper's hooks in one work tree.
#[derive(Debug, Clone, Serialize)]
pub struct TrustReport {
    /// `$CODEX_HOME/config.toml`.
    pub config_file: PathBuf,
    /// The project path Codex keys its trust by (the work tree's root).
    pub project: PathBuf,
    /// `trust_level` recorded for the project (or the main repository), if any.
    pub trust_level: Option<String>,
    /// `[features] hooks = false`: Codex runs no hooks at all.
    pub hooks_feature_off: bool,
    pub hooks: Vec<(CodexHook, HookState)>,
}

impl TrustReport {
    pub fn project_trusted(&self) -> bool {
        self.trust_level.as_deref() == Some("trusted")
    }

    /// Codex will run every one of gatekeeper's hooks.
    pub fn all_run(&self) -> bool {
        self.project_trusted()
            && !self.hooks_feature_off
            && self.hooks.iter().all(|(_, s)| *s == HookState::Trusted)
    }

    /// The hooks Codex will not run, by state.
    pub fn not_run(&self) -> impl Iterator<Item = &(CodexHook, HookState)> {
        self.hooks.iter().filter(|(_, s)| *s != HookState::Trusted)
    }

    /// What is wrong, in one sentence; `None` when Codex runs all the hooks.
    pub fn problem(&self) -> Option<String> {
        if self.all_run() {
            return None;
        }
        let mut why = Vec::new();
        if self.hooks_feature_off {
            why.push(format!(
                "hooks are switched off (`[features] hooks = false` in `{}`)",
                self.config_file.display()
            ));
        }
        match self.trust_level.as_deref() {
            Some("trusted") => {}
            Some(level) => why.push(format!(
                "the project `{}` is marked `{level}`, so Codex ignores its `.codex/` folder",
                self.project.display()
            )),
            None => why.push(format!(
                "the project `{}` is not trusted, so Codex ignores its `.codex/` folder",
                self.project.display()
            )),
        }
        let named = |state: HookState| -> Vec<String> {
            self.hooks
                .iter()
                .filter(|(_, s)| *s == state)
                .map(|(h, _)| h.event.clone())
                .collect()
        };
        for (state, what) in [
            (HookState::Untrusted, "not trusted yet"),
            (
                HookState::Modified,
                "changed since they were trusted (hash mismatch)",
            ),
            (HookState::Disabled, "disabled (`enabled = false`)"),
        ] {
            let events = named(state);
            if !events.is_empty() {
                why.push(format!(
                    "gatekeeper's {} hooks are {what}",
                    events.join(", ")
                ));
            }
        }
        Some(format!(
            "Codex will not run gatekeeper's hooks: {}",
            why.join("; ")
        ))
    }

    /// The exact entries of `config.toml` that make Codex run the hooks (only those missing).
    pub fn toml_entries(&self) -> String {
        let mut s = String::new();
        if !self.project_trusted() {
            s.push_str(&format!(
                "[projects.{}]\ntrust_level = \"trusted\"\n",
                toml_key(&self.project.to_string_lossy())
            ));
        }
        for (hook, _) in self.not_run() {
            if !s.is_empty() {
                s.push('\n');
            }
            s.push_str(&format!(
                "[hooks.state.{}]\ntrusted_hash = \"{}\"\n",
                toml_key(&hook.key),
                hook.hash
            ));
        }
        s
    }

    /// How to make Codex run the hooks: the interactive way and the `config.toml` entries.
    pub fn steps(&self) -> String {
        if self.all_run() {
            return String::new();
        }
        let mut s = String::from(
            "Codex runs these hooks only in a trusted project and only once you have trusted each of them; until then it skips them without a word. Either:\n",
        );
        if self.hooks_feature_off {
            s.push_str(&format!(
                "  0. remove `hooks = false` from `[features]` in `{}`;\n",
                self.config_file.display()
            ));
        }
        s.push_str(&format!(
            "  1. run `codex` in `{}` and answer yes when it asks whether you trust this folder;\n  2. when it says that hooks need review (or with `/hooks`), review gatekeeper's hooks (`{MARKER}`) and trust them;\n",
            self.project.display()
        ));
        s.push_str(&format!(
            "or add (or update) these entries in `{}` yourself:\n\n",
            self.config_file.display()
        ));
        s.push_str(&self.toml_entries());
        s.push_str("\nThen `gatekeeper doctor` checks that Codex will run them.\n");
        s
    }
}

/// A TOML key: bare when it can be, else a basic string.
fn toml_key(k: &str) -> String {
    // serde_json escapes exactly what a TOML basic string needs (quotes, backslashes and
    // control characters) and writes the rest as it is.
    serde_json::to_string(k).unwrap_or_else(|_| format!("\"{k}\""))
}

/// Codex's name of an event in trust keys: `PreToolUse` → `pre_tool_use`.
fn event_label(event: &str) -> String {
    let mut s = String::new();
    for (i, c) in event.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

/// JSON with every object's keys sorted, recursively.
fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), canonical(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// The hash Codex computes for a command hook (Codex 0.171): the hook's normalised
/// identity — `event_name` (snake case), `matcher` (not for `Stop` and `UserPromptSubmit`,
/// which take none) and the one handler with its effective `timeout` (600 s when unset;
/// 1 to 3 s for `SessionEnd`) and `async` (false when unset) — as JSON with sorted keys and
/// no spaces, SHA-256, hex, prefixed `sha256:`.
pub fn hook_hash(event: &str, matcher: Option<&str>, handler: &Map<String, Value>) -> String {
    let label = event_label(event);
    let given = handler.get("timeout").and_then(Value::as_u64);
    let timeout = if label == "session_end" {
        given.unwrap_or(1).clamp(1, 3)
    } else {
        given.unwrap_or(600).max(1)
    };
    let mut h = json!({
        "type": "command",
        "command": handler.get("command").and_then(Value::as_str).unwrap_or_default(),
        "timeout": timeout,
        "async": handler.get("async").and_then(Value::as_bool).unwrap_or(false),
    });
    if let Some(m) = handler.get("statusMessage").and_then(Value::as_str) {
        h["statusMessage"] = json!(m);
    }
    let mut identity = json!({ "event_name": label, "hooks": [h] });
    let takes_matcher = !matches!(label.as_str(), "stop" | "user_prompt_submit");
    if let (true, Some(m)) = (takes_matcher, matcher) {
        identity["matcher"] = json!(m);
    }
    let bytes = serde_json::to_vec(&canonical(&identity)).unwrap_or_default();
    format!("sha256:{}", hex::encode(Sha256::digest(&bytes)))
}

/// gatekeeper's handlers in `<root>/.codex/hooks.json`, with Codex's key and hash for each;
/// empty when the file does not exist or holds none of ours.
pub fn our_hooks(root: &Path) -> Result<Vec<CodexHook>> {
    let path = root.join(".codex/hooks.json");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    };
    let v: Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("`{}` is not valid JSON", path.display()))?;
    let source = path.to_string_lossy();
    let mut out = Vec::new();
    let Some(events) = v.get("hooks").and_then(Value::as_object) else {
        return Ok(out);
    };
    for (event, groups) in events {
        let label = event_label(event);
        for (gi, group) in groups.as_array().into_iter().flatten().enumerate() {
            let matcher = group.get("matcher").and_then(Value::as_str);
            for (hi, handler) in group
                .get("hooks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let Some(h) = handler.as_object() else {
                    continue;
                };
                let ours = h
                    .get("command")
                    .and_then(Value::as_str)
                    .is_some_and(|c| c.contains(MARKER));
                if ours {
                    out.push(CodexHook {
                        event: event.clone(),
                        key: format!("{source}:{label}:{gi}:{hi}"),
                        hash: hook_hash(event, matcher, h),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Reads Codex's state for gatekeeper's hooks in the work tree `root` (`main_root`: the
/// main repository's root, whose trust Codex also accepts for a linked work tree). `None`
/// when the work tree has none of gatekeeper's Codex hooks. An unreadable `config.toml` is
/// an error: nobody can tell whether Codex runs the hooks.
pub fn check(env: &Environment, root: &Path, main_root: &Path) -> Result<Option<TrustReport>> {
    // Codex keys everything by the real path of its working directory.
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let main_root = main_root
        .canonicalize()
        .unwrap_or_else(|_| main_root.to_path_buf());
    let hooks = our_hooks(&root)?;
    if hooks.is_empty() {
        return Ok(None);
    }
    let home = codex_home(env)
        .context("cannot find Codex's configuration: neither CODEX_HOME nor HOME is set")?;
    let config_file = home.join("config.toml");
    let table: toml::Table = match std::fs::read_to_string(&config_file) {
        Ok(text) => toml::from_str(&text)
            .with_context(|| format!("`{}` is not valid TOML", config_file.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => toml::Table::new(),
        Err(e) => {
            return Err(e).with_context(|| format!("failed to read `{}`", config_file.display()));
        }
    };
    let level_of = |p: &Path| -> Option<String> {
        table
            .get("projects")?
            .get(p.to_string_lossy().as_ref())?
            .get("trust_level")?
            .as_str()
            .map(str::to_owned)
    };
    // The work tree's own entry wins; an untrusted one is not overridden by the main root.
    let trust_level = level_of(&root).or_else(|| level_of(&main_root));
    let hooks_feature_off = table
        .get("features")
        .and_then(|f| f.get("hooks"))
        .and_then(toml::Value::as_bool)
        == Some(false);
    let states = table.get("hooks").and_then(|h| h.get("state"));
    let hooks = hooks
        .into_iter()
        .map(|h| {
            let st = states.and_then(|s| s.get(&h.key));
            let enabled = st
                .and_then(|s| s.get("enabled"))
                .and_then(toml::Value::as_bool);
            let trusted = st
                .and_then(|s| s.get("trusted_hash"))
                .and_then(toml::Value::as_str);
            let state = match (enabled, trusted) {
                (Some(false), _) => HookState::Disabled,
                (_, Some(t)) if t == h.hash => HookState::Trusted,
                (_, Some(_)) => HookState::Modified,
                (_, None) => HookState::Untrusted,
            };
            (h, state)
        })
        .collect();
    Ok(Some(TrustReport {
        config_file,
        project: root,
        trust_level,
        hooks_feature_off,
        hooks,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_labels_are_snake_case() {
        assert_eq!(event_label("PreToolUse"), "pre_tool_use");
        assert_eq!(event_label("Stop"), "stop");
        assert_eq!(event_label("SubagentStop"), "subagent_stop");
    }

    /// A hash the Codex CLI 0.171 accepted (it ran the hook with this `trusted_hash`).
    #[test]
    fn hash_matches_the_one_codex_accepted() {
        let h = json!({"type": "command", "command": "echo hi > /tmp/cx/ran"});
        let got = hook_hash("SessionStart", None, h.as_object().unwrap());
        let identity = r#"{"event_name":"session_start","hooks":[{"async":false,"command":"echo hi > /tmp/cx/ran","timeout":600,"type":"command"}]}"#;
        let want = format!(
            "sha256:{}",
            hex::encode(Sha256::digest(identity.as_bytes()))
        );
        assert_eq!(got, want);
    }

    #[test]
    fn stop_ignores_its_matcher_and_keeps_its_timeout() {
        let h = json!({"type": "command", "command": "x", "timeout": 3600});
        let h = h.as_object().unwrap();
        assert_eq!(hook_hash("Stop", Some("m"), h), hook_hash("Stop", None, h));
        assert_ne!(
            hook_hash("PreToolUse", Some("Bash"), h),
            hook_hash("PreToolUse", None, h)
        );
        let plain = json!({"type": "command", "command": "x"});
        assert_ne!(
            hook_hash("Stop", None, plain.as_object().unwrap()),
            hook_hash("Stop", None, h)
        );
    }
}
