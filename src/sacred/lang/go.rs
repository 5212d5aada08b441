//! Go: `func TestXxx(t *testing.T)` in `_test.go` files, tagged by comment; the envelope
//! holds the build constraints and the package name (the package's `TestMain` is added by
//! the caller, which can see the other files of the directory).
use crate::sacred::analysis::FieldOf as _;

use tree_sitter::Node;

use super::super::analysis::{
    FileScan, Out, Rules, TestSpec, Want, fingerprint, kind, named_children, normalized, text,
};

struct GoRules;

/// What this language counts as an assertion, and the rest of its reading rules.
pub(super) fn rules() -> &'static dyn Rules {
    &GoRules
}

/// `t.Errorf`, `assert.Equal`: the receiver and the method of a call.
fn selector<'s>(node: Node<'_>, src: &'s str) -> Option<(&'s str, &'s str)> {
    if kind(node) != "call_expression" {
        return None;
    }
    let f = node.field("function")?;
    if kind(f) != "selector_expression" {
        return None;
    }
    let operand = text(f.field("operand")?, src);
    let field = text(f.field("field")?, src);
    Some((operand, field))
}

const FAILURES: &[&str] = &["Error", "Errorf", "Fatal", "Fatalf", "Fail", "FailNow"];

impl Rules for GoRules {
    fn assertion(&self, node: Node<'_>, src: &str) -> Option<String> {
        let (operand, field) = selector(node, src)?;
        if matches!(operand, "assert" | "require") {
            return Some(field.to_owned());
        }
        FAILURES.contains(&field).then(|| field.to_owned())
    }

    /// A failure call guarded by an `if` asserts the negation of its condition: the
    /// condition is part of the assertion.
    fn assertion_context<'t>(&self, node: Node<'t>, src: &str) -> Option<(Node<'t>, String)> {
        let (operand, _) = selector(node, src)?;
        if matches!(operand, "assert" | "require") {
            return None;
        }
        let stmt = node
            .parent()
            .filter(|p| kind(p) == "expression_statement")?;
        let mut block = stmt.parent()?;
        if kind(block) == "statement_list" {
            block = block.parent()?;
        }
        if kind(block) != "block" {
            return None;
        }
        let stmt_if = block.parent().filter(|p| kind(p) == "if_statement")?;
        let cond = stmt_if.field("condition")?;
        Some((stmt_if, format!("if {}", normalized(cond, src))))
    }

    /// As [`Rules::assertion`], but not a failure method called for its value without
    /// arguments: `err.Error()` inside an expression reads an error's message, where
    /// `t.Error()` and `t.FailNow()` are statements.
    fn asserts_in_helper(&self, node: Node<'_>, src: &str) -> bool {
        self.assertion(node, src).is_some()
            && (node
                .field("arguments")
                .is_some_and(|a| a.named_child_count() > 0)
                || node
                    .parent()
                    .is_some_and(|p| kind(p) == "expression_statement"))
    }

    fn names_a_test_function(&self, name: &str) -> bool {
        ["Test", "Benchmark", "Example", "Fuzz"]
            .iter()
            .any(|p| name.starts_with(p))
    }

    fn is_return(&self, node: Node<'_>) -> bool {
        kind(node) == "return_statement"
    }

    fn is_skip_call(&self, node: Node<'_>, src: &str) -> bool {
        selector(node, src).is_some_and(|(_, f)| matches!(f, "Skip" | "Skipf" | "SkipNow"))
    }

    fn is_swallow(&self, node: Node<'_>, src: &str) -> bool {
        kind(node) == "call_expression"
            && node
                .field("function")
                .is_some_and(|f| text(f, src) == "recover")
    }

    fn is_control(&self, kind: &str) -> bool {
        matches!(
            kind,
            "if_statement"
                | "for_statement"
                | "expression_switch_statement"
                | "type_switch_statement"
                | "select_statement"
                | "func_literal"
                | "defer_statement"
                | "go_statement"
        )
    }
}

/// The name in a Go file's `package` clause.
pub(crate) fn package_name(src: &str, root: Node<'_>) -> Option<String> {
    named_children(root)
        .into_iter()
        .find(|n| kind(*n) == "package_clause")
        .and_then(|c| named_children(c).into_iter().next())
        .map(|n| text(n, src).to_owned())
}

/// [`super::PackageConstants`] of the file at `path`; `None` when it has a syntax error, a build
/// constraint (`//go:build`, `// +build`) or a `_GOOS`/`_GOARCH` name (compiled only
/// somewhere, so its constants may not be the ones a test sees).
pub(crate) fn package_constants(
    path: &str,
    src: &str,
    root: Node<'_>,
) -> Option<super::PackageConstants> {
    if root.has_error() {
        return None;
    }
    let name = path.rsplit_once('/').map_or(path, |(_, n)| n);
    let stem = name.trim_end_matches(".go").trim_end_matches("_test");
    // The go tool ignores a file named `_*` or `.*`.
    if name.starts_with(['_', '.'])
        || stem
            .split('_')
            .skip(1)
            .any(|part| crate::sacred::analysis::GO_SUFFIXES.contains(&part))
    {
        return None;
    }
    let mut out = super::PackageConstants::default();
    for item in named_children(root) {
        match kind(item) {
            "comment" => {
                let c = text(item, src);
                if c.starts_with("//go:build") || c.starts_with("// +build") {
                    return None;
                }
            }
            "package_clause" => {
                let n = named_children(item).into_iter().next()?;
                text(n, src).clone_into(&mut out.package);
            }
            "const_declaration" => {
                for spec in named_children(item) {
                    if kind(spec) != "const_spec" {
                        continue;
                    }
                    let (names, values) = spec_names_and_values(spec);
                    if let ([n], [v]) = (names.as_slice(), values.as_slice())
                        && spec.field("type").is_none()
                        && super::go_is_basic_literal(kind(*v))
                        && text(*n, src) != "_"
                    {
                        out.constants
                            .push((text(*n, src).to_owned(), text(*v, src).to_owned()));
                    } else {
                        // Declared too (typed, `iota`, several names): no literal to read.
                        out.constants.extend(
                            names
                                .iter()
                                .map(|n| text(*n, src))
                                .filter(|n| *n != "_")
                                .map(|n| (n.to_owned(), String::new())),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    (!out.package.is_empty()).then_some(out)
}

/// [`super::GoVarStarts`] of a parsed Go file; `None` without a package clause.
pub(crate) fn var_starts(src: &str, root: Node<'_>) -> Option<super::GoVarStarts> {
    let mut out = super::GoVarStarts {
        package: package_name(src, root)?,
        ..Default::default()
    };
    // Every identifier under `n`.
    let mentions = |n: Node<'_>, into: &mut std::collections::BTreeSet<String>| {
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            if kind(x) == "identifier" {
                into.insert(text(x, src).to_owned());
            }
            stack.extend(named_children(x));
        }
    };
    // The names `n` assigns, increments or takes the address of.
    let assigned = |n: Node<'_>, into: &mut std::collections::BTreeSet<String>| {
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            let targets: Vec<Node<'_>> = match kind(x) {
                "assignment_statement" => x.field("left").map(named_children).unwrap_or_default(),
                "range_clause" | "receive_statement"
                    if crate::sacred::import_hazards::go_assigns_declared(x) =>
                {
                    x.field("left").map(named_children).unwrap_or_default()
                }
                "inc_statement" | "dec_statement" => named_children(x),
                "unary_expression" if x.field("operator").is_some_and(|o| text(o, src) == "&") => {
                    x.field("operand").into_iter().collect()
                }
                _ => Vec::new(),
            };
            for t in targets {
                // The name a target starts from (`X.f[0] = …` writes into `X`).
                let mut t = t;
                loop {
                    match kind(t) {
                        "selector_expression" | "index_expression" => match t.field("operand") {
                            Some(o) => t = o,
                            None => break,
                        },
                        "parenthesized_expression" => match named_children(t).into_iter().next() {
                            Some(o) => t = o,
                            None => break,
                        },
                        _ => break,
                    }
                }
                if kind(t) == "identifier" {
                    into.insert(text(t, src).to_owned());
                }
            }
            stack.extend(named_children(x));
        }
    };
    for item in named_children(root) {
        match kind(item) {
            "function_declaration" | "method_declaration" => {
                let name = item.field("name").map_or("", |n| text(n, src));
                let top = kind(item) == "function_declaration";
                if top && name.starts_with("Test") {
                    let last = item.field("body").and_then(|b| {
                        crate::sacred::analysis::go_block_statements(b)
                            .last()
                            .copied()
                    });
                    out.test_ends_setting |= last.is_some_and(|l| {
                        kind(l) == "assignment_statement"
                            && l.field("left").is_some_and(|x| {
                                named_children(x)
                                    .first()
                                    .is_some_and(|x| kind(*x) == "identifier")
                            })
                    });
                }
                if top && matches!(name, "init" | "TestMain") {
                    mentions(item, &mut out.set_elsewhere);
                } else if !(top
                    && ["Test", "Benchmark", "Fuzz", "Example"]
                        .iter()
                        .any(|p| name.starts_with(p)))
                {
                    assigned(item, &mut out.set_elsewhere);
                }
            }
            "var_declaration" => {
                let mut specs = vec![item];
                while let Some(spec) = specs.pop() {
                    if kind(spec) != "var_spec" {
                        specs.extend(named_children(spec));
                        continue;
                    }
                    let (names, values) = spec_names_and_values(spec);
                    let one = match (names.as_slice(), values.as_slice()) {
                        ([_], [v])
                            if super::go_is_basic_literal(kind(*v))
                                || matches!(kind(*v), "nil" | "identifier") =>
                        {
                            text(*v, src).to_owned()
                        }
                        _ => String::new(),
                    };
                    for n in &names {
                        out.vars.push((text(*n, src).to_owned(), one.clone()));
                    }
                    // A value that calls or holds a function runs as the package starts.
                    for v in values {
                        if !(super::go_is_basic_literal(kind(v))
                            || matches!(kind(v), "nil" | "identifier"))
                        {
                            mentions(v, &mut out.set_elsewhere);
                        }
                    }
                }
            }
            "const_declaration" => {
                for spec in named_children(item) {
                    if kind(spec) != "const_spec" {
                        continue;
                    }
                    let mut cursor = spec.walk();
                    for n in spec.children_by_field_name("name", &mut cursor) {
                        out.consts.insert(text(n, src).to_owned());
                    }
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// The fingerprint of the file's `TestMain`, if it has one (16 hex digits). `TestMain` runs
/// instead of the tests and may skip all of them, so it belongs to every test's envelope in
/// the package.
pub(crate) fn test_main(src: &str, root: Node<'_>) -> Option<String> {
    named_children(root)
        .into_iter()
        .filter(|i| kind(i) == "function_declaration")
        .find(|i| i.field("name").is_some_and(|n| text(n, src) == "TestMain"))
        .map(|i| {
            let mut fp = fingerprint(i, src, &|_| false);
            fp.truncate(16);
            fp
        })
}

/// What a function of a Go file does with one of its parameters, a testing handle (see
/// [`handle_use`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct HandleUse {
    /// Its body calls `Run` on it (`t.Run("case", …)`, in a loop or not): it runs subtests.
    pub runs: bool,
    /// The calls that hand it on, each as the function called is written (`runCases`,
    /// `testutil.RunCases`) with the position of the argument it is.
    pub handed: Vec<(String, usize)>,
}

/// What the function `name` of the file (not a method) does with its parameter at
/// `position` (counting each name of a group, `a, b int`, apart): whether it calls `Run` on
/// it, and to which functions it hands it. `None` when the file has no such function or the
/// parameter has no name.
pub(crate) fn handle_use(
    src: &str,
    root: Node<'_>,
    name: &str,
    position: usize,
) -> Option<HandleUse> {
    let def = named_children(root).into_iter().find(|i| {
        kind(*i) == "function_declaration" && i.field("name").is_some_and(|n| text(n, src) == name)
    })?;
    // The parameters' names in order (`_` and an unnamed parameter hold a place).
    let mut names: Vec<&str> = Vec::new();
    for p in def
        .field("parameters")
        .map(named_children)
        .unwrap_or_default()
    {
        if !matches!(
            kind(p),
            "parameter_declaration" | "variadic_parameter_declaration"
        ) {
            continue;
        }
        let ids: Vec<&str> = named_children(p)
            .into_iter()
            .filter(|c| kind(*c) == "identifier")
            .map(|c| text(c, src))
            .collect();
        if ids.is_empty() {
            names.push("_");
        }
        names.extend(ids);
    }
    let param = *names.get(position).filter(|n| **n != "_")?;
    let mut out = HandleUse::default();
    let mut stack: Vec<Node<'_>> = def.field("body").into_iter().collect();
    while let Some(n) = stack.pop() {
        if kind(n) == "call_expression"
            && let Some(f) = n.field("function")
        {
            if kind(f) == "selector_expression"
                && f.field("field").is_some_and(|x| text(x, src) == "Run")
                && f.field("operand").is_some_and(|o| text(o, src) == param)
            {
                out.runs = true;
            }
            let callee = match kind(f) {
                "identifier" => Some(text(f, src)),
                "selector_expression"
                    if f.field("operand").is_some_and(|o| kind(o) == "identifier") =>
                {
                    Some(text(f, src))
                }
                _ => None,
            };
            if let Some(callee) = callee {
                for (i, a) in n
                    .field("arguments")
                    .map(named_children)
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                {
                    if kind(a) == "identifier" && text(a, src) == param {
                        out.handed.push((callee.to_owned(), i));
                    }
                }
            }
        }
        stack.extend(named_children(n));
    }
    Some(out)
}

/// The packages a Go file imports: the name each is bound to (as Go's tools assume it from
/// the path when the import names none, `analysis::go_import_name`) and its import path.
pub(crate) fn imports(src: &str, root: Node<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "import_spec" => {
                let path = n
                    .field("path")
                    .map_or("", |p| text(p, src).trim_matches('"'));
                let name = n.field("name").map_or_else(
                    || crate::sacred::analysis::go_import_name(path),
                    |x| text(x, src),
                );
                out.push((name.to_owned(), path.to_owned()));
            }
            "source_file" | "import_declaration" | "import_spec_list" => {
                stack.extend(named_children(n));
            }
            _ => {}
        }
    }
    out
}

/// Whether the runner collects a function of this name: `Test` then nothing or a
/// non-lowercase letter.
fn is_test_name(name: &str) -> bool {
    name.strip_prefix("Test")
        .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_lowercase()))
        && name != "TestMain"
}

pub(crate) fn scan(
    path: &str,
    src: &str,
    root: Node<'_>,
    sacred_path: bool,
    want: &Want,
) -> FileScan {
    let mut out = Out::new(src, root, want);
    let mut envelope = Vec::new();
    // Build constraints and the package decide whether the file is compiled at all.
    for line in src.lines() {
        let t = line.trim();
        if t.starts_with("//go:build") || t.starts_with("// +build") {
            envelope.push(t.to_owned());
        }
        if t.starts_with("package ") {
            break;
        }
    }
    if !path.ends_with("_test.go") {
        envelope.push("not a _test.go file".to_owned());
    }
    // The file's name decides too: the go tool ignores a name starting with `_` or `.`, and
    // builds one ending in `_GOOS`, `_GOARCH` or `_GOOS_GOARCH` only there.
    let name = path.rsplit_once('/').map_or(path, |(_, n)| n);
    if name.starts_with('_') || name.starts_with('.') {
        envelope.push(format!("file name {name}: ignored by the go tool"));
    }
    let stem = name.trim_end_matches(".go").trim_end_matches("_test");
    let parts: Vec<&str> = stem.split('_').skip(1).collect();
    let constrained: Vec<&str> = parts
        .iter()
        .rev()
        .take(2)
        .copied()
        .filter(|part| crate::sacred::analysis::GO_SUFFIXES.contains(part))
        .collect();
    if !constrained.is_empty() {
        envelope.push(format!(
            "file name {name}: built only for {}",
            constrained.join(" ")
        ));
    }
    let items = named_children(root);
    for item in &items {
        if kind(item) == "package_clause" {
            envelope.push(normalized(*item, src));
        }
    }
    for item in items {
        if kind(item) != "function_declaration" {
            continue;
        }
        let Some(name) = item.field("name") else {
            continue;
        };
        let Some(body) = item.field("body") else {
            continue;
        };
        let name = text(name, src).to_owned();
        let params = item
            .field("parameters")
            .map(|p| normalized(p, src))
            .unwrap_or_default();
        let collected =
            is_test_name(&name) && params.contains("*testing.T") && path.ends_with("_test.go");
        out.candidate(
            format!("go:{path}::{name}"),
            body,
            None,
            collected,
            item.start_position().row + 1,
        );
        if !collected {
            continue;
        }
        let tagged = out.tagged_above(root, src, item.start_position().row, &[]);
        let spec = TestSpec {
            node: item,
            body,
            extent: item,
            elide: None,
            name,
            scope: Vec::new(),
            sacred: sacred_path || tagged,
            collected,
            envelope_lines: envelope.clone(),
            suites: Vec::new(),
            subclasses: Vec::new(),
        };
        out.test("go", path, &spec, &GoRules, src);
    }
    out.finish(src)
}

/// `src` with each loop over a slice literal whose body only reports (`for _, v := range
/// []struct{ name, got string }{{"pre", pre}, {"run", run}} { if v.got != "x" { t.Errorf(…) }
/// }`) written out once per element, each `v.field` (or `v` for a slice of plain values)
/// replaced by that element's expression in parentheses; `None` when there is none. The
/// elements are evaluated before the loop, and the body only reads them and reports, so the
/// written-out checks check the same values in the same order. Only an inline struct type
/// with every field named, elements that hold no call or receive (names, literals, field
/// reads), conditions that call nothing (a call could change what a later element reads),
/// and a loop variable used nowhere but as `v.field` (as `v`) qualify.
pub(crate) fn unrolled_loops(src: &str, root: Node<'_>) -> Option<String> {
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if kind(n) == "for_statement"
            && let Some(text) = unrolled(n, src)
        {
            edits.push((n.byte_range(), text));
            continue;
        }
        stack.extend(named_children(n));
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    for (range, text) in edits {
        out.push_str(&src[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&src[at..]);
    Some(out)
}

/// One loop of [`unrolled_loops`], written out.
/// Whether the Go type `ty` is one known not to be an interface: a predeclared basic type, a
/// pointer, slice, array, map, channel, function or struct type. A named type (`any`,
/// `error`, `io.Reader`, a type of the package) may be an interface.
fn not_an_interface(ty: Node<'_>, src: &str) -> bool {
    match kind(ty) {
        "pointer_type" | "slice_type" | "array_type" | "map_type" | "channel_type"
        | "function_type" | "struct_type" => true,
        "type_identifier" => matches!(
            text(ty, src),
            "bool"
                | "string"
                | "int"
                | "int8"
                | "int16"
                | "int32"
                | "int64"
                | "uint"
                | "uint8"
                | "uint16"
                | "uint32"
                | "uint64"
                | "uintptr"
                | "byte"
                | "rune"
                | "float32"
                | "float64"
                | "complex64"
                | "complex128"
        ),
        _ => false,
    }
}

fn unrolled(for_stmt: Node<'_>, src: &str) -> Option<String> {
    let clause = named_children(for_stmt)
        .into_iter()
        .find(|c| kind(*c) == "range_clause")?;
    let left = clause.field("left")?;
    let right = clause.field("right")?;
    let body = for_stmt.field("body")?;
    // `_, v`
    let names: Vec<Node<'_>> = named_children(left);
    let [blank, var] = names.as_slice() else {
        return None;
    };
    if text(*blank, src) != "_" || kind(*var) != "identifier" {
        return None;
    }
    let var = text(*var, src);
    if kind(right) != "composite_literal" {
        return None;
    }
    let ty = right.field("type")?;
    if kind(ty) != "slice_type" {
        return None;
    }
    let element_type = ty.field("element")?;
    // The types of what is read per element (see [`not_an_interface`]).
    let mut field_types: std::collections::BTreeMap<String, Node<'_>> =
        std::collections::BTreeMap::new();
    let fields: Option<Vec<String>> = if kind(element_type) == "struct_type" {
        let list = named_children(element_type)
            .into_iter()
            .find(|c| kind(*c) == "field_declaration_list")?;
        let mut fields = Vec::new();
        for decl in named_children(list) {
            if kind(decl) == "comment" {
                continue;
            }
            if kind(decl) != "field_declaration" {
                return None;
            }
            let mut cursor = decl.walk();
            let named: Vec<String> = decl
                .children_by_field_name("name", &mut cursor)
                .map(|n| text(n, src).to_owned())
                .collect();
            if named.is_empty() {
                return None;
            }
            let field_type = decl.field("type")?;
            for n in &named {
                field_types.insert(n.clone(), field_type);
            }
            fields.extend(named);
        }
        Some(fields)
    } else {
        None
    };
    // The body: reports under conditions only.
    let statements = crate::sacred::analysis::go_block_statements(body);
    let reports_only = |n: Node<'_>| -> bool {
        if kind(n) != "if_statement" || n.field("initializer").is_some() {
            return false;
        }
        // A condition that calls nothing: a call could change what a later element reads,
        // which the loop read before its first check.
        if n.field("condition")
            .is_none_or(|c| text(c, src).contains('('))
        {
            return false;
        }
        let Some(consequence) = n.field("consequence") else {
            return false;
        };
        n.field("alternative").is_none()
            && crate::sacred::analysis::go_block_statements(consequence)
                .into_iter()
                .all(|c| {
                    kind(c) == "expression_statement"
                        && named_children(c).first().is_some_and(|call| {
                            selector(*call, src).is_some_and(|(_, m)| {
                                matches!(m, "Error" | "Errorf" | "Fatal" | "Fatalf")
                            })
                        })
                })
    };
    if statements.is_empty() || !statements.iter().all(|s| reports_only(*s)) {
        return None;
    }
    // Every mention of the loop variable in the body, as `v.field` (or `v`).
    let mut uses: Vec<(std::ops::Range<usize>, Option<String>)> = Vec::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if kind(n) == "selector_expression"
            && n.field("operand")
                .is_some_and(|o| kind(o) == "identifier" && text(o, src) == var)
        {
            let field = text(n.field("field")?, src).to_owned();
            uses.push((n.byte_range(), Some(field)));
            continue;
        }
        if kind(n) == "identifier" && text(n, src) == var {
            uses.push((n.byte_range(), None));
            continue;
        }
        stack.extend(named_children(n));
    }
    if uses.is_empty() || uses.iter().any(|(_, f)| f.is_some() != fields.is_some()) {
        return None;
    }
    // What is read per element must not be an interface: `v.got == ""` with `got any`
    // compares the dynamic type too, which the element's expression written in its place
    // does not (`ann == ""`).
    let read_types_known = uses.iter().all(|(_, f)| match f {
        Some(field) => field_types
            .get(field)
            .is_some_and(|t| not_an_interface(*t, src)),
        None => not_an_interface(element_type, src),
    });
    if !read_types_known {
        return None;
    }
    // The elements, each as its field's expressions (or its one value): names, literals and
    // field reads only, which read the same wherever they are evaluated.
    let values = right.field("body")?;
    let mut out = String::new();
    for element in named_children(values) {
        if kind(element) == "comment" {
            continue;
        }
        let inner = if kind(element) == "literal_element" {
            element.named_child(0)?
        } else {
            return None;
        };
        if text(element, src).contains(['(', '<', '/']) {
            return None;
        }
        // Each field's expression (a struct element), or the element's one value.
        let mut by_field: std::collections::BTreeMap<String, String> =
            std::collections::BTreeMap::new();
        let single = text(inner, src).to_owned();
        if let Some(fields) = &fields {
            if kind(inner) != "literal_value" {
                return None;
            }
            let parts: Vec<Node<'_>> = named_children(inner)
                .into_iter()
                .filter(|c| kind(*c) != "comment")
                .collect();
            for (at, p) in parts.iter().enumerate() {
                match kind(*p) {
                    "literal_element" => {
                        by_field.insert(fields.get(at)?.clone(), text(*p, src).to_owned());
                    }
                    "keyed_element" => {
                        let kv = named_children(*p);
                        let [k, v] = kv.as_slice() else {
                            return None;
                        };
                        by_field.insert(text(*k, src).to_owned(), text(*v, src).to_owned());
                    }
                    _ => return None,
                }
            }
            // Positional elements name every field (Go refuses fewer).
            if parts.iter().any(|p| kind(*p) == "literal_element") && parts.len() != fields.len() {
                return None;
            }
        }
        let value_of = |field: Option<&str>| -> Option<String> {
            match field {
                Some(f) => by_field.get(f).cloned(),
                None => Some(single.clone()),
            }
        };
        // The body's statements with each use replaced.
        let start = statements.first()?.start_byte();
        let end = statements.last()?.end_byte();
        let mut written = String::new();
        let mut at = start;
        let mut sorted = uses.clone();
        sorted.sort_by_key(|(r, _)| r.start);
        for (range, field) in &sorted {
            written.push_str(&src[at..range.start]);
            // A field the element leaves out is its zero value: not read here.
            let value = value_of(field.as_deref())?;
            written.push('(');
            written.push_str(&value);
            written.push(')');
            at = range.end;
        }
        written.push_str(&src[at..end]);
        out.push_str(&written);
        out.push('\n');
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(all(test, feature = "lang-go"))]
mod unroll_tests {
    fn unroll(src: &str) -> Option<String> {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_go::LANGUAGE.into())
            .expect("the Go grammar loads");
        let tree = parser.parse(src, None).expect("parses");
        super::unrolled_loops(src, tree.root_node())
    }

    #[test]
    fn loops_over_literal_tables_are_written_out() {
        let src = "package p\n\nfunc TestX(t *testing.T) {\n\tfor _, v := range []struct {\n\t\tname string\n\t\tgot  string\n\t}{\n\t\t{\"pre\", pre},\n\t\t{name: \"run\", got: run},\n\t} {\n\t\tif v.got != onetwo {\n\t\t\tt.Errorf(\"%s\", v.name)\n\t\t}\n\t}\n}\n";
        // Mixed positional and keyed elements: each element is read on its own.
        let out = unroll(src).expect("unrolled");
        assert!(
            out.contains("if (pre) != onetwo {\n\t\t\tt.Errorf(\"%s\", (\"pre\"))\n\t\t}"),
            "{out}"
        );
        assert!(out.contains("if (run) != onetwo {"), "{out}");
        assert!(!out.contains("range"), "{out}");
        let scalars = "package p\n\nfunc TestX(t *testing.T) {\n\tfor _, want := range []string{a, b} {\n\t\tif !has(want) {\n\t\t\tt.Fatal(want)\n\t\t}\n\t}\n}\n";
        // A condition that calls something could change what a later element reads (the loop
        // read them all before its first check): not written out.
        assert_eq!(unroll(scalars), None);
        let plain = scalars.replace("!has(want)", "want == \"\"");
        let out = unroll(&plain).expect("unrolled");
        assert!(
            out.contains("if (a) == \"\" {\n\t\t\tt.Fatal((a))"),
            "{out}"
        );
        assert!(out.contains("if (b) == \"\" {"), "{out}");
        let calls = src.replace("{\"pre\", pre}", "{\"pre\", f()}");
        assert_eq!(unroll(&calls), None);
        // A comment between the elements (with a parenthesis in it) is no call.
        let commented = src.replace(
            "\t\t{\"pre\", pre},",
            "\t\t// see (issue 252)\n\t\t{\"pre\", pre},",
        );
        assert!(unroll(&commented).is_some());
        let other = src.replace("t.Errorf(\"%s\", v.name)", "v.name = \"\"");
        assert_eq!(unroll(&other), None);
    }
}

/// The names a Go `const` or `var` spec declares and the values it gives them (comments left
/// out), in order.
fn spec_names_and_values(spec: Node<'_>) -> (Vec<Node<'_>>, Vec<Node<'_>>) {
    let mut cursor = spec.walk();
    let names = spec.children_by_field_name("name", &mut cursor).collect();
    let values = spec
        .field("value")
        .map(|values| {
            named_children(values)
                .into_iter()
                .filter(|c| kind(*c) != "comment")
                .collect()
        })
        .unwrap_or_default();
    (names, values)
}
