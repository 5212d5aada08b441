//! GitHub Copilot CLI's hook protocol (`.github/hooks/*.json`, `"version": 1`).
//!
//! Copilot CLI reads two configurations. With camelCase event names (`sessionStart`,
//! `preToolUse`, `agentStop`) a hook gets `{sessionId, timestamp, cwd, toolName, toolArgs}`
//! and a tool is refused by a top-level `{"permissionDecision": "deny",
//! "permissionDecisionReason"}` (the reason reaches the model) or by exit 2 (it does not);
//! Claude's `hookSpecificOutput` is ignored there. With PascalCase event names (`SessionStart`, `PreToolUse`, `Stop`) it gets
//! Claude Code's snake_case payload (`hook_event_name`, `session_id`, `tool_name`,
//! `tool_input`, `stop_hook_active`) and honours Claude Code's answers, reason included.
//! gatekeeper installs the PascalCase form and reads both.
//!
//! Copilot's own tools: `bash` (`command`), `create` (`path`, `file_text`), `edit`
//! (`path`, `old_str`, `new_str`), `apply_patch` (a raw patch; in the PascalCase payload it
//! arrives as `tool_name: "Edit"` with the patch as `tool_input`). A patch is judged file by
//! file. A blocking `Stop` is capped by Copilot at 8 in a row; `agents.stop_blocks` is
//! gatekeeper's own bound. A crashed `preToolUse` hook denies; a timed-out one allows.

use serde_json::{Value, json};

use super::adapter::{self, Canonical, Decision, Other, reply};
use super::protocol::{HookAnswer, HookEnv};

/// gatekeeper's entries: PascalCase events, so that Copilot shows the model the reason.
pub fn entries(cmd: &str, tool_timeout: u64, stop_timeout: u64) -> Vec<(&'static str, Value)> {
    let handler = |t: u64| json!({"type": "command", "bash": cmd, "timeoutSec": t});
    vec![
        ("SessionStart", handler(tool_timeout)),
        ("PreToolUse", handler(tool_timeout)),
        ("Stop", handler(stop_timeout)),
    ]
}

fn str_of<'a>(v: &'a Value, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| v.get(*n).and_then(Value::as_str))
}

/// The tool call in Claude Code's names; `None` for tools that write nothing.
fn tool(name: &str, input: &Value) -> Option<(String, Value)> {
    // A raw patch, whatever the tool is called.
    let patch = match input {
        Value::String(s) if adapter::is_patch(s) => Some(s.clone()),
        Value::Object(_) => str_of(input, &["patch", "input", "command"])
            .filter(|s| adapter::is_patch(s))
            .map(str::to_owned),
        _ => None,
    };
    if let Some(p) = patch {
        return Some(("apply_patch".into(), json!({ "patch": p })));
    }
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "bash" | "shell" | "powershell" => {
            let command = str_of(input, &["command"])?;
            Some(("Bash".into(), json!({ "command": command })))
        }
        "create" | "write" => {
            let path = str_of(input, &["path", "file_path"])?;
            let content = str_of(input, &["file_text", "content"]).unwrap_or("");
            Some((
                "Write".into(),
                json!({ "file_path": path, "content": content }),
            ))
        }
        "edit" | "str_replace" | "multiedit" => {
            if input.get("edits").is_some() {
                return Some(("MultiEdit".into(), input.clone()));
            }
            let path = str_of(input, &["path", "file_path"])?;
            let old = str_of(input, &["old_str", "old_string"]).unwrap_or("");
            let new = str_of(input, &["new_str", "new_string"]).unwrap_or("");
            let mut out = json!({ "file_path": path, "old_string": old, "new_string": new });
            if let Some(all) = input.get("replace_all") {
                out["replace_all"] = all.clone();
            }
            Some(("Edit".into(), out))
        }
        _ if name.starts_with("mcp__") => Some((name.to_owned(), input.clone())),
        _ => {
            // `server-tool` MCP names and the like: judged when they look like writes.
            adapter::mcp_name_from_single(name).map(|n| (n, input.clone()))
        }
    }
}

/// Answers one Copilot CLI hook event (either payload style).
pub fn answer(input: &[u8], hk: &mut HookEnv<'_>) -> HookAnswer {
    let v: Value = match serde_json::from_slice(input) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => return adapter::unreadable(Other::Copilot, &"not a JSON object"),
        Err(e) => return adapter::unreadable(Other::Copilot, &e),
    };
    let pascal = v.get("hook_event_name").is_some();
    // camelCase payloads carry no event name: what they hold tells.
    let name = str_of(&v, &["hook_event_name", "hookEventName"]).unwrap_or_else(|| {
        if v.get("toolName").is_some() {
            "PreToolUse"
        } else if v.get("source").is_some() || v.get("initialPrompt").is_some() {
            "SessionStart"
        } else if v.get("stopReason").is_some() || v.get("stop_hook_active").is_some() {
            "Stop"
        } else {
            ""
        }
    });
    let mut c = match name {
        "SessionStart" | "sessionStart" => Canonical::new("SessionStart"),
        "PreToolUse" | "preToolUse" => Canonical::new("PreToolUse"),
        "Stop" | "agentStop" | "SubagentStop" | "subagentStop" => Canonical::new("Stop"),
        _ => return reply(None, "", 0),
    };
    c.cwd = str_of(&v, &["cwd"]).map(str::to_owned);
    c.session_id = str_of(&v, &["session_id", "sessionId"]).map(str::to_owned);
    c.stop_hook_active = v
        .get("stop_hook_active")
        .or_else(|| v.get("stopHookActive"))
        .and_then(Value::as_bool);
    if c.event == "PreToolUse" {
        let tool_name = str_of(&v, &["tool_name", "toolName"]).unwrap_or("");
        let input = match (v.get("tool_input"), v.get("toolArgs")) {
            (Some(i), _) => i.clone(),
            // camelCase: the arguments are a JSON string (a raw patch is not JSON).
            (None, Some(Value::String(s))) => {
                serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))
            }
            (None, Some(other)) => other.clone(),
            (None, None) => Value::Null,
        };
        let Some((n, i)) = tool(tool_name, &input) else {
            return reply(None, "", 0);
        };
        c.tool_name = Some(n);
        c.tool_input = Some(i);
    }
    encode(c.event, pascal, &adapter::decide(&c, hk))
}

/// A judgement in Copilot's protocol. To PascalCase hooks, refusals are Claude Code's JSON
/// answers with exit 0 (Copilot reports an exit 2 as "hook exited with code 2" and drops the
/// reason); to camelCase hooks, which ignore that JSON, they are the top-level decision and
/// exit 2 with the reason on stderr.
fn encode(event: &str, pascal: bool, d: &Decision) -> HookAnswer {
    match d {
        Decision::Allow => reply(None, "", 0),
        Decision::Context(text) => reply(
            Some(&json!({
                "additionalContext": text,
                "hookSpecificOutput": {
                    "hookEventName": "SessionStart",
                    "additionalContext": text,
                }
            })),
            "",
            0,
        ),
        Decision::Deny { reason, .. } => {
            if pascal {
                // Exit 2 would replace the reason with "hook exited with code 2": the
                // Claude-style answer is honoured and carries the reason to the model.
                let body = json!({
                    "hookSpecificOutput": {
                        "hookEventName": "PreToolUse",
                        "permissionDecision": "deny",
                        "permissionDecisionReason": reason,
                    }
                });
                reply(Some(&body), "", 0)
            } else {
                let body =
                    json!({ "permissionDecision": "deny", "permissionDecisionReason": reason });
                reply(Some(&body), reason, 2)
            }
        }
        Decision::Block { reason, .. } => {
            let body = json!({ "decision": "block", "reason": reason });
            if pascal {
                reply(Some(&body), "", 0)
            } else {
                reply(Some(&body), reason, 2)
            }
        }
        Decision::Notice(msg) => reply(Some(&json!({ "systemMessage": msg })), "", 0),
        Decision::Error(msg) => match event {
            "PreToolUse" => encode(
                event,
                pascal,
                &Decision::Deny {
                    reason: msg.clone(),
                    internal: true,
                },
            ),
            "Stop" => encode(
                event,
                pascal,
                &Decision::Block {
                    reason: msg.clone(),
                    internal: true,
                },
            ),
            _ => reply(Some(&json!({ "systemMessage": msg })), msg, 2),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_sent_as_edit_is_a_patch() {
        let p = "*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\n";
        let (n, i) = tool("Edit", &Value::String(p.into())).unwrap();
        assert_eq!(n, "apply_patch");
        assert_eq!(i["patch"], p);
    }

    #[test]
    fn copilot_tools_are_translated() {
        let (n, i) = tool(
            "edit",
            &json!({"path": "/r/a", "old_str": "x", "new_str": "y"}),
        )
        .unwrap();
        assert_eq!(n, "Edit");
        assert_eq!(i["file_path"], "/r/a");
        let (n, i) = tool("create", &json!({"path": "/r/b", "file_text": "z"})).unwrap();
        assert_eq!((n.as_str(), i["content"].as_str()), ("Write", Some("z")));
        assert!(tool("view", &json!({"path": "/r/a"})).is_none());
    }
}
