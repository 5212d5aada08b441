//! Which names of a test carry a value to its assertions.
//!
//! A helper of the test's code is locked as written when an assertion names it (`assert
//! total(xs) == expected()`): what it returns is what the test compares. A value reaches an
//! assertion by other paths too. `got = run(xs)` then `assert got == 6` compares what `run`
//! returns, and `def run(xs): return 6` in place of `return total(xs)` is the same weakening
//! as writing `got = 6` in the test; `xs = items()` then `assert total(xs) == 6` compares the
//! total of what `items` returns, and `fill(cart)` then `assert cart.total == 10` what `fill`
//! left in the cart. [`reaching_assertions`] follows those paths inside the test's body, so
//! that every helper on them is locked as the helpers an assertion names are.
//!
//! The reading is a may-flow over statements, not a proof: a statement that mentions a name
//! whose value reaches an assertion may change it (a call handed it, a method called on it,
//! an assignment to it or to one of its fields), so every name the statement mentions reaches
//! the assertions too, and so on to a fixed point. The conditions that decide whether an
//! assertion runs (`if run(xs):`, `match run() { … }`) count as what it checks. The handle of
//! the test case (`self`, `t`, `this`) carries the runner's machinery, not a value under test:
//! handing it on does not make a statement part of the flow (a helper that skips or ends the
//! process through it is locked anyway).

use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::Node;

use super::analysis::{is_function_like, kind, named_children, text};
use super::bindings::used_names;

/// The test case's handle in each runner's idiom; see the module documentation.
const HANDLES: &[&str] = &["self", "cls", "t", "this"];

/// Conditions of control structures: their names decide which assertions run.
const CONDITIONS: &[(&str, &str)] = &[
    ("if_statement", "condition"),
    ("elif_clause", "condition"),
    ("while_statement", "condition"),
    ("conditional_expression", ""),
    ("ternary_expression", "condition"),
    ("if_expression", "condition"),
    ("while_expression", "condition"),
    ("match_statement", "subject"),
    ("match_expression", "value"),
    ("switch_statement", "value"),
    ("expression_switch_statement", "value"),
    ("type_switch_statement", "value"),
    ("for_statement", "condition"),
];

/// Loop and binding headers, read as `(target, value)`: the body of the loop is read
/// statement by statement.
const HEADERS: &[(&str, &str, &str)] = &[
    // Python `for x in items():`, JavaScript `for (const x of items())`.
    ("for_statement", "left", "right"),
    ("for_in_statement", "left", "right"),
    // Python `with open_cart() as c:` (`as_pattern`), `if (n := run()):`.
    ("as_pattern", "", "alias"),
    ("named_expression", "name", "value"),
    // Go `for _, x := range items()`.
    ("range_clause", "left", "right"),
    // Rust `for x in items()`, `if let Some(x) = run()`.
    ("for_expression", "pattern", "value"),
    ("let_condition", "pattern", "value"),
];

/// Statements read whole: every name one mentions is bound, changed or handed on together.
const STATEMENTS: &[&str] = &[
    // Python (assignments are inside), JavaScript, Go, Rust.
    "expression_statement",
    // JavaScript/TypeScript.
    "lexical_declaration",
    "variable_declaration",
    // Go.
    "short_var_declaration",
    "assignment_statement",
    "inc_statement",
    "dec_statement",
    "var_declaration",
    "defer_statement",
    "go_statement",
    "send_statement",
    // Rust.
    "let_declaration",
    // Python.
    "return_statement",
    "delete_statement",
];

/// Rust wraps a control expression in an `expression_statement`: such a statement is read
/// through its parts (its header, its condition, the statements of its blocks), not whole.
const CONTROL_EXPRESSIONS: &[&str] = &[
    "if_expression",
    "for_expression",
    "while_expression",
    "loop_expression",
    "match_expression",
    "block",
    "unsafe_block",
    "async_block",
];

/// The names of the test whose value may reach one of its assertions: `asserted` (the names
/// its assertions compare), the names of the conditions that decide which assertions run,
/// and, to a fixed point, every name of a statement of `body` that mentions one of them.
///
/// An assertion is not such a statement: what it compares is in `asserted` already, and what
/// only its message reads (`t.Fatal(describe(err))`) reaches no check.
pub(crate) fn reaching_assertions(
    body: Node<'_>,
    src: &str,
    asserted: &BTreeSet<String>,
    is_assertion: &dyn Fn(Node<'_>) -> bool,
) -> BTreeSet<String> {
    let mut reach: BTreeSet<String> = asserted.clone();
    let mut units: Vec<BTreeSet<String>> = Vec::new();
    let mut root = body;
    while let Some(p) = root.parent() {
        root = p;
    }
    let checkers = Checkers::cached(root, src, is_assertion);
    let locals: BTreeSet<String> = super::analysis::declared_locals(body, src)
        .into_iter()
        .collect();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        let k = kind(n);
        if let Some(args) = checkers.checked_arguments(n, src, &locals) {
            for a in args {
                reach.extend(names(a, body, src));
            }
        }
        for (c, field) in CONDITIONS {
            if k == *c {
                let cond = if field.is_empty() {
                    // Python `a if cond else b`: the condition is the middle operand.
                    named_children(n).get(1).copied()
                } else {
                    n.child_by_field_name(field)
                };
                if let Some(cond) = cond {
                    reach.extend(names(cond, body, src));
                }
            }
        }
        if k == "match_expression" {
            // Rust: what the scrutinee holds flows into the patterns of its arms.
            let mut unit = n
                .child_by_field_name("value")
                .map(|v| names(v, body, src))
                .unwrap_or_default();
            if let Some(arms) = n.child_by_field_name("body") {
                for arm in named_children(arms) {
                    if let Some(p) = arm.child_by_field_name("pattern") {
                        unit.extend(names(p, body, src));
                    }
                }
            }
            units.push(unit);
        }
        for (h, target, value) in HEADERS {
            if k == *h {
                let mut unit = BTreeSet::new();
                let target = if target.is_empty() {
                    named_children(n).first().copied()
                } else {
                    n.child_by_field_name(target)
                };
                for part in [target, n.child_by_field_name(value)].into_iter().flatten() {
                    unit.extend(names(part, body, src));
                }
                units.push(unit);
            }
        }
        let first = named_children(n).first().copied();
        // A Rust control expression, or an assertion, in an `expression_statement`.
        let wrapped = k == "expression_statement"
            && first.is_some_and(|c| CONTROL_EXPRESSIONS.contains(&kind(c)) || is_assertion(c));
        let whole = STATEMENTS.contains(&k) && !wrapped && !is_assertion(n);
        if whole {
            units.push(names(n, body, src));
        }
        stack.extend(named_children(n));
    }
    loop {
        let before = reach.len();
        for unit in &units {
            if unit
                .iter()
                .any(|n| reach.contains(n) && !HANDLES.contains(&n.as_str()))
            {
                reach.extend(unit.iter().cloned());
            }
        }
        if reach.len() == before {
            return reach;
        }
    }
}

/// The names `node` mentions, as [`used_names`] reads them, with the root of each dotted name
/// (`cart` for `cart.total`: a statement that changes `cart.total` changes `cart`) and the
/// names a destructuring pattern binds (`const {data} = …`, Rust's `let Point { x, .. } = …`).
fn names(node: Node<'_>, body: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = used_names(node, body, src).names;
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if matches!(
            kind(n),
            "shorthand_property_identifier_pattern" | "shorthand_field_identifier"
        ) {
            out.insert(text(n, src).to_owned());
        }
        stack.extend(named_children(n));
    }
    let roots: Vec<String> = out
        .iter()
        .filter(|n| !n.starts_with('.'))
        .filter_map(|n| n.split(['.', ':']).next())
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    out.extend(roots);
    out
}

/// The functions of a file by name (a method by its own name), and whether each may check
/// what it is handed: it asserts, or calls one of the file that does.
#[derive(Clone)]
struct Checkers {
    asserting: BTreeMap<String, bool>,
}

std::thread_local! {
    /// The [`Checkers`] of the file last read on this thread, by its source (where it is,
    /// its length and a hash of its text) and tree.
    static CHECKERS: std::cell::RefCell<Option<([u64; 4], std::rc::Rc<Checkers>)>> =
        const { std::cell::RefCell::new(None) };
}

impl Checkers {
    /// Those of the file `root` is the tree of, read once for all its tests.
    fn cached(
        root: Node<'_>,
        src: &str,
        is_assertion: &dyn Fn(Node<'_>) -> bool,
    ) -> std::rc::Rc<Checkers> {
        let hash = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            src.hash(&mut h);
            h.finish()
        };
        let key = [
            src.as_ptr() as u64,
            src.len() as u64,
            root.id() as u64,
            hash,
        ];
        if let Some(found) = CHECKERS.with(|c| {
            c.borrow()
                .as_ref()
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        }) {
            return found;
        }
        let made = std::rc::Rc::new(Checkers::of(root, src, is_assertion));
        CHECKERS.with(|c| *c.borrow_mut() = Some((key, made.clone())));
        made
    }

    fn of(root: Node<'_>, src: &str, is_assertion: &dyn Fn(Node<'_>) -> bool) -> Checkers {
        // Each definition: its name, whether it asserts itself, the names it calls.
        let mut defs: BTreeMap<String, (bool, BTreeSet<String>)> = BTreeMap::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            stack.extend(named_children(n));
            let (name, body) = match kind(n) {
                "function_definition"
                | "function_declaration"
                | "method_declaration"
                | "function_item"
                | "method_definition"
                | "generator_function_declaration" => {
                    (n.child_by_field_name("name"), n.child_by_field_name("body"))
                }
                // `const check = (x) => …`, `check = function (x) { … }`.
                "variable_declarator" => (
                    n.child_by_field_name("name"),
                    n.child_by_field_name("value")
                        .filter(|v| is_function_like(kind(*v))),
                ),
                _ => continue,
            };
            let (Some(name), Some(body)) = (name, body) else {
                continue;
            };
            let mut asserts = false;
            let mut calls = BTreeSet::new();
            let mut inner = vec![body];
            while let Some(c) = inner.pop() {
                if is_assertion(c) {
                    asserts = true;
                }
                if let Some(callee) = callee_name(c, src) {
                    calls.insert(callee.to_owned());
                }
                inner.extend(named_children(c));
            }
            let entry = defs.entry(text(name, src).to_owned()).or_default();
            entry.0 |= asserts;
            entry.1.extend(calls);
        }
        // To a fixed point: one that calls a function of the file that may check, may check.
        let mut asserting: BTreeMap<String, bool> =
            defs.iter().map(|(n, (a, _))| (n.clone(), *a)).collect();
        loop {
            let mut changed = false;
            for (name, (_, calls)) in &defs {
                if !asserting[name] && calls.iter().any(|c| asserting.get(c) == Some(&true)) {
                    asserting.insert(name.clone(), true);
                    changed = true;
                }
            }
            if !changed {
                return Checkers { asserting };
            }
        }
    }

    /// The arguments of `node` when it is a call statement whose callee may check them (see
    /// the module documentation): not a function handed to it (a subtest's body, a
    /// callback), whose statements are read on their own.
    fn checked_arguments<'t>(
        &self,
        node: Node<'t>,
        src: &str,
        locals: &BTreeSet<String>,
    ) -> Option<Vec<Node<'t>>> {
        if kind(node) != "expression_statement" {
            return None;
        }
        let mut call = named_children(node).into_iter().next()?;
        while kind(call) == "await_expression" {
            call = named_children(call).into_iter().next()?;
        }
        if !matches!(kind(call), "call" | "call_expression") {
            return None;
        }
        let function = call.child_by_field_name("function")?;
        let name = callee_name(call, src)?;
        // A method of the test case's handle (`self.check(…)`, `t.Log(…)`) checks only when it
        // is a function of the file that may; another object's method (`cart.add(x)`) changes
        // that object, which the statement's own reading follows.
        let object = match kind(function) {
            "identifier" => None,
            "attribute"
            | "member_expression"
            | "selector_expression"
            | "field_expression"
            | "scoped_identifier" => function
                .child_by_field_name("object")
                .or_else(|| function.child_by_field_name("operand"))
                .or_else(|| function.child_by_field_name("value"))
                .or_else(|| function.child_by_field_name("path")),
            _ => return None,
        };
        let may_check = match (object, self.asserting.get(name)) {
            (_, Some(asserts)) => *asserts,
            (None, None) => true,
            (Some(o), None) => {
                // A module (`helpers.check(…)`), not a value the test binds.
                kind(o) == "identifier"
                    && !HANDLES.contains(&text(o, src))
                    && !locals.contains(text(o, src))
            }
        };
        if !may_check {
            return None;
        }
        let args = call.child_by_field_name("arguments")?;
        Some(
            named_children(args)
                .into_iter()
                .filter(|a| !is_function_like(kind(*a)))
                .collect(),
        )
    }
}

/// The name a call calls: `check` for `check(…)`, `self.check(…)`, `helpers.check(…)`,
/// `common::check(…)`.
fn callee_name<'s>(call: Node<'_>, src: &'s str) -> Option<&'s str> {
    if !matches!(kind(call), "call" | "call_expression") {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    let name = match kind(function) {
        "identifier" => function,
        "attribute" => function.child_by_field_name("attribute")?,
        "member_expression" => function.child_by_field_name("property")?,
        "selector_expression" | "field_expression" => function.child_by_field_name("field")?,
        "scoped_identifier" => function.child_by_field_name("name")?,
        _ => return None,
    };
    Some(text(name, src))
}
