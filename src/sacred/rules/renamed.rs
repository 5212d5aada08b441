//! `renamed`: the locked test's body now lives under another id that the runner still
//! collects, and that test does not keep everything the lock holds, so it is not followed
//! ([`crate::sacred::relocate`]: a renamed test that keeps every check passes).
//!
//! Why: under its new id the test lost something the lock holds (its tag, its envelope, the
//! bindings of what it calls); the rule names the rename so the finding points at it.
//!
//! Example: `it("[sacred] is exact")` → `it("is exact")` (the title tag dropped);
//! `def test_refund` → `def test_refund_v2` with `@pytest.mark.skip` added.

use super::{Finding, Lookup, Rule};
use crate::sacred::analysis::Candidate;

/// `candidate`: what the engine found with the locked body under another id.
pub(super) fn check(lookup: &Lookup<'_>, candidate: &Candidate) -> Option<Finding> {
    candidate.collected.then(|| {
        lookup.finding(
            Rule::Renamed,
            format!(
                "renamed to `{}`: the lock no longer covers it",
                candidate.id
            ),
            vec![format!(
                "{}:{}: {}",
                lookup.locked.file, candidate.line, candidate.id
            )],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    #[test]
    fn a_renamed_test_is_refused() {
        refused(&PY, &[("def test_total", "def test_sum")], Rule::Renamed);
        refused(&RS, &[("fn total_is_six", "fn sum_is_six")], Rule::Renamed);
        refused(&GO, &[("func TestTotal", "func TestSum")], Rule::Renamed);
        refused(&JS, &[("test('total'", "test('sum'")], Rule::Renamed);
        refused(&TS, &[("test('total'", "test('sum'")], Rule::Renamed);
    }

    #[test]
    fn renaming_a_test_that_is_not_sacred_is_accepted() {
        accepted(&PY, &[("def test_other", "def test_another")]);
        accepted(&RS, &[("fn other", "fn another")]);
        accepted(&GO, &[("func TestOther", "func TestAnother")]);
        accepted(&JS, &[("test('other'", "test('another'")]);
        accepted(&TS, &[("test('other'", "test('another'")]);
    }
}
