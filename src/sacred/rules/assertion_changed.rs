//! `assertion-changed`: a locked assertion was replaced by a different one that no other
//! rule names: the fallback of the pair rules, so that any change to a locked assertion is
//! refused, strengthening it in place included.
//!
//! Why: what a changed assertion checks is not the locked check; telling a stronger one from
//! a weaker one in general is beyond a text comparison, so it fails closed. Adding a new
//! assertion next to the locked one is how to strengthen a test without a re-lock.
//!
//! Example: `assert_eq!(refund(a), b)` → `assert_eq!(refund(a), c)`.

/// Why the pair was refused when no other rule recognised the change.
pub(super) fn message() -> String {
    "an assertion was changed".to_owned()
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    #[test]
    fn a_different_assertion_is_refused() {
        let r = Rule::AssertionChanged;
        refused(
            &PY,
            &[("assert total(xs) == 6", "assert total(xs[1:]) == 6")],
            r,
        );
        refused(
            &RS,
            &[(
                "assert_eq!(total(&xs), 6)",
                "assert_eq!(total(&xs[1..]), 6)",
            )],
            r,
        );
        refused(
            &GO,
            &[("if Total(xs) != 6 {", "if Total(xs[1:]) != 6 {")],
            r,
        );
        for f in [&JS, &TS] {
            refused(
                f,
                &[(
                    "expect(total(xs)).toBe(6)",
                    "expect(total(xs.slice(1))).toBe(6)",
                )],
                r,
            );
        }
    }

    #[test]
    fn renaming_a_local_consistently_is_accepted() {
        accepted(
            &PY,
            &[
                ("xs = [1, 2, 3]", "ys = [1, 2, 3]"),
                ("total(xs)", "total(ys)"),
            ],
        );
        accepted(&RS, &[("let xs", "let ys"), ("total(&xs)", "total(&ys)")]);
        accepted(
            &GO,
            &[
                ("xs :=", "ys :="),
                ("Total(xs) != 6", "Total(ys) != 6"),
                ("want 6\", Total(xs)", "want 6\", Total(ys)"),
            ],
        );
        for f in [&JS, &TS] {
            accepted(f, &[("const xs", "const ys"), ("total(xs)", "total(ys)")]);
        }
    }
}
