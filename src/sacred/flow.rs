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
use crate::sacred::analysis::FieldOf as _;

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
    let mut units: Vec<Unit> = Vec::new();
    let mut root = body;
    while let Some(p) = root.parent() {
        root = p;
    }
    let checkers = Checkers::cached(root, src, is_assertion);
    let locals: BTreeSet<String> = super::analysis::declared_locals(body, src)
        .into_iter()
        .collect();
    // With the names its headers bind (`with mock.patch(…) as get:`, `for x in …`): what
    // the test writes through one of those is its own.
    let bound = bound_by_headers(body, src, &locals);
    // The checks of the test (its assertions and the calls that may check), and the values
    // its statements hand to something that keeps them beyond the test's locals.
    let mut checks: Vec<Node<'_>> = Vec::new();
    let mut calls_a_check = false;
    // Per statement: the names of what it hands on, and of the functions of the file that
    // keep it.
    #[allow(clippy::type_complexity)]
    let mut kept: Vec<(Node<'_>, BTreeSet<String>, BTreeSet<String>)> = Vec::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        let k = kind(n);
        if let Some(args) = checkers.checked_arguments(n, src, &locals) {
            checks.push(n);
            calls_a_check = true;
            for a in args {
                reach.extend(names(a, body, src));
            }
        }
        if is_assertion(n) {
            checks.push(n);
        }
        for (c, field) in CONDITIONS {
            if k == *c {
                let cond = if field.is_empty() {
                    // Python `a if cond else b`: the condition is the middle operand.
                    named_children(n).get(1).copied()
                } else {
                    n.field(field)
                };
                if let Some(cond) = cond {
                    reach.extend(names(cond, body, src));
                }
            }
        }
        if k == "match_expression" {
            // Rust: what the scrutinee holds flows into the patterns of its arms.
            let mut unit = n
                .field("value")
                .map(|v| names(v, body, src))
                .unwrap_or_default();
            if let Some(arms) = n.field("body") {
                for arm in named_children(arms) {
                    if let Some(p) = arm.field("pattern") {
                        unit.extend(names(p, body, src));
                    }
                }
            }
            units.push(Unit::of(unit));
        }
        for (h, target, value) in HEADERS {
            if k == *h {
                let mut unit = BTreeSet::new();
                let target = if target.is_empty() {
                    named_children(n).first().copied()
                } else {
                    n.field(target)
                };
                for part in [target, n.field(value)].into_iter().flatten() {
                    unit.extend(names(part, body, src));
                }
                units.push(Unit::of(unit));
            }
        }
        let first = named_children(n).first().copied();
        // A Rust control expression, or an assertion, in an `expression_statement`.
        let wrapped = k == "expression_statement"
            && first.is_some_and(|c| CONTROL_EXPRESSIONS.contains(&kind(c)) || is_assertion(c));
        let whole = STATEMENTS.contains(&k) && !wrapped && !is_assertion(n);
        if whole {
            let all = names(n, body, src);
            let called = only_called(n, src, &all)
                .into_iter()
                .filter(|f| checkers.asserting.contains_key(f))
                .collect();
            units.push(Unit { names: all, called });
            let (handed, keepers) = checkers.kept_values(n, root, src, &bound);
            if !handed.is_empty() {
                let mut seeded = BTreeSet::new();
                for v in handed {
                    seeded.extend(names(v, body, src));
                }
                let mut keeping = BTreeSet::new();
                for f in keepers {
                    keeping.extend(names(f, body, src));
                }
                kept.push((n, seeded, keeping));
            }
        }
        stack.extend(named_children(n));
    }
    spread(&mut reach, &units);
    // What a statement hands to something that keeps it (`store(items())`, `self.kept =
    // items()`, `REGISTRY.add(items())`) reaches a check that runs after it and may read
    // what is kept: a call that may check (`check_stored(6)`), or an assertion whose value
    // comes from beyond the test's locals (`assert pay.cart_total() == 6`, `self.kept`).
    let reads_shared = calls_a_check
        || reach.iter().any(|n| {
            let root = n.split(['.', ':']).next().unwrap_or("");
            !bound.contains(root)
        });
    if reads_shared {
        let mut seeded = false;
        // The functions that keep the values are locked with them, but do not carry the
        // flow on: another call of `store` is not kept for a check by this one.
        let mut keepers = BTreeSet::new();
        for (statement, values, keeping) in &kept {
            let checked_later = checks.iter().any(|c| c.end_byte() > statement.start_byte())
                || in_a_loop(*statement, body);
            if checked_later {
                reach.extend(values.iter().cloned());
                keepers.extend(keeping.iter().cloned());
                seeded = true;
            }
        }
        if seeded {
            spread(&mut reach, &units);
        }
        reach.extend(keepers);
    }
    reach
}

/// `locals` and the names the headers of `body` bind (see [`HEADERS`]): a loop's variable,
/// a `with … as` target, a walrus.
fn bound_by_headers(body: Node<'_>, src: &str, locals: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = locals.clone();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        stack.extend(named_children(n));
        for (h, target, _) in HEADERS {
            if kind(n) != *h {
                continue;
            }
            let target = if target.is_empty() {
                // `as_pattern`: its alias is last.
                n.field("alias")
            } else {
                n.field(target)
            };
            let mut names = target.into_iter().collect::<Vec<_>>();
            while let Some(t) = names.pop() {
                if kind(t) == "identifier" {
                    out.insert(text(t, src).to_owned());
                } else if !MEMBERS.contains(&kind(t)) {
                    names.extend(named_children(t));
                }
            }
        }
    }
    out
}

/// The names a statement or header mentions, read together (see [`reaching_assertions`]).
struct Unit {
    names: BTreeSet<String>,
    /// Those of them it only calls by name that are functions of the file (`store` in
    /// `store(extra())`): a call does not change the function it calls, so another call of
    /// it is not part of this one's flow (what a function of the file that keeps its
    /// arguments does with them is read apart). A function of another module may keep them
    /// where this reading does not look, and carries the flow on.
    called: BTreeSet<String>,
}

impl Unit {
    fn of(names: BTreeSet<String>) -> Unit {
        Unit {
            names,
            called: BTreeSet::new(),
        }
    }
}

/// The names of `all` (those `statement` mentions) that it mentions only as the function
/// of a call by a plain name (`store(…)`).
fn only_called(statement: Node<'_>, src: &str, all: &BTreeSet<String>) -> BTreeSet<String> {
    let mut called = BTreeSet::new();
    let mut other = BTreeSet::new();
    let mut stack = vec![statement];
    while let Some(n) = stack.pop() {
        stack.extend(named_children(n));
        if kind(n) != "identifier" {
            continue;
        }
        let name = text(n, src).to_owned();
        let is_callee = n.parent().is_some_and(|p| {
            matches!(kind(p), "call" | "call_expression")
                && p.field("function").is_some_and(|f| f.id() == n.id())
        });
        if is_callee {
            called.insert(name);
        } else {
            other.insert(name);
        }
    }
    called
        .into_iter()
        .filter(|c| all.contains(c) && !other.contains(c))
        .collect()
}

/// Extends `reach`, to a fixed point, with every name of a unit that mentions one of it
/// (but the test case's handle, and a function it only calls).
fn spread(reach: &mut BTreeSet<String>, units: &[Unit]) {
    loop {
        let before = reach.len();
        for unit in units {
            if unit.names.iter().any(|n| {
                reach.contains(n) && !HANDLES.contains(&n.as_str()) && !unit.called.contains(n)
            }) {
                reach.extend(unit.names.iter().cloned());
            }
        }
        if reach.len() == before {
            return;
        }
    }
}

/// Loops, whose statements run again after the checks that follow them in the source.
const LOOPS: &[&str] = &[
    "for_statement",
    "for_in_statement",
    "while_statement",
    "do_statement",
    "for_expression",
    "while_expression",
    "loop_expression",
];

/// Whether `n` is inside a loop of the test's `body`.
fn in_a_loop(n: Node<'_>, body: Node<'_>) -> bool {
    let mut at = n.parent();
    while let Some(p) = at {
        if p.id() == body.id() {
            return false;
        }
        if LOOPS.contains(&kind(p)) {
            return true;
        }
        at = p.parent();
    }
    false
}

/// Member and item accesses: a target written through one changes what its root holds.
const MEMBERS: &[&str] = &[
    "attribute",
    "subscript",
    "member_expression",
    "subscript_expression",
    "selector_expression",
    "index_expression",
    "field_expression",
];

/// Assignments, with their target as field `left` and their value as field `right`.
const ASSIGNMENTS: &[&str] = &[
    "assignment",
    "augmented_assignment",
    "assignment_expression",
    "augmented_assignment_expression",
    "compound_assignment_expr",
    "assignment_statement",
];

/// The object a member or item access reads from (`cart` for `cart.items`, `xs` for `xs[0]`).
fn object_of(n: Node<'_>) -> Option<Node<'_>> {
    n.field("object")
        .or_else(|| n.field("value"))
        .or_else(|| n.field("operand"))
}

/// The root of a chain of member and item accesses (`self` for `self.store[0].items`).
fn root_of(mut n: Node<'_>) -> Node<'_> {
    while MEMBERS.contains(&kind(n)) {
        match object_of(n) {
            Some(o) => n = o,
            None => break,
        }
    }
    n
}

/// Whether `root` (see [`root_of`]) is the test case's handle (`self`, `this`).
fn is_handle(root: Node<'_>, src: &str) -> bool {
    matches!(kind(root), "this" | "self") || HANDLES.contains(&text(root, src))
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
///
/// And whether each keeps what it is handed beyond its locals: it writes beyond them as
/// the readings of what a helper changes say (`KEPT.append(xs)`, `tax.Rate = r`), writes
/// the state of its object or of a value of the module (`self.kept = xs`,
/// `self.store.append(xs)`, `db.save(xs)` for a module-level `db`), or calls one of the file
/// that keeps.
///
/// Whether a function keeps is read only when a test asks it of a function it calls, and
/// then only for the functions that one reaches (the reading is the costly part): a test
/// that calls no function of its file reads none.
struct Checkers {
    asserting: BTreeMap<String, bool>,
    /// Each function of the file by name: where its definitions are (to find them again in
    /// the tree) and the names of the functions they call.
    defs: BTreeMap<String, Def>,
    /// Whether the definitions of each name keep what they are handed themselves, by name,
    /// once read.
    own_keeps: std::cell::RefCell<BTreeMap<String, bool>>,
    /// Whether each name keeps, by itself or through what it calls, once asked.
    keeps_memo: std::cell::RefCell<BTreeMap<String, bool>>,
    /// The values the file binds at its top level (`KEPT = []`, `const state = {…}`, Go's
    /// `var kept []int`, Rust's `static`), but its imports and functions.
    module_values: BTreeSet<String>,
}

/// The definitions of one name in a file ([`Checkers::defs`]).
#[derive(Default)]
struct Def {
    /// Each definition node's byte range and kind.
    at: Vec<(usize, usize, u16)>,
    calls: BTreeSet<String>,
}

/// A definition's name, the function it defines and that function's body: a function,
/// method or Rust `fn`, or a variable bound to a function (`const check = (x) => …`,
/// `check = function (x) { … }`).
fn definition(n: Node<'_>) -> Option<(Node<'_>, Node<'_>, Node<'_>)> {
    let (name, body) = match kind(n) {
        "function_definition"
        | "function_declaration"
        | "method_declaration"
        | "function_item"
        | "method_definition"
        | "generator_function_declaration" => (n.field("name"), n.field("body")),
        "variable_declarator" => (
            n.field("name"),
            n.field("value").filter(|v| is_function_like(kind(*v))),
        ),
        _ => return None,
    };
    let (name, body) = (name?, body?);
    let function = if kind(n) == "variable_declarator" {
        body
    } else {
        n
    };
    Some((name, function, body))
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
        let module_values = module_values(root, src);
        // Each definition: its name, whether it asserts itself, the names it calls.
        let mut defs: BTreeMap<String, Def> = BTreeMap::new();
        let mut own_asserts: BTreeMap<String, bool> = BTreeMap::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            stack.extend(named_children(n));
            let Some((name, _, body)) = definition(n) else {
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
            let name = text(name, src).to_owned();
            *own_asserts.entry(name.clone()).or_default() |= asserts;
            let def = defs.entry(name).or_default();
            def.at.push((n.start_byte(), n.end_byte(), n.kind_id()));
            def.calls.extend(calls);
        }
        // To a fixed point: one that calls a function of the file that may check, may check.
        let mut asserting = own_asserts;
        loop {
            let mut changed = false;
            for (name, def) in &defs {
                if !asserting[name] && def.calls.iter().any(|c| asserting.get(c) == Some(&true)) {
                    asserting.insert(name.clone(), true);
                    changed = true;
                }
            }
            if !changed {
                return Checkers {
                    asserting,
                    defs,
                    own_keeps: std::cell::RefCell::new(BTreeMap::new()),
                    keeps_memo: std::cell::RefCell::new(BTreeMap::new()),
                    module_values,
                };
            }
        }
    }

    /// Whether the function(s) of the file named `name` keep what they are handed, by
    /// themselves or through a function of the file they call (the fixed point of "keeps
    /// itself, or calls one that keeps": one that reaches one that keeps itself). `root` is
    /// the tree the checkers were read from.
    fn keeps(&self, name: &str, root: Node<'_>, src: &str) -> bool {
        if let Some(k) = self.keeps_memo.borrow().get(name) {
            return *k;
        }
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut stack = vec![name];
        let mut found = false;
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            let Some(def) = self.defs.get(n) else {
                continue;
            };
            if self.keeps_itself(n, def, root, src) {
                found = true;
                break;
            }
            stack.extend(def.calls.iter().map(String::as_str));
        }
        self.keeps_memo.borrow_mut().insert(name.to_owned(), found);
        found
    }

    /// Whether one of the definitions of `name` keeps what it is handed itself: it writes
    /// beyond its locals, or the state of its object or of a value of the module.
    fn keeps_itself(&self, name: &str, def: &Def, root: Node<'_>, src: &str) -> bool {
        if let Some(k) = self.own_keeps.borrow().get(name) {
            return *k;
        }
        let keeps = def.at.iter().any(|&(start, end, kind_id)| {
            // The definition again: the smallest node of its range, or the one of its kind
            // around it with the same range.
            let found = std::iter::successors(root.descendant_for_byte_range(start, end), |n| {
                n.parent()
                    .filter(|p| p.start_byte() == start && p.end_byte() == end)
            })
            .find(|n| n.kind_id() == kind_id && n.start_byte() == start && n.end_byte() == end);
            let Some((_, function, body)) = found.and_then(definition) else {
                // Not found again (never the case for the tree it was read from): it may.
                return true;
            };
            // A Rust function of the code under test beside a `#[cfg(test)]` module keeps
            // its own statics: it is what the test exercises.
            let test_code = kind(function) != "function_item"
                || super::import_hazards::rust_test_code(function, src);
            test_code
                && (writes_beyond_locals(function, src)
                    || writes_shared_state(body, src, &self.module_values))
        });
        self.own_keeps.borrow_mut().insert(name.to_owned(), keeps);
        keeps
    }

    /// The values `statement` (one of the test's) hands to something that keeps them beyond
    /// the test's locals: the arguments of a call to a function of the file that keeps (see
    /// [`Checkers`]) and, with them, that function (`store(items())`); the arguments of a
    /// method called on what the test does not bind (`REGISTRY.add(x)` for a value of the
    /// module, `self.store.append(x)` on the test case's state; any such method when the
    /// call is the statement, `pay.CART.extend(x)`, whose value nothing else reads); and
    /// the value assigned to a member or item of what the test does not bind (`shared["x"]
    /// = items()`, `self.kept = items()`). A method of the test case's own machinery
    /// (`self.addCleanup(f)`) keeps nothing the test checks, and a local's method changes
    /// the local, which the test's own statements follow. Functions nested in the statement
    /// are read as statements of their own.
    fn kept_values<'t>(
        &self,
        statement: Node<'t>,
        root: Node<'_>,
        src: &str,
        locals: &BTreeSet<String>,
    ) -> (Vec<Node<'t>>, Vec<Node<'t>>) {
        let mut top = named_children(statement).into_iter().next();
        while let Some(c) = top.filter(|c| kind(*c) == "await_expression") {
            top = named_children(c).into_iter().next();
        }
        let top = top.map(|t| t.id());
        // The call whose value the statement assigns (`r = register(items())`): it may keep
        // what it is handed as a call statement may, whatever the test does with `r`.
        let assigned = assigned_call(statement).map(|c| c.id());
        let not_local = |root: Node<'_>| {
            is_handle(root, src) || !matches!(kind(root), "identifier") || {
                let name = text(root, src);
                !locals.contains(name)
            }
        };
        let mut out = Vec::new();
        let mut keepers = Vec::new();
        let mut stack = vec![statement];
        while let Some(n) = stack.pop() {
            if n.id() != statement.id() && is_function_like(kind(n)) {
                continue;
            }
            stack.extend(named_children(n));
            let k = kind(n);
            if ASSIGNMENTS.contains(&k) {
                let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
                    continue;
                };
                if member_targets(left).any(|t| not_local(root_of(t))) {
                    out.push(right);
                }
                continue;
            }
            if !matches!(k, "call" | "call_expression") {
                continue;
            }
            let (Some(function), Some(args)) = (n.field("function"), n.field("arguments")) else {
                continue;
            };
            let file_keeps = callee_name(n, src).is_some_and(|name| self.keeps(name, root, src));
            let keeps = if MEMBERS.contains(&kind(function))
                || kind(function) == "scoped_identifier"
            {
                let object = object_of(function);
                match object {
                    _ if file_keeps => true,
                    None => false,
                    Some(o) => {
                        let root = root_of(o);
                        let deep = o.id() != root.id();
                        if is_handle(root, src) {
                            deep
                        } else if kind(root) == "identifier" && locals.contains(text(root, src)) {
                            false
                        } else {
                            Some(n.id()) == top
                                || Some(n.id()) == assigned
                                || (kind(root) == "identifier"
                                    && self.module_values.contains(text(root, src)))
                        }
                    }
                }
            } else {
                // A function the file does not define (imported from the code under test)
                // whose value is assigned: what it does with its arguments is not read.
                file_keeps
                    || (Some(n.id()) == assigned
                        && kind(function) == "identifier"
                        && !locals.contains(text(function, src))
                        && callee_name(n, src).is_some_and(|f| !self.defs.contains_key(f)))
            };
            if keeps {
                // Not the test case's handle: what a helper keeps on it (`t.context.server =
                // …`) is its own state, as handing it on is no flow (see the module
                // documentation).
                let handed: Vec<Node<'t>> = named_children(args)
                    .into_iter()
                    .filter(|a| !is_function_like(kind(*a)) && !is_handle(*a, src))
                    .collect();
                if !handed.is_empty() {
                    if file_keeps {
                        keepers.push(function);
                    }
                    out.extend(handed);
                }
            }
        }
        (out, keepers)
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
        let function = call.field("function")?;
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
                .field("object")
                .or_else(|| function.field("operand"))
                .or_else(|| function.field("value"))
                .or_else(|| function.field("path")),
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
        let args = call.field("arguments")?;
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
/// The call a statement assigns or declares with, awaited or not: Python's `r =
/// register(x)`, JavaScript's `const r = register(x)` and `r = await register(x)`, Go's
/// `r := register(x)` (one value on the right).
fn assigned_call(statement: Node<'_>) -> Option<Node<'_>> {
    let first = named_children(statement).into_iter().next()?;
    let value = match kind(statement) {
        "expression_statement" if matches!(kind(first), "assignment" | "assignment_expression") => {
            first.field("right")?
        }
        "lexical_declaration" | "variable_declaration" => {
            let declarators = named_children(statement);
            let [d] = declarators.as_slice() else {
                return None;
            };
            d.field("value")?
        }
        "short_var_declaration" | "assignment_statement" => {
            let right = statement.field("right")?;
            let values = named_children(right);
            let [v] = values.as_slice() else {
                return None;
            };
            *v
        }
        _ => return None,
    };
    let mut value = value;
    while kind(value) == "await_expression" {
        value = named_children(value).into_iter().next()?;
    }
    matches!(kind(value), "call" | "call_expression").then_some(value)
}

fn callee_name<'s>(call: Node<'_>, src: &'s str) -> Option<&'s str> {
    if !matches!(kind(call), "call" | "call_expression") {
        return None;
    }
    let function = call.field("function")?;
    let name = match kind(function) {
        "identifier" => function,
        "attribute" => function.field("attribute")?,
        "member_expression" => function.field("property")?,
        "selector_expression" | "field_expression" => function.field("field")?,
        "scoped_identifier" => function.field("name")?,
        _ => return None,
    };
    Some(text(name, src))
}

/// Whether the function `def` writes beyond its locals, as its language's reading of what a
/// helper changes says (see `import_hazards`).
fn writes_beyond_locals(def: Node<'_>, src: &str) -> bool {
    use super::import_hazards as h;
    let go = def.field("body").is_some_and(|b| kind(b) == "block");
    match kind(def) {
        "function_definition" => h::python_writes_beyond_locals(def, src),
        "function_declaration" | "method_declaration" if go => h::go_writes_beyond_locals(def, src),
        "function_item" => h::rust_writes_beyond_locals(def, src),
        k if h::JS_FUNCTION_KINDS.contains(&k) => h::js_writes_beyond_locals(def, src),
        _ => false,
    }
}

/// Whether `body` (a function's) writes the state of its object or a value of its module
/// (`module_values`): an assignment to a member or item of either (`self.kept = xs`,
/// `this.kept = xs`, `KEPT[0] = xs`), a method called on a member of its object
/// (`self.store.append(xs)`) or on such a value (`db.save(xs)`), or a Python `global` or
/// `nonlocal` declaration.
fn writes_shared_state(body: Node<'_>, src: &str, module_values: &BTreeSet<String>) -> bool {
    let shared = |root: Node<'_>, deep: bool| {
        (is_handle(root, src) && deep)
            || (kind(root) == "identifier" && module_values.contains(text(root, src)))
    };
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        stack.extend(named_children(n));
        let k = kind(n);
        if matches!(k, "global_statement" | "nonlocal_statement") {
            return true;
        }
        if ASSIGNMENTS.contains(&k)
            && let Some(left) = n.field("left")
            && member_targets(left).any(|t| shared(root_of(t), true))
        {
            return true;
        }
        if matches!(k, "call" | "call_expression")
            && let Some(function) = n.field("function")
            && MEMBERS.contains(&kind(function))
            && let Some(o) = object_of(function)
        {
            let root = root_of(o);
            if shared(root, o.id() != root.id()) {
                return true;
            }
        }
    }
    false
}

/// The values a file binds at its top level (see [`Checkers::module_values`]).
fn module_values(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut tops = named_children(root);
    // JavaScript `export const state = {…}`, Go's grouped `var (…)`.
    let mut at = 0;
    while at < tops.len() {
        let n = tops[at];
        at += 1;
        match kind(n) {
            "export_statement" | "var_declaration" | "var_spec_list" => {
                tops.extend(named_children(n));
            }
            // Python `KEPT = []`.
            "expression_statement" => {
                for a in named_children(n) {
                    if kind(a) == "assignment"
                        && let Some(left) = a.field("left")
                    {
                        let mut targets = vec![left];
                        if matches!(kind(left), "pattern_list" | "tuple_pattern") {
                            targets = named_children(left);
                        }
                        out.extend(
                            targets
                                .into_iter()
                                .filter(|t| kind(*t) == "identifier")
                                .map(|t| text(t, src).to_owned()),
                        );
                    }
                }
            }
            // JavaScript `const state = {…}` (not a function, nor `require(…)`).
            "lexical_declaration" | "variable_declaration" => {
                for d in named_children(n) {
                    let (Some(name), value) = (d.field("name"), d.field("value")) else {
                        continue;
                    };
                    let imported = value.is_some_and(|v| {
                        is_function_like(kind(v))
                            || (kind(v) == "call_expression"
                                && v.field("function")
                                    .is_some_and(|f| text(f, src) == "require"))
                    });
                    if kind(name) == "identifier" && !imported {
                        out.insert(text(name, src).to_owned());
                    }
                }
            }
            // Go `var kept []int`.
            "var_spec" => {
                for name in n.children_by_field_name("name", &mut n.walk()) {
                    out.insert(text(name, src).to_owned());
                }
            }
            // Rust `static KEPT: …`.
            "static_item" => {
                if let Some(name) = n.field("name") {
                    out.insert(text(name, src).to_owned());
                }
            }
            _ => {}
        }
    }
    out
}

/// The targets of an assignment's left side (each of `a.x, b[0] = …`) that are a member or
/// an item of something (`self.kept`, `SHARED["cart"]`).
fn member_targets(left: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    let targets = if matches!(
        kind(left),
        "expression_list" | "pattern_list" | "tuple_pattern" | "tuple"
    ) {
        named_children(left)
    } else {
        vec![left]
    };
    targets.into_iter().filter(|t| MEMBERS.contains(&kind(*t)))
}
