//! The agents whose hooks speak a protocol of their own (Gemini CLI, GitHub Copilot CLI,
//! Cursor): each one's event is translated into the Claude Code shape gatekeeper judges
//! ([`super::protocol`]), and the judgement is answered in that agent's protocol by its
//! encoder ([`super::gemini`], [`super::copilot`], [`super::cursor`]).
//!
//! A Claude-shaped answer sent to another agent is a silent allow (Gemini CLI and Copilot's
//! camelCase hooks ignore `hookSpecificOutput.permissionDecision`), so every agent gets its
//! own encoder. Where an agent honours several signals, the encoders send the one that
//! blocks for sure (exit 2 with the reason on stderr) together with the structured one.

use serde_json::Value;

use super::protocol::{self, Agent, HookAnswer, HookEnv};

/// The agents answered through this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Other {
    Gemini,
    Copilot,
    Cursor,
}

impl Other {
    pub fn parse(name: &str) -> Option<Other> {
        match name {
            "gemini" => Some(Other::Gemini),
            "copilot" => Some(Other::Copilot),
            "cursor" => Some(Other::Cursor),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Other::Gemini => "gemini",
            Other::Copilot => "copilot",
            Other::Cursor => "cursor",
        }
    }

    /// Answers one hook event in this agent's protocol.
    pub fn answer(self, input: &[u8], hk: &mut HookEnv<'_>) -> HookAnswer {
        match self {
            Other::Gemini => super::gemini::answer(input, hk),
            Other::Copilot => super::copilot::answer(input, hk),
            Other::Cursor => super::cursor::answer(input, hk),
        }
    }
}

/// gatekeeper's judgement of one event, before it is put in an agent's protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// No objection.
    Allow,
    /// Session start: the brief to give the model.
    Context(String),
    /// Refuse the tool call; `internal`: gatekeeper could not decide (fail closed).
    Deny { reason: String, internal: bool },
    /// Refuse the stop: the reason is the next instruction to the model.
    Block { reason: String, internal: bool },
    /// Allow, and tell the user (a red stop let through at the `agents.stop_blocks` bound).
    Notice(String),
    /// The event could not be read (or the brief not built): fail closed.
    Error(String),
}

/// An event in the Claude Code shape, built from another agent's payload.
#[derive(Debug, Clone)]
pub struct Canonical {
    /// `SessionStart`, `PreToolUse` or `Stop`; anything else is allowed unseen.
    pub event: &'static str,
    pub cwd: Option<String>,
    pub session_id: Option<String>,
    /// Claude Code's tool name (`Bash`, `Write`, `Edit`, `mcp__S__T`) or `apply_patch`.
    pub tool_name: Option<String>,
    pub tool_input: Option<Value>,
    pub stop_hook_active: Option<bool>,
}

impl Canonical {
    pub fn new(event: &'static str) -> Canonical {
        Canonical {
            event,
            cwd: None,
            session_id: None,
            tool_name: None,
            tool_input: None,
            stop_hook_active: None,
        }
    }
}

/// A string that holds a Codex-style patch (`*** Begin Patch` … `*** End Patch`).
pub fn is_patch(text: &str) -> bool {
    text.trim_start().starts_with("*** Begin Patch")
}

/// Judges a translated event with gatekeeper's Claude Code rules.
pub fn decide(c: &Canonical, hk: &mut HookEnv<'_>) -> Decision {
    let mut event = serde_json::Map::new();
    event.insert("hook_event_name".into(), Value::from(c.event));
    if let Some(v) = &c.cwd {
        event.insert("cwd".into(), Value::from(v.as_str()));
    }
    if let Some(v) = &c.session_id {
        event.insert("session_id".into(), Value::from(v.as_str()));
    }
    if let Some(v) = &c.tool_name {
        event.insert("tool_name".into(), Value::from(v.as_str()));
    }
    if let Some(v) = &c.tool_input {
        event.insert("tool_input".into(), v.clone());
    }
    if let Some(v) = c.stop_hook_active {
        event.insert("stop_hook_active".into(), Value::from(v));
    }
    // Codex's rules read `apply_patch`; everything else is judged as Claude Code's tools.
    let agent = if c.tool_name.as_deref() == Some("apply_patch") {
        Agent::Codex
    } else {
        Agent::Claude
    };
    let bytes = Value::Object(event).to_string();
    decode(c.event, &protocol::answer(agent, bytes.as_bytes(), hk))
}

/// Reads the Claude-shaped answer back into a [`Decision`].
fn decode(event: &str, a: &HookAnswer) -> Decision {
    let internal = a.exit_code != 0;
    let body: Value = if a.stdout.trim().is_empty() {
        Value::Null
    } else {
        match serde_json::from_str(&a.stdout) {
            Ok(v) => v,
            Err(e) => {
                return Decision::Error(format!("gatekeeper produced an unreadable answer: {e}"));
            }
        }
    };
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let hso = &body["hookSpecificOutput"];
    if hso["permissionDecision"] == "deny" {
        return Decision::Deny {
            reason: text(&hso["permissionDecisionReason"]),
            internal,
        };
    }
    if body["decision"] == "block" {
        return Decision::Block {
            reason: text(&body["reason"]),
            internal,
        };
    }
    if internal {
        let msg = match (&body["systemMessage"], a.stderr.trim()) {
            (Value::String(s), _) => s.clone(),
            (_, e) if !e.is_empty() => e.to_owned(),
            _ => "gatekeeper failed without saying why".to_owned(),
        };
        return Decision::Error(msg);
    }
    if event == "SessionStart"
        && let Some(ctx) = hso["additionalContext"].as_str()
    {
        return Decision::Context(ctx.to_owned());
    }
    if let Some(msg) = body["systemMessage"].as_str() {
        return Decision::Notice(msg.to_owned());
    }
    Decision::Allow
}

/// The answer to an event that could not be read: exit 2 with the reason on stderr, which
/// every agent here treats as blocking (or, where it cannot block, as a visible error).
pub fn unreadable(agent: Other, e: &dyn std::fmt::Display) -> HookAnswer {
    HookAnswer {
        stdout: String::new(),
        stderr: format!(
            "gatekeeper agent-hook {}: could not read the hook event: {e}\n",
            agent.name()
        ),
        exit_code: 2,
    }
}

/// An answer: a JSON document on stdout (when given), a message on stderr, an exit code.
pub fn reply(stdout: Option<&Value>, stderr: &str, exit_code: u8) -> HookAnswer {
    HookAnswer {
        stdout: stdout.map(|v| format!("{v}\n")).unwrap_or_default(),
        stderr: if stderr.is_empty() || stderr.ends_with('\n') {
            stderr.to_owned()
        } else {
            format!("{stderr}\n")
        },
        exit_code,
    }
}

/// `s` with its first `mcp_` and the next `_` doubled: `mcp_server_tool` is
/// `mcp__server__tool`, the name gatekeeper judges MCP tools by. Server names hold no `_`.
pub fn mcp_name_from_single(s: &str) -> Option<String> {
    let rest = s.strip_prefix("mcp_")?;
    if rest.starts_with('_') {
        return Some(s.to_owned());
    }
    let (server, tool) = rest.split_once('_')?;
    Some(format!("mcp__{server}__{tool}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcp_names_are_normalised() {
        assert_eq!(
            mcp_name_from_single("mcp_files_write_file").as_deref(),
            Some("mcp__files__write_file")
        );
        assert_eq!(
            mcp_name_from_single("mcp__files__write").as_deref(),
            Some("mcp__files__write")
        );
        assert_eq!(mcp_name_from_single("write_file"), None);
    }

    #[test]
    fn answers_decode() {
        let deny = HookAnswer {
            stdout: r#"{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"no"}}"#.into(),
            stderr: String::new(),
            exit_code: 0,
        };
        assert_eq!(
            decode("PreToolUse", &deny),
            Decision::Deny {
                reason: "no".into(),
                internal: false
            }
        );
        let crash = HookAnswer {
            stdout: String::new(),
            stderr: "bad event".into(),
            exit_code: 2,
        };
        assert_eq!(decode("Stop", &crash), Decision::Error("bad event".into()));
        let empty = HookAnswer {
            stdout: "{}\n".into(),
            stderr: String::new(),
            exit_code: 0,
        };
        assert_eq!(decode("Stop", &empty), Decision::Allow);
    }
}
