//! `swallowed-failure`: the locked test has more constructs that can catch a failing
//! assertion than when it was locked.
//!
//! Why: an assertion that fails inside `try/except`, `catch_unwind`, `try/catch`,
//! `.catch(…)` or a deferred `recover()` raises a failure that never reaches the runner.
//!
//! Example: `assert total(xs) == 6` wrapped in `try: … except AssertionError: pass`.

use super::{Finding, Rule, Subject};

pub(super) fn check(s: &Subject<'_>) -> Option<Finding> {
    (s.test.swallows > s.locked.swallows).then(|| {
        s.finding(
            Rule::SwallowedFailure,
            "a construct that can swallow a failing assertion was added (catch_unwind, except, catch, recover)",
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
    fn a_construct_that_swallows_failures_is_refused() {
        let r = Rule::SwallowedFailure;
        refused(
            &PY,
            &[(
                "    assert total(xs) == 6\n",
                "    try:\n        assert total(xs) == 6\n    except AssertionError:\n        pass\n",
            )],
            r,
        );
        refused(
            &RS,
            &[(
                "    assert_eq!(total(&xs), 6);\n",
                "    let _ = std::panic::catch_unwind(|| {\n        assert_eq!(total(&xs), 6);\n    });\n",
            )],
            r,
        );
        refused(
            &GO,
            &[(
                "\txs := []int{1, 2, 3}\n",
                "\tdefer func() { recover() }()\n\txs := []int{1, 2, 3}\n",
            )],
            r,
        );
        for f in [&JS, &TS] {
            refused(
                f,
                &[(
                    "  expect(total(xs)).toBe(6);\n",
                    "  try {\n    expect(total(xs)).toBe(6);\n  } catch (e) {}\n",
                )],
                r,
            );
        }
    }

    #[test]
    fn swallowing_in_a_test_that_is_not_sacred_is_accepted() {
        accepted(
            &PY,
            &[(
                "    assert total([5]) == 5\n",
                "    try:\n        assert total([5]) == 5\n    except AssertionError:\n        pass\n",
            )],
        );
        accepted(
            &RS,
            &[(
                "    assert_eq!(total(&[5]), 5);\n",
                "    let _ = std::panic::catch_unwind(|| {\n        assert_eq!(total(&[5]), 5);\n    });\n",
            )],
        );
        accepted(
            &GO,
            &[(
                "func TestOther(t *testing.T) {\n",
                "func TestOther(t *testing.T) {\n\tdefer func() { recover() }()\n",
            )],
        );
        for f in [&JS, &TS] {
            accepted(
                f,
                &[(
                    "  expect(total([5])).toBe(5);\n",
                    "  try {\n    expect(total([5])).toBe(5);\n  } catch (e) {}\n",
                )],
            );
        }
    }
}
