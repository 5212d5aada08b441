//! `gatekeeper session`: start, stop, run, list and show agent sessions; record maintenance.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use anyhow::Result;
use serde::Serialize;

use super::Context;
use crate::agent::brief::{self, Brief};
use crate::agent::maintenance;
use crate::agent::protocol::MAX_CONTEXT_CHARS;
use crate::agent::session::{self, ProgressEntry, SessionLog, StartRequest, StopReport};
use crate::config::Stage;
use crate::exit::{ExitStatus, Failure};
use crate::gates::FileScope;
use crate::git::Repo;
use crate::output::Printer;

/// Agent sessions: a brief to start with, the gates run by gatekeeper itself at the end.
///
/// `start` prints the brief (memory, overdue maintenance, editable, protected and sacred
/// paths) and the `export` line that marks the session active; `stop` runs the agent-stop
/// gates, the sacred check, the role and protected-path check over everything changed since
/// the session's base commit, and asks for a lesson; `run -- CMD…` does all three around a
/// command.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: SessionCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SessionCommand {
    /// Record a session and print its brief and `export GATEKEEPER_SESSION=… GATEKEEPER_ROLE=…`.
    Start(StartArgs),
    /// Check everything the session changed; exit 1 with the reasons when anything is red.
    Stop(StopArgs),
    /// Start, run CMD with the session's environment, stop; the exit status is the stop's.
    Run(RunArgs),
    /// List the sessions of this repository.
    List,
    /// Show one session's progress log.
    Show {
        /// The session id.
        id: String,
    },
    /// Run maintenance tasks (default: the overdue ones) and record when they last ran.
    Maintain {
        /// Tasks to run (names under `agents.maintenance`).
        tasks: Vec<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// The role whose `edit` globs limit the session (`agents.roles`).
    #[arg(long)]
    pub role: Option<String>,
    /// Work in a new git worktree NAME on branch `gatekeeper/NAME`, beside the main work tree.
    #[arg(long, value_name = "NAME")]
    pub worktree: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct StopArgs {
    /// The session (default: GATEKEEPER_SESSION, else the only active one here).
    #[arg(long)]
    pub id: Option<String>,
    /// Stop without adding a lesson; the reason is written to the session log.
    #[arg(long, value_name = "REASON")]
    pub no_lesson: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The role whose `edit` globs limit the session (`agents.roles`).
    #[arg(long)]
    pub role: Option<String>,
    /// Run in a new git worktree NAME on branch `gatekeeper/NAME`, beside the main work tree.
    #[arg(long, value_name = "NAME")]
    pub worktree: Option<String>,
    /// Hand the brief to CMD on its standard input (otherwise stdin is empty; the brief is
    /// always in the file named by GATEKEEPER_BRIEF_FILE).
    #[arg(long)]
    pub brief_stdin: bool,
    /// Passed to the stop: finish without a lesson, for this reason.
    #[arg(long, value_name = "REASON")]
    pub no_lesson: Option<String>,
    /// Kill CMD after this long (default 24h).
    #[arg(long, value_name = "DURATION", value_parser = crate::config::parse_duration)]
    pub timeout: Option<Duration>,
    /// Run CMD without the write sandbox (the role is then enforced at stop and pre-commit
    /// only); without this flag, a machine where the sandbox cannot be set up is exit 3.
    #[arg(long)]
    pub no_sandbox: bool,
    /// The agent command and its arguments.
    #[arg(last = true, required = true, value_name = "CMD")]
    pub cmd: Vec<String>,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    match &args.command {
        SessionCommand::Start(a) => start(ctx, a),
        SessionCommand::Stop(a) => stop(ctx, a),
        SessionCommand::Run(a) => run_wrapped(ctx, a),
        SessionCommand::List => list(ctx),
        SessionCommand::Show { id } => show(ctx, id),
        SessionCommand::Maintain { tasks } => maintain(ctx, tasks),
    }
}

#[derive(Serialize)]
struct Started<'a> {
    session: &'a SessionLog,
    brief: &'a Brief,
    brief_text: String,
    export: String,
}

fn export_line(log: &SessionLog) -> String {
    let q =
        |s: &str| shlex::try_quote(s).map_or_else(|_| s.to_owned(), std::borrow::Cow::into_owned);
    format!(
        "export GATEKEEPER_SESSION={} GATEKEEPER_ROLE={}",
        q(&log.id),
        q(log.role.as_deref().unwrap_or(""))
    )
}

/// Starts a session and builds its brief (from the session's work tree).
fn begin(ctx: &Context, role: Option<&str>, worktree: Option<&str>) -> Result<(SessionLog, Brief)> {
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let now = SystemTime::now();
    let log = session::start(&repo, &config, &StartRequest { role, worktree }, now)?;
    let overdue = maintenance::overdue(&config.agents, &repo.state_dir(), now)?;
    let mut b = brief::build(&repo, &config, role, overdue)?;
    b.session = Some(log.id.clone());
    b.worktree.clone_from(&log.worktree);
    if let Some(w) = &log.worktree {
        warn_codex_trust(ctx, &w.path, repo.root());
    }
    Ok((log, b))
}

/// Codex keys hook trust by the path of `hooks.json`, so in a new worktree gatekeeper's
/// Codex hooks are untrusted again: say so, with the steps (on stderr; never fatal).
fn warn_codex_trust(ctx: &Context, worktree: &std::path::Path, main_root: &std::path::Path) {
    match crate::agent::codex_trust::check(&ctx.env, worktree, main_root) {
        Ok(Some(r)) => {
            if let Some(problem) = r.problem() {
                ctx.printer.warn(&format!(
                    "in the worktree `{}`: {problem}\n{}",
                    worktree.display(),
                    r.steps().trim_end()
                ));
            }
        }
        Ok(None) => {}
        Err(e) => ctx.printer.warn(&format!(
            "cannot tell whether Codex runs gatekeeper's hooks in `{}`: {e:#}",
            worktree.display()
        )),
    }
}

fn start(ctx: &Context, args: &StartArgs) -> Result<ExitStatus> {
    let (log, b) = begin(ctx, args.role.as_deref(), args.worktree.as_deref())?;
    let text = b.render(MAX_CONTEXT_CHARS);
    let export = export_line(&log);
    if ctx.printer.is_json() {
        ctx.printer.json(&Started {
            session: &log,
            brief: &b,
            brief_text: text,
            export,
        })?;
    } else {
        ctx.printer.out(&format!("{text}\n{export}\n"));
    }
    Ok(ExitStatus::Success)
}

/// The environment without `GATEKEEPER_SKIP`.
pub(crate) fn without_skip(env: &crate::env::Environment) -> crate::env::Environment {
    crate::env::Environment::from_pairs(env.iter().filter(|(k, _)| *k != "GATEKEEPER_SKIP"))
}

/// Opens the session's own work tree (its worktree, or the main one).
fn session_repo(ctx: &Context, log: &SessionLog) -> Result<Repo> {
    if log.worktree.is_some() {
        Repo::open(&log.root, &ctx.env, true)
    } else {
        ctx.repo()
    }
}

fn do_stop(ctx: &Context, id: Option<&str>, no_lesson: Option<&str>) -> Result<StopReport> {
    let here = ctx.repo()?;
    let mut log = session::find(&here.state_dir(), id, &ctx.env, here.root())?;
    let repo = session_repo(ctx, &log)?;
    let config = session::base_config(&repo, &log)?;
    crate::hooks::ensure_trusted(&repo, &config, &ctx.env)?;
    // Human mode prints each gate as it finishes; JSON mode prints only the final document.
    // Agents may not skip gates: GATEKEEPER_SKIP is ignored for the agent-stop gates.
    let strict = Context {
        env: without_skip(&ctx.env),
        printer: ctx.printer.clone(),
        cwd: ctx.cwd.clone(),
        explicit_dir: ctx.explicit_dir,
    };
    let mut run_gates = |files: Vec<PathBuf>| {
        super::run::run_stage(
            &strict,
            &repo,
            &config,
            Stage::AgentStop,
            &[],
            FileScope::Changed(files),
            false,
        )
    };
    session::stop(
        &repo,
        &config,
        &mut log,
        no_lesson,
        SystemTime::now(),
        &mut run_gates,
    )
}

fn print_stop(printer: &Printer, report: &StopReport) -> Result<()> {
    if printer.is_json() {
        return printer.json(report);
    }
    let mut s = String::new();
    if let Some(sacred) = &report.sacred {
        for f in &sacred.findings {
            s.push_str(&format!(
                "sacred: {} [{}] {}\n",
                f.test_id,
                f.rule.as_str(),
                f.message
            ));
        }
    }
    s.push_str(&format!(
        "session {}: {} ({} file{} changed since {}, {} lesson{} added)\n",
        report.session,
        if report.is_green() { "green" } else { "RED" },
        report.changed_files.len(),
        if report.changed_files.len() == 1 {
            ""
        } else {
            "s"
        },
        &report.base[..report.base.len().min(12)],
        report.lessons_added,
        if report.lessons_added == 1 { "" } else { "s" },
    ));
    for f in &report.failures {
        s.push_str(&format!("  refused: {f}\n"));
    }
    for d in &report.decisions {
        s.push_str(&format!("  decision: {d}\n"));
    }
    if let Some(c) = &report.commit {
        s.push_str(&format!("committed: {c}\n"));
    }
    s.push_str(&format!("log: {}\n", report.log));
    printer.out(&s);
    Ok(())
}

fn stop(ctx: &Context, args: &StopArgs) -> Result<ExitStatus> {
    let report = do_stop(ctx, args.id.as_deref(), args.no_lesson.as_deref())?;
    print_stop(&ctx.printer, &report)?;
    Ok(if report.is_green() {
        ExitStatus::Success
    } else {
        ExitStatus::Refused
    })
}

fn run_wrapped(ctx: &Context, args: &RunArgs) -> Result<ExitStatus> {
    let (log, mut b) = begin(ctx, args.role.as_deref(), args.worktree.as_deref())?;
    let repo = ctx.repo()?;
    let state_dir = repo.state_dir();
    let sandbox = if args.no_sandbox {
        None
    } else {
        match prepare_sandbox(ctx, &log) {
            Ok(s) => Some(s),
            Err(e) => {
                session::note(
                    &state_dir,
                    &log.id,
                    sandbox_entry("unavailable", vec![format!("sandbox: {e:#}")]),
                )?;
                return Err(e);
            }
        }
    };
    let sandbox_lines = match &sandbox {
        Some((prepared, report, git_writes)) => {
            let mut lines = Vec::new();
            if !git_writes {
                lines.push("`.git` is read-only: you cannot commit. `gatekeeper session stop` checks your work and, in a session worktree, commits it when everything is green.".to_owned());
            }
            lines.extend(report.describe(&prepared.policy));
            lines
        }
        None => Vec::new(),
    };
    b.sandbox = sandbox.is_some().then(|| sandbox_lines.clone());
    let text = b.render(MAX_CONTEXT_CHARS);
    let brief_file = state_dir
        .join("sessions")
        .join(format!("{}.brief.md", log.id));
    crate::fsutil::write_atomic(&brief_file, text.as_bytes())?;
    ctx.printer.note(&format!(
        "gatekeeper: session {} started{}{}",
        log.id,
        log.worktree
            .as_ref()
            .map(|w| format!(" in {}", w.path.display()))
            .unwrap_or_default(),
        if sandbox.is_some() {
            " (sandboxed)"
        } else {
            " (no sandbox)"
        }
    ));
    let words = match &sandbox {
        Some((prepared, _, _)) => prepared.wrap(&super::sandbox::own_exe()?, &args.cmd),
        None => args.cmd.clone(),
    };
    let script = crate::process::quote_words(&words)?;
    let mut env = vec![
        ("GATEKEEPER_SESSION".to_owned(), log.id.clone()),
        (
            "GATEKEEPER_ROLE".to_owned(),
            log.role.clone().unwrap_or_default(),
        ),
        (
            "GATEKEEPER_BRIEF_FILE".to_owned(),
            brief_file.to_string_lossy().into_owned(),
        ),
    ];
    if let Some((prepared, _, _)) = &sandbox {
        env.extend(prepared.env());
    }
    let cancel = crate::signals::interrupt_flag();
    let finished = crate::process::run_shell(
        &crate::process::ShellCommand {
            script: script.into(),
            dir: log.root.clone(),
            env,
            timeout: args.timeout.unwrap_or(Duration::from_secs(24 * 3600)),
            stdin: args.brief_stdin.then(|| text.clone().into_bytes()),
            capture: false,
        },
        &cancel,
    )?;
    session::note(
        &state_dir,
        &log.id,
        ProgressEntry {
            at: session::timestamp(SystemTime::now()),
            event: "command".to_owned(),
            verdict: format!("{:?}", finished.ending).to_lowercase(),
            gates: Vec::new(),
            failures: Vec::new(),
            decisions: std::iter::once(format!("ran: {}", args.cmd.join(" ")))
                .chain(std::iter::once(format!(
                    "sandbox: {}",
                    if sandbox.is_some() {
                        "landlock"
                    } else {
                        "none (--no-sandbox): writes outside the role are refused at stop and pre-commit only"
                    }
                )))
                .chain(sandbox_lines.iter().map(|l| format!("sandbox: {l}")))
                .collect(),
            changed_files: Vec::new(),
        },
    )?;
    if finished.ending == crate::process::Ending::Interrupted {
        return Err(Failure::interrupted().into());
    }
    if !finished.ending.success() {
        ctx.printer.warn(&format!(
            "the command ended with {:?}; the verdict is the stop's",
            finished.ending
        ));
    }
    let report = do_stop(ctx, Some(&log.id), args.no_lesson.as_deref())?;
    print_stop(&ctx.printer, &report)?;
    Ok(if report.is_green() {
        ExitStatus::Success
    } else {
        ExitStatus::Refused
    })
}

/// The sandbox for a session, built in the session's own work tree; the flag says whether
/// its role may write `.git`.
fn prepare_sandbox(
    ctx: &Context,
    log: &SessionLog,
) -> Result<(
    crate::sandbox::PreparedSandbox,
    crate::sandbox::SandboxReport,
    bool,
)> {
    let repo = session_repo(ctx, log)?;
    let config = ctx.config(&repo)?;
    let git_writes = log
        .role
        .as_deref()
        .and_then(|r| config.agents.roles.get(r))
        .is_some_and(|r| r.git_writes);
    let (prepared, report) =
        super::sandbox::prepare(ctx, &repo, &config.agents, log.role.as_deref())?;
    Ok((prepared, report, git_writes))
}

fn sandbox_entry(verdict: &str, decisions: Vec<String>) -> ProgressEntry {
    ProgressEntry {
        at: session::timestamp(SystemTime::now()),
        event: "sandbox".to_owned(),
        verdict: verdict.to_owned(),
        gates: Vec::new(),
        failures: Vec::new(),
        decisions,
        changed_files: Vec::new(),
    }
}

fn list(ctx: &Context) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let logs = session::list(&repo.state_dir())?;
    if ctx.printer.is_json() {
        ctx.printer.json(&logs)?;
        return Ok(ExitStatus::Success);
    }
    let mut s = String::new();
    for l in &logs {
        let last = l
            .progress
            .iter()
            .rev()
            .find(|p| p.event == "stop")
            .map_or("not stopped", |p| p.verdict.as_str());
        s.push_str(&format!(
            "{}  {}  role={}  {}  last stop: {last}\n",
            l.id,
            l.started_at,
            l.role.as_deref().unwrap_or("-"),
            match l.state {
                session::SessionState::Active => "active",
                session::SessionState::Stopped => "stopped",
            },
        ));
    }
    if logs.is_empty() {
        ctx.printer.note("no sessions yet");
    }
    ctx.printer.out(&s);
    Ok(ExitStatus::Success)
}

fn show(ctx: &Context, id: &str) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let log = session::load(&repo.state_dir(), id)?;
    if ctx.printer.is_json() {
        ctx.printer.json(&log)?;
        return Ok(ExitStatus::Success);
    }
    let mut s = format!(
        "session {}\nrole: {}\nbase: {}\nwork tree: {}\nstarted: {}\n",
        log.id,
        log.role.as_deref().unwrap_or("-"),
        log.base,
        log.root.display(),
        log.started_at
    );
    if let Some(w) = &log.worktree {
        s.push_str(&format!("worktree branch: {}\n", w.branch));
    }
    for p in &log.progress {
        s.push_str(&format!("\n{} {}: {}\n", p.at, p.event, p.verdict));
        for g in &p.gates {
            s.push_str(&format!(
                "  gate {}: {} ({} ms)\n",
                g.name, g.verdict, g.duration_ms
            ));
        }
        for f in &p.failures {
            s.push_str(&format!("  refused: {f}\n"));
        }
        for d in &p.decisions {
            s.push_str(&format!("  decision: {d}\n"));
        }
        if !p.changed_files.is_empty() {
            s.push_str(&format!("  changed: {}\n", p.changed_files.join(", ")));
        }
    }
    ctx.printer.out(&s);
    Ok(ExitStatus::Success)
}

#[derive(Serialize)]
struct MaintainedTask {
    name: String,
    passed: bool,
    ending: String,
}

fn maintain(ctx: &Context, tasks: &[String]) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let now = SystemTime::now();
    let names: Vec<String> = if tasks.is_empty() {
        maintenance::overdue(&config.agents, &repo.state_dir(), now)?
            .into_iter()
            .map(|t| t.name)
            .collect()
    } else {
        for t in tasks {
            if !config.agents.maintenance.contains_key(t) {
                return Err(
                    Failure::usage(format!("there is no maintenance task `{t}`"))
                        .with_hint("tasks are listed under `agents.maintenance` in gatekeeper.yml")
                        .into(),
                );
            }
        }
        tasks.to_vec()
    };
    if !names.is_empty() {
        crate::hooks::ensure_trusted(&repo, &config, &ctx.env)?;
    }
    let mut results = Vec::new();
    let mut status = ExitStatus::Success;
    let cancel = crate::signals::interrupt_flag();
    for name in names {
        let task = &config.agents.maintenance[&name];
        ctx.printer.note(&format!(
            "gatekeeper: running maintenance `{name}`: {}",
            task.run
        ));
        let finished = crate::process::run_shell(
            &crate::process::ShellCommand {
                script: task.run.clone().into(),
                dir: repo.root().to_path_buf(),
                env: Vec::new(),
                timeout: Duration::from_secs(3600),
                stdin: None,
                capture: ctx.printer.is_json(),
            },
            &cancel,
        )?;
        let passed = finished.ending.success();
        if passed {
            maintenance::record_run(&repo.state_dir(), &name, SystemTime::now())?;
        } else {
            status = status.worst(ExitStatus::Refused);
        }
        results.push(MaintainedTask {
            name,
            passed,
            ending: format!("{:?}", finished.ending).to_lowercase(),
        });
    }
    if ctx.printer.is_json() {
        ctx.printer.json(&results)?;
    } else if results.is_empty() {
        ctx.printer.note("no maintenance is due");
    } else {
        let mut s = String::new();
        for r in &results {
            s.push_str(&format!(
                "{}: {}\n",
                r.name,
                if r.passed {
                    "done (recorded)".to_owned()
                } else {
                    format!("failed ({}); not recorded", r.ending)
                }
            ));
        }
        ctx.printer.out(&s);
    }
    Ok(status)
}
