//! `assertion-commented-out`: a locked assertion is gone and its text now sits in a comment
//! inside the test.
//!
//! Why: the same weakening as removing it (a comment checks nothing), named so that the
//! report points at the comment.
//!
//! Example: `assert_eq!(total, 100);` → `// assert_eq!(total, 100);`. (Go's `if … {
//! t.Error(…) }` joins its condition and report in one text, which a comment never holds: it
//! is reported as removed.)

use super::{Finding, Rule, Subject, View};
use crate::sacred::lock::LockedAssertion;

/// `old`: a locked assertion the engine could neither match nor pair.
pub(super) fn check(s: &Subject<'_>, view: &View<'_>, old: &LockedAssertion) -> Option<Finding> {
    let squashed: String = old.text.chars().filter(|c| !c.is_whitespace()).collect();
    view.comments
        .iter()
        .any(|c| c.contains(&squashed))
        .then(|| {
            s.finding(
                Rule::AssertionCommentedOut,
                "an assertion was commented out",
                vec![s.old_line(old)],
                Vec::new(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused, rules_between};

    /// Go's `if … { t.Error(…) }` joins condition and report in one text, which no comment
    /// holds; testify's assertions are one call.
    const TESTIFY: &str = "package billing\n\nimport (\n\t\"testing\"\n\n\t\"github.com/stretchr/testify/assert\"\n)\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tassert.Equal(t, 6, Total([]int{1, 2, 3}))\n\tassert.Equal(t, 0, Total(nil))\n}\n";

    #[test]
    fn an_assertion_turned_into_a_comment_is_refused() {
        let r = Rule::AssertionCommentedOut;
        refused(
            &PY,
            &[(
                "    assert total([]) == 0\n",
                "    # assert total([]) == 0\n",
            )],
            r,
        );
        refused(
            &RS,
            &[(
                "    assert_eq!(total(&[]), 0);\n",
                "    // assert_eq!(total(&[]), 0);\n",
            )],
            r,
        );
        let go = TESTIFY.replace(
            "\tassert.Equal(t, 0, Total(nil))\n",
            "\t// assert.Equal(t, 0, Total(nil))\n",
        );
        assert!(rules_between(GO.path, TESTIFY, &go).contains(&r));
        for f in [&JS, &TS] {
            refused(
                f,
                &[(
                    "  expect(total([])).toBe(0);\n",
                    "  // expect(total([])).toBe(0);\n",
                )],
                r,
            );
        }
    }

    #[test]
    fn a_comment_that_repeats_a_kept_assertion_is_accepted() {
        accepted(
            &PY,
            &[(
                "    assert total([]) == 0\n",
                "    # assert total([]) == 0\n    assert total([]) == 0\n",
            )],
        );
        accepted(
            &RS,
            &[(
                "    assert_eq!(total(&[]), 0);\n",
                "    // assert_eq!(total(&[]), 0);\n    assert_eq!(total(&[]), 0);\n",
            )],
        );
        let go = TESTIFY.replace(
            "\tassert.Equal(t, 0, Total(nil))\n",
            "\t// assert.Equal(t, 0, Total(nil))\n\tassert.Equal(t, 0, Total(nil))\n",
        );
        assert!(rules_between(GO.path, TESTIFY, &go).is_empty());
        for f in [&JS, &TS] {
            accepted(
                f,
                &[(
                    "  expect(total([])).toBe(0);\n",
                    "  // expect(total([])).toBe(0);\n  expect(total([])).toBe(0);\n",
                )],
            );
        }
    }
}
