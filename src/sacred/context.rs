//! The test's context object — AVA's `t`, Go's `t *testing.T`, unittest's `self`, pytest's
//! `request` — handed to a helper, and the cleanup that moves into that helper's teardown.
//!
//! `const server = await createServer();` … `await server.close();` becomes
//! `const server = await createServer(t);`, the helper registering the cleanup with
//! `t.teardown(…)` (Go: `srv := newServer(t)` with `t.Cleanup(srv.Close)` inside, instead of
//! `defer srv.Close()`). Nothing the test checks changes: the helper's body is outside every
//! fingerprint already, passing it the context lets it do nothing that editing the helper
//! could not do before, and closing a resource is not a check.
//!
//! Two readings make that so:
//! - each statement also has a fingerprint with the context left out of every call's
//!   arguments, so `createServer(t)` still matches a locked `createServer()` (adding the
//!   context is accepted; removing it is not, since the lock holds only the older text);
//! - a statement that only releases a local (`[await] x.close()`, `defer x.Close()`, with
//!   no arguments, one of [`RELEASES`]) is fingerprinted as that release, and may go when the
//!   test now binds that local by a call that is handed the context.
use crate::sacred::analysis::FieldOf as _;

use tree_sitter::Node;

use super::analysis::{is_comment, kind, named_children, text};

/// Method names that release a resource, compared without regard to case.
pub(crate) const RELEASES: &[&str] = &[
    "close",
    "destroy",
    "dispose",
    "stop",
    "shutdown",
    "terminate",
    "cleanup",
    "teardown",
    "disconnect",
    "quit",
    "release",
];

thread_local! {
    /// While set, the context's name: left out of every call's arguments.
    static DROP: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with the context `name` left out of every call's arguments.
pub(crate) fn without_context<R>(name: &str, f: impl FnOnce() -> R) -> R {
    let saved = DROP.with(|d| d.replace(Some(name.to_owned())));
    let r = f();
    DROP.with(|d| *d.borrow_mut() = saved);
    r
}

/// When the context is being left out and `node` is an argument list that passes it: the ids
/// of the nodes to skip (each such argument and one comma next to it: the one before it, or
/// else the one after).
pub(crate) fn dropped_args(node: Node<'_>, src: &str) -> Option<Vec<usize>> {
    if !matches!(kind(node), "arguments" | "argument_list") {
        return None;
    }
    DROP.with(|d| {
        let d = d.borrow();
        let name = d.as_deref()?;
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        let mut out = Vec::new();
        for (i, c) in children.iter().enumerate() {
            if kind(c) != "identifier" || text(*c, src) != name {
                continue;
            }
            out.push(c.id());
            let comma = |n: Option<&Node<'_>>| n.filter(|n| text(**n, src) == ",").map(Node::id);
            if let Some(id) = i
                .checked_sub(1)
                .and_then(|p| comma(children.get(p)))
                .filter(|id| !out.contains(id))
                .or_else(|| comma(children.get(i + 1)))
            {
                out.push(id);
            }
        }
        (!out.is_empty()).then_some(out)
    })
}

/// The name of the test's context parameter, from the function whose body `body` is: a
/// JS/TS test callback's first parameter when it is a plain name, Go's `*testing.T` (`B`,
/// `F`) parameter, Python's `self` (a method) or pytest's `request` fixture.
pub(crate) fn context_param(body: Node<'_>, src: &str) -> Option<String> {
    let function = body.parent()?;
    match kind(function) {
        "arrow_function" | "function_expression" | "function" | "generator_function" => {
            if let Some(p) = function.field("parameter") {
                return (kind(p) == "identifier").then(|| text(p, src).to_owned());
            }
            let params = function.field("parameters")?;
            let first = *named_children(params).iter().find(|c| !is_comment(**c))?;
            let name = match kind(first) {
                "identifier" => first,
                "required_parameter" => {
                    first.field("pattern").filter(|p| kind(p) == "identifier")?
                }
                _ => return None,
            };
            Some(text(name, src).to_owned())
        }
        "function_declaration" if function.field("result").is_none() => {
            let params = function.field("parameters")?;
            named_children(params).into_iter().find_map(|p| {
                let ty = text(p.field("type")?, src);
                let testing = ["*testing.T", "*testing.B", "*testing.F"];
                testing
                    .contains(&ty)
                    .then(|| p.field("name"))
                    .flatten()
                    .map(|n| text(n, src).to_owned())
            })
        }
        "function_definition" => {
            let params = function.field("parameters")?;
            let names: Vec<&str> = named_children(params)
                .into_iter()
                .filter(|p| kind(p) == "identifier")
                .map(|p| text(p, src))
                .collect();
            if names.first() == Some(&"self") {
                Some("self".to_owned())
            } else {
                names.contains(&"request").then(|| "request".to_owned())
            }
        }
        _ => None,
    }
}

/// The call an expression is, under an `await`.
fn call_of(node: Node<'_>) -> Option<Node<'_>> {
    let mut n = node;
    loop {
        match kind(n) {
            "await_expression" | "await" | "parenthesized_expression" => {
                n = *named_children(n).iter().rfind(|c| !is_comment(**c))?;
            }
            "call_expression" | "call" => return Some(n),
            _ => return None,
        }
    }
}

/// A statement that only releases a local: `[await] x.close()`, `defer x.Close()`,
/// `x.close()` (Python, also awaited), with no arguments and a method of [`RELEASES`]. Gives
/// the local and the method.
pub(crate) fn release_of<'t>(statement: Node<'t>, src: &'t str) -> Option<(Node<'t>, &'t str)> {
    if !matches!(kind(statement), "expression_statement" | "defer_statement") {
        return None;
    }
    let inner = *named_children(statement)
        .iter()
        .find(|c| !is_comment(**c))?;
    let call = call_of(inner)?;
    let function = call.field("function")?;
    let args = call.field("arguments")?;
    if named_children(args).iter().any(|c| !is_comment(*c)) {
        return None;
    }
    let (object, method) = match kind(function) {
        "member_expression" => (function.field("object")?, function.field("property")?),
        "selector_expression" => (function.field("operand")?, function.field("field")?),
        "attribute" => (function.field("object")?, function.field("attribute")?),
        _ => return None,
    };
    if kind(object) != "identifier" {
        return None;
    }
    let m = text(method, src);
    RELEASES
        .iter()
        .any(|r| r.eq_ignore_ascii_case(m))
        .then_some((object, m))
}

/// The local a statement binds by a call that is handed the context (`const x = await f(t)`,
/// `x := f(t)`, `x, err := f(t)`, `x = f(self)`).
pub(crate) fn bound_with_context<'t>(
    statement: Node<'t>,
    src: &str,
    context: &str,
) -> Option<Node<'t>> {
    let (name, value) = match kind(statement) {
        "lexical_declaration" | "variable_declaration" => {
            let d = *named_children(statement)
                .iter()
                .find(|c| kind(**c) == "variable_declarator")?;
            (d.field("name")?, d.field("value")?)
        }
        "short_var_declaration" | "assignment_statement" => {
            let left = statement.field("left")?;
            let right = statement.field("right")?;
            (
                *named_children(left).first()?,
                *named_children(right).first()?,
            )
        }
        "expression_statement" => {
            let a = *named_children(statement).first()?;
            if kind(a) != "assignment" {
                return None;
            }
            (a.field("left")?, a.field("right")?)
        }
        _ => return None,
    };
    if kind(name) != "identifier" {
        return None;
    }
    let call = call_of(value)?;
    let args = call.field("arguments")?;
    named_children(args)
        .iter()
        .any(|a| kind(a) == "identifier" && text(*a, src) == context)
        .then_some(name)
}

/// A statement that hands the context and one call to a helper, `check(t, f(x))` (Go's
/// `require.NoError(t, f(x))`, `assertNoErr(t, f(x))`): the call it wraps, which runs as
/// before (the helper only sees its result), so that it still matches a locked `f(x)`. Only
/// an expression statement: `defer check(t, f(x))` would call `f(x)` at once, no longer at
/// the end.
pub(crate) fn wrapped_call<'t>(statement: Node<'t>, src: &str, context: &str) -> Option<Node<'t>> {
    if kind(statement) != "expression_statement" {
        return None;
    }
    let inner = *named_children(statement)
        .iter()
        .find(|c| !is_comment(**c))?;
    let call = call_of(inner)?;
    let args: Vec<Node<'t>> = named_children(call.field("arguments")?)
        .into_iter()
        .filter(|c| !is_comment(*c))
        .collect();
    let [a, b] = args.as_slice() else {
        return None;
    };
    let is_context = |n: &Node<'_>| kind(*n) == "identifier" && text(*n, src) == context;
    let wrapped = match (is_context(a), is_context(b)) {
        (true, false) => *b,
        (false, true) => *a,
        _ => return None,
    };
    call_of(wrapped).map(|_| wrapped)
}

/// What a release of `receiver` (serialised) by `method` is fingerprinted as.
pub(crate) fn release_text(receiver: &str, method: &str) -> String {
    format!("<release {receiver}.{method}>")
}

/// Every release of `receiver` (serialised) [`release_of`] recognises: each method of
/// [`RELEASES`] as written in lower case and capitalised (Go).
pub(crate) fn release_texts(receiver: &str) -> Vec<String> {
    RELEASES
        .iter()
        .flat_map(|r| {
            let mut capital = r.to_string();
            capital[..1].make_ascii_uppercase();
            [release_text(receiver, r), release_text(receiver, &capital)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::sacred::rules::Rule;
    use crate::sacred::rules::testing::{rules_between, rules_with_base};

    /// A test file in one language: its path and a template whose `{SETUP}` is the binding
    /// of the server and `{RELEASE}` its release (empty when removed).
    struct Case {
        path: &'static str,
        template: &'static str,
        setup: &'static str,
        release: &'static str,
    }

    impl Case {
        fn src(&self, setup: &str, release: &str) -> String {
            self.template
                .replace("{SETUP}", setup)
                .replace("{RELEASE}", release)
        }

        /// The rules after `setup` and `release` replace the locked ones, read against the
        /// locked file as the base revision (as `check --staged` reads it: whether a Go
        /// release was deferred is read there, the lock's fingerprint does not say).
        fn rules(&self, setup: &str, release: &str) -> Vec<Rule> {
            let locked = self.src(self.setup, self.release);
            rules_with_base(self.path, &locked, &locked, &self.src(setup, release))
        }
    }

    const AVA: Case = Case {
        path: "test/total.js",
        template: "const test = require('ava');\nconst {total, createServer} = require('../billing');\n\n// gatekeeper:sacred\ntest('total', async t => {\n  {SETUP}\n  t.is(await total(server.url), 6);\n  {RELEASE}\n});\n",
        setup: "const server = await createServer({port: 0});",
        release: "await server.close();",
    };

    const AVA_TS: Case = Case {
        path: "test/total.ts",
        template: "import test, {type ExecutionContext} from 'ava';\nimport {total, createServer} from '../billing';\n\n// gatekeeper:sacred\ntest('total', async (t: ExecutionContext) => {\n  {SETUP}\n  t.is(await total(server.url), 6);\n  {RELEASE}\n});\n",
        setup: "const server = await createServer({port: 0});",
        release: "await server.close();",
    };

    const GO: Case = Case {
        path: "billing/total_test.go",
        template: "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\t{SETUP}\n\t{RELEASE}\n\tif Total(srv.URL) != 6 {\n\t\tt.Errorf(\"want 6\")\n\t}\n}\n",
        setup: "srv := newServer(8080)",
        release: "defer srv.Close()",
    };

    const UNITTEST: Case = Case {
        path: "tests/test_total.py",
        template: "import unittest\n\nfrom billing import make_server, total\n\n\nclass TestTotal(unittest.TestCase):\n    # gatekeeper:sacred\n    def test_total(self):\n        {SETUP}\n        self.assertEqual(total(server.url), 6)\n        {RELEASE}\n",
        setup: "server = make_server(port=0)",
        release: "server.close()",
    };

    const PYTEST: Case = Case {
        path: "tests/test_total.py",
        template: "from billing import make_server, total\n\n\n# gatekeeper:sacred\ndef test_total(request):\n    {SETUP}\n    assert total(server.url) == 6\n    {RELEASE}\n",
        setup: "server = make_server(port=0)",
        release: "server.close()",
    };

    /// Each language's case with the context's name, and `setup` with the context added.
    fn cases() -> Vec<(Case, &'static str)> {
        vec![
            (AVA, "const server = await createServer(t, {port: 0});"),
            (AVA_TS, "const server = await createServer(t, {port: 0});"),
            (GO, "srv := newServer(8080, t)"),
            (UNITTEST, "server = make_server(self, port=0)"),
            (PYTEST, "server = make_server(request, port=0)"),
        ]
    }

    #[test]
    fn handing_the_context_to_a_helper_is_accepted() {
        for (case, with_context) in cases() {
            let rules = case.rules(with_context, case.release);
            assert!(rules.is_empty(), "{}: {rules:?}", case.path);
        }
    }

    #[test]
    fn the_release_may_move_into_the_helper_that_is_handed_the_context() {
        for (case, with_context) in cases() {
            let rules = case.rules(with_context, "");
            assert!(rules.is_empty(), "{}: {rules:?}", case.path);
        }
    }

    /// A release that ran before a check is no cleanup: the check saw the released object
    /// (`await ledger.close()` then `t.is(ledger.total(), 5)`, found by an attack round with
    /// AVA). Dropped for the helper's teardown, which runs after the check, it is refused;
    /// so is a Go release that was not deferred.
    #[test]
    fn a_release_before_a_check_may_not_move_into_the_helper() {
        let ava = |setup: &str, release: &str| {
            format!(
                "const test = require('ava');\nconst {{total, createServer}} = require('../billing');\n\n// gatekeeper:sacred\ntest('total', async t => {{\n  {setup}\n  {release}\n  t.is(await total(server.url), 6);\n}});\n"
            )
        };
        let locked = ava(
            "const server = await createServer({port: 0});",
            "await server.close();",
        );
        let rules = rules_with_base(
            "test/total.js",
            &locked,
            &locked,
            &ava("const server = await createServer(t, {port: 0});", ""),
        );
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
        let go = |setup: &str, release: &str| {
            format!(
                "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {{\n\t{setup}\n\t{release}\n\tif Total(srv.URL) != 6 {{\n\t\tt.Errorf(\"want 6\")\n\t}}\n}}\n"
            )
        };
        let locked = go("srv := newServer(8080)", "srv.Close()");
        let rules = rules_with_base(
            "billing/total_test.go",
            &locked,
            &locked,
            &go("srv := newServer(8080, t)", ""),
        );
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
    }

    #[test]
    fn a_release_removed_without_the_context_handed_over_is_refused() {
        for (case, _) in cases() {
            let rules = case.rules(case.setup, "");
            assert!(
                rules.contains(&Rule::BodyChanged),
                "{}: {rules:?}",
                case.path
            );
        }
        // Rust has no context object: a release removed is a statement removed.
        let rust = Case {
            path: "tests/total.rs",
            template: "use billing::{start, total};\n\n// gatekeeper:sacred\n#[test]\nfn total_is_six() {\n    {SETUP}\n    assert_eq!(total(&server.url), 6);\n    {RELEASE}\n}\n",
            setup: "let server = start();",
            release: "server.close();",
        };
        assert!(rust.rules(rust.setup, "").contains(&Rule::BodyChanged));
    }

    #[test]
    fn anything_else_in_the_call_or_the_release_is_still_refused() {
        for (case, with_context) in cases() {
            // Another argument instead of the context; the context taken away again.
            let other = with_context
                .replace("(t,", "(other,")
                .replace(", t)", ", other)")
                .replace("(self,", "(other,")
                .replace("(request,", "(other,");
            assert_ne!(other, with_context);
            let rules = case.rules(&other, case.release);
            assert!(
                rules.contains(&Rule::BodyChanged),
                "{}: {rules:?}",
                case.path
            );
            let back = rules_between(
                case.path,
                &case.src(with_context, case.release),
                &case.src(case.setup, case.release),
            );
            assert!(back.contains(&Rule::BodyChanged), "{}: {back:?}", case.path);
            // Without the context handed over, a release given arguments is a changed
            // statement. (With it, the release may go, and a statement in its place after the
            // last locked one is an appended statement.)
            let with_args = case.release.replace("()", "(true)");
            let rules = case.rules(case.setup, &with_args);
            assert!(
                rules.contains(&Rule::BodyChanged),
                "{}: {rules:?}",
                case.path
            );
        }
    }

    #[test]
    fn the_context_handed_to_another_local_does_not_excuse_a_release() {
        let js = |db: &str, release: &str| {
            format!(
                "const test = require('ava');\n\n// gatekeeper:sacred\ntest('total', async t => {{\n  const server = await createServer();\n  const db = await openDb({db});\n  t.is(await total(server.url, db), 6);\n  {release}\n}});\n"
            )
        };
        let rules = rules_between(
            "test/total.js",
            &js("", "await server.close();"),
            &js("t", ""),
        );
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
        let go = |db: &str, release: &str| {
            format!(
                "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {{\n\tsrv := newServer()\n\t{release}\n\tdb := openDB({db})\n\tif Total(srv.URL, db) != 6 {{\n\t\tt.Errorf(\"want 6\")\n\t}}\n}}\n"
            )
        };
        let rules = rules_between(
            "billing/total_test.go",
            &go("", "defer srv.Close()"),
            &go("t", ""),
        );
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
        // The same edits with the context handed to the server's helper pass (read against
        // the base revision, where the release is seen deferred).
        let locked = go("", "defer srv.Close()");
        assert!(
            rules_with_base(
                "billing/total_test.go",
                &locked,
                &locked,
                &go("", "").replace("newServer()", "newServer(t)"),
            )
            .is_empty()
        );
    }

    /// A test whose first statement is `stmt`, in each language that has a context.
    fn wrapping(stmt_old: &str, stmt_new: &str) -> Vec<(&'static str, Vec<Rule>)> {
        let go = |s: &str| {
            format!(
                "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {{\n\t{s}\n\tif Total(srv.URL) != 6 {{\n\t\tt.Errorf(\"want 6\")\n\t}}\n}}\n"
            )
        };
        let js = |s: &str| {
            format!(
                "const test = require('ava');\n\n// gatekeeper:sacred\ntest('total', async t => {{\n  {s};\n  t.is(await total(srv.url), 6);\n}});\n"
            )
        };
        let ts = |s: &str| {
            format!(
                "import test from 'ava';\n\n// gatekeeper:sacred\ntest('total', async (t) => {{\n  {s};\n  t.is(await total(srv.url), 6);\n}});\n"
            )
        };
        let py = |s: &str| {
            format!(
                "import unittest\n\n\nclass TestTotal(unittest.TestCase):\n    # gatekeeper:sacred\n    def test_total(self):\n        {s}\n        self.assertEqual(total(srv.url), 6)\n"
            )
        };
        let self_for_t = |s: &str| s.replace("(t,", "(self,").replace(", t)", ", self)");
        vec![
            (
                "billing/total_test.go",
                rules_between("billing/total_test.go", &go(stmt_old), &go(stmt_new)),
            ),
            (
                "test/total.js",
                rules_between("test/total.js", &js(stmt_old), &js(stmt_new)),
            ),
            (
                "test/total.ts",
                rules_between("test/total.ts", &ts(stmt_old), &ts(stmt_new)),
            ),
            (
                "tests/test_total.py",
                rules_between(
                    "tests/test_total.py",
                    &py(stmt_old),
                    &py(&self_for_t(stmt_new)),
                ),
            ),
        ]
    }

    #[test]
    fn a_call_handed_to_a_helper_with_the_context_is_accepted() {
        for new in [
            "assertNoErr(t, srv.start(8080))",
            "check(srv.start(8080), t)",
        ] {
            for (path, rules) in wrapping("srv.start(8080)", new) {
                assert!(rules.is_empty(), "{path}: {new}: {rules:?}");
            }
        }
    }

    #[test]
    fn a_call_wrapped_otherwise_is_refused() {
        for new in [
            // No context, another call, a third argument, the call's result not passed.
            "check(srv.start(8080))",
            "assertNoErr(t, srv.start(9090))",
            "assertNoErr(t, srv.start(8080), 1)",
            "assertNoErr(t, srv.start)",
        ] {
            for (path, rules) in wrapping("srv.start(8080)", new) {
                assert!(
                    rules.contains(&Rule::BodyChanged),
                    "{path}: {new}: {rules:?}"
                );
            }
        }
        // Go's `defer` evaluates the arguments at once: `f(x)` would no longer run last.
        let go = |s: &str| {
            format!(
                "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {{\n\t{s}\n\tif Total(srv.URL) != 6 {{\n\t\tt.Errorf(\"want 6\")\n\t}}\n}}\n"
            )
        };
        let rules = rules_between(
            "billing/total_test.go",
            &go("defer srv.Stop(1)"),
            &go("defer check(t, srv.Stop(1))"),
        );
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
    }

    #[test]
    fn a_renamed_release_method_is_refused() {
        for (case, _) in cases() {
            let renamed = case.release.replace("lose", "leanup");
            let rules = case.rules(case.setup, &renamed);
            assert!(
                rules.contains(&Rule::BodyChanged),
                "{}: {rules:?}",
                case.path
            );
        }
    }

    /// Each language's test with the release nested in a statement (`{RELEASE}`), and its
    /// setup with and without the context handed over.
    fn nested() -> Vec<(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    )> {
        vec![
            (
                "test/total.js",
                "const test = require('ava');\nconst {total, createServer} = require('../billing');\n\n// gatekeeper:sacred\ntest('total', async t => {\n  const log = [];\n  {SETUP}\n  try {\n    t.is(await total(server.url), 6);\n  } finally {\n    log.push('done');\n    {RELEASE}\n  }\n});\n",
                "const server = await createServer({port: 0});",
                "const server = await createServer(t, {port: 0});",
                "await server.close();",
            ),
            (
                "test/total.ts",
                "import test, {type ExecutionContext} from 'ava';\nimport {total, createServer} from '../billing';\n\n// gatekeeper:sacred\ntest('total', async (t: ExecutionContext) => {\n  const log: string[] = [];\n  {SETUP}\n  if (!supported) {\n    log.push('done');\n    await total(server.url);\n    {RELEASE}\n    t.pass();\n    return;\n  }\n  t.is(await total(server.url), 6);\n});\n",
                "const server = await createServer();",
                "const server = await createServer(t);",
                "await server.close();",
            ),
            (
                "billing/total_test.go",
                "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tvar log []string\n\t{SETUP}\n\tif Total(srv.URL) != 6 {\n\t\tt.Errorf(\"want 6\")\n\t}\n\tif srv != nil {\n\t\tlog = append(log, \"done\")\n\t\t{RELEASE}\n\t}\n}\n",
                "srv := newServer(8080)",
                "srv := newServer(8080, t)",
                "srv.Close()",
            ),
            (
                "tests/test_total.py",
                "import unittest\n\nfrom billing import make_server, total\n\n\nclass TestTotal(unittest.TestCase):\n    # gatekeeper:sacred\n    def test_total(self):\n        log = []\n        {SETUP}\n        try:\n            self.assertEqual(total(server.url), 6)\n        finally:\n            log.append(\"done\")\n            {RELEASE}\n",
                "server = make_server(port=0)",
                "server = make_server(self, port=0)",
                "server.close()",
            ),
            (
                "tests/test_total.py",
                "from billing import make_server, total\n\n\n# gatekeeper:sacred\ndef test_total(request):\n    log = []\n    {SETUP}\n    try:\n        assert total(server.url) == 6\n    finally:\n        log.append(\"done\")\n        {RELEASE}\n",
                "server = make_server(port=0)",
                "server = make_server(request, port=0)",
                "server.close()",
            ),
        ]
    }

    /// The rules for the nested case after `setup` and `release` (a check reads the base
    /// revision, which is the locked file here).
    fn nested_rules(
        template: &str,
        path: &str,
        locked: (&str, &str),
        now: (&str, &str),
    ) -> Vec<Rule> {
        let src = |(setup, release): (&str, &str)| {
            template
                .replace("{SETUP}", setup)
                .replace("{RELEASE}", release)
        };
        let old = src(locked);
        crate::sacred::rules::testing::rules_with_base(path, &old, &old, &src(now))
    }

    #[test]
    fn a_nested_release_may_move_into_the_helper_that_is_handed_the_context() {
        // ky: `await server.close()` inside `if (!supportsBytes) {…}` and a `finally`.
        for (path, template, setup, with_context, release) in nested() {
            let rules = nested_rules(template, path, (setup, release), (with_context, ""));
            assert!(rules.is_empty(), "{path}: {rules:?}");
        }
    }

    #[test]
    fn a_nested_release_removed_without_the_context_handed_over_is_refused() {
        for (path, template, setup, with_context, release) in nested() {
            let rules = nested_rules(template, path, (setup, release), (setup, ""));
            assert!(rules.contains(&Rule::BodyChanged), "{path}: {rules:?}");
            // Anything else changed in the statement that held it is still a change.
            assert!(template.contains("done"), "{path}");
            let old = template
                .replace("{SETUP}", setup)
                .replace("{RELEASE}", release);
            let new = template
                .replace("{SETUP}", with_context)
                .replace("{RELEASE}", "")
                .replace("done", "ended");
            let rules = crate::sacred::rules::testing::rules_with_base(path, &old, &old, &new);
            assert!(rules.contains(&Rule::BodyChanged), "{path}: {rules:?}");
        }
    }
}
