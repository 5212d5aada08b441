//! `gatekeeper import`: a `gatekeeper.yml` from another hook manager's configuration.

use anyhow::{Context as _, Result};

use super::Context;
use crate::config::{CONFIG_FILE, Config};
use crate::exit::{ExitStatus, Failure};

/// Convert a .pre-commit-config.yaml, a lefthook.yml and .husky/ hooks into a gatekeeper.yml.
///
/// Converts pre-commit's `repo: local` hooks that run a command as it is, the hooks of
/// well-known repositories (ruff, black, eslint, prettier, shellcheck, pre-commit-hooks…)
/// whose command is on PATH, lefthook's commands, scripts and jobs, and husky's scripts.
/// Everything it could not convert is listed with the reason, in the output and at the top
/// of the file. Refuses to overwrite an existing gatekeeper.yml unless --force.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the configuration on stdout instead of writing gatekeeper.yml.
    #[arg(long)]
    pub stdout: bool,
    /// Overwrite an existing gatekeeper.yml.
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let path = repo.root().join(CONFIG_FILE);
    if !args.stdout && path.exists() && !args.force {
        return Err(
            Failure::usage(format!("`{}` already exists", path.display()))
                .with_hint("pass --force to replace it, or --stdout to see the conversion")
                .into(),
        );
    }
    let on_path = |program: &str| ctx.env.which(program).is_some();
    let import = crate::import::import(repo.root(), &on_path)?;
    let text = crate::import::render_config(&import);
    // What import writes must load: a failure here is gatekeeper's bug, not the user's.
    Config::from_bytes(text.as_bytes(), &path)
        .context("the imported configuration does not load")
        .map_err(|e| Failure::undecided(format!("{e:#}")))?;
    if args.stdout {
        if !ctx.printer.is_json() {
            ctx.printer.out(&text);
        }
    } else {
        crate::fsutil::write_atomic(&path, text.as_bytes())?;
    }
    if ctx.printer.is_json() {
        let written = (!args.stdout).then(|| path.display().to_string());
        ctx.printer
            .json(&serde_json::json!({"path": written, "import": import}))?;
        return Ok(ExitStatus::Success);
    }
    let mut s = String::new();
    if !args.stdout {
        s.push_str(&format!(
            "wrote {} from {}: {} gates, {} checkout jobs\n",
            path.display(),
            import.sources.join(", "),
            import.gates.len(),
            import.checkout.len()
        ));
    }
    for n in &import.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    for k in &import.skipped {
        s.push_str(&format!("not converted: {}: {}\n", k.source, k.reason));
    }
    if !args.stdout {
        s.push_str("next: review it, then `gatekeeper install`\n");
    }
    crate::output::err_line(s.trim_end());
    Ok(ExitStatus::Success)
}
