//! Python code that runs while a module is imported in ways the name-based reading of
//! [`super::bindings`] cannot follow: a reflective or code-loading call (`setattr`,
//! `pickle.loads`, `exec` under another name), the module's own code handed to a call
//! (`sys.setprofile(_hook)`, `map(_patch, …)`), a call through an alias of another name
//! (`_b = billing` then `setattr(_b, …)`), a dunder called by hand (`patcher.__enter__()`), a
//! decorator or base that is not a plain name (`@(lambda f: …)`, an instance whose
//! `__call__` or `__mro_entries__` runs), a `with` block at the top (its `__enter__` runs),
//! and a module-level `__getattr__` (the runners call it while they look up `setUpModule`,
//! `load_tests` or `pytestmark`).
//!
//! Each statement holding one is a hazard: it may change anything any test of the module
//! reads, so it is locked with every test there (a binding `runs at import (REASON): TEXT`)
//! and with every test importing the module; as written at the locked revision it passes,
//! and new or changed it is refused. Function bodies are not read here: they run when
//! called, which the effects of [`super::bindings::python_module_effects`] follow.
use crate::sacred::analysis::FieldOf as _;

use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::Node;

use super::analysis::{kind, named_children, text};
use super::bindings::field_text;

/// Names whose mere presence in code run at import may reach anything: reflective writes,
/// code loaders, interpreter hooks and the frame and namespace back doors.
const DANGER_WORDS: &[&str] = &[
    "setattr",
    "delattr",
    "__setattr__",
    "__delattr__",
    "__code__",
    "__class__",
    "__dict__",
    "__globals__",
    "__builtins__",
    "__self__",
    "__func__",
    "__defaults__",
    "__kwdefaults__",
    "__closure__",
    "builtins",
    "exec",
    "eval",
    "__import__",
    "import_module",
    "globals",
    "vars",
    "locals",
    "pickle",
    "cPickle",
    "marshal",
    "loads",
    "ctypes",
    "setprofile",
    "settrace",
    "addaudithook",
    "meta_path",
    "path_hooks",
    "path_importer_cache",
    "f_locals",
    "f_globals",
    "_getframe",
    "currentframe",
    "excepthook",
];

/// Modules whose names, imported under any alias, load or rewrite code.
const DANGER_MODULES: &[&str] = &[
    "builtins",
    "importlib",
    "pickle",
    "_pickle",
    "marshal",
    "shelve",
    "ctypes",
    "gc",
    "copyreg",
    "atexit",
    "code",
    "codeop",
    "runpy",
    "dill",
    "cloudpickle",
];

/// Callees that only store what they are handed (pytest's `param` and marks).
fn stores_only(callee: &str) -> bool {
    callee == "pytest.param" || callee.starts_with("pytest.mark.")
}

/// What the module binds at its top, as far as hazards go.
#[derive(Default)]
struct Context {
    /// Names bound to the module's own code: `def`, `class`, a `lambda`, an instance of one
    /// of its classes or a value one of its functions returns (`_d = _D()`).
    code: BTreeSet<String>,
    /// Of those, the plain definitions (`def`, `class`).
    definitions: BTreeSet<String>,
    /// Names bound to another name or an expression over one (`_b = billing`, `x = a if c
    /// else b`): an alias of what the reading does not follow.
    aliases: BTreeSet<String>,
    /// Names bound to a record type made by a factory that only stores what its instances
    /// are handed (`EchoViaPagerTest = namedtuple(…)`).
    records: BTreeSet<String>,
    /// Names imported from [`DANGER_MODULES`] or imported under another name from anywhere
    /// when the name imported is a [`DANGER_WORDS`] one (`from builtins import exec as run`).
    danger: BTreeSet<String>,
}

/// The statements of a Python module (`root`) that hold a hazard, each with the reason, in
/// source order.
pub(crate) fn python_import_hazards<'t>(
    root: Node<'t>,
    src: &str,
) -> Vec<(Node<'t>, &'static str)> {
    let cx = context(root, src);
    let mut out = Vec::new();
    block(root, src, &cx, true, &mut out);
    out
}

fn context(root: Node<'_>, src: &str) -> Context {
    let mut cx = Context::default();
    let mut assignments: Vec<(BTreeSet<String>, Node<'_>)> = Vec::new();
    let mut stack = vec![root];
    while let Some(b) = stack.pop() {
        for n in named_children(b) {
            let def = if kind(n) == "decorated_definition" {
                n.field("definition").unwrap_or(n)
            } else {
                n
            };
            match kind(def) {
                "function_definition" | "class_definition" => {
                    if let Some(name) = def.field("name") {
                        cx.code.insert(text(name, src).to_owned());
                        cx.definitions.insert(text(name, src).to_owned());
                    }
                }
                "import_statement" => {
                    for c in named_children(def) {
                        if kind(c) == "aliased_import"
                            && let (Some(m), Some(a)) = (c.field("name"), c.field("alias"))
                            && danger_module(text(m, src))
                        {
                            cx.danger.insert(text(a, src).to_owned());
                        }
                    }
                }
                "import_from_statement" => {
                    let module = def.field("module_name").map_or("", |m| text(m, src));
                    for c in named_children(def) {
                        if Some(c.id()) == def.field("module_name").map(|m| m.id()) {
                            continue;
                        }
                        let (name, bound) = match kind(c) {
                            "aliased_import" => (
                                c.field("name").map(|x| text(x, src)),
                                c.field("alias").map(|x| text(x, src)),
                            ),
                            "dotted_name" => (Some(text(c, src)), Some(text(c, src))),
                            _ => (None, None),
                        };
                        if let (Some(name), Some(bound)) = (name, bound)
                            && (danger_module(module) || DANGER_WORDS.contains(&name))
                        {
                            cx.danger.insert(bound.to_owned());
                        }
                    }
                }
                "expression_statement" => {
                    for a in named_children(def) {
                        if kind(a) == "assignment"
                            && let (Some(l), Some(r)) = (a.field("left"), a.field("right"))
                        {
                            let mut targets = BTreeSet::new();
                            plain_targets(l, src, &mut targets);
                            assignments.push((targets, r));
                        }
                    }
                }
                // Statements nested in `if`/`try`/`with`/`for` bind at the top too.
                "if_statement" | "try_statement" | "with_statement" | "for_statement"
                | "while_statement" | "block" | "else_clause" | "elif_clause" | "except_clause"
                | "finally_clause" => stack.push(def),
                _ => {}
            }
        }
    }
    // An alias: anything but a literal or a call (a call's result is read where it is
    // called); the module's code: a lambda, or a call of the module's code, to a fixpoint.
    loop {
        let before = cx.code.len() + cx.aliases.len();
        for (targets, value) in &assignments {
            let value = unparenthesized(*value);
            match kind(value) {
                "lambda" => cx.code.extend(targets.iter().cloned()),
                "call" => {
                    let callee = value.field("function");
                    if callee.is_some_and(|f| {
                        let t = text(f, src);
                        let last = t.rsplit('.').next().unwrap_or(t);
                        matches!(last, "namedtuple" | "NamedTuple" | "make_dataclass")
                    }) {
                        cx.records.extend(targets.iter().cloned());
                        continue;
                    }
                    let root = callee.and_then(|f| root_name(f, src));
                    if root.is_some_and(|r| cx.code.contains(r) || cx.aliases.contains(r)) {
                        cx.code.extend(targets.iter().cloned());
                    }
                }
                // A name, an attribute, an item or a choice among them (`_b = billing`,
                // `x = a if c else b`); a container is read where its items are used.
                "identifier"
                | "attribute"
                | "subscript"
                | "conditional_expression"
                | "boolean_operator"
                | "named_expression" => {
                    cx.aliases.extend(targets.iter().cloned());
                }
                _ => {}
            }
        }
        if cx.code.len() + cx.aliases.len() == before {
            break;
        }
    }
    cx
}

/// The names an assignment target binds itself (`a`, `a, b`, `[a, *b]`), not the objects
/// whose attributes or items it sets (`enum` of `enum.StrEnum = …`).
fn plain_targets(n: Node<'_>, src: &str, out: &mut BTreeSet<String>) {
    match kind(n) {
        "identifier" => {
            out.insert(text(n, src).to_owned());
        }
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "list_splat_pattern"
        | "parenthesized_expression"
        | "expression_list"
        | "tuple"
        | "list" => {
            for c in named_children(n) {
                plain_targets(c, src, out);
            }
        }
        _ => {}
    }
}

fn danger_module(module: &str) -> bool {
    let first = module.split('.').next().unwrap_or(module);
    DANGER_MODULES.contains(&first) || module == "unittest.mock" || first == "mock"
}

fn unparenthesized(n: Node<'_>) -> Node<'_> {
    let mut n = n;
    while kind(n) == "parenthesized_expression" {
        match named_children(n).into_iter().next() {
            Some(x) => n = x,
            None => break,
        }
    }
    n
}

/// The name a dotted name or a call chain starts from (`a` of `a.b.c`, of `a.b()`), when it
/// starts from one.
fn root_name<'s>(n: Node<'_>, src: &'s str) -> Option<&'s str> {
    let mut n = unparenthesized(n);
    loop {
        match kind(n) {
            "identifier" => return Some(text(n, src)),
            "attribute" => n = n.field("object")?,
            "subscript" => n = n.field("value")?,
            _ => return None,
        }
    }
}

/// Calls `f` with each identifier under `n` that names a value: not the attribute of an
/// `a.b`, not a keyword argument's name.
fn identifiers(n: Node<'_>, src: &str, f: &mut dyn FnMut(&str)) {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if kind(x) == "identifier" {
            let p = x.parent();
            let member = p.is_some_and(|p| {
                kind(p) == "attribute" && p.field("attribute").is_some_and(|a| a.id() == x.id())
            });
            let keyword = p.is_some_and(|p| {
                kind(p) == "keyword_argument" && p.field("name").is_some_and(|a| a.id() == x.id())
            });
            if !member && !keyword {
                f(text(x, src));
            }
        }
        stack.extend(named_children(x));
    }
}

/// [`identifiers`] handed on as values: not the callees of the calls inside (`f` of
/// `skipIf(not f(), …)` is called there, which the module's effects follow), but what those
/// calls are handed.
fn handed_names(n: Node<'_>, src: &str, f: &mut dyn FnMut(&str)) {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if kind(x) == "call" {
            stack.extend(x.field("arguments"));
            continue;
        }
        if kind(x) == "identifier" {
            identifiers(x, src, f);
            continue;
        }
        if kind(x) == "attribute" {
            stack.extend(x.field("object"));
            continue;
        }
        if kind(x) == "keyword_argument" {
            stack.extend(x.field("value"));
            continue;
        }
        stack.extend(named_children(x));
    }
}

/// The statements of a block run at import (the module, a class body, the branches of a
/// compound statement at the top).
fn block<'t>(
    b: Node<'t>,
    src: &str,
    cx: &Context,
    top: bool,
    out: &mut Vec<(Node<'t>, &'static str)>,
) {
    for n in named_children(b) {
        let def = if kind(n) == "decorated_definition" {
            n.field("definition").unwrap_or(n)
        } else {
            n
        };
        let mut reason = None;
        if kind(n) == "decorated_definition" {
            for d in named_children(n)
                .into_iter()
                .filter(|d| kind(*d) == "decorator")
            {
                let Some(e) = named_children(d)
                    .into_iter()
                    .find(|c| !super::analysis::is_comment(*c))
                else {
                    continue;
                };
                reason = reason
                    .or_else(|| decorator(e, src, cx))
                    .or_else(|| expression(e, src, cx));
            }
        }
        match kind(def) {
            "function_definition" => {
                let name = def.field("name").map_or("", |x| text(x, src));
                if top && matches!(name, "__getattr__" | "__dir__") {
                    reason = reason.or(Some("a module-level __getattr__"));
                }
                for p in def
                    .field("parameters")
                    .map(named_children)
                    .unwrap_or_default()
                {
                    for field in ["value", "type"] {
                        if let Some(v) = p.field(field) {
                            reason = reason.or_else(|| expression(v, src, cx));
                        }
                    }
                }
                if let Some(r) = def.field("return_type") {
                    reason = reason.or_else(|| expression(r, src, cx));
                }
                push(n, reason, out);
            }
            "class_definition" => {
                if let Some(bases) = def.field("superclasses") {
                    for base in named_children(bases) {
                        reason = reason
                            .or_else(|| class_base(base, src, cx))
                            .or_else(|| expression(base, src, cx));
                    }
                }
                push(n, reason, out);
                if let Some(body) = def.field("body") {
                    block(body, src, cx, false, out);
                }
            }
            "if_statement"
                if top
                    && def.field("condition").is_some_and(|c| {
                        super::bindings::is_main_guard(&super::analysis::normalized(c, src))
                    }) => {}
            // `with X:` calls `X.__enter__`: an object of the module's own code (`with
            // _CM():`) or reached through an alias runs what nothing here reads.
            "with_statement"
                if with_items(def).into_iter().any(|item| {
                    let callee = if kind(item) == "call" {
                        item.field("function")
                    } else {
                        Some(item)
                    };
                    callee.is_none_or(|c| {
                        !dotted(c)
                            || root_name(c, src)
                                .is_some_and(|r| cx.code.contains(r) || cx.aliases.contains(r))
                    })
                }) =>
            {
                push(
                    n,
                    Some("a with block entering the module's own object"),
                    out,
                );
            }
            "with_statement" | "if_statement" | "try_statement" | "for_statement"
            | "while_statement" | "match_statement" | "else_clause" | "elif_clause"
            | "except_clause" | "finally_clause" | "case_clause" | "block" => {
                // The header: everything but the nested blocks.
                let mut r = None;
                for c in named_children(def) {
                    if !matches!(
                        kind(c),
                        "block"
                            | "else_clause"
                            | "elif_clause"
                            | "except_clause"
                            | "finally_clause"
                            | "case_clause"
                            | "comment"
                    ) {
                        r = r.or_else(|| expression(c, src, cx));
                    }
                }
                if let Some(r) = r {
                    push(n, Some(r), out);
                } else {
                    block(def, src, cx, top, out);
                }
            }
            "comment"
            | "import_statement"
            | "import_from_statement"
            | "future_import_statement" => {}
            _ => {
                reason = reason.or_else(|| expression(def, src, cx));
                push(n, reason, out);
            }
        }
    }
}

/// The values a `with` statement enters (`open(p)` of `with open(p) as f, lock:`).
fn with_items(with: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    for c in named_children(with) {
        if kind(c) != "with_clause" {
            continue;
        }
        for item in named_children(c) {
            if kind(item) != "with_item" {
                continue;
            }
            if let Some(v) = item.field("value") {
                // `open(p) as f` is an `as_pattern` around the value.
                let v = if kind(v) == "as_pattern" {
                    named_children(v).into_iter().next().unwrap_or(v)
                } else {
                    v
                };
                out.push(unparenthesized(v));
            }
        }
    }
    out
}

fn push<'t>(n: Node<'t>, reason: Option<&'static str>, out: &mut Vec<(Node<'t>, &'static str)>) {
    if let Some(r) = reason {
        out.push((n, r));
    }
}

/// A decorator other than a plain name, dotted name or call of one (`@(lambda f: …)`,
/// `@handlers[0]`), or one reached through an alias or an instance of the module's own
/// code (`@_d` under `_d = _D()`: its `__call__` runs).
fn decorator(e: Node<'_>, src: &str, cx: &Context) -> Option<&'static str> {
    let callee = if kind(e) == "call" {
        e.field("function")?
    } else {
        e
    };
    if !dotted(callee) {
        return Some("a decorator that is not a name");
    }
    let root = root_name(callee, src)?;
    ((cx.code.contains(root) && !cx.definitions.contains(root)) || cx.aliases.contains(root))
        .then_some("a decorator bound to an object of the module")
}

/// A base class other than a name, a dotted name or a subscript of one (`Generic[T]`), or
/// one reached through an alias or an instance (`__mro_entries__` runs).
fn class_base(base: Node<'_>, src: &str, cx: &Context) -> Option<&'static str> {
    if kind(base) == "keyword_argument" {
        return None;
    }
    let head = if kind(base) == "subscript" {
        base.field("value")?
    } else {
        base
    };
    if !dotted(head) {
        return Some("a base that is not a name");
    }
    let root = root_name(head, src)?;
    ((cx.code.contains(root) && !cx.definitions.contains(root)) || cx.aliases.contains(root))
        .then_some("a base bound to an object of the module")
}

/// A name or a dotted name (`a`, `a.b.c`).
fn dotted(n: Node<'_>) -> bool {
    match kind(n) {
        "identifier" => true,
        "attribute" => n.field("object").is_some_and(dotted),
        _ => false,
    }
}

/// The first hazard in an expression (or simple statement) evaluated at import, not inside
/// the bodies of the lambdas it makes unless they are handed to a call.
fn expression(e: Node<'_>, src: &str, cx: &Context) -> Option<&'static str> {
    let mut stack = vec![(e, false)];
    while let Some((n, handed)) = stack.pop() {
        match kind(n) {
            _ if python_setter_as_value(n, src) => {
                return Some("a process-wide setter handed on as a value");
            }
            "identifier" => {
                let t = text(n, src);
                if DANGER_WORDS.contains(&t) {
                    return Some("a reflective or code-loading name");
                }
                if cx.danger.contains(t) {
                    return Some("a name imported from a code-loading module");
                }
                continue;
            }
            "string" | "concatenated_string" => {
                let t = text(n, src);
                if handed
                    && DANGER_WORDS
                        .iter()
                        .any(|w| w.starts_with("__") && t.contains(w))
                {
                    return Some("a string naming a reflective attribute");
                }
                if super::bindings::plain_string(n) {
                    continue;
                }
            }
            "call"
                if n.field("function").is_some_and(|f| {
                    let q = python_qualified_callee(&compact_text(f, src), n, src);
                    python_process_setter(&q) && !python_process_query(n, src)
                }) =>
            {
                return Some("a process-wide setting changed as the module is imported");
            }
            // Runs later, unless a call it is handed to runs it now (`sorted(key=…)`).
            "lambda" if !handed => continue,
            "function_definition" | "class_definition" => continue,
            "call" => {
                let function = n.field("function");
                if let Some(f) = function {
                    if let Some(r) = root_name(f, src)
                        && cx.aliases.contains(r)
                    {
                        return Some("a call through an alias");
                    }
                    if kind(f) == "attribute"
                        && f.field("attribute").is_some_and(|a| {
                            let a = text(a, src);
                            a.len() > 4 && a.starts_with("__") && a.ends_with("__")
                        })
                    {
                        return Some("a special method called by hand");
                    }
                }
                let callee: String = function
                    .map(|f| text(f, src).split_whitespace().collect())
                    .unwrap_or_default();
                // A function or class of the module is read where it is defined (what it
                // does with what it is handed is its own effect).
                let own = function
                    .and_then(|f| root_name(f, src))
                    .is_some_and(|r| cx.definitions.contains(r) || cx.records.contains(r));
                if let Some(args) = n.field("arguments")
                    && !stores_only(&callee)
                    && !own
                {
                    let mut hit = None;
                    handed_names(args, src, &mut |t| {
                        if hit.is_none() && (cx.code.contains(t) || cx.aliases.contains(t)) {
                            hit = Some(if cx.code.contains(t) {
                                "the module's own code handed to a call"
                            } else {
                                "an alias handed to a call"
                            });
                        }
                    });
                    if hit.is_some() {
                        return hit;
                    }
                    if let Some(f) = function {
                        stack.push((f, false));
                    }
                    for a in named_children(args) {
                        stack.push((a, true));
                    }
                    continue;
                }
            }
            _ => {}
        }
        for c in named_children(n) {
            stack.push((c, handed));
        }
    }
    None
}

/// What a Python module runs at its top, outside its functions and classes and a `__main__`
/// guard (blocks of `if`, `try`, `with` and loops included): each import as `(module, bound
/// name)` (`import a.b` binds `a` from `a.b`, `from m import x as y` binds `y` from `m`), and
/// each expression or `del` statement.
fn python_top_level<'t>(root: Node<'t>, src: &str) -> (Vec<(String, String)>, Vec<Node<'t>>) {
    let mut imports = Vec::new();
    let mut statements = Vec::new();
    let mut stack = vec![root];
    while let Some(b) = stack.pop() {
        for n in named_children(b) {
            match kind(n) {
                "import_statement" => {
                    for c in named_children(n) {
                        let (module, bound) = match kind(c) {
                            "aliased_import" => (
                                c.field("name").map(|x| text(x, src)),
                                c.field("alias").map(|x| text(x, src)),
                            ),
                            "dotted_name" => {
                                let t = text(c, src);
                                (Some(t), Some(t.split('.').next().unwrap_or(t)))
                            }
                            _ => (None, None),
                        };
                        if let (Some(m), Some(b)) = (module, bound) {
                            imports.push((m.to_owned(), b.to_owned()));
                        }
                    }
                }
                "import_from_statement" => {
                    let module_node = n.field("module_name");
                    let module = module_node.map_or("", |m| text(m, src));
                    for c in named_children(n) {
                        if Some(c.id()) == module_node.map(|m| m.id()) {
                            continue;
                        }
                        let bound = match kind(c) {
                            "aliased_import" => c.field("alias"),
                            "dotted_name" => Some(c),
                            _ => None,
                        };
                        if let Some(b) = bound {
                            imports.push((module.to_owned(), text(b, src).to_owned()));
                        }
                    }
                }
                "if_statement"
                    if n.field("condition").is_some_and(|c| {
                        super::bindings::is_main_guard(&super::analysis::normalized(c, src))
                    }) => {}
                "if_statement" | "try_statement" | "with_statement" | "for_statement"
                | "while_statement" | "block" | "else_clause" | "elif_clause" | "except_clause"
                | "finally_clause" => stack.push(n),
                "expression_statement" | "delete_statement" => statements.push(n),
                _ => {}
            }
        }
    }
    (imports, statements)
}

/// Python getters that hand back an object that exists (`getattr(billing, "pay")`,
/// `importlib.import_module("billing.pay")`, `vars(billing)`, `type(case)`): a local bound to
/// what one returns is that object, not one the function made.
const PYTHON_EXISTING_GETTERS: &[&str] = &[
    "getattr",
    "vars",
    "globals",
    "locals",
    "type",
    "import_module",
    "__import__",
    "reload",
    "getmodule",
    "_getframe",
    "currentframe",
    "__getattribute__",
    // What the process shares (`ctx = decimal.getcontext(); ctx.rounding = …` changes the
    // context every later test computes with).
    "getcontext",
    "get_event_loop",
    "get_running_loop",
    "get_event_loop_policy",
    "current_thread",
    "main_thread",
];

/// Whether a Python value may be an object that exists rather than one made where it is
/// written: a name, an attribute, an item; what a getter of
/// [`PYTHON_EXISTING_GETTERS`] (or `sys.modules.get(…)`, or a call's result called,
/// `attrgetter("pay")(billing)`) returns; an operand of `or`, `and`, `… if … else …` or
/// `await` that may be one (`billing or None` is `billing`).
fn python_may_alias(v: Node<'_>, src: &str) -> bool {
    let v = unparenthesized(v);
    match kind(v) {
        "identifier" | "attribute" | "subscript" => true,
        "boolean_operator" | "conditional_expression" | "await" => named_children(v)
            .into_iter()
            .any(|c| python_may_alias(c, src)),
        "call" => {
            let Some(f) = v.field("function") else {
                return true;
            };
            if kind(unparenthesized(f)) == "call" {
                return true;
            }
            let callee: String = text(f, src).split_whitespace().collect();
            let last = callee.rsplit('.').next().unwrap_or("");
            PYTHON_EXISTING_GETTERS.contains(&last) || callee.ends_with("modules.get")
        }
        _ => false,
    }
}

/// The module-level function named `name` of the Python file that holds `at` (decorated or
/// not), when the file defines one by that name.
/// Each call of a file asks: the file's functions are listed once per file text (by name,
/// the first of each name, with its place), and the tree is walked only for one it has.
fn python_module_function<'t>(at: Node<'t>, name: &str, src: &str) -> Option<Node<'t>> {
    let functions = by_file(&PYTHON_MODULE_FUNCTIONS, src, || {
        let mut found: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for def in python_module_functions(tree_root(at)) {
            if let Some(n) = def.field("name") {
                found
                    .entry(text(n, src).to_owned())
                    .or_insert((def.start_byte(), def.end_byte()));
            }
        }
        found
    });
    let &(start, end) = functions.get(name)?;
    let root = tree_root(at);
    root.descendant_for_byte_range(start, end)
        .filter(|d| kind(*d) == "function_definition" && d.byte_range() == (start..end))
        // Never the case (a function's children do not span it): read the file again.
        .or_else(|| {
            python_module_functions(root)
                .into_iter()
                .find(|def| def.field("name").is_some_and(|n| text(n, src) == name))
        })
}

/// The module-level functions of a Python file (decorated or not), in order.
fn python_module_functions(root: Node<'_>) -> Vec<Node<'_>> {
    named_children(root)
        .into_iter()
        .filter_map(|top| {
            let def = super::analysis::undecorated(top)?;
            (kind(def) == "function_definition").then_some(def)
        })
        .collect()
}

/// Whether a Python function may return an object that exists rather than one it made: a
/// `return` of a name, an attribute or an item (`return billing`, `return mods[0]`, a
/// parameter), unless the name is a local it binds once, to a value it made (`t = Till();
/// return t`). Functions and lambdas it holds are not read.
fn python_returns_existing(def: Node<'_>, src: &str) -> bool {
    python_returns_existing_within(def, src, 8)
}

/// [`python_returns_existing`], following a `return` of a call of another function of the
/// module (`return _inner()`) `depth` functions deep; deeper, it may.
fn python_returns_existing_within(def: Node<'_>, src: &str, depth: usize) -> bool {
    let Some(body) = def.field("body") else {
        return false;
    };
    // `f()` of a function of the module that may return one.
    let of_a_function = |v: Node<'_>| {
        let v = unparenthesized(v);
        kind(v) == "call"
            && v.field("function")
                .map(unparenthesized)
                .filter(|f| kind(*f) == "identifier")
                .and_then(|f| python_module_function(def, text(f, src), src))
                .is_some_and(|g| depth == 0 || python_returns_existing_within(g, src, depth - 1))
    };
    let mut returns: Vec<Node<'_>> = Vec::new();
    // Each name with the values it is bound to.
    let mut bound: BTreeMap<String, Vec<Node<'_>>> = BTreeMap::new();
    let mut other_binders: BTreeSet<String> = BTreeSet::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "function_definition" | "class_definition" | "lambda" => {
                if let Some(name) = n.field("name") {
                    other_binders.insert(text(name, src).to_owned());
                }
                continue;
            }
            "return_statement" => {
                if let Some(v) = named_children(n).into_iter().next() {
                    returns.push(v);
                }
            }
            "assignment" | "augmented_assignment" => {
                if let (Some(l), Some(r)) = (n.field("left").map(unparenthesized), n.field("right"))
                {
                    if kind(l) == "identifier" && kind(n) == "assignment" {
                        bound.entry(text(l, src).to_owned()).or_default().push(r);
                    } else {
                        other_binders.extend(python_target_names(l, src));
                    }
                }
            }
            "for_statement"
            | "as_pattern"
            | "named_expression"
            | "global_statement"
            | "nonlocal_statement"
            | "import_statement"
            | "import_from_statement" => {
                identifiers(n, src, &mut |name| {
                    other_binders.insert(name.to_owned());
                });
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    let params: BTreeSet<String> = super::bindings::python_parameters(def, src)
        .into_iter()
        .collect();
    returns.into_iter().any(|v| {
        let v = unparenthesized(v);
        if of_a_function(v) {
            return true;
        }
        if !python_may_alias(v, src) {
            return false;
        }
        if kind(v) != "identifier" {
            return true;
        }
        let name = text(v, src);
        let made = bound.get(name).is_some_and(|values| {
            values.len() == 1 && !python_may_alias(values[0], src) && !of_a_function(values[0])
        });
        !made || params.contains(name) || other_binders.contains(name)
    })
}

/// Whether a Python expression makes a patcher (`mock.patch(…)`, `patch.object(…)`,
/// `patch.dict(…)`): its `start()` or `__enter__()` replaces what it names until stopped.
fn python_makes_patcher(v: Node<'_>, src: &str) -> bool {
    python_makes_patcher_within(v, src, 8)
}

/// [`python_makes_patcher`], also for the call of a function of the module that returns one
/// (`def patched(): return mock.patch(…)`), followed `depth` functions deep.
fn python_makes_patcher_within(v: Node<'_>, src: &str, depth: usize) -> bool {
    let v = unparenthesized(v);
    kind(v) == "call"
        && v.field("function").is_some_and(|f| {
            let callee = text(f, src);
            python_patch_by_reflection(callee)
                || callee
                    .split('.')
                    .any(|part| part.trim() == "patch" || part.trim().starts_with("patch("))
                || callee
                    .split('.')
                    .next()
                    .is_some_and(|first| python_patch_aliases(v, src).contains(first.trim()))
                || (depth > 0
                    && kind(unparenthesized(f)) == "identifier"
                    && python_module_function(v, callee, src)
                        .is_some_and(|def| python_returns_patcher(def, src, depth - 1)))
        })
}

/// [`python_makes_patcher`], but only for what is surely one: `patch(…)`, `patch.object(…)`,
/// `patch.dict(…)`, `patch.multiple(…)`, under `mock.` or `unittest.mock.` or a name the file
/// binds to them, or the call of a function of the module that returns one; not a method
/// named `patch` of another object (`client.patch("/orders")`, an HTTP test client's).
fn python_makes_a_mock_patcher(v: Node<'_>, src: &str) -> bool {
    let v = unparenthesized(v);
    if kind(v) != "call" || !python_makes_patcher(v, src) {
        return false;
    }
    let Some(f) = v.field("function").map(unparenthesized) else {
        return false;
    };
    let callee: String = text(f, src).split_whitespace().collect();
    let rest = callee.strip_prefix("unittest.").unwrap_or(&callee);
    let path = rest.strip_prefix("mock.").unwrap_or(rest);
    matches!(
        path,
        "patch" | "patch.object" | "patch.dict" | "patch.multiple"
    ) || python_patch_by_reflection(&callee)
        || callee
            .split('.')
            .next()
            .is_some_and(|first| python_patch_aliases(v, src).contains(first))
        || (kind(f) == "identifier"
            && python_module_function(v, &callee, src)
                .is_some_and(|def| python_returns_patcher(def, src, 8)))
}

/// Whether a callee reaches `mock`'s patcher makers by reflection or by their private names:
/// `getattr(mock, "patch").object`, `getattr(mock.patch, "object")`, `vars(mock)["patch"]`,
/// `mock._patch_object`.
fn python_patch_by_reflection(callee: &str) -> bool {
    let compact: String = callee.split_whitespace().collect();
    let reflected = [
        "\"patch\"",
        "'patch'",
        "\"object\"",
        "'object'",
        "\"dict\"",
        "'dict'",
    ]
    .iter()
    .any(|name| compact.contains(name))
        && (compact.contains("getattr(")
            || compact.contains("vars(")
            || compact.contains("__dict__"))
        && (compact.contains("mock") || compact.contains("patch"));
    reflected || compact.contains("._patch") || compact.starts_with("_patch")
}

/// Whether a `return` of the Python function `def` (not of a function it holds) hands back
/// a patcher it makes.
fn python_returns_patcher(def: Node<'_>, src: &str, depth: usize) -> bool {
    let mut stack: Vec<Node<'_>> = def.field("body").into_iter().collect();
    while let Some(n) = stack.pop() {
        if matches!(
            kind(n),
            "function_definition" | "class_definition" | "lambda"
        ) {
            continue;
        }
        if kind(n) == "return_statement"
            && named_children(n)
                .into_iter()
                .next()
                .is_some_and(|r| python_makes_patcher_within(r, src, depth))
        {
            return true;
        }
        stack.extend(named_children(n));
    }
    false
}

/// What was read of a whole file, by the file's text: the last few files read on this
/// thread, each with a copy of its text (the same file is often read again from another
/// buffer: the base revision's and the change's, a module each importer reads), so that
/// only the same text ever answers.
/// An entry may also hold where the text of a reading still under way was found equal to
/// it ([`reading_file`]), so that the same place answers without comparing the text again.
pub(crate) type FileCache<T> = std::cell::RefCell<Vec<(String, std::rc::Rc<T>, Option<Place>)>>;

/// Where a text is (its address and length) while a reading of it is under way, with the
/// number [`reading_file`] gave that reading.
pub(crate) type Place = (usize, usize, u64);

std::thread_local! {
    /// The texts whose readings are under way on this thread, innermost last.
    static READING: std::cell::RefCell<Vec<Place>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The number the last reading was given: none is given twice.
    static READINGS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Runs `f`, a reading of the file whose text is `src`. The text is borrowed for as long as
/// `f` runs, so the same address and length hold the same text until it returns: what
/// [`by_file`] found for it is found again by its place, without comparing the whole text
/// (the analysis asks for each call of a file, and comparing a large file's text each time
/// was a twentieth of a check).
pub(crate) fn reading_file<R>(src: &str, f: impl FnOnce() -> R) -> R {
    struct Done;
    impl Drop for Done {
        fn drop(&mut self) {
            READING.with(|r| {
                r.borrow_mut().pop();
            });
        }
    }
    let number = READINGS.with(|n| {
        let next = n.get() + 1;
        n.set(next);
        next
    });
    READING.with(|r| {
        r.borrow_mut()
            .push((src.as_ptr() as usize, src.len(), number));
    });
    let _done = Done;
    f()
}

std::thread_local! {
    static PYTHON_MODULE_FUNCTIONS: FileCache<BTreeMap<String, (usize, usize)>> =
        const { std::cell::RefCell::new(Vec::new()) };
    static PATCH_ALIASES: FileCache<BTreeSet<String>> = const { std::cell::RefCell::new(Vec::new()) };
    static FILE_PATCHERS: FileCache<FilePatchers> = const { std::cell::RefCell::new(Vec::new()) };
    static QUALIFIED: FileCache<std::cell::RefCell<BTreeMap<(String, u8), String>>> =
        const { std::cell::RefCell::new(Vec::new()) };
    static GO_IMPORTS: FileCache<BTreeSet<String>> = const { std::cell::RefCell::new(Vec::new()) };
    static GO_PARALLEL: FileCache<BTreeSet<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A file's text, a set of imported fillers, and the file's fillers with them.
type KeptFillers = (String, BTreeSet<String>, BTreeSet<String>);

/// The Python functions of a file that write what they are handed, per set of imported
/// ones ([`python_between_with`]): shared by every thread, since the check asks for them on
/// the main thread (whether a helper module grew one) and again on the workers.
static PYTHON_FILLERS: std::sync::Mutex<Vec<KeptFillers>> = std::sync::Mutex::new(Vec::new());

/// `read()` of a file whose text is `whole`, from `cache` when that text was read lately.
pub(crate) fn by_file<T>(
    cache: &'static std::thread::LocalKey<FileCache<T>>,
    whole: &str,
    read: impl FnOnce() -> T,
) -> std::rc::Rc<T> {
    const KEPT: usize = 16;
    // A reading under way of the text at this place: an entry found equal to it there during
    // that reading is this text.
    let here = (whole.as_ptr() as usize, whole.len());
    let place = READING.with(|r| {
        r.borrow()
            .iter()
            .rev()
            .find(|(at, len, _)| (*at, *len) == here)
            .copied()
    });
    if let Some(found) = cache.with(|c| {
        let mut c = c.borrow_mut();
        let at = place
            .and_then(|p| c.iter().position(|(_, _, seen)| *seen == Some(p)))
            .or_else(|| c.iter().position(|(t, _, _)| t.as_str() == whole))?;
        // The one found is kept longest.
        let mut entry = c.remove(at);
        if place.is_some() {
            entry.2 = place;
        }
        let value = entry.1.clone();
        c.push(entry);
        Some(value)
    }) {
        return found;
    }
    let value = std::rc::Rc::new(read());
    cache.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= KEPT {
            c.remove(0);
        }
        c.push((whole.to_owned(), value.clone(), place));
    });
    value
}

/// The names the file binds to a patcher maker under another name (`from unittest.mock
/// import patch as p`, `po = mock.patch.object`), anywhere in it: `p("billing.total",
/// …).start()` patches as `patch(…).start()` does.
/// Read once per file: every call of the file asks ([`by_file`]).
fn python_patch_aliases(at: Node<'_>, src: &str) -> std::rc::Rc<BTreeSet<String>> {
    by_file(&PATCH_ALIASES, src, || {
        python_patch_aliases_of(tree_root(at), src)
    })
}

/// The root of the tree `n` is in. `Node::parent` walks down from the root, so a reading
/// asked for every node of a file finds its root only when the file's answer is not kept.
pub(crate) fn tree_root(n: Node<'_>) -> Node<'_> {
    let mut root = n;
    while let Some(p) = root.parent() {
        root = p;
    }
    root
}

fn python_patch_aliases_of(root: Node<'_>, src: &str) -> BTreeSet<String> {
    if !text(root, src).contains("patch") {
        return BTreeSet::new();
    }
    let names_patch = |n: Node<'_>| text(n, src).split('.').any(|p| p.trim() == "patch");
    let mut out = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "aliased_import" => {
                if let (Some(name), Some(alias)) = (n.field("name"), n.field("alias"))
                    && names_patch(name)
                {
                    out.insert(text(alias, src).to_owned());
                }
            }
            "assignment" => {
                if let (Some(left), Some(right)) = (n.field("left"), n.field("right"))
                    && kind(left) == "identifier"
                    && matches!(kind(right), "identifier" | "attribute")
                    && names_patch(right)
                {
                    out.insert(text(left, src).to_owned());
                }
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    out
}

/// Whether calling the Python function `def` writes to something beyond what it creates
/// itself: an item, a nested attribute or a test case's machinery of a parameter
/// (`case.assertEqual = …` on the test case it is handed; `self.server = …` is the
/// object's own state), an attribute or item of a name it does not bind (`unittest.TestCase.assertEqual = …`, `billing.total
/// = …`), or of a local bound to one of those (a name, an attribute, what a getter such as
/// `importlib.import_module(…)` or `getattr(…)` returns, `billing or None`; a parameter
/// whose default is one, `def cart(module=billing)`); `del` of one; `setattr`/`delattr`
/// on one; a method that changes its object called on one (`vars(billing).update(…)`,
/// `os.environ.setdefault(…)`, `billing.RATES.append(…)`: [`super::bindings::PYTHON_MUTATORS`]);
/// `os.putenv`, `os.unsetenv`; a `monkeypatch`-style `setattr`, `setitem`, `setenv` (or
/// their `del…`) handed one; a patcher started (`mock.patch("billing.total", …).start()`,
/// `__enter__()`, `ExitStack().enter_context(mock.patch(…))`); or a name it declares
/// `global`/`nonlocal` and assigns. Nested functions, classes and lambdas are not read (they
/// run when called). A call it hands something to is not read otherwise, nor what a function
/// other than those getters returns.
pub(crate) fn python_writes_beyond_locals(def: Node<'_>, src: &str) -> bool {
    !python_writes_beyond_locals_as(def, src, false, &Between::default(), false).is_empty()
}

/// [`python_writes_beyond_locals`] read for what outlives the call that makes it
/// (`between_tests`): what pytest's `monkeypatch` fixture sets is undone after the test that
/// asked for it, so its calls do not count when the function's own parameter is named
/// `monkeypatch`; and a test function's parameters other than `self`/`cls` are fixtures that
/// may be shared with later tests (a module-scoped `app`), not its own state. The test
/// case's own instance is its own there (a new one runs each test: `self.maxDiff = …`,
/// `self.errors[name] = …`), but for what the file ever sets an attribute of it to from
/// another's object (`self_aliases`: `self.app = billing` makes `self.app.total = f` a
/// write to `billing`).
fn python_writes_beyond_locals_as<'t>(
    def: Node<'t>,
    src: &str,
    between_tests: bool,
    file: &Between,
    all: bool,
) -> Vec<Node<'t>> {
    let self_aliases = &file.self_aliases;
    let Some(body) = def.field("body") else {
        return Vec::new();
    };
    // The names it binds to what it creates (`x = Till()`, `x = []`), not aliases of another
    // name (`x = billing`, `x = self.case`) nor its parameters.
    let mut fresh: BTreeSet<String> = BTreeSet::new();
    // Names bound to a logger (`log = logging.getLogger(…)`): its `parent`, `root` and
    // `manager` are every caller's, whoever's the logger is.
    let mut loggers: BTreeSet<String> = BTreeSet::new();
    let mut aliased: BTreeSet<String> = BTreeSet::new();
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let mut patchers: BTreeSet<String> = BTreeSet::new();
    // Every name it is handed (a fixture included): a patcher one makes is a patcher.
    let handed: BTreeSet<String> = super::bindings::python_parameters(def, src)
        .into_iter()
        .collect();
    // A parameter whose default may be another's object (`def cart(module=billing)`) is
    // that object when the test calls the helper without it.
    for p in def
        .field("parameters")
        .map(named_children)
        .unwrap_or_default()
    {
        if matches!(kind(p), "default_parameter" | "typed_default_parameter")
            && let (Some(name), Some(value)) = (p.field("name"), p.field("value"))
            && python_may_alias(value, src)
        {
            aliased.insert(text(name, src).to_owned());
        }
    }
    // Between tests, the names it binds anywhere (its locals, its nested functions' too) and
    // the functions it holds by name (a nested `def`, `f = lambda …`).
    let mut locals_anywhere: BTreeSet<String> = super::bindings::python_parameters(def, src)
        .into_iter()
        .collect();
    let mut nested_callables: BTreeSet<String> = BTreeSet::new();
    if between_tests {
        let mut stack = vec![body];
        while let Some(n) = stack.pop() {
            match kind(n) {
                "function_definition" | "lambda" => {
                    locals_anywhere.extend(super::bindings::python_parameters(n, src));
                    if let Some(name) = n.field("name") {
                        nested_callables.insert(text(name, src).to_owned());
                        locals_anywhere.insert(text(name, src).to_owned());
                    }
                }
                "assignment" | "for_statement" | "as_pattern" | "named_expression" => {
                    let target = n
                        .field("left")
                        .or_else(|| n.field("alias"))
                        .or_else(|| n.field("name"));
                    if let Some(target) = target {
                        locals_anywhere.extend(python_target_names(target, src));
                    }
                    if kind(n) == "assignment"
                        && let (Some(l), Some(r)) = (n.field("left"), n.field("right"))
                        && kind(l) == "identifier"
                        && kind(unparenthesized(r)) == "lambda"
                    {
                        nested_callables.insert(text(l, src).to_owned());
                    }
                }
                _ => {}
            }
            stack.extend(named_children(n));
        }
    }
    // Between tests, whether an expression holds another's object by a name the function
    // does not bind (`[billing.pay]`, `nullcontext(billing.pay)`; a function called by name,
    // `range(3)`, is not such a name).
    let holds_foreign_but = |v: Node<'_>, ignored: &BTreeSet<String>| {
        // With the names a comprehension binds around it (`[chr(o) for o in range(32)]`
        // holds nothing by `o`; `[b for b in [billing]]` holds what its iterable holds).
        let mut stack: Vec<(Node<'_>, Vec<String>)> = vec![(v, Vec::new())];
        while let Some((x, bound_here)) = stack.pop() {
            if matches!(
                kind(x),
                "list_comprehension"
                    | "set_comprehension"
                    | "dictionary_comprehension"
                    | "generator_expression"
            ) {
                let mut bound = bound_here.clone();
                let mut rest: Vec<Node<'_>> = Vec::new();
                for c in named_children(x) {
                    if kind(c) == "for_in_clause" {
                        // Its iterable is read with the names bound before it.
                        if let Some(r) = c.field("right") {
                            stack.push((r, bound.clone()));
                        }
                        let mut names: Vec<Node<'_>> = c.field("left").into_iter().collect();
                        while let Some(n) = names.pop() {
                            if kind(n) == "identifier" {
                                bound.push(text(n, src).to_owned());
                            } else {
                                names.extend(named_children(n));
                            }
                        }
                    } else {
                        rest.push(c);
                    }
                }
                stack.extend(rest.into_iter().map(|c| (c, bound.clone())));
                continue;
            }
            match kind(x) {
                "identifier" if bound_here.iter().any(|b| b == text(x, src)) => {}
                "identifier" => {
                    let callee = x.parent().is_some_and(|c| {
                        kind(c) == "call" && c.field("function").map(|f| f.id()) == Some(x.id())
                    });
                    let keyword = x.parent().is_some_and(|c| {
                        kind(c) == "keyword_argument"
                            && c.field("name").map(|f| f.id()) == Some(x.id())
                    });
                    if !callee
                        && !keyword
                        && !locals_anywhere.contains(text(x, src))
                        && !ignored.contains(text(x, src))
                    {
                        return true;
                    }
                }
                "attribute" => {
                    // Its object only: `a.b` holds what `a` holds.
                    if let Some(o) = x.field("object") {
                        stack.push((o, bound_here.clone()));
                    }
                    continue;
                }
                "lambda" | "function_definition" => continue,
                // What a call is handed, not the function it calls (`mock.patch(…)`); what a
                // getter returns is another's (`[importlib.import_module("billing.pay")]`).
                "call" => {
                    if python_may_alias(x, src) {
                        return true;
                    }
                    if let Some(a) = x.field("arguments") {
                        stack.push((a, bound_here.clone()));
                    }
                    continue;
                }
                _ => {}
            }
            for c in named_children(x) {
                stack.push((c, bound_here.clone()));
            }
        }
        false
    };
    let no_names = BTreeSet::new();
    let holds_foreign = |v: Node<'_>| holds_foreign_but(v, &no_names);
    // What calling one of its own functions, or a lambda, returns may be anyone's.
    let calls_own_function = |v: Node<'_>| {
        let v = unparenthesized(v);
        kind(v) == "call"
            && v.field("function").is_some_and(|f| {
                let f = unparenthesized(f);
                kind(f) == "lambda"
                    || (kind(f) == "identifier" && nested_callables.contains(text(f, src)))
            })
    };
    // A function of its module that may return an object that exists (`def _mod(): return
    // billing`): what calling it returns is that object, not a new one.
    let returns_existing = |v: Node<'_>| {
        let v = unparenthesized(v);
        kind(v) == "call"
            && v.field("function").map(unparenthesized).is_some_and(|f| {
                kind(f) == "identifier"
                    && python_module_function(def, text(f, src), src)
                        .is_some_and(|g| python_returns_existing(g, src))
            })
    };
    // Between tests, the functions and classes it holds are read as part of it (a callback,
    // a subclass's method): what they are handed is theirs.
    let mut nested_params: BTreeSet<String> = BTreeSet::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "function_definition" | "class_definition" | "lambda" if !between_tests => continue,
            "function_definition" | "class_definition" | "lambda" => {
                nested_params.extend(super::bindings::python_parameters(n, src));
                // A function or class it defines is a value it made (`cli.context_class = …`
                // on the command it decorated).
                if let Some(name) = n.field("name") {
                    fresh.insert(text(name, src).to_owned());
                }
            }
            // Between tests, `nonlocal` names a local of the function read as a whole.
            "nonlocal_statement" if between_tests => {}
            "global_statement" | "nonlocal_statement" => {
                for c in named_children(n) {
                    declared.insert(text(c, src).to_owned());
                }
            }
            "assignment" => {
                // A name bound by unpacking (`m, n = billing.pay, 1`, `[m] = [billing.pay]`)
                // may be another's object, whatever else binds it.
                if let Some(l) = n.field("left").map(unparenthesized)
                    && kind(l) != "identifier"
                {
                    aliased.extend(python_target_names(l, src));
                }
                if let (Some(l), Some(r)) = (n.field("left").map(unparenthesized), n.field("right"))
                    && kind(l) == "identifier"
                {
                    let name = text(l, src).to_owned();
                    // (Also one a parameter makes, `x = p("billing.total", f)`.)
                    let by_a_param = kind(unparenthesized(r)) == "call"
                        && unparenthesized(r)
                            .field("function")
                            .and_then(|f| root_name(f, src))
                            .is_some_and(|f| handed.contains(f) || nested_params.contains(f));
                    if python_makes_patcher(r, src) || by_a_param {
                        patchers.insert(name.clone());
                    }
                    if python_logger_call(r, src).is_some() {
                        loggers.insert(name.clone());
                    }
                    let container = matches!(
                        kind(unparenthesized(r)),
                        "list" | "tuple" | "set" | "dictionary" | "list_comprehension"
                    );
                    if python_may_alias(r, src)
                        || python_shared_logger(r, src, file)
                        || returns_existing(r)
                        || (between_tests
                            && ((container && holds_foreign(r)) || calls_own_function(r)))
                    {
                        aliased.insert(name);
                    } else {
                        fresh.insert(name);
                    }
                }
            }
            "for_statement" | "as_pattern" | "named_expression" => {
                // What a loop, a `with … as`, an `except … as` or `:=` binds may be another's
                // object (not what it reads: `for c in chars` leaves `chars` as it was).
                let field = match kind(n) {
                    "for_statement" => "left",
                    "as_pattern" => "alias",
                    _ => "name",
                };
                // Between tests, what a `with` makes (`with mock.patch(…) as m`, `with
                // click.progressbar(…) as bar`) is the function's own, but for a context
                // manager that is another's object by name (`with billing as b`).
                let made_by_with = between_tests
                    && kind(n) == "as_pattern"
                    && n.parent().is_some_and(|p| kind(p) == "with_item")
                    && named_children(n)
                        .into_iter()
                        .next()
                        .is_some_and(|v| !python_may_alias(v, src) && !holds_foreign(v));
                if let Some(target) = n.field(field) {
                    let names = python_target_names(target, src);
                    if made_by_with {
                        fresh.extend(names);
                    } else {
                        aliased.extend(names);
                    }
                }
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    // Between tests, what a call returns may be what it was handed (`m =
    // next(iter([billing.pay]))`, `m = ident(billing.pay)`, `m = max([billing.pay])`,
    // `m = [billing.pay].pop()`, `m = billing.pay.itself()`): a name bound to a call handed
    // another's object, by its arguments or as the object of a method, is not its own. A
    // class called by its name makes a new object (`click.Context(cli)`, `Mock(spec=pay)`:
    // a callee whose last name is capitalised, where the file binds that name to no
    // function), and a function of a module called through the module's plain name
    // (`mock.Mock()`, `os.getcwd()`) is handed nothing by it.
    // (And the names its module binds by assignment at its top, `CASES = [billing.pay]`.)
    let mut top_assigned: BTreeSet<String> = BTreeSet::new();
    let file_functions: BTreeSet<String> = if between_tests {
        let mut root = def;
        while let Some(p) = root.parent() {
            root = p;
        }
        for top in named_children(root) {
            if kind(top) == "expression_statement"
                && let Some(a) = named_children(top).into_iter().next()
                && kind(a) == "assignment"
                && let Some(l) = a.field("left")
            {
                identifiers(l, src, &mut |name| {
                    top_assigned.insert(name.to_owned());
                });
            }
        }
        // Its module's functions (a nested one is among `nested_callables`).
        let mut names = BTreeSet::new();
        for top in named_children(root) {
            let top = if kind(top) == "decorated_definition" {
                top.field("definition").unwrap_or(top)
            } else {
                top
            };
            match kind(top) {
                "function_definition" => {
                    if let Some(name) = top.field("name") {
                        names.insert(text(name, src).to_owned());
                    }
                }
                "expression_statement" => {
                    if let Some(a) = named_children(top).into_iter().next()
                        && kind(a) == "assignment"
                        && a.field("right")
                            .is_some_and(|r| kind(unparenthesized(r)) == "lambda")
                        && let Some(l) = a.field("left")
                    {
                        names.insert(text(l, src).to_owned());
                    }
                }
                _ => {}
            }
        }
        names
    } else {
        BTreeSet::new()
    };
    // (What a class is handed, the new object may hold: `ns = SimpleNamespace(m=pay)`.)
    let mut made_holding: BTreeSet<String> = BTreeSet::new();
    if between_tests {
        loop {
            let mut found: Vec<String> = Vec::new();
            let mut holding: Vec<String> = Vec::new();
            let mut stack = vec![body];
            while let Some(n) = stack.pop() {
                if kind(n) == "assignment"
                    && let (Some(l), Some(r)) = (n.field("left"), n.field("right"))
                    && kind(l) == "identifier"
                    && !aliased.contains(text(l, src))
                {
                    let mut call = unparenthesized(r);
                    if kind(call) == "await" {
                        call = named_children(call).into_iter().next().unwrap_or(call);
                    }
                    // (A container it made that holds another's object hands that on.)
                    let handed = |v: Node<'_>| {
                        let mut mentions = false;
                        identifiers(v, src, &mut |name| {
                            mentions |= aliased.contains(name) || made_holding.contains(name);
                        });
                        // (A function of the file handed on is the tests' own code.)
                        mentions || holds_foreign_but(v, &file_functions)
                    };
                    let receiver = call
                        .field("function")
                        .filter(|f| kind(*f) == "attribute")
                        .and_then(|f| f.field("object"))
                        .map(unparenthesized)
                        .filter(|o| {
                            let name = text(*o, src);
                            kind(*o) != "identifier"
                                || aliased.contains(name)
                                || made_holding.contains(name)
                                || (top_assigned.contains(name) && !locals_anywhere.contains(name))
                        });
                    // (And a built-in that copies into a new container, `env =
                    // dict(os.environ)`, where the file does not bind its name.)
                    let constructor = call.field("function").is_some_and(|f| {
                        let callee: String = text(f, src).split_whitespace().collect();
                        let last = callee.rsplit('.').next().unwrap_or(&callee);
                        let copies = matches!(
                            callee.as_str(),
                            "dict"
                                | "list"
                                | "set"
                                | "frozenset"
                                | "tuple"
                                | "sorted"
                                | "bytearray"
                                | "copy.copy"
                                | "copy.deepcopy"
                        ) && !top_assigned.contains(&callee)
                            && !locals_anywhere.contains(&callee);
                        (copies || last.chars().next().is_some_and(char::is_uppercase))
                            && !file_functions.contains(last)
                    });
                    // `unittest.mock`'s makers hold nothing of what they are handed to
                    // copy (`Mock(spec=billing.pay)`, `create_autospec(billing.pay)`).
                    let mock_maker = call.field("function").is_some_and(|f| {
                        let callee = text(f, src);
                        let last = callee.rsplit('.').next().unwrap_or(callee).trim();
                        matches!(
                            last,
                            "Mock"
                                | "MagicMock"
                                | "AsyncMock"
                                | "NonCallableMock"
                                | "NonCallableMagicMock"
                                | "PropertyMock"
                                | "create_autospec"
                        ) && !file_functions.contains(last)
                    });
                    let args_handed = !mock_maker && call.field("arguments").is_some_and(handed);
                    if kind(call) == "call"
                        && !constructor
                        && !mock_maker
                        && (args_handed || receiver.is_some_and(handed))
                    {
                        found.push(text(l, src).to_owned());
                    } else if kind(call) == "call" && constructor && args_handed {
                        holding.push(text(l, src).to_owned());
                    }
                }
                stack.extend(named_children(n));
            }
            if !took_calls(found, holding, &mut fresh, &mut aliased, &mut made_holding) {
                break;
            }
        }
    }
    // Between tests, a container it made that it puts another's object in (`d["m"] =
    // billing.pay`, `box.m = billing.pay`, `xs.append(billing.pay)`, `xs += [billing.pay]`)
    // holds that object: what is set through one of its elements is set on the other's
    // (`d["m"].total = …`), while its own slots stay its own (`d["m"] = …`).
    let mut holders: BTreeSet<String> = made_holding
        .into_iter()
        .filter(|h| fresh.contains(h) && !aliased.contains(h))
        .collect();
    if between_tests {
        grow_names(&mut holders, |holders| {
            let stores_foreign = |v: Node<'_>| {
                let mut mentions = false;
                identifiers(v, src, &mut |name| {
                    mentions |= aliased.contains(name) || holders.contains(name);
                });
                // (What it made itself, stored in it, stays its own.)
                let made_here =
                    root_name(v, src).is_some_and(|r| fresh.contains(r) && !aliased.contains(r));
                mentions || holds_foreign(v) || (python_may_alias(v, src) && !made_here)
            };
            let mut found: Vec<String> = Vec::new();
            let mut stack = vec![body];
            while let Some(n) = stack.pop() {
                let (container, values): (Option<Node<'_>>, Vec<Node<'_>>) = match kind(n) {
                    "assignment" | "augmented_assignment" => {
                        let l = n.field("left").map(unparenthesized);
                        let container = match l {
                            Some(l) if matches!(kind(l), "attribute" | "subscript") => {
                                l.field("object").or_else(|| l.field("value"))
                            }
                            Some(l) if kind(n) == "augmented_assignment" => Some(l),
                            _ => None,
                        };
                        (container, n.field("right").into_iter().collect())
                    }
                    // `class C: m = billing.pay` inside it: the class holds it.
                    "class_definition" => (
                        n.field("name"),
                        n.field("body")
                            .map(named_children)
                            .unwrap_or_default()
                            .into_iter()
                            .filter_map(|st| named_children(st).into_iter().next())
                            .filter(|a| kind(*a) == "assignment")
                            .filter_map(|a| a.field("right"))
                            .collect(),
                    ),
                    // `setattr(ns, "m", billing.pay)`, `object.__setattr__(ns, …)`.
                    "call"
                        if n.field("function").is_some_and(|f| {
                            matches!(text(f, src), "setattr" | "object.__setattr__")
                        }) =>
                    {
                        let args: Vec<Node<'_>> =
                            n.field("arguments").map(named_children).unwrap_or_default();
                        (args.first().copied(), args.into_iter().skip(2).collect())
                    }
                    "call" => match n.field("function") {
                        Some(f)
                            if kind(f) == "attribute"
                                && f.field("attribute").is_some_and(|a| {
                                    matches!(
                                        text(a, src),
                                        "append"
                                            | "extend"
                                            | "insert"
                                            | "update"
                                            | "setdefault"
                                            | "add"
                                            | "appendleft"
                                            | "extendleft"
                                            | "__setitem__"
                                            | "__setattr__"
                                    )
                                }) =>
                        {
                            (
                                f.field("object"),
                                n.field("arguments").map(named_children).unwrap_or_default(),
                            )
                        }
                        _ => (None, Vec::new()),
                    },
                    _ => (None, Vec::new()),
                };
                // (Into any slot under the name: `ns.__dict__["m"] = billing.pay`.)
                if let Some(r) = container.and_then(|c| root_name(c, src))
                    && fresh.contains(r)
                    && !holders.contains(r)
                    && values.into_iter().any(|v| {
                        let v = if kind(v) == "keyword_argument" {
                            v.field("value").unwrap_or(v)
                        } else {
                            v
                        };
                        stores_foreign(v)
                    })
                {
                    found.push(r.to_owned());
                }
                stack.extend(named_children(n));
            }
            found
        });
    }
    // Reaches into an element of such a container: `d["m"].total`, not `d["m"]`.
    let into_holder = |t: Node<'_>| {
        let t = unparenthesized(t);
        root_name(t, src).is_some_and(|r| holders.contains(r))
            && t.field("object")
                .or_else(|| t.field("value"))
                .is_some_and(|o| kind(unparenthesized(o)) != "identifier")
    };
    // An element of one, or one handed on whole.
    let of_holder = |t: Node<'_>| {
        root_name(t, src).is_some_and(|r| holders.contains(r))
            && matches!(
                kind(unparenthesized(t)),
                "attribute" | "subscript" | "identifier"
            )
    };
    let params: BTreeSet<String> = super::bindings::python_parameters(def, src)
        .into_iter()
        .collect();
    // pytest's fixture, unless the function binds the name to another object.
    let handed_monkeypatch = params.contains("monkeypatch")
        && !fresh.contains("monkeypatch")
        && !aliased.contains("monkeypatch")
        && !declared.contains("monkeypatch");
    let undone_by_pytest = |o: Node<'_>| {
        between_tests
            && handed_monkeypatch
            && kind(o) == "identifier"
            && text(o, src) == "monkeypatch"
    };
    let is_test = between_tests
        && def
            .field("name")
            .is_some_and(|n| text(n, src).starts_with("test"));
    // What a test function is handed, other than its case or class, may be shared.
    let params: BTreeSet<String> = params
        .into_iter()
        .filter(|p| !(is_test || file.params_foreign) || p == "self" || p == "cls")
        .chain(nested_params.iter().cloned())
        .collect();
    let fresh_root = |t: Node<'_>| {
        root_name(t, src)
            .is_some_and(|r| fresh.contains(r) && !aliased.contains(r) && !declared.contains(r))
    };
    // A plain attribute of what the caller hands it (`self.server = …` in a setup helper):
    // its own state, unless the name is one of the test case's machinery (`assertEqual`,
    // `fail…`, `skip…`, `run`, a private or special name).
    let state_of_a_param = |t: Node<'_>| {
        kind(t) == "attribute"
            && t.field("object").is_some_and(|o| {
                kind(o) == "identifier"
                    && params.contains(text(o, src))
                    && !aliased.contains(text(o, src))
            })
            && t.field("attribute").is_some_and(|a| {
                let a = text(a, src);
                !(a.starts_with('_') || test_case_machinery(a))
            })
    };
    let instance_state = |t: Node<'_>| {
        if !(between_tests && params.contains("self") && !aliased.contains("self")) {
            return false;
        }
        let mut n = unparenthesized(t);
        loop {
            let next = match kind(n) {
                "attribute" => n.field("object"),
                "subscript" => n.field("value"),
                _ => return false,
            };
            let Some(next) = next.map(unparenthesized) else {
                return false;
            };
            // Through what the instance holds itself, not through its class, a method of
            // the class or its machinery (`self.__class__.__base__.assertEqual = …`,
            // `self.assertEqual.__func__.__code__ = …` reach every test case).
            if kind(next) == "identifier" && text(next, src) == "self" {
                return kind(n) == "attribute"
                    && (n.id() == t.id()
                        || n.field("attribute").is_some_and(|a| {
                            let a = text(a, src);
                            let dunder = a.starts_with("__") && a.ends_with("__");
                            !(self_aliases.contains(a)
                                || test_case_machinery(a)
                                || (dunder && a != "__dict__"))
                        }));
            }
            n = next;
        }
    };
    // Between tests, what a function it holds is handed (a callback's `ctx`) is that call's.
    let handed_to_nested = |t: Node<'_>| {
        between_tests
            && root_name(t, src).is_some_and(|r| {
                nested_params.contains(r) && !aliased.contains(r) && !holders.contains(r)
            })
    };
    // Set through a logger of the tests' own (`logging.getLogger("test_x").disabled = …`).
    let own_logger = |t: Node<'_>| {
        python_logger_of(t, src).is_some_and(|call| !python_shared_logger(call, src, file))
    };
    // Reached through a logger's `parent`, `root` or `manager` (`log.parent.disabled = …`).
    let past_a_logger = |t: Node<'_>| {
        let mut n = unparenthesized(t);
        let mut past = false;
        loop {
            let next = match kind(n) {
                "attribute" => {
                    past |= n
                        .field("attribute")
                        .is_some_and(|a| matches!(text(a, src), "parent" | "root" | "manager"));
                    n.field("object")
                }
                "subscript" => n.field("value"),
                _ => None,
            };
            let Some(next) = next.map(unparenthesized) else {
                return past && kind(n) == "identifier" && loggers.contains(text(n, src));
            };
            if python_logger_call(next, src).is_some() {
                return past;
            }
            n = next;
        }
    };
    let own = |t: Node<'_>| {
        !past_a_logger(t)
            && ((fresh_root(t) && !into_holder(t))
                || state_of_a_param(t)
                || instance_state(t)
                || handed_to_nested(t)
                || own_logger(t))
    };
    // What a method that changes its object may be called on: what it made (not an element
    // of a container holding another's), the state of what it was handed, or what it was
    // handed itself (`items.append(4)` fills the list the test handed it).
    let own_object = |o: Node<'_>| {
        (own(o) && !(of_holder(o) && kind(unparenthesized(o)) != "identifier"))
            || (kind(o) == "identifier"
                && params.contains(text(o, src))
                && !aliased.contains(text(o, src)))
    };
    // A patcher made by what the function was handed (`def install(p): p("billing.total",
    // f).start()`, called with `patch`): what it starts is unknown, so it is one.
    let made_by_a_param = |o: Node<'_>| {
        let o = unparenthesized(o);
        kind(o) == "call"
            && o.field("function").map(unparenthesized).is_some_and(|f| {
                let root = std::iter::successors(Some(f), |x| {
                    (kind(*x) == "attribute")
                        .then(|| x.field("object"))
                        .flatten()
                        .map(unparenthesized)
                })
                .last()
                .unwrap_or(f);
                kind(root) == "identifier"
                    && (handed.contains(text(root, src)) || params.contains(text(root, src)))
            })
    };
    let kept_patchers = python_patchers_bound_in_file(def, src);
    let patcher = |o: Node<'_>| {
        let o = unparenthesized(o);
        python_makes_patcher(o, src)
            || made_by_a_param(o)
            || (kind(o) == "identifier" && patchers.contains(text(o, src)))
            // A name the file binds to a patcher outside functions (`P = mock.patch(…)` at
            // the top of the module or in a class body), under any object (`self.P`).
            || match kind(o) {
                "identifier" => kept_patchers.names.contains(text(o, src)),
                "attribute" => o
                    .field("attribute")
                    .is_some_and(|a| kept_patchers.names.contains(text(a, src))),
                _ => false,
            }
            // One kept in a container outside functions (`PATCHES = [mock.patch(…)]`): any
            // `start()` but that of what the function made itself may start it.
            || (kept_patchers.elsewhere
                && !(kind(o) == "identifier" && fresh.contains(text(o, src))))
    };
    let logger_put_back = python_logger_put_backs(body, src);
    let process_put_back = python_process_put_backs(body, src);
    let attribute_put_back = python_attribute_put_backs(body, src);
    let mut hits: Vec<Node<'_>> = Vec::new();
    let mut stack = vec![body];
    'nodes: while let Some(n) = stack.pop() {
        'node: {
            match kind(n) {
                "function_definition" | "class_definition" | "lambda" if !between_tests => {
                    continue 'nodes;
                }
                // Between tests: `setattr` handed on as a value (`partial(setattr, m, "x")`,
                // `map(setattr, …)`, `s = setattr`), and a loop or `with` whose target is
                // another's member (`for billing.pay.total in [f]`).
                "identifier" | "attribute" | "call" if python_setter_as_value(n, src) => {
                    hits.push(n);
                    if !all {
                        return hits;
                    }
                    break 'node;
                }
                "identifier"
                    if between_tests
                        && matches!(text(n, src), "setattr" | "delattr")
                        && !n.parent().is_some_and(|c| {
                            (kind(c) == "call"
                                && c.field("function").map(|f| f.id())
                                    == Some(n.id()))
                                // `monkeypatch.setattr`: a method's name, not the built-in.
                                || (kind(c) == "attribute"
                                    && c.field("attribute").map(|f| f.id())
                                        == Some(n.id()))
                                || kind(c) == "keyword_argument"
                        }) =>
                {
                    hits.push(n);
                    if !all {
                        return hits;
                    }
                    break 'node;
                }
                "for_statement" | "as_pattern" if between_tests => {
                    let target = n.field("left").or_else(|| n.field("alias"));
                    let mut targets: Vec<Node<'_>> = target.into_iter().collect();
                    let mut foreign = false;
                    while let Some(t) = targets.pop() {
                        match kind(t) {
                            "attribute" | "subscript" => foreign |= !own(t),
                            "as_pattern_target"
                            | "pattern_list"
                            | "tuple_pattern"
                            | "list_pattern"
                            | "tuple"
                            | "list"
                            | "parenthesized_expression" => {
                                targets.extend(named_children(t));
                            }
                            _ => {}
                        }
                    }
                    if foreign {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                }
                "assignment" | "augmented_assignment" => {
                    if let Some(l) = n.field("left") {
                        let mut targets = vec![l];
                        while let Some(t) = targets.pop() {
                            match kind(t) {
                                "attribute" | "subscript"
                                    if !own(t) && !attribute_put_back.contains(&n.id()) =>
                                {
                                    hits.push(n);
                                    if !all {
                                        return hits;
                                    }
                                    break 'node;
                                }
                                "identifier" if declared.contains(text(t, src)) => {
                                    hits.push(n);
                                    if !all {
                                        return hits;
                                    }
                                    break 'node;
                                }
                                "pattern_list"
                                | "tuple_pattern"
                                | "list_pattern"
                                | "tuple"
                                | "list"
                                | "parenthesized_expression" => {
                                    targets.extend(named_children(t));
                                }
                                _ => {}
                            }
                        }
                    }
                }
                "delete_statement"
                    if named_children(n)
                        .into_iter()
                        .flat_map(|t| {
                            if kind(t) == "expression_list" {
                                named_children(t)
                            } else {
                                vec![t]
                            }
                        })
                        .any(|t| matches!(kind(t), "attribute" | "subscript") && !own(t)) =>
                {
                    hits.push(n);
                    if !all {
                        return hits;
                    }
                    break 'node;
                }
                "call" => {
                    let callee = n.field("function").map_or("", |f| text(f, src));
                    let args: Vec<Node<'_>> =
                        n.field("arguments").map(named_children).unwrap_or_default();
                    let first = args.first().copied();
                    if matches!(
                        callee,
                        "setattr" | "delattr" | "object.__setattr__" | "object.__delattr__"
                    ) && first.is_some_and(|a| {
                        !own(a) || (of_holder(a) && kind(unparenthesized(a)) != "identifier")
                    }) {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                    let compact: String = callee.split_whitespace().collect();
                    // Between tests, code run from a string, and a function of the file that
                    // sets what it is handed, handed what the function did not make
                    // (`install(billing.pay)`).
                    let hands_foreign = || {
                        args.iter().any(|a| {
                            let a = if kind(*a) == "keyword_argument" {
                                a.field("value").unwrap_or(*a)
                            } else {
                                *a
                            };
                            matches!(kind(a), "identifier" | "attribute" | "subscript")
                                && (!own(a) || of_holder(a))
                                && !(kind(a) == "identifier" && params.contains(text(a, src)))
                        })
                    };
                    if between_tests
                        && (matches!(
                            compact.as_str(),
                            "exec" | "eval" | "compile" | "builtins.exec" | "builtins.eval"
                        ) || (file.fillers.contains(compact.as_str()) && hands_foreign()))
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                    // Between tests, one of its own functions or a lambda handed another's
                    // object (`cb(billing.pay)`, `map(lambda m: …, [billing.pay])`): what it
                    // is handed is not its own then.
                    // A lambda counts when it writes what it is handed (`lambda m:
                    // setattr(m, …)`; `key=lambda k: k.name` only reads), one of its
                    // functions by name always.
                    let own_callable = |c: Node<'_>| {
                        let c = unparenthesized(c);
                        (kind(c) == "lambda"
                            && !python_writes_beyond_locals_as(
                                c,
                                src,
                                true,
                                &Between {
                                    params_foreign: true,
                                    ..Between::default()
                                },
                                false,
                            )
                            .is_empty())
                            || (kind(c) == "identifier" && nested_callables.contains(text(c, src)))
                    };
                    // (A patcher handed a lambda to put in place is judged as a patcher.)
                    let patching = python_makes_patcher(n, src)
                        || n.field("function").is_some_and(|f| {
                            kind(f) == "attribute"
                                && f.field("object").is_some_and(undone_by_pytest)
                        });
                    if between_tests
                        && !patching
                        && (n.field("function").is_some_and(own_callable)
                            || args.iter().any(|x| own_callable(*x)))
                        && args.iter().any(|x| !own_callable(*x) && holds_foreign(*x))
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                    // Between tests, a patch of the patching machinery itself (`monkeypatch.setattr(
                    // monkeypatch, "undo", …)`, `mock.patch.object(mock._patch, "__exit__", …)`):
                    // what it patches next is never put back.
                    if between_tests
                        && (python_makes_patcher(n, src) || compact.starts_with("monkeypatch."))
                        && first.is_some_and(|a| {
                            let t = text(a, src);
                            [
                                "mock",
                                "_patch",
                                "monkeypatch",
                                "MonkeyPatch",
                                "pytest",
                                "unittest",
                            ]
                            .iter()
                            .any(|w| t.contains(w))
                        })
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                    // The standard library's setters under any name the file imports them
                    // as (`import os as o`, `from os import chdir`).
                    let qualified = python_qualified_callee(&compact, n, src);
                    if matches!(qualified.as_str(), "os.putenv" | "os.unsetenv")
                        || (PROCESS_SETTERS.iter().any(|(f, _)| *f == qualified)
                            && !process_put_back.contains(&n.id())
                            && !python_process_query(n, src))
                        || python_warning_filter_left(n, &qualified, src)
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                    if let Some(f) = n.field("function")
                        && kind(f) == "attribute"
                        && let (Some(object), Some(method)) =
                            (f.field("object"), f.field("attribute"))
                    {
                        let method = text(method, src);
                        // `vars(billing).update(…)`, `os.environ.setdefault(…)`,
                        // `logging.getLogger().setLevel(…)`.
                        if (super::bindings::PYTHON_MUTATORS.contains(&method)
                            || (LOGGER_MUTATORS.contains(&method)
                                && !logger_put_back.contains(&n.id())))
                            && !own_object(object)
                            && !undone_by_pytest(object)
                        {
                            hits.push(n);
                            if !all {
                                return hits;
                            }
                            break 'node;
                        }
                        // `mock.patch("billing.total", …).start()`: until stopped.
                        // Any context entered by hand and not left in the same breath
                        // (`decimal.localcontext(ctx).__enter__()`): what it set stays set.
                        if (method == "start" && patcher(object)) || method == "__enter__" {
                            hits.push(n);
                            if !all {
                                return hits;
                            }
                            break 'node;
                        }
                        // `stack.enter_context(x)` enters `x` until the stack closes: only a
                        // stack an enclosing `with … as stack` made closes with it.
                        let closed_by_with = kind(object) == "identifier" && {
                            let name = text(object, src);
                            std::iter::successors(n.parent(), Node::parent).any(|p| {
                                kind(p) == "with_statement"
                                    && text(p, src).split(':').next().is_some_and(|head| {
                                        head.split_whitespace().collect::<Vec<_>>().windows(2).any(
                                            |w| {
                                                w[0] == "as"
                                                    && w[1].trim_end_matches([',', ')']) == name
                                            },
                                        )
                                    })
                            })
                        };
                        if method == "enter_context"
                            && (args.iter().any(|a| patcher(*a)) || !closed_by_with)
                        {
                            hits.push(n);
                            if !all {
                                return hits;
                            }
                            break 'node;
                        }
                        // `pytest.MonkeyPatch().setattr(billing, "total", …)`, a string target
                        // (`setattr("billing.total", …)`), `setenv("RATE", "0")`.
                        if matches!(
                            method,
                            "setattr" | "delattr" | "setitem" | "delitem" | "setenv" | "delenv"
                        ) && first.is_some_and(|a| !own(a))
                            && !undone_by_pytest(object)
                        {
                            hits.push(n);
                            if !all {
                                return hits;
                            }
                            break 'node;
                        }
                    }
                }
                _ => {}
            }
        }
        stack.extend(named_children(n));
    }
    if all || hits.is_empty() {
        for n in python_patchers_kept(body, src, between_tests) {
            if !hits.iter().any(|h| h.id() == n.id()) {
                hits.push(n);
            }
            if !all {
                break;
            }
        }
    }
    hits
}

/// Up through parentheses: the node that holds `n` (`None` at the root), and the child of it
/// `n` is.
fn python_holder(n: Node<'_>) -> (Node<'_>, Option<Node<'_>>) {
    let mut c = n;
    while let Some(p) = c.parent()
        && kind(p) == "parenthesized_expression"
    {
        c = p;
    }
    (c, c.parent())
}

/// Whether a patcher (or a name bound to one) is used on the spot: entered by a `with`,
/// applied as a decorator (`@mock.patch(…)`, `mock.patch(…)(f)`), a method called on it
/// (`start()`, whose reading is the caller's, `stop()`, `__enter__()`, `__exit__()`), or
/// handed to `enter_context` (read by the caller too).
fn python_patcher_on_the_spot(n: Node<'_>, src: &str) -> bool {
    let (c, Some(p)) = python_holder(n) else {
        return false;
    };
    match kind(p) {
        "with_item" | "decorator" => true,
        "as_pattern" => p.parent().is_some_and(|w| kind(w) == "with_item"),
        "call" => is_field(p, "function", c),
        "attribute" => {
            is_field(p, "object", c)
                && p.field("attribute").is_some_and(|a| {
                    matches!(text(a, src), "start" | "stop" | "__enter__" | "__exit__")
                })
                && {
                    let (m, call) = python_holder(p);
                    call.is_some_and(|call| kind(call) == "call" && is_field(call, "function", m))
                }
        }
        "argument_list" => p.parent().is_some_and(|call| {
            call.field("function")
                .and_then(|f| f.field("attribute"))
                .is_some_and(|a| text(a, src) == "enter_context")
        }),
        _ => false,
    }
}

/// The names a Python file binds to a patcher it makes outside any function: at the top of
/// the module or in a class body (`P = mock.patch(…)`), as a name or an attribute's last
/// name (`cfg.P = mock.patch(…)`).
/// Read once per file: each of its functions asks ([`by_file`]).
fn python_patchers_bound_in_file(at: Node<'_>, src: &str) -> std::rc::Rc<FilePatchers> {
    by_file(&FILE_PATCHERS, src, || {
        python_patchers_bound_in_file_of(tree_root(at), src)
    })
}

fn python_patchers_bound_in_file_of(root: Node<'_>, src: &str) -> FilePatchers {
    let mut out = FilePatchers::default();
    if !text(root, src).contains("patch") && python_patch_aliases(root, src).is_empty() {
        return out;
    }
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if matches!(kind(n), "function_definition" | "lambda") {
            continue;
        }
        if kind(n) == "call"
            && python_makes_a_mock_patcher(n, src)
            && !python_patcher_on_the_spot(n, src)
        {
            let (c, p) = python_holder(n);
            let name = p
                .filter(|p| kind(*p) == "assignment" && is_field(*p, "right", c))
                .and_then(|p| p.field("left"))
                .and_then(|l| match kind(l) {
                    "identifier" => Some(l),
                    "attribute" => l.field("attribute"),
                    _ => None,
                });
            match name {
                Some(x) => {
                    out.names.insert(text(x, src).to_owned());
                }
                None => out.elsewhere = true,
            }
        }
        stack.extend(named_children(n));
    }
    out
}

/// See [`python_patchers_bound_in_file`].
#[derive(Default)]
struct FilePatchers {
    /// The names bound to a patcher.
    names: BTreeSet<String>,
    /// A patcher is kept elsewhere (a container, an argument): any `start()` may be its.
    elsewhere: bool,
}

/// The patchers a Python function's `body` makes (`mock.patch(…)`, also through a function
/// of the module that returns one) and keeps where their `start()` cannot be followed: in an
/// attribute (`self.patcher = mock.patch(…)`, then `self.patcher.start()` in another
/// method), a container (`[mock.patch(…)]` started in a loop), an argument of a call
/// (`self.enterContext(…)`, `ps.append(…)`), a `yield`, or a `return` other than of a
/// function of the module. What is entered by a `with`, applied to a function as a
/// decorator (`mock.patch(…)(f)`), started or stopped on the spot, or bound to a local only
/// ever used so, is followed: its `start()` is read where it is called. Nested functions,
/// classes and lambdas are read only `between_tests`, as the caller reads them. Each is the
/// node where the patcher goes out of sight.
fn python_patchers_kept<'t>(body: Node<'t>, src: &str, between_tests: bool) -> Vec<Node<'t>> {
    if !text(body, src).contains("patch") && python_patch_aliases(body, src).is_empty() {
        return Vec::new();
    }
    let module_level_function = |n: Node<'_>| {
        let def = std::iter::successors(n.parent(), Node::parent).find(|a| {
            matches!(
                kind(*a),
                "function_definition" | "lambda" | "class_definition"
            )
        });
        def.is_some_and(|d| {
            kind(d) == "function_definition"
                && d.parent().is_some_and(|p| {
                    kind(p) == "module"
                        || (kind(p) == "decorated_definition"
                            && p.parent().is_some_and(|m| kind(m) == "module"))
                })
        })
    };
    // The nodes it runs (nested functions, classes and lambdas only `between_tests`).
    let mut nodes: Vec<Node<'t>> = Vec::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if matches!(
            kind(n),
            "function_definition" | "class_definition" | "lambda"
        ) && !between_tests
        {
            continue;
        }
        nodes.push(n);
        stack.extend(named_children(n));
    }
    let mut out = Vec::new();
    let mut locals: Vec<(String, Node<'t>)> = Vec::new();
    for &n in &nodes {
        if kind(n) == "call"
            && python_makes_a_mock_patcher(n, src)
            && !python_patcher_on_the_spot(n, src)
        {
            let (c, p) = python_holder(n);
            match p {
                Some(p)
                    if kind(p) == "assignment"
                        && is_field(p, "right", c)
                        && p.field("left").is_some_and(|l| kind(l) == "identifier") =>
                {
                    let name = p.field("left").map(|l| text(l, src));
                    locals.push((name.unwrap_or_default().to_owned(), p));
                }
                Some(p) if kind(p) == "return_statement" && module_level_function(p) => {}
                _ => out.push(n),
            }
        }
    }
    // A local bound to a patcher: each of its uses on the spot, or a new binding.
    for (name, binding) in locals {
        for &n in &nodes {
            if kind(n) == "identifier" && text(n, src) == name {
                let (c, p) = python_holder(n);
                let rebound = p.is_some_and(|p| {
                    (kind(p) == "assignment" && is_field(p, "left", c)) || p.id() == binding.id()
                });
                if !rebound && !python_patcher_on_the_spot(n, src) {
                    out.push(n);
                }
            }
        }
    }
    out
}

/// Go calls that change the process for every test after them: the environment
/// (`os.Setenv("TAX_RATE", "0")`; `t.Setenv` restores it), the working directory.
const GO_PROCESS_WRITERS: &[&str] = &[
    "os.Setenv",
    "os.Unsetenv",
    "os.Clearenv",
    "os.Chdir",
    "syscall.Setenv",
    "syscall.Unsetenv",
    "syscall.Clearenv",
    "syscall.Chdir",
];

/// Go code that reaches the test binary's own command line, where `go test` puts its
/// `-test.run` filter: an assignment to `os.Args` or to an element of it (`os.Args =
/// append(os.Args, "-test.run=^TestOther$")`), `&os.Args` handed anywhere, a call of
/// `flag.Set`, `testing.Init`, `flag.CommandLine.Set` or `flag.CommandLine.Parse`, and an
/// assignment to `flag.CommandLine`; and what tells a test binary from another, a call of
/// `testing.Testing` or `flag.Lookup("test.…")`; `os`, `flag` and `testing` under the names
/// the file imports them by. Each is the statement that holds it, by line.
pub(crate) fn go_runner_reaches(root: Node<'_>, src: &str) -> Vec<(usize, String)> {
    let mut names: BTreeMap<&str, String> = BTreeMap::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "import_spec" => {
                let path = n
                    .field("path")
                    .map_or("", |x| text(x, src))
                    .trim_matches(|c| c == '"' || c == '`');
                let name = n.field("name").map_or(path, |x| text(x, src));
                if matches!(path, "os" | "flag" | "testing") && !matches!(name, "_" | ".") {
                    names.insert(path, name.to_owned());
                }
            }
            "function_declaration" | "method_declaration" | "type_declaration" => {}
            _ => stack.extend(named_children(n)),
        }
    }
    if names.is_empty() {
        return Vec::new();
    }
    let is = |n: Node<'_>, package: &str, member: &str| {
        kind(n) == "selector_expression"
            && names.get(package).is_some_and(|p| {
                n.field("operand")
                    .is_some_and(|o| kind(o) == "identifier" && text(o, src) == p)
                    && n.field("field").is_some_and(|f| text(f, src) == member)
            })
    };
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let hit = match kind(n) {
            "assignment_statement" | "inc_statement" | "dec_statement" => {
                let targets = match n.field("left") {
                    Some(l) => vec![l],
                    None => named_children(n).into_iter().take(1).collect(),
                };
                let mut found = false;
                let mut inner = targets;
                while let Some(t) = inner.pop() {
                    found |= is(t, "os", "Args") || is(t, "flag", "CommandLine");
                    inner.extend(named_children(t));
                }
                found
            }
            "unary_expression" => {
                text(n, src).trim_start().starts_with('&')
                    && n.field("operand").is_some_and(|o| is(o, "os", "Args"))
            }
            "call_expression" => n.field("function").is_some_and(|f| {
                is(f, "flag", "Set")
                    || is(f, "testing", "Init")
                    // Whether the binary is a test binary: code that answers otherwise
                    // under test (`if testing.Testing() { return sum }`), also through the
                    // flags `go test` registers (`flag.Lookup("test.v")`).
                    || is(f, "testing", "Testing")
                    || (is(f, "flag", "Lookup")
                        && n.field("arguments")
                            .and_then(|a| a.named_child(0))
                            .is_some_and(|a| {
                                text(a, src).trim_matches(['"', '`']).starts_with("test.")
                            }))
                    // `flag.CommandLine.Set(…)`, `.Parse(…)`.
                    || (kind(f) == "selector_expression"
                        && f.field("field")
                            .is_some_and(|x| matches!(text(x, src), "Set" | "Parse"))
                        && f.field("operand")
                            .is_some_and(|o| is(o, "flag", "CommandLine")))
            }),
            _ => false,
        };
        if hit {
            let s = go_statement_of(n);
            out.push((
                s.start_position().row + 1,
                super::analysis::normalized(s, src),
            ));
        }
        stack.extend(named_children(n));
    }
    out.sort();
    out.dedup();
    out
}

/// The Go statement (or top-level declaration) that holds `n`.
fn go_statement_of(mut n: Node<'_>) -> Node<'_> {
    while let Some(p) = n.parent() {
        if matches!(kind(p), "block" | "statement_list" | "source_file") {
            break;
        }
        n = p;
    }
    n
}

/// The names a Go file's imports bind (`tax` of `"example.com/shop/tax"`, an alias).
fn go_import_names(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "import_spec" => {
                let name = n.field("name").map(|x| text(x, src));
                let path = n
                    .field("path")
                    .map_or("", |x| text(x, src))
                    .trim_matches(|c| c == '"' || c == '`');
                match name {
                    Some("_" | ".") => {}
                    Some(alias) => {
                        out.insert(alias.to_owned());
                    }
                    None => {
                        out.insert(crate::sacred::analysis::go_import_name(path).to_owned());
                    }
                }
            }
            "function_declaration" | "method_declaration" | "type_declaration" => {}
            _ => stack.extend(named_children(n)),
        }
    }
    out
}

/// Whether a Go `range` clause or `select` case receive assigns variables declared before
/// (`for _, Rate = range rates`, `case Rate = <-ch:`) rather than declaring its own with
/// `:=`: its targets are written as an assignment's are.
pub(crate) fn go_assigns_declared(n: Node<'_>) -> bool {
    if !matches!(kind(n), "range_clause" | "receive_statement") {
        return false;
    }
    let mut c = n.walk();
    n.children(&mut c).any(|t| !t.is_named() && kind(t) == "=")
}

/// Whether calling the Go function `def` writes to something beyond what it declares
/// itself: a package-level variable or a field of one, of this package or of another
/// (`tax.Rate = 10`, `defaults.Limit++`), an element of one, or through a pointer it was
/// handed (`*p = …`); through a local that took one later (`cfg = &tax.Default` after
/// `cfg := &tax.Config{}`); with a built-in that writes its first argument (`copy(tax.Rates,
/// …)`, `delete(tax.Table, …)`, `clear(…)`, `append(tax.Rates[:0], …)`); by calling a method
/// on a package-level variable (`tax.Default.SetRate(5)`, `defaultCfg.Reset()`: a pointer
/// receiver may change it; `os.Stdout`, `os.Stderr` and `os.Stdin` aside); by handing a call
/// a pointer to one (`json.Unmarshal(data, &tax.Default)`); or by changing the process
/// (`os.Setenv`, `os.Chdir`: [`GO_PROCESS_WRITERS`]). A field of a parameter
/// (`cfg.Name = …`, what it was handed to fill) is its own, and so is what a method's
/// pointer receiver points at (`*s = append(*s, v)`). Function literals are not read.
pub(crate) fn go_writes_beyond_locals(def: Node<'_>, src: &str) -> bool {
    !go_writes_beyond_locals_as(def, src, false, false, &BTreeMap::new()).is_empty()
}

/// [`go_writes_beyond_locals`] read for what outlives the call that makes it
/// (`between_tests`): the function literals it holds are read as part of it (a subtest's
/// `t.Run(…, func(t *testing.T) { … })` runs within it), and a target assigned again in a
/// `defer` or a `t.Cleanup(func() { … })` of it (`defer func() { tax.Rate = old }()`) is put
/// back when it ends; so is a package variable a test sets again, as its last statements, to
/// the value it starts with (`initial`: see [`go_reset_at_end`]).
fn go_writes_beyond_locals_as<'t>(
    def: Node<'t>,
    src: &str,
    between_tests: bool,
    all: bool,
    initial: &BTreeMap<String, String>,
) -> Vec<Node<'t>> {
    let Some(body) = def.field("body") else {
        return Vec::new();
    };
    // The names it declares, and those of them bound to a value it made.
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let mut locals: BTreeSet<String> = BTreeSet::new();
    let mut params: BTreeSet<String> = BTreeSet::new();
    let mut receivers: BTreeSet<String> = BTreeSet::new();
    for field in ["receiver", "parameters", "result"] {
        let mut stack: Vec<Node<'_>> = def.field(field).into_iter().collect();
        while let Some(p) = stack.pop() {
            if kind(p) == "parameter_declaration" || kind(p) == "variadic_parameter_declaration" {
                for c in named_children(p) {
                    if kind(c) == "identifier" {
                        params.insert(text(c, src).to_owned());
                        if field == "receiver" {
                            receivers.insert(text(c, src).to_owned());
                        }
                    }
                }
                continue;
            }
            stack.extend(named_children(p));
        }
    }
    let outer_params = params.clone();
    // Locals assigned later (`cfg = &tax.Default`) from what they did not make.
    let mut retaken: BTreeSet<String> = BTreeSet::new();
    // How often each name is bound or assigned anywhere in it (a saved value must be bound
    // once: `old = 9` later, or a shadowing `old := 9`, makes the put-back put back that).
    let mut bound_times: BTreeMap<String, usize> = BTreeMap::new();
    // Targets a deferred or cleanup function assigns again (`between_tests`).
    let compact = |t: Node<'_>| text(t, src).split_whitespace().collect::<String>();
    // `T = old` in such a function, and `old := T` anywhere in it.
    // (With where the deferred or cleanup function is registered: a write before that may be
    // followed by a `t.Fatal` that leaves it unregistered.)
    let mut puts_back: Vec<(String, String, usize, Option<Node<'_>>)> = Vec::new();
    let mut saved: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "func_literal" if !between_tests => continue,
            "func_literal" => {
                let mut inner: Vec<Node<'_>> = n.field("parameters").into_iter().collect();
                while let Some(p) = inner.pop() {
                    if matches!(
                        kind(p),
                        "parameter_declaration" | "variadic_parameter_declaration"
                    ) {
                        for c in named_children(p) {
                            if kind(c) == "identifier" {
                                params.insert(text(c, src).to_owned());
                            }
                        }
                        continue;
                    }
                    inner.extend(named_children(p));
                }
                // `defer func() { … }()`, `t.Cleanup(func() { … })`.
                // A statement of the function's own body (not under an `if`, in a literal
                // called at once or in a goroutine, where it may not run when it ends).
                let at_top = |stmt: Node<'_>| {
                    stmt.parent().is_some_and(|p| {
                        p.id() == body.id()
                            || (kind(p) == "statement_list"
                                && p.parent().is_some_and(|b| b.id() == body.id()))
                    })
                };
                let deferred = n.parent().is_some_and(|c| {
                    kind(c) == "call_expression"
                        && c.field("function").is_some_and(|f| f.id() == n.id())
                        && c.parent()
                            .is_some_and(|d| kind(d) == "defer_statement" && at_top(d))
                });
                // `t.Cleanup(…)` on the test's own `t`, standing as a statement of its body.
                let cleanup = n
                    .parent()
                    .filter(|a| kind(*a) == "argument_list")
                    .and_then(|a| a.parent())
                    .is_some_and(|c| {
                        kind(c) == "call_expression"
                            && c.field("function").is_some_and(|f| {
                                text(f, src)
                                    .strip_suffix(".Cleanup")
                                    .is_some_and(|r| outer_params.contains(r.trim()))
                            })
                            && c.parent()
                                .is_some_and(|e| kind(e) == "expression_statement" && at_top(e))
                    });
                let restoring = deferred || cleanup;
                // The statement that registers it: the `defer`, or `t.Cleanup(…)`'s.
                let registering = n
                    .parent()
                    .and_then(|p| p.parent())
                    .and_then(|p| if deferred { Some(p) } else { p.parent() });
                if restoring {
                    // Only a statement of its own body: one under an `if` may never run.
                    let statements: Vec<Node<'_>> = n
                        .field("body")
                        .map(crate::sacred::analysis::go_block_statements)
                        .unwrap_or_default();
                    // Only the put-backs it starts with: a statement before one may panic,
                    // `t.Fatal` or return (`mustClose(f)`, `return`).
                    for x in statements {
                        if kind(x) == "comment" {
                            continue;
                        }
                        let Some((l, r)) = (kind(x) == "assignment_statement")
                            .then(|| x.field("left").zip(x.field("right")))
                            .flatten()
                            .filter(|(_, r)| {
                                named_children(*r).iter().all(|v| kind(*v) == "identifier")
                            })
                        else {
                            break;
                        };
                        for (t, v) in named_children(l).into_iter().zip(named_children(r)) {
                            puts_back.push((
                                compact(t),
                                text(v, src).to_owned(),
                                n.start_byte(),
                                registering,
                            ));
                        }
                    }
                }
            }
            // `for _, Rate = range rates`, `case Rate = <-ch:`: assignments (read as writes
            // below), which declare nothing.
            "range_clause" | "receive_statement" if go_assigns_declared(n) => {
                for t in n.field("left").map(named_children).unwrap_or_default() {
                    if kind(t) == "identifier" {
                        *bound_times.entry(text(t, src).to_owned()).or_default() += 1;
                        retaken.insert(text(t, src).to_owned());
                    }
                }
            }
            // `switch v := x.(type)`, `case v := <-ch`: names of the function.
            "type_switch_statement" | "receive_statement" => {
                let bound = n.field("alias").or_else(|| n.field("left"));
                for c in bound.map(named_children).unwrap_or_default() {
                    if kind(c) == "identifier" {
                        declared.insert(text(c, src).to_owned());
                    }
                }
            }
            "assignment_statement" => {
                for t in n.field("left").map(named_children).unwrap_or_default() {
                    if kind(t) == "identifier" {
                        *bound_times.entry(text(t, src).to_owned()).or_default() += 1;
                    }
                }
                if let (Some(l), Some(r)) = (n.field("left"), n.field("right")) {
                    let values = named_children(r);
                    let one_call = values.len() == 1 && named_children(l).len() > 1;
                    for (i, target) in named_children(l).into_iter().enumerate() {
                        let made = !one_call
                            && values
                                .get(i)
                                .copied()
                                .is_some_and(|v| go_made_here_in(v, src));
                        if kind(target) == "identifier" && !made {
                            retaken.insert(text(target, src).to_owned());
                        }
                    }
                }
            }
            "short_var_declaration" | "range_clause" | "var_spec" | "const_spec" => {
                if between_tests
                    && kind(n) == "short_var_declaration"
                    && let (Some(l), Some(r)) = (n.field("left"), n.field("right"))
                {
                    for (name, value) in named_children(l).into_iter().zip(named_children(r)) {
                        saved.insert((compact(value), text(name, src).to_owned()), n.start_byte());
                    }
                }
                // Its own only when made here (`&order{}`, `make(…)`, a literal): one taken
                // from another value (`p := &tax.Config`, `m := tax.Table`, a call's result,
                // a range's element) may be that value.
                let right = n.field("right").or_else(|| n.field("value"));
                let made = kind(n) != "range_clause"
                    && right.is_some_and(|r| {
                        named_children(r)
                            .into_iter()
                            .all(|v| go_made_here_in(v, src))
                    });
                let names: Vec<Node<'_>> = match n.field("left") {
                    Some(l) => named_children(l),
                    None => named_children(n)
                        .into_iter()
                        .filter(|c| kind(*c) == "identifier")
                        .collect(),
                };
                for c in names {
                    if kind(c) == "identifier" {
                        *bound_times.entry(text(c, src).to_owned()).or_default() += 1;
                        declared.insert(text(c, src).to_owned());
                        if made || kind(n) == "const_spec" {
                            locals.insert(text(c, src).to_owned());
                        }
                    }
                }
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    locals.retain(|l| !retaken.contains(l));
    // Read once per file: each function of it asks.
    let imports = by_file(&GO_IMPORTS, src, || go_import_names(tree_root(def), src));
    // The name a target starts from, and whether it is the name itself.
    let root = |mut t: Node<'_>| -> (Option<String>, bool) {
        let mut depth = 0;
        loop {
            match kind(t) {
                "identifier" => return (Some(text(t, src).to_owned()), depth == 0),
                "selector_expression" | "index_expression" => match t.field("operand") {
                    Some(o) => t = o,
                    None => return (None, false),
                },
                "parenthesized_expression" => match named_children(t).into_iter().next() {
                    Some(o) => t = o,
                    None => return (None, false),
                },
                // `*p = …` (what the pointer points at), or what cannot be told.
                _ => return (None, false),
            }
            depth += 1;
        }
    };
    let beyond = |t: Node<'_>| {
        // `*s = append(*s, v)` in a method: the value it was called on, its own state as
        // a field of it is (the call on a package variable is judged where it is made).
        if kind(t) == "unary_expression"
            && t.field("operator").is_some_and(|o| text(o, src) == "*")
            && t.field("operand")
                .is_some_and(|o| kind(o) == "identifier" && receivers.contains(text(o, src)))
        {
            return false;
        }
        let direct_field = kind(t) == "selector_expression"
            && t.field("operand").is_some_and(|o| kind(o) == "identifier");
        match root(t) {
            (Some(r), true) => !declared.contains(&r) && !params.contains(&r) && r != "_",
            (Some(r), false) => !(locals.contains(&r) || (params.contains(&r) && direct_field)),
            (None, _) => true,
        }
    };
    // Put back as it was when the function ends: `old := tax.Rate` and a deferred
    // `tax.Rate = old`.
    // Each target with where its value was saved, where the function that puts it back is
    // registered, and the statement that registers it.
    let mut restored: Vec<(String, usize, usize, Option<Node<'_>>)> = Vec::new();
    // A test that runs in parallel (`t.Parallel()`) pauses until every serial test of the
    // package has finished, and runs beside the other parallel ones: what it puts back when
    // it ends is put back after they read what it wrote.
    let parallel = between_tests && go_runs_in_parallel(def, src);
    let puts_back = if parallel { Vec::new() } else { puts_back };
    // Package variables it sets again, as its last statements, to the value the package
    // starts them with.
    let reset: BTreeSet<String> = if between_tests && !parallel && !initial.is_empty() {
        go_reset_at_end(def, body, initial, &declared, &params, src)
    } else {
        BTreeSet::new()
    };
    for (target, value, registered, registering) in puts_back {
        if bound_times.get(&value).copied() != Some(1) {
            continue;
        }
        if let Some(at) = saved.get(&(target.clone(), value)) {
            restored.push((target, *at, registered, registering));
        }
    }
    // A write after the value was saved (one before may have made what was saved), and after
    // the function that puts it back was registered or as the statement just before it
    // (`tax.Rate = 9` then `defer func() { tax.Rate = old }()`: nothing between may stop the
    // test with the function unregistered).
    let put_back = |t: Node<'_>| {
        let target = compact(t);
        if kind(t) == "identifier" && reset.contains(&target) {
            return true;
        }
        restored
            .iter()
            .any(|(r, saved_at, registered, registering)| {
                *r == target
                    && t.start_byte() > *saved_at
                    && (t.start_byte() > *registered
                        || registering.is_some_and(|s| {
                            let same: Vec<&str> = restored
                                .iter()
                                .filter(|o| o.3.map(|x| x.id()) == Some(s.id()))
                                .map(|o| o.0.as_str())
                                .collect();
                            go_runs_next(t, s, &same, src)
                        }))
            })
    };
    let mut hits: Vec<Node<'_>> = Vec::new();
    let mut stack = vec![body];
    'nodes: while let Some(n) = stack.pop() {
        'node: {
            match kind(n) {
                "func_literal" if !between_tests => continue 'nodes,
                // (Also a `range` clause or a `select` case that assigns with `=`.)
                k if k == "assignment_statement" || go_assigns_declared(n) => {
                    if let Some(l) = n.field("left")
                        && named_children(l)
                            .into_iter()
                            .any(|t| beyond(t) && !put_back(t))
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                }
                "inc_statement" | "dec_statement"
                    if named_children(n).into_iter().next().is_some_and(beyond) =>
                {
                    hits.push(n);
                    if !all {
                        return hits;
                    }
                    break 'node;
                }
                "call_expression" => {
                    let Some(f) = n.field("function") else {
                        stack.extend(named_children(n));
                        continue 'nodes;
                    };
                    let callee: String = text(f, src).split_whitespace().collect();
                    if GO_PROCESS_WRITERS.contains(&callee.as_str()) {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                    let args: Vec<Node<'_>> =
                        n.field("arguments").map(named_children).unwrap_or_default();
                    let first = args.first().copied();
                    // `json.Unmarshal(data, &tax.Default)`, `atomic.StoreInt64(&tax.Count, 0)`:
                    // a pointer to what it did not make, handed to a call that may write it.
                    if args.iter().any(|a| {
                        kind(*a) == "unary_expression"
                            && a.field("operator").is_some_and(|o| text(o, src) == "&")
                            && a.field("operand")
                                .is_some_and(|o| kind(o) != "composite_literal" && beyond(o))
                    }) {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                    let builtin = |name: &str| {
                        callee == name && !declared.contains(name) && !params.contains(name)
                    };
                    if (builtin("copy") || builtin("delete") || builtin("clear"))
                        && first.is_some_and(beyond)
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                    // `append(tax.Rates[:0], 5)` writes into the array `tax.Rates` holds.
                    if builtin("append")
                        && first.is_some_and(|a| {
                            kind(a) == "slice_expression"
                                && a.field("operand").is_none_or(|o| {
                                    let (r, _) = root(o);
                                    r.is_none_or(|r| !locals.contains(&r))
                                })
                        })
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                    // A method called on a package-level variable, of this package
                    // (`defaultCfg.Reset()`) or of another (`tax.Default.SetRate(5)`).
                    if kind(f) == "selector_expression"
                        && let Some(operand) = f.field("operand")
                    {
                        let mut names = Vec::new();
                        let mut o = operand;
                        let plain = loop {
                            match kind(o) {
                                "identifier" => {
                                    names.push(text(o, src));
                                    break true;
                                }
                                "selector_expression" => {
                                    names.extend(o.field("field").map(|x| text(x, src)));
                                    match o.field("operand") {
                                        Some(x) => o = x,
                                        None => break false,
                                    }
                                }
                                "parenthesized_expression" => {
                                    match named_children(o).into_iter().next() {
                                        Some(x) => o = x,
                                        None => break false,
                                    }
                                }
                                _ => break false,
                            }
                        };
                        names.reverse();
                        if plain && let Some(first_name) = names.first() {
                            let first_name = (*first_name).to_owned();
                            let package_var = if imports.contains(&first_name) {
                                // `tax.Default.SetRate`: a variable of package `tax`.
                                names.len() >= 2
                                    && !matches!(
                                        names.join(".").as_str(),
                                        "os.Stdout" | "os.Stderr" | "os.Stdin"
                                    )
                            } else {
                                !declared.contains(&first_name)
                                    && !params.contains(&first_name)
                                    && first_name != "_"
                            };
                            // Between tests, a call without arguments whose result is handed on or
                            // compared (`t.Log(cmd.CommandPath())`, `x == cmd.Name()`) reads.
                            // Between tests, `assert.Equal(…)`, `require.NoError(…)`: testify's
                            // packages (a package-level variable of that name is not read).
                            let testify = between_tests
                                && matches!(first_name.as_str(), "assert" | "require");
                            let read = testify
                                || between_tests
                                    && n.field("arguments")
                                        .is_some_and(|a| named_children(a).is_empty())
                                    && n.parent().is_some_and(|p| {
                                        matches!(kind(p), "argument_list" | "binary_expression")
                                    });
                            if package_var && !read {
                                hits.push(n);
                                if !all {
                                    return hits;
                                }
                                break 'node;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        stack.extend(named_children(n));
    }
    hits
}

/// Whether a Go expression makes a new value, not one another holds: a literal, a
/// composite literal or its address (`&order{}`), a call's result, arithmetic.
fn go_made_here(v: Node<'_>) -> bool {
    // What a call returns is taken for a new value (`exec.Command(…)`, `NewCmd()`): a
    // function returning a pointer to a package variable is not followed.
    match kind(v) {
        "composite_literal"
        | "int_literal"
        | "float_literal"
        | "interpreted_string_literal"
        | "raw_string_literal"
        | "rune_literal"
        | "true"
        | "false"
        | "nil"
        | "binary_expression"
        | "call_expression" => true,
        "unary_expression" => named_children(v)
            .into_iter()
            .last()
            .is_some_and(|o| kind(o) == "composite_literal"),
        _ => false,
    }
}

/// [`go_made_here`], but for the call of a function its file declares (`cfg()` after `func
/// cfg() *tax.Config { return &tax.Default }`): new only when everything each of its
/// `return`s hands back is (followed 8 functions deep).
fn go_made_here_in(v: Node<'_>, src: &str) -> bool {
    go_made_here_within(v, src, 8)
}

fn go_made_here_within(v: Node<'_>, src: &str, depth: usize) -> bool {
    if !go_made_here(v) {
        return false;
    }
    if kind(v) != "call_expression" {
        return true;
    }
    let Some(name) = v
        .field("function")
        .filter(|f| kind(*f) == "identifier")
        .map(|f| text(f, src))
    else {
        return true;
    };
    let mut root = v;
    while let Some(p) = root.parent() {
        root = p;
    }
    let Some(def) = named_children(root).into_iter().find(|d| {
        kind(*d) == "function_declaration" && d.field("name").is_some_and(|n| text(n, src) == name)
    }) else {
        return true;
    };
    if depth == 0 {
        return false;
    }
    // Its locals bound once, by `:=` or `var`, to a value it made (`c := &Command{}`), and
    // never assigned again.
    let mut bound: BTreeMap<String, Vec<Option<Node<'_>>>> = BTreeMap::new();
    let mut stack: Vec<Node<'_>> = def.field("body").into_iter().collect();
    while let Some(n) = stack.pop() {
        match kind(n) {
            "short_var_declaration" | "var_spec" | "assignment_statement" | "range_clause" => {
                let names = n.field("left").map_or_else(
                    || {
                        named_children(n)
                            .into_iter()
                            .filter(|c| kind(*c) == "identifier")
                            .collect()
                    },
                    named_children,
                );
                let values: Vec<Node<'_>> = n
                    .field("right")
                    .or_else(|| n.field("value"))
                    .map(named_children)
                    .unwrap_or_default();
                // A declaration pairs each name with its value (`a, b := f()` binds what
                // one call hands back: not read); an assignment binds again.
                let paired = matches!(kind(n), "short_var_declaration" | "var_spec")
                    && values.len() == names.len();
                for (i, name) in names.into_iter().enumerate() {
                    if kind(name) == "identifier" {
                        let value = values.get(i).copied().filter(|_| paired);
                        bound
                            .entry(text(name, src).to_owned())
                            .or_default()
                            .push(value);
                    }
                }
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    let made_local = |x: Node<'_>| {
        kind(x) == "identifier"
            && bound.get(text(x, src)).is_some_and(
                |vs| matches!(vs.as_slice(), [Some(v)] if go_made_here_within(*v, src, depth - 1)),
            )
    };
    let mut stack: Vec<Node<'_>> = def.field("body").into_iter().collect();
    while let Some(n) = stack.pop() {
        match kind(n) {
            "func_literal" => continue,
            "return_statement" => {
                let values: Vec<Node<'_>> = named_children(n)
                    .into_iter()
                    .flat_map(|e| {
                        if kind(e) == "expression_list" {
                            named_children(e)
                        } else {
                            vec![e]
                        }
                    })
                    .collect();
                // A bare `return` of named results hands back what they hold.
                if values.is_empty()
                    && def
                        .field("result")
                        .is_some_and(|r| kind(r) == "parameter_list")
                {
                    return false;
                }
                if !values
                    .into_iter()
                    .all(|x| made_local(x) || go_made_here_within(x, src, depth - 1))
                {
                    return false;
                }
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    true
}

/// The name a JavaScript member access starts from (`a` of `a.b[c].d`, `this`).
fn js_member_root(mut t: Node<'_>) -> Option<Node<'_>> {
    loop {
        match kind(t) {
            "identifier" | "this" => return Some(t),
            "member_expression" | "subscript_expression" => {
                t = t.field("object")?;
            }
            // `(options.headers as Headers).x`, `(billing as any).total`.
            "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
            | "type_assertion" => {
                t = named_children(t)
                    .into_iter()
                    .find(|c| !matches!(kind(*c), "type_arguments" | "type_annotation"))?;
            }
            _ => return None,
        }
    }
}

/// A JavaScript member access as a path (`Request.prototype.next` of `(Request.prototype as
/// any).next`, `a.b[c]` as written but for casts and parentheses): `None` for one that does
/// not start from a name.
fn js_member_path(t: Node<'_>, src: &str) -> Option<String> {
    match kind(t) {
        "identifier" | "this" => Some(text(t, src).to_owned()),
        "member_expression" => {
            let object = js_member_path(t.field("object")?, src)?;
            let property = text(t.field("property")?, src);
            Some(format!("{object}.{property}"))
        }
        "subscript_expression" => {
            let object = js_member_path(t.field("object")?, src)?;
            let index: String = text(t.field("index")?, src).split_whitespace().collect();
            Some(format!("{object}[{index}]"))
        }
        "parenthesized_expression"
        | "non_null_expression"
        | "as_expression"
        | "satisfies_expression"
        | "type_assertion" => js_member_path(
            named_children(t)
                .into_iter()
                .find(|c| !matches!(kind(*c), "type_arguments" | "type_annotation"))?,
            src,
        ),
        _ => None,
    }
}

/// The statements of a JavaScript block, or the one statement that stands in its place.
fn js_block_statements(b: Node<'_>) -> Vec<Node<'_>> {
    if kind(b) == "statement_block" {
        named_children(b)
    } else {
        vec![b]
    }
}

/// What a write of a JavaScript function sets, as `object.member` (`globalThis.setTimeout =
/// …`, `Object.defineProperty(Request.prototype, 'next', …)`, `delete Request.prototype.next`).
fn js_write_target(n: Node<'_>, src: &str) -> Option<String> {
    let compact = |x: Node<'_>| {
        js_member_path(x, src).unwrap_or_else(|| text(x, src).split_whitespace().collect())
    };
    match kind(n) {
        "assignment_expression" => n.field("left").map(compact),
        "unary_expression" => n.field("argument").map(compact),
        "call_expression" => {
            let callee = compact(n.field("function")?);
            let args = named_children(n.field("arguments")?);
            (callee == "Object.defineProperty" && args.len() == 3).then(|| {
                let key = text(args[1], src).trim_matches(|c| c == '\'' || c == '"' || c == '`');
                format!("{}.{key}", compact(args[0]))
            })
        }
        _ => None,
    }
}

/// A member a JavaScript `finally` puts back ([`js_put_back_in_finally`]).
struct PutBackJs<'t> {
    target: String,
    /// Where the value put back was saved.
    saved_at: usize,
    /// The `try` whose `finally` puts it back.
    try_statement: Node<'t>,
    /// The statement of the `finally` that does (a write inside it is the put-back).
    statement: Node<'t>,
}

/// The members a JavaScript function puts back in a `finally` as they were before it ran: `T =
/// v` where `const v = T`, and `Object.defineProperty(O, K, d)` (or `delete O.K`, when there
/// was none) where `const d = Object.getOwnPropertyDescriptor(O, K)`; each with where its
/// value was saved (a write before that is not put back: the saved value may be its own).
fn js_put_back_in_finally<'t>(body: Node<'t>, src: &str) -> Vec<PutBackJs<'t>> {
    let compact = |x: Node<'_>| {
        js_member_path(x, src).unwrap_or_else(|| text(x, src).split_whitespace().collect())
    };
    // Each saved value by its local's name: its text, and where it was saved.
    let mut saved: BTreeMap<String, (String, usize)> = BTreeMap::new();
    // How often each name is bound or assigned in it: a saved value bound twice (`orig =
    // pay.total` after the change, a shadowing `const orig` in the `finally`) is not the
    // value from before.
    let mut bound_times: BTreeMap<String, usize> = BTreeMap::new();
    let mut finals: Vec<Node<'t>> = Vec::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "variable_declarator" => {
                if let Some(name) = n.field("name") {
                    let mut names = vec![name];
                    while let Some(x) = names.pop() {
                        if matches!(
                            kind(x),
                            "identifier" | "shorthand_property_identifier_pattern"
                        ) {
                            *bound_times.entry(text(x, src).to_owned()).or_default() += 1;
                        }
                        names.extend(named_children(x));
                    }
                }
                if let (Some(name), Some(value)) = (n.field("name"), n.field("value"))
                    && kind(name) == "identifier"
                {
                    saved.insert(text(name, src).to_owned(), (compact(value), n.start_byte()));
                }
            }
            "assignment_expression" | "augmented_assignment_expression" | "update_expression" => {
                let target = n.field("left").or_else(|| n.field("argument"));
                let mut names: Vec<Node<'_>> = target.into_iter().collect();
                while let Some(x) = names.pop() {
                    if matches!(
                        kind(x),
                        "identifier" | "shorthand_property_identifier_pattern"
                    ) {
                        *bound_times.entry(text(x, src).to_owned()).or_default() += 1;
                    }
                    if !matches!(kind(x), "member_expression" | "subscript_expression") {
                        names.extend(named_children(x));
                    }
                }
            }
            // Only a `try` standing as a statement of the function's own body: its `finally`
            // surely runs when the function ends.
            "finally_clause"
                if n.parent()
                    .and_then(|t| t.parent())
                    .is_some_and(|b| b.id() == body.id()) =>
            {
                finals.push(n);
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    saved.retain(|name, _| bound_times.get(name).copied() == Some(1));
    let mut out: Vec<PutBackJs<'t>> = Vec::new();
    // What one statement puts back, if it surely runs where it stands.
    let put_back = |x: Node<'_>| -> Option<(String, usize)> {
        let e = if kind(x) == "expression_statement" {
            named_children(x).into_iter().next()?
        } else {
            x
        };
        match kind(e) {
            "assignment_expression" => {
                let (l, r) = (e.field("left")?, e.field("right")?);
                let (value, at) = saved
                    .get(text(r, src))
                    .filter(|_| kind(r) == "identifier")?;
                (*value == compact(l)).then(|| (compact(l), *at))
            }
            "call_expression" => {
                let target = js_write_target(e, src)?;
                let args = named_children(e.field("arguments")?);
                let [o, k, d] = args.as_slice() else {
                    return None;
                };
                let (value, at) = saved
                    .get(text(*d, src))
                    .filter(|_| kind(*d) == "identifier")?;
                (*value
                    == format!(
                        "Object.getOwnPropertyDescriptor({},{})",
                        compact(*o),
                        compact(*k)
                    ))
                .then_some((target, *at))
            }
            _ => None,
        }
    };
    for f in finals {
        let (Some(block), Some(try_statement)) = (f.field("body"), f.parent()) else {
            continue;
        };
        // Only the put-backs the `finally` starts with surely run: a statement before one
        // may throw or leave the clause (`JSON.parse(s)`, `return`).
        for x in named_children(block) {
            if kind(x) == "comment" {
                continue;
            }
            let mut puts_back = false;
            if let Some((t, at)) = put_back(x) {
                out.push(PutBackJs {
                    target: t,
                    saved_at: at,
                    try_statement,
                    statement: x,
                });
                puts_back = true;
            }
            // `if (d) { Object.defineProperty(O, K, d) } else { delete O.K }`: put back
            // either way, when `d` is the saved descriptor (no member to put back else).
            if kind(x) == "if_statement"
                && let (Some(cond), Some(then)) = (x.field("condition"), x.field("consequence"))
                && let Some(alt) = x
                    .field("alternative")
                    .and_then(|a| named_children(a).into_iter().next())
            {
                let cond = text(cond, src)
                    .trim_matches(|c| c == '(' || c == ')')
                    .trim();
                for st in js_block_statements(then) {
                    let Some((t, at)) = put_back(st) else {
                        continue;
                    };
                    let descriptor_restore = named_children(st)
                        .into_iter()
                        .next()
                        .and_then(|c| c.field("arguments"))
                        .and_then(|a| named_children(a).into_iter().nth(2))
                        .is_some_and(|d| text(d, src) == cond);
                    let deletes_else = js_block_statements(alt).into_iter().any(|e| {
                        named_children(e).into_iter().next().is_some_and(|u| {
                            kind(u) == "unary_expression"
                                && js_write_target(u, src).as_deref() == Some(t.as_str())
                        })
                    });
                    if descriptor_restore && deletes_else {
                        out.push(PutBackJs {
                            target: t,
                            saved_at: at,
                            try_statement,
                            statement: x,
                        });
                        puts_back = true;
                    }
                }
            }
            // `if (old === undefined) { delete O.K } else { O.K = old }` (and the same with
            // the condition negated and the branches swapped): put back either way, when
            // `old` is the saved `O.K` and the branch that deletes is the one where it was
            // not there.
            if kind(x) == "if_statement"
                && let (Some(cond), Some(then)) = (x.field("condition"), x.field("consequence"))
                && let Some(alt) = x
                    .field("alternative")
                    .and_then(|a| named_children(a).into_iter().next())
            {
                let cond: String = text(cond, src)
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
                    .collect();
                let absent = |s: &str| {
                    [
                        format!("{s}===undefined"),
                        format!("{s}==undefined"),
                        format!("{s}==null"),
                        format!("typeof{s}==='undefined'"),
                        format!("typeof{s}===\"undefined\""),
                    ]
                    .contains(&cond)
                };
                let present = |s: &str| {
                    [
                        format!("{s}!==undefined"),
                        format!("{s}!=undefined"),
                        format!("{s}!=null"),
                        format!("typeof{s}!=='undefined'"),
                        format!("typeof{s}!==\"undefined\""),
                    ]
                    .contains(&cond)
                };
                let deletes = |branch: Node<'_>, t: &str| {
                    let sts = js_block_statements(branch);
                    sts.len() == 1
                        && named_children(sts[0]).into_iter().next().is_some_and(|u| {
                            kind(u) == "unary_expression"
                                && u.field("operator")
                                    .is_some_and(|o| text(o, src) == "delete")
                                && js_write_target(u, src).as_deref() == Some(t)
                        })
                };
                for (restores, deleting, holds) in [
                    (alt, then, &absent as &dyn Fn(&str) -> bool),
                    (then, alt, &present as &dyn Fn(&str) -> bool),
                ] {
                    for st in js_block_statements(restores) {
                        let Some((t, at)) = put_back(st) else {
                            continue;
                        };
                        let from = named_children(st)
                            .into_iter()
                            .next()
                            .and_then(|e| e.field("right"))
                            .map(|r| text(r, src).to_owned());
                        if from.is_some_and(|s| holds(&s)) && deletes(deleting, &t) {
                            out.push(PutBackJs {
                                target: t,
                                saved_at: at,
                                try_statement,
                                statement: x,
                            });
                            puts_back = true;
                        }
                    }
                }
            }
            if !puts_back {
                break;
            }
        }
    }
    // (`delete O.K` beside such a put-back, when the member was not there before, writes
    // the same target.)
    out
}

/// Whether the `try` statement `t` surely starts once the write `h` has run: `h` is a
/// statement of the block that holds `t`, before it, with only declarations of names,
/// literals and functions between (nothing that may throw: a test skipped by a throw,
/// mocha's `this.skip()`, Vitest's `ctx.skip()`, would leave the write in place; a member
/// written between may run a setter that does).
fn js_runs_next(h: Node<'_>, t: Node<'_>) -> bool {
    let Some(block) = t.parent() else {
        return false;
    };
    let statements: Vec<Node<'_>> = named_children(block)
        .into_iter()
        .filter(|s| kind(*s) != "comment")
        .collect();
    let holds_h = |s: Node<'_>| {
        kind(s) == "expression_statement"
            && named_children(s)
                .into_iter()
                .next()
                .is_some_and(|e| e.id() == h.id())
    };
    let (Some(hi), Some(ti)) = (
        statements.iter().position(|s| holds_h(*s)),
        statements.iter().position(|s| s.id() == t.id()),
    ) else {
        return false;
    };
    let inert = |v: Node<'_>| {
        // A TypeScript cast or parentheses around it (`(fn) as typeof setTimeout`).
        let mut v = v;
        while matches!(
            kind(v),
            "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression"
        ) {
            match named_children(v).into_iter().next() {
                Some(inner) => v = inner,
                None => return false,
            }
        }
        matches!(
            kind(v),
            "identifier"
                | "string"
                | "number"
                | "true"
                | "false"
                | "null"
                | "undefined"
                | "arrow_function"
                | "function_expression"
                | "function"
        ) || (kind(v) == "template_string"
            && !named_children(v)
                .iter()
                .any(|c| kind(*c) == "template_substitution"))
    };
    hi < ti
        && statements[hi + 1..ti].iter().all(|s| {
            matches!(kind(*s), "lexical_declaration" | "variable_declaration")
                && named_children(*s)
                    .into_iter()
                    .filter(|d| kind(*d) == "variable_declarator")
                    .all(|d| {
                        d.field("name").is_some_and(|n| kind(n) == "identifier")
                            && d.field("value").is_none_or(inert)
                    })
        })
}

/// Whether `name` is bound anywhere under `body` (assigned, declared, a parameter of a
/// nested function, a `catch` or a destructuring target): there it may be another object
/// than the one the function was handed (`t = {is: (a, f) => f(a)}`).
fn js_binds_name_in(body: Node<'_>, name: &str, src: &str) -> bool {
    js_times_bound(body, name, src) > 0
}

/// How many times `name` is bound under `node`: declarations, parameters, imports, `catch`,
/// assignments, updates and destructuring targets.
pub(crate) fn js_times_bound(node: Node<'_>, name: &str, src: &str) -> usize {
    let mut count = 0;
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        stack.extend(named_children(n));
        if !matches!(
            kind(n),
            "identifier" | "shorthand_property_identifier_pattern"
        ) || text(n, src) != name
        {
            continue;
        }
        let Some(p) = n.parent() else {
            continue;
        };
        let left_of = |field: &str| p.field(field).map(|x| x.id()) == Some(n.id());
        let binds = match kind(p) {
            "variable_declarator"
            | "function_declaration"
            | "generator_function_declaration"
            | "class_declaration"
            | "function_expression"
            | "class" => left_of("name"),
            "assignment_expression" | "augmented_assignment_expression" | "for_in_statement" => {
                left_of("left")
            }
            "catch_clause" | "arrow_function" => left_of("parameter"),
            "import_specifier" => left_of("alias") || p.field("alias").is_none(),
            "update_expression"
            | "formal_parameters"
            | "required_parameter"
            | "optional_parameter"
            | "assignment_pattern"
            | "object_pattern"
            | "array_pattern"
            | "pair_pattern"
            | "rest_pattern"
            | "object_assignment_pattern"
            | "import_clause"
            | "namespace_import" => true,
            _ => false,
        };
        if binds {
            count += 1;
        }
    }
    count
}

/// The calls that set a member of their first argument's object (`Object.defineProperty(o,
/// …)`).
const JS_REFLECTIVE_SETTERS: &[&str] = &[
    "Object.defineProperty",
    "Object.defineProperties",
    "Object.assign",
    "Object.setPrototypeOf",
    "Reflect.set",
    "Reflect.defineProperty",
    "Reflect.setPrototypeOf",
];

/// The tree-sitter kinds of a JavaScript/TypeScript function.
pub(crate) const JS_FUNCTION_KINDS: &[&str] = &[
    "function_declaration",
    "function_expression",
    "function",
    "arrow_function",
    "generator_function",
    "generator_function_declaration",
    "method_definition",
];

/// What a JavaScript/TypeScript test's context (AVA's `t`, `node:test`'s) asserts and
/// decides with: a helper handed it may not replace these.
const JS_CONTEXT_MACHINERY: &[&str] = &[
    "is",
    "not",
    "deepEqual",
    "notDeepEqual",
    "like",
    "throws",
    "throwsAsync",
    "notThrows",
    "notThrowsAsync",
    "true",
    "false",
    "truthy",
    "falsy",
    "pass",
    "fail",
    "plan",
    "skip",
    "todo",
    "teardown",
    "timeout",
    "assert",
    "regex",
    "notRegex",
    "snapshot",
    "try",
    "log",
    "equal",
    "strictEqual",
    "notEqual",
    "ok",
    "end",
    "after",
    "before",
    "afterEach",
    "beforeEach",
    "test",
    "diagnostic",
    "mock",
];

/// Whether a JavaScript/TypeScript value may be an object that exists rather than one made
/// where it is written: a name, a member, an item; a module (`require(…)`, `await
/// import(…)`, what `createRequire(…)` returns called); what `Object(…)`, `Reflect.get(…)` or
/// `Object.getPrototypeOf(…)` hands back; an operand of `||`, `&&`, `??`, `? :`, `await`, a
/// sequence or a TypeScript cast that may be one (`billing || {}` is `billing`).
fn js_may_alias(v: Node<'_>, src: &str) -> bool {
    match kind(v) {
        "identifier" | "member_expression" | "subscript_expression" | "this" => true,
        "parenthesized_expression"
        | "await_expression"
        | "ternary_expression"
        | "sequence_expression"
        | "as_expression"
        | "satisfies_expression"
        | "non_null_expression"
        | "type_assertion" => named_children(v).into_iter().any(|c| js_may_alias(c, src)),
        "binary_expression" => {
            v.field("operator")
                .is_some_and(|o| matches!(text(o, src), "||" | "&&" | "??"))
                && named_children(v).into_iter().any(|c| js_may_alias(c, src))
        }
        "call_expression" => {
            let Some(f) = v.field("function") else {
                return true;
            };
            if kind(f) == "call_expression" {
                return true;
            }
            let callee: String = text(f, src).split_whitespace().collect();
            matches!(
                callee.as_str(),
                "require"
                    | "import"
                    | "module.require"
                    | "Object"
                    | "Reflect.get"
                    | "Object.getPrototypeOf"
                    | "Reflect.getPrototypeOf"
            )
        }
        _ => false,
    }
}

/// sinon's functions that replace a member of the object they are handed first.
const SINON_PATCHERS: &[&str] = &["stub", "spy", "replace", "replaceGetter", "replaceSetter"];

/// The names a JavaScript/TypeScript file binds to sinon's patchers, under any name: the
/// module (`const sn = require('sinon')`, `import * as sn from 'sinon'`, a default import),
/// a patcher imported by name (`const {stub} = require('sinon')`, `import {replace as r}
/// from 'sinon'`), and a sandbox, whose patchers are the module's (`const box =
/// sinon.createSandbox()`, `holder = make()` after `const {createSandbox: make} =
/// require('sinon')`, `this.box = sn.sandbox.create()`).
#[derive(Default)]
struct SinonNames {
    /// The module, and the sandboxes (as written: `box`, `this.box`).
    objects: BTreeSet<String>,
    /// Patchers called by a name of their own (`stub(billing, 'total')`).
    patchers: BTreeSet<String>,
}

impl SinonNames {
    /// Read from the file that holds `def` (nothing when it never names sinon).
    fn of(def: Node<'_>, src: &str) -> Self {
        let mut out = SinonNames::default();
        if !src.contains("sinon") {
            return out;
        }
        let mut root = def;
        while let Some(p) = root.parent() {
            root = p;
        }
        let sinon_spec = |s: Node<'_>| {
            let t = text(s, src).trim_matches(|c| matches!(c, '\'' | '"' | '`'));
            t == "sinon" || t.starts_with("sinon/")
        };
        let compact = |n: Node<'_>| text(n, src).split_whitespace().collect::<String>();
        let mut creators: BTreeSet<String> = BTreeSet::new();
        // What a name imported from sinon is: its key (`createSandbox`) and the local name.
        let mut imported = |key: &str, local: &str, out: &mut SinonNames| {
            if SINON_PATCHERS.contains(&key) {
                out.patchers.insert(local.to_owned());
            } else if key == "createSandbox" {
                creators.insert(local.to_owned());
            } else if key == "default" || key == "sandbox" {
                out.objects.insert(local.to_owned());
            }
        };
        let mut values: Vec<(Node<'_>, Node<'_>)> = Vec::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            match kind(n) {
                "import_statement" => {
                    if n.field("source").is_some_and(sinon_spec) {
                        let mut inner = named_children(n);
                        while let Some(x) = inner.pop() {
                            match kind(x) {
                                // `import sn from`, `import * as sn from`.
                                "identifier"
                                    if x.parent().is_some_and(|p| {
                                        matches!(kind(p), "import_clause" | "namespace_import")
                                    }) =>
                                {
                                    out.objects.insert(text(x, src).to_owned());
                                }
                                "import_specifier" => {
                                    let key = x.field("name").map(|k| text(k, src));
                                    let local = x
                                        .field("alias")
                                        .or_else(|| x.field("name"))
                                        .map(|k| text(k, src));
                                    if let (Some(key), Some(local)) = (key, local) {
                                        imported(key, local, &mut out);
                                    }
                                }
                                _ => inner.extend(named_children(x)),
                            }
                        }
                    }
                    continue;
                }
                "variable_declarator" => {
                    if let (Some(l), Some(r)) = (n.field("name"), n.field("value")) {
                        values.push((l, r));
                    }
                }
                "assignment_expression" => {
                    if let (Some(l), Some(r)) = (n.field("left"), n.field("right")) {
                        values.push((l, r));
                    }
                }
                _ => {}
            }
            stack.extend(named_children(n));
        }
        // `require('sinon')`, also behind `await`, in parentheses or through `.default`.
        let required = |mut v: Node<'_>| loop {
            match kind(v) {
                "await_expression" | "parenthesized_expression" => {
                    match named_children(v).into_iter().next() {
                        Some(x) => v = x,
                        None => return false,
                    }
                }
                "call_expression" => {
                    return v
                        .field("function")
                        .is_some_and(|f| matches!(text(f, src), "require" | "import"))
                        && v.field("arguments")
                            .and_then(|a| named_children(a).into_iter().next())
                            .is_some_and(|s| kind(s) == "string" && sinon_spec(s));
                }
                _ => return false,
            }
        };
        for (l, r) in &values {
            if !required(*r) {
                continue;
            }
            if kind(*l) == "identifier" {
                out.objects.insert(text(*l, src).to_owned());
                continue;
            }
            for p in named_children(*l) {
                match kind(p) {
                    "shorthand_property_identifier_pattern" => {
                        imported(text(p, src), text(p, src), &mut out);
                    }
                    "pair_pattern" => {
                        if let (Some(k), Some(v)) = (p.field("key"), p.field("value"))
                            && kind(v) == "identifier"
                        {
                            imported(text(k, src), text(v, src), &mut out);
                        }
                    }
                    _ => {}
                }
            }
        }
        // The sandboxes, made by a creator or the module's `createSandbox`/`sandbox.create`.
        for (l, r) in &values {
            let mut v = *r;
            while matches!(kind(v), "await_expression" | "parenthesized_expression") {
                match named_children(v).into_iter().next() {
                    Some(x) => v = x,
                    None => break,
                }
            }
            if kind(v) != "call_expression" {
                continue;
            }
            let Some(f) = v.field("function") else {
                continue;
            };
            let callee = compact(f);
            let made = creators.contains(&callee)
                || ["createSandbox", "sandbox.create"].iter().any(|m| {
                    callee
                        .strip_suffix(m)
                        .and_then(|o| o.strip_suffix('.'))
                        .is_some_and(|o| o == "sinon" || out.objects.contains(o))
                });
            if made && matches!(kind(*l), "identifier" | "member_expression") {
                out.objects.insert(compact(*l));
            }
        }
        out
    }
}

/// The module-level function of the JavaScript/TypeScript file holding `at` named `name`
/// (`function name(…) {…}`, `const name = (…) => …`, `= function …`), exported or not.
fn js_module_function<'t>(at: Node<'t>, name: &str, src: &str) -> Option<Node<'t>> {
    let mut root = at;
    while let Some(p) = root.parent() {
        root = p;
    }
    named_children(root).into_iter().find_map(|top| {
        let top = if kind(top) == "export_statement" {
            top.field("declaration")?
        } else {
            top
        };
        match kind(top) {
            "function_declaration" | "generator_function_declaration" => top
                .field("name")
                .is_some_and(|n| text(n, src) == name)
                .then_some(top),
            "lexical_declaration" | "variable_declaration" => {
                named_children(top).into_iter().find_map(|d| {
                    let n = d.field("name")?;
                    let v = d.field("value")?;
                    (kind(n) == "identifier"
                        && text(n, src) == name
                        && JS_FUNCTION_KINDS.contains(&kind(v)))
                    .then_some(v)
                })
            }
            _ => None,
        }
    })
}

/// Whether `v` calls a function of its file (by its plain name) that may return an object
/// that exists (`function mod() { return billing; }`, then `const m = mod()`).
fn js_call_returns_existing(v: Node<'_>, src: &str) -> bool {
    js_call_returns_existing_within(v, src, 8)
}

fn js_call_returns_existing_within(v: Node<'_>, src: &str, depth: usize) -> bool {
    let mut v = v;
    while matches!(
        kind(v),
        "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
    ) {
        match named_children(v).into_iter().next() {
            Some(x) => v = x,
            None => return false,
        }
    }
    kind(v) == "call_expression"
        && v.field("function")
            .filter(|f| kind(*f) == "identifier")
            .and_then(|f| js_module_function(v, text(f, src), src))
            .is_some_and(|g| depth == 0 || js_returns_existing(g, src, depth - 1))
}

/// Whether the JavaScript/TypeScript function `f` may return an object that exists rather
/// than one it made: a `return` (or an arrow's expression body) of a name, a member or an
/// item ([`js_may_alias`]), unless a name it binds once, to a value it made (`const t = new
/// Till(); return t`), or the call of another function of the file that may. Functions and
/// classes it holds are not read.
fn js_returns_existing(f: Node<'_>, src: &str, depth: usize) -> bool {
    let Some(body) = f.field("body") else {
        return false;
    };
    let mut values: Vec<Node<'_>> = Vec::new();
    let mut declared: BTreeMap<String, Vec<Node<'_>>> = BTreeMap::new();
    if kind(body) == "statement_block" {
        let mut stack = named_children(body);
        while let Some(n) = stack.pop() {
            if JS_FUNCTION_KINDS.contains(&kind(n))
                || matches!(kind(n), "class" | "class_declaration")
            {
                continue;
            }
            if kind(n) == "return_statement" {
                values.extend(named_children(n).into_iter().next());
            }
            if kind(n) == "variable_declarator"
                && let (Some(name), Some(value)) = (n.field("name"), n.field("value"))
                && kind(name) == "identifier"
            {
                declared
                    .entry(text(name, src).to_owned())
                    .or_default()
                    .push(value);
            }
            stack.extend(named_children(n));
        }
    } else {
        values.push(body);
    }
    let made =
        |v: Node<'_>| !js_may_alias(v, src) && !js_call_returns_existing_within(v, src, depth);
    values.into_iter().any(|v| {
        if js_call_returns_existing_within(v, src, depth) {
            return true;
        }
        if !js_may_alias(v, src) {
            return false;
        }
        let mut inner = v;
        while matches!(kind(inner), "parenthesized_expression" | "await_expression") {
            match named_children(inner).into_iter().next() {
                Some(x) => inner = x,
                None => break,
            }
        }
        if kind(inner) != "identifier" {
            return true;
        }
        let name = text(inner, src);
        let once = declared
            .get(name)
            .is_some_and(|vs| vs.len() == 1 && made(vs[0]));
        !(once && js_times_bound(f, name, src) == 1)
    })
}

/// What a call of a mocking library changes (`jest.spyOn(billing, 'total')` replaces
/// `billing.total` until restored): `Some(true)` for one that changes what modules or
/// globals hold whatever it is handed (`jest.mock('../billing')`, `vi.stubGlobal(…)`),
/// `Some(false)` for one that replaces a member of the object it is handed first (`spyOn`,
/// `replaceProperty`, `sinon.stub`/`spy`/`replace…` also under the names of `sinon`,
/// `td.replace`, node:test's `mock.method`), `None` for any other call.
fn js_mocks_beyond(callee: &str, sinon: &SinonNames) -> Option<bool> {
    if sinon.patchers.contains(callee) {
        return Some(false);
    }
    let (object, method) = callee.rsplit_once('.')?;
    let root = object.split('.').next().unwrap_or(object);
    match method {
        "mock" | "doMock" | "setMock" | "unstable_mockModule" | "stubGlobal" | "stubEnv"
            if matches!(root, "jest" | "vi") =>
        {
            Some(true)
        }
        "spyOn" | "replaceProperty" => Some(false),
        m if SINON_PATCHERS.contains(&m)
            && (root == "sinon"
                || object.to_ascii_lowercase().contains("sandbox")
                || sinon.objects.contains(object)
                || sinon.objects.contains(root)) =>
        {
            Some(false)
        }
        "replace" if root == "td" => Some(false),
        "method" | "getter" | "setter" if object.rsplit('.').next() == Some("mock") => Some(false),
        _ => None,
    }
}

/// Whether calling the JavaScript/TypeScript function `def` writes to something beyond what
/// it creates itself: a member of a name it does not bind (`Array.prototype.reduce = …`,
/// `globalThis.fetch = …`, `billing.total = …` on a required module, `expect.x = …`), a
/// nested member, an item or the assertion machinery of a parameter (`t.is = …`; `t.context.x
/// = …` and `options.x = …` are what it was handed to fill), or of a local bound to one of
/// those; `delete` of one; `Object.defineProperty`, `Object.assign`, `Object.setPrototypeOf`,
/// `Reflect.set` or `Reflect.defineProperty` on one. Nested functions are not read.
pub(crate) fn js_writes_beyond_locals(def: Node<'_>, src: &str) -> bool {
    !js_writes_beyond_locals_as(def, src, false, &Between::default(), false).is_empty()
}

/// Whether a JavaScript/TypeScript expression holds another's object: a name the function
/// does not bind (`bound`) other than a global of the language, or one bound to another's
/// object (`aliased`), read through members, object values and call arguments, not into
/// function literals.
fn js_holds_foreign(
    v: Node<'_>,
    src: &str,
    aliased: &BTreeSet<String>,
    bound: &dyn Fn(&str) -> bool,
) -> bool {
    let mut stack = vec![v];
    while let Some(x) = stack.pop() {
        match kind(x) {
            "identifier" => {
                let name = text(x, src);
                let global = matches!(
                    name,
                    "undefined"
                        | "Infinity"
                        | "NaN"
                        | "console"
                        | "JSON"
                        | "Math"
                        | "Number"
                        | "String"
                        | "Boolean"
                        | "Array"
                        | "Object"
                        | "Promise"
                        | "Date"
                        | "Error"
                        | "Symbol"
                );
                let callee = x.parent().is_some_and(|c| {
                    kind(c) == "call_expression"
                        && c.field("function").map(|f| f.id()) == Some(x.id())
                });
                // A name bound to another's object (`const p = pay`)
                // holds it.
                if !callee && (aliased.contains(name) || (!global && !bound(name))) {
                    return true;
                }
            }
            "member_expression" => {
                stack.extend(x.field("object"));
                continue;
            }
            "pair" => {
                stack.extend(x.field("value"));
                continue;
            }
            // What a call or `new` is handed, not the function or class it calls.
            "call_expression" | "new_expression" => {
                stack.extend(x.field("arguments"));
                continue;
            }
            _ if JS_FUNCTION_KINDS.contains(&kind(x)) => continue,
            _ => {}
        }
        stack.extend(named_children(x));
    }
    false
}

/// The names a JavaScript/TypeScript pattern binds, at any depth (`m`, `{m, n: [o]}`).
fn js_names_in(pattern: Node<'_>, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![pattern];
    while let Some(x) = stack.pop() {
        if matches!(
            kind(x),
            "identifier" | "shorthand_property_identifier_pattern"
        ) {
            out.push(text(x, src).to_owned());
        }
        stack.extend(named_children(x));
    }
    out
}

/// The names a JavaScript/TypeScript file binds at its top to a module it imports (`import
/// path from 'node:path'`, `import * as fs from …`, `const os = require('os')`), and all
/// the names it declares there, read from the file holding `def`.
fn js_import_bound_names(
    def: Node<'_>,
    src: &str,
) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let mut root = def;
    while let Some(p) = root.parent() {
        root = p;
    }
    let mut out = BTreeSet::new();
    let mut declared = BTreeSet::new();
    let mut functions = BTreeSet::new();
    for top in named_children(root) {
        match kind(top) {
            "import_statement" => {
                let mut stack = named_children(top);
                while let Some(x) = stack.pop() {
                    match kind(x) {
                        "identifier" => {
                            out.insert(text(x, src).to_owned());
                        }
                        "string" => {}
                        _ => stack.extend(named_children(x)),
                    }
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for d in named_children(top) {
                    if let Some(name) = d.field("name") {
                        declared.extend(js_names_in(name, src));
                    }
                    if kind(d) == "variable_declarator"
                        && let (Some(name), Some(value)) = (d.field("name"), d.field("value"))
                        && kind(name) == "identifier"
                        && kind(value) == "call_expression"
                        && value
                            .field("function")
                            .is_some_and(|f| text(f, src) == "require")
                    {
                        out.insert(text(name, src).to_owned());
                    }
                }
            }
            "function_declaration" | "generator_function_declaration" | "class_declaration" => {
                if let Some(name) = top.field("name") {
                    declared.insert(text(name, src).to_owned());
                    if kind(top) != "class_declaration" {
                        functions.insert(text(name, src).to_owned());
                    }
                }
            }
            _ => {}
        }
        // `const check = (…) => …`, `const check = function (…) {…}`.
        if matches!(kind(top), "lexical_declaration" | "variable_declaration") {
            for d in named_children(top) {
                if let (Some(name), Some(value)) = (d.field("name"), d.field("value"))
                    && kind(name) == "identifier"
                    && JS_FUNCTION_KINDS.contains(&kind(value))
                {
                    functions.insert(text(name, src).to_owned());
                }
            }
        }
    }
    (out, declared, functions)
}

/// Whether `this` (JavaScript) is a class's instance: the nearest function around it that
/// binds `this` (not an arrow function) is a method of a class body, or it is in a class's
/// field or static block.
fn js_this_of_a_class(this: Node<'_>) -> bool {
    let mut n = this.parent();
    while let Some(p) = n {
        match kind(p) {
            "arrow_function" => {}
            "method_definition" => return p.parent().is_some_and(|b| kind(b) == "class_body"),
            "class_body" => return true,
            k if JS_FUNCTION_KINDS.contains(&k) => return false,
            _ => {}
        }
        n = p.parent();
    }
    false
}

/// [`js_writes_beyond_locals`] read for what outlives the call (`between_tests`): the
/// functions and classes it holds are read as part of it, what they are handed is theirs
/// (a hook's `options`, a route's `response`), and so is what a callback is handed (a test's
/// `t`, the runner's per-test context) and `this`; a function declared on its own keeps
/// only the plain members of what it is handed (`t.context.x = …`).
fn js_writes_beyond_locals_as<'t>(
    def: Node<'t>,
    src: &str,
    between_tests: bool,
    file: &Between,
    all: bool,
) -> Vec<Node<'t>> {
    let Some(body) = def.field("body") else {
        return Vec::new();
    };
    let callback = def.parent().is_some_and(|p| kind(p) == "arguments");
    let sinon = SinonNames::of(def, src);
    let mut params: BTreeSet<String> = BTreeSet::new();
    let mut fresh: BTreeSet<String> = BTreeSet::new();
    let mut aliased: BTreeSet<String> = BTreeSet::new();
    // The names the parameters bind, not the names their defaults read (`m = billing` binds
    // `m`); one whose default may be another's object is that object when the test calls the
    // helper without it.
    let mut stack: Vec<Node<'_>> = def
        .field("parameters")
        .or_else(|| def.field("parameter"))
        .into_iter()
        .collect();
    while let Some(p) = stack.pop() {
        if matches!(
            kind(p),
            "identifier" | "shorthand_property_identifier_pattern"
        ) {
            params.insert(text(p, src).to_owned());
        }
        let default = p
            .field("right")
            .filter(|_| kind(p) == "assignment_pattern")
            .or_else(|| {
                p.field("value")
                    .filter(|_| matches!(kind(p), "required_parameter" | "optional_parameter"))
            });
        if let Some(d) = default {
            let bound: Vec<String> = named_children(p)
                .into_iter()
                .filter(|c| c.id() != d.id() && kind(*c) != "type_annotation")
                .flat_map(|c| js_names_in(c, src))
                .collect();
            if js_may_alias(d, src) {
                aliased.extend(bound.iter().cloned());
            }
            params.extend(bound);
            continue;
        }
        stack.extend(named_children(p));
    }
    let nested = |k: &str| {
        !between_tests
            && (JS_FUNCTION_KINDS.contains(&k) || matches!(k, "class_declaration" | "class"))
    };
    // Between tests: what the functions it holds are handed (and, for a callback, what it
    // is handed itself), at any depth.
    let mut deep_own: BTreeSet<String> = BTreeSet::new();
    let mut nested_fns: BTreeSet<String> = BTreeSet::new();
    // The callback's own parameters (a test's `t`).
    let mut callback_params: BTreeSet<String> = BTreeSet::new();
    if between_tests && callback && !file.params_foreign {
        callback_params.clone_from(&params);
        deep_own.append(&mut params);
    }
    if file.params_foreign {
        params.clear();
    }
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if nested(kind(n)) {
            continue;
        }
        if between_tests && JS_FUNCTION_KINDS.contains(&kind(n)) {
            let name = n.field("name").or_else(|| {
                n.parent()
                    .filter(|p| kind(*p) == "variable_declarator")
                    .and_then(|p| p.field("name"))
            });
            if let Some(name) = name.filter(|x| kind(*x) == "identifier") {
                nested_fns.insert(text(name, src).to_owned());
            }
            let mut inner: Vec<Node<'_>> = n
                .field("parameters")
                .or_else(|| n.field("parameter"))
                .into_iter()
                .collect();
            while let Some(p) = inner.pop() {
                if matches!(
                    kind(p),
                    "identifier" | "shorthand_property_identifier_pattern"
                ) {
                    deep_own.insert(text(p, src).to_owned());
                }
                if kind(p) != "type_annotation" {
                    inner.extend(named_children(p));
                }
            }
        }
        if kind(n) == "variable_declarator"
            && let Some(name) = n.field("name")
        {
            let value = n.field("value");
            // Between tests, a member of what the function holds is handed or made
            // (`const p = options.searchParams as string[][]`) is that call's too.
            let of_own = between_tests
                && value.is_some_and(|v| {
                    let mut v = v;
                    while matches!(
                        kind(v),
                        "as_expression"
                            | "satisfies_expression"
                            | "non_null_expression"
                            | "parenthesized_expression"
                    ) {
                        match named_children(v).into_iter().next() {
                            Some(x) => v = x,
                            None => break,
                        }
                    }
                    js_member_root(v).is_some_and(|r| {
                        let r = text(r, src);
                        (deep_own.contains(r) || fresh.contains(r)) && !aliased.contains(r)
                    })
                });
            let alias = !of_own
                && value.is_none_or(|v| js_may_alias(v, src) || js_call_returns_existing(v, src));
            let mut names = vec![name];
            while let Some(x) = names.pop() {
                if matches!(
                    kind(x),
                    "identifier" | "shorthand_property_identifier_pattern"
                ) {
                    let t = text(x, src).to_owned();
                    // A destructured name is another object's member.
                    if alias || kind(name) != "identifier" {
                        aliased.insert(t);
                    } else {
                        fresh.insert(t);
                    }
                }
                names.extend(named_children(x));
            }
        }
        // `m = billing` later: the local is that object from then on.
        if kind(n) == "assignment_expression"
            && let (Some(l), Some(r)) = (n.field("left"), n.field("right"))
            && kind(l) == "identifier"
            && (js_may_alias(r, src) || js_call_returns_existing(r, src))
        {
            aliased.insert(text(l, src).to_owned());
        }
        // A name a destructuring assignment or a loop binds (`[m] = [pay]`, `({m} = o)`,
        // `for (m of [pay])`) may be another's object, whatever else binds it.
        let rebinding = match kind(n) {
            "assignment_expression" => n
                .field("left")
                .filter(|l| kind(*l) != "identifier" && kind(*l) != "member_expression"),
            "for_in_statement" => n.field("left"),
            _ => None,
        };
        if let Some(l) = rebinding {
            let mut names = vec![l];
            while let Some(x) = names.pop() {
                match kind(x) {
                    "identifier" | "shorthand_property_identifier_pattern" => {
                        aliased.insert(text(x, src).to_owned());
                    }
                    "member_expression" | "subscript_expression" => {}
                    // `{m: local}`: the key names nothing bound.
                    "pair_pattern" => names.extend(x.field("value")),
                    _ => names.extend(named_children(x)),
                }
            }
        }
        stack.extend(named_children(n));
    }
    // Between tests, what a call returns may be what it was handed (`const m = ident(pay)`,
    // `[pay].pop()`, `[pay].find(…)`, `new Map([['a', pay]]).get('a')`, `await
    // Promise.resolve(pay)`): a name bound to a call handed another's object, by its
    // arguments or as the object of a method other than a module's bound by name (`path.join(…)`),
    // is not its own. What `new` makes is new, but holds what it is handed.
    let mut made_holding: BTreeSet<String> = BTreeSet::new();
    if between_tests {
        let (imported, top_level, file_functions) = js_import_bound_names(def, src);
        loop {
            let bound = |name: &str| {
                fresh.contains(name)
                    || deep_own.contains(name)
                    || params.contains(name)
                    || nested_fns.contains(name)
            };
            // (A container it made that holds another's object hands that object on.)
            let handed = |v: Node<'_>| {
                let mut stack = vec![v];
                while let Some(x) = stack.pop() {
                    if kind(x) == "identifier" && made_holding.contains(text(x, src)) {
                        return true;
                    }
                    if !JS_FUNCTION_KINDS.contains(&kind(x)) {
                        stack.extend(named_children(x));
                    }
                }
                // (A function of the file handed on is the tests' own code.)
                js_holds_foreign(v, src, &aliased, &|n| {
                    bound(n) || file_functions.contains(n)
                })
            };
            let mut found: Vec<String> = Vec::new();
            let mut holding: Vec<String> = Vec::new();
            let mut stack = vec![body];
            while let Some(n) = stack.pop() {
                let (name, value) = match kind(n) {
                    "variable_declarator" => (n.field("name"), n.field("value")),
                    "assignment_expression" => (n.field("left"), n.field("right")),
                    _ => (None, None),
                };
                if let (Some(name), Some(mut v)) = (name, value)
                    && kind(name) == "identifier"
                    && !aliased.contains(text(name, src))
                {
                    while matches!(
                        kind(v),
                        "await_expression"
                            | "parenthesized_expression"
                            | "as_expression"
                            | "satisfies_expression"
                            | "non_null_expression"
                    ) {
                        match named_children(v).into_iter().next() {
                            Some(x) => v = x,
                            None => break,
                        }
                    }
                    let args_handed = v.field("arguments").is_some_and(handed);
                    let receiver = v
                        .field("function")
                        .filter(|f| kind(*f) == "member_expression")
                        .and_then(|f| f.field("object"))
                        .filter(|o| {
                            let name = text(*o, src);
                            kind(*o) != "identifier"
                                || aliased.contains(name)
                                || bound(name)
                                || (top_level.contains(name) && !imported.contains(name))
                        });
                    // The array or object it is called on counts whole (`[pay].pop()`).
                    let receiver_holds = receiver.is_some_and(|o| {
                        handed(o)
                            || matches!(kind(o), "array" | "object" | "new_expression")
                                && named_children(o).into_iter().any(handed)
                    });
                    // A built-in that copies into a new object or array (`const env =
                    // Object.assign({}, process.env)`, `Array.from(xs)`, `structuredClone(o)`).
                    let callee: String = v
                        .field("function")
                        .map_or(String::new(), |f| text(f, src).split_whitespace().collect());
                    let first_literal = v
                        .field("arguments")
                        .and_then(|a| named_children(a).into_iter().next())
                        .is_some_and(|a| matches!(kind(a), "object" | "array"));
                    let copies = !bound("Object")
                        && !bound("Array")
                        && !top_level.contains("Object")
                        && !top_level.contains("Array")
                        && !top_level.contains("structuredClone")
                        && (matches!(
                            callee.as_str(),
                            "Object.fromEntries"
                                | "Object.entries"
                                | "Object.values"
                                | "Array.from"
                                | "structuredClone"
                        ) || (callee == "Object.assign" && first_literal));
                    match kind(v) {
                        "call_expression" if copies && args_handed => {
                            holding.push(text(name, src).to_owned());
                        }
                        "call_expression" if args_handed || receiver_holds => {
                            found.push(text(name, src).to_owned());
                        }
                        "new_expression" if args_handed => {
                            holding.push(text(name, src).to_owned());
                        }
                        // `const xs = [pay]`, `const o = {m: pay}`.
                        "array" | "object" if handed(v) => {
                            holding.push(text(name, src).to_owned());
                        }
                        _ => {}
                    }
                }
                stack.extend(named_children(n));
            }
            if !took_calls(found, holding, &mut fresh, &mut aliased, &mut made_holding) {
                break;
            }
        }
    }
    let bound = |name: &str| {
        fresh.contains(name)
            || deep_own.contains(name)
            || params.contains(name)
            || nested_fns.contains(name)
    };
    let holds_foreign_js = |v: Node<'_>| js_holds_foreign(v, src, &aliased, &bound);
    // Between tests, a container it made that it puts another's object in (`d.m = pay`,
    // `xs.push(pay)`, `map.set('m', pay)`, `Object.assign(d, {m: pay})`) holds that object:
    // what is set through one of its elements is set on the other's (`d.m.total = …`),
    // while its own slots stay its own (`d.m = …`).
    let mut holders: BTreeSet<String> = made_holding
        .into_iter()
        .filter(|h| fresh.contains(h) && !aliased.contains(h))
        .collect();
    if between_tests {
        grow_names(&mut holders, |holders| {
            let mut found: Vec<String> = Vec::new();
            let mut stack = vec![body];
            while let Some(n) = stack.pop() {
                let (container, values): (Option<Node<'_>>, Vec<Node<'_>>) = match kind(n) {
                    "assignment_expression" => match n.field("left") {
                        Some(l)
                            if matches!(kind(l), "member_expression" | "subscript_expression") =>
                        {
                            (l.field("object"), n.field("right").into_iter().collect())
                        }
                        _ => (None, Vec::new()),
                    },
                    "call_expression" => {
                        let args: Vec<Node<'_>> =
                            n.field("arguments").map(named_children).unwrap_or_default();
                        let callee: String = n
                            .field("function")
                            .map_or(String::new(), |f| text(f, src).split_whitespace().collect());
                        let method = n
                            .field("function")
                            .filter(|f| kind(*f) == "member_expression")
                            .and_then(|f| Some((f.field("object")?, f.field("property")?)));
                        if matches!(
                            callee.as_str(),
                            "Object.assign"
                                | "Object.defineProperty"
                                | "Object.defineProperties"
                                | "Reflect.set"
                                | "Reflect.defineProperty"
                        ) {
                            (
                                args.first().copied(),
                                args.iter().skip(1).copied().collect(),
                            )
                        } else if let Some((object, property)) = method
                            && matches!(
                                text(property, src),
                                "push" | "unshift" | "splice" | "set" | "add" | "fill"
                            )
                        {
                            (Some(object), args)
                        } else {
                            (None, Vec::new())
                        }
                    }
                    _ => (None, Vec::new()),
                };
                if let Some(c) = container
                    && kind(c) == "identifier"
                    && fresh.contains(text(c, src))
                    && !aliased.contains(text(c, src))
                    && !holders.contains(text(c, src))
                    && values.into_iter().any(|v| {
                        let mut mentions = false;
                        let mut names = vec![v];
                        while let Some(x) = names.pop() {
                            mentions |= kind(x) == "identifier" && holders.contains(text(x, src));
                            names.extend(named_children(x));
                        }
                        mentions || holds_foreign_js(v)
                    })
                {
                    found.push(text(c, src).to_owned());
                }
                stack.extend(named_children(n));
            }
            found
        });
    }
    // How many members deep `t` reaches into the container its root names.
    let depth = |t: Node<'_>| {
        let mut d = 0;
        let mut x = t;
        while matches!(kind(x), "member_expression" | "subscript_expression") {
            d += 1;
            match x.field("object") {
                Some(o) => x = o,
                None => break,
            }
        }
        d
    };
    // An element of such a container (`d.m`, `xs[0]`), or what is reached through one.
    let in_holder = |t: Node<'_>| {
        js_member_root(t).is_some_and(|r| holders.contains(text(r, src)))
            && matches!(kind(t), "member_expression" | "subscript_expression")
    };
    let own = |t: Node<'_>| {
        let Some(r) = js_member_root(t) else {
            return false;
        };
        let r_text = text(r, src);
        if holders.contains(r_text) && depth(t) >= 2 {
            return false;
        }
        if fresh.contains(r_text) && !aliased.contains(r_text) {
            return true;
        }
        if between_tests
            && ((deep_own.contains(r_text) && !aliased.contains(r_text))
                || (kind(r) == "this" && (!file.this_shared || js_this_of_a_class(r))))
        {
            return true;
        }
        // `t.context.x = …`, `options.x = …`: a member of what it was handed, by a plain name.
        if params.contains(r_text) && !aliased.contains(r_text) {
            let direct =
                kind(t) == "member_expression" && t.field("object").map(|o| o.id()) == Some(r.id());
            let property = t.field("property").map_or("", |p| text(p, src));
            let in_context = t.field("object").is_some_and(|o| {
                kind(o) == "member_expression" && text(o, src) == format!("{r_text}.context")
            });
            return (direct
                && !JS_CONTEXT_MACHINERY.contains(&property)
                && !property.starts_with('_'))
                || in_context;
        }
        false
    };
    let mut hits: Vec<Node<'_>> = Vec::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if nested(kind(n)) {
            continue;
        }
        'node: {
            match kind(n) {
                // Between tests: a reflective setter handed on as a value (`const s =
                // Reflect.set`), and a destructuring or loop target that is another's member
                // (`[pay.total] = [f]`, `for (pay.total of [f])`).
                "member_expression"
                    if between_tests
                        && JS_REFLECTIVE_SETTERS.contains(
                            &text(n, src).split_whitespace().collect::<String>().as_str(),
                        )
                        && !n.parent().is_some_and(|c| {
                            kind(c) == "call_expression"
                                && c.field("function").map(|x| x.id()) == Some(n.id())
                        }) =>
                {
                    hits.push(n);
                    if !all {
                        return hits;
                    }
                    break 'node;
                }
                "assignment_expression" | "for_in_statement"
                    if between_tests
                        && n.field("left").is_some_and(|l| {
                            let mut stack = vec![l];
                            let mut foreign = false;
                            while let Some(t) = stack.pop() {
                                match kind(t) {
                                    "member_expression" | "subscript_expression" => {
                                        foreign |= !own(t);
                                    }
                                    _ => stack.extend(named_children(t)),
                                }
                            }
                            foreign
                                && kind(l) != "member_expression"
                                && kind(l) != "subscript_expression"
                                || (kind(n) == "for_in_statement" && foreign)
                        }) =>
                {
                    hits.push(n);
                    if !all {
                        return hits;
                    }
                    break 'node;
                }
                "assignment_expression" | "augmented_assignment_expression" => {
                    if let Some(l) = n.field("left")
                        && matches!(kind(l), "member_expression" | "subscript_expression")
                        && !own(l)
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                }
                "update_expression" | "unary_expression" => {
                    let deletes = kind(n) == "update_expression"
                        || n.field("operator")
                            .is_some_and(|o| text(o, src) == "delete");
                    if deletes
                        && let Some(a) = n.field("argument")
                        && matches!(kind(a), "member_expression" | "subscript_expression")
                        && !own(a)
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                }
                "call_expression" => {
                    let callee = n
                        .field("function")
                        .map_or(String::new(), |f| text(f, src).split_whitespace().collect());
                    let first = n
                        .field("arguments")
                        .and_then(|a| named_children(a).into_iter().next());
                    // Between tests, what a method of its own value returns is taken for
                    // that value's (`url.searchParams.getAll(…).sort()`,
                    // `response.status(400).set(…)`).
                    let own_call = |a: Node<'_>| {
                        let mut a = a;
                        while between_tests && kind(a) == "call_expression" {
                            match a.field("function") {
                                Some(f) if kind(f) == "member_expression" => {
                                    match f.field("object") {
                                        Some(o) => a = o,
                                        None => return false,
                                    }
                                }
                                _ => return false,
                            }
                        }
                        between_tests && kind(a) != "call_expression" && own(a)
                    };
                    let own_arg = |a: Node<'_>| {
                        !in_holder(a)
                            && (matches!(kind(a), "object" | "array")
                                || own(a)
                                || own_call(a)
                                || (kind(a) == "identifier"
                                    && (fresh.contains(text(a, src))
                                        || params.contains(text(a, src))
                                        || deep_own.contains(text(a, src)))
                                    && !aliased.contains(text(a, src))))
                    };
                    // Between tests, code run from a string (`eval(…)`, `Function(…)`), and a
                    // function of the file that sets what it is handed, handed what the
                    // function did not make (`install(pay)`).
                    // One of its own functions (or a function literal) handed another's
                    // object: `f(pay)` where `const f = (o) => { o.total = … }`,
                    // `[pay].forEach((o) => …)`.
                    // A function literal counts when it writes what it is handed
                    // (`(o) => { o.total = … }`; `page.evaluate(async (url) => …, base)` only
                    // reads), one of its functions by name always.
                    let fn_lit = |x: Node<'_>| {
                        (JS_FUNCTION_KINDS.contains(&kind(x))
                            && !js_writes_beyond_locals_as(
                                x,
                                src,
                                true,
                                &Between {
                                    params_foreign: true,
                                    ..Between::default()
                                },
                                false,
                            )
                            .is_empty())
                            || (kind(x) == "identifier" && nested_fns.contains(text(x, src)))
                    };
                    if between_tests {
                        let call_args: Vec<Node<'_>> =
                            n.field("arguments").map(named_children).unwrap_or_default();
                        let callee_node = n.field("function");
                        let receiver_array = callee_node
                            .filter(|c| kind(*c) == "member_expression")
                            .and_then(|c| c.field("object"))
                            .filter(|o| kind(*o) == "array");
                        // An assertion of the test's own context (`t.is(seen, handler)`) only
                        // compares what it is handed; it calls no function with another's
                        // object (`t.throws(fn)` calls `fn` with nothing, `t.try` is not one).
                        let context_assertion = callee_node
                            .filter(|c| kind(*c) == "member_expression")
                            .is_some_and(|c| {
                                let object = c.field("object");
                                let method = c.field("property").map_or("", |p| text(p, src));
                                object.is_some_and(|o| {
                                    kind(o) == "identifier"
                                        && callback_params.contains(text(o, src))
                                        && !aliased.contains(text(o, src))
                                        && !js_binds_name_in(body, text(o, src), src)
                                }) && JS_CONTEXT_MACHINERY.contains(&method)
                                    && !matches!(method, "try" | "teardown")
                            });
                        let to_own_fn = !context_assertion
                            && (callee_node.is_some_and(fn_lit)
                                || call_args.iter().any(|x| fn_lit(*x)));
                        let foreign = call_args
                            .iter()
                            .any(|x| !fn_lit(*x) && holds_foreign_js(*x))
                            || receiver_array.is_some_and(holds_foreign_js);
                        if to_own_fn && foreign {
                            hits.push(n);
                            if !all {
                                return hits;
                            }
                            break 'node;
                        }
                    }
                    if between_tests {
                        let hands_foreign = n
                            .field("arguments")
                            .map(named_children)
                            .unwrap_or_default()
                            .into_iter()
                            .any(|a| {
                                matches!(
                                    kind(a),
                                    "identifier" | "member_expression" | "subscript_expression"
                                ) && (!own_arg(a)
                                    || (kind(a) == "identifier" && holders.contains(text(a, src))))
                            });
                        if matches!(callee.as_str(), "eval" | "Function" | "globalThis.eval")
                            || (file.fillers.contains(callee.as_str()) && hands_foreign)
                        {
                            hits.push(n);
                            if !all {
                                return hits;
                            }
                            break 'node;
                        }
                    }
                    let mocks = js_mocks_beyond(&callee, &sinon);
                    if mocks == Some(true)
                        || (mocks == Some(false) && first.is_some_and(|a| !own_arg(a)))
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                    // `billing.RATES.push(0)`: a method that changes its object, called on what
                    // the helper did not make (what it was handed, `items.push(4)`, is its own).
                    if let Some(f) = n.field("function")
                        && kind(f) == "member_expression"
                        && let (Some(object), Some(method)) =
                            (f.field("object"), f.field("property"))
                        && super::bindings::JS_MUTATORS.contains(&text(method, src))
                        && !own_arg(object)
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                    if JS_REFLECTIVE_SETTERS.contains(&callee.as_str())
                        && n.field("arguments")
                            .and_then(|a| named_children(a).into_iter().next())
                            .is_some_and(|a| {
                                !(matches!(kind(a), "object" | "array")
                                    || (between_tests
                                        && (JS_FUNCTION_KINDS.contains(&kind(a))
                                            || kind(a) == "new_expression"
                                            || (kind(a) == "call_expression"
                                                && a.field("function").is_some_and(|f| {
                                                    text(f, src) == "Object.create"
                                                }))))
                                    || kind(a) == "identifier"
                                        && fresh.contains(text(a, src))
                                        && !aliased.contains(text(a, src)))
                            })
                    {
                        hits.push(n);
                        if !all {
                            return hits;
                        }
                        break 'node;
                    }
                }
                _ => {}
            }
        }
        stack.extend(named_children(n));
    }
    if between_tests && !hits.is_empty() {
        let restored = js_put_back_in_finally(body, src);
        hits.retain(|h| {
            let Some(t) = js_write_target(*h, src) else {
                return true;
            };
            // Put back: written after the value was saved, and inside the `try` whose
            // `finally` puts it back, or just before it (`js_runs_next`).
            !restored.iter().any(|p| {
                p.target == t
                    && h.start_byte() >= p.saved_at
                    && (p.try_statement.field("body").is_some_and(|b| inside(*h, b))
                        || js_runs_next(*h, p.try_statement)
                        || inside(*h, p.statement))
            })
        });
    }
    hits
}

/// Whether the Go function `def` (a test) runs in parallel with other tests, or has subtests
/// that do: it calls `.Parallel()` (`t.Parallel()`, in a subtest's function literal too), or
/// calls by name a function of its file that does (`setup(t)` whose body calls
/// `t.Parallel()`). A `Parallel` of another receiver than a test's is read as one too.
fn go_runs_in_parallel(def: Node<'_>, src: &str) -> bool {
    let calls_parallel = |n: Node<'_>| {
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            if kind(x) == "call_expression"
                && x.field("function").is_some_and(|f| {
                    kind(f) == "selector_expression"
                        && field_text(f, "field", src) == Some("Parallel")
                })
            {
                return true;
            }
            stack.extend(named_children(x));
        }
        false
    };
    if calls_parallel(def) {
        return true;
    }
    // Read once per file (each function of it asks): `def` itself, which calls no
    // `Parallel`, is not among them (and Go declares a function's name once).
    let parallel = by_file(&GO_PARALLEL, src, || {
        named_children(tree_root(def))
            .into_iter()
            .filter(|f| kind(*f) == "function_declaration")
            .filter(|f| calls_parallel(*f))
            .filter_map(|f| field_text(f, "name", src).map(str::to_owned))
            .collect::<BTreeSet<String>>()
    });
    if parallel.is_empty() {
        return false;
    }
    let mut stack = vec![def];
    while let Some(x) = stack.pop() {
        if kind(x) == "call_expression"
            && x.field("function")
                .is_some_and(|f| kind(f) == "identifier" && parallel.contains(text(f, src)))
        {
            return true;
        }
        stack.extend(named_children(x));
    }
    false
}

/// The package variables a Go test (`func TestX(t *testing.T)`, `body` its body) sets again,
/// as its last statements, to the value the package starts them with (`initial`, from
/// [`crate::sacred::lang::go_initial_values`]: `EnableCaseInsensitive = defaultCaseInsensitive`
/// after `var EnableCaseInsensitive = defaultCaseInsensitive`), where nothing from its first
/// mention of the variable on can end the test before those statements:
/// - no `return` or `goto` of its own, and no `defer` (a deferred `recover()` ends a panic
///   with the test);
/// - its `t` used only as `t.Error(…)`, `t.Errorf(…)`, `t.Log(…)`, `t.Logf(…)`,
///   `t.Helper()`, `t.Name()`, `t.Fail()`, `t.Failed()`, `t.TempDir()` or `t.Run(…)` (not
///   `t.Fatal`, `t.Skip`, `t.FailNow`, nor handed to a call that may call them), also in a
///   function literal that does not name its own `t` (`t.Run(…, func(t *testing.T) { … })`
///   ends only the subtest);
/// - no `runtime.Goexit`, `os.Exit`, `log.Fatal…`;
/// - not mentioned in a function literal (a goroutine, a callback or a cleanup may write it
///   after).
///
/// The value is not one the test binds itself (`declared`, `params`). A test that does this
/// leaves the variable as the package starts it: as a test run alone (`go test -run`) finds
/// it. (A test that calls `t.Parallel()` is not read so: it runs beside others.)
fn go_reset_at_end(
    def: Node<'_>,
    body: Node<'_>,
    initial: &BTreeMap<String, String>,
    declared: &BTreeSet<String>,
    params: &BTreeSet<String>,
    src: &str,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // A test: `TestX(t *testing.T)`, with the name of its `t`.
    if !def
        .field("name")
        .is_some_and(|n| text(n, src).starts_with("Test"))
    {
        return out;
    }
    let Some(tname) = def
        .field("parameters")
        .map(named_children)
        .unwrap_or_default()
        .into_iter()
        .find(|p| {
            kind(*p) == "parameter_declaration"
                && p.field("type")
                    .is_some_and(|ty| compact_text(ty, src) == "*testing.T")
        })
        .and_then(|p| p.field("name"))
        .map(|n| text(n, src).to_owned())
    else {
        return out;
    };
    let statements = super::analysis::go_block_statements(body);
    // The assignments it ends with: `X = V`, `V` the value `X` starts with.
    let mut end = statements.len();
    let mut candidates: Vec<String> = Vec::new();
    while end > 0 {
        let s = statements[end - 1];
        let one = (kind(s) == "assignment_statement"
            && s.field("operator").is_some_and(|o| text(o, src) == "="))
        .then(|| s.field("left").zip(s.field("right")))
        .flatten()
        .and_then(
            |(l, r)| match (named_children(l).as_slice(), named_children(r).as_slice()) {
                ([x], [v]) if kind(*x) == "identifier" => Some((*x, *v)),
                _ => None,
            },
        );
        let Some((x, v)) = one else { break };
        let name = text(x, src);
        let value = compact_text(v, src);
        if initial.get(name) != Some(&value)
            || declared.contains(name)
            || params.contains(name)
            || declared.contains(&value)
            || params.contains(&value)
        {
            break;
        }
        candidates.push(name.to_owned());
        end -= 1;
    }
    if candidates.is_empty() {
        return out;
    }
    // Whether `n` mentions `name` outside function literals, and inside one.
    let mentioned = |n: Node<'_>, name: &str| -> (bool, bool) {
        let (mut outside, mut inside) = (false, false);
        let mut stack = vec![(n, false)];
        while let Some((x, in_literal)) = stack.pop() {
            if kind(x) == "identifier" && text(x, src) == name {
                if in_literal {
                    inside = true;
                } else {
                    outside = true;
                }
            }
            let in_literal = in_literal || kind(x) == "func_literal";
            stack.extend(named_children(x).into_iter().map(|c| (c, in_literal)));
        }
        (outside, inside)
    };
    // A `defer` of its own anywhere: a deferred `recover()` may end a panic with the test.
    let mut stack = vec![body];
    while let Some(x) = stack.pop() {
        match kind(x) {
            "defer_statement" => return out,
            "func_literal" => {}
            _ => stack.extend(named_children(x)),
        }
    }
    // Whether a statement may end the test before the statements after it run.
    let may_end = |s: Node<'_>| -> bool {
        // (node, inside a function literal, the test's `t` named there)
        let mut stack = vec![(s, false)];
        while let Some((x, in_literal)) = stack.pop() {
            match kind(x) {
                "return_statement" | "goto_statement" if !in_literal => return true,
                "func_literal" => {
                    // One that names its own `t` (a subtest's): its `t.Fatal` ends it alone.
                    let own_t = x
                        .field("parameters")
                        .map(named_children)
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|p| p.field("name"))
                        .any(|n| text(n, src) == tname);
                    if own_t {
                        continue;
                    }
                    stack.extend(named_children(x).into_iter().map(|c| (c, true)));
                    continue;
                }
                "call_expression" => {
                    let callee = x.field("function").map(|f| compact_text(f, src));
                    if callee.as_deref().is_some_and(|c| {
                        matches!(c, "runtime.Goexit" | "os.Exit" | "syscall.Exit")
                            || c.starts_with("log.Fatal")
                    }) {
                        return true;
                    }
                }
                "identifier" if text(x, src) == tname => {
                    let allowed = x.parent().is_some_and(|sel| {
                        kind(sel) == "selector_expression"
                            && sel.field("operand").is_some_and(|o| o.id() == x.id())
                            && sel.field("field").is_some_and(|f| {
                                matches!(
                                    text(f, src),
                                    "Error"
                                        | "Errorf"
                                        | "Log"
                                        | "Logf"
                                        | "Helper"
                                        | "Name"
                                        | "Fail"
                                        | "Failed"
                                        | "TempDir"
                                        | "Run"
                                )
                            })
                            && sel.parent().is_some_and(|c| {
                                kind(c) == "call_expression"
                                    && c.field("function").is_some_and(|f| f.id() == sel.id())
                            })
                    });
                    if !allowed {
                        return true;
                    }
                }
                _ => {}
            }
            stack.extend(named_children(x).into_iter().map(|c| (c, in_literal)));
        }
        false
    };
    for name in candidates {
        let mut first = None;
        let mut in_literal = false;
        for (i, s) in statements[..end].iter().enumerate() {
            let (outside, inside) = mentioned(*s, &name);
            in_literal |= inside;
            if (outside || inside) && first.is_none() {
                first = Some(i);
            }
        }
        if in_literal {
            continue;
        }
        let from = first.unwrap_or(end);
        if statements[from..end].iter().all(|s| !may_end(*s)) {
            out.insert(name);
        }
    }
    out
}

/// Whether the statement `s` (a `defer` or `t.Cleanup(…)`) surely runs once the write to
/// `t` has: the write's assignment is a statement of the block that holds `s`, before it,
/// with only assignments of names, literals and function literals to what the same function
/// puts back (`restored`), or declarations of those, between (a call there may `t.Fatal`).
fn go_runs_next(t: Node<'_>, s: Node<'_>, restored: &[&str], src: &str) -> bool {
    let Some(w) = t
        .parent()
        .and_then(|l| l.parent())
        .filter(|w| kind(*w) == "assignment_statement")
    else {
        return false;
    };
    let (Some(block), Some(wb)) = (s.parent(), w.parent()) else {
        return false;
    };
    if block.id() != wb.id() {
        return false;
    }
    let statements: Vec<Node<'_>> = named_children(block)
        .into_iter()
        .filter(|x| kind(*x) != "comment")
        .collect();
    let (Some(wi), Some(si)) = (
        statements.iter().position(|x| x.id() == w.id()),
        statements.iter().position(|x| x.id() == s.id()),
    ) else {
        return false;
    };
    let inert = |v: Node<'_>| {
        matches!(
            kind(v),
            "identifier"
                | "int_literal"
                | "float_literal"
                | "interpreted_string_literal"
                | "raw_string_literal"
                | "rune_literal"
                | "true"
                | "false"
                | "nil"
                | "func_literal"
        )
    };
    let values_inert = |x: Node<'_>| {
        x.field("right")
            .is_some_and(|r| named_children(r).into_iter().all(inert))
    };
    let compact = |x: Node<'_>| text(x, src).split_whitespace().collect::<String>();
    wi < si
        && statements[wi + 1..si].iter().all(|x| match kind(*x) {
            "assignment_statement" => {
                values_inert(*x)
                    && x.field("left").is_some_and(|l| {
                        named_children(l)
                            .into_iter()
                            .all(|t| restored.contains(&compact(t).as_str()))
                    })
            }
            "short_var_declaration" => values_inert(*x),
            _ => false,
        })
}

/// Methods that write the cell, atomic, lock or `thread_local!` key they are called on,
/// whatever their arguments (`RATE.store(0, …)`, `c.set(5)`, `c.borrow_mut()`,
/// `KEY.with_borrow_mut(…)`).
const RUST_CELL_WRITERS: &[&str] = &[
    "store",
    "fetch_add",
    "fetch_sub",
    "fetch_and",
    "fetch_nand",
    "fetch_or",
    "fetch_xor",
    "fetch_max",
    "fetch_min",
    "fetch_update",
    "compare_exchange",
    "compare_exchange_weak",
    "compare_and_swap",
    "swap",
    "set",
    "update",
    "borrow_mut",
    "try_borrow_mut",
    "with_borrow_mut",
    "get_mut",
];

/// Methods that change the collection they are called on (`v.push(x)`): called on a static
/// through its lock or cell (`ITEMS.lock().unwrap().push(x)`, `KEY.with_borrow_mut(|v|
/// v.push(x))`) or in `unsafe` (a `static mut`), a write. Called on a static itself, the
/// name may be a getter's (`re.reverse()` of a regex-automata `Regex`).
const RUST_MUTATORS: &[&str] = &[
    "push",
    "push_str",
    "push_back",
    "push_front",
    "pop",
    "pop_back",
    "pop_front",
    "insert",
    "remove",
    "clear",
    "extend",
    "extend_from_slice",
    "truncate",
    "retain",
    "drain",
    "append",
    "sort",
    "sort_by",
    "sort_by_key",
    "sort_unstable",
    "dedup",
    "resize",
    "fill",
    "entry",
    "get_or_insert",
    "get_or_insert_with",
    "split_off",
    "reverse",
    // `Clone::clone_from` overwrites its receiver (`G.lock().unwrap().clone_from(&1)`), and
    // the operator traits' methods write theirs (`g.add_assign(1)`).
    "clone_from",
    "add_assign",
    "sub_assign",
    "mul_assign",
    "div_assign",
    "rem_assign",
    "bitand_assign",
    "bitor_assign",
    "bitxor_assign",
    "shl_assign",
    "shr_assign",
    // Mutable access to what a guard holds, handed on (`f(g.deref_mut())`, `g.as_mut()`).
    "deref_mut",
    "as_mut",
    "as_mut_ptr",
];

/// Methods that hand the closure they are given what their receiver holds: a lock's
/// `Result` or a cell's `Option` its guard (`M.lock().map(|mut g| *g = 1)`,
/// `.unwrap_or_else(|e| …)`), an iterator its items (`M.lock().unwrap().iter_mut()
/// .for_each(|x| *x = 0)`); a `thread_local!` key its value (`KEY.with(|c| …)`). A write
/// through the closure's argument is one through the receiver.
const RUST_HANDS_HELD: &[&str] = &[
    "with",
    "with_borrow",
    "with_borrow_mut",
    "map",
    "map_err",
    "and_then",
    "or_else",
    "inspect",
    "inspect_err",
    "map_or",
    "map_or_else",
    "is_ok_and",
    "is_err_and",
    "is_some_and",
    "is_none_or",
    "unwrap_or_else",
    "for_each",
    "try_for_each",
    "filter_map",
    "take_if",
];

/// Methods that initialise a lazy static (`OnceLock::get_or_init`): the helper's closure then
/// decides what the code under test reads, unless the static is the test code's own (a
/// fixture built once, `DATA.get_or_init(load)`, is a value the helper builds).
const RUST_LAZY_INIT: &[&str] = &["get_or_init", "get_or_try_init", "get_mut_or_init"];

/// Methods that give mutable access to what a lock or cell holds (`M.lock()`,
/// `c.borrow_mut()`).
const RUST_GUARDS: &[&str] = &[
    "lock",
    "try_lock",
    "write",
    "try_write",
    "borrow_mut",
    "try_borrow_mut",
    "get_mut",
];

/// Methods whose result borrows from what they are called on (`M.lock().unwrap()`,
/// `v.iter_mut()`, `c.borrow_mut()`): a write through it is a write to that. Any other
/// method's result is a new value, as a function's is (`CASES.to_vec()`, `RATE.load(…)`).
const RUST_BORROWING: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or_else",
    "unwrap_unchecked",
    "ok",
    "lock",
    "try_lock",
    "read",
    "try_read",
    "write",
    "try_write",
    "borrow",
    "borrow_mut",
    "try_borrow",
    "try_borrow_mut",
    "get",
    "get_mut",
    "as_ref",
    "as_mut",
    "as_deref",
    "as_deref_mut",
    "deref",
    "deref_mut",
    "iter",
    "iter_mut",
    "values",
    "values_mut",
    "first",
    "first_mut",
    "last",
    "last_mut",
    "as_slice",
    "as_mut_slice",
    "entry",
    "or_insert",
    "or_insert_with",
    "or_default",
];

/// Calls that change what the code under test reads from the process
/// (`std::env::set_var`, `env::remove_var`, `env::set_current_dir`).
const RUST_PROCESS_WRITES: &[&str] = &["set_var", "remove_var", "set_current_dir"];

/// Assignment operators, as a macro's tokens hold them.
const RUST_ASSIGNING: &[&str] = &[
    "=", "+=", "-=", "*=", "/=", "%=", "^=", "&=", "|=", "<<=", ">>=",
];

/// What a place or value of a Rust helper belongs to, as far as writing through it goes,
/// from its own to what it does not own (of a name bound more than once, the farthest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum RustOwner {
    /// A value it made (`Cell::new(0)`, `vec![…]`, a call's result, a literal, a copy of a
    /// constant), or one it was handed by value or as `&mut` (what the caller hands it to
    /// fill: a caller can hand a static that way only by taking it mutably itself, `unsafe {
    /// &mut RATE }` or `&mut *M.lock().unwrap()`, which is read where it is written).
    Own,
    /// What a shared reference it was handed points at (`rate: &AtomicI64`) where a call of
    /// the file hands it a static (`items(&pay::RATE)`, a path or a `SCREAMING_CASE` name): a
    /// caller hands one that way as it would to read it, so a write through it (interior
    /// mutability) may change what the code under test reads. One a test hands its own
    /// counter (`&failed`) is the test's.
    Shared,
    /// A static of the test code itself (of an integration test's file, or declared in a
    /// `#[cfg(test)]` module) that another function of the file names (one only this helper
    /// names, a counter for unique names, is its own).
    TestStatic,
    /// A static of the code under test or of another crate: a path (`pay::RATE`), a name the
    /// file imports or a `use super::*` brings.
    Foreign,
}

/// What a name of a Rust helper is bound to.
#[derive(Clone, Copy)]
enum RustSource<'t> {
    /// Something it made, or an item of its own (a nested `fn`, `static`, `thread_local!`).
    Made,
    /// A parameter, with what it points at.
    Param(RustOwner),
    /// The value of an expression (`let g = M.lock().unwrap()`, `for c in CELLS.iter()`).
    Value(Node<'t>),
    /// What a place holds (a closure's argument in `KEY.with(|c| …)`: the key's value).
    Place(Node<'t>),
}

/// One binding of a name: what it is bound to, from which byte on, and in which byte range
/// (its block, loop, arm or closure), so that a later `let` shadows an earlier one or a
/// parameter (`let mut target = TargetInfo { … }` over a `target: &str`).
#[derive(Clone, Copy)]
struct RustBinding<'t> {
    source: RustSource<'t>,
    from: usize,
    within: (usize, usize),
}

/// How deep one name's binding is followed through others (`let g = …; let h = &mut *g;`).
const RUST_BINDING_DEPTH: usize = 32;

/// The names a Rust helper binds, and what each is bound to.
struct RustScope<'t, 's> {
    src: &'s str,
    def: Node<'t>,
    bindings: BTreeMap<String, Vec<RustBinding<'t>>>,
    /// The statics of the test code of the file (read when first needed).
    test_statics: std::cell::OnceCell<BTreeSet<String>>,
    /// Of those, what each one the helper names is to it.
    test_static_owners: std::cell::RefCell<BTreeMap<String, RustOwner>>,
}

impl<'t> RustScope<'t, '_> {
    fn bind(&mut self, names: Vec<String>, from: usize, within: Node<'_>, source: RustSource<'t>) {
        for n in names {
            self.bindings.entry(n).or_default().push(RustBinding {
                source,
                from,
                within: (within.start_byte(), within.end_byte()),
            });
        }
    }

    /// The binding a name at byte `at` refers to: the latest one visible there.
    fn binding(&self, name: &str, at: usize) -> Option<RustBinding<'t>> {
        self.bindings
            .get(name)?
            .iter()
            .filter(|b| b.from <= at && b.within.0 <= at && at < b.within.1)
            .max_by_key(|b| b.from)
            .copied()
    }

    fn bound(&self, name: Node<'_>) -> bool {
        self.binding(text(name, self.src), name.start_byte())
            .is_some()
    }

    /// What a name not bound in the helper is: a static of the test code (its own when no
    /// other function of the file names it), or another's.
    fn unbound(&self, name: &str) -> RustOwner {
        let mut root = self.def;
        while let Some(p) = root.parent() {
            root = p;
        }
        let statics = self
            .test_statics
            .get_or_init(|| rust_test_statics(root, self.src));
        if !statics.contains(name) {
            return RustOwner::Foreign;
        }
        if let Some(o) = self.test_static_owners.borrow().get(name) {
            return *o;
        }
        let owner = if rust_named_elsewhere(root, self.def, name, self.src) {
            RustOwner::TestStatic
        } else {
            RustOwner::Own
        };
        self.test_static_owners
            .borrow_mut()
            .insert(name.to_owned(), owner);
        owner
    }

    /// What the name `name` at byte `at` belongs to.
    fn name(&self, name: &str, at: usize, depth: usize) -> RustOwner {
        let Some(b) = self.binding(name, at) else {
            return self.unbound(name);
        };
        if depth > RUST_BINDING_DEPTH {
            return RustOwner::Own;
        }
        match b.source {
            RustSource::Made => RustOwner::Own,
            RustSource::Param(o) => o,
            RustSource::Value(v) => self.value(v, depth + 1),
            RustSource::Place(p) => self.place(p, depth + 1),
        }
    }

    /// What a place (a write's target, a method's receiver) belongs to: `pay::RATE`,
    /// `*M.lock().unwrap()`, `g.items[0]` for a `g` bound to one of those.
    fn place(&self, e: Node<'t>, depth: usize) -> RustOwner {
        match kind(e) {
            "identifier" | "self" => self.name(text(e, self.src), e.start_byte(), depth),
            "scoped_identifier" => RustOwner::Foreign,
            "field_expression" | "reference_expression" | "type_cast_expression" => e
                .field("value")
                .map_or(RustOwner::Own, |v| self.place(v, depth)),
            "index_expression"
            | "unary_expression"
            | "parenthesized_expression"
            | "try_expression"
            | "await_expression" => {
                if kind(e) == "unary_expression" && !text(e, self.src).starts_with('*') {
                    return RustOwner::Own;
                }
                rust_operand(e).map_or(RustOwner::Own, |v| self.place(v, depth))
            }
            "call_expression" => {
                rust_borrowed_from(e, self.src).map_or(RustOwner::Own, |r| self.place(r, depth))
            }
            "unsafe_block" | "block" => {
                rust_tail(e).map_or(RustOwner::Own, |t| self.place(t, depth))
            }
            _ => RustOwner::Own,
        }
    }

    /// What a value bound to a name refers to: a reference or a borrowing method's result
    /// (`&mut RATE`, `M.lock().unwrap()`) is its place's; a name bound in the helper is what
    /// that binding is; anything else is a copy or a new value (`let mut c = DEFAULTS;`).
    fn value(&self, e: Node<'t>, depth: usize) -> RustOwner {
        match kind(e) {
            "identifier" | "self" if self.bound(e) => {
                self.name(text(e, self.src), e.start_byte(), depth)
            }
            "reference_expression" => e
                .field("value")
                .map_or(RustOwner::Own, |v| self.place(v, depth)),
            "call_expression" => {
                rust_borrowed_from(e, self.src).map_or(RustOwner::Own, |r| self.place(r, depth))
            }
            "parenthesized_expression" | "try_expression" | "await_expression" => {
                rust_operand(e).map_or(RustOwner::Own, |v| self.value(v, depth))
            }
            "type_cast_expression" => e
                .field("value")
                .map_or(RustOwner::Own, |v| self.value(v, depth)),
            "unsafe_block" | "block" => {
                rust_tail(e).map_or(RustOwner::Own, |t| self.value(t, depth))
            }
            _ => RustOwner::Own,
        }
    }

    /// Whether a place is reached through a lock's or a cell's mutable access
    /// (`M.lock().unwrap()`, `c.borrow_mut()`, a `g` bound to one, the value a
    /// `KEY.with_borrow_mut(|v| …)` closure is handed).
    fn guarded(&self, e: Node<'t>, depth: usize) -> bool {
        if depth > RUST_BINDING_DEPTH {
            return false;
        }
        match kind(e) {
            "identifier" => match self.binding(text(e, self.src), e.start_byte()) {
                Some(RustBinding {
                    source: RustSource::Value(v),
                    ..
                }) => self.guarded(v, depth + 1),
                Some(RustBinding {
                    source: RustSource::Place(_),
                    ..
                }) => true,
                _ => false,
            },
            "call_expression" => match rust_method(e, self.src) {
                Some((m, _)) if RUST_GUARDS.contains(&m.as_str()) => true,
                Some((m, receiver)) if RUST_BORROWING.contains(&m.as_str()) => {
                    self.guarded(receiver, depth)
                }
                _ => false,
            },
            "field_expression" | "reference_expression" | "type_cast_expression" => {
                e.field("value").is_some_and(|v| self.guarded(v, depth))
            }
            "index_expression"
            | "unary_expression"
            | "parenthesized_expression"
            | "try_expression"
            | "await_expression" => rust_operand(e).is_some_and(|v| self.guarded(v, depth)),
            "unsafe_block" | "block" => rust_tail(e).is_some_and(|v| self.guarded(v, depth)),
            _ => false,
        }
    }

    /// Whether writing to `e` writes beyond the helper.
    fn beyond(&self, e: Node<'t>) -> bool {
        self.place(e, 0) > RustOwner::Own
    }

    /// Whether writing to the name `n`, which the helper does not bind, writes a static
    /// (`RATE = 5` of a `static mut`; one of the test code only it names is its own).
    fn static_written(&self, n: Node<'_>) -> bool {
        let name = text(n, self.src);
        name != "_" && !self.bound(n) && self.unbound(name) > RustOwner::Own
    }
}

/// The first named operand of an expression (`x` of `*x`, `x?`, `(x)`, `x[i]`).
fn rust_operand(e: Node<'_>) -> Option<Node<'_>> {
    named_children(e)
        .into_iter()
        .find(|c| !super::analysis::is_comment(*c))
}

/// The expression a block ends with (`&mut RATE` of `unsafe { &mut RATE }`).
fn rust_tail(block: Node<'_>) -> Option<Node<'_>> {
    let b = if kind(block) == "unsafe_block" {
        named_children(block)
            .into_iter()
            .find(|c| kind(*c) == "block")?
    } else {
        block
    };
    named_children(b).into_iter().rev().find(|c| {
        !super::analysis::is_comment(*c)
            && !matches!(kind(*c), "expression_statement" | "let_declaration")
            && !kind(*c).ends_with("_item")
    })
}

/// A method call's method name and receiver (`lock` and `M` of `M.lock()`, of
/// `M.lock::<…>()`).
fn rust_method<'t>(call: Node<'t>, src: &str) -> Option<(String, Node<'t>)> {
    let mut f = call.field("function")?;
    if kind(f) == "generic_function" {
        f = f.field("function")?;
    }
    if kind(f) != "field_expression" {
        return None;
    }
    let method = text(f.field("field")?, src).to_owned();
    Some((method, f.field("value")?))
}

/// The receiver a call's result borrows from (`M.lock()` of `M.lock().unwrap()`), when it
/// is a borrowing method's ([`RUST_BORROWING`]).
fn rust_borrowed_from<'t>(call: Node<'t>, src: &str) -> Option<Node<'t>> {
    let (method, receiver) = rust_method(call, src)?;
    RUST_BORROWING
        .contains(&method.as_str())
        .then_some(receiver)
}

/// The names a Rust pattern binds (`x`, `(a, b)`, `Some(y)`, `Point { x: px, y }`); not the
/// type a pattern names nor a guard's names.
fn rust_pattern_names(p: Node<'_>, src: &str, out: &mut Vec<String>) {
    match kind(p) {
        "identifier" | "shorthand_field_identifier" | "self" => out.push(text(p, src).to_owned()),
        "scoped_identifier"
        | "type_identifier"
        | "scoped_type_identifier"
        | "generic_type"
        | "field_identifier" => {}
        _ => {
            let mut cursor = p.walk();
            let children: Vec<(Option<&str>, Node<'_>)> = p
                .children(&mut cursor)
                .enumerate()
                .map(|(i, c)| {
                    let field = u32::try_from(i)
                        .ok()
                        .and_then(|i| p.field_name_for_child(i));
                    (field, c)
                })
                .collect();
            for (field, c) in children {
                if c.is_named() && !matches!(field, Some("type" | "condition")) {
                    rust_pattern_names(c, src, out);
                }
            }
        }
    }
}

/// What a parameter of this type points at: a shared reference's target (`&AtomicI64`) is
/// [`RustOwner::Shared`]; a value or a `&mut` is the helper's to change, and so is a shared
/// handle the caller made (`&Arc<Mutex<Vec<_>>>`, a recorder a test hands its helpers).
fn rust_param_owner(ty: Option<Node<'_>>, src: &str) -> RustOwner {
    let Some(t) = ty.filter(|t| kind(*t) == "reference_type") else {
        return RustOwner::Own;
    };
    let target = t.field("type");
    let handle = target.is_some_and(|g| {
        kind(g) == "generic_type"
            && g.field("type")
                .is_some_and(|n| matches!(text(n, src).rsplit("::").next(), Some("Arc" | "Rc")))
    });
    if named_children(t)
        .iter()
        .any(|c| kind(*c) == "mutable_specifier")
        || handle
    {
        RustOwner::Own
    } else {
        RustOwner::Shared
    }
}

/// Whether a call of the file to the function `def` hands it, as its parameter at
/// `position`, a shared reference to a static: `&pay::RATE`, `&RATE` (a name in
/// `SCREAMING_CASE`, as statics and constants are named).
fn rust_handed_a_static(def: Node<'_>, position: usize, src: &str) -> bool {
    let Some(name) = def.field("name").map(|n| text(n, src)) else {
        return false;
    };
    let mut root = def;
    while let Some(p) = root.parent() {
        root = p;
    }
    let static_name = |n: Node<'_>| match kind(n) {
        "scoped_identifier" => true,
        "identifier" => {
            let t = text(n, src);
            t.chars().any(char::is_alphabetic)
                && t.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        }
        _ => false,
    };
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if kind(n) == "call_expression"
            && n.field("function").is_some_and(|f| {
                let f = text(f, src);
                f == name || f.ends_with(&format!("::{name}"))
            })
            && n.field("arguments")
                .map(|a| {
                    named_children(a)
                        .into_iter()
                        .filter(|c| !super::analysis::is_comment(*c))
                        .collect::<Vec<_>>()
                })
                .and_then(|args| args.get(position).copied())
                .is_some_and(|a| {
                    kind(a) == "reference_expression" && a.field("value").is_some_and(static_name)
                })
        {
            return true;
        }
        stack.extend(named_children(n));
    }
    false
}

/// The leaves of a macro's token tree, in order, each with its text (a string as `""`).
fn rust_tokens<'t, 's>(tree: Node<'t>, src: &'s str) -> Vec<(Node<'t>, &'s str)> {
    let mut leaves = Vec::new();
    let mut stack = vec![tree];
    while let Some(n) = stack.pop() {
        if matches!(
            kind(n),
            "string_literal" | "raw_string_literal" | "char_literal"
        ) {
            leaves.push((n, "\"\""));
            continue;
        }
        if n.child_count() == 0 {
            leaves.push((n, text(n, src)));
            continue;
        }
        let mut cursor = n.walk();
        let children: Vec<Node<'t>> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    leaves
}

/// Whether a token is a name (not a keyword, literal or punctuation).
fn rust_name_token(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && t.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !matches!(
            t,
            "self" | "Self" | "mut" | "let" | "unsafe" | "move" | "ref"
        )
}

/// Whether a Rust item (a helper `fn`, a `static`) is test code: itself or a module around
/// it compiled for tests only (`#[cfg(test)] mod tests`, `#![cfg(test)]`), or in a file that
/// declares no such module (an integration test's file, a module file the tests declare).
/// The other items of a file with a `#[cfg(test)]` module are the code under test, which
/// may write its own statics.
pub(crate) fn rust_test_code(item: Node<'_>, src: &str) -> bool {
    let mut n = item;
    loop {
        if (n.id() == item.id() || kind(n) == "mod_item") && rust_cfg_test(n, src) {
            return true;
        }
        match n.parent() {
            Some(p) => n = p,
            None => break,
        }
    }
    named_children(n)
        .into_iter()
        .any(|c| kind(c) == "inner_attribute_item" && rust_cfg_test_attribute(text(c, src)))
        || !rust_holds_test_module(n, src)
}

/// `#[cfg(test)]` (or `#[cfg(all(test, …))]`) on an item, or `#![cfg(test)]` in a module's
/// body.
fn rust_cfg_test(item: Node<'_>, src: &str) -> bool {
    let mut prev = item.prev_sibling();
    while let Some(p) = prev {
        match kind(p) {
            "attribute_item" if rust_cfg_test_attribute(text(p, src)) => return true,
            "attribute_item" | "line_comment" | "block_comment" => {}
            _ => break,
        }
        prev = p.prev_sibling();
    }
    kind(item) == "mod_item"
        && item.field("body").is_some_and(|b| {
            named_children(b)
                .into_iter()
                .any(|c| kind(c) == "inner_attribute_item" && rust_cfg_test_attribute(text(c, src)))
        })
}

fn rust_cfg_test_attribute(attribute: &str) -> bool {
    let t: String = attribute.split_whitespace().collect();
    let Some(predicate) = t
        .strip_prefix("#[cfg(")
        .or_else(|| t.strip_prefix("#![cfg("))
        .and_then(|r| r.strip_suffix(")]"))
    else {
        return false;
    };
    predicate == "test"
        || predicate
            .strip_prefix("all(")
            .and_then(|r| r.strip_suffix(')'))
            .is_some_and(|r| r.split(',').any(|p| p == "test"))
}

/// Whether a file or module body declares a module compiled for tests only.
fn rust_holds_test_module(container: Node<'_>, src: &str) -> bool {
    named_children(container).into_iter().any(|c| {
        kind(c) == "mod_item"
            && (rust_cfg_test(c, src)
                || c.field("body")
                    .is_some_and(|b| rust_holds_test_module(b, src)))
    })
}

/// The statics of the test code of a Rust file (`static`, `static mut`, `thread_local!`
/// keys), by name.
fn rust_test_statics(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(container) = stack.pop() {
        for c in named_children(container) {
            match kind(c) {
                "mod_item" => stack.extend(c.field("body")),
                "static_item" if rust_test_code(c, src) => {
                    out.extend(c.field("name").map(|n| text(n, src).to_owned()));
                }
                "macro_invocation" if rust_test_code(c, src) => {
                    out.extend(rust_thread_local_keys(c, src));
                }
                _ => {}
            }
        }
    }
    out
}

/// Whether the Rust file `root` names the static `name` outside the function `def` and the
/// static's own declaration (in code or in a macro's tokens).
fn rust_named_elsewhere(root: Node<'_>, def: Node<'_>, name: &str, src: &str) -> bool {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.id() == def.id() {
            continue;
        }
        match kind(n) {
            "static_item" if n.field("name").is_some_and(|x| text(x, src) == name) => {
                continue;
            }
            "macro_invocation" if rust_thread_local_keys(n, src).iter().any(|k| k == name) => {
                continue;
            }
            "identifier" if text(n, src) == name => return true,
            _ => {}
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    false
}

/// The keys a `thread_local! { static NAME: … }` declares; none for another macro.
fn rust_thread_local_keys(m: Node<'_>, src: &str) -> Vec<String> {
    let name = m
        .field("macro")
        .map_or("", |n| text(n, src).rsplit("::").next().unwrap_or(""));
    if name != "thread_local" {
        return Vec::new();
    }
    named_children(m)
        .into_iter()
        .filter(|c| kind(*c) == "token_tree")
        .flat_map(|t| {
            let tokens = rust_tokens(t, src);
            tokens
                .windows(2)
                .filter(|w| w[0].1 == "static" && rust_name_token(w[1].1))
                .map(|w| w[1].1.to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether calling the Rust function `def` writes to something beyond what it made itself
/// or was handed to fill: a `static mut` (assigned, `unsafe { pay::RATE = 0 }`, or borrowed
/// mutably, `&mut RATE`, `addr_of_mut!(RATE)`); a static's atomic, cell, lock or
/// `thread_local!` key (`RATE.store(…)`, `fetch_add`, `swap`, `compare_exchange`, `.set(…)`,
/// `.replace(…)`, `.take()`, `.borrow_mut()`, `.get_mut()`, `.write()`, a write through
/// `.lock()`, `KEY.with(|c| c.set(…))`, a collection's `push`/`insert`/`clear` through one,
/// `OnceLock::set`, and `get_or_init` on one of the code under test); the same through a
/// shared reference it was handed where a call of the file hands it a static (`rate:
/// &AtomicI64` called as `items(&pay::RATE)`); or the process's environment
/// (`std::env::set_var`, `remove_var`, `set_current_dir`). What it was handed by value or
/// `&mut` (`cfg.rate = 0`, `buf[0] = 1`, `*out = v`), `self` and a shared handle
/// (`&Arc<…>`) are the caller's to give; its own locals, statics and `thread_local!` keys,
/// a copy of a constant, and a static of the test code only it names are its own. A name
/// is its latest binding visible where it is used (a `let` shadows a parameter). A nested
/// `fn` is read as a function of its own; a closure as part of the helper. Inside a macro's
/// arguments, which the grammar keeps as tokens, only a cell or atomic method on a name it
/// did not bind, an assignment to one in `unsafe`, and `env::set_var` are read. A function
/// it calls is not followed (`pay::set_rate(0)`).
pub(crate) fn rust_writes_beyond_locals(def: Node<'_>, src: &str) -> bool {
    let Some(body) = def.field("body") else {
        return false;
    };
    let mut scope = RustScope {
        src,
        def,
        bindings: BTreeMap::new(),
        test_statics: std::cell::OnceCell::new(),
        test_static_owners: std::cell::RefCell::new(BTreeMap::new()),
    };
    let names = |p: Option<Node<'_>>| {
        let mut out = Vec::new();
        if let Some(p) = p {
            rust_pattern_names(p, src, &mut out);
        }
        out
    };
    let mut position = 0;
    for p in def
        .field("parameters")
        .map(named_children)
        .unwrap_or_default()
    {
        if kind(p) == "parameter" {
            position += 1;
        }
        let (bound, owner) = match kind(p) {
            "parameter" => (
                names(p.field("pattern")),
                // `self: Arc<Self>` too: the object's own state.
                if p.field("pattern").is_some_and(|x| kind(x) == "self") {
                    RustOwner::Own
                } else {
                    match rust_param_owner(p.field("type"), src) {
                        RustOwner::Shared if !rust_handed_a_static(def, position - 1, src) => {
                            RustOwner::Own
                        }
                        o => o,
                    }
                },
            ),
            // `self` (`&self` too): the object's own state, as a Python method's.
            "self_parameter" => (vec!["self".to_owned()], RustOwner::Own),
            _ => continue,
        };
        scope.bind(bound, body.start_byte(), body, RustSource::Param(owner));
    }
    // Each node with its parent, and that one's parent when known: `Node::parent` walks
    // down from the root.
    let mut stack = vec![(body, body.parent().unwrap_or(body), None)];
    while let Some((n, block, above)) = stack.pop() {
        match kind(n) {
            // Its own items, seen in the whole block that holds them.
            "function_item" | "static_item" | "const_item" => {
                let bound = names(n.field("name"));
                scope.bind(bound, block.start_byte(), block, RustSource::Made);
                continue;
            }
            "macro_invocation" => {
                let keys = rust_thread_local_keys(n, src);
                scope.bind(keys, block.start_byte(), block, RustSource::Made);
                continue;
            }
            "let_declaration" => {
                let value = n.field("value");
                let source = value.map_or(RustSource::Made, RustSource::Value);
                let bound = names(n.field("pattern"));
                scope.bind(bound, n.end_byte(), block, source);
            }
            "for_expression" | "let_condition" => {
                if let Some(value) = n.field("value") {
                    // The loop's, or the `if let`'s or `while let`'s.
                    let within = if kind(n) == "for_expression" {
                        n
                    } else {
                        std::iter::successors(Some(n), Node::parent)
                            .find(|a| matches!(kind(*a), "if_expression" | "while_expression"))
                            .unwrap_or(block)
                    };
                    let bound = names(n.field("pattern"));
                    scope.bind(bound, value.end_byte(), within, RustSource::Value(value));
                }
            }
            "match_arm" => {
                let value = above
                    .or_else(|| block.parent())
                    .and_then(|m| m.field("value"));
                let source = value.map_or(RustSource::Made, RustSource::Value);
                if let Some(pattern) = n.field("pattern") {
                    scope.bind(names(Some(pattern)), pattern.end_byte(), n, source);
                }
            }
            "closure_expression" => {
                // `KEY.with(|c| …)`: `c` is the key's value; `M.lock().map(|mut g| …)`: `g`
                // is the lock's guard ([`RUST_HANDS_HELD`]).
                let key = Some(block)
                    .filter(|a| kind(*a) == "arguments")
                    .and_then(|a| above.or_else(|| a.parent()))
                    .filter(|c| kind(*c) == "call_expression")
                    .and_then(|c| rust_method(c, src))
                    .filter(|(m, _)| RUST_HANDS_HELD.contains(&m.as_str()))
                    .map(|(_, receiver)| receiver);
                if let Some(params) = n.field("parameters") {
                    for p in named_children(params) {
                        let (pattern, ty) = if kind(p) == "parameter" {
                            (p.field("pattern"), p.field("type"))
                        } else {
                            (Some(p), None)
                        };
                        let source = match key {
                            Some(k) => RustSource::Place(k),
                            None => RustSource::Param(rust_param_owner(ty, src)),
                        };
                        scope.bind(names(pattern), params.end_byte(), n, source);
                    }
                }
            }
            _ => {}
        }
        stack.extend(named_children(n).into_iter().map(|c| (c, n, Some(block))));
    }
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match kind(n) {
            // A nested function, with its own locals: it runs when called.
            "function_item" => {
                if rust_writes_beyond_locals(n, src) {
                    return true;
                }
                continue;
            }
            "static_item" | "const_item" => continue,
            "assignment_expression" | "compound_assignment_expr" => {
                if let Some(l) = n.field("left") {
                    let written = if kind(l) == "identifier" {
                        // A name it did not bind: a `static mut`.
                        scope.static_written(l)
                    } else {
                        scope.beyond(l)
                    };
                    if written {
                        return true;
                    }
                }
            }
            "reference_expression"
                if named_children(n)
                    .iter()
                    .any(|c| kind(*c) == "mutable_specifier") =>
            {
                if let Some(v) = n.field("value") {
                    // `&mut x` of its own binding (a reference it holds) borrows that
                    // binding; `&mut &x` a temporary. Of a guard it is a write through it:
                    // `&mut g` coerces to what `g` holds (`1.clone_into(&mut g)`,
                    // `std::mem::take(&mut g)`).
                    let written = match kind(v) {
                        "identifier" => {
                            scope.static_written(v) || (scope.guarded(v, 0) && scope.beyond(v))
                        }
                        "reference_expression" => false,
                        _ => scope.beyond(v),
                    };
                    if written {
                        return true;
                    }
                }
            }
            "call_expression" => {
                if let Some((method, receiver)) = rust_method(n, src) {
                    let args = n
                        .field("arguments")
                        .map(named_children)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|a| !super::analysis::is_comment(*a))
                        .count();
                    let owner = scope.place(receiver, 0);
                    let m = method.as_str();
                    let mutates = || {
                        scope.guarded(receiver, 0)
                            || std::iter::successors(n.parent(), Node::parent)
                                .any(|a| kind(a) == "unsafe_block")
                    };
                    let writes = RUST_CELL_WRITERS.contains(&m)
                        || (RUST_MUTATORS.contains(&m) && mutates())
                        || (m == "replace" && args == 1)
                        || (m == "take" && args == 0)
                        || (matches!(m, "write" | "try_write") && args == 0)
                        || (RUST_LAZY_INIT.contains(&m) && owner != RustOwner::TestStatic);
                    if writes && owner > RustOwner::Own {
                        return true;
                    }
                } else if let Some(f) = n.field("function") {
                    let callee: String = text(f, src).split_whitespace().collect();
                    let segments: Vec<&str> = callee.trim_start_matches("::").split("::").collect();
                    if let [.., last] = segments.as_slice()
                        && RUST_PROCESS_WRITES.contains(last)
                        && (segments.len() == 1 || segments[segments.len() - 2] == "env")
                    {
                        return true;
                    }
                }
            }
            "macro_invocation" => {
                if rust_macro_writes(n, &scope) {
                    return true;
                }
                continue;
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    false
}

/// [`rust_writes_beyond_locals`] for a macro's arguments, which the grammar keeps as tokens:
/// `addr_of_mut!(RATE)` of a name it did not bind; a cell or atomic method on one
/// (`vec![RATE.swap(5, …)]`); `env::set_var` and the like; and, in `unsafe`, an assignment to
/// a name it did not bind (`unsafe { pay::RATE = 5 }`; `tokio::select!` binds its branches
/// with `=`).
fn rust_macro_writes(m: Node<'_>, scope: &RustScope<'_, '_>) -> bool {
    let src = scope.src;
    let name = m.field("macro").map_or(String::new(), |n| {
        text(n, src).split_whitespace().collect::<String>()
    });
    let name = name.rsplit("::").next().unwrap_or("");
    let beyond_name = |t: &(Node<'_>, &str)| {
        rust_name_token(t.1) && scope.name(t.1, t.0.start_byte(), 0) > RustOwner::Own
    };
    named_children(m)
        .into_iter()
        .filter(|c| kind(*c) == "token_tree")
        .any(|tree| {
            let tokens = rust_tokens(tree, src);
            let unsafe_code = tokens.iter().any(|t| t.1 == "unsafe");
            (name == "addr_of_mut" && tokens.get(1).is_some_and(beyond_name))
                || tokens.windows(4).any(|w| {
                    w[1].1 == "."
                        && w[3].1 == "("
                        && RUST_CELL_WRITERS.contains(&w[2].1)
                        && beyond_name(&w[0])
                })
                || tokens.windows(3).any(|w| {
                    (w[0].1 == "env" && w[1].1 == "::" && RUST_PROCESS_WRITES.contains(&w[2].1))
                        || (unsafe_code
                            && matches!(w[0].1, "{" | ";" | "::")
                            && rust_name_token(w[1].1)
                            && scope.static_written(w[1].0)
                            && RUST_ASSIGNING.contains(&w[2].1))
                })
        })
}

/// The pytest hooks a `conftest.py` holds at its top, each as `NAME: sha256:…` of its
/// text: a `def pytest_…` (decorated or not), an assignment or an import binding a
/// `pytest_…` name. pytest registers every `conftest.py` it meets while collecting, and a
/// session hook of one (`pytest_collection_modifyitems`) sees every test of the run, not
/// only those below it.
pub(crate) fn python_pytest_hooks(root: Node<'_>, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let digest = |n: Node<'_>| {
        super::analysis::sha256_hex_bytes(super::analysis::normalized(n, src).as_bytes())
    };
    for n in named_children(root) {
        let def = super::analysis::undecorated(n);
        let names: Vec<String> = match def.map(kind) {
            Some("function_definition") => def
                .and_then(|d| d.field("name"))
                .map(|x| text(x, src).to_owned())
                .into_iter()
                .collect(),
            Some("expression_statement" | "import_statement" | "import_from_statement") => {
                let t = super::analysis::normalized(n, src);
                t.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| w.starts_with("pytest_"))
                    .map(str::to_owned)
                    .collect()
            }
            _ => Vec::new(),
        };
        for name in names.into_iter().filter(|x| x.starts_with("pytest_")) {
            out.push(format!("{name}: sha256:{}", digest(n)));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a statement run at a module's top changes what another module's tests reach
/// through a call: a method that changes its object called on a name the module imports or
/// on what hangs from one (`os.environ.setdefault("RATE", "0")`, `billing.RATES.append(0)`:
/// [`super::bindings::PYTHON_MUTATORS`]), `os.putenv`/`os.unsetenv`, a `monkeypatch`-style
/// `setattr`/`setitem`/`setenv` (or their `del…`) handed such a name or a dotted string, or
/// a patcher started (`mock.patch("billing.total", …).start()`, `__enter__()`,
/// `enter_context(…)`; also one the module bound to a name first, `patchers`). Nothing inside
/// a function or a lambda (it runs when called).
fn python_patches_by_call(
    n: Node<'_>,
    src: &str,
    imported: &BTreeSet<String>,
    patchers: &BTreeSet<String>,
) -> bool {
    let imported_root = |x: Node<'_>| root_name(x, src).is_some_and(|r| imported.contains(r));
    let patcher = |x: Node<'_>| {
        python_makes_patcher(x, src)
            || (kind(unparenthesized(x)) == "identifier"
                && patchers.contains(text(unparenthesized(x), src)))
    };
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        match kind(x) {
            "function_definition" | "class_definition" | "lambda" => continue,
            "call" => {
                let args: Vec<Node<'_>> =
                    x.field("arguments").map(named_children).unwrap_or_default();
                if let Some(f) = x.field("function") {
                    let callee: String = text(f, src).split_whitespace().collect();
                    if matches!(callee.as_str(), "os.putenv" | "os.unsetenv") {
                        return true;
                    }
                    if kind(f) == "attribute"
                        && let (Some(object), Some(method)) =
                            (f.field("object"), f.field("attribute"))
                    {
                        let method = text(method, src);
                        if super::bindings::PYTHON_MUTATORS.contains(&method)
                            && imported_root(object)
                        {
                            return true;
                        }
                        if matches!(method, "start" | "__enter__") && patcher(object) {
                            return true;
                        }
                        if method == "enter_context" && args.iter().any(|a| patcher(*a)) {
                            return true;
                        }
                        if matches!(
                            method,
                            "setattr" | "delattr" | "setitem" | "delitem" | "setenv" | "delenv"
                        ) && args
                            .first()
                            .is_some_and(|a| imported_root(*a) || kind(*a) == "string")
                        {
                            return true;
                        }
                    }
                }
            }
            _ => {}
        }
        stack.extend(named_children(x));
    }
    false
}

/// What importing a Python test module may change for the tests of other modules (pytest
/// and `unittest discover` import every test module before running any test): its hazards
/// ([`python_import_hazards`]), the statements at its top that set or delete an attribute
/// or item of a name it imports (`billing.total = lambda xs: 6`, `del billing.TAX`,
/// `os.environ["X"] = "1"`), and those that do so through a call
/// ([`python_patches_by_call`]: `mock.patch("billing.total", …).start()`,
/// `os.environ.setdefault("RATE", "0")`), each as normalised text.
pub(crate) fn python_import_patches(root: Node<'_>, src: &str) -> Vec<String> {
    let (imports, statements) = python_top_level(root, src);
    let imported: BTreeSet<String> = imports.into_iter().map(|(_, bound)| bound).collect();
    // Names the module binds to a patcher (`_p = mock.patch(…)`, then `_p.start()`).
    let patchers: BTreeSet<String> = statements
        .iter()
        .flat_map(|n| named_children(*n))
        .filter(|a| kind(*a) == "assignment")
        .filter_map(|a| {
            let (l, r) = (a.field("left")?, a.field("right")?);
            (kind(l) == "identifier" && python_makes_patcher(r, src))
                .then(|| text(l, src).to_owned())
        })
        .collect();
    let mut out: Vec<String> = python_import_hazards(root, src)
        .into_iter()
        .map(|(n, reason)| {
            format!(
                "runs at import ({reason}): {}",
                super::analysis::normalized(n, src)
            )
        })
        .collect();
    for n in statements {
        let targets: Vec<Node<'_>> = if kind(n) == "delete_statement" {
            named_children(n)
        } else {
            named_children(n)
                .into_iter()
                .filter(|a| matches!(kind(*a), "assignment" | "augmented_assignment"))
                .filter_map(|a| a.field("left"))
                .collect()
        };
        let patches = targets.into_iter().any(|t| {
            let mut found = false;
            let mut stack = vec![t];
            while let Some(x) = stack.pop() {
                if matches!(kind(x), "attribute" | "subscript")
                    && root_name(x, src).is_some_and(|r| imported.contains(r))
                {
                    found = true;
                }
                if matches!(
                    kind(x),
                    "pattern_list" | "tuple_pattern" | "list_pattern" | "expression_list"
                ) {
                    stack.extend(named_children(x));
                }
            }
            found
        });
        if patches || python_patches_by_call(n, src, &imported, &patchers) {
            out.push(super::analysis::normalized(n, src));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// JavaScript and TypeScript code that runs while a test file is loaded in ways the
/// statement reading of [`super::bindings`] does not follow: a class's `static { … }` block,
/// static field initializers and decorators, a computed key or a template substitution that
/// calls, an `enum` member initializer or a `module X { … }` body that calls, a function of
/// the file handed to a call (`[1].map(f)`), any statement of a `describe` callback other
/// than a test, a hook or a nested suite (it runs while the tests are collected, and may
/// shadow what they call), and a `vi.mock` anywhere (Vitest hoists it above the imports).
/// Each statement holding one is locked with every test of the file.
pub(crate) fn js_import_hazards<'t>(root: Node<'t>, src: &str) -> Vec<(Node<'t>, &'static str)> {
    let mut functions = BTreeSet::new();
    for n in named_children(root) {
        let d = if kind(n) == "export_statement" {
            n.field("declaration").unwrap_or(n)
        } else {
            n
        };
        match kind(d) {
            "function_declaration" | "generator_function_declaration" => {
                if let Some(name) = d.field("name") {
                    functions.insert(text(name, src).to_owned());
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for v in named_children(d) {
                    if let (Some(name), Some(value)) = (v.field("name"), v.field("value"))
                        && matches!(
                            kind(value),
                            "arrow_function" | "function_expression" | "function"
                        )
                    {
                        functions.insert(text(name, src).to_owned());
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    js_block(root, src, &functions, false, &mut out);
    // A `vi.mock` anywhere in the file is hoisted to its top.
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if kind(n) == "call_expression"
            && n.field("function").is_some_and(|f| {
                let t: String = text(f, src).split_whitespace().collect();
                matches!(t.as_str(), "vi.mock" | "vitest.mock" | "vi.hoisted")
            })
        {
            let mut top = n;
            while let Some(p) = top
                .parent()
                .filter(|p| !matches!(kind(*p), "program" | "module"))
            {
                top = p;
            }
            if !out
                .iter()
                .any(|(s, _): &(Node<'_>, &str)| s.id() == top.id())
            {
                out.push((top, "a vi.mock, hoisted above the imports"));
            }
        }
        stack.extend(named_children(n));
    }
    out
}

/// The callees that make a suite, whose callback runs while the tests are collected.
const JS_SUITE_ROOTS: &[&str] = &[
    "describe",
    "context",
    "suite",
    "xdescribe",
    "fdescribe",
    "xcontext",
];

fn js_block<'t>(
    b: Node<'t>,
    src: &str,
    functions: &BTreeSet<String>,
    in_suite: bool,
    out: &mut Vec<(Node<'t>, &'static str)>,
) {
    for n in named_children(b) {
        if matches!(kind(n), "comment" | "empty_statement") {
            continue;
        }
        // A call registering a test, a hook or a suite (a suite's body is read in turn).
        if let Some(call) = registration(n, src) {
            let callee: String = call
                .field("function")
                .map(|f| text(f, src).split_whitespace().collect())
                .unwrap_or_default();
            let root = callee.split(['.', '[', '(']).next().unwrap_or("");
            if JS_SUITE_ROOTS.contains(&root) {
                for a in call
                    .field("arguments")
                    .map(named_children)
                    .unwrap_or_default()
                {
                    if matches!(
                        kind(a),
                        "arrow_function" | "function_expression" | "function"
                    ) && let Some(body) = a.field("body")
                        && kind(body) == "statement_block"
                    {
                        js_block(body, src, functions, true, out);
                    }
                }
            }
            continue;
        }
        if in_suite {
            out.push((n, "code run while the suite is collected"));
            continue;
        }
        if let Some(r) = js_expression(n, src, functions) {
            out.push((n, r));
        }
    }
}

/// The call a statement makes when it registers a test, a hook or a suite.
fn registration<'t>(n: Node<'t>, src: &str) -> Option<Node<'t>> {
    if kind(n) != "expression_statement" {
        return None;
    }
    let mut call = named_children(n).into_iter().next()?;
    while kind(call) == "await_expression" {
        call = named_children(call).into_iter().next()?;
    }
    if kind(call) != "call_expression" {
        return None;
    }
    let mut callee = call.field("function")?;
    // `test.each(cases)('title', fn)`, `describe.each(…)(…)`.
    while kind(callee) == "call_expression" {
        callee = callee.field("function")?;
    }
    let t: String = text(callee, src).split_whitespace().collect();
    let root = t.split(['.', '[', '(']).next().unwrap_or("");
    (super::lang::js_registration_root(root) || super::bindings::is_js_setup(&t)).then_some(call)
}

/// The first hazard in module-level JavaScript code, outside the bodies of its functions.
fn js_expression(e: Node<'_>, src: &str, functions: &BTreeSet<String>) -> Option<&'static str> {
    let calls = |n: Node<'_>| {
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            if matches!(
                kind(x),
                "call_expression" | "new_expression" | "await_expression"
            ) {
                return true;
            }
            stack.extend(named_children(x));
        }
        false
    };
    let mut stack = vec![e];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "class_static_block" => return Some("a class's static block"),
            "decorator" => return Some("a decorator"),
            "computed_property_name" if calls(n) => return Some("a computed key that calls"),
            "template_substitution" if calls(n) => {
                return Some("a template substitution that calls");
            }
            "module" => return Some("a module block"),
            "enum_assignment" if calls(n) => return Some("an enum initializer that calls"),
            "field_definition" | "public_field_definition"
                if (named_children(n).iter().any(|c| text(*c, src) == "static")
                    || text(n, src).trim_start().starts_with("static"))
                    && n.field("value").is_some_and(calls) =>
            {
                return Some("a static field initializer that calls");
            }
            "arguments" => {
                for a in named_children(n) {
                    if kind(a) == "identifier" && functions.contains(text(a, src)) {
                        return Some("a function of the file handed to a call");
                    }
                }
            }
            // Their bodies run when called; a class's members are read above.
            "arrow_function"
            | "function_expression"
            | "function"
            | "function_declaration"
            | "generator_function_declaration"
            | "generator_function" => continue,
            "method_definition" => {
                stack.extend(n.field("name"));
                stack.extend(
                    named_children(n)
                        .into_iter()
                        .filter(|c| kind(*c) == "decorator"),
                );
                continue;
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    None
}

/// The builtins and runner globals whose members the tests' assertions run through.
const JS_GLOBALS: &[&str] = &[
    "Object",
    "Array",
    "Number",
    "String",
    "Boolean",
    "Function",
    "Promise",
    "JSON",
    "Math",
    "Reflect",
    "Symbol",
    "Date",
    "RegExp",
    "Error",
    "Map",
    "Set",
    "globalThis",
    "global",
    "window",
    "self",
    "process",
    "expect",
    "jest",
    "vi",
    "chai",
    "assert",
];

/// What a JavaScript/TypeScript module (the code under test a test imports) does at its top
/// to what every test's assertions run through, each statement's text: an assignment to a
/// member of a builtin or runner global (`Object.is = …`, `Array.prototype.includes = …`,
/// `globalThis.expect = …`), a call on the runner's `expect`, `jest`, `vi`, `chai`
/// (`expect.extend({toBe: …})`), a call that registers a runner hook
/// ([`registers_a_runner_hook`]), or `Object.defineProperty`/`Object.assign`/`Reflect.set` on
/// one. So is the same done to another module the file loads (`const pay =
/// require('./pay.js')`, then `pay.total = …`, `Object.assign(pay, …)` or
/// `require('./pay.js').total = …`; see [`js_imported_names`]): every module shares one
/// instance of it, so a module a test loads for anything at all may rewrite what the test
/// calls. Function bodies are not read (they run when called), but the module's own
/// functions, classes and constants such a statement names are, as written:
/// `expect.extend({ toTotal })` installs the body of `toTotal`.
pub(crate) fn js_global_patches(root: Node<'_>, src: &str) -> Vec<String> {
    let imported = js_imported_names(root, src);
    let global_root = |n: Node<'_>| -> bool {
        let mut n = n;
        loop {
            match kind(n) {
                "identifier" => {
                    let name = text(n, src);
                    return JS_GLOBALS.contains(&name) || imported.contains(name);
                }
                // `require('./pay.js').total = …`
                "call_expression" => {
                    return n
                        .field("function")
                        .is_some_and(|f| kind(f) == "identifier" && text(f, src) == "require");
                }
                "member_expression" | "subscript_expression" => match n.field("object") {
                    Some(o) => n = o,
                    None => return false,
                },
                "parenthesized_expression" => match named_children(n).into_iter().next() {
                    Some(x) => n = x,
                    None => return false,
                },
                _ => return false,
            }
        }
    };
    let mut out = Vec::new();
    let mut hits: Vec<Node<'_>> = Vec::new();
    for statement in named_children(root) {
        let mut stack = vec![statement];
        let mut hit = false;
        while let Some(n) = stack.pop() {
            match kind(n) {
                "arrow_function"
                | "function_expression"
                | "function"
                | "function_declaration"
                | "generator_function"
                | "generator_function_declaration"
                | "method_definition" => continue,
                "assignment_expression" | "augmented_assignment_expression"
                    if n.field("left")
                        .is_some_and(|l| kind(l) != "identifier" && global_root(l)) =>
                {
                    hit = true;
                }
                "call_expression" => {
                    if let Some(f) = n.field("function") {
                        let callee: String = text(f, src).split_whitespace().collect();
                        let head = callee.split(['.', '[', '(']).next().unwrap_or("");
                        let runner = (kind(f) != "identifier"
                            && matches!(head, "expect" | "jest" | "vi" | "chai"))
                            || registers_a_runner_hook(&callee);
                        let reflective = JS_REFLECTIVE_SETTERS.contains(&callee.as_str())
                            && n.field("arguments")
                                .and_then(|a| named_children(a).into_iter().next())
                                .is_some_and(global_root);
                        hit |= runner || reflective;
                    }
                }
                _ => {}
            }
            if hit {
                break;
            }
            stack.extend(named_children(n));
        }
        if hit {
            out.push(super::analysis::normalized(statement, src));
            hits.push(statement);
        }
    }
    // The module's own functions such a statement names (`expect.extend({ toTotal })` after
    // `function toTotal(received, expected) {…}`), and those they name in turn: what the
    // patch installs is their bodies.
    let mut defined: BTreeMap<String, Node<'_>> = BTreeMap::new();
    for n in named_children(root) {
        let d = if kind(n) == "export_statement" {
            n.field("declaration").unwrap_or(n)
        } else {
            n
        };
        match kind(d) {
            "function_declaration" | "generator_function_declaration" | "class_declaration" => {
                if let Some(name) = d.field("name") {
                    defined.insert(text(name, src).to_owned(), n);
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for v in named_children(d) {
                    if let Some(name) = v.field("name")
                        && kind(name) == "identifier"
                    {
                        defined.insert(text(name, src).to_owned(), n);
                    }
                }
            }
            _ => {}
        }
    }
    let mut seen: BTreeSet<usize> = hits.iter().map(Node::id).collect();
    while let Some(h) = hits.pop() {
        let mut stack = vec![h];
        while let Some(n) = stack.pop() {
            if matches!(kind(n), "identifier" | "shorthand_property_identifier")
                && let Some(d) = defined.get(text(n, src))
                && seen.insert(d.id())
            {
                out.push(super::analysis::normalized(*d, src));
                hits.push(*d);
            }
            stack.extend(named_children(n));
        }
    }
    out
}

/// Every identifier a JavaScript binding pattern binds (`{total, rate: r}` binds `total` and
/// `r`), into `out`.
fn js_pattern_names(n: Node<'_>, src: &str, out: &mut BTreeSet<String>) {
    match kind(n) {
        "identifier" | "shorthand_property_identifier_pattern" => {
            out.insert(text(n, src).to_owned());
        }
        "pair_pattern" => {
            if let Some(v) = n.field("value") {
                js_pattern_names(v, src, out);
            }
        }
        _ => {
            for c in named_children(n) {
                js_pattern_names(c, src, out);
            }
        }
    }
}

/// The names the top of a JavaScript/TypeScript module binds to another module it loads:
/// `const pay = require('./pay.js')`, `const {total} = require(…)`, `const t =
/// require(…).total`, `import pay from …`, `import * as pay from …`, `import {total as t} from
/// …`, TypeScript's `import pay = require(…)`. Writing to a member of one writes to the
/// module every other importer sees.
fn js_imported_names(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // `require(…)`, `require(…).x.y`, `await import(…)`.
    let loads = |v: Node<'_>| -> bool {
        let mut v = v;
        loop {
            match kind(v) {
                "await_expression" | "parenthesized_expression" => {
                    match named_children(v).into_iter().next() {
                        Some(x) => v = x,
                        None => return false,
                    }
                }
                "member_expression" | "subscript_expression" => match v.field("object") {
                    Some(o) => v = o,
                    None => return false,
                },
                "call_expression" => {
                    return v
                        .field("function")
                        .is_some_and(|f| matches!(text(f, src), "require" | "import"));
                }
                _ => return false,
            }
        }
    };
    for n in named_children(root) {
        let n = if kind(n) == "export_statement" {
            n.field("declaration").unwrap_or(n)
        } else {
            n
        };
        match kind(n) {
            "lexical_declaration" | "variable_declaration" => {
                for d in named_children(n) {
                    if let (Some(name), Some(value)) = (d.field("name"), d.field("value"))
                        && loads(value)
                    {
                        js_pattern_names(name, src, &mut out);
                    }
                }
            }
            "import_statement" => {
                for c in named_children(n) {
                    match kind(c) {
                        "import_clause" => {
                            for x in named_children(c) {
                                match kind(x) {
                                    "identifier" => {
                                        out.insert(text(x, src).to_owned());
                                    }
                                    "namespace_import" => js_pattern_names(x, src, &mut out),
                                    "named_imports" => {
                                        for spec in named_children(x) {
                                            if let Some(b) =
                                                spec.field("alias").or_else(|| spec.field("name"))
                                            {
                                                out.insert(text(b, src).to_owned());
                                            }
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                        // TypeScript's `import pay = require('./pay')`.
                        "import_require_clause" => {
                            if let Some(i) = named_children(c)
                                .into_iter()
                                .find(|x| kind(*x) == "identifier")
                            {
                                out.insert(text(i, src).to_owned());
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A call that registers a hook with the test runner (`beforeEach(…)`, vitest's
/// `onTestFailed(…)`, AVA's `test.afterEach(…)`): made by a module the test imports, it runs
/// around every test of the importing file (vitest's `beforeEach((ctx) => { ctx.task.fails =
/// true })` turns a failing test into a pass).
fn registers_a_runner_hook(callee: &str) -> bool {
    matches!(
        callee,
        "beforeEach"
            | "afterEach"
            | "beforeAll"
            | "afterAll"
            | "before"
            | "after"
            | "onTestFailed"
            | "onTestFinished"
    ) || callee
        .strip_prefix("test.")
        .is_some_and(|r| r.starts_with("before") || r.starts_with("after"))
}

/// The statement of a block or module that holds `n`, or the part of a compound statement's
/// header that does (a class's bases, a decorator, an `if`'s condition).
fn python_statement_of(n: Node<'_>) -> Node<'_> {
    let mut s = n;
    while let Some(p) = s.parent() {
        if matches!(
            kind(p),
            "block"
                | "module"
                | "class_definition"
                | "function_definition"
                | "decorated_definition"
                | "if_statement"
                | "elif_clause"
                | "for_statement"
                | "while_statement"
                | "with_statement"
                | "try_statement"
                | "match_statement"
        ) {
            break;
        }
        s = p;
    }
    s
}

/// Whether `n` (a name or dotted name) is, read whole, a base of a class (`class
/// CurlTest(httpclient_test.HTTPClientCommonTestCase)`): a subclass runs the base's tests
/// under its own name and changes nothing of the base.
fn python_class_base(n: Node<'_>) -> bool {
    let mut n = n;
    while let Some(p) = n.parent() {
        if kind(p) == "attribute" && p.field("object").map(|o| o.id()) == Some(n.id()) {
            n = p;
            continue;
        }
        return kind(p) == "argument_list"
            && p.parent().is_some_and(|c| {
                kind(c) == "class_definition"
                    && c.field("superclasses").map(|x| x.id()) == Some(p.id())
            });
    }
    false
}

/// Where a Python file writes to one of `modules` (dotted names of modules that hold locked
/// tests, each as any import may name it: `tests.billing.test_pay`, `billing.test_pay`,
/// `test_pay`), each as `(line, statement)`: an assignment, augmented assignment or `del`
/// whose target is reached through a name bound to such a module (`tp.total = …` after
/// `import tests.billing.test_pay as tp`), or any other use of such a name or of a name
/// imported from the module (a read may hand it on to be changed: `tp.CASES.append(…)`,
/// `setattr(tp, …)`, `patch_all(tp)`) but as a class's base (a subclass changes nothing of
/// its base), and the module named by a string (`importlib.import_module(…)`,
/// `sys.modules[…]`). A test collected before the locked one that rebinds what it calls
/// (`tp.total = lambda xs: sum(xs)`) makes it run against something else, and its runner's
/// report then truthfully says it passed.
pub(crate) fn python_writes_to_modules(
    root: Node<'_>,
    src: &str,
    modules: &[String],
) -> Vec<(usize, String)> {
    let names_module = |dotted: &str| modules.iter().any(|m| m == dotted);
    // The names bound to such a module, or to a value imported from it.
    let mut bound: Vec<String> = Vec::new();
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "import_statement" => {
                for c in named_children(n) {
                    let (name, alias) = match kind(c) {
                        "dotted_name" => (text(c, src), None),
                        "aliased_import" => (
                            c.field("name").map_or("", |x| text(x, src)),
                            c.field("alias").map(|x| text(x, src)),
                        ),
                        _ => continue,
                    };
                    if names_module(name) {
                        bound.push(alias.unwrap_or(name).to_owned());
                    }
                }
                continue;
            }
            "import_from_statement" => {
                let module = n
                    .field("module_name")
                    .map_or("", |m| text(m, src))
                    .trim_start_matches('.');
                let mut cursor = n.walk();
                for c in n.children_by_field_name("name", &mut cursor) {
                    let (name, alias) = match kind(c) {
                        "dotted_name" => (text(c, src), None),
                        "aliased_import" => (
                            c.field("name").map_or("", |x| text(x, src)),
                            c.field("alias").map(|x| text(x, src)),
                        ),
                        _ => continue,
                    };
                    let whole = if module.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{module}.{name}")
                    };
                    // A module imported from its package, or a value from the module.
                    if names_module(&whole) || names_module(module) {
                        bound.push(alias.unwrap_or(name).to_owned());
                    }
                }
                if named_children(n)
                    .iter()
                    .any(|c| kind(*c) == "wildcard_import")
                    && names_module(module)
                {
                    out.push((
                        n.start_position().row + 1,
                        super::analysis::normalized(n, src),
                    ));
                }
                continue;
            }
            // The module, or a name in it (`monkeypatch.setattr("tests.billing.test_pay.total",
            // …)`, `mock.patch("tests.billing.test_pay.total")`).
            "string"
                if modules.iter().any(|m| {
                    let t = text(n, src);
                    t.len() >= 2 && {
                        let inner = &t[1..t.len() - 1];
                        // A name in it only by a dotted path of the module (a file named
                        // `options_test.cfg` is no name in `options_test`).
                        inner == m
                            || (m.contains('.')
                                && inner.strip_prefix(&format!("{m}.")).is_some_and(|rest| {
                                    !rest.is_empty()
                                        && rest
                                            .chars()
                                            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                                }))
                    }
                }) =>
            {
                let s = python_statement_of(n);
                out.push((
                    s.start_position().row + 1,
                    super::analysis::normalized(s, src),
                ));
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    if bound.is_empty() {
        out.sort();
        out.dedup();
        return out;
    }
    // Each statement that uses a bound name: a read may hand the value on to be changed
    // (`tp.CASES.append(…)`, `patch_all(tp)`), so every use counts.
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if matches!(kind(n), "import_statement" | "import_from_statement") {
            continue;
        }
        let t = text(n, src);
        if matches!(kind(n), "identifier" | "attribute") && bound.iter().any(|b| b == t) {
            if python_class_base(n) {
                continue;
            }
            let s = python_statement_of(n);
            out.push((
                s.start_position().row + 1,
                super::analysis::normalized(s, src),
            ));
            continue;
        }
        stack.extend(named_children(n));
    }
    out.sort();
    out.dedup();
    out
}

/// The modules whose objects every Python test's checks run through.
const PYTHON_FRAMEWORKS: &[&str] = &["unittest", "pytest", "_pytest", "builtins", "mock"];

/// What a Python module (the code under test a test imports) does at its top to the test
/// frameworks and builtins the checks run through, each statement's text: an assignment to,
/// or `del` of, an attribute or item of a name it imports from `unittest`, `pytest`,
/// `builtins` or `mock` (`unittest.TestCase.assertEqual = …`, `builtins.len = …`), or a
/// `setattr`/`delattr` on one. Function bodies are not read (they run when called).
pub(crate) fn python_framework_patches(root: Node<'_>, src: &str) -> Vec<String> {
    let framework = |m: &str| PYTHON_FRAMEWORKS.contains(&m.split('.').next().unwrap_or(m));
    let (imports, statements) = python_top_level(root, src);
    let mut names: BTreeSet<String> = BTreeSet::from(["__builtins__".to_owned()]);
    names.extend(
        imports
            .into_iter()
            .filter(|(module, _)| framework(module))
            .map(|(_, bound)| bound),
    );
    let mut out = Vec::new();
    for n in statements {
        let mut hit = false;
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            match kind(x) {
                "lambda" => continue,
                "assignment" | "augmented_assignment" => {
                    if let Some(l) = x.field("left") {
                        let mut targets = vec![l];
                        while let Some(t) = targets.pop() {
                            if matches!(kind(t), "attribute" | "subscript")
                                && root_name(t, src).is_some_and(|r| names.contains(r))
                            {
                                hit = true;
                            }
                            if matches!(kind(t), "pattern_list" | "tuple_pattern" | "list_pattern")
                            {
                                targets.extend(named_children(t));
                            }
                        }
                    }
                }
                "delete_statement" => {
                    hit |= named_children(x).into_iter().any(|t| {
                        matches!(kind(t), "attribute" | "subscript")
                            && root_name(t, src).is_some_and(|r| names.contains(r))
                    });
                }
                "call" => {
                    let callee = x.field("function").map_or("", |f| text(f, src));
                    if matches!(callee, "setattr" | "delattr") {
                        hit |= x
                            .field("arguments")
                            .and_then(|a| named_children(a).into_iter().next())
                            .and_then(|a| root_name(a, src))
                            .is_some_and(|r| names.contains(r));
                    }
                }
                _ => {}
            }
            stack.extend(named_children(x));
        }
        if hit {
            out.push(super::analysis::normalized(n, src));
        }
    }
    out
}

#[cfg(all(test, feature = "lang-rust"))]
mod rust_write_tests {
    use super::{kind, named_children};
    use crate::sacred::analysis::FieldOf as _;

    /// Whether the function named `name` of the Rust file `src` is read as test code that
    /// writes beyond its locals.
    fn writes(src: &str, name: &str) -> bool {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_rust::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(src, None).unwrap();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            if kind(n) == "function_item"
                && n.field("name").is_some_and(|x| super::text(x, src) == name)
            {
                return super::rust_test_code(n, src) && super::rust_writes_beyond_locals(n, src);
            }
            stack.extend(named_children(n));
        }
        panic!("no fn {name} in {src}");
    }

    fn helper(body: &str) -> bool {
        writes(&format!("fn items() -> Vec<i64> {{\n{body}\n}}\n"), "items")
    }

    #[test]
    fn writes_to_a_static_are_beyond_the_helper() {
        for body in [
            "unsafe { pay::RATE = 5; } vec![1]",
            "unsafe { RATE += 1 }; vec![1]",
            "unsafe { pay::TABLE[0] = 5 }; vec![1]",
            "pay::RATE.store(5, Ordering::SeqCst); vec![1]",
            "RATE.fetch_add(1, SeqCst); vec![1]",
            "RATE.fetch_sub(1, SeqCst); vec![1]",
            "RATE.swap(5, SeqCst); vec![1]",
            "let _ = RATE.compare_exchange(10, 5, SeqCst, SeqCst); vec![1]",
            "pay::RATE.with(|r| r.set(5)); vec![1]",
            "pay::RATE.with(|r| *r.borrow_mut() = 5); vec![1]",
            "pay::RATE.with(|r| { let mut v = r.borrow_mut(); v.push(1); }); vec![1]",
            "pay::RATE.set(5); vec![1]",
            "pay::RATE.with_borrow_mut(|v| v.clear()); vec![1]",
            "pay::RATE.replace(5); vec![1]",
            "pay::RATE.take(); vec![1]",
            "*pay::RATE.lock().unwrap() = 5; vec![1]",
            "let mut g = pay::RATE.lock().unwrap(); *g = 5; vec![1]",
            "pay::ITEMS.lock().unwrap().push(5); vec![1]",
            "unsafe { pay::ITEMS.push(5) }; vec![1]",
            "pay::ITEMS.with(|v| v.borrow_mut().clear()); vec![1]",
            "*pay::RATE.write().unwrap() = 5; vec![1]",
            "let _ = pay::RATE.set(5); vec![1]",
            "pay::RATE.get_or_init(|| 5); vec![1]",
            "for c in pay::CELLS.iter() { c.set(0); } vec![1]",
            "pay::set(unsafe { &mut pay::RATE }, 5); vec![1]",
            "let p = std::ptr::addr_of_mut!(pay::RATE); vec![1]",
            "unsafe { std::env::set_var(\"PAY_RATE\", \"5\") }; vec![1]",
            "std::env::remove_var(\"PAY_RATE\"); vec![1]",
            "env::set_current_dir(\"/tmp\").unwrap(); vec![1]",
            "vec![pay::RATE.swap(5, SeqCst)]",
            "vec![{ unsafe { pay::RATE = 5 }; 1 }]",
            "INIT.call_once(|| unsafe { pay::RATE = 5 }); vec![1]",
            "fn set() { unsafe { pay::RATE = 5 } } set(); vec![1]",
        ] {
            assert!(helper(body), "{body}");
        }
    }

    #[test]
    fn building_asserting_and_writing_its_own_locals_stay_its_own() {
        for body in [
            "vec![10, 20, 70]",
            "let mut v = Vec::new(); v.push(1); v.sort(); v",
            "let c = std::cell::Cell::new(0); c.set(5); vec![c.get()]",
            "let r = std::cell::RefCell::new(vec![]); r.borrow_mut().push(1); r.into_inner()",
            "let m = std::sync::Mutex::new(0); *m.lock().unwrap() = 5; vec![*m.lock().unwrap()]",
            "let a = AtomicI64::new(0); a.store(5, SeqCst); vec![a.load(SeqCst)]",
            "static N: AtomicI64 = AtomicI64::new(0); N.fetch_add(1, SeqCst); vec![1]",
            "thread_local! { static T: Cell<i64> = Cell::new(0); } T.with(|t| t.set(1)); vec![1]",
            "let rate = pay::RATE.load(SeqCst); vec![rate]",
            "let mut c = pay::DEFAULTS; c.rate = 0; vec![c.rate]",
            "let mut row = CASES[0]; row[1] = 5; row.to_vec()",
            "let mut s = GREETING.to_uppercase(); s.push_str(\"!\"); vec![1]",
            "let mut v = CASES.to_vec(); v.push(4); v",
            "CASES.iter().take(2).copied().collect()",
            "let s = NAME.replace(\"a\", \"b\"); vec![s.len() as i64]",
            "let mut n = 0; for x in CASES { n += x; } vec![n]",
            "assert_eq!(pay::total(&[1]), 1); vec![1]",
            "let out = format!(\"{x}\", x = 5); vec![out.len() as i64]",
            "let v = std::env::var(\"HOME\").unwrap(); vec![v.len() as i64]",
            // A getter named like a collection's mutator (regex-automata's `Regex::reverse`).
            "let (f, r) = (pay::RE.forward(), pay::RE.reverse()); vec![1]",
        ] {
            assert!(!helper(body), "{body}");
        }
    }

    #[test]
    fn what_it_is_handed_by_value_or_mut_is_the_callers_to_give() {
        let src = "fn fill(out: &mut Vec<i64>, cfg: &mut Config, buf: &mut [u8], mut n: i64) {\n    out.push(1);\n    *out = vec![2];\n    cfg.rate = 0;\n    cfg.limits.max = 1;\n    buf[0] = 1;\n    n += 1;\n}\n";
        assert!(!writes(src, "fill"));
        let read = "fn parse(mut input: &[u8]) -> u8 {\n    read_one(&mut input)\n}\n";
        assert!(!writes(read, "parse"));
        // A shared reference a call of the file hands a static: writing through it is beyond.
        for (body, call) in [
            ("rate.store(5, SeqCst)", "set(&pay::RATE, &log, &m)"),
            ("rate.fetch_add(1, SeqCst)", "set(&RATE, &log, &m)"),
            ("log.borrow_mut().push(1)", "set(&r, &pay::LOG, &m)"),
            ("*m.lock().unwrap() = 5", "self::set(&r, &log, &M)"),
        ] {
            let src = format!(
                "fn set(rate: &AtomicI64, log: &RefCell<Vec<i64>>, m: &Mutex<i64>) {{\n    {body};\n}}\n\n#[test]\nfn t() {{\n    {call};\n}}\n"
            );
            assert!(writes(&src, "set"), "{body}");
            // The test's own counter, cell or lock.
            let own = src.replace(call, "set(&rate, &log, &m)");
            assert!(!writes(&own, "set"), "{body}");
        }
        let read = "fn get(rate: &AtomicI64) -> i64 {\n    rate.load(SeqCst)\n}\n";
        assert!(!writes(read, "get"));
        // regex-automata's `try_search_overlapping`: `re.reverse()` is a getter.
        let getter = "fn search(re: &Regex, input: &Input<'_>) -> Vec<Match> {\n    let mut matches = vec![];\n    let (fwd, rev) = (re.forward(), re.reverse());\n    let mut state = OverlappingState::start();\n    fwd.search(input, &mut state);\n    matches.push(state.get_match());\n    matches\n}\n";
        assert!(!writes(getter, "search"));
    }

    #[test]
    fn a_later_binding_shadows_an_earlier_one() {
        // cc's `target_from_rustc_cfgs`: a struct of its own named as its `&str` parameter.
        let cc = "fn target_from(target: &str, cfgs: &str) -> TargetInfo {\n    let (arch, _rest) = target.split_once('-').unwrap();\n    let mut target = TargetInfo { arch, os: \"\" };\n    for cfg in cfgs.lines() {\n        match cfg {\n            \"os\" => target.os = cfg,\n            _ => {}\n        }\n    }\n    target\n}\n";
        assert!(!writes(cc, "target_from"));
        // A local that shadows a static's name is its own; the static is written before.
        let shadow = "fn items() -> Vec<i64> {\n    let RATE = std::cell::Cell::new(0);\n    RATE.set(5);\n    vec![RATE.get()]\n}\n";
        assert!(!writes(shadow, "items"));
        let before = "fn items() -> Vec<i64> {\n    RATE.set(5);\n    let RATE = std::cell::Cell::new(0);\n    vec![RATE.get()]\n}\n";
        assert!(writes(before, "items"));
        // A binding in an inner block is not seen after it.
        let inner = "fn items() -> Vec<i64> {\n    {\n        let RATE = std::cell::Cell::new(0);\n        RATE.set(1);\n    }\n    RATE.set(5);\n    vec![]\n}\n";
        assert!(writes(inner, "items"));
    }

    #[test]
    fn what_a_macro_binds_and_discards_is_not_a_static() {
        for body in [
            "let (waker, count) = new_count_waker(); _ = entry.poll(&waker); vec![]",
            "loop { tokio::select! { result = s.write(&BUF) => { copied += result.unwrap(); } } } vec![]",
        ] {
            assert!(!helper(body), "{body}");
        }
        // A recorder the test hands as a shared handle, and a nested type's own state.
        let recorder = "fn hook(latencies: &Arc<Mutex<Vec<u64>>>) -> impl Fn(u64) {\n    let latencies = Arc::clone(latencies);\n    move |d| latencies.lock().unwrap().push(d)\n}\n";
        assert!(!writes(recorder, "hook"));
        let nested = "fn poll_on_wake() -> Arc<AtomicBool> {\n    struct PollOnWake { woken: Arc<AtomicBool> }\n    impl Wake for PollOnWake {\n        fn wake(self: Arc<Self>) {\n            self.woken.store(true, SeqCst);\n        }\n        fn wake_by_ref(&self) {\n            self.woken.store(true, SeqCst);\n        }\n    }\n    Arc::new(AtomicBool::new(false))\n}\n";
        assert!(!writes(nested, "poll_on_wake"));
    }

    #[test]
    fn a_static_of_the_test_code_may_be_built_lazily() {
        let src = "static DATA: OnceLock<Vec<i64>> = OnceLock::new();\n\nfn data() -> &'static [i64] {\n    DATA.get_or_init(|| vec![1, 2, 3])\n}\n\nfn reset() {\n    let _ = DATA.set(vec![]);\n}\n";
        assert!(!writes(src, "data"));
        assert!(writes(src, "reset"));
        // Of the code under test (imported): its value is the helper's then.
        let foreign = "use pay::DATA;\n\nfn data() -> &'static [i64] {\n    DATA.get_or_init(|| vec![1, 2, 3])\n}\n";
        assert!(writes(foreign, "data"));
    }

    #[test]
    fn a_static_of_the_test_code_only_its_helper_names_is_its_own() {
        // gatekeeper's own tests/it/data/pg.rs: a counter for unique database names.
        let counter = "static NEXT_DB: AtomicUsize = AtomicUsize::new(0);\n\npub fn database() -> Database {\n    let name = format!(\"t_{}\", NEXT_DB.fetch_add(1, Ordering::SeqCst));\n    Database { name }\n}\n";
        assert!(!writes(counter, "database"));
        // One a test reads: the helper decides what the test compares with.
        let read = "static EXPECTED: AtomicI64 = AtomicI64::new(110);\n\nfn setup() {\n    EXPECTED.store(120, SeqCst);\n}\n\n#[test]\nfn total() {\n    setup();\n    assert_eq!(pay::total(), EXPECTED.load(SeqCst));\n}\n";
        assert!(writes(read, "setup"));
        let key = "thread_local! {\n    static SEEN: RefCell<Vec<i64>> = RefCell::new(vec![]);\n}\n\nfn record(x: i64) {\n    SEEN.with(|s| s.borrow_mut().push(x));\n}\n\nfn seen() -> Vec<i64> {\n    SEEN.with(|s| s.borrow().clone())\n}\n";
        assert!(writes(key, "record"));
    }

    #[test]
    fn only_the_test_code_of_a_file_with_a_test_module_is_read() {
        let src = "pub static NEXT: AtomicUsize = AtomicUsize::new(0);\n\npub fn next_id() -> usize {\n    NEXT.fetch_add(1, SeqCst)\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    fn reset() {\n        NEXT.store(0, SeqCst);\n    }\n\n    #[test]\n    fn ids() {\n        reset();\n        assert_eq!(next_id(), 0);\n    }\n}\n";
        assert!(!writes(src, "next_id"));
        assert!(writes(src, "reset"));
        let cfg_fn = "pub fn f() {}\n\n#[cfg(test)]\nmod tests {}\n\n#[cfg(test)]\nfn reset() {\n    NEXT.store(0, SeqCst);\n}\n";
        assert!(writes(cfg_fn, "reset"));
        let not_test = "#[cfg(not(test))]\nmod real {}\n\n#[cfg(test)]\nmod tests {}\n\nfn reset() {\n    NEXT.store(0, SeqCst);\n}\n";
        assert!(!writes(not_test, "reset"));
    }
}

/// The test-runner modules code under test has no business loading: what it could do with
/// them (register a hook, mark a failed test passed, reach the report writer) changes how
/// the tests run or what the runner reports, with every test untouched.
const PYTHON_RUNNER_MODULES: &[&str] = &["pytest", "_pytest", "unittest", "nose", "nose2", "gc"];
const JS_RUNNER_MODULES: &[&str] = &[
    "vitest",
    "@vitest/runner",
    "@jest/globals",
    "jest-circus",
    "ava",
    "mocha",
    "node:test",
    "bun:test",
    "@playwright/test",
    "uvu",
    "tap",
];
/// The environment variables JavaScript test runners set in the tests' process (Jest's
/// worker id, Vitest's, the one `node --test` sets for its child processes): code under test
/// that reads one can answer otherwise under test. Python's are pytest's `PYTEST_…`
/// (`PYTEST_CURRENT_TEST`, `PYTEST_VERSION`, `PYTEST_XDIST_WORKER`).
const JS_RUNNER_VARIABLES: &[&str] = &[
    "JEST_WORKER_ID",
    "VITEST",
    "VITEST_WORKER_ID",
    "VITEST_POOL_ID",
    "VITEST_MODE",
    "NODE_TEST_CONTEXT",
];
/// The runner globals JavaScript code reaches without importing them.
const JS_RUNNER_GLOBALS: &[&str] = &[
    "beforeEach",
    "afterEach",
    "beforeAll",
    "afterAll",
    "before",
    "after",
    "onTestFailed",
    "onTestFinished",
    "expect",
    "jest",
    "vi",
];

/// Where a module that is not the tests' own code reaches the test runner, anywhere in it
/// (a function's body included: it runs when the tests call it), each with its line:
/// Python, an import of `pytest`, `_pytest`, `unittest` (not `unittest.mock`), `nose`, a
/// string naming one (`importlib.import_module("_pytest.junitxml")`, `"_py" "test"`), `gc`
/// (every live object, the runner's too), `sys.modules` (every loaded module), or a module
/// loaded by a name computed at run time (`importlib.import_module(name)`); JavaScript and
/// TypeScript, a load of a runner module (`require('vitest')`, `import … from
/// '@jest/globals'`, ``import(`vitest`)``), a module loaded by a name computed at run time
/// (`import(name)`, `require(parts.join(''))`), or a runner global the file does not bind
/// itself, called
/// (`beforeEach(…)`), read through (`expect.extend`) or through the global object
/// (`globalThis.afterEach`); and in both, a name of the environment the runner sets for the
/// tests' process ([`JS_RUNNER_VARIABLES`], pytest's `PYTEST_CURRENT_TEST`): code that
/// reads it can answer right only under test.
pub(crate) fn runner_reaches(python: bool, root: Node<'_>, src: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    // A name of the environment the runner sets for the tests' process.
    let runner_variable = |v: &str| {
        if python {
            v.starts_with("PYTEST_")
        } else {
            JS_RUNNER_VARIABLES.contains(&v)
        }
    };
    let runner_module = |m: &str| {
        if python {
            let m = m.trim_start_matches('.');
            let head = m.split('.').next().unwrap_or(m);
            PYTHON_RUNNER_MODULES.contains(&head) && !m.starts_with("unittest.mock")
        } else {
            JS_RUNNER_MODULES
                .iter()
                .any(|r| m == *r || m.starts_with(&format!("{r}/")))
        }
    };
    let unquote = |s: &str| {
        s.trim_matches(|c| c == '\'' || c == '"' || c == '`')
            .to_owned()
    };
    // JavaScript: the names the file binds itself (declarations, parameters, imports).
    let mut bound: BTreeSet<String> = BTreeSet::new();
    if !python {
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            stack.extend(named_children(n));
            let name = match kind(n) {
                "variable_declarator"
                | "function_declaration"
                | "class_declaration"
                | "generator_function_declaration" => n.field("name"),
                "formal_parameters" => {
                    for p in named_children(n) {
                        let mut inner = vec![p];
                        while let Some(q) = inner.pop() {
                            if kind(q) == "identifier" {
                                bound.insert(text(q, src).to_owned());
                            }
                            inner.extend(named_children(q));
                        }
                    }
                    None
                }
                "import_specifier" => n.field("alias").or_else(|| n.field("name")),
                "shorthand_property_identifier_pattern" => Some(n),
                "identifier"
                    if n.parent().is_some_and(|p| {
                        matches!(
                            kind(p),
                            "import_clause" | "namespace_import" | "arrow_function"
                        )
                    }) =>
                {
                    Some(n)
                }
                _ => None,
            };
            if let Some(name) = name {
                bound.insert(text(name, src).to_owned());
            }
        }
    }
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        stack.extend(named_children(n));
        let line = n.start_position().row + 1;
        let statement = || {
            let mut s = n;
            while let Some(p) = s.parent() {
                if p.parent().is_none() || kind(p) == "block" || kind(p) == "statement_block" {
                    break;
                }
                s = p;
            }
            super::analysis::normalized(s, src)
        };
        let hit = match (python, kind(n)) {
            (true, "import_statement" | "import_from_statement") => {
                // `from unittest import mock` loads `unittest.mock`; `from _pytest import
                // junitxml`, `_pytest.junitxml`; `from pytest import *`, `pytest`.
                let from = n.field("module_name").map(|m| text(m, src).to_owned());
                let mut modules = Vec::new();
                let mut c = n.walk();
                for name in n.children_by_field_name("name", &mut c) {
                    let name = if kind(name) == "aliased_import" {
                        name.field("name").unwrap_or(name)
                    } else {
                        name
                    };
                    let name = text(name, src);
                    modules.push(match &from {
                        Some(m) => format!("{m}.{name}"),
                        None => name.to_owned(),
                    });
                }
                if modules.is_empty() {
                    modules.extend(from);
                }
                modules.iter().any(|m| runner_module(m))
            }
            (true, "string") if n.parent().is_none_or(|p| kind(p) != "concatenated_string") => {
                let t = unquote(text(n, src).trim_start_matches(['r', 'b', 'u', 'R', 'B', 'U']));
                (runner_module(&t) && !t.contains(' ')) || runner_variable(&t)
            }
            // `"_py" "test.reports"`: the parts read as one string.
            (true, "concatenated_string") => {
                let t: String = named_children(n)
                    .into_iter()
                    .map(|p| {
                        unquote(text(p, src).trim_start_matches(['r', 'b', 'u', 'R', 'B', 'U']))
                    })
                    .collect();
                (runner_module(&t) && !t.contains(' ')) || runner_variable(&t)
            }
            // The garbage collector's view of every live object (the runner's too), the
            // table of every loaded module, and a module loaded by a name computed at run
            // time.
            (true, "attribute") => {
                let t: String = text(n, src).split_whitespace().collect();
                t == "sys.modules"
            }
            (true, "call") => {
                let f: String = n
                    .field("function")
                    .map(|f| text(f, src).split_whitespace().collect())
                    .unwrap_or_default();
                matches!(
                    f.as_str(),
                    "importlib.import_module" | "__import__" | "import_module"
                ) && n
                    .field("arguments")
                    .and_then(|a| a.named_child(0))
                    .is_none_or(|a| kind(a) != "string")
            }
            (false, "import_statement" | "export_statement") => n
                .field("source")
                .is_some_and(|s| runner_module(&unquote(text(s, src)))),
            (false, "call_expression") => {
                let callee = n.field("function");
                let loader = callee.is_some_and(|f| {
                    kind(f) == "import" || (kind(f) == "identifier" && text(f, src) == "require")
                });
                // A module loaded by a name computed at run time may be the runner.
                let first = n.field("arguments").and_then(|a| a.named_child(0));
                let literal = first.is_some_and(|a| {
                    kind(a) == "string"
                        || (kind(a) == "template_string"
                            && !named_children(a)
                                .iter()
                                .any(|c| kind(*c) == "template_substitution"))
                });
                if loader && !literal {
                    out.push((line, statement()));
                    continue;
                }
                let global_call = callee.is_some_and(|f| {
                    kind(f) == "identifier"
                        && JS_RUNNER_GLOBALS.contains(&text(f, src))
                        && !bound.contains(text(f, src))
                });
                global_call
                    || (loader && first.is_some_and(|a| runner_module(&unquote(text(a, src)))))
            }
            // The environment a runner gives the tests' process (`process.env.JEST_WORKER_ID`,
            // `process.env['VITEST']`): code that answers otherwise under test.
            (false, "string" | "template_string") => runner_variable(&unquote(text(n, src))),
            (false, "property_identifier") => runner_variable(text(n, src)),
            (false, "member_expression") => n.field("object").is_some_and(|o| {
                let o_text = text(o, src);
                let prop = n.field("property").map_or("", |p| text(p, src));
                (kind(o) == "identifier"
                    && JS_RUNNER_GLOBALS.contains(&o_text)
                    && !bound.contains(o_text))
                    || (matches!(o_text, "globalThis" | "global" | "window" | "self")
                        && JS_RUNNER_GLOBALS.contains(&prop))
            }),
            _ => false,
        };
        if hit {
            out.push((line, statement()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What [`test_code_writing_shared_state`] reads a file of the tests with, beside its text.
#[derive(Clone, Copy)]
pub struct TestFileReading<'a> {
    /// Every function of a Rust file is test code (a file of `tests/`); otherwise only those
    /// of a `#[cfg(test)]` module or marked `#[test]` are read.
    pub whole_file: bool,
    /// The names of the file's locked tests.
    pub locked: &'a BTreeSet<String>,
    /// The names it binds to helpers of other files that write what they are handed.
    pub imported_fillers: &'a BTreeSet<String>,
    /// JavaScript run by mocha (every spec file in one process).
    pub mocha: bool,
    /// Python: the names its loggers are known by.
    pub loggers: Option<&'a std::rc::Rc<LoggerNames>>,
    /// Go: the package variables a test may put back as the package starts them
    /// ([`go_reset_at_end`]).
    pub go_initial: &'a BTreeMap<String, String>,
}

/// The functions of a file of the tests whose effects outlive the call (see
/// [`python_writes_beyond_locals`], [`go_writes_beyond_locals`],
/// [`js_writes_beyond_locals`], [`rust_writes_beyond_locals`]: `billing.total = f` in a
/// test's body, `tax.Rate = 0` in a subtest, `Array.prototype.reduce = …` in a callback,
/// `std::env::set_var(…)`), each as its first line and the digest of its text (a change to
/// one that writes is a new one). Every function is read, nested ones too: a test that sets
/// shared state and does not put it back changes what the tests after it run, in its file
/// and, where the runner shares the process, in others. `whole_file` says every function of
/// a Rust file is test code (a file of `tests/`); otherwise only those of a `#[cfg(test)]`
/// module or marked `#[test]` are read.
pub(crate) fn test_code_writing_shared_state(
    root: Node<'_>,
    src: &str,
    cx: TestFileReading<'_>,
) -> Vec<(usize, String)> {
    let TestFileReading {
        whole_file,
        locked,
        imported_fillers,
        mocha,
        loggers,
        go_initial,
    } = cx;
    let mut out = Vec::new();
    let mut python_between: Option<Between> = None;
    let mut js_between: Option<Between> = None;
    // The helpers it imports from other files of the tests that write what they are handed
    // are read as its own (`from tests.util import install`, then `install(billing.pay)`).
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let k = kind(n);
        let hits: Option<Vec<Node<'_>>> = match k {
            // A fixture of that name in the repository replaces pytest's, whose patches
            // are undone after each test.
            "function_definition" => {
                let file = python_between.get_or_insert_with(|| {
                    python_between_with(root, src, imported_fillers, loggers.cloned())
                });
                let mut hits = python_writes_beyond_locals_as(n, src, true, file, true);
                if n.field("name")
                    .is_some_and(|x| text(x, src) == "monkeypatch")
                {
                    hits.push(n);
                }
                Some(hits)
            }
            // A Go `init` runs before every test, read with what runs at load (`rebound`).
            "function_declaration" | "method_declaration"
                if n.field("body").is_some_and(|b| kind(b) == "block")
                    && !(k == "function_declaration"
                        && n.field("name").is_some_and(|x| text(x, src) == "init")) =>
            {
                Some(go_writes_beyond_locals_as(n, src, true, true, go_initial))
            }
            // A Go `//go:linkname` binds a name of the tests to a symbol of another package:
            // a variable it declares with a value there (`var rate = 100`) is that package's
            // variable's value in the test binary, with nothing run or assigned.
            "comment" if text(n, src).starts_with("//go:linkname") => Some(vec![n]),
            "function_item" => Some(
                if (whole_file || rust_under_cfg_test(n, src)) && rust_writes_beyond_locals(n, src)
                {
                    vec![n]
                } else {
                    Vec::new()
                },
            ),
            _ if JS_FUNCTION_KINDS.contains(&k) => {
                let file = js_between.get_or_insert_with(|| Between {
                    this_shared: mocha,
                    ..js_between_with(root, src, imported_fillers)
                });
                Some(js_writes_beyond_locals_as(n, src, true, file, true))
            }
            _ => None,
        };
        // A Python or JavaScript function is read with the functions and classes it holds
        // (a Go one with its function literals).
        let python_def = k == "function_definition" || JS_FUNCTION_KINDS.contains(&k);
        if let Some(hits) = hits.filter(|h| !h.is_empty()) {
            let first = text(n, src).lines().next().unwrap_or("").trim();
            let first: String = first.chars().take(80).collect();
            // What it writes, each as written (a change elsewhere in the function writes
            // nothing new; one that adds, changes or drops a write, a put-back included,
            // is new). A whole Rust function is its digest.
            // A locked test's own writes are read by what they write to: what it writes there
            // is its body's, judged by the rules of its body (`Enable = defaultEnable` for
            // `Enable = false`, a constant of the package).
            let own_test = n
                .field("name")
                .is_some_and(|x| locked.contains(text(x, src)));
            let mut writes: Vec<String> = hits
                .iter()
                .map(|h| {
                    if h.id() == n.id() {
                        let digest =
                            super::analysis::sha256_hex(&super::analysis::normalized(n, src));
                        format!("sha256:{}", &digest[..12.min(digest.len())])
                    } else if own_test {
                        let target = h
                            .field("left")
                            .or_else(|| h.field("function"))
                            .unwrap_or(*h);
                        format!("writes to {}", super::analysis::normalized(target, src))
                    } else {
                        super::analysis::normalized(*h, src)
                            .chars()
                            .take(120)
                            .collect()
                    }
                })
                .collect();
            writes.sort();
            writes.dedup();
            let line = hits
                .iter()
                .map(|h| h.start_position().row + 1)
                .min()
                .unwrap_or(1);
            out.push((
                line,
                format!("{first} changes what outlives it: {}", writes.join(" | ")),
            ));
        }
        if !python_def {
            stack.extend(named_children(n));
        }
    }
    out.sort();
    out
}

/// What a file tells the reading of its functions between tests: the attributes it sets on
/// `self` from another's object (`python_self_aliases_of`), the functions of the file that
/// set what they are handed (`install(mod)` setting `mod.total`: a call handing one what the
/// caller did not make writes there), and whether a function's parameters are read as
/// anyone's (to find those functions).
#[derive(Default)]
pub(crate) struct Between {
    self_aliases: BTreeSet<String>,
    fillers: BTreeSet<String>,
    params_foreign: bool,
    /// JavaScript under mocha: `this` outside a class's method is the suite's context, which
    /// the tests after it share (or the module's, or the global object).
    this_shared: bool,
    /// The logger names the repository's other files may log under (see
    /// [`LoggerNames`]); `None`: not known, every named logger may be another's.
    loggers: Option<std::rc::Rc<LoggerNames>>,
}

/// What tells a Python logger of the tests' own from one the code under test logs to: the
/// dotted module paths of the repository's Python files (each with its leading packages
/// dropped too: `src/billing/pay.py` is `src.billing.pay`, `billing.pay` and `pay`, as
/// `logging.getLogger(__name__)` names it wherever it is imported from) and the texts of
/// those other than the file read.
#[derive(Clone)]
pub struct LoggerNames {
    pub modules: BTreeSet<String>,
    pub texts: Vec<String>,
}

impl LoggerNames {
    /// Whether a logger named `name` (`exact`), or whose name starts with `name` (an
    /// f-string's text before its first substitution), may be one another file logs to or
    /// configures: the root logger, a module's logger or one above it (`billing` is
    /// `billing.pay`'s parent: its level and handlers reach it), or a name another file
    /// writes in quotes.
    pub fn shared(&self, name: &str, exact: bool) -> bool {
        if name.is_empty() || (exact && name == "root") {
            return true;
        }
        let below = |m: &str| {
            if exact {
                m == name || m.starts_with(&format!("{name}."))
            } else {
                m.starts_with(name)
            }
        };
        if self.modules.iter().any(|m| below(m)) {
            return true;
        }
        let quoted = |q: char| {
            if exact {
                vec![format!("{q}{name}{q}"), format!("{q}{name}.")]
            } else {
                vec![format!("{q}{name}")]
            }
        };
        let needles: Vec<String> = quoted('"').into_iter().chain(quoted('\'')).collect();
        self.texts
            .iter()
            .any(|t| needles.iter().any(|n| t.contains(n.as_str())))
    }
}

/// The logger methods that change the logger they are called on: its level, handlers and
/// filters are every caller's.
const LOGGER_MUTATORS: &[&str] = &[
    "setLevel",
    "addHandler",
    "removeHandler",
    "addFilter",
    "removeFilter",
];

/// What the put-back readers read of a Python function: the calls `pick` keeps, with what
/// it keeps of each; its `finally` clauses; and, per name bound by a plain assignment, how
/// often it is bound, with the first value bound (compacted) and where. Nested functions and
/// classes are not read.
struct PutBackScan<'t, T> {
    calls: Vec<(Node<'t>, T)>,
    finallies: Vec<Node<'t>>,
    bound: BTreeMap<String, (usize, String, usize)>,
    /// Names bound other than by a plain assignment (a loop's or `with`'s target, `:=`,
    /// `+=`, a tuple's part): never a saved value.
    rebound: BTreeSet<String>,
}

fn put_back_scan<'t, T>(
    body: Node<'t>,
    src: &str,
    pick: impl Fn(Node<'t>) -> Option<T>,
) -> PutBackScan<'t, T> {
    let mut out = PutBackScan {
        calls: Vec::new(),
        finallies: Vec::new(),
        bound: BTreeMap::new(),
        rebound: BTreeSet::new(),
    };
    let mut stack = vec![body];
    let identifiers = |x: Node<'_>, into: &mut BTreeSet<String>| {
        let mut st = vec![x];
        while let Some(y) = st.pop() {
            if kind(y) == "identifier" {
                into.insert(text(y, src).to_owned());
            }
            st.extend(named_children(y));
        }
    };
    while let Some(n) = stack.pop() {
        match kind(n) {
            "function_definition" | "class_definition" | "lambda" if n.id() != body.id() => {
                // A nested `def old():` binds its name here.
                if let Some(name) = n.field("name") {
                    out.rebound.insert(text(name, src).to_owned());
                }
                continue;
            }
            // Other ways to bind a name: a `match` capture (`case old:`), an import (`from m
            // import x as old`), `global`/`nonlocal`/`del`.
            "case_pattern" | "global_statement" | "nonlocal_statement" | "delete_statement" => {
                identifiers(n, &mut out.rebound);
            }
            "import_statement" | "import_from_statement" => {
                for c in named_children(n)
                    .into_iter()
                    .skip(usize::from(kind(n) == "import_from_statement"))
                {
                    match kind(c) {
                        "aliased_import" => {
                            if let Some(a) = c.field("alias") {
                                out.rebound.insert(text(a, src).to_owned());
                            }
                        }
                        "dotted_name" => {
                            if let Some(first) = named_children(c).first() {
                                out.rebound.insert(text(*first, src).to_owned());
                            }
                        }
                        _ => {}
                    }
                }
            }
            "finally_clause" => out.finallies.push(n),
            "call" => out.calls.extend(pick(n).map(|t| (n, t))),
            "assignment" => {
                out.calls.extend(pick(n).map(|t| (n, t)));
                match (n.field("left"), n.field("right")) {
                    (Some(l), Some(r)) if kind(l) == "identifier" => {
                        let e = out.bound.entry(text(l, src).to_owned()).or_insert((
                            0,
                            compact_text(r, src),
                            n.start_byte(),
                        ));
                        e.0 += 1;
                    }
                    (Some(l), _) => out.rebound.extend(python_target_names(l, src)),
                    _ => {}
                }
            }
            "augmented_assignment" | "for_statement" | "for_in_clause" => {
                if let Some(l) = n.field("left") {
                    out.rebound.extend(python_target_names(l, src));
                }
            }
            "as_pattern" => {
                if let Some(a) = n.field("alias") {
                    out.rebound.extend(python_target_names(a, src));
                }
            }
            "named_expression" => {
                if let Some(a) = n.field("name") {
                    out.rebound.insert(text(a, src).to_owned());
                }
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    out
}

/// A node's text without whitespace.
fn compact_text(n: Node<'_>, src: &str) -> String {
    text(n, src).split_whitespace().collect()
}

/// Whether `n` lies inside `outer`.
fn inside(n: Node<'_>, outer: Node<'_>) -> bool {
    n.start_byte() >= outer.start_byte() && n.end_byte() <= outer.end_byte()
}

/// The calls of `scan` that a `finally` after them puts back (by node id, the put-backs
/// included): `undoes(call, other)` tells whether `other`, in such a `finally`, puts `call`
/// back.
fn put_backs<T>(
    scan: &PutBackScan<'_, T>,
    src: &str,
    undoes: impl Fn(&T, &T) -> bool,
) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for (c, what) in &scan.calls {
        if scan.finallies.iter().any(|f| inside(*c, *f)) {
            continue;
        }
        // A `finally` that surely runs once the call has: of a `try` holding the call, or
        // of a `try` later in a block holding the call with no jump between.
        let runs_after = |f: &Node<'_>| {
            let Some(t) = f.parent() else {
                return false;
            };
            let holds = t.field("body").is_some_and(|b| inside(*c, b));
            // An assignment of the scan between the call and the `try` that this `finally`
            // puts back, of a value that runs nothing (`m.B = 2` before `finally: m.B = old`).
            let restored_between = |e: Node<'_>| {
                python_sets_a_module_attribute(e, src)
                    && e.field("right").is_some_and(|r| {
                        matches!(
                            kind(r),
                            "identifier"
                                | "string"
                                | "integer"
                                | "float"
                                | "true"
                                | "false"
                                | "none"
                                | "lambda"
                        )
                    })
                    && scan.calls.iter().any(|(x, w)| {
                        x.id() == e.id()
                            && scan.calls.iter().any(|(y, v)| {
                                inside(*y, *f) && surely_reached(scan, *y, *f, src) && undoes(w, v)
                            })
                    })
            };
            holds || runs_next(scan, *c, t, src, &restored_between)
        };
        for f in scan.finallies.iter().filter(|f| runs_after(f)) {
            let found: Vec<usize> = scan
                .calls
                .iter()
                .filter(|(n, w)| {
                    inside(*n, *f) && surely_reached(scan, *n, *f, src) && undoes(what, w)
                })
                .map(|(n, _)| n.id())
                .collect();
            if !found.is_empty() {
                out.insert(c.id());
                out.extend(found);
            }
        }
    }
    out
}

/// The expression a Python expression statement is (`os.chdir(old)`, `x = 1`).
fn expression_of(s: Node<'_>) -> Option<Node<'_>> {
    (kind(s) == "expression_statement")
        .then(|| named_children(s).into_iter().next())
        .flatten()
}

/// Whether the `try` statement `t` surely starts once the call `c` has run: `c` is a
/// statement of the block that holds `t`, before it, and each statement between them cannot
/// raise or leave the block: another call of the scan, or an assignment of a name, a literal
/// or an attribute of a local logger (`old = root.level`). Anything else may raise (a call, a
/// subscript, `pytest.skip()`, an `assert`) or jump (`return`): the `finally` would not run
/// and what the call set would outlive the test.
fn runs_next<'t, T>(
    scan: &PutBackScan<'t, T>,
    c: Node<'t>,
    t: Node<'t>,
    src: &str,
    restored_between: &dyn Fn(Node<'t>) -> bool,
) -> bool {
    let Some(block) = t.parent() else {
        return false;
    };
    let statements: Vec<Node<'t>> = named_children(block)
        .into_iter()
        .filter(|s| kind(*s) != "comment")
        .collect();
    // The call as a statement, or bound to a name (`old = os.umask(0o077)`).
    let is_call = |e: Node<'t>| {
        e.id() == c.id()
            || (kind(e) == "assignment"
                && e.field("left").is_some_and(|l| kind(l) == "identifier")
                && e.field("right").is_some_and(|r| r.id() == c.id()))
    };
    let (Some(ci), Some(ti)) = (
        statements
            .iter()
            .position(|s| expression_of(*s).is_some_and(is_call)),
        statements.iter().position(|s| s.id() == t.id()),
    ) else {
        return false;
    };
    // (A call of the scan: an attribute set between may run a property's code.)
    let scanned =
        |e: Node<'t>| kind(e) == "call" && scan.calls.iter().any(|(x, _)| x.id() == e.id());
    let inert_value = |v: Node<'t>| {
        let mut v = v;
        while kind(v) == "attribute" {
            let Some(o) = v.field("object") else {
                return false;
            };
            v = o;
            // A local logger's attribute (`old = root.level`): the code under test's module
            // or object could run its own code when read (a module `__getattr__`, a property).
            if kind(v) == "identifier" {
                return scan
                    .bound
                    .get(text(v, src))
                    .is_some_and(|(times, value, _)| *times == 1 && value.contains("getLogger("));
            }
        }
        matches!(
            kind(v),
            "identifier" | "string" | "integer" | "float" | "true" | "false" | "none"
        )
    };
    ci < ti
        && statements[ci + 1..ti].iter().all(|s| {
            expression_of(*s).is_some_and(|e| {
                scanned(e)
                    || restored_between(e)
                    || (kind(e) == "assignment"
                        && e.field("left").is_some_and(|l| kind(l) == "identifier")
                        && e.field("right").is_some_and(inert_value))
            })
        })
}

/// Whether `n`, a call or assignment of `scan` inside the `finally` clause `f`, surely runs
/// when the `finally` does: it is a statement of the clause's own block (not under an `if`,
/// a loop or a nested `try`), and each statement before it is another call of the scan, or
/// an assignment of it to a module's attribute (another put-back), so that nothing before it
/// may raise, `return`, `break` or `continue` out of the clause.
fn surely_reached<'t, T>(scan: &PutBackScan<'t, T>, n: Node<'t>, f: Node<'t>, src: &str) -> bool {
    let Some(block) = named_children(f).into_iter().find(|c| kind(*c) == "block") else {
        return false;
    };
    let statements: Vec<Node<'t>> = named_children(block)
        .into_iter()
        .filter(|s| kind(*s) != "comment")
        .collect();
    let Some(pos) = statements
        .iter()
        .position(|s| expression_of(*s).is_some_and(|e| e.id() == n.id()))
    else {
        return false;
    };
    statements[..pos].iter().all(|s| {
        expression_of(*s).is_some_and(|e| {
            (kind(e) == "call" || python_sets_a_module_attribute(e, src))
                && scan.calls.iter().any(|(c, _)| c.id() == e.id())
        })
    })
}

/// Whether `e` is an assignment to an attribute or item of a module the file imports
/// (`import os` … `os.sep = old`, `import billing.pay` … `billing.pay.RATE = 0`): setting it
/// runs no code. An attribute of any other object may run a setter its class defines, which
/// may raise (skip the test) before the statements after it.
fn python_sets_a_module_attribute(e: Node<'_>, src: &str) -> bool {
    if kind(e) != "assignment" {
        return false;
    }
    let Some(mut t) = e.field("left") else {
        return false;
    };
    if !matches!(kind(t), "attribute" | "subscript") {
        return false;
    }
    while let Some(o) = t.field("object").or_else(|| t.field("value")) {
        t = o;
    }
    if kind(t) != "identifier" {
        return false;
    }
    let root = text(t, src);
    let mut module = e;
    while let Some(p) = module.parent() {
        module = p;
    }
    named_children(module).into_iter().any(|s| {
        kind(s) == "import_statement"
            && named_children(s).into_iter().any(|c| match kind(c) {
                "dotted_name" => text(c, src).split('.').next() == Some(root),
                "aliased_import" => c.field("alias").is_some_and(|a| text(a, src) == root),
                _ => false,
            })
    })
}

/// Where a name was bound once by a plain assignment to `value`, before `before` (at or
/// before it, `at_or_before`).
fn saved_once<T>(
    scan: &PutBackScan<'_, T>,
    name: &str,
    value: impl Fn(&str) -> bool,
    before: usize,
    at_or_before: bool,
) -> bool {
    !scan.rebound.contains(name)
        && scan.bound.get(name).is_some_and(|(times, v, at)| {
            *times == 1 && value(v) && (*at < before || (at_or_before && *at == before))
        })
}

/// Whether `arg` (an argument's text) names one object all along: a name bound at most once
/// by a plain assignment, before `call`, and never otherwise (`logging.NullHandler()` written
/// twice makes two handlers).
fn one_object<T>(scan: &PutBackScan<'_, T>, arg: &str, call: usize) -> bool {
    !arg.is_empty()
        && arg.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !arg.starts_with(|c: char| c.is_ascii_digit())
        && !scan.rebound.contains(arg)
        && scan
            .bound
            .get(arg)
            .is_none_or(|(times, _, at)| *times == 1 && *at < call)
}

/// The logger calls of a Python function that a `finally` after them puts back as they were
/// (by node id, the put-backs included): `log.addHandler(h)` with `log.removeHandler(h)`,
/// `log.addFilter(f)` with `log.removeFilter(f)`, and `log.setLevel(…)` with
/// `log.setLevel(old)` where `old = log.level` is bound once, before the first
/// `log.setLevel`.
fn python_logger_put_backs(body: Node<'_>, src: &str) -> BTreeSet<usize> {
    // Each logger call: its receiver, method, first argument and place.
    let scan = put_back_scan(body, src, |n| {
        let f = n.field("function")?;
        let (o, m) = (f.field("object")?, f.field("attribute")?);
        if kind(f) != "attribute" || !LOGGER_MUTATORS.contains(&text(m, src)) {
            return None;
        }
        let arg = n
            .field("arguments")
            .and_then(|a| named_children(a).into_iter().next())
            .map(|a| compact_text(a, src))
            .unwrap_or_default();
        Some((
            compact_text(o, src),
            text(m, src).to_owned(),
            arg,
            n.start_byte(),
        ))
    });
    let first_set = |recv: &str| {
        scan.calls
            .iter()
            .filter(|(_, (r, m, _, _))| r == recv && m == "setLevel")
            .map(|(n, _)| n.start_byte())
            .min()
            .unwrap_or(0)
    };
    put_backs(&scan, src, |(recv, method, arg, at), (r, m, a, _)| {
        r == recv
            && match method.as_str() {
                "addHandler" | "addFilter" => {
                    m == &method.replace("add", "remove") && a == arg && one_object(&scan, arg, *at)
                }
                // The level saved before it was first set.
                "setLevel" => {
                    m == "setLevel"
                        && saved_once(
                            &scan,
                            a,
                            |v| v == format!("{recv}.level"),
                            first_set(recv),
                            false,
                        )
                }
                _ => false,
            }
    })
}

/// Standard-library functions that set what the whole process shares, each with the getter
/// whose value, saved before the first call, a call in a `finally` after it puts back
/// (`None`: the setter hands back the old value itself, `old = os.umask(0)`).
const PROCESS_SETTERS: &[(&str, Option<&str>)] = &[
    ("logging.disable", Some("logging.root.manager.disable")),
    ("os.chdir", Some("os.getcwd()")),
    ("os.umask", None),
    (
        "socket.setdefaulttimeout",
        Some("socket.getdefaulttimeout()"),
    ),
    ("sys.setrecursionlimit", Some("sys.getrecursionlimit()")),
    ("sys.setswitchinterval", Some("sys.getswitchinterval()")),
    ("sys.settrace", Some("sys.gettrace()")),
    ("sys.setprofile", Some("sys.getprofile()")),
    ("decimal.setcontext", Some("decimal.getcontext()")),
    ("signal.signal", None),
    // `locale.setlocale(category)` alone only asks (`python_process_query`).
    ("locale.setlocale", Some("locale.setlocale(locale.LC_ALL)")),
    (
        "asyncio.set_event_loop_policy",
        Some("asyncio.get_event_loop_policy()"),
    ),
];

/// Whether `call` (its callee `callee`, qualified by [`python_qualified_callee`]) sets the
/// process's warning filters
/// (`warnings.simplefilter`, `filterwarnings`, `resetwarnings`) and leaves them set for the
/// tests after it: outside a `with warnings.catch_warnings()` block, which puts them back,
/// in a file unittest may run (one with a class whose base is a `…TestCase`). pytest puts
/// the filters back after each test; unittest does not, so `simplefilter("ignore")` in an
/// earlier test silences a warning a later test runs into as an error (`-W error`).
fn python_warning_filter_left(call: Node<'_>, callee: &str, src: &str) -> bool {
    if !matches!(
        callee,
        "warnings.simplefilter" | "warnings.filterwarnings" | "warnings.resetwarnings"
    ) {
        return false;
    }
    let catch_warnings = |w: Node<'_>| {
        named_children(w).into_iter().any(|c| {
            kind(c) == "with_clause"
                && named_children(c).into_iter().any(|item| {
                    let t: String = text(item, src).split_whitespace().collect();
                    t.starts_with("warnings.catch_warnings(") || t.starts_with("catch_warnings(")
                })
        })
    };
    let mut n = call;
    let mut root = call;
    while let Some(p) = n.parent() {
        if kind(p) == "with_statement" && catch_warnings(p) {
            return false;
        }
        root = p;
        n = p;
    }
    // A file unittest may run: a class of it derives from a `…TestCase`.
    let mut stack = vec![root];
    while let Some(x) = stack.pop() {
        if kind(x) == "class_definition"
            && x.field("superclasses").is_some_and(|b| {
                named_children(b)
                    .into_iter()
                    .any(|b| text(b, src).trim_end().ends_with("TestCase"))
            })
        {
            return true;
        }
        if matches!(
            kind(x),
            "module" | "decorated_definition" | "class_definition" | "block"
        ) {
            stack.extend(named_children(x));
        }
    }
    false
}

/// The last names of the standard library's functions read by their qualified name
/// ([`PROCESS_SETTERS`], the environment's and the warning filters' setters).
const QUALIFIED_LAST: &[&str] = &[
    "chdir",
    "umask",
    "disable",
    "setdefaulttimeout",
    "setrecursionlimit",
    "setswitchinterval",
    "settrace",
    "setprofile",
    "setcontext",
    "signal",
    "setlocale",
    "set_event_loop_policy",
    "putenv",
    "unsetenv",
    "simplefilter",
    "filterwarnings",
    "resetwarnings",
];

/// A callee (`o.chdir`, `chdir`, `cd`) as the module path the file's imports give it
/// (`os.chdir` after `import os as o`, `from os import chdir`, `from os import chdir as
/// cd`); unchanged when no import names its first part. Read only for the last names of
/// [`QUALIFIED_LAST`]: the imports anywhere in the file count. A name bound anywhere in the
/// file to such a function (`cd = os.chdir`, `cd = move`, `(cd := os.chdir)`, `go =
/// functools.partial(os.chdir, "/")`) is that function too.
fn python_qualified_callee(callee: &str, at: Node<'_>, src: &str) -> String {
    qualified_callee(callee, at, src, 4)
}

/// [`python_qualified_callee`], following at most `depth` assignments from name to name.
fn qualified_callee(callee: &str, at: Node<'_>, src: &str, depth: u8) -> String {
    // A dotted callee whose last name is no setter's is itself, whatever the file binds
    // (as [`qualified_callee_in`] reads it): most calls, answered without the file.
    if !callee.starts_with('(')
        && callee.contains('.')
        && module_by_literal(callee).is_none()
        && !QUALIFIED_LAST.contains(&callee.rsplit('.').next().unwrap_or(callee))
    {
        return callee.to_owned();
    }
    // Each call of a file asks: read once per callee and file.
    let memo = by_file(&QUALIFIED, src, Default::default);
    let key = (callee.to_owned(), depth);
    if let Some(found) = memo.borrow().get(&key) {
        return found.clone();
    }
    let found = qualified_callee_in(callee, tree_root(at), src, depth);
    memo.borrow_mut().insert(key, found.clone());
    found
}

/// [`qualified_callee`] in the file whose tree is `root`.
fn qualified_callee_in(callee: &str, root: Node<'_>, src: &str, depth: u8) -> String {
    // A module named by a literal: `sys.modules["os"].chdir`, `importlib.import_module("os")
    // .chdir`, `__import__("os").chdir` are `os.chdir`.
    if let Some(rest) = module_by_literal(callee) {
        return qualified_callee_in(&rest, root, src, depth);
    }
    // `(cd := os.chdir)(…)`: the walrus's value is called.
    if let Some(inner) = callee.strip_prefix('(').and_then(|c| c.strip_suffix(')'))
        && let Some((_, value)) = inner.split_once(":=")
    {
        return qualified_callee_in(value.trim(), root, src, depth);
    }
    let (head, rest) = match callee.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (callee, None),
    };
    let last = callee.rsplit('.').next().unwrap_or(callee);
    let is_setter = QUALIFIED_LAST.contains(&last);
    // `from os import chdir as cd` then `cd(…)`: the alias's last name is not the setter's,
    // but the file then says `as cd`; or it binds `cd` by an assignment.
    let bound = depth > 0
        && [" =", "=", " :=", ":="]
            .iter()
            .any(|op| src.contains(&format!("{head}{op}")));
    if !is_setter && (rest.is_some() || !(src.contains(&format!(" as {head}")) || bound)) {
        return callee.to_owned();
    }
    qualified_in_file(callee, head, rest, root, src, depth)
}

/// [`qualified_callee`]'s reading of the whole file (`root`) for what binds `head`.
fn qualified_in_file(
    callee: &str,
    head: &str,
    rest: Option<&str>,
    root: Node<'_>,
    src: &str,
    depth: u8,
) -> String {
    let mut stack = vec![root];
    let mut found: Option<String> = None;
    while let Some(n) = stack.pop() {
        match kind(n) {
            "import_statement" => {
                for c in named_children(n) {
                    let (module, alias) = match kind(c) {
                        "aliased_import" => (c.field("name"), c.field("alias")),
                        "dotted_name" => (Some(c), None),
                        _ => continue,
                    };
                    let Some(module) = module.map(|m| compact_text(m, src)) else {
                        continue;
                    };
                    let local = alias.map_or_else(
                        || module.split('.').next().unwrap_or("").to_owned(),
                        |a| text(a, src).to_owned(),
                    );
                    if local == head && alias.is_some() {
                        found = Some(module);
                    }
                }
            }
            "import_from_statement" => {
                let Some(module) = n.field("module_name").map(|m| compact_text(m, src)) else {
                    continue;
                };
                for c in named_children(n).into_iter().skip(1) {
                    // `from decimal import *`: a setter of that module by its own name.
                    if kind(c) == "wildcard_import" {
                        let q = format!("{module}.{head}");
                        if rest.is_none() && python_process_setter(&q) {
                            found = Some(q);
                        }
                        continue;
                    }
                    let (name, alias) = match kind(c) {
                        "aliased_import" => (c.field("name"), c.field("alias")),
                        "dotted_name" => (Some(c), None),
                        _ => continue,
                    };
                    let Some(name) = name.map(|m| compact_text(m, src)) else {
                        continue;
                    };
                    let local = alias.map_or_else(|| name.clone(), |a| text(a, src).to_owned());
                    if local == head {
                        found = Some(format!("{module}.{name}"));
                    }
                }
            }
            "assignment" | "named_expression" if depth > 0 => {
                let (left, right) = if kind(n) == "assignment" {
                    (n.field("left"), n.field("right"))
                } else {
                    (n.field("name"), n.field("value"))
                };
                if let (Some(left), Some(right)) = (left, right)
                    && kind(left) == "identifier"
                    && text(left, src) == head
                    && let Some(q) = bound_setter(right, src, depth - 1)
                {
                    found = Some(q);
                }
                stack.extend(named_children(n));
            }
            _ => stack.extend(named_children(n)),
        }
    }
    match (found, rest) {
        (Some(q), Some(r)) => format!("{q}.{r}"),
        (Some(q), None) if QUALIFIED_LAST.contains(&q.rsplit('.').next().unwrap_or("")) => q,
        _ => callee.to_owned(),
    }
}

/// `callee` (compact text) with a leading module named by a string literal written as the
/// module's name: `sys.modules["os"].chdir`, `importlib.import_module("os").chdir`,
/// `__import__("os").chdir` → `os.chdir`; `None` when it starts otherwise.
fn module_by_literal(callee: &str) -> Option<String> {
    for (open, close) in [
        ("sys.modules[", "]"),
        ("importlib.import_module(", ")"),
        ("__import__(", ")"),
        ("import_module(", ")"),
    ] {
        let Some(rest) = callee.strip_prefix(open) else {
            continue;
        };
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let body = &rest[1..];
        let end = body.find(quote)?;
        let module = &body[..end];
        let after = body[end + 1..].strip_prefix(close)?;
        if module.is_empty()
            || !module
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            return None;
        }
        return Some(format!("{module}{after}"));
    }
    None
}

/// The setter of [`QUALIFIED_LAST`] an assignment's value is (`os.chdir`, `o.chdir`,
/// another name bound to one, `functools.partial(os.chdir, …)`), qualified.
fn bound_setter(value: Node<'_>, src: &str, depth: u8) -> Option<String> {
    // `d = importlib.import_module("decimal")`, `d = sys.modules["decimal"]`.
    if let Some(module) = module_by_literal(&compact_text(value, src))
        && module_holds_a_setter(&module)
    {
        return Some(module);
    }
    let named = match kind(value) {
        "identifier" | "attribute" => value,
        "call" => {
            let f = value.field("function")?;
            let callee = qualified_callee(&compact_text(f, src), f, src, depth);
            if !matches!(callee.as_str(), "functools.partial" | "partial") {
                return None;
            }
            let first = value
                .field("arguments")
                .and_then(|a| named_children(a).into_iter().next())?;
            if !matches!(kind(first), "identifier" | "attribute") {
                return None;
            }
            first
        }
        _ => return None,
    };
    let q = qualified_callee(&compact_text(named, src), named, src, depth);
    // A module that holds such setters (`m = decimal`, then `m.setcontext(…)`).
    (module_holds_a_setter(&q) || QUALIFIED_LAST.contains(&q.rsplit('.').next().unwrap_or("")))
        .then_some(q)
}

/// Whether `module` holds one of the process-wide setters ([`python_process_setter`]).
fn module_holds_a_setter(module: &str) -> bool {
    PROCESS_SETTERS
        .iter()
        .map(|(s, _)| *s)
        .chain(["os.putenv", "warnings.simplefilter"])
        .any(|s| s.rsplit_once('.').is_some_and(|(m, _)| m == module))
}

/// A call of a [`PROCESS_SETTERS`] function that sets nothing: `locale.setlocale(category)`
/// (or with `None`) returns the current setting.
fn python_process_query(n: Node<'_>, src: &str) -> bool {
    let Some(f) = n.field("function") else {
        return false;
    };
    if python_qualified_callee(&compact_text(f, src), n, src) != "locale.setlocale" {
        return false;
    }
    let args: Vec<Node<'_>> = n.field("arguments").map(named_children).unwrap_or_default();
    match args.as_slice() {
        [_] => true,
        [_, v] => kind(*v) == "none",
        _ => false,
    }
}

/// Whether `n` (a name, a dotted name, or `getattr(M, "name")` with a literal name) is a
/// process-wide setter ([`PROCESS_SETTERS`], `os.putenv`, `os.unsetenv`, the warning
/// filters' setters) handed on as a value rather than called where it is written:
/// `map(decimal.setcontext, …)`, `functools.partial(os.chdir)(…)`,
/// `stack.callback(os.chdir, …)`, `Thread(target=os.chdir, …)`, `os.chdir.__call__(…)`,
/// `self.addCleanup(decimal.setcontext, new)`, `getattr(os, "chdir")(…)`. What calls it then
/// is not read, so it is taken as set. Not a name bound to it by an assignment or a walrus
/// (`cd = os.chdir`, also through `functools.partial`), whose calls are read as its own.
fn python_setter_as_value(n: Node<'_>, src: &str) -> bool {
    let named = match kind(n) {
        "identifier" | "attribute" => compact_text(n, src),
        "call" => {
            let (Some(f), Some(args)) = (n.field("function"), n.field("arguments")) else {
                return false;
            };
            let args = named_children(args);
            let [object, name] = args.as_slice() else {
                return false;
            };
            if compact_text(f, src) != "getattr"
                || !matches!(kind(*object), "identifier" | "attribute")
                || !super::bindings::plain_string(*name)
            {
                return false;
            }
            let name = text(*name, src).trim_matches(|c| c == '"' || c == '\'');
            format!("{}.{name}", compact_text(*object, src))
        }
        _ => return false,
    };
    let last = named.rsplit('.').next().unwrap_or(&named);
    if !QUALIFIED_LAST.contains(&last) {
        return false;
    }
    if !python_process_setter(&python_qualified_callee(&named, n, src)) {
        return false;
    }
    let Some(parent) = n.parent() else {
        return true;
    };
    let is = |field: &str, of: Node<'_>| of.field(field).map(|c| c.id()) == Some(n.id());
    // Called where it is written (read as a call), a part of a longer name, or a keyword.
    if kind(n) != "call"
        && ((kind(parent) == "call" && is("function", parent))
            || (kind(parent) == "attribute" && is("attribute", parent))
            || (kind(parent) == "keyword_argument" && is("name", parent)))
    {
        return false;
    }
    // `getattr(os, "chdir")(…)`, called at once: a call of the setter (read below as one).
    // Bound to a name: its calls are read through the name.
    let bound_to_a_name = |v: Node<'_>| {
        v.parent().is_some_and(|p| {
            (kind(p) == "assignment"
                && is_field(p, "right", v)
                && p.field("left").is_some_and(|l| kind(l) == "identifier"))
                || (kind(p) == "named_expression" && is_field(p, "value", v))
        })
    };
    if kind(n) != "call" && bound_to_a_name(n) {
        return false;
    }
    // The first argument of a `functools.partial(…)` bound to a name.
    if kind(parent) == "argument_list"
        && named_children(parent).first().map(Node::id) == Some(n.id())
        && let Some(call) = parent.parent()
        && call.field("function").is_some_and(|f| {
            matches!(
                python_qualified_callee(&compact_text(f, src), f, src).as_str(),
                "functools.partial" | "partial"
            )
        })
        && bound_to_a_name(call)
    {
        return false;
    }
    true
}

/// Whether the qualified name `q` is a setter of what the whole process shares: one of
/// [`PROCESS_SETTERS`], the environment's (`os.putenv`, `os.unsetenv`) or the warning
/// filters'.
fn python_process_setter(q: &str) -> bool {
    PROCESS_SETTERS.iter().any(|(s, _)| *s == q)
        || matches!(
            q,
            "os.putenv"
                | "os.unsetenv"
                | "warnings.simplefilter"
                | "warnings.filterwarnings"
                | "warnings.resetwarnings"
        )
}

fn is_field(of: Node<'_>, field: &str, n: Node<'_>) -> bool {
    of.field(field).map(|c| c.id()) == Some(n.id())
}

/// The calls of [`PROCESS_SETTERS`] in a Python function that a `finally` after them puts
/// back (by node id, the put-backs included): `old = os.getcwd()` bound once before the
/// first `os.chdir`, then `os.chdir(old)` in the `finally`; `old = os.umask(0)`, then
/// `os.umask(old)`.
fn python_process_put_backs(body: Node<'_>, src: &str) -> BTreeSet<usize> {
    // Each setter call: its callee and last argument. A cleanup a unittest test case
    // registers (`self.addCleanup(os.chdir, old)`) is not taken for a put-back: a base of
    // another file, a class attribute, the instance or `doCleanups()` can keep it from
    // running when the test ends.
    let scan = put_back_scan(body, src, |n| {
        let callee = python_qualified_callee(&compact_text(n.field("function")?, src), n, src);
        if python_process_query(n, src) {
            return None;
        }
        PROCESS_SETTERS.iter().any(|(s, _)| *s == callee).then(|| {
            let last = n
                .field("arguments")
                .and_then(|a| named_children(a).into_iter().last())
                .map(|a| compact_text(a, src))
                .unwrap_or_default();
            (callee, last)
        })
    });
    let first = |callee: &str| {
        scan.calls
            .iter()
            .filter(|(_, (f, _))| f == callee)
            .map(|(n, _)| n.start_byte())
            .min()
            .unwrap_or(0)
    };
    // Saved from the getter before the first call, or handed back by the first call.
    let saved = |callee: &str, a: &str| {
        let getter = PROCESS_SETTERS
            .iter()
            .find(|(s, _)| *s == callee)
            .and_then(|(_, g)| *g);
        match getter {
            Some(getter) => saved_once(&scan, a, |v| v == getter, first(callee), false),
            None => saved_once(
                &scan,
                a,
                |v| v.starts_with(&format!("{callee}(")),
                first(callee),
                true,
            ),
        }
    };
    put_backs(&scan, src, |(callee, _), (g, a)| {
        g == callee && saved(callee, a)
    })
}

/// The assignments of a Python function to an attribute or item it did not make that a
/// `finally` after them puts back (by node id, the put-backs included): `old = billing.RATE`
/// bound once before the first `billing.RATE = …`, then `billing.RATE = old` in the
/// `finally` (`log.disabled = saved` for a logger's attribute).
fn python_attribute_put_backs(body: Node<'_>, src: &str) -> BTreeSet<usize> {
    let scan = put_back_scan(body, src, |n| {
        if kind(n) != "assignment" {
            return None;
        }
        let l = unparenthesized(n.field("left")?);
        let r = n.field("right")?;
        matches!(kind(l), "attribute" | "subscript")
            .then(|| (compact_text(l, src), compact_text(r, src)))
    });
    let first = |target: &str| {
        scan.calls
            .iter()
            .filter(|(_, (t, _))| t == target)
            .map(|(n, _)| n.start_byte())
            .min()
            .unwrap_or(0)
    };
    put_backs(&scan, src, |(target, _), (t, v)| {
        t == target && saved_once(&scan, v, |saved| saved == target, first(target), false)
    })
}

/// `logging.getLogger(…)` (or `getLogger(…)`): the call, with its first argument (`None`
/// for none).
fn python_logger_call<'t>(v: Node<'t>, src: &str) -> Option<(Node<'t>, Option<Node<'t>>)> {
    let v = unparenthesized(v);
    if kind(v) != "call" {
        return None;
    }
    let f = v.field("function")?;
    let callee: String = text(f, src).split_whitespace().collect();
    if callee != "getLogger"
        && !callee.ends_with(".getLogger")
        && !(kind(f) == "identifier" && python_names_logger_getter(&callee, src))
    {
        return None;
    }
    let first = v
        .field("arguments")
        .and_then(|a| named_children(a).into_iter().next());
    Some((v, first))
}

/// Whether the file binds `name` to `logging.getLogger` under another name: `from logging
/// import getLogger as name`, `name = logging.getLogger` or `name = getLogger` (read from the
/// text, so a binding anywhere in the file counts: more calls read as loggers, never fewer).
fn python_names_logger_getter(name: &str, src: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let bounded = |at: usize, len: usize, after_ok: &dyn Fn(&str) -> bool| {
        !src[..at].chars().next_back().is_some_and(ident) && after_ok(&src[at + len..])
    };
    let not_ident = |rest: &str| !rest.chars().next().is_some_and(ident);
    let alias = format!("getLogger as {name}");
    if src
        .match_indices(&alias)
        .any(|(at, m)| bounded(at, m.len(), &not_ident))
    {
        return true;
    }
    // `gl = logging.getLogger`, not `gl = logging.getLogger("x")` (a logger, not the getter).
    let getter = |rest: &str| {
        let rest = rest.trim_start_matches([' ', '\t']);
        !rest
            .chars()
            .next()
            .is_some_and(|c| ident(c) || c == '(' || c == '.')
    };
    [
        format!("{name} = logging.getLogger"),
        format!("{name} = getLogger"),
    ]
    .iter()
    .any(|p| {
        src.match_indices(p.as_str())
            .any(|(at, m)| bounded(at, m.len(), &getter))
    })
}

/// The `getLogger(…)` call a target or object is reached through
/// (`logging.getLogger("x").handlers` → the call).
fn python_logger_of<'t>(t: Node<'t>, src: &str) -> Option<Node<'t>> {
    let mut n = unparenthesized(t);
    loop {
        if python_logger_call(n, src).is_some() {
            return Some(n);
        }
        n = match kind(n) {
            "attribute" => n.field("object")?,
            "subscript" => n.field("value")?,
            _ => return None,
        };
        n = unparenthesized(n);
    }
}

/// Whether `v` is a logger another's code may share (see [`LoggerNames::shared`]): the root
/// logger (`logging.getLogger()`, `logging.root`), one named by what the reading cannot
/// tell (a variable, a call), or a name another file may use; `logging.getLogger(__name__)`
/// in a file of the tests is the file's own.
fn python_shared_logger(v: Node<'_>, src: &str, file: &Between) -> bool {
    let v = unparenthesized(v);
    if kind(v) == "attribute" {
        let t: String = text(v, src).split_whitespace().collect();
        return t == "logging.root";
    }
    let Some((_, first)) = python_logger_call(v, src) else {
        return false;
    };
    let Some(arg) = first else {
        return true;
    };
    if kind(arg) == "identifier" && text(arg, src) == "__name__" {
        return false;
    }
    let Some(names) = &file.loggers else {
        return true;
    };
    if kind(arg) != "string" {
        return true;
    }
    let t = text(arg, src);
    let prefixed = t.starts_with(['f', 'F']);
    if !prefixed && !t.starts_with(['"', '\'']) {
        return true;
    }
    // The text before the first substitution (all of it for a plain string).
    let mut before = String::new();
    let mut exact = true;
    for c in named_children(arg) {
        match kind(c) {
            "string_content" => before.push_str(text(c, src)),
            "string_start" | "string_end" => {}
            _ => {
                exact = false;
                break;
            }
        }
    }
    if before.contains('\\') {
        return true;
    }
    names.shared(&before, exact)
}

/// [`Between`] for a Python file: its `self` aliases, and its module-level functions (and
/// those of its module-level classes, by name) that write what they are handed, with
/// `imported` (names the file binds to helpers of other files that write what they are
/// handed) among them: a function handing what it is handed to one of them, or to another
/// of the file's own, writes it too.
fn python_between_with(
    root: Node<'_>,
    src: &str,
    imported: &BTreeSet<String>,
    loggers: Option<std::rc::Rc<LoggerNames>>,
) -> Between {
    // Read once per file and `imported`: the check asks for the file before and after the
    // change, and again for what its functions write between tests.
    let known = PYTHON_FILLERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .find(|(t, i, _)| t.as_str() == src && i == imported)
        .map(|(_, _, f)| f.clone());
    let fillers = known.unwrap_or_else(|| {
        let found = fillers_to_fixpoint(
            root,
            imported,
            |n| {
                (kind(n) == "function_definition")
                    .then(|| field_text(n, "name", src).map(str::to_owned))
            },
            |n, probe| !python_writes_beyond_locals_as(n, src, true, probe, false).is_empty(),
        );
        let mut kept = PYTHON_FILLERS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if kept.len() >= 32 {
            kept.remove(0);
        }
        kept.push((src.to_owned(), imported.clone(), found.clone()));
        found
    });
    Between {
        self_aliases: python_self_aliases_of(root, src),
        fillers,
        params_foreign: false,
        this_shared: false,
        loggers,
    }
}

/// The names of the functions of a file (`function` is `None` for a node that is no
/// function, else the name the function is called by if it has one; a function's body is
/// not searched for more) that write beyond their locals with what they are handed
/// taken for another's (`writes`), `imported` and each one found counted as such while it
/// grows: a function handing what it is handed to one of them writes it too.
fn fillers_to_fixpoint<'t>(
    root: Node<'t>,
    imported: &BTreeSet<String>,
    function: impl Fn(Node<'t>) -> Option<Option<String>>,
    writes: impl Fn(Node<'t>, &Between) -> bool,
) -> BTreeSet<String> {
    let mut fillers = imported.clone();
    loop {
        let probe = Between {
            params_foreign: true,
            fillers: fillers.clone(),
            ..Between::default()
        };
        let mut found = fillers.clone();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if let Some(name) = function(n) {
                if let Some(name) = name
                    && !found.contains(&name)
                    && writes(n, &probe)
                {
                    found.insert(name);
                }
                continue;
            }
            stack.extend(named_children(n));
        }
        if found.len() == fillers.len() {
            return fillers;
        }
        fillers = found;
    }
}

/// The functions of a Python (`python`) or JavaScript/TypeScript file that write what they
/// are handed (see [`Between`]).
/// `imported` are the names it binds to such helpers of other files, counted with them.
pub(crate) fn fillers_of(
    root: Node<'_>,
    src: &str,
    python: bool,
    imported: &BTreeSet<String>,
) -> BTreeSet<String> {
    if python {
        python_between_with(root, src, imported, None).fillers
    } else {
        js_between_with(root, src, imported).fillers
    }
}

/// [`Between`] for a JavaScript/TypeScript file: its functions declared on their own that
/// write what they are handed, with `imported` among them (see [`python_between_with`]).
fn js_between_with(root: Node<'_>, src: &str, imported: &BTreeSet<String>) -> Between {
    let mut fillers = fillers_to_fixpoint(
        root,
        imported,
        |n| {
            JS_FUNCTION_KINDS
                .contains(&kind(n))
                .then(|| js_function_name(n, src))
        },
        |n, probe| !js_writes_beyond_locals_as(n, src, true, probe, false).is_empty(),
    );
    fillers.extend(js_exported_aliases(root, src, &fillers));
    Between {
        fillers,
        ..Between::default()
    }
}

/// The name a JavaScript/TypeScript function is called by from where it is defined or
/// exported: its own name, the variable it initialises, `default` for the module's default
/// export (`export default (m) => …`, `module.exports = function (m) {…}`), the property
/// of the exports it is assigned to (`exports.install = …`, `module.exports.install = …`),
/// or the key it is given in the object the module exports (`module.exports = {install: (m)
/// => …}`; `default.install` under `export default {…}`).
fn js_function_name(n: Node<'_>, src: &str) -> Option<String> {
    // A method of an object literal (`{install(m) {…}}`), or a function a key holds.
    let member = if kind(n) == "method_definition" {
        Some((n, field_text(n, "name", src)?))
    } else {
        n.parent()
            .filter(|p| kind(*p) == "pair")
            .and_then(|p| Some((p, field_text(p, "key", src)?)))
    };
    if let Some((member, key)) = member
        && let Some(object) = member.parent().filter(|o| kind(*o) == "object")
    {
        let key = key.trim_matches(|c| c == '\'' || c == '"');
        match object.parent().map(|h| (kind(h), h)) {
            Some(("export_statement", _)) => return Some(format!("default.{key}")),
            Some(("assignment_expression", holder))
                if holder
                    .field("left")
                    .is_some_and(|l| js_export_target(l, src).as_deref() == Some("default")) =>
            {
                return Some(key.to_owned());
            }
            _ => {}
        }
    }
    if let Some(name) = field_text(n, "name", src) {
        return Some(name.to_owned());
    }
    let parent = n.parent()?;
    match kind(parent) {
        "variable_declarator" => field_text(parent, "name", src).map(str::to_owned),
        "export_statement" => Some("default".to_owned()),
        "assignment_expression" => js_export_target(parent.field("left")?, src),
        _ => None,
    }
}

/// What an assignment's target exports: `default` for `module.exports`, `NAME` for
/// `exports.NAME` and `module.exports.NAME`.
fn js_export_target(left: Node<'_>, src: &str) -> Option<String> {
    let target: String = text(left, src).split_whitespace().collect();
    if target == "module.exports" {
        return Some("default".to_owned());
    }
    let name = target
        .strip_prefix("module.exports.")
        .or_else(|| target.strip_prefix("exports."))?;
    name.chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        .then(|| name.to_owned())
}

/// The names under which a JavaScript/TypeScript module exports one of its `fillers`
/// other than the one it defines it by: `export {install as put}`, `export default
/// install`, `export default function install(m) {…}`,
/// `module.exports = install`, `module.exports = {put: install}`, `exports.put = install`.
fn js_exported_aliases(root: Node<'_>, src: &str, fillers: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let is_filler = |n: Node<'_>| kind(n) == "identifier" && fillers.contains(text(n, src));
    for top in named_children(root) {
        match kind(top) {
            "export_statement" if top.field("source").is_none() => {
                // `export default install`, `export default function install(m) {…}`.
                let mut cursor = top.walk();
                let default = top
                    .children(&mut cursor)
                    .any(|c| !c.is_named() && kind(c) == "default");
                if default
                    && let Some(v) = top.field("value").or_else(|| top.field("declaration"))
                    && (is_filler(v)
                        || field_text(v, "name", src).is_some_and(|n| fillers.contains(n)))
                {
                    out.push("default".to_owned());
                }
                for clause in named_children(top)
                    .into_iter()
                    .filter(|c| kind(*c) == "export_clause")
                {
                    for spec in named_children(clause) {
                        if let Some(name) = field_text(spec, "name", src)
                            && fillers.contains(name)
                            && let Some(alias) = field_text(spec, "alias", src)
                        {
                            out.push(alias.to_owned());
                        }
                    }
                }
            }
            "expression_statement" => {
                let Some(a) = named_children(top)
                    .into_iter()
                    .next()
                    .filter(|a| kind(*a) == "assignment_expression")
                else {
                    continue;
                };
                let (Some(left), Some(right)) = (a.field("left"), a.field("right")) else {
                    continue;
                };
                let Some(target) = js_export_target(left, src) else {
                    continue;
                };
                if is_filler(right) {
                    out.push(target.clone());
                }
                if target == "default" && kind(right) == "object" {
                    for p in named_children(right) {
                        if kind(p) == "pair"
                            && p.field("value").is_some_and(is_filler)
                            && let Some(key) = field_text(p, "key", src)
                        {
                            out.push(key.trim_matches(|c| c == '\'' || c == '"').to_owned());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The attributes a Python file ever sets on `self` from another's object (`self.app =
/// billing`, `self.total = pay.total`, `self.x = getattr(…)`).
fn python_self_aliases_of(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        // A class attribute bound to another's object (`m = billing.pay` in a class body)
        // is what `self.m` reads.
        if kind(n) == "assignment"
            && n.parent()
                .and_then(|e| e.parent())
                .and_then(|b| b.parent())
                .is_some_and(|c| kind(c) == "class_definition")
            && let (Some(l), Some(r)) = (n.field("left"), n.field("right"))
            && kind(l) == "identifier"
            && python_may_alias(r, src)
        {
            out.insert(text(l, src).to_owned());
        }
        if kind(n) == "assignment"
            && let (Some(l), Some(r)) = (n.field("left"), n.field("right"))
            && kind(l) == "attribute"
            && l.field("object")
                .is_some_and(|o| kind(o) == "identifier" && text(o, src) == "self")
            && python_may_alias(r, src)
            && let Some(a) = l.field("attribute")
        {
            out.insert(text(a, src).to_owned());
        }
        stack.extend(named_children(n));
    }
    out
}

/// One round of reading what calls return (see `python_writes_beyond_locals_as`): the
/// names `found` bound to another's object leave `fresh` for `aliased`, those `holding` a
/// new object that holds one join `made_holding`; whether anything changed.
fn took_calls(
    found: Vec<String>,
    holding: Vec<String>,
    fresh: &mut BTreeSet<String>,
    aliased: &mut BTreeSet<String>,
    made_holding: &mut BTreeSet<String>,
) -> bool {
    let before = (aliased.len(), made_holding.len());
    made_holding.extend(holding);
    for name in found {
        fresh.remove(&name);
        aliased.insert(name);
    }
    (aliased.len(), made_holding.len()) != before
}

/// Whether a name is part of a `unittest` test case's machinery rather than its own state:
/// its assertions, failures and skips, and the methods and settings the runner uses.
fn test_case_machinery(a: &str) -> bool {
    a.starts_with("assert")
        || a.starts_with("fail")
        || a.starts_with("skip")
        || matches!(
            a,
            "run"
                | "debug"
                | "setUp"
                | "tearDown"
                | "setUpClass"
                | "tearDownClass"
                | "addCleanup"
                | "doCleanups"
                | "addClassCleanup"
                | "doClassCleanups"
                | "subTest"
                | "id"
                | "shortDescription"
                | "defaultTestResult"
                | "addTypeEqualityFunc"
                | "enterContext"
                | "longMessage"
                | "maxDiff"
                | "countTestCases"
        )
}

/// The names a Python assignment, loop or `as` target binds, unpacked at any depth
/// (`m, (n, o)`); an attribute or item target binds none (`for billing.pay.total in …`).
fn python_target_names(target: Node<'_>, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![target];
    while let Some(x) = stack.pop() {
        match kind(x) {
            "identifier" => out.push(text(x, src).to_owned()),
            "attribute" | "subscript" => {}
            _ => stack.extend(named_children(x)),
        }
    }
    out
}

/// Grows `set` until `step`, handed what it holds so far, finds nothing new in it: names
/// found from names found before (a container filled from another that holds another's
/// object holds it too).
fn grow_names(set: &mut BTreeSet<String>, mut step: impl FnMut(&BTreeSet<String>) -> Vec<String>) {
    loop {
        let found: Vec<String> = step(set).into_iter().filter(|n| !set.contains(n)).collect();
        if found.is_empty() {
            return;
        }
        set.extend(found);
    }
}

/// Whether a Rust item is compiled for the tests only: marked `#[test]` or `#[cfg(test)]`,
/// or inside a module that is.
fn rust_under_cfg_test(item: Node<'_>, src: &str) -> bool {
    let mut n = item;
    loop {
        if (n.id() == item.id() || kind(n) == "mod_item") && rust_cfg_test(n, src) {
            return true;
        }
        let mut prev = n.prev_named_sibling();
        while let Some(p) = prev.filter(|p| kind(*p) == "attribute_item") {
            let t: String = text(p, src).split_whitespace().collect();
            if n.id() == item.id() && (t == "#[test]" || t.ends_with("::test]")) {
                return true;
            }
            prev = p.prev_named_sibling();
        }
        match n.parent() {
            Some(p) => n = p,
            None => return false,
        }
    }
}

#[cfg(test)]
mod file_cache_tests {
    use super::{FileCache, by_file};

    std::thread_local! {
        static SEEN: FileCache<usize> = const { std::cell::RefCell::new(Vec::new()) };
    }

    #[test]
    fn a_text_being_read_is_found_by_its_place_only_while_that_reading_lasts() {
        std::thread_local! {
            static PLACED: FileCache<usize> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let reads = std::cell::Cell::new(0);
        let read = |t: &str| {
            reads.set(reads.get() + 1);
            t.matches("patch").count()
        };
        let mut text = String::from("from unittest import mock\nmock.patch('a')\n");
        super::reading_file(&text, || {
            assert_eq!(*by_file(&PLACED, &text, || read(&text)), 1);
            assert_eq!(*by_file(&PLACED, &text, || read(&text)), 1);
            let copy = text.clone();
            assert_eq!(*by_file(&PLACED, &copy, || read(&copy)), 1);
        });
        assert_eq!(reads.get(), 1, "the same text is read once");
        // The same buffer and length, another text, in a reading of its own: the place the
        // earlier reading found its text at answers nothing now.
        text.replace_range(31..36, "pitch");
        super::reading_file(&text, || {
            assert_eq!(*by_file(&PLACED, &text, || read(&text)), 0);
            assert_eq!(*by_file(&PLACED, &text, || read(&text)), 0);
        });
        assert_eq!(reads.get(), 2);
        // Outside any reading, the text itself decides.
        assert_eq!(*by_file(&PLACED, &text, || read(&text)), 0);
        assert_eq!(reads.get(), 2);
    }

    #[test]
    fn a_text_is_read_once_and_a_buffer_holding_another_is_read_again() {
        let reads = std::cell::Cell::new(0);
        let read = |t: &str| {
            reads.set(reads.get() + 1);
            t.matches("patch").count()
        };
        let mut text = String::from("from unittest import mock\nmock.patch('a')\n");
        assert_eq!(*by_file(&SEEN, &text, || read(&text)), 1);
        assert_eq!(*by_file(&SEEN, &text, || read(&text)), 1);
        let copy = text.clone();
        assert_eq!(*by_file(&SEEN, &copy, || read(&copy)), 1);
        assert_eq!(
            reads.get(),
            1,
            "the same text is read once, wherever it is kept"
        );
        // The same buffer, same length, another text: never answered from the cache.
        text.replace_range(0..4, "FROM");
        text.replace_range(31..36, "xxxxx");
        assert_eq!(*by_file(&SEEN, &text, || read(&text)), 0);
        assert_eq!(reads.get(), 2);
    }
}
