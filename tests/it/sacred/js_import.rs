//! JavaScript and TypeScript: what a test file runs while it is imported, before every one of
//! its tests (calls at the top of the module, the headers of its compound statements, what a
//! declaration's value runs, the file's functions it calls, a module imported for its effects).
//! Each attack below passed `sacred check` before these were read.

const PATH: &str = "tests/billing/total.test.js";
const ID: &str = "js:tests/billing/total.test.js::total";
const TEST: &str = "const test = require('ava');\nconst billing = require('../../billing.js');\n\nfunction helper() {\n  return 1;\n}\n\ntest('total', (t) => {\n  t.is(billing.total([1, 2, 3]), 6);\n});\n";
const BILLING: &str = "exports.total = (xs) => xs.reduce((a, b) => a + b, 0);\n";
/// A `package.json` that installs AVA from the registry.
const AVA_PACKAGE: &str = "{\"devDependencies\": {\"ava\": \"^6.0.0\"}}\n";

fn locked(path: &str, test: &str) -> super::Locked {
    super::locked(&[(path, test), ("billing.js", BILLING)])
}

/// `test` locked at `path`, then `code` inserted before its test.
fn inserted(path: &str, test: &str, code: &str) -> super::Locked {
    let l = locked(path, test);
    l.edit(
        path,
        test,
        &[("\ntest('total'", &format!("{code}\n\ntest('total'"))],
    );
    l
}

#[test]
fn js_a_monkeypatch_run_while_the_module_is_imported_is_refused() {
    for code in [
        "Object.assign(billing, { total: () => 6 });",
        "Object.defineProperty(billing, 'total', { value: () => 6 });",
        "if (Object.assign(billing, { total: () => 6 })) {}",
        "for (const x of [Object.assign(billing, { total: () => 6 })]) {}",
        "while (!Object.assign(billing, { total: () => 6 })) {}",
        ";(() => {\n  billing.total = () => 6;\n})();",
        "const _ = Object.assign(billing, { total: () => 6 });",
        "let y = ((billing.total = () => 6), 1);",
        "require('./patch.js');",
        // A global that runs its callback soon is not a registration.
        "setTimeout(() => {\n  billing.total = () => 6;\n}, 0);",
        "queueMicrotask(() => {\n  billing.total = () => 6;\n});",
        "import './patch.js';",
        // The file's own function, called by name or with a callback.
        "function patch() {\n  billing.total = () => 6;\n}\npatch();",
        "function register(title, fn) {\n  billing.total = () => 6;\n}\nregister('x', () => {});",
        // A function of another module: what it does is not read here.
        "const { mockTotal } = require('./helpers.js');\nmockTotal(() => 6);",
    ] {
        inserted(PATH, TEST, code).assert_refused("rebound", ID);
    }
}

/// The same in TypeScript, which is read through the same path.
#[test]
fn ts_a_monkeypatch_run_while_the_module_is_imported_is_refused() {
    let path = "tests/billing/total.test.ts";
    let test = "import test from 'ava';\nimport billing from '../../billing.js';\n\ntest('total', (t) => {\n  t.is(billing.total([1, 2, 3]), 6);\n});\n";
    let l = inserted(
        path,
        test,
        "Object.assign(billing, { total: (xs: number[]): number => 6 });",
    );
    l.assert_refused("rebound", "ts:tests/billing/total.test.ts::total");
}

/// A function of the file the module already calls, rewritten to patch.
#[test]
fn js_a_function_the_module_calls_rewritten_to_patch_is_refused() {
    let test = TEST.replace(
        "\ntest('total'",
        "function setup() {\n  return 1;\n}\nsetup();\n\ntest('total'",
    );
    let l = locked(PATH, &test);
    l.edit(
        PATH,
        &test,
        &[(
            "function setup() {\n  return 1;\n}",
            "function setup() {\n  billing.total = () => 6;\n}",
        )],
    );
    l.assert_refused("rebound", ID);
}

#[test]
fn js_module_code_that_runs_nothing_of_the_tests_may_be_added() {
    let new_test = "\ntest('more', (t) => {\n  t.is(billing.total([1]), 1);\n});\n";
    for (from, to) in [
        ("});\n", format!("}});\n{new_test}")),
        (
            "});\n",
            format!("}});\n{}", new_test.replace("test(", "test.serial(")),
        ),
        (
            "});\n",
            "});\n\ndescribe('more', () => {\n  it('runs', () => {});\n});\n".to_owned(),
        ),
        ("const test", "'use strict';\n\nconst test".to_owned()),
        (
            "\ntest('total'",
            "const cases = [1, 2];\ncases.push(3);\n\ntest('total'".to_owned(),
        ),
        (
            "\ntest('total'",
            "const seen = [];\nfor (const x of [1, 2]) {\n  seen.push(x);\n}\n\ntest('total'"
                .to_owned(),
        ),
        (
            "\ntest('total'",
            "if (process.platform === 'win32') {\n  console.log('windows');\n}\n\ntest('total'"
                .to_owned(),
        ),
        // A helper the module does not call.
        ("  return 1;", "  return 2;".to_owned()),
        // A global called with a callback registers a test the file cannot see.
        ("});\n", "});\n\ncheck('other', () => {});\n".to_owned()),
    ] {
        let l = locked(PATH, TEST);
        l.edit(PATH, TEST, &[(from, to.as_str())]);
        l.assert_passes_checked();
    }
}

/// A helper module of the tests the test file requires runs its top level before every test.
#[test]
fn js_a_helper_module_that_patches_as_it_is_imported_is_refused() {
    let util = "const billing = require('../../../billing.js');\n\nfunction helper() {\n  return 1;\n}\n\nmodule.exports = {helper};\n";
    let test = TEST.replace(
        "const billing = require('../../billing.js');\n",
        "const billing = require('../../billing.js');\nconst {helper} = require('./helpers/util.js');\n",
    );
    let locked = || {
        super::locked(&[
            (PATH, test.as_str()),
            ("tests/billing/helpers/util.js", util),
            ("billing.js", BILLING),
        ])
    };
    for patch in [
        "Object.assign(billing, { total: () => 6 });\n",
        "billing.total = () => 6;\n",
        "billing['total'] = () => 6;\n",
    ] {
        let l = locked();
        l.edit(
            "tests/billing/helpers/util.js",
            util,
            &[("module.exports", &format!("{patch}\nmodule.exports"))],
        );
        l.assert_refused("rebound", ID);
    }
    // Its functions and its exports may change.
    for (from, to) in [
        ("  return 1;", "  return 2;"),
        (
            "module.exports = {helper};",
            "module.exports = {helper};\nmodule.exports.LIMIT = 3;",
        ),
    ] {
        let l = locked();
        l.edit("tests/billing/helpers/util.js", util, &[(from, to)]);
        l.assert_passes_checked();
    }
}

// What configures the test runner runs before the tests or decides which run: the runner's
// key of `package.json`, a runner configuration file, and a setup file they name. A change
// to one, or a new configuration file, is refused; the rest of `package.json` may change.
#[test]
fn js_the_runners_configuration_and_setup_files_are_locked() {
    let package = "{\n  \"name\": \"shop\",\n  \"dependencies\": {\"left-pad\": \"1.0.0\"},\n  \"ava\": {\"require\": [\"./tests/setup.js\"]}\n}\n";
    let setup = "globalThis.ready = true;\n";
    let files = [
        (PATH, TEST),
        ("billing.js", BILLING),
        ("package.json", package),
        ("tests/setup.js", setup),
    ];
    let refused: [(&str, &str, &str, &str); 3] = [
        (
            "tests/setup.js",
            setup,
            "globalThis.ready = true;\n",
            "globalThis.ready = true;\nrequire('../billing.js').total = () => 6;\n",
        ),
        (
            "package.json",
            package,
            "\"require\": [\"./tests/setup.js\"]",
            "\"require\": [\"./tests/setup.js\"], \"nodeArguments\": [\"--import=./patch.js\"]",
        ),
        (
            "package.json",
            package,
            "\"ava\": {\"require\": [\"./tests/setup.js\"]}",
            "\"ava\": {\"require\": [\"./tests/setup.js\"], \"files\": [\"!tests/billing/**\"]}",
        ),
    ];
    for (file, base, from, to) in refused {
        let l = super::locked(&files);
        l.edit(file, base, &[(from, to)]);
        l.assert_refused("rebound", ID);
    }
    let l = super::locked(&files);
    l.repo.write(
        "vitest.config.mjs",
        "export default {test: {exclude: ['tests/billing/**']}};\n",
    );
    l.assert_refused("rebound", ID);
    // npm hands `.npmrc`'s `node-options` to every node process it starts, and its
    // `registry` says where packages come from.
    for npmrc in [
        "node-options=--require ./tests/patch.js\n",
        "registry=https://registry.example.invalid/\n",
    ] {
        let l = super::locked(&files);
        l.repo.write(".npmrc", npmrc);
        l.assert_refused("rebound", ID);
    }
    let l = super::locked(&files);
    l.repo.write(".npmrc", "fund=false\n");
    l.assert_passes();
    // Jest transforms the tests with Babel when it finds a configuration: a plugin of the
    // repository may rewrite them.
    for config in ["babel.config.js", ".babelrc"] {
        let l = super::locked(&files);
        l.repo
            .write(config, "{\"plugins\": [\"./strip-expect.js\"]}\n");
        l.assert_refused("rebound", ID);
    }
    let l = super::locked(&files);
    l.edit(
        "package.json",
        package,
        &[("\"left-pad\": \"1.0.0\"", "\"left-pad\": \"1.0.1\"")],
    );
    l.assert_passes_checked();
    // Another installed loader, and a key that changes only how the runner runs.
    let loader = package.replace(
        "\"ava\": {\"require\": [\"./tests/setup.js\"]}",
        "\"ava\": {\"require\": [\"./tests/setup.js\"], \"nodeArguments\": [\"--loader=ts-node/esm\"]}",
    );
    let files = [
        (PATH, TEST),
        ("billing.js", BILLING),
        ("package.json", loader.as_str()),
        ("tests/setup.js", setup),
    ];
    let l = super::locked(&files);
    l.edit(
        "package.json",
        &loader,
        &[(
            "\"nodeArguments\": [\"--loader=ts-node/esm\"]",
            "\"nodeArguments\": [\"--import=tsx/esm\"], \"workerThreads\": false",
        )],
    );
    l.assert_passes_checked();
}

// The runner and the assertion library come from the registry: taking one from a path, a
// link, a git repository or another package (a fake `ava` whose `t.is` passes anything),
// directly or through `overrides`/`resolutions`, is refused; a version bump passes.
#[test]
fn js_the_runner_or_assertion_library_taken_from_elsewhere_is_refused() {
    let package = "{\n  \"name\": \"shop\",\n  \"devDependencies\": {\"ava\": \"^5.3.0\", \"chai\": \"4.3.7\"}\n}\n";
    let files = [
        (PATH, TEST),
        ("billing.js", BILLING),
        ("package.json", package),
    ];
    for (from, to) in [
        ("\"ava\": \"^5.3.0\"", "\"ava\": \"file:./fake-ava\""),
        ("\"ava\": \"^5.3.0\"", "\"ava\": \"npm:fake-ava@1.0.0\""),
        ("\"chai\": \"4.3.7\"", "\"chai\": \"github:someone/chai\""),
        (
            "\"name\": \"shop\",",
            "\"name\": \"shop\",\n  \"overrides\": {\"ava\": \"link:./fake-ava\"},",
        ),
        (
            "\"name\": \"shop\",",
            "\"name\": \"shop\",\n  \"resolutions\": {\"**/chai\": \"file:./fake-chai\"},",
        ),
    ] {
        let l = super::locked(&files);
        l.edit("package.json", package, &[(from, to)]);
        l.assert_refused("rebound", ID);
    }
    for (from, to) in [
        ("\"ava\": \"^5.3.0\"", "\"ava\": \"^6.1.0\""),
        (
            "\"name\": \"shop\",",
            "\"name\": \"shop\",\n  \"overrides\": {\"chai\": \"4.4.1\"},",
        ),
    ] {
        let l = super::locked(&files);
        l.edit("package.json", package, &[(from, to)]);
        l.assert_passes_checked();
    }
}

// Under a lock written before the runner's configuration was recorded, the base revision's
// configuration passes when a test file is touched; a setup file changed since is refused
// with the test's file (alone, it is compared once a re-lock records it, as a helper is).
#[test]
fn js_under_a_lock_without_hooks_the_base_revisions_runner_configuration_decides() {
    let package = "{\n  \"name\": \"shop\",\n  \"ava\": {\"require\": [\"./tests/setup.js\"]}\n}\n";
    let setup = "globalThis.ready = true;\n";
    let l = super::locked(&[
        (PATH, TEST),
        ("billing.js", BILLING),
        ("package.json", package),
        ("tests/setup.js", setup),
    ]);
    l.commit_lock_without("  hooks");
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    let older: String = lock
        .lines()
        .filter(|line| !line.starts_with("  envelope-binding hook runner "))
        .fold(String::new(), |acc, line| acc + line + "\n");
    assert_ne!(older, lock, "the lock has no runner line");
    l.commit_lock(&older);
    l.edit(PATH, TEST, &[("  return 1;\n", "  // one\n  return 1;\n")]);
    l.assert_passes_checked();
    l.edit(
        "tests/setup.js",
        setup,
        &[(
            "= true;\n",
            "= true;\nrequire('../billing.js').total = () => 6;\n",
        )],
    );
    l.edit(PATH, TEST, &[("  return 1;\n", "  // uno\n  return 1;\n")]);
    l.assert_refused("rebound", ID);
}

// Jest's `__mocks__`: the file beside a module that `jest.mock('../billing.js')` (without a
// factory) puts in its place, and the mocks beside `package.json` that Jest applies to node
// modules by themselves, are locked with the test by their digest.
#[test]
fn js_a_mock_file_of_jest_rewritten_is_refused() {
    let test = "const billing = require('../../src/billing.js');\n\njest.mock('../../src/billing.js');\n\n// gatekeeper:sacred\ntest('total', () => {\n  expect(billing.total([1, 2, 3])).toBe(6);\n});\n";
    let adjacent = "module.exports = jest.requireActual('../billing.js');\n";
    let root = "module.exports = (s) => s;\n";
    let files = [
        (PATH, test),
        ("src/billing.js", BILLING),
        ("src/__mocks__/billing.js", adjacent),
        ("__mocks__/left-pad.js", root),
        ("package.json", "{\"name\": \"shop\"}\n"),
    ];
    for (file, base, to) in [
        (
            "src/__mocks__/billing.js",
            adjacent,
            "module.exports = {total: () => 6};\n",
        ),
        (
            "__mocks__/left-pad.js",
            root,
            "module.exports = () => '';\n",
        ),
    ] {
        let l = super::locked(&files);
        l.edit(file, base, &[(base, to)]);
        l.assert_refused("rebound", ID);
    }
    // A mock added beside `package.json` replaces that node module too.
    let l = super::locked(&files);
    l.repo
        .write("__mocks__/lodash.js", "module.exports = {};\n");
    l.assert_refused("rebound", ID);
}

// Under Jest's `roots`, the mocks of node modules are read from `__mocks__` directly under each
// root: one rewritten, or one added there, is refused. Under a lock written before roots were
// read, the mocks as the base revision has them pass.
#[test]
fn js_a_mock_in_a_jest_roots_mocks_directory_is_locked() {
    let test = "const pad = require('left-pad');\n\n// gatekeeper:sacred\ntest('total', () => {\n  expect(pad('6', 2)).toBe(' 6');\n});\n";
    let mock = "module.exports = (s) => s;\n";
    // `roots` with `<rootDir>`, and without it (relative to the configuration's directory),
    // in `package.json`, or in a `jest.config.js` (as written there: `'./tests/'` too).
    let plain = "{\"name\": \"shop\", \"devDependencies\": {\"jest\": \"^29.0.0\"}}\n";
    for (roots, config) in [
        ("\"<rootDir>/tests\"", None),
        ("\"tests\"", None),
        ("", Some("module.exports = { roots: ['tests'] };\n")),
        (
            "",
            Some("const dir = './tests/';\nmodule.exports = { roots: [dir] };\n"),
        ),
    ] {
        let package = match config {
            None => format!(
                "{{\"name\": \"shop\", \"jest\": {{\"roots\": [{roots}]}}, \"devDependencies\": {{\"jest\": \"^29.0.0\"}}}}\n"
            ),
            Some(_) => plain.to_owned(),
        };
        let mut files = vec![
            (PATH, test),
            ("tests/__mocks__/left-pad.js", mock),
            ("package.json", package.as_str()),
        ];
        if let Some(c) = config {
            files.push(("jest.config.js", c));
        }
        let l = super::locked(&files);
        l.edit(
            "tests/__mocks__/left-pad.js",
            mock,
            &[(mock, "module.exports = () => ' 6';\n")],
        );
        l.assert_refused("rebound", ID);
        let l = super::locked(&files);
        l.repo
            .write("tests/__mocks__/lodash.js", "module.exports = {};\n");
        l.assert_refused("rebound", ID);
        let l = super::locked(&files);
        l.commit_lock_without("  envelope-binding hook runner setup (in tests/__mocks__/");
        l.edit(
            PATH,
            test,
            &[("test('total'", "// the total\ntest('total'")],
        );
        l.assert_passes_checked();
    }
}

// Mocha runs only the focused tests of the whole run once one file has one, and AVA only
// those of the files it runs after such a file: a test
// focused in another file below the same `package.json` drops the locked tests. Jest and
// Vitest focus within a file, so there it passes.
#[test]
fn js_a_test_focused_in_another_file_is_refused_under_ava_or_mocha() {
    let other = "const test = require('ava');\n\ntest('other', (t) => {\n  t.pass();\n});\n";
    for (package, refused) in [
        (AVA_PACKAGE, true),
        ("{\"devDependencies\": {\"mocha\": \"^10.0.0\"}}\n", true),
        ("{\"devDependencies\": {\"jest\": \"^29.0.0\"}}\n", false),
    ] {
        let l = super::locked(&[
            (PATH, TEST),
            ("billing.js", BILLING),
            ("package.json", package),
            ("tests/other.test.js", other),
        ]);
        l.edit(
            "tests/other.test.js",
            other,
            &[("test('other'", "test.only('other'")],
        );
        if refused {
            l.assert_refused("only-sibling", ID);
        } else {
            l.assert_passes();
        }
    }
    // A test focused already at the base revision is not a new focus.
    let focused = other.replace("test('other'", "test.only('other'");
    let l = super::locked(&[
        (PATH, TEST),
        ("billing.js", BILLING),
        ("package.json", AVA_PACKAGE),
        ("tests/other.test.js", focused.as_str()),
    ]);
    l.edit(
        "tests/other.test.js",
        &focused,
        &[("t.pass();", "t.pass();\n  t.true(true);")],
    );
    l.assert_passes();
}

// Mocha loads every spec file into one process: a root hook (`beforeEach` outside any
// `describe`) or top-level code that patches, in another spec file, runs for the locked
// test too. An edit of that file's own tests passes; under AVA, which runs each file in a
// worker of its own, the patch cannot reach it.
#[test]
fn js_a_root_hook_or_patch_in_another_mocha_spec_file_is_refused() {
    let test = "const assert = require('assert');\nconst billing = require('../../billing.js');\n\ndescribe('billing', () => {\n  it('total', () => {\n    assert.strictEqual(billing.total([1, 2, 3]), 6);\n  });\n});\n";
    let other = "const assert = require('assert');\n\ndescribe('other', () => {\n  it('works', () => {\n    assert.ok(true);\n  });\n});\n";
    let id = "js:tests/billing/total.test.js::billing::total";
    let files = |package: &'static str| {
        [
            ("tests/billing/total.test.js", test),
            ("tests/other.test.js", other),
            ("billing.js", BILLING),
            ("package.json", package),
        ]
    };
    let mocha = "{\"devDependencies\": {\"mocha\": \"^10.0.0\"}}\n";
    for top in [
        "const billing = require('../billing.js');\n\nbeforeEach(() => {\n  billing.total = () => 6;\n});\n\n",
        "require('../billing.js').total = () => 6;\n\n",
    ] {
        let l = super::locked(&files(mocha));
        l.edit(
            "tests/other.test.js",
            other,
            &[("describe('other'", &format!("{top}describe('other'"))],
        );
        l.assert_refused("rebound", id);
    }
    let l = super::locked(&files(mocha));
    l.edit(
        "tests/other.test.js",
        other,
        &[("assert.ok(true);", "assert.ok(true);\n    assert.ok(1);")],
    );
    l.assert_passes();
    let l = super::locked(&files(AVA_PACKAGE));
    l.edit(
        "tests/other.test.js",
        other,
        &[(
            "describe('other'",
            "require('../billing.js').total = () => 6;\n\ndescribe('other'",
        )],
    );
    l.assert_passes();
}

// A module of the code that writes, at its top, to another module it loads (`billing.total =
// …` after `const billing = require('../billing.js')`) rewrites what every importer of that
// module sees. Loaded for its effects alone (`require('../../lib/prices.js');`) it was
// refused as module-level code; bound to a name, or reached through a module that binds it,
// it is refused as well. A module that only reads another passes.
#[test]
fn js_a_named_import_of_a_module_that_patches_another_at_its_top_is_refused() {
    let prices = "const billing = require('../billing.js');\nbilling.total = () => 6;\nmodule.exports = { rate: 1 };\n";
    for (import, extra) in [
        ("const prices = require('../../lib/prices.js');", None),
        ("const { rate } = require('../../lib/prices.js');", None),
        ("import * as prices from '../../lib/prices.js';", None),
        ("import { rate } from '../../lib/prices.js';", None),
        (
            "const dev = require('../../lib/dev.js');",
            Some("const prices = require('./prices.js');\nmodule.exports = { prices };\n"),
        ),
    ] {
        let l = locked(PATH, TEST);
        l.repo.write("lib/prices.js", prices);
        if let Some(dev) = extra {
            l.repo.write("lib/dev.js", dev);
        }
        l.edit(
            PATH,
            TEST,
            &[(
                "const billing = require('../../billing.js');\n",
                &format!("const billing = require('../../billing.js');\n{import}\n"),
            )],
        );
        l.assert_refused("rebound", ID);
    }
    for patch in [
        "Object.assign(billing, { total: () => 6 });",
        "require('../billing.js').total = () => 6;",
    ] {
        let l = locked(PATH, TEST);
        l.repo.write(
            "lib/prices.js",
            format!("const billing = require('../billing.js');\n{patch}\nmodule.exports = {{}};\n"),
        );
        l.edit(
            PATH,
            TEST,
            &[(
                "const billing = require('../../billing.js');\n",
                "const billing = require('../../billing.js');\nconst prices = require('../../lib/prices.js');\n",
            )],
        );
        l.assert_refused("rebound", ID);
    }
    // A module that reads another, and writes only to what it made itself.
    let l = locked(PATH, TEST);
    l.repo.write(
        "lib/prices.js",
        "const billing = require('../billing.js');\nconst table = {};\ntable.total = billing.total;\nmodule.exports = { table };\n",
    );
    l.edit(
        PATH,
        TEST,
        &[(
            "const billing = require('../../billing.js');\n",
            "const billing = require('../../billing.js');\nconst prices = require('../../lib/prices.js');\n",
        )],
    );
    l.assert_passes_checked();
}

// Mocha loads every spec file into one process: another spec that now binds a module whose
// top patches the code under test changes what the locked test calls.
#[test]
fn js_a_module_another_mocha_spec_binds_that_patches_is_refused() {
    let test = "const assert = require('assert');\nconst billing = require('../../billing.js');\n\ndescribe('billing', () => {\n  it('total', () => {\n    assert.strictEqual(billing.total([1, 2, 3]), 6);\n  });\n});\n";
    let other = "const assert = require('assert');\n\ndescribe('other', () => {\n  it('works', () => {\n    assert.ok(true);\n  });\n});\n";
    let id = "js:tests/billing/total.test.js::billing::total";
    let mocha = "{\"devDependencies\": {\"mocha\": \"^10.0.0\"}}\n";
    let files = [
        ("tests/billing/total.test.js", test),
        ("tests/other.test.js", other),
        ("billing.js", BILLING),
        ("package.json", mocha),
    ];
    for (module, ok) in [
        (
            "const billing = require('../billing.js');\nbilling.total = () => 6;\nmodule.exports = {};\n",
            false,
        ),
        (
            "const billing = require('../billing.js');\nmodule.exports = { t: billing.total };\n",
            true,
        ),
    ] {
        let l = super::locked(&files);
        l.repo.write("lib/prices.js", module);
        l.edit(
            "tests/other.test.js",
            other,
            &[(
                "const assert = require('assert');\n",
                "const assert = require('assert');\nconst prices = require('../lib/prices.js');\n",
            )],
        );
        if ok {
            l.assert_passes();
        } else {
            l.assert_refused("rebound", id);
        }
    }
}

// Node and Jest try an extensionless specifier as written before adding `.js`: a new file
// named exactly `billing` (no extension) beside `billing.js` answers the test's
// `require('../../billing')`; a change to `billing.js` alone passes.
#[test]
fn js_a_file_named_as_an_extensionless_import_is_refused() {
    let test = TEST.replace("'../../billing.js'", "'../../billing'");
    let l = locked(PATH, &test);
    l.repo.write("billing", "exports.total = () => 6;\n");
    l.assert_refused("rebound", ID);
    let l = locked(PATH, &test);
    l.repo.write("billing.js", format!("{BILLING}// checked\n"));
    l.assert_passes_checked();
}

// AVA's macro test, `test('total', totals, [1, 2, 3], 6)`, is a test: the macro it runs is
// a check helper locked with it, in the file or in the module it is imported from, and the
// values handed to it are locked as its envelope. Another helper of that module may change.
#[test]
fn js_an_ava_macro_test_is_locked_with_its_macro() {
    let macros = "const test = require('ava');\nconst billing = require('../../billing.js');\n\nconst totals = test.macro((t, xs, expected) => {\n  t.is(billing.total(xs), expected);\n});\n\nfunction unused() {\n  return 1;\n}\n\nmodule.exports = { totals, unused };\n";
    let test = "const test = require('ava');\nconst { totals } = require('../support/macros.js');\n\ntest('total', totals, [1, 2, 3], 6);\n";
    let files = [
        (PATH, test),
        ("tests/support/macros.js", macros),
        ("billing.js", BILLING),
    ];
    let l = super::locked(&files);
    l.assert_locked(ID);
    l.edit(
        "tests/support/macros.js",
        macros,
        &[(
            "t.is(billing.total(xs), expected);",
            "t.log(billing.total(xs), expected);\n  t.pass();",
        )],
    );
    l.assert_refused("rebound", ID);
    let l = super::locked(&files);
    l.edit(PATH, test, &[("[1, 2, 3], 6)", "[1, 2, 3], 7)")]);
    l.assert_staged_refuses(ID, "the value handed to the macro");
    let l = super::locked(&files);
    l.edit(
        "tests/support/macros.js",
        macros,
        &[("return 1;", "return 2;")],
    );
    l.assert_passes_checked();
    // A macro of the test's own file.
    let own = "const test = require('ava');\nconst billing = require('../../billing.js');\n\nconst totals = test.macro((t, xs, expected) => {\n  t.is(billing.total(xs), expected);\n});\n\ntest('total', totals, [1, 2, 3], 6);\n";
    let l = super::locked(&[(PATH, own), ("billing.js", BILLING)]);
    l.edit(
        PATH,
        own,
        &[("t.is(billing.total(xs), expected);", "t.pass();")],
    );
    l.assert_staged_refuses(ID, "the file's own macro");
}

// A custom matcher the test asserts with, installed by `expect.extend` in a helper module
// the test loads for its effects alone, is locked with the body it installs (written inline
// or as a function of that module); another matcher of the module may be added.
#[test]
fn js_a_custom_matcher_of_a_loaded_helper_is_locked() {
    let test = "require('../support/matchers.js');\nconst billing = require('../../billing.js');\n\ntest('total', () => {\n  expect(billing.total([1, 2, 3])).toTotal(6);\n});\n";
    for matchers in [
        "expect.extend({\n  toTotal(received, expected) {\n    return { pass: received === expected, message: () => 'no' };\n  },\n});\n",
        "function toTotal(received, expected) {\n  return { pass: received === expected, message: () => 'no' };\n}\n\nexpect.extend({ toTotal });\n",
    ] {
        let files = [
            (PATH, test),
            ("tests/support/matchers.js", matchers),
            ("billing.js", BILLING),
        ];
        let l = super::locked(&files);
        l.edit(
            "tests/support/matchers.js",
            matchers,
            &[(
                "received === expected",
                "Math.abs(received - expected) <= expected",
            )],
        );
        l.assert_refused("rebound", ID);
        let l = super::locked(&files);
        l.edit(
            "tests/support/matchers.js",
            matchers,
            &[("'no'", "'expected the total'")],
        );
        l.assert_staged_refuses(ID, "the installed matcher changed");
        let l = super::locked(&files);
        l.edit(
            "tests/support/matchers.js",
            matchers,
            &[("", "function unrelated() {\n  return 1;\n}\n\n")],
        );
        l.assert_passes_checked();
    }
}

// Jest's `setupFilesAfterEnv` file is locked by its digest; what the modules it loads install
// at their top (`expect.extend({ toBe })` in `tests/support/matchers.js`) is locked too.
#[test]
fn js_what_a_setup_files_modules_install_is_locked() {
    let package = "{\n  \"name\": \"shop\",\n  \"jest\": {\"setupFilesAfterEnv\": [\"./tests/setup.js\"]}\n}\n";
    let test = "const billing = require('../../billing.js');\n\ntest('total', () => {\n  expect(billing.total([1, 2, 3])).toBe(6);\n});\n";
    let matchers = "expect.extend({\n  toBeCents(received) {\n    return { pass: Number.isInteger(received), message: () => 'no' };\n  },\n});\n";
    let files = [
        (PATH, test),
        ("billing.js", BILLING),
        ("package.json", package),
        ("tests/setup.js", "require('./support/matchers');\n"),
        ("tests/support/matchers.js", matchers),
    ];
    let l = super::locked(&files);
    l.edit(
        "tests/support/matchers.js",
        matchers,
        &[(
            "});\n",
            "});\n\nexpect.extend({\n  toBe() {\n    return { pass: true, message: () => '' };\n  },\n});\n",
        )],
    );
    l.assert_refused("rebound", ID);
    let l = super::locked(&files);
    l.edit(
        "tests/support/matchers.js",
        matchers,
        &[("", "// cents are whole numbers\n")],
    );
    l.assert_passes();
}

// What `npm ci`, `yarn install` and `pnpm install` install is the lockfile's: a runner or assertion package
// whose entry now comes from another host, a link or a file is refused; a version bump
// (another tarball of the same host, another integrity) passes. Under a lock written before
// lockfiles were read, the base revision decides.
#[test]
fn js_a_lockfile_taking_the_runner_from_elsewhere_is_refused() {
    let package = "{\"name\": \"shop\", \"devDependencies\": {\"ava\": \"^6.0.0\"}}\n";
    let npm = "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"devDependencies\": {\"ava\": \"^6.0.0\"}},\n    \"node_modules/ava\": {\n      \"version\": \"6.1.0\",\n      \"resolved\": \"https://registry.example/ava/-/ava-6.1.0.tgz\",\n      \"integrity\": \"sha512-one\"\n    }\n  }\n}\n";
    let pnpm = "lockfileVersion: '9.0'\nimporters:\n  .:\n    devDependencies:\n      ava:\n        specifier: ^6.0.0\n        version: 6.1.0\npackages:\n  ava@6.1.0:\n    resolution: {integrity: sha512-one}\n";
    let yarn = "# yarn lockfile v1\n\nava@^6.0.0:\n  version \"6.1.0\"\n  resolved \"https://registry.example/ava/-/ava-6.1.0.tgz#abc\"\n  integrity sha512-one\n";
    for (lockfile, text, elsewhere, bump) in [
        (
            "package-lock.json",
            npm,
            vec![
                ("registry.example/ava/-/", "mirror.example/"),
                (
                    "\"resolved\": \"https://registry.example/ava/-/ava-6.1.0.tgz\",",
                    "\"resolved\": \"fake-ava\",\n      \"link\": true,",
                ),
                (
                    "https://registry.example/ava/-/ava-6.1.0.tgz",
                    "file:fake-ava.tgz",
                ),
            ],
            vec![
                ("6.1.0", "6.2.0"),
                ("6.1.0", "6.2.0"),
                ("sha512-one", "sha512-two"),
            ],
        ),
        (
            "yarn.lock",
            yarn,
            vec![("registry.example/ava/-/", "mirror.example/")],
            vec![
                ("ava@^6.0.0", "ava@^6.2.0"),
                ("6.1.0", "6.2.0"),
                ("6.1.0", "6.2.0"),
                ("sha512-one", "sha512-two"),
            ],
        ),
        (
            "pnpm-lock.yaml",
            pnpm,
            vec![
                (
                    "{integrity: sha512-one}",
                    "{tarball: https://mirror.example/ava.tgz}",
                ),
                ("version: 6.1.0", "version: link:../fake-ava"),
            ],
            vec![
                ("6.1.0", "6.2.0"),
                ("6.1.0", "6.2.0"),
                ("sha512-one", "sha512-two"),
            ],
        ),
    ] {
        let files = [
            (PATH, TEST),
            ("billing.js", BILLING),
            ("package.json", package),
            (lockfile, text),
        ];
        for (from, to) in elsewhere {
            let l = super::locked(&files);
            l.edit(lockfile, text, &[(from, to)]);
            l.assert_refused("rebound", ID);
        }
        let l = super::locked(&files);
        l.edit(lockfile, text, &bump);
        l.assert_passes_checked();
        let l = super::locked(&files);
        l.commit_lock_without(&format!(
            "  envelope-binding hook dependency (in {lockfile})"
        ));
        l.edit(PATH, TEST, &[("test(", "// the total\ntest(")]);
        l.assert_passes_checked();
    }
}

/// A TypeScript test that imports the code under test through an alias (`@/billing`).
const ALIAS_TEST: &str = "import test from 'ava';\nimport {total} from '@/billing';\n\ntest('total', (t) => {\n  t.is(total([1, 2, 3]), 6);\n});\n";
const ALIAS_BILLING: &str =
    "export const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);\n";
const ALIAS_ID: &str = "ts:tests/billing/total.test.ts::total";

// What decides which file an import names is locked: `tsconfig.json`'s `baseUrl`, `paths`
// and `rootDirs` (`@/billing` → `src/billing.ts`) and `package.json`'s subpath `imports`
// (`#billing`). Pointing either at a fake of the code under test is refused; the rest of
// `tsconfig.json` may change.
#[test]
fn ts_what_resolves_the_tests_imports_is_locked() {
    let tsconfig = "{\n  // the aliases\n  \"compilerOptions\": {\n    \"strict\": true,\n    \"baseUrl\": \".\",\n    \"paths\": {\"@/*\": [\"src/*\"]},\n  },\n}\n";
    let package = "{\"devDependencies\": {\"ava\": \"^6.0.0\"}, \"imports\": {\"#billing\": \"./src/billing.js\"}}\n";
    let files = [
        ("tests/billing/total.test.ts", ALIAS_TEST),
        ("src/billing.ts", ALIAS_BILLING),
        ("tsconfig.json", tsconfig),
        ("package.json", package),
    ];
    let l = super::locked(&files);
    l.edit("tsconfig.json", tsconfig, &[("\"src/*\"", "\"fake/*\"")]);
    l.assert_refused("rebound", ALIAS_ID);
    let l = super::locked(&files);
    l.edit(
        "package.json",
        package,
        &[("./src/billing.js", "./fake/billing.js")],
    );
    l.assert_refused("rebound", ALIAS_ID);
    let l = super::locked(&files);
    l.edit(
        "tsconfig.json",
        tsconfig,
        &[(
            "\"strict\": true,",
            "\"strict\": false,\n    \"target\": \"es2022\",",
        )],
    );
    l.assert_passes();
}

// A `tsconfig.json` that `extends` another (by a path) takes its `paths` from there: the files
// of the chain and what each extends are locked. Pointing the base's alias at a fake, or
// extending another file, is refused, and so is adding a base the lock saw absent; the rest of
// the base may change. Under a lock written before `extends` was followed, the base revision
// decides.
#[test]
fn ts_what_a_tsconfig_extends_is_locked() {
    let tsconfig = "{\n  \"extends\": \"./config/tsconfig.base\",\n  \"compilerOptions\": {\"strict\": true}\n}\n";
    let base = "{\n  \"compilerOptions\": {\n    \"target\": \"es2022\",\n    \"baseUrl\": \"..\",\n    \"paths\": {\"@/*\": [\"src/*\"]}\n  }\n}\n";
    let fake = "{\"compilerOptions\": {\"baseUrl\": \"..\", \"paths\": {\"@/*\": [\"fake/*\"]}}}\n";
    let files = [
        ("tests/billing/total.test.ts", ALIAS_TEST),
        ("src/billing.ts", ALIAS_BILLING),
        ("tsconfig.json", tsconfig),
        ("config/tsconfig.base.json", base),
        ("package.json", AVA_PACKAGE),
    ];
    let l = super::locked(&files);
    l.edit(
        "config/tsconfig.base.json",
        base,
        &[("\"src/*\"", "\"fake/*\"")],
    );
    l.assert_refused("rebound", ALIAS_ID);
    let l = super::locked(&files);
    l.repo.write("config/fake.json", fake);
    l.edit("tsconfig.json", tsconfig, &[("tsconfig.base", "fake.json")]);
    l.assert_refused("rebound", ALIAS_ID);
    let l = super::locked(&files);
    l.edit("config/tsconfig.base.json", base, &[("es2022", "es2023")]);
    l.assert_passes();
    // A base named but absent when locked, added with an alias.
    let absent = [files[0], files[1], files[2], files[4]];
    let l = super::locked(&absent);
    l.repo.write("config/tsconfig.base.json", fake);
    l.assert_refused("rebound", ALIAS_ID);
    // A lock written before `extends` was followed: the chain as the base revision has it
    // passes; a change to it does not.
    let l = super::locked(&files);
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    let older: String = lock
        .lines()
        .filter(|line| {
            !line.contains("hook resolution (in config/tsconfig.base.json)")
                && !line.contains("hook resolution (in tsconfig.json): extends")
        })
        .fold(String::new(), |acc, line| acc + line + "\n");
    assert_ne!(older, lock, "the lock names the chain");
    l.commit_lock(&older);
    l.edit(
        "tests/billing/total.test.ts",
        ALIAS_TEST,
        &[("test('total'", "// the total\ntest('total'")],
    );
    l.assert_passes_checked();
    l.edit(
        "config/tsconfig.base.json",
        base,
        &[("\"src/*\"", "\"fake/*\"")],
    );
    l.assert_refused("rebound", ALIAS_ID);
}

// A test that imports its own package by name loads what the package's `exports` (or
// `main`) name: pointing them at a fake is refused, a version bump passes, and a test that
// imports the code under test by a relative path is not locked with them.
#[test]
fn js_a_test_importing_its_own_package_is_locked_with_its_exports() {
    let by_name = "import test from 'ava';\nimport {total} from 'pay';\n\ntest('total', (t) => {\n  t.is(total([1, 2, 3]), 6);\n});\n";
    let package = "{\"name\": \"pay\", \"version\": \"1.0.0\", \"type\": \"module\", \"exports\": \"./source/index.js\", \"imports\": {\"#util\": \"./source/util.js\"}, \"devDependencies\": {\"ava\": \"^6.0.0\"}}\n";
    let files = [
        ("tests/billing/total.test.js", by_name),
        (
            "source/index.js",
            "export const total = (xs) => xs.reduce((a, b) => a + b, 0);\n",
        ),
        ("package.json", package),
    ];
    let id = "js:tests/billing/total.test.js::total";
    let l = super::locked(&files);
    l.repo
        .write("fake/index.js", "export const total = () => 6;\n");
    l.edit(
        "package.json",
        package,
        &[("./source/index.js", "./fake/index.js")],
    );
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.edit("package.json", package, &[("1.0.0", "1.1.0")]);
    l.assert_passes();
    // Under a lock written before a package's own name was followed, the base revision
    // decides.
    let l = super::locked(&files);
    l.commit_lock_without("  envelope-binding hook resolution (in package.json): self");
    l.edit(
        "tests/billing/total.test.js",
        by_name,
        &[("test('total'", "// the total\ntest('total'")],
    );
    l.assert_passes_checked();
    let relative = by_name.replace("from 'pay'", "from '../../source/index.js'");
    let l = super::locked(&[
        files[1],
        files[2],
        ("tests/billing/total.test.js", &relative),
    ]);
    l.edit(
        "package.json",
        package,
        &[("./source/index.js", "./fake/index.js")],
    );
    l.assert_passes();
}

// A data file a test imports by a relative path holds what it compares with: rewriting it
// is refused. Locking such a test works (a JSON file is no directory of modules).
#[test]
fn js_a_json_file_the_test_imports_is_locked_by_its_digest() {
    for test in [
        "const test = require('ava');\nconst billing = require('../../billing.js');\nconst expected = require('./expected.json');\n\ntest('total', (t) => {\n  t.is(billing.total([1, 2, 3]), expected.total);\n});\n",
        "import test from 'ava';\nimport billing from '../../billing.js';\nimport expected from './expected.json' with {type: 'json'};\n\ntest('total', (t) => {\n  t.is(billing.total([1, 2, 3]), expected.total);\n});\n",
    ] {
        let files = [
            (PATH, test),
            ("billing.js", BILLING),
            ("tests/billing/expected.json", "{\"total\": 6}\n"),
        ];
        let l = super::locked(&files);
        l.repo
            .write("tests/billing/expected.json", "{\"total\": 7}\n");
        l.assert_refused("rebound", ID);
        let l = super::locked(&files);
        l.edit(
            PATH,
            test,
            &[("test('total'", "// the total\ntest('total'")],
        );
        l.assert_passes_checked();
    }
}

// A helper the test calls that ends the process (`process.exit(0)`) ends the worker before
// the test's checks: refused.
#[test]
fn js_a_helper_the_test_calls_that_exits_is_refused() {
    let test = "const test = require('ava');\nconst billing = require('../../billing.js');\n\nfunction amounts() {\n  return [1, 2, 3];\n}\n\ntest('total', (t) => {\n  const xs = amounts();\n  t.is(billing.total(xs), 6);\n});\n";
    let l = super::locked(&[(PATH, test), ("billing.js", BILLING)]);
    l.edit(
        PATH,
        test,
        &[("  return [1, 2, 3];\n", "  process.exit(0);\n")],
    );
    l.assert_refused("rebound", ID);
}

// A value a test reads from a module of the tests (`require('./cases.js')`, `import {…} from
// './cases.mjs'`) is what it compares with: changing it there is refused; another value of
// that module may change.
#[test]
fn js_a_value_the_test_reads_from_a_module_of_the_tests_is_locked() {
    for (test, cases, module) in [
        (
            "const test = require('ava');\nconst billing = require('../../billing.js');\nconst {EXPECTED} = require('./cases.js');\n\ntest('total', (t) => {\n  t.is(billing.total([1, 2, 3]), EXPECTED);\n});\n",
            "exports.EXPECTED = 6;\nexports.UNUSED = 1;\n",
            "tests/billing/cases.js",
        ),
        (
            "const test = require('ava');\nconst billing = require('../../billing.js');\nimport {EXPECTED} from './cases.mjs';\n\ntest('total', (t) => {\n  t.is(billing.total([1, 2, 3]), EXPECTED);\n});\n",
            "export const EXPECTED = 6;\nexport const UNUSED = 1;\n",
            "tests/billing/cases.mjs",
        ),
    ] {
        let files = [
            (PATH, test),
            (module, cases),
            ("billing.js", BILLING),
            ("package.json", AVA_PACKAGE),
        ];
        let l = super::locked(&files);
        l.edit(module, cases, &[("EXPECTED = 6", "EXPECTED = 7")]);
        l.assert_refused("rebound", ID);
        let l = super::locked(&files);
        l.edit(module, cases, &[("UNUSED = 1", "UNUSED = 2")]);
        l.assert_passes();
    }
}

// In a workspace, the runner may be configured above the test's package: a project-wide
// `babel.config.js` transforms every package, the root's runner key or configuration runs
// Jest's or Vitest's projects, and its dependencies are installed for every package.
// Rewriting either, or taking the runner from a path there, is refused; the rest of the root
// `package.json` may change; under a lock written before they were read, the base revision
// decides.
#[test]
fn js_a_runner_configuration_above_the_tests_package_is_locked() {
    let root_package = "{\"private\": true, \"workspaces\": [\"tests/billing\"], \"jest\": {\"projects\": [\"<rootDir>/tests/billing\"]}}\n";
    let babel = "module.exports = {presets: ['@babel/preset-env']};\n";
    let files = [
        (PATH, TEST),
        ("billing.js", BILLING),
        (
            "tests/billing/package.json",
            "{\"name\": \"billing-tests\", \"devDependencies\": {\"ava\": \"^6.0.0\"}}\n",
        ),
        ("package.json", root_package),
        ("babel.config.js", babel),
    ];
    let l = super::locked(&files);
    l.edit(
        "babel.config.js",
        babel,
        &[("]}", "], plugins: ['./fake-asserts.js']}")],
    );
    l.assert_refused("rebound", ID);
    let l = super::locked(&files);
    l.edit(
        "package.json",
        root_package,
        &[("\"<rootDir>/tests/billing\"", "\"<rootDir>/other\"")],
    );
    l.assert_refused("rebound", ID);
    // A runner the root installs for every package, from a path.
    let l = super::locked(&files);
    l.edit(
        "package.json",
        root_package,
        &[(
            "\"private\": true",
            "\"private\": true, \"devDependencies\": {\"ava\": \"file:./fake-ava\"}",
        )],
    );
    l.assert_refused("rebound", ID);
    let l = super::locked(&files);
    l.edit(
        "package.json",
        root_package,
        &[(
            "\"private\": true",
            "\"private\": true, \"version\": \"2.0.0\"",
        )],
    );
    l.assert_passes();
    let l = super::locked(&files);
    l.commit_lock_without("  envelope-binding hook runner config above");
    l.edit(PATH, TEST, &[("test(", "// the total\ntest(")]);
    l.assert_passes_checked();
}

// A check helper a module exports under another name than its own (`export {check as
// verify}`, `module.exports = {verify: check}`) is read under its own: emptying it is
// refused; a comment in it passes.
#[test]
fn js_a_check_helper_exported_under_another_name_is_locked() {
    for (helper, module, import) in [
        (
            "function check(t, value) {\n  t.is(value, 6);\n}\n\nmodule.exports = {verify: check};\n",
            "tests/billing/helper.js",
            "const {verify} = require('./helper.js');",
        ),
        (
            "function check(t, value) {\n  t.is(value, 6);\n}\n\nexport {check as verify};\n",
            "tests/billing/helper.mjs",
            "import {verify} from './helper.mjs';",
        ),
    ] {
        let test = format!(
            "const test = require('ava');\nconst billing = require('../../billing.js');\n{import}\n\ntest('total', (t) => {{\n  verify(t, billing.total([1, 2, 3]));\n}});\n"
        );
        let files = [
            (PATH, test.as_str()),
            (module, helper),
            ("billing.js", BILLING),
            ("package.json", AVA_PACKAGE),
        ];
        let l = super::locked(&files);
        l.edit(module, helper, &[("t.is(value, 6);", "t.pass();")]);
        l.assert_refused("rebound", ID);
        let l = super::locked(&files);
        l.edit(
            module,
            helper,
            &[("function check", "// the check\nfunction check")],
        );
        l.assert_passes();
    }
}

/// The code under test registering a hook with the runner as it is imported: it runs around
/// every test of the file that imports it (vitest's `beforeEach((ctx) => { ctx.task.fails =
/// true })` turns a failing test into a pass, confirmed with vitest). Refused, whatever the
/// runner; a function the module only declares is not a registration.
#[test]
fn js_the_code_under_test_registering_a_runner_hook_is_refused() {
    for code in [
        "const { beforeEach } = require('vitest');\nbeforeEach((ctx) => {\n  ctx.task.fails = true;\n});\n",
        "const { onTestFailed } = require('vitest');\nonTestFailed(() => {});\n",
        "afterEach(() => {});\n",
        "const test = require('ava');\ntest.beforeEach((t) => {\n  t.context.total = 6;\n});\n",
    ] {
        let l = locked(PATH, TEST);
        l.edit(
            "billing.js",
            BILLING,
            &[("exports.total", &format!("{code}exports.total"))],
        );
        l.assert_refused("rebound", ID);
    }
    let l = locked(PATH, TEST);
    l.edit(
        "billing.js",
        BILLING,
        &[(
            "exports.total",
            "function beforeEach(f) {\n  return f;\n}\nexports.hook = beforeEach;\nexports.total",
        )],
    );
    l.assert_passes_checked();
}

/// A module the code under test loads in turn (`require('./lib/rates.js')` in `billing.js`)
/// registering a runner hook or patching a builtin as it is loaded is locked as the code
/// under test's own top is; a change there that does neither passes.
#[test]
fn js_a_module_loaded_in_turn_registering_a_hook_is_refused() {
    let billing = "const rates = require('./lib/rates.js');\nexports.total = (xs) => xs.reduce((a, b) => a + b, 0) * rates.RATE;\n";
    let rates = "exports.RATE = 1;\n";
    for code in [
        "const { beforeEach } = require('vitest');\nbeforeEach((ctx) => {\n  ctx.task.fails = true;\n});\n",
        "Object.is = () => true;\n",
    ] {
        let files = [
            (PATH, TEST),
            ("billing.js", billing),
            ("lib/rates.js", rates),
            ("package.json", AVA_PACKAGE),
        ];
        let l = super::locked(&files);
        l.edit(
            "lib/rates.js",
            rates,
            &[("exports.RATE", &format!("{code}exports.RATE"))],
        );
        l.assert_refused("rebound", ID);
    }
    // Re-exported (`export * from`), an ES module importing another.
    let test = "import test from 'ava';\nimport {total} from '../../billing.mjs';\n\ntest('total', (t) => {\n  t.is(total([1, 2, 3]), 6);\n});\n";
    let files = [
        ("tests/billing/total.test.mjs", test),
        ("billing.mjs", "export * from './lib/total.mjs';\n"),
        (
            "lib/total.mjs",
            "import './patch.mjs';\nexport const total = (xs) => xs.reduce((a, b) => a + b, 0);\n",
        ),
        ("lib/patch.mjs", "export const none = 0;\n"),
        ("package.json", AVA_PACKAGE),
    ];
    let l = super::locked(&files);
    l.edit(
        "lib/patch.mjs",
        "export const none = 0;\n",
        &[(
            "export const none",
            "Object.is = () => true;\nexport const none",
        )],
    );
    l.assert_refused("rebound", "js:tests/billing/total.test.mjs::total");
    let l = super::locked(&files);
    l.edit(
        "lib/patch.mjs",
        "export const none = 0;\n",
        &[("export const none = 0;", "export const none = 1;")],
    );
    l.assert_passes();
}

/// The code under test reaching the test runner from a function the tests call: vitest's
/// `onTestFailed(({ task }) => { task.result.state = 'pass' })` inside `total` turns its
/// own failure into a pass, and the report says the test passed (confirmed with vitest).
/// Any new load of a runner module or use of a runner global the file does not bind, in a
/// module that is not the tests' own code, makes every locked JS/TS test `rebound`; a
/// function of its own named `expect` does not.
#[test]
fn js_the_code_under_test_reaching_the_runner_is_refused() {
    for (top, body) in [
        (
            "const { onTestFailed } = require('vitest');\n",
            "onTestFailed(({ task }) => { task.result.state = 'pass'; });\n",
        ),
        ("", "afterEach(() => {});\n"),
        ("", "globalThis.expect.extend({});\n"),
        ("", "require('@jest/globals').expect.extend({});\n"),
        // The environment a runner sets for the tests, read to answer right only there.
        (
            "",
            "if (process.env.JEST_WORKER_ID) return xs.reduce((a, b) => a + b, 0);\n",
        ),
        (
            "",
            "if (process.env['VITEST']) return xs.reduce((a, b) => a + b, 0);\n",
        ),
    ] {
        let l = locked(PATH, TEST);
        let broken = format!(
            "{top}exports.total = (xs) => {{\n  {body}  return xs.reduce((a, b) => a + b, 0) + 1;\n}};\n"
        );
        l.edit("billing.js", BILLING, &[(BILLING, &broken)]);
        l.assert_refused("rebound", ID);
    }
    let l = locked(PATH, TEST);
    l.edit(
        "billing.js",
        BILLING,
        &[(
            BILLING,
            "function expect(v) {\n  return v;\n}\nexports.total = (xs) => expect(xs.reduce((a, b) => a + b, 0));\n",
        )],
    );
    l.assert_passes();
}

/// Found by an attack round, each confirmed with vitest (a broken `total` passed): a check
/// helper wrapped by a call (`export const checkTotal = traced((x) => …)`) whose wrapper now
/// swallows the error, and one re-exported by an index (`export {checkTotal} from
/// './check.js'`, `export * from './check.js'`) that now checks less. Each is refused; a
/// comment passes.
#[test]
fn js_helpers_through_a_wrapper_or_a_reexport_are_locked() {
    const TEST: &str = "import test from 'ava';\nimport {checkTotal} from './helpers/index.mjs';\n\ntest('total', (t) => {\n  checkTotal(t, 6);\n});\n";
    const MJS_ID: &str = "js:tests/billing/total.test.mjs::total";
    const CHECK: &str = "export function checkTotal(t, x) {\n  t.is(x, 6);\n}\n";
    let cases: [super::HelperEdit<'_>; 3] = [
        (
            &[
                (
                    "tests/billing/helpers/index.mjs",
                    "import {traced} from './wrap.mjs';\n\nexport const checkTotal = traced((t, x) => {\n  t.is(x, 6);\n});\n",
                ),
                (
                    "tests/billing/helpers/wrap.mjs",
                    "export function traced(f) {\n  return f;\n}\n",
                ),
            ],
            "tests/billing/helpers/wrap.mjs",
            "  return f;\n",
            "  return (...a) => {\n    try {\n      return f(...a);\n    } catch {\n      return undefined;\n    }\n  };\n",
        ),
        (
            &[
                (
                    "tests/billing/helpers/index.mjs",
                    "export {checkTotal} from './check.mjs';\n",
                ),
                ("tests/billing/helpers/check.mjs", CHECK),
            ],
            "tests/billing/helpers/check.mjs",
            "  t.is(x, 6);\n",
            "  t.true(x > 5);\n",
        ),
        (
            &[
                (
                    "tests/billing/helpers/index.mjs",
                    "export * from './check.mjs';\n",
                ),
                ("tests/billing/helpers/check.mjs", CHECK),
            ],
            "tests/billing/helpers/check.mjs",
            "  t.is(x, 6);\n",
            "  t.true(x > 5);\n",
        ),
    ];
    super::assert_helper_edits_refused(
        &[
            ("tests/billing/total.test.mjs", TEST),
            ("package.json", AVA_PACKAGE),
        ],
        &cases,
        MJS_ID,
        "// checked",
    );
}

/// An imported check helper's default read from a module constant (`function
/// checkTotal(t, x, want = WANT)`, found by an attack round and confirmed with vitest): the
/// constant is locked with the test.
#[test]
fn js_a_module_value_an_imported_helper_reads_is_locked() {
    const TEST: &str = "import test from 'ava';\nimport {checkTotal} from './check.mjs';\n\ntest('total', (t) => {\n  checkTotal(t, 6);\n});\n";
    const CHECK: &str =
        "const WANT = 6;\n\nexport function checkTotal(t, x, want = WANT) {\n  t.is(x, want);\n}\n";
    let files = [
        ("tests/billing/total.test.mjs", TEST),
        ("tests/billing/check.mjs", CHECK),
        ("package.json", AVA_PACKAGE),
    ];
    let l = super::locked(&files);
    l.edit(
        "tests/billing/check.mjs",
        CHECK,
        &[("WANT = 6", "WANT = 7")],
    );
    l.assert_refused("rebound", "js:tests/billing/total.test.mjs::total");
}

/// A check helper handed on as a namespace (`export * as checks from './check.mjs'`, then
/// `checks.checkTotal(…)`) or by CommonJS (`module.exports = require('./check.cjs')`): found
/// by an attack round, confirmed with vitest and node. Both are locked.
#[test]
fn js_helpers_handed_on_as_a_namespace_or_by_commonjs_are_locked() {
    const CHECK: &str = "export function checkTotal(t, x) {\n  t.is(x, 6);\n}\n";
    const CJS: &str = "exports.checkTotal = (t, x) => {\n  t.is(x, 6);\n};\n";
    for (test, index, edited, base) in [
        (
            "import test from 'ava';\nimport {checks} from './helpers/index.mjs';\n\ntest('total', (t) => {\n  checks.checkTotal(t, 6);\n});\n",
            (
                "tests/billing/helpers/index.mjs",
                "export * as checks from './check.mjs';\n",
            ),
            "tests/billing/helpers/check.mjs",
            CHECK,
        ),
        (
            "import test from 'ava';\nimport {checkTotal} from './helpers/index.cjs';\n\ntest('total', (t) => {\n  checkTotal(t, 6);\n});\n",
            (
                "tests/billing/helpers/index.cjs",
                "module.exports = require('./check.cjs');\n",
            ),
            "tests/billing/helpers/check.cjs",
            CJS,
        ),
    ] {
        let files = [
            ("tests/billing/total.test.mjs", test),
            index,
            (edited, base),
            ("package.json", AVA_PACKAGE),
        ];
        let l = super::locked(&files);
        l.edit(edited, base, &[("t.is(x, 6);", "t.true(x > 5);")]);
        l.assert_refused("rebound", "js:tests/billing/total.test.mjs::total");
    }
}

/// A check helper reached through the object a module exports by default (`export default
/// { checkTotal }`, then `h.checkTotal(…)`): found by an attack round, confirmed with vitest.
#[test]
fn js_a_helper_of_a_default_exported_object_is_locked() {
    const TEST: &str = "import test from 'ava';\nimport h from './check.mjs';\n\ntest('total', (t) => {\n  h.checkTotal(t, 6);\n});\n";
    const CHECK: &str =
        "function checkTotal(t, x) {\n  t.is(x, 6);\n}\n\nexport default { checkTotal };\n";
    let files = [
        ("tests/billing/total.test.mjs", TEST),
        ("tests/billing/check.mjs", CHECK),
        ("package.json", AVA_PACKAGE),
    ];
    let l = super::locked(&files);
    l.edit(
        "tests/billing/check.mjs",
        CHECK,
        &[("t.is(x, 6);", "t.true(x > 5);")],
    );
    l.assert_refused("rebound", "js:tests/billing/total.test.mjs::total");
    let l = super::locked(&files);
    l.edit(
        "tests/billing/check.mjs",
        CHECK,
        &[("  t.is(x, 6);", "  // the total\n  t.is(x, 6);")],
    );
    l.assert_passes();
}

// A JSON file a runner configuration loads is configuration too: spread into
// `jest.config.js` by `require`, Jest's `preset` in `package.json` (with or without its
// `.json`), mocha's `extends`. A change to it (a `moduleNameMapper` answering the import of
// the code under test with a copy) is refused, and so is a change to a setup file it names
// in turn; a JSON file no configuration names may change.
#[test]
fn js_a_json_file_a_runner_configuration_loads_is_locked() {
    let base = "{\n  \"testEnvironment\": \"node\"\n}\n";
    let mapped = "{\n  \"testEnvironment\": \"node\",\n  \"moduleNameMapper\": {\"/billing\\\\.js$\": \"<rootDir>/config/billing.js\"}\n}\n";
    let setups = [
        (
            "jest.config.js",
            "module.exports = { ...require('./config/jest.base.json') };\n",
            "config/jest.base.json",
        ),
        (
            "package.json",
            "{\"name\": \"shop\", \"jest\": {\"preset\": \"./config/jest-preset.json\"}}\n",
            "config/jest-preset.json",
        ),
        (
            "package.json",
            "{\"name\": \"shop\", \"jest\": {\"preset\": \"./config/jest-preset\"}}\n",
            "config/jest-preset.json",
        ),
        (
            ".mocharc.json",
            "{\"extends\": \"./config/mocha.base.json\"}\n",
            "config/mocha.base.json",
        ),
    ];
    for (config, text, loaded) in setups {
        let files = [
            (PATH, TEST),
            ("billing.js", BILLING),
            (config, text),
            (loaded, base),
            ("config/other.json", base),
        ];
        let l = super::locked(&files);
        l.edit(loaded, base, &[(base, mapped)]);
        l.assert_refused("rebound", ID);
        let l = super::locked(&files);
        l.edit("config/other.json", base, &[(base, mapped)]);
        l.edit(
            PATH,
            TEST,
            &[("\ntest('total'", "\n// Totals.\ntest('total'")],
        );
        l.assert_passes_checked();
    }
    // What the loaded file names is read in turn: its setup file.
    let names_setup = "{\n  \"setupFiles\": [\"<rootDir>/config/setup.js\"]\n}\n";
    let setup = "globalThis.ready = true;\n";
    let files = [
        (PATH, TEST),
        ("billing.js", BILLING),
        (
            "jest.config.js",
            "module.exports = { ...require('./config/jest.base.json') };\n",
        ),
        ("config/jest.base.json", names_setup),
        ("config/setup.js", setup),
    ];
    let l = super::locked(&files);
    l.edit(
        "config/setup.js",
        setup,
        &[(setup, "require('../billing.js').total = () => 6;\n")],
    );
    l.assert_refused("rebound", ID);
}

const WORKSPACE_TEST: &str = "const test = require('ava');\nconst billing = require('@shop/billing');\n\ntest('total', (t) => {\n  t.is(billing.total([1, 2, 3]), 6);\n});\n";
const WORKSPACE_BILLING: &str = "{\n  \"name\": \"@shop/billing\",\n  \"version\": \"1.0.0\",\n  \"main\": \"src/index.js\"\n}\n";
const WORKSPACE_OTHER: &str =
    "{\n  \"name\": \"@shop/other\",\n  \"version\": \"1.0.0\",\n  \"main\": \"index.js\"\n}\n";

/// A workspace (npm's and yarn's `workspaces`, or pnpm's `pnpm-workspace.yaml`) whose
/// `@shop/billing` the test imports by its bare name.
fn workspace(root: (&'static str, &'static str)) -> Vec<(&'static str, &'static str)> {
    vec![
        root,
        (PATH, WORKSPACE_TEST),
        ("packages/billing/package.json", WORKSPACE_BILLING),
        ("packages/billing/src/index.js", BILLING),
        ("packages/other/package.json", WORKSPACE_OTHER),
        ("packages/other/index.js", BILLING),
    ]
}

// A test that imports a package of its workspace by its bare name loads the file that
// package's `package.json` names: repointing its `main` to a fake, or its `exports`, `type`
// or `module`, is refused, and so is a patch the entry file makes at its top. Its version or
// scripts may change, and so may another package's entry.
#[test]
fn js_a_workspace_package_imported_by_name_is_locked_with_its_entry() {
    for root in [
        (
            "package.json",
            "{\"name\": \"shop\", \"private\": true, \"workspaces\": [\"packages/*\"]}\n",
        ),
        (
            "package.json",
            "{\"name\": \"shop\", \"private\": true, \"workspaces\": {\"packages\": [\"packages/**\"]}}\n",
        ),
        (
            "pnpm-workspace.yaml",
            "packages:\n  - 'packages/*'\n  - '!packages/legacy'\n",
        ),
    ] {
        let files = workspace(root);
        for to in [
            "\"main\": \"fake.js\"",
            "\"main\": \"src/index.js\",\n  \"exports\": \"./fake.js\"",
            "\"main\": \"src/index.js\",\n  \"type\": \"module\"",
        ] {
            let l = super::locked(&files);
            l.edit(
                "packages/billing/package.json",
                WORKSPACE_BILLING,
                &[("\"main\": \"src/index.js\"", to)],
            );
            l.repo
                .write("packages/billing/fake.js", "exports.total = () => 6;\n");
            l.assert_refused("rebound", ID);
        }
        let l = super::locked(&files);
        l.edit(
            "packages/billing/src/index.js",
            BILLING,
            &[(
                "exports.total",
                "Array.prototype.reduce = function () { return 6; };\nexports.total",
            )],
        );
        l.assert_refused("rebound", ID);
        let l = super::locked(&files);
        l.edit(
            "packages/billing/package.json",
            WORKSPACE_BILLING,
            &[(
                "\"version\": \"1.0.0\"",
                "\"version\": \"1.0.1\",\n  \"scripts\": {\"build\": \"tsc\"}",
            )],
        );
        l.edit(
            "packages/other/package.json",
            WORKSPACE_OTHER,
            &[("\"main\": \"index.js\"", "\"main\": \"lib/index.js\"")],
        );
        l.edit(
            PATH,
            WORKSPACE_TEST,
            &[("\ntest('total'", "\n// Totals.\ntest('total'")],
        );
        l.assert_passes_checked();
    }
}

/// A test that destructures a module its file already imports from a dynamic import
/// (`const {TimeoutError} = await import('../../src/index.js')` in a callback), as ky's
/// `retry.ts` did before its linter moved it to the top: an ES module is evaluated once, so
/// the name holds what the static import binds.
const DYNAMIC_TEST: &str = "import test from 'ava';\nimport ky from '../../src/index.js';\n\ntest('retries on timeouts', async (t) => {\n  const seen = [];\n  await t.throwsAsync(ky('/slow', {\n    retry: {\n      async shouldRetry({error}) {\n        seen.push(error.name);\n        const {TimeoutError} = await import('../../src/index.js');\n        return error instanceof TimeoutError;\n      },\n    },\n  }));\n  t.deepEqual(seen, ['TimeoutError', 'TimeoutError']);\n});\n";
const DYNAMIC_ID: &str = "ts:tests/billing/retry.test.ts::retries on timeouts";
const DYNAMIC_FILES: [(&str, &str); 4] = [
    ("tests/billing/retry.test.ts", DYNAMIC_TEST),
    (
        "src/index.js",
        "export class TimeoutError extends Error {}\nexport class HTTPError extends Error {}\nexport default function ky() {}\n",
    ),
    (
        "src/other.js",
        "export class TimeoutError extends Error {}\n",
    ),
    ("package.json", AVA_PACKAGE),
];
/// Replacements, each `(from, to)`.
type Edits = Vec<(String, String)>;
const DYNAMIC_LINE: &str = "        const {TimeoutError} = await import('../../src/index.js');\n";

#[test]
fn js_a_dynamic_import_moved_to_the_static_import_of_its_module_passes() {
    let renamed = DYNAMIC_TEST
        .replace("{TimeoutError} = await", "{TimeoutError: Late} = await")
        .replace("instanceof TimeoutError", "instanceof Late");
    let cases: [(&str, &str, &str); 3] = [
        (
            DYNAMIC_TEST,
            "import ky, {TimeoutError} from '../../src/index.js';\n",
            DYNAMIC_LINE,
        ),
        (
            DYNAMIC_TEST,
            "import ky from '../../src/index.js';\nimport {TimeoutError} from '../../src/index.js';\n",
            DYNAMIC_LINE,
        ),
        // Under another name on both sides.
        (
            &renamed,
            "import ky, {TimeoutError as Late} from '../../src/index.js';\n",
            "        const {TimeoutError: Late} = await import('../../src/index.js');\n",
        ),
    ];
    for (base, header, line) in cases {
        let mut files = DYNAMIC_FILES.to_vec();
        files[0] = ("tests/billing/retry.test.ts", base);
        let l = super::locked(&files);
        l.edit(
            "tests/billing/retry.test.ts",
            base,
            &[
                ("import ky from '../../src/index.js';\n", header),
                (line, ""),
            ],
        );
        l.assert_passes();
    }
}

/// The other side: whatever makes the name hold something else is still refused — another
/// module, another export, a name bound elsewhere in the file (the statement is then not read
/// as an import), a `let`, or a module the file did not import before (it now loads before
/// any test runs).
#[test]
fn js_a_dynamic_import_replaced_by_another_binding_is_refused() {
    let moved = |header: &str| -> Edits {
        vec![
            (
                "import ky from '../../src/index.js';\n".to_owned(),
                header.to_owned(),
            ),
            (DYNAMIC_LINE.to_owned(), String::new()),
        ]
    };
    let cases: Vec<(String, Edits, &str)> = vec![
        (
            DYNAMIC_TEST.to_owned(),
            moved("import ky from '../../src/index.js';\nimport {TimeoutError} from '../../src/other.js';\n"),
            "rebound",
        ),
        (
            DYNAMIC_TEST.to_owned(),
            moved("import ky, {HTTPError as TimeoutError} from '../../src/index.js';\n"),
            "rebound",
        ),
        // A module-level name of the file: the dynamic import shadowed it in the callback.
        (
            DYNAMIC_TEST.replace(
                "import ky from '../../src/index.js';\n",
                "import ky from '../../src/index.js';\nconst TimeoutError = Error;\n",
            ),
            vec![(DYNAMIC_LINE.to_owned(), String::new())],
            "assertion-loosened",
        ),
        (
            DYNAMIC_TEST.replace("const {TimeoutError} = await", "let {TimeoutError} = await"),
            vec![(
                DYNAMIC_LINE.replace("const", "let"),
                String::new(),
            ), (
                "import ky from '../../src/index.js';\n".to_owned(),
                "import ky, {TimeoutError} from '../../src/index.js';\n".to_owned(),
            )],
            "assertion-loosened",
        ),
        // Another test of the file reads a global of that name: the import the file gains
        // changes what it runs, though the dynamic import was the first test's own.
        (
            DYNAMIC_TEST.replace(
                "\ntest('retries on timeouts'",
                "\ntest('uses the global', (t) => {\n  t.is(typeof TimeoutError, 'function');\n});\n\ntest('retries on timeouts'",
            ),
            vec![(
                "import ky from '../../src/index.js';\n".to_owned(),
                "import ky, {TimeoutError} from '../../src/index.js';\n".to_owned(),
            )],
            "rebound:ts:tests/billing/retry.test.ts::uses the global",
        ),
        // Only the dynamic import loaded `other.js`.
        (
            DYNAMIC_TEST.replace(
                "await import('../../src/index.js')",
                "await import('../../src/other.js')",
            ),
            vec![
                (
                    "        const {TimeoutError} = await import('../../src/other.js');\n"
                        .to_owned(),
                    String::new(),
                ),
                (
                    "import ky from '../../src/index.js';\n".to_owned(),
                    "import ky from '../../src/index.js';\nimport {TimeoutError} from '../../src/other.js';\n"
                        .to_owned(),
                ),
            ],
            "assertion-loosened",
        ),
    ];
    for (base, edits, rule) in cases {
        let mut files = DYNAMIC_FILES.to_vec();
        files[0] = ("tests/billing/retry.test.ts", base.as_str());
        let l = super::locked(&files);
        let edits: Vec<(&str, &str)> = edits
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        l.edit("tests/billing/retry.test.ts", &base, &edits);
        match rule.split_once(':') {
            Some((rule, id)) => l.assert_refused(rule, id),
            None => l.assert_refused(rule, DYNAMIC_ID),
        }
    }
}

/// Under a lock written before a dynamic import was read as the static import of its module
/// (`hooks-read 12`, no `binding import TimeoutError …` line), the base revision decides: an
/// edit elsewhere in the file passes. (Such a lock also holds the test's statements as
/// written, with the dynamic import: moving it to the top is then refused until the next
/// re-lock, as a replay of ky's `c3c304b` under a lock of the previous release showed.)
#[test]
fn js_a_dynamic_import_under_a_lock_from_before_its_reading_is_judged_by_the_base() {
    let older = |l: &super::Locked| {
        let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
        let line = "  binding import TimeoutError as TimeoutError from '../../src/index.js'\n";
        assert!(lock.contains(line), "{lock}");
        assert!(lock.contains("  hooks-read 16\n"), "{lock}");
        let older = lock
            .replace(line, "")
            .replace("  bindings 2\n", "  bindings 1\n")
            .replace("  hooks-read 16\n", "  hooks-read 12\n");
        l.commit_lock(&older);
    };
    let l = super::locked(&DYNAMIC_FILES);
    older(&l);
    l.edit(
        "tests/billing/retry.test.ts",
        DYNAMIC_TEST,
        &[(
            "test('retries on timeouts'",
            "// Retries.\ntest('retries on timeouts'",
        )],
    );
    l.assert_passes();
}
