//! A JavaScript/TypeScript module a test file already imports statically, destructured
//! again from a dynamic import inside a function: `const {TimeoutError} = await
//! import('../source/index.js')` in a callback of a file that has `import ky from
//! '../source/index.js'`. An ES module is evaluated once per process and `import()` of an
//! evaluated module resolves to its namespace, so the name holds what a static `import
//! {TimeoutError} from '../source/index.js'` binds. The statement is read as that import:
//!
//! - in a test's statements it reads as nothing (in the current reading only: a lock an
//!   older gatekeeper wrote compares as written);
//! - among the file's module-level bindings it is `import TimeoutError as TimeoutError from
//!   '../source/index.js'`, the text the static import has, for the tests that hold the
//!   statement only ([`use_key`]): another test that reads a global of that name still
//!   sees the static import as new.
//!
//! So moving the import to the top of the file (as linters ask) changes nothing, and any
//! other change of what the name holds still shows: another module or another export is
//! another binding text, and a name bound elsewhere in the file (a module-level constant, a
//! parameter of a function around it) is never read so.
//!
//! **Invariant:** only a `const` declaration of a destructuring pattern of plain names
//! (`{A}`, `{A: b}`), whose value is `await import(S)` with a string literal `S`, inside a
//! function, in a file that imports `S` at its top by a statement that is not type-only, and
//! whose names the file binds nowhere else. The `await` is a pause of the callback that is
//! gone: its order against other callbacks is not compared.
use crate::sacred::analysis::FieldOf as _;

use std::collections::BTreeSet;

use tree_sitter::Node;

use super::analysis::{kind, named_children, text};

/// What a string literal holds (without its quotes).
fn literal(s: Node<'_>, src: &str) -> String {
    text(s, src)
        .trim_matches(|c| matches!(c, '\'' | '"' | '`'))
        .to_owned()
}

fn root_of(mut n: Node<'_>) -> Node<'_> {
    while let Some(p) = n.parent() {
        n = p;
    }
    n
}

/// The source text (quotes as written) of the file's top-level import of the module whose
/// specifier is `spec`, when one is not type-only.
fn static_import_source<'s>(root: Node<'_>, spec: &str, src: &'s str) -> Option<&'s str> {
    named_children(root)
        .into_iter()
        .filter(|n| kind(*n) == "import_statement")
        .filter(|n| {
            let mut c = n.walk();
            !n.children(&mut c)
                .any(|x| !x.is_named() && kind(x) == "type")
        })
        .filter_map(|n| n.field("source"))
        .find(|s| literal(*s, src) == spec)
        .map(|s| text(s, src))
}

/// For a statement read as a static import: each `(export, local)` it binds and the source
/// text of the file's static import of the same module.
fn as_static_import<'s>(node: Node<'_>, src: &'s str) -> Option<(Vec<(String, String)>, &'s str)> {
    if kind(node) != "lexical_declaration" || !text(node, src).starts_with("const") {
        return None;
    }
    let children = named_children(node);
    let [declarator] = children.as_slice() else {
        return None;
    };
    if kind(*declarator) != "variable_declarator" {
        return None;
    }
    let pattern = declarator
        .field("name")
        .filter(|p| kind(*p) == "object_pattern")?;
    let value = declarator.field("value")?;
    let call = (kind(value) == "await_expression")
        .then(|| named_children(value).into_iter().next())
        .flatten()
        .filter(|c| kind(*c) == "call_expression")?;
    let is_import = call
        .field("function")
        .is_some_and(|f| kind(f) == "import" || text(f, src) == "import");
    let args = call.field("arguments")?;
    let arguments = named_children(args);
    let [spec] = arguments.as_slice() else {
        return None;
    };
    if !is_import || kind(*spec) != "string" {
        return None;
    }
    // Inside a function: one at the top of a module runs as the module loads.
    let mut up = node.parent();
    let mut in_function = false;
    while let Some(p) = up {
        if super::import_hazards::JS_FUNCTION_KINDS.contains(&kind(p)) {
            in_function = true;
            break;
        }
        up = p.parent();
    }
    if !in_function {
        return None;
    }
    let mut names = Vec::new();
    for p in named_children(pattern) {
        match kind(p) {
            "shorthand_property_identifier_pattern" => {
                names.push((text(p, src).to_owned(), text(p, src).to_owned()));
            }
            "pair_pattern" => {
                let key = p
                    .field("key")
                    .filter(|k| kind(*k) == "property_identifier")?;
                let v = p.field("value").filter(|v| kind(*v) == "identifier")?;
                names.push((text(key, src).to_owned(), text(v, src).to_owned()));
            }
            "comment" => {}
            _ => return None,
        }
    }
    if names.is_empty() {
        return None;
    }
    let root = root_of(node);
    let source = static_import_source(root, &literal(*spec, src), src)?;
    if names
        .iter()
        .any(|(_, local)| super::import_hazards::js_times_bound(root, local, src) != 1)
    {
        return None;
    }
    Some((names, source))
}

/// Whether `node` is a statement read as the static import it repeats (see the module).
pub(crate) fn reads_as_static_import(node: Node<'_>, src: &str) -> bool {
    kind(node) == "lexical_declaration"
        && text(node, src).contains("import")
        && as_static_import(node, src).is_some()
}

/// What a test that holds such a statement uses, for each name it binds (`import() X`): the
/// binding read from it concerns only those tests, so another test of the file that reads a
/// global `X` does not take the import for its own.
pub(crate) fn use_key(local: &str) -> String {
    format!("import() {local}")
}

/// The names a statement read as a static import binds, when it is one.
pub(crate) fn static_import_locals(node: Node<'_>, src: &str) -> Vec<String> {
    if !reads_as_static_import(node, src) {
        return Vec::new();
    }
    as_static_import(node, src)
        .map(|(names, _)| names.into_iter().map(|(_, local)| local).collect())
        .unwrap_or_default()
}

/// The module-level bindings the file's statements read as static imports make: `(local,
/// "import EXPORT as LOCAL from SOURCE")`, as a static import's binding reads.
pub(crate) fn static_import_bindings(root: Node<'_>, src: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !src.contains("import(") && !src.contains("import (") {
        return out;
    }
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if kind(n) == "lexical_declaration"
            && let Some((names, source)) = as_static_import(n, src)
        {
            for (export, local) in names {
                if seen.insert(local.clone()) {
                    out.push((
                        local.clone(),
                        format!("import {export} as {local} from {source}"),
                    ));
                }
            }
            continue;
        }
        stack.extend(named_children(n));
    }
    out
}
