//! `envelope-changed`: what surrounds the locked test (attributes, decorators, suite
//! modifiers, class bases, build tags) changed in a way that is not a skip and does not
//! keep what runs.
//!
//! Why: the envelope decides how the runner treats the test: `#[should_panic]` inverts it,
//! a fixture or a base class changes what it runs against, a timeout or a retry can hide a
//! failure. Lint and documentation attributes, a `parametrize` that gains cases, and a
//! removed skip marker are accepted (see [`super::envelope`]).
//!
//! Example: `#[should_panic]` added to a Rust test; `class TestRefund(unittest.TestCase)` →
//! `class TestRefund(FakeCase)`.

use super::envelope::{EnvelopeChange, weakening_change};
use super::{Finding, Rule, Subject};

pub(super) fn check(s: &Subject<'_>) -> Option<Finding> {
    let change = weakening_change(s).filter(|c| !EnvelopeChange::skips(c))?;
    let (old_lines, new_lines) = change.lines();
    Some(s.finding(
        Rule::EnvelopeChanged,
        "what surrounds the test (attributes, decorators, suite modifiers, build tags) changed",
        old_lines,
        new_lines,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{JS, PY, RS, TS, accepted, refused};

    #[test]
    fn a_new_attribute_or_decorator_is_refused() {
        let r = Rule::EnvelopeChanged;
        refused(
            &RS,
            &[(
                "#[test]\nfn total_is_six",
                "#[test]\n#[should_panic]\nfn total_is_six",
            )],
            r,
        );
        refused(
            &PY,
            &[("def test_total", "@pytest.fixture\ndef test_total")],
            r,
        );
        for f in [&JS, &TS] {
            refused(
                f,
                &[("test('total', ()", "test('total', { retry: 3 }, ()")],
                r,
            );
        }
    }

    #[test]
    fn lint_attributes_and_a_parametrize_that_gains_cases_are_accepted() {
        accepted(
            &RS,
            &[(
                "#[test]\nfn total_is_six",
                "#[test]\n#[allow(clippy::unwrap_used)]\nfn total_is_six",
            )],
        );
        let old = PY.src().replace(
            "def test_total():",
            "@pytest.mark.parametrize(\"n\", [1, 2])\ndef test_total(n):",
        );
        let new = old.replace("[1, 2])", "[1, 2, 3])");
        assert!(super::super::testing::rules_between(PY.path, &old, &new).is_empty());
    }
}
