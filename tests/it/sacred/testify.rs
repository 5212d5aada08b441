//! Go checks respelled with testify (`if err != nil { t.Fatal(err) }` → `require.NoError(t,
//! err)`): a call that fails at least wherever the `if` failed keeps the locked check; a
//! weaker one, another import under the name, or an `if` that bound what it checked is
//! refused.

const FILE: &str = "pay/refund_test.go";
const ID: &str = "go:pay/refund_test.go::TestRefundIsExact";

const BASE: &str = r#"package pay

import (
	"errors"
	"testing"
)

// gatekeeper:sacred
func TestRefundIsExact(t *testing.T) {
	got, err := Refund(100)
	if err != nil {
		t.Fatalf("refund: %v", err)
	}
	if got != 100 {
		t.Errorf("refund = %d, want 100", got)
	}
	if len(Lines()) != 2 {
		t.Fatal("two lines")
	}
	if !errors.Is(Check(-1), ErrInsufficient) {
		t.Fatal("insufficient")
	}
	t.Run("zero", func(t *testing.T) {
		if _, err := Refund(0); err == nil {
			t.Fatal("zero refunded")
		}
		if Total() != 0 {
			t.Error("total")
		}
	})
}
"#;

const IMPORTS: (&str, &str) = (
    "import (\n\t\"errors\"\n\t\"testing\"\n)\n",
    "import (\n\t\"testing\"\n\n\t\"github.com/stretchr/testify/assert\"\n\t\"github.com/stretchr/testify/require\"\n)\n",
);
/// testify's `require` imported, `errors` kept (the other checks still use it); each import
/// is used, as Go requires.
const ADDED: (&str, &str) = (
    "import (\n\t\"errors\"\n\t\"testing\"\n)\n",
    "import (\n\t\"errors\"\n\t\"testing\"\n\n\t\"github.com/stretchr/testify/require\"\n)\n",
);
/// The same with testify's `assert`.
const ADDED_ASSERT: (&str, &str) = (
    "import (\n\t\"errors\"\n\t\"testing\"\n)\n",
    "import (\n\t\"errors\"\n\t\"testing\"\n\n\t\"github.com/stretchr/testify/assert\"\n)\n",
);
const NO_ERROR: (&str, &str) = (
    "\tif err != nil {\n\t\tt.Fatalf(\"refund: %v\", err)\n\t}\n",
    "\trequire.NoError(t, err, \"refund\")\n",
);
const EQUAL: (&str, &str) = (
    "\tif got != 100 {\n\t\tt.Errorf(\"refund = %d, want 100\", got)\n\t}\n",
    "\tassert.Equal(t, 100, got)\n",
);
const LEN: (&str, &str) = (
    "\tif len(Lines()) != 2 {\n\t\tt.Fatal(\"two lines\")\n\t}\n",
    "\trequire.Len(t, Lines(), 2)\n",
);
const ERROR_IS: (&str, &str) = (
    "\tif !errors.Is(Check(-1), ErrInsufficient) {\n\t\tt.Fatal(\"insufficient\")\n\t}\n",
    "\trequire.ErrorIs(t, Check(-1), ErrInsufficient)\n",
);
const IN_SUBTEST: (&str, &str) = (
    "\t\tif Total() != 0 {\n\t\t\tt.Error(\"total\")\n\t\t}\n",
    "\t\tassert.Equal(t, 0, Total())\n",
);

harmless!(
    if_checks_respelled_as_testify_calls_are_the_same_checks,
    FILE,
    BASE,
    ID,
    [
        (IMPORTS.0, IMPORTS.1),
        (NO_ERROR.0, NO_ERROR.1),
        (EQUAL.0, EQUAL.1),
        (LEN.0, LEN.1),
        (ERROR_IS.0, ERROR_IS.1),
        (IN_SUBTEST.0, IN_SUBTEST.1)
    ]
);

harmless!(
    a_comparison_handed_to_true_is_the_same_check,
    FILE,
    BASE,
    ID,
    [
        (
            IMPORTS.0,
            "import (\n\t\"errors\"\n\t\"testing\"\n\n\t\"github.com/stretchr/testify/assert\"\n)\n"
        ),
        (EQUAL.0, "\tassert.True(t, got == 100, \"refund\")\n")
    ]
);

// `Nil` passes a nil pointer inside an interface that `err != nil` failed on.
refuses!(
    nil_for_an_error_check_is_refused,
    FILE,
    BASE,
    [(ADDED.0, ADDED.1), (NO_ERROR.0, "\trequire.Nil(t, err)\n")],
    "assertion-loosened",
    ID
);

// `Equal` with two names compares pointers' targets where `!=` compared addresses.
refuses!(
    equal_between_two_names_for_an_if_is_refused,
    FILE,
    BASE,
    [
        (ADDED_ASSERT.0, ADDED_ASSERT.1),
        (
            "\tgot, err := Refund(100)\n",
            "\twant := 100\n\tgot, err := Refund(100)\n"
        ),
        (EQUAL.0, "\tassert.Equal(t, want, got)\n")
    ],
    "assertion-changed",
    ID
);

refuses!(
    another_value_is_refused,
    FILE,
    BASE,
    [
        (ADDED_ASSERT.0, ADDED_ASSERT.1),
        (EQUAL.0, "\tassert.Equal(t, 10, got)\n")
    ],
    "assertion-changed",
    ID
);

// `require` imported from another package: its `NoError` may check nothing.
refuses!(
    require_from_another_package_is_refused,
    FILE,
    BASE,
    [
        (
            IMPORTS.0,
            "import (\n\t\"errors\"\n\t\"testing\"\n\n\trequire \"example.com/fake/require\"\n)\n"
        ),
        (NO_ERROR.0, NO_ERROR.1)
    ],
    "assertion-loosened",
    ID
);

// The subtest's `if` bound `err` itself: `Refund(0)` must still be what is checked.
refuses!(
    an_if_that_bound_what_it_checked_is_refused,
    FILE,
    BASE,
    [
        (ADDED.0, ADDED.1),
        (
            "\t\tif _, err := Refund(0); err == nil {\n\t\t\tt.Fatal(\"zero refunded\")\n\t\t}\n",
            "\t\trequire.Error(t, err)\n"
        )
    ],
    "assertion-changed",
    ID
);

// Moved under a condition, or past a statement that changes what it checks.
refuses!(
    respelled_under_a_condition_is_refused,
    FILE,
    BASE,
    [
        (ADDED.0, ADDED.1),
        (
            NO_ERROR.0,
            "\tif got > 0 {\n\t\trequire.NoError(t, err)\n\t}\n"
        )
    ],
    "assertion-loosened",
    ID
);

#[test]
fn respelled_after_a_statement_that_changes_what_it_checks_is_refused() {
    let l = super::locked(&[(FILE, BASE)]);
    l.edit(
        FILE,
        BASE,
        &[
            (ADDED.0, ADDED.1),
            (NO_ERROR.0, "\terr = nil\n\trequire.NoError(t, err)\n"),
        ],
    );
    l.assert_staged_refuses(ID, "`err = nil` before the respelled check");
}

/// The lock the previous gatekeeper wrote for `BASE`: each `if` check fingerprinted with
/// its condition.
const PREVIOUS_LOCK: &str = "# gatekeeper sacred lock v1
# Written by `gatekeeper sacred lock`; do not edit by hand. In CI, a change to this file is
# accepted only in a commit signed by a key in .gatekeeper/allowed_signers.

test go:pay/refund_test.go::TestRefundIsExact
  file pay/refund_test.go
  structure 13768cd8abd6fe9ab4e1496f48660a81c0576879f15963ebe23429630f690ea5
  body f3275fd545d68864cc930885bb01169af5aef90bdbf3ac4e9594213b81d83e9d
  envelope f648eb9d3295163946a7f6ec4a19884d1729aa3dd62cab364fa081fbba0d1b1e
  assertions 6
  returns 0
  skips 0
  swallows 0
  modifier package pay
  assert [if_statement] if _l2!=nil => t.Fatalf(\"refund: %v\",_l2)
  assert [if_statement] if _l1!=100 => t.Errorf(\"refund = %d, want 100\",_l1)
  assert [if_statement] if len(Lines())!=2 => t.Fatal(\"two lines\")
  assert [if_statement] if !errors.Is(Check(-1),ErrInsufficient) => t.Fatal(\"insufficient\")
  assert [func_literal>if_statement] if _l2==nil => t.Fatal(\"zero refunded\")
  assert [func_literal>if_statement] if Total()!=0 => t.Error(\"total\")
  statements f6b29eb31a23 e1fa1f306a3d c23eb171161f b504131462c3 8c97eeb411b5 3c4efc58a15e
  bindings 3
  binding func TestRefundIsExact
  binding import errors \"errors\"
  binding import testing \"testing\"
  envelope-bindings 0
  helpers 0
  hooks 0
  hooks-read 16
";

/// A lock from before an `if` check read as its assertions still matches the test as
/// written (an appended check passes) and respelled, and still refuses a weaker call.
#[test]
fn a_lock_from_before_still_matches_it() {
    let appended = (
        "\t\t\tt.Error(\"total\")\n\t\t}\n\t})\n",
        "\t\t\tt.Error(\"total\")\n\t\t}\n\t})\n\tif Total() != 0 {\n\t\tt.Fatal(\"total\")\n\t}\n",
    );
    let l = super::locked(&[(FILE, BASE)]);
    l.commit_lock(PREVIOUS_LOCK);
    l.edit(FILE, BASE, &[appended]);
    l.assert_passes_checked();
    let l = super::locked(&[(FILE, BASE)]);
    l.commit_lock(PREVIOUS_LOCK);
    l.edit(
        FILE,
        BASE,
        &[
            (IMPORTS.0, IMPORTS.1),
            (NO_ERROR.0, NO_ERROR.1),
            (EQUAL.0, EQUAL.1),
            (LEN.0, LEN.1),
            (ERROR_IS.0, ERROR_IS.1),
            (IN_SUBTEST.0, IN_SUBTEST.1),
        ],
    );
    l.assert_passes_checked();
    let l = super::locked(&[(FILE, BASE)]);
    l.commit_lock(PREVIOUS_LOCK);
    l.edit(
        FILE,
        BASE,
        &[(ADDED.0, ADDED.1), (NO_ERROR.0, "\trequire.Nil(t, err)\n")],
    );
    l.assert_refused("assertion-loosened", ID);
}

const TYPED_FILE: &str = "pay/config_test.go";
const TYPED_ID: &str = "go:pay/config_test.go::TestMergedValues";

const TYPED: &str = r#"package pay

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// gatekeeper:sacred
func TestMergedValues(t *testing.T) {
	v := Load()
	if pop := v.GetInt("hello.pop"); pop != 37890 {
		t.Fatalf("pop != 37890, = %d", pop)
	}
	if pop := v.GetUint("hello.pop"); pop != 37890 {
		t.Fatalf("uint pop != 37890, = %d", pop)
	}
	if b := v.Encode(); Expected != string(b) {
		t.Fatalf("encoded %s", b)
	}
	assert.True(t, v.Merged())
}
"#;

const TYPED_RESPELLED: [(&str, &str); 3] = [
    (
        "\tif pop := v.GetInt(\"hello.pop\"); pop != 37890 {\n\t\tt.Fatalf(\"pop != 37890, = %d\", pop)\n\t}\n",
        "\tassert.Equal(t, 37890, v.GetInt(\"hello.pop\"))\n",
    ),
    (
        "\tif pop := v.GetUint(\"hello.pop\"); pop != 37890 {\n\t\tt.Fatalf(\"uint pop != 37890, = %d\", pop)\n\t}\n",
        "\tassert.Equal(t, uint(37890), v.GetUint(\"hello.pop\"))\n",
    ),
    (
        "\tif b := v.Encode(); Expected != string(b) {\n\t\tt.Fatalf(\"encoded %s\", b)\n\t}\n",
        "\tb := v.Encode()\n\tassert.Equal(t, Expected, string(b))\n",
    ),
];

// Each `if` bound its value in its initializer (read with it put back), a literal typed by
// a conversion where the `if` wrote it untyped, a conversion to a basic type on one side.
#[test]
fn if_checks_on_values_bound_in_their_initializer_respelled_as_testify_calls_pass() {
    let l = super::locked(&[(TYPED_FILE, TYPED)]);
    l.assert_locked(TYPED_ID);
    l.edit(TYPED_FILE, TYPED, &TYPED_RESPELLED);
    l.assert_passes_checked();
}

#[test]
fn another_typed_literal_is_refused() {
    let l = super::locked(&[(TYPED_FILE, TYPED)]);
    let mut edits = TYPED_RESPELLED;
    edits[1].1 = "\tassert.Equal(t, uint(37891), v.GetUint(\"hello.pop\"))\n";
    l.edit(TYPED_FILE, TYPED, &edits);
    l.assert_staged_refuses(TYPED_ID, "37891 for 37890");
}

const TWO_IFS: &str = r#"package pay

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// gatekeeper:sacred
func TestTwoReads(t *testing.T) {
	err := Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := Read(); err != nil {
		t.Fatal(err)
	}
}
"#;

// The second `if` binds `err` itself and reads the same as the first: neither may stand
// for a call that no longer runs `Read()`.
#[test]
fn an_if_that_binds_is_not_told_from_a_plain_one_of_the_same_text() {
    let file = "pay/two_test.go";
    let l = super::locked(&[(file, TWO_IFS)]);
    l.edit(
        file,
        TWO_IFS,
        &[(
            "\tif err := Read(); err != nil {\n\t\tt.Fatal(err)\n\t}\n",
            "\trequire.NoError(t, err)\n",
        )],
    );
    l.assert_staged_refuses("go:pay/two_test.go::TestTwoReads", "`Read()` dropped");
}

const MERGED_FILE: &str = "conf/merge_test.go";
const MERGED_ID: &str = "go:conf/merge_test.go::TestMergedConfig";
const GO_MOD: &str =
    "module example.com/conf\n\ngo 1.21\n\nrequire github.com/stretchr/testify v1.9.0\n";

const MERGED: &str = r#"package conf

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gatekeeper:sacred
func TestMergedConfig(t *testing.T) {
	v := New()
	if err := v.Read("base.yml"); err != nil {
		t.Fatal(err)
	}
	if fu := v.GetString("fu"); fu != "bar" {
		t.Fatalf("fu = %s", fu)
	}
	if err := v.Merge("more.yml"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v.Keys(), []string{"fu", "pop"}) {
		t.Fatalf("keys = %v", v.Keys())
	}
	assert.True(t, v.Merged())
	require.NotNil(t, v)
}
"#;

/// viper's "Replace ifs with asserts": each `if err := …; err != nil` becomes `err := …` (then
/// `err = …`) and `require.NoError`, a value bound under the name its key spells is checked
/// in place, and `reflect.DeepEqual` becomes `Equal`.
const MERGED_RESPELLED: [(&str, &str); 4] = [
    (
        "\tif err := v.Read(\"base.yml\"); err != nil {\n\t\tt.Fatal(err)\n\t}\n",
        "\terr := v.Read(\"base.yml\")\n\trequire.NoError(t, err)\n\n",
    ),
    (
        "\tif fu := v.GetString(\"fu\"); fu != \"bar\" {\n\t\tt.Fatalf(\"fu = %s\", fu)\n\t}\n",
        "\tassert.Equal(t, \"bar\", v.GetString(\"fu\"))\n\n",
    ),
    (
        "\tif err := v.Merge(\"more.yml\"); err != nil {\n\t\tt.Fatal(err)\n\t}\n",
        "\terr = v.Merge(\"more.yml\")\n\trequire.NoError(t, err)\n\n",
    ),
    (
        "\tif !reflect.DeepEqual(v.Keys(), []string{\"fu\", \"pop\"}) {\n\t\tt.Fatalf(\"keys = %v\", v.Keys())\n\t}\n",
        "\tassert.Equal(t, []string{\"fu\", \"pop\"}, v.Keys())\n",
    ),
];

#[test]
fn an_error_bound_then_bound_anew_and_deep_equal_respelled_with_testify_pass() {
    let l = super::locked(&[(MERGED_FILE, MERGED), ("go.mod", GO_MOD)]);
    l.assert_locked(MERGED_ID);
    l.edit(MERGED_FILE, MERGED, &MERGED_RESPELLED);
    l.assert_passes_checked();
}

// The merge's error is dropped: `err` is set to nil before the check.
#[test]
fn an_error_silenced_before_its_check_is_refused() {
    let l = super::locked(&[(MERGED_FILE, MERGED), ("go.mod", GO_MOD)]);
    let mut edits = MERGED_RESPELLED;
    edits[2].1 = "\t_ = v.Merge(\"more.yml\")\n\terr = nil\n\trequire.NoError(t, err)\n\n";
    l.edit(MERGED_FILE, MERGED, &edits);
    l.assert_staged_refuses(MERGED_ID, "the merge's error silenced");
}

// The second check reads the first error again, not the merge's.
#[test]
fn a_check_of_the_first_error_again_is_refused() {
    let l = super::locked(&[(MERGED_FILE, MERGED), ("go.mod", GO_MOD)]);
    let mut edits = MERGED_RESPELLED;
    edits[2].1 = "\tv.Merge(\"more.yml\")\n\trequire.NoError(t, err)\n\n";
    l.edit(MERGED_FILE, MERGED, &edits);
    l.assert_staged_refuses(MERGED_ID, "the first error checked twice");
}

// Before testify v1.0 `Equal` converted one value to the other's type; without a go.mod that
// requires a v1 (or with a replace), `reflect.DeepEqual` is not read as `Equal`.
#[test]
fn deep_equal_as_equal_is_refused_without_testify_v1_in_go_mod() {
    for go_mod in [
        "module example.com/conf\n\ngo 1.21\n",
        "module example.com/conf\n\ngo 1.21\n\nrequire github.com/stretchr/testify v0.0.0-20141015234014-d6577e08ec30\n",
    ] {
        let l = super::locked(&[(MERGED_FILE, MERGED), ("go.mod", go_mod)]);
        l.edit(MERGED_FILE, MERGED, &MERGED_RESPELLED);
        l.assert_staged_refuses(MERGED_ID, go_mod);
    }
}

// viper's `c292b55`: `assert.Equal(t, 1, len(items))` written `assert.Len(t, items, 1)`.
const LENGTHS: &str = r#"package conf

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// gatekeeper:sacred
func TestParseNested(t *testing.T) {
	items := Parse()
	assert.Equal(t, 1, len(items))
	assert.Equal(t, 0, len(Errors()))
}
"#;

#[test]
fn equal_to_a_length_respelled_as_len_or_empty_passes() {
    let file = "conf/nested_test.go";
    let l = super::locked(&[(file, LENGTHS)]);
    l.edit(
        file,
        LENGTHS,
        &[
            (
                "\tassert.Equal(t, 1, len(items))\n",
                "\tassert.Len(t, items, 1)\n",
            ),
            (
                "\tassert.Equal(t, 0, len(Errors()))\n",
                "\tassert.Empty(t, Errors())\n",
            ),
        ],
    );
    l.assert_passes_checked();
}

#[test]
fn equal_to_a_length_respelled_with_another_length_is_refused() {
    let file = "conf/nested_test.go";
    let l = super::locked(&[(file, LENGTHS)]);
    l.edit(
        file,
        LENGTHS,
        &[(
            "\tassert.Equal(t, 1, len(items))\n",
            "\tassert.Len(t, items, 2)\n",
        )],
    );
    l.assert_staged_refuses("go:conf/nested_test.go::TestParseNested", "another length");
}

const TYPES_FILE: &str = "conf/types_test.go";
const TYPES_ID: &str = "go:conf/types_test.go::TestErrorTypes";
const TYPES: &str = r#"package conf

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

// gatekeeper:sacred
func TestErrorTypes(t *testing.T) {
	err := Read("missing.yml")
	assert.Equal(t, reflect.TypeOf(NotFoundError{}), reflect.TypeOf(err))
	assert.IsType(t, ParseError{}, Parse("{"))
}
"#;

/// viper's `c292b55` and `e75c48f`: `Equal` of two `reflect.TypeOf` written `IsType`, and
/// `IsType`'s operands swapped, where `go.mod` requires a `v1` testify.
#[test]
fn equal_of_two_types_as_is_type_and_is_type_swapped_pass_under_testify_v1() {
    let l = super::locked(&[(TYPES_FILE, TYPES), ("go.mod", GO_MOD)]);
    l.edit(
        TYPES_FILE,
        TYPES,
        &[
            (
                "\tassert.Equal(t, reflect.TypeOf(NotFoundError{}), reflect.TypeOf(err))\n",
                "\tassert.IsType(t, NotFoundError{}, err)\n",
            ),
            (
                "\tassert.IsType(t, ParseError{}, Parse(\"{\"))\n",
                "\tassert.IsType(t, Parse(\"{\"), ParseError{})\n",
            ),
        ],
    );
    l.assert_passes_checked();
}

/// Another type, or the same respelling where no `go.mod` tells a `v1` testify.
#[test]
fn is_type_of_another_type_or_without_testify_v1_is_refused() {
    let l = super::locked(&[(TYPES_FILE, TYPES), ("go.mod", GO_MOD)]);
    l.edit(
        TYPES_FILE,
        TYPES,
        &[(
            "\tassert.Equal(t, reflect.TypeOf(NotFoundError{}), reflect.TypeOf(err))\n",
            "\tassert.IsType(t, ParseError{}, err)\n",
        )],
    );
    l.assert_staged_refuses(TYPES_ID, "another type");
    for edit in [
        (
            "\tassert.Equal(t, reflect.TypeOf(NotFoundError{}), reflect.TypeOf(err))\n",
            "\tassert.IsType(t, NotFoundError{}, err)\n",
        ),
        (
            "\tassert.IsType(t, ParseError{}, Parse(\"{\"))\n",
            "\tassert.IsType(t, Parse(\"{\"), ParseError{})\n",
        ),
    ] {
        let l = super::locked(&[(TYPES_FILE, TYPES)]);
        l.edit(TYPES_FILE, TYPES, &[edit]);
        l.assert_staged_refuses(TYPES_ID, "no go.mod");
    }
}
