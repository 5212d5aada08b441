//! `gatekeeper agent-hook AGENT`: answer one hook event of a coding agent.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;

use anyhow::{Context as _, Result};

use super::Context;
use crate::agent::protocol::{self, HookEnv};
use crate::config::{LoadedConfig, Stage};
use crate::exit::ExitStatus;
use crate::gates::FileScope;
use crate::git::Repo;
use crate::output::{OutputFormat, Printer};

/// Answer one hook event of a coding agent (JSON on stdin) in that agent's protocol.
///
/// AGENT is `claude` (Claude Code), `codex` (Codex CLI), `gemini` (Gemini CLI), `copilot`
/// (GitHub Copilot CLI) or `cursor` (Cursor). SessionStart gets the session
/// brief as context; PreToolUse denies edits that weaken a sacred test, touch a protected
/// path or leave the role, and shell commands that skip git's hooks; Stop and SubagentStop
/// block while the agent-stop gates are red. Install the hooks with
/// `gatekeeper install --agent claude`. An internal error blocks (exit 2), never passes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The agent whose protocol to speak: claude, codex, gemini, copilot or cursor.
    #[arg(value_name = "AGENT")]
    pub agent: String,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    // Gemini CLI, Copilot CLI and Cursor: their own protocols (agent::adapter).
    let other = crate::agent::adapter::Other::parse(&args.agent);
    let agent = match other {
        Some(_) => crate::agent::protocol::Agent::Claude,
        None => crate::agent::settings::agent_named(&args.agent)?,
    };
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .context("failed to read the hook event from stdin")?;
    // Gate output must not reach stdout, which carries the protocol's one JSON document.
    // Agents may not skip gates: GATEKEEPER_SKIP is ignored for the agent-stop gates.
    let quiet = Context {
        env: super::session::without_skip(&ctx.env),
        printer: Printer::plain(OutputFormat::Json),
        cwd: ctx.cwd.clone(),
        explicit_dir: ctx.explicit_dir,
    };
    let mut run_gates = |repo: &Repo, config: &LoadedConfig, files: Vec<PathBuf>| {
        super::run::run_stage(
            &quiet,
            repo,
            config,
            Stage::AgentStop,
            &[],
            FileScope::Changed(files),
            false,
        )
    };
    let mut hk = HookEnv {
        env: &ctx.env,
        cwd: &ctx.cwd,
        run_gates: &mut run_gates,
    };
    let answer = match other {
        Some(o) => o.answer(&input, &mut hk),
        None => protocol::answer(agent, &input, &mut hk),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(answer.stdout.as_bytes())
        .and_then(|()| out.flush())
        .context("failed to write the hook answer")?;
    if !answer.stderr.is_empty() {
        crate::output::err_line(answer.stderr.trim_end());
    }
    Ok(match answer.exit_code {
        0 => ExitStatus::Success,
        // 2 is what both agents read as "blocking error".
        _ => ExitStatus::Usage,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn agents_are_named() {
        assert!(crate::agent::settings::agent_named("claude").is_ok());
        assert!(crate::agent::settings::agent_named("opencode").is_err());
        let _ = crate::agent::protocol::Agent::Codex;
    }
}
