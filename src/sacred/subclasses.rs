//! Where a locked Python test method runs besides its own class.
//!
//! unittest and pytest run a `test_*` method under every class that has it, its own and each
//! subclass that inherits it: an abstract base test (`@abstract_base_test class
//! TestReadWriteMixin(AsyncTestCase)`, skipped on its own, run by `TestIOStream`,
//! `TestIOStreamSSL`, …), a mixin that is no test case at all (`class Checks:` under `class
//! TestSqlite(Checks, TestCase)`). The runner's report names each run by the class it ran
//! under (`tests.test_db.TestSqlite` `test_total`), so evidence for the locked
//! `tests/test_db.py::Checks::test_total` is every report entry whose class, looked up the
//! way Python does (its method resolution order, C3), finds `test_total` in `Checks` of that
//! file — not an override, not a `test_total = None` that hides it.
//!
//! A report's class is found as the file its dotted path names (under the repository root or
//! a directory above the test's file, as pytest's rootdir may be), and its bases as that
//! file's code names them: a class of the file, one imported by name (`from tests.base import
//! Checks`), or a module's class (`base.Checks` after `from tests import base`, `import
//! tests.base`). A base that is not the tests' own code (`unittest.TestCase`) is taken to
//! define no tests.
//!
//! **Invariant (fail closed):** an entry counts only when its class resolves to the locked
//! method exactly; a class, base or module gatekeeper cannot read adds no evidence, so what
//! it cannot follow leaves the test `not-run` or `skipped-at-runtime`, never proven.
use crate::sacred::analysis::FieldOf as _;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use tree_sitter::Node;

use super::analysis::{kind, named_children, text};
use super::evidence::{Case, LockedRef};
use super::lookalikes::WorkTree;

/// A class at the top of a Python module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyClass {
    pub name: String,
    /// Each base as written: `Checks`, `base.Checks`, `unittest.TestCase` (keyword
    /// arguments such as `metaclass=` are not bases).
    pub bases: Vec<String>,
    /// The names its body binds: methods, nested classes, assignments (`test_x = None`).
    pub defines: BTreeSet<String>,
    /// Whether the class adds nothing to what it inherits: no decorator, no keyword in its
    /// bases (`metaclass=`), a body of a docstring, `pass` or `...` only, and its module
    /// names it nowhere else but as a base (nothing sets its attributes or rebinds its
    /// name after the definition).
    pub bare: bool,
}

/// A Python module as subclass lookup reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PyModule {
    pub classes: Vec<PyClass>,
    /// Its module-level imports, as [`super::bindings::module_bindings`] writes them
    /// (`from tests.base import Checks as C`, `import tests.base`).
    pub imports: Vec<String>,
}

/// The names a module mentions other than as the name of the one class its top defines
/// under it, or as a plain base in a class's base list: a class named there may be changed
/// or replaced after its definition (`TestFast.setup_method = stub`, `TestFast =
/// make()`, `setattr(TestFast, …)`, a second `class TestFast` under an `if`, an import of
/// that name), so its body does not say what it adds.
fn mentioned_elsewhere(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut top_level: BTreeMap<String, usize> = BTreeMap::new();
    for n in named_children(root) {
        let def = super::analysis::undecorated(n);
        if let Some(def) = def.filter(|d| kind(*d) == "class_definition")
            && let Some(name) = def.field("name")
        {
            *top_level.entry(text(name, src).to_owned()).or_default() += 1;
        }
    }
    let mut out: BTreeSet<String> = top_level
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(name, _)| name.clone())
        .collect();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if kind(n) == "identifier" {
            let parent = n.parent();
            let own_name = parent.is_some_and(|p| {
                kind(p) == "class_definition"
                    && p.field("name").map(|x| x.id()) == Some(n.id())
                    && p.parent().is_some_and(|pp| {
                        kind(pp) == "module"
                            || (kind(pp) == "decorated_definition"
                                && pp.parent().is_some_and(|m| kind(m) == "module"))
                    })
            });
            let base = parent.is_some_and(|p| {
                kind(p) == "argument_list"
                    && p.parent().is_some_and(|c| {
                        kind(c) == "class_definition"
                            && c.field("superclasses").map(|s| s.id()) == Some(p.id())
                    })
            });
            if !own_name && !base {
                out.insert(text(n, src).to_owned());
            }
        }
        stack.extend(named_children(n));
    }
    out
}

/// Reads the classes at the top of a module (decorated or not) and its imports.
pub fn module_shape(root: Node<'_>, src: &str) -> PyModule {
    let touched = mentioned_elsewhere(root, src);
    let mut classes = Vec::new();
    for n in named_children(root) {
        let decorated = kind(n) == "decorated_definition";
        let class = if decorated {
            match n.field("definition") {
                Some(d) => d,
                None => continue,
            }
        } else {
            n
        };
        if kind(class) != "class_definition" {
            continue;
        }
        let Some(name) = class.field("name") else {
            continue;
        };
        let keywords = class.field("superclasses").is_some_and(|args| {
            named_children(args)
                .into_iter()
                .any(|a| kind(a) != "comment" && !is_base_expression(a))
        });
        let bare = !decorated
            && !keywords
            && !touched.contains(text(name, src))
            && class
                .field("body")
                .is_some_and(|b| named_children(b).into_iter().all(adds_nothing));
        let bases = class
            .field("superclasses")
            .map(|args| {
                named_children(args)
                    .into_iter()
                    .filter(|a| kind(*a) != "keyword_argument" && kind(*a) != "comment")
                    .map(|a| text(a, src).split_whitespace().collect::<String>())
                    .collect()
            })
            .unwrap_or_default();
        let defines = class
            .field("body")
            .map(|b| body_names(b, src))
            .unwrap_or_default();
        classes.push(PyClass {
            name: text(name, src).to_owned(),
            bases,
            defines,
            bare,
        });
    }
    let imports = super::bindings::module_bindings("python", root, src)
        .into_iter()
        .filter(|b| b.text.starts_with("import ") || b.text.starts_with("from "))
        .map(|b| b.text)
        .collect();
    PyModule { classes, imports }
}

/// Whether a node of a class's base list is a base (a name, an attribute), not a keyword
/// (`metaclass=M`), `*bases` or `**kw`.
fn is_base_expression(n: Node<'_>) -> bool {
    matches!(kind(n), "identifier" | "attribute" | "subscript" | "call")
}

/// Whether a statement of a class body adds nothing to the class: `pass`, `...`, a string
/// (the docstring), a comment.
fn adds_nothing(n: Node<'_>) -> bool {
    match kind(n) {
        "pass_statement" | "comment" => true,
        "expression_statement" => named_children(n)
            .into_iter()
            .all(|e| matches!(kind(e), "string" | "concatenated_string" | "ellipsis")),
        _ => false,
    }
}

/// The names a class body binds at its top.
fn body_names(body: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for n in named_children(body) {
        let def = super::analysis::undecorated(n);
        let Some(def) = def else { continue };
        match kind(def) {
            "function_definition" | "class_definition" => {
                if let Some(name) = def.field("name") {
                    names.insert(text(name, src).to_owned());
                }
            }
            "expression_statement" => {
                for a in named_children(def) {
                    if matches!(kind(a), "assignment" | "augmented_assignment")
                        && let Some(left) = a.field("left")
                    {
                        assigned_names(left, src, &mut names);
                    }
                }
            }
            _ => {}
        }
    }
    names
}

fn assigned_names(target: Node<'_>, src: &str, out: &mut BTreeSet<String>) {
    match kind(target) {
        "identifier" => {
            out.insert(text(target, src).to_owned());
        }
        "pattern_list" | "tuple_pattern" | "list_pattern" => {
            for c in named_children(target) {
                assigned_names(c, src, out);
            }
        }
        _ => {}
    }
}

/// A class of the tests' code: its file (relative to the root) and name.
type ClassRef = (String, String);

/// One entry of a class's method resolution order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Mro {
    Known(ClassRef),
    /// A base gatekeeper does not read (`unittest.TestCase`), by the file naming it and its
    /// text.
    Opaque(String, String),
}

/// Resolves report entries to the class whose method they ran, reading files under `root`
/// once each.
pub struct Subclasses {
    root: PathBuf,
    modules: BTreeMap<String, Option<Rc<PyModule>>>,
    mros: BTreeMap<ClassRef, Option<Rc<Vec<Mro>>>>,
    report_classes: BTreeMap<(String, String), Option<ClassRef>>,
}

/// Deeper inheritance than this is not followed (a cycle written by mistake ends here too).
const MAX_DEPTH: usize = 32;

impl Subclasses {
    pub fn new(root: &Path) -> Subclasses {
        Subclasses {
            root: root.to_owned(),
            modules: BTreeMap::new(),
            mros: BTreeMap::new(),
            report_classes: BTreeMap::new(),
        }
    }

    /// Whether the report entry `c` is a run of the locked Python method `t` under a class
    /// that inherits it (its own class is matched by name already, see `evidence::matches`).
    pub fn runs(&mut self, t: &LockedRef, c: &Case, tree: &WorkTree) -> bool {
        if t.lang != "python" || t.scope.len() != 1 {
            return false;
        }
        let base = c.name.split_once('[').map_or(c.name.as_str(), |(b, _)| b);
        if base != t.name {
            return false;
        }
        let Some(class) = self.report_class(&c.classname, &t.file) else {
            return false;
        };
        if let Some(f) = &c.file
            && !tree.names_file(f, &class.0)
        {
            return false;
        }
        let Some(mro) = self.mro(&class, 0) else {
            return false;
        };
        let Some(at) = self.defining_class(&mro, &t.name) else {
            return false;
        };
        if mro[at] != Mro::Known((t.file.clone(), t.scope[0].clone())) {
            return false;
        }
        // Every class the run's class finds before the test's own is locked with it (a
        // subclass in the test's file: its setup is the static check's) or adds nothing;
        // one of another file may replace the setup or what the test reads
        // (`setup_method` rebinding the code under test to a stub).
        mro[..at].iter().all(|entry| match entry {
            Mro::Known((file, name)) => {
                file == &t.file
                    || self.module(file).is_some_and(|m| {
                        m.classes
                            .iter()
                            .rev()
                            .find(|c| &c.name == name)
                            .is_some_and(|c| c.bare)
                    })
            }
            Mro::Opaque(..) => false,
        })
    }

    /// Where in the method resolution order `mro` the first class whose body defines
    /// `method` is; `None` when a class on it cannot be read (a base gatekeeper does not read
    /// is taken to define no test method).
    fn defining_class(&mut self, mro: &[Mro], method: &str) -> Option<usize> {
        for (i, entry) in mro.iter().enumerate() {
            let Mro::Known((file, name)) = entry else {
                continue;
            };
            let module = self.module(file)?;
            let defines = module
                .classes
                .iter()
                .rev()
                .find(|c| &c.name == name)
                .is_some_and(|c| c.defines.contains(method));
            if defines {
                return Some(i);
            }
        }
        None
    }

    /// The class a report's `classname` (dotted module path and class) names, found under
    /// the root or a directory above the locked test's file.
    fn report_class(&mut self, classname: &str, locked_file: &str) -> Option<ClassRef> {
        let key = (classname.to_owned(), locked_file.to_owned());
        if let Some(found) = self.report_classes.get(&key) {
            return found.clone();
        }
        let found = self.find_report_class(classname, locked_file);
        self.report_classes.insert(key, found.clone());
        found
    }

    /// The file must be the only one of those directories that could be the report's: pytest
    /// started in a sub-directory names `tests/other/test_x.py` as `other.test_x`, which a
    /// look-alike `other/test_x.py` at the root would also read as.
    fn find_report_class(&mut self, classname: &str, locked_file: &str) -> Option<ClassRef> {
        let (module, class) = classname.rsplit_once('.')?;
        let rel = module.replace('.', "/");
        let mut dirs = vec![String::new()];
        let mut d = locked_file.rsplit_once('/').map_or("", |(d, _)| d);
        let mut above = Vec::new();
        while !d.is_empty() {
            above.push(d.to_owned());
            d = d.rsplit_once('/').map_or("", |(up, _)| up);
        }
        above.reverse();
        dirs.extend(above);
        let mut found: Option<ClassRef> = None;
        for dir in dirs {
            let file = if dir.is_empty() {
                format!("{rel}.py")
            } else {
                format!("{dir}/{rel}.py")
            };
            if std::fs::metadata(self.root.join(&file)).is_ok() {
                if found.is_some() {
                    return None;
                }
                if let Some(m) = self.module(&file)
                    && m.classes.iter().any(|c| c.name == class)
                {
                    found = Some((file, class.to_owned()));
                } else {
                    // A module of that path that gatekeeper cannot read for the class may be
                    // the one the runner meant.
                    return None;
                }
            }
        }
        found
    }

    /// The module `file` (relative to the root), read and parsed once; `None` when it is
    /// absent or does not parse.
    fn module(&mut self, file: &str) -> Option<Rc<PyModule>> {
        if let Some(m) = self.modules.get(file) {
            return m.clone();
        }
        let parsed = std::fs::read_to_string(self.root.join(file))
            .ok()
            .and_then(|src| super::lang::python_module_shape(file, &src).ok().flatten())
            .map(Rc::new);
        self.modules.insert(file.to_owned(), parsed.clone());
        parsed
    }

    /// The C3 linearisation of `class`; `None` when a class on the way cannot be read or
    /// the order is inconsistent (Python would refuse to create the class).
    fn mro(&mut self, class: &ClassRef, depth: usize) -> Option<Rc<Vec<Mro>>> {
        if let Some(m) = self.mros.get(class) {
            return m.clone();
        }
        if depth > MAX_DEPTH {
            return None;
        }
        // A cycle meets this entry again and reads as unreadable.
        self.mros.insert(class.clone(), None);
        let found = self.linearise(class, depth).map(Rc::new);
        self.mros.insert(class.clone(), found.clone());
        found
    }

    fn linearise(&mut self, class: &ClassRef, depth: usize) -> Option<Vec<Mro>> {
        let module = self.module(&class.0)?;
        let c = module.classes.iter().rev().find(|c| c.name == class.1)?;
        let bases: Vec<Mro> = c
            .bases
            .iter()
            .map(|b| match self.resolve_base(&class.0, &module, b) {
                Some(r) => Mro::Known(r),
                None => Mro::Opaque(class.0.clone(), b.clone()),
            })
            .collect();
        let mut sequences: Vec<Vec<Mro>> = Vec::new();
        for b in &bases {
            match b {
                Mro::Known(r) => sequences.push(self.mro(r, depth + 1)?.as_ref().clone()),
                Mro::Opaque(..) => sequences.push(vec![b.clone()]),
            }
        }
        sequences.push(bases);
        let mut out = vec![Mro::Known(class.clone())];
        out.extend(merge(sequences)?);
        Some(out)
    }

    /// The class of the tests' code a base expression of `file` names.
    fn resolve_base(&mut self, file: &str, module: &PyModule, base: &str) -> Option<ClassRef> {
        if !base.contains('.') && module.classes.iter().any(|c| c.name == base) {
            return Some((file.to_owned(), base.to_owned()));
        }
        for i in &module.imports {
            if let Some((from, name)) = super::base_import(i, base)
                && let Some(target) = self.import_file(file, &from)
                && self.has_class(&target, &name)
            {
                return Some((target, name));
            }
        }
        None
    }

    fn has_class(&mut self, file: &str, name: &str) -> bool {
        self.module(file)
            .is_some_and(|m| m.classes.iter().any(|c| c.name == name))
    }

    /// The file of the tests' own code an import in `file` names, read from disk.
    fn import_file(&mut self, file: &str, module: &str) -> Option<String> {
        super::import_candidates(file, module)
            .into_iter()
            .filter(|c| super::test_support(c))
            .find(|c| self.module(c).is_some())
    }
}

/// C3's merge: repeatedly the first head that is in no other sequence's tail; `None` when
/// the orders are inconsistent (Python would refuse to create the class).
pub(crate) fn merge<T: PartialEq + Clone>(mut sequences: Vec<Vec<T>>) -> Option<Vec<T>> {
    let mut out = Vec::new();
    loop {
        sequences.retain(|s| !s.is_empty());
        if sequences.is_empty() {
            return Some(out);
        }
        let head = sequences
            .iter()
            .map(|s| &s[0])
            .find(|h| sequences.iter().all(|s| !s[1..].contains(h)))?
            .clone();
        for s in &mut sequences {
            if s[0] == head {
                s.remove(0);
            }
        }
        out.push(head);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sacred::evidence::Outcome;

    fn case(classname: &str, name: &str) -> Case {
        Case {
            classname: classname.to_owned(),
            name: name.to_owned(),
            file: None,
            outcome: Outcome::Passed,
            suites: Vec::new(),
        }
    }

    #[cfg(feature = "lang-python")]
    #[test]
    fn report_classes_resolve_through_each_kind_of_import() {
        let dir = std::env::temp_dir().join(format!("gk-subclasses-{}", std::process::id()));
        let write = |p: &str, s: &str| {
            let p = dir.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, s).unwrap();
        };
        write(
            "tests/test_base.py",
            "class Checks:\n    def test_total(self):\n        pass\n\n\nclass Other:\n    pass\n",
        );
        write(
            "tests/test_kinds.py",
            "import unittest\nimport tests.test_base\nimport tests.test_base as tb\nfrom tests import test_base\nfrom tests.test_base import Checks as C\nfrom .test_base import Checks\n\n\nclass ByName(C, unittest.TestCase):\n    pass\n\n\nclass ByAlias(tb.Checks):\n    pass\n\n\nclass ByModule(test_base.Checks):\n    pass\n\n\nclass ByPath(tests.test_base.Checks):\n    pass\n\n\nclass Relative(Checks):\n    pass\n\n\nclass Deeper(ByAlias):\n    pass\n\n\nclass Overrides(C):\n    def test_total(self):\n        pass\n\n\nclass Hides(C):\n    test_total = None\n\n\nclass LaterBase(tb.Other, C):\n    pass\n\n\nclass Unrelated(unittest.TestCase):\n    def test_total(self):\n        pass\n\n\nclass SetsUp(C):\n    def setUp(self):\n        pass\n\n\nclass Data(C):\n    items = []\n\n\n@unittest.skipIf(False, \"never\")\nclass Decorated(C):\n    pass\n\n\nclass Meta(C, metaclass=type):\n    pass\n\n\nclass Documented(C):\n    \"\"\"Only a docstring.\"\"\"\n    ...\n",
        );
        let t = LockedRef::new(
            "python:tests/test_base.py::Checks::test_total",
            "tests/test_base.py",
        );
        let mut s = Subclasses::new(&dir);
        let tree = WorkTree::new(&dir);
        for class in [
            "ByName",
            "ByAlias",
            "ByModule",
            "ByPath",
            "Relative",
            "Deeper",
            "LaterBase",
            "Documented",
        ] {
            let c = case(&format!("tests.test_kinds.{class}"), "test_total[1]");
            assert!(s.runs(&t, &c, &tree), "{class}");
        }
        // Classes of another file before the test's class that define anything, are
        // decorated or take a metaclass: what they add is not locked with the test.
        for class in [
            "Overrides",
            "Hides",
            "Unrelated",
            "Missing",
            "SetsUp",
            "Data",
            "Decorated",
            "Meta",
        ] {
            let c = case(&format!("tests.test_kinds.{class}"), "test_total");
            assert!(!s.runs(&t, &c, &tree), "{class}");
        }
        // Another method's name, and the report naming another file.
        assert!(!s.runs(&t, &case("tests.test_kinds.ByName", "test_other"), &tree));
        let mut other_file = case("tests.test_kinds.ByName", "test_total");
        other_file.file = Some("tests/test_other.py".to_owned());
        assert!(!s.runs(&t, &other_file, &tree));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn known(f: &str, c: &str) -> Mro {
        Mro::Known((f.to_owned(), c.to_owned()))
    }

    #[test]
    fn c3_merges_a_diamond_as_python_does() {
        // class A; class B(A); class C(A); class D(B, C): D, B, C, A.
        let a = known("t.py", "A");
        let b = known("t.py", "B");
        let c = known("t.py", "C");
        let merged = merge(vec![
            vec![b.clone(), a.clone()],
            vec![c.clone(), a.clone()],
            vec![b.clone(), c.clone()],
        ])
        .unwrap();
        assert_eq!(merged, vec![b, c, a]);
    }

    #[test]
    fn c3_refuses_an_inconsistent_order() {
        // class X(A, B) and class Y(B, A); class Z(X, Y) cannot be created.
        let a = known("t.py", "A");
        let b = known("t.py", "B");
        let x = known("t.py", "X");
        let y = known("t.py", "Y");
        let merged = merge(vec![
            vec![x.clone(), a.clone(), b.clone()],
            vec![y.clone(), b.clone(), a.clone()],
            vec![x, y],
        ]);
        assert_eq!(merged, None);
    }
}
