//! Python: what a test file runs while it is imported, before every one of its tests. The
//! headers of module-level compound statements, the names they bind, the functions and
//! classes of the file (or of a helper module) the module calls as it is imported, and the
//! methods of a mixin's subclasses a mixin test calls on `self`. Each attack below passed
//! `sacred check` before these were read.

const BILLING: &str = "def total(xs):\n    return sum(xs)\n";
const ID: &str = "python:tests/billing/test_total.py::test_total";
const MODULE_ID: &str = "python:tests/billing/test_total.py::test_module_total";
const PATH: &str = "tests/billing/test_total.py";

/// Two tests: one calls `total` as imported by name, one through the module.
const TEST: &str = "import billing\nfrom billing import total\n\n\ndef test_total():\n    assert total([1, 2, 3]) == 6\n\n\ndef test_module_total():\n    assert billing.total([1, 2, 3]) == 6\n";

/// Both checks refuse `test_total` and `test_module_total` as `rebound`.
fn assert_both_refused(l: &super::Locked) {
    for (what, out) in [
        ("check --staged", l.check_staged()),
        ("check --base", l.check_base()),
    ] {
        crate::common::assert_code(&out, 1, what);
        let err = String::from_utf8_lossy(&out.stderr);
        for id in [ID, MODULE_ID] {
            let wanted = format!("refused: {id} [rebound]");
            assert!(
                err.lines().any(|l| l == wanted),
                "{what}: no `{wanted}`\n{err}"
            );
        }
    }
}

fn locked(test: &str) -> super::Locked {
    super::locked(&[(PATH, test), ("billing.py", BILLING)])
}

/// `TEST` locked, then `code` inserted after its imports.
fn inserted(code: &str) -> super::Locked {
    let l = locked(TEST);
    l.edit(
        PATH,
        TEST,
        &[(
            "from billing import total\n",
            &format!("from billing import total\n\n{code}\n"),
        )],
    );
    l
}

#[test]
fn a_monkeypatch_in_a_module_level_statements_header_is_refused() {
    for code in [
        "if setattr(billing, \"total\", lambda xs: 6) is None:\n    pass",
        "assert setattr(billing, \"total\", lambda xs: 6) is None",
        "while setattr(billing, \"total\", lambda xs: 6):\n    pass",
        "for _ in [setattr(billing, \"total\", lambda xs: 6)]:\n    pass",
        "import contextlib\nwith contextlib.nullcontext(setattr(billing, \"total\", lambda xs: 6)):\n    pass",
        "match setattr(billing, \"total\", lambda xs: 6):\n    case _:\n        pass",
        "if True:\n    pass\nelif setattr(billing, \"total\", lambda xs: 6):\n    pass",
        // A lambda's body runs later, its defaults now.
        "_ = lambda y=setattr(billing, \"total\", lambda xs: 6): 0",
    ] {
        inserted(code).assert_refused("rebound", MODULE_ID);
    }
}

#[test]
fn a_name_a_module_level_header_or_walrus_binds_is_a_rebinding() {
    for code in [
        "for total in [lambda xs: 6]:\n    pass",
        "if (total := lambda xs: 6):\n    pass",
        "import contextlib\nwith contextlib.nullcontext(lambda xs: 6) as total:\n    pass",
        "_ = (total := lambda xs: 6)",
        "_ = [total := lambda xs: 6 for _ in [1]]",
        "match [lambda xs: 6]:\n    case [total]:\n        pass",
    ] {
        inserted(code).assert_refused("rebound", ID);
    }
}

#[test]
fn a_function_or_class_of_the_file_run_while_it_is_imported_is_refused() {
    for code in [
        // A new decorator of the file, on a function that is not a test.
        "def deco(f):\n    billing.total = lambda xs: 6\n    return f\n\n\n@deco\ndef other():\n    pass",
        // A new call of the file's function.
        "def patch_all():\n    billing.total = lambda xs: 6\n\n\n_ = patch_all()",
        // A class whose construction patches, made at import.
        "class Patcher:\n    def __init__(self):\n        billing.total = lambda xs: 6\n\n\n_ = Patcher()",
        // A base whose `__init_subclass__` patches, subclassed.
        "class Base:\n    def __init_subclass__(cls):\n        billing.total = lambda xs: 6\n\n\nclass Sub(Base):\n    pass",
        // A metaclass made on the spot.
        "class M(metaclass=type(\"T\", (type,), {\"__init__\": lambda *a: setattr(billing, \"total\", lambda xs: 6)})):\n    pass",
    ] {
        assert_both_refused(&inserted(code));
    }
}

/// A decorator of the file handed the cases a locked test is parametrized with.
#[test]
fn a_decorator_of_the_file_that_rewrites_a_tests_cases_is_refused() {
    let test = "import pytest\n\nfrom billing import total\n\nCASES = [([1, 2, 3], 6), ([2, 2], 4)]\n\n\n@pytest.mark.parametrize(\"xs,want\", CASES)\ndef test_total(xs, want):\n    assert total(xs) == want\n";
    let l = locked(test);
    l.edit(
        PATH,
        test,
        &[(
            "\n\n@pytest.mark.parametrize",
            "\n\ndef trivial(cases):\n    cases[:] = [([], 0)]\n    return lambda f: f\n\n\n@trivial(CASES)\ndef test_other():\n    pass\n\n\n@pytest.mark.parametrize",
        )],
    );
    l.assert_refused("rebound", ID);
}

/// The test's own decorator, defined in its file: its body runs when the test is defined.
#[test]
fn a_decorator_of_the_file_rewritten_to_patch_or_skip_is_refused() {
    let test = "import billing\n\n\ndef deco(f):\n    return f\n\n\n@deco\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n\n\ndef test_module_total():\n    assert billing.total([1, 1]) == 2\n";
    for body in [
        "def deco(f):\n    billing.total = lambda xs: 6\n    return f\n",
        "def deco(f):\n    import pytest\n\n    return pytest.mark.skip(reason=\"slow\")(f)\n",
    ] {
        let l = locked(test);
        l.edit(PATH, test, &[("def deco(f):\n    return f\n", body)]);
        // It runs before every test of the file.
        assert_both_refused(&l);
    }
}

/// A function the file already called at import, whose body now patches.
#[test]
fn a_function_the_module_calls_rewritten_to_patch_is_refused() {
    let test = "import billing\n\n\ndef setup_everything():\n    return None\n\n\n_ = setup_everything()\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";
    let l = locked(test);
    l.edit(
        PATH,
        test,
        &[("    return None\n", "    billing.total = lambda xs: 6\n")],
    );
    l.assert_refused("rebound", ID);
}

/// A new decorator of the file whose body calls a patcher imported from a helper module of
/// the tests, in an expression: the imported function may change anything.
#[test]
fn a_decorator_of_the_file_calling_an_imported_patcher_is_refused() {
    let util = "import billing\n\n\ndef patch_all():\n    billing.total = lambda xs: 6\n";
    let test = "import billing\nfrom tests.util import patch_all\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";
    let l = super::locked(&[
        (PATH, test),
        ("tests/util.py", util),
        ("tests/__init__.py", ""),
        ("billing.py", BILLING),
    ]);
    l.edit(
        PATH,
        test,
        &[(
            "    assert billing.total([1, 2, 3]) == 6\n",
            "    assert billing.total([1, 2, 3]) == 6\n\n\ndef deco(f):\n    _ = patch_all()\n    return f\n\n\n@deco\ndef other():\n    pass\n",
        )],
    );
    l.assert_refused("rebound", ID);
}

/// The same, with the function in a helper module of the tests.
#[test]
fn an_imported_function_the_module_calls_rewritten_to_patch_is_refused() {
    let util = "import billing\n\n\ndef setup_everything():\n    return None\n";
    let test = "import billing\nfrom tests.util import setup_everything\n\nsetup_everything()\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";
    let l = super::locked(&[
        (PATH, test),
        ("tests/util.py", util),
        ("tests/__init__.py", ""),
        ("billing.py", BILLING),
    ]);
    l.edit(
        "tests/util.py",
        util,
        &[("    return None\n", "    billing.total = lambda xs: 6\n")],
    );
    l.assert_refused("rebound", ID);
}

#[test]
fn module_level_code_that_runs_nothing_of_the_tests_may_be_added() {
    let test = "import sys\n\nimport pytest\n\nfrom billing import total\n\n\ndef deco(f):\n    return f\n\n\ndef unrelated():\n    return 1\n\n\n@deco\ndef test_total():\n    assert total([1, 2, 3]) == 6\n";
    let anchor = "\n\n@deco\ndef test_total";
    for (from, to) in [
        (
            anchor,
            "\nif sys.platform == \"win32\":\n    X = 1\n\n\n@deco\ndef test_total",
        ),
        (
            anchor,
            "\nEXTRA = []\nfor i in range(3):\n    EXTRA.append(i)\n\n\n@deco\ndef test_total",
        ),
        (
            anchor,
            "\ntry:\n    import json\nexcept ImportError:\n    json = None\n\n\n@deco\ndef test_total",
        ),
        (
            anchor,
            "\nwith open(__file__) as fh:\n    SOURCE = fh.read()\n\n\n@deco\ndef test_total",
        ),
        // A helper the module does not call.
        ("    return 1\n", "    return 2\n"),
        // A new test with the file's decorator, or pytest's.
        (
            "    assert total([1, 2, 3]) == 6\n",
            "    assert total([1, 2, 3]) == 6\n\n\n@deco\ndef test_one():\n    assert total([1]) == 1\n",
        ),
        (
            "    assert total([1, 2, 3]) == 6\n",
            "    assert total([1, 2, 3]) == 6\n\n\n@pytest.mark.parametrize(\"x\", [1, 2])\ndef test_one(x):\n    assert total([x]) == x\n",
        ),
        // A class whose construction only sets its own attributes, and one whose only method
        // runs when compared, made in a new case.
        (
            "    assert total([1, 2, 3]) == 6\n",
            "    assert total([1, 2, 3]) == 6\n\n\nclass Box:\n    def __init__(self, v):\n        self.v = v\n\n\nclass StrictEq:\n    def __eq__(self, other):\n        raise ValueError(other)\n\n\n@pytest.mark.parametrize(\"x\", [Box(1), StrictEq()])\ndef test_one(x):\n    assert x is not None\n",
        ),
        // A class with no code of its own made in a new case.
        (
            "    assert total([1, 2, 3]) == 6\n",
            "    assert total([1, 2, 3]) == 6\n\n\nclass Odd:\n    pass\n\n\n@pytest.mark.parametrize(\"x\", [Odd()])\ndef test_one(x):\n    assert x is not None\n",
        ),
    ] {
        let l = locked(test);
        l.edit(PATH, test, &[(from, to)]);
        l.assert_passes_checked();
    }
}

/// Under a lock written before the functions run at import were recorded, the file's
/// unchanged decorator passes, and a rewritten one is refused.
#[test]
fn a_lock_without_the_functions_run_at_import_still_checks_them() {
    let test = "import billing\n\n\ndef deco(f):\n    return f\n\n\n@deco\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";
    let l = locked(test);
    l.commit_lock_without("  envelope-binding at import: ");
    l.edit(
        PATH,
        test,
        &[("    assert billing.total([1, 2, 3]) == 6\n", "    assert billing.total([1, 2, 3]) == 6\n\n\ndef test_more():\n    assert billing.total([1]) == 1\n")],
    );
    l.assert_passes_checked();
    let now = String::from_utf8(l.repo.read(PATH)).unwrap();
    l.edit(
        PATH,
        &now,
        &[(
            "def deco(f):\n    return f\n",
            "def deco(f):\n    billing.total = lambda xs: 6\n    return f\n",
        )],
    );
    l.assert_refused("rebound", ID);
}

/// A mixin's test runs under each subclass, where `self.make()` is the subclass's.
#[test]
fn a_subclass_method_a_mixin_test_calls_is_locked_with_it() {
    let test = "import unittest\n\nimport billing\n\n\nclass TotalMixin:\n    def test_total(self):\n        self.assertEqual(self.make().total([1, 2, 3]), 6)\n\n\nclass TestTotal(TotalMixin, unittest.TestCase):\n    def make(self):\n        return billing\n\n    def unrelated(self):\n        return 1\n";
    let id = "python:tests/billing/test_total.py::TotalMixin::test_total";
    let l = locked(test);
    l.edit(
        PATH,
        test,
        &[(
            "        return billing\n",
            "        class Fake:\n            total = staticmethod(lambda xs: 6)\n\n        return Fake\n",
        )],
    );
    l.assert_refused("rebound", id);
    let l = locked(test);
    l.edit(PATH, test, &[("        return 1\n", "        return 2\n")]);
    l.assert_passes_checked();
}

/// A helper module's class decorator that wraps the class in a subclass and changes nothing
/// else (tornado's `abstract_base_test`).
const ABSTRACT_UTIL: &str = "import unittest\n\n\ndef abstract_base(cls):\n    \"\"\"Skips the class itself, runs its subclasses.\"\"\"\n\n    class Wrapper(cls):\n        @classmethod\n        def setUpClass(cls):\n            if cls is Wrapper:\n                raise unittest.SkipTest(\"abstract\")\n            super().setUpClass()\n\n    return Wrapper\n";
const ABSTRACT_TEST: &str = "import unittest\n\nimport billing\nfrom tests.util import abstract_base\n\n\nclass TestTotal(unittest.TestCase):\n    def test_total(self):\n        self.assertEqual(billing.total([1, 2, 3]), 6)\n\n\nclass Base(unittest.TestCase):\n    pass\n";
const ABSTRACT_ID: &str = "python:tests/billing/test_total.py::TestTotal::test_total";

fn abstract_locked() -> super::Locked {
    super::locked(&[
        (PATH, ABSTRACT_TEST),
        ("tests/util.py", ABSTRACT_UTIL),
        ("tests/__init__.py", ""),
        ("billing.py", BILLING),
    ])
}

#[test]
fn a_decorator_that_changes_nothing_outside_what_it_wraps_may_be_applied_and_edited() {
    let l = abstract_locked();
    l.edit(
        PATH,
        ABSTRACT_TEST,
        &[(
            "class Base(unittest.TestCase):",
            "@abstract_base\nclass Base(unittest.TestCase):",
        )],
    );
    l.assert_passes_checked();
    // Its body edited, still changing nothing beyond the class it makes.
    let l = abstract_locked();
    l.edit(
        PATH,
        ABSTRACT_TEST,
        &[(
            "class Base(unittest.TestCase):",
            "@abstract_base\nclass Base(unittest.TestCase):",
        )],
    );
    l.edit(
        "tests/util.py",
        ABSTRACT_UTIL,
        &[("\"abstract\"", "\"an abstract base\"")],
    );
    l.assert_passes_checked();
}

#[test]
fn a_decorator_applied_elsewhere_rewritten_to_patch_is_refused() {
    let applied = ABSTRACT_TEST.replace(
        "class Base(unittest.TestCase):",
        "@abstract_base\nclass Base(unittest.TestCase):",
    );
    let l = super::locked(&[
        (PATH, &applied),
        ("tests/util.py", ABSTRACT_UTIL),
        ("tests/__init__.py", ""),
        ("billing.py", BILLING),
    ]);
    l.edit(
        "tests/util.py",
        ABSTRACT_UTIL,
        &[(
            "    return Wrapper\n",
            "    import billing\n\n    billing.total = lambda xs: 6\n    return Wrapper\n",
        )],
    );
    l.assert_refused("rebound", ABSTRACT_ID);
}

/// A module-level binding of a name only the test's helper reads.
#[test]
fn a_monkeypatch_of_what_a_tests_helper_reads_is_refused() {
    let test = "import billing\n\n\ndef check():\n    assert billing.total([1, 2, 3]) == 6\n\n\ndef test_total():\n    check()\n";
    for line in [
        "billing.total = lambda xs: 6\n",
        "_ = setattr(billing, \"total\", lambda xs: 6)\n",
    ] {
        let l = locked(test);
        l.edit(
            PATH,
            test,
            &[("import billing\n", &format!("import billing\n\n{line}"))],
        );
        l.assert_refused("rebound", ID);
    }
    // A helper that does not assert may read a new name, imported for it.
    let test = "import billing\n\n\ndef log():\n    print(billing.__name__)\n\n\ndef test_total():\n    log()\n    assert billing.total([1, 2, 3]) == 6\n";
    let l = locked(test);
    l.edit(
        PATH,
        test,
        &[
            ("import billing\n", "import json\n\nimport billing\n"),
            (
                "    print(billing.__name__)\n",
                "    print(json.dumps(billing.__name__))\n",
            ),
        ],
    );
    l.assert_passes_checked();
}

/// A binding the test read itself, now read only by its helper (tornado `55ea7ca`:
/// `typing.List[int]` → `list[int]` in the test, while its helper still reads `typing`).
#[test]
fn a_binding_the_test_no_longer_reads_but_its_helper_does_passes() {
    let test = "import typing\n\nimport billing\n\n\ndef log(xs: typing.Any):\n    print(xs)\n\n\ndef test_total():\n    xs: typing.List[int] = [1, 2, 3]\n    log(xs)\n    assert billing.total(xs) == 6\n";
    let l = locked(test);
    l.edit(
        PATH,
        test,
        &[(
            "    xs: typing.List[int] = [1, 2, 3]\n",
            "    xs: list[int] = [1, 2, 3]\n",
        )],
    );
    l.assert_passes_checked();
}

/// `import os` beside a locked `import os.path` binds the same package, also for a helper.
#[test]
fn a_helpers_package_imported_whole_beside_its_submodule_passes() {
    let test = "import os.path\n\nimport billing\n\n\ndef log():\n    print(os.path.sep)\n\n\ndef test_total():\n    log()\n    assert billing.total([1, 2, 3]) == 6\n";
    let l = locked(test);
    l.edit(
        PATH,
        test,
        &[("import os.path\n", "import os\nimport os.path\n")],
    );
    l.assert_passes_checked();
}

/// A module of the tests the test file imports runs its top-level code before every test.
const UTIL: &str = "import billing\n\n\ndef helper():\n    return 1\n";
const UTIL_TEST: &str = "import billing\nfrom tests.util import helper\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";

fn util_locked() -> super::Locked {
    super::locked(&[
        (PATH, UTIL_TEST),
        ("tests/util.py", UTIL),
        ("tests/__init__.py", ""),
        ("billing.py", BILLING),
    ])
}

#[test]
fn an_imported_module_of_the_tests_that_patches_as_it_is_imported_is_refused() {
    for (file, base, from, to) in [
        // Its top-level code.
        (
            "tests/util.py",
            UTIL,
            "    return 1\n",
            "    return 1\n\n\nbilling.total = lambda xs: 6\n",
        ),
        // A function of it that its top-level code calls.
        (
            "tests/util.py",
            UTIL,
            "    return 1\n",
            "    return 1\n\n\ndef setup():\n    billing.total = lambda xs: 6\n\n\nsetup()\n",
        ),
        // A new import of a new module of the tests that patches.
        (
            PATH,
            UTIL_TEST,
            "import billing\n",
            "import billing\nimport tests.patch\n",
        ),
    ] {
        let l = util_locked();
        if file == PATH {
            l.repo.write(
                "tests/patch.py",
                "import billing\n\nbilling.total = lambda xs: 6\n",
            );
        }
        l.edit(file, base, &[(from, to)]);
        l.assert_refused("rebound", ID);
    }
    // Its functions and names may change while its top level changes nothing.
    for (from, to) in [
        ("    return 1\n", "    return 2\n"),
        ("    return 1\n", "    return 1\n\n\nLIMIT = 3\n"),
        // Its top level calls a function of it that changes nothing (tornado's
        // `skipIfNoIPv6 = unittest.skipIf(not _detect_ipv6(), …)`).
        (
            "    return 1\n",
            "    sock = None\n    try:\n        sock = object()\n    finally:\n        str(sock)\n    return 1\n\n\nHAS = helper() == 1\n",
        ),
    ] {
        let l = util_locked();
        l.edit("tests/util.py", UTIL, &[(from, to)]);
        l.assert_passes_checked();
    }
}

/// pytest imports each `conftest.py` above a test before it runs: its top-level code is
/// locked with the tests below it, apart from its fixtures and hooks.
#[test]
fn a_conftest_that_patches_as_it_is_imported_is_refused() {
    let test = "import billing\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n";
    let conftest = "import sys\n\nimport pytest\n\nsys.path.insert(0, \".\")\n\n\n@pytest.fixture\ndef amounts():\n    return [1, 2, 3]\n";
    let locked = || {
        super::locked(&[
            (PATH, test),
            ("tests/conftest.py", conftest),
            ("billing.py", BILLING),
        ])
    };
    let l = locked();
    l.edit(
        "tests/conftest.py",
        conftest,
        &[(
            "import pytest\n",
            "import pytest\n\nimport billing\n\nbilling.total = lambda xs: 6\n",
        )],
    );
    l.assert_refused("rebound", ID);
    // A new conftest.py above the test.
    let l = locked();
    l.repo.write(
        "conftest.py",
        "import billing\n\nbilling.total = lambda xs: 6\n",
    );
    l.assert_refused("rebound", ID);
    // A fixture the test does not request may change (its top-level code is the same).
    let l = locked();
    l.edit("tests/conftest.py", conftest, &[("[1, 2, 3]", "[1, 2]")]);
    l.assert_passes_checked();
    // In a conftest.py whose top level changes nothing, so may the rest of its top level.
    let pure = conftest.replace("sys.path.insert(0, \".\")\n", "");
    let l = super::locked(&[
        (PATH, test),
        ("tests/conftest.py", &pure),
        ("billing.py", BILLING),
    ]);
    l.edit(
        "tests/conftest.py",
        &pure,
        &[("import pytest\n", "import pytest\n\nLIMIT = 3\n")],
    );
    l.assert_passes_checked();
}

// A pytest plugin module of the repository that a `conftest.py` or the test module loads
// through `pytest_plugins` runs around the tests (its `pytest_collection_modifyitems` can drop
// them): it is locked whole, followed through its own `pytest_plugins`.
#[test]
fn a_pytest_plugin_module_of_the_repository_is_locked() {
    let plugin = "def pytest_collection_modifyitems(config, items):\n    pass\n";
    let deselect = [("    pass\n", "    items[:] = []\n")];
    for (conftest, via) in [
        ("pytest_plugins = [\"tests.plugin\"]\n", "tests/plugin.py"),
        ("pytest_plugins = \"tests.outer\"\n", "tests/plugin.py"),
    ] {
        let files = [
            (PATH, TEST),
            ("billing.py", BILLING),
            ("tests/__init__.py", ""),
            ("tests/conftest.py", conftest),
            ("tests/plugin.py", plugin),
            ("tests/outer.py", "pytest_plugins = [\"tests.plugin\"]\n"),
        ];
        let l = super::locked(&files);
        l.edit(via, plugin, &deselect);
        assert_both_refused(&l);
    }
    // The test module's own `pytest_plugins`, added.
    let l = super::locked(&[
        (PATH, TEST),
        ("billing.py", BILLING),
        ("tests/__init__.py", ""),
    ]);
    l.repo.write(
        "tests/evil.py",
        "def pytest_collection_modifyitems(config, items):\n    items[:] = []\n",
    );
    l.edit(
        PATH,
        TEST,
        &[(
            "import billing\n",
            "import billing\n\npytest_plugins = [\"tests.evil\"]\n",
        )],
    );
    assert_both_refused(&l);
}

// pytest's configuration decides which tests run (`addopts = --deselect …`, `-p plugin`,
// `python_functions`): every pytest section above the test is locked as written, and a new
// configuration file is refused; the rest of `pyproject.toml`, and comments, may change.
#[test]
fn pytests_configuration_is_locked() {
    let pyproject = "[project]\nname = \"shop\"\nversion = \"1.0\"\n\n[tool.pytest.ini_options]\naddopts = \"-q\"\n";
    let files = [
        (PATH, TEST),
        ("billing.py", BILLING),
        ("pyproject.toml", pyproject),
    ];
    let l = super::locked(&files);
    l.edit(
        "pyproject.toml",
        pyproject,
        &[(
            "addopts = \"-q\"",
            "addopts = \"-q --deselect tests/billing/test_total.py::test_total\"",
        )],
    );
    assert_both_refused(&l);
    for (file, text) in [
        ("pytest.ini", "[pytest]\npython_functions = check_*\n"),
        (
            "tests/setup.cfg",
            "[tool:pytest]\naddopts = -k \"not total\"\n",
        ),
    ] {
        let l = super::locked(&files);
        l.repo.write(file, text);
        assert_both_refused(&l);
    }
    let l = super::locked(&files);
    l.edit(
        "pyproject.toml",
        pyproject,
        &[
            ("version = \"1.0\"", "version = \"1.1\""),
            ("addopts = \"-q\"", "# quiet output\naddopts = \"-q\""),
        ],
    );
    l.assert_passes_checked();
}

// `addopts` gaining `-m "not NAME"` (with `NAME` registered as a marker) deselects only the
// tests that carry `NAME`: a test that does not is selected as before and passes; one that
// does, or any test when `-m` selects (`-m slow`), is refused.
#[test]
fn deselecting_a_marker_the_test_does_not_carry_passes() {
    let test = "import pytest\n\nimport billing\n\n\ndef test_total():\n    assert billing.total([1, 2, 3]) == 6\n\n\n@pytest.mark.slow\ndef test_slow_total():\n    assert billing.total([1] * 6) == 6\n";
    let pyproject = "[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n";
    let files = [
        (PATH, test),
        ("billing.py", BILLING),
        ("pyproject.toml", pyproject),
    ];
    let slow = "python:tests/billing/test_total.py::test_slow_total";
    let l = super::locked(&files);
    l.edit(
        "pyproject.toml",
        pyproject,
        &[(
            "testpaths = [\"tests\"]\n",
            "testpaths = [\"tests\"]\nmarkers = [\n    \"slow: slow tests\",\n]\naddopts = \"-m 'not slow'\"\n",
        )],
    );
    l.repo.git(&["add", "-A"]);
    let out = l.repo.gk(&["sacred", "check", "--staged"]);
    crate::common::assert_code(&out, 1, "check --staged");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines()
            .any(|line| line == format!("refused: {slow} [rebound]")),
        "{err}"
    );
    assert!(
        !err.lines()
            .any(|line| line.starts_with(&format!("refused: {ID} "))),
        "a test without the marker is selected as before: {err}"
    );
    let l = super::locked(&files);
    l.edit(
        "pyproject.toml",
        pyproject,
        &[(
            "testpaths = [\"tests\"]\n",
            "testpaths = [\"tests\"]\naddopts = \"-m slow\"\n",
        )],
    );
    l.assert_refused("rebound", ID);
}

// syrupy's stored snapshot (`__snapshots__/MODULE.ambr`) is the expected value of the test it
// is named after: rewriting or deleting it is refused; another test's may change.
#[test]
fn rewriting_or_deleting_a_sacred_tests_syrupy_snapshot_is_refused() {
    let test = "import billing\n\n\n# gatekeeper:sacred\ndef test_total(snapshot):\n    assert billing.total([1, 2, 3]) == snapshot\n\n\ndef test_other(snapshot):\n    assert billing.total([1]) == snapshot\n";
    let ambr =
        "# serializer version: 1\n# name: test_other\n  1\n# ---\n# name: test_total\n  6\n# ---\n";
    let file = "src/__snapshots__/test_total.ambr";
    let files = [
        ("src/test_total.py", test),
        (file, ambr),
        ("billing.py", BILLING),
    ];
    let id = "python:src/test_total.py::test_total";
    let l = super::locked(&files);
    l.edit(file, ambr, &[("  6\n", "  7\n")]);
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.edit(file, ambr, &[("# name: test_total\n  6\n# ---\n", "")]);
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.edit(file, ambr, &[("  1\n", "  2\n")]);
    l.assert_passes_checked();
}

/// `TEST` in a package of the tests (`tests/billing/__init__.py` and `tests/__init__.py`).
const PACKAGES: [(&str, &str); 4] = [
    (PATH, TEST),
    ("billing.py", BILLING),
    ("tests/__init__.py", ""),
    ("tests/billing/__init__.py", ""),
];

// Importing a test module of a package of the tests (`tests/billing/test_total.py` as
// `tests.billing.test_total`) runs `tests/__init__.py` and `tests/billing/__init__.py`
// first: patching the code under test there is refused; code there that changes nothing
// outside itself may be added.
#[test]
fn a_package_init_of_the_tests_that_patches_is_refused() {
    for init in ["tests/__init__.py", "tests/billing/__init__.py"] {
        let files = PACKAGES;
        let l = super::locked(&files);
        l.repo
            .write(init, "import billing\n\nbilling.total = lambda xs: 6\n");
        assert_both_refused(&l);
        let l = super::locked(&files);
        l.repo.write(init, "VERSION = \"1.0\"\n");
        l.assert_passes();
    }
}

// unittest's discovery calls a package's `load_tests`, which picks the tests of every module
// below it: adding one to the tests' `__init__.py` (or changing it) is refused.
#[test]
fn a_packages_load_tests_is_refused() {
    let l = super::locked(&PACKAGES);
    l.repo.write(
        "tests/billing/__init__.py",
        "import unittest\n\n\ndef load_tests(loader, tests, pattern):\n    return unittest.TestSuite()\n",
    );
    assert_both_refused(&l);
}

// pytest puts the test's directory at the head of `sys.path`: a `billing.py` (or a package)
// added beside the test or above it takes the place of the code under test, and a `json.py`
// that of the standard library's. Both are refused; a module the test newly imports, and a
// file of another name, pass.
#[test]
fn a_module_added_where_it_shadows_what_the_test_imports_is_refused() {
    let test = "import json\n\nimport billing\n\n\ndef test_total():\n    assert json.loads(\"6\") == billing.total([1, 2, 3])\n";
    let files = [(PATH, test), ("billing.py", BILLING)];
    for (file, text) in [
        ("tests/billing/billing.py", "def total(xs):\n    return 6\n"),
        (
            "tests/billing/billing/__init__.py",
            "def total(xs):\n    return 6\n",
        ),
        ("tests/json.py", "def loads(s):\n    return 6\n"),
    ] {
        let l = super::locked(&files);
        l.repo.write(file, text);
        l.assert_refused("rebound", ID);
    }
    let l = super::locked(&files);
    l.repo
        .write("tests/billing/helpers.py", "def helper():\n    return 1\n");
    l.edit(
        PATH,
        test,
        &[("import json\n", "import json\nimport math\n")],
    );
    l.assert_passes_checked();
    // The code under test moved out of the directories above the test (a `src/` layout).
    let l = super::locked(&files);
    std::fs::remove_file(l.repo.path("billing.py")).unwrap();
    l.repo.write("src/billing.py", BILLING);
    l.edit(
        PATH,
        test,
        &[("import json\n", "import json\nimport math\n")],
    );
    l.assert_passes_checked();
}

// A data file a test opens by a path written in string literals holds what it compares with:
// rewriting it is refused for the test that names it (not for the file's other tests), with
// the path built from the test's directory, from the root, or with `os.path.join`; named in a
// module-level constant, for every test of the file. A comment in the test passes.
#[test]
fn a_data_file_a_python_test_opens_is_locked_by_its_digest() {
    let data = "tests/billing/data/expected.json";
    for (test, only_its_own) in [
        (
            "import json\nfrom pathlib import Path\n\nfrom billing import total\n\n\ndef test_total():\n    expected = json.loads((Path(__file__).parent / \"data\" / \"expected.json\").read_text())\n    assert total([1, 2, 3]) == expected[\"total\"]\n\n\ndef test_empty():\n    assert total([]) == 0\n",
            true,
        ),
        (
            "import json\nimport os\n\nfrom billing import total\n\n\ndef test_total():\n    with open(os.path.join(os.path.dirname(__file__), \"data\", \"expected.json\")) as f:\n        expected = json.load(f)\n    assert total([1, 2, 3]) == expected[\"total\"]\n\n\ndef test_empty():\n    assert total([]) == 0\n",
            true,
        ),
        (
            "import json\n\nfrom billing import total\n\n\ndef test_total():\n    with open(\"tests/billing/data/expected.json\") as f:\n        assert total([1, 2, 3]) == json.load(f)[\"total\"]\n\n\ndef test_empty():\n    assert total([]) == 0\n",
            true,
        ),
        (
            "import json\nfrom pathlib import Path\n\nfrom billing import total\n\nEXPECTED = Path(__file__).parent / \"data/expected.json\"\n\n\ndef test_total():\n    assert total([1, 2, 3]) == json.loads(EXPECTED.read_text())[\"total\"]\n\n\ndef test_empty():\n    assert total([]) == 0\n",
            false,
        ),
    ] {
        let files = [
            ("tests/billing/test_total.py", test),
            ("billing.py", "def total(xs):\n    return sum(xs)\n"),
            (data, "{\"total\": 6}\n"),
        ];
        let l = super::locked(&files);
        l.repo.write(data, "{\"total\": 7}\n");
        let out = l.check_staged();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("refused: python:tests/billing/test_total.py::test_total [rebound]"),
            "{stderr}"
        );
        assert_eq!(
            stderr.contains("test_total.py::test_empty"),
            !only_its_own,
            "{stderr}"
        );
        let l = super::locked(&files);
        l.edit(
            "tests/billing/test_total.py",
            test,
            &[("def test_total():", "# the total\ndef test_total():")],
        );
        l.assert_passes_checked();
    }
}

// What is not a data file of the test is not locked as one: a file name the test compares
// (`"setup.cfg" in names()`), a URL's path (`"/static/setup.cfg"`); and a new test that opens
// the data file a locked test opens changes nothing for it.
#[test]
fn names_that_are_not_a_tests_data_files_are_not_locked() {
    let test = "import json\nfrom pathlib import Path\n\nfrom billing import fetch, names, total\n\n\ndef test_names():\n    assert \"setup.cfg\" in names()\n    assert fetch(\"/static/setup.cfg\") == 200\n\n\ndef test_total():\n    expected = json.loads((Path(__file__).parent / \"data\" / \"expected.json\").read_text())\n    assert total([1, 2, 3]) == expected[\"total\"]\n";
    let files = [
        ("tests/billing/test_names.py", test),
        ("setup.cfg", "[metadata]\nname = billing\n"),
        ("tests/billing/static/setup.cfg", "[x]\n"),
        ("tests/billing/data/expected.json", "{\"total\": 6}\n"),
    ];
    let l = super::locked(&files);
    l.repo.write("setup.cfg", "[metadata]\nname = billing2\n");
    l.repo.write("tests/billing/static/setup.cfg", "[y]\n");
    l.assert_passes();
    let l = super::locked(&files);
    l.edit(
        "tests/billing/test_names.py",
        test,
        &[(
            "\n\ndef test_total():",
            "\n\ndef test_again():\n    assert json.loads((Path(__file__).parent / \"data\" / \"expected.json\").read_text())\n\n\ndef test_total():",
        )],
    );
    l.assert_passes_checked();
}

// A value a test's body reads from a module of the tests (`from tests.billing.cases import
// EXPECTED`, then `assert total(…) == EXPECTED`) is what it compares with: changing it there
// is refused; another value of that module, read by no locked test, may change. Under a lock
// written before such values were recorded, the line is new and passes until the next
// re-lock.
#[test]
fn a_value_the_test_reads_from_a_module_of_the_tests_is_locked() {
    let test = "from billing import total\nfrom tests.billing.cases import EXPECTED\n\n\ndef test_expected():\n    assert total([1, 2, 3]) == EXPECTED\n";
    let cases = "EXPECTED = 6\nUNUSED = 1\n";
    let files = [
        ("tests/billing/test_total.py", test),
        ("tests/billing/cases.py", cases),
        ("tests/billing/__init__.py", ""),
        ("tests/__init__.py", ""),
        ("billing.py", "def total(xs):\n    return sum(xs)\n"),
    ];
    let id = "python:tests/billing/test_total.py::test_expected";
    let l = super::locked(&files);
    l.edit(
        "tests/billing/cases.py",
        cases,
        &[("EXPECTED = 6", "EXPECTED = 7")],
    );
    l.assert_refused("rebound", id);
    let l = super::locked(&files);
    l.edit(
        "tests/billing/cases.py",
        cases,
        &[("UNUSED = 1", "UNUSED = 2")],
    );
    l.assert_passes();
    let l = super::locked(&files);
    l.commit_lock_without("  envelope-binding defined EXPECTED");
    l.edit(
        "tests/billing/test_total.py",
        test,
        &[("def test_expected", "# the total\ndef test_expected")],
    );
    l.assert_passes_checked();
}

/// Another test file, collected before the locked one, that imports the locked test's module
/// and rebinds what its test calls (`tp.total = lambda xs: sum(xs)`): the locked test then
/// really runs and passes against the stub, and the runner's report says so (confirmed with
/// pytest). Refused, however the module is named or used; a file that only imports the code
/// under test, or a use the base revision already had, is not.
#[test]
fn another_file_writing_to_the_locked_tests_module_is_refused() {
    let init = [("tests/__init__.py", ""), ("tests/billing/__init__.py", "")];
    for warmup in [
        "import tests.billing.test_total as tp\n\n\ndef test_warmup():\n    tp.total = lambda xs: sum(xs)\n",
        "from tests.billing import test_total\n\n\ndef test_warmup():\n    setattr(test_total, 'total', lambda xs: 6)\n",
        "import tests.billing.test_total\n\n\ndef test_warmup():\n    tests.billing.test_total.total = lambda xs: 6\n",
        "import importlib\n\n\ndef test_warmup():\n    importlib.import_module('tests.billing.test_total').total = len\n",
        "from tests.billing.test_total import billing\n\n\ndef test_warmup():\n    billing.total = lambda xs: 6\n",
    ] {
        let mut files = vec![(PATH, TEST), ("billing.py", BILLING)];
        files.extend(init);
        let l = super::locked(&files);
        l.repo.write("tests/aaa/__init__.py", "");
        l.repo.write("tests/aaa/test_warmup.py", warmup);
        assert_both_refused(&l);
    }
    // Only the code under test imported, a use already there at the base revision, and a
    // subclass of one of the module's classes (which runs its tests under its own name).
    let mut files = vec![(PATH, TEST), ("billing.py", BILLING)];
    files.extend(init);
    files.push((
        "tests/aaa/test_warmup.py",
        "import tests.billing.test_total as tp\n\n\ndef test_warmup():\n    assert tp.ID\n",
    ));
    let l = super::locked(&files);
    l.repo.write(
        "tests/aaa/test_warmup.py",
        "import billing\nimport tests.billing.test_total as tp\n\n\ndef test_warmup():\n    assert tp.ID\n\n\ndef test_other():\n    assert billing.total([1]) == 1\n\n\nclass TestAgain(tp.Base):\n    pass\n",
    );
    // No locked file is touched, so no locked test is compared: both checks pass quietly.
    for (what, out) in [
        ("check --staged", l.check_staged()),
        ("check --base", l.check_base()),
    ] {
        crate::common::assert_code(&out, 0, what);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("refused:"), "{what}: {err}");
    }
}

/// What a module the code under test imports in turn does at its top to the test
/// frameworks and builtins is locked with the tests, as the code under test's own is: a
/// `rates.py` that `billing.py` imports, and the `__init__.py` of a package on the way to a
/// module the test imports (`from shop.pay import total` runs `shop/__init__.py` first).
/// A change to such a module that patches nothing passes.
#[test]
fn a_module_imported_in_turn_patching_the_frameworks_is_refused() {
    const PATCH: &str = "import builtins\n\nbuiltins.sum = lambda xs, start=0: 6\n";
    let billing = "import rates\n\n\ndef total(xs):\n    return sum(xs) * rates.RATE\n";
    let rates = "RATE = 1\n";
    let files = [(PATH, TEST), ("billing.py", billing), ("rates.py", rates)];
    let l = super::locked(&files);
    l.edit(
        "rates.py",
        rates,
        &[("RATE = 1\n", &format!("{PATCH}RATE = 1\n"))],
    );
    assert_both_refused(&l);
    let l = super::locked(&files);
    l.edit(
        "rates.py",
        rates,
        &[("RATE = 1\n", "# the rate\nRATE = 1\nVAT = 0\n")],
    );
    l.assert_passes();

    let test =
        "from shop.pay import total\n\n\ndef test_total():\n    assert total([1, 2, 3]) == 6\n";
    let files = [
        (PATH, test),
        ("shop/__init__.py", ""),
        ("shop/pay.py", BILLING),
    ];
    let l = super::locked(&files);
    l.edit("shop/__init__.py", "", &[("", PATCH)]);
    l.assert_refused("rebound", ID);
    let l = super::locked(&files);
    l.edit("shop/__init__.py", "", &[("", "VERSION = '2'\n")]);
    l.assert_passes();
}

/// The code under test reaching the test runner from a function the tests call (`import
/// _pytest` and a hook on its report writer, the runner's live objects through
/// `gc.get_objects()`, `sys.modules["pytest"]`) makes every locked Python test `rebound`; an
/// ordinary new import does not, nor one the base revision already made.
#[test]
fn the_code_under_test_reaching_the_runner_is_refused() {
    for body in [
        "    import _pytest.junitxml\n",
        "    import gc\n    gc.get_objects()\n",
        "    import sys\n    sys.modules[\"pytest\"]\n",
        "    from unittest import TestCase\n",
        // Found by an attack round, confirmed with pytest: the runner reached without
        // naming it (every loaded module, the collector's objects, a name in two parts).
        "    import sys\n    for m in list(sys.modules.values()):\n        getattr(m, \"TestReport\", None)\n",
        "    from gc import get_objects as _objects\n    _objects()\n",
        "    import importlib\n    importlib.import_module(\"_py\" \"test.reports\")\n",
        // Found by an attack round, confirmed with pytest: the environment pytest sets for
        // the tests, read to answer right only under test.
        "    import os\n    if os.environ.get(\"PYTEST_CURRENT_TEST\"):\n        return sum(xs)\n",
        "    import os\n    if \"PYTEST_VERSION\" in os.environ:\n        return sum(xs)\n",
    ] {
        let l = locked(TEST);
        l.edit(
            "billing.py",
            BILLING,
            &[("def total(xs):\n", &format!("def total(xs):\n{body}"))],
        );
        assert_both_refused(&l);
    }
    let l = locked(TEST);
    l.edit(
        "billing.py",
        BILLING,
        &[(
            "def total(xs):\n",
            "def total(xs):\n    import json\n    from unittest import mock\n",
        )],
    );
    l.assert_passes();
}

/// Another file patching a locked test module by a dotted string (`monkeypatch.setattr(
/// "tests.billing.test_total.total", sum)` in an autouse fixture of a subclass's module,
/// found by an attack round and confirmed with pytest): the module's locked tests are
/// `rebound`.
#[test]
fn a_locked_test_module_patched_by_a_dotted_string_elsewhere_is_refused() {
    let l = locked(TEST);
    l.edit(
        "tests/other/test_fast.py",
        "",
        &[(
            "",
            "import pytest\n\n\n@pytest.fixture(autouse=True)\ndef fast(monkeypatch):\n    monkeypatch.setattr(\"tests.billing.test_total.total\", sum)\n",
        )],
    );
    assert_both_refused(&l);
    // A data file named after the module is no name in it (tornado's `setup.py` lists
    // `options_test.cfg` beside `options_test.py`).
    let l = locked(TEST);
    l.edit(
        "setup.py",
        "",
        &[(
            "",
            "PACKAGE_DATA = [\"test_total.cfg\", \"tests/billing/test_total.json\"]\n",
        )],
    );
    l.assert_passes();
}

/// A process-wide setting changed while a module of the tests is imported stays changed for
/// every test after it: a setter called at the top of another test module, in a parameter's
/// default or annotation, in a class body, or handed on as a value there, and one called
/// in a case added to the locked test's own `parametrize` (confirmed with pytest: a
/// `decimal.setcontext(…ROUND_HALF_UP)` there passes a `cents` that forgets its rounding).
/// A getter, or the setter bound to a name and never called, passes.
#[test]
fn a_process_setting_changed_as_a_module_of_the_tests_is_imported_is_refused() {
    let init = [("tests/__init__.py", ""), ("tests/billing/__init__.py", "")];
    for setup in [
        "import os\n\nos.chdir('/')\n",
        "import os\n\n\ndef test_x(d=os.chdir('/')):\n    assert d is None\n",
        "import os\n\n\ndef test_x(d: os.chdir('/') = 1):\n    assert d\n",
        "import os\n\n\nclass TestX:\n    d: os.chdir('/') = 1\n\n    def test_x(self):\n        assert self.d\n",
        "import os\n\nlist(map(os.chdir, ['/']))\n",
        "import warnings\n\nwarnings.simplefilter('ignore')\n",
    ] {
        let mut files = vec![(PATH, TEST), ("billing.py", BILLING)];
        files.extend(init);
        let l = super::locked(&files);
        l.repo.write("tests/aaa/__init__.py", "");
        l.repo.write("tests/aaa/test_setup.py", setup);
        assert_both_refused(&l);
    }
    let l = inserted("import os\n\nos.chdir('/')\n");
    assert_both_refused(&l);
    let parametrized = "import os\n\nimport pytest\n\nfrom billing import total\n\n\n@pytest.mark.parametrize('xs', [[1, 2, 3]])\ndef test_total(xs):\n    assert total(xs) == 6\n";
    let l = locked(parametrized);
    l.edit(
        PATH,
        parametrized,
        &[("[[1, 2, 3]]", "[[1, 2, 3], [os.chdir('/') or 6]]")],
    );
    l.assert_refused("rebound", ID);
    let l = locked(parametrized);
    l.edit(PATH, parametrized, &[("[[1, 2, 3]]", "[[1, 2, 3], [6]]")]);
    l.assert_passes();
    for setup in [
        "import os\n\nHERE = os.getcwd()\n",
        "import os\n\ncd = os.chdir\n",
    ] {
        let mut files = vec![(PATH, TEST), ("billing.py", BILLING)];
        files.extend(init);
        let l = super::locked(&files);
        l.repo.write("tests/aaa/__init__.py", "");
        l.repo.write("tests/aaa/test_setup.py", setup);
        for (what, out) in [
            ("check --staged", l.check_staged()),
            ("check --base", l.check_base()),
        ] {
            crate::common::assert_code(&out, 0, what);
        }
    }
}

/// A star import of a module of the repository binds what that module binds: the code under
/// test defining an `isclose` that always says yes takes the place of the `from math import
/// isclose` the check calls (found by an attack round, confirmed with pytest: a broken `total`
/// passed), directly, through a module it star-imports in turn, or by listing it in
/// `__all__`. Each is refused; a new name the test file does not mention, and a change to
/// the body of a function it does, pass.
#[test]
fn a_star_import_that_now_brings_a_name_the_test_uses_is_refused() {
    const STAR_TEST: &str = "from math import isclose\nfrom billing import *\n\n\ndef test_total():\n    assert isclose(total([1.0, 2.0, 3.0]), 6.0)\n";
    const STAR_ID: &str = "python:tests/billing/test_total.py::test_total";
    let base = [
        (PATH, STAR_TEST),
        ("billing/__init__.py", "from .pay import *\n"),
        ("billing/pay.py", "def total(xs):\n    return sum(xs)\n"),
    ];
    for (file, code) in [
        (
            "billing/__init__.py",
            "from .pay import *\n\n\ndef isclose(a, b):\n    return True\n",
        ),
        (
            "billing/pay.py",
            "def total(xs):\n    return 0\n\n\ndef isclose(a, b):\n    return True\n",
        ),
        (
            "billing/pay.py",
            "from math import *\n\n__all__ = [\"total\", \"isclose\"]\n\n\ndef total(xs):\n    return 0\n",
        ),
    ] {
        let l = super::locked(&base);
        l.repo.write(file, code);
        l.assert_refused("rebound", STAR_ID);
    }
    for (file, code) in [
        (
            "billing/pay.py",
            "def total(xs):\n    return sum(xs)\n\n\ndef average(xs):\n    return total(xs) / len(xs)\n",
        ),
        (
            "billing/pay.py",
            "def total(xs):\n    return sum(x for x in xs)\n",
        ),
        (
            "billing/pay.py",
            "def total(xs):\n    return sum(xs)\n\n\ndef _isclose(a, b):\n    return True\n",
        ),
    ] {
        let l = super::locked(&base);
        l.repo.write(file, code);
        l.assert_passes();
    }
}

/// pytest puts the test's directory (not a package) at the head of `sys.path`: a module added
/// there under the name of one the code under test imports takes its place for the code under
/// test too (found by an attack round, confirmed with pytest: a fixed copy of `rates.py`
/// beside the test passed a broken root `rates.py` that `billing.py` imports). It is refused,
/// as is one named like a module at the root; a helper module named like nothing else
/// passes.
#[test]
fn a_module_beside_the_tests_named_like_one_the_code_under_test_imports_is_refused() {
    let billing = "import rates\n\n\ndef total(xs):\n    return rates.apply(sum(xs))\n";
    let files = [
        (PATH, TEST),
        ("billing.py", billing),
        ("rates.py", "def apply(amount):\n    return amount\n"),
    ];
    for module in ["tests/billing/rates.py", "tests/billing/rates/__init__.py"] {
        let l = super::locked(&files);
        l.repo
            .write(module, "def apply(amount):\n    return amount\n");
        l.repo
            .write("rates.py", "def apply(amount):\n    return 0\n");
        l.assert_refused("rebound", ID);
    }
    let l = super::locked(&files);
    l.repo.write(
        "tests/billing/factories.py",
        "def cart():\n    return [1, 2, 3]\n",
    );
    l.assert_passes();
}

/// A module of the tests imported at the top of a `conftest.py`, of another test module or of
/// a test package's `__init__.py` runs as pytest collects, before any test: one that patches
/// the code under test there (found by an attack round, confirmed with pytest) is refused,
/// also through a module it imports in turn. One that only defines helpers passes.
#[test]
fn a_module_of_the_tests_imported_as_pytest_collects_is_read_for_patches() {
    let patching = "import billing\n\nbilling.total = sum\n";
    let helpers = "def cart():\n    return [1, 2, 3]\n";
    let base = [
        (PATH, TEST),
        ("billing.py", BILLING),
        ("tests/__init__.py", ""),
        ("tests/support.py", helpers),
        ("tests/deep.py", helpers),
    ];
    for (file, code, support) in [
        (
            "tests/conftest.py",
            "from tests import support  # noqa: F401\n",
            patching,
        ),
        (
            "tests/smoke/test_smoke.py",
            "import tests.support\n\n\ndef test_smoke():\n    assert tests.support\n",
            patching,
        ),
        (
            "tests/conftest.py",
            "from tests import support  # noqa: F401\n",
            "from tests import deep  # noqa: F401\n",
        ),
    ] {
        let l = super::locked(&base);
        l.repo.write(file, code);
        l.repo.write("tests/support.py", support);
        if support != patching {
            l.repo.write("tests/deep.py", patching);
        }
        l.assert_refused("rebound", ID);
    }
    let l = super::locked(&base);
    l.repo.write(
        "tests/conftest.py",
        "from tests import support  # noqa: F401\n",
    );
    l.assert_passes();
}
