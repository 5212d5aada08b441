//! `body-changed`: a locked statement of the test is gone or changed, or a new statement
//! that does more than assert was inserted before a locked one. Judged only when no other
//! rule fired (it would repeat what they said).
//!
//! Why: the statements set up what the assertions check. `refund(100)` → `refund(0) + 100`
//! keeps every assertion verbatim and still checks nothing, and `total = 100` inserted just
//! before `assert total == 100` overwrites the computed value. Appending after the last
//! locked statement cannot change what the locked assertions saw, so it is accepted.
//!
//! Two edits that keep every check pass ([`crate::sacred::context`]): the test's context
//! handed to a helper (`createServer()` → `createServer(t)`), and a release of a local
//! (`await server.close()`) removed when the test now binds that local by a call handed the
//! context (the cleanup moved into the helper's teardown).
//!
//! A Rust `use` inside the test that only brings names the base revision's test never
//! mentioned (`use regex::{Regex, RegexBuilder}` → `use regex::{Regex, RegexBuilder,
//! RegexSet}`) stands for the locked one: no locked statement can read what it adds.
//!
//! Nor is a Rust compile-time check inserted among the locked statements: a function the
//! test declares with an empty body and no parameters (`fn assert_send<T: Send>() {}`) under
//! a name it never mentioned, or a call to one without arguments; they run nothing.
//!
//! A removed guard that only skipped the test (or returned from it) on a condition (`if
//! "TRAVIS" in os.environ: self.skipTest(…)`, `if testing.Short() { t.Skip() }`) is not a
//! change either: the test now runs where it was skipped, and what it checks is the same
//! (see `analysis::skip_guard`). A guard whose condition binds a name, or whose branch does
//! anything else, is a locked statement like any other.
//!
//! JavaScript's `window.x` reads as `globalThis.x` (see `analysis::read_as_statement`),
//! but only one way: a `globalThis.x` of the base revision's test now written `window.x` is
//! a changed statement ([`global_object_rewritten`]): where no `window` exists (Node, Jest's
//! `node` environment) it throws a `ReferenceError`, which a `toThrow()` around it takes for
//! the error it expects.
//!
//! Example: `let total = refund(100);` → `let total = 100;`.

use std::collections::BTreeMap;

use super::{Finding, Rule, Subject, View};

pub(super) fn check(s: &Subject<'_>, view: &View<'_>) -> Option<Finding> {
    let locked = &s.locked.statements;
    // Every locked statement must still be there (its assertions cut out); each statement
    // stands for at most one locked fingerprint.
    let mut wanted: BTreeMap<&str, usize> = BTreeMap::new();
    for h in locked {
        *wanted.entry(h.as_str()).or_default() += 1;
    }
    // Statements by index: which ones a locked fingerprint took as written, and the rest.
    let statements = view.statements;
    let mut spare: Vec<usize> = Vec::new();
    let mut took: Vec<usize> = Vec::new();
    for (i, st) in statements.iter().enumerate() {
        match wanted.get_mut(st.hash.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                took.push(i);
            }
            _ => spare.push(i),
        }
    }
    let mut missing: Vec<&str> = Vec::new();
    for h in locked {
        if let Some(n) = wanted.get_mut(h.as_str())
            && *n > 0
        {
            *n -= 1;
            missing.push(h.as_str());
        }
    }
    // What another reading of a statement gives: a lock written before a statement was
    // read as an assertion (or a plan) holds its whole text's fingerprint; a call wrapped
    // in a helper with the context was the call itself. A statement that took a locked
    // fingerprint as written gives it up when a spare one has that same fingerprint.
    let reads_as = |i: usize, h: &str| statements[i].alt_hashes.iter().any(|a| a == h);
    missing.retain(|h| {
        if let Some(p) = spare.iter().position(|&i| reads_as(i, h)) {
            spare.swap_remove(p);
            return false;
        }
        let swap = took.iter().enumerate().find_map(|(t, &i)| {
            let stand_in = spare
                .iter()
                .position(|&j| statements[j].hash == statements[i].hash)?;
            reads_as(i, h).then_some((t, stand_in))
        });
        match swap {
            Some((t, p)) => {
                took[t] = spare.swap_remove(p);
                false
            }
            None => true,
        }
    });
    // A Rust `use` inside the test that now brings more names, none of which the test
    // mentioned at the base revision (so none of its statements can read one of them).
    // (the statement's index, the locked fingerprint it stands for)
    let mut stand_ins: BTreeMap<usize, &str> = BTreeMap::new();
    if !missing.is_empty()
        && s.test.lang == "rust"
        && let Some(base) = s.base
    {
        missing.retain(|h| {
            let Some((path, names)) = base
                .statements
                .iter()
                .find(|st| st.hash == *h)
                .and_then(|st| rust_use_list(&st.source))
            else {
                return true;
            };
            let grown = spare.iter().position(|&i| {
                rust_use_list(&statements[i].source).is_some_and(|(p, now)| {
                    p == path
                        && names.is_subset(&now)
                        && now
                            .difference(&names)
                            .all(|n| n != "*" && n != "self" && !base.used.contains(n))
                })
            });
            match grown {
                Some(at) => {
                    stand_ins.insert(spare.swap_remove(at), h);
                    false
                }
                None => true,
            }
        });
    }
    // A release of a local the test now binds by a call handed its context: the cleanup
    // moved into that helper's teardown.
    if !missing.is_empty() {
        let moved: Vec<String> = view
            .statements
            .iter()
            .filter_map(|st| st.context_binding.as_deref())
            .flat_map(crate::sacred::context::release_texts)
            .map(|t| {
                let mut h = crate::sacred::analysis::sha256_hex(&t);
                h.truncate(12);
                h
            })
            .collect();
        // Only from after every check, or deferred (Go's `defer srv.Close()`), as the base
        // revision's test reads; without it, only from after every other locked statement:
        // a release before a check changes what the check sees (`await ledger.close()` then
        // `t.is(ledger.total(), 5)`).
        let after_every_check = |h: &str| {
            s.base.is_some_and(|b| {
                b.statements.iter().any(|st| {
                    st.hash == h
                        && (st.source.trim_start().starts_with("defer ")
                            || !(b.assertions.iter().any(|a| a.line > st.line)
                                || b.statements
                                    .iter()
                                    .any(|o| o.line > st.line && o.assertion_only)))
                })
            })
        };
        let at_the_end = |h: &str| {
            after_every_check(h)
                || locked.iter().enumerate().any(|(i, l)| {
                    l == h
                        && locked[i + 1..]
                            .iter()
                            .all(|later| moved.iter().any(|m| m == later))
                })
        };
        missing.retain(|h| !(moved.iter().any(|m| m == h) && at_the_end(h)));
    }
    // A guard that only skipped the test (or returned from it) on a condition, removed: the
    // test now runs where it was skipped, and nothing it checks changed.
    if !missing.is_empty()
        && let Some(base) = s.base
    {
        missing.retain(|h| {
            !base
                .statements
                .iter()
                .any(|st| st.hash == *h && st.skip_guard)
        });
    }
    // Python: `try: CODE; raise …` / `except E: pass` now written `with
    // self.assertRaises(E): CODE` (or `pytest.raises`): the same check or more.
    if !missing.is_empty()
        && let Some(base) = s.base
    {
        missing.retain(|h| {
            let Some(wanted) = base
                .statements
                .iter()
                .find(|st| st.hash == *h && st.raises.is_some())
                .and_then(|st| st.raises.as_ref())
            else {
                return true;
            };
            let Some(at) = spare.iter().position(|&i| {
                statements[i].raises.as_ref() == Some(wanted)
                    && statements[i].source.trim_start().starts_with("with ")
            }) else {
                return true;
            };
            stand_ins.insert(spare.swap_remove(at), h);
            false
        });
    }
    // A table of cases the test loops over, with cases added (`sacred::tables`): each old
    // case is still checked as it was. Not in a test that passes by failing, where a new
    // first case that fails would stop the old ones.
    if !missing.is_empty()
        && let Some(base) = s.base
        && !expects_failure(&s.test.envelope_lines)
        && !expects_failure(&s.locked.modifiers)
        && !reaches_a_skipping_helper(s)
    {
        missing.retain(|h| {
            let Some(old) = base
                .statements
                .iter()
                .find(|st| st.hash == *h)
                .and_then(|st| st.table.as_ref())
            else {
                return true;
            };
            let Some(at) = spare.iter().position(|&i| {
                statements[i]
                    .table
                    .as_ref()
                    .is_some_and(|now| now.grows(old))
            }) else {
                return true;
            };
            stand_ins.insert(spare.swap_remove(at), h);
            false
        });
    }
    // A Go body that starts with a comment was once read as one statement.
    if missing.len() == 1 && locked.len() == 1 && view.legacy_statement == Some(missing[0]) {
        return None;
    }
    if !missing.is_empty() {
        return Some(changed(s, view, &missing));
    }
    inserted(s, view, &stand_ins).or_else(|| reordered(s, view, &stand_ins))
}

/// A `globalThis.x` of the base revision's test that the test now writes `window.x`
/// (`analysis::global_object_written`): the same check only where `window` exists.
pub(super) fn global_object_rewritten(s: &Subject<'_>) -> Option<Finding> {
    let base = s.base?;
    let property = crate::sacred::analysis::global_object_written(
        &base.global_members,
        &s.test.global_members,
    )?;
    Some(s.finding(
        Rule::BodyChanged,
        format!(
            "`globalThis.{property}` is now written `window.{property}`: where no `window` exists \
             (Node, Jest's `node` environment) that throws a ReferenceError instead"
        ),
        vec![format!("{}:{}: test `{}`", base.path, base.line, base.name)],
        s.new_header(),
    ))
}

/// Whether the test reaches a helper that can skip it or end the process (`def check(a,
/// b): if a == 0: raise unittest.SkipTest(…)`): a new first case could make it skip the
/// whole test before the old cases run, with no context handed to it.
/// A helper line is read for the names that skip or exit however raised (`raise
/// unittest.SkipTest(…)` as much as `pytest.skip(…)`).
fn reaches_a_skipping_helper(s: &Subject<'_>) -> bool {
    const STOPS: [&str; 17] = [
        "SkipTest",
        "skip(",
        "skipTest(",
        "importorskip(",
        "xfail(",
        "Skip(",
        "Skipf(",
        "SkipNow(",
        "exit(",
        "Exit(",
        "abort(",
        "Goexit(",
        // A call that replaces or signals the process (`syscall.Exec`, `.exec()`,
        // `libc::execv`, `syscall.Kill`, a raw system call).
        "Exec(",
        "exec",
        "Kill(",
        "kill(",
        "Syscall",
    ];
    s.test.envelope_bindings.iter().any(|l| {
        l.starts_with(crate::sacred::bindings::SKIPS_IN_HELPER)
            || (l.contains("helper ") && STOPS.iter().any(|w| l.contains(w)))
    })
}

/// Whether a test's modifiers make it pass by failing (`#[should_panic]`,
/// `@pytest.mark.xfail`, `@unittest.expectedFailure`, AVA's `test.failing`).
fn expects_failure(modifiers: &[String]) -> bool {
    modifiers.iter().any(|m| {
        let m = m.to_ascii_lowercase();
        [
            "should_panic",
            "xfail",
            "expectedfailure",
            "expected_failure",
            "failing",
        ]
        .iter()
        .any(|w| m.contains(w))
    })
}

/// The locked statements (an assertion stands there as its place) must still run in their
/// locked order, with anything added between them: moved past another, an assertion checks
/// what that one left (`r = pay(); assert r.ok; r = refund(); assert r.ok` with the first
/// assertion moved after `refund`). Each locked fingerprint is matched, in order, with the
/// first statement after the previous match that can stand for it; one that no statement
/// stands for at all was excused above (a removed skip guard, a release moved into a
/// helper's teardown) and is passed over.
fn reordered(
    s: &Subject<'_>,
    view: &View<'_>,
    stand_ins: &BTreeMap<usize, &str>,
) -> Option<Finding> {
    let statements = view.statements;
    let stands_for = |i: usize, h: &str| {
        statements[i].hash == h
            || (older_reading_allowed(s, &statements[i])
                && statements[i].alt_hashes.iter().any(|a| a == h))
            || stand_ins.get(&i).is_some_and(|x| *x == h)
    };
    let lang = s.test.lang;
    let mut next = 0;
    // (locked index, new index) of the statements matched in order.
    let mut matched: Vec<(usize, usize)> = Vec::new();
    for (li, h) in s.locked.statements.iter().enumerate() {
        // A Rust item is in scope in its whole block wherever it stands; a Go `var` without
        // a value runs nothing, wherever it stands before its names are first mentioned.
        if (0..statements.len()).any(|i| {
            stands_for(i, h)
                && (order_free(lang, &statements[i].source) == Some(OrderFree::Anywhere)
                    || zero_var_unmentioned_before(statements, i))
        }) {
            continue;
        }
        if let Some(at) = (next..statements.len()).find(|&i| stands_for(i, h)) {
            next = at + 1;
            matched.push((li, at));
            continue;
        }
        let Some(earlier) = (0..next).find(|&i| stands_for(i, h)) else {
            continue;
        };
        // Fewer stand for it than the lock holds: the one passed over was excused.
        let held = s.locked.statements.iter().filter(|l| *l == h).count();
        if (0..statements.len()).filter(|&i| stands_for(i, h)).count() < held {
            continue;
        }
        // Python imports reordered among themselves (isort) bind the same names before the
        // next statement.
        if (earlier..next)
            .all(|i| order_free(lang, &statements[i].source) == Some(OrderFree::AmongItsKind))
        {
            continue;
        }
        let passed: Vec<String> = (earlier..next)
            .map(|i| s.here(statements[i].line, &statements[i].source))
            .collect();
        return Some(s.finding(
            Rule::BodyChanged,
            "locked statements of the test now run in another order: a check may now see what another statement left",
            Vec::new(),
            passed,
        ));
    }
    assertions_crossed(s, view, &matched)
}

/// Whether the assertions the lock holds word for word are no longer in their locked order
/// in `test`: then which of them runs at which place among the statements
/// ([`assertions_crossed`]) needs the base revision's test, which a check reads only for
/// tests that have findings, or this.
pub(crate) fn assertions_out_of_order(
    locked: &crate::sacred::lock::LockedTest,
    test: &crate::sacred::analysis::TestItem,
) -> bool {
    // The locked structure holds the assertions in their order.
    if test.structure == locked.structure {
        return false;
    }
    let key = |path: &str, text: &str| (path.to_owned(), text.to_owned());
    let known: std::collections::BTreeSet<(String, String)> = test
        .assertions
        .iter()
        .map(|a| key(&a.path, &a.text))
        .collect();
    let mut now = test.assertions.iter().map(|a| key(&a.path, &a.text));
    !locked
        .assertions
        .iter()
        .map(|a| key(&a.path, &a.text))
        .filter(|k| known.contains(k))
        .all(|k| now.any(|n| n == k))
}

/// Each locked assertion must still run between the same locked statements: `r = pay(100);
/// assert r.amount == 100; r = refund(100); assert r.ok` with the two assertions traded
/// keeps every statement, every assertion and every assertion's place, yet checks the
/// refund's amount instead of the payment's. Read where the base revision's test is the
/// locked one statement for statement and assertion for assertion; an assertion's place is
/// the number of locked statements that do more than assert (order-free ones aside) that
/// start at or before its line. Only assertions found word for word on both sides, as
/// often, are compared.
fn assertions_crossed(
    s: &Subject<'_>,
    view: &View<'_>,
    matched: &[(usize, usize)],
) -> Option<Finding> {
    let base = s.base?;
    let same_statements = base.statements.len() == s.locked.statements.len()
        && base
            .statements
            .iter()
            .zip(&s.locked.statements)
            .all(|(b, l)| b.hash == *l);
    let same_assertions = base.assertions.len() == s.locked.assertions.len()
        && base
            .assertions
            .iter()
            .zip(&s.locked.assertions)
            .all(|(b, l)| b.path == l.path && b.text == l.text);
    if !same_statements || !same_assertions {
        return None;
    }
    let lang = s.test.lang;
    // The matched statements that delimit places: they do more than assert, and their
    // place matters.
    let delimiters: Vec<(usize, usize)> = matched
        .iter()
        .copied()
        .filter(|&(li, _)| {
            let st = &base.statements[li];
            !st.assertion_only
                && order_free(lang, &st.source).is_none()
                && !zero_var_unmentioned_before(&base.statements, li)
        })
        .collect();
    let base_place = |line: usize| {
        delimiters
            .iter()
            .filter(|&&(li, _)| base.statements[li].line <= line)
            .count()
    };
    let new_place = |line: usize| {
        delimiters
            .iter()
            .filter(|&&(_, ni)| view.statements[ni].line <= line)
            .count()
    };
    let key = |path: &str, text: &str| (path.to_owned(), text.to_owned());
    let mut before: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for a in &base.assertions {
        before
            .entry(key(&a.path, &a.text))
            .or_default()
            .push(base_place(a.line));
    }
    let mut after: BTreeMap<(String, String), Vec<(usize, &crate::sacred::analysis::Assertion)>> =
        BTreeMap::new();
    for a in view.assertions {
        after
            .entry(key(&a.path, &a.text))
            .or_default()
            .push((new_place(a.line), a));
    }
    for (k, places) in &before {
        let Some(now) = after.get(k) else {
            continue;
        };
        // Fewer than before: some were paired another way (a message, a spelling).
        if now.len() < places.len() {
            continue;
        }
        let kept = places.iter().all(|p| {
            now.iter().filter(|(q, _)| q == p).count() >= places.iter().filter(|q| *q == p).count()
        });
        if !kept {
            let lines = now.iter().map(|(_, a)| s.here(a.line, &a.source)).collect();
            return Some(s.finding(
                Rule::BodyChanged,
                "a locked assertion now runs at another place among the locked statements: it checks what another statement left",
                Vec::new(),
                lines,
            ));
        }
    }
    None
}

/// Whether a statement may stand for what an older reading fingerprinted it as. An
/// assertion that writes was once read as an assertion's place, which any assertion takes:
/// only one the base revision's test already held is read so (a lock written before); a
/// comparison without the base revision reads none so, and is then redone with it.
fn older_reading_allowed(s: &Subject<'_>, st: &crate::sacred::analysis::Statement) -> bool {
    !st.writes
        || s.base
            .is_some_and(|b| b.statements.iter().any(|bs| bs.hash == st.hash))
}

/// Whether statement `i` is a Go `var` without a value (`analysis::go_zero_var`) whose
/// names no statement before it mentions: it runs nothing, and every mention of its names
/// comes after it, so the statements it moved past read none of them (matched by their
/// fingerprints, they mention the same names as before).
fn zero_var_unmentioned_before(
    statements: &[crate::sacred::analysis::Statement],
    i: usize,
) -> bool {
    let names = &statements[i].zero_var;
    !names.is_empty()
        && statements[..i]
            .iter()
            .all(|st| !st.mentions.iter().any(|m| names.contains(m)))
}

/// Statements whose place among the others does not matter (see [`reordered`]).
#[derive(Debug, PartialEq, Eq)]
enum OrderFree {
    /// A Rust item other than a macro (`use`, `fn`, `struct`, `const`…): in scope in its
    /// whole block.
    Anywhere,
    /// A Python `import` or `from … import`: may trade places with the imports next to it.
    AmongItsKind,
}

fn order_free(lang: &str, source: &str) -> Option<OrderFree> {
    let src = source.trim_start();
    match lang {
        "rust" => {
            let src = src.strip_prefix("pub ").unwrap_or(src);
            let items = [
                "use ",
                "fn ",
                "struct ",
                "enum ",
                "const ",
                "static ",
                "impl ",
                "impl<",
                "trait ",
                "type ",
                "mod ",
                "extern crate ",
                "unsafe fn ",
                "async fn ",
                "const fn ",
                "union ",
            ];
            items
                .iter()
                .any(|k| src.starts_with(k))
                .then_some(OrderFree::Anywhere)
        }
        "python" => (src.starts_with("import ") || src.starts_with("from "))
            .then_some(OrderFree::AmongItsKind),
        _ => None,
    }
}

/// Rust: the functions the test declares in its body with an empty body and no parameters
/// (`fn assert_send<T: Send>() {}`, a compile-time check), under a name the base revision's
/// test never mentioned (so it shadows nothing a locked statement calls). Declaring one, and
/// calling one without arguments, runs nothing.
fn rust_no_op_functions(s: &Subject<'_>, view: &View<'_>) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let Some(base) = s.base.filter(|_| s.test.lang == "rust") else {
        return out;
    };
    for st in view.statements {
        let compact: String = st.source.chars().filter(|c| !c.is_whitespace()).collect();
        let Some(rest) = compact.strip_prefix("fn") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = &rest[name.len()..];
        let generics_closed = after
            .strip_prefix('<')
            .map_or(Some(after), |g| g.split_once('>').map(|(_, r)| r));
        if !name.is_empty() && generics_closed == Some("(){}") && !base.used.contains(&name) {
            out.insert(name);
        }
    }
    out
}

/// Whether a statement's source declares or calls (without arguments) one of `no_ops`.
fn runs_nothing(source: &str, no_ops: &std::collections::BTreeSet<String>) -> bool {
    let compact: String = source.chars().filter(|c| !c.is_whitespace()).collect();
    let call = compact.strip_suffix(';').unwrap_or(&compact);
    let named = |text: &str| {
        let name: String = text
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        no_ops.contains(&name).then_some(name.len())
    };
    if let Some(rest) = compact.strip_prefix("fn")
        && named(rest).is_some()
        && rest.ends_with("(){}")
    {
        return true;
    }
    let Some(len) = named(call) else {
        return false;
    };
    let after = &call[len..];
    let after = after
        .strip_prefix("::<")
        .and_then(|g| g.rsplit_once('>').map(|(_, r)| r))
        .unwrap_or(after);
    after == "()"
}

/// `use PATH::{A, B};` or `use PATH::A;` (a Rust statement's source): the path and the names
/// it brings. `None` for anything else (a nested list, a rename, not a `use`).
fn rust_use_list(source: &str) -> Option<(String, std::collections::BTreeSet<String>)> {
    if source.contains(" as ") {
        return None;
    }
    let compact: String = source.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = compact.strip_prefix("use")?.strip_suffix(';')?;
    if let Some((path, list)) = inner.split_once("::{") {
        let list = list.strip_suffix('}')?;
        // A nested path (`bytes::RegexBuilder`) binds its last name: not read here.
        if list.contains(['{', '}', ':']) || path.contains(['{', '}']) {
            return None;
        }
        let names = list
            .split(',')
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        return Some((path.to_owned(), names));
    }
    let (path, name) = inner.rsplit_once("::")?;
    Some((
        path.to_owned(),
        std::collections::BTreeSet::from([name.to_owned()]),
    ))
}

/// Locked statements are missing: the statements as locked, and the new ones.
fn changed(s: &Subject<'_>, view: &View<'_>, missing: &[&str]) -> Finding {
    let old_lines = s.base.map_or_else(
        || {
            missing
                .iter()
                .map(|h| format!("(lock) statement {h}"))
                .collect()
        },
        |b| {
            b.statements
                .iter()
                .filter(|st| missing.contains(&st.hash.as_str()))
                .map(|st| format!("{}:{}: {}", b.path, st.line, st.source))
                .collect()
        },
    );
    let new_lines = view
        .statements
        .iter()
        .filter(|st| !s.locked.statements.contains(&st.hash))
        .map(|st| s.here(st.line, &st.source))
        .collect();
    s.finding(
        Rule::BodyChanged,
        "statements of the test were changed or removed (only additions are accepted without a re-lock)",
        old_lines,
        new_lines,
    )
}

/// Additions must not change what the locked statements see: a new statement that does more
/// than assert is accepted only after the last locked statement.
fn inserted(
    s: &Subject<'_>,
    view: &View<'_>,
    stand_ins: &BTreeMap<usize, &str>,
) -> Option<Finding> {
    let mut remaining: BTreeMap<&str, usize> = BTreeMap::new();
    for h in &s.locked.statements {
        *remaining.entry(h.as_str()).or_default() += 1;
    }
    let mut last_locked = None;
    let mut added = Vec::new();
    // The statements that took a locked fingerprint.
    let mut matched: Vec<usize> = Vec::new();
    let no_ops = rust_no_op_functions(s, view);
    for (i, st) in view.statements.iter().enumerate() {
        if !no_ops.is_empty() && runs_nothing(&st.source, &no_ops) {
            continue;
        }
        // A lock written by an older reading holds the statement's older fingerprint.
        let key = if let Some(h) = stand_ins.get(&i) {
            Some(*h)
        } else if remaining.get(st.hash.as_str()).is_some_and(|n| *n > 0) {
            Some(st.hash.as_str())
        } else if !older_reading_allowed(s, st) {
            None
        } else {
            st.alt_hashes
                .iter()
                .map(String::as_str)
                .find(|a| remaining.get(a).is_some_and(|n| *n > 0))
                .or(st.alt_hashes.first().map(String::as_str))
        };
        match key.and_then(|k| remaining.get_mut(k)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                last_locked = Some(i);
                matched.push(i);
            }
            // A Go `var` without a value runs nothing; a locked statement that mentions one of
            // its names reads the local's placeholder, so that a shadowing one changes it.
            _ if zero_var_unmentioned_before(view.statements, i) => {}
            _ if !st.assertion_only || st.writes => added.push((i, st)),
            _ => {}
        }
    }
    // A statement that may end the process, added anywhere: the runner may never report
    // what the test (or a test after it) recorded.
    let ending: Vec<String> = view
        .statements
        .iter()
        .enumerate()
        .filter(|(i, st)| st.ends_process && !matched.contains(i))
        .map(|(_, st)| s.here(st.line, &st.source))
        .collect();
    if !ending.is_empty() {
        return Some(s.finding(
            Rule::BodyChanged,
            "a statement that may end the process was added to the test: a failure it recorded, and the tests run after it, may never be reported",
            Vec::new(),
            ending,
        ));
    }
    // A name bound anywhere for the whole body (a Rust item or `use`, a JavaScript
    // declaration, a Python assignment) that a locked statement reads but none binds: the
    // locked statement now reads what the new one binds, even from after every check
    // (`fn total(_: &[i64]) -> i64 { 6 }` appended, `function total() { return 6 }`).
    // What the locked statements read: those of this view that took a locked fingerprint,
    // and those a view that put an extracted local back no longer holds (`const got =
    // total(xs)` read into `expect(total(xs))`). A name another statement binds is a local
    // already: binding it again changes no scope.
    let in_view: std::collections::BTreeSet<usize> =
        view.statements.iter().map(|st| st.line).collect();
    let reads: std::collections::BTreeSet<&str> = matched
        .iter()
        .map(|&i| &view.statements[i])
        .chain(
            s.test
                .statements
                .iter()
                .filter(|o| !in_view.contains(&o.line)),
        )
        .flat_map(|st| st.mentions.iter().map(String::as_str))
        .collect();
    let others = |line: usize| s.test.statements.iter().filter(move |o| o.line != line);
    let shadowing: Vec<String> = view
        .statements
        .iter()
        .enumerate()
        .filter(|(i, st)| {
            !matched.contains(i)
                && st.binds.iter().any(|b| {
                    !others(st.line).any(|o| o.binds.contains(b))
                        && (b == "*" || reads.contains(b.as_str()))
                })
        })
        .map(|(_, st)| s.here(st.line, &st.source))
        .collect();
    if !shadowing.is_empty() {
        return Some(s.finding(
            Rule::BodyChanged,
            "a statement binds, for the whole test, a name its locked statements read: they now read what it binds, wherever it stands",
            Vec::new(),
            shadowing,
        ));
    }
    let inserted: Vec<String> = added
        .iter()
        .filter(|(i, _)| last_locked.is_some_and(|l| *i < l))
        .map(|(_, st)| s.here(st.line, &st.source))
        .collect();
    (!inserted.is_empty()).then(|| {
        s.finding(
            Rule::BodyChanged,
            "a statement was inserted before locked statements of the test; new code other than assertions (an assertion that assigns or rebinds is code) may only be appended",
            Vec::new(),
            inserted,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    const OIBITS: &str = "// gatekeeper:sacred\n#[test]\nfn oibits() {\n    use regex::{Regex, RegexBuilder};\n    use std::panic::UnwindSafe;\n\n    fn assert_unwind_safe<T: UnwindSafe>() {}\n    assert_unwind_safe::<Regex>();\n    assert_unwind_safe::<RegexBuilder>();\n}\n";

    /// The rules for `OIBITS` edited, its base revision the locked file.
    fn oibits_after(edits: &[(&str, &str)]) -> Vec<Rule> {
        let mut new = OIBITS.to_owned();
        for (from, to) in edits {
            assert!(new.contains(from), "no {from:?}");
            new = new.replacen(from, to, 1);
        }
        super::super::testing::rules_with_base("tests/oibits.rs", OIBITS, OIBITS, &new)
    }

    #[test]
    fn a_rust_use_grown_with_names_the_test_never_read_is_accepted() {
        let grown = [(
            "use regex::{Regex, RegexBuilder};",
            "use regex::{Regex, RegexBuilder, RegexSet};",
        )];
        assert_eq!(oibits_after(&grown), Vec::<Rule>::new());
        let single = [(
            "use std::panic::UnwindSafe;",
            "use std::panic::{RefUnwindSafe, UnwindSafe};",
        )];
        assert_eq!(oibits_after(&single), Vec::<Rule>::new());
    }

    #[test]
    fn a_rust_use_that_drops_or_renames_a_name_is_refused() {
        for to in [
            "use regex::{Regex, RegexSet};",
            "use regex::{Regex, RegexSet as RegexBuilder};",
            "use regex::{Regex, bytes::RegexBuilder};",
        ] {
            let rules = oibits_after(&[("use regex::{Regex, RegexBuilder};", to)]);
            assert!(rules.contains(&Rule::BodyChanged), "{to}: {rules:?}");
        }
    }

    #[test]
    fn a_rust_compile_time_check_inserted_anywhere_is_accepted_and_a_function_with_a_body_is_not() {
        let check = [
            (
                "    fn assert_unwind_safe<T: UnwindSafe>() {}\n",
                "    fn assert_unwind_safe<T: UnwindSafe>() {}\n    fn assert_send<T: Send>() {}\n",
            ),
            (
                "    assert_unwind_safe::<Regex>();\n",
                "    assert_send::<Regex>();\n    assert_unwind_safe::<Regex>();\n",
            ),
        ];
        assert_eq!(oibits_after(&check), Vec::<Rule>::new());
        let with_body = [(
            "    assert_unwind_safe::<Regex>();\n",
            "    fn reset() { std::env::set_var(\"X\", \"1\") }\n    reset();\n    assert_unwind_safe::<Regex>();\n",
        )];
        assert!(oibits_after(&with_body).contains(&Rule::BodyChanged));
    }

    /// `(anchor, callback)` per language: a statement inserted before the anchor that hands a
    /// callback holding one check (`CHECK`) to a helper.
    fn callback(f: &super::super::testing::Fixture) -> (&'static str, &'static str) {
        match f.path.rsplit_once('.').map_or("", |(_, e)| e) {
            "py" => (
                "    assert total(xs) == 6\n",
                "    def check(x):\n        assert x > 0  # CHECK\n    each(xs, check)\n",
            ),
            "rs" => (
                "    assert_eq!(total(&xs), 6);\n",
                "    xs.iter().for_each(|x| {\n        assert!(*x > 0); // CHECK\n    });\n",
            ),
            "go" => (
                "\tif Total(xs) != 6 {\n",
                "\teach(xs, func(x int) {\n\t\tif x <= 0 { // CHECK\n\t\t\tt.Error(\"negative\")\n\t\t}\n\t})\n",
            ),
            _ => (
                "  expect(total(xs)).toBe(6);\n",
                "  xs.forEach((x) => {\n    expect(x).toBeGreaterThan(0); // CHECK\n  });\n",
            ),
        }
    }

    #[test]
    fn a_check_added_inside_a_callback_is_accepted_and_one_removed_is_refused() {
        use super::super::testing::{edited, rules_between};
        for f in [&PY, &RS, &GO, &JS, &TS] {
            let (anchor, cb) = callback(f);
            let base = edited(f, &[(anchor, &format!("{cb}{anchor}"))]);
            let check_line = cb.lines().find(|l| l.contains("CHECK")).unwrap();
            let check = match f.path.rsplit_once('.').map_or("", |(_, e)| e) {
                "go" => cb
                    .split_once("\t\tif x <= 0")
                    .map(|(_, r)| format!("\t\tif x <= 0{}", &r[..r.find("\t\t}\n").unwrap() + 4]))
                    .unwrap(),
                _ => format!("{check_line}\n"),
            };
            // Another check inside the callback: accepted.
            let more = base.replacen(&check, &format!("{check}{}", check.replace('0', "-9")), 1);
            assert_ne!(more, base, "{}", f.path);
            let rules = rules_between(f.path, &base, &more);
            assert!(rules.is_empty(), "{}: {rules:?}", f.path);
            // The check removed: refused.
            let fewer = base.replacen(&check, "", 1);
            assert_ne!(fewer, base, "{}", f.path);
            let rules = rules_between(f.path, &base, &fewer);
            assert!(!rules.is_empty(), "{}: accepted", f.path);
            // What the callback runs changed: refused.
            let changed = base
                .replacen("x > 0", "x > 0 or True", 1)
                .replacen("x <= 0", "x <= 0 && false", 1)
                .replacen("(x).toBeGreaterThan(0)", "(x).toBeGreaterThan(-1)", 1)
                .replacen("*x > 0", "*x > 0 || true", 1);
            assert_ne!(changed, base, "{}", f.path);
            let rules = rules_between(f.path, &base, &changed);
            assert!(!rules.is_empty(), "{}: accepted", f.path);
            // A statement after the check in the callback; the check moved past it: refused
            // (what it reads may have changed), as is a new check after it.
            let stmt = match f.path.rsplit_once('.').map_or("", |(_, e)| e) {
                "py" => "        x = abs(x)\n",
                "rs" => "        let x = x.abs();\n",
                "go" => "\t\tx = abs(x)\n",
                _ => "    x = Math.abs(x);\n",
            };
            let with_stmt = base.replacen(&check, &format!("{check}{stmt}"), 1);
            let moved = base.replacen(&check, &format!("{stmt}{check}"), 1);
            let rules = rules_between(f.path, &with_stmt, &moved);
            assert!(
                !rules.is_empty(),
                "{}: a check moved past a statement accepted",
                f.path
            );
            let after = base.replacen(&check, &format!("{check}{stmt}{check}"), 1);
            let rules = rules_between(f.path, &with_stmt, &after);
            assert!(
                !rules.is_empty(),
                "{}: a check added after a statement accepted",
                f.path
            );
        }
    }

    /// Per language: a test that pays, checks, refunds and checks again (`FIRST` marks the
    /// first check, `SECOND` the refund).
    const PAY_THEN_REFUND: [(&str, &str, &str, &str); 5] = [
        (
            "tests/test_pay.py",
            "from billing import pay, refund\n\n\n# gatekeeper:sacred\ndef test_pay():\n",
            "    r = pay(100)\n",
            "    assert r.ok  # FIRST\n    r = refund(100)  # SECOND\n    assert r.ok\n",
        ),
        (
            "tests/pay.rs",
            "use billing::{pay, refund};\n\n// gatekeeper:sacred\n#[test]\nfn pay_then_refund() {\n",
            "    let mut r = pay(100);\n",
            "    assert!(r.ok); // FIRST\n    r = refund(100); // SECOND\n    assert!(r.ok);\n}\n",
        ),
        (
            "billing/pay_test.go",
            "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestPay(t *testing.T) {\n",
            "\tr := Pay(100)\n",
            "\tif !r.Ok { // FIRST\n\t\tt.Error(\"pay\")\n\t}\n\tr = Refund(100) // SECOND\n\tif !r.Ok {\n\t\tt.Error(\"refund\")\n\t}\n}\n",
        ),
        (
            "tests/pay.test.js",
            "const { pay, refund } = require('../billing');\n\n// gatekeeper:sacred\ntest('pay', () => {\n",
            "  let r = pay(100);\n",
            "  expect(r.ok).toBe(true); // FIRST\n  r = refund(100); // SECOND\n  expect(r.ok).toBe(true);\n});\n",
        ),
        (
            "tests/pay.test.ts",
            "import { pay, refund } from '../billing';\n\n// gatekeeper:sacred\ntest('pay', () => {\n",
            "  let r: Receipt = pay(100);\n",
            "  expect(r.ok).toBe(true); // FIRST\n  r = refund(100); // SECOND\n  expect(r.ok).toBe(true);\n});\n",
        ),
    ];

    /// The lines of `text` from the one holding `from` up to (not including) the one holding
    /// `to`, and the rest before and after.
    fn cut<'a>(text: &'a str, from: &str, to: &str) -> (&'a str, &'a str, &'a str) {
        let start = text[..text.find(from).unwrap()]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let end = text[..text.find(to).unwrap()]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        (&text[..start], &text[start..end], &text[end..])
    }

    #[test]
    fn a_check_moved_past_a_locked_statement_is_refused_and_one_added_between_is_not() {
        use super::super::testing::rules_between;
        for (path, head, first, rest) in PAY_THEN_REFUND {
            let old = format!("{head}{first}{rest}");
            // The first check moved after the refund: it now checks the refund's result.
            let (before, check, after) = cut(rest, "FIRST", "SECOND");
            let (second, tail) = after.split_at(after.find('\n').unwrap() + 1);
            assert!(before.is_empty() && second.contains("SECOND"), "{path}");
            let moved = format!("{head}{first}{second}{check}{tail}");
            let rules = rules_between(path, &old, &moved);
            assert_eq!(rules, vec![Rule::BodyChanged], "{path}: moved");
            // The refund moved before the first check: the same.
            let moved = format!("{head}{second}{first}{check}{tail}");
            let rules = rules_between(path, &old, &moved);
            assert!(rules.contains(&Rule::BodyChanged), "{path}: {rules:?}");
            // A check repeated between the locked ones, and code appended: accepted.
            let more = format!("{head}{first}{check}{check}{second}{tail}");
            assert_eq!(rules_between(path, &old, &more), vec![], "{path}: added");
            // Unchanged order: accepted.
            assert_eq!(rules_between(path, &old, &old), vec![], "{path}: same");
        }
    }

    #[test]
    fn two_checks_traded_across_a_locked_statement_are_refused() {
        use super::super::testing::rules_with_base;
        // Per language: the test, then the two checks (the payment's amount, the refund's
        // status) to trade.
        let cases = [
            (
                "tests/test_pay.py",
                "# gatekeeper:sacred\ndef test_pay():\n    r = pay(100)\n    assert r.amount == 100\n    r = refund(100)\n    assert r.ok\n",
                "assert r.amount == 100",
                "assert r.ok",
            ),
            (
                "tests/pay.rs",
                "// gatekeeper:sacred\n#[test]\nfn pay() {\n    let mut r = pay(100);\n    assert_eq!(r.amount, 100);\n    r = refund(100);\n    assert!(r.ok);\n}\n",
                "assert_eq!(r.amount, 100);",
                "assert!(r.ok);",
            ),
            (
                "billing/pay_test.go",
                "package billing\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestPay(t *testing.T) {\n\tr := Pay(100)\n\tif r.Amount != 100 {\n\t\tt.Error(\"amount\")\n\t}\n\tr = Refund(100)\n\tif !r.Ok {\n\t\tt.Error(\"ok\")\n\t}\n}\n",
                "if r.Amount != 100 {\n\t\tt.Error(\"amount\")\n\t}",
                "if !r.Ok {\n\t\tt.Error(\"ok\")\n\t}",
            ),
            (
                "tests/pay.test.js",
                "// gatekeeper:sacred\ntest('pay', () => {\n  let r = pay(100);\n  expect(r.amount).toBe(100);\n  r = refund(100);\n  expect(r.ok).toBe(true);\n});\n",
                "expect(r.amount).toBe(100);",
                "expect(r.ok).toBe(true);",
            ),
            (
                "tests/pay.test.ts",
                "// gatekeeper:sacred\ntest('pay', () => {\n  let r: Receipt = pay(100);\n  expect(r.amount).toBe(100);\n  r = refund(100);\n  expect(r.ok).toBe(true);\n});\n",
                "expect(r.amount).toBe(100);",
                "expect(r.ok).toBe(true);",
            ),
        ];
        for (path, old, a, b) in cases {
            let traded = old
                .replacen(a, "@A@", 1)
                .replacen(b, a, 1)
                .replacen("@A@", b, 1);
            assert_ne!(traded, old, "{path}");
            let rules = rules_with_base(path, old, old, &traded);
            assert_eq!(rules, vec![Rule::BodyChanged], "{path}: traded");
            // The first check repeated after the refund as well: accepted (more checks).
            let indent = match path.rsplit_once('.').map_or("", |(_, e)| e) {
                "go" => "\t",
                "js" | "ts" => "  ",
                _ => "    ",
            };
            let more = old.replacen(b, &format!("{b}\n{indent}{a}"), 1);
            assert_eq!(
                rules_with_base(path, old, old, &more),
                vec![],
                "{path}: more"
            );
            assert_eq!(rules_with_base(path, old, old, old), vec![], "{path}: same");
        }
    }

    /// `old` locked, `new` is refused as `body-changed` by a check that reads the base
    /// revision (`old`) and by one that does not.
    #[track_caller]
    fn body_changed_with_and_without_base(path: &str, old: &str, new: &str) {
        use super::super::testing::{rules_between, rules_with_base};
        assert_eq!(
            rules_between(path, old, new),
            vec![Rule::BodyChanged],
            "{path}: {new}"
        );
        assert_eq!(
            rules_with_base(path, old, old, new),
            vec![Rule::BodyChanged],
            "{path}: {new}"
        );
    }

    /// `old` locked, `new` is accepted by a check that reads the base revision (`old`).
    #[track_caller]
    fn accepted_with_base(path: &str, old: &str, new: &str) {
        let rules = super::super::testing::rules_with_base(path, old, old, new);
        assert_eq!(rules, vec![], "{path}: {new}");
    }

    #[test]
    fn an_assertion_that_writes_inserted_before_a_locked_statement_is_refused() {
        // Per language: (what is inserted before the second locked statement: writing
        // checks, then a check that only reads).
        let inserts: [(&str, &[&str], &str); 5] = [
            (
                "py",
                &[
                    "    assert (r := refund(100)) is not None\n",
                    "    assert setattr(r, \"ok\", True) is None\n",
                ],
                "    assert r.amount == 100\n",
            ),
            (
                "rs",
                &[
                    "    assert!({ r = refund(100); r.ok });\n",
                    "    assert!(std::mem::replace(&mut r, refund(100)).ok);\n",
                ],
                "    assert_eq!(r.amount, 100);\n",
            ),
            (
                "go",
                &[
                    "\tif r = Refund(100); !r.Ok {\n\t\tt.Error(\"x\")\n\t}\n",
                    "\tif r.Ok = true; !r.Ok {\n\t\tt.Error(\"x\")\n\t}\n",
                ],
                "\tif r.Amount != 100 {\n\t\tt.Error(\"amount\")\n\t}\n",
            ),
            (
                "js",
                &[
                    "  expect((r = refund(100))).toBeTruthy();\n",
                    "  expect(Object.assign(r, { ok: true })).toBeTruthy();\n",
                ],
                "  expect(r.amount).toBe(100);\n",
            ),
            (
                "ts",
                &[
                    "  expect((r = refund(100))).toBeTruthy();\n",
                    "  expect(r.ok = true).toBe(true);\n",
                ],
                "  expect(r.amount).toBe(100);\n",
            ),
        ];
        for ((path, head, first, rest), (ext, writing, reading)) in
            PAY_THEN_REFUND.iter().zip(inserts)
        {
            assert!(path.ends_with(ext));
            let old = format!("{head}{first}{rest}");
            for w in writing {
                body_changed_with_and_without_base(path, &old, &format!("{head}{first}{w}{rest}"));
            }
            accepted_with_base(path, &old, &format!("{head}{first}{reading}{rest}"));
        }
    }

    /// A fixture, the line after which statements are appended (and kept), the statements
    /// that shadow a name the locked ones read, and those that do not.
    type ShadowCase<'a> = (
        &'a super::super::testing::Fixture,
        &'a str,
        &'a str,
        &'a [&'a str],
        &'a [&'a str],
    );

    /// A name bound for the whole body after every check, that a locked statement reads:
    /// a Rust item or glob `use`, a JavaScript function (hoisted) or `const` (a read before
    /// it throws, which a `toThrow()` takes), a Python assignment (the name is local to the
    /// whole function: a read before it raises, which `pytest.raises(Exception)` takes).
    /// Found by an attack round with cargo test and Jest. A new name, or one the test
    /// already binds, appended with checks that read it, is accepted.
    #[test]
    fn a_name_the_locked_statements_read_bound_after_them_is_refused() {
        use super::super::testing::{JS, PY, RS, TS, edited};
        let cases: [ShadowCase<'_>; 4] = [
            (
                &RS,
                "    assert_eq!(total(&[]), 0);\n",
                "    assert_eq!(total(&[]), 0);\n",
                &[
                    "    fn total(_: &[i64]) -> i64 {\n        6\n    }\n",
                    "    use fake::*;\n",
                    "    use fake::total;\n",
                ],
                &[
                    "    fn helper() -> i64 {\n        5\n    }\n    assert_eq!(helper(), 5);\n",
                    "    let ys = [5];\n    assert_eq!(total(&ys), 5);\n",
                ],
            ),
            (
                &JS,
                "  expect(total([])).toBe(0);\n",
                "  expect(total([])).toBe(0);\n",
                &[
                    "  function total() {\n    return 6;\n  }\n",
                    "  const total = () => 6;\n",
                    "  var total = 1;\n",
                ],
                &[
                    "  const ys = [5];\n  expect(total(ys)).toBe(5);\n",
                    "  function five() {\n    return 5;\n  }\n  expect(five()).toBe(5);\n",
                ],
            ),
            (
                &TS,
                "  expect(total([])).toBe(0);\n",
                "  expect(total([])).toBe(0);\n",
                &["  function total(): number {\n    return 6;\n  }\n"],
                &["  const ys: number[] = [5];\n  expect(total(ys)).toBe(5);\n"],
            ),
            (
                &PY,
                "    assert total([]) == 0\n",
                "    assert total([]) == 0\n",
                &[
                    "    total = lambda xs: 6\n",
                    "    from fake import total\n",
                    "    for total in [len]:\n        pass\n",
                ],
                &[
                    "    ys = [5]\n    assert total(ys) == 5\n",
                    "    xs = [5]\n    assert total(xs) == 5\n",
                ],
            ),
        ];
        for (f, last, keep, shadowing, fine) in cases {
            for add in shadowing {
                use super::super::testing::{rules_between, rules_with_base};
                let new = edited(f, &[(last, &format!("{keep}{add}"))]);
                // `body-changed`, or (a `const` that is now a local of the test, written as
                // a placeholder in every check) `assertion-changed`.
                for rules in [
                    rules_between(f.path, &f.src(), &new),
                    rules_with_base(f.path, &f.src(), &f.src(), &new),
                ] {
                    assert!(
                        rules == [Rule::BodyChanged] || rules == [Rule::AssertionChanged],
                        "{}: {add}: {rules:?}",
                        f.path
                    );
                }
            }
            for add in fine {
                let new = edited(f, &[(last, &format!("{keep}{add}"))]);
                accepted_with_base(f.path, &f.src(), &new);
            }
        }
    }

    #[test]
    fn a_statement_that_ends_the_process_appended_after_every_check_is_refused() {
        let exits: [(&str, &str); 5] = [
            ("py", "    os._exit(0)\n"),
            ("rs", "    std::process::exit(0);\n"),
            ("go", "\tif r.Ok {\n\t\tos.Exit(0)\n\t}\n"),
            ("js", "  process.exit(0);\n"),
            ("ts", "  if (r.ok) {\n    process.exit(0);\n  }\n"),
        ];
        for ((path, head, first, rest), (ext, exit)) in PAY_THEN_REFUND.iter().zip(exits) {
            assert!(path.ends_with(ext));
            let old = format!("{head}{first}{rest}");
            // The body's closing line(s) after the last check.
            let close = match ext {
                "py" => "",
                "js" | "ts" => "});\n",
                _ => "}\n",
            };
            let checks = rest.strip_suffix(close).unwrap();
            let new = format!("{head}{first}{checks}{exit}{close}");
            body_changed_with_and_without_base(path, &old, &new);
            // Locked with it: a check appended after it is accepted.
            accepted_with_base(
                path,
                &new,
                &format!("{head}{first}{checks}{exit}{checks}{close}"),
            );
        }
    }

    #[test]
    fn rust_items_and_python_imports_sorted_among_themselves_are_not_reordering() {
        use super::super::testing::rules_between;
        // rustfmt sorts `use` items; an item is in scope in its whole block anyway.
        let sorted = OIBITS.replacen(
            "    use regex::{Regex, RegexBuilder};\n    use std::panic::UnwindSafe;\n",
            "    use std::panic::UnwindSafe;\n    use regex::{Regex, RegexBuilder};\n",
            1,
        );
        assert_ne!(sorted, OIBITS);
        assert_eq!(oibits_after(&[]), Vec::<Rule>::new());
        assert_eq!(
            rules_between("tests/oibits.rs", OIBITS, &sorted),
            Vec::<Rule>::new()
        );
        let fn_last = OIBITS
            .replacen("    fn assert_unwind_safe<T: UnwindSafe>() {}\n", "", 1)
            .replacen(
                "\n}\n",
                "\n    fn assert_unwind_safe<T: UnwindSafe>() {}\n}\n",
                1,
            );
        assert_eq!(
            rules_between("tests/oibits.rs", OIBITS, &fn_last),
            Vec::<Rule>::new()
        );
        // isort: imports trade places next to each other. An import moved past a statement
        // is a reordering.
        let head = "# gatekeeper:sacred\ndef test_aliases():\n";
        let old = format!(
            "{head}    import tornado\n    import asyncio\n    alias = asyncio.TimeoutError\n    assert tornado.util.TimeoutError is alias\n"
        );
        let isort = format!(
            "{head}    import asyncio\n\n    import tornado\n    alias = asyncio.TimeoutError\n    assert tornado.util.TimeoutError is alias\n"
        );
        assert_eq!(
            rules_between("tests/test_aliases.py", &old, &isort),
            Vec::<Rule>::new()
        );
        let past = format!(
            "{head}    import asyncio\n    alias = asyncio.TimeoutError\n    import tornado\n    assert tornado.util.TimeoutError is alias\n"
        );
        assert_eq!(
            rules_between("tests/test_aliases.py", &old, &past),
            vec![Rule::BodyChanged]
        );
        // A Rust `let` is not an item.
        let lets = "// gatekeeper:sacred\n#[test]\nfn lets() {\n    let a = pay(1);\n    assert!(a.ok);\n    let a = refund(1);\n    assert!(a.ok);\n}\n";
        let moved = lets.replacen(
            "    assert!(a.ok);\n    let a = refund(1);\n",
            "    let a = refund(1);\n    assert!(a.ok);\n",
            1,
        );
        assert_ne!(moved, lets);
        assert_eq!(
            rules_between("tests/lets.rs", lets, &moved),
            vec![Rule::BodyChanged]
        );
    }

    #[test]
    fn a_changed_statement_is_refused() {
        let r = Rule::BodyChanged;
        refused(&PY, &[("xs = [1, 2, 3]", "xs = [6]")], r);
        refused(&RS, &[("let xs = [1, 2, 3];", "let xs = [6, 0, 0];")], r);
        refused(&GO, &[("xs := []int{1, 2, 3}", "xs := []int{6}")], r);
        for f in [&JS, &TS] {
            refused(f, &[("[1, 2, 3]", "[6]")], r);
        }
    }

    #[test]
    fn a_statement_inserted_before_a_locked_one_is_refused() {
        let r = Rule::BodyChanged;
        refused(
            &PY,
            &[("    assert total(xs)", "    xs = [6]\n    assert total(xs)")],
            r,
        );
        refused(
            &GO,
            &[(
                "\tif Total(xs) != 6",
                "\txs = []int{6}\n\tif Total(xs) != 6",
            )],
            r,
        );
        for f in [&JS, &TS] {
            refused(
                f,
                &[("  expect(total(xs))", "  xs.push(0);\n  expect(total(xs))")],
                r,
            );
        }
    }

    #[test]
    fn a_statement_appended_after_the_last_locked_one_is_accepted() {
        accepted(
            &PY,
            &[(
                "    assert total([]) == 0\n",
                "    assert total([]) == 0\n    ys = [4]\n    assert total(ys) == 4\n",
            )],
        );
        accepted(
            &RS,
            &[(
                "    assert_eq!(total(&[]), 0);\n",
                "    assert_eq!(total(&[]), 0);\n    let ys = [4];\n    assert_eq!(total(&ys), 4);\n",
            )],
        );
        accepted(
            &GO,
            &[(
                "\t\tt.Error(\"not zero\")\n\t}\n",
                "\t\tt.Error(\"not zero\")\n\t}\n\tys := []int{4}\n\t_ = ys\n",
            )],
        );
        for f in [&JS, &TS] {
            accepted(
                f,
                &[(
                    "  expect(total([])).toBe(0);\n",
                    "  expect(total([])).toBe(0);\n  const ys = [4];\n  expect(total(ys)).toBe(4);\n",
                )],
            );
        }
    }

    /// `(path, helper, test)`: a file with a helper that only asserts and a sacred test whose
    /// `{CALL}` is where a call to it is inserted, before a locked statement.
    fn helpers() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
        vec![
            (
                "pay/total_test.go",
                "func check(t *testing.T, found, want string) {\n\tt.Helper()\n\tif !strings.Contains(found, want) {\n\t\tt.Errorf(\"want %q in %q\", want, found)\n\t}\n}\n",
                "package pay\n\nimport (\n\t\"strings\"\n\t\"testing\"\n)\n\n{HELPER}\n// gatekeeper:sacred\nfunc TestTotal(t *testing.T) {\n\tout := Render()\n{CALL}\tcount := Count(out)\n\tif count != 6 {\n\t\tt.Errorf(\"count\")\n\t}\n}\n",
                "\tcheck(t, out, \"--two\")\n",
            ),
            (
                "tests/test_total.py",
                "def expect_total(result, want):\n    assert result.total == want\n",
                "from pay import render, count\n\n\n{HELPER}\n\n# gatekeeper:sacred\ndef test_total():\n    result = render()\n{CALL}    n = count(result)\n    assert n == 6\n",
                "    expect_total(result, 6)\n",
            ),
            (
                "tests/total.test.js",
                "function expectOk(res) {\n  expect(res.ok).toBe(true);\n}\n",
                "const { render, count } = require('../pay');\n\n{HELPER}\n// gatekeeper:sacred\ntest('total', () => {\n  const res = render();\n{CALL}  const n = count(res);\n  expect(n).toBe(6);\n});\n",
                "  expectOk(res);\n",
            ),
        ]
    }

    fn with_helper(path: &str, helper: &str, test: &str, call: &str) -> Vec<Rule> {
        let src = |call: &str| test.replace("{HELPER}", helper).replace("{CALL}", call);
        // A check reads the base revision too: there the helper was already bound.
        let old = src("");
        super::super::testing::rules_with_base(path, &old, &old, &src(call))
    }

    #[test]
    fn a_call_to_a_helper_that_only_asserts_may_be_inserted_anywhere() {
        // cobra 50258f1: `check(t, output, …)` calls inserted among the locked statements.
        for (path, helper, test, call) in helpers() {
            let rules = with_helper(path, helper, test, call);
            assert!(rules.is_empty(), "{path}: {rules:?}");
        }
    }

    #[test]
    fn a_helper_that_does_more_than_assert_or_an_argument_that_runs_is_an_insertion() {
        for (path, helper, test, call) in helpers() {
            // The helper also writes what the test reads.
            let writes = match path.rsplit_once('.').map_or("", |(_, e)| e) {
                "go" => helper.replace("\tt.Helper()\n", "\tt.Helper()\n\tReset()\n"),
                "py" => helper.replace(
                    "    assert result.total",
                    "    result.total = want\n    assert result.total",
                ),
                _ => helper.replace("  expect(res.ok)", "  res.ok = true;\n  expect(res.ok)"),
            };
            assert_ne!(writes, helper);
            let rules = with_helper(path, &writes, test, call);
            assert!(rules.contains(&Rule::BodyChanged), "{path}: {rules:?}");
            // An argument that calls something.
            let runs = call
                .replace("out,", "Render(),")
                .replace("(result,", "(render(),")
                .replace("(res)", "(render())");
            assert_ne!(runs, call);
            let rules = with_helper(path, helper, test, &runs);
            assert!(rules.contains(&Rule::BodyChanged), "{path}: {rules:?}");
        }
        // Go: `Helper()` on something else than the test's context is a call like any other.
        let (path, helper, test, call) = helpers()[0];
        let other = helper.replace("\tt.Helper()\n", "\tdb.Helper()\n");
        let rules = with_helper(path, &other, test, call);
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
    }

    #[test]
    fn python_annotations_python_never_runs_are_not_a_change() {
        // A local's annotation is never evaluated in a function: any annotation, added,
        // changed (`List[int]` → `list[int]`) or removed.
        accepted(
            &PY,
            &[("    xs = [1, 2, 3]\n", "    xs: List[int] = [1, 2, 3]\n")],
        );
        accepted(
            &PY,
            &[("    xs = [1, 2, 3]\n", "    xs: make_fake() = [1, 2, 3]\n")],
        );
        // `(object)` bases, and a nested function's type annotations.
        let base = PY.src().replace(
            "    xs = [1, 2, 3]\n",
            "    class Box(object):\n        pass\n\n    def items(n=3):\n        return [1, 2, n]\n\n    xs = items()\n",
        );
        let new = base
            .replace("class Box(object):", "class Box:")
            .replace("def items(n=3):", "def items(n: int = 3) -> list[int]:");
        let rules = super::super::testing::rules_between(PY.path, &base, &new);
        assert!(rules.is_empty(), "{rules:?}");
    }

    #[test]
    fn python_annotations_that_run_or_change_the_value_are_still_a_change() {
        let base = PY.src().replace(
            "    xs = [1, 2, 3]\n",
            "    def items(n=3):\n        return [1, 2, n]\n\n    xs = items()\n",
        );
        let between = |from: &str, to: &str| {
            super::super::testing::rules_between(PY.path, &base, &base.replacen(from, to, 1))
        };
        // A parameter's annotation runs when the function is defined: a call is kept.
        let rules = between("def items(n=3):", "def items(n: patch_total() = 3):");
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
        let rules = between("def items(n=3):", "def items(n=3) -> patch_total():");
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
        // The value still counts, and a base other than `object` is a change.
        refused(
            &PY,
            &[("    xs = [1, 2, 3]\n", "    xs: List[int] = [1, 2]\n")],
            Rule::BodyChanged,
        );
        let with_class = PY.src().replace(
            "    xs = [1, 2, 3]\n",
            "    class Box(object):\n        pass\n\n    xs = [1, 2, 3]\n",
        );
        let rules = super::super::testing::rules_between(
            PY.path,
            &with_class,
            &with_class.replace("class Box(object):", "class Box(FakeBase):"),
        );
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
        // A class body's annotations stay (a dataclass's fields are its annotations).
        let with_fields = PY.src().replace(
            "    xs = [1, 2, 3]\n",
            "    class Row:\n        n: int = 3\n\n    xs = [1, 2, 3]\n",
        );
        let rules = super::super::testing::rules_between(
            PY.path,
            &with_fields,
            &with_fields.replace("        n: int = 3\n", "        n: ClassVar[int] = 3\n"),
        );
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
    }

    /// `(anchor, guard)` per language: the test's first statement, and a guard that only
    /// skips or returns, inserted before it in the base revision.
    fn guards(f: &super::super::testing::Fixture) -> (&'static str, Vec<&'static str>) {
        match f.path.rsplit_once('.').map_or("", |(_, e)| e) {
            "py" => (
                "    xs = [1, 2, 3]\n",
                vec![
                    "    if \"CI\" in os.environ:\n        pytest.skip(\"flaky on CI\")\n",
                    "    if Engine.configured().name.endswith(\"Twisted\"):\n        # Fails there.\n        raise unittest.SkipTest(\"not with Twisted\")\n",
                    "    if sys.platform == \"win32\":\n        return\n",
                ],
            ),
            "rs" => (
                "    let xs = [1, 2, 3];\n",
                vec!["    if cfg!(windows) {\n        return;\n    }\n"],
            ),
            "go" => (
                "\txs := []int{1, 2, 3}\n",
                vec![
                    "\tif testing.Short() {\n\t\tt.Skip(\"slow\")\n\t}\n",
                    "\tif runtime.GOOS == \"windows\" {\n\t\treturn\n\t}\n",
                ],
            ),
            "js" => (
                "  const xs = [1, 2, 3];\n",
                vec!["  if (process.env.CI) return;\n"],
            ),
            _ => (
                "  const xs: number[] = [1, 2, 3];\n",
                vec!["  if (process.env.CI) {\n    return;\n  }\n"],
            ),
        }
    }

    #[test]
    fn a_guard_that_only_skipped_the_test_removed_is_accepted() {
        use super::super::testing::{edited, rules_with_base};
        let rules_between = |p: &str, old: &str, new: &str| rules_with_base(p, old, old, new);
        for f in [&PY, &RS, &GO, &JS, &TS] {
            let (anchor, guards) = guards(f);
            for guard in guards {
                let base = edited(f, &[(anchor, &format!("{guard}{anchor}"))]);
                let rules = rules_between(f.path, &base, &f.src());
                assert_eq!(rules, Vec::<Rule>::new(), "{}: {guard}", f.path);
            }
        }
    }

    #[test]
    fn a_guard_changed_or_one_that_does_more_than_skip_removed_is_refused() {
        use super::super::testing::{edited, rules_with_base};
        let rules_between = |p: &str, old: &str, new: &str| rules_with_base(p, old, old, new);
        let (anchor, _) = guards(&PY);
        let base_with = |guard: &str| edited(&PY, &[(anchor, &format!("{guard}{anchor}"))]);
        // Removed: a guard with another branch, one that also sets something up, one whose
        // condition binds a name, one that returns a value.
        for guard in [
            "    if \"CI\" in os.environ:\n        pytest.skip(\"CI\")\n    else:\n        setup()\n",
            "    if \"CI\" in os.environ:\n        configure()\n        pytest.skip(\"CI\")\n",
            "    if (engine := start()) is None:\n        pytest.skip(\"no engine\")\n",
            "    if sys.platform == \"win32\":\n        return 6\n",
            "    if \"CI\" in os.environ:\n        raise ValueError(\"CI\")\n",
        ] {
            let rules = rules_between(PY.path, &base_with(guard), &PY.src());
            assert!(rules.contains(&Rule::BodyChanged), "{guard}: {rules:?}");
        }
        // Kept, with a condition that skips in more places.
        let guard = "    if \"CI\" in os.environ:\n        pytest.skip(\"CI\")\n";
        let wider = "    if True:\n        pytest.skip(\"CI\")\n";
        let rules = rules_between(
            PY.path,
            &base_with(guard),
            &edited(&PY, &[(anchor, &format!("{wider}{anchor}"))]),
        );
        assert!(!rules.is_empty(), "{rules:?}");
        let (anchor, _) = guards(&GO);
        let base = edited(
            &GO,
            &[(
                anchor,
                &format!(
                    "\tif v := os.Getenv(\"CI\"); v != \"\" {{\n\t\tt.Skip(v)\n\t}}\n{anchor}"
                ),
            )],
        );
        let rules = rules_between(GO.path, &base, &GO.src());
        assert!(!rules.is_empty(), "{rules:?}");
    }

    /// The Python fixture with `code` put before its first statement.
    fn py_with(code: &str) -> String {
        super::super::testing::edited(
            &PY,
            &[(
                "    xs = [1, 2, 3]\n",
                &format!("{code}    xs = [1, 2, 3]\n"),
            )],
        )
    }

    const TRY_RAISES: &str = "    try:\n        total(None)\n        raise AssertionError(\"no error\")\n    except TypeError:\n        pass\n";

    #[test]
    fn try_except_pass_written_as_an_expected_raise_is_accepted() {
        use super::super::testing::rules_with_base;
        for (base, new) in [
            (
                TRY_RAISES.to_owned(),
                "    with pytest.raises(TypeError):\n        total(None)\n",
            ),
            (
                TRY_RAISES.replace("raise AssertionError(\"no error\")", "raise Exception"),
                "    with pytest.raises(TypeError, match=\"None\"):\n        total(None)\n",
            ),
        ] {
            let (base, new) = (py_with(&base), py_with(new));
            assert_eq!(
                rules_with_base(PY.path, &base, &base, &new),
                Vec::<Rule>::new(),
                "{new}"
            );
        }
    }

    #[test]
    fn an_expected_raise_that_checks_less_or_other_code_is_refused() {
        use super::super::testing::rules_with_base;
        let base = py_with(TRY_RAISES);
        for new in [
            // A wider exception, other code, more code, a name bound.
            "    with pytest.raises(Exception):\n        total(None)\n",
            "    with pytest.raises(TypeError):\n        total([])\n",
            "    with pytest.raises(TypeError):\n        xs = None\n        total(None)\n",
            "    with pytest.raises(TypeError) as caught:\n        total(None)\n",
        ] {
            let rules = rules_with_base(PY.path, &base, &base, &py_with(new));
            assert!(!rules.is_empty(), "{new}");
        }
        // A handler that does more than pass, a try without a failure after the code.
        for old in [
            TRY_RAISES.replace("        pass\n", "        reset()\n"),
            TRY_RAISES.replace("        raise AssertionError(\"no error\")\n", ""),
        ] {
            let base = py_with(&old);
            let new = py_with("    with pytest.raises(TypeError):\n        total(None)\n");
            let rules = rules_with_base(PY.path, &base, &base, &new);
            assert!(!rules.is_empty(), "{old}");
        }
        // Not the other way round.
        let with = py_with("    with pytest.raises(TypeError):\n        total(None)\n");
        let rules = rules_with_base(PY.path, &with, &with, &base);
        assert!(!rules.is_empty(), "{rules:?}");
    }
}
