//! TypeScript (Vitest/Jest style, a `.ts` file with type annotations): the rules that
//! `js.rs` does not already exercise on its `.ts` file, and harmless edits that must pass.

const FILE: &str = "tests/ledger.test.ts";
const ID: &str = "ts:tests/ledger.test.ts::ledger::balances";

const BASE: &str = r#"import { describe, expect, it } from "vitest";
import { balance, type Money } from "../src/ledger";

describe("ledger", () => {
  // gatekeeper:sacred
  it("balances", () => {
    const total: Money = balance(100);
    expect(total.cents).toBe(100);
    expect(total.currency).toEqual("EUR");
    expect(() => balance(-1)).toThrow(InsufficientFunds);
  });

  it("formats", () => {
    expect(format(1 as number)).toBe("1.00");
  });
});
"#;

refuses!(
    ts_unknown_callee_is_renamed_out_of_collection,
    FILE,
    BASE,
    [("it(\"balances\"", "check(\"balances\"")],
    "renamed-out-of-collection",
    ID
);
refuses!(
    ts_removing_the_tag_is_untagged,
    FILE,
    BASE,
    [("  // gatekeeper:sacred\n", "")],
    "untagged",
    ID
);
refuses!(
    ts_removing_every_assertion_is_emptied,
    FILE,
    BASE,
    [(
        "    expect(total.cents).toBe(100);\n    expect(total.currency).toEqual(\"EUR\");\n    expect(() => balance(-1)).toThrow(InsufficientFunds);\n",
        ""
    )],
    "emptied",
    ID
);
refuses!(
    ts_commenting_out_an_assertion_is_refused,
    FILE,
    BASE,
    [(
        "    expect(total.cents).toBe(100);",
        "    // expect(total.cents).toBe(100);"
    )],
    "assertion-commented-out",
    ID
);
refuses!(
    ts_to_equal_to_to_strict_equal_in_place_is_assertion_changed,
    FILE,
    BASE,
    [("toEqual(\"EUR\")", "toStrictEqual(\"EUR\")")],
    "assertion-changed",
    ID
);
refuses!(
    ts_moving_an_assertion_under_an_if_is_refused,
    FILE,
    BASE,
    [(
        "    expect(total.cents).toBe(100);\n",
        "    if (total.cents > 0) {\n      expect(total.cents).toBe(100);\n    }\n"
    )],
    "assertion-moved",
    ID
);
refuses!(
    ts_changing_a_statement_is_body_changed,
    FILE,
    BASE,
    [(
        "const total: Money = balance(100);",
        "const total: Money = balance(0);"
    )],
    "body-changed",
    ID
);
refuses!(
    ts_a_parse_error_inside_the_test_is_refused,
    FILE,
    BASE,
    [(
        "const total: Money = balance(100);",
        "const total: Money = balance(100;"
    )],
    "parse-error",
    ID
);

// ---- Harmless edits: each must pass both checks, which compare the locked test ----

harmless!(
    ts_a_comment_inside_the_test_passes,
    FILE,
    BASE,
    ID,
    [(
        "    expect(total.cents).toBe(100);\n",
        "    // Refunds are exact to the cent.\n    expect(total.cents).toBe(100);\n"
    )]
);
harmless!(
    ts_a_trailing_comment_passes,
    FILE,
    BASE,
    ID,
    [(
        "expect(total.cents).toBe(100);",
        "expect(total.cents).toBe(100); // cents"
    )]
);
harmless!(
    ts_a_comment_above_the_tag_passes,
    FILE,
    BASE,
    ID,
    [(
        "  // gatekeeper:sacred\n",
        "  // Owned by the billing team.\n  // gatekeeper:sacred\n"
    )]
);
harmless!(
    ts_blank_lines_inside_the_test_pass,
    FILE,
    BASE,
    ID,
    [(
        "    const total: Money = balance(100);\n",
        "\n    const total: Money = balance(100);\n\n\n"
    )]
);
harmless!(
    ts_dropping_semicolons_passes,
    FILE,
    BASE,
    ID,
    [
        (
            "const total: Money = balance(100);",
            "const total: Money = balance(100)"
        ),
        (
            "expect(total.currency).toEqual(\"EUR\");",
            "expect(total.currency).toEqual(\"EUR\")"
        ),
    ]
);
harmless!(
    ts_breaking_a_chain_over_lines_passes,
    FILE,
    BASE,
    ID,
    [(
        "expect(() => balance(-1)).toThrow(InsufficientFunds);",
        "expect(() =>\n      balance(-1),\n    ).toThrow(\n      InsufficientFunds,\n    );"
    )]
);
harmless!(
    ts_adding_an_assertion_at_the_end_passes,
    FILE,
    BASE,
    ID,
    [(
        "    expect(() => balance(-1)).toThrow(InsufficientFunds);\n",
        "    expect(() => balance(-1)).toThrow(InsufficientFunds);\n    expect(total.cents).toBeGreaterThan(0);\n"
    )]
);
harmless!(
    ts_adding_an_assertion_before_the_locked_statements_passes,
    FILE,
    BASE,
    ID,
    [(
        "    const total: Money = balance(100);\n",
        "    expect(balance(0).cents).toBe(0);\n    const total: Money = balance(100);\n"
    )]
);
harmless!(
    ts_adding_a_negated_assertion_passes,
    FILE,
    BASE,
    ID,
    [(
        "    expect(total.cents).toBe(100);\n",
        "    expect(total.cents).toBe(100);\n    expect(total.cents).not.toBe(0);\n"
    )]
);
harmless!(
    ts_adding_a_guarded_assertion_passes,
    FILE,
    BASE,
    ID,
    [(
        "    expect(total.cents).toBe(100);\n",
        "    expect(total.cents).toBe(100);\n    if (total.refunded) {\n      expect(total.cents).toBe(0);\n    }\n"
    )]
);
harmless!(
    ts_appending_a_statement_after_the_locked_ones_passes,
    FILE,
    BASE,
    ID,
    [(
        "    expect(() => balance(-1)).toThrow(InsufficientFunds);\n",
        "    expect(() => balance(-1)).toThrow(InsufficientFunds);\n    console.log(total);\n"
    )]
);
harmless!(
    ts_adding_a_sacred_test_passes,
    FILE,
    BASE,
    ID,
    [(
        "  it(\"formats\"",
        "  // gatekeeper:sacred\n  it(\"never goes negative\", () => {\n    expect(balance(0).cents).toBe(0);\n  });\n\n  it(\"formats\""
    )]
);
harmless!(
    ts_adding_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [(
        "  it(\"formats\"",
        "  it(\"formats zero\", () => {\n    expect(format(0)).toBe(\"0.00\");\n  });\n\n  it(\"formats\""
    )]
);
harmless!(
    ts_adding_a_nested_suite_passes,
    FILE,
    BASE,
    ID,
    [(
        "  it(\"formats\"",
        "  describe(\"currencies\", () => {\n    it(\"knows EUR\", () => {\n      expect(currencies()).toContain(\"EUR\");\n    });\n  });\n\n  it(\"formats\""
    )]
);
harmless!(
    ts_deleting_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [(
        "\n  it(\"formats\", () => {\n    expect(format(1 as number)).toBe(\"1.00\");\n  });\n",
        ""
    )]
);
harmless!(
    ts_skipping_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [("it(\"formats\"", "it.skip(\"formats\"")]
);
harmless!(
    ts_moving_the_test_below_its_sibling_passes,
    FILE,
    BASE,
    ID,
    [
        (
            "\n  it(\"formats\", () => {\n    expect(format(1 as number)).toBe(\"1.00\");\n  });\n",
            ""
        ),
        (
            "describe(\"ledger\", () => {\n",
            "describe(\"ledger\", () => {\n  it(\"formats\", () => {\n    expect(format(1 as number)).toBe(\"1.00\");\n  });\n\n"
        ),
    ]
);
harmless!(
    ts_adding_an_import_passes,
    FILE,
    BASE,
    ID,
    [(
        "import { balance, type Money } from \"../src/ledger\";\n",
        "import { balance, type Money } from \"../src/ledger\";\nimport { format } from \"../src/format\";\n"
    )]
);
harmless!(
    ts_adding_a_typed_helper_and_a_type_alias_passes,
    FILE,
    BASE,
    ID,
    [(
        "describe(\"ledger\", () => {\n",
        "type Cents = number;\n\nfunction cents(n: number): Cents {\n  return n * 100;\n}\n\ndescribe(\"ledger\", () => {\n"
    )]
);

// ---- Quote style: prettier's `singleQuote` is layout, a new value is not ----

harmless!(
    ts_switching_the_quote_style_passes,
    FILE,
    BASE,
    ID,
    [
        ("it(\"balances\"", "it('balances'"),
        ("toEqual(\"EUR\")", "toEqual('EUR')")
    ]
);
refuses!(
    ts_a_new_value_in_the_other_quote_style_is_expected_changed,
    FILE,
    BASE,
    [("toEqual(\"EUR\")", "toEqual('USD')")],
    "expected-changed",
    ID
);

const OVERWRITE: &str = "// gatekeeper:sacred\ntest('six', () => {\n  let t: number = compute();\n  expect(t).toBe(6);\n});\n";

refuses!(
    ts_assigning_just_before_the_assertion_is_refused,
    "tests/six.test.ts",
    OVERWRITE,
    [("  expect(t).toBe(6);\n", "  t = 6;\n  expect(t).toBe(6);\n")],
    "body-changed",
    "ts:tests/six.test.ts::six"
);
harmless!(
    ts_appending_after_the_last_assertion_passes,
    "tests/six.test.ts",
    OVERWRITE,
    "ts:tests/six.test.ts::six",
    [(
        "  expect(t).toBe(6);\n",
        "  expect(t).toBe(6);\n  const u: number = compute();\n  expect(u).toBe(6);\n"
    )]
);

const BOUND: &str = "import { refund } from '../billing';\n\n// gatekeeper:sacred\ntest('refund is exact', () => {\n  expect(refund(10)).toBe(10);\n});\n";
const BOUND_ID: &str = "ts:tests/bound.test.ts::refund is exact";

refuses!(
    ts_importing_the_function_under_test_from_elsewhere_is_refused,
    "tests/bound.test.ts",
    BOUND,
    [(
        "import { refund } from '../billing';",
        "import { refund } from './fake';"
    )],
    "rebound",
    BOUND_ID
);
refuses!(
    ts_a_local_expect_is_refused,
    "tests/bound.test.ts",
    BOUND,
    [(
        "\n// gatekeeper:sacred",
        "function expect(x: unknown): any {\n  return { toBe() {} };\n}\n\n// gatekeeper:sacred"
    )],
    "rebound",
    BOUND_ID
);
harmless!(
    ts_importing_another_name_passes,
    "tests/bound.test.ts",
    BOUND,
    BOUND_ID,
    [(
        "import { refund } from '../billing';",
        "import { charge, refund } from '../billing';\nimport type { Money } from '../money';\n\nconst rate: number = 3;"
    )]
);

const TYPED: &str = "import type {Refund} from '../billing';\nimport {refund} from '../billing';\n\n// gatekeeper:sacred\ntest('refund is exact', () => {\n  const r: Refund = refund(10);\n  expect(r.total).toBe(10);\n});\n";
const TYPED_ID: &str = "ts:tests/typed.test.ts::refund is exact";

// A type-only import binds nothing that runs (types are erased).
harmless!(
    ts_changing_a_type_only_import_passes,
    "tests/typed.test.ts",
    TYPED,
    TYPED_ID,
    [(
        "import type {Refund} from '../billing';",
        "import type {Refund} from './other-types';\nimport {type Total} from './fake';"
    )]
);
refuses!(
    ts_a_value_import_next_to_a_type_import_is_refused,
    "tests/typed.test.ts",
    TYPED,
    [(
        "import {refund} from '../billing';",
        "import {type Total, refund} from './fake';"
    )],
    "rebound",
    TYPED_ID
);

const MEMBER: &str = "import * as ledger from '../billing';\n\n// gatekeeper:sacred\ntest('refund is exact', () => {\n  expect(ledger.refund(10)).toBe(10);\n});\n";
const MEMBER_ID: &str = "ts:tests/member.test.ts::refund is exact";

// A member after a dot is not a name a module-level binding reaches.
harmless!(
    ts_a_new_import_named_like_a_member_the_test_calls_passes,
    "tests/member.test.ts",
    MEMBER,
    MEMBER_ID,
    [(
        "import * as ledger from '../billing';",
        "import * as ledger from '../billing';\nimport { refund } from './fake';"
    )]
);

const COMMENTED: &str = "// gatekeeper:sacred\ntest('commented', () => {\n  // the refund is exact\n  const t: number = compute();\n  expect(t).toBe(6);\n});\n";
const COMMENTED_ID: &str = "ts:tests/commented.test.ts::commented";

harmless!(
    ts_a_return_inside_a_callback_is_not_an_early_return,
    "tests/commented.test.ts",
    COMMENTED,
    COMMENTED_ID,
    [(
        "  expect(t).toBe(6);\n",
        "  expect(t).toBe(6);\n  const doubled: number[] = [1, 2].map(function (x: number): number {\n    return x * 2;\n  });\n  expect(doubled).toEqual([2, 4]);\n"
    )]
);
harmless!(
    ts_appending_a_check_to_a_body_that_starts_with_a_comment_passes,
    "tests/commented.test.ts",
    COMMENTED,
    COMMENTED_ID,
    [(
        "  expect(t).toBe(6);\n",
        "  expect(t).toBe(6);\n  expect(t).toBeGreaterThan(5);\n"
    )]
);

const NODE_ASSERT: &str = "import assert from 'node:assert';\n\n// gatekeeper:sacred\ntest('six', () => {\n  const t: number = compute();\n  assert.strictEqual(t, 6);\n});\n";

harmless!(
    ts_adding_a_node_assert_message_passes,
    "tests/assert.test.ts",
    NODE_ASSERT,
    "ts:tests/assert.test.ts::six",
    [(
        "assert.strictEqual(t, 6);",
        "assert.strictEqual(t, 6, 'six cents');"
    )]
);
const TS_AVA: &str = "import test from 'ava';\n\n// gatekeeper:sacred\ntest('refund', async (t) => {\n  t.plan(1);\n  await t.notThrowsAsync(refund(10));\n});\n";
harmless!(
    ts_ava_plan_grows_with_added_assertions,
    "tests/ava.test.ts",
    TS_AVA,
    "ts:tests/ava.test.ts::refund",
    [
        ("t.plan(1);", "t.plan(2);"),
        (
            "  await t.notThrowsAsync(refund(10));\n",
            "  await t.notThrowsAsync(refund(10));\n  t.is(refund(1), 1, 'one');\n"
        )
    ]
);
refuses!(
    ts_dropping_not_throws_async_is_refused,
    "tests/ava.test.ts",
    TS_AVA,
    [(
        "  await t.notThrowsAsync(refund(10));\n",
        "  await refund(10);\n"
    )],
    "emptied",
    "ts:tests/ava.test.ts::refund"
);

const SKIPPED: &str = "describe('money', () => {\n  // gatekeeper:sacred\n  xit('six', () => {\n    expect(compute() as number).toBe(6);\n  });\n});\n";

harmless!(
    ts_unskipping_a_locked_test_passes,
    "tests/skipped.test.ts",
    SKIPPED,
    "ts:tests/skipped.test.ts::money::six",
    [("xit('six'", "it('six'")]
);
refuses!(
    ts_skipping_the_suite_of_an_unskipped_test_is_refused,
    "tests/skipped.test.ts",
    SKIPPED,
    [
        ("xit('six'", "it('six'"),
        ("describe('money'", "describe.skip('money'")
    ],
    "skipped",
    "ts:tests/skipped.test.ts::money::six"
);

// ---- TypeScript type-only edits: types have no run-time effect ----

harmless!(
    ts_changing_a_type_annotation_passes,
    FILE,
    BASE,
    ID,
    [(
        "const total: Money = balance(100);",
        "const total: Readonly<Money> = balance(100);"
    )]
);
harmless!(
    ts_removing_a_type_annotation_passes,
    FILE,
    BASE,
    ID,
    [(
        "const total: Money = balance(100);",
        "const total = balance(100);"
    )]
);
harmless!(
    ts_adding_an_as_cast_and_a_non_null_assertion_passes,
    FILE,
    BASE,
    ID,
    [(
        "expect(total.cents).toBe(100);",
        "expect(total!.cents as number).toBe(100);"
    )]
);
harmless!(
    ts_adding_generic_arguments_passes,
    FILE,
    BASE,
    ID,
    [
        (
            "const total: Money = balance(100);",
            "const total = balance<Money>(100);"
        ),
        (
            "expect(total.currency).toEqual(\"EUR\");",
            "expect(total.currency).toEqual<string>(\"EUR\");"
        )
    ]
);
refuses!(
    ts_a_cast_that_hides_a_new_value_is_still_refused,
    FILE,
    BASE,
    [(
        "const total: Money = balance(100);",
        "const total = balance(90) as Money;"
    )],
    "body-changed",
    ID
);

harmless!(
    ts_renaming_a_local_consistently_passes,
    "tests/six.test.ts",
    OVERWRITE,
    "ts:tests/six.test.ts::six",
    [(
        "  let t: number = compute();\n  expect(t).toBe(6);\n",
        "  let total: number = compute();\n  expect(total).toBe(6);\n"
    )]
);

// A sub-expression of an assertion moved into a local bound just before it.
const EXTRACT: &str = "import { total } from '../billing';\n\n// gatekeeper:sacred\ntest('total', () => {\n  const xs: number[] = [1, 2, 3];\n  expect(total(xs)).toBe(6);\n  expect(total([])).toBe(0);\n});\n";
const EXTRACT_FILE: &str = "tests/total.test.ts";
const EXTRACT_ID: &str = "ts:tests/total.test.ts::total";

harmless!(
    extracting_a_sub_expression_into_a_local_passes,
    EXTRACT_FILE,
    EXTRACT,
    EXTRACT_ID,
    [(
        "  expect(total(xs)).toBe(6);\n",
        "  const t: number = total(xs);\n  expect(t).toBe(6);\n"
    )]
);
refuses!(
    extracting_a_constant_in_place_of_the_computed_value_is_refused,
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
    extracting_a_different_expression_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "  expect(total(xs)).toBe(6);\n",
        "  const t = total(xs.slice(1));\n  expect(t).toBe(6);\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);

const AWAITED: &str = "// gatekeeper:sacred\ntest('body', async () => {\n  const body = await response.json() as Body;\n  expect(await total(body)).toBe(6);\n});\n";
const AWAITED_ID: &str = "ts:tests/awaited.test.ts::body";

// TypeScript reads `await f<T>()` as `(await f)<T>()`; with types erased it is `await f()`.
harmless!(
    await_with_type_arguments_passes,
    "tests/awaited.test.ts",
    AWAITED,
    AWAITED_ID,
    [
        (
            "await response.json() as Body;",
            "await response.json<Body>();"
        ),
        ("await total(body)", "await total<Money>(body)")
    ]
);
refuses!(
    calling_the_awaited_value_is_refused,
    "tests/awaited.test.ts",
    AWAITED,
    [("await total(body)", "(await total)<Money>(body)")],
    "assertion-changed",
    AWAITED_ID
);

const CHAINED: &str = "// gatekeeper:sacred\ntest('chunked', async () => {\n  const data = await ky.get(server.url).json();\n  expect(await pay.charge(data).total()).toBe(6);\n});\n";
const CHAINED_ID: &str = "ts:tests/chained.test.ts::chunked";

// `await f<T>(x).g()` awaits the whole chain, as `await f(x).g()` does (TypeScript's grammar
// reads it as `((await f)<T>(x)).g()`).
harmless!(
    type_arguments_inside_an_awaited_chain_pass,
    "tests/chained.test.ts",
    CHAINED,
    CHAINED_ID,
    [
        ("ky.get(server.url)", "ky.get<Data>(server.url)"),
        ("pay.charge(data)", "pay.charge<Money>(data)")
    ]
);
// Awaiting only the head of the chain is another expression: refused.
refuses!(
    awaiting_only_the_head_of_a_chain_is_refused,
    "tests/chained.test.ts",
    CHAINED,
    [(
        "await pay.charge(data).total()",
        "(await pay.charge<Money>(data)).total()"
    )],
    "assertion-changed",
    CHAINED_ID
);

const TYPE_CHECK: &str = "// gatekeeper:sacred\ntest('typed', async () => {\n  const body = await ky.get(url).json();\n  expectTypeOf(body).toEqualTypeOf<Body>();\n  expect(body.total).toBe(6);\n});\n";
const TYPE_CHECK_ID: &str = "ts:tests/typed.test.ts::typed";

// A type-level check (expect-type, Vitest's `expectTypeOf`) is a check: adding one anywhere is
// accepted, removing one is refused.
harmless!(
    inserting_a_type_check_passes,
    "tests/typed.test.ts",
    TYPE_CHECK,
    TYPE_CHECK_ID,
    [(
        "  expect(body.total)",
        "  expectTypeOf(body.total).toBeNumber();\n  expect(body.total)"
    )]
);
refuses!(
    removing_a_type_check_is_refused,
    "tests/typed.test.ts",
    TYPE_CHECK,
    [("  expectTypeOf(body).toEqualTypeOf<Body>();\n", "")],
    "assertion-removed",
    TYPE_CHECK_ID
);

const PREVIOUS_FILE: &str = "tests/billing/chained.test.ts";
const PREVIOUS: &str = "import test from 'ava';\n\ntest('chained', async t => {\n  const data = await ky.get<Data>(server.url).json();\n  t.is(data.total, 6);\n});\n";
const PREVIOUS_ID: &str = "ts:tests/billing/chained.test.ts::chained";
/// The lock the previous gatekeeper wrote for `PREVIOUS`: it read the first statement with the
/// `await` on `ky.get<Data>(…)` alone, as the grammar nests it.
const PREVIOUS_LOCK: &str = "# gatekeeper sacred lock v1
# Written by `gatekeeper sacred lock`; do not edit by hand. In CI, a change to this file is
# accepted only in a commit signed by a key in .gatekeeper/allowed_signers.

test ts:tests/billing/chained.test.ts::chained
  file tests/billing/chained.test.ts
  structure c03fff8aadd92beebba1411b7ae07afeaa13f56019b2f2294de180ba6bf3eb21
  body 1515323ec039d1f4e6357bd8d6b03a7c737ecbfc88af6ef0271bfcc57b79e52d
  envelope 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
  assertions 1
  returns 0
  skips 0
  swallows 0
  modifier test
  assert [] t.is(_l1.total,6)
  statements 4d5231b9ed15 8bfe74f11c2d
  bindings 0
";

/// A lock written by the previous reading of awaited chains still matches the same test (an
/// appended check passes), and a real change to that statement is still refused.
#[test]
fn a_lock_from_the_previous_reading_of_awaited_chains_still_matches() {
    let l = super::locked(&[(PREVIOUS_FILE, PREVIOUS)]);
    l.commit_lock(PREVIOUS_LOCK);
    l.edit(
        PREVIOUS_FILE,
        PREVIOUS,
        &[(
            "  t.is(data.total, 6);\n",
            "  t.is(data.total, 6);\n  t.true(data.ok);\n",
        )],
    );
    l.assert_passes_checked();
    l.edit(PREVIOUS_FILE, PREVIOUS, &[(".json()", ".text()")]);
    l.assert_refused("body-changed", PREVIOUS_ID);
}

const SERVER_FILE: &str = "test/total.ts";
const SERVER_ID: &str = "ts:test/total.ts::total over the server";
const SERVER: &str = r#"import test from "ava";
import { createServer, total } from "../src/ledger";

// gatekeeper:sacred
test("total over the server", async (t) => {
  const server = await createServer({ port: 0 });
  t.is(await total(server.url), 6);
  await server.close();
});
"#;

harmless!(
    the_server_cleanup_moving_into_its_helper_teardown_passes,
    SERVER_FILE,
    SERVER,
    SERVER_ID,
    [
        ("createServer({ port: 0 })", "createServer(t, { port: 0 })"),
        ("  await server.close();\n", "")
    ]
);
refuses!(
    the_server_cleanup_removed_while_its_helper_is_not_handed_t_is_refused,
    SERVER_FILE,
    SERVER,
    [("  await server.close();\n", "")],
    "body-changed",
    SERVER_ID
);
refuses!(
    another_argument_for_the_server_helper_is_refused,
    SERVER_FILE,
    SERVER,
    [("createServer({ port: 0 })", "createServer({ port: 1 })")],
    "body-changed",
    SERVER_ID
);

/// The lock the previous gatekeeper wrote for `SERVER`: `await server.close()` under the
/// fingerprint of its whole text, before a release was fingerprinted as such.
const SERVER_PREVIOUS_LOCK: &str = "# gatekeeper sacred lock v1
# Written by `gatekeeper sacred lock`; do not edit by hand. In CI, a change to this file is
# accepted only in a commit signed by a key in .gatekeeper/allowed_signers.

test ts:test/total.ts::total over the server
  file test/total.ts
  structure 44cffb70c9edb9231c5685d97fa18715269e063c5b6826edd8092a400c3ba623
  body fc87d1048c1413ff966ec27dc2fda1c8229a7408122c34d368235489a0def7b1
  envelope 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
  assertions 1
  returns 0
  skips 0
  swallows 0
  modifier test
  assert [] t.is(await total(_l1.url),6)
  statements 35892e0894a6 8bfe74f11c2d 31b184ff1d98
  bindings 2
  binding import createServer as createServer from \"../src/ledger\"
  binding import total as total from \"../src/ledger\"
";

/// A lock written before releases were fingerprinted as such still matches the release (an
/// appended check passes); it does not know the statement was a release, so moving the cleanup
/// into the helper's teardown needs a re-lock (refused, not silently accepted).
#[test]
fn a_lock_from_before_releases_still_matches_the_release() {
    let l = super::locked(&[(SERVER_FILE, SERVER)]);
    l.commit_lock(SERVER_PREVIOUS_LOCK);
    l.edit(
        SERVER_FILE,
        SERVER,
        &[(
            "  await server.close();\n",
            "  await server.close();\n  t.pass();\n",
        )],
    );
    l.assert_passes_checked();
    l.edit(
        SERVER_FILE,
        SERVER,
        &[
            ("createServer({ port: 0 })", "createServer(t, { port: 0 })"),
            ("  await server.close();\n", ""),
        ],
    );
    l.assert_refused("body-changed", SERVER_ID);
}

harmless!(
    bracket_access_written_with_a_dot_passes_in_typescript,
    "test/headers.ts",
    "import test from 'ava';\n\n// gatekeeper:sacred\ntest('custom headers', async t => {\n  const headers: Record<string, string> = await send();\n  t.is(headers[\"unicorn\"], 'rainbow');\n});\n",
    "ts:test/headers.ts::custom headers",
    [("headers[\"unicorn\"]", "headers.unicorn")]
);

const BROWSER_FILE: &str = "test/browser.ts";
const BROWSER_ID: &str = "ts:test/browser.ts::prefix option";
/// A browser test in the style of ky's: a helper bound as an arrow function, `window.` inside
/// the code the page runs, a bracket access inside a template literal, and a module constant.
const BROWSER: &str = "import test from 'ava';
import type {Page} from 'playwright';

const DEBUG = Boolean(process.env['DEBUG']);
const addScript = async (page: Page) => {
  await page.addScriptTag({path: 'dist/index.js'});
  await page.waitForFunction(() => typeof window.ky === 'function');
};

// gatekeeper:sacred
test('prefix option', async t => {
  const page = await open(DEBUG);
  await addScript(page);
  const result = await page.evaluate(async (url: string) => window.ky(`${url}/api`).text(), base);
  t.is(result, `rainbow ${headers['unicorn']}`);
  await t.throwsAsync(page.evaluate(async () => window.ky('/foo', {prefix: '/'})), {message: /slash/});
});
";

harmless!(
    window_written_as_global_this_passes,
    BROWSER_FILE,
    BROWSER,
    BROWSER_ID,
    [
        (
            "async (url: string) => window.ky(",
            "async (url: string) => globalThis.ky("
        ),
        (
            "`rainbow ${headers['unicorn']}`",
            "`rainbow ${headers.unicorn}`"
        ),
        ("async () => window.ky(", "async () => globalThis.ky("),
        (
            "typeof window.ky === 'function'",
            "typeof globalThis.ky === 'function'"
        ),
        ("process.env['DEBUG']", "process.env.DEBUG"),
    ]
);
refuses!(
    another_global_written_for_window_is_refused,
    BROWSER_FILE,
    BROWSER,
    [("async () => window.ky(", "async () => globalThis.fake(")],
    "assertion-changed",
    BROWSER_ID
);
refuses!(
    another_key_in_a_template_literal_is_refused,
    BROWSER_FILE,
    BROWSER,
    [(
        "`rainbow ${headers['unicorn']}`",
        "`rainbow ${headers.rainbow}`"
    )],
    "expected-changed",
    BROWSER_ID
);
refuses!(
    window_declared_in_the_file_is_not_the_global_object,
    BROWSER_FILE,
    BROWSER,
    [
        (
            "const DEBUG",
            "const window = {ky: () => ({text: async () => 'rainbow'})};\nconst DEBUG"
        ),
        (
            "async (url: string) => window.ky(",
            "async (url: string) => globalThis.ky("
        ),
    ],
    "rebound",
    BROWSER_ID
);
refuses!(
    global_this_bound_in_the_file_is_not_the_global_object,
    BROWSER_FILE,
    BROWSER,
    [(
        "async (url: string) => window.ky(",
        "async (globalThis: any) => globalThis.ky("
    ),],
    "assertion-changed",
    BROWSER_ID
);
refuses!(
    another_module_constant_read_with_a_dot_is_refused,
    BROWSER_FILE,
    BROWSER,
    [("process.env['DEBUG']", "process.env.CI")],
    "rebound",
    BROWSER_ID
);

/// The other way round, `globalThis.x` written `window.x` is not the same check: where no
/// `window` exists (Node, Jest's `node` environment) the new text throws a ReferenceError,
/// which a `toThrow()` or `throwsAsync` around it takes for the error it expects. In the
/// test's body, and in a check helper it calls.
#[test]
fn global_this_written_as_window_is_refused() {
    let written = BROWSER
        .replace("window.ky(`", "globalThis.ky(`")
        .replace("window.ky('/foo'", "globalThis.ky('/foo'");
    let l = super::locked(&[(BROWSER_FILE, written.as_str())]);
    l.edit(
        BROWSER_FILE,
        &written,
        &[(
            "async () => globalThis.ky('/foo'",
            "async () => window.ky('/foo'",
        )],
    );
    l.assert_refused("body-changed", BROWSER_ID);
    // Every other `window` of the file still reads as the global object.
    l.edit(
        BROWSER_FILE,
        &written,
        &[(
            "typeof window.ky === 'function'",
            "typeof globalThis.ky === 'function'",
        )],
    );
    l.assert_passes_checked();
}

const THROWS_FILE: &str = "test/billing/pay.test.js";
const THROWS_ID: &str = "js:test/billing/pay.test.js::billing::refuses a negative charge";
const THROWS: &str = "require('../../src/billing');

function refuses(amount) {
  expect(() => globalThis.billing.charge(amount)).toThrow();
}

describe('billing', () => {
  // gatekeeper:sacred
  test('refuses a negative charge', () => {
    refuses(-1);
    expect(() => globalThis.billing.charge(-2)).toThrow();
  });
});
";

#[test]
fn global_this_written_as_window_in_a_check_helper_is_refused() {
    let l = super::locked(&[(THROWS_FILE, THROWS)]);
    l.edit(
        THROWS_FILE,
        THROWS,
        &[(
            "expect(() => globalThis.billing.charge(amount))",
            "expect(() => window.billing.charge(amount))",
        )],
    );
    l.assert_refused("rebound", THROWS_ID);
    l.edit(
        THROWS_FILE,
        THROWS,
        &[(
            "expect(() => globalThis.billing.charge(-2))",
            "expect(() => window.billing.charge(-2))",
        )],
    );
    l.assert_refused("body-changed", THROWS_ID);
}

/// `window.x` written `globalThis.x` in a check helper and in the body is the same check.
#[test]
fn window_written_as_global_this_in_a_check_helper_passes() {
    let written = THROWS.replace("globalThis.", "window.");
    let l = super::locked(&[(THROWS_FILE, written.as_str())]);
    l.edit(
        THROWS_FILE,
        &written,
        &[
            (
                "expect(() => window.billing.charge(amount))",
                "expect(() => globalThis.billing.charge(amount))",
            ),
            (
                "expect(() => window.billing.charge(-2))",
                "expect(() => globalThis.billing.charge(-2))",
            ),
        ],
    );
    l.assert_passes_checked();
}

/// The lock the previous gatekeeper wrote for `BROWSER`: `window.` as written, the helper
/// bound by its whole text.
const BROWSER_PREVIOUS_LOCK: &str = "# gatekeeper sacred lock v1
# Written by `gatekeeper sacred lock`; do not edit by hand. In CI, a change to this file is
# accepted only in a commit signed by a key in .gatekeeper/allowed_signers.

test ts:test/browser.ts::prefix option
  file test/browser.ts
  structure dce1ae6c1e79f0978b346e933842dd8cc1f8bad68f7f331461142fc59ec32772
  body 084355b5c54d637d0f1118616cd2240ef6bc173a626b80753b1216f34cc68404
  envelope 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
  assertions 2
  returns 0
  skips 0
  swallows 0
  modifier test
  assert [] t.is(_l2,`rainbow ${headers['unicorn']}`)
  assert [] t.throwsAsync(_l1.evaluate(async()=>window.ky(\"/foo\",{prefix:\"/\"})),{message:/slash/})
  statements bc5cd41b9a02 0d690f63b1aa 0747fa6d139b 8bfe74f11c2d 8715008db8a9
  bindings 2
  binding DEBUG=Boolean(process.env[\"DEBUG\"])
  binding addScript=async(page)=>{await page.addScriptTag({path:\"dist/index.js\"})await page.waitForFunction(()=>((typeof window.ky)===\"function\"))}
";

/// A lock from before `window.x` read as `globalThis.x` and arrow helpers were recorded by
/// name: the test as written still matches it (an appended check and an edited helper pass),
/// and another function called through `window` is still refused.
#[test]
fn a_lock_from_before_global_this_still_matches_window() {
    let l = super::locked(&[(BROWSER_FILE, BROWSER)]);
    l.commit_lock(BROWSER_PREVIOUS_LOCK);
    l.edit(
        BROWSER_FILE,
        BROWSER,
        &[
            (
                "{message: /slash/});\n",
                "{message: /slash/});\n  t.pass();\n",
            ),
            (
                "typeof window.ky === 'function'",
                "typeof globalThis.ky === 'function'",
            ),
        ],
    );
    l.assert_passes_checked();
    l.edit(
        BROWSER_FILE,
        BROWSER,
        &[("async () => window.ky(", "async () => window.fake(")],
    );
    l.assert_refused("assertion-changed", BROWSER_ID);
}

const HOOKS_FILE: &str = "test/hooks.ts";
const HOOKS_ID: &str = "ts:test/hooks.ts::beforeRetry hook sees the error";
const HOOKS: &str = "import test from 'ava';
import ky, {HTTPError} from '../source/index.js';

// gatekeeper:sacred
test('beforeRetry hook sees the error', async t => {
\tconst server = await createHttpTestServer();
\tawait ky.get(server.url, {
\t\thooks: {
\t\t\tbeforeRetry: [
\t\t\t\t({error, retryCount}) => {
\t\t\t\t\tt.true(error instanceof HTTPError);
\t\t\t\t\tt.true(retryCount >= 1);
\t\t\t\t},
\t\t\t],
\t\t},
\t});
\tawait server.close();
});
";

// A check added inside the hook (a callback): the statement holding it runs nothing else.
harmless!(
    a_check_added_inside_a_hook_passes,
    HOOKS_FILE,
    HOOKS,
    HOOKS_ID,
    [(
        "\t\t\t\t\tt.true(error instanceof HTTPError);\n",
        "\t\t\t\t\tt.true(error instanceof HTTPError);\n\t\t\t\t\tt.true(isHTTPError(error));\n"
    )]
);
refuses!(
    a_check_removed_from_a_hook_is_refused,
    HOOKS_FILE,
    HOOKS,
    [("\t\t\t\t\tt.true(retryCount >= 1);\n", "")],
    "assertion-removed",
    HOOKS_ID
);
refuses!(
    a_hook_that_no_longer_runs_its_checks_is_refused,
    HOOKS_FILE,
    HOOKS,
    [("beforeRetry: [", "afterResponse: [")],
    "body-changed",
    HOOKS_ID
);

/// The lock the previous gatekeeper wrote for `HOOKS`: the hook's checks left in the statement.
const HOOKS_PREVIOUS_LOCK: &str = "# gatekeeper sacred lock v1
# Written by `gatekeeper sacred lock`; do not edit by hand. In CI, a change to this file is
# accepted only in a commit signed by a key in .gatekeeper/allowed_signers.

test ts:test/hooks.ts::beforeRetry hook sees the error
  file test/hooks.ts
  structure 4cf565c37d32940329969039d2a5b523d5961d916f577c282c921eec5ef9a958
  body d23ba4ba9c6ab4396a301e6342964e3760645436659506fa0bfdac86b5655f5a
  envelope 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
  assertions 2
  returns 0
  skips 0
  swallows 0
  modifier test
  assert [arrow_function] t.true(error instanceof HTTPError)
  assert [arrow_function] t.true(retryCount>=1)
  statements 9924c675e2ff 31c7721d95e4 eeacab2d7e0f
  bindings 2
  binding import HTTPError as HTTPError from '../source/index.js'
  binding import default as ky from '../source/index.js'
";

/// A lock from before nested checks were left out of their statement still matches the test as
/// written (an appended check passes).
#[test]
fn a_lock_from_before_nested_checks_were_left_out_still_matches() {
    let l = super::locked(&[(HOOKS_FILE, HOOKS)]);
    l.commit_lock(HOOKS_PREVIOUS_LOCK);
    l.edit(
        HOOKS_FILE,
        HOOKS,
        &[(
            "\tawait server.close();\n",
            "\tawait server.close();\n\tt.pass();\n",
        )],
    );
    l.assert_passes_checked();
    l.edit(HOOKS_FILE, HOOKS, &[("beforeRetry: [", "afterResponse: [")]);
    l.assert_refused("body-changed", HOOKS_ID);
}

const NESTED_SERVER: &str = r#"import test from "ava";
import { createServer, total, supported } from "../src/ledger";

// gatekeeper:sacred
test("total over the server", async (t) => {
  const server = await createServer({ port: 0 });
  if (!supported) {
    await total(server.url);
    await server.close();
    t.pass();
    return;
  }
  try {
    t.is(await total(server.url), 6);
  } finally {
    await server.close();
  }
});
"#;

harmless!(
    a_nested_server_cleanup_moving_into_its_helper_teardown_passes,
    SERVER_FILE,
    NESTED_SERVER,
    SERVER_ID,
    [
        ("createServer({ port: 0 })", "createServer(t, { port: 0 })"),
        ("    await server.close();\n    t.pass();", "    t.pass();"),
        (
            "  } finally {\n    await server.close();\n  }",
            "  } finally {\n  }"
        )
    ]
);
refuses!(
    a_nested_server_cleanup_removed_while_its_helper_is_not_handed_t_is_refused,
    SERVER_FILE,
    NESTED_SERVER,
    [("    await server.close();\n    t.pass();", "    t.pass();")],
    "body-changed",
    SERVER_ID
);

const DELAYED: &str = "import test from 'ava';\nimport delay from 'delay';\nimport ky from '../source/index.js';\n\n// gatekeeper:sacred\ntest('timeout option', async t => {\n  const server = await createServer();\n  server.get('/', async (_request, response) => {\n    await delay(2000);\n    response.end('ok');\n  });\n  const half = (delay: number) => delay * 0.5;\n  t.is(half(2), 1);\n  await t.throwsAsync(ky(server.url, {timeout: 1000}).text());\n});\n";
const DELAYED_ID: &str = "ts:tests/delayed.test.ts::timeout option";

// ky f1da0fc: the `delay` package replaced by the function its readme names instead.
harmless!(
    the_delay_package_replaced_by_node_timers_passes,
    "tests/delayed.test.ts",
    DELAYED,
    DELAYED_ID,
    [(
        "import delay from 'delay';",
        "import {setTimeout as delay} from 'node:timers/promises';"
    )]
);
refuses!(
    delay_replaced_by_a_module_of_the_repository_is_refused,
    "tests/delayed.test.ts",
    DELAYED,
    [(
        "import delay from 'delay';",
        "import {setTimeout as delay} from './timers.js';"
    )],
    "rebound",
    DELAYED_ID
);
refuses!(
    delay_replaced_while_called_with_two_arguments_is_refused,
    "tests/delayed.test.ts",
    DELAYED,
    [
        (
            "import delay from 'delay';",
            "import {setTimeout as delay} from 'node:timers/promises';"
        ),
        ("await delay(2000);", "await delay(2000, {value: 1});")
    ],
    "rebound",
    DELAYED_ID
);

const CALLBACK_PARAM: &str = "import test from 'ava';\nimport ky from '../source/index.js';\n\n// gatekeeper:sacred\ntest('jitter', async t => {\n  const calls: number[] = [];\n  const jitter = (delay: number) => {\n    calls.push(delay);\n    return delay * 0.5;\n  };\n  await ky('https://example.test', {retry: {jitter}});\n  t.is(calls[0], 100);\n});\n";
const CALLBACK_PARAM_ID: &str = "ts:tests/jitter.test.ts::jitter";

// ky f0fdbd4: a callback's parameter named like a new module-level import.
harmless!(
    an_import_named_like_a_callbacks_parameter_passes,
    "tests/jitter.test.ts",
    CALLBACK_PARAM,
    CALLBACK_PARAM_ID,
    [(
        "import test from 'ava';\n",
        "import {setTimeout as delay} from 'node:timers/promises';\nimport test from 'ava';\n"
    )]
);
const CALLBACK_AND_GLOBAL: &str = "import test from 'ava';\nimport ky from '../source/index.js';\n\n// gatekeeper:sacred\ntest('jitter', async t => {\n  const calls: number[] = [];\n  const jitter = (delay: number) => {\n    calls.push(delay);\n    return delay * 0.5;\n  };\n  await ky('https://example.test', {retry: {jitter}});\n  t.is(calls[0], delay);\n});\n";

// The same name read outside the callback (a global at the base) is reached by the import.
refuses!(
    an_import_of_a_name_read_outside_the_callback_is_refused,
    "tests/jitter.test.ts",
    CALLBACK_AND_GLOBAL,
    [(
        "import test from 'ava';\n",
        "import {setTimeout as delay} from 'node:timers/promises';\nimport test from 'ava';\n"
    )],
    "rebound",
    CALLBACK_PARAM_ID
);

// A check helper the test imports from a module of the tests is one of its checks, with the
// helpers of that module it reaches (`./check.js` is the source `./check.ts`).
const IMPORTED_ID: &str = "ts:tests/billing/total.test.ts::total";
const IMPORTED_TEST: &str = "import {test} from 'vitest';\nimport {total} from '../../src/total.js';\nimport {checkTotal} from '../helpers/check.js';\n\ntest('total', () => {\n  checkTotal(total([1, 2, 3]));\n});\n";
const IMPORTED_HELPERS: &str = "import {expect} from 'vitest';\n\nexport function checkTotal(got: number) {\n  expectEqual(got, 6);\n}\n\nfunction expectEqual(got: number, want: number) {\n  expect(got).toBe(want);\n}\n\nexport const unrelated = (x: number) => {\n  expect(x).toBeTruthy();\n};\n";

fn imported_helper_repo(test: &str) -> super::Locked {
    super::locked(&[
        ("tests/billing/total.test.ts", test),
        ("tests/helpers/check.ts", IMPORTED_HELPERS),
    ])
}

#[test]
fn an_imported_check_helper_that_checks_less_is_refused() {
    let l = imported_helper_repo(IMPORTED_TEST);
    l.edit(
        "tests/helpers/check.ts",
        IMPORTED_HELPERS,
        &[("expect(got).toBe(want);", "expect(got).toBeDefined();")],
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

#[test]
fn an_imported_check_helper_under_another_name_that_stops_checking_is_refused() {
    let l = imported_helper_repo(&IMPORTED_TEST.replace(
        "import {checkTotal} from '../helpers/check.js';\n\ntest('total', () => {\n  checkTotal(",
        "import {checkTotal as check} from '../helpers/check.js';\n\ntest('total', () => {\n  check(",
    ));
    l.edit(
        "tests/helpers/check.ts",
        IMPORTED_HELPERS,
        &[("  expectEqual(got, 6);\n", "  void got;\n")],
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

#[test]
fn what_an_imported_check_helper_does_not_reach_may_change() {
    let l = imported_helper_repo(IMPORTED_TEST);
    l.edit(
        "tests/helpers/check.ts",
        IMPORTED_HELPERS,
        &[
            ("expect(x).toBeTruthy();", "expect(x).toBeDefined();"),
            (
                "export function checkTotal",
                "// Six, as billed.\nexport function checkTotal",
            ),
        ],
    );
    l.assert_passes_checked();
}

// A helper of a module of the tests whose value an assertion compares decides what is
// compared, and so does every function of its module it calls, asserting or not.
#[test]
fn a_function_an_imported_compared_helper_calls_in_its_module_is_locked() {
    let test = "import {test, expect} from 'vitest';\nimport {total} from '../../src/total.js';\nimport {expected} from '../helpers/expected.js';\n\ntest('total', () => {\n  expect(total([1, 2, 3])).toBe(expected());\n});\n";
    let helpers = "function norm(x: number): number {\n  return x;\n}\n\nexport function expected(): number {\n  return norm(6);\n}\n\nexport function unrelated(): number {\n  return 1;\n}\n";
    let files = [
        ("tests/billing/total.test.ts", test),
        ("tests/helpers/expected.ts", helpers),
    ];
    let l = super::locked(&files);
    l.edit(
        "tests/helpers/expected.ts",
        helpers,
        &[("  return x;\n", "  return x + 1;\n")],
    );
    l.assert_refused("rebound", IMPORTED_ID);
    let l = super::locked(&files);
    l.edit(
        "tests/helpers/expected.ts",
        helpers,
        &[("  return 1;\n", "  return 2;\n")],
    );
    l.assert_passes_checked();
}

// A helper class of the file whose method checks what the test hands it is a check helper.
#[test]
fn a_helper_class_that_checks_less_is_refused() {
    let test = "import {test, expect} from 'vitest';\nimport {total} from '../../src/total.js';\n\nclass Checker {\n  check(x: number) {\n    expect(x).toBe(6);\n  }\n}\n\ntest('total', () => {\n  new Checker().check(total([1, 2, 3]));\n});\n";
    let l = super::locked(&[("tests/billing/total.test.ts", test)]);
    l.edit(
        "tests/billing/total.test.ts",
        test,
        &[("expect(x).toBe(6);", "expect(x).toBeDefined();")],
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

// A stored snapshot is the expected value of the test that compares with it: rewriting it
// (as `vitest -u` does after the code broke) or deleting it is refused; another test's may
// change. Jest's keys join the titles with a space, Vitest's with ` > `.
#[test]
fn rewriting_or_deleting_a_sacred_tests_snapshot_is_refused() {
    let test = "import {describe, test, expect} from 'vitest';\nimport {total} from '../../src/total.js';\n\ndescribe('billing', () => {\n  // gatekeeper:sacred\n  test('total', () => {\n    expect(total([1, 2, 3])).toMatchSnapshot();\n  });\n});\n\ntest('other', () => {\n  expect(total([1])).toMatchSnapshot();\n});\n";
    let id = "ts:src/billing/total.test.ts::billing::total";
    for join in [" > ", " "] {
        let snap = format!(
            "// Vitest Snapshot v1\n\nexports[`billing{join}total 1`] = `6`;\n\nexports[`other 1`] = `1`;\n"
        );
        let files = [
            ("src/billing/total.test.ts", test),
            (
                "src/billing/__snapshots__/total.test.ts.snap",
                snap.as_str(),
            ),
        ];
        let file = "src/billing/__snapshots__/total.test.ts.snap";
        let l = super::locked(&files);
        l.edit(file, &snap, &[("`6`", "`7`")]);
        l.assert_refused("rebound", id);
        let l = super::locked(&files);
        l.edit(
            file,
            &snap,
            &[(
                format!("exports[`billing{join}total 1`] = `6`;\n\n").as_str(),
                "",
            )],
        );
        l.assert_refused("rebound", id);
        let l = super::locked(&files);
        l.edit(file, &snap, &[("`1`;", "`2`;")]);
        l.assert_passes_checked();
    }
}

// A snapshot taken with a hint (`toMatchSnapshot('receipt')`, Jest's key `NAME: HINT N`) is
// the test's too; another test's hinted snapshot may change.
#[test]
fn a_snapshot_taken_with_a_hint_is_the_tests_too() {
    let test = "import {describe, test, expect} from 'vitest';\nimport {total} from '../../src/total.js';\n\ndescribe('billing', () => {\n  // gatekeeper:sacred\n  test('total', () => {\n    expect(total([1, 2, 3])).toMatchSnapshot('receipt');\n  });\n});\n\ntest('other', () => {\n  expect(total([1])).toMatchSnapshot('one');\n});\n";
    let id = "ts:src/billing/total.test.ts::billing::total";
    let snap = "// Jest Snapshot v1\n\nexports[`billing total: receipt 1`] = `6`;\n\nexports[`other: one 1`] = `1`;\n";
    let file = "src/billing/__snapshots__/total.test.ts.snap";
    let files = [("src/billing/total.test.ts", test), (file, snap)];
    let l = super::locked(&files);
    l.edit(file, snap, &[("`6`", "`7`")]);
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.edit(file, snap, &[("`1`;", "`2`;")]);
    l.assert_passes_checked();
}

// Jest and Vitest run a snapshot file as JavaScript: code beside the entries (a getter
// defined under the locked key, whose no-op setter swallows the entry below it) is refused
// though every entry stays as written. A new plain entry, escapes and all, passes.
#[test]
fn code_beside_the_entries_of_a_snapshot_file_is_refused() {
    let test = "import {describe, test, expect} from 'vitest';\nimport {total} from '../../src/total.js';\n\ndescribe('billing', () => {\n  // gatekeeper:sacred\n  test('total', () => {\n    expect(total([1, 2, 3])).toMatchSnapshot();\n  });\n});\n";
    let id = "ts:src/billing/total.test.ts::billing::total";
    let snap = "// Jest Snapshot v1\n\nexports[`billing total 1`] = `6`;\n";
    let file = "src/billing/__snapshots__/total.test.ts.snap";
    let files = [("src/billing/total.test.ts", test), (file, snap)];
    for code in [
        "Object.defineProperty(exports, `billing total 1`, { enumerable: true, set() {}, get: () => `7` });\n\n",
        "exports[`other ${(() => { globalThis.x = 1; return 1; })()}`] = `1`;\n\n",
        "exports[`other 1`] = `1` + String(7);\n\n",
    ] {
        let l = super::locked(&files);
        l.edit(
            file,
            snap,
            &[("exports[`billing", &format!("{code}exports[`billing"))],
        );
        l.assert_refused("rebound", id);
    }
    let l = super::locked(&files);
    l.edit(
        file,
        snap,
        &[(
            "`6`;\n",
            "`6`;\n\nexports[`other 1`] = `\"a \\` b \\${x}\"`;\n",
        )],
    );
    l.assert_passes_checked();
}

// The `test` a sacred test is registered with, imported from a helper module (Vitest's
// `base.extend({...})` fixtures), is locked as that module defines it: a fixture that sets
// `task.fails`, or `.fails` appended to the export, is refused; another export of the module
// may be added.
#[test]
fn the_test_function_a_helper_module_defines_is_locked() {
    let helper = "import { test as base } from 'vitest';\n\nexport const test = base.extend<{ xs: number[] }>({\n  xs: async ({}, use) => {\n    await use([1, 2, 3]);\n  },\n});\n";
    let test = "import { expect } from 'vitest';\nimport { test } from '../support/test';\nimport { total } from '../../src/total';\n\ntest('total', ({ xs }) => {\n  expect(total(xs)).toBe(6);\n});\n";
    let id = "ts:tests/billing/total.test.ts::total";
    let files = [
        ("tests/billing/total.test.ts", test),
        ("tests/support/test.ts", helper),
    ];
    for (from, to) in [
        (
            "xs: async ({}, use) => {\n",
            "xs: async ({ task }, use) => {\n    task.fails = true;\n",
        ),
        ("  },\n});\n", "  },\n}).fails;\n"),
    ] {
        let l = super::locked(&files);
        l.edit("tests/support/test.ts", helper, &[(from, to)]);
        l.assert_refused("rebound", id);
    }
    let l = super::locked(&files);
    l.edit(
        "tests/support/test.ts",
        helper,
        &[("", "export const LIMIT = 3;\n\n")],
    );
    l.assert_passes_checked();
}

// A test beside the code it tests imports that code: an assertion inside it is code the
// test exercises, not one of its checks.
#[test]
fn the_code_beside_a_test_is_not_a_check_helper() {
    let code = "import assert from 'node:assert';\n\nexport function total(xs: number[]): number {\n  assert(Array.isArray(xs));\n  return xs.reduce((a, b) => a + b, 0);\n}\n";
    let l = super::locked(&[
        (
            "src/total.test.ts",
            "import {test, expect} from 'vitest';\nimport {total} from './total.js';\n\n// gatekeeper:sacred\ntest('total', () => {\n  expect(total([1, 2, 3])).toBe(6);\n});\n",
        ),
        ("src/total.ts", code),
    ]);
    l.assert_locked("ts:src/total.test.ts::total");
    l.edit(
        "src/total.ts",
        code,
        &[("  assert(Array.isArray(xs));\n", "")],
    );
    // The test's file is not re-parsed: the lock holds no helper of `src/total.ts`.
    l.assert_passes();
}

// A test's title is not a function: a test titled like the check helper it calls still
// reaches it.
const TITLED_LIKE_HELPER: &str = "import {test, expect} from 'vitest';\n\nfunction total(got: number) {\n  expect(got).toBe(6);\n}\n\n// gatekeeper:sacred\ntest('total', () => {\n  total(1 + 2 + 3);\n});\n";
refuses!(
    a_check_helper_named_like_the_tests_title_is_locked,
    "tests/billing/total.test.ts",
    TITLED_LIKE_HELPER,
    [("expect(got).toBe(6);", "expect(got).toBeDefined();")],
    "rebound",
    "ts:tests/billing/total.test.ts::total"
);

// A new module the test's import now names (`check.js` beside the locked `check.ts`) brings
// the test into the check: its helper there is not the locked one.
#[test]
fn a_new_module_that_the_import_now_names_is_refused() {
    let l = imported_helper_repo(IMPORTED_TEST);
    l.repo.write(
        "tests/helpers/check.js",
        "export function checkTotal(got) {\n  void got;\n}\n",
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

// A check helper reached through a namespace import, a default export or CommonJS `require`
// is one of the test's checks.
#[test]
fn a_check_helper_of_a_namespace_import_that_checks_less_is_refused() {
    let l = imported_helper_repo(&IMPORTED_TEST.replace(
        "import {checkTotal} from '../helpers/check.js';\n\ntest('total', () => {\n  checkTotal(",
        "import * as helpers from '../helpers/check.js';\n\ntest('total', () => {\n  helpers.checkTotal(",
    ));
    l.edit(
        "tests/helpers/check.ts",
        IMPORTED_HELPERS,
        &[("expect(got).toBe(want);", "expect(got).toBeDefined();")],
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

#[test]
fn what_a_namespace_import_does_not_reach_may_change() {
    let l = imported_helper_repo(&IMPORTED_TEST.replace(
        "import {checkTotal} from '../helpers/check.js';\n\ntest('total', () => {\n  checkTotal(",
        "import * as helpers from '../helpers/check.js';\n\ntest('total', () => {\n  helpers.checkTotal(",
    ));
    l.edit(
        "tests/helpers/check.ts",
        IMPORTED_HELPERS,
        &[("expect(x).toBeTruthy();", "expect(x).toBeDefined();")],
    );
    l.assert_passes_checked();
}

#[test]
fn a_default_exported_check_helper_that_checks_less_is_refused() {
    for helpers in [
        IMPORTED_HELPERS.replace(
            "export function checkTotal",
            "export default function checkTotal",
        ),
        IMPORTED_HELPERS.replace("export function checkTotal", "function checkTotal")
            + "\nexport default checkTotal;\n",
    ] {
        let l = super::locked(&[
            (
                "tests/billing/total.test.ts",
                &IMPORTED_TEST.replace(
                    "import {checkTotal} from '../helpers/check.js';\n\ntest('total', () => {\n  checkTotal(",
                    "import check from '../helpers/check.js';\n\ntest('total', () => {\n  check(",
                ),
            ),
            ("tests/helpers/check.ts", &helpers),
        ]);
        l.edit(
            "tests/helpers/check.ts",
            &helpers,
            &[("expect(got).toBe(want);", "expect(got).toBeDefined();")],
        );
        l.assert_refused("rebound", IMPORTED_ID);
    }
}

const REQUIRE_ID: &str = "js:tests/billing/total.test.js::total";
const REQUIRE_HELPERS: &str = "const assert = require('node:assert');\n\nfunction expectEqual(got, want) {\n  assert.strictEqual(got, want);\n}\n\nfunction checkTotal(got) {\n  expectEqual(got, 6);\n}\n\nfunction unrelated(x) {\n  assert.ok(x);\n}\n\nmodule.exports = {checkTotal, unrelated};\n";

#[test]
fn a_required_check_helper_that_checks_less_is_refused() {
    for (import, call) in [
        (
            "const {checkTotal} = require('../helpers/check.js');",
            "checkTotal",
        ),
        (
            "const helpers = require('../helpers/check');",
            "helpers.checkTotal",
        ),
    ] {
        let test = format!(
            "const test = require('node:test');\nconst {{total}} = require('../../src/total.js');\n{import}\n\ntest('total', () => {{\n  {call}(total([1, 2, 3]));\n}});\n"
        );
        let l = super::locked(&[
            ("tests/billing/total.test.js", &test),
            ("tests/helpers/check.js", REQUIRE_HELPERS),
        ]);
        l.edit(
            "tests/helpers/check.js",
            REQUIRE_HELPERS,
            &[("assert.strictEqual(got, want);", "assert.ok(got);")],
        );
        l.assert_refused("rebound", REQUIRE_ID);
        let l = super::locked(&[
            ("tests/billing/total.test.js", &test),
            ("tests/helpers/check.js", REQUIRE_HELPERS),
        ]);
        l.edit(
            "tests/helpers/check.js",
            REQUIRE_HELPERS,
            &[("assert.ok(x);", "void x;")],
        );
        l.assert_passes_checked();
    }
}

#[test]
fn a_check_helper_a_helper_module_imports_in_turn_that_checks_less_is_refused() {
    let helpers = "import {expectEqual} from './asserts.js';\n\nexport function checkTotal(got: number) {\n  expectEqual(got, 6);\n}\n";
    let asserts = "import {expect} from 'vitest';\n\nexport function expectEqual(got: number, want: number) {\n  expect(got).toBe(want);\n}\n";
    let files = [
        ("tests/billing/total.test.ts", IMPORTED_TEST),
        ("tests/helpers/check.ts", helpers),
        ("tests/helpers/asserts.ts", asserts),
    ];
    let l = super::locked(&files);
    l.edit(
        "tests/helpers/asserts.ts",
        asserts,
        &[("expect(got).toBe(want);", "expect(got).toBeDefined();")],
    );
    l.assert_refused("rebound", IMPORTED_ID);
}

const TABLE: &str = "import { refund } from '../billing';\n\n// gatekeeper:sacred\ntest('refunds', () => {\n  const cases: Array<[number, number]> = [[100, 100], [0, 0]];\n  for (const [amount, want] of cases) {\n    expect(refund(amount)).toBe(want);\n  }\n});\n";
const TABLE_ID: &str = "ts:tests/table.test.ts::refunds";
harmless!(
    a_case_added_to_an_array_the_test_loops_over_passes,
    "tests/table.test.ts",
    TABLE,
    TABLE_ID,
    [("[0, 0]];", "[0, 0], [7, 7]];")]
);
refuses!(
    a_case_of_an_array_the_test_loops_over_changed_is_refused,
    "tests/table.test.ts",
    TABLE,
    [("[0, 0]];", "[7, 7]];")],
    "body-changed",
    TABLE_ID
);
