//! Go: weakening rules and harmless edits.

const FILE: &str = "pay/refund_test.go";
const ID: &str = "go:pay/refund_test.go::TestRefundIsExact";

const BASE: &str = r#"package pay

import "testing"

// gatekeeper:sacred
func TestRefundIsExact(t *testing.T) {
	got := Refund(100)
	if got != 100 {
		t.Fatalf("refund = %d, want 100", got)
	}
	assert.Equal(t, 100, got)
	require.ErrorIs(t, Refund(-1), ErrInsufficient)
}

func TestHelper(t *testing.T) {
	if Helper() != 1 {
		t.Error("helper")
	}
}
"#;

refuses!(
    t_skip_is_refused,
    FILE,
    BASE,
    [(
        "\tgot := Refund(100)\n",
        "\tt.Skip(\"later\")\n\tgot := Refund(100)\n"
    )],
    "skipped",
    ID
);
refuses!(
    a_build_tag_is_refused,
    FILE,
    BASE,
    [("package pay\n", "//go:build ignore\n\npackage pay\n")],
    "skipped",
    ID
);
refuses!(
    renaming_out_of_collection_is_refused,
    FILE,
    BASE,
    [("func TestRefundIsExact(", "func testRefundIsExact(")],
    "renamed-out-of-collection",
    ID
);
refuses!(
    removing_the_tag_is_refused,
    FILE,
    BASE,
    [("// gatekeeper:sacred\nfunc", "func")],
    "untagged",
    ID
);
refuses!(
    loosening_the_guard_of_a_failure_is_refused,
    FILE,
    BASE,
    [("if got != 100 {", "if got < 100 {")],
    "assertion-loosened",
    ID
);
refuses!(
    assert_equal_to_not_nil_is_loosened,
    FILE,
    BASE,
    [("assert.Equal(t, 100, got)", "assert.NotNil(t, got)")],
    "assertion-loosened",
    ID
);
refuses!(
    changing_the_expected_literal_is_refused,
    FILE,
    BASE,
    [("assert.Equal(t, 100, got)", "assert.Equal(t, 90, got)")],
    "expected-changed",
    ID
);
refuses!(
    removing_an_assertion_is_refused,
    FILE,
    BASE,
    [("\trequire.ErrorIs(t, Refund(-1), ErrInsufficient)\n", "")],
    "assertion-removed",
    ID
);
refuses!(
    recover_is_a_swallowed_failure,
    FILE,
    BASE,
    [(
        "\tgot := Refund(100)\n",
        "\tdefer func() { recover() }()\n\tgot := Refund(100)\n"
    )],
    "swallowed-failure",
    ID
);
refuses!(
    an_early_return_is_refused,
    FILE,
    BASE,
    [(
        "\tgot := Refund(100)\n",
        "\tgot := Refund(100)\n\tif got > 0 {\n\t\treturn\n\t}\n"
    )],
    "early-return",
    ID
);

passes!(
    reformatting_passes,
    FILE,
    BASE,
    [(
        "\tassert.Equal(t, 100, got)\n",
        "\tassert.Equal(t,\n\t\t100,\n\t\tgot,\n\t) // exact\n"
    )]
);
passes!(
    adding_an_assertion_passes,
    FILE,
    BASE,
    [(
        "\tassert.Equal(t, 100, got)\n",
        "\tassert.Equal(t, 100, got)\n\tassert.Positive(t, got)\n"
    )]
);
passes!(
    weakening_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    [("if Helper() != 1 {", "if Helper() < 0 {")]
);

passes!(
    adding_a_guarded_failure_in_the_middle_passes,
    FILE,
    BASE,
    [(
        "\tassert.Equal(t, 100, got)\n",
        "\tif got%2 != 0 {\n\t\tt.Errorf(\"odd refund %d\", got)\n\t}\n\tassert.Equal(t, 100, got)\n"
    )]
);

#[test]
fn a_test_main_added_in_another_file_of_the_package_is_refused() {
    let l = super::locked(&[(FILE, BASE)]);
    l.repo.write(
        "pay/main_test.go",
        "package pay\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestMain(m *testing.M) {\n\tos.Exit(0)\n}\n",
    );
    l.assert_refused("envelope-changed", ID);
}

#[test]
fn a_test_main_in_another_package_does_not_matter() {
    let l = super::locked(&[(FILE, BASE)]);
    l.repo.write(
        "other/main_test.go",
        "package other\n\nimport \"testing\"\n\nfunc TestMain(m *testing.M) {}\n",
    );
    l.assert_passes();
}

// ---- Test matrix: the remaining Go cells ----

const SACRED_FUNC: &str = "// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tgot := Refund(100)\n\tif got != 100 {\n\t\tt.Fatalf(\"refund = %d, want 100\", got)\n\t}\n\tassert.Equal(t, 100, got)\n\trequire.ErrorIs(t, Refund(-1), ErrInsufficient)\n}\n";
const SIBLING: &str =
    "func TestHelper(t *testing.T) {\n\tif Helper() != 1 {\n\t\tt.Error(\"helper\")\n\t}\n}\n";

refuses!(
    removing_the_test_is_refused,
    FILE,
    BASE,
    [(SACRED_FUNC, "")],
    "removed",
    ID
);
// A rename that keeps every check is followed (it used to need a re-lock); a rename that
// also drops a check is refused.
moves!(
    renaming_the_test_keeping_every_check_is_followed,
    FILE,
    BASE,
    [("func TestRefundIsExact(", "func TestRefundIsClose(")],
    ID,
    "go:pay/refund_test.go::TestRefundIsClose"
);
refuses!(
    renaming_the_test_and_dropping_a_check_is_refused,
    FILE,
    BASE,
    [
        ("func TestRefundIsExact(", "func TestRefundIsClose("),
        ("\tassert.Equal(t, 100, got)\n", "")
    ],
    "removed",
    ID
);
refuses!(
    removing_every_assertion_is_emptied,
    FILE,
    BASE,
    [(
        "\tif got != 100 {\n\t\tt.Fatalf(\"refund = %d, want 100\", got)\n\t}\n\tassert.Equal(t, 100, got)\n\trequire.ErrorIs(t, Refund(-1), ErrInsufficient)\n",
        "\t_ = got\n"
    )],
    "emptied",
    ID
);
refuses!(
    commenting_out_an_assertion_is_refused,
    FILE,
    BASE,
    [(
        "\tassert.Equal(t, 100, got)",
        "\t// assert.Equal(t, 100, got)"
    )],
    "assertion-commented-out",
    ID
);
refuses!(
    strengthening_an_assertion_in_place_is_assertion_changed,
    FILE,
    BASE,
    [("assert.Equal(t, 100, got)", "assert.Exactly(t, 100, got)")],
    "assertion-changed",
    ID
);
refuses!(
    moving_an_assertion_under_an_if_is_refused,
    FILE,
    BASE,
    [(
        "\tassert.Equal(t, 100, got)\n",
        "\tif got != 0 {\n\t\tassert.Equal(t, 100, got)\n\t}\n"
    )],
    "assertion-moved",
    ID
);
refuses!(
    changing_a_statement_is_body_changed,
    FILE,
    BASE,
    [("got := Refund(100)", "got := Refund(0) + 100")],
    "body-changed",
    ID
);
refuses!(
    a_parse_error_inside_the_test_is_refused,
    FILE,
    BASE,
    [("got := Refund(100)", "got := Refund(100")],
    "parse-error",
    ID
);
refuses!(
    a_second_func_with_the_same_name_is_a_duplicate_id,
    FILE,
    BASE,
    [(
        SIBLING,
        "func TestHelper(t *testing.T) {\n\tif Helper() != 1 {\n\t\tt.Error(\"helper\")\n\t}\n}\n\nfunc TestRefundIsExact(t *testing.T) {}\n"
    )],
    "duplicate-id",
    ID
);

// ---- Harmless Go edits: each must pass both checks, which compare the locked test ----

harmless!(
    a_comment_inside_the_test_passes,
    FILE,
    BASE,
    ID,
    [(
        "\tgot := Refund(100)\n",
        "\t// Refunds are exact to the cent.\n\tgot := Refund(100)\n"
    )]
);
harmless!(
    a_comment_above_the_tag_passes,
    FILE,
    BASE,
    ID,
    [(
        "// gatekeeper:sacred\nfunc TestRefundIsExact",
        "// TestRefundIsExact guards the refund rule.\n// gatekeeper:sacred\nfunc TestRefundIsExact"
    )]
);
harmless!(
    blank_lines_inside_the_test_pass,
    FILE,
    BASE,
    ID,
    [("\tgot := Refund(100)\n", "\n\tgot := Refund(100)\n\n\n")]
);
harmless!(
    adding_an_assertion_before_the_locked_statements_passes,
    FILE,
    BASE,
    ID,
    [(
        "\tgot := Refund(100)\n",
        "\trequire.NoError(t, Ready())\n\tgot := Refund(100)\n"
    )]
);
harmless!(
    repeating_a_locked_assertion_passes,
    FILE,
    BASE,
    ID,
    [(
        "\tassert.Equal(t, 100, got)\n",
        "\tassert.Equal(t, 100, got)\n\tassert.Equal(t, 100, got)\n"
    )]
);
harmless!(
    appending_a_statement_after_the_locked_ones_passes,
    FILE,
    BASE,
    ID,
    [(
        "\trequire.ErrorIs(t, Refund(-1), ErrInsufficient)\n}",
        "\trequire.ErrorIs(t, Refund(-1), ErrInsufficient)\n\tt.Log(\"refund\", got)\n}"
    )]
);
harmless!(
    adding_a_sacred_test_passes,
    FILE,
    BASE,
    ID,
    [(
        SIBLING,
        "// gatekeeper:sacred\nfunc TestRefundOfZero(t *testing.T) {\n\tassert.Equal(t, 0, Refund(0))\n}\n\nfunc TestHelper(t *testing.T) {\n\tif Helper() != 1 {\n\t\tt.Error(\"helper\")\n\t}\n}\n"
    )]
);
harmless!(
    adding_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [(
        SIBLING,
        "func TestHelper(t *testing.T) {\n\tif Helper() != 1 {\n\t\tt.Error(\"helper\")\n\t}\n}\n\nfunc TestHelperTwice(t *testing.T) {\n\tassert.Equal(t, Helper(), Helper())\n}\n"
    )]
);
harmless!(
    deleting_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [(SIBLING, "")]
);
harmless!(
    skipping_a_test_that_is_not_sacred_passes,
    FILE,
    BASE,
    ID,
    [(
        "func TestHelper(t *testing.T) {\n",
        "func TestHelper(t *testing.T) {\n\tt.Skip(\"flaky\")\n"
    )]
);
harmless!(
    moving_the_test_below_its_sibling_passes,
    FILE,
    BASE,
    ID,
    [
        (SACRED_FUNC, ""),
        (
            SIBLING,
            "func TestHelper(t *testing.T) {\n\tif Helper() != 1 {\n\t\tt.Error(\"helper\")\n\t}\n}\n\n// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tgot := Refund(100)\n\tif got != 100 {\n\t\tt.Fatalf(\"refund = %d, want 100\", got)\n\t}\n\tassert.Equal(t, 100, got)\n\trequire.ErrorIs(t, Refund(-1), ErrInsufficient)\n}\n"
        ),
    ]
);
harmless!(
    grouping_the_imports_passes,
    FILE,
    BASE,
    ID,
    [(
        "import \"testing\"\n",
        "import (\n\t\"testing\"\n\n\t\"github.com/stretchr/testify/assert\"\n\t\"github.com/stretchr/testify/require\"\n)\n"
    )]
);
harmless!(
    adding_a_helper_function_passes,
    FILE,
    BASE,
    ID,
    [(
        SIBLING,
        "func TestHelper(t *testing.T) {\n\tif Helper() != 1 {\n\t\tt.Error(\"helper\")\n\t}\n}\n\nfunc cents(n int) int {\n\treturn n * 100\n}\n"
    )]
);
harmless!(
    a_doc_comment_on_the_package_passes,
    FILE,
    BASE,
    ID,
    [(
        "package pay\n",
        "// Package pay refunds payments.\npackage pay\n"
    )]
);
harmless!(
    a_trailing_comment_on_an_assertion_passes,
    FILE,
    BASE,
    ID,
    [(
        "\tassert.Equal(t, 100, got)\n",
        "\tassert.Equal(t, 100, got) // exact\n"
    )]
);

#[test]
fn a_new_test_file_without_test_main_in_the_package_passes() {
    let l = super::locked(&[(FILE, BASE)]);
    l.assert_locked(ID);
    l.repo.write(
        "pay/extra_test.go",
        "package pay\n\nimport \"testing\"\n\nfunc TestExtra(t *testing.T) {\n\tif Refund(1) != 1 {\n\t\tt.Fatal(\"extra\")\n\t}\n}\n",
    );
    // The new file is in the package of the locked one, so the locked file is re-parsed.
    l.assert_passes_checked();
}

const OVERWRITE: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestSix(t *testing.T) {\n\tv := compute()\n\tassert.Equal(t, 6, v)\n}\n";

refuses!(
    assigning_just_before_the_assertion_is_refused,
    "pay/six_test.go",
    OVERWRITE,
    [(
        "\tassert.Equal(t, 6, v)\n",
        "\tv = 6\n\tassert.Equal(t, 6, v)\n"
    )],
    "body-changed",
    "go:pay/six_test.go::TestSix"
);
harmless!(
    appending_after_the_last_assertion_passes,
    "pay/six_test.go",
    OVERWRITE,
    "go:pay/six_test.go::TestSix",
    [(
        "\tassert.Equal(t, 6, v)\n",
        "\tassert.Equal(t, 6, v)\n\tu := compute()\n\tassert.Equal(t, 6, u)\n"
    )]
);

const BOUND: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestBound(t *testing.T) {\n\tif Refund(10) != 10 {\n\t\tt.Fatal(\"wrong\")\n\t}\n}\n";
const BOUND_ID: &str = "go:pay/bound_test.go::TestBound";

refuses!(
    an_init_function_is_refused,
    "pay/bound_test.go",
    BOUND,
    [(
        "import \"testing\"\n",
        "import (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc init() {\n\tos.Exit(0)\n}\n"
    )],
    "rebound",
    BOUND_ID
);
refuses!(
    rebinding_the_function_under_test_is_refused,
    "pay/bound_test.go",
    BOUND,
    [(
        "import \"testing\"\n",
        "import \"testing\"\n\nvar Refund = func(x int) int { return x }\n"
    )],
    "rebound",
    BOUND_ID
);
harmless!(
    an_unrelated_helper_and_import_pass,
    "pay/bound_test.go",
    BOUND,
    BOUND_ID,
    [(
        "import \"testing\"\n",
        "import (\n\t\"fmt\"\n\t\"testing\"\n)\n\nfunc helper() string {\n\treturn fmt.Sprint(1)\n}\n"
    )]
);

const BLANK: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestBlank(t *testing.T) {\n\t_, err := Parse(\"10\")\n\tif err != nil {\n\t\tt.Fatal(err)\n\t}\n}\n";
const BLANK_ID: &str = "go:pay/blank_test.go::TestBlank";

// `var _ Iface = (*T)(nil)` runs nothing and binds nothing the test can use (`_` is blank).
harmless!(
    a_compile_time_interface_check_passes,
    "pay/blank_test.go",
    BLANK,
    BLANK_ID,
    [(
        "import \"testing\"\n",
        "import (\n\t\"fmt\"\n\t\"testing\"\n)\n\ntype multi []string\n\nvar _ fmt.Stringer = (*multi)(nil)\n"
    )]
);
// A blank var whose value calls a function runs it before the tests: still refused.
refuses!(
    a_blank_var_that_calls_a_function_is_refused,
    "pay/blank_test.go",
    BLANK,
    [(
        "import \"testing\"\n",
        "import \"testing\"\n\nvar _ = setup()\n"
    )],
    "rebound",
    BLANK_ID
);

const SELECTOR: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestSelector(t *testing.T) {\n\tl := NewLedger()\n\tif l.Refund(10) != 10 {\n\t\tt.Fatal(\"wrong\")\n\t}\n}\n";
const SELECTOR_ID: &str = "go:pay/selector_test.go::TestSelector";

// A method after a dot is not a name a package-level declaration reaches.
harmless!(
    a_new_func_named_like_a_method_the_test_calls_passes,
    "pay/selector_test.go",
    SELECTOR,
    SELECTOR_ID,
    [(
        "import \"testing\"\n",
        "import \"testing\"\n\nfunc Refund(x int) int { return 0 }\n"
    )]
);

const COMMENTED: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestCommented(t *testing.T) {\n\t// the refund is exact\n\tv := compute()\n\tif v != 6 {\n\t\tt.Fatalf(\"got %d\", v)\n\t}\n}\n";
const COMMENTED_ID: &str = "go:pay/commented_test.go::TestCommented";

harmless!(
    a_return_inside_a_func_literal_is_not_an_early_return,
    "pay/commented_test.go",
    COMMENTED,
    COMMENTED_ID,
    [(
        "\t\tt.Fatalf(\"got %d\", v)\n\t}\n",
        "\t\tt.Fatalf(\"got %d\", v)\n\t}\n\tdouble := func(x int) int {\n\t\treturn x * 2\n\t}\n\tif double(3) != 6 {\n\t\tt.Fatal(\"double\")\n\t}\n"
    )]
);
harmless!(
    appending_a_check_to_a_body_that_starts_with_a_comment_passes,
    "pay/commented_test.go",
    COMMENTED,
    COMMENTED_ID,
    [(
        "\t\tt.Fatalf(\"got %d\", v)\n\t}\n",
        "\t\tt.Fatalf(\"got %d\", v)\n\t}\n\tif v < 0 {\n\t\tt.Fatal(\"negative\")\n\t}\n"
    )]
);
refuses!(
    a_statement_inserted_before_a_check_after_a_leading_comment_is_refused,
    "pay/commented_test.go",
    COMMENTED,
    [("\tif v != 6 {\n", "\tv = 6\n\tif v != 6 {\n")],
    "body-changed",
    COMMENTED_ID
);

harmless!(
    changing_only_the_errorf_arguments_passes,
    "pay/commented_test.go",
    COMMENTED,
    COMMENTED_ID,
    [(
        "t.Fatalf(\"got %d\", v)",
        "t.Fatalf(\"compute() = %d, want %d\", v, 6)"
    )]
);
harmless!(
    errorf_arguments_reading_fields_pass,
    "pay/commented_test.go",
    COMMENTED,
    COMMENTED_ID,
    [(
        "t.Fatalf(\"got %d\", v)",
        "t.Fatalf(\"got %d, want %d (%s)\", v, cases[0].want, names[\"six\"])"
    )]
);
refuses!(
    an_errorf_argument_that_skips_is_refused,
    "pay/commented_test.go",
    COMMENTED,
    [(
        "t.Fatalf(\"got %d\", v)",
        "t.Fatalf(\"got %d%s\", v, func() string { t.SkipNow(); return \"\" }())"
    )],
    "assertion-changed",
    COMMENTED_ID
);
harmless!(
    adding_a_testify_message_passes,
    "pay/six_test.go",
    OVERWRITE,
    "go:pay/six_test.go::TestSix",
    [(
        "assert.Equal(t, 6, v)",
        "assert.Equal(t, 6, v, \"six cents\")"
    )]
);

const TAGGED: &str = "//go:build integration\n\npackage pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTagged(t *testing.T) {\n\tif compute() != 6 {\n\t\tt.Fatal(\"wrong\")\n\t}\n}\n";

harmless!(
    removing_a_build_constraint_passes,
    "pay/tagged_test.go",
    TAGGED,
    "go:pay/tagged_test.go::TestTagged",
    [("//go:build integration\n\n", "")]
);
refuses!(
    changing_a_build_constraint_is_refused,
    "pay/tagged_test.go",
    TAGGED,
    [("//go:build integration", "//go:build ignore")],
    "skipped",
    "go:pay/tagged_test.go::TestTagged"
);

harmless!(
    renaming_a_local_consistently_passes,
    "pay/six_test.go",
    OVERWRITE,
    "go:pay/six_test.go::TestSix",
    [(
        "\tv := compute()\n\tassert.Equal(t, 6, v)\n",
        "\tgot := compute()\n\tassert.Equal(t, 6, got)\n"
    )]
);

// A sub-expression of a check moved into a local bound just before it.
const EXTRACT: &str = "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\txs := []int{1, 2, 3}\n\tif Total(xs) != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", Total(xs))\n\t}\n\tif Total(nil) != 0 {\n\t\tt.Error(\"not zero\")\n\t}\n}\n";
const EXTRACT_FILE: &str = "billing/total_test.go";
const EXTRACT_ID: &str = "go:billing/total_test.go::TestTotal";

harmless!(
    extracting_a_sub_expression_into_the_if_initializer_passes,
    EXTRACT_FILE,
    EXTRACT,
    EXTRACT_ID,
    [(
        "\tif Total(xs) != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", Total(xs))\n",
        "\tif got := Total(xs); got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n"
    )]
);
harmless!(
    extracting_a_sub_expression_into_a_local_before_the_if_passes,
    EXTRACT_FILE,
    EXTRACT,
    EXTRACT_ID,
    [(
        "\tif Total(xs) != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", Total(xs))\n",
        "\tgot := Total(xs)\n\tif got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n"
    )]
);
refuses!(
    extracting_a_constant_in_place_of_the_computed_value_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "\tif Total(xs) != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", Total(xs))\n",
        "\tif got := 6; got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);
refuses!(
    extracting_a_different_expression_is_refused,
    EXTRACT_FILE,
    EXTRACT,
    [(
        "\tif Total(xs) != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", Total(xs))\n",
        "\tgot := Total(xs[1:])\n\tif got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n"
    )],
    "assertion-changed",
    EXTRACT_ID
);

// A local that a plain statement uses (not a check) inlined or extracted (viper's
// `replacer := strings.NewReplacer(".", "_")` then `v.SetEnvKeyReplacer(replacer)`, written
// `v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))`): the same statement, either way.
const SETUP: &str = "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRefund(t *testing.T) {\n\trate := NewRate(\"std\", 20)\n\tacct := Open(rate)\n\tacct.Deposit(Cents(100))\n\tif got := acct.Refund(100); got != 100 {\n\t\tt.Errorf(\"refund = %d\", got)\n\t}\n}\n";
const SETUP_FILE: &str = "billing/refund_test.go";
const SETUP_ID: &str = "go:billing/refund_test.go::TestRefund";

harmless!(
    a_local_a_plain_statement_uses_inlined_passes,
    SETUP_FILE,
    SETUP,
    SETUP_ID,
    [(
        "\trate := NewRate(\"std\", 20)\n\tacct := Open(rate)\n",
        "\tacct := Open(NewRate(\"std\", 20))\n"
    )]
);
harmless!(
    a_local_extracted_from_a_plain_statement_passes,
    SETUP_FILE,
    SETUP,
    SETUP_ID,
    [(
        "\tacct.Deposit(Cents(100))\n",
        "\tamount := Cents(100)\n\tacct.Deposit(amount)\n"
    )]
);
refuses!(
    a_local_inlined_with_another_value_is_refused,
    SETUP_FILE,
    SETUP,
    [(
        "\trate := NewRate(\"std\", 20)\n\tacct := Open(rate)\n",
        "\tacct := Open(NewRate(\"std\", 0))\n"
    )],
    "assertion-changed",
    SETUP_ID
);

// viper's `030b77a`: an unused parameter of a closure renamed `_` (linters ask for it).
const WATCH: &str = "package conf\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestWatch(t *testing.T) {\n\tdone := 0\n\tOnChange(func(in Event) {\n\t\tdone++\n\t})\n\tTouch()\n\tif done != 1 {\n\t\tt.Errorf(\"done = %d\", done)\n\t}\n}\n";
const WATCH_FILE: &str = "conf/watch_test.go";
const WATCH_ID: &str = "go:conf/watch_test.go::TestWatch";

harmless!(
    an_unused_closure_parameter_renamed_blank_passes,
    WATCH_FILE,
    WATCH,
    WATCH_ID,
    [("func(in Event)", "func(_ Event)")]
);

/// A parameter the closure reads, renamed `_`, no longer gives it its value (it would not
/// compile, or another `in` is read): refused; so is the closure's body changed.
#[test]
fn a_used_closure_parameter_renamed_blank_is_refused() {
    let used = WATCH.replace("\t\tdone++\n", "\t\tdone += in.Count\n");
    for (what, from, to) in [
        ("used", "func(in Event)", "func(_ Event)"),
        ("body changed", "\t\tdone += in.Count\n", "\t\tdone += 1\n"),
    ] {
        let l = super::locked(&[(WATCH_FILE, used.as_str())]);
        l.edit(WATCH_FILE, &used, &[(from, to)]);
        l.assert_staged_refuses(WATCH_ID, what);
    }
}

/// A local put back only where that evaluates the same thing at the same point: not after
/// another call of the statement, not where its address is taken or it is copied from a
/// variable (a method on it would reach the original), not where it is used twice or later,
/// not into a `defer` or a `go` statement.
#[test]
fn a_local_of_a_plain_statement_put_back_elsewhere_is_refused() {
    for (what, from, to) in [
        (
            "after another call",
            "\tacct.Deposit(Cents(100))\n",
            "\tamount := Cents(100)\n\tacct.DepositAfter(Fee(), amount)\n",
        ),
        (
            "its address taken",
            "\tacct.Deposit(Cents(100))\n",
            "\tamount := Cents(100)\n\tacct.DepositAt(&amount)\n",
        ),
        (
            "a copy of a variable",
            "\tacct := Open(rate)\n",
            "\tr := rate\n\tacct := Open(r)\n",
        ),
        (
            "used twice",
            "\tacct.Deposit(Cents(100))\n",
            "\tamount := Cents(100)\n\tacct.Deposit(amount)\n\tacct.Deposit(amount)\n",
        ),
        (
            "deferred",
            "\tacct.Deposit(Cents(100))\n",
            "\tamount := Cents(100)\n\tdefer acct.Deposit(amount)\n",
        ),
    ] {
        let l = super::locked(&[(SETUP_FILE, SETUP)]);
        l.edit(SETUP_FILE, SETUP, &[(from, to)]);
        l.assert_staged_refuses(SETUP_ID, what);
    }
}

const SERVER_FILE: &str = "pay/server_test.go";
const SERVER_ID: &str = "go:pay/server_test.go::TestTotalOverServer";
const SERVER: &str = r#"package pay

import "testing"

// gatekeeper:sacred
func TestTotalOverServer(t *testing.T) {
	srv := newServer(0)
	defer srv.Close()
	srv.Start()
	if Total(srv.URL) != 6 {
		t.Errorf("want 6")
	}
}
"#;

harmless!(
    the_server_handed_t_with_its_cleanup_and_a_checked_start_passes,
    SERVER_FILE,
    SERVER,
    SERVER_ID,
    [
        ("newServer(0)", "newServer(0, t)"),
        ("\tdefer srv.Close()\n", ""),
        ("\tsrv.Start()\n", "\tassertNoErr(t, srv.Start())\n")
    ]
);
refuses!(
    the_server_cleanup_removed_while_its_helper_is_not_handed_t_is_refused,
    SERVER_FILE,
    SERVER,
    [("\tdefer srv.Close()\n", "")],
    "body-changed",
    SERVER_ID
);
refuses!(
    a_deferred_server_call_wrapped_in_a_helper_is_refused,
    SERVER_FILE,
    SERVER,
    [(
        "\tdefer srv.Close()\n",
        "\tdefer assertNoErr(t, srv.Close())\n"
    )],
    "body-changed",
    SERVER_ID
);

const HOISTED: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tgot := Refund(100)\n\twant := 100\n\tif got != want {\n\t\tt.Fatalf(\"refund = %d, want %d\", got, want)\n\t}\n}\n";

// The expected value moved from a local into a package constant (a linter's `goconst` fix).
harmless!(
    a_local_hoisted_into_a_package_constant_passes,
    FILE,
    HOISTED,
    ID,
    [
        (
            "import \"testing\"\n",
            "import \"testing\"\n\nconst full = 100\n"
        ),
        ("\twant := 100\n", ""),
        ("got != want", "got != full"),
        ("got, want)", "got, full)")
    ]
);
refuses!(
    a_local_hoisted_into_a_constant_of_another_value_is_refused,
    FILE,
    HOISTED,
    [
        (
            "import \"testing\"\n",
            "import \"testing\"\n\nconst full = 99\n"
        ),
        ("\twant := 100\n", ""),
        ("got != want", "got != full"),
        ("got, want)", "got, full)")
    ],
    "assertion-changed",
    ID
);

const IOUTIL: &str = "package pay\n\nimport (\n\t\"io/ioutil\"\n\t\"testing\"\n)\n\n// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tdir, err := ioutil.TempDir(\"\", \"pay\")\n\tif err != nil {\n\t\tt.Fatal(err)\n\t}\n\tgot, _ := ioutil.ReadAll(Receipt(dir))\n\tif string(got) != \"100\" {\n\t\tt.Fatalf(\"refund = %s\", got)\n\t}\n}\n";

// `ioutil`'s functions written as what they call since Go 1.16 (a linter's fix).
harmless!(
    ioutil_written_as_what_it_calls_passes,
    FILE,
    IOUTIL,
    ID,
    [
        ("\t\"io/ioutil\"\n", "\t\"io\"\n\t\"os\"\n"),
        ("ioutil.TempDir(", "os.MkdirTemp("),
        ("ioutil.ReadAll(", "io.ReadAll(")
    ]
);
refuses!(
    ioutil_written_as_another_function_is_refused,
    FILE,
    IOUTIL,
    [
        ("\t\"io/ioutil\"\n", "\t\"io/ioutil\"\n\t\"os\"\n"),
        ("ioutil.TempDir(\"\", \"pay\")", "os.TempDir(), error(nil)")
    ],
    "body-changed",
    ID
);
refuses!(
    ioutil_written_as_a_package_of_the_same_name_from_elsewhere_is_refused,
    FILE,
    IOUTIL,
    [
        (
            "\t\"io/ioutil\"\n",
            "\t\"io/ioutil\"\n\tos \"example.com/fakeos\"\n"
        ),
        ("ioutil.TempDir(", "os.MkdirTemp(")
    ],
    "body-changed",
    ID
);
/// A test that compares with Go's empty interface, which Go 1.18 also names `any`.
const ANY: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tvar got interface{} = Refund(100)\n\tif got != interface{}(100) {\n\t\tt.Fatalf(\"refund = %v\", got)\n\t}\n}\n";

// `gofmt -r 'interface{} -> any'`, as gopls and linters rewrite it: the same type.
harmless!(
    interface_written_as_any_passes,
    FILE,
    ANY,
    ID,
    [
        ("var got interface{} =", "var got any ="),
        ("got != interface{}(100)", "got != any(100)")
    ]
);
refuses!(
    interface_written_as_any_with_another_value_is_refused,
    FILE,
    ANY,
    [
        ("var got interface{} =", "var got any ="),
        ("got != interface{}(100)", "got != any(10)")
    ],
    "expected-changed",
    ID
);
// `any` declared in the test: `var got any` now holds a float64, which no longer equals the
// int the conversion makes.
refuses!(
    interface_written_as_an_any_the_test_declares_is_refused,
    FILE,
    ANY,
    [
        (
            "\tvar got interface{} =",
            "\ttype any = float64\n\tvar got any ="
        ),
        ("got != interface{}(100)", "got != any(100)")
    ],
    "body-changed",
    ID
);

#[test]
fn interface_written_as_an_any_the_package_declares_is_refused() {
    // Declared with the change.
    let l = super::locked(&[(FILE, ANY)]);
    l.repo
        .write("pay/any.go", "package pay\n\ntype any = float64\n");
    l.edit(
        FILE,
        ANY,
        &[
            ("var got interface{} =", "var got any ="),
            ("got != interface{}(100)", "got != any(100)"),
        ],
    );
    l.assert_refused("rebound", ID);
    // Declared before the lock: `interface{}` does not read as `any` in that package.
    let any = "package pay\n\ntype any = float64\n";
    let l = super::locked(&[(FILE, ANY), ("pay/any.go", any)]);
    l.edit(
        FILE,
        ANY,
        &[
            ("var got interface{} =", "var got any ="),
            ("got != interface{}(100)", "got != any(100)"),
        ],
    );
    l.assert_refused("assertion-changed", ID);
}

/// A table of the file and a function of the tests that fills what it is handed, both
/// written with `interface{}`.
const ANY_AROUND: &str = "package pay\n\nimport \"testing\"\n\nvar wanted = map[string]interface{}{\"refund\": 100}\n\ntype decoder struct{}\n\nfunc (d decoder) Decode(v map[string]interface{}) error {\n\tv[\"refund\"] = 100\n\treturn nil\n}\n\n// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tgot := map[string]interface{}{}\n\t_ = decoder{}.Decode(got)\n\tif got[\"refund\"] != wanted[\"refund\"] {\n\t\tt.Fatal(\"refund\")\n\t}\n}\n";

// The table and the function around the test respelled too (viper's `3d006fe`).
harmless!(
    interface_written_as_any_around_the_test_passes,
    FILE,
    ANY_AROUND,
    ID,
    [
        (
            "var wanted = map[string]interface{}{",
            "var wanted = map[string]any{"
        ),
        (
            "Decode(v map[string]interface{}) error",
            "Decode(v map[string]any) error"
        ),
        ("got := map[string]interface{}{}", "got := map[string]any{}")
    ]
);
refuses!(
    a_table_around_the_test_respelled_with_another_value_is_refused,
    FILE,
    ANY_AROUND,
    [(
        "var wanted = map[string]interface{}{\"refund\": 100}",
        "var wanted = map[string]any{\"refund\": 10}"
    )],
    "rebound",
    ID
);

/// The lock the previous gatekeeper wrote for `ANY`: `interface{}` as written.
const ANY_PREVIOUS_LOCK: &str = "# gatekeeper sacred lock v1
# Written by `gatekeeper sacred lock`; do not edit by hand. In CI, a change to this file is
# accepted only in a commit signed by a key in .gatekeeper/allowed_signers.

test go:pay/refund_test.go::TestRefundIsExact
  file pay/refund_test.go
  structure 8f912f6c2f53e80f304834389dedb80fa9a31a72fb1c9c8f6ccfcca8a26fcff7
  body d16fde4f1f4bab853a3ac91db635f674f8e5d2c5474a97e5a398f85a674208ac
  envelope f648eb9d3295163946a7f6ec4a19884d1729aa3dd62cab364fa081fbba0d1b1e
  assertions 1
  returns 0
  skips 0
  swallows 0
  modifier package pay
  assert [if_statement] if _l1!=interface{}(100) => t.Fatalf(\"refund = %v\",_l1)
  statements 3ec3ddeef4e6 d79e0cdc6af1
  bindings 2
  binding func TestRefundIsExact
  binding import testing \"testing\"
  envelope-bindings 0
  helpers 0
  hooks 0
  hooks-read 15
";

/// A lock from before `interface{}` read as `any` still matches the test as written (an
/// appended check passes) and still refuses another value.
#[test]
fn a_lock_from_before_interface_read_as_any_still_matches_it() {
    let l = super::locked(&[(FILE, ANY)]);
    l.commit_lock(ANY_PREVIOUS_LOCK);
    l.edit(
        FILE,
        ANY,
        &[(
            "\t\tt.Fatalf(\"refund = %v\", got)\n\t}\n",
            "\t\tt.Fatalf(\"refund = %v\", got)\n\t}\n\tif got == nil {\n\t\tt.Fatal(\"nil\")\n\t}\n",
        )],
    );
    l.assert_passes_checked();
    l.edit(FILE, ANY, &[("interface{}(100)", "interface{}(10)")]);
    l.assert_refused("assertion-changed", ID);
}

const IOUTIL_PARAM: &str = "package pay\n\nimport (\n\t\"io/ioutil\"\n\t\"testing\"\n)\n\n// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tgot, _ := func(io fakeIO) ([]byte, error) { return ioutil.ReadAll(Receipt()) }(fakeIO{})\n\tif string(got) != \"100\" {\n\t\tt.Fatalf(\"refund = %s\", got)\n\t}\n}\n";

// `io` there is a parameter, not the package: `io.ReadAll` is not what `ioutil.ReadAll` calls.
refuses!(
    ioutil_written_as_a_parameter_of_the_package_name_is_refused,
    FILE,
    IOUTIL_PARAM,
    [
        ("\t\"io/ioutil\"\n", "\t\"io\"\n"),
        ("return ioutil.ReadAll(", "return io.ReadAll(")
    ],
    "body-changed",
    ID
);

/// The lock the previous gatekeeper wrote for `IOUTIL`: `ioutil.X` as written.
const IOUTIL_PREVIOUS_LOCK: &str = "# gatekeeper sacred lock v1
# Written by `gatekeeper sacred lock`; do not edit by hand. In CI, a change to this file is
# accepted only in a commit signed by a key in .gatekeeper/allowed_signers.

test go:pay/refund_test.go::TestRefundIsExact
  file pay/refund_test.go
  structure 411448dcaf26bfcb9b28778aec29da798e71ab7df4085f5cd608f184813fb72d
  body eb4ec864a917bbd42af6250de46493868e23e03f0e917d8266854b31dc9e0430
  envelope f648eb9d3295163946a7f6ec4a19884d1729aa3dd62cab364fa081fbba0d1b1e
  assertions 2
  returns 0
  skips 0
  swallows 0
  modifier package pay
  assert [if_statement] if _l2!=nil => t.Fatal(_l2)
  assert [if_statement] if string(_l3)!=\"100\" => t.Fatalf(\"refund = %s\",_l3)
  statements bdb5ead9ff1e a4ed8b5a236a 803edfd87b6b 63f6d9a6e0db
  bindings 3
  binding func TestRefundIsExact
  binding import ioutil \"io/ioutil\"
  binding import testing \"testing\"
";

/// A lock from before `ioutil.X` read as what it calls still matches the test as written (an
/// appended check passes) and still refuses another function.
#[test]
fn a_lock_from_before_ioutil_read_as_what_it_calls_still_matches_it() {
    let l = super::locked(&[(FILE, IOUTIL)]);
    l.commit_lock(IOUTIL_PREVIOUS_LOCK);
    l.edit(
        FILE,
        IOUTIL,
        &[(
            "\t\tt.Fatalf(\"refund = %s\", got)\n\t}\n",
            "\t\tt.Fatalf(\"refund = %s\", got)\n\t}\n\tif dir == \"\" {\n\t\tt.Fatal(\"no dir\")\n\t}\n",
        )],
    );
    l.assert_passes_checked();
    l.edit(FILE, IOUTIL, &[("ioutil.ReadAll(", "ioutil.ReadFile(")]);
    l.assert_refused("body-changed", ID);
}

const REPLACE: &str = "package pay\n\nimport (\n\t\"strings\"\n\t\"testing\"\n)\n\n// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tpath := strings.Replace(Receipt(), \" \", \"-\", -1)\n\tif strings.Replace(path, \"-\", \"_\", -1) != \"refund_100\" {\n\t\tt.Fatalf(\"receipt = %s\", path)\n\t}\n}\n";

// `strings.Replace(…, -1)` written as `strings.ReplaceAll(…)` (what a linter asks), in a
// statement and in an assertion.
harmless!(
    replace_with_minus_one_written_as_replace_all_passes,
    FILE,
    REPLACE,
    ID,
    [
        (
            "strings.Replace(Receipt(), \" \", \"-\", -1)",
            "strings.ReplaceAll(Receipt(), \" \", \"-\")"
        ),
        (
            "strings.Replace(path, \"-\", \"_\", -1)",
            "strings.ReplaceAll(path, \"-\", \"_\")"
        )
    ]
);
refuses!(
    replace_with_another_count_written_as_replace_all_is_refused,
    FILE,
    REPLACE,
    [(
        "strings.Replace(path, \"-\", \"_\", -1)",
        "strings.Replace(path, \"-\", \"_\", 1)"
    )],
    "assertion-changed",
    ID
);
refuses!(
    replace_all_of_a_package_from_elsewhere_is_refused,
    FILE,
    REPLACE,
    [
        (
            "\t\"strings\"\n",
            "\tstd \"strings\"\n\tstrings \"example.com/fakestrings\"\n"
        ),
        (
            "strings.Replace(Receipt(), \" \", \"-\", -1)",
            "strings.ReplaceAll(Receipt(), \" \", \"-\")"
        ),
        (
            "strings.Replace(path, \"-\", \"_\", -1)",
            "strings.ReplaceAll(path, \"-\", \"_\")"
        )
    ],
    "assertion-loosened",
    ID
);

const REPLACE_PARAM: &str = "package pay\n\nimport (\n\t\"strings\"\n\t\"testing\"\n)\n\n// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tpath := func(strings fakeStrings) string { return strings.Replace(Receipt(), \" \", \"-\", -1) }(fakeStrings{})\n\tif path != \"refund-100\" {\n\t\tt.Fatalf(\"receipt = %s\", path)\n\t}\n}\n";

// `strings` there is a parameter: its `Replace(…, -1)` is not the standard `ReplaceAll`.
refuses!(
    replace_all_on_a_parameter_of_the_package_name_is_refused,
    FILE,
    REPLACE_PARAM,
    [(
        "strings.Replace(Receipt(), \" \", \"-\", -1)",
        "strings.ReplaceAll(Receipt(), \" \", \"-\")"
    )],
    "body-changed",
    ID
);

const SUBTESTS: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tfor _, tt := range cases {\n\t\tt.Run(tt.name, func(t *testing.T) {\n\t\t\tflags.Set(\"currency\", tt.currency)\n\t\t\tif got := Refund(tt.amount); got != tt.want {\n\t\t\t\tt.Errorf(\"Refund = %d, want %d\", got, tt.want)\n\t\t\t}\n\t\t})\n\t}\n}\n";

// A call inside a subtest handed to a helper with the context (golangci-lint's errcheck fix):
// it still runs as it did.
harmless!(
    a_call_in_a_subtest_wrapped_in_a_helper_with_t_passes,
    FILE,
    SUBTESTS,
    ID,
    [(
        "\t\t\tflags.Set(\"currency\", tt.currency)\n",
        "\t\t\tassertNoErr(t, flags.Set(\"currency\", tt.currency))\n"
    )]
);
refuses!(
    another_call_in_a_subtest_wrapped_in_a_helper_is_refused,
    FILE,
    SUBTESTS,
    [(
        "\t\t\tflags.Set(\"currency\", tt.currency)\n",
        "\t\t\tassertNoErr(t, flags.Set(\"currency\", \"EUR\"))\n"
    )],
    "body-changed",
    ID
);
refuses!(
    a_call_in_a_subtest_deferred_in_a_helper_is_refused,
    FILE,
    SUBTESTS,
    [(
        "\t\t\tflags.Set(\"currency\", tt.currency)\n",
        "\t\t\tdefer assertNoErr(t, flags.Set(\"currency\", tt.currency))\n"
    )],
    "body-changed",
    ID
);

// ---- A constant of another file of the package read as its literal (cobra d689184) ----

const FLAGS_FILE: &str = "pay/flags_test.go";
const FLAGS_ID: &str = "go:pay/flags_test.go::TestPrefixMatching";
const FLAGS: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestPrefixMatching(t *testing.T) {\n\tEnablePrefixMatching = true\n\tif Find(\"ch\") != \"child\" {\n\t\tt.Fatal(\"no prefix match\")\n\t}\n\tEnablePrefixMatching = false\n}\n";
const FLAGS_NOW: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestPrefixMatching(t *testing.T) {\n\tEnablePrefixMatching = true\n\tif Find(\"ch\") != \"child\" {\n\t\tt.Fatal(\"no prefix match\")\n\t}\n\tEnablePrefixMatching = defaultPrefixMatching\n}\n";

/// `FLAGS` locked beside `pay/pay.go`, then the test reading `defaultPrefixMatching`, which
/// `file` declares as `decl` (staged).
fn with_constant(file: &str, decl: &str) -> super::Locked {
    let l = super::locked(&[
        (FLAGS_FILE, FLAGS),
        (
            "pay/pay.go",
            "package pay\n\nvar EnablePrefixMatching = false\n",
        ),
    ]);
    l.repo.write(FLAGS_FILE, FLAGS_NOW);
    l.repo.write(file, decl);
    l
}

#[test]
fn a_literal_written_as_a_constant_of_another_file_of_the_package_passes() {
    let l = with_constant(
        "pay/defaults.go",
        "package pay\n\nconst (\n\tdefaultPrefixMatching = false\n\tdefaultSorting = true\n)\n",
    );
    l.assert_passes_checked();
    // Later, only the constant changes: the package's locked tests are read again, and the
    // test no longer resets what it locked.
    l.repo.write(
        "pay/defaults.go",
        "package pay\n\nconst (\n\tdefaultPrefixMatching = true\n\tdefaultSorting = true\n)\n",
    );
    l.assert_refused("body-changed", FLAGS_ID);
}

#[test]
fn a_constant_of_another_file_that_does_not_read_exactly_as_the_literal_is_refused() {
    for (file, decl) in [
        // Another value.
        (
            "pay/defaults.go",
            "package pay\n\nconst defaultPrefixMatching = true\n",
        ),
        // Typed: not read as a literal.
        (
            "pay/defaults.go",
            "package pay\n\nconst defaultPrefixMatching bool = false\n",
        ),
        // Compiled only on some systems.
        (
            "pay/defaults.go",
            "//go:build linux\n\npackage pay\n\nconst defaultPrefixMatching = false\n",
        ),
        (
            "pay/defaults_windows.go",
            "package pay\n\nconst defaultPrefixMatching = false\n",
        ),
        // Another package: not what the test reads.
        (
            "pay/defaults_test.go",
            "package pay_test\n\nconst defaultPrefixMatching = false\n",
        ),
        // Not a constant.
        (
            "pay/defaults.go",
            "package pay\n\nvar defaultPrefixMatching = false\n",
        ),
        // In a file the go tool ignores.
        (
            "pay/_defaults.go",
            "package pay\n\nconst defaultPrefixMatching = false\n",
        ),
    ] {
        let l = with_constant(file, decl);
        l.assert_refused("body-changed", FLAGS_ID);
    }
}

// ---- A typo fixed in a subtest's name (cobra 4590150) ----

const TABLE_FILE: &str = "cmd/init_test.go";
const TABLE_ID: &str = "go:cmd/init_test.go::TestInit";
const TABLE: &str = "package cmd\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestInit(t *testing.T) {\n\ttests := []struct {\n\t\tname string\n\t\targs []string\n\t}{\n\t\t{name: \"returns error when passing an relative path\", args: []string{\"example.com/p\"}},\n\t}\n\tfor _, tt := range tests {\n\t\tt.Run(tt.name, func(t *testing.T) {\n\t\t\tif initialize(tt.args) == nil {\n\t\t\t\tt.Fatalf(\"%s: expected an error\", tt.name)\n\t\t\t}\n\t\t})\n\t}\n}\n";

harmless!(
    a_typo_fixed_in_a_table_case_name_passes,
    TABLE_FILE,
    TABLE,
    TABLE_ID,
    [("an relative path", "a relative path")]
);
refuses!(
    another_argument_in_the_same_table_case_is_refused,
    TABLE_FILE,
    TABLE,
    [("\"example.com/p\"", "\"example.com/q\"")],
    "body-changed",
    TABLE_ID
);

const TABLE_TEST: &str = "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tfor _, c := range cases {\n\t\tif Total(c.in) != c.want {\n\t\t\tt.Error(\"total\")\n\t\t}\n\t}\n}\n";
const TABLE_CASES: &str = "package billing\n\nvar cases = []struct {\n\tin   []int\n\twant int\n}{\n\t{[]int{1, 2}, 3},\n\t{nil, 0},\n}\n\nvar unrelated = 1\n\nfunc helper() int { return 1 }\n";
const SIBLING_TABLE_ID: &str = "go:billing/total_test.go::TestTotal";

fn table_repo() -> super::Locked {
    super::locked(&[
        ("billing/total_test.go", TABLE_TEST),
        ("billing/cases_test.go", TABLE_CASES),
    ])
}

// A test table another test file of the package declares is locked with the test.
#[test]
fn shortening_a_table_declared_in_another_test_file_is_refused() {
    let l = table_repo();
    l.edit(
        "billing/cases_test.go",
        TABLE_CASES,
        &[("\t{[]int{1, 2}, 3},\n", "")],
    );
    l.assert_refused("rebound", SIBLING_TABLE_ID);
}

// Another test file's `init` runs before every test of the package.
#[test]
fn an_init_in_another_test_file_is_refused() {
    let l = table_repo();
    l.edit(
        "billing/cases_test.go",
        TABLE_CASES,
        &[(
            "var unrelated = 1\n",
            "var unrelated = 1\n\nfunc init() { cases = nil }\n",
        )],
    );
    l.assert_refused("rebound", SIBLING_TABLE_ID);
}

// What the test does not read, and a function's body, may change there.
#[test]
fn other_declarations_of_another_test_file_may_change() {
    let l = table_repo();
    l.edit(
        "billing/cases_test.go",
        TABLE_CASES,
        &[
            ("var unrelated = 1", "var unrelated = 2"),
            (
                "func helper() int { return 1 }",
                "func helper() int { return 2 }",
            ),
        ],
    );
    l.assert_passes();
}

const HELPER_FILE: &str = "pay/total_test.go";
const HELPER_ID: &str = "go:pay/total_test.go::TestTotal";
const HELPER: &str = "package pay\n\nimport \"testing\"\n\nfunc checkTotal(t *testing.T, got int) {\n\tt.Helper()\n\tif got != 6 {\n\t\tt.Errorf(\"total = %d, want 6\", got)\n\t}\n}\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tcheckTotal(t, Total(1, 2, 3))\n}\n";

// A check the test delegates to a helper of its file is one of its checks.
refuses!(
    a_check_helper_that_no_longer_reports_is_refused,
    HELPER_FILE,
    HELPER,
    [(
        "\t\tt.Errorf(\"total = %d, want 6\", got)\n",
        "\t\tt.Logf(\"total = %d, want 6\", got)\n"
    )],
    "rebound",
    HELPER_ID
);

// A check helper another test file of the package declares is one of the test's checks too:
// Go lets the test call it as its own.
const SIBLING_HELPER_TEST: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tcheckTotal(t, Total(1, 2, 3))\n}\n";
const SIBLING_HELPERS: &str = "package pay\n\nimport \"testing\"\n\nfunc checkTotal(t *testing.T, got int) {\n\tt.Helper()\n\texpectEqual(t, got, 6)\n}\n\nfunc expectEqual(t *testing.T, got, want int) {\n\tif got != want {\n\t\tt.Errorf(\"got %d, want %d\", got, want)\n\t}\n}\n\nfunc TestExpectEqual(t *testing.T) {\n\texpectEqual(t, 1, 1)\n}\n";

fn sibling_helper_repo() -> super::Locked {
    super::locked(&[
        ("pay/total_test.go", SIBLING_HELPER_TEST),
        ("pay/helpers_test.go", SIBLING_HELPERS),
    ])
}

#[test]
fn a_check_helper_of_another_test_file_that_no_longer_reports_is_refused() {
    let l = sibling_helper_repo();
    l.edit(
        "pay/helpers_test.go",
        SIBLING_HELPERS,
        &[(
            "\t\tt.Errorf(\"got %d, want %d\", got, want)\n",
            "\t\tt.Logf(\"got %d, want %d\", got, want)\n",
        )],
    );
    l.assert_refused("rebound", HELPER_ID);
}

#[test]
fn a_check_helper_of_another_test_file_that_expects_something_else_is_refused() {
    let l = sibling_helper_repo();
    l.edit(
        "pay/helpers_test.go",
        SIBLING_HELPERS,
        &[("expectEqual(t, got, 6)", "expectEqual(t, got, got)")],
    );
    l.assert_refused("rebound", HELPER_ID);
}

// The helper between them stops calling the one that asserts.
#[test]
fn a_helper_of_another_test_file_that_stops_checking_is_refused() {
    let l = sibling_helper_repo();
    l.edit(
        "pay/helpers_test.go",
        SIBLING_HELPERS,
        &[("\texpectEqual(t, got, 6)\n", "\t_ = got\n")],
    );
    l.assert_refused("rebound", HELPER_ID);
}

// The same helper moved into the test's own file is the same check.
#[test]
fn a_check_helper_moved_between_the_files_of_the_package_passes() {
    let l = sibling_helper_repo();
    let moved = "func expectEqual(t *testing.T, got, want int) {\n\tif got != want {\n\t\tt.Errorf(\"got %d, want %d\", got, want)\n\t}\n}\n\n";
    l.edit("pay/helpers_test.go", SIBLING_HELPERS, &[(moved, "")]);
    l.edit(
        "pay/total_test.go",
        SIBLING_HELPER_TEST,
        &[(
            "// gatekeeper:sacred\n",
            &format!("{moved}// gatekeeper:sacred\n"),
        )],
    );
    l.assert_passes_checked();
}

// What the test does not reach there may change: another test, and a helper it does not call.
#[test]
fn what_the_test_does_not_reach_in_another_test_file_may_change() {
    let l = sibling_helper_repo();
    l.edit(
        "pay/helpers_test.go",
        SIBLING_HELPERS,
        &[
            ("expectEqual(t, 1, 1)", "expectEqual(t, 1, 2)"),
            (
                "func TestExpectEqual",
                "func expectNothing(t *testing.T) {\n\tt.Helper()\n}\n\nfunc TestExpectEqual",
            ),
        ],
    );
    l.assert_passes_checked();
}

// A test file of another package in the same directory (`package pay_test`) is not the
// test's package: its functions are not the test's helpers.
#[test]
fn a_helper_of_the_external_test_package_is_not_the_tests() {
    let l = super::locked(&[
        ("pay/total_test.go", SIBLING_HELPER_TEST),
        ("pay/helpers_test.go", SIBLING_HELPERS),
        (
            "pay/external_test.go",
            "package pay_test\n\nimport \"testing\"\n\nfunc checkTotal(t *testing.T, got int) {\n\tif got != 6 {\n\t\tt.Error(\"total\")\n\t}\n}\n",
        ),
    ]);
    l.edit(
        "pay/external_test.go",
        "package pay_test\n\nimport \"testing\"\n\nfunc checkTotal(t *testing.T, got int) {\n\tif got != 6 {\n\t\tt.Error(\"total\")\n\t}\n}\n",
        &[("t.Error(\"total\")", "t.Log(\"total\")")],
    );
    l.assert_passes_checked();
}

// `err.Error()` reads an error's message: a helper that only builds one is code the test
// exercises, and may change (cobra's `compareFiles`, whose diff for the message gained an
// option). A bare `t.Error()` statement still fails the test.
const MESSAGE_HELPER: &str = "package pay\n\nimport (\n\t\"errors\"\n\t\"testing\"\n)\n\nfunc describe(err error) error {\n\treturn errors.New(\"total: \" + err.Error())\n}\n\nfunc fail(t *testing.T) {\n\tt.Error()\n}\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tif err := Check(Total(1, 2, 3)); err != nil {\n\t\tt.Fatal(describe(err))\n\t}\n\tif Total(1) != 1 {\n\t\tfail(t)\n\t}\n}\n";

harmless!(
    a_helper_that_only_reads_an_errors_message_may_change,
    HELPER_FILE,
    MESSAGE_HELPER,
    HELPER_ID,
    [("\"total: \"", "\"the total: \"")]
);
refuses!(
    a_helper_whose_bare_t_error_is_gone_is_refused,
    HELPER_FILE,
    MESSAGE_HELPER,
    [("\tt.Error()\n", "\tt.Log()\n")],
    "rebound",
    HELPER_ID
);

// A check helper of a package of the tests' own code (`internal/testutil`), imported by the
// module path `go.mod` declares, is one of the test's checks.
const TESTUTIL_ID: &str = "go:pay/total_test.go::TestTotal";
const TESTUTIL_TEST: &str = "package pay\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/internal/testutil\"\n)\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\ttestutil.CheckTotal(t, Total(1, 2, 3))\n}\n";
const TESTUTIL: &str = "package testutil\n\nimport \"testing\"\n\nfunc CheckTotal(t testing.TB, got int) {\n\tt.Helper()\n\tExpectEqual(t, got, 6)\n}\n\nfunc ExpectEqual(t testing.TB, got, want int) {\n\tif got != want {\n\t\tt.Errorf(\"got %d, want %d\", got, want)\n\t}\n}\n\nfunc Unrelated(t testing.TB, x int) {\n\tif x == 0 {\n\t\tt.Error(\"zero\")\n\t}\n}\n";

/// A module `example.com/shop` with `pay/total_test.go` (`test`), `pay.Total`, and the
/// files of its testutil package (`util`).
fn testutil_files<'a>(test: &'a str, util: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut files = vec![
        ("go.mod", "module example.com/shop\n\ngo 1.22\n"),
        ("pay/total_test.go", test),
        (
            "pay/total.go",
            "package pay\n\nfunc Total(xs ...int) int {\n\tn := 0\n\tfor _, x := range xs {\n\t\tn += x\n\t}\n\treturn n\n}\n",
        ),
    ];
    files.extend_from_slice(util);
    files
}

fn testutil_repo() -> super::Locked {
    super::locked(&testutil_files(
        TESTUTIL_TEST,
        &[("internal/testutil/check.go", TESTUTIL)],
    ))
}

#[test]
fn a_check_helper_of_a_testutil_package_that_checks_less_is_refused() {
    let l = testutil_repo();
    l.edit(
        "internal/testutil/check.go",
        TESTUTIL,
        &[("\tif got != want {\n", "\tif got == want+1 {\n")],
    );
    l.assert_refused("rebound", TESTUTIL_ID);
}

#[test]
fn what_a_test_does_not_reach_in_a_testutil_package_may_change() {
    let l = testutil_repo();
    l.edit(
        "internal/testutil/check.go",
        TESTUTIL,
        &[("\t\tt.Error(\"zero\")\n", "\t\t_ = x\n")],
    );
    l.assert_passes_checked();
}

// A package of the module outside the test directories (`checks`): a function of it that
// takes a testing handle (`checks.Total(t, got, 6)`, a method of `checks.Checker`) is test
// code, read as a testutil package's check helper is, with the functions of its package it
// reaches; one that takes none (`checks.Describe`, `checks.Amount`'s method, `pay.Total`) is
// code the test exercises.
const CHECKS_ID: &str = "go:pay/total_test.go::TestTotal";
const CHECKS_TEST: &str = "package pay_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/checks\"\n\t\"example.com/shop/pay\"\n)\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tchecks.Total(t, pay.Total(1, 2, 3), 6)\n\tif checks.Describe(6) == \"\" {\n\t\tt.Error(\"no name\")\n\t}\n\tif (checks.Amount{N: 3}).Double() != 6 {\n\t\tt.Error(\"double\")\n\t}\n\tchecks.Checker{Want: 6}.Total(t, pay.Total(1, 2, 3))\n}\n";
const CHECKS: &str = "package checks\n\nimport \"testing\"\n\nfunc Total(t *testing.T, got, want int) {\n\tt.Helper()\n\tif !same(got, want) {\n\t\tt.Errorf(\"got %d, want %d\", got, want)\n\t}\n}\n\nfunc same(a, b int) bool {\n\treturn a == b\n}\n\nfunc Describe(x int) string {\n\treturn \"amount\"\n}\n\nfunc Positive(t testing.TB, x int) {\n\tif x <= 0 {\n\t\tt.Error(\"not positive\")\n\t}\n}\n\ntype Amount struct {\n\tN int\n}\n\nfunc (a Amount) Double() int {\n\treturn a.N * 2\n}\n\ntype Checker struct {\n\tWant int\n}\n\nfunc (c Checker) Total(t *testing.T, got int) {\n\tt.Helper()\n\tif got != c.Want {\n\t\tt.Errorf(\"got %d, want %d\", got, c.Want)\n\t}\n}\n";

fn checks_repo() -> super::Locked {
    super::locked(&testutil_files(
        CHECKS_TEST,
        &[("checks/checks.go", CHECKS)],
    ))
}

#[test]
fn a_check_helper_of_a_package_outside_the_test_directories_that_checks_less_is_refused() {
    for (from, to) in [
        (
            "\t\tt.Errorf(\"got %d, want %d\", got, want)\n",
            "\t\tt.Logf(\"got %d, want %d\", got, want)\n",
        ),
        // A function of its package the helper reaches, though it takes no testing handle.
        ("\treturn a == b\n", "\treturn true\n"),
        // A method of a type of the package that takes one.
        ("\tif got != c.Want {\n", "\tif got == c.Want+1 {\n"),
    ] {
        let l = checks_repo();
        l.edit("checks/checks.go", CHECKS, &[(from, to)]);
        l.assert_refused("rebound", CHECKS_ID);
    }
}

#[test]
fn what_a_test_does_not_reach_as_a_check_in_a_package_outside_the_test_directories_may_change() {
    for (file, base, from, to) in [
        // A function the test calls that takes no testing handle: code under test.
        (
            "checks/checks.go",
            CHECKS,
            "\treturn \"amount\"\n",
            "\treturn \"an amount\"\n",
        ),
        // A check helper the test does not call.
        (
            "checks/checks.go",
            CHECKS,
            "\t\tt.Error(\"not positive\")\n",
            "\t\t_ = x\n",
        ),
        // A method of a type whose methods take no testing handle.
        (
            "checks/checks.go",
            CHECKS,
            "\treturn a.N * 2\n",
            "\treturn a.N + a.N\n",
        ),
    ] {
        let l = checks_repo();
        l.edit(file, base, &[(from, to)]);
        l.assert_passes_checked();
    }
    // The package under test, which the test calls through its name too.
    let l = checks_repo();
    let total = "package pay\n\nfunc Total(xs ...int) int {\n\tn := 0\n\tfor _, x := range xs {\n\t\tn += x\n\t}\n\treturn n\n}\n";
    l.edit(
        "pay/total.go",
        total,
        &[("\t\tn += x\n", "\t\tn = n + x\n")],
    );
    l.assert_passes();
}

// What a testutil package runs as the test binary starts (`func init()`, a `var` whose value
// calls) runs before every test; the rest of the package is read as check helpers are.
const TESTUTIL_START: &str = "package testutil\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nvar checks = map[string]int{}\n\nfunc init() {\n\tchecks[\"total\"] = 6\n}\n\nfunc init() {\n\tsetUp()\n}\n\nvar ready = prepare()\n\nfunc setUp() {\n\tos.Setenv(\"TZ\", \"UTC\")\n}\n\nfunc prepare() bool {\n\treturn true\n}\n\nfunc CheckTotal(t testing.TB, got int) {\n\tt.Helper()\n\tExpectEqual(t, got, 6)\n}\n\nfunc CheckNamed(t testing.TB, name string, got int) {\n\tt.Helper()\n\tExpectEqual(t, got, wanted(name))\n}\n\nfunc wanted(name string) int {\n\treturn checks[name]\n}\n\nfunc ExpectEqual(t testing.TB, got, want int) {\n\tif got != want {\n\t\tt.Errorf(\"got %d, want %d\", got, want)\n\t}\n}\n\nfunc Unrelated(x int) int {\n\treturn x\n}\n";

fn testutil_start_repo(test: &str) -> super::Locked {
    super::locked(&testutil_files(
        test,
        &[("internal/testutil/check.go", TESTUTIL_START)],
    ))
}

#[test]
fn a_function_a_testutil_init_calls_that_changes_is_refused() {
    let l = testutil_start_repo(TESTUTIL_TEST);
    l.edit(
        "internal/testutil/check.go",
        TESTUTIL_START,
        &[(
            "\tos.Setenv(\"TZ\", \"UTC\")\n",
            "\tos.Setenv(\"TZ\", \"EST\")\n",
        )],
    );
    l.assert_refused("rebound", TESTUTIL_ID);
}

#[test]
fn a_function_a_testutil_var_calls_that_changes_is_refused() {
    let l = testutil_start_repo(TESTUTIL_TEST);
    l.edit(
        "internal/testutil/check.go",
        TESTUTIL_START,
        &[(
            "\treturn true\n",
            "\tos.Args = os.Args[:1]\n\treturn true\n",
        )],
    );
    l.assert_refused("rebound", TESTUTIL_ID);
}

#[test]
fn an_unrelated_function_of_a_testutil_package_that_runs_code_at_start_may_change() {
    let l = testutil_start_repo(TESTUTIL_TEST);
    l.edit(
        "internal/testutil/check.go",
        TESTUTIL_START,
        &[("\treturn x\n", "\treturn x + 1\n")],
    );
    l.assert_passes_checked();
}

#[test]
fn removing_an_init_of_a_testutil_package_passes() {
    let l = testutil_start_repo(TESTUTIL_TEST);
    l.edit(
        "internal/testutil/check.go",
        TESTUTIL_START,
        &[("func init() {\n\tsetUp()\n}\n\n", "")],
    );
    l.assert_passes_checked();
}

// An `init` that only fills its own package's registry reaches only the tests that read it.
#[test]
fn a_testutil_init_filling_a_registry_the_test_does_not_read_may_change() {
    let l = testutil_start_repo(TESTUTIL_TEST);
    l.edit(
        "internal/testutil/check.go",
        TESTUTIL_START,
        &[("\tchecks[\"total\"] = 6\n", "\tchecks[\"total\"] = 7\n")],
    );
    l.assert_passes_checked();
}

#[test]
fn a_testutil_init_filling_a_registry_the_test_reads_is_refused() {
    let test = TESTUTIL_TEST.replace(
        "testutil.CheckTotal(t, Total(1, 2, 3))",
        "testutil.CheckNamed(t, \"total\", Total(1, 2, 3))",
    );
    let l = testutil_start_repo(&test);
    l.edit(
        "internal/testutil/check.go",
        TESTUTIL_START,
        &[("\tchecks[\"total\"] = 6\n", "\tchecks[\"total\"] = 7\n")],
    );
    l.assert_refused("rebound", TESTUTIL_ID);
}

// A file added to a testutil package the test imports brings the test into the check.
#[test]
fn an_init_in_a_new_file_of_a_testutil_package_is_refused() {
    let l = testutil_repo();
    l.repo.write(
        "internal/testutil/zz.go",
        "package testutil\n\nimport \"os\"\n\nfunc init() {\n\tos.Args = append(os.Args, \"-test.run=^TestOther$\")\n}\n",
    );
    l.assert_refused("rebound", TESTUTIL_ID);
}

// Under a lock of an earlier reading (no lines for what a testutil package runs as the test
// binary starts), a change to that package brings the test into the check, and the base
// revision's `init` decides.
#[test]
fn under_an_earlier_lock_a_changed_testutil_init_is_refused() {
    let l = testutil_start_repo(TESTUTIL_TEST);
    l.commit_lock_of_an_earlier_reading("hook imported package");
    l.edit(
        "internal/testutil/check.go",
        TESTUTIL_START,
        &[(
            "\tos.Setenv(\"TZ\", \"UTC\")\n",
            "\tos.Setenv(\"TZ\", \"EST\")\n",
        )],
    );
    l.assert_refused("rebound", TESTUTIL_ID);
    let l = testutil_start_repo(TESTUTIL_TEST);
    l.commit_lock_of_an_earlier_reading("hook imported package");
    l.edit(
        "internal/testutil/check.go",
        TESTUTIL_START,
        &[("\treturn x\n", "\treturn x + 1\n")],
    );
    l.assert_passes_checked();
}

// The code under test that now writes the test binary's command line (where `go test` puts
// its `-test.run` filter) may keep any test from running; reading it changes nothing.
#[test]
fn code_under_test_that_now_sets_a_test_flag_is_refused() {
    let l = testutil_repo();
    l.repo.write(
        "pay/flags.go",
        "package pay\n\nimport \"flag\"\n\nfunc init() {\n\t_ = flag.Set(\"test.run\", \"^TestOther$\")\n}\n",
    );
    l.assert_refused("rebound", TESTUTIL_ID);
}

// The code under test that now asks whether it runs in a test binary (`testing.Testing()`,
// `flag.Lookup("test.v")`) can answer right only under test; a flag of its own passes.
#[test]
fn code_under_test_that_now_tells_a_test_binary_is_refused() {
    for (imports, body) in [
        (
            "\"testing\"",
            "\tif testing.Testing() {\n\t\treturn 6\n\t}\n",
        ),
        ("t \"testing\"", "\tif t.Testing() {\n\t\treturn 6\n\t}\n"),
        (
            "\"flag\"",
            "\tif flag.Lookup(\"test.v\") != nil {\n\t\treturn 6\n\t}\n",
        ),
    ] {
        let l = testutil_repo();
        l.repo.write(
            "pay/mode.go",
            format!(
                "package pay\n\nimport {imports}\n\nfunc Mode() int {{\n{body}\treturn 0\n}}\n"
            ),
        );
        l.assert_refused("rebound", TESTUTIL_ID);
    }
    let l = testutil_repo();
    l.repo.write(
        "pay/mode.go",
        "package pay\n\nimport \"flag\"\n\nfunc Mode() bool {\n\treturn flag.Lookup(\"verbose\") != nil\n}\n",
    );
    l.assert_passes_checked();
}

#[test]
fn code_under_test_that_reads_its_command_line_passes() {
    let l = testutil_repo();
    l.repo.write(
        "pay/name.go",
        "package pay\n\nimport (\n\t\"flag\"\n\t\"os\"\n)\n\nvar set = flag.CommandLine.Name()\n\nfunc Name() string {\n\tif len(os.Args) == 0 {\n\t\treturn \"\"\n\t}\n\treturn os.Args[0]\n}\n",
    );
    l.assert_passes_checked();
}

// A function of a testutil package whose value an assertion compares decides what is
// compared, and so does every function of its package it calls, asserting or not.
#[test]
fn a_function_a_compared_testutil_function_calls_is_locked() {
    let test = "package pay\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/internal/testutil\"\n)\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tif Total(1, 2, 3) != testutil.Expected() {\n\t\tt.Error(\"wrong total\")\n\t}\n}\n";
    let util = "package testutil\n\nfunc norm(x int) int {\n\treturn x\n}\n\nfunc Expected() int {\n\treturn norm(6)\n}\n\nfunc Unrelated() int {\n\treturn 1\n}\n";
    let files = [
        ("go.mod", "module example.com/shop\n\ngo 1.22\n"),
        ("pay/total_test.go", test),
        (
            "pay/total.go",
            "package pay\n\nfunc Total(xs ...int) int {\n\tn := 0\n\tfor _, x := range xs {\n\t\tn += x\n\t}\n\treturn n\n}\n",
        ),
        ("internal/testutil/expected.go", util),
    ];
    let l = super::locked(&files);
    l.edit(
        "internal/testutil/expected.go",
        util,
        &[("\treturn x\n", "\treturn x + 1\n")],
    );
    l.assert_refused("rebound", TESTUTIL_ID);
    let l = super::locked(&files);
    l.edit(
        "internal/testutil/expected.go",
        util,
        &[("\treturn 1\n", "\treturn 2\n")],
    );
    l.assert_passes_checked();
}

// The methods of a helper type of the test's file are one check helper of the type's name.
#[test]
fn a_helper_types_method_that_checks_less_is_refused() {
    let test = "package billing\n\nimport \"testing\"\n\ntype checker struct {\n\tt *testing.T\n}\n\nfunc (c *checker) check(x int) {\n\tif x != 6 {\n\t\tc.t.Errorf(\"got %d\", x)\n\t}\n}\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tc := &checker{t}\n\tc.check(Total([]int{1, 2, 3}))\n}\n";
    let files = [(STARTS_FILE, test), ("tests/billing/total.go", TOTAL_GO)];
    let l = super::locked(&files);
    l.edit(
        STARTS_FILE,
        test,
        &[("\tif x != 6 {\n", "\tif x == -1 {\n")],
    );
    l.assert_refused("rebound", STARTS_ID);
}

// A file of the package's `testdata`, also in a subdirectory of it (one per case, or per
// command), is what its tests compare with: rewriting it (`go test -update` after the code
// broke) or deleting it is refused; a new one may be added.
#[test]
fn rewriting_or_deleting_a_golden_file_is_refused() {
    for name in ["total.golden", "cases/small/total.golden"] {
        let test = format!(
            "package billing\n\nimport (\n\t\"os\"\n\t\"strconv\"\n\t\"testing\"\n)\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {{\n\twant, _ := os.ReadFile(\"testdata/{name}\")\n\tif strconv.Itoa(Total([]int{{1, 2, 3}})) != string(want) {{\n\t\tt.Fatal(\"bad\")\n\t}}\n}}\n"
        );
        let golden = format!("tests/billing/testdata/{name}");
        let files = [
            (STARTS_FILE, test.as_str()),
            ("tests/billing/total.go", TOTAL_GO),
            (golden.as_str(), "6"),
        ];
        let l = super::locked(&files);
        l.repo.write(&golden, "7");
        l.assert_refused("rebound", STARTS_ID);
        let l = super::locked(&files);
        std::fs::remove_file(l.repo.path(&golden)).unwrap();
        l.assert_refused("rebound", STARTS_ID);
        let l = super::locked(&files);
        l.repo
            .write("tests/billing/testdata/cases/big/other.golden", "1");
        l.edit(
            STARTS_FILE,
            &test,
            &[("\tif strconv", "\t// the total\n\tif strconv")],
        );
        l.assert_passes_checked();
    }
}

// Under a lock written by an earlier reading, which did not read `testdata`'s
// subdirectories, a golden file there that the base revision had is not new: rewriting it
// is refused, though the lock does not name it.
#[test]
fn under_a_lock_of_an_earlier_reading_a_golden_file_of_a_subdirectory_is_not_new() {
    let test = "package billing\n\nimport (\n\t\"os\"\n\t\"strconv\"\n\t\"testing\"\n)\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\twant, _ := os.ReadFile(\"testdata/cases/total.golden\")\n\tif strconv.Itoa(Total([]int{1, 2, 3})) != string(want) {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n";
    let golden = "tests/billing/testdata/cases/total.golden";
    let files = [
        (STARTS_FILE, test),
        ("tests/billing/total.go", TOTAL_GO),
        (golden, "6"),
    ];
    let earlier = |l: &super::Locked| l.commit_lock_of_an_earlier_reading(golden);
    let l = super::locked(&files);
    earlier(&l);
    l.repo.write(golden, "7");
    l.assert_refused("rebound", STARTS_ID);
    let l = super::locked(&files);
    earlier(&l);
    l.edit(
        STARTS_FILE,
        test,
        &[("\tif strconv", "\t// the total\n\tif strconv")],
    );
    l.assert_passes_checked();
}

// The assertion library comes from where the module's requirements say: a `replace` of its
// module (to a local fake whose `assert.Equal` passes anything) or an edited vendored copy
// is refused; a version bump passes.
#[test]
fn an_assertion_library_replaced_or_edited_in_vendor_is_refused() {
    let test = "package billing\n\nimport (\n\t\"testing\"\n\n\t\"github.com/stretchr/testify/assert\"\n)\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tassert.Equal(t, 6, Total([]int{1, 2, 3}))\n}\n";
    let gomod =
        "module example.com/shop\n\ngo 1.21\n\nrequire github.com/stretchr/testify v1.8.4\n";
    let vendored = "vendor/github.com/stretchr/testify/assert/assertions.go";
    let equal = "package assert\n\nfunc Equal(t TestingT, expected, actual interface{}, msgAndArgs ...interface{}) bool {\n\treturn ObjectsAreEqual(expected, actual) || Fail(t, \"not equal\")\n}\n";
    let files = [
        ("go.mod", gomod),
        ("tests/billing/total_test.go", test),
        ("tests/billing/total.go", TOTAL_GO),
        (vendored, equal),
        (
            "vendor/modules.txt",
            "# github.com/stretchr/testify v1.8.4\n## explicit\ngithub.com/stretchr/testify/assert\n",
        ),
    ];
    let id = "go:tests/billing/total_test.go::TestTotal";
    let l = super::locked(&files);
    l.edit(
        "go.mod",
        gomod,
        &[(
            "v1.8.4\n",
            "v1.8.4\n\nreplace github.com/stretchr/testify => ./fake/testify\n",
        )],
    );
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.edit(
        vendored,
        equal,
        &[(
            "ObjectsAreEqual(expected, actual) || Fail(t, \"not equal\")",
            "true",
        )],
    );
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.edit("go.mod", gomod, &[("v1.8.4", "v1.9.0")]);
    l.assert_passes();
}

/// What a Go test file runs as its package starts: `init` as written, and the functions a
/// package-level variable or `init` calls.
const STARTS: &str = "package billing\n\nimport \"testing\"\n\nfunc init() {\n\tsetup()\n}\n\nfunc setup() {\n\t_ = 1\n}\n\nfunc helper() int {\n\treturn 1\n}\n\nfunc TestTotal(t *testing.T) {\n\tif Total([]int{1, 2, 3}) != 6 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n";
const STARTS_FILE: &str = "tests/billing/total_test.go";
const STARTS_ID: &str = "go:tests/billing/total_test.go::TestTotal";
const TOTAL_GO: &str = "package billing\n\nvar Total = func(xs []int) int {\n\ts := 0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n";

fn starts_locked() -> super::Locked {
    super::locked(&[
        (STARTS_FILE, STARTS),
        ("tests/billing/total.go", TOTAL_GO),
        ("go.mod", "module x\n\ngo 1.21\n"),
    ])
}

#[test]
fn code_run_as_the_go_package_starts_is_locked() {
    let patch = "Total = func(xs []int) int { return 6 }";
    for (from, to) in [
        // The body of `init`, and of what it calls.
        (
            "func init() {\n\tsetup()\n}",
            format!("func init() {{\n\t{patch}\n}}"),
        ),
        (
            "func setup() {\n\t_ = 1\n}",
            format!("func setup() {{\n\t{patch}\n}}"),
        ),
        // A package-level variable that calls a function literal or the file's function.
        (
            "\nfunc TestTotal",
            format!("var _ = func() int {{\n\t{patch}\n\treturn 0\n}}()\n\nfunc TestTotal"),
        ),
        (
            "\nfunc TestTotal",
            format!(
                "func patch() int {{\n\t{patch}\n\treturn 0\n}}\n\nvar _ = patch()\n\nfunc TestTotal"
            ),
        ),
    ] {
        let l = starts_locked();
        l.edit(STARTS_FILE, STARTS, &[(from, to.as_str())]);
        l.assert_refused("rebound", STARTS_ID);
    }
    // A function nothing runs as the package starts may change.
    let l = starts_locked();
    l.edit(STARTS_FILE, STARTS, &[("\treturn 1\n", "\treturn 2\n")]);
    l.assert_passes_checked();
}

/// Under a lock that holds `init` by its name only (written before it was locked as
/// written), an `init` as the base revision had it passes, and a rewritten one does not.
#[test]
fn a_lock_holding_init_by_name_still_checks_its_body() {
    let sibling = "package billing\n\nfunc init() {\n\t_ = 2\n}\n";
    let l = super::locked(&[
        (STARTS_FILE, STARTS),
        ("tests/billing/init_test.go", sibling),
        ("tests/billing/total.go", TOTAL_GO),
        ("go.mod", "module x\n\ngo 1.21\n"),
    ]);
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    let older: String = lock
        .lines()
        .map(|line| match line.split_once("func init(") {
            Some((head, _)) => format!("{head}func init\n"),
            None => format!("{line}\n"),
        })
        .collect();
    assert_ne!(older, lock, "the lock holds no `init` as written");
    l.commit_lock(&older);
    l.edit(STARTS_FILE, STARTS, &[("\treturn 1\n", "\treturn 2\n")]);
    l.assert_passes_checked();
    l.edit(
        "tests/billing/init_test.go",
        sibling,
        &[("\t_ = 2\n", "\tTotal = func(xs []int) int { return 6 }\n")],
    );
    l.assert_refused("rebound", STARTS_ID);
}

/// An `init` of another test file reaches the tests that read what it changes (cobra
/// `02a0d2f`: `rootCmd.AddCommand(printCmd, echoCmd, dummyCmd)` in `doc/cmd_test.go`), read
/// by the test itself or through a helper of the package it calls.
#[test]
fn an_init_reaches_the_tests_that_read_what_it_changes() {
    let shared = "package billing\n\nvar registry = map[string]int{}\n\nfunc init() {\n\tregistry[\"a\"] = 1\n}\n\nfunc lookup(k string) int {\n\treturn registry[k]\n}\n";
    let tests = "package billing\n\nimport \"testing\"\n\nfunc TestTotal(t *testing.T) {\n\tif Total([]int{1, 2, 3}) != 6 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n\nfunc TestLookup(t *testing.T) {\n\tif lookup(\"a\") != 1 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n";
    let lookup_id = "go:tests/billing/total_test.go::TestLookup";
    let files = [
        (STARTS_FILE, tests),
        ("tests/billing/shared_test.go", shared),
        ("tests/billing/total.go", TOTAL_GO),
        ("go.mod", "module x\n\ngo 1.21\n"),
    ];
    // A test that reads nothing the init changes: the init may change.
    let l = super::locked(&files);
    l.edit(
        "tests/billing/shared_test.go",
        shared,
        &[(
            "\tregistry[\"a\"] = 1\n",
            "\tregistry[\"a\"] = 1\n\tregistry[\"b\"] = 2\n",
        )],
    );
    let out = l.check_staged();
    crate::common::assert_code(&out, 1, "check --staged");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines()
            .any(|l| l == format!("refused: {lookup_id} [rebound]")),
        "{err}"
    );
    assert!(!err.contains("TestTotal"), "{err}");
    // One that patches the code under test reaches every test that reads it.
    let l = super::locked(&files);
    l.edit(
        "tests/billing/shared_test.go",
        shared,
        &[(
            "\tregistry[\"a\"] = 1\n",
            "\tregistry[\"a\"] = 1\n\tTotal = func(xs []int) int { return 6 }\n",
        )],
    );
    l.assert_refused("rebound", STARTS_ID);
}

// A helper the test calls that skips it (`t.Skip`) or ends the process (`os.Exit(0)`) stops
// the test before its checks: refused.
#[test]
fn a_helper_the_test_calls_that_skips_is_refused() {
    let test = "package billing\n\nimport \"testing\"\n\nfunc amounts(t *testing.T) []int {\n\treturn []int{1, 2, 3}\n}\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\txs := amounts(t)\n\tif Total(xs) != 6 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n";
    for to in [
        "\tt.Skip(\"later\")\n\treturn []int{1, 2, 3}\n",
        "\tos.Exit(0)\n\treturn nil\n",
    ] {
        let l = super::locked(&[(STARTS_FILE, test), ("tests/billing/total.go", TOTAL_GO)]);
        l.edit(STARTS_FILE, test, &[("\treturn []int{1, 2, 3}\n", to)]);
        l.assert_refused("rebound", STARTS_ID);
    }
}

// Checks folded into a loop over a slice literal (`for _, v := range []struct{…}{…}`) are the
// same checks of the same values, written out per element: that passes, with the expected
// value now a constant of the package. An element dropped or changed, or one that leaves the
// compared field out, is refused.
const HOOKS: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestHooks(t *testing.T) {\n\tpre, run := Hooks(\"one\", \"two\")\n\tif pre != \"one two\" {\n\t\tt.Errorf(\"pre = %q\", pre)\n\t}\n\tif run != \"one two\" {\n\t\tt.Errorf(\"run = %q\", run)\n\t}\n}\n";
const HOOKS_ID: &str = "go:pay/hooks_test.go::TestHooks";
const HOOKS_LOOP: &str = "\tfor _, v := range []struct {\n\t\tname string\n\t\tgot  string\n\t}{\n\t\t{\"pre\", pre},\n\t\t{\"run\", run},\n\t} {\n\t\tif v.got != onetwo {\n\t\t\tt.Errorf(\"Expected %s %q, got %q\", v.name, onetwo, v.got)\n\t\t}\n\t}\n}\n";

#[test]
fn checks_folded_into_a_loop_over_a_literal_table_pass() {
    let folded = |loop_text: &str| {
        let head = HOOKS.split("\tif pre").next().unwrap().to_owned();
        format!("{head}{loop_text}\nconst onetwo = \"one two\"\n")
    };
    let l = super::locked(&[("pay/hooks_test.go", HOOKS)]);
    l.repo.write("pay/hooks_test.go", folded(HOOKS_LOOP));
    l.assert_passes_checked();
    for changed in [
        HOOKS_LOOP.replace("\t\t{\"run\", run},\n", ""),
        HOOKS_LOOP.replace("{\"run\", run}", "{\"run\", pre}"),
        HOOKS_LOOP
            .replace("{\"run\", run}", "{name: \"run\"}")
            .replace("{\"pre\", pre}", "{name: \"pre\", got: pre}"),
        HOOKS_LOOP.replace("v.got != onetwo", "v.got != onetwo && v.name == \"\""),
    ] {
        let l = super::locked(&[("pay/hooks_test.go", HOOKS)]);
        l.repo.write("pay/hooks_test.go", folded(&changed));
        let out = l.check_staged();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&format!("refused: {HOOKS_ID}")),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

const ROWS: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRefunds(t *testing.T) {\n\ttests := []struct {\n\t\tamount int\n\t\twant   int\n\t}{\n\t\t{100, 100},\n\t\t{0, 0},\n\t}\n\tfor _, tt := range tests {\n\t\tif got := Refund(tt.amount); got != tt.want {\n\t\t\tt.Errorf(\"Refund(%d) = %d, want %d\", tt.amount, got, tt.want)\n\t\t}\n\t}\n}\n";
const ROWS_ID: &str = "go:pay/table_test.go::TestRefunds";
harmless!(
    a_row_added_to_a_table_the_test_ranges_over_passes,
    "pay/table_test.go",
    ROWS,
    ROWS_ID,
    [("\t\t{0, 0},\n", "\t\t{0, 0},\n\t\t{7, 7},\n")]
);
const ROWS_SKIP: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRefunds(t *testing.T) {\n\ttests := []struct {\n\t\tamount int\n\t\twant   int\n\t}{\n\t\t{100, 100},\n\t\t{0, 0},\n\t}\n\tfor _, tt := range tests {\n\t\tif tt.amount < 0 {\n\t\t\tt.Skip(\"negative\")\n\t\t}\n\t\tif got := Refund(tt.amount); got != tt.want {\n\t\t\tt.Errorf(\"Refund(%d) = %d, want %d\", tt.amount, got, tt.want)\n\t\t}\n\t}\n}\n";
refuses!(
    a_row_added_where_the_loop_can_skip_the_test_is_refused,
    "pay/table_test.go",
    ROWS_SKIP,
    [("\t\t{100, 100},\n", "\t\t{-1, 0},\n\t\t{100, 100},\n")],
    "body-changed",
    ROWS_ID
);

// The helpers run for what they write only: their values reach no assertion (one whose value
// does is locked as written, see `flow`).
const GO_HELPER: &str = r#"package pay

import (
	"testing"

	"example.com/shop/tax"
)

type order struct{ amount int }

func newOrder(o *order) int {
	total := 0
	o.amount = 100
	total += o.amount
	return total
}

// gatekeeper:sacred
func TestRefundIsExact(t *testing.T) {
	o := &order{}
	newOrder(o)
	if got := Refund(100); got != 100 {
		t.Fatalf("refund = %d, want 100", got)
	}
	_ = tax.Rate
}
"#;
// A helper that fills what it is handed and its own locals may change.
harmless!(
    a_helper_filling_what_it_is_handed_passes,
    FILE,
    GO_HELPER,
    ID,
    [(
        "\ttotal += o.amount\n",
        "\ttotal += o.amount\n\ttotal *= 1\n"
    )]
);
// One setting a package variable the code under test reads is refused, the test untouched.
refuses!(
    a_helper_setting_a_package_variable_is_refused,
    FILE,
    GO_HELPER,
    [("\to.amount = 100\n", "\to.amount = 100\n\ttax.Rate = 0\n")],
    "rebound",
    ID
);
// Or one writing through a pointer to it taken on the way.
refuses!(
    a_helper_writing_through_a_pointer_to_a_package_variable_is_refused,
    FILE,
    GO_HELPER,
    [(
        "\to.amount = 100\n",
        "\to.amount = 100\n\tp := &tax.Config\n\tp.Rate = 0\n"
    )],
    "rebound",
    ID
);

const GO_HELPER_TYPE: &str = r#"package pay

import (
	"testing"

	"example.com/shop/tax"
)

type builder struct{ base int }

func (b builder) half() int {
	return b.base / 2
}

func (b builder) amount() int {
	return b.base
}

// gatekeeper:sacred
func TestRefundBuilt(t *testing.T) {
	b := builder{100}
	b.amount()
	if got := Refund(100); got != 100 {
		t.Fatalf("refund = %d, want 100", got)
	}
	_ = tax.Rate
}
"#;
const TYPE_ID: &str = "go:pay/refund_test.go::TestRefundBuilt";
// A helper type's methods are read as one helper: any of them setting a package variable
// locks it, not only the first.
refuses!(
    a_later_method_of_a_helper_type_setting_a_package_variable_is_refused,
    FILE,
    GO_HELPER_TYPE,
    [("\treturn b.base\n", "\ttax.Rate = 0\n\treturn b.base\n")],
    "rebound",
    TYPE_ID
);
// The first one did lock it.
refuses!(
    the_first_method_of_a_helper_type_setting_a_package_variable_is_refused,
    FILE,
    GO_HELPER_TYPE,
    [(
        "\treturn b.base / 2\n",
        "\ttax.Rate = 0\n\treturn b.base / 2\n"
    )],
    "rebound",
    TYPE_ID
);
// Its own state may change.
harmless!(
    a_method_of_a_helper_type_changing_only_its_value_passes,
    FILE,
    GO_HELPER_TYPE,
    TYPE_ID,
    [("\treturn b.base\n", "\tb.base += 0\n\treturn b.base\n")]
);
// A pointer-receiver method that sets the value it is called on (a `pflag.Value`'s `Set`)
// writes its own state.
harmless!(
    a_method_of_a_helper_type_setting_its_receiver_passes,
    FILE,
    GO_HELPER_TYPE,
    TYPE_ID,
    [(
        "\treturn b.base\n}\n",
        "\treturn b.base\n}\n\nfunc (b *builder) reset() {\n\t*b = builder{}\n}\n"
    )]
);

/// A check helper of a testutil package exported as another name of a function (`var
/// CheckTotal = checkTotal`, found by an attack round and confirmed with `go test`): the
/// function it names is locked; a comment passes.
#[test]
fn a_testutil_helper_exported_as_a_variable_is_locked() {
    let util = "package testutil\n\nimport \"testing\"\n\nvar CheckTotal = checkTotal\n\nfunc checkTotal(t testing.TB, got int) {\n\tt.Helper()\n\tif got != 6 {\n\t\tt.Errorf(\"got %d\", got)\n\t}\n}\n";
    let files = testutil_files(TESTUTIL_TEST, &[("internal/testutil/check.go", util)]);
    let l = super::locked(&files);
    l.edit(
        "internal/testutil/check.go",
        util,
        &[("got != 6", "got < 6")],
    );
    l.assert_refused("rebound", "go:pay/total_test.go::TestTotal");
    let l = super::locked(&files);
    l.edit(
        "internal/testutil/check.go",
        util,
        &[("\tif got != 6", "\t// the total\n\tif got != 6")],
    );
    l.assert_passes();
}

/// A method of a type of a testutil package the test builds (`testutil.Checker{Want:
/// 6}.Total(t, got)`, found by an attack round and confirmed with `go test`): the type's
/// methods are locked as one helper.
#[test]
fn a_testutil_type_whose_method_checks_less_is_refused() {
    let test = "package pay\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/internal/testutil\"\n)\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\ttestutil.Checker{Want: 6}.Total(t, Total(1, 2, 3))\n}\n";
    let util = "package testutil\n\nimport \"testing\"\n\ntype Checker struct {\n\tWant int\n}\n\nfunc (c Checker) Total(t *testing.T, got int) {\n\tif got != c.Want {\n\t\tt.Fatalf(\"got %d\", got)\n\t}\n}\n";
    let files = testutil_files(test, &[("internal/testutil/check.go", util)]);
    let l = super::locked(&files);
    l.edit(
        "internal/testutil/check.go",
        util,
        &[("got != c.Want", "got < c.Want")],
    );
    l.assert_refused("rebound", "go:pay/total_test.go::TestTotal");
}

/// A method a testutil type gets from a struct it embeds (`Checker` embeds `Base`, whose
/// `Total` the test calls as `testutil.Checker{Want: 6}.Total(t, got)`; found by an attack
/// round, confirmed with `go test`): the embedded type's methods are locked.
#[test]
fn a_method_promoted_from_an_embedded_struct_is_locked() {
    let test = "package pay\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/internal/testutil\"\n)\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\ttestutil.Checker{Want: 6}.Total(t, Total(1, 2, 3))\n}\n";
    let checker = "package testutil\n\ntype Checker struct {\n\tBase\n\tWant int\n}\n";
    let base = "package testutil\n\nimport \"testing\"\n\ntype Base struct{}\n\nfunc (b Base) Total(t *testing.T, got int) {\n\tif got != 6 {\n\t\tt.Fatalf(\"got %d\", got)\n\t}\n}\n";
    let files = testutil_files(
        test,
        &[
            ("internal/testutil/check.go", checker),
            ("internal/testutil/base.go", base),
        ],
    );
    let l = super::locked(&files);
    l.edit(
        "internal/testutil/base.go",
        base,
        &[("got != 6", "got < 6")],
    );
    l.assert_refused("rebound", "go:pay/total_test.go::TestTotal");
}

/// A test refused for what another file of its package's `init` now does stays refused when
/// its file is read once more with its own text rewritten (its table loop written out per
/// row, a helper's call written out): that reading is of the file alone, and answers only
/// what its body says.
#[test]
fn a_rewritten_reading_of_the_file_does_not_answer_another_files_init() {
    let sibling = "package billing\n\nfunc init() {\n\t_ = 2\n}\n";
    for test in [
        "package billing\n\nimport \"testing\"\n\nfunc TestTotal(t *testing.T) {\n\tfor _, c := range []struct {\n\t\txs   []int\n\t\twant int\n\t}{{[]int{1, 2, 3}, 6}} {\n\t\tif Total(c.xs) != c.want {\n\t\t\tt.Fatal(\"bad\")\n\t\t}\n\t}\n}\n",
        "package billing\n\nimport \"testing\"\n\nfunc check(got int, t *testing.T) {\n\tif got != 6 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n\nfunc TestTotal(t *testing.T) {\n\tcheck(Total([]int{1, 2, 3}), t)\n}\n",
    ] {
        let l = super::locked(&[
            (STARTS_FILE, test),
            ("tests/billing/init_test.go", sibling),
            ("tests/billing/total.go", TOTAL_GO),
            ("go.mod", "module x\n\ngo 1.21\n"),
        ]);
        l.edit(
            "tests/billing/init_test.go",
            sibling,
            &[("\t_ = 2\n", "\tTotal = func(xs []int) int { return 6 }\n")],
        );
        l.assert_refused("rebound", STARTS_ID);
    }
}

/// A method of a test type that embeds `*testing.T` takes the place of the embedded one for
/// every test of the package: `func (c checker) Errorf(…)` that only logs, added in another
/// test file or in the test's own, turns the locked `c.Errorf` into a log (found by an
/// attack round, confirmed with `go test`). A method of a type that embeds nothing, in the
/// type's own file, is a helper like any other: adding one the test does not call passes.
#[test]
fn a_method_taking_the_place_of_an_embedded_one_is_refused() {
    let test = "package billing\n\nimport \"testing\"\n\ntype checker struct{ *testing.T }\n\ntype cart struct{ items []int }\n\n// gatekeeper:sacred\nfunc TestVat(t *testing.T) {\n\tc := checker{t}\n\tif Vat(100) != 20 {\n\t\tc.Errorf(\"vat = %d, want 20\", Vat(100))\n\t}\n}\n";
    let files = [
        ("go.mod", "module example.com/shop\n\ngo 1.19\n"),
        (
            "billing/vat.go",
            "package billing\n\nfunc Vat(x int) int { return x / 5 }\n",
        ),
        ("tests/billing/vat_test.go", test),
    ];
    let id = "go:tests/billing/vat_test.go::TestVat";
    let quiet =
        "func (c checker) Errorf(format string, args ...interface{}) { c.Logf(format, args...) }\n";
    let l = super::locked(&files);
    l.repo.write(
        "tests/billing/report_test.go",
        format!("package billing\n\n{quiet}"),
    );
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.repo
        .write("tests/billing/vat_test.go", format!("{test}\n{quiet}"));
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.repo.write(
        "tests/billing/vat_test.go",
        format!("{test}\nfunc (c cart) size() int {{ return len(c.items) }}\n"),
    );
    l.assert_passes();
}

// A file a test file of the package embeds (`//go:embed golden/total.txt`, outside
// `testdata`) holds what the test compares with: rewriting it (found by an attack round,
// confirmed with `go test`) is refused, as a `testdata` file's rewrite is. A file beside it
// that no directive names may change.
#[test]
fn a_file_a_test_embeds_is_locked() {
    let test = "package billing\n\nimport (\n\t_ \"embed\"\n\t\"strconv\"\n\t\"testing\"\n)\n\n//go:embed golden/total.txt\nvar wantTotal string\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tif got := strconv.Itoa(Total(1, 2, 3)); got != wantTotal {\n\t\tt.Errorf(\"got %s\", got)\n\t}\n}\n";
    let files = [
        ("go.mod", "module example.com/shop\n\ngo 1.19\n"),
        (
            "billing/total.go",
            "package billing\n\nfunc Total(xs ...int) int {\n\tn := 0\n\tfor _, x := range xs {\n\t\tn += x\n\t}\n\treturn n\n}\n",
        ),
        ("billing/total_test.go", test),
        ("billing/golden/total.txt", "6"),
        ("billing/golden/notes.md", "how the totals were computed\n"),
    ];
    let id = "go:billing/total_test.go::TestTotal";
    let l = super::locked(&files);
    l.repo.write("billing/golden/total.txt", "0");
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.repo.write(
        "billing/golden/notes.md",
        "how the totals were computed, again\n",
    );
    l.assert_passes();
}

// The name a Go import binds comes from the imported package's own `package` clause; an import
// without a name binds what Go's tools assume from its path: the last element, or the one
// before a major version, without a `go-` prefix, up to a `.` (`gopkg.in/yaml.v3` → `yaml`).
const IMPORTS_FILE: &str = "pay/imports_test.go";
const IMPORTS_ID: &str = "go:pay/imports_test.go::TestDecodedAmount";
const IMPORTS: &str = r#"package pay

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"gopkg.in/yaml.v3"
)

// gatekeeper:sacred
func TestDecodedAmount(t *testing.T) {
	var got map[string]int
	_ = yaml.Unmarshal([]byte("a: 1"), &got)
	assert.Equal(t, 1, Refund(got["a"]))
}
"#;
const TESTIFY: &str = "\t\"github.com/stretchr/testify/assert\"\n";
const YAML: &str = "\t\"gopkg.in/yaml.v3\"\n";

refuses!(
    an_assertion_package_swapped_for_a_major_version_path_is_refused,
    IMPORTS_FILE,
    IMPORTS,
    [(TESTIFY, "\t\"example.com/fake/assert/v2\"\n")],
    "rebound",
    IMPORTS_ID
);
refuses!(
    an_assertion_package_swapped_for_a_dot_version_path_is_refused,
    IMPORTS_FILE,
    IMPORTS,
    [(TESTIFY, "\t\"gopkg.in/fake/assert.v1\"\n")],
    "rebound",
    IMPORTS_ID
);
refuses!(
    an_assertion_package_swapped_for_one_declaring_its_name_elsewhere_is_refused,
    IMPORTS_FILE,
    IMPORTS,
    // `example.com/fake/zzz` may say `package assert`: `assert` is bound by no import
    // gatekeeper can name.
    [(TESTIFY, "\t\"example.com/fake/zzz\"\n")],
    "rebound",
    IMPORTS_ID
);
refuses!(
    a_dot_versioned_package_swapped_is_refused,
    IMPORTS_FILE,
    IMPORTS,
    [(YAML, "\t\"example.com/fake/go-yaml\"\n")],
    "rebound",
    IMPORTS_ID
);
passes!(
    naming_an_import_by_the_name_it_binds_passes,
    IMPORTS_FILE,
    IMPORTS,
    [
        (TESTIFY, "\tassert \"github.com/stretchr/testify/assert\"\n"),
        (YAML, "\tyaml \"gopkg.in/yaml.v3\"\n")
    ]
);
passes!(
    an_import_added_beside_them_passes,
    IMPORTS_FILE,
    IMPORTS,
    [(
        YAML,
        "\t\"gopkg.in/yaml.v3\"\n\t\"github.com/mattn/go-sqlite3\"\n"
    )]
);

#[test]
fn the_lock_holds_the_name_a_versioned_import_binds() {
    let l = super::locked(&[(IMPORTS_FILE, IMPORTS)]);
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    assert!(
        lock.contains("  binding import yaml \"gopkg.in/yaml.v3\"\n"),
        "{lock}"
    );
}

/// A lock written before an import's name was read from a versioned path: no line for
/// `yaml`, and `hooks-read 14`.
fn under_a_lock_without_the_versioned_import() -> super::Locked {
    let l = super::locked(&[(IMPORTS_FILE, IMPORTS)]);
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    let older = lock
        .replace("  binding import yaml \"gopkg.in/yaml.v3\"\n", "")
        .replace("  hooks-read 16\n", "  hooks-read 14\n");
    assert_ne!(older, lock);
    l.commit_lock(&older);
    l
}

#[test]
fn under_an_older_lock_an_unchanged_versioned_import_passes() {
    let l = under_a_lock_without_the_versioned_import();
    l.edit(
        IMPORTS_FILE,
        IMPORTS,
        &[(
            "\tassert.Equal(t, 1, Refund(got[\"a\"]))\n",
            "\tassert.Equal(t, 1, Refund(got[\"a\"]))\n\tassert.Positive(t, got[\"a\"])\n",
        )],
    );
    l.assert_passes();
}

#[test]
fn under_an_older_lock_a_versioned_import_swapped_is_refused() {
    let l = under_a_lock_without_the_versioned_import();
    l.edit(
        IMPORTS_FILE,
        IMPORTS,
        &[(YAML, "\t\"example.com/fake/yaml.v9\"\n")],
    );
    l.assert_refused("rebound", IMPORTS_ID);
}

// Locked while `assert` came from an import gatekeeper cannot name (its package declares
// `package assert`): the lock holds no binding for `assert`, and an import that now binds it
// by its path replaces that one.
refuses!(
    an_import_replacing_one_gatekeeper_could_not_name_is_refused,
    IMPORTS_FILE,
    &IMPORTS.replace(TESTIFY, "\t\"example.com/checks/zzz\"\n"),
    [(
        "\t\"example.com/checks/zzz\"\n",
        "\t\"example.com/fake/assert\"\n"
    )],
    "rebound",
    IMPORTS_ID
);
// A new import for a new check binds a name the test did not use: it shadows nothing.
passes!(
    an_import_for_an_added_check_passes,
    IMPORTS_FILE,
    IMPORTS,
    [
        (
            YAML,
            "\t\"gopkg.in/yaml.v3\"\n\t\"github.com/google/go-cmp/cmp\"\n"
        ),
        (
            "\tassert.Equal(t, 1, Refund(got[\"a\"]))\n",
            "\tassert.Equal(t, 1, Refund(got[\"a\"]))\n\tif d := cmp.Diff(1, got[\"a\"]); d != \"\" {\n\t\tt.Error(d)\n\t}\n"
        )
    ]
);

// `example.com/checks/zzz` says `package assert`: its assumed name, `zzz`, qualifies nothing
// in the file, so it binds a name gatekeeper cannot tell, and is locked with every test that
// uses a qualifier no other import names.
const UNSEEN: &str = "\t\"example.com/checks/zzz\"\n";
fn unseen_imports() -> String {
    IMPORTS.replace(TESTIFY, UNSEEN)
}

#[test]
fn the_lock_holds_an_import_whose_name_it_cannot_tell() {
    let l = super::locked(&[(IMPORTS_FILE, &unseen_imports())]);
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    assert!(
        lock.contains("  binding import zzz \"example.com/checks/zzz\"\n"),
        "{lock}"
    );
}

refuses!(
    an_import_gatekeeper_cannot_name_swapped_for_another_such_is_refused,
    IMPORTS_FILE,
    &unseen_imports(),
    [(UNSEEN, "\t\"example.com/fake/qqq\"\n")],
    "rebound",
    IMPORTS_ID
);
refuses!(
    an_import_gatekeeper_cannot_name_given_a_misleading_name_is_refused,
    IMPORTS_FILE,
    &unseen_imports(),
    // An alias the file does not use does not compile; `zzz` now qualifies nothing.
    [(UNSEEN, "\t\"example.com/fake/zzz/v3\"\n")],
    "rebound",
    IMPORTS_ID
);
harmless!(
    a_check_added_beside_an_import_gatekeeper_cannot_name_passes,
    IMPORTS_FILE,
    &unseen_imports(),
    IMPORTS_ID,
    [(
        "\tassert.Equal(t, 1, Refund(got[\"a\"]))\n",
        "\tassert.Equal(t, 1, Refund(got[\"a\"]))\n\tassert.Positive(t, got[\"a\"])\n"
    )]
);

#[test]
fn an_import_gatekeeper_cannot_name_replaced_by_a_declaration_is_refused() {
    // `assert` now comes from the code under test, which nothing locks.
    let l = super::locked(&[(IMPORTS_FILE, &unseen_imports())]);
    l.edit(IMPORTS_FILE, &unseen_imports(), &[(UNSEEN, "")]);
    l.repo.write(
        "pay/assert.go",
        "package pay\n\ntype lenient struct{}\n\nfunc (lenient) Equal(_ any, _ ...any) bool { return true }\n\nvar assert lenient\n",
    );
    l.assert_refused("rebound", IMPORTS_ID);
}

/// A lock written before an import whose name gatekeeper cannot tell was locked: no line for
/// it, and `hooks-read 15`.
fn under_a_lock_without_the_unseen_import() -> super::Locked {
    let l = super::locked(&[(IMPORTS_FILE, &unseen_imports())]);
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    let older = lock
        .replace("  binding import zzz \"example.com/checks/zzz\"\n", "")
        .replace("  hooks-read 16\n", "  hooks-read 15\n");
    assert_ne!(older, lock);
    l.commit_lock(&older);
    l
}

#[test]
fn under_an_older_lock_an_unchanged_import_gatekeeper_cannot_name_passes() {
    let l = under_a_lock_without_the_unseen_import();
    l.edit(
        IMPORTS_FILE,
        &unseen_imports(),
        &[(
            "\tassert.Equal(t, 1, Refund(got[\"a\"]))\n",
            "\tassert.Equal(t, 1, Refund(got[\"a\"]))\n\tassert.Positive(t, got[\"a\"])\n",
        )],
    );
    l.assert_passes();
}

#[test]
fn under_an_older_lock_an_import_gatekeeper_cannot_name_swapped_is_refused() {
    let l = under_a_lock_without_the_unseen_import();
    l.edit(
        IMPORTS_FILE,
        &unseen_imports(),
        &[(UNSEEN, "\t\"example.com/fake/qqq\"\n")],
    );
    l.assert_refused("rebound", IMPORTS_ID);
}

// Go compiles a package's files as one: another test file renamed with the same declarations
// (viper's `viper_yaml3_test.go` → `viper_yaml_test.go`) changes nothing a test reads, unless
// the new name limits which builds compile it.
fn table_file_renamed(to: &str, content: &str) -> super::Locked {
    let l = table_repo();
    l.repo.git(&["mv", "billing/cases_test.go", to]);
    l.repo.write(to, content);
    l
}

#[test]
fn another_test_file_renamed_with_its_declarations_passes() {
    let l = table_file_renamed("billing/table_test.go", TABLE_CASES);
    l.assert_passes();
}

#[test]
fn another_test_file_renamed_for_one_platform_is_refused() {
    for to in [
        "billing/cases_linux_test.go",
        "billing/cases_arm64_test.go",
        "billing/_cases_test.go",
    ] {
        let l = table_file_renamed(to, TABLE_CASES);
        l.assert_refused("rebound", SIBLING_TABLE_ID);
    }
}

#[test]
fn another_test_file_renamed_with_a_declaration_changed_is_refused() {
    let l = table_file_renamed(
        "billing/table_test.go",
        &TABLE_CASES.replace("\t{[]int{1, 2}, 3},\n", ""),
    );
    l.assert_refused("rebound", SIBLING_TABLE_ID);
}

#[test]
fn a_test_table_moved_into_the_code_under_test_is_refused() {
    // A file that is not a test file is compiled into every build of the package.
    let l = table_file_renamed("billing/cases.go", TABLE_CASES);
    l.assert_refused("rebound", SIBLING_TABLE_ID);
}

// Which builds compile a declaration another test file holds: that file's build constraint
// is locked with the tests that read its declarations.
fn tagged_table_repo(constraint: &str) -> super::Locked {
    super::locked(&[
        ("billing/total_test.go", TABLE_TEST),
        (
            "billing/cases_test.go",
            &format!("//go:build {constraint}\n\n{TABLE_CASES}"),
        ),
    ])
}

#[test]
fn the_lock_holds_the_build_constraint_of_a_file_a_test_reads() {
    let l = tagged_table_repo("!slow");
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    assert!(
        lock.contains("  envelope-binding hook go build (in billing/cases_test.go): !slow\n"),
        "{lock}"
    );
}

#[test]
fn a_build_constraint_of_a_file_a_test_reads_changed_or_removed_is_refused() {
    for to in ["//go:build slow\n", "//go:build !slow && linux\n", ""] {
        let l = tagged_table_repo("!slow");
        let old = format!("//go:build !slow\n\n{TABLE_CASES}");
        l.edit("billing/cases_test.go", &old, &[("//go:build !slow\n", to)]);
        l.assert_refused("rebound", SIBLING_TABLE_ID);
    }
}

#[test]
fn a_build_constraint_added_to_a_file_a_test_reads_is_refused() {
    let l = table_repo();
    l.edit(
        "billing/cases_test.go",
        TABLE_CASES,
        &[(
            "package billing\n",
            "//go:build ignore\n\npackage billing\n",
        )],
    );
    l.assert_refused("rebound", SIBLING_TABLE_ID);
}

#[test]
fn a_file_a_test_reads_renamed_with_its_build_constraint_passes() {
    let l = tagged_table_repo("!slow");
    l.repo
        .git(&["mv", "billing/cases_test.go", "billing/table_test.go"]);
    l.assert_passes();
}

#[test]
fn tables_under_opposite_build_constraints_swapped_are_refused() {
    // The default build compiled the full table; after the swap it compiles the short one,
    // every declaration still written as locked.
    let short = TABLE_CASES.replace("\t{[]int{1, 2}, 3},\n", "");
    let l = super::locked(&[
        ("billing/total_test.go", TABLE_TEST),
        (
            "billing/cases_test.go",
            &format!("//go:build !slow\n\n{TABLE_CASES}"),
        ),
        (
            "billing/short_test.go",
            &format!("//go:build slow\n\n{short}"),
        ),
    ]);
    l.repo.write(
        "billing/cases_test.go",
        format!("//go:build slow\n\n{TABLE_CASES}"),
    );
    l.repo.write(
        "billing/short_test.go",
        format!("//go:build !slow\n\n{short}"),
    );
    l.assert_refused("rebound", SIBLING_TABLE_ID);
}
