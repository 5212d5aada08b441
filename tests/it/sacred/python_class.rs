//! Python: the methods of a test's class that run for it though it does not call them. A
//! method overriding one of `unittest.TestCase` (`assertEqual`, `run`), a dunder, a method a
//! framework base calls (tornado's `get_app`), and the setups and such methods of the bases
//! of its file. Each attack below passed `sacred check` before these were locked.

const PATH: &str = "tests/billing/test_total.py";
const ID: &str = "python:tests/billing/test_total.py::TestTotal::test_total";
const BILLING: &str = "def total(xs):\n    return sum(xs)\n";

/// A unittest class with a helper the test calls and one it does not.
const UNITTEST: &str = "import unittest\n\nimport billing\n\n\nclass TestTotal(unittest.TestCase):\n    def amounts(self):\n        return [1, 2, 3]\n\n    def test_total(self):\n        self.assertEqual(billing.total(self.amounts()), 6)\n";

/// A class under a framework base gatekeeper cannot read, whose `get_app` the base calls.
const FRAMEWORK: &str = "from tornado.testing import AsyncHTTPTestCase\nfrom tornado.web import Application\n\nfrom tests.handlers import TotalHandler\n\n\nclass TestTotal(AsyncHTTPTestCase):\n    def get_app(self):\n        return Application([(\"/total\", TotalHandler)])\n\n    def test_total(self):\n        self.assertEqual(self.fetch(\"/total?xs=1,2,3\").body, b\"6\")\n";

/// A base class of the file, with a setup the test's class inherits.
const IN_FILE_BASE: &str = "import unittest\n\nimport billing\n\n\nclass Base(unittest.TestCase):\n    def setUp(self):\n        self.xs = [1, 2, 3]\n\n    def unused(self):\n        return 1\n\n\nclass TestTotal(Base):\n    def test_total(self):\n        self.assertEqual(billing.total(self.xs), 6)\n";

fn locked(test: &str) -> super::Locked {
    super::locked(&[
        (PATH, test),
        ("billing.py", BILLING),
        ("tests/__init__.py", ""),
        (
            "tests/handlers.py",
            "class TotalHandler:\n    pass\n\n\ndef check_total(a, b):\n    assert a == b\n",
        ),
    ])
}

/// Each edit of `base` is refused as `rebound`, by both checks.
fn assert_each_refused(base: &str, edits: &[(&str, &str)]) {
    for (from, to) in edits {
        let l = locked(base);
        l.edit(PATH, base, &[(from, to)]);
        l.assert_refused("rebound", ID);
    }
}

#[test]
fn overriding_what_unittest_or_python_calls_in_the_tests_class_is_refused() {
    assert_each_refused(
        UNITTEST,
        &[
            (
                "    def amounts(self):",
                "    def assertEqual(self, first, second, msg=None):\n        pass\n\n    def amounts(self):",
            ),
            (
                "    def amounts(self):",
                "    def run(self, result=None):\n        return result\n\n    def amounts(self):",
            ),
            (
                "    def amounts(self):",
                "    def __getattribute__(self, name):\n        return object.__getattribute__(self, name)\n\n    def amounts(self):",
            ),
            (
                "    def amounts(self):",
                "    def failureException(self, *args):\n        return None\n\n    def amounts(self):",
            ),
        ],
    );
}

// A pytest class: Python calls its dunders.
#[test]
fn a_dunder_added_to_a_pytest_class_is_refused() {
    let test = "import billing\n\n\nclass TestTotal:\n    def test_total(self):\n        assert billing.total([1, 2, 3]) == 6\n";
    assert_each_refused(
        test,
        &[(
            "class TestTotal:\n",
            "class TestTotal:\n    def __getattr__(self, name):\n        return None\n\n",
        )],
    );
}

// Under a framework base it cannot read, a method no code of the file names is the
// framework's to call: it is locked as written, and one added is refused too.
#[test]
fn a_method_a_framework_base_calls_is_locked() {
    assert_each_refused(
        FRAMEWORK,
        &[
            (
                "return Application([(\"/total\", TotalHandler)])",
                "return Application([(\"/total\", FakeHandler)])",
            ),
            (
                "    def test_total(self):",
                "    def get_http_client(self):\n        return None\n\n    def test_total(self):",
            ),
        ],
    );
}

/// What a method the framework calls imports by name is locked with the test: another module
/// under the name `get_app` serves, or the handler imported from elsewhere, changes what the
/// test fetches, with `get_app` as written.
#[test]
fn a_module_a_framework_called_method_imports_is_locked() {
    assert_each_refused(
        FRAMEWORK,
        &[
            (
                "from tests.handlers import TotalHandler\n",
                "from tests.fakes import TotalHandler\n",
            ),
            (
                "from tornado.web import Application\n",
                "from tests.fakes import Application\n",
            ),
        ],
    );
    // New imports for new routes and tests, and the import list grown, pass.
    let l = locked(FRAMEWORK);
    l.edit(
        PATH,
        FRAMEWORK,
        &[
            (
                "from tornado.web import Application\n",
                "from tornado.web import Application, RequestHandler\nimport json\n",
            ),
            (
                "b\"6\")\n",
                "b\"6\")\n\n    def test_json(self):\n        self.assertEqual(json.dumps(RequestHandler.__name__), '\"RequestHandler\"')\n",
            ),
        ],
    );
    l.assert_passes();
}

/// A handler of the test's file its `get_app` serves, with what the handler calls.
const SERVED: &str = "from tornado.testing import AsyncHTTPTestCase\nfrom tornado.web import Application, RequestHandler\n\nimport billing\n\n\ndef amounts(raw):\n    return [int(x) for x in raw.split(\",\")]\n\n\nclass TotalHandler(RequestHandler):\n    def get(self):\n        self.write(str(billing.total(amounts(self.get_argument(\"xs\")))))\n\n\nclass TestTotal(AsyncHTTPTestCase):\n    def get_app(self):\n        return Application([(\"/total\", TotalHandler)])\n\n    def test_total(self):\n        self.assertEqual(self.fetch(\"/total?xs=1,2,3\").body, b\"6\")\n";

/// The classes and functions of the file a method the framework calls reaches are what the
/// test runs against: a handler that answers what the test expects, a helper of the handler
/// rewritten, a fake under the name the handler reads, are refused.
#[test]
fn the_handlers_a_framework_called_method_serves_are_locked() {
    // Also in a file that imports a module of the tests (whose helpers are read again).
    let importing = SERVED
        .replace(
            "import billing\n",
            "import billing\nfrom tests.handlers import check_total\n",
        )
        .replace("self.assertEqual(self.fetch", "check_total(self.fetch");
    for served in [SERVED, importing.as_str()] {
        assert_each_refused(
            served,
            &[
                (
                    "self.write(str(billing.total(amounts(self.get_argument(\"xs\")))))",
                    "self.write(\"6\")",
                ),
                ("return [int(x) for x in raw.split(\",\")]", "return [6]"),
            ],
        );
    }
    // A module of the tests newly imported leaves what is served as it was.
    let l = locked(SERVED);
    l.edit(
        PATH,
        SERVED,
        &[(
            "import billing\n",
            "import billing\nimport tests.handlers\n",
        )],
    );
    l.assert_passes();
    assert_each_refused(
        SERVED,
        &[
            (
                "self.write(str(billing.total(amounts(self.get_argument(\"xs\")))))",
                "self.write(\"6\")",
            ),
            ("return [int(x) for x in raw.split(\",\")]", "return [6]"),
            ("import billing\n", "import tests.fakes as billing\n"),
        ],
    );
    // Under a lock an earlier reading wrote (no `served:` line), the base revision decides:
    // a handler as it was passes, one rewritten is refused.
    let l = locked(SERVED);
    l.commit_lock_of_an_earlier_reading("served: ");
    l.edit(
        PATH,
        SERVED,
        &[(
            "b\"6\")\n",
            "b\"6\")\n\n    def test_more(self):\n        self.assertTrue(True)\n",
        )],
    );
    l.assert_passes();
    let l = locked(SERVED);
    l.commit_lock_of_an_earlier_reading("served: ");
    l.edit(
        PATH,
        SERVED,
        &[(
            "self.write(str(billing.total(amounts(self.get_argument(\"xs\")))))",
            "self.write(\"6\")",
        )],
    );
    l.assert_refused("rebound", ID);
    // A handler respelled in the modern way (a `.format` string as the f-string it makes)
    // reads the same.
    let formatted = SERVED.replace(
        "self.write(str(billing.total(amounts(self.get_argument(\"xs\")))))",
        "self.write(\"{}\".format(billing.total(amounts(self.get_argument('xs')))))",
    );
    let l = locked(&formatted);
    l.edit(
        PATH,
        &formatted,
        &[(
            "self.write(\"{}\".format(billing.total(amounts(self.get_argument('xs')))))",
            "self.write(f\"{billing.total(amounts(self.get_argument('xs')))}\")",
        )],
    );
    l.assert_passes();
    // A new handler served to a new class of tests passes.
    let l = locked(SERVED);
    l.edit(
        PATH,
        SERVED,
        &[
            (
                "\n\nclass TestTotal(",
                "\n\nclass CountHandler(RequestHandler):\n    def get(self):\n        self.write(str(len(self.get_argument(\"xs\").split(\",\"))))\n\n\nclass TestTotal(",
            ),
            (
                "b\"6\")\n",
                "b\"6\")\n\n\nclass TestCount(AsyncHTTPTestCase):\n    def get_app(self):\n        return Application([(\"/count\", CountHandler)])\n\n    def test_count(self):\n        self.assertEqual(self.fetch(\"/count?xs=1,2,3\").body, b\"3\")\n",
            ),
        ],
    );
    l.assert_passes();
}

/// A mixin whose `get_app` the framework base of its subclass calls.
const MIXIN: &str = "from tornado.testing import AsyncHTTPTestCase\nfrom tornado.web import Application\n\nfrom tests.handlers import TotalHandler\n\n\nclass TotalMixin:\n    def get_app(self):\n        return Application([(\"/total\", TotalHandler)])\n\n    def test_total(self):\n        self.assertEqual(self.fetch(\"/total?xs=1,2,3\").body, b\"6\")\n\n\nclass TestTotal(TotalMixin, AsyncHTTPTestCase):\n    pass\n";

/// A mixin of the file runs its tests under its subclasses: the methods the framework base
/// of one of them calls are locked with the mixin's tests as its own would be.
#[test]
fn a_mixins_method_the_framework_of_a_subclass_calls_is_locked() {
    let id = "python:tests/billing/test_total.py::TotalMixin::test_total";
    let l = locked(MIXIN);
    l.edit(
        PATH,
        MIXIN,
        &[(
            "return Application([(\"/total\", TotalHandler)])",
            "return Application([(\"/total\", FakeHandler)])",
        )],
    );
    l.assert_refused("rebound", id);
    // Under unittest alone, a method no code names never runs and may change.
    let plain = MIXIN
        .replace(
            "from tornado.testing import AsyncHTTPTestCase\n",
            "import unittest\n",
        )
        .replace("AsyncHTTPTestCase):", "unittest.TestCase):")
        .replace("self.fetch(\"/total?xs=1,2,3\").body", "sum([1, 2, 3])")
        .replace("b\"6\"", "6");
    let l = locked(&plain);
    l.edit(
        PATH,
        &plain,
        &[("(\"/total\", TotalHandler)", "(\"/total\", FakeHandler)")],
    );
    l.assert_passes();
}

// Naming the hook somewhere else in the file does not let its rewrite through: the lock
// holds it, and it no longer runs as written.
#[test]
fn a_hook_named_elsewhere_then_rewritten_is_refused() {
    let l = locked(FRAMEWORK);
    l.edit(
        PATH,
        FRAMEWORK,
        &[
            (
                "return Application([(\"/total\", TotalHandler)])",
                "return Application([(\"/total\", FakeHandler)])",
            ),
            ("b\"6\")\n", "b\"6\")\n\n\nAPP = TestTotal.get_app\n"),
        ],
    );
    l.assert_refused("rebound", ID);
}

// A type comment turned into an annotation in a hook reads the same.
#[test]
fn a_hooks_type_comment_turned_into_an_annotation_passes() {
    let test = FRAMEWORK.replace(
        "        return Application([(\"/total\", TotalHandler)])\n",
        "        app = Application([(\"/total\", TotalHandler)])  # type: Application\n        return app\n",
    );
    let l = locked(&test);
    l.edit(
        PATH,
        &test,
        &[(
            "        app = Application([(\"/total\", TotalHandler)])  # type: Application\n",
            "        app: Application = Application([(\"/total\", TotalHandler)])\n",
        )],
    );
    l.assert_passes_checked();
}

// Under unittest alone every hook is known: a method no code names is never called, and may
// change (the helper the test calls is code it exercises, as before).
#[test]
fn an_uncalled_method_under_unittest_may_change() {
    let test = UNITTEST.replace(
        "    def test_total(self):",
        "    def unused(self):\n        return 1\n\n    def test_total(self):",
    );
    let l = locked(&test);
    l.edit(PATH, &test, &[("        return 1\n", "        return 2\n")]);
    l.assert_passes_checked();
}

#[test]
fn a_setup_or_override_of_a_base_of_the_file_is_refused() {
    assert_each_refused(
        IN_FILE_BASE,
        &[
            (
                "        self.xs = [1, 2, 3]\n",
                "        self.xs = [1, 2, 3]\n        billing.total = lambda xs: 6\n",
            ),
            (
                "    def unused(self):\n        return 1\n",
                "    def assertEqual(self, first, second, msg=None):\n        pass\n",
            ),
        ],
    );
    // What no code calls under unittest may change.
    let l = locked(IN_FILE_BASE);
    l.edit(
        PATH,
        IN_FILE_BASE,
        &[("        return 1\n", "        return 2\n")],
    );
    l.assert_passes_checked();
}

// The setups and such methods of a base class imported from a module of the tests, and of
// its bases there, run for the test as its own do.
#[test]
fn a_setup_or_override_of_an_imported_base_is_refused() {
    let test = "import billing\nfrom tests.base import Checks\n\n\nclass TestTotal(Checks):\n    def test_total(self):\n        self.assertEqual(billing.total(self.xs), 6)\n";
    let base = "import unittest\n\n\nclass Root(unittest.TestCase):\n    def setUp(self):\n        self.xs = [1, 2, 3]\n\n\nclass Checks(Root):\n    def unused(self):\n        return 1\n";
    let files = [
        (PATH, test),
        ("tests/base.py", base),
        ("billing.py", BILLING),
        ("tests/__init__.py", ""),
    ];
    for (from, to) in [
        (
            "        self.xs = [1, 2, 3]\n",
            "        self.xs = [1, 2, 3]\n        import billing\n\n        billing.total = lambda xs: 6\n",
        ),
        (
            "    def unused(self):\n        return 1\n",
            "    def assertEqual(self, first, second, msg=None):\n        pass\n",
        ),
    ] {
        let l = super::locked(&files);
        l.edit("tests/base.py", base, &[(from, to)]);
        l.assert_refused("rebound", ID);
    }
    let l = super::locked(&files);
    l.edit(
        "tests/base.py",
        base,
        &[("        return 1\n", "        return 2\n")],
    );
    l.assert_passes_checked();
}

// A base class imported from a module of the tests may itself derive from a class that
// module imports from another one (`from tests.root import Root`, or `root.Root` after
// `from tests import root`): that class's setups and overrides run for the test too, and
// the methods the test calls on `self` are looked up there as well.
#[test]
fn a_setup_or_override_of_a_base_imported_by_the_bases_module_is_refused() {
    let test = "import billing\nfrom tests.base import Checks\n\n\nclass TestTotal(Checks):\n    def test_total(self):\n        self.assertEqual(billing.total(self.amounts()), 6)\n";
    let root = "import unittest\n\n\nclass Root(unittest.TestCase):\n    def setUp(self):\n        self.xs = [1, 2, 3]\n\n    def amounts(self):\n        return self.xs\n\n    def unused(self):\n        return 1\n";
    for base in [
        "from tests.root import Root\n\n\nclass Checks(Root):\n    pass\n",
        "from tests import root\n\n\nclass Checks(root.Root):\n    pass\n",
        "import tests.root as r\n\n\nclass Checks(r.Root):\n    pass\n",
    ] {
        let files = [
            (PATH, test),
            ("tests/base.py", base),
            ("tests/root.py", root),
            ("billing.py", BILLING),
            ("tests/__init__.py", ""),
        ];
        for (from, to) in [
            (
                "        self.xs = [1, 2, 3]\n",
                "        self.xs = [1, 2, 3]\n        import billing\n\n        billing.total = lambda xs: 6\n",
            ),
            (
                "    def unused(self):\n        return 1\n",
                "    def assertEqual(self, first, second, msg=None):\n        pass\n",
            ),
            ("        return self.xs\n", "        return [6]\n"),
        ] {
            let l = super::locked(&files);
            l.edit("tests/root.py", root, &[(from, to)]);
            l.assert_refused("rebound", ID);
        }
        let l = super::locked(&files);
        l.edit(
            "tests/root.py",
            root,
            &[("        return 1\n", "        return 2\n")],
        );
        l.assert_passes_checked();
    }
}

// Under a lock written by an earlier reading, which did not follow a base's module to the
// module it imports its base from, the base revision decides: the same lines pass, a
// rewritten setup there is refused, and a change to that module brings the test into the
// check though the lock does not name it.
#[test]
fn under_a_lock_of_an_earlier_reading_the_bases_of_a_bases_module_are_judged_by_the_base_revision()
{
    let test = "import billing\nfrom tests.base import Checks\n\n\nclass TestTotal(Checks):\n    def test_total(self):\n        self.assertEqual(billing.total(self.xs), 6)\n";
    let base = "from tests.root import Root\n\n\nclass Checks(Root):\n    pass\n";
    let root = "import unittest\n\n\nclass Root(unittest.TestCase):\n    def setUp(self):\n        self.xs = [1, 2, 3]\n\n    def unused(self):\n        return 1\n";
    let files = [
        (PATH, test),
        ("tests/base.py", base),
        ("tests/root.py", root),
        ("billing.py", BILLING),
        ("tests/__init__.py", ""),
    ];
    let earlier =
        |l: &super::Locked| l.commit_lock_of_an_earlier_reading("in a base (in tests/root.py)");
    let l = super::locked(&files);
    earlier(&l);
    l.edit(
        PATH,
        test,
        &[(
            "        self.assertEqual",
            "        # the total\n        self.assertEqual",
        )],
    );
    l.assert_passes_checked();
    let l = super::locked(&files);
    earlier(&l);
    l.edit(
        "tests/root.py",
        root,
        &[(
            "        self.xs = [1, 2, 3]\n",
            "        self.xs = [1, 2, 3]\n        import billing\n\n        billing.total = lambda xs: 6\n",
        )],
    );
    l.assert_refused("rebound", ID);
    let l = super::locked(&files);
    earlier(&l);
    l.edit(
        "tests/root.py",
        root,
        &[("        return 1\n", "        return 2\n")],
    );
    l.assert_passes();
}

// What the runner reads of a class and of its bases decides whether the test runs: a
// class attribute such as `__unittest_skip__` or `__test__`, a base's skip decorator.
#[test]
fn skipping_through_the_class_or_a_base_is_refused() {
    assert_each_refused(
        IN_FILE_BASE,
        &[
            (
                "class TestTotal(Base):\n",
                "class TestTotal(Base):\n    __unittest_skip__ = True\n\n",
            ),
            (
                "    def unused(self):\n        return 1\n",
                "    __unittest_skip__ = True\n",
            ),
            (
                "class Base(unittest.TestCase):\n",
                "@unittest.skip(\"later\")\nclass Base(unittest.TestCase):\n",
            ),
        ],
    );
    let plain = "import billing\n\n\nclass Base:\n    pass\n\n\nclass TestTotal(Base):\n    def test_total(self):\n        assert billing.total([1, 2, 3]) == 6\n";
    assert_each_refused(plain, &[("    pass\n", "    __test__ = False\n")]);
}

// The module's protocol functions the runner calls decide which tests run and with which
// cases: unittest's `load_tests`, pytest's `pytest_generate_tests` (of the module or of a
// class).
#[test]
fn a_modules_load_tests_or_generate_tests_is_refused() {
    assert_each_refused(
        UNITTEST,
        &[(
            "self.amounts()), 6)\n",
            "self.amounts()), 6)\n\n\ndef load_tests(loader, tests, pattern):\n    return unittest.TestSuite()\n",
        )],
    );
    let plain = "import pytest\n\nimport billing\n\n\nclass TestTotal:\n    def test_total(self):\n        assert billing.total([1, 2, 3]) == 6\n";
    assert_each_refused(
        plain,
        &[
            (
                "== 6\n",
                "== 6\n\n\ndef pytest_generate_tests(metafunc):\n    pytest.skip(\"later\", allow_module_level=True)\n",
            ),
            (
                "class TestTotal:\n",
                "class TestTotal:\n    def pytest_generate_tests(self, metafunc):\n        pytest.skip(\"later\")\n\n",
            ),
        ],
    );
}

// Removing a skip decorator from a base runs more.
#[test]
fn removing_a_bases_skip_decorator_passes() {
    let test = IN_FILE_BASE.replace(
        "class Base(unittest.TestCase):\n",
        "@unittest.skipIf(False, \"never\")\nclass Base(unittest.TestCase):\n",
    );
    let l = locked(&test);
    l.edit(PATH, &test, &[("@unittest.skipIf(False, \"never\")\n", "")]);
    l.assert_passes_checked();
}

// Under a lock written before these methods were recorded, the base revision's methods
// pass when the file is touched; a change to one since is refused.
#[test]
fn under_a_lock_without_hooks_the_base_revision_decides() {
    let l = locked(FRAMEWORK);
    l.commit_lock_without("  hooks");
    let lock = String::from_utf8(l.repo.read(".gatekeeper/sacred.lock")).unwrap();
    let older: String = lock
        .lines()
        .filter(|line| !line.starts_with("  envelope-binding hook "))
        .fold(String::new(), |acc, line| acc + line + "\n");
    assert_ne!(older, lock, "the lock has no hook line");
    l.commit_lock(&older);
    l.edit(
        PATH,
        FRAMEWORK,
        &[(
            "        self.assertEqual(",
            "        # the total of three amounts\n        self.assertEqual(",
        )],
    );
    l.assert_passes_checked();
    l.edit(
        PATH,
        FRAMEWORK,
        &[(
            "return Application([(\"/total\", TotalHandler)])",
            "return Application([(\"/total\", FakeHandler)])",
        )],
    );
    l.assert_refused("rebound", ID);
}

// A helper class of the file or of a module of the tests whose methods check what the test
// hands them is one check helper: weakening its method is refused.
#[test]
fn a_helper_class_that_checks_less_is_refused() {
    let checker = "class Checker:\n    def check(self, x):\n        assert x == 6\n";
    let local = format!(
        "import billing\n\n\n{checker}\n\nclass TestTotal:\n    def test_total(self):\n        Checker().check(billing.total([1, 2, 3]))\n"
    );
    let l = locked(&local);
    l.edit(PATH, &local, &[("assert x == 6", "assert x")]);
    l.assert_refused("rebound", ID);
    for import in ["from tests.util import Checker", "from tests import util"] {
        let call = if import.ends_with("Checker") {
            "Checker()"
        } else {
            "util.Checker()"
        };
        let test = format!(
            "import billing\n{import}\n\n\nclass TestTotal:\n    def test_total(self):\n        {call}.check(billing.total([1, 2, 3]))\n"
        );
        let files = [
            (PATH, test.as_str()),
            ("tests/util.py", checker),
            ("billing.py", BILLING),
            ("tests/__init__.py", ""),
        ];
        let l = super::locked(&files);
        l.edit("tests/util.py", checker, &[("assert x == 6", "assert x")]);
        l.assert_refused("rebound", ID);
        // Another class of the module may change.
        let l = super::locked(&files);
        l.edit(
            "tests/util.py",
            checker,
            &[(
                "class Checker:",
                "class Other:\n    pass\n\n\nclass Checker:",
            )],
        );
        l.assert_passes_checked();
    }
}

// A fixture the test's class defines as a method, which pytest looks up before the module's,
// is locked with the tests that request it: one added to override the module's, or one
// changed, is refused; one no test requests may change.
#[test]
fn a_class_fixture_the_test_requests_is_locked() {
    let test = "import pytest\n\nimport billing\n\n\n@pytest.fixture\ndef amounts():\n    return [1, 2, 3]\n\n\nclass TestTotal:\n    @pytest.fixture\n    def unused(self):\n        return 0\n\n    def test_total(self, amounts):\n        assert billing.total(amounts) == 6\n";
    assert_each_refused(
        test,
        &[(
            "    def test_total(self, amounts):",
            "    @pytest.fixture\n    def amounts(self):\n        return [6]\n\n    def test_total(self, amounts):",
        )],
    );
    let with_class_fixture = test.replace(
        "    def unused(self):\n        return 0\n",
        "    def amounts(self):\n        return [1, 2, 3]\n",
    );
    assert_each_refused(
        &with_class_fixture,
        &[(
            "return [1, 2, 3]\n\n    def test",
            "return [6]\n\n    def test",
        )],
    );
    let l = locked(test);
    l.edit(PATH, test, &[("        return 0\n", "        return 1\n")]);
    l.assert_passes_checked();
}

// A metaclass of the file builds the test's class (or a base's) and may rewrite its tests.
#[test]
fn a_metaclass_that_rewrites_the_tests_is_refused() {
    let test = "import unittest\n\nimport billing\n\n\nclass Meta(type):\n    def __new__(mcs, name, bases, ns):\n        return super().__new__(mcs, name, bases, ns)\n\n\nclass TestTotal(unittest.TestCase, metaclass=Meta):\n    def test_total(self):\n        self.assertEqual(billing.total([1, 2, 3]), 6)\n";
    let rewrite = (
        "        return super().__new__(mcs, name, bases, ns)\n",
        "        ns = {k: (lambda self: None) if k.startswith(\"test\") else v for k, v in ns.items()}\n        return super().__new__(mcs, name, bases, ns)\n",
    );
    assert_each_refused(test, &[rewrite]);
    let through_a_base = test.replace(
        "class TestTotal(unittest.TestCase, metaclass=Meta):\n",
        "class Base(unittest.TestCase, metaclass=Meta):\n    pass\n\n\nclass TestTotal(Base):\n",
    );
    assert_each_refused(&through_a_base, &[rewrite]);
}

/// A unittest class with an attribute the test reads, written with a type comment.
const ANNOTATED: &str = "import typing\nimport unittest\n\nimport billing\n\n\nclass TestTotal(unittest.TestCase):\n    xs = [1, 2, 3]  # type: typing.List[int]\n\n    def test_total(self):\n        self.assertEqual(billing.total(self.xs), 6)\n";

// The type comment of a test class's attribute written as an annotation (or one annotation
// as another) binds the same value: accepted. Its value changed, an annotation that runs
// code, or one where a base makes annotations fields (a model class) is refused.
#[test]
fn an_annotation_on_a_test_class_attribute_changes_nothing_and_a_new_value_is_refused() {
    for to in [
        "    xs: typing.List[int] = [1, 2, 3]\n",
        "    xs: list[int] = [1, 2, 3]\n",
    ] {
        let l = locked(ANNOTATED);
        l.edit(
            PATH,
            ANNOTATED,
            &[("    xs = [1, 2, 3]  # type: typing.List[int]\n", to)],
        );
        l.assert_passes_checked();
    }
    assert_each_refused(
        ANNOTATED,
        &[
            (
                "    xs = [1, 2, 3]  # type: typing.List[int]\n",
                "    xs: typing.List[int] = [6]\n",
            ),
            (
                "    xs = [1, 2, 3]  # type: typing.List[int]\n",
                "    xs: print(\"x\") = [1, 2, 3]\n",
            ),
        ],
    );
    let model = ANNOTATED.replace(
        "class TestTotal(unittest.TestCase):",
        "class TestTotal(billing.Model, unittest.TestCase):",
    );
    assert_each_refused(
        &model,
        &[(
            "    xs = [1, 2, 3]  # type: typing.List[int]\n",
            "    xs: list[int] = [1, 2, 3]\n",
        )],
    );
}

/// tornado's refactor of a mixin into an abstract base test case: the tests' classes, a
/// marker in a module of the tests, and a framework under test whose `AsyncHTTPTestCase`
/// calls the test class's `get_app` in `setUp`.
const AB_MARKER: &str = "import unittest\n\n\ndef abstract_base_test(cls):\n    \"\"\"Skips the class itself; its subclasses run as usual.\"\"\"\n\n    class AbstractBaseWrapper(cls):  # type: ignore\n        @classmethod\n        def setUpClass(cls):\n            if cls is AbstractBaseWrapper:\n                raise unittest.SkipTest(\"abstract base class\")\n            super(AbstractBaseWrapper, cls).setUpClass()\n\n    return AbstractBaseWrapper  # type: ignore\n";
const AB_FRAMEWORK: &str = "import unittest\n\n\nclass AsyncTestCase(unittest.TestCase):\n    def setUp(self):\n        super().setUp()\n        self.loop = []\n\n\nclass AsyncHTTPTestCase(AsyncTestCase):\n    def setUp(self):\n        super().setUp()\n        self.app = self.get_app()\n\n    def get_app(self):\n        raise NotImplementedError()\n\n    def fetch(self, path):\n        return self.app(path)\n";
const AB_PATH: &str = "tests/billing/test_pay.py";
const AB_ID: &str = "python:tests/billing/test_pay.py::PayMixin::test_total";
const AB_OLD: &str = "import typing\n\nimport billing\nfrom tests.util import abstract_base_test  # noqa: F401\nfrom webtest import AsyncHTTPTestCase, AsyncTestCase  # noqa: F401\n\n\nclass PayMixin:\n    def get_app(self: typing.Any):\n        return lambda path: billing.total([1, 2, 3])\n\n    def test_total(self: typing.Any):\n        self.assertEqual(self.fetch(\"/total\"), 6)\n\n\nclass TestPay(PayMixin, AsyncHTTPTestCase):\n    pass\n";
/// The same tests after the refactor: the mixin is a test case skipped on its own, its
/// `get_app` renamed and called by the concrete class, which lists the framework first.
const AB_NEW: &str = "import typing\n\nimport billing\nfrom tests.util import abstract_base_test  # noqa: F401\nfrom webtest import AsyncHTTPTestCase, AsyncTestCase  # noqa: F401\n\n\n@abstract_base_test\nclass PayMixin(AsyncTestCase):\n    def fetch(self, path: str) -> int:\n        # Filled in by AsyncHTTPTestCase.\n        raise NotImplementedError()\n\n    def mixin_get_app(self):\n        return lambda path: billing.total([1, 2, 3])\n\n    def test_total(self):\n        self.assertEqual(self.fetch(\"/total\"), 6)\n\n\nclass TestPay(AsyncHTTPTestCase, PayMixin):\n    def get_app(self):\n        return self.mixin_get_app()\n";

fn abstract_base_repo() -> super::Locked {
    super::locked(&[
        (AB_PATH, AB_OLD),
        ("tests/__init__.py", ""),
        ("tests/billing/__init__.py", ""),
        ("tests/util.py", AB_MARKER),
        ("webtest.py", AB_FRAMEWORK),
        ("billing.py", BILLING),
    ])
}

/// What unittest itself reports for `test_total`: each `(class, outcome)` line.
fn unittest_runs(l: &super::Locked) -> Vec<String> {
    let out = std::process::Command::new("python3")
        .args(["-m", "unittest", "-v", "tests.billing.test_pay"])
        .current_dir(l.repo.path(""))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut runs: Vec<String> = err
        .lines()
        .filter(|l| l.contains("test_total") || l.contains("abstract base class"))
        .map(str::to_owned)
        .collect();
    runs.sort();
    runs
}

#[test]
fn a_mixin_made_an_abstract_base_test_case_passes_and_unittest_runs_the_same_checks() {
    let l = abstract_base_repo();
    let before = unittest_runs(&l);
    assert!(
        before
            .iter()
            .any(|r| r.contains("(tests.billing.test_pay.TestPay") && r.ends_with("ok")),
        "{before:?}"
    );
    l.edit(AB_PATH, AB_OLD, &[(AB_OLD, AB_NEW)]);
    let after = unittest_runs(&l);
    // The concrete class runs the test as before; the mixin, now a test case, skips itself.
    assert!(
        after
            .iter()
            .any(|r| r.contains("(tests.billing.test_pay.TestPay") && r.ends_with("ok")),
        "{after:?}"
    );
    assert!(
        after
            .iter()
            .all(|r| r.contains("TestPay") || r.contains("skipped 'abstract base class'")),
        "{after:?}"
    );
    l.assert_passes_checked();
}

#[test]
fn a_mixin_made_abstract_that_changes_what_a_lookup_finds_is_refused() {
    let edits: &[(&str, &str)] = &[
        // The stub, made to answer, comes first: the concrete class keeps the old order.
        (
            "        raise NotImplementedError()\n",
            "        return 6\n",
        ),
        // A delegate to another app.
        (
            "        return self.mixin_get_app()\n",
            "        return self.fake_app()\n\n    def fake_app(self):\n        return lambda path: 6\n",
        ),
        // The concrete class made abstract too: nothing runs the test.
        ("class TestPay(", "@abstract_base_test\nclass TestPay("),
        // A class attribute hiding the test in the concrete class.
        (
            "    def get_app(self):\n        return self.mixin_get_app()\n",
            "    test_total = None\n\n    def get_app(self):\n        return self.mixin_get_app()\n",
        ),
        // A stub whose decorator runs when the class is created.
        (
            "    def fetch(self, path: str) -> int:",
            "    @billing.patch_total\n    def fetch(self, path: str) -> int:",
        ),
    ];
    for (from, to) in edits {
        let l = abstract_base_repo();
        let mut new = AB_NEW.replacen(from, to, 1);
        if *to == "        return 6\n" {
            new = new.replace(
                "class TestPay(AsyncHTTPTestCase, PayMixin):",
                "class TestPay(PayMixin, AsyncHTTPTestCase):",
            );
        }
        assert_ne!(new, AB_NEW, "{from}");
        l.edit(AB_PATH, AB_OLD, &[(AB_OLD, &new)]);
        l.assert_staged_refuses(AB_ID, to);
    }
}

#[test]
fn a_mixin_made_abstract_with_a_monkeypatch_beside_it_is_refused() {
    // The refactor, and a class whose body patches the framework's `fetch`.
    let l = abstract_base_repo();
    let new = format!(
        "{AB_NEW}\n\nclass Helper:\n    setattr(AsyncHTTPTestCase, \"fetch\", lambda self, path: 6)\n"
    );
    l.edit(AB_PATH, AB_OLD, &[(AB_OLD, &new)]);
    l.assert_refused("rebound", AB_ID);
    // The marker changed in the same commit to hide the test in every subclass.
    let l = abstract_base_repo();
    l.edit(AB_PATH, AB_OLD, &[(AB_OLD, AB_NEW)]);
    l.edit(
        "tests/util.py",
        AB_MARKER,
        &[(
            "            super(AbstractBaseWrapper, cls).setUpClass()\n",
            "            super(AbstractBaseWrapper, cls).setUpClass()\n            cls.test_total = None\n",
        )],
    );
    l.assert_refused("rebound", AB_ID);
}

/// Attacks on the reading of rearranged classes, each confirmed with the real unittest (a
/// broken `total` passing the test) before it was refused.
#[test]
fn attacks_hidden_in_a_class_rearrangement_are_refused() {
    // A new class that runs the test, with a setup patching the code under test; no
    // refactor needed.
    let l = abstract_base_repo();
    l.edit(
        AB_PATH,
        AB_OLD,
        &[(
            "class TestPay(",
            "class TestAaa(PayMixin, AsyncHTTPTestCase):\n    def setUp(self):\n        billing.total = lambda xs: 6\n        super().setUp()\n\n\nclass TestPay(",
        )],
    );
    l.assert_refused("rebound", AB_ID);
    // The refactor, with a marker that ends the run instead of skipping its class.
    let l = abstract_base_repo();
    l.edit(AB_PATH, AB_OLD, &[(AB_OLD, AB_NEW)]);
    l.edit(
        "tests/util.py",
        AB_MARKER,
        &[(
            "raise unittest.SkipTest(\"abstract base class\")",
            "raise SystemExit(0)",
        )],
    );
    l.assert_refused("rebound", AB_ID);
    // The refactor, with a `super(OTHER, self)` that now lands on a class answering 6.
    let l = abstract_base_repo();
    let old_with_client = "class Client:\n    \"\"\"Where the requests go.\"\"\"\n\n\nclass TestPay(PayMixin, Client, AsyncHTTPTestCase):\n    def fetch(self, path):\n        return super(Client, self).fetch(path)\n";
    let old = AB_OLD.replace(
        "class TestPay(PayMixin, AsyncHTTPTestCase):\n    pass\n",
        old_with_client,
    );
    l.edit(AB_PATH, AB_OLD, &[(AB_OLD, &old)]);
    l.repo.git(&["add", "-A"]);
    l.repo.git(&["commit", "-q", "--no-verify", "-m", "client"]);
    assert_eq!(
        l.repo.gk(&["sacred", "lock"]).status.code(),
        Some(0),
        "relock"
    );
    l.repo.git(&["add", "-A"]);
    l.repo.git(&["commit", "-q", "--no-verify", "-m", "lock"]);
    let new = AB_NEW.replace(
        "class TestPay(AsyncHTTPTestCase, PayMixin):\n",
        "class Offline:\n    def fetch(self, path):\n        return 6\n\n\nclass Client:\n    \"\"\"Where the requests go.\"\"\"\n\n\nclass TestPay(AsyncHTTPTestCase, Client, Offline, PayMixin):\n    def fetch(self, path):\n        return super(Client, self).fetch(path)\n\n",
    );
    l.edit(AB_PATH, &old, &[(old.as_str(), new.as_str())]);
    let out = l.check_staged();
    assert_eq!(out.status.code(), Some(1), "{}", crate::common::text(&out));
}

/// A bare annotation in a class body is evaluated when the class is created (before Python
/// 3.14): a walrus in it binds a class attribute, here one overriding the hook the framework
/// calls.
#[test]
fn a_walrus_in_a_class_annotation_that_binds_a_hook_is_refused() {
    let l = abstract_base_repo();
    l.edit(
        AB_PATH,
        AB_OLD,
        &[(
            "class TestPay(PayMixin, AsyncHTTPTestCase):\n    pass\n",
            "class TestPay(PayMixin, AsyncHTTPTestCase):\n    note: (get_app := lambda self: lambda path: 6)\n",
        )],
    );
    l.assert_refused("rebound", AB_ID);
}

/// pytest collects the classes its `python_classes` names (`*Suite` here): the reading of
/// rearranged classes, which knows only `Test…` and test cases, does not judge them. Here
/// the locked `PaySuite`'s own run would check a constant.
#[test]
fn classes_pytest_collects_by_another_pattern_are_not_read_as_rearranged() {
    let old = "import billing\n\n\nclass PaySuite:\n    def total(self):\n        return billing.total([1, 2, 3])\n\n    def test_total(self):\n        assert self.total() == 6\n\n\nclass TestPay(PaySuite):\n    pass\n";
    let l = super::locked(&[
        ("tests/billing/test_pay.py", old),
        ("pytest.ini", "[pytest]\npython_classes = *Suite\n"),
        ("billing.py", BILLING),
    ]);
    l.edit(
        "tests/billing/test_pay.py",
        old,
        &[
            (
                "        return billing.total([1, 2, 3])\n\n    def test_total",
                "        return 6\n\n    def test_total",
            ),
            (
                "class TestPay(PaySuite):\n    pass\n",
                "class TestPay(PaySuite):\n    def total(self):\n        return billing.total([1, 2, 3])\n",
            ),
        ],
    );
    l.assert_refused(
        "rebound",
        "python:tests/billing/test_pay.py::PaySuite::test_total",
    );
}

/// A plain `Test…` class that nothing derives from runs only under pytest: where one runs
/// the test, its setup is compared though no configuration names pytest (and a CI file
/// that names it says so too).
#[test]
fn a_class_only_pytest_runs_is_compared_without_a_pytest_configuration() {
    let old = "import unittest\n\nimport billing\n\n\nclass PayMixin:\n    def fetch(self, path):\n        raise NotImplementedError()\n\n    def test_total(self):\n        assert self.fetch(\"/total\") == 6\n\n\nclass TestPay(PayMixin, unittest.TestCase):\n    def fetch(self, path):\n        return 6\n\n\nclass TestLive(PayMixin):\n    def fetch(self, path):\n        return billing.total([1, 2, 3])\n";
    let skip = "class TestLive(PayMixin):\n    def setup_method(self, method):\n        raise unittest.SkipTest(\"no network\")\n\n";
    for extra in [None, Some((".gitlab-ci.yml", "test:\n  script: pytest\n"))] {
        let mut files = vec![("tests/billing/test_pay.py", old), ("billing.py", BILLING)];
        files.extend(extra);
        let l = super::locked(&files);
        l.edit(
            "tests/billing/test_pay.py",
            old,
            &[("class TestLive(PayMixin):\n", skip)],
        );
        l.assert_refused(
            "rebound",
            "python:tests/billing/test_pay.py::PayMixin::test_total",
        );
    }
}

/// An abstract base whose attribute the test reads, its type comment made an annotation:
/// the same value, so the test passes; another value is refused.
#[test]
fn a_type_comment_made_an_annotation_in_an_abstract_base_passes_and_a_new_value_is_refused() {
    let old = AB_NEW
        .replacen(
            "class PayMixin(AsyncTestCase):\n",
            "class PayMixin(AsyncTestCase):\n    amount = 6  # type: int\n\n",
            1,
        )
        .replacen("\"/total\"), 6)", "\"/total\"), self.amount)", 1);
    assert!(old.contains("# type: int") && old.contains("self.amount)"));
    let repo = || {
        super::locked(&[
            (AB_PATH, old.as_str()),
            ("tests/__init__.py", ""),
            ("tests/billing/__init__.py", ""),
            ("tests/util.py", AB_MARKER),
            ("webtest.py", AB_FRAMEWORK),
            ("billing.py", BILLING),
        ])
    };
    let l = repo();
    let annotated = old.replace("amount = 6  # type: int", "amount: int = 6");
    l.edit(AB_PATH, &old, &[(&old, &annotated)]);
    let runs = unittest_runs(&l);
    assert!(
        runs.iter()
            .any(|r| r.contains("(tests.billing.test_pay.TestPay") && r.ends_with("ok")),
        "{runs:?}"
    );
    l.assert_passes_checked();
    for to in ["amount: int = 7", "amount: int = 6\n    amount = 7"] {
        let l = repo();
        let new = old.replace("amount = 6  # type: int", to);
        l.edit(AB_PATH, &old, &[(&old, &new)]);
        l.assert_refused("rebound", AB_ID);
    }
}

/// Each `(before, after)` of the fifth attack on the reading of rearranged classes, files
/// written over a locked repository: `sacred check` refuses the test `id`.
/// `(what, files before, files after, the test id refused)`.
type Attack<'a> = (
    &'a str,
    &'a [(&'a str, &'a str)],
    &'a [(&'a str, &'a str)],
    &'a str,
);

fn assert_each_attack_refused(cases: &[Attack<'_>]) {
    for (what, before, after, id) in cases {
        let mut files: Vec<(&str, &str)> = vec![
            ("tests/__init__.py", ""),
            ("tests/billing/__init__.py", ""),
            ("billing.py", BILLING),
        ];
        files.extend_from_slice(before);
        let l = super::locked(&files);
        for (path, content) in *after {
            l.repo.write(path, content);
        }
        l.assert_staged_refuses(id, what);
    }
}

const ATTACK_ID: &str = "python:tests/billing/test_pay.py::TestPay::test_total";
const ATTACK_MIXIN_ID: &str = "python:tests/billing/test_pay.py::PayMixin::test_total";
const ATTACK_TYPED_CLASS: &str = "import unittest\n\nimport billing\nfrom tests import util  # noqa: F401\n\n\nclass TestPay(unittest.TestCase):\n    amount = 6  # type: int\n\n    def test_total(self):\n        self.assertEqual(billing.total([1, 2, 3]), self.amount)\n";
const ATTACK_MIXIN_OLD: &str = "import unittest\n\nimport billing\nfrom tests.util import abstract_base_test  # noqa: F401\n\n\nclass PayMixin:\n    def test_total(self):\n        self.assertEqual(billing.total([1, 2, 3]), 6)\n\n\nclass TestPay(PayMixin, unittest.TestCase):\n    pass\n";

/// What the fifth attack found, each checked against the real runner first (a broken
/// `billing.total` passes the new test and fails the locked one): a stub that runs more
/// than `raise NotImplementedError`; an annotation that runs the repository's code (a
/// module's `__getattr__`, a class's `__class_getitem__`); an annotation changed under a
/// decorator that reads annotations; a class the marker skips that still runs code
/// (unittest makes its instance, pytest collects a plain class whatever the marker); a
/// base class's attribute in the test's file.
#[test]
fn what_the_fifth_attack_on_rearranged_classes_found_is_refused() {
    let mid_old = "import unittest\n\nimport billing\n\n\nclass Fixture(unittest.TestCase):\n    def setUp(self):\n        self.expected = 6\n\n\nclass Mid(Fixture):\n    pass\n\n\nclass TestPay(Mid):\n    def setUp(self):\n        Mid.setUp(self)\n\n    def test_total(self):\n        self.assertEqual(billing.total([1, 2, 3]), self.expected)\n";
    let mid_new = mid_old.replace(
        "class Mid(Fixture):\n    pass\n",
        "class Mid(Fixture):\n    def setUp(self):\n        raise NotImplementedError and unittest.SkipTest(\"filled in\")\n",
    );
    let amount =
        ATTACK_TYPED_CLASS.replace("amount = 6  # type: int", "amount: util.Amount[int] = 6");
    let getitem = "import billing\n\n\nclass Amount:\n    def __class_getitem__(cls, item):\n        billing.total = sum\n        return item\n";
    let returns = ATTACK_TYPED_CLASS.replace(
        "def test_total(self):",
        "def test_total(self) -> util.Result:",
    );
    let getattr =
        "import billing\n\n\ndef __getattr__(name):\n    billing.total = sum\n    return None\n";
    let typed_old = ATTACK_TYPED_CLASS
        .replace(
            "from tests import util  # noqa: F401\n",
            "from tests.hooks import typed\n",
        )
        .replace("\nclass TestPay", "\n@typed\nclass TestPay");
    let typed_new = typed_old.replace("amount = 6  # type: int", "amount: bool = 6");
    let hooks = "def typed(cls):\n    for name, kind in vars(cls).get(\"__annotations__\", {}).items():\n        setattr(cls, name, kind(getattr(cls, name)))\n    return cls\n";
    let unittest_marked = ATTACK_MIXIN_OLD.replace(
        "\n\nclass TestPay(",
        "\n\n@abstract_base_test\nclass TestAaa(PayMixin, unittest.TestCase):\n    def __init__(self, name):\n        billing.total = sum\n        super().__init__(name)\n\n\nclass TestPay(",
    );
    let pytest_old = "import billing\nfrom tests.util import abstract_base_test  # noqa: F401\n\n\nclass PayMixin:\n    def test_total(self):\n        assert billing.total([1, 2, 3]) == 6\n\n\nclass TestPay(PayMixin):\n    pass\n";
    let pytest_marked = pytest_old.replace(
        "\n\nclass TestPay(",
        "\n\n@abstract_base_test\nclass TestAaa(PayMixin):\n    def setup_method(self, method):\n        billing.total = sum\n\n\nclass TestPay(",
    );
    let base_old = "import unittest\n\nimport billing\n\n\nclass Base(unittest.TestCase):\n    factor = 1\n\n\nclass TestPay(Base):\n    def test_total(self):\n        self.assertEqual(billing.total([1, 2, 3]) * self.factor, 6 * self.factor)\n";
    let base_new = base_old.replace("factor = 1", "factor = 0");
    let util = ("tests/util.py", "\"\"\"Helpers of the tests.\"\"\"\n");
    assert_each_attack_refused(&[
        (
            "a stub that runs more",
            &[(AB_PATH, mid_old)],
            &[(AB_PATH, &mid_new)],
            ATTACK_ID,
        ),
        (
            "a subscript annotation",
            &[(AB_PATH, ATTACK_TYPED_CLASS), util],
            &[(AB_PATH, &amount), ("tests/util.py", getitem)],
            ATTACK_ID,
        ),
        (
            "a return annotation",
            &[(AB_PATH, ATTACK_TYPED_CLASS), util],
            &[(AB_PATH, &returns), ("tests/util.py", getattr)],
            ATTACK_ID,
        ),
        (
            "an annotation a decorator reads",
            &[(AB_PATH, &typed_old), ("tests/hooks.py", hooks)],
            &[(AB_PATH, &typed_new)],
            ATTACK_ID,
        ),
        (
            "a marked test case's __init__",
            &[(AB_PATH, ATTACK_MIXIN_OLD), ("tests/util.py", AB_MARKER)],
            &[(AB_PATH, &unittest_marked)],
            ATTACK_MIXIN_ID,
        ),
        (
            "a marked plain class pytest collects",
            &[
                (AB_PATH, pytest_old),
                ("tests/util.py", AB_MARKER),
                ("pytest.ini", "[pytest]\n"),
            ],
            &[(AB_PATH, &pytest_marked)],
            ATTACK_MIXIN_ID,
        ),
        (
            "a base's attribute",
            &[(AB_PATH, base_old)],
            &[(AB_PATH, &base_new)],
            ATTACK_ID,
        ),
    ]);
}

const SIXTH_OLD: &str = "import typing\nimport unittest\n\nimport billing\nfrom tests import util  # noqa: F401\n\n\nclass TestPay(unittest.TestCase):\n    def test_total(self):\n        self.assertEqual(billing.total([1, 2, 3]), 6)\n";

/// What the sixth attack found, each checked against the real unittest first: a name
/// imported from the standard library rebound to a module of the repository (`typing =
/// util`), a bare name hashed inside a subscript (`typing.Annotated[int, _MARK]`), a comment
/// read as `from __future__ import annotations`, a builtin type or `NotImplementedError`
/// rebound through `builtins`, a class attribute bound under an `if`, a `for` or a walrus in
/// the class body, a nested function's parameter annotation evaluated when the test runs.
#[test]
fn what_the_sixth_attack_on_annotations_and_classes_found_is_refused() {
    let getattr =
        "import billing\n\n\ndef __getattr__(name):\n    billing.total = sum\n    return int\n";
    let module_line =
        |line: &str| SIXTH_OLD.replace("\n\nclass TestPay", &format!("{line}\n\n\nclass TestPay"));
    let rebound = module_line("typing = util\nLIMIT: typing.Amount = 6");
    let hashed = module_line(
        "class _Mark:\n    def __hash__(self):\n        billing.total = sum\n        return 1\n\n\n_MARK = _Mark()\nLIMIT: typing.Annotated[int, _MARK] = 6",
    );
    let future = format!(
        "from __future__ import (generator_stop,  # annotations\n)\n\n{}",
        module_line("LIMIT: util.Amount = 6")
    );
    let amount = "import builtins\n\n_list = builtins.list\n\n\nclass Amount(_list):\n    def __class_getitem__(cls, item):\n        import billing\n        billing.total = sum\n        builtins.list = _list\n        return _list[item]\n";
    let builtin = module_line("builtins.list = util.Amount\nLIMIT: list[int] = 6")
        .replace("import typing\n", "import builtins\nimport typing\n");
    let stub_old = "import builtins  # noqa: F401\nimport unittest\n\nimport billing\n\n\nclass Fixture(unittest.TestCase):\n    def setUp(self):\n        self.expected = 6\n\n\nclass Mid(Fixture):\n    pass\n\n\nclass TestPay(Mid):\n    def setUp(self):\n        Mid.setUp(self)\n\n    def test_total(self):\n        self.assertEqual(billing.total([1, 2, 3]), self.expected)\n";
    let stub_new = stub_old
        .replace(
            "class Mid(Fixture):\n    pass\n",
            "class Mid(Fixture):\n    def setUp(self):\n        raise NotImplementedError\n",
        )
        .replace(
            "\n\nclass Fixture",
            "\n\nbuiltins.NotImplementedError = unittest.SkipTest\n\n\nclass Fixture",
        );
    let factor_old = "import unittest\n\nimport billing\n\n\nclass Base(unittest.TestCase):\n    factor = 1\n\n\nclass TestPay(Base):\n    def test_total(self):\n        self.assertEqual(billing.total([1, 2, 3]) * self.factor, 6 * self.factor)\n";
    let factor = |binding: &str| {
        factor_old.replace(
            "    def test_total",
            &format!("{binding}\n\n    def test_total"),
        )
    };
    let (under_if, under_for, walrus) = (
        factor("    if True:\n        factor = 0"),
        factor("    for factor in (0,):\n        pass"),
        factor("    _ = (factor := 0)"),
    );
    let nested_old = "import unittest\n\nimport billing\nfrom tests import util  # noqa: F401\n\n\nclass TestPay(unittest.TestCase):\n    def test_total(self):\n        def pay(xs):\n            return billing.total(xs)\n\n        self.assertEqual(pay([1, 2, 3]), 6)\n";
    let nested = nested_old.replace("def pay(xs):", "def pay(xs: util.Amount):");
    let util = ("tests/util.py", "\"\"\"Helpers of the tests.\"\"\"\n");
    let with_util = [(AB_PATH, SIXTH_OLD), util];
    let nested_before = [(AB_PATH, nested_old), util];
    let nested_after = [(AB_PATH, nested.as_str()), ("tests/util.py", getattr)];
    let (stub_before, factor_before) = ([(AB_PATH, stub_old)], [(AB_PATH, factor_old)]);
    let rebound_after = [(AB_PATH, rebound.as_str()), ("tests/util.py", getattr)];
    let hashed_after = [(AB_PATH, hashed.as_str())];
    let future_after = [(AB_PATH, future.as_str()), ("tests/util.py", getattr)];
    let builtin_after = [(AB_PATH, builtin.as_str()), ("tests/util.py", amount)];
    let stub_after = [(AB_PATH, stub_new.as_str())];
    let (if_after, for_after, walrus_after) = (
        [(AB_PATH, under_if.as_str())],
        [(AB_PATH, under_for.as_str())],
        [(AB_PATH, walrus.as_str())],
    );
    assert_each_attack_refused(&[
        ("typing = util", &with_util, &rebound_after, ATTACK_ID),
        ("a hashed name", &with_util, &hashed_after, ATTACK_ID),
        (
            "a comment read as a future import",
            &with_util,
            &future_after,
            ATTACK_ID,
        ),
        ("builtins.list", &with_util, &builtin_after, ATTACK_ID),
        (
            "builtins.NotImplementedError",
            &stub_before,
            &stub_after,
            ATTACK_ID,
        ),
        (
            "an attribute under an if",
            &factor_before,
            &if_after,
            ATTACK_ID,
        ),
        (
            "an attribute as a for target",
            &factor_before,
            &for_after,
            ATTACK_ID,
        ),
        (
            "an attribute by a walrus",
            &factor_before,
            &walrus_after,
            ATTACK_ID,
        ),
        (
            "a nested function's annotation",
            &nested_before,
            &nested_after,
            ATTACK_ID,
        ),
    ]);
}

/// The files under `dir`, by their path relative to it.
/// Each attack of `tests/it/sacred/fixtures/python_attacks/NAME` (found by the seventh and
/// eighth attacks on the Python reading, each checked with the real unittest or pytest: a broken
/// `billing.total` fails the locked test and passes the new one): `before/` is locked,
/// `after/` staged over it, and `sacred check` refuses the test id written in `refused`.
/// Among them: a plain class's `__class_getitem__` at the head of a subscript, an import
/// or a walrus in a definition's head binding a class attribute, `sys._getframe().f_locals`,
/// builtins reached through `len.__self__` or `__globals__`, a rebound `object` base,
/// annotations read by `singledispatch`, `__annotations__` or `get_type_hints`; a module
/// assignment handing a name inside a list, a splat, a comprehension or an immediately
/// called lambda, a callee reached through a subscript, a descriptor's `__set_name__`.
#[test]
fn the_seventh_and_eighth_attacks_on_the_python_reading_are_refused() {
    super::assert_attack_fixtures_refused("python_attacks", 35);
}
