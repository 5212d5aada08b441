//! `skipped`: the locked test no longer runs, or stops itself: its envelope gained or lost a
//! skip marker, or its body calls a skip more often than when it was locked.
//!
//! Why: a skipped test reports as not failed; runners count it as a success, so the gate
//! stays green while the check is gone.
//!
//! Example: `#[ignore]`, `#[cfg(any())]` on the module, `@pytest.mark.skip`, `it.skip`,
//! `xit`, `//go:build ignore`; in the body `t.Skip()`, `pytest.skip()`, `self.skipTest()`.

use super::envelope::weakening_change;
use super::{Finding, Rule, Subject};

/// The envelope changed in a way that does not keep what runs, and the change involves a skip
/// marker (otherwise it is [`super::envelope_changed`]).
pub(super) fn in_envelope(s: &Subject<'_>) -> Option<Finding> {
    let change = weakening_change(s).filter(super::envelope::EnvelopeChange::skips)?;
    let (old_lines, new_lines) = change.lines();
    Some(s.finding(
        Rule::Skipped,
        "the test is now skipped, ignored or compiled out",
        old_lines,
        new_lines,
    ))
}

/// More skip calls in the body than locked.
pub(super) fn in_body(s: &Subject<'_>) -> Option<Finding> {
    (s.test.skips > s.locked.skips).then(|| {
        s.finding(
            Rule::Skipped,
            "the test now skips itself from inside its body",
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
    fn a_skip_marker_on_the_test_is_refused() {
        let r = Rule::Skipped;
        refused(
            &PY,
            &[("def test_total", "@pytest.mark.skip\ndef test_total")],
            r,
        );
        refused(
            &RS,
            &[(
                "#[test]\nfn total_is_six",
                "#[test]\n#[ignore]\nfn total_is_six",
            )],
            r,
        );
        refused(&JS, &[("test('total'", "test.skip('total'")], r);
        refused(&TS, &[("test('total'", "xit('total'")], r);
    }

    #[test]
    fn a_skip_call_in_the_body_is_refused() {
        let r = Rule::Skipped;
        refused(
            &PY,
            &[(
                "    xs = [1, 2, 3]\n",
                "    pytest.skip()\n    xs = [1, 2, 3]\n",
            )],
            r,
        );
        refused(
            &GO,
            &[(
                "\txs := []int{1, 2, 3}\n",
                "\tt.Skip()\n\txs := []int{1, 2, 3}\n",
            )],
            r,
        );
    }

    #[test]
    fn skipping_a_test_that_is_not_sacred_is_accepted() {
        accepted(
            &PY,
            &[("def test_other", "@pytest.mark.skip\ndef test_other")],
        );
        accepted(
            &RS,
            &[("#[test]\nfn other", "#[test]\n#[ignore]\nfn other")],
        );
        accepted(
            &GO,
            &[("\tif Total([]int{5})", "\tt.Skip()\n\tif Total([]int{5})")],
        );
        accepted(&JS, &[("test('other'", "test.skip('other'")]);
        accepted(&TS, &[("test('other'", "xit('other'")]);
    }

    #[test]
    fn removing_a_skip_marker_is_accepted() {
        use super::super::testing::rules_between;
        let old = RS.src().replace(
            "#[test]\nfn total_is_six",
            "#[test]\n#[ignore]\nfn total_is_six",
        );
        assert!(rules_between(RS.path, &old, &RS.src()).is_empty());
        let old = JS.src().replace("test('total'", "test.skip('total'");
        assert!(rules_between(JS.path, &old, &JS.src()).is_empty());
    }
}
