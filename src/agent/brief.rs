//! The session brief: what an agent reads first. The memory index, overdue maintenance, the
//! role's editable paths, the protected paths and the sacred tests, as data and as text.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::maintenance::OverdueTask;
use super::memory::{self, MemoryPaths};
use super::worktree::SessionWorktree;
use crate::config::Config;
use crate::git::Repo;

/// The brief, as `--format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    pub session: Option<String>,
    pub role: Option<String>,
    /// Where the session works, when it has its own worktree.
    pub worktree: Option<SessionWorktree>,
    /// The memory index, relative to the work-tree root.
    pub memory_index: String,
    /// Its first `max_lines` lines (empty when there is no index yet).
    pub memory: String,
    /// Whether lines past `max_lines` were left out.
    pub memory_truncated: bool,
    pub overdue: Vec<OverdueTask>,
    /// Globs the role may edit; `None` without a role (everything not protected).
    pub editable: Option<Vec<String>>,
    pub protected: Vec<String>,
    /// Ids of the locked sacred tests (from the lock at HEAD).
    pub sacred_tests: Vec<String>,
    /// Set when the sacred tests could not be listed.
    pub sacred_note: Option<String>,
    /// What the write sandbox enforces and what it could not; `None` when the session runs
    /// without one.
    pub sandbox: Option<Vec<String>>,
}

/// Builds the brief for `role` in the work tree of `repo`.
pub fn build(
    repo: &Repo,
    config: &Config,
    role: Option<&str>,
    overdue: Vec<OverdueTask>,
) -> Result<Brief> {
    let agents = &config.agents;
    let paths = MemoryPaths::new(repo.root(), agents);
    let text = memory::read_index(&paths)?;
    let max = agents.memory.max_lines;
    let total = text.lines().count();
    let memory: String = text.lines().take(max).fold(String::new(), |mut acc, l| {
        acc.push_str(l);
        acc.push('\n');
        acc
    });
    let editable = match role {
        Some(name) => {
            let Some(r) = agents.roles.get(name) else {
                return Err(crate::exit::Failure::usage(format!(
                    "there is no role named `{name}`"
                ))
                .into());
            };
            Some(r.edit.iter().cloned().collect())
        }
        None => None,
    };
    let (sacred_tests, sacred_note) = match sacred_tests(repo) {
        Ok(t) => (t, None),
        Err(e) => (
            Vec::new(),
            Some(format!("could not read the sacred lock: {e:#}")),
        ),
    };
    Ok(Brief {
        session: None,
        role: role.map(str::to_owned),
        worktree: None,
        memory_index: paths.index_rel.to_string_lossy().into_owned(),
        memory,
        memory_truncated: total > max,
        overdue,
        editable,
        protected: agents.protected.iter().cloned().collect(),
        sacred_tests,
        sacred_note,
        sandbox: None,
    })
}

/// The ids of the tests in the sacred lock at HEAD.
fn sacred_tests(repo: &Repo) -> Result<Vec<String>> {
    let Some(text) = super::worktree::read_at_head(repo, Path::new(crate::sacred::LOCK_PATH))?
    else {
        return Ok(Vec::new());
    };
    let lock = crate::sacred::SacredLock::parse(&text)?;
    Ok(lock.tests.keys().cloned().collect())
}

impl Brief {
    /// The brief as text, at most `max_chars` characters (Claude Code caps injected context
    /// at 10,000). What does not fit is cut from the memory, with a note saying so.
    pub fn render(&self, max_chars: usize) -> String {
        let mut head = String::from("# gatekeeper session brief\n\n");
        if let Some(id) = &self.session {
            head.push_str(&format!("Session: {id}\n"));
        }
        match &self.role {
            Some(r) => head.push_str(&format!("Role: {r}\n")),
            None => head.push_str("Role: none (no role limits beyond the protected paths)\n"),
        }
        if let Some(w) = &self.worktree {
            head.push_str(&format!(
                "Worktree: {} (branch {}); work there, not in the main work tree.\n",
                w.path.display(),
                w.branch
            ));
        }
        let mut tail = String::new();
        tail.push_str("\n## Maintenance overdue\n\n");
        if self.overdue.is_empty() {
            tail.push_str("None.\n");
        }
        for t in &self.overdue {
            let last = t
                .last_run
                .as_deref()
                .map_or_else(|| "never run".to_owned(), |l| format!("last run {l}"));
            tail.push_str(&format!(
                "- {} (every {}, {last}): `{}`; record it with `gatekeeper session maintain {}`\n",
                t.name, t.every, t.run, t.name
            ));
        }
        tail.push_str("\n## Paths\n\n");
        match &self.editable {
            Some(globs) if globs.is_empty() => {
                tail.push_str(
                    "This role may edit no files (only the memory, via `gatekeeper lesson add`).\n",
                );
            }
            Some(globs) => {
                tail.push_str("This role may edit only: ");
                tail.push_str(&quoted(globs));
                tail.push('\n');
            }
            None => tail.push_str("No role: any path that is not protected may be edited.\n"),
        }
        if self.protected.is_empty() {
            tail.push_str("No protected paths.\n");
        } else {
            tail.push_str("Protected (humans only; changes are refused): ");
            tail.push_str(&quoted(&self.protected));
            tail.push('\n');
        }
        if let Some(lines) = &self.sandbox {
            tail.push_str("\n## Sandbox\n\n");
            for l in lines {
                tail.push_str(&format!("- {l}\n"));
            }
        }
        tail.push_str("\n## Sacred tests\n\n");
        if let Some(note) = &self.sacred_note {
            tail.push_str(note);
            tail.push('\n');
        } else if self.sacred_tests.is_empty() {
            tail.push_str("None locked.\n");
        } else {
            tail.push_str(
                "These tests may not be removed, skipped or loosened; changes that weaken them are refused:\n",
            );
            for t in self.sacred_tests.iter().take(50) {
                tail.push_str(&format!("- {t}\n"));
            }
            if self.sacred_tests.len() > 50 {
                tail.push_str(&format!(
                    "- … and {} more (`gatekeeper sacred list`)\n",
                    self.sacred_tests.len() - 50
                ));
            }
        }
        tail.push_str(
            "\nAt the end, `gatekeeper session stop` runs the agent-stop gates itself; record what you learned with `gatekeeper lesson add`.\n",
        );
        let mut mem = format!("\n## Memory ({})\n\n", self.memory_index);
        if self.memory.trim().is_empty() {
            mem.push_str("No lessons yet.\n");
        } else {
            mem.push_str(&self.memory);
            if self.memory_truncated {
                mem.push_str("… (the index is longer than agents.memory.max_lines; the rest was not included)\n");
            }
        }
        let fixed = head.chars().count() + tail.chars().count();
        let room = max_chars.saturating_sub(fixed);
        if mem.chars().count() > room {
            let note = "\n… (memory cut to fit; search it with `gatekeeper lessons QUERY`)\n";
            let keep = room.saturating_sub(note.chars().count());
            mem = mem.chars().take(keep).collect::<String>() + note;
        }
        let mut out = head + &mem + &tail;
        if out.chars().count() > max_chars {
            out = out.chars().take(max_chars).collect();
        }
        out
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|g| format!("`{g}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
