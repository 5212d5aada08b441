//! JavaScript and TypeScript: `it`/`test`/`specify` calls inside `describe`/`context`/`suite`
//! blocks (Jest, Vitest, Mocha, node:test), tagged by comment, by `[sacred]` in the title, or
//! through an enclosing suite; `.only`/`fit`/`fdescribe` are recorded as focus.
use crate::sacred::analysis::FieldOf as _;

use tree_sitter::Node;

use super::{Piece, Registered};

use super::super::analysis::{
    FileScan, Focus, Out, Rules, TestSpec, Want, kind, named_children, normalized, source_excerpt,
    test_id, text, unquote,
};

struct JsRules;

/// What this language counts as an assertion, and the rest of its reading rules.
pub(super) fn rules() -> &'static dyn Rules {
    &JsRules
}

/// The leftmost name of a callee chain: `it` for `it.skip.each(t)`, `expect` for
/// `expect(x).not.toBe`.
fn chain_root<'s>(node: Node<'_>, src: &'s str) -> Option<&'s str> {
    let mut n = node;
    loop {
        match kind(n) {
            "identifier" | "this" => return Some(text(n, src)),
            "member_expression" => n = n.field("object")?,
            "call_expression" => n = n.field("function")?,
            "await_expression" | "parenthesized_expression" | "non_null_expression" => {
                n = n.named_child(0)?;
            }
            _ => return None,
        }
    }
}

/// The last property of a member chain (`toBe` in `expect(x).not.toBe`), with `not.` kept.
fn last_property(member: Node<'_>, src: &str) -> String {
    let prop = member.field("property").map_or("", |p| text(p, src));
    let negated = member
        .field("object")
        .filter(|o| kind(o) == "member_expression")
        .and_then(|o| o.field("property"))
        .is_some_and(|p| text(p, src) == "not");
    if negated {
        format!("not.{prop}")
    } else {
        prop.to_owned()
    }
}

impl Rules for JsRules {
    fn assertion(&self, node: Node<'_>, src: &str) -> Option<String> {
        match kind(node) {
            "call_expression" => {
                let f = node.field("function")?;
                let root = chain_root(f, src)?;
                match (root, kind(f)) {
                    // `expectTypeOf(x).toEqualTypeOf<T>()` (expect-type, Vitest): a check
                    // the type checker makes; a no-op when the test runs.
                    ("expect" | "assert" | "expectTypeOf", "member_expression") => {
                        Some(last_property(f, src))
                    }
                    ("assert", "identifier") => Some("assert".to_owned()),
                    ("t", "member_expression") => {
                        let p = last_property(f, src);
                        matches!(
                            p.as_str(),
                            "assert"
                                | "is"
                                | "not"
                                | "deepEqual"
                                | "equal"
                                | "strictEqual"
                                | "deepStrictEqual"
                                | "throws"
                                | "throwsAsync"
                                | "notThrows"
                                | "notThrowsAsync"
                                | "like"
                                | "regex"
                                | "notRegex"
                                | "notDeepEqual"
                                | "snapshot"
                                | "rejects"
                                | "ok"
                                | "true"
                                | "false"
                                | "truthy"
                                | "falsy"
                                | "notEqual"
                        )
                        .then_some(p)
                    }
                    _ => None,
                }
            }
            // Chai's property assertions: `expect(x).to.be.true;`.
            "expression_statement" => {
                let e = node.named_child(0)?;
                (kind(e) == "member_expression" && chain_root(e, src) == Some("expect"))
                    .then(|| last_property(e, src))
            }
            _ => None,
        }
    }

    fn is_return(&self, node: Node<'_>) -> bool {
        kind(node) == "return_statement"
    }

    fn is_skip_call(&self, node: Node<'_>, src: &str) -> bool {
        kind(node) == "call_expression"
            && node.field("function").is_some_and(|f| {
                let t = text(f, src);
                matches!(
                    t,
                    "this.skip" | "t.skip" | "ctx.skip" | "context.skip" | "t.todo"
                )
            })
    }

    fn is_swallow(&self, node: Node<'_>, src: &str) -> bool {
        match kind(node) {
            "catch_clause" => true,
            "call_expression" => node
                .field("function")
                .filter(|f| kind(f) == "member_expression")
                .and_then(|f| f.field("property"))
                .is_some_and(|p| text(p, src) == "catch"),
            _ => false,
        }
    }

    fn is_control(&self, kind: &str) -> bool {
        matches!(
            kind,
            "if_statement"
                | "else_clause"
                | "for_statement"
                | "for_in_statement"
                | "while_statement"
                | "do_statement"
                | "switch_statement"
                | "switch_case"
                | "try_statement"
                | "catch_clause"
                | "arrow_function"
                | "function_expression"
                | "function_declaration"
                | "ternary_expression"
        )
    }
}

const TEST_ROOTS: &[&str] = &["it", "test", "specify", "xit", "xtest", "fit", "xspecify"];
const SUITE_ROOTS: &[&str] = &[
    "describe",
    "context",
    "suite",
    "xdescribe",
    "fdescribe",
    "xcontext",
];

/// Whether a call rooted at `root` registers a test or a suite (`test`, `it.only`,
/// `describe.each`).
pub(crate) fn registration_root(root: &str) -> bool {
    TEST_ROOTS.contains(&root) || SUITE_ROOTS.contains(&root)
}

fn is_function(n: Node<'_>) -> bool {
    matches!(
        kind(n),
        "arrow_function" | "function_expression" | "function"
    )
}

fn is_title(n: Node<'_>) -> bool {
    matches!(kind(n), "string" | "template_string")
}

fn is_focus(callee: &str, root: &str) -> bool {
    // `test['only']` focuses as `test.only` does.
    let dotted = callee
        .replace("['", ".")
        .replace("[\"", ".")
        .replace("[`", ".")
        .replace(['\'', '"', '`', ']'], "");
    root == "fit" || root == "fdescribe" || dotted.split('.').any(|p| p == "only")
}

pub(crate) fn scan(
    lang: &'static str,
    path: &str,
    src: &str,
    root: Node<'_>,
    sacred_path: bool,
    want: &Want,
    test_functions: &[String],
) -> FileScan {
    let mut out = Out::new(src, root, want);
    let ctx = Ctx {
        lang,
        path,
        src,
        root,
        test_functions,
    };
    walk(
        &ctx,
        root,
        root.id(),
        &mut Vec::new(),
        sacred_path,
        Around {
            envelope: &[],
            suites: &[],
        },
        &mut out,
    );
    out.finish(src)
}

/// The syntax between a test (or suite) call and its suite's body or the file.
fn guards(call: Node<'_>, container: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut n = call.parent();
    while let Some(p) = n {
        if p.id() == container {
            break;
        }
        if !matches!(
            kind(p),
            "expression_statement"
                | "await_expression"
                | "parenthesized_expression"
                | "statement_block"
        ) {
            out.push(kind(p).to_owned());
        }
        n = p.parent();
    }
    out.reverse();
    out
}

/// The start row of the statement a call stands in (where a tag comment would sit above).
fn statement_row(call: Node<'_>) -> usize {
    let mut n = call;
    while let Some(p) = n.parent() {
        if kind(p) == "expression_statement" {
            return p.start_position().row;
        }
        if !matches!(
            kind(p),
            "await_expression" | "call_expression" | "member_expression"
        ) {
            break;
        }
        n = p;
    }
    call.start_position().row
}

/// What surrounds the calls a walk reaches: the envelope lines of the suites around them, and
/// those suites' calls with their callbacks.
#[derive(Clone, Copy)]
struct Around<'a, 't> {
    envelope: &'a [String],
    suites: &'a [(Node<'t>, Node<'t>)],
}

/// What stays the same during one file's walk.
struct Ctx<'a, 't> {
    lang: &'static str,
    path: &'a str,
    src: &'a str,
    root: Node<'t>,
    test_functions: &'a [String],
}

fn walk<'t>(
    ctx: &Ctx<'_, 't>,
    node: Node<'t>,
    container: usize,
    scope: &mut Vec<String>,
    sacred: bool,
    around: Around<'_, 't>,
    out: &mut Out<'t, '_>,
) {
    let (lang, path, src, root) = (ctx.lang, ctx.path, ctx.src, ctx.root);
    let (envelope, suites) = (around.envelope, around.suites);
    for child in named_children(node) {
        if kind(child) != "call_expression" {
            walk(ctx, child, container, scope, sacred, around, out);
            continue;
        }
        let Some(function) = child.field("function") else {
            continue;
        };
        let Some(args) = child.field("arguments") else {
            walk(ctx, child, container, scope, sacred, around, out);
            continue;
        };
        let arg_nodes = named_children(args);
        let title = arg_nodes.first().filter(|a| is_title(**a));
        let call_root = chain_root(function, src).unwrap_or("");
        // AVA's macro test, `test('title', macro, ...args)` (the macro a `test.macro(…)`, a
        // function, or an array of them, named by the file or imported): the call is the
        // test, read with its arguments as its body, so that the macro is a check helper it
        // calls and the values handed to it are among what it compares.
        let macro_test = title.is_some()
            && TEST_ROOTS.contains(&call_root)
            && !arg_nodes.iter().any(|a| is_function(*a))
            && arg_nodes
                .get(1)
                .is_some_and(|m| matches!(kind(*m), "identifier" | "member_expression" | "array"));
        let func = if macro_test {
            arg_nodes.get(1).copied()
        } else {
            arg_nodes.iter().rev().find(|a| is_function(**a)).copied()
        };
        let (Some(title), Some(func)) = (title, func) else {
            walk(ctx, child, container, scope, sacred, around, out);
            continue;
        };
        let callee = normalized(function, src);
        let title_text = unquote(text(*title, src));
        if is_focus(&callee, call_root) {
            out.scan.focused.push(Focus {
                start_byte: child.start_byte(),
                end_byte: child.end_byte(),
                line: child.start_position().row + 1,
                source: source_excerpt(child, src)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_owned(),
            });
        }
        let tagged = out.tagged_above(root, src, statement_row(child), &[])
            || title_text.contains("[sacred]");
        // Options and timeouts between the title and the function can skip a test.
        let options: Vec<String> = arg_nodes
            .iter()
            .skip(1)
            .filter(|a| a.id() != func.id())
            .map(|a| normalized(*a, src))
            .collect();
        // A test registered inside an `if`, a loop or a helper runs only when that lets it.
        let guarded = guards(child, container);
        let mut modifiers = if guarded.is_empty() {
            callee.clone()
        } else {
            format!("inside {} {callee}", guarded.join(">"))
        };
        for o in &options {
            modifiers.push(' ');
            modifiers.push_str(o);
        }
        let body = if macro_test {
            args
        } else {
            let Some(body) = func.field("body") else {
                continue;
            };
            body
        };
        if SUITE_ROOTS.contains(&call_root) {
            let mut env = envelope.to_vec();
            env.push(format!("suite {title_text}: {modifiers}"));
            let mut inner = suites.to_vec();
            inner.push((child, func));
            scope.push(title_text);
            let inner = Around {
                envelope: &env,
                suites: &inner,
            };
            walk(ctx, body, body.id(), scope, sacred || tagged, inner, out);
            scope.pop();
            continue;
        }
        let collected =
            TEST_ROOTS.contains(&call_root) || ctx.test_functions.iter().any(|f| f == call_root);
        out.candidate(
            test_id(lang, path, scope, &title_text),
            body,
            None,
            collected,
            child.start_position().row + 1,
        );
        if !collected {
            walk(ctx, child, container, scope, sacred, around, out);
            continue;
        }
        let mut env = envelope.to_vec();
        env.push(modifiers);
        let spec = TestSpec {
            node: func,
            body,
            extent: child,
            elide: None,
            name: title_text,
            scope: scope.clone(),
            sacred: sacred || tagged,
            collected,
            envelope_lines: env,
            suites: suites.to_vec(),
            subclasses: Vec::new(),
        };
        out.test(lang, path, &spec, &JsRules, src);
    }
}

/// Every call of a file that could register a test or suite (a runner's own `test`, `it`,
/// `describe`… under any callee, or any call handed a title-like first argument and a
/// function, which a wrapper or a renamed import would be), with the titles it could report.
pub(crate) fn registered_titles(src: &str, root: Node<'_>) -> Vec<Registered> {
    let mut out = Vec::new();
    let walk = TitleWalk {
        src,
        aliases: runner_aliases(src, root),
    };
    walk.registrations_in(root, &mut Vec::new(), false, &mut out);
    out
}

/// The modules whose exports register tests.
const RUNNER_MODULES: &[&str] = &[
    "ava",
    "vitest",
    "node:test",
    "test",
    "mocha",
    "@jest/globals",
    "bun:test",
    "tap",
    "uvu",
];

/// The names a file gives a runner's functions: what it imports or `require`s from a
/// runner's module (`import check from 'ava'`, `import * as v from 'vitest'`,
/// `const { it: spec } = require('node:test')`) and a runner's function bound to another
/// name (`const t = test`), followed through such bindings.
fn runner_aliases(src: &str, root: Node<'_>) -> Vec<String> {
    fn identifiers(n: Node<'_>, src: &str, out: &mut Vec<String>) {
        // `{ it: spec }`: the value is the binding, the key is the export's name.
        if kind(n) == "pair_pattern" {
            if let Some(v) = n.field("value") {
                identifiers(v, src, out);
            }
            return;
        }
        if matches!(
            kind(n),
            "identifier" | "shorthand_property_identifier_pattern"
        ) {
            out.push(text(n, src).to_owned());
        }
        for c in named_children(n) {
            identifiers(c, src, out);
        }
    }
    fn from_runner(n: Node<'_>, src: &str) -> bool {
        n.field("source")
            .is_some_and(|m| RUNNER_MODULES.contains(&unquote(text(m, src)).as_str()))
    }
    fn requires_runner(n: Node<'_>, src: &str) -> bool {
        match kind(n) {
            "call_expression" => {
                n.field("function")
                    .is_some_and(|f| text(f, src) == "require")
                    && n.field("arguments")
                        .and_then(|a| a.named_child(0))
                        .is_some_and(|m| RUNNER_MODULES.contains(&unquote(text(m, src)).as_str()))
            }
            "member_expression" | "await_expression" | "parenthesized_expression" => {
                n.named_child(0).is_some_and(|o| requires_runner(o, src))
            }
            _ => false,
        }
    }
    let mut declarators = Vec::new();
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "import_statement" if from_runner(n, src) => {
                for c in named_children(n) {
                    if kind(c) == "import_clause" {
                        identifiers(c, src, &mut out);
                    }
                }
            }
            "variable_declarator" | "assignment_expression" => declarators.push(n),
            _ => {}
        }
        stack.extend(named_children(n));
    }
    loop {
        let before = out.len();
        for d in &declarators {
            let (target, value) = match kind(*d) {
                "variable_declarator" => ("name", "value"),
                _ => ("left", "right"),
            };
            let (Some(t), Some(v)) = (d.field(target), d.field(value)) else {
                continue;
            };
            let root_name = chain_root(v, src).unwrap_or("");
            let runner = requires_runner(v, src)
                || (kind(v) != "call_expression"
                    && (registration_root(root_name) || out.iter().any(|a| a == root_name)));
            if runner {
                let mut names = Vec::new();
                identifiers(t, src, &mut names);
                for n in names {
                    if !out.contains(&n) {
                        out.push(n);
                    }
                }
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

/// One file's walk for [`registered_titles`].
struct TitleWalk<'a> {
    src: &'a str,
    aliases: Vec<String>,
}

/// The pieces of a title expression: a string's text, a template literal's text with its
/// substitutions unknown, `+` of such, anything else unknown.
fn title_pieces(n: Node<'_>, src: &str) -> Vec<Piece> {
    match kind(n) {
        "string" | "template_string" => {
            let mut out = Vec::new();
            for c in named_children(n) {
                if kind(c) == "string_fragment" {
                    out.push(Piece::Text(text(c, src).to_owned()));
                } else {
                    out.push(Piece::Any);
                }
            }
            out
        }
        "parenthesized_expression" => n
            .named_child(0)
            .map_or(vec![Piece::Any], |i| title_pieces(i, src)),
        "binary_expression" if n.field("operator").is_some_and(|o| text(o, src) == "+") => {
            let mut out = Vec::new();
            for side in ["left", "right"] {
                match n.field(side) {
                    Some(s) => out.extend(title_pieces(s, src)),
                    None => out.push(Piece::Any),
                }
            }
            out
        }
        _ => vec![Piece::Any],
    }
}

/// Whether a callee chain passes through a call (`describe.each(t)`, `it('x', f).timeout`).
fn chain_has_call(mut n: Node<'_>) -> bool {
    loop {
        match kind(n) {
            "call_expression" => return true,
            "member_expression" | "subscript_expression" => match n.field("object") {
                Some(o) => n = o,
                None => return false,
            },
            "parenthesized_expression" | "non_null_expression" | "await_expression" => {
                match n.named_child(0) {
                    Some(i) => n = i,
                    None => return false,
                }
            }
            _ => return false,
        }
    }
}

impl TitleWalk<'_> {
    fn registrations_in(
        &self,
        node: Node<'_>,
        levels: &mut Vec<Vec<Piece>>,
        anywhere: bool,
        out: &mut Vec<Registered>,
    ) {
        for child in named_children(node) {
            self.registrations_at(child, levels, anywhere, out);
        }
    }

    fn registrations_at(
        &self,
        node: Node<'_>,
        levels: &mut Vec<Vec<Piece>>,
        anywhere: bool,
        out: &mut Vec<Registered>,
    ) {
        let src = self.src;
        match kind(node) {
            "call_expression" => {
                let function = node.field("function");
                let Some(args) = node.field("arguments") else {
                    self.registrations_in(node, levels, anywhere, out);
                    return;
                };
                let arg_nodes = named_children(args);
                let first = arg_nodes.first().copied();
                let title_like =
                    first.is_some_and(|f| is_title(f) || kind(f) == "binary_expression");
                let with_function = arg_nodes.iter().any(|a| is_function(*a));
                // A runner's own call: `test(…)`, `test.serial(…)`, `test(macro, …)` (AVA's macro
                // titles itself), `describe.each(t)(title, …)`; through a call in its callee
                // (`it('x', f).timeout(9)`) only with a title or a callback.
                let registering = function.is_some_and(|f| {
                    chain_root(f, src).is_some_and(|r| {
                        registration_root(r) || self.aliases.iter().any(|a| a == r)
                    }) && (!chain_has_call(f) || title_like || with_function)
                });
                let titled = title_like && arg_nodes.iter().skip(1).any(|a| is_function(*a));
                if !registering && !titled {
                    if let Some(f) = function {
                        self.registrations_at(f, levels, anywhere, out);
                    }
                    self.registrations_in(args, levels, anywhere, out);
                    return;
                }
                // The callee of `describe.each(table)(…)` registers nothing itself: its
                // arguments are the table.
                if let Some(f) = function {
                    match f.field("arguments") {
                        Some(inner) if kind(f) == "call_expression" => {
                            self.registrations_in(inner, levels, anywhere, out);
                        }
                        _ => self.registrations_in(f, levels, anywhere, out),
                    }
                }
                // A title held in a variable, or none (a macro's): computed when the file runs.
                let own = match first {
                    Some(f) if !is_function(f) => title_pieces(f, src),
                    _ => vec![Piece::Any],
                };
                let mut titles = levels.clone();
                titles.push(own.clone());
                out.push(Registered { titles, anywhere });
                for a in arg_nodes {
                    if is_function(a) {
                        levels.push(own.clone());
                        if let Some(body) = a.field("body") {
                            self.registrations_at(body, levels, anywhere, out);
                        }
                        levels.pop();
                    } else {
                        self.registrations_at(a, levels, anywhere, out);
                    }
                }
            }
            "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "generator_function"
            | "arrow_function"
            | "method_definition" => {
                self.registrations_in(node, &mut Vec::new(), true, out);
            }
            _ => self.registrations_in(node, levels, anywhere, out),
        }
    }
}
