//! `gatekeeper deploy-check`: glue from flags, config and environment to
//! [`crate::deploy::check`], and the rendering of its report.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::Result;

use super::Context;
use crate::config::{CONFIG_FILE, Config, DeployConfig};
use crate::deploy::{self, CheckVerdict, DeployCheckPlan, DeployReport, GithubSource};
use crate::exit::{ExitStatus, Failure};
use crate::github::{ClientOptions, DEFAULT_API_URL, GithubClient, RepoSlug};
use crate::output::Style;

/// Refuse to deploy a commit that GitHub CI has not proven green.
///
/// Resolves REV to a full commit id locally, reads every check run, commit status, check suite
/// and workflow run GitHub has for that exact commit, and answers with its exit status:
/// 0 green, 1 red (or no CI evidence at all), 3 could not decide (auth, network, rate limit),
/// 4 still pending when the wait ran out. The token comes from GITHUB_TOKEN, GH_TOKEN or
/// `gh auth token`; the API root from --api-url, `deploy.github.api_url`, GITHUB_API_URL.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The commit to check; resolved locally to a full SHA (a branch name is never sent).
    #[arg(long = "ref", value_name = "REV", default_value = "HEAD")]
    pub rev: String,

    /// The GitHub repository (default: `deploy.github.repo`, else the `origin` remote).
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,

    /// How long to wait for pending checks, e.g. `15m` (default: `deploy.wait`, else 0: decide now).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub wait: Option<Duration>,

    /// How long to pause between polls while waiting (default: `deploy.poll`, else 20s).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub poll: Option<Duration>,

    /// A check-run name or status context that must be green (repeatable; replaces
    /// `deploy.github.required`).
    #[arg(long = "require", value_name = "NAME", num_args = 1..)]
    pub require: Vec<String>,

    /// The GitHub REST API root (GitHub Enterprise: https://HOST/api/v3).
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,

    /// The longest a single API request may take.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "30s")]
    pub request_timeout: Duration,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    crate::config::parse_duration(text)
}

/// How long `gh auth token` may take before it is given up on.
const GH_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_POLL: Duration = Duration::from_secs(20);

pub fn run(ctx: &Context, args: &Args) -> Result<ExitStatus> {
    let repo = ctx.repo()?;
    // deploy-check runs no configured command, so it needs no trust, and a repository without
    // `gatekeeper.yml` simply has no deploy settings.
    let config = if repo.root().join(CONFIG_FILE).exists() {
        ctx.config(&repo)?.config.deploy
    } else {
        Config::default().deploy
    };
    let sha = repo.resolve_commit(&args.rev)?.to_string();
    let slug = target_repo(args, &config, &repo)?;
    let api_url = args
        .api_url
        .clone()
        .or_else(|| config.github.api_url.clone())
        .or_else(|| ctx.env.non_empty("GITHUB_API_URL").map(str::to_owned))
        .unwrap_or_else(|| DEFAULT_API_URL.to_owned());
    let required = if args.require.is_empty() {
        config.github.required.0.clone()
    } else {
        args.require.clone()
    };
    let plan = DeployCheckPlan {
        repo: slug.clone(),
        sha: sha.clone(),
        required,
        wait: args
            .wait
            .or(config.wait.map(|d| d.0))
            .unwrap_or(Duration::ZERO),
        poll: args
            .poll
            .or(config.poll.map(|d| d.0))
            .unwrap_or(DEFAULT_POLL),
        own_run_id: own_run_id(ctx, &slug),
    };

    let token = token(ctx);
    if token.is_none() {
        ctx.printer.warn(
            "no GitHub token found (GITHUB_TOKEN, GH_TOKEN, `gh auth token`); asking anonymously",
        );
    }
    let client = GithubClient::new(&ClientOptions {
        api_url: api_url.clone(),
        token,
        request_timeout: args.request_timeout,
    })?;
    let mut source = GithubSource {
        client: &client,
        repo: &slug,
        sha: &sha,
    };
    if !ctx.printer.is_json() {
        ctx.printer.note(&format!(
            "checking CI of {slug} at {sha} ({})",
            client.api_url()
        ));
    }
    let printer = &ctx.printer;
    let report = deploy::check(&mut source, &plan, client.api_url(), &mut |v, pause| {
        printer.note(&format!(
            "pending: {}; asking again in {}",
            v.reason,
            crate::output::human_duration(pause)
        ));
    })?;
    render(ctx, &report)?;
    Ok(report.exit_status())
}

/// `--repo`, then `deploy.github.repo`, then the `origin` remote.
fn target_repo(args: &Args, config: &DeployConfig, repo: &crate::git::Repo) -> Result<RepoSlug> {
    if let Some(text) = args.repo.as_deref() {
        return RepoSlug::parse(text).map_err(|e| Failure::usage(format!("--repo: {e}")).into());
    }
    if let Some(text) = config.github.repo.as_deref() {
        return RepoSlug::parse(text)
            .map_err(|e| Failure::usage(format!("{CONFIG_FILE}: deploy.github.repo: {e}")).into());
    }
    let url = repo.remote_url("origin").ok_or_else(|| {
        Failure::usage("no GitHub repository to check: there is no `origin` remote")
            .with_hint("pass --repo OWNER/NAME or set deploy.github.repo in gatekeeper.yml")
    })?;
    deploy::slug_from_remote(&url).ok_or_else(|| {
        Failure::usage(format!(
            "cannot read OWNER/NAME from the `origin` remote `{}`",
            redact_userinfo(&url)
        ))
        .with_hint("pass --repo OWNER/NAME or set deploy.github.repo in gatekeeper.yml")
        .into()
    })
}

/// A remote URL without any `user:password@` part (CI often embeds a token there).
fn redact_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://{host}/{path}"),
        None => url.to_owned(),
    }
}

/// Inside GitHub Actions, the run executing deploy-check, when it belongs to the repository
/// being checked (a run id means nothing in another repository).
fn own_run_id(ctx: &Context, slug: &RepoSlug) -> Option<u64> {
    if ctx.env.get("GITHUB_ACTIONS") != Some("true") {
        return None;
    }
    let run_id = ctx.env.non_empty("GITHUB_RUN_ID")?.trim().parse().ok()?;
    match ctx.env.non_empty("GITHUB_REPOSITORY") {
        Some(r) if !r.eq_ignore_ascii_case(&slug.to_string()) => None,
        _ => Some(run_id),
    }
}

/// GITHUB_TOKEN, then GH_TOKEN, then `gh auth token` when gh is installed.
fn token(ctx: &Context) -> Option<String> {
    for name in ["GITHUB_TOKEN", "GH_TOKEN"] {
        if let Some(t) = ctx.env.non_empty(name) {
            return Some(t.trim().to_owned());
        }
    }
    ctx.env.which("gh")?;
    let cmd = crate::process::ShellCommand {
        script: "gh auth token 2>/dev/null".into(),
        dir: ctx.cwd.clone(),
        env: Vec::new(),
        timeout: GH_TIMEOUT,
        stdin: None,
        capture: true,
    };
    let done = crate::process::run_shell(&cmd, &AtomicBool::new(false)).ok()?;
    if !done.ending.success() {
        return None;
    }
    let text = String::from_utf8(done.output).ok()?;
    let t = text.trim();
    (!t.is_empty() && !t.contains(char::is_whitespace)).then(|| t.to_owned())
}

fn render(ctx: &Context, report: &DeployReport) -> Result<()> {
    let p = &ctx.printer;
    if p.is_json() {
        return p.json(report);
    }
    let mut out = String::new();
    for c in &report.checks {
        let (word, style) = match c.verdict {
            CheckVerdict::Pass => ("pass", Style::Green),
            CheckVerdict::Fail => ("FAIL", Style::Red),
            CheckVerdict::Pending => ("pending", Style::Yellow),
            CheckVerdict::Missing => ("missing", Style::Yellow),
            CheckVerdict::Ignored => ("ignored", Style::Dim),
        };
        let mut line = format!(
            "{}  {:<12} {}",
            p.paint(style, &format!("{word:<7}")),
            c.kind.as_str(),
            c.name
        );
        if let Some(app) = &c.app {
            line.push_str(&format!(" [{app}]"));
        }
        line.push_str(&format!("  {}", c.state));
        if let Some(note) = &c.note {
            line.push_str(&format!(" — {note}"));
        }
        if let Some(url) = &c.url {
            line.push_str(&format!("  {url}"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    if p.verbose > 0 {
        for e in &report.excluded {
            out.push_str(&format!("{}  {e}\n", p.paint(Style::Dim, "excluded")));
        }
    }
    let (word, style) = match report.verdict {
        deploy::Overall::Green => ("green", Style::Green),
        deploy::Overall::Red => ("red", Style::Red),
        deploy::Overall::Pending => ("pending", Style::Yellow),
    };
    out.push_str(&format!(
        "{}: {} ({} at {})\n",
        p.paint(style, word),
        report.reason,
        report.repo,
        &report.sha
    ));
    p.out(&out);
    if report.no_evidence {
        p.note(
            "hint: nothing reported CI results for this exact commit; if CI runs only on pull requests, \
             the merge commit on the default branch has no checks, so run CI on push as well",
        );
    }
    if report.verdict == deploy::Overall::Pending {
        p.note("hint: CI had not finished when the wait ran out; a longer --wait (or deploy.wait) waits for it");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redact_userinfo;

    #[test]
    fn userinfo_is_redacted() {
        assert_eq!(
            redact_userinfo("https://x:secret@github.com/o/n"),
            "https://github.com/o/n"
        );
        assert_eq!(
            redact_userinfo("https://github.com/o/n@x"),
            "https://github.com/o/n@x"
        );
    }
}
