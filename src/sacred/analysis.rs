//! The language-independent half of sacred-test analysis: normalising and fingerprinting
//! syntax trees, and turning one test's nodes into a [`TestItem`] through a language's
//! [`Rules`].
//!
//! **Invariant:** fingerprints ignore comments and layout (whitespace, trailing commas,
//! optional semicolons) but nothing else, so reformatting never changes them while moving a
//! statement under an `if` always does.

#![cfg_attr(
    not(any(
        feature = "lang-rust",
        feature = "lang-python",
        feature = "lang-javascript",
        feature = "lang-typescript",
        feature = "lang-go"
    )),
    allow(dead_code, reason = "no grammar is compiled in")
)]

use serde::Serialize;
use sha2::{Digest, Sha256};
use tree_sitter::Node;

/// The tag that makes a test sacred when written in a comment directly above it.
pub const TAG: &str = "gatekeeper:sacred";

/// What a language tells the generic analysis about its syntax.
pub(crate) trait Rules {
    /// When `node` is an assertion: the name of what asserts (`assert_eq`, `toBe`, …).
    fn assertion(&self, node: Node<'_>, src: &str) -> Option<String>;
    /// Extra text an assertion carries from outside its node (Go: the `if` condition that
    /// guards `t.Errorf`). Default: none.
    fn assertion_context<'t>(&self, _node: Node<'t>, _src: &str) -> Option<(Node<'t>, String)> {
        None
    }
    /// A statement that ends the test early (`return`).
    fn is_return(&self, node: Node<'_>) -> bool;
    /// A call that skips the test from inside its body (`t.Skip()`, `pytest.skip()`).
    fn is_skip_call(&self, node: Node<'_>, src: &str) -> bool;
    /// A construct that can swallow a failing assertion (`catch_unwind`, `except`, `recover()`).
    fn is_swallow(&self, node: Node<'_>, src: &str) -> bool;
    /// A node that makes what is inside it conditional or deferred (if, loop, closure, …).
    fn is_control(&self, kind: &str) -> bool;
}

/// One assertion of a test.
#[derive(Debug, Clone, Serialize)]
pub struct Assertion {
    /// The conditional constructs between the test body and the assertion, outermost first,
    /// joined with `>` (empty at the top level).
    pub path: String,
    /// The assertion's normalised text (no comments, no layout).
    pub text: String,
    /// What asserts (`assert_eq`, `toStrictEqual`, `assertEqual`, …).
    pub callee: String,
    /// 1-based line of the assertion.
    pub line: usize,
    /// The assertion's source, as written (first lines).
    pub source: String,
}

/// One statement at the top of a test's body.
#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    /// Fingerprint of the statement with its assertions cut out (12 hex digits).
    pub hash: String,
    pub line: usize,
    pub source: String,
    /// The statement only asserts (an assertion, or an `if` whose branch only asserts):
    /// adding one anywhere cannot weaken the test.
    pub assertion_only: bool,
}

/// A test found in a file, sacred or not, with everything the lock and the rules need.
#[derive(Debug, Clone, Serialize)]
pub struct TestItem {
    /// `lang:path::scope::name`.
    pub id: String,
    pub lang: &'static str,
    pub path: String,
    pub name: String,
    pub line: usize,
    pub end_line: usize,
    pub sacred: bool,
    /// Whether the test runner collects it (a renamed `test_x` → `x_test` is not).
    pub collected: bool,
    /// Fingerprint of the whole test (its syntax tree without comments or layout).
    pub structure: String,
    /// Fingerprint of the body alone, independent of the name (finds renamed tests).
    pub body: String,
    /// Fingerprint of the envelope: everything around the test that can disable it.
    pub envelope: String,
    pub envelope_lines: Vec<String>,
    pub assertions: Vec<Assertion>,
    pub statements: Vec<Statement>,
    pub returns: usize,
    pub skips: usize,
    pub swallows: usize,
    /// Comment texts inside the test, without markers or whitespace (finds commented-out
    /// assertions).
    #[serde(skip)]
    pub comments: Vec<String>,
    /// The parser could not make sense of part of the test.
    pub has_error: bool,
    #[serde(skip)]
    pub start_byte: usize,
    #[serde(skip)]
    pub end_byte: usize,
}

/// A function-like thing that could be a test, collected or not (finds tests renamed out of
/// the runner's collection).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub body: String,
    pub collected: bool,
    pub line: usize,
}

/// A focused test or suite (`.only`, `fit`, `fdescribe`).
#[derive(Debug, Clone)]
pub struct Focus {
    pub start_byte: usize,
    pub end_byte: usize,
    pub line: usize,
    pub source: String,
}

/// Everything found in one file.
#[derive(Debug, Clone, Default)]
pub struct FileScan {
    pub tests: Vec<TestItem>,
    pub candidates: Vec<Candidate>,
    pub focused: Vec<Focus>,
    pub has_error: bool,
}

/// What a language's discovery knows about one test before the generic analysis.
pub(crate) struct TestSpec<'t> {
    /// The node fingerprinted as the test's structure.
    pub node: Node<'t>,
    /// The node whose statements and assertions are analysed (the body block).
    pub body: Node<'t>,
    /// The whole extent of the test (for ranges and parse errors), e.g. a JS `it(…)` call.
    pub extent: Node<'t>,
    /// A node left out of every fingerprint (a Python docstring).
    pub elide: Option<Node<'t>>,
    pub name: String,
    pub scope: Vec<String>,
    pub sacred: bool,
    pub collected: bool,
    pub envelope_lines: Vec<String>,
}

pub(crate) fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

pub(crate) fn is_comment(node: Node<'_>) -> bool {
    node.kind().contains("comment")
}

/// Literal-like nodes kept whole, whitespace included.
fn is_atomic(kind: &str) -> bool {
    matches!(
        kind,
        "string_literal"
            | "raw_string_literal"
            | "char_literal"
            | "string"
            | "template_string"
            | "interpreted_string_literal"
            | "rune_literal"
    )
}

/// A leaf that layout alone decides: optional separators and whitespace tokens.
fn is_layout_leaf(node: Node<'_>, src: &str) -> bool {
    let t = text(node, src);
    if t.trim().is_empty() || t == ";" {
        return true;
    }
    if t == "," {
        // A trailing comma before a closing bracket is layout.
        return node
            .next_sibling()
            .is_none_or(|n| matches!(n.kind(), ")" | "]" | "}" | ">"));
    }
    false
}

/// Serialises a subtree as an S-expression of kinds and leaf texts, skipping comments, layout
/// and any node `elide` selects.
pub(crate) fn serialize(
    node: Node<'_>,
    src: &str,
    elide: &dyn Fn(Node<'_>) -> bool,
    out: &mut String,
) {
    if is_comment(node) || elide(node) {
        return;
    }
    if let Some(inner) = redundant_parens(node) {
        // Nesting in the tree already says what the parentheses said.
        serialize(inner, src, elide, out);
        return;
    }
    let kind = node.kind();
    if node.child_count() == 0 || is_atomic(kind) {
        if is_layout_leaf(node, src) {
            return;
        }
        out.push('(');
        out.push_str(kind);
        out.push(' ');
        out.push_str(&format!("{:?}", text(node, src)));
        out.push(')');
        return;
    }
    out.push('(');
    out.push_str(kind);
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        serialize(child, src, elide, out);
    }
    out.push(')');
}

/// The hex sha256 of a string.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// The fingerprint of a subtree.
pub(crate) fn fingerprint(node: Node<'_>, src: &str, elide: &dyn Fn(Node<'_>) -> bool) -> String {
    let mut s = String::new();
    serialize(node, src, elide, &mut s);
    sha256_hex(&s)
}

/// The subtree's tokens joined into one line: no comments, no layout, a space only between
/// two word characters.
pub(crate) fn normalized(node: Node<'_>, src: &str) -> String {
    let mut out = String::new();
    push_tokens(node, src, &mut out);
    out
}

/// Operators, whose grouping written parentheses (or their absence) express.
fn is_operator(kind: &str) -> bool {
    matches!(
        kind,
        "binary_expression"
            | "unary_expression"
            | "binary_operator"
            | "boolean_operator"
            | "comparison_operator"
            | "not_operator"
            | "unary_operator"
            | "conditional_expression"
            | "ternary_expression"
            | "range_expression"
            | "type_cast_expression"
            | "update_expression"
            | "await"
            | "await_expression"
            | "lambda"
            | "arrow_function"
    )
}

/// Contexts in which an operator needs parentheses to keep its grouping in the text.
fn binds_tighter(kind: &str) -> bool {
    is_operator(kind)
        || matches!(
            kind,
            "attribute"
                | "member_expression"
                | "field_expression"
                | "selector_expression"
                | "subscript"
                | "subscript_expression"
                | "index_expression"
                | "call"
                | "call_expression"
                | "reference_expression"
                | "try_expression"
        )
}

/// The expression inside parentheses that only group (formatters add and drop them).
fn redundant_parens(node: Node<'_>) -> Option<Node<'_>> {
    if node.kind() != "parenthesized_expression" {
        return None;
    }
    let mut cursor = node.walk();
    let named: Vec<Node<'_>> = node
        .named_children(&mut cursor)
        .filter(|c| !is_comment(*c))
        .collect();
    match named.as_slice() {
        // `f((a, b))` is not `f(a, b)`: a comma expression keeps its parentheses.
        [only] if !matches!(only.kind(), "sequence_expression" | "expression_list") => Some(*only),
        _ => None,
    }
}

/// The nearest ancestor that is not a pair of grouping parentheses.
fn effective_parent(node: Node<'_>) -> Option<Node<'_>> {
    let mut p = node.parent();
    while let Some(n) = p {
        if redundant_parens(n).is_none() {
            return Some(n);
        }
        p = n.parent();
    }
    None
}

fn push_tokens(node: Node<'_>, src: &str, out: &mut String) {
    if is_comment(node) {
        return;
    }
    if let Some(inner) = redundant_parens(node) {
        push_tokens(inner, src, out);
        return;
    }
    // Canonical parentheses: an operator nested in a tighter context is always wrapped, so
    // the text is unambiguous whatever parentheses were written.
    if is_operator(node.kind())
        && node.child_count() > 0
        && effective_parent(node).is_some_and(|p| binds_tighter(p.kind()))
    {
        out.push('(');
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            push_tokens(child, src, out);
        }
        out.push(')');
        return;
    }
    if node.child_count() == 0 || is_atomic(node.kind()) {
        if is_layout_leaf(node, src) {
            return;
        }
        let t = text(node, src);
        let word = |c: char| c.is_alphanumeric() || c == '_';
        if out.chars().last().is_some_and(word) && t.chars().next().is_some_and(word) {
            out.push(' ');
        }
        out.push_str(t);
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        push_tokens(child, src, out);
    }
}

/// The source of a node as written: its first three lines, each trimmed.
pub(crate) fn source_excerpt(node: Node<'_>, src: &str) -> String {
    let t = text(node, src);
    let mut lines: Vec<&str> = t.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.len() > 3 {
        lines.truncate(3);
        lines.push("…");
    }
    lines.join(" ⏎ ")
}

/// Whether a comment directly above `row` (through attribute or decorator lines the language
/// allows in between) carries the sacred tag. The comment is confirmed in the syntax tree so
/// that a string that looks like a comment cannot tag a test.
pub(crate) fn tagged_above(root: Node<'_>, src: &str, row: usize, passthrough: &[&str]) -> bool {
    let lines: Vec<&str> = src.lines().collect();
    let mut r = row;
    while r > 0 {
        r -= 1;
        let Some(line) = lines.get(r) else {
            return false;
        };
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            return false;
        }
        if passthrough.iter().any(|p| trimmed.starts_with(p)) {
            continue;
        }
        let col = line.len() - trimmed.len();
        let point = tree_sitter::Point {
            row: r,
            column: col,
        };
        let Some(mut node) = root.descendant_for_point_range(point, point) else {
            return false;
        };
        // The leaf at that point may be a comment's marker token: look at its ancestors.
        while !is_comment(node) {
            match node.parent() {
                Some(p) => node = p,
                None => return false,
            }
        }
        if text(node, src).contains(TAG) {
            return true;
        }
    }
    false
}

struct Walk<'r, 's> {
    rules: &'r dyn Rules,
    src: &'s str,
    assertions: Vec<Assertion>,
    returns: usize,
    skips: usize,
    swallows: usize,
    comments: Vec<String>,
}

impl Walk<'_, '_> {
    fn visit(&mut self, node: Node<'_>, path: &mut Vec<String>, skip: Option<usize>) {
        if Some(node.id()) == skip {
            return;
        }
        if is_comment(node) {
            let t = text(node, self.src);
            let stripped: String = t
                .trim_start_matches(['/', '#', '*', '!'])
                .trim_end_matches(['*', '/'])
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            self.comments.push(stripped);
            return;
        }
        if let Some(callee) = self.rules.assertion(node, self.src) {
            let mut text = normalized(node, self.src);
            let mut line = node.start_position().row + 1;
            let mut source = source_excerpt(node, self.src);
            if let Some((ctx, prefix)) = self.rules.assertion_context(node, self.src) {
                text = format!("{prefix} => {text}");
                line = ctx.start_position().row + 1;
                source = format!("{} ⏎ {source}", source_excerpt_first(ctx, self.src));
            }
            self.assertions.push(Assertion {
                path: path.join(">"),
                text,
                callee,
                line,
                source,
            });
            return;
        }
        if self.rules.is_return(node) {
            self.returns += 1;
        }
        if self.rules.is_skip_call(node, self.src) {
            self.skips += 1;
        }
        if self.rules.is_swallow(node, self.src) {
            self.swallows += 1;
        }
        let kind = node.kind();
        let control = self.rules.is_control(kind);
        if control {
            path.push(kind.to_owned());
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            self.visit(child, path, skip);
        }
        if control {
            path.pop();
        }
    }
}

fn source_excerpt_first(node: Node<'_>, src: &str) -> String {
    text(node, src)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_owned()
}

/// Builds a [`TestItem`] from what discovery found.
pub(crate) fn build_item(
    lang: &'static str,
    path: &str,
    spec: &TestSpec<'_>,
    rules: &dyn Rules,
    src: &str,
) -> TestItem {
    let elide_id = spec.elide.map(|n| n.id());
    let elide_doc = |n: Node<'_>| Some(n.id()) == elide_id;
    let mut walk = Walk {
        rules,
        src,
        assertions: Vec::new(),
        returns: 0,
        skips: 0,
        swallows: 0,
        comments: Vec::new(),
    };
    walk.visit(spec.body, &mut Vec::new(), elide_id);
    // Comments between the name and the body still count as inside the test.
    let statements = statements_of(spec.body, src, rules, elide_id);
    let mut id = format!("{lang}:{path}");
    for s in &spec.scope {
        id.push_str("::");
        id.push_str(s);
    }
    id.push_str("::");
    id.push_str(&spec.name);
    TestItem {
        id,
        lang,
        path: path.to_owned(),
        name: spec.name.clone(),
        line: spec.extent.start_position().row + 1,
        end_line: spec.extent.end_position().row + 1,
        sacred: spec.sacred,
        collected: spec.collected,
        structure: fingerprint(spec.node, src, &elide_doc),
        body: fingerprint(spec.body, src, &elide_doc),
        envelope: sha256_hex(&spec.envelope_lines.join("\n")),
        envelope_lines: spec.envelope_lines.clone(),
        assertions: walk.assertions,
        statements,
        returns: walk.returns,
        skips: walk.skips,
        swallows: walk.swallows,
        comments: walk.comments,
        has_error: spec.extent.has_error(),
        start_byte: spec.extent.start_byte(),
        end_byte: spec.extent.end_byte(),
    }
}

/// The statements directly in a body block (a lone expression body counts as one).
fn statements_of(
    body: Node<'_>,
    src: &str,
    rules: &dyn Rules,
    elide: Option<usize>,
) -> Vec<Statement> {
    let is_assertion = |n: Node<'_>| Some(n.id()) == elide || rules.assertion(n, src).is_some();
    let mut out = Vec::new();
    let mut push = |n: Node<'_>| {
        let mut s = String::new();
        serialize(n, src, &is_assertion, &mut s);
        if s.is_empty() {
            return;
        }
        let mut hash = sha256_hex(&s);
        hash.truncate(12);
        out.push(Statement {
            hash,
            line: n.start_position().row + 1,
            source: source_excerpt(n, src),
            assertion_only: asserts_only(n, src, rules),
        });
    };
    let block_like = body.kind().contains("block") || body.kind() == "statement_block";
    // Go wraps a block's statements in a `statement_list`.
    let body = match body.named_child(0) {
        Some(list) if block_like && list.kind() == "statement_list" => list,
        _ => body,
    };
    if block_like {
        let mut cursor = body.walk();
        for child in body.named_children(&mut cursor) {
            if !is_comment(child) && Some(child.id()) != elide {
                push(child);
            }
        }
    } else {
        push(body);
    }
    out
}

/// Whether a statement does nothing but assert: an assertion (possibly wrapped in an
/// expression statement or `await`), or an `if` without `else` whose branch only asserts.
fn asserts_only(node: Node<'_>, src: &str, rules: &dyn Rules) -> bool {
    let mut n = node;
    loop {
        if rules.assertion(n, src).is_some() {
            return true;
        }
        if matches!(n.kind(), "if_statement" | "if_expression") {
            if n.child_by_field_name("alternative").is_some() {
                return false;
            }
            let Some(mut branch) = n.child_by_field_name("consequence") else {
                return false;
            };
            if let Some(list) = branch
                .named_child(0)
                .filter(|l| l.kind() == "statement_list")
            {
                branch = list;
            }
            let stmts: Vec<Node<'_>> = named_children(branch)
                .into_iter()
                .filter(|c| !is_comment(*c))
                .collect();
            return !stmts.is_empty() && stmts.iter().all(|s| asserts_only(*s, src, rules));
        }
        let named: Vec<Node<'_>> = named_children(n)
            .into_iter()
            .filter(|c| !is_comment(*c))
            .collect();
        match named.as_slice() {
            [only]
                if matches!(
                    n.kind(),
                    "expression_statement" | "await_expression" | "parenthesized_expression"
                ) =>
            {
                n = *only;
            }
            _ => return false,
        }
    }
}

/// The text of a string literal without its quotes (and prefixes such as Python's `f`).
#[cfg(any(feature = "lang-javascript", feature = "lang-typescript"))]
pub(crate) fn unquote(s: &str) -> String {
    let s = s.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    for q in ["\"\"\"", "'''", "\"", "'", "`"] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.to_owned();
        }
    }
    s.to_owned()
}

/// The named children of a node, in order.
pub(crate) fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}
