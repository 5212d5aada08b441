//! Python strings formatted three ways: `"Tornado/{}".format(version)`, `"Tornado/%s" %
//! (version,)` and `f"Tornado/{version}"` make the same string (pyupgrade rewrites the first two
//! into the third). A Python test is also read with each of the first two written as the
//! f-string it makes, and a locked test that this reading matches, or whose base revision read
//! so matches the test, is intact.
//!
//! **Invariant:** only what makes the same string is rewritten, from arguments evaluated once
//! each in the same order:
//!
//! - `.format` on one plain string literal (no prefix, no implicit concatenation), with
//!   positional arguments only, each used exactly once and in order (`{}` or `{0}`, `{1}`, …),
//!   a field being an index with an optional conversion (`!r`, `!s`, `!a`) and a format
//!   specification without nested fields;
//! - `%` between one plain string literal and a parenthesised tuple with as many elements as
//!   the string has `%s`, `%r` or `%a` (and no other conversion, flag or width; `%%` is a
//!   percent sign). A right operand that is not a written tuple is not rewritten: `"%s" % x`
//!   formats the elements of `x` when it holds a tuple.
//!
//! `%s` calls `str(x)` and `{x}` calls `format(x, "")`, which is `str(x)` unless the value's
//! class defines its own `__format__`: such a class is code under test, which the lock does not
//! hold either way. The arguments are written as they are (an f-string's expressions are
//! compared as written too).

use std::cell::Cell;

use tree_sitter::Node;

use super::analysis::{kind, named_children, text};

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (a reading of a Python test) with formatted strings read as f-strings.
pub(crate) fn with_fstrings<R>(f: impl FnOnce() -> R) -> R {
    let was = ACTIVE.with(|a| a.replace(true));
    let r = f();
    ACTIVE.with(|a| a.set(was));
    r
}

/// In a reading with formatted strings read as f-strings, the f-string `node` makes, as
/// written (quotes as in its literal).
pub(crate) fn read_as_fstring(node: Node<'_>, src: &str) -> Option<String> {
    if !ACTIVE.with(Cell::get) {
        return None;
    }
    fstring_of(node, src)
}

/// Whether anything under `node` reads as an f-string ([`fstring_of`]).
pub(crate) fn has_formatted(node: Node<'_>, src: &str) -> bool {
    if fstring_of(node, src).is_some() {
        return true;
    }
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| has_formatted(c, src))
}

/// The f-string a `.format` call or a `%` formatting makes (see the module docs).
fn fstring_of(node: Node<'_>, src: &str) -> Option<String> {
    match kind(node) {
        "call" => {
            let function = node.child_by_field_name("function")?;
            if kind(function) != "attribute"
                || text(function.child_by_field_name("attribute")?, src) != "format"
            {
                return None;
            }
            let literal = plain_string(function.child_by_field_name("object")?, src)?;
            let args = node.child_by_field_name("arguments")?;
            if kind(args) != "argument_list" {
                return None;
            }
            let values = positional(args, src)?;
            from_format(literal, &values)
        }
        "binary_operator" => {
            let op = node.child_by_field_name("operator")?;
            if text(op, src) != "%" {
                return None;
            }
            let literal = plain_string(node.child_by_field_name("left")?, src)?;
            let right = node.child_by_field_name("right")?;
            if kind(right) != "tuple" {
                return None;
            }
            let values = positional(right, src)?;
            from_percent(literal, &values)
        }
        _ => None,
    }
}

/// A string literal without prefix or interpolation: its opening quote(s) and the text
/// between its quotes, as written.
fn plain_string<'s>(node: Node<'_>, src: &'s str) -> Option<(&'s str, &'s str)> {
    if kind(node) != "string" {
        return None;
    }
    let t = text(node, src);
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| t.starts_with(q))?;
    if named_children(node)
        .iter()
        .any(|c| kind(*c) == "interpolation")
    {
        return None;
    }
    let inner = t.strip_prefix(quote)?.strip_suffix(quote)?;
    Some((quote, inner))
}

/// The elements of an argument list or tuple, as written, when each is a plain expression
/// (no keyword, no `*`/`**`, no comment between them).
fn positional<'s>(list: Node<'_>, src: &'s str) -> Option<Vec<&'s str>> {
    let mut out = Vec::new();
    for c in named_children(list) {
        match kind(c) {
            "keyword_argument"
            | "list_splat"
            | "dictionary_splat"
            | "comment"
            | "parenthesized_list_splat" => {
                return None;
            }
            _ => out.push(text(c, src)),
        }
    }
    Some(out)
}

/// `"a{}b{!r}".format(x, y)` → `f"a{x}b{y!r}"`.
fn from_format((quote, body): (&str, &str), values: &[&str]) -> Option<String> {
    let mut out = format!("f{quote}");
    let mut next = 0usize;
    // Whether fields are numbered by hand: Python refuses to mix `{}` and `{0}`.
    let mut manual: Option<bool> = None;
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if body[i + 1..].starts_with('{') => {
                out.push_str("{{");
                chars.next();
            }
            '}' if body[i + 1..].starts_with('}') => {
                out.push_str("}}");
                chars.next();
            }
            '}' => return None,
            '{' => {
                let close = i + 1 + body[i + 1..].find('}')?;
                let field = &body[i + 1..close];
                if field.contains('{') {
                    return None;
                }
                let (name, rest) = match field.find(['!', ':']) {
                    Some(at) => field.split_at(at),
                    None => (field, ""),
                };
                if !(name.is_empty() || name == next.to_string())
                    || *manual.get_or_insert(!name.is_empty()) == name.is_empty()
                {
                    return None;
                }
                let (conversion, spec) = match rest.strip_prefix('!') {
                    Some(r) => match r.split_once(':') {
                        Some((conv, spec)) => (conv, Some(spec)),
                        None => (r, None),
                    },
                    None => ("", rest.strip_prefix(':')),
                };
                if !matches!(conversion, "" | "r" | "s" | "a") {
                    return None;
                }
                out.push('{');
                out.push_str(values.get(next)?);
                if !conversion.is_empty() {
                    out.push('!');
                    out.push_str(conversion);
                }
                if let Some(spec) = spec {
                    out.push(':');
                    out.push_str(spec);
                }
                out.push('}');
                next += 1;
                while chars.peek().is_some_and(|(j, _)| *j <= close) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    (next == values.len()).then(|| {
        out.push_str(quote);
        out
    })
}

/// `"a%sb%r" % (x, y)` → `f"a{x}b{y!r}"`.
fn from_percent((quote, body): (&str, &str), values: &[&str]) -> Option<String> {
    let mut out = format!("f{quote}");
    let mut next = 0usize;
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => {
                let conversion = match chars.next()? {
                    '%' => {
                        out.push('%');
                        continue;
                    }
                    's' => "",
                    'r' => "!r",
                    'a' => "!a",
                    _ => return None,
                };
                out.push('{');
                out.push_str(values.get(next)?);
                out.push_str(conversion);
                out.push('}');
                next += 1;
            }
            '{' => out.push_str("{{"),
            '}' => out.push_str("}}"),
            _ => out.push(c),
        }
    }
    (next == values.len()).then(|| {
        out.push_str(quote);
        out
    })
}

#[cfg(all(test, feature = "lang-python"))]
mod tests {
    use super::fstring_of;

    /// The f-string the first formatting under `n` reads as.
    fn first(n: tree_sitter::Node<'_>, src: &str) -> Option<String> {
        fstring_of(n, src).or_else(|| {
            let mut c = n.walk();
            n.children(&mut c).find_map(|c| first(c, src))
        })
    }

    /// The f-string the first formatting in `src` reads as.
    fn read(src: &str) -> Option<String> {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .expect("the Python grammar loads");
        let tree = parser.parse(src, None).expect("parses");
        first(tree.root_node(), src)
    }

    #[test]
    fn format_calls_read_as_fstrings() {
        assert_eq!(
            read("'Tornado/{}'.format(version)").as_deref(),
            Some("f'Tornado/{version}'")
        );
        assert_eq!(
            read("\"{0}-{1!r:>4}\".format(a.b, f(c))").as_deref(),
            Some("f\"{a.b}-{f(c)!r:>4}\"")
        );
        assert_eq!(
            read("\"{{x}} {}\".format(n)").as_deref(),
            Some("f\"{{x}} {n}\"")
        );
        // Not the same string, or arguments evaluated otherwise: not read.
        assert_eq!(read("\"{1} {0}\".format(a, b)"), None);
        assert_eq!(read("\"{0} {0}\".format(a)"), None);
        assert_eq!(read("\"{}\".format(a, b)"), None);
        assert_eq!(read("\"{}{1}\".format(a, b)"), None);
        assert_eq!(read("\"{0}{}\".format(a, b)"), None);
        assert_eq!(read("\"{name}\".format(name=a)"), None);
        assert_eq!(read("\"{}\".format(*xs)"), None);
        assert_eq!(read("\"{:{w}}\".format(a, w=3)"), None);
        assert_eq!(read("\"{0.x}\".format(a)"), None);
        assert_eq!(read("b\"{}\".format(a)"), None);
        assert_eq!(read("f\"{a}{{}}\".format(b)"), None);
    }

    #[test]
    fn percent_formatting_reads_as_fstrings() {
        assert_eq!(
            read("\"1234|5678%s|%s\" % (to_basestring(t), sig)").as_deref(),
            Some("f\"1234|5678{to_basestring(t)}|{sig}\"")
        );
        assert_eq!(
            read("\"%r: 100%% {x}\" % (v,)").as_deref(),
            Some("f\"{v!r}: 100% {{x}}\"")
        );
        // A tuple held in a name would be spread over the `%s`: not read.
        assert_eq!(read("\"%s\" % v"), None);
        assert_eq!(read("\"%d\" % (v,)"), None);
        assert_eq!(read("\"%5s\" % (v,)"), None);
        assert_eq!(read("\"%(a)s\" % (v,)"), None);
        assert_eq!(read("\"%s %s\" % (v,)"), None);
        assert_eq!(read("\"%s\" % (a, b)"), None);
    }
}
