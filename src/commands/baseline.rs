//! `gatekeeper baseline update`: record the figures ratchets compare against.

use anyhow::Result;
use serde::Serialize;

use super::Context;
use crate::baseline::{Baselines, Loosening};
use crate::exit::{ExitStatus, Failure};

/// Manage `.gatekeeper/baselines.json`, the figures coverage and budget ratchets compare with.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Run gates with a `coverage` or `budget` (all of them, or those named) on every file and
    /// record their figures. Lowering coverage or raising a budget is a weakening: refused
    /// inside an agent session (GATEKEEPER_SESSION set).
    Update {
        /// Gates to record (default: every gate with a coverage or budget rule).
        gates: Vec<String>,
    },
}

#[derive(Serialize)]
struct UpdateReport {
    file: String,
    updated: Vec<String>,
    loosened: Vec<Loosening>,
    written: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let Action::Update { gates } = &args.action;
    let repo = ctx.repo()?;
    let config = ctx.config(&repo)?;
    let old = Baselines::load(repo.root())?;
    let outcome = crate::gates::measure_baselines(
        &repo,
        &config,
        gates,
        &crate::hooks::gate_env_for(&repo, "baseline"),
        &crate::signals::interrupt_flag(),
    )?;
    if let Some(failed) = outcome.failed.first() {
        return Err(Failure::refused(format!(
            "gate `{}` did not pass, so its figures cannot be recorded: {failed}",
            failed_name(&outcome.failed_names)
        ))
        .into());
    }
    let mut new = old.clone();
    for (name, figures) in &outcome.figures {
        new.gates.insert(name.clone(), figures.to_baseline());
    }
    let loosened = old.loosenings(&new);
    if !loosened.is_empty() && ctx.env.session().is_some() {
        let list: Vec<String> = loosened
            .iter()
            .map(|l| format!("{} {}: {} → {}", l.gate, l.what, l.before, l.after))
            .collect();
        return Err(Failure::refused(format!(
            "loosening a baseline is a weakening and is refused inside an agent session: {}",
            list.join("; ")
        ))
        .with_hint("a human outside the session may run `gatekeeper baseline update`")
        .into());
    }
    new.save(repo.root())?;
    let report = UpdateReport {
        file: Baselines::path(repo.root()).to_string_lossy().into_owned(),
        updated: outcome.figures.keys().cloned().collect(),
        loosened,
        written: true,
    };
    if ctx.printer.is_json() {
        ctx.printer.json(&report)?;
    } else {
        let mut s = String::new();
        for name in &report.updated {
            let b = &new.gates[name];
            let was = old.gates.get(name);
            if let Some(c) = b.coverage {
                let before = was
                    .and_then(|w| w.coverage)
                    .map_or("none".to_owned(), |v| format!("{v:.2}%"));
                s.push_str(&format!("{name}: coverage {before} → {c:.2}%\n"));
            }
            if let Some(v) = b.budget {
                let before = was
                    .and_then(|w| w.budget)
                    .map_or("none".to_owned(), |v| v.to_string());
                s.push_str(&format!("{name}: budget {before} → {v}\n"));
            }
        }
        for l in &report.loosened {
            s.push_str(&format!(
                "warning: {} {} loosened from {} to {}\n",
                l.gate, l.what, l.before, l.after
            ));
        }
        s.push_str(&format!("wrote {}\n", report.file));
        ctx.printer.out(&s);
    }
    Ok(ExitStatus::Success)
}

fn failed_name(names: &[String]) -> String {
    names.first().cloned().unwrap_or_default()
}
