//! `removed`: the locked test, or its whole file, is gone, and no test under another name or
//! in a file near it keeps every check it had ([`crate::sacred::relocate`]).
//!
//! Why: a deleted test checks nothing; it is the bluntest way to make a failing test "pass".
//!
//! Example: `def test_refund(): …` deleted from `tests/test_billing.py`, or the file deleted.

use super::{Finding, Lookup, Rule};

/// The locked test's file was deleted.
pub(super) fn file_deleted(lookup: &Lookup<'_>) -> Finding {
    lookup.finding(
        Rule::Removed,
        format!("`{}` was deleted", lookup.locked.file),
        Vec::new(),
    )
}

/// The file is there but the test is not, in any form the other rules recognise.
pub(super) fn test_gone(lookup: &Lookup<'_>) -> Finding {
    lookup.finding(
        Rule::Removed,
        "the test is gone: no test under another name or in a file near it keeps every check it had",
        Vec::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, lock, refused};
    use super::super::{NewFile, Rule, compare};

    #[test]
    fn a_deleted_test_is_refused() {
        for f in [&PY, &RS, &GO, &JS, &TS] {
            refused(f, &[(f.sacred, "")], Rule::Removed);
        }
    }

    #[test]
    fn a_deleted_file_is_refused() {
        let locked = lock(PY.path, &PY.src());
        let new = NewFile {
            scan: None,
            unsupported: false,
        };
        let rules: Vec<Rule> = compare(&locked, &new, None)
            .iter()
            .map(|f| f.rule)
            .collect();
        assert_eq!(rules, [Rule::Removed]);
    }

    #[test]
    fn deleting_a_test_that_is_not_sacred_is_accepted() {
        for f in [&PY, &RS, &GO, &JS, &TS] {
            accepted(f, &[(f.other, "")]);
        }
    }
}
