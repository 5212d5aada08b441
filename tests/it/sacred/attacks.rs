//! The ninth round of attacks on the sacred check, in every language: each edit made a
//! locked test vacuous or kept it from running while the check passed, confirmed with the
//! real runner (unittest and pytest, Jest, Vitest and AVA, `go test`): the code under test
//! broken, the locked test fails and the edited tree passes. Each is a before/after tree in
//! `tests/it/sacred/fixtures/ninth_attacks/NAME`, and is refused now.

/// Python: import-time code the name-based reading did not follow (`setattr` on a dotted
/// name, a lambda decorator, an alias, `exec` imported under another name, a helper
/// returning the module, an instance's `__call__`/`__mro_entries__`/`__enter__`, a hook
/// handed to `sys.setprofile`, `patcher.__enter__()`, `pickle.loads`, `map(patch, …)`, a
/// module `__getattr__`); JavaScript/TypeScript: a matcher replaced from a `describe` body,
/// a class static block, a computed key, a template substitution, a function handed to
/// `map`, `vi.mock` inside a test, `test['only']`, an enum initializer, a `module` block, a
/// decorator; Go: the test file renamed so the go tool skips it, a nested `go.mod`, a
/// `replace` or `go.work` answering the test's import with a fake, and the external test
/// package's `init` or values ending the run.
#[test]
fn the_ninth_attacks_are_refused() {
    super::assert_attack_fixtures_refused("ninth_attacks", 38);
}
