//! Python string literals read by their value: `"a\x1A" "b"`, `"a\x1ab"`, `'a\x1a' 'b'` and
//! `"""a\x1ab"""` are the same string, which formatters respell (ruff writes hex escapes in
//! lower case; black and ruff join or split implicitly concatenated strings). In the modern
//! reading of a Python test (`super::modern`), a literal, or an implicit concatenation of
//! literals, reads as one canonical literal of its value: double quotes, `\\`, `\"`, `\n`,
//! `\r`, `\t`, other control characters as `\xhh`, every other character as itself (in bytes,
//! those above `\x7f` as `\xhh`), `b` for bytes and no other prefix.
//!
//! **Invariant:** only a literal whose value the text alone decides: no `f`/`t` prefix (an
//! f-string runs code), no `\N{…}` (its value needs Unicode's names), an octal escape within
//! range, and a concatenation of parts all `str` or all `bytes` (Python refuses to mix them).
//! Escapes are decoded as Python's lexer does (a raw literal keeps its backslashes, an
//! unknown escape keeps its backslash, a backslash before a line break joins the lines).

use tree_sitter::Node;

use super::analysis::{kind, named_children, text};

/// The canonical literal of a Python `string` or `concatenated_string` node, when its value
/// is decided by its text (see the module's invariant).
pub(crate) fn canonical(node: Node<'_>, src: &str) -> Option<String> {
    let (bytes, value) = match kind(node) {
        "string" => decode(text(node, src))?,
        "concatenated_string" => {
            let mut bytes = None;
            let mut value = Vec::new();
            for part in named_children(node) {
                if kind(part) == "comment" {
                    continue;
                }
                if kind(part) != "string" {
                    return None;
                }
                let (b, v) = decode(text(part, src))?;
                if bytes.is_some_and(|was| was != b) {
                    return None;
                }
                bytes = Some(b);
                value.extend(v);
            }
            (bytes?, value)
        }
        _ => return None,
    };
    Some(encode(bytes, &value))
}

/// Whether the canonical literal differs from the text as the main reading reads it (in
/// one quote style, `super::analysis::canonical_literal`).
pub(crate) fn reads_otherwise(node: Node<'_>, src: &str) -> bool {
    matches!(kind(node), "string" | "concatenated_string")
        && canonical(node, src).is_some_and(|c| {
            kind(node) == "concatenated_string"
                || c != super::analysis::canonical_literal("string", text(node, src))
        })
}

/// A literal's bytes-ness and value (code points; bytes for a `bytes` literal).
fn decode(literal: &str) -> Option<(bool, Vec<u32>)> {
    let body = literal.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let prefix = literal[..literal.len() - body.len()].to_ascii_lowercase();
    if !prefix.chars().all(|c| matches!(c, 'r' | 'b' | 'u')) {
        return None;
    }
    let (raw, bytes) = (prefix.contains('r'), prefix.contains('b'));
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| body.starts_with(q) && body.len() >= 2 * q.len() && body.ends_with(q))?;
    let inner = &body[quote.len()..body.len() - quote.len()];
    // A bytes literal holds ASCII characters only.
    if bytes && !inner.is_ascii() {
        return None;
    }
    if raw {
        return Some((bytes, inner.chars().map(u32::from).collect()));
    }
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(u32::from(c));
            continue;
        }
        let e = chars.next()?;
        let simple = match e {
            '\n' => Some(None),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                Some(None)
            }
            '\\' | '\'' | '"' => Some(Some(u32::from(e))),
            'a' => Some(Some(7)),
            'b' => Some(Some(8)),
            'f' => Some(Some(12)),
            'n' => Some(Some(10)),
            'r' => Some(Some(13)),
            't' => Some(Some(9)),
            'v' => Some(Some(11)),
            _ => None,
        };
        if let Some(v) = simple {
            out.extend(v);
            continue;
        }
        let mut digits = |first: Option<char>, radix: u32, at_least: usize, at_most: usize| {
            let mut s: String = first.into_iter().collect();
            while s.len() < at_most && chars.peek().is_some_and(|d| d.is_digit(radix)) {
                s.extend(chars.next());
            }
            (s.len() >= at_least)
                .then(|| u32::from_str_radix(&s, radix).ok())
                .flatten()
        };
        match e {
            '0'..='7' => {
                let v = digits(Some(e), 8, 1, 3)?;
                if bytes && v > 0xff {
                    return None;
                }
                out.push(v);
            }
            'x' => out.push(digits(None, 16, 2, 2)?),
            'u' if !bytes => out.push(digits(None, 16, 4, 4)?),
            'U' if !bytes => {
                let v = digits(None, 16, 8, 8)?;
                if v > 0x10_ffff {
                    return None;
                }
                out.push(v);
            }
            'N' if !bytes => return None,
            // An unknown escape keeps its backslash.
            _ => out.extend([u32::from('\\'), u32::from(e)]),
        }
    }
    Some((bytes, out))
}

/// The canonical literal of a value.
fn encode(bytes: bool, value: &[u32]) -> String {
    let mut out = String::from(if bytes { "b\"" } else { "\"" });
    for v in value {
        match *v {
            0x5c => out.push_str("\\\\"),
            0x22 => out.push_str("\\\""),
            0x0a => out.push_str("\\n"),
            0x0d => out.push_str("\\r"),
            0x09 => out.push_str("\\t"),
            v if v < 0x20 || v == 0x7f || (0x80..0xa0).contains(&v) || (bytes && v > 0x7f) => {
                out.push_str(&format!("\\x{v:02x}"));
            }
            v => match char::from_u32(v) {
                Some(c) => out.push(c),
                // A lone surrogate.
                None => out.push_str(&format!("\\u{v:04x}")),
            },
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    fn read(literal: &str) -> Option<String> {
        decode(literal).map(|(b, v)| encode(b, &v))
    }

    #[test]
    fn one_value_one_literal() {
        for (a, b) in [
            (r#""a\x1A""#, r#""a\x1a""#),
            (r"'q'", r#""q""#),
            (r#"'say "hi"'"#, r#""say \"hi\"""#),
            (r#""it's""#, r"'it\'s'"),
            ("\"\"\"a\nb\"\"\"", r#""a\nb""#),
            (r#""\u00e9""#, "\"é\""),
            (r#""\101""#, r#""A""#),
            (r#"r"\d+""#, r#""\\d+""#),
            (r"b'\x41'", r#"b"A""#),
            (r#"u"x""#, r#""x""#),
            (r#""\q""#, r#""\\q""#),
            ("\"a\\\nb\"", r#""ab""#),
        ] {
            assert_eq!(read(a), read(b), "{a} and {b}");
            assert!(read(a).is_some(), "{a}");
        }
    }

    #[test]
    fn other_values_or_undecidable_literals_stay_apart() {
        for (a, b) in [
            (r#""a\x1A""#, r#""a\x1b""#),
            (r#"b"A""#, r#""A""#),
            (r#"r"\n""#, r#""\n""#),
        ] {
            assert_ne!(read(a), read(b), "{a} and {b}");
        }
        assert_eq!(read(r#"b"\u0041""#), read(r#"b"\\u0041""#));
        for undecided in [
            r#"f"{x}""#,
            r#""\N{BULLET}""#,
            r#""\x4""#,
            "b\"é\"",
            r#"b"\777""#,
        ] {
            assert_eq!(read(undecided), None, "{undecided}");
        }
    }
}
