//! Go: a call of a setter of the code under test read as the stores it makes. A setter is a
//! method of the test's package that only stores its parameters in fields of its receiver
//! (`func (c *Command) SetOut(w io.Writer) { c.outWriter = w }`); a helper of the tests that
//! calls it as a statement (`root.SetOut(buf)`) is also read with the call written out as
//! those stores (`root.outWriter = buf`). So `root.SetOutput(buf)` and `root.SetOut(buf);
//! root.SetErr(buf)` read the same wherever the package declares `SetOutput` to store `buf`
//! in both fields and `SetOut` and `SetErr` to store it in one each, as cobra does: a helper
//! that moves from a deprecated setter to its replacements keeps what its tests check.
//!
//! Each side is read with the setters of its own revision: a setter whose body changed is
//! read as its new body, and a call of it then reads differently.
//!
//! **Invariant:** a call is read so only where that stores the same values in the same
//! fields of the same value, in the same order:
//!
//! - the setter is a method with a pointer receiver (`*T`, `T` a plain type name, not
//!   generic), declared once for `T` among the Go files of the test's directory that share
//!   its package clause; it returns nothing and its body is one or more `r.field = param`,
//!   each field stored once and each value a parameter of its own (no variadic parameter);
//! - the call is a statement of its own, `x.Method(args)`, with as many arguments as the
//!   setter has parameters and no `...` spread, each argument an identifier or a literal (so
//!   evaluating it once or twice, before or between the stores, gives the same value);
//! - `x` is an identifier declared exactly once in the top-level function around the call,
//!   as a parameter or receiver of type `*T` or `T`, or as `x := &T{…}`, `x := T{…}`, `var x
//!   *T` or `var x = &T{…}`, and that declaration is in scope at the call; a name declared
//!   otherwise or more than once there, or used outside the scope of its one declaration (a
//!   function literal's parameter, outside the literal), is not read so (its type is not
//!   known from the text).
//!
//! Anything else is read as written.
use crate::sacred::analysis::FieldOf as _;

use std::cell::RefCell;

use tree_sitter::Node;

use super::analysis::{is_comment, kind, named_children, text};

/// A setter of the code under test (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoSetter {
    /// The receiver's type name, `Command` for `func (c *Command) …`.
    pub ty: String,
    /// The method's name.
    pub method: String,
    /// How many parameters it takes.
    pub params: usize,
    /// Each store in order: the field and the index of the parameter stored there.
    pub stores: Vec<(String, usize)>,
}

/// A function of a Go file read with the calls of setters written out (see
/// [`crate::sacred::lang::go_setter_reads`]).
#[derive(Clone, Debug)]
pub struct SetterRead {
    /// Its name and text, as [`crate::sacred::bindings::FileFunction`] records them.
    pub name: String,
    pub text: String,
    /// How it reads with the calls of setters written out.
    pub inlined: String,
}

/// What a Go file declares for [`GoSetter`]s: every method, as (receiver type, name), and
/// those that are setters.
#[derive(Clone, Debug, Default)]
pub struct GoMethods {
    pub declared: Vec<(String, String)>,
    pub setters: Vec<GoSetter>,
}

thread_local! {
    /// Set while a Go helper is read with the setters of its package written out.
    static SETTERS: RefCell<Vec<GoSetter>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with calls of `setters` read as the stores they make.
pub(crate) fn with_setters<R>(setters: &[GoSetter], f: impl FnOnce() -> R) -> R {
    let saved = SETTERS.with(|s| s.replace(setters.to_vec()));
    let r = f();
    SETTERS.with(|s| *s.borrow_mut() = saved);
    r
}

/// Whether calls of setters are being written out (see [`with_setters`]).
pub(crate) fn active() -> bool {
    SETTERS.with(|s| !s.borrow().is_empty())
}

/// Whether `text` may call one of the setters being written out (`.SetOut(`).
pub(crate) fn mentioned(text: &str) -> bool {
    SETTERS.with(|s| {
        s.borrow()
            .iter()
            .any(|setter| text.contains(&format!(".{}(", setter.method)))
    })
}

/// The setters among the methods several files declare (each file's [`GoMethods`]): only a
/// method declared once for its type.
pub fn unique_setters<'a>(files: impl IntoIterator<Item = &'a GoMethods>) -> Vec<GoSetter> {
    let files: Vec<&GoMethods> = files.into_iter().collect();
    let count = |ty: &str, method: &str| {
        files
            .iter()
            .flat_map(|f| &f.declared)
            .filter(|(t, m)| t == ty && m == method)
            .count()
    };
    files
        .iter()
        .flat_map(|f| &f.setters)
        .filter(|s| count(&s.ty, &s.method) == 1)
        .cloned()
        .collect()
}

/// The methods a parsed Go file declares, and its setters.
pub(crate) fn go_methods(root: Node<'_>, src: &str) -> GoMethods {
    let mut out = GoMethods::default();
    for decl in named_children(root) {
        if kind(decl) != "method_declaration" {
            continue;
        }
        let (Some(receiver), Some(name)) = (decl.field("receiver"), decl.field("name")) else {
            continue;
        };
        let params: Vec<Node<'_>> = named_children(receiver)
            .into_iter()
            .filter(|c| !is_comment(*c))
            .collect();
        let [param] = params.as_slice() else {
            continue;
        };
        let Some(ty) = param.field("type") else {
            continue;
        };
        let (type_name, pointer) = match kind(ty) {
            "pointer_type" => match named_children(ty).as_slice() {
                [inner] if kind(*inner) == "type_identifier" => (text(*inner, src), true),
                // A generic receiver (`*Box[T]`) is declared, but never a setter here.
                [inner] => (text(*inner, src).split('[').next().unwrap_or(""), false),
                _ => continue,
            },
            "type_identifier" => (text(ty, src), false),
            _ => (text(ty, src).split('[').next().unwrap_or(""), false),
        };
        let method = text(name, src).to_owned();
        out.declared.push((type_name.to_owned(), method.clone()));
        if !pointer {
            continue;
        }
        let receiver_name = match param.field("name") {
            Some(n) => text(n, src),
            None => continue,
        };
        if let Some(setter) = setter(decl, receiver_name, src) {
            out.setters.push(GoSetter {
                ty: type_name.to_owned(),
                method,
                ..setter
            });
        }
    }
    out
}

/// The parameters and stores of a method whose receiver is named `receiver`, when it is a
/// setter (see the module docs).
fn setter(decl: Node<'_>, receiver: &str, src: &str) -> Option<GoSetter> {
    if decl.field("result").is_some() {
        return None;
    }
    let mut params: Vec<&str> = Vec::new();
    for p in named_children(decl.field("parameters")?) {
        if is_comment(p) {
            continue;
        }
        if kind(p) != "parameter_declaration" {
            return None;
        }
        let mut cursor = p.walk();
        let names: Vec<&str> = p
            .children_by_field_name("name", &mut cursor)
            .map(|n| text(n, src))
            .collect();
        if names.is_empty() {
            return None;
        }
        params.extend(names);
    }
    let mut stores: Vec<(String, usize)> = Vec::new();
    for statement in statements(decl.field("body")?) {
        if kind(statement) != "assignment_statement"
            || field_text(statement, "operator", src) != Some("=")
        {
            return None;
        }
        let lefts = expressions(statement.field("left")?);
        let rights = expressions(statement.field("right")?);
        let ([left], [right]) = (lefts.as_slice(), rights.as_slice()) else {
            return None;
        };
        if kind(*left) != "selector_expression" || kind(*right) != "identifier" {
            return None;
        }
        let operand = left.field("operand")?;
        let field = left.field("field")?;
        if kind(operand) != "identifier" || text(operand, src) != receiver {
            return None;
        }
        let index = params.iter().position(|p| *p == text(*right, src))?;
        let field = text(field, src).to_owned();
        if stores.iter().any(|(f, _)| *f == field) {
            return None;
        }
        stores.push((field, index));
    }
    (!stores.is_empty()).then(|| GoSetter {
        params: params.len(),
        stores,
        ..GoSetter::default()
    })
}

/// The text of a node's field (its operator, for an assignment).
fn field_text<'s>(n: Node<'_>, field: &str, src: &'s str) -> Option<&'s str> {
    n.field(field).map(|c| text(c, src))
}

/// The statements of a block (inside its statement list, where the grammar has one).
fn statements(block: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    for c in named_children(block) {
        if is_comment(c) {
            continue;
        }
        if kind(c) == "statement_list" {
            out.extend(
                named_children(c)
                    .into_iter()
                    .filter(|s| !is_comment(*s) && kind(*s) != "empty_statement"),
            );
        } else if kind(c) != "empty_statement" {
            out.push(c);
        }
    }
    out
}

/// The expressions of an expression list.
fn expressions(list: Node<'_>) -> Vec<Node<'_>> {
    if kind(list) != "expression_list" {
        return vec![list];
    }
    named_children(list)
        .into_iter()
        .filter(|c| !is_comment(*c))
        .collect()
}

/// A call statement to read as the stores it makes, while [`with_setters`] runs: the
/// receiver, and each store's field with the argument stored.
pub(crate) fn expansion<'t>(
    node: Node<'t>,
    src: &str,
) -> Option<(Node<'t>, Vec<(String, Node<'t>)>)> {
    if kind(node) != "expression_statement" || !active() {
        return None;
    }
    let children: Vec<Node<'t>> = named_children(node)
        .into_iter()
        .filter(|c| !is_comment(*c))
        .collect();
    let [call] = children.as_slice() else {
        return None;
    };
    let call = *call;
    if kind(call) != "call_expression" {
        return None;
    }
    let function = call.field("function")?;
    if kind(function) != "selector_expression" {
        return None;
    }
    let receiver = function.field("operand")?;
    let method = text(function.field("field")?, src);
    if kind(receiver) != "identifier" {
        return None;
    }
    let arguments = call.field("arguments")?;
    let mut cursor = arguments.walk();
    if arguments
        .children(&mut cursor)
        .any(|c| !c.is_named() && text(c, src) == "...")
    {
        return None;
    }
    let args: Vec<Node<'t>> = named_children(arguments)
        .into_iter()
        .filter(|c| !is_comment(*c))
        .collect();
    if !args.iter().all(|a| plain_value(*a)) {
        return None;
    }
    let ty = local_type(call, text(receiver, src), src)?;
    let setter = SETTERS.with(|s| {
        s.borrow()
            .iter()
            .find(|s| s.ty == ty && s.method == method)
            .cloned()
    })?;
    if setter.params != args.len() {
        return None;
    }
    let stores = setter
        .stores
        .iter()
        .map(|(field, i)| (field.clone(), args[*i]))
        .collect();
    Some((receiver, stores))
}

/// An argument whose value is the same however often and whenever it is evaluated.
fn plain_value(n: Node<'_>) -> bool {
    matches!(
        kind(n),
        "identifier"
            | "interpreted_string_literal"
            | "raw_string_literal"
            | "int_literal"
            | "float_literal"
            | "imaginary_literal"
            | "rune_literal"
            | "true"
            | "false"
            | "nil"
    )
}

/// The type name `T` of the local `name` at `at`: declared exactly once in the top-level
/// function around `at`, as a parameter (or receiver) of type `*T` or `T`, or from `&T{…}` or
/// `T{…}`, in scope at `at` (see the module docs).
fn local_type(at: Node<'_>, name: &str, src: &str) -> Option<String> {
    let mut top = at;
    let mut p = at.parent();
    while let Some(n) = p {
        if matches!(kind(n), "function_declaration" | "method_declaration") {
            top = n;
            break;
        }
        p = n.parent();
    }
    if !matches!(kind(top), "function_declaration" | "method_declaration") {
        return None;
    }
    let mut found: Vec<(Node<'_>, Option<String>)> = Vec::new();
    let mut stack = vec![top];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "parameter_declaration" | "variadic_parameter_declaration" => {
                let mut cursor = n.walk();
                let declares = n
                    .children_by_field_name("name", &mut cursor)
                    .any(|x| text(x, src) == name);
                if declares {
                    let variadic = kind(n) == "variadic_parameter_declaration";
                    found.push((
                        n,
                        n.field("type")
                            .filter(|_| !variadic)
                            .and_then(|t| named_type(t, src)),
                    ));
                }
            }
            "short_var_declaration" => {
                if let (Some(left), Some(right)) = (n.field("left"), n.field("right")) {
                    let (left, right) = (expressions(left), expressions(right));
                    if let Some(i) = left.iter().position(|x| text(*x, src) == name) {
                        found.push((
                            n,
                            (left.len() == right.len())
                                .then(|| constructed_type(right[i], src))
                                .flatten(),
                        ));
                    }
                }
            }
            "var_spec" => {
                let mut cursor = n.walk();
                let names: Vec<&str> = n
                    .children_by_field_name("name", &mut cursor)
                    .map(|x| text(x, src))
                    .collect();
                if let Some(i) = names.iter().position(|x| *x == name) {
                    let declared = n.field("type").and_then(|t| named_type(t, src));
                    let value = n.field("value").map(expressions);
                    let from_value = value
                        .as_ref()
                        .filter(|v| v.len() == names.len())
                        .and_then(|v| constructed_type(v[i], src));
                    found.push((
                        n,
                        match (declared, value) {
                            (Some(t), None) => Some(t),
                            (Some(t), Some(_)) if from_value.as_deref() == Some(t.as_str()) => {
                                Some(t)
                            }
                            (None, Some(_)) => from_value,
                            _ => None,
                        },
                    ));
                }
            }
            // Any other declaration of the name (a range variable, a type switch's, a
            // constant, a receive in a `select`) leaves its type unknown.
            "range_clause"
            | "type_switch_statement"
            | "const_spec"
            | "receive_statement"
            | "labeled_statement"
                if declares_name(n, name, src) =>
            {
                found.push((n, None));
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    match found.as_slice() {
        [(decl, Some(t))] if in_scope(*decl, at) => Some(t.clone()),
        _ => None,
    }
}

/// Whether `at` is where the declaration `decl` is in scope: inside the function whose
/// parameter it is, or after it inside the block (or the statement or case clause) that
/// holds it. A name declared once in the function but used outside that scope is another
/// (a package-level value).
fn in_scope(decl: Node<'_>, at: Node<'_>) -> bool {
    let encloses = |scope: Node<'_>| {
        std::iter::successors(Some(at), tree_sitter::Node::parent).any(|a| a.id() == scope.id())
    };
    if matches!(
        kind(decl),
        "parameter_declaration" | "variadic_parameter_declaration"
    ) {
        return decl
            .parent()
            .and_then(|list| list.parent())
            .is_some_and(encloses);
    }
    let scope = std::iter::successors(decl.parent(), tree_sitter::Node::parent).find(|p| {
        matches!(
            kind(*p),
            "block"
                | "if_statement"
                | "for_statement"
                | "expression_switch_statement"
                | "type_switch_statement"
                | "select_statement"
                | "expression_case"
                | "type_case"
                | "default_case"
                | "communication_case"
                | "func_literal"
                | "function_declaration"
                | "method_declaration"
        )
    });
    decl.end_byte() <= at.start_byte() && scope.is_some_and(encloses)
}

/// Whether a declaration-like node names `name` among its own leaves before any nested
/// block (a range's left side, a type switch's alias).
fn declares_name(n: Node<'_>, name: &str, src: &str) -> bool {
    for field in ["left", "alias", "name", "label"] {
        let mut cursor = n.walk();
        if n.children_by_field_name(field, &mut cursor).any(|x| {
            expressions(x)
                .iter()
                .any(|e| kind(*e) == "identifier" && text(*e, src) == name)
                || text(x, src) == name
        }) {
            return true;
        }
    }
    false
}

/// `T` for a type written `*T` or `T` (a plain type name of the package).
fn named_type(t: Node<'_>, src: &str) -> Option<String> {
    match kind(t) {
        "type_identifier" => Some(text(t, src).to_owned()),
        "pointer_type" => match named_children(t).as_slice() {
            [inner] if kind(*inner) == "type_identifier" => Some(text(*inner, src).to_owned()),
            _ => None,
        },
        _ => None,
    }
}

/// `T` for a value written `&T{…}` or `T{…}`.
fn constructed_type(v: Node<'_>, src: &str) -> Option<String> {
    let literal = if kind(v) == "unary_expression" {
        let operator = v.field("operator")?;
        if text(operator, src) != "&" {
            return None;
        }
        v.field("operand")?
    } else {
        v
    };
    if kind(literal) != "composite_literal" {
        return None;
    }
    let ty = literal.field("type")?;
    (kind(ty) == "type_identifier").then(|| text(ty, src).to_owned())
}
