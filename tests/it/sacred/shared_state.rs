//! Shared state another test leaves changed: a function of the tests (a test, a helper, a
//! fixture, a subtest's closure) that now writes what outlives it (`billing.pay.total =
//! lambda xs: 6` in another test's body) makes a broken function pass a locked test that runs
//! after it in the same process, with the locked test's file untouched. Each attack here was
//! run first with the real runner (pytest, `go test`, mocha): the locked test passed against
//! a broken function.

use super::{Locked, locked};
use crate::common::{assert_code, text};

/// Both checks refuse the file `writer` (`python:tests/aaa/test_a.py`) as `rebound`, naming
/// the locked test `reached` among those that share its process.
fn assert_writer_refused(l: &Locked, writer: &str, reached: &str) {
    for (what, out) in [
        ("check --staged", l.check_staged()),
        ("check --base", l.check_base()),
    ] {
        assert_code(&out, 1, what);
        let err = String::from_utf8_lossy(&out.stderr);
        let wanted = format!("refused: {writer} [rebound]");
        assert!(
            err.lines().any(|x| x == wanted),
            "{what}: no `{wanted}`\n{}",
            text(&out)
        );
        assert!(
            err.contains(&format!("({reached}")) && err.contains("changes what outlives it"),
            "{what}: `{reached}` is not named\n{}",
            text(&out)
        );
    }
}

/// [`assert_writer_refused`] when `refused`, else both checks pass.
fn assert_writer(l: &Locked, refused: bool, writer: &str, reached: &str) {
    if refused {
        assert_writer_refused(l, writer, reached);
    } else {
        l.assert_passes();
    }
}

/// `base` locked, then each of `after` written (a new file or a changed one).
fn changed(base: &[(&str, &str)], after: &[(&str, &str)]) -> Locked {
    let l = locked(base);
    for (path, content) in after {
        l.repo.write(path, content);
    }
    l
}

const PY_PAY: &str = "def total(xs):\n    return sum(xs)\n";
const PY_TEST: &str =
    "import billing.pay\n\n\ndef test_total():\n    assert billing.pay.total([1, 2, 3]) == 6\n";
const PY_ID: &str = "python:tests/billing/test_pay.py::test_total";

fn py_base() -> Vec<(&'static str, &'static str)> {
    vec![
        ("billing/__init__.py", ""),
        ("billing/pay.py", PY_PAY),
        ("tests/__init__.py", ""),
        ("tests/billing/__init__.py", ""),
        ("tests/billing/test_pay.py", PY_TEST),
        ("tests/aaa/__init__.py", ""),
        (
            "tests/aaa/test_a.py",
            "import os\nimport billing.pay\n\n\ndef test_env():\n    assert os.sep\n",
        ),
    ]
}

/// Confirmed with pytest: `tests/aaa/test_a.py` runs first, and `total` returning
/// `sum(xs) + 1` then passes the locked test.
#[test]
fn python_another_tests_writes_are_refused() {
    let writes = [
        // Another test's body rebinds the function under test.
        "def test_setup():\n    billing.pay.total = lambda xs: 6\n",
        // Through setattr, through a module-level helper it calls.
        "def test_setup():\n    setattr(billing.pay, 'total', lambda xs: 6)\n",
        "def _install():\n    billing.pay.total = lambda xs: 6\n\n\ndef test_setup():\n    _install()\n",
        // The environment, a patcher started and never stopped.
        "def test_setup():\n    os.environ['RATE'] = '0'\n",
        "from unittest import mock\n\n\ndef test_setup():\n    mock.patch('billing.pay.total', lambda xs: 6).start()\n",
        // A fixture the test is handed may be shared with later tests.
        "def test_setup(app):\n    app.total = lambda xs: 6\n",
        // A fixture named as pytest's, whose patches are no longer undone.
        "import pytest\n\n\n@pytest.fixture\ndef monkeypatch():\n    return pytest.MonkeyPatch()\n",
        // A method of a test class.
        "class TestSetup:\n    def test_setup(self):\n        billing.pay.total = lambda xs: 6\n",
        // A module global, a callback that patches, the instance set to a module first.
        "RATE = 1\n\n\ndef test_setup():\n    global RATE\n    RATE = 0\n",
        "def test_setup():\n    def hook():\n        billing.pay.total = lambda xs: 6\n    hook()\n",
        "class TestSetup:\n    def setup_method(self):\n        self.pay = billing.pay\n\n    def test_setup(self):\n        self.pay.total = lambda xs: 6\n",
        // A helper of the file that sets what it is handed, handed the module.
        "def install(mod):\n    mod.total = lambda xs: 6\n\n\ndef test_setup():\n    install(billing.pay)\n",
        // `monkeypatch` bound to a patcher that nothing undoes; code run from a string.
        "import pytest\n\n\ndef test_setup(monkeypatch):\n    monkeypatch = pytest.MonkeyPatch()\n    monkeypatch.setattr(billing.pay, 'total', lambda xs: 6)\n",
        "def test_setup():\n    exec('billing.pay.total = lambda xs: 6')\n",
        // A comprehension over the module: what it makes holds the module's objects.
        "def test_setup():\n    mods = [m for m in [billing.pay]]\n    mods[0].total = lambda xs: 6\n",
        "def test_setup():\n    mods = [billing.pay for _ in range(1)]\n    mods[0].total = lambda xs: 6\n",
        // Confirmed with pytest: a list holding what a getter returns.
        "import importlib\n\n\ndef test_setup():\n    mods = [importlib.import_module('billing.pay')]\n    mods[0].total = lambda xs: 6\n",
        "import importlib\n\n\ndef test_setup():\n    mods = [m for m in [importlib.import_module('billing.pay')]]\n    mods[0].total = lambda xs: 6\n",
        // Put back in a `finally`, but saved after the write, under an `if`, to another
        // value, or set again after it; or with what may raise before the `try`.
        "def test_setup():\n    billing.pay.total = lambda xs: 6\n    old = billing.pay.total\n    try:\n        assert True\n    finally:\n        billing.pay.total = old\n",
        "def test_setup():\n    old = billing.pay.total\n    billing.pay.total = lambda xs: 6\n    try:\n        assert True\n    finally:\n        if not old:\n            billing.pay.total = old\n",
        "def test_setup():\n    old = billing.pay.total\n    billing.pay.total = lambda xs: 6\n    try:\n        assert True\n    finally:\n        billing.pay.total = sum\n",
        "def test_setup():\n    old = billing.pay.total\n    try:\n        billing.pay.total = lambda xs: 6\n    finally:\n        billing.pay.total = old\n    billing.pay.total = lambda xs: 6\n",
        "def test_setup():\n    old = billing.pay.total\n    billing.pay.total = lambda xs: 6\n    billing.pay.total([])\n    try:\n        assert True\n    finally:\n        billing.pay.total = old\n",
        "def test_setup():\n    old = os.environ['HOME']\n    os.environ['HOME'] = '/'\n    try:\n        assert True\n    finally:\n        os.environ['HOME'] = old\n    os.environ['RATE'] = '0'\n",
        "def test_setup():\n    old_total = billing.pay.total\n    old_sep = os.sep\n    billing.pay.total = lambda xs: 6\n    os.sep = os.path.join('a')\n    try:\n        assert True\n    finally:\n        billing.pay.total = old_total\n        os.sep = old_sep\n",
        // An attribute of an object of the tests set between, or put back first: its
        // class may define a setter that skips the test (`@v.setter def v(self, x):
        // pytest.skip()`), and the other put-back never runs.
        "class Box:\n    v = 1\n\n\nbox = Box()\n\n\ndef test_setup():\n    old_sep = os.sep\n    old_v = box.v\n    os.sep = '/'\n    box.v = 2\n    try:\n        assert True\n    finally:\n        os.sep = old_sep\n        box.v = old_v\n",
        "class Box:\n    v = 1\n\n\nbox = Box()\n\n\ndef test_setup():\n    old_sep = os.sep\n    old_v = box.v\n    try:\n        os.sep = '/'\n        box.v = 2\n    finally:\n        box.v = old_v\n        os.sep = old_sep\n",
        // A function of the file that returns the module (confirmed with pytest), directly,
        // through a local bound to it, or handing back what it is handed.
        "def _mod():\n    return billing.pay\n\n\ndef test_setup():\n    m = _mod()\n    m.total = lambda xs: 6\n",
        "def _mod():\n    m = billing.pay\n    return m\n\n\ndef test_setup():\n    m = _mod()\n    m.total = lambda xs: 6\n",
        "def _same(x):\n    return x\n\n\ndef test_setup():\n    m = _same(billing.pay)\n    m.total = lambda xs: 6\n",
        "def _mod():\n    return _inner()\n\n\ndef _inner():\n    return billing.pay\n\n\ndef test_setup():\n    m = _mod()\n    m.total = lambda xs: 6\n",
        // A patcher made by what a helper is handed, started (confirmed with pytest).
        "from unittest import mock\n\n\ndef _start(make):\n    make('billing.pay.total', lambda xs: 6).start()\n\n\ndef test_setup():\n    _start(mock.patch)\n",
    ];
    for w in writes {
        let l = changed(
            &py_base(),
            &[(
                "tests/aaa/test_a.py",
                &format!(
                    "import os\nimport billing.pay\n\n\ndef test_env():\n    assert os.sep\n\n\n{w}"
                ),
            )],
        );
        assert_writer_refused(&l, "python:tests/aaa/test_a.py", PY_ID);
    }
    // A helper module of the tests, changed to write, that a test calls.
    let mut base = py_base();
    base.push(("tests/util.py", "def install():\n    pass\n"));
    let l = changed(
        &base,
        &[(
            "tests/util.py",
            "import billing.pay\n\n\ndef install():\n    billing.pay.total = lambda xs: 6\n",
        )],
    );
    assert_writer_refused(&l, "python:tests/util.py", PY_ID);
}

/// A patcher kept where its `start()` cannot be followed, then started: each was confirmed
/// with pytest (the earlier test's `setUp` starts it, never stops it, and a `total` that
/// returns 0 passes the locked test).
#[test]
fn python_a_patcher_kept_out_of_sight_is_refused() {
    let kept = [
        // In an attribute of the test case, in a list started in a loop, in a dictionary.
        "class TestSetup(unittest.TestCase):\n    def setUp(self):\n        self.patcher = mock.patch('billing.pay.total', lambda xs: 6)\n        self.patcher.start()\n\n    def test_setup(self):\n        assert True\n",
        "class TestSetup(unittest.TestCase):\n    def setUp(self):\n        self.patchers = [mock.patch('billing.pay.total', lambda xs: 6)]\n        for p in self.patchers:\n            p.start()\n\n    def test_setup(self):\n        assert True\n",
        "def test_setup():\n    ps = {'t': mock.patch('billing.pay.total', lambda xs: 6)}\n    ps['t'].start()\n",
        // Started in a comprehension or through `map`.
        "def test_setup():\n    [p.start() for p in [mock.patch('billing.pay.total', lambda xs: 6)]]\n",
        "def test_setup():\n    list(map(lambda p: p.start(), [mock.patch('billing.pay.total', lambda xs: 6)]))\n",
        // Made by a function of the file that returns it, started on the spot or from a local.
        "def make():\n    return mock.patch('billing.pay.total', lambda xs: 6)\n\n\ndef test_setup():\n    make().start()\n",
        "def make():\n    return mock.patch('billing.pay.total', lambda xs: 6)\n\n\ndef test_setup():\n    p = make()\n    p.start()\n",
        // A local handed on: into an attribute, to a call.
        "class TestSetup(unittest.TestCase):\n    def setUp(self):\n        p = mock.patch('billing.pay.total', lambda xs: 6)\n        self.p = p\n        self.p.start()\n\n    def test_setup(self):\n        assert True\n",
        "def test_setup():\n    p = mock.patch('billing.pay.total', lambda xs: 6)\n    ps = []\n    ps.append(p)\n    ps[0].start()\n",
        // Entered until the test case's cleanups run.
        "class TestSetup(unittest.TestCase):\n    def setUp(self):\n        self.enterContext(mock.patch('billing.pay.total', lambda xs: 6))\n\n    def test_setup(self):\n        assert True\n",
        // Bound outside functions: at the top of the module, in a class body, in a list.
        "P = mock.patch('billing.pay.total', lambda xs: 6)\n\n\ndef test_setup():\n    P.start()\n",
        "class TestSetup(unittest.TestCase):\n    P = mock.patch('billing.pay.total', lambda xs: 6)\n\n    def setUp(self):\n        self.P.start()\n\n    def test_setup(self):\n        assert True\n",
        "PATCHES = [mock.patch('billing.pay.total', lambda xs: 6)]\n\n\ndef test_setup():\n    for p in PATCHES:\n        p.start()\n",
    ];
    // `tests/aaa/test_a.py` (which runs first) with `code` added.
    let with = |code: &str| {
        changed(
            &py_base(),
            &[(
                "tests/aaa/test_a.py",
                &format!(
                    "import os\nimport unittest\nfrom unittest import mock\n\nimport billing.pay\n\n\ndef test_env():\n    assert os.sep\n\n\n{code}"
                ),
            )],
        )
    };
    for w in kept {
        assert_writer_refused(&with(w), "python:tests/aaa/test_a.py", PY_ID);
    }
    // What is entered by a `with`, directly, through a local, a function of the file that
    // returns it, or in a parenthesized group, and one applied to a function as a decorator,
    // is undone as its block or call ends.
    let undone = [
        "def test_setup():\n    force = mock.patch.object(billing.pay, 'total', lambda xs: 6)\n    with force:\n        assert billing.pay.total([]) == 6\n",
        "def make():\n    return mock.patch('billing.pay.total', lambda xs: 6)\n\n\ndef test_setup():\n    with make() as m:\n        assert m\n",
        "def test_setup():\n    with (\n        mock.patch('billing.pay.total', lambda xs: 6),\n        mock.patch.dict(os.environ, {'RATE': '0'}) as env,\n    ):\n        assert env\n",
        "def test_setup():\n    f = mock.patch('billing.pay.total', lambda xs: 6)(lambda: billing.pay.total([]))\n    assert f() == 6\n",
        "P = mock.patch('billing.pay.total', lambda xs: 6)\n\n\ndef test_setup():\n    with P:\n        assert billing.pay.total([]) == 6\n",
        // A method named `patch` of another object (an HTTP test client's) makes no patcher.
        "class Client:\n    def patch(self, path):\n        return {'path': path}\n\n\ndef test_setup():\n    response = Client().patch('/orders')\n    assert response['path'] == '/orders'\n",
    ];
    for w in undone {
        with(w).assert_passes();
    }
}

#[test]
fn python_writes_undone_or_own_pass() {
    let harmless = [
        // pytest's monkeypatch undoes what it set after the test.
        "def test_setup(monkeypatch):\n    monkeypatch.setattr(billing.pay, 'total', lambda xs: 6)\n    monkeypatch.setenv('RATE', '0')\n",
        // A patch as a context manager ends with its block.
        "from unittest import mock\n\n\ndef test_setup():\n    with mock.patch('billing.pay.total', lambda xs: 6):\n        assert billing.pay.total([]) == 6\n",
        // What the test makes is its own; so is a test case's own state.
        "def test_setup():\n    xs = []\n    xs.append(1)\n    assert billing.pay.total(xs) == 1\n",
        "class TestSetup:\n    def setup_method(self):\n        self.xs = [1]\n\n    def test_setup(self):\n        assert billing.pay.total(self.xs) == 1\n",
        // What a callback it defines is handed, a function it defines, a mock a `with`
        // makes, a local of the test a nested function sets through `nonlocal`.
        "def test_setup():\n    def hook(ctx, value):\n        ctx.params['x'] = value\n    assert hook\n",
        "def test_setup():\n    def cli():\n        pass\n    cli.context_class = dict\n    assert cli\n",
        "from unittest import mock\n\n\ndef test_setup():\n    with mock.patch('subprocess.Popen') as popen:\n        popen.return_value.wait.return_value = 0\n",
        "def test_setup():\n    calls = 0\n\n    def bump():\n        nonlocal calls\n        calls += 1\n    bump()\n    assert calls == 1\n",
        // Put back in a `finally` from what was saved before: an attribute, an item, a
        // logger's attribute.
        "def test_setup():\n    old = billing.pay.total\n    billing.pay.total = lambda xs: 6\n    try:\n        assert billing.pay.total([]) == 6\n    finally:\n        billing.pay.total = old\n",
        "def test_setup():\n    old = os.environ['HOME']\n    try:\n        os.environ['HOME'] = '/'\n        assert True\n    finally:\n        os.environ['HOME'] = old\n",
        "import logging\n\n\ndef test_setup():\n    log = logging.getLogger('billing')\n    saved = log.disabled\n    log.disabled = True\n    try:\n        assert True\n    finally:\n        log.disabled = saved\n",
        // Two attributes set before the `try` whose `finally` puts both back.
        "def test_setup():\n    old_total = billing.pay.total\n    old_sep = os.sep\n    billing.pay.total = lambda xs: 6\n    os.sep = '/'\n    try:\n        assert True\n    finally:\n        billing.pay.total = old_total\n        os.sep = old_sep\n",
        // A list a comprehension makes of what it computes is the test's own.
        "def test_setup():\n    chars = [chr(o) for o in range(0, 0x20)]\n    chars.remove('\\t')\n    assert billing.pay.total([len(chars)]) == 31\n",
        // A function of the file that makes what it returns: a new object, directly or
        // through a local it binds once to one.
        "class Till:\n    pass\n\n\ndef _till():\n    t = Till()\n    t.rate = 1\n    return t\n\n\ndef test_setup():\n    t = _till()\n    t.rate = 0\n    assert billing.pay.total([t.rate]) == 0\n",
        "class Till:\n    pass\n\n\ndef _till():\n    return Till()\n\n\ndef test_setup():\n    t = _till()\n    t.rate = 0\n    assert billing.pay.total([t.rate]) == 0\n",
    ];
    for w in harmless {
        let l = changed(
            &py_base(),
            &[(
                "tests/aaa/test_a.py",
                &format!(
                    "import os\nimport billing.pay\n\n\ndef test_env():\n    assert os.sep\n\n\n{w}"
                ),
            )],
        );
        l.assert_passes();
    }
    // A write the file already held at its base revision, as written: nothing new.
    let mut base = py_base();
    base[6] = (
        "tests/aaa/test_a.py",
        "import os\n\n\ndef test_env():\n    os.environ['RATE'] = '1'\n",
    );
    let l = changed(
        &base,
        &[(
            "tests/aaa/test_a.py",
            "import os\n\n\ndef test_env():\n    os.environ['RATE'] = '1'\n\n\ndef test_more():\n    assert os.sep\n",
        )],
    );
    l.assert_passes();
}

const GO_MOD: &str = "module example.com/shop\n\ngo 1.21\n";
const GO_TAX: &str = "package tax\n\nvar Rate = 10\n\nfunc Total(xs []int) int {\n\ts := 0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s * Rate / 10\n}\n";
const GO_TEST: &str = "package tax\n\nimport \"testing\"\n\nfunc TestTotal(t *testing.T) {\n\tif Total([]int{1, 2, 3}) != 6 {\n\t\tt.Fatal(\"want 6\")\n\t}\n}\n";
const GO_ID: &str = "go:tax/tax_test.go::TestTotal";

fn go_base() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "gatekeeper.yml",
            "sacred:\n  paths: [\"tax/tax_test.go\"]\n",
        ),
        ("go.mod", GO_MOD),
        ("tax/tax.go", GO_TAX),
        ("tax/tax_test.go", GO_TEST),
        (
            "tax/a_test.go",
            "package tax\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\t_ = t\n}\n",
        ),
    ]
}

/// Confirmed with `go test`: `TestA` of `a_test.go` runs before `TestTotal` (files in name
/// order), and a `Total` that ignores `Rate` no longer matters once `Rate` is left changed.
#[test]
fn go_another_tests_writes_are_refused() {
    let writes = [
        "func TestA(t *testing.T) {\n\tRate = 9\n}\n",
        // In a subtest's closure.
        "func TestA(t *testing.T) {\n\tt.Run(\"x\", func(t *testing.T) {\n\t\tRate = 9\n\t})\n}\n",
        // Put back to something else than what it was.
        "func TestA(t *testing.T) {\n\tRate = 9\n\tdefer func() { Rate = 9 }()\n}\n",
        "func TestA(t *testing.T) {\n\tos.Setenv(\"RATE\", \"0\")\n}\n",
        // Saved after it was set: what is put back is the new value.
        "func TestA(t *testing.T) {\n\tRate = 9\n\told := Rate\n\tdefer func() { Rate = old }()\n}\n",
        // Put back only under a condition that never holds.
        "func TestA(t *testing.T) {\n\told := Rate\n\tdefer func() {\n\t\tif old < 0 {\n\t\t\tRate = old\n\t\t}\n\t}()\n\tRate = 9\n}\n",
        // Set before the put-back is registered, with what may stop the test between.
        "func TestA(t *testing.T) {\n\told := Rate\n\tRate = 9\n\tt.Fatal(\"stop\")\n\tdefer func() { Rate = old }()\n}\n",
        // Put back after what may stop the deferred function.
        "func TestA(t *testing.T) {\n\told := Rate\n\tdefer func() {\n\t\tt.Fatal(\"stop\")\n\t\tRate = old\n\t}()\n\tRate = 9\n}\n",
        "func TestA(t *testing.T) {\n\told := Rate\n\tt.Cleanup(func() {\n\t\tos.Remove(\"x\")\n\t\tRate = old\n\t})\n\tRate = 9\n}\n",
        // Through a local bound to a function of the file that returns a pointer to a
        // package variable, directly, through a local of its own, or through another such
        // function.
        "type conf struct{ R int }\n\nvar shared = &conf{}\n\nfunc get() *conf {\n\treturn shared\n}\n\nfunc TestA(t *testing.T) {\n\tc := get()\n\tc.R = 9\n}\n",
        "type conf struct{ R int }\n\nvar shared conf\n\nfunc get() *conf {\n\tp := &shared\n\treturn p\n}\n\nfunc TestA(t *testing.T) {\n\tc := get()\n\tc.R = 9\n}\n",
        "type conf struct{ R int }\n\nvar shared conf\n\nfunc inner() *conf {\n\treturn &shared\n}\n\nfunc get() (*conf, error) {\n\treturn inner(), nil\n}\n\nfunc TestA(t *testing.T) {\n\tc, _ := get()\n\tc.R = 9\n}\n",
        // Set again as its last statement, but not to the value the package starts it
        // with, or after what may end the test first: a `return`, `t.Skip`, a helper
        // handed `t` that skips, a literal calling `t.SkipNow()`, a panic a deferred
        // `recover()` ends; or written again by a cleanup after.
        "func TestA(t *testing.T) {\n\tRate = 9\n\tRate = 12\n}\n",
        "func TestA(t *testing.T) {\n\tRate = 9\n\tif Rate > 0 {\n\t\treturn\n\t}\n\tRate = 10\n}\n",
        "func TestA(t *testing.T) {\n\tRate = 9\n\tt.Skip(\"later\")\n\tRate = 10\n}\n",
        "func skip(t *testing.T) {\n\tt.SkipNow()\n}\n\nfunc TestA(t *testing.T) {\n\tRate = 9\n\tskip(t)\n\tRate = 10\n}\n",
        "func TestA(t *testing.T) {\n\tRate = 9\n\tfunc() { t.SkipNow() }()\n\tRate = 10\n}\n",
        "func TestA(t *testing.T) {\n\tdefer func() { recover() }()\n\tRate = 9\n\tif Rate > 0 {\n\t\tpanic(\"x\")\n\t}\n\tRate = 10\n}\n",
        "func TestA(t *testing.T) {\n\tt.Cleanup(func() { Rate = 9 })\n\tRate = 10\n}\n",
    ];
    for w in writes {
        let l = changed(
            &go_base(),
            &[(
                "tax/a_test.go",
                &format!(
                    "package tax\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nvar _ = os.Getenv\n\n{w}"
                ),
            )],
        );
        assert_writer_refused(&l, "go:tax/a_test.go", GO_ID);
    }
}

/// Confirmed with `go test`: a package that starts `Rate` at 5, an `init` of its tests that
/// sets it to 10 (`TestTotal` passes), and a test that ends with `Rate = 5`, the value the
/// package declares: `TestTotal` then runs with 5, not with what the package started with.
#[test]
fn go_a_put_back_to_the_declared_value_of_what_an_init_sets_is_refused() {
    let mut base = go_base();
    base[2] = (
        "tax/tax.go",
        GO_TAX.replace("var Rate = 10", "var Rate = 5").leak(),
    );
    assert_eq!(base[2].0, "tax/tax.go");
    base.push((
        "tax/init_test.go",
        "package tax\n\nfunc init() {\n\tRate = 10\n}\n",
    ));
    let l = changed(
        &base,
        &[(
            "tax/a_test.go",
            "package tax\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tRate = 9\n\tRate = 5\n}\n",
        )],
    );
    assert_writer_refused(&l, "go:tax/a_test.go", GO_ID);
}

#[test]
fn go_writes_put_back_or_elsewhere_pass() {
    let harmless = [
        "func TestA(t *testing.T) {\n\told := Rate\n\tdefer func() { Rate = old }()\n\tRate = 9\n}\n",
        "func TestA(t *testing.T) {\n\told := Rate\n\tt.Cleanup(func() { Rate = old })\n\tRate = 9\n}\n",
        // Set just before the `defer` that puts it back: nothing between may stop the test.
        "func TestA(t *testing.T) {\n\told := Rate\n\tRate = 9\n\tdefer func() { Rate = old }()\n}\n",
        "func TestA(t *testing.T) {\n\tt.Setenv(\"RATE\", \"0\")\n\tn := 0\n\tt.Run(\"x\", func(t *testing.T) { n++ })\n}\n",
        // A getter's result handed on.
        "func TestA(t *testing.T) {\n\tt.Log(Default.Name())\n}\n",
        // A function of the file that makes what it returns.
        "type conf struct{ R int }\n\nfunc get() *conf {\n\tc := &conf{}\n\tc.R = 1\n\treturn c\n}\n\nfunc TestA(t *testing.T) {\n\tc := get()\n\tc.R = 9\n}\n",
        "type conf struct{ R int }\n\nfunc get() *conf {\n\treturn &conf{R: 1}\n}\n\nfunc TestA(t *testing.T) {\n\tc := get()\n\tc.R = 9\n}\n",
        // Set again, as its last statement, to the value the package starts it with, with
        // nothing between that may end the test first (checks that fail it go on; a
        // subtest's own `t.Fatal` or `t.Skip` ends the subtest alone).
        "func TestA(t *testing.T) {\n\tRate = 9\n\tif Total([]int{10}) != 9 {\n\t\tt.Errorf(\"want 9\")\n\t}\n\tRate = 10\n}\n",
        "func TestA(t *testing.T) {\n\tfor _, r := range []int{1, 2} {\n\t\tRate = r\n\t\tt.Run(\"x\", func(t *testing.T) {\n\t\t\tif Total(nil) != 0 {\n\t\t\t\tt.Fatal(\"no\")\n\t\t\t}\n\t\t\tt.Skip(\"sub\")\n\t\t})\n\t}\n\t// put back\n\tRate = 10\n}\n",
    ];
    for w in harmless {
        let l = changed(
            &go_base(),
            &[(
                "tax/a_test.go",
                &format!("package tax\n\nimport \"testing\"\n\n{w}"),
            )],
        );
        l.assert_passes();
    }
    // Put back to the package's constant it starts with (`var Rate = defaultRate`).
    let mut base = go_base();
    base[2] = (
        "tax/tax.go",
        "package tax\n\nconst defaultRate = 10\n\nvar Rate = defaultRate\n\nfunc Total(xs []int) int {\n\ts := 0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s * Rate / 10\n}\n",
    );
    let l = changed(
        &base,
        &[(
            "tax/a_test.go",
            "package tax\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tRate = 9\n\tRate = defaultRate\n}\n",
        )],
    );
    assert_eq!(base[2].0, "tax/tax.go");
    l.assert_passes();
    // Another package's test binary is another process.
    let mut base = go_base();
    base.push((
        "other/o_test.go",
        "package other\n\nimport \"testing\"\n\nfunc TestO(t *testing.T) {}\n",
    ));
    let l = changed(
        &base,
        &[(
            "other/o_test.go",
            "package other\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/tax\"\n)\n\nfunc TestO(t *testing.T) {\n\ttax.Rate = 9\n}\n",
        )],
    );
    l.assert_passes();
}

const JS_PAY: &str = "exports.total = (xs) => xs.reduce((a, b) => a + b, 0);\n";
const JS_TEST: &str = "const assert = require('assert');\nconst pay = require('../../src/pay');\n\nit('totals', () => {\n  assert.strictEqual(pay.total([1, 2, 3]), 6);\n});\n";
const JS_ID: &str = "js:tests/billing/pay.test.js::totals";

/// A Jest project whose locked test is `JS_TEST`.
fn jest_base() -> [(&'static str, &'static str); 3] {
    [
        (
            "package.json",
            "{\"devDependencies\": {\"jest\": \"^29\"}}\n",
        ),
        ("src/pay.js", JS_PAY),
        ("tests/billing/pay.test.js", JS_TEST),
    ]
}

/// Confirmed with Jest: a test of the locked test's file, run before it, that sets
/// `pay.total` passes it against a broken `total`. Mocha loads every spec file into one
/// process, so there another file's test does the same.
#[test]
fn js_another_tests_writes_are_refused_where_they_share_the_process() {
    let writes = "const pay = require('../src/pay');\n\nit('sets up', () => {\n  pay.total = () => 6;\n});\n";
    // Under mocha every spec file shares one process.
    let l = changed(
        &[
            (
                "package.json",
                "{\"devDependencies\": {\"mocha\": \"^10\"}}\n",
            ),
            ("src/pay.js", JS_PAY),
            ("tests/billing/pay.test.js", JS_TEST),
        ],
        &[("tests/a.test.js", writes)],
    );
    assert_writer_refused(&l, "js:tests/a.test.js", JS_ID);
    // In the same file, under any runner.
    let l = changed(
        &[
            (
                "package.json",
                "{\"devDependencies\": {\"jest\": \"^29\"}}\n",
            ),
            ("src/pay.js", JS_PAY),
            ("tests/billing/pay.test.js", JS_TEST),
        ],
        &[(
            "tests/billing/pay.test.js",
            &JS_TEST.replacen(
                "it('totals'",
                "it('sets up', () => {\n  pay.total = () => 6;\n});\n\nit('totals'",
                1,
            ),
        )],
    );
    assert_writer_refused(&l, "js:tests/billing/pay.test.js", JS_ID);
    // Jest gives another file its own module registry.
    let l = changed(
        &[
            (
                "package.json",
                "{\"devDependencies\": {\"jest\": \"^29\"}}\n",
            ),
            ("src/pay.js", JS_PAY),
            ("tests/billing/pay.test.js", JS_TEST),
        ],
        &[("tests/a.test.js", writes)],
    );
    l.assert_passes();
}

/// A test of the locked test's file that sets a member through a local bound to a call of
/// a function of the file returning the module (`function mod() { return pay; }`, `const m
/// = mod()`; confirmed with node: the locked check then passed against a broken `total`)
/// writes what outlives it; one returning what it makes (`new Till()`, a local bound once
/// to a literal) does not.
#[test]
fn js_a_function_of_the_file_returning_the_module_is_read_as_the_module() {
    let test_with = |code: &str| {
        JS_TEST.replacen(
            "it('totals'",
            &format!("{code}\n\nit('sets up', () => {{\n  const m = mod();\n  m.total = () => 6;\n}});\n\nit('totals'"),
            1,
        )
    };
    for (code, refused) in [
        ("function mod() {\n  return pay;\n}", true),
        ("const mod = () => pay;", true),
        (
            "function inner() {\n  return pay;\n}\n\nfunction mod() {\n  const p = inner();\n  return p;\n}",
            true,
        ),
        ("function mod(x = pay) {\n  return x;\n}", true),
        (
            "class Till {}\n\nfunction mod() {\n  return new Till();\n}",
            false,
        ),
        (
            "function mod() {\n  const t = {total: null};\n  return t;\n}",
            false,
        ),
    ] {
        let l = changed(
            &jest_base(),
            &[("tests/billing/pay.test.js", &test_with(code))],
        );
        assert_writer(&l, refused, "js:tests/billing/pay.test.js", JS_ID);
    }
}

const RS_LIB: &str = "pub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n";
const RS_TEST: &str = "#[test]\nfn totals() {\n    assert_eq!(shop::total(&[1, 2, 3]), 6);\n}\n";
const RS_ID: &str = "rust:tests/billing.rs::totals";
const RS_CONFIG: &str = "sacred:\n  paths: [\"tests/billing.rs\"]\n";

fn rs_base() -> Vec<(&'static str, &'static str)> {
    vec![
        ("gatekeeper.yml", RS_CONFIG),
        (
            "Cargo.toml",
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", RS_LIB),
        ("tests/billing.rs", RS_TEST),
    ]
}

#[test]
fn rust_another_tests_writes_are_refused() {
    let base = rs_base();
    let l = changed(
        &base,
        &[(
            "tests/billing.rs",
            &format!(
                "{RS_TEST}\n#[test]\nfn sets_up() {{\n    std::env::set_var(\"RATE\", \"0\");\n}}\n"
            ),
        )],
    );
    assert_writer_refused(&l, "rust:tests/billing.rs", RS_ID);
    let l = changed(
        &base,
        &[(
            "tests/billing.rs",
            &format!(
                "{RS_TEST}\n#[test]\nfn more() {{\n    let mut v = vec![1];\n    v.push(2);\n    assert_eq!(v.len(), 2);\n}}\n"
            ),
        )],
    );
    l.assert_passes();
}

/// Confirmed with Jest (the write in the locked test's file, run before it):
/// a test that replaces `globalThis.setTimeout` and puts back what it saved in a `finally`
/// leaves nothing behind; one that saves after replacing puts back its own replacement.
#[test]
fn js_a_write_put_back_in_finally_passes_and_a_late_save_is_refused() {
    let base = [
        ("package.json", "{\"devDependencies\": {\"ava\": \"^6\"}}\n"),
        ("src/pay.js", JS_PAY),
        ("tests/billing/pay.test.js", JS_TEST),
    ];
    let with = |body: &str| {
        JS_TEST.replacen(
            "it('totals'",
            &format!("it('sets up', () => {{\n{body}}});\n\nit('totals'"),
            1,
        )
    };
    let put_back = with(
        "  const original = globalThis.setTimeout;\n  globalThis.setTimeout = () => 0;\n  try {\n    pay.total([]);\n  } finally {\n    globalThis.setTimeout = original;\n  }\n",
    );
    let l = changed(&base, &[("tests/billing/pay.test.js", &put_back)]);
    l.assert_passes_checked();
    // Written just before the `try`, with only declarations between.
    let before = with(
        "  const original = globalThis.setTimeout;\n  globalThis.setTimeout = () => 0;\n  const n = 3;\n  try {\n    pay.total([n]);\n  } finally {\n    globalThis.setTimeout = original;\n  }\n",
    );
    let l = changed(&base, &[("tests/billing/pay.test.js", &before)]);
    l.assert_passes_checked();
    let descriptor = with(
        "  const d = Object.getOwnPropertyDescriptor(Request.prototype, 'next');\n  try {\n    Object.defineProperty(Request.prototype, 'next', {value: undefined});\n  } finally {\n    if (d) {\n      Object.defineProperty(Request.prototype, 'next', d);\n    } else {\n      delete Request.prototype.next;\n    }\n  }\n",
    );
    let l = changed(&base, &[("tests/billing/pay.test.js", &descriptor)]);
    l.assert_passes_checked();
    // An environment variable put back as it was: deleted when it was not set.
    for put_back in [
        "    if (tz === undefined) {\n      delete process.env.TZ;\n    } else {\n      process.env.TZ = tz;\n    }\n",
        "    if (typeof tz !== 'undefined') process.env.TZ = tz;\n    else delete process.env.TZ;\n",
    ] {
        let env = with(&format!(
            "  const tz = process.env.TZ;\n  try {{\n    process.env.TZ = 'Pacific/Kiritimati';\n    pay.total([]);\n  }} finally {{\n{put_back}  }}\n"
        ));
        let l = changed(&base, &[("tests/billing/pay.test.js", &env)]);
        l.assert_passes_checked();
    }
    // A function of the test handed to an assertion of its context with a value a hook
    // set: the assertion only compares them.
    let compared = with(
        "  let seen;\n  const handler = (status) => status >= 500;\n  pay.total([], {hooks: [(o) => {\n    seen = o.handler;\n  }]});\n  assert.ok(seen);\n",
    )
    .replace("it('sets up', () => {", "test('sets up', (t) => {")
    .replace("  assert.ok(seen);\n", "  t.is(seen, handler);\n");
    let l = changed(
        &base,
        &[(
            "tests/billing/pay.test.js",
            &format!("const test = require('ava');\n{compared}"),
        )],
    );
    l.assert_passes_checked();
    // What a hook it hands the code under test is handed is that call's.
    let hook = with(
        "  pay.total([], {hooks: [options => {\n    const p = options.params;\n    p[0] = 1;\n    options.headers.x = 'y';\n  }]});\n  const e = Object.assign(new Error('x'), {name: 'E'});\n  const url = new URL('http://x');\n  url.searchParams.getAll('a').sort();\n  assert.ok(e && url);\n",
    );
    let l = changed(&base, &[("tests/billing/pay.test.js", &hook)]);
    l.assert_passes_checked();
    // The context's name bound to another object (assigned, shadowed): its `is` may call
    // what it is handed with the module.
    for rebound in [
        "  t = {is: (a, f) => f(a)};\n  t.is(pay, (m) => {\n    m.total = () => 6;\n  });\n",
        "  {\n    const t = {is: (a, f) => f(a)};\n    t.is(pay, (m) => {\n      m.total = () => 6;\n    });\n  }\n",
    ] {
        let file = with(rebound).replace("it('sets up', () => {", "test('sets up', (t) => {");
        let l = changed(
            &base,
            &[(
                "tests/billing/pay.test.js",
                &format!("const test = require('ava');\n{file}"),
            )],
        );
        assert_writer_refused(&l, "js:tests/billing/pay.test.js", JS_ID);
    }
    let late = with(
        "  pay.total = () => 6;\n  const original = pay.total;\n  try {\n    pay.total([]);\n  } finally {\n    pay.total = original;\n  }\n",
    );
    let l = changed(&base, &[("tests/billing/pay.test.js", &late)]);
    assert_writer_refused(&l, "js:tests/billing/pay.test.js", JS_ID);
    // Put back under a condition that never holds; a helper of the file handed the module;
    // code run from a string.
    for body in [
        "  const original = pay.total;\n  try {\n    pay.total = () => 6;\n  } finally {\n    if (original === null) {\n      pay.total = original;\n    }\n  }\n",
        "  install(pay);\n",
        "  eval('pay.total = () => 6');\n",
        // The branches swapped: the value deleted where it was set, set where it was not.
        "  const original = pay.total;\n  try {\n    pay.total = () => 6;\n  } finally {\n    if (original === undefined) {\n      pay.total = original;\n    } else {\n      delete pay.total;\n    }\n  }\n",
        // Two members written before the `try` whose `finally` puts both back (ky's shape):
        // the second write may run a setter (`Object.defineProperty(globalThis,
        // 'clearTimeout', {set() { this.skip() }})`) that ends the test before the `try`.
        "  const originalSet = globalThis.setTimeout;\n  const originalClear = globalThis.clearTimeout;\n  globalThis.setTimeout = (f) => originalSet(f, 0);\n  globalThis.clearTimeout = (id) => originalClear(id);\n  try {\n    pay.total([]);\n  } finally {\n    globalThis.setTimeout = originalSet;\n    globalThis.clearTimeout = originalClear;\n  }\n",
        // Between the write and the `try`, a write whose value is computed (it may throw).
        "  const originalSet = globalThis.setTimeout;\n  const originalClear = globalThis.clearTimeout;\n  globalThis.setTimeout = () => 0;\n  globalThis.clearTimeout = JSON.parse('{');\n  try {\n    pay.total([]);\n  } finally {\n    globalThis.setTimeout = originalSet;\n    globalThis.clearTimeout = originalClear;\n  }\n",
        // Set again after the `finally` put it back.
        "  const original = pay.total;\n  try {\n    pay.total = () => 6;\n  } finally {\n    pay.total = original;\n  }\n  pay.total = () => 6;\n",
        // Set before a `try`, with what may throw between (a skip leaves the test skipped).
        "  const original = pay.total;\n  pay.total = () => 6;\n  JSON.parse('{');\n  try {\n    pay.total([]);\n  } finally {\n    pay.total = original;\n  }\n",
        // Put back after what may throw, or after leaving the `finally`.
        "  const original = pay.total;\n  try {\n    pay.total = () => 6;\n  } finally {\n    JSON.parse('{');\n    pay.total = original;\n  }\n",
        "  const original = pay.total;\n  try {\n    pay.total = () => 6;\n  } finally {\n    return;\n    pay.total = original;\n  }\n",
    ] {
        let file = with(body).replacen(
            "it('sets up'",
            "function install(m) {\n  m.total = () => 6;\n}\n\nit('sets up'",
            1,
        );
        let l = changed(&base, &[("tests/billing/pay.test.js", &file)]);
        assert_writer_refused(&l, "js:tests/billing/pay.test.js", JS_ID);
    }
}

/// A round of attacks on this reading, each confirmed with the real runner (pytest, `go
/// test -json`, vitest: the locked test passed against a broken function, with the check
/// passing): `setattr` handed on as a value, an attribute as a loop's or a `with`'s
/// target, a nested function or lambda handed the module, a list or a context manager
/// holding it, a class attribute bound to it, the patching machinery patched; a Go value
/// saved, then reassigned or shadowed before it is put back, a put-back registered under an
/// `if`, on another `testing.T`, in a function called at once or in a goroutine; JavaScript
/// destructuring and `for … of` targets, `Reflect.set` under another name, a helper arrow
/// handed the module, a saved value reassigned or shadowed before the `finally`.
#[test]
fn the_attacks_on_shared_state_are_refused() {
    super::assert_attack_fixtures_refused("shared_state_attacks", 30);
}

/// Confirmed with pytest: a helper of another module of the tests that sets what it is
/// handed (`def install(mod): mod.total = lambda xs: 6` in `tests/util.py`), handed the
/// module by a test that runs before the locked one, passes a broken `total` — whether the
/// call is new, or the helper is changed under a call already written. (The JavaScript
/// case is the Jest-confirmed write above, through a `require`d helper.)
#[test]
fn a_helper_of_another_module_handed_the_module_is_refused() {
    const INSTALLS: &str = "def install(mod):\n    mod.total = lambda xs: 6\n";
    const KEEPS: &str = "def install(mod):\n    return mod\n";
    let calling = |import: &str, call: &str| {
        format!(
            "import os\nimport billing.pay\n{import}\n\n\ndef test_env():\n    assert os.sep\n\n\ndef test_setup():\n    {call}\n"
        )
    };
    // A new call of a helper that already wrote, by name, by its module, relative.
    for (import, call) in [
        ("from tests.util import install", "install(billing.pay)"),
        ("import tests.util as u", "u.install(billing.pay)"),
        ("from ..util import install as put", "put(billing.pay)"),
        ("from tests import util", "util.install(billing.pay)"),
        ("from tests.util import *", "install(billing.pay)"),
    ] {
        let mut base = py_base();
        base.push(("tests/util.py", INSTALLS));
        let l = changed(&base, &[("tests/aaa/test_a.py", &calling(import, call))]);
        assert_writer_refused(&l, "python:tests/aaa/test_a.py", PY_ID);
    }
    // The helper changed to write, under a call its base revision already held.
    let mut base = py_base();
    base.push(("tests/util.py", KEEPS));
    let written = calling("from tests.util import install", "install(billing.pay)");
    base[6] = ("tests/aaa/test_a.py", &written);
    let l = changed(&base, &[("tests/util.py", INSTALLS)]);
    assert_writer_refused(&l, "python:tests/aaa/test_a.py", PY_ID);
    // Handed what the test makes, or a helper that only reads: nothing outlives the test.
    for (helper, call) in [
        (INSTALLS, "install(types.SimpleNamespace())"),
        (KEEPS, "install(billing.pay)"),
    ] {
        let mut base = py_base();
        base.push(("tests/util.py", helper));
        let l = changed(
            &base,
            &[(
                "tests/aaa/test_a.py",
                &calling("import types\nfrom tests.util import install", call),
            )],
        );
        l.assert_passes();
    }
    // JavaScript: a helper module `require`d by the locked test's file.
    let base = [
        (
            "package.json",
            "{\"devDependencies\": {\"jest\": \"^29\"}}\n",
        ),
        ("src/pay.js", JS_PAY),
        ("tests/billing/pay.test.js", JS_TEST),
        (
            "tests/billing/helpers.js",
            "function install(m) {\n  m.total = () => 6;\n}\n\nmodule.exports = {install};\n",
        ),
    ];
    let file = JS_TEST
        .replacen(
            "const pay",
            "const {install} = require('./helpers');\nconst pay",
            1,
        )
        .replacen(
            "it('totals'",
            "it('sets up', () => {\n  install(pay);\n});\n\nit('totals'",
            1,
        );
    let l = changed(&base, &[("tests/billing/pay.test.js", &file)]);
    assert_writer_refused(&l, "js:tests/billing/pay.test.js", JS_ID);
    // Its default export.
    let mut with_default = base;
    with_default[3] = (
        "tests/billing/helpers.js",
        "export default function install(m) {\n  m.total = () => 6;\n}\n",
    );
    let file = JS_TEST
        .replacen(
            "const pay",
            "import install from './helpers.js';\nconst pay",
            1,
        )
        .replacen(
            "it('totals'",
            "it('sets up', () => {\n  install(pay);\n});\n\nit('totals'",
            1,
        );
    let l = changed(&with_default, &[("tests/billing/pay.test.js", &file)]);
    assert_writer_refused(&l, "js:tests/billing/pay.test.js", JS_ID);
}

/// A helper that hands what it is handed on to a helper of a third module that sets it is
/// one too: refused where the module is handed to it, whether that call is new or only the
/// third module changed under it.
#[test]
fn a_helper_chain_through_a_third_module_is_followed() {
    const FILLS: &str = "def fill(m):\n    m.total = lambda xs: 6\n";
    const READS: &str = "def fill(m):\n    return m.total\n";
    const UTIL: &str = "from tests.util2 import fill\n\n\ndef install(mod):\n    fill(mod)\n";
    let calling = "import os\nimport billing.pay\nfrom tests.util import install\n\n\ndef test_env():\n    assert os.sep\n\n\ndef test_setup():\n    install(billing.pay)\n";
    let mut base = py_base();
    base.push(("tests/util.py", UTIL));
    base.push(("tests/util2.py", FILLS));
    let l = changed(&base, &[("tests/aaa/test_a.py", calling)]);
    assert_writer_refused(&l, "python:tests/aaa/test_a.py", PY_ID);
    // Only the third module changed: the call and the middle helper were already written.
    let mut base = py_base();
    base.push(("tests/util.py", UTIL));
    base.push(("tests/util2.py", READS));
    base[6] = ("tests/aaa/test_a.py", calling);
    let l = changed(&base, &[("tests/util2.py", FILLS)]);
    assert_writer_refused(&l, "python:tests/aaa/test_a.py", PY_ID);
    // A third module that only reads what it is handed: nothing outlives the test.
    let mut base = py_base();
    base.push(("tests/util.py", UTIL));
    base.push(("tests/util2.py", READS));
    let l = changed(&base, &[("tests/aaa/test_a.py", calling)]);
    l.assert_passes();
}

/// `JS_TEST` importing `import` and, before the locked test, a test that calls `call` with
/// the module under test.
fn js_test_calling(import: &str, call: &str) -> String {
    JS_TEST
        .replacen("const pay", &format!("{import}\nconst pay"), 1)
        .replacen(
            "it('totals'",
            &format!("it('sets up', () => {{\n  {call};\n}});\n\nit('totals'"),
            1,
        )
}

/// Confirmed with Node's own test runner (`node --test`): a helper that sets what it is
/// handed passes a broken `total` when the test file reaches it through a module that
/// re-exports it (`export {install} from './util.js'`, `export *`, `export * as u`,
/// `module.exports = require('./util')`), under another name (`export {install as put}`,
/// `module.exports = {put: install}`), or as an anonymous default export (`export default
/// (m) => …`, `module.exports = (m) => …`), a method of an exported object, or an
/// `exports.install = (m) => …`. Each is refused; the same shapes handing on a helper that
/// only reads pass.
#[test]
fn js_helpers_re_exported_or_anonymous_are_followed() {
    const UTIL: &str = "export function install(m) {\n  m.total = () => 6;\n}\n";
    const READS: &str = "export function install(m) {\n  return m.total;\n}\n";
    // The helper modules beside the test, the import, the call.
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case<'_>] = &[
        (
            &[("helpers.js", "export {install} from './util.js';\n")],
            "import {install} from './helpers.js';",
            "install(pay)",
        ),
        (
            &[("helpers.js", "export * from './util.js';\n")],
            "import {install} from './helpers.js';",
            "install(pay)",
        ),
        (
            &[("helpers.js", "export * as u from './util.js';\n")],
            "import {u} from './helpers.js';",
            "u.install(pay)",
        ),
        (
            &[("helpers.js", "export {install as put} from './util.js';\n")],
            "import {put} from './helpers.js';",
            "put(pay)",
        ),
        (
            &[(
                "helpers.js",
                "export {install as default} from './util.js';\n",
            )],
            "import put from './helpers.js';",
            "put(pay)",
        ),
        (
            &[(
                "helpers.js",
                "import {install} from './util.js';\n\nexport {install as put};\n",
            )],
            "import {put} from './helpers.js';",
            "put(pay)",
        ),
        (
            &[(
                "helpers.js",
                "export default (m) => {\n  m.total = () => 6;\n};\n",
            )],
            "import put from './helpers.js';",
            "put(pay)",
        ),
        (
            &[(
                "helpers.js",
                "export default function (m) {\n  m.total = () => 6;\n}\n",
            )],
            "import put from './helpers.js';",
            "put(pay)",
        ),
        (
            &[(
                "helpers.js",
                "export default {\n  install(m) {\n    m.total = () => 6;\n  },\n};\n",
            )],
            "import h from './helpers.js';",
            "h.install(pay)",
        ),
        (
            &[(
                "helpers.js",
                "module.exports = (m) => {\n  m.total = () => 6;\n};\n",
            )],
            "const put = require('./helpers');",
            "put(pay)",
        ),
        (
            &[(
                "helpers.js",
                "exports.install = (m) => {\n  m.total = () => 6;\n};\n",
            )],
            "const {install} = require('./helpers');",
            "install(pay)",
        ),
        (
            &[(
                "helpers.js",
                "function install(m) {\n  m.total = () => 6;\n}\n\nmodule.exports = {put: install};\n",
            )],
            "const {put} = require('./helpers');",
            "put(pay)",
        ),
        (
            &[
                ("helpers.js", "module.exports = require('./h2');\n"),
                (
                    "h2.js",
                    "exports.install = (m) => {\n  m.total = () => 6;\n};\n",
                ),
            ],
            "const {install} = require('./helpers');",
            "install(pay)",
        ),
    ];
    for (helpers, import, call) in cases {
        for (util, refused) in [(UTIL, true), (READS, false)] {
            let mut base: Vec<(String, String)> = vec![
                (
                    "package.json".into(),
                    "{\"devDependencies\": {\"jest\": \"^29\"}}\n".into(),
                ),
                ("src/pay.js".into(), JS_PAY.into()),
                ("tests/billing/pay.test.js".into(), JS_TEST.into()),
                ("tests/billing/util.js".into(), util.into()),
            ];
            for (name, text) in *helpers {
                // The helper written inline reads, on the passing side, what it is handed.
                let text = if refused {
                    (*text).to_owned()
                } else {
                    text.replace("m.total = () => 6;", "return m.total;")
                };
                base.push((format!("tests/billing/{name}"), text));
            }
            let base: Vec<(&str, &str)> =
                base.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
            let file = js_test_calling(import, call);
            println!("case: {helpers:?} with `{import}`, refused: {refused}");
            let l = changed(&base, &[("tests/billing/pay.test.js", &file)]);
            assert_writer(&l, refused, "js:tests/billing/pay.test.js", JS_ID);
        }
    }
}

/// Confirmed with pytest: a helper re-exported by a package's `__init__.py` (`from .util
/// import install`, then `from tests.helpers import install`), and one reached through a
/// chain of five modules (`fill1` hands the module to `fill2`, … to `fill5`, which sets it),
/// pass a broken `total`. Both are refused, an import cycle among the helpers included;
/// with the last helper only reading, they pass.
#[test]
fn python_helpers_re_exported_or_deep_are_followed() {
    const SETS: &str = "    m.total = lambda xs: 6\n";
    const READS: &str = "    return m.total\n";
    let calling = |import: &str, call: &str| {
        format!(
            "import os\nimport billing.pay\n{import}\n\n\ndef test_env():\n    assert os.sep\n\n\ndef test_setup():\n    {call}\n"
        )
    };
    for (last, refused) in [(SETS, true), (READS, false)] {
        // A package re-exporting it.
        let mut base = py_base();
        base.push(("tests/helpers/__init__.py", "from .util import install\n"));
        let util = format!("def install(m):\n{last}");
        base.push(("tests/helpers/util.py", &util));
        let file = calling("from tests.helpers import install", "install(billing.pay)");
        let l = changed(&base, &[("tests/aaa/test_a.py", &file)]);
        assert_writer(&l, refused, "python:tests/aaa/test_a.py", PY_ID);
        // Five modules deep, the first two importing each other as well.
        let mut chain: Vec<(String, String)> = (1..5)
            .map(|i| {
                let back = if i == 2 { "import tests.u1\n" } else { "" };
                (
                    format!("tests/u{i}.py"),
                    format!(
                        "{back}from tests.u{n} import fill{n}\n\n\ndef fill{i}(m):\n    fill{n}(m)\n",
                        n = i + 1
                    ),
                )
            })
            .collect();
        chain.push(("tests/u5.py".into(), format!("def fill5(m):\n{last}")));
        let mut base = py_base();
        base.extend(chain.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        let file = calling("from tests.u1 import fill1", "fill1(billing.pay)");
        let l = changed(&base, &[("tests/aaa/test_a.py", &file)]);
        assert_writer(&l, refused, "python:tests/aaa/test_a.py", PY_ID);
    }
}

/// Confirmed with pytest and `node --test`: a container the test made, holding the module
/// under test (`d["m"] = billing.pay`, `xs.append(billing.pay)`, `d.m = pay`,
/// `xs.push(pay)`, `map.set('m', pay)`, `Object.assign(d, {m: pay})`), through which the
/// test sets `total`, passes a broken `total`. Writing through one of its elements is
/// refused; filling its own slots, or writing through an element the test made, passes.
#[test]
fn a_container_holding_the_module_is_written_through() {
    for (body, refused) in [
        (
            "d = {}\n    d['m'] = billing.pay\n    d['m'].total = lambda xs: 6",
            true,
        ),
        (
            "xs = []\n    xs.append(billing.pay)\n    xs[0].total = lambda xs: 6",
            true,
        ),
        (
            "xs = []\n    xs += [billing.pay]\n    for x in xs:\n        x.total = lambda ys: 6",
            true,
        ),
        (
            "d = {}\n    d.update(m=billing.pay)\n    d['m'].total = lambda ys: 6",
            true,
        ),
        (
            "b = types.SimpleNamespace()\n    b.m = billing.pay\n    setattr(b.m, 'total', lambda ys: 6)",
            true,
        ),
        (
            "d = {}\n    d['m'] = billing.pay\n    d['m'].__dict__.update(total=lambda ys: 6)",
            true,
        ),
        (
            "d = {}\n    d['m'] = billing.pay\n    d['n'] = 1\n    assert d['m'] is billing.pay",
            false,
        ),
        (
            "d = {}\n    o = types.SimpleNamespace()\n    d['o'] = o\n    d['o'].total = 1",
            false,
        ),
        // Into a slot of its `__dict__`, by `setattr`, as a class attribute.
        (
            "ns = types.SimpleNamespace()\n    ns.__dict__['m'] = billing.pay\n    ns.m.total = lambda xs: 6",
            true,
        ),
        (
            "ns = types.SimpleNamespace()\n    setattr(ns, 'm', billing.pay)\n    ns.m.total = lambda xs: 6",
            true,
        ),
        (
            "class C:\n        m = billing.pay\n\n    C.m.total = lambda xs: 6",
            true,
        ),
        (
            "class C:\n        m = 1\n\n    C.m = 2\n    ns = types.SimpleNamespace()\n    setattr(ns, 'm', 1)\n    ns.m = 3",
            false,
        ),
    ] {
        let file = format!(
            "import os\nimport types\nimport billing.pay\n\n\ndef test_env():\n    assert os.sep\n\n\ndef test_setup():\n    {body}\n"
        );
        let l = changed(&py_base(), &[("tests/aaa/test_a.py", &file)]);
        println!("case: {body}");
        assert_writer(&l, refused, "python:tests/aaa/test_a.py", PY_ID);
    }
    let base = jest_base();
    for (body, refused) in [
        ("const d = {};\n  d.m = pay;\n  d.m.total = () => 6", true),
        (
            "const d = [];\n  d.push(pay);\n  d[0].total = () => 6",
            true,
        ),
        (
            "const d = new Map();\n  d.set('m', pay);\n  d.get('m').total = () => 6",
            true,
        ),
        (
            "const d = {};\n  Object.assign(d, {m: pay});\n  d.m.total = () => 6",
            true,
        ),
        (
            "const d = {};\n  d.m = pay;\n  Object.assign(d.m, {total: () => 6})",
            true,
        ),
        ("const d = {};\n  d.m = pay;\n  delete d.m.total", true),
        (
            "const d = {};\n  d.m = pay;\n  d.n = 1;\n  assert.ok(d.m === pay)",
            false,
        ),
        (
            "const d = {};\n  const o = {};\n  d.o = o;\n  d.o.total = 1",
            false,
        ),
    ] {
        let file = js_test_calling("", body);
        let l = changed(&base, &[("tests/billing/pay.test.js", &file)]);
        println!("case: {body}");
        assert_writer(&l, refused, "js:tests/billing/pay.test.js", JS_ID);
    }
}

/// Confirmed with pytest and `node --test`: what a call returns may be what it was handed
/// (`m = next(iter([billing.pay]))`, `m = ident(billing.pay)`, `const m = [pay].pop()`,
/// `const m = await Promise.resolve(pay)`), and a literal the test made may hold the
/// module (`const o = {m: pay}`): setting `total` through either passed a broken `total`.
/// Each is refused; a class made with the module (a mock's `spec`, a namespace's own
/// attribute), a module function's result and a literal's own slots pass.
#[test]
fn what_a_call_returns_may_be_what_it_was_handed() {
    let head = "import functools\nimport os\nimport types\nfrom unittest import mock\nimport billing.pay\n\nLIST = [billing.pay]\n\n\ndef ident(x):\n    return x\n\n\ndef test_env():\n    assert os.sep\n\n\ndef test_setup():\n    ";
    for (body, refused) in [
        (
            "m = next(iter([billing.pay]))\n    m.total = lambda xs: 6",
            true,
        ),
        ("m = ident(billing.pay)\n    m.total = lambda xs: 6", true),
        (
            "m = max([billing.pay], key=id)\n    m.total = lambda xs: 6",
            true,
        ),
        (
            "m = functools.reduce(lambda a, b: b, [billing.pay])\n    m.total = lambda xs: 6",
            true,
        ),
        ("m = [billing.pay].pop()\n    m.total = lambda xs: 6", true),
        ("m = LIST.copy()\n    m[0].total = lambda xs: 6", true),
        (
            "ns = types.SimpleNamespace(m=billing.pay)\n    ns.m.total = lambda xs: 6",
            true,
        ),
        (
            "ns = types.SimpleNamespace(m=billing.pay)\n    m = ident(ns)\n    m.m.total = lambda xs: 6",
            true,
        ),
        (
            "m = mock.Mock(spec=billing.pay)\n    m.total.return_value = 6",
            false,
        ),
        (
            "m = mock.create_autospec(billing.pay)\n    m.total.return_value = 6",
            false,
        ),
        (
            "ns = types.SimpleNamespace(m=billing.pay)\n    ns.total = 6",
            false,
        ),
        (
            "p = os.path.join('a', 'b')\n    d = {}\n    d['p'] = p",
            false,
        ),
        // A built-in copy is a new container holding what it copied (tornado `09efc06`).
        (
            "env = dict(os.environ)\n    env['PYTHON_BASIC_REPL'] = '1'",
            false,
        ),
        (
            "d = dict(m=billing.pay)\n    d['m'].total = lambda xs: 6",
            true,
        ),
        (
            "xs = list([billing.pay])\n    xs[0].total = lambda xs: 6",
            true,
        ),
    ] {
        let file = format!("{head}{body}\n");
        let l = changed(&py_base(), &[("tests/aaa/test_a.py", &file)]);
        println!("case: {body}");
        assert_writer(&l, refused, "python:tests/aaa/test_a.py", PY_ID);
    }
    let base = jest_base();
    for (body, refused) in [
        ("const m = ident(pay);\n  m.total = () => 6", true),
        (
            "const m = [pay].find(() => true);\n  m.total = () => 6",
            true,
        ),
        ("const m = [pay].pop();\n  m.total = () => 6", true),
        ("const m = LIST.at(0);\n  m.total = () => 6", true),
        (
            "const m = new Map([['a', pay]]).get('a');\n  m.total = () => 6",
            true,
        ),
        ("const m = ((x) => x)(pay);\n  m.total = () => 6", true),
        ("const arr = [pay];\n  arr[0].total = () => 6", true),
        ("const o = {m: pay};\n  o.m.total = () => 6", true),
        (
            "const arr = [pay];\n  const m = arr.pop();\n  m.total = () => 6",
            true,
        ),
        (
            "const w = new WeakRef(pay);\n  w.deref().total = () => 6",
            true,
        ),
        ("const o = {m: pay};\n  o.n = 1;\n  o.m = 2", false),
        ("const m = jest.fn(() => pay);\n  m.mockName = 1", false),
        ("const u = new URL('http://x');\n  u.pathname = '/y'", false),
        // A global class handed to `new` is not what the new object holds (ky `c847eec`).
        (
            "const u = new URL(String(new URLSearchParams({a: '1'})), 'http://x');\n  const vals = u.searchParams.getAll('a');\n  vals.sort()",
            false,
        ),
        (
            "const env = Object.assign({}, process.env);\n  env.TZ = 'UTC'",
            false,
        ),
        (
            "const o = Object.assign({}, {m: pay});\n  o.m.total = () => 6",
            true,
        ),
        (
            "const xs = Array.from([pay]);\n  xs[0].total = () => 6",
            true,
        ),
        // Nor is a function of the file handed to a call what the call returns.
        ("const r = [1].map(ident);\n  r.sort()", false),
        (
            "const p = path.join('a', 'b');\n  const o = {};\n  o.p = p",
            false,
        ),
    ] {
        let file = js_test_calling(
            "const path = require('path');\nconst ident = (x) => x;",
            body,
        )
        .replacen("\nit('sets up'", "\nconst LIST = [pay];\n\nit('sets up'", 1);
        let l = changed(&base, &[("tests/billing/pay.test.js", &file)]);
        println!("case: {body}");
        assert_writer(&l, refused, "js:tests/billing/pay.test.js", JS_ID);
    }
}

/// Confirmed with pytest and `node --test`: a name the test first binds to its own object,
/// then rebinds to the module by unpacking or a loop (`m, n = billing.pay, 1`, `[m] =
/// [billing.pay]`, `(m) = billing.pay`; `[m] = [pay]`, `({x: m} = {x: pay})`, `for (m of
/// [pay])`), passed a broken `total` set through it. Such a name is another's object.
#[test]
fn a_name_rebound_by_unpacking_or_a_loop_is_not_the_tests_own() {
    for body in [
        "m = {}\n    [m] = [billing.pay]\n    m.total = lambda xs: 6",
        "m = {}\n    m, n = billing.pay, 1\n    m.total = lambda xs: 6",
        "m = {}\n    (m) = billing.pay\n    m.total = lambda xs: 6",
    ] {
        let file = format!(
            "import os\nimport billing.pay\n\n\ndef test_env():\n    assert os.sep\n\n\ndef test_setup():\n    {body}\n"
        );
        let l = changed(&py_base(), &[("tests/aaa/test_a.py", &file)]);
        println!("case: {body}");
        assert_writer_refused(&l, "python:tests/aaa/test_a.py", PY_ID);
    }
    let base = jest_base();
    for (body, refused) in [
        ("let m = {};\n  [m] = [pay];\n  m.total = () => 6", true),
        (
            "let m = {};\n  ({m} = {m: pay});\n  m.total = () => 6",
            true,
        ),
        (
            "let m = {};\n  ({x: m} = {x: pay});\n  m.total = () => 6",
            true,
        ),
        ("let m = {};\n  for (m of [pay]) m.total = () => 6", true),
        ("const o = {};\n  for (const k of ['a']) o[k] = 1", false),
    ] {
        let file = js_test_calling("", body);
        let l = changed(&base, &[("tests/billing/pay.test.js", &file)]);
        println!("case: {body}");
        assert_writer(&l, refused, "js:tests/billing/pay.test.js", JS_ID);
    }
}

/// Confirmed with pytest, the locked test a `unittest.TestCase` calling `assertEqual`: a
/// test case that sets through its class or a method of its class
/// (`self.__class__.__base__.assertEqual = …`, `self.assertEqual.__func__.__code__ = …`)
/// changes every later test case, and the broken `total` passed. Refused; what the instance
/// holds itself (`self.server.port`, `self.__dict__[…]`, `self._conn[…]`) passes.
#[test]
fn a_test_case_writing_through_its_class_is_refused() {
    for (body, refused) in [
        (
            "self.__class__.__base__.assertEqual = lambda *a, **k: None",
            true,
        ),
        (
            "self.__class__.__mro__[1].assertEqual = lambda *a, **k: None",
            true,
        ),
        (
            "self.assertEqual.__func__.__code__ = (lambda *a, **k: None).__code__",
            true,
        ),
        (
            "self.server = types.SimpleNamespace()\n        self.server.port = 1\n        self.__dict__['y'] = 2\n        self._conn = {}\n        self._conn['a'] = 1",
            false,
        ),
    ] {
        let file = format!(
            "import os\nimport types\nimport unittest\n\n\ndef test_env():\n    assert os.sep\n\n\nclass T(unittest.TestCase):\n    def test_x(self):\n        {body}\n"
        );
        let l = changed(&py_base(), &[("tests/aaa/test_a.py", &file)]);
        println!("case: {body}");
        assert_writer(&l, refused, "python:tests/aaa/test_a.py", PY_ID);
    }
}

const MOCHA_THIS_TEST: &str = "const assert = require('node:assert');\nconst { total } = require('../../src/pay.js');\n\ndescribe('refunds', function () {\n  before(function () {\n    this.total = total;\n  });\n  it('is exact', function () {\n    assert.strictEqual(this.total([1, 2]), 3);\n  });\n});\n";

/// Runs the real mocha (tests/runners) in the repository: whether it passed.
fn mocha_passes(l: &Locked) -> bool {
    let link = l.repo.path("node_modules");
    if !link.exists() {
        std::os::unix::fs::symlink(super::runners::runners(), &link).unwrap();
    }
    // The sandbox's hermetic environment, as gatekeeper gets it.
    let gk = l.repo.gk_cmd(&[]);
    let env: Vec<(&std::ffi::OsStr, &std::ffi::OsStr)> =
        gk.get_envs().filter_map(|(k, v)| Some((k, v?))).collect();
    std::process::Command::new("node")
        .arg(link.join("mocha/bin/mocha.js"))
        .current_dir(l.repo.path(""))
        .env_clear()
        .envs(env)
        .output()
        .unwrap()
        .status
        .success()
}

/// Mocha's `this` in a test is the suite's context, which the tests after it share:
/// confirmed with mocha, a new test that sets `this.total` before the locked one passes it
/// against a broken `total`. A class's method setting its own instance's field is not such a
/// write.
#[test]
fn mocha_this_set_by_another_test_is_refused() {
    let broken = "function total(xs) {\n  return xs.reduce((a, b) => a + b, 1);\n}\nmodule.exports = { total };\n";
    let base = [
        (
            "package.json",
            "{\"devDependencies\": {\"mocha\": \"11.8.0\"}, \"mocha\": {\"spec\": [\"tests/**/*.test.js\"]}}\n",
        ),
        (".gitignore", "node_modules\n"),
        ("src/pay.js", broken),
        ("tests/billing/pay.test.js", MOCHA_THIS_TEST),
    ];
    let id = "js:tests/billing/pay.test.js::refunds::is exact";
    let attack = MOCHA_THIS_TEST.replacen(
        "  it('is exact'",
        "  it('warms up', function () {\n    this.total = () => 3;\n  });\n  it('is exact'",
        1,
    );
    let l = changed(&base, &[("tests/billing/pay.test.js", &attack)]);
    assert!(
        mocha_passes(&l),
        "the attack passes a broken total under mocha"
    );
    l.repo.write("tests/billing/pay.test.js", MOCHA_THIS_TEST);
    assert!(!mocha_passes(&l), "the broken total fails the locked test");
    l.repo.write("tests/billing/pay.test.js", &attack);
    assert_writer_refused(&l, "js:tests/billing/pay.test.js", id);
    // The same through an arrow function in a describe's `function`: `this` is the suite.
    let arrow = MOCHA_THIS_TEST.replacen(
        "  it('is exact'",
        "  it('warms up', () => {\n    this.total = () => 3;\n  });\n  it('is exact'",
        1,
    );
    let l = changed(&base, &[("tests/billing/pay.test.js", &arrow)]);
    assert_writer_refused(&l, "js:tests/billing/pay.test.js", id);
    // A class of the new test whose method sets its own instance's field.
    let own = MOCHA_THIS_TEST.replacen(
        "  it('is exact'",
        "  it('counts', function () {\n    class Till {\n      add(x) {\n        this.sum = (this.sum || 0) + x;\n      }\n    }\n    const till = new Till();\n    till.add(2);\n    assert.strictEqual(till.sum, 2);\n  });\n  it('is exact'",
        1,
    );
    let l = changed(&base, &[("tests/billing/pay.test.js", &own)]);
    l.assert_passes();
}

/// A logger is every caller's: one the code under test may log to (the root logger, a
/// module's logger or one above it, a name another file writes, a name computed when the
/// test runs) set by another test (disabled, its level raised, a handler or filter added)
/// changes what a locked test that checks the logs sees. One named only by the test's own
/// file, or by its own module (`__name__`), is its own.
#[test]
fn a_logger_another_file_may_use_is_shared() {
    let mut base = py_base();
    base.push((
        "billing/audit.py",
        "import logging\n\nLOG = logging.getLogger(\"payments\")\n",
    ));
    let writer = |w: &str| {
        format!(
            "import os\nimport logging\nimport billing.pay\n\n\ndef test_env():\n    assert os.sep\n\n\n{w}"
        )
    };
    for w in [
        "def test_quiet():\n    log = logging.getLogger('billing')\n    log.disabled = True\n",
        "def test_quiet():\n    logging.getLogger().setLevel(logging.CRITICAL)\n",
        "def test_quiet():\n    root = logging.root\n    root.addFilter(lambda record: False)\n",
        "def test_quiet():\n    logging.getLogger('billing.pay').addHandler(logging.NullHandler())\n",
        "def test_quiet():\n    log = logging.getLogger('payments')\n    log.setLevel(50)\n",
        "def test_quiet():\n    name = 'billing'\n    logging.getLogger(name).disabled = True\n",
        "def test_quiet():\n    logging.getLogger(f'billing.{1}').propagate = False\n",
        // Put back only in part: the handler stays, or the level saved after it was set.
        "def test_quiet():\n    root = logging.getLogger()\n    h = logging.NullHandler()\n    root.addHandler(h)\n    old = root.level\n    root.setLevel(logging.WARNING)\n    try:\n        assert True\n    finally:\n        root.setLevel(old)\n",
        "def test_quiet():\n    root = logging.getLogger()\n    root.setLevel(logging.WARNING)\n    old = root.level\n    try:\n        assert True\n    finally:\n        root.setLevel(old)\n",
        // A logger of its own leads to shared ones: its parent, the root, the manager.
        "def test_quiet():\n    log = logging.getLogger('test_quiet_logger')\n    log.parent.disabled = True\n",
        "def test_quiet():\n    log = logging.getLogger('test_quiet_logger')\n    log.root.setLevel(logging.CRITICAL)\n",
        "def test_quiet():\n    logging.getLogger('test_quiet_logger').manager.disable = 50\n",
        // Another object removed than the one added: made anew, or the name bound again.
        "def test_quiet():\n    root = logging.getLogger()\n    root.addFilter(lambda record: False)\n    try:\n        assert True\n    finally:\n        root.removeFilter(lambda record: False)\n",
        "def test_quiet():\n    root = logging.getLogger()\n    f = lambda record: False\n    root.addFilter(f)\n    f = None\n    try:\n        assert True\n    finally:\n        root.removeFilter(f)\n",
        "def test_quiet():\n    root = logging.getLogger()\n    f = lambda record: False\n    root.addFilter(f)\n    try:\n        assert True\n    finally:\n        if not f:\n            root.removeFilter(f)\n",
        // `getLogger` under another name.
        "def test_quiet():\n    from logging import getLogger as get_log\n    log = get_log('billing')\n    log.disabled = True\n",
        "def test_quiet():\n    gl = logging.getLogger\n    gl('billing').setLevel(50)\n",
    ] {
        let l = changed(&base, &[("tests/aaa/test_a.py", &writer(w))]);
        assert_writer_refused(&l, "python:tests/aaa/test_a.py", PY_ID);
    }
    for own in [
        "def test_quiet():\n    log = logging.getLogger('test_quiet_logger')\n    log.setLevel(logging.DEBUG)\n    log.addHandler(logging.NullHandler())\n    log.propagate = False\n",
        "def test_quiet():\n    logging.getLogger(__name__).setLevel(logging.DEBUG)\n",
        "def test_quiet():\n    logging.getLogger(f'test_quiet_{os.getpid()}').disabled = True\n",
        "def test_quiet():\n    from logging import getLogger as get_log\n    get_log(__name__).setLevel(logging.DEBUG)\n",
        // Put back in a `finally`, as it was.
        "def test_quiet():\n    root = logging.getLogger()\n    h = logging.NullHandler()\n    root.addHandler(h)\n    old = root.level\n    root.setLevel(logging.WARNING)\n    try:\n        assert True\n    finally:\n        root.removeHandler(h)\n        root.setLevel(old)\n",
    ] {
        let l = changed(&base, &[("tests/aaa/test_a.py", &writer(own))]);
        l.assert_passes();
    }
}

/// What the standard library keeps for the whole process (the working directory, the level
/// below which logging is off, the default socket timeout, the umask…) set by another test
/// and left so changes what a locked test after it runs against; set back in a `finally` to
/// what was saved before, it is put back. Confirmed with pytest: `logging.disable(CRITICAL)`
/// in an earlier test passes a locked `assert not caplog.records` against a `total` that
/// logs an error.
#[test]
fn process_state_set_and_left_is_refused() {
    let writer = |w: &str| {
        format!(
            "import os\nimport asyncio\nimport locale\nimport logging\nimport socket\nimport billing.pay\n\n\ndef test_env():\n    assert os.sep\n\n\n{w}"
        )
    };
    for w in [
        "def test_cwd():\n    os.chdir('/')\n",
        "def test_quiet():\n    logging.disable(logging.CRITICAL)\n",
        "def test_timeout():\n    socket.setdefaulttimeout(0.001)\n",
        "def test_locale():\n    locale.setlocale(locale.LC_ALL, 'C')\n",
        "def test_loop():\n    asyncio.set_event_loop_policy(None)\n",
        // Confirmed with unittest: a warning filter set in an earlier test case and left
        // silences a warning a later test runs into as an error (`-W error`).
        "import unittest\nimport warnings\n\n\nclass TestQuiet(unittest.TestCase):\n    def test_quiet(self):\n        warnings.simplefilter('ignore')\n",
        "import unittest\nfrom warnings import filterwarnings\n\n\nclass TestQuiet(unittest.TestCase):\n    def test_quiet(self):\n        filterwarnings('ignore', category=DeprecationWarning)\n",
        // Under another name: an alias of the module, the function imported by name.
        "def test_cwd():\n    import os as o\n    o.chdir('/')\n",
        "def test_cwd():\n    from os import chdir\n    chdir('/')\n",
        "def test_cwd():\n    from os import chdir as cd\n    cd('/')\n",
        "import unittest\nimport warnings as w\n\n\nclass TestQuiet(unittest.TestCase):\n    def test_quiet(self):\n        w.simplefilter('ignore')\n",
        // Bound to another name by an assignment, at the top of the file or in the test,
        // through another alias, a walrus, or `functools.partial`.
        "cd = os.chdir\n\n\ndef test_cwd():\n    cd('/')\n",
        "def test_cwd():\n    cd = os.chdir\n    cd('/')\n",
        "import os as o\nmove = o.chdir\ncd = move\n\n\ndef test_cwd():\n    cd('/')\n",
        "def test_cwd():\n    (cd := os.chdir)('/')\n",
        "def test_cwd():\n    if (cd := os.chdir):\n        cd('/')\n",
        "import functools\n\n\ndef test_cwd():\n    go_root = functools.partial(os.chdir, '/')\n    go_root()\n",
        "from functools import partial\nquiet = partial(logging.disable, logging.CRITICAL)\n\n\ndef test_quiet():\n    quiet()\n",
        "import unittest\nimport warnings\n\nsf = warnings.simplefilter\n\n\nclass TestQuiet(unittest.TestCase):\n    def test_quiet(self):\n        sf('ignore')\n",
        // A cleanup registered after what may raise, with a value saved after the change or
        // another value, by a class that is no `TestCase` (no `addCleanup` to call), or in a
        // file whose test case runs its cleanups its own way.
        "import unittest\n\n\nclass TestCwd(unittest.TestCase):\n    def test_cwd(self):\n        old = os.getcwd()\n        os.chdir('/')\n        billing.pay.total([])\n        self.addCleanup(os.chdir, old)\n",
        "import unittest\n\n\nclass TestCwd(unittest.TestCase):\n    def test_cwd(self):\n        os.chdir('/')\n        old = os.getcwd()\n        self.addCleanup(os.chdir, old)\n",
        "import unittest\n\n\nclass TestCwd(unittest.TestCase):\n    def test_cwd(self):\n        old = os.getcwd()\n        os.chdir('/')\n        self.addCleanup(os.chdir, '/tmp')\n",
        "class TestCwd:\n    def test_cwd(self):\n        old = os.getcwd()\n        os.chdir('/')\n        self.addCleanup(os.chdir, old)\n",
        "import unittest\n\n\nclass TestCwd(unittest.TestCase):\n    def doCleanups(self):\n        pass\n\n    def test_cwd(self):\n        old = os.getcwd()\n        os.chdir('/')\n        self.addCleanup(os.chdir, old)\n",
        // Handed on as a value: what calls it then is not read.
        "def test_cwd():\n    list(map(os.chdir, ['/']))\n",
        "import functools\n\n\ndef test_cwd():\n    functools.partial(os.chdir)('/')\n",
        "import contextlib\n\n\ndef test_cwd():\n    with contextlib.ExitStack() as stack:\n        stack.callback(os.chdir, '/')\n",
        "import threading\n\n\ndef test_cwd():\n    threading.Thread(target=os.chdir, args=('/',)).run()\n",
        "def test_cwd():\n    os.chdir.__call__('/')\n",
        "def test_cwd():\n    getattr(os, 'chdir')('/')\n",
        "import unittest\n\n\nclass TestCwd(unittest.TestCase):\n    def test_cwd(self):\n        self.addCleanup(os.chdir, '/')\n",
        // Through a name bound to the module, or a context entered by hand.
        "def test_cwd():\n    m = os\n    m.chdir('/')\n",
        "import decimal\n\n\ndef test_ctx():\n    decimal.localcontext(decimal.Context(prec=2)).__enter__()\n",
        // A cleanup a unittest test case registers with the saved value is no put-back:
        // whether it runs is decided elsewhere (a no-op `addCleanup` in a base of another
        // file, bound in the class or on the instance, `doCleanups()` run early,
        // `_cleanups` cleared), as an attack round showed with pytest.
        "import unittest\n\n\nclass TestCwd(unittest.TestCase):\n    def test_cwd(self):\n        old = os.getcwd()\n        os.chdir('/')\n        self.addCleanup(os.chdir, old)\n        assert True\n",
        "import unittest\n\n\nclass TestCwd(unittest.TestCase):\n    def test_cwd(self):\n        old = os.getcwd()\n        self.addCleanup(os.chdir, old)\n        billing.pay.total([])\n        os.chdir('/')\n",
        "import unittest\n\n\nclass TestCwd(unittest.TestCase):\n    def setUp(self):\n        saved = logging.root.manager.disable\n        logging.disable(logging.CRITICAL)\n        self.addCleanup(logging.disable, saved)\n\n    def test_x(self):\n        assert True\n",
        // Asked, then set and left.
        "def test_locale():\n    old = locale.setlocale(locale.LC_ALL)\n    locale.setlocale(locale.LC_ALL, 'C')\n",
        // Set back to something else than what was saved, or saved after it was set.
        "def test_cwd():\n    old = os.getcwd()\n    os.chdir('/')\n    try:\n        assert True\n    finally:\n        os.chdir('/tmp')\n",
        "def test_cwd():\n    os.chdir('/')\n    old = os.getcwd()\n    try:\n        assert True\n    finally:\n        os.chdir(old)\n",
        // A `finally` that may not run after the call: under an `if`, after a `return`.
        "def test_cwd():\n    old = os.getcwd()\n    os.chdir('/')\n    if not os.sep:\n        try:\n            assert True\n        finally:\n            os.chdir(old)\n",
        "def test_cwd():\n    old = os.getcwd()\n    os.chdir('/')\n    if os.sep:\n        return\n    try:\n        assert True\n    finally:\n        os.chdir(old)\n",
        // The saved name bound again by a loop.
        "def test_cwd():\n    old = os.getcwd()\n    os.chdir('/')\n    for old in ['/tmp']:\n        pass\n    try:\n        assert True\n    finally:\n        os.chdir(old)\n",
        // Set, then what may raise (a skip leaves the test skipped, not failed) before the
        // `try` whose `finally` puts it back.
        "def test_cwd():\n    m = billing.pay\n    old = os.getcwd()\n    os.chdir('/')\n    x = m.RATE\n    try:\n        assert True\n    finally:\n        os.chdir(old)\n",
        "def test_cwd():\n    old = os.getcwd()\n    os.chdir('/')\n    billing.pay.total([])\n    try:\n        assert True\n    finally:\n        os.chdir(old)\n",
        "def test_cwd():\n    old = os.getcwd()\n    os.chdir('/')\n    x = billing.pay.RATE\n    try:\n        assert True\n    finally:\n        os.chdir(old)\n",
        "def test_cwd():\n    old = os.getcwd()\n    if os.sep:\n        os.chdir('/')\n        billing.pay.total([])\n    try:\n        assert True\n    finally:\n        os.chdir(old)\n",
        // Put back only under a condition, or after what may raise or leave the `finally`.
        "def test_cwd():\n    old = os.getcwd()\n    os.chdir('/')\n    try:\n        assert True\n    finally:\n        if not os.sep:\n            os.chdir(old)\n",
        "def test_cwd():\n    old = os.getcwd()\n    os.chdir('/')\n    try:\n        assert True\n    finally:\n        os.rmdir('/nonexistent')\n        os.chdir(old)\n",
        "def test_cwd():\n    old = os.getcwd()\n    os.chdir('/')\n    for _ in [1]:\n        try:\n            assert True\n        finally:\n            continue\n            os.chdir(old)\n",
    ] {
        let l = changed(&py_base(), &[("tests/aaa/test_a.py", &writer(w))]);
        assert_writer_refused(&l, "python:tests/aaa/test_a.py", PY_ID);
    }
    for own in [
        "def test_cwd():\n    old = os.getcwd()\n    os.chdir('/')\n    try:\n        assert True\n    finally:\n        os.chdir(old)\n",
        "def test_umask():\n    old = os.umask(0o077)\n    try:\n        assert True\n    finally:\n        os.umask(old)\n",
        "def test_quiet():\n    old = logging.root.manager.disable\n    logging.disable(logging.CRITICAL)\n    try:\n        assert True\n    finally:\n        logging.disable(old)\n",
        // A warning filter set inside `warnings.catch_warnings()`, which puts it back, or
        // in a file only pytest runs (it puts the filters back after each test).
        "import unittest\nimport warnings\n\n\nclass TestQuiet(unittest.TestCase):\n    def test_quiet(self):\n        with warnings.catch_warnings():\n            warnings.simplefilter('ignore')\n            assert True\n",
        "import warnings\n\n\ndef test_quiet():\n    warnings.simplefilter('ignore')\n",
        // Put back under another name.
        "def test_cwd():\n    import os as o\n    old = os.getcwd()\n    o.chdir('/')\n    try:\n        assert True\n    finally:\n        o.chdir(old)\n",
        "cd = os.chdir\n\n\ndef test_cwd():\n    old = os.getcwd()\n    cd('/')\n    try:\n        assert True\n    finally:\n        cd(old)\n",
        // A name bound to something else.
        "cd = os.getcwd\n\n\ndef test_cwd():\n    assert cd()\n",
        // Getters under the same spellings.
        "def test_cwd():\n    assert getattr(os, 'getcwd')()\n    m = os\n    assert m.getcwd()\n    assert list(map(os.path.join, ['a']))\n",
        "import decimal\n\n\ndef test_ctx():\n    with decimal.localcontext(decimal.Context(prec=2)):\n        assert True\n",
        // Only asked.
        "def test_locale():\n    assert locale.setlocale(locale.LC_ALL)\n    assert locale.setlocale(locale.LC_ALL, None)\n",
        "def test_locale():\n    old = locale.setlocale(locale.LC_ALL)\n    locale.setlocale(locale.LC_ALL, 'C')\n    try:\n        assert True\n    finally:\n        locale.setlocale(locale.LC_ALL, old)\n",
        "def test_loop():\n    old = asyncio.get_event_loop_policy()\n    asyncio.set_event_loop_policy(None)\n    try:\n        assert True\n    finally:\n        asyncio.set_event_loop_policy(old)\n",
    ] {
        let l = changed(&py_base(), &[("tests/aaa/test_a.py", &writer(own))]);
        l.assert_passes();
    }
}

/// Confirmed with `go test` and `cargo test`: a new test that replaces the test binary's
/// image with another program (`syscall.Exec("/bin/true", …)`, Rust's
/// `Command::new("true").exec()`) ends the run with the other program's exit status before
/// the locked test ran, as an exit does; so may one that signals the binary itself or makes a
/// raw system call.
#[test]
fn a_new_test_that_replaces_or_signals_the_test_binary_is_refused() {
    for call in [
        "syscall.Exec(\"/bin/true\", []string{\"true\"}, os.Environ())",
        "sc.Exec(\"/bin/true\", []string{\"true\"}, nil)",
        "syscall.Kill(syscall.Getpid(), syscall.SIGKILL)",
        "syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)",
    ] {
        let l = changed(
            &go_base(),
            &[(
                "tax/a_test.go",
                &format!(
                    "package tax\n\nimport (\n\t\"os\"\n\t\"syscall\"\n\tsc \"syscall\"\n\t\"testing\"\n)\n\nvar _ = os.Getenv\nvar _ = sc.Getpid\n\nfunc TestA(t *testing.T) {{\n\t{call}\n}}\n"
                ),
            )],
        );
        l.assert_refused("rebound", GO_ID);
    }
    // Running another program as a child is harmless.
    let l = changed(
        &go_base(),
        &[(
            "tax/a_test.go",
            "package tax\n\nimport (\n\t\"os/exec\"\n\t\"testing\"\n)\n\nfunc TestA(t *testing.T) {\n\tcmd := exec.Command(\"true\")\n\t_ = cmd.Run()\n\tif cmd.Process != nil {\n\t\t_ = cmd.Process.Kill()\n\t}\n}\n",
        )],
    );
    l.assert_passes();
    for call in [
        "    use std::os::unix::process::CommandExt;\n    let _ = std::process::Command::new(\"true\").exec();\n",
        "    use std::os::unix::process::CommandExt;\n    let mut c = std::process::Command::new(\"true\");\n    let _ = CommandExt::exec(&mut c);\n",
        "    unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };\n",
        "    let _ = nix::unistd::execv(c\"/bin/true\", &[c\"true\"]);\n",
    ] {
        let l = changed(
            &rs_base(),
            &[(
                "tests/billing.rs",
                &format!("{RS_TEST}\n#[test]\nfn clean() {{\n{call}}}\n"),
            )],
        );
        l.assert_refused("rebound", RS_ID);
    }
    let l = changed(
        &rs_base(),
        &[(
            "tests/billing.rs",
            &format!(
                "{RS_TEST}\n#[test]\nfn runs() {{\n    let s = std::process::Command::new(\"true\").status().unwrap();\n    assert!(s.success());\n}}\n"
            ),
        )],
    );
    l.assert_passes();
}

/// Confirmed with `go test`: a `range` clause or a `select` case that assigns with `=`
/// (`for _, Rate = range …`, `case Rate = <-ch:`) writes the package variable as an
/// assignment does; one that declares with `:=` binds the test's own.
#[test]
fn go_a_range_clause_or_select_case_that_assigns_is_a_write() {
    for w in [
        "func TestA(t *testing.T) {\n\tfor _, Rate = range []int{0, 9} {\n\t}\n}\n",
        "func TestA(t *testing.T) {\n\tfor Rate = range 3 {\n\t}\n}\n",
        "func TestA(t *testing.T) {\n\tch := make(chan int, 1)\n\tch <- 9\n\tselect {\n\tcase Rate = <-ch:\n\t}\n}\n",
    ] {
        let l = changed(
            &go_base(),
            &[(
                "tax/a_test.go",
                &format!("package tax\n\nimport \"testing\"\n\n{w}"),
            )],
        );
        assert_writer_refused(&l, "go:tax/a_test.go", GO_ID);
    }
    for own in [
        "func TestA(t *testing.T) {\n\tfor _, r := range []int{0, 9} {\n\t\t_ = r\n\t}\n}\n",
        "func TestA(t *testing.T) {\n\tvar r int\n\tfor _, r = range []int{0, 9} {\n\t}\n\t_ = r\n}\n",
        "func TestA(t *testing.T) {\n\tch := make(chan int, 1)\n\tch <- 9\n\tselect {\n\tcase r := <-ch:\n\t\t_ = r\n\t}\n}\n",
    ] {
        let l = changed(
            &go_base(),
            &[(
                "tax/a_test.go",
                &format!("package tax\n\nimport \"testing\"\n\n{own}"),
            )],
        );
        l.assert_passes();
    }
}

/// Confirmed with `cargo test`: a new test that writes through a static's lock guard by a
/// method (`clone_from`), through a `&mut` of the guard (which coerces to what it holds), or
/// in a closure handed the guard (`.lock().map(|mut g| *g = 1)`) leaves the static changed
/// for the locked test.
#[test]
fn rust_writes_through_a_static_guard_by_method_or_closure_are_refused() {
    let lib = "use std::sync::Mutex;\n\npub static DISCOUNT: Mutex<i64> = Mutex::new(0);\n\npub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum::<i64>() - *DISCOUNT.lock().unwrap()\n}\n";
    let mut base = rs_base();
    base.retain(|(p, _)| *p != "src/lib.rs");
    base.push(("src/lib.rs", lib));
    for w in [
        "    let mut d = shop::DISCOUNT.lock().unwrap();\n    d.clone_from(&1);\n",
        "    shop::DISCOUNT.lock().unwrap().clone_from(&1);\n",
        "    let _ = shop::DISCOUNT.lock().map(|mut g| *g = 1);\n",
        "    let _ = shop::DISCOUNT.lock().unwrap_or_else(|e| e.into_inner()).add_assign(1);\n",
        "    let mut g = shop::DISCOUNT.lock().unwrap();\n    1.clone_into(&mut g);\n",
        "    let mut g = shop::DISCOUNT.lock().unwrap();\n    let _ = std::mem::take(&mut g);\n",
        "    let mut g = shop::DISCOUNT.lock().unwrap();\n    std::mem::swap(&mut *g, &mut 1);\n",
    ] {
        let l = changed(
            &base,
            &[(
                "tests/billing.rs",
                &format!("{RS_TEST}\n#[test]\nfn promo() {{\n{w}}}\n"),
            )],
        );
        assert_writer_refused(&l, "rust:tests/billing.rs", RS_ID);
    }
    // Read through the guard, or a lock of the test's own.
    for own in [
        "    let g = shop::DISCOUNT.lock().unwrap();\n    assert_eq!(g.clone(), 0);\n",
        "    let n = shop::DISCOUNT.lock().map(|g| *g + 1).unwrap();\n    assert_eq!(n, 1);\n",
        "    let m = std::sync::Mutex::new(0);\n    m.lock().unwrap().clone_from(&1);\n    let _ = m.lock().map(|mut g| *g = 2);\n",
    ] {
        let l = changed(
            &base,
            &[(
                "tests/billing.rs",
                &format!("{RS_TEST}\n#[test]\nfn promo() {{\n{own}}}\n"),
            )],
        );
        l.assert_passes();
    }
}

/// Confirmed with `go test`: a test that puts back what it wrote (`defer`, `t.Cleanup`) but
/// calls `t.Parallel()` pauses until every serial test has finished, so the locked test runs
/// against what it wrote before its put-back ran; a subtest that does the same holds the
/// parent's `t.Cleanup` until it ends. A parallel test that writes nothing passes.
#[test]
fn go_a_put_back_in_a_parallel_test_does_not_count() {
    for w in [
        "func TestA(t *testing.T) {\n\told := Rate\n\tRate = 9\n\tdefer func() { Rate = old }()\n\tt.Parallel()\n}\n",
        "func TestA(t *testing.T) {\n\told := Rate\n\tt.Cleanup(func() { Rate = old })\n\tRate = 9\n\tt.Parallel()\n}\n",
        "func TestA(t *testing.T) {\n\told := Rate\n\tt.Cleanup(func() { Rate = old })\n\tRate = 9\n\tt.Run(\"x\", func(t *testing.T) {\n\t\tt.Parallel()\n\t})\n}\n",
        "func parallel(t *testing.T) {\n\tt.Parallel()\n}\n\nfunc TestA(t *testing.T) {\n\told := Rate\n\tdefer func() { Rate = old }()\n\tRate = 9\n\tparallel(t)\n}\n",
    ] {
        let l = changed(
            &go_base(),
            &[(
                "tax/a_test.go",
                &format!("package tax\n\nimport \"testing\"\n\n{w}"),
            )],
        );
        assert_writer_refused(&l, "go:tax/a_test.go", GO_ID);
    }
    for own in [
        "func TestA(t *testing.T) {\n\tt.Parallel()\n\tr := Rate\n\t_ = r\n}\n",
        // The put-back of a serial test, beside a parallel one that writes nothing.
        "func TestA(t *testing.T) {\n\told := Rate\n\tdefer func() { Rate = old }()\n\tRate = 9\n}\n\nfunc TestB(t *testing.T) {\n\tt.Parallel()\n}\n",
    ] {
        let l = changed(
            &go_base(),
            &[(
                "tax/a_test.go",
                &format!("package tax\n\nimport \"testing\"\n\n{own}"),
            )],
        );
        l.assert_passes();
    }
}

/// What the tests of the changed files leave to later tests is read on a thread of its own
/// while the locked tests are read: it reads the index git hands a hook (`git commit -a` and
/// `git commit PATHS` hand one in `GIT_INDEX_FILE`), not the repository's own.
#[test]
fn shared_state_is_read_from_the_index_being_committed() {
    let l = locked(&py_base());
    let writer = "tests/aaa/test_a.py";
    l.repo.write(
        writer,
        "import billing.pay\n\n\ndef test_setup():\n    billing.pay.total = lambda xs: 6\n",
    );
    let index = l.repo.path(".git/index");
    let other = l.repo.root.join("../other-index");
    std::fs::copy(&index, &other).expect("copy the index");
    let other = other.to_string_lossy().into_owned();
    // The change staged in another index only, as `git commit -a` does.
    let staged = l
        .repo
        .git_cmd(&["add", writer])
        .env("GIT_INDEX_FILE", &other)
        .output()
        .expect("run git");
    assert!(staged.status.success(), "git add: {staged:?}");
    let check = |index: Option<&str>| {
        let mut c = l.repo.gk_cmd(&["sacred", "check", "--staged"]);
        if let Some(i) = index {
            c.env("GIT_INDEX_FILE", i);
        }
        c.output().expect("run gatekeeper")
    };
    let out = check(Some(&other));
    assert_code(&out, 1, "the index being committed writes shared state");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines()
            .any(|x| x == "refused: python:tests/aaa/test_a.py [rebound]")
            && err.contains(&format!("({PY_ID}")),
        "{}",
        text(&out)
    );
    // The repository's own index holds none of it.
    assert_code(&check(None), 0, "the repository's index is unchanged");
}
