//! `lefthook.yml`: the `commands`, `scripts` and `jobs` of its pre-commit, pre-push and
//! post-checkout hooks. lefthook's file templates map onto `{files}` (`{staged_files}` for
//! pre-commit, `{push_files}` for pre-push); the other templates and hooks have no gatekeeper
//! equivalent and are listed.

use std::collections::BTreeMap;

use anyhow::Result;
use serde_json::Value;

use super::{Import, ImportedCheckout, ImportedGate, parse_yaml, quote, regex_glob};

/// lefthook's settings keys at the top level, which are not hooks.
const SETTINGS: &[&str] = &[
    "assert_lefthook_installed",
    "colors",
    "no_tty",
    "extends",
    "min_version",
    "output",
    "rc",
    "remotes",
    "skip_output",
    "source_dir",
    "source_dir_local",
    "lefthook",
    "skip_lfs",
    "templates",
];

pub fn convert(file: &str, text: &str, out: &mut Import) -> Result<()> {
    let doc = parse_yaml(file, text)?;
    let Some(map) = doc.as_object() else {
        return Ok(());
    };
    let source_dir = doc["source_dir"].as_str().unwrap_or(".lefthook/");
    for (hook, body) in map {
        if SETTINGS.contains(&hook.as_str()) {
            continue;
        }
        let stage = match hook.as_str() {
            "pre-commit" => "pre-commit",
            "pre-push" => "pre-push",
            "post-checkout" => "post-checkout",
            other => {
                out.skip(
                    format!("{file}: {other}"),
                    "gatekeeper runs pre-commit, pre-push and post-checkout hooks only",
                );
                continue;
            }
        };
        let mut entries: Vec<(String, Value)> = Vec::new();
        if let Some(cmds) = body["commands"].as_object() {
            entries.extend(cmds.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        for (i, job) in body["jobs"].as_array().into_iter().flatten().enumerate() {
            let name = job["name"]
                .as_str()
                .map_or_else(|| format!("job-{}", i + 1), str::to_owned);
            if job["group"].is_object() {
                out.skip(
                    format!("{file}: {hook}.{name}"),
                    "job groups are not converted",
                );
                continue;
            }
            if let Some(script) = job["script"].as_str() {
                let mut v = job.clone();
                v["run"] = Value::String(script_command(source_dir, hook, script, &job["runner"]));
                entries.push((name, v));
            } else {
                entries.push((name, job.clone()));
            }
        }
        if let Some(scripts) = body["scripts"].as_object() {
            for (script, v) in scripts {
                let mut v = v.clone();
                v["run"] = Value::String(script_command(source_dir, hook, script, &v["runner"]));
                entries.push((script.clone(), v));
            }
        }
        for (name, cmd) in entries {
            let source = format!("{file}: {hook}.{name}");
            match convert_command(stage, &cmd) {
                Ok(Converted::Gate(gate, notes)) => {
                    for n in notes {
                        out.notes.push(format!("{source}: {n}"));
                    }
                    out.gate(ImportedGate {
                        name,
                        source,
                        ..gate
                    });
                }
                Ok(Converted::Checkout(job)) => {
                    out.checkout.push(ImportedCheckout { source, ..job });
                }
                Err(reason) => out.skip(source, reason),
            }
        }
    }
    Ok(())
}

/// A script under lefthook's source directory, run by its `runner` (else executed).
fn script_command(source_dir: &str, hook: &str, script: &str, runner: &Value) -> String {
    let path = format!("{}/{hook}/{script}", source_dir.trim_end_matches('/'));
    let quoted = quote(&path);
    match runner.as_str() {
        Some(r) => format!("{r} {quoted}"),
        None => format!("./{}", quoted.trim_start_matches("./")),
    }
}

enum Converted {
    Gate(ImportedGate, Vec<String>),
    Checkout(ImportedCheckout),
}

fn convert_command(stage: &str, cmd: &Value) -> Result<Converted, String> {
    let run = cmd["run"].as_str().ok_or("it has no `run`")?;
    let mut notes = Vec::new();
    let files_template = match stage {
        "pre-commit" => "{staged_files}",
        "pre-push" => "{push_files}",
        _ => "",
    };
    let mut run = run.to_owned();
    if !files_template.is_empty() {
        run = run.replace(files_template, "{files}");
    }
    for template in [
        "{staged_files}",
        "{push_files}",
        "{all_files}",
        "{files}",
        "{0}",
        "{1}",
        "{2}",
        "{3}",
        "{lefthook_job_name}",
    ] {
        if template == "{files}" && (stage != "post-checkout") {
            continue;
        }
        if run.contains(template) {
            return Err(format!(
                "the template `{template}` has no gatekeeper equivalent here"
            ));
        }
    }
    if cmd["files"].is_string() {
        return Err(
            "`files:` (a command that lists the files) has no gatekeeper equivalent".into(),
        );
    }
    let glob = string_or_list(&cmd["glob"]);
    let exclude = match &cmd["exclude"] {
        Value::String(re) => regex_glob::to_globs(re)
            .ok_or_else(|| format!("`exclude: {re}` has no glob equivalent"))?,
        v => string_or_list(v),
    };
    for key in [
        "skip",
        "only",
        "tags",
        "fail_text",
        "stage_fixed",
        "priority",
        "interactive",
        "use_stdin",
        "file_types",
    ] {
        if !cmd[key].is_null() {
            if key == "file_types" || key == "use_stdin" || key == "interactive" {
                return Err(format!("`{key}` has no gatekeeper equivalent"));
            }
            notes.push(format!("`{key}` dropped"));
        }
    }
    if stage == "post-checkout" {
        let when_changed = if glob.is_empty() {
            vec!["*".to_owned()]
        } else {
            glob
        };
        let dir = cmd["root"].as_str().filter(|d| !d.is_empty());
        let run = match dir {
            Some(d) => format!("cd {} && {run}", quote(d)),
            None => run,
        };
        return Ok(Converted::Checkout(ImportedCheckout {
            run,
            when_changed,
            source: String::new(),
        }));
    }
    let env: BTreeMap<String, String> = cmd["env"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k.clone(), s.clone())),
            Value::Number(n) => Some((k.clone(), n.to_string())),
            Value::Bool(b) => Some((k.clone(), b.to_string())),
            _ => None,
        })
        .collect();
    Ok(Converted::Gate(
        ImportedGate {
            name: String::new(),
            run,
            glob,
            exclude,
            stages: vec![stage.to_owned(), "ci".to_owned()],
            dir: cmd["root"]
                .as_str()
                .map(|d| d.trim_end_matches('/').to_owned())
                .filter(|d| !d.is_empty()),
            env,
            source: String::new(),
        },
        notes,
    ))
}

fn string_or_list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}
