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
refuses!(
    renaming_the_test_is_refused,
    FILE,
    BASE,
    [("it(\"is exact\"", "it(\"is roughly right\"")],
    "renamed",
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
