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

use std::collections::BTreeSet;

use tree_sitter::Node;

use super::analysis::{kind, named_children};
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
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        let k = kind(n);
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
/// (`cart` for `cart.total`): a statement that changes `cart.total` changes `cart`.
fn names(node: Node<'_>, body: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = used_names(node, body, src).names;
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
