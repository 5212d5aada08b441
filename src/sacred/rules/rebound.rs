//! `rebound`: a name the locked test uses is bound anew at module level in its file (the
//! lock records, per test, the module-level bindings of the names it mentions; they are read
//! by [`crate::sacred::bindings`]).
//!
//! Why: the test's text stays the same while what it calls changes: a fake function, a
//! shadowed assertion macro, an import from elsewhere.
//!
//! Example: `refund = lambda x: x` added below `from billing import refund`;
//! `macro_rules! assert_eq`; `const expect = …`; Go `func init()`. A binding whose exact text
//! the file already had at the base revision (an assertion now uses an imported name the test
//! did not use before) is not a rebinding; the same name from another source still is.

use std::collections::BTreeMap;

use super::{Finding, Rule, Subject};
use crate::sacred::bindings::harmless_addition;

pub(super) fn check(s: &Subject<'_>) -> Option<Finding> {
    let locked_bindings = s.locked.bindings.as_ref()?;
    let mut left: BTreeMap<&str, usize> = BTreeMap::new();
    for b in locked_bindings {
        *left.entry(b.as_str()).or_default() += 1;
    }
    let new_bindings: Vec<String> = s
        .test
        .bindings
        .iter()
        .filter(|b| match left.get_mut(b.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            // The same binding, as written, was already in the file at the base revision,
            // where the test did not use what it binds (the test now uses a name it did not):
            // it binds nothing anew. One the test already saw at the base without the lock
            // holding it is still refused.
            _ => {
                let unused_at_base =
                    s.base_bindings.contains(b) && s.base.is_some_and(|t| !t.bindings.contains(b));
                !(unused_at_base || harmless_addition(s.test.lang, b, locked_bindings))
            }
        })
        .map(|b| format!("{}: {b}", s.test.path))
        .collect();
    (!new_bindings.is_empty()).then(|| {
        s.finding(
            Rule::Rebound,
            "a name the test uses is bound anew outside it (at module level): that changes what the test runs",
            Vec::new(),
            new_bindings,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    #[test]
    fn rebinding_a_name_the_test_uses_is_refused() {
        let r = Rule::Rebound;
        refused(
            &PY,
            &[("\n\n# gatekeeper", "total = len\n\n\n# gatekeeper")],
            r,
        );
        refused(
            &RS,
            &[(
                "\n// gatekeeper",
                "macro_rules! assert_eq { ($a:expr, $b:expr) => {}; }\n\n// gatekeeper",
            )],
            r,
        );
        refused(
            &GO,
            &[("\n// gatekeeper", "func init() {}\n\n// gatekeeper")],
            r,
        );
        refused(
            &JS,
            &[(
                "\n// gatekeeper",
                "const expect = () => ({ toBe() {} });\n\n// gatekeeper",
            )],
            r,
        );
        refused(&TS, &[("'../billing';\n", "'../fake';\n")], r);
    }

    #[test]
    fn a_helper_the_test_does_not_use_is_accepted() {
        accepted(
            &PY,
            &[(
                "\n\n# gatekeeper",
                "def helper():\n    pass\n\n\n# gatekeeper",
            )],
        );
        accepted(
            &RS,
            &[("\n// gatekeeper", "fn helper() {}\n\n// gatekeeper")],
        );
        accepted(
            &GO,
            &[("\n// gatekeeper", "func helper() {}\n\n// gatekeeper")],
        );
        accepted(
            &JS,
            &[(
                "\n// gatekeeper",
                "const helper = () => 1;\n\n// gatekeeper",
            )],
        );
        accepted(
            &TS,
            &[(
                "\n// gatekeeper",
                "const helper = (): number => 1;\n\n// gatekeeper",
            )],
        );
    }

    #[test]
    fn a_binding_the_file_had_at_the_base_is_not_a_rebinding() {
        use super::super::testing::{rules_between, rules_with_base};
        let base = PY.src().replace(
            "from billing import total\n",
            "from billing import total\nfrom enums import Engine\n",
        );
        let uses_engine = |src: &str| {
            src.replace(
                "    assert total([]) == 0\n",
                "    assert total([]) == 0\n    assert Engine.GAS\n",
            )
        };
        // An assertion now uses `Engine`, imported unchanged at the base.
        let new = uses_engine(&base);
        assert!(rules_with_base(PY.path, &base, &base, &new).is_empty());
        // Without the base revision it cannot be told apart: refused.
        assert!(rules_between(PY.path, &base, &new).contains(&Rule::Rebound));
        // The import moved within the file.
        let moved = uses_engine(&base)
            .replace("from enums import Engine\n", "")
            .replace(
                "import total\n",
                "import total\n\nfrom enums import Engine\n",
            );
        assert!(rules_with_base(PY.path, &base, &base, &moved).is_empty());
        // The same name from another source is a rebinding.
        let other = uses_engine(&base).replace("from enums import", "from fakes import");
        assert!(rules_with_base(PY.path, &base, &base, &other).contains(&Rule::Rebound));
        // A new binding of a name the test uses, next to the one the base had.
        let shadowed = uses_engine(&base).replace(
            "from enums import Engine\n",
            "from enums import Engine\nEngine = FakeEngine\n",
        );
        assert!(rules_with_base(PY.path, &base, &base, &shadowed).contains(&Rule::Rebound));
        let total = base.replace(
            "from enums import Engine\n",
            "from enums import Engine\ntotal = len\n",
        );
        assert!(rules_with_base(PY.path, &base, &base, &total).contains(&Rule::Rebound));
        // A rebinding already at the base that the lock does not hold stays refused.
        let fake = base.replace("import total\n", "import total\ntotal = len\n");
        let rules = rules_with_base(PY.path, &base, &fake, &uses_engine(&fake));
        assert!(rules.contains(&Rule::Rebound), "{rules:?}");
    }
}
