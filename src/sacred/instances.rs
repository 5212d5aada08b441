//! How many instances a parametrised Python test has, as its source says: the evidence check
//! holds a report to that many (a `conftest.py` that deselects the strong case and lets only
//! the weak one run would otherwise prove the test).
//!
//! Read: the test function's own `@…mark.parametrize(names, [cases…])` decorators whose cases
//! are a literal list or tuple, multiplied when stacked. A case written
//! `pytest.param(…, marks=…)` may legitimately be skipped (or deselected) at run time, as may
//! every instance of a test carrying a skip or xfail marker itself or on a class around it.
//!
//! **Invariant:** anything not read exactly (cases from a name, a call, a splat; a
//! `parametrize` of the class or the module, `pytest_generate_tests`) gives no count, and the
//! evidence check keeps its rule without one (every instance that ran passed, one ran):
//! a count is never guessed lower or higher than the source says.
use crate::sacred::analysis::FieldOf as _;

use std::collections::BTreeSet;

use tree_sitter::Node;

use super::analysis::{is_comment, kind, named_children, text};

/// The instances the source of a parametrised test promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The product of the case counts of its `parametrize` decorators.
    pub cases: usize,
    /// How many of them may be skipped: those with a case carrying `marks=`, or all when the
    /// test (or a class around it) has a skip or xfail marker.
    pub may_skip: usize,
    /// The ids pytest gives the instances that may be skipped (`xs1-0` for the second case of
    /// `("xs", "want")` written `pytest.param([], 0, marks=…)`), when every case's id can be
    /// told from the source ([`case_ids`]); `None` when not (then any skipped instance counts,
    /// up to `may_skip`), or when every instance may be skipped.
    pub skippable: Option<BTreeSet<String>>,
}

/// The instances of test `name` in the classes `scope` (outermost first) of a module;
/// `None` when it has no `parametrize` decorator or one not read exactly.
pub fn expected(root: Node<'_>, src: &str, scope: &[String], name: &str) -> Option<Expected> {
    let mut body = root;
    let mut skip_marked = false;
    for class in scope {
        let (decorators, def) = find(body, src, "class_definition", class)?;
        skip_marked |= decorators.iter().any(|d| skips(*d, src));
        body = def.field("body")?;
    }
    let (decorators, _) = find(body, src, "function_definition", name)?;
    skip_marked |= decorators.iter().any(|d| skips(*d, src));
    let mut cases = 1usize;
    let mut unmarked = 1usize;
    let mut any = false;
    // Each decorator's `(id, marked)` per case, innermost (closest to the `def`) first, as
    // pytest joins them; `None` once one cannot be told.
    let mut ids: Option<Vec<Vec<(String, bool)>>> = Some(Vec::new());
    for d in decorators.iter().rev() {
        let Some(call) = parametrize_call(*d, src) else {
            continue;
        };
        any = true;
        let (n, marked) = literal_cases(call, src)?;
        cases = cases.checked_mul(n)?;
        unmarked = unmarked.checked_mul(n - marked)?;
        ids = ids.and_then(|mut all| {
            all.push(case_ids(call, src)?);
            Some(all)
        });
    }
    if !any {
        return None;
    }
    let skippable = if skip_marked {
        None
    } else {
        ids.and_then(|all| skippable_ids(&all, cases))
    };
    Some(Expected {
        cases,
        may_skip: if skip_marked { cases } else { cases - unmarked },
        skippable,
    })
}

/// The ids of the instances with a marked case among their components, from each
/// decorator's `(id, marked)` per case (innermost first): pytest joins the components with
/// `-`. `None` when the ids are not all distinct (pytest then adds suffixes) or too many.
fn skippable_ids(all: &[Vec<(String, bool)>], cases: usize) -> Option<BTreeSet<String>> {
    if cases > 10_000 {
        return None;
    }
    let mut combos: Vec<(String, bool)> = vec![(String::new(), false)];
    for ids in all {
        let mut next = Vec::new();
        for (prefix, marked) in &combos {
            for (id, m) in ids {
                let joined = if prefix.is_empty() {
                    id.clone()
                } else {
                    format!("{prefix}-{id}")
                };
                next.push((joined, *marked || *m));
            }
        }
        combos = next;
    }
    let distinct: BTreeSet<&String> = combos.iter().map(|(id, _)| id).collect();
    if distinct.len() != combos.len() {
        return None;
    }
    Some(
        combos
            .into_iter()
            .filter(|(_, marked)| *marked)
            .map(|(id, _)| id)
            .collect(),
    )
}

/// The id pytest gives each case of a `parametrize` call, with whether the case carries
/// `marks=`: a `pytest.param(…, id="…")`'s id, else its values' ids joined by `-` — a plain
/// ASCII string as written, an integer in decimal, `True`, `False`, `None`, and a literal
/// list, tuple, dict or set as the argument's name and the case's index (`xs0`). `None`
/// when one cannot be told from the source (an `ids=` argument, a name, a call, a float, a
/// string with escapes or other characters pytest escapes, argument names not written as
/// literals), or when the ids are not distinct (pytest adds suffixes then).
fn case_ids(call: Node<'_>, src: &str) -> Option<Vec<(String, bool)>> {
    let args: Vec<Node<'_>> = named_children(call.field("arguments")?)
        .into_iter()
        .filter(|a| !is_comment(*a))
        .collect();
    let keyword = |a: &Node<'_>, name: &str| {
        kind(*a) == "keyword_argument" && a.field("name").is_some_and(|n| text(n, src) == name)
    };
    if args.iter().any(|a| keyword(a, "ids")) {
        return None;
    }
    let positional: Vec<Node<'_>> = args
        .iter()
        .copied()
        .filter(|a| kind(*a) != "keyword_argument")
        .collect();
    let names_node = positional.first().copied().or_else(|| {
        args.iter()
            .find(|a| keyword(a, "argnames"))
            .and_then(|a| a.field("value"))
    })?;
    let names: Vec<String> = match kind(names_node) {
        "string" => plain_string(names_node, src)?
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        "tuple" | "list" => named_children(names_node)
            .into_iter()
            .filter(|c| !is_comment(*c))
            .map(|c| plain_string(c, src).map(str::to_owned))
            .collect::<Option<Vec<String>>>()?,
        _ => return None,
    };
    if names.is_empty() {
        return None;
    }
    let values = positional.get(1).copied().or_else(|| {
        args.iter()
            .find(|a| keyword(a, "argvalues"))
            .and_then(|a| a.field("value"))
    })?;
    let mut out = Vec::new();
    for (idx, case) in named_children(values)
        .into_iter()
        .filter(|c| !is_comment(*c))
        .enumerate()
    {
        let param = kind(case) == "call"
            && case
                .field("function")
                .is_some_and(|f| text(f, src).ends_with("param"));
        let (items, marked, explicit) = if param {
            let pargs: Vec<Node<'_>> = named_children(case.field("arguments")?)
                .into_iter()
                .filter(|a| !is_comment(*a))
                .collect();
            let marked = pargs.iter().any(|a| keyword(a, "marks"));
            let explicit = match pargs.iter().find(|a| keyword(a, "id")) {
                Some(a) => Some(plain_string(a.field("value")?, src)?.to_owned()),
                None => None,
            };
            let items: Vec<Node<'_>> = pargs
                .into_iter()
                .filter(|a| kind(*a) != "keyword_argument")
                .collect();
            (items, marked, explicit)
        } else if names.len() == 1 {
            (vec![case], false, None)
        } else if matches!(kind(case), "tuple" | "list") {
            (
                named_children(case)
                    .into_iter()
                    .filter(|c| !is_comment(*c))
                    .collect(),
                false,
                None,
            )
        } else {
            return None;
        };
        let id = match explicit {
            Some(id) if !id.is_empty() => id,
            Some(_) => return None,
            None => {
                if items.len() != names.len() {
                    return None;
                }
                let mut parts = Vec::new();
                for (value, name) in items.iter().zip(&names) {
                    parts.push(value_id(*value, name, idx, src)?);
                }
                parts.join("-")
            }
        };
        out.push((id, marked));
    }
    let distinct: BTreeSet<&String> = out.iter().map(|(id, _)| id).collect();
    (distinct.len() == out.len()).then_some(out)
}

/// The content of a plain string literal (no prefix, no escape, printable ASCII, not empty);
/// `None` otherwise.
fn plain_string<'s>(n: Node<'_>, src: &'s str) -> Option<&'s str> {
    if kind(n) != "string" {
        return None;
    }
    let t = text(n, src);
    let inner = t
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| t.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))?;
    (!inner.is_empty()
        && !inner.starts_with(['"', '\''])
        && inner.chars().all(|c| (' '..='~').contains(&c) && c != '\\'))
    .then_some(inner)
}

/// The id pytest gives one value of a case (`idx` its case's position, `name` its
/// argument's).
fn value_id(v: Node<'_>, name: &str, idx: usize, src: &str) -> Option<String> {
    match kind(v) {
        "string" => plain_string(v, src).map(str::to_owned),
        "integer" => integer(text(v, src)).map(|n| n.to_string()),
        "unary_operator" => {
            let t: String = text(v, src).split_whitespace().collect();
            let digits = t.strip_prefix('-')?;
            integer(digits).map(|n| format!("-{n}"))
        }
        "true" => Some("True".to_owned()),
        "false" => Some("False".to_owned()),
        "none" => Some("None".to_owned()),
        "list" | "tuple" | "dictionary" | "set" => Some(format!("{name}{idx}")),
        _ => None,
    }
}

/// A Python integer literal's value (`1_000`, `0x10`, `0o7`, `0b1`).
fn integer(t: &str) -> Option<u128> {
    let t = t.replace('_', "");
    let lower = t.to_ascii_lowercase();
    if let Some(h) = lower.strip_prefix("0x") {
        u128::from_str_radix(h, 16).ok()
    } else if let Some(o) = lower.strip_prefix("0o") {
        u128::from_str_radix(o, 8).ok()
    } else if let Some(b) = lower.strip_prefix("0b") {
        u128::from_str_radix(b, 2).ok()
    } else {
        lower.parse().ok()
    }
}

/// The last definition of kind `want` named `name` in a block, with its decorators.
fn find<'t>(
    block: Node<'t>,
    src: &str,
    want: &str,
    name: &str,
) -> Option<(Vec<Node<'t>>, Node<'t>)> {
    let mut found = None;
    for n in named_children(block) {
        let (decorators, def) = if kind(n) == "decorated_definition" {
            let Some(def) = n.field("definition") else {
                continue;
            };
            let decorators: Vec<Node<'t>> = named_children(n)
                .into_iter()
                .filter(|d| kind(*d) == "decorator")
                .collect();
            (decorators, def)
        } else {
            (Vec::new(), n)
        };
        if kind(def) == want && def.field("name").is_some_and(|x| text(x, src) == name) {
            found = Some((decorators, def));
        }
    }
    found
}

/// The expression of a decorator, comments left out.
fn expression(decorator: Node<'_>) -> Option<Node<'_>> {
    named_children(decorator)
        .into_iter()
        .find(|c| !is_comment(*c))
}

/// Whether a decorator marks the test skipped or expected to fail (`@pytest.mark.skipif(…)`,
/// `@unittest.skip(…)`, `@pytest.mark.xfail`).
fn skips(decorator: Node<'_>, src: &str) -> bool {
    let Some(e) = expression(decorator) else {
        return false;
    };
    let callee = if kind(e) == "call" {
        e.field("function").unwrap_or(e)
    } else {
        e
    };
    let last = text(callee, src).rsplit('.').next().unwrap_or("");
    let last = last.to_ascii_lowercase();
    last.starts_with("skip") || last == "xfail"
}

/// The call of a `@….mark.parametrize(…)` decorator.
fn parametrize_call<'t>(decorator: Node<'t>, src: &str) -> Option<Node<'t>> {
    let e = expression(decorator)?;
    (kind(e) == "call"
        && e.field("function")
            .is_some_and(|f| text(f, src).ends_with("mark.parametrize")))
    .then_some(e)
}

/// How many cases a `parametrize` call lists, and how many of them carry `marks=`; `None`
/// when its cases are not a literal list or tuple of cases.
fn literal_cases(call: Node<'_>, src: &str) -> Option<(usize, usize)> {
    let args: Vec<Node<'_>> = named_children(call.field("arguments")?)
        .into_iter()
        .filter(|a| !is_comment(*a))
        .collect();
    let keyword = |name: &str| {
        args.iter().find_map(|a| {
            (kind(*a) == "keyword_argument"
                && a.field("name").is_some_and(|n| text(n, src) == name))
            .then(|| a.field("value"))
            .flatten()
        })
    };
    let positional: Vec<Node<'_>> = args
        .iter()
        .copied()
        .filter(|a| kind(*a) != "keyword_argument")
        .collect();
    if positional
        .iter()
        .any(|a| matches!(kind(*a), "list_splat" | "dictionary_splat"))
    {
        return None;
    }
    let values = positional
        .get(1)
        .copied()
        .or_else(|| keyword("argvalues"))?;
    if !matches!(kind(values), "list" | "tuple") {
        return None;
    }
    let mut n = 0;
    let mut marked = 0;
    for case in named_children(values)
        .into_iter()
        .filter(|c| !is_comment(*c))
    {
        if matches!(kind(case), "list_splat" | "dictionary_splat") {
            return None;
        }
        n += 1;
        let is_param = kind(case) == "call"
            && case
                .field("function")
                .is_some_and(|f| text(f, src).ends_with("param"));
        if is_param
            && case.field("arguments").is_some_and(|a| {
                named_children(a).into_iter().any(|k| {
                    kind(k) == "keyword_argument"
                        && k.field("name").is_some_and(|x| text(x, src) == "marks")
                })
            })
        {
            marked += 1;
        }
    }
    Some((n, marked))
}

#[cfg(all(test, feature = "lang-python"))]
mod tests {
    use super::*;

    fn read(src: &str, scope: &[&str], name: &str) -> Option<Expected> {
        let tree = super::super::lang::parse_clean(super::super::lang::Lang::Python, "t.py", src)
            .unwrap()
            .unwrap();
        let scope: Vec<String> = scope.iter().map(|s| (*s).to_owned()).collect();
        expected(tree.root_node(), src, &scope, name)
    }

    #[test]
    fn literal_cases_multiply_and_marked_cases_may_skip() {
        let src = "import pytest\n\n\n@pytest.mark.parametrize((\"xs\", \"want\"), [([1, 2, 3], 6), ([], 0)])\ndef test_total(xs, want):\n    pass\n\n\n@pytest.mark.parametrize(\"a\", [1, pytest.param(2, marks=pytest.mark.slow), 3])\n@pytest.mark.parametrize(\"b\", (1, 2))\ndef test_stacked(a, b):\n    pass\n\n\nclass TestX:\n    @pytest.mark.skipif(True, reason=\"no\")\n    @pytest.mark.parametrize(\"a\", [1, 2])\n    def test_m(self, a):\n        pass\n\n\n@pytest.mark.parametrize(\"a\", CASES)\ndef test_named(a):\n    pass\n\n\ndef test_plain():\n    pass\n";
        assert_eq!(
            read(src, &[], "test_total"),
            Some(Expected {
                cases: 2,
                may_skip: 0,
                skippable: Some(BTreeSet::new()),
            })
        );
        assert_eq!(
            read(src, &[], "test_stacked"),
            Some(Expected {
                cases: 6,
                may_skip: 2,
                skippable: Some(["1-2", "2-2"].into_iter().map(str::to_owned).collect()),
            })
        );
        assert_eq!(
            read(src, &["TestX"], "test_m"),
            Some(Expected {
                cases: 2,
                may_skip: 2,
                skippable: None,
            })
        );
        assert_eq!(read(src, &[], "test_named"), None);
        assert_eq!(read(src, &[], "test_plain"), None);
        assert_eq!(read(src, &[], "test_missing"), None);
    }
}
