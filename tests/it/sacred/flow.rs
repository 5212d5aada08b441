//! A helper of the tests whose value reaches an assertion through the test's own statements
//! (`got = run(xs)` then `assert got == 6`; `xs = items()` then `assert total(xs) == 6`; a
//! cart `fill(cart)` fills before `assert total(cart) == 10`) is locked as written, in every
//! language: changing what it returns or leaves is refused as `rebound`. A helper whose value
//! reaches no assertion (a log line) may still change.

use super::locked;

/// One language's suite: its files, the test file, and per case the test's id, the edit
/// that changes what reaches the assertion, and an edit of a helper that reaches none.
struct Suite {
    files: &'static [(&'static str, &'static str)],
    test_file: &'static str,
    cases: &'static [(&'static str, &'static str, &'static str)],
    harmless: (&'static str, &'static str),
}

const PY_TEST: &str = "from billing.pay import total


def log(msg):
    print(msg)


def run(xs):
    return total(xs)


def items():
    return [1, 2, 3]


def fill(cart):
    cart.append(4)


def test_run():
    log(\"run\")
    got = run([1, 2, 3])
    assert got == 6


def test_items():
    xs = items()
    assert total(xs) == 6


def test_fill():
    cart = [1, 2, 3]
    fill(cart)
    assert total(cart) == 10


def test_condition():
    for x in items():
        if x > 2:
            assert total([x]) == 3
";

const PYTHON: Suite = Suite {
    files: &[
        ("billing/__init__.py", ""),
        ("billing/pay.py", "def total(xs):\n    return sum(xs)\n"),
        ("tests/billing/test_pay.py", PY_TEST),
    ],
    test_file: "tests/billing/test_pay.py",
    cases: &[
        (
            "python:tests/billing/test_pay.py::test_run",
            "    return total(xs)\n",
            "    return 6\n",
        ),
        (
            "python:tests/billing/test_pay.py::test_items",
            "    return [1, 2, 3]\n",
            "    return [0, 1, 2, 3]\n",
        ),
        (
            "python:tests/billing/test_pay.py::test_fill",
            "    cart.append(4)\n",
            "    cart.append(4)\n    cart.insert(0, 0)\n",
        ),
    ],
    harmless: ("    print(msg)\n", "    print(\"log:\", msg)\n"),
};

const GO_TEST: &str = "package billing

import (
\t\"fmt\"
\t\"testing\"
)

func logf(msg string) {
\tfmt.Println(msg)
}

func run(xs []int) (int, error) {
\treturn Total(xs), nil
}

func items() []int {
\treturn []int{1, 2, 3}
}

func TestRun(t *testing.T) {
\tlogf(\"run\")
\tgot, err := run([]int{1, 2, 3})
\tif err != nil {
\t\tt.Fatal(err)
\t}
\tif got != 6 {
\t\tt.Errorf(\"got %d\", got)
\t}
}

func TestItems(t *testing.T) {
\tfor _, x := range items() {
\t\tif x > 2 && Total([]int{x}) != 3 {
\t\t\tt.Error(\"bad\")
\t\t}
\t}
}
";

const GO: Suite = Suite {
    files: &[
        ("go.mod", "module example.com/shop\n\ngo 1.21\n"),
        (
            "tests/billing/pay.go",
            "package billing\n\nfunc Total(xs []int) int {\n\ts := 0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n",
        ),
        ("tests/billing/pay_test.go", GO_TEST),
    ],
    test_file: "tests/billing/pay_test.go",
    cases: &[
        (
            "go:tests/billing/pay_test.go::TestRun",
            "\treturn Total(xs), nil\n",
            "\treturn 6, nil\n",
        ),
        (
            "go:tests/billing/pay_test.go::TestItems",
            "\treturn []int{1, 2, 3}\n",
            "\treturn []int{1, 2}\n",
        ),
    ],
    harmless: ("\tfmt.Println(msg)\n", "\tfmt.Println(\"log:\", msg)\n"),
};

const JS_TEST: &str = "import {total} from '../../src/pay.js';

function log(msg) {
  console.log(msg);
}

async function run(xs) {
  return total(xs);
}

const items = () => [1, 2, 3];

test('run', async () => {
  log('run');
  const got = await run([1, 2, 3]);
  expect(got).toBe(6);
});

test('items', () => {
  let xs;
  xs = items();
  expect(total(xs)).toBe(6);
});
";

const JS: Suite = Suite {
    files: &[
        (
            "src/pay.js",
            "export const total = (xs) => xs.reduce((a, b) => a + b, 0);\n",
        ),
        ("tests/billing/pay.test.js", JS_TEST),
    ],
    test_file: "tests/billing/pay.test.js",
    cases: &[
        (
            "js:tests/billing/pay.test.js::run",
            "  return total(xs);\n",
            "  return 6;\n",
        ),
        (
            "js:tests/billing/pay.test.js::items",
            "const items = () => [1, 2, 3];",
            "const items = () => [0, 1, 2, 3];",
        ),
    ],
    harmless: ("  console.log(msg);\n", "  console.log('log:', msg);\n"),
};

const RS_TEST: &str = "use pay::total;

fn log(msg: &str) {
    println!(\"{msg}\");
}

fn run(xs: &[i64]) -> i64 {
    total(xs)
}

fn items() -> Vec<i64> {
    vec![1, 2, 3]
}

#[test]
fn runs() {
    log(\"run\");
    let got = run(&[1, 2, 3]);
    assert_eq!(got, 6);
}

#[test]
fn items_total() {
    let xs = items();
    match total(&xs) {
        6 => {}
        other => panic!(\"got {other}\"),
    }
}
";

const RUST: Suite = Suite {
    files: &[
        (
            "Cargo.toml",
            "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        (
            "src/lib.rs",
            "pub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n",
        ),
        ("tests/billing/pay.rs", RS_TEST),
    ],
    test_file: "tests/billing/pay.rs",
    cases: &[
        (
            "rust:tests/billing/pay.rs::runs",
            "    total(xs)\n",
            "    6\n",
        ),
        (
            "rust:tests/billing/pay.rs::items_total",
            "    vec![1, 2, 3]\n",
            "    vec![0, 1, 2, 3]\n",
        ),
    ],
    harmless: (
        "    println!(\"{msg}\");\n",
        "    println!(\"log: {msg}\");\n",
    ),
};

fn content(suite: &Suite) -> &'static str {
    suite
        .files
        .iter()
        .find(|(p, _)| *p == suite.test_file)
        .map(|(_, c)| *c)
        .expect("the test file is one of the files")
}

fn assert_suite(suite: &Suite) {
    for (id, from, to) in suite.cases {
        let l = locked(suite.files);
        l.edit(suite.test_file, content(suite), &[(from, to)]);
        l.assert_refused("rebound", id);
    }
    let l = locked(suite.files);
    let (from, to) = suite.harmless;
    l.edit(suite.test_file, content(suite), &[(from, to)]);
    l.assert_passes_checked();
}

#[test]
fn a_python_helper_whose_value_reaches_an_assertion_is_locked() {
    assert_suite(&PYTHON);
}

#[test]
fn a_go_helper_whose_value_reaches_an_assertion_is_locked() {
    assert_suite(&GO);
}

#[test]
fn a_javascript_helper_whose_value_reaches_an_assertion_is_locked() {
    assert_suite(&JS);
}

#[test]
fn a_rust_helper_whose_value_reaches_an_assertion_is_locked() {
    assert_suite(&RUST);
}

// The condition that decides whether an assertion runs is what the test checks: a helper
// it reads through a loop (`for x in items(): if x > 2: assert …`) is locked.
#[test]
fn a_helper_read_by_the_condition_of_an_assertion_is_locked() {
    let l = locked(PYTHON.files);
    l.edit(
        PYTHON.test_file,
        PY_TEST,
        &[("    return [1, 2, 3]\n", "    return [1, 2]\n")],
    );
    l.assert_refused(
        "rebound",
        "python:tests/billing/test_pay.py::test_condition",
    );
}

// A lock written before these helpers were recorded holds no line for `run`: the base
// revision's test decides, and it reached `run` as written, so `return 6` is refused. A
// helper the base revision did not reach is a new check and passes.
#[test]
fn under_a_lock_from_before_a_helper_whose_value_reaches_an_assertion_is_judged_by_the_base() {
    let l = locked(PYTHON.files);
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    assert!(lock.contains("  hooks-read 16\n"), "{lock}");
    let older: String = lock
        .lines()
        .filter(|line| !line.starts_with("  envelope-binding helper run: "))
        .map(|line| {
            if line == "  hooks-read 16" {
                "  hooks-read 9".to_owned()
            } else {
                line.to_owned()
            }
        })
        .fold(String::new(), |acc, line| acc + &line + "\n");
    assert_ne!(older, lock, "the lock holds the helper `run`");
    l.commit_lock(&older);
    l.edit(
        PYTHON.test_file,
        PY_TEST,
        &[("    return total(xs)\n", "    return 6\n")],
    );
    l.assert_refused("rebound", "python:tests/billing/test_pay.py::test_run");
}

// A call that may check what it is handed (a helper of the file that asserts) reads its
// arguments as an assertion does: `check(run(xs))` compares what `run` returns.
#[test]
fn a_helper_whose_value_a_check_helper_is_handed_is_locked() {
    let test = "from billing.pay import total\n\n\ndef run(xs):\n    return total(xs)\n\n\ndef check(x):\n    assert x == 6\n\n\ndef test_run():\n    check(run([1, 2, 3]))\n";
    let files = [
        ("billing/__init__.py", ""),
        ("billing/pay.py", "def total(xs):\n    return sum(xs)\n"),
        ("tests/billing/test_pay.py", test),
    ];
    let l = locked(&files);
    l.edit(
        "tests/billing/test_pay.py",
        test,
        &[("    return total(xs)\n", "    return 6\n")],
    );
    l.assert_refused("rebound", "python:tests/billing/test_pay.py::test_run");
}

// A destructuring pattern binds what it reads from the helper's value
// (`const {data} = await run(xs)`).
#[test]
fn a_helper_whose_value_is_destructured_is_locked() {
    let test = "import {total} from '../../src/pay.js';\n\nasync function run(xs) {\n  return {data: total(xs)};\n}\n\ntest('run', async () => {\n  const {data} = await run([1, 2, 3]);\n  expect(data).toBe(6);\n});\n";
    let files = [
        (
            "src/pay.js",
            "export const total = (xs) => xs.reduce((a, b) => a + b, 0);\n",
        ),
        ("tests/billing/pay.test.js", test),
    ];
    let l = locked(&files);
    l.edit(
        "tests/billing/pay.test.js",
        test,
        &[("return {data: total(xs)};", "return {data: 6};")],
    );
    l.assert_refused("rebound", "js:tests/billing/pay.test.js::run");
}

const KEPT_PY: &str = "from billing.pay import total

KEPT = []


def items():
    return [1, 2, 3]


def describe():
    return \"cart\"


def extra():
    return [4]


def store(xs):
    KEPT.append(xs)


def render(x):
    return str(x)


def check_stored(expected):
    assert total(KEPT[-1]) == expected


def test_local():
    seen = []
    seen.append(describe())
    store(items())
    check_stored(6)


def test_after():
    store(items())
    check_stored(6)
    store(extra())


def test_render():
    render(describe())
    store(items())
    check_stored(6)


def test_loop():
    for n in range(2):
        if n:
            check_stored(6)
        store(items())
";

fn kept_py_files() -> [(&'static str, &'static str); 3] {
    [
        ("billing/__init__.py", ""),
        ("billing/pay.py", "def total(xs):\n    return sum(xs)\n"),
        ("tests/billing/test_pay.py", KEPT_PY),
    ]
}

// A value the test hands to something that keeps it beyond its locals (`store(items())`,
// `KEPT.append(xs)` in `store`) reaches a check helper that reads it back (`check_stored`)
// when that check runs after it, in a loop too: `items` is locked.
#[test]
fn a_helper_whose_value_is_kept_for_a_check_helper_is_locked() {
    for test in ["test_local", "test_after", "test_render", "test_loop"] {
        let l = locked(&kept_py_files());
        l.edit(
            "tests/billing/test_pay.py",
            KEPT_PY,
            &[("    return [1, 2, 3]\n", "    return [0, 1, 2, 3]\n")],
        );
        l.assert_refused(
            "rebound",
            &format!("python:tests/billing/test_pay.py::{test}"),
        );
    }
}

// What goes only to a local of the test (`seen.append(describe())`), to a function of the
// file that keeps nothing (`render(describe())`), or to something that keeps it after the
// last check (`store(extra())`) reaches no check: those helpers may change.
#[test]
fn a_helper_whose_value_is_kept_where_no_check_reads_it_may_change() {
    let l = locked(&kept_py_files());
    l.edit(
        "tests/billing/test_pay.py",
        KEPT_PY,
        &[
            ("    return \"cart\"\n", "    return \"basket\"\n"),
            ("    return [4]\n", "    return [5]\n"),
        ],
    );
    l.assert_passes_checked();
}

// The same in JavaScript: what the test pushes onto a local array passes; what it hands to
// a function of the file that keeps it for a check helper is locked.
#[test]
fn a_javascript_helper_whose_value_is_kept_for_a_check_helper_is_locked() {
    let test = "import {total} from '../../src/pay.js';\n\nconst KEPT = [];\n\nfunction items() {\n  return [1, 2, 3];\n}\n\nfunction label() {\n  return 'cart';\n}\n\nfunction store(xs) {\n  KEPT.push(xs);\n}\n\nfunction checkStored(expected) {\n  expect(total(KEPT[KEPT.length - 1])).toBe(expected);\n}\n\ntest('stored', () => {\n  const seen = [];\n  seen.push(label());\n  store(items());\n  checkStored(6);\n});\n";
    let files = [
        (
            "src/pay.js",
            "export const total = (xs) => xs.reduce((a, b) => a + b, 0);\n",
        ),
        ("tests/billing/pay.test.js", test),
    ];
    let l = locked(&files);
    l.edit(
        "tests/billing/pay.test.js",
        test,
        &[("return 'cart';", "return 'basket';")],
    );
    l.assert_passes_checked();
    let l = locked(&files);
    l.edit(
        "tests/billing/pay.test.js",
        test,
        &[("return [1, 2, 3];", "return [0, 1, 2, 3];")],
    );
    l.assert_refused("rebound", "js:tests/billing/pay.test.js::stored");
}

// A function of the file keeps what it is handed when it hands it on to one that keeps it
// (`store` calls `_pass_on`, which calls `_remember`, which appends to `KEPT`), through any
// number of calls; one that hands it only to functions that keep nothing (`show` calls
// `_render`) keeps nothing, and what it is handed reaches no check.
#[test]
fn a_helper_whose_value_is_kept_through_other_functions_is_locked() {
    const HELPERS: &str = "from billing.pay import total\n\nKEPT = []\n\n\ndef items():\n    return [1, 2, 3]\n\n\ndef _remember(xs):\n    KEPT.append(xs)\n\n\ndef _pass_on(xs):\n    _remember(xs)\n\n\ndef _render(xs):\n    return str(xs)\n\n\ndef store(xs):\n    _pass_on(xs)\n\n\ndef show(xs):\n    _render(xs)\n\n\ndef check_stored(expected):\n    assert total(KEPT[-1]) == expected\n";
    let stored =
        format!("{HELPERS}\n\ndef test_stored():\n    store(items())\n    check_stored(6)\n");
    let shown = format!(
        "{HELPERS}\n\ndef test_shown():\n    show(items())\n    KEPT.append([1, 2, 3])\n    check_stored(6)\n"
    );
    for (test, name, refused) in [
        (&stored, "test_stored", true),
        (&shown, "test_shown", false),
    ] {
        let l = locked(&[
            ("billing/__init__.py", ""),
            ("billing/pay.py", "def total(xs):\n    return sum(xs)\n"),
            ("tests/billing/test_pay.py", test),
        ]);
        l.edit(
            "tests/billing/test_pay.py",
            test,
            &[("    return [1, 2, 3]\n", "    return [0, 1, 2, 3]\n")],
        );
        if refused {
            l.assert_refused(
                "rebound",
                &format!("python:tests/billing/test_pay.py::{name}"),
            );
        } else {
            l.assert_passes_checked();
        }
    }
}
