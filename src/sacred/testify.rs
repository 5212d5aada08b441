//! The same Go check spelled with testify: `if err != nil { t.Fatal(err) }` and
//! `require.NoError(t, err)` fail on exactly the same values, and projects rewrite the first
//! into the second by the hundred (linters such as `testifylint` ask for it). A locked check
//! written as an `if` around a failure call (`t.Error`, `t.Errorf`, `t.Fatal`, `t.Fatalf`,
//! `t.Fail`, `t.FailNow`) is kept by a testify call of `require` or `assert` that fails on
//! every value the `if` failed on, handed the same `t`, at the nesting the `if` stood at:
//!
//! | the `if` fails when | kept by |
//! |---|---|
//! | `err != nil` | `NoError(t, err)` |
//! | `err == nil` | `Error(t, err)` |
//! | `x == nil` | `NotNil(t, x)` (which also fails on a nil pointer inside an interface) |
//! | `!c` | `True(t, c)` |
//! | `c` | `False(t, c)` |
//! | `a != b` (or `!(a == b)`), where `a` or `b` is a literal, `nil`, `len(…)` or a conversion to a basic type | `Equal(t, a, b)` or `Equal(t, b, a)`, a literal maybe typed by a conversion (`uint(37890)` for `37890`) |
//! | `len(x) != n` | `Len(t, x, n)` |
//! | `len(x) != 0` | `Empty(t, x)` |
//! | `len(x) == 0` | `NotEmpty(t, x)` |
//! | `!errors.Is(err, target)` | `ErrorIs(t, err, target)` |
//! | `!errors.As(err, target)` | `ErrorAs(t, err, target)` |
//!
//! And between testify calls: `require.X` and `assert.X` check the same (the first stops the
//! test, the second lets it go on; it fails either way, as `t.Fatal` and `t.Error` do), the
//! two operands of `Equal`, `NotEqual`, `Exactly`, `Same` and `NotSame` may swap (each
//! compares them symmetrically), and `Nil(t, err)` may become `NoError(t, err)` (stronger:
//! `Nil` passes a nil pointer inside an interface). Under testify `v1`, `IsType`'s operands
//! may swap, and `Equal(t, reflect.TypeOf(a), reflect.TypeOf(b))` may become `IsType(t, a,
//! b)` where `reflect` was the standard package (the comparison `IsType` makes).
//!
//! **Invariant:** only where the new check fails at least wherever the old one did:
//!
//! - `Equal` compares with `reflect.DeepEqual` (and `[]byte` with `bytes.Equal`), which
//!   differs from `!=` on pointers (their targets rather than their addresses) and on values
//!   of two types (never equal). With a literal, `nil`, `len(…)` or a conversion to a basic
//!   type on one side, neither operand is a pointer, and two types only make it fail more:
//!   at least as strong (so does a literal typed by a conversion where `!=` converted it to
//!   the other operand's type). With two
//!   names it is not read so, nor `Nil` as `err == nil`, nor `ErrorIs` as `err != target`
//!   (weaker: a wrapped error passes). `reflect.DeepEqual` is read as `Equal` only where the
//!   module requires testify `v1` (`FileScan::go_testify_v1`): `ObjectsAreEqual` is
//!   `DeepEqual` there (`[]byte` by `bytes.Equal` after telling `nil` from empty); before
//!   `v1.0` it converted one value to the other's type.
//! - The `if` has no `else`, nothing but the failure call in its branch (anything else is a
//!   locked statement `body-changed` judges), and no statement before its condition
//!   (`if err := f(); err != nil` binds what it checks; told by the base revision's test,
//!   `Assertion::initialized`, without which nothing is read so), unless the reading puts
//!   the local back in its place (`super::extracted`).
//! - `require` and `assert` are the file's imports of `github.com/stretchr/testify/require`
//!   and `…/assert` under their own names, and no other binding of the file gives the name
//!   (an import that may bind it otherwise included); `errors` (for `Is` and `As`) was the
//!   standard package in the locked test. A `replace` of testify in `go.mod` is locked apart.
use std::collections::BTreeSet;

use super::bindings::Binding;
use super::messages::{outside_strings, split_top};

/// What the files say the names of a check mean.
pub struct Names {
    /// `require` and `assert` as the new file binds them to testify.
    pub testify: BTreeSet<&'static str>,
    /// The locked test's `errors` was the standard package.
    pub errors_std: bool,
    /// The locked test's `reflect` was the standard package, and the module requires testify
    /// at a `v1` version (`FileScan::go_testify_v1`): `Equal` fails wherever
    /// `reflect.DeepEqual` did.
    pub deep_equal: bool,
    /// The module requires testify at a `v1` version (`FileScan::go_testify_v1`):
    /// `ObjectsAreEqual` compares its two values symmetrically (`reflect.DeepEqual`, or
    /// `bytes.Equal` for two `[]byte`), so `IsType`'s two operands may swap.
    pub v1: bool,
}

impl Names {
    /// Reads the new file's module-level bindings and the locked test's bindings (`import
    /// errors "errors"`), when the lock recorded them.
    pub fn of(
        new_bindings: &[Binding],
        locked_bindings: Option<&[String]>,
        testify_v1: bool,
    ) -> Names {
        let testify = ["require", "assert"]
            .into_iter()
            .filter(|name| {
                let mut of = new_bindings.iter().filter(|b| b.names.contains(*name));
                let want = format!("import {name} \"github.com/stretchr/testify/{name}\"");
                matches!((of.next(), of.next()), (Some(b), None) if b.text == want && !b.all)
            })
            .collect();
        // The standard package, bound once.
        let std = |name: &str| {
            let want = format!("import {name} \"{name}\"");
            locked_bindings.is_some_and(|b| b.iter().any(|l| l.trim() == want))
                && locked_bindings.is_some_and(|b| {
                    b.iter()
                        .filter(|l| l.split_whitespace().nth(1) == Some(name))
                        .count()
                        == 1
                })
        };
        Names {
            testify,
            errors_std: std("errors"),
            deep_equal: testify_v1 && std("reflect"),
            v1: testify_v1,
        }
    }
}

/// Whether the testify call `new` (at nesting `new_path`) fails at least wherever the locked
/// check `old` (at `old_path`) did. Both without their messages; `old_plain` says that the
/// base revision's test holds the old check as an `if` that binds nothing before its
/// condition (false when not known).
pub fn same_or_stronger(
    names: &Names,
    old: &str,
    old_path: &str,
    old_plain: bool,
    new: &str,
    new_path: &str,
) -> bool {
    let Some(call) = testify_call(names, new) else {
        return false;
    };
    if let Some(old_call) = testify_call(names, old) {
        return old_path == new_path && testify_to_testify(names, &old_call, &call);
    }
    // `if COND => t.Error`: the `if` stood one level below the new call.
    let at_its_level = match old_path.rsplit_once('>') {
        Some((parent, "if_statement")) => parent == new_path,
        None => old_path == "if_statement" && new_path.is_empty(),
        Some(_) => false,
    };
    if !at_its_level || !old_plain {
        return false;
    }
    let Some((cond, receiver)) = if_form(old) else {
        return false;
    };
    call.args.first().is_some_and(|t| *t == receiver)
        && fails_when(names, &call).iter().any(|c| *c == cond)
}

/// A testify call read from its bare text: `require.Equal(t,a,b)`.
struct Call<'a> {
    method: &'a str,
    args: Vec<&'a str>,
}

fn testify_call<'a>(names: &Names, text: &'a str) -> Option<Call<'a>> {
    let (package, rest) = text.split_once('.')?;
    if !names.testify.contains(package) {
        return None;
    }
    let open = rest.find('(')?;
    let method = &rest[..open];
    if !method.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let inner = rest[open + 1..].strip_suffix(')')?;
    // The parentheses must be the call's own: `f(a)(b)` is not one call.
    if outside_strings(inner, &['"', '`'])
        .iter()
        .any(|(_, _, depth)| *depth < 0)
    {
        return None;
    }
    let args = split_top(inner).into_iter().map(str::trim).collect();
    Some(Call { method, args })
}

/// `require.X` ↔ `assert.X`, swapped operands of a symmetric comparison, `Nil` → `NoError`.
fn testify_to_testify(names: &Names, old: &Call<'_>, new: &Call<'_>) -> bool {
    if old.args.first() != new.args.first() {
        return false;
    }
    if old.method == new.method && old.args == new.args {
        return true;
    }
    match (
        old.method,
        new.method,
        old.args.as_slice(),
        new.args.as_slice(),
    ) {
        ("Nil", "NoError", [_, x], [_, y]) => x == y,
        // `Equal(t, 2, len(xs))` is `Len(t, xs, 2)` (both compare two `int`s; an integer
        // literal is one), and `Equal(t, 0, len(xs))` is `Empty(t, xs)` (a length of zero;
        // `len` compiled, so `xs` has one).
        ("Equal", "Len", [_, a, b], [_, x, n]) => {
            let length = format!("len({x})");
            n.bytes().all(|c| c.is_ascii_digit())
                && !n.is_empty()
                && ((*a == *n && *b == length) || (*b == *n && *a == length))
        }
        ("Equal", "Empty", [_, a, b], [_, x]) => {
            let length = format!("len({x})");
            (*a == "0" && *b == length) || (*b == "0" && *a == length)
        }
        (a, b, [_, x1, y1], [_, x2, y2])
            if a == b && matches!(a, "Equal" | "NotEqual" | "Exactly" | "Same" | "NotSame") =>
        {
            x1 == y2 && y1 == x2
        }
        // `IsType(t, a, b)` is `ObjectsAreEqual(reflect.TypeOf(b), reflect.TypeOf(a))` in
        // every testify version: symmetric under `v1`, and what `Equal(t,
        // reflect.TypeOf(a), reflect.TypeOf(b))` checks where `reflect` was the standard
        // package (`Equal`'s own check of its arguments refuses only functions, and a
        // `reflect.Type` is none).
        ("IsType", "IsType", [_, a, b], [_, x, y]) if names.v1 => a == y && b == x,
        ("Equal", "IsType", [_, a, b], [_, x, y]) if names.deep_equal => {
            let (of_x, of_y) = (
                format!("reflect.TypeOf({x})"),
                format!("reflect.TypeOf({y})"),
            );
            (*a == of_x && *b == of_y) || (*a == of_y && *b == of_x)
        }
        _ => false,
    }
}

/// `if COND => RECV.Error` (messages left out, `Fatal` read as `Error`), `… => RECV.Fail()`
/// or `… => RECV.FailNow()`: the condition and the receiver.
fn if_form(old: &str) -> Option<(&str, &str)> {
    let (cond, report) = old.strip_prefix("if ")?.split_once(" => ")?;
    let (receiver, method) = report.split_once('.')?;
    if !matches!(method, "Error" | "Fail()" | "FailNow()")
        || !receiver.chars().all(|c| c.is_alphanumeric() || c == '_')
    {
        return None;
    }
    Some((cond, receiver))
}

/// The conditions (as Go's normalised text writes them) on which `call` fails at least.
fn fails_when(names: &Names, call: &Call<'_>) -> Vec<String> {
    let args = &call.args[1..];
    match (call.method, args) {
        ("NoError", [e]) => symmetric(e, "!=", "nil"),
        ("Error", [e]) => symmetric(e, "==", "nil"),
        ("NotNil", [x]) => symmetric(x, "==", "nil"),
        ("True", [c]) => {
            let mut out = vec![format!("!({c})")];
            if atomic(c) {
                out.push(format!("!{c}"));
            }
            if let Some((a, op, b)) = one_comparison(c) {
                let flipped = if op == "==" { "!=" } else { "==" };
                out.extend(symmetric(a, flipped, b));
            }
            out
        }
        ("False", [c]) => vec![(*c).to_owned(), format!("({c})")],
        ("Equal", [a, b]) if plain_operand(a) || plain_operand(b) || names.deep_equal => {
            // `uint(37890)` where the `if` wrote the untyped `37890`: `Equal` then also
            // fails on a value of another type, which `!=` converted the literal to.
            let untyped = |e: &str| typed_literal(e).map_or_else(|| e.to_owned(), str::to_owned);
            let mut out = Vec::new();
            // testify's `ObjectsAreEqual` is `reflect.DeepEqual` in every `v1` (`[]byte` by
            // `bytes.Equal`, `nil` and empty told apart first, as `DeepEqual` does).
            if names.deep_equal {
                out.extend([
                    format!("!reflect.DeepEqual({a},{b})"),
                    format!("!reflect.DeepEqual({b},{a})"),
                ]);
            }
            if !(plain_operand(a) || plain_operand(b)) {
                return out;
            }
            for (a, b) in [
                ((*a).to_owned(), (*b).to_owned()),
                (untyped(a), (*b).to_owned()),
                ((*a).to_owned(), untyped(b)),
            ] {
                out.extend(symmetric(&a, "!=", &b));
                out.push(format!("!({a}=={b})"));
                out.push(format!("!({b}=={a})"));
            }
            out
        }
        ("Len", [x, n]) => symmetric(&format!("len({x})"), "!=", n),
        ("Empty", [x]) => symmetric(&format!("len({x})"), "!=", "0"),
        ("NotEmpty", [x]) => symmetric(&format!("len({x})"), "==", "0"),
        ("ErrorIs", [e, target]) if names.errors_std => vec![format!("!errors.Is({e},{target})")],
        ("ErrorAs", [e, target]) if names.errors_std => vec![format!("!errors.As({e},{target})")],
        _ => Vec::new(),
    }
}

/// `a OP b` and `b OP a`.
fn symmetric(a: &str, op: &str, b: &str) -> Vec<String> {
    vec![format!("{a}{op}{b}"), format!("{b}{op}{a}")]
}

/// A name, a selector, a call or an index: nothing at its top level an operator could bind
/// otherwise once negated.
fn atomic(e: &str) -> bool {
    !e.is_empty()
        && outside_strings(e, &['"', '`', '\''])
            .iter()
            .filter(|(_, c, depth)| *depth == 0 && !matches!(c, ')' | ']' | '}'))
            .all(|(_, c, _)| c.is_alphanumeric() || matches!(c, '_' | '.' | '(' | '['))
}

/// `a==b` or `a!=b` with nothing else at the top level (no `&&`, no second comparison).
fn one_comparison(e: &str) -> Option<(&str, &'static str, &str)> {
    let top: Vec<(usize, char, i32)> = outside_strings(e, &['"', '`', '\''])
        .into_iter()
        .filter(|(_, _, depth)| *depth == 0)
        .collect();
    let mut found = None;
    for w in top.windows(2) {
        let (i, a, _) = w[0];
        let (_, b, _) = w[1];
        if b == '=' && matches!(a, '=' | '!') {
            if found.is_some() {
                return None;
            }
            found = Some((i, if a == '=' { "==" } else { "!=" }));
        }
    }
    if top
        .iter()
        .any(|(_, c, _)| matches!(c, '&' | '|' | '<' | '>'))
    {
        return None;
    }
    let (at, op) = found?;
    let (a, b) = (&e[..at], &e[at + 2..]);
    (!a.is_empty() && !b.is_empty() && !b.starts_with('=')).then_some((a, op, b))
}

/// Go's predeclared basic types: a conversion to one is a value of that type, no pointer.
/// (A package that declares one of these names is locked apart, see `rebound`.)
const BASIC: &[&str] = &[
    "bool",
    "string",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "byte",
    "rune",
];

/// `T(x)` for a basic type `T`: `x`.
fn basic_conversion(e: &str) -> Option<&str> {
    let open = e.find('(')?;
    let inner = e[open + 1..].strip_suffix(')')?;
    (BASIC.contains(&&e[..open])
        && !outside_strings(inner, &['"', '`', '\''])
            .iter()
            .any(|(_, _, depth)| *depth < 0))
    .then_some(inner)
}

/// `T(lit)` for a basic type `T` and a literal: the literal.
fn typed_literal(e: &str) -> Option<&str> {
    basic_conversion(e).filter(|inner| literal(inner))
}

/// A literal, `nil`, `len(…)` or a conversion to a basic type: an operand that is no
/// pointer, so that `Equal` compares it as `==` does (or fails on two types, which `==`
/// would not).
fn plain_operand(e: &str) -> bool {
    let e = e.trim();
    literal(e) || basic_conversion(e).is_some()
}

/// A string, rune or number literal, `nil`, or `len(…)`.
fn literal(e: &str) -> bool {
    let e = e.trim();
    if e == "nil" || e.starts_with('"') || e.starts_with('`') || e.starts_with('\'') {
        return e == "nil" || (e.len() >= 2 && e.ends_with(e.chars().next().unwrap_or(' ')));
    }
    if let Some(inner) = e.strip_prefix("len(").and_then(|r| r.strip_suffix(')')) {
        return !outside_strings(inner, &['"', '`', '\''])
            .iter()
            .any(|(_, _, depth)| *depth < 0);
    }
    let digits = e.strip_prefix('-').unwrap_or(e);
    digits.chars().next().is_some_and(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'))
}

#[cfg(test)]
mod tests {
    use super::{Names, same_or_stronger};

    fn names() -> Names {
        Names {
            testify: ["require", "assert"].into_iter().collect(),
            errors_std: true,
            deep_equal: false,
            v1: false,
        }
    }

    /// The locked `if` (at the top level, no statement before its condition) and the new
    /// call at the top level.
    fn same(old: &str, new: &str) -> bool {
        same_or_stronger(&names(), old, "if_statement", true, new, "")
    }

    #[test]
    fn testify_spellings_of_an_if_check_keep_it() {
        for (old, new) in [
            ("if err!=nil => t.Error", "require.NoError(t,err)"),
            ("if err!=nil => t.Error", "assert.NoError(t,err)"),
            ("if nil!=err => t.Error", "require.NoError(t,err)"),
            ("if err==nil => t.Error", "require.Error(t,err)"),
            ("if v==nil => t.Error", "require.NotNil(t,v)"),
            ("if !ok => t.Error", "assert.True(t,ok)"),
            ("if !(a&&b) => t.Error", "assert.True(t,a&&b)"),
            ("if a!=b => t.Error", "assert.True(t,a==b)"),
            ("if ok => t.Error", "assert.False(t,ok)"),
            ("if got!=\"x\" => t.Error", "assert.Equal(t,\"x\",got)"),
            ("if \"x\"!=got => t.Error", "assert.Equal(t,\"x\",got)"),
            ("if got!=1 => t.Error", "assert.Equal(t,got,1)"),
            ("if got!=-1.5 => t.Error", "assert.Equal(t,-1.5,got)"),
            ("if len(xs)!=2 => t.Error", "assert.Equal(t,2,len(xs))"),
            ("if n!=37890 => t.Error", "assert.Equal(t,uint(37890),n)"),
            ("if n!=int32(7) => t.Error", "assert.Equal(t,int32(7),n)"),
            (
                "if enc!=string(b) => t.Error",
                "assert.Equal(t,enc,string(b))",
            ),
            ("if len(xs)!=2 => t.Error", "assert.Len(t,xs,2)"),
            ("if len(xs)!=0 => t.Error", "assert.Empty(t,xs)"),
            ("if len(xs)==0 => t.Error", "assert.NotEmpty(t,xs)"),
            (
                "if !errors.Is(err,ErrGone) => t.Error",
                "require.ErrorIs(t,err,ErrGone)",
            ),
            (
                "if !errors.As(err,&target) => t.Error",
                "require.ErrorAs(t,err,&target)",
            ),
            ("if err!=nil => t.FailNow()", "require.NoError(t,err)"),
        ] {
            assert!(same(old, new), "{old} → {new}");
        }
    }

    #[test]
    fn other_or_weaker_testify_calls_do_not_keep_it() {
        for (old, new) in [
            // Another operand, operator or receiver.
            ("if err!=nil => t.Error", "require.NoError(t,err2)"),
            ("if err!=nil => t.Error", "require.Error(t,err)"),
            ("if err!=nil => t.Error", "require.NoError(b,err)"),
            ("if !ok => t.Error", "assert.False(t,ok)"),
            ("if ok => t.Error", "assert.True(t,ok)"),
            ("if !a&&b => t.Error", "assert.True(t,a&&b)"),
            ("if got!=1 => t.Error", "assert.Equal(t,got,2)"),
            ("if got!=1 => t.Error", "assert.NotEqual(t,got,1)"),
            ("if n!=37890 => t.Error", "assert.Equal(t,uint(37891),n)"),
            ("if n!=m => t.Error", "assert.Equal(t,Kind(m),n)"),
            // Weaker: `Nil` passes a nil pointer in an interface; `DeepEqual` and pointers
            // are not `!=`; `ErrorIs` takes a wrapped error. `DeepEqual` as `Equal` only
            // where the module requires testify `v1` (below).
            ("if err!=nil => t.Error", "require.Nil(t,err)"),
            ("if got!=want => t.Error", "assert.Equal(t,want,got)"),
            (
                "if !reflect.DeepEqual(a,b) => t.Error",
                "assert.Equal(t,a,b)",
            ),
            (
                "if err!=ErrGone => t.Error",
                "assert.ErrorIs(t,err,ErrGone)",
            ),
            ("if len(xs)!=0 => t.Error", "assert.Len(t,xs,1)"),
            // Not a testify call, or not only one.
            ("if err!=nil => t.Error", "check.NoError(t,err)"),
            ("if err!=nil => t.Error", "require.NoError(t,err)(x)"),
            // Not an `if` around a failure call.
            ("if err!=nil => t.Log", "require.NoError(t,err)"),
            ("if err!=nil => t.Skip()", "require.NoError(t,err)"),
        ] {
            assert!(!same(old, new), "{old} → {new}");
        }
    }

    #[test]
    fn equal_to_a_length_is_len_or_empty() {
        let at_top = |old: &str, new: &str| same_or_stronger(&names(), old, "", true, new, "");
        for (old, new) in [
            ("assert.Equal(t,1,len(items))", "assert.Len(t,items,1)"),
            ("assert.Equal(t,len(items),12)", "require.Len(t,items,12)"),
            ("assert.Equal(t,0,len(items))", "assert.Empty(t,items)"),
            ("assert.Equal(t,len(items),0)", "assert.Empty(t,items)"),
        ] {
            assert!(at_top(old, new), "{old} → {new}");
        }
        for (old, new) in [
            ("assert.Equal(t,1,len(items))", "assert.Len(t,items,2)"),
            ("assert.Equal(t,1,len(items))", "assert.Len(t,other,1)"),
            // A name may be of another integer type, which `Equal` tells apart.
            ("assert.Equal(t,n,len(items))", "assert.Len(t,items,n)"),
            ("assert.Equal(t,1,len(items))", "assert.Empty(t,items)"),
            ("assert.NotEqual(t,0,len(items))", "assert.Empty(t,items)"),
        ] {
            assert!(!at_top(old, new), "{old} → {new}");
        }
    }

    /// viper's `c292b55` and `e75c48f`: `Equal` of two `reflect.TypeOf` written `IsType`,
    /// and `IsType`'s operands swapped.
    #[test]
    fn is_type_swaps_and_reads_equal_of_two_types_only_under_testify_v1() {
        let v1 = Names {
            deep_equal: true,
            v1: true,
            ..names()
        };
        let top = |n: &Names, old: &str, new: &str| same_or_stronger(n, old, "", true, new, "");
        let equal = "assert.Equal(t,reflect.TypeOf(ErrX{}),reflect.TypeOf(err))";
        for new in [
            "assert.IsType(t,ErrX{},err)",
            "require.IsType(t,err,ErrX{})",
        ] {
            assert!(top(&v1, equal, new), "{new}");
        }
        assert!(top(
            &v1,
            "assert.IsType(t,ErrX{},err)",
            "assert.IsType(t,err,ErrX{})"
        ));
        for (old, new) in [
            (equal, "assert.IsType(t,ErrY{},err)"),
            (equal, "assert.IsType(s,ErrX{},err)"),
            (
                "assert.Equal(t,reflect.ValueOf(ErrX{}),reflect.ValueOf(err))",
                "assert.IsType(t,ErrX{},err)",
            ),
            ("assert.IsType(t,ErrX{},err)", "assert.IsType(t,ErrX{},e)"),
        ] {
            assert!(!top(&v1, old, new), "{old} → {new}");
        }
        // Without testify `v1`, or with another `reflect` (`deep_equal` is false then).
        let other = Names {
            deep_equal: false,
            v1: true,
            ..names()
        };
        assert!(!top(&other, equal, "assert.IsType(t,ErrX{},err)"));
        assert!(!top(
            &names(),
            "assert.IsType(t,ErrX{},err)",
            "assert.IsType(t,err,ErrX{})"
        ));
    }

    #[test]
    fn deep_equal_is_equal_only_under_testify_v1_and_the_standard_reflect() {
        let v1 = Names {
            deep_equal: true,
            v1: true,
            ..names()
        };
        let same_v1 =
            |old: &str, new: &str| same_or_stronger(&v1, old, "if_statement", true, new, "");
        for new in ["assert.Equal(t,a,b)", "require.Equal(t,b,a)"] {
            assert!(
                same_v1("if !reflect.DeepEqual(a,b) => t.Error", new),
                "{new}"
            );
        }
        // The literal forms still hold.
        assert!(same_v1("if got!=1 => t.Error", "assert.Equal(t,1,got)"));
        for (old, new) in [
            (
                "if !reflect.DeepEqual(a,b) => t.Error",
                "assert.Equal(t,a,c)",
            ),
            (
                "if !reflect.DeepEqual(a,b) => t.Error",
                "assert.NotEqual(t,a,b)",
            ),
            (
                "if reflect.DeepEqual(a,b) => t.Error",
                "assert.Equal(t,a,b)",
            ),
            ("if !reflect.DeepEqual(a,b) => t.Log", "assert.Equal(t,a,b)"),
            (
                "if !reflect.DeepEqual(a,b) => t.Error",
                "assert.EqualValues(t,a,b)",
            ),
            ("if got!=want => t.Error", "assert.Equal(t,want,got)"),
        ] {
            assert!(!same_v1(old, new), "{old} → {new}");
        }
        // Without the module's evidence, or with another `reflect`.
        assert!(!same(
            "if !reflect.DeepEqual(a,b) => t.Error",
            "assert.Equal(t,a,b)"
        ));
        let locked = ["import reflect \"example.com/fake/reflect\"".to_owned()];
        assert!(!Names::of(&[], Some(&locked), true).deep_equal);
        let locked = ["import reflect \"reflect\"".to_owned()];
        assert!(Names::of(&[], Some(&locked), true).deep_equal);
        assert!(!Names::of(&[], Some(&locked), false).deep_equal);
    }

    #[test]
    fn only_at_the_if_level_with_a_plain_if_and_bound_names() {
        let n = names();
        let (old, new) = ("if err!=nil => t.Error", "require.NoError(t,err)");
        assert!(same_or_stronger(
            &n,
            old,
            "func_literal>if_statement",
            true,
            new,
            "func_literal"
        ));
        // Moved out of a closure or under a loop.
        assert!(!same_or_stronger(
            &n,
            old,
            "func_literal>if_statement",
            true,
            new,
            ""
        ));
        assert!(!same_or_stronger(
            &n,
            old,
            "if_statement",
            true,
            new,
            "for_statement"
        ));
        // A statement before the condition, or no base revision to tell.
        assert!(!same_or_stronger(&n, old, "if_statement", false, new, ""));
        // `require` not bound to testify; `errors` not the standard package.
        let unbound = Names {
            testify: ["assert"].into_iter().collect(),
            errors_std: false,
            deep_equal: false,
            v1: false,
        };
        assert!(!same_or_stronger(
            &unbound,
            old,
            "if_statement",
            true,
            new,
            ""
        ));
        assert!(!same_or_stronger(
            &unbound,
            "if !errors.Is(err,E) => t.Error",
            "if_statement",
            true,
            "assert.ErrorIs(t,err,E)",
            ""
        ));
    }

    #[test]
    fn testify_calls_respelled_keep_their_check() {
        let n = names();
        let keeps = |old: &str, new: &str| same_or_stronger(&n, old, "", false, new, "");
        assert!(keeps("assert.Equal(t,a,b)", "require.Equal(t,a,b)"));
        assert!(keeps("require.Equal(t,a,b)", "assert.Equal(t,b,a)"));
        assert!(keeps("assert.NotEqual(t,a,b)", "assert.NotEqual(t,b,a)"));
        assert!(keeps("require.Nil(t,err)", "require.NoError(t,err)"));
        assert!(!keeps("require.NoError(t,err)", "require.Nil(t,err)"));
        assert!(!keeps(
            "assert.EqualValues(t,a,b)",
            "assert.EqualValues(t,b,a)"
        ));
        assert!(!keeps("assert.Contains(t,a,b)", "assert.Contains(t,b,a)"));
        assert!(!keeps("assert.Equal(t,a,b)", "assert.Equal(t,a,c)"));
        assert!(!keeps("assert.Equal(t,a,b)", "assert.Equal(b,a,b)"));
    }
}
