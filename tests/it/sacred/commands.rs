//! `sacred list`, `sacred lock`, the re-lock rules and the library API used by the hooks.

use std::path::Path;

use gatekeeper::env::Environment;
use gatekeeper::git::Repo;
use gatekeeper::sacred;

use crate::common::{Sandbox, assert_code, assert_success, text};

const FILE: &str = "tests/test_pay.py";
const BASE: &str = "# gatekeeper:sacred\ndef test_charge():\n    assert charge(100) == 100\n";
const WEAK: &str = "# gatekeeper:sacred\ndef test_charge():\n    assert charge(100) >= 0\n";

#[test]
fn list_json_names_each_sacred_test_with_file_line_and_assertions() {
    let l = super::locked(&[
        (FILE, BASE),
        ("tests/test_other.py", "def test_plain():\n    assert 1\n"),
    ]);
    let out = l.repo.gk(&["--format", "json", "sacred", "list"]);
    assert_success(&out, "sacred list");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let tests = v["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 1, "{v}");
    assert_eq!(tests[0]["id"], "python:tests/test_pay.py::test_charge");
    assert_eq!(tests[0]["file"], FILE);
    assert_eq!(tests[0]["line"], 2);
    assert_eq!(tests[0]["assertions"], 1);
}

/// `sacred list` reads only where each test is and its assertions, not what a lock needs:
/// the counts it shows are the ones the lock records, in every language.
#[test]
fn list_shows_the_assertions_the_lock_records() {
    let l = super::locked(&[
        (
            FILE,
            "# gatekeeper:sacred\ndef test_a():\n    x = 1\n    assert x == 1\n    for i in range(2):\n        assert i >= 0\n\n    def cb():\n        assert True\n    cb()\n",
        ),
        (
            "tests/pay.rs",
            "// gatekeeper:sacred\n#[test]\nfn total() {\n    let v = vec![1, 2];\n    assert_eq!(v.len(), 2);\n    assert!(v[0] < v[1], \"order {}\", v[0]);\n}\n",
        ),
        (
            "pay/pay_test.go",
            "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestPay(t *testing.T) {\n\tif 1+1 != 2 {\n\t\tt.Fatal(\"sum\")\n\t}\n\tt.Run(\"x\", func(t *testing.T) {\n\t\tif 2 != 2 {\n\t\t\tt.Errorf(\"no\")\n\t\t}\n\t})\n}\n",
        ),
        (
            "test/pay.test.js",
            "// gatekeeper:sacred\ntest('pays', () => {\n  expect(1).toBe(1);\n  [1, 2].forEach((x) => expect(x).toBeGreaterThan(0));\n});\n",
        ),
    ]);
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).expect("utf-8");
    let mut recorded: Vec<(String, u64)> = Vec::new();
    let mut id = None;
    for line in lock.lines() {
        if let Some(t) = line.strip_prefix("test ") {
            id = Some(t.to_owned());
        } else if let (Some(t), Some(n)) = (&id, line.trim().strip_prefix("assertions ")) {
            recorded.push((t.clone(), n.parse().expect("a count")));
        }
    }
    let out = l.repo.gk(&["--format", "json", "sacred", "list"]);
    assert_success(&out, "sacred list");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut listed: Vec<(String, u64)> = v["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .map(|t| {
            (
                t["id"].as_str().expect("id").to_owned(),
                t["assertions"].as_u64().expect("assertions"),
            )
        })
        .collect();
    recorded.sort();
    listed.sort();
    assert_eq!(recorded.len(), 4, "{lock}");
    assert!(recorded.iter().all(|(_, n)| *n > 0), "{lock}");
    assert_eq!(listed, recorded, "{v}\n{lock}");
}

#[test]
fn lock_is_refused_inside_an_agent_session() {
    let l = super::locked(&[(FILE, BASE)]);
    let before = l.repo.read(".gatekeeper/sacred.lock");
    l.repo.write(FILE, WEAK);
    let mut cmd = l.repo.gk_cmd(&["sacred", "lock"]);
    cmd.env("GATEKEEPER_SESSION", "s-1");
    let out = cmd.output().unwrap();
    assert_code(&out, 1, "sacred lock in a session");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("agent session"),
        "{}",
        text(&out)
    );
    assert_eq!(
        l.repo.read(".gatekeeper/sacred.lock"),
        before,
        "the lock must not change"
    );
}

#[test]
fn lock_is_deterministic_and_sorted() {
    let l = super::locked(&[
        (FILE, BASE),
        (
            "tests/test_a.py",
            "# gatekeeper:sacred\ndef test_a():\n    assert 1 == 1\n",
        ),
    ]);
    let first = l.repo.read(".gatekeeper/sacred.lock");
    assert_success(&l.repo.gk(&["sacred", "lock"]), "second lock");
    assert_eq!(l.repo.read(".gatekeeper/sacred.lock"), first);
    let text = String::from_utf8(first).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("test "))
        .collect();
    assert_eq!(
        ids,
        [
            "python:tests/test_a.py::test_a",
            "python:tests/test_pay.py::test_charge"
        ]
    );
}

#[test]
fn without_a_lock_nothing_is_locked_and_the_check_passes() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    repo.write("gatekeeper.yml", super::CONFIG);
    repo.write(FILE, BASE);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "init"]);
    repo.write(FILE, WEAK);
    repo.git(&["add", "-A"]);
    assert_code(
        &repo.gk(&["sacred", "check", "--staged"]),
        0,
        "check without lock",
    );
}

#[test]
fn a_staged_relock_is_accepted_locally_and_reported() {
    let l = super::locked(&[(FILE, BASE)]);
    l.repo.write(FILE, WEAK);
    assert_success(&l.repo.gk(&["sacred", "lock"]), "relock");
    l.repo.git(&["add", "-A"]);
    let out = l
        .repo
        .gk(&["--format", "json", "sacred", "check", "--staged"]);
    assert_code(&out, 0, "staged relock");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["relocked"], true, "{v}");
}

#[test]
fn an_unsigned_relock_is_refused_by_the_range_check() {
    let l = super::locked(&[(FILE, BASE)]);
    l.repo.write(FILE, WEAK);
    assert_success(&l.repo.gk(&["sacred", "lock"]), "relock");
    l.repo.git(&["add", "-A"]);
    l.repo.git(&["commit", "-q", "--no-verify", "-m", "relock"]);
    let out = l.repo.gk(&["sacred", "check", "--base", "HEAD~1"]);
    assert_code(&out, 1, "unsigned relock");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("re-lock needs a signed commit by an allowed signer"),
        "{}",
        text(&out)
    );
    // The weakened test is still compared with the base's lock.
    assert!(err.contains("[assertion-loosened]"), "{}", text(&out));
}

/// Generates an SSH key in the sandbox and configures the repository to sign with it;
/// returns the allowed-signers line for it.
fn signing_key(l: &super::Locked, dir: &Path) -> String {
    let key = dir.join("key");
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen");
    assert!(out.status.success(), "ssh-keygen failed");
    l.repo.git(&["config", "gpg.format", "ssh"]);
    l.repo
        .git(&["config", "user.signingkey", &key.to_string_lossy()]);
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    format!("committer@example.com {}", public.trim())
}

#[test]
fn a_relock_signed_by_an_allowed_signer_passes_the_range_check() {
    let l = super::locked(&[(FILE, BASE)]);
    let keys = tempfile::tempdir().unwrap();
    let signer = signing_key(&l, keys.path());
    l.repo
        .write(".gatekeeper/allowed_signers", format!("{signer}\n"));
    l.repo.git(&["add", "-A"]);
    l.repo
        .git(&["commit", "-q", "--no-verify", "-m", "signers"]);
    l.repo.write(FILE, WEAK);
    assert_success(&l.repo.gk(&["sacred", "lock"]), "relock");
    l.repo.git(&["add", "-A"]);
    l.repo
        .git(&["commit", "-q", "--no-verify", "-S", "-m", "signed relock"]);
    let out = l.repo.gk(&["sacred", "check", "--base", "HEAD~1"]);
    assert_code(&out, 0, "signed relock");
}

#[test]
fn a_relock_signed_by_a_key_not_allowed_at_the_base_is_refused() {
    let l = super::locked(&[(FILE, BASE)]);
    let keys = tempfile::tempdir().unwrap();
    let _signer = signing_key(&l, keys.path());
    let other = tempfile::tempdir().unwrap();
    let stranger = {
        let key = other.path().join("k");
        let out = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(&key)
            .output()
            .unwrap();
        assert!(out.status.success());
        std::fs::read_to_string(key.with_extension("pub")).unwrap()
    };
    l.repo.write(
        ".gatekeeper/allowed_signers",
        format!("committer@example.com {}\n", stranger.trim()),
    );
    l.repo.git(&["add", "-A"]);
    l.repo
        .git(&["commit", "-q", "--no-verify", "-m", "signers"]);
    l.repo.write(FILE, WEAK);
    assert_success(&l.repo.gk(&["sacred", "lock"]), "relock");
    l.repo.git(&["add", "-A"]);
    l.repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-S",
        "-m",
        "signed by a stranger",
    ]);
    let out = l.repo.gk(&["sacred", "check", "--base", "HEAD~1"]);
    assert_code(&out, 1, "relock by a key not allowed");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("[relock-unsigned]"),
        "{}",
        text(&out)
    );
}

#[test]
fn check_commit_refuses_a_commit_that_weakens_a_locked_test() {
    let l = super::locked(&[(FILE, BASE)]);
    l.repo.write(FILE, WEAK);
    l.repo.git(&["add", "-A"]);
    l.repo.git(&["commit", "-q", "--no-verify", "-m", "weaken"]);
    let env = Environment::from_pairs(l.repo.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let repo = Repo::open(&l.repo.root, &env, true).unwrap();
    let config = gatekeeper::config::Config::load_from_root(repo.root()).unwrap();
    let head = repo.resolve_commit("HEAD").unwrap();
    let report = sacred::check_commit(&repo, &config, head).unwrap();
    assert!(!report.is_clean(), "{report:?}");
    assert_eq!(report.findings[0].rule, sacred::Rule::AssertionLoosened);
    let parent = repo.resolve_commit("HEAD~1").unwrap();
    assert!(
        sacred::check_commit(&repo, &config, parent)
            .unwrap()
            .is_clean()
    );
    assert!(sacred::render_human(&report).contains("[assertion-loosened]"));
}

#[test]
fn dropping_a_sacred_path_in_an_unsigned_commit_is_refused_by_the_range_check() {
    let plain = "def test_charge():\n    assert charge(1) == 1\n";
    let l = super::locked(&[("tests/billing/test_charge.py", plain)]);
    l.repo.write("gatekeeper.yml", "sacred:\n  paths: []\n");
    l.repo.git(&["add", "-A"]);
    l.repo
        .git(&["commit", "-q", "--no-verify", "-m", "drop the sacred path"]);
    let out = l.repo.gk(&["sacred", "check", "--base", "HEAD~1"]);
    assert_code(&out, 1, "config weakened");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refused: gatekeeper.yml [config-weakened]"),
        "{}",
        text(&out)
    );
    assert!(
        err.contains("sacred.paths: tests/billing/**"),
        "{}",
        text(&out)
    );
    assert!(
        err.contains("refused: python:tests/billing/test_charge.py::test_charge [untagged]"),
        "{}",
        text(&out)
    );
}

#[test]
fn check_base_compares_with_the_lock_where_the_branch_started() {
    let l = super::locked(&[(FILE, BASE)]);
    l.repo.git(&["checkout", "-q", "-b", "feature"]);
    l.repo.write("notes.txt", "unrelated\n");
    l.repo.git(&["add", "-A"]);
    l.repo
        .git(&["commit", "-q", "--no-verify", "-m", "feature work"]);
    // Meanwhile main legitimately re-locks a changed test (no signers: the feature branch
    // never contains that commit, so it must not matter to it).
    l.repo.git(&["checkout", "-q", "main"]);
    l.repo.write(FILE, WEAK);
    assert_success(&l.repo.gk(&["sacred", "lock"]), "relock on main");
    l.repo.git(&["add", "-A"]);
    l.repo
        .git(&["commit", "-q", "--no-verify", "-m", "main moves on"]);
    l.repo.git(&["checkout", "-q", "feature"]);
    assert_code(
        &l.repo.gk(&["sacred", "check", "--base", "main"]),
        0,
        "feature against main",
    );
}

#[test]
fn deleting_the_lock_in_the_index_does_not_unlock_the_staged_check() {
    let l = super::locked(&[(FILE, BASE)]);
    l.repo.write(FILE, WEAK);
    l.repo.git(&["rm", "-q", ".gatekeeper/sacred.lock"]);
    let out = l.check_staged();
    assert_code(&out, 1, "lock deleted and test weakened");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("[assertion-loosened]"),
        "{}",
        text(&out)
    );
}

/// Every grammar is compiled into the default build, so a lock record for a file whose
/// language this build cannot read stands in for a lock written by a build that had the
/// grammar: the check must refuse, never pass.
#[test]
fn a_locked_file_in_a_language_this_build_cannot_read_is_unsupported_language() {
    const SPEC: &str = "spec/refund_spec.rb";
    let l = super::locked(&[
        (FILE, BASE),
        (
            SPEC,
            "it 'is exact' do\n  expect(refund(100)).to eq(100)\nend\n",
        ),
    ]);
    let mut lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    lock.push_str(&format!(
        "test rb:{SPEC}::is exact\n  file {SPEC}\n  structure 00\n  body 00\n  envelope 00\n  assertions 1\n  returns 0\n  skips 0\n  swallows 0\n"
    ));
    l.repo.write(".gatekeeper/sacred.lock", lock);
    l.repo.git(&["add", "-A"]);
    l.repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "lock from another build",
    ]);
    l.repo.write(
        SPEC,
        "it 'is exact' do\n  expect(refund(100)).to be_truthy\nend\n",
    );
    l.assert_refused("unsupported-language", &format!("rb:{SPEC}::is exact"));
}
