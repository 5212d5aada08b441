//! `assertion-loosened`: a locked assertion was replaced by one that accepts more: a weaker
//! form, an equality turned into an ordering, a strict ordering made loose, a raised
//! tolerance, an expected error widened to a generic one, or part of it removed.
//!
//! Why: the test still asserts, so it looks intact, but wrong results it used to reject now
//! pass.
//!
//! Example: `assert_eq!(total, 100)` → `assert!(total > 0)`; `toStrictEqual` →
//! `toBeDefined`; `==` → `>=`; `abs=1e-9` → `abs=0.1`; `pytest.raises(InsufficientFunds)` →
//! `pytest.raises(Exception)`; Go `if got != want` → `if got < want`.

use super::tokens::{Token, TokenClass, lex, literal_diffs, words};
use crate::sacred::analysis::Assertion;
use crate::sacred::lock::LockedAssertion;

/// The first way in which `new` accepts more than `old`, if any.
pub(super) fn check(old: &LockedAssertion, new: &Assertion) -> Option<String> {
    let a = lex(&old.text);
    let b = lex(&new.text);
    if let (Some(sa), Some(sb)) = (assertion_strength(&a), assertion_strength(&b))
        && sb < sa
    {
        return Some("an assertion was replaced by a weaker form".to_owned());
    }
    let (wa, wb) = (words(&a), words(&b));
    if GENERIC_ERRORS
        .iter()
        .any(|g| wb.iter().any(|w| w == g) && !wa.iter().any(|w| w == g))
        && wa.iter().any(|w| !wb.contains(w))
    {
        return Some("the expected error was widened to a generic one".to_owned());
    }
    if b.len() < a.len() && is_subsequence(&b, &a) {
        return Some("part of an assertion was removed".to_owned());
    }
    let (oa, ob) = (comparisons(&a), comparisons(&b));
    if oa != ob {
        let had = |v: &[String], set: &[&str]| v.iter().any(|o| set.contains(&o.as_str()));
        let loosened = (had(&oa, EQUALITY)
            && !had(&ob, EQUALITY)
            && (had(&ob, STRICT_ORDER) || had(&ob, LOOSE_ORDER)))
            || (had(&oa, STRICT_ORDER) && had(&ob, LOOSE_ORDER) && !had(&ob, STRICT_ORDER));
        return loosened.then(|| "a comparison was loosened".to_owned());
    }
    let diffs = literal_diffs(&a, &b)?;
    let lower = old.text.to_ascii_lowercase();
    if !TOLERANCE.iter().any(|t| lower.contains(t)) {
        return None;
    }
    // A number of digits or places is a tolerance the other way round.
    let digits = ["places", "closeto", "precision"]
        .iter()
        .any(|t| lower.contains(t));
    let widened = diffs.iter().any(|(x, y)| match (number(x), number(y)) {
        (Some(x), Some(y)) => {
            if digits {
                y < x
            } else {
                y > x
            }
        }
        _ => false,
    });
    widened.then(|| "a tolerance was raised".to_owned())
}

/// The comparison operators of an assertion, in order.
fn comparisons(t: &[Token]) -> Vec<String> {
    t.iter()
        .filter(|(c, o)| {
            (*c == TokenClass::Op || o == "is")
                && (EQUALITY.contains(&o.as_str())
                    || STRICT_ORDER.contains(&o.as_str())
                    || LOOSE_ORDER.contains(&o.as_str()))
        })
        .map(|(_, o)| o.clone())
        .collect()
}

/// How strict an assertion form is: higher is stricter; unknown names rank 0 (ignored).
fn strength(word: &str) -> u8 {
    match word {
        "toStrictEqual" | "toBe" | "strictEqual" | "deepStrictEqual" | "assertIs" | "Exactly" => 5,
        "toEqual"
        | "assert_eq"
        | "assert_ne"
        | "assertEqual"
        | "assertEquals"
        | "assertNotEqual"
        | "assertDictEqual"
        | "assertListEqual"
        | "assertSequenceEqual"
        | "assertTupleEqual"
        | "assertSetEqual"
        | "assertCountEqual"
        | "assertMultiLineEqual"
        | "deepEqual"
        | "equal"
        | "Equal"
        | "NotEqual"
        | "EqualValues"
        | "assert_matches"
        | "prop_assert_eq"
        | "is" => 4,
        "toMatchObject"
        | "toContain"
        | "toContainEqual"
        | "toHaveLength"
        | "toHaveProperty"
        | "toMatch"
        | "toBeCloseTo"
        | "toThrow"
        | "toThrowError"
        | "assertIn"
        | "assertNotIn"
        | "assertAlmostEqual"
        | "assertRaises"
        | "assertRaisesRegex"
        | "raises"
        | "assertGreater"
        | "assertGreaterEqual"
        | "assertLess"
        | "assertLessEqual"
        | "Contains"
        | "Len"
        | "ErrorIs"
        | "ErrorAs"
        | "InDelta"
        | "InEpsilon"
        | "toBeGreaterThan"
        | "toBeLessThan"
        | "toBeGreaterThanOrEqual"
        | "toBeLessThanOrEqual"
        | "toHaveBeenCalledWith" => 3,
        "assert" | "prop_assert" | "assertTrue" | "assertFalse" | "ok" | "True" | "False"
        | "toHaveBeenCalled" | "Errorf" | "Error" | "Fatalf" | "Fatal" => 2,
        "toBeTruthy" | "toBeFalsy" | "toBeDefined" | "toBeUndefined" | "toBeNull"
        | "assertIsNotNone" | "assertIsNone" | "NotNil" | "Nil" | "NoError" | "NotEmpty"
        | "debug_assert" | "debug_assert_eq" | "debug_assert_ne" | "exist" | "Fail" | "FailNow" => {
            1
        }
        _ => 0,
    }
}

fn assertion_strength(tokens: &[Token]) -> Option<u8> {
    tokens
        .iter()
        .filter(|(c, _)| *c == TokenClass::Word)
        .map(|(_, w)| strength(w))
        .filter(|s| *s > 0)
        .max()
}

const GENERIC_ERRORS: &[&str] = &[
    "Exception",
    "BaseException",
    "Error",
    "Throwable",
    "anyhow",
    "is_err",
    "Any",
];
const EQUALITY: &[&str] = &["==", "===", "!=", "!==", "is"];
const STRICT_ORDER: &[&str] = &["<", ">"];
const LOOSE_ORDER: &[&str] = &["<=", ">="];
const TOLERANCE: &[&str] = &[
    "approx",
    "abs",
    "rel",
    "tol",
    "delta",
    "epsilon",
    "closeto",
    "indelta",
    "inepsilon",
    "allclose",
    "isclose",
    "places",
    "precision",
];

fn is_subsequence(small: &[Token], big: &[Token]) -> bool {
    let mut it = big.iter();
    small.iter().all(|s| it.any(|b| b == s))
}

fn number(s: &str) -> Option<f64> {
    s.replace('_', "")
        .trim_end_matches(|c: char| c.is_ascii_alphabetic() && c != 'e')
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    #[test]
    fn a_weaker_assertion_is_refused() {
        let r = Rule::AssertionLoosened;
        refused(
            &PY,
            &[("assert total(xs) == 6", "assert total(xs) >= 6")],
            r,
        );
        refused(
            &RS,
            &[("assert_eq!(total(&xs), 6)", "assert!(total(&xs) > 0)")],
            r,
        );
        refused(&GO, &[("if Total(xs) != 6 {", "if Total(xs) < 6 {")], r);
        for f in [&JS, &TS] {
            refused(
                f,
                &[(
                    "expect(total(xs)).toBe(6)",
                    "expect(total(xs)).toBeDefined()",
                )],
                r,
            );
        }
    }

    #[test]
    fn a_new_message_on_the_same_check_is_accepted() {
        accepted(
            &PY,
            &[(
                "assert total(xs) == 6\n",
                "assert total(xs) == 6, \"sum\"\n",
            )],
        );
        accepted(
            &RS,
            &[(
                "assert_eq!(total(&xs), 6)",
                "assert_eq!(total(&xs), 6, \"sum\")",
            )],
        );
        accepted(
            &GO,
            &[(
                "t.Errorf(\"Total = %d, want 6\", Total(xs))",
                "t.Errorf(\"sum is %d\", Total(xs))",
            )],
        );
        for f in [&JS, &TS] {
            accepted(
                f,
                &[(
                    "expect(total(xs)).toBe(6)",
                    "expect(total(xs), 'sum').toBe(6)",
                )],
            );
        }
    }

    #[test]
    fn a_unittest_assertion_in_another_spelling_of_the_same_check_is_accepted() {
        let path = "tests/test_auth.py";
        let old = "import unittest\n\n\nclass TestAuth(unittest.TestCase):\n    # gatekeeper:sacred\n    def test_nonce(self):\n        parsed = parse(\"q\")\n        self.assertTrue(\"oauth_nonce\" in parsed, \"no nonce\")\n        self.assertEqual(parsed.get(\"x\"), None)\n        self.assertTrue(isinstance(parsed, dict))\n";
        let between = |new: &str| super::super::testing::rules_between(path, old, new);
        let respelled = old
            .replace(
                "self.assertTrue(\"oauth_nonce\" in parsed, \"no nonce\")",
                "self.assertIn(\"oauth_nonce\", parsed)",
            )
            .replace(
                "self.assertEqual(parsed.get(\"x\"), None)",
                "self.assertIsNone(parsed.get(\"x\"))",
            )
            .replace(
                "self.assertTrue(isinstance(parsed, dict))",
                "self.assertIsInstance(parsed, dict)",
            );
        let r = between(&respelled);
        assert!(r.is_empty(), "{r:?}");
        // Another operand, or the weaker direction, is still refused.
        let r = between(&old.replace(
            "self.assertTrue(\"oauth_nonce\" in parsed, \"no nonce\")",
            "self.assertIn(\"oauth\", parsed)",
        ));
        assert!(!r.is_empty(), "{r:?}");
        let r = between(&old.replace(
            "self.assertTrue(isinstance(parsed, dict))",
            "self.assertTrue(parsed)",
        ));
        assert!(!r.is_empty(), "{r:?}");
        let stronger = old.replace(
            "self.assertEqual(parsed.get(\"x\"), None)",
            "self.assertIsNone(parsed.get(\"x\"))",
        );
        let r = super::super::testing::rules_between(path, &stronger, old);
        assert!(
            r.contains(&Rule::AssertionLoosened) || r.contains(&Rule::AssertionChanged),
            "{r:?}"
        );
    }
}
