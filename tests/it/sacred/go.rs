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
