//! Symbolic links: git stores a link as a blob holding its target's name, which may be any
//! text (each `/`-separated piece a directory name), while the test runner follows the link.
//! A staged or committed link is read as the file it points to, as the runner reads it; one
//! that leaves the repository cannot be read, and the check stops (exit 3) rather than pass.

use super::{Locked, locked};
use crate::common::{assert_code, text};

const PY_PAY: &str = "def total(xs):\n    return sum(xs)\n";
const PY_TEST: &str =
    "import billing\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";
const PY_ID: &str = "python:tests/billing/test_pay.py::test_total";

fn py_locked() -> Locked {
    locked(&[
        ("billing/__init__.py", PY_PAY),
        ("tests/__init__.py", ""),
        ("tests/billing/__init__.py", ""),
        ("tests/billing/test_pay.py", PY_TEST),
    ])
}

/// Replaces `path` of `l` by a link to `target`.
fn link(l: &Locked, path: &str, target: &str) {
    let at = l.repo.path(path);
    let _ = std::fs::remove_file(&at);
    std::os::unix::fs::symlink(target, &at).expect("symlink");
}

/// Both checks refuse `test`, the one of the index and the one of the commit.
fn assert_both_refuse(l: &Locked, test: &str, what: &str) {
    l.assert_staged_refuses(test, what);
    let out = l.check_base();
    assert_code(&out, 1, what);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("refused: {test} [")),
        "{what}\n{}",
        text(&out)
    );
}

/// Confirmed with pytest: the locked test file turned into a link whose target's name is,
/// byte for byte, the locked test (a file of that name beside it holds a weaker check) ran
/// the weaker check and passed against a `total` that returns 0, while the check read the
/// link's blob as the locked test and passed it.
#[test]
fn a_locked_test_turned_into_a_link_is_read_as_the_file_it_points_to() {
    let l = py_locked();
    l.repo.write(
        &format!("tests/billing/{PY_TEST}"),
        PY_TEST.replace("== 6", "== 0"),
    );
    link(&l, "tests/billing/test_pay.py", PY_TEST);
    assert_both_refuse(&l, PY_ID, "a link named like the locked test");
}

/// Confirmed with pytest: a new `conftest.py` linked to `#support.py` read as the comment
/// `#support.py`, while pytest loaded the autouse fixture of that file, which patches the
/// function under test.
#[test]
fn a_new_conftest_linked_to_a_file_is_read_as_that_file() {
    let l = py_locked();
    l.repo.write(
        "tests/billing/#support.py",
        "import pytest\n\nimport billing\n\n\n@pytest.fixture(autouse=True)\ndef _exact(monkeypatch):\n    monkeypatch.setattr(billing, 'total', lambda xs: 6)\n",
    );
    link(&l, "tests/billing/conftest.py", "#support.py");
    assert_both_refuse(&l, PY_ID, "a conftest linked to a fixture file");
}

/// A Go test file turned into a link (through a directory) to a weaker test is refused too.
#[test]
fn a_go_test_turned_into_a_link_is_read_as_the_file_it_points_to() {
    let test = "package billing\n\nimport \"testing\"\n\nfunc TestTotal(t *testing.T) {\n\tif Total([]int{1, 2, 3}) != 6 {\n\t\tt.Fatal(\"wrong\")\n\t}\n}\n";
    let l = locked(&[
        ("go.mod", "module example.com/shop\n\ngo 1.19\n"),
        (
            "tests/billing/total.go",
            "package billing\n\nfunc Total(xs []int) int {\n\ts := 0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n",
        ),
        ("tests/billing/total_test.go", test),
    ]);
    l.repo
        .write("shared/total_test.go", test.replace("!= 6", "!= 0"));
    link(
        &l,
        "tests/billing/total_test.go",
        "../../shared/total_test.go",
    );
    assert_both_refuse(
        &l,
        "go:tests/billing/total_test.go::TestTotal",
        "a Go test linked to a weaker one",
    );
}

/// A link to the same test (through a chain of two) reads as the test: both checks pass.
#[test]
fn a_link_to_the_same_test_passes() {
    let l = py_locked();
    l.repo.write("shared/test_pay.py", PY_TEST);
    link(&l, "shared/current.py", "test_pay.py");
    link(&l, "tests/billing/test_pay.py", "../../shared/current.py");
    l.assert_passes();
}

/// A link out of the repository (absolute, or up past its root) names a file the check
/// cannot read from the index or a commit: both checks stop with exit 3 and say why.
#[test]
fn a_link_out_of_the_repository_stops_the_check() {
    for target in ["/etc/hostname", "../../../outside.py"] {
        let l = py_locked();
        link(&l, "tests/billing/test_pay.py", target);
        let out = l.check_staged();
        assert_code(&out, 3, target);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("`tests/billing/test_pay.py` is a symbolic link")
                && err.contains("outside the repository"),
            "{target}\n{}",
            text(&out)
        );
        l.repo.git(&["commit", "-q", "--no-verify", "-m", "link"]);
        let out = l.repo.gk(&["sacred", "check", "--base", "HEAD~1"]);
        assert_code(&out, 3, target);
    }
}

/// Confirmed with pytest: a new `conftest.py` linked through a directory that is itself a
/// link (`conftest.py -> ../lnk/c.py`, `tests/lnk -> ../support`) ran the patching
/// `support/c.py`, while the check found no file at `tests/lnk/c.py` and took the conftest for
/// absent. Each link on the way is read, component by component; `lnk/..` goes up from where
/// `lnk` points.
#[test]
fn a_link_through_a_linked_directory_is_read_as_the_file_it_reaches() {
    let patch = "import pytest\n\nimport billing\n\n\n@pytest.fixture(autouse=True)\ndef _exact(monkeypatch):\n    monkeypatch.setattr(billing, 'total', lambda xs: 6)\n";
    for (conftest, file) in [("../lnk/c.py", "support/c.py"), ("../lnk/../c.py", "c.py")] {
        let l = py_locked();
        l.repo.write(file, patch);
        std::fs::create_dir_all(l.repo.path("support")).expect("support");
        link(&l, "tests/lnk", "../support");
        link(&l, "tests/billing/conftest.py", conftest);
        assert_both_refuse(&l, PY_ID, conftest);
    }
}
