//! The ninth round of attacks on the sacred check, in every language: each edit made a
//! locked test vacuous or kept it from running while the check passed, confirmed with the
//! real runner (unittest and pytest, Jest, Vitest and AVA, `go test`): the code under test
//! broken, the locked test fails and the edited tree passes. Each is a before/after tree in
//! `tests/it/sacred/fixtures/ninth_attacks/NAME`, and is refused now.

use crate::common::{assert_code, text};

/// Python: import-time code the name-based reading did not follow (`setattr` on a dotted
/// name, a lambda decorator, an alias, `exec` imported under another name, a helper
/// returning the module, an instance's `__call__`/`__mro_entries__`/`__enter__`, a hook
/// handed to `sys.setprofile`, `patcher.__enter__()`, `pickle.loads`, `map(patch, …)`, a
/// module `__getattr__`); JavaScript/TypeScript: a matcher replaced from a `describe` body,
/// a class static block, a computed key, a template substitution, a function handed to
/// `map`, `vi.mock` inside a test, `test['only']`, an enum initializer, a `module` block, a
/// decorator; Go: the test file renamed so the go tool skips it, a nested `go.mod`, a
/// `replace` or `go.work` answering the test's import with a fake, and the external test
/// package's `init` or values ending the run.
#[test]
fn the_ninth_attacks_are_refused() {
    super::assert_attack_fixtures_refused("ninth_attacks", 59);
}

/// The tenth round, on the edits the check accepts as the same check: a message that runs
/// code (`os._exit(0)`, `pytest.skip()`, a Rust block that exits or returns, a Go closure
/// calling `t.SkipNow()`, unittest's `msg=items.sort()` and an AVA template calling
/// `items.sort()`, evaluated before the comparison); an AVA `t.plan` count made smaller;
/// `ids=` given to a parametrize under a locked `-k "not slow"`; `IOError` → `OSError` where
/// a star import binds `IOError`; a test moved into a `build/` directory pytest never collects;
/// a Go constant read from `_fixtures.go`, which the go tool ignores; a Go loop unrolled over
/// a field typed `any`; `globalThis.x` written `window.x` inside a Jest `toThrow()` (Jest's
/// `node` environment has no `window`: the ReferenceError is the error it expects).
#[test]
fn the_tenth_acceptance_attacks_are_refused() {
    super::assert_attack_fixtures_refused("tenth_acceptance", 21);
}

/// The eleventh round, on the newest readings: a helper the test calls that patches through
/// a call (`mock.patch(…).start()`, `vars(pay).update(…)`, `jest.spyOn(…)`, Go's `copy`,
/// `os.Setenv`, a setter on a package variable), through a local a getter or an operand
/// handed it (`importlib.import_module(…)`, `pay or None`, `require(…)`, `billing || {}`, a Go
/// local taken again from a package variable), or through a parameter defaulting to the
/// module; another test module starting a patcher or setting an environment default as it is
/// imported; a dotted specifier (`'../../src/billing.service'`) a new `.js` file answers under
/// Vitest; `var _, len = …` in the package; Cargo targets written as TOML allows (`[[bin]]`,
/// literal strings, an inline array, a dotted key) keeping `cargo test` from the test; a
/// trait `impl` in a sibling module of an integration test's binary taking `total(self)`.
#[test]
fn the_eleventh_attacks_are_refused() {
    super::assert_attack_fixtures_refused("eleventh_attacks", 22);
}

/// What the eleventh round's readings leave alone: a helper filling a list it made or was
/// handed, a parameter defaulting to a literal, a Go helper calling methods of its own
/// locals, another test module's own list, a Rust module added to a test binary with a trait
/// `impl` for a type the binary declares, a `[[bin]]` target beside an integration test.
/// The helpers run for what they write only: their values reach no assertion (one whose
/// value does is locked as written, see `flow`).
#[test]
fn the_eleventh_round_s_readings_pass_ordinary_helper_edits() {
    let py = |helpers: &str| {
        format!(
            "from billing import pay\n\n\n{helpers}\n\ndef test_total():\n    xs = cart()\n    add(xs)\n    assert pay.total([1, 2, 3, 4]) == 10\n"
        )
    };
    let l = super::locked(&[
        ("billing/__init__.py", ""),
        ("billing/pay.py", "def total(xs):\n    return sum(xs)\n"),
        ("tests/__init__.py", ""),
        ("tests/billing/__init__.py", ""),
        (
            "tests/billing/test_pay.py",
            &py(
                "def cart(n=3):\n    items = []\n    items.append(1)\n    items.extend(range(2, n + 1))\n    return items\n\n\ndef add(items):\n    items.append(4)\n",
            ),
        ),
    ]);
    l.repo.write(
        "tests/billing/test_pay.py",
        py("def cart(n=3):\n    items = list(range(1, n + 1))\n    return items\n\n\ndef add(items):\n    items.extend([4])\n"),
    );
    l.repo.write(
        "tests/test_other.py",
        "CASES = []\nCASES.append(1)\n\n\ndef test_other():\n    assert CASES\n",
    );
    l.assert_passes_checked();

    let js = |body: &str| {
        format!(
            "const billing = require('../../src/billing');\n\nfunction cart(n = 3) {{\n{body}}}\n\ntest('sums', () => {{\n  cart();\n  expect(billing.total([1, 2, 3])).toBe(6);\n}});\n"
        )
    };
    let l = super::locked(&[
        (
            "gatekeeper.yml",
            "sacred:\n  paths: [\"test/billing/**\"]\n",
        ),
        (
            "src/billing.js",
            "module.exports = { total: (xs) => xs.reduce((a, b) => a + b, 0) };\n",
        ),
        (
            "test/billing/pay.test.js",
            &js(
                "  const items = [];\n  for (let i = 1; i <= n; i++) items.push(i);\n  return items;\n",
            ),
        ),
    ]);
    l.repo.write(
        "test/billing/pay.test.js",
        js("  const items = new Set();\n  for (let i = 1; i <= n; i++) items.add(i);\n  return [...items];\n"),
    );
    l.assert_passes_checked();

    let go = |body: &str| {
        format!(
            "package billing\n\nimport (\n\t\"strings\"\n\t\"testing\"\n)\n\nfunc items(t *testing.T) []int {{\n\tt.Helper()\n{body}\treturn []int{{1, 2, 3}}\n}}\n\nfunc TestTotal(t *testing.T) {{\n\titems(t)\n\tif got := Total([]int{{1, 2, 3}}); got != 6 {{\n\t\tt.Fatalf(\"Total = %d\", got)\n\t}}\n}}\n"
        )
    };
    let l = super::locked(&[
        ("gatekeeper.yml", "sacred:\n  paths: [\"billing/**\"]\n"),
        ("go.mod", "module example.com/shop\n\ngo 1.19\n"),
        (
            "billing/billing.go",
            "package billing\n\nfunc Total(xs []int) int {\n\ts := 0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n",
        ),
        (
            "billing/billing_test.go",
            &go("\tvar b strings.Builder\n\tb.WriteString(\"cart\")\n"),
        ),
    ]);
    l.repo.write(
        "billing/billing_test.go",
        go("\tvar b strings.Builder\n\tb.WriteString(\"cart of three\")\n\tt.Log(b.String())\n"),
    );
    l.assert_passes_checked();

    let manifest = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
    let l = super::locked(&[
        (
            "gatekeeper.yml",
            "sacred:\n  paths: [\"tests/it/billing.rs\"]\n",
        ),
        ("Cargo.toml", manifest),
        (
            "src/lib.rs",
            "pub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n",
        ),
        ("tests/it/main.rs", "mod billing;\nmod helpers;\n"),
        (
            "tests/it/helpers.rs",
            "pub fn items() -> Vec<i64> {\n    vec![1, 2, 3]\n}\n",
        ),
        (
            "tests/it/billing.rs",
            "use crate::helpers::*;\n\n#[test]\nfn total_is_sum() {\n    assert_eq!(shop::total(&items()), 6);\n}\n",
        ),
    ]);
    l.repo.write(
        "tests/it/main.rs",
        "mod billing;\nmod fixture;\nmod helpers;\n",
    );
    l.repo.write(
        "tests/it/fixture.rs",
        "pub struct Fixture {\n    pub items: Vec<i64>,\n}\n\nimpl Default for Fixture {\n    fn default() -> Self {\n        Fixture { items: vec![1, 2, 3] }\n    }\n}\n",
    );
    l.repo.write(
        "Cargo.toml",
        format!("{manifest}\n[[bin]]\nname = \"tool\"\npath = \"src/bin/tool.rs\"\ntest = false\n"),
    );
    l.repo.write("src/bin/tool.rs", "fn main() {}\n");
    l.assert_passes_checked();
}

/// A compiled module committed beside the tests (an unchecked-hash `.pyc` that Python loads
/// in place of `tests/__init__.py`, which stays empty) is locked with every Python test by
/// its digest: a new one, or a changed one, is refused.
#[test]
fn a_committed_compiled_python_file_is_refused() {
    let l = super::locked(&[
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
        ("tests/__init__.py", ""),
        ("tests/billing/__init__.py", ""),
        (
            "tests/billing/test_pay.py",
            "import billing\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n",
        ),
    ]);
    // The header of an unchecked-hash pyc, then anything: gatekeeper never runs it.
    l.repo.write(
        "tests/__pycache__/__init__.cpython-311.pyc",
        b"\xa7\r\r\n\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xe3patched",
    );
    l.assert_staged_refuses("python:tests/billing/test_pay.py::test_total", "a new .pyc");
}

/// A `#[macro_use]` module declared before the tests brings its macros into their scope:
/// one it defines later under a name the test invokes (a no-op `assert_eq!`) is refused,
/// though the declaring file is untouched.
#[test]
fn a_macro_added_later_to_a_macro_use_module_is_refused() {
    let lib = "#[macro_use]\nmod support;\n\npub fn total(xs: &[i32]) -> i32 {\n    xs.iter().sum()\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn total_is_sum() {\n        assert_eq!(total(&[1, 2, 3]), 6);\n    }\n}\n";
    let l = super::locked(&[
        ("gatekeeper.yml", "sacred:\n  paths: [\"src/lib.rs\"]\n"),
        (
            "Cargo.toml",
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", lib),
        (
            "src/support.rs",
            "macro_rules! helper {\n    () => {};\n}\n",
        ),
    ]);
    l.repo.write(
        "src/support.rs",
        "macro_rules! helper {\n    () => {};\n}\n\nmacro_rules! assert_eq {\n    ($($t:tt)*) => {};\n}\n",
    );
    l.assert_staged_refuses("rust:src/lib.rs::tests::total_is_sum", "a no-op assert_eq");
}

/// A test of another module that ends the process ends the test binary before the locked
/// one reports, though it has the locked test's name.
#[test]
fn a_namesake_test_ending_the_process_is_refused() {
    let lib = "pub fn total(xs: &[i32]) -> i32 {\n    xs.iter().sum()\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn total_is_sum() {\n        assert_eq!(total(&[1, 2, 3]), 6);\n    }\n}\n";
    let l = super::locked(&[
        ("gatekeeper.yml", "sacred:\n  paths: [\"src/lib.rs\"]\n"),
        (
            "Cargo.toml",
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", lib),
    ]);
    l.repo.write(
        "src/lib.rs",
        format!(
            "{lib}\n#[cfg(test)]\nmod smoke {{\n    #[test]\n    fn total_is_sum() {{\n        std::process::exit(0);\n    }}\n}}\n"
        ),
    );
    l.assert_staged_refuses(
        "rust:src/lib.rs::tests::total_is_sum",
        "a namesake that exits",
    );
}

/// Under a lock an earlier reading wrote (`hooks-read 3`: no line for which files answer an
/// extensionless import written inside a test), a new `src/billing.mjs` that Vite resolves
/// before `src/billing.js` is judged by the base revision, and refused; a change to the code
/// under test alone is not.
#[test]
fn a_new_file_answering_a_dynamic_import_under_an_older_lock_is_refused() {
    let test = "// Don't touch the billing suite\nimport { test, expect } from 'vitest';\n\ntest('sums', async () => {\n  const { total } = await import('../../src/billing');\n  expect(total([1, 2, 3])).toBe(6);\n});\n";
    let billing = "export function total(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n";
    let l = super::locked(&[
        (
            "gatekeeper.yml",
            "sacred:\n  paths: [\"test/billing/**\"]\n",
        ),
        (
            "package.json",
            "{ \"type\": \"module\", \"devDependencies\": { \"vitest\": \"^4.0.0\" } }\n",
        ),
        ("src/billing.js", billing),
        ("test/billing/pay.test.js", test),
    ]);
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    assert!(
        lock.contains("hook resolution (in src/billing.*): '../../src/billing'"),
        "{lock}"
    );
    let older: String = lock
        .lines()
        .filter(|line| !line.contains("hook resolution"))
        .map(|line| {
            if line.starts_with("  hooks-read ") {
                "  hooks-read 3".to_owned()
            } else {
                line.to_owned()
            }
        })
        .fold(String::new(), |acc, line| acc + &line + "\n");
    l.commit_lock(&older);
    l.repo.write(
        "src/billing.js",
        format!("{billing}// checked\n").as_bytes(),
    );
    l.assert_passes_checked();
    l.repo
        .write("src/billing.mjs", b"export const total = () => 6;\n");
    l.assert_staged_refuses("js:test/billing/pay.test.js::sums", "a new src/billing.mjs");
}

/// The tenth round, on what configures the runner and resolves the test's imports (each
/// confirmed with the real runner: the locked test fails against broken code, the edited
/// tree passes): a `pytest.toml`, pytest's table in `pyproject.toml` spelled another way, an
/// empty `pytest.ini`, a `conftest.py` or package `__init__.py` in a sibling directory, a
/// package or an extension module beside `billing.py`, a directory's `package.json`, a
/// stale `billing.js` beside `billing.ts`.
#[test]
fn the_tenth_config_attacks_are_refused() {
    super::assert_attack_fixtures_refused("tenth_config", 23);
}

/// The twelfth round, each confirmed with the real runner (pytest, `go test`, `cargo test`,
/// Jest, AVA): a sub-expression extracted into a local that changes the order operands are
/// evaluated in; `addCleanup` trusted to put a process-wide setting back when the cleanup
/// never runs (a no-op `addCleanup` of a base in another file, one bound in the class or on
/// the instance, `doCleanups()` run early, `_cleanups` cleared, another `self`); a
/// process-wide setter handed on as a value (`map`, `functools.partial(…)(…)`,
/// `ExitStack.callback`, a thread's target, `__call__`, `getattr` with its name, a module
/// alias, `localcontext().__enter__()`) or called where another test module runs it as it is
/// imported (its top, a default, an annotation, a class body, a `parametrize` case); a Go
/// method of a test-file type that shadows the embedded `*testing.T`'s `Errorf`; a removed
/// decorator read as a skip marker for a word it holds; a Rust message whose `Display` ends
/// the process through `::std::process::exit`; a name spelled like the check's own
/// placeholders for a test's locals (`_l1`); a `#[cfg(any())]` between two `#[doc = "("]`
/// attributes; a Rust item or a JavaScript function declared after the checks, which the
/// locked call then reaches; an AVA release before the check dropped for a helper's teardown.
#[test]
fn the_twelfth_attacks_are_refused() {
    super::assert_attack_fixtures_refused("twelfth_attacks", 34);
}

/// The thirteenth round, on the twelfth's closures, each confirmed with the real runner
/// (pytest, AVA with tsx, `cargo test`, `go test`): Python's shared decimal context reached
/// through a star import, `sys.modules["decimal"]`, `importlib.import_module("decimal")`,
/// `__import__("decimal")`, a local bound to `decimal.getcontext()` (also the saved value a
/// `finally` puts back), a module-level `ExitStack` entering a context it never closes, a
/// saved name rebound by a `match` capture or an import; a `match` capture appended that
/// makes the function under test a local; an extracted local after an `and` operand or at
/// the end of a chained comparison; a repository decorator named like a skip that ran the
/// test with warnings as errors, removed; a TypeScript `enum` or `abstract class` appended
/// that shadows the function under test; a Rust macro called after the checks that expands
/// to a shadowing `fn`; a new Rust test ending the binary through `use … as bye` or an
/// `extern` function linked to `exit`; a new Go test ending it through `import sc
/// "syscall"`.
#[test]
fn the_thirteenth_attacks_are_refused() {
    super::assert_attack_fixtures_refused("thirteenth_attacks", 19);
}

/// The fourteenth round, each confirmed with the real runner (pytest, Jest, Vitest, AVA,
/// mocha, `go test`, `cargo test`): a pytest section whose header carries a `;` comment, a
/// plugin a test module other than the sacred one loads through `pytest_plugins`, a pytest
/// configuration removed whole (its `filterwarnings = error` gone); a Jest snapshot taken
/// with a hint rewritten, code before a snapshot file's entries, a helper a Jest setup file
/// requires installing an always-passing matcher, a module bound by name (in the sacred file
/// or another mocha spec) that patches the code under test as it loads, a file named exactly
/// as an extensionless import, a Vitest `test` extended in a helper module (a fixture
/// marking the task failing, `.fails`), an AVA macro test, a custom matcher of an imported
/// helper loosened; a new Go or Rust test that replaces the test binary (`syscall.Exec`,
/// `CommandExt::exec`), a Go put-back held past the serial tests by `t.Parallel()`, a Go
/// range clause assigning a package variable, a Rust `cfg_attr(test, path = …)` swapping
/// the module under test for unit tests, a Rust static written through its lock guard's
/// `clone_from`.
#[test]
fn the_fourteenth_attacks_are_refused() {
    super::assert_attack_fixtures_refused("fourteenth_attacks", 19);
}

/// The fifteenth round, each confirmed with the real runner: an AVA snapshot file rewritten
/// by `ava -u` from a broken implementation, or deleted (AVA records it afresh); the file a
/// Vitest `toMatchFileSnapshot` compares with, rewritten by `vitest -u` or deleted; a JSON
/// file a runner configuration loads (spread into `jest.config.js`, a Jest `preset`, mocha's
/// `extends`) changed to map the code under test to a copy or to run other tests; a
/// workspace package a test imports by its bare name with its `main` repointed to a fake;
/// and (`go test`) a Go package of the tests' own code that the test file imports
/// (`internal/testutil`), whose `func init()` sets a variable of the code under test or
/// appends a `-test.run` filter to `os.Args` (the locked test, or its subtests, then never
/// run), a new package the test file imports only for its `init` (`import _ …`), a package
/// testutil imports so in turn, and a testutil package-level `var` whose value calls a
/// function that sets the code under test's variable; the code under test's own `init`, or
/// that of a package it imports, appending a `-test.run` filter to `os.Args`.
#[test]
fn the_fifteenth_attacks_are_refused() {
    super::assert_attack_fixtures_refused("fifteenth_attacks", 15);
}

/// The sixteenth round, each confirmed with the real runner: node:test's stored snapshots
/// (`t.assert.snapshot()`) rewritten by `--test-update-snapshots` from a broken
/// implementation, beside the test file or where a `setResolveSnapshotPath` of a `--require`d
/// module puts them; Jest `.snap` files placed by a `snapshotResolver`, written as in Jest's
/// documentation or computed, rewritten by `jest -u`; an AVA `.snap` file of a test that
/// snapshots only through a helper it imports, rewritten by `ava -u`; (`go test`) a Go check
/// helper in a package of the module outside the test directories (`example.com/shop/checks`,
/// `internal/assertx`), imported by the test file and handed the test's `t`, rewritten to
/// stop failing, in its own body, in a function of its package it compares through, or in
/// a method of a type of that package (`checks.Checker{Want: 6}.Total(t, got)`); and a value
/// the test hands to something that keeps it beyond its locals, read back only by a check
/// that runs later — a helper of the file appending it to a module-level list a check
/// helper totals (pytest, Jest, `go test`), the test setting an attribute of `self` or an
/// item of a module-level dict that a check method or helper reads, a method of the test
/// class keeping it on `self` for the assertion (and that method rewritten to keep another
/// value), a helper filling the code under test's own cart that the assertion totals, and
/// the test appending to a list on `self` or on a module-level object a check reads.
/// Rewriting the helper that builds the value (`[1, 2, 3]` → `[0, 1, 2, 3]`) made an
/// implementation that drops the first item pass.
#[test]
fn the_sixteenth_attacks_are_refused() {
    super::assert_attack_fixtures_refused("sixteenth_attacks", 20);
}

/// The seventeenth round, each confirmed with the real runner (pytest, Jest, `go test`): a
/// value the test hands to the code under test inside an assignment whose result the test
/// never checks, read back by the assertion — a function of the module the assertion also
/// reads (`r = billing.register(items())`, then `assert billing.registered_total() == 6`;
/// Python, JavaScript, Go), a function imported by name (`r = register(items())`, then
/// `assert registered_total() == 6`; Python, JavaScript), and a method of another module's
/// value (`n = os.environ.setdefault("K", label())`, then an assertion on what reads `K`).
/// Rewriting the helper that builds the value (`[1, 2, 3]` → `[1, 2, 2]`, `"gold"` →
/// `"GOLD"`) made a broken implementation pass.
#[test]
fn the_seventeenth_attacks_are_refused() {
    super::assert_attack_fixtures_refused("seventeenth_attacks", 6);
}

/// The eighteenth round, each confirmed with pytest: under a locked `addopts = -k "not
/// one"`, the values of two `pytest.param` cases swapped between their ids, so that the case
/// that ran is deselected and the one deselected runs (a `total` that returns the first
/// item then passed); and a helper the test calls that starts a patcher made under another
/// name (`from unittest.mock import patch as p`, then `p("billing.total", lambda xs:
/// 6).start()`; a `total` that returns 0 then passed).
#[test]
fn the_eighteenth_attacks_are_refused() {
    super::assert_attack_fixtures_refused("eighteenth_attacks", 2);
}

/// The nineteenth round: a helper the test calls for its effects patches the code under test
/// through sinon under a name that does not say `sinon` or `sandbox` — a sandbox bound to
/// `box`, the module required as `sn`, `stub` imported by name, a sandbox made by an imported
/// `createSandbox` under another name in a `beforeEach` (sinon is not installed here: the
/// fixtures follow its documented API); and a Python helper that starts a patcher made by
/// what it is handed (`prepare(patch)`, or a fixture returning `mock.patch`), each confirmed
/// with pytest: a `total` that returns 0 then passed; and a helper, in Python and in
/// JavaScript, that sets a member through a local bound to a call of a function of its file
/// returning the module (`def _mod(): return billing`; confirmed with pytest, and with node
/// for the JavaScript one). Each passed `sacred check` before.
#[test]
fn the_nineteenth_attacks_are_refused() {
    super::assert_attack_fixtures_refused("nineteenth_attacks", 8);
}

/// The twentieth round: what the compiler reads otherwise than the grammar — a Python line
/// hidden after a lone carriage return in a comment (CPython ends the line there and runs
/// `billing.total = sum`), a Rust inner attribute written `#! [cfg(…)]` (rustc reads an
/// inner attribute, not a shebang line: a `#[path]` module swapped for the tests, a test
/// file compiled out); and a Go test file binding the code under test's variable through
/// `//go:linkname` with a value of its own (the test binary links that value, with nothing
/// run or assigned); a star import (Python) or a glob import (Rust) of the code under test,
/// which now binds a name the check calls (`isclose`, `Ok`); and code under test that reads
/// the environment pytest sets for the tests (`PYTEST_CURRENT_TEST`) to answer right only
/// there, or a Rust library right only under `debug_assertions` (on for `cargo test`, off
/// for `--release`); a dev-dependency turning on a feature of a crate of the repository for
/// the test build alone; and a Go golden file a test embeds from outside `testdata`,
/// rewritten. Each was confirmed with the real runner (pytest, `cargo test`, `go test`): a
/// broken `total` then passed, or the test did not run. Each passed `sacred check` before.
#[test]
fn the_twentieth_attacks_are_refused() {
    super::assert_attack_fixtures_refused("twentieth_attacks", 10);
}

/// The twenty-first round: code that only the test process runs — a module of the tests
/// that patches the code under test at its top, imported by a new `conftest.py` or by another
/// test module (pytest imports both while it collects); a pytest plugin named by a
/// distribution's `entry_points.txt` committed at the root (`python -m pytest` finds it on
/// `sys.path`); a trait `impl` in a module of the crate compiled only under test, whose
/// by-value method takes the place of the one a unit test calls; and a Rust library right
/// only under `cfg(panic = "unwind")`, which Cargo forces for tests. Each was confirmed with
/// the real runner (pytest, `cargo test`): a broken `total` then passed, while the shipped
/// code returned 0. Each passed `sacred check` before.
#[test]
fn the_twenty_first_attacks_are_refused() {
    super::assert_attack_fixtures_refused("twenty_first_attacks", 5);
}

/// The twenty-second round, on the edges of the twentieth and twenty-first: a golden file
/// named by a wildcard `//go:embed` pattern; a `//go:linkname` in a non-test file of a helper
/// package that a new test file of the package imports for its effects; a patcher reached
/// through `getattr(mock, "patch")`; the code under test binding the name a star import
/// brings through `globals()`; and a Rust library making the `pub fn Ok` a glob import brings
/// through a macro. Each was confirmed with the real runner (pytest, `go test`, `cargo
/// test`): a broken `total` then passed. Each passed `sacred check` before.
#[test]
fn the_twenty_second_attacks_are_refused() {
    super::assert_attack_fixtures_refused("twenty_second_attacks", 5);
}

/// A Python source that declares an encoding under which it is not read as UTF-8 (`#
/// coding: unicode_escape`, where `\u000a` in a comment is a line break; confirmed with
/// pytest: the hidden assignment ran) cannot be read as CPython reads it: the check stops
/// (exit 3) and says why. A Latin-1 declaration reads as UTF-8 does, and passes.
#[test]
fn a_python_source_in_an_encoding_not_read_as_utf8_stops_the_check() {
    let test = "import billing\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";
    let files = [
        (
            "billing/__init__.py",
            "def total(xs):\n    return sum(xs)\n",
        ),
        ("tests/__init__.py", ""),
        ("tests/billing/__init__.py", ""),
        ("tests/billing/test_pay.py", test),
    ];
    let l = super::locked(&files);
    l.repo.write(
        "tests/billing/test_pay.py",
        format!("# coding: unicode_escape\n# exact \\u000abilling.total = sum\n{test}"),
    );
    let out = l.check_staged();
    assert_code(&out, 3, "unicode_escape");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("`tests/billing/test_pay.py` declares the source encoding `unicode_escape`"),
        "{}",
        text(&out)
    );
    let l = super::locked(&files);
    l.repo.write(
        "tests/billing/test_pay.py",
        format!("# -*- coding: latin-1 -*-\n{test}"),
    );
    l.assert_passes();
}

/// The other side of the nineteenth round: sinon under another name patching what the
/// helper made itself, and a method named like sinon's on a value that is not sinon's,
/// change nothing that outlives the helper.
#[test]
fn sinon_under_another_name_patching_its_own_object_passes() {
    const TEST: &str = "const sn = require('sinon');\nconst box = sn.createSandbox();\nconst billing = require('../../src/billing');\n\nfunction prepare() {\n  console.log('ready');\n}\n\ntest('sums', () => {\n  prepare();\n  expect(billing.total([1, 2, 3])).toBe(6);\n});\n";
    let files = [
        ("tests/billing/pay.test.js", TEST),
        (
            "src/billing.js",
            "function total(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\nmodule.exports = { total };\n",
        ),
        (
            "package.json",
            "{\"devDependencies\": {\"jest\": \"^29.0.0\"}}\n",
        ),
    ];
    for patch in [
        "  const own = { log() {} };\n  box.stub(own, 'log');\n",
        "  const own = { log() {} };\n  sn.spy(own, 'log');\n",
        "  const label = 'a-b';\n  console.log(label.replace(billing.separator, '+'));\n",
    ] {
        let l = super::locked(&files);
        l.edit(
            "tests/billing/pay.test.js",
            TEST,
            &[(
                "  console.log('ready');\n",
                &format!("{patch}  console.log('ready');\n"),
            )],
        );
        l.assert_passes();
    }
}
