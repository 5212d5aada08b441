//! The programs a gate's script names, read with a real shell grammar (tree-sitter-bash), so
//! that each can be looked up before the gate runs. A missing program is "could not decide"
//! (exit 3) naming it, whatever the script would have done with the shell's exit status 127:
//! a pipeline (`gofmt -l {files} | tee /dev/stderr | (! read)`), a command substitution
//! (`test -z "$(gofmt -l {files})"`) or `! tool` would otherwise turn "not found" into a pass.
//!
//! What is checked: the name of every simple command, in lists, pipelines, subshells, `$(…)`,
//! conditions and loops, and the program after `exec`, `command` (without `-v`/`-V`), `env` and
//! `nohup`. What is not (the shell decides, as before): shell keywords and builtins, functions
//! the script defines, names made by expansion (`$TOOL`, `"$(which x)"`, `~/bin/x`, globs),
//! bare names when the script changes `PATH` or reads other files into itself (`.`,
//! `source`, `eval`), paths relative to the directory after a `cd`, and commands run by other
//! programs (`sh -c '…'`, `find -exec`, `xargs`). A script the grammar cannot read is not
//! checked at all.

use std::path::Path;

use tree_sitter::{Node, Parser};

/// Shell keywords, special and regular builtins (POSIX `sh` and bash): never looked up.
const BUILTINS: &[&str] = &[
    "!",
    "{",
    "}",
    "]]",
    ".",
    ":",
    "[",
    "[[",
    "alias",
    "bg",
    "bind",
    "break",
    "builtin",
    "caller",
    "case",
    "cd",
    "command",
    "compgen",
    "complete",
    "continue",
    "declare",
    "dirs",
    "disown",
    "do",
    "done",
    "echo",
    "elif",
    "else",
    "enable",
    "esac",
    "eval",
    "exec",
    "exit",
    "export",
    "false",
    "fc",
    "fg",
    "fi",
    "for",
    "function",
    "getopts",
    "hash",
    "help",
    "history",
    "if",
    "in",
    "jobs",
    "kill",
    "let",
    "local",
    "logout",
    "mapfile",
    "popd",
    "printf",
    "pushd",
    "pwd",
    "read",
    "readarray",
    "readonly",
    "return",
    "select",
    "set",
    "shift",
    "shopt",
    "source",
    "suspend",
    "test",
    "then",
    "time",
    "times",
    "trap",
    "true",
    "type",
    "typeset",
    "ulimit",
    "umask",
    "unalias",
    "unset",
    "until",
    "wait",
    "while",
];

/// What a script runs that can be checked before it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptPrograms {
    /// Programs named bare (looked up in `PATH`) or by a path (with a `/`), in script order,
    /// without repeats.
    pub programs: Vec<String>,
}

/// Reads the programs of `script` (a gate's `run`; `{files}` is read as one word).
pub fn programs_of(script: &str) -> ScriptPrograms {
    let text = script.replace(super::files::FILES_PLACEHOLDER, "FILES");
    let mut parser = Parser::new();
    if parser
        .set_language(&tree_sitter_bash::LANGUAGE.into())
        .is_err()
    {
        return ScriptPrograms::default();
    }
    let Some(tree) = parser.parse(&text, None) else {
        return ScriptPrograms::default();
    };
    let root = tree.root_node();
    if root.has_error() {
        // Let the shell say what is wrong with it.
        return ScriptPrograms::default();
    }
    let mut walk = Walk {
        src: text.as_bytes(),
        functions: Vec::new(),
        names: Vec::new(),
        path_changed: false,
        sources_files: false,
        changes_dir: false,
    };
    walk.visit(root);
    let Walk {
        functions,
        names,
        path_changed,
        sources_files,
        changes_dir,
        ..
    } = walk;
    let mut programs: Vec<String> = Vec::new();
    for name in names {
        let decidable = if name.contains('/') {
            name.starts_with('/') || !changes_dir
        } else {
            !path_changed && !sources_files && !functions.contains(&name)
        };
        if decidable && !BUILTINS.contains(&name.as_str()) && !programs.contains(&name) {
            programs.push(name);
        }
    }
    ScriptPrograms { programs }
}

struct Walk<'s> {
    src: &'s [u8],
    functions: Vec<String>,
    names: Vec<String>,
    path_changed: bool,
    sources_files: bool,
    changes_dir: bool,
}

impl Walk<'_> {
    fn text(&self, n: Node<'_>) -> &str {
        n.utf8_text(self.src).unwrap_or("")
    }

    fn visit(&mut self, root: Node<'_>) {
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            match node.kind() {
                "function_definition" => {
                    if let Some(n) = node.child_by_field_name("name") {
                        let name = self.text(n).to_owned();
                        self.functions.push(name);
                    }
                }
                "variable_assignment" => {
                    if let Some(n) = node.child_by_field_name("name")
                        && self.text(n) == "PATH"
                    {
                        self.path_changed = true;
                    }
                }
                "command" => self.command(node),
                _ => {}
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    fn command(&mut self, node: Node<'_>) {
        let Some(name_node) = node.child_by_field_name("name") else {
            return;
        };
        let Some(name) = self.literal(name_node) else {
            return;
        };
        match name.as_str() {
            "cd" | "pushd" | "popd" => self.changes_dir = true,
            "." | "source" | "eval" => self.sources_files = true,
            _ => {}
        }
        // A prefix assignment of PATH (`PATH=x tool`) changes where the name is found.
        let mut c = node.walk();
        if node.named_children(&mut c).any(|ch| {
            ch.kind() == "variable_assignment"
                && ch
                    .child_by_field_name("name")
                    .is_some_and(|n| self.text(n) == "PATH")
        }) {
            self.path_changed = true;
            return;
        }
        self.names.push(name.clone());
        // The program a wrapper runs.
        let mut c = node.walk();
        let args: Vec<Node<'_>> = node.children_by_field_name("argument", &mut c).collect();
        let skip_while = |words: &[Option<String>], pred: &dyn Fn(&str) -> bool| -> usize {
            words
                .iter()
                .take_while(|w| w.as_deref().is_some_and(pred))
                .count()
        };
        let words: Vec<Option<String>> = args.iter().map(|a| self.literal(*a)).collect();
        let target = match name.as_str() {
            "exec" | "nohup" => words.first().cloned().flatten(),
            "command" => match words.first() {
                Some(Some(w)) if !w.starts_with('-') => Some(w.clone()),
                _ => None,
            },
            "env" => {
                let i = skip_while(&words, &|w| w.starts_with('-') || w.contains('='));
                // An option with a value (`env -u NAME`) cannot be told apart: stop there.
                if words[..i].iter().any(|w| w.as_deref() == Some("-u")) {
                    None
                } else {
                    words.get(i).cloned().flatten()
                }
            }
            _ => None,
        };
        if let Some(t) = target {
            self.names.push(t);
        }
    }

    /// The literal text of a word, unquoted; `None` when anything in it is expanded.
    fn literal(&self, n: Node<'_>) -> Option<String> {
        let n = if n.kind() == "command_name" {
            n.named_child(0)?
        } else {
            n
        };
        let text = self.text(n);
        let out = match n.kind() {
            "word" => {
                if text.starts_with('~') || text.contains(['*', '?', '[']) {
                    return None;
                }
                text.replace('\\', "")
            }
            "raw_string" => text.strip_prefix('\'')?.strip_suffix('\'')?.to_owned(),
            "string" => {
                let mut c = n.walk();
                if n.named_children(&mut c)
                    .any(|ch| ch.kind() != "string_content")
                {
                    return None;
                }
                text.strip_prefix('"')?.strip_suffix('"')?.to_owned()
            }
            _ => return None,
        };
        (!out.is_empty()).then_some(out)
    }
}

/// The first program of `programs` that cannot be found from `dir` with this `PATH`, and why.
pub fn first_missing(
    programs: &ScriptPrograms,
    dir: &Path,
    path: &std::ffi::OsStr,
) -> Option<Missing> {
    programs.programs.iter().find_map(|name| {
        if crate::process::find_program(name, dir, path) {
            None
        } else {
            Some(Missing { name: name.clone() })
        }
    })
}

/// A program a gate needs that is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub name: String,
}

impl Missing {
    /// One line for the report.
    pub fn reason(&self) -> String {
        if self.name.contains("node_modules/.bin/") {
            format!(
                "`{}` was not found; install the project's dependencies (`npm ci`); nothing was run",
                self.name
            )
        } else if self.name.contains('/') {
            format!(
                "`{}` was not found (or is not executable); nothing was run",
                self.name
            )
        } else {
            format!("`{}` was not found on PATH; nothing was run", self.name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        programs_of(s).programs
    }

    #[test]
    fn names_in_pipelines_lists_substitutions_and_conditions() {
        assert_eq!(
            names("gofmt -l {files} | tee /dev/stderr | (! read)"),
            ["gofmt", "tee"]
        );
        assert_eq!(
            names("test -z \"$(gofmt -l {files})\" || { gofmt -l {files}; exit 1; }"),
            ["gofmt"]
        );
        assert_eq!(
            names(
                "if ruff check .; then mypy src; else exit 1; fi && for f in a; do black \"$f\"; done"
            ),
            ["ruff", "mypy", "black"]
        );
        assert_eq!(names("cargo fmt --check"), ["cargo"]);
        assert_eq!(names("'my tool' x; \"other\" y"), ["my tool", "other"]);
        assert_eq!(
            names("./node_modules/.bin/eslint {files}"),
            ["./node_modules/.bin/eslint"]
        );
    }

    #[test]
    fn wrappers_name_the_program_they_run() {
        assert_eq!(names("exec gofmt -l ."), ["gofmt"]);
        assert_eq!(
            names("command -v ruff >/dev/null || exit 127; ruff check"),
            ["ruff"]
        );
        assert_eq!(names("command ruff check"), ["ruff"]);
        assert_eq!(names("env -i A=1 B=2 pytest -q"), ["env", "pytest"]);
        assert_eq!(names("nohup tool"), ["nohup", "tool"]);
    }

    #[test]
    fn what_cannot_be_decided_is_left_to_the_shell() {
        assert_eq!(
            names("$TOOL check; \"$(which x)\" y; ~/bin/t; ./*.sh; \"$HOME/t\""),
            ["which"],
            "only the command inside $(…) has a name of its own"
        );
        assert!(names("lint() { ruff check; }; lint").contains(&"ruff".to_owned()));
        assert!(!names("lint() { true; }; lint").contains(&"lint".to_owned()));
        assert!(names("PATH=/opt/bin:$PATH; tool").is_empty());
        assert!(names("export PATH=/opt/bin; tool").is_empty());
        assert!(names(". ./env.sh; tool").is_empty());
        assert_eq!(names("cd web && ./run.sh && /bin/x"), ["/bin/x"]);
        assert!(
            names("if then fi (").is_empty(),
            "a script with errors is not checked"
        );
        assert!(
            names("echo a; printf b; true; [ -f x ]; [[ -f y ]]; export A=1; local b").is_empty()
        );
        assert_eq!(names("! { grep -q T20 x && grep -n p y; }"), ["grep"]);
    }
}
