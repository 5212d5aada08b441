//! `expected-changed`: a locked assertion differs only in its literals: an expected value,
//! a string, a number (judged after [`super::assertion_loosened`], which names a raised
//! tolerance).
//!
//! Why: changing what a test expects to what the code now returns makes any regression pass;
//! a legitimate change of expectations needs a re-lock.
//!
//! Example: `assert_eq!(total, 100)` → `assert_eq!(total, 90)`; `assert x == "paid"` →
//! `assert x == "void"`.

use super::tokens::{lex, literal_diffs};
use crate::sacred::analysis::Assertion;
use crate::sacred::lock::LockedAssertion;

pub(super) fn check(old: &LockedAssertion, new: &Assertion) -> Option<String> {
    literal_diffs(&lex(&old.text), &lex(&new.text))
        .map(|_| "an expected value was changed".to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    #[test]
    fn a_new_expected_value_is_refused() {
        let r = Rule::ExpectedChanged;
        refused(&PY, &[("== 6", "== 7")], r);
        refused(&RS, &[("xs), 6)", "xs), 7)")], r);
        refused(&GO, &[("!= 6 {", "!= 7 {")], r);
        for f in [&JS, &TS] {
            refused(f, &[("toBe(6)", "toBe(7)")], r);
        }
    }

    #[test]
    fn the_same_value_reformatted_is_accepted() {
        accepted(&PY, &[("total(xs) == 6", "total( xs )==6")]);
        accepted(
            &RS,
            &[(
                "assert_eq!(total(&xs), 6);",
                "assert_eq!(\n        total(&xs),\n        6,\n    );",
            )],
        );
        accepted(&GO, &[("if Total(xs) != 6 {", "if (Total(xs)) != 6 {")]);
        for f in [&JS, &TS] {
            accepted(
                f,
                &[(
                    "expect(total(xs)).toBe(6)",
                    "expect(total(xs))\n    .toBe(6)",
                )],
            );
        }
    }
}
