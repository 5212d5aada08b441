//! Python (pytest and unittest): every weakening rule, and harmless edits that must pass.

const FILE: &str = "tests/test_refunds.py";
const ID: &str = "python:tests/test_refunds.py::test_refund_is_exact";
const METHOD: &str = "python:tests/test_refunds.py::TestLedger::test_balance";

const BASE: &str = r#"import unittest

import pytest


# gatekeeper:sacred
def test_refund_is_exact():
    """Refunds are exact to the cent."""
    total = refund(100)
    assert total == 100
    assert total != 0, "never zero"
    assert ratio() == pytest.approx(0.3, abs=1e-9)
    with pytest.raises(InsufficientFunds):
        refund(-1)


def test_helper():
    assert refund(1) == 1


@pytest.mark.sacred
class TestLedger(unittest.TestCase):
    def test_balance(self):
        self.assertEqual(balance(), 10)
        self.assertIn("EUR", currencies())
"#;

refuses!(
    removing_the_test_is_refused,
    FILE,
    BASE,
    [(
        "# gatekeeper:sacred\ndef test_refund_is_exact():\n    \"\"\"Refunds are exact to the cent.\"\"\"\n    total = refund(100)",
        "def helper():\n    total = 1"
    )],
    "removed",
    ID
);
refuses!(
    removing_the_tag_is_refused,
    FILE,
    BASE,
    [("# gatekeeper:sacred\ndef test_refund", "def test_refund")],
    "untagged",
    ID
);
refuses!(
    removing_the_class_marker_is_refused,
    FILE,
    BASE,
    [("@pytest.mark.sacred\nclass TestLedger", "class TestLedger")],
    "untagged",
    METHOD
);
refuses!(
    renaming_out_of_collection_is_refused,
    FILE,
    BASE,
    [(
        "def test_refund_is_exact():",
        "def check_refund_is_exact():"
    )],
    "renamed-out-of-collection",
    ID
);
refuses!(
    skip_marker_is_refused,
    FILE,
    BASE,
    [(
        "# gatekeeper:sacred\ndef test_refund",
        "# gatekeeper:sacred\n@pytest.mark.skip(reason=\"flaky\")\ndef test_refund"
    )],
    "skipped",
    ID
);
refuses!(
    module_pytestmark_skip_is_refused,
    FILE,
    BASE,
    [(
        "import pytest\n",
        "import pytest\n\npytestmark = pytest.mark.skip\n"
    )],
    "skipped",
    ID
);
refuses!(
    unittest_skip_on_the_class_is_refused,
    FILE,
    BASE,
    [(
        "@pytest.mark.sacred\nclass TestLedger",
        "@pytest.mark.sacred\n@unittest.skip(\"later\")\nclass TestLedger"
    )],
    "skipped",
    METHOD
);
refuses!(
    emptying_the_test_is_refused,
    FILE,
    BASE,
    [(
        "    self.assertEqual(balance(), 10)\n        self.assertIn(\"EUR\", currencies())\n",
        "    pass\n"
    )],
    "emptied",
    METHOD
);
refuses!(
    removing_an_assertion_is_refused,
    FILE,
    BASE,
    [("    assert total != 0, \"never zero\"\n", "")],
    "assertion-removed",
    ID
);
refuses!(
    commenting_out_an_assertion_is_refused,
    FILE,
    BASE,
    [("    assert total == 100\n", "    # assert total == 100\n")],
    "assertion-commented-out",
    ID
);
refuses!(
    assert_equal_to_assert_true_is_loosened,
    FILE,
    BASE,
    [(
        "self.assertEqual(balance(), 10)",
        "self.assertTrue(balance())"
    )],
    "assertion-loosened",
    METHOD
);
refuses!(
    equality_to_ordering_is_loosened,
    FILE,
    BASE,
    [("assert total == 100", "assert total >= 100")],
    "assertion-loosened",
    ID
);
refuses!(
    raising_a_tolerance_is_loosened,
    FILE,
    BASE,
    [("abs=1e-9", "abs=0.1")],
    "assertion-loosened",
    ID
);
refuses!(
    widening_the_expected_exception_is_loosened,
    FILE,
    BASE,
    [(
        "pytest.raises(InsufficientFunds)",
        "pytest.raises(Exception)"
    )],
    "assertion-loosened",
    ID
);
refuses!(
    changing_the_expected_literal_is_refused,
    FILE,
    BASE,
    [(
        "self.assertEqual(balance(), 10)",
        "self.assertEqual(balance(), 9)"
    )],
    "expected-changed",
    METHOD
);
refuses!(
    an_early_return_is_refused,
    FILE,
    BASE,
    [(
        "    total = refund(100)\n",
        "    total = refund(100)\n    if total:\n        return\n"
    )],
    "early-return",
    ID
);
refuses!(
    pytest_skip_in_the_body_is_refused,
    FILE,
    BASE,
    [(
        "    total = refund(100)\n",
        "    pytest.skip(\"later\")\n    total = refund(100)\n"
    )],
    "skipped",
    ID
);
refuses!(
    try_except_pass_is_a_swallowed_failure,
    FILE,
    BASE,
    [(
        "    assert total == 100\n",
        "    try:\n        assert total == 100\n    except AssertionError:\n        pass\n"
    )],
    "swallowed-failure",
    ID
);
refuses!(
    moving_an_assertion_under_an_if_is_refused,
    FILE,
    BASE,
    [(
        "    assert total == 100\n",
        "    if total:\n        assert total == 100\n"
    )],
    "assertion-moved",
    ID
);
refuses!(
    changing_a_statement_is_refused,
    FILE,
    BASE,
    [("total = refund(100)", "total = 100")],
    "body-changed",
    ID
);
refuses!(
    a_parse_error_inside_the_test_is_refused,
    FILE,
    BASE,
    [("    total = refund(100)\n", "    total = refund(100\n")],
    "parse-error",
    ID
);

passes!(
    reformatting_passes,
    FILE,
    BASE,
    [
        (
            "    total = refund(100)\n",
            "    total = refund(\n        100,\n    )  # cents\n"
        ),
        (
            "self.assertEqual(balance(), 10)",
            "self.assertEqual( balance( ), 10 )"
        ),
    ]
);
passes!(
    changing_the_docstring_passes,
    FILE,
    BASE,
    [(
        "Refunds are exact to the cent.",
        "Refunds match the charge exactly."
    )]
);
passes!(
    adding_an_assertion_passes,
    FILE,
    BASE,
    [(
        "    assert total == 100\n",
        "    assert total == 100\n    assert isinstance(total, int)\n"
    )]
);
passes!(
    adding_a_test_method_passes,
    FILE,
    BASE,
    [(
        "        self.assertIn(\"EUR\", currencies())\n",
        "        self.assertIn(\"EUR\", currencies())\n\n    def test_more(self):\n        self.assertEqual(1, 1)\n"
    )]
);
passes!(
    weakening_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    [("assert refund(1) == 1", "assert refund(1)")]
);
passes!(
    a_comment_that_looks_like_a_tag_in_a_string_does_not_matter,
    FILE,
    BASE,
    [(
        "def test_helper():\n",
        "def test_helper():\n    s = \"# gatekeeper:sacred\"\n"
    )]
);

#[test]
fn a_tag_inside_a_string_does_not_make_a_test_sacred() {
    let src = "X = '''\n# gatekeeper:sacred\n'''\ndef test_x():\n    assert 1 == 1\n";
    let l = super::locked(&[("tests/test_s.py", src)]);
    let out = l.repo.gk(&["--format", "json", "sacred", "list"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["tests"].as_array().map(Vec::len), Some(0), "{v}");
}

refuses!(
    overwriting_the_value_under_test_is_refused,
    FILE,
    BASE,
    [(
        "    total = refund(100)\n",
        "    total = refund(100)\n    total = 100\n"
    )],
    "body-changed",
    ID
);

passes!(
    parentheses_added_by_a_formatter_pass,
    FILE,
    BASE,
    [
        (
            "    assert total == 100\n",
            "    assert (\n        total == 100\n    )\n"
        ),
        ("total = refund(100)", "total = (refund(100))"),
    ]
);

const GROUPING: &str = "# gatekeeper:sacred\ndef test_sum():\n    assert (a + b) * 2 == 10\n";

refuses!(
    regrouping_an_expression_is_refused,
    "tests/test_sum.py",
    GROUPING,
    [("assert (a + b) * 2 == 10", "assert a + b * 2 == 10")],
    "assertion-changed",
    "python:tests/test_sum.py::test_sum"
);
passes!(
    redundant_parentheses_around_a_group_pass,
    "tests/test_sum.py",
    GROUPING,
    [("assert (a + b) * 2 == 10", "assert ((a + b)) * 2 == (10)")]
);

// ---- Test matrix: the remaining Python cells ----

// A rename that keeps every check is followed (it used to need a re-lock); a rename that
// also drops a check is refused.
moves!(
    renaming_the_test_keeping_every_check_is_followed,
    FILE,
    BASE,
    [("def test_refund_is_exact():", "def test_refund_is_close():")],
    ID,
    "python:tests/test_refunds.py::test_refund_is_close"
);
refuses!(
    renaming_the_test_and_dropping_a_check_is_refused,
    FILE,
    BASE,
    [
        ("def test_refund_is_exact():", "def test_refund_is_close():"),
        ("    assert total != 0, \"never zero\"\n", "")
    ],
    "removed",
    ID
);
refuses!(
    changing_the_class_bases_is_envelope_changed,
    FILE,
    BASE,
    [(
        "class TestLedger(unittest.TestCase):",
        "class TestLedger(LedgerBase):"
    )],
    "envelope-changed",
    METHOD
);
refuses!(
    a_later_def_with_the_same_name_is_a_duplicate_id,
    FILE,
    BASE,
    [(
        "def test_helper():\n",
        "def test_refund_is_exact():\n    pass\n\n\ndef test_helper():\n"
    )],
    "duplicate-id",
    ID
);
refuses!(
    unittest_skip_test_in_the_body_is_refused,
    FILE,
    BASE,
    [(
        "        self.assertEqual(balance(), 10)\n",
        "        self.skipTest(\"later\")\n        self.assertEqual(balance(), 10)\n"
    )],
    "skipped",
    METHOD
);

// ---- Harmless Python edits: each must pass both checks, which compare the locked test ----

harmless!(
    a_trailing_comment_passes,
    FILE,
    BASE,
    ID,
    [(
        "    assert total == 100\n",
        "    assert total == 100  # cents\n"
    )]
);
harmless!(
    a_comment_above_the_tag_passes,
    FILE,
    BASE,
    ID,
    [(
        "# gatekeeper:sacred\ndef test_refund_is_exact",
        "# Owned by the billing team.\n# gatekeeper:sacred\ndef test_refund_is_exact"
    )]
);
harmless!(
    blank_lines_inside_the_test_pass,
    FILE,
    BASE,
    ID,
    [("    total = refund(100)\n", "    total = refund(100)\n\n\n")]
);
harmless!(
    splitting_a_context_manager_over_lines_passes,
    FILE,
    BASE,
    ID,
    [(
        "    with pytest.raises(InsufficientFunds):\n",
        "    with pytest.raises(\n        InsufficientFunds,\n    ):\n"
    )]
);
harmless!(
    adding_an_assertion_before_the_locked_statements_passes,
    FILE,
    BASE,
    ID,
    [(
        "    total = refund(100)\n",
        "    assert refund(0) == 0\n    total = refund(100)\n"
    )]
);
harmless!(
    repeating_a_locked_assertion_passes,
    FILE,
    BASE,
    ID,
    [(
        "    assert total == 100\n",
        "    assert total == 100\n    assert total == 100\n"
    )]
);
harmless!(
    adding_a_guarded_assertion_passes,
    FILE,
    BASE,
    ID,
    [(
        "    assert total == 100\n",
        "    assert total == 100\n    if isinstance(total, float):\n        assert total.is_integer()\n"
    )]
);
harmless!(
    appending_a_statement_after_the_locked_ones_passes,
    FILE,
    BASE,
    ID,
    [(
        "        refund(-1)\n",
        "        refund(-1)\n    print(total)\n"
    )]
);
harmless!(
    adding_a_return_annotation_passes,
    FILE,
    BASE,
    ID,
    [(
        "def test_refund_is_exact():",
        "def test_refund_is_exact() -> None:"
    )]
);
harmless!(
    adding_a_sacred_test_passes,
    FILE,
    BASE,
    ID,
    [(
        "def test_helper():\n",
        "# gatekeeper:sacred\ndef test_refund_of_zero():\n    assert refund(0) == 0\n\n\ndef test_helper():\n"
    )]
);
harmless!(
    adding_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [(
        "def test_helper():\n",
        "def test_helper_twice():\n    assert refund(1) == refund(1)\n\n\ndef test_helper():\n"
    )]
);
harmless!(
    deleting_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [("def test_helper():\n    assert refund(1) == 1\n\n\n", "")]
);
harmless!(
    skipping_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [(
        "def test_helper():\n",
        "@pytest.mark.skip(reason=\"slow\")\ndef test_helper():\n"
    )]
);
harmless!(
    moving_the_test_below_its_sibling_passes,
    FILE,
    BASE,
    ID,
    [
        ("def test_helper():\n    assert refund(1) == 1\n\n\n", ""),
        (
            "import pytest\n",
            "import pytest\n\n\ndef test_helper():\n    assert refund(1) == 1\n"
        ),
    ]
);
harmless!(
    adding_an_import_passes,
    FILE,
    BASE,
    ID,
    [("import unittest\n", "import decimal\nimport unittest\n")]
);
harmless!(
    adding_a_helper_function_passes,
    FILE,
    BASE,
    ID,
    [(
        "def test_helper():\n",
        "def cents(n):\n    return n * 100\n\n\ndef test_helper():\n"
    )]
);
harmless!(
    unittest_adding_an_assertion_to_the_method_passes,
    FILE,
    BASE,
    METHOD,
    [(
        "        self.assertIn(\"EUR\", currencies())\n",
        "        self.assertIn(\"EUR\", currencies())\n        self.assertGreater(balance(), 0)\n"
    )]
);
harmless!(
    unittest_a_docstring_on_the_method_passes,
    FILE,
    BASE,
    METHOD,
    [(
        "    def test_balance(self):\n",
        "    def test_balance(self):\n        \"\"\"The ledger balances.\"\"\"\n"
    )]
);
harmless!(
    unittest_a_comment_in_the_method_passes,
    FILE,
    BASE,
    METHOD,
    [(
        "        self.assertEqual(balance(), 10)\n",
        "        # ten euros\n        self.assertEqual(balance(), 10)\n"
    )]
);

// ---- Quote style: black rewrites 'x' as "x"; that is layout, a new value is not ----

const QUOTES: &str = "# gatekeeper:sacred\ndef test_status():\n    assert status() == 'paid'\n";

harmless!(
    black_normalising_string_quotes_passes,
    "tests/test_status.py",
    QUOTES,
    "python:tests/test_status.py::test_status",
    [("'paid'", "\"paid\"")]
);
refuses!(
    a_new_value_in_the_other_quote_style_is_expected_changed,
    "tests/test_status.py",
    QUOTES,
    [("'paid'", "\"pending\"")],
    "expected-changed",
    "python:tests/test_status.py::test_status"
);

const OVERWRITE: &str =
    "# gatekeeper:sacred\ndef test_six():\n    t = compute()\n    assert t == 6\n";

// The assertion is the only statement after the assignment: `t = 6` inserted just before it
// is inserted before a locked statement.
refuses!(
    assigning_just_before_the_assertion_is_refused,
    "tests/test_six.py",
    OVERWRITE,
    [("    assert t == 6\n", "    t = 6\n    assert t == 6\n")],
    "body-changed",
    "python:tests/test_six.py::test_six"
);
harmless!(
    appending_after_the_last_assertion_passes,
    "tests/test_six.py",
    OVERWRITE,
    "python:tests/test_six.py::test_six",
    [(
        "    assert t == 6\n",
        "    assert t == 6\n    u = compute()\n    assert u == 6\n"
    )]
);

const BOUND: &str = "import pytest\n\nfrom billing import InsufficientFunds, refund\n\n\n# gatekeeper:sacred\ndef test_refund():\n    assert refund(10) == 10\n    with pytest.raises(InsufficientFunds):\n        refund(-1)\n";
const BOUND_ID: &str = "python:tests/test_bound.py::test_refund";

refuses!(
    rebinding_the_function_under_test_is_refused,
    "tests/test_bound.py",
    BOUND,
    [(
        "        refund(-1)\n",
        "        refund(-1)\n\n\nrefund = lambda x: x\n"
    )],
    "rebound",
    BOUND_ID
);
refuses!(
    redefining_the_exception_class_is_refused,
    "tests/test_bound.py",
    BOUND,
    [(
        "\n\n# gatekeeper:sacred",
        "\n\nclass InsufficientFunds(Exception):\n    pass\n\n\n# gatekeeper:sacred"
    )],
    "rebound",
    BOUND_ID
);
refuses!(
    rebinding_pytest_is_refused,
    "tests/test_bound.py",
    BOUND,
    [(
        "import pytest\n",
        "import pytest\nimport mock_pytest as pytest\n"
    )],
    "rebound",
    BOUND_ID
);
refuses!(
    deleting_the_test_at_module_level_is_refused,
    "tests/test_bound.py",
    BOUND,
    [(
        "        refund(-1)\n",
        "        refund(-1)\n\n\ndel test_refund\n"
    )],
    "rebound",
    BOUND_ID
);
refuses!(
    dunder_test_false_on_the_test_is_refused,
    "tests/test_bound.py",
    BOUND,
    [(
        "        refund(-1)\n",
        "        refund(-1)\n\n\ntest_refund.__test__ = False\n"
    )],
    "rebound",
    BOUND_ID
);
harmless!(
    importing_another_name_from_the_same_module_passes,
    "tests/test_bound.py",
    BOUND,
    BOUND_ID,
    [(
        "from billing import InsufficientFunds, refund\n",
        "from billing import InsufficientFunds, charge, refund\n\nRATE = 3\n\n\ndef helper():\n    return charge(1)\n"
    )]
);

const ATTRIBUTE: &str = "import billing.refunds\nimport ledger\n\n\n# gatekeeper:sacred\ndef test_refund():\n    assert billing.refunds.refund(10) == 10\n    assert ledger.charge(amount=3) == 3\n";
const ATTRIBUTE_ID: &str = "python:tests/test_attribute.py::test_refund";

// `refund` after a dot and `amount` as a keyword are not names a module-level binding reaches.
harmless!(
    a_new_binding_of_a_name_used_only_after_a_dot_or_as_a_keyword_passes,
    "tests/test_attribute.py",
    ATTRIBUTE,
    ATTRIBUTE_ID,
    [(
        "import ledger\n",
        "import ledger\nfrom fake import refund\n\namount = 0\n"
    )]
);
// `import billing` binds `billing` to the package `import billing.refunds` already bound.
harmless!(
    importing_the_package_of_a_locked_import_again_passes,
    "tests/test_attribute.py",
    ATTRIBUTE,
    ATTRIBUTE_ID,
    [(
        "import ledger\n",
        "import ledger\nimport billing\nimport billing.charges\n"
    )]
);
refuses!(
    importing_another_package_under_the_same_name_is_refused,
    "tests/test_attribute.py",
    ATTRIBUTE,
    [("import ledger\n", "import ledger\nimport fake as billing\n")],
    "rebound",
    ATTRIBUTE_ID
);
// Assigning the attribute the test calls still concerns it, through the attribute name.
refuses!(
    assigning_the_attribute_under_test_is_refused,
    "tests/test_attribute.py",
    ATTRIBUTE,
    [(
        "import ledger\n",
        "import ledger\n\nrefunds.refund = lambda x: x\n"
    )],
    "rebound",
    ATTRIBUTE_ID
);

const COMMENTED: &str = "# gatekeeper:sacred\ndef test_commented():\n    # the refund is exact\n    t = compute()\n    assert t == 6\n";
const COMMENTED_ID: &str = "python:tests/test_commented.py::test_commented";

harmless!(
    a_return_inside_a_nested_function_is_not_an_early_return,
    "tests/test_commented.py",
    COMMENTED,
    COMMENTED_ID,
    [(
        "    assert t == 6\n",
        "    assert t == 6\n\n    def double(x):\n        return x * 2\n\n    assert double(3) == 6\n"
    )]
);
harmless!(
    appending_a_check_to_a_body_that_starts_with_a_comment_passes,
    "tests/test_commented.py",
    COMMENTED,
    COMMENTED_ID,
    [(
        "    assert t == 6\n",
        "    assert t == 6\n    if t != 6:\n        raise AssertionError(\"wrong\")\n"
    )]
);
refuses!(
    a_return_inside_a_nested_function_that_asserts_is_an_early_return,
    "tests/test_commented.py",
    COMMENTED,
    [(
        "    assert t == 6\n",
        "    assert t == 6\n\n    def check(x):\n        if x > 1:\n            return\n        assert x == 1\n\n    check(2)\n"
    )],
    "early-return",
    COMMENTED_ID
);

harmless!(
    changing_only_the_assertion_message_passes,
    "tests/test_six.py",
    OVERWRITE,
    "python:tests/test_six.py::test_six",
    [(
        "    assert t == 6\n",
        "    assert t == 6, f\"six cents, got {t}\"\n"
    )]
);
// A message that reads and formats values (attributes, subscripts, `%`) runs nothing.
harmless!(
    a_message_that_only_formats_values_passes,
    "tests/test_six.py",
    OVERWRITE,
    "python:tests/test_six.py::test_six",
    [(
        "    assert t == 6\n",
        "    assert t == 6, \"got %s of %s\" % (t, CASES[\"six\"].label) + f\" {t!r:>{WIDTH}}\"\n"
    )]
);
// A message that runs code is part of the check: it runs when the check fails.
refuses!(
    a_message_that_ends_the_run_is_refused,
    "tests/test_six.py",
    OVERWRITE,
    [("    assert t == 6\n", "    assert t == 6, os._exit(0)\n")],
    "assertion-changed",
    "python:tests/test_six.py::test_six"
);
const UNITTEST_MSG: &str = "import unittest\n\n\n# gatekeeper:sacred\nclass TestSix(unittest.TestCase):\n    def test_six(self):\n        self.assertEqual(compute(), 6, \"six\")\n";
harmless!(
    changing_a_unittest_msg_argument_passes,
    "tests/test_msg.py",
    UNITTEST_MSG,
    "python:tests/test_msg.py::TestSix::test_six",
    [(
        "self.assertEqual(compute(), 6, \"six\")",
        "self.assertEqual(compute(), 6, msg=\"six cents\")"
    )]
);

const FORMATTED: &str = "import unittest\n\nfrom agent import user_agent, version, cookie\n\n\n# gatekeeper:sacred\nclass TestAgent(unittest.TestCase):\n    def test_agent(self):\n        sig = cookie()\n        value = \"1234|%s|%s\" % (version, sig)\n        self.assertEqual(user_agent(value), \"Tornado/{}\".format(version))\n        for i in range(3):\n            if i > 5:\n                self.fail(\"bad index {}\".format(i))\n";
const FORMATTED_ID: &str = "python:tests/test_agent.py::TestAgent::test_agent";
harmless!(
    format_calls_written_as_fstrings_pass,
    "tests/test_agent.py",
    FORMATTED,
    FORMATTED_ID,
    [
        (
            "\"1234|%s|%s\" % (version, sig)",
            "f\"1234|{version}|{sig}\""
        ),
        ("\"Tornado/{}\".format(version)", "f'Tornado/{version}'"),
        ("\"bad index {}\".format(i)", "f\"bad index {i}\""),
    ]
);
harmless!(
    only_the_message_of_a_fail_changed_passes,
    "tests/test_agent.py",
    FORMATTED,
    FORMATTED_ID,
    [(
        "self.fail(\"bad index {}\".format(i))",
        "self.fail(\"index out of range\")"
    )]
);
refuses!(
    an_fstring_that_makes_another_expected_string_is_refused,
    "tests/test_agent.py",
    FORMATTED,
    [(
        "\"Tornado/{}\".format(version)",
        "f\"Tornado/{user_agent(value)}\""
    )],
    "assertion-changed",
    FORMATTED_ID
);
refuses!(
    an_fstring_that_makes_other_input_is_refused,
    "tests/test_agent.py",
    FORMATTED,
    [(
        "\"1234|%s|%s\" % (version, sig)",
        "f\"1234|{sig}|{version}\""
    )],
    "body-changed",
    FORMATTED_ID
);
refuses!(
    format_fields_swapped_into_an_fstring_are_refused,
    "tests/test_agent.py",
    FORMATTED,
    [(
        "\"1234|%s|%s\" % (version, sig)",
        "\"1234|{1}|{0}\".format(version, sig)"
    )],
    "body-changed",
    FORMATTED_ID
);
const FSTRING: &str = "import unittest\n\nfrom agent import user_agent, version\n\n\n# gatekeeper:sacred\nclass TestAgent(unittest.TestCase):\n    def test_agent(self):\n        self.assertEqual(user_agent(), f\"Tornado/{version}\")\n";
harmless!(
    an_fstring_written_as_a_format_call_passes,
    "tests/test_agent.py",
    FSTRING,
    FORMATTED_ID,
    [("f\"Tornado/{version}\"", "\"Tornado/{}\".format(version)")]
);
refuses!(
    a_percent_formatting_of_a_name_is_not_read_as_an_fstring,
    "tests/test_agent.py",
    FSTRING,
    [("f\"Tornado/{version}\"", "\"Tornado/%s\" % version")],
    "assertion-changed",
    FORMATTED_ID
);

const MODERN: &str = "import os\nimport unittest\n\nfrom billing import total, url_escape\n\n\n# gatekeeper:sacred\nclass TestModern(unittest.TestCase):\n    def test_modern(self):\n        name = os.environ.get(\"NAME\", \"x\")\n        self.assertEqual(url_escape(\"\\u00e9\".encode(\"utf8\")), \"%C3%A9\")\n        self.assertEqual(url_escape(name.encode(\"utf-8\")), name)\n        try:\n            total(None)\n        except EnvironmentError:\n            pass\n";
const MODERN_ID: &str = "python:tests/test_modern.py::TestModern::test_modern";
harmless!(
    a_default_encoding_and_an_os_error_alias_written_out_pass,
    "tests/test_modern.py",
    MODERN,
    MODERN_ID,
    [
        ("\"\\u00e9\".encode(\"utf8\")", "\"\\u00e9\".encode()"),
        ("except EnvironmentError:", "except OSError:"),
    ]
);
refuses!(
    another_encoding_is_not_the_default,
    "tests/test_modern.py",
    MODERN,
    [(
        "\"\\u00e9\".encode(\"utf8\")",
        "\"\\u00e9\".encode(\"latin-1\")"
    )],
    "expected-changed",
    MODERN_ID
);
refuses!(
    the_encoding_of_what_may_not_be_a_str_stays,
    "tests/test_modern.py",
    MODERN,
    [("name.encode(\"utf-8\")", "name.encode()")],
    "assertion-loosened",
    MODERN_ID
);
#[test]
fn an_alias_the_file_binds_is_not_the_builtin() {
    // The test caught `ValueError` under the name; `OSError` is another class.
    let bound = MODERN.replace(
        "import os\n",
        "import os\n\nEnvironmentError = ValueError\n",
    );
    let l = super::locked(&[("tests/test_modern.py", &bound)]);
    l.edit(
        "tests/test_modern.py",
        &bound,
        &[("except EnvironmentError:", "except OSError:")],
    );
    l.assert_refused("body-changed", MODERN_ID);
}

const SOCKET_UTIL: &str = "import socket\nimport unittest\n\n\ndef _detect_ipv6():\n    sock = None\n    try:\n        sock = socket.socket(socket.AF_INET6)\n    except socket.error:\n        return False\n    finally:\n        if sock is not None:\n            sock.close()\n    return True\n\n\nskipIfNoIPv6 = unittest.skipIf(not _detect_ipv6(), \"no ipv6\")\n";
const SOCKET_TEST: &str = "import socket\nimport unittest\nfrom concurrent import futures\n\nfrom tests.util import skipIfNoIPv6\nfrom billing import connect\n\n\n# gatekeeper:sacred\nclass TestConnect(unittest.TestCase):\n    @skipIfNoIPv6\n    def test_connect(self):\n        pool = futures.thread.ThreadPoolExecutor(1)\n        with self.assertRaises(socket.error):\n            pool.submit(connect, \"::1\").result()\n";
const SOCKET_ID: &str = "python:tests/test_connect.py::TestConnect::test_connect";

fn socket_suite(util: &str, test: &str) -> super::Locked {
    super::locked(&[
        ("tests/__init__.py", ""),
        ("tests/util.py", util),
        ("tests/test_connect.py", test),
    ])
}

/// `socket.error` is `OSError` and `futures.thread.ThreadPoolExecutor` is
/// `futures.ThreadPoolExecutor` (pyupgrade's rewrites): in the test, and in a helper of
/// another module that the test's decorator runs.
#[test]
fn standard_module_aliases_written_out_pass() {
    let l = socket_suite(SOCKET_UTIL, SOCKET_TEST);
    l.edit(
        "tests/test_connect.py",
        SOCKET_TEST,
        &[
            (
                "futures.thread.ThreadPoolExecutor",
                "futures.ThreadPoolExecutor",
            ),
            ("assertRaises(socket.error)", "assertRaises(OSError)"),
        ],
    );
    l.edit(
        "tests/util.py",
        SOCKET_UTIL,
        &[("except socket.error:", "except OSError:")],
    );
    l.assert_passes();
}

/// `util` and `test` locked, then `edit` made to `file` (`util.py` or `test_connect.py`):
/// refused as `rule`.
fn socket_edit_refused(util: &str, test: &str, file: &str, edit: (&str, &str), rule: &str) {
    let l = socket_suite(util, test);
    let path = format!("tests/{file}");
    let base = if file == "util.py" { util } else { test };
    l.edit(&path, base, &[edit]);
    l.assert_refused(rule, SOCKET_ID);
}

#[test]
fn standard_module_aliases_are_read_only_where_the_module_is_the_standard_one() {
    let socket_error = ("except socket.error:", "except OSError:");
    // The helper now catches everything: weaker, whatever the spelling.
    let everything = ("except socket.error:", "except Exception:");
    socket_edit_refused(SOCKET_UTIL, SOCKET_TEST, "util.py", everything, "rebound");
    // `socket` is also a parameter of the helper's module: `socket.error` there may be
    // anything's.
    let bound = format!("{SOCKET_UTIL}\n\ndef wrap(socket):\n    return socket\n");
    socket_edit_refused(&bound, SOCKET_TEST, "util.py", socket_error, "rebound");
    // `futures` rebound in the test's file.
    let rebound = SOCKET_TEST.replace(
        "from concurrent import futures\n",
        "from concurrent import futures\nfrom billing import pools as futures\n",
    );
    let pool = (
        "futures.thread.ThreadPoolExecutor",
        "futures.ThreadPoolExecutor",
    );
    socket_edit_refused(
        SOCKET_UTIL,
        &rebound,
        "test_connect.py",
        pool,
        "body-changed",
    );
    // `socket.error` assigned in the test's file is not the standard one.
    let assigned = SOCKET_TEST.replace(
        "from billing import connect\n",
        "from billing import connect\n\nsocket.error = ValueError\n",
    );
    let raises = ("assertRaises(socket.error)", "assertRaises(OSError)");
    socket_edit_refused(
        SOCKET_UTIL,
        &assigned,
        "test_connect.py",
        raises,
        "assertion-changed",
    );
}

const PARAM: &str = "import sys\n\nimport pytest\n\n\n# gatekeeper:sacred\n@pytest.mark.parametrize(\"amount\", [1, 10])\n@pytest.mark.skipif(sys.platform == \"win32\", reason=\"posix only\")\ndef test_param(amount):\n    assert refund(amount) == amount\n";
const PARAM_ID: &str = "python:tests/test_param.py::test_param";

harmless!(
    adding_parametrize_cases_passes,
    "tests/test_param.py",
    PARAM,
    PARAM_ID,
    [("[1, 10]", "[1, 10, 100]")]
);
harmless!(
    removing_a_skipif_passes,
    "tests/test_param.py",
    PARAM,
    PARAM_ID,
    [(
        "@pytest.mark.skipif(sys.platform == \"win32\", reason=\"posix only\")\n",
        ""
    )]
);
refuses!(
    removing_a_parametrize_case_is_refused,
    "tests/test_param.py",
    PARAM,
    [("[1, 10]", "[1]")],
    "envelope-changed",
    PARAM_ID
);
harmless!(
    adding_a_pytest_param_case_with_an_id_passes,
    "tests/test_param.py",
    PARAM,
    PARAM_ID,
    [("[1, 10]", "[1, 10, pytest.param(100, id=\"hundred\")]")]
);
// An id names a case for `-k` and `--deselect`: a locked case under a new name (`1` is
// named `1` by pytest, `one` now) may be deselected where it was selected.
refuses!(
    naming_a_locked_case_anew_while_adding_cases_is_refused,
    "tests/test_param.py",
    PARAM,
    [(
        "[1, 10]",
        "[pytest.param(1, id=\"one\"), pytest.param(10, id=\"ten\"), 100]"
    )],
    "envelope-changed",
    PARAM_ID
);
refuses!(
    marking_a_pytest_param_case_skipped_is_refused,
    "tests/test_param.py",
    PARAM,
    [(
        "[1, 10]",
        "[1, pytest.param(10, id=\"ten\", marks=pytest.mark.skip), 100]"
    )],
    "skipped",
    PARAM_ID
);
refuses!(
    widening_a_skipif_is_refused,
    "tests/test_param.py",
    PARAM,
    [("sys.platform == \"win32\"", "True")],
    "skipped",
    PARAM_ID
);

harmless!(
    renaming_a_local_consistently_passes,
    "tests/test_six.py",
    OVERWRITE,
    "python:tests/test_six.py::test_six",
    [(
        "    t = compute()\n    assert t == 6\n",
        "    total = compute()\n    assert total == 6\n"
    )]
);
refuses!(
    comparing_with_another_name_is_refused,
    "tests/test_six.py",
    OVERWRITE,
    [(
        "    t = compute()\n    assert t == 6\n",
        "    total = compute()\n    assert t == 6\n"
    )],
    "assertion-changed",
    "python:tests/test_six.py::test_six"
);

// A sub-expression of an assertion moved into a local bound just before it.
const EXTRACT: &str = "from billing import total\n\n\n# gatekeeper:sacred\ndef test_total():\n    xs = [1, 2, 3]\n    assert total(xs) == 6\n    assert total([]) == 0\n";
const EXTRACT_FILE: &str = "tests/test_total.py";
const EXTRACT_ID: &str = "python:tests/test_total.py::test_total";

harmless!(
    extracting_a_sub_expression_into_a_local_passes,
    EXTRACT_FILE,
    EXTRACT,
    EXTRACT_ID,
    [(
        "    assert total(xs) == 6\n",
        "    t = total(xs)\n    assert t == 6\n"
    )]
);
refuses!(
    extracting_a_constant_in_place_of_the_computed_value_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "    assert total(xs) == 6\n",
        "    t = 6\n    assert t == 6\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);
refuses!(
    extracting_a_different_expression_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "    assert total(xs) == 6\n",
        "    t = total(xs[1:])\n    assert t == 6\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);
refuses!(
    an_extracted_local_reassigned_before_the_assertion_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "    assert total(xs) == 6\n",
        "    t = total(xs)\n    t = 6\n    assert t == 6\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);
refuses!(
    an_extracted_local_bound_earlier_than_directly_before_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "    assert total(xs) == 6\n",
        "    t = total(xs)\n    xs.append(4)\n    assert t == 6\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);

const ENGINE: &str = "from billing import refund\nfrom enums import Engine\n\n\n# gatekeeper:sacred\ndef test_refund():\n    assert refund(10) == 10\n";
const ENGINE_ID: &str = "python:tests/test_engine.py::test_refund";

// `Engine` was imported, unchanged, before the test used it.
harmless!(
    an_assertion_using_a_name_already_imported_passes,
    "tests/test_engine.py",
    ENGINE,
    ENGINE_ID,
    [(
        "    assert refund(10) == 10\n",
        "    assert refund(10) == 10\n    assert refund(Engine.GAS) == Engine.GAS\n"
    )]
);
// Only the added assertion reads `Engine`: where it comes from cannot change a locked check.
harmless!(
    an_added_assertion_using_a_name_imported_from_elsewhere_passes,
    "tests/test_engine.py",
    ENGINE,
    ENGINE_ID,
    [
        ("from enums import Engine", "from fakes import Engine"),
        (
            "    assert refund(10) == 10\n",
            "    assert refund(10) == 10\n    assert refund(Engine.GAS) == Engine.GAS\n"
        )
    ]
);
// The locked assertion reads `refund`: from elsewhere, it is another function.
refuses!(
    a_name_the_locked_assertion_uses_imported_from_elsewhere_is_rebound,
    "tests/test_engine.py",
    ENGINE,
    [
        ("from billing import refund", "from fakes import refund"),
        (
            "    assert refund(10) == 10\n",
            "    assert refund(10) == 10\n    assert refund(Engine.GAS) == Engine.GAS\n"
        )
    ],
    "rebound",
    ENGINE_ID
);

const DEFAULTS_FILE: &str = "tests/test_defaults.py";
const DEFAULTS_ID: &str = "python:tests/test_defaults.py::test_basic_defaults";
const DEFAULTS: &str = "import click
import pytest


# gatekeeper:sacred
def test_basic_defaults(runner):
    @click.command()
    @click.option(\"--foo\", default=42, type=click.FLOAT)
    def cli(foo):
        assert isinstance(foo, float)
        click.echo(f\"FOO:[{foo}]\")

    result = runner.invoke(cli, [])
    assert not result.exception
    assert \"FOO:[42.0]\" in result.output
";

// The test turned into a parametrized one; its old values are one of the cases.
harmless!(
    a_test_parametrized_with_its_old_values_as_a_case_passes,
    DEFAULTS_FILE,
    DEFAULTS,
    DEFAULTS_ID,
    [
        (
            "# gatekeeper:sacred\ndef test_basic_defaults(runner):",
            "# gatekeeper:sacred\n@pytest.mark.parametrize(\n    (\"default\", \"type\", \"expected_output\", \"expected_type\"),\n    [\n        (42, click.FLOAT, \"42.0\", float),\n        (\"42\", click.INT, \"42\", int),\n    ],\n)\ndef test_basic_defaults(runner, default, type, expected_output, expected_type):\n    \"\"\"A single option's default is type-coerced.\"\"\"\n"
        ),
        ("default=42, type=click.FLOAT", "default=default, type=type"),
        ("isinstance(foo, float)", "isinstance(foo, expected_type)"),
        (
            "assert \"FOO:[42.0]\" in",
            "assert f\"FOO:[{expected_output}]\" in"
        ),
    ]
);
refuses!(
    a_test_parametrized_without_its_old_values_is_refused,
    DEFAULTS_FILE,
    DEFAULTS,
    [
        (
            "# gatekeeper:sacred\ndef test_basic_defaults(runner):",
            "# gatekeeper:sacred\n@pytest.mark.parametrize(\n    (\"default\", \"type\", \"expected_output\", \"expected_type\"),\n    [\n        (42, click.FLOAT, \"42\", float),\n        (\"42\", click.INT, \"42\", int),\n    ],\n)\ndef test_basic_defaults(runner, default, type, expected_output, expected_type):"
        ),
        ("default=42, type=click.FLOAT", "default=default, type=type"),
        ("isinstance(foo, float)", "isinstance(foo, expected_type)"),
        (
            "assert \"FOO:[42.0]\" in",
            "assert f\"FOO:[{expected_output}]\" in"
        ),
    ],
    "envelope-changed",
    DEFAULTS_ID
);

// A new fixture of the project's: a conftest.py can patch what the test calls in it
// (`monkeypatch.setattr(billing, "refund", lambda x: 100)`), and the runner still reports the
// test passed.
refuses!(
    a_new_fixture_requested_by_the_test_is_refused,
    FILE,
    BASE,
    [(
        "def test_refund_is_exact():",
        "def test_refund_is_exact(exact_refunds):"
    )],
    "rebound",
    ID
);
// pytest's own fixtures bind nothing the project wrote.
passes!(
    a_pytest_fixture_requested_by_the_test_passes,
    FILE,
    BASE,
    [(
        "def test_refund_is_exact():",
        "def test_refund_is_exact(tmp_path, capsys):"
    )]
);

const CLI_FILE: &str = "tests/test_cli.py";
const CLI_ID: &str = "python:tests/test_cli.py::test_refund_cli";
const CLI: &str = "from billing import refund


# gatekeeper:sacred
def test_refund_cli(runner):
    result = runner.invoke(refund, [\"100\"])
    assert result.output == \"100\\n\"
";

/// The lock the previous gatekeeper wrote for `CLI`: the fixture it requests not recorded.
const CLI_PREVIOUS_LOCK: &str = "# gatekeeper sacred lock v1
# Written by `gatekeeper sacred lock`; do not edit by hand. In CI, a change to this file is
# accepted only in a commit signed by a key in .gatekeeper/allowed_signers.

test python:tests/test_cli.py::test_refund_cli
  file tests/test_cli.py
  structure f3f2b3934e9e5543533111dcdb6d6332bc7a1c6f1c486e86b3d6178ff28d5630
  body 7fd6a6cfbf5f08e5f2d01616ca762177ed074dde8965eb9e1245d2e5bc2e315a
  envelope e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  assertions 1
  returns 0
  skips 0
  swallows 0
  assert [] assert _l1.output==\"100\\\\n\"
  statements 9a4c6ec93fb5 b2c7c08a833e
  bindings 2
  binding def test_refund_cli
  binding from billing import refund
";

/// A lock from before fixtures were recorded still matches a test that requested its fixture
/// then (an appended check passes); a fixture requested since is refused.
#[test]
fn a_lock_from_before_fixtures_were_recorded_still_matches() {
    let l = super::locked(&[(CLI_FILE, CLI)]);
    l.commit_lock(CLI_PREVIOUS_LOCK);
    l.edit(
        CLI_FILE,
        CLI,
        &[(
            "    assert result.output == \"100\\n\"\n",
            "    assert result.output == \"100\\n\"\n    assert result.exit_code == 0\n",
        )],
    );
    l.assert_passes_checked();
    l.edit(
        CLI_FILE,
        CLI,
        &[(
            "def test_refund_cli(runner):",
            "def test_refund_cli(runner, exact_refunds):",
        )],
    );
    l.assert_refused("rebound", CLI_ID);
}

const CASES_FILE: &str = "tests/test_inc.py";
const CASES_ID: &str = "python:tests/test_inc.py::test_inc";
const CASES: &str = "import pytest\n\nCASES = [(1, 2), (2, 3)]\n\n\n# gatekeeper:sacred\n@pytest.mark.parametrize((\"a\", \"b\"), CASES)\ndef test_inc(a, b):\n    assert a + 1 == b\n";

// The cases a decorator reads from a module-level name are locked with the test.
refuses!(
    dropping_a_case_from_a_module_level_parametrize_list_is_refused,
    CASES_FILE,
    CASES,
    [("CASES = [(1, 2), (2, 3)]", "CASES = [(1, 2)]")],
    "rebound",
    CASES_ID
);
refuses!(
    rebinding_what_a_decorator_reads_is_refused,
    CASES_FILE,
    CASES,
    [("import pytest\n", "import pytest\nimport fakes as pytest\n")],
    "rebound",
    CASES_ID
);
harmless!(
    an_edit_elsewhere_in_a_file_with_module_level_cases_passes,
    CASES_FILE,
    CASES,
    CASES_ID,
    [(
        "CASES = [(1, 2), (2, 3)]\n",
        "CASES = [(1, 2), (2, 3)]\nOTHER = [1]\n"
    )]
);

// A lock written before envelope bindings were recorded: the base revision decides.
#[test]
fn under_a_lock_without_envelope_bindings_dropping_a_case_is_refused() {
    let l = super::locked(&[(CASES_FILE, CASES)]);
    let lock = l.commit_lock_without("  envelope-binding");
    assert!(
        lock.contains("  envelope-binding CASES=[(1,2),(2,3)]\n"),
        "{lock}"
    );
    l.edit(
        CASES_FILE,
        CASES,
        &[("CASES = [(1, 2), (2, 3)]", "CASES = [(1, 2)]")],
    );
    l.assert_refused("rebound", CASES_ID);
}

const CLASS_FILE: &str = "tests/test_pay.py";
const CLASS_ID: &str = "python:tests/test_pay.py::TestPay::test_positive";
const CLASS: &str = "class TestPay:\n    AMOUNTS = [1, 2, 3]\n\n    # gatekeeper:sacred\n    def test_positive(self):\n        for a in self.AMOUNTS:\n            assert a > 0\n";

// A class attribute the test reads (`self.AMOUNTS`) is locked with it: emptying it would
// leave the loop's assertion nothing to check.
refuses!(
    emptying_a_class_attribute_the_test_loops_over_is_refused,
    CLASS_FILE,
    CLASS,
    [("AMOUNTS = [1, 2, 3]", "AMOUNTS = []")],
    "rebound",
    CLASS_ID
);

// Under a lock written before, the base revision's class decides.
#[test]
fn under_a_lock_without_envelope_bindings_emptying_a_class_attribute_is_refused() {
    let l = super::locked(&[(CLASS_FILE, CLASS)]);
    let lock = l.commit_lock_without("  envelope-binding");
    assert!(
        lock.contains("  envelope-binding in class TestPay: AMOUNTS=[1,2,3]\n"),
        "{lock}"
    );
    l.edit(
        CLASS_FILE,
        CLASS,
        &[(
            "    # gatekeeper:sacred",
            "    LIMIT = 3\n\n    # gatekeeper:sacred",
        )],
    );
    l.assert_passes();
    l.edit(
        CLASS_FILE,
        CLASS,
        &[("AMOUNTS = [1, 2, 3]", "AMOUNTS = []")],
    );
    l.assert_refused("rebound", CLASS_ID);
}

const ALIAS_FILE: &str = "tests/test_alias.py";
const ALIAS_ID: &str = "python:tests/test_alias.py::test_refund";
const ALIAS: &str = "import pytest\n\nslow = pytest.mark.slow\n\n\n# gatekeeper:sacred\n@slow\ndef test_refund():\n    assert 1 + 1 == 2\n";

// The decorator line stays `@slow`; what `slow` is bound to decides whether the test runs.
refuses!(
    a_marker_alias_rebound_to_skip_is_refused,
    ALIAS_FILE,
    ALIAS,
    [("slow = pytest.mark.slow", "slow = pytest.mark.skip")],
    "rebound",
    ALIAS_ID
);

const FIXTURE_FILE: &str = "tests/test_amounts.py";
const FIXTURE_ID: &str = "python:tests/test_amounts.py::test_positive";
const FIXTURE: &str = "import pytest\n\n\n@pytest.fixture\ndef amounts():\n    return [1, 2, 3]\n\n\n# gatekeeper:sacred\ndef test_positive(amounts):\n    for a in amounts:\n        assert a > 0\n";

// The fixture hands the test its data: emptying it leaves the loop nothing to check.
refuses!(
    emptying_a_fixture_of_the_file_the_test_requests_is_refused,
    FIXTURE_FILE,
    FIXTURE,
    [("    return [1, 2, 3]", "    return []")],
    "rebound",
    FIXTURE_ID
);
// An autouse fixture runs before every test of the file and can patch what it calls.
refuses!(
    a_new_autouse_fixture_is_refused,
    FIXTURE_FILE,
    FIXTURE,
    [(
        "# gatekeeper:sacred",
        "@pytest.fixture(autouse=True)\ndef fake(monkeypatch):\n    monkeypatch.setattr(\"builtins.all\", lambda xs: True)\n\n\n# gatekeeper:sacred"
    )],
    "rebound",
    FIXTURE_ID
);

const XUNIT_FILE: &str = "tests/test_xunit.py";
const XUNIT_ID: &str = "python:tests/test_xunit.py::TestTotal::test_total";
const XUNIT: &str = "import billing\n\n\nclass TestTotal:\n    def setup_method(self):\n        self.xs = [1, 2, 3]\n\n    # gatekeeper:sacred\n    def test_total(self):\n        assert billing.total(self.xs) == 6\n";

// xunit-style setup runs before the test and can patch what it calls.
refuses!(
    a_setup_method_that_patches_the_function_under_test_is_refused,
    XUNIT_FILE,
    XUNIT,
    [(
        "        self.xs = [1, 2, 3]",
        "        self.xs = [6]\n        billing.total = sum"
    )],
    "rebound",
    XUNIT_ID
);
refuses!(
    a_new_setup_module_is_refused,
    XUNIT_FILE,
    XUNIT,
    [(
        "import billing\n",
        "import billing\n\n\ndef setup_module():\n    billing.total = lambda xs: 6\n"
    )],
    "rebound",
    XUNIT_ID
);

const CHAINED_FILE: &str = "tests/test_bool.py";
const CHAINED_ID: &str = "python:tests/test_bool.py::test_boolean_conversion";
const CHAINED: &str = "from itertools import chain\n\nimport pytest\n\n\n# gatekeeper:sacred\n@pytest.mark.parametrize(\n    (\"value\", \"expect\"),\n    chain(\n        ((x, \"True\") for x in (\"1\", \"true\")),\n        ((x, \"False\") for x in (\"0\", \"false\")),\n    ),\n)\ndef test_boolean_conversion(value, expect):\n    assert str(value in (\"1\", \"true\")) == expect\n";

// pytest 9.1 deprecates a non-collection iterable as a parametrize's cases (click 30749b4).
harmless!(
    parametrize_cases_chained_then_spread_into_a_list_pass,
    CHAINED_FILE,
    CHAINED,
    CHAINED_ID,
    [
        ("from itertools import chain\n\n", ""),
        ("    chain(\n", "    [\n"),
        (
            "        ((x, \"True\") for x in (\"1\", \"true\")),\n        ((x, \"False\") for x in (\"0\", \"false\")),\n    ),\n",
            "        *((x, \"True\") for x in (\"1\", \"true\")),\n        *((x, \"False\") for x in (\"0\", \"false\")),\n    ],\n"
        ),
    ]
);
refuses!(
    parametrize_cases_spread_into_a_list_without_one_are_refused,
    CHAINED_FILE,
    CHAINED,
    [
        ("from itertools import chain\n\n", ""),
        ("    chain(\n", "    [\n"),
        (
            "        ((x, \"True\") for x in (\"1\", \"true\")),\n        ((x, \"False\") for x in (\"0\", \"false\")),\n    ),\n",
            "        *((x, \"True\") for x in (\"1\", \"true\")),\n    ],\n"
        ),
    ],
    "envelope-changed",
    CHAINED_ID
);

const CONFTEST: &str = "import pytest\n\n\n@pytest.fixture\ndef amounts():\n    return [1, 2, 3]\n\n\n@pytest.fixture\ndef unused():\n    return 0\n";
const CONFTEST_TEST: &str = "# gatekeeper:sacred\ndef test_positive(amounts):\n    for a in amounts:\n        assert a > 0\n";
const CONFTEST_ID: &str = "python:tests/billing/test_amounts.py::test_positive";

fn conftest_repo() -> super::Locked {
    super::locked(&[
        ("tests/conftest.py", CONFTEST),
        ("tests/billing/test_amounts.py", CONFTEST_TEST),
    ])
}

// A fixture from a `conftest.py` above the test hands it its data.
#[test]
fn emptying_a_conftest_fixture_the_test_requests_is_refused() {
    let l = conftest_repo();
    l.edit(
        "tests/conftest.py",
        CONFTEST,
        &[("    return [1, 2, 3]", "    return []")],
    );
    l.assert_refused("rebound", CONFTEST_ID);
}

// An autouse fixture or a hook in a `conftest.py` runs around every test below it.
#[test]
fn a_new_autouse_fixture_or_hook_in_a_conftest_is_refused() {
    for (from, to) in [
        (
            "@pytest.fixture\ndef unused():",
            "@pytest.fixture(autouse=True)\ndef fake(monkeypatch):\n    monkeypatch.setattr(\"builtins.all\", lambda xs: True)\n\n\n@pytest.fixture\ndef unused():",
        ),
        (
            "@pytest.fixture\ndef unused():",
            "def pytest_runtest_setup(item):\n    import builtins\n    builtins.all = lambda xs: True\n\n\n@pytest.fixture\ndef unused():",
        ),
    ] {
        let l = conftest_repo();
        l.edit("tests/conftest.py", CONFTEST, &[(from, to)]);
        l.assert_refused("rebound", CONFTEST_ID);
    }
}

// pytest collects nothing a `conftest.py`'s `collect_ignore` or `collect_ignore_glob` names:
// adding to either, also through a statement that appends to it, is refused.
#[test]
fn a_conftests_collect_ignore_is_refused() {
    for to in [
        "import pytest\n\ncollect_ignore = [\"billing/test_amounts.py\"]\n",
        "import pytest\n\ncollect_ignore_glob = [\"billing/*\"]\n",
        "import pytest\nimport sys\n\ncollect_ignore = []\nif sys.platform:\n    collect_ignore.append(\"billing\")\n",
    ] {
        let l = conftest_repo();
        l.edit("tests/conftest.py", CONFTEST, &[("import pytest\n", to)]);
        l.assert_refused("rebound", CONFTEST_ID);
    }
    // Under a lock of an earlier reading, which did not record it, the base revision's
    // `collect_ignore` passes.
    let ignoring = CONFTEST.replace(
        "import pytest\n",
        "import pytest\n\ncollect_ignore = [\"setup.py\"]\n",
    );
    let l = super::locked(&[
        ("tests/conftest.py", ignoring.as_str()),
        ("tests/billing/test_amounts.py", CONFTEST_TEST),
    ]);
    l.commit_lock_of_an_earlier_reading("collect_ignore");
    l.edit(
        "tests/billing/test_amounts.py",
        CONFTEST_TEST,
        &[("    for a", "    # each amount\n    for a")],
    );
    l.assert_passes_checked();
}

// A fixture the test does not request may change.
#[test]
fn a_conftest_fixture_the_test_does_not_request_may_change() {
    let l = conftest_repo();
    l.edit(
        "tests/conftest.py",
        CONFTEST,
        &[("    return 0", "    return 1")],
    );
    l.assert_passes();
}

const CHAINED_CONFTEST: &str = "import pytest\n\n\n@pytest.fixture\ndef base():\n    return [1, 2]\n\n\n@pytest.fixture\ndef amounts(base):\n    return base + [3]\n\n\n@pytest.fixture\ndef other():\n    return 0\n\n\n@pytest.fixture\ndef unrelated(other):\n    return other\n";

fn chained_conftest_repo() -> super::Locked {
    super::locked(&[
        ("tests/conftest.py", CHAINED_CONFTEST),
        ("tests/billing/test_amounts.py", CONFTEST_TEST),
    ])
}

// The fixture a fixture requests makes what the test gets: emptying `base` leaves `amounts`
// with one value of three.
#[test]
fn emptying_a_fixture_a_requested_fixture_requests_is_refused() {
    let l = chained_conftest_repo();
    l.edit(
        "tests/conftest.py",
        CHAINED_CONFTEST,
        &[("    return [1, 2]", "    return []")],
    );
    l.assert_refused("rebound", CONFTEST_ID);
}

// The same, two levels down and in the test's own file.
#[test]
fn a_fixture_two_requests_away_in_the_test_file_is_locked() {
    let file = "import pytest\n\n\n@pytest.fixture\ndef seed():\n    return 1\n\n\n@pytest.fixture\ndef base(seed):\n    return [seed, 2]\n\n\n@pytest.fixture\ndef amounts(base):\n    return base + [3]\n\n\n# gatekeeper:sacred\ndef test_positive(amounts):\n    for a in amounts:\n        assert a > 0\n";
    let l = super::locked(&[("tests/billing/test_amounts.py", file)]);
    l.edit(
        "tests/billing/test_amounts.py",
        file,
        &[("    return 1\n", "    return -1\n")],
    );
    l.assert_refused("rebound", CONFTEST_ID);
}

// A conftest.py fixture overridden below by one that requests its own name gets the one
// above: that one is locked too.
#[test]
fn a_fixture_an_override_extends_is_locked() {
    let inner =
        "import pytest\n\n\n@pytest.fixture\ndef amounts(amounts):\n    return amounts + [4]\n";
    let l = super::locked(&[
        ("tests/conftest.py", CHAINED_CONFTEST),
        ("tests/billing/conftest.py", inner),
        ("tests/billing/test_amounts.py", CONFTEST_TEST),
    ]);
    l.edit(
        "tests/conftest.py",
        CHAINED_CONFTEST,
        &[("    return base + [3]", "    return [0]")],
    );
    l.assert_refused("rebound", CONFTEST_ID);
}

// A fixture only a fixture the test does not get requests may change.
#[test]
fn a_fixture_of_a_fixture_the_test_does_not_get_may_change() {
    let l = chained_conftest_repo();
    l.edit(
        "tests/conftest.py",
        CHAINED_CONFTEST,
        &[("    return 0", "    return 1")],
    );
    l.assert_passes_checked();
}

// Under a lock written before fixtures of fixtures were recorded, the base revision decides:
// an unchanged one passes, a changed one is refused.
#[test]
fn under_a_lock_without_fixtures_of_fixtures_the_base_revision_decides() {
    let l = chained_conftest_repo();
    let lock = l.commit_lock_without("  envelope-binding fixture base (of a fixture)");
    assert!(
        lock.contains("  envelope-binding fixture base (of a fixture) in tests/conftest.py: "),
        "{lock}"
    );
    l.edit(
        "tests/conftest.py",
        CHAINED_CONFTEST,
        &[("    return 0", "    return 1")],
    );
    l.assert_passes_checked();
    l.edit(
        "tests/conftest.py",
        CHAINED_CONFTEST,
        &[("    return [1, 2]", "    return []")],
    );
    l.assert_refused("rebound", CONFTEST_ID);
}

const HELPER_FILE: &str = "tests/test_helper.py";
const HELPER_ID: &str = "python:tests/test_helper.py::test_total";
const HELPER: &str = "import billing\n\n\ndef check(total):\n    assert total == 6\n\n\ndef run(xs):\n    check(billing.total(xs))\n\n\ndef other(x):\n    assert x\n\n\n# gatekeeper:sacred\ndef test_total():\n    run([1, 2, 3])\n";

// A check the test delegates to a helper of its file, directly or through another helper,
// is one of its checks.
refuses!(
    a_check_helper_the_test_reaches_that_no_longer_asserts_is_refused,
    HELPER_FILE,
    HELPER,
    [("    assert total == 6\n", "    pass\n")],
    "rebound",
    HELPER_ID
);
harmless!(
    a_check_helper_the_test_does_not_reach_may_change,
    HELPER_FILE,
    HELPER,
    HELPER_ID,
    [("    assert x\n", "    pass\n")]
);
// A check helper's docstring says what it checks; editing or adding one changes no check
// (its comments neither).
harmless!(
    a_check_helpers_docstring_may_change,
    HELPER_FILE,
    HELPER,
    HELPER_ID,
    [(
        "def check(total):\n",
        "def check(total):\n    \"\"\"The total is six.\"\"\"\n    # as billed\n"
    )]
);
// A string that is not the first statement is code, not a docstring.
refuses!(
    a_string_statement_after_the_check_is_still_code,
    HELPER_FILE,
    HELPER,
    [(
        "    assert total == 6\n",
        "    assert total == 6\n    \"\"\"six\"\"\"\n"
    )],
    "rebound",
    HELPER_ID
);
// A call to a check helper the test did not reach adds a check.
harmless!(
    a_call_to_another_check_helper_may_be_added,
    HELPER_FILE,
    HELPER,
    HELPER_ID,
    [("    run([1, 2, 3])\n", "    run([1, 2, 3])\n    other(1)\n")]
);

// Under a lock written before check helpers were recorded, the base revision decides.
#[test]
fn under_a_lock_without_check_helpers_the_base_revision_decides() {
    let l = super::locked(&[(HELPER_FILE, HELPER)]);
    let lock = l.commit_lock_without("  envelope-binding helper ");
    l.commit_lock_without("  helpers ");
    assert!(
        lock.contains("  envelope-binding helper check: def check(total):"),
        "{lock}"
    );
    l.edit(
        HELPER_FILE,
        HELPER,
        &[("    assert x\n", "    assert x is not None\n")],
    );
    l.assert_passes_checked();
    l.edit(
        HELPER_FILE,
        HELPER,
        &[("    assert total == 6\n", "    assert total\n")],
    );
    l.assert_refused("rebound", HELPER_ID);
    // One that no longer asserts leaves no line: the base revision's says it was reached.
    l.edit(
        HELPER_FILE,
        HELPER,
        &[("    assert total == 6\n", "    pass\n")],
    );
    l.assert_refused("rebound", HELPER_ID);
}

// A helper between the test and the check is locked too: it decides what is checked.
refuses!(
    a_helper_that_hands_the_check_helper_a_constant_is_refused,
    HELPER_FILE,
    HELPER,
    [("    check(billing.total(xs))\n", "    check(6)\n")],
    "rebound",
    HELPER_ID
);
// A helper between the test and the check that stops calling it drops the check.
refuses!(
    a_helper_that_stops_calling_the_check_helper_is_refused,
    HELPER_FILE,
    HELPER,
    [("    check(billing.total(xs))\n", "    billing.total(xs)\n")],
    "rebound",
    HELPER_ID
);

// A check helper the test imports from a module of the tests is one of its checks, with the
// helpers of that module it reaches.
const IMPORTED_ID: &str = "python:tests/billing/test_total.py::test_total";
const IMPORTED_TEST: &str =
    "from tests.helpers import check_total\n\n\ndef test_total():\n    check_total([1, 2, 3])\n";
const IMPORTED_HELPERS: &str = "import billing\n\n\ndef expect_equal(got, want):\n    assert got == want, f\"{got} != {want}\"\n\n\ndef check_total(xs):\n    expect_equal(billing.total(xs), 6)\n\n\ndef unrelated(x):\n    assert x\n";

fn imported_helper_repo(test: &str) -> super::Locked {
    super::locked(&[
        ("tests/billing/test_total.py", test),
        ("tests/helpers.py", IMPORTED_HELPERS),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ])
}

#[test]
fn an_imported_check_helper_that_checks_less_is_refused() {
    let l = imported_helper_repo(IMPORTED_TEST);
    l.edit(
        "tests/helpers.py",
        IMPORTED_HELPERS,
        &[(
            "    assert got == want, f\"{got} != {want}\"\n",
            "    assert got is not None\n",
        )],
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

#[test]
fn an_imported_check_helper_handed_a_constant_is_refused() {
    let l = imported_helper_repo(IMPORTED_TEST);
    l.edit(
        "tests/helpers.py",
        IMPORTED_HELPERS,
        &[("expect_equal(billing.total(xs), 6)", "expect_equal(6, 6)")],
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

// `from ..helpers import …` names the same module.
#[test]
fn a_relatively_imported_check_helper_that_checks_less_is_refused() {
    let l = imported_helper_repo(
        "from ..helpers import check_total as check\n\n\ndef test_total():\n    check([1, 2, 3])\n",
    );
    l.edit(
        "tests/helpers.py",
        IMPORTED_HELPERS,
        &[(
            "    assert got == want, f\"{got} != {want}\"\n",
            "    pass\n",
        )],
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

// What the test does not reach in the module, and the module's docstrings and comments, may
// change.
#[test]
fn what_an_imported_check_helper_does_not_reach_may_change() {
    let l = imported_helper_repo(IMPORTED_TEST);
    l.edit(
        "tests/helpers.py",
        IMPORTED_HELPERS,
        &[
            ("    assert x\n", "    pass\n"),
            (
                "def check_total(xs):\n",
                "def check_total(xs):\n    \"\"\"Totals to six.\"\"\"\n    # as billed\n",
            ),
        ],
    );
    l.assert_passes_checked();
}

// The code under test is what the test exercises: an assertion inside it is not a check
// helper of the test, and it may change.
#[test]
fn the_code_under_test_is_not_a_check_helper() {
    let l = super::locked(&[
        (
            "tests/billing/test_total.py",
            "from billing import total\n\n\ndef test_total():\n    assert total([1, 2, 3]) == 6\n",
        ),
        (
            "billing.py",
            "def total(xs):\n    assert xs is not None\n    return sum(xs)\n",
        ),
    ]);
    l.edit(
        "billing.py",
        "def total(xs):\n    assert xs is not None\n    return sum(xs)\n",
        &[("    assert xs is not None\n", "")],
    );
    // The test's file is not re-parsed: the lock holds no helper of `billing.py`.
    l.assert_passes();
}

// A test function called as a helper is recorded by the digest of its source: weakening it
// is refused (so is any edit of it, comments included).
const TEST_AS_HELPER: &str = "import billing\n\n\ndef test_total_of_three():\n    assert billing.total([1, 2, 3]) == 6\n\n\n# gatekeeper:sacred\ndef test_total():\n    test_total_of_three()\n";
refuses!(
    a_test_function_called_as_a_check_helper_that_checks_less_is_refused,
    HELPER_FILE,
    TEST_AS_HELPER,
    [(
        "    assert billing.total([1, 2, 3]) == 6\n",
        "    assert billing.total([1, 2, 3])\n"
    )],
    "rebound",
    HELPER_ID
);

// A method of the test's class that asserts is a check helper of the test (`self.check(…)`),
// as is one between (`self.run(…)` calling `self.check(…)`); one the test does not reach may
// change.
const CLASS_HELPER: &str = "import unittest\n\nimport billing\n\n\nclass TestTotal(unittest.TestCase):\n    def check(self, got):\n        self.assertEqual(got, 6)\n\n    def run_total(self, xs):\n        self.check(billing.total(xs))\n\n    def other(self, x):\n        self.assertTrue(x)\n\n    # gatekeeper:sacred\n    def test_total(self):\n        self.run_total([1, 2, 3])\n";
const CLASS_HELPER_ID: &str = "python:tests/test_helper.py::TestTotal::test_total";
refuses!(
    a_check_method_of_the_tests_class_that_checks_less_is_refused,
    HELPER_FILE,
    CLASS_HELPER,
    [("self.assertEqual(got, 6)", "self.assertTrue(got)")],
    "rebound",
    CLASS_HELPER_ID
);
refuses!(
    a_method_between_that_stops_checking_is_refused,
    HELPER_FILE,
    CLASS_HELPER,
    [(
        "        self.check(billing.total(xs))\n",
        "        billing.total(xs)\n"
    )],
    "rebound",
    CLASS_HELPER_ID
);
harmless!(
    a_check_method_whose_assertion_is_respelled_keeps_its_check,
    HELPER_FILE,
    CLASS_HELPER,
    CLASS_HELPER_ID,
    [("self.assertEqual(got, 6)", "self.assertTrue(got == 6)")]
);
harmless!(
    a_method_the_test_does_not_reach_may_change,
    HELPER_FILE,
    CLASS_HELPER,
    CLASS_HELPER_ID,
    [("self.assertTrue(x)", "self.assertIsNotNone(x)")]
);

// A method the test's class inherits from a base class of its file, or of a module of the
// tests it imports by name, is a check helper of the test as the class's own methods are;
// one the class overrides is not what runs.
const INHERITED_ID: &str = "python:tests/test_total.py::TestTotal::test_total";
const INHERITED: &str = "import unittest\n\nimport billing\n\n\nclass TotalChecks(unittest.TestCase):\n    def check_total(self, got):\n        self.assertEqual(got, 6)\n\n\nclass TestTotal(TotalChecks):\n    # gatekeeper:sacred\n    def test_total(self):\n        self.check_total(billing.total([1, 2, 3]))\n";

#[test]
fn an_inherited_check_method_that_checks_less_is_refused() {
    let l = super::locked(&[
        ("tests/test_total.py", INHERITED),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ]);
    l.edit(
        "tests/test_total.py",
        INHERITED,
        &[("self.assertEqual(got, 6)", "self.assertTrue(got)")],
    );
    l.assert_refused("rebound", INHERITED_ID);
}

#[test]
fn an_inherited_method_the_class_overrides_may_change() {
    let own = INHERITED.replace(
        "    # gatekeeper:sacred\n",
        "    def check_total(self, got):\n        self.assertEqual(got, 6)\n\n    # gatekeeper:sacred\n",
    );
    let l = super::locked(&[
        ("tests/test_total.py", &own),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ]);
    l.edit(
        "tests/test_total.py",
        &own,
        &[(
            "self.assertEqual(got, 6)\n\n\nclass",
            "self.assertTrue(got)\n\n\nclass",
        )],
    );
    l.assert_passes_checked();
    // The override is the check that runs.
    let l = super::locked(&[
        ("tests/test_total.py", &own),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ]);
    l.edit(
        "tests/test_total.py",
        &own,
        &[(
            "self.assertEqual(got, 6)\n\n    # gatekeeper",
            "self.assertTrue(got)\n\n    # gatekeeper",
        )],
    );
    l.assert_refused("rebound", INHERITED_ID);
}

const INHERITED_BASE: &str = "import unittest\n\n\nclass TotalChecks(unittest.TestCase):\n    def check_total(self, got):\n        self.assertEqual(got, 6)\n\n\nclass Other:\n    def check_total(self, got):\n        assert got\n";

#[test]
fn a_check_method_inherited_from_an_imported_base_that_checks_less_is_refused() {
    let test = "import billing\nfrom tests.base import TotalChecks\n\n\nclass TestTotal(TotalChecks):\n    # gatekeeper:sacred\n    def test_total(self):\n        self.check_total(billing.total([1, 2, 3]))\n";
    let l = super::locked(&[
        ("tests/test_total.py", test),
        ("tests/base.py", INHERITED_BASE),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ]);
    l.edit(
        "tests/base.py",
        INHERITED_BASE,
        &[("self.assertEqual(got, 6)", "self.assertTrue(got)")],
    );
    l.assert_refused("rebound", INHERITED_ID);
    // Another class's method of the same name is not what the test runs.
    let l = super::locked(&[
        ("tests/test_total.py", test),
        ("tests/base.py", INHERITED_BASE),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ]);
    l.edit(
        "tests/base.py",
        INHERITED_BASE,
        &[("assert got\n", "pass\n")],
    );
    l.assert_passes_checked();
}

// A base class named through its module (`class TestTotal(base.TotalChecks)`), however the
// module is imported, and through a base of the test's own file, is looked up there too.
#[test]
fn a_check_method_inherited_from_a_base_named_through_its_module_that_checks_less_is_refused() {
    for (import, base) in [
        ("from tests import base", "base.TotalChecks"),
        ("import tests.base as b", "b.TotalChecks"),
        ("import tests.base", "tests.base.TotalChecks"),
    ] {
        for (bases, local) in [
            (base.to_owned(), String::new()),
            (
                "Local".to_owned(),
                format!("class Local({base}):\n    pass\n\n\n"),
            ),
        ] {
            let test = format!(
                "import billing\n{import}\n\n\n{local}class TestTotal({bases}):\n    # gatekeeper:sacred\n    def test_total(self):\n        self.check_total(billing.total([1, 2, 3]))\n"
            );
            let files = [
                ("tests/__init__.py", ""),
                ("tests/test_total.py", test.as_str()),
                ("tests/base.py", INHERITED_BASE),
                ("billing.py", "def total(xs):\n    return sum(xs)\n"),
            ];
            let l = super::locked(&files);
            l.edit(
                "tests/base.py",
                INHERITED_BASE,
                &[("self.assertEqual(got, 6)", "self.assertTrue(got)")],
            );
            l.assert_refused("rebound", INHERITED_ID);
            let l = super::locked(&files);
            l.edit(
                "tests/base.py",
                INHERITED_BASE,
                &[("assert got\n", "pass\n")],
            );
            l.assert_passes_checked();
        }
    }
}

// A check helper reached through a whole-module import of a module of the tests is one of
// the test's checks, however the module is imported.
#[test]
fn a_check_helper_of_a_whole_module_import_that_checks_less_is_refused() {
    for (import, call) in [
        ("from tests import helpers", "helpers.check_total"),
        ("import tests.helpers as h", "h.check_total"),
        ("import tests.helpers", "tests.helpers.check_total"),
        ("from .. import helpers", "helpers.check_total"),
    ] {
        let test = format!("{import}\n\n\ndef test_total():\n    {call}([1, 2, 3])\n");
        let l = imported_helper_repo(&test);
        l.edit(
            "tests/helpers.py",
            IMPORTED_HELPERS,
            &[(
                "    assert got == want, f\"{got} != {want}\"\n",
                "    assert got is not None\n",
            )],
        );
        l.assert_refused("rebound", IMPORTED_ID);
    }
}

#[test]
fn what_a_whole_module_import_does_not_reach_may_change() {
    let l = imported_helper_repo(
        "from tests import helpers\n\n\ndef test_total():\n    helpers.check_total([1, 2, 3])\n",
    );
    l.edit(
        "tests/helpers.py",
        IMPORTED_HELPERS,
        &[("    assert x\n", "    pass\n")],
    );
    l.assert_passes_checked();
}

// A helper module's function reaches the check in another module of the tests it imports in
// turn: that one is locked too.
#[test]
fn a_check_helper_a_helper_module_imports_in_turn_that_checks_less_is_refused() {
    let helpers = "from tests.asserts import expect_equal\n\nimport billing\n\n\ndef check_total(xs):\n    expect_equal(billing.total(xs), 6)\n";
    let asserts = "def expect_equal(got, want):\n    assert got == want\n\n\ndef unrelated(x):\n    assert x\n";
    let files = [
        ("tests/billing/test_total.py", IMPORTED_TEST),
        ("tests/helpers.py", helpers),
        ("tests/asserts.py", asserts),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ];
    let l = super::locked(&files);
    l.edit(
        "tests/asserts.py",
        asserts,
        &[("    assert got == want\n", "    assert got is not None\n")],
    );
    l.assert_refused("rebound", IMPORTED_ID);
    let l = super::locked(&files);
    l.edit(
        "tests/asserts.py",
        asserts,
        &[("    assert x\n", "    pass\n")],
    );
    l.assert_passes_checked();
}

// A helper of a module of the tests whose value an assertion compares decides what is
// compared, and so does every function of its module it calls, asserting or not: through a
// module that module imports in turn, and from a method the test's class inherits from a
// class of a module of the tests. What it does not call may change.
const COMPARED_TEST: &str = "import billing\nfrom tests.expect import expected\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == expected()\n";
const COMPARED_EXPECT: &str = "from tests.norms import norm\n\n\ndef _six():\n    return norm(6)\n\n\ndef expected():\n    return _six()\n\n\ndef unrelated():\n    return 1\n";
const COMPARED_NORMS: &str = "def norm(x):\n    return x\n";
const COMPARED_CLASS_ID: &str = "python:tests/billing/test_class.py::TestTotal::test_total";
const COMPARED_CLASS: &str = "import billing\nfrom tests.base import Base\n\n\nclass TestTotal(Base):\n    def test_total(self):\n        self.assertEqual(billing.total([1, 2, 3]), self.expected())\n";
const COMPARED_BASE: &str = "import unittest\n\n\ndef _six():\n    return 6\n\n\nclass Base(unittest.TestCase):\n    def expected(self):\n        return _six()\n";

fn compared_repo() -> super::Locked {
    super::locked(&[
        ("tests/billing/test_total.py", COMPARED_TEST),
        ("tests/billing/test_class.py", COMPARED_CLASS),
        ("tests/expect.py", COMPARED_EXPECT),
        ("tests/norms.py", COMPARED_NORMS),
        ("tests/base.py", COMPARED_BASE),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ])
}

#[test]
fn a_function_an_imported_compared_helper_calls_in_its_module_is_locked() {
    let l = compared_repo();
    l.edit(
        "tests/expect.py",
        COMPARED_EXPECT,
        &[(
            "    return norm(6)\n",
            "    import billing\n\n    return billing.total([1, 2, 3])\n",
        )],
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

#[test]
fn a_function_a_compared_helper_reaches_through_another_module_is_locked() {
    let l = compared_repo();
    l.edit(
        "tests/norms.py",
        COMPARED_NORMS,
        &[("    return x\n", "    return x - 1\n")],
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

#[test]
fn a_function_an_inherited_compared_method_calls_in_its_module_is_locked() {
    let l = compared_repo();
    l.edit(
        "tests/base.py",
        COMPARED_BASE,
        &[("    return 6\n", "    return 7\n")],
    );
    l.assert_refused("rebound", COMPARED_CLASS_ID);
}

#[test]
fn what_an_imported_compared_helper_does_not_call_may_change() {
    let l = compared_repo();
    l.edit(
        "tests/expect.py",
        COMPARED_EXPECT,
        &[("    return 1\n", "    return 2\n")],
    );
    l.edit(
        "tests/norms.py",
        COMPARED_NORMS,
        &[(
            "    return x\n",
            "    return x\n\n\ndef other():\n    return 3\n",
        )],
    );
    l.assert_passes_checked();
}

// Modules of the tests that import each other are each read once.
#[test]
fn helper_modules_that_import_each_other_are_read_once() {
    let helpers = "from tests.asserts import expect_equal\n\nimport billing\n\n\ndef describe(x):\n    return repr(x)\n\n\ndef check_total(xs):\n    expect_equal(billing.total(xs), 6)\n";
    let asserts = "from tests.helpers import describe\n\n\ndef expect_equal(got, want):\n    assert got == want, describe(got)\n";
    let files = [
        ("tests/billing/test_total.py", IMPORTED_TEST),
        ("tests/helpers.py", helpers),
        ("tests/asserts.py", asserts),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ];
    let l = super::locked(&files);
    l.edit(
        "tests/asserts.py",
        asserts,
        &[("assert got == want, ", "assert got is not None, ")],
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

// A fixture the test gets by name as it runs (`request.getfixturevalue("amounts")`), or
// names in `@pytest.mark.usefixtures`, runs for it as a requested one does.
#[test]
fn emptying_a_fixture_got_by_value_or_used_by_marker_is_refused() {
    for test in [
        "# gatekeeper:sacred\ndef test_positive(request):\n    for a in request.getfixturevalue(\"amounts\"):\n        assert a > 0\n",
        "import pytest\n\n\n# gatekeeper:sacred\n@pytest.mark.usefixtures(\"amounts\")\ndef test_positive():\n    assert True\n",
    ] {
        let files = [
            ("tests/conftest.py", CONFTEST),
            ("tests/billing/test_amounts.py", test),
        ];
        let l = super::locked(&files);
        l.edit(
            "tests/conftest.py",
            CONFTEST,
            &[("    return [1, 2, 3]", "    return []")],
        );
        l.assert_refused("rebound", CONFTEST_ID);
        let l = super::locked(&files);
        l.edit(
            "tests/conftest.py",
            CONFTEST,
            &[("    return 0", "    return 1")],
        );
        l.assert_passes_checked();
    }
}

// A fixture that the test's class or module uses through a marker runs for the test too:
// `@pytest.mark.usefixtures` on its class, a class's or the module's `pytestmark`, and the
// marker on a subclass the test (of a mixin) runs under.
#[test]
fn emptying_a_fixture_its_class_or_module_uses_is_refused() {
    for (test, id) in [
        (
            "import pytest\n\n\n# gatekeeper:sacred\n@pytest.mark.usefixtures(\"amounts\")\nclass TestAmounts:\n    def test_positive(self):\n        assert True\n",
            "python:tests/billing/test_amounts.py::TestAmounts::test_positive",
        ),
        (
            "import pytest\n\n\n# gatekeeper:sacred\nclass TestAmounts:\n    pytestmark = pytest.mark.usefixtures(\"amounts\")\n\n    def test_positive(self):\n        assert True\n",
            "python:tests/billing/test_amounts.py::TestAmounts::test_positive",
        ),
        (
            "import pytest\n\npytestmark = [pytest.mark.usefixtures(\"amounts\")]\n\n\n# gatekeeper:sacred\ndef test_positive():\n    assert True\n",
            CONFTEST_ID,
        ),
        (
            "import pytest\n\n\nclass AmountChecks:\n    # gatekeeper:sacred\n    def test_positive(self):\n        assert True\n\n\n@pytest.mark.usefixtures(\"amounts\")\nclass TestAmounts(AmountChecks):\n    pass\n",
            "python:tests/billing/test_amounts.py::AmountChecks::test_positive",
        ),
    ] {
        let files = [
            ("tests/conftest.py", CONFTEST),
            ("tests/billing/test_amounts.py", test),
        ];
        let l = super::locked(&files);
        l.edit(
            "tests/conftest.py",
            CONFTEST,
            &[("    return [1, 2, 3]", "    pytest.skip(\"later\")")],
        );
        l.assert_refused("rebound", id);
        let l = super::locked(&files);
        l.edit(
            "tests/conftest.py",
            CONFTEST,
            &[("    return 0", "    return 1")],
        );
        l.assert_passes_checked();
    }
}

// Under a lock written before `usefixtures` and `getfixturevalue` named fixtures, the fixture
// as the base revision has it passes; a change to it since is refused.
#[test]
fn under_a_lock_without_fixtures_got_by_value_the_base_revision_decides() {
    let test = "import pytest\n\n\n# gatekeeper:sacred\n@pytest.mark.usefixtures(\"amounts\")\ndef test_positive(request):\n    assert request.getfixturevalue(\"amounts\")\n";
    let files = [
        ("tests/conftest.py", CONFTEST),
        ("tests/billing/test_amounts.py", test),
    ];
    let l = super::locked(&files);
    l.commit_lock_without("  envelope-binding fixture amounts");
    l.commit_lock_without("  binding fixture amounts");
    l.edit(
        "tests/billing/test_amounts.py",
        test,
        &[(
            "    assert request.getfixturevalue(\"amounts\")\n",
            "    assert request.getfixturevalue(\"amounts\")\n    assert True\n",
        )],
    );
    l.assert_passes_checked();
    l.edit(
        "tests/conftest.py",
        CONFTEST,
        &[("    return [1, 2, 3]", "    return []")],
    );
    l.assert_refused("rebound", CONFTEST_ID);
}

// A parametrized test whose cases are rewritten keeping every one — a column added with the
// value the body used to hold, a case added — keeps every check: each old case is a case of
// the new test, read the same. A case dropped, changed, skipped, or given another value in
// the new column is refused.
const CASES_REWRITTEN_FILE: &str = "tests/test_refund.py";
const CASES_REWRITTEN_ID: &str = "python:tests/test_refund.py::test_refund";
const CASES_BEFORE: &str = "import pytest\n\nfrom billing import refund\n\n\n# gatekeeper:sacred\n@pytest.mark.parametrize(\n    (\"amount\", \"expected\"),\n    [\n        (100, 100),\n        pytest.param(5, 5, id=\"small\"),\n    ],\n)\ndef test_refund(amount, expected):\n    assert refund(amount, \"card\") == expected\n";

fn cases_after(cases: &str) -> String {
    format!(
        "import pytest\n\nfrom billing import refund\n\n\n# gatekeeper:sacred\n@pytest.mark.parametrize(\n    (\"amount\", \"method\", \"expected\"),\n    [\n{cases}    ],\n)\ndef test_refund(amount, method, expected):\n    assert refund(amount, method) == expected\n"
    )
}

#[test]
fn parametrized_cases_rewritten_keeping_every_case_pass() {
    let l = super::locked(&[(CASES_REWRITTEN_FILE, CASES_BEFORE)]);
    l.repo.write(
        CASES_REWRITTEN_FILE,
        cases_after(
            "        (0, \"cash\", 0),\n        pytest.param(5, \"card\", 5, id=\"small\"),\n        (100, \"card\", 100),\n",
        ),
    );
    l.assert_passes_checked();
}

#[test]
fn parametrized_cases_rewritten_losing_a_case_are_refused() {
    for cases in [
        // dropped
        "        (100, \"card\", 100),\n        (0, \"cash\", 0),\n",
        // its expected value changed
        "        (100, \"card\", 100),\n        (5, \"card\", 6),\n",
        // another value in the new column
        "        (100, \"card\", 100),\n        (5, \"cash\", 5),\n",
        // skipped
        "        (100, \"card\", 100),\n        pytest.param(5, \"card\", 5, marks=pytest.mark.skip),\n",
    ] {
        let l = super::locked(&[(CASES_REWRITTEN_FILE, CASES_BEFORE)]);
        l.repo.write(CASES_REWRITTEN_FILE, cases_after(cases));
        for out in [l.check_staged(), l.check_base()] {
            crate::common::assert_code(&out, 1, cases);
            let all = crate::common::text(&out);
            assert!(all.contains(CASES_REWRITTEN_ID), "{all}");
        }
    }
}

// A case added with an id of its own while the cases are rewritten (click efd4daf: a column
// added, `pytest.param(…, id=…)` cases added) keeps every old case under its name.
#[test]
fn parametrized_cases_rewritten_with_a_named_case_added_pass() {
    let l = super::locked(&[(CASES_REWRITTEN_FILE, CASES_BEFORE)]);
    l.repo.write(
        CASES_REWRITTEN_FILE,
        cases_after(
            "        (100, \"card\", 100),\n        pytest.param(5, \"card\", 5, id=\"small\"),\n        pytest.param(0, \"cash\", 0, id=\"cash\"),\n",
        ),
    );
    l.assert_passes_checked();
}

// `-k` and `--deselect` select cases by name: an old case must keep its name. Its values
// under another case's name, a name given to a case that had none, or a name given twice
// (pytest renames both) are refused.
#[test]
fn parametrized_cases_rewritten_under_other_names_are_refused() {
    let before = CASES_BEFORE.replace(
        "        (100, 100),\n",
        "        pytest.param(100, 100, id=\"large\"),\n",
    );
    for (base, cases) in [
        // the values of two named cases swapped
        (
            before.as_str(),
            "        pytest.param(5, \"card\", 5, id=\"large\"),\n        pytest.param(100, \"card\", 100, id=\"small\"),\n",
        ),
        // a name given to a case that had none
        (
            CASES_BEFORE,
            "        pytest.param(100, \"card\", 100, id=\"large\"),\n        pytest.param(5, \"card\", 5, id=\"small\"),\n",
        ),
        // a name given twice
        (
            before.as_str(),
            "        pytest.param(100, \"card\", 100, id=\"large\"),\n        pytest.param(5, \"card\", 5, id=\"small\"),\n        pytest.param(0, \"cash\", 0, id=\"small\"),\n",
        ),
    ] {
        let l = super::locked(&[(CASES_REWRITTEN_FILE, base)]);
        l.repo.write(CASES_REWRITTEN_FILE, cases_after(cases));
        for out in [l.check_staged(), l.check_base()] {
            crate::common::assert_code(&out, 1, cases);
            let all = crate::common::text(&out);
            assert!(all.contains(CASES_REWRITTEN_ID), "{all}");
        }
    }
}

// A case of the locked test that the per-case reading does not read (one with `marks`) may not
// go unnoticed: the rewrite is judged as before, and dropping it is refused.
#[test]
fn parametrized_cases_rewritten_dropping_a_marked_case_are_refused() {
    let before = CASES_BEFORE.replace(
        "        pytest.param(5, 5, id=\"small\"),\n",
        "        pytest.param(5, 5, id=\"small\"),\n        pytest.param(7, 7, marks=pytest.mark.slow),\n",
    );
    let l = super::locked(&[(CASES_REWRITTEN_FILE, &before)]);
    l.repo.write(
        CASES_REWRITTEN_FILE,
        cases_after(
            "        (100, \"card\", 100),\n        pytest.param(5, \"card\", 5, id=\"small\"),\n",
        ),
    );
    for out in [l.check_staged(), l.check_base()] {
        crate::common::assert_code(&out, 1, "a marked case dropped");
    }
}

// A parameter read inside an f-string is not put back in the per-case reading: two cases
// that differ only there would read the same, so a case's expected value changed there is
// still refused (click 029bbed: `(UNSET, [], UNSET)` → `(UNSET, [], None)` with
// `assert out == f"value: {expected!r}"`).
#[test]
fn a_case_changed_where_the_body_reads_it_in_an_f_string_is_refused() {
    let before = "import pytest\n\nfrom billing import refund\n\n\n# gatekeeper:sacred\n@pytest.mark.parametrize(\n    (\"amount\", \"expected\"),\n    [\n        (100, 100),\n        (5, 5),\n    ],\n)\ndef test_refund(amount, expected):\n    assert f\"{refund(amount)!r}\" == f\"{expected!r}\"\n";
    let l = super::locked(&[(CASES_REWRITTEN_FILE, before)]);
    l.edit(
        CASES_REWRITTEN_FILE,
        before,
        &[("        (5, 5),\n", "        (5, 6),\n        (0, 0),\n")],
    );
    for out in [l.check_staged(), l.check_base()] {
        crate::common::assert_code(&out, 1, "a case changed inside an f-string");
    }
}

// A parameter read in a nested function's decorator or default is put back there too: a case
// changed there is refused.
#[test]
fn a_case_changed_where_a_nested_decorator_reads_it_is_refused() {
    let before = "import click\nimport pytest\n\n\n# gatekeeper:sacred\n@pytest.mark.parametrize(\n    (\"default\", \"args\"),\n    [\n        (1, []),\n        (2, []),\n    ],\n)\ndef test_default(runner, default, args):\n    @click.command()\n    @click.option(\"--n\", default=default)\n    def main(n, m=default):\n        click.echo(n)\n\n    result = runner.invoke(main, args)\n    assert result.exit_code == 0\n";
    let l = super::locked(&[(CASES_REWRITTEN_FILE, before)]);
    l.edit(
        CASES_REWRITTEN_FILE,
        before,
        &[(
            "        (2, []),\n",
            "        (3, []),\n        (1, [\"--n\", \"1\"]),\n",
        )],
    );
    for out in [l.check_staged(), l.check_base()] {
        crate::common::assert_code(&out, 1, "a case changed in a nested decorator");
    }
}

/// A mixin with no base class, collected by neither runner on its own, whose test method
/// runs under the test case that derives from it.
const MIXIN_TESTS: &str = "import unittest\n\nfrom billing import total\n\n\nclass Checks:\n    def test_total(self):\n        self.assertEqual(total(self.items), 6)\n\n\nclass TestList(Checks, unittest.TestCase):\n    items = [1, 2, 3]\n";

#[test]
fn a_mixins_test_method_a_test_case_inherits_is_locked_and_weakening_it_is_refused() {
    let l = super::locked(&[
        ("tests/billing/test_total.py", MIXIN_TESTS),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ]);
    l.assert_locked("python:tests/billing/test_total.py::Checks::test_total");
    l.edit(
        "tests/billing/test_total.py",
        MIXIN_TESTS,
        &[(
            "        self.assertEqual(total(self.items), 6)\n",
            "        total(self.items)\n",
        )],
    );
    l.assert_refused(
        "emptied",
        "python:tests/billing/test_total.py::Checks::test_total",
    );
}

/// `try: CODE; raise …` / `except E: pass` written as `with self.assertRaises(E): CODE` checks
/// the same (tornado's template tests); a wider exception is refused.
#[test]
fn an_expected_exception_checked_by_assert_raises_instead_of_try_except_is_accepted() {
    let id = "python:tests/billing/test_template.py::TestTemplate::test_break";
    let test = "import unittest\n\nfrom billing import ParseError, parse\n\n\nclass TestTemplate(unittest.TestCase):\n    def test_break(self):\n        try:\n            parse(\"{% break %}\")\n            raise Exception(\"Did not get expected exception\")\n        except ParseError:\n            pass\n        self.assertEqual(parse(\"x\"), \"x\")\n";
    let rewritten = |exception: &str| {
        test.replace(
            "        try:\n            parse(\"{% break %}\")\n            raise Exception(\"Did not get expected exception\")\n        except ParseError:\n            pass\n",
            &format!("        with self.assertRaises({exception}, msg=\"Did not get expected exception\"):\n            parse(\"{{% break %}}\")\n"),
        )
    };
    let billing = "class ParseError(Exception):\n    pass\n\n\ndef parse(s):\n    return s\n";
    for (exception, accepted) in [("ParseError", true), ("Exception", false)] {
        let l = super::locked(&[
            ("tests/billing/test_template.py", test),
            ("billing.py", billing),
        ]);
        l.repo
            .write("tests/billing/test_template.py", rewritten(exception));
        if accepted {
            l.assert_passes_checked();
        } else {
            l.assert_refused("body-changed", id);
        }
    }
}

/// A mixin's test runs under each subclass: what the subclass sets up, and the attributes of
/// it the test reads, are locked with it.
#[test]
fn a_subclass_that_changes_what_a_mixins_test_reads_or_sets_up_is_refused() {
    let id = "python:tests/billing/test_total.py::Checks::test_total";
    let tests = MIXIN_TESTS.replace(
        "class TestList(Checks, unittest.TestCase):\n",
        "class TestBase(Checks, unittest.TestCase):\n    pass\n\n\nclass TestList(TestBase):\n",
    );
    let locked = || billing_locked(tests.as_str());
    for edit in [
        ("    items = [1, 2, 3]\n", "    items = [6]\n"),
        (
            "    items = [1, 2, 3]\n",
            "    items = [1, 2, 3]\n\n    def setUp(self):\n        import billing\n\n        billing.total = lambda xs: 6\n",
        ),
    ] {
        let l = locked();
        l.edit("tests/billing/test_total.py", &tests, &[edit]);
        l.assert_refused("rebound", id);
    }
    // An attribute the test does not read may change.
    let l = locked();
    l.edit(
        "tests/billing/test_total.py",
        &tests,
        &[(
            "    items = [1, 2, 3]\n",
            "    items = [1, 2, 3]\n    label = \"list\"\n",
        )],
    );
    l.assert_passes_checked();
}

#[test]
fn a_class_no_class_derives_from_and_no_runner_collects_holds_no_test() {
    let src = "class Helpers:\n    def test_like_name(self):\n        assert 1\n\n\ndef test_total():\n    assert 1 + 1 == 2\n";
    let l = super::locked(&[("tests/billing/test_total.py", src)]);
    l.assert_locked("python:tests/billing/test_total.py::test_total");
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    assert!(!lock.contains("Helpers::test_like_name"), "{lock}");
}

/// [`billing_locked`], then `from` replaced by `to` in the test's file.
fn billing_edited(test: &str, from: &str, to: &str) -> super::Locked {
    let l = billing_locked(test);
    l.edit("tests/billing/test_total.py", test, &[(from, to)]);
    l
}

/// `test` as `tests/billing/test_total.py` beside the `billing` module it tests, locked.
fn billing_locked(test: &str) -> super::Locked {
    super::locked(&[
        ("tests/billing/test_total.py", test),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ])
}

/// A skip decorator defined in a helper module of the tests and imported by name (tornado's
/// `skipNotCPython = unittest.skipIf(…)` in `tornado/test/util.py`).
const SKIP_UTIL: &str = "import unittest\n\nskip_if_slow = unittest.skipIf(False, \"slow machine\")\n\n\ndef unrelated():\n    return 1\n";
const SKIP_TEST: &str = "import unittest\n\nfrom billing import total\nfrom tests.util import skip_if_slow\n\n\nclass TestTotal(unittest.TestCase):\n    @skip_if_slow\n    def test_total(self):\n        self.assertEqual(total([1, 2, 3]), 6)\n";
const SKIP_ID: &str = "python:tests/billing/test_total.py::TestTotal::test_total";

fn imported_skip_repo() -> super::Locked {
    super::locked(&[
        ("tests/billing/test_total.py", SKIP_TEST),
        ("tests/util.py", SKIP_UTIL),
        ("tests/__init__.py", ""),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ])
}

#[test]
fn widening_an_imported_skip_decorators_condition_is_refused() {
    let l = imported_skip_repo();
    l.edit(
        "tests/util.py",
        SKIP_UTIL,
        &[("unittest.skipIf(False,", "unittest.skipIf(True,")],
    );
    l.assert_refused("rebound", SKIP_ID);
}

#[test]
fn the_rest_of_the_module_defining_an_imported_decorator_may_change() {
    let l = imported_skip_repo();
    l.edit(
        "tests/util.py",
        SKIP_UTIL,
        &[("    return 1\n", "    return 2\n")],
    );
    l.assert_passes_checked();
}

#[test]
fn removing_an_imported_skip_decorator_with_its_definition_is_accepted() {
    let l = imported_skip_repo();
    l.edit(
        "tests/billing/test_total.py",
        SKIP_TEST,
        &[
            ("from tests.util import skip_if_slow\n", ""),
            ("    @skip_if_slow\n", ""),
        ],
    );
    l.edit(
        "tests/util.py",
        SKIP_UTIL,
        &[(
            "skip_if_slow = unittest.skipIf(False, \"slow machine\")\n",
            "",
        )],
    );
    l.assert_passes_checked();
}

/// The same decorator on the test's class (tornado's `f525768` dropped `@skipOnTravis` from
/// `IdleTimeoutTest`): the class's tests now run where they were skipped.
#[test]
fn removing_an_imported_skip_decorator_from_the_class_is_accepted() {
    let test = SKIP_TEST
        .replace("    @skip_if_slow\n", "")
        .replace("class TestTotal", "@skip_if_slow\nclass TestTotal");
    let files = [
        ("tests/billing/test_total.py", test.as_str()),
        ("tests/util.py", SKIP_UTIL),
        ("tests/__init__.py", ""),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ];
    let l = super::locked(&files);
    l.edit(
        "tests/billing/test_total.py",
        &test,
        &[
            ("from tests.util import skip_if_slow\n", ""),
            ("@skip_if_slow\n", ""),
        ],
    );
    l.assert_passes_checked();
}

/// Where the helper module's `unittest` is not unittest (`import tests.strict as
/// unittest`), `skip_if_slow = unittest.skipIf(…)` may be anything (a decorator that runs
/// the test with warnings as errors): removing it is refused, on a function or a class.
#[test]
fn removing_a_skip_look_alike_whose_framework_is_another_module_is_refused() {
    let util = SKIP_UTIL.replace(
        "import unittest\n",
        "import unittest\nimport tests.strict as unittest\n",
    );
    let class_test = SKIP_TEST
        .replace("    @skip_if_slow\n", "")
        .replace("class TestTotal", "@skip_if_slow\nclass TestTotal");
    for (test, decorator) in [
        (SKIP_TEST.to_owned(), "    @skip_if_slow\n"),
        (class_test, "@skip_if_slow\n"),
    ] {
        let files = [
            ("tests/billing/test_total.py", test.as_str()),
            ("tests/util.py", util.as_str()),
            (
                "tests/strict.py",
                "def skipIf(condition, reason):\n    return lambda f: f\n",
            ),
            ("tests/__init__.py", ""),
            ("billing.py", "def total(xs):\n    return sum(xs)\n"),
        ];
        let l = super::locked(&files);
        l.edit(
            "tests/billing/test_total.py",
            &test,
            &[
                ("from tests.util import skip_if_slow\n", ""),
                (decorator, ""),
            ],
        );
        l.assert_refused("skipped", SKIP_ID);
    }
}

/// The same decorator reached through its module, imported whole either way.
#[test]
fn widening_a_skip_decorator_reached_through_its_module_is_refused() {
    for (import, spelled) in [
        ("from tests import util\n", "util"),
        ("import tests.util as helpers\n", "helpers"),
        ("import tests.util\n", "tests.util"),
    ] {
        let test = SKIP_TEST
            .replace("from tests.util import skip_if_slow\n", import)
            .replace("@skip_if_slow", &format!("@{spelled}.skip_if_slow"));
        let files = [
            ("tests/billing/test_total.py", test.as_str()),
            ("tests/util.py", SKIP_UTIL),
            ("tests/__init__.py", ""),
            ("billing.py", "def total(xs):\n    return sum(xs)\n"),
        ];
        let l = super::locked(&files);
        let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
        assert!(
            lock.contains(&format!(
                "defined {spelled}.skip_if_slow (in tests/util.py)"
            )),
            "{import}: {lock}"
        );
        l.edit(
            "tests/util.py",
            SKIP_UTIL,
            &[("    return 1\n", "    return 2\n")],
        );
        l.assert_passes_checked();
        let l = super::locked(&files);
        l.edit(
            "tests/util.py",
            SKIP_UTIL,
            &[("unittest.skipIf(False,", "unittest.skipIf(True,")],
        );
        l.assert_refused("rebound", SKIP_ID);
    }
}

/// An abstract-base decorator defined in a helper module (tornado's `abstract_base_test`).
const ABSTRACT_UTIL: &str = "import unittest\n\n\ndef abstract_base(cls):\n    class Wrapper(cls):\n        @classmethod\n        def setUpClass(klass):\n            if klass is Wrapper:\n                raise unittest.SkipTest(\"abstract\")\n            super(Wrapper, klass).setUpClass()\n\n    return Wrapper\n";
const ABSTRACT_TEST: &str = "import unittest\n\nfrom billing import total\nfrom tests.util import abstract_base\n\n\n@abstract_base\nclass TestTotal(unittest.TestCase):\n    def test_total(self):\n        self.assertEqual(total([1, 2, 3]), 6)\n";

fn abstract_repo() -> super::Locked {
    super::locked(&[
        ("tests/billing/test_total.py", ABSTRACT_TEST),
        ("tests/util.py", ABSTRACT_UTIL),
        ("tests/__init__.py", ""),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ])
}

#[test]
fn an_imported_decorators_super_call_written_without_arguments_is_the_same_definition() {
    let l = abstract_repo();
    l.edit(
        "tests/util.py",
        ABSTRACT_UTIL,
        &[("super(Wrapper, klass).setUpClass()", "super().setUpClass()")],
    );
    l.assert_passes_checked();
}

#[test]
fn an_imported_decorator_that_stops_skipping_only_its_own_class_is_refused() {
    let l = abstract_repo();
    l.edit(
        "tests/util.py",
        ABSTRACT_UTIL,
        &[(
            "            if klass is Wrapper:\n",
            "            if True:\n",
        )],
    );
    l.assert_refused(
        "rebound",
        "python:tests/billing/test_total.py::TestTotal::test_total",
    );
}

/// Module-level assignments that run code reaching what the test calls, though they bind
/// another name.
#[test]
fn a_module_level_assignment_whose_call_monkeypatches_the_code_under_test_is_refused() {
    let test = "import billing\nfrom unittest.mock import patch\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";
    for line in [
        "_ = setattr(billing, \"total\", lambda xs: 6)\n",
        "_ = patch(\"billing.total\", lambda xs: 6).start()\n",
        "_ = __import__(\"billing\").__dict__.update(total=lambda xs: 6)\n",
        "LIMIT: int = setattr(billing, \"total\", lambda xs: 6) or 6\n",
        "CASES = [setattr(billing, \"total\", lambda xs: 6)]\n",
        "_ = billing.__dict__.setdefault(\"total\", None)\n",
        "CASES = vars(billing).clear()\n",
    ] {
        let l = billing_edited(
            test,
            "from unittest.mock import patch\n",
            &format!("from unittest.mock import patch\n\n{line}"),
        );
        l.assert_refused("rebound", "python:tests/billing/test_total.py::test_total");
    }
}

/// An f-string is evaluated where it stands, even where a docstring would be: as the first
/// statement of a module, of a class body or of the test itself, one that calls patches the
/// code under test before the check runs.
#[test]
fn an_f_string_in_a_docstrings_place_that_patches_the_code_under_test_is_refused() {
    let patch = "f\"{setattr(billing, 'total', lambda xs: 6)}\"";
    let module =
        "import billing\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";
    let l = billing_edited(
        module,
        "import billing\n",
        &format!("import billing\n{patch}\n"),
    );
    l.assert_refused("rebound", "python:tests/billing/test_total.py::test_total");
    let l = billing_edited(
        module,
        "def test_total():\n",
        &format!("def test_total():\n    {patch}\n"),
    );
    l.assert_refused(
        "body-changed",
        "python:tests/billing/test_total.py::test_total",
    );
    let class = "import billing\n\n\nclass TestTotal:\n    def test_total(self):\n        assert billing.total([1, 2, 3]) == 6\n";
    let l = billing_edited(
        class,
        "\n\nclass TestTotal:\n",
        &format!("\n\nclass Helper:\n    {patch}\n\n\nclass TestTotal:\n"),
    );
    l.assert_refused(
        "rebound",
        "python:tests/billing/test_total.py::TestTotal::test_total",
    );
    // A plain docstring changes nothing.
    let l = billing_edited(
        class,
        "class TestTotal:\n",
        "class TestTotal:\n    \"\"\"The totals.\"\"\"\n\n",
    );
    l.assert_passes_checked();
}

/// A class body runs when the module is imported: code in one, even of a class that is not
/// a test, runs before every test of the file.
#[test]
fn code_in_a_class_body_that_monkeypatches_the_code_under_test_is_refused() {
    let test = "import billing\n\n\nclass TestTotal:\n    def test_total(self):\n        assert billing.total([1, 2, 3]) == 6\n";
    for (anchor, line) in [
        (
            "\n\nclass TestTotal:\n",
            "\n\nclass Helper:\n    setattr(billing, \"total\", lambda xs: 6)\n\n\nclass TestTotal:\n",
        ),
        (
            "\n\nclass TestTotal:\n",
            "\n\nclass Helper:\n    if True:\n        _ = setattr(billing, \"total\", lambda xs: 6)\n\n\nclass TestTotal:\n",
        ),
        (
            "class TestTotal:\n",
            "class TestTotal:\n    patched = setattr(billing, \"total\", lambda xs: 6)\n\n",
        ),
        // A method call on another name for the code under test.
        (
            "\n\nclass TestTotal:\n",
            "\n\nclass Helper:\n    alias = billing\n    alias.__dict__.update(total=len)\n\n\nclass TestTotal:\n",
        ),
        (
            "\n\nclass TestTotal:\n",
            "\n\nclass Helper:\n    alias = billing\n    alias.set_total(len)\n\n\nclass TestTotal:\n",
        ),
    ] {
        let l = billing_locked(test);
        l.edit("tests/billing/test_total.py", test, &[(anchor, line)]);
        l.assert_refused(
            "rebound",
            "python:tests/billing/test_total.py::TestTotal::test_total",
        );
    }
    // A class with a docstring, methods and plain attributes runs nothing of that kind.
    let l = billing_edited(
        test,
        "\n\nclass TestTotal:\n",
        "\n\nclass Helper:\n    \"\"\"Helps.\"\"\"\n\n    LIMIT = 6\n    ctx = ContextVar(\"ctx\", default=\"none\")\n    ctx.set(\"helper\")\n\n    def total(self):\n        return billing.total([6])\n\n\nclass TestTotal:\n",
    );
    l.assert_passes_checked();
}

/// What a definition runs when the module is imported (its decorators, defaults and bases):
/// another test's decorator that monkeypatches the code under test is refused; one that only
/// reads the cases, or a new test, is not.
#[test]
fn a_definition_that_monkeypatches_the_code_under_test_when_imported_is_refused() {
    let test = "import pytest\n\nimport billing\n\nCASES = [([1, 2, 3], 6)]\n\n\n@pytest.mark.parametrize(\"xs,total\", CASES)\ndef test_total(xs, total):\n    assert billing.total(xs) == total\n";
    let files = |t: &str| {
        vec![
            ("tests/billing/test_total.py".to_owned(), t.to_owned()),
            (
                "billing.py".to_owned(),
                "def total(xs):\n    return sum(xs)\n".to_owned(),
            ),
        ]
    };
    let locked = || {
        let f = files(test);
        let refs: Vec<(&str, &str)> = f.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
        super::locked(&refs)
    };
    for added in [
        "\n\n@pytest.mark.parametrize(\"x\", [setattr(billing, \"total\", lambda xs: 6)])\ndef test_other(x):\n    assert x is None\n",
        "\n\ndef helper(patched=setattr(billing, \"total\", lambda xs: 6)):\n    return patched\n",
        "\n\nclass Fake(type(setattr(billing, \"total\", lambda xs: 6))):\n    pass\n",
        "\n\nclass Helper:\n    @staticmethod\n    def make(x=billing.__dict__.update(total=len)):\n        return x\n",
    ] {
        let l = locked();
        l.edit(
            "tests/billing/test_total.py",
            test,
            &[(
                "    assert billing.total(xs) == total\n",
                &format!("    assert billing.total(xs) == total\n{added}"),
            )],
        );
        l.assert_refused("rebound", "python:tests/billing/test_total.py::test_total");
    }
    let l = locked();
    l.edit(
        "tests/billing/test_total.py",
        test,
        &[(
            "    assert billing.total(xs) == total\n",
            "    assert billing.total(xs) == total\n\n\n@pytest.mark.parametrize(\"xs,total\", CASES)\ndef test_twice(xs, total):\n    assert billing.total(xs + xs) == 2 * total\n",
        )],
    );
    l.assert_passes_checked();
}

/// A module-level assignment that empties the cases a test is parametrized with.
#[test]
fn a_module_level_assignment_that_changes_a_tests_cases_in_place_is_refused() {
    let test = "import pytest\n\nimport billing\n\nCASES = [([1, 2, 3], 6)]\n\n\n@pytest.mark.parametrize(\"xs,total\", CASES)\ndef test_total(xs, total):\n    assert billing.total(xs) == total\n";
    let l = billing_edited(
        test,
        "CASES = [([1, 2, 3], 6)]\n",
        "CASES = [([1, 2, 3], 6)]\n_ = CASES.clear()\n",
    );
    l.assert_refused("rebound", "python:tests/billing/test_total.py::test_total");
}

/// A module-level assignment whose calls reach nothing the test uses binds nothing it sees.
#[test]
fn a_module_level_assignment_whose_calls_reach_nothing_the_test_uses_is_accepted() {
    let test = "import sys\n\nimport billing\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6 < sys.maxsize\n";
    for line in [
        "WIN = sys.platform.startswith(\"win\")\n",
        "CASES = [(i, i * 2) for i in range(3)]\n",
        "fake_total = lambda xs: setattr(billing, \"total\", xs)\n",
        // Names only read on the way to a call, not handed to one.
        "NAMES = (billing.total([1]), {\"help\": None})\n",
        "slow = billing.mark(sys.platform == \"win32\", reason=\"slow\")\n",
        // Handed to a built-in that only reads it.
        "HAS_TOTAL = hasattr(billing, \"total\") and len(sys.argv) > 0\n",
    ] {
        let l = billing_edited(
            test,
            "import billing\n",
            &format!("import billing\n\n{line}"),
        );
        l.assert_passes_checked();
    }
}

/// A new helper annotated with a class of the code under test (`def echo(r: httpx.Request)
/// -> httpx.Response` in httpx's tests) only looks up an attribute of a module when the
/// test module is imported: nothing runs when that module, found in the repository, has no
/// `__getattr__` and keeps its module object. With a `__getattr__` that patches the code
/// under test (written in the same change), a subscript (`__class_getitem__`), an attribute
/// of an attribute, or the name bound again in the file, it is refused as before.
#[test]
fn a_new_helper_annotated_with_a_class_of_the_code_under_test_passes() {
    let test = "import billing\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";
    let billing = "class Bill:\n    pass\n\n\ndef total(xs):\n    return sum(xs)\n";
    let id = "python:tests/billing/test_total.py::test_total";
    let locked = || {
        super::locked(&[
            ("tests/billing/test_total.py", test),
            ("billing.py", billing),
        ])
    };
    for added in [
        "\n\ndef echo(bill: billing.Bill) -> billing.Bill:\n    return bill\n",
        "\n\nclass Fake:\n    bill: billing.Bill = None\n\n    def pay(self, bill: billing.Bill):\n        return bill\n",
    ] {
        let l = locked();
        l.edit(
            "tests/billing/test_total.py",
            test,
            &[("== 6\n", &format!("== 6\n{added}"))],
        );
        l.assert_passes_checked();
    }
    let patching = format!(
        "{billing}\n\ndef __getattr__(name):\n    global total\n    total = lambda xs: 6\n    return Bill\n"
    );
    for (added, module) in [
        (
            "\n\ndef echo(bill: billing.Missing) -> billing.Bill:\n    return bill\n",
            patching.as_str(),
        ),
        (
            "\n\ndef echo(bill: billing.Bill[int]):\n    return bill\n",
            billing,
        ),
        (
            "\n\ndef echo(bill: billing.Bill.Line):\n    return bill\n",
            billing,
        ),
        (
            "\n\nfrom tests import billing  # noqa: F811\n\n\ndef echo(bill: billing.Bill):\n    return bill\n",
            billing,
        ),
    ] {
        let l = locked();
        l.edit(
            "tests/billing/test_total.py",
            test,
            &[("== 6\n", &format!("== 6\n{added}"))],
        );
        l.repo.write("billing.py", module);
        l.assert_refused("rebound", id);
    }
}

#[test]
fn a_module_level_call_that_monkeypatches_the_code_under_test_is_refused() {
    let test = "import billing\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";
    let l = billing_edited(
        test,
        "import billing\n",
        "import billing\n\nsetattr(billing, \"total\", lambda xs: 6)\n",
    );
    l.assert_refused("rebound", "python:tests/billing/test_total.py::test_total");
}

// A helper the test calls that skips it (`pytest.skip`, `self.skipTest`) or ends the
// process (`os._exit(0)`) stops the test before its checks, as a skip in its own body does:
// refused. Removing such a skip from a helper runs more, and passes.
#[test]
fn a_helper_the_test_calls_that_skips_is_refused() {
    let test = "import billing\n\n\ndef amounts():\n    return [1, 2, 3]\n\n\n# gatekeeper:sacred\ndef test_total():\n    xs = amounts()\n    assert billing.total(xs) == 6\n";
    for to in [
        "    import pytest\n\n    pytest.skip(\"later\")\n    return [1, 2, 3]\n",
        "    import os\n\n    os._exit(0)\n",
    ] {
        let l = super::locked(&[
            ("tests/billing/test_total.py", test),
            ("billing.py", "def total(xs):\n    return sum(xs)\n"),
        ]);
        l.edit(
            "tests/billing/test_total.py",
            test,
            &[("    return [1, 2, 3]\n", to)],
        );
        l.assert_refused("rebound", "python:tests/billing/test_total.py::test_total");
    }
    let skipping = test.replace(
        "    return [1, 2, 3]\n",
        "    import sys\n\n    if sys.platform == \"win32\":\n        import pytest\n\n        pytest.skip(\"posix\")\n    return [1, 2, 3]\n",
    );
    let l = super::locked(&[
        ("tests/billing/test_total.py", skipping.as_str()),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ]);
    l.edit(
        "tests/billing/test_total.py",
        &skipping,
        &[(
            "    if sys.platform == \"win32\":\n        import pytest\n\n        pytest.skip(\"posix\")\n",
            "",
        )],
    );
    l.assert_passes_checked();
    // A skipping helper respelled as the test's own statements read alike (pyupgrade's
    // `set(x for x in y)` → `{x for x in y}`) passes.
    let spelled = test.replace(
        "    return [1, 2, 3]\n",
        "    import sys\n\n    if \"win32\" in set(p for p in [sys.platform]):\n        import pytest\n\n        pytest.skip(\"posix\")\n    return [1, 2, 3]\n",
    );
    let l = super::locked(&[
        ("tests/billing/test_total.py", spelled.as_str()),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ]);
    l.edit(
        "tests/billing/test_total.py",
        &spelled,
        &[(
            "set(p for p in [sys.platform])",
            "{p for p in [sys.platform]}",
        )],
    );
    l.assert_passes_checked();
    // Under a lock of an earlier reading, which did not record it, the base revision's
    // skipping helper passes when the test is touched.
    let l = super::locked(&[
        ("tests/billing/test_total.py", skipping.as_str()),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ]);
    l.commit_lock_of_an_earlier_reading("hook skips, ");
    l.edit(
        "tests/billing/test_total.py",
        &skipping,
        &[(
            "    xs = amounts()",
            "    # the amounts\n    xs = amounts()",
        )],
    );
    l.assert_passes_checked();
}

const PAY_FILE: &str = "tests/test_pay.py";
const PAY_ID: &str = "python:tests/test_pay.py::test_pay_then_refund";
const PAY: &str = r"from billing import pay, refund


# gatekeeper:sacred
def test_pay_then_refund():
    import billing
    import decimal
    r = pay(100)
    assert r.amount == 100
    r = refund(100)
    assert r.ok
";

refuses!(
    a_check_moved_past_a_locked_statement_is_refused,
    PAY_FILE,
    PAY,
    [(
        "    assert r.amount == 100\n    r = refund(100)\n",
        "    r = refund(100)\n    assert r.amount == 100\n"
    )],
    "body-changed",
    PAY_ID
);
refuses!(
    two_checks_traded_across_a_locked_statement_are_refused,
    PAY_FILE,
    PAY,
    [
        ("    assert r.amount == 100\n", "    assert r.ok\n"),
        (
            "    r = refund(100)\n    assert r.ok\n",
            "    r = refund(100)\n    assert r.amount == 100\n"
        )
    ],
    "body-changed",
    PAY_ID
);
harmless!(
    imports_sorted_inside_a_test_and_checks_added_between_pass,
    PAY_FILE,
    PAY,
    PAY_ID,
    [
        (
            "    import billing\n    import decimal\n",
            "    import decimal\n\n    import billing\n"
        ),
        (
            "    assert r.amount == 100\n",
            "    assert r.amount == 100\n    assert r.ok\n"
        )
    ]
);
refuses!(
    an_assertion_that_rebinds_inserted_before_a_locked_statement_is_refused,
    PAY_FILE,
    PAY,
    [(
        "    assert r.amount == 100\n",
        "    assert (r := pay(1)) is not None\n    assert r.amount == 100\n"
    )],
    "body-changed",
    PAY_ID
);
refuses!(
    an_assertion_that_sets_an_attribute_inserted_before_a_locked_statement_is_refused,
    PAY_FILE,
    PAY,
    [(
        "    assert r.amount == 100\n",
        "    assert setattr(r, \"amount\", 100) is None\n    assert r.amount == 100\n"
    )],
    "body-changed",
    PAY_ID
);
harmless!(
    an_assertion_that_only_reads_inserted_between_locked_statements_passes,
    PAY_FILE,
    PAY,
    PAY_ID,
    [(
        "    assert r.amount == 100\n",
        "    assert r.amount == 100\n    assert pay(5).amount == 5\n"
    )]
);
refuses!(
    a_test_turned_into_a_coroutine_is_refused,
    PAY_FILE,
    PAY,
    [(
        "def test_pay_then_refund():",
        "async def test_pay_then_refund():"
    )],
    "envelope-changed",
    PAY_ID
);
refuses!(
    a_test_turned_into_a_generator_by_an_appended_yield_is_refused,
    PAY_FILE,
    PAY,
    [(
        "    assert r.ok\n",
        "    assert r.ok\n    if False:\n        yield\n"
    )],
    "envelope-changed",
    PAY_ID
);
harmless!(
    a_yield_of_a_nested_function_passes,
    PAY_FILE,
    PAY,
    PAY_ID,
    [(
        "    assert r.ok\n",
        "    assert r.ok\n\n    def receipts():\n        yield r\n\n    assert list(receipts()) == [r]\n"
    )]
);
refuses!(
    a_process_exit_appended_after_every_check_is_refused,
    PAY_FILE,
    PAY,
    [
        ("from billing import", "import os\nfrom billing import"),
        (
            "    r = refund(100)\n    assert r.ok\n",
            "    r = refund(100)\n    assert r.ok\n    os._exit(0)\n"
        )
    ],
    "body-changed",
    PAY_ID
);
refuses!(
    an_assertion_that_empties_a_collection_inserted_before_a_locked_statement_is_refused,
    PAY_FILE,
    PAY,
    [(
        "    assert r.amount == 100\n",
        "    assert r.items.clear() is None\n    assert r.amount == 100\n"
    )],
    "body-changed",
    PAY_ID
);

const TABLE: &str = "from billing import refund\n\n\n# gatekeeper:sacred\ndef test_refunds():\n    cases = [(100, 100), (0, 0)]\n    for amount, want in cases:\n        got = refund(amount)\n        assert got == want\n";
const TABLE_ID: &str = "python:tests/test_table.py::test_refunds";
harmless!(
    a_case_added_to_a_table_the_test_loops_over_passes,
    "tests/test_table.py",
    TABLE,
    TABLE_ID,
    [("(0, 0)]", "(0, 0), (7, 7)]")]
);
refuses!(
    a_case_of_a_table_changed_is_refused,
    "tests/test_table.py",
    TABLE,
    [("(0, 0)]", "(7, 7)]")],
    "body-changed",
    TABLE_ID
);
const TABLE_BREAK: &str = "from billing import refund\n\n\n# gatekeeper:sacred\ndef test_refunds():\n    cases = [(100, 100), (0, 0)]\n    for amount, want in cases:\n        if amount == 7:\n            break\n        got = refund(amount)\n        assert got == want\n";
refuses!(
    a_case_added_to_a_table_whose_loop_can_break_is_refused,
    "tests/test_table.py",
    TABLE_BREAK,
    [("[(100, 100),", "[(7, 7), (100, 100),")],
    "body-changed",
    TABLE_ID
);

const TABLE_HELPER: &str = "import unittest\n\nfrom billing import refund\n\n\ndef check(amount, want):\n    if amount == 0:\n        raise unittest.SkipTest(\"n/a\")\n    assert refund(amount) == want\n\n\n# gatekeeper:sacred\nclass TestRefunds(unittest.TestCase):\n    def test_refunds(self):\n        cases = [(1, 1), (3, 3)]\n        for amount, want in cases:\n            check(amount, want)\n";
// A new first case that makes a helper skip would skip the whole test before the old ones.
refuses!(
    a_case_added_where_the_loop_calls_a_helper_that_skips_is_refused,
    "tests/test_table_helper.py",
    TABLE_HELPER,
    [("cases = [(1, 1),", "cases = [(0, 0), (1, 1),")],
    "body-changed",
    "python:tests/test_table_helper.py::TestRefunds::test_refunds"
);
harmless!(
    a_case_added_where_the_loop_calls_a_helper_that_only_asserts_passes,
    "tests/test_table_helper.py",
    &TABLE_HELPER.replace(
        "    if amount == 0:\n        raise unittest.SkipTest(\"n/a\")\n",
        ""
    ),
    "python:tests/test_table_helper.py::TestRefunds::test_refunds",
    [("cases = [(1, 1),", "cases = [(0, 0), (1, 1),")]
);

const SERVER_HELPER: &str = "import os\nimport unittest\n\nfrom billing import refund\n\n\nclass Server:\n    port = 1\n\n\n# gatekeeper:sacred\nclass TestRefunds(unittest.TestCase):\n    def start_server(self, family):\n        if family == 6 and \"TRAVIS\" in os.environ:\n            self.skipTest(\"port conflicts\")\n        self.server = Server()\n        return self.server.port\n\n    def test_refund(self):\n        port = self.start_server(6)\n        self.assertEqual(refund(port), 1)\n";
// A setup helper that keeps its own state on the test case (`self.server = …`) and loses a
// skip runs more: tornado's f525768 dropped `skipOnTravis` so.
harmless!(
    a_helper_keeping_its_state_on_the_case_that_loses_a_skip_passes,
    "tests/test_server.py",
    SERVER_HELPER,
    "python:tests/test_server.py::TestRefunds::test_refund",
    [(
        "        if family == 6 and \"TRAVIS\" in os.environ:\n            self.skipTest(\"port conflicts\")\n",
        ""
    )]
);
// The same helper replacing the case's assertion on the way is refused.
refuses!(
    a_helper_replacing_the_case_assertion_is_refused,
    "tests/test_server.py",
    SERVER_HELPER,
    [(
        "        self.server = Server()\n",
        "        self.server = Server()\n        self.assertEqual = lambda *a, **k: None\n"
    )],
    "rebound",
    "python:tests/test_server.py::TestRefunds::test_refund"
);

const RAISING_HELPER: &str = "import os\nimport unittest\n\nimport billing\nfrom billing import refund\n\n\nclass Server:\n    port = -1\n\n\n# gatekeeper:sacred\nclass TestRefunds(unittest.TestCase):\n    def start_server(self, family):\n        if family == 6 and \"TRAVIS\" in os.environ:\n            self.skipTest(\"port conflicts\")\n        self.server = Server()\n        return self.server.port\n\n    def connect(self, family):\n        refund(self.start_server(family))\n\n    def test_refund_fails(self):\n        self.assertRaises(ValueError, self.connect, 6)\n";
// The same helper reached through a callable an assertion is handed (tornado's
// `assertRaises(socket.error, self.do_test_connect, …)`, which reaches `start_server`): losing
// the guard runs the test in more places (tornado's f525768).
harmless!(
    a_helper_an_assertion_reaches_that_loses_a_skip_guard_passes,
    "tests/test_server.py",
    RAISING_HELPER,
    "python:tests/test_server.py::TestRefunds::test_refund_fails",
    [(
        "        if family == 6 and \"TRAVIS\" in os.environ:\n            self.skipTest(\"port conflicts\")\n",
        ""
    )]
);
// A guard whose condition calls something may set up what the test runs against on the way
// (`billing.strict()` may turn on the checks the broken code would fail): removing it is
// refused.
#[test]
fn a_helper_losing_a_skip_guard_that_calls_is_refused() {
    let base = RAISING_HELPER.replace("if family == 6 and", "if not billing.strict() and");
    let l = super::locked(&[("tests/test_server.py", base.as_str())]);
    l.edit(
        "tests/test_server.py",
        &base,
        &[(
            "        if not billing.strict() and \"TRAVIS\" in os.environ:\n            self.skipTest(\"port conflicts\")\n",
            "",
        )],
    );
    l.assert_refused(
        "rebound",
        "python:tests/test_server.py::TestRefunds::test_refund_fails",
    );
}

/// Found by an attack round, each confirmed with pytest (a broken `total` passed): an
/// imported check helper wrapped by a decorator that now swallows `AssertionError` (the
/// decorator in the helper's module or imported there), a helper the module exports under
/// an alias (`check_total = _check_total`), and one a package's `__init__.py` re-exports
/// (`from .checks import check_total`). Each is refused; a comment in the same places
/// passes.
#[test]
fn imported_helpers_through_a_decorator_an_alias_or_a_reexport_are_locked() {
    const TEST: &str =
        "from tests.helpers import check_total\n\n\ndef test_total():\n    check_total(6)\n";
    const SWALLOW: &str = "def traced(f):\n    def w(*a, **k):\n        try:\n            return f(*a, **k)\n        except AssertionError:\n            return None\n\n    return w\n";
    let cases: [super::HelperEdit<'_>; 6] = [
        (
            &[(
                "tests/helpers.py",
                "def traced(f):\n    return f\n\n\n@traced\ndef check_total(x):\n    assert x == 6\n",
            )],
            "tests/helpers.py",
            "def traced(f):\n    return f\n",
            SWALLOW,
        ),
        (
            &[
                ("tests/deco.py", "def traced(f):\n    return f\n"),
                (
                    "tests/helpers.py",
                    "from tests.deco import traced\n\n\n@traced\ndef check_total(x):\n    assert x == 6\n",
                ),
            ],
            "tests/deco.py",
            "def traced(f):\n    return f\n",
            SWALLOW,
        ),
        (
            &[(
                "tests/helpers.py",
                "def _check_total(x):\n    assert x == 6\n\n\ncheck_total = _check_total\n",
            )],
            "tests/helpers.py",
            "    assert x == 6\n",
            "    assert x >= 6\n",
        ),
        (
            &[
                (
                    "tests/helpers/__init__.py",
                    "from .checks import check_total\n",
                ),
                (
                    "tests/helpers/checks.py",
                    "def check_total(x):\n    assert x == 6\n",
                ),
            ],
            "tests/helpers/checks.py",
            "    assert x == 6\n",
            "    assert x >= 6\n",
        ),
        (
            &[
                (
                    "tests/deco.py",
                    "class Tracer:\n    def __call__(self, f):\n        return f\n\n\ntraced = Tracer()\n",
                ),
                (
                    "tests/helpers.py",
                    "from tests.deco import traced\n\n\n@traced\ndef check_total(x):\n    assert x == 6\n",
                ),
            ],
            "tests/deco.py",
            "        return f\n",
            "        def w(*a, **k):\n            try:\n                return f(*a, **k)\n            except AssertionError:\n                return None\n\n        return w\n",
        ),
        (
            &[
                ("tests/helpers/__init__.py", "from .checks import *\n"),
                (
                    "tests/helpers/checks.py",
                    "def check_total(x):\n    assert x == 6\n",
                ),
            ],
            "tests/helpers/checks.py",
            "    assert x == 6\n",
            "    assert x >= 6\n",
        ),
    ];
    super::assert_helper_edits_refused(
        &[("tests/billing/test_total.py", TEST)],
        &cases,
        IMPORTED_ID,
        "# checked",
    );
}

/// An imported check helper's default read from a module constant (`def check_total(x,
/// tol=TOL)`, found by an attack round and confirmed with pytest): the constant is locked
/// with the test (`defined TOL (in tests/helpers.py): …`); a constant it does not read may
/// change.
#[test]
fn a_module_value_an_imported_helper_reads_is_locked() {
    const TEST: &str =
        "from tests.helpers import check_total\n\n\ndef test_total():\n    check_total(6)\n";
    const HELPERS: &str = "TOL = 0\nOTHER = 1\n\n\ndef check_total(x, want=6, tol=TOL):\n    assert abs(x - want) <= tol\n";
    let files = [
        ("tests/billing/test_total.py", TEST),
        ("tests/helpers.py", HELPERS),
    ];
    let l = super::locked(&files);
    l.edit("tests/helpers.py", HELPERS, &[("TOL = 0", "TOL = 1")]);
    l.assert_refused("rebound", IMPORTED_ID);
    let l = super::locked(&files);
    l.edit("tests/helpers.py", HELPERS, &[("OTHER = 1", "OTHER = 2")]);
    l.assert_passes();
}

/// A check helper the test reaches through a value of a module of the tests (`CHECKS =
/// {"total": _total}`, then `CHECKS["total"](x)`) or through `getattr(helpers,
/// "check_total")`: found by an attack round, confirmed with pytest. Both are locked.
#[test]
fn imported_helpers_reached_through_a_value_or_getattr_are_locked() {
    for (test, helpers, helper) in [
        (
            "from tests.helpers import CHECKS\n\n\ndef test_total():\n    CHECKS[\"total\"](6)\n",
            "def _total(x):\n    assert x == 6\n\n\nCHECKS = {\"total\": _total}\n",
            "    assert x == 6\n",
        ),
        (
            "from tests import helpers\n\n\ndef test_total():\n    getattr(helpers, \"check_total\")(6)\n",
            "def check_total(x):\n    assert x == 6\n",
            "    assert x == 6\n",
        ),
    ] {
        let files = [
            ("tests/billing/test_total.py", test),
            ("tests/helpers.py", helpers),
            ("tests/__init__.py", ""),
        ];
        let l = super::locked(&files);
        l.edit(
            "tests/helpers.py",
            helpers,
            &[(helper, "    assert x >= 6\n")],
        );
        l.assert_refused("rebound", IMPORTED_ID);
    }
}

// The same in a helper the test calls (httpx's `2318fd8`: a transport that consumes the
// request's stream).
const DRAINED: &str = "from transports import Mock, chunks\n\n\nclass Draining(Mock):\n    def handle(self, request):\n        [_ for _ in request.stream]\n        return self.reply(request)\n\n\n# gatekeeper:sacred\ndef test_drained():\n    assert Draining().handle(chunks(3)) == 3\n";
const DRAINED_ID: &str = "python:tests/test_drained.py::test_drained";
harmless!(
    a_comprehension_respelled_as_the_list_call_in_a_helper_passes,
    "tests/test_drained.py",
    DRAINED,
    DRAINED_ID,
    [("[_ for _ in request.stream]", "list(request.stream)")]
);
refuses!(
    a_comprehension_respelled_as_a_list_of_something_else_in_a_helper_is_refused,
    "tests/test_drained.py",
    DRAINED,
    [("[_ for _ in request.stream]", "list(request.body)")],
    "rebound",
    DRAINED_ID
);
refuses!(
    a_helper_comprehension_respelled_where_the_file_binds_list_is_refused,
    "tests/test_drained.py",
    DRAINED,
    [
        (
            "from transports import Mock, chunks\n",
            "from transports import Mock, chunks, list\n"
        ),
        ("[_ for _ in request.stream]", "list(request.stream)")
    ],
    "rebound",
    DRAINED_ID
);

// ruff's C416: a comprehension that only copies what it iterates is the `list` call.
const CHUNKS_FILE: &str = "tests/test_chunks.py";
const CHUNKS_ID: &str = "python:tests/test_chunks.py::test_chunks_are_exact";
const CHUNKS: &str = r#"import pytest


# gatekeeper:sacred
def test_chunks_are_exact():
    parts = [part for part in chunks(b"Hello, world!", 5)]
    assert parts == [b"Hello", b", wor", b"ld!"]
    assert [c for c in chunks(b"", 5)] == []
"#;
const CHUNKS_LISTED: [(&str, &str); 2] = [
    (
        "[part for part in chunks(b\"Hello, world!\", 5)]",
        "list(chunks(b\"Hello, world!\", 5))",
    ),
    ("[c for c in chunks(b\"\", 5)]", "list(chunks(b\"\", 5))"),
];

harmless!(
    a_comprehension_respelled_as_the_list_call_passes,
    CHUNKS_FILE,
    CHUNKS,
    CHUNKS_ID,
    [
        (
            "[part for part in chunks(b\"Hello, world!\", 5)]",
            "list(chunks(b\"Hello, world!\", 5))"
        ),
        ("[c for c in chunks(b\"\", 5)]", "list(chunks(b\"\", 5))")
    ]
);
refuses!(
    a_comprehension_respelled_as_a_list_of_another_chunking_is_refused,
    CHUNKS_FILE,
    CHUNKS,
    [(
        "[part for part in chunks(b\"Hello, world!\", 5)]",
        "list(chunks(b\"Hello, world!\", 7))"
    )],
    "body-changed",
    CHUNKS_ID
);
refuses!(
    a_comprehension_respelled_where_the_file_binds_list_is_refused,
    CHUNKS_FILE,
    CHUNKS,
    [
        ("import pytest\n", "import pytest\n\nlist = tuple\n"),
        (
            "[part for part in chunks(b\"Hello, world!\", 5)]",
            "list(chunks(b\"Hello, world!\", 5))"
        )
    ],
    "body-changed",
    CHUNKS_ID
);

/// The lock the previous gatekeeper wrote for `CHUNKS`: the comprehensions as written.
const CHUNKS_PREVIOUS_LOCK: &str = r#"# gatekeeper sacred lock v1
# Written by `gatekeeper sacred lock`; do not edit by hand. In CI, a change to this file is
# accepted only in a commit signed by a key in .gatekeeper/allowed_signers.

test python:tests/test_chunks.py::test_chunks_are_exact
  file tests/test_chunks.py
  structure 4818606c400f199031049b459a8990e0e91c01bd2f88fabdb35394c1fea2d9ac
  body 876da87f4a0c6006ac84ac38994e8d296b5aaa494b391e2607994e8f98c05bb4
  envelope e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  assertions 2
  returns 0
  skips 0
  swallows 0
  assert [] assert _l1==[b"Hello",b", wor",b"ld!"]
  assert [] assert[c for c in chunks(b"",5)]==[]
  statements d1f5cf98f4ee b2c7c08a833e b2c7c08a833e
  bindings 1
  binding def test_chunks_are_exact
  envelope-bindings 2
  envelope-binding hook imports resolve: pytest=
  envelope-binding hook path head (in tests/): none
  helpers 0
  hooks 2
  hooks-read 15
"#;

/// A lock from before comprehensions read as the `list` call still matches the test as
/// written, and respelled from the locked revision, and still refuses another chunking.
#[test]
fn a_lock_from_before_comprehensions_read_as_list_still_matches_them() {
    let older = || {
        let l = super::locked(&[(CHUNKS_FILE, CHUNKS)]);
        l.commit_lock(CHUNKS_PREVIOUS_LOCK);
        l
    };
    let l = older();
    l.edit(
        CHUNKS_FILE,
        CHUNKS,
        &[("    assert [c for", "    assert parts\n    assert [c for")],
    );
    l.assert_passes_checked();
    let l = older();
    l.edit(CHUNKS_FILE, CHUNKS, &CHUNKS_LISTED);
    l.assert_passes_checked();
    let l = older();
    l.edit(
        CHUNKS_FILE,
        CHUNKS,
        &[("chunks(b\"\", 5)]", "chunks(b\"\", 6)]")],
    );
    l.assert_refused("assertion-changed", CHUNKS_ID);
}

// ruff's and black's respellings of a string literal: an implicit concatenation joined, a hex
// escape in lower case, another quote style with its escapes, a raw string. The same values.
const STRINGS: &str = "from frames import frame, parse\n\n\n# gatekeeper:sacred\ndef test_frames():\n    data = b\"\\x1A\\x00\" b\"\\xFF\"\n    assert frame(data) == (\n        \"a frame of three bytes, \"\n        \"the first \\x1A\"\n    )\n    assert parse(r\"\\d+\") == 'say \"hi\"'\n";
const STRINGS_ID: &str = "python:tests/test_frames.py::test_frames";
harmless!(
    string_literals_respelled_with_the_same_value_pass,
    "tests/test_frames.py",
    STRINGS,
    STRINGS_ID,
    [
        ("b\"\\x1A\\x00\" b\"\\xFF\"", "b\"\\x1a\\x00\\xff\""),
        (
            "(\n        \"a frame of three bytes, \"\n        \"the first \\x1A\"\n    )",
            "\"a frame of three bytes, the first \\x1a\""
        ),
        (
            "r\"\\d+\") == 'say \"hi\"'",
            "\"\\\\d+\") == \"say \\\"hi\\\"\""
        ),
    ]
);
refuses!(
    a_joined_string_of_another_value_is_refused,
    "tests/test_frames.py",
    STRINGS,
    [(
        "(\n        \"a frame of three bytes, \"\n        \"the first \\x1A\"\n    )",
        "\"a frame of three bytes, the first \\x1b\""
    )],
    "assertion-changed",
    STRINGS_ID
);
// `"\1" "2"` is two characters; `"\12"`, their texts joined, is one (an octal escape of two
// digits); `"\0012"` is the same two.
const OCTAL: &str = "from frames import frame


# gatekeeper:sacred
def test_octal():
    assert frame(\"\\1\" \"2\") == 2
";
refuses!(
    parts_joined_into_another_escape_are_refused,
    "tests/test_octal.py",
    OCTAL,
    [("\"\\1\" \"2\"", "\"\\12\"")],
    "assertion-changed",
    "python:tests/test_octal.py::test_octal"
);
harmless!(
    parts_joined_into_the_same_escapes_pass,
    "tests/test_octal.py",
    OCTAL,
    "python:tests/test_octal.py::test_octal",
    [("\"\\1\" \"2\"", "\"\\0012\"")]
);
