//! Rust: `#[test]` functions (any attribute whose last path segment is `test`, such as
//! `#[tokio::test]`), tagged directly or through an enclosing `mod`.

use crate::sacred::analysis::FieldOf as _;
use std::collections::BTreeMap;
use tree_sitter::Node;

use super::super::analysis::{
    FileScan, Out, Rules, TestSpec, Want, kind, named_children, normalized, test_id, text,
};

struct RustRules;

impl Rules for RustRules {
    fn assertion(&self, node: Node<'_>, src: &str) -> Option<String> {
        if kind(node) != "macro_invocation" {
            return None;
        }
        let name = text(node.field("macro")?, src);
        let last = name.rsplit("::").next().unwrap_or(name);
        (last.starts_with("assert")
            || last.starts_with("debug_assert")
            || last.starts_with("prop_assert"))
        .then(|| last.to_owned())
    }

    fn is_return(&self, node: Node<'_>) -> bool {
        kind(node) == "return_expression"
    }

    fn is_skip_call(&self, _node: Node<'_>, _src: &str) -> bool {
        false
    }

    fn is_swallow(&self, node: Node<'_>, src: &str) -> bool {
        kind(node) == "call_expression"
            && node
                .field("function")
                .is_some_and(|f| text(f, src).ends_with("catch_unwind"))
    }

    fn is_control(&self, kind: &str) -> bool {
        matches!(
            kind,
            "if_expression"
                | "match_expression"
                | "for_expression"
                | "while_expression"
                | "loop_expression"
                | "closure_expression"
                | "async_block"
        )
    }
}

/// Attributes (and the comments between them) directly before `node`, nearest last.
fn outer_attributes(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut prev = node.prev_sibling();
    while let Some(p) = prev {
        match kind(p) {
            "attribute_item" => out.push(p),
            "line_comment" | "block_comment" => {}
            _ => break,
        }
        prev = p.prev_sibling();
    }
    out.reverse();
    out
}

fn is_test_attribute(attr: &str) -> bool {
    let inner = attr.trim_start_matches("#[").trim_end_matches(']');
    let path = inner.split(['(', '=', ' ']).next().unwrap_or("");
    let last = path.rsplit("::").next().unwrap_or(path);
    matches!(last, "test" | "rstest" | "test_case" | "quickcheck")
}

/// Inner attributes (`#![…]`) of a file or module body.
fn inner_attributes(container: Node<'_>, src: &str) -> Vec<String> {
    named_children(container)
        .into_iter()
        .filter(|c| kind(c) == "inner_attribute_item")
        .map(|c| normalized(c, src))
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
    let envelope: Vec<String> = inner_attributes(root, src);
    walk(
        path,
        src,
        root,
        root,
        &mut Vec::new(),
        sacred_path,
        &envelope,
        &mut out,
    );
    out.finish(src)
}

/// What a Rust module file says, at its top level, about a module it declares in a file of
/// its own (`mod NAME;`): see [`declarations`].
#[derive(Debug, Default, Clone)]
pub(crate) struct Declaration {
    /// The declaration as read, with its attributes and without its visibility
    /// (`#[cfg(test)] mod billing;`).
    pub text: String,
    /// The `macro_rules!` defined before it, name and text: they are in scope in the module.
    pub macros: Vec<(String, String)>,
    /// The `#[macro_use]` declarations before it, as read, each with the name of the module
    /// it declares in a file (`None` for an `extern crate`). An inline module's macros are
    /// in `macros`.
    pub macro_uses: Vec<(String, Option<String>)>,
    /// The files `include!("…")` brings in before it (their macros are in scope too), as
    /// written.
    pub includes: Vec<String>,
    /// The declaring file's own `#![cfg(…)]` attributes (also one inside a `cfg_attr`), which
    /// compile it out, and every module it declares with it.
    pub inner: Vec<String>,
    /// The inline modules it is declared inside (`mod outer { mod tests; }`: `["outer"]`),
    /// as the directories its file is found under: the value of a `#[path = "…"]` on one,
    /// else its name. Their attributes, and the `cfg`s inside them, are in `text`.
    pub inline: Vec<String>,
    /// The declaration's own attributes and `mod NAME;`, without the inline modules around
    /// it (where its own `#[path = "…"]` is read).
    pub own: String,
}

/// The modules the file `root` declares in files of their own, at its top level or inside
/// its inline modules (`mod outer { #[cfg(test)] mod tests; }`), each name with its
/// [`Declaration`].
pub(crate) fn declarations(root: Node<'_>, src: &str) -> Vec<(String, Declaration)> {
    let mut out = Vec::new();
    let before = Declaration {
        inner: inner_attributes(root, src)
            .into_iter()
            // What compiles it out: a `cfg(…)`, also inside a `cfg_attr` (not one that only
            // turns on a language feature or allows a lint).
            .filter(|a| a.replace("cfg_attr(", "").contains("cfg("))
            .collect(),
        ..Declaration::default()
    };
    declarations_in(root, src, before, &[], &mut out);
    out
}

/// The declarations of the items of `container` (a file, or an inline module's body inside
/// the inline modules `around`, each the text that opens it), in scope of what `before`
/// holds.
fn declarations_in(
    container: Node<'_>,
    src: &str,
    mut before: Declaration,
    around: &[String],
    out: &mut Vec<(String, Declaration)>,
) {
    let attributes = |n: Node<'_>| -> Vec<String> {
        outer_attributes(n)
            .into_iter()
            .filter(|a| kind(*a) == "attribute_item")
            .map(|a| normalized(a, src))
            .collect()
    };
    let macro_of = |n: Node<'_>| {
        let name = n.field("name")?;
        Some((text(name, src).to_owned(), normalized(n, src)))
    };
    for n in named_children(container) {
        match kind(n) {
            "macro_definition" => before.macros.extend(macro_of(n)),
            // `include!("macros.rs");`
            "expression_statement" | "macro_invocation" => {
                let call = if kind(n) == "macro_invocation" {
                    Some(n)
                } else {
                    named_children(n)
                        .into_iter()
                        .find(|c| kind(*c) == "macro_invocation")
                };
                if let Some(call) = call
                    && call
                        .field("macro")
                        .is_some_and(|m| text(m, src) == "include")
                {
                    let args = text(call, src);
                    if let Some(file) = args.split('"').nth(1) {
                        before.includes.push(file.to_owned());
                    }
                }
            }
            "mod_item" | "extern_crate_declaration" => {
                let attrs = attributes(n);
                let name = n.field("name").map(|x| text(x, src));
                let body = n.field("body");
                if kind(n) == "mod_item"
                    && body.is_none()
                    && let Some(name) = name
                {
                    let mut parts = attrs.clone();
                    parts.push(format!("mod {name};"));
                    let own = parts.join(" ");
                    let mut text = around.concat();
                    text.push_str(&own);
                    text.push_str(&" }".repeat(around.len()));
                    out.push((
                        name.to_owned(),
                        Declaration {
                            text,
                            own,
                            ..before.clone()
                        },
                    ));
                }
                // An inline module: the modules it declares in files of their own, found
                // under its directory; the macros before it are in scope there.
                if kind(n) == "mod_item"
                    && let Some(body) = body
                    && let Some(name) = name
                {
                    let mut opening = attrs.clone();
                    opening.push(format!("mod {name} {{"));
                    opening.extend(
                        inner_attributes(body, src)
                            .into_iter()
                            .filter(|a| a.replace("cfg_attr(", "").contains("cfg(")),
                    );
                    let mut within = around.to_vec();
                    within.push(format!("{} ", opening.join(" ")));
                    let mut inside = before.clone();
                    let directory = attrs
                        .iter()
                        .find_map(|a| {
                            let at = a.find("#[path=")?;
                            a[at + "#[path=".len()..].split('"').nth(1)
                        })
                        .unwrap_or(name);
                    inside.inline.push(directory.to_owned());
                    declarations_in(body, src, inside, &within, out);
                }
                if attrs.iter().any(|a| a.starts_with("#[macro_use")) {
                    if body.is_none() {
                        let mut parts = attrs;
                        parts.push(normalized(n, src));
                        before.macro_uses.push((
                            parts.join(" "),
                            (kind(n) == "mod_item").then(|| name.unwrap_or_default().to_owned()),
                        ));
                    }
                    // An inline module's macros are in scope after it.
                    for m in body.map(named_children).unwrap_or_default() {
                        if kind(m) == "macro_definition" {
                            before.macros.extend(macro_of(m));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The `macro_rules!` a Rust file defines at its top level, name and text.
pub(crate) fn top_macros(root: Node<'_>, src: &str) -> Vec<(String, String)> {
    named_children(root)
        .into_iter()
        .filter(|n| kind(*n) == "macro_definition")
        .filter_map(|n| {
            let name = n.field("name")?;
            Some((text(name, src).to_owned(), normalized(n, src)))
        })
        .collect()
}

/// The functions of a Rust file that are not tests (helpers a test may call), each with the
/// path of the modules it is in (`["tests"]` for one in `mod tests`).
pub(crate) fn functions(
    root: Node<'_>,
    src: &str,
) -> Vec<(Vec<String>, crate::sacred::bindings::FileFunction)> {
    fn walk(
        container: Node<'_>,
        src: &str,
        scope: &mut Vec<String>,
        out: &mut Vec<(Vec<String>, crate::sacred::bindings::FileFunction)>,
    ) {
        for item in named_children(container) {
            match kind(item) {
                "mod_item" => {
                    if let (Some(body), Some(name)) = (item.field("body"), item.field("name")) {
                        scope.push(text(name, src).to_owned());
                        walk(body, src, scope, out);
                        scope.pop();
                    }
                }
                "impl_item" => {
                    // A helper type's methods (`Checker.check(x)`): one helper per type and
                    // module, every `impl` block of it there.
                    let Some(name) = impl_type_name(item, src) else {
                        continue;
                    };
                    let Some(f) =
                        crate::sacred::bindings::file_function(item, name, item, src, &RustRules)
                    else {
                        continue;
                    };
                    let at = out.iter().position(
                        |(s, g): &(Vec<String>, crate::sacred::bindings::FileFunction)| {
                            *s == *scope && g.name == name && g.is_class
                        },
                    );
                    match at {
                        Some(i) => {
                            let (s, g) = out.remove(i);
                            if let Some(m) = crate::sacred::bindings::merged_helper(vec![g, f]) {
                                out.insert(i, (s, m));
                            }
                        }
                        None => {
                            if let Some(m) = crate::sacred::bindings::merged_helper(vec![f]) {
                                out.push((scope.clone(), m));
                            }
                        }
                    }
                }
                "function_item" => {
                    let is_test = outer_attributes(item)
                        .iter()
                        .any(|a| is_test_attribute(&normalized(*a, src)));
                    if is_test {
                        continue;
                    }
                    let Some(name) = item.field("name") else {
                        continue;
                    };
                    if let Some(f) = crate::sacred::bindings::file_function(
                        item,
                        text(name, src),
                        item,
                        src,
                        &RustRules,
                    ) {
                        out.push((scope.clone(), f));
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(root, src, &mut Vec::new(), &mut out);
    out
}

/// The `impl` blocks of the type `impl_item` implements, at the type's name (`impl Checker`,
/// `impl<T> Check for Checker<T>`: `Checker`).
fn impl_type_name<'s>(impl_item: Node<'_>, src: &'s str) -> Option<&'s str> {
    let ty = impl_item.field("type")?;
    let t = text(ty, src);
    let t = t.split('<').next().unwrap_or(t);
    let t = t.rsplit("::").next().unwrap_or(t).trim();
    (!t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(t)
}

/// The modules a Rust test is in, from its id (`rust:FILE::tests::name` → `["tests"]`).
pub(crate) fn test_scope(t: &crate::sacred::analysis::TestItem) -> Vec<&str> {
    t.id.strip_prefix(&format!("rust:{}::", t.path))
        .map(|rest| {
            let mut parts: Vec<&str> = rest.split("::").collect();
            parts.pop();
            parts
        })
        .unwrap_or_default()
}

/// The functions a test in the modules `scope` reaches by a plain name: of each name, the one
/// of the innermost of its modules that defines it (its own, or one its `use super::*`
/// brings).
pub(crate) fn visible_functions(
    scope: &[&str],
    functions: &[(Vec<String>, crate::sacred::bindings::FileFunction)],
) -> Vec<crate::sacred::bindings::FileFunction> {
    let mut best: BTreeMap<&str, (usize, &crate::sacred::bindings::FileFunction)> = BTreeMap::new();
    let mut twice: std::collections::BTreeSet<(&str, usize)> = std::collections::BTreeSet::new();
    for (modules, f) in functions {
        let visible =
            modules.len() <= scope.len() && modules.iter().zip(scope).all(|(m, s)| m == s);
        if !visible {
            continue;
        }
        let depth = modules.len();
        match best.get(f.name.as_str()) {
            Some((d, _)) if *d > depth => {}
            Some((d, _)) if *d == depth => {
                // Two of one name in one module (under different `cfg`s): both are kept, and
                // neither is followed (see `reached_check_helper_indices`).
                twice.insert((f.name.as_str(), depth));
            }
            _ => {
                best.insert(f.name.as_str(), (depth, f));
            }
        }
    }
    let mut out = Vec::new();
    for (name, (depth, f)) in best {
        out.push(f.clone());
        if twice.contains(&(name, depth)) {
            out.extend(
                functions
                    .iter()
                    .filter(|(m, g)| m.len() == depth && g.name == name && !std::ptr::eq(g, f))
                    .filter(|(m, _)| m.iter().zip(scope).all(|(a, b)| a == b))
                    .map(|(_, g)| g.clone()),
            );
        }
    }
    out
}

#[expect(
    clippy::too_many_arguments,
    reason = "a recursive walk that carries its whole context"
)]
fn walk<'t>(
    path: &str,
    src: &str,
    root: Node<'t>,
    container: Node<'t>,
    scope: &mut Vec<String>,
    sacred: bool,
    envelope: &[String],
    out: &mut Out<'t, '_>,
) {
    let twins = same_named_tests(container, src);
    for item in named_children(container) {
        match kind(item) {
            "mod_item" => {
                let Some(body) = item.field("body") else {
                    continue;
                };
                let Some(name) = item.field("name") else {
                    continue;
                };
                let attrs = outer_attributes(item);
                let tagged = out.tagged_above(root, src, item.start_position().row, &["#["]);
                let mut env = envelope.to_vec();
                let name = text(name, src).to_owned();
                let mut line = format!("mod {name}:");
                for a in &attrs {
                    line.push(' ');
                    line.push_str(&normalized(*a, src));
                }
                for a in inner_attributes(body, src) {
                    line.push(' ');
                    line.push_str(&a);
                }
                env.push(line);
                scope.push(name);
                walk(path, src, root, body, scope, sacred || tagged, &env, out);
                scope.pop();
            }
            "function_item" => {
                let Some(body) = item.field("body") else {
                    continue;
                };
                let Some(name) = item.field("name") else {
                    continue;
                };
                let name = text(name, src).to_owned();
                let attrs = outer_attributes(item);
                let attr_texts: Vec<String> = attrs.iter().map(|a| normalized(*a, src)).collect();
                // Tests of the same name compiled under different `#[cfg(…)]` (one per
                // pointer width, per OS): the cfg tells their ids apart.
                let name = match attr_texts.iter().find(|a| a.starts_with("#[cfg(")) {
                    Some(cfg) if twins.contains(&name) => {
                        let inner = cfg.trim_start_matches("#[").trim_end_matches(']');
                        format!("{name}[{inner}]")
                    }
                    _ => name,
                };
                let collected = attr_texts.iter().any(|a| is_test_attribute(a));
                out.candidate(
                    test_id("rust", path, scope, &name),
                    body,
                    None,
                    collected,
                    item.start_position().row + 1,
                );
                if !collected {
                    continue;
                }
                let tagged = out.tagged_above(root, src, item.start_position().row, &["#["]);
                let mut env = envelope.to_vec();
                env.extend(attr_texts.iter().cloned());
                let extent = item;
                let spec = TestSpec {
                    node: item,
                    body,
                    extent,
                    elide: None,
                    name,
                    scope: scope.clone(),
                    sacred: sacred || tagged,
                    collected,
                    envelope_lines: env,
                    suites: Vec::new(),
                    subclasses: Vec::new(),
                };
                out.test("rust", path, &spec, &RustRules, src);
            }
            _ => {}
        }
    }
}

/// Names of test functions that occur more than once directly in `container`, each copy
/// under its own `#[cfg(…)]` (a copy without one keeps the plain id, so a compiled-out
/// duplicate of a locked test is still a `duplicate-id`).
fn same_named_tests(container: Node<'_>, src: &str) -> std::collections::BTreeSet<String> {
    // name → (copies, copies with a cfg)
    let mut seen: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for item in named_children(container) {
        if kind(item) != "function_item" {
            continue;
        }
        let Some(name) = item.field("name") else {
            continue;
        };
        let attrs: Vec<String> = outer_attributes(item)
            .iter()
            .map(|a| normalized(*a, src))
            .collect();
        if !attrs.iter().any(|a| is_test_attribute(a)) {
            continue;
        }
        let slot = seen.entry(text(name, src).to_owned()).or_default();
        slot.0 += 1;
        slot.1 += usize::from(attrs.iter().any(|a| a.starts_with("#[cfg(")));
    }
    seen.into_iter()
        .filter(|(_, (n, cfg))| *n > 1 && n == cfg)
        .map(|(name, _)| name)
        .collect()
}

/// What a Rust file of a crate's own code compiles differently under `cfg(test)`, which
/// the crate's unit tests are built with and no other build is, or under
/// `cfg(debug_assertions)` or `cfg(panic = …)`, which `cargo test` builds with and a release
/// build may not: each attribute whose predicate names `test`, `debug_assertions` or `panic`
/// (`#[cfg(not(test))]`, `#[cfg_attr(test, path = "…")]`, `#[cfg(all(test, …))]`, an inner
/// `#![cfg_attr(test, …)]`, `#[cfg(debug_assertions)]`) with the head of the item, statement
/// or expression it is on (the whole of it, digested, when it compiles only in such a build:
/// `#[cfg(test)] pub fn total…` is code the tests run instead of the crate's), and each
/// statement holding a `cfg!` of one. A module compiled only under test (`#[cfg(test)] mod
/// tests { … }`, `#[cfg(test)] mod tests;`) is test code and not read; the second list holds
/// the names of those declared in a file of their own, whose files are test code too.
pub(crate) fn test_cfgs(root: Node<'_>, src: &str) -> (Vec<String>, Vec<String>) {
    let mut lines = Vec::new();
    let mut test_modules = Vec::new();
    let compact = |n: Node<'_>| -> String { text(n, src).split_whitespace().collect() };
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "mod_item"
                if outer_attributes(n)
                    .iter()
                    .any(|a| only_under_test(&compact(*a))) =>
            {
                if n.field("body").is_none()
                    && let Some(name) = n.field("name")
                {
                    test_modules.push(text(name, src).to_owned());
                }
                continue;
            }
            "attribute_item" | "inner_attribute_item" => {
                let a = compact(n);
                if names_test_build(&a) {
                    let target = if kind(n) == "attribute_item" {
                        let mut next = n.next_named_sibling();
                        while let Some(x) = next.filter(|x| {
                            matches!(
                                kind(*x),
                                "attribute_item" | "line_comment" | "block_comment"
                            )
                        }) {
                            next = x.next_named_sibling();
                        }
                        next
                    } else {
                        None
                    };
                    let line = match target {
                        // A test module's own `cfg` (read above).
                        Some(t)
                            if kind(t) == "mod_item"
                                && outer_attributes(t)
                                    .iter()
                                    .any(|x| only_under_test(&compact(*x))) =>
                        {
                            None
                        }
                        Some(t) if only_under_test_build(&a) => Some(format!(
                            "{a} sha256:{}",
                            &super::super::analysis::sha256_hex_bytes(
                                normalized(t, src).as_bytes()
                            )[..16]
                        )),
                        Some(t) => {
                            let whole = normalized(t, src);
                            let head = whole
                                .split(['{', ';'])
                                .next()
                                .unwrap_or(&whole)
                                .trim()
                                .to_owned();
                            Some(format!("{a} {head}"))
                        }
                        None => Some(a),
                    };
                    lines.extend(line);
                }
                continue;
            }
            "macro_invocation"
                if n.field("macro")
                    .is_some_and(|m| text(m, src).trim() == "cfg")
                    && names_test_build(&format!(
                        "#[cfg{}]",
                        compact(n).trim_start_matches("cfg!")
                    )) =>
            {
                // The statement (or item) that holds it.
                let mut s = n;
                while let Some(p) = s.parent() {
                    if matches!(
                        kind(p),
                        "block" | "declaration_list" | "source_file" | "match_block"
                    ) {
                        break;
                    }
                    s = p;
                }
                let predicate = format!("#[cfg{}]", compact(n).trim_start_matches("cfg!"));
                let switch = if names_test(&predicate) {
                    "test"
                } else if names_cfg_word(&predicate, "debug_assertions") {
                    "debug_assertions"
                } else {
                    "panic"
                };
                lines.push(format!(
                    "cfg!({switch}) in sha256:{}",
                    &super::super::analysis::sha256_hex_bytes(normalized(s, src).as_bytes())[..16]
                ));
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    (lines, test_modules)
}

/// Whether an attribute, written without whitespace, is a `cfg` or `cfg_attr` whose
/// predicate names `test` (`#[cfg(not(test))]`, `#[cfg_attr(all(test,unix),path="…")]`).
fn names_test(a: &str) -> bool {
    names_cfg_word(a, "test")
}

/// Whether an attribute's predicate names a switch `cargo test` builds with and a release
/// build may not: `test`, `debug_assertions` (on in the test profile, off in `--release`:
/// `#[cfg(debug_assertions)] fn total` is code only the tests run), or `panic` (Cargo builds
/// tests with `panic = "unwind"` whatever a profile says: `#[cfg(panic = "unwind")]`).
fn names_test_build(a: &str) -> bool {
    names_test(a) || names_cfg_word(a, "debug_assertions") || names_cfg_word(a, "panic")
}

/// Whether an attribute compiles what it is on only in such a build: a `cfg` naming one
/// with no `not(…)`.
fn only_under_test_build(a: &str) -> bool {
    a.starts_with("#[cfg(") && names_test_build(a) && !a.contains("not(")
}

/// Whether an attribute, written without whitespace, is a `cfg` or `cfg_attr` whose
/// predicate names `word` as a name (not inside a string).
fn names_cfg_word(a: &str, word: &str) -> bool {
    let inner = a
        .trim_start_matches("#!")
        .trim_start_matches('#')
        .trim_start_matches('[')
        .trim_end_matches(']');
    let predicate = if let Some(rest) = inner.strip_prefix("cfg_attr(") {
        // Up to the first comma outside parentheses.
        let mut depth = 0;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        &rest[..end]
    } else if let Some(rest) = inner.strip_prefix("cfg(") {
        rest
    } else {
        return false;
    };
    // `test` as a name, not inside a string (`feature = "test"`).
    let mut in_string = false;
    let mut read = String::new();
    for c in predicate.chars().chain(std::iter::once(' ')) {
        if c == '"' {
            in_string = !in_string;
            read.clear();
            continue;
        }
        if in_string {
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            read.push(c);
        } else {
            if read == word {
                return true;
            }
            read.clear();
        }
    }
    false
}

/// Whether an attribute, written without whitespace, compiles what it is on only under
/// test: a `cfg` naming `test` with no `not(…)`.
fn only_under_test(a: &str) -> bool {
    a.starts_with("#[cfg(") && names_test(a) && !a.contains("not(")
}
