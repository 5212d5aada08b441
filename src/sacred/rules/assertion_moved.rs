//! `assertion-moved`: a locked assertion is still there, word for word, but under different
//! conditions (another nesting of `if`s, loops, closures, `match` arms, …).
//!
//! Why: an assertion moved into an `if` that is false, a loop that runs zero times or a
//! closure that is never called never runs.
//!
//! Example: `assert_eq!(total, 100);` → `if total > 0 { assert_eq!(total, 100); }`.

use crate::sacred::analysis::Assertion;
use crate::sacred::lock::LockedAssertion;

/// The same text (without messages) at another nesting; the engine pairs only assertions
/// that are not matched at their own nesting.
pub(super) fn check(old: &LockedAssertion, new: &Assertion) -> Option<String> {
    (old.text == new.text).then(|| {
        let at = if new.path.is_empty() {
            "the top level".to_owned()
        } else {
            format!("`{}`", new.path)
        };
        format!("an assertion was moved; it now sits under {at}")
    })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    #[test]
    fn an_assertion_moved_under_a_condition_is_refused() {
        let r = Rule::AssertionMoved;
        refused(
            &PY,
            &[(
                "    assert total([]) == 0\n",
                "    if xs:\n        assert total([]) == 0\n",
            )],
            r,
        );
        refused(
            &RS,
            &[(
                "    assert_eq!(total(&[]), 0);\n",
                "    for _ in 0..0 {\n        assert_eq!(total(&[]), 0);\n    }\n",
            )],
            r,
        );
        refused(
            &GO,
            &[(
                "\tif Total(nil) != 0 {\n\t\tt.Error(\"not zero\")\n\t}\n",
                "\tfor range xs {\n\t\tif Total(nil) != 0 {\n\t\t\tt.Error(\"not zero\")\n\t\t}\n\t}\n",
            )],
            r,
        );
        for f in [&JS, &TS] {
            refused(
                f,
                &[(
                    "  expect(total([])).toBe(0);\n",
                    "  if (xs.length > 5) {\n    expect(total([])).toBe(0);\n  }\n",
                )],
                r,
            );
        }
    }

    #[test]
    fn reordering_assertions_at_the_same_nesting_is_accepted() {
        accepted(
            &PY,
            &[(
                "    assert total(xs) == 6\n    assert total([]) == 0\n",
                "    assert total([]) == 0\n    assert total(xs) == 6\n",
            )],
        );
        accepted(
            &RS,
            &[(
                "    assert_eq!(total(&xs), 6);\n    assert_eq!(total(&[]), 0);\n",
                "    assert_eq!(total(&[]), 0);\n    assert_eq!(total(&xs), 6);\n",
            )],
        );
        for f in [&JS, &TS] {
            accepted(
                f,
                &[(
                    "  expect(total(xs)).toBe(6);\n  expect(total([])).toBe(0);\n",
                    "  expect(total([])).toBe(0);\n  expect(total(xs)).toBe(6);\n",
                )],
            );
        }
        accepted(
            &GO,
            &[(
                "\t\tt.Error(\"not zero\")\n",
                "\t\tt.Errorf(\"Total(nil) = %d\", Total(nil))\n",
            )],
        );
    }
}
