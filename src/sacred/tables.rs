//! Tables of cases a test loops over (`cases = [(1, 2), …]` then `for a, b in cases:`, Go's
//! `tests := []struct{…}{…}` then `for _, tt := range tests {`): a case added to one is
//! read as a case added to a `parametrize`, not as a changed statement.
//!
//! A statement binds a table when it binds one local to a list literal (Python list or
//! tuple, a Go slice or array literal, a Rust array, `&[…]` or `vec![…]`, a JavaScript
//! array) that the test reads only as what a loop at the top of its body iterates, each row
//! handed to the loop as it is (no index: `enumerate`, `for i, tt := range`, `.entries()`
//! shift with an inserted row). Each such loop must be unable to let one row decide whether
//! the others are checked, or what they see:
//!
//! - nothing in it leaves the loop or the test early (`break`, `return`, a labelled
//!   `continue`, `goto`, `raise`/`throw`, `yield`, Rust's `?`), skips the test or ends the
//!   process;
//! - it writes nothing that outlives its row: each assigned name is declared inside the
//!   loop (Go, Rust, JavaScript: in a block around the write, before it; Python: nowhere
//!   else in the test, and bound, before any read of it, by a plain assignment or a `with
//!   … as` at the top of the loop's body), and what it mutates in place (`x.field = …`,
//!   `xs.append(…)`, `m[k] = …`, `&mut x`, `next(it)`) was made inside the loop too;
//! - it reads no name the test binds outside the loop (a local, a fixture; the context
//!   `self` or `t` aside), makes no Python function (run later, it sees the last row), and
//!   in Go runs nothing after its row (`defer`, `go`, `t.Parallel()`) unless the loop's
//!   variables are copied first (`tt := tt`);
//! - in Go, nothing in the test `recover`s: a panic of one row would end the loop as a pass;
//! - nothing in it runs code it is handed (`eval`, `exec`, an import by name, a subprocess).
//!
//! An added case must be data ([`read_row`]: literals, collections, operators) that holds
//! no name, path or callee the old cases did not: a new one could be a function the loop
//! calls, a process exit, or code reached through an attribute.
//!
//! What the code under test keeps from one row to the next is not read, as between the cases
//! of a `parametrize` or two tests of a file.
use crate::sacred::analysis::FieldOf as _;

use std::collections::BTreeSet;

use tree_sitter::Node;

use super::analysis::{
    Rules, ends_process, is_comment, is_function_like, kind, named_children, serialize, sha256_hex,
    text,
};

/// A list of cases bound by a statement of a test and only iterated by its loops.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Fingerprint of the statement without its cases (the name, the type of a row).
    pub head: String,
    /// Fingerprint of each case, in order.
    pub cases: Vec<String>,
    /// How each case reads ([`Row`]).
    pub rows: Vec<Row>,
}

/// What a case of a table is made of, to tell whether an added one is only data.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// Only literals, collections, operators, names, paths and calls ([`read_row`]): no
    /// function, no assignment, no keyword that leaves (a Rust macro's `return`), no index.
    pub data: bool,
    /// The names it mentions (variables, functions, types; not a field's or a keyword
    /// argument's name).
    pub names: BTreeSet<String>,
    /// The paths it reads (`http.StatusOK`, `Ordering::Less`) and the callees it calls
    /// (`call errors.New`), as written without layout.
    pub paths: BTreeSet<String>,
}

impl Table {
    /// Whether `self` is `base` with cases added: the same head, every case of `base` kept
    /// in its order, and each added case only data that mentions no name, path or callee
    /// the cases of `base` did not: a new one could be a function the loop calls
    /// (`t.SkipNow`), a process exit (`os._exit(0)`) or code reached through an attribute
    /// (`total.__globals__`).
    pub fn grows(&self, base: &Table) -> bool {
        if self.head != base.head || self.cases.len() <= base.cases.len() {
            return false;
        }
        let names: BTreeSet<&String> = base.rows.iter().flat_map(|r| &r.names).collect();
        let paths: BTreeSet<&String> = base.rows.iter().flat_map(|r| &r.paths).collect();
        let mut wanted = base.cases.iter().peekable();
        for (case, row) in self.cases.iter().zip(&self.rows) {
            if wanted.peek() == Some(&case) {
                wanted.next();
            } else if !row.data
                || !row.names.iter().all(|n| names.contains(n))
                || !row.paths.iter().all(|p| paths.contains(p))
            {
                return false;
            }
        }
        wanted.peek().is_none()
    }
}

/// The table statement `n` (a statement at the top of `body`, whose statements are
/// `top`) binds, when the test only iterates it as described in the module docs.
pub(crate) fn table_of(
    n: Node<'_>,
    body: Node<'_>,
    top: &[Node<'_>],
    src: &str,
    rules: &dyn Rules,
) -> Option<Table> {
    // Most lists a test binds are handed to a call: only one a loop iterates is read on.
    let after = src.get(n.end_byte()..body.end_byte())?;
    let iterated = |name: &str| {
        after.match_indices(name).any(|(at, _)| {
            let before = &after[..at];
            ["range ", "in ", "in &", "of "]
                .iter()
                .any(|w| before.ends_with(w))
        })
    };
    if !bound_name(n, src).is_some_and(iterated) {
        return None;
    }
    let (name, container, cases) = binding(n, src)?;
    if cases.is_empty() {
        return None;
    }
    // Go: a map literal, whose rows are keyed by a name.
    let keyed = container
        .parent()
        .is_some_and(|c| c.field("type").is_some_and(|t| kind(t) == "map_type"));
    // Go: a deferred `recover()` anywhere in the test turns a panic into a pass.
    if kind(n) == "short_var_declaration" && text(body, src).contains("recover(") {
        return None;
    }
    let mut loops = 0;
    for occurrence in references(body, name, src) {
        if within(occurrence, n) {
            continue;
        }
        let (statement, looped) = iterating_loop(occurrence, keyed, src)?;
        if !top.iter().any(|t| t.id() == statement.id()) || statement.start_byte() < n.end_byte() {
            return None;
        }
        if !loop_is_safe(looped, body, src, rules)
            || reads_what_outlives_a_row(looped, statement, n, body, top, src)
        {
            return None;
        }
        loops += 1;
    }
    if loops == 0 {
        return None;
    }
    let hash = |s: &str| {
        let mut h = sha256_hex(s);
        h.truncate(12);
        h
    };
    let mut head = String::new();
    serialize(n, src, &|m| m.id() == container.id(), &mut head);
    head.push('|');
    head.push_str(kind(container));
    let mut hashes = Vec::new();
    let mut rows = Vec::new();
    for case in &cases {
        let mut s = String::new();
        for part in case {
            serialize(*part, src, &|_| false, &mut s);
        }
        hashes.push(hash(&s));
        let mut row = read_row(case, src);
        // Go: a map's row is keyed by a constant (a computed key may replace an old row).
        if keyed {
            row.data &= case.iter().all(|r| {
                r.named_child(0)
                    .and_then(|k| {
                        k.named_child(0)
                            .filter(|_| kind(k) == "literal_element")
                            .or(Some(k))
                    })
                    .is_some_and(|k| {
                        matches!(
                            kind(k),
                            "interpreted_string_literal" | "raw_string_literal" | "int_literal"
                        )
                    })
            });
        }
        rows.push(row);
    }
    Some(Table {
        head: hash(&head),
        cases: hashes,
        rows,
    })
}

/// Reads a case (its nodes: one, or a Rust macro's tokens) as a [`Row`]. Allowed: literals,
/// collections and composite literals, unary and binary operators (not Go's receive
/// `<-`), names, paths, and calls (their callee recorded as a path, their arguments read
/// alike); a Rust macro's tokens only literals, names and punctuation that calls or
/// leaves nothing (no `.`, `?`, `|`, `=`, `return`, `break`, `loop`, `unsafe`, …).
fn read_row(parts: &[Node<'_>], src: &str) -> Row {
    const LEAVES: [&str; 19] = [
        "return", "break", "continue", "loop", "while", "for", "unsafe", "move", "fn", "async",
        "await", "yield", "match", "if", "let", "static", "impl", "?", "|",
    ];
    const ALLOWED: [&str; 69] = [
        // Python
        "string",
        "string_start",
        "string_content",
        "string_end",
        "escape_sequence",
        "interpolation",
        "integer",
        "float",
        "true",
        "false",
        "none",
        "ellipsis",
        "concatenated_string",
        "list",
        "tuple",
        "dictionary",
        "set",
        "pair",
        "parenthesized_expression",
        "unary_operator",
        "binary_operator",
        "keyword_argument",
        "argument_list",
        // Go
        "interpreted_string_literal",
        "interpreted_string_literal_content",
        "raw_string_literal",
        "raw_string_literal_content",
        "int_literal",
        "float_literal",
        "imaginary_literal",
        "rune_literal",
        "nil",
        "composite_literal",
        "literal_value",
        "literal_element",
        "keyed_element",
        "slice_type",
        "array_type",
        "map_type",
        "pointer_type",
        "unary_expression",
        "binary_expression",
        // Rust
        "string_literal",
        "raw_string_literal",
        "char_literal",
        "integer_literal",
        "float_literal",
        "boolean_literal",
        "tuple_expression",
        "array_expression",
        "reference_expression",
        "range_expression",
        "arguments",
        "struct_expression",
        "field_initializer_list",
        "field_initializer",
        "shorthand_field_initializer",
        "unit_expression",
        "negative_literal",
        "token_tree",
        "index_expression",
        // JavaScript / TypeScript
        "template_string",
        "template_substitution",
        "string_fragment",
        "number",
        "null",
        "undefined",
        "array",
        "object",
    ];
    let mut row = Row {
        data: true,
        ..Row::default()
    };
    let mut stack: Vec<Node<'_>> = parts.to_vec();
    while let Some(m) = stack.pop() {
        let k = kind(m);
        let t = text(m, src);
        if is_comment(m) {
            continue;
        }
        if !m.is_named() || m.child_count() == 0 && kind(m.parent().unwrap_or(m)) == "token_tree" {
            // A token: punctuation, an operator, a keyword (a Rust macro's are all tokens).
            let dot = t == "." || t.starts_with('.') && !t.starts_with("..");
            if LEAVES.contains(&t) || dot || t == "<-" || t.ends_with('=') && !t.starts_with("..") {
                row.data = false;
            }
            if m.is_named() && (k == "identifier" || k.ends_with("_identifier")) {
                row.names.insert(t.to_owned());
            }
            continue;
        }
        // Rust: a typed literal (`1.0f32`, `5u8`) retypes every case of the array.
        if matches!(k, "integer_literal" | "float_literal")
            && [
                "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128",
                "usize", "f32", "f64",
            ]
            .iter()
            .any(|suffix| t.ends_with(suffix))
        {
            row.data = false;
        }
        match k {
            "identifier"
            | "type_identifier"
            | "shorthand_property_identifier"
            | "package_identifier" => {
                row.names.insert(t.to_owned());
            }
            "field_identifier" | "property_identifier" | "true" | "false" => {}
            "attribute"
            | "selector_expression"
            | "member_expression"
            | "scoped_identifier"
            | "scoped_type_identifier"
            | "qualified_type" => {
                row.paths.insert(t.split_whitespace().collect());
            }
            "call" | "call_expression" | "new_expression" | "macro_invocation" => {
                let callee = ["function", "constructor", "macro"]
                    .iter()
                    .find_map(|f| m.field(f));
                match callee {
                    Some(c) => {
                        let path: String = text(c, src).split_whitespace().collect();
                        row.paths.insert(format!("call {path}"));
                        stack.extend(named_children(m).into_iter().filter(|a| a.id() != c.id()));
                    }
                    None => row.data = false,
                }
            }
            // A Python keyword argument's name names a parameter.
            "keyword_argument" => {
                stack.extend(m.field("value"));
            }
            // A Go struct literal's key names a field.
            "keyed_element" => {
                let key = m.named_child(0);
                let field_key = key
                    .and_then(|k| k.named_child(0).or(Some(k)))
                    .is_some_and(|k| matches!(kind(k), "identifier" | "field_identifier"));
                if !field_key {
                    stack.extend(key);
                }
                stack.extend(m.named_child(1));
            }
            "reference_expression"
                if named_children(m)
                    .iter()
                    .any(|c| kind(*c) == "mutable_specifier") =>
            {
                row.data = false;
            }
            _ if ALLOWED.contains(&k) => {
                let mut c = m.walk();
                stack.extend(m.children(&mut c));
            }
            _ => row.data = false,
        }
    }
    row
}

/// The one name a statement binds, when it may bind a list literal (what [`binding`]
/// reads), found without allocating: most statements bind none.
fn bound_name<'s>(n: Node<'_>, src: &'s str) -> Option<&'s str> {
    let (name, value) = match kind(n) {
        "expression_statement" => {
            let a = n.named_child(0).filter(|a| kind(*a) == "assignment")?;
            (a.field("left")?, a.field("right")?)
        }
        "short_var_declaration" => (
            n.field("left")?.named_child(0)?,
            n.field("right")?.named_child(0)?,
        ),
        "let_declaration" => (n.field("pattern")?, n.field("value")?),
        "lexical_declaration" => {
            let d = n.named_child(0)?;
            (d.field("name")?, d.field("value")?)
        }
        _ => return None,
    };
    let list = matches!(
        kind(value),
        "list"
            | "tuple"
            | "composite_literal"
            | "array_expression"
            | "reference_expression"
            | "macro_invocation"
            | "array"
    );
    (list && kind(name) == "identifier").then(|| text(name, src))
}

/// The local a statement binds to a list literal: its name, the literal, and its cases
/// (each the nodes it is made of: one, but for a Rust macro's tokens).
fn binding<'t, 's>(n: Node<'t>, src: &'s str) -> Option<(&'s str, Node<'t>, Vec<Vec<Node<'t>>>)> {
    let items = |list: Node<'t>| -> Option<Vec<Vec<Node<'t>>>> {
        let mut out = Vec::new();
        for c in named_children(list) {
            match kind(c) {
                _ if is_comment(c) => {}
                // A spread, a keyed row or a Rust attribute is not a case of its own.
                "list_splat" | "spread_element" | "keyed_element" | "attribute_item" => {
                    return None;
                }
                _ => out.push(vec![c]),
            }
        }
        Some(out)
    };
    match kind(n) {
        // Python: `cases = [(1, 2), (3, 4)]` (an annotation is part of the head).
        "expression_statement" => {
            let [assignment] = named_children(n)
                .into_iter()
                .filter(|c| !is_comment(*c))
                .collect::<Vec<_>>()[..]
            else {
                return None;
            };
            if kind(assignment) != "assignment" {
                return None;
            }
            let left = assignment.field("left")?;
            let right = assignment.field("right")?;
            (kind(left) == "identifier" && matches!(kind(right), "list" | "tuple")).then_some(())?;
            Some((text(left, src), right, items(right)?))
        }
        // Go: `tests := []struct{…}{{…}, {…}}`.
        "short_var_declaration" => {
            let [left] = named_children(n.field("left")?)[..] else {
                return None;
            };
            let [right] = named_children(n.field("right")?)[..] else {
                return None;
            };
            if kind(left) != "identifier" || kind(right) != "composite_literal" {
                return None;
            }
            let ty = right.field("type")?;
            let list = right.field("body")?;
            match kind(ty) {
                "slice_type" | "array_type" | "implicit_length_array_type" => {
                    Some((text(left, src), list, items(list)?))
                }
                // `tests := map[string]struct{…}{"name": {…}}`: each keyed row is a case
                // (its key is a name, not an index).
                "map_type" => {
                    let rows: Vec<Node<'t>> = named_children(list)
                        .into_iter()
                        .filter(|c| !is_comment(*c))
                        .collect();
                    rows.iter().all(|r| kind(*r) == "keyed_element").then(|| {
                        (
                            text(left, src),
                            list,
                            rows.into_iter().map(|r| vec![r]).collect(),
                        )
                    })
                }
                _ => None,
            }
        }
        // Rust: `let cases = [(1, 2), (3, 4)];`, `&[…]`, `vec![…]` (not `let mut`).
        "let_declaration" => {
            if named_children(n)
                .iter()
                .any(|c| kind(*c) == "mutable_specifier")
            {
                return None;
            }
            let pattern = n.field("pattern")?;
            if kind(pattern) != "identifier" {
                return None;
            }
            let mut value = n.field("value")?;
            if kind(value) == "reference_expression" {
                if named_children(value)
                    .iter()
                    .any(|c| kind(*c) == "mutable_specifier")
                {
                    return None;
                }
                value = value.field("value")?;
            }
            match kind(value) {
                "array_expression" => {
                    // `[0; 3]` repeats one value: not a list of cases.
                    let mut c = value.walk();
                    if value.children(&mut c).any(|t| text(t, src) == ";") {
                        return None;
                    }
                    Some((text(pattern, src), value, items(value)?))
                }
                "macro_invocation"
                    if value.field("macro").is_some_and(|m| text(m, src) == "vec") =>
                {
                    let tree = named_children(value)
                        .into_iter()
                        .find(|c| kind(*c) == "token_tree")?;
                    Some((text(pattern, src), tree, token_cases(tree, src)?))
                }
                _ => None,
            }
        }
        // JavaScript / TypeScript: `const cases = [[1, 2], [3, 4]];`.
        "lexical_declaration" => {
            let declarators: Vec<Node<'t>> = named_children(n)
                .into_iter()
                .filter(|c| kind(*c) == "variable_declarator")
                .collect();
            let [declarator] = declarators[..] else {
                return None;
            };
            let name = declarator.field("name")?;
            let value = declarator.field("value")?;
            if kind(name) != "identifier" || kind(value) != "array" {
                return None;
            }
            Some((text(name, src), value, items(value)?))
        }
        _ => None,
    }
}

/// The cases of `vec![…]`: its tokens split at the commas of its own level (a `;` repeats
/// one value: not a list).
fn token_cases<'t>(tree: Node<'t>, src: &str) -> Option<Vec<Vec<Node<'t>>>> {
    let mut cursor = tree.walk();
    let children: Vec<Node<'t>> = tree.children(&mut cursor).collect();
    let inner = children.get(1..children.len().saturating_sub(1))?;
    let mut out: Vec<Vec<Node<'t>>> = vec![Vec::new()];
    for c in inner {
        match text(*c, src) {
            ";" => return None,
            "," => out.push(Vec::new()),
            _ if is_comment(*c) => {}
            _ => out.last_mut()?.push(*c),
        }
    }
    out.retain(|case| !case.is_empty());
    Some(out)
}

/// Whether `inner` lies within `outer`.
fn within(inner: Node<'_>, outer: Node<'_>) -> bool {
    inner.start_byte() >= outer.start_byte() && inner.end_byte() <= outer.end_byte()
}

/// The identifiers under `root` that name `name` as a variable (not a Python attribute's or
/// keyword argument's name, which the grammar also calls identifiers).
fn references<'t>(root: Node<'t>, name: &str, src: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    each_node(root, |m| {
        if m.child_count() == 0
            && text(m, src) == name
            && kind(m) == "identifier"
            && !is_member_name(m)
        {
            out.push(m);
        }
    });
    out
}

/// Calls `f` on every node under `root` (itself included), in source order, with one tree
/// cursor (a vector of children per node costs an allocation).
fn each_node<'t>(root: Node<'t>, mut f: impl FnMut(Node<'t>)) {
    let mut cursor = root.walk();
    loop {
        f(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node().id() == root.id() {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// A Python identifier that names an attribute (`x.name`) or a keyword argument (`f(name=1)`).
fn is_member_name(m: Node<'_>) -> bool {
    m.parent().is_some_and(|p| {
        (kind(p) == "attribute" && p.field("attribute") == Some(m))
            || (kind(p) == "keyword_argument" && p.field("name") == Some(m))
    })
}

/// When `occurrence` is what a loop iterates, row by row without an index (a Go map's key,
/// `keyed`, is part of the row): the statement at
/// the top of the test that is that loop (Rust: the expression statement around it), and
/// the loop.
fn iterating_loop<'t>(
    occurrence: Node<'t>,
    keyed: bool,
    src: &str,
) -> Option<(Node<'t>, Node<'t>)> {
    let mut iterated = occurrence;
    let mut parent = occurrence.parent()?;
    // Rust: `for x in &cases`, `for x in cases.iter()`.
    if kind(parent) == "reference_expression"
        && !named_children(parent)
            .iter()
            .any(|c| kind(*c) == "mutable_specifier")
    {
        iterated = parent;
        parent = parent.parent()?;
    } else if kind(parent) == "field_expression"
        && parent.field("value") == Some(occurrence)
        && parent
            .field("field")
            .is_some_and(|f| matches!(text(f, src), "iter" | "into_iter"))
    {
        let call = parent.parent()?;
        let no_arguments = call
            .field("arguments")
            .is_some_and(|a| named_children(a).is_empty());
        if kind(call) != "call_expression" || !no_arguments {
            return None;
        }
        iterated = call;
        parent = call.parent()?;
    }
    match kind(parent) {
        // Python: `for a, b in cases:`.
        "for_statement" if parent.field("right") == Some(iterated) => Some((parent, parent)),
        // Go: `for _, tt := range tests {` (a key other than `_` is an index).
        "range_clause" if parent.field("right") == Some(iterated) => {
            let left = parent.field("left")?;
            let vars = named_children(left);
            let [key, _value] = vars[..] else {
                return None;
            };
            let mut c = parent.walk();
            let declares = parent.children(&mut c).any(|t| text(t, src) == ":=");
            // A map's key is part of its row.
            if (text(key, src) != "_" && !keyed) || !declares {
                return None;
            }
            let looped = parent.parent()?;
            (kind(looped) == "for_statement").then_some((looped, looped))
        }
        // Rust: `for (a, b) in cases {`, as an expression statement.
        "for_expression" if parent.field("value") == Some(iterated) => {
            let statement = parent.parent()?;
            (kind(statement) == "expression_statement").then_some((statement, parent))
        }
        // JavaScript: `for (const [a, b] of cases) {` (not `var`, not `in`).
        "for_in_statement" if parent.field("right") == Some(iterated) => {
            let mut c = parent.walk();
            let tokens: Vec<&str> = parent
                .children(&mut c)
                .filter(|t| !t.is_named())
                .map(|t| text(t, src))
                .collect();
            let of = tokens.contains(&"of");
            let scoped = tokens.contains(&"const") || tokens.contains(&"let");
            (of && scoped).then_some((parent, parent))
        }
        _ => None,
    }
}

/// Whether the loop's body reads a name the test binds outside the loop (a local before it,
/// a parameter but the test's context `self` or Go's and AVA's `t`), which one row may
/// change for the next (`wants = iter([…])` read with `next(wants)`, a fixture's
/// `monkeypatch`); whether, in Python, it makes a function (a `lambda` run after the loop
/// sees the last row's values); whether, in Go, something in it runs later (`defer`, `go`,
/// `t.Parallel()`) while the loop's variables are not copied first (`tt := tt`: before Go
/// 1.22 every row shares them).
fn reads_what_outlives_a_row(
    looped: Node<'_>,
    statement: Node<'_>,
    table: Node<'_>,
    body: Node<'_>,
    top: &[Node<'_>],
    src: &str,
) -> bool {
    let Some(inner) = looped.field("body") else {
        return true;
    };
    let mut outer: BTreeSet<String> = BTreeSet::new();
    let mut context: Option<String> = None;
    for t in top {
        if t.id() != statement.id() && t.id() != table.id() {
            outer.extend(bound_in(*t, src));
        }
    }
    if let Some(params) = body
        .parent()
        .and_then(|f| f.field("parameters").or_else(|| f.field("parameter")))
    {
        let names = bound_names(params, src);
        // The test's context: Python's `self`, the first parameter of a Go test or of a
        // JavaScript test's callback.
        let context_first = names.first().is_some_and(|first| first == "self")
            || body.parent().is_some_and(|f| {
                matches!(
                    kind(f),
                    "function_declaration" | "arrow_function" | "function_expression" | "function"
                )
            });
        if context_first {
            context = names.first().cloned();
        }
        let skip = usize::from(context_first);
        outer.extend(names.into_iter().skip(skip));
    }
    let own = bound_in(looped, src);
    let mut stack = vec![inner];
    while let Some(m) = stack.pop() {
        let k = kind(m);
        if k == "identifier" && !is_member_name(m) {
            let name = text(m, src);
            if outer.contains(name) && !own.contains(name) {
                return true;
            }
            if context.as_deref() == Some(name) && !context_use_allowed(m, src) {
                return true;
            }
        }
        if matches!(k, "lambda" | "function_definition" | "match_statement") {
            return true;
        }
        if matches!(k, "call" | "call_expression") {
            let callee: String = m
                .field("function")
                .map(|f| text(f, src).split_whitespace().collect())
                .unwrap_or_default();
            let last = callee.rsplit(['.', ':']).next().unwrap_or("");
            if CHANGES_OR_STOPS.contains(&last) {
                return true;
            }
        }
        stack.extend(named_children(m));
    }
    // Go: what runs after its row.
    let later = text(inner, src)
        .split_whitespace()
        .collect::<String>()
        .contains(".Parallel(")
        || {
            let mut found = false;
            let mut stack = vec![inner];
            while let Some(m) = stack.pop() {
                if matches!(kind(m), "defer_statement" | "go_statement") {
                    found = true;
                    break;
                }
                stack.extend(named_children(m));
            }
            found
        };
    if later && kind(looped) == "for_statement" && looped.field("left").is_none() {
        let header: Vec<String> = named_children(looped)
            .into_iter()
            .find(|c| kind(*c) == "range_clause")
            .and_then(|r| r.field("left"))
            .map(|l| bound_names(l, src))
            .unwrap_or_default()
            .into_iter()
            .filter(|n| n != "_")
            .collect();
        let list = named_children(inner)
            .into_iter()
            .find(|c| kind(*c) == "statement_list")
            .unwrap_or(inner);
        let copied = |name: &str| {
            named_children(list).into_iter().any(|d| {
                kind(d) == "short_var_declaration"
                    && d.field("left").is_some_and(|l| text(l, src) == name)
                    && d.field("right").is_some_and(|r| text(r, src) == name)
            })
        };
        if !header.iter().all(|h| copied(h)) {
            return true;
        }
    }
    false
}

/// Calls that change what outlives a row (the environment, the working directory, a
/// module's attribute) or stop the test, by their last name, however they are reached
/// (`importorskip` imported by name, `t.Setenv`, `os.chdir`).
const CHANGES_OR_STOPS: [&str; 55] = [
    "skip",
    // Replaces or signals the process (`syscall.Exec`, `Command::new(…).exec()`,
    // `libc::execv`, `syscall.Kill`, a raw system call).
    "Exec",
    "exec",
    "execv",
    "execve",
    "execvp",
    "execl",
    "execlp",
    "Kill",
    "kill",
    "raise",
    "Tgkill",
    "Syscall",
    "Syscall6",
    "RawSyscall",
    "RawSyscall6",
    "syscall",
    "importorskip",
    "skipTest",
    "xfail",
    "exit",
    "_exit",
    "abort",
    "Skip",
    "Skipf",
    "SkipNow",
    "Goexit",
    "Exit",
    "Setenv",
    "Unsetenv",
    "Chdir",
    "chdir",
    "putenv",
    "unsetenv",
    "setenv",
    "delenv",
    "setattr",
    "delattr",
    "set_var",
    "remove_var",
    "set_current_dir",
    "syspath_prepend",
    "assign",
    "setitem",
    "Set",
    "setlocale",
    "simplefilter",
    "filterwarnings",
    "resetwarnings",
    "set_printoptions",
    "setrecursionlimit",
    "seed",
    "Seed",
    "setdefaulttimeout",
    "setdefault",
];

/// Whether a use of the test's context (`self`, Go's or AVA's `t`) inside a table's loop is
/// one that cannot skip, pause or change the test: a method that asserts or reports
/// (`self.assertEqual`, `t.Errorf`, `t.Run`, `t.is`), or the context handed to an
/// assertion library (`assert.Equal(t, …)`, `require.NoError(t, …)`), or a subtest's own
/// parameter; `t.Parallel()` is judged with what runs after its row. Handed to a helper of
/// the file, it could skip (`requireTool(t, name)`).
fn context_use_allowed(m: Node<'_>, src: &str) -> bool {
    const METHODS: [&str; 31] = [
        "subTest",
        "fail",
        "Parallel",
        "Error",
        "Errorf",
        "Fatal",
        "Fatalf",
        "Log",
        "Logf",
        "Helper",
        "Run",
        "Failed",
        "Fail",
        "FailNow",
        "is",
        "not",
        "deepEqual",
        "notDeepEqual",
        "like",
        "true",
        "false",
        "truthy",
        "falsy",
        "regex",
        "notRegex",
        "throws",
        "throwsAsync",
        "notThrows",
        "notThrowsAsync",
        "pass",
        "log",
    ];
    let Some(p) = m.parent() else {
        return false;
    };
    match kind(p) {
        // A subtest's parameter (`func(t *testing.T)`).
        "parameter_declaration" => true,
        "attribute" | "selector_expression" | "member_expression" => {
            let method = ["attribute", "field", "property"]
                .iter()
                .find_map(|f| p.field(f))
                .map_or("", |f| text(f, src));
            let called = p.parent().is_some_and(|c| {
                matches!(kind(c), "call" | "call_expression") && c.field("function") == Some(p)
            });
            called && (method.starts_with("assert") || METHODS.contains(&method))
        }
        "argument_list" | "arguments" => {
            p.parent()
                .and_then(|c| c.field("function"))
                .is_some_and(|f| {
                    let callee = text(f, src);
                    callee.starts_with("assert.") || callee.starts_with("require.")
                })
        }
        _ => false,
    }
}

/// The names `node` binds anywhere in it: assignment and loop targets, declarations,
/// `as` targets, parameters (of nested functions too).
fn bound_in(node: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    each_node(node, |m| {
        let places: Vec<Node<'_>> = match kind(m) {
            "assignment"
            | "augmented_assignment"
            | "for_statement"
            | "for_in_statement"
            | "short_var_declaration"
            | "range_clause" => m.field("left").into_iter().collect(),
            "named_expression" => m.field("name").into_iter().collect(),
            "as_pattern" => m.field("alias").into_iter().collect(),
            "var_spec" | "variable_declarator" | "function_definition" => {
                m.field("name").into_iter().collect()
            }
            "let_declaration" | "for_expression" => m.field("pattern").into_iter().collect(),
            "parameters" | "parameter_list" | "formal_parameters" | "closure_parameters"
            | "lambda_parameters" => vec![m],
            _ => Vec::new(),
        };
        for p in places {
            out.extend(bound_names(p, src));
        }
    });
    out
}

/// The identifiers of a binding place, in order (a target, a pattern, a parameter list;
/// not a type, a member's name or a default's names where the grammar says so).
fn bound_names(place: Node<'_>, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![place];
    while let Some(m) = stack.pop() {
        match kind(m) {
            "identifier" if !is_member_name(m) => out.push(text(m, src).to_owned()),
            "type" | "type_identifier" | "pointer_type" | "qualified_type" | "generic_type"
            | "type_annotation" => {}
            _ => {
                let mut children = named_children(m);
                children.reverse();
                stack.extend(children);
            }
        }
    }
    out
}

/// What a loop's body may not hold (see the module docs): a way out of the loop or the
/// test, a skip, an end of the process, a write that outlives the row.
fn loop_is_safe(looped: Node<'_>, body: Node<'_>, src: &str, rules: &dyn Rules) -> bool {
    let Some(inner) = looped.field("body") else {
        return false;
    };
    if ends_process(inner, src) {
        return false;
    }
    let python = kind(looped) == "for_statement" && looped.field("left").is_some();
    // Python: the loop's targets are plain names (`for self.x in …` writes what outlives the
    // row), and no `else` clause runs after the last row.
    if python
        && (looped.field("alternative").is_some()
            || looped
                .field("left")
                .map(targets)
                .unwrap_or_default()
                .iter()
                .any(|t| kind(*t) != "identifier"))
    {
        return false;
    }
    let mut bound: BTreeSet<String> = BTreeSet::new();
    // Python: the names changed in place (`xs.append(…)`, `x.f = …`): made inside the row.
    let mut in_place: BTreeSet<String> = BTreeSet::new();
    // (node, inside a function nested in the loop)
    let mut stack = vec![(inner, false)];
    while let Some((m, nested)) = stack.pop() {
        let k = kind(m);
        if rules.is_skip_call(m, src) || runs_code(m, src) {
            return false;
        }
        let leaves = matches!(
            k,
            "break_statement"
                | "break_expression"
                | "return_statement"
                | "return_expression"
                | "goto_statement"
                | "yield"
                | "yield_expression"
                | "try_expression"
                | "raise_statement"
                | "throw_statement"
                | "global_statement"
                | "nonlocal_statement"
                | "delete_statement"
                | "variable_declaration"
        ) || (matches!(k, "continue_statement" | "continue_expression")
            && !named_children(m).is_empty());
        // A function nested in the loop returns from itself; nothing else there leaves.
        let returns_from_nested = nested && matches!(k, "return_statement" | "return_expression");
        if leaves && !returns_from_nested {
            return false;
        }
        for target in written(m, src) {
            match root(target, src) {
                Some((name, rebinding)) => {
                    if python {
                        // `xs += extra` extends a list in place.
                        if !rebinding || k == "augmented_assignment" {
                            in_place.insert(name.to_owned());
                        }
                        bound.insert(name.to_owned());
                    } else if !declared_before(target, name, looped, src, rebinding) {
                        return false;
                    }
                }
                None => return false,
            }
        }
        let nested = nested || is_function_like(k);
        stack.extend(named_children(m).into_iter().map(|c| (c, nested)));
    }
    !python || python_names_stay_in_row(looped, inner, body, &bound, &in_place, src)
}

/// Whether `m` calls what runs code it is handed (`eval`, `exec`, an import by a computed
/// name, a subprocess): a row that is a string could then be code.
fn runs_code(m: Node<'_>, src: &str) -> bool {
    // Readers that build objects or calls from data, by their last name.
    const READERS: [&str; 24] = [
        "loads",
        "load",
        "unsafe_load",
        "full_load",
        "dictConfig",
        "fileConfig",
        "resolve_name",
        "import_string",
        "locate",
        "getattr",
        "attrgetter",
        "methodcaller",
        "runInNewContext",
        "runInThisContext",
        "runInContext",
        "compileFunction",
        "Script",
        "setTimeout",
        "setInterval",
        "Worker",
        "MethodByName",
        "FieldByName",
        "Open",
        "Symbol",
    ];
    const NAMES: [&str; 10] = [
        "exec",
        "eval",
        "compile",
        "Function",
        "__import__",
        "require",
        "import",
        "execfile",
        "runpy",
        "include",
    ];
    const ENDINGS: [&str; 20] = [
        ".import_module",
        ".run_path",
        ".run_module",
        ".system",
        ".popen",
        "Popen",
        "subprocess.run",
        "subprocess.call",
        ".check_call",
        ".check_output",
        ".getoutput",
        ".getstatusoutput",
        ".execSync",
        ".exec",
        ".spawn",
        ".spawnSync",
        ".execFile",
        ".execFileSync",
        "exec.Command",
        "Command::new",
    ];
    if !matches!(
        kind(m),
        "call" | "call_expression" | "macro_invocation" | "new_expression"
    ) {
        return false;
    }
    let Some(f) = m
        .field("function")
        .or_else(|| m.field("constructor"))
        .or_else(|| m.field("macro"))
    else {
        return false;
    };
    let callee: String = text(f, src).split_whitespace().collect();
    let last = callee.rsplit(['.', ':']).next().unwrap_or("");
    NAMES.contains(&callee.as_str())
        || READERS.contains(&last)
        || ENDINGS.iter().any(|e| callee.ends_with(e))
        || callee.starts_with("os.exec")
        || callee.starts_with("exec.CommandContext")
}

/// The places `m` writes to: assignment targets, incremented operands, the object of a
/// mutating method, `&mut x`. Declarations are not writes (a new name each row).
fn written<'t>(m: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let field = |f: &str| m.field(f).into_iter().collect::<Vec<_>>();
    match kind(m) {
        "assignment"
        | "augmented_assignment"
        | "assignment_expression"
        | "augmented_assignment_expression"
        | "compound_assignment_expr"
        // Python: a nested `for` binds its targets in the function's scope.
        | "for_statement" => field("left").into_iter().flat_map(targets).collect(),
        "assignment_statement" => field("left")
            .into_iter()
            .flat_map(named_children)
            .flat_map(targets)
            .collect(),
        "named_expression" => field("name"),
        "update_expression" => field("argument"),
        "inc_statement" | "dec_statement" => named_children(m),
        "as_pattern" => field("alias").into_iter().flat_map(targets).collect(),
        "reference_expression"
            if named_children(m)
                .iter()
                .any(|c| kind(*c) == "mutable_specifier") =>
        {
            vec![m]
        }
        // Go: `for _, x = range xs` assigns variables declared before.
        "range_clause"
            if {
                let mut c = m.walk();
                m.children(&mut c).any(|t| text(t, src) == "=")
            } =>
        {
            field("left").into_iter().flat_map(named_children).collect()
        }
        "call" | "call_expression" => {
            let Some(f) = m.field("function") else {
                return Vec::new();
            };
            // `next(it)` advances what it is handed: read as a write not rooted in a name.
            if text(f, src) == "next" {
                return vec![m];
            }
            let (object, method) = match kind(f) {
                "attribute" => (
                    f.field("object"),
                    f.field("attribute"),
                ),
                "member_expression" => (
                    f.field("object"),
                    f.field("property"),
                ),
                "selector_expression" => (
                    f.field("operand"),
                    f.field("field"),
                ),
                "field_expression" => (
                    f.field("value"),
                    f.field("field"),
                ),
                _ => (None, None),
            };
            match (object, method) {
                // The callee (`xs.append`): written through, in place.
                (Some(_), Some(name)) if mutates(text(name, src)) => vec![f],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// Whether a method of this name changes the object it is called on: the names an
/// assertion that writes is read by ([`super::analysis::mutates`]), and those that advance
/// an iterator or reorder a list in place.
fn mutates(method: &str) -> bool {
    super::analysis::mutates(method)
        || matches!(
            method,
            "next" | "Next" | "send" | "insert" | "remove" | "clear" | "sort" | "reverse"
        )
}

/// The targets a left-hand side names (each of a tuple or list of targets).
fn targets(left: Node<'_>) -> Vec<Node<'_>> {
    match kind(left) {
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "tuple"
        | "list"
        | "expression_list"
        | "parenthesized_expression"
        | "as_pattern_target" => named_children(left).into_iter().flat_map(targets).collect(),
        _ => vec![left],
    }
}

/// The variable a target writes through, and whether it rebinds that variable itself
/// (`x = …`) rather than changing what it holds (`x.f = …`, `x[i] = …`, `*x = …`). `None`
/// when a target is not rooted in a variable (`f().x = …`).
fn root<'s>(target: Node<'_>, src: &'s str) -> Option<(&'s str, bool)> {
    let mut m = target;
    let mut rebinding = true;
    loop {
        match kind(m) {
            "identifier" => return Some((text(m, src), rebinding)),
            // A Python starred target (`first, *rest = …`) rebinds the name.
            "list_splat_pattern" | "parenthesized_expression" => {
                m = *named_children(m).first()?;
            }
            "attribute" | "member_expression" | "subscript_expression" => {
                rebinding = false;
                m = m.field("object")?;
            }
            "subscript" | "field_expression" | "reference_expression" => {
                rebinding = false;
                m = m.field("value")?;
            }
            "selector_expression"
            | "index_expression"
            | "unary_expression"
            | "pointer_expression" => {
                rebinding = false;
                m = ["operand", "argument"]
                    .iter()
                    .find_map(|f| m.field(f))
                    .or_else(|| named_children(m).first().copied())?;
            }
            _ => return None,
        }
    }
}

/// Go, Rust, JavaScript: whether `name`, written at `target`, was declared inside the loop
/// before it, in a block around the write or as a parameter of a function around it; the
/// loop's own variables count only for a rebinding (a row's copy).
fn declared_before(
    target: Node<'_>,
    name: &str,
    looped: Node<'_>,
    src: &str,
    rebinding: bool,
) -> bool {
    let mut m = target;
    while let Some(p) = m.parent() {
        if p.id() == looped.id() {
            return rebinding && loop_declares(looped, name, src);
        }
        if matches!(kind(p), "block" | "statement_list" | "statement_block") {
            let declared = named_children(p).into_iter().any(|d| {
                d.end_byte() <= target.start_byte()
                    && matches!(
                        kind(d),
                        "short_var_declaration"
                            | "var_declaration"
                            | "let_declaration"
                            | "lexical_declaration"
                    )
                    && declares(d, name, src)
            });
            if declared {
                return true;
            }
        }
        if is_function_like(kind(p))
            && p.field("parameters")
                .is_some_and(|params| declares(params, name, src))
        {
            return true;
        }
        m = p;
    }
    false
}

/// Whether the declaration `d` (or a parameter list) declares `name`: an identifier of its
/// names (its patterns and parameters, not the values it binds them to).
fn declares(d: Node<'_>, name: &str, src: &str) -> bool {
    let names: Vec<Node<'_>> = match kind(d) {
        "short_var_declaration" => d.field("left").into_iter().collect(),
        "let_declaration" => d.field("pattern").into_iter().collect(),
        "lexical_declaration" | "var_declaration" => named_children(d)
            .into_iter()
            .filter_map(|c| c.field("name"))
            .collect(),
        _ => named_children(d)
            .into_iter()
            .map(|c| c.field("pattern").unwrap_or(c))
            .map(|c| c.field("name").unwrap_or(c))
            .collect(),
    };
    names.into_iter().any(|n| {
        let mut stack = vec![n];
        while let Some(m) = stack.pop() {
            if kind(m) == "identifier" && text(m, src) == name {
                return true;
            }
            // A type or a default value is not a name.
            if !matches!(
                kind(m),
                "type_identifier" | "primitive_type" | "generic_type" | "slice_type"
            ) {
                stack.extend(named_children(m));
            }
        }
        false
    })
}

/// The variables the loop itself declares (`tt` of `for _, tt := range`, a Rust pattern's
/// names, `x` of `for (const x of …)`).
fn loop_declares(looped: Node<'_>, name: &str, src: &str) -> bool {
    let header = match kind(looped) {
        "for_statement" => named_children(looped)
            .into_iter()
            .find(|c| kind(*c) == "range_clause")
            .and_then(|r| r.field("left")),
        "for_expression" => looped.field("pattern"),
        "for_in_statement" => looped.field("left"),
        _ => None,
    };
    header.is_some_and(|h| {
        let mut stack = vec![h];
        while let Some(m) = stack.pop() {
            if kind(m) == "identifier" && text(m, src) == name {
                return true;
            }
            stack.extend(named_children(m));
        }
        false
    })
}

/// Python: the names a loop binds (its own targets and those of its body) are read nowhere
/// else in the test (a name leaks out of a Python loop), and each one of the body's is first
/// met, inside the loop, where a plain assignment or a `with … as` at the top of the loop's
/// body binds it, from a value that does not read it (so no row reads a value an earlier
/// row left).
fn python_names_stay_in_row(
    looped: Node<'_>,
    inner: Node<'_>,
    body: Node<'_>,
    bound: &BTreeSet<String>,
    in_place: &BTreeSet<String>,
    src: &str,
) -> bool {
    let own: BTreeSet<&str> = looped
        .field("left")
        .map(targets)
        .unwrap_or_default()
        .into_iter()
        .filter(|t| kind(*t) == "identifier")
        .map(|t| text(t, src))
        .collect();
    let top = named_children(inner);
    bound
        .iter()
        .map(String::as_str)
        .chain(own.iter().copied())
        .all(|name| {
            let all = references(body, name, src);
            if all.iter().any(|r| !within(*r, looped)) {
                return false;
            }
            if own.contains(name) {
                // A row's own value, changed in place, may be another row's too.
                return !in_place.contains(name);
            }
            let Some(first) = all.iter().find(|r| within(**r, inner)) else {
                return false;
            };
            // The variable of a `for` nested in the loop, read only inside it.
            let nested_for = first.parent().and_then(|p| {
                let mut m = p;
                while kind(m) != "for_statement" {
                    if m.id() == inner.id() {
                        return None;
                    }
                    m = m.parent()?;
                }
                Some(m)
            });
            if let Some(f) = nested_for
                && f.field("left").is_some_and(|l| within(*first, l))
                && !in_place.contains(name)
                && all.iter().all(|r| within(*r, f))
            {
                return true;
            }
            // Up from the first occurrence to the statement at the top of the loop's body.
            let mut m = *first;
            let mut binder = None;
            while let Some(p) = m.parent() {
                if matches!(kind(p), "assignment" | "as_pattern") && binder.is_none() {
                    binder = Some(p);
                }
                if p.id() == inner.id() {
                    break;
                }
                m = p;
            }
            let Some(binder) = binder else {
                return false;
            };
            // The name itself is bound there (`x = …`, `a, x = …`), not written through
            // (`x.f = …`, `x[0] = …`).
            let bound_itself = first.parent().is_some_and(|p| {
                p.id() == binder.id()
                    || matches!(
                        kind(p),
                        "pattern_list"
                            | "tuple_pattern"
                            | "list_pattern"
                            | "as_pattern_target"
                            | "list_splat_pattern"
                    )
            });
            if !bound_itself {
                return false;
            }
            let at_top = top.iter().any(|t| t.id() == m.id());
            match kind(binder) {
                "assignment" => {
                    let left = binder.field("left");
                    at_top
                        && kind(m) == "expression_statement"
                        && left.is_some_and(|l| within(*first, l))
                        && binder
                            .field("right")
                            .is_none_or(|r| references(r, name, src).is_empty())
                }
                _ => {
                    at_top
                        && kind(m) == "with_statement"
                        && binder.field("alias").is_some_and(|a| within(*first, a))
                }
            }
        })
}

#[cfg(test)]
mod tests {
    use crate::sacred::rules::Rule;
    use crate::sacred::rules::testing::rules_with_base;

    /// The rules for the one sacred test of `old` (locked, and the base revision) once the
    /// file is `old` with `edits`.
    fn rules(path: &str, old: &str, edits: &[(&str, &str)]) -> Vec<Rule> {
        let mut new = old.to_owned();
        for (from, to) in edits {
            assert!(new.contains(from), "{path}: no {from:?} to edit");
            new = new.replacen(from, to, 1);
        }
        rules_with_base(path, old, old, &new)
    }

    #[track_caller]
    fn accepted(path: &str, old: &str, edits: &[(&str, &str)]) {
        let got = rules(path, old, edits);
        assert!(got.is_empty(), "{path}: {edits:?} should pass, got {got:?}");
    }

    /// Each `(what, from, to)` edit of `base` (a loop's shape) leaves `added` refused.
    #[track_caller]
    fn each_refused(path: &str, base: &str, shapes: &[(&str, &str, &str)], added: &[(&str, &str)]) {
        for (what, from, to) in shapes {
            let src = base.replacen(from, to, 1);
            assert_ne!(src, base, "{what}");
            let got = rules(path, &src, added);
            assert!(
                got.contains(&Rule::BodyChanged),
                "{path}: {what}: got {got:?}"
            );
        }
    }

    #[track_caller]
    fn refused(path: &str, old: &str, edits: &[(&str, &str)]) {
        let got = rules(path, old, edits);
        assert!(
            got.contains(&Rule::BodyChanged),
            "{path}: {edits:?} should be refused as body-changed, got {got:?}"
        );
    }

    /// A case appended to each fixture's table.
    const PY_ROW_ADDED: [(&str, &str); 1] = [("([], 0)]", "([], 0), ([5], 5)]")];
    const GO_ROW_ADDED: [(&str, &str); 1] =
        [("\t\t{nil, 0},\n", "\t\t{nil, 0},\n\t\t{[]int{5}, 5},\n")];
    const JS_ROW_ADDED: [(&str, &str); 1] = [("[[], 0]]", "[[], 0], [[5], 5]]")];

    const PY: &str = "tests/test_pay.py";
    const PY_SRC: &str = "from pay import total\n\n\n# gatekeeper:sacred\ndef test_total():\n    cases = [([1, 2], 3), ([], 0)]\n    for xs, want in cases:\n        got = total(xs)\n        assert got == want\n";

    #[test]
    fn python_cases_added_pass() {
        accepted(PY, PY_SRC, &PY_ROW_ADDED);
        accepted(PY, PY_SRC, &[("[([1, 2], 3),", "[([7], 7), ([1, 2], 3),")]);
        accepted(
            PY,
            PY_SRC,
            &[(
                "[([1, 2], 3), ([], 0)]",
                "[\n        ([1, 2], 3),\n        ([4], 4),\n        ([], 0),\n    ]",
            )],
        );
    }

    #[test]
    fn python_cases_changed_removed_or_reordered_are_refused() {
        refused(PY, PY_SRC, &[("([], 0)]", "([5], 5)]")]);
        refused(PY, PY_SRC, &[("[([1, 2], 3), ([], 0)]", "[([1, 2], 3)]")]);
        refused(
            PY,
            PY_SRC,
            &[("[([1, 2], 3), ([], 0)]", "[([], 0), ([1, 2], 3), ([5], 5)]")],
        );
        // A case that is a function, or that writes.
        refused(
            PY,
            PY_SRC,
            &[("([], 0)]", "([], 0), (setattr(pay, 'total', len), 0)]")],
        );
        refused(
            PY,
            PY_SRC,
            &[("([], 0)]", "([], 0), ((lambda: [9])(), 9)]")],
        );
    }

    #[test]
    fn cases_that_name_what_the_test_never_named_are_refused() {
        // A new object could run anything when the loop's body reads it.
        refused(PY, PY_SRC, &[("([], 0)]", "([], 0), (EVIL, 0)]")]);
        refused(PY, PY_SRC, &[("([], 0)]", "([], 0), (make_list(), 0)]")]);
        // A call is a callee the old cases called, with data.
        refused(PY, PY_SRC, &[("([], 0)]", "([], 0), ([total([2])], 2)]")]);
        let decimals = PY_SRC.replace("([1, 2], 3)", "([Decimal(\"1.5\")], Decimal(\"1.5\"))");
        accepted(
            PY,
            &decimals,
            &[("([], 0)]", "([], 0), ([Decimal(\"2\")], Decimal(\"2\"))]")],
        );
        refused(
            PY,
            &decimals,
            &[("([], 0)]", "([], 0), ([Decimal.from_float(2.0)], 2)]")],
        );
        refused(
            GO,
            GO_SRC,
            &[("\t\t{nil, 0},\n", "\t\t{nil, 0},\n\t\t{evil(), 0},\n")],
        );
        refused(
            GO,
            GO_SRC,
            &[(
                "\t\t{nil, 0},\n",
                "\t\t{nil, 0},\n\t\t{Evil{}.Ints(), 0},\n",
            )],
        );
        refused(
            RS,
            RS_SRC,
            &[("(&[][..], 0)]", "(&[][..], 0), (evil(), 0)]")],
        );
        refused(JS, JS_SRC, &[("[[], 0]]", "[[], 0], [evil, 0]]")]);
    }

    /// Rows and loop shapes that let a new row stop or fool the old ones (each was accepted
    /// by a first version of the rule, and each fools its runner: a test that failed passes).
    #[test]
    fn rows_that_run_code_and_loops_that_carry_state_are_refused() {
        let first = |row: &str| [("[([1, 2], 3),", format!("[({row}, 0), ([1, 2], 3),"))];
        let py = PY_SRC
            .replace(
                "from pay import total",
                "import os\nimport pytest\nfrom pay import total",
            )
            .replace(
                "        assert got == want\n",
                "        assert got == pytest.approx(want)\n        assert os.sep\n",
            );
        for row in [
            "pytest.exit(\"x\", 0)",
            "(total for total in ()).throw(pytest.skip.Exception)",
            "total.__globals__[\"__builtins__\"][\"exec\"](\"x = 1\") or []",
            "os._exit(0)",
        ] {
            let e = first(row);
            let got = rules(PY, &py, &[(e[0].0, e[0].1.as_str())]);
            assert!(got.contains(&Rule::BodyChanged), "{row}: got {got:?}");
        }
        let unit = "import unittest\n\nfrom pay import total\n\n\n# gatekeeper:sacred\nclass TestPay(unittest.TestCase):\n    def test_total(self):\n        cases = [([1, 2], 3), ([], 0)]\n        for xs, want in cases:\n            got = total(xs)\n            self.assertEqual(got, want)\n";
        refused(
            PY,
            unit,
            &[(
                "[([1, 2], 3),",
                "[([self.skipTest][0](\"x\"), 0), ([1, 2], 3),",
            )],
        );
        let cleanup = unit.replace(
            "            got = total(xs)\n            self.assertEqual(got, want)\n",
            "            self.addCleanup(lambda: self.assertEqual(total(xs), want))\n",
        );
        refused(PY, &cleanup, &[("([], 0)]", "([], 0), ([], 0)]")]);
        let fixture = PY_SRC
            .replace("def test_total():", "def test_total(monkeypatch):")
            .replace(
                "        got = total(xs)\n",
                "        monkeypatch.setenv(\"N\", str(xs))\n        got = total(xs)\n",
            );
        refused(PY, &fixture, &PY_ROW_ADDED);
        let iterator = PY_SRC
            .replace("    cases = [", "    wants = iter([3, 0])\n    cases = [")
            .replace(
                "        got = total(xs)\n",
                "        want = next(wants, None)\n        got = total(xs)\n",
            );
        refused(PY, &iterator, &PY_ROW_ADDED);

        let rs_vec = RS_SRC
            .replace(
                "let cases = [(&[1, 2][..], 3), (&[][..], 0)];",
                "let cases = vec![(vec![1, 2], 3), (vec![], 0)];",
            )
            .replace("total(xs)", "total(&xs)");
        refused(
            RS,
            &rs_vec,
            &[("(vec![], 0)]", "(vec![], 0), (vec![5], return)]")],
        );

        let go_fn = GO_SRC
            .replace("\t\tin   []int\n", "\t\tsetup func()\n\t\tin   []int\n")
            .replace(
                "\t\t{[]int{1, 2}, 3},\n\t\t{nil, 0},\n",
                "\t\t{func() {}, []int{1, 2}, 3},\n\t\t{func() {}, nil, 0},\n",
            )
            .replace("\t\tt.Run(", "\t\ttt.setup()\n\t\tt.Run(");
        refused(
            GO,
            &go_fn,
            &[(
                "\t\t{func() {}, []int{1, 2}, 3},\n",
                "\t\t{t.SkipNow, nil, 0},\n\t\t{func() {}, []int{1, 2}, 3},\n",
            )],
        );
        let go_map = GO_SRC
            .replace("tests := []struct {", "tests := map[string]struct {")
            .replace(
                "\t\t{[]int{1, 2}, 3},\n\t\t{nil, 0},\n",
                "\t\t\"pair\": {[]int{1, 2}, 3},\n\t\t\"none\": {nil, 0},\n",
            )
            .replace("for _, tt := range tests", "for name, tt := range tests")
            .replace("t.Run(\"case\",", "t.Run(name,");
        refused(
            GO,
            &go_map,
            &[(
                "\t\t\"none\": {nil, 0},\n",
                "\t\t\"none\": {nil, 0},\n\t\tt.Name()[:0] + \"pair\": {nil, 0},\n",
            )],
        );
        let parallel = GO_SRC.replace(
            "func(t *testing.T) {\n",
            "func(t *testing.T) {\n\t\t\tt.Parallel()\n",
        );
        refused(GO, &parallel, &GO_ROW_ADDED);
        let copied = parallel.replace(
            "\tfor _, tt := range tests {\n",
            "\tfor _, tt := range tests {\n\t\ttt := tt\n",
        );
        accepted(GO, &copied, &GO_ROW_ADDED);
        let deferred = GO_SRC.replace(
            "\t\tt.Run(",
            "\t\tdefer func() { _ = Total(tt.in) }()\n\t\tt.Run(",
        );
        refused(GO, &deferred, &GO_ROW_ADDED);

        let js = JS_SRC.replace(
            "    expect(got).toBe(want);\n",
            "    expect(got).toBe(want);\n    expect(process.env.CI).toBeUndefined();\n",
        );
        refused(
            JS,
            &js,
            &[("[[[1, 2], 3],", "[[process.exit(0), 0], [[1, 2], 3],")],
        );
        refused(
            JS,
            JS_SRC,
            &[(
                "[[[1, 2], 3],",
                "[[total.constructor(\"x\")() || [], 0], [[1, 2], 3],",
            )],
        );
        let mocha = JS_SRC.replace("test('total', () => {", "it('total', function () {");
        refused(
            JS,
            &mocha,
            &[(
                "[[[1, 2], 3],",
                "[[[this.skip][0].call(this), 0], [[1, 2], 3],",
            )],
        );
    }

    /// A second round of attacks: loop bodies that read rows as code or carry a row's
    /// effects through the test's own calls, and skips out of sight.
    #[test]
    fn loops_that_read_rows_as_code_or_stop_out_of_sight_are_refused() {
        let py = |body: &str| {
            format!(
                "import logging.config\nimport pickle\nimport pkgutil\nimport settings\nfrom pytest import importorskip\n\nfrom pay import total\n\n\n# gatekeeper:sacred\ndef test_total():\n    cases = [(\"a\", 3), (\"b\", 0)]\n    for data, want in cases:\n{body}"
            )
        };
        let added = [("(\"b\", 0)]", "(\"b\", 0), (\"c\", 5)]")];
        for body in [
            "        assert pickle.loads(data) == want\n",
            "        logging.config.dictConfig(data)\n        assert total([]) == want\n",
            "        fn = pkgutil.resolve_name(data)\n        assert fn(want) == want\n",
            "        setattr(settings, data, want)\n        assert total([]) == want\n",
            "        codec = importorskip(data)\n        assert total(codec) == want\n",
            "        match total(data):\n            case {\"cents\": cents}:\n                pass\n        assert cents == want\n",
        ] {
            let src = py(body);
            let got = rules(PY, &src, &added);
            assert!(got.contains(&Rule::BodyChanged), "{body}: got {got:?}");
        }
        accepted(
            PY,
            &py("        got = total(data)\n        assert got == want\n"),
            &added,
        );
        // A dictionary literal is data.
        let dict = PY_SRC.replace("([1, 2], 3)", "({\"a\": 1}, 3)");
        accepted(PY, &dict, &[("([], 0)]", "([], 0), ({\"a\": 2}, 2)]")]);

        let js = JS_SRC
            .replace(
                "const { total } = require('../pay');",
                "const vm = require('vm');\nconst { total } = require('../pay');",
            )
            .replace(
                "    const got = total(xs);\n",
                "    const got = vm.runInNewContext(xs, { total });\n",
            )
            .replace(
                "[[[1, 2], 3], [[], 0]]",
                "[['total([1, 2])', 3], ['total([])', 0]]",
            );
        refused(
            JS,
            &js,
            &[("['total([])', 0]]", "['total([])', 0], ['total([5])', 5]]")],
        );

        let go_added = [("\t\t{nil, 0},\n", "\t\t{nil, 0},\n\t\t{[]int{5}, 5},\n")];
        each_refused(
            GO,
            GO_SRC,
            &[
                (
                    "t.Setenv",
                    "\t\tt.Run(",
                    "\t\tt.Setenv(\"N\", \"1\")\n\t\tt.Run(",
                ),
                (
                    "a helper handed t",
                    "\t\tt.Run(",
                    "\t\trequireTool(t, tt.in)\n\t\tt.Run(",
                ),
                (
                    "a helper handed the subtest's t",
                    "\t\t\tgot := Total",
                    "\t\t\t_ = env(t)\n\t\t\tgot := Total",
                ),
                (
                    "t.Parallel over two lines",
                    "\t\t\tgot := Total",
                    "\t\t\tt.Parallel( // no state\n\t\t\t)\n\t\t\tgot := Total",
                ),
            ],
            &go_added,
        );
    }

    /// A third round: a row that retypes the others, state changed through a library's
    /// setter, a subtest renamed by a duplicate name, a list extended in place.
    #[test]
    fn rows_that_retype_rename_or_extend_the_others_are_refused() {
        let floats = "use pay::total;\n\n// gatekeeper:sacred\n#[test]\nfn products() {\n    let cases = [(0.1, 3.0, 0.3), (0.5, 2.0, 1.0)];\n    for (a, b, want) in cases {\n        assert_eq!(a * b, want);\n    }\n}\n";
        refused(
            RS,
            floats,
            &[("(0.5, 2.0, 1.0)]", "(0.5, 2.0, 1.0), (1.0f32, 1.0, 1.0)]")],
        );
        accepted(
            RS,
            floats,
            &[("(0.5, 2.0, 1.0)]", "(0.5, 2.0, 1.0), (1.5, 2.0, 3.0)]")],
        );
        let env = JS_SRC.replace(
            "  for (const [xs, want] of cases) {\n",
            "  for (const [xs, want] of cases) {\n    Object.assign(process.env, xs);\n",
        );
        refused(JS, &env, &JS_ROW_ADDED);
        let setitem = PY_SRC.replace(
            "        got = total(xs)\n",
            "        operator.setitem(os.environ, \"N\", str(xs))\n        got = total(xs)\n",
        );
        refused(PY, &setitem, &PY_ROW_ADDED);
        let golden = GO_SRC.replace(
            "\t\t\tgot := Total(tt.in)\n",
            "\t\t\t_ = t.Name()\n\t\t\tgot := Total(tt.in)\n",
        );
        refused(GO, &golden, &GO_ROW_ADDED);
        let extended = "from pay import total\n\nBASE = [1, 2]\n\n\n# gatekeeper:sacred\ndef test_total():\n    cases = [(BASE, [], 3), ([4], [], 4)]\n    for xs, extra, want in cases:\n        xs += extra\n        assert total(xs) == want\n";
        refused(
            PY,
            extended,
            &[(
                "cases = [(BASE, [], 3),",
                "cases = [(BASE, [0], 3), (BASE, [], 3),",
            )],
        );
    }

    #[test]
    fn python_loops_that_let_one_case_decide_are_refused() {
        let added = [("([], 0)]", "([], 0), ([5], 5)]")];
        for (what, loop_body) in [
            (
                "an else clause",
                "        got = total(xs)\n        assert got == want\n    else:\n        pytest.skip('x')\n",
            ),
            (
                "code run from a case",
                "        exec(code)\n        got = total(xs)\n        assert got == want\n",
            ),
            (
                "a subprocess",
                "        subprocess.run(['python', '-c', code])\n        got = total(xs)\n        assert got == want\n",
            ),
            (
                "a break",
                "        got = total(xs)\n        if got == 8:\n            break\n        assert got == want\n",
            ),
            (
                "a return",
                "        got = total(xs)\n        if not xs:\n            return\n        assert got == want\n",
            ),
            (
                "a skip",
                "        got = total(xs)\n        if got > 4:\n            pytest.skip('big')\n        assert got == want\n",
            ),
            (
                "an accumulator",
                "        got = total(xs)\n        seen += got\n        assert got == want\n",
            ),
            (
                "a list grown in place",
                "        got = total(xs)\n        results.append(got == want)\n",
            ),
            (
                "a value carried to the next case",
                "        if xs:\n            got = total(xs)\n        assert got == want\n",
            ),
            (
                "self written",
                "        self.got = total(xs)\n        assert self.got == want\n",
            ),
            (
                "an exit",
                "        got = total(xs)\n        if got > 4:\n            os._exit(0)\n        assert got == want\n",
            ),
        ] {
            let src = PY_SRC.replace(
                "        got = total(xs)\n        assert got == want\n",
                loop_body,
            );
            let got = rules(PY, &src, &added);
            assert!(got.contains(&Rule::BodyChanged), "{what}: got {got:?}");
        }
        // The loop's variable read after it, or the table read otherwise.
        let after = PY_SRC.to_owned() + "    assert got == 0\n";
        refused(PY, &after, &added);
        let attribute = PY_SRC.replace("for xs, want in cases:", "for xs, self.want in cases:");
        refused(PY, &attribute, &added);
        let indexed = PY_SRC.replace(
            "for xs, want in cases:",
            "for i, (xs, want) in enumerate(cases):",
        );
        refused(PY, &indexed, &added);
        let counted = PY_SRC.to_owned() + "    assert len(cases) == 2\n";
        refused(PY, &counted, &added);
        // A test that passes by failing.
        let xfail = PY_SRC.replace("def test_total", "@pytest.mark.xfail\ndef test_total");
        refused(PY, &xfail, &added);
    }

    #[test]
    fn python_names_made_inside_each_case_pass() {
        let src = PY_SRC.replace(
            "        got = total(xs)\n        assert got == want\n",
            "        seen = []\n        seen.append(total(xs))\n        with open('x') as f:\n            f.read()\n        for x in xs:\n            assert total([x]) == x\n        assert seen == [want]\n",
        );
        accepted(PY, &src, &PY_ROW_ADDED);
    }

    const GO: &str = "pay/pay_test.go";
    const GO_SRC: &str = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\ttests := []struct {\n\t\tin   []int\n\t\twant int\n\t}{\n\t\t{[]int{1, 2}, 3},\n\t\t{nil, 0},\n\t}\n\tfor _, tt := range tests {\n\t\tt.Run(\"case\", func(t *testing.T) {\n\t\t\tgot := Total(tt.in)\n\t\t\tif got != tt.want {\n\t\t\t\tt.Errorf(\"got %d, want %d\", got, tt.want)\n\t\t\t}\n\t\t})\n\t}\n}\n";

    #[test]
    fn go_rows_added_pass() {
        accepted(GO, GO_SRC, &GO_ROW_ADDED);
        accepted(
            GO,
            GO_SRC,
            &[(
                "\t\t{[]int{1, 2}, 3},\n",
                "\t\t{[]int{4}, 4},\n\t\t{[]int{1, 2}, 3},\n",
            )],
        );
    }

    #[test]
    fn go_rows_changed_or_loops_that_let_one_row_decide_are_refused() {
        let added = [("\t\t{nil, 0},\n", "\t\t{nil, 0},\n\t\t{[]int{5}, 5},\n")];
        refused(GO, GO_SRC, &[("\t\t{nil, 0},\n", "\t\t{[]int{5}, 5},\n")]);
        // A column added changes the head.
        refused(
            GO,
            GO_SRC,
            &[
                ("\t\twant int\n", "\t\twant int\n\t\tskip bool\n"),
                ("\t\t{nil, 0},\n", "\t\t{nil, 0, false},\n"),
            ],
        );
        each_refused(
            GO,
            GO_SRC,
            &[
                (
                    "an index",
                    "for _, tt := range tests",
                    "for i, tt := range tests",
                ),
                (
                    "a break",
                    "\t\tt.Run(",
                    "\t\tif tt.want == 5 {\n\t\t\tbreak\n\t\t}\n\t\tt.Run(",
                ),
                (
                    "a return",
                    "\t\tt.Run(",
                    "\t\tif tt.want == 5 {\n\t\t\treturn\n\t\t}\n\t\tt.Run(",
                ),
                (
                    "a skip",
                    "\t\tt.Run(",
                    "\t\tif tt.want == 5 {\n\t\t\tt.Skip()\n\t\t}\n\t\tt.Run(",
                ),
                (
                    "an accumulator",
                    "\t\tt.Run(",
                    "\t\tsum += tt.want\n\t\tt.Run(",
                ),
                (
                    "a recover",
                    "\ttests := []struct",
                    "\tdefer func() { recover() }()\n\ttests := []struct",
                ),
                (
                    "the table read",
                    "\tfor _, tt := range tests {",
                    "\t_ = len(tests)\n\tfor _, tt := range tests {",
                ),
            ],
            &added,
        );
    }

    #[test]
    fn go_map_rows_added_pass_and_changed_are_refused() {
        let map = GO_SRC
            .replace("tests := []struct {", "tests := map[string]struct {")
            .replace(
                "\t\t{[]int{1, 2}, 3},\n\t\t{nil, 0},\n",
                "\t\t\"pair\": {[]int{1, 2}, 3},\n\t\t\"none\": {nil, 0},\n",
            )
            .replace("for _, tt := range tests", "for name, tt := range tests")
            .replace("t.Run(\"case\",", "t.Run(name,");
        accepted(
            GO,
            &map,
            &[(
                "\t\t\"none\": {nil, 0},\n",
                "\t\t\"none\": {nil, 0},\n\t\t\"five\": {[]int{5}, 5},\n",
            )],
        );
        refused(
            GO,
            &map,
            &[(
                "\t\t\"none\": {nil, 0},\n",
                "\t\t\"none\": {[]int{5}, 5},\n",
            )],
        );
        // A slice's key is an index: refused there.
        let indexed = GO_SRC
            .replace("for _, tt := range tests", "for name, tt := range tests")
            .replace("t.Run(\"case\",", "t.Run(fmt.Sprint(name),");
        refused(GO, &indexed, &GO_ROW_ADDED);
    }

    const RS: &str = "tests/pay.rs";
    const RS_SRC: &str = "use pay::total;\n\n// gatekeeper:sacred\n#[test]\nfn totals() {\n    let cases = [(&[1, 2][..], 3), (&[][..], 0)];\n    for (xs, want) in cases {\n        let got = total(xs);\n        assert_eq!(got, want);\n    }\n}\n";

    #[test]
    fn rust_cases_added_pass() {
        accepted(
            RS,
            RS_SRC,
            &[("(&[][..], 0)]", "(&[][..], 0), (&[5][..], 5)]")],
        );
        let vec = RS_SRC
            .replace(
                "let cases = [(&[1, 2][..], 3), (&[][..], 0)];",
                "let cases = vec![(vec![1, 2], 3), (vec![], 0)];",
            )
            .replace("total(xs)", "total(&xs)");
        accepted(RS, &vec, &[("(vec![], 0)]", "(vec![], 0), (vec![5], 5)]")]);
        let iter = RS_SRC.replace("in cases {", "in cases.iter() {");
        accepted(
            RS,
            &iter,
            &[("(&[][..], 0)]", "(&[][..], 0), (&[5][..], 5)]")],
        );
    }

    #[test]
    fn rust_loops_that_let_one_case_decide_or_expected_panics_are_refused() {
        let added = [("(&[][..], 0)]", "(&[][..], 0), (&[5][..], 5)]")];
        refused(RS, RS_SRC, &[("(&[][..], 0)]", "(&[5][..], 5)]")]);
        each_refused(
            RS,
            RS_SRC,
            &[
                (
                    "a command",
                    "        let got",
                    "        std::process::Command::new(\"sh\").status().unwrap();\n        let got",
                ),
                ("a should_panic", "#[test]\n", "#[test]\n#[should_panic]\n"),
                (
                    "a break",
                    "        let got",
                    "        if want == 5 {\n            break;\n        }\n        let got",
                ),
                (
                    "an accumulator",
                    "        let got",
                    "        sum += want;\n        let got",
                ),
                (
                    "a push",
                    "        let got",
                    "        seen.push(want);\n        let got",
                ),
                ("a `mut` table", "let cases", "let mut cases"),
                (
                    "an index",
                    "for (xs, want) in cases",
                    "for (i, (xs, want)) in cases.iter().enumerate()",
                ),
            ],
            &added,
        );
    }

    const JS: &str = "tests/pay.test.js";
    const JS_SRC: &str = "const { total } = require('../pay');\n\n// gatekeeper:sacred\ntest('total', () => {\n  const cases = [[[1, 2], 3], [[], 0]];\n  for (const [xs, want] of cases) {\n    const got = total(xs);\n    expect(got).toBe(want);\n  }\n});\n";
    const TS: &str = "tests/pay.test.ts";
    const TS_SRC: &str = "import { total } from '../pay';\n\n// gatekeeper:sacred\ntest('total', () => {\n  const cases: Array<[number[], number]> = [[[1, 2], 3], [[], 0]];\n  for (const [xs, want] of cases) {\n    const got: number = total(xs);\n    expect(got).toBe(want);\n  }\n});\n";

    #[test]
    fn javascript_and_typescript_cases_added_pass() {
        accepted(JS, JS_SRC, &JS_ROW_ADDED);
        accepted(TS, TS_SRC, &JS_ROW_ADDED);
    }

    #[test]
    fn javascript_and_typescript_loops_that_let_one_case_decide_are_refused() {
        let added = [("[[], 0]]", "[[], 0], [[5], 5]]")];
        refused(JS, JS_SRC, &[("[[], 0]]", "[[5], 5]]")]);
        refused(TS, TS_SRC, &[("[[], 0]]", "[[5], 5]]")]);
        for (what, from, to) in [
            (
                "an eval",
                "    const got",
                "    eval(String(want));\n    const got",
            ),
            (
                "a break",
                "    const got",
                "    if (want === 5) break;\n    const got",
            ),
            (
                "a return",
                "    const got",
                "    if (want === 5) return;\n    const got",
            ),
            (
                "an accumulator",
                "    const got",
                "    sum += want;\n    const got",
            ),
            (
                "a push",
                "    const got",
                "    seen.push(want);\n    const got",
            ),
            (
                "a var",
                "    const got",
                "    var last = want;\n    const got",
            ),
            (
                "for in",
                "for (const [xs, want] of cases)",
                "for (const k in cases)",
            ),
            (
                "a function case",
                "[[], 0]]",
                "[[], 0], [(() => [1])(), 1]]",
            ),
            (
                "an expected failure",
                "test('total'",
                "test.failing('total'",
            ),
        ] {
            for (path, base) in [(JS, JS_SRC), (TS, TS_SRC)] {
                let src = base.replacen(from, to, 1);
                assert_ne!(src, base, "{what}");
                let edits: &[(&str, &str)] = if what == "a function case" {
                    &[]
                } else {
                    &added
                };
                let got = if edits.is_empty() {
                    rules_with_base(path, base, base, &src)
                } else {
                    rules(path, &src, edits)
                };
                assert!(
                    got.contains(&Rule::BodyChanged),
                    "{path}: {what}: got {got:?}"
                );
            }
        }
    }
}
