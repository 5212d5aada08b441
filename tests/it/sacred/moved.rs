//! Locked tests that move to another file or are renamed: followed by their content while
//! they keep every check, and checked against the lock wherever they now live.

use super::{Locked, locked};
use crate::common::{assert_code, text};

const FILE: &str = "tests/billing/test_refunds.py";
const ID: &str = "python:tests/billing/test_refunds.py::test_refund_is_exact";

const HEADER: &str = "import pytest\n\nfrom billing import refund\n\n\n";

const SACRED: &str = r"def test_refund_is_exact():
    total = refund(100)
    assert total == 100
    assert refund(5) == 5
";

const OTHER: &str = r"def test_refund_of_zero():
    assert refund(0) == 0
";

fn base() -> String {
    format!("{HEADER}{SACRED}\n\n{OTHER}")
}

/// The lock over `tests/billing/test_refunds.py`, then the sacred test moved to `to`
/// (`HEADER` + `body`), the old file keeping the other test.
fn moved_to(to: &str, body: &str) -> Locked {
    let l = locked(&[(FILE, &base())]);
    l.repo.write(FILE, format!("{HEADER}{OTHER}"));
    l.repo.write(to, format!("{HEADER}{body}"));
    l
}

fn assert_refused_removed(l: &Locked) {
    l.assert_refused("removed", ID);
}

#[test]
fn a_test_moved_to_another_file_of_its_directory_is_followed() {
    let l = moved_to("tests/billing/test_exact.py", SACRED);
    l.assert_moved(
        ID,
        "python:tests/billing/test_exact.py::test_refund_is_exact",
    );
}

#[test]
fn a_test_moved_into_a_directory_directly_below_is_followed() {
    // A module split into a package of files.
    let l = moved_to("tests/billing/refunds/test_exact.py", SACRED);
    l.assert_moved(
        ID,
        "python:tests/billing/refunds/test_exact.py::test_refund_is_exact",
    );
}

#[test]
fn a_test_moved_and_renamed_keeping_every_check_is_followed() {
    let l = moved_to(
        "tests/billing/test_exact.py",
        &SACRED.replace("test_refund_is_exact", "test_exact_refund"),
    );
    l.assert_moved(ID, "python:tests/billing/test_exact.py::test_exact_refund");
}

#[test]
fn a_test_moved_with_a_check_added_is_followed() {
    let l = moved_to(
        "tests/billing/test_exact.py",
        &format!("{SACRED}    assert refund(7) == 7\n"),
    );
    l.assert_moved(
        ID,
        "python:tests/billing/test_exact.py::test_refund_is_exact",
    );
}

#[test]
fn a_test_moved_with_a_check_dropped_is_refused() {
    let l = moved_to(
        "tests/billing/test_exact.py",
        &SACRED.replace("    assert refund(5) == 5\n", ""),
    );
    assert_refused_removed(&l);
}

#[test]
fn a_test_moved_next_to_a_fake_of_what_it_calls_is_refused() {
    // The new file rebinds `refund`: the same text tests something else.
    let l = moved_to(
        "tests/billing/test_exact.py",
        &format!("def refund(x):\n    return x\n\n\n{SACRED}"),
    );
    assert_refused_removed(&l);
}

#[test]
fn a_test_in_a_renamed_directory_is_followed() {
    let old = "tests/billing/v1/test_refunds.py";
    let l = locked(&[(old, &base())]);
    l.repo.git(&["mv", "tests/billing/v1", "tests/billing/v2"]);
    l.assert_moved(
        "python:tests/billing/v1/test_refunds.py::test_refund_is_exact",
        "python:tests/billing/v2/test_refunds.py::test_refund_is_exact",
    );
}

#[test]
fn a_test_moved_two_directories_away_is_refused() {
    let l = moved_to("tests/billing/a/b/test_exact.py", SACRED);
    assert_refused_removed(&l);
}

#[test]
fn a_test_moved_to_a_file_the_runner_does_not_collect_is_refused() {
    // pytest collects `test_*.py` and `*_test.py` by default, not `helpers.py`.
    let l = moved_to("tests/billing/helpers.py", SACRED);
    assert_refused_removed(&l);
}

#[test]
fn a_test_moved_out_of_the_sacred_paths_is_refused() {
    let l = moved_to("tests/test_exact.py", SACRED);
    assert_refused_removed(&l);
}

#[test]
fn one_copy_satisfies_one_locked_test() {
    // Two locked tests with the same checks; both removed, one copy added: one is missing.
    let twin = SACRED.replace("test_refund_is_exact", "test_refund_twin");
    let l = locked(&[(FILE, &format!("{HEADER}{SACRED}\n\n{twin}\n\n{OTHER}"))]);
    l.repo.write(FILE, format!("{HEADER}{OTHER}"));
    l.repo
        .write("tests/billing/test_exact.py", format!("{HEADER}{SACRED}"));
    for out in [l.check_staged(), l.check_base()] {
        assert_code(&out, 1, "one of the twins is gone");
        let err = String::from_utf8_lossy(&out.stderr);
        let refused = err.lines().filter(|x| x.starts_with("refused: ")).count();
        let followed = err.lines().filter(|x| x.contains("` is now `")).count();
        assert_eq!((refused, followed), (1, 1), "{}", text(&out));
    }
}

/// After an accepted move (committed), a change to the test where it now lives.
fn after_the_move(edit: impl Fn(&str) -> String) -> Locked {
    let l = moved_to("tests/billing/test_exact.py", SACRED);
    l.repo.git(&["add", "-A"]);
    l.repo.git(&["commit", "-q", "--no-verify", "-m", "move"]);
    let now = format!("{HEADER}{SACRED}");
    l.repo.write("tests/billing/test_exact.py", edit(&now));
    l
}

#[test]
fn weakening_a_moved_test_later_is_refused() {
    // Only the new file changes: the lock, which still names the old place, is checked.
    let l = after_the_move(|s| s.replace("    assert refund(5) == 5\n", ""));
    assert_refused_removed(&l);
}

#[test]
fn deleting_a_moved_test_later_is_refused() {
    let l = after_the_move(|s| s.replace(SACRED, "def test_nothing():\n    pass\n"));
    assert_refused_removed(&l);
}

#[test]
fn strengthening_a_moved_test_later_is_followed() {
    let l = after_the_move(|s| format!("{s}    assert refund(9) == 9\n"));
    l.assert_moved(
        ID,
        "python:tests/billing/test_exact.py::test_refund_is_exact",
    );
}

const GO_HEAD: &str = "package pay\n\nimport \"testing\"\n\n";
const GO_TAG: &str = "// gatekeeper:sacred\n";
const GO_TEST: &str = "func TestRefundIsExact(t *testing.T) {\n\tif Refund(100) != 100 {\n\t\tt.Fatal(\"refund\")\n\t}\n}\n";
const GO_ID: &str = "go:pay/refund_test.go::TestRefundIsExact";

/// `pay/refund_test.go` with the tagged `TestRefundIsExact` locked, then the test taken out of
/// it (staged): the caller writes where it went.
fn go_moved() -> Locked {
    let other = "\nfunc TestOther(t *testing.T) {}\n";
    let l = locked(&[(
        "pay/refund_test.go",
        &format!("{GO_HEAD}{GO_TAG}{GO_TEST}{other}"),
    )]);
    l.repo
        .write("pay/refund_test.go", format!("{GO_HEAD}{}", &other[1..]));
    l
}

const TS_IT: &str = "it(\"is exact\", () => {\n  expect(refund(100)).toBe(100);\n});\n";
const TS_HEAD: &str = "import { refund } from \"../../src/refund\";\n\n";

/// `tests/billing/refunds.test.ts` with `it` locked, then `it` taken out of it (staged).
fn ts_moved(it: &str) -> Locked {
    let file = "tests/billing/refunds.test.ts";
    let other = "it(\"other\", () => {});\n";
    let l = locked(&[(file, &format!("{TS_HEAD}{it}\n{other}"))]);
    l.repo.write(file, format!("{TS_HEAD}{other}"));
    l
}

#[test]
fn a_go_test_moved_to_another_file_of_its_package_is_followed() {
    let l = go_moved();
    l.repo
        .write("pay/exact_test.go", format!("{GO_HEAD}{GO_TAG}{GO_TEST}"));
    l.assert_moved(GO_ID, "go:pay/exact_test.go::TestRefundIsExact");
}

#[test]
fn a_go_test_moved_without_its_tag_is_refused() {
    // Outside `sacred.paths`, the tag is what makes it sacred: untagged, it is not followed.
    let l = go_moved();
    l.repo
        .write("pay/exact_test.go", format!("{GO_HEAD}{GO_TEST}"));
    l.assert_refused("removed", GO_ID);
}

#[test]
fn a_ts_test_moved_to_another_test_file_is_followed() {
    let it = format!("describe(\"refunds\", () => {{\n{TS_IT}}});\n");
    let l = ts_moved(&it);
    l.repo
        .write("tests/billing/exact.test.ts", format!("{TS_HEAD}{it}"));
    l.assert_moved(
        "ts:tests/billing/refunds.test.ts::refunds::is exact",
        "ts:tests/billing/exact.test.ts::refunds::is exact",
    );
}

#[test]
fn a_go_test_moved_into_a_subdirectory_is_refused() {
    // Another directory is another package (even under the same name), with its own `Refund`.
    let l = go_moved();
    l.repo.write(
        "pay/fake/exact_test.go",
        format!("{GO_HEAD}{GO_TAG}{GO_TEST}"),
    );
    l.assert_refused("removed", GO_ID);
}

#[test]
fn a_ts_test_with_a_relative_import_moved_into_a_subdirectory_is_refused() {
    // `../../src/refund` from one directory down is another file.
    let l = ts_moved(TS_IT);
    l.repo.write(
        "tests/billing/sub/exact.test.ts",
        format!("{TS_HEAD}{TS_IT}"),
    );
    l.assert_refused("removed", "ts:tests/billing/refunds.test.ts::is exact");
}

#[test]
fn a_python_test_with_a_relative_import_moved_into_a_subdirectory_is_refused() {
    let head = "from .helpers import refund\n\n\n";
    let l = locked(&[(FILE, &format!("{head}{SACRED}\n\n{OTHER}"))]);
    l.repo.write(FILE, format!("{head}{OTHER}"));
    l.repo.write(
        "tests/billing/refunds/test_exact.py",
        format!("{head}{SACRED}"),
    );
    assert_refused_removed(&l);
    // In the same directory, the relative import means the same module.
    let l = locked(&[(FILE, &format!("{head}{SACRED}\n\n{OTHER}"))]);
    l.repo.write(FILE, format!("{head}{OTHER}"));
    l.repo
        .write("tests/billing/test_exact.py", format!("{head}{SACRED}"));
    l.assert_moved(
        ID,
        "python:tests/billing/test_exact.py::test_refund_is_exact",
    );
}

#[test]
fn a_test_moved_and_renamed_then_weakened_is_refused() {
    let l = moved_to(
        "tests/billing/test_exact.py",
        &SACRED.replace("test_refund_is_exact", "test_exact_refund"),
    );
    l.repo.git(&["add", "-A"]);
    l.repo.git(&["commit", "-q", "--no-verify", "-m", "move"]);
    l.repo.write(
        "tests/billing/test_exact.py",
        format!(
            "{HEADER}{}",
            SACRED
                .replace("test_refund_is_exact", "test_exact_refund")
                .replace("    assert refund(5) == 5\n", "")
        ),
    );
    assert_refused_removed(&l);
}

/// Commits `before` as `tests/billing/test_new.py`, stages `after` there, and gives how
/// many locked tests `sacred check --staged` compared (it passes).
fn checked_after(l: &Locked, before: &str, after: &str) -> serde_json::Value {
    let path = "tests/billing/test_new.py";
    l.repo.write(path, format!("{HEADER}{before}"));
    l.repo.git(&["add", "-A"]);
    l.repo.git(&["commit", "-q", "--no-verify", "-m", "before"]);
    l.repo.write(path, format!("{HEADER}{after}"));
    l.repo.git(&["add", "-A"]);
    let out = l
        .repo
        .gk(&["--format", "json", "sacred", "check", "--staged"]);
    assert_code(&out, 0, "check --staged");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["checked"].clone()
}

#[test]
fn an_unrelated_new_test_does_not_bring_the_locked_files_near_it() {
    // A sacred test the lock does not name, with neither the body nor the name of a locked
    // one, cannot be where a locked test moved: changing its file re-reads no locked file.
    let l = locked(&[(FILE, &base())]);
    let new = |n: u32| format!("def test_new():\n    assert refund({n}) == {n}\n");
    assert_eq!(checked_after(&l, &new(3), &new(4)), 0);
    // One with a locked test's name does.
    assert_eq!(
        checked_after(
            &l,
            &format!("{}\n\n{OTHER}", new(4)),
            &format!("{}\n\n{OTHER}", new(5))
        ),
        2
    );
}

const OTHER_FILE: &str = "tests/billing/test_other.py";
const OTHER_LOCKED: &str = "def test_other():\n    assert refund(2) == 2\n";

/// `FILE` and `OTHER_FILE` locked, then the sacred test of `FILE` moved into `OTHER_FILE`
/// (after its own locked test) as `moved`.
fn moved_into_locked(moved: &str) -> Locked {
    let l = locked(&[
        (FILE, &base()),
        (OTHER_FILE, &format!("{HEADER}{OTHER_LOCKED}")),
    ]);
    l.repo.write(FILE, format!("{HEADER}{OTHER}"));
    l.repo
        .write(OTHER_FILE, format!("{HEADER}{OTHER_LOCKED}\n\n{moved}"));
    l
}

#[test]
fn a_test_moved_into_a_file_holding_locked_tests_is_followed() {
    // A file split into files that already exist.
    let l = moved_into_locked(SACRED);
    l.assert_moved(
        ID,
        "python:tests/billing/test_other.py::test_refund_is_exact",
    );
}

#[test]
fn a_test_moved_and_renamed_into_a_file_holding_locked_tests_is_refused() {
    // Among other locked tests, a moved test is followed only under its own name: that is
    // what a later change to that file looks for.
    let l = moved_into_locked(&SACRED.replace("test_refund_is_exact", "test_exact_refund"));
    assert_refused_removed(&l);
}

/// After an accepted move into `OTHER_FILE` (committed), `OTHER_FILE` edited (staged).
fn after_the_move_into_locked(edit: impl Fn(&str) -> String) -> Locked {
    let l = moved_into_locked(SACRED);
    l.repo.git(&["add", "-A"]);
    l.repo.git(&["commit", "-q", "--no-verify", "-m", "move"]);
    let now = format!("{HEADER}{OTHER_LOCKED}\n\n{SACRED}");
    l.repo.write(OTHER_FILE, edit(&now));
    l
}

#[test]
fn weakening_a_test_moved_into_a_locked_file_later_is_refused() {
    // Only the file it moved into changes: its base revision names the locked test, so the
    // file the lock names for it is read too.
    let l = after_the_move_into_locked(|s| s.replace("    assert refund(5) == 5\n", ""));
    assert_refused_removed(&l);
}

#[test]
fn deleting_or_renaming_a_test_moved_into_a_locked_file_later_is_refused() {
    let l = after_the_move_into_locked(|s| s.replace(SACRED, ""));
    assert_refused_removed(&l);
    let l = after_the_move_into_locked(|s| s.replace("test_refund_is_exact", "test_exact_refund"));
    assert_refused_removed(&l);
}

#[test]
fn a_test_moved_into_a_locked_file_stays_followed_when_that_file_changes() {
    let l = after_the_move_into_locked(|s| format!("{s}    assert refund(9) == 9\n"));
    l.assert_moved(
        ID,
        "python:tests/billing/test_other.py::test_refund_is_exact",
    );
}

#[test]
fn a_change_to_a_locked_file_holding_no_moved_test_reads_only_its_own() {
    // Its base text holds no name of a locked test of another file: no second parse, no other
    // file compared (`checked` counts its own locked test alone).
    let l = locked(&[
        (FILE, &base()),
        (OTHER_FILE, &format!("{HEADER}{OTHER_LOCKED}")),
    ]);
    let checked = |l: &Locked| {
        l.repo.git(&["add", "-A"]);
        let out = l
            .repo
            .gk(&["--format", "json", "sacred", "check", "--staged"]);
        assert_code(&out, 0, "check --staged");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["checked"].clone()
    };
    l.repo.write(
        OTHER_FILE,
        format!("{HEADER}{OTHER_LOCKED}    assert refund(3) == 3\n"),
    );
    assert_eq!(checked(&l), 1);
    // One whose base text names `test_refund_of_zero` (locked in `FILE`) reads `FILE` too.
    l.repo.write(
        OTHER_FILE,
        format!("{HEADER}{OTHER_LOCKED}\n\n# see test_refund_of_zero\n"),
    );
    l.repo.git(&["add", "-A"]);
    l.repo
        .git(&["commit", "-q", "--no-verify", "-m", "comment"]);
    l.repo.write(
        OTHER_FILE,
        format!("{HEADER}{OTHER_LOCKED}    assert refund(3) == 3\n\n\n# see test_refund_of_zero\n"),
    );
    assert_eq!(checked(&l), 1, "a name in a comment is not a test");
}

#[test]
fn a_test_reaching_files_by_a_relative_path_is_refused_in_another_directory() {
    // The path inside the test names another file from a subdirectory.
    let it = "it(\"is exact\", async () => {\n  const { refund } = await import(\"../../src/refund.js\");\n  expect(refund(100)).toBe(100);\n});\n";
    let file = "tests/billing/refunds.test.ts";
    let other = "it(\"other\", () => {});\n";
    let l = locked(&[(file, &format!("{it}\n{other}"))]);
    l.repo.write(file, other);
    l.repo.write("tests/billing/sub/exact.test.ts", it);
    l.assert_refused("removed", "ts:tests/billing/refunds.test.ts::is exact");
    // So does the file's own place.
    let body = SACRED.replace(
        "    total = refund(100)\n",
        "    total = refund(100)\n    assert open(__file__).read()\n",
    );
    let l = locked(&[(FILE, &format!("{HEADER}{body}\n\n{OTHER}"))]);
    l.repo.write(FILE, format!("{HEADER}{OTHER}"));
    l.repo.write(
        "tests/billing/refunds/test_exact.py",
        format!("{HEADER}{body}"),
    );
    assert_refused_removed(&l);
    // In its own directory, both mean what they meant.
    let l = locked(&[(FILE, &format!("{HEADER}{body}\n\n{OTHER}"))]);
    l.repo.write(FILE, format!("{HEADER}{OTHER}"));
    l.repo
        .write("tests/billing/test_exact.py", format!("{HEADER}{body}"));
    l.assert_moved(
        ID,
        "python:tests/billing/test_exact.py::test_refund_is_exact",
    );
}

#[test]
fn a_test_using_a_module_level_path_of_its_file_is_refused_in_another_directory() {
    // `DATA` has the same text in a subdirectory but names another file there.
    let head = format!("{HEADER}DATA = open(__file__).name\n\n\n");
    let body = SACRED.replace(
        "    total = refund(100)\n",
        "    total = refund(100)\n    assert DATA\n",
    );
    let l = locked(&[(FILE, &format!("{head}{body}\n\n{OTHER}"))]);
    l.repo.write(FILE, format!("{head}{OTHER}"));
    l.repo.write(
        "tests/billing/refunds/test_exact.py",
        format!("{head}{body}"),
    );
    assert_refused_removed(&l);
    // In its own directory it names the same file.
    let l = locked(&[(FILE, &format!("{head}{body}\n\n{OTHER}"))]);
    l.repo.write(FILE, format!("{head}{OTHER}"));
    l.repo
        .write("tests/billing/test_exact.py", format!("{head}{body}"));
    l.assert_moved(
        ID,
        "python:tests/billing/test_exact.py::test_refund_is_exact",
    );
}

/// The TS test `it` (titled `title`) moved from `tests/billing/refunds.test.ts` into
/// `tests/billing/exact.test.ts`, which holds a locked test of its own: followed; then, the
/// move committed, its check dropped there alone: refused. The title is searched for as the
/// source writes it.
fn ts_moved_into_locked_then_weakened(it: &str, title: &str) {
    let file = "tests/billing/refunds.test.ts";
    let into = "tests/billing/exact.test.ts";
    let other = "it(\"other\", () => {});\n";
    let kept = "it(\"kept\", () => {\n  expect(refund(2)).toBe(2);\n});\n";
    let l = locked(&[
        (file, &format!("{TS_HEAD}{it}\n{other}")),
        (into, &format!("{TS_HEAD}{kept}")),
    ]);
    l.repo.write(file, format!("{TS_HEAD}{other}"));
    l.repo.write(into, format!("{TS_HEAD}{kept}\n{it}"));
    let from = format!("ts:{file}::{title}");
    l.assert_moved(&from, &format!("ts:{into}::{title}"));
    // (`assert_moved` committed the move.)
    let weakened = it.replace("  expect(refund(100)).toBe(100);\n", "");
    assert_ne!(weakened, it);
    l.repo.write(into, format!("{TS_HEAD}{kept}\n{weakened}"));
    l.assert_refused("removed", &from);
}

#[test]
fn a_ts_test_moved_into_a_file_holding_locked_tests_is_followed_and_checked_there() {
    ts_moved_into_locked_then_weakened(TS_IT, "is exact");
}

#[test]
fn a_go_test_moved_into_a_file_holding_locked_tests_is_followed_and_checked_there() {
    let other = "\nfunc TestOther(t *testing.T) {}\n";
    let kept =
        "func TestKept(t *testing.T) {\n\tif Refund(2) != 2 {\n\t\tt.Fatal(\"kept\")\n\t}\n}\n";
    let into = "pay/kept_test.go";
    let l = locked(&[
        (
            "pay/refund_test.go",
            &format!("{GO_HEAD}{GO_TAG}{GO_TEST}{other}"),
        ),
        (into, &format!("{GO_HEAD}{GO_TAG}{kept}")),
    ]);
    l.repo
        .write("pay/refund_test.go", format!("{GO_HEAD}{}", &other[1..]));
    l.repo
        .write(into, format!("{GO_HEAD}{GO_TAG}{kept}\n{GO_TAG}{GO_TEST}"));
    l.assert_moved(GO_ID, "go:pay/kept_test.go::TestRefundIsExact");
    // (`assert_moved` committed the move.)
    let weakened = GO_TEST.replace(
        "\tif Refund(100) != 100 {\n\t\tt.Fatal(\"refund\")\n\t}\n",
        "",
    );
    l.repo
        .write(into, format!("{GO_HEAD}{GO_TAG}{kept}\n{GO_TAG}{weakened}"));
    l.assert_refused("removed", GO_ID);
}

#[test]
fn a_ts_test_with_an_escaped_title_moved_into_a_locked_file_is_checked_there() {
    // `won\'t` as written in the source.
    ts_moved_into_locked_then_weakened(
        "it('won\\'t refund twice', () => {\n  expect(refund(100)).toBe(100);\n});\n",
        "won\\'t refund twice",
    );
}

/// `FILE` and `OTHER_FILE` both holding the sacred test (a duplicate), locked; then `FILE`'s
/// copy removed.
fn twin_removed(twin: &str) -> Locked {
    let l = locked(&[(FILE, &base()), (OTHER_FILE, &format!("{HEADER}{SACRED}"))]);
    l.repo.write(FILE, format!("{HEADER}{OTHER}"));
    l.repo.write(OTHER_FILE, format!("{HEADER}{twin}"));
    l
}

#[test]
fn removing_a_duplicate_of_a_locked_test_is_accepted() {
    // The twin, locked in its own right, keeps every check the removed copy had.
    let l = twin_removed(SACRED);
    let out = l.check_staged();
    assert_code(&out, 0, "check --staged");
    assert!(
        text(&out).contains(&format!(
            "`{ID}` is gone, and `python:tests/billing/test_other.py::test_refund_is_exact` (tests/billing/test_other.py:6), locked too, holds every check it had"
        )),
        "{}",
        text(&out)
    );
}

#[test]
fn removing_a_duplicate_while_weakening_its_twin_is_refused() {
    let l = twin_removed(&SACRED.replace("    assert refund(5) == 5\n", ""));
    assert_refused_removed(&l);
    // Only an exact duplicate stands in: a locked test that differs is another test.
    let l = twin_removed(&format!("{SACRED}    assert refund(7) == 7\n"));
    assert_refused_removed(&l);
    // Two locked copies, one kept: the kept one stands for one of them only.
    let l = locked(&[
        (FILE, &format!("{HEADER}{SACRED}")),
        (OTHER_FILE, &format!("{HEADER}{SACRED}")),
        ("tests/billing/test_third.py", &format!("{HEADER}{SACRED}")),
    ]);
    l.repo.write(FILE, HEADER);
    l.repo.write("tests/billing/test_third.py", HEADER);
    let out = l.check_staged();
    assert_code(&out, 1, "check --staged");
}

/// The sacred test written as `body` in `FILE`, locked, then moved to a subdirectory.
fn python_moved_down(body: &str) -> Locked {
    let l = locked(&[(FILE, &format!("{HEADER}{body}\n\n{OTHER}"))]);
    l.repo.write(FILE, format!("{HEADER}{OTHER}"));
    l.repo.write(
        "tests/billing/refunds/test_exact.py",
        format!("{HEADER}{body}"),
    );
    l
}

#[test]
fn a_python_test_with_a_relative_path_string_moved_into_a_subdirectory_is_followed() {
    // Python opens `./receipts` from the working directory, which a move does not change.
    let body = SACRED.replace(
        "    assert refund(5) == 5\n",
        "    assert refund(5, into=\"./receipts\") == 5\n",
    );
    let l = python_moved_down(&body);
    l.assert_moved(
        ID,
        "python:tests/billing/refunds/test_exact.py::test_refund_is_exact",
    );
}

#[test]
fn a_python_test_using_its_own_place_moved_into_a_subdirectory_is_refused() {
    // pytest's `request.path` is the test file's place; `import_module(".x", __package__)`
    // resolves from its package: both name other files from another directory.
    for line in [
        "    data = request.path.parent / \"receipts\"\n",
        "    data = request.fspath\n",
        "    fake = importlib.import_module(\".fakes\", __package__)\n",
    ] {
        let body = SACRED.replace(
            "def test_refund_is_exact():\n",
            &format!("def test_refund_is_exact(request):\n{line}"),
        );
        let l = python_moved_down(&body);
        assert_refused_removed(&l);
    }
}

// Renamed keeping every check while a new test takes its old name (cobra's `TestPlugin` →
// `TestPluginWithSubCommands` and a new `TestPlugin`): followed under its new name; the test at
// the old id is a new one.
const TAKEN: &str = "def test_refund_is_exact():\n    assert refund(1) == 1\n";

#[test]
fn a_test_renamed_while_a_new_test_takes_its_name_is_followed() {
    let l = locked(&[(FILE, &base())]);
    let renamed = SACRED.replace("test_refund_is_exact", "test_refund_is_exact_for_100");
    l.repo
        .write(FILE, format!("{HEADER}{TAKEN}\n\n{renamed}\n\n{OTHER}"));
    l.assert_moved(
        ID,
        "python:tests/billing/test_refunds.py::test_refund_is_exact_for_100",
    );
}

#[test]
fn a_test_renamed_with_a_check_dropped_while_a_new_test_takes_its_name_is_refused() {
    let l = locked(&[(FILE, &base())]);
    let renamed = SACRED
        .replace("test_refund_is_exact", "test_refund_is_exact_for_100")
        .replace("    assert refund(5) == 5\n", "");
    l.repo
        .write(FILE, format!("{HEADER}{TAKEN}\n\n{renamed}\n\n{OTHER}"));
    for out in [l.check_staged(), l.check_base()] {
        assert_code(&out, 1, "check");
        assert!(text(&out).contains(ID), "{}", text(&out));
    }
}

// Another locked test that is an exact copy does not stand in for a test changed at its id:
// only a test the lock does not name does.
#[test]
fn a_locked_twin_does_not_stand_in_for_a_test_changed_at_its_id() {
    let twin = SACRED.replace("test_refund_is_exact", "test_refund_is_exact_twin");
    let l = locked(&[(FILE, &format!("{HEADER}{SACRED}\n\n{twin}\n\n{OTHER}"))]);
    l.repo.write(
        FILE,
        format!(
            "{HEADER}{}\n\n{twin}\n\n{OTHER}",
            SACRED.replace("    assert refund(5) == 5\n", "")
        ),
    );
    l.assert_refused("assertion-removed", ID);
}

// Renamed in its own file and given more checks at once (tornado's `test_malformed_continuation`
// → `test_continuation`, its check kept verbatim beside new ones): neither the body nor the name
// is the locked one, but every locked check still runs, and a later change to that file is
// checked against the lock again.
const RENAMED_AND_EXTENDED: &str = r"def test_exact_refund():
    total = refund(100)
    assert total == 100
    assert refund(5) == 5
    assert refund(7) == 7
";

#[test]
fn a_test_renamed_with_a_check_added_in_its_own_file_is_followed() {
    let l = locked(&[(FILE, &base())]);
    l.repo
        .write(FILE, format!("{HEADER}{RENAMED_AND_EXTENDED}\n\n{OTHER}"));
    l.assert_moved(
        ID,
        "python:tests/billing/test_refunds.py::test_exact_refund",
    );
}

#[test]
fn a_test_renamed_with_a_check_added_and_one_dropped_in_its_own_file_is_refused() {
    let l = locked(&[(FILE, &base())]);
    let weakened = RENAMED_AND_EXTENDED.replace("    assert refund(5) == 5\n", "");
    l.repo.write(FILE, format!("{HEADER}{weakened}\n\n{OTHER}"));
    assert_refused_removed(&l);
}

#[test]
fn a_test_renamed_with_a_check_added_then_weakened_is_refused() {
    let l = locked(&[(FILE, &base())]);
    l.repo
        .write(FILE, format!("{HEADER}{RENAMED_AND_EXTENDED}\n\n{OTHER}"));
    l.repo.git(&["add", "-A"]);
    l.repo.git(&["commit", "-q", "--no-verify", "-m", "rename"]);
    let weakened = RENAMED_AND_EXTENDED.replace("    assert total == 100\n", "");
    l.repo.write(FILE, format!("{HEADER}{weakened}\n\n{OTHER}"));
    assert_refused_removed(&l);
}

#[test]
fn a_test_renamed_with_a_check_added_into_another_file_is_refused() {
    // Elsewhere a moved test keeps the locked body or name: that is what a later change to
    // its new file is looked at for (a test found by neither could be weakened there unseen).
    let l = moved_to("tests/billing/test_exact.py", RENAMED_AND_EXTENDED);
    assert_refused_removed(&l);
}

#[test]
fn a_renamed_test_keeping_its_body_is_not_taken_by_another_renamed_one() {
    // Two locked tests renamed at once: `test_a` also gains a check. Its checks are kept by
    // both new tests; the copy of `test_b`'s body stands for `test_b`, the other for `test_a`.
    let a = "def test_a():\n    assert refund(1) == 1\n";
    let b = "def test_b():\n    assert refund(1) == 1\n    assert refund(2) == 2\n";
    let l = locked(&[(FILE, &format!("{HEADER}{a}\n\n{b}"))]);
    let b_renamed = b.replace("test_b", "test_c1");
    let a_renamed = format!(
        "{}    assert refund(3) == 3\n",
        a.replace("test_a", "test_c2")
    );
    l.repo
        .write(FILE, format!("{HEADER}{b_renamed}\n\n{a_renamed}"));
    for (what, out) in [
        ("check --staged", l.check_staged()),
        ("check --base", l.check_base()),
    ] {
        assert_code(&out, 0, what);
        let err = String::from_utf8_lossy(&out.stderr);
        for (from, to) in [("test_a", "test_c2"), ("test_b", "test_c1")] {
            let wanted = format!(
                "note: `python:tests/billing/test_refunds.py::{from}` is now `python:tests/billing/test_refunds.py::{to}` ("
            );
            assert!(
                err.lines().any(|l| l.starts_with(&wanted)),
                "{what}: no `{wanted}`\n{err}"
            );
        }
    }
}
