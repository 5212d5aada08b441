//! The language-independent half of sacred-test analysis: normalising and fingerprinting
//! syntax trees, and turning one test's nodes into a [`TestItem`] through a language's
//! [`Rules`].
//!
//! **Invariant:** fingerprints ignore comments and layout (whitespace, trailing commas,
//! optional semicolons, grouping parentheses, the quote style of simple Python and JS/TS
//! strings) but nothing else, so reformatting never changes them while moving a statement
//! under an `if` always does.

#![cfg_attr(
    not(any(
        feature = "lang-rust",
        feature = "lang-python",
        feature = "lang-javascript",
        feature = "lang-typescript",
        feature = "lang-go"
    )),
    allow(dead_code, reason = "no grammar is compiled in")
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::OnceLock;

use serde::Serialize;
use sha2::{Digest, Sha256};
use tree_sitter::{Language, Node, TreeCursor};

/// The tag that makes a test sacred when written in a comment directly above it.
pub const TAG: &str = "gatekeeper:sacred";

/// What a language tells the generic analysis about its syntax.
pub(crate) trait Rules {
    /// When `node` is an assertion: the name of what asserts (`assert_eq`, `toBe`, …).
    fn assertion(&self, node: Node<'_>, src: &str) -> Option<String>;
    /// Extra text an assertion carries from outside its node (Go: the `if` condition that
    /// guards `t.Errorf`). Default: none.
    fn assertion_context<'t>(&self, _node: Node<'t>, _src: &str) -> Option<(Node<'t>, String)> {
        None
    }
    /// A statement that ends the test early (`return`).
    fn is_return(&self, node: Node<'_>) -> bool;
    /// A call that skips the test from inside its body (`t.Skip()`, `pytest.skip()`).
    fn is_skip_call(&self, node: Node<'_>, src: &str) -> bool;
    /// A construct that can swallow a failing assertion (`catch_unwind`, `except`, `recover()`).
    fn is_swallow(&self, node: Node<'_>, src: &str) -> bool;
    /// A node that makes what is inside it conditional or deferred (if, loop, closure, …).
    fn is_control(&self, kind: &str) -> bool;
    /// Whether `node`, in a helper function, asserts (makes the helper a check helper, see
    /// `bindings::file_functions`). Default: [`Rules::assertion`].
    fn asserts_in_helper(&self, node: Node<'_>, src: &str) -> bool {
        self.assertion(node, src).is_some()
    }
    /// Whether a module-level function of this name is collected as a test by the runner's
    /// default (`test_…` for pytest, `TestX`, `BenchmarkX`, … for Go). Default: none.
    fn names_a_test_function(&self, _name: &str) -> bool {
        false
    }
}

/// One assertion of a test.
#[derive(Debug, Clone, Serialize)]
pub struct Assertion {
    /// The conditional constructs between the test body and the assertion, outermost first,
    /// joined with `>` (empty at the top level).
    pub path: String,
    /// The assertion's normalised text (no comments, no layout).
    pub text: String,
    /// What asserts (`assert_eq`, `toStrictEqual`, `assertEqual`, …).
    pub callee: String,
    /// 1-based line of the assertion.
    pub line: usize,
    /// The assertion's source, as written (first lines).
    pub source: String,
    /// The texts older gatekeepers gave it (TypeScript types and local names kept;
    /// `x["name"]` as written), when different.
    #[serde(skip)]
    pub alt_texts: Vec<String>,
    /// Go: the `if` whose condition the assertion carries binds something before it (`if v
    /// := f(); v != 1`), and that binding is read as written (not put back): the text leaves
    /// it out, so another spelling of the check cannot stand for it.
    #[serde(skip)]
    pub initialized: bool,
}

/// One statement at the top of a test's body.
#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    /// Fingerprint of the statement with its assertions cut out (12 hex digits).
    pub hash: String,
    pub line: usize,
    pub source: String,
    /// The statement only asserts (an assertion, or an `if` whose branch only asserts):
    /// adding one anywhere cannot weaken the test.
    pub assertion_only: bool,
    /// The fingerprints older readings gave the same statement (the whole text of one that
    /// is now an assertion or a plan; TypeScript with its types; an awaited chain with type
    /// arguments read as the grammar nests it), so that locks written then still match it.
    #[serde(skip)]
    pub alt_hashes: Vec<String>,
    /// The local this statement binds by a call handed the test's context (serialised as
    /// fingerprints write it): its release may move into that helper's teardown
    /// ([`super::context`]).
    #[serde(skip)]
    pub context_binding: Option<String>,
    /// The statement only skips the test, or returns from it, on a condition
    /// ([`skip_guard`]): removing it runs the test in more places and changes nothing it
    /// checks.
    #[serde(skip)]
    pub skip_guard: bool,
    /// The statement only asserts, but what it asserts writes ([`writes`]: `assert (r :=
    /// fake()) is not None`): inserted before a locked statement, it may change what that
    /// one sees.
    #[serde(skip)]
    pub writes: bool,
    /// The statement may end the process ([`ends_process`]: `os._exit(0)`,
    /// `process.exit(0)`): added anywhere, even after every check, the runner may never
    /// report a failure already recorded, nor run the tests after it.
    #[serde(skip)]
    pub ends_process: bool,
    /// Python: the exception this statement requires its code to raise, and that code (see
    /// [`expects_raise`]).
    #[serde(skip)]
    pub raises: Option<(String, String)>,
    /// The list of cases this statement binds, when the test only loops over it row by row
    /// ([`super::tables`]): cases added to it change nothing an old case checks.
    #[serde(skip)]
    pub table: Option<Box<super::tables::Table>>,
    /// The names it binds for the whole of the test's body, wherever it stands
    /// ([`scope_binds`]): a Rust item or `use`, a JavaScript declaration, any Python name it
    /// assigns. `*` for a Rust glob `use` or an `impl` block's methods it cannot list.
    #[serde(skip)]
    pub binds: Vec<String>,
    /// The names it mentions.
    #[serde(skip)]
    pub mentions: Vec<String>,
    /// Go: the names a `var` declaration without a value declares (`var lookupErr
    /// LookupError`): it runs nothing, and may stand anywhere before their first mention
    /// ([`go_zero_var`]).
    #[serde(skip)]
    pub zero_var: Vec<String>,
}

/// A test found in a file, sacred or not, with everything the lock and the rules need.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TestItem {
    /// `lang:path::scope::name`.
    pub id: String,
    pub lang: &'static str,
    pub path: String,
    pub name: String,
    pub line: usize,
    pub end_line: usize,
    pub sacred: bool,
    /// Whether the test runner collects it (a renamed `test_x` → `x_test` is not).
    pub collected: bool,
    /// Fingerprint of the whole test (its syntax tree without comments or layout).
    pub structure: String,
    /// Fingerprint of the body alone, independent of the name (finds renamed tests).
    pub body: String,
    /// Fingerprint of the envelope: everything around the test that can disable it.
    pub envelope: String,
    pub envelope_lines: Vec<String>,
    pub assertions: Vec<Assertion>,
    pub statements: Vec<Statement>,
    /// For a Go body that starts with a comment: the hash its statements had as one
    /// statement, as locks written before they were read one by one recorded it.
    #[serde(skip)]
    pub legacy_statement: Option<String>,
    pub returns: usize,
    pub skips: usize,
    pub swallows: usize,
    /// Comment texts inside the test, without markers or whitespace (finds commented-out
    /// assertions).
    #[serde(skip)]
    pub comments: Vec<String>,
    /// Module-level bindings of the names the test uses (see [`super::bindings`]), sorted.
    pub bindings: Vec<String>,
    /// The identifiers the test mentions (not a nested function's parameters, see
    /// [`super::bindings::used_names`]).
    #[serde(skip)]
    pub used: std::collections::BTreeSet<String>,
    /// Those of them the test only calls, each time with one argument.
    #[serde(skip)]
    pub one_argument_calls: std::collections::BTreeSet<String>,
    /// The identifiers its envelope mentions (see [`super::bindings::envelope_names`]).
    #[serde(skip)]
    pub envelope_used: std::collections::BTreeSet<String>,
    /// The names its assertions mention (`expected` in `assert total(xs) == expected()`): a
    /// helper of the file named there is what the test compares with, locked as written.
    #[serde(skip)]
    pub assertion_uses: std::collections::BTreeSet<String>,
    /// Module-level bindings of the names its envelope mentions, sorted: a Python test's
    /// decorators (`CASES = [(1, 2)]` for `@pytest.mark.parametrize("a,b", CASES)`), a
    /// JavaScript test's callee and its arguments (`import test from 'ava'`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub envelope_bindings: Vec<String>,
    /// Python: the assignments in the bodies of the classes around the test (`CASES = […]`
    /// read as `self.CASES`, or by a method's decorator).
    #[serde(skip)]
    pub class_bindings: Vec<super::bindings::Binding>,
    /// Python: the methods of the classes around the test, each named `.NAME` as the test
    /// reaches it (`self.check(…)`, see [`super::bindings::used_names`]): its check helpers
    /// among them are locked with it.
    #[serde(skip)]
    pub class_functions: Vec<super::bindings::FileFunction>,
    /// Python: the methods of each subclass of its class (see [`TestSpec::subclasses`]), under
    /// which it runs: there `self.make()` calls the subclass's `make`.
    #[serde(skip)]
    pub subclass_functions: Vec<Vec<super::bindings::FileFunction>>,
    /// What it reads, itself or through the helpers of its file it calls (see
    /// `bindings::uses_through_helpers`).
    #[serde(skip)]
    pub reads: std::collections::BTreeSet<String>,
    /// The base classes of its classes that its file does not define (Python: imported, or a
    /// library's), whose methods it may reach on `self` too (see `add_imported_check_helpers`).
    #[serde(skip)]
    pub class_bases: Vec<String>,
    /// What runs around it in its suites or classes (mocks, hooks, xunit setup; see
    /// [`super::bindings::setups`]), one `setup …` line each; the file's own are in
    /// `envelope_bindings` only.
    #[serde(skip)]
    pub setups: Vec<String>,
    /// How lines of `envelope_bindings` read when that differs from their text (a Python
    /// setup method's annotations erased, see [`python_erasure`]); not in the lock, which
    /// holds the text.
    pub envelope_reads: BTreeMap<String, String>,
    /// Python: the fixtures the test requests (its parameters, less the names a
    /// `parametrize` gives), which pytest binds from outside the test.
    #[serde(skip)]
    pub fixtures: Vec<String>,
    /// The local variables it declares, in order (their placeholders are `_l1`, `_l2`, …).
    #[serde(skip)]
    pub locals: Vec<String>,
    /// Readings of the test with some of its extracted locals put back (see
    /// [`super::extracted`]); built for checks only.
    #[serde(skip)]
    pub locals_put_back: Vec<LocalsPutBack>,
    /// Readings of a parametrized Python test, one per case, with that case's values in place
    /// of its parameters (see [`super::extracted::python_cases`]); built for checks only.
    #[serde(skip)]
    pub case_readings: Vec<LocalsPutBack>,
    /// The `pytest.param(…, id=…)` of each of `case_readings`, as written (`None` for a case
    /// without one; see [`super::extracted::python_case_ids`]).
    #[serde(skip)]
    pub case_ids: Vec<Option<String>>,
    /// `case_readings` hold every case of the test's `parametrize` (see
    /// [`super::extracted::python_cases_all_read`]).
    #[serde(skip)]
    pub cases_all_read: bool,
    /// A reading with every release of a local nested in a statement (`await server.close()`
    /// inside an `if` or a `finally`) left out, and those locals (serialised as
    /// [`Statement::context_binding`] writes them): a test that now binds each of them by a
    /// call handed its context reads as this ([`super::context`]); built for checks only.
    #[serde(skip)]
    pub releases_dropped: Option<(Vec<String>, LocalsPutBack)>,
    /// Go: a reading without the names of its subtests (`t.Run("name", …)`, and a table's
    /// `name:` values when the test reads that field only to name subtests or in failure
    /// messages), compared with the base revision's test read the same way: a typo fixed in
    /// a subtest's name changes nothing checked ([`super::extracted::go_case_names`]); built
    /// for checks only.
    #[serde(skip)]
    pub case_names_left_out: Option<LocalsPutBack>,
    /// What calling the test function makes instead of running its body, when it does not
    /// run it ([`deferred_body`]: "a generator", "a coroutine").
    #[serde(skip)]
    pub deferred: Option<&'static str>,
    /// JavaScript and TypeScript: each member access of the test on `globalThis` or `window`
    /// as written (`globalThis.billing`,
    /// `window.fetch`), sorted (see [`global_object_written`]).
    #[serde(skip)]
    pub global_members: Vec<String>,
    /// The parser could not make sense of part of the test.
    pub has_error: bool,
    #[serde(skip)]
    pub start_byte: usize,
    #[serde(skip)]
    pub end_byte: usize,
}

/// What a test's assertions and statements are with its extracted locals put back: `t =
/// total(xs)` left out and `assert t == 6` read as `assert total(xs) == 6`.
#[derive(Debug, Clone)]
pub struct LocalsPutBack {
    pub assertions: Vec<Assertion>,
    pub statements: Vec<Statement>,
}

/// A function-like thing that could be a test, collected or not (finds tests renamed out of
/// the runner's collection).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub body: String,
    pub collected: bool,
    pub line: usize,
}

/// A focused test or suite (`.only`, `fit`, `fdescribe`).
#[derive(Debug, Clone)]
pub struct Focus {
    pub start_byte: usize,
    pub end_byte: usize,
    pub line: usize,
    pub source: String,
}

/// Everything found in one file.
#[derive(Debug, Clone, Default)]
pub struct FileScan {
    pub tests: Vec<TestItem>,
    pub candidates: Vec<Candidate>,
    pub focused: Vec<Focus>,
    pub has_error: bool,
    /// Every module-level binding of the file (see [`super::bindings`]), when it has tests.
    pub module_bindings: Vec<super::bindings::Binding>,
    /// Python: the file's module-level fixtures, when it has tests (what a fixture of the
    /// file requests is looked up from them, see `add_conftest_bindings`).
    pub fixtures: Vec<super::bindings::FixtureDef>,
    /// The file's module-level functions, when it has tests (Python, Go, JavaScript and
    /// TypeScript: see `bindings::file_functions`), read again with those of other files a
    /// test can call (`add_check_helpers_of_other_files`).
    pub functions: Vec<super::bindings::FileFunction>,
    /// Rust: the file's functions that are not tests, each with the path of the modules it is
    /// in (see `lang::rust::functions`), read again with those of the modules the file
    /// declares (`mod common;`, see `add_rust_module_check_helpers`).
    pub scoped_functions: Vec<(Vec<String>, super::bindings::FileFunction)>,
    /// Python: the functions the module calls while it is imported, when it has tests (see
    /// `bindings::python_import_time_calls`): every test of the file is locked with them.
    pub import_calls: std::collections::BTreeSet<String>,
    /// Go: the file's module requires testify at a `v1` version, from no `replace` (see
    /// `add_go_assertion_sources`): its `Equal` then fails wherever `reflect.DeepEqual`
    /// tells two values apart (`super::testify`).
    pub go_testify_v1: bool,
    /// Python: the modules the file imports (by the name it binds them to) found in the
    /// repository from the test's directory up (as `IMPORT_HOMES` finds them), whose file
    /// neither defines a module `__getattr__` nor reaches `sys.modules` or its module's
    /// class: looking up one of their attributes runs no code (see
    /// `bindings::Binding::lookup`, `add_python_import_homes`).
    pub python_plain_modules: std::collections::BTreeSet<String>,
}

/// What a language's discovery knows about one test before the generic analysis.
pub(crate) struct TestSpec<'t> {
    /// The node fingerprinted as the test's structure.
    pub node: Node<'t>,
    /// The node whose statements and assertions are analysed (the body block).
    pub body: Node<'t>,
    /// The whole extent of the test (for ranges and parse errors), e.g. a JS `it(…)` call.
    pub extent: Node<'t>,
    /// A node left out of every fingerprint (a Python docstring).
    pub elide: Option<Node<'t>>,
    pub name: String,
    pub scope: Vec<String>,
    pub sacred: bool,
    pub collected: bool,
    pub envelope_lines: Vec<String>,
    /// The suites around the test, each with the part that holds the test: JavaScript's
    /// suite calls with their callbacks (`describe.each(CASES)('…', fn)`), Python's classes
    /// (with their decorators) with their bodies. What they read besides that part is
    /// envelope; a Python class body's own assignments are bindings of the test too.
    pub suites: Vec<(Node<'t>, Node<'t>)>,
    /// Python: the classes of the file that derive from the test's class, directly or not,
    /// each with its name and body: the test runs under each of them, with its setup and
    /// attributes.
    pub subclasses: Vec<(String, Node<'t>)>,
}

pub(crate) fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The node kinds of one grammar, looked up by id: `Node::kind` measures and validates the
/// C string on every call, and the analysis asks for kinds millions of times.
struct KindTable {
    language: Language,
    names: Vec<&'static str>,
    comment: Vec<bool>,
    /// TypeScript: type annotations, casts and type arguments are erased.
    typescript: bool,
    /// Python: annotations that cannot run are erased (see [`python_erasure`]).
    python: bool,
    /// The grammar's field ids by name: tree-sitter finds one by comparing the name with
    /// each of the grammar's in turn, and the analysis asks millions of times.
    fields: std::collections::HashMap<
        &'static str,
        std::num::NonZeroU16,
        std::hash::BuildHasherDefault<FieldNameHasher>,
    >,
}

/// FNV-1a, for the few short field names of a grammar (the default hasher costs more than
/// the lookup it replaces).
#[derive(Default)]
struct FieldNameHasher(u64);

impl std::hash::Hasher for FieldNameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn kind_tables() -> &'static [KindTable] {
    static TABLES: OnceLock<Vec<KindTable>> = OnceLock::new();
    TABLES.get_or_init(|| {
        super::lang::grammars()
            .into_iter()
            .map(|(language, lang)| {
                let typescript =
                    matches!(lang, super::lang::Lang::TypeScript | super::lang::Lang::Tsx);
                let python = lang == super::lang::Lang::Python;
                let names: Vec<&'static str> = (0..language.node_kind_count())
                    .map(|id| {
                        let name = u16::try_from(id)
                            .ok()
                            .and_then(|id| language.node_kind_for_id(id))
                            .unwrap_or("");
                        // Once per kind per process: the grammars live as long as it does.
                        &*Box::leak(name.to_owned().into_boxed_str())
                    })
                    .collect();
                let comment = names.iter().map(|n| n.contains("comment")).collect();
                let fields = (1..=language.field_count())
                    .filter_map(|id| {
                        let id = u16::try_from(id).ok()?;
                        let name = language.field_name_for_id(id)?;
                        // Once per field per process, as the kinds' names.
                        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
                        Some((name, std::num::NonZeroU16::new(id)?))
                    })
                    .collect();
                KindTable {
                    language,
                    names,
                    comment,
                    typescript,
                    python,
                    fields,
                }
            })
            .collect()
    })
}

fn kind_entry(node: Node<'_>) -> Option<(&'static KindTable, usize)> {
    let language = node.language();
    let id = usize::from(node.kind_id());
    kind_tables()
        .iter()
        .find(|t| t.language == *language)
        .filter(|t| id < t.names.len())
        .map(|t| (t, id))
}

/// [`Node::child_by_field_name`], with the field's id found from the grammar's table.
pub(crate) trait FieldOf<'t> {
    /// The child of this node in the field `name`.
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> FieldOf<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        let language = self.language();
        match kind_tables().iter().find(|t| t.language == *language) {
            Some(table) => self.child_by_field_id(table.fields.get(name)?.get()),
            // Not one of the compiled-in grammars: never the case for trees gatekeeper parses.
            None => self.child_by_field_name(name),
        }
    }
}

/// The kind of a node (what `Node::kind` returns), from the grammar's table. Takes a node or
/// a reference to one.
pub(crate) fn kind<'t>(node: impl std::borrow::Borrow<Node<'t>>) -> &'static str {
    let node = *node.borrow();
    match kind_entry(node) {
        Some((table, id)) => table.names[id],
        None if node.is_error() => "ERROR",
        // Not one of the compiled-in grammars: never the case for trees gatekeeper parses.
        None => intern(node.kind()),
    }
}

/// A `'static` copy of a kind name outside the tables, made once per distinct name.
fn intern(name: &str) -> &'static str {
    static SEEN: std::sync::Mutex<BTreeSet<&'static str>> = std::sync::Mutex::new(BTreeSet::new());
    let mut seen = SEEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(s) = seen.get(name) {
        return s;
    }
    let s: &'static str = Box::leak(name.to_owned().into_boxed_str());
    seen.insert(s);
    s
}

thread_local! {
    /// Set while computing the fingerprints an older gatekeeper computed (types kept).
    static KEEP_TYPES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` as an older gatekeeper read tests: TypeScript types kept, locals under their own
/// names (as locks written then recorded them).
pub(crate) fn with_types<R>(f: impl FnOnce() -> R) -> R {
    KEEP_TYPES.with(|k| k.set(true));
    let r = f();
    KEEP_TYPES.with(|k| k.set(false));
    r
}

thread_local! {
    /// The local variables of the test being read, each with its placeholder.
    static LOCALS: std::cell::RefCell<std::collections::HashMap<String, String>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Runs `f` with the locals declared in `body` written as placeholders (`_l1`, `_l2`, … in the
/// order they are declared), so that renaming a local consistently changes nothing. In a
/// file `src` that spells a placeholder itself (`const _l1 = 6`), locals keep their names:
/// a placeholder must name nothing else.
pub(crate) fn with_locals<R>(locals: &[String], src: &str, f: impl FnOnce() -> R) -> R {
    let map = if spells_a_placeholder(src) {
        std::collections::HashMap::new()
    } else {
        locals
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), placeholder(i)))
            .collect()
    };
    let saved = LOCALS.with(|m| std::mem::replace(&mut *m.borrow_mut(), map));
    let r = f();
    LOCALS.with(|m| *m.borrow_mut() = saved);
    r
}

thread_local! {
    /// Per test id, the locals its base revision declares, in order: a test read while this
    /// is set numbers its locals as that test did ([`locals_as_at_base`]).
    static BASE_LOCALS: std::cell::RefCell<std::collections::HashMap<String, Vec<String>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Runs `f` (a scan) with each test of `base` (by id) numbering its locals as that test of
/// the base revision did ([`locals_as_at_base`]).
pub(crate) fn with_base_locals<R>(
    base: std::collections::HashMap<String, Vec<String>>,
    f: impl FnOnce() -> R,
) -> R {
    let saved = BASE_LOCALS.with(|m| std::mem::replace(&mut *m.borrow_mut(), base));
    let r = f();
    BASE_LOCALS.with(|m| *m.borrow_mut() = saved);
    r
}

/// The locals of the test `id`, declared in the order `declared`, in the order that numbers
/// them as its base revision did, when one is set ([`with_base_locals`]): a name the base
/// declared keeps its place there, a new name takes the first place a name of the base left
/// (a local renamed), and the others come after. A place left by a name that is gone holds
/// a name no identifier spells. So a declaration moved, or a new one put before the others,
/// leaves every other local its placeholder; the reading is still a renaming that gives
/// distinct names distinct placeholders.
fn locals_as_at_base(id: &str, declared: Vec<String>) -> Vec<String> {
    BASE_LOCALS.with(|m| {
        let m = m.borrow();
        let Some(base) = m.get(id) else {
            return declared;
        };
        let mut places: Vec<Option<String>> = vec![None; base.len()];
        let mut rest = Vec::new();
        for name in declared {
            match base.iter().position(|b| *b == name) {
                Some(i) => places[i] = Some(name),
                None => rest.push(name),
            }
        }
        let mut rest = rest.into_iter();
        for place in &mut places {
            if place.is_none() {
                *place = rest.next();
            }
        }
        places
            .into_iter()
            .enumerate()
            .map(|(i, p)| p.unwrap_or_else(|| format!("\u{0}gone{i}")))
            .chain(rest)
            .collect()
    })
}

/// Whether `src` holds a word spelled like a placeholder (`_l1`), anywhere.
fn spells_a_placeholder(src: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    src.match_indices("_l").any(|(at, _)| {
        !src[..at].chars().next_back().is_some_and(word) && {
            let rest = &src[at + 2..];
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && !rest[digits..].chars().next().is_some_and(word)
        }
    })
}

/// The `i`-th local's placeholder: a word, so that it is spaced like the name it replaces.
fn placeholder(i: usize) -> String {
    format!("_l{}", i + 1)
}

/// A comment's text with the current test's locals written as their placeholders.
fn comment_with_placeholders(comment: &str) -> String {
    LOCALS.with(|m| {
        let m = m.borrow();
        if m.is_empty() {
            return comment.to_owned();
        }
        let word = |c: char| c.is_alphanumeric() || c == '_';
        let mut out = String::new();
        let mut token = String::new();
        let flush = |token: &mut String, out: &mut String| {
            out.push_str(m.get(token.as_str()).map_or(token.as_str(), String::as_str));
            token.clear();
        };
        for c in comment.chars() {
            if word(c) {
                token.push(c);
            } else {
                flush(&mut token, &mut out);
                out.push(c);
            }
        }
        flush(&mut token, &mut out);
        out
    })
}

/// The placeholder of a local variable, unless reading as an older gatekeeper did.
fn local_placeholder(node: Node<'_>, t: &str) -> Option<String> {
    if kind(node) != "identifier" || KEEP_TYPES.with(std::cell::Cell::get) {
        return None;
    }
    LOCALS.with(|m| m.borrow().get(t).cloned())
}

/// The local variables a test body declares, in order (`let`, `:=`, `var`, `const`, Python
/// assignments and `for` targets), not those of nested functions.
pub(crate) fn declared_locals(body: Node<'_>, src: &str) -> Vec<String> {
    fn idents(n: Node<'_>, src: &str, out: &mut Vec<String>) {
        if matches!(
            kind(n),
            "identifier" | "shorthand_property_identifier_pattern"
        ) {
            let t = text(n, src).to_owned();
            if t != "_" && !out.contains(&t) {
                out.push(t);
            }
            return;
        }
        // A pattern's type or default value declares nothing.
        if matches!(kind(n), "type_annotation" | "call_expression" | "call") {
            return;
        }
        for c in named_children(n) {
            idents(c, src, out);
        }
    }
    let mut out = Vec::new();
    let mut stack = vec![body];
    let mut order = Vec::new();
    while let Some(n) = stack.pop() {
        order.push(n);
        for c in named_children(n).into_iter().rev() {
            if !is_function_like(kind(c)) {
                stack.push(c);
            }
        }
    }
    for n in order {
        let target = match kind(n) {
            "let_declaration" => n.field("pattern"),
            "variable_declarator" | "var_spec" => n.field("name"),
            // (A `range` clause that assigns with `=` declares nothing.)
            "range_clause" if super::import_hazards::go_assigns_declared(n) => None,
            "short_var_declaration" | "range_clause" => n.field("left"),
            "assignment" | "for_statement" if is_python(n) => n.field("left"),
            _ => None,
        };
        if let Some(t) = target
            && matches!(
                kind(t),
                "identifier"
                    | "tuple_pattern"
                    | "pattern_list"
                    | "expression_list"
                    | "object_pattern"
                    | "array_pattern"
                    | "tuple"
                    | "mut_pattern"
                    | "ref_pattern"
            )
        {
            idents(t, src, &mut out);
        }
    }
    out
}

/// Python's `assignment` and `for x in …` (only Python's grammar has these with `left`).
fn is_python(n: Node<'_>) -> bool {
    kind(n) == "assignment" || (kind(n) == "for_statement" && n.field("left").is_some())
}

/// Whether a node comes from the Python grammar.
pub(crate) fn is_python_node(node: Node<'_>) -> bool {
    kind_entry(node).is_some_and(|(t, _)| t.python)
}

/// Whether a node comes from the TypeScript grammar.
pub(crate) fn is_typescript(node: Node<'_>) -> bool {
    kind_entry(node).is_some_and(|(t, _)| t.typescript)
}

/// Whether Python source names something that reads a function's annotations:
/// `__annotations__`, `get_type_hints`, `inspect.signature`, `singledispatch` (which
/// dispatches on them), pydantic's `validate_call`; with `class`, a class's too: its
/// namespace (`__dict__`, `vars(`), dataclasses, attrs.
pub(crate) fn names_annotation_readers(src: &str, class: bool) -> bool {
    const FUNCTION: &[&str] = &[
        "__annotations__",
        "__annotate__",
        "annotationlib",
        "get_type_hints",
        "get_annotations",
        "getfullargspec",
        "singledispatch",
        "Signature",
        "pydantic",
        "validate_call",
        "typeguard",
        "beartype",
        "__ann",
        "otations__",
    ];
    const CLASS: &[&str] = &["__dict__", "vars(", "dataclass", "attrs", "fields("];
    FUNCTION.iter().any(|r| src.contains(r))
        || names_signature(src)
        || (class && CLASS.iter().any(|r| src.contains(r)))
}

/// Whether Python source names `signature` (`inspect.signature`, `from inspect import
/// signature`) as a name of its own, outside a comment: `_create_signature_v1` or a comment
/// about a cookie's signature reads no annotation. A `#` counts as a comment only when no
/// quote comes before it on its line.
fn names_signature(src: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    src.lines().any(|line| {
        let code = match line.find('#') {
            Some(i) if !line[..i].contains(['"', '\'']) => &line[..i],
            _ => line,
        };
        code.match_indices("signature").any(|(i, m)| {
            !code[..i].chars().next_back().is_some_and(word)
                && !code[i + m.len()..].chars().next().is_some_and(word)
        })
    })
}

/// What a TypeScript node becomes once types are erased.
enum Erasure<'t> {
    Keep,
    Drop,
    Replace(Node<'t>),
}

/// Types have no run-time effect: annotations (`: Money`), type arguments (`f<number>()`) and
/// parameters go, a cast (`x as T`, `x satisfies T`, `<T>x`) or a non-null assertion (`x!`)
/// is its expression.
fn erasure<'t>(node: Node<'t>, src: &str) -> Erasure<'t> {
    if KEEP_TYPES.with(std::cell::Cell::get) {
        return Erasure::Keep;
    }
    if kind_entry(node).is_some_and(|(t, _)| t.python) {
        return python_erasure(node, src);
    }
    if !is_typescript(node) {
        return Erasure::Keep;
    }
    match kind(node) {
        "type_annotation" | "type_arguments" | "type_parameters" => Erasure::Drop,
        "as_expression" | "satisfies_expression" | "non_null_expression" => {
            node.named_child(0).map_or(Erasure::Keep, Erasure::Replace)
        }
        "type_assertion" => named_children(node)
            .last()
            .copied()
            .map_or(Erasure::Keep, Erasure::Replace),
        _ => Erasure::Keep,
    }
}

/// Python annotations that cannot change what runs, while a test's statements and assertions
/// are read ([`with_dots`]; the lock's envelope and bindings keep what is written):
///
/// - the annotation of an assignment in a function (`result: List[int] = []`): Python never
///   evaluates it there (the reference, "Annotated assignment statements"), so it goes
///   whatever it holds (`x: T` without a value keeps its `:`, which makes `x` local);
/// - at module level, and on a nested function's parameters and return type, where it is
///   evaluated when the statement runs: only an annotation that is a type expression (names,
///   attributes, subscripts, `|`, string and `None`/`...` literals), which runs nothing;
/// - `(object)` or `()` as a class's bases: the same class in Python 3 (left out by
///   [`object_bases`], from the class).
///
/// A class body's annotations stay (dataclass fields, `ClassVar`); a test class's attribute
/// reads without one for `rebound` alone (`bindings::class_attributes`).
fn python_erasure<'t>(node: Node<'t>, src: &str) -> Erasure<'t> {
    // Only these kinds are ever erased; `Node::parent` walks down from the root, so it is
    // asked for them alone.
    if !matches!(kind(node), "type" | ":" | "->" | "typed_parameter")
        || !DOTS.with(std::cell::Cell::get)
    {
        return Erasure::Keep;
    }
    let Some(parent) = node.parent() else {
        return Erasure::Keep;
    };
    // The annotation a node is, or the `:`/`->` that introduces one.
    let annotation = match kind(node) {
        "type" => Some(node),
        ":" | "->" => node.next_named_sibling().filter(|n| kind(*n) == "type"),
        _ => None,
    };
    // `n: int` with its annotation erased is the parameter `n`.
    if kind(node) == "typed_parameter"
        && let Some(t) = node.field("type")
        && annotation_inert(t, src)
        && !test_reads_annotations(node, src)
        && let Some(name) = named_children(node)
            .into_iter()
            .find(|c| c.id() != t.id() && !is_comment(*c))
    {
        return Erasure::Replace(name);
    }
    if let Some(annotation) = annotation {
        let erased = match kind(parent) {
            "assignment" => match annotation_scope(parent) {
                Scope::Function => {
                    // `x: T` (no value) keeps its `:`: it makes `x` a local of the function.
                    kind(node) == "type" || parent.field("right").is_some()
                }
                Scope::Module => {
                    is_type_expression(annotation)
                        && (kind(node) == "type" || parent.field("right").is_some())
                }
                Scope::Class => false,
            },
            // Evaluated when the `def` runs: it may run the repository's code, and the
            // test may read it (`pay.__annotations__`, `singledispatch`).
            "typed_parameter" | "typed_default_parameter" => {
                annotation_inert(annotation, src) && !test_reads_annotations(node, src)
            }
            "function_definition" => {
                parent
                    .field("return_type")
                    .is_some_and(|r| r.id() == annotation.id())
                    && annotation_inert(annotation, src)
                    && !test_reads_annotations(node, src)
            }
            _ => false,
        };
        return if erased { Erasure::Drop } else { Erasure::Keep };
    }
    Erasure::Keep
}

/// Whether the file of `node` names a reader of a function's annotations
/// ([`names_annotation_readers`]): `singledispatch` on a helper method, a test reading
/// `pay.__annotations__`.
fn test_reads_annotations(node: Node<'_>, src: &str) -> bool {
    // A function a decorator registers (`@check.register`, a `singledispatch` made
    // elsewhere) is dispatched on its annotations.
    let mut n = node.parent();
    while let Some(p) = n {
        if kind(p) == "decorated_definition"
            && named_children(p)
                .into_iter()
                .any(|d| kind(d) == "decorator" && text(d, src).contains("register"))
        {
            return true;
        }
        n = p.parent();
    }
    names_annotation_readers(src, false)
}

/// Where a Python annotation is: in a function (never evaluated), at module level, or in a
/// class body.
enum Scope {
    Function,
    Module,
    Class,
}

fn annotation_scope(node: Node<'_>) -> Scope {
    let mut n = node.parent();
    while let Some(p) = n {
        match kind(p) {
            "function_definition" | "lambda" => return Scope::Function,
            "class_definition" => return Scope::Class,
            _ => n = p.parent(),
        }
    }
    Scope::Module
}

/// Whether a Python annotation is a type expression, which evaluating runs nothing of the
/// test's: names, dotted names, subscripts, `|`, lists and tuples of them (`Callable[[int],
/// str]`), string, number, `None`, `True`/`False` and `...` literals.
pub(crate) fn is_type_expression(node: Node<'_>) -> bool {
    let ok = match kind(node) {
        "type"
        | "generic_type"
        | "type_parameter"
        | "union_type"
        | "member_type"
        | "identifier"
        | "attribute"
        | "subscript"
        | "list"
        | "tuple"
        | "string"
        | "string_start"
        | "string_content"
        | "string_end"
        | "escape_sequence"
        | "concatenated_string"
        | "none"
        | "true"
        | "false"
        | "ellipsis"
        | "integer"
        | "float"
        | "comment" => true,
        "binary_operator" => node.field("operator").is_some_and(|o| kind(o) == "|"),
        _ => !node.is_named(),
    };
    ok && named_children(node).into_iter().all(is_type_expression)
}

/// Modules of Python's standard library, and pytest, whose names an annotation may look
/// up (`typing.List[int]`, `socket.socket`): evaluating it runs their code, not the
/// repository's.
const PYTHON_ANNOTATION_MODULES: &[&str] = &[
    "typing",
    "typing_extensions",
    "collections",
    "types",
    "abc",
    "numbers",
    "enum",
    "datetime",
    "decimal",
    "fractions",
    "pathlib",
    "os",
    "io",
    "re",
    "socket",
    "ssl",
    "asyncio",
    "concurrent",
    "logging",
    "subprocess",
    "threading",
    "unittest",
    "http",
    "email",
    "urllib",
    "json",
    "contextlib",
    "functools",
    "itertools",
    "tempfile",
    "uuid",
    "ipaddress",
    "queue",
    "array",
    "sqlite3",
    "sys",
    "signal",
    "select",
    "selectors",
    "struct",
    "time",
    "warnings",
    "weakref",
    "inspect",
    "dataclasses",
    "textwrap",
    "string",
    "shutil",
    "zlib",
    "gzip",
    "hashlib",
    "hmac",
    "base64",
    "platform",
    "traceback",
    "operator",
    "copy",
    "pickle",
    "csv",
    "configparser",
    "argparse",
    "multiprocessing",
    "ctypes",
    "codecs",
    "random",
    "math",
    "zoneinfo",
    "zipfile",
    "tarfile",
    "shlex",
    "pprint",
    "importlib",
    "ast",
    "builtins",
    "contextvars",
    "heapq",
    "bisect",
    "statistics",
    "secrets",
    "errno",
    "stat",
    "glob",
    "fnmatch",
    "xml",
    "html",
    "wsgiref",
    "mimetypes",
    "calendar",
    "locale",
    "unicodedata",
    "binascii",
    "lzma",
    "bz2",
    "difflib",
    "graphlib",
    "mmap",
    "socketserver",
    "xmlrpc",
    "smtplib",
    "pytest",
    "_pytest",
];

/// Builtin types (Python 3.11's, exceptions included) an annotation may subscript or use
/// with `|` (`list[int]`, `int | None`) when the module does not bind them itself.
const PYTHON_BUILTIN_TYPES: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "NotADirectoryError",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "bool",
    "bytearray",
    "bytes",
    "classmethod",
    "complex",
    "dict",
    "enumerate",
    "filter",
    "float",
    "frozenset",
    "int",
    "list",
    "map",
    "memoryview",
    "object",
    "property",
    "range",
    "reversed",
    "set",
    "slice",
    "staticmethod",
    "str",
    "super",
    "tuple",
    "type",
    "zip",
];

/// Whether evaluating a Python annotation runs no code of the repository: a type
/// expression ([`is_type_expression`]) in a module with `from __future__ import
/// annotations` (never evaluated), or one whose every attribute, subscript and `|` operand
/// starts from a module of the standard library or pytest the module imports, or from a
/// builtin type it does not rebind. An attribute of a module of the repository runs its
/// `__getattr__`; a subscript of a class of the repository its `__class_getitem__`; `|` its
/// metaclass's `__or__`.
pub(crate) fn annotation_inert(annotation: Node<'_>, src: &str) -> bool {
    if !is_type_expression(annotation) {
        return false;
    }
    let mut root = annotation;
    while let Some(p) = root.parent() {
        root = p;
    }
    let (future, imported) = python_annotation_names(root, src);
    if future {
        return true;
    }
    // A name bound by an import of the standard library or pytest, and by nothing else
    // around the annotation; or a builtin type nothing around it binds.
    let allowed = |name: &str| -> bool {
        (imported.contains(name) && !python_binds(annotation, src, name, true))
            || (PYTHON_BUILTIN_TYPES.contains(&name) && !python_binds(annotation, src, name, false))
    };
    let mut ok = true;
    let mut stack = vec![annotation];
    while let Some(n) = stack.pop() {
        match kind(n) {
            // A string is a forward reference, never evaluated here.
            "string" => continue,
            "identifier" => {
                // An attribute's name is looked up on what its object gave.
                let member = n.parent().is_some_and(|p| {
                    kind(p) == "attribute" && p.field("attribute").is_some_and(|a| a.id() == n.id())
                });
                // A bare name alone (`x: Money`) is only looked up; inside a subscript
                // or `|` it is hashed or or-ed, at the root of an attribute its type's
                // `__getattr__` may run.
                let mut alone = true;
                let mut up = n.parent();
                while let Some(p) = up {
                    if kind(p) != "type" {
                        alone = false;
                        break;
                    }
                    if p.id() == annotation.id() {
                        break;
                    }
                    up = p.parent();
                }
                // Inside a subscript or beside `|`, a name bound only to an import, a plain
                // class or a type variable is hashed or or-ed by its type's code.
                // The head of an attribute is looked up on (`__getattr__`), the head of a
                // subscript subscripted (`__class_getitem__`): only an allowed name.
                let head = n.parent().is_some_and(|p| {
                    (kind(p) == "attribute" && p.field("object").is_some_and(|o| o.id() == n.id()))
                        || (kind(p) == "subscript"
                            && p.field("value").is_some_and(|o| o.id() == n.id()))
                        || (kind(p) == "generic_type"
                            && p.named_child(0).is_some_and(|o| o.id() == n.id()))
                });
                let hashed = !head;
                ok &= member
                    || alone
                    || allowed(text(n, src))
                    || (hashed && python_plain_binding(annotation, src, text(n, src), &allowed));
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    ok
}

/// The module whose attribute a Python annotation only looks up, when it is no more than
/// that: `M.X` (`def echo(request: httpx.Request)`), where `M` is bound by nothing but
/// `import M` (or `import M.sub`) statements of the module, and by nothing in the class or
/// function bodies around the annotation. Evaluating it then runs no code unless the
/// module's own attribute lookup does (a module `__getattr__`, a module object swapped in
/// `sys.modules`): the caller decides that from the module's file. An attribute of an
/// attribute, a subscript or a `|` may run a class's code and is not such a lookup.
pub(crate) fn python_module_attribute(annotation: Node<'_>, src: &str) -> Option<String> {
    let inner = if kind(annotation) == "type" {
        let children = named_children(annotation);
        match children.as_slice() {
            [one] => *one,
            _ => return None,
        }
    } else {
        annotation
    };
    if kind(inner) != "attribute" {
        return None;
    }
    let object = inner.field("object").filter(|o| kind(*o) == "identifier")?;
    inner
        .field("attribute")
        .filter(|a| kind(*a) == "identifier")?;
    let module = text(object, src);
    let plain_import = |n: Node<'_>| {
        kind(n) == "import_statement"
            && named_children(n).into_iter().all(|c| {
                kind(c) == "dotted_name"
                    || (kind(c) == "aliased_import"
                        && c.field("alias").is_some_and(|a| text(a, src) != module))
            })
            && named_children(n)
                .into_iter()
                .any(|c| kind(c) == "dotted_name" && text(c, src).split('.').next() == Some(module))
    };
    let mut imported = false;
    for (scope, block) in python_scope_blocks(annotation) {
        for st in named_children(block) {
            if !python_statement_binds(st, src, module, false) {
                continue;
            }
            if kind(scope) == "module" && plain_import(st) {
                imported = true;
            } else {
                return None;
            }
        }
    }
    imported.then(|| module.to_owned())
}

/// Whether a dotted module name is of [`PYTHON_ANNOTATION_MODULES`].
fn annotation_module(dotted: &str) -> bool {
    let top = dotted.split('.').next().unwrap_or("").trim();
    PYTHON_ANNOTATION_MODULES.contains(&top)
}

/// Whether a Python module has `from __future__ import annotations`, and the names its
/// imports (at top level, or in a top-level `if`/`try`) bind to modules of
/// [`PYTHON_ANNOTATION_MODULES`] or to names from them.
fn python_annotation_names(root: Node<'_>, src: &str) -> (bool, BTreeSet<String>) {
    let mut future = false;
    let mut names = BTreeSet::new();
    let module_ok = annotation_module;
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match kind(n) {
            "future_import_statement" => {
                let mut cursor = n.walk();
                future |= n
                    .children_by_field_name("name", &mut cursor)
                    .any(|c| text(c, src) == "annotations");
            }
            "import_statement" => {
                for c in named_children(n) {
                    match kind(c) {
                        "dotted_name" if module_ok(text(c, src)) => {
                            names.extend(text(c, src).split('.').next().map(str::to_owned));
                        }
                        "aliased_import" => {
                            if let (Some(m), Some(a)) = (c.field("name"), c.field("alias"))
                                && module_ok(text(m, src))
                            {
                                names.insert(text(a, src).to_owned());
                            }
                        }
                        _ => {}
                    }
                }
            }
            "import_from_statement" => {
                let from_ok = n
                    .field("module_name")
                    .is_some_and(|m| kind(m) == "dotted_name" && module_ok(text(m, src)));
                if from_ok {
                    let mut cursor = n.walk();
                    for c in n.children_by_field_name("name", &mut cursor) {
                        let bound = if kind(c) == "aliased_import" {
                            c.field("alias")
                        } else {
                            Some(c)
                        };
                        names.extend(bound.map(|b| text(b, src).to_owned()));
                    }
                }
            }
            "module" | "if_statement" | "try_statement" | "block" | "else_clause"
            | "elif_clause" | "except_clause" | "finally_clause" => {
                stack.extend(named_children(n));
            }
            _ => {}
        }
    }
    (future, names)
}

/// Whether `name` may be bound where an annotation at `at` looks it up: by a statement of
/// the module, or of a class or function body around `at` (not inside another definition):
/// an assignment, a definition, an import, a `for`, `with … as`, `except … as` or walrus
/// target; any other statement that names it counts too.
pub(crate) fn python_binds_at_top(at: Node<'_>, src: &str, name: &str) -> bool {
    python_binds(at, src, name, false)
}

/// [`python_binds_at_top`], leaving out, with `skip_annotation_imports`, the imports of
/// [`PYTHON_ANNOTATION_MODULES`].
fn python_binds(at: Node<'_>, src: &str, name: &str, skip_annotation_imports: bool) -> bool {
    python_scope_blocks(at)
        .into_iter()
        .any(|(_, b)| python_block_binds(b, src, name, skip_annotation_imports))
}

/// The scopes around `at` where Python looks a name up, innermost first, each with its block
/// of statements: the bodies of the functions and classes around it, then the module.
fn python_scope_blocks(at: Node<'_>) -> Vec<(Node<'_>, Node<'_>)> {
    let mut out = Vec::new();
    let mut scope = Some(at);
    while let Some(n) = scope {
        let block = match kind(n) {
            "module" => Some(n),
            "class_definition" | "function_definition" => n.field("body"),
            _ => None,
        };
        out.extend(block.map(|b| (n, b)));
        scope = n.parent();
    }
    out
}

/// Whether an import statement binds `name`; with `skip`, not counting a module of
/// [`PYTHON_ANNOTATION_MODULES`] or a name from one.
fn import_binds(n: Node<'_>, src: &str, name: &str, skip: bool) -> bool {
    let from = n.field("module_name").map(|m| text(m, src).to_owned());
    let mut found = false;
    for c in named_children(n) {
        if from.is_some() && n.field("module_name").is_some_and(|m| m.id() == c.id()) {
            continue;
        }
        let (bound, module) = match kind(c) {
            "dotted_name" => (
                text(c, src).split('.').next().unwrap_or("").to_owned(),
                from.clone().unwrap_or_else(|| text(c, src).to_owned()),
            ),
            "aliased_import" => (
                c.field("alias")
                    .map_or(String::new(), |a| text(a, src).to_owned()),
                from.clone().unwrap_or_else(|| {
                    c.field("name")
                        .map_or(String::new(), |m| text(m, src).to_owned())
                }),
            ),
            "wildcard_import" => (name.to_owned(), from.clone().unwrap_or_default()),
            _ => continue,
        };
        found |= bound == name && !(skip && annotation_module(&module));
    }
    found
}

fn python_block_binds(block: Node<'_>, src: &str, name: &str, skip: bool) -> bool {
    named_children(block)
        .into_iter()
        .any(|n| python_statement_binds(n, src, name, skip))
}

/// Whether a statement of a block binds `name` (see [`python_binds_at_top`]).
fn python_statement_binds(n: Node<'_>, src: &str, name: &str, skip: bool) -> bool {
    let word = |n: Node<'_>| {
        text(n, src)
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|w| w == name)
    };
    let targets = |n: Node<'_>| {
        let mut found = false;
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            match kind(x) {
                "identifier" => found |= text(x, src) == name,
                // `builtins.list = …`, `__builtins__["list"] = …`: any object's.
                "attribute" => {
                    found |= x.field("attribute").is_some_and(|a| text(a, src) == name);
                }
                "subscript" => found |= word(x),
                _ => stack.extend(named_children(x)),
            }
        }
        found
    };
    match kind(n) {
        "expression_statement" => named_children(n).into_iter().any(|c| {
            // `contextvars = None` (an optional module) runs nothing when looked up.
            let assigned = matches!(kind(c), "assignment" | "augmented_assignment")
                && c.field("left").is_some_and(targets)
                && c.field("right").is_none_or(|r| kind(r) != "none");
            let reflective = ["builtins", "setattr", "globals", "__dict__", "exec"]
                .iter()
                .any(|r| text(c, src).contains(r));
            assigned || ((text(c, src).contains(":=") || reflective) && word(c))
        }),
        "import_statement" | "import_from_statement" => import_binds(n, src, name, skip),
        // A definition binds its name, and what a walrus in its head (decorators,
        // defaults, bases) binds.
        "function_definition" | "class_definition" | "decorated_definition" => {
            let def = undecorated(n);
            let named = def
                .and_then(|d| d.field("name"))
                .is_some_and(|x| text(x, src) == name);
            let body = def.and_then(|d| d.field("body"));
            let head = &src[n.start_byte()..body.map_or(n.end_byte(), |b| b.start_byte())];
            named
                || (head.contains(":=")
                    && head
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .any(|w| w == name))
        }
        "comment"
        | "pass_statement"
        | "return_statement"
        | "raise_statement"
        | "assert_statement"
        | "future_import_statement" => false,
        "if_statement" | "try_statement" | "while_statement" | "else_clause" | "elif_clause"
        | "finally_clause" | "block" => {
            named_children(n).into_iter().any(|c| match kind(c) {
                "block" | "else_clause" | "elif_clause" | "finally_clause" | "except_clause" => {
                    python_block_binds(c, src, name, skip)
                }
                _ => false,
            }) || (kind(n) == "try_statement" && word(n) && text(n, src).contains(" as "))
        }
        "except_clause" => {
            word(n) && text(n, src).contains(" as ") || python_block_binds(n, src, name, skip)
        }
        // An import, `for`, `with`, `global`, a `match`, anything else naming it.
        _ => word(n),
    }
}

/// Whether `name`, around `at`, is bound, and only to what hashing or `|` runs nothing of
/// the repository through: an import, a class of the file without keywords among its bases
/// whose bases are builtins or names `allowed` says are safe, a `TypeVar`, `NewType` or
/// `ParamSpec` of the standard library. (A class imported from the repository whose
/// metaclass defines `__hash__` or `__or__` is not read.)
fn python_plain_binding(
    at: Node<'_>,
    src: &str,
    name: &str,
    allowed: &dyn Fn(&str) -> bool,
) -> bool {
    let mut found = false;
    for (_, b) in python_scope_blocks(at) {
        if !python_plain_in_block(b, src, name, allowed, &mut found) {
            return false;
        }
    }
    found
}

fn python_plain_in_block(
    block: Node<'_>,
    src: &str,
    name: &str,
    allowed: &dyn Fn(&str) -> bool,
    found: &mut bool,
) -> bool {
    for n in named_children(block) {
        if !python_statement_binds(n, src, name, false) {
            continue;
        }
        let plain = match kind(n) {
            "import_statement" => true,
            "import_from_statement" => !named_children(n)
                .iter()
                .any(|c| kind(*c) == "wildcard_import"),
            "class_definition" => n.field("superclasses").is_none_or(|bases| {
                named_children(bases).into_iter().all(|b| {
                    kind(b) == "comment"
                        || (kind(b) == "identifier" && allowed(text(b, src)))
                        || (kind(b) == "attribute" && {
                            let mut root = b;
                            while let Some(o) = root.field("object") {
                                root = o;
                            }
                            kind(root) == "identifier" && allowed(text(root, src))
                        })
                })
            }),
            "expression_statement" => named_children(n).into_iter().all(|a| {
                kind(a) == "assignment"
                    && a.field("left").is_some_and(|l| kind(l) == "identifier")
                    && a.field("right")
                        .filter(|r| kind(*r) == "call")
                        .and_then(|r| r.field("function"))
                        .is_some_and(|f| {
                            let t = text(f, src);
                            let last = t.rsplit('.').next().unwrap_or(t);
                            let root = t.split('.').next().unwrap_or(t);
                            matches!(last, "TypeVar" | "NewType" | "ParamSpec" | "TypeVarTuple")
                                && allowed(root)
                        })
            }),
            "if_statement" | "try_statement" | "else_clause" | "elif_clause" | "finally_clause"
            | "except_clause" | "block" => {
                let mut ok = true;
                for c in named_children(n) {
                    if matches!(
                        kind(c),
                        "block"
                            | "else_clause"
                            | "elif_clause"
                            | "finally_clause"
                            | "except_clause"
                    ) {
                        ok &= python_plain_in_block(c, src, name, allowed, found);
                    }
                }
                ok && !(kind(n) == "except_clause" && text(n, src).contains(" as "))
            }
            _ => false,
        };
        if !plain {
            return false;
        }
        *found = true;
    }
    true
}

/// TypeScript reads `await f<T>()` as `(await f)<T>()`: a call, with type arguments, of an
/// `await` written without parentheses. Once the type arguments are erased it is `await f()`;
/// this gives the `await` and what it awaits (`f`), so that it reads as `await f()` does.
/// (`(await f)<T>()`, parenthesized, calls the awaited value and is left as it is.)
fn misread_await_call(node: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    if kind(node) != "call_expression"
        || !is_typescript(node)
        || KEEP_TYPES.with(std::cell::Cell::get)
    {
        return None;
    }
    let mut cursor = node.walk();
    if !node
        .children(&mut cursor)
        .any(|c| kind(c) == "type_arguments")
    {
        return None;
    }
    let function = node.field("function")?;
    if kind(function) != "await_expression" {
        return None;
    }
    let awaited = named_children(function)
        .into_iter()
        .rev()
        .find(|c| !is_comment(*c))?;
    Some((function, awaited))
}

thread_local! {
    /// While a postfix chain headed by a misread `await` call is rendered with the `await`
    /// hoisted: (the chain's outermost node, the misread call), by node id.
    static HOIST: std::cell::Cell<Option<(usize, usize)>> = const { std::cell::Cell::new(None) };
}

thread_local! {
    /// Set while reading as the previous gatekeeper did: the `await` of a misread call kept
    /// on that call, not hoisted around its chain.
    static NO_HOIST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` reading awaited chains with type arguments as the previous gatekeeper did.
fn without_hoisting<R>(f: impl FnOnce() -> R) -> R {
    let saved = NO_HOIST.with(|h| h.replace(true));
    let r = f();
    NO_HOIST.with(|h| h.set(saved));
    r
}

thread_local! {
    /// Set while reading a test's statements and assertions, where `x["name"]` reads as
    /// `x.name` (structure, envelope and module-level bindings keep what is written).
    static DOTS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Set while reading as gatekeeper did before `x["name"]` read as `x.name`.
    static KEEP_BRACKETS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` reading `x["name"]` as `x.name` ([`dotted`]).
fn with_dots<R>(f: impl FnOnce() -> R) -> R {
    let saved = DOTS.with(|k| k.replace(true));
    let r = f();
    DOTS.with(|k| k.set(saved));
    r
}

/// A node's normalised text as a test's statements read it (`x["name"]` as `x.name`,
/// `window.x` as `globalThis.x`), when that differs from its text as written.
pub(crate) fn read_as_statement(node: Node<'_>, src: &str) -> Option<String> {
    let t = text(node, src);
    // `x["name"]`, `window.x`; a Python annotation (`x: T = …`).
    if !reads_otherwise(t) {
        return None;
    }
    let read = with_dots(|| normalized(node, src));
    (read != normalized(node, src)).then_some(read)
}

/// Whether source text may read otherwise than written: `x["name"]`, `window`, a Python
/// annotation (`x: T = …`), Go's `ioutil.X`, `strings.Replace(…, -1)` and `interface{}`
/// (or a declared `any`), Python's `list(it)`, and any Go text while the setters of its
/// package are written out (`setters`).
fn reads_otherwise(t: &str) -> bool {
    t.contains('[')
        || t.contains("window")
        || t.contains(':')
        || t.contains("ioutil.")
        || t.contains(".Replace")
        || (GO_ANY.with(std::cell::Cell::get) != GoAny::AsWritten
            && (t.contains("interface") || t.contains("any")))
        || (PY_LIST.with(std::cell::Cell::get) != PyList::AsWritten
            && (t.contains("list(") || t.contains(" for ")))
        || super::setters::mentioned(t)
}

/// [`read_as_statement`] of a whole definition, leaving out `skip` (a docstring).
pub(crate) fn read_as_statement_without(
    node: Node<'_>,
    src: &str,
    skip: Option<Node<'_>>,
) -> Option<String> {
    let t = text(node, src);
    if !reads_otherwise(t) {
        return None;
    }
    let read = with_dots(|| normalized_without(node, src, skip));
    (read != normalized_without(node, src, skip)).then_some(read)
}

/// Runs `f` reading `x["name"]` as written, as gatekeeper did before it read as `x.name`.
fn with_brackets<R>(f: impl FnOnce() -> R) -> R {
    let saved = KEEP_BRACKETS.with(|k| k.replace(true));
    let r = f();
    KEEP_BRACKETS.with(|k| k.set(saved));
    r
}

/// JavaScript's `x["name"]` (or `x['name']`) where `name` is an identifier name: the same
/// property access as `x.name`, which is how it reads (lint rules such as `dot-notation`
/// rewrite one into the other). Gives the object and the name. Not under an older reading,
/// not with an optional chain or a comment inside (`x?.["name"]`, `x[/* */"name"]`).
fn dotted<'t, 's>(node: Node<'t>, src: &'s str) -> Option<(Node<'t>, &'s str)> {
    if kind(node) != "subscript_expression"
        || node.child_count() != 4
        || !DOTS.with(std::cell::Cell::get)
        || KEEP_TYPES.with(std::cell::Cell::get)
        || KEEP_BRACKETS.with(std::cell::Cell::get)
    {
        return None;
    }
    let object = node.field("object")?;
    let index = node.field("index")?;
    if kind(index) != "string" {
        return None;
    }
    let t = text(index, src);
    let name = ['"', '\'']
        .iter()
        .find_map(|q| t.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))?;
    let mut chars = name.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    identifier.then_some((object, name))
}

thread_local! {
    /// Set while reading a JavaScript file in which `window` and `globalThis` are only ever
    /// the object of a member access (`window.x`): neither is declared, passed or bound.
    static GLOBAL_WINDOW: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (the reading of a JavaScript or TypeScript file whose tree is `root`) with
/// `window.x` read as `globalThis.x` when the file leaves both names to the global object.
pub(crate) fn with_global_window<R>(root: Node<'_>, src: &str, f: impl FnOnce() -> R) -> R {
    let global = src.contains("window") && window_is_global(root, src);
    let saved = GLOBAL_WINDOW.with(|g| g.replace(global));
    let r = f();
    GLOBAL_WINDOW.with(|g| g.set(saved));
    r
}

/// Whether every `window` and `globalThis` in the tree is the object of a member access: no
/// declaration, parameter, pattern, import or bare use of either name.
fn window_is_global(root: Node<'_>, src: &str) -> bool {
    let mut cursor = root.walk();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let t = text(n, src);
        if !t.contains("window") && !t.contains("globalThis") {
            continue;
        }
        if n.child_count() == 0 {
            if matches!(t, "window" | "globalThis") && !is_member_object(n) {
                return false;
            }
            continue;
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    true
}

/// `x` in `x.y` (JavaScript's member access).
fn is_member_object(n: Node<'_>) -> bool {
    kind(n) == "identifier"
        && n.parent().is_some_and(|p| {
            kind(p) == "member_expression" && p.field("object").map(|o| o.id()) == Some(n.id())
        })
}

/// Each JavaScript `globalThis.x` and `window.x` under `node` as written (object and
/// property), sorted.
fn global_members(node: Node<'_>, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let t = text(n, src);
        if !t.contains("window") && !t.contains("globalThis") {
            continue;
        }
        if kind(n) == "member_expression"
            && let (Some(object), Some(property)) = (n.field("object"), n.field("property"))
            && matches!(text(object, src), "window" | "globalThis")
        {
            out.push(format!("{}.{}", text(object, src), text(property, src)));
        }
        stack.extend(named_children(n));
    }
    out.sort();
    out
}

/// [`global_members`] of a line as gatekeeper writes it (a helper's normalised text): each
/// `globalThis.x` and `window.x` not itself a property (`a.window.x`), sorted.
pub(crate) fn global_members_in_text(line: &str) -> Vec<String> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = Vec::new();
    for object in ["globalThis.", "window."] {
        for (at, _) in line.match_indices(object) {
            if line[..at]
                .chars()
                .next_back()
                .is_some_and(|c| ident(c) || c == '.')
            {
                continue;
            }
            let rest = &line[at + object.len()..];
            let end = rest.find(|c: char| !ident(c)).unwrap_or(rest.len());
            if end > 0 {
                out.push(format!("{object}{}", &rest[..end]));
            }
        }
    }
    out.sort();
    out
}

/// Where the base revision's test wrote `globalThis.x` that the test now writes `window.x`
/// (`base` and `now` as [`TestItem::global_members`] give them): the first such `x`. Both
/// read as `globalThis.x`, the same object wherever `window` exists, but where it does not
/// (Node, Jest's `node` environment) `window.x` throws a `ReferenceError` that a
/// `toThrow()` around it takes for the error it expects. The other way is the same check
/// wherever `window` exists.
pub(crate) fn global_object_written(base: &[String], now: &[String]) -> Option<String> {
    let count = |list: &[String], m: &str| list.iter().filter(|x| *x == m).count();
    base.iter()
        .filter_map(|m| m.strip_prefix("globalThis."))
        .find(|p| {
            let (g, w) = (format!("globalThis.{p}"), format!("window.{p}"));
            count(now, &g) < count(base, &g) && count(now, &w) > count(base, &w)
        })
        .map(str::to_owned)
}

/// Whether the current reading is the one this gatekeeper gives (not an older one kept for
/// locks written before).
fn reading_now() -> bool {
    DOTS.with(std::cell::Cell::get)
        && !KEEP_TYPES.with(std::cell::Cell::get)
        && !KEEP_BRACKETS.with(std::cell::Cell::get)
}

/// JavaScript's `window` in `window.x`, in a file that leaves `window` and `globalThis` to
/// the global object: `globalThis.x`, the same object wherever `window` exists (a browser
/// page, jsdom), as lint rules rewrite it. Not under an older reading.
fn global_window(node: Node<'_>, t: &str) -> bool {
    t == "window"
        && GLOBAL_WINDOW.with(std::cell::Cell::get)
        && reading_now()
        && is_member_object(node)
}

thread_local! {
    /// Set while reading a Python file in which `set` is only ever called (never bound,
    /// passed or read otherwise): there it is the built-in.
    static PY_SET_BUILTIN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (the reading of a Python file whose tree is `root`) with `set([a, b])` read as
/// `{a, b}` where the file leaves `set` to the built-in ([`set_display`]).
pub(crate) fn with_python_set<R>(root: Node<'_>, src: &str, f: impl FnOnce() -> R) -> R {
    let builtin =
        src.contains("set(") && !super::modern::star_import(src) && set_only_called(root, src);
    let list = if !src.contains(" for ") && !src.contains("list(") {
        PyList::AsWritten
    } else if src.contains("list(")
        && !src.contains("builtins")
        && !super::modern::star_import(src)
        && list_never_bound(root, src)
    {
        PyList::Builtin
    } else {
        PyList::Copies
    };
    let saved = PY_SET_BUILTIN.with(|g| g.replace(builtin));
    let saved_list = PY_LIST.with(|g| g.replace(list));
    let r = f();
    PY_SET_BUILTIN.with(|g| g.set(saved));
    PY_LIST.with(|g| g.set(saved_list));
    r
}

/// How a Python file's copies of an iterable into a new list read ([`list_copy`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum PyList {
    /// As written (not Python, an older reading, or nothing to read otherwise).
    AsWritten,
    /// `[x for x in it]` reads as `[*it]`.
    Copies,
    /// That, and `list(it)` too: `list` is the built-in ([`list_never_bound`]).
    Builtin,
}

thread_local! {
    /// How the Python file being read reads its copies of an iterable into a list.
    static PY_LIST: std::cell::Cell<PyList> = const { std::cell::Cell::new(PyList::AsWritten) };
}

/// Whether every `list` in the Python tree is read where nothing can bind it: called
/// (`list(x)`), a member's name or object (`x.list`, `list.append`), subscripted
/// (`list[int]`), an argument (`isinstance(x, list)`), an annotation, or an operand
/// (`list | None`, `type(x) is list`). No assignment, parameter, import, definition,
/// loop target or other binding of it, and the file names no `builtins` (a patch of the
/// built-in) nor imports with `*`.
fn list_never_bound(root: Node<'_>, src: &str) -> bool {
    src.match_indices("list").all(|(at, _)| {
        let Some(n) = root.descendant_for_byte_range(at, at + 4) else {
            return true;
        };
        if text(n, src) != "list" || !matches!(kind(n), "identifier" | "type") {
            return true;
        }
        let Some(p) = n.parent() else {
            return false;
        };
        let field = |f: &str| p.field(f).map(|c| c.id()) == Some(n.id());
        match kind(p) {
            "call" => field("function"),
            "subscript" | "keyword_argument" => field("value"),
            "attribute"
            | "argument_list"
            | "type"
            | "generic_type"
            | "binary_operator"
            | "comparison_operator"
            | "boolean_operator"
            | "not_operator" => true,
            _ => false,
        }
    })
}

/// Python's copy of an iterable `it` into a new list, `[x for x in it]` (a comprehension of
/// one `for`, not `async`, whose element is its one target, a plain name, with no `if`),
/// and `list(it)` in a file that leaves `list` to the built-in: the same list (ruff's C416
/// and pylint rewrite one into the other), which a test's statements and assertions read as
/// `[*it]` (a written `[*it]` is a list display, which is read apart: see `tables`). `it` is evaluated where it is written, once, and iterated to its
/// end either way (`list` first asks its length as a hint). Gives `it`. Not under an older
/// reading.
fn list_copy<'t>(node: Node<'t>, src: &str) -> Option<Node<'t>> {
    let reading = PY_LIST.with(std::cell::Cell::get);
    if reading == PyList::AsWritten || !reading_now() {
        return None;
    }
    let named = |n: Node<'t>| -> Vec<Node<'t>> {
        named_children(n)
            .into_iter()
            .filter(|c| !is_comment(*c))
            .collect()
    };
    match kind(node) {
        "list_comprehension" => {
            let [body, clause] = named(node)[..] else {
                return None;
            };
            if kind(clause) != "for_in_clause" || kind(body) != "identifier" {
                return None;
            }
            let mut cursor = clause.walk();
            if clause.children(&mut cursor).any(|c| kind(c) == "async") {
                return None;
            }
            let [target, iterable] = named(clause)[..] else {
                return None;
            };
            (kind(target) == "identifier"
                && clause.field("left").is_some_and(|l| l.id() == target.id())
                && clause
                    .field("right")
                    .is_some_and(|r| r.id() == iterable.id())
                && text(target, src) == text(body, src))
            .then_some(iterable)
        }
        "call" if reading == PyList::Builtin => {
            let function = node.field("function")?;
            if kind(function) != "identifier" || text(function, src) != "list" {
                return None;
            }
            let arguments = node.field("arguments")?;
            if kind(arguments) == "generator_expression" {
                return Some(arguments);
            }
            let [only] = named(arguments)[..] else {
                return None;
            };
            (!matches!(
                kind(only),
                "keyword_argument" | "list_splat" | "dictionary_splat"
            ))
            .then_some(only)
        }
        _ => None,
    }
}

/// Whether every `set` in the Python tree is the callee of a call (`set(x)`) or a member's
/// name (`x.set`): no assignment, parameter, import, keyword or other use binds or reads it.
fn set_only_called(root: Node<'_>, src: &str) -> bool {
    // Each `set` of the text, as the node there reads it (a walk of the whole tree costs more).
    src.match_indices("set").all(|(at, _)| {
        let Some(n) = root.descendant_for_byte_range(at, at + 3) else {
            return true;
        };
        if kind(n) != "identifier" || text(n, src) != "set" {
            return true;
        }
        let Some(p) = n.parent() else {
            return false;
        };
        let field = |f: &str| p.field(f).map(|c| c.id()) == Some(n.id());
        (kind(p) == "call" && field("function")) || (kind(p) == "attribute" && field("attribute"))
    })
}

/// Python's `set([a, b])`, `set((a, b))` and `set(x for x in y)`, in a file that leaves
/// `set` to the built-in: the same set as the display `{a, b}` or the comprehension
/// `{x for x in y}` (pyupgrade rewrites one into the other), which is how a test's
/// statements and assertions read it. Gives the argument whose elements go between the
/// braces, and the kind of what it reads as. Not for an empty list (`{}` is a dict), nor
/// under an older reading.
fn set_display<'t>(node: Node<'t>, src: &str) -> Option<(Node<'t>, &'static str)> {
    if !PY_SET_BUILTIN.with(std::cell::Cell::get) || kind(node) != "call" || !reading_now() {
        return None;
    }
    let function = node.field("function")?;
    if kind(function) != "identifier" || text(function, src) != "set" {
        return None;
    }
    let mut argument = node.field("arguments")?;
    if kind(argument) == "argument_list" {
        let named: Vec<Node<'_>> = named_children(argument)
            .into_iter()
            .filter(|c| !is_comment(*c))
            .collect();
        let [only] = named.as_slice() else {
            return None;
        };
        argument = *only;
    }
    match kind(argument) {
        "generator_expression" => Some((argument, "set_comprehension")),
        "list" | "tuple" if named_children(argument).into_iter().any(|c| !is_comment(c)) => {
            Some((argument, "set"))
        }
        _ => None,
    }
}

/// The brackets of a list, tuple or generator expression that [`set_display`] writes as
/// braces.
fn is_bracket(node: Node<'_>) -> bool {
    !node.is_named() && matches!(kind(node), "(" | ")" | "[" | "]")
}

/// Go's deprecated `io/ioutil` functions and what each "simply calls" since Go 1.16/1.17 (the
/// package's documentation): `ioutil.ReadAll` is `io.ReadAll`, `ioutil.TempDir` is
/// `os.MkdirTemp`, and so on (`ioutil.ReadDir` returns another type and is not here).
const GO_IOUTIL: &[(&str, &str, &str)] = &[
    ("ReadAll", "io", "ReadAll"),
    ("ReadFile", "os", "ReadFile"),
    ("WriteFile", "os", "WriteFile"),
    ("TempDir", "os", "MkdirTemp"),
    ("TempFile", "os", "CreateTemp"),
    ("NopCloser", "io", "NopCloser"),
    ("Discard", "io", "Discard"),
];

/// The standard packages [`GO_IOUTIL`] names, with their import paths.
const GO_STD: &[(&str, &str)] = &[
    ("ioutil", "io/ioutil"),
    ("io", "io"),
    ("os", "os"),
    ("strings", "strings"),
    ("bytes", "bytes"),
];

thread_local! {
    /// Set while reading a Go file: which of [`GO_STD`] (by index, a bit each) the file
    /// imports under its own name and never binds otherwise.
    static GO_STD_SAFE: std::cell::Cell<u8> = const { std::cell::Cell::new(0) };
}

/// Runs `f` (the reading of a Go file whose tree is `root`) with `ioutil.X` read as what it
/// calls, where the file leaves the package names involved to the standard packages.
pub(crate) fn with_go_std<R>(root: Node<'_>, src: &str, f: impl FnOnce() -> R) -> R {
    let safe = if ["\"io", "\"os\"", "\"strings\"", "\"bytes\""]
        .iter()
        .any(|p| src.contains(p))
    {
        go_std_safe(root, src)
    } else {
        0
    };
    let any = if !src.contains("interface") && !src.contains("any") {
        GoAny::AsWritten
    } else if GO_PACKAGE_ANY.with(std::cell::Cell::get) || go_declares_any(root, src) {
        GoAny::Shadowed
    } else if src.contains("interface") {
        GoAny::Predeclared
    } else {
        GoAny::AsWritten
    };
    let saved = GO_STD_SAFE.with(|g| g.replace(safe));
    let saved_any = GO_ANY.with(|g| g.replace(any));
    let r = f();
    GO_STD_SAFE.with(|g| g.set(saved));
    GO_ANY.with(|g| g.set(saved_any));
    r
}

/// How a Go file's `interface{}` and `any` read ([`go_empty_interface`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum GoAny {
    /// As written (not Go, an older reading, or nothing to read otherwise).
    AsWritten,
    /// `any` is the predeclared alias: `interface{}` reads as `any`.
    Predeclared,
    /// The file or its package declares `any`: `any` reads as `any:shadowed`, which no
    /// source spells, so that it never matches an `interface{}` read as `any`.
    Shadowed,
}

thread_local! {
    /// How the Go file being read reads `interface{}` and `any`.
    static GO_ANY: std::cell::Cell<GoAny> = const { std::cell::Cell::new(GoAny::AsWritten) };
    /// Set while reading a Go file whose package declares `any` in another file.
    static GO_PACKAGE_ANY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (the reading of a Go file) knowing whether another file of its package declares
/// `any` at package level (`type any = int`), which replaces the predeclared `any` there.
pub(crate) fn with_go_package_any<R>(declared: bool, f: impl FnOnce() -> R) -> R {
    let saved = GO_PACKAGE_ANY.with(|g| g.replace(declared));
    let r = f();
    GO_PACKAGE_ANY.with(|g| g.set(saved));
    r
}

/// `any` read in a Go file that declares it, or whose package does: `any:shadowed` (see
/// [`GoAny::Shadowed`]). Not under an older reading.
fn go_shadowed_any(node: Node<'_>, t: &str) -> bool {
    t == "any"
        && matches!(kind(node), "identifier" | "type_identifier")
        && GO_ANY.with(std::cell::Cell::get) == GoAny::Shadowed
        && reading_now()
}

/// Whether a Go file may give `any` another meaning: `any` anywhere but as a type's name or
/// the callee of a conversion (`any := 1`, a parameter, an import named `any`, a field), or a
/// type declared by that name (`type any = int` in a function, a type parameter). A package-level declaration of
/// it in another file of the package is locked apart (`mod::go_predeclared_shadows`).
fn go_declares_any(root: Node<'_>, src: &str) -> bool {
    let mut cursor = root.walk();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.child_count() == 0 {
            // `any(x)` parses as a call: a conversion to the type.
            let called = kind(n) == "identifier"
                && n.parent().is_some_and(|p| {
                    kind(p) == "call_expression"
                        && p.field("function").is_some_and(|f| f.id() == n.id())
                });
            if text(n, src) == "any"
                && !called
                && (kind(n) != "type_identifier"
                    || n.parent().is_some_and(|p| {
                        matches!(
                            kind(p),
                            "type_spec" | "type_alias" | "type_parameter_declaration"
                        ) && p.field("name").is_some_and(|x| x.id() == n.id())
                    }))
            {
                return true;
            }
            continue;
        }
        stack.extend(n.children(&mut cursor));
    }
    false
}

/// Runs `f` with Go's `interface{}` and Python's `[x for x in it]` read as written (as
/// gatekeeper read them before [`go_empty_interface`] and [`list_copy`]), for the locks
/// written then.
fn with_previous_reading<R>(f: impl FnOnce() -> R) -> R {
    let saved = GO_ANY.with(|g| g.replace(GoAny::AsWritten));
    let saved_list = PY_LIST.with(|g| g.replace(PyList::AsWritten));
    let r = f();
    GO_ANY.with(|g| g.set(saved));
    PY_LIST.with(|g| g.set(saved_list));
    r
}

/// Whether the file being read reads anything otherwise than [`with_previous_reading`].
fn previous_reading_differs() -> bool {
    GO_ANY.with(std::cell::Cell::get) != GoAny::AsWritten
        || PY_LIST.with(std::cell::Cell::get) != PyList::AsWritten
}

/// A Go conversion to the empty interface, `interface{}(x)`, given its type: Go parses
/// `any(x)` as a call, which it is read as (see [`go_empty_interface`]).
fn go_any_conversion(node: Node<'_>) -> Option<Node<'_>> {
    if kind(node) != "type_conversion_expression" {
        return None;
    }
    node.field("type").filter(|t| go_empty_interface(*t))
}

/// Go's empty interface, `interface{}`, read as `any` (the predeclared alias of it since Go
/// 1.18, which `gofmt -r 'interface{} -> any'` and gopls write): the same type, where the
/// file leaves `any` to the language ([`with_go_std`]). Not under an older reading.
fn go_empty_interface(node: Node<'_>) -> bool {
    kind(node) == "interface_type"
        && GO_ANY.with(std::cell::Cell::get) == GoAny::Predeclared
        && reading_now()
        && named_children(node).iter().all(|c| is_comment(*c))
}

/// Which of [`GO_STD`] the file imports by its path under its own name, with no other import
/// of that name, and uses only as a package (`io.ReadAll`, `io.Reader`): never declared as a
/// variable, parameter or anything else.
fn go_std_safe(root: Node<'_>, src: &str) -> u8 {
    let mut imported = 0u8;
    let mut unsafe_ = 0u8;
    let bit = |name: &str| {
        GO_STD
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| 1u8 << i)
    };
    let mut cursor = root.walk();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if kind(n) == "import_spec" {
            let path = n
                .field("path")
                .map_or("", |p| text(p, src).trim_matches('"'));
            let name = n
                .field("name")
                .map_or_else(|| go_import_name(path), |x| text(x, src));
            if let Some(b) = bit(name) {
                if GO_STD.iter().any(|(n, p)| *n == name && *p == path) {
                    imported |= b;
                } else {
                    unsafe_ |= b;
                }
            }
            continue;
        }
        if n.child_count() == 0 {
            if let Some(b) = bit(text(n, src)) {
                let as_package = kind(n) == "package_identifier"
                    || (kind(n) == "identifier" && go_selector_operand(n).is_some());
                if !as_package && kind(n) != "field_identifier" {
                    unsafe_ |= b;
                }
            }
            continue;
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    imported & !unsafe_
}

/// The field of the selector `x.Field` whose operand is `n` (Go).
fn go_selector_operand(n: Node<'_>) -> Option<Node<'_>> {
    let p = n.parent()?;
    (kind(p) == "selector_expression" && p.field("operand").map(|o| o.id()) == Some(n.id()))
        .then(|| p.field("field"))
        .flatten()
}

/// What a Go package name or field in `pkg.Name` reads as: a standard package the file leaves
/// to itself reads as `std:pkg` (which no source can spell), and `ioutil.X` as what it calls.
fn go_std_leaf(node: Node<'_>, t: &str, src: &str) -> Option<String> {
    let safe = GO_STD_SAFE.with(std::cell::Cell::get);
    if safe == 0 || !reading_now() {
        return None;
    }
    let is_safe = |name: &str| {
        GO_STD
            .iter()
            .position(|(n, _)| *n == name)
            .is_some_and(|i| safe & (1 << i) != 0)
    };
    let ioutil = |field: &str| GO_IOUTIL.iter().find(|(old, _, _)| *old == field);
    match kind(node) {
        "identifier" => {
            let field = text(go_selector_operand(node)?, src);
            if !is_safe(t) {
                return None;
            }
            if t == "ioutil" {
                return ioutil(field).map(|(_, pkg, _)| format!("std:{pkg}"));
            }
            if matches!(t, "strings" | "bytes") {
                let selector = node.parent()?;
                return (field == "ReplaceAll" || replace_all_call(selector, src).is_some())
                    .then(|| format!("std:{t}"));
            }
            GO_IOUTIL
                .iter()
                .any(|(_, pkg, new)| *pkg == t && *new == field)
                .then(|| format!("std:{t}"))
        }
        "field_identifier" => {
            let selector = node
                .parent()
                .filter(|p| kind(*p) == "selector_expression")?;
            let operand = selector.field("operand")?;
            if matches!(text(operand, src), "strings" | "bytes") && is_safe(text(operand, src)) {
                return (t == "Replace" && replace_all_call(selector, src).is_some())
                    .then(|| "ReplaceAll".to_owned());
            }
            (text(operand, src) == "ioutil" && is_safe("ioutil"))
                .then(|| ioutil(t).map(|(_, _, new)| (*new).to_owned()))
                .flatten()
        }
        _ => None,
    }
}

/// Go's `strings.Replace(s, old, new, -1)` (or `bytes.`), which is what `ReplaceAll(s, old,
/// new)` calls (its documentation and source): given the selector `strings.Replace`, the ids
/// of the `-1` argument and the comma before it, which the reading leaves out. Only where the
/// package is the standard one ([`with_go_std`]).
fn replace_all_call(selector: Node<'_>, src: &str) -> Option<Vec<usize>> {
    if kind(selector) != "selector_expression" {
        return None;
    }
    let operand = selector.field("operand")?;
    let field = selector.field("field")?;
    let package = text(operand, src);
    let bit = GO_STD.iter().position(|(n, _)| *n == package)?;
    if !matches!(package, "strings" | "bytes")
        || text(field, src) != "Replace"
        || GO_STD_SAFE.with(std::cell::Cell::get) & (1 << bit) == 0
    {
        return None;
    }
    let call = selector
        .parent()
        .filter(|c| kind(*c) == "call_expression")?;
    let args = call.field("arguments")?;
    let mut cursor = args.walk();
    let children: Vec<Node<'_>> = args.children(&mut cursor).collect();
    let values: Vec<usize> = children
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_named() && !is_comment(**c))
        .map(|(i, _)| i)
        .collect();
    let [_, _, _, last] = values.as_slice() else {
        return None;
    };
    let minus_one = children[*last];
    if kind(minus_one) != "unary_expression" || text(minus_one, src).replace(' ', "") != "-1" {
        return None;
    }
    let comma = children[..*last]
        .iter()
        .rev()
        .find(|c| is_comma(**c, src))?;
    Some(vec![minus_one.id(), comma.id()])
}

/// The arguments a reading leaves out of Go's `strings.Replace(s, old, new, -1)` (see
/// [`replace_all_call`]), given its argument list; not under an older reading.
/// A Python class's `(object)` or `()` bases, while a test's statements are read (see
/// [`python_erasure`]): the ids of the node to leave out.
fn object_bases(class: Node<'_>, src: &str) -> Option<Vec<usize>> {
    if kind(class) != "class_definition"
        || !DOTS.with(std::cell::Cell::get)
        || KEEP_TYPES.with(std::cell::Cell::get)
        || !kind_entry(class).is_some_and(|(t, _)| t.python)
    {
        return None;
    }
    let bases = class.field("superclasses")?;
    let args: Vec<Node<'_>> = named_children(bases)
        .into_iter()
        .filter(|c| !is_comment(*c))
        .collect();
    let object = match args.as_slice() {
        [] => true,
        [a] => kind(*a) == "identifier" && text(*a, src) == "object",
        _ => false,
    };
    object.then(|| vec![bases.id()])
}

fn replace_all_dropped(args: Node<'_>, src: &str) -> Option<Vec<usize>> {
    if kind(args) != "argument_list"
        || GO_STD_SAFE.with(std::cell::Cell::get) == 0
        || !reading_now()
    {
        return None;
    }
    let call = args.parent().filter(|c| kind(*c) == "call_expression")?;
    replace_all_call(call.field("function")?, src)
}

/// A template literal (kept whole) with what its substitutions read as: `x["name"]` as
/// `x.name`, `window.x` as `globalThis.x`; `None` when that changes nothing.
fn canonical_template(node: Node<'_>, src: &str) -> Option<String> {
    fn rewrite(n: Node<'_>, src: &str, out: &mut String, changed: &mut bool) {
        if let Some((object, name)) = dotted(n, src) {
            rewrite(object, src, out, changed);
            out.push('.');
            out.push_str(name);
            *changed = true;
            return;
        }
        if n.child_count() == 0 {
            let t = text(n, src);
            if global_window(n, t) {
                out.push_str("globalThis");
                *changed = true;
            } else {
                out.push_str(t);
            }
            return;
        }
        let mut at = n.start_byte();
        let mut cursor = n.walk();
        for c in n.children(&mut cursor) {
            out.push_str(&src[at..c.start_byte()]);
            rewrite(c, src, out, changed);
            at = c.end_byte();
        }
        out.push_str(&src[at..n.end_byte()]);
    }
    let t = text(node, src);
    if kind(node) != "template_string"
        || !t.contains("${")
        || !(t.contains('[') || t.contains("window"))
    {
        return None;
    }
    let mut out = String::new();
    let mut changed = false;
    rewrite(node, src, &mut out, &mut changed);
    changed.then_some(out)
}

/// Whether `parent` continues `child` as a postfix expression: `child(…)`, `child.x`,
/// `child[i]`, `child!`.
fn continues(parent: Node<'_>, child: Node<'_>) -> bool {
    let next = match kind(parent) {
        "call_expression" => parent.field("function"),
        "member_expression" | "subscript_expression" => parent.field("object"),
        "non_null_expression" => parent.named_child(0),
        _ => None,
    };
    next.is_some_and(|c| c.id() == child.id())
}

/// [`misread_await_call`] at the head of a postfix chain: TypeScript reads
/// `await f<T>(x).g()` as `((await f)<T>(x)).g()`, where JavaScript awaits the whole chain,
/// `await f(x).g()`. For the chain's outermost node, gives the misread call, the `await` and
/// what it awaits, so that the `await` is read around the whole chain. (A bare
/// `await f<T>(x)` is a chain of one.)
fn misread_await_chain(node: Node<'_>) -> Option<(Node<'_>, Node<'_>, Node<'_>)> {
    if !is_typescript(node) || KEEP_TYPES.with(std::cell::Cell::get) {
        return None;
    }
    if HOIST
        .with(std::cell::Cell::get)
        .is_some_and(|(outer, _)| outer == node.id())
    {
        return None;
    }
    if NO_HOIST.with(std::cell::Cell::get) {
        // The previous reading: only a misread call itself, with the `await` on it.
        return misread_await_call(node).map(|(function, awaited)| (node, function, awaited));
    }
    if node.parent().is_some_and(|p| continues(p, node)) {
        return None;
    }
    let mut head = node;
    loop {
        if let Some((function, awaited)) = misread_await_call(head) {
            return Some((head, function, awaited));
        }
        head = match kind(head) {
            "call_expression" => head.field("function"),
            "member_expression" | "subscript_expression" => head.field("object"),
            "non_null_expression" => head.named_child(0),
            _ => None,
        }?;
    }
}

/// When `node` is the misread call being rendered without its `await` (hoisted around its
/// chain): its `await` and what that awaits.
fn hoisted_call(node: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    HOIST
        .with(std::cell::Cell::get)
        .filter(|(_, call)| *call == node.id())?;
    misread_await_call(node)
}

/// Runs `f` with `outer`'s chain rendered with the `await` of `call` hoisted.
fn with_hoist<R>(outer: Node<'_>, call: Node<'_>, f: impl FnOnce() -> R) -> R {
    let saved = HOIST.with(|h| h.replace(Some((outer.id(), call.id()))));
    let r = f();
    HOIST.with(|h| h.set(saved));
    r
}

pub(crate) fn is_comment(node: Node<'_>) -> bool {
    match kind_entry(node) {
        Some((table, id)) => table.comment[id],
        None => node.kind().contains("comment"),
    }
}

/// Literal-like nodes kept whole, whitespace included.
fn is_atomic(kind: &str) -> bool {
    matches!(
        kind,
        "string_literal"
            | "raw_string_literal"
            | "char_literal"
            | "string"
            | "template_string"
            | "interpreted_string_literal"
            | "rune_literal"
    )
}

/// Whether `node` names a parameter of a Go function literal that its body never mentions
/// (`func(in fsnotify.Event) { wg.Done() }`): Go's `_` there declares the same function.
fn go_unused_parameter(node: Node<'_>, t: &str, src: &str) -> bool {
    if kind(node) != "identifier" || t == "_" {
        return false;
    }
    let Some(declaration) = node
        .parent()
        .filter(|p| kind(*p) == "parameter_declaration")
    else {
        return false;
    };
    let mut cursor = declaration.walk();
    if !declaration
        .children_by_field_name("name", &mut cursor)
        .any(|n| n.id() == node.id())
    {
        return false;
    }
    let Some(function) = declaration
        .parent()
        .filter(|l| kind(*l) == "parameter_list")
        .and_then(|l| l.parent())
        .filter(|f| kind(*f) == "func_literal")
    else {
        return false;
    };
    let Some(body) = function.field("body") else {
        return false;
    };
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if kind(n) == "identifier" && text(n, src) == t {
            return false;
        }
        stack.extend(named_children(n));
    }
    true
}

/// A leaf that layout alone decides: whitespace tokens and optional semicolons. (Commas are
/// decided by their parent's loop: a trailing comma before a closing bracket is layout.)
fn is_layout_leaf(node: Node<'_>, src: &str) -> bool {
    let t = text(node, src);
    t.trim().is_empty() || t == ";"
}

/// A comma token (layout when it is the last child or precedes a closing bracket).
fn is_comma(node: Node<'_>, src: &str) -> bool {
    node.child_count() == 0 && text(node, src) == ","
}

/// Whether a comma followed by `next` (a sibling, or nothing) carries meaning.
fn comma_counts(next: Option<Node<'_>>) -> bool {
    next.is_some_and(|n| !matches!(kind(n), ")" | "]" | "}" | ">"))
}

/// What a leaf reads as: a local's placeholder, `globalThis` for a global `window`, a template
/// literal's canonical text, a string literal in one quote style.
fn canonical_leaf<'s>(node: Node<'_>, k: &str, t: &'s str, src: &str) -> std::borrow::Cow<'s, str> {
    if let Some(p) = local_placeholder(node, t) {
        return p.into();
    }
    if super::extracted::any_user() && go_unused_parameter(node, t, src) {
        return "_".into();
    }
    if global_window(node, t) {
        return "globalThis".into();
    }
    if let Some(read) = go_std_leaf(node, t, src) {
        return read.into();
    }
    if go_shadowed_any(node, t) {
        return "any:shadowed".into();
    }
    if let Some(template) = canonical_template(node, src) {
        return template.into();
    }
    if let Some(made) = super::extracted::fstring_put_back(node, src) {
        return made.into();
    }
    if let Some(inlined) = super::modern::read_as_inline_format(node, src) {
        return inlined.into();
    }
    if super::modern::read_as_os_error(node, src) {
        return "OSError".into();
    }
    canonical_literal(k, t)
}

/// A string literal in the one quote style formatters converge on: Python's and JS/TS's
/// `'paid'` (also with a prefix such as `f'…'`) is `"paid"`, as black and prettier write it,
/// when the text inside holds no quote, backslash or line break. Anything else is kept as
/// written.
pub(crate) fn canonical_literal<'s>(kind: &str, text: &'s str) -> std::borrow::Cow<'s, str> {
    if kind != "string" {
        return text.into();
    }
    let body = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let prefix = &text[..text.len() - body.len()];
    match body
        .strip_prefix('\'')
        .and_then(|b| b.strip_suffix('\''))
        .filter(|inner| !inner.contains(['\'', '"', '\\', '\n', '\r']))
    {
        Some(inner) => format!("{prefix}\"{inner}\"").into(),
        None => text.into(),
    }
}

/// Walks the children of the cursor's node, the cursor on each in turn: `f(None, cursor)`
/// for every child but a comma, `f(Some(comma), cursor)` before the sibling that follows a
/// comma that carries meaning (a comma waits for that sibling: one before a closing bracket,
/// or at the end, is layout). The cursor ends on the node it started on.
fn each_child<'t>(
    cursor: &mut TreeCursor<'t>,
    src: &str,
    mut f: impl FnMut(Option<Node<'t>>, &mut TreeCursor<'t>),
) {
    if !cursor.goto_first_child() {
        return;
    }
    let mut comma: Option<Node<'t>> = None;
    loop {
        let child = cursor.node();
        if let Some(c) = comma.take()
            && comma_counts(Some(child))
        {
            f(Some(c), cursor);
        }
        if is_comma(child, src) {
            comma = Some(child);
        } else {
            f(None, cursor);
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
    cursor.goto_parent();
}

/// `"text"` as `{:?}` writes it, without the formatting machinery for plain ASCII.
fn push_quoted(out: &mut String, t: &str) {
    if t.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push('"');
        out.push_str(t);
        out.push('"');
    } else {
        let _ = write!(out, "{t:?}");
    }
}

/// Serialises a subtree as an S-expression of kinds and leaf texts, skipping comments, layout
/// and any node `elide` selects.
pub(crate) fn serialize(
    node: Node<'_>,
    src: &str,
    elide: &dyn Fn(Node<'_>) -> bool,
    out: &mut String,
) {
    let mut ser = Serializer {
        src,
        elide,
        checks: None,
        out,
        mark: None,
        marked: None,
    };
    ser.node(&mut node.walk());
}

/// [`serialize`], with each run of consecutive nodes that `checks` selects (statements that
/// only assert, nested in the one serialised) written as one `(check)`: a check added next to
/// another changes nothing, one moved past a statement does.
fn serialize_with_checks(
    node: Node<'_>,
    src: &str,
    elide: &dyn Fn(Node<'_>) -> bool,
    checks: &dyn Fn(Node<'_>) -> bool,
    out: &mut String,
) {
    let mut ser = Serializer {
        src,
        elide,
        checks: Some(checks),
        out,
        mark: None,
        marked: None,
    };
    ser.node(&mut node.walk());
}

/// One serialisation pass, walking a single cursor (a cursor per node costs an allocation).
struct Serializer<'a, 's> {
    src: &'s str,
    elide: &'a dyn Fn(Node<'_>) -> bool,
    /// Nodes written as a `(check)`, consecutive ones as one ([`serialize_with_checks`]).
    checks: Option<&'a dyn Fn(Node<'_>) -> bool>,
    out: &'a mut String,
    /// A node (by id) whose own serialisation's range in `out` is recorded in `marked`.
    mark: Option<usize>,
    marked: Option<(usize, usize)>,
}

impl Serializer<'_, '_> {
    /// A Rust `use_list` with its items serialised in sorted order (each as it would be
    /// alone), braces and commas as they are otherwise.
    fn sorted_use_list(&mut self, node: Node<'_>) {
        let children: Vec<Node<'_>> = {
            let mut c = node.walk();
            node.children(&mut c).collect()
        };
        let items: Vec<Node<'_>> = children
            .iter()
            .copied()
            .filter(|c| c.is_named() && !is_comment(*c))
            .collect();
        let comma = children.iter().copied().find(|c| is_comma(*c, self.src));
        let mut texts: Vec<String> = items
            .iter()
            .map(|item| {
                let start = self.out.len();
                self.node(&mut item.walk());
                let t = self.out[start..].to_owned();
                self.out.truncate(start);
                t
            })
            .filter(|t| !t.is_empty())
            .collect();
        texts.sort();
        self.out.push_str("(use_list");
        if let Some(open) = children.first().filter(|c| !c.is_named()) {
            self.leaf(*open);
        }
        for (i, t) in texts.iter().enumerate() {
            if i > 0
                && let Some(comma) = comma
            {
                self.leaf(comma);
            }
            self.out.push_str(t);
        }
        if let Some(close) = children
            .last()
            .filter(|c| !c.is_named() && children.len() > 1)
        {
            self.leaf(*close);
        }
        self.out.push(')');
    }

    fn leaf(&mut self, node: Node<'_>) {
        let k = kind(node);
        self.out.push('(');
        self.out.push_str(k);
        self.out.push(' ');
        let t = text(node, self.src);
        push_quoted(self.out, &canonical_leaf(node, k, t, self.src));
        self.out.push(')');
    }

    /// Serialises the cursor's node; the cursor ends where it started.
    fn node(&mut self, cursor: &mut TreeCursor<'_>) {
        let node = cursor.node();
        let start = self.out.len();
        self.inner(node, cursor);
        if self.mark == Some(node.id()) {
            self.marked = Some((start, self.out.len()));
        }
    }

    fn inner(&mut self, node: Node<'_>, cursor: &mut TreeCursor<'_>) {
        if go_empty_interface(node) {
            // `interface{}` serialises as `any` does.
            self.out.push_str("(type_identifier ");
            push_quoted(self.out, "any");
            self.out.push(')');
            return;
        }
        if let Some(empty) = go_any_conversion(node) {
            // `interface{}(x)` serialises as `any(x)` does: a call of the predeclared type.
            self.out.push_str("(call_expression(identifier ");
            push_quoted(self.out, "any");
            self.out.push_str(")(argument_list");
            let src = self.src;
            each_child(cursor, src, |comma, c| match comma {
                Some(comma) => self.leaf(comma),
                None if c.node().id() == empty.id() => {}
                None => self.node(c),
            });
            self.out.push_str("))");
            return;
        }
        if self.checks.is_some_and(|checks| checks(node)) {
            if !self.out.ends_with("(check)") {
                self.out.push_str("(check)");
            }
            return;
        }
        if is_comment(node) || (self.elide)(node) || super::extracted::left_out(node) {
            return;
        }
        if let Some(value) = super::extracted::put_back(node) {
            self.node(&mut value.walk());
            return;
        }
        if let Some(literal) = super::modern::read_as_canonical_string(node, self.src) {
            // `"a\x1A" "b"` serialises as `"a\x1ab"` does.
            self.out.push_str("(string ");
            push_quoted(self.out, &literal);
            self.out.push(')');
            return;
        }
        if let Some(fstring) = super::modern::read_as_fstring(node, self.src) {
            // `"…{}".format(x)` serialises as the f-string it makes.
            self.out.push_str("(string ");
            push_quoted(self.out, &canonical_literal("string", &fstring));
            self.out.push(')');
            return;
        }
        if super::modern::read_as_module_os_error(node, self.src) {
            // `socket.error` serialises as `OSError` does.
            self.out.push_str("(identifier ");
            push_quoted(self.out, "OSError");
            self.out.push(')');
            return;
        }
        if let Some(package) = super::modern::read_as_package(node, self.src) {
            // `futures.thread` in `futures.thread.ThreadPoolExecutor` serialises as `futures`.
            self.node(&mut package.walk());
            return;
        }
        if reading_now() && super::dynamic_imports::reads_as_static_import(node, self.src) {
            // `const {X} = await import(S)` of a module the file imports: the import.
            return;
        }
        match erasure(node, self.src) {
            Erasure::Keep => {}
            Erasure::Drop => return,
            Erasure::Replace(inner) => {
                self.node(&mut inner.walk());
                return;
            }
        }
        if let Some(inner) = redundant_parens(node) {
            // Nesting in the tree already says what the parentheses said.
            self.node(&mut inner.walk());
            return;
        }
        if let Some((function, awaited)) = hoisted_call(node) {
            // The misread call inside a hoisted chain: `f<T>(…)` without the `await`.
            self.out.push_str("(call_expression");
            let src = self.src;
            each_child(cursor, src, |comma, c| match comma {
                Some(comma) => self.leaf(comma),
                None if c.node().id() == function.id() => self.node(&mut awaited.walk()),
                None => self.node(c),
            });
            self.out.push(')');
            return;
        }
        if let Some((call, function, awaited)) = misread_await_chain(node) {
            // `((await f)<T>(x)).g()` serialises as `await f(x).g()` does: the `await`
            // around the whole chain.
            self.out.push_str("(await_expression");
            let mut c = function.walk();
            let src = self.src;
            each_child(&mut c, src, |comma, c| match comma {
                Some(comma) => self.leaf(comma),
                None if c.node().id() == awaited.id() => {
                    with_hoist(node, call, || self.node(cursor));
                }
                None => self.node(c),
            });
            self.out.push(')');
            return;
        }
        if kind(node) == "use_list" && reading_now() {
            // Rust's `use a::{B, c}`: the order of the names imports nothing else (rustfmt
            // reorders them), so they serialise sorted.
            self.sorted_use_list(node);
            return;
        }
        if let Some(iterable) = list_copy(node, self.src) {
            // `[x for x in it]` and `list(it)` serialise as `[*it]` does.
            self.out.push_str("(list([ \"[\")(list_splat(* \"*\")");
            self.node(&mut iterable.walk());
            self.out.push_str(")(] \"]\"))");
            return;
        }
        if let Some((argument, display)) = set_display(node, self.src) {
            // `set([a, b])` serialises as `{a, b}` does.
            self.out.push('(');
            self.out.push_str(display);
            self.out.push_str("({ \"{\")");
            let mut c = argument.walk();
            let src = self.src;
            each_child(&mut c, src, |comma, c| match comma {
                Some(comma) => self.leaf(comma),
                None if is_bracket(c.node()) => {}
                None => self.node(c),
            });
            self.out.push_str("(} \"}\"))");
            return;
        }
        if let Some((object, name)) = dotted(node, self.src) {
            // `x["name"]` serialises as `x.name` does.
            self.out.push_str("(member_expression");
            self.node(&mut object.walk());
            self.out.push_str("(. \".\")(property_identifier ");
            push_quoted(self.out, name);
            self.out.push_str("))");
            return;
        }
        let k = kind(node);
        if node.child_count() == 0 || is_atomic(k) {
            if !is_layout_leaf(node, self.src) {
                self.leaf(node);
            }
            return;
        }
        // `n: int = 3` with its annotation erased serialises as `n=3` does.
        let k = if k == "typed_default_parameter"
            && node
                .field("type")
                .is_some_and(|t| matches!(erasure(t, self.src), Erasure::Drop))
        {
            "default_parameter"
        } else {
            k
        };
        self.out.push('(');
        self.out.push_str(k);
        let src = self.src;
        // Reading without the test's context: its arguments (and a comma each) are skipped.
        let mut skip = super::context::dropped_args(node, src).unwrap_or_default();
        skip.extend(replace_all_dropped(node, src).unwrap_or_default());
        skip.extend(super::modern::dropped_args(node, src).unwrap_or_default());
        skip.extend(object_bases(node, src).unwrap_or_default());
        each_child(cursor, src, |comma, c| match comma {
            Some(comma) if skip.contains(&comma.id()) => {}
            Some(comma) => self.leaf(comma),
            None if skip.contains(&c.node().id()) => {}
            None => self.node(c),
        });
        self.out.push(')');
    }
}

/// The hex sha256 of a string.
pub fn sha256_hex(s: &str) -> String {
    sha256_hex_bytes(s.as_bytes())
}

/// The hex sha256 of bytes (a file that need not be text).
pub fn sha256_hex_bytes(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// The fingerprint of a subtree.
pub(crate) fn fingerprint(node: Node<'_>, src: &str, elide: &dyn Fn(Node<'_>) -> bool) -> String {
    let mut s = String::new();
    serialize(node, src, elide, &mut s);
    sha256_hex(&s)
}

/// The subtree's tokens joined into one line: no comments, no layout, a space only between
/// two word characters.
pub(crate) fn normalized(node: Node<'_>, src: &str) -> String {
    normalized_without(node, src, None)
}

/// [`normalized`] without the node `skip` (a Python function's docstring).
pub(crate) fn normalized_without(node: Node<'_>, src: &str, skip: Option<Node<'_>>) -> String {
    normalized_without_nodes(node, src, skip.as_slice())
}

/// [`normalized`] without the nodes `skip` (a docstring and the skip guards of a helper).
pub(crate) fn normalized_without_nodes(node: Node<'_>, src: &str, skip: &[Node<'_>]) -> String {
    let mut tokens = Tokens {
        src,
        out: String::new(),
        skip: skip.iter().map(tree_sitter::Node::id).collect(),
    };
    let parent = effective_parent(node).map(kind);
    tokens.node(&mut node.walk(), parent);
    tokens.out
}

/// Operators, whose grouping written parentheses (or their absence) express.
fn is_operator(kind: &str) -> bool {
    matches!(
        kind,
        "binary_expression"
            | "unary_expression"
            | "binary_operator"
            | "boolean_operator"
            | "comparison_operator"
            | "not_operator"
            | "unary_operator"
            | "conditional_expression"
            | "ternary_expression"
            | "range_expression"
            | "type_cast_expression"
            | "update_expression"
            | "await"
            | "await_expression"
            | "lambda"
            | "arrow_function"
    )
}

/// Contexts in which an operator needs parentheses to keep its grouping in the text.
fn binds_tighter(kind: &str) -> bool {
    is_operator(kind)
        || matches!(
            kind,
            "attribute"
                | "member_expression"
                | "field_expression"
                | "selector_expression"
                | "subscript"
                | "subscript_expression"
                | "index_expression"
                | "call"
                | "call_expression"
                | "reference_expression"
                | "try_expression"
        )
}

/// The expression inside parentheses that only group (formatters add and drop them).
fn redundant_parens(node: Node<'_>) -> Option<Node<'_>> {
    if kind(node) != "parenthesized_expression" {
        return None;
    }
    let mut cursor = node.walk();
    let named: Vec<Node<'_>> = node
        .named_children(&mut cursor)
        .filter(|c| !is_comment(*c))
        .collect();
    match named.as_slice() {
        // `f((a, b))` is not `f(a, b)`: a comma expression keeps its parentheses.
        [only] if !matches!(kind(only), "sequence_expression" | "expression_list") => Some(*only),
        _ => None,
    }
}

/// The nearest ancestor that is not a pair of grouping parentheses.
fn effective_parent(node: Node<'_>) -> Option<Node<'_>> {
    let mut p = node.parent();
    while let Some(n) = p {
        if redundant_parens(n).is_none() {
            return Some(n);
        }
        p = n.parent();
    }
    None
}

/// One normalisation pass over a single cursor.
struct Tokens<'s> {
    src: &'s str,
    out: String,
    /// The ids of the nodes left out.
    skip: Vec<usize>,
}

impl Tokens<'_> {
    /// Pushes the tokens of the cursor's node; `parent`: the kind of its nearest ancestor that
    /// is not a pair of grouping parentheses. The cursor ends where it started.
    fn node(&mut self, cursor: &mut TreeCursor<'_>, parent: Option<&'static str>) {
        let node = cursor.node();
        if is_comment(node) || self.skip.contains(&node.id()) {
            return;
        }
        if let Some(function) = zero_argument_super(node, self.src) {
            self.leaf(function);
            self.out.push_str("()");
            return;
        }
        if go_empty_interface(node) {
            self.push_word("any");
            return;
        }
        if let Some((receiver, stores)) = reading_now()
            .then(|| super::setters::expansion(node, self.src))
            .flatten()
        {
            // Go: `root.SetOut(buf)` read as the store it makes, `root.outWriter=buf`.
            for (field, value) in stores {
                self.leaf(receiver);
                self.out.push('.');
                self.out.push_str(&field);
                self.out.push('=');
                self.node(&mut value.walk(), Some("assignment_statement"));
            }
            return;
        }
        if let Some(value) = super::extracted::put_back(node) {
            self.node(&mut value.walk(), parent);
            return;
        }
        if let Some(literal) = super::modern::read_as_canonical_string(node, self.src) {
            self.push_word(&literal);
            return;
        }
        if let Some(fstring) = super::modern::read_as_fstring(node, self.src) {
            // `"…{}".format(x)` reads as the f-string it makes.
            self.push_word(&canonical_literal("string", &fstring));
            return;
        }
        if super::modern::read_as_module_os_error(node, self.src) {
            self.push_word("OSError");
            return;
        }
        if let Some(package) = super::modern::read_as_package(node, self.src) {
            self.node(&mut package.walk(), parent);
            return;
        }
        if reading_now() && super::dynamic_imports::reads_as_static_import(node, self.src) {
            // `const {X} = await import(S)` of a module the file imports: the import.
            return;
        }
        match erasure(node, self.src) {
            Erasure::Keep => {}
            Erasure::Drop => return,
            Erasure::Replace(inner) => {
                self.node(&mut inner.walk(), parent);
                return;
            }
        }
        if let Some(inner) = redundant_parens(node) {
            self.node(&mut inner.walk(), parent);
            return;
        }
        if let Some((function, awaited)) = hoisted_call(node) {
            // The misread call inside a hoisted chain: `f<T>(…)` without the `await`.
            let src = self.src;
            each_child(cursor, src, |comma, c| match comma {
                Some(comma) => self.leaf(comma),
                None if c.node().id() == function.id() => {
                    self.node(&mut awaited.walk(), Some("call_expression"));
                }
                None => self.node(c, Some("call_expression")),
            });
            return;
        }
        if let Some((call, function, awaited)) = misread_await_chain(node) {
            // `((await f)<T>(x)).g()` reads as `await f(x).g()`: the `await`, then the chain.
            let wrap = parent.is_some_and(binds_tighter);
            if wrap {
                self.out.push('(');
            }
            let mut c = function.walk();
            let src = self.src;
            each_child(&mut c, src, |comma, c| match comma {
                Some(comma) => self.leaf(comma),
                None if c.node().id() == awaited.id() => {
                    with_hoist(node, call, || self.node(cursor, Some("await_expression")));
                }
                None => self.node(c, Some("await_expression")),
            });
            if wrap {
                self.out.push(')');
            }
            return;
        }
        if let Some(iterable) = list_copy(node, self.src) {
            // `[x for x in it]` and `list(it)` read as `[*it]`.
            self.out.push_str("[*");
            self.node(&mut iterable.walk(), Some("list_splat"));
            self.out.push(']');
            return;
        }
        if let Some((argument, display)) = set_display(node, self.src) {
            // `set([a, b])` reads as `{a, b}`.
            self.out.push('{');
            let mut c = argument.walk();
            let src = self.src;
            each_child(&mut c, src, |comma, c| match comma {
                Some(comma) => self.leaf(comma),
                None if is_bracket(c.node()) => {}
                None => self.node(c, Some(display)),
            });
            self.out.push('}');
            return;
        }
        if let Some((object, name)) = dotted(node, self.src) {
            // `x["name"]` reads as `x.name`.
            self.node(&mut object.walk(), Some("member_expression"));
            self.out.push('.');
            self.out.push_str(name);
            return;
        }
        let k = kind(node);
        // Canonical parentheses: an operator nested in a tighter context is always wrapped, so
        // the text is unambiguous whatever parentheses were written.
        if is_operator(k) && node.child_count() > 0 && parent.is_some_and(binds_tighter) {
            self.out.push('(');
            self.children(cursor, k);
            self.out.push(')');
            return;
        }
        if node.child_count() == 0 || is_atomic(k) {
            if !is_layout_leaf(node, self.src) {
                self.leaf(node);
            }
            return;
        }
        self.children(cursor, k);
    }

    fn children(&mut self, cursor: &mut TreeCursor<'_>, kind: &'static str) {
        let src = self.src;
        let mut skip = replace_all_dropped(cursor.node(), src).unwrap_or_default();
        skip.extend(super::modern::dropped_args(cursor.node(), src).unwrap_or_default());
        skip.extend(object_bases(cursor.node(), src).unwrap_or_default());
        each_child(cursor, src, |comma, c| match comma {
            Some(comma) if skip.contains(&comma.id()) => {}
            Some(comma) => self.leaf(comma),
            None if skip.contains(&c.node().id()) => {}
            None => self.node(c, Some(kind)),
        });
    }

    fn leaf(&mut self, node: Node<'_>) {
        let raw = text(node, self.src);
        let t = canonical_leaf(node, kind(node), raw, self.src);
        self.push_word(&t);
    }

    /// Pushes a token, after a space when two word characters would meet.
    fn push_word(&mut self, t: &str) {
        let word = |c: char| c.is_alphanumeric() || c == '_';
        if self.out.chars().last().is_some_and(word) && t.chars().next().is_some_and(word) {
            self.out.push(' ');
        }
        self.out.push_str(t);
    }
}

thread_local! {
    /// Set while reading a definition as [`python_definition`] does.
    static SUPER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The normalised text of a Python definition (a `def` or an assignment) as a test's
/// statements read it (annotations that cannot run erased, see [`python_erasure`]), with
/// `super(C, first)` inside a method of class `C` whose first parameter is `first` read as
/// `super()`: the same call in Python 3 (pyupgrade rewrites one into the other).
pub(crate) fn python_definition(node: Node<'_>, src: &str) -> String {
    let saved = SUPER.with(|k| k.replace(true));
    let read = with_dots(|| normalized(node, src));
    SUPER.with(|k| k.set(saved));
    read
}

/// `super(C, first)` in a method of the class `C` (its first parameter `first`), while
/// [`python_definition`] reads: the `super` identifier to write as `super()`.
fn zero_argument_super<'t>(node: Node<'t>, src: &str) -> Option<Node<'t>> {
    if !SUPER.with(std::cell::Cell::get) || kind(node) != "call" {
        return None;
    }
    let function = node.field("function")?;
    if kind(function) != "identifier" || text(function, src) != "super" {
        return None;
    }
    let args: Vec<Node<'_>> = named_children(node.field("arguments")?)
        .into_iter()
        .filter(|c| !is_comment(*c))
        .collect();
    let [class_arg, first_arg] = args.as_slice() else {
        return None;
    };
    if kind(*class_arg) != "identifier" || kind(*first_arg) != "identifier" {
        return None;
    }
    // The nearest function around the call, and the class directly around that function.
    let mut f = node.parent();
    while let Some(p) = f {
        if matches!(
            kind(p),
            "function_definition" | "lambda" | "class_definition"
        ) {
            break;
        }
        f = p.parent();
    }
    let f = f.filter(|p| kind(*p) == "function_definition")?;
    let first_param = named_children(f.field("parameters")?)
        .into_iter()
        .find(|c| !is_comment(*c))?;
    if kind(first_param) != "identifier" || text(first_param, src) != text(*first_arg, src) {
        return None;
    }
    let mut c = f.parent();
    while let Some(p) = c.filter(|p| matches!(kind(*p), "decorated_definition" | "block")) {
        c = p.parent();
    }
    let class = c.filter(|p| kind(*p) == "class_definition")?;
    (text(class.field("name")?, src) == text(*class_arg, src)).then_some(function)
}

/// The source of a node as written: its first three lines, each trimmed.
pub(crate) fn source_excerpt(node: Node<'_>, src: &str) -> String {
    let t = text(node, src);
    let mut lines: Vec<&str> = t.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.len() > 3 {
        lines.truncate(3);
        lines.push("…");
    }
    lines.join(" ⏎ ")
}

/// Where each line of a file starts (built once per file: tests look at the lines above them).
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub(crate) fn new(src: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { starts }
    }

    /// Line `row` (0-based) as `str::lines` gives it: without `\n` or `\r\n`, and no empty
    /// line after a final newline.
    fn get<'s>(&self, src: &'s str, row: usize) -> Option<&'s str> {
        let start = *self.starts.get(row)?;
        if row > 0 && start == src.len() {
            return None;
        }
        match self.starts.get(row + 1) {
            Some(next) => {
                let line = src.get(start..next - 1)?;
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            None => src.get(start..),
        }
    }
}

/// Whether a comment directly above `row` (through attribute or decorator lines the language
/// allows in between) carries the sacred tag. The comment is confirmed in the syntax tree so
/// that a string that looks like a comment cannot tag a test.
pub(crate) fn tagged_above(
    root: Node<'_>,
    src: &str,
    lines: &Lines,
    row: usize,
    passthrough: &[&str],
) -> bool {
    let mut r = row;
    while r > 0 {
        r -= 1;
        let Some(line) = lines.get(src, r) else {
            return false;
        };
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            return false;
        }
        if passthrough.iter().any(|p| trimmed.starts_with(p)) {
            continue;
        }
        let col = line.len() - trimmed.len();
        let point = tree_sitter::Point {
            row: r,
            column: col,
        };
        let Some(mut node) = root.descendant_for_point_range(point, point) else {
            return false;
        };
        // The leaf at that point may be a comment's marker token: look at its ancestors.
        while !is_comment(node) {
            match node.parent() {
                Some(p) => node = p,
                None => return false,
            }
        }
        if text(node, src).contains(TAG) {
            return true;
        }
    }
    false
}

struct Walk<'r, 's> {
    rules: &'r dyn Rules,
    src: &'s str,
    assertions: Vec<Assertion>,
    /// The names its assertions mention (see [`TestItem::assertion_uses`]).
    assertion_uses: std::collections::BTreeSet<String>,
    returns: usize,
    skips: usize,
    swallows: usize,
    comments: Vec<String>,
}

impl<'r, 's> Walk<'r, 's> {
    /// A walk that has found nothing yet.
    fn new(rules: &'r dyn Rules, src: &'s str) -> Self {
        Walk {
            rules,
            src,
            assertions: Vec::new(),
            assertion_uses: std::collections::BTreeSet::new(),
            returns: 0,
            skips: 0,
            swallows: 0,
            comments: Vec::new(),
        }
    }
}

impl Walk<'_, '_> {
    /// Visits the cursor's node and what is inside it; the cursor ends where it started.
    fn visit(
        &mut self,
        cursor: &mut TreeCursor<'_>,
        path: &mut Vec<&'static str>,
        skip: Option<usize>,
    ) {
        let node = cursor.node();
        if Some(node.id()) == skip {
            return;
        }
        if is_comment(node) {
            let t = text(node, self.src);
            let squash = |t: &str| -> String {
                t.trim_start_matches(['/', '#', '*', '!'])
                    .trim_end_matches(['*', '/'])
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect()
            };
            let with_locals = comment_with_placeholders(t);
            if with_locals != t {
                self.comments.push(squash(&with_locals));
            }
            self.comments.push(squash(t));
            return;
        }
        if let Some(callee) = self.rules.assertion(node, self.src) {
            let mut mentioned = super::bindings::used_names(node, node, self.src).names;
            let mut text = normalized(node, self.src);
            let mut line = node.start_position().row + 1;
            let mut source = source_excerpt(node, self.src);
            // What older readings gave it: types and names kept, and `x["name"]` as written.
            let mut alt_texts: Vec<String> = vec![with_types(|| normalized(node, self.src))];
            let mut initialized = false;
            let written = self::text(node, self.src);
            if written.contains('[') || written.contains("set(") {
                alt_texts.push(with_brackets(|| normalized(node, self.src)));
            }
            alt_texts.retain(|t| *t != text);
            alt_texts.dedup();
            if let Some((ctx, prefix)) = self.rules.assertion_context(node, self.src) {
                // Go's `if got != expected() { t.Error(…) }`: the condition is the check.
                mentioned.extend(super::bindings::used_names(ctx, ctx, self.src).names);
                text = format!("{prefix} => {text}");
                let legacy = with_types(|| {
                    let call = normalized(node, self.src);
                    self.rules
                        .assertion_context(node, self.src)
                        .map(|(_, p)| format!("{p} => {call}"))
                });
                alt_texts = legacy.into_iter().filter(|t| *t != text).collect();
                line = ctx.start_position().row + 1;
                source = format!("{} ⏎ {source}", source_excerpt_first(ctx, self.src));
                initialized = ctx
                    .field("initializer")
                    .is_some_and(|i| !super::extracted::left_out(i));
            }
            // Go's `interface{}` and Python's list comprehensions as written, as gatekeeper
            // read them before.
            if previous_reading_differs() {
                let old =
                    with_previous_reading(|| match self.rules.assertion_context(node, self.src) {
                        Some((_, prefix)) => format!("{prefix} => {}", normalized(node, self.src)),
                        None => normalized(node, self.src),
                    });
                if old != text && !alt_texts.contains(&old) {
                    alt_texts.push(old);
                }
            }
            // What it compares, not what its message says (`t.Fatal(describe(err))`).
            let compared = super::messages::without_message(&text);
            // A local is spelled as its placeholder there (`assert total(_l1) == 6`).
            let compares = |name: &str| {
                compared.contains(name)
                    || LOCALS.with(|m| m.borrow().get(name).is_some_and(|p| compared.contains(p)))
            };
            self.assertion_uses
                .extend(mentioned.into_iter().filter(|n| {
                    let last = n.rsplit(['.', ':']).next().unwrap_or(n);
                    !last.is_empty() && compares(last)
                        || n.split(['.', ':'])
                            .next()
                            .is_some_and(|root| !root.is_empty() && root != last && compares(root))
                }));
            self.assertions.push(Assertion {
                path: path.join(">"),
                text,
                callee,
                line,
                source,
                alt_texts,
                initialized,
            });
            return;
        }
        if self.rules.is_return(node) {
            self.returns += 1;
        }
        if self.rules.is_skip_call(node, self.src) {
            self.skips += 1;
        }
        if self.rules.is_swallow(node, self.src) {
            self.swallows += 1;
        }
        let kind = kind(node);
        let control = self.rules.is_control(kind);
        if control {
            path.push(kind);
        }
        // A `return` inside a nested function, closure or callback ends that function, not
        // the test: it counts only when that function also asserts (it could skip them).
        let nested = is_function_like(kind).then_some((self.returns, self.assertions.len()));
        if cursor.goto_first_child() {
            loop {
                self.visit(cursor, path, skip);
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
        if let Some((returns, assertions)) = nested
            && self.assertions.len() == assertions
        {
            self.returns = returns;
        }
        if control {
            path.pop();
        }
    }
}

/// Node kinds that start a function of their own (closures, callbacks, nested functions).
pub(crate) fn is_function_like(kind: &str) -> bool {
    matches!(
        kind,
        "closure_expression"
            | "function_item"
            | "lambda"
            | "function_definition"
            | "arrow_function"
            | "function_expression"
            | "function"
            | "function_declaration"
            | "generator_function"
            | "generator_function_declaration"
            | "method_definition"
            | "func_literal"
    )
}

fn source_excerpt_first(node: Node<'_>, src: &str) -> String {
    text(node, src)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_owned()
}

/// A test's id: `lang:path::scope::name`.
pub(crate) fn test_id(lang: &str, path: &str, scope: &[String], name: &str) -> String {
    let mut id = format!("{lang}:{path}");
    for s in scope {
        id.push_str("::");
        id.push_str(s);
    }
    id.push_str("::");
    id.push_str(name);
    id
}

/// Which tests a scan builds in full (fingerprints, assertions, statements). Building costs
/// several passes over a test, so a scan builds only what its caller reads.
#[derive(Debug, Clone)]
pub enum Want {
    /// Every test, sacred or not.
    All,
    /// The sacred tests (`sacred list`, `sacred lock`).
    Sacred,
    /// The tests with these ids (a check: the locked tests of the file), plus the candidates
    /// when one of them is missing (to tell a rename from a removal).
    Ids(BTreeSet<String>),
    /// A check's locked tests, as [`Want::Ids`] (the first set); those of the second set were
    /// locked without a `parametrize` and are also read once per case of one they have now
    /// ([`super::extracted::python_cases`]), which only such a test can need.
    Locked(BTreeSet<String>, BTreeSet<String>),
    /// A check's locked tests, as [`Want::Ids`], without the readings that can only clear a
    /// finding (extracted locals put back, the modern spelling, per case, without nested
    /// releases or Go case names): a check reads its files this way first, and in full only
    /// the files where a test then has a finding (`compare_all`).
    Plain(BTreeSet<String>),
    /// The sacred tests, built for a check: where a locked test whose id is gone may have
    /// moved ([`super::relocate`]).
    Moved,
    /// The sacred tests as `sacred list` shows them: where each is and how many assertions
    /// it holds, nothing read for a lock or a check ([`listed_item`]).
    Listing,
}

impl Want {
    fn wants(&self, id: &str, sacred: bool) -> bool {
        match self {
            Want::All => true,
            Want::Sacred | Want::Moved | Want::Listing => sacred,
            Want::Ids(ids) | Want::Locked(ids, _) | Want::Plain(ids) => ids.contains(id),
        }
    }

    /// The same tests, read as [`Want::Plain`].
    #[must_use]
    pub fn plain(self) -> Want {
        match self {
            Want::Ids(ids) | Want::Locked(ids, _) => Want::Plain(ids),
            other => other,
        }
    }
}

/// A function-like thing whose body fingerprint is computed only when needed.
struct PendingCandidate<'t> {
    id: String,
    body: Node<'t>,
    elide: Option<usize>,
    collected: bool,
    line: usize,
}

/// What a language's discovery hands its findings to: it builds the tests the caller wants
/// and defers the candidates' fingerprints until the end of the file.
pub(crate) struct Out<'t, 'w> {
    pub scan: FileScan,
    pub lines: Lines,
    want: &'w Want,
    pending: Vec<PendingCandidate<'t>>,
}

impl<'t, 'w> Out<'t, 'w> {
    pub(crate) fn new(src: &str, root: Node<'t>, want: &'w Want) -> Self {
        Out {
            scan: FileScan {
                has_error: root.has_error(),
                ..FileScan::default()
            },
            lines: Lines::new(src),
            want,
            pending: Vec::new(),
        }
    }

    /// Whether a comment directly above `row` tags what starts there (see [`tagged_above`]).
    pub(crate) fn tagged_above(
        &self,
        root: Node<'_>,
        src: &str,
        row: usize,
        passthrough: &[&str],
    ) -> bool {
        tagged_above(root, src, &self.lines, row, passthrough)
    }

    /// A function-like thing that could be a test; `elide`: a node left out of its body.
    pub(crate) fn candidate(
        &mut self,
        id: String,
        body: Node<'t>,
        elide: Option<usize>,
        collected: bool,
        line: usize,
    ) {
        self.pending.push(PendingCandidate {
            id,
            body,
            elide,
            collected,
            line,
        });
    }

    /// A test the runner collects: built in full when the caller wants it.
    pub(crate) fn test(
        &mut self,
        lang: &'static str,
        path: &str,
        spec: &TestSpec<'_>,
        rules: &dyn Rules,
        src: &str,
    ) {
        let id = test_id(lang, path, &spec.scope, &spec.name);
        // Only a check compares the readings with extracted locals put back.
        let checking = matches!(self.want, Want::Ids(_) | Want::Locked(..) | Want::Moved);
        let cases = matches!(&self.want, Want::Locked(_, c) if c.contains(&id));
        if matches!(self.want, Want::Listing) {
            if spec.sacred {
                self.scan
                    .tests
                    .push(listed_item(lang, path, spec, rules, src));
            }
        } else if self.want.wants(&id, spec.sacred) {
            self.scan
                .tests
                .push(build_item(lang, path, spec, rules, src, checking, cases));
        }
    }

    /// The scan, with the candidates' fingerprints when the caller can need them.
    pub(crate) fn finish(self, src: &str) -> FileScan {
        let mut scan = self.scan;
        let needed = match self.want {
            Want::All => true,
            Want::Sacred | Want::Moved | Want::Listing => false,
            Want::Ids(ids) | Want::Locked(ids, _) | Want::Plain(ids) => {
                ids.iter().any(|id| !scan.tests.iter().any(|t| &t.id == id))
            }
        };
        if needed {
            scan.candidates = self
                .pending
                .into_iter()
                .map(|c| Candidate {
                    body: with_locals(&declared_locals(c.body, src), src, || {
                        fingerprint(c.body, src, &|n| Some(n.id()) == c.elide)
                    }),
                    id: c.id,
                    collected: c.collected,
                    line: c.line,
                })
                .collect();
        }
        scan
    }
}

/// Builds a [`TestItem`] from what discovery found.
/// A test as `sacred list` shows it ([`Want::Listing`]): its id, place and assertions, read
/// as [`build_item`] reads them; every fingerprint left empty.
fn listed_item(
    lang: &'static str,
    path: &str,
    spec: &TestSpec<'_>,
    rules: &dyn Rules,
    src: &str,
) -> TestItem {
    let locals = declared_locals(spec.body, src);
    let elide_id = spec.elide.map(|n| n.id());
    let mut walk = Walk::new(rules, src);
    with_locals(&locals, src, || {
        with_dots(|| walk.visit(&mut spec.body.walk(), &mut Vec::new(), elide_id));
    });
    placed_item(lang, path, spec, walk)
}

/// A test's id and place, and what the walk of its body found: what every reading of it
/// holds (a listing holds nothing more).
fn placed_item(
    lang: &'static str,
    path: &str,
    spec: &TestSpec<'_>,
    walk: Walk<'_, '_>,
) -> TestItem {
    TestItem {
        id: test_id(lang, path, &spec.scope, &spec.name),
        lang,
        path: path.to_owned(),
        name: spec.name.clone(),
        line: spec.extent.start_position().row + 1,
        end_line: spec.extent.end_position().row + 1,
        sacred: spec.sacred,
        collected: spec.collected,
        assertions: walk.assertions,
        returns: walk.returns,
        skips: walk.skips,
        swallows: walk.swallows,
        comments: walk.comments,
        has_error: spec.extent.has_error(),
        start_byte: spec.extent.start_byte(),
        end_byte: spec.extent.end_byte(),
        ..TestItem::default()
    }
}

pub(crate) fn build_item(
    lang: &'static str,
    path: &str,
    spec: &TestSpec<'_>,
    rules: &dyn Rules,
    src: &str,
    put_back: bool,
    cases: bool,
) -> TestItem {
    let locals = locals_as_at_base(
        &test_id(lang, path, &spec.scope, &spec.name),
        declared_locals(spec.body, src),
    );
    let mut item = with_locals(&locals, src, || {
        build_item_inner(lang, path, spec, rules, src)
    });
    let candidates = if put_back {
        super::extracted::extractions(spec.node, spec.body, src, rules)
    } else {
        Vec::new()
    };
    // Constants are read as their literal in every reading, and alone in one more.
    let constants = if put_back && lang == "go" {
        super::extracted::go_constants(spec.node, src)
    } else {
        Vec::new()
    };
    let mut sets = super::extracted::readings(&candidates);
    // The reading of a refused Go test with every local a plain statement uses put back
    // also reads unused parameters as `_`: one more reading puts back nothing else.
    if put_back && lang == "go" && super::extracted::any_user() {
        sets.push(Vec::new());
    }
    if !constants.is_empty() {
        for set in &mut sets {
            set.extend(constants.iter());
        }
        sets.push(constants.iter().collect());
    }
    let cases = if put_back && cases && lang == "python" {
        super::extracted::python_cases(spec.extent, spec.node, src)
    } else {
        Vec::new()
    };
    let cases_all_read =
        !cases.is_empty() && super::extracted::python_cases_all_read(spec.extent, spec.node, src);
    let read_leaving = |extractions: &[&super::extracted::Extraction<'_>], left: &[Node<'_>]| {
        // The other locals keep the placeholders they had before the extraction.
        let kept: Vec<String> = locals
            .iter()
            .filter(|l| !extractions.iter().any(|e| e.name == **l))
            .cloned()
            .collect();
        with_locals(&kept, src, || {
            super::extracted::with_put_back_leaving(extractions, left, || {
                let elide = spec.elide.map(|n| n.id());
                let mut walk = Walk::new(rules, src);
                let statements = with_dots(|| {
                    walk.visit(&mut spec.body.walk(), &mut Vec::new(), elide);
                    statements_of(spec.body, src, rules, elide)
                });
                LocalsPutBack {
                    assertions: walk.assertions,
                    statements,
                }
            })
        })
    };
    let read = |extractions: &[&super::extracted::Extraction<'_>]| read_leaving(extractions, &[]);
    item.locals_put_back = sets.iter().map(|set| read(set)).collect();
    // Python: one more reading in the modern spelling (f-strings, `.encode()`, `OSError`).
    if put_back && matches!(lang, "python" | "rust") && super::modern::has_modern(spec.node, src) {
        item.locals_put_back
            .push(super::modern::with_modern(|| read(&[])));
    }
    if put_back {
        let nested = nested_releases(spec.body, src);
        if !nested.is_empty() {
            let mut receivers: Vec<String> = with_locals(&locals, src, || {
                nested
                    .iter()
                    .map(|(_, receiver)| {
                        let mut s = String::new();
                        serialize(*receiver, src, &|_| false, &mut s);
                        s
                    })
                    .collect()
            });
            receivers.sort();
            receivers.dedup();
            let left: Vec<Node<'_>> = nested.iter().map(|(n, _)| *n).collect();
            item.releases_dropped = Some((receivers, read_leaving(&[], &left)));
        }
        if lang == "go" {
            let names = super::extracted::go_case_names(spec.body, src);
            if !names.is_empty() {
                item.case_names_left_out = Some(read_leaving(&[], &names));
            }
        }
    }
    item.case_readings = cases
        .iter()
        .map(|case| read(&case.iter().collect::<Vec<_>>()))
        .collect();
    item.case_ids = if cases.is_empty() {
        Vec::new()
    } else {
        super::extracted::python_case_ids(spec.extent, src)
    };
    item.cases_all_read = cases_all_read;
    item.locals = locals;
    item
}

fn build_item_inner(
    lang: &'static str,
    path: &str,
    spec: &TestSpec<'_>,
    rules: &dyn Rules,
    src: &str,
) -> TestItem {
    let elide_id = spec.elide.map(|n| n.id());
    let elide_doc = |n: Node<'_>| Some(n.id()) == elide_id;
    let mut walk = Walk::new(rules, src);
    let statements = with_dots(|| {
        walk.visit(&mut spec.body.walk(), &mut Vec::new(), elide_id);
        statements_of(spec.body, src, rules, elide_id)
    });
    let legacy_statement = named_children(spec.body)
        .first()
        .filter(|c| is_comment(**c))
        .and(
            named_children(spec.body)
                .into_iter()
                .find(|c| kind(c) == "statement_list"),
        )
        .map(|list| {
            let is_assertion =
                |n: Node<'_>| Some(n.id()) == elide_id || rules.assertion(n, src).is_some();
            let mut s = String::new();
            with_types(|| serialize(list, src, &is_assertion, &mut s));
            let mut hash = sha256_hex(&s);
            hash.truncate(12);
            hash
        });
    // One pass for the structure that also records the body's part of it.
    let mut structure = String::new();
    let mut ser = Serializer {
        src,
        elide: &elide_doc,
        out: &mut structure,
        mark: Some(spec.body.id()),
        marked: None,
        checks: None,
    };
    ser.node(&mut spec.node.walk());
    let body = match ser.marked {
        Some((start, end)) => sha256_hex(&structure[start..end]),
        None => fingerprint(spec.body, src, &elide_doc),
    };
    let uses = super::bindings::used_names(spec.node, spec.body, src);
    // What reaches its assertions (see `flow`), of the names the test reads from outside a
    // function nested in it (a callback's parameter is its own).
    let assertion_uses: std::collections::BTreeSet<String> =
        super::flow::reaching_assertions(spec.body, src, &walk.assertion_uses, &|n| {
            rules.assertion(n, src).is_some()
        })
        .into_iter()
        .filter(|n| walk.assertion_uses.contains(n) || uses.names.contains(n))
        .collect();
    let mut class_bases: Vec<String> = Vec::new();
    // The setups of its suites or classes; the file's own are added once per file by the scan.
    let mut setups = Vec::new();
    for (call, inner) in &spec.suites {
        // A JS suite's callback body; a Python class's body.
        let block = if lang == "python" {
            Some(*inner)
        } else {
            inner.field("body")
        };
        if let Some(block) = block.filter(|b| b.id() != call.id()) {
            setups.extend(super::bindings::setups_read(
                lang,
                block,
                src,
                lang == "python",
            ));
        }
    }
    // A Python subclass's, under which the test runs too.
    // (Without the subclass's name: renaming one changes nothing that runs.)
    for (_, body) in &spec.subclasses {
        setups.extend(
            super::bindings::setups_read(lang, *body, src, true)
                .into_iter()
                .map(|(line, read)| {
                    let under = |l: String| match l.strip_prefix(super::bindings::HOOK) {
                        Some(rest) => format!("{}in a subclass: {rest}", super::bindings::HOOK),
                        None => l.replacen("setup ", "setup in a subclass: ", 1),
                    };
                    (under(line), read.map(under))
                }),
        );
    }
    // Python: those of the classes of its file its classes derive from, which run for it
    // as its own do (`in a base: setup …`, `in a base: hook …`).
    if lang == "python" {
        let own: Vec<Node<'_>> = spec
            .suites
            .iter()
            .map(|(_, body)| *body)
            .chain(spec.subclasses.iter().map(|(_, body)| *body))
            .collect();
        let all: Vec<Node<'_>> = own
            .iter()
            .copied()
            .chain(super::bindings::in_file_bases(own.iter().copied(), src))
            .collect();
        setups.extend(
            super::bindings::metaclass_lines(&all, src)
                .into_iter()
                .map(|l| (l, None)),
        );
        for body in super::bindings::in_file_bases(
            spec.suites
                .iter()
                .map(|(_, body)| *body)
                .chain(spec.subclasses.iter().map(|(_, body)| *body)),
            src,
        ) {
            let under = |l: String| format!("{}{l}", super::bindings::IN_A_BASE);
            setups.extend(
                super::bindings::setups_read(lang, body, src, true)
                    .into_iter()
                    .map(|(line, read)| (under(line), read.map(under))),
            );
            setups.extend(
                super::bindings::class_decorator_lines(body, src)
                    .into_iter()
                    .map(|line| (under(line), None)),
            );
        }
    }
    // The fixtures a Python test requests (see `extracted::python_fixtures`), with those its
    // classes or module use by marker.
    let fixtures = if lang == "python" {
        let mut fixtures = super::extracted::python_fixtures(spec.extent, spec.node, src);
        let mut root = spec.node;
        while let Some(p) = root.parent() {
            root = p;
        }
        let classes: Vec<Node<'_>> = spec
            .suites
            .iter()
            .map(|(class, _)| *class)
            .chain(spec.subclasses.iter().map(|(_, body)| *body))
            .collect();
        for f in super::extracted::python_marked_fixtures(&classes, root, src) {
            if !fixtures.contains(&f) {
                fixtures.push(f);
            }
        }
        // A fixture a class of the test defines as a method, which pytest looks up before the
        // module's and the `conftest.py` ones: locked as written with the tests that request
        // it (`hook @pytest.fixture def amounts(self): …`).
        let mut bodies: Vec<Node<'_>> = spec.suites.iter().map(|(_, body)| *body).collect();
        bodies.extend(spec.subclasses.iter().map(|(_, body)| *body));
        bodies.extend(super::bindings::in_file_bases(
            bodies.clone().into_iter(),
            src,
        ));
        for body in bodies {
            for (name, line) in super::bindings::class_fixtures(body, src) {
                if fixtures.contains(&name) {
                    setups.push((line, None));
                }
            }
        }
        fixtures
    } else {
        Vec::new()
    };
    TestItem {
        structure: sha256_hex(&structure),
        body,
        envelope: sha256_hex(&spec.envelope_lines.join("\n")),
        envelope_lines: spec.envelope_lines.clone(),
        statements,
        legacy_statement,
        deferred: deferred_body(lang, spec.node, spec.body, src),
        bindings: Vec::new(),
        used: uses.names,
        assertion_uses,
        one_argument_calls: uses.one_argument_calls,
        envelope_used: {
            let mut names = super::bindings::envelope_names(lang, spec.extent, spec.node, src);
            for (call, callback) in &spec.suites {
                names.extend(super::bindings::envelope_names(lang, *call, *callback, src));
            }
            names
        },
        envelope_bindings: Vec::new(),
        setups: setups.iter().map(|(line, _)| line.clone()).collect(),
        envelope_reads: setups
            .iter()
            .filter_map(|(line, read)| Some((line.clone(), read.clone()?)))
            .collect(),
        class_bindings: if lang == "python" {
            spec.suites
                .iter()
                .flat_map(|(_, body)| super::bindings::class_attributes(*body, src))
                .chain(
                    spec.subclasses
                        .iter()
                        .flat_map(|(_, body)| super::bindings::subclass_attributes(*body, src)),
                )
                .chain(
                    super::bindings::in_file_bases(
                        spec.suites
                            .iter()
                            .map(|(_, body)| *body)
                            .chain(spec.subclasses.iter().map(|(_, body)| *body)),
                        src,
                    )
                    .into_iter()
                    .flat_map(|body| super::bindings::base_attributes(body, src)),
                )
                .collect()
        } else {
            Vec::new()
        },
        class_functions: if lang == "python" {
            let mut own: Vec<super::bindings::FileFunction> = spec
                .suites
                .iter()
                .flat_map(|(_, body)| super::bindings::class_functions(*body, src, rules))
                .collect();
            for (_, body) in &spec.suites {
                let (inherited, unresolved) =
                    super::bindings::inherited_class_functions(*body, src, rules, &own);
                own.extend(inherited);
                class_bases.extend(unresolved);
            }
            own
        } else {
            Vec::new()
        },
        reads: std::collections::BTreeSet::new(),
        subclass_functions: spec
            .subclasses
            .iter()
            .map(|(_, body)| super::bindings::class_functions(*body, src, rules))
            .collect(),
        class_bases,
        fixtures,
        locals: Vec::new(),
        locals_put_back: Vec::new(),
        case_readings: Vec::new(),
        case_ids: Vec::new(),
        cases_all_read: false,
        releases_dropped: None,
        case_names_left_out: None,
        global_members: global_members(spec.extent, src),
        ..placed_item(lang, path, spec, walk)
    }
}

/// The statements directly in a body block (a lone expression body counts as one).
fn statements_of(
    body: Node<'_>,
    src: &str,
    rules: &dyn Rules,
    elide: Option<usize>,
) -> Vec<Statement> {
    let is_assertion = |n: Node<'_>| Some(n.id()) == elide || rules.assertion(n, src).is_some();
    let context = super::context::context_param(body, src);
    let serialized = |n: Node<'_>| {
        let mut s = String::new();
        serialize(n, src, &|_| false, &mut s);
        s
    };
    let block_like = kind(body).contains("block") || kind(body) == "statement_block";
    // Go wraps a block's statements in a `statement_list` (a comment may come first).
    let inner = match named_children(body)
        .into_iter()
        .find(|c| kind(c) == "statement_list")
    {
        Some(list) if block_like => list,
        _ => body,
    };
    let top: Vec<Node<'_>> = if block_like {
        named_children(inner)
            .into_iter()
            .filter(|c| !is_comment(*c) && Some(c.id()) != elide)
            .collect()
    } else {
        vec![body]
    };
    let mut out = Vec::new();
    let mut push = |n: Node<'_>| {
        let mut s = String::new();
        // A statement nested in this one that only asserts (a check inside a callback) is
        // compared as the checks it holds; nothing else of this statement changes with it.
        let left_out = std::cell::Cell::new(false);
        let nested_check = |m: Node<'_>| {
            let nested = m.id() != n.id()
                && matches!(
                    kind(m),
                    "expression_statement" | "if_statement" | "if_expression" | "assert_statement"
                )
                && asserts_only(m, src, rules);
            if nested {
                left_out.set(true);
            }
            nested
        };
        serialize_with_checks(n, src, &is_assertion, &nested_check, &mut s);
        // What gatekeeper read before nested checks were left out, for a lock written then.
        let with_nested = left_out.get().then(|| {
            let mut all = String::new();
            serialize(n, src, &is_assertion, &mut all);
            all
        });
        let assertion_only = asserts_only(n, src, rules) || calls_a_check_helper(n, src, rules);
        let writes_anything = assertion_only && writes(n, src);
        let short = |text: &str| {
            let mut h = sha256_hex(text);
            h.truncate(12);
            h
        };
        let mut alt_hashes = Vec::new();
        if let Some(all) = with_nested {
            alt_hashes.push(short(&all));
        }
        {
            let mut typed = String::new();
            with_types(|| serialize(n, src, &is_assertion, &mut typed));
            if typed != s && !typed.is_empty() {
                alt_hashes.push(short(&typed));
            }
            let mut unhoisted = String::new();
            without_hoisting(|| {
                with_brackets(|| serialize(n, src, &is_assertion, &mut unhoisted));
            });
            if unhoisted != s && !unhoisted.is_empty() {
                alt_hashes.push(short(&unhoisted));
            }
            // Readings that can differ only when the statement holds what they change.
            let written = text(n, src);
            if (written.contains("interface")
                || written.contains("any")
                || written.contains(" for ")
                || written.contains("list("))
                && previous_reading_differs()
            {
                let mut old = String::new();
                with_previous_reading(|| {
                    serialize_with_checks(n, src, &is_assertion, &nested_check, &mut old);
                });
                if old != s && !old.is_empty() {
                    alt_hashes.push(short(&old));
                }
            }
            if written.contains('[') {
                let mut bracketed = String::new();
                with_brackets(|| serialize(n, src, &is_assertion, &mut bracketed));
                if bracketed != s && !bracketed.is_empty() {
                    alt_hashes.push(short(&bracketed));
                }
            }
            // The test's context handed to a helper changes nothing the test checks.
            if let Some(context) = context.as_ref().filter(|c| written.contains(c.as_str())) {
                let mut without = String::new();
                super::context::without_context(context, || {
                    serialize(n, src, &is_assertion, &mut without);
                });
                if without != s && !without.is_empty() {
                    alt_hashes.push(short(&without));
                }
            }
        }
        let context_binding = context
            .as_deref()
            .and_then(|c| super::context::bound_with_context(n, src, c))
            .map(serialized);
        if let Some((receiver, method)) = super::context::release_of(n, src)
            && !assertion_only
        {
            // Releasing a local: fingerprinted as that release (it may move into a helper's
            // teardown); a lock written before holds its whole text.
            alt_hashes.push(short(&s));
            s = super::context::release_text(&serialized(receiver), method);
        }
        // An expression statement that holds one assertion and nothing else
        // (`self.assertIsNotNone(x)`) is an assertion as much as `assert x is not None` is.
        // So is an `if` whose branch only calls failures that read its condition as theirs
        // (Go's `if err != nil { t.Fatal(err) }`): what it checks is in those assertions'
        // texts, as `require.NoError(t, err)` holds it.
        let wraps_an_assertion = assertion_only
            && ((kind(n) == "expression_statement"
                && matches!(
                    named_children(n)
                        .into_iter()
                        .filter(|c| !is_comment(*c))
                        .collect::<Vec<_>>()
                        .as_slice(),
                    [only] if is_assertion(*only)
                ))
                || checks_its_condition_only(n, src, rules));
        if s.is_empty() || wraps_an_assertion {
            if !assertion_only {
                return;
            }
            // A statement that is nothing but an assertion (Python's `assert x == 6`) keeps
            // its place, so that code inserted before it is seen as inserted.
            let mut whole = String::new();
            serialize(n, src, &|_| false, &mut whole);
            if wraps_an_assertion {
                // What it was fingerprinted as before, for a lock written then.
                alt_hashes.push(short(&s));
                alt_hashes.push(short(&whole));
                s.clear();
            } else {
                alt_hashes = vec![short(&whole)];
            }
            s.push_str("<assertion>");
            if writes_anything {
                // An assertion that writes (`assert (r := fake()) is not None`) is code: it
                // keeps its own fingerprint, so that it cannot stand in for another
                // assertion's place; a lock written before holds the place.
                alt_hashes.push(short(&s));
                s = whole;
            }
        } else if let Some(count) = ava_plan(n, src) {
            // AVA's `t.plan(n)`: its count may grow with added assertions (a count larger
            // than the assertions run fails the test), never shrink: a smaller count lets
            // assertions that never run (a callback never called) go unmissed. The lock
            // holds `<t.plan:N>`; a count `M` also reads as every smaller count, so a
            // lock's `N <= M` matches. A removed plan is a missing statement.
            alt_hashes = vec![short(&s)];
            // A lock written before the count was read.
            alt_hashes.push(short("<t.plan>"));
            alt_hashes
                .extend((count.saturating_sub(64)..count).map(|k| short(&format!("<t.plan:{k}>"))));
            s = format!("<t.plan:{count}>");
        }
        // A call handed to a helper with the context (`require.NoError(t, f(x))`) still
        // runs as the statement `f(x)` did.
        if let Some(inner) = context
            .as_deref()
            .and_then(|c| super::context::wrapped_call(n, src, c))
        {
            let mut unwrapped = format!("({}", kind(n));
            serialize(inner, src, &is_assertion, &mut unwrapped);
            unwrapped.push(')');
            alt_hashes.push(short(&unwrapped));
        }
        // The same inside a callback of the statement (`t.Run(…, func(t *testing.T) {
        // assertNoErr(t, f(x)) })`): read with each such call in its helper's place.
        if let Some(c) = context.as_deref() {
            let nested = nested_wrapped_calls(n, src, c);
            if !nested.is_empty() {
                let mut unwrapped = String::new();
                super::extracted::with_replaced(&nested, || {
                    serialize_with_checks(n, src, &is_assertion, &nested_check, &mut unwrapped);
                });
                alt_hashes.push(short(&unwrapped));
            }
        }
        out.push(Statement {
            hash: short(&s),
            line: n.start_position().row + 1,
            source: source_excerpt(n, src),
            assertion_only,
            alt_hashes,
            context_binding,
            skip_guard: skip_guard(n, src, rules),
            writes: writes_anything,
            // Only a statement that names one of them is walked (or under another name the
            // file gives it: `bye(0)` after `use std::process::exit as bye;`).
            ends_process: ends_process(n, src),
            raises: expects_raise(n, src),
            table: super::tables::table_of(n, body, &top, src, rules).map(Box::new),
            binds: scope_binds(n, src),
            mentions: mentioned_names(n, src),
            zero_var: go_zero_var(n, src),
        });
    };
    for &n in &top {
        push(n);
    }
    out
}

/// The names a statement of a test's body binds for the whole body, wherever in it the
/// statement stands: what a later statement binds there is what an earlier one reads. A
/// Rust item or `use` (items are in scope in their whole block; a trait's or an `impl`'s
/// methods too), a JavaScript `function` (hoisted), `class`, `let` or `const` (a read before
/// it throws) or `var` (hoisted, also from a nested block), and any name a Python
/// statement assigns, imports, defines or deletes (one assignment anywhere makes a name
/// local to the whole function). Not inside nested functions or classes, which have their
/// own scope.
fn scope_binds(n: Node<'_>, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let name_of = |x: Node<'_>| x.field("name").map(|m| text(m, src).to_owned());
    match kind(n) {
        // Rust items.
        "function_item" | "const_item" | "static_item" | "struct_item" | "enum_item"
        | "union_item" | "type_item" | "mod_item" | "macro_definition" => {
            out.extend(name_of(n));
        }
        "trait_item" | "impl_item" => {
            out.extend(name_of(n));
            let mut stack = vec![n];
            while let Some(x) = stack.pop() {
                if matches!(kind(x), "function_item" | "function_signature_item") {
                    out.extend(name_of(x));
                } else {
                    stack.extend(named_children(x));
                }
            }
            if kind(n) == "impl_item" && out.is_empty() {
                out.push("*".to_owned());
            }
        }
        // A macro called as a statement may expand to items (`fixed!()` defining `fn total`):
        // unless it is one of the standard library's expression macros or an assertion,
        // what it binds is unknown.
        "expression_statement" | "macro_invocation"
            if rust_statement_macro(n).is_some_and(|m| {
                let name = text(m, src);
                let name = name.rsplit("::").next().unwrap_or(name);
                !(name.starts_with("assert")
                    || name.starts_with("debug_assert")
                    || name.starts_with("prop_assert")
                    || matches!(
                        name,
                        "println"
                            | "print"
                            | "eprintln"
                            | "eprint"
                            | "format"
                            | "write"
                            | "writeln"
                            | "vec"
                            | "dbg"
                            | "panic"
                            | "todo"
                            | "unimplemented"
                            | "unreachable"
                            | "matches"
                            | "format_args"
                    ))
            }) =>
        {
            out.push("*".to_owned());
        }
        "use_declaration" | "extern_crate_declaration" => {
            let written: String = text(n, src).split_whitespace().collect();
            if written.contains('*') {
                out.push("*".to_owned());
            }
            let mut stack = vec![n];
            while let Some(x) = stack.pop() {
                match kind(x) {
                    "use_as_clause" => {
                        out.extend(x.field("alias").map(|a| text(a, src).to_owned()));
                    }
                    "scoped_identifier" => {
                        out.extend(x.field("name").map(|a| text(a, src).to_owned()));
                    }
                    "identifier" if x.parent().is_some_and(|p| kind(p) != "scoped_identifier") => {
                        out.push(text(x, src).to_owned());
                    }
                    _ => stack.extend(named_children(x)),
                }
            }
        }
        _ => collect_binds(n, src, true, &mut out),
    }
    out.sort();
    out.dedup();
    out
}

/// The macro a Rust statement calls (`fixed!();`, a `macro_invocation` statement): its
/// name.
fn rust_statement_macro(n: Node<'_>) -> Option<Node<'_>> {
    let call = if kind(n) == "macro_invocation" {
        n
    } else {
        let inner = named_children(n);
        *inner
            .iter()
            .filter(|c| !is_comment(**c))
            .collect::<Vec<_>>()
            .first()
            .copied()
            .filter(|c| kind(**c) == "macro_invocation")?
    };
    call.field("macro")
}

/// [`scope_binds`] for JavaScript and Python: walks `n` (`top`: the statement itself) for
/// what it binds in the function's scope.
fn collect_binds(n: Node<'_>, src: &str, top: bool, out: &mut Vec<String>) {
    let names_in = |t: Node<'_>, out: &mut Vec<String>| {
        let mut stack = vec![t];
        while let Some(x) = stack.pop() {
            match kind(x) {
                "identifier" | "shorthand_property_identifier_pattern" => {
                    out.push(text(x, src).to_owned());
                }
                // `a.b = …`, `a[i] = …`: no name bound; a default's value binds nothing.
                "attribute" | "subscript" | "member_expression" | "subscript_expression" => {}
                "assignment_pattern" | "default_parameter" => {
                    stack.extend(x.field("left"));
                }
                "pair_pattern" => stack.extend(x.field("value")),
                _ => stack.extend(named_children(x)),
            }
        }
    };
    match kind(n) {
        // Their own scope: only their name is bound here.
        "function_definition"
        | "class_definition"
        | "function_declaration"
        | "generator_function_declaration"
        | "class_declaration"
        | "abstract_class_declaration"
        | "enum_declaration"
        | "internal_module"
        | "module" => {
            if let Some(name) = n.field("name") {
                out.push(text(name, src).to_owned());
            }
            return;
        }
        "lambda"
        | "function_expression"
        | "arrow_function"
        | "function"
        | "class"
        | "generator_function"
        | "method_definition" => return,
        // JavaScript: `let`/`const` bind for their block (the statement's own at the top),
        // `var` for the function.
        "lexical_declaration" if !top => return,
        "lexical_declaration" | "variable_declaration" => {
            for d in named_children(n) {
                if kind(d) == "variable_declarator"
                    && let Some(name) = d.field("name")
                {
                    names_in(name, out);
                }
            }
        }
        // Python.
        "assignment" | "augmented_assignment" => {
            if let Some(l) = n.field("left") {
                names_in(l, out);
            }
        }
        "named_expression" => {
            if let Some(l) = n.field("name") {
                names_in(l, out);
            }
        }
        "for_statement" | "for_in_statement" => {
            if let Some(l) = n.field("left") {
                // JavaScript's `for (const x of …)` binds for the loop only.
                if !matches!(kind(l), "lexical_declaration") {
                    names_in(l, out);
                }
            }
        }
        "as_pattern" => {
            if let Some(a) = n.field("alias") {
                names_in(a, out);
            }
        }
        "import_statement" | "import_from_statement" => {
            for c in named_children(n)
                .into_iter()
                .skip(usize::from(kind(n) == "import_from_statement"))
            {
                match kind(c) {
                    "aliased_import" => {
                        out.extend(c.field("alias").map(|a| text(a, src).to_owned()));
                    }
                    "dotted_name" => {
                        out.extend(named_children(c).first().map(|a| text(*a, src).to_owned()));
                    }
                    "wildcard_import" => out.push("*".to_owned()),
                    _ => {}
                }
            }
        }
        "global_statement" | "nonlocal_statement" | "delete_statement" => {
            names_in(n, out);
        }
        // A `match` case's patterns: a capture (`case total:`), `as total`, `[total]`,
        // `{"k": total}`, `{**total}`, `[*total]` bind it (a dotted value, `case
        // Color.RED:`, and a class pattern's class are read as binding too: reading more
        // only refuses more).
        "case_clause" => {
            for c in named_children(n) {
                if kind(c) == "case_pattern" {
                    names_in(c, out);
                }
            }
        }
        _ => {}
    }
    for c in named_children(n) {
        collect_binds(c, src, false, out);
    }
}

/// The names a statement mentions: its identifiers (a Python or JavaScript attribute's own
/// name left out: `billing.total` mentions `billing`), and in Rust the names of the methods
/// it calls.
fn mentioned_names(n: Node<'_>, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        match kind(x) {
            "identifier" | "field_identifier" | "shorthand_property_identifier" => {
                let attribute_name = x.parent().is_some_and(|p| {
                    kind(p) == "attribute" && p.field("attribute").map(|a| a.id()) == Some(x.id())
                });
                if !attribute_name {
                    out.push(text(x, src).to_owned());
                }
            }
            _ => stack.extend(named_children(x)),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The statements nested below the top level of `body` that only release a local
/// ([`super::context::release_of`]), with that local.
fn nested_releases<'t>(body: Node<'t>, src: &'t str) -> Vec<(Node<'t>, Node<'t>)> {
    // The top-level statements (Go puts them in a `statement_list`).
    let mut top = named_children(body);
    if let Some(list) = top.iter().find(|c| kind(**c) == "statement_list") {
        top = named_children(*list);
    }
    let mut out = Vec::new();
    let mut stack: Vec<Node<'t>> = top.iter().flat_map(|t| named_children(*t)).collect();
    while let Some(d) = stack.pop() {
        if let Some((receiver, _)) = super::context::release_of(d, src) {
            out.push((d, receiver));
            continue;
        }
        stack.extend(named_children(d));
    }
    out.sort_by_key(|(n, _)| n.start_byte());
    out
}

/// The expression statements nested in `statement` (not itself) that hand the context and one
/// call to a helper ([`super::context::wrapped_call`]): each statement's expression, with the
/// call it wraps.
fn nested_wrapped_calls<'t>(
    statement: Node<'t>,
    src: &str,
    context: &str,
) -> Vec<(Node<'t>, Node<'t>)> {
    let mut out = Vec::new();
    if !text(statement, src).contains(context) {
        return out;
    }
    let mut stack = named_children(statement);
    while let Some(d) = stack.pop() {
        if let Some(wrapped) = super::context::wrapped_call(d, src, context)
            && let Some(expression) = named_children(d).into_iter().find(|c| !is_comment(*c))
        {
            out.push((expression, wrapped));
            continue;
        }
        stack.extend(named_children(d));
    }
    out
}

/// The count of `t.plan(3);` (AVA).
fn ava_plan(n: Node<'_>, src: &str) -> Option<u64> {
    let t = normalized(n, src);
    let t = t.trim_end_matches(';');
    t.strip_prefix("t.plan(")
        .and_then(|r| r.strip_suffix(')'))
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
}

/// An argument whose evaluation runs nothing: a name, a literal, a field of names.
fn inert(n: Node<'_>) -> bool {
    match kind(n) {
        "identifier"
        | "field_identifier"
        | "property_identifier"
        | "true"
        | "false"
        | "nil"
        | "null"
        | "none"
        | "None"
        | "int_literal"
        | "integer"
        | "number"
        | "float_literal"
        | "float"
        | "interpreted_string_literal"
        | "raw_string_literal"
        | "string"
        | "string_literal"
        | "string_fragment"
        | "string_content"
        | "escape_sequence"
        | "comment" => true,
        "selector_expression" | "member_expression" | "attribute" | "field_expression" => {
            named_children(n).into_iter().all(inert)
        }
        _ => false,
    }
}

/// Whether `statement` only calls a helper of its own file that only asserts:
/// `check(t, output, "--two")` with `func check(t *testing.T, found, want string) { if
/// !strings.Contains(found, want) { t.Errorf(…) } }` in the file. The arguments are names,
/// literals or fields of names (evaluating them does nothing), and every statement of the
/// helper asserts ([`asserts_only`]; Go's `t.Helper()` aside), so the call changes nothing
/// the test's other statements see: it may be inserted anywhere, as an assertion may. The
/// helper is read as the file holds it now, and a change to it changes that file, whose
/// locked tests are then compared again.
fn calls_a_check_helper(statement: Node<'_>, src: &str, rules: &dyn Rules) -> bool {
    if kind(statement) != "expression_statement" {
        return false;
    }
    let Some(mut call) = named_children(statement)
        .into_iter()
        .find(|c| !is_comment(*c))
    else {
        return false;
    };
    while kind(call) == "await_expression" {
        let Some(inner) = named_children(call).into_iter().next() else {
            return false;
        };
        call = inner;
    }
    if !matches!(kind(call), "call_expression" | "call") {
        return false;
    }
    let (Some(function), Some(args)) = (call.field("function"), call.field("arguments")) else {
        return false;
    };
    if kind(function) != "identifier" {
        return false;
    }
    if !named_children(args).into_iter().all(inert) {
        return false;
    }
    let name = text(function, src);
    let mut root = statement;
    while let Some(p) = root.parent() {
        root = p;
    }
    let helpers: Vec<Node<'_>> = named_children(root)
        .into_iter()
        .filter(|d| {
            matches!(
                kind(*d),
                "function_declaration" | "function_definition" | "function_item"
            ) && d.field("name").is_some_and(|n| text(n, src) == name)
        })
        .collect();
    let [helper] = helpers.as_slice() else {
        return false;
    };
    let Some(body) = helper.field("body") else {
        return false;
    };
    let statements = block_statements(body);
    // Go's `t.Helper()`, on a parameter of the helper that is the test's context.
    let contexts: Vec<&str> = helper
        .field("parameters")
        .map(named_children)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| {
            p.field("type").is_some_and(|t| {
                matches!(
                    text(t, src),
                    "*testing.T" | "*testing.B" | "*testing.F" | "testing.TB"
                )
            })
        })
        .filter_map(|p| p.field("name"))
        .map(|n| text(n, src))
        .collect();
    let go_helper_mark = |n: Node<'_>| {
        kind(n) == "expression_statement"
            && contexts
                .iter()
                .any(|c| text(n, src).trim() == format!("{c}.Helper()"))
    };
    !statements.is_empty()
        && statements
            .iter()
            .all(|s| go_helper_mark(*s) || asserts_only(*s, src, rules))
}

/// The statements of a block, without comments (Go puts them in a `statement_list`).
fn block_statements(block: Node<'_>) -> Vec<Node<'_>> {
    let list = named_children(block)
        .into_iter()
        .find(|l| kind(l) == "statement_list")
        .unwrap_or(block);
    named_children(list)
        .into_iter()
        .filter(|c| !is_comment(*c))
        .collect()
}

/// Whether a statement only skips the test (or returns from it) on a condition: an `if`
/// with no other branch whose branch holds nothing but skips and returns without a value
/// (and Python imports, `import pytest` before `pytest.skip(…)`)
/// (`if "CI" in os.environ: self.skipTest(…)`, `raise unittest.SkipTest(…)`, `if
/// testing.Short() { t.Skip() }`, `if (!server) return;`), and whose condition binds nothing
/// (Python's `:=`, Go's `if x := f(); …`, Rust's `if let`). Its condition is only evaluated
/// to decide whether to skip.
pub(crate) fn skip_guard(node: Node<'_>, src: &str, rules: &dyn Rules) -> bool {
    // Rust's `if` is an expression, in a statement.
    let n = match named_children(node).as_slice() {
        [only] if kind(node) == "expression_statement" => *only,
        _ => node,
    };
    if !matches!(kind(n), "if_statement" | "if_expression")
        || n.field("alternative").is_some()
        || n.field("initializer").is_some()
    {
        return false;
    }
    let Some(condition) = n.field("condition") else {
        return false;
    };
    let mut cursor = condition.walk();
    let mut stack = vec![condition];
    while let Some(c) = stack.pop() {
        if matches!(
            kind(c),
            "named_expression"
                | "assignment_expression"
                | "augmented_assignment_expression"
                | "update_expression"
                | "let_condition"
                | "let_chain"
        ) {
            return false;
        }
        stack.extend(c.named_children(&mut cursor));
    }
    let Some(branch) = n.field("consequence") else {
        return false;
    };
    let stmts = if kind(branch).contains("block") {
        block_statements(branch)
    } else {
        vec![branch]
    };
    // Python's `import pytest` before the skip it calls: whenever the branch runs, the test
    // is skipped, so what the import runs never reaches a check.
    let import = |s: Node<'_>| matches!(kind(s), "import_statement" | "import_from_statement");
    stmts.iter().any(|s| skips_or_returns(*s, src, rules))
        && stmts
            .iter()
            .all(|s| skips_or_returns(*s, src, rules) || import(*s))
}

/// Python: a statement that requires its code to raise an exception, as the exception's
/// text and the code's statements (normalised, one per line):
///
/// - `with self.assertRaises(E):` or `with pytest.raises(E):` around the code (with at most a
///   `msg=`, `match=` or `check=`, and no `as`);
/// - `try:` the code then `raise X(…)`, `except E: pass`, nothing else.
///
/// The second passes whenever the first does (and also when `E` catches the failure itself),
/// so the first in its place checks the same or more.
pub(crate) fn expects_raise(n: Node<'_>, src: &str) -> Option<(String, String)> {
    let code = |stmts: &[Node<'_>]| -> String {
        stmts
            .iter()
            .map(|s| normalized(*s, src))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match kind(n) {
        "with_statement" => {
            let clause = named_children(n)
                .into_iter()
                .find(|c| kind(*c) == "with_clause")?;
            let items = named_children(clause);
            let [item] = items.as_slice() else {
                return None;
            };
            let call = item.field("value")?;
            if kind(call) != "call" {
                return None;
            }
            let f = text(call.field("function")?, src);
            if !matches!(f, "self.assertRaises" | "pytest.raises") {
                return None;
            }
            let args: Vec<Node<'_>> = named_children(call.field("arguments")?)
                .into_iter()
                .filter(|a| !is_comment(*a))
                .collect();
            let (exception, rest) = args.split_first()?;
            if kind(*exception) == "keyword_argument"
                || !rest.iter().all(|a| {
                    kind(*a) == "keyword_argument"
                        && a.field("name")
                            .is_some_and(|k| matches!(text(k, src), "msg" | "match" | "check"))
                })
            {
                return None;
            }
            let body = block_statements(n.field("body")?);
            (!body.is_empty()).then(|| (normalized(*exception, src), code(&body)))
        }
        "try_statement" => {
            let clauses: Vec<Node<'_>> = named_children(n)
                .into_iter()
                .filter(|c| !is_comment(*c))
                .collect();
            let [body, handler] = clauses.as_slice() else {
                return None;
            };
            if kind(*body) != "block" || kind(*handler) != "except_clause" {
                return None;
            }
            let parts: Vec<Node<'_>> = named_children(*handler)
                .into_iter()
                .filter(|c| !is_comment(*c))
                .collect();
            let [exception, handled] = parts.as_slice() else {
                return None;
            };
            let passes = block_statements(*handled)
                .iter()
                .all(|s| kind(*s) == "pass_statement");
            if !passes || kind(*exception) == "as_pattern" || kind(*handled) != "block" {
                return None;
            }
            let stmts = block_statements(*body);
            let (last, code_part) = stmts.split_last()?;
            // (`self.fail(…)` and `assert False` are assertions: their rules judge them.)
            let fails = kind(*last) == "raise_statement" && named_children(*last).len() == 1;
            (fails && !code_part.is_empty()).then(|| (normalized(*exception, src), code(code_part)))
        }
        _ => None,
    }
}

/// A skip (`self.skipTest(…)`, `t.Skip()`, `raise unittest.SkipTest(…)`) or a `return`
/// without a value.
fn skips_or_returns(node: Node<'_>, src: &str, rules: &dyn Rules) -> bool {
    let mut n = node;
    if kind(n) == "expression_statement" {
        let named: Vec<Node<'_>> = named_children(n)
            .into_iter()
            .filter(|c| !is_comment(*c))
            .collect();
        let [only] = named.as_slice() else {
            return false;
        };
        n = *only;
    }
    if rules.is_skip_call(n, src) {
        return true;
    }
    if rules.is_return(n) {
        return named_children(n).into_iter().all(is_comment);
    }
    if kind(n) == "raise_statement" {
        let Some(raised) = named_children(n).into_iter().find(|c| !is_comment(*c)) else {
            return false;
        };
        let exception = if kind(raised) == "call" {
            raised.field("function").unwrap_or(raised)
        } else {
            raised
        };
        let t = text(exception, src);
        return t == "SkipTest" || t.ends_with(".SkipTest");
    }
    false
}

/// Whether a statement does nothing but assert: an assertion (possibly wrapped in an
/// expression statement or `await`), or an `if` without `else` whose branch only asserts.
pub(crate) fn asserts_only(node: Node<'_>, src: &str, rules: &dyn Rules) -> bool {
    let mut n = node;
    loop {
        if rules.assertion(n, src).is_some() {
            return true;
        }
        if matches!(kind(n), "if_statement" | "if_expression") {
            if n.field("alternative").is_some() {
                return false;
            }
            let Some(branch) = n.field("consequence") else {
                return false;
            };
            let stmts = block_statements(branch);
            return !stmts.is_empty() && stmts.iter().all(|s| asserts_only(*s, src, rules));
        }
        let named: Vec<Node<'_>> = named_children(n)
            .into_iter()
            .filter(|c| !is_comment(*c))
            .collect();
        match named.as_slice() {
            [only]
                if matches!(
                    kind(n),
                    "expression_statement" | "await_expression" | "parenthesized_expression"
                ) =>
            {
                n = *only;
            }
            _ => return false,
        }
    }
}

/// The names a Go `var` declaration declares when no name of it gets a value (`var err
/// error`, `var a, b T`, `var ( x T; y U )`): each is its type's zero value, which runs
/// nothing. Empty for anything else.
fn go_zero_var(n: Node<'_>, src: &str) -> Vec<String> {
    if kind(n) != "var_declaration" {
        return Vec::new();
    }
    let mut specs = Vec::new();
    let mut stack = vec![n];
    while let Some(m) = stack.pop() {
        for c in named_children(m) {
            match kind(c) {
                "var_spec" => specs.push(c),
                "var_spec_list" => stack.push(c),
                _ => {}
            }
        }
    }
    let mut names = Vec::new();
    for spec in specs {
        if spec.field("value").is_some() || spec.field("type").is_none() {
            return Vec::new();
        }
        let mut cursor = spec.walk();
        names.extend(
            spec.children_by_field_name("name", &mut cursor)
                .map(|c| text(c, src).to_owned()),
        );
    }
    names
}

/// An `if` without an initializer (but one left out, its local read as its value) or an
/// `else` whose branch holds nothing but failure calls
/// that carry its condition in their assertion's text (Go's `if got != 6 { t.Errorf(…) }`,
/// see `Rules::assertion_context`).
fn checks_its_condition_only(n: Node<'_>, src: &str, rules: &dyn Rules) -> bool {
    // An initializer is left out only where its local is read as its value.
    if kind(n) != "if_statement"
        || n.field("initializer")
            .is_some_and(|i| !super::extracted::left_out(i))
        || n.field("alternative").is_some()
    {
        return false;
    }
    let Some(branch) = n.field("consequence") else {
        return false;
    };
    let stmts = block_statements(branch);
    !stmts.is_empty()
        && stmts.iter().all(|st| {
            let named: Vec<Node<'_>> = named_children(*st)
                .into_iter()
                .filter(|c| !is_comment(*c))
                .collect();
            matches!(named.as_slice(), [call] if kind(*st) == "expression_statement"
                && rules.assertion(*call, src).is_some()
                && rules
                    .assertion_context(*call, src)
                    .is_some_and(|(ctx, _)| ctx.id() == n.id()))
        })
}

/// Whether code inside `node` writes: an assignment (Python's `:=`, `x = …` in a
/// JavaScript, Go or Rust expression, an `if`'s Go initializer), an increment, a `delete`, a
/// Rust `&mut` borrow or `unsafe` block, or a call that rebinds by reflection (`setattr`,
/// `exec`, `Object.assign`, `Reflect.set`, `std::mem::replace`, `std::env::set_var`, …).
/// Any other call is taken as reading: a check that calls the code under test is a check.
pub(crate) fn writes(node: Node<'_>, src: &str) -> bool {
    let mut cursor = node.walk();
    writes_at(&mut cursor, src)
}

/// [`writes`] from where `cursor` stands, walking its named descendants with it.
fn writes_at(cursor: &mut tree_sitter::TreeCursor<'_>, src: &str) -> bool {
    if writes_here(cursor.node(), src) {
        return true;
    }
    if kind(cursor.node()) == "token_tree" || !cursor.goto_first_child() {
        return false;
    }
    loop {
        if cursor.node().is_named() && writes_at(cursor, src) {
            return true;
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
    cursor.goto_parent();
    false
}

/// Whether `node` itself writes (its descendants aside; a Rust macro's tokens read whole).
fn writes_here(node: Node<'_>, src: &str) -> bool {
    const WRITING_KINDS: [&str; 13] = [
        "named_expression",
        "assignment",
        "augmented_assignment",
        "delete_statement",
        "assignment_expression",
        "augmented_assignment_expression",
        "update_expression",
        "assignment_statement",
        "inc_statement",
        "dec_statement",
        "compound_assignment_expr",
        "unsafe_block",
        "global_statement",
    ];
    const WRITING_CALLS: [&str; 25] = [
        "setattr",
        "delattr",
        "exec",
        "eval",
        "globals",
        "vars",
        "locals",
        "__import__",
        "Object.assign",
        "Object.defineProperty",
        "Object.defineProperties",
        "Object.setPrototypeOf",
        "Reflect.set",
        "Reflect.defineProperty",
        "Reflect.deleteProperty",
        "Reflect.setPrototypeOf",
        "Function",
        "mem::swap",
        "mem::replace",
        "mem::take",
        "env::set_var",
        "env::remove_var",
        "os.Setenv",
        "os.Unsetenv",
        "os.environ.update",
    ];
    let k = kind(node);
    // (Go: also `for _, x = range xs` and `case x = <-ch:`, which assign.)
    if WRITING_KINDS.contains(&k) || super::import_hazards::go_assigns_declared(node) {
        return true;
    }
    if k == "token_tree" {
        return token_tree_writes(node, src);
    }
    match k {
        "unary_expression" if text(node, src).trim_start().starts_with("delete") => {
            return true;
        }
        "reference_expression"
            if named_children(node)
                .iter()
                .any(|c| kind(*c) == "mutable_specifier") =>
        {
            return true;
        }
        "call" | "call_expression" => {
            if let Some(f) = node.field("function") {
                let callee = compact(text(f, src));
                let callee = callee.strip_prefix("std::").unwrap_or(&callee);
                let dunder = [
                    ".__setattr__",
                    ".__delattr__",
                    ".__setitem__",
                    ".__delitem__",
                ];
                if WRITING_CALLS.contains(&callee)
                    || dunder.iter().any(|d| callee.ends_with(d))
                    || callee
                        .rsplit_once(['.', ':'])
                        .is_some_and(|(_, m)| mutates(m))
                    || callee == "delete"
                {
                    return true;
                }
            }
        }
        _ => {}
    }
    false
}

/// Whether code inside `node` calls what ends the process or the test's thread at once:
/// `os._exit`, `sys.exit`, `exit`, `quit` (Python), `process.exit`, `process.kill`,
/// `process.abort` (JavaScript), `os.Exit`, `syscall.Exit`, `runtime.Goexit` (Go),
/// `std::process::exit`/`abort` (Rust). A failure a test recorded without raising
/// (`subTest`, AVA's `t.is`, Go's `t.Error`) is then never reported, nor are the tests
/// the runner would run after it.
pub(crate) fn ends_process(node: Node<'_>, src: &str) -> bool {
    // Only a node whose text names one of them is walked.
    super::bindings::may_end_the_process(text(node, src), src, &ENDING)
        && ends_process_walk(node, src)
}

/// Calls that end the process, as written ([`ends_process`]).
const ENDING: [&str; 14] = [
    "os._exit",
    "sys.exit",
    "exit",
    "quit",
    "process.exit",
    "process.kill",
    "process.abort",
    "process.reallyExit",
    "os.Exit",
    "syscall.Exit",
    "runtime.Goexit",
    "process::exit",
    "process::abort",
    "os.kill",
];

/// [`ends_process`], walking the whole node.
fn ends_process_walk(node: Node<'_>, src: &str) -> bool {
    let callee = matches!(kind(node), "call" | "call_expression")
        .then(|| node.field("function"))
        .flatten()
        .map(|f| compact(text(f, src)));
    if let Some(callee) = callee {
        let callee = callee.strip_prefix("std::").unwrap_or(&callee);
        if ENDING.contains(&callee) || super::bindings::ends_the_process(node, src) {
            return true;
        }
    }
    named_children(node)
        .into_iter()
        .any(|c| ends_process_walk(c, src))
}

/// `text` without whitespace, borrowed when it has none.
fn compact(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(char::is_whitespace) {
        std::borrow::Cow::Owned(text.split_whitespace().collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Methods that change the object they are called on, by their name in the standard
/// collections of JavaScript and Rust (`m.set(k, v)`, `v.push(x)`) and the usual names of a
/// reset (`clock.reset()`), besides Python's (`bindings::PYTHON_MUTATORS`: `xs.pop()`,
/// `cache.clear()`): called in an assertion, the assertion writes ([`writes`]).
const OTHER_MUTATORS: [&str; 13] = [
    "push", "shift", "unshift", "splice", "fill", "set", "delete", "truncate", "drain", "retain",
    "write", "put", "reset",
];

/// Whether a method of this name changes the object it is called on ([`OTHER_MUTATORS`]).
pub(crate) fn mutates(method: &str) -> bool {
    super::bindings::PYTHON_MUTATORS.contains(&method)
        || OTHER_MUTATORS.contains(&method)
        || matches!(method, "push_back" | "pop_front")
}

/// [`writes`] for a Rust macro's arguments, which the grammar keeps as tokens: an
/// assignment operator, `&mut`, `unsafe`, or a path to `mem::swap`/`replace`/`take` or
/// `env::set_var`/`remove_var` among them (string literals aside).
fn token_tree_writes(node: Node<'_>, src: &str) -> bool {
    const ASSIGNING: [&str; 11] = [
        "=", "+=", "-=", "*=", "/=", "%=", "^=", "&=", "|=", "<<=", ">>=",
    ];
    let mut leaves: Vec<&str> = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if matches!(
            kind(n),
            "string_literal" | "raw_string_literal" | "char_literal"
        ) {
            leaves.push("\"\"");
            continue;
        }
        if n.child_count() == 0 {
            leaves.push(text(n, src));
            continue;
        }
        let mut cursor = n.walk();
        let children: Vec<Node<'_>> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    if leaves
        .iter()
        .any(|t| ASSIGNING.contains(t) || *t == "unsafe")
    {
        return true;
    }
    leaves.windows(2).any(|w| w == ["&", "mut"])
        || leaves
            .windows(3)
            .any(|w| w[0] == "." && mutates(w[1]) && w[2] == "(")
        || leaves.windows(3).any(|w| {
            (w[0] == "mem" && w[1] == "::" && matches!(w[2], "swap" | "replace" | "take"))
                || (w[0] == "env" && w[1] == "::" && matches!(w[2], "set_var" | "remove_var"))
        })
}

/// What calling a test function makes instead of running its body: a Python `async def`
/// makes a coroutine and a function with its own `yield` a generator. A runner that calls it
/// as a plain function (unittest, pytest without a plugin that drives it) never runs the
/// body. (A JavaScript `function*` callback is not read as a test at all: one that becomes
/// one is `removed`.)
fn deferred_body(lang: &str, node: Node<'_>, body: Node<'_>, src: &str) -> Option<&'static str> {
    match lang {
        "python" => {
            let def = std::iter::successors(Some(node), |n| {
                (kind(*n) == "decorated_definition")
                    .then(|| n.field("definition"))
                    .flatten()
            })
            .last()?;
            if kind(def) != "function_definition" {
                return None;
            }
            if text(def, src).trim_start().starts_with("async") {
                return Some("a coroutine");
            }
            (text(body, src).contains("yield") && own_yield(body)).then_some("a generator")
        }
        _ => None,
    }
}

/// A Python `yield` of this function itself (not of a nested function, lambda or class).
fn own_yield(node: Node<'_>) -> bool {
    named_children(node).into_iter().any(|c| match kind(c) {
        "yield" => true,
        "function_definition" | "lambda" | "class_definition" => false,
        _ => own_yield(c),
    })
}

/// The text of a string literal without its quotes (and prefixes such as Python's `f`).
pub(crate) fn unquote(s: &str) -> String {
    let s = s.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    for q in ["\"\"\"", "'''", "\"", "'", "`"] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.to_owned();
        }
    }
    s.to_owned()
}

/// Operating systems and architectures a Go file name's `_GOOS`/`_GOARCH` suffix restricts
/// it to.
pub(crate) const GO_SUFFIXES: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// The name a Go import without one binds, as Go's tools assume it from the path (the
/// package clause of the imported package decides, which the import does not show): the
/// last element, or the one before a major-version element (`…/mapstructure/v2` binds
/// `mapstructure`), without a `go-` prefix, up to its first character that cannot be in a
/// name (`gopkg.in/yaml.v3` binds `yaml`, `go-sqlite3` `sqlite3`). A package may declare
/// another name: where a test's name is bound by no import any more, `rebound` refuses.
pub(crate) fn go_import_name(path: &str) -> &str {
    let mut elements = path.rsplit('/');
    let last = elements.next().unwrap_or(path);
    let major =
        last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit());
    let base = match elements.next() {
        Some(before) if major => before,
        _ => last,
    };
    let base = base.strip_prefix("go-").unwrap_or(base);
    let end = base
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(base.len());
    &base[..end]
}

/// The statements of a Go block (the grammar wraps them in a `statement_list`), comments
/// left out.
pub(crate) fn go_block_statements(block: Node<'_>) -> Vec<Node<'_>> {
    named_children(block)
        .into_iter()
        .flat_map(|c| {
            if kind(c) == "statement_list" {
                named_children(c)
            } else {
                vec![c]
            }
        })
        .filter(|c| kind(*c) != "comment")
        .collect()
}

/// A Python definition without its decorators: the function or class a
/// `decorated_definition` holds (`None` when it holds none), or `node` itself.
pub(crate) fn undecorated(node: Node<'_>) -> Option<Node<'_>> {
    if kind(node) == "decorated_definition" {
        node.field("definition")
    } else {
        Some(node)
    }
}

pub(crate) fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    // A node of a few children: by index, without a cursor (which allocates its stack).
    // Each index is found from the first child, so a node of more (a block, a module) is
    // walked with a cursor, once.
    let count = node.named_child_count();
    let mut out = Vec::with_capacity(count);
    if count <= 4 {
        out.extend((0..count).filter_map(|i| node.named_child(i as u32)));
    } else {
        let mut cursor = node.walk();
        out.extend(node.named_children(&mut cursor));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::sacred::rules::Rule;

    #[test]
    fn a_file_spelling_a_placeholder_keeps_its_locals_names() {
        use super::spells_a_placeholder;
        for yes in ["const _l1 = 6;", "x(_l12)", "_l3"] {
            assert!(spells_a_placeholder(yes), "{yes}");
        }
        for no in ["a_l1", "_l", "_lx", "_l1x", "x_l1_", "__l1"] {
            assert!(!spells_a_placeholder(no), "{no}");
        }
    }
    use crate::sacred::rules::testing::{TS, rules_between};

    /// The TypeScript fixture with an async test whose first assertion is `assertion`, and a
    /// statement `line` before it.
    fn ts(line: &str, assertion: &str) -> String {
        TS.src()
            .replacen("test('total', () =>", "test('total', async () =>", 1)
            .replacen(
                "  expect(total(xs)).toBe(6);\n",
                &format!("  {line}\n  {assertion}\n"),
                1,
            )
    }

    #[test]
    fn global_members_are_read_from_written_lines_and_only_one_way() {
        use super::{global_members_in_text, global_object_written};
        let base = global_members_in_text(
            "function f(){expect(()=>globalThis.billing.x()).toThrow();a.window.y;$window.z;window.ky()}",
        );
        assert_eq!(base, ["globalThis.billing", "window.ky"]);
        let swapped = global_members_in_text("function f(){window.billing.x();window.ky()}");
        assert_eq!(
            global_object_written(&base, &swapped).as_deref(),
            Some("billing")
        );
        let back = global_members_in_text("function f(){globalThis.billing.x();globalThis.ky()}");
        assert_eq!(global_object_written(&base, &back), None);
        // Another name now written with `window` is not this reading's business.
        let other = global_members_in_text("function f(){globalThis.billing.x();window.fake()}");
        assert_eq!(global_object_written(&base, &other), None);
    }

    #[test]
    fn await_with_type_arguments_reads_as_await_without_them() {
        let old = ts(
            "const body = await response.json() as Body;",
            "expect(await total(xs)).toBe(6);",
        );
        for (line, assertion) in [
            (
                "const body = await response.json<Body>();",
                "expect(await total<number>(xs)).toBe(6);",
            ),
            (
                "const body = await response.json<Body>() as Body;",
                "expect(await total<number, Money>(xs),).toBe(6);",
            ),
        ] {
            let rules = rules_between(TS.path, &old, &ts(line, assertion));
            assert!(rules.is_empty(), "{line} {assertion}: {rules:?}");
        }
        // And the other way round.
        let rules = rules_between(
            TS.path,
            &ts(
                "const body = await response.json<Body>();",
                "expect((await total<number>(xs)).cents).toBe(6);",
            ),
            &ts(
                "const body = await response.json();",
                "expect((await total(xs)).cents).toBe(6);",
            ),
        );
        assert!(rules.is_empty(), "{rules:?}");
    }

    #[test]
    fn calling_the_awaited_value_or_another_argument_is_still_a_change() {
        let old = ts(
            "const body = await response.json();",
            "expect(await total(xs)).toBe(6);",
        );
        for assertion in [
            "expect((await total)<number>(xs)).toBe(6);",
            "expect((await total)(xs)).toBe(6);",
            "expect(await total<number>([])).toBe(6);",
            "expect(await totals<number>(xs)).toBe(6);",
        ] {
            let rules = rules_between(
                TS.path,
                &old,
                &ts("const body = await response.json();", assertion),
            );
            assert!(
                rules.contains(&Rule::AssertionChanged) || rules.contains(&Rule::ExpectedChanged),
                "{assertion}: {rules:?}"
            );
        }
        let rules = rules_between(
            TS.path,
            &old,
            &ts(
                "const body = (await response.json)<Body>();",
                "expect(await total(xs)).toBe(6);",
            ),
        );
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
    }
}

#[cfg(all(test, feature = "lang-python"))]
mod module_attribute_tests {
    use crate::sacred::analysis::FieldOf;

    /// The module [`super::python_module_attribute`] finds for the first parameter's
    /// annotation of the last definition of `src`.
    fn module_of(src: &str) -> Option<String> {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(src, None).unwrap();
        let mut found = None;
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            if super::kind(n) == "typed_parameter" && found.is_none() {
                found = n.field("type");
            }
            stack.extend(super::named_children(n).into_iter().rev());
        }
        super::python_module_attribute(found.unwrap(), src)
    }

    #[test]
    fn an_attribute_of_a_module_imported_by_its_name_is_a_lookup_of_that_module() {
        let def = "def echo(r: httpx.Request):\n    return r\n";
        assert_eq!(
            module_of(&format!("import httpx\n\n{def}")).as_deref(),
            Some("httpx")
        );
        assert_eq!(
            module_of(&format!("import os, httpx._models\n\n{def}")).as_deref(),
            Some("httpx")
        );
        // Bound another way too, or by another module, or looked up further: not a lookup
        // of one module.
        for src in [
            format!("import json as httpx\n\n{def}"),
            format!("from tests import httpx\n\n{def}"),
            format!("import httpx\nhttpx = make()\n\n{def}"),
            format!(
                "import httpx\n\nclass K:\n    httpx = 1\n\n    {}",
                def.replace("\n    ", "\n        ")
            ),
            format!("try:\n    import httpx\nexcept ImportError:\n    pass\n\n{def}"),
            format!(
                "import httpx\n\n{}",
                def.replace("httpx.Request", "httpx.Request.Line")
            ),
            format!(
                "import httpx\n\n{}",
                def.replace("httpx.Request", "httpx.Request[int]")
            ),
            format!(
                "import httpx\n\n{}",
                def.replace("httpx.Request", "httpx.Request | None")
            ),
            def.to_owned(),
        ] {
            assert_eq!(module_of(&src), None, "{src}");
        }
    }
}

#[cfg(test)]
mod use_list_tests {
    use crate::sacred::rules::Rule;
    use crate::sacred::rules::testing::{RS, edited, rules_between};

    fn with_use(list: &str) -> String {
        edited(
            &RS,
            &[(
                "    let xs = [1, 2, 3];\n",
                &format!("    use billing::{{{list}}};\n    let xs = [1, 2, 3];\n"),
            )],
        )
    }

    #[test]
    fn a_use_list_in_another_order_is_the_same_statement() {
        let base = with_use("Rng, thread_rng");
        assert!(rules_between(RS.path, &base, &with_use("thread_rng, Rng")).is_empty());
        assert!(rules_between(RS.path, &base, &with_use("thread_rng, Rng,")).is_empty());
        let rules = rules_between(RS.path, &base, &with_use("Rng, fake_rng"));
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
        let rules = rules_between(RS.path, &base, &with_use("Rng"));
        assert!(rules.contains(&Rule::BodyChanged), "{rules:?}");
    }

    /// The older readings (kept for locks written before lists were sorted) keep the order
    /// as written; the reading now does not depend on it.
    #[cfg(feature = "lang-python")]
    #[test]
    fn super_with_its_class_and_first_parameter_reads_as_super() {
        let read = |src: &str| {
            let mut parser = tree_sitter::Parser::new();
            parser
                .set_language(&tree_sitter_python::LANGUAGE.into())
                .unwrap();
            let tree = parser.parse(src, None).unwrap();
            let def = tree.root_node().named_child(0).unwrap();
            super::python_definition(def, src)
        };
        let base = "def wrap(cls):\n    class W(cls):\n        @classmethod\n        def setUpClass(k):\n            super(W, k).setUpClass()\n    return W\n";
        let zero = base.replace("super(W, k)", "super()");
        assert_eq!(read(base), read(&zero));
        // Another class, another first argument, or outside a method: as written.
        assert_ne!(
            read(&base.replace("super(W, k)", "super(cls, k)")),
            read(&zero)
        );
        assert_ne!(
            read(&base.replace("super(W, k)", "super(W, cls)")),
            read(&zero)
        );
        let outside = "def f(k):\n    return super(W, k)\n";
        assert_ne!(
            read(outside),
            read(&outside.replace("super(W, k)", "super()"))
        );
    }

    #[test]
    fn older_readings_keep_the_written_order() {
        let read = |src: &str, older: bool| {
            let mut parser = tree_sitter::Parser::new();
            parser
                .set_language(&tree_sitter_rust::LANGUAGE.into())
                .unwrap();
            let tree = parser.parse(src, None).unwrap();
            let mut out = String::new();
            super::with_dots(|| {
                if older {
                    super::with_brackets(|| {
                        super::serialize(tree.root_node(), src, &|_| false, &mut out);
                    });
                } else {
                    super::serialize(tree.root_node(), src, &|_| false, &mut out);
                }
            });
            out
        };
        let a = "fn f() {\n    use a::{b::C, d, E as F};\n}\n";
        let b = "fn f() {\n    use a::{d, E as F, b::C};\n}\n";
        assert_eq!(read(a, false), read(b, false));
        assert_ne!(read(a, true), read(b, true));
        let mut written = String::new();
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_rust::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(b, None).unwrap();
        super::serialize(tree.root_node(), b, &|_| false, &mut written);
        assert_eq!(read(b, true), written);
    }
}

#[cfg(test)]
mod set_display_tests {
    use crate::sacred::rules::testing::{PY, edited, rules_between};

    /// The Python fixture with `line` before its first assertion and `assertion` after it.
    pub(super) fn py(line: &str, assertion: &str) -> String {
        edited(
            &PY,
            &[(
                "    assert total(xs) == 6\n",
                &format!("    {line}\n    assert total(xs) == 6\n    {assertion}\n"),
            )],
        )
    }

    #[test]
    fn a_set_built_from_a_list_tuple_or_generator_reads_as_the_display() {
        for (old, new) in [
            (
                py("seen = set([1, 2])", "assert seen == set(['a', 'b'])"),
                py("seen = {1, 2}", "assert seen == {'a', 'b'}"),
            ),
            (
                py("seen = set((1, 2,))", "assert seen == set(x for x in xs)"),
                py("seen = {1, 2}", "assert seen == {x for x in xs}"),
            ),
            (
                py("seen = set([x])", "assert seen == set((x for x in xs))"),
                py("seen = {x}", "assert seen == {x for x in xs}"),
            ),
            (
                py("seen = {1, 2}", "assert seen == {x for x in xs}"),
                py("seen = set([1, 2])", "assert seen == set(x for x in xs)"),
            ),
        ] {
            let rules = rules_between(PY.path, &old, &new);
            assert!(rules.is_empty(), "{new}: {rules:?}");
        }
    }

    #[test]
    fn a_set_that_is_not_the_same_display_is_a_change() {
        let old = py("seen = set([1, 2])", "assert seen == set(['a', 'b'])");
        for new in [
            // Another set.
            py("seen = {1, 3}", "assert seen == {'a', 'b'}"),
            py("seen = {1, 2}", "assert seen == {'a'}"),
            // A list is not a set.
            py("seen = [1, 2]", "assert seen == {'a', 'b'}"),
            py("seen = {1, 2}", "assert seen == ['a', 'b']"),
            // `frozenset` is another type.
            py("seen = frozenset([1, 2])", "assert seen == {'a', 'b'}"),
        ] {
            let rules = rules_between(PY.path, &old, &new);
            assert!(!rules.is_empty(), "{new}: accepted");
        }
        // `set([])` is the empty set; `{}` is a dict.
        let rules = rules_between(
            PY.path,
            &py("seen = set([])", "assert not seen"),
            &py("seen = {}", "assert not seen"),
        );
        assert!(!rules.is_empty(), "set([]) → {{}} accepted");
    }

    #[test]
    fn a_file_that_binds_set_keeps_the_call() {
        let old = py("seen = set([1, 2])", "assert seen == set(['a', 'b'])");
        for binding in [
            "set = frozenset\n",
            "from sets import set\n",
            "def helper(set=list):\n    return set\n",
            "helper = set\n",
        ] {
            let new = py("seen = {1, 2}", "assert seen == {'a', 'b'}");
            let rules = rules_between(
                PY.path,
                &format!("{binding}{old}"),
                &format!("{binding}{new}"),
            );
            assert!(!rules.is_empty(), "{binding}: accepted");
        }
    }
}

#[cfg(test)]
mod writes_tests {
    /// Whether `writes` finds a write in `code`, parsed as a file of `path`'s language.
    fn writes(path: &str, code: &str) -> bool {
        let lang = crate::sacred::lang::Lang::of_path(path).unwrap();
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&lang.grammar().unwrap()).unwrap();
        let tree = parser.parse(code, None).unwrap();
        super::writes(tree.root_node(), code)
    }

    #[test]
    fn assignments_and_reflective_writes_write_and_comparisons_do_not() {
        let cases: [(&str, &[&str], &[&str]); 4] = [
            (
                "t.py",
                &[
                    "assert (r := f())",
                    "assert setattr(r, 'ok', 1) is None",
                    "assert r.__setattr__('ok', 1) is None",
                    "assert exec('r = 1') is None",
                    "assert xs.pop() == 1",
                    "assert cache.clear() is None",
                ],
                &[
                    "assert r == 1",
                    "assert f(a=1) != 2",
                    "assert (lambda x=1: x)() >= 1",
                    "assert r.amount() <= 2",
                    "assert xs.get('a') == 1 and sorted(xs) == [1]",
                ],
            ),
            (
                "t.rs",
                &[
                    "fn f() { assert!({ r = g(); r.ok }); }",
                    "fn f() { assert!({ r += 1; r > 0 }); }",
                    "fn f() { assert!(std::mem::take(&mut r).ok); }",
                    "fn f() { assert!(unsafe { G }); }",
                    "fn f() { assert_eq!(std::env::set_var(\"A\", \"1\"), ()); }",
                    "fn f() { assert!(v.pop().is_some()); }",
                    "fn f() { let _ = v.push(1); }",
                ],
                &[
                    "fn f() { assert!(a >= 1 && b <= 2 && c != 3 && d == 4); }",
                    "fn f() { assert!(matches!(x, Some(_) | None)); }",
                    "fn f() { assert_eq!(x, \"a=b &mut unsafe\"); }",
                    "fn f() { assert!(v.iter().all(|x| *x == 1)); }",
                    "fn f() { assert!(v.len() == 1 && v.get(0).is_some()); }",
                ],
            ),
            (
                "t_test.go",
                &[
                    "package p\nfunc f() { if r = g(); !r.Ok { t.Error() } }",
                    "package p\nfunc f() { if n++; n > 1 { t.Error() } }",
                    "package p\nfunc f() { if delete(m, \"a\"); len(m) != 0 { t.Error() } }",
                ],
                &["package p\nfunc f() { if got := g(); got != 1 { t.Error() } }"],
            ),
            (
                "t.test.js",
                &[
                    "expect((r = g())).toBeTruthy();",
                    "expect(n++).toBe(1);",
                    "expect(delete r.ok).toBe(true);",
                    "expect(Object.assign(r, {ok: true})).toBeTruthy();",
                    "expect(Reflect.set(r, 'ok', true)).toBe(true);",
                    "expect(m.set('a', 1)).toBeTruthy();",
                    "expect(xs.push(1)).toBe(2);",
                ],
                &[
                    "expect(g({ a: 1 })).toEqual({ b: 2 });",
                    "expect(((a = 1) => a)()).not.toBe(2);",
                    "expect(r.ok).toBe(true);",
                    "expect(m.get('a')).toBe(1);",
                ],
            ),
        ];
        for (path, writing, reading) in cases {
            for code in writing {
                assert!(writes(path, code), "{path}: {code} should write");
            }
            for code in reading {
                assert!(!writes(path, code), "{path}: {code} should only read");
            }
        }
    }
}

#[cfg(test)]
mod list_comprehension_tests {
    use super::set_display_tests::py;
    use crate::sacred::rules::testing::{PY, rules_between};

    #[test]
    fn a_comprehension_of_its_own_elements_reads_as_the_list_call() {
        for (old, new) in [
            (
                py(
                    "parts = [p for p in chunks(xs)]",
                    "assert [x for x in xs] == [1, 2, 3]",
                ),
                py("parts = list(chunks(xs))", "assert list(xs) == [1, 2, 3]"),
            ),
            (
                py("parts = list(chunks(xs))", "assert list(xs) == [1, 2, 3]"),
                py(
                    "parts = [part for part in chunks(xs)]",
                    "assert [y for y in xs] == [1, 2, 3]",
                ),
            ),
            (
                py(
                    "parts = [p for p in (a, b)]",
                    "assert total([x for x in xs]) == 6",
                ),
                py("parts = list((a, b))", "assert total(list(xs)) == 6"),
            ),
        ] {
            let rules = rules_between(PY.path, &old, &new);
            assert!(rules.is_empty(), "{new}: {rules:?}");
        }
    }

    #[test]
    fn a_comprehension_that_is_not_the_same_list_is_a_change() {
        let old = py(
            "parts = [p for p in chunks(xs)]",
            "assert [x for x in xs] == [1, 2, 3]",
        );
        for new in [
            // A filter, a mapped element, another target, two loops.
            py(
                "parts = list(chunks(xs))",
                "assert [x for x in xs if x] == [1, 2, 3]",
            ),
            py(
                "parts = list(chunks(xs))",
                "assert [x.y for x in xs] == [1, 2, 3]",
            ),
            py(
                "parts = [q for p in chunks(xs)]",
                "assert list(xs) == [1, 2, 3]",
            ),
            py(
                "parts = [p for p in chunks(xs) for q in xs]",
                "assert list(xs) == [1, 2, 3]",
            ),
            // Another iterable, another type.
            py("parts = list(chunks(ys))", "assert list(xs) == [1, 2, 3]"),
            py("parts = tuple(chunks(xs))", "assert list(xs) == [1, 2, 3]"),
            py("parts = list(chunks(xs))", "assert sorted(xs) == [1, 2, 3]"),
            py(
                "parts = list(chunks(xs))",
                "assert {x for x in xs} == [1, 2, 3]",
            ),
        ] {
            let rules = rules_between(PY.path, &old, &new);
            assert!(!rules.is_empty(), "{new}: accepted");
        }
    }

    #[test]
    fn a_file_that_binds_list_keeps_the_comprehension() {
        let old = py(
            "parts = [p for p in chunks(xs)]",
            "assert [x for x in xs] == [1, 2, 3]",
        );
        let new = py("parts = list(chunks(xs))", "assert list(xs) == [1, 2, 3]");
        for binding in [
            "list = tuple\n",
            "from fakes import list\n",
            "from fakes import *\n",
            "def helper(list=tuple):\n    return list\n",
            "for list in [tuple]:\n    pass\n",
            "import builtins\nbuiltins.list = tuple\n",
        ] {
            let rules = rules_between(
                PY.path,
                &format!("{binding}{old}"),
                &format!("{binding}{new}"),
            );
            assert!(!rules.is_empty(), "{binding}: accepted");
        }
        // The comprehension itself does not call `list`: renaming its target, or binding
        // `list` beside it, changes nothing.
        let rules = rules_between(
            PY.path,
            &old,
            &format!(
                "list = tuple\n{}",
                py(
                    "parts = [q for q in chunks(xs)]",
                    "assert [x for x in xs] == [1, 2, 3]"
                )
            ),
        );
        assert!(rules.is_empty(), "{rules:?}");
        // Reading `list` binds nothing.
        let reads = "def helper(xs: list[int]) -> list:\n    return isinstance(xs, list)\n";
        let rules = rules_between(PY.path, &format!("{reads}{old}"), &format!("{reads}{new}"));
        assert!(rules.is_empty(), "{rules:?}");
    }
}
