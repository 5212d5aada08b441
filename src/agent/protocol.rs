//! Coding agents' hook protocols (Claude Code, Codex CLI): one event in (JSON on stdin), one
//! answer out.
//!
//! - `SessionStart`: the brief as `hookSpecificOutput.additionalContext`;
//! - `PreToolUse`: deny edits that touch a protected path, leave the role or weaken a sacred
//!   test (judged on the file as it would be after the edit), and shell commands that skip
//!   or disable git's hooks;
//! - `Stop` / `SubagentStop`: run the agent-stop gates and block while they are red, up to
//!   `agents.stop_blocks` stops in a row; the next one is allowed with a `systemMessage`
//!   telling the user the gates are red, so a session is never trapped and never released
//!   after a single nudge.
//!
//! Edits are judged with the trusted configuration ([`trusted_config`]), never with a
//! `gatekeeper.yml` the agent may have rewritten.
//!
//! **Invariant:** an internal error never passes silently: it answers deny (PreToolUse) or
//! block (Stop) with the error, exits 2 (which both agents treat as blocking) and writes the
//! error on stderr.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::edits::{self, FileEdit};
use super::roles::PathRules;
use super::session;
use super::shell;
use crate::config::LoadedConfig;
use crate::config::agents::DEFAULT_STOP_BLOCKS;
use crate::env::Environment;
use crate::fsutil::write_atomic;
use crate::gates::Verdict;
use crate::git::Repo;
use crate::report::RunReport;

/// Which agent's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    Claude,
    Codex,
}

impl Agent {
    pub fn parse(name: &str) -> Option<Agent> {
        match name {
            "claude" => Some(Agent::Claude),
            "codex" => Some(Agent::Codex),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
        }
    }
}

/// Injected context and `systemMessage` are capped at 10,000 characters by Claude Code;
/// stay below with room for the JSON around them.
pub const MAX_CONTEXT_CHARS: usize = 9_500;

/// The answer to one event: what to print on stdout and stderr, and the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookAnswer {
    /// A JSON document, or empty for "no objection".
    pub stdout: String,
    pub stderr: String,
    /// 0, or 2 for an internal error (blocking in both protocols).
    pub exit_code: u8,
}

impl HookAnswer {
    fn allow() -> HookAnswer {
        HookAnswer {
            stdout: String::new(),
            stderr: String::new(),
            exit_code: 0,
        }
    }

    fn json(value: &Value) -> HookAnswer {
        HookAnswer {
            stdout: format!("{value}\n"),
            stderr: String::new(),
            exit_code: 0,
        }
    }
}

/// Runs the agent-stop gates of `config` in `repo` on these changed files.
pub type GateRunner<'a> = dyn FnMut(&Repo, &LoadedConfig, Vec<PathBuf>) -> Result<RunReport> + 'a;

/// What answering needs from the command layer.
pub struct HookEnv<'a> {
    pub env: &'a Environment,
    /// Where gatekeeper was started (used when the event has no `cwd`).
    pub cwd: &'a Path,
    /// Runs the agent-stop gates of `config` in `repo` on these changed files.
    pub run_gates: &'a mut GateRunner<'a>,
}

/// The event fields gatekeeper reads (both agents use these names).
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
    #[serde(default)]
    agent_id: Option<String>,
}

/// Answers one hook event.
pub fn answer(agent: Agent, input: &[u8], hk: &mut HookEnv<'_>) -> HookAnswer {
    let event: Event = match serde_json::from_slice(input) {
        Ok(e) => e,
        Err(e) => {
            return HookAnswer {
                stdout: String::new(),
                stderr: format!(
                    "gatekeeper agent-hook {}: could not read the hook event: {e}\n",
                    agent.name()
                ),
                exit_code: 2,
            };
        }
    };
    let name = event.hook_event_name.clone();
    match name.as_str() {
        "SessionStart" => session_start(&event, hk),
        "PreToolUse" => match pre_tool_use(agent, &event, hk) {
            Ok(None) => HookAnswer::allow(),
            Ok(Some(reason)) => HookAnswer::json(&deny(&reason)),
            Err(e) => {
                let reason =
                    format!("gatekeeper could not check this tool call, so it is refused: {e:#}");
                HookAnswer {
                    stderr: format!("{reason}\n"),
                    exit_code: 2,
                    ..HookAnswer::json(&deny(&reason))
                }
            }
        },
        "Stop" | "SubagentStop" => stop(agent, &event, hk),
        _ => HookAnswer::allow(),
    }
}

fn deny(reason: &str) -> Value {
    json!({
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }
    })
}

fn event_dir(event: &Event, hk: &HookEnv<'_>) -> PathBuf {
    match &event.cwd {
        Some(c) if !c.is_empty() => PathBuf::from(c),
        _ => hk.cwd.to_path_buf(),
    }
}

fn open(event: &Event, hk: &HookEnv<'_>) -> Result<(Repo, LoadedConfig)> {
    let dir = event_dir(event, hk);
    let repo = Repo::open(&dir, hk.env, true)?;
    let config = trusted_config(&repo, hk.env)?.with_context(|| {
        format!(
            "there is no `{}` in `{}` (neither in the work tree nor at HEAD)",
            crate::config::CONFIG_FILE,
            repo.root().display()
        )
    })?;
    Ok((repo, config))
}

fn is_trusted(repo: &Repo, config: &LoadedConfig, env: &Environment) -> bool {
    crate::hooks::ensure_trusted(repo, config, env).is_ok()
}

/// The configuration the hooks judge with, never one the agent could have rewritten unseen:
/// while a gatekeeper session is active, `gatekeeper.yml` at the session's base (as
/// `session stop` does); else the work tree's when it is trusted, else the one committed at
/// HEAD when that one is trusted. `None`: the repository has no `gatekeeper.yml` at all.
/// A configuration that exists but is not trusted is an error (fail closed).
pub fn trusted_config(repo: &Repo, env: &Environment) -> Result<Option<LoadedConfig>> {
    if let Some(id) = env.session()
        && let Ok(log) = session::load(&repo.state_dir(), id)
    {
        let config = session::base_config(repo, &log)?;
        crate::hooks::ensure_trusted(repo, &config, env)?;
        return Ok(Some(config));
    }
    let path = repo.root().join(crate::config::CONFIG_FILE);
    let work = path
        .exists()
        .then(|| crate::config::Config::load_from_root(repo.root()));
    if let Some(Ok(config)) = &work
        && is_trusted(repo, config, env)
    {
        return Ok(work.and_then(Result::ok));
    }
    let committed =
        super::worktree::read_bytes_at_head(repo, Path::new(crate::config::CONFIG_FILE))?
            .map(|bytes| crate::config::Config::from_bytes(&bytes, &path));
    if let Some(Ok(config)) = &committed
        && is_trusted(repo, config, env)
    {
        return Ok(committed.and_then(Result::ok));
    }
    match (work, committed) {
        (None, None) => Ok(None),
        (Some(Ok(config)), _) | (None, Some(Ok(config))) => {
            crate::hooks::ensure_trusted(repo, &config, env)?;
            Ok(Some(config))
        }
        (Some(Err(e)), _) | (None, Some(Err(e))) => Err(e),
    }
}

fn session_start(event: &Event, hk: &HookEnv<'_>) -> HookAnswer {
    let built = (|| -> Result<String> {
        let (repo, config) = open(event, hk)?;
        let role = session::active_role(&repo, hk.env)?;
        let overdue = super::maintenance::overdue(
            &config.agents,
            &repo.state_dir(),
            std::time::SystemTime::now(),
        )?;
        let mut brief = super::brief::build(&repo, &config, role.as_deref(), overdue)?;
        brief.session = hk.env.session().map(str::to_owned);
        Ok(brief.render(MAX_CONTEXT_CHARS))
    })();
    match built {
        Ok(text) => HookAnswer::json(&json!({
            "hookSpecificOutput": {
                "hookEventName": "SessionStart",
                "additionalContext": text,
            }
        })),
        Err(e) => {
            let msg = format!("gatekeeper could not build the session brief: {e:#}");
            HookAnswer {
                stderr: format!("{msg}\n"),
                exit_code: 2,
                ..HookAnswer::json(&json!({
                    "systemMessage": msg,
                    "hookSpecificOutput": {
                        "hookEventName": "SessionStart",
                        "additionalContext": msg,
                    }
                }))
            }
        }
    }
}

/// `Some(reason)` to deny.
fn pre_tool_use(agent: Agent, event: &Event, hk: &HookEnv<'_>) -> Result<Option<String>> {
    let tool = event.tool_name.as_deref().unwrap_or("");
    let empty = Value::Null;
    let input = event.tool_input.as_ref().unwrap_or(&empty);
    let dir = event_dir(event, hk);
    match (agent, tool) {
        (_, "Bash") | (Agent::Codex, "shell" | "exec_command" | "local_shell") => {
            let command = shell_command(input)?;
            let hooks_dirs = match Repo::open(&dir, hk.env, true) {
                Ok(repo) => {
                    let mut d = vec![repo.hooks_dir().to_string_lossy().into_owned()];
                    if let Some(p) = repo.hooks_path_setting() {
                        d.push(p);
                    }
                    d
                }
                Err(_) => Vec::new(),
            };
            if let Some(b) = shell::find_bypass(&command, &hooks_dirs) {
                return Ok(Some(format!(
                    "gatekeeper refuses this command: {}",
                    b.reason
                )));
            }
            check_shell_writes(&command, &dir, hk.env)
        }
        (_, "Edit" | "MultiEdit" | "Write" | "NotebookEdit") | (Agent::Codex, "apply_patch") => {
            let read = reader(&dir);
            let file_edits = if tool == "apply_patch" {
                let patch = match input {
                    Value::String(s) => s.clone(),
                    other => other
                        .get("command")
                        .or_else(|| other.get("patch"))
                        .or_else(|| other.get("input"))
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .context("apply_patch input has no patch text")?,
                };
                edits::codex_patch_edits(&patch, &read)?
            } else {
                edits::claude_edits(tool, input, &read)?
            };
            check_file_edits(hk.env, &dir, &file_edits)
        }
        (_, t) if t.starts_with("mcp__") => {
            let file_edits = edits::mcp_edits(t, input, &reader(&dir))?;
            check_file_edits(hk.env, &dir, &file_edits)
        }
        _ => Ok(None),
    }
}

/// Reads a file (relative to `dir`, or absolute): `None` when it does not exist.
fn reader(dir: &Path) -> impl Fn(&str) -> Result<Option<String>> + '_ {
    move |p: &str| -> Result<Option<String>> {
        let abs = dir.join(p);
        match std::fs::read(&abs) {
            Ok(b) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("failed to read `{}`", abs.display())),
        }
    }
}

/// Role, protected paths, git's own directory and sacred tests for the files a shell
/// command visibly writes (redirections, `tee`, `cp`/`mv`/`rm`/`sed -i`/… operands, after
/// `cd DIR`; see [`shell::write_targets`]), each judged in the repository that holds it.
///
/// A directory written into (named with a trailing `/`, or existing) is judged by an entry
/// inside it, `DIR/*`: `rm -r apps/web` is within `apps/web/**`, `rm -r .gatekeeper` touches
/// what `.gatekeeper/**` protects. What a shell command writes into a file that holds sacred
/// tests cannot be computed, so such a write is refused.
fn check_shell_writes(command: &str, dir: &Path, env: &Environment) -> Result<Option<String>> {
    let targets = shell::write_targets_with(command, &|p| dir.join(p).is_dir());
    if targets.is_empty() {
        return Ok(None);
    }
    let cwd_repo = Repo::open(dir, env, true).ok();
    let mut reasons: Vec<String> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    for t in &targets {
        let is_dir = t.ends_with('/') || dir.join(t).is_dir();
        let path = t.trim_end_matches('/');
        let abs = normalize(&dir.join(if path.is_empty() { "/" } else { path }));
        let abs = if is_dir { abs.join("*") } else { abs };
        if seen.contains(&abs) {
            continue;
        }
        seen.push(abs.clone());
        for r in judge_write(env, cwd_repo.as_ref(), t, &abs, After::Unknown)? {
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
    }
    if reasons.is_empty() {
        Ok(None)
    } else {
        Ok(Some(format!(
            "gatekeeper refuses this command: it writes {}",
            reasons.join("; ")
        )))
    }
}

fn shell_command(input: &Value) -> Result<String> {
    match input.get("command") {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(parts)) => {
            let words: Vec<&str> = parts.iter().filter_map(Value::as_str).collect();
            if words.len() != parts.len() {
                bail!("the command list holds something other than strings");
            }
            Ok(shlex::try_join(words).context("the command cannot be quoted")?)
        }
        _ => bail!("tool_input has no `command`"),
    }
}

/// Lexically normalises `a/./b/../c` (the file may not exist yet, so no canonicalize).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `path` with symbolic links resolved as far as it exists (the rest appended): where a
/// write through it lands.
fn real_path(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    // A dangling link: where it points.
    if path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
        && let (Ok(target), Some(parent)) = (std::fs::read_link(path), path.parent())
    {
        return normalize(&real_path(parent).join(target));
    }
    let mut existing = path.to_path_buf();
    let mut tail = Vec::new();
    loop {
        if let Ok(mut p) = existing.canonicalize() {
            for t in tail.iter().rev() {
                p.push(t);
            }
            return p;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                tail.push(name.to_owned());
                existing = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// The repository whose work tree holds `path` (absolute; it may not exist yet).
fn repo_for(path: &Path, env: &Environment) -> Option<Repo> {
    let mut dir = path.parent()?.to_path_buf();
    while !dir.is_dir() {
        dir = dir.parent()?.to_path_buf();
    }
    Repo::open(&dir, env, true).ok()
}

/// `abs` relative to the work-tree root, or `None` when it lies outside.
fn relative_in(repo: &Repo, abs: &Path) -> Option<PathBuf> {
    let root = repo.root();
    if let Ok(rel) = abs.strip_prefix(root) {
        return Some(rel.to_path_buf());
    }
    let real_root = root.canonicalize().ok()?;
    abs.strip_prefix(&real_root).ok().map(Path::to_path_buf)
}

/// Whether `abs` is inside git's own directory (hooks, configuration, objects, and
/// gatekeeper's local state) of `repo`.
fn in_git_dir(repo: &Repo, abs: &Path) -> bool {
    let dirs = [
        repo.git_dir().to_path_buf(),
        repo.common_dir().to_path_buf(),
        repo.hooks_dir(),
    ];
    dirs.iter().any(|g| {
        let real = g.canonicalize().unwrap_or_else(|_| g.clone());
        abs.starts_with(g) || abs.starts_with(&real)
    })
}

/// Judges a write to `p` by the rules of `repo` (whose work tree holds it).
fn judge_in(
    env: &Environment,
    repo: &Repo,
    p: &Path,
    after: After<'_>,
    reasons: &mut Vec<String>,
) -> Result<()> {
    let Some(rel) = relative_in(repo, p) else {
        return Ok(());
    };
    let Some(config) = trusted_config(repo, env)? else {
        return Ok(());
    };
    let role = session::active_role(repo, env)?;
    let rules = PathRules::new(&config.agents, role.as_deref())?;
    if let Some(v) = rules.check(&rel) {
        reasons.push(v.message);
        return Ok(());
    }
    let rel_str = rel.to_string_lossy().into_owned();
    let content = match after {
        After::Content(c) => Some(c),
        After::Deleted => None,
        After::Unknown => {
            if !edits::sacred_findings(repo, &config, &rel_str, None)?.is_empty() {
                reasons.push(format!(
                    "`{rel_str}` holds sacred tests and gatekeeper cannot judge this write's result"
                ));
            }
            return Ok(());
        }
    };
    for f in edits::sacred_findings(repo, &config, &rel_str, content)? {
        let mut line = format!(
            "this edit would weaken the sacred test {} [{}]: {}",
            f.test_id,
            f.rule.as_str(),
            f.message
        );
        for l in f.new_lines.iter().take(3) {
            line.push_str(&format!("\n  + {l}"));
        }
        reasons.push(line);
    }
    Ok(())
}

/// What a file holds after a write, as far as gatekeeper can tell.
#[derive(Debug, Clone, Copy)]
enum After<'a> {
    Unknown,
    Deleted,
    Content(&'a str),
}

/// Why writing `abs` is refused: git's own directory, a protected path, outside the role,
/// or a sacred test weakened. A write lands where symbolic links lead, so both the path
/// and its resolution are judged, each in the repository that holds it. `after` is the
/// content after the write.
fn judge_write(
    env: &Environment,
    cwd_repo: Option<&Repo>,
    shown: &str,
    abs: &Path,
    after: After<'_>,
) -> Result<Vec<String>> {
    let real = real_path(abs);
    let mut paths = vec![abs.to_path_buf()];
    if real != abs {
        paths.push(real);
    }
    let mut reasons = Vec::new();
    for p in &paths {
        let repo = repo_for(p, env);
        let in_git = p.components().any(|c| c.as_os_str() == ".git")
            || cwd_repo.is_some_and(|r| in_git_dir(r, p))
            || repo.as_ref().is_some_and(|r| in_git_dir(r, p));
        if in_git {
            return Ok(vec![format!(
                "`{shown}` is inside git's own directory (hooks and configuration); agents may not write there"
            )]);
        }
        // The repository that holds the path, and the agent's own when the path is in its
        // work tree too (a nested repository or submodule is also under the outer rules).
        let mut judges: Vec<&Repo> = repo.iter().collect();
        if let Some(r) = cwd_repo
            && judges.iter().all(|j| j.root() != r.root())
            && relative_in(r, p).is_some()
        {
            judges.push(r);
        }
        for repo in judges {
            judge_in(env, repo, p, after, &mut reasons)?;
        }
    }
    Ok(reasons)
}

fn check_file_edits(
    env: &Environment,
    dir: &Path,
    file_edits: &[FileEdit],
) -> Result<Option<String>> {
    let cwd_repo = Repo::open(dir, env, true).ok();
    let mut reasons = Vec::new();
    for fe in file_edits {
        let abs = normalize(&dir.join(fe.path.replace('\\', "/")));
        let after = match &fe.after {
            None => After::Unknown,
            Some(None) => After::Deleted,
            Some(Some(c)) => After::Content(c),
        };
        for r in judge_write(env, cwd_repo.as_ref(), &fe.path, &abs, after)? {
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
    }
    if reasons.is_empty() {
        Ok(None)
    } else {
        Ok(Some(format!(
            "gatekeeper refuses this edit:\n{}",
            reasons.join("\n")
        )))
    }
}

/// What the stop hook remembers between two stops of one agent session.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StopMemory {
    /// Stops blocked in a row.
    blocks: u32,
}

fn stop_memory_path(state_dir: &Path, event: &Event) -> PathBuf {
    let key = format!(
        "{}:{}",
        event.session_id.as_deref().unwrap_or("none"),
        event.agent_id.as_deref().unwrap_or("")
    );
    let hash = hex::encode(Sha256::digest(key.as_bytes()));
    state_dir
        .join("agent-hook")
        .join(format!("stop-{}.json", &hash[..16]))
}

/// The last `max_lines` lines and `max_chars` characters of a gate's output.
fn trim_output(output: &str, max_lines: usize, max_chars: usize) -> String {
    let lines: Vec<&str> = output.trim_end().lines().collect();
    let start = lines.len().saturating_sub(max_lines);
    let mut text = lines[start..].join("\n");
    if start > 0 {
        text = format!("… ({start} earlier lines left out)\n{text}");
    }
    let count = text.chars().count();
    if count > max_chars {
        let cut: String = text.chars().skip(count - max_chars).collect();
        text = format!("… (cut)\n{cut}");
    }
    text
}

fn failure_text(report: &RunReport) -> Option<String> {
    let failing: Vec<_> = report
        .gates
        .iter()
        .filter(|g| g.verdict.status() != crate::exit::ExitStatus::Success)
        .collect();
    if failing.is_empty() && report.problems.is_empty() {
        return None;
    }
    let mut text = String::from(
        "gatekeeper ran the agent-stop gates and they are not green; fix them before finishing:\n",
    );
    let per_gate = (7_000 / failing.len().max(1)).max(400);
    for g in failing {
        let code = g
            .exit_code
            .map(|c| format!(", exit {c}"))
            .unwrap_or_default();
        text.push_str(&format!(
            "\n== {} ({}{code}) ==\n",
            g.name,
            g.verdict.label()
        ));
        if let Some(r) = &g.reason {
            text.push_str(r);
            text.push('\n');
        }
        if g.verdict != Verdict::Skipped {
            text.push_str(&trim_output(&g.output, 40, per_gate));
            text.push('\n');
        }
    }
    for p in &report.problems {
        text.push_str(&format!("\n{p}\n"));
    }
    let count = text.chars().count();
    if count > MAX_CONTEXT_CHARS {
        text = text.chars().take(MAX_CONTEXT_CHARS).collect();
    }
    Some(text)
}

fn stop(agent: Agent, event: &Event, hk: &mut HookEnv<'_>) -> HookAnswer {
    // Codex reads a Stop hook's stdout as JSON: "no objection" is an empty object there.
    let allow = || match agent {
        Agent::Claude => HookAnswer::allow(),
        Agent::Codex => HookAnswer::json(&json!({})),
    };
    let active = event.stop_hook_active.unwrap_or(false);
    // Where to remember the failure; without a repository there is nowhere (and no gates).
    let opened = open(event, hk);
    let outcome: Result<Option<String>> = match &opened {
        Ok((repo, config)) => (|| {
            crate::hooks::ensure_trusted(repo, config, hk.env)?;
            let files = stop_files(repo, hk.env)?;
            let report = (hk.run_gates)(repo, config, files)?;
            Ok(failure_text(&report))
        })(),
        Err(e) => Err(anyhow::anyhow!("{e:#}")),
    };
    let (reason, internal) = match outcome {
        Ok(None) => {
            if let Ok((repo, _)) = &opened {
                let _ = std::fs::remove_file(stop_memory_path(&repo.state_dir(), event));
            }
            return allow();
        }
        Ok(Some(text)) => (text, false),
        Err(e) => (
            format!("gatekeeper could not run the agent-stop gates, so the stop is refused: {e:#}"),
            true,
        ),
    };
    // Without a repository, the per-user state directory remembers the blocks, so that even
    // a broken setup cannot trap a session.
    let state_dir = match &opened {
        Ok((repo, _)) => Some(repo.state_dir()),
        Err(_) => hk.env.user_state_dir(),
    };
    let bound = opened
        .as_ref()
        .map_or(DEFAULT_STOP_BLOCKS, |(_, c)| c.agents.stop_blocks());
    let memory_path = state_dir.map(|d| stop_memory_path(&d, event));
    let previous: StopMemory = memory_path
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let blocks = if active { previous.blocks + 1 } else { 1 };
    if blocks > bound {
        if let Some(p) = &memory_path {
            let _ = std::fs::remove_file(p);
        }
        let first = reason.lines().take(12).collect::<Vec<_>>().join("\n");
        let msg = format!(
            "gatekeeper: the agent-stop gates are still RED. The stop was blocked {bound} times in a row (agents.stop_blocks), so it is allowed now and the session is not trapped. Run `gatekeeper run --stage agent-stop` to see the gates.\n{first}"
        );
        return HookAnswer::json(&json!({ "systemMessage": msg }));
    }
    if let Some(p) = &memory_path {
        let mem = StopMemory { blocks };
        if let Ok(text) = serde_json::to_vec(&mem) {
            // Failing to remember only means the count starts again.
            let _ = write_atomic(p, &text);
        }
    }
    let body = json!({ "decision": "block", "reason": reason });
    if internal {
        HookAnswer {
            stderr: format!("{reason}\n"),
            exit_code: 2,
            ..HookAnswer::json(&body)
        }
    } else {
        HookAnswer::json(&body)
    }
}

/// The files the stop gates look at: changed since the session's base (when a gatekeeper
/// session is active), else since HEAD; committed or not.
fn stop_files(repo: &Repo, env: &Environment) -> Result<Vec<PathBuf>> {
    let base = match env.session() {
        Some(id) => {
            let log = session::load(&repo.state_dir(), id)?;
            Some(git2::Oid::from_str(&log.base).context("the session log names an invalid base")?)
        }
        None => repo.raw().head().ok().and_then(|h| h.target()),
    };
    let Some(base) = base else {
        return Ok(Vec::new());
    };
    let (_, changes) = super::worktree::session_changes(repo, base)?;
    Ok(changes
        .into_iter()
        .filter(|c| c.kind != crate::git::ChangeKind::Deleted)
        .map(|c| c.path)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_keeps_the_end() {
        let out: String = (0..100).fold(String::new(), |mut s, i| {
            s.push_str(&format!("line {i}\n"));
            s
        });
        let t = trim_output(&out, 5, 10_000);
        assert!(t.contains("line 99") && !t.contains("line 94\n"), "{t}");
        assert!(t.starts_with("… (95 earlier lines left out)"));
    }

    #[test]
    fn unreadable_event_is_an_error_exit() {
        let env = Environment::default();
        let mut run =
            |_: &Repo, _: &LoadedConfig, _: Vec<PathBuf>| -> Result<RunReport> { unreachable!() };
        let mut hk = HookEnv {
            env: &env,
            cwd: Path::new("/"),
            run_gates: &mut run,
        };
        let a = answer(Agent::Claude, b"not json", &mut hk);
        assert_eq!(a.exit_code, 2);
        assert!(a.stderr.contains("could not read the hook event"));
    }
}
