//! Integration tests: `gatekeeper deploy-check` against a fake GitHub API on 127.0.0.1 (see
//! `fake_github`), built from real GitHub response shapes. Nothing here reaches the internet.

mod fake_github;

use std::process::Output;

use serde_json::{Value, json};

use crate::common::{Sandbox, TestRepo, assert_code, text};
use fake_github::{
    Canned, FakeGithub, Frame, check_run, concluded, green, in_suite, status, suite, workflow_run,
};

/// A token that must never be printed.
const TOKEN: &str = "ghp_FAKEtokenNEVERprintME0123456789abcdef";

struct Setup {
    sb: Sandbox,
    repo: TestRepo,
    gh: FakeGithub,
}

impl Setup {
    fn new(frames: Vec<Frame>) -> Setup {
        Setup::with_server(FakeGithub::start(frames))
    }

    fn with_server(gh: FakeGithub) -> Setup {
        let sb = Sandbox::new();
        let mut repo = sb.repo("shop");
        repo.write("README.md", "shop\n");
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "first"]);
        repo.git(&["remote", "add", "origin", "git@github.com:acme/shop.git"]);
        repo.set_env("GITHUB_API_URL", &gh.url);
        repo.set_env("GITHUB_TOKEN", TOKEN);
        Setup { sb, repo, gh }
    }

    fn check(&self, extra: &[&str]) -> Output {
        let mut args = vec!["deploy-check"];
        args.extend_from_slice(extra);
        let out = self.repo.gk(&args);
        assert_no_token(&out);
        out
    }

    fn sha(&self) -> String {
        self.repo.head()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_no_token(out: &Output) {
    let all = format!("{}{}", stdout(out), stderr(out));
    assert!(
        !all.contains(TOKEN),
        "the token was printed:\n{}",
        text(out)
    );
    assert!(
        !all.contains(&TOKEN[4..20]),
        "part of the token was printed:\n{}",
        text(out)
    );
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{}", text(out)))
}

fn assert_says(out: &Output, needle: &str) {
    let all = format!("{}{}", stdout(out), stderr(out));
    assert!(
        all.contains(needle),
        "expected `{needle}` in the output:\n{}",
        text(out)
    );
}

// ---- verdicts ----

#[test]
fn all_green_exits_0_and_asks_about_the_exact_sha() {
    let s = Setup::new(vec![Frame {
        check_runs: vec![green(1, "test"), green(2, "lint")],
        statuses: vec![status(1, "ci/legacy", "success")],
        ..Frame::default()
    }]);
    let out = s.check(&[]);
    assert_code(&out, 0, "all green");
    assert_says(&out, "green");
    assert!(
        stdout(&out).contains("test") && stdout(&out).contains("lint"),
        "{}",
        text(&out)
    );
    let sha = s.sha();
    let seen = s.gh.seen();
    for endpoint in ["/check-runs", "/status", "/check-suites", "/actions/runs?"] {
        assert!(
            seen.iter().any(|r| r.target.contains(endpoint)),
            "{endpoint} was not read: {seen:?}"
        );
    }
    for r in &seen {
        assert!(
            r.target.contains(&sha),
            "a request did not name the full SHA: {}",
            r.target
        );
        assert_eq!(
            r.authorization.as_deref(),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
}

#[test]
fn one_failure_exits_1_and_names_it() {
    let s = Setup::new(vec![Frame::runs(vec![
        green(1, "test"),
        concluded(2, "lint", "failure"),
    ])]);
    let out = s.check(&[]);
    assert_code(&out, 1, "one failure");
    let lint = stdout(&out)
        .lines()
        .find(|l| l.contains("lint"))
        .unwrap_or_default()
        .to_owned();
    assert!(
        lint.contains("FAIL") && lint.contains("failure"),
        "{}",
        text(&out)
    );
    assert_says(&out, "CI is red");
}

fn assert_conclusion_blocks(conclusion: &str) {
    let s = Setup::new(vec![Frame::runs(vec![
        green(1, "test"),
        concluded(2, "deploy-preview", conclusion),
    ])]);
    let out = s.check(&[]);
    assert_code(&out, 1, conclusion);
    assert_says(&out, &format!("deploy-preview (completed/{conclusion})"));
}

#[test]
fn cancelled_blocks() {
    assert_conclusion_blocks("cancelled");
}

#[test]
fn timed_out_blocks() {
    assert_conclusion_blocks("timed_out");
}

#[test]
fn action_required_blocks() {
    assert_conclusion_blocks("action_required");
}

#[test]
fn stale_blocks() {
    assert_conclusion_blocks("stale");
}

#[test]
fn unknown_conclusion_blocks() {
    assert_conclusion_blocks("something_github_adds_later");
}

#[test]
fn startup_failure_suite_with_zero_runs_is_red() {
    let s = Setup::new(vec![Frame {
        check_runs: vec![green(1, "test")],
        suites: vec![
            suite(1000, "github-actions", "completed", Some("success"), 1),
            suite(
                2000,
                "github-actions",
                "completed",
                Some("startup_failure"),
                0,
            ),
        ],
        ..Frame::default()
    }]);
    let out = s.check(&[]);
    assert_code(&out, 1, "a suite that failed at startup");
    assert_says(&out, "startup");
}

#[test]
fn startup_failure_workflow_run_is_red() {
    let s = Setup::new(vec![Frame {
        check_runs: vec![green(1, "test")],
        workflow_runs: vec![
            workflow_run(
                70,
                ".github/workflows/ci.yml",
                "completed",
                Some("success"),
                1000,
            ),
            workflow_run(
                71,
                ".github/workflows/deploy.yml",
                "completed",
                Some("startup_failure"),
                2000,
            ),
        ],
        ..Frame::default()
    }]);
    let out = s.check(&[]);
    assert_code(&out, 1, "a workflow file error");
    assert_says(&out, ".github/workflows/deploy.yml");
}

#[test]
fn queued_empty_suite_of_an_unrequired_app_does_not_block() {
    let s = Setup::new(vec![Frame {
        check_runs: vec![green(1, "test")],
        suites: vec![suite(3000, "cursor", "queued", None, 0)],
        ..Frame::default()
    }]);
    let out = s.check(&[]);
    assert_code(&out, 0, "an app nobody requires that never reports");
}

#[test]
fn queued_empty_suite_of_a_required_app_is_pending() {
    let s = Setup::new(vec![Frame {
        check_runs: vec![green(1, "test")],
        suites: vec![suite(3000, "cursor", "queued", None, 0)],
        ..Frame::default()
    }]);
    let out = s.check(&["--require", "test", "--require", "cursor"]);
    assert_code(&out, 4, "a required app whose suite is still queued");
}

#[test]
fn rerun_success_after_failure_passes() {
    let s = Setup::new(vec![Frame::runs(vec![
        in_suite(concluded(10, "test", "failure"), 1000),
        in_suite(green(20, "test"), 1001),
    ])]);
    let out = s.check(&[]);
    assert_code(&out, 0, "an old failure re-run green");
}

#[test]
fn rerun_failure_after_success_blocks() {
    // Listed newest first, as GitHub does: the later attempt has the higher id.
    let s = Setup::new(vec![Frame::runs(vec![
        in_suite(concluded(20, "test", "failure"), 1001),
        in_suite(green(10, "test"), 1000),
    ])]);
    let out = s.check(&[]);
    assert_code(&out, 1, "an old success re-run red");
}

#[test]
fn asks_for_every_attempt_not_just_the_latest_per_suite() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.check(&[]);
    let seen = s.gh.seen();
    assert!(
        seen.iter()
            .any(|r| r.target.contains("/check-runs") && r.target.contains("filter=all")),
        "{seen:?}"
    );
}

#[test]
fn pagination_reads_all_three_pages() {
    let runs: Vec<Value> = (1..=8).map(|i| green(i, &format!("job-{i}"))).collect();
    let s = Setup::new(vec![Frame::runs(runs)]);
    s.gh.page_size(3);
    let out = s.check(&["--format", "json"]);
    assert_code(&out, 0, "eight green runs over three pages");
    let report = json_of(&out);
    assert_eq!(
        report["checks"].as_array().map(Vec::len),
        Some(8),
        "{report}"
    );
    let pages: Vec<String> =
        s.gh.seen()
            .into_iter()
            .filter(|r| r.target.contains("/check-runs"))
            .map(|r| r.target)
            .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages.iter().any(|p| p.contains("page=3")), "{pages:?}");
}

#[test]
fn failure_on_the_third_page_blocks() {
    let mut runs: Vec<Value> = (1..=7).map(|i| green(i, &format!("job-{i}"))).collect();
    runs.push(concluded(8, "job-8", "failure"));
    let s = Setup::new(vec![Frame::runs(runs)]);
    s.gh.page_size(3);
    let out = s.check(&[]);
    assert_code(&out, 1, "a failure only on the last page");
    assert_says(&out, "job-8");
}

#[test]
fn neutral_and_skipped_only_is_red_without_evidence() {
    let s = Setup::new(vec![Frame::runs(vec![
        concluded(1, "docs", "neutral"),
        concluded(2, "e2e", "skipped"),
    ])]);
    let out = s.check(&["--format", "json"]);
    assert_code(&out, 1, "neutral and skipped only");
    let report = json_of(&out);
    assert_eq!(report["verdict"], "red");
    assert_eq!(report["no_evidence"], true);
}

#[test]
fn no_checks_at_all_is_red_without_evidence() {
    let s = Setup::new(vec![Frame::default()]);
    let out = s.check(&[]);
    assert_code(&out, 1, "no checks at all");
    assert_says(&out, "no CI evidence");
    assert_says(&out, "pull request");
}

#[test]
fn combined_status_error_blocks_green_check_runs() {
    let s = Setup::new(vec![Frame {
        check_runs: vec![green(1, "test"), green(2, "lint")],
        statuses: vec![
            status(1, "ci/jenkins", "success"),
            status(2, "ci/legacy", "error"),
        ],
        ..Frame::default()
    }]);
    let out = s.check(&[]);
    assert_code(&out, 1, "a status error next to green check runs");
    assert_says(&out, "ci/legacy (error)");
}

#[test]
fn required_check_missing_until_the_wait_ends_is_red() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    let out = s.check(&["--require", "e2e", "--wait", "600ms", "--poll", "100ms"]);
    assert_code(&out, 1, "a required check that never appears");
    assert_says(&out, "never reported: e2e");
    assert!(
        s.gh.rounds() >= 2,
        "it did not poll while waiting: {} rounds",
        s.gh.rounds()
    );
}

#[test]
fn required_names_come_from_the_config() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.repo.write(
        "gatekeeper.yml",
        "deploy:\n  github:\n    required: [test, e2e]\n",
    );
    let out = s.check(&[]);
    assert_code(&out, 1, "a configured required check that is missing");
    assert_says(&out, "e2e");
    let out = s.check(&["--require", "test"]);
    assert_code(&out, 0, "--require replaces the configured list");
}

#[test]
fn pending_then_green_while_waiting_passes() {
    let s = Setup::new(vec![
        Frame::runs(vec![green(1, "lint"), check_run(2, "test", "queued", None)]),
        Frame::runs(vec![
            green(1, "lint"),
            check_run(2, "test", "in_progress", None),
        ]),
        Frame::runs(vec![green(1, "lint"), green(2, "test")]),
    ]);
    let out = s.check(&["--wait", "60s", "--poll", "100ms"]);
    assert_code(&out, 0, "pending, then green within the wait");
    assert_eq!(s.gh.rounds(), 3);
    assert_says(&out, "pending: CI is still running");
}

#[test]
fn polling_uses_conditional_requests_and_still_sees_changes() {
    let pending = Frame::runs(vec![
        green(1, "lint"),
        check_run(2, "test", "in_progress", None),
    ]);
    let s = Setup::new(vec![
        pending.clone(),
        pending,
        Frame::runs(vec![green(1, "lint"), concluded(2, "test", "failure")]),
    ]);
    let out = s.check(&["--wait", "60s", "--poll", "100ms"]);
    assert_code(&out, 1, "pending, unchanged (304), then red");
    assert_eq!(s.gh.rounds(), 3);
    let runs: Vec<_> =
        s.gh.seen()
            .into_iter()
            .filter(|r| r.target.contains("/check-runs"))
            .collect();
    assert_eq!(
        runs[1].status,
        Some(304),
        "the unchanged second look was a 304: {runs:?}"
    );
    assert!(runs[1].if_none_match.is_some());
    assert_eq!(
        runs[2].status,
        Some(200),
        "the changed third look was a 200: {runs:?}"
    );
}

#[test]
fn pending_when_the_wait_runs_out_exits_4() {
    let s = Setup::new(vec![Frame::runs(vec![
        green(1, "lint"),
        check_run(2, "test", "in_progress", None),
    ])]);
    let out = s.check(&["--wait", "300ms", "--poll", "100ms"]);
    assert_code(&out, 4, "still running at the end of the wait");
    assert_says(&out, "test (in_progress)");
}

#[test]
fn pending_without_a_wait_decides_at_once() {
    let s = Setup::new(vec![Frame::runs(vec![check_run(
        2, "test", "queued", None,
    )])]);
    let out = s.check(&[]);
    assert_code(&out, 4, "queued, no wait");
    assert_eq!(s.gh.rounds(), 1);
}

#[test]
fn own_actions_run_is_excluded() {
    let frame = Frame {
        check_runs: vec![
            in_suite(green(1, "test"), 1000),
            in_suite(check_run(2, "deploy", "in_progress", None), 2000),
        ],
        suites: vec![
            suite(1000, "github-actions", "completed", Some("success"), 1),
            suite(2000, "github-actions", "in_progress", None, 1),
        ],
        workflow_runs: vec![
            workflow_run(
                70,
                ".github/workflows/ci.yml",
                "completed",
                Some("success"),
                1000,
            ),
            workflow_run(
                555,
                ".github/workflows/deploy.yml",
                "in_progress",
                None,
                2000,
            ),
        ],
        ..Frame::default()
    };
    let mut s = Setup::new(vec![frame]);
    s.gh.add_run_by_id(workflow_run(
        555,
        ".github/workflows/deploy.yml",
        "in_progress",
        None,
        2000,
    ));
    let out = s.check(&[]);
    assert_code(
        &out,
        4,
        "outside Actions, the deploy job is just another running check",
    );
    s.repo.set_env("GITHUB_ACTIONS", "true");
    s.repo.set_env("GITHUB_RUN_ID", "555");
    s.repo.set_env("GITHUB_REPOSITORY", "acme/shop");
    let out = s.check(&["-v"]);
    assert_code(&out, 0, "inside Actions, its own run is left out");
    assert!(
        s.gh.seen()
            .iter()
            .any(|r| r.target.ends_with("/actions/runs/555"))
    );
}

// ---- what is asked, and where ----

#[test]
fn a_branch_name_is_resolved_locally_and_never_sent() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    let out = s.check(&["--ref", "main"]);
    assert_code(&out, 0, "--ref main");
    let sha = s.sha();
    for r in s.gh.seen() {
        assert!(r.target.contains(&sha), "{}", r.target);
        assert!(
            !r.target.contains("/main/") && !r.target.contains("heads"),
            "{}",
            r.target
        );
    }
}

#[test]
fn an_unknown_ref_is_a_usage_error() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    assert_code(&s.check(&["--ref", "no-such-branch"]), 2, "unknown --ref");
    assert!(s.gh.seen().is_empty());
}

#[test]
fn repo_comes_from_an_https_origin() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.repo.git(&[
        "remote",
        "set-url",
        "origin",
        "https://github.com/acme/storefront.git",
    ]);
    assert_code(&s.check(&[]), 0, "https origin");
    assert!(
        s.gh.seen()
            .iter()
            .all(|r| r.target.starts_with("/repos/acme/storefront/")),
        "{:?}",
        s.gh.seen()
    );
}

#[test]
fn repo_comes_from_an_ssh_origin() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    assert_code(&s.check(&[]), 0, "ssh origin");
    assert!(
        s.gh.seen()
            .iter()
            .all(|r| r.target.starts_with("/repos/acme/shop/")),
        "{:?}",
        s.gh.seen()
    );
}

#[test]
fn repo_flag_beats_config_which_beats_origin() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.repo.write(
        "gatekeeper.yml",
        "deploy:\n  github:\n    repo: acme/from-config\n",
    );
    assert_code(&s.check(&[]), 0, "config repo");
    assert!(
        s.gh.seen()
            .iter()
            .all(|r| r.target.starts_with("/repos/acme/from-config/"))
    );
    assert_code(&s.check(&["--repo", "acme/from-flag"]), 0, "--repo");
    assert!(
        s.gh.seen()
            .iter()
            .any(|r| r.target.starts_with("/repos/acme/from-flag/"))
    );
}

#[test]
fn no_origin_and_no_repo_is_a_usage_error() {
    let s = Setup::new(vec![Frame::default()]);
    s.repo.git(&["remote", "remove", "origin"]);
    let out = s.check(&[]);
    assert_code(&out, 2, "nothing names the repository");
    assert_says(&out, "--repo");
}

#[test]
fn api_url_flag_beats_github_api_url() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    let live = s.gh.url.clone();
    let mut repo = s.repo;
    repo.set_env(
        "GITHUB_API_URL",
        &format!("http://127.0.0.1:{}", dead_port()),
    );
    let out = repo.gk(&["deploy-check", "--api-url", &live]);
    assert_no_token(&out);
    assert_code(&out, 0, "--api-url");
}

#[test]
fn enterprise_api_root_with_a_path_works() {
    let gh = FakeGithub::start_with_prefix(vec![Frame::runs(vec![green(1, "test")])], "/api/v3");
    let s = Setup::with_server(gh);
    assert!(s.gh.url.ends_with("/api/v3"));
    let out = s.check(&[]);
    assert_code(&out, 0, "a GitHub Enterprise style root");
    assert!(!s.gh.seen().is_empty() && s.gh.prefix() == "/api/v3");
}

#[test]
fn json_report_is_one_document_with_the_verdict() {
    let s = Setup::new(vec![Frame {
        check_runs: vec![green(1, "test"), concluded(2, "lint", "failure")],
        statuses: vec![status(1, "ci/legacy", "success")],
        ..Frame::default()
    }]);
    let out = s.check(&["--format", "json"]);
    assert_code(&out, 1, "json red");
    let r = json_of(&out);
    assert_eq!(r["verdict"], "red");
    assert_eq!(r["exit_code"], 1);
    assert_eq!(r["repo"], "acme/shop");
    assert_eq!(r["sha"], json!(s.sha()));
    let lint = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "lint")
        .unwrap()
        .clone();
    assert_eq!(lint["verdict"], "fail");
    assert_eq!(lint["kind"], "check-run");
    assert_eq!(lint["app"], "github-actions");
}

// ---- errors fail closed with exit 3 ----

fn error_case(reply: Canned, extra: &[&str]) -> Output {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.gh.always("/repos/", reply);
    let out = s.check(extra);
    assert_code(&out, 3, "an API error");
    out
}

#[test]
fn unauthorized_exits_3_saying_the_token_was_rejected() {
    let out = error_case(Canned::error(401, "Bad credentials"), &[]);
    assert_says(&out, "401");
    assert_says(&out, "Bad credentials");
    assert_says(&out, "rejected the token");
}

#[test]
fn forbidden_exits_3_naming_the_permissions() {
    let out = error_case(
        Canned::error(403, "Resource not accessible by integration"),
        &[],
    );
    assert_says(&out, "403");
    assert_says(&out, "Resource not accessible by integration");
    assert_says(&out, "checks: read, statuses: read, actions: read");
}

#[test]
fn not_found_exits_3_naming_the_permissions() {
    let out = error_case(Canned::error(404, "Not Found"), &[]);
    assert_says(&out, "404");
    assert_says(&out, "checks: read, statuses: read, actions: read");
}

#[test]
fn rate_limit_429_beyond_the_wait_exits_3_saying_when_to_retry() {
    let out = error_case(
        Canned::error(429, "Too many requests").header("Retry-After", "3600"),
        &["--wait", "1s"],
    );
    assert_says(&out, "rate limit");
    assert_says(&out, "retry after");
    assert_says(&out, "1h");
}

#[test]
fn primary_rate_limit_403_waits_for_reset_or_exits_3() {
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1800;
    let reply = Canned::error(403, "API rate limit exceeded for installation ID 1.")
        .header("x-ratelimit-remaining", "0")
        .header("x-ratelimit-reset", &reset.to_string());
    let out = error_case(reply, &[]);
    assert_says(&out, "rate limit");
    assert_says(&out, "retry after");
    assert!(
        !stderr(&out).contains("checks: read"),
        "a rate limit is not a permission problem:\n{}",
        text(&out)
    );
}

#[test]
fn rate_limit_within_the_wait_is_waited_out() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.gh.then(Canned::error(429, "slow down").header("Retry-After", "1"));
    let out = s.check(&["--wait", "30s"]);
    assert_code(&out, 0, "a short rate limit inside the wait");
    let check_runs =
        s.gh.seen()
            .iter()
            .filter(|r| r.target.contains("/check-runs"))
            .count();
    assert_eq!(check_runs, 2, "the limited request was retried once");
}

#[test]
fn primary_rate_limit_403_within_the_wait_is_waited_out() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1;
    s.gh.then(
        Canned::error(403, "API rate limit exceeded for user ID 1.")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset.to_string()),
    );
    let out = s.check(&["--wait", "30s"]);
    assert_code(
        &out,
        0,
        "an exhausted primary limit that resets inside the wait",
    );
    let check_runs =
        s.gh.seen()
            .iter()
            .filter(|r| r.target.contains("/check-runs"))
            .count();
    assert_eq!(check_runs, 2, "the limited request was retried once");
}

#[test]
fn server_error_with_an_html_body_exits_3() {
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body>\r\n</html>";
    let reply = Canned {
        status: 502,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: html.into(),
    };
    let out = error_case(reply, &[]);
    assert_says(&out, "HTTP 502");
    assert_says(&out, "Bad Gateway");
    assert!(!stderr(&out).contains("<html>"), "{}", text(&out));
}

#[test]
fn server_error_is_retried_within_the_wait() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.gh.then(Canned::error(503, "Service Unavailable"));
    let out = s.check(&["--wait", "30s"]);
    assert_code(&out, 0, "one 503, then an answer");
}

#[test]
fn malformed_json_exits_3() {
    let reply = Canned {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: "{\"total_count\": 1, \"check_runs\": [".into(),
    };
    let out = error_case(reply, &[]);
    assert_says(&out, "malformed JSON");
}

#[test]
fn wrong_json_shape_exits_3() {
    let out = error_case(
        Canned::json(
            200,
            &json!({"total_count": 1, "check_runs": [{"id": "not a number"}]}),
        ),
        &[],
    );
    assert_says(&out, "malformed JSON");
}

fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn connection_refused_exits_3() {
    let s = Setup::new(vec![Frame::default()]);
    let url = format!("http://127.0.0.1:{}", dead_port());
    let out = s.check(&["--api-url", &url]);
    assert_code(&out, 3, "nothing listening");
    assert_says(&out, "could not reach GitHub");
    assert_says(&out, &url);
}

#[test]
fn a_server_that_never_answers_times_out_with_exit_3() {
    let s = Setup::new(vec![Frame::default()]);
    s.gh.hang();
    let out = s.check(&["--request-timeout", "1s"]);
    assert_code(&out, 3, "no answer");
    assert_says(&out, "did not answer");
}

#[test]
fn token_is_never_printed_even_when_the_server_echoes_it() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.gh.echo_auth();
    s.gh.always("/check-runs", Canned::error(401, "x"));
    // `check` asserts the token is absent from both streams.
    for format in ["human", "json"] {
        let out = s.check(&["-v", "--format", format]);
        assert_code(&out, 3, "a 401 echoing the Authorization header");
        assert_says(&out, "<redacted>");
    }
}

#[test]
fn token_is_never_printed_on_success_with_verbose_output() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    for format in ["human", "json"] {
        let out = s.check(&["-vv", "--format", format]);
        assert_code(&out, 0, "green");
    }
}

// ---- where the token comes from ----

/// Puts a fake `gh` first on PATH: `gh auth token` prints `token`, or fails when it is `None`.
fn fake_gh(s: &mut Setup, token: Option<&str>) {
    let bin = s.repo.root.parent().unwrap().join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let body = match token {
        Some(t) => format!("[ \"$1 $2\" = \"auth token\" ] && {{ echo {t}; exit 0; }}\nexit 1\n"),
        None => "echo 'You are not logged into any GitHub hosts.' >&2\nexit 1\n".to_owned(),
    };
    let gh = bin.join("gh");
    std::fs::write(&gh, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&gh, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = s
        .repo
        .env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    s.repo.set_env("PATH", &format!("{}:{path}", bin.display()));
    s.repo
        .env
        .retain(|(k, _)| k != "GITHUB_TOKEN" && k != "GH_TOKEN");
}

#[test]
fn gh_token_is_used_when_no_variable_is_set() {
    const GH_TOKEN: &str = "gho_fromTheGhCli0123456789abcdefXYZ";
    let mut s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    fake_gh(&mut s, Some(GH_TOKEN));
    let out = s.repo.gk(&["deploy-check", "-v"]);
    assert_code(&out, 0, "token from `gh auth token`");
    assert!(
        !format!("{}{}", stdout(&out), stderr(&out)).contains(GH_TOKEN),
        "{}",
        text(&out)
    );
    let bearer = format!("Bearer {GH_TOKEN}");
    assert!(
        s.gh.seen()
            .iter()
            .all(|r| r.authorization.as_deref() == Some(bearer.as_str())),
        "{:?}",
        s.gh.seen()
    );
}

#[test]
fn gh_token_variable_is_used() {
    let mut s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    fake_gh(&mut s, None);
    s.repo.set_env("GH_TOKEN", TOKEN);
    assert_code(&s.check(&[]), 0, "GH_TOKEN");
    let bearer = format!("Bearer {TOKEN}");
    assert!(
        s.gh.seen()
            .iter()
            .all(|r| r.authorization.as_deref() == Some(bearer.as_str()))
    );
}

#[test]
fn without_any_token_it_warns_and_a_401_says_none_was_found() {
    let mut s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    fake_gh(&mut s, None);
    s.gh.always("/repos/", Canned::error(401, "Requires authentication"));
    let out = s.check(&[]);
    assert_code(&out, 3, "no token at all");
    assert_says(&out, "no GitHub token found");
    assert_says(&out, "no token was found");
    assert!(
        s.gh.seen().iter().all(|r| r.authorization.is_none()),
        "{:?}",
        s.gh.seen()
    );
}

#[test]
fn require_takes_several_names() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test"), green(2, "lint")])]);
    assert_code(&s.check(&["--require", "test", "lint"]), 0, "both present");
    let out = s.check(&["--require", "test", "e2e", "--wait", "0"]);
    assert_code(&out, 1, "one of two missing");
    assert_says(&out, "never reported: e2e");
}

// ---- the workflow template ----

/// The template's steps that use gatekeeper's action, with their `with:` inputs.
fn action_with(workflow: &Value, job: &str) -> Vec<(usize, Value)> {
    workflow["jobs"][job]["steps"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter(|(_, s)| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.split('@').next().unwrap().ends_with("/gatekeeper"))
        })
        .map(|(i, s)| (i, s["with"].clone()))
        .collect()
}

#[test]
fn workflow_template_runs_ci_on_pull_requests_and_checks_before_deploying() {
    let wf = crate::github_action::workflow_template();
    assert!(
        wf["on"]
            .as_object()
            .is_some_and(|o| o.contains_key("pull_request")),
        "{}",
        wf["on"]
    );
    assert!(
        action_with(&wf, "ci")
            .iter()
            .any(|(_, with)| with["command"] == "ci"),
        "the ci job runs `gatekeeper ci` through the action"
    );

    let (check_at, _) = action_with(&wf, "deploy")
        .into_iter()
        .find(|(_, with)| with["command"] == "deploy-check")
        .expect("the deploy job runs deploy-check");
    let deploy_at = wf["jobs"]["deploy"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["name"] == "Deploy")
        .expect("a Deploy step");
    assert!(
        check_at < deploy_at,
        "deploy-check must come before the deploy"
    );
    let perms = &wf["jobs"]["deploy"]["permissions"];
    for p in ["checks", "statuses", "actions"] {
        assert_eq!(perms[p], "read", "the deploy job needs {p}: read");
    }
}

#[test]
fn workflow_template_deploy_check_command_line_works() {
    let wf = crate::github_action::workflow_template();
    let (_, with) = action_with(&wf, "deploy")
        .into_iter()
        .find(|(_, with)| with["command"] == "deploy-check")
        .unwrap();
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    let sha = s.sha();
    // What GitHub substitutes before the action's step sees its inputs.
    let mut with = with;
    let args = with["args"]
        .as_str()
        .unwrap()
        .replace("${{ github.sha }}", &sha);
    assert!(
        args.contains(&sha),
        "the template checks the workflow's commit: {args}"
    );
    with["args"] = Value::String(args);
    let out = crate::github_action::run_action_command(&s.sb, &s.repo, &with, "");
    assert_no_token(&out);
    assert_code(
        &out,
        0,
        "the template's deploy-check, through the action, against a green commit",
    );
}
