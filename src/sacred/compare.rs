//! The weakening rules: a locked test against what the new content holds, producing
//! [`Finding`]s.
//!
//! **Invariant:** the decision is fail-closed and does not depend on classification. A locked
//! test passes only when its envelope is unchanged, every locked assertion is still present
//! verbatim at the same nesting, every locked statement is still present, and it has no new
//! early exit or swallowed failure; the rule names below only say *why* it did not pass.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::analysis::{Assertion, FileScan, TestItem};
use super::lock::{LockedAssertion, LockedTest};

/// Why a locked test is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    Removed,
    Renamed,
    RenamedOutOfCollection,
    Untagged,
    Skipped,
    EnvelopeChanged,
    Emptied,
    AssertionRemoved,
    AssertionCommentedOut,
    AssertionLoosened,
    ExpectedChanged,
    AssertionChanged,
    AssertionMoved,
    EarlyReturn,
    SwallowedFailure,
    BodyChanged,
    OnlySibling,
    ParseError,
    UnsupportedLanguage,
    DuplicateId,
    RelockUnsigned,
    Rebound,
    ConfigWeakened,
    BaselineLoosened,
    GateFileChanged,
    ProtectedChanged,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Removed => "removed",
            Rule::Renamed => "renamed",
            Rule::RenamedOutOfCollection => "renamed-out-of-collection",
            Rule::Untagged => "untagged",
            Rule::Skipped => "skipped",
            Rule::EnvelopeChanged => "envelope-changed",
            Rule::Emptied => "emptied",
            Rule::AssertionRemoved => "assertion-removed",
            Rule::AssertionCommentedOut => "assertion-commented-out",
            Rule::AssertionLoosened => "assertion-loosened",
            Rule::ExpectedChanged => "expected-changed",
            Rule::AssertionChanged => "assertion-changed",
            Rule::AssertionMoved => "assertion-moved",
            Rule::EarlyReturn => "early-return",
            Rule::SwallowedFailure => "swallowed-failure",
            Rule::BodyChanged => "body-changed",
            Rule::OnlySibling => "only-sibling",
            Rule::ParseError => "parse-error",
            Rule::UnsupportedLanguage => "unsupported-language",
            Rule::DuplicateId => "duplicate-id",
            Rule::RelockUnsigned => "relock-unsigned",
            Rule::Rebound => "rebound",
            Rule::ConfigWeakened => "config-weakened",
            Rule::BaselineLoosened => "baseline-loosened",
            Rule::GateFileChanged => "gate-file-changed",
            Rule::ProtectedChanged => "protected-changed",
        }
    }
}

impl Rule {
    /// Whether the rule is about the gates and the files that define them (the
    /// configuration, baselines, what a gate runs, protected paths) rather than a locked test.
    pub fn is_about_gates(self) -> bool {
        matches!(
            self,
            Rule::ConfigWeakened
                | Rule::BaselineLoosened
                | Rule::GateFileChanged
                | Rule::ProtectedChanged
        )
    }
}

/// One refusal: which test, which rule, and the lines involved.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub test_id: String,
    pub rule: Rule,
    pub message: String,
    /// The lines as locked (with `path:line:` when the base revision still had them).
    pub old_lines: Vec<String>,
    /// The lines as they are now (`path:line: source`).
    pub new_lines: Vec<String>,
}

/// What a locked test is compared with.
pub struct NewFile<'a> {
    /// The file's scan; `None` when the file is gone.
    pub scan: Option<&'a FileScan>,
    /// The grammar for the file is not compiled into this build.
    pub unsupported: bool,
}

/// Compares one locked test with the new content. `base` is the same test as the base
/// revision holds it, when found (only used to show old lines with their line numbers).
pub fn compare(locked: &LockedTest, new: &NewFile<'_>, base: Option<&TestItem>) -> Vec<Finding> {
    let mut out = Vec::new();
    let id = locked.id.as_str();
    let old_header = base.map_or_else(Vec::new, |b| {
        vec![format!("{}:{}: test `{}`", b.path, b.line, b.name)]
    });
    if new.unsupported {
        out.push(mk(
            id,
            Rule::UnsupportedLanguage,
            format!(
                "`{}` cannot be analysed by this build of gatekeeper",
                locked.file
            ),
            old_header,
            Vec::new(),
        ));
        return out;
    }
    let Some(scan) = new.scan else {
        out.push(mk(
            id,
            Rule::Removed,
            format!("`{}` was deleted", locked.file),
            old_header,
            Vec::new(),
        ));
        return out;
    };
    let same_id: Vec<&TestItem> = scan.tests.iter().filter(|t| t.id == locked.id).collect();
    if same_id.len() > 1 {
        // Which one is "the" locked test would be a guess; a copy could hide a weakened one.
        out.push(mk(
            id,
            Rule::DuplicateId,
            format!("{} tests now share this id", same_id.len()),
            old_header,
            same_id
                .iter()
                .map(|t| format!("{}:{}: test `{}`", t.path, t.line, t.name))
                .collect(),
        ));
        return out;
    }
    let Some(test) = same_id.first().copied() else {
        if scan.has_error {
            out.push(mk(
                id,
                Rule::ParseError,
                format!(
                    "`{}` does not parse, and the test cannot be found in it",
                    locked.file
                ),
                old_header,
                Vec::new(),
            ));
        } else if let Some(c) = scan.candidates.iter().find(|c| {
            (c.id == locked.id && !c.collected) || (c.body == locked.body && c.id != locked.id)
        }) {
            let new_lines = vec![format!("{}:{}: {}", locked.file, c.line, c.id)];
            if c.collected {
                out.push(mk(
                    id,
                    Rule::Renamed,
                    format!("renamed to `{}`: the lock no longer covers it", c.id),
                    old_header,
                    new_lines,
                ));
            } else {
                out.push(mk(
                    id,
                    Rule::RenamedOutOfCollection,
                    format!(
                        "renamed or re-declared as `{}`, which the test runner does not collect",
                        c.id
                    ),
                    old_header,
                    new_lines,
                ));
            }
        } else {
            out.push(mk(
                id,
                Rule::Removed,
                "the test is gone".to_owned(),
                old_header,
                Vec::new(),
            ));
        }
        return out;
    };
    let here = |line: usize, source: &str| format!("{}:{line}: {source}", test.path);
    let new_header = vec![here(test.line, &format!("test `{}`", test.name))];
    if test.has_error {
        out.push(mk(
            id,
            Rule::ParseError,
            "the test does not parse: a parse error inside a sacred test is a refusal".to_owned(),
            old_header.clone(),
            new_header.clone(),
        ));
        return out;
    }
    if !test.sacred {
        out.push(mk(
            id,
            Rule::Untagged,
            "the test lost its sacred tag (comment, marker or `sacred.paths` entry)".to_owned(),
            old_header.clone(),
            new_header.clone(),
        ));
    }
    let focused: Vec<String> = scan
        .focused
        .iter()
        .filter(|f| !(f.start_byte <= test.start_byte && test.end_byte <= f.end_byte))
        .map(|f| here(f.line, &f.source))
        .collect();
    if !focused.is_empty() {
        out.push(mk(
            id,
            Rule::OnlySibling,
            "another test or suite in the file is focused (`.only`), so this one no longer runs"
                .to_owned(),
            Vec::new(),
            focused,
        ));
    }
    if let Some(locked_bindings) = &locked.bindings {
        let mut left: BTreeMap<&str, usize> = BTreeMap::new();
        for b in locked_bindings {
            *left.entry(b.as_str()).or_default() += 1;
        }
        let new_bindings: Vec<String> = test
            .bindings
            .iter()
            .filter(|b| match left.get_mut(b.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => !super::bindings::harmless_addition(test.lang, b, locked_bindings),
            })
            .map(|b| format!("{}: {b}", test.path))
            .collect();
        if !new_bindings.is_empty() {
            out.push(mk(
                id,
                Rule::Rebound,
                "a name the test uses is bound anew outside it (at module level): that changes what the test runs".to_owned(),
                Vec::new(),
                new_bindings,
            ));
        }
    }
    if test.structure == locked.structure && test.envelope == locked.envelope {
        return out;
    }
    let before = out.len();

    if test.envelope != locked.envelope && !keeps_what_runs(&locked.modifiers, &test.envelope_lines)
    {
        let added: Vec<&String> = test
            .envelope_lines
            .iter()
            .filter(|l| !locked.modifiers.contains(l))
            .collect();
        let removed: Vec<&String> = locked
            .modifiers
            .iter()
            .filter(|l| !test.envelope_lines.contains(l))
            .collect();
        let skip = added
            .iter()
            .chain(removed.iter())
            .any(|l| is_skip_marker(l));
        let (rule, message) = if skip {
            (
                Rule::Skipped,
                "the test is now skipped, ignored or compiled out".to_owned(),
            )
        } else {
            (Rule::EnvelopeChanged, "what surrounds the test (attributes, decorators, suite modifiers, build tags) changed".to_owned())
        };
        out.push(mk(
            id,
            rule,
            message,
            removed.iter().map(|l| format!("(lock) {l}")).collect(),
            added.iter().map(|l| format!("(now) {l}")).collect(),
        ));
    }

    if test.skips > locked.skips {
        out.push(mk(
            id,
            Rule::Skipped,
            "the test now skips itself from inside its body".to_owned(),
            Vec::new(),
            new_header.clone(),
        ));
    }
    if test.returns > locked.returns {
        out.push(mk(
            id,
            Rule::EarlyReturn,
            format!(
                "{} new `return` in the test: the assertions after it may never run",
                test.returns - locked.returns
            ),
            Vec::new(),
            new_header.clone(),
        ));
    }
    if test.swallows > locked.swallows {
        out.push(mk(
            id,
            Rule::SwallowedFailure,
            "a construct that can swallow a failing assertion was added (catch_unwind, except, catch, recover)".to_owned(),
            Vec::new(),
            new_header.clone(),
        ));
    }

    let old_line = |a: &LockedAssertion| -> String {
        base.and_then(|b| {
            b.assertions
                .iter()
                .find(|x| x.text == a.text && x.path == a.path)
        })
        .map_or_else(
            || format!("(lock) {}", a.text),
            |x| format!("{}:{}: {}", locked.file, x.line, x.source),
        )
    };
    let new_line = |a: &Assertion| here(a.line, &a.source);

    if test.assertions.is_empty() && locked.assertion_count > 0 {
        out.push(mk(
            id,
            Rule::Emptied,
            format!("all {} assertions are gone", locked.assertion_count),
            locked.assertions.iter().map(old_line).collect(),
            new_header.clone(),
        ));
    } else {
        // Multiset match on (nesting, text); what is left over is paired in order.
        let mut available: HashMap<(&str, &str), usize> = HashMap::new();
        for a in &test.assertions {
            *available
                .entry((a.path.as_str(), a.text.as_str()))
                .or_default() += 1;
        }
        let mut unmatched_old = Vec::new();
        for a in &locked.assertions {
            match available.get_mut(&(a.path.as_str(), a.text.as_str())) {
                Some(n) if *n > 0 => *n -= 1,
                _ => unmatched_old.push(a),
            }
        }
        let mut unmatched_new = Vec::new();
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        let locked_counts = {
            let mut m: HashMap<(&str, &str), usize> = HashMap::new();
            for a in &locked.assertions {
                *m.entry((a.path.as_str(), a.text.as_str())).or_default() += 1;
            }
            m
        };
        for a in &test.assertions {
            let key = (a.path.as_str(), a.text.as_str());
            let n = seen.entry(key).or_default();
            *n += 1;
            if *n > locked_counts.get(&key).copied().unwrap_or(0) {
                unmatched_new.push(a);
            }
        }
        // A lock written while TypeScript types were part of the text.
        unmatched_old.retain(|old| {
            match unmatched_new
                .iter()
                .position(|n| n.path == old.path && n.alt_text.as_deref() == Some(&old.text))
            {
                Some(i) => {
                    unmatched_new.remove(i);
                    false
                }
                None => true,
            }
        });
        // Only the message changed (or was added or removed): the same check.
        unmatched_old.retain(|old| {
            let bare = super::messages::without_message(&old.text);
            match unmatched_new.iter().position(|n| {
                n.path == old.path && super::messages::without_message(&n.text) == bare
            }) {
                Some(i) => {
                    unmatched_new.remove(i);
                    false
                }
                None => true,
            }
        });
        let mut new_iter = unmatched_new.into_iter();
        for old in unmatched_old {
            if let Some(new) = new_iter.next() {
                // Judged without their messages: a message is not what is checked.
                let bare_old = LockedAssertion {
                    path: old.path.clone(),
                    text: super::messages::without_message(&old.text),
                };
                let mut bare_new = new.clone();
                bare_new.text = super::messages::without_message(&new.text);
                let (rule, why) = classify(&bare_old, &bare_new);
                out.push(mk(id, rule, why, vec![old_line(old)], vec![new_line(new)]));
                continue;
            }
            let squashed: String = old.text.chars().filter(|c| !c.is_whitespace()).collect();
            if test.comments.iter().any(|c| c.contains(&squashed)) {
                out.push(mk(
                    id,
                    Rule::AssertionCommentedOut,
                    "an assertion was commented out".to_owned(),
                    vec![old_line(old)],
                    Vec::new(),
                ));
            } else {
                out.push(mk(
                    id,
                    Rule::AssertionRemoved,
                    "an assertion was removed".to_owned(),
                    vec![old_line(old)],
                    Vec::new(),
                ));
            }
        }
    }

    // Statements: every locked one must still be there (its assertions cut out).
    let mut available: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &test.statements {
        *available.entry(s.hash.as_str()).or_default() += 1;
    }
    let mut missing = Vec::new();
    for h in &locked.statements {
        match available.get_mut(h.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => missing.push(h.as_str()),
        }
    }
    // A lock written before a statement was read as an assertion (or a plan) holds its
    // whole text's fingerprint.
    if !missing.is_empty() {
        let mut alts: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &test.statements {
            if let Some(a) = &s.alt_hash
                && !locked.statements.contains(&s.hash)
            {
                *alts.entry(a.as_str()).or_default() += 1;
            }
        }
        missing.retain(|h| match alts.get_mut(h) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
    }
    // A Go body that starts with a comment was once read as one statement.
    if missing.len() == 1
        && locked.statements.len() == 1
        && test.legacy_statement.as_deref() == Some(missing[0])
    {
        return out;
    }
    if !missing.is_empty() && out.len() == before {
        let old_lines = base.map_or_else(
            || {
                missing
                    .iter()
                    .map(|h| format!("(lock) statement {h}"))
                    .collect()
            },
            |b| {
                b.statements
                    .iter()
                    .filter(|s| missing.contains(&s.hash.as_str()))
                    .map(|s| format!("{}:{}: {}", b.path, s.line, s.source))
                    .collect()
            },
        );
        let new_lines = test
            .statements
            .iter()
            .filter(|s| !locked.statements.contains(&s.hash))
            .map(|s| here(s.line, &s.source))
            .collect();
        out.push(mk(
            id,
            Rule::BodyChanged,
            "statements of the test were changed or removed (only additions are accepted without a re-lock)".to_owned(),
            old_lines,
            new_lines,
        ));
    }
    // Additions must not change what the locked statements see: a new statement that does
    // more than assert is accepted only after the last locked statement (else `total = 100`
    // inserted before `assert total == 100` would pass).
    if out.len() == before {
        let mut remaining: BTreeMap<&str, usize> = BTreeMap::new();
        for h in &locked.statements {
            *remaining.entry(h.as_str()).or_default() += 1;
        }
        let mut last_locked = None;
        let mut added = Vec::new();
        for (i, s) in test.statements.iter().enumerate() {
            // A lock written by an older reading holds the statement's older fingerprint.
            let key = if remaining.get(s.hash.as_str()).is_some_and(|n| *n > 0) {
                Some(s.hash.as_str())
            } else {
                s.alt_hash.as_deref()
            };
            match key.and_then(|k| remaining.get_mut(k)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    last_locked = Some(i);
                }
                _ if !s.assertion_only => added.push((i, s)),
                _ => {}
            }
        }
        let inserted: Vec<String> = added
            .iter()
            .filter(|(i, _)| last_locked.is_some_and(|l| *i < l))
            .map(|(_, s)| here(s.line, &s.source))
            .collect();
        if !inserted.is_empty() {
            out.push(mk(
                id,
                Rule::BodyChanged,
                "a statement was inserted before locked statements of the test; new code other than assertions may only be appended".to_owned(),
                Vec::new(),
                inserted,
            ));
        }
    }
    // Anything else left the locked content in place: only additions, which strengthen.
    out
}

fn mk(
    id: &str,
    rule: Rule,
    message: String,
    old_lines: Vec<String>,
    new_lines: Vec<String>,
) -> Finding {
    Finding {
        test_id: id.to_owned(),
        rule,
        message,
        old_lines,
        new_lines,
    }
}

/// Whether an envelope change keeps or strengthens what runs: lint and documentation
/// attributes (`#![allow(…)]`, `#[doc …]`, `#![cfg_attr(docsrs, …)]`) come and go, a
/// `parametrize` gains cases, a skip marker or `cfg` is removed (the test runs in more
/// places), and nothing else changes.
fn keeps_what_runs(old: &[String], new: &[String]) -> bool {
    let canon = |ls: &[String]| -> Vec<String> {
        ls.iter()
            .map(|l| without_inert_attributes(l))
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
    added.retain(
        |a| match removed.iter().position(|r| parametrize_extends(r, a)) {
            Some(i) => {
                removed.remove(i);
                false
            }
            None => true,
        },
    );
    // `it.skip` → `it`, `xit` → `it`, `describe.skip` → `describe`, `{ skip: true }` gone.
    added.retain(
        |a| match removed.iter().position(|r| without_skip(r) == *a) {
            Some(i) => {
                removed.remove(i);
                false
            }
            None => true,
        },
    );
    added.is_empty() && removed.iter().all(|r| is_skip_marker(r))
}

/// A JS/TS modifier line without its skip: `.skip`, the `x` of `xit`, `{skip:true}`.
fn without_skip(line: &str) -> String {
    let mut l = line.replace(".skip", "").replace(" {skip:true}", "");
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
        let mut depth = 0i32;
        let mut end = None;
        for (i, c) in rest[open..].char_indices() {
            match c {
                '[' | '(' => depth += 1,
                ']' | ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(open + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else { break };
        let inner = rest[open + 1..end].trim();
        let inert = ["allow(", "warn(", "deny(", "forbid(", "expect("]
            .iter()
            .any(|p| inner.starts_with(p))
            || inner.starts_with("doc")
            || inner.starts_with("cfg_attr(doc,")
            || inner.starts_with("cfg_attr(docsrs,")
            || inner.starts_with("clippy::");
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

/// `@pytest.mark.parametrize("x",[1,2,3])` extends `@pytest.mark.parametrize("x",[1,2])`:
/// the same names, every old case still there, other arguments the same (`ids` may grow).
fn parametrize_extends(old: &str, new: &str) -> bool {
    use super::messages::split_top;
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
    let items = |s: &str| -> Option<Vec<String>> {
        let inner = s
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .or_else(|| s.strip_prefix('(').and_then(|r| r.strip_suffix(')')))?;
        Some(
            split_top(inner)
                .into_iter()
                .map(str::to_owned)
                .filter(|x| !x.is_empty())
                .collect(),
        )
    };
    let (Some(oi), Some(mut ni)) = (items(&o[1]), items(&n[1])) else {
        return false;
    };
    for c in &oi {
        match ni.iter().position(|x| x == c) {
            Some(i) => {
                ni.remove(i);
            }
            None => return false,
        }
    }
    o[2..]
        .iter()
        .zip(&n[2..])
        .all(|(a, b)| a == b || (a.starts_with("ids=") && b.starts_with("ids=")))
}

fn is_skip_marker(line: &str) -> bool {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenClass {
    Literal,
    Word,
    Op,
}

/// A small lexer over normalised assertion text, good enough to tell literals, names and
/// operators apart.
fn lex(s: &str) -> Vec<(TokenClass, String)> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' || c == '`' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.push((TokenClass::Literal, chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '_'
                    || chars[i] == '.'
                    || ((chars[i] == '-' || chars[i] == '+') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            out.push((TokenClass::Literal, chars[start..i].iter().collect()));
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect();
            let class = if matches!(
                w.as_str(),
                "true" | "false" | "True" | "False" | "None" | "nil" | "null" | "undefined"
            ) {
                TokenClass::Literal
            } else {
                TokenClass::Word
            };
            out.push((class, w));
        } else {
            let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
            let op = [
                "===", "!==", "==", "!=", ">=", "<=", "=>", "->", "::", "&&", "||",
            ]
            .iter()
            .find(|o| rest.starts_with(*o))
            .map_or_else(|| c.to_string(), |o| (*o).to_owned());
            i += op.chars().count();
            out.push((TokenClass::Op, op));
        }
    }
    out
}

/// How strict an assertion form is: higher is stricter; unknown names rank 0 (ignored).
fn strength(word: &str) -> u8 {
    match word {
        "toStrictEqual" | "toBe" | "strictEqual" | "deepStrictEqual" | "assertIs" | "Exactly" => 5,
        "toEqual"
        | "assert_eq"
        | "assert_ne"
        | "assertEqual"
        | "assertEquals"
        | "assertNotEqual"
        | "assertDictEqual"
        | "assertListEqual"
        | "assertSequenceEqual"
        | "assertTupleEqual"
        | "assertSetEqual"
        | "assertCountEqual"
        | "assertMultiLineEqual"
        | "deepEqual"
        | "equal"
        | "Equal"
        | "NotEqual"
        | "EqualValues"
        | "assert_matches"
        | "prop_assert_eq"
        | "is" => 4,
        "toMatchObject"
        | "toContain"
        | "toContainEqual"
        | "toHaveLength"
        | "toHaveProperty"
        | "toMatch"
        | "toBeCloseTo"
        | "toThrow"
        | "toThrowError"
        | "assertIn"
        | "assertNotIn"
        | "assertAlmostEqual"
        | "assertRaises"
        | "assertRaisesRegex"
        | "raises"
        | "assertGreater"
        | "assertGreaterEqual"
        | "assertLess"
        | "assertLessEqual"
        | "Contains"
        | "Len"
        | "ErrorIs"
        | "ErrorAs"
        | "InDelta"
        | "InEpsilon"
        | "toBeGreaterThan"
        | "toBeLessThan"
        | "toBeGreaterThanOrEqual"
        | "toBeLessThanOrEqual"
        | "toHaveBeenCalledWith" => 3,
        "assert" | "prop_assert" | "assertTrue" | "assertFalse" | "ok" | "True" | "False"
        | "toHaveBeenCalled" | "Errorf" | "Error" | "Fatalf" | "Fatal" => 2,
        "toBeTruthy" | "toBeFalsy" | "toBeDefined" | "toBeUndefined" | "toBeNull"
        | "assertIsNotNone" | "assertIsNone" | "NotNil" | "Nil" | "NoError" | "NotEmpty"
        | "debug_assert" | "debug_assert_eq" | "debug_assert_ne" | "exist" | "Fail" | "FailNow" => {
            1
        }
        _ => 0,
    }
}

fn assertion_strength(tokens: &[(TokenClass, String)]) -> Option<u8> {
    tokens
        .iter()
        .filter(|(c, _)| *c == TokenClass::Word)
        .map(|(_, w)| strength(w))
        .filter(|s| *s > 0)
        .max()
}

const GENERIC_ERRORS: &[&str] = &[
    "Exception",
    "BaseException",
    "Error",
    "Throwable",
    "anyhow",
    "is_err",
    "Any",
];
const EQUALITY: &[&str] = &["==", "===", "!=", "!==", "is"];
const STRICT_ORDER: &[&str] = &["<", ">"];
const LOOSE_ORDER: &[&str] = &["<=", ">="];
const TOLERANCE: &[&str] = &[
    "approx",
    "abs",
    "rel",
    "tol",
    "delta",
    "epsilon",
    "closeto",
    "indelta",
    "inepsilon",
    "allclose",
    "isclose",
    "places",
    "precision",
];

fn is_subsequence(small: &[(TokenClass, String)], big: &[(TokenClass, String)]) -> bool {
    let mut it = big.iter();
    small.iter().all(|s| it.any(|b| b == s))
}

fn number(s: &str) -> Option<f64> {
    s.replace('_', "")
        .trim_end_matches(|c: char| c.is_ascii_alphabetic() && c != 'e')
        .parse()
        .ok()
}

/// Names the change from one assertion to another.
fn classify(old: &LockedAssertion, new: &Assertion) -> (Rule, String) {
    if old.text == new.text {
        let at = if new.path.is_empty() {
            "the top level".to_owned()
        } else {
            format!("`{}`", new.path)
        };
        return (
            Rule::AssertionMoved,
            format!("an assertion was moved; it now sits under {at}"),
        );
    }
    let a = lex(&old.text);
    let b = lex(&new.text);
    if let (Some(sa), Some(sb)) = (assertion_strength(&a), assertion_strength(&b))
        && sb < sa
    {
        return (
            Rule::AssertionLoosened,
            "an assertion was replaced by a weaker form".to_owned(),
        );
    }
    let words = |t: &[(TokenClass, String)]| -> Vec<String> {
        t.iter()
            .filter(|(c, _)| *c == TokenClass::Word)
            .map(|(_, w)| w.clone())
            .collect()
    };
    let (wa, wb) = (words(&a), words(&b));
    if GENERIC_ERRORS
        .iter()
        .any(|g| wb.iter().any(|w| w == g) && !wa.iter().any(|w| w == g))
        && wa.iter().any(|w| !wb.contains(w))
    {
        return (
            Rule::AssertionLoosened,
            "the expected error was widened to a generic one".to_owned(),
        );
    }
    if b.len() < a.len() && is_subsequence(&b, &a) {
        return (
            Rule::AssertionLoosened,
            "part of an assertion was removed".to_owned(),
        );
    }
    let ops = |t: &[(TokenClass, String)]| -> Vec<String> {
        t.iter()
            .filter(|(c, o)| {
                (*c == TokenClass::Op || o == "is")
                    && (EQUALITY.contains(&o.as_str())
                        || STRICT_ORDER.contains(&o.as_str())
                        || LOOSE_ORDER.contains(&o.as_str()))
            })
            .map(|(_, o)| o.clone())
            .collect()
    };
    let (oa, ob) = (ops(&a), ops(&b));
    if oa != ob {
        let had = |v: &[String], set: &[&str]| v.iter().any(|o| set.contains(&o.as_str()));
        if (had(&oa, EQUALITY)
            && !had(&ob, EQUALITY)
            && (had(&ob, STRICT_ORDER) || had(&ob, LOOSE_ORDER)))
            || (had(&oa, STRICT_ORDER) && had(&ob, LOOSE_ORDER) && !had(&ob, STRICT_ORDER))
        {
            return (
                Rule::AssertionLoosened,
                "a comparison was loosened".to_owned(),
            );
        }
        return (
            Rule::AssertionChanged,
            "a comparison in an assertion changed".to_owned(),
        );
    }
    if a.len() == b.len() {
        let diffs: Vec<(&String, &String)> = a
            .iter()
            .zip(&b)
            .filter(|(x, y)| x != y)
            .map(|(x, y)| (&x.1, &y.1))
            .collect();
        let literal_only = a
            .iter()
            .zip(&b)
            .all(|(x, y)| x == y || (x.0 == TokenClass::Literal && y.0 == TokenClass::Literal));
        if literal_only && !diffs.is_empty() {
            let lower = old.text.to_ascii_lowercase();
            if TOLERANCE.iter().any(|t| lower.contains(t)) {
                let digits = ["places", "closeto", "precision"]
                    .iter()
                    .any(|t| lower.contains(t));
                let widened = diffs.iter().any(|(x, y)| match (number(x), number(y)) {
                    (Some(x), Some(y)) => {
                        if digits {
                            y < x
                        } else {
                            y > x
                        }
                    }
                    _ => false,
                });
                if widened {
                    return (Rule::AssertionLoosened, "a tolerance was raised".to_owned());
                }
            }
            return (
                Rule::ExpectedChanged,
                "an expected value was changed".to_owned(),
            );
        }
    }
    (
        Rule::AssertionChanged,
        "an assertion was changed".to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(old: &str, new: &str) -> Rule {
        let o = LockedAssertion {
            path: String::new(),
            text: old.to_owned(),
        };
        let n = Assertion {
            path: String::new(),
            text: new.to_owned(),
            callee: String::new(),
            line: 1,
            source: new.to_owned(),
            alt_text: None,
        };
        classify(&o, &n).0
    }

    #[test]
    fn weaker_assertion_forms_are_loosened() {
        assert_eq!(
            pair("assert_eq!(total,100)", "assert!(total>0)"),
            Rule::AssertionLoosened
        );
        assert_eq!(
            pair("expect(x).toStrictEqual(y)", "expect(x).toBeDefined()"),
            Rule::AssertionLoosened
        );
        assert_eq!(
            pair("self.assertEqual(a,b)", "self.assertTrue(a)"),
            Rule::AssertionLoosened
        );
        assert_eq!(pair("assert a==b", "assert a>=b"), Rule::AssertionLoosened);
        assert_eq!(pair("assert a<b", "assert a<=b"), Rule::AssertionLoosened);
        assert_eq!(
            pair(
                "assert x==pytest.approx(1.0,abs=0.01)",
                "assert x==pytest.approx(1.0,abs=0.5)"
            ),
            Rule::AssertionLoosened
        );
        assert_eq!(
            pair(
                "pytest.raises(InsufficientFunds)",
                "pytest.raises(Exception)"
            ),
            Rule::AssertionLoosened
        );
        assert_eq!(
            pair(
                "expect(f).toThrow(InsufficientFunds)",
                "expect(f).toThrow()"
            ),
            Rule::AssertionLoosened
        );
    }

    #[test]
    fn changed_literal_is_expected_changed() {
        assert_eq!(
            pair("assert_eq!(total,100)", "assert_eq!(total,90)"),
            Rule::ExpectedChanged
        );
        assert_eq!(
            pair("assert x==\"paid\"", "assert x==\"void\""),
            Rule::ExpectedChanged
        );
        assert_eq!(
            pair(
                "assert x==pytest.approx(1.0,abs=0.5)",
                "assert x==pytest.approx(1.0,abs=0.01)"
            ),
            Rule::ExpectedChanged
        );
    }

    #[test]
    fn other_changes_are_assertion_changed() {
        assert_eq!(
            pair("assert_eq!(a,b)", "assert_eq!(a,c)"),
            Rule::AssertionChanged
        );
    }
}
