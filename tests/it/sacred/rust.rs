//! Rust: every weakening rule, and harmless edits that must pass.

const FILE: &str = "tests/refunds.rs";
const ID: &str = "rust:tests/refunds.rs::refund_is_exact";

const BASE: &str = r#"//! Refund tests.

fn refund(x: i64) -> i64 {
    x
}

// gatekeeper:sacred
#[test]
fn refund_is_exact() {
    let total = refund(100);
    assert_eq!(total, 100);
    assert!(refund(5) == 5);
    assert!(total >= 0, "never negative");
    assert!((0.1_f64 + 0.2 - 0.3).abs() < 1e-9);
    let r: Result<i64, Error> = charge(-1);
    assert!(matches!(r, Err(Error::Insufficient)));
}

#[test]
fn helper_is_plain() {
    assert_eq!(refund(1), 1);
}

#[cfg(test)]
// gatekeeper:sacred
mod ledger {
    #[test]
    fn balance_never_drops() {
        assert_eq!(2 + 2, 4);
    }
}
"#;

const SACRED_FN_HEAD: &str = "// gatekeeper:sacred\n#[test]\nfn refund_is_exact() {";

refuses!(
    removing_the_test_is_refused,
    FILE,
    BASE,
    [(
        SACRED_FN_HEAD,
        "fn unrelated() {}\n#[test]\nfn other() {\n    let total = 1;"
    )],
    "removed",
    ID
);
refuses!(
    removing_the_tag_is_refused,
    FILE,
    BASE,
    [("// gatekeeper:sacred\n#[test]", "#[test]")],
    "untagged",
    ID
);
refuses!(
    removing_the_test_attribute_is_renamed_out_of_collection,
    FILE,
    BASE,
    [("#[test]\nfn refund_is_exact", "fn refund_is_exact")],
    "renamed-out-of-collection",
    ID
);
// A rename that keeps every check is followed (it used to need a re-lock); a rename that
// also drops a check is refused.
moves!(
    renaming_the_test_keeping_every_check_is_followed,
    FILE,
    BASE,
    [("fn refund_is_exact()", "fn refund_is_fine()")],
    ID,
    "rust:tests/refunds.rs::refund_is_fine"
);
refuses!(
    renaming_the_test_and_dropping_a_check_is_refused,
    FILE,
    BASE,
    [
        ("fn refund_is_exact()", "fn refund_is_fine()"),
        ("    assert!(refund(5) == 5);\n", "")
    ],
    "removed",
    ID
);
refuses!(
    ignore_attribute_is_skipped,
    FILE,
    BASE,
    [(
        "#[test]\nfn refund_is_exact",
        "#[test]\n#[ignore]\nfn refund_is_exact"
    )],
    "skipped",
    ID
);
refuses!(
    cfg_on_the_parent_module_is_skipped,
    FILE,
    BASE,
    [(
        "#[cfg(test)]\n// gatekeeper:sacred\nmod ledger",
        "#[cfg(any())]\n// gatekeeper:sacred\nmod ledger"
    )],
    "skipped",
    "rust:tests/refunds.rs::ledger::balance_never_drops"
);
refuses!(
    should_panic_changes_the_envelope,
    FILE,
    BASE,
    [(
        "#[test]\nfn refund_is_exact",
        "#[test]\n#[should_panic]\nfn refund_is_exact"
    )],
    "envelope-changed",
    ID
);
refuses!(
    emptying_the_test_is_refused,
    FILE,
    BASE,
    [(
        "    let total = refund(100);\n    assert_eq!(total, 100);\n    assert!(refund(5) == 5);\n    assert!(total >= 0, \"never negative\");\n    assert!((0.1_f64 + 0.2 - 0.3).abs() < 1e-9);\n    let r: Result<i64, Error> = charge(-1);\n    assert!(matches!(r, Err(Error::Insufficient)));\n",
        ""
    )],
    "emptied",
    ID
);
refuses!(
    removing_an_assertion_is_refused,
    FILE,
    BASE,
    [("    assert!(total >= 0, \"never negative\");\n", "")],
    "assertion-removed",
    ID
);
refuses!(
    commenting_out_an_assertion_is_refused,
    FILE,
    BASE,
    [(
        "    assert_eq!(total, 100);",
        "    // assert_eq!(total, 100);"
    )],
    "assertion-commented-out",
    ID
);
refuses!(
    assert_eq_to_assert_is_loosened,
    FILE,
    BASE,
    [("assert_eq!(total, 100);", "assert!(total > 0);")],
    "assertion-loosened",
    ID
);
refuses!(
    assert_eq_to_debug_assert_eq_is_loosened,
    FILE,
    BASE,
    [("assert_eq!(total, 100);", "debug_assert_eq!(total, 100);")],
    "assertion-loosened",
    ID
);
refuses!(
    equality_to_ordering_is_loosened,
    FILE,
    BASE,
    [("assert!(refund(5) == 5);", "assert!(refund(5) >= 5);")],
    "assertion-loosened",
    ID
);
refuses!(
    raising_a_tolerance_is_loosened,
    FILE,
    BASE,
    [("abs() < 1e-9", "abs() < 1e-3")],
    "assertion-loosened",
    ID
);
refuses!(
    widening_the_error_is_loosened,
    FILE,
    BASE,
    [(
        "assert!(matches!(r, Err(Error::Insufficient)));",
        "assert!(r.is_err());"
    )],
    "assertion-loosened",
    ID
);
refuses!(
    changing_the_expected_literal_is_refused,
    FILE,
    BASE,
    [("assert_eq!(total, 100);", "assert_eq!(total, 90);")],
    "expected-changed",
    ID
);
refuses!(
    an_early_return_is_refused,
    FILE,
    BASE,
    [(
        "    let total = refund(100);\n",
        "    let total = refund(100);\n    if total > 0 {\n        return;\n    }\n"
    )],
    "early-return",
    ID
);
refuses!(
    catch_unwind_is_a_swallowed_failure,
    FILE,
    BASE,
    [(
        "    assert!(matches!(r, Err(Error::Insufficient)));\n",
        "    let _ = std::panic::catch_unwind(|| {\n        assert!(matches!(r, Err(Error::Insufficient)));\n    });\n"
    )],
    "swallowed-failure",
    ID
);
refuses!(
    moving_an_assertion_under_an_if_is_refused,
    FILE,
    BASE,
    [(
        "    assert_eq!(total, 100);\n",
        "    if total != 0 {\n        assert_eq!(total, 100);\n    }\n"
    )],
    "assertion-moved",
    ID
);
refuses!(
    changing_a_statement_is_refused,
    FILE,
    BASE,
    [("let total = refund(100);", "let total = refund(0) + 100;")],
    "body-changed",
    ID
);
refuses!(
    a_parse_error_inside_the_test_is_refused,
    FILE,
    BASE,
    [(
        "    let total = refund(100);\n",
        "    let total = refund(100;\n"
    )],
    "parse-error",
    ID
);

passes!(
    reformatting_passes,
    FILE,
    BASE,
    [
        (
            "    assert_eq!(total, 100);",
            "    assert_eq!(\n        total, // the whole refund\n        100,\n    );"
        ),
        ("let total = refund(100);", "let total   =   refund( 100 );"),
    ]
);
passes!(
    adding_an_assertion_passes,
    FILE,
    BASE,
    [(
        "    assert_eq!(total, 100);\n",
        "    assert_eq!(total, 100);\n    assert_ne!(total, 0);\n"
    )]
);
passes!(
    adding_a_statement_and_an_assertion_passes,
    FILE,
    BASE,
    [(
        "    assert!(matches!(r, Err(Error::Insufficient)));\n}",
        "    assert!(matches!(r, Err(Error::Insufficient)));\n    let again = refund(100);\n    assert_eq!(again, total);\n}"
    )]
);
refuses!(
    inserting_a_shadowing_statement_before_an_assertion_is_refused,
    FILE,
    BASE,
    [(
        "    let total = refund(100);\n",
        "    let total = refund(100);\n    let total = 100;\n"
    )],
    "body-changed",
    ID
);
passes!(
    adding_a_comment_passes,
    FILE,
    BASE,
    [(
        "    let total = refund(100);\n",
        "    // Refunds are exact to the cent.\n    let total = refund(100);\n"
    )]
);
passes!(
    weakening_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    [("assert_eq!(refund(1), 1);", "assert!(true);")]
);
passes!(
    adding_a_test_passes,
    FILE,
    BASE,
    [(
        "#[test]\nfn helper_is_plain",
        "// gatekeeper:sacred\n#[test]\nfn new_rule() {\n    assert_eq!(refund(2), 2);\n}\n\n#[test]\nfn helper_is_plain"
    )]
);
passes!(
    moving_the_test_down_the_file_passes,
    FILE,
    BASE,
    [(
        "fn refund(x: i64) -> i64 {\n    x\n}\n",
        "fn refund(x: i64) -> i64 {\n    x\n}\n\nfn unrelated() -> i64 {\n    1\n}\n"
    )]
);
passes!(
    strengthening_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    [(
        "fn helper_is_plain() {\n    assert_eq!(refund(1), 1);\n}",
        "fn helper_is_plain() {\n    assert_eq!(refund(1), 1);\n    assert_eq!(refund(3), 3);\n}"
    )]
);

#[test]
fn finding_shows_the_old_and_the_new_line() {
    let l = super::locked(&[(FILE, BASE)]);
    l.edit(
        FILE,
        BASE,
        &[("assert_eq!(total, 100);", "assert!(total > 0);")],
    );
    let out = l.check_staged();
    crate::common::assert_code(&out, 1, "check");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("  - tests/refunds.rs:11: assert_eq!(total, 100)"),
        "{err}"
    );
    assert!(
        err.contains("  + tests/refunds.rs:11: assert!(total > 0)"),
        "{err}"
    );
}

#[test]
fn a_test_under_sacred_paths_is_sacred_without_a_tag() {
    let plain = "#[test]\nfn charge_is_exact() {\n    assert_eq!(charge(1), 1);\n}\n";
    let l = super::locked(&[("tests/billing/charge.rs", plain)]);
    l.edit(
        "tests/billing/charge.rs",
        plain,
        &[("assert_eq!(charge(1), 1);", "assert!(charge(1) > 0);")],
    );
    l.assert_refused(
        "assertion-loosened",
        "rust:tests/billing/charge.rs::charge_is_exact",
    );
}

passes!(
    redundant_parentheses_pass,
    FILE,
    BASE,
    [("let total = refund(100);", "let total = (refund(100));")]
);

// ---- Test matrix: the remaining Rust cells ----

refuses!(
    strengthening_an_assertion_in_place_is_assertion_changed,
    FILE,
    BASE,
    [("assert!(refund(5) == 5);", "assert_eq!(refund(5), 5);")],
    "assertion-changed",
    ID
);
refuses!(
    a_compiled_out_copy_of_the_test_is_a_duplicate_id,
    FILE,
    BASE,
    [(
        "#[test]\nfn helper_is_plain",
        "#[cfg(any())]\n#[test]\nfn refund_is_exact() {\n    assert!(true);\n}\n\n#[test]\nfn helper_is_plain"
    )],
    "duplicate-id",
    ID
);

// ---- Harmless edits: each must pass both checks, which compare the locked test ----

harmless!(
    a_trailing_comment_on_an_assertion_passes,
    FILE,
    BASE,
    ID,
    [(
        "assert_eq!(total, 100);",
        "assert_eq!(total, 100); // cents"
    )]
);
harmless!(
    a_block_comment_inside_the_test_passes,
    FILE,
    BASE,
    ID,
    [(
        "    assert!(refund(5) == 5);\n",
        "    /* small amounts too */\n    assert!(refund(5) == 5);\n"
    )]
);
harmless!(
    blank_lines_inside_the_test_pass,
    FILE,
    BASE,
    ID,
    [(
        "    let total = refund(100);\n",
        "\n    let total = refund(100);\n\n\n"
    )]
);
harmless!(
    reindenting_the_test_passes,
    FILE,
    BASE,
    ID,
    [(
        "    let total = refund(100);\n    assert_eq!(total, 100);\n",
        "        let total = refund(100);\n\tassert_eq!(total, 100);\n"
    )]
);
harmless!(
    adding_an_assertion_before_the_locked_statements_passes,
    FILE,
    BASE,
    ID,
    [(
        "fn refund_is_exact() {\n",
        "fn refund_is_exact() {\n    assert_eq!(refund(0), 0);\n"
    )]
);
harmless!(
    repeating_a_locked_assertion_passes,
    FILE,
    BASE,
    ID,
    [(
        "    assert!(refund(5) == 5);\n",
        "    assert!(refund(5) == 5);\n    assert!(refund(5) == 5);\n"
    )]
);
harmless!(
    appending_a_statement_after_the_locked_ones_passes,
    FILE,
    BASE,
    ID,
    [(
        "    assert!(matches!(r, Err(Error::Insufficient)));\n}",
        "    assert!(matches!(r, Err(Error::Insufficient)));\n    drop(r);\n}"
    )]
);
harmless!(
    a_doc_comment_between_the_tag_and_the_attribute_passes,
    FILE,
    BASE,
    ID,
    [(
        "// gatekeeper:sacred\n#[test]\nfn refund_is_exact",
        "// gatekeeper:sacred\n/// Refunds are exact to the cent.\n#[test]\nfn refund_is_exact"
    )]
);
harmless!(
    a_comment_above_the_tag_passes,
    FILE,
    BASE,
    ID,
    [(
        "// gatekeeper:sacred\n#[test]\nfn refund_is_exact",
        "// Owned by the billing team.\n// gatekeeper:sacred\n#[test]\nfn refund_is_exact"
    )]
);
harmless!(
    moving_the_test_below_its_sibling_passes,
    FILE,
    BASE,
    ID,
    [
        (
            "#[test]\nfn helper_is_plain() {\n    assert_eq!(refund(1), 1);\n}\n\n",
            ""
        ),
        (
            "fn refund(x: i64) -> i64 {\n    x\n}\n",
            "fn refund(x: i64) -> i64 {\n    x\n}\n\n#[test]\nfn helper_is_plain() {\n    assert_eq!(refund(1), 1);\n}\n"
        ),
    ]
);
harmless!(
    adding_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [(
        "#[test]\nfn helper_is_plain",
        "#[test]\nfn refund_of_zero() {\n    assert_eq!(refund(0), 0);\n}\n\n#[test]\nfn helper_is_plain"
    )]
);
harmless!(
    deleting_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [(
        "#[test]\nfn helper_is_plain() {\n    assert_eq!(refund(1), 1);\n}\n",
        ""
    )]
);
harmless!(
    ignoring_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [(
        "#[test]\nfn helper_is_plain",
        "#[test]\n#[ignore]\nfn helper_is_plain"
    )]
);
harmless!(
    renaming_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [("fn helper_is_plain()", "fn refund_of_one()")]
);
harmless!(
    adding_a_helper_function_passes,
    FILE,
    BASE,
    ID,
    [(
        "fn refund(x: i64) -> i64 {\n    x\n}\n",
        "fn refund(x: i64) -> i64 {\n    x\n}\n\nfn cents(x: i64) -> i64 {\n    x * 100\n}\n"
    )]
);
harmless!(
    adding_a_use_declaration_passes,
    FILE,
    BASE,
    ID,
    [(
        "//! Refund tests.\n",
        "//! Refund tests.\n\nuse std::collections::BTreeMap;\n"
    )]
);
harmless!(
    adding_an_assertion_to_the_sacred_module_test_passes,
    FILE,
    BASE,
    "rust:tests/refunds.rs::ledger::balance_never_drops",
    [(
        "        assert_eq!(2 + 2, 4);\n",
        "        assert_eq!(2 + 2, 4);\n        assert_ne!(2 + 2, 5);\n"
    )]
);

const CFG_TWINS: &str = r#"// gatekeeper:sacred
mod size {
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn word_size() {
        assert_eq!(std::mem::size_of::<usize>(), 8);
    }

    #[test]
    #[cfg(target_pointer_width = "32")]
    fn word_size() {
        assert_eq!(std::mem::size_of::<usize>(), 4);
    }
}
"#;
const CFG_64: &str = "rust:tests/refunds.rs::size::word_size[cfg(target_pointer_width=\"64\")]";

// Tests of the same name under different `#[cfg]`: the lock tells them apart by the cfg.
harmless!(
    same_named_tests_under_different_cfg_lock_apart,
    FILE,
    CFG_TWINS,
    CFG_64,
    [(
        "assert_eq!(std::mem::size_of::<usize>(), 4);",
        "assert_eq!(std::mem::size_of::<usize>(), 4);\n        assert!(true);"
    )]
);
refuses!(
    weakening_one_of_two_cfg_twins_is_refused_by_its_id,
    FILE,
    CFG_TWINS,
    [("), 8);", "), 16);")],
    "expected-changed",
    CFG_64
);

const OVERWRITE: &str =
    "// gatekeeper:sacred\n#[test]\nfn six() {\n    let t = compute();\n    assert_eq!(t, 6);\n}\n";

refuses!(
    assigning_just_before_the_assertion_is_refused,
    "tests/six.rs",
    OVERWRITE,
    [(
        "    assert_eq!(t, 6);\n",
        "    let t = 6;\n    assert_eq!(t, 6);\n"
    )],
    "body-changed",
    "rust:tests/six.rs::six"
);
harmless!(
    appending_after_the_last_assertion_passes,
    "tests/six.rs",
    OVERWRITE,
    "rust:tests/six.rs::six",
    [(
        "    assert_eq!(t, 6);\n",
        "    assert_eq!(t, 6);\n    let u = compute();\n    assert_eq!(u, 6);\n"
    )]
);

const BOUND: &str = "use billing::refund;\n\n// gatekeeper:sacred\n#[test]\nfn refund_is_exact() {\n    assert_eq!(refund(10), 10);\n}\n";
const BOUND_ID: &str = "rust:tests/bound.rs::refund_is_exact";

refuses!(
    a_local_assert_eq_macro_is_refused,
    "tests/bound.rs",
    BOUND,
    [(
        "use billing::refund;\n",
        "use billing::refund;\n\nmacro_rules! assert_eq {\n    ($a:expr, $b:expr) => {};\n}\n"
    )],
    "rebound",
    BOUND_ID
);
refuses!(
    importing_the_function_under_test_from_elsewhere_is_refused,
    "tests/bound.rs",
    BOUND,
    [("use billing::refund;", "use fake::refund;")],
    "rebound",
    BOUND_ID
);
harmless!(
    widening_the_use_list_passes,
    "tests/bound.rs",
    BOUND,
    BOUND_ID,
    [(
        "use billing::refund;",
        "use billing::{charge, refund};\n\nfn helper() -> u32 {\n    charge(1)\n}"
    )]
);

const CRATE_PATH: &str = "// gatekeeper:sacred\n#[test]\nfn refund_is_exact() {\n    assert_eq!(billing::refund(10), 10);\n}\n";
const CRATE_PATH_ID: &str = "rust:tests/crate_path.rs::refund_is_exact";

// `use billing;` names the crate the test already reached through `billing::…` (the 2018
// edition's idiom migration adds such lines).
harmless!(
    a_single_segment_use_of_the_crate_the_test_calls_passes,
    "tests/crate_path.rs",
    CRATE_PATH,
    CRATE_PATH_ID,
    [(
        "// gatekeeper:sacred\n",
        "use billing;\n\n// gatekeeper:sacred\n"
    )]
);
refuses!(
    a_use_that_renames_another_crate_to_the_name_the_test_calls_is_refused,
    "tests/crate_path.rs",
    CRATE_PATH,
    [(
        "// gatekeeper:sacred\n",
        "use fake_billing as billing;\n\n// gatekeeper:sacred\n"
    )],
    "rebound",
    CRATE_PATH_ID
);

const FIELD: &str = "use billing::Ledger;\n\n// gatekeeper:sacred\n#[test]\nfn refund_is_exact() {\n    let l = Ledger::default();\n    assert_eq!(l.refund(10), 10);\n    assert_eq!(l.total, 0);\n}\n";
const FIELD_ID: &str = "rust:tests/field.rs::refund_is_exact";

// A method or field after a dot is not a name a module-level item reaches.
harmless!(
    a_new_item_named_like_a_method_or_field_the_test_uses_passes,
    "tests/field.rs",
    FIELD,
    FIELD_ID,
    [(
        "use billing::Ledger;\n",
        "use billing::Ledger;\n\nfn refund(x: u32) -> u32 {\n    x\n}\n\nconst total: u32 = 0;\n"
    )]
);

const COMMENTED: &str = "// gatekeeper:sacred\n#[test]\nfn commented() {\n    // the refund is exact\n    let t = compute();\n    assert_eq!(t, 6);\n}\n";
const COMMENTED_ID: &str = "rust:tests/commented.rs::commented";

harmless!(
    a_return_inside_a_closure_is_not_an_early_return,
    "tests/commented.rs",
    COMMENTED,
    COMMENTED_ID,
    [(
        "    assert_eq!(t, 6);\n",
        "    assert_eq!(t, 6);\n    let double = |x: i64| {\n        return x * 2;\n    };\n    assert_eq!(double(3), 6);\n"
    )]
);
harmless!(
    appending_a_check_to_a_body_that_starts_with_a_comment_passes,
    "tests/commented.rs",
    COMMENTED,
    COMMENTED_ID,
    [(
        "    assert_eq!(t, 6);\n",
        "    assert_eq!(t, 6);\n    if t != 6 {\n        panic!(\"wrong\");\n    }\n"
    )]
);
refuses!(
    a_return_inside_a_closure_that_asserts_is_an_early_return,
    "tests/commented.rs",
    COMMENTED,
    [(
        "    assert_eq!(t, 6);\n",
        "    assert_eq!(t, 6);\n    [1, 2].iter().for_each(|x| {\n        if *x > 1 {\n            return;\n        }\n        assert_eq!(*x, 1);\n    });\n"
    )],
    "early-return",
    COMMENTED_ID
);

harmless!(
    adding_a_message_to_assert_eq_passes,
    "tests/six.rs",
    OVERWRITE,
    "rust:tests/six.rs::six",
    [(
        "assert_eq!(t, 6);",
        "assert_eq!(t, 6, \"six cents, got {}\", t);"
    )]
);
harmless!(
    a_message_with_format_and_field_reads_passes,
    "tests/six.rs",
    OVERWRITE,
    "rust:tests/six.rs::six",
    [(
        "assert_eq!(t, 6);",
        "assert_eq!(t, 6, \"{} {x}\", format!(\"{:?}\", CASES[0].0), x = &t);"
    )]
);
refuses!(
    a_message_block_that_returns_is_refused,
    "tests/six.rs",
    OVERWRITE,
    [(
        "assert_eq!(t, 6);",
        "assert_eq!(t, 6, \"{}\", { return; });"
    )],
    "assertion-changed",
    "rust:tests/six.rs::six"
);
refuses!(
    a_new_message_with_a_new_value_is_expected_changed,
    "tests/six.rs",
    OVERWRITE,
    [("assert_eq!(t, 6);", "assert_eq!(t, 7, \"seven\");")],
    "expected-changed",
    "rust:tests/six.rs::six"
);

harmless!(
    crate_level_allow_and_doc_cfg_attr_pass,
    "tests/six.rs",
    OVERWRITE,
    "rust:tests/six.rs::six",
    [(
        "// gatekeeper:sacred\n",
        "#![allow(clippy::float_cmp)]\n#![cfg_attr(docsrs, feature(doc_cfg))]\n\n// gatekeeper:sacred\n#[allow(unused_variables)]\n"
    )]
);
refuses!(
    a_crate_level_cfg_is_still_skipped,
    "tests/six.rs",
    OVERWRITE,
    [(
        "// gatekeeper:sacred\n",
        "#![allow(dead_code)]\n#![cfg(any())]\n\n// gatekeeper:sacred\n"
    )],
    "skipped",
    "rust:tests/six.rs::six"
);

harmless!(
    cfg_attr_lint_levels_and_feature_gates_pass,
    "tests/six.rs",
    OVERWRITE,
    "rust:tests/six.rs::six",
    [(
        "// gatekeeper:sacred\n",
        "#![cfg_attr(feature = \"pattern\", feature(pattern))]\n\n// gatekeeper:sacred\n#[cfg_attr(not(feature = \"cargo-clippy\"), allow(unknown_lints))]\n"
    )]
);
refuses!(
    a_cfg_attr_ignore_is_still_skipped,
    "tests/six.rs",
    OVERWRITE,
    [(
        "// gatekeeper:sacred\n",
        "// gatekeeper:sacred\n#[cfg_attr(not(feature = \"slow\"), allow(unused), ignore)]\n"
    )],
    "skipped",
    "rust:tests/six.rs::six"
);

const TURBOFISH: &str = "// gatekeeper:sacred\n#[test]\nfn parses() {\n    assert_eq!(\"300\".parse::<u16>().is_ok(), true);\n}\n";

// Rust's type arguments choose what runs (unlike TypeScript's, which are erased).
refuses!(
    changing_a_turbofish_is_refused,
    "tests/parses.rs",
    TURBOFISH,
    [("parse::<u16>()", "parse::<u8>()")],
    "assertion-changed",
    "rust:tests/parses.rs::parses"
);

harmless!(
    renaming_a_local_consistently_passes,
    "tests/six.rs",
    OVERWRITE,
    "rust:tests/six.rs::six",
    [(
        "let t = compute();\n    assert_eq!(t, 6);",
        "let total = compute();\n    assert_eq!(total, 6);"
    )]
);
refuses!(
    renaming_a_local_in_the_assertion_only_is_refused,
    "tests/six.rs",
    OVERWRITE,
    [("assert_eq!(t, 6);", "assert_eq!(u, 6);")],
    "assertion-changed",
    "rust:tests/six.rs::six"
);

// A sub-expression of an assertion moved into a local bound just before it.
const EXTRACT: &str = "use billing::total;\n\n// gatekeeper:sacred\n#[test]\nfn total_is_six() {\n    let xs = [1, 2, 3];\n    assert_eq!(total(&xs), 6);\n    assert_eq!(total(&[]), 0);\n}\n";
const EXTRACT_FILE: &str = "tests/total.rs";
const EXTRACT_ID: &str = "rust:tests/total.rs::total_is_six";

harmless!(
    extracting_a_sub_expression_into_a_local_passes,
    EXTRACT_FILE,
    EXTRACT,
    EXTRACT_ID,
    [(
        "    assert_eq!(total(&xs), 6);\n",
        "    let t = total(&xs);\n    assert_eq!(t, 6);\n"
    )]
);
refuses!(
    extracting_a_constant_in_place_of_the_computed_value_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "    assert_eq!(total(&xs), 6);\n",
        "    let t = 6;\n    assert_eq!(t, 6);\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);
refuses!(
    extracting_a_different_expression_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "    assert_eq!(total(&xs), 6);\n",
        "    let t = total(&xs[1..]);\n    assert_eq!(t, 6);\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);
refuses!(
    an_extracted_local_shadowed_before_the_assertion_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "    assert_eq!(total(&xs), 6);\n",
        "    let t = total(&xs);\n    let t = t * 0 + 6;\n    assert_eq!(t, 6);\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);

const OWN_MACRO: &str = "macro_rules! regex {\n    ($p:expr) => {\n        regex::Regex::new($p).unwrap()\n    };\n}\n\n// gatekeeper:sacred\n#[test]\nfn matches() {\n    assert!(regex!(\"a+\").is_match(\"aa\"));\n}\n";
const OWN_MACRO_ID: &str = "rust:tests/own_macro.rs::matches";

// The file's own `regex!` replaced by the crate's (regex e358341): the macro's body was never
// fingerprinted, so the import adds nothing editing it could not do.
harmless!(
    a_macro_of_the_file_replaced_by_the_crates_own_passes,
    "tests/own_macro.rs",
    OWN_MACRO,
    OWN_MACRO_ID,
    [(
        "macro_rules! regex {\n    ($p:expr) => {\n        regex::Regex::new($p).unwrap()\n    };\n}\n",
        "use regex::regex;\n"
    )]
);
refuses!(
    importing_a_name_next_to_the_files_own_definition_is_refused,
    "tests/own_macro.rs",
    OWN_MACRO,
    [(
        "\n// gatekeeper:sacred",
        "use fake::regex;\n\n// gatekeeper:sacred"
    )],
    "rebound",
    OWN_MACRO_ID
);

// A function of the test's file that asserts, called by the test (directly or through
// another), is one of its checks; of two of one name, the one of the test's own module is
// what it calls.
const HELPERS_FILE: &str = "src/total.rs";
const HELPERS_ID: &str = "rust:src/total.rs::tests::total_is_six";
const HELPERS: &str = r#"pub fn total(xs: &[i64]) -> i64 {
    xs.iter().sum()
}

fn check(got: i64) {
    assert!(got > 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect_eq(got: i64, want: i64) {
        assert_eq!(got, want, "total");
    }

    fn check_total(xs: &[i64]) {
        expect_eq(total(xs), 6);
    }

    fn check(got: i64) {
        assert_eq!(got, 6);
    }

    fn unrelated(x: i64) {
        assert!(x > 0);
    }

    // gatekeeper:sacred
    #[test]
    fn total_is_six() {
        check_total(&[1, 2, 3]);
        check(total(&[1, 2, 3]));
    }
}
"#;

refuses!(
    a_rust_check_helper_that_checks_less_is_refused,
    HELPERS_FILE,
    HELPERS,
    [(
        "        assert_eq!(got, want, \"total\");\n",
        "        let _ = (got, want);\n"
    )],
    "rebound",
    HELPERS_ID
);
refuses!(
    a_rust_check_helper_of_the_tests_module_that_checks_less_is_refused,
    HELPERS_FILE,
    HELPERS,
    [(
        "        assert_eq!(got, 6);\n",
        "        assert!(got != 0);\n"
    )],
    "rebound",
    HELPERS_ID
);
passes!(
    what_a_rust_test_does_not_reach_may_change,
    HELPERS_FILE,
    HELPERS,
    [
        ("        assert!(x > 0);\n", "        let _ = x;\n"),
        ("    assert!(got > 0);\n", "    let _ = got;\n"),
    ]
);

// A check helper of the module the integration tests share (`mod common;` declaring
// `tests/common/mod.rs`) is one of the test's checks, however the test names it.
const COMMON: &str = "pub fn expect_eq(got: i64, want: i64) {\n    assert_eq!(got, want);\n}\n\npub fn check_total(xs: &[i64]) {\n    expect_eq(xs.iter().sum(), 6);\n}\n\npub fn unrelated(x: i64) {\n    assert!(x > 0);\n}\n";

#[test]
fn a_check_helper_of_a_shared_test_module_that_checks_less_is_refused() {
    for (head, call) in [
        ("mod common;\n", "common::check_total"),
        ("mod common;\n\nuse common::check_total;\n", "check_total"),
        ("mod common;\nuse common::*;\n", "check_total"),
        ("mod common;\n", "assert_eq!((), common::check_total"),
    ] {
        let close = if call.starts_with("assert_eq!") {
            "))"
        } else {
            ")"
        };
        let test = format!(
            "{head}\n// gatekeeper:sacred\n#[test]\nfn total_is_six() {{\n    {call}(&[1, 2, 3]{close};\n}}\n"
        );
        let files = [
            ("tests/total.rs", test.as_str()),
            ("tests/common/mod.rs", COMMON),
        ];
        let l = super::locked(&files);
        l.edit(
            "tests/common/mod.rs",
            COMMON,
            &[("    assert_eq!(got, want);\n", "    let _ = (got, want);\n")],
        );
        l.assert_refused("rebound", "rust:tests/total.rs::total_is_six");
        let l = super::locked(&files);
        l.edit(
            "tests/common/mod.rs",
            COMMON,
            &[("    assert!(x > 0);\n", "    let _ = x;\n")],
        );
        l.assert_passes_checked();
    }
}

// A function of the shared test module whose value an assertion compares decides what is
// compared, and so does every function of that module it calls, asserting or not.
#[test]
fn a_function_a_compared_function_of_a_shared_test_module_calls_is_locked() {
    let test = "mod common;\n\n// gatekeeper:sacred\n#[test]\nfn total_is_six() {\n    assert_eq!([1, 2, 3].iter().sum::<i64>(), common::expected());\n}\n";
    let common = "pub fn norm(x: i64) -> i64 {\n    x\n}\n\npub fn expected() -> i64 {\n    norm(6)\n}\n\npub fn unrelated() -> i64 {\n    1\n}\n";
    let files = [("tests/total.rs", test), ("tests/common/mod.rs", common)];
    let l = super::locked(&files);
    l.edit("tests/common/mod.rs", common, &[("    x\n", "    x + 1\n")]);
    l.assert_refused("rebound", "rust:tests/total.rs::total_is_six");
    let l = super::locked(&files);
    l.edit("tests/common/mod.rs", common, &[("    1\n", "    2\n")]);
    l.assert_passes_checked();
}

// The `impl` blocks of a helper type of the test's module are one check helper of the type's
// name.
#[test]
fn a_helper_types_method_that_checks_less_is_refused() {
    let test = "struct Checker {\n    want: i64,\n}\n\nimpl Checker {\n    fn new() -> Self {\n        Checker { want: 6 }\n    }\n}\n\nimpl Checker {\n    fn check(&self, x: i64) {\n        assert_eq!(x, self.want);\n    }\n}\n\n// gatekeeper:sacred\n#[test]\nfn total_is_six() {\n    let c = Checker::new();\n    c.check([1, 2, 3].iter().sum());\n}\n";
    for (from, to) in [
        ("assert_eq!(x, self.want);", "let _ = x;"),
        ("Checker { want: 6 }", "Checker { want: 7 }"),
    ] {
        let l = super::locked(&[("tests/total.rs", test)]);
        l.edit("tests/total.rs", test, &[(from, to)]);
        l.assert_refused("rebound", "rust:tests/total.rs::total_is_six");
    }
}

// What of `Cargo.toml` decides whether `cargo test` builds a test is locked with it:
// `autotests`, `[lib]`, `[[test]]`, and for a test a `cfg` guards, `[features]` and
// `build.rs`. The rest of the manifest may change.
#[test]
fn the_manifest_keys_that_decide_whether_a_test_runs_are_locked() {
    let manifest = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\ndefault = [\"fast\"]\nfast = []\n\n[dependencies]\n";
    let test = "// gatekeeper:sacred\n#[test]\nfn total() {\n    assert_eq!([1, 2, 3].iter().sum::<i64>(), 6);\n}\n\n// gatekeeper:sacred\n#[cfg(feature = \"fast\")]\n#[test]\nfn fast_total() {\n    assert_eq!([6].iter().sum::<i64>(), 6);\n}\n";
    let files = [
        ("Cargo.toml", manifest),
        ("src/lib.rs", "pub fn f() {}\n"),
        ("tests/total.rs", test),
    ];
    let l = super::locked(&files);
    l.edit(
        "Cargo.toml",
        manifest,
        &[(
            "edition = \"2021\"\n",
            "edition = \"2021\"\nautotests = false\n",
        )],
    );
    l.assert_refused("rebound", "rust:tests/total.rs::total");
    let l = super::locked(&files);
    l.edit(
        "Cargo.toml",
        manifest,
        &[("default = [\"fast\"]", "default = []")],
    );
    l.assert_refused("rebound", "rust:tests/total.rs::fast_total");
    let l = super::locked(&files);
    l.repo.write(
        "build.rs",
        "fn main() {\n    println!(\"cargo:rustc-cfg=skip\");\n}\n",
    );
    l.assert_refused("rebound", "rust:tests/total.rs::fast_total");
    // Cargo's configuration can pass `--cfg` as `build.rs` can.
    let l = super::locked(&files);
    l.repo.write(
        ".cargo/config.toml",
        "[build]\nrustflags = [\"--cfg\", \"skip\"]\n",
    );
    l.assert_refused("rebound", "rust:tests/total.rs::fast_total");
    // And run every test binary through a runner that runs nothing (`true`).
    let l = super::locked(&files);
    l.repo.write(
        ".cargo/config.toml",
        "[target.'cfg(all())']\nrunner = \"true\"\n",
    );
    l.assert_refused("rebound", "rust:tests/total.rs::total");
    let l = super::locked(&files);
    l.edit(
        "Cargo.toml",
        manifest,
        &[(
            "[dependencies]\n",
            "[dependencies]\n\n[[test]]\nname = \"total\"\nharness = false\n",
        )],
    );
    l.assert_refused("rebound", "rust:tests/total.rs::total");
    // A `cfg_attr` that only allows a lint compiles nothing out.
    let l = super::locked(&files);
    l.edit(
        "tests/total.rs",
        test,
        &[(
            "#[test]\nfn total() {",
            "#[test]\n#[cfg_attr(feature = \"cargo-clippy\", allow(clippy::identity_op))]\nfn total() {",
        )],
    );
    l.assert_passes_checked();
    // Another target, a feature the test does not name, the version and the dependencies
    // may change.
    let l = super::locked(&files);
    l.edit(
        "Cargo.toml",
        manifest,
        &[
            ("version = \"0.1.0\"", "version = \"0.1.1\""),
            ("fast = []\n", "fast = []\nslow = []\n"),
            (
                "[dependencies]\n",
                "[dependencies]\nserde = \"1\"\n\n[[test]]\nname = \"other\"\nharness = false\n",
            ),
        ],
    );
    l.assert_passes_checked();
}

// A `use` inside the test that brings more names the test did not mention keeps every
// locked statement's meaning; one that drops a name, or brings a name the test already read,
// does not.
const USES: &str = "// gatekeeper:sacred\n#[test]\nfn oibits() {\n    use regex::{Regex, RegexBuilder};\n    use std::panic::UnwindSafe;\n\n    fn assert_unwind_safe<T: UnwindSafe>() {}\n    assert_unwind_safe::<Regex>();\n    assert_unwind_safe::<RegexBuilder>();\n}\n";
const USES_ID: &str = "rust:tests/oibits.rs::oibits";

passes!(
    a_use_inside_the_test_grown_with_new_names_passes,
    "tests/oibits.rs",
    USES,
    [
        (
            "use regex::{Regex, RegexBuilder};",
            "use regex::{Regex, RegexBuilder, RegexSet};"
        ),
        (
            "use std::panic::UnwindSafe;",
            "use std::panic::{RefUnwindSafe, UnwindSafe};"
        ),
        (
            "    assert_unwind_safe::<RegexBuilder>();\n",
            "    assert_unwind_safe::<RegexBuilder>();\n    assert_unwind_safe::<RegexSet>();\n"
        ),
    ]
);
refuses!(
    a_use_inside_the_test_that_drops_a_name_is_refused,
    "tests/oibits.rs",
    USES,
    [(
        "use regex::{Regex, RegexBuilder};",
        "use regex::{Regex, RegexSet};"
    )],
    "body-changed",
    USES_ID
);
const USES_SHADOW: &str = "use regex::bytes::RegexBuilder;\n\n// gatekeeper:sacred\n#[test]\nfn oibits() {\n    use regex::Regex;\n    use std::panic::UnwindSafe;\n\n    fn assert_unwind_safe<T: UnwindSafe>() {}\n    assert_unwind_safe::<Regex>();\n    assert_unwind_safe::<RegexBuilder>();\n}\n";

refuses!(
    a_use_inside_the_test_that_brings_a_name_the_test_read_is_refused,
    "tests/oibits.rs",
    USES_SHADOW,
    [(
        "    use regex::Regex;\n",
        "    use regex::{Regex, RegexBuilder};\n"
    )],
    "body-changed",
    USES_ID
);

// A function the test declares with an empty body and no parameters (a compile-time check
// such as `fn assert_send<T: Send>() {}`), and calls to it without arguments, run nothing: they
// may go anywhere. One named like something the test called shadows it: refused.
passes!(
    compile_time_checks_inserted_among_the_locked_statements_pass,
    "tests/oibits.rs",
    USES,
    [
        (
            "use std::panic::UnwindSafe;",
            "use std::panic::{RefUnwindSafe, UnwindSafe};"
        ),
        (
            "    fn assert_unwind_safe<T: UnwindSafe>() {}\n",
            "    fn assert_unwind_safe<T: UnwindSafe>() {}\n    fn assert_ref_unwind_safe<T: RefUnwindSafe>() {}\n"
        ),
        (
            "    assert_unwind_safe::<Regex>();\n",
            "    assert_unwind_safe::<Regex>();\n    assert_ref_unwind_safe::<Regex>();\n"
        ),
    ]
);

const SHADOWED: &str = "fn check(x: i64) {\n    assert_eq!(x, 6);\n}\n\n// gatekeeper:sacred\n#[test]\nfn total_is_six() {\n    check(6);\n    check(3 + 3);\n}\n";

refuses!(
    a_no_op_function_shadowing_what_the_test_calls_is_refused,
    "tests/shadow.rs",
    SHADOWED,
    [("    check(6);\n", "    fn check() {}\n    check(6);\n")],
    "body-changed",
    "rust:tests/shadow.rs::total_is_six"
);

/// A test file that is a module of an integration-test crate (`tests/it/main.rs` declares
/// `mod billing;`), with a macro of the crate root it invokes.
const MODULE_TEST: &str =
    "// gatekeeper:sacred\n#[test]\nfn total_is_exact() {\n    assert_eq!(check!(6), 6);\n}\n";
const MODULE_ROOT: &str =
    "macro_rules! check {\n    ($e:expr) => {\n        $e\n    };\n}\n\nmod billing;\nmod other;\n";
const MODULE_ID: &str = "rust:tests/it/billing.rs::total_is_exact";

fn module_locked() -> super::Locked {
    super::locked(&[
        (
            "Cargo.toml",
            "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", ""),
        ("tests/it/main.rs", MODULE_ROOT),
        ("tests/it/billing.rs", MODULE_TEST),
        ("tests/it/other.rs", "fn helper() {}\n"),
    ])
}

// The declaration that compiles a test file, and what is in scope where it is declared,
// are in another file: removing the declaration or compiling it out drops the test, and a
// macro defined before it (a no-op `assert_eq`, a rewritten helper macro), directly or
// through a `#[macro_use]` module, changes what it checks.
#[test]
fn the_module_declaration_that_compiles_a_test_is_locked() {
    for (from, to) in [
        ("mod billing;\n", ""),
        ("mod billing;\n", "#[cfg(any())]\nmod billing;\n"),
        ("macro_rules! check", "#![cfg(any())]\n\nmacro_rules! check"),
        (
            "mod billing;\n",
            "macro_rules! assert_eq {\n    ($($t:tt)*) => {};\n}\n\nmod billing;\n",
        ),
        ("        $e\n", "        6\n"),
        (
            "mod billing;\n",
            "#[macro_use]\nextern crate pretty_assertions;\n\nmod billing;\n",
        ),
    ] {
        let l = module_locked();
        l.edit("tests/it/main.rs", MODULE_ROOT, &[(from, to)]);
        l.assert_refused("rebound", MODULE_ID);
    }
    // A macro a `#[macro_use]` module before it defines.
    let l = module_locked();
    l.edit(
        "tests/it/main.rs",
        MODULE_ROOT,
        &[(
            "mod billing;\nmod other;\n",
            "#[macro_use]\nmod other;\nmod billing;\n",
        )],
    );
    l.repo.write(
        "tests/it/other.rs",
        "macro_rules! assert_eq {\n    ($($t:tt)*) => {};\n}\n",
    );
    l.assert_refused("rebound", MODULE_ID);
}

// A test file declared through `#[path = "…"]` (relative to the declaring file's directory)
// is compiled by that declaration: removing it or compiling it out drops the test, and a
// no-op `assert_eq` defined before it changes what it checks. A comment passes. A
// `#[path]` declaration of another file by the test file's module name is not its
// declaration: removing it passes.
#[test]
fn a_path_declaration_that_compiles_a_test_is_locked() {
    let root = "macro_rules! check {\n    ($e:expr) => {\n        $e\n    };\n}\n\n#[path = \"../billing_cases/billing.rs\"]\nmod billing;\n";
    let locked = || {
        super::locked(&[
            (
                "Cargo.toml",
                "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("src/lib.rs", ""),
            ("tests/it/main.rs", root),
            ("tests/billing_cases/billing.rs", MODULE_TEST),
        ])
    };
    let id = "rust:tests/billing_cases/billing.rs::total_is_exact";
    for (from, to) in [
        (
            "#[path = \"../billing_cases/billing.rs\"]\nmod billing;\n",
            "",
        ),
        ("#[path", "#[cfg(any())]\n#[path"),
        (
            "#[path",
            "macro_rules! assert_eq {\n    ($($t:tt)*) => {};\n}\n\n#[path",
        ),
    ] {
        let l = locked();
        l.edit("tests/it/main.rs", root, &[(from, to)]);
        l.assert_refused("rebound", id);
    }
    let l = locked();
    l.edit(
        "tests/it/main.rs",
        root,
        &[("#[path", "// the billing cases\n#[path")],
    );
    l.assert_passes();
    // `mod billing;` beside a `#[path]` to another file, which it is not.
    let l = super::locked(&[
        (
            "Cargo.toml",
            "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", ""),
        ("tests/it/main.rs", "#[path = \"other.rs\"]\nmod billing;\n"),
        ("tests/it/other.rs", "fn helper() {}\n"),
        ("tests/it/billing.rs", MODULE_TEST),
    ]);
    l.edit(
        "tests/it/main.rs",
        "#[path = \"other.rs\"]\nmod billing;\n",
        &[("#[path = \"other.rs\"]\nmod billing;\n", "")],
    );
    l.assert_passes();
}

/// Files, the file that declares the test's, the test's id.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);

// A test file declared inside an inline module of its parent file (`mod outer { #[cfg(test)]
// mod tests; }` in `src/lib.rs` compiles `src/outer/tests.rs`; in `src/billing.rs`,
// `src/billing/outer/tests.rs`; a `#[path]` there is read from the inline module's
// directory) is compiled by that declaration: compiling it out, by its own `cfg`, the inline
// module's, or a `#![cfg]` inside the inline module, drops the test, and a no-op `assert_eq`
// defined in the inline module before it changes what it checks. A comment passes.
#[test]
fn a_declaration_inside_an_inline_module_that_compiles_a_test_is_locked() {
    let test = "#[test]\nfn total_is_exact() {\n    assert_eq!(crate::total(&[1, 2, 3]), 6);\n}\n";
    let lib = "pub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n\npub mod outer {\n    #[cfg(test)]\n    mod tests;\n}\n";
    let billing = "pub mod outer {\n    #[cfg(test)]\n    mod tests;\n}\n";
    let lib_of_billing =
        "pub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n\npub mod billing;\n";
    let path_lib = "pub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n\npub mod outer {\n    #[cfg(test)]\n    #[path = \"cases/refund.rs\"]\n    mod tests;\n}\n";
    let cargo = "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
    let cases: [Case<'_>; 3] = [
        (
            &[("src/lib.rs", lib), ("src/outer/tests.rs", test)],
            "src/lib.rs",
            "rust:src/outer/tests.rs::total_is_exact",
        ),
        (
            &[
                ("src/lib.rs", lib_of_billing),
                ("src/billing.rs", billing),
                ("src/billing/outer/tests.rs", test),
            ],
            "src/billing.rs",
            "rust:src/billing/outer/tests.rs::total_is_exact",
        ),
        (
            &[
                ("src/lib.rs", path_lib),
                ("src/outer/cases/refund.rs", test),
            ],
            "src/lib.rs",
            "rust:src/outer/cases/refund.rs::total_is_exact",
        ),
    ];
    for (files, declaring, id) in cases {
        let mut all = vec![
            ("Cargo.toml", cargo),
            ("gatekeeper.yml", "sacred:\n  paths: [\"src/**\"]\n"),
        ];
        all.extend_from_slice(files);
        let base = files.iter().find(|(p, _)| *p == declaring).unwrap().1;
        for (from, to) in [
            ("    #[cfg(test)]\n", "    #[cfg(any())]\n"),
            ("pub mod outer {\n", "#[cfg(any())]\npub mod outer {\n"),
            ("pub mod outer {\n", "pub mod outer {\n    #![cfg(any())]\n"),
            (
                "pub mod outer {\n",
                "pub mod outer {\n    macro_rules! assert_eq {\n        ($($t:tt)*) => {};\n    }\n\n",
            ),
        ] {
            let l = super::locked(&all);
            l.assert_locked(id);
            l.edit(declaring, base, &[(from, to)]);
            l.assert_refused("rebound", id);
        }
        let l = super::locked(&all);
        l.edit(
            declaring,
            base,
            &[("pub mod outer {\n", "// the tests\npub mod outer {\n")],
        );
        l.assert_passes();
    }
}

// What does not change whether or how the test is compiled passes: the declaration made
// public, another module declared, a macro the test file does not invoke (also through a
// `#[macro_use]` module), a comment.
#[test]
fn edits_of_the_declaring_file_that_keep_the_test_pass() {
    for (from, to) in [
        ("mod billing;\n", "pub mod billing;\n"),
        ("mod other;\n", "mod other;\nmod refunds;\n"),
        (
            "macro_rules! check",
            "#![cfg_attr(feature = \"pattern\", feature(pattern))]\n\nmacro_rules! check",
        ),
        (
            "mod billing;\nmod other;\n",
            "#[macro_use]\nmod other;\nmod billing;\n",
        ),
        (
            "mod billing;\n",
            "macro_rules! unused {\n    () => {};\n}\n\n// the billing tests\nmod billing;\n",
        ),
    ] {
        let l = module_locked();
        l.edit("tests/it/main.rs", MODULE_ROOT, &[(from, to)]);
        l.repo.write("tests/it/refunds.rs", "");
        l.assert_passes();
    }
}

// A module of a module: each declaration up to the crate root is locked (`mod sacred;` in
// `tests/it/main.rs`, `mod go;` in `tests/it/sacred/mod.rs`).
#[test]
fn every_declaration_up_to_the_crate_root_is_locked() {
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", ""),
        ("tests/it/main.rs", "mod sacred;\n"),
        ("tests/it/sacred/mod.rs", "mod billing;\n"),
        (
            "tests/it/sacred/billing.rs",
            MODULE_TEST.replace("check!(6)", "6").leak(),
        ),
    ];
    let id = "rust:tests/it/sacred/billing.rs::total_is_exact";
    let l = super::locked(&files);
    l.edit(
        "tests/it/main.rs",
        "mod sacred;\n",
        &[("mod sacred;\n", "#[cfg(windows)]\nmod sacred;\n")],
    );
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.edit(
        "tests/it/sacred/mod.rs",
        "mod billing;\n",
        &[("mod billing;\n", "")],
    );
    l.assert_refused("rebound", id);
}

// Under a lock written by an earlier reading, which did not record module declarations,
// the base revision decides: touching the test passes, removing or compiling out its
// declaration is refused.
#[test]
fn under_a_lock_of_an_earlier_reading_the_base_revision_holds_the_declaration() {
    let earlier = |l: &super::Locked| l.commit_lock_of_an_earlier_reading("hook mod (in ");
    let l = module_locked();
    earlier(&l);
    l.edit(
        "tests/it/billing.rs",
        MODULE_TEST,
        &[("    assert_eq!", "    // the total\n    assert_eq!")],
    );
    l.assert_passes_checked();
    for to in ["", "#[cfg(any())]\nmod billing;\n"] {
        let l = module_locked();
        earlier(&l);
        l.edit("tests/it/main.rs", MODULE_ROOT, &[("mod billing;\n", to)]);
        l.assert_refused("rebound", MODULE_ID);
    }
}

// A crate root of any name declares the modules beside it (`tests/default.rs` declares
// `mod suite;` for `tests/suite/mod.rs`), and the files it `include!`s before the
// declaration bring their macros into scope; several crate roots may compile the same
// module, each with its own macros.
#[test]
fn each_crate_root_that_declares_a_test_file_is_locked_with_what_it_includes() {
    let test = "// gatekeeper:sacred\n#[test]\nfn matches() {\n    assert!(regex!(\"a+\"));\n}\n";
    let default = "include!(\"macros.rs\");\n\nmod suite;\n";
    let bytes =
        "macro_rules! regex {\n    ($e:expr) => {\n        $e.len() > 1\n    };\n}\n\nmod suite;\n";
    let macros = "macro_rules! regex {\n    ($e:expr) => {\n        $e.len() > 0\n    };\n}\n";
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", ""),
        ("tests/default.rs", default),
        ("tests/bytes.rs", bytes),
        ("tests/macros.rs", macros),
        ("tests/suite/mod.rs", test),
    ];
    let id = "rust:tests/suite/mod.rs::matches";
    for (path, base, from, to) in [
        ("tests/macros.rs", macros, "> 0", ">= 0"),
        ("tests/bytes.rs", bytes, "mod suite;\n", ""),
        (
            "tests/default.rs",
            default,
            "mod suite;\n",
            "#[cfg(any())]\nmod suite;\n",
        ),
    ] {
        let l = super::locked(&files);
        l.edit(path, base, &[(from, to)]);
        l.assert_refused("rebound", id);
    }
    let l = super::locked(&files);
    l.edit(
        "tests/default.rs",
        default,
        &[("mod suite;\n", "// the suite\nmod suite;\n")],
    );
    l.assert_passes();
}

// A test file no declaration compiled when it was locked (a file of a test crate not yet
// declared) may start being compiled: the test runs where it did not.
#[test]
fn declaring_a_test_file_that_no_module_declared_passes() {
    let l = super::locked(&[
        (
            "Cargo.toml",
            "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", ""),
        ("tests/it/main.rs", "mod other;\n"),
        ("tests/it/other.rs", ""),
        (
            "tests/it/billing.rs",
            MODULE_TEST.replace("check!(6)", "6").leak(),
        ),
    ]);
    l.edit(
        "tests/it/main.rs",
        "mod other;\n",
        &[(
            "mod other;\n",
            "#![cfg(unix)]\n\nmod billing;\nmod other;\n",
        )],
    );
    // The test file is touched too, so that the check compares it.
    let test = MODULE_TEST.replace("check!(6)", "6");
    l.edit(
        "tests/it/billing.rs",
        &test,
        &[("    assert_eq!", "    // the total\n    assert_eq!")],
    );
    l.assert_passes_checked();
}

// The crate that gives a test its assertion macros comes from the registry: taking it from
// a path or a git repository, or patching it, is refused; a version bump passes.
#[test]
fn an_assertion_crate_taken_from_elsewhere_is_refused() {
    let manifest = "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dev-dependencies]\npretty_assertions = \"1.4\"\n";
    let test = "use pretty_assertions::assert_eq;\n\n// gatekeeper:sacred\n#[test]\nfn total_is_exact() {\n    assert_eq!(1 + 2 + 3, 6);\n}\n";
    let files = [
        ("Cargo.toml", manifest),
        ("src/lib.rs", ""),
        ("tests/total.rs", test),
    ];
    let id = "rust:tests/total.rs::total_is_exact";
    for (from, to) in [
        (
            "pretty_assertions = \"1.4\"",
            "pretty_assertions = { path = \"fake/pretty_assertions\" }",
        ),
        (
            "pretty_assertions = \"1.4\"",
            "pretty_assertions = { git = \"https://example.invalid/fake\" }",
        ),
        (
            "pretty_assertions = \"1.4\"\n",
            "pretty_assertions = \"1.4\"\n\n[patch.crates-io]\npretty_assertions = { path = \"fake\" }\n",
        ),
        (
            "[dev-dependencies]\npretty_assertions = \"1.4\"\n",
            "[dev-dependencies.pretty_assertions]\npath = \"fake\"\n",
        ),
    ] {
        let l = super::locked(&files);
        l.edit("Cargo.toml", manifest, &[(from, to)]);
        l.assert_refused("rebound", id);
    }
    let l = super::locked(&files);
    l.edit(
        "Cargo.toml",
        manifest,
        &[(
            "pretty_assertions = \"1.4\"",
            "pretty_assertions = { version = \"1.5\", features = [\"unstable\"] }",
        )],
    );
    l.assert_passes_checked();
}

// A file a test takes in by a literal path (`include_str!("expected.txt")`) holds what it
// compares with: rewriting or deleting it is refused; a new one may be added.
#[test]
fn a_file_the_test_includes_is_locked_by_its_digest() {
    let test = "#[test]\nfn renders() {\n    assert_eq!(format!(\"{}\", 1 + 2 + 3), include_str!(\"data/expected.txt\").trim());\n}\n";
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", ""),
        ("tests/billing/render.rs", test),
        ("tests/billing/data/expected.txt", "6\n"),
    ];
    let id = "rust:tests/billing/render.rs::renders";
    let l = super::locked(&files);
    l.repo.write("tests/billing/data/expected.txt", "7\n");
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    std::fs::remove_file(l.repo.path("tests/billing/data/expected.txt")).unwrap();
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.repo.write("tests/billing/data/other.txt", "1\n");
    l.edit(
        "tests/billing/render.rs",
        test,
        &[("    assert_eq!", "    // the total\n    assert_eq!")],
    );
    l.assert_passes_checked();
    // Under a lock of an earlier reading, which did not record it, a rewrite of the file is
    // judged by the base revision (the change brings the test into the check).
    let l = super::locked(&files);
    l.commit_lock_of_an_earlier_reading("hook golden");
    l.repo.write("tests/billing/data/expected.txt", "7\n");
    l.assert_refused("rebound", id);
}

// `cargo insta accept` rewrites the snapshots a test compares with: a test's own
// (`snapshots/render__renders.snap`, `render__renders-2.snap`) is locked with it, another
// (not sacred) test's may change, and a new one may be added.
#[test]
fn an_insta_snapshot_of_the_test_is_locked() {
    let test = "// gatekeeper:sacred\n#[test]\nfn renders() {\n    insta::assert_snapshot!(format!(\"{}\", 1 + 2 + 3));\n    insta::assert_snapshot!(format!(\"{}\", 2 * 3));\n}\n\n#[test]\nfn other() {\n    insta::assert_snapshot!(\"x\");\n}\n";
    let snap = |v: &str| format!("---\nsource: tests/render.rs\nexpression: v\n---\n{v}\n");
    let first = snap("6");
    let second = snap("6");
    let other = snap("x");
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", ""),
        ("tests/render.rs", test),
        ("tests/snapshots/render__renders.snap", first.as_str()),
        ("tests/snapshots/render__renders-2.snap", second.as_str()),
        ("tests/snapshots/render__other.snap", other.as_str()),
    ];
    let id = "rust:tests/render.rs::renders";
    for file in [
        "tests/snapshots/render__renders.snap",
        "tests/snapshots/render__renders-2.snap",
    ] {
        let l = super::locked(&files);
        l.repo.write(file, snap("7"));
        l.assert_refused("rebound", id);
    }
    let l = super::locked(&files);
    l.repo
        .write("tests/snapshots/render__other.snap", snap("y"));
    l.repo
        .write("tests/snapshots/render__renders-3.snap", snap("1"));
    l.edit(
        "tests/render.rs",
        test,
        &[("fn renders() {\n", "fn renders() {\n    // the total\n")],
    );
    l.assert_passes_checked();
}

// Rust code a test file `include!`s brings its macros into scope: one the file invokes,
// rewritten to check nothing, is refused; a macro it does not invoke may be added there.
#[test]
fn a_macro_of_an_included_file_the_test_invokes_is_locked() {
    let test = "include!(\"macros.rs\");\n\n#[test]\nfn total() {\n    check!(1 + 2 + 3, 6);\n}\n";
    let macros = "macro_rules! check {\n    ($a:expr, $b:expr) => {\n        assert_eq!($a, $b)\n    };\n}\n";
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", ""),
        ("tests/billing/total.rs", test),
        ("tests/billing/macros.rs", macros),
    ];
    let id = "rust:tests/billing/total.rs::total";
    let l = super::locked(&files);
    l.edit(
        "tests/billing/macros.rs",
        macros,
        &[("assert_eq!($a, $b)", "let _ = ($a, $b);")],
    );
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.edit(
        "tests/billing/macros.rs",
        macros,
        &[(
            "macro_rules! check",
            "macro_rules! unused {\n    () => {};\n}\n\nmacro_rules! check",
        )],
    );
    l.assert_passes();
}

// A helper the test calls that ends the process (`std::process::exit(0)`) ends the whole
// test binary with success before the test's checks: refused.
#[test]
fn a_helper_the_test_calls_that_exits_is_refused() {
    let test = "fn amounts() -> Vec<i64> {\n    vec![1, 2, 3]\n}\n\n// gatekeeper:sacred\n#[test]\nfn total_is_exact() {\n    let xs = amounts();\n    assert_eq!(xs.iter().sum::<i64>(), 6);\n}\n";
    let l = super::locked(&[("tests/total.rs", test)]);
    l.edit(
        "tests/total.rs",
        test,
        &[("    vec![1, 2, 3]\n", "    std::process::exit(0)\n")],
    );
    l.assert_refused("rebound", "rust:tests/total.rs::total_is_exact");
    // From the crate root, and under a name a `use` gives it.
    for exit in [
        "    ::std::process::exit(0)\n",
        "    use std::process::exit as bye;\n    bye(0)\n",
        "    use std::process::{abort, exit as bye};\n    bye(0)\n",
    ] {
        let l = super::locked(&[("tests/total.rs", test)]);
        l.edit("tests/total.rs", test, &[("    vec![1, 2, 3]\n", exit)]);
        l.assert_refused("rebound", "rust:tests/total.rs::total_is_exact");
    }
}

// The functions of a file a test file `include!`s are its own: a check helper there that a
// test calls is locked as written, so emptying it is refused; a comment there passes.
#[test]
fn a_check_helper_in_an_included_file_is_locked() {
    let test = "include!(\"support/helpers.rs\");\n\n#[test]\nfn total_is_exact() {\n    check_total(6);\n}\n";
    let helpers = "fn check_total(expected: i64) {\n    assert_eq!(pay::total(), expected);\n}\n";
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"pay\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", "pub fn total() -> i64 {\n    6\n}\n"),
        ("tests/billing.rs", test),
        ("tests/support/helpers.rs", helpers),
    ];
    let config = "sacred:\n  paths: [\"tests/billing.rs\"]\n";
    let l = super::locked(&files);
    l.repo.write("gatekeeper.yml", config);
    l.repo.git(&["add", "-A"]);
    l.repo.git(&["commit", "-q", "--no-verify", "-m", "config"]);
    let out = l.repo.gk(&["sacred", "lock"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    l.repo.git(&["add", "-A"]);
    l.repo.git(&["commit", "-q", "--no-verify", "-m", "lock"]);
    l.edit(
        "tests/support/helpers.rs",
        helpers,
        &[(
            "    assert_eq!(pay::total(), expected);\n",
            "    let _ = expected;\n",
        )],
    );
    l.assert_refused("rebound", "rust:tests/billing.rs::total_is_exact");
    l.edit(
        "tests/support/helpers.rs",
        helpers,
        &[("fn check_total", "// the total\nfn check_total")],
    );
    l.assert_passes_checked();
}

const TABLE: &str = "use billing::refund;\n\n// gatekeeper:sacred\n#[test]\nfn refunds() {\n    let cases = [(100, 100), (0, 0)];\n    for (amount, want) in cases {\n        assert_eq!(refund(amount), want);\n    }\n}\n";
const TABLE_ID: &str = "rust:tests/table.rs::refunds";
harmless!(
    a_case_added_to_an_array_the_test_loops_over_passes,
    "tests/table.rs",
    TABLE,
    TABLE_ID,
    [("(0, 0)];", "(0, 0), (7, 7)];")]
);
refuses!(
    a_case_added_to_an_array_of_a_should_panic_test_is_refused,
    "tests/table.rs",
    &TABLE.replace("#[test]\n", "#[test]\n#[should_panic]\n"),
    [("[(100, 100),", "[(7, 0), (100, 100),")],
    "body-changed",
    TABLE_ID
);

// A helper the test reaches that writes beyond its locals (a `static mut`, a static's
// atomic, cell or lock, a `thread_local!` key, the environment, or through a shared
// reference a call hands a static): it may change what the code under test reads, as a
// skip in it would, so one added or changed is `rebound`; the test's body is untouched. Each
// was confirmed with the real `cargo test` first: against a broken `pay::total`, the locked
// test fails, and passes with the helper changed. The helpers run for what they write only:
// their values reach no assertion (one whose value does is locked as written, see `flow`).
const WRITES_FILE: &str = "tests/billing.rs";
const WRITES_ID: &str = "rust:tests/billing.rs::total_is_exact";
const WRITES: &str = r"use std::sync::atomic::{AtomicI64, Ordering};

fn items() -> Vec<i64> {
    vec![10, 20, 70]
}

fn counted(seen: &AtomicI64) -> Vec<i64> {
    seen.load(Ordering::SeqCst);
    items()
}

// gatekeeper:sacred
#[test]
fn total_is_exact() {
    let _ = items();
    assert_eq!(pay::total(&[10, 20, 80]), 110);
    let seen = AtomicI64::new(0);
    let _ = counted(&seen);
    assert_eq!(pay::total(&[10, 20, 80]), 110);
    let _ = counted(&pay::SEEN);
    assert_eq!(pay::total(&[10, 20, 80]), 110);
}
";
const ITEMS: &str = "    vec![10, 20, 70]\n}\n\nfn counted";
refuses!(
    a_helper_assigning_a_static_mut_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        ITEMS,
        "    unsafe {\n        pay::RATE = 5;\n    }\n    vec![10, 20, 70]\n}\n\nfn counted"
    )],
    "rebound",
    WRITES_ID
);
refuses!(
    a_helper_storing_to_a_static_atomic_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        ITEMS,
        "    pay::RATE.store(5, Ordering::SeqCst);\n    vec![10, 20, 70]\n}\n\nfn counted"
    )],
    "rebound",
    WRITES_ID
);
refuses!(
    a_helper_changing_a_static_atomic_in_place_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        ITEMS,
        "    pay::RATE.fetch_sub(5, Ordering::SeqCst);\n    let _ = pay::RATE.compare_exchange(5, 4, Ordering::SeqCst, Ordering::SeqCst);\n    vec![10, 20, 70]\n}\n\nfn counted"
    )],
    "rebound",
    WRITES_ID
);
refuses!(
    a_helper_setting_a_thread_local_cell_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        ITEMS,
        "    pay::RATE.with(|r| r.set(5));\n    vec![10, 20, 70]\n}\n\nfn counted"
    )],
    "rebound",
    WRITES_ID
);
refuses!(
    a_helper_borrowing_a_thread_local_refcell_mutably_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        ITEMS,
        "    pay::RATE.with(|r| *r.borrow_mut() = 5);\n    vec![10, 20, 70]\n}\n\nfn counted"
    )],
    "rebound",
    WRITES_ID
);
refuses!(
    a_helper_writing_through_a_static_mutex_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        ITEMS,
        "    let mut rate = pay::RATE.lock().unwrap();\n    *rate = 5;\n    vec![10, 20, 70]\n}\n\nfn counted"
    )],
    "rebound",
    WRITES_ID
);
refuses!(
    a_helper_writing_a_static_rwlock_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        ITEMS,
        "    *pay::RATE.write().unwrap() = 5;\n    vec![10, 20, 70]\n}\n\nfn counted"
    )],
    "rebound",
    WRITES_ID
);
refuses!(
    a_helper_setting_a_static_once_lock_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        ITEMS,
        "    let _ = pay::RATE.set(5);\n    vec![10, 20, 70]\n}\n\nfn counted"
    )],
    "rebound",
    WRITES_ID
);
refuses!(
    a_helper_setting_an_environment_variable_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        ITEMS,
        "    unsafe { std::env::set_var(\"PAY_RATE\", \"5\") };\n    vec![10, 20, 70]\n}\n\nfn counted"
    )],
    "rebound",
    WRITES_ID
);
refuses!(
    a_helper_removing_an_environment_variable_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        ITEMS,
        "    unsafe { std::env::remove_var(\"PAY_RATE\") };\n    vec![10, 20, 70]\n}\n\nfn counted"
    )],
    "rebound",
    WRITES_ID
);
refuses!(
    a_helper_handing_a_static_mut_mutably_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        ITEMS,
        "    pay::set(unsafe { &mut pay::RATE }, 5);\n    vec![10, 20, 70]\n}\n\nfn counted"
    )],
    "rebound",
    WRITES_ID
);
// `counted(&pay::SEEN)`: a shared reference to a static, which the helper now writes.
refuses!(
    a_helper_writing_through_a_shared_reference_to_a_static_is_refused,
    WRITES_FILE,
    WRITES,
    [(
        "    seen.load(Ordering::SeqCst);\n",
        "    seen.store(5, Ordering::SeqCst);\n"
    )],
    "rebound",
    WRITES_ID
);
// Building its values, asserting, writing its own locals (a cell, a counter of its own) or
// what it is handed to fill passes. (Without the call handed a static of the code under test:
// a statement that hands the code under test's state on may change what the assertions read,
// so what it calls is locked with the test, see `flow`.)
fn writes_own() -> String {
    WRITES.replace(
        "    let _ = counted(&pay::SEEN);\n    assert_eq!(pay::total(&[10, 20, 80]), 110);\n",
        "",
    )
}
harmless!(
    a_helper_building_a_vec_passes,
    WRITES_FILE,
    &writes_own(),
    WRITES_ID,
    [(
        ITEMS,
        "    let mut xs = Vec::new();\n    xs.extend([10, 20]);\n    xs.push(70);\n    xs\n}\n\nfn counted"
    )]
);
harmless!(
    a_helper_writing_its_own_local_cell_passes,
    WRITES_FILE,
    &writes_own(),
    WRITES_ID,
    [(
        ITEMS,
        "    let last = std::cell::Cell::new(0);\n    last.set(70);\n    static CALLS: AtomicI64 = AtomicI64::new(0);\n    CALLS.fetch_add(1, Ordering::SeqCst);\n    assert!(last.get() > 0);\n    vec![10, 20, last.get()]\n}\n\nfn counted"
    )]
);
harmless!(
    a_helper_filling_what_it_is_handed_passes,
    WRITES_FILE,
    &writes_own(),
    WRITES_ID,
    [(
        ITEMS,
        "    let mut xs = vec![0; 3];\n    fill(&mut xs);\n    xs\n}\n\nfn fill(xs: &mut Vec<i64>) {\n    xs[0] = 10;\n    xs[1] = 20;\n    *xs.last_mut().unwrap() = 70;\n}\n\nfn counted"
    )]
);

// The helper's shared reference is only ever the test's own counter: its write is the test's.
#[test]
fn a_helper_writing_the_tests_own_counter_passes() {
    let test = WRITES.replace(
        "    let _ = counted(&pay::SEEN);\n    assert_eq!(pay::total(&[10, 20, 80]), 110);\n",
        "",
    );
    let l = super::locked(&[(WRITES_FILE, &test)]);
    l.edit(
        WRITES_FILE,
        &test,
        &[(
            "    seen.load(Ordering::SeqCst);\n",
            "    seen.fetch_add(1, Ordering::SeqCst);\n",
        )],
    );
    l.assert_passes_checked();
}

// A helper of the test module of the code under test's own file (`mod tests`) is read as the
// test's; a function of the code under test beside it may write its own statics.
#[test]
fn a_helper_of_an_inline_test_module_writing_a_static_is_refused() {
    let lib = "pub static mut RATE: i64 = 0;\npub static NEXT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);\n\npub fn next_id() -> i64 {\n    NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)\n}\n\npub fn total(xs: &[i64]) -> i64 {\n    let _ = next_id();\n    xs.iter().sum::<i64>() * (100 + unsafe { RATE }) / 100\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    fn items() -> Vec<i64> {\n        vec![10, 20, 70]\n    }\n\n    // gatekeeper:sacred\n    #[test]\n    fn total_is_exact() {\n        let xs = items();\n        let t = total(&xs);\n        assert_eq!(t, 100);\n    }\n}\n";
    let id = "rust:src/lib.rs::tests::total_is_exact";
    let l = super::locked(&[("src/lib.rs", lib)]);
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    assert!(!lock.contains("hook skips"), "{lock}");
    l.edit(
        "src/lib.rs",
        lib,
        &[(
            "        vec![10, 20, 70]\n",
            "        unsafe { crate::RATE = 5 };\n        vec![10, 20, 70]\n",
        )],
    );
    l.assert_refused("rebound", id);
    l.edit(
        "src/lib.rs",
        lib,
        &[(
            "    NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)\n",
            "    NEXT.fetch_add(2, std::sync::atomic::Ordering::SeqCst)\n",
        )],
    );
    l.assert_passes_checked();
}

// Under a lock an earlier reading wrote (`hooks-read 4`, no line for a helper that writes a
// static), the base revision decides: an edit elsewhere in the file passes while the helper
// writes as it did; changing what it writes is refused.
#[test]
fn a_helper_writing_a_static_under_an_older_lock_is_judged_by_the_base_revision() {
    let test = WRITES.replace(
        ITEMS,
        "    pay::RATE.store(10, Ordering::SeqCst);\n    vec![10, 20, 70]\n}\n\nfn counted",
    );
    let l = super::locked(&[(WRITES_FILE, &test)]);
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    assert!(
        lock.contains("hook skips, helper items: fn items()"),
        "{lock}"
    );
    let older: String = lock
        .lines()
        .filter(|line| !line.contains("hook skips"))
        .map(|line| {
            if line.starts_with("  hooks-read ") {
                "  hooks-read 4".to_owned()
            } else {
                line.to_owned()
            }
        })
        .fold(String::new(), |acc, line| acc + &line + "\n");
    l.commit_lock(&older);
    l.edit(
        WRITES_FILE,
        &test,
        &[(
            "// gatekeeper:sacred\n",
            "#[test]\nfn other() {\n    assert_eq!(1 + 1, 2);\n}\n\n// gatekeeper:sacred\n",
        )],
    );
    l.assert_passes_checked();
    let now = String::from_utf8(l.repo.read(WRITES_FILE)).unwrap();
    l.edit(WRITES_FILE, &now, &[("RATE.store(10,", "RATE.store(5,")]);
    l.assert_refused("rebound", WRITES_ID);
}

/// An edit of a file (`file`, `from`, `to`) with a file it adds.
type CfgEdit<'a> = (&'a str, &'a str, &'a str, Option<(&'a str, &'a str)>);

// Confirmed with `cargo test`: the crate's own code made to compile otherwise under
// `cfg(test)`, which only its unit tests are built with, has them run other code than every
// other build (`#[cfg_attr(test, path = "pay_fixed.rs")]` on `mod pay;`, `#[cfg(not(test))]`
// on the broken `fn total` beside a `#[cfg(test)]` copy, `if cfg!(test) { … }`): refused. A
// new or changed unit test module, and a change to the code under test itself, pass.
#[test]
fn code_under_test_compiled_otherwise_under_test_is_refused_for_unit_tests() {
    let cargo = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
    let lib = "pub mod pay;\n\n#[cfg(test)]\nmod tests;\n";
    let pay = "pub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n";
    let test = "use crate::pay::total;\n\n#[test]\nfn total_is_the_sum() {\n    assert_eq!(total(&[1, 2, 3]), 6);\n}\n";
    let id = "rust:src/tests.rs::total_is_the_sum";
    let files = [
        ("Cargo.toml", cargo),
        ("gatekeeper.yml", "sacred:\n  paths: [\"src/tests.rs\"]\n"),
        ("src/lib.rs", lib),
        ("src/pay.rs", pay),
        ("src/tests.rs", test),
    ];
    let refused: [CfgEdit<'_>; 4] = [
        (
            "src/lib.rs",
            "pub mod pay;\n",
            "#[cfg_attr(test, path = \"pay_fixed.rs\")]\npub mod pay;\n",
            Some(("src/pay_fixed.rs", pay)),
        ),
        (
            "src/pay.rs",
            "pub fn total",
            "#[cfg(test)]\npub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n\n#[cfg(not(test))]\npub fn total",
            None,
        ),
        (
            "src/pay.rs",
            "    xs.iter().sum()\n",
            "    if cfg!(test) {\n        return 6;\n    }\n    xs.iter().sum()\n",
            None,
        ),
        (
            "src/lib.rs",
            "pub mod pay;\n",
            "#![cfg_attr(test, allow(unused))]\n#[cfg(all(test, unix))]\n#[path = \"pay_fixed.rs\"]\npub mod pay;\n#[cfg(not(all(test, unix)))]\npub mod pay;\n",
            Some(("src/pay_fixed.rs", pay)),
        ),
    ];
    for (file, from, to, extra) in refused {
        let l = super::locked(&files);
        let base = files.iter().find(|(p, _)| *p == file).unwrap().1;
        l.edit(file, base, &[(from, to)]);
        if let Some((p, c)) = extra {
            l.repo.write(p, c);
        }
        l.assert_refused("rebound", id);
    }
    // A new unit test module, inline or in a file of its own, and the code under test
    // changed as code.
    for (file, from, to) in [
        (
            "src/pay.rs",
            "    xs.iter().sum()\n}\n",
            "    xs.iter().sum()\n}\n\n#[cfg(test)]\nmod more {\n    #[test]\n    fn zero() {\n        assert_eq!(super::total(&[]), 0);\n    }\n}\n",
        ),
        // (What a test module's own file compiles under test is test code.)
        (
            "src/lib.rs",
            "mod tests;\n",
            "mod tests;\n\n#[cfg(test)]\nmod others;\n",
        ),
        (
            "src/pay.rs",
            "    xs.iter().sum()\n",
            "    xs.iter().copied().sum()\n",
        ),
    ] {
        let l = super::locked(&files);
        let base = files.iter().find(|(p, _)| *p == file).unwrap().1;
        l.edit(file, base, &[(from, to)]);
        if to.contains("mod others;") {
            l.repo.write(
                "src/others.rs",
                "#![cfg_attr(test, allow(unused))]\n#[cfg(not(test))]\nfn f() {}\n",
            );
        }
        l.assert_passes();
    }
    // An integration test links the library built without `cfg(test)`.
    let l = super::locked(&[
        ("Cargo.toml", cargo),
        (
            "gatekeeper.yml",
            "sacred:\n  paths: [\"tests/billing.rs\"]\n",
        ),
        ("src/lib.rs", "pub mod pay;\n"),
        ("src/pay.rs", pay),
        (
            "tests/billing.rs",
            "#[test]\nfn total_is_the_sum() {\n    assert_eq!(shop::pay::total(&[1, 2, 3]), 6);\n}\n",
        ),
    ]);
    l.edit(
        "src/lib.rs",
        "pub mod pay;\n",
        &[(
            "pub mod pay;\n",
            "#[cfg_attr(test, path = \"pay_fixed.rs\")]\npub mod pay;\n",
        )],
    );
    l.assert_passes();
}

// A glob import of the test's own library brings every item of that module: the library
// defining `pub fn Ok` that makes `Ok(0)` of any number takes the place of the prelude's
// `Ok` the test expects (found by an attack round, confirmed with `cargo test`: a broken
// `total` passed), at its root or in a module it glob-imports in turn. Each is refused; a
// new item the test file does not mention, and a change to a body, pass.
#[test]
fn a_glob_import_that_now_brings_a_name_the_test_uses_is_refused() {
    let test = "use billing::*;\n\n// gatekeeper:sacred\n#[test]\nfn total_is_six() {\n    assert_eq!(total(\"1, 2, 3\"), Ok(6));\n}\n";
    let pay = "pub fn total(s: &str) -> Result<i64, String> {\n    s.split(\", \").map(|x| x.parse::<i64>().map_err(|e| e.to_string())).sum()\n}\n";
    let ok = "\n#[allow(non_snake_case)]\npub fn Ok<E>(_: i64) -> Result<i64, E> {\n    Result::Ok(0)\n}\n";
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"billing\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", "mod pay;\npub use pay::*;\n"),
        ("src/pay.rs", pay),
        ("tests/total.rs", test),
    ];
    let id = "rust:tests/total.rs::total_is_six";
    for (file, code) in [
        ("src/lib.rs", format!("mod pay;\npub use pay::*;\n{ok}")),
        ("src/pay.rs", format!("{pay}{ok}")),
    ] {
        let l = super::locked(&files);
        l.repo.write(file, code);
        l.assert_refused("rebound", id);
    }
    for code in [
        format!(
            "{pay}\npub fn average(xs: &[i64]) -> i64 {{\n    xs.iter().sum::<i64>() / xs.len() as i64\n}}\n"
        ),
        pay.replace("e.to_string()", "format!(\"{e}\")"),
    ] {
        let l = super::locked(&files);
        l.repo.write("src/pay.rs", code);
        l.assert_passes();
    }
}

// What the library compiles differently under `debug_assertions` (on for `cargo test`, off
// for `--release`) is locked with its integration tests too: a right `total` under it beside
// a wrong one without it (found by an attack round, confirmed: `cargo test` passed and a
// release build returned 0) is refused. A change to a function under no such switch passes,
// and so does a change elsewhere in a file that keeps its `debug_assertions` item.
#[test]
fn a_library_that_differs_under_debug_assertions_is_refused() {
    let lib = "pub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n";
    let guarded = "#[cfg(debug_assertions)]\npub fn trace(x: i64) {\n    eprintln!(\"{x}\");\n}\n";
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"billing\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", lib),
        (
            "tests/pay.rs",
            "// gatekeeper:sacred\n#[test]\nfn total_is_exact() {\n    assert_eq!(billing::total(&[1, 2, 3]), 6);\n}\n",
        ),
    ];
    let id = "rust:tests/pay.rs::total_is_exact";
    for code in [
        "#[cfg(debug_assertions)]\npub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n\n#[cfg(not(debug_assertions))]\npub fn total(_: &[i64]) -> i64 {\n    0\n}\n".to_owned(),
        "pub fn total(xs: &[i64]) -> i64 {\n    if cfg!(debug_assertions) {\n        xs.iter().sum()\n    } else {\n        0\n    }\n}\n".to_owned(),
    ] {
        let l = super::locked(&files);
        l.repo.write("src/lib.rs", code);
        l.assert_refused("rebound", id);
    }
    let l = super::locked(&files);
    l.repo.write(
        "src/lib.rs",
        "pub fn total(xs: &[i64]) -> i64 {\n    xs.iter().copied().sum()\n}\n",
    );
    l.assert_passes();
    let mut with_guard = files;
    let guarded_lib = format!("{lib}\n{guarded}");
    with_guard[1] = ("src/lib.rs", &guarded_lib);
    let l = super::locked(&with_guard);
    l.repo.write(
        "src/lib.rs",
        format!(
            "{}\n{guarded}",
            lib.replace("xs.iter().sum()", "xs.iter().copied().sum()")
        ),
    );
    l.assert_passes();
}

// A crate of the repository among a package's dev-dependencies has its features turned on
// for the test build alone: a new entry turning one on (found by an attack round, confirmed:
// the test passed while the shipped binary was wrong), or a feature added to an entry, is
// refused. A version of a registry dev-dependency, and its features, may change.
#[test]
fn a_dev_dependency_turning_on_a_feature_of_a_crate_of_the_repository_is_refused() {
    let shop = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nbilling = { path = \"../billing\" }\n";
    let files = [
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"billing\", \"shop\"]\nresolver = \"2\"\n",
        ),
        (
            "billing/Cargo.toml",
            "[package]\nname = \"billing\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\nlegacy = []\n",
        ),
        (
            "billing/src/lib.rs",
            "pub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n",
        ),
        ("shop/Cargo.toml", shop),
        (
            "shop/src/lib.rs",
            "pub fn checkout(xs: &[i64]) -> i64 {\n    billing::total(xs)\n}\n",
        ),
        (
            "shop/tests/pay.rs",
            "use shop::checkout;\n\n// gatekeeper:sacred\n#[test]\nfn checkout_is_exact() {\n    assert_eq!(checkout(&[1, 2, 3]), 6);\n}\n",
        ),
    ];
    let id = "rust:shop/tests/pay.rs::checkout_is_exact";
    let with_dev = format!(
        "{shop}\n[dev-dependencies]\nbilling = {{ path = \"../billing\" }}\nserde = \"1\"\n"
    );
    for code in [
        format!(
            "{shop}\n[dev-dependencies]\nbilling = {{ path = \"../billing\", features = [\"legacy\"] }}\n"
        ),
        with_dev.replace(
            "billing = { path = \"../billing\" }\nserde",
            "billing = { path = \"../billing\", default-features = false }\nserde",
        ),
    ] {
        let mut start = files;
        start[3] = ("shop/Cargo.toml", &with_dev);
        let l = super::locked(if code.contains("default-features") {
            &start
        } else {
            &files
        });
        l.repo.write("shop/Cargo.toml", &code);
        l.assert_refused("rebound", id);
    }
    let mut start = files;
    start[3] = ("shop/Cargo.toml", &with_dev);
    let l = super::locked(&start);
    l.repo.write(
        "shop/Cargo.toml",
        with_dev.replace(
            "serde = \"1\"",
            "serde = { version = \"1.0.200\", features = [\"derive\"] }",
        ),
    );
    l.assert_passes();
}

// A raw system call appended after every check may end the test binary (`syscall(60, …)` is
// `exit` on x86-64 Linux), and so may a signal to the process group: refused wherever they
// are added, as `std::process::exit(0)` is, though neither names `exit`.
refuses!(
    a_raw_system_call_appended_after_every_check_is_refused,
    FILE,
    BASE,
    [(
        "    assert!(matches!(r, Err(Error::Insufficient)));\n}",
        "    assert!(matches!(r, Err(Error::Insufficient)));\n    unsafe { libc::syscall(60, 0) };\n}"
    )],
    "body-changed",
    ID
);
refuses!(
    a_signal_to_the_process_group_appended_after_every_check_is_refused,
    FILE,
    BASE,
    [(
        "    assert!(matches!(r, Err(Error::Insufficient)));\n}",
        "    assert!(matches!(r, Err(Error::Insufficient)));\n    unsafe { libc::killpg(0, 9) };\n}"
    )],
    "body-changed",
    ID
);
