//! JavaScript and TypeScript (Jest/Vitest/Mocha/node:test style): weakening rules and
//! harmless edits.

const FILE: &str = "tests/refunds.test.ts";
const ID: &str = "ts:tests/refunds.test.ts::refunds::is exact";
const TITLED: &str = "ts:tests/refunds.test.ts::refunds::[sacred] rejects negatives";

const BASE: &str = r#"import { refund } from "../src/refund";

describe("refunds", () => {
  // gatekeeper:sacred
  it("is exact", () => {
    const total = refund(100);
    expect(total).toStrictEqual({ cents: 100 });
    expect(total.cents).toBe(100);
  });

  it("[sacred] rejects negatives", async () => {
    await expect(refund(-1)).rejects.toThrow(InsufficientFunds);
  });

  it("formats", () => {
    expect(format(1)).toBe("1.00");
  });
});
"#;

refuses!(
    skip_is_refused,
    FILE,
    BASE,
    [("it(\"is exact\"", "it.skip(\"is exact\"")],
    "skipped",
    ID
);
refuses!(
    xit_is_refused,
    FILE,
    BASE,
    [("it(\"is exact\"", "xit(\"is exact\"")],
    "skipped",
    ID
);
refuses!(
    skipping_the_suite_is_refused,
    FILE,
    BASE,
    [("describe(\"refunds\"", "describe.skip(\"refunds\"")],
    "skipped",
    ID
);
refuses!(
    only_on_a_sibling_is_refused,
    FILE,
    BASE,
    [("it(\"formats\"", "it.only(\"formats\"")],
    "only-sibling",
    ID
);
refuses!(
    removing_the_test_is_refused,
    FILE,
    BASE,
    [(
        "  // gatekeeper:sacred\n  it(\"is exact\", () => {\n    const total = refund(100);\n    expect(total).toStrictEqual({ cents: 100 });\n    expect(total.cents).toBe(100);\n  });\n",
        ""
    )],
    "removed",
    ID
);
// A rename that keeps every check is followed (it used to need a re-lock); a rename that
// also drops a check is refused.
moves!(
    renaming_the_test_keeping_every_check_is_followed,
    FILE,
    BASE,
    [("it(\"is exact\"", "it(\"is roughly right\"")],
    ID,
    "ts:tests/refunds.test.ts::refunds::is roughly right"
);
refuses!(
    renaming_the_test_and_dropping_a_check_is_refused,
    FILE,
    BASE,
    [
        ("it(\"is exact\"", "it(\"is roughly right\""),
        ("    expect(total.cents).toBe(100);\n", "")
    ],
    "removed",
    ID
);
refuses!(
    removing_the_title_tag_is_refused,
    FILE,
    BASE,
    [(
        "it(\"[sacred] rejects negatives\"",
        "it(\"rejects negatives\""
    )],
    "renamed",
    TITLED
);
refuses!(
    to_strict_equal_to_to_be_defined_is_loosened,
    FILE,
    BASE,
    [("toStrictEqual({ cents: 100 })", "toBeDefined()")],
    "assertion-loosened",
    ID
);
refuses!(
    widening_the_expected_error_is_loosened,
    FILE,
    BASE,
    [("toThrow(InsufficientFunds)", "toThrow()")],
    "assertion-loosened",
    TITLED
);
refuses!(
    changing_the_expected_literal_is_refused,
    FILE,
    BASE,
    [("toBe(100)", "toBe(90)")],
    "expected-changed",
    ID
);
refuses!(
    removing_an_assertion_is_refused,
    FILE,
    BASE,
    [("    expect(total.cents).toBe(100);\n", "")],
    "assertion-removed",
    ID
);
refuses!(
    an_early_return_is_refused,
    FILE,
    BASE,
    [(
        "    const total = refund(100);\n",
        "    const total = refund(100);\n    if (total) return;\n"
    )],
    "early-return",
    ID
);
refuses!(
    try_catch_is_a_swallowed_failure,
    FILE,
    BASE,
    [(
        "    expect(total.cents).toBe(100);\n",
        "    try {\n      expect(total.cents).toBe(100);\n    } catch (e) {}\n"
    )],
    "swallowed-failure",
    ID
);

passes!(
    reformatting_passes,
    FILE,
    BASE,
    [(
        "expect(total).toStrictEqual({ cents: 100 });",
        "expect(total)\n      .toStrictEqual({ cents: 100, })"
    )]
);
passes!(
    adding_an_assertion_passes,
    FILE,
    BASE,
    [(
        "    expect(total.cents).toBe(100);\n",
        "    expect(total.cents).toBe(100);\n    expect(total.currency).toBe(\"EUR\");\n"
    )]
);
passes!(
    weakening_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    [(
        "expect(format(1)).toBe(\"1.00\")",
        "expect(format(1)).toBeDefined()"
    )]
);

const JS_FILE: &str = "test/refund.test.js";
const JS_BASE: &str = "const assert = require('node:assert');\nconst { test } = require('node:test');\n\n// gatekeeper:sacred\ntest('refund is exact', () => {\n  assert.strictEqual(refund(100), 100);\n});\n";

refuses!(
    js_strict_equal_to_ok_is_loosened,
    JS_FILE,
    JS_BASE,
    [(
        "assert.strictEqual(refund(100), 100)",
        "assert.ok(refund(100))"
    )],
    "assertion-loosened",
    "js:test/refund.test.js::refund is exact"
);
refuses!(
    js_skip_option_is_refused,
    JS_FILE,
    JS_BASE,
    [(
        "test('refund is exact', () => {",
        "test('refund is exact', { skip: true }, () => {"
    )],
    "skipped",
    "js:test/refund.test.js::refund is exact"
);
passes!(
    js_reformatting_passes,
    JS_FILE,
    JS_BASE,
    [(
        "assert.strictEqual(refund(100), 100);",
        "assert.strictEqual(\n    refund(100),\n    100\n  )"
    )]
);

const JS_FAIL: &str = "const assert = require('node:assert');\nconst { test } = require('node:test');\n\n// gatekeeper:sacred\ntest('refund is exact', () => {\n  if (refund(100) !== 100) {\n    assert.fail('refund ' + refund(100));\n  }\n});\n";
passes!(
    js_only_the_message_of_a_fail_changed_passes,
    JS_FILE,
    JS_FAIL,
    [(
        "assert.fail('refund ' + refund(100))",
        "assert.fail(`refund was ${refund(100)}`)"
    )]
);
refuses!(
    js_a_fail_made_unreachable_is_refused,
    JS_FILE,
    JS_FAIL,
    [(
        "if (refund(100) !== 100)",
        "if (refund(100) !== 100 && false)"
    )],
    "body-changed",
    "js:test/refund.test.js::refund is exact"
);

refuses!(
    registering_the_test_inside_an_if_is_refused,
    FILE,
    BASE,
    [(
        "  // gatekeeper:sacred\n  it(\"is exact\"",
        "  // gatekeeper:sacred\n  if (process.env.NEVER) it(\"is exact\""
    ),],
    "envelope-changed",
    ID
);
refuses!(
    a_disabled_copy_cannot_hide_a_weakened_test,
    FILE,
    BASE,
    [(
        "  it(\"formats\"",
        "  if (false) {\n    it(\"is exact\", () => {\n      const total = refund(100);\n      expect(total).toStrictEqual({ cents: 100 });\n      expect(total.cents).toBe(100);\n    });\n  }\n  it(\"formats\""
    )],
    "duplicate-id",
    ID
);

passes!(
    parentheses_dropped_by_a_formatter_pass,
    FILE,
    BASE,
    [
        (
            "expect(total.cents).toBe(100);",
            "expect((total.cents)).toBe((100));"
        ),
        ("const total = refund(100);", "const total = (refund(100));"),
    ]
);

// ---- Test matrix: JavaScript (a `.js` Mocha/Jest suite) ----

const JS_SUITE_FILE: &str = "test/ledger.test.js";
const JS_ID: &str = "js:test/ledger.test.js::ledger::balances";

const JS_SUITE: &str = r#"const assert = require("node:assert");
const { balance, format } = require("../src/ledger");

describe("ledger", function () {
  // gatekeeper:sacred
  it("balances", function () {
    const total = balance(100);
    assert.strictEqual(total, 100);
    expect(total).toBe(100);
    expect(() => balance(-1)).toThrow(InsufficientFunds);
  });

  it("formats", function () {
    expect(format(1)).toBe("1.00");
  });
});
"#;

const JS_SACRED_TEST: &str = "  // gatekeeper:sacred\n  it(\"balances\", function () {\n    const total = balance(100);\n    assert.strictEqual(total, 100);\n    expect(total).toBe(100);\n    expect(() => balance(-1)).toThrow(InsufficientFunds);\n  });\n";
const JS_SIBLING: &str =
    "\n  it(\"formats\", function () {\n    expect(format(1)).toBe(\"1.00\");\n  });\n";

refuses!(
    js_removing_the_test_is_refused,
    JS_SUITE_FILE,
    JS_SUITE,
    [(JS_SACRED_TEST, "")],
    "removed",
    JS_ID
);
moves!(
    js_retitling_the_test_is_followed,
    JS_SUITE_FILE,
    JS_SUITE,
    [("it(\"balances\"", "it(\"roughly balances\"")],
    JS_ID,
    "js:test/ledger.test.js::ledger::roughly balances"
);
refuses!(
    js_unknown_callee_is_renamed_out_of_collection,
    JS_SUITE_FILE,
    JS_SUITE,
    [("it(\"balances\"", "scenario(\"balances\"")],
    "renamed-out-of-collection",
    JS_ID
);
refuses!(
    js_removing_the_tag_is_untagged,
    JS_SUITE_FILE,
    JS_SUITE,
    [("  // gatekeeper:sacred\n", "")],
    "untagged",
    JS_ID
);
refuses!(
    js_it_concurrent_is_envelope_changed,
    JS_SUITE_FILE,
    JS_SUITE,
    [("it(\"balances\"", "it.concurrent(\"balances\"")],
    "envelope-changed",
    JS_ID
);
refuses!(
    js_removing_every_assertion_is_emptied,
    JS_SUITE_FILE,
    JS_SUITE,
    [(
        "    assert.strictEqual(total, 100);\n    expect(total).toBe(100);\n    expect(() => balance(-1)).toThrow(InsufficientFunds);\n",
        ""
    )],
    "emptied",
    JS_ID
);
refuses!(
    js_removing_an_assertion_is_refused,
    JS_SUITE_FILE,
    JS_SUITE,
    [("    expect(total).toBe(100);\n", "")],
    "assertion-removed",
    JS_ID
);
refuses!(
    js_commenting_out_an_assertion_is_refused,
    JS_SUITE_FILE,
    JS_SUITE,
    [(
        "    assert.strictEqual(total, 100);",
        "    // assert.strictEqual(total, 100);"
    )],
    "assertion-commented-out",
    JS_ID
);
refuses!(
    js_changing_the_expected_literal_is_refused,
    JS_SUITE_FILE,
    JS_SUITE,
    [(
        "assert.strictEqual(total, 100)",
        "assert.strictEqual(total, 90)"
    )],
    "expected-changed",
    JS_ID
);
refuses!(
    js_strict_equal_to_deep_strict_equal_in_place_is_assertion_changed,
    JS_SUITE_FILE,
    JS_SUITE,
    [(
        "assert.strictEqual(total, 100)",
        "assert.deepStrictEqual(total, 100)"
    )],
    "assertion-changed",
    JS_ID
);
refuses!(
    js_moving_an_assertion_under_an_if_is_refused,
    JS_SUITE_FILE,
    JS_SUITE,
    [(
        "    expect(total).toBe(100);\n",
        "    if (total) {\n      expect(total).toBe(100);\n    }\n"
    )],
    "assertion-moved",
    JS_ID
);
refuses!(
    js_an_early_return_is_refused,
    JS_SUITE_FILE,
    JS_SUITE,
    [(
        "    const total = balance(100);\n",
        "    const total = balance(100);\n    if (!total) return;\n"
    )],
    "early-return",
    JS_ID
);
refuses!(
    js_a_promise_catch_is_a_swallowed_failure,
    JS_SUITE_FILE,
    JS_SUITE,
    [(
        "    expect(total).toBe(100);\n",
        "    Promise.resolve().then(() => expect(total).toBe(100)).catch(() => {});\n"
    )],
    "swallowed-failure",
    JS_ID
);
refuses!(
    js_changing_a_statement_is_body_changed,
    JS_SUITE_FILE,
    JS_SUITE,
    [(
        "const total = balance(100);",
        "const total = balance(0) + 100;"
    )],
    "body-changed",
    JS_ID
);
refuses!(
    js_fit_on_a_sibling_is_only_sibling,
    JS_SUITE_FILE,
    JS_SUITE,
    [("it(\"formats\"", "fit(\"formats\"")],
    "only-sibling",
    JS_ID
);
refuses!(
    js_a_parse_error_inside_the_test_is_refused,
    JS_SUITE_FILE,
    JS_SUITE,
    [("const total = balance(100);", "const total = balance(100;")],
    "parse-error",
    JS_ID
);
refuses!(
    js_a_second_test_with_the_same_title_is_a_duplicate_id,
    JS_SUITE_FILE,
    JS_SUITE,
    [(
        JS_SIBLING,
        "\n  it(\"balances\", function () {\n    assert.ok(true);\n  });\n"
    )],
    "duplicate-id",
    JS_ID
);

// ---- Harmless JavaScript edits: each must pass both checks, which compare the test ----

harmless!(
    js_a_comment_inside_the_test_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "    expect(total).toBe(100);\n",
        "    // Refunds are exact.\n    expect(total).toBe(100);\n"
    )]
);
harmless!(
    js_a_block_comment_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "assert.strictEqual(total, 100);",
        "assert.strictEqual(total, /* cents */ 100);"
    )]
);
harmless!(
    js_a_comment_above_the_tag_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "  // gatekeeper:sacred\n",
        "  // Owned by the billing team.\n  // gatekeeper:sacred\n"
    )]
);
harmless!(
    js_blank_lines_and_indentation_pass,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "    const total = balance(100);\n    assert.strictEqual(total, 100);\n",
        "\n\tconst total = balance(100);\n\n        assert.strictEqual(total, 100);\n"
    )]
);
harmless!(
    js_dropping_semicolons_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [
        ("const total = balance(100);", "const total = balance(100)"),
        ("expect(total).toBe(100);", "expect(total).toBe(100)"),
    ]
);
harmless!(
    js_trailing_commas_pass,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "assert.strictEqual(total, 100);",
        "assert.strictEqual(\n      total,\n      100,\n    );"
    )]
);
harmless!(
    js_adding_an_assertion_at_the_end_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "    expect(() => balance(-1)).toThrow(InsufficientFunds);\n",
        "    expect(() => balance(-1)).toThrow(InsufficientFunds);\n    assert.ok(total > 0);\n"
    )]
);
harmless!(
    js_adding_an_assertion_before_the_locked_statements_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "    const total = balance(100);\n",
        "    assert.strictEqual(balance(0), 0);\n    const total = balance(100);\n"
    )]
);
harmless!(
    js_adding_a_guarded_assertion_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "    expect(total).toBe(100);\n",
        "    expect(total).toBe(100);\n    if (typeof total === \"object\") {\n      expect(total).toEqual(100);\n    }\n"
    )]
);
harmless!(
    js_appending_a_statement_after_the_locked_ones_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "    expect(() => balance(-1)).toThrow(InsufficientFunds);\n",
        "    expect(() => balance(-1)).toThrow(InsufficientFunds);\n    console.log(total);\n"
    )]
);
harmless!(
    js_adding_a_sacred_test_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        JS_SIBLING,
        "\n  // gatekeeper:sacred\n  it(\"never goes negative\", function () {\n    assert.strictEqual(balance(0), 0);\n  });\n"
    )]
);
harmless!(
    js_adding_a_test_that_is_not_sacred_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        JS_SIBLING,
        "\n  it(\"formats zero\", function () {\n    expect(format(0)).toBe(\"0.00\");\n  });\n"
    )]
);
harmless!(
    js_deleting_a_test_that_is_not_sacred_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(JS_SIBLING, "")]
);
harmless!(
    js_skipping_a_test_that_is_not_sacred_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [("it(\"formats\"", "xit(\"formats\"")]
);
harmless!(
    js_moving_the_test_below_its_sibling_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [
        (JS_SACRED_TEST, ""),
        (
            "    expect(format(1)).toBe(\"1.00\");\n  });\n",
            "    expect(format(1)).toBe(\"1.00\");\n  });\n\n  // gatekeeper:sacred\n  it(\"balances\", function () {\n    const total = balance(100);\n    assert.strictEqual(total, 100);\n    expect(total).toBe(100);\n    expect(() => balance(-1)).toThrow(InsufficientFunds);\n  });\n"
        ),
    ]
);
harmless!(
    js_adding_a_require_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "const assert = require(\"node:assert\");\n",
        "const assert = require(\"node:assert\");\nconst path = require(\"node:path\");\n"
    )]
);
harmless!(
    js_adding_a_helper_function_passes,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "describe(\"ledger\", function () {\n",
        "function cents(n) {\n  return n * 100;\n}\n\ndescribe(\"ledger\", function () {\n"
    )]
);
harmless!(
    js_redundant_parentheses_pass,
    JS_SUITE_FILE,
    JS_SUITE,
    JS_ID,
    [(
        "const total = balance(100);",
        "const total = (balance(100));"
    )]
);

const OVERWRITE: &str =
    "// gatekeeper:sacred\ntest('six', () => {\n  let t = compute();\n  expect(t).toBe(6);\n});\n";

refuses!(
    js_assigning_just_before_the_assertion_is_refused,
    "tests/six.test.js",
    OVERWRITE,
    [("  expect(t).toBe(6);\n", "  t = 6;\n  expect(t).toBe(6);\n")],
    "body-changed",
    "js:tests/six.test.js::six"
);
harmless!(
    js_appending_after_the_last_assertion_passes,
    "tests/six.test.js",
    OVERWRITE,
    "js:tests/six.test.js::six",
    [(
        "  expect(t).toBe(6);\n",
        "  expect(t).toBe(6);\n  const u = compute();\n  expect(u).toBe(6);\n"
    )]
);

const WRAPPED: &str = "import { defaultBrowsersTest } from './fixtures';\n\ndefaultBrowsersTest('checkout charges once', async ({ page }) => {\n  const total = await charge(page);\n  expect(total).toBe(100);\n});\n";

/// Tests registered through the project's own wrapper are invisible until the wrapper is
/// named in `sacred.test_functions`; until then `sacred list` warns about the empty path.
#[test]
fn js_wrapper_registered_tests_need_test_functions() {
    let sandbox = crate::common::Sandbox::new();
    let repo = sandbox.repo("r");
    repo.write("tests/billing/checkout.spec.js", WRAPPED);
    repo.write("gatekeeper.yml", super::CONFIG);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "tests"]);
    let out = repo.gk(&["sacred", "list"]);
    crate::common::assert_success(&out, "list");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sacred.paths entry `tests/billing/**` holds no test gatekeeper can see"),
        "{}",
        crate::common::text(&out)
    );
    let json = repo.gk(&["--format", "json", "sacred", "list"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["empty_paths"][0], "tests/billing/**", "{v}");
    assert_eq!(v["tests"].as_array().map(Vec::len), Some(0), "{v}");

    repo.write(
        "gatekeeper.yml",
        "sacred:\n  paths: [\"tests/billing/**\"]\n  test_functions: [defaultBrowsersTest]\n",
    );
    let json = repo.gk(&["--format", "json", "sacred", "list"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(
        v["tests"][0]["id"], "js:tests/billing/checkout.spec.js::checkout charges once",
        "{v}"
    );
    assert_eq!(v["tests"][0]["assertions"], 1, "{v}");
    assert_eq!(v["empty_paths"].as_array().map(Vec::len), Some(0), "{v}");
}

const WRAPPED_CONFIG: &str =
    "sacred:\n  paths: [\"tests/billing/**\"]\n  test_functions: [defaultBrowsersTest]\n";

/// Once the wrapper is known, weakening a test it registers is refused like any other.
#[test]
fn js_weakening_a_wrapper_registered_test_is_refused() {
    let sandbox = crate::common::Sandbox::new();
    let repo = sandbox.repo("r");
    repo.write("tests/billing/checkout.spec.js", WRAPPED);
    repo.write("gatekeeper.yml", WRAPPED_CONFIG);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "tests"]);
    crate::common::assert_success(&repo.gk(&["sacred", "lock"]), "lock");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "lock"]);
    repo.write(
        "tests/billing/checkout.spec.js",
        WRAPPED.replace(
            "defaultBrowsersTest('checkout",
            "defaultBrowsersTest.skip('checkout",
        ),
    );
    repo.git(&["add", "-A"]);
    let out = repo.gk(&["sacred", "check", "--staged"]);
    crate::common::assert_code(&out, 1, "check");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines()
            .any(|l| l
                == "refused: js:tests/billing/checkout.spec.js::checkout charges once [skipped]"),
        "{}",
        crate::common::text(&out)
    );
}

const BOUND: &str = "const { refund } = require('../billing');\n\n// gatekeeper:sacred\ntest('refund is exact', () => {\n  expect(refund(10)).toBe(10);\n});\n";
const BOUND_ID: &str = "js:tests/bound.test.js::refund is exact";

refuses!(
    js_a_local_expect_is_refused,
    "tests/bound.test.js",
    BOUND,
    [(
        "\n// gatekeeper:sacred",
        "const expect = () => ({ toBe() {} });\n\n// gatekeeper:sacred"
    )],
    "rebound",
    BOUND_ID
);
refuses!(
    js_assigning_a_global_expect_is_refused,
    "tests/bound.test.js",
    BOUND,
    [(
        "\n// gatekeeper:sacred",
        "globalThis.expect = () => ({ toBe() {} });\n\n// gatekeeper:sacred"
    )],
    "rebound",
    BOUND_ID
);
harmless!(
    js_requiring_another_name_passes,
    "tests/bound.test.js",
    BOUND,
    BOUND_ID,
    [(
        "const { refund } = require('../billing');",
        "const { refund, charge } = require('../billing');\n\nfunction helper() {\n  return charge(1);\n}"
    )]
);

const MEMBER: &str = "const ledger = require('../billing');\n\n// gatekeeper:sacred\ntest('refund is exact', () => {\n  expect(ledger.refund(10)).toBe(10);\n});\n";
const MEMBER_ID: &str = "js:tests/member.test.js::refund is exact";

// A member after a dot is not a name a module-level binding reaches.
harmless!(
    js_a_new_binding_named_like_a_member_the_test_calls_passes,
    "tests/member.test.js",
    MEMBER,
    MEMBER_ID,
    [(
        "\n// gatekeeper:sacred",
        "const refund = () => 0;\n\n// gatekeeper:sacred"
    )]
);

const COMMENTED: &str = "// gatekeeper:sacred\ntest('commented', () => {\n  // the refund is exact\n  const t = compute();\n  expect(t).toBe(6);\n});\n";
const COMMENTED_ID: &str = "js:tests/commented.test.js::commented";

harmless!(
    js_a_return_inside_a_callback_is_not_an_early_return,
    "tests/commented.test.js",
    COMMENTED,
    COMMENTED_ID,
    [(
        "  expect(t).toBe(6);\n",
        "  expect(t).toBe(6);\n  const doubled = [1, 2].map((x) => {\n    return x * 2;\n  });\n  expect(doubled).toEqual([2, 4]);\n"
    )]
);
harmless!(
    js_appending_a_check_to_a_body_that_starts_with_a_comment_passes,
    "tests/commented.test.js",
    COMMENTED,
    COMMENTED_ID,
    [(
        "  expect(t).toBe(6);\n",
        "  expect(t).toBe(6);\n  expect(t).not.toBe(7);\n"
    )]
);
refuses!(
    js_a_return_inside_a_callback_that_asserts_is_an_early_return,
    "tests/commented.test.js",
    COMMENTED,
    [(
        "  expect(t).toBe(6);\n",
        "  expect(t).toBe(6);\n  [1, 2].forEach((x) => {\n    if (x > 1) return;\n    expect(x).toBe(1);\n  });\n"
    )],
    "early-return",
    COMMENTED_ID
);

const AVA: &str = "const test = require('ava');\n\n// gatekeeper:sacred\ntest('refund', async (t) => {\n  t.plan(2);\n  t.is(refund(10), 10);\n  await t.throwsAsync(refund(-1), { instanceOf: RangeError });\n});\n";
const AVA_ID: &str = "js:tests/ava.test.js::refund";

harmless!(
    js_changing_only_an_ava_message_passes,
    "tests/ava.test.js",
    AVA,
    AVA_ID,
    [(
        "t.is(refund(10), 10);",
        "t.is(refund(10), 10, 'ten cents');"
    )]
);
harmless!(
    js_an_ava_template_message_reading_values_passes,
    "tests/ava.test.js",
    AVA,
    AVA_ID,
    [(
        "t.is(refund(10), 10);",
        "t.is(refund(10), 10, `ten cents, ${cases[0].name} ${t.title}`);"
    )]
);
refuses!(
    js_an_ava_message_that_sorts_is_refused,
    "tests/ava.test.js",
    AVA,
    [(
        "t.is(refund(10), 10);",
        "t.is(refund(10), 10, `${items.sort()}`);"
    )],
    "assertion-changed",
    AVA_ID
);
harmless!(
    js_ava_plan_grows_with_added_assertions,
    "tests/ava.test.js",
    AVA,
    AVA_ID,
    [
        ("t.plan(2);", "t.plan(3);"),
        (
            "  t.is(refund(10), 10);\n",
            "  t.is(refund(10), 10);\n  t.true(refund(1) > 0);\n"
        )
    ]
);
// A smaller plan lets an assertion that never runs (a callback never called) go unmissed.
refuses!(
    js_an_ava_plan_that_shrinks_is_refused,
    "tests/ava.test.js",
    AVA,
    [("t.plan(2);", "t.plan(1);")],
    "body-changed",
    AVA_ID
);
refuses!(
    js_dropping_a_throws_async_is_assertion_removed,
    "tests/ava.test.js",
    AVA,
    [(
        "  await t.throwsAsync(refund(-1), { instanceOf: RangeError });\n",
        ""
    )],
    "assertion-removed",
    AVA_ID
);
refuses!(
    js_widening_a_throws_async_is_refused,
    "tests/ava.test.js",
    AVA,
    [("{ instanceOf: RangeError }", "{ instanceOf: Error }")],
    "assertion-loosened",
    AVA_ID
);

const SKIPPED: &str =
    "// gatekeeper:sacred\ntest.skip('six', () => {\n  expect(compute()).toBe(6);\n});\n";

harmless!(
    js_unskipping_a_locked_test_passes,
    "tests/skipped.test.js",
    SKIPPED,
    "js:tests/skipped.test.js::six",
    [("test.skip('six'", "test('six'")]
);

harmless!(
    js_renaming_a_local_consistently_passes,
    "tests/six.test.js",
    OVERWRITE,
    "js:tests/six.test.js::six",
    [(
        "  let t = compute();\n  expect(t).toBe(6);\n",
        "  let total = compute();\n  expect(total).toBe(6);\n"
    )]
);

// A sub-expression of an assertion moved into a local bound just before it.
const EXTRACT: &str = "const { total } = require('../billing');\n\n// gatekeeper:sacred\ntest('total', () => {\n  const xs = [1, 2, 3];\n  expect(total(xs)).toBe(6);\n  expect(total([])).toBe(0);\n});\n";
const EXTRACT_FILE: &str = "tests/total.test.js";
const EXTRACT_ID: &str = "js:tests/total.test.js::total";

// A local that a plain statement uses (not a check) inlined or extracted: the same statement.
const SETUP: &str = "const { open, rate } = require('../billing');\n\n// gatekeeper:sacred\ntest('refund', () => {\n  const r = rate('std', 20);\n  const acct = open(r);\n  acct.deposit(100);\n  expect(acct.refund(100)).toBe(100);\n});\n";
const SETUP_FILE: &str = "tests/refund.test.js";
const SETUP_ID: &str = "js:tests/refund.test.js::refund";

harmless!(
    js_a_local_a_plain_statement_uses_inlined_passes,
    SETUP_FILE,
    SETUP,
    SETUP_ID,
    [(
        "  const r = rate('std', 20);\n  const acct = open(r);\n",
        "  const acct = open(rate('std', 20));\n"
    )]
);

/// Not with another value, nor where it is called (`const deposit = acct.deposit` then
/// `deposit(100)` runs without `acct` as `this`; put back, it would run with it).
#[test]
fn js_a_local_of_a_plain_statement_put_back_otherwise_is_refused() {
    for (what, from, to) in [
        (
            "another value",
            "  const r = rate('std', 20);\n  const acct = open(r);\n",
            "  const acct = open(rate('std', 0));\n",
        ),
        (
            "called",
            "  acct.deposit(100);\n",
            "  const deposit = acct.deposit.bind(null);\n  deposit(100);\n",
        ),
    ] {
        let l = super::locked(&[(SETUP_FILE, SETUP)]);
        l.edit(SETUP_FILE, SETUP, &[(from, to)]);
        l.assert_staged_refuses(SETUP_ID, what);
    }
}

harmless!(
    js_extracting_a_sub_expression_into_a_local_passes,
    EXTRACT_FILE,
    EXTRACT,
    EXTRACT_ID,
    [(
        "  expect(total(xs)).toBe(6);\n",
        "  const t = total(xs);\n  expect(t).toBe(6);\n"
    )]
);
refuses!(
    js_extracting_a_constant_in_place_of_the_computed_value_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "  expect(total(xs)).toBe(6);\n",
        "  const t = 6;\n  expect(t).toBe(6);\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);
refuses!(
    js_extracting_a_different_expression_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "  expect(total(xs)).toBe(6);\n",
        "  const t = total(xs.slice(1));\n  expect(t).toBe(6);\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);
refuses!(
    js_an_extracted_local_reassigned_before_the_assertion_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "  expect(total(xs)).toBe(6);\n",
        "  let t = total(xs);\n  t = 6;\n  expect(t).toBe(6);\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);

const AVA_FAILING: &str = "const test = require('ava');\n\n// gatekeeper:sacred\ntest.failing('refund', (t) => {\n  t.is(refund(100), 100);\n});\n";

// A test expected to fail that must now pass checks more, not less.
harmless!(
    js_ava_failing_removed_passes,
    "tests/ava.test.js",
    AVA_FAILING,
    AVA_ID,
    [("test.failing(", "test(")]
);
refuses!(
    js_ava_failing_added_is_refused,
    "tests/ava.test.js",
    AVA,
    [("test(", "test.failing(")],
    "skipped",
    AVA_ID
);

const HEADERS_FILE: &str = "test/headers.js";
const HEADERS_ID: &str = "js:test/headers.js::custom headers";
const HEADERS: &str = "const test = require('ava');

// gatekeeper:sacred
test('custom headers', async t => {
  const headers = await send({'unicorn': 'rainbow'});
  const value = headers['unicorn'];
  t.is(headers['unicorn'], 'rainbow');
  t.truthy(value);
});
";

harmless!(
    bracket_access_written_with_a_dot_passes,
    HEADERS_FILE,
    HEADERS,
    HEADERS_ID,
    [
        (
            "const value = headers['unicorn'];",
            "const value = headers.unicorn;"
        ),
        (
            "t.is(headers['unicorn'], 'rainbow');",
            "t.is(headers.unicorn, 'rainbow');"
        )
    ]
);
refuses!(
    another_property_written_with_a_dot_is_refused,
    HEADERS_FILE,
    HEADERS,
    [(
        "t.is(headers['unicorn'], 'rainbow');",
        "t.is(headers.rainbow, 'rainbow');"
    )],
    "assertion-changed",
    HEADERS_ID
);
refuses!(
    a_key_that_is_not_a_name_is_not_a_dot_access,
    HEADERS_FILE,
    HEADERS,
    [(
        "const value = headers['unicorn'];",
        "const value = headers['uni-corn'];"
    )],
    "body-changed",
    HEADERS_ID
);

/// The lock the previous gatekeeper wrote for `HEADERS`: `x['name']` as written.
const HEADERS_PREVIOUS_LOCK: &str = "# gatekeeper sacred lock v1
# Written by `gatekeeper sacred lock`; do not edit by hand. In CI, a change to this file is
# accepted only in a commit signed by a key in .gatekeeper/allowed_signers.

test js:test/headers.js::custom headers
  file test/headers.js
  structure 04217e5676716d4d3df1caa7b4c6a3af2462226f29c09a84b8581605ee44df6e
  body a0b3fa636b861773eecd25b2b8dea6c0f2875f1ab302893c1eb68306b0610ae3
  envelope 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
  assertions 2
  returns 0
  skips 0
  swallows 0
  modifier test
  assert [] t.is(_l1[\"unicorn\"],\"rainbow\")
  assert [] t.truthy(_l2)
  statements 82bffdef21ab 879611d4ad00 8bfe74f11c2d 8bfe74f11c2d
  bindings 0
";

/// A lock from before `x['name']` read as `x.name` still matches the test as written (an
/// appended check passes) and still refuses a changed key.
#[test]
fn a_lock_from_before_dot_access_still_matches_brackets() {
    let l = super::locked(&[(HEADERS_FILE, HEADERS)]);
    l.commit_lock(HEADERS_PREVIOUS_LOCK);
    l.edit(
        HEADERS_FILE,
        HEADERS,
        &[("  t.truthy(value);\n", "  t.truthy(value);\n  t.pass();\n")],
    );
    l.assert_passes_checked();
    l.edit(
        HEADERS_FILE,
        HEADERS,
        &[("t.is(headers['unicorn']", "t.is(headers['rainbow']")],
    );
    l.assert_refused("assertion-changed", HEADERS_ID);
}

const EACH_FILE: &str = "tests/inc.test.js";
const EACH_ID: &str = "js:tests/inc.test.js::inc %i";
const EACH: &str = "import test from 'ava';\n\nconst CASES = [[1, 2], [2, 3]];\n\n// gatekeeper:sacred\ntest.each(CASES)('inc %i', (a, b) => {\n  expect(a + 1).toBe(b);\n});\n";

refuses!(
    js_dropping_a_case_from_a_module_level_each_table_is_refused,
    EACH_FILE,
    EACH,
    [("const CASES = [[1, 2], [2, 3]];", "const CASES = [[1, 2]];")],
    "rebound",
    EACH_ID
);
refuses!(
    js_importing_the_test_function_from_elsewhere_is_refused,
    EACH_FILE,
    EACH,
    [(
        "import test from 'ava';",
        "import test from './fake-ava.js';"
    )],
    "rebound",
    EACH_ID
);

const SUITE_EACH_FILE: &str = "tests/suite.test.js";
const SUITE_EACH_ID: &str = "js:tests/suite.test.js::inc %i::adds one";
const SUITE_EACH: &str = "const CASES = [[1, 2], [2, 3]];\n\n// gatekeeper:sacred\ndescribe.each(CASES)('inc %i', (a, b) => {\n  test('adds one', () => {\n    expect(a + 1).toBe(b);\n  });\n});\n";

refuses!(
    js_dropping_a_case_from_a_suites_each_table_is_refused,
    SUITE_EACH_FILE,
    SUITE_EACH,
    [("const CASES = [[1, 2], [2, 3]];", "const CASES = [[1, 2]];")],
    "rebound",
    SUITE_EACH_ID
);

const MOCKED_FILE: &str = "tests/mocked.test.js";
const MOCKED_ID: &str = "js:tests/mocked.test.js::total";
const MOCKED: &str = "const { total } = require('../billing');\n\n// gatekeeper:sacred\ntest('total', () => {\n  expect(total([1, 2, 3])).toBe(6);\n});\n";

// A mock or a hook of the file replaces what the test calls without touching the test.
refuses!(
    js_a_new_module_mock_is_refused,
    MOCKED_FILE,
    MOCKED,
    [(
        "const { total } = require('../billing');\n",
        "const { total } = require('../billing');\njest.mock('../billing', () => ({ total: () => 6 }));\n"
    )],
    "rebound",
    MOCKED_ID
);
refuses!(
    js_a_new_before_each_that_patches_is_refused,
    MOCKED_FILE,
    MOCKED,
    [(
        "// gatekeeper:sacred",
        "beforeEach(() => {\n  require('../billing').total = () => 6;\n});\n\n// gatekeeper:sacred"
    )],
    "rebound",
    MOCKED_ID
);

const HELPER_FILE: &str = "test/total.js";
const HELPER_ID: &str = "js:test/total.js::total is exact";
const HELPER: &str = "import test from 'ava';\nimport {total} from '../source/index.js';\n\nconst check = (t, value) => {\n\tt.is(value, 6);\n};\n\n// gatekeeper:sacred\ntest('total is exact', t => {\n\tcheck(t, total([1, 2, 3]));\n});\n";

// A check the test delegates to a helper of its file is one of its checks.
refuses!(
    a_check_helper_that_no_longer_asserts_is_refused,
    HELPER_FILE,
    HELPER,
    [("\tt.is(value, 6);\n", "\tt.pass();\n")],
    "rebound",
    HELPER_ID
);

const TABLE: &str = "const { refund } = require('../billing');\n\n// gatekeeper:sacred\ntest('refunds', () => {\n  const cases = [[100, 100], [0, 0]];\n  for (const [amount, want] of cases) {\n    expect(refund(amount)).toBe(want);\n  }\n});\n";
const TABLE_ID: &str = "js:tests/table.test.js::refunds";
harmless!(
    a_case_added_to_an_array_the_test_loops_over_passes,
    "tests/table.test.js",
    TABLE,
    TABLE_ID,
    [("[0, 0]];", "[0, 0], [7, 7]];")]
);
refuses!(
    a_case_added_to_an_array_whose_loop_accumulates_is_refused,
    "tests/table.test.js",
    &TABLE.replace("    expect(", "    seen.push(amount);\n    expect("),
    [("[[100, 100],", "[[7, 7], [100, 100],")],
    "body-changed",
    TABLE_ID
);

const AVA_HELPER: &str = r#"import test from "ava";
import { refund } from "../src/refund.js";

function withServer(t) {
  t.context.server = { port: 1 };
  return t.context.server;
}

// gatekeeper:sacred
test("is exact", (t) => {
  withServer(t);
  t.is(refund(1), 1);
});
"#;
// The helper runs for what it writes only: its value reaches no assertion (one whose value
// does is locked as written, see `flow`).
// A helper filling what it is handed (`t.context.x = …`) keeps its own state there: a
// change to it that adds another such member passes.
harmless!(
    a_helper_filling_the_context_passes,
    FILE,
    AVA_HELPER,
    "ts:tests/refunds.test.ts::is exact",
    [(
        "  t.context.server = { port: 1 };\n",
        "  t.context.server = { port: 1 };\n  t.context.started = true;\n"
    )]
);
// One replacing the context's assertion, or a prototype the code under test calls, is
// refused though the test is untouched.
refuses!(
    a_helper_replacing_the_context_assertion_is_refused,
    FILE,
    AVA_HELPER,
    [(
        "  t.context.server = { port: 1 };\n",
        "  t.context.server = { port: 1 };\n  t.is = () => {};\n"
    )],
    "rebound",
    "ts:tests/refunds.test.ts::is exact"
);
refuses!(
    a_helper_patching_a_builtin_prototype_is_refused,
    FILE,
    AVA_HELPER,
    [(
        "  t.context.server = { port: 1 };\n",
        "  Array.prototype.reduce = () => 1;\n  t.context.server = { port: 1 };\n"
    )],
    "rebound",
    "ts:tests/refunds.test.ts::is exact"
);

const AVA_FILE: &str = "tests/billing/pay.test.js";
const AVA_RECEIPT_ID: &str = "js:tests/billing/pay.test.js::receipt";
const AVA_SNAP: &str = "tests/billing/snapshots/pay.test.js.snap";
const AVA_REPORT: &str = "tests/billing/snapshots/pay.test.js.md";
const AVA_TESTS: &str = "import test from 'ava';\nimport {receipt, total} from '../../src/pay.js';\n\nconst check = (t, items) => t.snapshot(receipt(items));\n\ntest('receipt', t => {\n  t.snapshot(receipt([{price: 3, qty: 2}]));\n});\n\ntest('receipt through a helper', t => {\n  check(t, [{price: 4, qty: 1}]);\n});\n\ntest('total', t => {\n  t.is(total([{price: 3, qty: 2}]), 6);\n});\n";
// AVA's `.snap` is binary (compressed); the check reads only its digest.
const AVA_SNAP_V1: &str = "AVA Snapshot v3\nfirst recording\n";
const AVA_MD: &str = "# Snapshot report for `tests/billing/pay.test.js`\n\n## receipt\n";

/// The files of an AVA project with the snapshot file at `snap`.
fn ava_project<'a>(tests: &'a str, snap: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        (
            "package.json",
            "{\"name\": \"shop\", \"type\": \"module\", \"ava\": {\"files\": [\"tests/**/*.test.js\"]}}\n",
        ),
        (AVA_FILE, tests),
        (snap, AVA_SNAP_V1),
    ]
}

// AVA compares `t.snapshot(…)` with the `.snap` file stored for the test file: `ava -u`
// rewriting it from a broken build, or deleting it (AVA records it afresh outside CI), is
// refused for the tests that snapshot, in their body or through a helper of the file.
#[test]
fn js_rewriting_or_deleting_an_ava_snapshot_file_is_refused() {
    let files = ava_project(AVA_TESTS, AVA_SNAP);
    for id in [
        AVA_RECEIPT_ID,
        "js:tests/billing/pay.test.js::receipt through a helper",
    ] {
        let l = super::locked(&files);
        l.edit(AVA_SNAP, AVA_SNAP_V1, &[("first", "second")]);
        l.assert_refused("rebound", id);
    }
    let l = super::locked(&files);
    std::fs::remove_file(l.repo.path(AVA_SNAP)).expect("remove");
    l.assert_refused("rebound", AVA_RECEIPT_ID);
}

// The report AVA writes beside it (`.md`) is never read by AVA: it may change. A test that
// does not snapshot is not locked with the file: in a file whose tests do not snapshot, a
// stale snapshot file may change too.
#[test]
fn js_an_ava_snapshot_report_or_the_snapshots_of_tests_that_do_not_snapshot_may_change() {
    let mut files = ava_project(AVA_TESTS, AVA_SNAP);
    files.push((AVA_REPORT, AVA_MD));
    let l = super::locked(&files);
    l.edit(
        AVA_REPORT,
        AVA_MD,
        &[("## receipt", "## receipt\n\nrewritten")],
    );
    // With the test file touched, so that its tests are compared.
    l.edit(
        AVA_FILE,
        AVA_TESTS,
        &[("test('total'", "// Totals.\ntest('total'")],
    );
    l.assert_passes_checked();
    let only_total = "import test from 'ava';\nimport {total} from '../../src/pay.js';\n\ntest('total', t => {\n  t.is(total([{price: 3, qty: 2}]), 6);\n});\n";
    let l = super::locked(&ava_project(only_total, AVA_SNAP));
    l.edit(AVA_SNAP, AVA_SNAP_V1, &[("first", "second")]);
    l.edit(
        AVA_FILE,
        only_total,
        &[("test('total'", "// Totals.\ntest('total'")],
    );
    l.assert_passes_checked();
    let l = super::locked(&ava_project(AVA_TESTS, AVA_SNAP));
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    let total = lock
        .split("\ntest ")
        .find(|t| t.starts_with("js:tests/billing/pay.test.js::total\n"))
        .expect("total is locked");
    assert!(!total.contains("pay.test.js.snap"), "{total}");
}

// Where AVA keeps the file: `__snapshots__` beside a test inside `__tests__`, and under a
// `snapshotDir` of its configuration (the test's directory kept below it).
#[test]
fn js_an_ava_snapshot_file_is_found_where_ava_keeps_it() {
    let under_tests = "tests/billing/__tests__/pay.test.js";
    let tests = AVA_TESTS.replace("'../../src/pay.js'", "'../../../src/pay.js'");
    let snap = "tests/billing/__tests__/__snapshots__/pay.test.js.snap";
    let mut files = ava_project(&tests, snap);
    files[1].0 = under_tests;
    let l = super::locked(&files);
    l.edit(snap, AVA_SNAP_V1, &[("first", "second")]);
    l.assert_refused("rebound", "js:tests/billing/__tests__/pay.test.js::receipt");
    for config in [
        (
            "package.json",
            "{\"name\": \"shop\", \"type\": \"module\", \"ava\": {\"snapshotDir\": \"stored\"}}\n",
        ),
        (
            "ava.config.js",
            "export default {\n  snapshotDir: 'stored',\n};\n",
        ),
        (
            "ava.config.js",
            "export default {\n  snapshotDir: process.env.SNAPSHOTS ?? 'stored',\n};\n",
        ),
    ] {
        let snap = "stored/tests/billing/pay.test.js.snap";
        let mut files = ava_project(AVA_TESTS, snap);
        if config.0 == "package.json" {
            files[0] = config;
        } else {
            files.push(config);
        }
        let l = super::locked(&files);
        l.edit(snap, AVA_SNAP_V1, &[("first", "second")]);
        l.assert_refused("rebound", AVA_RECEIPT_ID);
    }
}

const FILE_SNAPSHOT_TESTS: &str = "import {test, expect} from 'vitest';\nimport {receipt, total} from '../../src/pay.js';\n\nconst check = async (value) => {\n  await expect(value).toMatchFileSnapshot('./__snapshots__/checked.txt');\n};\n\ntest('receipt', async () => {\n  await expect(receipt([{price: 3, qty: 2}])).toMatchFileSnapshot('./__snapshots__/receipt.txt');\n});\n\ntest('receipt through a helper', async () => {\n  await check(receipt([{price: 4, qty: 1}]));\n});\n\ntest('named receipt', async () => {\n  const name = 'named';\n  await expect(receipt([])).toMatchFileSnapshot(`./__snapshots__/out/${name}.txt`);\n});\n\ntest('total', async () => {\n  expect(total([{price: 3, qty: 2}])).toBe(6);\n  await expect(total([])).toMatchFileSnapshot('./__snapshots__/total.txt');\n});\n";

/// The files of a Vitest project whose tests compare with whole files.
fn file_snapshot_project(tests: &str) -> Vec<(&str, &str)> {
    vec![
        ("tests/billing/pay.test.js", tests),
        (
            "tests/billing/__snapshots__/receipt.txt",
            "2 x 3\ntotal 6\n",
        ),
        (
            "tests/billing/__snapshots__/checked.txt",
            "1 x 4\ntotal 4\n",
        ),
        ("tests/billing/__snapshots__/out/named.txt", "total 0\n"),
        ("tests/billing/__snapshots__/total.txt", "0"),
    ]
}

// Vitest's `toMatchFileSnapshot(path)` compares with the file at `path`: `vitest -u`
// rewriting it from a broken build, or deleting it (a run outside CI writes it afresh), is
// refused for the test that calls it, in its body or through a helper; a path computed
// after a written directory locks the files below that directory.
#[test]
fn js_rewriting_or_deleting_a_vitest_file_snapshot_is_refused() {
    let files = file_snapshot_project(FILE_SNAPSHOT_TESTS);
    for (file, from, to, id) in [
        (
            "tests/billing/__snapshots__/receipt.txt",
            "2 x 3\ntotal 6\n",
            "2 x 3\ntotal 7\n",
            "receipt",
        ),
        (
            "tests/billing/__snapshots__/checked.txt",
            "1 x 4\ntotal 4\n",
            "1 x 4\ntotal 5\n",
            "receipt through a helper",
        ),
        (
            "tests/billing/__snapshots__/out/named.txt",
            "total 0\n",
            "total 1\n",
            "named receipt",
        ),
    ] {
        let id = format!("js:tests/billing/pay.test.js::{id}");
        let l = super::locked(&files);
        l.edit(file, from, &[(from, to)]);
        l.assert_refused("rebound", &id);
        let l = super::locked(&files);
        std::fs::remove_file(l.repo.path(file)).expect("remove");
        l.assert_refused("rebound", &id);
    }
}

// Another test's file snapshot may change: only the test that compares with a file is
// locked with it.
#[test]
fn js_another_tests_vitest_file_snapshot_may_change() {
    let only_receipt = FILE_SNAPSHOT_TESTS.replace(
        "test('total', async",
        "// gatekeeper:sacred\ntest('total', async",
    );
    let mut files = file_snapshot_project(&only_receipt);
    files.push(("gatekeeper.yml", "sacred:\n  paths: [\"tests/none/**\"]\n"));
    let l = super::locked(&files);
    l.assert_locked("js:tests/billing/pay.test.js::total");
    l.edit(
        "tests/billing/__snapshots__/receipt.txt",
        "2 x 3\ntotal 6\n",
        &[("total 6", "total 7")],
    );
    l.edit(
        "tests/billing/pay.test.js",
        &only_receipt,
        &[(
            "test('receipt', async",
            "// Receipts.\ntest('receipt', async",
        )],
    );
    l.assert_passes_checked();
}

const NODE_TEST_FILE: &str = "tests/billing/pay.test.js";
const NODE_TEST_TESTS: &str = "const {test, describe} = require('node:test');\nconst {receipt, total} = require('../../src/pay.js');\n\ndescribe('pay', () => {\n  test('receipt', (t) => {\n    t.assert.snapshot(receipt([{price: 3, qty: 2}]));\n  });\n});\n\ntest('total', (t) => {\n  t.assert.strictEqual(total([{price: 5, qty: 1}]), 5);\n});\n";
const NODE_TEST_SNAPSHOT: &str = "exports[`obsolete 1`] = `\n1\n`;\n\nexports[`pay > receipt 1`] = `\n{\n  \"lines\": 1,\n  \"total\": 6\n}\n`;\n";

// node:test's `t.assert.snapshot()` compares with the entry of `FILE.snapshot` beside the
// test file (or of any `.snapshot` file, when a `setResolveSnapshotPath` of the project may
// put it elsewhere): `--test-update-snapshots` rewriting it, or deleting it, is refused.
#[test]
fn js_rewriting_or_deleting_a_node_test_snapshot_entry_is_refused() {
    let id = "js:tests/billing/pay.test.js::pay::receipt";
    let beside = "tests/billing/pay.test.js.snapshot";
    let files = [
        (NODE_TEST_FILE, NODE_TEST_TESTS),
        (beside, NODE_TEST_SNAPSHOT),
    ];
    let l = super::locked(&files);
    l.edit(
        beside,
        NODE_TEST_SNAPSHOT,
        &[("\"total\": 6", "\"total\": 3")],
    );
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.edit(
        beside,
        NODE_TEST_SNAPSHOT,
        &[("exports[`pay > receipt 1`]", "exports[`pay > receipt 2`]")],
    );
    l.assert_refused("rebound", id);
    let resolver = "const path = require('node:path');\nconst {snapshot} = require('node:test');\nsnapshot.setResolveSnapshotPath((f) => path.join(__dirname, '..', 'stored', path.basename(f) + '.snapshot'));\n";
    let stored = "stored/pay.test.js.snapshot";
    let files = [
        (NODE_TEST_FILE, NODE_TEST_TESTS),
        ("tests/snapshot-path.js", resolver),
        (stored, NODE_TEST_SNAPSHOT),
    ];
    let l = super::locked(&files);
    l.edit(
        stored,
        NODE_TEST_SNAPSHOT,
        &[("\"total\": 6", "\"total\": 3")],
    );
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.edit(
        "tests/snapshot-path.js",
        resolver,
        &[("'stored'", "'stored', 'new'")],
    );
    l.assert_refused("rebound", id);
}

const NODE_FILE_SNAPSHOT_TESTS: &str = "const {test} = require('node:test');\nconst path = require('node:path');\nconst {receipt, total} = require('../../src/pay.js');\n\nconst check = (t, value) => {\n  t.assert.fileSnapshot(value, 'tests/billing/stored/checked.txt');\n};\n\ntest('total', (t) => {\n  t.assert.fileSnapshot(total([{price: 3, qty: 2}]), 'tests/billing/stored/total.txt');\n});\n\ntest('receipt', (t) => {\n  t.assert.fileSnapshot(receipt([]), './stored/receipt.txt');\n});\n\ntest('checked', (t) => {\n  check(t, total([]));\n});\n\ntest('named', (t) => {\n  t.assert.fileSnapshot(receipt([]), path.join(__dirname, 'stored', 'named.txt'));\n});\n\ntest('prefixed', (t) => {\n  const name = 'prefixed';\n  t.assert.fileSnapshot(receipt([]), 'tests/billing/stored/' + name + '.txt');\n});\n\ntest('plain', (t) => {\n  t.assert.strictEqual(total([]), 0);\n});\n";

/// `tests` (the node:test file `NODE_TEST_FILE`) locked with one stored file per test,
/// `tests/billing/stored/ID.txt` holding its content; rewriting each is refused as
/// `rebound` for the test of that id. Returns the files, for what the caller checks next.
fn each_stored_file_is_refused<'a>(
    tests: &'a str,
    stored: &[(&str, &'a str)],
) -> Vec<(String, &'a str)> {
    let mut files: Vec<(String, &str)> = vec![(NODE_TEST_FILE.to_owned(), tests)];
    files.extend(
        stored
            .iter()
            .map(|(id, content)| (format!("tests/billing/stored/{id}.txt"), *content)),
    );
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    for (id, old) in stored {
        let l = super::locked(&borrowed);
        let file = format!("tests/billing/stored/{id}.txt");
        l.edit(&file, old, &[(old, "1")]);
        l.assert_refused("rebound", &format!("js:tests/billing/pay.test.js::{id}"));
    }
    files
}

// node:test's `t.assert.fileSnapshot(value, path)` compares with the whole file at `path`,
// resolved from the working directory (the repository's root, the test's package or the
// test file's directory): rewriting that file, under each of those readings, through a
// helper of the file or under a computed path, is refused; a test that reads none of them
// passes.
#[test]
fn js_rewriting_a_node_test_file_snapshot_is_refused() {
    let files = each_stored_file_is_refused(
        NODE_FILE_SNAPSHOT_TESTS,
        &[
            ("total", "6"),
            ("receipt", "{}"),
            ("checked", "0"),
            ("named", "{}"),
            ("prefixed", "{}"),
        ],
    );
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let l = super::locked(&files);
    l.repo.write("tests/billing/stored/other.txt", "anything");
    l.edit(
        NODE_TEST_FILE,
        NODE_FILE_SNAPSHOT_TESTS,
        &[(
            "  t.assert.strictEqual(total([]), 0);\n",
            "  t.assert.strictEqual(total([]), 0);\n  t.assert.ok(true);\n",
        )],
    );
    l.assert_passes_checked();
}

/// node:test's `t.assert` methods are bound to the test's context (Node's documentation of
/// `context.assert`), so `fileSnapshot` also compares when destructured, renamed, taken as a
/// value or called through `.call`: the file it names is locked all the same. Handed on to
/// something the reading does not follow, the test's directory is locked. (The Node on this
/// machine predates `fileSnapshot`: this follows the documentation.)
const NODE_FILE_SNAPSHOT_ALIASES: &str = "const {test} = require('node:test');\nconst {receipt, total} = require('../../src/pay.js');\n\ntest('destructured', (t) => {\n  const {fileSnapshot} = t.assert;\n  fileSnapshot(total([]), 'tests/billing/stored/destructured.txt');\n});\n\ntest('renamed', (t) => {\n  const {fileSnapshot: snap} = t.assert;\n  snap(receipt([]), 'tests/billing/stored/renamed.txt');\n});\n\ntest('taken', (t) => {\n  const keep = t.assert.fileSnapshot;\n  keep(receipt([]), 'tests/billing/stored/taken.txt');\n});\n\ntest('called', (t) => {\n  t.assert.fileSnapshot.call(t.assert, receipt([]), 'tests/billing/stored/called.txt');\n});\n\ntest('handed', (t) => {\n  [receipt([])].forEach((v) => Reflect.apply(t.assert.fileSnapshot, t.assert, [v, 'tests/billing/stored/handed.txt']));\n});\n\ntest('plain', (t) => {\n  t.assert.strictEqual(total([]), 0);\n});\n";

#[test]
fn js_a_node_test_file_snapshot_under_another_name_is_locked() {
    let files = each_stored_file_is_refused(
        NODE_FILE_SNAPSHOT_ALIASES,
        &[
            ("destructured", "0"),
            ("renamed", "{}"),
            ("taken", "{}"),
            ("called", "{}"),
            ("handed", "{}"),
        ],
    );
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    // A test that compares with no file is not locked with them.
    let l = super::locked(&files);
    l.edit("tests/billing/stored/renamed.txt", "{}", &[("{}", "1")]);
    let out = l.check_staged();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("::plain ["),
        "{}",
        crate::common::text(&out)
    );
}

// An entry no locked test compares with may change, and a new test may add its own.
#[test]
fn js_a_node_test_snapshot_entry_of_no_locked_test_may_change_and_a_new_test_may_add_one() {
    let beside = "tests/billing/pay.test.js.snapshot";
    let l = super::locked(&[
        (NODE_TEST_FILE, NODE_TEST_TESTS),
        (beside, NODE_TEST_SNAPSHOT),
    ]);
    l.edit(
        beside,
        NODE_TEST_SNAPSHOT,
        &[
            ("`\n1\n`", "`\n2\n`"),
            (
                "exports[`pay > receipt 1`]",
                "exports[`pay > refund 1`] = `\n0\n`;\n\nexports[`pay > receipt 1`]",
            ),
        ],
    );
    l.edit(
        NODE_TEST_FILE,
        NODE_TEST_TESTS,
        &[(
            "});\n\ntest('total'",
            "  test('refund', (t) => {\n    t.assert.snapshot(0);\n  });\n});\n\ntest('total'",
        )],
    );
    l.assert_passes_checked();
}

const RESOLVED_TESTS: &str = "const {receipt, total} = require('../../src/pay.js');\n\ndescribe('pay', () => {\n  test('receipt', () => {\n    expect(receipt([{price: 3, qty: 2}])).toMatchSnapshot();\n  });\n});\n\ntest('total', () => {\n  expect(total([{price: 5, qty: 1}])).toBe(5);\n});\n";
const RESOLVED_SNAP: &str = "// Jest Snapshot v1, https://goo.gl/fbAQLP\n\nexports[`obsolete 1`] = `1`;\n\nexports[`pay receipt 1`] = `\n{\n  \"lines\": 1,\n  \"total\": 6,\n}\n`;\n";

/// A Jest project whose `snapshotResolver` keeps the snapshots under `stored/`, as written
/// (`literal`) or computed.
fn resolved_snapshot_project(literal: bool) -> Vec<(&'static str, &'static str)> {
    let resolver = if literal {
        "module.exports = {\n  resolveSnapshotPath: (testPath, ext) => testPath.replace('tests/', 'stored/') + ext,\n  resolveTestPath: (snapPath, ext) => snapPath.replace('stored/', 'tests/').slice(0, -ext.length),\n  testPathForConsistencyCheck: 'tests/example.test.js',\n};\n"
    } else {
        "const path = require('path');\nconst root = path.resolve(__dirname, '..');\nmodule.exports = {\n  resolveSnapshotPath: (p, ext) => path.join(root, 'stored', path.relative(root, p) + ext),\n  resolveTestPath: (s, ext) => path.join(root, path.relative(path.join(root, 'stored'), s).slice(0, -ext.length)),\n  testPathForConsistencyCheck: path.join(root, 'tests', 'example.test.js'),\n};\n"
    };
    vec![
        (
            "package.json",
            "{\"name\": \"shop\", \"jest\": {\"snapshotResolver\": \"<rootDir>/config/snapshots.js\"}}\n",
        ),
        ("config/snapshots.js", resolver),
        ("tests/billing/pay.test.js", RESOLVED_TESTS),
        ("stored/billing/pay.test.js.snap", RESOLVED_SNAP),
    ]
}

// A Jest `snapshotResolver` puts the `.snap` file elsewhere: every `.snap` file named after
// the test file is read for its entries, whatever the resolver computes, and rewriting the
// test's entry or the resolver is refused.
#[test]
fn js_a_snapshot_entry_where_a_jest_snapshot_resolver_puts_it_is_locked() {
    let id = "js:tests/billing/pay.test.js::pay::receipt";
    for literal in [true, false] {
        let files = resolved_snapshot_project(literal);
        let l = super::locked(&files);
        l.edit(
            "stored/billing/pay.test.js.snap",
            RESOLVED_SNAP,
            &[("\"total\": 6", "\"total\": 3")],
        );
        l.assert_refused("rebound", id);
        let l = super::locked(&files);
        let stored = if literal { "'stored/'" } else { "'stored'" };
        l.edit("config/snapshots.js", files[1].1, &[(stored, "'other/'")]);
        l.assert_refused("rebound", id);
    }
}

// Under a resolver, an entry no locked test compares with may change, and a new test may add
// its own.
#[test]
fn js_under_a_jest_snapshot_resolver_another_entry_may_change_and_a_new_test_may_add_one() {
    let files = resolved_snapshot_project(false);
    let l = super::locked(&files);
    l.edit(
        "stored/billing/pay.test.js.snap",
        RESOLVED_SNAP,
        &[
            ("`1`", "`2`"),
            (
                "exports[`pay receipt 1`]",
                "exports[`pay refund 1`] = `0`;\n\nexports[`pay receipt 1`]",
            ),
        ],
    );
    l.edit(
        "tests/billing/pay.test.js",
        RESOLVED_TESTS,
        &[(
            "});\n\ntest('total'",
            "  test('refund', () => {\n    expect(0).toMatchSnapshot();\n  });\n});\n\ntest('total'",
        )],
    );
    l.assert_passes_checked();
}

const AVA_IMPORTED_HELPER_TESTS: &str = "import test from 'ava';\nimport {snap} from '../helpers/snap.js';\nimport {receipt, total} from '../../src/pay.js';\n\ntest('receipt', t => {\n  snap(t, receipt([{price: 3, qty: 2}]));\n});\n\ntest('total', t => {\n  t.is(total([{price: 3, qty: 2}]), 6);\n});\n";

// AVA keys a snapshot by the test file whoever calls `t.snapshot`: a test that snapshots only
// through a helper it imports from another module (or one that module imports) is locked
// with the test file's `.snap`.
#[test]
fn js_an_ava_snapshot_taken_through_an_imported_helper_is_locked() {
    for helpers in [
        vec![(
            "tests/helpers/snap.js",
            "export function snap(t, value) {\n  t.snapshot(value);\n}\n",
        )],
        vec![
            (
                "tests/helpers/snap.js",
                "export {store as snap} from './store.js';\n",
            ),
            (
                "tests/helpers/store.js",
                "export const store = (t, value) => t.snapshot(value);\n",
            ),
        ],
    ] {
        let mut files = ava_project(AVA_IMPORTED_HELPER_TESTS, AVA_SNAP);
        files.extend(helpers);
        let l = super::locked(&files);
        l.edit(AVA_SNAP, AVA_SNAP_V1, &[("first", "second")]);
        l.assert_refused("rebound", AVA_RECEIPT_ID);
    }
}

// A helper imported from a module that does not snapshot locks nothing: the stale `.snap`
// of such a file may change.
#[test]
fn js_an_ava_snap_file_of_tests_whose_imported_helpers_do_not_snapshot_may_change() {
    let mut files = ava_project(AVA_IMPORTED_HELPER_TESTS, AVA_SNAP);
    files.push((
        "tests/helpers/snap.js",
        "export function snap(t, value) {\n  t.truthy(value);\n}\n",
    ));
    let l = super::locked(&files);
    l.edit(AVA_SNAP, AVA_SNAP_V1, &[("first", "second")]);
    l.edit(
        AVA_FILE,
        AVA_IMPORTED_HELPER_TESTS,
        &[("test('total'", "// Totals.\ntest('total'")],
    );
    l.assert_passes_checked();
}
