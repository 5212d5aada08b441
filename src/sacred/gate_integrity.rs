//! Gate integrity: a change may not weaken the gates that judge it.
//!
//! A range check (`gatekeeper ci --base`, `sacred check --base`, and pre-push for every pushed
//! commit) compares the base with the change and refuses (exit 1), unless every commit that
//! changes the file in question carries a valid SSH signature by a key in the **base's**
//! `.gatekeeper/allowed_signers` (the rule of the sacred re-lock):
//!
//! - **`config-weakened`** (`gatekeeper.yml`): a `sacred.paths` entry dropped; an existing gate
//!   removed; any change to an existing gate's `run`, `env`, `dir`, `glob`, `exclude`, `needs`,
//!   `inputs`, `protect`, its coverage `report`/`format` or its budget `metric`; a stage
//!   removed, `required` dropped, a longer `timeout`, a coverage minimum lowered (or its
//!   tolerance raised, or the rule removed), a budget raised (or removed). Whether a new shell
//!   command is weaker than the old one cannot be decided, so any change to one counts. What
//!   can only make a gate stricter does not count: a new gate, a stage added, `required` added,
//!   a shorter `timeout`, a higher coverage minimum, a lower budget; nor does `cache`, since
//!   the result cache never turns a fail into a pass.
//! - **`gate-file-changed`**: what an existing gate runs changed. Followed from the command
//!   line of `run` (in the gate's `dir`, through `&&`, `;`, pipes, `$(…)`, `sh -c '…'`, leading
//!   `VAR=value` and `env`/`exec`/`time`/`nice`/`nohup`/`timeout`): a file executed by path
//!   (`./scripts/test.sh`), a file handed to a shell or an interpreter (`bash ci.sh`,
//!   `python tools/check.py`, `node`, `ruby`, `perl`, `php`, `tsx`, `ts-node`, `source`), and
//!   the `package.json` script a package manager runs (`npm test`, `npm run lint`,
//!   `pnpm test`, `pnpm lint`, `yarn test`, `yarn lint`, with their `pre`/`post` scripts),
//!   whose own command line is followed the same way. Not followed: what a file itself runs
//!   (a script calling another), Makefile targets, a tool's configuration, `sh -n FILE` (a
//!   syntax check runs nothing); list those in the
//!   gate's `protect` globs (or in `agents.protected`) to cover them.
//! - **`protected-changed`**: a path under the base's `agents.protected` changed (the memory
//!   index and its topic files excepted, as in agent sessions).
//!
//! Example: the base has `test: { run: "false", required: true }`; a commit that makes it
//! `run: "false || true"` is refused with `gates.test.run: changed from "false" to
//! "false || true"`, and `ci` runs the gates as the base defines them, so the weakened gate
//! does not judge its own weakening ([`gates_weakened`], [`config_at`]).
//!
//! The configuration that decides what is followed and protected is the base's: the change
//! under review cannot exempt itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context as _, Result};
use git2::Oid;

use super::{Content, Finding, Rule, SacredReport, Signatures, unless_signed};
use crate::agent::roles::{PathRules, ViolationKind};
use crate::agent::shell::{is_assignment, simple_commands};
use crate::config::{CONFIG_FILE, Config, Gate, LoadedConfig};
use crate::gates::files::PatternSet;
use crate::git::Repo;

/// How many levels of `package.json` scripts naming other scripts are followed.
const MAX_SCRIPT_DEPTH: usize = 4;

/// The gate-integrity findings of the change from `base` to `new`, each unless signed.
pub(super) fn check(
    repo: &Repo,
    (base_id, base): (Oid, &Content<'_>),
    (head_id, new): (Oid, &Content<'_>),
    signatures: &Signatures<'_>,
) -> Result<Vec<Finding>> {
    let Some(old) = load(repo, base)? else {
        return Ok(Vec::new());
    };
    // A deleted configuration removes every gate; an invalid one is refused elsewhere (a hook
    // and `ci` do not run with it), and what it would follow cannot be read.
    let new_config = match new.read(repo, CONFIG_FILE)? {
        None => Some(Config::default()),
        Some(_) => load(repo, new)?,
    };
    let mut out = Vec::new();
    if let Some(new_config) = &new_config {
        out.extend(unless_signed(
            signatures,
            CONFIG_FILE,
            Rule::ConfigWeakened,
            &format!(
                "`{CONFIG_FILE}` was weakened (any change to how an existing gate runs counts: whether a new command is weaker cannot be decided)"
            ),
            weakenings(&old, new_config),
        )?);
    }
    let changed: Vec<String> = repo
        .changes_between(Some(base_id), head_id)?
        .into_iter()
        .map(|c| crate::git::display_path(&c.path))
        .collect();
    out.extend(gate_files(
        repo,
        &old,
        new_config.as_ref(),
        base,
        new,
        &changed,
        signatures,
    )?);
    out.extend(protected_paths(&old, &changed, signatures)?);
    Ok(out)
}

/// Whether `report` refuses an unsigned change to the gates' definitions: `ci` then runs the
/// gates as the base defines them.
pub fn gates_weakened(report: &SacredReport) -> bool {
    report.findings.iter().any(|f| {
        f.rule == Rule::ConfigWeakened && f.old_lines.iter().any(|l| l.starts_with("gates."))
    })
}

/// `gatekeeper.yml` as it is in `commit`, when it is there and valid.
pub fn config_at(repo: &Repo, commit: Oid) -> Result<Option<LoadedConfig>> {
    let tree = super::commit_tree(repo, commit)?;
    let Some(bytes) = Content::Tree(tree).read_bytes(repo, CONFIG_FILE)? else {
        return Ok(None);
    };
    Ok(Config::from_bytes(&bytes, Path::new(CONFIG_FILE)).ok())
}

fn load(repo: &Repo, content: &Content<'_>) -> Result<Option<Config>> {
    let Some(bytes) = content.read_bytes(repo, CONFIG_FILE)? else {
        return Ok(None);
    };
    Ok(Config::from_bytes(&bytes, Path::new(CONFIG_FILE))
        .ok()
        .map(|l| l.config))
}

/// Every way `new` is weaker than `old`, as `gates.NAME.FIELD: …` and `sacred.paths: …`
/// lines (see the module docs for what counts).
pub fn weakenings(old: &Config, new: &Config) -> Vec<String> {
    let mut out = Vec::new();
    for e in old
        .sacred
        .evidence
        .iter()
        .filter(|e| !new.sacred.evidence.contains(e))
    {
        out.push(format!(
            "sacred.evidence: {} ({}) removed or changed",
            e.gate,
            e.pattern()
        ));
    }
    for p in old
        .sacred
        .paths
        .iter()
        .filter(|p| !new.sacred.paths.0.contains(p))
    {
        out.push(format!("sacred.paths: {p} removed"));
    }
    for (name, old_gate) in &old.gates {
        match new.gates.get(name) {
            None => out.push(format!("gates.{name}: removed")),
            Some(new_gate) => gate_weakenings(name, old_gate, new_gate, &mut out),
        }
    }
    out
}

/// A value as it is written in messages (JSON: quoted strings, lists in brackets).
fn shown<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "?".to_owned())
}

fn gate_weakenings(name: &str, old: &Gate, new: &Gate, out: &mut Vec<String>) {
    let mut changed = |field: &str, o: String, n: String| {
        if o != n {
            out.push(format!("gates.{name}.{field}: changed from {o} to {n}"));
        }
    };
    changed("run", shown(&old.run), shown(&new.run));
    changed("dir", shown(&old.dir), shown(&new.dir));
    changed("glob", shown(&old.glob), shown(&new.glob));
    changed("exclude", shown(&old.exclude), shown(&new.exclude));
    changed("inputs", shown(&old.inputs), shown(&new.inputs));
    changed("protect", shown(&old.protect), shown(&new.protect));
    let needs = |g: &Gate| g.needs().map(str::to_owned).collect::<BTreeSet<String>>();
    changed("needs", shown(&needs(old)), shown(&needs(new)));
    let keys: BTreeSet<&String> = old.env.keys().chain(new.env.keys()).collect();
    for key in keys {
        changed(
            &format!("env.{key}"),
            shown(&old.env.get(key)),
            shown(&new.env.get(key)),
        );
    }
    let stages = new.stages();
    for s in old.stages().into_iter().filter(|s| !stages.contains(s)) {
        out.push(format!("gates.{name}.stages: {s} removed"));
    }
    if old.required && !new.required {
        out.push(format!("gates.{name}.required: dropped"));
    }
    if new.timeout() > old.timeout() {
        out.push(format!(
            "gates.{name}.timeout: {} raised to {}",
            humantime::format_duration(old.timeout()),
            humantime::format_duration(new.timeout())
        ));
    }
    coverage_weakenings(name, old, new, out);
    budget_weakenings(name, old, new, out);
}

fn coverage_weakenings(name: &str, old: &Gate, new: &Gate, out: &mut Vec<String>) {
    let Some(oc) = &old.coverage else { return };
    let Some(nc) = &new.coverage else {
        out.push(format!("gates.{name}.coverage: removed"));
        return;
    };
    if oc.report != nc.report {
        out.push(format!(
            "gates.{name}.coverage.report: changed from {} to {}",
            shown(&oc.report),
            shown(&nc.report)
        ));
    }
    if oc.format != nc.format {
        out.push(format!(
            "gates.{name}.coverage.format: changed from {} to {}",
            shown(&oc.format),
            shown(&nc.format)
        ));
    }
    if let Some(m) = oc.min
        && nc.min.is_none_or(|n| n < m)
    {
        out.push(format!(
            "gates.{name}.coverage.min: {m} lowered to {:?}",
            nc.min
        ));
    }
    let (ot, nt) = (oc.tolerance.unwrap_or(0.1), nc.tolerance.unwrap_or(0.1));
    if nt > ot {
        out.push(format!(
            "gates.{name}.coverage.tolerance: {ot} raised to {nt}"
        ));
    }
}

fn budget_weakenings(name: &str, old: &Gate, new: &Gate, out: &mut Vec<String>) {
    let Some(ob) = &old.budget else { return };
    let Some(nb) = &new.budget else {
        out.push(format!("gates.{name}.budget: removed"));
        return;
    };
    if ob.metric != nb.metric {
        out.push(format!(
            "gates.{name}.budget.metric: changed from {} to {}",
            shown(&ob.metric),
            shown(&nb.metric)
        ));
    }
    for (what, o, n) in [
        ("max", ob.max, nb.max),
        ("max_increase", ob.max_increase, nb.max_increase),
    ] {
        if let Some(o) = o
            && n.is_none_or(|n| n > o)
        {
            out.push(format!("gates.{name}.budget.{what}: {o} raised to {n:?}"));
        }
    }
}

/// Something a gate's command runs that is judged like the gate's definition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Runs {
    /// A file the command executes, from the repository root.
    File(String),
    /// An entry of the `scripts` of a `package.json` (path from the repository root).
    Script { manifest: String, name: String },
}

/// The `scripts` entry `name` of the manifest at `manifest`: `Ok(None)` when absent, `Err(())`
/// when the manifest cannot be read as JSON.
type ScriptLookup<'a> = dyn Fn(&str, &str) -> std::result::Result<Option<String>, ()> + 'a;

/// What `run`, executed in `dir` (relative to the root, "" for the root), runs.
fn follow(
    run: &str,
    dir: &str,
    scripts: &ScriptLookup<'_>,
    depth: usize,
    out: &mut BTreeSet<Runs>,
) {
    let Some(commands) = simple_commands(run) else {
        return;
    };
    for words in &commands {
        follow_command(words, dir, scripts, depth, out);
    }
}

/// Programs that only run the command after them (their options skipped).
fn skip_wrappers(mut words: &[String]) -> &[String] {
    loop {
        while words.first().is_some_and(|w| is_assignment(w)) {
            words = &words[1..];
        }
        let Some(first) = words.first() else {
            return words;
        };
        match basename(first) {
            "exec" | "command" | "builtin" | "time" | "nohup" => words = &words[1..],
            "env" => {
                words = &words[1..];
                while let Some(w) = words.first() {
                    if w == "-u" || w == "--unset" || w == "-C" || w == "--chdir" {
                        words = words.get(2..).unwrap_or_default();
                    } else if w.starts_with('-') || is_assignment(w) {
                        words = &words[1..];
                    } else {
                        break;
                    }
                }
            }
            "nice" => {
                words = &words[1..];
                if words.first().is_some_and(|w| w == "-n") {
                    words = words.get(2..).unwrap_or_default();
                }
                while words.first().is_some_and(|w| w.starts_with('-')) {
                    words = &words[1..];
                }
            }
            "timeout" => {
                words = &words[1..];
                while let Some(w) = words.first() {
                    if w == "-s" || w == "--signal" || w == "-k" || w == "--kill-after" {
                        words = words.get(2..).unwrap_or_default();
                    } else if w.starts_with('-') {
                        words = &words[1..];
                    } else {
                        break;
                    }
                }
                // The duration.
                words = words.get(1..).unwrap_or_default();
            }
            _ => return words,
        }
    }
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn is_shell(program: &str) -> bool {
    matches!(program, "sh" | "bash" | "dash" | "zsh" | "ksh")
}

fn is_interpreter(program: &str) -> bool {
    let python = program
        .strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'));
    python
        || matches!(
            program,
            "node" | "ruby" | "perl" | "php" | "tsx" | "ts-node" | "source" | "."
        )
}

fn follow_command(
    words: &[String],
    dir: &str,
    scripts: &ScriptLookup<'_>,
    depth: usize,
    out: &mut BTreeSet<Runs>,
) {
    let words = skip_wrappers(words);
    let Some((program, args)) = words.split_first() else {
        return;
    };
    if program.contains('/') {
        if let Some(p) = resolve(dir, program) {
            out.insert(Runs::File(p));
        }
        return;
    }
    let program = program.as_str();
    if is_shell(program) || is_interpreter(program) {
        let shell = is_shell(program);
        let mut skip_value = false;
        for (i, arg) in args.iter().enumerate() {
            if std::mem::take(&mut skip_value) {
                continue;
            }
            if shell && arg.starts_with('-') && !arg.starts_with("--") && arg.contains('c') {
                // `sh -c 'SCRIPT'`: the script is a command line of its own.
                if let Some(script) = args.get(i + 1)
                    && depth < 8
                {
                    follow(script, dir, scripts, depth + 1, out);
                }
                return;
            }
            if shell && arg.starts_with('-') && !arg.starts_with("--") && arg.contains('n') {
                // `sh -n FILE` only reads the file's syntax; it runs nothing.
                return;
            }
            if shell && (arg == "-o" || arg == "+o") {
                skip_value = true;
                continue;
            }
            if !shell
                && matches!(
                    arg.as_str(),
                    "-c" | "-m" | "-e" | "-p" | "--eval" | "--print" | "-E"
                )
            {
                // Code on the command line (already part of `run`) or a module by name.
                return;
            }
            if arg == "--" || arg.starts_with('-') || arg.starts_with('+') {
                continue;
            }
            if let Some(p) = resolve(dir, arg) {
                out.insert(Runs::File(p));
            }
            return;
        }
        return;
    }
    if matches!(program, "npm" | "pnpm" | "yarn")
        && let Some((manifest_dir, name)) = package_script(program, args, dir)
    {
        let manifest = join(&manifest_dir, "package.json");
        for name in [format!("pre{name}"), name.clone(), format!("post{name}")] {
            if depth < MAX_SCRIPT_DEPTH
                && let Ok(Some(text)) = scripts(&manifest, &name)
            {
                follow(&text, &manifest_dir, scripts, depth + 1, out);
            }
            out.insert(Runs::Script {
                manifest: manifest.clone(),
                name,
            });
        }
    }
}

/// The directory of the `package.json` and the script a package-manager command runs.
fn package_script(pm: &str, args: &[String], dir: &str) -> Option<(String, String)> {
    let mut dir = dir.to_owned();
    let mut operands: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() && operands.len() < 2 {
        let a = args[i].as_str();
        if matches!(a, "--prefix" | "-C" | "--dir" | "--cwd") {
            dir = resolve(&dir, args.get(i + 1)?)?;
            i += 2;
            continue;
        }
        if let Some(d) = ["--prefix=", "--dir=", "--cwd="]
            .iter()
            .find_map(|p| a.strip_prefix(p))
        {
            dir = resolve(&dir, d)?;
        } else if a == "--" {
            break;
        } else if !a.starts_with('-') {
            operands.push(a);
        }
        i += 1;
    }
    let sub = *operands.first()?;
    let name = match sub {
        "test" | "t" | "tst" => "test",
        "start" | "stop" | "restart" => sub,
        "run" | "run-script" | "rum" | "urn" => *operands.get(1)?,
        // pnpm and yarn run the script of that name for a word that is not one of their
        // commands (a command word names no script, so following it changes nothing).
        other if pm != "npm" => other,
        _ => return None,
    };
    Some((dir, name.to_owned()))
}

/// `word` (a path as the command names it, run in `dir`) from the repository root; `None`
/// for what cannot be a file of the repository (absolute, above the root, expanded by the
/// shell).
fn resolve(dir: &str, word: &str) -> Option<String> {
    if word.is_empty()
        || word.starts_with('/')
        || word.starts_with('~')
        || word.contains(['$', '*', '?', '[', '{'])
    {
        return None;
    }
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for part in word.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// A gate's working directory from the root ("" for the root).
fn gate_dir(gate: &Gate) -> String {
    gate.dir
        .as_deref()
        .and_then(|d| resolve("", d))
        .unwrap_or_default()
}

/// The `scripts` entry of a manifest as `content` holds it (see [`ScriptLookup`]).
fn script_in(
    repo: &Repo,
    content: &Content<'_>,
    manifest: &str,
    name: &str,
) -> std::result::Result<Option<String>, ()> {
    let Ok(Some(bytes)) = content.read_bytes(repo, manifest) else {
        return Ok(None);
    };
    let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| ())?;
    Ok(json
        .get("scripts")
        .and_then(|s| s.get(name))
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
}

/// Files and scripts behind the existing gates that the change alters (`gate-file-changed`).
fn gate_files(
    repo: &Repo,
    old: &Config,
    new: Option<&Config>,
    base: &Content<'_>,
    new_content: &Content<'_>,
    changed: &[String],
    signatures: &Signatures<'_>,
) -> Result<Vec<Finding>> {
    // What each existing gate runs, as the base defines it and (for a gate whose signed
    // definition changed) as the change defines it.
    let base_scripts = |m: &str, n: &str| script_in(repo, base, m, n);
    let new_scripts = |m: &str, n: &str| script_in(repo, new_content, m, n);
    let mut runs: BTreeMap<Runs, BTreeSet<&str>> = BTreeMap::new();
    let mut protect: Vec<(&str, PatternSet)> = Vec::new();
    for (name, gate) in &old.gates {
        let mut found = BTreeSet::new();
        follow(&gate.run, &gate_dir(gate), &base_scripts, 0, &mut found);
        let mut globs: Vec<&String> = gate.protect.iter().collect();
        if let Some(g) = new.and_then(|n| n.gates.get(name)) {
            follow(&g.run, &gate_dir(g), &new_scripts, 0, &mut found);
            globs.extend(g.protect.iter());
        }
        for r in found {
            runs.entry(r).or_default().insert(name.as_str());
        }
        if !globs.is_empty() {
            let set = PatternSet::new(globs)
                .with_context(|| format!("invalid `gates.{name}.protect`"))?;
            protect.push((name.as_str(), set));
        }
    }
    // path → (gates, what changed)
    let mut changes: BTreeMap<String, (BTreeSet<&str>, Vec<String>)> = BTreeMap::new();
    for (r, gates) in &runs {
        let (path, line) = match r {
            Runs::File(path) => {
                let (b, n) = (
                    base.read_bytes(repo, path)?,
                    new_content.read_bytes(repo, path)?,
                );
                let line = match (&b, &n) {
                    (None, None) => continue,
                    _ if b == n => continue,
                    (Some(_), None) => format!("{path}: deleted"),
                    (None, Some(_)) => format!("{path}: created"),
                    (Some(_), Some(_)) => format!("{path}: changed"),
                };
                (path, line)
            }
            Runs::Script { manifest, name } => {
                let (b, n) = (
                    script_in(repo, base, manifest, name),
                    script_in(repo, new_content, manifest, name),
                );
                let line = match (&b, &n) {
                    (Ok(b), Ok(n)) if b == n => continue,
                    (Ok(b), Ok(n)) => {
                        format!("{manifest} scripts.{name}: {} → {}", shown(b), shown(n))
                    }
                    // A manifest that does not parse on one side: changed when its bytes did.
                    _ => {
                        if base.read_bytes(repo, manifest)?
                            == new_content.read_bytes(repo, manifest)?
                        {
                            continue;
                        }
                        format!("{manifest} scripts.{name}: cannot be read (not valid JSON)")
                    }
                };
                (manifest, line)
            }
        };
        let entry = changes.entry(path.clone()).or_default();
        entry.0.extend(gates.iter().copied());
        entry.1.push(line);
    }
    for path in changed {
        for (gate, set) in &protect {
            if set.matches(Path::new(path)) {
                let entry = changes.entry(path.clone()).or_default();
                entry.0.insert(gate);
                entry
                    .1
                    .push(format!("{path}: changed (listed in gates.{gate}.protect)"));
            }
        }
    }
    let mut out = Vec::new();
    for (path, (gates, lines)) in changes {
        let gates: Vec<String> = gates.iter().map(|g| format!("`{g}`")).collect();
        out.extend(unless_signed(
            signatures,
            &path,
            Rule::GateFileChanged,
            &format!(
                "`{path}` is part of what gate {} runs; changing it changes the gate",
                gates.join(", ")
            ),
            lines,
        )?);
    }
    Ok(out)
}

/// Paths under the base's `agents.protected` that the change alters (`protected-changed`).
fn protected_paths(
    old: &Config,
    changed: &[String],
    signatures: &Signatures<'_>,
) -> Result<Vec<Finding>> {
    if old.agents.protected.is_empty() {
        return Ok(Vec::new());
    }
    let rules = PathRules::new(&old.agents, None)?;
    let mut out = Vec::new();
    for path in changed {
        if rules
            .check(Path::new(path))
            .is_some_and(|v| v.kind == ViolationKind::Protected)
        {
            out.extend(unless_signed(
                signatures,
                path,
                Rule::ProtectedChanged,
                &format!("`{path}` is protected (`agents.protected` on the base)"),
                vec![format!("{path}: changed")],
            )?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Config {
        Config::from_bytes(text.as_bytes(), Path::new("gatekeeper.yml"))
            .unwrap()
            .config
    }

    #[test]
    fn weakenings_are_listed_and_strengthening_is_not() {
        let old = parse(
            "gates:\n  t:\n    run: x\n    required: true\n    stages: [pre-push, ci]\n    coverage: { report: l, min: 80 }\n  b:\n    run: y\n    budget: { max_increase: 10 }\n  gone:\n    run: z\nsacred:\n  paths: ['tests/billing/**']\n",
        );
        let weaker = parse(
            "gates:\n  t:\n    run: x\n    stages: [ci]\n    coverage: { report: l, min: 70 }\n  b:\n    run: y\n    budget: { max_increase: 20 }\n",
        );
        let w = weakenings(&old, &weaker);
        for expected in [
            "gates.gone: removed",
            "gates.t.stages: pre-push removed",
            "gates.t.required: dropped",
            "gates.t.coverage.min",
            "gates.b.budget.max_increase",
            "sacred.paths",
        ] {
            assert!(
                w.iter().any(|x| x.contains(expected)),
                "{expected} missing from {w:?}"
            );
        }
        let stronger = parse(
            "gates:\n  t:\n    run: x\n    required: true\n    timeout: 1m\n    coverage: { report: l, min: 90 }\n  b:\n    run: y\n    budget: { max_increase: 5 }\n  gone:\n    run: z\n  new:\n    run: n\nsacred:\n  paths: ['tests/billing/**', 'more/**']\n",
        );
        assert!(
            weakenings(&old, &stronger).is_empty(),
            "{:?}",
            weakenings(&old, &stronger)
        );
    }

    #[test]
    fn any_change_to_how_a_gate_runs_is_listed() {
        let old = parse(
            "gates:\n  t:\n    run: 'false'\n    glob: ['*.rs']\n    env: { A: '1' }\n    timeout: 5m\n    needs: [u]\n  u:\n    run: 'true'\n",
        );
        for (new, expected) in [
            (
                "gates:\n  t:\n    run: 'false || true'\n    glob: ['*.rs']\n    env: { A: '1' }\n    timeout: 5m\n    needs: [u]\n  u:\n    run: 'true'\n",
                r#"gates.t.run: changed from "false" to "false || true""#,
            ),
            (
                "gates:\n  t:\n    run: 'false'\n    glob: ['src/*.rs']\n    env: { A: '1' }\n    timeout: 5m\n    needs: [u]\n  u:\n    run: 'true'\n",
                r#"gates.t.glob: changed from ["*.rs"] to ["src/*.rs"]"#,
            ),
            (
                "gates:\n  t:\n    run: 'false'\n    glob: ['*.rs']\n    env: { A: '1', SKIP: '1' }\n    timeout: 5m\n    needs: [u]\n  u:\n    run: 'true'\n",
                r#"gates.t.env.SKIP: changed from null to "1""#,
            ),
            (
                "gates:\n  t:\n    run: 'false'\n    glob: ['*.rs']\n    env: { A: '1' }\n    timeout: 1h\n    needs: [u]\n  u:\n    run: 'true'\n",
                "gates.t.timeout: 5m raised to 1h",
            ),
            (
                "gates:\n  t:\n    run: 'false'\n    glob: ['*.rs']\n    env: { A: '1' }\n    timeout: 5m\n  u:\n    run: 'true'\n",
                r#"gates.t.needs: changed from ["u"] to []"#,
            ),
        ] {
            let w = weakenings(&old, &parse(new));
            assert_eq!(w, vec![expected.to_owned()], "{new}");
        }
    }

    fn followed(run: &str, dir: &str, scripts: &[(&str, &str, &str)]) -> BTreeSet<Runs> {
        let lookup = |m: &str, n: &str| {
            Ok(scripts
                .iter()
                .find(|(mm, nn, _)| *mm == m && *nn == n)
                .map(|(_, _, t)| (*t).to_owned()))
        };
        let mut out = BTreeSet::new();
        follow(run, dir, &lookup, 0, &mut out);
        out
    }

    fn set<const N: usize>(items: [Runs; N]) -> BTreeSet<Runs> {
        items.into_iter().collect()
    }

    fn file(p: &str) -> Runs {
        Runs::File(p.to_owned())
    }

    fn script(m: &str, n: &str) -> Runs {
        Runs::Script {
            manifest: m.to_owned(),
            name: n.to_owned(),
        }
    }

    #[test]
    fn files_a_command_executes_are_followed() {
        assert_eq!(
            followed("./scripts/test.sh", "", &[]),
            set([file("scripts/test.sh")])
        );
        assert_eq!(
            followed("CI=1 python3 -u tools/check.py {files}", "", &[]),
            set([file("tools/check.py")])
        );
        assert_eq!(
            followed(
                "cargo build && bash -e -o pipefail ../ci/run.sh",
                "app",
                &[]
            ),
            set([file("ci/run.sh")])
        );
        assert_eq!(
            followed("timeout 60 env -u X ./a.sh | tee log", "", &[]),
            set([file("a.sh")])
        );
        assert_eq!(
            followed("sh -c './inner.sh --fast'", "", &[]),
            set([file("inner.sh")])
        );
        assert!(followed("python -m pytest", "", &[]).is_empty());
        assert!(followed("sh -n install.sh", "", &[]).is_empty());
        assert!(followed("cargo test --locked", "", &[]).is_empty());
        assert!(followed("make test", "", &[]).is_empty());
        assert!(followed("/usr/bin/env true", "", &[]).is_empty());
        assert!(followed("../../outside.sh", "a", &[]).is_empty());
    }

    #[test]
    fn package_manager_scripts_are_followed() {
        let all = |m: &str, n: &str| {
            set([
                script(m, &format!("pre{n}")),
                script(m, n),
                script(m, &format!("post{n}")),
            ])
        };
        assert_eq!(followed("npm test", "", &[]), all("package.json", "test"));
        assert_eq!(
            followed("npm run --silent lint", "web", &[]),
            all("web/package.json", "lint")
        );
        assert_eq!(followed("pnpm lint", "", &[]), all("package.json", "lint"));
        assert_eq!(
            followed("yarn --cwd web test", "", &[]),
            all("web/package.json", "test")
        );
        assert!(followed("npm ci", "", &[]).is_empty());
        // The script's own command line is followed too.
        let mut expected = all("package.json", "test");
        expected.insert(file("scripts/t.sh"));
        assert_eq!(
            followed(
                "npm test",
                "",
                &[("package.json", "test", "./scripts/t.sh")]
            ),
            expected
        );
    }
}
