//! Whether a change to the classes around a locked Python test method keeps every run of it:
//! a mixin turned into an abstract base test case (`class Checks:` under `class
//! TestPay(Checks, AsyncHTTPTestCase)` → `@abstract_base_test class Checks(AsyncTestCase)`
//! under `class TestPay(AsyncHTTPTestCase, Checks)` with `def get_app(self): return
//! self.checks_get_app()`), bases reordered or dropped, stub methods added that another
//! class overrides.
//!
//! The locked envelope reads such a change line by line (the class line, a new hook in a
//! subclass) and refuses it. This reading follows Python instead: for every class of the
//! test's file that runs the test (a `unittest.TestCase`, or a class pytest collects by its
//! `Test` name, not marked abstract), before and after, it computes the method resolution
//! order (C3) through the classes the file defines or imports, and compares, name by name,
//! what each lookup finds: the first definition, and the ones after it that a `super()`
//! call reaches. A definition is compared as written without its name, comments or type
//! annotations; a method that only returns `self.OTHER()` reads as what `OTHER` finds.
//!
//! **Invariant (fail closed):** the change keeps every run only when every class on the way
//! is read: a base that is neither a class of the repository gatekeeper can parse nor
//! `unittest.TestCase`/`object` (which must come in the same order in both orders, with no
//! repository class after them defining a name they may define), a class
//! body holding anything but definitions, assignments, a docstring or `pass`, a metaclass,
//! a `super()` that reaches another name, a class decorator other than the same one on both
//! sides or one read as an abstract-base marker ([`is_abstract_marker`]), a family class
//! named in another Python file: each makes the change unproven. A name that only the new
//! classes define is accepted only when nothing read before names it and neither unittest
//! nor pytest reads it (no `_`, `assert…`, `fail…` or hook name).
use crate::sacred::analysis::FieldOf as _;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use tree_sitter::Node;

use super::analysis::{annotation_inert, kind, named_children, text};

/// Reads a file of one revision by its path from the repository root.
pub type Reader<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A class in a method resolution order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Ref {
    /// A class of the repository: its file and name.
    Class(String, String),
    TestCase,
    Object,
}

/// One name a class body binds, as compared.
#[derive(Debug, Clone)]
struct Member {
    /// Its tokens without comments, type annotations or (for a function) its name.
    text: String,
    /// Whether it calls `super()` (always for its own name: see `supers_ok`).
    supers: bool,
    /// A method that only returns `self.OTHER()`: `OTHER`.
    delegate: Option<String>,
    /// What runs when the class is created: its decorators, parameters and defaults (a
    /// function's body aside), or the whole statement.
    head: String,
    /// Whether creating the class runs nothing of it: a `def` without decorators whose
    /// defaults are literals, an assignment of a literal.
    inert: bool,
    /// A method whose body only raises `NotImplementedError` (a stub another class fills).
    stub: bool,
    /// Its annotations as written, compared where something may read them (see
    /// [`Readers`]).
    annotations: String,
    /// Whether they are a function's (its parameters' and return's), not a class's.
    function_annotations: bool,
    /// Whether a decorator registers it (`@check.register` of a `singledispatch`), which
    /// dispatches on its annotations.
    registered: bool,
    /// Whether it names a private attribute (`self.__port`), which Python renames after the
    /// class it is written in.
    mangles: bool,
}

#[derive(Debug)]
struct Class {
    name: String,
    bases: Vec<String>,
    /// Decorators as written (without `@`).
    decorators: Vec<String>,
    /// `None` when its body holds what is not read (or a metaclass, or a misused `super()`).
    members: Option<BTreeMap<String, Member>>,
}

#[derive(Debug)]
struct Module {
    src: String,
    classes: Vec<Class>,
    imports: Vec<String>,
    /// Its top-level functions that mark a class abstract ([`is_abstract_marker`]), each
    /// with the name `SkipTest` is reached through (`unittest` or `SkipTest`).
    markers: BTreeMap<String, &'static str>,
    /// Its top-level function names.
    functions: BTreeSet<String>,
    /// See [`loose_names`].
    loose: BTreeSet<String>,
    /// How many times each name is bound at module level ([`module_binds`]).
    binds: HashMap<String, usize>,
    /// Whether it imports `*` (any name may be rebound).
    star: bool,
    /// The identifiers of what runs when it is imported (all but function bodies).
    import_time: BTreeSet<String>,
    /// What of annotations its code may read.
    readers: Readers,
}

/// Whether a module's code may read annotations: a class's (through `__annotations__`,
/// `get_type_hints`, a class's `__dict__` or `vars`, dataclasses, attrs, pydantic, …) and a
/// function's (`__annotations__`, `inspect.signature`, `getfullargspec` other than for its
/// `.args`, …), by the identifiers and attribute names it holds, and string literals
/// spelling part of `__annotations__`. A name built at run time is not read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Readers {
    class: bool,
    function: bool,
}

impl Readers {
    fn of(root: Node<'_>, src: &str) -> Readers {
        const FUNCTION: &[&str] = &[
            "__annotations__",
            "__annotate__",
            "annotations",
            "annotation",
            "get_type_hints",
            "get_annotations",
            "annotationlib",
            "signature",
            "Signature",
            "Parameter",
            "getargspec",
            "getmembers",
            "getmembers_static",
            "pydantic",
            "validate_call",
            "typeguard",
            "typechecked",
            "beartype",
        ];
        const CLASS: &[&str] = &[
            "__dict__",
            "vars",
            "dataclass",
            "dataclasses",
            "fields",
            "NamedTuple",
            "TypedDict",
            "attrs",
            "attr",
        ];
        let mut r = Readers::default();
        visit(root, &mut |n| match kind(n) {
            "identifier" => {
                let t = text(n, src);
                // `getfullargspec(f).args` reads the parameters' names alone.
                let spec = t == "getfullargspec"
                    && n.parent()
                        .filter(|p| kind(*p) == "call")
                        .and_then(|c| c.parent())
                        .filter(|a| kind(*a) == "attribute")
                        .and_then(|a| a.field("attribute"))
                        .is_none_or(|a| text(a, src) != "args")
                    && !n.parent().is_some_and(|p| {
                        matches!(kind(p), "dotted_name" | "import_from_statement")
                    });
                let future = n.parent().is_some_and(|p| {
                    kind(p) == "dotted_name"
                        && p.parent()
                            .is_some_and(|f| kind(f) == "future_import_statement")
                });
                // A reader is reached as an attribute (`inspect.signature`), imported
                // (`from typing import get_type_hints`), or is a dunder or `vars(…)`; a
                // local named `signature` reads nothing.
                let reached = t.starts_with("__")
                    || n.parent().is_some_and(|p| {
                        (kind(p) == "attribute"
                            && p.field("attribute").is_some_and(|a| a.id() == n.id()))
                            || matches!(
                                kind(p),
                                "dotted_name" | "aliased_import" | "import_from_statement"
                            )
                            || (t == "vars" && kind(p) == "call")
                    });
                r.function |= (reached && FUNCTION.contains(&t) && !future) || spec;
                r.class |= reached && CLASS.contains(&t);
            }
            "string_content" => {
                let t = text(n, src);
                r.function |= ["__ann", "otations__", "__annotate"]
                    .iter()
                    .any(|w| t.contains(w));
            }
            _ => {}
        });
        r.class |= r.function;
        r
    }

    fn or(self, other: Readers) -> Readers {
        Readers {
            class: self.class || other.class,
            function: self.function || other.function,
        }
    }

    /// Whether a definition's annotations are read.
    fn reads(self, m: &Member) -> bool {
        if m.registered {
            true
        } else if m.function_annotations {
            self.function
        } else {
            self.class
        }
    }
}

impl Module {
    /// Whether its function `name` marks a class abstract, `SkipTest` being unittest's
    /// (imported once, as `import unittest` or `from unittest import SkipTest`).
    fn marks(&self, name: &str) -> bool {
        let Some(through) = self.markers.get(name) else {
            return false;
        };
        let wanted = if *through == "unittest" {
            "import unittest"
        } else {
            "from unittest import SkipTest"
        };
        self.bound_once(through) && self.imports.iter().any(|i| i == wanted)
    }

    /// Whether `name` is bound exactly once at module level (its class, def or import).
    fn bound_once(&self, name: &str) -> bool {
        !self.star && self.binds.get(name) == Some(&1)
    }
}

/// The classes of one revision, read lazily.
struct World<'a> {
    read: Reader<'a>,
    modules: RefCell<HashMap<String, Option<Rc<Module>>>>,
    /// The revision's Python files.
    files: &'a [String],
    /// Their texts, read on first use.
    texts: SourcesRead,
    /// The identifier-like words of each of them, built on first use.
    words: RefCell<Option<Vec<FileWords>>>,
}

/// A file's path and the identifier-like words it holds.
type FileWords = (String, BTreeSet<String>);

const MAX_DEPTH: usize = 32;

impl<'a> World<'a> {
    fn new(read: Reader<'a>, files: &'a [String]) -> World<'a> {
        World {
            read,
            modules: RefCell::new(HashMap::new()),
            files,
            texts: RefCell::new(None),
            words: RefCell::new(None),
        }
    }

    /// The first of `found` over the revision's Python files.
    fn find_in_files<T>(&self, mut found: impl FnMut(&str, &str) -> Option<T>) -> Option<T> {
        let mut cache = self.texts.borrow_mut();
        let texts = cache.get_or_insert_with(|| {
            self.files
                .iter()
                .filter_map(|f| (self.read)(f).map(|t| (f.clone(), t)))
                .collect()
        });
        texts.iter().find_map(|(f, src)| found(f, src))
    }

    /// Whether a Python file of the revision other than `file` (and, when given, among
    /// `within`) holds one of `names` as a word (in code, a string or a comment).
    fn named_outside(
        &self,
        file: &str,
        names: &BTreeSet<&String>,
        within: Option<&BTreeSet<String>>,
    ) -> bool {
        if self.words.borrow().is_none() {
            let mut all = Vec::new();
            self.find_in_files(|f, src| {
                let words: BTreeSet<String> = src
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect();
                all.push((f.to_owned(), words));
                None::<()>
            });
            *self.words.borrow_mut() = Some(all);
        }
        self.words.borrow().as_ref().is_some_and(|all| {
            all.iter().any(|(f, words)| {
                f != file
                    && within.is_none_or(|w| w.contains(f))
                    && names.iter().any(|n| words.contains(n.as_str()))
            })
        })
    }

    /// The repository's modules `start` imports, and those they import in turn (every file
    /// an import may name): the code that can act on a test case its classes make.
    fn import_closure(&self, start: &[String]) -> BTreeSet<String> {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut queue: Vec<String> = start.to_vec();
        while let Some(file) = queue.pop() {
            if !seen.insert(file.clone()) {
                continue;
            }
            let Some(m) = self.module(&file) else {
                continue;
            };
            for i in &m.imports {
                let modules = match super::import_of(i) {
                    Some(super::Imported::Name { module, name, .. }) => {
                        vec![format!("{module}.{name}"), module]
                    }
                    Some(super::Imported::Module { module, .. }) => vec![module],
                    None => Vec::new(),
                };
                for module in modules {
                    for c in super::import_candidates(&file, &module) {
                        if !seen.contains(&c) && self.module(&c).is_some() {
                            queue.push(c);
                        }
                    }
                }
            }
        }
        seen
    }

    /// The one file of the repository an import in `file` of `module` names that defines
    /// `has`; `None` when none or several do (Python's search path decides which, and
    /// gatekeeper does not know it).
    fn import_target(
        &self,
        file: &str,
        module: &str,
        has: impl Fn(&Module) -> bool,
    ) -> Option<String> {
        let found: Vec<String> = super::import_candidates(file, module)
            .into_iter()
            .filter(|c| self.module(c).is_some())
            .collect();
        match found.as_slice() {
            [one] if self.module(one).is_some_and(|m| has(&m)) => Some(one.clone()),
            _ => None,
        }
    }

    /// Whether nothing can replace what the marker `name` of `file` does: its module names
    /// it only where it defines it and runs no reflection when imported, and every other
    /// file names it only to import it or to decorate with it.
    fn marker_untouched(&self, file: &str, name: &str) -> bool {
        const REFLECTION: &[&str] = &[
            "globals",
            "locals",
            "vars",
            "setattr",
            "exec",
            "eval",
            "__dict__",
            "__code__",
            "__defaults__",
            "__kwdefaults__",
            "__globals__",
            "__import__",
            "importlib",
            "modules",
        ];
        let Some(m) = self.module(file) else {
            return false;
        };
        if occurrences(&m.src, name) != 1 || REFLECTION.iter().any(|r| m.import_time.contains(*r)) {
            return false;
        }
        let touched = self.find_in_files(|f, src| {
            (f != file
                && src.lines().any(|line| {
                    mentions(line, name) && !line.trim_start().starts_with('#') && {
                        let l = line.trim();
                        let bare = l.trim_end_matches([',', ')']).trim();
                        !(l.starts_with("from ")
                            || l.starts_with("import ")
                            || l == format!("@{name}")
                            || bare == name)
                    }
                }))
            .then_some(())
        });
        touched.is_none()
    }

    fn module(&self, file: &str) -> Option<Rc<Module>> {
        if let Some(m) = self.modules.borrow().get(file) {
            return m.clone();
        }
        let parsed = (self.read)(file).and_then(|src| parse_module(file, src).map(Rc::new));
        self.modules
            .borrow_mut()
            .insert(file.to_owned(), parsed.clone());
        parsed
    }

    /// The class `name` of `file`; `None` when absent or defined twice.
    fn class(&self, file: &str, name: &str) -> Option<(Rc<Module>, usize)> {
        let m = self.module(file)?;
        let mut found = m.classes.iter().enumerate().filter(|(_, c)| c.name == name);
        let (i, _) = found.next()?;
        if found.next().is_some() {
            return None;
        }
        Some((m, i))
    }

    /// What a base (or decorator) expression of `file` names: a class of the repository,
    /// `unittest.TestCase` or `object`.
    fn resolve_base(&self, file: &str, m: &Module, base: &str) -> Option<Ref> {
        let head = base.split('.').next().unwrap_or(base);
        if base == "object" {
            return (!m.star && !m.binds.contains_key("object")).then_some(Ref::Object);
        }
        if !m.bound_once(head) {
            return None;
        }
        if !base.contains('.') && m.classes.iter().any(|c| c.name == base) {
            return Some(Ref::Class(file.to_owned(), base.to_owned()));
        }
        for i in &m.imports {
            let Some((module, name)) = super::base_import(i, base) else {
                continue;
            };
            if module == "unittest" && name == "TestCase" {
                return Some(Ref::TestCase);
            }
            let target =
                self.import_target(file, &module, |m| m.classes.iter().any(|c| c.name == name))?;
            let (other, _) = self.class(&target, &name)?;
            return other.bound_once(&name).then_some(Ref::Class(target, name));
        }
        None
    }

    /// Whether a decorator of a class of `file` marks it abstract; `None` when its name is
    /// not a function gatekeeper reads.
    fn is_marker(&self, file: &str, m: &Module, decorator: &str) -> bool {
        if !m.bound_once(decorator) {
            return false;
        }
        if m.functions.contains(decorator) {
            return m.marks(decorator) && self.marker_untouched(file, decorator);
        }
        for i in &m.imports {
            let Some((module, name)) = super::base_import(i, decorator) else {
                continue;
            };
            let Some(target) = self.import_target(file, &module, |m| m.functions.contains(&name))
            else {
                return false;
            };
            let Some(other) = self.module(&target) else {
                return false;
            };
            return other.bound_once(&name)
                && other.marks(&name)
                && self.marker_untouched(&target, &name);
        }
        false
    }

    /// The C3 linearisation of a class, abstract-base wrappers left out (each only
    /// intercepts `setUpClass` for the class it wraps: [`is_abstract_marker`]).
    fn mro(&self, r: &Ref, depth: usize) -> Option<Vec<Ref>> {
        let (file, name) = match r {
            Ref::Object => return Some(vec![Ref::Object]),
            Ref::TestCase => return Some(vec![Ref::TestCase, Ref::Object]),
            Ref::Class(f, n) => (f, n),
        };
        if depth > MAX_DEPTH {
            return None;
        }
        let (m, i) = self.class(file, name)?;
        let c = &m.classes[i];
        let bases: Vec<Ref> = c
            .bases
            .iter()
            .map(|b| self.resolve_base(file, &m, b))
            .collect::<Option<_>>()?;
        let mut sequences = Vec::new();
        for b in &bases {
            sequences.push(self.mro(b, depth + 1)?);
        }
        if bases.is_empty() {
            sequences.push(vec![Ref::Object]);
        }
        sequences.push(bases);
        let mut out = vec![r.clone()];
        out.extend(super::subclasses::merge(sequences)?);
        Some(out)
    }

    /// The decorators of a class that do not mark it abstract, and whether one does.
    fn decorators(&self, at: &Ref) -> (Vec<String>, bool) {
        let Ref::Class(file, name) = at else {
            return (Vec::new(), false);
        };
        let Some((module, i)) = self.class(file, name) else {
            return (Vec::new(), false);
        };
        let mut abstract_ = false;
        let mut others = Vec::new();
        for d in &module.classes[i].decorators {
            if self.is_marker(file, &module, d) {
                abstract_ = true;
            } else {
                others.push(d.clone());
            }
        }
        (others, abstract_)
    }
}

fn parse_module(file: &str, src: String) -> Option<Module> {
    let tree = super::lang::parse_clean(super::lang::Lang::Python, file, &src).ok()??;
    let root = tree.root_node();
    let mut classes = Vec::new();
    let mut markers = BTreeMap::new();
    let mut functions = BTreeSet::new();
    for n in named_children(root) {
        let (def, decorators) = if kind(n) == "decorated_definition" {
            let decorators = named_children(n)
                .into_iter()
                .filter(|d| kind(*d) == "decorator")
                .map(|d| {
                    let t: String = text(d, &src).split_whitespace().collect();
                    t.trim_start_matches('@').to_owned()
                })
                .collect();
            (n.field("definition")?, decorators)
        } else {
            (n, Vec::new())
        };
        match kind(def) {
            "class_definition" => {
                let Some(name) = def.field("name") else {
                    continue;
                };
                let (bases, keywords) = match def.field("superclasses") {
                    Some(args) => {
                        let all = named_children(args);
                        let keywords = all
                            .iter()
                            .any(|a| !matches!(kind(*a), "identifier" | "attribute" | "comment"));
                        let bases = all
                            .into_iter()
                            .filter(|a| kind(*a) != "comment")
                            .map(|a| text(a, &src).split_whitespace().collect::<String>())
                            .collect();
                        (bases, keywords)
                    }
                    None => (Vec::new(), false),
                };
                let members = def
                    .field("body")
                    .filter(|_| !keywords)
                    .and_then(|b| class_members(text(name, &src), b, &src));
                classes.push(Class {
                    name: text(name, &src).to_owned(),
                    bases,
                    decorators,
                    members,
                });
            }
            "function_definition" => {
                let Some(name) = def.field("name") else {
                    continue;
                };
                let name = text(name, &src).to_owned();
                if decorators.is_empty()
                    && let Some(through) = is_abstract_marker(def, &src)
                {
                    markers.insert(name.clone(), through);
                }
                functions.insert(name);
            }
            _ => {}
        }
    }
    let imports = super::bindings::module_bindings("python", root, &src)
        .into_iter()
        .filter(|b| b.text.starts_with("import ") || b.text.starts_with("from "))
        .map(|b| b.text)
        .collect();
    let loose = loose_names(root, &src);
    let mut import_time = BTreeSet::new();
    import_time_names(root, &src, &mut import_time);
    let mut binds = HashMap::new();
    let mut star = false;
    module_binds(root, &src, true, &mut binds, &mut star);
    let readers = Readers::of(root, &src);
    Some(Module {
        src,
        classes,
        imports,
        markers,
        functions,
        loose,
        binds,
        star,
        import_time,
        readers,
    })
}

/// Counts the module-level bindings under `n`: classes, functions, imports, assignment,
/// loop, `with`, `except`, walrus and `del` targets, at the top or in any block that is not a
/// function's or class's body, and names a function declares `global`.
fn module_binds(
    n: Node<'_>,
    src: &str,
    top: bool,
    out: &mut HashMap<String, usize>,
    star: &mut bool,
) {
    let bind = |x: Node<'_>, out: &mut HashMap<String, usize>| bind_target(x, src, out);
    for c in named_children(n) {
        match kind(c) {
            "class_definition" | "function_definition" => {
                if top && let Some(name) = c.field("name") {
                    *out.entry(text(name, src).to_owned()).or_default() += 1;
                }
                // `global NAME` inside rebinds the module's name.
                visit(c, &mut |g| {
                    if kind(g) == "global_statement" {
                        for i in named_children(g) {
                            *out.entry(text(i, src).to_owned()).or_default() += 1;
                        }
                    }
                });
            }
            "import_statement" => {
                for i in named_children(c) {
                    let bound = match kind(i) {
                        "aliased_import" => i.field("alias").map(|a| text(a, src)),
                        _ => text(i, src).split('.').next(),
                    };
                    if let Some(b) = bound {
                        *out.entry(b.trim().to_owned()).or_default() += 1;
                    }
                }
            }
            "import_from_statement" | "future_import_statement" => {
                let module = c.field("module_name");
                for i in named_children(c) {
                    if Some(i) == module {
                        continue;
                    }
                    match kind(i) {
                        "wildcard_import" => *star = true,
                        "aliased_import" => {
                            if let Some(a) = i.field("alias") {
                                *out.entry(text(a, src).to_owned()).or_default() += 1;
                            }
                        }
                        "dotted_name" => {
                            *out.entry(text(i, src).to_owned()).or_default() += 1;
                        }
                        _ => {}
                    }
                }
            }
            "assignment" | "augmented_assignment" => {
                if let Some(l) = c.field("left") {
                    bind(l, out);
                }
                if let Some(r) = c.field("right") {
                    module_binds(r, src, top, out, star);
                }
            }
            "for_statement" | "for_in_clause" => {
                if let Some(l) = c.field("left") {
                    bind(l, out);
                }
                module_binds(c, src, top, out, star);
            }
            "as_pattern_target" | "delete_statement" => bind(c, out),
            "named_expression" => {
                if let Some(l) = c.field("name") {
                    bind(l, out);
                }
                module_binds(c, src, top, out, star);
            }
            "except_clause" => {
                for x in named_children(c) {
                    if kind(x) == "identifier" {
                        bind(x, out);
                    }
                }
                module_binds(c, src, top, out, star);
            }
            "lambda" => {}
            _ => module_binds(c, src, top, out, star),
        }
    }
}

/// The identifiers of what runs when a module is imported: its code outside function
/// bodies, and the bodies of its top-level functions that code names (it may call them),
/// and of those they name in turn.
fn import_time_names(root: Node<'_>, src: &str, out: &mut BTreeSet<String>) {
    fn outside_bodies(n: Node<'_>, src: &str, out: &mut BTreeSet<String>) {
        if kind(n) == "identifier" {
            out.insert(text(n, src).to_owned());
        }
        for c in named_children(n) {
            // Its name is bound, not read; its body runs when called.
            let skipped = kind(n) == "function_definition"
                && (n.field("body") == Some(c) || n.field("name") == Some(c));
            if !skipped {
                outside_bodies(c, src, out);
            }
        }
    }
    outside_bodies(root, src, out);
    let mut bodies: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for n in named_children(root) {
        let def = super::analysis::undecorated(n);
        if let Some(def) = def.filter(|d| kind(*d) == "function_definition")
            && let (Some(name), Some(body)) = (def.field("name"), def.field("body"))
        {
            let mut names = BTreeSet::new();
            visit(body, &mut |x| {
                if kind(x) == "identifier" {
                    names.insert(text(x, src).to_owned());
                }
            });
            bodies.insert(text(name, src).to_owned(), names);
        }
    }
    loop {
        let reached: Vec<String> = bodies
            .keys()
            .filter(|f| out.contains(*f))
            .cloned()
            .collect();
        if reached.is_empty() {
            return;
        }
        for f in reached {
            if let Some(names) = bodies.remove(&f) {
                out.extend(names);
            }
        }
    }
}

/// Counts the names an assignment target binds (`a`, `a, b`, `[a, *b]`; not `a.x`, `a[0]`).
fn bind_target(x: Node<'_>, src: &str, out: &mut HashMap<String, usize>) {
    match kind(x) {
        "identifier" => *out.entry(text(x, src).to_owned()).or_default() += 1,
        "attribute" | "subscript" => {}
        _ => {
            for c in named_children(x) {
                bind_target(c, src, out);
            }
        }
    }
}

/// The identifiers of a module written anywhere but as a class's name or one whole base of
/// a class (`Alias = Checks`, `del Checks`, `Checks.test_total = None`, a call).
fn loose_names(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    visit(root, &mut |x| {
        if kind(x) != "identifier" {
            return;
        }
        let Some(parent) = x.parent() else {
            return;
        };
        // A class at the top of the module (one in a block may not be defined).
        let top = |c: Node<'_>| {
            c.parent().is_some_and(|p| {
                kind(p) == "module"
                    || (kind(p) == "decorated_definition"
                        && p.parent().is_some_and(|m| kind(m) == "module"))
            })
        };
        let class_name =
            kind(parent) == "class_definition" && top(parent) && parent.field("name") == Some(x);
        let whole_base = kind(parent) == "argument_list"
            && parent.parent().is_some_and(|c| {
                kind(c) == "class_definition" && top(c) && c.field("superclasses") == Some(parent)
            });
        if !(class_name || whole_base) {
            out.insert(text(x, src).to_owned());
        }
    });
    out
}

/// The statements of a block that say something: no comment, no leading docstring, no
/// `pass`.
fn statements(block: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    for (i, n) in named_children(block)
        .into_iter()
        .filter(|n| kind(*n) != "comment")
        .enumerate()
    {
        // A plain string runs nothing; an f-string is evaluated.
        let docstring = i == 0
            && kind(n) == "expression_statement"
            && n.named_child_count() == 1
            && n.named_child(0)
                .is_some_and(|s| kind(s) == "string" && is_literal(s));
        if docstring || kind(n) == "pass_statement" {
            continue;
        }
        out.push(n);
    }
    out
}

/// The names a class body binds with what each holds; `None` when it holds anything else
/// (a statement that runs, a binding gatekeeper does not read, a name bound twice).
fn class_members(class: &str, body: Node<'_>, src: &str) -> Option<BTreeMap<String, Member>> {
    let mut out = BTreeMap::new();
    for n in statements(body) {
        let def = super::analysis::undecorated(n)?;
        let name = match kind(def) {
            "function_definition" | "class_definition" => text(def.field("name")?, src).to_owned(),
            "expression_statement" => {
                let a = def.named_child(0).filter(|a| kind(*a) == "assignment")?;
                if def.named_child_count() != 1 {
                    return None;
                }
                let left = a.field("left")?;
                if kind(left) != "identifier" {
                    return None;
                }
                // A bare annotation binds nothing but an entry of `__annotations__`
                // (`: x`, compared only where something may read them); a type expression
                // runs nothing.
                if a.field("right").is_none() {
                    let t = a.field("type")?;
                    if !annotation_inert(t, src) {
                        return None;
                    }
                    format!(": {}", text(left, src))
                } else {
                    text(left, src).to_owned()
                }
            }
            _ => return None,
        };
        let function = kind(def) == "function_definition";
        // An annotation is evaluated when the class is created: only a type expression
        // runs nothing (no call, no walrus binding a class attribute). One inside a
        // function's body (`self.failure: Optional[Info] = None`) is never evaluated nor
        // stored anywhere: it is neither run nor compared.
        let mut annotations_run = false;
        let mut annotations = String::new();
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            if kind(x) == "type" {
                annotations_run |= !annotation_inert(x, src);
                annotations.push_str(&text(x, src).split_whitespace().collect::<String>());
                annotations.push(';');
            }
            let body = (kind(x) == "function_definition")
                .then(|| x.field("body"))
                .flatten();
            let mut children = named_children(x);
            children.retain(|c| body.is_none_or(|b| b.id() != c.id()));
            // In source order: the annotations are compared as written.
            stack.extend(children.into_iter().rev());
        }
        if annotations_run {
            return None;
        }
        let mut tokens = String::new();
        serialize(
            n,
            src,
            Top {
                unnamed: function,
                headless: false,
            },
            &mut tokens,
        );
        let mut head = String::new();
        serialize(
            n,
            src,
            Top {
                unnamed: function,
                headless: function,
            },
            &mut head,
        );
        let inert = match kind(n) {
            "function_definition" => {
                let mut literal_defaults = true;
                if let Some(params) = n.field("parameters") {
                    for p in named_children(params) {
                        if let Some(v) = p.field("value") {
                            literal_defaults &= is_literal(v);
                        }
                    }
                }
                literal_defaults
            }
            "expression_statement" => def
                .named_child(0)
                .and_then(|a| a.field("right"))
                .is_some_and(is_literal),
            _ => false,
        };
        let supers = text(n, src).contains("super");
        if supers && !supers_ok(n, src, (class, &name)) {
            return None;
        }
        let mut mangles = false;
        visit(n, &mut |x| {
            let t = text(x, src);
            // `__x` is renamed after the class, `__class__` is the class: both read the
            // class a definition is written in.
            mangles |= kind(x) == "identifier"
                && ((t.starts_with("__") && !t.ends_with("__")) || t == "__class__");
        });
        let stub = (kind(def) == "function_definition")
            .then(|| def.field("body"))
            .flatten()
            .is_some_and(
                |b| matches!(statements(b).as_slice(), [r] if raises_not_implemented(*r, src)),
            );
        let member = Member {
            annotations,
            function_annotations: function,
            registered: kind(n) == "decorated_definition"
                && named_children(n)
                    .into_iter()
                    .filter(|d| kind(*d) == "decorator")
                    .any(|d| text(d, src).contains("register")),
            stub,
            text: tokens,
            head,
            inert,
            mangles,
            supers,
            delegate: (kind(n) == "function_definition")
                .then(|| delegate(n, src))
                .flatten(),
        };
        if out.insert(name, member).is_some() {
            return None;
        }
    }
    Some(out)
}

/// Whether a statement is `raise NotImplementedError` or `raise NotImplementedError(…)` with
/// literal arguments, in a module that does not rebind the name: nothing else runs.
fn raises_not_implemented(r: Node<'_>, src: &str) -> bool {
    if kind(r) != "raise_statement" || r.named_child_count() != 1 {
        return false;
    }
    let Some(e) = r.named_child(0) else {
        return false;
    };
    let (name, args) = match kind(e) {
        "identifier" => (e, None),
        "call" => match (e.field("function"), e.field("arguments")) {
            (Some(f), Some(a)) => (f, Some(a)),
            _ => return false,
        },
        _ => return false,
    };
    let mut root = r;
    while let Some(p) = root.parent() {
        root = p;
    }
    kind(name) == "identifier"
        && text(name, src) == "NotImplementedError"
        && !super::analysis::python_binds_at_top(r, src, "NotImplementedError")
        && args.is_none_or(|a| {
            named_children(a)
                .into_iter()
                .filter(|x| kind(*x) != "comment")
                .all(is_literal)
        })
}

/// A literal: a number, a string without interpolation, `True`, `False`, `None`, or a
/// tuple or list of them.
fn is_literal(n: Node<'_>) -> bool {
    match kind(n) {
        "integer" | "float" | "true" | "false" | "none" => true,
        "string" => named_children(n)
            .iter()
            .all(|c| kind(*c) != "interpolation"),
        "concatenated_string" | "tuple" | "list" | "parenthesized_expression" => {
            named_children(n).into_iter().all(is_literal)
        }
        "unary_operator" => n.field("argument").is_some_and(is_literal),
        _ => false,
    }
}

/// What [`serialize`] leaves out of the function a member defines: its name (`unnamed`),
/// its body (`headless`).
#[derive(Clone, Copy)]
struct Top {
    unnamed: bool,
    headless: bool,
}

const INNER: Top = Top {
    unnamed: false,
    headless: false,
};

/// The tokens of a definition: no comments, no type annotations, and for the function a
/// member defines what `top` leaves out.
fn serialize(n: Node<'_>, src: &str, top: Top, out: &mut String) {
    match kind(n) {
        "comment" => return,
        "typed_parameter" => {
            if let Some(p) = n.named_child(0) {
                serialize(p, src, INNER, out);
            }
            return;
        }
        "typed_default_parameter" => {
            if let (Some(name), Some(value)) = (n.field("name"), n.field("value")) {
                serialize(name, src, INNER, out);
                out.push_str("= ");
                serialize(value, src, INNER, out);
            }
            return;
        }
        "string" => {
            out.push_str(text(n, src));
            out.push(' ');
            return;
        }
        _ => {}
    }
    if n.child_count() == 0 {
        out.push_str(text(n, src));
        out.push(' ');
        return;
    }
    // Where a block starts and ends: indentation decides what a statement is inside.
    if kind(n) == "block" {
        out.push_str("{ ");
    }
    serialize_children(n, src, top, out);
    if kind(n) == "block" {
        out.push_str("} ");
    }
}

fn serialize_children(n: Node<'_>, src: &str, top: Top, out: &mut String) {
    let function = kind(n) == "function_definition";
    let mut cursor = n.walk();
    if !cursor.goto_first_child() {
        return;
    }
    loop {
        let c = cursor.node();
        let field = cursor.field_name();
        let skip = function
            && (field == Some("return_type")
                || c.kind() == "->"
                || (top.unnamed && field == Some("name"))
                || (top.headless && field == Some("body")))
            // An assignment's annotation (`amount: int = 6`): a type expression, checked
            // to run nothing where it is evaluated (a class body).
            || (kind(n) == "assignment" && (field == Some("type") || c.kind() == ":"));
        if !skip {
            let pass_on = if kind(n) == "decorated_definition" && field == Some("definition") {
                top
            } else {
                INNER
            };
            serialize(c, src, pass_on, out);
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
}

/// Every `super` in a definition is `super()` or `super(…)` whose attribute `name` is
/// called: it reaches the next definition of the same name, as the chain compares.
fn supers_ok(n: Node<'_>, src: &str, (class, name): (&str, &str)) -> bool {
    // `super()`, or `super(CLASS, FIRST)` naming the class it is written in and the
    // method's first parameter: another class starts the lookup elsewhere.
    let def = super::analysis::undecorated(n);
    let first = def
        .and_then(|d| d.field("parameters"))
        .and_then(|p| p.named_child(0))
        .map(|p| text(p, src).to_owned());
    let arguments_ok = |call: Node<'_>| {
        let args: Vec<String> = call
            .field("arguments")
            .map(|a| {
                named_children(a)
                    .into_iter()
                    .filter(|x| kind(*x) != "comment")
                    .map(|x| text(x, src).to_owned())
                    .collect()
            })
            .unwrap_or_default();
        args.is_empty() || (args.len() == 2 && args[0] == class && Some(&args[1]) == first.as_ref())
    };
    let mut ok = true;
    visit(n, &mut |x| {
        if kind(x) != "identifier" || text(x, src) != "super" {
            return;
        }
        let called = x
            .parent()
            .filter(|call| {
                kind(*call) == "call" && call.field("function") == Some(x) && arguments_ok(*call)
            })
            .and_then(|call| {
                call.parent().filter(|a| {
                    kind(*a) == "attribute"
                        && a.field("object") == Some(call)
                        && a.field("attribute").is_some_and(|at| text(at, src) == name)
                })
            })
            .and_then(|a| {
                a.parent()
                    .filter(|c| kind(*c) == "call" && c.field("function") == Some(a))
            })
            .is_some();
        ok &= called;
    });
    ok
}

fn visit<'t>(n: Node<'t>, f: &mut dyn FnMut(Node<'t>)) {
    f(n);
    for c in named_children(n) {
        visit(c, f);
    }
}

/// `def NAME(self): return self.OTHER()`: `OTHER`.
fn delegate(def: Node<'_>, src: &str) -> Option<String> {
    // An `async def` only makes a coroutine: calling it runs nothing of its target.
    if text(def, src).trim_start().starts_with("async") {
        return None;
    }
    let params = def.field("parameters")?;
    let p = named_children(params);
    if p.len() != 1 || kind(p[0]) != "identifier" || text(p[0], src) != "self" {
        return None;
    }
    let body = statements(def.field("body")?);
    let [ret] = body.as_slice() else {
        return None;
    };
    if kind(*ret) != "return_statement" {
        return None;
    }
    let call = ret.named_child(0).filter(|c| kind(*c) == "call")?;
    if call
        .field("arguments")
        .is_none_or(|a| a.named_child_count() != 0)
    {
        return None;
    }
    let f = call.field("function")?;
    if kind(f) != "attribute"
        || f.field("object")
            .is_none_or(|o| kind(o) != "identifier" || text(o, src) != "self")
    {
        return None;
    }
    let other = text(f.field("attribute")?, src).to_owned();
    let name = text(def.field("name")?, src);
    (other != name).then_some(other)
}

/// A class decorator that marks a base test case abstract and changes nothing for its
/// subclasses:
///
/// ```python
/// def abstract_base_test(cls):
///     class AbstractBaseWrapper(cls):
///         @classmethod
///         def setUpClass(cls):
///             if cls is AbstractBaseWrapper:
///                 raise unittest.SkipTest("abstract base class")
///             super().setUpClass()   # or super(AbstractBaseWrapper, cls)
///     return AbstractBaseWrapper
/// ```
///
/// Only this shape (docstrings, comments and annotations aside): the wrapper's one method
/// skips the wrapper itself and hands every subclass on, unchanged, to the next
/// `setUpClass`.
fn is_abstract_marker(def: Node<'_>, src: &str) -> Option<&'static str> {
    let read = || -> Option<&'static str> {
        let params = named_children(def.field("parameters")?);
        let [p] = params.as_slice() else {
            return None;
        };
        let p = match kind(*p) {
            "identifier" => *p,
            "typed_parameter" => p.named_child(0).filter(|i| kind(*i) == "identifier")?,
            _ => return None,
        };
        let body = statements(def.field("body")?);
        let [class, ret] = body.as_slice() else {
            return None;
        };
        if kind(*class) != "class_definition" || kind(*ret) != "return_statement" {
            return None;
        }
        let wrapper = text(class.field("name")?, src);
        let bases = named_children(class.field("superclasses")?);
        let bases: Vec<Node<'_>> = bases
            .into_iter()
            .filter(|b| kind(*b) != "comment")
            .collect();
        if !matches!(bases.as_slice(), [b] if kind(*b) == "identifier" && text(*b, src) == text(p, src))
        {
            return None;
        }
        let returned = ret.named_child(0)?;
        if kind(returned) != "identifier" || text(returned, src) != wrapper {
            return None;
        }
        let members = statements(class.field("body")?);
        let [m] = members.as_slice() else {
            return None;
        };
        if kind(*m) != "decorated_definition" {
            return None;
        }
        let decorators: Vec<Node<'_>> = named_children(*m)
            .into_iter()
            .filter(|d| kind(*d) == "decorator")
            .collect();
        if !matches!(decorators.as_slice(), [d] if text(*d, src).trim() == "@classmethod") {
            return None;
        }
        let method = m.field("definition")?;
        if kind(method) != "function_definition" || text(method.field("name")?, src) != "setUpClass"
        {
            return None;
        }
        let mp = named_children(method.field("parameters")?);
        let [c] = mp.as_slice() else {
            return None;
        };
        if kind(*c) != "identifier" {
            return None;
        }
        let c = text(*c, src);
        let steps = statements(method.field("body")?);
        let [check, hand_on] = steps.as_slice() else {
            return None;
        };
        // `if CLS is WRAPPER: raise …`, nothing else in it, no `elif`/`else`.
        if kind(*check) != "if_statement"
            || check.field("alternative").is_some()
            || named_children(*check)
                .iter()
                .any(|x| matches!(kind(*x), "elif_clause" | "else_clause"))
        {
            return None;
        }
        let condition = check.field("condition")?;
        let words: Vec<&str> = text(condition, src).split_whitespace().collect();
        if kind(condition) != "comparison_operator" || words != [c, "is", wrapper] {
            return None;
        }
        // `raise unittest.SkipTest(…)` or `raise SkipTest(…)`, with literal or named
        // arguments: what it raises ends only the wrapper's own run (`SystemExit` would end
        // the process).
        let then = statements(check.field("consequence")?);
        let [raise] = then.as_slice() else {
            return None;
        };
        let call = raise.named_child(0).filter(|c| kind(*c) == "call")?;
        if kind(*raise) != "raise_statement" || raise.named_child_count() != 1 {
            return None;
        }
        let callee = match text(call.field("function")?, src) {
            "unittest.SkipTest" => "unittest",
            "SkipTest" => "SkipTest",
            _ => return None,
        };
        let plain = named_children(call.field("arguments")?)
            .into_iter()
            .all(|a| is_literal(a) || kind(a) == "identifier" || kind(a) == "comment");
        if !plain {
            return None;
        }
        // `super().setUpClass()` or `super(WRAPPER, CLS).setUpClass()`.
        let call = hand_on.named_child(0).filter(|x| kind(*x) == "call")?;
        if kind(*hand_on) != "expression_statement" || hand_on.named_child_count() != 1 {
            return None;
        }
        let spelled: String = text(call, src).split_whitespace().collect();
        let ok = spelled == "super().setUpClass()"
            || spelled == format!("super({wrapper},{c}).setUpClass()");
        ok.then_some(callee)
    };
    read()
}

/// Whether `word` occurs in `src` as a whole identifier.
fn mentions(src: &str, word: &str) -> bool {
    occurrences(src, word) > 0
}

/// How many times `word` occurs in `src` as a whole identifier.
fn occurrences(src: &str, word: &str) -> usize {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    src.match_indices(word)
        .filter(|(i, _)| {
            !src[..*i].chars().next_back().is_some_and(ident)
                && !src[i + word.len()..].chars().next().is_some_and(ident)
        })
        .count()
}

/// A name the runners read on a test case: unittest's `TestCase` API and hooks, pytest's
/// class hooks (`setup_method`, `pytest_generate_tests`, …), anything private or special.
fn reserved(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "setUp",
        "tearDown",
        "setUpClass",
        "tearDownClass",
        "run",
        "debug",
        "id",
        "skipTest",
        "subTest",
        "addCleanup",
        "addClassCleanup",
        "doCleanups",
        "doClassCleanups",
        "enterContext",
        "enterClassContext",
        "countTestCases",
        "defaultTestResult",
        "shortDescription",
        "addTypeEqualityFunc",
        "maxDiff",
        "longMessage",
        "runTest",
        "setup_method",
        "teardown_method",
        "setup_class",
        "teardown_class",
        "setup",
        "teardown",
        "pytestmark",
    ];
    name.starts_with('_')
        || name.starts_with("pytest_")
        || name.starts_with("assert")
        || name.starts_with("fail")
        || NAMES.contains(&name)
}

/// The definitions of `name` a lookup on the order `mro` reaches: the first, and each one
/// after it that the one before hands on to with `super()`. Each is read with the module
/// whose globals it sees and, when it names a private attribute, its class.
fn chain(w: &World<'_>, mro: &[Ref], name: &str) -> Option<Vec<Member>> {
    let mut out = Vec::new();
    for member in definitions(w, mro, name)? {
        let hands_on = member.supers;
        out.push(member);
        if !hands_on {
            break;
        }
    }
    Some(out)
}

/// Every definition of `name` along `mro` (read as [`chain`] reads them), but a stub that
/// only raises `NotImplementedError`.
fn every_definition(w: &World<'_>, mro: &[Ref], name: &str) -> Option<Vec<Member>> {
    Some(
        definitions(w, mro, name)?
            .into_iter()
            .filter(|m| !m.stub)
            .collect(),
    )
}

/// Each definition of `name` along `mro`, in order, its text prefixed with its module (and
/// its class when it reads the class it is written in); `None` when a class is not read.
fn definitions(w: &World<'_>, mro: &[Ref], name: &str) -> Option<Vec<Member>> {
    let mut out = Vec::new();
    for at in mro {
        let Ref::Class(file, class) = at else {
            continue;
        };
        let (module, i) = w.class(file, class)?;
        if let Some(member) = module.classes[i].members.as_ref()?.get(name) {
            let mut member = member.clone();
            member.text = if member.mangles {
                format!("{file}::{class}: {}", member.text)
            } else {
                format!("{file}: {}", member.text)
            };
            out.push(member);
        }
    }
    Some(out)
}

/// What each definition of a chain reads as: a delegating method as what its target finds.
fn effective(w: &World<'_>, mro: &[Ref], chain: &[Member], name: &str) -> Option<Vec<String>> {
    chain
        .iter()
        .map(|m| match &m.delegate {
            None => Some(m.text.clone()),
            Some(other) if other != name => {
                let target = chain_first(w, mro, other)?;
                (!target.supers && target.delegate.is_none()).then_some(target.text)
            }
            Some(_) => None,
        })
        .collect()
}

fn chain_first(w: &World<'_>, mro: &[Ref], name: &str) -> Option<Member> {
    chain(w, mro, name)?.into_iter().next()
}

/// The member names of the repository's classes of an order.
fn names(w: &World<'_>, mro: &[Ref]) -> Option<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for at in mro {
        let Ref::Class(file, name) = at else { continue };
        let (module, i) = w.class(file, name)?;
        out.extend(module.classes[i].members.as_ref()?.keys().cloned());
    }
    Some(out)
}

/// The classes of an order gatekeeper does not read (`unittest.TestCase`, `object`), in
/// order; `None` when a repository class after one of them defines a name that one may
/// define (a [`reserved`] name: `setUp`, `assert…`, `_…`). Any other name is looked up, and
/// handed on by `super()`, through them as if they were not there: they define none.
fn opaque(w: &World<'_>, mro: &[Ref]) -> Option<Vec<Ref>> {
    let first_opaque = mro
        .iter()
        .position(|r| !matches!(r, Ref::Class(..)))
        .unwrap_or(mro.len());
    let mut out = Vec::new();
    for r in &mro[first_opaque..] {
        let Ref::Class(file, class) = r else {
            out.push(r.clone());
            continue;
        };
        let (module, i) = w.class(file, class)?;
        if module.classes[i]
            .members
            .as_ref()?
            .keys()
            .any(|n| reserved(n))
        {
            return None;
        }
    }
    Some(out)
}

/// The classes of `file` deriving from `class` there (by their plain base names), itself
/// included.
fn family(m: &Module, class: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::from([class.to_owned()]);
    loop {
        let before = out.len();
        for c in &m.classes {
            if c.bases.iter().any(|b| out.contains(b.as_str())) {
                out.insert(c.name.clone());
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

/// The classes of the family that run the test: `(name, order)`.
/// The orders of the family's classes that run the test, by class name.
type Runners = BTreeMap<String, Vec<Ref>>;

fn runners(
    w: &World<'_>,
    file: &str,
    family: &BTreeSet<String>,
    (class, method): (&str, &str),
    pytest: bool,
) -> Option<Runners> {
    let target = Ref::Class(file.to_owned(), class.to_owned());
    let mut out = BTreeMap::new();
    let mut skipped = BTreeSet::new();
    for name in family {
        let this = Ref::Class(file.to_owned(), name.clone());
        let mro = w.mro(&this, 0)?;
        if !mro.contains(&target) {
            continue;
        }
        // The marker skips a test case (through `setUpClass`), not a plain class pytest
        // collects. A class it skips still runs code (unittest makes an instance of it for
        // each test before the skip): it must be one whose definitions a runner's order
        // compares (see `keeps_every_run`).
        let (_, marked) = w.decorators(&this);
        let abstract_ = marked && mro.contains(&Ref::TestCase);
        let collected = mro.contains(&Ref::TestCase) || (pytest && name.starts_with("Test"));
        if abstract_ {
            skipped.insert(this.clone());
        }
        if abstract_ || !collected {
            continue;
        }
        // The test's own definition is the one this class runs.
        let mut runs = None;
        for at in &mro {
            let Ref::Class(f, n) = at else { continue };
            let (module, i) = w.class(f, n)?;
            if module.classes[i].members.as_ref()?.contains_key(method) {
                runs = Some(at);
                break;
            }
        }
        if runs != Some(&target) {
            continue;
        }
        out.insert(name.clone(), mro);
    }
    // Each class the marker skips is on the order of a class that runs the test.
    if !skipped
        .iter()
        .all(|s| out.values().any(|mro: &Vec<Ref>| mro.contains(s)))
    {
        return None;
    }
    Some(out)
}

/// A revision's Python files, each with its text, once read.
type SourcesRead = RefCell<Option<Vec<(String, String)>>>;

/// Two revisions of a repository's Python classes, read once for every test judged.
pub struct Revisions<'a> {
    old: World<'a>,
    new: World<'a>,
    /// Whether the repository's configuration names pytest (see [`Revisions::pytest`]).
    pytest_configured: bool,
    /// Whether it sets pytest's `python_classes` (which classes it collects).
    python_classes_configured: bool,
}

impl<'a> Revisions<'a> {
    /// `old_files` and `new_files` are each revision's Python files.
    pub fn new(
        old: Reader<'a>,
        new: Reader<'a>,
        old_files: &'a [String],
        new_files: &'a [String],
        (pytest_configured, python_classes_configured): (bool, bool),
    ) -> Revisions<'a> {
        Revisions {
            old: World::new(old, old_files),
            new: World::new(new, new_files),
            pytest_configured,
            python_classes_configured,
        }
    }

    fn with_sources<T>(&self, found: impl Fn(&str, &str) -> Option<T>) -> Option<T> {
        self.old
            .find_in_files(&found)
            .or_else(|| self.new.find_in_files(&found))
    }

    /// Whether pytest may run the tests, and so collect a plain class named `Test…`: the
    /// repository's configuration names it (a `conftest.py`, a `pytest.ini`, a section or
    /// a command in `pyproject.toml`, `setup.cfg`, `tox.ini`, a workflow, a requirements
    /// file, the gates), or a Python file imports it. Without either, the tests are run by
    /// unittest, which collects only `TestCase`s.
    fn pytest(&self) -> bool {
        self.pytest_configured
            || self
                .with_sources(|_, src| {
                    src.lines()
                        .any(|l| {
                            let l = l.trim_start();
                            l.starts_with("import pytest")
                                || l.starts_with("from pytest")
                                || l.starts_with("import _pytest")
                                || l.starts_with("from _pytest")
                        })
                        .then_some(())
                })
                .is_some()
    }

    /// Whether a Python file other than `file` names one of `names`, in either revision.
    fn named_elsewhere(&self, file: &str, names: &BTreeSet<&String>) -> bool {
        self.old.named_outside(file, names, None) || self.new.named_outside(file, names, None)
    }

    /// Whether the classes around `file`'s `class`.`method` run it, in the new revision,
    /// as they did in the old one (see the module doc).
    /// `hooks` are the methods the findings named ([`named_methods`]), `attributes_of` the
    /// classes whose attributes they named ([`named_classes`]).
    pub fn keeps_every_run(
        &self,
        file: &str,
        (class, method): (&str, &str),
        hooks: &[String],
        attributes_of: &[String],
    ) -> bool {
        let (wo, wn) = (&self.old, &self.new);
        let read = || -> Option<bool> {
            let (mo, mn) = (wo.module(file)?, wn.module(file)?);
            // A module's hook reads as a class's: it is not one.
            if hooks
                .iter()
                .any(|h| mo.functions.contains(h) || mn.functions.contains(h))
            {
                return Some(false);
            }
            wo.class(file, class)?;
            wn.class(file, class)?;
            let (fo, fnew) = (family(&mo, class), family(&mn, class));
            let all: BTreeSet<&String> = fo.iter().chain(fnew.iter()).collect();
            // Named only as classes and bases in its own file, and nowhere else.
            if all
                .iter()
                .any(|n| mo.loose.contains(*n) || mn.loose.contains(*n))
                || self.named_elsewhere(file, &all)
            {
                return Some(false);
            }
            // A plain `Test…` class nothing derives from runs only under pytest: its
            // presence says pytest runs the tests.
            let leaf_plain_test = |w: &World<'_>, m: &Module, family: &BTreeSet<String>| {
                family.iter().any(|n| {
                    n.starts_with("Test")
                        && !m.classes.iter().any(|c| c.bases.iter().any(|b| b == n))
                        && w.mro(&Ref::Class(file.to_owned(), n.clone()), 0)
                            .is_some_and(|mro| !mro.contains(&Ref::TestCase))
                })
            };
            let pytest =
                self.pytest() || leaf_plain_test(wo, &mo, &fo) || leaf_plain_test(wn, &mn, &fnew);
            // Classes collected by another pattern than `Test…` are not read.
            if pytest && self.python_classes_configured {
                return Some(false);
            }
            let ro = runners(wo, file, &fo, (class, method), pytest)?;
            let rn = runners(wn, file, &fnew, (class, method), pytest)?;
            // The same classes run it: a new one would run it with what it sets up, and
            // nothing compares that with a class before.
            if ro.is_empty() || !ro.keys().eq(rn.keys()) {
                return Some(false);
            }
            // A class attribute is compared below only in the classes that run the test.
            let compared = |c: &String| {
                let r = Ref::Class(file.to_owned(), c.clone());
                ro.values().chain(rn.values()).any(|mro| mro.contains(&r))
            };
            if !attributes_of.iter().all(compared) {
                return Some(false);
            }
            for (name, old_mro) in &ro {
                // The code that can act on the test case: its classes' modules, the test's
                // file, and what they import.
                let start = |mro: &[Ref]| -> Vec<String> {
                    mro.iter()
                        .filter_map(|r| match r {
                            Ref::Class(f, _) => Some(f.clone()),
                            _ => None,
                        })
                        .chain([file.to_owned()])
                        .collect()
                };
                let (reach_old, reach_new) = (
                    wo.import_closure(&start(old_mro)),
                    wn.import_closure(&start(&rn[name])),
                );
                let elsewhere = |n: &str| {
                    let n = n.to_owned();
                    let names = BTreeSet::from([&n]);
                    wo.named_outside(file, &names, Some(&reach_old))
                        || wn.named_outside(file, &names, Some(&reach_new))
                };
                // Annotations are compared too when code that may read them runs.
                let annotations_read = readers(wo, &reach_old).or(readers(wn, &reach_new));
                if !same_lookups(
                    (wo, old_mro),
                    (wn, &rn[name]),
                    (file, method, annotations_read),
                    &elsewhere,
                )? {
                    return Some(false);
                }
            }
            Some(true)
        };
        read() == Some(true)
    }
}

/// What of annotations the modules of `files` may read; all of it when one is not read.
fn readers(w: &World<'_>, files: &BTreeSet<String>) -> Readers {
    files.iter().fold(Readers::default(), |r, f| {
        r.or(w.module(f).map_or(
            Readers {
                class: true,
                function: true,
            },
            |m| m.readers,
        ))
    })
}

/// Whether every name resolves, along the two orders, to the same definitions.
fn same_lookups(
    (wo, mo): (&World<'_>, &[Ref]),
    (wn, mn): (&World<'_>, &[Ref]),
    (file, method, annotations_read): (&str, &str, Readers),
    elsewhere: &dyn Fn(&str) -> bool,
) -> Option<bool> {
    let (old_test_file, new_test_file) = (wo.module(file)?, wn.module(file)?);
    if opaque(wo, mo)? != opaque(wn, mn)? {
        return Some(false);
    }
    // The same classes, in whatever order: a class gone (or new) changes what
    // `isinstance` says even when it defines nothing.
    let (set_o, set_n): (BTreeSet<&Ref>, BTreeSet<&Ref>) =
        (mo.iter().collect(), mn.iter().collect());
    if set_o != set_n {
        return Some(false);
    }
    // A hook run for every class made under it (`__init_subclass__`) now runs for classes it
    // did not (a mixin given a base): what it does to them is not read.
    for (w, mro) in [(wo, mo), (wn, mn)] {
        if !chain(w, mro, "__init_subclass__")?.is_empty() {
            return Some(false);
        }
    }
    // A class on both sides keeps its other decorators; a new one has none.
    let classes: BTreeSet<&Ref> = mo.iter().chain(mn.iter()).collect();
    for r in classes {
        let (o, n) = (wo.decorators(r).0, wn.decorators(r).0);
        let on_both = mo.contains(r) && mn.contains(r);
        let unchanged = if on_both {
            o == n
        } else {
            o.is_empty() && n.is_empty()
        };
        if !unchanged {
            return Some(false);
        }
    }
    // What the old classes' code and the test's file named.
    let mut old_sources: Vec<Rc<Module>> = Vec::new();
    for r in mo {
        if let Ref::Class(f, _) = r
            && let Some(m) = wo.module(f)
        {
            old_sources.push(m);
        }
    }
    old_sources.extend(wo.module(file));
    let mut new_sources: Vec<Rc<Module>> = Vec::new();
    for r in mn {
        if let Ref::Class(f, _) = r
            && let Some(m) = wn.module(f)
        {
            new_sources.push(m);
        }
    }
    // What runs when the new classes are created, as the old ones ran it: each member that
    // is not inert is one the same class had, with the same head.
    for r in mn {
        let Ref::Class(f, n) = r else { continue };
        let (m, i) = wn.class(f, n)?;
        let before = wo
            .class(f, n)
            .and_then(|(om, oi)| om.classes[oi].members.clone());
        for (name, member) in m.classes[i].members.as_ref()? {
            let same = before
                .as_ref()
                .and_then(|b| b.get(name))
                .is_some_and(|old| old.head == member.head);
            if !member.inert && !same {
                return Some(false);
            }
        }
    }
    let mut delegated: BTreeSet<String> = BTreeSet::new();
    for at in mn {
        let Ref::Class(f, n) = at else { continue };
        let (m, i) = wn.class(f, n)?;
        delegated.extend(
            m.classes[i]
                .members
                .as_ref()?
                .values()
                .filter_map(|x| x.delegate.clone()),
        );
    }
    let all: BTreeSet<String> = names(wo, mo)?.into_iter().chain(names(wn, mn)?).collect();
    for name in &all {
        // A bare annotation (`: x`) is only an entry of `__annotations__`.
        if name.starts_with(": ") && !annotations_read.class {
            continue;
        }
        // Another test of the class: the runner calls it for its own run, not this one's,
        // unless code names it besides its definition.
        // (Named nowhere else: a framework may look it up by its name.)
        if name.starts_with("test")
            && name != method
            && !elsewhere(name)
            && [&old_test_file, &new_test_file]
                .iter()
                .all(|m| occurrences(&m.src, name) <= 1)
        {
            continue;
        }
        let (co, cn) = (chain(wo, mo, name)?, chain(wn, mn, name)?);
        match (co.is_empty(), cn.is_empty()) {
            // A name only the new classes define: one no code read before, that a method
            // of the new classes only delegates to (a hook renamed behind it), and that no
            // module the test case's code imports names. Any other new method may be what a
            // framework finds by itself (by a prefix in `dir(self)`, through `getattr`
            // elsewhere): a new hook.
            (true, false) => {
                if reserved(name)
                    || old_sources.iter().any(|m| mentions(&m.src, name))
                    || !delegated.contains(name)
                    || elsewhere(name)
                {
                    return Some(false);
                }
            }
            (false, true) => return Some(false),
            _ => {
                if effective(wo, mo, &co, name)? != effective(wn, mn, &cn, name)? {
                    return Some(false);
                }
                // Every definition along the order, not only those `super()` reaches: a
                // class may call another's by name (`Base.setUp(self)`), whose `super()`
                // then follows the new order. Stubs that only raise `NotImplementedError`
                // are left out (a call that reaches one fails).
                let (fo, fnw) = (
                    every_definition(wo, mo, name)?,
                    every_definition(wn, mn, name)?,
                );
                if effective(wo, mo, &fo, name)? != effective(wn, mn, &fnw, name)? {
                    return Some(false);
                }
                let written = |w: &World<'_>, mro: &[Ref]| -> Option<Vec<String>> {
                    Some(
                        definitions(w, mro, name)?
                            .into_iter()
                            .filter(|m| annotations_read.reads(m))
                            .map(|m| m.annotations)
                            .collect(),
                    )
                };
                if written(wo, mo)? != written(wn, mn)? {
                    return Some(false);
                }
            }
        }
    }
    Some(true)
}

/// Whether a finding on a Python test only reads the classes around it: an
/// `envelope-changed` of class lines and the test's decorators, or a `rebound` of methods
/// of its class, a subclass or a base of its file (a setup, a hook, a class decorator).
/// Such findings are what [`keeps_every_run`] decides on; anything else (a module-level
/// binding, a moved import, a helper no longer reached) stands.
pub fn about_classes(f: &super::rules::Finding, path: &str) -> bool {
    use super::rules::Rule;
    match f.rule {
        Rule::EnvelopeChanged => {
            f.message.starts_with("what surrounds the test")
                && f.old_lines.iter().chain(&f.new_lines).all(|l| {
                    let l = l
                        .strip_prefix("(lock) ")
                        .or_else(|| l.strip_prefix("(now) "))
                        .unwrap_or("");
                    l.starts_with("class ") || l.starts_with('@')
                })
        }
        Rule::Rebound => {
            f.old_lines.is_empty()
                && !f.new_lines.is_empty()
                && f.new_lines.iter().all(|l| {
                    l.strip_prefix(path)
                        .and_then(|l| l.strip_prefix(": "))
                        .is_some_and(class_line)
                })
        }
        _ => false,
    }
}

/// The names of the methods a finding's lines show (`hook def get_app(self): …` →
/// `get_app`): [`Revisions::keeps_every_run`] refuses when one is a module's function (a
/// `load_tests`, a `setup_module`), whose lines read the same.
pub fn named_methods(f: &super::rules::Finding, path: &str) -> Vec<String> {
    f.new_lines
        .iter()
        .chain(&f.old_lines)
        .filter_map(|l| {
            let l = l.strip_prefix(path)?.strip_prefix(": ")?;
            let l = l
                .strip_prefix("no longer runs for the test as written: ")
                .unwrap_or(l);
            super::bindings::hook_method(l).map(|(name, _)| name.trim().to_owned())
        })
        .collect()
}

/// The class a class attribute's line names (`in class TestPay: amount=100` → `TestPay`).
fn class_attribute(l: &str) -> Option<&str> {
    let (class, _) = l.strip_prefix("in class ")?.split_once(": ")?;
    (!class.is_empty() && class.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(class)
}

/// The classes whose attributes a finding's lines show (`in class TestPay: amount=100` →
/// `TestPay`): [`Revisions::keeps_every_run`] refuses unless each is a class of the test's
/// file that runs the test or one of its bases there.
pub fn named_classes(f: &super::rules::Finding, path: &str) -> Vec<String> {
    f.new_lines
        .iter()
        .chain(&f.old_lines)
        .filter_map(|l| {
            let l = l.strip_prefix(path)?.strip_prefix(": ")?;
            class_attribute(l).map(str::to_owned)
        })
        .collect()
}

/// A method of a class (`hook def get_app(self): …`, `setup in a subclass: def setUp…`,
/// `in a base: hook …`, `in a subclass: helper .check: …`) or a decorator of a base class
/// (`in a base: decorator @…`).
fn class_line(l: &str) -> bool {
    let l = l
        .strip_prefix("no longer runs for the test as written: ")
        .unwrap_or(l);
    let l = l.strip_prefix(super::bindings::IN_A_BASE).unwrap_or(l);
    // A class attribute (`in class TestPay: amount:int=100`): its class must be one that
    // runs the test ([`named_classes`]), where every name is compared.
    if class_attribute(l).is_some() {
        return true;
    }
    // A method the test calls on `self`, of its class or a subclass (`helper .check: …`).
    let helper = l.strip_prefix("in a subclass: ").unwrap_or(l);
    if l.starts_with("decorator @") || helper.starts_with("helper .") {
        return true;
    }
    let Some(l) = l
        .strip_prefix(super::bindings::HOOK)
        .or_else(|| l.strip_prefix("setup "))
    else {
        return false;
    };
    let l = l.strip_prefix("in a subclass: ").unwrap_or(l);
    l.starts_with("def ") || l.starts_with("async def ") || l.starts_with('@')
}

/// `(CLASS, METHOD)` of a locked Python test id `python:FILE::CLASS::METHOD`.
pub fn class_and_method<'i>(id: &'i str, file: &str) -> Option<(&'i str, &'i str)> {
    let rest = id
        .strip_prefix("python:")?
        .strip_prefix(file)?
        .strip_prefix("::")?;
    let (class, method) = rest.split_once("::")?;
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    (plain(class) && plain(method)).then_some((class, method))
}

#[cfg(all(test, feature = "lang-python"))]
mod tests {
    use super::*;

    const MARKER: &str = "import unittest\n\n\ndef abstract_base_test(cls):\n    \"\"\"Marks a base test case abstract.\"\"\"\n\n    class AbstractBaseWrapper(cls):  # type: ignore\n        @classmethod\n        def setUpClass(cls):\n            if cls is AbstractBaseWrapper:\n                raise unittest.SkipTest(\"abstract base class\")\n            super().setUpClass()\n\n    return AbstractBaseWrapper  # type: ignore\n";

    const FRAMEWORK: &str = "import unittest\n\n\nclass AsyncTestCase(unittest.TestCase):\n    def setUp(self):\n        super().setUp()\n        self.io_loop = object()\n\n\nclass AsyncHTTPTestCase(AsyncTestCase):\n    def setUp(self):\n        super().setUp()\n        self.app = self.get_app()\n\n    def get_app(self):\n        raise NotImplementedError()\n\n    def fetch(self, path):\n        return self.app(path)\n";

    const OLD: &str = "import typing\n\nfrom pkg.testing import AsyncHTTPTestCase, AsyncTestCase\nfrom tests.util import abstract_base_test\n\n\nclass PayMixin:\n    def get_app(self: typing.Any):\n        return lambda path: 6\n\n    def test_total(self: typing.Any):\n        self.assertEqual(self.fetch(\"/total\"), 6)\n\n\nclass TestPay(PayMixin, AsyncHTTPTestCase):\n    pass\n";

    const NEW: &str = "import typing\n\nfrom pkg.testing import AsyncHTTPTestCase, AsyncTestCase\nfrom tests.util import abstract_base_test\n\n\n@abstract_base_test\nclass PayMixin(AsyncTestCase):\n    def fetch(self, path: str) -> int:\n        raise NotImplementedError()\n\n    def mixin_get_app(self):\n        return lambda path: 6\n\n    def test_total(self):\n        self.assertEqual(self.fetch(\"/total\"), 6)\n\n\nclass TestPay(AsyncHTTPTestCase, PayMixin):\n    def get_app(self):\n        return self.mixin_get_app()\n";

    fn files(test: &str) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("tests/test_pay.py".to_owned(), test.to_owned()),
            ("tests/util.py".to_owned(), MARKER.to_owned()),
            ("pkg/testing.py".to_owned(), FRAMEWORK.to_owned()),
        ])
    }

    fn keeps(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> bool {
        keeps_under(old, new, "PayMixin", (false, false))
    }

    fn keeps_under(
        old: &BTreeMap<String, String>,
        new: &BTreeMap<String, String>,
        class: &str,
        pytest: (bool, bool),
    ) -> bool {
        let ro = |p: &str| old.get(p).cloned();
        let rn = |p: &str| new.get(p).cloned();
        let of = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
        let (old_files, new_files) = (of(old), of(new));
        Revisions::new(&ro, &rn, &old_files, &new_files, pytest).keeps_every_run(
            "tests/test_pay.py",
            (class, "test_total"),
            &[],
            &[],
        )
    }

    /// What of annotations a module's code may read, by the names it reaches.
    #[test]
    fn readers_are_read_from_what_a_module_reaches_not_its_words() {
        let of = |src: &str| {
            let tree =
                crate::sacred::lang::parse_clean(crate::sacred::lang::Lang::Python, "m.py", src)
                    .unwrap()
                    .unwrap();
            let r = Readers::of(tree.root_node(), src);
            (r.class, r.function)
        };
        for (src, expected) in [
            (
                "# cannot\nsignature = sign(x)\nargs = getfullargspec(f).args\n",
                (false, false),
            ),
            ("from __future__ import annotations\n", (false, false)),
            ("import inspect\nsig = inspect.signature(f)\n", (true, true)),
            (
                "from inspect import getfullargspec\nspec = getfullargspec(f)\n",
                (true, true),
            ),
            (
                "hints = getattr(f, \"__ann\" \"otations__\")\n",
                (true, true),
            ),
            ("names = vars(cls)\n", (true, false)),
            ("d = cls.__dict__\n", (true, false)),
            ("from dataclasses import fields\n", (true, false)),
        ] {
            assert_eq!(of(src), expected, "{src}");
        }
    }

    /// An annotation inside a method's body (`self.failure: Optional[Info] = None`) is never
    /// evaluated nor stored: it does not make the framework's class unread, as it did when
    /// its name is bound only for type checkers. One a class body or a signature evaluates
    /// still does.
    #[test]
    fn an_annotation_inside_a_method_body_leaves_the_class_read() {
        let framework = |base: &str, annotated: &str| {
            base.replace(
                "import unittest\n",
                "import typing\nimport unittest\n\nif typing.TYPE_CHECKING:\n    Info = tuple\n",
            )
            .replace(
                "        self.io_loop = object()\n",
                &format!("        self.io_loop = object()\n{annotated}"),
            )
        };
        let with = |test: &str, framework: &str| {
            let mut f = files(test);
            f.insert("pkg/testing.py".to_owned(), framework.to_owned());
            f
        };
        let body = framework(
            FRAMEWORK,
            "        self.failure: typing.Optional[Info] = None\n",
        );
        assert!(keeps(&with(OLD, &body), &with(NEW, &body)));
        // Evaluated when the class is made: `Info` is unbound at run time.
        let signature = FRAMEWORK.replace(
            "\n\nclass AsyncHTTPTestCase",
            "\n    def stop(self, info: typing.Optional[Info] = None):\n        pass\n\n\nclass AsyncHTTPTestCase",
        );
        let signature = framework(&signature, "");
        assert!(!keeps(&with(OLD, &signature), &with(NEW, &signature)));
    }

    /// `unittest.TestCase` before a mixin in the old order (`class TestPay(AsyncTestCase,
    /// PayMixin)`) hides nothing the mixin defines but the names a test case may define: a
    /// mixin defining only others may move before it; one defining `setUp` (never run
    /// before: `TestCase.setUp` hands on to nothing) or an `assert…` may not.
    #[test]
    fn a_mixin_after_the_test_case_moves_before_it_unless_it_defines_a_test_case_name() {
        let old = "from pkg.testing import AsyncTestCase\nfrom tests.util import abstract_base_test\n\n\nclass PayMixin:\n    amount = 6\n\n    def test_total(self):\n        self.assertEqual(self.amount, 6)\n\n\nclass TestPay(AsyncTestCase, PayMixin):\n    pass\n";
        let new = old
            .replace(
                "class PayMixin:",
                "@abstract_base_test\nclass PayMixin(AsyncTestCase):",
            )
            .replace("TestPay(AsyncTestCase, PayMixin)", "TestPay(PayMixin)");
        assert!(keeps(&files(old), &files(&new)));
        for member in [
            "    def setUp(self):\n        self.amount = 7\n",
            "    def assertEqual(self, a, b):\n        pass\n",
            "    maxDiff = None\n",
        ] {
            let add = |t: &str| t.replace("    amount = 6\n", &format!("    amount = 6\n{member}"));
            assert!(!keeps(&files(&add(old)), &files(&add(&new))), "{member}");
        }
    }

    /// A class attribute given an annotation keeps its value; one given another value, or an
    /// annotation that runs, does not; and only the attributes of a class that runs the test
    /// are read.
    #[test]
    fn a_class_attribute_is_read_only_in_the_classes_that_run_the_test() {
        let old = NEW.replace(
            "class TestPay(AsyncHTTPTestCase, PayMixin):\n",
            "class TestPay(AsyncHTTPTestCase, PayMixin):\n    amount = 6  # type: int\n",
        );
        let old = old.replace(
            "\n\n\n@abstract",
            "\n\n\nclass Other:\n    amount = 6\n\n\n@abstract",
        );
        assert!(old.contains("class Other") && old.contains("# type: int"));
        let keeps_as = |new: &str, of: &str| {
            let (o, n) = (files(&old), files(new));
            let ro = |p: &str| o.get(p).cloned();
            let rn = |p: &str| n.get(p).cloned();
            let paths: Vec<String> = o.keys().cloned().collect();
            Revisions::new(&ro, &rn, &paths, &paths, (false, false)).keeps_every_run(
                "tests/test_pay.py",
                ("PayMixin", "test_total"),
                &[],
                &[of.to_owned()],
            )
        };
        assert!(keeps_as(&old, "TestPay"), "unchanged");
        let annotated = old.replace("amount = 6  # type: int", "amount: int = 6");
        assert!(keeps_as(&annotated, "TestPay"));
        // Another class, that does not run the test: its attributes are not compared.
        assert!(!keeps_as(&annotated, "Other"));
        let edits = [
            ("amount = 6  # type: int", "amount: int = 7"),
            ("amount = 6  # type: int", "amount: print() = 6"),
            ("amount = 6  # type: int", "amount: int"),
        ];
        for (from, to) in edits {
            assert!(!keeps_as(&old.replace(from, to), "TestPay"), "{to}");
        }
    }

    /// Each `(from, to)` edit of the refactored file is refused.
    fn assert_each_refused(cases: &[(&str, &str)]) {
        for (from, to) in cases {
            assert!(NEW.contains(from), "{from}");
            let new = files(&NEW.replacen(from, to, 1));
            assert!(!keeps(&files(OLD), &new), "{to}");
        }
    }

    fn with(test: &str, edit: impl Fn(&mut BTreeMap<String, String>)) -> BTreeMap<String, String> {
        let mut f = files(test);
        edit(&mut f);
        f
    }

    #[test]
    fn a_mixin_made_an_abstract_base_test_keeps_every_run() {
        assert!(keeps(&files(OLD), &files(NEW)));
        // Nothing changed keeps every run too.
        assert!(keeps(&files(OLD), &files(OLD)));
    }

    #[test]
    fn a_change_of_what_a_lookup_finds_does_not() {
        let cases: &[(&str, &str)] = &[
            // The delegated method returns another app.
            (
                "return lambda path: 6\n\n    def test",
                "return lambda path: 7\n\n    def test",
            ),
            // The stub now comes first: the concrete class's bases keep the old order.
            (
                "class TestPay(AsyncHTTPTestCase, PayMixin):",
                "class TestPay(PayMixin, AsyncHTTPTestCase):",
            ),
            // The test's own body.
            (
                "self.fetch(\"/total\"), 6)",
                "self.fetch(\"/total\"), self.fetch(\"/total\"))",
            ),
            // A hook of the runner's API, new.
            (
                "    def get_app(self):\n        return self.mixin_get_app()\n",
                "    def get_app(self):\n        return self.mixin_get_app()\n\n    def setUp(self):\n        pass\n",
            ),
            // A class hook of pytest's.
            (
                "    def get_app(self):\n        return self.mixin_get_app()\n",
                "    def get_app(self):\n        return self.mixin_get_app()\n\n    def pytest_generate_tests(self, metafunc):\n        pass\n",
            ),
            // A name the old code read (the framework's `app`), now a class attribute.
            (
                "    def get_app(self):\n        return self.mixin_get_app()\n",
                "    def get_app(self):\n        return self.mixin_get_app()\n\n    app = None\n",
            ),
            // The concrete class made abstract too: it runs nothing.
            ("class TestPay(", "@abstract_base_test\nclass TestPay("),
            // Another decorator on the concrete class.
            (
                "class TestPay(",
                "@unittest.skip(\"later\")\nclass TestPay(",
            ),
            // A base gatekeeper cannot read.
            (
                "class TestPay(AsyncHTTPTestCase, PayMixin):",
                "class TestPay(AsyncHTTPTestCase, PayMixin, Elsewhere):",
            ),
            // A statement that runs in a class body.
            (
                "    def fetch(self, path: str)",
                "    print('x')\n\n    def fetch(self, path: str)",
            ),
            // A metaclass.
            (
                "class PayMixin(AsyncTestCase):",
                "class PayMixin(AsyncTestCase, metaclass=Meta):",
            ),
            // A `super()` that reaches another name.
            (
                "        return self.mixin_get_app()\n",
                "        return super().get_app() or self.mixin_get_app()\n",
            ),
        ];
        assert_each_refused(cases);
    }

    #[test]
    fn what_the_module_binds_again_or_around_the_classes_is_refused() {
        let cases: &[(&str, &str)] = &[
            // A base's name bound again after its import.
            (
                "\n\n@abstract_base_test",
                "\nAsyncHTTPTestCase = AsyncTestCase\n\n@abstract_base_test",
            ),
            // The marker's name bound again.
            (
                "\n\n@abstract_base_test",
                "\nabstract_base_test = lambda c: c\n\n@abstract_base_test",
            ),
            // A star import may bind any of them.
            (
                "import typing\n",
                "import typing\nfrom pkg.fakes import *\n",
            ),
            // A runner in a block, which the class lines do not show.
            (
                "class TestPay(AsyncHTTPTestCase, PayMixin):",
                "if True:\n    class TestSkip(PayMixin):\n        test_total = None\n\n\nclass TestPay(AsyncHTTPTestCase, PayMixin):",
            ),
            // The mixin named elsewhere in its file.
            (
                "class TestPay(AsyncHTTPTestCase, PayMixin):",
                "PayMixin.test_total = None\n\n\nclass TestPay(AsyncHTTPTestCase, PayMixin):",
            ),
            (
                "class TestPay(AsyncHTTPTestCase, PayMixin):",
                "Alias = PayMixin\n\n\nclass TestPay(AsyncHTTPTestCase, PayMixin):",
            ),
            // A name a function declares global.
            (
                "class TestPay(AsyncHTTPTestCase, PayMixin):",
                "def swap():\n    global AsyncHTTPTestCase\n\n\nclass TestPay(AsyncHTTPTestCase, PayMixin):",
            ),
        ];
        assert_each_refused(cases);
        // A delegate whose target is written the same in another module, whose globals it
        // sees: not followed.
        let new = with(
            &NEW.replace(
                "    def mixin_get_app(self):\n        return lambda path: 6\n\n",
                "",
            )
            .replace(
                "class PayMixin(AsyncTestCase):",
                "class PayMixin(Apps, AsyncTestCase):",
            )
            .replace(
                "import abstract_base_test\n",
                "import abstract_base_test, Apps\n",
            ),
            |f| {
                let util = format!(
                    "{MARKER}\n\nclass Apps:\n    def mixin_get_app(self):\n        return lambda path: 6\n"
                );
                f.insert("tests/util.py".to_owned(), util);
            },
        );
        assert!(!keeps(&files(OLD), &new));
    }

    #[test]
    fn a_plain_class_named_for_pytest_runs_the_test_where_pytest_is_used() {
        let (old, new) = (
            files(&OLD.replace("PayMixin", "TestPayMixin")),
            files(&NEW.replace("PayMixin", "TestPayMixin")),
        );
        // unittest collects only test cases: the mixin never ran the test.
        assert!(keeps_under(&old, &new, "TestPayMixin", (false, false)));
        // pytest collects the mixin by its name: made abstract, it no longer runs it.
        assert!(!keeps_under(&old, &new, "TestPayMixin", (true, false)));
        // pytest configured to collect other classes (`python_classes = *Suite`): not read.
        assert!(!keeps_under(
            &files(OLD),
            &files(NEW),
            "PayMixin",
            (true, true)
        ));
        assert!(keeps_under(
            &files(OLD),
            &files(NEW),
            "PayMixin",
            (true, false)
        ));
        let imports = with(&NEW.replace("PayMixin", "TestPayMixin"), |f| {
            f.insert(
                "tests/conftest_like.py".to_owned(),
                "import pytest\n".to_owned(),
            );
        });
        assert!(!keeps_under(&old, &imports, "TestPayMixin", (false, false)));
    }

    #[test]
    fn what_runs_when_a_class_is_created_must_be_what_ran_before() {
        let cases: &[(&str, &str)] = &[
            // A shadowed stub, decorated: the decorator runs.
            (
                "    def fetch(self, path: str) -> int:",
                "    @patch_total\n    def fetch(self, path: str) -> int:",
            ),
            // A default that calls.
            (
                "    def fetch(self, path: str) -> int:",
                "    def fetch(self, path: str = setattr(pay, \"total\", len)) -> int:",
            ),
            // An annotation that calls.
            (
                "    def fetch(self, path: str) -> int:",
                "    def fetch(self, path: setattr(pay, \"total\", len)) -> int:",
            ),
            // A class attribute that calls, shadowed by nothing.
            (
                "    def mixin_get_app(self):",
                "    patched = setattr(pay, \"total\", len)\n\n    def mixin_get_app(self):",
            ),
            // Another test, new, whose decorator runs.
            (
                "    def mixin_get_app(self):",
                "    @patch_total\n    def test_other(self):\n        pass\n\n    def mixin_get_app(self):",
            ),
            // A nested class, whose body runs.
            (
                "    def mixin_get_app(self):",
                "    class Inner:\n        pass\n\n    def mixin_get_app(self):",
            ),
        ];
        assert_each_refused(cases);
        // Another test whose body changed, or new and plain: its own run, not this one's.
        let other = "\n    def test_other(self):\n        self.assertEqual(1, 1)\n";
        let old = files(&format!("{OLD}{other}"));
        let new = files(&format!("{NEW}{}", other.replace("1, 1", "2, 2")));
        assert!(keeps(&old, &new));
        assert!(keeps(&files(OLD), &new));
        // A literal class attribute, new and read by no code of the file: a framework may
        // read it by itself (`getattr(self, "retries", 0)`).
        let new = files(&NEW.replace(
            "    def mixin_get_app(self):",
            "    retries = 3\n\n    def mixin_get_app(self):",
        ));
        assert!(!keeps(&files(OLD), &new));
    }

    /// Found by a fourth attack: each passed while a broken `total` passed the test.
    #[test]
    fn what_the_order_says_beyond_its_definitions_is_refused() {
        // An `async` delegate only makes a coroutine.
        let new = NEW.replace(
            "    def get_app(self):\n        return self.mixin_get_app()\n",
            "    async def get_app(self):\n        return self.mixin_get_app()\n",
        );
        assert!(new != NEW);
        assert!(!keeps(&files(OLD), &files(&new)));
        // A class with no members left out of the order: `isinstance` says otherwise.
        let import = "from pkg.testing import AsyncHTTPTestCase, AsyncTestCase\n";
        let with_recorded = |test: &str| {
            with(
                &test.replace(
                    import,
                    "from pkg.testing import AsyncHTTPTestCase, AsyncTestCase, Recorded\n",
                ),
                |f| {
                    f.insert("pkg/testing.py".to_owned(), format!("{FRAMEWORK}\n\nclass Recorded:\n    \"\"\"Marks a recorded case.\"\"\"\n"));
                },
            )
        };
        let old = OLD.replace(
            "class TestPay(PayMixin, AsyncHTTPTestCase):",
            "class TestPay(PayMixin, Recorded, AsyncHTTPTestCase):",
        );
        assert!(old != OLD);
        assert!(!keeps(&with_recorded(&old), &with_recorded(NEW)));
        // A framework hook run for every class made under it now runs for the mixin.
        let hooked = |test: &str| {
            with(test, |f| {
                f.insert(
                    "pkg/testing.py".to_owned(),
                    FRAMEWORK.replace(
                        "class AsyncTestCase(unittest.TestCase):\n",
                        "class AsyncTestCase(unittest.TestCase):\n    def __init_subclass__(cls, **kw):\n        super().__init_subclass__(**kw)\n\n",
                    ),
                );
            })
        };
        assert!(!keeps(&hooked(OLD), &hooked(NEW)));
        // A base's method called by name, whose `super()` follows the new order.
        let offline = |test: &str| {
            with(
                &test.replace(
                    import,
                    "from pkg.testing import AsyncHTTPTestCase, AsyncTestCase, Offline\n",
                ),
                |f| {
                    f.insert(
                    "pkg/testing.py".to_owned(),
                    format!("{FRAMEWORK}\n\nclass Offline(AsyncTestCase):\n    def setUp(self):\n        super().setUp()\n        self.app = lambda path: 6\n"),
                );
                },
            )
        };
        let old = OLD.replace(
            "    def get_app(self: typing.Any):",
            "    def setUp(self):\n        AsyncHTTPTestCase.setUp(self)\n\n    def get_app(self: typing.Any):",
        ).replace("class TestPay(PayMixin, AsyncHTTPTestCase):\n    pass\n", "class TestPay(PayMixin, AsyncHTTPTestCase, Offline):\n    pass\n");
        let new = NEW.replace(
            "    def mixin_get_app(self):",
            "    def setUp(self):\n        AsyncHTTPTestCase.setUp(self)\n\n    def mixin_get_app(self):",
        ).replace("class TestPay(AsyncHTTPTestCase, PayMixin):", "class TestPay(PayMixin, Offline, AsyncHTTPTestCase):");
        assert!(old != OLD && new != NEW);
        assert!(!keeps(&offline(&old), &offline(&new)));
    }

    /// Found by a third attack: each passed while a broken `total` passed the test.
    #[test]
    fn a_class_read_by_its_code_or_a_hook_found_by_the_framework_is_refused() {
        // A method reading `__class__`, moved to another class with the same text.
        let old = OLD.replace(
            "        return lambda path: 6\n",
            "        if __class__.__name__ == \"PayMixin\":\n            return lambda path: 6\n        return lambda path: 7\n",
        );
        let new = NEW.replace(
            "        return lambda path: 6\n",
            "        if __class__.__name__ == \"PayMixin\":\n            return lambda path: 6\n        return lambda path: 7\n",
        );
        assert!(old != OLD && new != NEW);
        assert!(keeps(&files(&old), &files(&new)));
        let body = "        if __class__.__name__ == \"PayMixin\":\n            return lambda path: 6\n        return lambda path: 7\n";
        let moved = new
            .replace(&format!("    def mixin_get_app(self):\n{body}\n"), "")
            .replace(
                "        return self.mixin_get_app()\n",
                "        if __class__.__name__ == \"PayMixin\":\n            return lambda path: 6\n        return lambda path: 7\n",
            );
        assert!(!moved.contains("mixin_get_app"));
        assert!(!keeps(&files(&old), &files(&moved)));
        // A method no code names, which the framework finds by a prefix in `dir(self)`.
        let found = NEW.replace(
            "        return self.mixin_get_app()\n",
            "        return self.mixin_get_app()\n\n    def before_network(self):\n        self.skipTest(\"offline\")\n",
        );
        assert!(!keeps(&files(OLD), &files(&found)));
        // A method named by code of the file but delegated to by none.
        let named = NEW.replace(
            "        return self.mixin_get_app()\n",
            "        return self.mixin_get_app()\n\n    def before_network(self):\n        self.skipTest(\"offline\")\n\n\ndef _unused(case):\n    return case.before_network\n",
        );
        assert!(!keeps(&files(OLD), &files(&named)));
        // A delegate's target that a module the framework imports looks up by its name.
        let framework = format!("from pkg import helpers  # noqa: F401\n{FRAMEWORK}");
        let helpers = "def run(case):\n    getattr(case, \"mixin_get_app\")()\n";
        let looked_up = |test: &str| {
            with(test, |f| {
                f.insert("pkg/helpers.py".to_owned(), helpers.to_owned());
                f.insert("pkg/testing.py".to_owned(), framework.clone());
            })
        };
        assert!(!keeps(&looked_up(OLD), &looked_up(NEW)));
        // Named by a module nothing of the test case imports (another test file): read.
        let unrelated = |test: &str| {
            with(test, |f| {
                f.insert("pkg/helpers.py".to_owned(), helpers.to_owned());
            })
        };
        assert!(keeps(&unrelated(OLD), &unrelated(NEW)));
        // Another test another module names: not only its own run.
        let other = "\n    def test_handler(self, path=None):\n        return 6\n";
        let read = |test: &str| {
            with(&format!("{test}{other}"), |f| {
                f.insert(
                    "pkg/helpers.py".to_owned(),
                    "HANDLER = \"test_handler\"\n".to_owned(),
                );
                f.insert("pkg/testing.py".to_owned(), framework.clone());
            })
        };
        let changed = with(
            &format!("{NEW}{}", other.replace("return 6", "return 7")),
            |f| {
                f.insert(
                    "pkg/helpers.py".to_owned(),
                    "HANDLER = \"test_handler\"\n".to_owned(),
                );
                f.insert("pkg/testing.py".to_owned(), framework.clone());
            },
        );
        assert!(!keeps(&read(OLD), &changed));
    }

    /// Found by attacking this reading with the real runner: each passed a first version
    /// while a broken `total` still passed the test.
    #[test]
    fn what_an_attack_hid_in_the_refactor_is_refused() {
        let cases: &[(&str, &str)] = &[
            // A new class runs the test, with a setup that patches what it checks.
            (
                "class TestPay(",
                "class TestAaa(AsyncHTTPTestCase, PayMixin):\n    def get_app(self):\n        return self.mixin_get_app()\n\n    def setUp(self):\n        pay.total = lambda xs: 6\n        super().setUp()\n\n\nclass TestPay(",
            ),
            // An f-string first in a class body runs when the class is created.
            (
                "    def get_app(self):\n        return self.mixin_get_app()\n",
                "    f\"{setattr(pay, 'total', len)}\"\n\n    def get_app(self):\n        return self.mixin_get_app()\n",
            ),
            // A bare annotation whose walrus binds a class attribute.
            (
                "    def get_app(self):\n        return self.mixin_get_app()\n",
                "    note: (mixin_get_app := lambda self: lambda path: 6)\n\n    def get_app(self):\n        return self.mixin_get_app()\n",
            ),
        ];
        assert_each_refused(cases);
        // `super(OTHER, self)` starts the lookup after another class than its own.
        let old = OLD.replace(
            "class TestPay(PayMixin, AsyncHTTPTestCase):\n    pass\n",
            "class Client:\n    pass\n\n\nclass TestPay(PayMixin, Client, AsyncHTTPTestCase):\n    def fetch(self, path):\n        return super(Client, self).fetch(path)\n",
        );
        let new = NEW
            .replace(
                "class TestPay(AsyncHTTPTestCase, PayMixin):\n",
                "class Offline:\n    def fetch(self, path):\n        return 6\n\n\nclass Client:\n    pass\n\n\nclass TestPay(AsyncHTTPTestCase, Client, Offline, PayMixin):\n    def fetch(self, path):\n        return super(Client, self).fetch(path)\n\n",
            );
        assert!(!keeps(&files(&old), &files(&new)));
        // A statement moved out of the block it was in: the same tokens, another program.
        let old = OLD.replace(
            "        return lambda path: 6\n",
            "        total = billing.total\n        if stubbed:\n            print(\"stub\")\n            total = lambda xs: 6\n        return lambda path: total([1, 2, 3])\n",
        );
        let new = NEW.replace(
            "        return lambda path: 6\n",
            "        total = billing.total\n        if stubbed:\n            print(\"stub\")\n        total = lambda xs: 6\n        return lambda path: total([1, 2, 3])\n",
        );
        assert!(old != OLD && new != NEW);
        assert!(!keeps(&files(&old), &files(&new)));
        // As written in both, it keeps every run.
        let same = NEW.replace(
            "        return lambda path: 6\n",
            "        total = billing.total\n        if stubbed:\n            print(\"stub\")\n            total = lambda xs: 6\n        return lambda path: total([1, 2, 3])\n",
        );
        assert!(keeps(&files(&old), &files(&same)));
    }

    /// Found by a second attack: each passed while a broken `total` passed the test.
    #[test]
    fn a_marker_that_can_be_replaced_or_found_twice_is_not_read() {
        let edits: &[(&str, &str)] = &[
            // Its code swapped when its module is imported.
            (
                "tests/util.py",
                "\n\ndef _skip(cls):\n    return unittest.skip(\"x\")(cls)\n\n\nabstract_base_test.__code__ = _skip.__code__\n",
            ),
            (
                "tests/util.py",
                "\n\nglobals()[\"abstract_\" + \"base_test\"] = unittest.skip(\"x\")\n",
            ),
            // From another module.
            (
                "tests/other.py",
                "import tests.util\n\ntests.util.abstract_base_test.__code__ = (lambda c: c).__code__\n",
            ),
        ];
        for (path, added) in edits {
            let new = with(NEW, |f| {
                let was = f.get(*path).cloned().unwrap_or_default();
                f.insert((*path).to_owned(), format!("{was}{added}"));
            });
            assert!(!keeps(&files(OLD), &new), "{added}");
        }
        // Reflection in a function its module does not call when imported is not run then;
        // called, it is.
        let helper = "\n\ndef run_code(s):\n    exec(s)\n";
        let new = with(NEW, |f| {
            f.insert("tests/util.py".to_owned(), format!("{MARKER}{helper}"));
        });
        assert!(keeps(&files(OLD), &new));
        let new = with(NEW, |f| {
            f.insert(
                "tests/util.py".to_owned(),
                format!("{MARKER}{helper}\n\nDONE = run_code(\"pass\")\n"),
            );
        });
        assert!(!keeps(&files(OLD), &new));
        // Imported and used as a decorator elsewhere: untouched.
        let new = with(NEW, |f| {
            f.insert(
                "tests/test_other.py".to_owned(),
                "from tests.util import (\n    abstract_base_test,\n)\n\n\n@abstract_base_test\nclass Other:\n    pass\n".to_owned(),
            );
        });
        assert!(keeps(&files(OLD), &new));
        // Two files the import may name: which one Python imports is not known.
        let new = with(NEW, |f| {
            f.insert("tests/tests/util.py".to_owned(), MARKER.to_owned());
        });
        assert!(!keeps(&files(OLD), &new));
        let decoy = |f: &mut BTreeMap<String, String>| {
            f.insert("tests/pkg/testing.py".to_owned(), FRAMEWORK.to_owned());
        };
        assert!(!keeps(&with(OLD, decoy), &with(NEW, decoy)));
    }

    #[test]
    fn a_decorator_that_does_more_than_skip_the_base_is_not_a_marker() {
        let cases: &[(&str, &str)] = &[
            (
                "if cls is AbstractBaseWrapper:",
                "if cls is not AbstractBaseWrapper:",
            ),
            (
                "            super().setUpClass()\n",
                "            super().setUpClass()\n            cls.test_total = None\n",
            ),
            ("            super().setUpClass()\n", "            pass\n"),
            (
                "        @classmethod\n",
                "        test_total = None\n\n        @classmethod\n",
            ),
            ("    return AbstractBaseWrapper", "    return cls"),
            // What it raises ends the whole run.
            (
                "raise unittest.SkipTest(\"abstract base class\")",
                "raise SystemExit(0)",
            ),
            (
                "raise unittest.SkipTest(\"abstract base class\")",
                "raise unittest.SkipTest(print(\"x\"))",
            ),
            // An f-string is no docstring: it runs.
            (
                "        def setUpClass(cls):\n",
                "        def setUpClass(cls):\n            f\"{setattr(cls, 'test_total', None)}\"\n",
            ),
            (
                "    \"\"\"Marks a base test case abstract.\"\"\"",
                "    f\"{setattr(__import__('billing'), 'total', len)}\"",
            ),
            // `unittest` bound again in the marker's module.
            (
                "import unittest\n",
                "import unittest\nimport fakes as unittest\n",
            ),
        ];
        for (from, to) in cases {
            assert!(MARKER.contains(from), "{from}");
            let new = with(NEW, |f| {
                f.insert("tests/util.py".to_owned(), MARKER.replacen(from, to, 1));
            });
            assert!(!keeps(&files(OLD), &new), "{to}");
        }
    }

    #[test]
    fn the_framework_and_other_files_are_read_too() {
        // The framework's base defines the test's name: the reordered bases now find it.
        let framework = FRAMEWORK.replace(
            "    def fetch(self, path):",
            "    test_total = None\n\n    def fetch(self, path):",
        );
        let old = with(OLD, |f| {
            f.insert("pkg/testing.py".to_owned(), framework.clone());
        });
        let new = with(NEW, |f| {
            f.insert("pkg/testing.py".to_owned(), framework.clone());
        });
        assert!(!keeps(&old, &new));
        // Another file subclasses the mixin: its runs are not followed.
        let new = with(NEW, |f| {
            f.insert(
                "tests/test_other.py".to_owned(),
                "from tests.test_pay import PayMixin\n".to_owned(),
            );
        });
        assert!(!keeps(&files(OLD), &new));
        // A framework gatekeeper cannot read.
        let new = with(NEW, |f| {
            f.remove("pkg/testing.py");
        });
        assert!(!keeps(&files(OLD), &new));
    }

    #[test]
    fn a_runner_lost_or_a_test_run_from_elsewhere_is_refused() {
        // The old concrete class gone.
        let new = files(&NEW.replace("class TestPay(", "class PayTests("));
        assert!(!keeps(&files(OLD), &new));
        // The concrete class now overrides the test.
        let new = files(&NEW.replace(
            "        return self.mixin_get_app()\n",
            "        return self.mixin_get_app()\n\n    def test_total(self):\n        pass\n",
        ));
        assert!(!keeps(&files(OLD), &new));
    }
}
