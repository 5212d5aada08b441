//! A check helper reached by a name computed when the test runs (`getattr(self, "check_" +
//! kind)`, `globals()[name]`, `getattr(helpers, name)`, `helpers[name]`): every function it
//! could be is locked with the test, and one that asserts rewritten to check nothing is
//! refused. Each attack passed `sacred check` before.

use super::locked;

const BILLING: &str = "def total(xs):\n    return sum(xs)\n";
const HELPERS: &str = "import billing\n\n\ndef check_total(xs, want):\n    assert billing.total(xs) == want\n\n\ndef describe(xs):\n    return str(xs)\n";
const PATH: &str = "tests/billing/test_pay.py";

fn files(test: &str) -> super::Locked {
    locked(&[
        (PATH, test),
        ("billing.py", BILLING),
        ("tests/__init__.py", ""),
        ("tests/billing/__init__.py", ""),
        ("tests/helpers.py", HELPERS),
    ])
}

#[test]
fn a_python_helper_reached_by_a_computed_name_is_locked() {
    let cases = [
        (
            "python:tests/billing/test_pay.py::TestPay::test_total",
            "import billing\n\n\nclass TestPay:\n    def check_total(self, xs, want):\n        assert billing.total(xs) == want\n\n    def test_total(self):\n        kind = 'total'\n        getattr(self, 'check_' + kind)([1, 2], 3)\n",
            "        assert billing.total(xs) == want\n",
            "        pass\n",
        ),
        (
            "python:tests/billing/test_pay.py::TestPay::test_total",
            "import billing\n\n\nclass TestPay:\n    def check_total(self, xs, want):\n        assert billing.total(xs) == want\n\n    def test_total(self):\n        getattr(self, 'check_total')([1, 2], 3)\n",
            "        assert billing.total(xs) == want\n",
            "        pass\n",
        ),
        (
            "python:tests/billing/test_pay.py::test_total",
            "import billing\n\n\ndef check_total(xs, want):\n    assert billing.total(xs) == want\n\n\ndef test_total():\n    kind = 'total'\n    globals()['check_' + kind]([1, 2], 3)\n",
            "    assert billing.total(xs) == want\n",
            "    pass\n",
        ),
        (
            "python:tests/billing/test_pay.py::test_total",
            "import sys\n\nimport billing\n\n\ndef check_total(xs, want):\n    assert billing.total(xs) == want\n\n\ndef test_total():\n    kind = 'total'\n    getattr(sys.modules[__name__], 'check_' + kind)([1, 2], 3)\n",
            "    assert billing.total(xs) == want\n",
            "    pass\n",
        ),
        (
            "python:tests/billing/test_pay.py::test_total",
            "import billing\n\n\ndef check_total(xs, want):\n    assert billing.total(xs) == want\n\n\ndef test_total():\n    name = 'check_total'\n    vars().get(name, globals()[name])([1, 2], 3)\n",
            "    assert billing.total(xs) == want\n",
            "    pass\n",
        ),
    ];
    for (id, test, from, to) in cases {
        let l = files(test);
        l.edit(PATH, test, &[(from, to)]);
        l.assert_refused("rebound", id);
    }
    // Through a module of the tests imported whole.
    let test = "from tests import helpers\n\n\ndef test_total():\n    kind = 'total'\n    getattr(helpers, 'check_' + kind)([1, 2], 3)\n";
    let l = files(test);
    l.repo.write(
        "tests/helpers.py",
        HELPERS.replace("    assert billing.total(xs) == want\n", "    pass\n"),
    );
    l.assert_refused("rebound", "python:tests/billing/test_pay.py::test_total");
    // A function of that module that checks nothing may change.
    let l = files(test);
    l.repo.write(
        "tests/helpers.py",
        HELPERS.replace("return str(xs)", "return repr(xs)"),
    );
    l.assert_passes();
    // A member of another object looked up by a computed name reaches no function of the
    // file.
    let test = "import billing\n\n\ndef check_total(xs, want):\n    assert billing.total(xs) == want\n\n\ndef test_total():\n    kind = 'real'\n    assert getattr(billing.total([1, 2]), kind) == 3\n";
    let l = files(test);
    l.edit(
        PATH,
        test,
        &[("    assert billing.total(xs) == want\n", "    pass\n")],
    );
    l.assert_passes();
}

#[test]
fn a_js_helper_reached_by_a_computed_member_is_locked() {
    let helpers = "export function checkTotal(xs, want) {\n  expect(total(xs)).toBe(want);\n}\n\nexport function describeXs(xs) {\n  return String(xs);\n}\n";
    let test = "import * as helpers from './helpers.js';\n\n// gatekeeper:sacred\ntest('total', () => {\n  const kind = 'Total';\n  helpers['check' + kind]([1, 2], 3);\n});\n";
    let base = [("tests/total.test.js", test), ("tests/helpers.js", helpers)];
    let l = locked(&base);
    l.repo.write(
        "tests/helpers.js",
        helpers.replace("  expect(total(xs)).toBe(want);\n", ""),
    );
    l.assert_refused("rebound", "js:tests/total.test.js::total");
    let l = locked(&base);
    l.repo
        .write("tests/helpers.js", helpers.replace("String(xs)", "`${xs}`"));
    l.assert_passes();
}
