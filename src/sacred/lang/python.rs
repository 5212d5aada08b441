//! Python: pytest and unittest test functions and methods (`test*` at module level or in a
//! collected class), tagged by comment, by `@pytest.mark.sacred`, by `pytestmark`, or through
//! an enclosing class.
use crate::sacred::analysis::FieldOf as _;

use std::collections::BTreeSet;

use tree_sitter::Node;

use super::super::analysis::{
    FileScan, Out, Rules, TestSpec, Want, kind, named_children, normalized, test_id, text,
};

struct PythonRules;

/// What this language counts as an assertion, and the rest of its reading rules.
pub(super) fn rules() -> &'static dyn Rules {
    &PythonRules
}

/// The dotted name a call calls (`self.assertEqual`, `pytest.raises`).
fn callee<'s>(node: Node<'_>, src: &'s str) -> Option<&'s str> {
    (kind(node) == "call").then(|| node.field("function").map(|f| text(f, src)))?
}

impl Rules for PythonRules {
    fn assertion(&self, node: Node<'_>, src: &str) -> Option<String> {
        if kind(node) == "assert_statement" {
            return Some("assert".to_owned());
        }
        let f = callee(node, src)?;
        let last = f.rsplit('.').next().unwrap_or(f);
        (last.starts_with("assert")
            || matches!(
                f,
                "pytest.raises" | "pytest.warns" | "pytest.fail" | "self.fail"
            ))
        .then(|| last.to_owned())
    }

    fn names_a_test_function(&self, name: &str) -> bool {
        name.starts_with("test")
    }

    fn is_return(&self, node: Node<'_>) -> bool {
        kind(node) == "return_statement"
    }

    fn is_skip_call(&self, node: Node<'_>, src: &str) -> bool {
        callee(node, src).is_some_and(|f| {
            matches!(
                f,
                "pytest.skip" | "pytest.xfail" | "self.skipTest" | "pytest.importorskip"
            )
        })
    }

    fn is_swallow(&self, node: Node<'_>, src: &str) -> bool {
        if kind(node) == "except_clause" {
            return true;
        }
        callee(node, src).is_some_and(|f| f.ends_with("suppress"))
    }

    fn is_control(&self, kind: &str) -> bool {
        matches!(
            kind,
            "if_statement"
                | "elif_clause"
                | "else_clause"
                | "for_statement"
                | "while_statement"
                | "try_statement"
                | "except_clause"
                | "with_statement"
                | "lambda"
                | "conditional_expression"
                | "match_statement"
                | "case_clause"
                | "function_definition"
        )
    }
}

/// Module- or class-level assignments that change collection: `pytestmark`, `__test__`.
fn collection_markers(block: Node<'_>, src: &str) -> Vec<String> {
    named_children(block)
        .into_iter()
        .filter(|c| kind(c) == "expression_statement")
        .filter_map(|c| c.named_child(0))
        .filter(|a| kind(a) == "assignment")
        .filter(|a| {
            a.field("left")
                .is_some_and(|l| matches!(text(l, src), "pytestmark" | "__test__"))
        })
        .map(|a| normalized(a, src))
        .collect()
}

pub(crate) fn scan(
    path: &str,
    src: &str,
    root: Node<'_>,
    sacred_path: bool,
    want: &Want,
) -> FileScan {
    let mut out = Out::new(src, root, want);
    let markers = collection_markers(root, src);
    let sacred = sacred_path || markers.iter().any(|m| m.contains("mark.sacred"));
    let mut derived_from = BTreeSet::new();
    base_class_names(root, src, &mut derived_from);
    let mut classes = Vec::new();
    file_classes(root, src, &mut classes);
    walk(
        path,
        src,
        root,
        root,
        &mut Vec::new(),
        sacred,
        true,
        &markers,
        &[],
        &Hierarchy {
            derived_from: &derived_from,
            classes: &classes,
        },
        &mut out,
    );
    out.finish(src)
}

/// The classes of a file: their names, the plain names of their bases, their bodies.
struct Hierarchy<'a, 't> {
    derived_from: &'a BTreeSet<String>,
    classes: &'a [(String, Vec<String>, Node<'t>)],
}

impl<'t> Hierarchy<'_, 't> {
    /// The classes of the file that derive from `class`, directly or through one another,
    /// each with its body (`class TestList(Checks, TestCase)` for `Checks`).
    fn subclasses(&self, class: &str) -> Vec<(String, Node<'t>)> {
        let mut found: Vec<(String, Node<'t>)> = Vec::new();
        let mut names: BTreeSet<&str> = BTreeSet::from([class]);
        loop {
            let before = found.len();
            for (name, bases, body) in self.classes {
                if bases.iter().any(|b| names.contains(b.as_str()))
                    && !found.iter().any(|(_, b)| b.id() == body.id())
                {
                    found.push((name.clone(), *body));
                    names.insert(name);
                }
            }
            if found.len() == before {
                return found;
            }
        }
    }
}

/// Every class of the file, nested ones too (see [`Hierarchy`]).
fn file_classes<'t>(node: Node<'t>, src: &str, out: &mut Vec<(String, Vec<String>, Node<'t>)>) {
    for child in named_children(node) {
        match kind(child) {
            "class_definition" => {
                let (Some(name), Some(body)) = (child.field("name"), child.field("body")) else {
                    continue;
                };
                let bases = crate::sacred::bindings::base_names(child, src);
                out.push((text(name, src).to_owned(), bases, body));
                file_classes(body, src, out);
            }
            "decorated_definition" => file_classes(child, src, out),
            _ => {}
        }
    }
}

/// The plain names classes of the file derive from (`class TestList(Checks, TestCase)`): a
/// mixin's `test_*` methods run as tests of each subclass the runner collects.
fn base_class_names(node: Node<'_>, src: &str, out: &mut BTreeSet<String>) {
    for child in named_children(node) {
        match kind(child) {
            "class_definition" => {
                if let Some(args) = child.field("superclasses") {
                    for a in named_children(args) {
                        if kind(a) == "identifier" {
                            out.insert(text(a, src).to_owned());
                        }
                    }
                }
                if let Some(body) = child.field("body") {
                    base_class_names(body, src, out);
                }
            }
            "decorated_definition" => base_class_names(child, src, out),
            _ => {}
        }
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "a recursive walk that carries its whole context"
)]
fn walk<'t>(
    path: &str,
    src: &str,
    root: Node<'t>,
    block: Node<'t>,
    scope: &mut Vec<String>,
    sacred: bool,
    collected_scope: bool,
    envelope: &[String],
    classes: &[(Node<'t>, Node<'t>)],
    hierarchy: &Hierarchy<'_, 't>,
    out: &mut Out<'t, '_>,
) {
    for child in named_children(block) {
        let (outer, def, decorators) = if kind(child) == "decorated_definition" {
            let Some(def) = child.field("definition") else {
                continue;
            };
            let decos: Vec<String> = named_children(child)
                .into_iter()
                .filter(|d| kind(d) == "decorator")
                .map(|d| normalized(d, src))
                .collect();
            (child, def, decos)
        } else {
            (child, child, Vec::new())
        };
        let tagged = out.tagged_above(root, src, outer.start_position().row, &["@"])
            || decorators.iter().any(|d| d.contains("mark.sacred"));
        match kind(def) {
            "class_definition" => {
                let Some(name) = def.field("name") else {
                    continue;
                };
                let Some(body) = def.field("body") else {
                    continue;
                };
                let name = text(name, src).to_owned();
                let bases = def.field("superclasses").map(|b| normalized(b, src));
                // pytest collects `Test*` classes; unittest collects TestCase subclasses,
                // which any class with bases may be; and a class another class of the file
                // derives from has its tests run under that subclass.
                let collected = collected_scope
                    && (name.starts_with("Test")
                        || bases.is_some()
                        || hierarchy.derived_from.contains(&name));
                let markers = collection_markers(body, src);
                let mut env = envelope.to_vec();
                let mut line = format!("class {name}{}:", bases.unwrap_or_default());
                for d in &decorators {
                    line.push(' ');
                    line.push_str(d);
                }
                for m in &markers {
                    line.push(' ');
                    line.push_str(m);
                }
                env.push(line);
                let class_sacred =
                    sacred || tagged || markers.iter().any(|m| m.contains("mark.sacred"));
                let mut inner = classes.to_vec();
                inner.push((outer, body));
                scope.push(name);
                walk(
                    path,
                    src,
                    root,
                    body,
                    scope,
                    class_sacred,
                    collected,
                    &env,
                    &inner,
                    hierarchy,
                    out,
                );
                scope.pop();
            }
            "function_definition" => {
                let Some(name) = def.field("name") else {
                    continue;
                };
                let Some(body) = def.field("body") else {
                    continue;
                };
                let name = text(name, src).to_owned();
                let collected = collected_scope && name.starts_with("test");
                let doc = crate::sacred::bindings::docstring(body);
                let doc_id = doc.map(|d| d.id());
                out.candidate(
                    test_id("python", path, scope, &name),
                    body,
                    doc_id,
                    collected,
                    def.start_position().row + 1,
                );
                if !collected {
                    continue;
                }
                let mut env = envelope.to_vec();
                env.extend(decorators.iter().cloned());
                let spec = TestSpec {
                    node: def,
                    body,
                    extent: outer,
                    elide: doc,
                    name,
                    scope: scope.clone(),
                    sacred: sacred || tagged,
                    collected,
                    envelope_lines: env,
                    suites: classes.to_vec(),
                    subclasses: scope
                        .last()
                        .map(|class| hierarchy.subclasses(class))
                        .unwrap_or_default(),
                };
                out.test("python", path, &spec, &PythonRules, src);
            }
            _ => {}
        }
    }
}
