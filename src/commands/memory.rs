//! `gatekeeper memory audit`: check the project memory for what agents would misread.

use anyhow::Result;

use super::Context;
use crate::agent::memory::{self, MemoryPaths};
use crate::exit::ExitStatus;

/// Check the project memory (`agents.memory`).
///
/// `audit` reports an index longer than `max_lines` (agents read only its start), links to
/// missing topic files, topic files nothing links to, and lessons naming files (in back
/// quotes) that no longer exist. Exit 1 when anything is found.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: MemoryCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum MemoryCommand {
    /// Report problems in the memory index and topic files.
    Audit,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let MemoryCommand::Audit = args.command;
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let paths = MemoryPaths::new(repo.root(), &config.agents);
    let report = memory::audit(repo.root(), &paths, config.agents.memory.max_lines)?;
    if ctx.printer.is_json() {
        ctx.printer.json(&report)?;
    } else {
        let mut s = String::new();
        for f in &report.findings {
            match f.line {
                Some(l) => s.push_str(&format!("{}:{l}: {}: {}\n", f.file, f.kind, f.message)),
                None => s.push_str(&format!("{}: {}: {}\n", f.file, f.kind, f.message)),
            }
        }
        s.push_str(&format!(
            "memory: {} ({} of {} lines, {} topic file{}): {}\n",
            report.index,
            report.index_lines,
            report.max_lines,
            report.topics.len(),
            if report.topics.len() == 1 { "" } else { "s" },
            if report.findings.is_empty() {
                "ok".to_owned()
            } else {
                format!(
                    "{} problem{}",
                    report.findings.len(),
                    if report.findings.len() == 1 { "" } else { "s" }
                )
            }
        ));
        ctx.printer.out(&s);
    }
    Ok(if report.findings.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Refused
    })
}
