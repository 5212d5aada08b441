//! `gatekeeper import`: turns another hook manager's configuration (`.pre-commit-config.yaml`,
//! `lefthook.yml`, `.husky/` hooks) into gates, and says what it could not convert and why.
//!
//! Conversion is conservative: a hook whose files, stages or command have no faithful
//! equivalent is left out and listed, never widened or guessed. The result is rendered as a
//! `gatekeeper.yml` that loads with the strict loader.

mod husky;
mod lefthook;
mod pre_commit;
mod regex_glob;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::exit::Failure;

/// One gate converted from a hook.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedGate {
    pub name: String,
    pub run: String,
    pub glob: Vec<String>,
    pub exclude: Vec<String>,
    /// Empty: gatekeeper's default (every stage).
    pub stages: Vec<String>,
    pub dir: Option<String>,
    pub env: BTreeMap<String, String>,
    /// Where it came from: `FILE: HOOK`.
    pub source: String,
}

/// A post-checkout job converted from a hook.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedCheckout {
    pub run: String,
    pub when_changed: Vec<String>,
    pub source: String,
}

/// A hook that was not converted.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// `FILE: HOOK`.
    pub source: String,
    pub reason: String,
}

/// What an import found and made.
#[derive(Debug, Default, Serialize)]
pub struct Import {
    /// The configuration files read.
    pub sources: Vec<String>,
    pub gates: Vec<ImportedGate>,
    pub checkout: Vec<ImportedCheckout>,
    pub skipped: Vec<Skipped>,
    /// Converted, with a difference worth knowing (a setting that was dropped).
    pub notes: Vec<String>,
}

impl Import {
    fn gate(&mut self, mut gate: ImportedGate) {
        let base = sanitize_name(&gate.name);
        let mut name = base.clone();
        let mut n = 2;
        while self.gates.iter().any(|g| g.name == name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        gate.name = name;
        self.gates.push(gate);
    }

    fn skip(&mut self, source: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            source: source.into(),
            reason: reason.into(),
        });
    }
}

/// What the machine offers: whether a program is on `PATH` (the caller reads the environment).
pub trait Machine {
    fn has_program(&self, name: &str) -> bool;
}

impl<F: Fn(&str) -> bool> Machine for F {
    fn has_program(&self, name: &str) -> bool {
        self(name)
    }
}

/// Reads every hook-manager configuration at `root` and converts it.
pub fn import(root: &Path, machine: &dyn Machine) -> Result<Import> {
    let mut out = Import::default();
    for name in [".pre-commit-config.yaml", ".pre-commit-config.yml"] {
        if let Some(text) = read(root, name)? {
            out.sources.push(name.to_owned());
            pre_commit::convert(name, &text, machine, &mut out)?;
            break;
        }
    }
    for name in [
        "lefthook.yml",
        "lefthook.yaml",
        ".lefthook.yml",
        ".lefthook.yaml",
    ] {
        if let Some(text) = read(root, name)? {
            out.sources.push(name.to_owned());
            lefthook::convert(name, &text, &mut out)?;
            break;
        }
    }
    if root.join(".husky").is_dir() {
        out.sources.push(".husky/".to_owned());
        husky::convert(root, &mut out)?;
    }
    if out.sources.is_empty() {
        return Err(Failure::usage(
            "found no .pre-commit-config.yaml, lefthook.yml or .husky/ directory to import",
        )
        .into());
    }
    Ok(out)
}

fn read(root: &Path, name: &str) -> Result<Option<String>> {
    let path = root.join(name);
    match std::fs::read_to_string(&path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    }
}

/// Parses a YAML file into a generic value; a syntax error is a usage error naming the file.
fn parse_yaml(file: &str, text: &str) -> Result<serde_json::Value> {
    serde_saphyr::from_str::<serde_json::Value>(text)
        .map_err(|e| Failure::usage(format!("{file}: {e}")).into())
}

/// Gate names are keys of `gates:`: keep letters, digits, `-` and `_`.
fn sanitize_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() { "gate".to_owned() } else { s }
}

/// Words joined into a command line, each shell-quoted when it needs it.
fn shell_join<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    words.into_iter().map(quote).collect::<Vec<_>>().join(" ")
}

/// One word shell-quoted when it needs it (a word with a NUL byte stays as it is).
fn quote(word: &str) -> String {
    shlex::try_quote(word).map_or_else(|_| word.to_owned(), std::borrow::Cow::into_owned)
}

/// A YAML scalar: JSON's double-quoted string is valid YAML.
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

fn yaml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| yaml_str(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// The imported configuration as a `gatekeeper.yml`.
pub fn render_config(import: &Import) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# gatekeeper.yml, imported from {} by `gatekeeper import`.",
        import.sources.join(", ")
    );
    s.push_str(
        "# Review it, then `gatekeeper install` (which trusts it). See `gatekeeper schema`.\n",
    );
    if !import.skipped.is_empty() {
        s.push_str("#\n# Not converted:\n");
        for k in &import.skipped {
            let _ = writeln!(s, "# - {}: {}", k.source, k.reason);
        }
    }
    if import.gates.is_empty() {
        s.push_str("gates: {}\n");
    } else {
        s.push_str("gates:\n");
    }
    for g in &import.gates {
        let _ = writeln!(s, "  # from {}", g.source);
        let _ = writeln!(s, "  {}:", g.name);
        let _ = writeln!(s, "    run: {}", yaml_str(&g.run));
        if !g.glob.is_empty() {
            let _ = writeln!(s, "    glob: {}", yaml_list(&g.glob));
        }
        if !g.exclude.is_empty() {
            let _ = writeln!(s, "    exclude: {}", yaml_list(&g.exclude));
        }
        if !g.stages.is_empty() {
            let _ = writeln!(s, "    stages: [{}]", g.stages.join(", "));
        }
        if let Some(dir) = &g.dir {
            let _ = writeln!(s, "    dir: {}", yaml_str(dir));
        }
        if !g.env.is_empty() {
            let pairs: Vec<String> = g
                .env
                .iter()
                .map(|(k, v)| format!("{}: {}", yaml_str(k), yaml_str(v)))
                .collect();
            let _ = writeln!(s, "    env: {{ {} }}", pairs.join(", "));
        }
    }
    if !import.checkout.is_empty() {
        s.push_str("checkout:\n");
        for c in &import.checkout {
            let _ = writeln!(s, "  # from {}", c.source);
            let _ = writeln!(
                s,
                "  - {{ run: {}, when_changed: {} }}",
                yaml_str(&c.run),
                yaml_list(&c.when_changed)
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_import_loads_with_the_strict_loader() {
        let mut i = Import {
            sources: vec!["lefthook.yml".into()],
            ..Import::default()
        };
        i.gate(ImportedGate {
            name: "lint: js".into(),
            run: "eslint --fix \"a b\" {files}".into(),
            glob: vec!["*.{js,ts}".into()],
            exclude: vec!["vendor/**".into()],
            stages: vec!["pre-commit".into(), "ci".into()],
            dir: Some("web".into()),
            env: BTreeMap::from([("A".into(), "1: x".into())]),
            source: "lefthook.yml: lint".into(),
        });
        i.gate(ImportedGate {
            name: "lint: js".into(),
            run: "true".into(),
            glob: vec![],
            exclude: vec![],
            stages: vec![],
            dir: None,
            env: BTreeMap::new(),
            source: "x".into(),
        });
        i.checkout.push(ImportedCheckout {
            run: "npm ci".into(),
            when_changed: vec!["package-lock.json".into()],
            source: "y".into(),
        });
        i.skip("z: h", "because");
        let text = render_config(&i);
        let cfg = crate::config::Config::from_bytes(text.as_bytes(), Path::new("gatekeeper.yml"))
            .unwrap_or_else(|e| panic!("{e:#}\n{text}"));
        assert_eq!(cfg.config.gates.len(), 2, "{text}");
        assert!(cfg.config.gates.contains_key("lint--js"), "{text}");
        assert!(cfg.config.gates.contains_key("lint--js-2"), "{text}");
        assert!(text.contains("# - z: h: because"), "{text}");
    }
}
