//! The same check spelled another way: unittest's assertion methods.
//!
//! `self.assertTrue("nonce" in parsed)` and `self.assertIn("nonce", parsed)` fail on exactly
//! the same values (the second only says more when it fails); linters and review rewrite the
//! first into the second. Each unittest assertion is read as a comparison of its arguments
//! (`in`, `==`, `is`, `isinstance`, …), from the method's name or from the one expression
//! `assertTrue`/`assertFalse` is handed, and two assertions that read as the same comparison
//! of the same operands (as written, normalised) are the same check. One rewrite is stronger,
//! not the same, and is accepted one way only: `assertEqual(x, None)` → `assertIsNone(x)`
//! (`is None` implies `== None`).
//!
//! Only exact equivalences are listed: `assertFalse(a == b)` is not `assertNotEqual(a, b)` (a
//! class may define `__ne__` apart from `__eq__`), `assertTrue(x)` is not `assertIs(x,
//! True)`, and a plain `assert` is not a unittest method (`python -O` strips it). Messages are
//! left out before comparing (see [`super::messages::without_message`]).

use super::messages::{outside_strings, split_top};

/// A unittest assertion read as a comparison: its kind and its operands as written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Form {
    kind: &'static str,
    operands: Vec<String>,
}

/// Whether the assertion `new` checks what `old` checks, or more (texts normalised, without
/// their messages).
pub fn same_or_stronger(old: &str, new: &str) -> bool {
    // A plain `assert` turned into a unittest method checks the same and is not stripped by
    // `python -O`: stronger. The other way round is not accepted.
    let a = form(old).or_else(|| {
        let e = old.strip_prefix("assert ")?;
        (split_top(e).len() == 1).then(|| expression(e, true).map(none_forms))?
    });
    let (Some(a), Some(b)) = (a, form(new)) else {
        return false;
    };
    if a == b {
        return true;
    }
    // `assertEqual(x, None)` (or `(None, x)`) → `assertIsNone(x)`.
    a.kind == "=="
        && b.kind == "is None"
        && a.operands.len() == 2
        && a.operands.iter().any(|o| o == "None")
        && a.operands
            .iter()
            .filter(|o| *o != "None")
            .eq(b.operands.iter())
}

/// Reads `self.assertX(…)` (nothing after its closing parenthesis).
fn form(text: &str) -> Option<Form> {
    let rest = text.strip_prefix("self.")?;
    let open = rest.find('(')?;
    let method = &rest[..open];
    let inner = rest[open + 1..].strip_suffix(')')?;
    let mut args: Vec<String> = split_top(inner)
        .into_iter()
        .map(|a| a.trim().to_owned())
        .collect();
    // A trailing comma (`assertLess(a, b,)`, as black writes a call split over lines).
    if args.len() > 1 && args.last().is_some_and(String::is_empty) {
        args.pop();
    }
    // A message: `msg=` or an argument past the method's own.
    args.retain(|a| !a.starts_with("msg="));
    let two = |kind: &'static str| -> Option<Form> {
        (args.len() == 2).then(|| Form {
            kind,
            operands: args.clone(),
        })
    };
    let form = match method {
        "assertEqual" | "assertEquals" | "failUnlessEqual" => two("==")?,
        "assertNotEqual" | "assertNotEquals" | "failIfEqual" => two("!=")?,
        "assertIn" => two("in")?,
        "assertNotIn" => two("not in")?,
        "assertIs" => two("is")?,
        "assertIsNot" => two("is not")?,
        "assertIsInstance" => two("isinstance")?,
        "assertNotIsInstance" => two("not isinstance")?,
        "assertGreater" => two(">")?,
        "assertGreaterEqual" => two(">=")?,
        "assertLess" => two("<")?,
        "assertLessEqual" => two("<=")?,
        "assertIsNone" if args.len() == 1 => Form {
            kind: "is None",
            operands: args.clone(),
        },
        "assertIsNotNone" if args.len() == 1 => Form {
            kind: "is not None",
            operands: args.clone(),
        },
        "assertTrue" | "assert_" | "failUnless" if args.len() == 1 => expression(&args[0], true)?,
        "assertFalse" | "failIf" if args.len() == 1 => expression(&args[0], false)?,
        _ => return None,
    };
    Some(none_forms(form))
}

/// `is None` written with `assertIs`: `assertIs(x, None)`, `assertIs(None, x)`.
fn none_forms(f: Form) -> Form {
    let kind = match f.kind {
        "is" => "is None",
        "is not" => "is not None",
        _ => return f,
    };
    match f.operands.iter().position(|o| o == "None") {
        Some(i) if f.operands.len() == 2 => Form {
            kind,
            operands: vec![f.operands[1 - i].clone()],
        },
        _ => f,
    }
}

/// The comparison an expression handed to `assertTrue` (`truthy`) or `assertFalse` is: one
/// top-level comparison operator, or a whole `isinstance(a, b)` call; `None` otherwise.
fn expression(e: &str, truthy: bool) -> Option<Form> {
    // `not X` (nothing looser at the top of X): `assertTrue(not X)` is `assertFalse(X)`.
    if let Some(rest) = e.strip_prefix("not")
        && rest.starts_with(|c: char| !(c.is_alphanumeric() || c == '_'))
        && !looser_than_not(rest)
    {
        return expression(rest.trim(), !truthy);
    }
    if let Some(args) = e
        .strip_prefix("isinstance(")
        .and_then(|r| r.strip_suffix(')'))
        .filter(|r| closes_at_end(r))
    {
        let ops: Vec<String> = split_top(args)
            .into_iter()
            .map(|a| a.trim().to_owned())
            .collect();
        return (ops.len() == 2).then_some(Form {
            kind: if truthy {
                "isinstance"
            } else {
                "not isinstance"
            },
            operands: ops,
        });
    }
    let Some((at, len, op)) = single_comparison(e) else {
        // Any other expression: its truth.
        return (!looser_than_not(e) || e.is_empty())
            .then(|| Form {
                kind: if truthy { "true" } else { "false" },
                operands: vec![e.to_owned()],
            })
            .filter(|_| !e.is_empty());
    };
    let kind: &'static str = match (op, truthy) {
        ("==", true) => "==",
        ("!=", true) => "!=",
        ("in", true) => "in",
        ("not in", true) | ("in", false) => "not in",
        ("is", true) => "is",
        ("is not", true) | ("is", false) => "is not",
        (">", true) => ">",
        (">=", true) => ">=",
        ("<", true) => "<",
        ("<=", true) => "<=",
        _ => return None,
    };
    Some(Form {
        kind,
        operands: vec![
            without_parens(e[..at].trim()),
            without_parens(e[at + len..].trim()),
        ],
    })
}

/// An operand without the parentheses that only group it (`(a - b) < c` is normalised with
/// them, `assertLess(a - b, c)` without): not a tuple's.
fn without_parens(o: &str) -> String {
    if let Some(inner) = o.strip_prefix('(').and_then(|r| r.strip_suffix(')'))
        && closes_at_end(inner)
        && !inner.is_empty()
        && split_top(inner).len() == 1
    {
        return without_parens(inner.trim());
    }
    o.to_owned()
}

/// Whether `e` has `and`, `or`, a conditional or a lambda at its top (outside brackets and
/// strings), which bind looser than `not`.
fn looser_than_not(e: &str) -> bool {
    let bytes = e.as_bytes();
    let word = |i: usize| {
        bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    outside_strings(e, &['"', '\''])
        .into_iter()
        .any(|(i, c, depth)| {
            depth == 0
                && !matches!(c, ')' | ']' | '}')
                && (i == 0 || !word(i - 1))
                && ["and", "or", "if", "lambda"]
                    .iter()
                    .any(|k| e[i..].starts_with(k) && !word(i + k.len()))
        })
}

/// Whether the parentheses of `r` (an argument list without its closing parenthesis) are
/// balanced: `isinstance(a, b) and f(c)` is not one call.
fn closes_at_end(r: &str) -> bool {
    let chars = outside_strings(r, &['"', '\'']);
    chars.iter().all(|(_, _, depth)| *depth >= 0) && chars.last().is_none_or(|(_, _, d)| *d == 0)
}

/// The one comparison operator at the top of `e` (outside brackets and strings): its byte
/// offset, length and spelling. `None` when there is none, more than one (a chain), or a
/// boolean operator, conditional or lambda at the top (which binds looser).
fn single_comparison(e: &str) -> Option<(usize, usize, &'static str)> {
    let bytes = e.as_bytes();
    let word = |i: usize| {
        bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    let keyword_at =
        |i: usize, k: &str| e[i..].starts_with(k) && (i == 0 || !word(i - 1)) && !word(i + k.len());
    // The offset of the next word after the one of `len` bytes at `i`.
    let next_word = |i: usize, len: usize| {
        let rest = &e[i + len..];
        i + len + (rest.len() - rest.trim_start().len())
    };
    let mut found: Option<(usize, usize, &'static str)> = None;
    let mut resume = 0;
    for (i, c, depth) in outside_strings(e, &['"', '\'']) {
        if i < resume || depth != 0 || matches!(c, ')' | ']' | '}') {
            continue;
        }
        if ["and", "or", "if", "lambda", "for"]
            .iter()
            .any(|k| keyword_at(i, k))
        {
            return None;
        }
        let op: Option<(usize, &'static str)> = if keyword_at(i, "not") {
            // `not in` is a comparison; any other `not` binds looser.
            let j = next_word(i, 3);
            if !keyword_at(j, "in") {
                return None;
            }
            Some((j + 2 - i, "not in"))
        } else if keyword_at(i, "is") {
            let j = next_word(i, 2);
            if keyword_at(j, "not") {
                Some((j + 3 - i, "is not"))
            } else {
                Some((2, "is"))
            }
        } else if keyword_at(i, "in") {
            Some((2, "in"))
        } else if let Some(op) = ["==", "!=", ">=", "<="]
            .into_iter()
            .find(|op| e[i..].starts_with(op))
        {
            Some((2, op))
        } else if e[i..].starts_with("<<") || e[i..].starts_with(">>") {
            resume = i + 2;
            continue;
        } else if c == '>' {
            Some((1, ">"))
        } else if c == '<' {
            Some((1, "<"))
        } else {
            None
        };
        if let Some((len, op)) = op {
            if found.is_some() {
                return None;
            }
            found = Some((i, len, op));
            resume = i + len;
        }
    }
    found.filter(|(at, len, _)| *at > 0 && at + len < e.len())
}

#[cfg(test)]
mod tests {
    use super::same_or_stronger as same;

    #[test]
    fn unittest_spellings_of_one_comparison_are_the_same_check() {
        for (old, new) in [
            (
                "self.assertTrue(\"nonce\"in parsed)",
                "self.assertIn(\"nonce\",parsed)",
            ),
            (
                "self.assertTrue(\"a\" not in s)",
                "self.assertNotIn(\"a\",s)",
            ),
            ("self.assertFalse(\"a\"in s)", "self.assertNotIn(\"a\",s)"),
            ("self.assertTrue(a==b)", "self.assertEqual(a,b)"),
            ("self.assertTrue(a!=f(b))", "self.assertNotEqual(a,f(b))"),
            ("self.assertIs(x,None)", "self.assertIsNone(x)"),
            ("self.assertIs(None,x)", "self.assertIsNone(x)"),
            ("self.assertTrue(x is None)", "self.assertIsNone(x)"),
            ("self.assertFalse(x is None)", "self.assertIsNotNone(x)"),
            ("self.assertTrue(x is not None)", "self.assertIsNotNone(x)"),
            (
                "self.assertTrue(isinstance(e,ValueError))",
                "self.assertIsInstance(e,ValueError)",
            ),
            (
                "self.assertFalse(isinstance(e,ValueError))",
                "self.assertNotIsInstance(e,ValueError)",
            ),
            (
                "self.assertTrue(len(xs)>2)",
                "self.assertGreater(len(xs),2)",
            ),
            ("self.assertTrue(n<=limit)", "self.assertLessEqual(n,limit)"),
            ("self.assertTrue((d-t)<x)", "self.assertLess(d-t,x)"),
            (
                "self.assertTrue(d-now()<delta(2))",
                "self.assertLess(d-now(),delta(2),)",
            ),
            // A stronger check: `is None` implies `== None`.
            ("self.assertEqual(result,None)", "self.assertIsNone(result)"),
            (
                "self.assertEqual(None,decoded)",
                "self.assertIsNone(decoded)",
            ),
            // `not`, and a plain `assert` turned into a unittest method.
            ("self.assertTrue(not data)", "self.assertFalse(data)"),
            (
                "self.assertTrue(not is_valid_ip(\"a\"*100))",
                "self.assertFalse(is_valid_ip(\"a\"*100))",
            ),
            ("self.assertTrue(not a in b)", "self.assertNotIn(a,b)"),
            ("assert header is not None", "self.assertIsNotNone(header)"),
            ("assert a==b", "self.assertEqual(a,b)"),
        ] {
            assert!(same(old, new), "{old} → {new}");
        }
    }

    #[test]
    fn other_rewrites_are_not_the_same_check() {
        for (old, new) in [
            // Other operands, order, or operator.
            (
                "self.assertTrue(\"nonce\"in parsed)",
                "self.assertIn(\"nonce\",other)",
            ),
            ("self.assertTrue(a in b)", "self.assertIn(b,a)"),
            ("self.assertTrue(a<b)", "self.assertLessEqual(a,b)"),
            // Weaker, or not an exact equivalence.
            ("self.assertIsNone(result)", "self.assertEqual(result,None)"),
            ("self.assertFalse(a==b)", "self.assertNotEqual(a,b)"),
            ("self.assertIs(x,True)", "self.assertTrue(x)"),
            ("self.assertEqual(x,True)", "self.assertTrue(x)"),
            // Not one comparison: a chain, a boolean operator, a conditional.
            ("self.assertTrue(a<b<c)", "self.assertLess(a,b<c)"),
            ("self.assertTrue(a in b and c)", "self.assertIn(a,b and c)"),
            ("self.assertTrue(a in b or c)", "self.assertIn(a,b or c)"),
            ("self.assertTrue(not a in b)", "self.assertIn(a,b)"),
            ("self.assertTrue(not a or b)", "self.assertFalse(a or b)"),
            ("self.assertTrue(not a)", "self.assertTrue(a)"),
            // A unittest method turned into a plain `assert` (stripped by `python -O`), an
            // `assert` with a message, other checks.
            ("self.assertIsNotNone(header)", "assert header is not None"),
            ("assert a==b", "self.assertEqual(b,a)"),
            ("assert x", "self.assertIsNotNone(x)"),
            (
                "self.assertTrue(isinstance(a,b)and c)",
                "self.assertIsInstance(a,b)",
            ),
            // A tuple's parentheses are not grouping ones; `(f)(x)` is a call.
            ("self.assertTrue((a,b)==c)", "self.assertEqual(a,b,c)"),
            ("self.assertTrue((f)(x)==c)", "self.assertEqual(f(x),c)"),
            // Operators inside strings or brackets are not the comparison.
            (
                "self.assertTrue(f(\"a==b\"))",
                "self.assertEqual(f(\"a\",\"b\"))",
            ),
            // Something after the call.
            ("self.assertTrue(a in b).x", "self.assertIn(a,b)"),
        ] {
            assert!(!same(old, new), "{old} → {new}");
        }
    }

    /// A test of a unittest class whose checks are `asserts` after `response = fetch()`.
    fn case(asserts: &str) -> String {
        format!(
            "import unittest\n\n\n# gatekeeper:sacred\nclass TestFetch(unittest.TestCase):\n    def test_times(self):\n        response = fetch()\n{asserts}        self.assertLess(response.request_time, 1.0)\n"
        )
    }

    #[test]
    fn a_plain_assert_turned_into_a_unittest_method_is_accepted_in_the_test_body() {
        use crate::sacred::rules::Rule;
        use crate::sacred::rules::testing::rules_with_base;
        let path = "tests/test_fetch.py";
        let plain = case("        assert response.request_time is not None\n");
        let method = case("        self.assertIsNotNone(response.request_time)\n");
        let rules = rules_with_base(path, &plain, &plain, &method);
        assert_eq!(rules, Vec::<Rule>::new());
        // Not the other way, nor with a statement put before the locked checks.
        let rules = rules_with_base(path, &method, &method, &plain);
        assert!(!rules.is_empty(), "{rules:?}");
        let moved = case(
            "        self.assertIsNotNone(response.request_time)\n        response = fake()\n",
        );
        let rules = rules_with_base(path, &plain, &plain, &moved);
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
    }
}
