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
