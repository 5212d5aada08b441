//! Gemini CLI's hook protocol (`.gemini/settings.json` `hooks`), as its bundled runner
//! reads it:
//!
//! - input: `hook_event_name` (`SessionStart`, `BeforeTool`, `AfterAgent`, …), `cwd`,
//!   `session_id`; `BeforeTool` adds `tool_name` and `tool_input` (the model's arguments:
//!   `run_shell_command {command, dir_path?}`, `write_file {file_path, content}`,
//!   `replace {file_path, old_string, new_string, allow_multiple?}`, MCP tools named
//!   `mcp_SERVER_TOOL`); `AfterAgent` adds `prompt_response` and `stop_hook_active`;
//! - output: stdout is read as JSON when it parses, else the exit code decides (0 allow,
//!   1 warning, anything else deny with the text as reason). A top-level
//!   `{"decision":"deny","reason"}` blocks a tool (the reason goes to the model) and, on
//!   `AfterAgent`, rejects the answer and sends the reason as a new prompt.
//!   `hookSpecificOutput.additionalContext` on `SessionStart` is prepended to the prompt.
//!   Claude's `hookSpecificOutput.permissionDecision` is ignored.
//!
//! Gemini CLI never caps a blocking `AfterAgent`: `agents.stop_blocks` is what ends a loop.
//! A hook that times out is allowed; one that crashes with a message denies (exit code
//! other than 0 and 1).

use serde::Deserialize;
use serde_json::{Value, json};

use super::adapter::{self, Canonical, Decision, Other, reply};
use super::protocol::{HookAnswer, HookEnv};

#[derive(Debug, Deserialize)]
struct Event {
    hook_event_name: String,
    #[serde(default)]
    session_id: Option<String>,
    #[serde(default)]
    cwd: Option<String>,
    #[serde(default)]
    tool_name: Option<String>,
    #[serde(default)]
    tool_input: Option<Value>,
    #[serde(default)]
    stop_hook_active: Option<bool>,
}

/// The tools gatekeeper's `BeforeTool` entry matches (a regular expression).
pub const TOOL_MATCHER: &str = "^(run_shell_command|write_file|replace|mcp_.+)$";

/// A tool call in Claude Code's names: `None` for tools that write nothing.
fn tool(name: &str, input: &Value, cwd: Option<&str>) -> Option<(String, Value, Option<String>)> {
    let mut input = input.clone();
    match name {
        "run_shell_command" => {
            // `dir_path` runs the command in that directory (relative to the project).
            let dir = input
                .get("dir_path")
                .and_then(Value::as_str)
                .filter(|d| !d.is_empty())
                .map(|d| match cwd {
                    Some(c) => std::path::Path::new(c)
                        .join(d)
                        .to_string_lossy()
                        .into_owned(),
                    None => d.to_owned(),
                });
            Some(("Bash".into(), input, dir))
        }
        "write_file" => Some(("Write".into(), input, None)),
        // An empty `old_string` creates the file (Gemini CLI refuses it on an existing one).
        "replace" if input.get("old_string").and_then(Value::as_str) == Some("") => {
            let content = input.get("new_string").cloned().unwrap_or(Value::Null);
            let path = input.get("file_path").cloned().unwrap_or(Value::Null);
            Some((
                "Write".into(),
                json!({ "file_path": path, "content": content }),
                None,
            ))
        }
        "replace" => {
            if let Some(all) = input.get("allow_multiple").cloned() {
                input["replace_all"] = all;
            }
            Some(("Edit".into(), input, None))
        }
        other => adapter::mcp_name_from_single(other).map(|n| (n, input, None)),
    }
}

/// Answers one Gemini CLI hook event.
pub fn answer(input: &[u8], hk: &mut HookEnv<'_>) -> HookAnswer {
    let event: Event = match serde_json::from_slice(input) {
        Ok(e) => e,
        Err(e) => return adapter::unreadable(Other::Gemini, &e),
    };
    let mut c = match event.hook_event_name.as_str() {
        "SessionStart" => Canonical::new("SessionStart"),
        "BeforeTool" => Canonical::new("PreToolUse"),
        "AfterAgent" => Canonical::new("Stop"),
        _ => return reply(Some(&json!({})), "", 0),
    };
    c.cwd.clone_from(&event.cwd);
    c.session_id.clone_from(&event.session_id);
    c.stop_hook_active = event.stop_hook_active;
    if c.event == "PreToolUse" {
        let name = event.tool_name.as_deref().unwrap_or("");
        let input = event.tool_input.clone().unwrap_or(Value::Null);
        match tool(name, &input, event.cwd.as_deref()) {
            Some((n, i, dir)) => {
                c.tool_name = Some(n);
                c.tool_input = Some(i);
                if dir.is_some() {
                    c.cwd = dir;
                }
            }
            None => return reply(Some(&json!({})), "", 0),
        }
    }
    encode(c.event, &adapter::decide(&c, hk))
}

/// A judgement in Gemini CLI's protocol. Refusals carry both signals: the JSON decision
/// (with the reason for the model) and exit 2 with the reason on stderr.
fn encode(event: &str, d: &Decision) -> HookAnswer {
    match d {
        Decision::Allow => reply(Some(&json!({})), "", 0),
        Decision::Context(text) => reply(
            Some(&json!({
                "hookSpecificOutput": {
                    "hookEventName": "SessionStart",
                    "additionalContext": text,
                }
            })),
            "",
            0,
        ),
        Decision::Deny { reason, .. } | Decision::Block { reason, .. } => reply(
            Some(&json!({ "decision": "deny", "reason": reason })),
            reason,
            2,
        ),
        Decision::Notice(msg) => reply(Some(&json!({ "systemMessage": msg })), "", 0),
        Decision::Error(msg) => {
            if event == "SessionStart" {
                // Session start cannot be blocked: the model and the user are told.
                reply(
                    Some(&json!({
                        "systemMessage": msg,
                        "hookSpecificOutput": {
                            "hookEventName": "SessionStart",
                            "additionalContext": msg,
                        }
                    })),
                    msg,
                    2,
                )
            } else {
                reply(Some(&json!({ "decision": "deny", "reason": msg })), msg, 2)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_are_translated() {
        let (n, i, d) = tool(
            "replace",
            &json!({"file_path": "a", "old_string": "x", "new_string": "y", "allow_multiple": true}),
            Some("/p"),
        )
        .unwrap();
        assert_eq!(n, "Edit");
        assert_eq!(i["replace_all"], true);
        assert!(d.is_none());
        let (n, _, d) = tool(
            "run_shell_command",
            &json!({"command": "ls", "dir_path": "sub"}),
            Some("/p"),
        )
        .unwrap();
        assert_eq!((n.as_str(), d.as_deref()), ("Bash", Some("/p/sub")));
        assert!(tool("read_file", &json!({}), None).is_none());
        let (n, i, _) = tool(
            "replace",
            &json!({"file_path": "new.rs", "old_string": "", "new_string": "x"}),
            None,
        )
        .unwrap();
        assert_eq!((n.as_str(), i["content"].as_str()), ("Write", Some("x")));
    }

    #[test]
    fn refusals_are_exit_2_with_a_decision() {
        let a = encode(
            "PreToolUse",
            &Decision::Deny {
                reason: "no".into(),
                internal: false,
            },
        );
        assert_eq!(a.exit_code, 2);
        assert_eq!(a.stderr, "no\n");
        let v: Value = serde_json::from_str(&a.stdout).unwrap();
        assert_eq!(v, json!({"decision": "deny", "reason": "no"}));
    }
}
