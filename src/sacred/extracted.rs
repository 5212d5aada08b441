//! Locals extracted from an assertion: `t = total(xs)` directly before `assert t == 6` checks
//! what `assert total(xs) == 6` checked. A test is also read with each such local put back
//! (its binding left out, its use replaced by the bound expression), and a locked test that
//! this reading matches is intact.
//!
//! **Invariant:** only a local the reading can put back exactly counts: bound once, by a
//! plain binding of one name to one expression (`t = …`, `let t = …`, `const t = …`,
//! `got := …`, also as a Go `if`'s initializer), in the statement directly before one that
//! only asserts, and mentioned nowhere in its function (the test, or a function nested in it
//! such as a subtest's) but there and once in that statement (Go: also in the arguments of
//! `t.Error*`/`t.Fatal*` under that `if`, which are its message; a Go `if`'s initializer
//! binds for that `if` alone, so only mentions inside it count), outside any branch, loop,
//! closure or comprehension of it (where the expression could have been evaluated never or
//! many times). Mentions that surely hold another value do not count ([`other_value`]): after
//! the next statement of the block that binds the name anew from an expression not naming it,
//! before the binding where nothing repeats it, inside an `if` that declares the name again;
//! the text of a Go or Rust string is no mention. Go's `name = …` counts only for a local the
//! block declared before it.
//! The lock is then compared with the expression in the local's place, so `t = 6` before
//! `assert t == 6` reads `assert 6 == 6`, which a locked `assert total(xs) == 6` does not
//! match.

#![cfg_attr(
    not(any(
        feature = "lang-rust",
        feature = "lang-python",
        feature = "lang-javascript",
        feature = "lang-typescript",
        feature = "lang-go"
    )),
    allow(dead_code, reason = "no grammar is compiled in")
)]

use crate::sacred::analysis::FieldOf as _;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use super::analysis::{
    Rules, asserts_only, is_comment, is_function_like, kind, named_children, text,
};

/// A local bound directly before the assertion that uses it.
pub(crate) struct Extraction<'t> {
    pub name: String,
    /// What is left out when the local is put back: the binding statement, or a Go `if`'s
    /// initializer.
    binding: Node<'t>,
    /// The bound expression.
    value: Node<'t>,
    /// Where the local is used (once in what the assertion checks, Go messages aside).
    uses: Vec<Node<'t>>,
}

/// With more candidates than this, the readings put back one local at a time, or all of them,
/// rather than every combination.
const MAX_COMBINED: usize = 3;

/// Which candidates each reading puts back. A candidate may have been locked as it is (`got
/// := Refund(100)` before `if got != 100`), so which ones are new is not known here: the
/// check tries each reading.
pub(crate) fn readings<'e, 't>(candidates: &'e [Extraction<'t>]) -> Vec<Vec<&'e Extraction<'t>>> {
    let n = candidates.len();
    if n == 0 {
        return Vec::new();
    }
    if n > MAX_COMBINED {
        let mut out: Vec<Vec<&Extraction<'t>>> = candidates.iter().map(|c| vec![c]).collect();
        out.push(candidates.iter().collect());
        return out;
    }
    (1..1usize << n)
        .map(|mask| {
            candidates
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, c)| c)
                .collect()
        })
        .collect()
}

thread_local! {
    /// Set while reading locals used by any plain statement, not only by a check
    /// ([`with_any_user`]).
    static ANY_USER: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (a reading of Go or JavaScript/TypeScript tests) with a local bound directly
/// before any plain statement that uses it put back too, not only before a check:
/// `replacer := strings.NewReplacer(".", "_")` then `v.SetEnvKeyReplacer(replacer)` reads as
/// `v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))`, under the same conditions (used
/// once, evaluated first, nowhere else). Not for Python and Rust, where the local keeps its
/// value alive to the end of the function (a finalizer, a `Drop` guard) and the statement's
/// temporary does not.
pub(crate) fn with_any_user<R>(f: impl FnOnce() -> R) -> R {
    let was = ANY_USER.with(|a| a.replace(true));
    let r = f();
    ANY_USER.with(|a| a.set(was));
    r
}

/// Whether a bound value is made by the expression rather than read from a variable: not a
/// name, a field or element read, a dereference or another unary operation, nor one of
/// those in parentheses.
fn made_anew(value: Node<'_>) -> bool {
    !matches!(
        kind(value),
        "identifier"
            | "selector_expression"
            | "index_expression"
            | "member_expression"
            | "subscript_expression"
            | "unary_expression"
            | "parenthesized_expression"
            | "field_identifier"
            | "slice_expression"
    )
}

/// Whether a mention is what a call calls, or the operand of `&`.
fn called_or_addressed(m: Node<'_>) -> bool {
    m.parent().is_some_and(|p| {
        (matches!(kind(p), "call_expression" | "call")
            && p.field("function").is_some_and(|f| f.id() == m.id()))
            || (kind(p) == "unary_expression"
                && p.field("operator").is_some_and(|o| kind(o) == "&"))
    })
}

/// Whether this is the reading [`with_any_user`] makes: Go's unused parameters of a nested
/// function are also read as `_` then (`analysis::go_unused_parameter`).
pub(crate) fn any_user() -> bool {
    ANY_USER.with(Cell::get)
}

/// A statement that is one expression (a call, an assignment, Go's `x = …`), not a
/// declaration, a block, a branch or a loop, whose uses [`extractions`] judges as a check's.
fn plain_statement(n: Node<'_>) -> bool {
    matches!(
        kind(n),
        "expression_statement" | "assignment_statement" | "short_var_declaration"
    ) || (kind(n) == "lexical_declaration" && named_children(n).len() == 1)
}

/// The extracted locals of a test: `test` is the whole test (its parameters included), `body`
/// the block whose statements are read.
pub(crate) fn extractions<'t>(
    test: Node<'t>,
    body: Node<'t>,
    src: &str,
    rules: &dyn Rules,
) -> Vec<Extraction<'t>> {
    let mut found = Vec::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        let children: Vec<Node<'t>> = named_children(n)
            .into_iter()
            .filter(|c| !is_comment(*c))
            .collect();
        for (i, pair) in children.windows(2).enumerate() {
            if let Some((name, value)) = binding(pair[0], src)
                && (asserts_only(pair[1], src, rules)
                    || (ANY_USER.with(Cell::get) && plain_statement(pair[1])))
            {
                found.push((pair[0], name, value, pair[1], children[i + 2..].to_vec()));
            }
        }
        for c in children {
            if kind(c) == "if_statement"
                && let Some(init) = c.field("initializer")
                && let Some((name, value)) = binding(init, src)
                && asserts_only(c, src, rules)
            {
                found.push((init, name, value, c, Vec::new()));
            }
            // A nested function (a subtest's `func(t *testing.T)`) is read too: its locals
            // are its own, and only its own text is searched for their mentions.
            stack.push(c);
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    let mut all_leaves = Vec::new();
    collect_leaves(test, &mut all_leaves);
    found
        .into_iter()
        .filter_map(|(binding, name, value, user, later)| {
            let local = text(name, src);
            // The function the local belongs to: the test, or a function nested in it.
            let scope = enclosing_function(binding, test);
            let leaves: Vec<Node<'t>> = all_leaves
                .iter()
                .copied()
                .filter(|l| within(*l, scope))
                .collect();
            let goto = leaves.iter().any(|l| kind(*l) == "goto");
            // Python's `global t`/`nonlocal t` make `t` another function's.
            if leaves.iter().any(|l| {
                text(*l, src) == local
                    && l.parent().is_some_and(|p| {
                        matches!(kind(p), "global_statement" | "nonlocal_statement")
                    })
            }) {
                return None;
            }
            let top = if scope.id() == test.id() { body } else { scope };
            // A Go `if`'s initializer binds for that `if` alone: a mention outside it is
            // another variable (`if pop := v.GetInt("a"); pop != 1 {…}` then `if pop :=
            // v.GetUint("a"); …`).
            let scoped = kind(user) == "if_statement"
                && binding.parent().is_some_and(|p| p.id() == user.id());
            let all: Vec<Node<'t>> = other_mentions(&leaves, name, src)
                .into_iter()
                .filter(|m| !scoped || within(*m, user))
                .filter(|m| !declared_by_an_if_around(*m, binding, scope, src))
                .collect();
            // Mentions of another value of the name (`err := f()`, `require.NoError(t, err)`,
            // then `err = g()`): see [`other_value`].
            let closures = all.iter().any(|m| in_closure(*m, scope));
            let dead = (!closures && !goto)
                .then(|| {
                    reassigned_at(&later, name, src, |l| {
                        !declared_by_an_if_around(l, binding, scope, src)
                    })
                })
                .flatten();
            // Before the binding: anywhere when it runs at most once; else, for Go's `err =
            // …`, after the declaration of `err` in its block (each pass declares it anew).
            let before = if closures || goto {
                None
            } else if straight_line(binding, top, rules) {
                Some(Before::Anywhere)
            } else if kind(binding) == "assignment_statement" {
                declared_before(binding, local, src).map(Before::From)
            } else {
                None
            };
            let mentions: Vec<Node<'t>> = all
                .into_iter()
                .filter(|m| !other_value(*m, binding, dead, before))
                .collect();
            let placed = mentions
                .iter()
                .all(|m| within(*m, user) && !within(*m, binding));
            let checked: Vec<&Node<'t>> = mentions
                .iter()
                .filter(|m| !in_go_report(**m, user, src, rules))
                .collect();
            let exact = checked.len() == 1
                && kind(*checked[0]) == "identifier"
                && !deferred(*checked[0], user, rules)
                && evaluated_first(*checked[0], user, binding);
            let plain = !contains_assertion(value, src, rules);
            // Used by a statement that is no check ([`with_any_user`]): only a value made
            // anew (not a name, a field, an element or a dereference, which Go copies into
            // the local, so a method or `&` on it would reach the original once put back),
            // and not where it is called (`fn()` of a JavaScript `const fn = obj.m` would
            // run with `obj` as `this` once put back) or its address taken.
            let by_a_check = asserts_only(user, src, rules);
            let fresh = by_a_check
                || (!checked.is_empty() && made_anew(value) && !called_or_addressed(*checked[0]));
            (placed && exact && plain && fresh).then(|| Extraction {
                name: local.to_owned(),
                binding,
                value,
                uses: mentions,
            })
        })
        .collect()
}

/// Whether the mention `m` of an extracted local's name holds another value than the one
/// `binding` gives it, so that putting the local back leaves it as it is:
///
/// - at or after `dead`, the statement of the same block that next mentions the name after
///   the assertion, when that statement binds the name anew from an expression that does not
///   mention it (`err = g()`, `let t = …;`): every path from the binding to `m` runs it (no
///   `goto` in the test, and a jump out of the block never comes back in past it);
/// - before the binding (`before`), when no mention is inside a closure (which could run
///   later): anywhere when no loop or branch stands around the binding up to the test's body;
///   else after a Go declaration of the name earlier in the binding's block, which each pass
///   of a loop runs anew. What runs there before the binding never reads what it binds.
fn other_value(
    m: Node<'_>,
    binding: Node<'_>,
    dead: Option<Node<'_>>,
    before: Option<Before<'_>>,
) -> bool {
    let after_dead = dead.is_some_and(|d| {
        m.start_byte() >= d.start_byte() && d.parent().is_some_and(|block| within(m, block))
    });
    let before_it = m.end_byte() <= binding.start_byte()
        && match before {
            Some(Before::Anywhere) => true,
            Some(Before::From(decl)) => {
                m.start_byte() >= decl.start_byte()
                    && decl.parent().is_some_and(|block| within(m, block))
            }
            None => false,
        };
    after_dead || before_it
}

/// Whether the mention `m` is of a Go local that an `if` (or `switch`) around it declares in
/// its initializer (`if err := g(); err != nil`), outside that initializer's value, and which
/// is not the `if` of `binding`: another variable of the same name.
fn declared_by_an_if_around(m: Node<'_>, binding: Node<'_>, test: Node<'_>, src: &str) -> bool {
    let spelled = text(m, src);
    let mut p = m.parent();
    while let Some(a) = p {
        if a.id() == test.id() {
            return false;
        }
        if matches!(kind(a), "if_statement" | "expression_switch_statement")
            && !within(binding, a)
            && let Some(init) = a.field("initializer")
            && kind(init) == "short_var_declaration"
            && let Some(left) = init.field("left")
            && named_children(left)
                .iter()
                .chain(std::iter::once(&left))
                .any(|n| kind(*n) == "identifier" && text(*n, src) == spelled)
            && !init.field("right").is_some_and(|r| within(m, r))
        {
            return true;
        }
        p = a.parent();
    }
    false
}

/// Where mentions before a binding hold an earlier value (see [`other_value`]).
#[derive(Clone, Copy)]
enum Before<'t> {
    Anywhere,
    From(Node<'t>),
}

/// The first of `later` (the statements after an assertion, in its block) that mentions
/// `name`, when it binds `name` anew from an expression that does not mention it: Python's
/// `name = …`, Rust's `let name = …;`, JavaScript's `name = …`, Go's `name = …` or `…, name
/// := …` (each target a name, `_` aside).
fn reassigned_at<'t>(
    later: &[Node<'t>],
    name: Node<'_>,
    src: &str,
    counts: impl Fn(Node<'t>) -> bool,
) -> Option<Node<'t>> {
    let spelled = text(name, src);
    let mentions = |n: Node<'t>| {
        let mut leaves = Vec::new();
        collect_leaves(n, &mut leaves);
        leaves
            .iter()
            .any(|l| text(*l, src) == spelled && !string_text(*l) && counts(*l))
    };
    let first = *later.iter().find(|s| mentions(**s))?;
    let (left, right) = match kind(first) {
        "expression_statement" => {
            let inner: Vec<Node<'t>> = named_children(first)
                .into_iter()
                .filter(|c| !is_comment(*c))
                .collect();
            let [a] = inner.as_slice() else {
                return None;
            };
            if !matches!(kind(*a), "assignment" | "assignment_expression")
                || a.field("type").is_some()
            {
                return None;
            }
            (a.field("left")?, a.field("right")?)
        }
        "let_declaration" => {
            if first.field("alternative").is_some() {
                return None;
            }
            (first.field("pattern")?, first.field("value")?)
        }
        "assignment_statement" => {
            if first.field("operator").is_some_and(|o| text(o, src) != "=") {
                return None;
            }
            (first.field("left")?, first.field("right")?)
        }
        "short_var_declaration" => (first.field("left")?, first.field("right")?),
        _ => return None,
    };
    // Each target a plain name, one of them `name`.
    let targets: Vec<Node<'t>> = if kind(left) == "expression_list" {
        named_children(left)
    } else {
        vec![left]
    };
    let plain = targets.iter().all(|t| kind(*t) == "identifier");
    let binds = targets.iter().any(|t| text(*t, src) == spelled);
    (plain && binds && !mentions(right)).then_some(first)
}

/// The innermost function around `n` inside `test`, or `test`.
fn enclosing_function<'t>(n: Node<'t>, test: Node<'t>) -> Node<'t> {
    let mut p = n.parent();
    while let Some(a) = p {
        if a.id() == test.id() || is_function_like(kind(a)) {
            return a;
        }
        p = a.parent();
    }
    test
}

/// Whether `n` is inside a function nested in `test`.
fn in_closure(n: Node<'_>, test: Node<'_>) -> bool {
    let mut p = n.parent();
    while let Some(a) = p {
        if a.id() == test.id() {
            return false;
        }
        if is_function_like(kind(a)) {
            return true;
        }
        p = a.parent();
    }
    false
}

/// Whether no loop, branch or closure stands around `n` up to `top` (the test's body, or the
/// nested function it is in): it runs at most once there.
fn straight_line(n: Node<'_>, top: Node<'_>, rules: &dyn Rules) -> bool {
    let mut p = n.parent();
    while let Some(a) = p {
        if a.id() == top.id() {
            return true;
        }
        if rules.is_control(kind(a)) || is_function_like(kind(a)) {
            return false;
        }
        p = a.parent();
    }
    false
}

/// Whether nothing of `user` that runs before the use `at` of an extracted local can run
/// code: the value, bound before `user`, used to run in `at`'s place, after what comes before
/// it (`assert pay.vat(100) == pay.rate()` → `r = pay.rate()` then `assert pay.vat(100) ==
/// r` runs `rate()` before `vat()`, whose side effect it no longer sees). What comes before
/// may be names and literals, and the callees of the calls around `at` when they are plain
/// or dotted names (`self.assertEqual(r, 6)`, `expect(t)`); `binding` (a Go `if`'s
/// initializer) is left out.
fn evaluated_first(at: Node<'_>, user: Node<'_>, binding: Node<'_>) -> bool {
    fn dotted_name(n: Node<'_>) -> bool {
        match kind(n) {
            "identifier" | "field_identifier" | "property_identifier" | "scoped_identifier" => true,
            "attribute" | "member_expression" | "selector_expression" | "field_expression" => {
                named_children(n).into_iter().all(dotted_name)
            }
            _ => false,
        }
    }
    fn inert(n: Node<'_>) -> bool {
        if super::analysis::is_comment(n) {
            return true;
        }
        match kind(n) {
            "identifier"
            | "integer"
            | "float"
            | "string"
            | "string_content"
            | "true"
            | "false"
            | "none"
            | "None"
            | "nil"
            | "null"
            | "undefined"
            | "number"
            | "integer_literal"
            | "float_literal"
            | "string_literal"
            | "boolean_literal"
            | "char_literal"
            | "raw_string_literal"
            | "interpreted_string_literal"
            | "raw_string_literal_content"
            | "int_literal"
            | "float_literal_content"
            | "escape_sequence"
            | "string_start"
            | "string_end"
            | "template_string"
            // Go's `n, m :=` before the value (names only: nothing runs).
            | "expression_list" => named_children(n).into_iter().all(inert),
            _ => false,
        }
    }
    let mut child = at;
    while let Some(parent) = child.parent() {
        if child.id() == user.id() {
            return true;
        }
        // Python operators that run code on what comes before `at` before reaching it: the
        // truth test of `c and t` (`__bool__`, `__len__`), the `c == d` of `c == d == t`,
        // the condition of `t if c else 0`.
        let operands: Vec<Node<'_>> = named_children(parent)
            .into_iter()
            .filter(|c| !super::analysis::is_comment(*c))
            .collect();
        let place = operands.iter().position(|c| c.id() == child.id());
        match kind(parent) {
            "boolean_operator" if place != Some(0) => return false,
            "comparison_operator" if place.is_some_and(|p| p >= 2) => return false,
            "conditional_expression" if place != Some(1) => return false,
            _ => {}
        }
        let callee = parent.field("function").or_else(|| parent.field("macro"));
        for sibling in named_children(parent) {
            if sibling.start_byte() >= child.start_byte() {
                break;
            }
            if sibling.id() == binding.id() {
                continue;
            }
            let is_callee = callee.is_some_and(|c| c.id() == sibling.id());
            if !(inert(sibling) || (is_callee && dotted_name(sibling))) {
                return false;
            }
        }
        if parent.id() == user.id() {
            return true;
        }
        child = parent;
    }
    false
}

/// The cases read of a parametrized test (each is a whole reading of the test).
const MAX_CASES: usize = 64;

/// The cases of a Python test parametrized by one `@pytest.mark.parametrize("a, b", [(1, 2),
/// …])`: one set of extractions per case, each putting that case's values back where the test
/// reads its parameters. A locked test that one of them matches is that case of the new test
/// (a test turned into a parametrized one keeps its old values as a case). Only the first
/// [`MAX_CASES`] cases are read.
///
/// **Invariant:** only what pytest makes exact: one `parametrize` decorator (`pytest.mark.`),
/// names given as a string or a list or tuple of strings, every one a parameter of the test;
/// cases written out as a list or tuple (one value per name, or `pytest.param(…)` with
/// nothing but an `id`: a case with `marks` may not run); no keyword but `ids` (`indirect`
/// hands the values to fixtures). Each name is only read in the body (never assigned, bound
/// by a loop, a comprehension, a nested function's parameter or `as`), and a read inside an
/// f-string is not put back (the reading then differs and is refused).
pub(crate) fn python_cases<'t>(
    extent: Node<'t>,
    def: Node<'t>,
    src: &str,
) -> Vec<Vec<Extraction<'t>>> {
    let Some((names, cases, decorator, _)) = only_parametrize(extent, src) else {
        return Vec::new();
    };
    let params: Vec<&str> = def
        .field("parameters")
        .map(|p| {
            named_children(p)
                .into_iter()
                .filter(|c| kind(*c) == "identifier")
                .map(|c| text(c, src))
                .collect()
        })
        .unwrap_or_default();
    let Some(body) = def.field("body") else {
        return Vec::new();
    };
    let mut leaves = Vec::new();
    collect_leaves(body, &mut leaves);
    let mut uses: Vec<Vec<Node<'t>>> = Vec::new();
    for name in &names {
        if !params.contains(&name.as_str()) {
            return Vec::new();
        }
        let mut found = Vec::new();
        for l in leaves
            .iter()
            .filter(|l| kind(**l) == "identifier" && text(**l, src) == name)
        {
            match python_name_role(*l) {
                NameRole::Read => found.push(*l),
                NameRole::NotTheName => {}
                NameRole::Bound => return Vec::new(),
            }
        }
        uses.push(found);
    }
    cases
        .iter()
        .take(MAX_CASES)
        .map(|values| {
            names
                .iter()
                .zip(values)
                .zip(&uses)
                .map(|((name, value), uses)| Extraction {
                    name: name.clone(),
                    binding: decorator,
                    value: *value,
                    uses: uses.clone(),
                })
                .collect()
        })
        .collect()
}

/// The fixtures a Python test requests: its parameters (plain, with a default or an
/// annotation; not `self`, `cls`, `*args`, `**kwargs`), less the names any
/// `@pytest.mark.parametrize` of it gives.
pub(crate) fn python_fixtures(extent: Node<'_>, def: Node<'_>, src: &str) -> Vec<String> {
    let Some(params) = def.field("parameters") else {
        return Vec::new();
    };
    let given: Vec<String> = if kind(extent) == "decorated_definition" {
        named_children(extent)
            .into_iter()
            .filter(|d| kind(*d) == "decorator")
            .filter_map(|d| parametrize_names(d, src))
            .flatten()
            .collect()
    } else {
        Vec::new()
    };
    named_children(params)
        .into_iter()
        .filter_map(|p| match kind(p) {
            "identifier" => Some(text(p, src)),
            "default_parameter" | "typed_default_parameter" => {
                p.field("name").map(|n| text(n, src))
            }
            "typed_parameter" => named_children(p)
                .into_iter()
                .find(|c| kind(*c) == "identifier")
                .map(|n| text(n, src)),
            _ => None,
        })
        .filter(|n| !matches!(*n, "self" | "cls") && !given.iter().any(|g| g == n))
        .map(str::to_owned)
        .chain(fixtures_got_by_value(def, src))
        .chain(used_fixtures(extent, src))
        .collect()
}

/// The fixtures `@pytest.mark.usefixtures("a", "b")` on the function names (string literals).
fn used_fixtures(extent: Node<'_>, src: &str) -> Vec<String> {
    if kind(extent) != "decorated_definition" {
        return Vec::new();
    }
    let mut out = Vec::new();
    for d in named_children(extent) {
        if kind(d) == "decorator" {
            usefixtures_in(d, src, &mut out);
        }
    }
    out
}

/// The fixtures each `pytest.mark.usefixtures("a", "b")` call under `node` names (string
/// literals), into `out`.
fn usefixtures_in(node: Node<'_>, src: &str, out: &mut Vec<String>) {
    if !text(node, src).contains("usefixtures") {
        return;
    }
    if kind(node) == "call"
        && node
            .field("function")
            .is_some_and(|f| text(f, src).ends_with("mark.usefixtures"))
        && let Some(args) = node.field("arguments")
    {
        for a in named_children(args) {
            if kind(a) != "string" {
                continue;
            }
            let literal = text(a, src).trim_matches(|c| c == '"' || c == '\'');
            if !literal.is_empty() && literal.chars().all(|c| c.is_alphanumeric() || c == '_') {
                out.push(literal.to_owned());
            }
        }
    }
    for c in named_children(node) {
        usefixtures_in(c, src, out);
    }
}

/// The fixtures pytest sets up for a test because the classes around it, or its module, use
/// them: `@pytest.mark.usefixtures("guard")` on a class, a class's or the module's
/// `pytestmark = pytest.mark.usefixtures(…)` (or a list holding one). `classes` are the
/// class nodes around the test (with their decorators) and the bodies of the classes it runs
/// under (a mixin's subclasses), `root` the module.
pub(crate) fn python_marked_fixtures(
    classes: &[Node<'_>],
    root: Node<'_>,
    src: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    let pytestmark = |block: Node<'_>, out: &mut Vec<String>| {
        for c in named_children(block) {
            if kind(c) != "expression_statement" {
                continue;
            }
            let Some(a) = c.named_child(0).filter(|a| kind(*a) == "assignment") else {
                continue;
            };
            if a.field("left")
                .is_some_and(|l| text(l, src) == "pytestmark")
                && let Some(right) = a.field("right")
            {
                usefixtures_in(right, src, out);
            }
        }
    };
    for class in classes {
        let mut class = *class;
        // A class body: its class, with its decorators.
        if kind(class) == "block"
            && let Some(parent) = class.parent()
        {
            class = parent;
        }
        if kind(class) == "class_definition"
            && let Some(parent) = class
                .parent()
                .filter(|p| kind(*p) == "decorated_definition")
        {
            class = parent;
        }
        if kind(class) == "decorated_definition" {
            for d in named_children(class) {
                if kind(d) == "decorator" {
                    usefixtures_in(d, src, &mut out);
                }
            }
        }
        let definition = super::analysis::undecorated(class);
        if let Some(body) = definition.and_then(|d| d.field("body")) {
            pytestmark(body, &mut out);
        }
    }
    pytestmark(root, &mut out);
    out.sort();
    out.dedup();
    out
}

/// The fixtures a function gets by name as it runs: `request.getfixturevalue("ledger")` with a
/// string literal (pytest sets the fixture up then, as if it were requested).
fn fixtures_got_by_value(def: Node<'_>, src: &str) -> Vec<String> {
    let Some(body) = def.field("body") else {
        return Vec::new();
    };
    if !text(body, src).contains("getfixturevalue") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if kind(n) == "call"
            && let Some(f) = n.field("function")
            && kind(f) == "attribute"
            && f.field("attribute")
                .is_some_and(|a| text(a, src) == "getfixturevalue")
            && let Some(args) = n.field("arguments")
            && let [arg] = named_children(args).as_slice()
            && kind(*arg) == "string"
        {
            let literal = text(*arg, src).trim_matches(|c| c == '"' || c == '\'');
            if !literal.is_empty()
                && literal.chars().all(|c| c.is_alphanumeric() || c == '_')
                && !out.iter().any(|o| o == literal)
            {
                out.push(literal.to_owned());
            }
        }
        stack.extend(named_children(n));
    }
    out
}

/// The names a `@pytest.mark.parametrize(…)` decorator gives (however its cases are written).
fn parametrize_names(decorator: Node<'_>, src: &str) -> Option<Vec<String>> {
    let call = named_children(decorator)
        .into_iter()
        .find(|c| !is_comment(*c))?;
    if kind(call) != "call"
        || call
            .field("function")
            .is_none_or(|f| !text(f, src).ends_with("mark.parametrize"))
    {
        return None;
    }
    let first = named_children(call.field("arguments")?)
        .into_iter()
        .find(|c| !is_comment(*c))?;
    let first = if kind(first) == "keyword_argument" {
        first.field("value")?
    } else {
        first
    };
    Some(match kind(first) {
        "string" => super::analysis::unquote(text(first, src))
            .split(',')
            .map(|n| n.trim().to_owned())
            .collect(),
        "tuple" | "list" => named_children(first)
            .into_iter()
            .filter(|c| kind(*c) == "string")
            .map(|c| super::analysis::unquote(text(c, src)))
            .collect(),
        _ => return None,
    })
}

/// How an identifier of a Python body relates to the name it spells.
enum NameRole {
    /// A read of the name.
    Read,
    /// Another name spelled the same: a keyword argument's name (`f(a=1)`), an attribute
    /// (`x.a`).
    NotTheName,
    /// The name bound anew: assigned, a loop or comprehension target, a parameter of a nested
    /// function or lambda, an `as` target, `global`/`nonlocal`, `del`, an import.
    Bound,
}

fn python_name_role(n: Node<'_>) -> NameRole {
    let Some(parent) = n.parent() else {
        return NameRole::Read;
    };
    let is_field = |p: Node<'_>, field: &str| p.field(field).map(|c| c.id()) == Some(n.id());
    if (kind(parent) == "keyword_argument" && is_field(parent, "name"))
        || (kind(parent) == "attribute" && is_field(parent, "attribute"))
    {
        return NameRole::NotTheName;
    }
    // Up through patterns to what binds them.
    let mut child = n;
    let mut p = Some(parent);
    while let Some(a) = p {
        match kind(a) {
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "list_splat_pattern"
            | "parenthesized_expression"
            | "expression_list"
            | "tuple"
            | "list" => {}
            "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                return if a.field("left").map(|c| c.id()) == Some(child.id()) {
                    NameRole::Bound
                } else {
                    NameRole::Read
                };
            }
            "named_expression" => {
                return if a.field("name").map(|c| c.id()) == Some(child.id()) {
                    NameRole::Bound
                } else {
                    NameRole::Read
                };
            }
            "parameters"
            | "lambda_parameters"
            | "default_parameter"
            | "typed_parameter"
            | "typed_default_parameter"
            | "as_pattern"
            | "as_pattern_target"
            | "global_statement"
            | "nonlocal_statement"
            | "delete_statement"
            | "import_statement"
            | "import_from_statement"
            | "aliased_import"
            | "case_pattern"
            | "keyword_pattern"
            | "dotted_name" => {
                // A default value of a nested function's parameter is a read.
                if matches!(kind(a), "default_parameter" | "typed_default_parameter")
                    && a.field("value").map(|c| c.id()) == Some(child.id())
                {
                    return NameRole::Read;
                }
                return NameRole::Bound;
            }
            _ => return NameRole::Read,
        }
        child = a;
        p = a.parent();
    }
    NameRole::Read
}

/// `@pytest.mark.parametrize(names, cases, ids=…)`: its names, each case's values (one per
/// name), and the decorator; `None` for anything else or anything not read exactly.
fn parametrize_of<'t>(decorator: Node<'t>, src: &str) -> Option<ParametrizeParts<'t>> {
    let call = named_children(decorator)
        .into_iter()
        .find(|c| !is_comment(*c))?;
    if kind(call) != "call"
        || call
            .field("function")
            .is_none_or(|f| text(f, src) != "pytest.mark.parametrize")
    {
        return None;
    }
    let args: Vec<Node<'t>> = named_children(call.field("arguments")?)
        .into_iter()
        .filter(|c| !is_comment(*c))
        .collect();
    let (positional, keywords): (Vec<Node<'t>>, Vec<Node<'t>>) = args
        .into_iter()
        .partition(|a| kind(*a) != "keyword_argument");
    if keywords
        .iter()
        .any(|k| k.field("name").is_none_or(|n| text(n, src) != "ids"))
    {
        return None;
    }
    let [_, cases_node] = positional.as_slice() else {
        return None;
    };
    let names = parametrize_names(decorator, src)?;
    let identifier = |n: &str| {
        n.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    if names.is_empty() || !names.iter().all(|n| identifier(n)) {
        return None;
    }
    if !matches!(kind(*cases_node), "list" | "tuple") {
        return None;
    }
    let mut cases = Vec::new();
    let mut ids = Vec::new();
    for case in named_children(*cases_node)
        .into_iter()
        .filter(|c| !is_comment(*c))
    {
        let mut id = None;
        let values: Vec<Node<'t>> = if kind(case) == "call"
            && case
                .field("function")
                .is_some_and(|f| text(f, src) == "pytest.param")
        {
            let inner: Vec<Node<'t>> = named_children(case.field("arguments")?)
                .into_iter()
                .filter(|c| !is_comment(*c))
                .collect();
            let marked = inner.iter().any(|a| {
                kind(*a) == "keyword_argument"
                    && a.field("name").is_none_or(|n| text(n, src) != "id")
            });
            if marked {
                // May not run (or not as written): no reading.
                continue;
            }
            id = inner
                .iter()
                .find(|a| kind(**a) == "keyword_argument")
                .and_then(|a| a.field("value"))
                .map(|v| text(v, src).to_owned());
            inner
                .into_iter()
                .filter(|a| kind(*a) != "keyword_argument")
                .collect()
        } else if names.len() == 1 {
            vec![case]
        } else if matches!(kind(case), "tuple" | "list") {
            named_children(case)
                .into_iter()
                .filter(|c| !is_comment(*c))
                .collect()
        } else {
            continue;
        };
        if values.len() == names.len()
            && values
                .iter()
                .all(|v| !matches!(kind(*v), "list_splat" | "dictionary_splat"))
        {
            cases.push(values);
            ids.push(id);
        }
    }
    Some((names, cases, decorator, ids))
}

/// A `parametrize`'s names, the values of each case it reads, the decorator, and each read
/// case's `pytest.param(…, id=…)` as written (`None` without one).
type ParametrizeParts<'t> = (
    Vec<String>,
    Vec<Vec<Node<'t>>>,
    Node<'t>,
    Vec<Option<String>>,
);

/// The `id=` of each case [`python_cases`] reads, in its order, as written (`None` for a
/// case without one).
pub(crate) fn python_case_ids(extent: Node<'_>, src: &str) -> Vec<Option<String>> {
    only_parametrize(extent, src).map_or_else(Vec::new, |(_, _, _, ids)| {
        ids.into_iter().take(MAX_CASES).collect()
    })
}

/// The one `@pytest.mark.parametrize` of a decorated test that [`parametrize_of`] reads
/// (`None` with none, or with more than one: their product is not read).
fn only_parametrize<'t>(extent: Node<'t>, src: &str) -> Option<ParametrizeParts<'t>> {
    if kind(extent) != "decorated_definition" {
        return None;
    }
    let mut parametrized: Vec<ParametrizeParts<'t>> = named_children(extent)
        .into_iter()
        .filter(|d| kind(*d) == "decorator")
        .filter_map(|d| parametrize_of(d, src))
        .collect();
    (parametrized.len() == 1).then(|| parametrized.remove(0))
}

/// Whether [`python_cases`] reads every case of the test's one `parametrize`: none left out
/// (a case with `marks`, a form it does not read, one past [`MAX_CASES`]). Only then does a
/// case missing from its readings mean a case missing from the test.
pub(crate) fn python_cases_all_read(extent: Node<'_>, def: Node<'_>, src: &str) -> bool {
    if kind(extent) != "decorated_definition" {
        return false;
    }
    let parametrized: Vec<Node<'_>> = named_children(extent)
        .into_iter()
        .filter(|d| kind(*d) == "decorator" && parametrize_of(*d, src).is_some())
        .collect();
    let [decorator] = parametrized.as_slice() else {
        return false;
    };
    let total = named_children(*decorator)
        .into_iter()
        .find(|c| !is_comment(*c))
        .and_then(|call| call.field("arguments"))
        .and_then(|args| {
            let positional: Vec<Node<'_>> = named_children(args)
                .into_iter()
                .filter(|c| !is_comment(*c) && kind(*c) != "keyword_argument")
                .collect();
            let [_, cases] = positional.as_slice() else {
                return None;
            };
            Some(
                named_children(*cases)
                    .into_iter()
                    .filter(|c| !is_comment(*c))
                    .count(),
            )
        });
    if total.is_none_or(|n| n == 0 || n > MAX_CASES || python_cases(extent, def, src).len() != n) {
        return false;
    }
    // Every read of a parameter is put back: none inside an f-string (`{expected!r}` keeps
    // the name, so two cases that differ only there would read the same).
    let Some((names, _, _, _)) = parametrize_of(*decorator, src) else {
        return false;
    };
    let Some(body) = def.field("body") else {
        return false;
    };
    let mut leaves = Vec::new();
    collect_leaves(body, &mut leaves);
    !leaves.iter().any(|l| {
        kind(*l) == "identifier"
            && names.iter().any(|n| n == text(*l, src))
            && matches!(python_name_role(*l), NameRole::Read)
            && std::iter::successors(l.parent(), tree_sitter::Node::parent)
                .take_while(|p| p.id() != body.id())
                .any(|p| matches!(kind(p), "interpolation" | "string"))
    })
}

std::thread_local! {
    /// Per Go file text: the names of its constants it declares again ([`go_constants`]).
    static GO_DECLARED_AGAIN: super::import_hazards::FileCache<BTreeSet<String>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Go constants of the file that the test reads: `const onetwo = "one two"` at package level
/// and `if got != onetwo` in the test, which a reading puts back as `if got != "one two"`
/// (the repeated literal hoisted into a constant, as linters ask). Each is an extraction
/// whose binding (outside the test) is never read.
///
/// **Invariant:** only what Go makes exact: an untyped constant (no type, so it converts
/// exactly as the literal does) of one name bound to one basic literal, declared at package
/// level in the test's own file, and whose name the file declares nowhere else (no local,
/// parameter, range variable, field key or second declaration can give it another meaning
/// where the test reads it). A constant of another file of the package is read only when the
/// check appends its declaration to the file for one more reading (`go_foreign_constants` in
/// [`super`]).
pub(crate) fn go_constants<'t>(test: Node<'t>, src: &str) -> Vec<Extraction<'t>> {
    let mut root = test;
    while let Some(p) = root.parent() {
        root = p;
    }
    let mut found = Vec::new();
    for decl in named_children(root) {
        if kind(decl) != "const_declaration" {
            continue;
        }
        for spec in named_children(decl) {
            if kind(spec) != "const_spec" || spec.field("type").is_some() {
                continue;
            }
            let mut cursor = spec.walk();
            let names: Vec<Node<'t>> = spec.children_by_field_name("name", &mut cursor).collect();
            let Some(values) = spec.field("value") else {
                continue;
            };
            let values: Vec<Node<'t>> = named_children(values)
                .into_iter()
                .filter(|c| !is_comment(*c))
                .collect();
            if let ([name], [value]) = (names.as_slice(), values.as_slice())
                && super::lang::go_is_basic_literal(kind(*value))
            {
                found.push((spec, *name, *value));
            }
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    // The constants whose name the file declares again somewhere (a local of that name):
    // read once per file, each of its tests asks.
    let declared_again = super::import_hazards::by_file(&GO_DECLARED_AGAIN, src, || {
        let mut leaves = Vec::new();
        collect_leaves(root, &mut leaves);
        found
            .iter()
            .filter(|(_, name, _)| {
                other_mentions(&leaves, *name, src)
                    .into_iter()
                    .any(|l| kind(l) == "identifier" && go_declares(l))
            })
            .map(|(_, name, _)| text(*name, src).to_owned())
            .collect::<BTreeSet<String>>()
    });
    let mut leaves = Vec::new();
    collect_leaves(test, &mut leaves);
    found
        .into_iter()
        .filter_map(|(spec, name, value)| {
            let constant = text(name, src);
            if constant == "_" || declared_again.contains(constant) {
                return None;
            }
            let mut uses = other_mentions(&leaves, name, src);
            uses.retain(|l| kind(*l) == "identifier");
            (!uses.is_empty()).then(|| Extraction {
                name: constant.to_owned(),
                binding: spec,
                value,
                uses,
            })
        })
        .collect()
}

/// Go: the string literals of `body` that only name subtests, which a reading leaves out: the
/// first argument of `<context>.Run("name", …)`, and each `name: "…"` of a row of a table
/// (`{name: "…", …}` in the table's literal) whose field the test reads (`tt.name`) as the
/// first argument of a `.Run(…)` and otherwise only inside the arguments of a failure or log
/// call (`t.Errorf("%s: …", tt.name)`).
///
/// **Invariant:** none when the test asks for a test's name (`t.Name()`, which golden files
/// and temporary paths are often built from): a subtest's name then reaches what it checks.
pub(crate) fn go_case_names<'t>(body: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let Some(context) = super::context::context_param(body, src) else {
        return Vec::new();
    };
    let mut nodes = Vec::new();
    collect_all(body, &mut nodes);
    let field_of = |n: Node<'_>| {
        n.field("field")
            .filter(|f| kind(*f) == "field_identifier")
            .map(|f| text(f, src))
    };
    let call_field = |call: Node<'_>| {
        call.field("function")
            .filter(|f| kind(*f) == "selector_expression")
            .and_then(field_of)
    };
    if nodes.iter().any(|n| {
        kind(*n) == "call_expression"
            && call_field(*n) == Some("Name")
            && n.field("arguments")
                .is_some_and(|a| named_children(a).is_empty())
    }) {
        return Vec::new();
    }
    let is_string =
        |n: Node<'_>| matches!(kind(n), "interpreted_string_literal" | "raw_string_literal");
    // The first argument of a `.Run(…)` call, when the call is on the context or a subtest's.
    let run_name = |arg: Node<'t>| -> Option<Node<'t>> {
        let list = arg.parent().filter(|p| kind(*p) == "argument_list")?;
        let call = list.parent().filter(|p| kind(*p) == "call_expression")?;
        (call_field(call) == Some("Run")
            && named_children(list).first().map(Node::id) == Some(arg.id()))
        .then_some(call)
    };
    let in_message = |n: Node<'_>| {
        let mut p = n.parent();
        while let Some(q) = p {
            if kind(q) == "argument_list"
                && q.parent().and_then(call_field).is_some_and(|f| {
                    matches!(f, "Error" | "Errorf" | "Fatal" | "Fatalf" | "Log" | "Logf")
                })
            {
                return true;
            }
            p = q.parent();
        }
        false
    };
    let mut out = Vec::new();
    // Each field read with `x.field`: whether every read only names a subtest or sits in a
    // message, and whether one names a subtest.
    let mut read_fields: HashMap<&str, (bool, bool)> = HashMap::new();
    for n in &nodes {
        match kind(*n) {
            "interpreted_string_literal" | "raw_string_literal" => {
                if let Some(call) = run_name(*n)
                    && call
                        .field("function")
                        .and_then(|f| f.field("operand"))
                        .is_some_and(|o| text(o, src) == context)
                {
                    out.push(*n);
                }
            }
            "selector_expression" => {
                if let Some(field) = field_of(*n) {
                    let names = run_name(*n).is_some();
                    let e = read_fields.entry(field).or_insert((true, false));
                    e.0 = e.0 && (names || in_message(*n));
                    e.1 = e.1 || names;
                }
            }
            _ => {}
        }
    }
    // A row of a table (`{name: "…", …}` inside the table's literal, its type elided).
    let in_row = |n: Node<'_>| {
        n.parent()
            .filter(|p| kind(*p) == "literal_value")
            .and_then(|p| p.parent())
            .is_some_and(|p| kind(p) == "literal_element")
    };
    for n in &nodes {
        if kind(*n) != "keyed_element" || !in_row(*n) {
            continue;
        }
        let (Some(key), Some(value)) = (n.field("key"), n.field("value")) else {
            continue;
        };
        let Some(value) = named_children(value)
            .into_iter()
            .next()
            .filter(|v| is_string(*v))
        else {
            continue;
        };
        if read_fields.get(text(key, src)) == Some(&(true, true)) {
            out.push(value);
        }
    }
    out
}

/// Every node below `node`, in document order.
fn collect_all<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut cursor = node.walk();
    for c in node.named_children(&mut cursor) {
        out.push(c);
        collect_all(c, out);
    }
}

/// Whether a Go identifier is declared (or keyed) where it stands rather than read: a
/// parameter, a `const`/`var`/`type` name, the left side of `:=`, `=`, `range` or a `select`
/// receive, a type switch's alias, a function's name, an import's name or a composite
/// literal's key.
fn go_declares(n: Node<'_>) -> bool {
    let Some(p) = n.parent() else {
        return false;
    };
    let named_here = |field: &str| p.field(field).map(|c| c.id()) == Some(n.id());
    match kind(p) {
        "parameter_declaration"
        | "variadic_parameter_declaration"
        | "const_spec"
        | "var_spec"
        | "type_spec"
        | "type_alias"
        | "import_spec"
        | "function_declaration"
        | "method_declaration"
        | "labeled_statement"
        | "inc_statement"
        | "dec_statement" => true,
        // The left side of `:=`, `=`, `range` and a `select` case's receive, a type
        // switch's alias (`switch six := v.(type)`).
        "expression_list" => p.parent().is_some_and(|g| {
            ["left", "alias"]
                .iter()
                .any(|f| g.field(f).map(|c| c.id()) == Some(p.id()))
        }),
        "literal_element" => p.parent().is_some_and(|g| {
            kind(g) == "keyed_element" && g.named_child(0).map(|c| c.id()) == Some(p.id())
        }),
        _ => named_here("left") || named_here("name"),
    }
}

/// `name = value` as one plain binding of one new name: Python `t = …` (no annotation),
/// Rust `let t = …;` (no type, no `else`), Go `got := …`, JS/TS `const`/`let`/`var t = …`.
fn binding<'t>(n: Node<'t>, src: &str) -> Option<(Node<'t>, Node<'t>)> {
    let only = |list: Node<'t>| -> Option<Node<'t>> {
        let c: Vec<Node<'t>> = named_children(list)
            .into_iter()
            .filter(|c| !is_comment(*c))
            .collect();
        match c.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    };
    let (name, value) = match kind(n) {
        "expression_statement" => {
            let a = only(n)?;
            if kind(a) != "assignment" || a.field("type").is_some() {
                return None;
            }
            (a.field("left")?, a.field("right")?)
        }
        "let_declaration" => {
            if n.field("type").is_some() || n.field("alternative").is_some() {
                return None;
            }
            (n.field("pattern")?, n.field("value")?)
        }
        "short_var_declaration" => (only(n.field("left")?)?, only(n.field("right")?)?),
        // Go's `err = g()` to a local the block declared before (`err := f()`): a package
        // variable could be read by the code the test calls.
        "assignment_statement" => {
            if n.field("operator").is_none_or(|o| text(o, src) != "=") {
                return None;
            }
            let (name, value) = (only(n.field("left")?)?, only(n.field("right")?)?);
            declared_before(n, text(name, src), src)?;
            (name, value)
        }
        "lexical_declaration" | "variable_declaration" => {
            let d = only(n)?;
            if kind(d) != "variable_declarator" {
                return None;
            }
            (d.field("name")?, d.field("value")?)
        }
        _ => return None,
    };
    (kind(name) == "identifier" && text(name, src) != "_").then_some((name, value))
}

/// The statement of the block before `n` that declares `name` as a Go local (`name := …`,
/// `x, name := …`, `var name …`), the nearest.
fn declared_before<'t>(n: Node<'t>, name: &str, src: &str) -> Option<Node<'t>> {
    let mut prev = n.prev_named_sibling();
    while let Some(p) = prev {
        let names: Vec<Node<'_>> = match kind(p) {
            "short_var_declaration" => p
                .field("left")
                .map(|l| {
                    if kind(l) == "expression_list" {
                        named_children(l)
                    } else {
                        vec![l]
                    }
                })
                .unwrap_or_default(),
            "var_declaration" => named_children(p)
                .into_iter()
                .filter(|s| kind(*s) == "var_spec")
                .flat_map(|s| {
                    named_children(s)
                        .into_iter()
                        .take_while(|c| kind(*c) == "identifier")
                })
                .collect(),
            _ => Vec::new(),
        };
        if names.iter().any(|c| text(*c, src) == name) {
            return Some(p);
        }
        prev = p.prev_named_sibling();
    }
    None
}

/// The leaves among `leaves` that spell `name`, other than `name` itself. The text of a Go
/// or Rust string literal is not a mention (`if fu := v.GetString("fu"); …`): neither
/// language reads a variable by the text of a string. A Rust format string's `{fu}` is not
/// one leaf spelling `fu` either. (Python and JavaScript may, through `eval`: there a string
/// still counts.)
fn other_mentions<'t>(leaves: &[Node<'t>], name: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let spelled = text(name, src);
    leaves
        .iter()
        .copied()
        .filter(|l| l.id() != name.id() && text(*l, src) == spelled && !string_text(*l))
        .collect()
}

/// Whether a leaf is the text of a Go or Rust string literal.
fn string_text(leaf: Node<'_>) -> bool {
    matches!(
        kind(leaf),
        "interpreted_string_literal_content" | "raw_string_literal_content" | "string_content"
    ) && leaf.parent().is_some_and(|p| {
        matches!(
            kind(p),
            "interpreted_string_literal" | "raw_string_literal" | "string_literal"
        )
    })
}

fn collect_leaves<'t>(n: Node<'t>, out: &mut Vec<Node<'t>>) {
    if n.child_count() == 0 {
        out.push(n);
        return;
    }
    let mut cursor = n.walk();
    for c in n.children(&mut cursor) {
        collect_leaves(c, out);
    }
}

fn within(n: Node<'_>, outer: Node<'_>) -> bool {
    outer.start_byte() <= n.start_byte() && n.end_byte() <= outer.end_byte()
}

/// A mention inside the report of a Go `if … { t.Errorf(…) }` under `user`: the report's
/// arguments are its message, which is not what the test checks.
fn in_go_report(n: Node<'_>, user: Node<'_>, src: &str, rules: &dyn Rules) -> bool {
    let mut p = n.parent();
    while let Some(a) = p {
        if !within(a, user) {
            return false;
        }
        if rules.assertion(a, src).is_some() && rules.assertion_context(a, src).is_some() {
            let reporter = a
                .field("function")
                .and_then(|f| f.field("field"))
                .map(|f| text(f, src));
            return matches!(reporter, Some("Error" | "Errorf" | "Fatal" | "Fatalf"));
        }
        p = a.parent();
    }
    false
}

/// Whether `n` sits, inside `user`, under something that may evaluate it never or many times
/// (a branch, a loop, a closure, a comprehension): bound once before, the expression would be
/// evaluated exactly once, which is not the same check (`all(rand() < 0.5 for _ in …)`).
fn deferred(n: Node<'_>, user: Node<'_>, rules: &dyn Rules) -> bool {
    let mut p = n.parent();
    while let Some(a) = p {
        if a.id() == user.id() {
            return false;
        }
        let k = kind(a);
        if rules.is_control(k)
            || is_function_like(k)
            || k.contains("comprehension")
            || k == "generator_expression"
        {
            return true;
        }
        p = a.parent();
    }
    false
}

fn contains_assertion(n: Node<'_>, src: &str, rules: &dyn Rules) -> bool {
    rules.assertion(n, src).is_some()
        || named_children(n)
            .into_iter()
            .any(|c| contains_assertion(c, src, rules))
}

/// While a test is read with its extracted locals put back: each use (by node id) with the
/// span of the expression it stands for, and the bindings (by node id) left out.
#[derive(Default)]
struct PutBack {
    uses: HashMap<usize, Range<usize>>,
    left_out: HashSet<usize>,
}

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    static PUT_BACK: RefCell<PutBack> = RefCell::new(PutBack::default());
}

/// Runs `f` (a reading of the test that owns `extractions`) with each local put back, and
/// each of `left` (statements of the test) left out.
pub(crate) fn with_put_back_leaving<R>(
    extractions: &[&Extraction<'_>],
    left: &[Node<'_>],
    f: impl FnOnce() -> R,
) -> R {
    let mut put_back = PutBack::default();
    put_back.left_out.extend(left.iter().map(Node::id));
    for e in extractions {
        put_back.left_out.insert(e.binding.id());
        for u in &e.uses {
            put_back.uses.insert(u.id(), e.value.byte_range());
        }
    }
    let saved = PUT_BACK.with(|p| std::mem::replace(&mut *p.borrow_mut(), put_back));
    let was = ACTIVE.with(|a| a.replace(true));
    let r = f();
    ACTIVE.with(|a| a.set(was));
    PUT_BACK.with(|p| *p.borrow_mut() = saved);
    r
}

/// Runs `f` with each `(node, by)` read as `by`, on top of what is put back already (a call
/// in its helper's place).
pub(crate) fn with_replaced<R>(pairs: &[(Node<'_>, Node<'_>)], f: impl FnOnce() -> R) -> R {
    let mut more = PUT_BACK.with(|p| {
        let p = p.borrow();
        PutBack {
            uses: p.uses.clone(),
            left_out: p.left_out.clone(),
        }
    });
    for (node, by) in pairs {
        more.uses.insert(node.id(), by.byte_range());
    }
    let saved = PUT_BACK.with(|p| std::mem::replace(&mut *p.borrow_mut(), more));
    let was = ACTIVE.with(|a| a.replace(true));
    let r = f();
    ACTIVE.with(|a| a.set(was));
    PUT_BACK.with(|p| *p.borrow_mut() = saved);
    r
}

/// The expression to read in place of `node`, when it is the use of a local put back.
pub(crate) fn put_back(node: Node<'_>) -> Option<Node<'_>> {
    if !ACTIVE.with(Cell::get) {
        return None;
    }
    let span = PUT_BACK.with(|p| p.borrow().uses.get(&node.id()).cloned())?;
    let mut root = node;
    while let Some(p) = root.parent() {
        root = p;
    }
    root.descendant_for_byte_range(span.start, span.end)
        .filter(|v| v.byte_range() == span)
}

/// A Python f-string whose every `{name}` is a parameter put back with a plain string or
/// integer literal (`f"FOO:[{expected}]"` with `expected` = `"42.0"`): the string literal it
/// makes, in canonical quotes (`"FOO:[42.0]"`). `None` when anything in it is not read exactly:
/// a conversion or format (`{x!r}`, `{x:>4}`), escapes, braces or quotes in its text, another
/// expression, a value of another kind.
pub(crate) fn fstring_put_back(node: Node<'_>, src: &str) -> Option<String> {
    if !ACTIVE.with(Cell::get) || kind(node) != "string" {
        return None;
    }
    let plain = |t: &str| !t.contains(['{', '}', '\\', '"', '\'', '\n', '\r']);
    let mut out = String::new();
    let mut interpolated = false;
    let mut cursor = node.walk();
    for c in node.children(&mut cursor) {
        let t = text(c, src);
        match kind(c) {
            "string_start" => {
                if !matches!(t, "f\"" | "f'" | "F\"" | "F'") {
                    return None;
                }
            }
            "string_end" => {}
            "string_content" if plain(t) => out.push_str(t),
            "interpolation" => {
                let parts: Vec<Node<'_>> = {
                    let mut c2 = c.walk();
                    c.children(&mut c2).collect()
                };
                let [open, expr, close] = parts.as_slice() else {
                    return None;
                };
                if text(*open, src) != "{"
                    || text(*close, src) != "}"
                    || kind(*expr) != "identifier"
                {
                    return None;
                }
                let value = put_back(*expr)?;
                let v = text(value, src);
                match kind(value) {
                    "string" => {
                        let inner = ['"', '\'']
                            .iter()
                            .find_map(|q| v.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))?;
                        let mut c3 = value.walk();
                        if !plain(inner)
                            || value.children(&mut c3).any(|p| kind(p) == "interpolation")
                        {
                            return None;
                        }
                        out.push_str(inner);
                    }
                    "integer"
                        if v == "0"
                            || (v.starts_with(|c: char| ('1'..='9').contains(&c))
                                && v.chars().all(|c| c.is_ascii_digit())) =>
                    {
                        out.push_str(v);
                    }
                    _ => return None,
                }
                interpolated = true;
            }
            _ => return None,
        }
    }
    interpolated.then(|| format!("\"{out}\""))
}

/// Whether `node` is a binding left out while its local is put back.
pub(crate) fn left_out(node: Node<'_>) -> bool {
    ACTIVE.with(Cell::get) && PUT_BACK.with(|p| p.borrow().left_out.contains(&node.id()))
}

#[cfg(test)]
mod tests {
    use crate::sacred::rules::Rule;
    use crate::sacred::rules::testing::{GO, JS, PY, RS, TS, accepted, refused, rules_between};

    const GO_CHECK: &str =
        "\tif Total(xs) != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", Total(xs))\n";

    #[test]
    fn a_sub_expression_moved_into_a_local_just_before_its_assertion_is_accepted() {
        accepted(
            &PY,
            &[(
                "    assert total(xs) == 6\n",
                "    t = total(xs)\n    assert t == 6\n",
            )],
        );
        accepted(
            &RS,
            &[(
                "    assert_eq!(total(&xs), 6);\n",
                "    let t = total(&xs);\n    assert_eq!(t, 6);\n",
            )],
        );
        accepted(
            &GO,
            &[(
                GO_CHECK,
                "\tif got := Total(xs); got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n",
            )],
        );
        accepted(
            &GO,
            &[(
                GO_CHECK,
                "\tgot := Total(xs)\n\tif got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n",
            )],
        );
        for f in [&JS, &TS] {
            accepted(
                f,
                &[(
                    "  expect(total(xs)).toBe(6);\n",
                    "  const t = total(xs);\n  expect(t).toBe(6);\n",
                )],
            );
        }
    }

    /// A Go `if`'s initializer binds for that `if` alone: two checks that each bind `got`
    /// in their own `if` put each back.
    #[test]
    fn go_if_initializers_of_one_name_in_two_ifs_are_each_put_back() {
        let both = [
            (
                GO_CHECK,
                "\tif got := Total(xs); got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n",
            ),
            (
                "\tif Total(nil) != 0 {\n",
                "\tif got := Total(nil); got != 0 {\n",
            ),
        ];
        accepted(&GO, &both);
        let mut other = both;
        other[1].1 = "\tif got := 0; got != 0 {\n";
        refused(&GO, &other, Rule::AssertionChanged);
    }

    /// A local checked and then bound anew (`err := f()`, `require.NoError(t, err)`, `err =
    /// g()`, …): each binding is put back, the later mentions being another value.
    #[test]
    fn a_local_checked_then_bound_anew_is_put_back_each_time() {
        let go = [(
            "\tif Total(xs) != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", Total(xs))\n\t}\n\tif Total(nil) != 0 {\n",
            "\tgot := Total(xs)\n\tif got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n\t}\n\tgot = Total(nil)\n\tif got != 0 {\n",
        )];
        accepted(&GO, &go);
        accepted(
            &PY,
            &[(
                "    assert total(xs) == 6\n    assert total([]) == 0\n",
                "    t = total(xs)\n    assert t == 6\n    t = total([])\n    assert t == 0\n",
            )],
        );
        accepted(
            &RS,
            &[(
                "    assert_eq!(total(&xs), 6);\n    assert_eq!(total(&[]), 0);\n",
                "    let t = total(&xs);\n    assert_eq!(t, 6);\n    let t = total(&[]);\n    assert_eq!(t, 0);\n",
            )],
        );
        // Bound anew from itself, the first value still reaches the second check.
        let mut from_itself = go;
        from_itself[0].1 = "\tgot := Total(xs)\n\tif got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n\t}\n\tgot = got - Total(xs) + Total(nil)\n\tif got != 0 {\n";
        refused(&GO, &from_itself, Rule::AssertionChanged);
        // A closure that reads the name may run after the second binding.
        let mut closure = go;
        closure[0].1 = "\tgot := Total(xs)\n\tif got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n\t}\n\tgot = Total(nil)\n\tdefer func() { _ = got }()\n\tif got != 0 {\n";
        assert!(!rules_after_go(&closure).is_empty());
        // `=` to a name the test did not declare (a package variable the code under test
        // may read) is not put back.
        let mut package = go;
        package[0].1 = "\tgot := Total(xs)\n\tif got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n\t}\n\tlast = Total(nil)\n\tif last != 0 {\n";
        refused(&GO, &package, Rule::AssertionChanged);
        // The value checked is no longer the one the call returns.
        let mut silenced = go;
        silenced[0].1 = "\tgot := Total(xs)\n\tif got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n\t}\n\tgot = Total(nil)\n\tgot = 0\n\tif got != 0 {\n";
        assert!(!rules_after_go(&silenced).is_empty());
    }

    /// In a loop, Go's `err = …` after `err := …` of the same pass: the mentions between
    /// them are of that pass's earlier value.
    #[test]
    fn a_go_local_bound_anew_in_a_loop_after_its_declaration_is_put_back() {
        let test = |body: &str| {
            format!(
                "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotals(t *testing.T) {{\n\tfor _, xs := range Cases() {{\n{body}\t}}\n}}\n"
            )
        };
        let old = test(
            "\t\tif Check(xs) != nil {\n\t\t\tt.Fatal(Check(xs))\n\t\t}\n\t\tif Pay(xs) != nil {\n\t\t\tt.Fatal(Pay(xs))\n\t\t}\n",
        );
        let new = |second: &str| {
            test(&format!(
                "\t\terr := Check(xs)\n\t\tif err != nil {{\n\t\t\tt.Fatal(err)\n\t\t}}\n{second}\t\tif err != nil {{\n\t\t\tt.Fatal(err)\n\t\t}}\n"
            ))
        };
        let path = "billing/totals_test.go";
        let rules = rules_between(path, &old, &new("\t\terr = Pay(xs)\n"));
        assert!(rules.is_empty(), "{rules:?}");
        // The second `if` declares its own `err`: the first one's is put back.
        let one = test(
            "\t\terr := Check(xs)\n\t\tif err != nil {\n\t\t\tt.Fatal(err)\n\t\t}\n\t\tif err := Pay(xs); err != nil {\n\t\t\tt.Fatal(err)\n\t\t}\n",
        );
        let rules = rules_between(path, &old, &one);
        assert!(rules.is_empty(), "{rules:?}");
        // Between the first binding and the next, an `if` declaring its own `err`.
        let old3 = test(
            "\t\tif Check(xs) != nil {\n\t\t\tt.Fatal(Check(xs))\n\t\t}\n\t\tif Pay(xs) != nil {\n\t\t\tt.Fatal(Pay(xs))\n\t\t}\n\t\tif Log(xs) != nil {\n\t\t\tt.Fatal(Log(xs))\n\t\t}\n",
        );
        let new3 = test(
            "\t\terr := Check(xs)\n\t\tif err != nil {\n\t\t\tt.Fatal(err)\n\t\t}\n\t\tif err := Pay(xs); err != nil {\n\t\t\tt.Fatal(err)\n\t\t}\n\t\terr = Log(xs)\n\t\tif err != nil {\n\t\t\tt.Fatal(err)\n\t\t}\n",
        );
        let rules = rules_between(path, &old3, &new3);
        assert!(rules.is_empty(), "{rules:?}");
        // Its value reads the first one's: not another variable there.
        let reads = one.replace("err := Pay(xs)", "err := Pay(xs, err)");
        assert!(!rules_between(path, &old, &reads).is_empty());
        // `Pay`'s error no longer checked.
        let rules = rules_between(path, &old, &new("\t\t_ = Pay(xs)\n"));
        assert!(!rules.is_empty());
    }

    /// A subtest's function is read as well: its locals are its own.
    #[test]
    fn a_local_extracted_in_a_subtest_is_put_back() {
        let test = |inner: &str| {
            format!(
                "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestPay(t *testing.T) {{\n\tt.Run(\"pays\", func(t *testing.T) {{\n{inner}\t}})\n}}\n"
            )
        };
        let path = "billing/pay_test.go";
        let old = test("\t\tif Pay(6) != nil {\n\t\t\tt.Fatal(Pay(6))\n\t\t}\n");
        let new = test("\t\terr := Pay(6)\n\t\tif err != nil {\n\t\t\tt.Fatal(err)\n\t\t}\n");
        let rules = rules_between(path, &old, &new);
        assert!(rules.is_empty(), "{rules:?}");
        let other = test("\t\terr := Pay(7)\n\t\tif err != nil {\n\t\t\tt.Fatal(err)\n\t\t}\n");
        assert!(!rules_between(path, &old, &other).is_empty());
    }

    /// Python's `global t` makes `t` the module's, which other code may read.
    #[test]
    fn a_python_global_is_not_put_back() {
        refused(
            &PY,
            &[(
                "    assert total(xs) == 6\n",
                "    global t\n    t = total(xs)\n    assert t == 6\n",
            )],
            Rule::AssertionChanged,
        );
    }

    fn rules_after_go(edits: &[(&str, &str)]) -> Vec<Rule> {
        crate::sacred::rules::testing::rules_after(&GO, edits)
    }

    /// The text of a Go string is not a mention of a local spelled the same.
    #[test]
    fn a_go_string_spelling_a_local_does_not_keep_it_from_being_put_back() {
        let test = |check: &str| {
            format!(
                "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestPrice(t *testing.T) {{\n{check}\t\tt.Error(\"wrong\")\n\t}}\n}}\n"
            )
        };
        let old = test("\tif Price(\"fu\") != 6 {\n");
        let rules = rules_between(
            "billing/price_test.go",
            &old,
            &test("\tif fu := Price(\"fu\"); fu != 6 {\n"),
        );
        assert!(rules.is_empty(), "{rules:?}");
        let rules = rules_between(
            "billing/price_test.go",
            &old,
            &test("\tif fu := Price(\"fu\"); fu != 7 {\n"),
        );
        assert!(rules.contains(&Rule::AssertionChanged), "{rules:?}");
    }

    /// The value used to run after what comes before it in the assertion: bound before the
    /// assertion, it runs first, and no longer sees what that did (an attack round's, with
    /// pytest, `go test` and Jest). Names, literals and the assertion's own callee before it
    /// change nothing.
    #[test]
    fn an_operand_extracted_from_after_a_call_is_refused() {
        for (f, from, to) in [
            (
                &PY,
                "    assert total(xs) == 6\n",
                "    want = total([])\n    assert total(xs) == want\n",
            ),
            (
                &RS,
                "    assert_eq!(total(&xs), 6);\n",
                "    let want = total(&[]);\n    assert_eq!(total(&xs), want);\n",
            ),
            (
                &JS,
                "  expect(total(xs)).toBe(6);\n",
                "  const want = total([]);\n  expect(total(xs)).toBe(want);\n",
            ),
        ] {
            let rules = super::super::rules::testing::rules_after(f, &[(from, to)]);
            assert!(!rules.is_empty(), "{}: {to}", f.path);
        }
        // Before it only the assertion's callee (`expect`, `assert_eq!`): see
        // `a_sub_expression_moved_into_a_local_just_before_its_assertion_is_accepted`.
    }

    #[test]
    fn a_local_bound_to_a_constant_instead_is_refused() {
        let r = Rule::AssertionChanged;
        refused(
            &PY,
            &[(
                "    assert total(xs) == 6\n",
                "    t = 6\n    assert t == 6\n",
            )],
            r,
        );
        refused(
            &RS,
            &[(
                "    assert_eq!(total(&xs), 6);\n",
                "    let t = 6;\n    assert_eq!(t, 6);\n",
            )],
            r,
        );
        refused(
            &GO,
            &[(
                GO_CHECK,
                "\tif got := 6; got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n",
            )],
            r,
        );
        for f in [&JS, &TS] {
            refused(
                f,
                &[(
                    "  expect(total(xs)).toBe(6);\n",
                    "  const t = 6;\n  expect(t).toBe(6);\n",
                )],
                r,
            );
        }
    }

    #[test]
    fn a_local_bound_to_another_expression_is_refused() {
        let r = Rule::AssertionChanged;
        refused(
            &PY,
            &[(
                "    assert total(xs) == 6\n",
                "    t = total(xs[:1])\n    assert t == 6\n",
            )],
            r,
        );
        refused(
            &RS,
            &[(
                "    assert_eq!(total(&xs), 6);\n",
                "    let t = total(&xs[..1]);\n    assert_eq!(t, 6);\n",
            )],
            r,
        );
        refused(
            &GO,
            &[(
                GO_CHECK,
                "\tgot := Total(xs[:1])\n\tif got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n",
            )],
            r,
        );
        for f in [&JS, &TS] {
            refused(
                f,
                &[(
                    "  expect(total(xs)).toBe(6);\n",
                    "  const t = total([6]);\n  expect(t).toBe(6);\n",
                )],
                r,
            );
        }
    }

    #[test]
    fn a_local_not_bound_directly_before_or_bound_twice_is_refused() {
        let r = Rule::AssertionChanged;
        refused(
            &PY,
            &[(
                "    assert total(xs) == 6\n",
                "    t = total(xs)\n    xs.clear()\n    assert t == 6\n",
            )],
            r,
        );
        refused(
            &PY,
            &[(
                "    assert total(xs) == 6\n",
                "    t = total(xs)\n    t = 6\n    assert t == 6\n",
            )],
            r,
        );
        refused(
            &RS,
            &[(
                "    assert_eq!(total(&xs), 6);\n",
                "    let t = total(&xs);\n    let t = t - t + 6;\n    assert_eq!(t, 6);\n",
            )],
            r,
        );
        refused(
            &GO,
            &[(
                GO_CHECK,
                "\tgot := Total(xs)\n\tgot = 6\n\tif got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n",
            )],
            r,
        );
        for f in [&JS, &TS] {
            refused(
                f,
                &[(
                    "  expect(total(xs)).toBe(6);\n",
                    "  let t = total(xs);\n  t = 6;\n  expect(t).toBe(6);\n",
                )],
                r,
            );
        }
    }

    #[test]
    fn a_local_used_twice_is_not_put_back() {
        // `assert f() == f()` calls twice; `t = f(); assert t == t` once: not the same check.
        let old = "# gatekeeper:sacred\ndef test_twice():\n    assert draw() == draw()\n";
        let new = "# gatekeeper:sacred\ndef test_twice():\n    t = draw()\n    assert t == t\n";
        assert_eq!(
            rules_between("tests/test_twice.py", old, new),
            [Rule::AssertionChanged]
        );
        // Also when the second use is only in the message.
        let new =
            "# gatekeeper:sacred\ndef test_twice():\n    t = draw()\n    assert t == draw(), t\n";
        assert!(!rules_between("tests/test_twice.py", old, new).is_empty());
    }

    #[test]
    fn a_local_used_in_a_loop_or_closure_is_not_put_back() {
        // Many draws are not one draw.
        let old = "# gatekeeper:sacred\ndef test_draws():\n    assert all(draw() < 5 for _ in range(9))\n";
        let new = "# gatekeeper:sacred\ndef test_draws():\n    t = draw()\n    assert all(t < 5 for _ in range(9))\n";
        assert_eq!(
            rules_between("tests/test_draws.py", old, new),
            [Rule::AssertionChanged]
        );
        let old = "// gatekeeper:sacred\ntest('draws', () => {\n  expect(() => draw()).not.toThrow();\n});\n";
        let new = "// gatekeeper:sacred\ntest('draws', () => {\n  const t = draw();\n  expect(() => t).not.toThrow();\n});\n";
        assert_eq!(
            rules_between("tests/draws.test.js", old, new),
            [Rule::AssertionChanged]
        );
        let old = "// gatekeeper:sacred\n#[test]\nfn draws() {\n    if ready() {\n        assert_eq!(draw(), 1);\n    }\n}\n";
        let new = "// gatekeeper:sacred\n#[test]\nfn draws() {\n    let t = draw();\n    if ready() {\n        assert_eq!(t, 1);\n    }\n}\n";
        assert!(!rules_between("tests/draws.rs", old, new).is_empty());
    }

    #[test]
    fn a_local_that_other_locals_follow_keeps_their_placeholders() {
        let old = "# gatekeeper:sacred\ndef test_total():\n    xs = [1, 2, 3]\n    assert total(xs) == 6\n    ys = [4]\n    assert total(ys) == 4\n";
        let new = "# gatekeeper:sacred\ndef test_total():\n    xs = [1, 2, 3]\n    t = total(xs)\n    assert t == 6\n    ys = [4]\n    assert total(ys) == 4\n";
        assert!(rules_between("tests/test_total.py", old, new).is_empty());
    }

    /// A Go test whose expected value sits in a local, as locked.
    const GO_LOCAL: &str = "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tgot := Total([]int{1, 2, 3})\n\texpected := 6\n\tif got != expected {\n\t\tt.Errorf(\"Total = %d, want %d\", got, expected)\n\t}\n}\n";
    const GO_PATH: &str = "billing/total_test.go";

    fn go_hoisted(value: &str) -> String {
        GO_LOCAL
            .replace(
                "import \"testing\"\n",
                &format!("import \"testing\"\n\nconst six = {value}\n"),
            )
            .replace("\texpected := 6\n", "")
            .replace("expected", "six")
    }

    #[test]
    fn a_go_local_hoisted_into_a_package_constant_is_read_as_the_literal() {
        use crate::sacred::rules::testing::rules_with_base;
        // `expected := 6` gone, `const six = 6` in its place: the same check.
        let rules = rules_with_base(GO_PATH, GO_LOCAL, GO_LOCAL, &go_hoisted("6"));
        assert!(rules.is_empty(), "{rules:?}");
        // The literal written in place of the local.
        let inline = GO_LOCAL
            .replace("\texpected := 6\n", "")
            .replace("expected", "6");
        let rules = rules_with_base(GO_PATH, GO_LOCAL, GO_LOCAL, &inline);
        assert!(rules.is_empty(), "{rules:?}");
        // Without the base revision, the locked local cannot be put back.
        assert!(!rules_between(GO_PATH, GO_LOCAL, &go_hoisted("6")).is_empty());
    }

    #[test]
    fn a_go_constant_with_another_value_or_meaning_is_refused() {
        use crate::sacred::rules::testing::rules_with_base;
        let changed = |new: &str| {
            let rules = rules_with_base(GO_PATH, GO_LOCAL, GO_LOCAL, new);
            assert!(!rules.is_empty(), "{new}");
        };
        changed(&go_hoisted("7"));
        // A typed constant, or one that is not a literal, is not read as one.
        changed(&go_hoisted("6").replace("const six = 6", "const six int = 6"));
        changed(&go_hoisted("6").replace("const six = 6", "const six = 2 * 3"));
        // A local of the same name in the test: `six` is not the constant there.
        changed(
            &go_hoisted("6").replace("\tgot := Total", "\tsix := 7\n\t_ = six\n\tgot := Total"),
        );
        // Bound again by a `select` receive or a type switch in another function.
        changed(&format!(
            "{}\nfunc recv(ch chan int) int {{\n\tselect {{\n\tcase six := <-ch:\n\t\treturn six\n\t}}\n}}\n",
            go_hoisted("6")
        ));
        changed(&format!(
            "{}\nfunc kind(v any) any {{\n\tswitch six := v.(type) {{\n\tdefault:\n\t\treturn six\n\t}}\n}}\n",
            go_hoisted("6")
        ));
        // A parameter of the same name elsewhere in the file.
        changed(&format!(
            "{}\nfunc helper(six int) int {{ return six }}\n",
            go_hoisted("6")
        ));
    }

    #[test]
    fn a_go_literal_replaced_by_a_constant_holding_it_is_accepted() {
        use crate::sacred::rules::testing::rules_with_base;
        let old = "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tif Total(nil) != \"none\" {\n\t\tt.Errorf(\"want %q\", \"none\")\n\t}\n}\n";
        let new = old
            .replace(
                "import \"testing\"\n",
                "import \"testing\"\n\nconst none = \"none\"\n",
            )
            .replace("\"none\"", "none")
            .replace("const none = none", "const none = \"none\"");
        let rules = rules_with_base(GO_PATH, old, old, &new);
        assert!(rules.is_empty(), "{rules:?}");
        let other = new.replace("const none = \"none\"", "const none = \"empty\"");
        assert!(!rules_with_base(GO_PATH, old, old, &other).is_empty());
    }

    #[test]
    fn a_locked_extracted_local_written_back_in_place_is_accepted_against_the_base() {
        use crate::sacred::rules::testing::{edited, rules_with_base};
        let cases: [(&crate::sacred::rules::testing::Fixture, &str, &str); 5] = [
            (
                &PY,
                "    assert total(xs) == 6\n",
                "    t = total(xs)\n    assert t == 6\n",
            ),
            (
                &RS,
                "    assert_eq!(total(&xs), 6);\n",
                "    let t = total(&xs);\n    assert_eq!(t, 6);\n",
            ),
            (
                &GO,
                "\tif Total(xs) != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", Total(xs))\n",
                "\tgot := Total(xs)\n\tif got != 6 {\n\t\tt.Errorf(\"Total = %d, want 6\", got)\n",
            ),
            (
                &JS,
                "  expect(total(xs)).toBe(6);\n",
                "  const t = total(xs);\n  expect(t).toBe(6);\n",
            ),
            (
                &TS,
                "  expect(total(xs)).toBe(6);\n",
                "  const t = total(xs);\n  expect(t).toBe(6);\n",
            ),
        ];
        for (f, inline, extracted) in cases {
            // Locked with the local; now written in place.
            let locked = edited(f, &[(inline, extracted)]);
            let rules = rules_with_base(f.path, &locked, &locked, &f.src());
            assert!(rules.is_empty(), "{}: {rules:?}", f.path);
            // In place with another value: refused.
            let other = f.src().replacen('6', "7", 1);
            let rules = rules_with_base(f.path, &locked, &locked, &other);
            assert!(!rules.is_empty(), "{}: {other}", f.path);
        }
    }

    const GO_TABLE: &str = "package cmd\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestInit(t *testing.T) {\n\ttests := []struct {\n\t\tname      string\n\t\targs      []string\n\t\texpectErr bool\n\t}{\n\t\t{\n\t\t\tname:      \"returns error when passing an relative path\",\n\t\t\targs:      []string{\"example.com/p\"},\n\t\t\texpectErr: true,\n\t\t},\n\t}\n\tfor _, tt := range tests {\n\t\tt.Run(tt.name, func(t *testing.T) {\n\t\t\terr := initialize(tt.args)\n\t\t\tif tt.expectErr && err == nil {\n\t\t\t\tt.Fatalf(\"%s: expected an error\", tt.name)\n\t\t\t}\n\t\t})\n\t}\n\tt.Run(\"creates the projet\", func(t *testing.T) {\n\t\tif initialize(nil) != nil {\n\t\t\tt.Fatal(\"failed\")\n\t\t}\n\t})\n}\n";

    /// The rules after `edits` to `GO_TABLE` (the base revision is the locked file).
    fn go_table_rules(base: &str, edits: &[(&str, &str)]) -> Vec<Rule> {
        let mut new = base.to_owned();
        for (from, to) in edits {
            assert!(new.contains(from), "no {from:?}");
            new = new.replacen(from, to, 1);
        }
        crate::sacred::rules::testing::rules_with_base("cmd/init_test.go", base, base, &new)
    }

    #[test]
    fn a_go_subtest_renamed_keeps_every_check() {
        // A typo fixed in a table case's name, and in a `t.Run` literal.
        for edit in [
            ("an relative path", "a relative path"),
            ("creates the projet", "creates the project"),
        ] {
            let rules = go_table_rules(GO_TABLE, &[edit]);
            assert!(rules.is_empty(), "{edit:?}: {rules:?}");
        }
    }

    #[test]
    fn a_go_case_name_that_reaches_what_the_test_does_is_compared() {
        // Anything else in the row is compared as before.
        let rules = go_table_rules(GO_TABLE, &[("\"example.com/p\"", "\"example.com/q\"")]);
        assert!(!rules.is_empty());
        // The test asks for its name (golden files are often named after it).
        let named = GO_TABLE.replace(
            "\t\t\terr := initialize(tt.args)\n",
            "\t\t\terr := initialize(append(tt.args, t.Name()))\n",
        );
        let rules = go_table_rules(&named, &[("an relative path", "a relative path")]);
        assert!(!rules.is_empty(), "t.Name(): {rules:?}");
        // The field is read for more than a name.
        let read = GO_TABLE.replace(
            "\t\t\terr := initialize(tt.args)\n",
            "\t\t\terr := initialize(append(tt.args, tt.name))\n",
        );
        let rules = go_table_rules(&read, &[("an relative path", "a relative path")]);
        assert!(!rules.is_empty(), "tt.name read: {rules:?}");
        // A typed literal is not a table row: `Use` names the subtest, and the command it
        // builds is what runs.
        let typed = GO_TABLE
            .replace(
                "\tt.Run(\"creates the projet\", func(t *testing.T) {\n\t\tif initialize(nil) != nil {",
                "\tc := &Command{Use: \"projet\"}\n\tt.Run(c.Use, func(t *testing.T) {\n\t\tif execute(c) != nil {",
            );
        assert_ne!(typed, GO_TABLE);
        let rules = go_table_rules(&typed, &[("Use: \"projet\"", "Use: \"project\"")]);
        assert!(!rules.is_empty(), "typed literal: {rules:?}");
    }
}
