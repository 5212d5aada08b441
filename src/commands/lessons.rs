//! `gatekeeper lessons`: search the project's memory and the cross-project index; `lessons
//! sync` rebuilds the cross-project index from the configured workspaces.

use std::time::SystemTime;

use anyhow::Result;

use super::Context;
use crate::agent::memory::{self, MemoryPaths};
use crate::agent::session;
use crate::exit::{ExitStatus, Failure};

/// Search lessons: this project's memory index and topic files and, read-only, the
/// per-user cross-project index. Every word of QUERY must appear; without QUERY, list all.
///
/// `gatekeeper lessons sync` aggregates the memory indexes of the workspaces listed under
/// `workspaces:` in the per-user config (`$XDG_CONFIG_HOME/gatekeeper/config.yml`) into the
/// cross-project index (`$XDG_STATE_HOME/gatekeeper/lessons/MEMORY.md`). Lessons travel
/// between projects; configuration never does. Exit 1 when a search finds nothing.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Words to look for, or `sync`.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    if args.query.len() == 1 && args.query[0] == "sync" {
        return sync(ctx);
    }
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let paths = MemoryPaths::new(repo.root(), &config.agents);
    let cross = ctx
        .env
        .user_state_dir()
        .map(|d| memory::cross_index_path(&d));
    let query = args.query.join(" ");
    let hits = memory::search(
        &paths,
        cross.as_deref(),
        (!query.trim().is_empty()).then_some(query.as_str()),
    )?;
    if ctx.printer.is_json() {
        ctx.printer.json(&hits)?;
    } else {
        let mut s = String::new();
        for h in &hits {
            let label = if h.source == "cross-project" {
                "cross-project"
            } else {
                h.file.as_str()
            };
            s.push_str(&format!("{label}:{}: {}\n", h.line, h.text));
        }
        ctx.printer.out(&s);
        if hits.is_empty() {
            ctx.printer.note("no lesson matches");
        }
    }
    Ok(if hits.is_empty() && !query.trim().is_empty() {
        ExitStatus::Refused
    } else {
        ExitStatus::Success
    })
}

fn sync(ctx: &Context) -> Result<ExitStatus> {
    let (Some(config_dir), Some(state_dir)) = (ctx.env.user_config_dir(), ctx.env.user_state_dir())
    else {
        return Err(
            Failure::usage("cannot find the per-user directories (HOME is not set)").into(),
        );
    };
    let user_config_path = config_dir.join(memory::USER_CONFIG_FILE);
    let user = memory::read_user_config(&user_config_path)?;
    if user.workspaces.is_empty() {
        return Err(Failure::usage(format!(
            "no workspaces to sync: `{}` lists none",
            user_config_path.display()
        ))
        .with_hint("add `workspaces: [/path/to/project, …]` to that file")
        .into());
    }
    let report = memory::sync(
        &user.workspaces,
        &memory::cross_index_path(&state_dir),
        &session::date(SystemTime::now()),
    )?;
    if ctx.printer.is_json() {
        ctx.printer.json(&report)?;
    } else {
        let mut s = String::new();
        for w in &report.workspaces {
            match &w.skipped {
                Some(why) => s.push_str(&format!("{}: skipped ({why})\n", w.path)),
                None => s.push_str(&format!(
                    "{}: {} lesson{}\n",
                    w.path,
                    w.lessons,
                    if w.lessons == 1 { "" } else { "s" }
                )),
            }
        }
        s.push_str(&format!("{}: {} lessons\n", report.index, report.lessons));
        ctx.printer.out(&s);
    }
    Ok(ExitStatus::Success)
}
