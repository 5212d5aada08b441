use super::*;
use crate::github::{AppRef, EarlierAttempt, SuiteRef};

fn run(id: u64, name: &str, status: &str, conclusion: Option<&str>) -> CheckRun {
    CheckRun {
        id,
        name: name.into(),
        status: status.into(),
        conclusion: conclusion.map(Into::into),
        started_at: None,
        html_url: None,
        app: Some(AppRef {
            id: Some(15368),
            slug: Some("github-actions".into()),
            name: None,
        }),
        check_suite: Some(SuiteRef { id: 100 }),
    }
}

fn ok(id: u64, name: &str) -> CheckRun {
    run(id, name, "completed", Some("success"))
}

fn in_suite(mut r: CheckRun, suite: u64) -> CheckRun {
    r.check_suite = Some(SuiteRef { id: suite });
    r
}

fn status(context: &str, state: &str) -> CommitStatus {
    CommitStatus {
        id: None,
        context: context.into(),
        state: state.into(),
        description: None,
        target_url: None,
        updated_at: None,
    }
}

fn ev(check_runs: Vec<CheckRun>) -> CommitEvidence {
    CommitEvidence {
        check_runs,
        ..CommitEvidence::default()
    }
}

fn reqs(required: &[&str]) -> Vec<Requirement> {
    required
        .iter()
        .map(|s| Requirement::parse(s, "--require"))
        .collect()
}

fn verdict_of(e: &CommitEvidence, required: &[&str]) -> Verdict {
    evaluate(e, &reqs(required), None, true)
}

#[test]
fn all_green_is_green() {
    let v = verdict_of(&ev(vec![ok(1, "test"), ok(2, "lint")]), &["test"]);
    assert_eq!(v.overall, Overall::Green, "{v:?}");
}

#[test]
fn every_blocking_conclusion_is_red() {
    for c in [
        "failure",
        "timed_out",
        "cancelled",
        "action_required",
        "stale",
        "brand_new_value",
    ] {
        let v = verdict_of(
            &ev(vec![ok(1, "a"), run(2, "b", "completed", Some(c))]),
            &[],
        );
        assert_eq!(v.overall, Overall::Red, "{c}: {v:?}");
        assert!(v.reason.contains('b'), "{c}: {}", v.reason);
    }
}

#[test]
fn unfinished_run_is_pending() {
    for s in [
        "queued",
        "in_progress",
        "waiting",
        "requested",
        "pending",
        "something_new",
    ] {
        let v = verdict_of(&ev(vec![ok(1, "a"), run(2, "b", s, None)]), &[]);
        assert_eq!(v.overall, Overall::Pending, "{s}: {v:?}");
    }
}

#[test]
fn neutral_and_skipped_are_not_evidence() {
    let v = verdict_of(
        &ev(vec![
            run(1, "a", "completed", Some("neutral")),
            run(2, "b", "completed", Some("skipped")),
        ]),
        &[],
    );
    assert_eq!(v.overall, Overall::Red);
    assert!(v.no_evidence);
}

#[test]
fn nothing_at_all_is_red_without_evidence() {
    let v = verdict_of(&CommitEvidence::default(), &[]);
    assert_eq!(v.overall, Overall::Red);
    assert!(v.no_evidence);
}

#[test]
fn rerun_green_after_failure_in_the_same_suite_passes() {
    let v = verdict_of(
        &ev(vec![
            run(1, "test", "completed", Some("failure")),
            ok(2, "test"),
        ]),
        &[],
    );
    assert_eq!(v.overall, Overall::Green, "{v:?}");
    assert_eq!(v.excluded.len(), 1);
}

#[test]
fn rerun_red_after_success_blocks_whatever_the_order() {
    let v = verdict_of(
        &ev(vec![
            run(9, "test", "completed", Some("failure")),
            ok(3, "test"),
        ]),
        &[],
    );
    assert_eq!(v.overall, Overall::Red, "{v:?}");
}

#[test]
fn same_name_from_two_apps_is_two_checks() {
    let mut other = run(1, "test", "completed", Some("failure"));
    other.app = Some(AppRef {
        id: Some(7),
        slug: Some("other".into()),
        name: None,
    });
    let v = verdict_of(&ev(vec![other, ok(2, "test")]), &[]);
    assert_eq!(v.overall, Overall::Red, "{v:?}");
}

#[test]
fn same_job_name_in_two_workflows_is_two_checks() {
    // `CI / test` failed; `Integration / test` passed later: not a re-run of the same check.
    let mut e = ev(vec![
        in_suite(run(1, "test", "completed", Some("failure")), 10),
        in_suite(ok(2, "test"), 20),
    ]);
    e.workflow_runs = vec![
        wf(100, "CI", "completed", Some("failure"), 10, 1),
        wf(200, "Integration", "completed", Some("success"), 20, 1),
    ];
    let v = verdict_of(&e, &[]);
    assert_eq!(v.overall, Overall::Red, "{v:?}");
    assert!(
        v.excluded.is_empty(),
        "nothing superseded: {:?}",
        v.excluded
    );
    // Every order of ids and conclusions.
    for (a, b) in [("success", "failure"), ("failure", "success")] {
        for (id_a, id_b) in [(1, 2), (2, 1)] {
            let mut e = ev(vec![
                in_suite(run(id_a, "test", "completed", Some(a)), 10),
                in_suite(run(id_b, "test", "completed", Some(b)), 20),
            ]);
            e.workflow_runs = vec![
                wf(100, "CI", "completed", Some(a), 10, 1),
                wf(200, "Integration", "completed", Some(b), 20, 1),
            ];
            assert_eq!(
                verdict_of(&e, &[]).overall,
                Overall::Red,
                "{a}/{b} {id_a}/{id_b}"
            );
        }
    }
}

#[test]
fn status_error_blocks_green_runs() {
    let mut e = ev(vec![ok(1, "test")]);
    e.statuses = vec![status("ci/legacy", "error")];
    assert_eq!(verdict_of(&e, &[]).overall, Overall::Red);
}

#[test]
fn statuses_alone_can_be_green_or_pending() {
    let e = CommitEvidence {
        statuses: vec![status("ci", "success")],
        ..CommitEvidence::default()
    };
    assert_eq!(verdict_of(&e, &["ci"]).overall, Overall::Green);
    let e = CommitEvidence {
        statuses: vec![status("ci", "pending")],
        ..CommitEvidence::default()
    };
    assert_eq!(verdict_of(&e, &[]).overall, Overall::Pending);
}

#[test]
fn missing_required_is_pending_then_red() {
    let e = ev(vec![ok(1, "test")]);
    let req = reqs(&["e2e"]);
    assert_eq!(evaluate(&e, &req, None, false).overall, Overall::Pending);
    let v = evaluate(&e, &req, None, true);
    assert_eq!(v.overall, Overall::Red);
    assert!(v.reason.contains("e2e"), "{}", v.reason);
}

#[test]
fn required_that_only_skipped_is_red() {
    let v = verdict_of(
        &ev(vec![
            ok(1, "a"),
            run(2, "e2e", "completed", Some("skipped")),
        ]),
        &["e2e"],
    );
    assert_eq!(v.overall, Overall::Red, "{v:?}");
}

#[test]
fn required_check_from_the_wrong_app_is_not_evidence() {
    let mut forged = ok(1, "test");
    forged.app = Some(AppRef {
        id: Some(999),
        slug: Some("evil-app".into()),
        name: None,
    });
    let e = ev(vec![forged, ok(2, "lint")]);
    let pinned = vec![Requirement {
        name: "test".into(),
        app: Some(AppPin::Id(15368)),
        from: vec!["ruleset".into()],
    }];
    let v = evaluate(&e, &pinned, None, true);
    assert_eq!(v.overall, Overall::Red, "{v:?}");
    let line = &v.graph.required[0];
    assert_eq!(line.verdict, CheckVerdict::Missing);
    assert!(
        line.note.as_deref().unwrap().contains("evil-app"),
        "{line:?}"
    );
    // The right app satisfies it.
    let e = ev(vec![ok(1, "test")]);
    assert_eq!(evaluate(&e, &pinned, None, true).overall, Overall::Green);
    // A status of that name does not: statuses name no app.
    let e = CommitEvidence {
        check_runs: vec![ok(2, "lint")],
        statuses: vec![status("test", "success")],
        ..CommitEvidence::default()
    };
    assert_eq!(evaluate(&e, &pinned, None, true).overall, Overall::Red);
}

fn suite(id: u64, slug: &str, status: &str, conclusion: Option<&str>, runs: u64) -> CheckSuite {
    CheckSuite {
        id,
        status: Some(status.into()),
        conclusion: conclusion.map(Into::into),
        app: Some(AppRef {
            id: Some(id),
            slug: Some(slug.into()),
            name: None,
        }),
        latest_check_runs_count: Some(runs),
    }
}

#[test]
fn startup_failure_suite_without_runs_is_red() {
    let mut e = ev(vec![ok(1, "test")]);
    e.suites = vec![suite(
        5,
        "github-actions",
        "completed",
        Some("startup_failure"),
        0,
    )];
    let v = verdict_of(&e, &[]);
    assert_eq!(v.overall, Overall::Red, "{v:?}");
}

#[test]
fn queued_empty_suite_blocks_only_when_its_app_is_required() {
    let mut e = ev(vec![ok(1, "test")]);
    e.suites = vec![suite(5, "cursor", "queued", None, 0)];
    assert_eq!(verdict_of(&e, &[]).overall, Overall::Green);
    assert_eq!(
        evaluate(&e, &reqs(&["cursor"]), None, false).overall,
        Overall::Pending
    );
}

fn wf(
    id: u64,
    name: &str,
    status: &str,
    conclusion: Option<&str>,
    suite: u64,
    attempt: u64,
) -> WorkflowRun {
    WorkflowRun {
        id,
        name: Some(name.into()),
        path: Some(format!(".github/workflows/{}.yml", name.to_lowercase())),
        event: Some("push".into()),
        status: Some(status.into()),
        conclusion: conclusion.map(Into::into),
        workflow_id: Some(id),
        run_attempt: Some(attempt),
        check_suite_id: Some(suite),
        html_url: None,
    }
}

#[test]
fn startup_failure_workflow_run_is_red_and_reported_once() {
    let mut e = ev(vec![ok(1, "test")]);
    e.workflow_runs = vec![wf(10, "CI", "completed", Some("startup_failure"), 5, 1)];
    e.suites = vec![suite(
        5,
        "github-actions",
        "completed",
        Some("startup_failure"),
        0,
    )];
    let v = verdict_of(&e, &[]);
    assert_eq!(v.overall, Overall::Red);
    assert_eq!(
        v.checks
            .iter()
            .filter(|c| c.verdict == CheckVerdict::Fail)
            .count(),
        1,
        "{v:?}"
    );
}

#[test]
fn queued_workflow_without_jobs_is_pending_despite_a_green_status() {
    let mut e = CommitEvidence {
        statuses: vec![status("deploy/preview", "success")],
        ..CommitEvidence::default()
    };
    e.workflow_runs = vec![wf(10, "CI", "queued", None, 5, 1)];
    e.suites = vec![suite(5, "github-actions", "queued", None, 0)];
    let v = verdict_of(&e, &[]);
    assert_eq!(v.overall, Overall::Pending, "{v:?}");
    assert!(v.reason.contains("CI"), "{}", v.reason);
}

#[test]
fn needs_chain_between_jobs_is_pending() {
    let mut e = ev(vec![in_suite(ok(1, "build"), 5)]);
    e.workflow_runs = vec![wf(10, "CI", "in_progress", None, 5, 1)];
    e.suites = vec![suite(5, "github-actions", "in_progress", None, 1)];
    let v = verdict_of(&e, &[]);
    assert_eq!(v.overall, Overall::Pending, "{v:?}");
    // Its suite alone says so too.
    let mut e = ev(vec![in_suite(ok(1, "build"), 5)]);
    e.workflow_runs = vec![wf(10, "CI", "completed", Some("success"), 5, 1)];
    e.suites = vec![suite(5, "github-actions", "in_progress", None, 1)];
    assert_eq!(verdict_of(&e, &[]).overall, Overall::Pending);
}

#[test]
fn workflow_waiting_for_approval_is_red() {
    let mut e = CommitEvidence {
        statuses: vec![status("ci/legacy", "success")],
        ..CommitEvidence::default()
    };
    e.workflow_runs = vec![wf(10, "CI", "completed", Some("action_required"), 5, 1)];
    e.suites = vec![suite(
        5,
        "github-actions",
        "completed",
        Some("action_required"),
        0,
    )];
    let v = verdict_of(&e, &[]);
    assert_eq!(v.overall, Overall::Red, "{v:?}");
    assert!(v.reason.contains("action_required"), "{}", v.reason);
}

#[test]
fn workflow_rerun_with_a_new_suite_supersedes_its_first_attempt() {
    // Attempt 1 (suite 5) failed; attempt 2 (suite 6) passed.
    let mut e = ev(vec![
        in_suite(run(1, "test", "completed", Some("failure")), 5),
        in_suite(ok(2, "test"), 6),
    ]);
    e.workflow_runs = vec![wf(10, "CI", "completed", Some("success"), 6, 2)];
    e.suites = vec![
        suite(5, "github-actions", "completed", Some("failure"), 1),
        suite(6, "github-actions", "completed", Some("success"), 1),
    ];
    e.earlier_attempts = vec![EarlierAttempt {
        check_suite_id: 5,
        run_id: 10,
        run_attempt: 1,
    }];
    let v = verdict_of(&e, &[]);
    assert_eq!(v.overall, Overall::Green, "{v:?}");
    // The reverse: attempt 1 passed, attempt 2 failed.
    let mut e = ev(vec![
        in_suite(ok(1, "test"), 5),
        in_suite(run(2, "test", "completed", Some("failure")), 6),
    ]);
    e.workflow_runs = vec![wf(10, "CI", "completed", Some("failure"), 6, 2)];
    e.earlier_attempts = vec![EarlierAttempt {
        check_suite_id: 5,
        run_id: 10,
        run_attempt: 1,
    }];
    assert_eq!(verdict_of(&e, &[]).overall, Overall::Red);
}

#[test]
fn own_job_is_left_out_and_parallel_jobs_still_count() {
    let mut me = in_suite(run(3, "deploy", "in_progress", None), 77);
    me.name = "deploy".into();
    let sibling_done = in_suite(ok(4, "unit"), 77);
    let mut e = ev(vec![ok(1, "test"), me, sibling_done]);
    e.workflow_runs = vec![wf(50, "Deploy", "in_progress", None, 77, 1)];
    e.suites = vec![suite(77, "github-actions", "in_progress", None, 2)];
    let own = OwnRun {
        run_id: 50,
        check_suite_id: Some(77),
        own_check_run: Some(3),
        unidentified: None,
    };
    let v = evaluate(&e, &[], Some(&own), true);
    assert_eq!(v.overall, Overall::Green, "{v:?}");
    let v = evaluate(&e, &[], None, true);
    assert_eq!(v.overall, Overall::Pending, "{v:?}");
    // A parallel job of the same run still running is pending.
    e.check_runs
        .push(in_suite(run(5, "e2e", "in_progress", None), 77));
    let v = evaluate(&e, &[], Some(&own), true);
    assert_eq!(v.overall, Overall::Pending, "{v:?}");
    assert!(v.reason.contains("e2e"), "{}", v.reason);
}
