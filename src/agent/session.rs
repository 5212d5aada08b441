//! Agent sessions: starting one (record, brief, optional worktree), stopping it (gates,
//! sacred check, role and protected paths, the lesson rule) and the per-session progress log
//! kept in local state (`<git common dir>/gatekeeper/sessions/ID.json`).
//!
//! **Invariant:** a stop's verdict comes only from what gatekeeper ran or read (gates it ran,
//! trees it compared); nothing the agent reports counts.
//!
//! **Invariant:** a session record that was changed outside gatekeeper is never used. The
//! sandbox keeps the records read-only (they live under `.git`); each record also carries an
//! HMAC-SHA256 under a key kept beside the records (`session.key`, mode 0600), so a record
//! edited without the key, for example to rewrite the session's role, is refused (exit 3).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context as _, Result};
use git2::Oid;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::memory::{self, MemoryPaths};
use super::roles::{self, PathViolation};
use super::worktree::{self, SessionWorktree};
use crate::config::Config;
use crate::env::Environment;
use crate::exit::Failure;
use crate::fsutil::write_atomic;
use crate::gates::{GateOutcome, Verdict};

use crate::git::{ChangeKind, Repo};
use crate::report::RunReport;

/// Whether a session is still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionState {
    /// Started; not yet stopped green.
    Active,
    /// Stopped with everything green.
    Stopped,
}

/// A session and its progress log: one file per session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionLog {
    pub id: String,
    pub role: Option<String>,
    /// The commit the session started from: HEAD, or a snapshot of the work tree when it
    /// held untracked files or uncommitted changes (kept by `refs/gatekeeper/sessions/ID`);
    /// stop checks everything since.
    pub base: String,
    /// The work tree the session works in (its worktree, or the main one).
    pub root: PathBuf,
    pub worktree: Option<SessionWorktree>,
    pub started_at: String,
    pub state: SessionState,
    /// The lessons already in the memory index when the session started (normalised), so
    /// that stop counts only the lessons the session added.
    #[serde(default)]
    pub lessons_at_start: Vec<String>,
    /// Outcomes, oldest first.
    pub progress: Vec<ProgressEntry>,
    /// HMAC-SHA256 of the record without this field (hex), under the repository's session key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
}

/// One entry of the progress log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProgressEntry {
    pub at: String,
    /// `start`, `stop`, `command`.
    pub event: String,
    /// `green` or `red` (stop), `started` (start), or the command's ending.
    pub verdict: String,
    #[serde(default)]
    pub gates: Vec<GateRecord>,
    /// Why it is red.
    #[serde(default)]
    pub failures: Vec<String>,
    /// Decisions recorded on the way (a lesson waived with its reason, …).
    #[serde(default)]
    pub decisions: Vec<String>,
    #[serde(default)]
    pub changed_files: Vec<String>,
}

/// A gate as the log keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GateRecord {
    pub name: String,
    /// As in `--format json` reports: `passed`, `failed`, `timed-out`, …
    pub verdict: String,
    pub duration_ms: u64,
}

/// A verdict's name as `--format json` writes it.
fn verdict_name(v: Verdict) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_owned))
        .unwrap_or_else(|| v.label().to_owned())
}

/// The directory of session logs.
pub fn sessions_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("sessions")
}

fn log_path(state_dir: &Path, id: &str) -> Result<PathBuf> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if !ok {
        return Err(Failure::usage(format!("`{id}` is not a session id")).into());
    }
    Ok(sessions_dir(state_dir).join(format!("{id}.json")))
}

/// The key that authenticates session records, created on first use.
fn session_key(state_dir: &Path) -> Result<Vec<u8>> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let path = state_dir.join("session.key");
    match std::fs::read(&path) {
        Ok(k) if k.len() >= 32 => return Ok(k),
        Ok(_) => {
            return Err(Failure::undecided(format!(
                "`{}` is damaged, so session records cannot be checked",
                path.display()
            ))
            .into());
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    }
    let mut key = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut key))
        .context("failed to read random bytes for the session key")?;
    std::fs::create_dir_all(state_dir)
        .with_context(|| format!("failed to create `{}`", state_dir.display()))?;
    // Exclusive creation: two sessions starting at once agree on the first key written.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
    {
        Ok(mut f) => {
            f.write_all(&key)
                .and_then(|()| f.sync_all())
                .with_context(|| format!("failed to write `{}`", path.display()))?;
            Ok(key.to_vec())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::thread::sleep(std::time::Duration::from_millis(20));
            std::fs::read(&path).with_context(|| format!("failed to read `{}`", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("failed to create `{}`", path.display())),
    }
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`, in hex.
fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    hex::encode(outer.finalize())
}

/// The MAC a record should carry.
fn record_mac(key: &[u8], log: &SessionLog) -> Result<String> {
    let mut unsigned = log.clone();
    unsigned.mac = None;
    Ok(hmac_hex(key, &serde_json::to_vec(&unsigned)?))
}

/// Parses a record and refuses it unless its MAC is right.
fn verified(state_dir: &Path, path: &Path, bytes: &[u8]) -> Result<SessionLog> {
    let log: SessionLog = serde_json::from_slice(bytes)
        .with_context(|| format!("failed to parse `{}`", path.display()))?;
    let key = session_key(state_dir)?;
    let expected = record_mac(&key, &log)?;
    let ok = log.mac.as_deref().is_some_and(|m| {
        // Compared in full whatever the first difference, so timing tells nothing.
        m.len() == expected.len()
            && m.bytes()
                .zip(expected.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    });
    if !ok {
        return Err(Failure::undecided(format!(
            "the session record `{}` was changed outside gatekeeper; it is not used",
            path.display()
        ))
        .with_hint("start a new session; a record is only ever written by gatekeeper")
        .into());
    }
    Ok(log)
}

/// Reads a session's log.
pub fn load(state_dir: &Path, id: &str) -> Result<SessionLog> {
    let path = log_path(state_dir, id)?;
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Failure::usage(format!("there is no session `{id}`"))
                .with_hint("`gatekeeper session list` shows the sessions of this repository")
                .into());
        }
        Err(e) => return Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    };
    verified(state_dir, &path, &bytes)
}

/// Writes a session's log atomically, with its MAC.
pub fn save(state_dir: &Path, log: &SessionLog) -> Result<()> {
    let path = log_path(state_dir, &log.id)?;
    let mut signed = log.clone();
    signed.mac = Some(record_mac(&session_key(state_dir)?, log)?);
    let mut text = serde_json::to_string_pretty(&signed)?;
    text.push('\n');
    write_atomic(&path, text.as_bytes())
}

/// Every session of the repository, oldest first.
pub fn list(state_dir: &Path) -> Result<Vec<SessionLog>> {
    let dir = sessions_dir(state_dir);
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("failed to list `{}`", dir.display())),
    };
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.with_context(|| format!("failed to list `{}`", dir.display()))?;
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "json") {
            let bytes =
                std::fs::read(&p).with_context(|| format!("failed to read `{}`", p.display()))?;
            out.push(verified(state_dir, &p, &bytes)?);
        }
    }
    out.sort_by(|a, b| a.started_at.cmp(&b.started_at).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// RFC 3339 with seconds.
pub fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_seconds(at).to_string()
}

/// `YYYY-MM-DD` of a time (UTC).
pub fn date(at: SystemTime) -> String {
    timestamp(at)[..10].to_owned()
}

/// A new session id: the start time and a short hash that makes it unique.
fn new_id(at: SystemTime, root: &Path) -> String {
    let stamp: String = timestamp(at)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let nanos = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut h = Sha256::new();
    h.update(nanos.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(root.as_os_str().as_encoded_bytes());
    let hash = hex::encode(h.finalize());
    format!("{stamp}-{}", &hash[..8])
}

/// What `session start` asks for.
pub struct StartRequest<'a> {
    pub role: Option<&'a str>,
    pub worktree: Option<&'a str>,
}

/// Starts a session: validates the role, creates the worktree if asked, records the session.
pub fn start(
    repo: &Repo,
    config: &Config,
    req: &StartRequest<'_>,
    now: SystemTime,
) -> Result<SessionLog> {
    if let Some(role) = req.role {
        // Unknown roles are refused before anything is created.
        roles::PathRules::new(&config.agents, Some(role))?;
    }
    let base = repo
        .raw()
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| {
            anyhow::Error::new(e).context(
                Failure::usage("a session needs a commit to start from (HEAD is unborn)")
                    .with_hint("commit something first"),
            )
        })?
        .id();
    let wt = match req.worktree {
        Some(name) => Some(worktree::create_worktree(repo, name)?),
        None => None,
    };
    // In the main work tree, what is already there (untracked files, uncommitted changes)
    // is the user's, not the session's: the base is a snapshot of the work tree, kept
    // alive by a ref so that git's garbage collection does not remove it.
    let mut base_ref = None;
    let base = if wt.is_none() {
        let snap = worktree::snapshot_worktree(repo)?;
        let tree_of = |id: Oid| repo.raw().find_commit(id).map(|c| c.tree_id());
        if tree_of(snap)? == tree_of(base)? {
            base
        } else {
            base_ref = Some(snap);
            snap
        }
    } else {
        base
    };
    let root = wt
        .as_ref()
        .map_or_else(|| repo.root().to_path_buf(), |w| w.path.clone());
    let index = memory::read_index(&MemoryPaths::new(&root, &config.agents))?;
    let lessons_at_start = memory::entries(&index)
        .into_iter()
        .map(|(_, l)| memory::normalize(l))
        .collect();
    let id = new_id(now, &root);
    if let Some(snap) = base_ref {
        repo.raw()
            .reference(
                &format!("refs/gatekeeper/sessions/{id}"),
                snap,
                true,
                "gatekeeper: the work tree when the session started",
            )
            .context("failed to record the session's base")?;
    }
    let log = SessionLog {
        id,
        role: req.role.map(str::to_owned),
        base: base.to_string(),
        root,
        worktree: wt,
        started_at: timestamp(now),
        state: SessionState::Active,
        lessons_at_start,
        mac: None,
        progress: vec![ProgressEntry {
            at: timestamp(now),
            event: "start".to_owned(),
            verdict: "started".to_owned(),
            gates: Vec::new(),
            failures: Vec::new(),
            decisions: Vec::new(),
            changed_files: Vec::new(),
        }],
    };
    save(&repo.state_dir(), &log)?;
    Ok(log)
}

/// Finds the session to act on: the given id, else `GATEKEEPER_SESSION`, else the only
/// active session working in `root`.
pub fn find(
    state_dir: &Path,
    id: Option<&str>,
    env: &Environment,
    root: &Path,
) -> Result<SessionLog> {
    if let Some(id) = id.or_else(|| env.session()) {
        return load(state_dir, id);
    }
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut here: Vec<SessionLog> = list(state_dir)?
        .into_iter()
        .filter(|s| s.state == SessionState::Active)
        .filter(|s| s.root.canonicalize().unwrap_or_else(|_| s.root.clone()) == root)
        .collect();
    match here.len() {
        1 => Ok(here.remove(0)),
        0 => Err(Failure::usage("no active session in this work tree")
            .with_hint("start one with `gatekeeper session start`, or set GATEKEEPER_SESSION")
            .into()),
        n => Err(
            Failure::usage(format!("{n} sessions are active in this work tree"))
                .with_hint("name one: GATEKEEPER_SESSION=ID, or --id ID")
                .into(),
        ),
    }
}

/// What `session stop` found.
#[derive(Debug, Clone, Serialize)]
pub struct StopReport {
    pub session: String,
    pub role: Option<String>,
    pub base: String,
    /// `green` or `red`.
    pub verdict: String,
    pub gates: Vec<GateOutcome>,
    pub sacred: Option<crate::sacred::SacredReport>,
    pub violations: Vec<PathViolation>,
    pub changed_files: Vec<String>,
    pub lessons_added: usize,
    pub failures: Vec<String>,
    pub decisions: Vec<String>,
    pub log: String,
    /// The commit a green stop of a session worktree made of the session's work.
    pub commit: Option<String>,
}

impl StopReport {
    pub fn is_green(&self) -> bool {
        self.verdict == "green"
    }
}

/// Stops a session: runs the agent-stop gates (through `run_gates`, given the files changed
/// since the base), the sacred check and the path rules over base..work tree, and the lesson
/// rule; appends the outcome to the log. `no_lesson`: the reason given for adding none.
pub fn stop(
    repo: &Repo,
    config: &Config,
    log: &mut SessionLog,
    no_lesson: Option<&str>,
    now: SystemTime,
    run_gates: &mut dyn FnMut(Vec<PathBuf>) -> Result<RunReport>,
) -> Result<StopReport> {
    let base = Oid::from_str(&log.base)
        .with_context(|| format!("the session log names an invalid base `{}`", log.base))?;
    repo.ensure_commit(base)?;
    let (snap, changes) = worktree::session_changes(repo, base)?;
    let mem = MemoryPaths::new(repo.root(), &config.agents);
    let changed: Vec<PathBuf> = changes.iter().map(|c| c.path.clone()).collect();
    let existing: Vec<PathBuf> = changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Deleted)
        .map(|c| c.path.clone())
        .collect();
    let mut failures = Vec::new();
    let mut decisions = Vec::new();

    let gates = run_gates(existing)?;
    for g in &gates.gates {
        if g.verdict.status() != crate::exit::ExitStatus::Success {
            failures.push(format!("gate `{}` {}", g.name, g.verdict.label()));
        }
    }
    failures.extend(gates.problems.iter().cloned());

    let sacred = crate::sacred::check_range(repo, config, base, snap)?;
    for f in &sacred.findings {
        if f.rule == crate::sacred::Rule::ProtectedChanged {
            // The path rules below report it, for a session, without the signing advice.
            continue;
        }
        if f.rule.is_about_gates() {
            failures.push(format!(
                "{} changes the gates [{}]: {}",
                f.test_id,
                f.rule.as_str(),
                f.message
            ));
        } else {
            failures.push(format!(
                "sacred test {} weakened [{}]: {}",
                f.test_id,
                f.rule.as_str(),
                f.message
            ));
        }
    }

    let violations = roles::check_paths(&config.agents, log.role.as_deref(), &changed)?;
    for v in &violations {
        failures.push(v.message.clone());
    }

    let mut before: std::collections::BTreeSet<String> =
        log.lessons_at_start.iter().cloned().collect();
    if let Some(t) = worktree::read_at(repo, base, &mem.index_rel)? {
        before.extend(
            memory::entries(&t)
                .into_iter()
                .map(|(_, l)| memory::normalize(l)),
        );
    }
    let now_text = memory::read_index(&mem)?;
    let lessons_added = memory::entries(&now_text)
        .into_iter()
        .filter(|(_, l)| !before.contains(&memory::normalize(l)))
        .count();
    let work_changed = changed.iter().filter(|p| !mem.contains(p)).count();
    if work_changed > 0 && lessons_added == 0 {
        match no_lesson {
            Some(reason) if !reason.trim().is_empty() => {
                decisions.push(format!("no lesson added: {}", reason.trim()));
            }
            _ => failures.push(format!(
                "the session changed {work_changed} file{} and added no lesson: add a lesson with `gatekeeper lesson add` (or pass --no-lesson REASON)",
                if work_changed == 1 { "" } else { "s" }
            )),
        }
    }

    let verdict = if failures.is_empty() { "green" } else { "red" };
    let changed_files: Vec<String> = changed
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    log.progress.push(ProgressEntry {
        at: timestamp(now),
        event: "stop".to_owned(),
        verdict: verdict.to_owned(),
        gates: gates
            .gates
            .iter()
            .map(|g| GateRecord {
                name: g.name.clone(),
                verdict: verdict_name(g.verdict),
                duration_ms: g.duration_ms,
            })
            .collect(),
        failures: failures.clone(),
        decisions: decisions.clone(),
        changed_files: changed_files.clone(),
    });
    let mut commit = None;
    if verdict == "green" {
        log.state = SessionState::Stopped;
        if log.worktree.is_some()
            && let Some(id) = worktree::commit_session(repo, snap, &log.id)?
        {
            decisions.push(format!("committed the session's work as {id}"));
            if let Some(entry) = log.progress.last_mut() {
                entry.decisions.clone_from(&decisions);
            }
            commit = Some(id.to_string());
        }
    }
    let state_dir = repo.state_dir();
    save(&state_dir, log)?;
    Ok(StopReport {
        session: log.id.clone(),
        role: log.role.clone(),
        base: log.base.clone(),
        verdict: verdict.to_owned(),
        gates: gates.gates,
        sacred: Some(sacred),
        violations,
        changed_files,
        lessons_added,
        failures,
        decisions,
        log: log_path(&state_dir, &log.id)?
            .to_string_lossy()
            .into_owned(),
        commit,
    })
}

/// The configuration a stop runs with: `gatekeeper.yml` as it was at the session's base
/// commit, so that a session cannot change which gates judge it (its own edits to the file
/// are reported as protected-path changes instead).
pub fn base_config(repo: &Repo, log: &SessionLog) -> Result<crate::config::LoadedConfig> {
    let base = Oid::from_str(&log.base)
        .with_context(|| format!("the session log names an invalid base `{}`", log.base))?;
    let path = repo.root().join(crate::config::CONFIG_FILE);
    match worktree::read_bytes_at(repo, base, Path::new(crate::config::CONFIG_FILE))? {
        Some(bytes) => Config::from_bytes(&bytes, &path),
        None => Config::load_from_root(repo.root()),
    }
}

/// Appends a free entry (e.g. how the wrapped command ended) to a session's log.
pub fn note(state_dir: &Path, id: &str, entry: ProgressEntry) -> Result<()> {
    let mut log = load(state_dir, id)?;
    log.progress.push(entry);
    save(state_dir, &log)
}

/// The role in force: the active session's (when `GATEKEEPER_SESSION` names one), else
/// `GATEKEEPER_ROLE`. A session id that names no session is an error (fail closed).
pub fn active_role(repo: &Repo, env: &Environment) -> Result<Option<String>> {
    if let Some(id) = env.session() {
        let log = load(&repo.state_dir(), id)?;
        return Ok(log.role);
    }
    Ok(env.non_empty("GATEKEEPER_ROLE").map(str::to_owned))
}

/// For the pre-commit hook: while a session is active (`GATEKEEPER_SESSION` set), the staged
/// paths the session's role may not change and the protected paths among them. Empty when no
/// session is active.
pub fn staged_path_violations(
    repo: &Repo,
    config: &Config,
    env: &Environment,
) -> Result<Vec<PathViolation>> {
    if env.session().is_none() {
        return Ok(Vec::new());
    }
    let role = active_role(repo, env)?;
    let changed: Vec<PathBuf> = repo.staged_changes()?.into_iter().map(|c| c.path).collect();
    roles::check_paths(&config.agents, role.as_deref(), &changed)
}
