//! Which grammar reads which file, and the per-language test discovery behind one entry
//! point. Each grammar is behind its own cargo feature (`lang-rust`, `lang-python`,
//! `lang-javascript`, `lang-typescript`, `lang-go`).
use crate::sacred::analysis::FieldOf as _;

#[cfg(feature = "lang-go")]
mod go;
#[cfg(any(feature = "lang-javascript", feature = "lang-typescript"))]
mod js;

/// Whether a JavaScript call rooted at `root` registers a test or a suite.
pub(crate) fn js_registration_root(root: &str) -> bool {
    #[cfg(any(feature = "lang-javascript", feature = "lang-typescript"))]
    {
        js::registration_root(root)
    }
    #[cfg(not(any(feature = "lang-javascript", feature = "lang-typescript")))]
    {
        let _ = root;
        false
    }
}

/// A piece of a title a registration could report: text as written, or a part computed when
/// the file runs (a `${…}` substitution, a variable, a call, an escape).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Any,
}

/// A call that could register a test or a suite, read for the report entry it could write:
/// the titles of the suites around it and its own, outermost first. `anywhere`: it sits in a
/// function that is not a suite's or test's callback (a wrapper, a helper), so whatever calls
/// it decides the titles around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub titles: Vec<Vec<Piece>>,
    pub anywhere: bool,
}

/// The report entries a JavaScript or TypeScript file's calls could write (see
/// [`Registered`]); `None` when the file cannot be read that way (its grammar not built in, a
/// syntax error), which a caller must take as "any".
pub fn js_registered_titles(path: &str, src: &str) -> Option<Vec<Registered>> {
    #[cfg(any(feature = "lang-javascript", feature = "lang-typescript"))]
    {
        let lang = Lang::of_path(path).filter(|l| l.is_js())?;
        let tree = parse_clean(lang, path, src).ok()??;
        Some(js::registered_titles(src, tree.root_node()))
    }
    #[cfg(not(any(feature = "lang-javascript", feature = "lang-typescript")))]
    {
        let _ = (path, src);
        None
    }
}

#[cfg(feature = "lang-python")]
mod python;
#[cfg(feature = "lang-rust")]
mod rust;

use anyhow::{Result, anyhow};

use super::analysis::{FileScan, Want};

/// A language gatekeeper knows how to analyse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Rust,
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
}

impl Lang {
    /// The language of a path, by extension; `None` for files that hold no tests we read.
    pub fn of_path(path: &str) -> Option<Lang> {
        let ext = path.rsplit_once('.').map(|(_, e)| e)?;
        Some(match ext {
            "rs" => Lang::Rust,
            "py" => Lang::Python,
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "go" => Lang::Go,
            _ => return None,
        })
    }

    /// JavaScript or TypeScript (read through the same path).
    pub fn is_js(self) -> bool {
        matches!(self, Lang::JavaScript | Lang::TypeScript | Lang::Tsx)
    }

    /// The feature that compiles this language's grammar in.
    pub fn feature(self) -> &'static str {
        match self {
            Lang::Rust => "lang-rust",
            Lang::Python => "lang-python",
            Lang::JavaScript => "lang-javascript",
            Lang::TypeScript | Lang::Tsx => "lang-typescript",
            Lang::Go => "lang-go",
        }
    }

    pub(crate) fn grammar(self) -> Option<tree_sitter::Language> {
        match self {
            #[cfg(feature = "lang-rust")]
            Lang::Rust => Some(tree_sitter_rust::LANGUAGE.into()),
            #[cfg(feature = "lang-python")]
            Lang::Python => Some(tree_sitter_python::LANGUAGE.into()),
            #[cfg(feature = "lang-javascript")]
            Lang::JavaScript => Some(tree_sitter_javascript::LANGUAGE.into()),
            #[cfg(feature = "lang-typescript")]
            Lang::TypeScript => Some(tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()),
            #[cfg(feature = "lang-typescript")]
            Lang::Tsx => Some(tree_sitter_typescript::LANGUAGE_TSX.into()),
            #[cfg(feature = "lang-go")]
            Lang::Go => Some(tree_sitter_go::LANGUAGE.into()),
            #[allow(
                unreachable_patterns,
                reason = "reachable when a grammar feature is off"
            )]
            _ => None,
        }
    }

    /// Whether this build can read the language.
    pub fn supported(self) -> bool {
        self.grammar().is_some()
    }
}

/// A Go file's syntax tree (`None` when this build lacks the Go grammar).
#[cfg(feature = "lang-go")]
fn parse_go(path: &str, src: &str) -> Result<Option<tree_sitter::Tree>> {
    if Lang::Go.grammar().is_none() {
        return Ok(None);
    }
    parse_kept(Lang::Go, path, src)?
        .ok_or_else(|| anyhow!("the parser gave up on `{path}`"))
        .map(Some)
}

/// A Go file's package clause, its package-level bindings (not its imports, which are the
/// file's own) and its package-level functions (see [`super::bindings::file_functions`]):
/// what a test in another file of the package may read (`var cases = …`, a `func init()`,
/// which runs before every test of the package) or call (`func checkOutput(t, …)`).
pub type GoFileParts = (
    String,
    Vec<super::bindings::Binding>,
    Vec<super::bindings::FileFunction>,
);

/// What a Go test file declares for the other test files of its package (see
/// [`GoFileParts`]); `None` when it has no package clause or Go is not built in.
pub fn go_file_parts(path: &str, src: &str) -> Result<Option<GoFileParts>> {
    #[cfg(feature = "lang-go")]
    {
        Ok(parse_go(path, src)?.and_then(|tree| {
            let root = tree.root_node();
            let package = go::package_name(src, root)?;
            let bindings = super::bindings::module_bindings("go", root, src)
                .into_iter()
                .filter(|b| !b.text.starts_with("import "))
                .collect();
            let functions = super::analysis::with_go_std(root, src, || {
                super::bindings::file_functions(root, src, go::rules())
            });
            Some((package, bindings, functions))
        }))
    }
    #[cfg(not(feature = "lang-go"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// The methods a Go file declares, with its setters (see [`super::setters`]) and its
/// package clause; `None` when it has no package clause or Go is not built in.
pub fn go_methods(path: &str, src: &str) -> Result<Option<(String, super::setters::GoMethods)>> {
    #[cfg(feature = "lang-go")]
    {
        Ok(parse_go(path, src)?.and_then(|tree| {
            let root = tree.root_node();
            let package = go::package_name(src, root)?;
            Some((package, super::setters::go_methods(root, src)))
        }))
    }
    #[cfg(not(feature = "lang-go"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// The functions of a Go file that call one of `setters`, read with those calls written out
/// as the stores they make (see [`super::setters`]).
pub fn go_setter_reads(
    path: &str,
    src: &str,
    setters: &[super::setters::GoSetter],
) -> Result<Vec<super::setters::SetterRead>> {
    #[cfg(feature = "lang-go")]
    {
        let Some(tree) = parse_go(path, src)? else {
            return Ok(Vec::new());
        };
        let root = tree.root_node();
        let read = super::analysis::with_go_std(root, src, || {
            super::setters::with_setters(setters, || {
                super::bindings::file_functions(root, src, go::rules())
            })
        });
        Ok(read
            .into_iter()
            .filter_map(|f| {
                Some(super::setters::SetterRead {
                    inlined: f.read?,
                    name: f.name,
                    text: f.text,
                })
            })
            .collect())
    }
    #[cfg(not(feature = "lang-go"))]
    {
        let _ = (path, src, setters);
        Ok(Vec::new())
    }
}

/// What a Go file of a package a test imports runs as the test binary starts, with its
/// package clause ([`super::bindings::go_package_start`]); `None` when it has no package
/// clause or Go is not built in.
pub fn go_package_start(
    path: &str,
    src: &str,
) -> Result<Option<(String, super::bindings::GoPackageStart)>> {
    #[cfg(feature = "lang-go")]
    {
        Ok(parse_go(path, src)?.and_then(|tree| {
            let root = tree.root_node();
            let package = go::package_name(src, root)?;
            Some((package, super::bindings::go_package_start(root, src)))
        }))
    }
    #[cfg(not(feature = "lang-go"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// What the Go function `name` of the file does with its parameter at `position`, a testing
/// handle: whether it runs subtests on it and to what it hands it (see [`go::handle_use`]),
/// with the file's package clause and imports (name, path); `None` when Go is not built in,
/// the file does not parse or has no such function.
pub fn go_handle_use(
    path: &str,
    src: &str,
    name: &str,
    position: usize,
) -> Result<Option<GoHandleUse>> {
    #[cfg(feature = "lang-go")]
    {
        Ok(parse_go(path, src)?.and_then(|tree| {
            let root = tree.root_node();
            let used = go::handle_use(src, root, name, position)?;
            Some(GoHandleUse {
                runs: used.runs,
                handed: used.handed,
                package: go::package_name(src, root).unwrap_or_default(),
                imports: go::imports(src, root),
            })
        }))
    }
    #[cfg(not(feature = "lang-go"))]
    {
        let _ = (path, src, name, position);
        Ok(None)
    }
}

/// See [`go_handle_use`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoHandleUse {
    /// The function calls `Run` on the handle (`t.Run(…)`): it runs subtests.
    pub runs: bool,
    /// The functions it hands the handle to, as written (`runCases`, `testutil.RunCases`),
    /// each with the argument's position.
    pub handed: Vec<(String, usize)>,
    /// The file's package clause.
    pub package: String,
    /// The file's imports: (the name it binds, the import path).
    pub imports: Vec<(String, String)>,
}

/// The name in a Go file's `package` clause; `None` when Go is not built in or the file does
/// not parse.
pub fn go_package_clause(path: &str, src: &str) -> Result<Option<String>> {
    #[cfg(feature = "lang-go")]
    {
        Ok(parse_go(path, src)?.and_then(|tree| go::package_name(src, tree.root_node())))
    }
    #[cfg(not(feature = "lang-go"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// The fingerprint of a Go file's `TestMain`, if it has one.
pub fn go_test_main(path: &str, src: &str) -> Result<Option<String>> {
    #[cfg(feature = "lang-go")]
    {
        Ok(parse_go(path, src)?.and_then(|tree| go::test_main(src, tree.root_node())))
    }
    #[cfg(not(feature = "lang-go"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// A `conftest.py`'s fixtures and hooks ([`super::bindings::conftest_parts`]); `None` when it
/// does not parse or this build has no Python grammar.
pub fn python_conftest(path: &str, src: &str) -> Result<Option<ConftestParts>> {
    #[cfg(feature = "lang-python")]
    {
        Ok(parse_clean(Lang::Python, path, src)?.map(|t| {
            let (fixtures, hooks) = super::bindings::conftest_parts(t.root_node(), src);
            let (effects, text) =
                super::bindings::python_module_level_effects_with(t.root_node(), src, false);
            (fixtures, hooks, (effects.any(), text))
        }))
    }
    #[cfg(not(feature = "lang-python"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// What a `conftest.py` holds for the tests below it: its fixtures, its hooks, and whether its
/// top-level code may change anything as it is imported, with that code's text (see
/// `bindings::python_module_level_effects`).
pub type ConftestParts = (
    Vec<super::bindings::FixtureDef>,
    Vec<String>,
    (bool, String),
);

/// A Python module's classes and imports ([`super::subclasses::module_shape`]); `None` when
/// it does not parse or this build has no Python grammar.
pub fn python_module_shape(path: &str, src: &str) -> Result<Option<super::subclasses::PyModule>> {
    #[cfg(feature = "lang-python")]
    {
        Ok(parse_clean(Lang::Python, path, src)?
            .map(|t| super::subclasses::module_shape(t.root_node(), src)))
    }
    #[cfg(not(feature = "lang-python"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// The instances a parametrised Python test's source promises ([`super::instances`]);
/// `None` when not read exactly, when it does not parse, or this build has no Python grammar.
pub fn python_expected_instances(
    path: &str,
    src: &str,
    scope: &[String],
    name: &str,
) -> Result<Option<super::instances::Expected>> {
    #[cfg(feature = "lang-python")]
    {
        Ok(parse_clean(Lang::Python, path, src)?
            .and_then(|t| super::instances::expected(t.root_node(), src, scope, name)))
    }
    #[cfg(not(feature = "lang-python"))]
    {
        let _ = (path, src, scope, name);
        Ok(None)
    }
}

/// The definition of `name` at the top of a Python module (a `def`, decorated or not, or an
/// assignment to that one name) as [`super::analysis::python_definition`] reads it; `None`
/// when it does not parse, holds no such definition, or this build has no Python grammar.
pub fn python_definition(path: &str, src: &str, name: &str) -> Result<Option<String>> {
    #[cfg(feature = "lang-python")]
    {
        let Some(tree) = parse_clean(Lang::Python, path, src)? else {
            return Ok(None);
        };
        let root = tree.root_node();
        let mut cursor = root.walk();
        for n in root.named_children(&mut cursor) {
            let def = if n.kind() == "decorated_definition" {
                n.field("definition")
            } else {
                Some(n)
            };
            let Some(def) = def else { continue };
            let named = |node: tree_sitter::Node<'_>| {
                node.utf8_text(src.as_bytes()).is_ok_and(|t| t == name)
            };
            if def.kind() == "function_definition" && def.field("name").is_some_and(named) {
                return Ok(Some(super::analysis::python_definition(n, src)));
            }
            if def.kind() == "expression_statement"
                && let Some(a) = def.named_child(0).filter(|a| a.kind() == "assignment")
                && a.field("left")
                    .is_some_and(|l| l.kind() == "identifier" && named(l))
            {
                return Ok(Some(super::analysis::python_definition(a, src)));
            }
        }
        Ok(None)
    }
    #[cfg(not(feature = "lang-python"))]
    {
        let _ = (path, src, name);
        Ok(None)
    }
}

/// What calling the function `name` at the top of the Python module `path` may change (see
/// `bindings::python_module_effects`): `None` when it is no such function or does not parse.
pub fn python_function_effects(
    path: &str,
    src: &str,
    name: &str,
) -> Result<Option<super::bindings::Effects>> {
    #[cfg(feature = "lang-python")]
    {
        let Some(tree) = parse_clean(Lang::Python, path, src)? else {
            return Ok(None);
        };
        let wanted = std::collections::BTreeSet::from([name.to_owned()]);
        Ok(super::bindings::python_module_effects(tree.root_node(), src, &wanted).remove(name))
    }
    #[cfg(not(feature = "lang-python"))]
    {
        let _ = (path, src, name);
        Ok(None)
    }
}

/// What a Python test module's import may change for the tests of other modules, each
/// statement's text (see `import_hazards::python_import_patches`): `None` when it does not
/// parse.
pub fn python_import_patches(path: &str, src: &str) -> Result<Option<Vec<String>>> {
    #[cfg(feature = "lang-python")]
    {
        let Some(tree) = parse_clean(Lang::Python, path, src)? else {
            return Ok(None);
        };
        Ok(Some(super::import_hazards::python_import_patches(
            tree.root_node(),
            src,
        )))
    }
    #[cfg(not(feature = "lang-python"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// Where the Python file at `path` writes to one of `modules` (see
/// `import_hazards::python_writes_to_modules`): `None` when it does not parse.
pub fn python_writes_to_modules(
    path: &str,
    src: &str,
    modules: &[String],
) -> Result<Option<Vec<(usize, String)>>> {
    #[cfg(feature = "lang-python")]
    {
        let Some(tree) = parse_clean(Lang::Python, path, src)? else {
            return Ok(None);
        };
        Ok(Some(super::import_hazards::python_writes_to_modules(
            tree.root_node(),
            src,
            modules,
        )))
    }
    #[cfg(not(feature = "lang-python"))]
    {
        let _ = (path, src, modules);
        Ok(None)
    }
}

/// The pytest hooks the `conftest.py` at `path` holds at its top (see
/// `import_hazards::python_pytest_hooks`): `None` when it does not parse.
pub fn python_pytest_hooks(path: &str, src: &str) -> Result<Option<Vec<String>>> {
    #[cfg(feature = "lang-python")]
    {
        let Some(tree) = parse_clean(Lang::Python, path, src)? else {
            return Ok(None);
        };
        Ok(Some(super::import_hazards::python_pytest_hooks(
            tree.root_node(),
            src,
        )))
    }
    #[cfg(not(feature = "lang-python"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// What the JavaScript/TypeScript module `path` does at its top to the builtins and runner
/// globals the tests' assertions run through (see `import_hazards::js_global_patches`):
/// `None` when it does not parse or is not JavaScript/TypeScript.
pub fn js_global_patches(path: &str, src: &str) -> Result<Option<Vec<String>>> {
    #[cfg(any(feature = "lang-javascript", feature = "lang-typescript"))]
    {
        let Some(lang) = Lang::of_path(path).filter(|l| l.is_js()) else {
            return Ok(None);
        };
        let Some(tree) = parse_clean(lang, path, src)? else {
            return Ok(None);
        };
        Ok(Some(super::import_hazards::js_global_patches(
            tree.root_node(),
            src,
        )))
    }
    #[cfg(not(any(feature = "lang-javascript", feature = "lang-typescript")))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// What the Python module `path` does at its top to the test frameworks and builtins (see
/// `import_hazards::python_framework_patches`): `None` when it does not parse.
pub fn python_framework_patches(path: &str, src: &str) -> Result<Option<Vec<String>>> {
    #[cfg(feature = "lang-python")]
    {
        let Some(tree) = parse_clean(Lang::Python, path, src)? else {
            return Ok(None);
        };
        Ok(Some(super::import_hazards::python_framework_patches(
            tree.root_node(),
            src,
        )))
    }
    #[cfg(not(feature = "lang-python"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// The modules the Python or JavaScript/TypeScript file `path` loads, as its import
/// statements name them anywhere in the file (a function's own imports run when it is
/// called): Python's `import a.b` (`a.b`) and `from a import b` (`a` and `a.b`, `b` may be a
/// submodule; `from . import b`, `.b`); JS/TS `import … from 'm'`, `import 'm'`, `export …
/// from 'm'` (not type-only ones), `require('m')` and `import('m')` with a literal
/// specifier. `None` when it does not parse or is of another language.
pub fn loaded_modules(path: &str, src: &str) -> Result<Option<Vec<String>>> {
    let Some(lang) = Lang::of_path(path).filter(|l| *l == Lang::Python || l.is_js()) else {
        return Ok(None);
    };
    let Some(tree) = parse_clean(lang, path, src)? else {
        return Ok(None);
    };
    let text = |n: tree_sitter::Node<'_>| n.utf8_text(src.as_bytes()).unwrap_or("").to_owned();
    let unquote = |s: String| {
        s.trim_matches(|c| c == '\'' || c == '"' || c == '`')
            .to_owned()
    };
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
        match (lang, n.kind()) {
            (Lang::Python, "import_statement") => {
                let mut c = n.walk();
                for name in n.children_by_field_name("name", &mut c) {
                    let dotted = if name.kind() == "aliased_import" {
                        name.field("name").map(text).unwrap_or_default()
                    } else {
                        text(name)
                    };
                    out.push(dotted);
                }
            }
            (Lang::Python, "import_from_statement") => {
                let Some(module) = n.field("module_name").map(text) else {
                    continue;
                };
                out.push(module.clone());
                let mut c = n.walk();
                for name in n.children_by_field_name("name", &mut c) {
                    let name = if name.kind() == "aliased_import" {
                        name.field("name").map(text).unwrap_or_default()
                    } else {
                        text(name)
                    };
                    if module.ends_with('.') {
                        out.push(format!("{module}{name}"));
                    } else {
                        out.push(format!("{module}.{name}"));
                    }
                }
            }
            (_, "import_statement" | "export_statement") if lang.is_js() => {
                let type_only = {
                    let mut c = n.walk();
                    n.children(&mut c)
                        .any(|k| k.kind() == "type" || k.kind() == "typeof")
                };
                if let Some(source) = n.field("source")
                    && !type_only
                {
                    out.push(unquote(text(source)));
                }
            }
            (_, "call_expression") if lang.is_js() => {
                let callee = n.field("function");
                let is_loader = callee.is_some_and(|f| {
                    f.kind() == "import" || (f.kind() == "identifier" && text(f) == "require")
                });
                if is_loader
                    && let Some(args) = n.field("arguments")
                    && let Some(first) = args.named_child(0)
                    && first.kind() == "string"
                {
                    out.push(unquote(text(first)));
                }
            }
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    Ok(Some(out))
}

/// Where the Python, JavaScript/TypeScript or Go module `path`, not the tests' own code,
/// reaches the test runner (see `import_hazards::runner_reaches`, and for Go the test
/// binary's command line, `import_hazards::go_runner_reaches`), each with its line: `None`
/// when it does not parse or is of another language.
pub fn runner_reaches(path: &str, src: &str) -> Result<Option<Vec<(usize, String)>>> {
    let Some(lang) =
        Lang::of_path(path).filter(|l| *l == Lang::Python || *l == Lang::Go || l.is_js())
    else {
        return Ok(None);
    };
    let Some(tree) = parse_clean(lang, path, src)? else {
        return Ok(None);
    };
    if lang == Lang::Go {
        return Ok(Some(super::import_hazards::go_runner_reaches(
            tree.root_node(),
            src,
        )));
    }
    Ok(Some(super::import_hazards::runner_reaches(
        lang == Lang::Python,
        tree.root_node(),
        src,
    )))
}

/// The functions of the test file `path` whose effects outlive the call (see
/// `import_hazards::test_code_writing_shared_state`): `None` when it does not parse or its
/// language is not read.
pub fn test_code_writing_shared_state(
    path: &str,
    src: &str,
    cx: super::import_hazards::TestFileReading<'_>,
) -> Result<Option<Vec<(usize, String)>>> {
    let Some(lang) = Lang::of_path(path) else {
        return Ok(None);
    };
    let Some(tree) = parse_clean(lang, path, src)? else {
        return Ok(None);
    };
    Ok(Some(super::import_hazards::reading_file(src, || {
        super::import_hazards::test_code_writing_shared_state(tree.root_node(), src, cx)
    })))
}

/// The functions of a Python or JavaScript/TypeScript file of the tests that write what
/// they are handed (`def install(mod): mod.total = …`), counting `imported` (the names it
/// binds to such helpers of other files) as such; `None` when it does not parse or is in
/// another language.
pub fn fillers(
    path: &str,
    src: &str,
    imported: &std::collections::BTreeSet<String>,
) -> Result<Option<std::collections::BTreeSet<String>>> {
    let Some(lang) = Lang::of_path(path).filter(|l| *l == Lang::Python || l.is_js()) else {
        return Ok(None);
    };
    let Some(tree) = parse_clean(lang, path, src)? else {
        return Ok(None);
    };
    Ok(Some(super::import_hazards::reading_file(src, || {
        super::import_hazards::fillers_of(tree.root_node(), src, lang == Lang::Python, imported)
    })))
}

/// What a JavaScript/TypeScript file exports from another module without binding it (see
/// `bindings::js_reexports`); none for another language or a file that does not parse.
pub fn js_reexports(path: &str, src: &str) -> Result<Vec<super::bindings::Reexport>> {
    let Some(lang) = Lang::of_path(path).filter(|l| l.is_js()) else {
        return Ok(Vec::new());
    };
    Ok(parse_clean(lang, path, src)?
        .map(|t| super::bindings::js_reexports(t.root_node(), src))
        .unwrap_or_default())
}

/// The texts of the module bindings of a Python or JavaScript/TypeScript file (its imports
/// among them); `None` when it does not parse or is in another language.
pub fn module_binding_texts(path: &str, src: &str) -> Result<Option<Vec<String>>> {
    let Some(lang) = Lang::of_path(path).filter(|l| *l == Lang::Python || l.is_js()) else {
        return Ok(None);
    };
    let Some(tree) = parse_clean(lang, path, src)? else {
        return Ok(None);
    };
    let name = if lang == Lang::Python { "python" } else { "js" };
    Ok(Some(
        super::bindings::module_bindings(name, tree.root_node(), src)
            .into_iter()
            .map(|b| b.text)
            .collect(),
    ))
}

/// The module bindings of a Python file (see `bindings::module_bindings`); `None` when it does
/// not parse or is in another language.
pub fn python_module_bindings(
    path: &str,
    src: &str,
) -> Result<Option<Vec<super::bindings::Binding>>> {
    if Lang::of_path(path) != Some(Lang::Python) {
        return Ok(None);
    }
    Ok(parse_clean(Lang::Python, path, src)?
        .map(|tree| super::bindings::module_bindings("python", tree.root_node(), src)))
}

/// The module bindings of a Rust file (see `bindings::module_bindings`); `None` when it does
/// not parse or is in another language.
pub fn rust_module_bindings(
    path: &str,
    src: &str,
) -> Result<Option<Vec<super::bindings::Binding>>> {
    if Lang::of_path(path) != Some(Lang::Rust) {
        return Ok(None);
    }
    Ok(parse_clean(Lang::Rust, path, src)?
        .map(|tree| super::bindings::module_bindings("rust", tree.root_node(), src)))
}

/// The module bindings of a JavaScript/TypeScript file (see `bindings::module_bindings`);
/// `None` when it does not parse or is in another language.
pub fn js_module_bindings(path: &str, src: &str) -> Result<Option<Vec<super::bindings::Binding>>> {
    let Some(lang) = Lang::of_path(path).filter(|l| l.is_js()) else {
        return Ok(None);
    };
    Ok(parse_clean(lang, path, src)?
        .map(|tree| super::bindings::module_bindings("js", tree.root_node(), src)))
}

/// What importing the Python module `path` runs (see
/// `bindings::python_module_level_effects`): `None` when it does not parse.
pub fn python_import_effects(
    path: &str,
    src: &str,
) -> Result<Option<(super::bindings::Effects, String)>> {
    #[cfg(feature = "lang-python")]
    {
        let Some(tree) = parse_clean(Lang::Python, path, src)? else {
            return Ok(None);
        };
        Ok(Some(super::bindings::python_module_level_effects(
            tree.root_node(),
            src,
        )))
    }
    #[cfg(not(feature = "lang-python"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// What importing the JavaScript or TypeScript module `path` runs that may change anything:
/// whether its top level holds code that runs before the tests of a file importing it
/// (a call that does not register a test, a value that patches on the way, `import
/// './patch.js'`, see `bindings::module_bindings`), and the text it is locked as: that code,
/// and the functions of the module its top level calls. `None` when it does not parse.
pub fn js_import_effects(path: &str, src: &str) -> Result<Option<(bool, String)>> {
    #[cfg(any(feature = "lang-javascript", feature = "lang-typescript"))]
    {
        let Some(lang) = Lang::of_path(path).filter(|l| l.is_js()) else {
            return Ok(None);
        };
        let Some(tree) = parse_clean(lang, path, src)? else {
            return Ok(None);
        };
        let root = tree.root_node();
        // Code that runs, a value that reaches a name on the way, or an assignment to a member
        // of a name (`billing.total = …`) other than its own exports.
        let changing: Vec<String> = super::bindings::module_bindings("js", root, src)
            .into_iter()
            .filter(|b| {
                let root_name = b.text.split(['.', '[', '=']).next().unwrap_or("").trim();
                let member = b
                    .text
                    .split_once('=')
                    .is_some_and(|(l, _)| l.contains(['.', '[']))
                    && !matches!(root_name, "module" | "exports" | "this");
                b.all || !b.reaches.is_empty() || member
            })
            .map(|b| b.text)
            .collect();
        let calls = super::bindings::js_import_time_calls(root, src);
        let mut parts = changing.clone();
        parts.extend(
            super::bindings::file_functions(root, src, js::rules())
                .into_iter()
                .filter(|f| calls.contains(&f.name))
                .map(|f| f.text),
        );
        Ok(Some((!changing.is_empty(), parts.join("\n"))))
    }
    #[cfg(not(any(feature = "lang-javascript", feature = "lang-typescript")))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// A Go file's package and the constants of it a test in another file of the package may
/// read as their literals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageConstants {
    pub package: String,
    /// `(name, literal as written)`: untyped, one name bound to one basic literal (or `true`,
    /// `false`), at package level; every other constant of the package level with an empty
    /// literal (it is declared, but not read as a literal).
    pub constants: Vec<(String, String)>,
}

/// The literals an untyped constant holds exactly as written where it is read.
pub(crate) fn go_is_basic_literal(kind: &str) -> bool {
    matches!(
        kind,
        "interpreted_string_literal"
            | "raw_string_literal"
            | "int_literal"
            | "float_literal"
            | "rune_literal"
            | "imaginary_literal"
            | "true"
            | "false"
    )
}

/// What a Go file tells of its package's variables, for a test that puts one back as the
/// package starts it (`EnableX = defaultX` as its last statement): see
/// [`go_initial_values`].
#[derive(Debug, Clone, Default)]
pub struct GoVarStarts {
    pub package: String,
    /// Its package-level `var` names, each with its value as written when the spec binds
    /// one name to one basic literal, `nil` or a name (`""` otherwise).
    pub vars: Vec<(String, String)>,
    /// Its package-level constants.
    pub consts: std::collections::BTreeSet<String>,
    /// The names it assigns (`X = …`, `X++`, `&X`) in any function but a top-level
    /// `Test…`/`Benchmark…`/`Fuzz…`/`Example…` one, and every name its start code mentions
    /// (`func init()`, `TestMain`, a package-level `var` whose value calls or holds a
    /// function): what may set a variable other than the tests themselves.
    pub set_elsewhere: std::collections::BTreeSet<String>,
    /// A top-level `Test…` function of it ends with an assignment to a name (`X = V`).
    pub test_ends_setting: bool,
}

/// The [`GoVarStarts`] of a Go file: `None` when it does not parse or has no package clause.
pub fn go_var_starts(path: &str, src: &str) -> Result<Option<GoVarStarts>> {
    #[cfg(feature = "lang-go")]
    {
        Ok(parse_go(path, src)?
            .filter(|tree| !tree.root_node().has_error())
            .and_then(|tree| go::var_starts(src, tree.root_node())))
    }
    #[cfg(not(feature = "lang-go"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// The package-level variables of a Go package (the [`GoVarStarts`] of each of its files,
/// those of every build constraint included) that start with a value a test can write
/// again: declared once, as `var X = V` where `V` is a basic literal, `nil` or a constant
/// the package declares once, and set by nothing but its tests (see
/// [`GoVarStarts::set_elsewhere`]). `X → V`, as written.
pub fn go_initial_values(files: &[GoVarStarts]) -> std::collections::BTreeMap<String, String> {
    use std::collections::BTreeMap;
    let mut declared: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut consts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in files {
        for (name, value) in &f.vars {
            declared.entry(name).or_default().push(value);
        }
        for c in &f.consts {
            *consts.entry(c).or_default() += 1;
        }
    }
    let mut out = BTreeMap::new();
    for (name, values) in declared {
        let [value] = values.as_slice() else {
            continue;
        };
        let literal = value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '"' || c == '`' || c == '\'')
            || matches!(*value, "true" | "false" | "nil");
        let constant = consts.get(value).copied() == Some(1)
            && !declared_elsewhere(files, value)
            && !matches!(*value, "true" | "false" | "nil");
        if (literal || constant) && !files.iter().any(|f| f.set_elsewhere.contains(name)) {
            out.insert(name.to_owned(), (*value).to_owned());
        }
    }
    out
}

/// Whether `name` is also a package-level variable of one of `files`.
fn declared_elsewhere(files: &[GoVarStarts], name: &str) -> bool {
    files.iter().any(|f| f.vars.iter().any(|(n, _)| n == name))
}

/// The [`PackageConstants`] of a Go file: `None` when it does not parse or is compiled only
/// under a build constraint.
pub fn go_package_constants(path: &str, src: &str) -> Result<Option<PackageConstants>> {
    #[cfg(feature = "lang-go")]
    {
        Ok(
            parse_go(path, src)?
                .and_then(|tree| go::package_constants(path, src, tree.root_node())),
        )
    }
    #[cfg(not(feature = "lang-go"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// A Go file with its loops over slice literals that only report written out once per
/// element (see [`go::unrolled_loops`]); `None` when it has none.
pub fn go_unrolled_loops(path: &str, src: &str) -> Result<Option<String>> {
    #[cfg(feature = "lang-go")]
    {
        Ok(parse_go(path, src)?.and_then(|tree| go::unrolled_loops(src, tree.root_node())))
    }
    #[cfg(not(feature = "lang-go"))]
    {
        let _ = (path, src);
        Ok(None)
    }
}

/// Every grammar compiled into this build, each with whether it is TypeScript's (whose
/// types are erased from fingerprints).
pub(crate) fn grammars() -> Vec<(tree_sitter::Language, Lang)> {
    [
        Lang::Rust,
        Lang::Python,
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::Go,
    ]
    .into_iter()
    .filter_map(|l| l.grammar().map(|g| (g, l)))
    .collect()
}

/// The module-level functions of a parsed Python, Go or JavaScript/TypeScript file (see
/// [`super::bindings::file_functions`]); none for Rust.
fn functions_of(
    lang: Lang,
    root: tree_sitter::Node<'_>,
    src: &str,
) -> Vec<super::bindings::FileFunction> {
    match lang {
        #[cfg(feature = "lang-python")]
        Lang::Python => super::bindings::file_functions(root, src, python::rules()),
        #[cfg(feature = "lang-go")]
        // As the file's tests are read (`strings.Replace(…, -1)` as `strings.ReplaceAll`).
        Lang::Go => super::analysis::with_go_std(root, src, || {
            super::bindings::file_functions(root, src, go::rules())
        }),
        #[cfg(feature = "lang-javascript")]
        Lang::JavaScript => super::analysis::with_global_window(root, src, || {
            super::bindings::file_functions(root, src, js::rules())
        }),
        #[cfg(feature = "lang-typescript")]
        Lang::TypeScript | Lang::Tsx => super::analysis::with_global_window(root, src, || {
            super::bindings::file_functions(root, src, js::rules())
        }),
        #[allow(
            unreachable_patterns,
            reason = "reachable when a grammar feature is off"
        )]
        _ => {
            let _ = (root, src);
            Vec::new()
        }
    }
}

/// What a Rust file declares of a module in a file of its own (see [`rust::Declaration`]).
#[cfg(feature = "lang-rust")]
pub(crate) type RustDeclaration = rust::Declaration;

/// The modules the Rust file `path` declares in files of their own (see
/// [`rust::declarations`]); none when it does not parse.
#[cfg(feature = "lang-rust")]
pub(crate) fn rust_declarations(path: &str, src: &str) -> Result<Vec<(String, rust::Declaration)>> {
    Ok(parse_clean(Lang::Rust, path, src)?
        .map(|t| rust::declarations(t.root_node(), src))
        .unwrap_or_default())
}

/// What the Rust file `path` compiles differently under `cfg(test)`, and the modules it
/// declares in files of their own only under test (see [`rust::test_cfgs`]); `None` when
/// it does not parse.
#[cfg(feature = "lang-rust")]
pub(crate) fn rust_test_cfgs(path: &str, src: &str) -> Result<Option<(Vec<String>, Vec<String>)>> {
    Ok(parse_clean(Lang::Rust, path, src)?.map(|t| rust::test_cfgs(t.root_node(), src)))
}

/// The `macro_rules!` the Rust file `path` defines at its top level, name and text.
#[cfg(feature = "lang-rust")]
pub(crate) fn rust_macros(path: &str, src: &str) -> Result<Vec<(String, String)>> {
    Ok(parse_clean(Lang::Rust, path, src)?
        .map(|t| rust::top_macros(t.root_node(), src))
        .unwrap_or_default())
}

/// The module-level functions of the file `path` holds (a helper module a test imports):
/// `None` when gatekeeper does not read its language or it does not parse.
pub fn module_functions(path: &str, src: &str) -> Result<Option<super::bindings::ModuleParts>> {
    let Some(lang) = Lang::of_path(path) else {
        return Ok(None);
    };
    Ok(
        parse_clean(lang, path, src)?.map(|t| super::bindings::ModuleParts {
            functions: match lang {
                #[cfg(feature = "lang-rust")]
                Lang::Rust => rust::functions(t.root_node(), src)
                    .into_iter()
                    .filter(|(modules, _)| modules.is_empty())
                    .map(|(_, f)| f)
                    .collect(),
                _ => functions_of(lang, t.root_node(), src),
            },
            bindings: match lang {
                Lang::Rust => super::bindings::module_bindings("rust", t.root_node(), src),
                Lang::Python => super::bindings::module_bindings("python", t.root_node(), src),
                Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
                    super::analysis::with_global_window(t.root_node(), src, || {
                        super::bindings::module_bindings("js", t.root_node(), src)
                    })
                }
                Lang::Go => Vec::new(),
            },
            classes: match lang {
                #[cfg(feature = "lang-python")]
                Lang::Python => {
                    super::bindings::module_classes(t.root_node(), src, python::rules())
                }
                #[allow(
                    unreachable_patterns,
                    reason = "reachable when a grammar feature is off"
                )]
                _ => Vec::new(),
            },
            reexports: if lang.is_js() {
                super::bindings::js_reexports(t.root_node(), src)
            } else {
                Vec::new()
            },
        }),
    )
}

/// The functions a Rust test reaches by a plain name in its file (see
/// `rust::visible_functions`); none without the Rust grammar.
pub fn rust_visible_functions(
    t: &super::analysis::TestItem,
    functions: &[(Vec<String>, super::bindings::FileFunction)],
) -> Vec<super::bindings::FileFunction> {
    #[cfg(feature = "lang-rust")]
    {
        rust::visible_functions(&rust::test_scope(t), functions)
    }
    #[cfg(not(feature = "lang-rust"))]
    {
        let _ = (t, functions);
        Vec::new()
    }
}

/// `src` parsed as `lang`: `None` when that grammar is not built in or the file does not
/// parse without errors.
pub(crate) fn parse_clean(lang: Lang, path: &str, src: &str) -> Result<Option<tree_sitter::Tree>> {
    if lang.grammar().is_none() {
        return Ok(None);
    }
    Ok(parse_kept(lang, path, src)?.filter(|t| !t.root_node().has_error()))
}

/// The syntax tree of `src` in `lang`'s grammar, errors included (`None` when the parser
/// gave up). A command reads the same file text several times (its tests, then what it
/// writes beyond them, then its bindings), on several threads: the trees of the last texts
/// parsed are kept for the whole process and shared (a `Tree` is read-only; a copy of one
/// shares its nodes). Only the same text in the same grammar is ever answered.
pub(crate) fn parse_kept(lang: Lang, path: &str, src: &str) -> Result<Option<tree_sitter::Tree>> {
    /// The trees kept, and the texts another thread is parsing now: a thread asking for one
    /// of those waits for its tree instead of parsing the same text again (the check reads
    /// what tests leave to later tests beside the locked tests, from the same files).
    struct Kept {
        trees: Vec<(Lang, String, tree_sitter::Tree)>,
        parsing: Vec<(Lang, String)>,
    }
    static KEPT: std::sync::Mutex<Kept> = std::sync::Mutex::new(Kept {
        trees: Vec::new(),
        parsing: Vec::new(),
    });
    static PARSED: std::sync::Condvar = std::sync::Condvar::new();
    const KEEP: usize = 128;
    /// Takes the text off the list of those being parsed however the parse ends, and wakes
    /// the threads waiting for it.
    struct Parsing<'a>(Lang, &'a str);
    impl Drop for Parsing<'_> {
        fn drop(&mut self) {
            let mut kept = KEPT
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(at) = kept
                .parsing
                .iter()
                .position(|(l, t)| *l == self.0 && t.as_str() == self.1)
            {
                kept.parsing.remove(at);
            }
            drop(kept);
            PARSED.notify_all();
        }
    }
    let parsing = {
        let mut kept = KEPT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            if let Some(at) = kept
                .trees
                .iter()
                .position(|(l, t, _)| *l == lang && t.as_str() == src)
            {
                // The one found is kept longest.
                let entry = kept.trees.remove(at);
                let tree = entry.2.clone();
                kept.trees.push(entry);
                return Ok(Some(tree));
            }
            if !kept
                .parsing
                .iter()
                .any(|(l, t)| *l == lang && t.as_str() == src)
            {
                kept.parsing.push((lang, src.to_owned()));
                break Parsing(lang, src);
            }
            // Another thread is parsing this text: its tree is kept when it is done (or
            // nothing is, when the parser gave up, and this thread then tries itself).
            kept = PARSED
                .wait(kept)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    };
    let Some(grammar) = lang.grammar() else {
        return Err(anyhow!(
            "`{path}` needs the `{}` feature, which this build of gatekeeper lacks",
            lang.feature()
        ));
    };
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&grammar)
        .map_err(|e| anyhow!("failed to load the grammar for `{path}`: {e}"))?;
    let Some(tree) = parser.parse(src, None) else {
        return Ok(None);
    };
    {
        let mut kept = KEPT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if kept.trees.len() >= KEEP {
            kept.trees.remove(0);
        }
        kept.trees.push((lang, src.to_owned(), tree.clone()));
    }
    drop(parsing);
    Ok(Some(tree))
}

/// Finds the tests of one file. `sacred_path`: the file matches `sacred.paths`; `want`:
/// which tests to build in full; `test_functions`: the project's own functions that register
/// a test like `it`/`test` (`sacred.test_functions`, JavaScript/TypeScript).
pub fn scan(
    path: &str,
    src: &str,
    sacred_path: bool,
    want: &Want,
    test_functions: &[String],
) -> Result<Option<FileScan>> {
    super::import_hazards::reading_file(src, || {
        scan_reading(path, src, sacred_path, want, test_functions)
    })
}

/// [`scan`], while its text is read ([`super::import_hazards::reading_file`]).
#[cfg_attr(
    not(any(
        feature = "lang-rust",
        feature = "lang-python",
        feature = "lang-javascript",
        feature = "lang-typescript",
        feature = "lang-go"
    )),
    allow(
        unreachable_code,
        unused_variables,
        reason = "no grammar is compiled in"
    )
)]
fn scan_reading(
    path: &str,
    src: &str,
    sacred_path: bool,
    want: &Want,
    test_functions: &[String],
) -> Result<Option<FileScan>> {
    let Some(lang) = Lang::of_path(path) else {
        return Ok(None);
    };
    super::bindings::forget_class_functions();
    let tree =
        parse_kept(lang, path, src)?.ok_or_else(|| anyhow!("the parser gave up on `{path}`"))?;
    let root = tree.root_node();
    let scan: FileScan = match lang {
        #[cfg(feature = "lang-rust")]
        Lang::Rust => rust::scan(path, src, root, sacred_path, want),
        #[cfg(feature = "lang-python")]
        Lang::Python => super::analysis::with_python_set(root, src, || {
            python::scan(path, src, root, sacred_path, want)
        }),
        #[cfg(feature = "lang-javascript")]
        Lang::JavaScript => super::analysis::with_global_window(root, src, || {
            js::scan("js", path, src, root, sacred_path, want, test_functions)
        }),
        #[cfg(feature = "lang-typescript")]
        Lang::TypeScript | Lang::Tsx => super::analysis::with_global_window(root, src, || {
            js::scan("ts", path, src, root, sacred_path, want, test_functions)
        }),
        #[cfg(feature = "lang-go")]
        Lang::Go => {
            super::analysis::with_go_std(root, src, || go::scan(path, src, root, sacred_path, want))
        }
        #[allow(
            unreachable_patterns,
            reason = "reachable when a grammar feature is off"
        )]
        _ => return Ok(None),
    };
    let mut scan = scan;
    // A listing shows where each test is: nothing of its file is read for a lock.
    if !scan.tests.is_empty() && !matches!(want, Want::Listing) {
        let lang_name = match lang {
            Lang::Rust => "rust",
            Lang::Python => "python",
            Lang::Go => "go",
            _ => "js",
        };
        let all = if lang_name == "js" {
            super::analysis::with_global_window(root, src, || {
                super::bindings::module_bindings_with(lang_name, root, src, test_functions)
            })
        } else if lang_name == "go" {
            // As the file's tests are read (`interface{}` as `any`).
            super::analysis::with_go_std(root, src, || {
                super::bindings::module_bindings(lang_name, root, src)
            })
        } else {
            super::bindings::module_bindings(lang_name, root, src)
        };
        let module_setups = super::bindings::setups_read(lang_name, root, src, false);
        let fixtures = if lang_name == "python" {
            super::bindings::python_fixture_definitions(root, src)
        } else {
            Vec::new()
        };
        // What the module calls while it is imported runs before every test of the file:
        // each test is locked with those functions (`at import: helper NAME: TEXT`).
        let import_calls = if lang_name == "python" {
            super::bindings::python_import_time_calls(root, src)
        } else if lang_name == "js" {
            super::bindings::js_import_time_calls(root, src)
        } else if lang_name == "go" {
            super::bindings::go_import_time_calls(root, src)
        } else {
            std::collections::BTreeSet::new()
        };
        // The check helpers of the file.
        let functions = functions_of(lang, root, src);
        #[cfg(feature = "lang-rust")]
        let rust_functions = if lang == Lang::Rust {
            rust::functions(root, src)
        } else {
            Vec::new()
        };
        // What each function of the file the module calls while it is imported may change
        // when called (Python; elsewhere every such function runs before every test).
        let effects = if lang_name == "python" && !import_calls.is_empty() {
            super::bindings::python_module_effects(root, src, &import_calls)
        } else {
            std::collections::BTreeMap::new()
        };
        let classes_at_import: Vec<(String, bool)> = if lang_name == "python" {
            super::bindings::python_classes_run_at_import(root, src, &import_calls, &effects)
        } else {
            Vec::new()
        };
        // Those that may change anything, with what they call, for every test of the file;
        // those that change nothing are recorded for their text only.
        let none = std::collections::BTreeSet::new();
        // The functions a call at import or a helper's read reaches: a helper class's
        // construction is read apart (`classes_at_import`), and what its methods read is
        // not followed.
        let callable: Vec<super::bindings::FileFunction> =
            functions.iter().filter(|f| !f.is_class).cloned().collect();
        let (changing, pure): (std::collections::BTreeSet<String>, _) = import_calls
            .iter()
            .cloned()
            .partition(|c| effects.get(c).is_none_or(super::bindings::Effects::any));
        let at_import_lines = |changing: &std::collections::BTreeSet<String>,
                               pure: &std::collections::BTreeSet<String>|
         -> Vec<String> {
            let refusing = super::bindings::reached_helpers(&none, changing, &callable, "");
            let mut lines: Vec<String> = refusing
                .iter()
                .map(|l| format!("{}{l}", super::bindings::AT_IMPORT))
                .chain(classes_at_import.iter().map(|(l, changes)| {
                    if *changes {
                        format!("{}{l}", super::bindings::AT_IMPORT)
                    } else {
                        format!("{}{l}", super::bindings::AT_IMPORT_PURE)
                    }
                }))
                .collect();
            lines.extend(
                super::bindings::reached_helpers(&none, pure, &callable, "")
                    .into_iter()
                    .filter(|l| !refusing.contains(l))
                    .map(|l| format!("{}{l}", super::bindings::AT_IMPORT_PURE)),
            );
            lines
        };
        let shared_at_import = at_import_lines(&changing, &pure);
        // The classes that hold tests (a hook reaching one serves no code).
        let test_classes: std::collections::BTreeSet<String> = scan
            .tests
            .iter()
            .flat_map(|t| {
                let parts: Vec<&str> = t.id.split("::").skip(1).collect();
                parts[..parts.len().saturating_sub(1)]
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect::<Vec<_>>()
            })
            .collect();
        for t in &mut scan.tests {
            // What the test reads, itself or through the helpers of the file it calls.
            let reads = {
                let mut direct = t.used.clone();
                direct.extend(t.envelope_used.iter().cloned());
                direct.extend(t.assertion_uses.iter().cloned());
                super::bindings::uses_through_helpers(
                    &direct,
                    &super::bindings::with_class_functions(&callable, t),
                    super::bindings::own_function(t),
                )
            };
            // One that changes nothing is still compared as written for a test that names
            // it (its own decorator).
            let named: std::collections::BTreeSet<String> = pure
                .iter()
                .filter(|c| t.used.contains(*c) || t.envelope_used.contains(*c))
                .cloned()
                .collect();
            let at_import = if named.is_empty() {
                shared_at_import.clone()
            } else {
                let mut changing = changing.clone();
                changing.extend(named.iter().cloned());
                let pure = pure.difference(&named).cloned().collect();
                at_import_lines(&changing, &pure)
            };
            let concerning = |names: &std::collections::BTreeSet<String>| -> Vec<String> {
                all.iter()
                    .filter(|b| b.concerns(names))
                    .map(|b| b.text.clone())
                    .collect()
            };
            let mut mine = concerning(&t.used);
            // A binding only its helpers read (`billing.total = f` where `check()` reads
            // `billing`).
            let around_direct = concerning(&t.envelope_used);
            let mut via_helpers: Vec<String> = all
                .iter()
                .filter(|b| b.concerns(&reads))
                .map(|b| b.text.clone())
                .filter(|b| !mine.contains(b) && !around_direct.contains(b))
                .map(|b| format!("{}{b}", super::bindings::VIA_HELPER))
                .collect();
            // What the methods its framework calls for it read (tornado's `get_app`, a
            // `setUp`), themselves or through the helpers they call: the modules they import
            // by a name (`import fake as billing` under a `get_app` that serves `billing`).
            // The classes and functions of the file they reach (the handlers a `get_app`
            // serves, what those call) are what the test runs against: locked as written,
            // with what those read in turn, but for classes that hold tests.
            let hook_names: std::collections::BTreeSet<String> = t
                .setups
                .iter()
                .filter_map(|l| super::bindings::hook_method(l).map(|(n, _)| format!(".{n}")))
                .collect();
            let served: Vec<super::bindings::FileFunction> = if lang_name == "python"
                && !hook_names.is_empty()
            {
                let all_functions = super::bindings::with_class_functions(&functions, t);
                super::bindings::reached_indices(
                    &hook_names,
                    &all_functions,
                    super::bindings::own_function(t),
                )
                .into_iter()
                .map(|i| all_functions[i].clone())
                .filter(|f| {
                    !f.name.starts_with('.') && f.file.is_none() && !test_classes.contains(&f.name)
                })
                .collect()
            } else {
                Vec::new()
            };
            let hook_reads = {
                let mut names = hook_names.clone();
                for f in &served {
                    names.extend(f.uses.iter().cloned());
                }
                super::bindings::uses_through_helpers(
                    &names,
                    &super::bindings::with_class_functions(&callable, t),
                    super::bindings::own_function(t),
                )
            };
            for b in all.iter().filter(|b| {
                (b.text.starts_with("import ") || b.text.starts_with("from "))
                    && b.concerns(&hook_reads)
            }) {
                let line = format!("{}{}", super::bindings::VIA_HELPER, b.text);
                if !mine.contains(&b.text)
                    && !around_direct.contains(&b.text)
                    && !via_helpers.contains(&line)
                {
                    via_helpers.push(line);
                }
            }
            let reads: std::collections::BTreeSet<String> =
                reads.union(&hook_reads).cloned().collect();
            // A fixture the test requests binds its names from outside it too.
            mine.extend(
                t.fixtures
                    .iter()
                    .filter(|f| !super::bindings::PYTEST_FIXTURES.contains(&f.as_str()))
                    .map(|f| format!("fixture {f}")),
            );
            mine.sort();
            t.bindings = mine;
            let mut around = concerning(&t.envelope_used);
            // A class attribute, read by a method's decorator or as `self.X` in its body (and
            // how it reads: an annotation nothing reads erased).
            for b in t
                .class_bindings
                .iter()
                .filter(|b| b.concerns(&t.envelope_used) || b.concerns(&t.used))
            {
                around.push(b.text.clone());
                if let Some(read) = &b.read {
                    t.envelope_reads.insert(b.text.clone(), read.clone());
                }
            }
            // A fixture of the file the test requests, and every autouse one, as written.
            around.extend(fixtures.iter().filter_map(|f| {
                if f.autouse {
                    Some(format!("autouse fixture {}: {}", f.name, f.text))
                } else {
                    t.fixtures
                        .contains(&f.name)
                        .then(|| format!("fixture {}: {}", f.name, f.text))
                }
            }));
            #[cfg(feature = "lang-rust")]
            if lang == Lang::Rust {
                around.extend(super::bindings::reached_helpers(
                    &t.used,
                    &t.assertion_uses,
                    &rust::visible_functions(&rust::test_scope(t), &rust_functions),
                    "",
                ));
            }
            let helpers = super::bindings::reached_helpers(
                &t.used,
                &t.assertion_uses,
                &super::bindings::with_class_functions(&functions, t),
                super::bindings::own_function(t),
            );
            // How they read (a local annotation erased).
            t.envelope_reads.extend(super::bindings::helper_line_reads(
                &helpers,
                &super::bindings::with_class_functions(&functions, t),
            ));
            // Under each subclass, its methods hide those of the test's classes.
            for sub in &t.subclass_functions {
                let under: Vec<super::bindings::FileFunction> = functions
                    .iter()
                    .chain(sub)
                    .chain(
                        t.class_functions
                            .iter()
                            .filter(|m| !sub.iter().any(|s| s.name == m.name)),
                    )
                    .cloned()
                    .collect();
                let reached = super::bindings::reached_helpers(
                    &t.used,
                    &t.assertion_uses,
                    &under,
                    super::bindings::own_function(t),
                );
                // How they read, as the test's own helpers do.
                for (line, read) in super::bindings::helper_line_reads(&reached, &under) {
                    if !helpers.contains(&line) {
                        t.envelope_reads.insert(
                            format!("in a subclass: {line}"),
                            format!("in a subclass: {read}"),
                        );
                    }
                }
                for l in reached {
                    if !helpers.contains(&l) {
                        around.push(format!("in a subclass: {l}"));
                    }
                }
            }
            for f in &served {
                let line = format!(
                    "{}{}",
                    super::bindings::SERVED_BY_HOOK,
                    super::bindings::helper_line(f)
                );
                if let Some(read) = &f.read {
                    let as_read = super::bindings::FileFunction {
                        text: read.clone(),
                        read: None,
                        ..f.clone()
                    };
                    t.envelope_reads.insert(
                        line.clone(),
                        format!(
                            "{}{}",
                            super::bindings::SERVED_BY_HOOK,
                            super::bindings::helper_line(&as_read)
                        ),
                    );
                }
                if !around.contains(&line) {
                    around.push(line);
                }
            }
            around.extend(helpers);
            around.extend(at_import);
            around.extend(via_helpers);
            t.reads = reads;
            around.extend(t.setups.iter().cloned());
            around.extend(module_setups.iter().map(|(line, _)| line.clone()));
            t.envelope_reads.extend(
                module_setups
                    .iter()
                    .filter_map(|(line, read)| Some((line.clone(), read.clone()?))),
            );
            around.sort();
            t.envelope_bindings = around;
        }
        scan.module_bindings = all;
        scan.import_calls = import_calls;
        scan.fixtures = fixtures;
        scan.functions = functions;
        #[cfg(feature = "lang-rust")]
        {
            scan.scoped_functions = rust_functions;
        }
    }
    Ok(Some(scan))
}

#[cfg(test)]
mod tests {
    use super::loaded_modules;

    #[test]
    fn modules_a_file_loads() {
        let py = "import a.b as c, d\nfrom e import f, g as h\nfrom . import i\nfrom ..j import k\n\n\ndef lazy():\n    import m\n";
        assert_eq!(
            loaded_modules("x/y.py", py).unwrap().unwrap(),
            [
                ".", "..j", "..j.k", ".i", "a.b", "d", "e", "e.f", "e.g", "m"
            ]
        );
        let js = "import a from './a.js';\nimport './b.js';\nimport type {T} from './t';\nexport * from './c';\nexport {d} from './d';\nconst e = require('./e');\nasync function f() { return import('./f.mjs'); }\nrequire(name);\n";
        assert_eq!(
            loaded_modules("x/y.ts", js).unwrap().unwrap(),
            ["./a.js", "./b.js", "./c", "./d", "./e", "./f.mjs"]
        );
        assert!(loaded_modules("x/y.go", "package x\n").unwrap().is_none());
    }
}
