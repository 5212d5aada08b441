//! What surrounds a test (attributes, decorators, suite modifiers, build tags) as the lock
//! recorded it against what surrounds it now: the part of an envelope change that can stop
//! or change what runs. Read by [`super::skipped`] and [`super::envelope_changed`].

use super::Subject;

/// An envelope change that does not keep what runs: the lines it added and removed.
pub(super) struct EnvelopeChange<'a> {
    pub added: Vec<&'a String>,
    pub removed: Vec<&'a String>,
}

impl EnvelopeChange<'_> {
    /// Whether a line it added or removed is a skip marker (`#[ignore]`, `it.skip`, a build
    /// tag, …): the test may no longer run at all.
    pub fn skips(&self) -> bool {
        self.added
            .iter()
            .chain(self.removed.iter())
            .any(|l| mentions_a_skip(l))
    }

    /// The removed lines (as locked) and the added ones (as now).
    pub fn lines(&self) -> (Vec<String>, Vec<String>) {
        (
            self.removed.iter().map(|l| format!("(lock) {l}")).collect(),
            self.added.iter().map(|l| format!("(now) {l}")).collect(),
        )
    }
}

/// The envelope change of the subject, unless there is none or it keeps what runs.
pub(super) fn weakening_change<'a>(s: &Subject<'a>) -> Option<EnvelopeChange<'a>> {
    let (locked, test) = (s.locked, s.test);
    if test.envelope == locked.envelope
        || keeps_what_runs(
            &locked.modifiers,
            &test.envelope_lines,
            iterables(s),
            &skip_aliases(s),
        )
    {
        return None;
    }
    Some(EnvelopeChange {
        added: test
            .envelope_lines
            .iter()
            .filter(|l| !locked.modifiers.contains(l))
            .collect(),
        removed: locked
            .modifiers
            .iter()
            .filter(|l| !test.envelope_lines.contains(l))
            .collect(),
    })
}

/// Whether the envelope gained one `@pytest.mark.parametrize(…)` and is otherwise what was
/// locked (or changed only in ways that keep what runs): the test became a parametrized one.
/// Whether its cases keep the locked test is for the caller to read.
pub(super) fn parametrize_added(s: &Subject<'_>) -> bool {
    let (locked, test) = (s.locked, s.test);
    if locked
        .modifiers
        .iter()
        .any(|l| l.starts_with("@pytest.mark.parametrize("))
    {
        return false;
    }
    let added: Vec<&String> = test
        .envelope_lines
        .iter()
        .filter(|l| l.starts_with("@pytest.mark.parametrize("))
        .collect();
    let [one] = added.as_slice() else {
        return false;
    };
    let rest: Vec<String> = test
        .envelope_lines
        .iter()
        .filter(|l| l != one)
        .cloned()
        .collect();
    rest == locked.modifiers
        || keeps_what_runs(&locked.modifiers, &rest, iterables(s), &skip_aliases(s))
}

/// Whether an envelope change keeps or strengthens what runs: lint and documentation
/// attributes (`#![allow(…)]`, `#[doc …]`, `#![cfg_attr(docsrs, …)]`) come and go, a
/// `parametrize` gains cases, a skip marker or `cfg` is removed (the test runs in more
/// places), and nothing else changes.
/// How a `parametrize`'s cases may be spelled besides a list or tuple literal: what the lock
/// says `chain` and `itertools` are (its envelope bindings; a lock written before them says
/// nothing, and only literals are read).
#[derive(Clone, Copy, Default)]
pub(super) struct Iterables {
    /// `chain` is `itertools.chain` (`from itertools import chain`).
    chain: bool,
    /// `itertools` is the standard module (`import itertools`).
    itertools: bool,
}

fn iterables(s: &Subject<'_>) -> Iterables {
    let Some(bindings) = &s.locked.envelope_bindings else {
        return Iterables::default();
    };
    let holds = |b: &str| bindings.iter().any(|x| x == b);
    // A new binding of either name is `rebound`, so what the lock holds is what runs.
    Iterables {
        chain: holds("from itertools import chain"),
        itertools: holds("import itertools"),
    }
}

/// The names the lock's envelope bindings bind to pytest's or unittest's own skip
/// decorators (`skip_if_slow = unittest.skipIf(…)` in `tests/util.py`): removing one is
/// removing that skip. Only where the module that binds it imports that framework by its own
/// name and binds the name no other way (`import mylib as unittest` makes
/// `unittest.skipIf` anything).
fn skip_aliases(s: &Subject<'_>) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let bindings: &[String] = s.locked.envelope_bindings.as_deref().unwrap_or(&[]);
    for b in bindings {
        let compact: String = b.split_whitespace().collect();
        for skip in [
            "=pytest.mark.skip(",
            "=pytest.mark.skipif(",
            "=pytest.mark.xfail(",
            "=unittest.skip(",
            "=unittest.skipIf(",
            "=unittest.skipUnless(",
            "=unittest.expectedFailure",
        ] {
            let Some(at) = compact.find(skip) else {
                continue;
            };
            let framework = skip[1..].split('.').next().unwrap_or_default();
            // Bound in another module of the tests (`defined NAME (in FILE): …`): that
            // module's own statements must import the framework; else the test's file.
            let imports = match b
                .strip_prefix("defined ")
                .and_then(|r| r.split_once(" (in "))
                .and_then(|(_, r)| r.split_once("): "))
            {
                Some((file, _)) => {
                    let marker = format!(" (in {file}): ");
                    bindings
                        .iter()
                        .filter(|x| x.starts_with("at import") && x.contains(&marker))
                        .filter_map(|x| x.split_once(&marker).map(|(_, text)| text))
                        .any(|text| {
                            let text = text.replace("\\n", "\n");
                            imports_by_its_own_name(text.lines(), framework)
                        })
                }
                None => imports_by_its_own_name(bindings.iter().map(String::as_str), framework),
            };
            if !imports {
                continue;
            }
            let name: String = compact[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if !name.is_empty() {
                out.insert(format!("@{}", name.to_ascii_lowercase()));
            }
        }
    }
    out
}

/// Whether statements (a module's, compacted as the lock writes them) hold `import
/// FRAMEWORK` and bind that name no other way.
fn imports_by_its_own_name<'a>(statements: impl Iterator<Item = &'a str>, framework: &str) -> bool {
    let mut imported = false;
    for st in statements {
        let st = st.trim();
        let words: Vec<&str> = st
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .filter(|w| !w.is_empty())
            .collect();
        if st == format!("import {framework}") {
            imported = true;
            continue;
        }
        if !words.contains(&framework) {
            continue;
        }
        // Any other statement naming it as a word may bind it (`import x as unittest`,
        // `from x import unittest`, `unittest = …`, `def unittest`, `for unittest in`): only
        // a use as `unittest.…` after something that is no binding is let through.
        let binds = st.starts_with("import ")
            || st.starts_with("from ")
            || st.starts_with("def ")
            || st.starts_with("class ")
            || st.starts_with("for ")
            || st.starts_with("global ")
            || st.starts_with("with ")
            || st.starts_with("del ")
            || st.contains(&format!("{framework}="))
            || st.contains(&format!("{framework}:="))
            || st.contains(&format!("{framework},"))
            || st.contains(&format!(",{framework}"))
            || st.contains(&format!("as {framework}"));
        if binds {
            return false;
        }
    }
    imported
}

fn keeps_what_runs(
    old: &[String],
    new: &[String],
    iterables: Iterables,
    skip_aliases: &std::collections::BTreeSet<String>,
) -> bool {
    let canon = |ls: &[String]| -> Vec<String> {
        ls.iter()
            .map(|l| without_object_base(&without_inert_attributes(l)))
            .filter(|l| !l.is_empty())
            .collect()
    };
    let old_c = canon(old);
    let new_c = canon(new);
    let mut removed = old_c.clone();
    let mut added = Vec::new();
    for l in new_c {
        if let Some(i) = removed.iter().position(|r| *r == l) {
            removed.remove(i);
        } else {
            added.push(l);
        }
    }
    // A parametrize that gained cases replaces the one it extends.
    added.retain(|a| {
        match removed
            .iter()
            .position(|r| parametrize_extends(r, a, iterables))
        {
            Some(i) => {
                removed.remove(i);
                false
            }
            None => true,
        }
    });
    // `it.skip` → `it`, `xit` → `it`, `describe.skip` → `describe`, `{ skip: true }` gone.
    added.retain(|a| {
        match removed
            .iter()
            .position(|r| without_skip(r, skip_aliases) == *a)
        {
            Some(i) => {
                removed.remove(i);
                false
            }
            None => true,
        }
    });
    added.is_empty()
        && removed
            .iter()
            .all(|r| is_skip_marker(r) || skip_aliases.contains(&r.trim().to_ascii_lowercase()))
}

/// A JS/TS modifier line without its skip: `.skip`, the `x` of `xit`, `{skip:true}`, and
/// AVA's `.failing` (a test expected to fail that must now pass is stronger, not weaker).
fn without_skip(line: &str, skip_aliases: &std::collections::BTreeSet<String>) -> String {
    if line.starts_with("class ") {
        return without_class_skip_decorators(line, skip_aliases);
    }
    let mut l = line.replace(".skip", "").replace(" {skip:true}", "");
    while let Some(i) = l.find(".failing").filter(|i| {
        !l[i + ".failing".len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    }) {
        l.replace_range(i..i + ".failing".len(), "");
    }
    for w in ["xit", "xtest", "xdescribe", "xcontext", "xspecify"] {
        let bare = &w[1..];
        l = l
            .split(' ')
            .map(|t| if t == w { bare } else { t })
            .collect::<Vec<_>>()
            .join(" ");
    }
    l
}

/// A Python class line without `(object)` or `()` as its bases: the same class in Python 3
/// (`class TestPay(object):` → `class TestPay:`, as pyupgrade rewrites it). A rebinding of
/// `object` is `rebound`.
fn without_object_base(line: &str) -> String {
    let Some(rest) = line.strip_prefix("class ") else {
        return line.to_owned();
    };
    let name_end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_end);
    match after
        .strip_prefix("(object):")
        .or_else(|| after.strip_prefix("():"))
    {
        Some(tail) => format!("class {name}:{tail}"),
        None => line.to_owned(),
    }
}

/// A Python class line (`class NAME(BASES): @decorator …`, see the scan) without the
/// decorators that are skip markers (`@skipOnTravis`, `@unittest.skipIf(…)`): removing one
/// lets the class's tests run where they did not.
fn without_class_skip_decorators(
    line: &str,
    skip_aliases: &std::collections::BTreeSet<String>,
) -> String {
    let Some(colon) = line.find("): ").map(|i| i + 1).or_else(|| {
        let rest = line.strip_prefix("class ")?;
        rest.find(": ").map(|i| i + "class ".len())
    }) else {
        return line.to_owned();
    };
    let (head, decorators) = line.split_at(colon + 1);
    let kept: Vec<&str> = decorators
        .split(" @")
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.trim_start_matches('@'))
        .filter(|d| {
            let d = format!("@{d}");
            !(is_skip_marker(&d) || skip_aliases.contains(&d.to_ascii_lowercase()))
        })
        .collect();
    if kept.is_empty() {
        head.to_owned()
    } else {
        format!("{head} @{}", kept.join(" @"))
    }
}

/// The line without attributes that do not change what runs (lints, documentation).
fn without_inert_attributes(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find("#[").or_else(|| rest.find("#![")) {
        let start = match (rest.find("#["), rest.find("#![")) {
            (Some(a), Some(b)) => a.min(b),
            _ => start,
        };
        let open = start + rest[start..].find('[').unwrap_or(0);
        let Some(end) = attribute_end(&rest[open..]).map(|e| open + e) else {
            break;
        };
        let inner = rest[open + 1..end].trim();
        let inert = is_inert_attribute(inner)
            || inner.starts_with("cfg_attr(doc,")
            || inner.starts_with("cfg_attr(docsrs,")
            || cfg_attr_is_inert(inner);
        out.push_str(&rest[..start]);
        if !inert {
            out.push_str(&rest[start..=end]);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    let trimmed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    // `mod x:` with nothing left after it is the module itself, unchanged.
    trimmed
}

/// Where the bracket that opens `text` closes, brackets and parentheses inside string
/// literals (`#[doc = "("]`, `r#"("#`) left out; `None` when it does not close.
fn attribute_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'(' => depth += 1,
            b']' | b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            // A raw string: `r"…"`, `r#"…"#`, `br##"…"##`.
            b'r' if !ident_before(bytes, i)
                || (bytes[i - 1] == b'b' && !ident_before(bytes, i - 1)) =>
            {
                let hashes = bytes[i + 1..].iter().take_while(|b| **b == b'#').count();
                if bytes.get(i + 1 + hashes) == Some(&b'"') {
                    let close = format!("\"{}", "#".repeat(hashes));
                    let body = i + 2 + hashes;
                    let found = text.get(body..)?.find(&close)?;
                    i = body + found + close.len();
                    continue;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                // An unclosed string: no end.
                bytes.get(i)?;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether the byte before `at` continues an identifier.
fn ident_before(bytes: &[u8], at: usize) -> bool {
    at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_')
}

/// An attribute (the text inside `#[…]`) that does not change what runs: a lint level
/// (`allow`, `warn`, `deny`, `forbid`, `expect`), documentation, a `clippy::` tool attribute,
/// or a language-feature gate (`feature(…)`), which only lets the code compile on a nightly
/// compiler.
fn is_inert_attribute(inner: &str) -> bool {
    let name = inner
        .split(|c: char| c == '(' || c == '=' || c.is_whitespace())
        .next()
        .unwrap_or("");
    matches!(
        name,
        "allow" | "warn" | "deny" | "forbid" | "expect" | "doc" | "feature"
    ) || name.starts_with("clippy::")
}

/// `cfg_attr(PRED, A, …)` where every attribute `A` is inert ([`is_inert_attribute`]): whether
/// the predicate holds, nothing that runs changes. `cfg_attr(PRED, ignore)` is not inert.
fn cfg_attr_is_inert(inner: &str) -> bool {
    use crate::sacred::messages::split_top;
    let Some(args) = inner
        .strip_prefix("cfg_attr")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('('))
        .and_then(|r| r.trim_end().strip_suffix(')'))
    else {
        return false;
    };
    let parts = split_top(args);
    let attrs: Vec<&str> = parts
        .iter()
        .skip(1)
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .collect();
    !attrs.is_empty() && attrs.iter().all(|a| is_inert_attribute(a))
}

/// `@pytest.mark.parametrize("x",[1,2,3])` extends `@pytest.mark.parametrize("x",[1,2])`:
/// the same names, every old case still there under the same id, other arguments the same
/// (a literal `ids` list may grow with the cases).
///
/// The cases may also be spelled as `chain(A, B)` (itertools'), `list(X)`, `tuple(X)` or a
/// list with `*X` items: each reads as the sequence it yields, a literal's items one by one
/// and anything else as one opaque `*X` (pytest 9.1 deprecates a generator or `chain` there,
/// and `[*(… for x in xs), *(…)]` replaces it).
fn parametrize_extends(old: &str, new: &str, iterables: Iterables) -> bool {
    use crate::sacred::messages::split_top;
    let args = |l: &str| -> Option<Vec<String>> {
        let rest = l
            .strip_prefix("@pytest.mark.parametrize(")?
            .strip_suffix(')')?;
        Some(split_top(rest).into_iter().map(str::to_owned).collect())
    };
    let (Some(o), Some(n)) = (args(old), args(new)) else {
        return false;
    };
    if o.len() != n.len() || o.len() < 2 || o[0] != n[0] {
        return false;
    }
    let items = |s: &str| cases_of(s, iterables, 0);
    let (Some(oi), Some(ni)) = (items(&o[1]), items(&n[1])) else {
        return false;
    };
    // Each case with the id that names it (a `-k` or `--deselect` selects cases by id): a
    // `pytest.param(…, id=…)` one's, or its item of a literal `ids=` list.
    let (Some(oids), Some(nids)) = (case_ids(&oi, &o[2..]), case_ids(&ni, &n[2..])) else {
        return false;
    };
    let oi: Vec<(String, Option<String>)> =
        oi.iter().map(|c| without_param_id(c)).zip(oids).collect();
    let mut ni: Vec<(String, Option<String>)> =
        ni.iter().map(|c| without_param_id(c)).zip(nids).collect();
    for c in &oi {
        match ni.iter().position(|x| x == c) {
            Some(i) => {
                ni.remove(i);
            }
            None => return false,
        }
    }
    let literal_ids = |a: &str| {
        a.strip_prefix("ids=")
            .is_some_and(|l| l.starts_with('[') || l.starts_with('('))
    };
    o[2..]
        .iter()
        .zip(&n[2..])
        .all(|(a, b)| a == b || (literal_ids(a) && literal_ids(b)))
}

/// The id that names each of `cases` (see [`parametrize_extends`]), given the decorator's
/// other arguments `rest`: an item of a literal `ids=[…]` (`None` for each under `ids=` of
/// another kind, a function of the values, which the cases' texts decide), or a
/// `pytest.param(…, id=…)`'s `id` (`None`: pytest names it by its values). `None` when a
/// literal `ids` list does not name every case.
fn case_ids(cases: &[String], rest: &[String]) -> Option<Vec<Option<String>>> {
    use crate::sacred::messages::split_top;
    match rest.iter().find_map(|a| a.strip_prefix("ids=")) {
        Some(list) if list.starts_with('[') || list.starts_with('(') => {
            let inner = &list[1..list.len().checked_sub(1)?];
            let ids: Vec<Option<String>> = split_top(inner)
                .into_iter()
                .map(str::trim)
                .filter(|i| !i.is_empty())
                .map(|i| Some(i.to_owned()))
                .collect();
            (ids.len() == cases.len()).then_some(ids)
        }
        Some(_) => Some(vec![None; cases.len()]),
        None => Some(cases.iter().map(|c| param_id(c)).collect()),
    }
}

/// The `id=` of a `pytest.param(…)` case, as written.
fn param_id(case: &str) -> Option<String> {
    use crate::sacred::messages::split_top;
    let inner = case
        .trim()
        .strip_prefix("pytest.param(")
        .and_then(|r| r.strip_suffix(')'))?;
    split_top(inner).into_iter().map(str::trim).find_map(|a| {
        let r = a.strip_prefix("id")?.trim_start();
        (r.starts_with('=') && !r.starts_with("==")).then(|| r[1..].trim().to_owned())
    })
}

/// The cases a `parametrize`'s argument yields, as texts (see [`parametrize_extends`]); `None`
/// when it is not spelled in a way read here.
fn cases_of(s: &str, iterables: Iterables, depth: usize) -> Option<Vec<String>> {
    use crate::sacred::messages::split_top;
    if depth > 8 {
        return None;
    }
    let s = s.trim();
    let call_args = |name: &str| {
        s.strip_prefix(name)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
    };
    let spread = |x: &str| -> Option<Vec<String>> {
        let x = x.trim();
        let nested_call = ["chain(", "itertools.chain(", "list(", "tuple("]
            .iter()
            .any(|c| x.starts_with(c));
        if nested_call && let Some(cases) = cases_of(x, iterables, depth + 1) {
            Some(cases)
        } else if x.starts_with('[') || (x.starts_with('(') && !is_generator(x)) {
            cases_of(x, iterables, depth + 1)
        } else if !x.starts_with('(') && is_generator(&format!("({x})")) {
            // `list(x for x in xs)`: the call's parentheses are the generator's.
            Some(vec![format!("*({x})")])
        } else {
            Some(vec![format!("*{x}")])
        }
    };
    let chained = (iterables.chain.then(|| call_args("chain")).flatten()).or_else(|| {
        iterables
            .itertools
            .then(|| call_args("itertools.chain"))
            .flatten()
    });
    if let Some(args) = chained {
        let mut out = Vec::new();
        for a in split_top(args).into_iter().filter(|a| !a.trim().is_empty()) {
            out.extend(spread(a)?);
        }
        return Some(out);
    }
    if let Some(arg) = call_args("list").or_else(|| call_args("tuple")) {
        let parts: Vec<&str> = split_top(arg)
            .into_iter()
            .filter(|a| !a.trim().is_empty())
            .collect();
        return match parts.as_slice() {
            [one] => spread(one),
            _ => None,
        };
    }
    if is_generator(s) {
        return Some(vec![format!("*{s}")]);
    }
    let inner = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .or_else(|| s.strip_prefix('(').and_then(|r| r.strip_suffix(')')))?;
    let mut out = Vec::new();
    for x in split_top(inner)
        .into_iter()
        .map(str::trim)
        .filter(|x| !x.is_empty())
    {
        match x.strip_prefix('*').filter(|r| !r.starts_with('*')) {
            Some(rest) => out.extend(spread(rest)?),
            None => out.push(x.to_owned()),
        }
    }
    Some(out)
}

/// `(… for x in xs)`: a parenthesized generator expression (normalised text).
fn is_generator(s: &str) -> bool {
    use crate::sacred::messages::split_top;
    let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) else {
        return false;
    };
    // One top-level part (no comma) that holds ` for ` outside brackets.
    let parts = split_top(inner);
    parts.len() == 1 && {
        let mut depth = 0i32;
        let b = inner.as_bytes();
        (0..b.len()).any(|i| {
            match b[i] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                _ => {}
            }
            depth == 0 && (inner[i..].starts_with(" for ") || inner[i..].starts_with(")for "))
        })
    }
}

/// `pytest.param(1, 2, id="x", marks=…)` → `pytest.param(1,2,marks=…)`: the case without its
/// top-level `id=` keyword (its values and `marks=` kept), `pytest.param(1)` → `1`; any other
/// case unchanged.
fn without_param_id(case: &str) -> String {
    use crate::sacred::messages::split_top;
    let Some(inner) = case
        .trim()
        .strip_prefix("pytest.param(")
        .and_then(|r| r.strip_suffix(')'))
    else {
        return case.to_owned();
    };
    let kept: Vec<&str> = split_top(inner)
        .into_iter()
        .map(str::trim)
        .filter(|a| {
            a.strip_prefix("id")
                .map(str::trim_start)
                .is_none_or(|r| !r.starts_with('=') || r.starts_with("=="))
        })
        .collect();
    // `pytest.param(1)` is the case `1`.
    match kept.as_slice() {
        [one] if !one.contains('=') => (*one).to_owned(),
        _ => format!("pytest.param({})", kept.join(",")),
    }
}

/// Whether a modifier line says anything of skipping, anywhere in it (`ignore`, `skip`,
/// `xfail`, a `cfg(…)`, a build tag, …): names the refusal of a change that adds or drops
/// one `skipped`. Which removals are accepted is [`is_skip_marker`]'s, read exactly.
fn mentions_a_skip(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    [
        "ignore",
        "skip",
        "xfail",
        "todo",
        "cfg(",
        "__test__",
        "go:build",
        "+build",
        "xit",
        "xtest",
        "xdescribe",
        "xcontext",
        "xspecify",
        "failing",
        "not a _test.go",
    ]
    .iter()
    .any(|m| l.contains(m))
}

/// Whether a modifier line is a skip marker, whose removal lets the test run where it did
/// not: read by the decorator's or attribute's name, or the line's words.
fn is_skip_marker(line: &str) -> bool {
    let l = line.trim().to_ascii_lowercase();
    // A Python decorator, by its name, never by its arguments
    // (`@pytest.mark.filterwarnings("error", "ignore::ResourceWarning")` is no skip), and only
    // pytest's and unittest's own: a decorator of the repository named like one
    // (`@skip_unless_strict`) may do anything else as well.
    if let Some(d) = l.strip_prefix('@') {
        let name = d.split('(').next().unwrap_or(d).trim();
        return matches!(
            name,
            "pytest.mark.skip"
                | "pytest.mark.skipif"
                | "pytest.mark.xfail"
                | "unittest.skip"
                | "unittest.skipif"
                | "unittest.skipunless"
                | "unittest.expectedfailure"
        );
    }
    // A Rust attribute, by its name: `#[ignore]`, `#[cfg(…)]`, `#[cfg_attr(…, ignore)]`.
    if let Some(a) = l.strip_prefix("#![").or_else(|| l.strip_prefix("#[")) {
        let name_end = a
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(a.len());
        return match &a[..name_end] {
            "ignore" | "cfg" => true,
            "cfg_attr" => crate::sacred::messages::split_top(
                a[name_end..]
                    .trim_start_matches('(')
                    .split_once(")]")
                    .map_or("", |(inner, _)| inner),
            )
            .iter()
            .skip(1)
            .any(|x| {
                let x = x.trim();
                x == "ignore"
                    || x.starts_with("ignore=")
                    || x.starts_with("ignore ")
                    || x.starts_with("cfg(")
            }),
            _ => false,
        };
    }
    if ["go:build", "+build", "not a _test.go"]
        .iter()
        .any(|m| l.contains(m))
    {
        return true;
    }
    // Anything else (a JavaScript modifier, a Python class attribute) by its words: `xit`
    // is no part of `exit`.
    l.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| {
            matches!(
                w,
                "ignore"
                    | "skip"
                    | "skipif"
                    | "xfail"
                    | "todo"
                    | "__test__"
                    | "xit"
                    | "xtest"
                    | "xdescribe"
                    | "xcontext"
                    | "xspecify"
                    | "failing"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{JS, PY, RS, TS, accepted, refused, rules_between};

    const TEST: &str = "#[test]\nfn total_is_six";

    fn with(attr: &str) -> String {
        format!("#[test]\n{attr}\nfn total_is_six")
    }

    #[test]
    fn a_skip_decorator_removed_from_a_class_is_accepted_and_added_is_refused() {
        let base = "import unittest\n\n\n@unittest.skipIf(TRAVIS, 'slow')\n@other\nclass TestTotal(unittest.TestCase):\n    # gatekeeper:sacred\n    def test_total(self):\n        assert total([1, 2, 3]) == 6\n";
        let between = |old: &str, new: &str| {
            super::super::testing::rules_between("tests/test_total.py", old, new)
        };
        let skip = "@unittest.skipIf(TRAVIS, 'slow')\n";
        assert!(between(base, &base.replace(skip, "")).is_empty());
        let unskipped = base.replace(skip, "");
        let rules = between(&unskipped, base);
        assert!(rules.contains(&Rule::Skipped), "{rules:?}");
        // Removing another decorator with it is still refused (the change touches a skip
        // marker, so it is named `skipped`).
        let rules = between(base, &base.replace(&format!("{skip}@other\n"), ""));
        assert!(!rules.is_empty(), "{rules:?}");
        // A decorator of the repository named like a skip may do more than skip (an attack
        // round's `@skip_unless_strict` ran the test with warnings as errors): removing it
        // is refused, and added it is `skipped`.
        let custom = base.replace(skip, "@skipOnTravis\n");
        let rules = between(&custom, &custom.replace("@skipOnTravis\n", ""));
        assert!(!rules.is_empty(), "{rules:?}");
        let rules = between(&custom.replace("@skipOnTravis\n", ""), &custom);
        assert!(rules.contains(&Rule::Skipped), "{rules:?}");
    }

    #[test]
    fn an_object_base_removed_or_added_is_the_same_class() {
        let base = "class TestTotal(object):\n    # gatekeeper:sacred\n    def test_total(self):\n        assert total([1, 2, 3]) == 6\n";
        let between =
            |new: &str| super::super::testing::rules_between("tests/test_total.py", base, new);
        assert!(between(&base.replace("(object):", ":")).is_empty());
        assert!(between(&base.replace("(object):", "():")).is_empty());
        let rules = between(&base.replace("(object):", "(FakeCase):"));
        assert!(rules.contains(&Rule::EnvelopeChanged), "{rules:?}");
        let rules = between(&base.replace("(object):", "(object, FakeMixin):"));
        assert!(rules.contains(&Rule::EnvelopeChanged), "{rules:?}");
    }

    #[test]
    fn rust_lint_and_feature_gate_attributes_are_accepted() {
        for attr in [
            "#[cfg_attr(not(feature = \"cargo-clippy\"), allow(unknown_lints))]",
            "#[cfg_attr(feature = \"cargo-clippy\", allow(clippy::unwrap_used), deny(warnings))]",
            "#[cfg_attr(test, doc = \"total\")]",
            "#[cfg_attr(nightly, feature(test))]",
            "#[clippy::cognitive_complexity = \"100\"]",
        ] {
            accepted(&RS, &[(TEST, &with(attr))]);
        }
        // A file-level language-feature gate, added or removed.
        let gate = "#![cfg_attr(feature = \"pattern\", feature(pattern))]\n";
        accepted(
            &RS,
            &[("use billing::total;", &format!("{gate}use billing::total;"))],
        );
        accepted(
            &RS,
            &[(
                "use billing::total;",
                "#![feature(test)]\nuse billing::total;",
            )],
        );
        let old = RS
            .src()
            .replace("use billing::total;", &format!("{gate}use billing::total;"));
        assert!(super::super::testing::rules_between(RS.path, &old, &RS.src()).is_empty());
    }

    #[test]
    fn a_cfg_attr_that_changes_what_runs_is_still_refused() {
        refused(
            &RS,
            &[(TEST, &with("#[cfg_attr(not(feature = \"slow\"), ignore)]"))],
            Rule::Skipped,
        );
        refused(
            &RS,
            &[(TEST, &with("#[cfg_attr(unix, should_panic)]"))],
            Rule::EnvelopeChanged,
        );
        // One inert attribute does not carry a meaningful one along.
        refused(
            &RS,
            &[(
                TEST,
                &with("#[cfg_attr(unix, allow(unused), should_panic)]"),
            )],
            Rule::EnvelopeChanged,
        );
        refused(
            &RS,
            &[(TEST, &with("#[cfg_attr(unix, feature(test), ignore)]"))],
            Rule::Skipped,
        );
        refused(
            &RS,
            &[(TEST, &with("#[cfg(feature = \"slow\")]"))],
            Rule::Skipped,
        );
        refused(
            &RS,
            &[(TEST, &with("#[cfg_attr(unix, cfg(any()))]"))],
            Rule::Skipped,
        );
    }

    fn parametrized(cases: &str) -> String {
        PY.src().replace(
            "def test_total():",
            &format!("@pytest.mark.parametrize(\"n\", [{cases}])\ndef test_total(n):"),
        )
    }

    #[test]
    fn a_skip_marker_is_read_by_its_name_not_by_a_word_of_its_arguments() {
        use super::is_skip_marker;
        for yes in [
            "@pytest.mark.skip",
            "@pytest.mark.skipif(sys.platform == 'win32', reason='x')",
            "@unittest.skipIf(True, 'x')",
            "@pytest.mark.xfail(strict=True)",
            "#[ignore]",
            "#[ignore = \"slow\"]",
            "#[cfg(feature = \"slow\")]",
            "#[cfg_attr(windows, ignore)]",
            "#[cfg_attr(unix, cfg(any()))]",
            "//go:build integration",
            "xit",
            "it.skip",
        ] {
            assert!(is_skip_marker(yes), "{yes}");
        }
        for no in [
            "@pytest.mark.filterwarnings(\"error\", \"ignore::ResourceWarning\")",
            "@pytest.mark.timeout(5, method='todo')",
            "@needs_exit_code",
            "@skipOnTravis",
            "@skip_unless_strict",
            "#[should_panic(expected = \"ignore\")]",
            "#[cfg_attr(unix, doc = \"ignore\")]",
            "exit",
        ] {
            assert!(!is_skip_marker(no), "{no}");
        }
    }

    #[test]
    fn brackets_inside_an_attribute_s_strings_do_not_close_it() {
        use super::{attribute_end, without_inert_attributes};
        assert_eq!(attribute_end("[doc = \"(\"] x"), Some(10));
        assert_eq!(attribute_end("[doc = r#\")]\"#] x"), Some(14));
        assert_eq!(attribute_end("[doc = \"\\\"]\"]"), Some(12));
        assert_eq!(attribute_end("[doc = \"(]"), None);
        // An attribute that compiles the module out, between two documentation ones.
        let hidden = "#[doc = \"(\"] #[cfg(any())] #[doc = \")\"] mod tests";
        assert_eq!(without_inert_attributes(hidden), "#[cfg(any())] mod tests");
    }

    #[test]
    fn pytest_param_cases_may_be_added_under_their_ids() {
        let old = parametrized("1, pytest.param(2, id=\"two\")");
        for new in [
            "1, pytest.param(2, id=\"two\"), 3",
            "pytest.param(2, id=\"two\"), pytest.param(3, id=\"three\"), 1",
        ] {
            let rules = rules_between(PY.path, &old, &parametrized(new));
            assert!(rules.is_empty(), "{new}: {rules:?}");
        }
    }

    /// An id names a case for `-k` and `--deselect` (`-k "not second"` deselects the case
    /// renamed `second`): a case of the lock under another id is not the same case.
    #[test]
    fn a_pytest_param_id_that_changes_while_cases_are_added_is_refused() {
        let old = parametrized("1, pytest.param(2, id=\"two\")");
        for new in [
            "1, pytest.param(2, id=\"second\"), 3",
            "1, pytest.param(2), pytest.param(3, id=\"three\")",
            "pytest.param(1, id=\"one\"), pytest.param(2, id=\"two\"), 3",
        ] {
            let rules = rules_between(PY.path, &old, &parametrized(new));
            assert!(rules.contains(&Rule::EnvelopeChanged), "{new}: {rules:?}");
        }
    }

    #[test]
    fn a_pytest_param_case_that_changes_is_still_refused() {
        let old = parametrized("1, pytest.param(2, id=\"two\")");
        for (new, rule) in [
            (
                "1, pytest.param(2, id=\"two\", marks=pytest.mark.skip), 3",
                Rule::Skipped,
            ),
            (
                "1, pytest.param(2, marks=pytest.mark.xfail), 3",
                Rule::Skipped,
            ),
            ("1, pytest.param(4, id=\"two\"), 3", Rule::EnvelopeChanged),
            ("pytest.param(1, id=\"two\"), 3", Rule::EnvelopeChanged),
        ] {
            let rules = rules_between(PY.path, &old, &parametrized(new));
            assert!(rules.contains(&rule), "{new}: {rules:?}");
        }
    }

    #[test]
    fn removing_ava_failing_is_accepted() {
        for f in [&JS, &TS] {
            for failing in ["test.failing('total'", "test.serial.failing('total'"] {
                let plain = failing.replace(".failing", "");
                let old = f.src().replace("test('total'", &plain);
                let was = f.src().replace("test('total'", failing);
                let rules = rules_between(f.path, &was, &old);
                assert!(rules.is_empty(), "{failing}: {rules:?}");
            }
        }
    }

    #[test]
    fn adding_ava_failing_is_still_refused() {
        for f in [&JS, &TS] {
            refused(
                f,
                &[("test('total'", "test.failing('total'")],
                Rule::Skipped,
            );
            // `.failing` is not stripped from a longer name.
            let old = f.src().replace("test('total'", "test.failingX('total'");
            let new = f.src().replace("test('total'", "test.X('total'");
            assert!(!rules_between(f.path, &old, &new).is_empty());
        }
    }
}

#[cfg(test)]
mod parametrized_tests {
    use super::super::Rule;
    use super::super::testing::{PY, edited, rules_between};

    fn base() -> String {
        edited(
            &PY,
            &[
                ("    xs = [1, 2, 3]\n", ""),
                ("total(xs) == 6", "total([1, 2, 3]) == 6"),
            ],
        )
    }

    fn parametrized(decorator: &str, params: &str, assertion: &str) -> String {
        base()
            .replace(
                "def test_total():",
                &format!("{decorator}\ndef test_total({params}):"),
            )
            .replace(
                "    assert total([1, 2, 3]) == 6\n",
                &format!("    {assertion}\n"),
            )
    }

    #[test]
    fn a_test_turned_into_a_parametrized_one_that_keeps_its_case_is_accepted() {
        let new = parametrized(
            "@pytest.mark.parametrize((\"xs\", \"want\"), [([1, 2, 3], 6), ([2], 2)])",
            "xs, want",
            "assert total(xs) == want",
        );
        let rules = rules_between(PY.path, &base(), &new);
        assert!(rules.is_empty(), "{rules:?}");
        // Names as one string, a case written with `pytest.param` and an id, `ids`.
        let new = parametrized(
            "@pytest.mark.parametrize(\"xs, want\", [([2], 2), pytest.param([1, 2, 3], 6, id=\"six\")], ids=str)",
            "xs, want",
            "assert total(xs) == want",
        );
        let rules = rules_between(PY.path, &base(), &new);
        assert!(rules.is_empty(), "{rules:?}");
        // One name; the value read inside an f-string.
        let base = base().replace(
            "    assert total([]) == 0\n",
            "    assert total([]) == 0\n    assert \"total: 6\" == report(6)\n",
        );
        let new = base
            .replace(
                "def test_total():",
                "@pytest.mark.parametrize(\"want\", [6, 7])\ndef test_total(want):",
            )
            .replace("== 6\n", "== want\n")
            .replace(
                "\"total: 6\" == report(6)",
                "f\"total: {want}\" == report(want)",
            );
        let rules = rules_between(PY.path, &base, &new);
        assert!(rules.is_empty(), "{rules:?}");
        // A format in the f-string is not read as the value.
        let formatted = new.replace("{want}", "{want:>2}");
        assert!(!rules_between(PY.path, &base, &formatted).is_empty());
    }

    #[test]
    fn a_parametrized_test_that_keeps_no_case_of_the_locked_one_is_refused() {
        let refused = |decorator: &str, params: &str, assertion: &str| {
            let new = parametrized(decorator, params, assertion);
            let rules = rules_between(PY.path, &base(), &new);
            assert!(!rules.is_empty(), "accepted: {new}");
            rules
        };
        // No case holds the locked values.
        let rules = refused(
            "@pytest.mark.parametrize((\"xs\", \"want\"), [([1, 2, 3], 7), ([2], 2)])",
            "xs, want",
            "assert total(xs) == want",
        );
        assert!(rules.contains(&Rule::EnvelopeChanged), "{rules:?}");
        // The values handed to fixtures instead.
        refused(
            "@pytest.mark.parametrize((\"xs\", \"want\"), [([1, 2, 3], 6)], indirect=True)",
            "xs, want",
            "assert total(xs) == want",
        );
        // The case that keeps the locked values may not run, or not as written.
        refused(
            "@pytest.mark.parametrize((\"xs\", \"want\"), [pytest.param([1, 2, 3], 6, marks=pytest.mark.skip), ([2], 2)])",
            "xs, want",
            "assert total(xs) == want",
        );
        refused(
            "@pytest.mark.parametrize((\"xs\", \"want\"), [pytest.param([1, 2, 3], 6, marks=pytest.mark.usefixtures(\"fake_total\")), ([2], 2)])",
            "xs, want",
            "assert total(xs) == want",
        );
        // A parameter bound again in the body.
        refused(
            "@pytest.mark.parametrize((\"xs\", \"want\"), [([1, 2, 3], 6)])",
            "xs, want",
            "want = total(xs)\n    assert total(xs) == want",
        );
        refused(
            "@pytest.mark.parametrize((\"xs\", \"want\"), [([1, 2, 3], 6)])",
            "xs, want",
            "assert all(total(xs) == want for want in [6])",
        );
        // Even where it could not matter (a nested function's parameter, after every locked
        // check): a name bound anywhere in the body is not read as its case's value.
        let new = parametrized(
            "@pytest.mark.parametrize((\"xs\", \"want\"), [([1, 2, 3], 6)])",
            "xs, want",
            "assert total(xs) == want",
        )
        .replace(
            "    assert total([]) == 0\n",
            "    assert total([]) == 0\n\n    def echo(want):\n        return want\n",
        );
        assert!(
            !rules_between(PY.path, &base(), &new).is_empty(),
            "accepted: {new}"
        );
        // Two parametrize decorators (their product) are not read.
        refused(
            "@pytest.mark.parametrize(\"xs\", [[1, 2, 3]])\n@pytest.mark.parametrize(\"want\", [6])",
            "xs, want",
            "assert total(xs) == want",
        );
        // A name pytest does not hand to the test.
        refused(
            "@pytest.mark.parametrize((\"xs\", \"want\"), [([1, 2, 3], 6)])",
            "xs",
            "assert total(xs) == want",
        );
        // The locked values kept, a locked check dropped.
        let new = parametrized(
            "@pytest.mark.parametrize((\"xs\", \"want\"), [([1, 2, 3], 6)])",
            "xs, want",
            "assert total(xs) == want",
        )
        .replace("    assert total([]) == 0\n", "");
        let rules = rules_between(PY.path, &base(), &new);
        assert!(rules.contains(&Rule::AssertionRemoved), "{rules:?}");
    }

    fn cases_as(arg: &str, imports: &str) -> String {
        PY.src()
            .replace(
                "from billing import total\n",
                &format!("from billing import total\n{imports}"),
            )
            .replace(
                "def test_total():",
                &format!("@pytest.mark.parametrize(\"n\", {arg})\ndef test_total(n):"),
            )
    }

    #[test]
    fn cases_spelled_as_chain_list_or_spread_read_as_the_cases_they_yield() {
        let chain = "from itertools import chain\n";
        let old = cases_as("chain([1, 2], (x for x in (3, 4)))", chain);
        for new in [
            "[1, 2, *(x for x in (3, 4))]",
            "[*(x for x in (3, 4)), 1, 2, 5]",
            "[*[1, 2], *(x for x in (3, 4))]",
            "list(chain([1, 2], (x for x in (3, 4))))",
        ] {
            let imports = if new.contains("chain(") { chain } else { "" };
            let rules = rules_between(PY.path, &old, &cases_as(new, imports));
            assert!(rules.is_empty(), "{new}: {rules:?}");
        }
        for new in [
            "[1, *(x for x in (3, 4))]",
            "[1, 2, *(x for x in (3,))]",
            "[1, 2]",
        ] {
            let rules = rules_between(PY.path, &old, &cases_as(new, ""));
            assert!(rules.contains(&Rule::EnvelopeChanged), "{new}: {rules:?}");
        }
        let old = cases_as("list(x for x in range(3))", "");
        let rules = rules_between(PY.path, &old, &cases_as("[*(x for x in range(3))]", ""));
        assert!(rules.is_empty(), "{rules:?}");
        let old = cases_as("itertools.chain([1], [2])", "import itertools\n");
        let rules = rules_between(PY.path, &old, &cases_as("[1, 2]", ""));
        assert!(rules.is_empty(), "{rules:?}");
        // A `chain` that is not itertools' is not read.
        let old = cases_as("chain([1, 2], [3])", "from fakes import chain\n");
        let rules = rules_between(PY.path, &old, &cases_as("[1, 2, 3]", ""));
        assert!(rules.contains(&Rule::EnvelopeChanged), "{rules:?}");
    }
}
