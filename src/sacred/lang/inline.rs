//! A file read with the calls of its own helper functions written out in place (Python,
//! JavaScript and TypeScript): `check_refund(got, 100)` becomes the helper's `assert got ==
//! 100`. A test whose checks moved into a helper reads, so, as it did before, and is compared
//! with its lock that way.
//!
//! **Invariant:** a call is written out only when the reading means what the call does. The
//! rules are narrow on purpose: two attacks on a broader first version found 34 edits it
//! accepted that check less (arguments evaluated elsewhere or changed while the helper ran,
//! conversions of Go values at the call, operator precedence, closures, `await` ticks, names
//! captured either way). Go is not read this way: what a call converts (a typed nil into an
//! interface, a value into a named type with methods, an untyped constant) cannot be known
//! without its types.
//! - The helper is a plain function of the file's top level, defined once and bound by
//!   nothing else in the file (Python: no decorator, `async`, default, keyword or star
//!   parameter, no `global` naming it, no star import, no `globals()` or `sys.modules`;
//!   JavaScript: a `function` declaration or a `const` arrow function with a block body,
//!   neither `async` nor a generator, declared nowhere else and assigned nowhere).
//! - Its body is statements that run straight through and define nothing that outlives
//!   them: no `return`, `yield`, `await`, nested function, lambda, class, comprehension,
//!   generator expression, `match`, `global`, `nonlocal`, `del` (Python) or `this`,
//!   `arguments`, `super`, `var`, label, `with` (JavaScript); it assigns to no parameter.
//! - The call is a statement of its own, on a line of its own, in a block of a function,
//!   handing one literal (no f-string or template substitution) or one name per parameter.
//!   A name must be a local of the innermost function around the call that nothing else can
//!   write while the helper runs: bound in that function's own scope (not only in a nested
//!   one), never declared `global` or `nonlocal` (Python), not bound at the module's top and
//!   assigned by no function inside the caller (JavaScript).
//! - No name the helper binds is one the outermost function around the call mentions, and no
//!   other name the helper reads is one that function binds.
//! - One call per function is written out per round (what it binds is then the caller's when
//!   the next is read), up to [`ROUNDS`] rounds; a statement holding a string over several
//!   lines is written out only at its own indentation.
//!
//! Anything else is left as the call, which the check compares as written.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use tree_sitter::Node;

use super::super::analysis::{kind, named_children, text};
use super::Lang;

/// The node kinds of one language, as this reading needs them.
struct Grammar {
    python: bool,
    call: &'static str,
    literals: &'static [&'static str],
    /// What a helper's body may not hold anywhere.
    forbidden: &'static [&'static str],
    /// Kinds that open a scope of their own.
    scopes: &'static [&'static str],
}

const PYTHON: Grammar = Grammar {
    python: true,
    call: "call",
    literals: &["string", "integer", "float", "true", "false", "none"],
    forbidden: &[
        "return_statement",
        "yield",
        "await",
        "global_statement",
        "nonlocal_statement",
        "function_definition",
        "class_definition",
        "decorated_definition",
        "lambda",
        "list_comprehension",
        "set_comprehension",
        "dictionary_comprehension",
        "generator_expression",
        "match_statement",
        "delete_statement",
    ],
    scopes: &[
        "function_definition",
        "lambda",
        "class_definition",
        "list_comprehension",
        "set_comprehension",
        "dictionary_comprehension",
        "generator_expression",
    ],
};

const JS: Grammar = Grammar {
    python: false,
    call: "call_expression",
    literals: &["string", "number", "true", "false", "null"],
    forbidden: &[
        "return_statement",
        "yield_expression",
        "await_expression",
        "this",
        "super",
        "meta_property",
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "class",
        "arrow_function",
        "function_expression",
        "function",
        "generator_function",
        "method_definition",
        "labeled_statement",
        "with_statement",
        "variable_declaration",
    ],
    scopes: &[
        "arrow_function",
        "function_expression",
        "function",
        "function_declaration",
        "generator_function",
        "generator_function_declaration",
        "method_definition",
        "class_declaration",
        "class",
    ],
};

/// How many rounds of writing out calls (one per function each) a reading takes at most.
const ROUNDS: usize = 12;

/// `src` with its helper calls written out (see the module docs); `None` when no call could
/// be, or for a language this reading does not cover.
pub(crate) fn inlined(lang: Lang, src: &str, root: Node<'_>) -> Option<String> {
    let g = match lang {
        Lang::Python => &PYTHON,
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => &JS,
        Lang::Go | Lang::Rust => return None,
    };
    let mut out = round(g, src, root)?;
    for _ in 1..ROUNDS {
        let Ok(Some(tree)) = super::parse_clean(lang, "", &out) else {
            break;
        };
        match round(g, &out, tree.root_node()) {
            Some(next) => out = next,
            None => break,
        }
    }
    Some(out)
}

/// A helper function of the file that may be written out.
struct Helper<'t> {
    params: Vec<String>,
    /// The statements of its body, a docstring left out.
    body: Vec<Node<'t>>,
    /// The names its body binds.
    binds: BTreeSet<String>,
    /// Every name its body mentions.
    mentions: BTreeSet<String>,
}

/// The functions around a call: the outermost (whose names the capture checks read) and the
/// innermost (whose locals an argument may name).
#[derive(Clone, Copy)]
struct Callers<'t> {
    outer: Node<'t>,
    inner: Node<'t>,
}

fn round(g: &Grammar, src: &str, root: Node<'_>) -> Option<String> {
    let helpers = helpers(g, src, root);
    if helpers.is_empty() {
        return None;
    }
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut edited: BTreeSet<usize> = BTreeSet::new();
    let mut stack: Vec<(Node<'_>, Option<Callers<'_>>)> = vec![(root, None)];
    while let Some((n, callers)) = stack.pop() {
        let callers = if is_function(g, n) {
            Some(Callers {
                outer: callers.map_or(n, |c| c.outer),
                inner: n,
            })
        } else {
            callers
        };
        if let Some(c) = callers
            && !edited.contains(&c.outer.id())
            && let Some(text) = written_out(g, src, n, c, &helpers)
        {
            edits.push((n.byte_range(), text));
            edited.insert(c.outer.id());
            continue;
        }
        for child in named_children(n) {
            stack.push((child, callers));
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    for (range, text) in edits {
        out.push_str(&src[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&src[at..]);
    Some(out)
}

fn is_function(g: &Grammar, n: Node<'_>) -> bool {
    if g.python {
        kind(n) == "function_definition"
    } else {
        matches!(
            kind(n),
            "arrow_function"
                | "function_expression"
                | "function"
                | "function_declaration"
                | "method_definition"
                | "generator_function"
                | "generator_function_declaration"
        )
    }
}

/// The top-level functions of the file that may be written out, by name.
fn helpers<'t>(g: &Grammar, src: &str, root: Node<'t>) -> BTreeMap<String, Helper<'t>> {
    if g.python {
        python_helpers(src, root)
    } else {
        js_helpers(src, root)
    }
}

fn python_helpers<'t>(src: &str, root: Node<'t>) -> BTreeMap<String, Helper<'t>> {
    // `globals()` and `sys.modules` may bind any name of the module.
    if src.contains("globals()") || src.contains("sys.modules") {
        return BTreeMap::new();
    }
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    let mut found: BTreeMap<String, Helper<'t>> = BTreeMap::new();
    for top in named_children(root) {
        match kind(top) {
            "function_definition" | "class_definition" => {
                let Some(name) = top.child_by_field_name("name").map(|n| text(n, src)) else {
                    continue;
                };
                *count.entry(name.to_owned()).or_default() += 1;
                if kind(top) == "function_definition"
                    && let Some(h) = helper(&PYTHON, src, top)
                {
                    found.insert(name.to_owned(), h);
                }
            }
            // Anything else: every name it mentions counts as bound (an assignment, an
            // import, an `if` around definitions), which only keeps a helper out.
            _ => {
                let mut names = BTreeSet::new();
                identifiers(top, src, &mut names);
                for name in names {
                    *count.entry(name).or_default() += 1;
                }
            }
        }
    }
    found.retain(|name, _| count.get(name) == Some(&1));
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            // `from helpers import *` may bind any name again.
            "wildcard_import" => return BTreeMap::new(),
            // Another function may bind it again (`global check`).
            "global_statement" => {
                for name in named_children(n) {
                    found.remove(text(name, src));
                }
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    found
}

/// JavaScript/TypeScript: the file's top-level `function` declarations and `const` bindings of
/// an arrow function, declared nowhere else in the file and assigned nowhere (a `function`'s
/// name can be assigned to; a `var` in a block binds the module's name).
fn js_helpers<'t>(src: &str, root: Node<'t>) -> BTreeMap<String, Helper<'t>> {
    let mut found: BTreeMap<String, Helper<'t>> = BTreeMap::new();
    for top in named_children(root) {
        let decl = if kind(top) == "export_statement" {
            match top.child_by_field_name("declaration") {
                Some(d) => d,
                None => continue,
            }
        } else {
            top
        };
        match kind(decl) {
            "function_declaration" => {
                if let Some(name) = decl.child_by_field_name("name")
                    && let Some(h) = helper(&JS, src, decl)
                {
                    found.insert(text(name, src).to_owned(), h);
                }
            }
            "lexical_declaration" if text(decl, src).trim_start().starts_with("const") => {
                let declarators = named_children(decl);
                if let [d] = declarators.as_slice()
                    && kind(*d) == "variable_declarator"
                    && let (Some(n), Some(v)) = (
                        d.child_by_field_name("name"),
                        d.child_by_field_name("value"),
                    )
                    && kind(n) == "identifier"
                    && kind(v) == "arrow_function"
                    && let Some(h) = helper(&JS, src, v)
                {
                    found.insert(text(n, src).to_owned(), h);
                }
            }
            _ => {}
        }
    }
    // Declared or assigned anywhere else: every binding and assignment of the file counts.
    let mut declared: BTreeMap<String, usize> = BTreeMap::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let mut names = BTreeSet::new();
        match kind(n) {
            "variable_declarator"
            | "function_declaration"
            | "generator_function_declaration"
            | "class_declaration"
            | "function_expression"
            | "class" => {
                if let Some(d) = n.child_by_field_name("name") {
                    js_pattern_names(d, src, &mut names);
                }
            }
            "for_in_statement" | "assignment_expression" | "augmented_assignment_expression" => {
                if let Some(d) = n.child_by_field_name("left") {
                    js_pattern_names(d, src, &mut names);
                    // An assignment binds again whatever it names: count it twice.
                    if kind(n) != "for_in_statement" {
                        for name in &names {
                            *declared.entry(name.clone()).or_default() += 1;
                        }
                    }
                }
            }
            "update_expression" => {
                if let Some(a) = n.child_by_field_name("argument") {
                    js_pattern_names(a, src, &mut names);
                    for name in &names {
                        *declared.entry(name.clone()).or_default() += 1;
                    }
                }
            }
            "catch_clause" => {
                if let Some(d) = n.child_by_field_name("parameter") {
                    js_pattern_names(d, src, &mut names);
                }
            }
            "import_statement" | "formal_parameters" => js_pattern_names(n, src, &mut names),
            _ => {}
        }
        for name in names {
            *declared.entry(name).or_default() += 1;
        }
        stack.extend(named_children(n));
    }
    found.retain(|name, _| declared.get(name) == Some(&1));
    found
}

/// The names a JavaScript binding pattern binds (`a`, `{a, b: c}`, `[a, ...d]`); a member
/// (`a.b`, `a[i]`) binds none.
fn js_pattern_names(n: Node<'_>, src: &str, out: &mut BTreeSet<String>) {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        match kind(x) {
            "identifier" | "shorthand_property_identifier_pattern" => {
                out.insert(text(x, src).to_owned());
            }
            "member_expression" | "subscript_expression" | "type_annotation" => {}
            "pair_pattern" => stack.extend(x.child_by_field_name("value")),
            "assignment_pattern" | "object_assignment_pattern" => {
                stack.extend(x.child_by_field_name("left"));
            }
            _ => stack.extend(named_children(x)),
        }
    }
}

fn helper<'t>(g: &Grammar, src: &str, f: Node<'t>) -> Option<Helper<'t>> {
    let head = text(f, src).trim_start();
    if head.starts_with("async")
        || f.child_by_field_name("type_parameters").is_some()
        || named_children(f)
            .iter()
            .any(|c| matches!(kind(*c), "type_parameters" | "async"))
    {
        return None;
    }
    let mut params = Vec::new();
    // An arrow function's one parameter without parentheses (`x => …`).
    if let Some(p) = f.child_by_field_name("parameter") {
        if kind(p) != "identifier" {
            return None;
        }
        params.push(text(p, src).to_owned());
    }
    if let Some(list) = f.child_by_field_name("parameters") {
        for p in named_children(list) {
            match kind(p) {
                "identifier" => params.push(text(p, src).to_owned()),
                // Python `x: int`.
                "typed_parameter" if g.python => {
                    let name = named_children(p).into_iter().next()?;
                    if kind(name) != "identifier" {
                        return None;
                    }
                    params.push(text(name, src).to_owned());
                }
                // TypeScript `x: T`, without `?`, a default or a modifier.
                "required_parameter" if !g.python => {
                    let pattern = p.child_by_field_name("pattern")?;
                    if kind(pattern) != "identifier"
                        || p.child_by_field_name("value").is_some()
                        || named_children(p).iter().any(|c| {
                            matches!(kind(*c), "accessibility_modifier" | "override_modifier")
                        })
                    {
                        return None;
                    }
                    params.push(text(pattern, src).to_owned());
                }
                "comment" => {}
                _ => return None,
            }
        }
    }
    let block = f.child_by_field_name("body")?;
    if !matches!(kind(block), "block" | "statement_block") {
        return None;
    }
    let mut body: Vec<Node<'t>> = named_children(block)
        .into_iter()
        .filter(|c| kind(*c) != "comment")
        .collect();
    // A docstring: a plain string (an f-string's substitutions run).
    if g.python
        && body.first().is_some_and(|s| {
            kind(*s) == "expression_statement"
                && named_children(*s)
                    .first()
                    .is_some_and(|e| plain_literal(g, *e))
                && named_children(*s)
                    .first()
                    .is_some_and(|e| kind(*e) == "string")
        })
    {
        body.remove(0);
    }
    if body.is_empty() {
        return None;
    }
    let mut binds = BTreeSet::new();
    let mut mentions = BTreeSet::new();
    for s in &body {
        let bad = anywhere(*s, &|x| {
            g.forbidden.contains(&kind(x))
                || (!g.python && kind(x) == "identifier" && text(x, src) == "arguments")
                // `{x}` names its key after the variable: written out, the key would change.
                || (kind(x) == "shorthand_property_identifier"
                    && params.iter().any(|p| p == text(x, src)))
        });
        if bad {
            return None;
        }
        bound_names(g, src, *s, &mut binds);
        identifiers(*s, src, &mut mentions);
    }
    if params.iter().any(|p| binds.contains(p)) {
        return None;
    }
    Some(Helper {
        params,
        body,
        binds,
        mentions,
    })
}

/// A literal whose value is written in it: no f-string, template substitution or implicit
/// concatenation.
fn plain_literal(g: &Grammar, n: Node<'_>) -> bool {
    (g.literals.contains(&kind(n))
        && !named_children(n)
            .iter()
            .any(|c| matches!(kind(*c), "interpolation" | "string")))
        || (kind(n) == "template_string"
            && !named_children(n)
                .iter()
                .any(|c| kind(*c) == "template_substitution"))
}

/// Whether `n` or any node inside it is one `pred` holds for.
fn anywhere(n: Node<'_>, pred: &dyn Fn(Node<'_>) -> bool) -> bool {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if pred(x) {
            return true;
        }
        stack.extend(named_children(x));
    }
    false
}

/// Every identifier written inside `n` (attribute and keyword names aside).
fn identifiers(n: Node<'_>, src: &str, out: &mut BTreeSet<String>) {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if kind(x) == "identifier" && !is_label(x) {
            out.insert(text(x, src).to_owned());
        }
        stack.extend(named_children(x));
    }
}

/// An identifier that names no variable: a Python attribute's or keyword argument's name.
fn is_label(id: Node<'_>) -> bool {
    let Some(p) = id.parent() else {
        return false;
    };
    match kind(p) {
        "attribute" => p.child_by_field_name("attribute") == Some(id),
        "keyword_argument" => p.child_by_field_name("name") == Some(id),
        _ => false,
    }
}

/// The names `n` binds anywhere inside it, nested scopes included (a conservative reading:
/// more names bound only keeps calls from being written out).
fn bound_names(g: &Grammar, src: &str, n: Node<'_>, out: &mut BTreeSet<String>) {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        collect_binds(g, src, x, out);
        stack.extend(named_children(x));
    }
}

/// The names the node `x` itself binds.
fn collect_binds(g: &Grammar, src: &str, x: Node<'_>, out: &mut BTreeSet<String>) {
    let targets: Vec<Node<'_>> = if g.python {
        match kind(x) {
            "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                x.child_by_field_name("left").into_iter().collect()
            }
            "named_expression" | "function_definition" | "class_definition" => {
                x.child_by_field_name("name").into_iter().collect()
            }
            "as_pattern" | "with_item" | "except_clause" => {
                named_children(x).into_iter().skip(1).collect()
            }
            "import_statement"
            | "import_from_statement"
            | "parameters"
            | "lambda_parameters"
            | "case_pattern"
            | "global_statement"
            | "nonlocal_statement" => vec![x],
            _ => Vec::new(),
        }
    } else {
        match kind(x) {
            "variable_declarator"
            | "function_declaration"
            | "class_declaration"
            | "function_expression"
            | "class" => x.child_by_field_name("name").into_iter().collect(),
            "assignment_expression" | "augmented_assignment_expression" | "for_in_statement" => {
                x.child_by_field_name("left").into_iter().collect()
            }
            "update_expression" => x.child_by_field_name("argument").into_iter().collect(),
            "catch_clause" | "arrow_function" => {
                x.child_by_field_name("parameter").into_iter().collect()
            }
            "formal_parameters" | "import_clause" => vec![x],
            _ => Vec::new(),
        }
    };
    for t in targets {
        // Only the names a target binds, not those it reads (`a.b = …`, `xs[i] = …` bind
        // nothing new: their base is read).
        let mut inner = vec![t];
        while let Some(y) = inner.pop() {
            match kind(y) {
                "identifier" | "shorthand_property_identifier_pattern" if !is_label(y) => {
                    out.insert(text(y, src).to_owned());
                }
                // A default's value and a type are read, not bound.
                "attribute"
                | "subscript"
                | "member_expression"
                | "subscript_expression"
                | "type_annotation" => {}
                "assignment_pattern" | "object_assignment_pattern" => {
                    inner.extend(y.child_by_field_name("left"));
                }
                "pair_pattern" => inner.extend(y.child_by_field_name("value")),
                _ => inner.extend(named_children(y)),
            }
        }
    }
}

/// The names bound in `f`'s own scope: its parameters and what its body binds outside the
/// functions, lambdas, classes and comprehensions inside it.
fn own_scope_binds(g: &Grammar, src: &str, f: Node<'_>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(p) = f.child_by_field_name("parameters") {
        collect_binds(g, src, p, &mut out);
        let mut names = BTreeSet::new();
        identifiers(p, src, &mut names);
        if g.python {
            out.extend(names);
        }
    }
    if let Some(p) = f.child_by_field_name("parameter") {
        out.insert(text(p, src).to_owned());
    }
    let mut stack: Vec<Node<'_>> = f.child_by_field_name("body").into_iter().collect();
    while let Some(x) = stack.pop() {
        if g.scopes.contains(&kind(x)) {
            // A nested definition binds its own name here, and nothing else.
            if let Some(name) = x.child_by_field_name("name")
                && matches!(
                    kind(x),
                    "function_definition"
                        | "class_definition"
                        | "function_declaration"
                        | "class_declaration"
                        | "generator_function_declaration"
                )
            {
                out.insert(text(name, src).to_owned());
            }
            continue;
        }
        collect_binds(g, src, x, &mut out);
        stack.extend(named_children(x));
    }
    out
}

/// Whether `name` is a local of `caller` that nothing else can write while a helper it is
/// handed to runs (the helper sees the value the name held at the call, the reading reads
/// the name itself later):
/// - Python: bound in the caller's own scope (so a local), declared `global` or `nonlocal`
///   nowhere in it;
/// - JavaScript: declared in the caller's own scope (a parameter, `let`, `const`), not bound
///   at the module's top (where the call could name that one), assigned by no function
///   inside the caller, in a caller without `eval`.
fn stable_local(g: &Grammar, src: &str, caller: Node<'_>, root: Node<'_>, name: &str) -> bool {
    if !own_scope_binds(g, src, caller).contains(name) {
        return false;
    }
    if g.python {
        return !anywhere(caller, &|x| {
            matches!(kind(x), "global_statement" | "nonlocal_statement")
                && named_children(x).iter().any(|n| text(*n, src) == name)
        });
    }
    if text(caller, src).contains("eval") {
        return false;
    }
    // The module's own names (a function or class declared there binds only its name).
    let mut top = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(x) = stack.pop() {
        if g.scopes.contains(&kind(x)) {
            if let Some(n) = x.child_by_field_name("name")
                && x.parent()
                    .is_some_and(|p| p.id() == root.id() || kind(p) == "export_statement")
            {
                top.insert(text(n, src).to_owned());
            }
            continue;
        }
        collect_binds(g, src, x, &mut top);
        stack.extend(named_children(x));
    }
    if top.contains(name) {
        return false;
    }
    // Assigned inside a function of the caller (a callback, a closure).
    let mut stack: Vec<(Node<'_>, bool)> = vec![(caller, false)];
    while let Some((x, inside)) = stack.pop() {
        let inside = inside || (x.id() != caller.id() && is_function(g, x));
        if inside {
            let target = match kind(x) {
                "assignment_expression" | "augmented_assignment_expression" => {
                    x.child_by_field_name("left")
                }
                "update_expression" => x.child_by_field_name("argument"),
                _ => None,
            };
            if target.is_some_and(|t| kind(t) == "identifier" && text(t, src) == name) {
                return false;
            }
        }
        stack.extend(named_children(x).into_iter().map(|c| (c, inside)));
    }
    true
}

/// The call statement `n` written out, when it calls a helper of the file.
fn written_out(
    g: &Grammar,
    src: &str,
    n: Node<'_>,
    callers: Callers<'_>,
    helpers: &BTreeMap<String, Helper<'_>>,
) -> Option<String> {
    if kind(n) != "expression_statement" {
        return None;
    }
    // A statement of a block, on a line of its own: written out in place, each of the
    // helper's statements is then one of that block (not the last ones after an `if x:` on
    // the same line, or a brace-less `if (x)` body).
    if !n
        .parent()
        .is_some_and(|p| matches!(kind(p), "block" | "statement_block"))
        || !src[..n.start_byte()]
            .rsplit('\n')
            .next()
            .is_some_and(|before| before.trim().is_empty())
    {
        return None;
    }
    let children = named_children(n);
    let [call] = children.as_slice() else {
        return None;
    };
    if kind(*call) != g.call {
        return None;
    }
    let callee = call.child_by_field_name("function")?;
    if kind(callee) != "identifier" {
        return None;
    }
    let name = text(callee, src);
    let h = helpers.get(name)?;
    let args: Vec<Node<'_>> = named_children(call.child_by_field_name("arguments")?)
        .into_iter()
        .filter(|a| kind(*a) != "comment")
        .collect();
    if args.len() != h.params.len() {
        return None;
    }
    let mut root = n;
    while let Some(p) = root.parent() {
        root = p;
    }
    // The outermost function's names: those it binds, and every one it mentions.
    let mut caller_binds = BTreeSet::new();
    bound_names(g, src, callers.outer, &mut caller_binds);
    let mut caller_mentions = BTreeSet::new();
    identifiers(callers.outer, src, &mut caller_mentions);
    if caller_binds.contains(name)
        || h.binds.iter().any(|b| caller_mentions.contains(b))
        || h.mentions
            .iter()
            .any(|m| !h.params.contains(m) && !h.binds.contains(m) && caller_binds.contains(m))
    {
        return None;
    }
    let mut values: BTreeMap<&str, String> = BTreeMap::new();
    for (p, a) in h.params.iter().zip(&args) {
        let stable = plain_literal(g, *a)
            || (kind(*a) == "identifier"
                && stable_local(g, src, callers.inner, root, text(*a, src)));
        if !stable {
            return None;
        }
        values.insert(p.as_str(), text(*a, src).to_owned());
    }
    // Each statement with its names replaced, re-indented to the call's place.
    let indent = line_indent(src, n.start_byte());
    let mut lines: Vec<String> = Vec::new();
    for s in &h.body {
        let from = line_indent(src, s.start_byte());
        // A literal over several lines would change with its indentation.
        if from != indent && anywhere(*s, &|x| spans_lines(x, src)) {
            return None;
        }
        lines.push(reindented(&substituted(src, *s, &values), &from, &indent));
    }
    Some(lines.join(&format!("\n{indent}")))
}

/// The text of `s` with each name of `values` replaced (not attribute or keyword names).
fn substituted(src: &str, s: Node<'_>, values: &BTreeMap<&str, String>) -> String {
    let mut edits: Vec<(Range<usize>, &str)> = Vec::new();
    let mut stack = vec![s];
    while let Some(x) = stack.pop() {
        if kind(x) == "identifier"
            && !is_label(x)
            && let Some(v) = values.get(text(x, src))
        {
            edits.push((x.byte_range(), v.as_str()));
            continue;
        }
        stack.extend(named_children(x));
    }
    edits.sort_by_key(|(r, _)| r.start);
    let range = s.byte_range();
    let mut out = String::new();
    let mut at = range.start;
    for (r, v) in edits {
        out.push_str(&src[at..r.start]);
        out.push_str(v);
        at = r.end;
    }
    out.push_str(&src[at..range.end]);
    out
}

/// A string literal written over several lines.
fn spans_lines(n: Node<'_>, src: &str) -> bool {
    matches!(
        kind(n),
        "string" | "concatenated_string" | "template_string"
    ) && text(n, src).contains('\n')
}

/// The whitespace that starts the line holding byte `at`.
fn line_indent(src: &str, at: usize) -> String {
    let start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    src[start..at]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect()
}

/// `stmt` (whose first line starts at the column `from` ends at) with each later line's
/// leading `from` replaced by `to`.
fn reindented(stmt: &str, from: &str, to: &str) -> String {
    let mut out = String::new();
    for (i, line) in stmt.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            match line.strip_prefix(from) {
                Some(rest) => {
                    out.push_str(to);
                    out.push_str(rest);
                }
                None => out.push_str(line),
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lang: Lang, src: &str) -> Option<String> {
        let tree = super::super::parse_clean(lang, "test_x", src)
            .unwrap()
            .unwrap();
        inlined(lang, src, tree.root_node())
    }

    #[test]
    fn a_python_call_is_written_out_at_the_callers_indentation() {
        let src = "def check(got):\n    assert got == 1\n    if got:\n        assert got > 0\n\n\nclass TestX:\n    def test_x(self):\n        check(self.n)\n\n\ndef test_y():\n    n = make()\n    check(n)\n";
        let out = read(Lang::Python, src).unwrap();
        assert!(
            out.ends_with("def test_y():\n    n = make()\n    assert n == 1\n    if n:\n        assert n > 0\n"),
            "{out}"
        );
        // `self.n` is an attribute (it may run a property): not written out.
        assert!(out.contains("        check(self.n)\n"), "{out}");
    }

    #[test]
    fn go_is_not_read_this_way() {
        let src = "package p\n\nfunc check(got int, t *testing.T) {\n\tif got != 1 {\n\t\tt.Error(got)\n\t}\n}\n\nfunc TestX(t *testing.T) {\n\tn := 1\n\tcheck(n, t)\n}\n";
        assert_eq!(read(Lang::Go, src), None);
    }

    #[test]
    fn a_javascript_call_names_the_locals_of_the_innermost_function() {
        let src = "function check(t, got) {\n\tt.is(got, 1);\n}\n\ndescribe('x', () => {\n\ttest('y', t => {\n\t\tconst got = make();\n\t\tcheck(t, got);\n\t});\n});\n";
        let out = read(Lang::JavaScript, src).unwrap();
        assert!(
            out.contains("\t\tconst got = make();\n\t\tt.is(got, 1);\n"),
            "{out}"
        );
        // A module-level name may change while the helper runs: not written out.
        let src = src
            .replace("\t\tconst got = make();\n", "")
            .replace("function check", "let got = 0;\nfunction check");
        assert_eq!(read(Lang::JavaScript, &src), None);
    }
}
