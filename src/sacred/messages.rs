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

/// An assertion's text split into what it checks and its message.
struct Split<'a> {
    /// The text without the message.
    bare: String,
    /// The message's arguments, as written.
    message: Vec<&'a str>,
    /// Whether the message's arguments may be `name=value` keyword arguments (Python calls,
    /// Rust macros) rather than assignments (JavaScript).
    keywords: bool,
}

impl Split<'_> {
    fn whole(text: &str) -> Self {
        Split {
            bare: text.to_owned(),
            message: Vec::new(),
            keywords: false,
        }
    }
}

/// Splits the assertion `text` into what it checks and its message.
fn split(text: &str) -> Split<'_> {
    // Go: `if cond => t.Errorf(...)`: the reporter's arguments are its message.
    if let Some((cond, report)) = text.split_once(" => ") {
        if let Some((recv, rest)) = report.split_once('.') {
            let method = rest.split('(').next().unwrap_or(rest);
            // `Fatal` is `Error` that also stops the test: either way the test fails, and a
            // failed test stays failed whatever runs after (a later `t.Skip` included), so
            // the two check the same thing.
            let kind = match method {
                "Error" | "Errorf" | "Fatal" | "Fatalf" => Some("Error"),
                _ => None,
            };
            if let Some(k) = kind
                && recv.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                let message = rest
                    .find('(')
                    .and_then(|open| {
                        closing(rest, open).map(|close| split_top(&rest[open + 1..close]))
                    })
                    .unwrap_or_default();
                return Split {
                    bare: format!("{cond} => {recv}.{k}"),
                    message,
                    keywords: false,
                };
            }
        }
        return Split::whole(text);
    }
    // Python: `assert cond, message`.
    if let Some(rest) = text.strip_prefix("assert ") {
        let parts = split_top(rest);
        return Split {
            bare: format!("assert {}", parts[0]),
            message: parts[1..].to_vec(),
            keywords: false,
        };
    }
    let Some(open) = text.find('(') else {
        return Split::whole(text);
    };
    let callee = &text[..open];
    let Some(close) = closing(text, open) else {
        return Split::whole(text);
    };
    let Some(keep) = meaningful_args(callee) else {
        return Split::whole(text);
    };
    let inner = &text[open + 1..close];
    let mut args = split_top(inner);
    let mut message = Vec::new();
    let python = callee.starts_with("self.") || callee.starts_with("pytest.");
    if callee.starts_with("self.") {
        // Drops Python `msg=` keyword arguments.
        let (msg, rest): (Vec<&str>, Vec<&str>) = args
            .into_iter()
            .partition(|a| a.trim_start().starts_with("msg="));
        message.extend(msg);
        args = rest;
    }
    if args.len() > keep {
        message.extend(args.split_off(keep));
    }
    Split {
        bare: format!("{callee}({}){}", args.join(","), &text[close + 1..]),
        message,
        keywords: python || callee.ends_with('!'),
    }
}

/// The assertion text without its message.
pub fn without_message(text: &str) -> String {
    split(text).bare
}

/// What the message of the assertion `text` runs beyond reading values and formatting them:
/// each call, closure, block, assignment or other expression it cannot read as inert, as
/// written. An inert message is made of literals, names, attribute and field reads,
/// subscripts, list and tuple displays, `+` and `%` between them, f-strings, template literals
/// and `"…".format(…)` whose substitutions are inert, and Rust's `format!`-like macros with
/// inert arguments. A message can end a run (`os._exit(0)`, `pytest.skip()`,
/// `{ return; }`, `func() string { t.SkipNow(); return "" }()`) or change what is compared
/// when it is evaluated first (unittest's `msg=items.sort()`).
pub fn message_runs(text: &str) -> Vec<String> {
    let split = split(text);
    let mut out = Vec::new();
    for part in split.message {
        runs(part, split.keywords, &mut out);
    }
    out
}

/// Whether the message of `new` runs nothing the message of `old` does not (each of
/// [`message_runs`] counted as often as it is written) beyond calls the check of `new` makes
/// itself, as written (`if Total(nil) != 0 { t.Errorf("got %d", Total(nil)) }`): only then is
/// a change of the message alone the same check.
pub fn message_runs_no_more(old: &str, new: &str) -> bool {
    let mut old_runs = message_runs(old);
    let checked = without_message(new);
    message_runs(new).into_iter().all(|r| {
        if let Some(i) = old_runs.iter().position(|o| *o == r) {
            old_runs.swap_remove(i);
            return true;
        }
        made_by_the_check(&checked, &r)
    })
}

/// Whether `run` is a call chain (no block, closure or assignment) that `checked` makes as
/// written.
fn made_by_the_check(checked: &str, run: &str) -> bool {
    let b = run.as_bytes();
    if !b.first().is_some_and(|c| is_word(*c))
        || run.contains(['{', '=', '|'])
        || KEYWORDS.iter().any(|k| {
            run.starts_with(k) && !run.as_bytes().get(k.len()).is_some_and(|c| is_word(*c))
        })
    {
        return false;
    }
    checked.match_indices(run).any(|(at, _)| {
        !checked[..at]
            .bytes()
            .next_back()
            .is_some_and(|c| is_word(c) || c == b'.' || c == b':')
    })
}

/// A string literal in a message: where it ends (the byte after it), whether it is closed,
/// and its substitutions (`{…}` of a Python f-string, `${…}` of a template literal) as byte
/// ranges of their insides.
struct Literal {
    end: usize,
    closed: bool,
    subs: Vec<(usize, usize)>,
    fstring: bool,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// The string literal that starts at byte `i` of `s`, if one does: quotes `"`, `'` and `` ` ``,
/// Python's prefixes (`f`, `r`, `b`, `u`, `rb`, `fr` …) and triple quotes, Rust's raw
/// `r#"…"#`.
fn literal_at(s: &str, start: usize) -> Option<Literal> {
    let b = s.as_bytes();
    if start > 0 && is_word(b[start - 1]) {
        return None;
    }
    let mut quote_at = start;
    while quote_at < b.len() && b[quote_at].is_ascii_alphabetic() && quote_at - start < 2 {
        quote_at += 1;
    }
    let prefix = s[start..quote_at].to_ascii_lowercase();
    if !prefix.chars().all(|c| matches!(c, 'r' | 'b' | 'u' | 'f')) {
        return None;
    }
    let mut hashes = 0;
    if prefix.contains('r') {
        while b.get(quote_at) == Some(&b'#') {
            hashes += 1;
            quote_at += 1;
        }
    }
    let quote = *b.get(quote_at)?;
    if !matches!(quote, b'"' | b'\'' | b'`') || (quote == b'`' && !prefix.is_empty()) {
        return None;
    }
    let fstring = prefix.contains('f');
    let triple = hashes == 0 && quote != b'`' && b[quote_at..].starts_with(&[quote, quote, quote]);
    let open = if triple { 3 } else { 1 };
    let mut at = quote_at + open;
    let mut subs = Vec::new();
    while at < b.len() {
        let c = b[at];
        if hashes > 0 {
            if c == b'"'
                && b[at + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|h| **h == b'#')
                    .count()
                    == hashes
            {
                return Some(Literal {
                    end: at + 1 + hashes,
                    closed: true,
                    subs,
                    fstring,
                });
            }
            at += 1;
            continue;
        }
        if c == b'\\' {
            at += 2;
            continue;
        }
        let sub_open = if quote == b'`' && c == b'$' && b.get(at + 1) == Some(&b'{') {
            Some(at + 1)
        } else if fstring && c == b'{' {
            if b.get(at + 1) == Some(&b'{') {
                at += 2;
                continue;
            }
            Some(at)
        } else {
            None
        };
        if let Some(sub) = sub_open {
            let Some(close) = matching(s, sub) else {
                break;
            };
            subs.push((sub + 1, close));
            at = close + 1;
            continue;
        }
        if c == quote && (!triple || b[at..].starts_with(&[quote, quote, quote])) {
            return Some(Literal {
                end: at + open,
                closed: true,
                subs,
                fstring,
            });
        }
        at += 1;
    }
    Some(Literal {
        end: b.len(),
        closed: false,
        subs,
        fstring,
    })
}

/// The characters of `s` outside its string literals, each with its byte offset and the
/// bracket depth before it; `None` when a literal is not closed.
fn top_chars(s: &str) -> Option<Vec<(usize, u8, i32)>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0;
    let mut k = 0;
    while k < b.len() {
        if let Some(lit) = literal_at(s, k) {
            if !lit.closed {
                return None;
            }
            k = lit.end;
            continue;
        }
        let c = b[k];
        out.push((k, c, depth));
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            _ => {}
        }
        k += 1;
    }
    Some(out)
}

/// The byte of the bracket that closes the one at `open` (string literals skipped).
fn matching(s: &str, open: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0;
    let mut k = open;
    while k < b.len() {
        if k > open
            && let Some(lit) = literal_at(s, k)
        {
            if !lit.closed {
                return None;
            }
            k = lit.end;
            continue;
        }
        match b[k] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
        k += 1;
    }
    None
}

/// Words that are not names a message reads.
const KEYWORDS: &[&str] = &[
    "await", "yield", "return", "lambda", "new", "typeof", "void", "delete", "throw", "async",
    "func", "fn", "move", "loop", "match", "if", "else", "not", "and", "or", "in", "is", "go",
    "defer", "unsafe", "break", "continue", "panic",
];

/// Rust macros that only format their (inert) arguments.
const FORMAT_MACROS: &[&str] = &[
    "format",
    "format_args",
    "concat",
    "stringify",
    "line",
    "column",
    "file",
    "module_path",
];

/// Collects into `out` what the message expression `e` runs (see [`message_runs`]).
fn runs(e: &str, keywords: bool, out: &mut Vec<String>) {
    let e = e.trim();
    if e.is_empty() {
        return;
    }
    let Some(top) = top_chars(e) else {
        out.push(e.to_owned());
        return;
    };
    let level: Vec<(usize, u8)> = top
        .iter()
        .filter(|(_, _, d)| *d == 0)
        .map(|(i, c, _)| (*i, *c))
        .collect();
    // Several arguments, a tuple's items.
    if level.iter().any(|(_, c)| *c == b',') {
        for part in split_at(e, &level, |c| c == b',') {
            runs(part, keywords, out);
        }
        return;
    }
    // A keyword argument (`msg=…`, Rust's `name = value`).
    if keywords {
        let name_end = e
            .bytes()
            .position(|c| !(c.is_ascii_alphanumeric() || c == b'_'))
            .unwrap_or(e.len());
        if name_end > 0 && e[name_end..].starts_with('=') && !e[name_end..].starts_with("==") {
            runs(&e[name_end + 1..], keywords, out);
            return;
        }
    }
    // Concatenation and `%` formatting.
    if level.iter().any(|(_, c)| matches!(c, b'+' | b'%')) {
        let parts = split_at(e, &level, |c| matches!(c, b'+' | b'%'));
        if parts.iter().any(|p| p.trim().is_empty()) {
            out.push(e.to_owned());
            return;
        }
        for part in parts {
            runs(part, keywords, out);
        }
        return;
    }
    if !inert_chain(e, keywords, out) {
        out.push(e.to_owned());
    }
}

/// `e` split at the top-level characters of `level` that `at` picks.
fn split_at<'a>(e: &'a str, level: &[(usize, u8)], at: impl Fn(u8) -> bool) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in level {
        if at(*c) {
            parts.push(&e[start..*i]);
            start = i + 1;
        }
    }
    parts.push(&e[start..]);
    parts
}

/// The substitution `sub` of a Python f-string: the expression, then `=`, `!r` or a `:spec`
/// whose own `{…}` are substitutions too.
fn fstring_substitution(sub: &str, out: &mut Vec<String>) {
    let Some(top) = top_chars(sub) else {
        out.push(sub.to_owned());
        return;
    };
    let b = sub.as_bytes();
    let end = top
        .iter()
        .find(|(i, c, d)| *d == 0 && (*c == b':' || (*c == b'!' && b.get(i + 1) != Some(&b'='))))
        .map_or(sub.len(), |(i, _, _)| *i);
    let mut expr = sub[..end].trim_end();
    if let Some(e) = expr.strip_suffix('=')
        && !e.ends_with(['=', '!', '<', '>'])
    {
        expr = e;
    }
    runs(expr, false, out);
    let spec = &sub[end..];
    let mut k = 0;
    while let Some(at) = spec[k..].find('{') {
        let open = k + at;
        let Some(close) = matching(spec, open) else {
            out.push(spec.to_owned());
            return;
        };
        runs(&spec[open + 1..close], false, out);
        k = close + 1;
    }
}

/// Whether `e` is an inert primary (literals, a name, a bracketed inert expression, a Rust
/// formatting macro) followed by field reads and subscripts; what its substitutions and
/// brackets run is collected into `out`.
fn inert_chain(e: &str, keywords: bool, out: &mut Vec<String>) -> bool {
    let b = e.as_bytes();
    let mut k = 0;
    if b[0] == b'&' {
        k = 1;
    }
    if b.get(k) == Some(&b'-') && b.get(k + 1).is_some_and(u8::is_ascii_digit) {
        k += 1;
    }
    let mut string_primary = false;
    if k >= b.len() {
        return false;
    }
    if let Some(mut lit) = literal_at(e, k) {
        // Python's implicit concatenation: `"a" "b"`.
        loop {
            if !lit.closed {
                return false;
            }
            for (from, to) in &lit.subs {
                if lit.fstring {
                    fstring_substitution(&e[*from..*to], out);
                } else {
                    runs(&e[*from..*to], false, out);
                }
            }
            k = lit.end;
            match literal_at(e, k) {
                Some(next) => lit = next,
                None => break,
            }
        }
        string_primary = true;
    } else if matches!(b[k], b'(' | b'[') {
        let Some(close) = matching(e, k) else {
            return false;
        };
        runs(&e[k + 1..close], keywords, out);
        k = close + 1;
    } else {
        let start = k;
        while k < b.len() && is_word(b[k]) {
            k += 1;
        }
        let word = &e[start..k];
        if word.is_empty() || KEYWORDS.contains(&word) {
            return false;
        }
        if e[k..].starts_with("!(") && FORMAT_MACROS.contains(&word) {
            let Some(close) = matching(e, k + 1) else {
                return false;
            };
            runs(&e[k + 2..close], true, out);
            k = close + 1;
        }
    }
    while k < b.len() {
        let rest = &e[k..];
        if rest.starts_with("::") || rest.starts_with("?.") || rest.starts_with('.') {
            k += if rest.starts_with('.') { 1 } else { 2 };
            let start = k;
            while k < b.len() && is_word(b[k]) {
                k += 1;
            }
            if k == start {
                return false;
            }
            if string_primary && &e[start..k] == "format" && e[k..].starts_with('(') {
                let Some(close) = matching(e, k) else {
                    return false;
                };
                runs(&e[k + 1..close], true, out);
                k = close + 1;
            }
        } else if rest.starts_with('[') {
            let Some(close) = matching(e, k) else {
                return false;
            };
            runs(&e[k + 1..close], keywords, out);
            k = close + 1;
        } else {
            return false;
        }
        string_primary = false;
    }
    true
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
        assert_eq!(w("if got!=1 => t.Fatal(\"x\")"), "if got!=1 => t.Error");
        // Another receiver or condition is another check.
        assert_ne!(
            w("if got!=1 => t.Fatal(\"x\")"),
            w("if got!=2 => t.Error(\"x\")")
        );
        assert_ne!(
            w("if got!=1 => t.Fatal(\"x\")"),
            w("if got!=1 => b.Error(\"x\")")
        );
        assert_eq!(w("if got!=1 => helper(t)"), "if got!=1 => helper(t)");
        assert_eq!(w("self.fail(f\"bad {i}\")"), "self.fail()");
        assert_eq!(w("pytest.fail(\"bad\",pytrace=False)"), "pytest.fail()");
        assert_eq!(w("assert.fail(\"bad\")"), "assert.fail()");
        // The meaning stays: a different expected value is not a message.
        assert_ne!(w("assert_eq!(a,90,\"m\")"), w("assert_eq!(a,100)"));
    }

    #[test]
    fn inert_messages_run_nothing() {
        for text in [
            "assert total([1,2,3])==6,f\"got {x!r:>{w}} {{lit}} {a['k']}\"\"more\"",
            "assert total([1])==1,\"%s and %d\"%(a,b.c)",
            "assert total([1])==1,\"\"\"tri\"ple\"\"\"",
            "assert t==6,f\"six cents, got {t}\"",
            "self.assertEqual(a,b,msg=\"m\")",
            "self.fail(\"bad index {}\".format(i))",
            "t.deepEqual(items,[1,2,3],`items: ${a?.b} ${c[0]}`)",
            "assert_eq!(total(&[1,2,3]),6,r#\"a{}\"#,format!(\"{x}\",x=a.0),y=&b[1])",
            "assert_eq!(t,6,\"six cents, got {}\",t)",
            "if _l1!=6 => t.Errorf(\"Total() = %d, want %d\",_l1,6)",
            "assert.Equal(t,6,v,\"six cents\")",
            "t.is(refund(10),10,'ten cents')",
        ] {
            assert_eq!(super::message_runs(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn messages_that_run_code_are_not_inert() {
        for (text, run) in [
            ("assert total([1,2,3])==6,os._exit(0)", "os._exit(0)"),
            (
                "assert total([1,2,3])==6,pytest.skip(\"ledger\")",
                "pytest.skip(\"ledger\")",
            ),
            (
                "assert_eq!(total(&[1,2,3]),6,\"{}\",{std::process::exit(0)\"\"})",
                "{std::process::exit(0)\"\"}",
            ),
            ("assert_eq!(total(&[1,2,3]),6,\"{}\",{return})", "{return}"),
            (
                "if _l1!=6 => t.Errorf(\"want 6%s\",_l1,func()string{t.SkipNow()return\"\"}())",
                "func()string{t.SkipNow()return\"\"}()",
            ),
            (
                "self.assertEqual(items,[1,2,3],msg=items.sort())",
                "items.sort()",
            ),
            (
                "t.deepEqual(items,[1,2,3],`items: ${items.sort()}`)",
                "items.sort()",
            ),
            ("assert x,f\"{(y:=1)}\"", "y:=1"),
            ("assert x,f\"{y!r:{f()}}\"", "f()"),
            ("t.is(a,1,msg=b)", "msg=b"),
            ("assert x,yield", "yield"),
            ("assert x,a++", "a++"),
        ] {
            assert_eq!(super::message_runs(text), vec![run.to_owned()], "{text}");
        }
        assert!(super::message_runs_no_more(
            "assert.fail('refund '+refund(100))",
            "assert.fail(`refund was ${refund(100)}`)"
        ));
        assert!(!super::message_runs_no_more(
            "assert.fail('refund '+refund(100))",
            "assert.fail(`${refund(100)}${refund(100)}`)"
        ));
        // A call the check makes itself.
        assert!(super::message_runs_no_more(
            "if Total(nil)!=0 => t.Error(\"not zero\")",
            "if Total(nil)!=0 => t.Errorf(\"Total(nil) = %d\",Total(nil))"
        ));
        assert!(!super::message_runs_no_more(
            "if x.Total(nil)!=0 => t.Error(\"not zero\")",
            "if x.Total(nil)!=0 => t.Errorf(\"%d\",Total(nil))"
        ));
        assert!(!super::message_runs_no_more(
            "self.assertEqual(items,[1,2,3])",
            "self.assertEqual(items,[1,2,3],msg=items.sort())"
        ));
    }
}
