//! Python read as pyupgrade writes it, and Rust as clippy's `uninlined_format_args` writes
//! it: the same program in its modern spelling. A Python or Rust test, and the helpers it
//! reaches, are also read with these rewrites, and a locked test that this reading matches,
//! or whose base revision read so matches the test, is intact:
//!
//! - Rust: a format macro of the standard library with its plain-identifier arguments
//!   inlined, `format!("{} of {:?}", n, xs)` as `format!("{n} of {xs:?}")` (see
//!   [`rust_inline_format`] for where that makes the same string);
//!
//! - strings formatted three ways: `"Tornado/{}".format(version)`, `"Tornado/%s" %
//!   (version,)` and `f"Tornado/{version}"` make the same string; the first two read as the
//!   f-string they make;
//! - `"é".encode("utf-8")` is `"é".encode()` (a `str`'s default encoding is UTF-8, whatever
//!   the locale), and `b"…".decode("utf-8")` is `b"…".decode()`;
//! - `EnvironmentError` and `IOError` are `OSError` (the same class since Python 3.3), and
//!   so are the standard modules' `socket.error` and `select.error`;
//! - `futures.thread.ThreadPoolExecutor` is `futures.ThreadPoolExecutor` (and
//!   `process.ProcessPoolExecutor`): `concurrent.futures` imports its pool classes from those
//!   modules, the same objects.
//!
//! **Invariant:** only what makes the same value, from arguments evaluated once each in the
//! same order:
//!
//! - `.format` on one plain string literal (no prefix, no implicit concatenation), with
//!   positional arguments only, each used exactly once and in order (`{}` or `{0}`, `{1}`, …),
//!   a field being an index with an optional conversion (`!r`, `!s`, `!a`) and a format
//!   specification without nested fields;
//! - `%` between one plain string literal and a parenthesised tuple with as many elements as
//!   the string has `%s`, `%r` or `%a` (and no other conversion, flag or width; `%%` is a
//!   percent sign). A right operand that is not a written tuple is not rewritten: `"%s" % x`
//!   formats the elements of `x` when it holds a tuple;
//! - `.encode`/`.decode` only on a string (bytes) literal, with one argument naming UTF-8;
//! - an alias only in a file where every mention of it is in an `except` or `raise` line or
//!   an `assertRaises`/`pytest.raises` call (nothing there can bind it to another class);
//!   `WindowsError` is not read so (it exists on Windows only);
//! - a module's attribute only where the file binds the module's name by its one import
//!   alone (`import socket`, `from concurrent import futures`, `import concurrent.futures`)
//!   and uses it only before a `.`: no other binding, parameter or local of that name.
//!
//! `%s` calls `str(x)` and `{x}` calls `format(x, "")`, which is `str(x)` unless the value's
//! class defines its own `__format__`: such a class is code under test, which the lock does not
//! hold either way. The arguments are written as they are (an f-string's expressions are
//! compared as written too).
use crate::sacred::analysis::FieldOf as _;

use std::cell::Cell;

use tree_sitter::Node;

use super::analysis::{kind, named_children, text};

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (a reading of a Python test) with its modern spelling.
pub(crate) fn with_modern<R>(f: impl FnOnce() -> R) -> R {
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

/// In a reading with the modern spelling, a Python string literal, or an implicit
/// concatenation of them, as the canonical literal of its value ([`super::python_strings`]).
pub(crate) fn read_as_canonical_string(node: Node<'_>, src: &str) -> Option<String> {
    if !ACTIVE.with(Cell::get)
        || !matches!(kind(node), "string" | "concatenated_string")
        || !super::analysis::is_python_node(node)
    {
        return None;
    }
    super::python_strings::canonical(node, src)
}

/// Whether anything under `node` reads otherwise in the modern spelling.
pub(crate) fn has_modern(node: Node<'_>, src: &str) -> bool {
    let t = text(node, src);
    let hints = [
        ".format(",
        "%",
        ".encode(",
        ".decode(",
        "IOError",
        "EnvironmentError",
        "socket.error",
        "select.error",
        ".thread.",
        ".process.",
        "!(",
    ];
    (hints.iter().any(|h| t.contains(h)) || t.contains(['"', '\''])) && has_modern_below(node, src)
}

fn has_modern_below(node: Node<'_>, src: &str) -> bool {
    if fstring_of(node, src).is_some()
        || (super::analysis::is_python_node(node)
            && super::python_strings::reads_otherwise(node, src))
        || rust_inline_format(node, src).is_some()
        || utf8_argument(node, src).is_some()
        || os_error_alias(node, src)
        || module_os_error(node, src)
        || pool_module(node, src).is_some()
    {
        return true;
    }
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| has_modern_below(c, src))
}

/// In a reading with the modern spelling, the nodes of the argument list `args` to leave out:
/// the UTF-8 argument of a literal's `.encode`/`.decode`.
pub(crate) fn dropped_args(args: Node<'_>, src: &str) -> Option<Vec<usize>> {
    if !ACTIVE.with(Cell::get) {
        return None;
    }
    utf8_argument(args, src)
        .map(|a| vec![a.id()])
        .or_else(|| rust_inline_format(args, src).map(|f| f.dropped))
}

/// In a reading with the modern spelling, the format string of a Rust format macro whose
/// arguments read inlined (`format!("{}", name)` as `format!("{name}")`): its text then.
pub(crate) fn read_as_inline_format(node: Node<'_>, src: &str) -> Option<String> {
    if !ACTIVE.with(Cell::get) || kind(node) != "string_literal" {
        return None;
    }
    let tree = node.parent()?;
    rust_inline_format(tree, src)
        .filter(|f| f.literal == node.id())
        .map(|f| f.text)
}

/// The standard library's format macros, with the position of their format string among
/// their arguments.
const RUST_FORMAT_MACROS: &[(&str, usize)] = &[
    ("format", 0),
    ("format_args", 0),
    ("print", 0),
    ("println", 0),
    ("eprint", 0),
    ("eprintln", 0),
    ("panic", 0),
    ("unreachable", 0),
    ("todo", 0),
    ("unimplemented", 0),
    ("write", 1),
    ("writeln", 1),
    ("assert", 1),
    ("debug_assert", 1),
    ("assert_eq", 2),
    ("assert_ne", 2),
    ("debug_assert_eq", 2),
    ("debug_assert_ne", 2),
];

/// A Rust format macro's arguments read inlined: the format string's node, its text with
/// each argument in its field, and the nodes left out (the arguments and their commas).
struct InlineFormat {
    literal: usize,
    text: String,
    dropped: Vec<usize>,
}

/// `format!("{} of {:?}", n, xs)` → `format!("{n} of {xs:?}")` (Rust 2021's captured
/// identifiers, which `clippy::uninlined_format_args` asks for): the same string, as each
/// argument is a plain identifier, which a field names in the same scope. Only a plain string
/// literal without `\x`/`\u` escapes (which may spell a brace), fields without `*` or `$`
/// (which read arguments of their own), every argument a plain identifier used, and a macro
/// of the standard library that the file does not define itself (`macro_rules!`).
fn rust_inline_format(tree: Node<'_>, src: &str) -> Option<InlineFormat> {
    if kind(tree) != "token_tree" {
        return None;
    }
    let invocation = tree.parent().filter(|p| kind(*p) == "macro_invocation")?;
    let name = invocation.field("macro")?;
    let name = text(name, src).rsplit("::").next()?.trim();
    let &(_, at) = RUST_FORMAT_MACROS.iter().find(|(m, _)| *m == name)?;
    if src.contains(&format!("macro_rules! {name}")) || src.contains(&format!("macro_rules!{name}"))
    {
        return None;
    }
    // The tokens between the brackets, split at the commas.
    let mut cursor = tree.walk();
    let tokens: Vec<Node<'_>> = tree.children(&mut cursor).collect();
    let inner = tokens.get(1..tokens.len().checked_sub(1)?)?;
    let mut args: Vec<Vec<Node<'_>>> = vec![Vec::new()];
    let mut commas: Vec<Node<'_>> = Vec::new();
    for t in inner {
        if text(*t, src) == "," && t.child_count() == 0 {
            commas.push(*t);
            args.push(Vec::new());
        } else if let Some(last) = args.last_mut() {
            last.push(*t);
        }
    }
    // A trailing comma.
    if args.last().is_some_and(Vec::is_empty) {
        args.pop();
    }
    let literal = match args.get(at)?.as_slice() {
        [l] if kind(*l) == "string_literal" => *l,
        _ => return None,
    };
    let values: Vec<&str> = args[at + 1..]
        .iter()
        .map(|a| match a.as_slice() {
            [v] if kind(*v) == "identifier" => Some(text(*v, src)),
            _ => None,
        })
        .collect::<Option<_>>()?;
    if values.is_empty() {
        return None;
    }
    let written = text(literal, src);
    let body = written.strip_prefix('"')?.strip_suffix('"')?;
    if body.contains("\\x") || body.contains("\\u") {
        return None;
    }
    let mut out = String::from("\"");
    let mut used = vec![false; values.len()];
    let mut next = 0usize;
    for piece in brace_pieces(body)? {
        let field = match piece {
            Piece::Text(t) => {
                out.push_str(t);
                continue;
            }
            Piece::Field(f) => f,
        };
        let (arg, spec) = match field.split_once(':') {
            Some((a, s)) => (a, Some(s)),
            None => (field, None),
        };
        if spec.is_some_and(|s| s.contains(['$', '*'])) {
            return None;
        }
        let arg = arg.trim();
        let value = if arg.is_empty() {
            next += 1;
            next - 1
        } else if arg.bytes().all(|b| b.is_ascii_digit()) {
            arg.parse().ok()?
        } else {
            // A captured identifier already.
            out.push('{');
            out.push_str(field);
            out.push('}');
            continue;
        };
        out.push('{');
        out.push_str(values.get(value)?);
        if let Some(spec) = spec {
            out.push(':');
            out.push_str(spec);
        }
        out.push('}');
        *used.get_mut(value)? = true;
    }
    if used.contains(&false) {
        return None;
    }
    out.push('"');
    let dropped = args[at + 1..]
        .iter()
        .zip(&commas[at..])
        .flat_map(|(a, comma)| std::iter::once(comma.id()).chain(a.iter().map(Node::id)))
        .collect();
    Some(InlineFormat {
        literal: literal.id(),
        text: out,
        dropped,
    })
}

/// In a reading with the modern spelling, `OSError` for an alias of it.
pub(crate) fn read_as_os_error(node: Node<'_>, src: &str) -> bool {
    ACTIVE.with(Cell::get) && os_error_alias(node, src)
}

/// In a reading with the modern spelling, whether `node` is `socket.error` or
/// `select.error` of the standard module, which reads as `OSError`.
pub(crate) fn read_as_module_os_error(node: Node<'_>, src: &str) -> bool {
    ACTIVE.with(Cell::get) && module_os_error(node, src)
}

/// In a reading with the modern spelling, for `futures.thread` in
/// `futures.thread.ThreadPoolExecutor`, the node to read in its place (`futures`).
pub(crate) fn read_as_package<'t>(node: Node<'t>, src: &str) -> Option<Node<'t>> {
    if !ACTIVE.with(Cell::get) {
        return None;
    }
    pool_module(node, src)
}

/// `socket.error` or `select.error` (see the module docs).
fn module_os_error(node: Node<'_>, src: &str) -> bool {
    if kind(node) != "attribute" {
        return false;
    }
    let (Some(object), Some(attr)) = (node.field("object"), node.field("attribute")) else {
        return false;
    };
    let module = text(object, src);
    kind(object) == "identifier"
        && matches!(module, "socket" | "select")
        && text(attr, src) == "error"
        && module_bound_by_import(node, src, module, &[&format!("import {module}")])
        && !assigns(src, &format!("{module}.error"))
}

/// `futures.thread` (or `.process`) in `futures.thread.ThreadPoolExecutor` (or
/// `ProcessPoolExecutor`), also `concurrent.futures.thread…`: the `futures` node.
fn pool_module<'t>(node: Node<'t>, src: &str) -> Option<Node<'t>> {
    if kind(node) != "attribute" {
        return None;
    }
    let object = node.field("object")?;
    let sub = text(node.field("attribute")?, src);
    let class = node
        .parent()
        .filter(|p| kind(*p) == "attribute")
        .filter(|p| p.field("object").map(|o| o.id()) == Some(node.id()))
        .and_then(|p| p.field("attribute"))
        .map(|a| text(a, src))?;
    if !matches!(
        (sub, class),
        ("thread", "ThreadPoolExecutor") | ("process", "ProcessPoolExecutor")
    ) {
        return None;
    }
    let bound = match text(object, src) {
        "futures" if kind(object) == "identifier" => {
            module_bound_by_import(node, src, "futures", &["from concurrent import futures"])
        }
        "concurrent.futures" if kind(object) == "attribute" => module_bound_by_import(
            node,
            src,
            "concurrent",
            &["import concurrent.futures", "import concurrent"],
        ),
        _ => false,
    };
    (bound && !assigns(src, &format!("{}.{sub}", text(object, src)))).then_some(object)
}

/// Whether, in the file of `node`, the name `name` is bound by one of `imports` (a whole
/// import statement, as written up to spacing) and otherwise only used before a `.` (or as
/// another object's attribute, or a keyword argument's name): no other import, assignment,
/// parameter or bare use of it.
fn module_bound_by_import(node: Node<'_>, src: &str, name: &str, imports: &[&str]) -> bool {
    let mut root = node;
    while let Some(p) = root.parent() {
        root = p;
    }
    let mut imported = false;
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if matches!(
            kind(n),
            "import_statement" | "import_from_statement" | "future_import_statement"
        ) {
            let mut mentions = false;
            let mut inner = vec![n];
            while let Some(i) = inner.pop() {
                if kind(i) == "identifier" && text(i, src) == name {
                    mentions = true;
                }
                inner.extend(named_children(i));
            }
            if mentions {
                let written = text(n, src)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                if !imports.contains(&written.as_str()) {
                    return false;
                }
                imported = true;
            }
            continue;
        }
        if kind(n) == "wildcard_import" {
            return false;
        }
        if kind(n) == "identifier" && text(n, src) == name {
            let Some(p) = n.parent() else {
                return false;
            };
            let is = |field: &str| p.field(field).map(|c| c.id()) == Some(n.id());
            let fine = (kind(p) == "attribute" && (is("object") || is("attribute")))
                || (kind(p) == "keyword_argument" && is("name"));
            // `futures.x = …` keeps the name the module's; `futures = …` does not, and is
            // not an attribute's object.
            if !fine {
                return false;
            }
        }
        stack.extend(named_children(n));
    }
    imported
}

/// Whether `src` assigns `target` (`socket.error = …`, not `==`).
fn assigns(src: &str, target: &str) -> bool {
    src.match_indices(target).any(|(i, _)| {
        let rest = src[i + target.len()..].trim_start_matches([' ', '\t']);
        (rest.starts_with('=') && !rest.starts_with("=="))
            || ["+=", "-=", "|=", ":="]
                .iter()
                .any(|op| rest.starts_with(op))
    })
}

/// The one argument of `"…".encode("utf-8")` (or `b"…".decode("utf-8")`, also `encoding=`),
/// when `args` is that call's argument list.
fn utf8_argument<'t>(args: Node<'t>, src: &str) -> Option<Node<'t>> {
    if kind(args) != "argument_list" {
        return None;
    }
    let call = args.parent().filter(|c| kind(*c) == "call")?;
    let function = call.field("function")?;
    if kind(function) != "attribute" {
        return None;
    }
    let object = function.field("object")?;
    let method = text(function.field("attribute")?, src);
    let prefix = match (kind(object), method) {
        ("string", "encode") => "",
        ("string", "decode") => "b",
        _ => return None,
    };
    let literal = text(object, src);
    let written = literal
        .split(['"', '\''])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let accepted: &[&str] = if prefix.is_empty() {
        &["", "u"]
    } else {
        &["b"]
    };
    if !accepted.contains(&written.as_str())
        || named_children(object)
            .iter()
            .any(|c| kind(*c) == "interpolation")
    {
        return None;
    }
    let [argument] = named_children(args)
        .into_iter()
        .filter(|c| kind(*c) != "comment")
        .collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let value = match kind(argument) {
        "keyword_argument" => {
            if argument
                .field("name")
                .is_none_or(|n| text(n, src) != "encoding")
            {
                return None;
            }
            argument.field("value")?
        }
        _ => argument,
    };
    if kind(value) != "string"
        || named_children(value)
            .iter()
            .any(|c| kind(*c) == "interpolation")
    {
        return None;
    }
    let name = text(value, src)
        .trim_matches(|c| c == '"' || c == '\'')
        .to_ascii_lowercase()
        .replace('-', "_");
    matches!(name.as_str(), "utf_8" | "utf8" | "u8" | "utf").then_some(argument)
}

/// Whether `node` is `EnvironmentError` or `IOError` used as the built-in (see the module
/// docs).
fn os_error_alias(node: Node<'_>, src: &str) -> bool {
    if kind(node) != "identifier" {
        return false;
    }
    let name = text(node, src);
    if !matches!(name, "EnvironmentError" | "IOError") {
        return false;
    }
    // `x.IOError` is another name.
    if node
        .parent()
        .filter(|p| kind(*p) == "attribute")
        .and_then(|p| p.field("attribute"))
        .is_some_and(|a| a.id() == node.id())
    {
        return false;
    }
    !star_import(src) && only_raised_or_caught(src, name)
}

/// Whether the Python source `src` has a star import (`from shop.errors import *`), which may
/// bind any name (a module's own `IOError`, `set`).
pub(crate) fn star_import(src: &str) -> bool {
    src.lines().any(|line| {
        line.trim_start()
            .strip_prefix("from ")
            .and_then(|r| r.split_once(" import"))
            .is_some_and(|(_, names)| names.trim_start().starts_with('*'))
    })
}

/// Whether every mention of `name` in `src` (as a word) is on an `except` or `raise` line or in
/// an `assertRaises`/`pytest.raises` call's line.
fn only_raised_or_caught(src: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    src.lines().all(|line| {
        let mentions = line
            .match_indices(name)
            .any(|(i, _)| !line[..i].ends_with(word) && !line[i + name.len()..].starts_with(word));
        if !mentions {
            return true;
        }
        let t = line.trim_start();
        // `except ValueError as IOError:` binds the name.
        if line.contains(&format!("as {name}")) {
            return false;
        }
        (t.starts_with("except ") || t.starts_with("except(") || t.starts_with("raise "))
            || ((t.contains("assertRaises(")
                || t.contains("assertRaisesRegex(")
                || t.contains("pytest.raises("))
                && !t.contains('='))
    })
}

/// The f-string a `.format` call or a `%` formatting makes (see the module docs).
fn fstring_of(node: Node<'_>, src: &str) -> Option<String> {
    match kind(node) {
        "call" => {
            let function = node.field("function")?;
            if kind(function) != "attribute" || text(function.field("attribute")?, src) != "format"
            {
                return None;
            }
            let literal = plain_string(function.field("object")?, src)?;
            let args = node.field("arguments")?;
            if kind(args) != "argument_list" {
                return None;
            }
            let values = positional(args, src)?;
            from_format(literal, &values)
        }
        "binary_operator" => {
            let op = node.field("operator")?;
            if text(op, src) != "%" {
                return None;
            }
            let literal = plain_string(node.field("left")?, src)?;
            let right = node.field("right")?;
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
    // An escape may spell a brace or a percent sign (`"\x7b0\x7d"` is `"{0}"` to `.format`,
    // a literal `{0}` in an f-string): such a string is not read. The escapes of one
    // character that spell neither (`\n`, `\t`, `\\`, a quote) read the same in both.
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && !chars.next().is_some_and(|e| "\\'\"nrtabfv".contains(e)) {
            return None;
        }
    }
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

/// A piece of a format string with `{…}` fields (Python's `str.format`, Rust's format
/// macros): text between fields as written (`{{` and `}}` kept), or a field's inside.
enum Piece<'s> {
    Text(&'s str),
    Field(&'s str),
}

/// The pieces of a format string with `{…}` fields; `None` for a lone `}` or a field
/// unclosed or holding a `{` (a nested field, which neither reading rewrites).
fn brace_pieces(body: &str) -> Option<Vec<Piece<'_>>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    let mut text_from = 0usize;
    while let Some(off) = body[at..].find(['{', '}']) {
        let i = at + off;
        let brace = &body[i..=i];
        if body[i + 1..].starts_with(brace) {
            // `{{` or `}}`: a brace in the text.
            at = i + 2;
            continue;
        }
        if brace == "}" {
            return None;
        }
        let close = i + 1 + body[i + 1..].find('}')?;
        let field = &body[i + 1..close];
        if field.contains('{') {
            return None;
        }
        if text_from < i {
            out.push(Piece::Text(&body[text_from..i]));
        }
        out.push(Piece::Field(field));
        at = close + 1;
        text_from = at;
    }
    if text_from < body.len() {
        out.push(Piece::Text(&body[text_from..]));
    }
    Some(out)
}

/// `"a{}b{!r}".format(x, y)` → `f"a{x}b{y!r}"`.
fn from_format((quote, body): (&str, &str), values: &[&str]) -> Option<String> {
    let mut out = format!("f{quote}");
    let mut next = 0usize;
    // Whether fields are numbered by hand: Python refuses to mix `{}` and `{0}`.
    let mut manual: Option<bool> = None;
    for piece in brace_pieces(body)? {
        let field = match piece {
            Piece::Text(t) => {
                out.push_str(t);
                continue;
            }
            Piece::Field(f) => f,
        };
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

/// What `reading` gives for the first node of `src` (parsed with `language`, in document
/// order) it reads.
#[cfg(test)]
fn first_reading(
    language: &tree_sitter::Language,
    src: &str,
    reading: impl Fn(Node<'_>, &str) -> Option<String> + Copy,
) -> Option<String> {
    fn first(
        n: Node<'_>,
        src: &str,
        reading: impl Fn(Node<'_>, &str) -> Option<String> + Copy,
    ) -> Option<String> {
        reading(n, src).or_else(|| {
            let mut c = n.walk();
            n.children(&mut c).find_map(|c| first(c, src, reading))
        })
    }
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(language).expect("the grammar loads");
    let tree = parser.parse(src, None).expect("parses");
    first(tree.root_node(), src, reading)
}

#[cfg(all(test, feature = "lang-python"))]
mod tests {
    use super::fstring_of;

    /// The f-string the first formatting in `src` reads as.
    fn read(src: &str) -> Option<String> {
        super::first_reading(&tree_sitter_python::LANGUAGE.into(), src, fstring_of)
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
        // An escape may spell a brace (in hex, octal or by name); one that spells a line end,
        // a tab, a backslash or a quote cannot.
        assert_eq!(read("\"\\x7b0\\x7d{}\".format(a)"), None);
        assert_eq!(read("\"\\173{}\".format(a)"), None);
        assert_eq!(read("\"\\N{LEFT CURLY BRACKET}{}\".format(a)"), None);
        assert_eq!(
            read("\"Hello {}\\n\\t\\\\\\\"\".format(i)").as_deref(),
            Some("f\"Hello {i}\\n\\t\\\\\\\"\"")
        );
    }

    #[test]
    fn an_alias_is_the_builtin_only_where_it_is_raised_or_caught() {
        use super::only_raised_or_caught as only;
        let caught = "try:\n    f()\nexcept (IOError, KeyError):\n    pass\n";
        assert!(only(caught, "IOError"));
        assert!(only(
            "with self.assertRaises(IOError):\n    f()\n",
            "IOError"
        ));
        assert!(only("raise IOError('x')\nMyIOError = 1\n", "IOError"));
        assert!(!only(&format!("IOError = ValueError\n{caught}"), "IOError"));
        assert!(!only(
            &format!("from errors import IOError\n{caught}"),
            "IOError"
        ));
        assert!(!only(&format!("{caught}x = IOError\n"), "IOError"));
        assert!(!only(
            "try:\n    f()\nexcept ValueError as IOError:\n    raise IOError\n",
            "IOError"
        ));
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
        assert_eq!(read("\"\\x25s%s\" % (a,)"), None);
    }
}

#[cfg(all(test, feature = "lang-rust"))]
mod rust_tests {
    use super::rust_inline_format;

    /// The format string the first format macro of `src` reads as, inlined.
    fn read(src: &str) -> Option<String> {
        super::first_reading(&tree_sitter_rust::LANGUAGE.into(), src, |n, src| {
            rust_inline_format(n, src).map(|f| f.text)
        })
    }

    #[test]
    fn format_arguments_read_inlined() {
        let f = |body: &str| read(&format!("fn f() {{ {body}; }}"));
        assert_eq!(
            f(r#"format!("{} of {:?}", n, xs)"#).as_deref(),
            Some(r#""{n} of {xs:?}""#)
        );
        assert_eq!(
            f(r#"write!(out, "{{{}}} {0:>4}", n,)"#).as_deref(),
            Some(r#""{{{n}}} {n:>4}""#)
        );
        assert_eq!(
            f(r#"assert_eq!(a, b, "{} vs {name}", a)"#).as_deref(),
            Some(r#""{a} vs {name}""#)
        );
        // Not the same string, or not only identifiers: not read.
        assert_eq!(f(r#"format!("{}", x.y)"#), None);
        assert_eq!(f(r#"format!("{}", &x)"#), None);
        assert_eq!(f(r#"format!("{}", self)"#), None);
        assert_eq!(f(r#"format!("{x}", x = n)"#), None);
        assert_eq!(f(r#"format!("{:>1$}", a, w)"#), None);
        assert_eq!(f(r#"format!("{:.*}", p, a)"#), None);
        assert_eq!(f(r#"format!("\u{7b}{}", a)"#), None);
        assert_eq!(f(r#"format!("{}", a, b)"#), None);
        assert_eq!(f(r#"format!(r"{}", a)"#), None);
        assert_eq!(f(r#"my_format!("{}", a)"#), None);
        assert_eq!(f(r#"format!("{}")"#), None);
    }
}
