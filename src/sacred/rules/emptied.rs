//! `emptied`: the locked test had assertions and now has none.
//!
//! Why: a test without assertions passes whatever the code does. Reported once for the whole
//! test instead of once per removed assertion.
//!
//! Example: the body of `def test_refund():` replaced by `pass`.

use super::{Finding, Rule, Subject, View};

pub(super) fn check(s: &Subject<'_>, view: &View<'_>) -> Option<Finding> {
    (view.assertions.is_empty() && s.locked.assertion_count > 0).then(|| {
        s.finding(
            Rule::Emptied,
            format!("all {} assertions are gone", s.locked.assertion_count),
            s.locked.assertions.iter().map(|a| s.old_line(a)).collect(),
            s.new_header(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    #[test]
    fn a_test_without_assertions_is_refused() {
        let r = Rule::Emptied;
        refused(
            &PY,
            &[(
                "    assert total(xs) == 6\n    assert total([]) == 0\n",
                "    pass\n",
            )],
            r,
        );
        refused(
            &RS,
            &[(
                "    assert_eq!(total(&xs), 6);\n    assert_eq!(total(&[]), 0);\n",
                "",
            )],
            r,
        );
        refused(
            &GO,
            &[(
                "\tif Total(xs) != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", Total(xs))\n\t}\n\tif Total(nil) != 0 {\n\t\tt.Error(\"not zero\")\n\t}\n",
                "\t_ = xs\n",
            )],
            r,
        );
        for f in [&JS, &TS] {
            refused(
                f,
                &[(
                    "  expect(total(xs)).toBe(6);\n  expect(total([])).toBe(0);\n",
                    "",
                )],
                r,
            );
        }
    }

    #[test]
    fn adding_an_assertion_is_accepted() {
        accepted(
            &PY,
            &[(
                "    assert total([]) == 0\n",
                "    assert total([]) == 0\n    assert total([1]) == 1\n",
            )],
        );
        accepted(
            &RS,
            &[(
                "    assert_eq!(total(&[]), 0);\n",
                "    assert_eq!(total(&[]), 0);\n    assert_eq!(total(&[1]), 1);\n",
            )],
        );
        accepted(
            &GO,
            &[(
                "\t\tt.Error(\"not zero\")\n\t}\n",
                "\t\tt.Error(\"not zero\")\n\t}\n\tif Total([]int{1}) != 1 {\n\t\tt.Error(\"not one\")\n\t}\n",
            )],
        );
        for f in [&JS, &TS] {
            accepted(
                f,
                &[(
                    "  expect(total([])).toBe(0);\n",
                    "  expect(total([])).toBe(0);\n  expect(total([1])).toBe(1);\n",
                )],
            );
        }
    }
}
