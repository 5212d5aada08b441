//! `early-return`: the locked test has more `return`s than when it was locked (one in a
//! nested function or callback counts only when that function asserts).
//!
//! Why: a `return` before the assertions ends the test early, and a test that ends without
//! failing passes.
//!
//! Example: `if total > 0 { return; }` inserted before `assert_eq!(total, 100);`.

use super::{Finding, Rule, Subject};

pub(super) fn check(s: &Subject<'_>) -> Option<Finding> {
    (s.test.returns > s.locked.returns).then(|| {
        s.finding(
            Rule::EarlyReturn,
            format!(
                "{} new `return` in the test: the assertions after it may never run",
                s.test.returns - s.locked.returns
            ),
            Vec::new(),
            s.new_header(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    #[test]
    fn a_new_return_is_refused() {
        let r = Rule::EarlyReturn;
        refused(
            &PY,
            &[(
                "    assert total(xs)",
                "    if xs:\n        return\n    assert total(xs)",
            )],
            r,
        );
        refused(
            &RS,
            &[(
                "    assert_eq!(total(&xs)",
                "    if !xs.is_empty() {\n        return;\n    }\n    assert_eq!(total(&xs)",
            )],
            r,
        );
        refused(
            &GO,
            &[(
                "\tif Total(xs) != 6",
                "\tif len(xs) > 0 {\n\t\treturn\n\t}\n\tif Total(xs) != 6",
            )],
            r,
        );
        for f in [&JS, &TS] {
            refused(
                f,
                &[(
                    "  expect(total(xs))",
                    "  if (xs.length) return;\n  expect(total(xs))",
                )],
                r,
            );
        }
    }

    #[test]
    fn a_return_in_a_nested_function_that_does_not_assert_is_accepted() {
        accepted(
            &PY,
            &[(
                "    assert total([]) == 0\n",
                "    assert total([]) == 0\n\n    def helper():\n        return 1\n",
            )],
        );
        accepted(
            &RS,
            &[(
                "    assert_eq!(total(&[]), 0);\n",
                "    assert_eq!(total(&[]), 0);\n    let _f = || {\n        return 1;\n    };\n",
            )],
        );
        accepted(
            &GO,
            &[(
                "\t\tt.Error(\"not zero\")\n\t}\n",
                "\t\tt.Error(\"not zero\")\n\t}\n\t_ = func() int {\n\t\treturn 1\n\t}\n",
            )],
        );
        for f in [&JS, &TS] {
            accepted(
                f,
                &[(
                    "  expect(total([])).toBe(0);\n",
                    "  expect(total([])).toBe(0);\n  const f = () => {\n    return 1;\n  };\n",
                )],
            );
        }
    }
}
