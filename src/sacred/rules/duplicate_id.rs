//! `duplicate-id`: several tests now carry the locked test's id.
//!
//! Why: which of them is "the" locked test would be a guess, and a disabled or weakened copy
//! could hide behind an intact original (or the other way round).
//!
//! Example: a second `it("is exact", …)` with the same title in the same `describe`, or a
//! second `def test_refund` in one Python module (the later one wins at run time).

use super::{Finding, Lookup, Rule};
use crate::sacred::analysis::TestItem;

pub(super) fn check(lookup: &Lookup<'_>, same_id: &[&TestItem]) -> Option<Finding> {
    (same_id.len() > 1).then(|| {
        lookup.finding(
            Rule::DuplicateId,
            format!("{} tests now share this id", same_id.len()),
            same_id
                .iter()
                .map(|t| format!("{}:{}: test `{}`", t.path, t.line, t.name))
                .collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{JS, PY, TS, accepted, refused};

    #[test]
    fn a_second_test_with_the_same_id_is_refused() {
        for f in [&PY, &JS, &TS] {
            let twice = format!("{}\n{}", f.sacred, f.sacred);
            refused(f, &[(f.sacred, twice.as_str())], Rule::DuplicateId);
        }
    }

    #[test]
    fn a_copy_under_another_name_is_accepted() {
        for (f, from, to) in [
            (&PY, "def test_total", "def test_total_again"),
            (&JS, "test('total'", "test('total again'"),
            (&TS, "test('total'", "test('total again'"),
        ] {
            let copy = f.sacred.replace(from, to);
            let both = format!("{}\n{copy}", f.sacred);
            accepted(f, &[(f.sacred, both.as_str())]);
        }
    }
}
