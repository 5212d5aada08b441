//! `gatekeeper lesson add`: append one dated lesson to the project memory.

use std::time::SystemTime;

use anyhow::Result;

use super::Context;
use crate::agent::memory::{self, MemoryPaths};
use crate::agent::session;
use crate::exit::ExitStatus;

/// Record what was learned: one dated line in the memory index (`agents.memory.index`).
///
/// With --topic, the lesson also goes into the topic file beside the index (created when
/// new), and the index line links to it. A lesson already in the index is refused (exit 1).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: LessonCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum LessonCommand {
    /// Append a lesson.
    Add {
        /// Also write it into the topic file T (`<memory dir>/<t>.md`) and link it.
        #[arg(long, value_name = "T")]
        topic: Option<String>,
        /// The lesson, one line.
        #[arg(required = true, num_args = 1.., value_name = "TEXT")]
        text: Vec<String>,
    },
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let LessonCommand::Add { topic, text } = &args.command;
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let paths = MemoryPaths::new(repo.root(), &config.agents);
    let added = memory::add_lesson(
        &paths,
        topic.as_deref(),
        &text.join(" "),
        &session::date(SystemTime::now()),
    )?;
    if ctx.printer.is_json() {
        ctx.printer.json(&added)?;
    } else {
        let mut s = format!("{}: {}\n", added.index, added.line);
        if let Some(t) = &added.topic_file {
            s.push_str(&format!(
                "{t}: {}\n",
                if added.topic_created {
                    "created"
                } else {
                    "appended"
                }
            ));
        }
        ctx.printer.out(&s);
    }
    Ok(ExitStatus::Success)
}
