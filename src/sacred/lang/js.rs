//! JavaScript and TypeScript: `it`/`test`/`specify` calls inside `describe`/`context`/`suite`
//! blocks (Jest, Vitest, Mocha, node:test), tagged by comment, by `[sacred]` in the title, or
//! through an enclosing suite; `.only`/`fit`/`fdescribe` are recorded as focus.

use tree_sitter::Node;

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
            "member_expression" => n = n.child_by_field_name("object")?,
            "call_expression" => n = n.child_by_field_name("function")?,
            "await_expression" | "parenthesized_expression" | "non_null_expression" => {
                n = n.named_child(0)?;
            }
            _ => return None,
        }
    }
}

/// The last property of a member chain (`toBe` in `expect(x).not.toBe`), with `not.` kept.
fn last_property(member: Node<'_>, src: &str) -> String {
    let prop = member
        .child_by_field_name("property")
        .map_or("", |p| text(p, src));
    let negated = member
        .child_by_field_name("object")
        .filter(|o| kind(o) == "member_expression")
        .and_then(|o| o.child_by_field_name("property"))
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
                let f = node.child_by_field_name("function")?;
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
            && node.child_by_field_name("function").is_some_and(|f| {
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
                .child_by_field_name("function")
                .filter(|f| kind(f) == "member_expression")
                .and_then(|f| f.child_by_field_name("property"))
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
        let Some(function) = child.child_by_field_name("function") else {
            continue;
        };
        let Some(args) = child.child_by_field_name("arguments") else {
            walk(ctx, child, container, scope, sacred, around, out);
            continue;
        };
        let arg_nodes = named_children(args);
        let title = arg_nodes.first().filter(|a| is_title(**a));
        let func = arg_nodes.iter().rev().find(|a| is_function(**a)).copied();
        let (Some(title), Some(func)) = (title, func) else {
            walk(ctx, child, container, scope, sacred, around, out);
            continue;
        };
        let callee = normalized(function, src);
        let call_root = chain_root(function, src).unwrap_or("");
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
        let Some(body) = func.child_by_field_name("body") else {
            continue;
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
