//! `assertion-removed`: a locked assertion is gone, and nothing new took its place (a
//! replacement is named by the rules that compare pairs, a comment by
//! [`super::assertion_commented_out`]).
//!
//! Why: each assertion is a check the code must pass; removing one removes that check even
//! when others remain.
//!
//! Example: `assert_eq!(total, 100);` deleted while `assert!(total > 0);` stays.

use super::{Finding, Rule, Subject};
use crate::sacred::lock::LockedAssertion;

/// `old`: a locked assertion the engine could neither match nor pair.
pub(super) fn check(s: &Subject<'_>, old: &LockedAssertion) -> Finding {
    s.finding(
        Rule::AssertionRemoved,
        "an assertion was removed",
        vec![s.old_line(old)],
        Vec::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    #[test]
    fn removing_one_assertion_is_refused() {
        let r = Rule::AssertionRemoved;
        refused(&PY, &[("    assert total([]) == 0\n", "")], r);
        refused(&RS, &[("    assert_eq!(total(&[]), 0);\n", "")], r);
        refused(
            &GO,
            &[(
                "\tif Total(nil) != 0 {\n\t\tt.Error(\"not zero\")\n\t}\n",
                "",
            )],
            r,
        );
        for f in [&JS, &TS] {
            refused(f, &[("  expect(total([])).toBe(0);\n", "")], r);
        }
    }

    #[test]
    fn removing_an_assertion_from_a_test_that_is_not_sacred_is_accepted() {
        accepted(&PY, &[("    assert total([5]) == 5\n", "    pass\n")]);
        accepted(&RS, &[("    assert_eq!(total(&[5]), 5);\n", "")]);
        accepted(
            &GO,
            &[(
                "\tif Total([]int{5}) != 5 {\n\t\tt.Error(\"not five\")\n\t}\n",
                "",
            )],
        );
        for f in [&JS, &TS] {
            accepted(f, &[("  expect(total([5])).toBe(5);\n", "")]);
        }
    }
}
