//! `.husky/` hooks: each is a shell script, so the pre-commit and pre-push scripts become one
//! gate each (their body, less husky's own boilerplate) and post-checkout a checkout job. A
//! script that reads the hook's arguments, or hands off to lint-staged, is listed instead.

use std::path::Path;

use anyhow::{Context as _, Result};

use super::{Import, ImportedCheckout, ImportedGate};

pub fn convert(root: &Path, out: &mut Import) -> Result<()> {
    let dir = root.join(".husky");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("failed to read `{}`", dir.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.') && !n.starts_with('_'))
        .collect();
    names.sort();
    for name in names {
        let source = format!(".husky/{name}");
        let stage = match name.as_str() {
            "pre-commit" | "pre-push" | "post-checkout" => name.clone(),
            _ => {
                out.skip(
                    source,
                    "gatekeeper runs pre-commit, pre-push and post-checkout hooks only",
                );
                continue;
            }
        };
        let path = dir.join(&name);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        let body = script_body(&text);
        if body.trim().is_empty() {
            out.skip(source, "the script runs nothing");
            continue;
        }
        if body.contains("lint-staged") {
            out.skip(
                source,
                "it runs lint-staged, whose configuration is not read: add its commands as gates with `glob:` and `{files}`",
            );
            continue;
        }
        if reads_arguments(&body) {
            out.skip(
                source,
                "the script reads the hook's arguments or standard input, which gates do not get",
            );
            continue;
        }
        // husky runs its hooks with `sh -e`: the first failing command fails the hook.
        let body = format!("set -e\n{body}");
        if stage == "post-checkout" {
            out.checkout.push(ImportedCheckout {
                run: body,
                when_changed: vec!["*".to_owned()],
                source,
            });
            continue;
        }
        out.gate(ImportedGate {
            name: format!("husky-{stage}"),
            run: body,
            glob: Vec::new(),
            exclude: Vec::new(),
            stages: vec![stage, "ci".to_owned()],
            dir: None,
            env: std::collections::BTreeMap::new(),
            source,
        });
    }
    Ok(())
}

/// The script without its shebang and husky's boilerplate (v4 to v8 sourced `_/husky.sh`).
fn script_body(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            let t = l.trim();
            !(t.starts_with("#!") || t.contains("/_/husky.sh") || t.contains("husky.sh\""))
        })
        .collect();
    let body = lines.join("\n");
    let body = body.trim_matches('\n');
    if body.is_empty() {
        String::new()
    } else {
        format!("{body}\n")
    }
}

fn reads_arguments(body: &str) -> bool {
    let code: String = body
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    [
        "$1", "$2", "$3", "$@", "$*", "${1", "${2", "${3", "${@", "read ",
    ]
    .iter()
    .any(|p| code.contains(p))
}
