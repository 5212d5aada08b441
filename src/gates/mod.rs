//! Gates: which ones run for a stage and a set of changed files ([`plan`]), and running them
//! in parallel with timeouts and cancellation ([`execute`]).
//!
//! **Invariant:** a gate's verdict comes only from what gatekeeper ran: a gate that could not
//! start, timed out or was interrupted never counts as passed.

pub mod cache;
pub mod files;
pub mod ratchet;
pub mod tools;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use crate::baseline::Baselines;
use crate::config::sacred::EvidenceSource;
use crate::config::{Config, Gate, Stage};
use crate::exit::ExitStatus;
use crate::process::{self, Ending, ShellCommand};
use crate::sacred::evidence::{self, EvidenceFinding, EvidenceResult, LockedRef};
use files::PatternSet;

/// A gate's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Passed,
    Failed,
    /// Killed when its timeout ran out.
    TimedOut,
    /// The command was not found (exit 126/127 from `sh`).
    MissingTool,
    /// Not run: skipped by `GATEKEEPER_SKIP`, no matching files, or a needed gate failed.
    Skipped,
    /// Killed because gatekeeper was interrupted.
    Interrupted,
    /// It ran, but what it had to prove could not be read (a sacred-evidence report
    /// missing, stale or unreadable).
    Undecided,
}

impl Verdict {
    /// The exit status this verdict contributes (SPEC section 2).
    pub fn status(self) -> ExitStatus {
        match self {
            Verdict::Passed | Verdict::Skipped => ExitStatus::Success,
            Verdict::Failed => ExitStatus::Refused,
            Verdict::TimedOut | Verdict::MissingTool | Verdict::Undecided => ExitStatus::Undecided,
            Verdict::Interrupted => ExitStatus::Interrupted,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::TimedOut => "timed out",
            Verdict::MissingTool => "tool missing",
            Verdict::Skipped => "skipped",
            Verdict::Interrupted => "interrupted",
            Verdict::Undecided => "could not decide",
        }
    }
}

/// One gate's outcome, as printed and as serialised in `--format json`.
#[derive(Debug, Clone, Serialize)]
pub struct GateOutcome {
    pub name: String,
    pub verdict: Verdict,
    /// The exit code of the last command run, when it exited.
    pub exit_code: Option<i32>,
    pub duration_ms: u64,
    /// Why it was skipped or what went wrong beyond the output.
    pub reason: Option<String>,
    /// stdout and stderr, interleaved, whole.
    pub output: String,
    /// How many files it was given through `{files}` (or matched by its glob).
    pub files: usize,
    /// How many times the command ran (`{files}` lists over the argument limit are split).
    pub runs: usize,
    pub required: bool,
    /// Served from the result cache: the same inputs passed before.
    pub cached: bool,
    /// With `cached`: how long the original run took, i.e. the time saved.
    pub saved_ms: Option<u64>,
    /// Coverage and budget figures, for gates with a ratchet.
    pub figures: Option<ratchet::Figures>,
    /// Locked sacred tests its report did not prove (`sacred.evidence`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sacred: Vec<EvidenceFinding>,
}

/// What set of files a run is about.
#[derive(Debug, Clone)]
pub enum FileScope {
    /// Changed files (staged, pushed, or in a range); deleted files excluded.
    Changed(Vec<PathBuf>),
    /// Every tracked file (`--all-files`).
    All(Vec<PathBuf>),
}

impl FileScope {
    pub fn files(&self) -> &[PathBuf] {
        match self {
            FileScope::Changed(f) | FileScope::All(f) => f,
        }
    }
}

/// What to run.
pub struct RunRequest<'a> {
    pub config: &'a Config,
    /// The work-tree root; gates run there or in their `dir`.
    pub root: &'a Path,
    /// Run the gates of this stage (ignored for gates named explicitly).
    pub stage: Stage,
    /// Explicitly named gates; empty means "every gate of the stage".
    pub names: &'a [String],
    pub files: FileScope,
    /// `GATEKEEPER_SKIP`.
    pub skip: &'a [String],
    /// `--skip` on the command line (same rule: required gates still run).
    pub skip_flag: &'a [String],
    /// Extra environment for every gate.
    pub env: Vec<(String, String)>,
    /// Bytes of the environment the children inherit (for the argument-length limit).
    pub env_bytes: usize,
}

/// A gate ready to run, or already decided.
#[derive(Debug, Clone)]
pub struct PlannedGate {
    pub name: String,
    pub gate: Gate,
    pub dir: PathBuf,
    pub scripts: Vec<std::ffi::OsString>,
    pub files: usize,
    /// Set when the gate will not run, with the reason.
    pub skip: Option<String>,
    /// The `sacred.evidence` entries this gate's run must prove (never served from the
    /// cache: only a report written by this run is evidence).
    pub evidence: Option<std::sync::Arc<GateEvidence>>,
    /// The files it is given (relative to its directory).
    pub file_list: Vec<PathBuf>,
    /// Whether the command uses `{files}`.
    pub uses_files: bool,
    /// Its result-cache key, when it may be cached.
    pub cache_key: Option<String>,
    /// A stored pass for exactly these inputs.
    pub hit: Option<cache::CachedPass>,
    /// A program its script names that cannot be found: the gate is not run (exit 3).
    pub missing: Option<tools::Missing>,
}

/// Decides which gates run, on which files, with which command lines.
pub fn plan(req: &RunRequest<'_>) -> Result<Vec<PlannedGate>> {
    for n in req.names {
        if !req.config.gates.contains_key(n) {
            return Err(
                crate::exit::Failure::usage(format!("there is no gate named `{n}`"))
                    .with_hint(format!(
                        "gates in gatekeeper.yml: {}",
                        req.config
                            .gates
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                    .into(),
            );
        }
    }
    let max_len = process::max_script_len(req.env_bytes);
    let mut out = Vec::new();
    let mut locked: Option<std::result::Result<std::sync::Arc<Vec<LockedRef>>, String>> = None;
    for (name, gate) in &req.config.gates {
        let selected = if req.names.is_empty() {
            gate.runs_in(req.stage)
        } else {
            req.names.contains(name)
        };
        if !selected {
            continue;
        }
        let rel_dir = gate.dir.as_deref().map(Path::new);
        let dir = rel_dir.map_or_else(|| req.root.to_path_buf(), |d| req.root.join(d));
        let glob = PatternSet::new(gate.glob.iter())?;
        let exclude = PatternSet::new(gate.exclude.iter())?;
        let files = files::select(req.files.files(), rel_dir, &glob, &exclude);
        let uses_files = gate.run.contains(files::FILES_PLACEHOLDER);
        let mut skip = None;
        if req.skip_flag.iter().any(|s| s == name) && !gate.required {
            skip = Some("skipped by --skip".to_owned());
        } else if req.skip.iter().any(|s| s == name) && !gate.required {
            skip = Some("skipped by GATEKEEPER_SKIP".to_owned());
        } else if !glob.is_empty() && files.is_empty() {
            skip = Some("no changed file matches its glob".to_owned());
        } else if uses_files && files.is_empty() {
            skip = Some("no files to pass to {files}".to_owned());
        }
        let scripts = if skip.is_some() {
            Vec::new()
        } else {
            files::expand(&gate.run, &files, max_len)?
        };
        // Parsed once per gate per run; only gates that will run are looked at.
        let missing = if skip.is_some() {
            None
        } else {
            let mut env = req.env.clone();
            env.extend(gate.env.iter().map(|(k, v)| (k.clone(), v.clone())));
            let path = process::child_path(&env);
            tools::first_missing(&tools::programs_of(&gate.run), &dir, &path)
        };
        let sources: Vec<EvidenceSource> = req
            .config
            .sacred
            .evidence
            .iter()
            .filter(|e| e.gate == *name)
            .cloned()
            .collect();
        // A gate that proves the sacred tests says, when its glob skips it, that this run
        // proves nothing of them.
        if !sources.is_empty()
            && let Some(reason) = skip.as_mut()
            && !reason.starts_with("skipped by")
        {
            reason.push_str(": the locked sacred tests are not proven by this run");
        }
        let mut gate = gate.clone();
        let evidence = if sources.is_empty() {
            None
        } else {
            // The lock as it is in the work tree: a changed lock is the sacred check's
            // business (a re-lock needs a signed commit).
            let locked = locked
                .get_or_insert_with(|| {
                    crate::sacred::evidence::load_locked(req.root)
                        .map(std::sync::Arc::new)
                        .map_err(|e| format!("{e:#}"))
                })
                .clone();
            gate.cache = Some(false);
            Some(std::sync::Arc::new(GateEvidence {
                root: req.root.to_path_buf(),
                sources,
                locked,
                sacred: req.config.sacred.clone(),
            }))
        };
        out.push(PlannedGate {
            name: name.clone(),
            gate,
            evidence,
            dir,
            scripts,
            files: files.len(),
            skip,
            file_list: files,
            uses_files,
            cache_key: None,
            hit: None,
            missing,
        });
    }
    Ok(out)
}

/// Notes about what the run was asked to skip and could not, and about an empty gate list:
/// a required gate named by `GATEKEEPER_SKIP` or `--skip` (it ran), a name that is no gate.
pub fn skip_notes(req: &RunRequest<'_>, planned: &[PlannedGate]) -> Vec<String> {
    let mut notes = Vec::new();
    if req.config.gates.is_empty() {
        notes.push(format!(
            "`{}` has no gates: nothing was checked",
            crate::config::CONFIG_FILE
        ));
    }
    for (names, source) in [(req.skip, "GATEKEEPER_SKIP"), (req.skip_flag, "--skip")] {
        for name in names {
            match req.config.gates.get(name) {
                Some(g) if g.required => notes.push(format!(
                    "`{name}` is required and cannot be skipped with {source}; it ran"
                )),
                None if !planned.iter().any(|p| &p.name == name) => {
                    notes.push(format!("{source} names `{name}`, which is not a gate"));
                }
                _ => {}
            }
        }
    }
    notes
}

/// What a gate's run must prove about the locked sacred tests (`sacred.evidence`).
#[derive(Debug)]
pub struct GateEvidence {
    pub root: PathBuf,
    pub sources: Vec<EvidenceSource>,
    /// The locked tests, or why the lock could not be read.
    pub locked: std::result::Result<std::sync::Arc<Vec<LockedRef>>, String>,
    /// What is sacred (to find a locked test that moved: the runner reports it under its
    /// new id).
    pub sacred: crate::config::sacred::SacredConfig,
}

impl GateEvidence {
    /// Judges the reports of a run that started at `started` and passed, with what its
    /// runner printed (`output`): `Ok(n)` proven tests, or the verdict, the reason and the
    /// findings.
    fn judge(
        &self,
        started: std::time::SystemTime,
        output: &str,
    ) -> std::result::Result<usize, (Verdict, String, Vec<EvidenceFinding>)> {
        let locked = match &self.locked {
            Ok(l) => l,
            Err(why) => {
                return Err((
                    Verdict::Undecided,
                    format!("sacred evidence: {why}"),
                    Vec::new(),
                ));
            }
        };
        let undecided = |why: String| {
            (
                Verdict::Undecided,
                format!("sacred evidence: {why}"),
                Vec::new(),
            )
        };
        // A report rewritten after the runner wrote it (by code the tests ran, at exit)
        // cannot take back what the runner printed: more failures printed than the reports
        // hold is no evidence.
        let printed = crate::sacred::printed::failures(output);
        if !printed.is_empty() {
            let failed: usize = printed.iter().map(|p| p.failed).sum();
            let skipped: Option<usize> = printed.iter().map(|p| p.skipped).sum();
            let passed: Option<usize> = printed.iter().map(|p| p.passed).sum();
            let (mut held_failed, mut held_skipped, mut held_passed) = (0, 0, 0);
            for s in &self.sources {
                let (cases, problems) =
                    evidence::read_reports(&self.root, s, started).map_err(undecided)?;
                held_failed += problems;
                for c in &cases {
                    match c.outcome {
                        evidence::Outcome::Skipped(_) => held_skipped += 1,
                        evidence::Outcome::Passed => held_passed += 1,
                        evidence::Outcome::Failed(_) => {}
                    }
                }
            }
            let lines = |pick: &dyn Fn(&crate::sacred::printed::PrintedFailures) -> bool| {
                printed
                    .iter()
                    .filter(|p| pick(p))
                    .map(|p| format!("`{}`", p.line))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let reports = if self.sources.len() == 1 {
                "its report holds"
            } else {
                "its reports hold"
            };
            let disagreement = if failed > held_failed {
                Some(format!(
                    "the runner printed {failed} failure{} ({}), {reports} {held_failed}",
                    plural(failed),
                    lines(&|p| p.failed > 0),
                ))
            } else if let Some(skipped) = skipped.filter(|n| *n > held_skipped) {
                Some(format!(
                    "the runner printed {skipped} skipped test{} ({}), {reports} {held_skipped}",
                    plural(skipped),
                    lines(&|p| p.skipped.is_some_and(|n| n > 0)),
                ))
            } else {
                passed.filter(|n| held_passed > *n).map(|passed| {
                    format!(
                        "{reports} {held_passed} passed test{}, the runner printed {passed} ({})",
                        plural(held_passed),
                        lines(&|p| p.passed.is_some()),
                    )
                })
            };
            if let Some(d) = disagreement {
                return Err((
                    Verdict::Failed,
                    format!(
                        "sacred evidence: {d}: a report that disagrees with what its runner printed is no evidence (was it rewritten after the run?)"
                    ),
                    Vec::new(),
                ));
            }
        }
        let printed_cases = evidence::printed_cases(output);
        // Every source judges `refs`: the tests proven, and the findings.
        let run_all =
            |refs: &[LockedRef]| -> std::result::Result<(usize, Vec<EvidenceFinding>), String> {
                let mut proven = 0;
                let mut findings = Vec::new();
                for s in &self.sources {
                    match evidence::check(&self.root, s, refs, started, &printed_cases) {
                        EvidenceResult::Proven(n) => proven += n,
                        EvidenceResult::Refused(f) => findings.extend(f),
                        EvidenceResult::Undecided(why) => return Err(why),
                    }
                }
                Ok((proven, findings))
            };
        let (mut proven, mut findings) = run_all(locked).map_err(undecided)?;
        // A locked test absent from the reports may have moved, keeping every check, since
        // the lock was written (`sacred::relocate`): the runner reports it under its new id,
        // so it is judged there, under the locked id.
        let missing: Vec<String> = findings
            .iter()
            .filter(|f| f.rule == evidence::EvidenceRule::NotRun)
            .map(|f| f.test_id.clone())
            .collect();
        if !missing.is_empty() {
            let mut moved = crate::sacred::moved_in_worktree(&self.root, &self.sacred, &missing)
                .unwrap_or_default();
            // Only where a listed report covers the new place is it judged there; elsewhere
            // its `not-run` stands.
            moved.retain(|m| {
                let r = [LockedRef::new(&m.to, &m.file)];
                self.sources
                    .iter()
                    .any(|s| evidence::covered(s, &r).is_ok_and(|c| !c.is_empty()))
            });
            if !moved.is_empty() {
                let relocated: Vec<LockedRef> = locked
                    .iter()
                    .map(|r| {
                        moved
                            .iter()
                            .find(|m| m.from == r.id)
                            .map_or_else(|| r.clone(), |m| LockedRef::new(&m.to, &m.file))
                    })
                    .collect();
                (proven, findings) = run_all(&relocated).map_err(undecided)?;
                for f in &mut findings {
                    if let Some(m) = moved.iter().find(|m| m.to == f.test_id) {
                        f.detail = format!("(now `{}`) {}", m.to, f.detail);
                        f.test_id.clone_from(&m.from);
                    }
                }
            }
        }
        if findings.is_empty() {
            Ok(proven)
        } else {
            let strangers = findings
                .iter()
                .filter(|f| f.rule == evidence::EvidenceRule::NotIsolated)
                .count();
            let n = findings.len() - strangers;
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let mut why = Vec::new();
            if n > 0 {
                why.push(format!(
                    "{n} locked sacred test{} not proven by the report",
                    plural(n)
                ));
            }
            if strangers > 0 {
                why.push(format!(
                    "{strangers} other test{} in an isolated run",
                    plural(strangers)
                ));
            }
            Err((
                Verdict::Failed,
                format!("sacred evidence: {}", why.join("; ")),
                findings,
            ))
        }
    }
}

/// Looks every runnable gate up in the result cache (gates with `cache: false` excepted).
pub fn apply_cache(
    planned: &mut [PlannedGate],
    repo: &crate::git::Repo,
    mode: cache::ContentMode,
    store: &cache::ResultCache,
) -> Result<()> {
    let mut snapshot = None;
    for p in planned
        .iter_mut()
        .filter(|p| p.skip.is_none() && p.missing.is_none() && p.gate.cache != Some(false))
    {
        if snapshot.is_none() {
            snapshot = Some(cache::ContentSnapshot::take(repo, mode)?);
        }
        let content = snapshot.as_ref().expect("taken just above");
        let files = p.uses_files.then_some(p.file_list.as_slice());
        let key = cache::key(&p.name, &p.gate, files, content)?;
        p.hit = store.get(&key);
        p.cache_key = Some(key);
    }
    Ok(())
}

/// For runs on the work tree as it is (`run`, `ci`, pre-push): baselines from the work tree,
/// and cache lookups keyed on the index plus whatever differs from it.
pub fn prepare_worktree_run<'a>(
    repo: &crate::git::Repo,
    planned: &mut [PlannedGate],
    no_cache: bool,
    store: &'a cache::ResultCache,
) -> Result<Extras<'a>> {
    if !no_cache {
        apply_cache(planned, repo, cache::ContentMode::WorkTree, store)?;
    }
    Ok(Extras {
        baselines: Baselines::load(repo.root())?,
        cache: (!no_cache).then_some(store),
        fail_fast: false,
    })
}

/// Stores the passes of gates that really ran. Call it only once the run is known to be
/// sound (pre-commit: no gate modified files), so that no pass is cached that was not one.
pub fn remember(planned: &[PlannedGate], outcomes: &[GateOutcome], store: &cache::ResultCache) {
    for (p, o) in planned.iter().zip(outcomes) {
        if o.verdict == Verdict::Passed
            && !o.cached
            && let Some(key) = &p.cache_key
        {
            let figures = o.figures.clone().unwrap_or_default();
            // A cache that cannot be written only costs a rerun next time.
            let _ = store.put(key, &p.name, o.duration_ms, &o.output, &figures);
        }
    }
}

/// Figures measured for `baseline update`.
#[derive(Debug, Default)]
pub struct MeasuredBaselines {
    pub figures: BTreeMap<String, ratchet::Figures>,
    /// Reasons for gates that did not pass (their figures are not recorded).
    pub failed: Vec<String>,
    pub failed_names: Vec<String>,
}

/// Runs the named gates with a ratchet (all of them when `names` is empty) on every tracked
/// file, without the cache and without judging, and returns what they measured.
pub fn measure_baselines(
    repo: &crate::git::Repo,
    config: &Config,
    names: &[String],
    env: &[(String, String)],
    cancel: &AtomicBool,
) -> Result<MeasuredBaselines> {
    let selected: Vec<String> = if names.is_empty() {
        config
            .gates
            .iter()
            .filter(|(_, g)| ratchet::has_ratchet(g))
            .map(|(n, _)| n.clone())
            .collect()
    } else {
        names.to_vec()
    };
    for n in &selected {
        match config.gates.get(n) {
            Some(g) if ratchet::has_ratchet(g) => {}
            Some(_) => {
                return Err(crate::exit::Failure::usage(format!(
                    "gate `{n}` has no coverage or budget to record"
                ))
                .into());
            }
            None => {
                return Err(
                    crate::exit::Failure::usage(format!("there is no gate named `{n}`")).into(),
                );
            }
        }
    }
    if selected.is_empty() {
        return Err(crate::exit::Failure::usage("no gate has a coverage or budget rule").into());
    }
    let req = RunRequest {
        config,
        root: repo.root(),
        stage: Stage::Ci,
        names: &selected,
        files: FileScope::All(repo.tracked_files()?),
        skip: &[],
        skip_flag: &[],
        env: env.to_vec(),
        env_bytes: 0,
    };
    // Judge against nothing (no baselines, no min or max): figures are recorded, not compared.
    let bare = Extras::default();
    let mut planned = plan(&req)?;
    for p in &mut planned {
        if let Some(c) = &mut p.gate.coverage {
            c.min = None;
        }
        if let Some(b) = &mut p.gate.budget {
            b.max = None;
        }
    }
    let outcomes = execute(&planned, env, &bare, cancel, &NoSink);
    let mut out = MeasuredBaselines::default();
    for o in outcomes {
        if let (Verdict::Passed, Some(f)) = (o.verdict, &o.figures) {
            out.figures.insert(o.name, f.clone());
        } else {
            out.failed.push(
                o.reason
                    .unwrap_or_else(|| format!("{} (exit {:?})", o.verdict.label(), o.exit_code)),
            );
            out.failed_names.push(o.name);
        }
    }
    Ok(out)
}

/// What gates consult besides their command: recorded baselines and the result cache.
#[derive(Default)]
pub struct Extras<'a> {
    pub baselines: Baselines,
    pub cache: Option<&'a cache::ResultCache>,
    /// Start no further gate once one did not pass (`--fail-fast`).
    pub fail_fast: bool,
}

/// Receives each gate's outcome as soon as it is known (from worker threads).
pub trait GateSink: Sync {
    /// Called once before any gate starts, with the number of planned gates.
    fn planned(&self, _total: usize) {}
    fn finished(&self, index: usize, outcome: &GateOutcome);
}

/// A sink that ignores everything.
pub struct NoSink;
impl GateSink for NoSink {
    fn finished(&self, _: usize, _: &GateOutcome) {}
}

struct Shared {
    results: Vec<Option<GateOutcome>>,
    started: Vec<bool>,
}

/// Runs the planned gates, in parallel up to the number of cores, honouring `needs`.
pub fn execute(
    planned: &[PlannedGate],
    extra_env: &[(String, String)],
    extras: &Extras<'_>,
    cancel: &AtomicBool,
    sink: &dyn GateSink,
) -> Vec<GateOutcome> {
    let n = planned.len();
    sink.planned(n);
    let index_of: BTreeMap<&str, usize> = planned
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.as_str(), i))
        .collect();
    let shared = Mutex::new(Shared {
        results: vec![None; n],
        started: vec![false; n],
    });
    let wake = Condvar::new();
    let runnable = planned.iter().filter(|p| p.skip.is_none()).count();
    // Every gate skipped or served from the cache: no command runs, so no thread is needed
    // (the common warm pre-commit). Config order settles `needs` among cache hits.
    if planned.iter().all(|p| p.skip.is_some() || p.hit.is_some()) {
        let mut results: Vec<GateOutcome> = Vec::with_capacity(n);
        for (i, p) in planned.iter().enumerate() {
            let outcome = match (&p.skip, &p.hit) {
                (Some(reason), _) => skipped(p, reason.clone()),
                (None, Some(hit)) => {
                    let failed_need = p.gate.needs().find(|need| {
                        index_of.get(need).is_some_and(|&j| {
                            j < results.len()
                                && !matches!(results[j].verdict, Verdict::Passed | Verdict::Skipped)
                        })
                    });
                    let stopped = extras
                        .fail_fast
                        .then(|| first_not_passed(results.iter()))
                        .flatten();
                    match (failed_need, stopped) {
                        (Some(need), _) => {
                            skipped(p, format!("needs `{need}`, which did not pass"))
                        }
                        (None, Some(first)) => skipped(p, fail_fast_reason(&first)),
                        (None, None) => from_cache(p, hit, extras),
                    }
                }
                (None, None) => unreachable!("checked above: every gate is skipped or a hit"),
            };
            sink.finished(i, &outcome);
            results.push(outcome);
        }
        return results;
    }
    // One gate to run needs no worker thread and no look at the machine's cores.
    let workers = if runnable <= 1 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(2, std::num::NonZero::get)
            .min(runnable)
    };

    // Decided-in-advance gates are reported at once.
    {
        let mut s = shared.lock().expect("gate scheduler lock poisoned");
        for (i, p) in planned.iter().enumerate() {
            if let Some(reason) = &p.skip {
                let o = skipped(p, reason.clone());
                sink.finished(i, &o);
                s.results[i] = Some(o);
                s.started[i] = true;
            }
        }
    }

    let work = || {
        loop {
            // Pick the first gate whose needs are settled.
            let pick = {
                let mut s = shared.lock().expect("gate scheduler lock poisoned");
                loop {
                    if s.started.iter().all(|b| *b) {
                        break None;
                    }
                    let mut chosen = None;
                    for (i, p) in planned.iter().enumerate() {
                        if s.started[i] {
                            continue;
                        }
                        let mut ready = true;
                        let mut failed_need = None;
                        for need in p.gate.needs() {
                            // A need that is not part of this run is settled.
                            let Some(&j) = index_of.get(need) else {
                                continue;
                            };
                            match &s.results[j] {
                                None => ready = false,
                                Some(o)
                                    if !matches!(o.verdict, Verdict::Passed | Verdict::Skipped) =>
                                {
                                    failed_need = Some(need.to_owned());
                                }
                                Some(_) => {}
                            }
                        }
                        if let Some(need) = failed_need {
                            chosen = Some((i, Some(need)));
                            break;
                        }
                        if ready {
                            chosen = Some((i, None));
                            break;
                        }
                    }
                    match chosen {
                        Some((i, failed)) => {
                            s.started[i] = true;
                            let stopped = extras
                                .fail_fast
                                .then(|| first_not_passed(s.results.iter().flatten()))
                                .flatten();
                            break Some((i, failed, stopped));
                        }
                        None => {
                            s = wake.wait(s).expect("gate scheduler lock poisoned");
                        }
                    }
                }
            };
            let Some((i, failed_need, stopped)) = pick else {
                break;
            };
            let p = &planned[i];
            let outcome = match (failed_need, stopped, &p.hit) {
                (Some(need), _, _) => skipped(p, format!("needs `{need}`, which did not pass")),
                (None, Some(first), _) => skipped(p, fail_fast_reason(&first)),
                (None, None, Some(hit)) => from_cache(p, hit, extras),
                (None, None, None) => run_one(p, extra_env, extras, cancel),
            };
            sink.finished(i, &outcome);
            let mut s = shared.lock().expect("gate scheduler lock poisoned");
            s.results[i] = Some(outcome);
            wake.notify_all();
        }
    };
    if workers == 1 {
        work();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(work);
            }
        });
    }
    shared
        .into_inner()
        .expect("gate scheduler lock poisoned")
        .results
        .into_iter()
        .map(|o| o.expect("every planned gate has an outcome"))
        .collect()
}

/// The name of the first gate, among finished ones, that neither passed nor was skipped.
fn first_not_passed<'o>(mut outcomes: impl Iterator<Item = &'o GateOutcome>) -> Option<String> {
    outcomes
        .find(|o| !matches!(o.verdict, Verdict::Passed | Verdict::Skipped))
        .map(|o| o.name.clone())
}

fn fail_fast_reason(first: &str) -> String {
    format!("not started: --fail-fast, and `{first}` did not pass")
}

fn skipped(p: &PlannedGate, reason: String) -> GateOutcome {
    GateOutcome {
        name: p.name.clone(),
        verdict: Verdict::Skipped,
        exit_code: None,
        duration_ms: 0,
        reason: Some(reason),
        output: String::new(),
        files: p.files,
        runs: 0,
        required: p.gate.required,
        cached: false,
        saved_ms: None,
        figures: None,
        sacred: Vec::new(),
    }
}

/// A pass served from the cache. Ratchets are judged again: the baseline may have moved.
fn from_cache(p: &PlannedGate, hit: &cache::CachedPass, extras: &Extras<'_>) -> GateOutcome {
    let failures = ratchet::judge(&p.gate, &hit.figures, extras.baselines.gates.get(&p.name));
    let has = ratchet::has_ratchet(&p.gate);
    GateOutcome {
        name: p.name.clone(),
        verdict: if failures.is_empty() {
            Verdict::Passed
        } else {
            Verdict::Failed
        },
        exit_code: Some(0),
        duration_ms: 0,
        reason: (!failures.is_empty()).then(|| failures.join("; ")),
        output: hit.output.clone(),
        files: p.files,
        runs: 0,
        required: p.gate.required,
        cached: true,
        saved_ms: Some(hit.duration_ms),
        figures: has.then(|| hit.figures.clone()),
        sacred: Vec::new(),
    }
}

fn run_one(
    p: &PlannedGate,
    extra_env: &[(String, String)],
    extras: &Extras<'_>,
    cancel: &AtomicBool,
) -> GateOutcome {
    if let Some(m) = &p.missing {
        return GateOutcome {
            name: p.name.clone(),
            verdict: Verdict::MissingTool,
            // What `sh` reports for a command it cannot find.
            exit_code: Some(127),
            duration_ms: 0,
            reason: Some(m.reason()),
            output: format!(
                "gatekeeper: {}: command not found; install it or put it on PATH\n",
                m.name
            ),
            files: p.files,
            runs: 0,
            required: p.gate.required,
            cached: false,
            saved_ms: None,
            figures: None,
            sacred: Vec::new(),
        };
    }
    let started = Instant::now();
    let started_at = std::time::SystemTime::now();
    let mut output = Vec::new();
    let mut verdict = Verdict::Passed;
    let mut exit_code = None;
    let mut reason = None;
    let mut runs = 0;
    let mut stdout = Vec::new();
    let split = ratchet::budget_reads_stdout(&p.gate);
    let mut env: Vec<(String, String)> = extra_env.to_vec();
    env.push(("GATEKEEPER_GATE".into(), p.name.clone()));
    env.extend(p.gate.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    for script in &p.scripts {
        let remaining = p.gate.timeout().saturating_sub(started.elapsed());
        let cmd = ShellCommand {
            script: script.clone(),
            dir: p.dir.clone(),
            env: env.clone(),
            timeout: remaining.max(Duration::from_millis(1)),
            stdin: None,
            capture: true,
        };
        runs += 1;
        let result = if split {
            process::run_shell_split(&cmd, cancel)
        } else {
            process::run_shell(&cmd, cancel)
        };
        match result {
            Ok(f) => {
                output.extend_from_slice(&f.output);
                stdout.extend_from_slice(&f.stdout);
                match f.ending {
                    Ending::Exited(0) => {}
                    Ending::Exited(c @ (126 | 127)) => {
                        exit_code = Some(c);
                        verdict = Verdict::MissingTool;
                        // The exit code is shown beside the reason already.
                        reason = Some("the command was not found or not executable".into());
                    }
                    Ending::Exited(c) => {
                        exit_code = Some(c);
                        verdict = Verdict::Failed;
                    }
                    Ending::Signalled(s) => {
                        verdict = Verdict::Failed;
                        reason = Some(format!("killed by signal {s}"));
                    }
                    Ending::TimedOut => {
                        verdict = Verdict::TimedOut;
                        reason = Some(format!(
                            "timed out after {}; its process group was killed",
                            humantime::format_duration(p.gate.timeout())
                        ));
                    }
                    Ending::Interrupted => {
                        verdict = Verdict::Interrupted;
                        reason = Some("interrupted".into());
                    }
                }
                if verdict == Verdict::Passed {
                    exit_code = Some(0);
                }
            }
            Err(e) => {
                verdict = Verdict::MissingTool;
                reason = Some(format!("{e:#}"));
            }
        }
        if verdict != Verdict::Passed {
            break;
        }
    }
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut output = String::from_utf8_lossy(&output).into_owned();
    let mut figures = None;
    if verdict == Verdict::Passed && ratchet::has_ratchet(&p.gate) {
        match ratchet::measure(&p.gate, &p.dir, &stdout) {
            Ok(f) => {
                let failures = ratchet::judge(&p.gate, &f, extras.baselines.gates.get(&p.name));
                if !failures.is_empty() {
                    verdict = Verdict::Failed;
                    reason = Some(failures.join("; "));
                }
                figures = Some(f);
            }
            Err(e) => {
                verdict = Verdict::Failed;
                reason = Some(format!("{e:#}"));
            }
        }
    }
    let mut sacred = Vec::new();
    if verdict == Verdict::Passed
        && let Some(ev) = &p.evidence
    {
        match ev.judge(started_at, &output) {
            Ok(n) => {
                output.push_str(&format!(
                    "{}sacred evidence: {n} locked sacred test{} ran and passed\n",
                    if output.is_empty() || output.ends_with('\n') {
                        ""
                    } else {
                        "\n"
                    },
                    if n == 1 { "" } else { "s" }
                ));
            }
            Err((v, why, findings)) => {
                verdict = v;
                if !output.is_empty() && !output.ends_with('\n') {
                    output.push('\n');
                }
                for f in &findings {
                    output.push_str(&format!(
                        "refused: {} [{}] {}\n",
                        f.test_id,
                        f.rule.as_str(),
                        f.detail
                    ));
                }
                reason = Some(why);
                sacred = findings;
            }
        }
    }
    GateOutcome {
        name: p.name.clone(),
        verdict,
        exit_code,
        duration_ms,
        reason,
        output,
        sacred,
        files: p.files,
        runs,
        required: p.gate.required,
        cached: false,
        saved_ms: None,
        figures,
    }
}

/// Counts of verdicts for the summary line.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    /// Gates that ran and failed (exit 1).
    pub failed: usize,
    /// Gates that could not decide: a tool missing, a timeout (exit 3).
    pub undecided: usize,
    /// Gates killed by an interrupt (exit 130).
    pub interrupted: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of(outcomes: &[GateOutcome]) -> Summary {
        let mut s = Summary::default();
        for o in outcomes {
            match o.verdict {
                Verdict::Passed => s.passed += 1,
                Verdict::Skipped => s.skipped += 1,
                Verdict::Failed => s.failed += 1,
                Verdict::MissingTool | Verdict::TimedOut | Verdict::Undecided => s.undecided += 1,
                Verdict::Interrupted => s.interrupted += 1,
            }
        }
        s
    }
}

/// The combined exit status of a set of outcomes.
pub fn status_of(outcomes: &[GateOutcome]) -> ExitStatus {
    outcomes
        .iter()
        .fold(ExitStatus::Success, |acc, o| acc.worst(o.verdict.status()))
}
