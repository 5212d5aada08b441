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

/// A Python test that became a generator or a coroutine (`async def`, a `yield` of its own)
/// where the base revision's was a plain function: a runner that calls it as one
/// (unittest, pytest without a plugin that drives it) gets the generator or coroutine back
/// and never runs the body, so the test passes. Without the base revision (a first reading,
/// a test followed to another id), one whose structure is not the locked one is refused:
/// the lock does not say whether it was one, and a check then reads the base for it.
pub(super) fn deferred(s: &Subject<'_>) -> Option<Finding> {
    let now = s.test.deferred?;
    let old_lines = match s.base {
        Some(base) if base.deferred.is_some() => return None,
        Some(base) => vec![format!("{}:{}: test `{}`", base.path, base.line, base.name)],
        None if s.test.structure == s.locked.structure => return None,
        None => Vec::new(),
    };
    Some(s.finding(
        Rule::EnvelopeChanged,
        format!(
            "the test is now {now}: a runner that calls it as a plain function never runs its body"
        ),
        old_lines,
        vec![s.here(s.test.line, &format!("test `{}` ({now})", s.test.name))],
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

    #[test]
    fn a_test_turned_into_a_generator_or_a_coroutine_is_refused() {
        use super::super::testing::rules_with_base;
        let py = PY.src();
        for (from, to) in [
            ("def test_total():", "async def test_total():"),
            (
                "    assert total([]) == 0\n",
                "    assert total([]) == 0\n    if False:\n        yield\n",
            ),
        ] {
            let new = py.replacen(from, to, 1);
            assert_ne!(new, py);
            let rules = rules_with_base(PY.path, &py, &py, &new);
            assert!(rules.contains(&Rule::EnvelopeChanged), "{to}: {rules:?}");
            // Without the base revision (a test followed to another id) too.
            let rules = super::super::testing::rules_between(PY.path, &py, &new);
            assert!(rules.contains(&Rule::EnvelopeChanged), "{to}: {rules:?}");
        }
        // A yield of a nested function or a lambda is not the test's.
        let nested = py.replacen(
            "    assert total([]) == 0\n",
            "    assert total([]) == 0\n    gen = lambda: (yield)\n    def more():\n        yield 1\n",
            1,
        );
        assert_eq!(rules_with_base(PY.path, &py, &py, &nested), vec![]);
        // Already a coroutine at the base revision: judged as any other test.
        let coroutine = py.replacen("def test_total():", "async def test_total():", 1);
        assert_eq!(
            rules_with_base(PY.path, &coroutine, &coroutine, &coroutine),
            vec![]
        );
        let unchanged = super::super::testing::rules_between(PY.path, &coroutine, &coroutine);
        assert_eq!(unchanged, vec![]);
        // A JavaScript callback turned into a generator function is no test gatekeeper
        // reads: refused as gone.
        for f in [&JS, &TS] {
            let js = f.src();
            let new = js.replacen("test('total', () => {", "test('total', function* () {", 1);
            assert_ne!(new, js);
            let rules = rules_with_base(f.path, &js, &js, &new);
            assert_eq!(rules, vec![Rule::Removed], "{}", f.path);
            let plain = js.replacen("test('total', () => {", "test('total', function () {", 1);
            assert_eq!(
                rules_with_base(f.path, &js, &js, &plain),
                vec![],
                "{}",
                f.path
            );
        }
    }
}
