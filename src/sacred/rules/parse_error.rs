//! `parse-error`: the locked test does not parse, or it cannot be found and its file does not
//! parse.
//!
//! Why: what a broken test would check is unknown, and a parse error can hide a test from the
//! analysis (tree-sitter recovers, but what it recovers is a guess). Nothing else is judged.
//!
//! Example: `assert total(xs) ==` left unfinished inside a sacred test.

use super::{Finding, Lookup, Rule, Subject};
use crate::sacred::analysis::FileScan;

/// The test is found but does not parse.
pub(super) fn in_test(s: &Subject<'_>) -> Option<Finding> {
    s.test.has_error.then(|| {
        s.finding(
            Rule::ParseError,
            "the test does not parse: a parse error inside a sacred test is a refusal",
            s.old_header.clone(),
            s.new_header(),
        )
    })
}

/// The test is not found, and its file does not parse.
pub(super) fn in_file(lookup: &Lookup<'_>, scan: &FileScan) -> Option<Finding> {
    scan.has_error.then(|| {
        lookup.finding(
            Rule::ParseError,
            format!(
                "`{}` does not parse, and the test cannot be found in it",
                lookup.locked.file
            ),
            Vec::new(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    #[test]
    fn a_test_that_no_longer_parses_is_refused() {
        refused(&PY, &[("== 6", "== (6")], Rule::ParseError);
        refused(&RS, &[("), 6);", "), 6;")], Rule::ParseError);
        refused(&GO, &[("!= 6 {", "!= 6 {{")], Rule::ParseError);
        refused(&JS, &[(".toBe(6);", ".toBe(6;")], Rule::ParseError);
        refused(&TS, &[(".toBe(6);", ".toBe(6;")], Rule::ParseError);
    }

    #[test]
    fn a_parse_error_in_another_test_is_accepted() {
        accepted(&PY, &[("== 5", "== (5")]);
        accepted(&GO, &[("!= 5 {", "!= 5 {{")]);
        accepted(&RS, &[("[5]), 5);", "[5]), 5;")]);
        accepted(&JS, &[(".toBe(5);", ".toBe(5;")]);
        accepted(&TS, &[(".toBe(5);", ".toBe(5;")]);
    }
}
