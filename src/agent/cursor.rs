//! Cursor's hook protocol (`.cursor/hooks.json`, `"version": 1`), from its documentation
//! and the local agent bundled in the `@cursor/sdk` package. Not exercised against a live
//! Cursor client: its agent cannot be driven locally.
//!
//! - input: `hook_event_name`, `conversation_id`, `generation_id`, `workspace_roots`;
//!   `beforeShellExecution` adds `command` and `cwd`; `beforeMCPExecution` adds `tool_name`
//!   and `tool_input` (a JSON string); `beforeReadFile` / `afterFileEdit` add `file_path`
//!   (and `edits: [{old_string, new_string}]` after an edit); `stop` adds `status` and
//!   `loop_count`; `sessionStart` starts a conversation;
//! - output: `beforeShellExecution` / `beforeMCPExecution` answer
//!   `{"permission": "allow"|"deny"|"ask", "user_message", "agent_message"}`; `stop` answers
//!   `{"followup_message"}` to send the agent on (Cursor caps this with `loop_limit`);
//!   `sessionStart` answers `{"additional_context"}`. Exit 2 also denies.
//!
//! Cursor has no hook before its own file edits: `afterFileEdit` only reports them, so an
//! edit that weakens a sacred test is reported to the agent through the stop hook's gates,
//! and shell and MCP writes are refused before they run.

use serde_json::{Value, json};

use super::adapter::{self, Canonical, Decision, Other, reply};
use super::protocol::{HookAnswer, HookEnv};

/// gatekeeper's entries (Cursor lists handlers directly under the event).
pub fn entries(cmd: &str, tool_timeout: u64, stop_timeout: u64) -> Vec<(&'static str, Value)> {
    let handler = |t: u64| json!({"command": cmd, "timeout": t});
    vec![
        ("sessionStart", handler(tool_timeout)),
        ("beforeShellExecution", handler(tool_timeout)),
        ("beforeMCPExecution", handler(tool_timeout)),
        ("stop", handler(stop_timeout)),
    ]
}

fn str_of<'a>(v: &'a Value, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| v.get(*n).and_then(Value::as_str))
}

/// Answers one Cursor hook event.
pub fn answer(input: &[u8], hk: &mut HookEnv<'_>) -> HookAnswer {
    let v: Value = match serde_json::from_slice(input) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => return adapter::unreadable(Other::Cursor, &"not a JSON object"),
        Err(e) => return adapter::unreadable(Other::Cursor, &e),
    };
    let name = str_of(&v, &["hook_event_name"]).unwrap_or("");
    let root = v
        .get("workspace_roots")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut c = match name {
        "sessionStart" => Canonical::new("SessionStart"),
        "beforeShellExecution" | "beforeMCPExecution" => Canonical::new("PreToolUse"),
        "stop" => Canonical::new("Stop"),
        _ => return reply(Some(&json!({})), "", 0),
    };
    c.cwd = str_of(&v, &["cwd"]).map(str::to_owned).or(root);
    c.session_id = str_of(&v, &["conversation_id", "session_id"]).map(str::to_owned);
    // Cursor counts the follow-ups it sent: the first stop of a turn has `loop_count` 0.
    c.stop_hook_active = v
        .get("loop_count")
        .and_then(Value::as_u64)
        .map(|n| n > 0)
        .or_else(|| v.get("stop_hook_active").and_then(Value::as_bool));
    if name == "stop" && str_of(&v, &["status"]).is_some_and(|s| s != "completed") {
        // An aborted or failed turn is not a finished task: nothing to hold back.
        return reply(Some(&json!({})), "", 0);
    }
    match name {
        "beforeShellExecution" => {
            let Some(command) = str_of(&v, &["command"]) else {
                return encode(name, &Decision::Error("the event has no `command`".into()));
            };
            c.tool_name = Some("Bash".into());
            c.tool_input = Some(json!({ "command": command }));
        }
        "beforeMCPExecution" => {
            let tool = str_of(&v, &["tool_name"]).unwrap_or("");
            let input = match v.get("tool_input") {
                Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
                Some(other) => other.clone(),
                None => Value::Null,
            };
            let server = str_of(&v, &["server", "server_name"]).unwrap_or("mcp");
            let name = if tool.starts_with("mcp__") {
                tool.to_owned()
            } else {
                format!("mcp__{server}__{tool}")
            };
            c.tool_name = Some(name);
            c.tool_input = Some(input);
        }
        _ => {}
    }
    encode(name, &adapter::decide(&c, hk))
}

/// A judgement in Cursor's protocol; refusals also exit 2 with the reason on stderr.
fn encode(event: &str, d: &Decision) -> HookAnswer {
    match d {
        Decision::Allow => reply(Some(&json!({})), "", 0),
        Decision::Context(text) => reply(Some(&json!({ "additional_context": text })), "", 0),
        Decision::Deny { reason, .. } => reply(
            Some(&json!({
                "permission": "deny",
                "user_message": reason,
                "agent_message": reason,
            })),
            reason,
            2,
        ),
        Decision::Block { reason, .. } => {
            reply(Some(&json!({ "followup_message": reason })), "", 0)
        }
        Decision::Notice(msg) => reply(Some(&json!({})), msg, 0),
        Decision::Error(msg) => match event {
            "beforeShellExecution" | "beforeMCPExecution" => encode(
                event,
                &Decision::Deny {
                    reason: msg.clone(),
                    internal: true,
                },
            ),
            "stop" => reply(Some(&json!({ "followup_message": msg })), msg, 0),
            _ => reply(Some(&json!({})), msg, 2),
        },
    }
}
