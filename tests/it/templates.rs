//! Integration tests: every starter template (`gatekeeper init`) on a fresh project, with its
//! tools present (good code passes, bad code is refused) and absent (exit 3 naming the tool).
//! Tools this machine has (cargo/rustfmt, node/npm, python3, grep) are used for real; the
//! others (ruff, pytest, eslint, go, gofmt) are small fakes that behave like them.

use crate::common::{Sandbox, TestRepo, assert_code, assert_success, text};
use crate::fakes::{fake_tool, path_with, path_without, rust_toolchain_env, test_path};

/// A fresh project with `files`, `gatekeeper init`, committed, hooks installed.
fn fresh(sb: &Sandbox, name: &str, files: &[(&str, &str)], ecosystem: &str) -> TestRepo {
    let r = sb.repo(name);
    for (p, c) in files {
        r.write(p, c);
    }
    let out = r.gk(&["init", "--format", "json"]);
    assert_success(&out, "init");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("\"{ecosystem}\"")),
        "{}",
        text(&out)
    );
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "--no-verify", "-m", "fresh project"]);
    assert_success(&r.gk(&["install"]), "install");
    r
}

/// Stages `path` with `content` and commits through the hooks.
fn commit_file(r: &TestRepo, path: &str, content: &str) -> std::process::Output {
    r.write(path, content);
    r.git(&["add", path]);
    r.commit(&format!("change {path}"))
}

/// A pre-commit run that must be exit 3 naming `tool`, with nothing cached.
fn assert_undecided_naming(r: &TestRepo, tool: &str) {
    for attempt in ["first", "again (nothing was cached)"] {
        let out = r.gk(&["hook", "pre-commit"]);
        assert_code(&out, 3, &format!("missing {tool}, {attempt}"));
        let all = text(&out);
        assert!(all.contains(tool), "{tool} is named:\n{all}");
        assert!(all.contains("could not decide"), "{all}");
        assert!(!all.contains("— refused"), "{all}");
    }
}

// ---------------------------------------------------------------- Cargo

const CARGO_TOML: &str =
    "[package]\nname = \"fresh\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n";

fn cargo_project(sb: &Sandbox) -> TestRepo {
    let mut r = fresh(
        sb,
        "cargo",
        &[
            ("Cargo.toml", CARGO_TOML),
            ("src/main.rs", "fn main() {}\n"),
            (".gitignore", "/target\n"),
        ],
        "cargo",
    );
    rust_toolchain_env(&mut r);
    r
}

#[test]
fn cargo_template_passes_good_code_and_refuses_bad_with_real_tools() {
    let sb = Sandbox::new();
    let r = cargo_project(&sb);
    let good = commit_file(&r, "src/main.rs", "fn main() {\n    println!(\"hi\");\n}\n");
    assert_success(&good, "well-formatted code");
    let bad = commit_file(&r, "src/main.rs", "fn main(){println!(\"hi\");}\n");
    assert_code(&bad, 1, "badly formatted code");
    assert!(text(&bad).contains("fmt"), "{}", text(&bad));
    // The pre-push gates (clippy, test) with the real tools, on the good code.
    r.git(&["checkout", "-q", "--", "."]);
    r.git(&["reset", "-q", "--hard"]);
    let out = r.gk(&["run", "--stage", "pre-push", "--all-files"]);
    assert_success(&out, "clippy and test on a fresh crate");
}

#[test]
fn cargo_template_without_cargo_cannot_decide() {
    let sb = Sandbox::new();
    let mut r = cargo_project(&sb);
    let path = path_without(
        &sb,
        "cargo",
        &[
            "cargo",
            "rustfmt",
            "cargo-fmt",
            "cargo-clippy",
            "rustc",
            "rustup",
        ],
    );
    r.set_env("PATH", &path);
    r.write("src/main.rs", "fn main() {}\n// edit\n");
    r.git(&["add", "src/main.rs"]);
    assert_undecided_naming(&r, "`cargo`");
}

// ---------------------------------------------------------------- npm

/// A stand-in for eslint's no-var rule.
const FAKE_ESLINT: &str = r#"status=0
for f in "$@"; do
  case "$f" in -*) continue ;; esac
  if grep -n 'var ' "$f"; then echo "$f: Unexpected var, use let or const instead  no-var"; status=1; fi
done
exit $status"#;

fn npm_project(sb: &Sandbox, with_eslint: bool) -> TestRepo {
    let r = fresh(
        sb,
        "npm",
        &[
            (
                "package.json",
                "{\"name\":\"fresh\",\"version\":\"1.0.0\",\"scripts\":{\"test\":\"node test.js\"}}\n",
            ),
            (
                "package-lock.json",
                "{\"name\":\"fresh\",\"lockfileVersion\":3}\n",
            ),
            ("index.js", "const a = 1;\nmodule.exports = a;\n"),
            (
                "test.js",
                "const assert = require('assert');\nassert.strictEqual(require('./index.js'), 1);\n",
            ),
            (".gitignore", "node_modules/\n"),
        ],
        "npm",
    );
    if with_eslint {
        fake_tool(&r.path("node_modules/.bin"), "eslint", FAKE_ESLINT);
    }
    r
}

#[test]
fn npm_template_passes_good_code_and_refuses_bad() {
    let sb = Sandbox::new();
    let r = npm_project(&sb, true);
    assert_success(
        &commit_file(&r, "index.js", "const a = 2 - 1;\nmodule.exports = a;\n"),
        "good code",
    );
    let bad = commit_file(&r, "index.js", "var a = 1;\nmodule.exports = a;\n");
    assert_code(&bad, 1, "bad code");
    assert!(text(&bad).contains("no-var"), "{}", text(&bad));
    r.git(&["reset", "-q", "--hard"]);
    // npm test with the real node and npm.
    let out = r.gk(&[
        "run",
        "--stage",
        "pre-push",
        "--all-files",
        "--format",
        "json",
    ]);
    assert_success(&out, "npm test on the good code");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let test = v["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "test")
        .unwrap();
    assert_eq!(test["verdict"], "passed", "{v}");
}

#[test]
fn npm_template_without_eslint_cannot_decide_and_asks_no_registry() {
    let sb = Sandbox::new();
    let mut r = npm_project(&sb, false);
    // No network tool may be asked: an npm that is called at all fails the test.
    let bin = sb.path().join("spy");
    fake_tool(&bin, "npx", "echo npx was called >&2; exit 99");
    let path = path_with(&bin, &test_path(&r));
    r.set_env("PATH", &path);
    r.write("index.js", "const a = 3;\nmodule.exports = a;\n");
    r.git(&["add", "index.js"]);
    assert_undecided_naming(&r, "eslint");
    let out = r.gk(&["hook", "pre-commit"]);
    assert!(
        text(&out).contains("npm ci"),
        "says how to install it:\n{}",
        text(&out)
    );
    assert!(!text(&out).contains("npx was called"), "{}", text(&out));
}

#[test]
fn npm_template_without_npm_cannot_decide() {
    let sb = Sandbox::new();
    let mut r = npm_project(&sb, true);
    let path = path_without(&sb, "npm", &["npm", "node", "npx"]);
    r.set_env("PATH", &path);
    let out = r.gk(&["run", "test", "--all-files"]);
    assert_code(&out, 3, "npm is missing");
    assert!(text(&out).contains("`npm`"), "{}", text(&out));
}

// ---------------------------------------------------------------- Python

/// A stand-in for `ruff check FILES…`: F401 for an unused `import os`, and T201 for `print`
/// when pyproject.toml selects the T20 rules.
const FAKE_RUFF: &str = r#"[ "$1" = check ] || exit 2
shift
status=0
strict=0
grep -q 'T20' pyproject.toml 2>/dev/null && strict=1
for f in "$@"; do
  if grep -q '^import os$' "$f" && ! grep -q 'os\.' "$f"; then echo "$f:1:8: F401 os imported but unused"; status=1; fi
  if [ $strict = 1 ] && grep -q 'print(' "$f"; then echo "$f: T201 print found"; status=1; fi
done
[ $status = 0 ] && echo "All checks passed!"
exit $status"#;

/// A stand-in pytest module: fails when a test file says `assert False`.
const FAKE_PYTEST_MAIN: &str = "import pathlib, sys\nfailed = [p for p in pathlib.Path('.').rglob('test_*.py') if 'assert False' in p.read_text()]\nprint(f'{len(failed)} failed' if failed else '1 passed')\nsys.exit(1 if failed else 0)\n";

fn python_project(sb: &Sandbox, with_tools: bool) -> TestRepo {
    let mut r = fresh(
        sb,
        "py",
        &[
            (
                "pyproject.toml",
                "[project]\nname = \"fresh\"\n\n[tool.ruff]\n",
            ),
            ("app.py", "def add(a, b):\n    return a + b\n"),
            (
                "tests/test_app.py",
                "from app import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
            ),
        ],
        "python",
    );
    let fakes = sb.path().join("pyfake");
    if with_tools {
        let bin = sb.path().join("pybin");
        fake_tool(&bin, "ruff", FAKE_RUFF);
        let path = path_with(&bin, &test_path(&r));
        r.set_env("PATH", &path);
        std::fs::create_dir_all(fakes.join("pytest")).unwrap();
        std::fs::write(fakes.join("pytest/__init__.py"), "").unwrap();
        std::fs::write(fakes.join("pytest/__main__.py"), FAKE_PYTEST_MAIN).unwrap();
    } else {
        // Whatever this machine has installed, `import pytest` fails here.
        std::fs::create_dir_all(&fakes).unwrap();
        std::fs::write(
            fakes.join("pytest.py"),
            "raise ImportError('no pytest here')\n",
        )
        .unwrap();
        let path = path_without(sb, "ruff", &["ruff", "pytest"]);
        r.set_env("PATH", &path);
    }
    r.set_env("PYTHONPATH", &fakes.to_string_lossy());
    r
}

#[test]
fn python_template_passes_good_code_and_refuses_bad() {
    let sb = Sandbox::new();
    let r = python_project(&sb, true);
    assert_success(
        &commit_file(&r, "app.py", "def add(a, b):\n    return b + a\n"),
        "good code",
    );
    let bad = commit_file(
        &r,
        "app.py",
        "import os\n\ndef add(a, b):\n    return a + b\n",
    );
    assert_code(&bad, 1, "bad code");
    assert!(text(&bad).contains("F401"), "{}", text(&bad));
    r.git(&["reset", "-q", "--hard"]);
    assert_success(
        &r.gk(&["run", "--stage", "pre-push", "--all-files"]),
        "tests pass",
    );
    r.write("tests/test_app.py", "def test_add():\n    assert False\n");
    let out = r.gk(&["run", "--stage", "pre-push", "--all-files"]);
    assert_code(&out, 1, "a failing test is a refusal");
}

#[test]
fn python_template_without_ruff_or_pytest_cannot_decide() {
    let sb = Sandbox::new();
    let r = python_project(&sb, false);
    r.write("app.py", "def add(a, b):\n    return a - -b\n");
    r.git(&["add", "app.py"]);
    assert_undecided_naming(&r, "`ruff`");
    let out = r.gk(&["run", "test", "--all-files"]);
    assert_code(&out, 3, "pytest is missing: not a failure");
    assert!(
        text(&out).contains("pytest is not installed"),
        "{}",
        text(&out)
    );
}

/// The result cache follows the tool's configuration: a stricter rule enabled in
/// pyproject.toml is applied, not served a pass from before.
#[test]
fn python_template_cache_misses_when_pyproject_changes() {
    let sb = Sandbox::new();
    let r = python_project(&sb, true);
    r.write("app.py", "def add(a, b):\n    print(a)\n    return a + b\n");
    assert_success(&r.gk(&["run", "lint", "--all-files"]), "print is allowed");
    let again = r.gk(&["run", "lint", "--all-files"]);
    assert!(
        text(&again).contains("from the result cache"),
        "{}",
        text(&again)
    );
    r.write(
        "pyproject.toml",
        "[project]\nname = \"fresh\"\n\n[tool.ruff]\nlint.select = [\"T20\"]\n",
    );
    let out = r.gk(&["run", "lint", "--all-files"]);
    assert_code(&out, 1, "the stricter rule applies");
    assert!(text(&out).contains("T201"), "{}", text(&out));
    // An unrelated file does not cost the template's gate its cache.
    r.write(
        "pyproject.toml",
        "[project]\nname = \"fresh\"\n\n[tool.ruff]\n",
    );
    assert_success(&r.gk(&["run", "lint", "--all-files"]), "relaxed again");
    r.write("README.md", "docs\n");
    let out = r.gk(&["run", "lint", "--all-files"]);
    assert!(
        text(&out).contains("from the result cache"),
        "{}",
        text(&out)
    );
}

// ---------------------------------------------------------------- Go

const FAKE_GOFMT: &str = r#"[ "$1" = -l ] || exit 2
shift
for f in "$@"; do grep -q BADFMT "$f" && echo "$f"; done
exit 0"#;
const FAKE_GO: &str = r#"case "$1" in
  vet) exit 0 ;;
  test) echo "ok  	fresh	0.001s"; exit 0 ;;
esac
exit 2"#;

fn go_project(sb: &Sandbox, with_tools: bool) -> TestRepo {
    let mut r = fresh(
        sb,
        "go",
        &[
            ("go.mod", "module fresh\n\ngo 1.22\n"),
            ("main.go", "package main\n\nfunc main() {}\n"),
        ],
        "go",
    );
    let path = if with_tools {
        let bin = sb.path().join("gobin");
        fake_tool(&bin, "gofmt", FAKE_GOFMT);
        fake_tool(&bin, "go", FAKE_GO);
        path_with(&bin, &test_path(&r))
    } else {
        path_without(sb, "go", &["go", "gofmt"])
    };
    r.set_env("PATH", &path);
    r
}

#[test]
fn go_template_passes_good_code_and_refuses_bad() {
    let sb = Sandbox::new();
    let r = go_project(&sb, true);
    assert_success(
        &commit_file(&r, "main.go", "package main\n\nfunc main() { _ = 1 }\n"),
        "good code",
    );
    let bad = commit_file(&r, "main.go", "package main\nfunc main(){} // BADFMT\n");
    assert_code(&bad, 1, "unformatted code");
    assert!(
        text(&bad).contains("gofmt would reformat"),
        "{}",
        text(&bad)
    );
    r.git(&["reset", "-q", "--hard"]);
    assert_success(
        &r.gk(&["run", "--stage", "pre-push", "--all-files"]),
        "vet and test",
    );
}

#[test]
fn go_template_without_gofmt_cannot_decide_and_caches_nothing() {
    let sb = Sandbox::new();
    let r = go_project(&sb, false);
    r.write("main.go", "package main\nfunc main(){} // BADFMT\n");
    r.git(&["add", "main.go"]);
    assert_undecided_naming(&r, "`gofmt`");
    let out = r.gk(&["run", "--stage", "pre-push", "--all-files"]);
    assert_code(&out, 3, "go is missing");
    assert!(text(&out).contains("`go`"), "{}", text(&out));
}

// ---------------------------------------------------------------- generic

#[test]
fn generic_template_passes_good_files_refuses_bad_and_needs_grep() {
    let sb = Sandbox::new();
    let mut r = fresh(&sb, "generic", &[("notes.txt", "hello\n")], "generic");
    assert_success(&commit_file(&r, "notes.txt", "clean\n"), "good file");
    let bad = commit_file(&r, "notes.txt", "trailing   \n");
    assert_code(&bad, 1, "trailing whitespace");
    assert!(text(&bad).contains("notes.txt"), "{}", text(&bad));
    let path = path_without(&sb, "grep", &["grep"]);
    r.set_env("PATH", &path);
    r.git(&["add", "notes.txt"]);
    assert_undecided_naming(&r, "`grep`");
}
