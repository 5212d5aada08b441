//! `gatekeeper doctor`: explain what is wrong with the installation.

use anyhow::{Context as _, Result};
use serde::Serialize;

use super::Context;
use crate::exit::ExitStatus;
use crate::hooks::HOOK_NAMES;
use crate::install;
use crate::trust::TrustStore;

/// Check the installation and explain each problem: missing or stale shims, a binary the
/// shims cannot find, an untrusted or invalid configuration, `core.hooksPath` pointing
/// elsewhere, user files left set aside by a killed run, whether agents can be sandboxed
/// here (a problem only when roles are configured), whether Codex will run gatekeeper's Codex
/// hooks (project and hooks trusted in `~/.codex/config.toml`), and for Gemini CLI, Copilot
/// CLI and Cursor hooks installed with `install --agent`, their entries and the agent's
/// folder trust. Exit 1 when anything is wrong.
#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(Serialize)]
struct Finding {
    ok: bool,
    check: String,
    detail: String,
    hint: Option<String>,
}

pub fn run(ctx: &Context, _args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    let mut findings = Vec::new();
    let mut add = |ok: bool, check: &str, detail: String, hint: Option<&str>| {
        findings.push(Finding {
            ok,
            check: check.into(),
            detail,
            hint: hint.map(str::to_owned),
        });
    };

    let binary = std::env::current_exe().context("failed to find the gatekeeper binary")?;
    let binary = binary.canonicalize().unwrap_or(binary);
    let hooks_dir = repo.hooks_dir();
    let default_dir = repo.common_dir().join("hooks");
    if let Some(setting) = repo.hooks_path_setting() {
        let ours_elsewhere = hooks_dir != default_dir
            && HOOK_NAMES
                .iter()
                .any(|h| std::fs::read(default_dir.join(h)).is_ok_and(|c| install::is_shim(&c)));
        if ours_elsewhere {
            add(
                false,
                "core.hooksPath",
                format!(
                    "core.hooksPath is `{setting}`, but gatekeeper's hooks are in `{}`: git does not run them",
                    default_dir.display()
                ),
                Some("run `gatekeeper install` again to put the hooks where git looks"),
            );
        } else {
            add(
                true,
                "core.hooksPath",
                format!("hooks are read from `{}`", hooks_dir.display()),
                None,
            );
        }
    }
    for hook in HOOK_NAMES {
        let path = hooks_dir.join(hook);
        match install::check_shim(&hooks_dir, hook, &binary) {
            None => add(
                true,
                hook,
                format!("shim installed at `{}`", path.display()),
                None,
            ),
            Some(problem) => add(false, hook, problem, Some("run `gatekeeper install`")),
        }
        if let Ok(text) = std::fs::read_to_string(&path)
            && install::is_shim(text.as_bytes())
        {
            {
                let recorded = install::shim_binary(&text).unwrap_or_default();
                let reachable = std::path::Path::new(&recorded).is_file()
                    || ctx.env.which("gatekeeper").is_some();
                if !reachable {
                    add(
                        false,
                        hook,
                        format!(
                            "the shim calls `{recorded}`, which does not exist, and gatekeeper is not on PATH: every {hook} will be blocked"
                        ),
                        Some("reinstall gatekeeper, then run `gatekeeper install`"),
                    );
                }
            }
        }
    }
    match ctx.config(&repo) {
        Ok(cfg) => {
            let detail = if cfg.gates.is_empty() {
                format!("`{}` is valid, but it has no gates", cfg.path.display())
            } else {
                format!("`{}` is valid", cfg.path.display())
            };
            add(true, "config", detail, None);
            if !ctx.env.is_ci() {
                let trusted =
                    TrustStore::for_user(&ctx.env)?.is_trusted(&repo.identity(), &cfg.sha256)?;
                if trusted {
                    add(true, "trust", "the configuration is trusted".into(), None);
                } else {
                    add(
                        false,
                        "trust",
                        format!(
                            "`{}` (sha256 {}) is not trusted: hooks will refuse to run it",
                            cfg.path.display(),
                            &cfg.sha256[..12]
                        ),
                        Some("review it, then run `gatekeeper trust`"),
                    );
                }
            }
        }
        Err(e) => add(
            false,
            "config",
            format!("{e:#}"),
            crate::exit::hint_of(&e).as_deref(),
        ),
    }
    // Gemini CLI, Copilot CLI, Cursor: each installed agent's hook entries and folder trust.
    for c in crate::agent::hook_files::doctor(repo.root(), &ctx.env) {
        add(c.ok, &c.check, c.detail, c.hint.as_deref());
    }
    // Whether Codex will run gatekeeper's hooks (only where they are installed for Codex).
    let main_root = repo.common_dir().parent().unwrap_or(repo.root());
    match crate::agent::codex_trust::check(&ctx.env, repo.root(), main_root) {
        Ok(None) => {}
        Ok(Some(r)) => match r.problem() {
            None => add(
                true,
                "codex",
                format!(
                    "Codex trusts this project and gatekeeper's {} hooks in `.codex/hooks.json`",
                    r.hooks.len()
                ),
                None,
            ),
            Some(problem) => {
                // The entries, indented under the hint line (blank lines left blank).
                let entries: Vec<String> = r
                    .toml_entries()
                    .lines()
                    .map(|l| {
                        if l.is_empty() {
                            String::new()
                        } else {
                            format!("          {l}")
                        }
                    })
                    .collect();
                let hint = format!(
                    "run `codex` here, trust the folder, then review and trust gatekeeper's hooks (`/hooks`); or add these entries to `{}`:\n{}",
                    r.config_file.display(),
                    entries.join("\n")
                );
                add(false, "codex", problem, Some(&hint));
            }
        },
        Err(e) => add(
            false,
            "codex",
            format!("cannot tell whether Codex runs gatekeeper's hooks: {e:#}"),
            Some("fix Codex's configuration, then run `gatekeeper doctor` again"),
        ),
    }
    // Whether `session run` can sandbox an agent here (a throw-away probe that creates
    // nothing in the work tree). A problem only where roles are configured.
    let uses_agents = ctx.config(&repo).is_ok_and(|c| !c.agents.roles.is_empty());
    let probe = super::sandbox::own_exe().and_then(|exe| {
        crate::sandbox::PreparedSandbox::minimal(repo.root())?.probe(&exe, repo.root())
    });
    match probe {
        Ok(report) => add(
            true,
            "sandbox",
            format!(
                "agents can be sandboxed here (Landlock ABI {}{})",
                report.landlock_abi,
                if report.mounts {
                    ", read-only mounts"
                } else {
                    "; read-only mounts are not permitted, so paths inside writable folders stay writable"
                }
            ),
            None,
        ),
        Err(e) => add(
            !uses_agents,
            "sandbox",
            format!("{e:#}"),
            Some("`gatekeeper session run` refuses to run agents here unless given --no-sandbox"),
        ),
    }
    let left = crate::git::stash::abandoned(&repo);
    if !left.is_empty() {
        add(
            false,
            "stash",
            format!(
                "{} set-aside of your files from a killed run is waiting in `{}`",
                left.len(),
                left[0].display()
            ),
            Some(
                "any gatekeeper hook restores it automatically; or run `gatekeeper hook pre-commit`",
            ),
        );
    }
    let kept = crate::git::stash::kept_folders(&repo);
    for (folder, _) in kept.iter().filter(|(_, killed)| *killed) {
        add(
            false,
            "kept",
            format!(
                "`{}` holds your versions of files that a killed gatekeeper run had set aside and that changed before they could be put back (each under its path in the work tree); nothing was overwritten: your newer version is in the work tree",
                folder.display()
            ),
            Some("compare them with your files, keep what you need, then delete the folder"),
        );
    }
    let during_runs = kept.iter().filter(|(_, killed)| !*killed).count();
    if during_runs > 0 {
        add(
            true,
            "kept",
            format!(
                "{during_runs} folder(s) under `{}` hold files that changed while gates ran (a gate's edit, or yours); the work tree was put back as it was",
                repo.state_dir().join("kept").display()
            ),
            None,
        );
    }

    let ok = findings.iter().all(|f| f.ok);
    if ctx.printer.is_json() {
        ctx.printer
            .json(&serde_json::json!({"ok": ok, "findings": findings}))?;
    } else {
        let mut s = String::new();
        for f in &findings {
            let mark = if f.ok { "ok     " } else { "PROBLEM" };
            s.push_str(&format!("{mark} {}: {}\n", f.check, f.detail));
            if let (false, Some(h)) = (f.ok, &f.hint) {
                s.push_str(&format!("        hint: {h}\n"));
            }
        }
        ctx.printer.out(&s);
    }
    Ok(if ok {
        ExitStatus::Success
    } else {
        ExitStatus::Refused
    })
}
