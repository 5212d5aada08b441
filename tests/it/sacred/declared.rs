//! Locals declared in another order: a declaration moved, or a new local declared before the
//! others, leaves every other local what it was (the test is read numbering its locals as its
//! base revision did); what is checked, and where, is still compared.

const GO_FILE: &str = "pay/lookup_test.go";
const GO_ID: &str = "go:pay/lookup_test.go::TestMissingConfig";

const GO_BASE: &str = r#"package pay

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// gatekeeper:sacred
func TestMissingConfig(t *testing.T) {
	var lookupErr LookupError

	dir := TempDir(t)
	v := New()
	v.AddPath(dir)

	err := v.Read()
	assert.ErrorAs(t, err, &NotFoundError{})
	assert.ErrorAs(t, err, &lookupErr)
	assert.Equal(t, dir, lookupErr.Dir())
}
"#;

const GO_DECLARATION: (&str, &str) = (
    "\tvar lookupErr LookupError\n\n\tdir := TempDir(t)\n",
    "\tdir := TempDir(t)\n",
);

harmless!(
    a_go_declaration_moved_next_to_its_use_is_the_same_test,
    GO_FILE,
    GO_BASE,
    GO_ID,
    [
        (GO_DECLARATION.0, GO_DECLARATION.1),
        (
            "\terr := v.Read()\n",
            "\terr := v.Read()\n\n\tvar lookupErr LookupError\n\n"
        )
    ]
);

harmless!(
    a_go_local_declared_first_for_an_appended_check_is_the_same_test,
    GO_FILE,
    GO_BASE,
    GO_ID,
    [
        (
            "\tvar lookupErr LookupError\n",
            "\tvar notFound NotFoundError\n\tvar lookupErr LookupError\n"
        ),
        (
            "\tassert.Equal(t, dir, lookupErr.Dir())\n",
            "\tassert.Equal(t, dir, lookupErr.Dir())\n\tassert.ErrorAs(t, err, &notFound)\n"
        )
    ]
);

// Moved with another value checked, or past the statement it was checked before.
refuses!(
    a_go_declaration_moved_with_another_check_is_refused,
    GO_FILE,
    GO_BASE,
    [
        (GO_DECLARATION.0, GO_DECLARATION.1),
        (
            "\terr := v.Read()\n",
            "\terr := v.Read()\n\n\tvar lookupErr LookupError\n\n"
        ),
        (
            "assert.Equal(t, dir, lookupErr.Dir())",
            "assert.Equal(t, lookupErr.Dir(), lookupErr.Dir())"
        )
    ],
    "assertion-changed",
    GO_ID
);

#[test]
fn go_statements_moved_past_one_another_are_refused() {
    let l = super::locked(&[(GO_FILE, GO_BASE)]);
    l.edit(
        GO_FILE,
        GO_BASE,
        &[(
            "\tv := New()\n\tv.AddPath(dir)\n\n\terr := v.Read()\n",
            "\tv := New()\n\terr := v.Read()\n\tv.AddPath(dir)\n\n",
        )],
    );
    l.assert_staged_refuses(GO_ID, "the read moved before the path it reads is added");
}

const PY_FILE: &str = "tests/billing/test_refund.py";
const PY_ID: &str = "python:tests/billing/test_refund.py::test_refund";

const PY_BASE: &str = r"from billing import Ledger, refund


def test_refund():
    ledger = Ledger()
    paid = ledger.pay(100)
    back = refund(ledger, paid)
    assert back == 100
    assert ledger.balance() == 0
";

harmless!(
    a_python_local_renamed_is_the_same_test,
    PY_FILE,
    PY_BASE,
    PY_ID,
    [(
        "    back = refund(ledger, paid)\n    assert back == 100\n",
        "    refunded = refund(ledger, paid)\n    assert refunded == 100\n"
    )]
);

// Two locals swapped: each check now reads the other value.
refuses!(
    python_locals_swapped_in_a_check_are_refused,
    PY_FILE,
    PY_BASE,
    [("    assert back == 100\n", "    assert paid == 100\n")],
    "assertion-changed",
    PY_ID
);

// A new `var` that shadows what a locked statement calls changes that statement's reading.
#[test]
fn a_go_var_shadowing_what_a_locked_statement_calls_is_refused() {
    let l = super::locked(&[(GO_FILE, GO_BASE)]);
    l.edit(
        GO_FILE,
        GO_BASE,
        &[(
            "\tvar lookupErr LookupError\n",
            "\tvar New func() *Config\n\tvar lookupErr LookupError\n",
        )],
    );
    l.assert_staged_refuses(GO_ID, "`New` shadowed by a local");
}
