//! `only-sibling`: another test or suite in the file is focused (`.only`, `fit`,
//! `fdescribe`), so the runner runs that one alone.
//!
//! Why: the locked test itself is untouched, yet it no longer runs; nothing in its own text
//! shows it.
//!
//! Example: `it.only("other case", …)` added next to a sacred `it("is exact", …)`.
//!
//! Under mocha, which runs only the focused tests of the whole run, and AVA, which once it meets
//! a file with one runs only the focused tests of the files after it, a test focused in
//! another file is found by `focused_elsewhere` in the check itself (it sees the changed
//! files, this rule one file).

use super::{Finding, Rule, Subject};

pub(super) fn check(s: &Subject<'_>) -> Option<Finding> {
    let focused: Vec<String> = s
        .scan
        .focused
        .iter()
        .filter(|f| !(f.start_byte <= s.test.start_byte && s.test.end_byte <= f.end_byte))
        .map(|f| s.here(f.line, &f.source))
        .collect();
    (!focused.is_empty()).then(|| {
        s.finding(
            Rule::OnlySibling,
            "another test or suite in the file is focused (`.only`), so this one no longer runs",
            Vec::new(),
            focused,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{JS, TS, accepted, refused, rules_between};

    #[test]
    fn focusing_another_test_is_refused() {
        for f in [&JS, &TS] {
            refused(
                f,
                &[("test('other'", "test.only('other'")],
                Rule::OnlySibling,
            );
            refused(f, &[("test('other'", "fit('other'")], Rule::OnlySibling);
        }
    }

    #[test]
    fn a_focused_suite_around_the_test_is_not_only_sibling() {
        for f in [&JS, &TS] {
            // Focus on what contains the locked test still runs it.
            let old = f.src().replace(f.sacred, "");
            let old = format!("{old}describe('billing', () => {{\n{}}});\n", f.sacred);
            let new = old.replace("describe('billing'", "describe.only('billing'");
            let rules = rules_between(f.path, &old, &new);
            assert!(!rules.contains(&Rule::OnlySibling), "{rules:?}");
        }
    }

    #[test]
    fn mentioning_only_in_a_string_is_accepted() {
        for f in [&JS, &TS] {
            accepted(f, &[("test('other'", "test('other test.only'")]);
        }
    }
}
