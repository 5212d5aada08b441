//! Integration tests: `gatekeeper deploy-check` against a fake GitHub API on 127.0.0.1 (see
//! `fake_github`), built from real GitHub response shapes. Nothing here reaches the internet.

mod fake_github;

use std::process::Output;

use serde_json::{Value, json};

use crate::common::{Sandbox, TestRepo, assert_code, text};
use fake_github::{
    Canned, FakeGithub, Frame, check_run, concluded, from_app, green, in_suite, status,
    status_checks_rule, suite, workflow_run,
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
    // Every question about the commit's CI names it by its full SHA; the only other reads are
    // the repository (its default branch) and that branch's rules.
    for r in &seen {
        let about_rules = r.target == "/repos/acme/shop"
            || r.target.starts_with("/repos/acme/shop/rules/branches/main")
            || r.target
                .starts_with("/repos/acme/shop/branches/main/protection/");
        assert!(
            r.target.contains(&sha) || about_rules,
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
    // Attempt 1 of workflow run 70 reported into suite 1000, attempt 2 into suite 1001: the
    // run's attempts, not the shared name, make the later check a re-run of the earlier one.
    let mut latest = workflow_run(
        70,
        ".github/workflows/ci.yml",
        "completed",
        Some("success"),
        1001,
    );
    latest["run_attempt"] = json!(2);
    let s = Setup::new(vec![Frame {
        check_runs: vec![
            in_suite(concluded(10, "test", "failure"), 1000),
            in_suite(green(20, "test"), 1001),
        ],
        workflow_runs: vec![latest],
        ..Frame::default()
    }]);
    s.gh.add_attempt(workflow_run(
        70,
        ".github/workflows/ci.yml",
        "completed",
        Some("failure"),
        1000,
    ));
    let out = s.check(&[]);
    assert_code(&out, 0, "an old failure re-run green");
    // The same name in two suites that no run links is two checks, not a re-run.
    let s = Setup::new(vec![Frame::runs(vec![
        in_suite(concluded(10, "test", "failure"), 1000),
        in_suite(green(20, "test"), 1001),
    ])]);
    assert_code(&s.check(&[]), 1, "a same-named check in another suite");
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
    assert_code(
        &out,
        1,
        "--require adds to the configured list: e2e is still required",
    );
    assert_says(&out, "e2e");
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
    // The commit's CI is asked about by SHA; only the branch-rules reads (of the default
    // branch, which GitHub named) carry a branch name.
    for r in s.gh.seen().into_iter().filter(|r| {
        r.target != "/repos/acme/shop"
            && !r.target.contains("/rules/branches/")
            && !r.target.contains("/protection/")
    }) {
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
            .all(|r| r.target == "/repos/acme/storefront"
                || r.target.starts_with("/repos/acme/storefront/")),
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
            .all(|r| r.target == "/repos/acme/shop" || r.target.starts_with("/repos/acme/shop/")),
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
            .all(|r| r.target == "/repos/acme/from-config"
                || r.target.starts_with("/repos/acme/from-config/"))
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
    s.gh.once(
        "/check-runs",
        Canned::error(429, "slow down").header("Retry-After", "1"),
    );
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
    s.gh.once(
        "/check-runs",
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
    s.gh.once("/check-runs", Canned::error(503, "Service Unavailable"));
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

// ---- the whole evidence graph ----

/// The `CI` workflow's run `id`, reporting into `suite`.
fn ci_run(id: u64, status: &str, conclusion: Option<&str>, suite: u64) -> Value {
    workflow_run(id, ".github/workflows/ci.yml", status, conclusion, suite)
}

#[test]
fn queued_workflow_without_jobs_is_pending_despite_a_green_status() {
    let s = Setup::new(vec![Frame {
        statuses: vec![status(1, "deploy/preview", "success")],
        suites: vec![suite(500, "github-actions", "queued", None, 0)],
        workflow_runs: vec![ci_run(70, "queued", None, 500)],
        ..Frame::default()
    }]);
    let out = s.check(&["--wait", "300ms", "--poll", "100ms"]);
    assert_code(&out, 4, "a queued workflow run has proven nothing yet");
    assert_says(&out, "ci.yml");
    assert_says(&out, "has not finished and has no jobs yet");
}

#[test]
fn needs_chain_between_jobs_is_pending() {
    let s = Setup::new(vec![Frame {
        check_runs: vec![in_suite(green(1, "build"), 500)],
        suites: vec![suite(500, "github-actions", "in_progress", None, 1)],
        workflow_runs: vec![ci_run(70, "in_progress", None, 500)],
        ..Frame::default()
    }]);
    let out = s.check(&[]);
    assert_code(&out, 4, "job 1 done, job 2 not created yet");
    assert_says(&out, "more jobs may still start");
}

#[test]
fn needs_chain_is_followed_while_waiting_until_the_last_job_is_done() {
    let job1 = in_suite(green(1, "build"), 500);
    let s = Setup::new(vec![
        Frame {
            check_runs: vec![job1.clone()],
            suites: vec![suite(500, "github-actions", "in_progress", None, 1)],
            workflow_runs: vec![ci_run(70, "in_progress", None, 500)],
            ..Frame::default()
        },
        Frame {
            check_runs: vec![
                job1.clone(),
                in_suite(check_run(2, "test", "in_progress", None), 500),
            ],
            suites: vec![suite(500, "github-actions", "in_progress", None, 2)],
            workflow_runs: vec![ci_run(70, "in_progress", None, 500)],
            ..Frame::default()
        },
        Frame {
            check_runs: vec![job1, in_suite(green(2, "test"), 500)],
            suites: vec![suite(
                500,
                "github-actions",
                "completed",
                Some("success"),
                2,
            )],
            workflow_runs: vec![ci_run(70, "completed", Some("success"), 500)],
            ..Frame::default()
        },
    ]);
    let out = s.check(&["--wait", "60s", "--poll", "100ms"]);
    assert_code(&out, 0, "green once the whole chain has run");
    assert_eq!(s.gh.rounds(), 3, "{}", text(&out));
    assert_says(&out, "CI is green: 2 checks passed");
}

#[test]
fn workflow_waiting_for_approval_is_red() {
    let s = Setup::new(vec![Frame {
        statuses: vec![status(1, "ci/legacy", "success")],
        suites: vec![suite(
            500,
            "github-actions",
            "completed",
            Some("action_required"),
            0,
        )],
        workflow_runs: vec![ci_run(70, "completed", Some("action_required"), 500)],
        ..Frame::default()
    }]);
    let out = s.check(&[]);
    assert_code(&out, 1, "a workflow waiting for approval proves nothing");
    assert_says(&out, "action_required");
}

/// `CI / test` and `Integration / test`: the same job name in two workflows.
fn two_workflows(ci: (u64, &str), integration: (u64, &str)) -> Frame {
    Frame {
        check_runs: vec![
            in_suite(concluded(ci.0, "test", ci.1), 500),
            in_suite(concluded(integration.0, "test", integration.1), 600),
        ],
        suites: vec![
            suite(500, "github-actions", "completed", Some(ci.1), 1),
            suite(600, "github-actions", "completed", Some(integration.1), 1),
        ],
        workflow_runs: vec![
            ci_run(70, "completed", Some(ci.1), 500),
            workflow_run(
                80,
                ".github/workflows/integration.yml",
                "completed",
                Some(integration.1),
                600,
            ),
        ],
        ..Frame::default()
    }
}

#[test]
fn same_job_name_in_two_workflows_is_two_checks() {
    // The reported case: CI's test failed, Integration's test passed later.
    let s = Setup::new(vec![two_workflows((1, "failure"), (2, "success"))]);
    let out = s.check(&["-v"]);
    assert_code(
        &out,
        1,
        "a later check of the same name in another workflow",
    );
    assert!(
        !stdout(&out).contains("superseded"),
        "another workflow's check must not supersede this one:\n{}",
        text(&out)
    );
    // Every combination of outcomes and of which came first.
    for (a, b, code) in [
        ("success", "success", 0),
        ("success", "failure", 1),
        ("failure", "success", 1),
        ("failure", "failure", 1),
    ] {
        for (ia, ib) in [(1, 2), (2, 1)] {
            let s = Setup::new(vec![two_workflows((ia, a), (ib, b))]);
            assert_code(
                &s.check(&[]),
                code,
                &format!("CI {a} #{ia}, Integration {b} #{ib}"),
            );
        }
    }
}

#[test]
fn workflow_rerun_attempt_2_green_after_attempt_1_red_is_green() {
    // Attempt 1 reported into suite 500 and failed; attempt 2 into suite 501 and passed.
    let mut latest = ci_run(70, "completed", Some("success"), 501);
    latest["run_attempt"] = json!(2);
    let s = Setup::new(vec![Frame {
        check_runs: vec![
            in_suite(concluded(1, "test", "failure"), 500),
            in_suite(green(2, "test"), 501),
        ],
        suites: vec![
            suite(500, "github-actions", "completed", Some("failure"), 1),
            suite(501, "github-actions", "completed", Some("success"), 1),
        ],
        workflow_runs: vec![latest],
        ..Frame::default()
    }]);
    s.gh.add_attempt(ci_run(70, "completed", Some("failure"), 500));
    let out = s.check(&["-v"]);
    assert_code(&out, 0, "the re-run of the same workflow run passed");
    assert_says(&out, "superseded");
    assert!(
        s.gh.seen()
            .iter()
            .any(|r| r.target.ends_with("/actions/runs/70/attempts/1")),
        "the earlier attempt was not read: {:?}",
        s.gh.seen()
    );
}

#[test]
fn workflow_rerun_attempt_2_red_after_attempt_1_green_is_red() {
    let mut latest = ci_run(70, "completed", Some("failure"), 501);
    latest["run_attempt"] = json!(2);
    let s = Setup::new(vec![Frame {
        check_runs: vec![
            in_suite(green(1, "test"), 500),
            in_suite(concluded(2, "test", "failure"), 501),
        ],
        suites: vec![
            suite(500, "github-actions", "completed", Some("success"), 1),
            suite(501, "github-actions", "completed", Some("failure"), 1),
        ],
        workflow_runs: vec![latest],
        ..Frame::default()
    }]);
    s.gh.add_attempt(ci_run(70, "completed", Some("success"), 500));
    assert_code(&s.check(&[]), 1, "the re-run failed");
}

#[test]
fn workflow_rerun_in_the_same_suite_supersedes_by_identity() {
    // GitHub may keep one suite across attempts: the re-run's check run has a higher id.
    let mut latest = ci_run(70, "completed", Some("success"), 500);
    latest["run_attempt"] = json!(2);
    let s = Setup::new(vec![Frame {
        check_runs: vec![
            in_suite(concluded(1, "test", "failure"), 500),
            in_suite(green(2, "test"), 500),
        ],
        suites: vec![suite(
            500,
            "github-actions",
            "completed",
            Some("success"),
            1,
        )],
        workflow_runs: vec![latest],
        ..Frame::default()
    }]);
    s.gh.add_attempt(ci_run(70, "completed", Some("failure"), 500));
    assert_code(&s.check(&[]), 0, "re-run green in the same suite");
}

// ---- required checks from the branch's rules ----

#[test]
fn ruleset_required_check_missing_is_red_and_named() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.gh.rules(Canned::json(
        200,
        &json!([status_checks_rule(&[("e2e", None), ("test", None)])]),
    ));
    let out = s.check(&[]);
    assert_code(&out, 1, "the ruleset requires e2e, which never reported");
    assert_says(&out, "never reported: e2e");
    assert_says(&out, "required by ruleset");
    assert!(
        s.gh.seen()
            .iter()
            .any(|r| r.target.starts_with("/repos/acme/shop/rules/branches/main")),
        "the default branch's rules were not read: {:?}",
        s.gh.seen()
    );
}

#[test]
fn ruleset_with_integration_id_is_met_only_by_that_app() {
    let rules = Canned::json(200, &json!([status_checks_rule(&[("test", Some(15368))])]));
    // GitHub Actions (app 15368) reports `test`: green.
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.gh.rules(rules.clone());
    assert_code(&s.check(&[]), 0, "the pinned app reported it");
    // Another app reports a green `test`: not evidence for the rule.
    let s = Setup::new(vec![Frame::runs(vec![
        from_app(green(1, "test"), 4242, "sneaky-bot"),
        green(2, "lint"),
    ])]);
    s.gh.rules(rules);
    let out = s.check(&[]);
    assert_code(&out, 1, "a check of the right name from the wrong app");
    assert_says(&out, "sneaky-bot");
    assert_says(&out, "not evidence");
}

#[test]
fn configured_app_pin_is_met_only_by_that_app() {
    let s = Setup::new(vec![Frame::runs(vec![
        from_app(green(1, "test"), 4242, "sneaky-bot"),
        green(2, "lint"),
    ])]);
    s.repo.write(
        "gatekeeper.yml",
        "deploy:\n  github:\n    required: [\"github-actions/test\", {name: \"ci/jenkins\", app: \"15368\"}]\n",
    );
    let out = s.check(&[]);
    assert_code(&out, 1, "only sneaky-bot reported `test`");
    assert_says(&out, "sneaky-bot");
    let out = s.check(&["--require", "sneaky-bot/test", "--format", "json"]);
    let r = json_of(&out);
    let req = r["graph"]["required"].as_array().unwrap();
    assert!(
        req.iter()
            .any(|q| q["name"] == "test" && q["app"] == "sneaky-bot" && q["verdict"] == "pass"),
        "{req:?}"
    );
}

#[test]
fn rulesets_404_and_403_are_said_and_the_configured_names_still_apply() {
    for (status, message) in [
        (404, "Not Found"),
        (403, "Resource not accessible by integration"),
    ] {
        let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
        s.gh.rules(Canned::error(status, message));
        let out = s.check(&["--require", "test"]);
        assert_code(&out, 0, &format!("rulesets answered {status}"));
        assert_says(
            &out,
            &format!("rulesets unreadable (HTTP {status}: {message})"),
        );
        let out = s.check(&["--require", "e2e"]);
        assert_code(&out, 1, "the configured name still counts");
    }
}

#[test]
fn classic_protection_is_read_when_allowed_and_absence_is_said() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    let out = s.check(&[]);
    assert_code(&out, 0, "no protection");
    assert_says(&out, "branch protection absent (Branch not protected)");
    s.gh.protection(Canned::json(
        200,
        &json!({
            "url": "https://api.github.com/repos/acme/shop/branches/main/protection/required_status_checks",
            "strict": true,
            "contexts": ["test", "security"],
            "checks": [{"context": "test", "app_id": 15368}, {"context": "security", "app_id": null}],
            "contexts_url": "https://api.github.com/repos/acme/shop/branches/main/protection/required_status_checks/contexts"
        }),
    ));
    let out = s.check(&[]);
    assert_code(&out, 1, "protection requires `security`, never reported");
    assert_says(&out, "never reported: security");
    assert_says(&out, "branch protection");
}

#[test]
fn branch_flag_and_config_choose_whose_rules_are_read() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    let out = s.check(&["--branch", "release/2.x"]);
    assert_code(&out, 0, "no rules there");
    assert!(
        s.gh.seen().iter().any(|r| r
            .target
            .starts_with("/repos/acme/shop/rules/branches/release%2F2.x")),
        "{:?}",
        s.gh.seen()
    );
    s.repo.write(
        "gatekeeper.yml",
        "deploy:\n  github:\n    branch: production\n",
    );
    assert_code(&s.check(&[]), 0, "config branch");
    assert!(s.gh.seen().iter().any(|r| {
        r.target
            .starts_with("/repos/acme/shop/rules/branches/production")
    }));
}

#[test]
fn unreadable_default_branch_is_said_and_configured_names_still_apply() {
    let s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.gh.default_branch(None);
    let out = s.check(&["--require", "test"]);
    assert_code(&out, 0, "no branch, configured name green");
    assert_says(&out, "default branch could not be read");
}

// ---- inside GitHub Actions ----

/// A deploy workflow (run 555, suite 2000) whose `deploy` job (check run 3) runs
/// deploy-check, beside CI's green `test`; `siblings` are other jobs of the deploy run.
fn deploy_run(siblings: Vec<Value>) -> Setup {
    let mut check_runs = vec![
        in_suite(green(1, "test"), 1000),
        in_suite(check_run(3, "deploy", "in_progress", None), 2000),
    ];
    check_runs.extend(siblings.into_iter().map(|j| in_suite(j, 2000)));
    let own = workflow_run(
        555,
        ".github/workflows/deploy.yml",
        "in_progress",
        None,
        2000,
    );
    let mut s = Setup::new(vec![Frame {
        check_runs,
        suites: vec![
            suite(1000, "github-actions", "completed", Some("success"), 1),
            suite(2000, "github-actions", "in_progress", None, 2),
        ],
        workflow_runs: vec![ci_run(70, "completed", Some("success"), 1000), own.clone()],
        ..Frame::default()
    }]);
    s.gh.add_run_by_id(own);
    s.gh.runner(3, "GitHub Actions 7");
    s.repo.set_env("GITHUB_ACTIONS", "true");
    s.repo.set_env("GITHUB_RUN_ID", "555");
    s.repo.set_env("GITHUB_RUN_ATTEMPT", "1");
    s.repo.set_env("GITHUB_REPOSITORY", "acme/shop");
    s
}

#[test]
fn own_job_never_waits_on_itself_and_finished_needs_count() {
    let s = deploy_run(vec![green(2, "build")]);
    let out = s.check(&["-v"]);
    assert_code(&out, 0, "its own job left out, the job it needs is done");
    assert_says(&out, "the job executing deploy-check");
    assert!(
        s.gh.seen().iter().any(|r| r
            .target
            .starts_with("/repos/acme/shop/actions/runs/555/attempts/1/jobs")),
        "{:?}",
        s.gh.seen()
    );
    // A finished job of the same run that failed blocks.
    let s = deploy_run(vec![concluded(2, "build", "failure")]);
    assert_code(&s.check(&[]), 1, "a failed job of the same run");
}

#[test]
fn parallel_job_still_running_in_the_same_run_is_pending() {
    let mut s = deploy_run(vec![check_run(4, "e2e", "in_progress", None)]);
    s.gh.runner(4, "GitHub Actions 8");
    // Told apart by the runner's name.
    s.repo.set_env("RUNNER_NAME", "GitHub Actions 7");
    let out = s.check(&[]);
    assert_code(&out, 4, "e2e runs in parallel and has not finished");
    assert_says(&out, "e2e (in_progress)");
    // Told apart by the check-run id the workflow hands over.
    s.repo.set_env("RUNNER_NAME", "");
    s.repo.set_env("GATEKEEPER_CHECK_RUN_ID", "3");
    assert_code(&s.check(&[]), 4, "still pending, named by check-run id");
    // When it cannot be told apart, nothing is left out, and the output says how to fix it.
    s.repo.set_env("GATEKEEPER_CHECK_RUN_ID", "");
    let out = s.check(&[]);
    assert_code(&out, 4, "two unfinished jobs, neither known to be this one");
    assert_says(&out, "GATEKEEPER_CHECK_RUN_ID");
}

// ---- output ----

#[test]
fn verbose_output_is_the_graph_and_json_carries_it() {
    let s = Setup::new(vec![Frame {
        check_runs: vec![
            in_suite(green(1, "build"), 500),
            in_suite(check_run(2, "test", "in_progress", None), 500),
        ],
        statuses: vec![status(9, "ci/legacy", "success")],
        suites: vec![suite(500, "github-actions", "in_progress", None, 2)],
        workflow_runs: vec![ci_run(70, "in_progress", None, 500)],
    }]);
    let out = s.check(&["-v", "--require", "test"]);
    assert_code(&out, 4, "pending");
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` line:\n{}", text(&out)))
    };
    let (wf, build, test, legacy, req) = (
        at("workflow ci.yml"),
        at("job          build"),
        at("job          test"),
        at("status       ci/legacy"),
        at("required     test"),
    );
    assert!(
        wf < build && build < test && test < legacy && legacy < req,
        "{lines:#?}"
    );
    let r = json_of(&s.check(&["--format", "json", "--require", "test"]));
    let w = &r["graph"]["workflows"][0];
    assert_eq!(w["id"], 70);
    assert_eq!(w["verdict"], "pending");
    assert_eq!(w["jobs"].as_array().map(Vec::len), Some(2));
    assert_eq!(r["graph"]["statuses"][0]["name"], "ci/legacy");
    assert_eq!(r["graph"]["required"][0]["name"], "test");
    assert_eq!(r["graph"]["required"][0]["verdict"], "pending");
    assert_eq!(r["rules"]["branch"], "main");
}

#[test]
fn token_is_scrubbed_in_json_html_and_url_encoded_forms() {
    // A token with characters that every encoding changes.
    let token = "ghs_Tok/en+Va=lu&e<x>\"q'9";
    let json_form = serde_json::to_string(token).unwrap();
    let json_form = json_form.trim_matches('"').to_owned();
    let html_form = token
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let url_form: String = token
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let forms = [
        token.to_owned(),
        json_form.clone(),
        html_form.clone(),
        url_form.clone(),
    ];
    let check_output = |out: &Output| {
        let all = format!("{}{}", stdout(out), stderr(out));
        for f in &forms {
            assert!(
                !all.contains(f.as_str()),
                "a form of the token was printed ({f}):\n{all}"
            );
        }
        assert!(all.contains("<redacted>"), "{all}");
    };
    // An HTML error page (5xx body excerpt) carrying the HTML and URL forms.
    let mut s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.repo.set_env("GITHUB_TOKEN", token);
    s.gh.always(
        "/check-runs",
        Canned {
            status: 502,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: format!(
                "<html><body>bad gateway for {html_form} at /?t={url_form}</body></html>"
            ),
        },
    );
    let out = s.repo.gk(&["deploy-check"]);
    assert_code(&out, 3, "502");
    check_output(&out);
    // A JSON error whose message, once decoded, still holds a JSON-escaped copy.
    let mut s = Setup::new(vec![Frame::runs(vec![green(1, "test")])]);
    s.repo.set_env("GITHUB_TOKEN", token);
    s.gh.always(
        "/check-runs",
        Canned::json(
            403,
            &json!({"message": format!("token {{\"t\":\"{json_form}\"}} and {url_form} refused")}),
        ),
    );
    let out = s.repo.gk(&["deploy-check"]);
    assert_code(&out, 3, "403");
    check_output(&out);
    // Server text inside a green report (a status description) is scrubbed too.
    let mut st = status(1, "ci/legacy", "success");
    st["description"] = json!(format!("built with {html_form} {json_form} {url_form}"));
    let mut s = Setup::new(vec![Frame {
        check_runs: vec![green(1, "test")],
        statuses: vec![st],
        ..Frame::default()
    }]);
    s.repo.set_env("GITHUB_TOKEN", token);
    for args in [
        vec!["deploy-check", "-v"],
        vec!["deploy-check", "--format", "json"],
    ] {
        let out = s.repo.gk(&args);
        assert_code(&out, 0, "green");
        check_output(&out);
    }
}

#[test]
fn a_list_at_githubs_1000_cap_is_undecided() {
    let runs: Vec<Value> = (1..=1000)
        .map(|i| {
            workflow_run(
                i,
                ".github/workflows/ci.yml",
                "completed",
                Some("success"),
                5000 + i,
            )
        })
        .collect();
    let s = Setup::new(vec![Frame {
        check_runs: vec![green(1, "test")],
        workflow_runs: runs,
        ..Frame::default()
    }]);
    let out = s.check(&[]);
    assert_code(&out, 3, "1,000 runs may be a truncated list");
    assert_says(&out, "may be incomplete");
}
