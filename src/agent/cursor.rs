//! Cursor's hook protocol (`.cursor/hooks.json`, `"version": 1`), from its documentation
//! and the local agent bundled in the `@cursor/sdk` package (its hook runner and payload
//! builders). Not exercised against a live Cursor client: its agent cannot be driven
//! locally.
//!
//! - every input: `hook_event_name`, `conversation_id`, `generation_id`, `model`,
//!   `workspace_roots`, `cursor_version`;
//! - `preToolUse` adds `tool_name`, `tool_input` (an object), `tool_use_id`, `cwd`; the
//!   agent's tools are `Shell {command, cwd}`, `Write {file_path, content}` (the whole new
//!   file), `Delete {file_path}`, `Read`, `Grep`, … and MCP tools;
//!   `beforeShellExecution` adds `command`, `cwd`; `beforeMCPExecution` `tool_name`,
//!   `tool_input`; `stop` adds `status` (`completed`, `error`, `aborted`) and `loop_count`;
//! - output (exit 0, JSON): `preToolUse` / `before*Execution` answer
//!   `{"permission": "deny", "user_message", "agent_message"}`; `stop` answers
//!   `{"followup_message"}` (sent to the agent as the next prompt; Cursor caps the loop with
//!   the hook's `loop_limit`); `sessionStart` answers `{"additional_context"}`.
//!   Exit 2 blocks with stdout (or else stderr) as the message;
//! - a hook entry with `"failClosed": true` blocks when the hook crashes, times out or
//!   answers nonsense; gatekeeper's `preToolUse` entry sets it.

use serde_json::{Value, json};

use super::adapter::{self, Canonical, Decision, Other, reply};
use super::protocol::{HookAnswer, HookEnv};

/// gatekeeper's entries (Cursor lists handlers directly under the event). The tool hook
/// fails closed.
pub fn entries(cmd: &str, tool_timeout: u64, stop_timeout: u64) -> Vec<(&'static str, Value)> {
    vec![
        (
            "sessionStart",
            json!({"command": cmd, "timeout": tool_timeout}),
        ),
        (
            "preToolUse",
            json!({"command": cmd, "timeout": tool_timeout, "failClosed": true}),
        ),
        ("stop", json!({"command": cmd, "timeout": stop_timeout})),
    ]
}

fn str_of<'a>(v: &'a Value, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| v.get(*n).and_then(Value::as_str))
}

/// An MCP tool's name as gatekeeper judges it (`mcp__SERVER__TOOL`).
fn mcp_name(tool: &str) -> String {
    let bare = tool.strip_prefix("MCP:").unwrap_or(tool);
    if bare.starts_with("mcp__") {
        bare.to_owned()
    } else {
        format!("mcp__cursor__{bare}")
    }
}

type Translated = (String, Value, Option<String>);

/// A `preToolUse` call in Claude Code's names (and the directory a shell command runs
/// in); `None` for tools that write nothing.
fn tool(name: &str, input: &Value) -> Result<Option<Translated>, String> {
    let path = || {
        str_of(input, &["file_path", "path"])
            .map(str::to_owned)
            .ok_or_else(|| format!("the `{name}` call names no file"))
    };
    Ok(match name {
        "Shell" => {
            let command = str_of(input, &["command"])
                .ok_or_else(|| "the `Shell` call has no `command`".to_owned())?;
            let dir = str_of(input, &["cwd"])
                .filter(|d| !d.is_empty())
                .map(str::to_owned);
            Some(("Bash".into(), json!({ "command": command }), dir))
        }
        "Write" => {
            let content = str_of(input, &["content", "contents"])
                .ok_or_else(|| "the `Write` call has no `content`".to_owned())?;
            Some((
                "Write".into(),
                json!({ "file_path": path()?, "content": content }),
                None,
            ))
        }
        // A deletion is judged as a patch that deletes the file.
        "Delete" => Some((
            "apply_patch".into(),
            json!({ "patch": format!("*** Begin Patch\n*** Delete File: {}\n*** End Patch\n", path()?) }),
            None,
        )),
        n if n.starts_with("MCP:") || n.starts_with("mcp__") => {
            Some((mcp_name(n), input.clone(), None))
        }
        _ => None,
    })
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
        "preToolUse" | "beforeShellExecution" | "beforeMCPExecution" => {
            Canonical::new("PreToolUse")
        }
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
    let translated = match name {
        "preToolUse" => {
            let input = v.get("tool_input").cloned().unwrap_or(Value::Null);
            match tool(str_of(&v, &["tool_name"]).unwrap_or(""), &input) {
                Ok(Some((n, i, dir))) => Some((n, i, dir)),
                Ok(None) => return reply(Some(&json!({})), "", 0),
                Err(e) => return encode(name, &Decision::Error(e)),
            }
        }
        "beforeShellExecution" => match str_of(&v, &["command"]) {
            Some(command) => Some(("Bash".to_owned(), json!({ "command": command }), None)),
            None => return encode(name, &Decision::Error("the event has no `command`".into())),
        },
        "beforeMCPExecution" => {
            let tool = str_of(&v, &["tool_name"]).unwrap_or("");
            let input = match v.get("tool_input") {
                Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
                Some(other) => other.clone(),
                None => Value::Null,
            };
            Some((mcp_name(tool), input, None))
        }
        _ => None,
    };
    if let Some((n, i, dir)) = translated {
        c.tool_name = Some(n);
        c.tool_input = Some(i);
        if dir.is_some() {
            c.cwd = dir;
        }
    }
    encode(name, &adapter::decide(&c, hk))
}

/// A judgement in Cursor's protocol: JSON with exit 0; when gatekeeper could not decide,
/// exit 2 with the reason on stderr and nothing on stdout (Cursor would show stdout as the
/// message), which blocks a tool call.
fn encode(event: &str, d: &Decision) -> HookAnswer {
    match d {
        Decision::Allow => reply(Some(&json!({})), "", 0),
        Decision::Context(text) => reply(Some(&json!({ "additional_context": text })), "", 0),
        Decision::Deny { reason, internal } => {
            if *internal {
                reply(None, reason, 2)
            } else {
                reply(
                    Some(&json!({
                        "permission": "deny",
                        "user_message": reason,
                        "agent_message": reason,
                    })),
                    "",
                    0,
                )
            }
        }
        Decision::Block { reason, .. } => {
            reply(Some(&json!({ "followup_message": reason })), "", 0)
        }
        Decision::Notice(msg) => reply(Some(&json!({})), msg, 0),
        Decision::Error(msg) => match event {
            "stop" => reply(Some(&json!({ "followup_message": msg })), msg, 0),
            "sessionStart" => reply(Some(&json!({ "additional_context": msg })), msg, 0),
            _ => reply(None, msg, 2),
        },
    }
}
