//! Module-level bindings of the names a sacred test uses: a rebinding outside the test (a
//! fake `refund = lambda x: 100`, a local `macro_rules! assert_eq`, `const expect = …`,
//! `del test_x`, `test_x.__test__ = False`, a Go `func init()`) changes what the test runs
//! without touching it. Each binding is one line of text; the lock records, per test, the
//! bindings of the names it uses, and a check refuses any binding that was not there
//! (`rebound`).
//!
//! Definitions (`def`, `function`, `fn`, `class`, `struct`, and JavaScript's
//! `const f = (…) => …` or `= function …`, recorded as `function f`) are recorded by kind and
//! name only, so editing a helper's body is not a rebinding (a helper that leads to an
//! assertion is locked apart, as written: [`reached_helpers`]);
//! assignments, declarations and imports are recorded as written (normalised), one line per
//! imported name, so adding a name to an import does not disturb the others.
use crate::sacred::analysis::FieldOf as _;

use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::Node;

use super::analysis::{kind, named_children, normalized, text};

/// The fixtures pytest provides itself: requesting one binds nothing the project wrote (what
/// the test then does with it is in its body, which is compared). Any other fixture a Python
/// test requests is one of its bindings (`fixture NAME`): it runs before the test and can
/// patch what the test calls (`monkeypatch.setattr(billing, "total", …)` in a `conftest.py`).
pub const PYTEST_FIXTURES: &[&str] = &[
    "cache",
    "capfd",
    "capfdbinary",
    "caplog",
    "capsys",
    "capsysbinary",
    "doctest_namespace",
    "monkeypatch",
    "pytestconfig",
    "record_property",
    "record_testsuite_property",
    "record_xml_attribute",
    "recwarn",
    "request",
    "tmp_path",
    "tmp_path_factory",
    "tmpdir",
    "tmpdir_factory",
];

/// Whether a new binding is harmless whatever it binds: a Go import of a name no locked
/// binding bound (Go rejects an undefined name and a second declaration of the same name in a
/// package, so such an import cannot shadow what the test used before; a package-level
/// declaration of a predeclared name, `func len`, does shadow it in every file of the package,
/// and is locked apart: `mod::go_predeclared_shadows`), a Python `import a` or
/// `import a.b` when a locked `import a…` already bound `a` (both bind `a` to the same
/// top-level package), and a Rust `use a;` of one segment (it names what `a` already is).
pub fn harmless_addition(lang: &str, text: &str, locked: &[String]) -> bool {
    if lang == "rust" {
        return text.strip_prefix("use ").is_some_and(single_segment_use);
    }
    let Some(rest) = text.strip_prefix("import ") else {
        return false;
    };
    if lang == "python" {
        return python_same_package(rest, locked);
    }
    let Some((name, _)) = rest.split_once(' ') else {
        return false;
    };
    lang == "go"
        && name != "."
        && !locked.iter().any(|l| {
            l.strip_prefix("import ")
                .and_then(|r| r.split_once(' '))
                .is_some_and(|(n, _)| n == name)
        })
}

/// `use regex;`: a path of one segment (no `::`, no `as`, no `*`, not `self`/`super`/`crate`)
/// names what the name already resolves to (a crate of the extern prelude, or an item of the
/// crate root in Rust 2015), so it cannot bind the name to anything else; a clash with a local
/// item of the same name does not compile.
fn single_segment_use(path: &str) -> bool {
    !path.is_empty()
        && !matches!(path, "self" | "super" | "crate")
        && path.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// `rest` (after `import `) is a plain Python import (`a`, `a.b`; no alias) of a top-level
/// package that a locked plain import (`import a`, `import a.c`) already binds.
fn python_same_package(rest: &str, locked: &[String]) -> bool {
    let plain_top = |r: &str| -> Option<String> {
        let r = r.trim();
        (!r.is_empty() && !r.contains(' ')).then(|| r.split('.').next().unwrap_or(r).to_owned())
    };
    let Some(top) = plain_top(rest) else {
        return false;
    };
    locked.iter().any(|l| {
        l.strip_prefix("import ")
            .and_then(plain_top)
            .is_some_and(|t| t == top)
    })
}

/// How the binding of a Go or Rust function that ends the process starts (`ends the test
/// binary (TestA): func TestA(…) {…}`): locked with every test of the package or file, as the
/// tests after it never run; the test's own is judged by its body's rules.
pub const ENDS_THE_BINARY: &str = "ends the test binary (";

/// One module-level binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The names it binds (or unbinds).
    pub names: BTreeSet<String>,
    /// Binds every name, or runs before every test (a wildcard import, Go's `init`).
    pub all: bool,
    /// Its normalised text.
    pub text: String,
    /// What it reads as, when that differs from its text (JavaScript: `x["name"]` as
    /// `x.name`, `window.x` as `globalThis.x`, as a test's statements read).
    pub read: Option<String>,
    /// The names it hands to a call or calls a method on when it runs (Python's
    /// `_ = setattr(billing, "total", f)` reaches `billing`): a test that uses one sees it,
    /// though it binds another name.
    pub reaches: BTreeSet<String>,
    /// The module (by the name the file imports it as) of which it only looks up an
    /// attribute, as an annotation does (`def echo(r: httpx.Request)`): it runs code only
    /// when that module's attribute lookups do (a module `__getattr__`; see
    /// [`super::analysis::python_module_attribute`]).
    pub lookup: Option<String>,
}

impl Binding {
    pub(crate) fn named(name: &str, text: String) -> Binding {
        Binding {
            names: BTreeSet::from([name.to_owned()]),
            all: false,
            text,
            read: None,
            reaches: BTreeSet::new(),
            lookup: None,
        }
    }

    /// Whether a test that uses `used` sees this binding.
    pub fn concerns(&self, used: &BTreeSet<String>) -> bool {
        self.all
            || self.names.iter().any(|n| used.contains(n))
            || self.reaches.iter().any(|n| used.contains(n))
    }
}

/// What a test mentions, as [`used_names`] reads it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Uses {
    /// The identifiers it mentions that a module-level binding can reach.
    pub names: BTreeSet<String>,
    /// Those of them that it only ever calls, each time with one argument (`delay(100)`).
    pub one_argument_calls: BTreeSet<String>,
}

/// The identifiers a node mentions (not member or field names after a dot). Python (and Rust
/// inside a macro's tokens) spells a member name (`x.refund`) as a plain identifier: it is
/// recorded as `.refund`, which only a binding of that attribute (`billing.refund = …`)
/// matches, never a module-level name (`import refund`); a Python keyword argument's name
/// (`f(refund=1)`) is not a use at all.
///
/// A function nested in `body` (an arrow function, a callback, a closure, a nested `def`,
/// a Go `func` literal) binds its parameters for its whole body: a parameter's name, and
/// that name inside the function's body, are not uses a module-level binding can reach
/// (`(delay: number) => delay * 0.5` next to a new `import … as delay`). A parameter's default
/// value and type are read where the function is written, so they still count. The test's
/// own function is not such a function (a pytest test's parameters are fixtures, bound by
/// name from outside), nor is a Rust closure (a parameter pattern naming a unit struct or a
/// constant matches it instead of binding a name).
pub fn used_names(node: Node<'_>, body: Node<'_>, src: &str) -> Uses {
    use std::rc::Rc;
    type Entry<'t> = (Node<'t>, Option<Node<'t>>, Rc<BTreeSet<String>>, bool);
    let mut names = BTreeSet::new();
    // Per name: whether every use so far is the callee of a call with one argument.
    let mut calls: std::collections::BTreeMap<String, bool> = std::collections::BTreeMap::new();
    let mut cursor = node.walk();
    let no_shadow: Rc<BTreeSet<String>> = Rc::new(BTreeSet::new());
    // Each node with its parent (`Node::parent` walks down from the root every time).
    let mut stack: Vec<Entry<'_>> = vec![(node, node.parent(), no_shadow, false)];
    let in_body = |n: Node<'_>| {
        n.start_byte() >= body.start_byte()
            && n.end_byte() <= body.end_byte()
            && n.id() != body.id()
    };
    while let Some((n, parent, shadowed, inside)) = stack.pop() {
        let inside = inside || n.id() == body.id();
        // `helpers.check` (Python, JavaScript): the member of a module a whole-module import
        // binds, which only a function of that module matches (see
        // `add_imported_check_helpers`).
        // Rust's `common::check_total` (`scoped_identifier`; in a macro's tokens, a name, `::`
        // and a name): a function of the module a `mod common;` declares.
        if kind(n) == "identifier"
            && parent.is_some_and(|p| kind(p) == "token_tree")
            && let Some(sep) = n.next_sibling().filter(|s| kind(*s) == "::")
            && let Some(member) = sep.next_sibling().filter(|m| kind(*m) == "identifier")
            && n.prev_sibling().is_none_or(|p| kind(p) != "::")
            && !shadowed.contains(text(n, src))
        {
            names.insert(format!("{}::{}", text(n, src), text(member, src)));
        }
        // `const {X} = await import(S)` read as the static import of `X`: this test's own.
        for local in super::dynamic_imports::static_import_locals(n, src) {
            names.insert(super::dynamic_imports::use_key(&local));
        }
        if kind(n) == "scoped_identifier"
            && let (Some(path), Some(name)) = (n.field("path"), n.field("name"))
            && kind(path) == "identifier"
            && !shadowed.contains(text(path, src))
        {
            names.insert(format!("{}::{}", text(path, src), text(name, src)));
        }
        if matches!(
            kind(n),
            "attribute" | "member_expression" | "selector_expression"
        ) && let Some(q) = qualified_name(n, src)
            && !shadowed.contains(q.split('.').next().unwrap_or(""))
        {
            names.insert(q);
        }
        // Go `testutil.Checker{…}`, `*testutil.Checker`: a type of an imported package, as
        // `testutil.Checker` reads (its methods are one helper of the type's name).
        if kind(n) == "qualified_type"
            && let (Some(package), Some(name)) = (n.field("package"), n.field("name"))
            && !shadowed.contains(text(package, src))
        {
            names.insert(format!("{}.{}", text(package, src), text(name, src)));
        }
        // Python `getattr(helpers, "check_total")`: the member it names, as
        // `helpers.check_total` reads (`self.check_total` also as `.check_total`, a method).
        // A member named by a computed name could be any ([`COMPUTED_MEMBER`]).
        if kind(n) == "call"
            && n.field("function")
                .is_some_and(|f| kind(f) == "identifier" && text(f, src) == "getattr")
            && !shadowed.contains("getattr")
            && let Some(args) = n.field("arguments")
            && let [object, member, ..] = named_children(args).as_slice()
        {
            let object_name = (kind(*object) == "identifier"
                && !shadowed.contains(text(*object, src)))
            .then(|| text(*object, src));
            let literal = (kind(*member) == "string"
                && !named_children(*member)
                    .iter()
                    .any(|c| kind(*c) == "interpolation"))
            .then(|| text(*member, src).trim_matches(|c| c == '"' || c == '\''))
            .filter(|m| !m.is_empty() && m.chars().all(|c| c.is_alphanumeric() || c == '_'));
            let selfish = object_name.is_some_and(|o| o == "self" || o == "cls");
            match (object_name, literal) {
                (Some(o), Some(m)) => {
                    names.insert(format!("{o}.{m}"));
                    if selfish {
                        names.insert(format!(".{m}"));
                    }
                }
                (Some(o), None) => {
                    names.insert(format!("{o}.{COMPUTED_MEMBER}"));
                    if selfish {
                        names.insert(format!(".{COMPUTED_MEMBER}"));
                    }
                }
                // The module itself, reached by reflection (`sys.modules[__name__]`,
                // `importlib.import_module(__name__)`): any function of the file.
                (None, None)
                    if [
                        "sys.modules",
                        "import_module",
                        "__import__",
                        "globals()",
                        "vars()",
                    ]
                    .iter()
                    .any(|r| text(*object, src).contains(r)) =>
                {
                    names.insert(COMPUTED_MEMBER.to_owned());
                }
                (None, _) => {}
            }
        }
        // Python `globals()[name]`, `vars()[…]`, `globals().get(…)`: any function of the
        // file. JavaScript `helpers[name]`: any member of what the name holds.
        if matches!(kind(n), "subscript" | "attribute")
            && let Some(object) = n.field("value").or_else(|| n.field("object"))
            && kind(object) == "call"
            && object
                .field("function")
                .is_some_and(|f| matches!(text(f, src), "globals" | "vars" | "locals"))
            && !shadowed.contains("globals")
        {
            names.insert(COMPUTED_MEMBER.to_owned());
        }
        if kind(n) == "subscript_expression"
            && let (Some(object), Some(index)) = (n.field("object"), n.field("index"))
            && kind(object) == "identifier"
            && !shadowed.contains(text(object, src))
            && !matches!(kind(index), "string" | "number")
        {
            names.insert(format!("{}.{COMPUTED_MEMBER}", text(object, src)));
        }
        if matches!(
            kind(n),
            "identifier"
                | "package_identifier"
                | "type_identifier"
                | "shorthand_property_identifier"
        ) {
            let name = text(n, src);
            if is_member_name_in(n, parent) {
                names.insert(format!(".{name}"));
            } else if !is_python_keyword_name_in(n, parent) && !shadowed.contains(name) {
                let one = is_one_argument_callee_in(n, parent);
                if let Some(all) = calls.get_mut(name) {
                    *all &= one;
                } else {
                    names.insert(name.to_owned());
                    calls.insert(name.to_owned(), one);
                }
            }
        }
        if inside
            && in_body(n)
            && let Some(params) = function_parameters(n)
        {
            // The parameters' names are bound here; their defaults and types are read
            // outside; the rest of the function (its body) sees the names bound.
            let (bound, binders) = parameter_names(params, src);
            let mut inner = (*shadowed).clone();
            inner.extend(bound);
            let inner = Rc::new(inner);
            for c in n.children(&mut cursor) {
                if c.id() == params.id() {
                    let mut pstack = vec![(c, n)];
                    while let Some((p, pp)) = pstack.pop() {
                        if binders.contains(&p.id()) {
                            continue;
                        }
                        if is_default_or_type_in(p, Some(pp)) {
                            stack.push((p, Some(pp), shadowed.clone(), inside));
                            continue;
                        }
                        if matches!(kind(p), "identifier" | "shorthand_property_identifier") {
                            stack.push((p, Some(pp), shadowed.clone(), inside));
                        }
                        let mut pc = p.walk();
                        for ch in p.children(&mut pc) {
                            pstack.push((ch, p));
                        }
                    }
                } else {
                    stack.push((c, Some(n), inner.clone(), inside));
                }
            }
            continue;
        }
        for c in n.children(&mut cursor) {
            stack.push((c, Some(n), shadowed.clone(), inside));
        }
    }
    let one_argument_calls = calls
        .into_iter()
        .filter_map(|(name, one)| one.then_some(name))
        .collect();
    Uses {
        names,
        one_argument_calls,
    }
}

/// The identifiers a test's envelope mentions: what surrounds its function in `extent` (a
/// Python test's decorators, `CASES` in `@pytest.mark.parametrize("x", CASES)`; a JavaScript
/// test's callee and its arguments, `test` and `CASES` in `test.each(CASES)('…', fn)`), spelled
/// as [`used_names`] spells them. Only Python and JavaScript/TypeScript: a Rust attribute's
/// names resolve apart from the module's items, and a Go test has no envelope of names.
pub fn envelope_names(lang: &str, extent: Node<'_>, node: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if !matches!(lang, "python" | "js" | "ts") || extent.id() == node.id() {
        return out;
    }
    let mut cursor = extent.walk();
    let mut stack = vec![(extent, extent.parent())];
    while let Some((n, parent)) = stack.pop() {
        if n.id() == node.id() {
            continue;
        }
        // Python: a member reached through a name (`util.skip_slow`), whole, for a decorator
        // or base defined in a module of the tests imported whole.
        if lang == "python"
            && kind(n) == "attribute"
            && let Some(q) = qualified_name(n, src)
        {
            out.insert(q);
        }
        if matches!(kind(n), "identifier" | "shorthand_property_identifier") {
            if is_member_name_in(n, parent) {
                out.insert(format!(".{}", text(n, src)));
            } else if !is_python_keyword_name_in(n, parent) {
                out.insert(text(n, src).to_owned());
            }
        }
        for c in n.children(&mut cursor) {
            stack.push((c, Some(n)));
        }
    }
    out
}

/// A Python class body's own assignments (`CASES = [(1, 2)]`, `amount: int = 100`), each a
/// binding of its names both bare (a method's decorator reads class-scope names) and as an
/// attribute (`.CASES`: `self.CASES`, `cls.CASES`). The text names the class it is in
/// (`in class TestPay: CASES=[(1,2)]`).
pub fn class_attributes(body: Node<'_>, src: &str) -> Vec<Binding> {
    let class = body
        .parent()
        .and_then(|c| c.field("name"))
        .map_or("", |n| text(n, src));
    let mut out = Vec::new();
    for n in named_children(body) {
        // A compound statement of the class body (`if True: factor = 0`, `for factor in
        // (0,): pass`, `try: …`): every name it holds may be an attribute it binds.
        if matches!(
            kind(n),
            "if_statement"
                | "for_statement"
                | "while_statement"
                | "try_statement"
                | "with_statement"
                | "match_statement"
        ) {
            let mut names = BTreeSet::new();
            visit_identifiers(n, src, &mut |name| {
                names.insert(format!(".{name}"));
                names.insert(name.to_owned());
            });
            out.push(Binding {
                names,
                all: false,
                text: format!("in class {class}: {}", normalized(n, src)),
                read: None,
                reaches: BTreeSet::new(),
                lookup: None,
            });
            continue;
        }
        // An import in the class body binds class attributes (`from os import EX_OK as
        // factor`); so does a walrus in a definition's head (a default, a decorator, a
        // nested class's bases).
        let head_walrus = || {
            let def = super::analysis::undecorated(n);
            let body = def.and_then(|d| d.field("body"));
            let mut names = BTreeSet::new();
            for c in named_children(n) {
                if body.is_some_and(|b| b.id() == c.id()) {
                    continue;
                }
                if kind(c) == "function_definition" || kind(c) == "class_definition" {
                    for h in named_children(c) {
                        if body.is_none_or(|b| b.id() != h.id()) {
                            names.extend(walrus_targets(h, src));
                        }
                    }
                } else {
                    names.extend(walrus_targets(c, src));
                }
            }
            names
        };
        let bound: BTreeSet<String> = match kind(n) {
            "import_statement" | "import_from_statement" => {
                let mut names = BTreeSet::new();
                visit_identifiers(n, src, &mut |name| {
                    names.insert(name.to_owned());
                });
                names
            }
            "function_definition" | "class_definition" | "decorated_definition" => head_walrus(),
            _ => BTreeSet::new(),
        };
        if !bound.is_empty() {
            out.push(Binding {
                names: bound
                    .iter()
                    .flat_map(|w| [format!(".{w}"), w.clone()])
                    .collect(),
                all: false,
                text: format!("in class {class}: {}", normalized(n, src)),
                read: None,
                reaches: BTreeSet::new(),
                lookup: None,
            });
            continue;
        }
        if kind(n) != "expression_statement" {
            continue;
        }
        for a in named_children(n) {
            // A walrus anywhere in a statement of the class body binds a class attribute.
            let walrus = walrus_targets(a, src);
            if !walrus.is_empty() {
                out.push(Binding {
                    names: walrus
                        .iter()
                        .flat_map(|w| [format!(".{w}"), w.clone()])
                        .collect(),
                    all: false,
                    text: format!("in class {class}: {}", normalized(a, src)),
                    read: None,
                    reaches: BTreeSet::new(),
                    lookup: None,
                });
            }
            if !matches!(kind(a), "assignment" | "augmented_assignment") {
                continue;
            }
            let Some(left) = a.field("left") else {
                continue;
            };
            let mut names = BTreeSet::new();
            for name in target_names(left, src) {
                let bare = name.strip_prefix('.').unwrap_or(&name).to_owned();
                names.insert(format!(".{bare}"));
                names.insert(bare);
            }
            // `code: int | None = None` reads as `code = None` in a plain test class: there
            // the annotation is a type expression that runs nothing and nothing reads it.
            let read = a
                .field("type")
                .filter(|t| {
                    annotations_unread(body, src)
                        && crate::sacred::analysis::annotation_inert(*t, src)
                })
                .and(a.field("right"))
                .map(|right| {
                    format!(
                        "in class {class}: {}={}",
                        normalized(left, src),
                        normalized(right, src)
                    )
                });
            out.push(Binding {
                names,
                all: false,
                text: format!("in class {class}: {}", normalized(a, src)),
                read,
                reaches: BTreeSet::new(),
                lookup: None,
            });
        }
    }
    out
}

/// Whether nothing reads the annotations of the class whose body this is: it has no
/// decorator (`@dataclass`), no keyword among its bases (`metaclass=`), and each base is a
/// test case or a mixin by its name (`unittest.TestCase`, `AsyncHTTPTestCase`,
/// `ResolverTestMixin`), or it has none. A dataclass, a `NamedTuple`, a `TypedDict` or a
/// model class makes its annotations fields.
fn annotations_unread(body: Node<'_>, src: &str) -> bool {
    let Some(class) = body.parent().filter(|c| kind(*c) == "class_definition") else {
        return false;
    };
    // The file's own code may read them (`get_type_hints(type(self))` in a `setUp`).
    if super::analysis::names_annotation_readers(src, true) {
        return false;
    }
    if class
        .parent()
        .is_some_and(|p| kind(p) == "decorated_definition")
    {
        return false;
    }
    let Some(bases) = class.field("superclasses") else {
        return true;
    };
    named_children(bases).into_iter().all(|b| {
        let named = matches!(kind(b), "identifier" | "attribute");
        let last = text(b, src).rsplit('.').next().unwrap_or("");
        named
            && (last == "object"
                || ["TestCase", "Case", "Test", "Mixin"]
                    .iter()
                    .any(|s| last.ends_with(s)))
    })
}

/// [`class_attributes`] of a base class of the test's file (`class Base(TestCase): factor =
/// 1` under `class TestPay(Base)`): each binds its names as attributes only (`self.factor`),
/// as `in class Base: factor=1`.
pub fn base_attributes(body: Node<'_>, src: &str) -> Vec<Binding> {
    class_attributes(body, src)
        .into_iter()
        .map(|mut b| {
            b.names.retain(|n| n.starts_with('.'));
            b
        })
        .collect()
}

/// [`class_attributes`] of a subclass of the test's class, under which the test runs: each
/// binds its names as attributes only (`self.items`), as `in a subclass: TEXT` (whichever
/// subclass: renaming one changes nothing).
pub fn subclass_attributes(body: Node<'_>, src: &str) -> Vec<Binding> {
    class_attributes(body, src)
        .into_iter()
        .map(|mut b| {
            b.names.retain(|n| n.starts_with('.'));
            if let Some((_, assignment)) = b.text.split_once(": ") {
                b.text = format!("in a subclass: {assignment}");
            }
            if let Some((_, assignment)) = b.read.as_deref().and_then(|r| r.split_once(": ")) {
                b.read = Some(format!("in a subclass: {assignment}"));
            }
            b
        })
        .collect()
}

/// A pytest fixture a Python test file defines at module level: the name tests request it by
/// (`@pytest.fixture(name="x")` renames it), whether every test gets it (`autouse=True`), and
/// its whole definition, decorators and body, normalised: a fixture runs before the test and
/// hands it its data, so editing it changes what the test checks (`return [1, 2, 3]` →
/// `return []` under a `for` that asserts).
#[derive(Debug, Clone)]
pub struct FixtureDef {
    pub name: String,
    pub autouse: bool,
    pub text: String,
    /// The fixtures it requests in turn (its parameters, less pytest's own fixtures): they run
    /// before it and hand it what it hands the test.
    pub requests: Vec<String>,
}

/// The module-level fixtures of a Python file (see [`FixtureDef`]).
pub fn python_fixture_definitions(root: Node<'_>, src: &str) -> Vec<FixtureDef> {
    let mut out = Vec::new();
    for n in named_children(root) {
        if kind(n) != "decorated_definition" {
            continue;
        }
        let Some(def) = n.field("definition") else {
            continue;
        };
        if kind(def) != "function_definition" {
            continue;
        }
        let decorators: Vec<String> = named_children(n)
            .into_iter()
            .filter(|d| kind(*d) == "decorator")
            .map(|d| normalized(d, src))
            .collect();
        let Some(fixture) = decorators.iter().find(|d| {
            let callee = d.trim_start_matches('@');
            let callee = callee.split('(').next().unwrap_or(callee);
            callee == "fixture" || callee.ends_with(".fixture")
        }) else {
            continue;
        };
        let Some(own) = field_text(def, "name", src) else {
            continue;
        };
        let renamed = fixture.split_once("name=").and_then(|(_, r)| {
            let q = r.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            r[1..].split_once(q).map(|(v, _)| v.to_owned())
        });
        out.push(FixtureDef {
            name: renamed.unwrap_or_else(|| own.to_owned()),
            autouse: fixture.contains("autouse=True"),
            text: normalized(n, src),
            requests: super::extracted::python_fixtures(n, def, src)
                .into_iter()
                .filter(|r| !PYTEST_FIXTURES.contains(&r.as_str()))
                .collect(),
        });
    }
    out
}

/// What runs around every test of a block without being a binding: JavaScript's mocks and
/// hooks (`jest.mock('../billing', …)`, `vi.spyOn(…)`, `beforeEach(…)`, AVA's
/// `test.beforeEach(…)`) as statements of the file or of a suite's callback, Python's xunit
/// setup functions of the module (`setup_module`, `setup_function`, `setUpModule`, …) or of a
/// test's class (`setup_method`, `setUp`, `setUpClass`, …), and a class's autouse fixtures.
/// Each is one line, `setup TEXT`, as written (normalised): such code runs before or after
/// the test and can replace what it calls or the data it checks.
pub fn setups(lang: &str, block: Node<'_>, src: &str, in_class: bool) -> Vec<String> {
    setups_read(lang, block, src, in_class)
        .into_iter()
        .map(|(line, _)| line)
        .collect()
}

/// [`setups`], each line with how it reads when that differs from its text (a Python setup
/// method's annotations, see `analysis::python_erasure`).
pub fn setups_read(
    lang: &str,
    block: Node<'_>,
    src: &str,
    in_class: bool,
) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    match lang {
        "js" | "ts" => {
            for n in named_children(block) {
                if kind(n) != "expression_statement" {
                    continue;
                }
                let mut e = named_children(n).into_iter().next();
                while let Some(x) = e.filter(|x| kind(*x) == "await_expression") {
                    e = named_children(x).into_iter().next();
                }
                let Some(call) = e.filter(|x| kind(*x) == "call_expression") else {
                    continue;
                };
                let Some(callee) = call.field("function") else {
                    continue;
                };
                if is_js_setup(&normalized(callee, src)) {
                    out.push((format!("setup {}", normalized(n, src)), None));
                }
            }
        }
        "python" => {
            const MODULE: &[&str] = &[
                "setup_module",
                "teardown_module",
                "setup_function",
                "teardown_function",
                "setUpModule",
                "tearDownModule",
                "setup",
                "teardown",
            ];
            const CLASS: &[&str] = &[
                "setup_method",
                "teardown_method",
                "setup_class",
                "teardown_class",
                "setUp",
                "tearDown",
                "setUpClass",
                "tearDownClass",
                "setup",
                "teardown",
            ];
            let names = if in_class { CLASS } else { MODULE };
            // What names the file's code reaches methods by (a framework hook is named by no
            // code of the file), read once per file.
            let referenced = in_class
                .then(|| {
                    let mut root = block;
                    while let Some(p) = root.parent() {
                        root = p;
                    }
                    let class = block.parent().filter(|c| kind(*c) == "class_definition")?;
                    // Under a framework whose every hook is known (unittest's, pytest's), a
                    // method no code names is never called.
                    let known = known_framework_only(class, root, src);
                    Some((python_names_referenced(root, src), known))
                })
                .flatten();
            for n in named_children(block) {
                let def = super::analysis::undecorated(n);
                // A class attribute the runner reads (`__unittest_skip__ = True`,
                // `__test__ = False`, `pytestmark = …`): it decides whether the test runs.
                if in_class
                    && kind(n) == "expression_statement"
                    && let Some(a) = n.named_child(0).filter(|a| kind(*a) == "assignment")
                    && a.field("left").is_some_and(|l| {
                        let t = text(l, src);
                        kind(l) == "identifier"
                            && (t == "pytestmark"
                                || (t.len() > 4 && t.starts_with("__") && t.ends_with("__")))
                    })
                {
                    out.push((format!("{HOOK}{}", normalized(n, src)), None));
                    continue;
                }
                let Some(def) = def.filter(|d| kind(*d) == "function_definition") else {
                    continue;
                };
                let name = field_text(def, "name", src).unwrap_or("");
                // The source text is searched first: a class may hold hundreds of methods.
                let autouse = in_class
                    && kind(n) == "decorated_definition"
                    && text(n, src).contains("autouse")
                    && named_children(n).into_iter().any(|d| {
                        kind(d) == "decorator" && {
                            let t = normalized(d, src);
                            t.contains("fixture") && t.contains("autouse=True")
                        }
                    });
                // A module's protocol functions the runner calls: unittest's `load_tests`
                // picks the module's tests, pytest's `pytest_generate_tests` their cases.
                let module_hook =
                    !in_class && matches!(name, "load_tests" | "pytest_generate_tests");
                let hook = module_hook
                    || (!autouse
                        && !names.contains(&name)
                        && referenced
                            .as_ref()
                            .is_some_and(|(r, known)| runs_unasked(name, r, *known)));
                if names.contains(&name) || autouse || hook {
                    let head = if hook { HOOK } else { "setup " };
                    let line = format!("{head}{}", normalized(n, src));
                    let read = super::analysis::read_as_statement(n, src)
                        .map(|r| format!("{head}{r}"))
                        .filter(|r| *r != line);
                    out.push((line, read));
                }
            }
        }
        _ => {}
    }
    out
}

/// The line of a method of a test's class that runs for the test though the test does not
/// call it (see [`runs_unasked`]).
pub const HOOK: &str = "hook ";

/// Whether an envelope line is one of a method that runs for the test unasked: `hook …`
/// (its class's, a subclass's) or `in a base: …` (a setup or hook of a base of its file).
pub fn is_hook_line(line: &str) -> bool {
    line.starts_with(HOOK) || line.starts_with(IN_A_BASE) || imported_base_line(line).is_some()
}

/// `in a base (in FILE): LINE`, a setup or hook of a base class of a module of the tests:
/// `(FILE, LINE)`.
pub fn imported_base_line(line: &str) -> Option<(&str, &str)> {
    line.strip_prefix("in a base (in ")?.split_once("): ")
}

/// The name of the method a [`is_hook_line`] line (or a `setup …` one) is of, with what
/// it holds after its prefixes (`def get_app(self):…`).
pub fn hook_method(line: &str) -> Option<(&str, &str)> {
    let rest = line
        .strip_prefix(IN_A_BASE)
        .or_else(|| imported_base_line(line).map(|(_, rest)| rest))
        .unwrap_or(line);
    let rest = rest
        .strip_prefix(HOOK)
        .or_else(|| rest.strip_prefix("setup "))?;
    let rest = rest.strip_prefix("in a subclass: ").unwrap_or(rest);
    let (_, after) = rest.split_once("def ")?;
    let name = after.split('(').next()?;
    Some((name, rest))
}

/// The classes of the file that the class headers of `bodies` name as a keyword argument
/// (`metaclass=Meta`), with their bases of the file, each as a `hook metaclass …` line: a
/// metaclass builds the class and may rewrite its tests.
pub(crate) fn metaclass_lines<'t>(bodies: &[Node<'t>], src: &str) -> Vec<String> {
    let Some(first) = bodies.first() else {
        return Vec::new();
    };
    let mut root = *first;
    while let Some(p) = root.parent() {
        root = p;
    }
    let classes = top_classes(root, src);
    let mut found: Vec<Node<'t>> = Vec::new();
    for body in bodies {
        let Some(args) = body
            .parent()
            .filter(|c| kind(*c) == "class_definition")
            .and_then(|c| c.field("superclasses"))
        else {
            continue;
        };
        for a in named_children(args) {
            if kind(a) != "keyword_argument" {
                continue;
            }
            let Some(value) = a.field("value") else {
                continue;
            };
            for (name, c) in &classes {
                if *name == text(value, src) && !found.iter().any(|f| f.id() == c.id()) {
                    found.push(*c);
                }
            }
        }
    }
    let bases = in_file_bases(found.iter().filter_map(|c| c.field("body")), src);
    found
        .iter()
        .copied()
        .chain(bases.iter().filter_map(tree_sitter::Node::parent))
        .map(|c| {
            let whole = c
                .parent()
                .filter(|d| kind(*d) == "decorated_definition")
                .unwrap_or(c);
            format!("{HOOK}metaclass {}", normalized(whole, src))
        })
        .collect()
}

/// The fixtures a Python class body defines as methods (`@pytest.fixture def amounts(self)`),
/// each with its name (that of `name=` when given) and its `hook …` line.
pub(crate) fn class_fixtures(body: Node<'_>, src: &str) -> Vec<(String, String)> {
    if !text(body, src).contains("fixture") {
        return Vec::new();
    }
    python_fixture_definitions(body, src)
        .into_iter()
        .map(|f| (f.name, format!("{HOOK}{}", f.text)))
        .collect()
}

/// The lines of what a base class of the test's class, in its file, runs for it (its setups
/// and hooks), each after this.
pub const IN_A_BASE: &str = "in a base: ";

/// The decorators of the class whose body is `body` (`@unittest.skip(…)` on a base skips
/// every test of the classes deriving from it), each as a `decorator @…` line.
pub(crate) fn class_decorator_lines(body: Node<'_>, src: &str) -> Vec<String> {
    body.parent()
        .filter(|c| kind(*c) == "class_definition")
        .and_then(|c| c.parent())
        .filter(|d| kind(*d) == "decorated_definition")
        .map(|d| {
            named_children(d)
                .into_iter()
                .filter(|x| kind(*x) == "decorator")
                .map(|x| format!("decorator {}", normalized(x, src)))
                .collect()
        })
        .unwrap_or_default()
}

/// The bodies of the classes of the file that the classes of `bodies` derive from, directly
/// or not (by plain name, each once), less those classes themselves.
pub(crate) fn in_file_bases<'t>(
    bodies: impl Iterator<Item = Node<'t>>,
    src: &str,
) -> Vec<Node<'t>> {
    let own: Vec<Node<'t>> = bodies.collect();
    let Some(first) = own.first() else {
        return Vec::new();
    };
    let mut root = *first;
    while let Some(p) = root.parent() {
        root = p;
    }
    let classes = top_classes(root, src);
    let mut seen: BTreeSet<usize> = own.iter().map(tree_sitter::Node::id).collect();
    let mut out = Vec::new();
    let mut queue: Vec<Node<'t>> = own
        .iter()
        .filter_map(|b| b.parent().filter(|c| kind(*c) == "class_definition"))
        .collect();
    while let Some(class) = queue.pop() {
        for base in base_names(class, src) {
            for (name, c) in &classes {
                if *name != base {
                    continue;
                }
                let Some(body) = c.field("body") else {
                    continue;
                };
                if seen.insert(body.id()) {
                    out.push(body);
                    queue.push(*c);
                }
            }
        }
    }
    out
}

/// The methods of `unittest.TestCase` (and `IsolatedAsyncioTestCase`) that its machinery or
/// a test's assertions call: a test class that defines one replaces what runs the test or
/// what checks it (`def assertEqual(self, a, b): pass`).
const UNITTEST_METHODS: &[&str] = &[
    "run",
    "debug",
    "id",
    "shortDescription",
    "defaultTestResult",
    "countTestCases",
    "subTest",
    "skipTest",
    "addCleanup",
    "addClassCleanup",
    "doCleanups",
    "doClassCleanups",
    "enterContext",
    "enterClassContext",
    "addTypeEqualityFunc",
    "asyncSetUp",
    "asyncTearDown",
    "fail",
    "failureException",
    "_callSetUp",
    "_callTestMethod",
    "_callTearDown",
    "_callCleanup",
    "_callAsync",
    "_callMaybeAsync",
    "_setupAsyncioRunner",
    "_tearDownAsyncioRunner",
    "_getAssertEqualityFunc",
    "_formatMessage",
    "_baseAssertEqual",
    "_truncateMessage",
    "_addSkip",
    "_addExpectedFailure",
    "_addUnexpectedSuccess",
    "_feedErrorsToResult",
    "assertEqual",
    "assertEquals",
    "assertNotEqual",
    "assertNotEquals",
    "assertTrue",
    "assertFalse",
    "assert_",
    "assertIs",
    "assertIsNot",
    "assertIsNone",
    "assertIsNotNone",
    "assertIn",
    "assertNotIn",
    "assertIsInstance",
    "assertNotIsInstance",
    "assertIsSubclass",
    "assertNotIsSubclass",
    "assertHasAttr",
    "assertNotHasAttr",
    "assertRaises",
    "assertRaisesRegex",
    "assertRaisesRegexp",
    "assertWarns",
    "assertWarnsRegex",
    "assertLogs",
    "assertNoLogs",
    "assertAlmostEqual",
    "assertAlmostEquals",
    "assertNotAlmostEqual",
    "assertNotAlmostEquals",
    "assertGreater",
    "assertGreaterEqual",
    "assertLess",
    "assertLessEqual",
    "assertRegex",
    "assertNotRegex",
    "assertRegexpMatches",
    "assertNotRegexpMatches",
    "assertCountEqual",
    "assertItemsEqual",
    "assertMultiLineEqual",
    "assertSequenceEqual",
    "assertListEqual",
    "assertTupleEqual",
    "assertSetEqual",
    "assertDictEqual",
    "assertDictContainsSubset",
    "assertStartsWith",
    "assertNotStartsWith",
    "assertEndsWith",
    "assertNotEndsWith",
    "failUnlessEqual",
    "failIfEqual",
    "failUnless",
    "failIf",
    "failUnlessRaises",
    "failUnlessAlmostEqual",
    "failIfAlmostEqual",
    // pytest calls a class's own `pytest_generate_tests` for its tests.
    "pytest_generate_tests",
];

/// Whether a method `name` of a test's class runs for its tests though they need not call it
/// (besides the setups): Python calls a dunder (`__getattribute__`, `__init__`); unittest's
/// machinery or an assertion calls a method of `unittest.TestCase` it overrides (`run`,
/// `assertEqual`); and a method no code of the file names (`referenced`, see
/// [`python_names_referenced`]) is either never called or called by the framework the class
/// derives from (tornado's `get_app`, Django's `setUpTestData`), which gatekeeper cannot read.
fn runs_unasked(name: &str, referenced: &BTreeSet<String>, known_framework: bool) -> bool {
    // A test: the runner runs it as itself.
    if name.starts_with("test") {
        return false;
    }
    (name.len() > 4 && name.starts_with("__") && name.ends_with("__"))
        || UNITTEST_METHODS.contains(&name)
        || (!known_framework && !referenced.contains(name))
}

/// Whether the class derives, through the classes of its file, only from frameworks whose
/// hooks are all known: no base (a pytest class), `object`, `unittest.TestCase` or
/// `unittest.IsolatedAsyncioTestCase` (also imported by name from `unittest`). A base of a
/// library or of another module may call any method (tornado's `AsyncHTTPTestCase` calls
/// `get_app`).
fn known_framework_only(class: Node<'_>, root: Node<'_>, src: &str) -> bool {
    // A mixin's methods run under the classes of the file that derive from it too: under a
    // framework base of one of them (`class TestPay(PayMixin, AsyncHTTPTestCase)`), the
    // framework may call the mixin's `get_app`.
    let mut seen = BTreeSet::new();
    let mut queue = vec![class];
    while let Some(c) = queue.pop() {
        if !seen.insert(c.id()) {
            continue;
        }
        if !known_framework_above(c, root, src) {
            return false;
        }
        let Some(name) = field_text(c, "name", src) else {
            continue;
        };
        for (_, sub) in top_classes(root, src) {
            let derives = sub
                .field("superclasses")
                .is_some_and(|args| named_children(args).iter().any(|a| text(*a, src) == name));
            if derives {
                queue.push(sub);
            }
        }
    }
    true
}

/// [`known_framework_only`] through the class's bases alone.
fn known_framework_above(class: Node<'_>, root: Node<'_>, src: &str) -> bool {
    let classes = top_classes(root, src);
    let from_unittest = |name: &str| {
        named_children(root).into_iter().any(|n| {
            kind(n) == "import_from_statement"
                && n.field("module_name")
                    .is_some_and(|m| text(m, src) == "unittest")
                && named_children(n)
                    .into_iter()
                    .skip(1)
                    .any(|c| kind(c) == "dotted_name" && text(c, src) == name)
        })
    };
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    let mut queue = vec![class];
    while let Some(c) = queue.pop() {
        if !seen.insert(c.id()) {
            continue;
        }
        let Some(args) = c.field("superclasses") else {
            continue;
        };
        for a in named_children(args) {
            let base = text(a, src);
            if let Some((_, c)) = classes.iter().find(|(n, _)| *n == base) {
                queue.push(*c);
                continue;
            }
            let known = match base {
                "object" | "unittest.TestCase" | "unittest.IsolatedAsyncioTestCase" => true,
                "TestCase" | "IsolatedAsyncioTestCase" => from_unittest(base),
                _ => false,
            };
            if !known {
                return false;
            }
        }
    }
    true
}

std::thread_local! {
    /// [`python_names_referenced`] of the file being scanned, by its source buffer; emptied
    /// when a scan starts.
    static REFERENCED: std::cell::RefCell<BTreeMap<[usize; 2], std::rc::Rc<BTreeSet<String>>>> =
        const { std::cell::RefCell::new(BTreeMap::new()) };
}

/// The names a Python module's code mentions other than as the name of a definition: every
/// identifier (an attribute's too, `self.get_app`), and the words of its string literals
/// (`getattr(self, "get_app")`); not its comments.
fn python_names_referenced(root: Node<'_>, src: &str) -> std::rc::Rc<BTreeSet<String>> {
    let key = [src.as_ptr() as usize, src.len()];
    if let Some(found) = REFERENCED.with(|c| c.borrow().get(&key).cloned()) {
        return found;
    }
    let mut out = BTreeSet::new();
    let mut cursor = root.walk();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "identifier" => {
                let defined = n.parent().is_some_and(|p| {
                    matches!(kind(p), "function_definition" | "class_definition")
                        && p.field("name").is_some_and(|d| d.id() == n.id())
                });
                if !defined {
                    out.insert(text(n, src).to_owned());
                }
            }
            "string" => {
                for w in text(n, src)
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty())
                {
                    out.insert(w.to_owned());
                }
            }
            "comment" => {}
            _ => stack.extend(n.children(&mut cursor)),
        }
    }
    let out = std::rc::Rc::new(out);
    REFERENCED.with(|c| c.borrow_mut().insert(key, out.clone()));
    out
}

/// A JavaScript callee that mocks, stubs or runs around tests: any member of `jest`, `vi`,
/// `sinon`, `td` or node:test's `mock`, the hooks of Jest, Vitest, Mocha and node:test
/// (`beforeEach`, `afterAll`, `before`, `setup`, …) and AVA's `test.before…`/`test.after…`.
pub(crate) fn is_js_setup(callee: &str) -> bool {
    let root = callee.split(['.', '(']).next().unwrap_or(callee);
    matches!(root, "jest" | "vi" | "sinon" | "td" | "mock")
        || matches!(
            callee,
            "beforeEach"
                | "afterEach"
                | "beforeAll"
                | "afterAll"
                | "before"
                | "after"
                | "setup"
                | "teardown"
                | "suiteSetup"
                | "suiteTeardown"
        )
        || ["test.", "test.serial."].iter().any(|p| {
            callee
                .strip_prefix(p)
                .is_some_and(|r| r.starts_with("before") || r.starts_with("after"))
        })
}

/// What a `conftest.py` holds that reaches the tests below it: its fixtures (see
/// [`FixtureDef`]), and, as written, its pytest hooks (module-level `pytest_…` functions,
/// which run around collection and every test: `pytest_runtest_setup`, `pytest_configure`),
/// its `pytest_plugins`, which loads more of them, and what it says of `collect_ignore` and
/// `collect_ignore_glob`, which keep files from being collected.
pub fn conftest_parts(root: Node<'_>, src: &str) -> (Vec<FixtureDef>, Vec<String>) {
    let fixtures = python_fixture_definitions(root, src);
    let mut hooks = Vec::new();
    for n in named_children(root) {
        let def = super::analysis::undecorated(n);
        let Some(def) = def else {
            continue;
        };
        match kind(def) {
            "function_definition"
                if field_text(def, "name", src).is_some_and(|f| f.starts_with("pytest_")) =>
            {
                hooks.push(normalized(n, src));
            }
            "expression_statement" if text(def, src).trim_start().starts_with("pytest_plugins") => {
                hooks.push(normalized(n, src));
            }
            // `collect_ignore = […]`, `collect_ignore_glob`, and any top-level statement
            // that adds to them (`if sys.version_info < (3, 10): collect_ignore.append(…)`):
            // pytest reads them from every `conftest.py` and collects nothing they name.
            _ if kind(def) != "function_definition"
                && kind(def) != "class_definition"
                && text(n, src).contains("collect_ignore") =>
            {
                hooks.push(normalized(n, src));
            }
            _ => {}
        }
    }
    (fixtures, hooks)
}

/// The parameter list of a function node of any of the grammars (`None` for anything else).
fn function_parameters(n: Node<'_>) -> Option<Node<'_>> {
    match kind(n) {
        "arrow_function" => n.field("parameters").or_else(|| n.field("parameter")),
        "function_expression"
        | "function"
        | "generator_function"
        | "function_declaration"
        | "generator_function_declaration"
        | "method_definition"
        | "lambda"
        | "function_definition"
        | "func_literal" => n.field("parameters"),
        _ => None,
    }
}

/// A parameter's default value or type (read where the function is written), given the
/// node's parent.
fn is_default_or_type_in(n: Node<'_>, parent: Option<Node<'_>>) -> bool {
    let Some(p) = parent else {
        return false;
    };
    let field_is = |f: &str| p.field(f).map(|c| c.id()) == Some(n.id());
    matches!(kind(n), "type_annotation" | "type_parameters")
        || (matches!(kind(p), "assignment_pattern" | "object_assignment_pattern")
            && field_is("right"))
        || (matches!(
            kind(p),
            "required_parameter"
                | "optional_parameter"
                | "default_parameter"
                | "typed_default_parameter"
        ) && field_is("value"))
        || field_is("type")
}

/// The names a parameter list binds, and the nodes that bind them.
fn parameter_names(params: Node<'_>, src: &str) -> (BTreeSet<String>, BTreeSet<usize>) {
    let mut names = BTreeSet::new();
    let mut nodes = BTreeSet::new();
    let mut stack = vec![(params, None)];
    while let Some((p, parent)) = stack.pop() {
        if p.id() != params.id() && is_default_or_type_in(p, parent) {
            continue;
        }
        if matches!(
            kind(p),
            "identifier" | "shorthand_property_identifier_pattern"
        ) {
            names.insert(text(p, src).to_owned());
            nodes.insert(p.id());
            continue;
        }
        let mut c = p.walk();
        for ch in p.children(&mut c) {
            stack.push((ch, Some(p)));
        }
    }
    (names, nodes)
}

/// `delay` in `delay(100)`: the callee of a call with exactly one argument, not spread.
fn is_one_argument_callee_in(n: Node<'_>, parent: Option<Node<'_>>) -> bool {
    let Some(call) = parent else {
        return false;
    };
    if kind(call) != "call_expression" || call.field("function").map(|f| f.id()) != Some(n.id()) {
        return false;
    }
    let Some(args) = call.field("arguments") else {
        return false;
    };
    let args: Vec<Node<'_>> = named_children(args)
        .into_iter()
        .filter(|a| !kind(*a).contains("comment"))
        .collect();
    args.len() == 1 && !matches!(kind(args[0]), "spread_element" | "variadic_argument")
}

/// A member name after a dot that the grammar spells as a plain identifier: `refund` in
/// Python's `billing.refund` (the `attribute` field of an `attribute` node; Rust's `attribute`
/// node, `#[…]`, has no `object`), and in a Rust macro's tokens (`assert_eq!(l.refund(1), 1)`,
/// where the dot is the identifier's previous token).
fn is_member_name(n: Node<'_>) -> bool {
    is_member_name_in(n, n.parent())
}

/// [`is_member_name`] with the node's parent known.
/// `a.b.c` for a member access whose object is a name or such an access in turn (Python's
/// `attribute`, JavaScript's `member_expression` with a plain property, Go's
/// `selector_expression`), `None` otherwise.
fn qualified_name(n: Node<'_>, src: &str) -> Option<String> {
    match kind(n) {
        "identifier" => Some(text(n, src).to_owned()),
        "attribute" | "member_expression" | "selector_expression" => {
            let object = n.field("object").or_else(|| n.field("operand"))?;
            let member = n
                .field("attribute")
                .or_else(|| n.field("property"))
                .or_else(|| n.field("field"))?;
            if !matches!(
                kind(member),
                "identifier" | "property_identifier" | "field_identifier"
            ) {
                return None;
            }
            Some(format!(
                "{}.{}",
                qualified_name(object, src)?,
                text(member, src)
            ))
        }
        _ => None,
    }
}

fn is_member_name_in(n: Node<'_>, parent: Option<Node<'_>>) -> bool {
    parent.is_some_and(|p| {
        (kind(p) == "attribute"
            && p.field("object").is_some()
            && p.field("attribute").map(|a| a.id()) == Some(n.id()))
            || (kind(p) == "token_tree" && n.prev_sibling().is_some_and(|d| kind(d) == "."))
    })
}

/// `refund` in Python's `charge(refund=1)` (the node's parent known).
fn is_python_keyword_name_in(n: Node<'_>, parent: Option<Node<'_>>) -> bool {
    parent.is_some_and(|p| {
        kind(p) == "keyword_argument" && p.field("name").map(|a| a.id()) == Some(n.id())
    })
}

/// Every module-level binding of a file.
pub fn module_bindings(lang: &str, root: Node<'_>, src: &str) -> Vec<Binding> {
    module_bindings_with(lang, root, src, &[])
}

/// [`module_bindings`] of a test file whose tests are also registered through the project's
/// own wrappers (`sacred.test_functions`): a JavaScript call of one registers a test, and
/// runs nothing else of the file's while it is imported.
pub fn module_bindings_with(
    lang: &str,
    root: Node<'_>,
    src: &str,
    test_functions: &[String],
) -> Vec<Binding> {
    let mut out = Vec::new();
    match lang {
        "python" => {
            python(root, src, &BTreeSet::new(), &mut out);
            // What runs at import in ways the names do not show reaches every test.
            for (n, reason) in super::import_hazards::python_import_hazards(root, src) {
                out.push(Binding {
                    names: BTreeSet::new(),
                    all: true,
                    text: format!("runs at import ({reason}): {}", normalized(n, src)),
                    read: None,
                    reaches: BTreeSet::new(),
                    lookup: None,
                });
            }
        }
        "rust" => rust(root, src, &mut out),
        "go" => go(root, src, &mut out),
        _ => {
            let own = js_own_objects(root, src);
            js(root, src, &own, test_functions, &mut out);
            // `const {X} = await import(S)` in a function, of a module the file imports: the
            // static import of `X` (see `dynamic_imports`).
            for (local, text) in super::dynamic_imports::static_import_bindings(root, src) {
                out.push(Binding::named(
                    &super::dynamic_imports::use_key(&local),
                    text,
                ));
            }
            // A docblock pragma choosing the environment the file's tests run in
            // (`@jest-environment ./env.js`, whose hooks see every test's result).
            for line in src.lines() {
                let t = line
                    .trim()
                    .trim_start_matches("/**")
                    .trim_start_matches('*')
                    .trim();
                if ["@jest-environment", "@vitest-environment"]
                    .iter()
                    .any(|p| t.starts_with(p))
                {
                    out.push(Binding {
                        names: BTreeSet::new(),
                        all: true,
                        text: format!("runner pragma: {t}"),
                        read: None,
                        reaches: BTreeSet::new(),
                        lookup: None,
                    });
                }
            }
            // What runs at load in ways the statements do not show reaches every test.
            for (n, reason) in super::import_hazards::js_import_hazards(root, src) {
                out.push(Binding {
                    names: BTreeSet::new(),
                    all: true,
                    text: format!("runs at load ({reason}): {}", normalized(n, src)),
                    read: None,
                    reaches: BTreeSet::new(),
                    lookup: None,
                });
            }
            // A name the file binds nowhere is a global (`check('other', …)`): the file
            // cannot say what calling it with a callback does, and the runner's own setup
            // defines it, which a gate listed in `sacred.evidence` watches. Such a call is
            // read as a registration (see `js_statement`).
            let bound: BTreeSet<String> = out
                .iter()
                .filter(|b| !b.text.starts_with(JS_FREE_CALL))
                .flat_map(|b| b.names.iter().cloned())
                .collect();
            out.retain_mut(|b| {
                let Some(rest) = b.text.strip_prefix(JS_FREE_CALL) else {
                    return true;
                };
                let (callee, statement) = rest.split_once(' ').unwrap_or((rest, ""));
                if bound.contains(callee) {
                    // Bound in the file after all: it runs before every test.
                    b.text = statement.to_owned();
                    b.all = true;
                    true
                } else {
                    b.text = statement.to_owned();
                    b.all || !b.reaches.is_empty() || !b.names.is_empty()
                }
            });
        }
    }
    out
}

pub(crate) fn field_text<'s>(n: Node<'_>, field: &str, src: &'s str) -> Option<&'s str> {
    n.field(field).map(|f| text(f, src))
}

/// Names bound by an assignment target (identifiers, and attribute/member names: `x.__test__`
/// binds `x` and `__test__`; a Python attribute name also as `.__test__`, which is how a test's
/// attribute uses are recorded).
fn target_names(n: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut cursor = n.walk();
    let mut stack = vec![n];
    while let Some(c) = stack.pop() {
        if matches!(
            kind(c),
            "identifier"
                | "property_identifier"
                | "shorthand_property_identifier_pattern"
                | "field_identifier"
        ) {
            if is_member_name(c) {
                out.insert(format!(".{}", text(c, src)));
            }
            out.insert(text(c, src).to_owned());
        }
        for ch in c.children(&mut cursor) {
            stack.push(ch);
        }
    }
    out
}

/// `outer`: the objects the blocks around `block` made themselves (see
/// [`python_own_objects`]), which a statement nested in an `if` or a `for` may change too.
fn python(block: Node<'_>, src: &str, outer: &BTreeSet<String>, out: &mut Vec<Binding>) {
    let mut own = python_own_objects(block, src);
    own.extend(outer.iter().cloned());
    for n in named_children(block) {
        match kind(n) {
            "function_definition" | "class_definition" => {
                if let Some(name) = field_text(n, "name", src) {
                    let k = if kind(n) == "class_definition" {
                        "class"
                    } else {
                        "def"
                    };
                    out.push(Binding::named(name, format!("{k} {name}")));
                }
                python_definition_runs(n, None, src, out);
                python_class_body(n, src, out);
            }
            "decorated_definition" => {
                if let Some(def) = n.field("definition") {
                    python_def(def, src, out);
                    python_definition_runs(def, Some(n), src, out);
                    python_class_body(def, src, out);
                }
            }
            "import_statement" | "future_import_statement" => {
                for c in named_children(n) {
                    python_import(c, src, "import ", out);
                }
            }
            "import_from_statement" => {
                let module = field_text(n, "module_name", src).unwrap_or("");
                let prefix = format!("from {module} import ");
                let mut wildcard = false;
                for c in named_children(n) {
                    if Some(c.id()) == n.field("module_name").map(|m| m.id()) {
                        continue;
                    }
                    if kind(c) == "wildcard_import" {
                        wildcard = true;
                        continue;
                    }
                    python_import(c, src, &prefix, out);
                }
                if wildcard {
                    out.push(Binding {
                        names: BTreeSet::new(),
                        all: true,
                        text: format!("{prefix}*"),
                        read: None,
                        reaches: BTreeSet::new(),
                        lookup: None,
                    });
                }
            }
            "expression_statement" => {
                for c in named_children(n) {
                    if matches!(kind(c), "assignment" | "augmented_assignment")
                        && let Some(left) = c.field("left")
                    {
                        // What it runs: the names it hands to calls, or any name at all (an
                        // annotation that may run the repository's code).
                        let (reaches, mut anything) = python_import_time_reach(c, src);
                        anything |= c
                            .field("type")
                            .is_some_and(|t| !super::analysis::annotation_inert(t, src));
                        let mut names = target_names(left, src);
                        names.extend(walrus_targets(c, src));
                        out.push(Binding {
                            names,
                            all: anything,
                            text: normalized(c, src),
                            read: super::analysis::read_as_statement(c, src),
                            reaches,
                            lookup: None,
                        });
                    } else if !(plain_string(c) || matches!(kind(c), "ellipsis" | "comment")) {
                        // Code run when the module is imported, before every test
                        // (`setattr(billing, "total", …)`, `patch("x").start()`): it may change
                        // anything a test reads, unless it is a method call on an object the
                        // module made itself (`ALLOWED.update(…)`).
                        let (reaches, all) = python_statement_reach(c, &own, src);
                        out.push(Binding {
                            names: walrus_targets(c, src),
                            all,
                            reaches,
                            text: normalized(c, src),
                            read: None,
                            lookup: None,
                        });
                    }
                }
            }
            // What an `assert` or `raise` evaluates runs too.
            "assert_statement" | "raise_statement" => python_header(n, src, out),
            // `if __name__ == "__main__":` runs only when the file is run as a script.
            "if_statement"
                if n.field("condition")
                    .is_some_and(|c| is_main_guard(&normalized(c, src))) => {}
            "delete_statement" => out.push(Binding {
                names: target_names(n, src),
                all: false,
                text: normalized(n, src),
                read: None,
                reaches: BTreeSet::new(),
                lookup: None,
            }),
            "if_statement" | "try_statement" | "with_statement" | "for_statement"
            | "while_statement" | "block" | "else_clause" | "elif_clause" | "except_clause"
            | "finally_clause" | "match_statement" | "case_clause" => {
                python_header(n, src, out);
                python(n, src, &own, out);
            }
            _ => {}
        }
    }
}

/// The header of a compound statement run when its block runs (`if COND:`, `for X in Y:`,
/// `with A as B:`, `match S:`, `case P if G:`, `except E as e:`; an `assert` or `raise`
/// statement whole): what it evaluates runs there and then, and what it binds (a `for`
/// target, an `as` name, a `case` capture, a walrus `(x := …)`) is bound in that block.
/// One binding, `for total in [lambda xs: 6]`, when the header binds a name or reaches one
/// (see [`python_import_time_reach`]); nothing for `if sys.platform == "win32":`.
fn python_header(n: Node<'_>, src: &str, out: &mut Vec<Binding>) {
    let mut words: Vec<String> = Vec::new();
    let mut names = BTreeSet::new();
    let mut reaches = BTreeSet::new();
    let mut all = false;
    let mut cursor = n.walk();
    for c in n.children(&mut cursor) {
        if matches!(
            kind(c),
            "block"
                | "else_clause"
                | "elif_clause"
                | "except_clause"
                | "finally_clause"
                | "case_clause"
                | "comment"
        ) || n.field("body").is_some_and(|b| b.id() == c.id())
        {
            continue;
        }
        if !c.is_named() {
            if text(c, src) != ":" {
                words.push(text(c, src).to_owned());
            }
            continue;
        }
        words.push(normalized(c, src));
        let is_target = n.field("left").is_some_and(|l| l.id() == c.id())
            || matches!(kind(c), "case_pattern" | "as_pattern_target");
        if is_target {
            names.extend(target_names(c, src));
        }
        // `with A as B`, `except E as e`: the alias is bound, the value runs.
        let mut inner = c.walk();
        let mut stack = vec![c];
        while let Some(x) = stack.pop() {
            if kind(x) == "as_pattern_target" {
                names.extend(target_names(x, src));
                continue;
            }
            if matches!(
                kind(x),
                "lambda" | "function_definition" | "class_definition"
            ) {
                continue;
            }
            stack.extend(x.named_children(&mut inner));
        }
        names.extend(walrus_targets(c, src));
        if !is_target {
            let (r, anything) = python_import_time_reach(c, src);
            reaches.extend(r);
            all |= anything;
        }
    }
    if names.is_empty() && reaches.is_empty() && !all {
        return;
    }
    out.push(Binding {
        names,
        all,
        text: words.join(" "),
        read: None,
        reaches,
        lookup: None,
    });
}

/// The names a walrus binds in `node` (`(total := f)`, also inside a comprehension, whose
/// walrus binds in the enclosing block), not inside a `lambda` or a nested definition.
/// Calls `f` with the text of every identifier under `n`.
fn visit_identifiers(n: Node<'_>, src: &str, f: &mut dyn FnMut(&str)) {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if kind(x) == "identifier" {
            f(text(x, src));
        }
        stack.extend(named_children(x));
    }
}

fn walrus_targets(node: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let written = text(node, src);
    if !written.contains(":=") {
        return out;
    }
    let mut cursor = node.walk();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "lambda" | "function_definition" | "class_definition" => continue,
            "named_expression" => {
                out.extend(n.field("name").map(|x| text(x, src).to_owned()));
            }
            _ => {}
        }
        stack.extend(n.named_children(&mut cursor));
    }
    out
}

/// Calls that reach a module without naming it, or change what a name holds without
/// binding it: Python's `__import__("billing")`, `importlib.import_module(…)`, `globals()`,
/// `vars()`, `locals()`, `exec(…)`, `eval(…)`, a patcher's `.start()` (`patch("billing.total",
/// f).start()`), and `__dict__` or `sys.modules` handed on.
const PYTHON_REACH_ANYTHING: &[&str] = &[
    "__import__",
    "import_module",
    "globals",
    "vars",
    "locals",
    "exec",
    "eval",
    "start",
    "__dict__",
    "modules",
    "builtins",
    "__builtins__",
    "__self__",
    "__globals__",
    "f_locals",
    "f_globals",
    "_getframe",
    "currentframe",
];

/// Built-in functions that only read what they are handed (`hasattr(socket, "AF_UNIX")`).
const PYTHON_PURE_BUILTINS: &[&str] = &[
    "hasattr",
    "getattr",
    "isinstance",
    "issubclass",
    "callable",
    "len",
    "str",
    "repr",
    "bool",
    "int",
    "float",
    "type",
    "id",
    "hash",
    "abs",
    "min",
    "max",
    "sum",
    "any",
    "all",
    "sorted",
    "tuple",
    "frozenset",
];

/// Methods that change the container they are called on (`CASES.clear()`).
pub(crate) const PYTHON_MUTATORS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "popitem",
    "clear",
    "update",
    "setdefault",
    "add",
    "discard",
    "sort",
    "reverse",
    "__setitem__",
    "__delitem__",
    "__setattr__",
    "__delattr__",
];

/// What a Python statement runs when the module is imported, beyond binding its targets: the
/// names it hands to a call as they are (`setattr(billing, "total", f)` reaches `billing` and
/// `f`) and those it calls a method on that changes them (`CASES.clear()` reaches `CASES`),
/// except inside a `lambda` (whose body runs later); and whether it reaches anything at all
/// ([`PYTHON_REACH_ANYTHING`]). A name only read on the way (`sys.platform == "win32"`,
/// `click.Argument([…])`) is not handed to anything.
fn python_import_time_reach(node: Node<'_>, src: &str) -> (BTreeSet<String>, bool) {
    let mut reaches = BTreeSet::new();
    let mut anything = false;
    let written = text(node, src);
    let may_reach_anything = PYTHON_REACH_ANYTHING.iter().any(|w| written.contains(w));
    if !written.contains('(') && !may_reach_anything {
        return (reaches, anything);
    }
    let mut cursor = node.walk();
    let mut stack = vec![node];
    let bare = |n: Node<'_>| (kind(n) == "identifier").then(|| text(n, src).to_owned());
    while let Some(n) = stack.pop() {
        match kind(n) {
            // A lambda's body runs later; its parameters' defaults run now.
            "lambda" => {
                stack.extend(lambda_defaults(n));
                continue;
            }
            // Nothing inside runs now, or nothing inside is a name (an f-string's
            // interpolations run).
            "integer" | "float" | "comment" => continue,
            "string" if !text(n, src).contains('{') => {
                // A key into a namespace (`…['__builtins__']`) reaches what it holds.
                anything |= may_reach_anything
                    && ["builtins", "__dict__", "__globals__"]
                        .iter()
                        .any(|w| text(n, src).contains(w));
                continue;
            }
            "identifier" if may_reach_anything && PYTHON_REACH_ANYTHING.contains(&text(n, src)) => {
                anything = true;
            }
            // A comprehension hands each element of what it loops over to the calls of
            // its element (`[setattr(m, …) for m in [billing]]`).
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                let mut calls = false;
                if let Some(body) = n.field("body") {
                    let mut inner = vec![body];
                    while let Some(x) = inner.pop() {
                        calls |= kind(x) == "call";
                        if kind(x) != "lambda" {
                            inner.extend(named_children(x));
                        }
                    }
                }
                anything |= calls;
            }
            "call" => {
                let function = n.field("function");
                // A callee reached other than by a name or a dotted name (`[f][0]()`,
                // `(lambda: …)()`, `make().patch()`) runs what nothing here reads.
                let mut callee = function;
                while let Some(f) = callee.filter(|f| kind(*f) == "attribute") {
                    callee = f.field("object");
                }
                if callee.is_none_or(|c| kind(c) != "identifier") {
                    anything = true;
                }
                if let Some(f) = function.filter(|f| kind(*f) == "attribute")
                    && let (Some(object), Some(method)) = (f.field("object"), f.field("attribute"))
                    && PYTHON_MUTATORS.contains(&text(method, src))
                {
                    reaches.extend(bare(object));
                }
                // pytest's `param` and marks only keep what they are handed.
                let pure = function.is_some_and(|f| {
                    let t: String = text(f, src).split_whitespace().collect();
                    (kind(f) == "identifier" && PYTHON_PURE_BUILTINS.contains(&t.as_str()))
                        || t == "pytest.param"
                        || t.starts_with("pytest.mark.")
                });
                if let Some(args) = n.field("arguments").filter(|_| !pure) {
                    for a in named_children(args) {
                        let value = match kind(a) {
                            "keyword_argument" => a.field("value"),
                            "list_splat" | "dictionary_splat" => named_children(a).first().copied(),
                            _ => Some(a),
                        };
                        // A container literal hands its elements (`[billing]`); a reflective
                        // builtin handed on (`map(setattr, …)`) may do anything.
                        let mut handed = value.into_iter().collect::<Vec<_>>();
                        while let Some(v) = handed.pop() {
                            match kind(v) {
                                "list"
                                | "tuple"
                                | "set"
                                | "dictionary"
                                | "pair"
                                | "parenthesized_expression"
                                | "list_splat"
                                | "dictionary_splat"
                                | "expression_list" => {
                                    handed.extend(named_children(v));
                                }
                                _ => {
                                    if let Some(name) = bare(v) {
                                        anything |= matches!(
                                            name.as_str(),
                                            "setattr" | "delattr" | "exec" | "eval" | "__import__"
                                        );
                                        reaches.insert(name);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    (reaches, anything)
}

/// The body of a class (`class_definition`; nothing for anything else) runs when the module
/// is imported: a statement of it that is not a definition, an assignment or a docstring
/// (`setattr(billing, "total", f)` in `class Helper:`) runs before every test of the file, as
/// module-level code does; an assignment there that hands a name to a call reaches it (see
/// [`python_import_time_reach`]). Each is a binding `runs at import: TEXT` that binds no
/// name. Nested classes and compound statements are read the same way.
fn python_class_body(class: Node<'_>, src: &str, out: &mut Vec<Binding>) {
    if kind(class) != "class_definition" {
        return;
    }
    if let Some(body) = class.field("body") {
        python_class_block(body, src, out);
    }
}

fn python_class_block(block: Node<'_>, src: &str, out: &mut Vec<Binding>) {
    let own = python_own_objects(block, src);
    for n in named_children(block) {
        match kind(n) {
            "expression_statement" => {
                for c in named_children(n) {
                    let runs = |all: bool, reaches: BTreeSet<String>| Binding {
                        names: BTreeSet::new(),
                        all,
                        text: format!("runs at import: {}", normalized(c, src)),
                        read: None,
                        reaches,
                        lookup: None,
                    };
                    if matches!(kind(c), "assignment" | "augmented_assignment") {
                        let (reaches, anything) = python_import_time_reach(c, src);
                        // An annotation is evaluated with the class body (before Python
                        // 3.14): one that is not a type expression may call, or bind a class
                        // attribute with a walrus.
                        let annotation_runs = c
                            .field("type")
                            .is_some_and(|t| !super::analysis::annotation_inert(t, src));
                        // One that only looks up a module's attribute (`x: httpx.Request =
                        // None`) runs code only through that module (`Binding::lookup`).
                        let lookup = (annotation_runs && !anything && reaches.is_empty())
                            .then(|| {
                                c.field("type")
                                    .and_then(|t| super::analysis::python_module_attribute(t, src))
                            })
                            .flatten();
                        if anything || !reaches.is_empty() || annotation_runs {
                            out.push(Binding {
                                lookup,
                                ..runs(anything || annotation_runs, reaches)
                            });
                        }
                    } else if !(plain_string(c) || matches!(kind(c), "ellipsis" | "comment")) {
                        let (reaches, all) = python_statement_reach(c, &own, src);
                        out.push(runs(all, reaches));
                    }
                }
            }
            "class_definition" | "function_definition" => {
                python_definition_runs(n, None, src, out);
                python_class_body(n, src, out);
            }
            "decorated_definition" => {
                if let Some(def) = n.field("definition") {
                    python_definition_runs(def, Some(n), src, out);
                    python_class_body(def, src, out);
                }
            }
            "if_statement" | "try_statement" | "with_statement" | "for_statement"
            | "while_statement" | "block" | "else_clause" | "elif_clause" | "except_clause"
            | "finally_clause" => python_class_block(n, src, out),
            _ => {}
        }
    }
}

/// The names a block (a module, a class body) binds, by an assignment directly in it, to an
/// object it makes there: a call's result, a literal, a comprehension (`ALLOWED = {…}`,
/// `ctx = ContextVar("ctx")`), not another name or an attribute (`alias = billing`).
fn python_own_objects(block: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut own = BTreeSet::new();
    for n in named_children(block) {
        if kind(n) != "expression_statement" {
            continue;
        }
        for a in named_children(n) {
            if kind(a) != "assignment" {
                continue;
            }
            let (Some(left), Some(right)) = (a.field("left"), a.field("right")) else {
                continue;
            };
            if kind(left) == "identifier"
                && !matches!(
                    kind(right),
                    "identifier" | "attribute" | "subscript" | "assignment"
                )
            {
                own.insert(text(left, src).to_owned());
            }
        }
    }
    own
}

/// What a statement run when its block runs (module-level code, a class body's) reaches: a
/// method call on an object the block made itself (`ALLOWED.update(x)`, see
/// [`python_own_objects`]) reaches that name and what it hands on
/// ([`python_import_time_reach`]); anything else may reach anything (`true`).
fn python_statement_reach(
    statement: Node<'_>,
    own: &BTreeSet<String>,
    src: &str,
) -> (BTreeSet<String>, bool) {
    let receiver = (kind(statement) == "call")
        .then(|| statement.field("function"))
        .flatten()
        .filter(|f| kind(*f) == "attribute")
        .and_then(|f| f.field("object"))
        .filter(|o| kind(*o) == "identifier" && own.contains(text(*o, src)));
    let Some(receiver) = receiver else {
        return (BTreeSet::new(), true);
    };
    let (mut reaches, anything) = python_import_time_reach(statement, src);
    reaches.insert(text(receiver, src).to_owned());
    (reaches, anything)
}

/// What a definition (`def` or `class`, `decorated` around it when it has decorators) runs
/// when the module is imported: its decorators, its parameters' defaults and annotations, its
/// return annotation, its bases. Each part whose calls reach a name (see
/// [`python_import_time_reach`]) is a binding `runs at import: TEXT` that binds no name
/// (`@pytest.mark.parametrize("x", [setattr(billing, "total", f)])` on another test). What a
/// decorator is handed directly is not counted (`@pytest.mark.parametrize("x", CASES)` reads
/// `CASES`); what it is handed through a call is.
fn python_definition_runs(
    def: Node<'_>,
    decorated: Option<Node<'_>>,
    src: &str,
    out: &mut Vec<Binding>,
) {
    let mut parts: Vec<Node<'_>> = Vec::new();
    // Annotations evaluated with the definition that may run the repository's code.
    let mut annotations: BTreeSet<usize> = BTreeSet::new();
    for d in decorated.map(named_children).unwrap_or_default() {
        if kind(d) != "decorator" {
            continue;
        }
        let Some(e) = named_children(d)
            .into_iter()
            .find(|c| !super::analysis::is_comment(*c))
        else {
            continue;
        };
        match (kind(e), e.field("function"), e.field("arguments")) {
            ("call", Some(function), Some(arguments)) => {
                parts.push(function);
                parts.extend(named_children(arguments));
            }
            _ => parts.push(e),
        }
    }
    // A parameter's default value and annotation (the parentheses around them run nothing).
    for p in def
        .field("parameters")
        .map(named_children)
        .unwrap_or_default()
    {
        parts.extend(p.field("value"));
        parts.extend(p.field("type"));
    }
    for field in ["return_type", "superclasses"] {
        parts.extend(def.field(field));
    }
    for p in &parts {
        if kind(*p) == "type" && !super::analysis::annotation_inert(*p, src) {
            annotations.insert(p.id());
        }
    }
    // A class's keyword arguments (`metaclass=M`, those `__init_subclass__` takes) hand it to
    // code that runs as it is made.
    let keywords = def.field("superclasses").is_some_and(|s| {
        named_children(s)
            .iter()
            .any(|a| kind(*a) == "keyword_argument")
    });
    // A decorator that is a method of a function of the same block (`@check.register` under
    // `def check` made a `singledispatch`): it keeps the definition for when that function
    // runs, so the definition as written is locked with what reaches the function.
    if let Some(d) = decorated {
        let block: Vec<String> = d
            .parent()
            .map(named_children)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| {
                let f = super::analysis::undecorated(s)?;
                (kind(f) == "function_definition")
                    .then(|| f.field("name").map(|n| text(n, src).to_owned()))
                    .flatten()
            })
            .collect();
        for dec in named_children(d)
            .into_iter()
            .filter(|x| kind(*x) == "decorator")
        {
            let Some(e) = named_children(dec)
                .into_iter()
                .find(|c| !super::analysis::is_comment(*c))
            else {
                continue;
            };
            let e = if kind(e) == "call" {
                e.field("function").unwrap_or(e)
            } else {
                e
            };
            let Some(object) = e.field("object").filter(|_| kind(e) == "attribute") else {
                continue;
            };
            let owner = text(object, src);
            // Or any name by the method's name (`@dispatch.register`, a dispatcher bound
            // by an assignment or imported).
            let registers = e
                .field("attribute")
                .is_some_and(|a| text(a, src).contains("register"));
            if kind(object) == "identifier" && (registers || block.iter().any(|b| b == owner)) {
                out.push(Binding {
                    names: BTreeSet::new(),
                    all: false,
                    text: format!("registered with {owner}: {}", normalized(d, src)),
                    read: None,
                    reaches: BTreeSet::from([owner.to_owned(), format!(".{owner}")]),
                    lookup: None,
                });
            }
        }
    }
    for p in parts {
        let (reaches, mut anything) = python_import_time_reach(p, src);
        anything |= keywords && Some(p.id()) == def.field("superclasses").map(|s| s.id());
        // An annotation that only looks up an attribute of a module (`r: httpx.Request`)
        // runs code only through that module (see `Binding::lookup`).
        let lookup = (annotations.contains(&p.id()) && !anything && reaches.is_empty())
            .then(|| super::analysis::python_module_attribute(p, src))
            .flatten();
        anything |= annotations.contains(&p.id());
        if anything || !reaches.is_empty() {
            out.push(Binding {
                names: BTreeSet::new(),
                all: anything,
                text: format!("runs at import: {}", normalized(p, src)),
                read: None,
                reaches,
                lookup,
            });
        }
    }
}

/// How a test's envelope line starts when it holds a function its module calls while it is
/// imported (`at import: helper deco: def deco(f): …`, `at import: defined patch_all (in
/// tests/util.py): …`): see [`python_import_time_calls`].
pub(crate) const AT_IMPORT: &str = "at import: ";

/// [`AT_IMPORT`] for a function that changes nothing beyond its own locals when called (see
/// [`python_module_effects`]; a test does not name it): recorded so that a change to its
/// file reaches the test, and accepted whatever it says, as long as it still changes nothing.
pub(crate) const AT_IMPORT_PURE: &str = "at import, changes nothing: ";

/// How a test's envelope line starts when it holds a module-level binding of a name only the
/// helpers of its file it calls read (see [`uses_through_helpers`]).
pub(crate) const VIA_HELPER: &str = "via a helper: ";

/// The functions a Python module calls while it is imported, by the name it calls them
/// (`setup_everything`, `util.patch_all`): in its module-level code and class bodies, the
/// headers of their compound statements, the decorators it applies (`@deco`, `@trivial(CASES)`
/// calls `deco` and `trivial`), the defaults, annotations and bases of its definitions, and
/// the defaults of its lambdas, but not the bodies of its functions and lambdas (they run
/// later) nor an `if __name__ == "__main__":` block. What such a function does runs before
/// every test of the file, so a test is locked with it (see `lang::scan`): `def deco(f):
/// return f` rewritten to patch the code under test, or a new `_ = patch_all()`, changes what
/// every test of the file runs against.
pub(crate) fn python_import_time_calls(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let callee = |f: Node<'_>| -> Option<String> {
        match kind(f) {
            "identifier" => Some(text(f, src).to_owned()),
            "attribute" => {
                let object = f.field("object")?;
                let attribute = f.field("attribute")?;
                (kind(object) == "identifier")
                    .then(|| format!("{}.{}", text(object, src), text(attribute, src)))
            }
            _ => None,
        }
    };
    let mut cursor = root.walk();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "function_definition" => {
                for p in n
                    .field("parameters")
                    .map(named_children)
                    .unwrap_or_default()
                {
                    stack.extend(p.field("value"));
                    stack.extend(p.field("type"));
                }
                stack.extend(n.field("return_type"));
                continue;
            }
            "lambda" => {
                stack.extend(lambda_defaults(n));
                continue;
            }
            "if_statement"
                if n.parent().is_some_and(|p| kind(p) == "module")
                    && n.field("condition")
                        .is_some_and(|c| is_main_guard(&normalized(c, src))) =>
            {
                continue;
            }
            "decorator" => {
                if let Some(e) = named_children(n)
                    .into_iter()
                    .find(|c| !super::analysis::is_comment(*c))
                {
                    out.extend(callee(e));
                }
            }
            "call" => {
                if let Some(f) = n.field("function") {
                    out.extend(callee(f));
                }
            }
            "integer" | "float" | "comment" => continue,
            "string" if !text(n, src).contains('{') => continue,
            _ => {}
        }
        stack.extend(n.named_children(&mut cursor));
    }
    out
}

/// The functions a JavaScript module calls by name while it is imported (`patch()`,
/// `setup(cases)`, `new Patcher()`), outside the bodies of its functions and callbacks (a
/// test's callback runs later): each test of the file is locked with those of the file, as
/// with [`python_import_time_calls`].
pub(crate) fn js_import_time_calls(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut cursor = root.walk();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "function_declaration"
            | "generator_function_declaration"
            | "arrow_function"
            | "function_expression"
            | "function"
            | "generator_function"
            | "class_declaration"
            | "class"
            | "comment"
            | "string"
            | "number"
            | "method_definition" => continue,
            "call_expression" | "new_expression" => {
                let callee = n.field("function").or_else(|| n.field("constructor"));
                if let Some(c) = callee.filter(|c| kind(*c) == "identifier") {
                    out.insert(text(c, src).to_owned());
                }
            }
            _ => {}
        }
        stack.extend(n.named_children(&mut cursor));
    }
    out
}

/// What calling a Python function may change beyond its own locals (see
/// [`python_module_effects`]): the module-level names it reaches (`billing` of
/// `billing.total = f`, `CASES` of `CASES.clear()`), or anything at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    pub reaches: BTreeSet<String>,
    pub all: bool,
}

impl Effects {
    /// Whether the call may change what any test reads: it changes something beyond its
    /// locals. (Which test sees that is not judged by name: `billing.total = f` reaches a
    /// test that reads `total` imported from `billing` before the call, or `billing` under
    /// another alias.)
    pub fn any(&self) -> bool {
        self.all || !self.reaches.is_empty()
    }
}

/// What calling each function at the top of a Python module that `wanted` names, or that
/// those call in turn, may change beyond its locals, by name. A function run while the module is imported (a decorator, `_ = setup()`) runs
/// before every test of the file, but only what it changes can reach a test: a decorator
/// that wraps the class it is handed in a subclass and returns it (`abstract_base_test`)
/// changes nothing another test reads, while one that sets `billing.total` may reach every
/// test of the file.
///
/// Read from its body (not its nested functions' bodies, which run later; its classes'
/// bodies, which run now): an assignment to a name it declares `global` or to a member or
/// item of a name that is not its own (`billing.total = f`, `CASES[:] = []`) reaches that
/// name, and so does `del` of one; a name handed to a call as it is, or a mutating method's
/// object, reaches that name unless it is a local (see [`python_import_time_reach`]); a
/// call standing as a statement of anything but a local's method, a read-only built-in or
/// another function of the module may change anything, as may a call of a nested function
/// or of an alias (`b = billing`), whose effects are not followed. A function of the module
/// it calls adds what that one changes. Parameters are its own: what a caller hands it is
/// the caller's reach.
pub(crate) fn python_module_effects(
    root: Node<'_>,
    src: &str,
    wanted: &BTreeSet<String>,
) -> BTreeMap<String, Effects> {
    let mut defs: BTreeMap<&str, Node<'_>> = BTreeMap::new();
    for n in named_children(root) {
        let def = super::analysis::undecorated(n);
        let Some(def) = def.filter(|d| kind(*d) == "function_definition") else {
            continue;
        };
        if let Some(name) = field_text(def, "name", src) {
            defs.insert(name, def);
        }
    }
    // Read only the functions `wanted` names and those they call in turn.
    let mut direct: BTreeMap<String, (Effects, BTreeSet<String>)> = BTreeMap::new();
    let mut queue: Vec<String> = wanted.iter().cloned().collect();
    while let Some(name) = queue.pop() {
        if direct.contains_key(&name) {
            continue;
        }
        let Some(def) = defs.get(name.as_str()) else {
            continue;
        };
        let (effects, calls) = python_function_effects(*def, src);
        queue.extend(
            calls
                .iter()
                .map(|c| c.strip_prefix(STATEMENT_CALL).unwrap_or(c).to_owned()),
        );
        direct.insert(name, (effects, calls));
    }
    let defined = |n: &str| defs.contains_key(n);
    let mut out = BTreeMap::new();
    for name in direct.keys() {
        let mut effects = Effects::default();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut queue = vec![name.as_str()];
        while let Some(f) = queue.pop() {
            if !seen.insert(f) {
                continue;
            }
            if let Some((e, calls)) = direct.get(f) {
                effects.all |= e.all;
                effects.reaches.extend(e.reaches.iter().cloned());
                for c in calls {
                    match c.strip_prefix(STATEMENT_CALL) {
                        // Called as a statement: a name that is not a function of the module
                        // may change anything.
                        Some(callee) if !defined(callee) => effects.all = true,
                        Some(callee) => queue.push(callee),
                        None if defined(c) => queue.push(c),
                        // A function imported from elsewhere (a module of the tests') may
                        // change anything too; a built-in only what it is handed.
                        None => effects.all |= !python_builtin(c),
                    }
                }
            }
        }
        out.insert(name.clone(), effects);
    }
    out
}

/// What importing a Python module runs that may change anything beyond the module's own
/// names (see [`python_module_effects`]; an import or an assignment to another name is an
/// alias, so `billing.total = f` under `import billing` may change anything), and the text it
/// is locked as: its top-level code other than plain function definitions and its docstring,
/// and the functions of the module that code calls. An `if __name__ == "__main__":` block
/// does not run on import.
pub(crate) fn python_module_level_effects(root: Node<'_>, src: &str) -> (Effects, String) {
    python_module_level_effects_with(root, src, true)
}

/// [`python_module_level_effects`]; without `definitions`, its decorated definitions and
/// classes are left out of the text (a `conftest.py`'s fixtures and hooks are followed
/// apart, each with the tests that get it).
pub(crate) fn python_module_level_effects_with(
    root: Node<'_>,
    src: &str,
    definitions: bool,
) -> (Effects, String) {
    let mut locals = BTreeSet::new();
    let mut aliases = BTreeSet::new();
    let mut globals = BTreeSet::new();
    python_collect_locals(root, src, &mut locals, &mut aliases, &mut globals);
    let params = BTreeSet::new();
    let resolvable: BTreeSet<String> = named_children(root)
        .into_iter()
        .filter_map(|n| {
            let def = super::analysis::undecorated(n)?;
            (kind(def) == "function_definition")
                .then(|| field_text(def, "name", src).map(str::to_owned))
                .flatten()
        })
        .collect();
    let mut fx = FunctionFx::new(src, &resolvable, &params, &locals, &aliases, &globals);
    let doc = docstring(root);
    let runs = |n: Node<'_>| {
        !(kind(n) == "if_statement"
            && n.field("condition")
                .is_some_and(|c| is_main_guard(&normalized(c, src))))
            && kind(n) != "comment"
            && Some(n.id()) != doc.map(|d| d.id())
    };
    let top: Vec<Node<'_>> = named_children(root)
        .into_iter()
        .filter(|n| runs(*n))
        .collect();
    let mut parts: Vec<String> = top
        .iter()
        .filter(|n| {
            kind(**n) != "function_definition"
                && (definitions
                    || !matches!(kind(**n), "decorated_definition" | "class_definition"))
        })
        .map(|n| normalized(*n, src))
        .collect();
    let statements: Vec<Node<'_>> = top
        .iter()
        .copied()
        .filter(|n| !matches!(kind(*n), "import_statement" | "import_from_statement"))
        .collect();
    fx.block_of(&statements);
    let mut effects = fx.effects;
    // What runs at import in ways the names do not show may change anything.
    for (n, reason) in super::import_hazards::python_import_hazards(root, src) {
        effects.all = true;
        parts.push(format!("runs at import ({reason}): {}", normalized(n, src)));
    }
    let called: BTreeSet<String> = fx
        .calls
        .iter()
        .map(|c| c.strip_prefix(STATEMENT_CALL).unwrap_or(c).to_owned())
        .collect();
    let module = python_module_effects(root, src, &called);
    for c in &fx.calls {
        let (callee, statement) = match c.strip_prefix(STATEMENT_CALL) {
            Some(callee) => (callee, true),
            None => (c.as_str(), false),
        };
        match module.get(callee) {
            Some(e) => {
                effects.all |= e.all;
                effects.reaches.extend(e.reaches.iter().cloned());
            }
            None => effects.all |= statement || !python_builtin(callee),
        }
    }
    // The functions it runs, as written.
    for n in &top {
        if kind(*n) == "function_definition"
            && field_text(*n, "name", src).is_some_and(|name| module.contains_key(name))
        {
            parts.push(normalized(*n, src));
        }
    }
    (effects, parts.join("\n"))
}

/// [`python_module_effects`] of one function: its own effects, and the plain names it calls
/// (a function of the module among them adds its own).
fn python_function_effects(def: Node<'_>, src: &str) -> (Effects, BTreeSet<String>) {
    python_function_effects_owning(def, src, false)
}

/// [`python_function_effects`], its first parameter its own when `owns_first`.
fn python_function_effects_owning(
    def: Node<'_>,
    src: &str,
    owns_first: bool,
) -> (Effects, BTreeSet<String>) {
    let parameters = python_parameters(def, src);
    let first: Option<String> = parameters.first().cloned();
    let mut locals: BTreeSet<String> = parameters.into_iter().collect();
    let mut aliases: BTreeSet<String> = BTreeSet::new();
    let mut globals: BTreeSet<String> = BTreeSet::new();
    let Some(body) = def.field("body") else {
        return (Effects::default(), BTreeSet::new());
    };
    python_collect_locals(body, src, &mut locals, &mut aliases, &mut globals);
    for g in &globals {
        locals.remove(g);
    }
    let mut params = locals.clone();
    if owns_first && let Some(f) = &first {
        params.remove(f);
    }
    let resolvable = BTreeSet::new();
    let mut fx = FunctionFx::new(src, &resolvable, &params, &locals, &aliases, &globals);
    fx.block(body);
    (fx.effects, fx.calls)
}

/// The names of a Python function's parameters, in order (`*args` and `**kwargs` by their
/// names).
pub(crate) fn python_parameters(def: Node<'_>, src: &str) -> Vec<String> {
    def.field("parameters")
        .map(named_children)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| match kind(p) {
            "identifier" => Some(p),
            "default_parameter" | "typed_default_parameter" => p.field("name"),
            "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                named_children(p)
                    .into_iter()
                    .find(|c| kind(*c) == "identifier")
            }
            _ => None,
        })
        .map(|n| text(n, src).to_owned())
        .collect()
}

/// The names a function body binds (its locals), those bound to another name or a member (an
/// alias, whose mutation reaches what it names), and those it declares `global` or
/// `nonlocal`; not inside nested functions or classes.
fn python_collect_locals(
    block: Node<'_>,
    src: &str,
    locals: &mut BTreeSet<String>,
    aliases: &mut BTreeSet<String>,
    globals: &mut BTreeSet<String>,
) {
    let mut cursor = block.walk();
    let mut stack = vec![block];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "function_definition" | "class_definition" => {
                locals.extend(field_text(n, "name", src).map(str::to_owned));
                continue;
            }
            "lambda" => continue,
            "global_statement" | "nonlocal_statement" => {
                for c in named_children(n) {
                    globals.insert(text(c, src).to_owned());
                }
                continue;
            }
            "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                if let Some(left) = n.field("left") {
                    let plain = kind(left) == "identifier";
                    let aliased = n.field("right").is_none_or(|r| {
                        !matches!(
                            kind(r),
                            "call"
                                | "list"
                                | "dictionary"
                                | "set"
                                | "tuple"
                                | "string"
                                | "integer"
                                | "float"
                                | "true"
                                | "false"
                                | "none"
                                | "list_comprehension"
                                | "dictionary_comprehension"
                                | "set_comprehension"
                                | "binary_operator"
                                | "concatenated_string"
                        )
                    });
                    for t in python_bound_identifiers(left, src) {
                        if !plain || aliased || kind(n) != "assignment" {
                            aliases.insert(t.clone());
                        }
                        locals.insert(t);
                    }
                }
            }
            "as_pattern_target" | "named_expression" => {
                let target = if kind(n) == "named_expression" {
                    n.field("name")
                } else {
                    Some(n)
                };
                for t in target
                    .map(|t| python_bound_identifiers(t, src))
                    .unwrap_or_default()
                {
                    aliases.insert(t.clone());
                    locals.insert(t);
                }
            }
            "import_statement" | "import_from_statement" => {
                for c in named_children(n) {
                    let bound = match kind(c) {
                        "aliased_import" => c.field("alias"),
                        "dotted_name" => named_children(c).into_iter().next(),
                        _ => None,
                    };
                    if Some(c.id()) == n.field("module_name").map(|m| m.id()) {
                        continue;
                    }
                    if let Some(b) = bound {
                        aliases.insert(text(b, src).to_owned());
                        locals.insert(text(b, src).to_owned());
                    }
                }
            }
            _ => {}
        }
        stack.extend(n.named_children(&mut cursor));
    }
}

/// The plain names an assignment target binds (`a`, `a, b`, `[a, *b]`), not the objects of its
/// members or items (`x.y`, `x[0]` bind nothing).
fn python_bound_identifiers(target: Node<'_>, src: &str) -> Vec<String> {
    match kind(target) {
        "identifier" => vec![text(target, src).to_owned()],
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "tuple"
        | "list"
        | "list_splat_pattern"
        | "parenthesized_expression" => named_children(target)
            .into_iter()
            .flat_map(|c| python_bound_identifiers(c, src))
            .collect(),
        _ => Vec::new(),
    }
}

struct FunctionFx<'a> {
    src: &'a str,
    /// The functions of the module it may call by name, whose effects are added afterwards
    /// (at a module's top level, its own definitions are such, not nested functions).
    resolvable: &'a BTreeSet<String>,
    /// Its parameters: what a caller hands it (`@trivial(CASES)` hands `CASES`), which it
    /// may change for the caller.
    params: &'a BTreeSet<String>,
    locals: &'a BTreeSet<String>,
    aliases: &'a BTreeSet<String>,
    globals: &'a BTreeSet<String>,
    effects: Effects,
    calls: BTreeSet<String>,
}

impl<'a> FunctionFx<'a> {
    fn new(
        src: &'a str,
        resolvable: &'a BTreeSet<String>,
        params: &'a BTreeSet<String>,
        locals: &'a BTreeSet<String>,
        aliases: &'a BTreeSet<String>,
        globals: &'a BTreeSet<String>,
    ) -> Self {
        FunctionFx {
            src,
            resolvable,
            params,
            locals,
            aliases,
            globals,
            effects: Effects::default(),
            calls: BTreeSet::new(),
        }
    }

    /// A name the function changes or hands on: its own locals (not aliases) are its own; a
    /// parameter is what its caller handed it, which may be anything.
    fn reach(&mut self, name: &str) {
        if self.aliases.contains(name) || self.params.contains(name) {
            self.effects.all = true;
        } else if !self.locals.contains(name) || self.globals.contains(name) {
            self.effects.reaches.insert(name.to_owned());
        }
    }

    /// What evaluating `n` runs: names handed to calls, mutating methods' objects, and the
    /// plain names it calls (a function of the module adds its effects).
    fn expression(&mut self, n: Node<'_>) {
        // `@functools.wraps(f)` only reads `f`.
        let written = normalized(n, self.src);
        let written = written.trim_start_matches('@');
        if written.starts_with("functools.wraps(") || written.starts_with("wraps(") {
            return;
        }
        let (reaches, anything) = python_import_time_reach(n, self.src);
        self.effects.all |= anything;
        for r in reaches {
            self.reach(&r);
        }
        let mut cursor = n.walk();
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            match kind(x) {
                "lambda" => continue,
                "call" => {
                    if let Some(f) = x.field("function").filter(|f| kind(*f) == "identifier") {
                        let name = text(f, self.src);
                        if self.locals.contains(name) && !self.resolvable.contains(name) {
                            // A nested function or an alias: not followed.
                            if self.aliases.contains(name) || !self.globals.contains(name) {
                                self.local_call(name);
                            }
                        } else {
                            self.calls.insert(name.to_owned());
                        }
                    }
                }
                _ => {}
            }
            stack.extend(x.named_children(&mut cursor));
        }
    }

    /// Calling a local: a class or value it made is its own; a nested function's body is not
    /// followed.
    fn local_call(&mut self, _name: &str) {
        self.effects.all = true;
    }

    /// The root name of a member or item target (`billing` of `billing.total`, `CASES` of
    /// `CASES[0]`).
    fn target(&mut self, t: Node<'_>) {
        match kind(t) {
            "identifier" => {
                let name = text(t, self.src);
                if self.globals.contains(name) {
                    self.effects.reaches.insert(name.to_owned());
                }
            }
            "attribute" | "subscript" => {
                let mut root = t;
                while let Some(o) = root.field("object").or_else(|| root.field("value")) {
                    root = o;
                }
                if kind(root) == "identifier" {
                    let name = text(root, self.src).to_owned();
                    self.reach(&name);
                } else {
                    self.effects.all = true;
                }
                // What the subscript and the object evaluate runs too.
                self.expression(t);
            }
            _ => {
                for c in named_children(t) {
                    self.target(c);
                }
            }
        }
    }

    fn block(&mut self, block: Node<'_>) {
        self.block_of(&named_children(block));
    }

    fn block_of(&mut self, statements: &[Node<'_>]) {
        for &n in statements {
            match kind(n) {
                "expression_statement" => {
                    for c in named_children(n) {
                        self.statement_expression(c);
                    }
                }
                "function_definition" | "decorated_definition" | "class_definition" => {
                    let def = super::analysis::undecorated(n);
                    for d in named_children(n) {
                        if kind(d) == "decorator" {
                            self.expression(d);
                        }
                    }
                    let Some(def) = def else { continue };
                    for p in def
                        .field("parameters")
                        .map(named_children)
                        .unwrap_or_default()
                    {
                        if let Some(v) = p.field("value") {
                            self.expression(v);
                        }
                    }
                    if let Some(bases) = def.field("superclasses") {
                        if named_children(bases)
                            .iter()
                            .any(|a| kind(*a) == "keyword_argument")
                        {
                            self.effects.all = true;
                        }
                        self.expression(bases);
                    }
                    if kind(def) == "class_definition"
                        && let Some(body) = def.field("body")
                    {
                        self.block(body);
                    }
                }
                "return_statement" | "raise_statement" | "assert_statement" => {
                    for c in named_children(n) {
                        self.expression(c);
                    }
                }
                "delete_statement" => {
                    for c in named_children(n) {
                        self.target(c);
                    }
                }
                "pass_statement"
                | "break_statement"
                | "continue_statement"
                | "global_statement"
                | "nonlocal_statement"
                | "comment"
                | "import_statement"
                | "import_from_statement" => {}
                "if_statement"
                | "for_statement"
                | "while_statement"
                | "with_statement"
                | "try_statement"
                | "match_statement"
                | "elif_clause"
                | "else_clause"
                | "except_clause"
                | "finally_clause"
                | "case_clause"
                | "with_clause"
                | "with_item"
                | "block"
                | "except_group_clause" => {
                    for c in named_children(n) {
                        if matches!(
                            kind(c),
                            "block"
                                | "elif_clause"
                                | "else_clause"
                                | "except_clause"
                                | "finally_clause"
                                | "case_clause"
                                | "with_clause"
                                | "with_item"
                                | "except_group_clause"
                        ) {
                            self.block(c);
                        } else if n.field("left").is_some_and(|l| l.id() == c.id()) {
                            self.target(c);
                        } else {
                            self.expression(c);
                        }
                    }
                }
                _ => self.expression(n),
            }
        }
    }

    fn statement_expression(&mut self, c: Node<'_>) {
        match kind(c) {
            "assignment" | "augmented_assignment" => {
                if let Some(left) = c.field("left") {
                    self.target(left);
                }
                if let Some(right) = c.field("right") {
                    self.expression(right);
                }
            }
            "ellipsis" | "comment" => {}
            "string" | "concatenated_string" if plain_string(c) => {}
            _ => {
                let e = unwrapped(c, &["await", "parenthesized_expression"]);
                let function = (kind(e) == "call").then(|| e.field("function")).flatten();
                let known = function.is_some_and(|f| match kind(f) {
                    // A function of the module (its effects are added), or a read-only
                    // built-in.
                    "identifier" => {
                        let name = text(f, self.src);
                        PYTHON_PURE_BUILTINS.contains(&name)
                            || !self.locals.contains(name)
                            || self.resolvable.contains(name)
                    }
                    // A method of a local that is not an alias.
                    "attribute" => f.field("object").is_some_and(|o| {
                        kind(o) == "identifier"
                            && self.locals.contains(text(o, self.src))
                            && !self.aliases.contains(text(o, self.src))
                    }),
                    _ => false,
                });
                if !known {
                    self.effects.all = true;
                }
                if let Some(f) = function.filter(|f| kind(*f) == "identifier") {
                    let name = text(f, self.src);
                    if (!self.locals.contains(name) || self.resolvable.contains(name))
                        && !PYTHON_PURE_BUILTINS.contains(&name)
                    {
                        // Resolved by `python_module_effects`: not a function of the
                        // module, it may change anything.
                        self.calls.insert(format!("{STATEMENT_CALL}{name}"));
                    }
                }
                self.expression(c);
            }
        }
    }
}

/// A Python built-in function or class, or a built-in exception (`ValueError(…)`): what a call
/// of one does is what it is handed (see [`python_import_time_reach`]).
fn python_builtin(name: &str) -> bool {
    const BUILTINS: &[&str] = &[
        "abs",
        "aiter",
        "all",
        "anext",
        "any",
        "ascii",
        "bin",
        "bool",
        "bytearray",
        "bytes",
        "callable",
        "chr",
        "classmethod",
        "complex",
        "delattr",
        "dict",
        "dir",
        "divmod",
        "enumerate",
        "filter",
        "float",
        "format",
        "frozenset",
        "getattr",
        "hasattr",
        "hash",
        "hex",
        "id",
        "int",
        "isinstance",
        "issubclass",
        "iter",
        "len",
        "list",
        "map",
        "max",
        "memoryview",
        "min",
        "next",
        "object",
        "oct",
        "ord",
        "pow",
        "print",
        "property",
        "range",
        "repr",
        "reversed",
        "round",
        "set",
        "setattr",
        "slice",
        "sorted",
        "staticmethod",
        "str",
        "sum",
        "super",
        "tuple",
        "type",
        "zip",
    ];
    BUILTINS.contains(&name)
        || (["Error", "Exception", "Warning"]
            .iter()
            .any(|s| name.ends_with(s))
            && name.chars().next().is_some_and(char::is_uppercase))
}

/// How [`python_function_effects`] marks a name called as a statement: resolved to a function
/// of the module, or anything.
const STATEMENT_CALL: &str = "statement:";

/// The classes at the top of a Python module that run code of theirs while it is imported,
/// each as `class NAME: TEXT` (the whole class, normalised) with whether that code may change
/// anything beyond the object it makes (see [`python_module_effects`]; its first parameter,
/// `self` or `cls`, is that object): one it calls whose construction (`__init__`, `__new__`,
/// `__post_init__`, `__set_name__` when made in a class body, its own or a base's of the file) is the file's (`_ = Patcher()`; `Odd()`
/// of a class with no such method runs nothing of the file's, and `__eq__` runs only when
/// compared), and one that defines `__init_subclass__` (a subclass of it, a test's class
/// among them, runs that when it is made).
pub(crate) fn python_classes_run_at_import<'t>(
    root: Node<'t>,
    src: &str,
    calls: &BTreeSet<String>,
    module: &BTreeMap<String, Effects>,
) -> Vec<(String, bool)> {
    const CONSTRUCTION: &[&str] = &["__init__", "__new__", "__post_init__", "__set_name__"];
    let classes = top_classes(root, src);
    let methods = |class: Node<'t>| -> Vec<(String, Node<'t>)> {
        class
            .field("body")
            .map(named_children)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|m| {
                let m = super::analysis::undecorated(m)?;
                (kind(m) == "function_definition")
                    .then(|| field_text(m, "name", src).map(|n| (n.to_owned(), m)))
                    .flatten()
            })
            .collect()
    };
    // The methods named `wanted` of a class and of its bases of the file, transitively.
    let run = |class: Node<'t>, wanted: &[&str]| -> Vec<Node<'t>> {
        let mut out = Vec::new();
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        let mut queue = vec![class];
        while let Some(c) = queue.pop() {
            if !seen.insert(c.id()) {
                continue;
            }
            out.extend(
                methods(c)
                    .into_iter()
                    .filter(|(n, _)| wanted.contains(&n.as_str()))
                    .map(|(_, m)| m),
            );
            for b in base_names(c, src) {
                queue.extend(classes.iter().filter(|(n, _)| *n == b).map(|(_, c)| *c));
            }
        }
        out
    };
    let changes = |ms: &[Node<'t>]| {
        ms.iter().any(|m| {
            let (effects, called) = python_method_effects(*m, src);
            effects.any()
                || called.iter().any(|c| match c.strip_prefix(STATEMENT_CALL) {
                    Some(callee) => module.get(callee).is_none_or(Effects::any),
                    None => module.get(c).map_or(!python_builtin(c), Effects::any),
                })
        })
    };
    let mut out = Vec::new();
    for (name, class) in &classes {
        let mut ms = Vec::new();
        if calls.contains(*name) {
            ms.extend(run(*class, CONSTRUCTION));
        }
        ms.extend(run(*class, &["__init_subclass__"]));
        if !ms.is_empty() {
            out.push((
                format!("class {name}: {}", normalized(*class, src)),
                changes(&ms),
            ));
        }
    }
    out
}

/// [`python_function_effects`] of a method, whose first parameter (`self`, `cls`) is the
/// object it makes or works on, its own.
fn python_method_effects(def: Node<'_>, src: &str) -> (Effects, BTreeSet<String>) {
    python_function_effects_owning(def, src, true)
}

/// The default values of a Python `lambda`'s parameters (they run where it is written).
fn lambda_defaults(lambda: Node<'_>) -> Vec<Node<'_>> {
    lambda
        .field("parameters")
        .map(named_children)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.field("value"))
        .collect()
}

/// `e` without the wrappers of the kinds `wrappers` around it (`await (f())` → `f()`).
fn unwrapped<'t>(e: Node<'t>, wrappers: &[&str]) -> Node<'t> {
    let mut e = e;
    while wrappers.contains(&kind(e)) {
        match named_children(e).into_iter().next() {
            Some(x) => e = x,
            None => break,
        }
    }
    e
}

/// `__name__ == "__main__"` (either quotes, either side).
pub(crate) fn is_main_guard(condition: &str) -> bool {
    matches!(
        condition,
        "__name__==\"__main__\""
            | "__name__=='__main__'"
            | "\"__main__\"==__name__"
            | "'__main__'==__name__"
    )
}

fn python_def(def: Node<'_>, src: &str, out: &mut Vec<Binding>) {
    if let Some(name) = field_text(def, "name", src) {
        let k = if kind(def) == "class_definition" {
            "class"
        } else {
            "def"
        };
        out.push(Binding::named(name, format!("{k} {name}")));
    }
}

fn python_import(c: Node<'_>, src: &str, prefix: &str, out: &mut Vec<Binding>) {
    match kind(c) {
        "dotted_name" => {
            let full = text(c, src);
            let first = full.split('.').next().unwrap_or(full).trim();
            let last = full.rsplit('.').next().unwrap_or(full).trim();
            // `import a.b` binds `a`; `from m import a` binds `a`.
            let name = if prefix == "import " { first } else { last };
            out.push(Binding::named(name, format!("{prefix}{full}")));
        }
        "aliased_import" => {
            let name = field_text(c, "name", src).unwrap_or("");
            let alias = field_text(c, "alias", src).unwrap_or("");
            out.push(Binding::named(alias, format!("{prefix}{name} as {alias}")));
        }
        _ => {}
    }
}

fn js(
    block: Node<'_>,
    src: &str,
    own: &BTreeSet<String>,
    test_functions: &[String],
    out: &mut Vec<Binding>,
) {
    for n in named_children(block) {
        match kind(n) {
            // `import './patch.js'`: that module runs now, and may change anything.
            "import_statement"
                if !named_children(n)
                    .iter()
                    .any(|c| kind(*c) == "import_clause")
                    && !is_type_only(n) =>
            {
                out.push(Binding {
                    names: BTreeSet::new(),
                    all: true,
                    text: normalized(n, src),
                    read: None,
                    reaches: BTreeSet::new(),
                    lookup: None,
                });
            }
            "import_statement" => js_import(n, src, out),
            "function_declaration" | "generator_function_declaration" | "class_declaration" => {
                if let Some(name) = field_text(n, "name", src) {
                    let k = if kind(n) == "class_declaration" {
                        "class"
                    } else {
                        "function"
                    };
                    out.push(Binding::named(name, format!("{k} {name}")));
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for d in named_children(n) {
                    if kind(d) == "variable_declarator"
                        && let Some(name) = d.field("name")
                    {
                        // `const { a, b } = require("m")`: one binding per name, so that
                        // adding `c` leaves `a` and `b` as they were.
                        if kind(name) == "object_pattern"
                            && named_children(name)
                                .iter()
                                .all(|p| kind(p) == "shorthand_property_identifier_pattern")
                        {
                            let value = d
                                .field("value")
                                .map(|v| normalized(v, src))
                                .unwrap_or_default();
                            for p in named_children(name) {
                                let p = text(p, src);
                                out.push(Binding::named(p, format!("{p} from {value}")));
                            }
                            continue;
                        }
                        // `const helper = (…) => …`: a helper, recorded by name as a
                        // `function` declaration is (its body is not fingerprinted).
                        if kind(name) == "identifier"
                            && d.field("value").is_some_and(|v| {
                                matches!(
                                    kind(v),
                                    "arrow_function"
                                        | "function_expression"
                                        | "function"
                                        | "generator_function"
                                )
                            })
                        {
                            let name = text(name, src);
                            out.push(Binding::named(name, format!("function {name}")));
                            continue;
                        }
                        let mut names = target_names(name, src);
                        let (reaches, all, assigned) = d
                            .field("value")
                            .map(|v| js_import_time_reach(v, src))
                            .unwrap_or_default();
                        names.extend(assigned);
                        out.push(Binding {
                            names,
                            all,
                            text: normalized(d, src),
                            read: super::analysis::read_as_statement(d, src),
                            reaches,
                            lookup: None,
                        });
                    }
                }
            }
            "expression_statement" => {
                for c in named_children(n) {
                    if matches!(
                        kind(c),
                        "assignment_expression" | "augmented_assignment_expression"
                    ) && let Some(left) = c.field("left")
                    {
                        let mut names = target_names(left, src);
                        let (reaches, all, assigned) = c
                            .field("right")
                            .map(|v| js_import_time_reach(v, src))
                            .unwrap_or_default();
                        names.extend(assigned);
                        out.push(Binding {
                            names,
                            all,
                            text: normalized(c, src),
                            read: super::analysis::read_as_statement(c, src),
                            reaches,
                            lookup: None,
                        });
                    } else if kind(c) != "comment" && !is_js_string(c) {
                        js_statement(c, src, own, test_functions, out);
                    }
                }
            }
            "if_statement" | "for_statement" | "for_in_statement" | "while_statement"
            | "do_statement" | "switch_statement" | "switch_case" | "labeled_statement" => {
                js_header(n, src, out);
                js(n, src, own, test_functions, out);
            }
            "export_statement" | "statement_block" | "try_statement" | "else_clause"
            | "switch_body" | "switch_default" | "catch_clause" | "finally_clause" => {
                js(n, src, own, test_functions, out);
            }
            _ => {}
        }
    }
}

/// A string standing as a statement (`'use strict'`).
fn is_js_string(n: Node<'_>) -> bool {
    matches!(kind(n), "string" | "template_string")
}

/// Methods that change the object they are called on (`cases.push(…)`, `map.set(…)`,
/// `RATES.push(0)` on a value a helper did not make).
pub(crate) const JS_MUTATORS: &[&str] = &[
    "push",
    "pop",
    "shift",
    "unshift",
    "splice",
    "sort",
    "reverse",
    "fill",
    "copyWithin",
    "set",
    "add",
    "delete",
    "clear",
];

/// Callees that only read what they are handed (`Boolean(x)`, `Array.isArray(x)`).
const JS_PURE: &[&str] = &[
    "Boolean",
    "String",
    "Number",
    "BigInt",
    "Array.isArray",
    "JSON.stringify",
    "Object.keys",
    "Object.values",
    "Object.entries",
    "parseInt",
    "parseFloat",
    "isNaN",
    "isFinite",
    "Symbol",
];

/// The console's writers, which only read what they are handed.
const JS_CONSOLE: &[&str] = &[
    "console.log",
    "console.info",
    "console.warn",
    "console.error",
    "console.debug",
];

/// The root name of a callee or member chain (`test` of `test.serial.before`).
fn js_root<'s>(n: Node<'_>, src: &'s str) -> Option<&'s str> {
    let mut n = n;
    loop {
        match kind(n) {
            "identifier" => return Some(text(n, src)),
            "member_expression" | "subscript_expression" => {
                n = n.field("object")?;
            }
            "call_expression" => n = n.field("function")?,
            "parenthesized_expression" | "non_null_expression" => {
                n = named_children(n).into_iter().next()?;
            }
            _ => return None,
        }
    }
}

/// What a JavaScript expression runs while the module is imported, beyond binding its
/// statement's targets: the names it hands to a call as they are (`Object.assign(billing, …)`
/// reaches `billing`), those it calls a method on that changes them (`cases.push(…)`), those
/// whose members it assigns or deletes (`(billing.total = f, 1)`); whether it may reach
/// anything (a function it calls on the spot, `eval`, `Function`); and the names it assigns
/// on the way (`(total = f, 1)`). A function's body runs later: it is not read.
fn js_import_time_reach(node: Node<'_>, src: &str) -> (BTreeSet<String>, bool, BTreeSet<String>) {
    let mut reaches = BTreeSet::new();
    let mut anything = false;
    let mut assigned = BTreeSet::new();
    let mut cursor = node.walk();
    let mut stack = vec![node];
    let bare = |n: Node<'_>| (kind(n) == "identifier").then(|| text(n, src).to_owned());
    while let Some(n) = stack.pop() {
        match kind(n) {
            "arrow_function"
            | "function_expression"
            | "function"
            | "generator_function"
            | "class"
            | "comment"
            | "number"
            | "string" => continue,
            "call_expression" | "new_expression" => {
                let mut callee = n.field("function").or_else(|| n.field("constructor"));
                while let Some(c) = callee.filter(|c| kind(*c) == "parenthesized_expression") {
                    callee = named_children(c).into_iter().next();
                }
                let written = callee.map(|c| normalized(c, src)).unwrap_or_default();
                if callee.is_some_and(|c| {
                    matches!(
                        kind(c),
                        "arrow_function" | "function_expression" | "function" | "class"
                    )
                }) || matches!(written.as_str(), "eval" | "Function" | "globalThis.eval")
                {
                    anything = true;
                }
                if let Some(c) = callee.filter(|c| kind(*c) == "member_expression")
                    && let Some(property) = c.field("property")
                    && JS_MUTATORS.contains(&text(property, src))
                {
                    reaches.extend(
                        c.field("object")
                            .and_then(|o| js_root(o, src))
                            .map(str::to_owned),
                    );
                }
                if !JS_PURE.contains(&written.as_str())
                    && let Some(args) = n.field("arguments")
                {
                    for a in named_children(args) {
                        let a = if kind(a) == "spread_element" {
                            named_children(a).into_iter().next().unwrap_or(a)
                        } else {
                            a
                        };
                        reaches.extend(bare(a));
                    }
                }
            }
            "assignment_expression" | "augmented_assignment_expression" | "update_expression" => {
                let left = n.field("left").or_else(|| n.field("argument"));
                if let Some(left) = left {
                    if kind(left) == "identifier" {
                        assigned.insert(text(left, src).to_owned());
                    } else {
                        reaches.extend(js_root(left, src).map(str::to_owned));
                    }
                }
            }
            "unary_expression" if text(n, src).starts_with("delete") => {
                reaches.extend(
                    n.field("argument")
                        .and_then(|a| js_root(a, src))
                        .map(str::to_owned),
                );
            }
            _ => {}
        }
        stack.extend(n.named_children(&mut cursor));
    }
    (reaches, anything, assigned)
}

/// The names the top of a JavaScript module binds to an object it makes there (`const cases =
/// […]`, `const seen = new Set()`), not to another name or a member (`const b = billing`).
fn js_own_objects(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut own = BTreeSet::new();
    for n in named_children(root) {
        if !matches!(kind(n), "lexical_declaration" | "variable_declaration") {
            continue;
        }
        for d in named_children(n) {
            if let (Some(name), Some(value)) = (d.field("name"), d.field("value"))
                && kind(name) == "identifier"
                && !matches!(
                    kind(value),
                    "identifier" | "member_expression" | "subscript_expression"
                )
            {
                own.insert(text(name, src).to_owned());
            }
        }
    }
    own
}

/// An expression statement at the top of a JavaScript module that is not an assignment: the
/// registration of a test, a suite or a hook (`test('…', t => …)`, `describe(…)`,
/// `beforeEach(…)`, a wrapper of `sacred.test_functions`) runs the test later, and is read
/// with it; a method call on an object the module made itself (`cases.push(…)`) reaches that
/// name and what it hands on; anything else (`Object.assign(billing, …)`, `patch()`, an
/// immediately called function, `require('./patch')`) may change anything a test reads, and
/// runs before every test of the file.
fn js_statement(
    c: Node<'_>,
    src: &str,
    own: &BTreeSet<String>,
    test_functions: &[String],
    out: &mut Vec<Binding>,
) {
    let e = unwrapped(c, &["await_expression", "parenthesized_expression"]);
    let callee = (kind(e) == "call_expression")
        .then(|| e.field("function"))
        .flatten();
    let root = callee.and_then(|f| js_root(f, src));
    let registers = root.is_some_and(|r| {
        super::lang::js_registration_root(r) || test_functions.iter().any(|f| f == r)
    }) || callee.is_some_and(|f| is_js_setup(&normalized(f, src)));
    // A plain name called with a callback (`check('other', () => …)`): a registration if the
    // file binds the name nowhere (decided once the whole file is read).
    let free = (!registers)
        .then(|| {
            callee.filter(|f| kind(*f) == "identifier" && !JS_SCHEDULERS.contains(&text(*f, src)))
        })
        .flatten()
        .filter(|_| {
            e.field("arguments")
                .is_some_and(|a| named_children(a).iter().any(|x| is_function_node(*x)))
        });
    let registers = registers || free.is_some();
    let (mut reaches, mut all, names) = js_import_time_reach(c, src);
    if registers {
        // What it hands the runner as it is (`test.each(CASES)`, a title) is the test's own
        // envelope; only what it runs on the way counts.
        (reaches, all) = (BTreeSet::new(), false);
        if let Some(f) = callee {
            all |= js_import_time_reach(f, src).1;
        }
        for a in e.field("arguments").map(named_children).unwrap_or_default() {
            if kind(a) != "identifier" {
                let (r, anything, _) = js_import_time_reach(a, src);
                reaches.extend(r);
                all |= anything;
            }
        }
        if reaches.is_empty() && !all && names.is_empty() && free.is_none() {
            return;
        }
    } else if callee.is_some_and(|f| {
        let written = normalized(f, src);
        JS_PURE.contains(&written.as_str()) || JS_CONSOLE.contains(&written.as_str())
    }) && !all
        && reaches.is_empty()
        && names.is_empty()
    {
        // `console.log(…)`: it only reads what it is handed.
        return;
    } else {
        let receiver = callee
            .filter(|f| kind(*f) == "member_expression")
            .and_then(|f| f.field("object"))
            .filter(|o| kind(*o) == "identifier" && own.contains(text(*o, src)));
        match receiver {
            Some(r) => {
                reaches.insert(text(r, src).to_owned());
            }
            None => all = true,
        }
    }
    let text = match free {
        Some(f) => format!("{JS_FREE_CALL}{} {}", text(f, src), normalized(c, src)),
        None => normalized(c, src),
    };
    out.push(Binding {
        names,
        all,
        text,
        read: None,
        reaches,
        lookup: None,
    });
}

/// The globals of the platform that run a callback they are handed soon, while the module
/// loads or before its tests (`setTimeout(() => { billing.total = f; }, 0)`): not a
/// registration.
const JS_SCHEDULERS: &[&str] = &[
    "setTimeout",
    "setInterval",
    "setImmediate",
    "queueMicrotask",
    "requestAnimationFrame",
    "requestIdleCallback",
    "addEventListener",
];

/// How [`js_statement`] marks a call of a plain name with a callback until the whole file is
/// read: `free call NAME TEXT`.
const JS_FREE_CALL: &str = "free call ";

fn is_function_node(n: Node<'_>) -> bool {
    matches!(
        kind(n),
        "arrow_function" | "function_expression" | "function" | "generator_function"
    )
}

/// The header of a compound statement at the top of a JavaScript module (`if (COND)`, `for
/// (…; …; …)`, `for (x of Y)`, `while (…)`, `switch (…)`, `case X:`): what it evaluates runs
/// there and then, and a `for` target declared with `var` or none is bound in the module. One
/// binding when it binds or reaches a name (see [`js_import_time_reach`]).
fn js_header(n: Node<'_>, src: &str, out: &mut Vec<Binding>) {
    let mut words: Vec<String> = Vec::new();
    let mut names = BTreeSet::new();
    let mut reaches = BTreeSet::new();
    let mut all = false;
    let scoped = n
        .field("kind")
        .is_some_and(|k| matches!(text(k, src), "const" | "let"));
    for c in named_children(n) {
        if kind(c).ends_with("statement")
            || matches!(
                kind(c),
                "statement_block"
                    | "else_clause"
                    | "switch_body"
                    | "comment"
                    | "statement_identifier"
            )
            || n.field("body").is_some_and(|b| b.id() == c.id())
        {
            // A `for` initializer declares (`let i = 0`): what it runs still counts.
            if !matches!(kind(c), "lexical_declaration" | "variable_declaration") {
                continue;
            }
        }
        words.push(normalized(c, src));
        if kind(n) == "for_in_statement" && n.field("left").is_some_and(|l| l.id() == c.id()) {
            if !scoped {
                names.extend(target_names(c, src));
            }
            continue;
        }
        let (r, anything, assigned) = js_import_time_reach(c, src);
        reaches.extend(r);
        all |= anything;
        names.extend(assigned);
        if kind(c) == "variable_declaration" {
            for d in named_children(c) {
                names.extend(
                    d.field("name")
                        .map(|x| target_names(x, src))
                        .unwrap_or_default(),
                );
            }
        }
    }
    if names.is_empty() && reaches.is_empty() && !all {
        return;
    }
    out.push(Binding {
        names,
        all,
        text: format!(
            "{} {}",
            kind(n).trim_end_matches("_statement"),
            words.join(" ")
        ),
        read: None,
        reaches,
        lookup: None,
    });
}

/// TypeScript's `import type {X} from …` and `import {type X} from …` bind only types, which
/// are erased before anything runs: they are not bindings.
fn is_type_only(n: Node<'_>) -> bool {
    let mut cursor = n.walk();
    n.children(&mut cursor)
        .any(|c| !c.is_named() && kind(c) == "type")
}

fn js_import(n: Node<'_>, src: &str, out: &mut Vec<Binding>) {
    if is_type_only(n) {
        return;
    }
    let module = field_text(n, "source", src).unwrap_or("").to_owned();
    let Some(clause) = named_children(n)
        .into_iter()
        .find(|c| kind(c) == "import_clause")
    else {
        return;
    };
    for c in named_children(clause) {
        match kind(c) {
            "identifier" => {
                let name = text(c, src);
                out.push(Binding::named(
                    name,
                    format!("import default as {name} from {module}"),
                ));
            }
            "namespace_import" => {
                let name = named_children(c)
                    .first()
                    .map_or("", |i| text(*i, src))
                    .to_owned();
                out.push(Binding::named(
                    &name,
                    format!("import * as {name} from {module}"),
                ));
            }
            "named_imports" => {
                for s in named_children(c) {
                    if kind(s) != "import_specifier" || is_type_only(s) {
                        continue;
                    }
                    let name = field_text(s, "name", src).unwrap_or("");
                    let alias = field_text(s, "alias", src).unwrap_or(name);
                    out.push(Binding::named(
                        alias,
                        format!("import {name} as {alias} from {module}"),
                    ));
                }
            }
            _ => {}
        }
    }
}

fn rust(block: Node<'_>, src: &str, out: &mut Vec<Binding>) {
    let mut attributes: Vec<String> = Vec::new();
    for n in named_children(block) {
        if kind(n) == "attribute_item" {
            attributes.push(normalized(n, src));
            continue;
        }
        // `#[macro_use] mod support;` or `extern crate checks;` brings the macros it holds
        // into every module after it: a no-op `assert_eq!` there changes what the tests run.
        if attributes.iter().any(|a| a.contains("macro_use")) {
            out.push(Binding {
                names: BTreeSet::new(),
                all: true,
                text: format!("{} {}", attributes.join(" "), normalized(n, src)),
                read: None,
                reaches: BTreeSet::new(),
                lookup: None,
            });
        }
        if !super::analysis::is_comment(n) {
            attributes.clear();
        }
        match kind(n) {
            "use_declaration" => {
                if let Some(arg) = n.field("argument") {
                    rust_use(arg, src, "", out);
                }
            }
            "macro_definition" => {
                if let Some(name) = field_text(n, "name", src) {
                    out.push(Binding::named(name, format!("macro_rules! {name}")));
                }
            }
            "function_item" | "struct_item" | "enum_item" | "trait_item" | "type_item"
            | "union_item" => {
                // A test that ends the process (`std::process::exit(0)`) ends the test
                // binary: the tests still running or after it never report, and `cargo
                // test` exits 0.
                if kind(n) == "function_item" && super::analysis::ends_process(n, src) {
                    out.push(Binding {
                        names: BTreeSet::new(),
                        all: true,
                        text: format!(
                            "{ENDS_THE_BINARY}{}): {}",
                            field_text(n, "name", src).unwrap_or(""),
                            normalized(n, src)
                        ),
                        read: None,
                        reaches: BTreeSet::new(),
                        lookup: None,
                    });
                }
                if let Some(name) = field_text(n, "name", src) {
                    let k = kind(n).trim_end_matches("_item");
                    out.push(Binding::named(name, format!("{k} {name}")));
                }
            }
            "const_item" | "static_item" => {
                if let Some(name) = field_text(n, "name", src) {
                    out.push(Binding::named(name, normalized(n, src)));
                }
            }
            "extern_crate_declaration" => out.push(Binding {
                names: target_names(n, src),
                all: false,
                text: normalized(n, src),
                read: None,
                reaches: BTreeSet::new(),
                lookup: None,
            }),
            "mod_item" => {
                if let Some(body) = n.field("body") {
                    rust(body, src, out);
                }
            }
            _ => {}
        }
    }
}

/// One binding per name a `use` tree brings in.
fn rust_use(n: Node<'_>, src: &str, prefix: &str, out: &mut Vec<Binding>) {
    match kind(n) {
        "use_list" => {
            for c in named_children(n) {
                rust_use(c, src, prefix, out);
            }
        }
        "scoped_use_list" => {
            let path = field_text(n, "path", src).unwrap_or("");
            let prefix = format!("{prefix}{path}::");
            if let Some(list) = n.field("list") {
                rust_use(list, src, &prefix, out);
            }
        }
        "use_as_clause" => {
            let path = field_text(n, "path", src).unwrap_or("");
            let alias = field_text(n, "alias", src).unwrap_or("");
            out.push(Binding::named(
                alias,
                format!("use {prefix}{path} as {alias}"),
            ));
        }
        "use_wildcard" => out.push(Binding {
            names: BTreeSet::new(),
            all: true,
            text: format!("use {prefix}{}", normalized(n, src)),
            read: None,
            reaches: BTreeSet::new(),
            lookup: None,
        }),
        _ => {
            let full = normalized(n, src);
            let name = full.rsplit("::").next().unwrap_or(&full).to_owned();
            out.push(Binding::named(&name, format!("use {prefix}{full}")));
        }
    }
}

fn go(root: Node<'_>, src: &str, out: &mut Vec<Binding>) {
    let declared = go_package_vars(root, src);
    // The imports that name no package (their name is assumed from the path).
    let mut unnamed = Vec::new();
    let mut stack = vec![root];
    while let Some(block) = stack.pop() {
        for n in named_children(block) {
            match kind(n) {
                "function_declaration" => {
                    if let Some(name) = field_text(n, "name", src) {
                        // `init` runs before every test of the package, as written: it
                        // reaches the tests that read what it changes, or all of them.
                        let (reaches, all) = if name == "init" {
                            go_init_effects(n, src, &declared)
                        } else {
                            (BTreeSet::new(), false)
                        };
                        out.push(Binding {
                            names: BTreeSet::from([name.to_owned()]),
                            all,
                            text: if name == "init" {
                                normalized(n, src)
                            } else {
                                format!("func {name}")
                            },
                            read: None,
                            reaches,
                            lookup: None,
                        });
                        // A test of the package that ends the process (`os.Exit(0)`,
                        // `syscall.Exit(0)`) ends the test binary with it: the tests after
                        // it never run, and it reports `ok`.
                        if name.starts_with("Test") && super::analysis::ends_process(n, src) {
                            out.push(Binding {
                                names: BTreeSet::new(),
                                all: true,
                                text: format!("{ENDS_THE_BINARY}{name}): {}", normalized(n, src)),
                                read: None,
                                reaches: BTreeSet::new(),
                                lookup: None,
                            });
                        }
                    }
                }
                "type_declaration" => {
                    for spec in named_children(n) {
                        if let Some(name) = field_text(spec, "name", src) {
                            out.push(Binding::named(name, format!("type {name}")));
                        }
                    }
                }
                "var_declaration" | "const_declaration" | "import_declaration"
                | "var_spec_list" | "const_spec_list" | "import_spec_list" => stack.push(n),
                "var_spec" | "const_spec" => {
                    let mut names = BTreeSet::new();
                    let mut cursor = n.walk();
                    for c in n.children_by_field_name("name", &mut cursor) {
                        names.insert(text(c, src).to_owned());
                    }
                    if names.iter().all(|x| x == "_") && runs_nothing(n.field("value")) {
                        continue;
                    }
                    // A function literal called on the spot runs as the package starts,
                    // before every test (`var _ = func() int { Total = …; return 0 }()`).
                    let all = n.field("value").is_some_and(|v| go_calls_a_literal(v));
                    out.push(Binding {
                        names,
                        all,
                        text: normalized(n, src),
                        // As the file's tests read it (`interface{}` as `any`).
                        read: super::analysis::read_as_statement(n, src),
                        reaches: BTreeSet::new(),
                        lookup: None,
                    });
                }
                "import_spec" => {
                    let path = field_text(n, "path", src).unwrap_or("").trim_matches('"');
                    let name = field_text(n, "name", src).map_or_else(
                        || super::analysis::go_import_name(path).to_owned(),
                        str::to_owned,
                    );
                    if n.field("name").is_none() && path != "C" {
                        unnamed.push(out.len());
                    }
                    out.push(Binding {
                        all: name == ".",
                        text: format!("import {name} \"{path}\""),
                        read: None,
                        names: BTreeSet::from([name]),
                        reaches: BTreeSet::new(),
                        lookup: None,
                    });
                }
                _ => {}
            }
        }
    }
    go_unseen_names(root, src, &unnamed, out);
}

/// An import without a name binds the name its package's own clause declares, which Go's
/// tools only assume from the path (`analysis::go_import_name`). The file must use every
/// import it has, and a package's name only as a qualifier (`assert.Equal`, `assert.T`): an
/// import whose assumed name qualifies nothing in the file binds another name
/// (`"example.com/checks/zzz"` declaring `package assert`). Which one cannot be told, so it
/// is taken to bind each qualifier of the file that no other import names (a local `t` too):
/// it is locked with every test that uses one, and a new one is not a harmless addition
/// (`rules::rebound`).
fn go_unseen_names(root: Node<'_>, src: &str, unnamed: &[usize], out: &mut [Binding]) {
    if unnamed.is_empty() {
        return;
    }
    let mut qualifiers = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let qualifier = match kind(n) {
            "selector_expression" => n.field("operand").filter(|o| kind(*o) == "identifier"),
            "qualified_type" => n.field("package"),
            _ => None,
        };
        if let Some(q) = qualifier {
            qualifiers.insert(text(q, src).to_owned());
        }
        stack.extend(named_children(n));
    }
    let named: BTreeSet<String> = out
        .iter()
        .filter(|b| b.text.starts_with("import "))
        .flat_map(|b| b.names.iter().cloned())
        .collect();
    let unseen: BTreeSet<String> = qualifiers.difference(&named).cloned().collect();
    for &i in unnamed {
        if out[i].names.iter().all(|n| !qualifiers.contains(n)) {
            out[i].names.extend(unseen.iter().cloned());
        }
    }
}

/// Whether a Go import binding binds names other than the one it is written with (see
/// `go_unseen_names`).
pub fn go_import_binds_unseen(b: &Binding) -> bool {
    b.text.starts_with("import ") && b.names.len() > 1
}

/// The package-level variables a Go file declares (`var cases = …`, `var ( a, b int )`).
fn go_package_vars(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "source_file" | "var_declaration" | "var_spec_list" => {
                stack.extend(named_children(n));
            }
            "var_spec" => {
                let mut cursor = n.walk();
                for c in n.children_by_field_name("name", &mut cursor) {
                    out.insert(text(c, src).to_owned());
                }
            }
            _ => {}
        }
    }
    out
}

/// What a Go `func init()` changes as the package starts: the package-level variables of its
/// own file it sets, or whose members or elements it sets (`cases[0] = …`, `registry["a"] =
/// 1`), or anything (`true`): any call but `len`, `make`, `new`, `cap` (a function, a method
/// of a value of the code under test, `os.Setenv(…)`: each may write what the code under test
/// reads), a variable of another file (the code under test's `Total = …`), a goroutine or
/// a deferred call, or any statement it does not read. Names it declares itself are its own.
fn go_init_effects(
    init: Node<'_>,
    src: &str,
    declared: &BTreeSet<String>,
) -> (BTreeSet<String>, bool) {
    let mut reaches = BTreeSet::new();
    let mut all = false;
    let mut locals: BTreeSet<String> = BTreeSet::new();
    let Some(body) = init.field("body") else {
        return (reaches, true);
    };
    // Whether `n` calls anything but a built-in that only makes or measures.
    let calls = |n: Node<'_>| {
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            if kind(x) == "call_expression"
                && !x
                    .field("function")
                    .is_some_and(|f| matches!(text(f, src), "len" | "make" | "new" | "cap"))
            {
                return true;
            }
            stack.extend(named_children(x));
        }
        false
    };
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "block" | "statement_list" => stack.extend(named_children(n)),
            "comment" | "empty_statement" => {}
            "short_var_declaration" => {
                for l in n.field("left").map(named_children).unwrap_or_default() {
                    locals.insert(text(l, src).to_owned());
                }
                all |= calls(n);
            }
            "assignment_statement" | "inc_statement" | "dec_statement" => {
                let targets = match n.field("left") {
                    Some(l) => named_children(l),
                    None => named_children(n).into_iter().take(1).collect(),
                };
                for t in targets {
                    let mut root = t;
                    while let Some(o) = (matches!(
                        kind(root),
                        "selector_expression" | "index_expression" | "parenthesized_expression"
                    ))
                    .then(|| {
                        root.field("operand")
                            .or_else(|| named_children(root).into_iter().next())
                    })
                    .flatten()
                    {
                        root = o;
                    }
                    let name = text(root, src);
                    if kind(root) != "identifier" {
                        all = true;
                    } else if declared.contains(name) && !locals.contains(name) {
                        reaches.insert(name.to_owned());
                    } else if !locals.contains(name) && name != "_" {
                        all = true;
                    }
                    // What the target's index evaluates.
                    all |= calls(t);
                }
                if let Some(r) = n.field("right") {
                    all |= calls(r);
                }
            }
            _ => all = true,
        }
    }
    (reaches, all)
}

/// Whether a Go expression calls a function literal (`func() int { … }()`).
fn go_calls_a_literal(value: Node<'_>) -> bool {
    let mut stack = vec![value];
    while let Some(n) = stack.pop() {
        if kind(n) == "call_expression"
            && n.field("function").is_some_and(|f| {
                let mut f = f;
                while kind(f) == "parenthesized_expression" {
                    match named_children(f).into_iter().next() {
                        Some(x) => f = x,
                        None => break,
                    }
                }
                kind(f) == "func_literal"
            })
        {
            return true;
        }
        stack.extend(named_children(n));
    }
    false
}

/// The functions a Go test file's package-level variables call by name as they are
/// initialised (`var _ = patch()`, `var cases = makeCases()`), and its `init` functions,
/// outside function literals:
/// they run as the package starts, before every test, which is locked with those of the file
/// (see [`python_import_time_calls`]).
pub(crate) fn go_import_time_calls(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // And what the file's `init` functions call.
    let mut stack: Vec<Node<'_>> = named_children(root)
        .into_iter()
        .filter(|n| {
            kind(*n) == "var_declaration"
                || (kind(*n) == "function_declaration"
                    && field_text(*n, "name", src) == Some("init"))
        })
        .collect();
    while let Some(n) = stack.pop() {
        match kind(n) {
            "func_literal" | "comment" => continue,
            "call_expression" => {
                if let Some(f) = n.field("function").filter(|f| kind(*f) == "identifier") {
                    out.insert(text(f, src).to_owned());
                }
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    out
}

/// What a Go file of a package the tests import runs as the test binary starts (see
/// [`go_package_start`]).
#[derive(Debug, Clone, Default)]
pub struct GoPackageStart {
    /// The packages it imports: the name each binds (an alias, the last part of the path, or
    /// `_` for one imported only for what it runs as it starts) and its path.
    pub imports: Vec<(String, String)>,
    /// Its `func init()` functions and the package-level `var` specs whose value calls,
    /// each as written.
    pub start: Vec<GoStartCode>,
    /// Its functions and methods, each by name (a method by its own), as written, with the
    /// names it mentions: what start code reaches through them.
    pub functions: Vec<(String, String, BTreeSet<String>)>,
}

/// A `func init()` or a package-level `var` spec whose value calls, as written.
#[derive(Debug, Clone, Default)]
pub struct GoStartCode {
    pub text: String,
    /// It may change anything: not only package-level variables of its own file.
    pub all: bool,
    /// The package-level variables of its own file it sets (an `init` that fills its own
    /// registry, `checks["total"] = …`): only what reads them sees it.
    pub own: BTreeSet<String>,
    /// The names it mentions (identifiers and fields): the functions and methods of its
    /// package it may call.
    pub mentions: BTreeSet<String>,
}

/// What a Go file (not a test file) runs as its package starts, when a test binary links it:
/// every non-empty `func init()`, read as the test package's own (see [`go_init_effects`]),
/// and every package-level `var` spec whose value calls anything (`var ready = setUp()`,
/// `var _ = func() int { … }()`), with the functions and methods of the file and what they
/// mention (to follow what the start code calls), and the file's imports.
pub(crate) fn go_package_start(root: Node<'_>, src: &str) -> GoPackageStart {
    let declared = go_package_vars(root, src);
    let mentions = |n: Node<'_>| {
        let mut out = BTreeSet::new();
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            if matches!(
                kind(x),
                "identifier" | "field_identifier" | "type_identifier"
            ) {
                out.insert(text(x, src).to_owned());
            }
            stack.extend(named_children(x));
        }
        out
    };
    let mut out = GoPackageStart::default();
    let mut stack = vec![root];
    while let Some(block) = stack.pop() {
        for n in named_children(block) {
            match kind(n) {
                "import_declaration" | "import_spec_list" | "var_declaration" | "var_spec_list" => {
                    stack.push(n);
                }
                "import_spec" => {
                    let path = field_text(n, "path", src)
                        .unwrap_or("")
                        .trim_matches(|c| c == '"' || c == '`');
                    let name = field_text(n, "name", src).map_or_else(
                        || super::analysis::go_import_name(path).to_owned(),
                        str::to_owned,
                    );
                    out.imports.push((name, path.to_owned()));
                }
                "function_declaration" | "method_declaration" => {
                    let Some(name) = field_text(n, "name", src) else {
                        continue;
                    };
                    if name == "init" && kind(n) == "function_declaration" {
                        let (own, all) = go_init_effects(n, src, &declared);
                        if all || !own.is_empty() {
                            out.start.push(GoStartCode {
                                text: normalized(n, src),
                                all,
                                own,
                                mentions: n.field("body").map(mentions).unwrap_or_default(),
                            });
                        }
                        continue;
                    }
                    out.functions.push((
                        name.to_owned(),
                        normalized(n, src),
                        n.field("body").map(mentions).unwrap_or_default(),
                    ));
                }
                // A `//go:linkname` binds a name of this package to another package's
                // symbol: a variable declared with a value under it is that package's
                // variable's value in every binary that links this one (a test binary).
                "comment" if text(n, src).starts_with("//go:linkname") => {
                    out.start.push(GoStartCode {
                        text: text(n, src).trim().to_owned(),
                        all: true,
                        own: BTreeSet::new(),
                        mentions: BTreeSet::new(),
                    });
                }
                "var_spec" => {
                    let value = n.field("value");
                    if runs_nothing(value) {
                        continue;
                    }
                    out.start.push(GoStartCode {
                        text: normalized(n, src),
                        all: true,
                        own: BTreeSet::new(),
                        mentions: value.map(mentions).unwrap_or_default(),
                    });
                }
                _ => {}
            }
        }
    }
    out
}

/// Whether a Go `var _ …` spec's value runs no code at package initialisation: no value, or
/// one whose only calls are conversions of `nil` to a pointer type (`(*T)(nil)`, the
/// compile-time check `var _ Iface = (*T)(nil)`). The blank identifier binds nothing a test can
/// use, so such a spec concerns no test; one that calls a function keeps its binding.
fn runs_nothing(value: Option<Node<'_>>) -> bool {
    let Some(value) = value else {
        return true;
    };
    let mut stack = vec![value];
    while let Some(n) = stack.pop() {
        if kind(n) == "call_expression" {
            let conversion = n.field("function").is_some_and(|f| {
                kind(f) == "parenthesized_expression"
                    && named_children(f)
                        .first()
                        .is_some_and(|u| matches!(kind(*u), "unary_expression" | "pointer_type"))
            }) && n.field("arguments").is_some_and(|a| {
                let args = named_children(a);
                args.len() == 1 && kind(args[0]) == "nil"
            });
            if !conversion {
                return false;
            }
            continue;
        }
        stack.extend(named_children(n));
    }
    true
}

/// The leading docstring of a Python function body, left out of fingerprints (an f-string
/// is none: it is evaluated, and may call anything).
pub(crate) fn docstring(body: Node<'_>) -> Option<Node<'_>> {
    let first = body.named_child(0)?;
    (kind(first) == "expression_statement"
        && first.named_child_count() == 1
        && first
            .named_child(0)
            .is_some_and(|s| kind(s) == "string" && plain_string(s)))
    .then_some(first)
}

/// A Python string statement that runs nothing: a string or concatenation without an
/// f-string's `{…}` (which is evaluated when the statement runs).
pub(crate) fn plain_string(n: Node<'_>) -> bool {
    if !matches!(kind(n), "string" | "concatenated_string") {
        return false;
    }
    let mut cursor = n.walk();
    let mut plain = true;
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if kind(x) == "interpolation" {
            plain = false;
            break;
        }
        stack.extend(x.named_children(&mut cursor));
    }
    plain
}

/// A module-level function of a test file (not a pytest fixture): a helper a test may call.
#[derive(Debug, Clone)]
pub struct FileFunction {
    pub name: String,
    /// Its whole definition, normalised.
    pub text: String,
    /// The names it mentions (see [`used_names`]): the helpers it calls in turn.
    pub uses: BTreeSet<String>,
    /// Whether it asserts anywhere in its body (a check helper: `def check(out): assert …`,
    /// `func checkStringContains(t *testing.T, …) { … t.Errorf(…) }`), or (an imported one)
    /// leads to a function of its file that does.
    pub asserts: bool,
    /// The file that defines it, when that is not the test's own (another test file of a Go
    /// package, the file an import names).
    pub file: Option<String>,
    /// An imported function: the `helper …` lines of the check helpers of its file it
    /// reaches there (its `uses` are names of that file, not of the test's).
    pub beyond: Vec<String>,
    /// An imported function: the `helper …` lines of every function of its file it calls
    /// there, and those call in turn, asserting or not: what an assertion that compares its
    /// value compares (`assert total(xs) == expected()` with `expected` returning
    /// `_norm(6)`: `_norm` decides the expected value too).
    pub beyond_values: Vec<String>,
    /// A helper class (`class Checker: def check(self, x): assert …`), read as one helper:
    /// calling it at import runs its construction, read apart
    /// (`python_classes_run_at_import`).
    pub is_class: bool,
    /// Its text as a test's statements read it, when that differs (Python: its local
    /// annotations erased, see `analysis::python_erasure`).
    pub read: Option<String>,
    /// Whether it skips the test that calls it or ends the process anywhere in its body
    /// (`pytest.skip(…)`, `t.Skip()`, `os._exit(0)`), or changes what is beyond its locals
    /// when called (`case.assertEqual = …`, `tax.Rate = 10`, `pay::RATE.store(5, …)`): see
    /// [`SKIPS_IN_HELPER`].
    pub skips: bool,
}

/// The prefix of the line of a helper a test reaches that skips the test or ends the
/// process (`hook skips, helper amounts: def amounts(): pytest.skip(…)`): one new or changed
/// is `rebound`, as a skip in the test's own body is `skipped`; one removed runs more.
pub const SKIPS_IN_HELPER: &str = "hook skips, ";

/// The mark of a class or function of the test's file that a method its framework calls
/// reaches (the handler a tornado `get_app` serves), locked as written: `served: helper
/// EchoHandler: class EchoHandler(…): …`.
pub const SERVED_BY_HOOK: &str = "served: ";

/// The mark, in a helper's `uses`, of a name that wraps it (`@traced`, `traced((x) => …)`):
/// never a binding's name.
pub const WRAPPED_BY: &str = "@";

/// Marks as asserting every function of `functions` that wraps one that asserts (a
/// decorator, a wrapping call): whether the helper's failure reaches the test is its
/// wrapper's doing (`@traced` catching `AssertionError`), so it is locked as a check helper
/// is.
pub(crate) fn wrappers_assert(functions: &mut [FileFunction]) {
    loop {
        let wrappers: BTreeSet<String> = functions
            .iter()
            .filter(|f| f.asserts)
            .flat_map(|f| {
                f.uses
                    .iter()
                    .filter_map(|u| u.strip_prefix(WRAPPED_BY).map(str::to_owned))
            })
            .collect();
        let mut changed = false;
        for f in functions.iter_mut() {
            if !f.asserts && wrappers.contains(&f.name) {
                f.asserts = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// One function of a file as a [`FileFunction`]: `whole` is what its text is read from (with
/// its decorators or `export`), `def` the definition (its `body`).
pub(crate) fn file_function(
    whole: Node<'_>,
    name: &str,
    def: Node<'_>,
    src: &str,
    rules: &dyn super::analysis::Rules,
) -> Option<FileFunction> {
    let body = def.field("body")?;
    let mut asserts = false;
    let mut skips = false;
    let mut cursor = body.walk();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if !asserts && rules.asserts_in_helper(n, src) {
            asserts = true;
        }
        if !skips && (rules.is_skip_call(n, src) || ends_the_process(n, src)) {
            skips = true;
        }
        if asserts && skips {
            break;
        }
        stack.extend(n.named_children(&mut cursor));
    }
    // A Python helper that changes what is beyond its locals when called (`case.assertEqual
    // = …` on the test case it is handed, `unittest.TestCase.assertEqual = …`, `billing.total
    // = …`) may change what the test checks from outside its body, as a skip does.
    if !skips && kind(def) == "function_definition" {
        skips = super::import_hazards::python_writes_beyond_locals(def, src);
    }
    // So may a Go one (`tax.Rate = 10`), and a JavaScript or TypeScript one
    // (`Array.prototype.reduce = …`, `t.is = …`).
    let go = def.field("body").is_some_and(|b| kind(b) == "block");
    if !skips && go && matches!(kind(def), "function_declaration" | "method_declaration") {
        skips = super::import_hazards::go_writes_beyond_locals(def, src);
    }
    if !skips && !go && super::import_hazards::JS_FUNCTION_KINDS.contains(&kind(def)) {
        skips = super::import_hazards::js_writes_beyond_locals(def, src);
    }
    // And a Rust one of the test code (`unsafe { pay::RATE = 5 }`, `RATE.store(5, …)`,
    // `KEY.with(|c| c.set(5))`, `std::env::set_var(…)`); a function of the code under test
    // beside a `#[cfg(test)]` module may write its own statics.
    if !skips && kind(def) == "function_item" && super::import_hazards::rust_test_code(def, src) {
        skips = super::import_hazards::rust_writes_beyond_locals(def, src);
    }
    // A Python docstring says what the helper does; it changes nothing it checks.
    let doc = (kind(def) == "function_definition")
        .then(|| docstring(body))
        .flatten();
    // A test is rarely called as a helper, and normalising every test again would
    // double a scan's cost: a test function is recorded by the digest of its source.
    let (text, read) = if rules.names_a_test_function(name) {
        let source = src.get(whole.byte_range()).unwrap_or("");
        (
            format!("sha256:{}", super::analysis::sha256_hex(source)),
            None,
        )
    } else {
        // Read again only when that can differ: a Python local annotation (`x: T = …`), a
        // JavaScript `x["name"]` or `window`.
        let may_differ = if kind(def) == "function_definition" {
            python_annotated(whole)
        } else if kind(def) == "class_definition" {
            python_annotated(whole) || text(whole, src).contains('[')
        } else {
            let t = text(whole, src);
            // Go: `ioutil.X` and `strings.Replace(…, -1)` read as what they call.
            t.contains('[')
                || t.contains("window")
                || (go
                    && (t.contains("ioutil.")
                        || t.contains(".Replace")
                        || t.contains("interface")
                        || t.contains("any")
                        || super::setters::mentioned(t)))
        };
        let written = super::analysis::normalized_without(whole, src, doc);
        if skips && kind(def) == "function_definition" {
            record_unguarded(whole, body, src, doc, rules, &written);
        }
        // A Python helper that skips is locked as read, as a test's statements read
        // (`set(x for x in y)` as `{x for x in y}` where `set` is the built-in).
        // A Python helper that copies an iterable into a list (`[x for x in it]`, `list(it)`)
        // reads it as a test's statements do (`analysis::list_copy`).
        let copies = matches!(kind(def), "function_definition" | "class_definition") && {
            let t = text(whole, src);
            t.contains("list(") || t.contains(" for ")
        };
        let reading = || {
            if (skips && kind(def) == "function_definition") || copies {
                let mut root = def;
                while let Some(p) = root.parent() {
                    root = p;
                }
                let read = super::analysis::with_python_set(root, src, || {
                    super::analysis::read_as_statement_without(whole, src, doc)
                        .unwrap_or_else(|| super::analysis::normalized_without(whole, src, doc))
                });
                (read != written).then_some(read)
            } else {
                may_differ
                    .then(|| super::analysis::read_as_statement_without(whole, src, doc))
                    .flatten()
            }
        };
        let read = reading();
        // A Python helper in the modern spelling (`except socket.error` as `except OSError`),
        // as a test is read once more (see `modern`), with the readings above.
        let read = if matches!(
            kind(def),
            "function_definition" | "class_definition" | "function_item"
        ) && super::modern::has_modern(whole, src)
        {
            let modern = super::modern::with_modern(|| {
                reading().unwrap_or_else(|| super::analysis::normalized_without(whole, src, doc))
            });
            if modern == written {
                read
            } else {
                Some(modern)
            }
        } else {
            read
        };
        (written, read)
    };
    // What wraps the definition runs with it: a decorator (`@traced`), a wrapping call
    // (`const check = traced((x) => …)`), read where the definition is written.
    let mut uses = used_names(def, body, src).names;
    if whole.id() != def.id() {
        let mut stack = vec![whole];
        while let Some(n) = stack.pop() {
            if n.id() == def.id() {
                continue;
            }
            if matches!(kind(n), "decorator" | "call_expression" | "call") {
                let wrapper = used_names(n, n, src).names;
                // `@traced`: a name the helper is wrapped by, which decides whether its
                // failure reaches the test (`wrapped_by`).
                uses.extend(wrapper.iter().map(|w| format!("{WRAPPED_BY}{w}")));
                uses.extend(wrapper);
                continue;
            }
            stack.extend(named_children(n));
        }
        uses.remove(name);
    }
    Some(FileFunction {
        name: name.to_owned(),
        text,
        uses,
        asserts,
        file: None,
        beyond: Vec::new(),
        beyond_values: Vec::new(),
        is_class: matches!(
            kind(def),
            "class_definition" | "class_declaration" | "abstract_class_declaration"
        ),
        read,
        skips,
    })
}

/// A call that ends the process: under a runner that runs the tests in it, the run ends
/// before the test fails (`os._exit(0)`, `sys.exit`, Go's `os.Exit`, `process.exit`,
/// `std::process::exit`), also under another name the file gives it: a Rust `use
/// std::process::exit as bye;` or `use std::process as p;`, a Go `import sc "syscall"`, a
/// name bound to it (`bye := syscall.Exit`, `let bye = std::process::exit;`), a
/// parenthesized callee (`(syscall.Exit)(0)`), and any function a Rust `extern` block
/// declares (foreign code, `#[link_name = "exit"]`, may do anything).
pub(crate) fn ends_the_process(n: Node<'_>, src: &str) -> bool {
    if !matches!(kind(n), "call" | "call_expression") {
        return false;
    }
    let Some(f) = n.field("function") else {
        return false;
    };
    let t: String = text(f, src).split_whitespace().collect();
    let t = t.trim_start_matches('(').trim_end_matches(')');
    // `::std::process::exit`: a Rust path from the crate root.
    let t = t.trim_start_matches("::");
    if ending_name(t) {
        return true;
    }
    // Rust: `Command::new("true").exec()` (`std::os::unix::process::CommandExt::exec`)
    // replaces the test binary's image with another program, which ends the run as an exit
    // does; so does `CommandExt::exec(&mut c)`. Any method `exec` called with no argument is
    // read as one (the trait is usually imported by name only).
    if kind(f) == "field_expression"
        && f.field("field").is_some_and(|x| text(x, src) == "exec")
        && n.field("arguments")
            .is_some_and(|a| named_children(a).is_empty())
    {
        return true;
    }
    if t.ends_with("CommandExt::exec") {
        return true;
    }
    // Under another name the file gives it (Rust, Go): only a file that gives one is read,
    // once per file and callee (each call of the file asks).
    if kind(n) != "call_expression" {
        return false;
    }
    let memo = endings_of(src);
    if !memo.0 {
        return false;
    }
    // The answer depends on the tree as well as the text: a Go file and a Rust file of the
    // same bytes are told apart by their grammar (its count of node kinds).
    let key = (n.language().node_kind_count(), t.to_owned());
    if let Some(known) = memo.1.borrow().get(&key) {
        return *known;
    }
    // `Node::parent` walks down from the root: only asked when the file gives one.
    let mut root = n;
    while let Some(p) = root.parent() {
        root = p;
    }
    let found = ends_under_another_name(t, root, src);
    memo.1.borrow_mut().insert(key, found);
    found
}

std::thread_local! {
    /// Per file text: whether it may give an ending call another name, and which callees
    /// of it are one ([`ends_the_process`]).
    static ENDINGS: super::import_hazards::FileCache<(bool, EndingCallees)> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The file `src`'s entry of [`ENDINGS`], read once per file text.
fn endings_of(src: &str) -> std::rc::Rc<(bool, EndingCallees)> {
    super::import_hazards::by_file(&ENDINGS, src, || {
        (
            gives_an_ending_another_name(src),
            std::cell::RefCell::new(BTreeMap::new()),
        )
    })
}

/// [`gives_an_ending_another_name`] of a whole file, read once per file text (each
/// statement of a test asks).
pub(crate) fn file_gives_an_ending_another_name(src: &str) -> bool {
    endings_of(src).0
}

/// Whether `text` (of a node of the file `src`) may hold a call [`ends_the_process`] reads
/// as ending the process, or one of `more` (callees as written): it names the last segment
/// of one of them (an identifier, which no layout splits), or the file gives an ending call
/// another name. A node whose text names none is not walked.
pub(crate) fn may_end_the_process(text: &str, src: &str, more: &[&'static str]) -> bool {
    let last = |n: &'static str| n.rsplit(['.', ':']).next().unwrap_or(n);
    // `exit`, and the method `exec` (`Command::new(…).exec()`, `CommandExt::exec`).
    ["exit", "exec"]
        .into_iter()
        .chain(ENDING_NAMES.iter().copied())
        .chain(GO_REPLACES_OR_SIGNALS.iter().copied())
        .chain(REPLACES_OR_SIGNALS.iter().copied())
        .chain(more.iter().copied())
        .any(|n| text.contains(last(n)))
        || file_gives_an_ending_another_name(src)
}

/// Per grammar (its count of node kinds) and callee: whether the callee ends the process.
type EndingCallees = std::cell::RefCell<BTreeMap<(usize, String), bool>>;

/// [`ends_the_process`] for a callee `t` of the file whose tree is `root`, under a name the
/// file gives an ending call.
fn ends_under_another_name(t: &str, root: Node<'_>, src: &str) -> bool {
    // Only a callee that may be such a name is read further (the file is read whole).
    let bare = t.chars().all(|c| c.is_alphanumeric() || c == '_');
    let may_be = if bare {
        [
            format!("as {t}"),
            format!("fn {t}"),
            format!("{t} ="),
            format!("{t}="),
            format!("{t} :="),
            format!("{t}:="),
        ]
        .iter()
        .any(|w| src.contains(w.as_str()))
    } else if let Some((_, rest)) = t.split_once("::") {
        matches!(rest, "exit" | "abort" | "_exit")
    } else if let Some((_, rest)) = t.split_once('.') {
        matches!(rest, "Exit" | "Goexit") || GO_REPLACES_OR_SIGNALS.contains(&rest)
    } else {
        false
    };
    if !may_be {
        return false;
    }
    let compact: String = src.split_whitespace().collect();
    // A name bound to one (`bye := syscall.Exit`, `var bye = os.Exit`, `let bye =
    // std::process::exit;`).
    if bare {
        for e in ENDING_NAMES {
            for op in ["=", ":="] {
                if compact.contains(&format!("{t}{op}{e}"))
                    || compact.contains(&format!("{t}{op}std::{e}"))
                    || compact.contains(&format!("{t}{op}::std::{e}"))
                {
                    return true;
                }
            }
        }
    }
    let mut stack = vec![root];
    while let Some(x) = stack.pop() {
        match kind(x) {
            // Rust: `use std::process::exit as bye;`, `use std::process::{abort, exit as
            // bye};`, `use std::process as p;` then `p::exit(0)`.
            "use_declaration" => {
                let u: String = text(x, src).split_whitespace().collect();
                for e in ["exit", "abort", "_exit"]
                    .iter()
                    .chain(REPLACES_OR_SIGNALS.iter())
                {
                    for end in ["}", ",", ";"] {
                        if u.contains(&format!("{e}as{t}{end}")) {
                            return true;
                        }
                    }
                }
                if let Some((module, rest)) = t.split_once("::")
                    && (u.contains(&format!("processas{module};"))
                        || u.contains(&format!("processas{module},"))
                        || u.contains(&format!("processas{module}}}")))
                    && ending_name(&format!("process::{rest}"))
                {
                    return true;
                }
            }
            // Rust: a function of an `extern` block.
            "foreign_mod_item" => {
                let mut inner = vec![x];
                while let Some(y) = inner.pop() {
                    if kind(y) == "function_signature_item"
                        && y.field("name").is_some_and(|name| text(name, src) == t)
                    {
                        return true;
                    }
                    inner.extend(named_children(y));
                }
            }
            // Go: `import sc "syscall"` then `sc.Exit(0)`.
            "import_spec" => {
                if let (Some(name), Some(path)) = (x.field("name"), x.field("path"))
                    && let Some((alias, rest)) = t.split_once('.')
                    && text(name, src) == alias
                {
                    let path = text(path, src).trim_matches(|c| c == '"' || c == '`');
                    let module = super::analysis::go_import_name(path);
                    if ending_name(&format!("{module}.{rest}")) {
                        return true;
                    }
                }
            }
            _ => stack.extend(named_children(x)),
        }
    }
    false
}

/// Whether a Rust or Go file may give a call that ends the process another name: a `use`
/// alias, a module alias of `std::process`, an `extern` block, an import of a package that
/// has one (under an alias or not), a name bound to one. A quick test on the text, so that
/// most files are not read further.
pub(crate) fn gives_an_ending_another_name(src: &str) -> bool {
    [
        "exit as",
        "abort as",
        "process as",
        "extern \"",
        "extern{",
        "extern {",
        "link_name",
        "\"syscall\"",
        "\"os\"",
        "sys/unix\"",
        "\"runtime\"",
        "= std::process",
        "= process::",
        "=std::process",
        "libc::",
        "nix::",
    ]
    .iter()
    .any(|w| src.contains(w))
}

/// The calls that end the process, as written with their module.
const ENDING_NAMES: &[&str] = &[
    "os._exit",
    "sys.exit",
    "os.Exit",
    "syscall.Exit",
    "unix.Exit",
    "runtime.Goexit",
    "process.exit",
    "process.abort",
    "process.reallyExit",
    "process::exit",
    "process::abort",
    "libc::exit",
    "libc::_exit",
];

/// The functions of Go's `syscall` and `golang.org/x/sys/unix` that end the test binary
/// other than by exiting: `Exec` replaces its image with another program (which may exit
/// 0 before the tests after it ran), `Kill`/`Tgkill` may signal the binary itself, and a raw
/// system call (`Syscall(SYS_EXECVE, …)`, `RawSyscall(SYS_EXIT_GROUP, …)`) may do either.
const GO_REPLACES_OR_SIGNALS: &[&str] = &[
    "Exec",
    "Kill",
    "Tgkill",
    "Tkill",
    "Syscall",
    "Syscall6",
    "RawSyscall",
    "RawSyscall6",
    "RawSyscallNoError",
    "SyscallNoError",
];

/// The functions of Rust's `libc` and `nix` crates and of Python's `os` that end the
/// process other than by `exit`: the `exec` family replaces its image with another program
/// (which may exit 0 before the tests after it ran), `kill`/`raise` may signal the process
/// itself, `syscall` may do either.
const REPLACES_OR_SIGNALS: &[&str] = &[
    "execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp", "execlpe", "fexecve",
    "execveat", "kill", "raise", "syscall", "abort", "killpg",
];

/// Whether a callee, as written, is one of [`ENDING_NAMES`] (or Python's and Rust's bare
/// `exit`, a Rust path through `std::`), or a call that replaces or signals the process
/// ([`GO_REPLACES_OR_SIGNALS`] of Go's `syscall`/`unix`, [`REPLACES_OR_SIGNALS`] of
/// Rust's `libc`/`nix` or Python's `os`).
fn ending_name(t: &str) -> bool {
    let t = t.strip_prefix("std::").unwrap_or(t);
    if t == "exit" || ENDING_NAMES.contains(&t) {
        return true;
    }
    if let Some((module, rest)) = t.split_once('.')
        && matches!(module, "syscall" | "unix")
        && GO_REPLACES_OR_SIGNALS.contains(&rest)
    {
        return true;
    }
    // Python: `os.execv(…)`, `os.kill(os.getpid(), …)`, `os.abort()`.
    if let Some(rest) = t.strip_prefix("os.")
        && REPLACES_OR_SIGNALS.contains(&rest)
    {
        return true;
    }
    // Rust: `libc::execv(…)`, `nix::unistd::execv(…)`, `nix::sys::signal::raise(…)`.
    if let Some((path, rest)) = t.rsplit_once("::")
        && (path == "libc" || path == "nix" || path.starts_with("nix::"))
        && REPLACES_OR_SIGNALS.contains(&rest)
    {
        return true;
    }
    false
}

/// The module-level functions of a Python, Go or JavaScript/TypeScript test file (see
/// [`FileFunction`]): `def`, `func`, `function`, and `const f = (…) => …` or `= function …`,
/// exported or not.
pub(crate) fn file_functions(
    root: Node<'_>,
    src: &str,
    rules: &dyn super::analysis::Rules,
) -> Vec<FileFunction> {
    let mut out = Vec::new();
    let mut aliases: Vec<(String, String)> = Vec::new();
    let mut instances: Vec<(String, String, String)> = Vec::new();
    let mut push = |whole: Node<'_>, name: &str, def: Node<'_>| {
        out.extend(file_function(whole, name, def, src, rules));
    };
    // `export default NAME` / `export default function NAME(…)`: the function a default
    // import names (recorded again as `default`).
    let mut default: Option<String> = None;
    for top in named_children(root) {
        let n = if kind(top) == "export_statement" {
            let mut cursor = top.walk();
            let is_default = top
                .children(&mut cursor)
                .any(|c| !c.is_named() && kind(c) == "default");
            let declaration = top.field("declaration").or_else(|| top.field("value"));
            match declaration {
                Some(d) if is_default && kind(d) == "identifier" => {
                    default = Some(text(d, src).to_owned());
                    continue;
                }
                Some(d) if is_default && field_text(d, "name", src).is_none() => {
                    if matches!(
                        kind(d),
                        "arrow_function" | "function_expression" | "function"
                    ) {
                        push(top, "default", d);
                    }
                    // `export default { checkTotal, verify: check }`: its members, read as
                    // `default.checkTotal` (a default import `h` calls `h.checkTotal`).
                    if kind(d) == "object" {
                        for p in named_children(d) {
                            match kind(p) {
                                "shorthand_property_identifier" => {
                                    let n = text(p, src);
                                    aliases.push((format!("default.{n}"), n.to_owned()));
                                }
                                "pair" => {
                                    if let (Some(k), Some(v)) = (p.field("key"), p.field("value"))
                                        && kind(v) == "identifier"
                                    {
                                        let key =
                                            text(k, src).trim_matches(|c| c == '\'' || c == '"');
                                        aliases.push((
                                            format!("default.{key}"),
                                            text(v, src).to_owned(),
                                        ));
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    continue;
                }
                Some(d) => {
                    if is_default {
                        default = field_text(d, "name", src).map(str::to_owned);
                    }
                    d
                }
                None => continue,
            }
        } else {
            top
        };
        // Read again with the setters of a Go package written out: only what calls one can
        // read otherwise (see `setters`).
        if super::setters::active()
            && kind(n) == "function_declaration"
            && !super::setters::mentioned(text(n, src))
        {
            continue;
        }
        match kind(n) {
            "function_definition" | "function_declaration" | "generator_function_declaration" => {
                if let Some(name) = field_text(n, "name", src) {
                    push(top, name, n);
                }
            }
            // A class of the module that the tests use as a helper (`Checker().check(x)`):
            // its methods' checks are the test's, so the class is read as one helper.
            "class_definition" | "class_declaration" | "abstract_class_declaration"
                if helper_class(root, n, src) =>
            {
                if let Some(name) = field_text(n, "name", src) {
                    push(top, name, n);
                }
            }
            "decorated_definition" => {
                let Some(def) = n.field("definition") else {
                    continue;
                };
                if kind(def) == "class_definition"
                    && helper_class(root, def, src)
                    && let Some(name) = field_text(def, "name", src)
                {
                    push(top, name, def);
                    continue;
                }
                let fixture = named_children(n).into_iter().any(|d| {
                    kind(d) == "decorator" && {
                        let t = normalized(d, src);
                        let callee = t.trim_start_matches('@');
                        let callee = callee.split('(').next().unwrap_or(callee);
                        callee == "fixture" || callee.ends_with(".fixture")
                    }
                });
                if kind(def) == "function_definition"
                    && !fixture
                    && let Some(name) = field_text(def, "name", src)
                {
                    push(top, name, def);
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for d in named_children(n) {
                    if kind(d) != "variable_declarator" {
                        continue;
                    }
                    let (Some(name), Some(value)) = (d.field("name"), d.field("value")) else {
                        continue;
                    };
                    if kind(name) != "identifier" {
                        continue;
                    }
                    if matches!(
                        kind(value),
                        "arrow_function" | "function_expression" | "function"
                    ) {
                        push(top, text(name, src), value);
                    } else if kind(value) == "call_expression"
                        && let Some(f) = value.field("arguments").and_then(|a| {
                            named_children(a).into_iter().find(|x| {
                                matches!(
                                    kind(*x),
                                    "arrow_function" | "function_expression" | "function"
                                )
                            })
                        })
                    {
                        // `const check = traced((x) => …)`: the function it wraps, with the
                        // wrapper's names.
                        push(top, text(name, src), f);
                    } else if kind(value) == "identifier" {
                        aliases.push((text(name, src).to_owned(), text(value, src).to_owned()));
                    }
                }
            }
            // CommonJS: `exports.check = function check(…) {…}`, `module.exports.check =
            // (…) => …`: a helper exported by its name.
            "expression_statement" => {
                for a in named_children(n) {
                    // Python `check_total = _check_total`: another name of a function.
                    if kind(a) == "assignment"
                        && let (Some(left), Some(right)) = (a.field("left"), a.field("right"))
                        && kind(left) == "identifier"
                        && kind(right) == "identifier"
                    {
                        aliases.push((text(left, src).to_owned(), text(right, src).to_owned()));
                        continue;
                    }
                    // `traced = Tracer()`: an instance of a class of the file, which runs
                    // that class's code when called (a decorator that is an instance).
                    if kind(a) == "assignment"
                        && let (Some(left), Some(right)) = (a.field("left"), a.field("right"))
                        && kind(left) == "identifier"
                        && kind(right) == "call"
                        && let Some(f) = right.field("function")
                        && kind(f) == "identifier"
                    {
                        instances.push((
                            text(left, src).to_owned(),
                            text(f, src).to_owned(),
                            normalized(right, src),
                        ));
                        continue;
                    }
                    let (Some(left), Some(value)) = (a.field("left"), a.field("right")) else {
                        continue;
                    };
                    let target: String = text(left, src).split_whitespace().collect();
                    let exported = target
                        .strip_prefix("module.exports.")
                        .or_else(|| target.strip_prefix("exports."))
                        .filter(|x| {
                            x.chars()
                                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
                        });
                    if kind(a) == "assignment_expression"
                        && let Some(exported) = exported
                        && matches!(
                            kind(value),
                            "arrow_function" | "function_expression" | "function"
                        )
                    {
                        push(top, exported, value);
                    }
                }
            }
            // Go `var CheckTotal = checkTotal`: another name of a function.
            "var_declaration" => {
                let mut stack = named_children(n);
                while let Some(spec) = stack.pop() {
                    if kind(spec) == "var_spec_list" {
                        stack.extend(named_children(spec));
                        continue;
                    }
                    if kind(spec) != "var_spec" {
                        continue;
                    }
                    let names: Vec<Node<'_>> = {
                        let mut c = spec.walk();
                        spec.children_by_field_name("name", &mut c).collect()
                    };
                    let values: Vec<Node<'_>> =
                        spec.field("value").map(named_children).unwrap_or_default();
                    for (name, value) in names.iter().zip(values.iter()) {
                        if kind(*value) == "identifier" {
                            aliases
                                .push((text(*name, src).to_owned(), text(*value, src).to_owned()));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // An instance of a class of the file reads as the class, whole.
    for (alias, class, call) in instances {
        if out.iter().any(|f| f.name == alias) {
            continue;
        }
        let def = named_children(root).into_iter().find_map(|top| {
            let def = super::analysis::undecorated(top)?;
            (kind(def) == "class_definition"
                && field_text(def, "name", src) == Some(class.as_str()))
            .then_some((top, def))
        });
        if let Some((top, def)) = def
            && let Some(f) = file_function(top, &class, def, src, rules)
        {
            out.push(FileFunction {
                name: alias.clone(),
                text: format!("{alias} = {call}: {}", f.text),
                read: None,
                is_class: true,
                ..f
            });
        }
    }
    // Another name of a function of the file reads as that function.
    for (alias, target) in aliases {
        if out.iter().any(|f| f.name == alias) {
            continue;
        }
        if let Some(f) = out.iter().find(|f| f.name == target) {
            let f = FileFunction {
                name: alias.clone(),
                text: format!("{alias} = {target}"),
                uses: BTreeSet::from([target.clone()]),
                read: None,
                ..f.clone()
            };
            out.push(f);
        }
    }
    wrappers_assert(&mut out);
    // Go: the methods of each type of the file, one helper per type (`checker{t}.check(x)`).
    if kind(root) == "source_file" {
        let receiver_type = |m: Node<'_>| -> Option<String> {
            // `(c checker)`, `(c *checker)`, `(c checker[T])`: the type's name.
            text(m.field("receiver")?, src)
                .trim_matches(|c| c == '(' || c == ')')
                .rsplit([' ', '*'])
                .next()
                .map(|t| t.split('[').next().unwrap_or(t).trim().to_owned())
                .filter(|t| !t.is_empty())
        };
        // Read again with the setters of a Go package written out: only the types one of
        // whose methods calls one (see `setters`).
        let setter_callers: BTreeSet<String> = if super::setters::active() {
            named_children(root)
                .into_iter()
                .filter(|m| {
                    kind(*m) == "method_declaration" && super::setters::mentioned(text(*m, src))
                })
                .filter_map(receiver_type)
                .collect()
        } else {
            BTreeSet::new()
        };
        let mut by_type: BTreeMap<String, Vec<FileFunction>> = BTreeMap::new();
        for m in named_children(root) {
            if kind(m) != "method_declaration" {
                continue;
            }
            let Some(type_name) = receiver_type(m) else {
                continue;
            };
            if super::setters::active() && !setter_callers.contains(&type_name) {
                continue;
            }
            if let Some(f) = file_function(m, &type_name, m, src, rules) {
                by_type.entry(type_name).or_default().push(f);
            }
        }
        // A struct type that embeds others has their methods too (`Checker{…}.Total(…)`
        // with `Total` a method of an embedded `Base`): it reaches them by their names.
        let mut embeds: BTreeMap<String, (Node<'_>, BTreeSet<String>)> = BTreeMap::new();
        for d in named_children(root) {
            if kind(d) != "type_declaration" {
                continue;
            }
            for spec in named_children(d) {
                let (Some(name), Some(ty)) = (spec.field("name"), spec.field("type")) else {
                    continue;
                };
                if kind(ty) != "struct_type" {
                    continue;
                }
                let mut embedded = BTreeSet::new();
                let mut stack = named_children(ty);
                while let Some(n) = stack.pop() {
                    if kind(n) == "field_declaration_list" {
                        stack.extend(named_children(n));
                        continue;
                    }
                    if kind(n) == "field_declaration"
                        && n.field("name").is_none()
                        && let Some(t) = n.field("type")
                    {
                        let t = text(t, src).trim_start_matches('*');
                        let t = t.rsplit('.').next().unwrap_or(t);
                        embedded.insert(t.split('[').next().unwrap_or(t).to_owned());
                    }
                }
                if !embedded.is_empty() {
                    embeds.insert(text(name, src).to_owned(), (spec, embedded));
                }
            }
        }
        let mut merged: Vec<FileFunction> =
            by_type.into_values().filter_map(merged_helper).collect();
        for (type_name, (spec, embedded)) in embeds {
            if let Some(f) = merged.iter_mut().find(|f| f.name == type_name) {
                f.uses.extend(embedded);
            } else {
                merged.push(FileFunction {
                    name: type_name,
                    text: normalized(spec, src),
                    uses: embedded,
                    asserts: false,
                    file: None,
                    beyond: Vec::new(),
                    beyond_values: Vec::new(),
                    is_class: true,
                    read: None,
                    skips: false,
                });
            }
        }
        out.extend(merged);
    }
    if let Some(name) = default
        && let Some(f) = out.iter().find(|f| f.name == name)
    {
        let f = FileFunction {
            name: "default".to_owned(),
            ..f.clone()
        };
        out.push(f);
    }
    out
}

/// The parts of one helper type (a Go type's methods, a Rust type's `impl` blocks), in
/// source order, read as one helper of the type's name: its text each part's, its names and
/// whether it asserts those of any part.
pub(crate) fn merged_helper(parts: Vec<FileFunction>) -> Option<FileFunction> {
    let mut parts = parts.into_iter();
    let mut out = parts.next()?;
    out.is_class = true;
    for p in parts {
        let read_before = out.read.take().unwrap_or_else(|| out.text.clone());
        let read_now = p.read.clone().unwrap_or_else(|| p.text.clone());
        out.text = format!("{}\n{}", out.text, p.text);
        let read = format!("{read_before}\n{read_now}");
        out.read = (read != out.text).then_some(read);
        out.uses.extend(p.uses);
        out.asserts |= p.asserts;
        // Any part that skips, ends the process or writes beyond its locals locks the whole.
        out.skips |= p.skips;
    }
    Some(out)
}

/// Whether `class`, at the top of the module `root`, is a helper class rather than a test
/// class: not one named like pytest's test classes (`Test…`) and holding no `test…` method
/// (a mixin of tests), which the runner runs as tests; never a class nested in a class.
fn helper_class(root: Node<'_>, class: Node<'_>, src: &str) -> bool {
    if !matches!(kind(root), "module" | "program") {
        return false;
    }
    if kind(class) != "class_definition" {
        return true;
    }
    let named_like_a_test = field_text(class, "name", src).is_none_or(|n| n.starts_with("Test"));
    let holds_a_test = class.field("body").is_some_and(|body| {
        named_children(body).into_iter().any(|m| {
            let def = super::analysis::undecorated(m);
            def.filter(|d| kind(*d) == "function_definition")
                .and_then(|d| field_text(d, "name", src))
                .is_some_and(|n| n.starts_with("test"))
        })
    });
    !named_like_a_test && !holds_a_test
}

/// The check helpers a test reaches (see [`FileFunction`]), as `helper NAME: TEXT` lines:
/// each function of its file it calls, and each one those call in turn, that asserts or
/// calls one that does. A check a test delegates to a helper is one of its checks: `def
/// check(out): pass` in place of `def check(out): assert out == 6` weakens every test that
/// calls it, and so does a `run()` between them that stops calling `check`. A helper that
/// leads to no assertion is code the test exercises, unless an assertion names it: also the
/// helpers whose value an assertion of the test checks
/// (`values`: the names it calls inside its assertions, `assert total(xs) == expected()`),
/// with every helper those call: what such a helper returns is what the test compares, so
/// `def expected(): return 6` → `return total([1, 2, 3])` is as much a weakening as the same
/// edit inside the test.
pub(crate) fn reached_helpers(
    uses: &BTreeSet<String>,
    values: &BTreeSet<String>,
    functions: &[FileFunction],
    own_name: &str,
) -> Vec<String> {
    let indices = reached_check_helper_indices(uses, functions, own_name);
    let valued = if values.is_empty() {
        BTreeSet::new()
    } else {
        reached_indices(values, functions, own_name)
    };
    // Every helper it reaches that skips the test or ends the process.
    let skipping: Vec<String> = reached_indices(uses, functions, own_name)
        .into_iter()
        .filter(|&i| functions[i].skips)
        .map(|i| {
            // As a test's statements read it (`set(x for x in y)` as `{x for x in y}`).
            let f = &functions[i];
            let read = FileFunction {
                text: f.read.clone().unwrap_or_else(|| f.text.clone()),
                ..f.clone()
            };
            format!("{SKIPS_IN_HELPER}{}", helper_line(&read))
        })
        .collect();
    let mut out: Vec<String> = skipping
        .into_iter()
        .chain(indices.iter().chain(&valued).flat_map(|&i| {
            let f = &functions[i];
            let compared = if valued.contains(&i) {
                f.beyond_values.as_slice()
            } else {
                &[]
            };
            std::iter::once(helper_line(f))
                .chain(f.beyond.iter().cloned())
                .chain(compared.iter().cloned())
        }))
        .collect();
    out.sort();
    out.dedup();
    out
}

std::thread_local! {
    /// The methods of each class body of the file being scanned, by its source buffer and
    /// byte range (see
    /// [`class_functions`]); emptied when a scan starts.
    static CLASS_FUNCTIONS: std::cell::RefCell<BTreeMap<[usize; 4], Vec<FileFunction>>> =
        const { std::cell::RefCell::new(BTreeMap::new()) };
}

/// Forgets the methods read by [`class_functions`] (a new file's scan starts on this thread).
pub(crate) fn forget_class_functions() {
    CLASS_FUNCTIONS.with(|c| c.borrow_mut().clear());
    REFERENCED.with(|c| c.borrow_mut().clear());
}

/// The methods of a Python class body other than its tests, each named `.NAME` as a test
/// reaches it (`self.check(…)`, see [`used_names`]), read once per class and file.
pub(crate) fn class_functions(
    body: Node<'_>,
    src: &str,
    rules: &dyn super::analysis::Rules,
) -> Vec<FileFunction> {
    let key = [
        src.as_ptr() as usize,
        src.len(),
        body.start_byte(),
        body.end_byte(),
    ];
    if let Some(found) = CLASS_FUNCTIONS.with(|c| c.borrow().get(&key).cloned()) {
        return found;
    }
    let methods: Vec<FileFunction> = file_functions(body, src, rules)
        .into_iter()
        .filter(|f| !rules.names_a_test_function(&f.name))
        .map(|f| FileFunction {
            name: format!(".{}", f.name),
            ..f
        })
        .collect();
    CLASS_FUNCTIONS.with(|c| c.borrow_mut().insert(key, methods.clone()));
    methods
}

/// What a module of the tests holds that a test may reach: its functions, and (Python) its
/// classes.
#[derive(Debug, Clone, Default)]
pub struct ModuleParts {
    pub functions: Vec<FileFunction>,
    /// Its module-level bindings (its imports among them).
    pub bindings: Vec<Binding>,
    pub classes: Vec<ModuleClass>,
    /// JavaScript/TypeScript: what it exports from another module without binding it
    /// (`export {check as verify} from './check.js'`: `Some(("check", "verify"))`; `export *
    /// from './check.js'`: `None`), with the specifier as written (quoted).
    pub reexports: Vec<Reexport>,
}

/// A re-export (see [`ModuleParts::reexports`]): `(name, alias)` or `None` for `export *`,
/// and the specifier as written.
pub type Reexport = (Option<(String, String)>, String);

/// The re-exports of a JavaScript/TypeScript module's top level (see
/// [`ModuleParts::reexports`]); type-only ones are left out.
pub(crate) fn js_reexports(root: Node<'_>, src: &str) -> Vec<Reexport> {
    let mut out = Vec::new();
    for n in named_children(root) {
        // CommonJS `module.exports = require('./check.js')`: all of that module.
        if kind(n) == "expression_statement"
            && let Some(a) = named_children(n).into_iter().next()
            && kind(a) == "assignment_expression"
            && let (Some(left), Some(right)) = (a.field("left"), a.field("right"))
            && text(left, src).split_whitespace().collect::<String>() == "module.exports"
            && kind(right) == "call_expression"
            && right
                .field("function")
                .is_some_and(|f| text(f, src) == "require")
            && let Some(arg) = right.field("arguments").and_then(|x| x.named_child(0))
            && kind(arg) == "string"
        {
            out.push((None, text(arg, src).to_owned()));
            continue;
        }
        if kind(n) != "export_statement" || is_type_only(n) {
            continue;
        }
        let Some(source) = field_text(n, "source", src) else {
            continue;
        };
        // `export * as checks from './check.js'`: the module under that name.
        if let Some(ns) = named_children(n)
            .into_iter()
            .find(|c| kind(*c) == "namespace_export")
        {
            let name = named_children(ns)
                .first()
                .map(|i| text(*i, src).to_owned())
                .unwrap_or_default();
            if !name.is_empty() {
                out.push((Some(("*".to_owned(), name)), source.to_owned()));
            }
            continue;
        }
        let clause = named_children(n)
            .into_iter()
            .find(|c| kind(*c) == "export_clause");
        match clause {
            Some(clause) => {
                for spec in named_children(clause) {
                    if kind(spec) != "export_specifier" || is_type_only(spec) {
                        continue;
                    }
                    let name = field_text(spec, "name", src).unwrap_or("").to_owned();
                    let alias = field_text(spec, "alias", src).map_or(name.clone(), str::to_owned);
                    out.push((Some((name, alias)), source.to_owned()));
                }
            }
            None => {
                // `export * from …` (not `export * as ns from …`, a namespace).
                if !named_children(n)
                    .into_iter()
                    .any(|c| kind(c) == "namespace_export")
                {
                    out.push((None, source.to_owned()));
                }
            }
        }
    }
    out
}

impl ModuleParts {
    /// Its functions, each marked as of `file`, with the module-level values each reads
    /// (`TOL = 0` read by `def check_total(x, tol=TOL)`, `const WANT = 6` by `function
    /// checkTotal(x, want = WANT)`) among the lines locked with it (`defined TOL (in FILE):
    /// TOL = 0`): what it compares with is decided there.
    pub(crate) fn functions_of(&self, file: &str) -> Vec<FileFunction> {
        let functions: BTreeSet<&str> = self.functions.iter().map(|f| f.name.as_str()).collect();
        self.functions
            .iter()
            .map(|f| {
                let mut beyond = f.beyond.clone();
                for u in &f.uses {
                    if functions.contains(u.as_str()) || u == &f.name {
                        continue;
                    }
                    for b in &self.bindings {
                        if b.names.len() == 1 && b.names.contains(u) && module_value(&b.text) {
                            beyond.push(format!("defined {u} (in {file}): {}", b.text));
                        }
                    }
                }
                FileFunction {
                    file: Some(file.to_owned()),
                    beyond,
                    ..f.clone()
                }
            })
            .collect()
    }
}

/// Whether a module-level binding's text binds a value (`TOL = 0`, `const WANT = 6`), not
/// an import, a function or a class, which are read otherwise.
fn module_value(text: &str) -> bool {
    ![
        "import ",
        "from ",
        "def ",
        "async def ",
        "class ",
        "function ",
        "async function ",
        "@",
        "export ",
        "in class ",
    ]
    .iter()
    .any(|p| text.starts_with(p))
        && !text.contains(" from ")
}

/// A Python class of a module: its name, the names of its base classes (`TotalChecks`,
/// `root.Root`: see [`inherited_base_names`]), and its methods other than tests (`.NAME`).
#[derive(Debug, Clone)]
pub struct ModuleClass {
    pub name: String,
    pub bases: Vec<String>,
    pub methods: Vec<FileFunction>,
    /// What of it runs for a test of a class deriving from it without the test calling it:
    /// its setups and hooks (`setup …`, `hook …`, see [`setups_read`]).
    pub runs: Vec<String>,
}

/// The classes defined at the top of a Python module (see [`ModuleClass`]).
pub(crate) fn module_classes(
    root: Node<'_>,
    src: &str,
    rules: &dyn super::analysis::Rules,
) -> Vec<ModuleClass> {
    top_classes(root, src)
        .into_iter()
        .filter_map(|(name, class)| {
            let body = class.field("body")?;
            // Read afresh: the names this module's code mentions, not a test file's.
            REFERENCED.with(|c| c.borrow_mut().clear());
            let runs = setups_read("python", body, src, true)
                .into_iter()
                .map(|(line, _)| line)
                .chain(class_decorator_lines(body, src))
                .collect();
            REFERENCED.with(|c| c.borrow_mut().clear());
            Some(ModuleClass {
                name: name.to_owned(),
                runs,
                bases: inherited_base_names(class, src),
                methods: file_functions(body, src, rules)
                    .into_iter()
                    .filter(|f| !rules.names_a_test_function(&f.name))
                    .map(|f| FileFunction {
                        name: format!(".{}", f.name),
                        ..f
                    })
                    .collect(),
            })
        })
        .collect()
}

/// `(name, class_definition)` of each class at the top of a Python module, decorated or not.
fn top_classes<'t, 's>(root: Node<'t>, src: &'s str) -> Vec<(&'s str, Node<'t>)> {
    named_children(root)
        .into_iter()
        .filter_map(|n| {
            let class = super::analysis::undecorated(n)?;
            (kind(class) == "class_definition")
                .then(|| field_text(class, "name", src).map(|name| (name, class)))
                .flatten()
        })
        .collect()
}

/// The plain names a Python class lists as its bases (`class TestTotal(TotalChecks, Mixin)`).
pub(crate) fn base_names(class: Node<'_>, src: &str) -> Vec<String> {
    class
        .field("superclasses")
        .map(|args| {
            named_children(args)
                .into_iter()
                .filter(|a| kind(*a) == "identifier")
                .map(|a| text(a, src).to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A class's bases as its methods are looked up: the plain names of [`base_names`] and
/// those named through a module (`helpers.Base`, `tests.helpers.Base`), in their order.
fn inherited_base_names(class: Node<'_>, src: &str) -> Vec<String> {
    class
        .field("superclasses")
        .map(|args| {
            named_children(args)
                .into_iter()
                .filter(|a| {
                    matches!(kind(*a), "identifier" | "attribute")
                        && text(*a, src).split('.').all(|p| {
                            !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_')
                        })
                })
                .map(|a| text(a, src).to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A class's base names and its methods, as [`inherit_methods`] looks them up.
pub(crate) type ClassParts = (Vec<String>, Vec<FileFunction>);

/// Adds to `methods` (a class's own, `.NAME`) those it inherits, in the order Python looks
/// them up (each base in turn, depth first, a name found first hiding a later one), from the
/// classes `classes` names, returning the names of bases none of them defines (imported from
/// another module, or a library's).
pub(crate) fn inherit_methods(
    bases: &[String],
    classes: &dyn Fn(&str) -> Option<ClassParts>,
    methods: &mut Vec<FileFunction>,
) -> Vec<String> {
    let mut unresolved = Vec::new();
    let mut seen_classes: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<String> = bases.iter().rev().cloned().collect();
    while let Some(base) = stack.pop() {
        if !seen_classes.insert(base.clone()) {
            continue;
        }
        let Some((their_bases, theirs)) = classes(&base) else {
            unresolved.push(base);
            continue;
        };
        for f in theirs {
            if !methods.iter().any(|m| m.name == f.name) {
                methods.push(f);
            }
        }
        stack.extend(their_bases.into_iter().rev());
    }
    unresolved
}

/// The methods a Python class (its body) inherits from classes of its own file (see
/// [`inherit_methods`]) that `own` does not define, and the bases the file does not define.
pub(crate) fn inherited_class_functions(
    body: Node<'_>,
    src: &str,
    rules: &dyn super::analysis::Rules,
    own: &[FileFunction],
) -> (Vec<FileFunction>, Vec<String>) {
    let Some(class) = body.parent().filter(|c| kind(*c) == "class_definition") else {
        return (Vec::new(), Vec::new());
    };
    let bases = inherited_base_names(class, src);
    if bases.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut root = class;
    while let Some(p) = root.parent() {
        root = p;
    }
    let classes = top_classes(root, src);
    let lookup = |name: &str| {
        let (_, c) = classes.iter().find(|(n, _)| *n == name)?;
        let body = c.field("body")?;
        Some((
            inherited_base_names(*c, src),
            class_functions(body, src, rules),
        ))
    };
    let mut methods = own.to_vec();
    let unresolved = inherit_methods(&bases, &lookup, &mut methods);
    (methods.split_off(own.len()), unresolved)
}

/// The functions a test can reach as helpers: `functions` (its file's, and those of other
/// files it can call) and the methods of its classes (`.NAME`).
pub(crate) fn with_class_functions<'f>(
    functions: &'f [FileFunction],
    t: &super::analysis::TestItem,
) -> std::borrow::Cow<'f, [FileFunction]> {
    if t.class_functions.is_empty() {
        std::borrow::Cow::Borrowed(functions)
    } else {
        std::borrow::Cow::Owned(
            functions
                .iter()
                .chain(&t.class_functions)
                .cloned()
                .collect(),
        )
    }
}

/// The module-level function a test is, which is not its own helper: a Python or Go test
/// at the top of its file. A JavaScript test's name is its title (`test('total', …)` may
/// call a helper named `total`), and a Python method is not a module-level function.
pub(crate) fn own_function(t: &super::analysis::TestItem) -> &str {
    let top_level = t.id.ends_with(&format!(":{}::{}", t.path, t.name));
    if matches!(t.lang, "python" | "go") && top_level {
        &t.name
    } else {
        ""
    }
}

/// `helper NAME: TEXT`, or `helper NAME (in FILE): TEXT` for one of another file.
pub(crate) fn helper_line(f: &FileFunction) -> String {
    let line = match &f.file {
        Some(file) => format!("helper {} (in {file}): {}", f.name, f.text),
        None => format!("helper {}: {}", f.name, f.text),
    };
    if let Some(read) = &f.read {
        let as_read = match &f.file {
            Some(file) => format!("helper {} (in {file}): {read}", f.name),
            None => format!("helper {}: {read}", f.name),
        };
        let mut reads = HELPER_READS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        reads
            .entry(line.clone())
            .and_modify(|r| {
                if r.as_deref() != Some(as_read.as_str()) {
                    *r = None;
                }
            })
            .or_insert(Some(as_read));
    }
    line
}

/// The text of each Python helper that skips on a condition (`if "TRAVIS" in os.environ:
/// self.skipTest(…)` among its statements, see `analysis::skip_guard`) with those guards
/// left out, by its text: a helper now written that way runs more and changes nothing else
/// (tornado's `start_server` losing its Travis guard). Only guards whose condition calls
/// nothing: a call there (`if not billing.enable_strict(): …`) may set up what the test
/// runs against. A text two functions read differently reads as neither (`None`).
static UNGUARDED: std::sync::OnceLock<
    std::sync::Mutex<std::collections::BTreeMap<String, Option<String>>>,
> = std::sync::OnceLock::new();

fn record_unguarded(
    whole: Node<'_>,
    body: Node<'_>,
    src: &str,
    doc: Option<Node<'_>>,
    rules: &dyn super::analysis::Rules,
    written: &str,
) {
    let guards: Vec<Node<'_>> = named_children(body)
        .into_iter()
        .filter(|st| super::analysis::skip_guard(*st, src, rules))
        .filter(|st| {
            let Some(condition) = st.field("condition") else {
                return false;
            };
            let mut stack = vec![condition];
            while let Some(n) = stack.pop() {
                if matches!(kind(n), "call" | "await" | "lambda") {
                    return false;
                }
                stack.extend(named_children(n));
            }
            true
        })
        .collect();
    if guards.is_empty() {
        return;
    }
    let mut leave_out = guards;
    leave_out.extend(doc);
    let unguarded = super::analysis::normalized_without_nodes(whole, src, &leave_out);
    let mut map = UNGUARDED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.entry(written.to_owned())
        .and_modify(|r| {
            if r.as_deref() != Some(unguarded.as_str()) {
                *r = None;
            }
        })
        .or_insert(Some(unguarded));
}

/// The text of a Python helper written `text` with its skip guards left out (see
/// [`UNGUARDED`]), when a function read in this run was written so.
pub(crate) fn unguarded(text: &str) -> Option<String> {
    UNGUARDED
        .get()?
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(text)
        .cloned()
        .flatten()
}

/// How each `helper` line made in this process reads, when its function reads otherwise
/// ([`FileFunction::read`]): the lines of helpers reached through other modules (a decorator's
/// value, what an imported helper calls) are built as text, away from the test they end up
/// in. A line that two functions read differently reads as neither (`None`).
static HELPER_READS: std::sync::OnceLock<
    std::sync::Mutex<std::collections::BTreeMap<String, Option<String>>>,
> = std::sync::OnceLock::new();

/// How the `helper` line `line` reads, when a function made it in this process and reads
/// otherwise (see [`HELPER_READS`]).
pub(crate) fn helper_line_read(line: &str) -> Option<String> {
    HELPER_READS
        .get()?
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(line)
        .cloned()
        .flatten()
}

/// Whether a Python definition holds what a test's statements read otherwise than written
/// (see `analysis::python_erasure`): an annotated assignment, an annotated parameter, a
/// return annotation, or a class's bases (`(object)`, `()`).
fn python_annotated(whole: Node<'_>) -> bool {
    let mut stack = vec![whole];
    while let Some(n) = stack.pop() {
        let annotated = match kind(n) {
            "assignment" => n.field("type").is_some(),
            "typed_parameter" | "typed_default_parameter" => true,
            "function_definition" => n.field("return_type").is_some(),
            "class_definition" => n.field("superclasses").is_some(),
            _ => false,
        };
        if annotated {
            return true;
        }
        stack.extend(named_children(n));
    }
    false
}

/// How the `helper` lines among `lines` read (see [`FileFunction::read`]), for those whose
/// function reads otherwise: `(line, read)`.
pub(crate) fn helper_line_reads(
    lines: &[String],
    functions: &[FileFunction],
) -> Vec<(String, String)> {
    functions
        .iter()
        .filter_map(|f| {
            let read = f.read.as_ref()?;
            let line = helper_line(f);
            lines.contains(&line).then(|| {
                let as_read = FileFunction {
                    text: read.clone(),
                    read: None,
                    ..f.clone()
                };
                (line, helper_line(&as_read))
            })
        })
        .collect()
}

/// Each function's name with its index, `None` for a name bound more than once: only a name
/// bound once in the file (in Go, the package) is followed (a second `def` rebinds it, which
/// `rebound` judges).
fn bound_once(functions: &[FileFunction]) -> BTreeMap<&str, Option<usize>> {
    let mut by_name: BTreeMap<&str, Option<usize>> = BTreeMap::new();
    for (i, f) in functions.iter().enumerate() {
        by_name
            .entry(f.name.as_str())
            .and_modify(|e| *e = None)
            .or_insert(Some(i));
    }
    by_name
}

/// `used` with the names every function of `functions` it reaches uses in turn (by name,
/// each definition of it, transitively), the test's own aside: a module-level binding of a
/// name its helper reads (`billing.total = f` under `def check(): assert billing.total(…)`)
/// changes what the test runs as much as one of a name it reads itself.
pub(crate) fn uses_through_helpers(
    used: &BTreeSet<String>,
    functions: &[FileFunction],
    own_name: &str,
) -> BTreeSet<String> {
    let mut out = used.clone();
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    let mut queue: Vec<String> = used.iter().cloned().collect();
    while let Some(name) = queue.pop() {
        if name == own_name {
            continue;
        }
        let computed = name.strip_suffix(COMPUTED_MEMBER);
        for (i, f) in functions.iter().enumerate() {
            let reached = match computed {
                Some(prefix) => {
                    f.name != own_name
                        && f.name.starts_with(prefix)
                        && (prefix.is_empty() || f.name.len() > prefix.len())
                }
                None => f.name == name,
            };
            if reached && seen.insert(i) {
                for u in &f.uses {
                    if out.insert(u.clone()) {
                        queue.push(u.clone());
                    }
                }
            }
        }
    }
    out
}

/// The functions (by index, see [`bound_once`]) that `names` call, the test's own aside.
fn callees_of(
    names: &BTreeSet<String>,
    by_name: &BTreeMap<&str, Option<usize>>,
    own_name: &str,
) -> Vec<usize> {
    let mut out = Vec::new();
    for n in names.iter().filter(|n| n.as_str() != own_name) {
        // A member looked up by a computed name (see [`COMPUTED_MEMBER`]): every function
        // it could be.
        if let Some(prefix) = n.strip_suffix(COMPUTED_MEMBER) {
            out.extend(
                by_name
                    .iter()
                    .filter(|(k, _)| **k != own_name && k.starts_with(prefix))
                    .filter(|(k, _)| prefix.is_empty() || k.len() > prefix.len())
                    .filter_map(|(_, i)| *i),
            );
        } else {
            out.extend(by_name.get(n.as_str()).copied().flatten());
        }
    }
    out
}

/// The mark, in a test's or helper's uses, of a member looked up by a name computed when it
/// runs: `helpers.*` for `getattr(helpers, "check_" + kind)` or `helpers[name]`, `.*` for
/// `getattr(self, …)`, `*` alone for `globals()[…]`, `vars()[…]` or a `getattr` on what
/// the reading cannot name. Each reaches every function of the file (or of the module, or
/// method of the class) it could be.
pub const COMPUTED_MEMBER: &str = "*";

/// The functions of `functions` that `names` call, and those call in turn (by name, each
/// bound once; `own_name`, the test's own, aside), as indices into `functions`.
pub(crate) fn reached_indices(
    names: &BTreeSet<String>,
    functions: &[FileFunction],
    own_name: &str,
) -> BTreeSet<usize> {
    let by_name = bound_once(functions);
    let callees = |names: &BTreeSet<String>| callees_of(names, &by_name, own_name);
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    let mut queue = callees(names);
    while let Some(i) = queue.pop() {
        if seen.insert(i) {
            queue.extend(callees(&functions[i].uses));
        }
    }
    seen
}

/// [`reached_helpers`] without `values`, as indices into `functions`.
pub(crate) fn reached_check_helper_indices(
    uses: &BTreeSet<String>,
    functions: &[FileFunction],
    own_name: &str,
) -> BTreeSet<usize> {
    let reached = reached_indices(uses, functions, own_name);
    let by_name = bound_once(functions);
    let callees = |names: &BTreeSet<String>| callees_of(names, &by_name, own_name);
    // Those that assert, then those that call one of them, until nothing changes.
    let mut leads: BTreeSet<usize> = reached
        .iter()
        .copied()
        .filter(|i| functions[*i].asserts)
        .collect();
    loop {
        let more: Vec<usize> = reached
            .iter()
            .copied()
            .filter(|i| {
                !leads.contains(i)
                    && callees(&functions[*i].uses)
                        .iter()
                        .any(|c| leads.contains(c))
            })
            .collect();
        if more.is_empty() {
            break;
        }
        leads.extend(more);
    }
    leads
}

#[cfg(all(test, feature = "lang-go", feature = "lang-rust"))]
mod ending_tests {
    use super::ends_the_process;
    use crate::sacred::analysis::FieldOf as _;
    use tree_sitter::{Node, Parser};

    fn first_call<'t>(n: Node<'t>, src: &str, name: &str) -> Option<Node<'t>> {
        if n.kind() == "call_expression"
            && n.field("function")
                .is_some_and(|f| &src[f.byte_range()] == name)
        {
            return Some(n);
        }
        let mut w = n.walk();
        let children: Vec<Node<'t>> = n.children(&mut w).collect();
        children.into_iter().find_map(|c| first_call(c, src, name))
    }

    #[test]
    fn the_same_text_read_as_go_then_as_rust_is_answered_for_each_grammar() {
        // A Rust `use` alias: `bye(0)` ends the process in Rust; the Go grammar has no
        // `use`, so there it is an ordinary call.
        let src = "use std::process::exit as bye;\nfn main() { bye(0); }\n";
        let mut go = Parser::new();
        go.set_language(&tree_sitter_go::LANGUAGE.into()).unwrap();
        let go_tree = go.parse(src, None).unwrap();
        let mut rust = Parser::new();
        rust.set_language(&tree_sitter_rust::LANGUAGE.into())
            .unwrap();
        let rust_tree = rust.parse(src, None).unwrap();
        let go_call = first_call(go_tree.root_node(), src, "bye").expect("a Go call");
        let rust_call = first_call(rust_tree.root_node(), src, "bye").expect("a Rust call");
        // Go first, so that a cache keyed on the text alone would answer Rust with Go's.
        assert!(!ends_the_process(go_call, src));
        assert!(ends_the_process(rust_call, src));
        // And the other way round, on a fresh thread (fresh caches).
        let src = src.to_owned();
        std::thread::spawn(move || {
            let mut rust = Parser::new();
            rust.set_language(&tree_sitter_rust::LANGUAGE.into())
                .unwrap();
            let rust_tree = rust.parse(&src, None).unwrap();
            let mut go = Parser::new();
            go.set_language(&tree_sitter_go::LANGUAGE.into()).unwrap();
            let go_tree = go.parse(&src, None).unwrap();
            let rust_call = first_call(rust_tree.root_node(), &src, "bye").unwrap();
            let go_call = first_call(go_tree.root_node(), &src, "bye").unwrap();
            assert!(ends_the_process(rust_call, &src));
            assert!(!ends_the_process(go_call, &src));
        })
        .join()
        .unwrap();
    }
}
