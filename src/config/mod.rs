//! `gatekeeper.yml`: its types, strict loading and its JSON Schema (SPEC section 4).
//!
//! Loading is strict: unknown keys, duplicate keys and wrong types are [`ConfigError`]s that
//! name the file, line and column (exit 2). Each top-level block has its own submodule so that
//! the code that uses a block owns its types.

pub mod agents;
pub mod data;
pub mod deploy;
pub mod sacred;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_saphyr::Spanned;
use sha2::{Digest, Sha256};

pub use agents::AgentsConfig;
pub use data::DataConfig;
pub use deploy::DeployConfig;
pub use sacred::SacredConfig;

/// Replaced by the commit message file (shell-quoted) in the commit-msg stage.
pub const MSG_FILE_PLACEHOLDER: &str = "{msg_file}";

/// The configuration file's name, at the root of the work tree.
pub const CONFIG_FILE: &str = "gatekeeper.yml";

/// The whole `gatekeeper.yml`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The gates, in the order their results are printed.
    #[serde(default)]
    pub gates: IndexMap<String, Gate>,
    /// Which tests are sacred beyond those tagged in the code.
    #[serde(default)]
    pub sacred: SacredConfig,
    /// `deploy-check` settings.
    #[serde(default)]
    pub deploy: DeployConfig,
    /// Data sources, backup and rules for `snapshot`, `verify` and `migrate`.
    #[serde(default)]
    pub data: DataConfig,
    /// Agent sessions: memory, maintenance, roles and protected paths.
    #[serde(default)]
    pub agents: AgentsConfig,
    /// Jobs the post-checkout hook runs when their files changed.
    #[serde(default)]
    pub checkout: Vec<CheckoutJob>,
}

/// The stages a gate can run in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    PreCommit,
    /// Checks the commit message (`{msg_file}`); only gates that name it run there.
    CommitMsg,
    PrePush,
    Ci,
    AgentStop,
}

impl Stage {
    /// The stages of a gate without `stages`.
    pub const DEFAULT: [Stage; 4] = [
        Stage::PreCommit,
        Stage::PrePush,
        Stage::Ci,
        Stage::AgentStop,
    ];

    /// Every stage.
    pub const ALL: [Stage; 5] = [
        Stage::PreCommit,
        Stage::CommitMsg,
        Stage::PrePush,
        Stage::Ci,
        Stage::AgentStop,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::PreCommit => "pre-commit",
            Stage::CommitMsg => "commit-msg",
            Stage::PrePush => "pre-push",
            Stage::Ci => "ci",
            Stage::AgentStop => "agent-stop",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown stage `{s}` (expected pre-commit, commit-msg, pre-push, ci or agent-stop)"
                )
            })
    }
}

/// One gate: a shell command and when to run it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// The command, run by `sh -c` in the repository root (or `dir`). `{files}` expands to
    /// the matching changed files, shell-quoted.
    pub run: String,
    /// Run only when a changed file matches one of these globs; omitted = always run.
    /// A pattern without `/` matches a file's name at any depth.
    #[serde(default)]
    pub glob: GlobList,
    /// Changed files matching these globs are never handed to the gate.
    #[serde(default)]
    pub exclude: GlobList,
    /// The stages the gate runs in (default: pre-commit, pre-push, ci and agent-stop;
    /// `commit-msg` only when listed).
    pub stages: Option<Vec<Stage>>,
    /// A required gate cannot be skipped with `GATEKEEPER_SKIP`.
    #[serde(default)]
    pub required: bool,
    /// Kill the gate's whole process group after this long (default 10m).
    pub timeout: Option<DurationValue>,
    /// Working directory relative to the repository root; the gate then sees only the
    /// changed files under it, with paths relative to it.
    pub dir: Option<String>,
    /// Extra environment variables for the command.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Gates that must pass before this one starts (otherwise gates run in parallel).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub needs: Vec<Spanned<String>>,
    /// Line-coverage ratchet read from a report the command writes.
    pub coverage: Option<CoverageRule>,
    /// A number the command prints (or writes), compared with the recorded baseline.
    pub budget: Option<BudgetRule>,
    /// Whether a pass may be served from the result cache (default true).
    pub cache: Option<bool>,
    /// The files the gate reads, for its result-cache key. Omitted: every file in the
    /// repository is part of the key. Given: these, and the files its `glob` selects.
    #[serde(default)]
    pub inputs: GlobList,
    /// Globs (relative to the repository root) of files that are part of what the gate runs
    /// beyond what gatekeeper follows from `run` (a Makefile, a helper a script calls, a test
    /// runner's configuration): `gatekeeper ci` and pre-push refuse a change to them that is
    /// not signed by an allowed signer.
    #[serde(default)]
    pub protect: GlobList,
}

impl Gate {
    /// The stages this gate runs in.
    pub fn stages(&self) -> Vec<Stage> {
        self.stages
            .clone()
            .unwrap_or_else(|| Stage::DEFAULT.to_vec())
    }

    pub fn runs_in(&self, stage: Stage) -> bool {
        match &self.stages {
            Some(s) => s.contains(&stage),
            None => Stage::DEFAULT.contains(&stage),
        }
    }

    /// The gate's timeout (default 10 minutes).
    pub fn timeout(&self) -> std::time::Duration {
        self.timeout
            .map_or(std::time::Duration::from_secs(600), |d| d.0)
    }

    /// The names of the gates this one waits for.
    pub fn needs(&self) -> impl Iterator<Item = &str> {
        self.needs.iter().map(|s| s.value.as_str())
    }
}

/// `coverage:` on a gate.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CoverageRule {
    /// Path of the report the command writes, relative to the gate's directory.
    pub report: String,
    /// Report format (default: detected from the content).
    #[serde(default)]
    pub format: CoverageFormat,
    /// Minimum line coverage in percent.
    pub min: Option<f64>,
    /// How far below the recorded baseline coverage may fall, in points (default 0.1).
    pub tolerance: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CoverageFormat {
    #[default]
    Auto,
    Lcov,
    Cobertura,
}

/// `budget:` on a gate.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BudgetRule {
    /// Where the number comes from: `stdout` (default), `file:PATH` or `json:PATH#/pointer`.
    pub metric: Option<String>,
    /// The largest allowed increase over the recorded baseline, in the metric's units.
    pub max_increase: Option<f64>,
    /// The largest allowed value.
    pub max: Option<f64>,
}

/// A post-checkout job.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutJob {
    /// The command, run by `sh -c` in the repository root (or `dir`).
    pub run: String,
    /// Run only when one of these files differs between the old and the new HEAD.
    pub when_changed: GlobList,
    /// Working directory relative to the repository root.
    pub dir: Option<String>,
    /// Kill the job's process group after this long (default 10m).
    pub timeout: Option<DurationValue>,
    /// Also run after `git worktree add` (and clone), when there is no old HEAD to compare.
    #[serde(default)]
    pub on_worktree_add: bool,
}

/// A list of strings that may also be written as one string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct StringList(pub Vec<String>);

impl StringList {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, String> {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a StringList {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'de> Deserialize<'de> for StringList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = StringList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<StringList, E> {
                Ok(StringList(vec![v.to_owned()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<StringList, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = a.next_element::<String>()? {
                    out.push(s);
                }
                Ok(StringList(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list of gitignore-like glob patterns (a string or a list of strings). Each pattern is
/// compiled when the file loads, so a bad one is a configuration error at its line and column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct GlobList(pub Vec<String>);

impl GlobList {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, String> {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a GlobList {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// One pattern of a [`GlobList`], checked as it is read (so that the error is located at it).
struct GlobPattern(String);

impl<'de> Deserialize<'de> for GlobPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        crate::gates::files::check_pattern(&s).map_err(serde::de::Error::custom)?;
        Ok(GlobPattern(s))
    }
}

impl<'de> Deserialize<'de> for GlobList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = GlobList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a glob pattern or a list of glob patterns")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<GlobList, E> {
                crate::gates::files::check_pattern(v).map_err(E::custom)?;
                Ok(GlobList(vec![v.to_owned()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<GlobList, A::Error> {
                let mut out = Vec::new();
                while let Some(GlobPattern(s)) = a.next_element::<GlobPattern>()? {
                    out.push(s);
                }
                Ok(GlobList(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A duration written as `90s`, `5m`, `1h30m`, `30d` (or a number of seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[schemars(with = "String")]
pub struct DurationValue(pub std::time::Duration);

impl<'de> Deserialize<'de> for DurationValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = DurationValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as 90s, 5m or 1h30m")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DurationValue, E> {
                Ok(DurationValue(std::time::Duration::from_secs(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DurationValue, E> {
                u64::try_from(v)
                    .map(|v| DurationValue(std::time::Duration::from_secs(v)))
                    .map_err(|_| E::custom("a duration cannot be negative"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DurationValue, E> {
                parse_duration(v).map(DurationValue).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses `90s`, `5m`, `1h30m`, `30d`, `250ms`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<u64>() {
        return Ok(std::time::Duration::from_secs(secs));
    }
    humantime::parse_duration(t).map_err(|e| format!("invalid duration `{t}`: {e}"))
}

/// A configuration error, located in the file.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: u64,
    pub column: u64,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                self.line,
                self.column,
                self.message
            )
        } else {
            write!(f, "{}: {}", self.path.display(), self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// A configuration with where it came from and the hash that trust is recorded for.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub path: PathBuf,
    /// sha256 of the file's bytes, lowercase hex.
    pub sha256: String,
}

impl std::ops::Deref for LoadedConfig {
    type Target = Config;
    fn deref(&self) -> &Config {
        &self.config
    }
}

impl Config {
    /// Loads `gatekeeper.yml` from a work-tree root.
    pub fn load_from_root(root: &Path) -> anyhow::Result<LoadedConfig> {
        let path = root.join(CONFIG_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError {
                    path,
                    line: 0,
                    column: 0,
                    message: "no such file".into(),
                    hint: Some("create one with `gatekeeper init`".into()),
                }
                .into());
            }
            Err(e) => {
                return Err(e).with_context(|| format!("failed to read `{}`", path.display()));
            }
        };
        Self::from_bytes(&bytes, &path)
    }

    /// Parses and validates configuration text; `path` is used in error messages only.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> anyhow::Result<LoadedConfig> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let text = std::str::from_utf8(bytes).map_err(|e| ConfigError {
            path: path.to_owned(),
            line: 0,
            column: 0,
            message: format!("not valid UTF-8: {e}"),
            hint: None,
        })?;
        let config = Self::parse(text, path)?;
        Ok(LoadedConfig {
            config,
            path: path.to_owned(),
            sha256,
        })
    }

    fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let options = serde_saphyr::options! {
            with_snippet: false,
        };
        // An empty file is an empty configuration, not an error.
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let config: Config = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            ConfigError {
                path: path.to_owned(),
                line,
                column,
                message: strip_location_suffix(&e.to_string()),
                hint: None,
            }
        })?;
        config.validate(path)?;
        Ok(config)
    }

    /// Checks what the types cannot: references between gates, empty commands.
    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        let err = |loc: Option<&serde_saphyr::Location>, message: String| ConfigError {
            path: path.to_owned(),
            line: loc.map_or(0, serde_saphyr::Location::line),
            column: loc.map_or(0, serde_saphyr::Location::column),
            message,
            hint: None,
        };
        for (name, gate) in &self.gates {
            if gate.run.trim().is_empty() {
                return Err(err(None, format!("gates.{name}.run: the command is empty")));
            }
            if gate.run.contains(MSG_FILE_PLACEHOLDER)
                && gate
                    .stages
                    .as_ref()
                    .is_none_or(|s| s.iter().any(|st| *st != Stage::CommitMsg))
            {
                return Err(ConfigError {
                    hint: Some("add `stages: [commit-msg]` to the gate".into()),
                    ..err(
                        None,
                        format!(
                            "gates.{name}.run: `{MSG_FILE_PLACEHOLDER}` exists only in the commit-msg stage"
                        ),
                    )
                });
            }
            for need in &gate.needs {
                if !self.gates.contains_key(&need.value) {
                    return Err(err(
                        Some(&need.referenced),
                        format!(
                            "gates.{name}.needs: there is no gate named `{}`",
                            need.value
                        ),
                    ));
                }
                if need.value == *name {
                    return Err(err(
                        Some(&need.referenced),
                        format!("gates.{name}.needs: a gate cannot need itself"),
                    ));
                }
            }
        }
        for (i, e) in self.sacred.evidence.iter().enumerate() {
            let at = format!("sacred.evidence[{i}]");
            if !self.gates.contains_key(&e.gate) {
                return Err(err(
                    None,
                    format!("{at}.gate: there is no gate named `{}`", e.gate),
                ));
            }
            match (&e.junit, &e.go_test_json) {
                (Some(_), Some(_)) | (None, None) => {
                    return Err(err(
                        None,
                        format!("{at}: give exactly one of `junit` and `go_test_json`"),
                    ));
                }
                _ => {}
            }
            if e.pattern().trim().is_empty() {
                return Err(err(None, format!("{at}: the report path is empty")));
            }
            for p in e.pattern_and_tests() {
                if let Err(why) = crate::gates::files::PatternSet::new([p]) {
                    return Err(err(None, format!("{at}: {why:#}")));
                }
            }
        }
        if let Some(cycle) = self.needs_cycle() {
            return Err(err(
                None,
                format!("gates: `needs` form a cycle: {}", cycle.join(" -> ")),
            ));
        }
        Ok(())
    }

    /// A cycle in `needs`, if any, as the list of gate names around it.
    fn needs_cycle(&self) -> Option<Vec<String>> {
        fn visit<'a>(
            cfg: &'a Config,
            name: &'a str,
            state: &mut BTreeMap<&'a str, u8>,
            stack: &mut Vec<&'a str>,
        ) -> Option<Vec<String>> {
            match state.get(name) {
                Some(2) => return None,
                Some(1) => {
                    let start = stack.iter().position(|n| *n == name).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack[start..].iter().map(|s| (*s).to_owned()).collect();
                    cycle.push(name.to_owned());
                    return Some(cycle);
                }
                _ => {}
            }
            state.insert(name, 1);
            stack.push(name);
            if let Some(g) = cfg.gates.get(name) {
                for n in g.needs() {
                    if let Some(c) = visit(cfg, n, state, stack) {
                        return Some(c);
                    }
                }
            }
            stack.pop();
            state.insert(name, 2);
            None
        }
        let mut state = BTreeMap::new();
        for name in self.gates.keys() {
            if let Some(c) = visit(self, name, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
        None
    }

    /// The JSON Schema of `gatekeeper.yml`.
    pub fn json_schema() -> serde_json::Value {
        let schema = schemars::schema_for!(Config);
        serde_json::to_value(schema).unwrap_or(serde_json::Value::Null)
    }
}

/// serde-saphyr appends " at line L column C" to some messages; the location is already in
/// the `file:line:column:` prefix.
fn strip_location_suffix(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    // Advice meant for the library's callers, not for someone editing the file.
    let first = first
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(first);
    match first.rfind(" at line ") {
        Some(i) if first[i..].contains("column") => first[..i].to_owned(),
        _ => first.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("gatekeeper.yml"))
    }

    #[test]
    fn agents_sandbox_lists_replace_their_defaults_and_reject_unknown_keys() {
        let cfg = parse("agents:\n  sandbox:\n    writable: [\"~/.tool/\"]\n").unwrap();
        assert_eq!(cfg.agents.sandbox.writable.0, ["~/.tool/"]);
        assert!(cfg.agents.sandbox.caches.iter().any(|c| c == "~/.cargo"));
        assert!(cfg.agents.sandbox.build_dirs.iter().any(|c| c == "target"));
        let defaults = parse("gates: {}\n").unwrap();
        assert!(
            defaults
                .agents
                .sandbox
                .writable
                .iter()
                .any(|c| c == "~/.claude/")
        );
        let e = parse("agents:\n  sandbox:\n    writeable: []\n").unwrap_err();
        assert!(e.to_string().contains("gatekeeper.yml:3:"), "{e}");
        let role = parse("agents:\n  roles:\n    r: { edit: [a/**], git_writes: true }\n").unwrap();
        assert!(role.agents.roles["r"].git_writes);
    }

    #[test]
    fn spec_example_parses() {
        let text = include_str!("../../tests/it/fixtures/spec-example.yml");
        let cfg = parse(text).expect("the SPEC example must load");
        assert_eq!(cfg.gates.len(), 7);
        assert!(cfg.gates["test"].required);
        assert_eq!(
            cfg.gates["clippy"].timeout(),
            std::time::Duration::from_secs(300)
        );
        assert!(!cfg.gates["test"].runs_in(Stage::PreCommit));
        assert_eq!(cfg.checkout.len(), 1);
    }

    #[test]
    fn unknown_key_is_located() {
        let e = parse("gates:\n  a:\n    run: x\n    globb: ['*.rs']\n").unwrap_err();
        assert_eq!((e.line, e.column), (4, 5), "{e}");
        assert!(e.message.contains("globb"), "{e}");
    }

    #[test]
    fn duplicate_key_is_located() {
        let e = parse("gates:\n  a:\n    run: x\n  a:\n    run: y\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.to_lowercase().contains("duplicate"), "{e}");
    }

    #[test]
    fn wrong_type_is_located() {
        let e = parse("gates:\n  a:\n    run: x\n    required: maybe\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
    }

    #[test]
    fn unknown_need_is_located() {
        let e = parse("gates:\n  a:\n    run: x\n    needs: [b]\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("no gate named `b`"), "{e}");
    }

    #[test]
    fn needs_cycle_is_refused() {
        let e =
            parse("gates:\n  a: {run: x, needs: [b]}\n  b: {run: y, needs: [a]}\n").unwrap_err();
        assert!(e.message.contains("cycle"), "{e}");
    }

    #[test]
    fn invalid_globs_are_located_at_the_pattern() {
        let e = parse("gates:\n  a:\n    run: x\n    glob: ['*.rs', 'a[b']\n").unwrap_err();
        assert_eq!((e.line, e.column), (4, 20), "{e}");
        assert!(e.message.contains("invalid glob `a[b`"), "{e}");
        assert!(!e.message.contains("**/"), "the pattern as written: {e}");
        let e = parse("gates:\n  a:\n    run: x\n    exclude: 'a[b'\n").unwrap_err();
        assert_eq!((e.line, e.column), (4, 14), "{e}");
        let e = parse("checkout:\n  - run: x\n    when_changed:\n      - 'x{'\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        let e = parse("sacred:\n  paths: ['[z-a]']\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("5m").unwrap().as_secs(), 300);
        assert_eq!(parse_duration("30d").unwrap().as_secs(), 30 * 86400);
        assert_eq!(parse_duration("90").unwrap().as_secs(), 90);
        assert!(parse_duration("soon").is_err());
    }
}
