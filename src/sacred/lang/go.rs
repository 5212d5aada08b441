//! Go: `func TestXxx(t *testing.T)` in `_test.go` files, tagged by comment; the envelope
//! holds the build constraints and the package name (the package's `TestMain` is added by
//! the caller, which can see the other files of the directory).

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
    let f = node.child_by_field_name("function")?;
    if kind(f) != "selector_expression" {
        return None;
    }
    let operand = text(f.child_by_field_name("operand")?, src);
    let field = text(f.child_by_field_name("field")?, src);
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
        let cond = stmt_if.child_by_field_name("condition")?;
        Some((stmt_if, format!("if {}", normalized(cond, src))))
    }

    /// As [`Rules::assertion`], but not a failure method called for its value without
    /// arguments: `err.Error()` inside an expression reads an error's message, where
    /// `t.Error()` and `t.FailNow()` are statements.
    fn asserts_in_helper(&self, node: Node<'_>, src: &str) -> bool {
        self.assertion(node, src).is_some()
            && (node
                .child_by_field_name("arguments")
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
                .child_by_field_name("function")
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

/// The fingerprint of the file's `TestMain`, if it has one (16 hex digits). `TestMain` runs
/// instead of the tests and may skip all of them, so it belongs to every test's envelope in
/// the package.
/// Operating systems and architectures a file name's `_GOOS`/`_GOARCH` suffix restricts it
/// to.
const GO_SUFFIXES: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

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
    if stem
        .split('_')
        .skip(1)
        .any(|part| GO_SUFFIXES.contains(&part))
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
                    if kind(spec) != "const_spec" || spec.child_by_field_name("type").is_some() {
                        continue;
                    }
                    let mut cursor = spec.walk();
                    let names: Vec<Node<'_>> =
                        spec.children_by_field_name("name", &mut cursor).collect();
                    let Some(values) = spec.child_by_field_name("value") else {
                        continue;
                    };
                    let values: Vec<Node<'_>> = named_children(values)
                        .into_iter()
                        .filter(|c| kind(*c) != "comment")
                        .collect();
                    if let ([n], [v]) = (names.as_slice(), values.as_slice())
                        && super::go_is_basic_literal(kind(*v))
                        && text(*n, src) != "_"
                    {
                        out.constants
                            .push((text(*n, src).to_owned(), text(*v, src).to_owned()));
                    }
                }
            }
            _ => {}
        }
    }
    (!out.package.is_empty()).then_some(out)
}

pub(crate) fn test_main(src: &str, root: Node<'_>) -> Option<String> {
    named_children(root)
        .into_iter()
        .filter(|i| kind(i) == "function_declaration")
        .find(|i| {
            i.child_by_field_name("name")
                .is_some_and(|n| text(n, src) == "TestMain")
        })
        .map(|i| {
            let mut fp = fingerprint(i, src, &|_| false);
            fp.truncate(16);
            fp
        })
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
        let Some(name) = item.child_by_field_name("name") else {
            continue;
        };
        let Some(body) = item.child_by_field_name("body") else {
            continue;
        };
        let name = text(name, src).to_owned();
        let params = item
            .child_by_field_name("parameters")
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
