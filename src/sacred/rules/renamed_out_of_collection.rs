//! `renamed-out-of-collection`: the locked test is still there (same id or same body) but the
//! test runner no longer collects it.
//!
//! Why: a test the runner does not collect never runs, so it can never fail; the lock would
//! still show it as present.
//!
//! Example: Rust `#[test]` removed; Python `test_refund` → `check_refund`; Go `TestRefund`
//! → `testRefund`; JavaScript `it(…)` → `helper(…)`.

use super::{Finding, Lookup, Rule};
use crate::sacred::analysis::Candidate;

/// `candidate`: what the engine found with the locked id or body.
pub(super) fn check(lookup: &Lookup<'_>, candidate: &Candidate) -> Option<Finding> {
    (!candidate.collected).then(|| {
        lookup.finding(
            Rule::RenamedOutOfCollection,
            format!(
                "renamed or re-declared as `{}`, which the test runner does not collect",
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
    fn a_test_the_runner_no_longer_collects_is_refused() {
        let r = Rule::RenamedOutOfCollection;
        refused(&PY, &[("def test_total", "def check_total")], r);
        refused(&RS, &[("#[test]\nfn total_is_six", "fn total_is_six")], r);
        refused(&GO, &[("func TestTotal", "func testTotal")], r);
        refused(&JS, &[("test('total'", "check('total'")], r);
        refused(&TS, &[("test('total'", "check('total'")], r);
    }

    #[test]
    fn taking_a_test_that_is_not_sacred_out_of_collection_is_accepted() {
        accepted(&PY, &[("def test_other", "def check_other")]);
        accepted(&RS, &[("#[test]\nfn other", "fn other")]);
        accepted(&GO, &[("func TestOther", "func testOther")]);
        accepted(&JS, &[("test('other'", "check('other'")]);
        accepted(&TS, &[("test('other'", "check('other'")]);
    }
}
