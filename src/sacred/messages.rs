//! An assertion without its message: `assert_eq!(a, b, "cents")` and `assert_eq!(a, b)` check
//! the same thing, as do `t.Errorf("got %d", got)` and `t.Errorf("refund = %d", got)` under
//! the same `if`. Changing, adding or removing only the message is not a weakening.
//!
//! Works on the normalised assertion text (tokens without layout, as in the lock).

/// How many leading arguments of an assertion call carry meaning (the rest is a message).
#[expect(
    clippy::match_same_arms,
    reason = "one arm per runner and arity reads as a table"
)]
fn meaningful_args(callee: &str) -> Option<usize> {
    let last = callee.rsplit('.').next().unwrap_or(callee);
    let receiver = callee.rsplit_once('.').map(|(r, _)| r);
    Some(match (receiver, last) {
        // Rust
        (None, "assert!" | "debug_assert!" | "prop_assert!") => 1,
        (
            None,
            "assert_eq!" | "assert_ne!" | "debug_assert_eq!" | "debug_assert_ne!"
            | "prop_assert_eq!" | "prop_assert_ne!",
        ) => 2,
        // A call that always fails: all it is handed is its message (pytest's `pytrace` only
        // changes how the failure prints).
        (Some("self" | "pytest" | "assert"), "fail") => 0,
        // Python unittest
        (Some("self"), "assertTrue" | "assertFalse" | "assertIsNone" | "assertIsNotNone") => 1,
        (
            Some("self"),
            "assertEqual"
            | "assertNotEqual"
            | "assertIs"
            | "assertIsNot"
            | "assertIn"
            | "assertNotIn"
            | "assertIsInstance"
            | "assertNotIsInstance"
            | "assertGreater"
            | "assertGreaterEqual"
            | "assertLess"
            | "assertLessEqual"
            | "assertCountEqual"
            | "assertRegex"
            | "assertNotRegex"
            | "assertMultiLineEqual"
            | "assertSequenceEqual"
            | "assertListEqual"
            | "assertTupleEqual"
            | "assertSetEqual"
            | "assertDictEqual",
        ) => 2,
        // AVA
        (Some("t"), "true" | "false" | "truthy" | "falsy" | "assert") => 1,
        (
            Some("t"),
            "is" | "not" | "deepEqual" | "notDeepEqual" | "like" | "regex" | "notRegex",
        ) => 2,
        // node:assert
        (None, "assert") | (Some("assert"), "ok") => 1,
        (
            Some("assert"),
            "equal" | "strictEqual" | "deepEqual" | "deepStrictEqual" | "notEqual"
            | "notStrictEqual" | "notDeepEqual" | "notDeepStrictEqual" | "match" | "doesNotMatch",
        ) => 2,
        // chai's `expect(value, message)`
        (None, "expect") => 1,
        // testify: `t` first
        (
            Some("assert" | "require"),
            "True" | "False" | "Nil" | "NotNil" | "Empty" | "NotEmpty" | "NoError" | "Error"
            | "Zero" | "NotZero" | "Panics" | "NotPanics",
        ) => 2,
        (
            Some("assert" | "require"),
            "Equal" | "NotEqual" | "EqualValues" | "Exactly" | "Same" | "NotSame" | "Contains"
            | "NotContains" | "ElementsMatch" | "ErrorIs" | "ErrorAs" | "ErrorContains"
            | "EqualError" | "Greater" | "GreaterOrEqual" | "Less" | "LessOrEqual" | "Len"
            | "Subset" | "IsType" | "JSONEq" | "Regexp" | "Implements",
        ) => 3,
        (Some("assert" | "require"), "InDelta" | "InEpsilon" | "WithinDuration") => 4,
        _ => return None,
    })
}

/// Splits `s` at top-level commas (outside brackets and string literals).
pub(crate) fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '`' => quote = Some(c),
            '\'' if !s[..i].ends_with(|p: char| p.is_alphanumeric() || p == '_') => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// The characters of `s` outside string literals (delimited by one of `quotes`, with `\`
/// escapes; the delimiters are left out too), each with its byte offset and the bracket depth
/// after it (an opening bracket counts itself, a closing one is already outside).
pub(crate) fn outside_strings(s: &str, quotes: &[char]) -> Vec<(usize, char, i32)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if quotes.contains(&c) {
            quote = Some(c);
            continue;
        }
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        out.push((i, c, depth));
    }
    out
}

/// The index of the `)` that closes the `(` at `open`.
fn closing(s: &str, open: usize) -> Option<usize> {
    outside_strings(&s[open..], &['"', '`'])
        .into_iter()
        .find(|(_, c, depth)| matches!(c, ')' | ']' | '}') && *depth == 0)
        .map(|(i, _, _)| open + i)
}

/// Drops Python `msg=` keyword arguments.
fn without_msg_kwarg(args: Vec<&str>) -> Vec<&str> {
    args.into_iter()
        .filter(|a| !a.trim_start().starts_with("msg="))
        .collect()
}

/// The assertion text without its message.
pub fn without_message(text: &str) -> String {
    // Go: `if cond => t.Errorf(...)`: the reporter's arguments are its message.
    if let Some((cond, report)) = text.split_once(" => ") {
        if let Some((recv, rest)) = report.split_once('.') {
            let method = rest.split('(').next().unwrap_or(rest);
            let kind = match method {
                "Error" | "Errorf" => Some("Error"),
                "Fatal" | "Fatalf" => Some("Fatal"),
                _ => None,
            };
            if let Some(k) = kind
                && recv.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                return format!("{cond} => {recv}.{k}");
            }
        }
        return text.to_owned();
    }
    // Python: `assert cond, message`.
    if let Some(rest) = text.strip_prefix("assert ") {
        let parts = split_top(rest);
        return format!("assert {}", parts[0]);
    }
    let Some(open) = text.find('(') else {
        return text.to_owned();
    };
    let callee = &text[..open];
    let Some(close) = closing(text, open) else {
        return text.to_owned();
    };
    let Some(keep) = meaningful_args(callee) else {
        return text.to_owned();
    };
    let inner = &text[open + 1..close];
    let mut args = split_top(inner);
    if callee.starts_with("self.") {
        args = without_msg_kwarg(args);
    }
    args.truncate(keep);
    format!("{callee}({}){}", args.join(","), &text[close + 1..])
}

#[cfg(test)]
mod tests {
    use super::without_message as w;

    #[test]
    fn messages_are_dropped() {
        assert_eq!(w("assert_eq!(a,b,\"msg {}\",x)"), "assert_eq!(a,b)");
        assert_eq!(w("assert_eq!(a,b)"), "assert_eq!(a,b)");
        assert_eq!(w("assert!(x>0,\"never, ever\")"), "assert!(x>0)");
        assert_eq!(w("assert x==1,\"m\""), "assert x==1");
        assert_eq!(w("assert f(a,b)==1"), "assert f(a,b)==1");
        assert_eq!(
            w("self.assertEqual(a,b,msg=\"m\")"),
            "self.assertEqual(a,b)"
        );
        assert_eq!(w("self.assertEqual(a,b,\"m\")"), "self.assertEqual(a,b)");
        assert_eq!(
            w("self.assertAlmostEqual(a,b,places=2,msg=\"m\")"),
            "self.assertAlmostEqual(a,b,places=2,msg=\"m\")"
        );
        assert_eq!(w("t.is(a,1,\"msg\")"), "t.is(a,1)");
        assert_eq!(
            w("assert.strictEqual(a,1,\"m\")"),
            "assert.strictEqual(a,1)"
        );
        assert_eq!(w("expect(a,\"m\").to.equal(1)"), "expect(a).to.equal(1)");
        assert_eq!(w("expect(a).toBe(1)"), "expect(a).toBe(1)");
        assert_eq!(w("assert.Equal(t,1,got,\"msg\")"), "assert.Equal(t,1,got)");
        assert_eq!(
            w("if got!=1 => t.Errorf(\"got %d\",got)"),
            "if got!=1 => t.Error"
        );
        assert_eq!(w("if got!=1 => t.Fatal(\"x\")"), "if got!=1 => t.Fatal");
        assert_eq!(w("if got!=1 => helper(t)"), "if got!=1 => helper(t)");
        assert_eq!(w("self.fail(f\"bad {i}\")"), "self.fail()");
        assert_eq!(w("pytest.fail(\"bad\",pytrace=False)"), "pytest.fail()");
        assert_eq!(w("assert.fail(\"bad\")"), "assert.fail()");
        // The meaning stays: a different expected value is not a message.
        assert_ne!(w("assert_eq!(a,90,\"m\")"), w("assert_eq!(a,100)"));
    }
}
