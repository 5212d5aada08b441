//! A test whose checks moved into a helper function of its file is compared as written: the
//! helper's checks are not read into it, and the move is refused until a human re-locks it.
//! Reading each call with the helper written out in place was built and removed: three
//! independent attacks on it found 47 edits it accepted that check less (an argument
//! evaluated elsewhere or changed while the helper ran, what a Go call converts, operator
//! precedence, closures, `await` ticks, names captured either way, text after the call on
//! its line, a JSX tag, …). Each of them is a fixture here that the check must refuse, with
//! the plainer weakenings through a helper.
use super::locked;

const GO_BASE: &str = "package billing\n\nimport \"testing\"\n\nfunc TestRefund(t *testing.T) {\n\tc := &Account{Name: \"c\", Rate: Standard, Run: noop}\n\tgot, err := refund(c, 100)\n\tif got != 100 {\n\t\tt.Errorf(\"refund = %d\", got)\n\t}\n\tif err != nil {\n\t\tt.Errorf(\"unexpected error: %v\", err)\n\t}\n}\n";

/// `helpers` added before the test, and the test's body replaced by `body`.
fn go_after(helpers: &str, body: &str) -> String {
    format!(
        "package billing\n\nimport \"testing\"\n\n{helpers}\nfunc TestRefund(t *testing.T) {{\n{body}}}\n"
    )
}

const GO_ACCOUNT: &str = "func account(rate Rate, premium bool) *Account {\n\tc := &Account{\n\t\tName: \"c\",\n\t\tRate: rate,\n\t\tRun:  noop,\n\t}\n\tif premium {\n\t\tc.Premium = true\n\t}\n\treturn c\n}\n";
const GO_EXPECT: &str = "func expectRefund(got int, err error, t *testing.T) {\n\tif got != 100 {\n\t\tt.Errorf(\"refund = %d\", got)\n\t}\n\tif err != nil {\n\t\tt.Fatalf(\"unexpected error: %v\", err)\n\t}\n}\n";
const GO_BODY: &str =
    "\tc := account(Standard, false)\n\tgot, err := refund(c, 100)\n\texpectRefund(got, err, t)\n";

/// Checks moved, unchanged, into a helper of the file stay refused in every language: no
/// call is read as the helper's statements (see the module docs).
#[test]
fn checks_moved_into_a_helper_stay_refused() {
    let file = "tests/billing/refund_test.go";
    let l = locked(&[(file, GO_BASE)]);
    l.repo.write(
        file,
        go_after(&format!("{GO_ACCOUNT}\n{GO_EXPECT}"), GO_BODY),
    );
    l.assert_staged_refuses("go:tests/billing/refund_test.go::TestRefund", "go helpers");
    let file = "tests/billing/test_refund.py";
    let l = locked(&[(file, PY_BASE)]);
    l.repo.write(
        file,
        py_after(
            PY_CHECK,
            "    got = refund(100)\n    check_refund(got, 100)\n",
        ),
    );
    l.assert_staged_refuses(
        "python:tests/billing/test_refund.py::test_refund",
        "python helpers",
    );
    let file = "tests/billing/pay.test.js";
    let l = locked(&[(file, JS_BASE)]);
    l.repo.write(file, js_after(JS_EXPECT, JS_BODY));
    l.assert_staged_refuses(JS_ID, "js helpers");
}

#[test]
fn go_a_helper_that_checks_less_is_refused() {
    let file = "tests/billing/refund_test.go";
    for (helpers, body) in [
        // The check loosened inside the helper.
        (
            format!("{GO_ACCOUNT}\n{}", GO_EXPECT.replace("got != 100", "got < 0")),
            GO_BODY.to_owned(),
        ),
        // The flag the helper branches on turns its check off.
        (
            format!(
                "{GO_ACCOUNT}\nfunc expectRefund(got int, err error, t *testing.T, strict bool) {{\n\tif strict {{\n\t\tif got != 100 {{\n\t\t\tt.Errorf(\"refund = %d\", got)\n\t\t}}\n\t}}\n\tif err != nil {{\n\t\tt.Fatalf(\"unexpected error: %v\", err)\n\t}}\n}}\n"
            ),
            GO_BODY.replace("expectRefund(got, err, t)", "expectRefund(got, err, t, false)"),
        ),
        // A return before the check.
        (
            format!("{GO_ACCOUNT}\n{}", GO_EXPECT.replace("\tif got != 100", "\tif got > 0 {\n\t\treturn\n\t}\n\tif got != 100")),
            GO_BODY.to_owned(),
        ),
        // A deferred check runs when the helper returns, not at the test's end.
        (
            format!("{GO_ACCOUNT}\n{}", GO_EXPECT.replace("\tif got != 100 {\n\t\tt.Errorf(\"refund = %d\", got)\n\t}\n", "\tdefer func() {\n\t\tif got != 100 {\n\t\t\tt.Errorf(\"refund = %d\", got)\n\t\t}\n\t}()\n")),
            GO_BODY.to_owned(),
        ),
        // The helper reads a package variable the test shadows with its own local.
        (
            format!("var want = 0\n\n{GO_ACCOUNT}\n{}", GO_EXPECT.replace("got != 100", "got != want")),
            GO_BODY.replace("\texpectRefund", "\twant := 100\n\t_ = want\n\texpectRefund"),
        ),
        // A closure reads the parameter when it runs, after the test changed its variable.
        (
            format!("{GO_ACCOUNT}\n{}", GO_EXPECT.replace("\tif got != 100 {\n\t\tt.Errorf(\"refund = %d\", got)\n\t}\n", "\tt.Cleanup(func() {\n\t\tif got != 100 {\n\t\t\tt.Errorf(\"refund = %d\", got)\n\t\t}\n\t})\n")),
            GO_BODY.replace("\texpectRefund(got, err, t)\n", "\texpectRefund(got, err, t)\n\tgot = 100\n"),
        ),
        // A call handed to a parameter used twice would run twice if written out in place.
        (
            format!("{GO_ACCOUNT}\nfunc expectRefund(got int, err error, t *testing.T) {{\n\tif got != 100 {{\n\t\tt.Errorf(\"refund = %d\", got)\n\t}}\n\tif got != 100 {{\n\t\tt.Errorf(\"again = %d\", got)\n\t}}\n\tif err != nil {{\n\t\tt.Fatalf(\"unexpected error: %v\", err)\n\t}}\n}}\n"),
            "\tc := account(Standard, false)\n\t_, err := refund(c, 100)\n\texpectRefund(first(refund(c, 100)), err, t)\n".to_owned(),
        ),
    ] {
        let l = locked(&[(file, GO_BASE)]);
        l.repo.write(file, go_after(&helpers, &body));
        l.assert_staged_refuses("go:tests/billing/refund_test.go::TestRefund", &helpers);
    }
}

/// A call handed to a parameter the helper reads only under `&&`: it runs at the call,
/// though written where the helper reads it, it would not (the locked test's own call never
/// ran). A reading of the helper written out in place accepted this.
#[test]
fn go_a_call_handed_to_a_helper_parameter_read_under_a_short_circuit_is_refused() {
    let file = "tests/billing/refund_test.go";
    let base = GO_BASE.replace(
        "Rate: Standard, Run: noop}",
        "Rate: Standard, Premium: Standard == Gold && configure(0), Run: noop}",
    );
    let l = locked(&[(file, &base)]);
    l.repo.write(
        file,
        go_after(
            &format!(
                "func account(rate Rate, premium bool) *Account {{\n\tc := &Account{{Name: \"c\", Rate: rate, Premium: rate == Gold && premium, Run: noop}}\n\treturn c\n}}\n\n{GO_EXPECT}"
            ),
            &GO_BODY.replace("account(Standard, false)", "account(Standard, configure(0))"),
        ),
    );
    l.assert_staged_refuses("go:tests/billing/refund_test.go::TestRefund", "&&");
}

/// A string over several lines written out at another indentation would be another string:
/// the helper's check compares what it says, not what the lock holds.
#[test]
fn python_a_helper_comparing_a_string_over_several_lines_is_refused() {
    let file = "tests/billing/test_refund.py";
    let base = "from billing import report\n\n\nclass TestReport:\n    def test_report(self):\n        out = report()\n        assert out == \"\"\"\n        total: 100\n        \"\"\"\n";
    let l = locked(&[(file, base)]);
    l.repo.write(
        file,
        "from billing import report\n\n\ndef check_report(out):\n    assert out == \"\"\"\n    total: 100\n    \"\"\"\n\n\nclass TestReport:\n    def test_report(self):\n        out = report()\n        check_report(out)\n",
    );
    l.assert_staged_refuses(
        "python:tests/billing/test_refund.py::TestReport::test_report",
        "multi-line string",
    );
}

const PY_BASE: &str = "from billing import refund\n\n\ndef test_refund():\n    got = refund(100)\n    assert got == 100\n    assert isinstance(got, int)\n";

fn py_after(helpers: &str, body: &str) -> String {
    format!("from billing import refund\n\n\n{helpers}\n\ndef test_refund():\n{body}")
}

const PY_CHECK: &str = "def check_refund(got, expected):\n    \"\"\"The refund is exact.\"\"\"\n    assert got == expected\n    assert isinstance(got, int)\n";

#[test]
fn python_a_helper_that_checks_less_is_refused() {
    let file = "tests/billing/test_refund.py";
    let call = "    got = refund(100)\n    check_refund(got, 100)\n";
    for (helpers, body) in [
        // The check loosened inside the helper.
        (PY_CHECK.replace("got == expected", "got >= 0"), call.to_owned()),
        // A generator: calling it runs none of its body.
        (format!("{PY_CHECK}    yield\n"), call.to_owned()),
        // A coroutine: the same.
        (format!("async {PY_CHECK}"), call.to_owned()),
        // A decorator decides what the call runs.
        (format!("@skip_all\n{PY_CHECK}"), call.to_owned()),
        // The name bound again after the definition.
        (format!("{PY_CHECK}\n\ncheck_refund = print\n"), call.to_owned()),
        // A return before the checks.
        (
            PY_CHECK.replace("    assert got == expected", "    if got:\n        return\n    assert got == expected"),
            call.to_owned(),
        ),
        // An f-string first in the helper is no docstring: what it substitutes runs.
        (
            PY_CHECK.replace("\"\"\"The refund is exact.\"\"\"", "f\"{configure(0)}\""),
            call.to_owned(),
        ),
        // Another function binds the name again.
        (
            format!("{PY_CHECK}\n\ndef setup_module():\n    global check_refund\n    check_refund = print\n"),
            call.to_owned(),
        ),
        // `from … import *` after the helper may bind its name again.
        (format!("{PY_CHECK}\n\nfrom billing.fakes import *\n"), call.to_owned()),
        // Handed by keyword: not read.
        (PY_CHECK.to_owned(), "    got = refund(100)\n    check_refund(expected=100, got=got)\n".to_owned()),
        // The helper reads a module name the test binds to something else.
        (
            "EXPECTED = 0\n\n\ndef check_refund(got):\n    assert got == EXPECTED\n    assert isinstance(got, int)\n".to_owned(),
            "    got = refund(100)\n    EXPECTED = 100\n    check_refund(got)\n".to_owned(),
        ),
    ] {
        let l = locked(&[(file, PY_BASE)]);
        l.repo.write(file, py_after(&helpers, &body));
        l.assert_staged_refuses("python:tests/billing/test_refund.py::test_refund", &helpers);
    }
}

const JS_BASE: &str = "import test from 'ava';\nimport {refund} from '../../src/pay.js';\n\ntest('refund is exact', async t => {\n\tconst got = await refund(100);\n\tt.is(got.amount, 100);\n\tt.true(got.ok);\n});\n";

fn js_after(helpers: &str, body: &str) -> String {
    format!(
        "import test from 'ava';\nimport {{refund}} from '../../src/pay.js';\n\n{helpers}\ntest('refund is exact', async t => {{\n{body}}});\n"
    )
}

const JS_EXPECT: &str =
    "function expectRefund(t, got, amount) {\n\tt.is(got.amount, amount);\n\tt.true(got.ok);\n}\n";
const JS_REFUNDED: &str =
    "const refunded = async amount => {\n\tconst got = await refund(amount);\n\treturn got;\n};\n";
const JS_BODY: &str = "\tconst got = await refund(100);\n\texpectRefund(t, got, 100);\n";
const JS_ID: &str = "js:tests/billing/pay.test.js::refund is exact";

#[test]
fn javascript_a_helper_that_checks_less_is_refused() {
    let file = "tests/billing/pay.test.js";
    for (helpers, body) in [
        // The check loosened inside the helper.
        (
            format!("{}\n{JS_REFUNDED}", JS_EXPECT.replace("t.is(got.amount, amount)", "t.truthy(got.amount)")),
            JS_BODY.to_owned(),
        ),
        // An async helper called without `await`: its checks after its first `await` run
        // when the test may be over.
        (
            format!("{JS_EXPECT}\n{JS_REFUNDED}"),
            "\tconst got = refunded(100);\n\texpectRefund(t, got, 100);\n".to_owned(),
        ),
        // `this` and `arguments` are the helper's own.
        (
            format!("{}\n{JS_REFUNDED}", JS_EXPECT.replace("\tt.true(got.ok);", "\tt.true(this.ok);")),
            JS_BODY.to_owned(),
        ),
        (
            format!("{}\n{JS_REFUNDED}", JS_EXPECT.replace("\tt.true(got.ok);", "\tt.true(arguments[1].ok);")),
            JS_BODY.to_owned(),
        ),
        // A function declaration's name assigned elsewhere.
        (
            format!("{JS_EXPECT}\n{JS_REFUNDED}\ntest.beforeEach(() => {{\n\texpectRefund = () => {{}};\n}});\n"),
            JS_BODY.to_owned(),
        ),
        // `{amount}` is a key named after the parameter.
        (
            format!("{}\n{JS_REFUNDED}", JS_EXPECT.replace("\tt.is(got.amount, amount);", "\tt.deepEqual({amount: got.amount}, {amount});")),
            "\tconst got = await refunded(100);\n\tconst amount = 100;\n\tt.deepEqual({amount: got.amount}, {amount});\n\texpectRefund(t, got, amount);\n".to_owned(),
        ),
        // A closure reads the parameter later.
        (
            format!("{}\n{JS_REFUNDED}", JS_EXPECT.replace("\tt.is(got.amount, amount);", "\tt.teardown(() => t.is(got.amount, amount));")),
            JS_BODY.to_owned(),
        ),
        // A default value: not read.
        (
            format!("{}\n{JS_REFUNDED}", JS_EXPECT.replace("amount)", "amount = 1)")),
            "\tconst got = await refunded(100);\n\texpectRefund(t, got);\n".to_owned(),
        ),
    ] {
        let l = locked(&[(file, JS_BASE)]);
        l.repo.write(file, js_after(&helpers, &body));
        l.assert_staged_refuses(JS_ID, &helpers);
    }
}

/// The 47 edits that a reading of helper calls written out in place accepted, in one of its
/// versions, though each makes a test check less; each must be refused. First round: an
/// f-string argument evaluated before the helper's statements; a name argument whose
/// variable changes while the helper runs (a global, a `nonlocal`, a JavaScript closure, a
/// Go package variable or method value); a call on a one-line `if`/`with` or a brace-less
/// `if`; a JavaScript helper bound again by a `var` in a block or a `for (var …)`; a Python
/// `match` capture in the helper; a Go map key read as a field name; an untyped Go constant
/// handed to a `float64` parameter; a local one written-out helper binds read by the next;
/// names the test binds through `match`, `select` and a type switch. Second round (`r2-*`):
/// an argument pasted without its parentheses; a Go typed nil handed to an `error` or
/// returned as one; a returned untyped constant; a value converted to a named type with a
/// `String` method; a struct key read as a variable; `-10` into a `float64`; `x = h(x)`; a
/// lambda's or arrow's parameter taken for the caller's local; a generator expression or
/// object method reading a parameter later; a named function expression calling itself; an
/// awaited async helper's extra ticks; a `var` shared across a loop's iterations. Third
/// round (`r3-*`): `; return` after the call on its line; a walrus in a generator
/// rebinding the caller's local; `locals()` in the helper; a default value naming a global
/// taken for a local; private-name mangling in a class; a block-scoped binding, a
/// destructuring write and sloppy-mode `arguments` hiding a closure's write; a generator,
/// `enum` or abstract class the test declares; a JSX tag named by a parameter; `with` in
/// the test.
#[test]
fn attacks_through_helper_calls_are_refused() {
    super::assert_attack_fixtures_refused("inlined", 47);
}
