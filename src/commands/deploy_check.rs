//! `gatekeeper deploy-check`: glue from flags, config and environment to
//! [`crate::deploy::check`], and the rendering of its report.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::Result;

use super::Context;
use crate::config::deploy::RequiredCheck;
use crate::config::{CONFIG_FILE, Config, DeployConfig};
use crate::deploy::required::{self, AppPin};
use crate::deploy::{
    self, CheckLine, CheckVerdict, DeployCheckPlan, DeployReport, GithubSource, OwnJob, Requirement,
};
use crate::exit::{ExitStatus, Failure};
use crate::github::{ClientOptions, DEFAULT_API_URL, GithubClient, RepoSlug, Scrubber};
use crate::output::Style;

/// Refuse to deploy a commit that GitHub CI has not proven green.
///
/// Resolves REV to a full commit id locally, reads the commit's whole CI graph on GitHub
/// (workflow runs and their jobs, check suites, check runs, commit statuses) and the checks the
/// branch's rules require, and answers with its exit status: 0 green, 1 red (or no CI evidence
/// at all), 3 could not decide (auth, network, rate limit), 4 still pending when the wait ran
/// out. The token comes from GITHUB_TOKEN, GH_TOKEN or
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

    /// A check-run name or status context that must be green; `APP-SLUG/NAME` accepts only
    /// that app's check (repeatable; added to `deploy.github.required` and the branch's rules).
    #[arg(long = "require", value_name = "NAME", num_args = 1..)]
    pub require: Vec<String>,

    /// The branch whose rulesets and protection name the required checks (default:
    /// `deploy.github.branch`, else the repository's default branch).
    #[arg(long, value_name = "BRANCH")]
    pub branch: Option<String>,

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
    let wait = args
        .wait
        .or(config.wait.map(|d| d.0))
        .unwrap_or(Duration::ZERO);
    let poll = args
        .poll
        .or(config.poll.map(|d| d.0))
        .unwrap_or(DEFAULT_POLL);

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
    let scrubber = client.scrubber().clone();
    if !ctx.printer.is_json() {
        ctx.printer.note(&format!(
            "checking CI of {slug} at {sha} ({})",
            client.api_url()
        ));
    }
    let branch = args.branch.as_deref().map(|b| (b, "--branch")).or_else(|| {
        config
            .github
            .branch
            .as_deref()
            .map(|b| (b, "gatekeeper.yml"))
    });
    let rules_deadline = std::time::Instant::now() + wait;
    let rules = required::read_branch_rules(&client, &slug, branch, rules_deadline)?;
    if !ctx.printer.is_json() {
        ctx.printer.note(&scrubber.scrub(&rules.summary()));
    }
    let required = required::merge(
        args.require
            .iter()
            .map(|r| Requirement::parse(r, "--require"))
            .chain(config.github.required.iter().map(|r| match r {
                RequiredCheck::Text(t) => Requirement::parse(t, CONFIG_FILE),
                RequiredCheck::Entry(e) => Requirement {
                    name: e.name.clone(),
                    app: e.app.as_deref().map(AppPin::parse),
                    from: vec![CONFIG_FILE.to_owned()],
                },
            }))
            .chain(rules.requirements.iter().cloned()),
    );
    let plan = DeployCheckPlan {
        repo: slug.clone(),
        sha: sha.clone(),
        required,
        rules,
        wait,
        poll,
        own: own_job(ctx, &slug),
    };
    let mut source = GithubSource {
        client: &client,
        repo: &slug,
        sha: &sha,
    };
    let printer = &ctx.printer;
    let report = deploy::check(&mut source, &plan, client.api_url(), &mut |v, pause| {
        printer.note(&scrubber.scrub(&format!(
            "pending: {}; asking again in {}",
            v.reason,
            crate::output::human_duration(pause)
        )));
    })?;
    render(ctx, &report, &scrubber)?;
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

/// Inside GitHub Actions, the job executing deploy-check, when its run belongs to the
/// repository being checked (a run id means nothing in another repository).
fn own_job(ctx: &Context, slug: &RepoSlug) -> Option<OwnJob> {
    if ctx.env.get("GITHUB_ACTIONS") != Some("true") {
        return None;
    }
    let run_id = ctx.env.non_empty("GITHUB_RUN_ID")?.trim().parse().ok()?;
    if let Some(r) = ctx.env.non_empty("GITHUB_REPOSITORY")
        && !r.eq_ignore_ascii_case(&slug.to_string())
    {
        return None;
    }
    let number = |name: &str| ctx.env.non_empty(name).and_then(|v| v.trim().parse().ok());
    Some(OwnJob {
        run_id,
        attempt: number("GITHUB_RUN_ATTEMPT"),
        check_run_id: number("GATEKEEPER_CHECK_RUN_ID"),
        runner_name: ctx.env.non_empty("RUNNER_NAME").map(str::to_owned),
    })
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

/// Prints the report. Everything printed passes through the scrubber: server-provided text
/// (names, descriptions, URLs, messages) could carry the token in any encoding.
fn render(ctx: &Context, report: &DeployReport, scrubber: &Scrubber) -> Result<()> {
    let p = &ctx.printer;
    if p.is_json() {
        let text = serde_json::to_string_pretty(report)?;
        let value: serde_json::Value = serde_json::from_str(&scrubber.scrub(&text))?;
        return p.json(&value);
    }
    let mut out = String::new();
    let verbose = p.verbose > 0;
    let graph = &report.graph;
    for w in &graph.workflows {
        let mut title = format!("workflow {}", w.name);
        if let Some(path) = &w.path {
            title.push_str(&format!(" ({path})"));
        }
        if let Some(a) = w.attempt.filter(|a| *a > 1) {
            title.push_str(&format!(", attempt {a}"));
        }
        let head = CheckLine {
            kind: deploy::CheckKind::WorkflowRun,
            name: title,
            app: None,
            state: if w.this_run {
                format!("{} (this run)", w.state)
            } else {
                w.state.clone()
            },
            verdict: w.verdict,
            url: w.url.clone(),
            note: w.note.clone(),
        };
        out.push_str(&line(p, &head, 0, verbose));
        for job in &w.jobs {
            out.push_str(&line(p, job, 1, verbose));
        }
    }
    for s in &graph.suites {
        let head = CheckLine {
            kind: deploy::CheckKind::CheckSuite,
            name: format!(
                "suite {}{}",
                s.id.map(|i| i.to_string()).unwrap_or_default(),
                s.app
                    .as_deref()
                    .map(|a| format!(" of {a}"))
                    .unwrap_or_default()
            ),
            app: None,
            state: s.state.clone(),
            verdict: s.verdict,
            url: None,
            note: s.note.clone(),
        };
        if verbose || s.verdict != CheckVerdict::Ignored || !s.checks.is_empty() {
            out.push_str(&line(p, &head, 0, verbose));
        }
        for c in &s.checks {
            out.push_str(&line(p, c, 1, verbose));
        }
    }
    for st in &graph.statuses {
        out.push_str(&line(p, st, 0, verbose));
    }
    for r in &graph.required {
        let name = match &r.app {
            Some(app) => format!("{} from {app}", r.name),
            None => r.name.clone(),
        };
        let mut note = format!("required by {}", r.from.join(", "));
        if let Some(n) = &r.note {
            note.push_str(&format!("; {n}"));
        }
        let req = CheckLine {
            kind: deploy::CheckKind::Required,
            name,
            app: None,
            state: if r.matched.is_empty() {
                "not reported".into()
            } else {
                r.matched.join(", ")
            },
            verdict: r.verdict,
            url: None,
            note: Some(note),
        };
        out.push_str(&line(p, &req, 0, true));
    }
    if verbose {
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
    p.out(&scrubber.scrub(&out));
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

/// One line of the tree: the verdict, the node, its state, and (verbose, or when it is not a
/// pass) why and where.
fn line(p: &crate::output::Printer, c: &CheckLine, depth: usize, verbose: bool) -> String {
    let (word, style) = match c.verdict {
        CheckVerdict::Pass => ("pass", Style::Green),
        CheckVerdict::Fail => ("FAIL", Style::Red),
        CheckVerdict::Pending => ("pending", Style::Yellow),
        CheckVerdict::Missing => ("missing", Style::Yellow),
        CheckVerdict::Ignored => ("ignored", Style::Dim),
    };
    let indent = "  ".repeat(depth);
    let kind = if depth > 0 { "job" } else { c.kind.as_str() };
    let mut text = format!(
        "{}  {indent}{:<12} {}",
        p.paint(style, &format!("{word:<7}")),
        kind,
        c.name
    );
    if let Some(app) = &c.app {
        text.push_str(&format!(" [{app}]"));
    }
    text.push_str(&format!("  {}", c.state));
    if let Some(note) = &c.note
        && (verbose || c.verdict != CheckVerdict::Pass)
    {
        text.push_str(&format!(" — {note}"));
    }
    if let Some(url) = &c.url {
        text.push_str(&format!("  {url}"));
    }
    text.push('\n');
    text
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
