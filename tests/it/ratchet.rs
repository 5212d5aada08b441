//! Integration tests: coverage and budget ratchets, baselines.

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, text};

/// A gate writing an lcov report with `hit` of 10 lines covered in a.rs and all 10 in b.rs.
fn lcov_gate(hit: usize, rule: &str) -> String {
    let mut das = String::new();
    for i in 1..=10 {
        das.push_str(&format!("DA:{i},{}\\n", usize::from(i <= hit)));
    }
    let mut full = String::new();
    for i in 1..=10 {
        full.push_str(&format!("DA:{i},1\\n"));
    }
    format!(
        "gates:\n  cov:\n    run: printf 'SF:a.rs\\n{das}end_of_record\\nSF:b.rs\\n{full}end_of_record\\n' > lcov.info\n    coverage: {rule}\n    cache: false\n"
    )
}

fn repo(sb: &Sandbox, config: &str) -> TestRepo {
    let r = sb.repo("r");
    r.write(".gitignore", "lcov.info\ncoverage.xml\n");
    r.setup(config);
    r
}

fn baseline(r: &TestRepo, json: &str) {
    r.write(".gatekeeper/baselines.json", json);
}

#[test]
fn coverage_under_min_fails_naming_figure_and_threshold() {
    let sb = Sandbox::new();
    let r = repo(&sb, &lcov_gate(5, "{ report: lcov.info, min: 80 }"));
    let out = r.gk(&["run", "--all-files"]);
    assert_code(&out, 1, "75% < 80%");
    assert!(
        text(&out).contains("75.00% is under the minimum 80%"),
        "{}",
        text(&out)
    );
}

#[test]
fn coverage_under_baseline_fails_naming_the_files_that_fell() {
    let sb = Sandbox::new();
    let r = repo(
        &sb,
        &lcov_gate(6, "{ report: lcov.info, format: lcov, min: 50 }"),
    );
    baseline(
        &r,
        r#"{"gates":{"cov":{"coverage":95.0,"files":{"a.rs":90.0,"b.rs":100.0}}}}"#,
    );
    let out = r.gk(&["run", "--all-files"]);
    assert_code(&out, 1, "80% is below the 95% baseline");
    let all = text(&out);
    assert!(all.contains("fell below the baseline 95.00%"), "{all}");
    assert!(all.contains("a.rs 90.0% → 60.0%"), "{all}");
    assert!(!all.contains("b.rs 100"), "b.rs did not fall:\n{all}");
}

#[test]
fn coverage_at_baseline_and_within_tolerance_passes() {
    let sb = Sandbox::new();
    let r = repo(&sb, &lcov_gate(6, "{ report: lcov.info, min: 50 }"));
    baseline(&r, r#"{"gates":{"cov":{"coverage":80.0}}}"#);
    assert_success(&r.gk(&["run", "--all-files"]), "at the baseline");
    baseline(&r, r#"{"gates":{"cov":{"coverage":80.05}}}"#);
    assert_success(
        &r.gk(&["run", "--all-files"]),
        "within the default 0.1 tolerance",
    );
    baseline(&r, r#"{"gates":{"cov":{"coverage":80.5}}}"#);
    assert_code(&r.gk(&["run", "--all-files"]), 1, "beyond the tolerance");
}

#[test]
fn cobertura_reports_are_read() {
    let sb = Sandbox::new();
    let xml = r#"<?xml version="1.0"?><coverage line-rate="0.5"><packages><package><classes><class filename="m.py"><lines><line number="1" hits="3"/><line number="2" hits="0"/><line number="3" hits="0"/><line number="4" hits="1"/></lines></class></classes></package></packages></coverage>"#;
    let r = repo(
        &sb,
        &format!(
            "gates:\n  cov:\n    run: printf '%s' '{xml}' > coverage.xml\n    coverage: {{ report: coverage.xml, format: cobertura, min: 60 }}\n"
        ),
    );
    let out = r.gk(&["run", "--all-files"]);
    assert_code(&out, 1, "50% < 60%");
    assert!(text(&out).contains("50.00%"), "{}", text(&out));
}

#[test]
fn budget_increase_over_and_under_the_limit() {
    let sb = Sandbox::new();
    let cfg = |size: u32| {
        format!(
            "gates:\n  bundle:\n    run: echo 'bundle size:'; echo {size}\n    budget: {{ max_increase: 10240 }}\n"
        )
    };
    let r = repo(&sb, &cfg(1000));
    baseline(&r, r#"{"gates":{"bundle":{"budget":1000.0}}}"#);
    assert_success(&r.gk(&["run", "--all-files"]), "no growth");
    r.write("gatekeeper.yml", cfg(11_000));
    assert_success(&r.gk(&["run", "--all-files"]), "grew 10000 <= 10240");
    r.write("gatekeeper.yml", cfg(12_000));
    let out = r.gk(&["run", "--all-files"]);
    assert_code(&out, 1, "grew 11000 > 10240");
    assert!(
        text(&out).contains("grew by 11000 over the baseline 1000"),
        "{}",
        text(&out)
    );
}

#[test]
fn budget_absolute_max_and_file_and_json_metrics() {
    let sb = Sandbox::new();
    let r = repo(
        &sb,
        "gates:\n  size:\n    run: echo 500 > size.txt\n    budget: { metric: 'file:size.txt', max: 400 }\n  load:\n    run: echo '{\"timing\":{\"ms\":90}}' > t.json\n    budget: { metric: 'json:t.json#/timing/ms', max: 100 }\n",
    );
    let out = r.gk(&["run", "--all-files", "--format", "json"]);
    assert_code(&out, 1, "size is over its max");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["gates"][0]["verdict"], "failed");
    assert_eq!(v["gates"][0]["figures"]["budget"], 500.0);
    assert_eq!(v["gates"][1]["verdict"], "passed");
    assert_eq!(v["gates"][1]["figures"]["budget"], 90.0);
}

#[test]
fn baseline_update_records_figures_deterministically() {
    let sb = Sandbox::new();
    let r = repo(&sb, &lcov_gate(7, "{ report: lcov.info }"));
    assert_success(&r.gk(&["baseline", "update"]), "update");
    let first = r.read(".gatekeeper/baselines.json");
    let v: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(v["gates"]["cov"]["coverage"], 85.0);
    assert_eq!(v["gates"]["cov"]["files"]["a.rs"], 70.0);
    assert_success(&r.gk(&["baseline", "update"]), "again");
    assert_eq!(
        r.read(".gatekeeper/baselines.json"),
        first,
        "byte-identical on the same figures"
    );
}

#[test]
fn loosening_a_baseline_is_refused_in_an_agent_session() {
    let sb = Sandbox::new();
    let mut r = repo(&sb, &lcov_gate(5, "{ report: lcov.info }"));
    baseline(&r, r#"{"gates":{"cov":{"coverage":90.0}}}"#);
    r.set_env("GATEKEEPER_SESSION", "s-1");
    let out = r.gk(&["baseline", "update"]);
    assert_code(&out, 1, "lower coverage inside a session");
    assert!(
        text(&out).contains("refused inside an agent session"),
        "{}",
        text(&out)
    );
    assert_eq!(
        r.read(".gatekeeper/baselines.json"),
        br#"{"gates":{"cov":{"coverage":90.0}}}"#
    );
    r.set_env("GATEKEEPER_SESSION", "");
    let out = r.gk(&["baseline", "update"]);
    assert_success(&out, "a human may loosen");
    assert!(text(&out).contains("loosened"), "{}", text(&out));
}

/// Makes `r` sign commits with a fresh SSH key listed in `.gatekeeper/allowed_signers`
/// (committed), so that the base of the next change has the signer.
fn allow_signer(r: &TestRepo, sb: &Sandbox) {
    let key = sb.path().join("signing-key");
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen");
    assert!(out.status.success(), "ssh-keygen failed");
    r.git(&["config", "gpg.format", "ssh"]);
    r.git(&["config", "user.signingkey", &key.to_string_lossy()]);
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    r.write(
        ".gatekeeper/allowed_signers",
        format!("committer@example.com {}\n", public.trim()),
    );
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "allowed signers"]);
}

#[test]
fn ci_refuses_an_unsigned_baseline_loosening_and_accepts_a_signed_one() {
    let sb = Sandbox::new();
    let r = repo(&sb, "gates:\n  ok:\n    run: 'true'\n    stages: [ci]\n");
    baseline(
        &r,
        r#"{"gates":{"cov":{"coverage":90.0},"bundle":{"budget":100.0}}}"#,
    );
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "baselines"]);
    allow_signer(&r, &sb);
    let base = r.head();
    baseline(
        &r,
        r#"{"gates":{"cov":{"coverage":85.0},"bundle":{"budget":100.0}}}"#,
    );
    r.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-am",
        "lower the coverage baseline",
    ]);
    let out = r.gk(&["ci", "--base", &base]);
    assert_code(&out, 1, "unsigned loosening");
    assert!(text(&out).contains("baseline-loosened"), "{}", text(&out));
    r.git(&["reset", "-q", "--hard", &base]);
    baseline(
        &r,
        r#"{"gates":{"cov":{"coverage":85.0},"bundle":{"budget":100.0}}}"#,
    );
    r.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-S",
        "-am",
        "signed: lower the coverage baseline",
    ]);
    assert_success(&r.gk(&["ci", "--base", &base]), "a signed loosening");
    r.git(&["reset", "-q", "--hard", &base]);
    baseline(
        &r,
        r#"{"gates":{"cov":{"coverage":95.0},"bundle":{"budget":90.0}}}"#,
    );
    r.git(&["commit", "-q", "--no-verify", "-am", "tighten"]);
    assert_success(
        &r.gk(&["ci", "--base", &base]),
        "tightening needs no signature",
    );
}

#[test]
fn ci_refuses_an_unsigned_weakening_of_the_config() {
    let sb = Sandbox::new();
    let r = repo(
        &sb,
        "gates:\n  test:\n    run: 'true'\n    required: true\n  lint:\n    run: 'true'\n    stages: [pre-commit, ci]\n",
    );
    let base = r.head();
    for (weaker, what) in [
        ("gates:\n  test:\n    run: 'true'\n", "gates.lint: removed"),
        (
            "gates:\n  test:\n    run: 'true'\n  lint:\n    run: 'true'\n    stages: [pre-commit, ci]\n",
            "gates.test.required: dropped",
        ),
        (
            "gates:\n  test:\n    run: 'true'\n    required: true\n  lint:\n    run: 'true'\n    stages: [pre-commit]\n",
            "gates.lint.stages: ci removed",
        ),
        (
            "gates:\n  test:\n    run: echo changed\n    required: true\n  lint:\n    run: 'true'\n    stages: [pre-commit, ci]\n",
            r#"gates.test.run: changed from "true" to "echo changed""#,
        ),
    ] {
        r.git(&["reset", "-q", "--hard", &base]);
        r.write("gatekeeper.yml", weaker);
        r.git(&["commit", "-q", "--no-verify", "-am", "weaken"]);
        let mut c = r.gk_cmd(&["ci", "--base", &base]);
        c.env("CI", "true");
        let out = c.output().unwrap();
        assert_code(&out, 1, what);
        assert!(text(&out).contains(what), "{what}:\n{}", text(&out));
    }
    r.git(&["reset", "-q", "--hard", &base]);
    r.write(
        "gatekeeper.yml",
        "gates:\n  test:\n    run: 'true'\n    required: true\n  lint:\n    run: 'true'\n  audit:\n    run: 'true'\n",
    );
    r.git(&["commit", "-q", "--no-verify", "-am", "stronger"]);
    let mut c = r.gk_cmd(&["ci", "--base", &base]);
    c.env("CI", "true");
    let out = c.output().unwrap();
    assert!(
        !text(&out).contains("config-weakened"),
        "a stronger config is no weakening:\n{}",
        text(&out)
    );
}
