//! A newcomer's first hour, as the README tells it: install gatekeeper into a scratch project
//! from a fresh home directory, commit good and bad changes, uninstall. Also the small things
//! a first session trips over (completions into `head`, `init`'s wording, `doctor`'s lines).

use std::process::{Command, Stdio};

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, bin, source_root, text};

/// The `./install.sh …` line of the README's first shell block, as a user would copy it.
fn readme_install_line() -> String {
    let readme = std::fs::read_to_string(source_root().join("README.md")).unwrap();
    let block = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README has a shell block");
    block
        .lines()
        .find(|l| l.starts_with("./install.sh "))
        .unwrap_or_else(|| {
            panic!("the README's first shell block installs with ./install.sh:\n{block}")
        })
        .to_owned()
}

/// Runs `install.sh` with the given arguments in the sandbox's fresh home, handing it the
/// already built binary instead of building a release (which the README says takes minutes).
fn run_install_sh(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut c = Command::new(source_root().join("install.sh"));
    c.args(args).env_clear().stdin(Stdio::null());
    for (k, v) in sb.env() {
        c.env(k, v);
    }
    c.env("GATEKEEPER_BINARY", bin());
    c.current_dir(sb.path());
    c.output().expect("run install.sh")
}

fn scratch_project(sb: &Sandbox) -> TestRepo {
    let r = sb.repo("my-project");
    r.write("notes.txt", "first\n");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "first"]);
    r
}

#[test]
fn readme_install_then_good_and_bad_commits_then_uninstall() {
    let sb = Sandbox::new();
    let r = scratch_project(&sb);
    let line = readme_install_line();
    let words = shlex::split(&line).unwrap();
    assert_eq!(
        words,
        ["./install.sh", "/path/to/your/repo"],
        "the README's install command takes the user's repository"
    );
    let repo_arg = r.root.to_string_lossy().into_owned();
    let out = run_install_sh(&sb, &[&repo_arg]);
    assert_success(&out, "install.sh /path/to/your/repo");

    // The binary is in the fresh home, the starter config in the project, the hooks in place.
    let installed = sb.home.join(".local/bin/gatekeeper");
    assert!(installed.is_file(), "{}", text(&out));
    assert!(r.exists("gatekeeper.yml"), "{}", text(&out));
    let shim = std::fs::read_to_string(r.path(".git/hooks/pre-commit")).unwrap();
    assert!(
        shim.contains(&*installed.to_string_lossy()),
        "the hook calls the installed binary:\n{shim}"
    );
    let all = text(&out);
    assert!(all.contains("with generic checks"), "{all}");
    assert!(
        all.contains("ok      trust: the configuration is trusted"),
        "doctor ran and found the setup right:\n{all}"
    );

    r.git(&["add", "gatekeeper.yml"]);
    assert_success(
        &r.commit("add gatekeeper.yml"),
        "committing the starter config",
    );
    r.write("notes.txt", "first\nsecond\n");
    r.git(&["add", "notes.txt"]);
    assert_success(&r.commit("a good change"), "a good change");

    r.write("notes.txt", "first\nsecond \n");
    r.git(&["add", "notes.txt"]);
    let bad = r.commit("trailing whitespace");
    assert_code(&bad, 1, "the starter gate refuses trailing whitespace");
    assert!(text(&bad).contains("whitespace"), "{}", text(&bad));
    let head_before = r.head();

    let out = r.gk_cmd(&["uninstall"]).output().unwrap();
    assert_success(&out, "gatekeeper uninstall");
    assert!(!r.exists(".git/hooks/pre-commit"), "{}", text(&out));
    assert_success(&r.commit("now without hooks"), "commit after uninstall");
    assert_ne!(r.head(), head_before);
}

#[test]
fn install_sh_without_a_repository_installs_only_the_binary() {
    let sb = Sandbox::new();
    let out = run_install_sh(&sb, &[]);
    assert_success(&out, "install.sh");
    assert!(sb.home.join(".local/bin/gatekeeper").is_file());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("next: ./install.sh /path/to/your/repo"),
        "{}",
        text(&out)
    );
    // The sandbox directory itself is no repository: nothing was written there.
    assert!(!sb.path().join("gatekeeper.yml").exists());
}

#[test]
fn install_sh_refuses_a_directory_that_is_not_a_repository() {
    let sb = Sandbox::new();
    let dir = sb.path().join("plain");
    std::fs::create_dir_all(&dir).unwrap();
    let out = run_install_sh(&sb, &[&dir.to_string_lossy()]);
    assert_code(&out, 2, "not a git work tree");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is not inside a git work tree"),
        "{}",
        text(&out)
    );
}

#[test]
fn completions_into_a_closed_pipe_do_not_panic() {
    // `gatekeeper completions bash | head -1`: the reader goes away after one line.
    let sb = Sandbox::new();
    let script = format!(
        "'{}' completions bash | head -1; echo \"status=${{PIPESTATUS[0]}}\"",
        bin().display()
    );
    let mut c = Command::new("bash");
    c.args(["-c", &script]).env_clear().stdin(Stdio::null());
    for (k, v) in sb.env() {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("status=0"), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        text(&out)
    );
}

#[test]
fn init_names_the_ecosystem_in_plain_words() {
    for (marker, words) in [
        ("package.json", "for an npm project"),
        ("Cargo.toml", "for a Cargo project"),
        (
            "",
            "with generic checks (no Cargo, npm, Python or Go project found)",
        ),
    ] {
        let sb = Sandbox::new();
        let r = sb.repo("r");
        if !marker.is_empty() {
            r.write(marker, "{}\n");
        }
        let out = r.gk(&["init"]);
        assert_success(&out, "init");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains(words), "{marker}: {said}");
        assert!(!said.contains("Npm") && !said.contains("Generic"), "{said}");
    }
}

#[test]
fn doctor_names_each_hook_once() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write("gatekeeper.yml", "gates:\n  ok:\n    run: 'true'\n");
    let out = r.gk(&["doctor"]);
    assert_code(&out, 1, "no hooks installed yet");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("PROBLEM pre-commit: no hook at"), "{said}");
    assert!(!said.contains("pre-commit: pre-commit:"), "{said}");
}

#[test]
fn a_missing_tool_is_reported_with_its_exit_code_once() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write(
        "gatekeeper.yml",
        "gates:\n  lint:\n    run: no-such-linter-anywhere --check\n",
    );
    r.write("a.txt", "a\n");
    r.git(&["add", "-A"]);
    let out = r.gk(&["run"]);
    assert_code(&out, 3, "a missing tool cannot decide");
    let all = text(&out);
    let line = all
        .lines()
        .find(|l| l.contains("lint") && l.contains("exit 127"))
        .unwrap_or_else(|| panic!("a line names the gate and exit 127:\n{all}"));
    assert_eq!(line.matches("127").count(), 1, "{line}");
}

#[test]
fn sacred_lock_names_a_test_file_that_is_not_tracked_yet() {
    let sb = Sandbox::new();
    let r = sb.repo("r");
    r.write("gatekeeper.yml", "gates: {}\n");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "first"]);
    r.write(
        "tests/test_refunds.py",
        "import pytest\n\n@pytest.mark.sacred\ndef test_refund_is_exact():\n    assert 1 + 1 == 2\n",
    );
    let out = r.gk(&["sacred", "lock"]);
    assert_success(&out, "sacred lock");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("locked 0 sacred tests"), "{err}");
    assert!(
        err.contains("`tests/test_refunds.py` is not tracked by git") && err.contains("git add"),
        "the lock says why it found nothing:\n{err}"
    );

    r.git(&["add", "tests/test_refunds.py"]);
    let out = r.gk(&["sacred", "lock"]);
    assert_success(&out, "sacred lock after git add");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("locked 1 sacred tests"), "{err}");
    assert!(!err.contains("not tracked"), "{err}");
}

/// The `pyproject.toml` lines the Python starter config shows in its comments.
fn template_marker_registration() -> String {
    let template = std::fs::read_to_string(source_root().join("templates/python.yml")).unwrap();
    let lines: Vec<&str> = template
        .lines()
        .skip_while(|l| !l.contains("In pyproject.toml:"))
        .skip(1)
        .take_while(|l| l.starts_with("#   "))
        .map(|l| &l[4..])
        .collect();
    assert!(
        lines.len() >= 2,
        "the Python starter config shows the marker registration:\n{template}"
    );
    lines.join("\n") + "\n"
}

#[test]
fn the_python_templates_marker_registration_silences_pytests_unknown_marker_warning() {
    let pytest = crate::common::required_tool("pytest");
    let sb = Sandbox::new();
    let r = sb.repo("py");
    r.write(
        "test_refunds.py",
        "import pytest\n\n@pytest.mark.sacred\ndef test_refund_is_exact():\n    assert 1 + 1 == 2\n",
    );
    let run = |r: &TestRepo| {
        let mut c = Command::new(&pytest);
        c.args([
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error::pytest.PytestUnknownMarkWarning",
        ])
        .current_dir(&r.root)
        .env_clear()
        .stdin(Stdio::null());
        for (k, v) in &r.env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    // Without the registration, the marker is unknown to pytest (here an error, by -W).
    r.write("pyproject.toml", "[project]\nname = \"shop\"\n");
    let out = run(&r);
    assert!(
        !out.status.success(),
        "an unregistered marker warns:\n{}",
        text(&out)
    );
    assert!(text(&out).contains("sacred"), "{}", text(&out));

    r.write(
        "pyproject.toml",
        format!(
            "[project]\nname = \"shop\"\n\n{}",
            template_marker_registration()
        ),
    );
    let out = run(&r);
    assert_success(&out, "pytest with the template's marker registration");
    assert!(text(&out).contains("1 passed"), "{}", text(&out));
}

#[test]
fn sacred_list_says_when_pytest_does_not_know_the_marker() {
    let sb = Sandbox::new();
    let r = sb.repo("py");
    r.write("gatekeeper.yml", "gates: {}\n");
    r.write("pyproject.toml", "[project]\nname = \"shop\"\n");
    r.write(
        "tests/test_refunds.py",
        "import pytest\n\n@pytest.mark.sacred\ndef test_refund_is_exact():\n    assert 1 + 1 == 2\n",
    );
    r.git(&["add", "-A"]);
    let out = r.gk(&["sacred", "list"]);
    assert_success(&out, "sacred list");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pytest does not know the `sacred` marker"),
        "{err}"
    );

    r.write(
        "pyproject.toml",
        format!(
            "[project]\nname = \"shop\"\n\n{}",
            template_marker_registration()
        ),
    );
    let out = r.gk(&["sacred", "list"]);
    assert_success(&out, "sacred list with the marker registered");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("does not know"), "{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("python:tests/test_refunds.py::test_refund_is_exact"),
        "{}",
        text(&out)
    );
}
