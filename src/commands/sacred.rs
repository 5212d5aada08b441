//! `gatekeeper sacred`: list, lock and check the sacred tests (glue over [`crate::sacred`]).

use std::fmt::Write as _;

use anyhow::{Context as _, Result};
use serde::Serialize;

use super::Context;
use crate::exit::{ExitStatus, Failure};
use crate::sacred::{self, LOCK_PATH, SacredLock, TestItem};

/// List, lock and check the sacred tests: the tests no change may weaken.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: SacredCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SacredCommand {
    /// Every sacred test in the tracked files (work tree), with its id, file, line and
    /// assertion count.
    List,
    /// Write `.gatekeeper/sacred.lock` from the sacred tests in the work tree (refused in an
    /// agent session).
    Lock,
    /// Refuse (exit 1) any change that weakens a locked test.
    Check(CheckArgs),
    /// Print the arguments that make a test runner run the locked sacred tests alone, one per
    /// line, for an isolated evidence gate (`pytest --junitxml=… $(gatekeeper sacred select
    /// pytest)`).
    Select(SelectArgs),
}

/// Which runner's arguments to print.
#[derive(Debug, clap::Args)]
pub struct SelectArgs {
    /// `pytest` (node ids), `nextest` (`-E` filtersets) or `go` (packages and `-run`).
    #[arg(value_enum)]
    pub runner: sacred::evidence::Selector,
}

/// Compare the new content with the lock as it stands in the base. Without a flag, like
/// `--staged`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Check the index against the lock at HEAD (what pre-commit does).
    #[arg(long, conflicts_with = "base")]
    pub staged: bool,
    /// Check HEAD against the lock at the merge base of REV and HEAD (what `gatekeeper ci
    /// --base REV` does).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
}

#[derive(Serialize)]
struct ListedTest<'a> {
    id: &'a str,
    file: &'a str,
    line: usize,
    assertions: usize,
}

#[derive(Serialize)]
struct Listing<'a> {
    tests: Vec<ListedTest<'a>>,
    parse_errors: &'a [String],
    unsupported: &'a [String],
    empty_paths: &'a [String],
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    match &args.command {
        SacredCommand::List => {
            let found = sacred::discover_listing(&repo, &config)?;
            let tests: Vec<&TestItem> = found.tests.iter().filter(|t| t.sacred).collect();
            if ctx.printer.is_json() {
                ctx.printer.json(&Listing {
                    tests: tests
                        .iter()
                        .map(|t| ListedTest {
                            id: &t.id,
                            file: &t.path,
                            line: t.line,
                            assertions: t.assertions.len(),
                        })
                        .collect(),
                    parse_errors: &found.parse_errors,
                    unsupported: &found.unsupported,
                    empty_paths: &found.empty_paths,
                })?;
            } else {
                let mut out = String::new();
                for t in &tests {
                    let n = t.assertions.len();
                    let plural = if n == 1 { "" } else { "s" };
                    let _ = writeln!(
                        out,
                        "{}\t{}:{}\t{n} assertion{plural}",
                        t.id, t.path, t.line
                    );
                }
                ctx.printer.out(&out);
                for f in &found.parse_errors {
                    ctx.printer.warn(&format!(
                        "`{f}` has syntax errors; its tests may be incomplete"
                    ));
                }
                for p in &found.empty_paths {
                    ctx.printer.warn(&empty_path_warning(p));
                }
                ctx.printer.note(&format!("{} sacred tests", tests.len()));
            }
            warn_unregistered_marker(ctx, &repo, &found.tests);
            Ok(ExitStatus::Success)
        }
        SacredCommand::Lock => {
            if let Some(session) = ctx.env.session() {
                return Err(Failure::refused(format!(
                    "`gatekeeper sacred lock` is refused inside an agent session ({session})"
                ))
                .with_hint("only a human re-locks sacred tests, outside any agent session")
                .into());
            }
            let found = sacred::discover(&repo, &config)?;
            let broken: Vec<&TestItem> = found
                .tests
                .iter()
                .filter(|t| t.sacred && t.has_error)
                .collect();
            if let Some(t) = broken.first() {
                return Err(Failure::refused(format!(
                    "the sacred test `{}` ({}:{}) does not parse; fix it before locking",
                    t.id, t.path, t.line
                ))
                .into());
            }
            let mut ids: Vec<&str> = found
                .tests
                .iter()
                .filter(|t| t.sacred)
                .map(|t| t.id.as_str())
                .collect();
            ids.sort_unstable();
            let duplicate = ids.windows(2).find_map(|w| match w {
                [a, b] if a == b => Some(*a),
                _ => None,
            });
            if let Some(dup) = duplicate {
                return Err(Failure::refused(format!(
                    "two sacred tests share the id `{dup}`; give them distinct names before locking"
                ))
                .into());
            }
            for p in &found.empty_paths {
                ctx.printer.warn(&empty_path_warning(p));
            }
            let lock = SacredLock::from_items(found.tests.iter().filter(|t| t.sacred));
            let path = repo.root().join(LOCK_PATH);
            crate::fsutil::write_atomic(&path, lock.render().as_bytes())
                .with_context(|| format!("failed to write `{LOCK_PATH}`"))?;
            ctx.printer.note(&format!(
                "locked {} sacred tests in {LOCK_PATH}; commit it in a commit signed by an allowed signer",
                lock.tests.len()
            ));
            warn_unregistered_marker(ctx, &repo, &found.tests);
            let untracked = sacred::untracked_candidates(&repo, &config)?;
            if let Some(first) = untracked.first() {
                let which = match untracked.len() {
                    1 => format!("`{first}` is"),
                    n => format!("`{first}` and {} more files are", n - 1),
                };
                ctx.printer.warn(&format!(
                    "{which} not tracked by git, and only tracked files are locked: `git add` them, then run `gatekeeper sacred lock` again"
                ));
            }
            Ok(ExitStatus::Success)
        }
        SacredCommand::Select(select) => {
            let locked = sacred::evidence::load_locked(repo.root())?;
            let args = sacred::evidence::selection(repo.root(), &locked, select.runner)
                .map_err(|e| Failure::undecided(format!("{e:#}")))?;
            if ctx.printer.is_json() {
                ctx.printer.json(&serde_json::json!({ "args": args }))?;
            } else {
                let mut out = args.join("\n");
                out.push('\n');
                ctx.printer.out(&out);
            }
            Ok(ExitStatus::Success)
        }
        SacredCommand::Check(check) => {
            let report = match &check.base {
                Some(base) => {
                    let base = repo.resolve_commit(base)?;
                    let head = repo.resolve_commit("HEAD")?;
                    // Like `gatekeeper ci`: what the branch started from, not where the base
                    // branch has moved since.
                    let base = repo.raw().merge_base(base, head).unwrap_or(base);
                    sacred::check_range(&repo, &config, base, head)?
                }
                None => sacred::check_staged(&repo, &config)?,
            };
            if ctx.printer.is_json() {
                ctx.printer.json(&report)?;
            } else {
                let text = sacred::render_human(&report);
                if report.is_clean() {
                    ctx.printer.note(text.trim_end());
                } else {
                    crate::output::err_line(text.trim_end());
                }
            }
            Ok(if report.is_clean() {
                ExitStatus::Success
            } else {
                ExitStatus::Refused
            })
        }
    }
}

fn warn_unregistered_marker(ctx: &Context, repo: &crate::git::Repo, tests: &[TestItem]) {
    if sacred::pytest_marker_unregistered(repo, tests) {
        ctx.printer.warn(
            "pytest does not know the `sacred` marker and warns about it: register it in \
             pyproject.toml, `[tool.pytest.ini_options]` `markers = [\"sacred: a sacred test, locked by gatekeeper\"]`",
        );
    }
}

/// The warning for a `sacred.paths` entry that holds no test gatekeeper can see.
fn empty_path_warning(pattern: &str) -> String {
    format!(
        "sacred.paths entry `{pattern}` holds no test gatekeeper can see; tests registered through the project's own wrapper need its name in `sacred.test_functions`"
    )
}
