//! The only module that talks to the network: GitHub's REST API, read through octocrab on a
//! private current-thread tokio runtime behind a blocking API, with gatekeeper's own response
//! types and its own bounded retry policy.
//!
//! octocrab is used as the transport (base URI, auth header, TLS, timeouts) and nothing more:
//! its check-run model has no `status` and no `app`, its combined-status method takes a ref
//! rather than a SHA, and its error type drops the status code and headers of a non-JSON error
//! body. So every request goes through `Octocrab::_get`, which hands back the raw response, and
//! the status, the rate-limit headers and the body are judged here.
//!
//! **Invariant:** the token never appears in anything this module returns; every piece of
//! server-provided text is scrubbed of it before it reaches an error message.

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::exit::Failure;

/// The public API root, used when nothing else names one.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// GitHub's page-size ceiling.
const PER_PAGE: usize = 100;
/// Pages read per list before giving up: 100 pages of 100 is far past anything real, and a
/// server that keeps saying "next" forever must not keep a deploy waiting forever.
const MAX_PAGES: u32 = 100;
/// How often a rate-limited request is retried (each retry waits as long as GitHub asks).
const MAX_RATE_LIMIT_RETRIES: u32 = 3;
/// Back-off before each retry of a transient failure (5xx, connection error, timeout).
const TRANSIENT_BACKOFF: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(2)];
/// GitHub's cap on workflow runs per `head_sha` and on the suites whose check runs it lists.
const GITHUB_LIST_CAP: usize = 1000;
/// Earlier attempts of one workflow run read at most: a run re-run more often than this is
/// judged on the suites of the attempts read (an older attempt's leftovers then count as
/// separate checks, which can only make the verdict stricter).
const MAX_ATTEMPTS: u64 = 20;
/// GitHub's advice for a secondary rate limit without `retry-after`: wait at least a minute.
const SECONDARY_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// The permissions a token needs for `deploy-check`, named in every access error.
pub const NEEDED_PERMISSIONS: &str = "checks: read, statuses: read, actions: read";

/// `owner/name` of a repository on GitHub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub struct RepoSlug {
    pub owner: String,
    pub name: String,
}

impl RepoSlug {
    /// Parses `owner/name`, refusing anything that could escape the URL path.
    pub fn parse(text: &str) -> Result<RepoSlug, String> {
        let t = text.trim();
        let (owner, name) = t
            .split_once('/')
            .ok_or_else(|| format!("`{t}` is not of the form OWNER/NAME"))?;
        let name = name.strip_suffix(".git").unwrap_or(name);
        let ok = |s: &str| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        if !ok(owner) || !ok(name) {
            return Err(format!("`{t}` is not of the form OWNER/NAME"));
        }
        Ok(RepoSlug {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }
}

impl fmt::Display for RepoSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl From<RepoSlug> for String {
    fn from(r: RepoSlug) -> String {
        r.to_string()
    }
}

/// The GitHub App that owns a check run or suite.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct AppRef {
    pub id: Option<u64>,
    pub slug: Option<String>,
    pub name: Option<String>,
}

/// The suite a check run belongs to.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct SuiteRef {
    pub id: u64,
}

/// One check run. `status` and `conclusion` stay strings: GitHub's own schemas disagree on
/// their values (`stale`, `waiting`, `requested`), so unknown values are mapped explicitly by
/// the verdict, never rejected by the parser.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct CheckRun {
    pub id: u64,
    pub name: String,
    pub status: String,
    pub conclusion: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub app: Option<AppRef>,
    #[serde(default)]
    pub check_suite: Option<SuiteRef>,
}

/// One commit status (the latest for its context, as the combined status lists them).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct CommitStatus {
    #[serde(default)]
    pub id: Option<u64>,
    pub context: String,
    pub state: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub target_url: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// One check suite.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct CheckSuite {
    pub id: u64,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub app: Option<AppRef>,
    #[serde(default)]
    pub latest_check_runs_count: Option<u64>,
}

/// One GitHub Actions workflow run.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct WorkflowRun {
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub workflow_id: Option<u64>,
    #[serde(default)]
    pub run_attempt: Option<u64>,
    #[serde(default)]
    pub check_suite_id: Option<u64>,
    #[serde(default)]
    pub html_url: Option<String>,
}

/// One job of a workflow run (`GET /actions/runs/{id}/attempts/{n}/jobs`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct WorkflowJob {
    pub id: u64,
    #[serde(default)]
    pub run_id: Option<u64>,
    #[serde(default)]
    pub run_attempt: Option<u64>,
    pub name: String,
    pub status: String,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub check_run_url: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub runner_name: Option<String>,
}

impl WorkflowJob {
    /// The id of the check run that reports this job: the last segment of `check_run_url`
    /// (GitHub gives a job and its check run the same id, which is the fallback).
    pub fn check_run_id(&self) -> u64 {
        self.check_run_url
            .as_deref()
            .and_then(|u| u.rsplit('/').next())
            .and_then(|id| id.parse().ok())
            .unwrap_or(self.id)
    }
}

/// A check suite that an earlier attempt of a workflow run reported into.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct EarlierAttempt {
    pub check_suite_id: u64,
    pub run_id: u64,
    pub run_attempt: u64,
}

/// One required status check named by a branch rule: a context and, optionally, the GitHub App
/// that must report it (`integration_id` in rulesets, `app_id` in classic protection).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCheck {
    pub context: String,
    pub app_id: Option<u64>,
}

/// A read that GitHub may refuse for ordinary reasons (no protection, a token without the
/// permission): the refusal is data, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readable<T> {
    Read(T),
    Refused { status: u16, message: String },
}

/// Everything GitHub can say about one commit's CI.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CommitEvidence {
    /// Every check run, all attempts (`filter=all`); de-duplication is the verdict's job.
    pub check_runs: Vec<CheckRun>,
    /// The latest status per context.
    pub statuses: Vec<CommitStatus>,
    pub suites: Vec<CheckSuite>,
    pub workflow_runs: Vec<WorkflowRun>,
    /// The suites of the earlier attempts of re-run workflow runs: what they hold is
    /// superseded by the run's latest attempt, check by check.
    pub earlier_attempts: Vec<EarlierAttempt>,
}

/// How to reach GitHub.
#[derive(Clone)]
pub struct ClientOptions {
    /// The API root, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`.
    pub api_url: String,
    pub token: Option<String>,
    /// The longest one request (connect, headers and body) may take.
    pub request_timeout: Duration,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Hand-written so that no `{:?}` can ever print the token.
        f.debug_struct("ClientOptions")
            .field("api_url", &self.api_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

/// A blocking GitHub REST client.
pub struct GithubClient {
    runtime: tokio::runtime::Runtime,
    crab: octocrab::Octocrab,
    api_url: String,
    token: Option<String>,
    scrubber: Scrubber,
    request_timeout: Duration,
}

impl GithubClient {
    pub fn new(options: &ClientOptions) -> Result<GithubClient> {
        if let Some(t) = &options.token {
            // octocrab parses the header value with `unwrap`; refuse here with a message
            // instead of panicking there (and never echo the value).
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Failure::usage(
                    "the GitHub token contains characters that cannot be sent in an HTTP header",
                )
                .with_hint("check GITHUB_TOKEN / GH_TOKEN for stray spaces, quotes or line breaks")
                .into());
            }
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("failed to start the async runtime for GitHub requests")?;
        let api_url = options.api_url.trim_end_matches('/').to_owned();
        // octocrab spawns its request buffer on the current runtime while it is built.
        let guard = runtime.enter();
        // Without the `retry` feature octocrab has no retry layer at all: every retry is
        // decided by `get_json` below, bounded by the caller's deadline.
        let mut builder = octocrab::Octocrab::builder()
            .base_uri(api_url.as_str())
            .map_err(|e| Failure::usage(format!("invalid GitHub API URL `{api_url}`: {e}")))?
            .set_connect_timeout(Some(options.request_timeout))
            .set_read_timeout(Some(options.request_timeout))
            .set_write_timeout(Some(options.request_timeout));
        if let Some(token) = &options.token {
            builder = builder.personal_token(token.clone());
        }
        // Conditional requests: while polling, an unchanged list comes back as a 304, which
        // does not count against the primary rate limit; octocrab serves the stored body.
        let builder =
            builder.cache(octocrab::service::middleware::cache::mem::InMemoryCache::new());
        let crab = builder.build().map_err(|e| {
            anyhow::anyhow!("failed to set up the GitHub client: {}", error_chain(&e))
        })?;
        drop(guard);
        Ok(GithubClient {
            runtime,
            crab,
            api_url,
            token: options.token.clone(),
            scrubber: Scrubber::new(options.token.as_deref()),
            request_timeout: options.request_timeout,
        })
    }

    /// The API root requests go to.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// Reads check runs (all attempts, all pages), commit statuses, check suites and workflow
    /// runs for one commit. Retries stop before `deadline`.
    pub fn commit_evidence(
        &self,
        repo: &RepoSlug,
        sha: &str,
        deadline: Instant,
    ) -> Result<CommitEvidence> {
        // A branch or tag name can move between this check and the deploy; only a full
        // commit id (SHA-1, or SHA-256 in a sha256 repository) names what is deployed.
        if !matches!(sha.len(), 40 | 64) || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Failure::usage(format!("`{sha}` is not a full commit id")).into());
        }
        let base = format!("/repos/{}/{}", repo.owner, repo.name);
        self.runtime.block_on(async {
            let check_runs = self
                .get_all(
                    &format!("{base}/commits/{sha}/check-runs"),
                    &[("filter", "all")],
                    "check_runs",
                    deadline,
                )
                .await?;
            let statuses = self
                .get_all(
                    &format!("{base}/commits/{sha}/status"),
                    &[],
                    "statuses",
                    deadline,
                )
                .await?;
            let suites = self
                .get_all(
                    &format!("{base}/commits/{sha}/check-suites"),
                    &[],
                    "check_suites",
                    deadline,
                )
                .await?;
            let workflow_runs = self
                .get_all(
                    &format!("{base}/actions/runs"),
                    &[("head_sha", sha)],
                    "workflow_runs",
                    deadline,
                )
                .await?;
            // Both lists are capped by GitHub at 1,000 (runs for one head_sha; check runs of
            // the 1,000 most recent suites): a list that reaches the cap may be incomplete.
            if workflow_runs.len() >= GITHUB_LIST_CAP || suites.len() >= GITHUB_LIST_CAP {
                return Err(Failure::undecided(format!(
                    "GitHub lists at most {GITHUB_LIST_CAP} workflow runs and check suites for one commit, and this commit \
                     has {} runs and {} suites: the evidence may be incomplete, so no verdict",
                    workflow_runs.len(),
                    suites.len()
                ))
                .into());
            }
            let earlier_attempts = self
                .earlier_attempts(&base, &workflow_runs, deadline)
                .await?;
            Ok(CommitEvidence {
                check_runs,
                statuses,
                suites,
                workflow_runs,
                earlier_attempts,
            })
        })
    }

    /// For every workflow run past its first attempt, the suites its earlier attempts reported
    /// into (`GET /actions/runs/{id}/attempts/{n}`), so that a re-run is recognised by the
    /// run's identity and never by a check's name.
    async fn earlier_attempts(
        &self,
        base: &str,
        runs: &[WorkflowRun],
        deadline: Instant,
    ) -> Result<Vec<EarlierAttempt>> {
        let mut out = Vec::new();
        for run in runs {
            let latest = run.run_attempt.unwrap_or(1);
            for attempt in 1..latest.min(MAX_ATTEMPTS + 1) {
                let path = format!("{base}/actions/runs/{}/attempts/{attempt}", run.id);
                let (value, _) = self.get_json(&path, &[], deadline).await?;
                let earlier: WorkflowRun = serde_json::from_value(value)
                    .map_err(|e| self.malformed(&path, &e.to_string()))?;
                if let Some(suite) = earlier.check_suite_id
                    && Some(suite) != run.check_suite_id
                {
                    out.push(EarlierAttempt {
                        check_suite_id: suite,
                        run_id: run.id,
                        run_attempt: attempt,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The jobs of one attempt of a workflow run (all of them: every page).
    pub fn run_jobs(
        &self,
        repo: &RepoSlug,
        run_id: u64,
        attempt: Option<u64>,
        deadline: Instant,
    ) -> Result<Vec<WorkflowJob>> {
        let base = format!("/repos/{}/{}/actions/runs/{run_id}", repo.owner, repo.name);
        let path = match attempt {
            Some(n) => format!("{base}/attempts/{n}/jobs"),
            None => format!("{base}/jobs"),
        };
        self.runtime
            .block_on(async { self.get_all(&path, &[], "jobs", deadline).await })
    }

    /// The repository's default branch (`GET /repos/{o}/{r}`).
    pub fn default_branch(&self, repo: &RepoSlug, deadline: Instant) -> Result<Readable<String>> {
        let path = format!("/repos/{}/{}", repo.owner, repo.name);
        self.runtime.block_on(async {
            match self.get_json_or_refusal(&path, &[], deadline).await? {
                Readable::Read((value, _)) => match value
                    .get("default_branch")
                    .and_then(serde_json::Value::as_str)
                {
                    Some(b) => Ok(Readable::Read(b.to_owned())),
                    None => Err(self.malformed(&path, "the body has no `default_branch`")),
                },
                Readable::Refused { status, message } => Ok(Readable::Refused { status, message }),
            }
        })
    }

    /// The required status checks of every active ruleset rule for `branch`
    /// (`GET /repos/{o}/{r}/rules/branches/{branch}`, every page).
    pub fn ruleset_checks(
        &self,
        repo: &RepoSlug,
        branch: &str,
        deadline: Instant,
    ) -> Result<Readable<Vec<RuleCheck>>> {
        #[derive(Deserialize)]
        struct Rule {
            #[serde(rename = "type")]
            kind: String,
            #[serde(default)]
            parameters: Option<serde_json::Value>,
        }
        #[derive(Deserialize)]
        struct Param {
            context: String,
            #[serde(default)]
            integration_id: Option<i64>,
        }
        let path = format!(
            "/repos/{}/{}/rules/branches/{}",
            repo.owner,
            repo.name,
            encode_path_segment(branch)
        );
        let rules: Vec<Rule> = match self.runtime.block_on(self.get_all_array(&path, deadline))? {
            Readable::Read(rules) => rules,
            Readable::Refused { status, message } => {
                return Ok(Readable::Refused { status, message });
            }
        };
        let mut out = Vec::new();
        for rule in rules.iter().filter(|r| r.kind == "required_status_checks") {
            let list = rule
                .parameters
                .as_ref()
                .and_then(|p| p.get("required_status_checks"))
                .cloned()
                .unwrap_or(serde_json::Value::Array(Vec::new()));
            let params: Vec<Param> = serde_json::from_value(list)
                .map_err(|e| self.malformed(&path, &format!("`required_status_checks`: {e}")))?;
            for p in params {
                out.push(RuleCheck {
                    context: p.context,
                    app_id: p.integration_id.and_then(|i| u64::try_from(i).ok()),
                });
            }
        }
        Ok(Readable::Read(out))
    }

    /// The required status checks of classic branch protection
    /// (`GET /repos/{o}/{r}/branches/{branch}/protection/required_status_checks`). GitHub
    /// answers 404 both when the branch is not protected and when the token may not see it.
    pub fn protection_checks(
        &self,
        repo: &RepoSlug,
        branch: &str,
        deadline: Instant,
    ) -> Result<Readable<Vec<RuleCheck>>> {
        #[derive(Deserialize)]
        struct Check {
            context: String,
            #[serde(default)]
            app_id: Option<i64>,
        }
        #[derive(Deserialize)]
        struct Policy {
            #[serde(default)]
            contexts: Vec<String>,
            #[serde(default)]
            checks: Vec<Check>,
        }
        let path = format!(
            "/repos/{}/{}/branches/{}/protection/required_status_checks",
            repo.owner,
            repo.name,
            encode_path_segment(branch)
        );
        self.runtime.block_on(async {
            let (value, _) = match self.get_json_or_refusal(&path, &[], deadline).await? {
                Readable::Read(v) => v,
                Readable::Refused { status, message } => {
                    return Ok(Readable::Refused { status, message });
                }
            };
            let policy: Policy =
                serde_json::from_value(value).map_err(|e| self.malformed(&path, &e.to_string()))?;
            let mut out: Vec<RuleCheck> = policy
                .checks
                .into_iter()
                .map(|c| RuleCheck {
                    context: c.context,
                    // `-1` (or nothing) means any app may report the check.
                    app_id: c.app_id.and_then(|i| u64::try_from(i).ok()),
                })
                .collect();
            for context in policy.contexts {
                if !out.iter().any(|c| c.context == context) {
                    out.push(RuleCheck {
                        context,
                        app_id: None,
                    });
                }
            }
            Ok(Readable::Read(out))
        })
    }

    /// One workflow run by id (used to find the run that is executing gatekeeper).
    pub fn workflow_run(
        &self,
        repo: &RepoSlug,
        run_id: u64,
        deadline: Instant,
    ) -> Result<WorkflowRun> {
        let path = format!("/repos/{}/{}/actions/runs/{run_id}", repo.owner, repo.name);
        self.runtime.block_on(async {
            let (value, _) = self.get_json(&path, &[], deadline).await?;
            serde_json::from_value(value).map_err(|e| self.malformed(&path, &e.to_string()))
        })
    }

    /// Reads every page of a list endpoint whose body is `{total_count, KEY: [...]}`.
    async fn get_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        key: &str,
        deadline: Instant,
    ) -> Result<Vec<T>> {
        let mut items: Vec<T> = Vec::new();
        for page in 1..=MAX_PAGES {
            let per_page = PER_PAGE.to_string();
            let page_text = page.to_string();
            let mut q: Vec<(&str, &str)> = query.to_vec();
            q.push(("per_page", &per_page));
            q.push(("page", &page_text));
            let (mut body, link) = self.get_json(path, &q, deadline).await?;
            let total = body.get("total_count").and_then(serde_json::Value::as_u64);
            let Some(list @ serde_json::Value::Array(_)) =
                body.get_mut(key).map(serde_json::Value::take)
            else {
                return Err(self.malformed(path, &format!("the body has no `{key}` list")));
            };
            let batch: Vec<T> = serde_json::from_value(list)
                .map_err(|e| self.malformed(path, &format!("`{key}`: {e}")))?;
            let got = batch.len();
            items.extend(batch);
            let more = match link {
                Some(link) => has_next_link(&link),
                // Without a Link header, trust total_count, and a full page as a fallback.
                None => total.map_or(got == PER_PAGE, |t| (items.len() as u64) < t) && got > 0,
            };
            if !more {
                return Ok(items);
            }
        }
        Err(Failure::undecided(format!(
            "GitHub kept paginating {path} past {MAX_PAGES} pages; refusing to decide on a partial list"
        ))
        .into())
    }

    /// Reads every page of a list endpoint whose body is a bare array; a 403 or 404 is handed
    /// back as a refusal.
    async fn get_all_array<T: DeserializeOwned>(
        &self,
        path: &str,
        deadline: Instant,
    ) -> Result<Readable<Vec<T>>> {
        let mut items: Vec<T> = Vec::new();
        for page in 1..=MAX_PAGES {
            let per_page = PER_PAGE.to_string();
            let page_text = page.to_string();
            let q = [
                ("per_page", per_page.as_str()),
                ("page", page_text.as_str()),
            ];
            let (body, link) = match self.get_json_or_refusal(path, &q, deadline).await? {
                Readable::Read(got) => got,
                Readable::Refused { status, message } => {
                    return Ok(Readable::Refused { status, message });
                }
            };
            let serde_json::Value::Array(list) = body else {
                return Err(self.malformed(path, "the body is not a list"));
            };
            let got = list.len();
            let batch: Vec<T> = serde_json::from_value(serde_json::Value::Array(list))
                .map_err(|e| self.malformed(path, &e.to_string()))?;
            items.extend(batch);
            let more = match link {
                Some(link) => has_next_link(&link),
                None => got == PER_PAGE,
            };
            if !more {
                return Ok(Readable::Read(items));
            }
        }
        Err(Failure::undecided(format!(
            "GitHub kept paginating {path} past {MAX_PAGES} pages; refusing to decide on a partial list"
        ))
        .into())
    }

    /// [`Self::get_json`], except that a plain 403 or 404 (not a rate limit) comes back as a
    /// refusal with GitHub's message instead of an error.
    async fn get_json_or_refusal(
        &self,
        path: &str,
        query: &[(&str, &str)],
        deadline: Instant,
    ) -> Result<Readable<(serde_json::Value, Option<String>)>> {
        match self.get_json_inner(path, query, deadline, true).await? {
            Ok(got) => Ok(Readable::Read(got)),
            Err((status, message)) => Ok(Readable::Refused { status, message }),
        }
    }

    async fn get_json(
        &self,
        path: &str,
        query: &[(&str, &str)],
        deadline: Instant,
    ) -> Result<(serde_json::Value, Option<String>)> {
        match self.get_json_inner(path, query, deadline, false).await? {
            Ok(got) => Ok(got),
            Err((status, message)) => Err(anyhow::anyhow!("HTTP {status}: {message}")),
        }
    }

    /// One GET with gatekeeper's retry policy: rate limits are waited out when the wait ends
    /// before `deadline`, transient failures are retried twice with a back-off that also has to
    /// fit before `deadline`; everything else fails at once. Returns the JSON body and the
    /// `Link` header.
    async fn get_json_inner(
        &self,
        path: &str,
        query: &[(&str, &str)],
        deadline: Instant,
        tolerate_refusal: bool,
    ) -> Result<Result<(serde_json::Value, Option<String>), (u16, String)>> {
        let uri = with_query(path, query);
        let mut rate_retries = 0;
        let mut transient_retries = 0;
        loop {
            let failure = match self.send(&uri).await {
                Ok(reply) => match judge_reply(&reply, SystemTime::now()) {
                    ReplyKind::Ok => {
                        let value: serde_json::Value = serde_json::from_str(&reply.body)
                            .map_err(|e| self.malformed(path, &e.to_string()))?;
                        return Ok(Ok((value, reply.link)));
                    }
                    ReplyKind::RateLimited { wait, until } => {
                        if rate_retries < MAX_RATE_LIMIT_RETRIES
                            && Instant::now() + wait <= deadline
                        {
                            rate_retries += 1;
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        return Err(self.rate_limit_error(&reply, wait, until));
                    }
                    ReplyKind::Transient => self.http_error(path, &reply),
                    ReplyKind::Fatal if tolerate_refusal && matches!(reply.status, 403 | 404) => {
                        return Ok(Err((reply.status, self.scrub(&reply.message()))));
                    }
                    ReplyKind::Fatal => return Err(self.http_error(path, &reply)),
                },
                Err(transport) => transport,
            };
            match TRANSIENT_BACKOFF.get(transient_retries) {
                Some(&backoff) if Instant::now() + backoff <= deadline => {
                    transient_retries += 1;
                    tokio::time::sleep(backoff).await;
                }
                _ => return Err(failure),
            }
        }
    }

    /// Sends one GET and reads the whole reply, within the request timeout.
    async fn send(&self, uri: &str) -> Result<Reply, anyhow::Error> {
        let limit = self.request_timeout;
        let timed_out = || {
            anyhow::Error::new(Failure::undecided(format!(
                "GitHub did not answer GET {} within {}",
                self.url_of(uri),
                humantime::format_duration(limit)
            )))
        };
        let response = match tokio::time::timeout(limit, self.crab._get(uri)).await {
            Err(_) => return Err(timed_out()),
            Ok(Err(e)) => {
                return Err(Failure::undecided(format!(
                    "could not reach GitHub at {}: {}",
                    self.api_url,
                    self.scrub(&error_chain(&e))
                ))
                .into());
            }
            Ok(Ok(r)) => r,
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let headers = RateHeaders {
            retry_after: header("retry-after"),
            remaining: header("x-ratelimit-remaining"),
            reset: header("x-ratelimit-reset"),
        };
        let link = header("link");
        let content_type = header("content-type");
        let body = match tokio::time::timeout(limit, self.crab.body_to_string(response)).await {
            Err(_) => return Err(timed_out()),
            Ok(Err(e)) => {
                return Err(Failure::undecided(format!(
                    "failed to read GitHub's reply to GET {}: {}",
                    self.url_of(uri),
                    self.scrub(&error_chain(&e))
                ))
                .into());
            }
            Ok(Ok(b)) => b,
        };
        Ok(Reply {
            status,
            headers,
            link,
            content_type,
            body,
        })
    }

    fn url_of(&self, uri: &str) -> String {
        format!("{}{}", self.api_url, uri)
    }

    /// Removes the token from text that came from outside (a server may echo headers back).
    fn scrub(&self, text: &str) -> String {
        self.scrubber.scrub(text)
    }

    /// What removes the token from any text printed on this client's behalf.
    pub fn scrubber(&self) -> &Scrubber {
        &self.scrubber
    }

    fn malformed(&self, path: &str, detail: &str) -> anyhow::Error {
        Failure::undecided(format!(
            "malformed JSON from GitHub for GET {}: {}",
            self.url_of(path),
            self.scrub(detail)
        ))
        .with_hint("check that the API URL points at a GitHub REST API root (GitHub Enterprise: https://HOST/api/v3)")
        .into()
    }

    fn http_error(&self, path: &str, reply: &Reply) -> anyhow::Error {
        let message = self.scrub(&reply.message());
        let status = reply.status;
        let text = format!(
            "GitHub answered HTTP {status} for GET {}: {message}",
            self.url_of(path)
        );
        let hint = match status {
            401 if self.token.is_some() => Some(
                "GitHub rejected the token: check GITHUB_TOKEN / GH_TOKEN (expired, revoked or mistyped)"
                    .to_owned(),
            ),
            401 => Some("no token was found: set GITHUB_TOKEN or GH_TOKEN, or log in with `gh auth login`".to_owned()),
            403 | 404 => Some(format!(
                "the token cannot read this repository's CI: it needs read access to the repository and the \
                 permissions {NEEDED_PERMISSIONS} (in a workflow: `permissions: {{checks: read, statuses: read, \
                 actions: read}}`); a 404 also means the repository name is wrong or private to this token{}",
                if self.token.is_some() { "" } else { ", and no token was found (GITHUB_TOKEN, GH_TOKEN)" }
            )),
            500..=599 => Some("GitHub or a proxy in front of it failed; try again later".to_owned()),
            _ => None,
        };
        let failure = Failure::undecided(text);
        match hint {
            Some(h) => failure.with_hint(h).into(),
            None => failure.into(),
        }
    }

    fn rate_limit_error(&self, reply: &Reply, wait: Duration, until: SystemTime) -> anyhow::Error {
        let when = humantime::format_rfc3339_seconds(until);
        Failure::undecided(format!(
            "GitHub's rate limit was reached (HTTP {}: {}); retry after {when} (in {})",
            reply.status,
            self.scrub(&reply.message()),
            humantime::format_duration(Duration::from_secs(wait.as_secs().max(1)))
        ))
        .with_hint("a longer --wait lets deploy-check wait the limit out; polling less often (--poll) uses fewer requests")
        .into()
    }
}

/// Removes a secret from text in every form a server or a program could have written it in:
/// as sent, JSON-escaped (with `\/` and `\u003c`-style escapes too), HTML-escaped (named and
/// numeric entities) and URL-encoded (upper- and lower-case hex).
#[derive(Debug, Clone, Default)]
pub struct Scrubber {
    /// Longest first, so that no shorter form leaves part of a longer one behind.
    forms: Vec<String>,
}

impl Scrubber {
    pub fn new(secret: Option<&str>) -> Scrubber {
        let Some(secret) = secret.filter(|s| s.len() >= 4) else {
            return Scrubber::default();
        };
        let mut forms = vec![secret.to_owned()];
        let json = serde_json::to_string(secret).unwrap_or_default();
        let json = json
            .strip_prefix('"')
            .and_then(|j| j.strip_suffix('"'))
            .unwrap_or(&json)
            .to_owned();
        // Each escape a JSON writer may choose, alone or together: `\/` for `/`, and
        // `\u00XX` for the HTML-sensitive characters (as Rails and Go write them).
        let unicode = |j: &str| {
            j.replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026")
                .replace('\'', "\\u0027")
        };
        forms.push(json.replace('/', "\\/"));
        forms.push(unicode(&json));
        forms.push(unicode(&json).replace('/', "\\/"));
        forms.push(json);
        for quote in ["&#39;", "&#x27;", "&apos;"] {
            let html = secret
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', quote);
            forms.push(html.replace('/', "&#x2F;"));
            forms.push(html);
        }
        let url = |upper: bool| {
            secret
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                        (b as char).to_string()
                    } else if upper {
                        format!("%{b:02X}")
                    } else {
                        format!("%{b:02x}")
                    }
                })
                .collect::<String>()
        };
        forms.push(url(true));
        forms.push(url(false));
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        Scrubber { forms }
    }

    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for form in &self.forms {
            if out.contains(form.as_str()) {
                out = out.replace(form.as_str(), "<redacted>");
            }
        }
        out
    }
}

/// A branch name as one URL path segment.
fn encode_path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A whole HTTP reply.
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    headers: RateHeaders,
    link: Option<String>,
    content_type: Option<String>,
    body: String,
}

impl Reply {
    /// GitHub's `message` for a JSON error body, else a short, tag-free excerpt of the body.
    fn message(&self) -> String {
        #[derive(Deserialize)]
        struct ErrorBody {
            message: String,
        }
        if let Ok(e) = serde_json::from_str::<ErrorBody>(&self.body) {
            return e.message;
        }
        let kind = self.content_type.as_deref().unwrap_or("no content type");
        let excerpt = body_excerpt(&self.body);
        if excerpt.is_empty() {
            format!("empty body ({kind})")
        } else {
            format!("non-JSON body ({kind}): {excerpt}")
        }
    }
}

/// The rate-limit headers of a reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct RateHeaders {
    retry_after: Option<String>,
    remaining: Option<String>,
    reset: Option<String>,
}

/// What a reply means for the retry policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReplyKind {
    Ok,
    /// A primary or secondary rate limit: wait this long (until this moment) before retrying.
    RateLimited {
        wait: Duration,
        until: SystemTime,
    },
    /// Worth a bounded retry: a server error.
    Transient,
    /// Retrying cannot help.
    Fatal,
}

/// Classifies a reply by GitHub's documented rules ("Rate limits for the REST API"): a 429, or
/// a 403 with `retry-after`, with `x-ratelimit-remaining: 0`, or whose message names a rate
/// limit, is a rate limit; `retry-after` wins, then `x-ratelimit-reset`, else one minute.
fn judge_reply(reply: &Reply, now: SystemTime) -> ReplyKind {
    match reply.status {
        200..=299 => ReplyKind::Ok,
        403 | 429 => {
            let h = &reply.headers;
            let exhausted = h.remaining.as_deref().map(str::trim) == Some("0");
            let says_so = reply.body.to_ascii_lowercase().contains("rate limit");
            if reply.status == 429 || h.retry_after.is_some() || exhausted || says_so {
                let (wait, until) = rate_limit_wait(h, exhausted, now);
                ReplyKind::RateLimited { wait, until }
            } else {
                ReplyKind::Fatal
            }
        }
        500..=599 => ReplyKind::Transient,
        _ => ReplyKind::Fatal,
    }
}

fn rate_limit_wait(h: &RateHeaders, exhausted: bool, now: SystemTime) -> (Duration, SystemTime) {
    if let Some(secs) = h
        .retry_after
        .as_deref()
        .and_then(|s| s.trim().parse::<u64>().ok())
    {
        let wait = Duration::from_secs(secs);
        return (wait, now + wait);
    }
    // `x-ratelimit-reset` comes with every reply; it says when to retry only when the primary
    // limit is the one exhausted (a secondary limit resets on its own, much sooner).
    if exhausted
        && let Some(reset) = h
            .reset
            .as_deref()
            .and_then(|s| s.trim().parse::<u64>().ok())
    {
        let until = SystemTime::UNIX_EPOCH + Duration::from_secs(reset);
        // One extra second: the reset moment is rounded down to whole seconds.
        let wait = until.duration_since(now).unwrap_or(Duration::ZERO) + Duration::from_secs(1);
        return (wait, now + wait);
    }
    (SECONDARY_LIMIT_WAIT, now + SECONDARY_LIMIT_WAIT)
}

/// Whether a `Link` header has a `rel="next"` entry.
fn has_next_link(link: &str) -> bool {
    link.split(',').any(|part| {
        part.split(';').skip(1).any(|p| {
            matches!(
                p.trim().replace(' ', "").as_str(),
                "rel=\"next\"" | "rel=next"
            )
        })
    })
}

/// `path?k=v&…`; the values gatekeeper sends are digits, hex and plain words, and are
/// percent-encoded anyway so that nothing can change the query's shape.
fn with_query(path: &str, query: &[(&str, &str)]) -> String {
    if query.is_empty() {
        return path.to_owned();
    }
    let encode = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    let q: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("{path}?{}", q.join("&"))
}

/// The text of an HTML or plain body, whitespace collapsed, cut to a readable length.
fn body_excerpt(body: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = words.join(" ");
    if out.chars().count() > 160 {
        out = out.chars().take(160).collect::<String>() + "…";
    }
    out
}

/// An error and its causes on one line, without octocrab's backtrace text.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        let text = e.to_string();
        let first = text.lines().next().unwrap_or("").trim().to_owned();
        if !first.is_empty() && !parts.iter().any(|p| p.contains(&first)) {
            parts.push(first);
        }
        cur = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, headers: RateHeaders, body: &str) -> Reply {
        Reply {
            status,
            headers,
            link: None,
            content_type: None,
            body: body.to_owned(),
        }
    }

    #[test]
    fn scrubber_removes_every_encoding_of_the_token() {
        let token = "ghs_a/b+c=d&e<f>g\"h'i";
        let s = Scrubber::new(Some(token));
        for text in [
            token.to_owned(),
            serde_json::to_string(token).unwrap(),
            "ghs_a\\/b+c=d\\u0026e\\u003cf\\u003eg\\\"h\\u0027i".to_owned(),
            "ghs_a/b+c=d&amp;e&lt;f&gt;g&quot;h&#39;i".to_owned(),
            "ghs_a&#x2F;b+c=d&amp;e&lt;f&gt;g&quot;h&#x27;i".to_owned(),
            "ghs_a%2Fb%2Bc%3Dd%26e%3Cf%3Eg%22h%27i".to_owned(),
            "ghs_a%2fb%2bc%3dd%26e%3cf%3eg%22h%27i".to_owned(),
        ] {
            let out = s.scrub(&format!("before {text} after"));
            assert!(out.contains("<redacted>"), "{text}: {out}");
            assert!(!out.contains("c=d"), "{text}: {out}");
        }
        assert_eq!(Scrubber::new(None).scrub("x"), "x");
    }

    #[test]
    fn slug_parses_and_refuses_paths() {
        assert_eq!(RepoSlug::parse("o/n.git").unwrap().to_string(), "o/n");
        assert!(RepoSlug::parse("o/../x").is_err());
        assert!(RepoSlug::parse("o").is_err());
        assert!(RepoSlug::parse("o/n?x=1").is_err());
    }

    #[test]
    fn retry_after_decides_the_wait() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let h = RateHeaders {
            retry_after: Some("7".into()),
            ..RateHeaders::default()
        };
        assert_eq!(
            judge_reply(&reply(429, h, "{}"), now),
            ReplyKind::RateLimited {
                wait: Duration::from_secs(7),
                until: now + Duration::from_secs(7)
            }
        );
    }

    #[test]
    fn exhausted_primary_limit_waits_for_reset() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let h = RateHeaders {
            remaining: Some("0".into()),
            reset: Some("1100".into()),
            ..RateHeaders::default()
        };
        let kind = judge_reply(
            &reply(403, h, r#"{"message":"API rate limit exceeded"}"#),
            now,
        );
        assert_eq!(
            kind,
            ReplyKind::RateLimited {
                wait: Duration::from_secs(101),
                until: now + Duration::from_secs(101)
            }
        );
    }

    #[test]
    fn plain_403_is_not_a_rate_limit() {
        let h = RateHeaders {
            remaining: Some("4000".into()),
            ..RateHeaders::default()
        };
        let kind = judge_reply(
            &reply(
                403,
                h,
                r#"{"message":"Resource not accessible by integration"}"#,
            ),
            SystemTime::now(),
        );
        assert_eq!(kind, ReplyKind::Fatal);
    }

    #[test]
    fn bare_secondary_limit_waits_a_minute() {
        let now = SystemTime::UNIX_EPOCH;
        let kind = judge_reply(
            &reply(
                403,
                RateHeaders::default(),
                r#"{"message":"You have exceeded a secondary rate limit"}"#,
            ),
            now,
        );
        assert_eq!(
            kind,
            ReplyKind::RateLimited {
                wait: SECONDARY_LIMIT_WAIT,
                until: now + SECONDARY_LIMIT_WAIT
            }
        );
    }

    #[test]
    fn server_errors_are_transient() {
        assert_eq!(
            judge_reply(
                &reply(502, RateHeaders::default(), "<html>"),
                SystemTime::now()
            ),
            ReplyKind::Transient
        );
        assert_eq!(
            judge_reply(&reply(404, RateHeaders::default(), "{}"), SystemTime::now()),
            ReplyKind::Fatal
        );
    }

    #[test]
    fn link_header_next_is_found() {
        let l = r#"<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=3>; rel="last""#;
        assert!(has_next_link(l));
        assert!(!has_next_link(
            r#"<https://api.github.com/x?page=1>; rel="prev""#
        ));
    }

    #[test]
    fn html_body_is_reduced_to_text() {
        let r = Reply {
            status: 502,
            headers: RateHeaders::default(),
            link: None,
            content_type: Some("text/html".into()),
            body: "<html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>"
                .into(),
        };
        assert_eq!(
            r.message(),
            "non-JSON body (text/html): 502 Bad Gateway nginx"
        );
    }

    #[test]
    fn query_is_encoded() {
        assert_eq!(
            with_query("/a", &[("head_sha", "ab12"), ("x", "a b&c")]),
            "/a?head_sha=ab12&x=a%20b%26c"
        );
    }
}
