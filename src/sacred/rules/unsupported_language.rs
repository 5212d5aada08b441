//! `unsupported-language`: the locked test's file is in a language this build of gatekeeper
//! cannot parse (its grammar feature was left out).
//!
//! Why: a test that cannot be read cannot be shown to be intact, and the check fails closed
//! rather than waving the file through.
//!
//! Example: a lock made by a full build names `tests/billing.rs`; a build without the
//! `lang-rust` feature checks the change and refuses every locked test of that file.

use super::{Finding, Lookup, NewFile, Rule};

pub(super) fn check(lookup: &Lookup<'_>, new: &NewFile<'_>) -> Option<Finding> {
    new.unsupported.then(|| {
        lookup.finding(
            Rule::UnsupportedLanguage,
            format!(
                "`{}` cannot be analysed by this build of gatekeeper",
                lookup.locked.file
            ),
            Vec::new(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{PY, RS, lock};
    use super::super::{NewFile, Rule, compare};
    use crate::sacred::analysis::Want;
    use crate::sacred::lang;

    fn rules(path: &str, src: &str, unsupported: bool) -> Vec<Rule> {
        let locked = lock(path, src);
        let scan = lang::scan(path, src, false, &Want::All, &[])
            .unwrap()
            .unwrap();
        let new = NewFile {
            scan: (!unsupported).then_some(&scan),
            unsupported,
        };
        compare(&locked, &new, None)
            .iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn a_file_this_build_cannot_parse_is_refused() {
        for f in [&RS, &PY] {
            assert_eq!(rules(f.path, &f.src(), true), [Rule::UnsupportedLanguage]);
        }
    }

    #[test]
    fn the_same_file_with_its_grammar_is_accepted() {
        for f in [&RS, &PY] {
            assert!(rules(f.path, &f.src(), false).is_empty());
        }
    }
}
