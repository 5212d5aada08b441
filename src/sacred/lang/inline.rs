//! A file read with the calls of its own helper functions written out in place (Go, Python,
//! JavaScript and TypeScript): `expectSuccess(output, err, t)` becomes the helper's checks with `output`,
//! `err` and `t` in place of its parameters, and `c := getCommand(NoArgs, false)` becomes
//! the helper's statements ending in `c := &Command{…}`. A test whose checks moved into a
//! helper reads, so, as it did before, and is compared with its lock that way.
//!
//! **Invariant:** a call is written out only when the reading means what the call does:
//! - the helper is a plain function of the file's top level, defined once and bound by
//!   nothing else there (no decorator, no `async`, no generator, no type parameters, no
//!   named results, no variadic, default or keyword parameter), called by its plain name,
//!   with one argument per parameter, from a function that binds no name of that name;
//!   JavaScript: a `function` declaration or a `const` arrow function or function
//!   expression, declared nowhere else and assigned nowhere in the file (a `var` in a block
//!   binds the module's name), not reading `this`, `arguments` or a
//!   parameter as a shorthand key; an `async` one only where the call is awaited, and only
//!   it;
//! - its body runs straight through to its end: no `return` but, for a call whose value is
//!   bound (`x = h(…)`, `x := h(…)`), one last `return E`; no `defer`, `go`, `goto`, label,
//!   `global`, `nonlocal`, `yield` or `await`; it assigns to no parameter nor takes one's
//!   address;
//! - an argument cannot change between the call and where the helper reads it: a literal
//!   (no f-string; in Go, of the parameter's default type, else written converted:
//!   `float64(10)`), or a local of the caller nothing else can write meanwhile (not a
//!   global, a `nonlocal`, a name a closure of the caller assigns, nor in Go a constant, a
//!   variable whose address is taken or that is the operand of a selector, which a method
//!   value may take the address of); or else it is used once, in the helper's first
//!   statement, where it is always evaluated and nothing runs before it (Go: a statement
//!   that calls and receives nothing else; Python and JavaScript, whose operators and
//!   attributes may run code: `x = param`); no closure of the helper reads a parameter (it
//!   may run after the caller changed its variable); a Python helper holds no `match` (its
//!   captures bind names);
//! - the call is a statement of a block on a line of its own (not after `if x:` on the same
//!   line, nor a brace-less body), and one call per function is written out per round, so
//!   that what one helper binds is the caller's when the next is read;
//! - no name the helper binds is a name of the calling function (the returned local is
//!   renamed to the call's target), and no other name the helper reads is one the calling
//!   function binds (it would then read the caller's local instead of what the helper
//!   reads).
//!
//! A branch on a literal `true`/`false` left by an argument is then written as the branch
//! taken. Anything else is left as the call, which the check compares as written.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use tree_sitter::Node;

use super::super::analysis::{kind, named_children, text};
use super::Lang;

/// The node kinds and spellings of one language, as this reading needs them.
struct Grammar {
    lang: Lang,
    function: &'static str,
    call: &'static str,
    literals: &'static [&'static str],
    /// Statements that leave the helper before its end or outlive it.
    forbidden: &'static [&'static str],
    /// Kinds whose inside is another function (its own `return`s).
    nested_functions: &'static [&'static str],
    true_literal: &'static str,
    false_literal: &'static str,
}

const GO: Grammar = Grammar {
    lang: Lang::Go,
    function: "function_declaration",
    call: "call_expression",
    literals: &[
        "interpreted_string_literal",
        "raw_string_literal",
        "int_literal",
        "float_literal",
        "imaginary_literal",
        "rune_literal",
        "true",
        "false",
        "nil",
    ],
    forbidden: &[
        "defer_statement",
        "go_statement",
        "goto_statement",
        "labeled_statement",
        "fallthrough_statement",
    ],
    nested_functions: &["func_literal"],
    true_literal: "true",
    false_literal: "false",
};

const PYTHON: Grammar = Grammar {
    lang: Lang::Python,
    function: "function_definition",
    call: "call",
    literals: &[
        "string",
        "integer",
        "float",
        "true",
        "false",
        "none",
        "concatenated_string",
    ],
    forbidden: &[
        "global_statement",
        "nonlocal_statement",
        "yield",
        "await",
        "function_definition",
        "class_definition",
        "decorated_definition",
        "lambda",
        "delete_statement",
        "match_statement",
    ],
    nested_functions: &[],
    true_literal: "True",
    false_literal: "False",
};

const JS: Grammar = Grammar {
    lang: Lang::JavaScript,
    function: "function_declaration",
    call: "call_expression",
    literals: &["string", "number", "true", "false", "null"],
    forbidden: &[
        "labeled_statement",
        "with_statement",
        "yield_expression",
        "this",
        "super",
        "meta_property",
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "import",
    ],
    nested_functions: &[
        "arrow_function",
        "function_expression",
        "function",
        "generator_function",
    ],
    true_literal: "true",
    false_literal: "false",
};

/// Whether the grammar is JavaScript's (TypeScript's read the same way).
fn is_js(g: &Grammar) -> bool {
    g.lang == Lang::JavaScript
}

/// `src` with its helper calls written out (see the module docs), one call per function
/// and round, up to [`ROUNDS`] rounds; `None` when no call could be. `consts`: the Go
/// package's constants declared in its other files (`const N = 4`), whose untyped values
/// a typed parameter converts.
pub(crate) fn inlined(lang: Lang, src: &str, root: Node<'_>, consts: &str) -> Option<String> {
    let g = match lang {
        Lang::Go => &GO,
        Lang::Python => &PYTHON,
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => &JS,
        Lang::Rust => return None,
    };
    let mut constants = BTreeSet::new();
    if g.lang == Lang::Go {
        // A dot import brings another package's names, constants included, unqualified.
        if named_children(root).iter().any(|d| {
            kind(*d) == "import_declaration" && {
                let mut stack = vec![*d];
                let mut dot = false;
                while let Some(x) = stack.pop() {
                    dot |= kind(x) == "dot";
                    stack.extend(named_children(x));
                }
                dot
            }
        }) {
            return None;
        }
        go_constants(src, root, &mut constants);
        if let Ok(Some(tree)) = super::parse_clean(Lang::Go, "", &format!("package p\n{consts}")) {
            go_constants(
                &format!("package p\n{consts}"),
                tree.root_node(),
                &mut constants,
            );
        }
    }
    let first = round(g, src, root, &constants)?;
    let mut out = first;
    for _ in 1..ROUNDS {
        let Ok(Some(tree)) = super::parse_clean(lang, "", &out) else {
            break;
        };
        match round(g, &out, tree.root_node(), &constants) {
            Some(next) => out = next,
            None => break,
        }
    }
    Some(out)
}

/// How many rounds of writing out calls (one per function each) a reading takes at most.
const ROUNDS: usize = 12;

/// The names of the constants a Go file declares at its top level.
fn go_constants(src: &str, root: Node<'_>, out: &mut BTreeSet<String>) {
    for d in named_children(root) {
        if kind(d) != "const_declaration" {
            continue;
        }
        for spec in named_children(d) {
            if kind(spec) != "const_spec" {
                continue;
            }
            let mut cursor = spec.walk();
            out.extend(
                spec.children_by_field_name("name", &mut cursor)
                    .map(|n| text(n, src).to_owned()),
            );
        }
    }
}

/// A helper function of the file that may be written out.
struct Helper<'t> {
    params: Vec<String>,
    /// Go: each parameter's type as written.
    param_types: Vec<Option<String>>,
    /// The statements of its body, a docstring left out.
    body: Vec<Node<'t>>,
    /// Whether it ends in `return E` (then `body` holds the statements before it).
    returns: Option<Node<'t>>,
    /// The names its body binds.
    binds: BTreeSet<String>,
    /// Every name its body mentions.
    mentions: BTreeSet<String>,
    /// Go: its parameters of a `testing` type (`t *testing.T`), whose `Helper()` is dropped.
    reporters: Vec<String>,
    /// JavaScript: an `async` function, written out only where the call is awaited.
    is_async: bool,
}

fn round(g: &Grammar, src: &str, root: Node<'_>, consts: &BTreeSet<String>) -> Option<String> {
    let helpers = helpers(g, src, root);
    if helpers.is_empty() {
        return None;
    }
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut edited: BTreeSet<usize> = BTreeSet::new();
    let mut stack: Vec<(Node<'_>, Option<Node<'_>>)> = vec![(root, None)];
    while let Some((n, caller)) = stack.pop() {
        let caller = if caller.is_none() && is_function(g, n) {
            Some(n)
        } else {
            caller
        };
        // One call per caller and round: what a written-out helper binds is then the
        // caller's when the next call is read (in the next round, from the new text).
        if let Some(caller) = caller
            && !edited.contains(&caller.id())
            && let Some(text) = written_out(g, src, n, caller, &helpers, consts)
        {
            edits.push((n.byte_range(), text));
            edited.insert(caller.id());
            continue;
        }
        for c in named_children(n) {
            stack.push((c, caller));
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    for (range, text) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&src[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&src[at..]);
    Some(out)
}

fn is_function(g: &Grammar, n: Node<'_>) -> bool {
    kind(n) == g.function
        || (g.lang == Lang::Go && kind(n) == "method_declaration")
        || (is_js(g)
            && matches!(
                kind(n),
                "arrow_function"
                    | "function_expression"
                    | "function"
                    | "method_definition"
                    | "generator_function"
                    | "generator_function_declaration"
            ))
}

/// The top-level functions of the file that may be written out, by name.
fn helpers<'t>(g: &Grammar, src: &str, root: Node<'t>) -> BTreeMap<String, Helper<'t>> {
    if is_js(g) {
        return js_helpers(src, root);
    }
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    let mut found: BTreeMap<String, Helper<'t>> = BTreeMap::new();
    for top in named_children(root) {
        for name in top_level_binds(g, src, top) {
            *count.entry(name).or_default() += 1;
        }
        if kind(top) != g.function {
            continue;
        }
        let Some(name) = top.child_by_field_name("name").map(|n| text(n, src)) else {
            continue;
        };
        if let Some(h) = helper(g, src, top) {
            found.insert(name.to_owned(), h);
        }
    }
    found.retain(|name, _| count.get(name) == Some(&1));
    // Python: a function of the file may bind a helper's name again (`global check`), and
    // `globals()` or `sys.modules` may bind any.
    if g.lang == Lang::Python {
        if src.contains("globals()") || src.contains("sys.modules") {
            return BTreeMap::new();
        }
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            // `from helpers import *` may bind any name again.
            if kind(n) == "wildcard_import" {
                return BTreeMap::new();
            }
            if kind(n) == "global_statement" {
                for name in named_children(n) {
                    found.remove(text(name, src));
                }
            }
            stack.extend(named_children(n));
        }
    }
    found
}

/// JavaScript/TypeScript: the file's top-level `function` declarations and `const` bindings of
/// a function or arrow function, each bound once at the top level and assigned nowhere in
/// the file (a `function`'s name can be assigned to).
fn js_helpers<'t>(src: &str, root: Node<'t>) -> BTreeMap<String, Helper<'t>> {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    let mut found: BTreeMap<String, Helper<'t>> = BTreeMap::new();
    for top in named_children(root) {
        let decl = if kind(top) == "export_statement" {
            match top.child_by_field_name("declaration") {
                Some(d) => d,
                None => {
                    // `export { a as b }`, `export default …`: bind nothing here.
                    continue;
                }
            }
        } else {
            top
        };
        match kind(decl) {
            "function_declaration" | "generator_function_declaration" | "class_declaration" => {
                let Some(name) = decl.child_by_field_name("name").map(|n| text(n, src)) else {
                    continue;
                };
                *count.entry(name.to_owned()).or_default() += 1;
                if kind(decl) == "function_declaration"
                    && let Some(h) = helper(&JS, src, decl)
                {
                    found.insert(name.to_owned(), h);
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                let declarators: Vec<Node<'t>> = named_children(decl)
                    .into_iter()
                    .filter(|d| kind(*d) == "variable_declarator")
                    .collect();
                for d in &declarators {
                    if let Some(n) = d.child_by_field_name("name") {
                        let mut names = BTreeSet::new();
                        js_pattern_names(n, src, &mut names);
                        for name in names {
                            *count.entry(name).or_default() += 1;
                        }
                    }
                }
                let constant = text(decl, src).trim_start().starts_with("const");
                if let [d] = declarators.as_slice()
                    && constant
                    && let (Some(n), Some(v)) = (
                        d.child_by_field_name("name"),
                        d.child_by_field_name("value"),
                    )
                    && kind(n) == "identifier"
                    && matches!(
                        kind(v),
                        "arrow_function" | "function_expression" | "function"
                    )
                    && let Some(h) = helper(&JS, src, v)
                {
                    found.insert(text(n, src).to_owned(), h);
                }
            }
            "import_statement" => {
                let mut names = BTreeSet::new();
                identifiers(decl, src, &mut names);
                for name in names {
                    *count.entry(name).or_default() += 1;
                }
            }
            _ => {}
        }
    }
    // Assigned anywhere (`check = noop` in a hook), or bound twice: declared again anywhere
    // (a `var` in a block binds the module's name in a script or CommonJS module).
    let mut assigned = BTreeSet::new();
    let mut declared: BTreeMap<String, usize> = BTreeMap::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let mut names = BTreeSet::new();
        match kind(n) {
            "variable_declarator" => {
                if let Some(d) = n.child_by_field_name("name") {
                    js_pattern_names(d, src, &mut names);
                }
            }
            "function_declaration"
            | "generator_function_declaration"
            | "class_declaration"
            | "function_expression"
            | "class" => {
                if let Some(d) = n.child_by_field_name("name") {
                    names.insert(text(d, src).to_owned());
                }
            }
            "for_in_statement" => {
                if let Some(d) = n.child_by_field_name("left") {
                    js_pattern_names(d, src, &mut names);
                }
            }
            "catch_clause" => {
                if let Some(d) = n.child_by_field_name("parameter") {
                    js_pattern_names(d, src, &mut names);
                }
            }
            _ => {}
        }
        for name in names {
            *declared.entry(name).or_default() += 1;
        }
        if matches!(
            kind(n),
            "assignment_expression" | "augmented_assignment_expression"
        ) && let Some(l) = n.child_by_field_name("left")
        {
            let mut names = BTreeSet::new();
            js_pattern_names(l, src, &mut names);
            assigned.extend(names);
        }
        if kind(n) == "update_expression"
            && let Some(a) = n.child_by_field_name("argument")
            && kind(a) == "identifier"
        {
            assigned.insert(text(a, src).to_owned());
        }
        stack.extend(named_children(n));
    }
    found.retain(|name, _| {
        count.get(name) == Some(&1) && declared.get(name) == Some(&1) && !assigned.contains(name)
    });
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
            "member_expression" | "subscript_expression" => {}
            "pair_pattern" => stack.extend(x.child_by_field_name("value")),
            "assignment_pattern" | "object_assignment_pattern" => {
                stack.extend(x.child_by_field_name("left"));
            }
            _ => stack.extend(named_children(x)),
        }
    }
}

/// The names a top-level statement binds (a function's, an assignment's, an import's).
fn top_level_binds(g: &Grammar, src: &str, top: Node<'_>) -> Vec<String> {
    match kind(top) {
        k if k == g.function || k == "class_definition" => top
            .child_by_field_name("name")
            .map(|n| vec![text(n, src).to_owned()])
            .unwrap_or_default(),
        "decorated_definition" => top
            .child_by_field_name("definition")
            .and_then(|d| d.child_by_field_name("name"))
            .map(|n| vec![text(n, src).to_owned()])
            .unwrap_or_default(),
        "method_declaration" => Vec::new(),
        // Anything else: every name it mentions counts as bound (an assignment, an import,
        // a `var` block, a type), which only ever keeps a helper from being written out.
        _ => {
            let mut names = BTreeSet::new();
            identifiers(top, src, &mut names);
            names.into_iter().collect()
        }
    }
}

fn helper<'t>(g: &Grammar, src: &str, f: Node<'t>) -> Option<Helper<'t>> {
    if g.lang == Lang::Go
        && (f.child_by_field_name("type_parameters").is_some()
            || f.child_by_field_name("result")
                .is_some_and(|r| kind(r) == "parameter_list"))
    {
        return None;
    }
    if g.lang == Lang::Python
        && (named_children(f).iter().any(|c| kind(*c) == "async")
            || src[f.byte_range()].trim_start().starts_with("async"))
    {
        return None;
    }
    let is_async = is_js(g) && text(f, src).trim_start().starts_with("async");
    if is_js(g)
        && (f.child_by_field_name("type_parameters").is_some()
            || named_children(f)
                .iter()
                .any(|c| kind(*c) == "type_parameters"))
    {
        return None;
    }
    let mut params = Vec::new();
    let mut param_types: Vec<Option<String>> = Vec::new();
    // An arrow function's one parameter without parentheses (`x => …`).
    if is_js(g)
        && let Some(p) = f.child_by_field_name("parameter")
    {
        if kind(p) != "identifier" {
            return None;
        }
        params.push(text(p, src).to_owned());
    }
    let list = match f.child_by_field_name("parameters") {
        Some(l) => named_children(l),
        None if is_js(g) => Vec::new(),
        None => return None,
    };
    for p in list {
        match (g.lang, kind(p)) {
            (Lang::Go, "parameter_declaration") => {
                let mut cursor = p.walk();
                let names: Vec<Node<'_>> = p.children_by_field_name("name", &mut cursor).collect();
                if names.is_empty() {
                    return None;
                }
                let ty = p
                    .child_by_field_name("type")
                    .map(|t| text(t, src).split_whitespace().collect::<String>());
                param_types.extend(names.iter().map(|_| ty.clone()));
                params.extend(names.iter().map(|n| text(*n, src).to_owned()));
            }
            (Lang::Python | Lang::JavaScript, "identifier") => params.push(text(p, src).to_owned()),
            // TypeScript: `x: T`, without `?`, a default or a modifier.
            (Lang::JavaScript, "required_parameter") => {
                let pattern = p.child_by_field_name("pattern")?;
                if kind(pattern) != "identifier"
                    || p.child_by_field_name("value").is_some()
                    || named_children(p)
                        .iter()
                        .any(|c| matches!(kind(*c), "accessibility_modifier" | "override_modifier"))
                {
                    return None;
                }
                params.push(text(pattern, src).to_owned());
            }
            (Lang::Python, "typed_parameter") => {
                let name = named_children(p).into_iter().next()?;
                if kind(name) != "identifier" {
                    return None;
                }
                params.push(text(name, src).to_owned());
            }
            (_, "comment") => {}
            _ => return None,
        }
    }
    let block = f.child_by_field_name("body")?;
    // An arrow function whose body is an expression returns it.
    let expression_body = is_js(g) && kind(block) != "statement_block";
    let mut body = if expression_body {
        Vec::new()
    } else {
        statements(block)
    };
    // A docstring: a plain string (an f-string's substitutions run).
    if g.lang == Lang::Python
        && body.first().is_some_and(|s| {
            kind(*s) == "expression_statement"
                && named_children(*s).first().is_some_and(|e| {
                    kind(*e) == "string"
                        && !named_children(*e)
                            .iter()
                            .any(|c| kind(*c) == "interpolation")
                })
        })
    {
        body.remove(0);
    }
    let returns = match body.last() {
        _ if expression_body => Some(block),
        Some(last) if kind(*last) == "return_statement" => {
            let values = named_children(*last);
            let [value] = values.as_slice() else {
                return None;
            };
            let value = if kind(*value) == "expression_list" {
                let inner = named_children(*value);
                let [one] = inner.as_slice() else {
                    return None;
                };
                *one
            } else {
                *value
            };
            body.pop();
            Some(value)
        }
        _ => None,
    };
    if returns.is_none() && g.lang == Lang::Go && f.child_by_field_name("result").is_some() {
        return None;
    }
    // Straight through: nothing leaves early or outlives the call.
    for s in &body {
        if contains(g, *s, &|n| {
            kind(n) == "return_statement" || g.forbidden.contains(&kind(n))
        }) {
            return None;
        }
    }
    if let Some(r) = returns
        && contains(g, r, &|n| g.forbidden.contains(&kind(n)))
    {
        return None;
    }
    if is_js(g) {
        let mut stack: Vec<Node<'_>> = body.iter().copied().chain(returns).collect();
        while let Some(x) = stack.pop() {
            let bad = match kind(x) {
                "this" | "super" | "meta_property" => true,
                "identifier" => text(x, src) == "arguments",
                // `{x}` names its key after the variable: written out, the key would change.
                "shorthand_property_identifier" | "shorthand_property_identifier_pattern" => {
                    params.iter().any(|p| p == text(x, src))
                }
                "await_expression" => !is_async,
                _ => false,
            };
            if bad {
                return None;
            }
            stack.extend(named_children(x));
        }
    }
    let mut binds = BTreeSet::new();
    let mut mentions = BTreeSet::new();
    for s in body.iter().chain(returns.iter()) {
        bound_names(g, src, *s, &mut binds);
        identifiers(*s, src, &mut mentions);
    }
    // No parameter is assigned to, nor has its address taken.
    if params.iter().any(|p| binds.contains(p)) {
        return None;
    }
    if g.lang == Lang::Go && !go_params_kept(src, f, &body, returns) {
        return None;
    }
    // A closure reads a parameter when it runs, perhaps after the caller changed the variable
    // the reading names instead.
    if body.iter().chain(returns.iter()).any(|s| {
        let mut stack = vec![*s];
        while let Some(x) = stack.pop() {
            if matches!(
                kind(x),
                "func_literal" | "lambda" | "arrow_function" | "function_expression" | "function"
            ) {
                let mut names = BTreeSet::new();
                identifiers(x, src, &mut names);
                if params.iter().any(|p| names.contains(p)) {
                    return true;
                }
                continue;
            }
            stack.extend(named_children(x));
        }
        false
    }) {
        return None;
    }
    if g.lang == Lang::Go
        && body.iter().any(|s| {
            contains(g, *s, &|n| {
                (kind(n) == "unary_expression"
                    && text(n, src).starts_with('&')
                    && n.child_by_field_name("operand")
                        .is_some_and(|o| params.iter().any(|p| p == text(o, src))))
                    || (matches!(kind(n), "inc_statement" | "dec_statement")
                        && params.iter().any(|p| {
                            named_children(n)
                                .first()
                                .is_some_and(|o| text(*o, src) == p)
                        }))
            })
        })
    {
        return None;
    }
    let reporters = if g.lang == Lang::Go {
        go_testing_params(src, f)
    } else {
        Vec::new()
    };
    Some(Helper {
        params,
        param_types,
        body,
        returns,
        binds,
        mentions,
        reporters,
        is_async,
    })
}

/// Go: the parameters of a `testing` type (`*testing.T`, `*testing.B`, `*testing.F`,
/// `testing.TB`).
fn go_testing_params(src: &str, f: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(list) = f.child_by_field_name("parameters") else {
        return out;
    };
    for p in named_children(list) {
        let ty: String = p
            .child_by_field_name("type")
            .map(|t| text(t, src).split_whitespace().collect())
            .unwrap_or_default();
        if matches!(
            ty.as_str(),
            "*testing.T" | "*testing.B" | "*testing.F" | "testing.TB"
        ) {
            let mut cursor = p.walk();
            out.extend(
                p.children_by_field_name("name", &mut cursor)
                    .map(|n| text(n, src).to_owned()),
            );
        }
    }
    out
}

/// Go: whether the helper leaves its parameters as the caller handed them. A parameter is a
/// copy: a write through it (`p.x = 1`, `p[i]++`), or to it, would change the copy and not
/// the caller's variable that the reading names instead. So no statement writes through a
/// parameter, and a parameter that may be a value (not a pointer, slice, map, channel,
/// function, interface or basic type) is never the operand of a selector or index (a
/// method with a pointer receiver takes the copy's address) nor of `&`.
fn go_params_kept(src: &str, f: Node<'_>, body: &[Node<'_>], returns: Option<Node<'_>>) -> bool {
    let Some(list) = f.child_by_field_name("parameters") else {
        return false;
    };
    let mut all: Vec<String> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    for p in named_children(list) {
        if kind(p) != "parameter_declaration" {
            continue;
        }
        let ty = p.child_by_field_name("type");
        let shared = ty.is_some_and(|t| {
            matches!(
                kind(t),
                "pointer_type"
                    | "slice_type"
                    | "map_type"
                    | "channel_type"
                    | "function_type"
                    | "interface_type"
            ) || (kind(t) == "type_identifier"
                && matches!(
                    text(t, src),
                    "bool"
                        | "string"
                        | "int"
                        | "int8"
                        | "int16"
                        | "int32"
                        | "int64"
                        | "uint"
                        | "uint8"
                        | "uint16"
                        | "uint32"
                        | "uint64"
                        | "uintptr"
                        | "byte"
                        | "rune"
                        | "float32"
                        | "float64"
                        | "error"
                        | "any"
                ))
        });
        let mut cursor = p.walk();
        for n in p.children_by_field_name("name", &mut cursor) {
            all.push(text(n, src).to_owned());
            if !shared {
                values.push(text(n, src).to_owned());
            }
        }
    }
    for s in body.iter().chain(returns.iter()) {
        let mut stack = vec![*s];
        while let Some(x) = stack.pop() {
            let written: Vec<Node<'_>> = match kind(x) {
                "assignment_statement" | "short_var_declaration" => x
                    .child_by_field_name("left")
                    .map(named_children)
                    .unwrap_or_default(),
                "inc_statement" | "dec_statement" => {
                    named_children(x).into_iter().take(1).collect()
                }
                _ => Vec::new(),
            };
            for w in written {
                if root_of(w).is_some_and(|r| all.iter().any(|p| p == text(r, src))) {
                    return false;
                }
            }
            if kind(x) == "identifier"
                && values.iter().any(|p| p == text(x, src))
                && let Some(parent) = x.parent()
                && (matches!(
                    kind(parent),
                    "selector_expression" | "index_expression" | "slice_expression"
                ) && parent.child_by_field_name("operand") == Some(x)
                    || (kind(parent) == "unary_expression" && text(parent, src).starts_with('&')))
            {
                return false;
            }
            stack.extend(named_children(x));
        }
    }
    true
}

/// The variable a Go expression writes through (`p` of `p.x`, `p[i]`, `(*p).x`).
fn root_of(mut e: Node<'_>) -> Option<Node<'_>> {
    loop {
        match kind(e) {
            "selector_expression" | "index_expression" | "slice_expression" => {
                match e.child_by_field_name("operand") {
                    Some(o) => e = o,
                    None => return None,
                }
            }
            "parenthesized_expression" | "unary_expression" => match named_children(e).last() {
                Some(o) => e = *o,
                None => return None,
            },
            "identifier" => return Some(e),
            _ => return None,
        }
    }
}

/// The statements of a block, comments left out (Go wraps them in a `statement_list`).
fn statements(block: Node<'_>) -> Vec<Node<'_>> {
    named_children(block)
        .into_iter()
        .flat_map(|c| {
            if kind(c) == "statement_list" {
                named_children(c)
            } else {
                vec![c]
            }
        })
        .filter(|c| kind(*c) != "comment")
        .collect()
}

/// Whether `n` or a node inside it (not inside a nested function) is one `pred` holds for.
fn contains(g: &Grammar, n: Node<'_>, pred: &dyn Fn(Node<'_>) -> bool) -> bool {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if pred(x) {
            return true;
        }
        if g.nested_functions.contains(&kind(x)) {
            continue;
        }
        stack.extend(named_children(x));
    }
    false
}

/// Every identifier written inside `n` (field names and keyword names aside).
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
        // A Go composite literal's key is a struct's field name or a map's key expression,
        // which the grammar does not tell apart: it is read as a name.
        _ => false,
    }
}

/// The names `n` binds anywhere inside it: assignment and loop targets, `:=`, `var`,
/// parameters of nested functions, `as` names, imports.
fn bound_names(g: &Grammar, src: &str, n: Node<'_>, out: &mut BTreeSet<String>) {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        // The field that holds what a binding construct binds.
        let field = match (g.lang, kind(x)) {
            (
                Lang::Go,
                "short_var_declaration"
                | "assignment_statement"
                | "range_clause"
                | "receive_statement",
            )
            | (
                Lang::Python,
                "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause",
            )
            | (
                Lang::JavaScript,
                "assignment_expression" | "augmented_assignment_expression" | "for_in_statement",
            ) => Some("left"),
            (Lang::Python, "named_expression" | "function_definition" | "class_definition")
            | (Lang::Go, "type_spec")
            | (
                Lang::JavaScript,
                "variable_declarator"
                | "function_declaration"
                | "class_declaration"
                | "function_expression"
                | "class",
            ) => Some("name"),
            (Lang::JavaScript, "update_expression") => Some("argument"),
            (Lang::Go, "type_switch_statement") => Some("alias"),
            (Lang::JavaScript, "catch_clause" | "arrow_function") => Some("parameter"),
            _ => None,
        };
        let targets: Vec<Node<'_>> = match (g.lang, kind(x)) {
            _ if field.is_some() => field
                .and_then(|f| x.child_by_field_name(f))
                .into_iter()
                .collect(),
            (
                Lang::Go,
                "var_spec"
                | "const_spec"
                | "parameter_declaration"
                | "variadic_parameter_declaration",
            ) => {
                let mut cursor = x.walk();
                x.children_by_field_name("name", &mut cursor).collect()
            }
            (Lang::Go, "inc_statement" | "dec_statement") => {
                named_children(x).into_iter().take(1).collect()
            }
            (Lang::Python, "as_pattern" | "with_item" | "except_clause") => {
                named_children(x).into_iter().skip(1).collect()
            }
            (
                Lang::Python,
                "import_statement"
                | "import_from_statement"
                | "parameters"
                | "lambda_parameters"
                | "case_pattern"
                | "global_statement"
                | "nonlocal_statement",
            )
            | (Lang::JavaScript, "formal_parameters" | "import_clause") => vec![x],
            _ => Vec::new(),
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
                    | "selector_expression"
                    | "index_expression"
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
        stack.extend(named_children(x));
    }
}

/// The call `n` written out, when it is a statement calling a helper, or binding what one
/// returns to one name, from inside `caller`.
#[expect(
    clippy::many_single_char_names,
    reason = "g, n, h and f are the grammar, node, helper and callee throughout this module"
)]
fn written_out(
    g: &Grammar,
    src: &str,
    n: Node<'_>,
    caller: Node<'_>,
    helpers: &BTreeMap<String, Helper<'_>>,
    consts: &BTreeSet<String>,
) -> Option<String> {
    // A statement of a block, on a line of its own: written out in place, each of the
    // helper's statements is then one of that block (not the last ones after an `if x:` on
    // the same line, or a brace-less `if (x)` body).
    if !n.parent().is_some_and(|p| {
        matches!(
            kind(p),
            "block" | "statement_list" | "statement_block" | "program" | "module"
        )
    }) || !src[..n.start_byte()]
        .rsplit('\n')
        .next()
        .is_some_and(|before| before.trim().is_empty())
    {
        return None;
    }
    // The call, and the target its value is bound to with the operator (JavaScript: `=`, or
    // the declaration's keyword).
    let (call, target): (Node<'_>, Option<(Node<'_>, &str)>) = match kind(n) {
        "expression_statement" => {
            let children = named_children(n);
            let [inner] = children.as_slice() else {
                return None;
            };
            // Python: `x = h(…)` is an `assignment` inside an `expression_statement`.
            if g.lang == Lang::Python && kind(*inner) == "assignment" {
                if inner.child_by_field_name("type").is_some() {
                    return None;
                }
                (
                    inner.child_by_field_name("right")?,
                    Some((inner.child_by_field_name("left")?, "=")),
                )
            } else if is_js(g) && kind(*inner) == "assignment_expression" {
                (
                    inner.child_by_field_name("right")?,
                    Some((inner.child_by_field_name("left")?, "=")),
                )
            } else {
                (*inner, None)
            }
        }
        "lexical_declaration" if is_js(g) => {
            let declarators = named_children(n);
            let [d] = declarators.as_slice() else {
                return None;
            };
            let keyword = if text(n, src).trim_start().starts_with("const") {
                "const"
            } else {
                "let"
            };
            if kind(*d) != "variable_declarator" || d.child_by_field_name("type").is_some() {
                return None;
            }
            (
                d.child_by_field_name("value")?,
                Some((d.child_by_field_name("name")?, keyword)),
            )
        }
        "short_var_declaration" | "assignment_statement" if g.lang == Lang::Go => {
            let left = one(n.child_by_field_name("left")?)?;
            let right = one(n.child_by_field_name("right")?)?;
            let op = if kind(n) == "short_var_declaration" {
                ":="
            } else {
                if n.child_by_field_name("operator").map(|o| text(o, src)) != Some("=") {
                    return None;
                }
                "="
            };
            (right, Some((left, op)))
        }
        _ => return None,
    };
    // JavaScript: `await h(…)`, for an `async` helper only (and only it is awaited).
    let awaited = is_js(g) && kind(call) == "await_expression";
    let call = if awaited {
        named_children(call).into_iter().next()?
    } else {
        call
    };
    if kind(call) != g.call {
        return None;
    }
    let f = call.child_by_field_name("function")?;
    if kind(f) != "identifier" {
        return None;
    }
    let name = text(f, src);
    let h = helpers.get(name)?;
    if h.is_async != awaited {
        return None;
    }
    if let Some((left, _)) = target
        && (kind(left) != "identifier" || h.returns.is_none())
    {
        return None;
    }
    if target.is_none() && h.returns.is_some() {
        // Its value dropped: what `return E` evaluates is still run, so keep it out.
        return None;
    }
    let args: Vec<Node<'_>> = named_children(call.child_by_field_name("arguments")?)
        .into_iter()
        .filter(|a| kind(*a) != "comment")
        .collect();
    if args.len() != h.params.len()
        || args.iter().any(|a| {
            matches!(
                kind(*a),
                "variadic_argument"
                    | "keyword_argument"
                    | "list_splat"
                    | "dictionary_splat"
                    | "parenthesized_expression"
                    | "spread_element"
            )
        })
    {
        return None;
    }
    // Go copies an argument: a name whose address the caller takes, or that a closure of
    // the caller assigns, could change while the helper runs, which its copy would not.
    if g.lang == Lang::Go
        && args.iter().any(|a| {
            kind(*a) == "identifier"
                && contains(g, caller, &|x| {
                    kind(x) == "unary_expression"
                        && text(x, src).starts_with('&')
                        && x.child_by_field_name("operand")
                            .is_some_and(|o| text(o, src) == text(*a, src))
                })
                || (kind(*a) == "identifier" && caller_closures_assign(caller, src, text(*a, src)))
        })
    {
        return None;
    }
    // The caller's names: those it binds, and every one it mentions.
    let mut caller_binds = BTreeSet::new();
    bound_names(g, src, caller, &mut caller_binds);
    if let Some(p) = caller.child_by_field_name("parameters") {
        let mut names = BTreeSet::new();
        identifiers(p, src, &mut names);
        caller_binds.extend(names);
    }
    if let Some(r) = caller.child_by_field_name("receiver") {
        identifiers(r, src, &mut caller_binds);
    }
    let mut caller_mentions = BTreeSet::new();
    if let Some(b) = caller.child_by_field_name("body") {
        identifiers(b, src, &mut caller_mentions);
    }
    if caller_binds.contains(name) {
        return None;
    }
    // The returned local, renamed to the call's target.
    let target_name = target.map(|(l, _)| text(l, src).to_owned());
    let renamed: Option<String> = match (h.returns, &target_name) {
        (Some(r), Some(t))
            if kind(r) == "identifier"
                && h.binds.contains(text(r, src))
                && (text(r, src) == t || !h.mentions.contains(t)) =>
        {
            Some(text(r, src).to_owned())
        }
        _ => None,
    };
    if h.binds
        .iter()
        .any(|b| Some(b) != renamed.as_ref() && caller_mentions.contains(b))
    {
        return None;
    }
    if h.mentions
        .iter()
        .any(|m| !h.params.contains(m) && !h.binds.contains(m) && caller_binds.contains(m))
    {
        return None;
    }
    // What each parameter reads as.
    let first = h.body.first().copied().or(h.returns);
    let effects = |a: Node<'_>| {
        contains(g, a, &|x| {
            matches!(
                kind(x),
                "call" | "call_expression" | "new_expression" | "await" | "await_expression"
            ) || (kind(x) == "unary_expression" && text(x, src).starts_with("<-"))
        })
    };
    let with_effects = args.iter().filter(|a| effects(**a)).count();
    let mut values: BTreeMap<&str, String> = BTreeMap::new();
    for (i, (p, a)) in h.params.iter().zip(&args).enumerate() {
        let ty = h.param_types.get(i).cloned().flatten();
        let literal = g.literals.contains(&kind(*a))
            && !named_children(*a)
                .iter()
                .any(|c| matches!(kind(*c), "interpolation" | "string"))
            || (kind(*a) == "template_string"
                && !named_children(*a)
                    .iter()
                    .any(|c| kind(*c) == "template_substitution"));
        // A value that cannot change between the call and where the helper reads it: a
        // literal of the parameter's own type, or a local of the caller nothing else can
        // write while the helper runs.
        let stable = (literal && (g.lang != Lang::Go || go_literal_fits(kind(*a), ty.as_deref())))
            || (kind(*a) == "identifier" && stable_local(g, src, caller, text(*a, src)));
        if !stable {
            // Else used once, in the helper's first statement, always evaluated there, with
            // nothing that may run code before it: in Go a statement that calls nothing
            // else; in Python and JavaScript, whose operators, attributes and members may
            // run code of their own (`__add__`, a property, a getter, `valueOf`), one that
            // binds the parameter as it is (`x = param`).
            let uses = h
                .body
                .iter()
                .chain(h.returns.iter())
                .map(|s| uses_of(*s, src, p))
                .sum::<usize>();
            let in_first =
                first.is_some_and(|s| uses_of(s, src, p) == 1 && always_evaluated(g, s, src, p));
            let plain_binding = first.is_some_and(|s| {
                let t: String = text(s, src).split_whitespace().collect();
                let t = t.trim_end_matches(';');
                t.ends_with(&format!("={p}"))
                    && !t.ends_with(&format!("=={p}"))
                    && !t.contains('(')
                    && !t.contains('.')
                    && !t.contains('[')
            });
            if uses != 1
                || (effects(*a) && with_effects > 1)
                || !in_first
                || (g.lang != Lang::Go && !plain_binding)
                || first.is_some_and(|s| {
                    contains(g, s, &|x| {
                        kind(x) == g.call
                            || kind(x) == "await"
                            || (kind(x) == "unary_expression" && text(x, src).starts_with("<-"))
                    })
                })
                || contains(g, *a, &|x| g.forbidden.contains(&kind(x)))
            {
                return None;
            }
        }
        let mut value = text(*a, src).to_owned();
        // Go: an untyped constant takes the parameter's type (`10/4` is 2, `float64(10)/4`
        // is 2.5): a literal of another default type, or a constant of the package, is
        // written converted.
        if g.lang == Lang::Go
            && ((literal && !go_literal_fits(kind(*a), ty.as_deref()))
                || (kind(*a) == "identifier" && consts.contains(text(*a, src))))
        {
            let ty = ty?;
            value = if ty.starts_with('*') || ty.starts_with("<-") || ty.starts_with("func") {
                format!("({ty})({value})")
            } else {
                format!("{ty}({value})")
            };
        }
        values.insert(p.as_str(), value);
    }
    if let Some(r) = &renamed
        && let Some(t) = &target_name
    {
        values.insert(r.as_str(), t.clone());
    }
    // Write each statement with its names replaced, re-indented to the call's place.
    let indent = line_indent(src, n.start_byte());
    let mut lines: Vec<String> = Vec::new();
    for s in &h.body {
        let from = line_indent(src, s.start_byte());
        // A literal over several lines would change with its indentation.
        if from != indent && contains(g, *s, &|x| spans_lines(x, src)) {
            return None;
        }
        // Go's `t.Helper()` only changes the line a failure is reported at.
        if g.lang == Lang::Go
            && h.reporters
                .iter()
                .any(|r| text(*s, src) == format!("{r}.Helper()"))
        {
            continue;
        }
        let t = substituted(src, *s, &values);
        lines.push(reindented(&t, &from, &indent));
    }
    if let (Some(r), Some((left, op))) = (h.returns, target) {
        if line_indent(src, r.start_byte()) != indent && contains(g, r, &|x| spans_lines(x, src)) {
            return None;
        }
        let value = substituted(src, r, &values);
        let left = text(left, src);
        if !(renamed.is_some() && value == left) {
            let stmt = match op {
                "const" | "let" => format!("{op} {left} = {value};"),
                "=" if is_js(g) => format!("{left} = {value};"),
                _ => format!("{left} {op} {value}"),
            };
            lines.push(reindented(
                &stmt,
                &line_indent(src, r.start_byte()),
                &indent,
            ));
        }
    }
    if lines.is_empty() {
        return None;
    }
    let joined = lines.join(&format!("\n{indent}"));
    Some(if g.lang == Lang::Go {
        folded_go_branches(&joined).unwrap_or(joined)
    } else {
        joined
    })
}

/// Go: whether an untyped literal of kind `literal` has the parameter's type `ty` by default,
/// so that it reads the same written where the parameter is (`10/4` is not `float64(10)/4`).
fn go_literal_fits(literal: &str, ty: Option<&str>) -> bool {
    let Some(ty) = ty else {
        return false;
    };
    match literal {
        "int_literal" => ty == "int",
        "float_literal" => ty == "float64",
        "imaginary_literal" => ty == "complex128",
        "rune_literal" => matches!(ty, "rune" | "int32"),
        "interpreted_string_literal" | "raw_string_literal" => ty == "string",
        "true" | "false" => ty == "bool",
        "nil" => {
            ["*", "[]", "map[", "chan", "<-chan", "func", "interface"]
                .iter()
                .any(|p| ty.starts_with(p))
                || matches!(ty, "error" | "any")
        }
        _ => false,
    }
}

/// Whether `name` is a local of `caller` that nothing can write while a helper it is handed
/// to runs: the helper sees a copy (Go) or the value the name held at the call, the reading
/// reads the name itself later.
/// - Go: a variable the caller declares (not a constant), whose address is never taken
///   (`&x`, `&x.f`), which is never the operand of a selector or slice (a method value or
///   call may take its address: `x.inc`), unless it is a parameter of a type whose value no
///   method changes (a pointer, an interface, a map…), and which no closure of the caller
///   assigns;
/// - Python: a name the caller binds (so a local), declared `global` or `nonlocal` nowhere in
///   it;
/// - JavaScript: a variable or parameter the caller declares, which no function inside it
///   assigns, in a caller without `eval`.
fn stable_local(g: &Grammar, src: &str, caller: Node<'_>, name: &str) -> bool {
    match g.lang {
        Lang::Go => {
            let mut declared = BTreeSet::new();
            bound_names(g, src, caller, &mut declared);
            if let Some(p) = caller.child_by_field_name("parameters") {
                identifiers(p, src, &mut declared);
            }
            if !declared.contains(name) {
                return false;
            }
            let shared_param = caller
                .child_by_field_name("parameters")
                .is_some_and(|list| {
                    named_children(list).into_iter().any(|p| {
                        let mut cursor = p.walk();
                        let named = p
                            .children_by_field_name("name", &mut cursor)
                            .any(|n| text(n, src) == name);
                        named
                            && p.child_by_field_name("type").is_some_and(|t| {
                                matches!(
                                    kind(t),
                                    "pointer_type"
                                        | "slice_type"
                                        | "map_type"
                                        | "channel_type"
                                        | "function_type"
                                        | "interface_type"
                                ) || matches!(text(t, src), "error" | "any")
                            })
                    })
                });
            !anywhere(caller, &|x| {
                (kind(x) == "const_spec" && {
                    let mut cursor = x.walk();
                    x.children_by_field_name("name", &mut cursor)
                        .any(|n| text(n, src) == name)
                }) || (kind(x) == "unary_expression"
                    && text(x, src).starts_with('&')
                    && x.child_by_field_name("operand")
                        .and_then(root_of)
                        .is_some_and(|r| text(r, src) == name))
                    || (!shared_param
                        && matches!(kind(x), "selector_expression" | "slice_expression")
                        && x.child_by_field_name("operand")
                            .is_some_and(|o| kind(o) == "identifier" && text(o, src) == name))
            }) && !caller_closures_assign(caller, src, name)
        }
        Lang::Python => {
            let mut declared = BTreeSet::new();
            bound_names(g, src, caller, &mut declared);
            if !declared.contains(name) {
                return false;
            }
            !anywhere(caller, &|x| {
                matches!(kind(x), "global_statement" | "nonlocal_statement")
                    && named_children(x).iter().any(|n| text(*n, src) == name)
            })
        }
        _ => {
            if text(caller, src).contains("eval") {
                return false;
            }
            let mut declared = BTreeSet::new();
            let mut stack = vec![caller];
            while let Some(x) = stack.pop() {
                match kind(x) {
                    "variable_declarator" => {
                        if let Some(n) = x.child_by_field_name("name") {
                            js_pattern_names(n, src, &mut declared);
                        }
                    }
                    "formal_parameters" => js_pattern_names(x, src, &mut declared),
                    "arrow_function" => {
                        if let Some(p) = x.child_by_field_name("parameter") {
                            declared.insert(text(p, src).to_owned());
                        }
                    }
                    _ => {}
                }
                stack.extend(named_children(x));
            }
            if !declared.contains(name) {
                return false;
            }
            // Assigned inside a function of the caller (a callback, a closure).
            let mut stack: Vec<(Node<'_>, bool)> = vec![(caller, false)];
            while let Some((x, inner)) = stack.pop() {
                let inner = inner
                    || (x.id() != caller.id()
                        && matches!(
                            kind(x),
                            "arrow_function"
                                | "function_expression"
                                | "function"
                                | "function_declaration"
                                | "method_definition"
                                | "generator_function"
                                | "generator_function_declaration"
                        ));
                if inner {
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
                stack.extend(named_children(x).into_iter().map(|c| (c, inner)));
            }
            true
        }
    }
}

/// Whether `n` or any node inside it, nested functions included, is one `pred` holds for.
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

/// Whether a function literal inside `caller` assigns to `name`.
fn caller_closures_assign(caller: Node<'_>, src: &str, name: &str) -> bool {
    let mut stack = vec![caller];
    while let Some(x) = stack.pop() {
        if kind(x) == "func_literal" {
            let mut binds = BTreeSet::new();
            bound_names(&GO, src, x, &mut binds);
            if binds.contains(name) {
                return true;
            }
        }
        stack.extend(named_children(x));
    }
    false
}

fn one(list: Node<'_>) -> Option<Node<'_>> {
    if kind(list) == "expression_list" {
        let items = named_children(list);
        let [x] = items.as_slice() else {
            return None;
        };
        Some(*x)
    } else {
        Some(list)
    }
}

/// Whether each use of `name` in the statement `s` is evaluated whenever `s` runs: under no
/// `and`/`or`/`&&`/`||`, conditional expression, comprehension, lambda or function literal.
fn always_evaluated(g: &Grammar, s: Node<'_>, src: &str, name: &str) -> bool {
    let mut stack = vec![s];
    while let Some(x) = stack.pop() {
        if kind(x) == "identifier" && !is_label(x) && text(x, src) == name {
            let mut up = x;
            while let Some(p) = up.parent() {
                if up.id() == s.id() {
                    break;
                }
                let conditional = match kind(p) {
                    "boolean_operator"
                    | "conditional_expression"
                    | "lambda"
                    | "list_comprehension"
                    | "set_comprehension"
                    | "dictionary_comprehension"
                    | "generator_expression"
                    | "func_literal"
                    | "ternary_expression"
                    | "arrow_function"
                    | "function_expression"
                    | "function"
                    | "optional_chain" => true,
                    "binary_expression" if g.lang == Lang::Go || is_js(g) => p
                        .child_by_field_name("operator")
                        .is_some_and(|o| matches!(text(o, src), "&&" | "||" | "??")),
                    _ => false,
                };
                if conditional {
                    return false;
                }
                up = p;
            }
        }
        stack.extend(named_children(x));
    }
    true
}

fn uses_of(n: Node<'_>, src: &str, name: &str) -> usize {
    let mut count = 0;
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if kind(x) == "identifier" && !is_label(x) && text(x, src) == name {
            count += 1;
        }
        stack.extend(named_children(x));
    }
    count
}

/// The text of `s` with each name of `values` replaced (not field or keyword names).
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
        "string"
            | "concatenated_string"
            | "raw_string_literal"
            | "interpreted_string_literal"
            | "template_string"
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

/// Go statements with each `if true {…}` / `if false {…}` (no initializer) written as the
/// branch taken; `None` when there is none.
fn folded_go_branches(stmts: &str) -> Option<String> {
    if !stmts.contains("if true") && !stmts.contains("if false") {
        return None;
    }
    let wrapped = format!("package p\nfunc f() {{\n{stmts}\n}}\n");
    let tree = super::parse_clean(Lang::Go, "", &wrapped).ok()??;
    let f = named_children(tree.root_node())
        .into_iter()
        .find(|c| kind(*c) == GO.function)?;
    let body = f.child_by_field_name("body")?;
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for s in statements(body) {
        if kind(s) != "if_statement" || s.child_by_field_name("initializer").is_some() {
            continue;
        }
        let cond = s.child_by_field_name("condition")?;
        let taken = match text(cond, &wrapped) {
            c if c == GO.true_literal => s.child_by_field_name("consequence"),
            c if c == GO.false_literal => s.child_by_field_name("alternative"),
            _ => continue,
        };
        let replacement = match taken {
            None => String::new(),
            Some(b) if kind(b) == "block" => {
                let inner = statements(b);
                match (inner.first(), inner.last()) {
                    (Some(a), Some(z)) => {
                        let from = line_indent(&wrapped, a.start_byte());
                        let to = line_indent(&wrapped, s.start_byte());
                        reindented(&wrapped[a.start_byte()..z.end_byte()], &from, &to)
                    }
                    _ => String::new(),
                }
            }
            Some(other) => wrapped[other.byte_range()].to_owned(),
        };
        edits.push((s.byte_range(), replacement));
    }
    if edits.is_empty() {
        return None;
    }
    let body_range = body.byte_range();
    let mut out = String::new();
    let mut at = body_range.start + 1;
    for (r, v) in edits {
        out.push_str(&wrapped[at..r.start]);
        out.push_str(&v);
        at = r.end;
    }
    out.push_str(&wrapped[at..body_range.end - 1]);
    Some(out.trim_matches('\n').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(src: &str) -> Option<String> {
        let tree = super::super::parse_clean(Lang::Go, "x_test.go", src)
            .unwrap()
            .unwrap();
        inlined(Lang::Go, src, tree.root_node(), "")
    }

    fn python(src: &str) -> Option<String> {
        let tree = super::super::parse_clean(Lang::Python, "test_x.py", src)
            .unwrap()
            .unwrap();
        inlined(Lang::Python, src, tree.root_node(), "")
    }

    #[test]
    fn a_go_call_is_written_out_with_its_arguments_and_the_branch_taken() {
        let src = "package p\n\nfunc make(rate Rate, premium bool) *Account {\n\tc := &Account{Rate: rate}\n\tif premium {\n\t\tc.Premium = true\n\t}\n\treturn c\n}\n\nfunc check(got int, t *testing.T) {\n\tif got != 1 {\n\t\tt.Error(got)\n\t}\n}\n\nfunc TestX(t *testing.T) {\n\tc := make(Standard, false)\n\tcheck(c.Total(), t)\n\td := make(Gold, true)\n\tcheck(d.N, t)\n}\n";
        let out = go(src).unwrap();
        let test = &out[out.find("func TestX").unwrap()..];
        assert_eq!(
            test,
            // A call or a selector handed to a parameter used twice is not written out.
            "func TestX(t *testing.T) {\n\tc := &Account{Rate: Standard}\n\t\n\tcheck(c.Total(), t)\n\td := &Account{Rate: Gold}\n\td.Premium = true\n\tcheck(d.N, t)\n}\n"
        );
        let src = src.replace("check(d.N, t)", "n := d.N\n\tcheck(n, t)");
        let out = go(&src).unwrap();
        assert!(
            out.ends_with("\tn := d.N\n\tif n != 1 {\n\t\tt.Error(n)\n\t}\n}\n"),
            "{out}"
        );
    }

    #[test]
    fn a_python_call_is_written_out_at_the_callers_indentation() {
        let src = "def check(got):\n    assert got == 1\n    if got:\n        assert got > 0\n\n\nclass TestX:\n    def test_x(self):\n        check(self.n)\n\n\ndef test_y():\n    check(n)\n";
        let out = python(src).unwrap();
        assert!(
            out.ends_with("def test_y():\n    assert n == 1\n    if n:\n        assert n > 0\n"),
            "{out}"
        );
        // `self.n` is an attribute (it may run a property): not written out twice.
        assert!(out.contains("        check(self.n)\n"), "{out}");
    }
}
