//! The write sandbox around an agent: a [`SandboxPolicy`] (which paths may be written, which
//! must stay read-only) in, kernel rules out.
//!
//! [`policy`] turns a role, the configuration and the repository into a policy; [`plan_mounts`]
//! turns a policy into read-only and writable bind mounts; `linux` applies both in the
//! process that is about to `exec` the agent: a private mount namespace with those mounts,
//! then all capabilities dropped, then a Landlock ruleset that refuses every write outside
//! the policy's writable paths. The rest of gatekeeper only sees the policy and the
//! [`SandboxReport`] of what was applied.
//!
//! **Invariant:** the sandbox never claims more than the kernel enforces: Landlock must be
//! enforced for writes or applying fails, and every read-only path that could not be made
//! read-only is listed in the report.

pub mod policy;

#[cfg(target_os = "linux")]
mod linux;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use crate::config::AgentsConfig;
use crate::env::Environment;
use crate::fsutil::write_atomic;
use crate::git::Repo;

pub use policy::{PolicyInputs, build_policy};

/// What a sandboxed command may write. Every path is absolute.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxPolicy {
    /// Folders (with everything beneath) and files the command may write.
    pub writable: Vec<PathBuf>,
    /// Folders and files that stay read-only even where they lie inside a writable folder
    /// (the work tree as a whole, `.git`, protected paths, gatekeeper's state and binary).
    pub read_only: Vec<PathBuf>,
    /// What the policy could not express exactly (a glob widened to its folder, a protected
    /// path that does not exist yet); shown in the brief.
    pub notes: Vec<String>,
}

/// One bind mount of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedMount {
    pub path: PathBuf,
    pub writable: bool,
}

/// What applying a policy achieved, as the probe reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxReport {
    /// The Landlock ABI in force (`"7"`).
    pub landlock_abi: String,
    /// Whether the read-only bind mounts were made (they need a mount namespace).
    pub mounts: bool,
    /// Why they were not, when they were not.
    pub mounts_unavailable: Option<String>,
    /// Read-only paths inside writable folders that stay writable because the mounts could
    /// not be made.
    pub unprotected: Vec<PathBuf>,
    /// Whether every capability was dropped before the command started.
    pub capabilities_dropped: bool,
}

impl SandboxReport {
    /// Lines for the session brief and log.
    pub fn describe(&self, policy: &SandboxPolicy) -> Vec<String> {
        let mut out = vec![format!(
            "Writes outside these paths are refused by the kernel (Landlock ABI {}): {}.",
            self.landlock_abi,
            policy
                .writable
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        )];
        if !self.mounts {
            out.push(format!(
                "Read-only mounts could not be made ({}): paths inside writable folders are not protected by the kernel, and permissions (`chmod`) of files outside them can still be changed.",
                self.mounts_unavailable.as_deref().unwrap_or("unknown reason")
            ));
        }
        if !self.capabilities_dropped {
            out.push("Some capabilities could not be dropped: a command running as root may keep privileges outside the file system rules.".to_owned());
        }
        for p in &self.unprotected {
            out.push(format!(
                "Not protected by the sandbox (checked at stop only): `{}`.",
                p.display()
            ));
        }
        out.extend(policy.notes.iter().cloned());
        out
    }
}

/// A policy ready to be applied by `gatekeeper __sandbox-exec`: written to a private
/// directory (outside every writable path) that also holds the command's temporary
/// directory; both are removed when this is dropped.
pub struct PreparedSandbox {
    pub policy: SandboxPolicy,
    dir: tempfile::TempDir,
}

/// The hidden subcommand that applies a policy and `exec`s the command.
pub const EXEC_SUBCOMMAND: &str = "__sandbox-exec";

impl PreparedSandbox {
    /// Builds the policy for `role` in `repo`'s work tree and writes it down.
    pub fn prepare(
        repo: &Repo,
        agents: &AgentsConfig,
        role: Option<&str>,
        env: &Environment,
        exe: Option<PathBuf>,
    ) -> Result<PreparedSandbox> {
        let dir = tempfile::Builder::new()
            .prefix("gatekeeper-sandbox-")
            .tempdir()
            .context("failed to create the sandbox's private directory")?;
        let inputs = PolicyInputs {
            repo,
            agents,
            role,
            home: env.home(),
            user_dirs: [env.user_state_dir(), env.user_config_dir()]
                .into_iter()
                .flatten()
                .collect(),
            exe,
            tmp: dir.path().join("tmp"),
        };
        let policy = build_policy(&inputs)?;
        let text = serde_json::to_vec_pretty(&policy)?;
        write_atomic(&dir.path().join("policy.json"), &text)?;
        Ok(PreparedSandbox { policy, dir })
    }

    /// A policy that writes nothing but its own temporary directory and keeps `read_only`
    /// read-only: enough to learn whether this machine can enforce a sandbox, without
    /// creating anything in the work tree.
    pub fn minimal(read_only: &Path) -> Result<PreparedSandbox> {
        let dir = tempfile::Builder::new()
            .prefix("gatekeeper-sandbox-")
            .tempdir()
            .context("failed to create the sandbox's private directory")?;
        let tmp = dir.path().join("tmp");
        std::fs::create_dir_all(&tmp)
            .with_context(|| format!("failed to create `{}`", tmp.display()))?;
        let policy = SandboxPolicy {
            writable: vec![tmp],
            read_only: vec![read_only.to_path_buf()],
            notes: Vec::new(),
        };
        write_atomic(
            &dir.path().join("policy.json"),
            &serde_json::to_vec(&policy)?,
        )?;
        Ok(PreparedSandbox { policy, dir })
    }

    /// Leaves the private directory in place (for a command that replaces this process).
    pub fn keep(self) {
        let _ = self.dir.keep();
    }

    /// The command's private temporary directory (its `TMPDIR`).
    pub fn tmp_dir(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }

    pub fn policy_file(&self) -> PathBuf {
        self.dir.path().join("policy.json")
    }

    /// The environment the sandboxed command gets on top of its own.
    pub fn env(&self) -> Vec<(String, String)> {
        let tmp = self.tmp_dir().to_string_lossy().into_owned();
        vec![
            ("TMPDIR".to_owned(), tmp.clone()),
            ("TMP".to_owned(), tmp.clone()),
            ("TEMP".to_owned(), tmp),
            ("GATEKEEPER_SANDBOX".to_owned(), "1".to_owned()),
        ]
    }

    /// `exe __sandbox-exec --policy FILE -- CMD…`: the command line that runs `cmd` inside
    /// the sandbox.
    pub fn wrap(&self, exe: &Path, cmd: &[String]) -> Vec<String> {
        let mut words = vec![
            exe.to_string_lossy().into_owned(),
            EXEC_SUBCOMMAND.to_owned(),
            "--policy".to_owned(),
            self.policy_file().to_string_lossy().into_owned(),
            "--".to_owned(),
        ];
        words.extend(cmd.iter().cloned());
        words
    }

    /// Applies the policy in a throw-away process and reports what the kernel enforced;
    /// an error says why the sandbox cannot be set up here.
    pub fn probe(&self, exe: &Path, dir: &Path) -> Result<SandboxReport> {
        let mut words = vec![
            exe.to_string_lossy().into_owned(),
            EXEC_SUBCOMMAND.to_owned(),
            "--probe".to_owned(),
            "--policy".to_owned(),
            self.policy_file().to_string_lossy().into_owned(),
        ];
        words.push("--".to_owned());
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let finished = crate::process::run_shell_split(
            &crate::process::ShellCommand {
                script: crate::process::quote_words(&words)?.into(),
                dir: dir.to_path_buf(),
                env: Vec::new(),
                timeout: std::time::Duration::from_secs(60),
                stdin: None,
                capture: true,
            },
            &cancel,
        )?;
        if !finished.ending.success() {
            let from = finished.stdout.len().min(finished.output.len());
            let stderr = String::from_utf8_lossy(&finished.output[from..]);
            let why = stderr.trim().trim_start_matches("error: ").to_owned();
            return Err(SandboxUnavailable::SetupFailed(if why.is_empty() {
                format!("{:?}", finished.ending)
            } else {
                why
            })
            .into());
        }
        serde_json::from_slice(&finished.stdout).context("the sandbox probe answered nonsense")
    }
}

/// Reads a policy written by [`PreparedSandbox::prepare`].
pub fn read_policy(path: &Path) -> Result<SandboxPolicy> {
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| format!("failed to parse `{}`", path.display()))
}

/// Why the sandbox could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SandboxUnavailable {
    #[error("this operating system has no supported sandbox (Linux with Landlock is needed)")]
    UnsupportedOs,
    #[error("Landlock is not available: {0}")]
    NoLandlock(String),
    #[error("the sandbox cannot be set up: {0}")]
    SetupFailed(String),
}

/// The mounts that give `policy` its read-only paths: ancestors first, each path's mode
/// decided by its nearest listed ancestor. A read-only path is mounted where it lies inside a
/// writable one (or has no listed ancestor); a writable path is mounted back where it lies
/// inside a read-only one. A path that is both is read-only.
pub fn plan_mounts(policy: &SandboxPolicy) -> Vec<PlannedMount> {
    let mut entries: Vec<(PathBuf, bool)> = Vec::new();
    for p in &policy.read_only {
        entries.push((p.clone(), false));
    }
    for p in &policy.writable {
        if !policy.read_only.contains(p) {
            entries.push((p.clone(), true));
        }
    }
    entries.sort_by(|a, b| {
        a.0.components()
            .count()
            .cmp(&b.0.components().count())
            .then(a.0.cmp(&b.0))
    });
    entries.dedup_by(|a, b| a.0 == b.0);
    let mut planned: Vec<PlannedMount> = Vec::new();
    for (path, writable) in entries {
        let inherited = entries_mode(&planned, &path);
        let needed = match inherited {
            // Nothing above it is mounted: writable paths need no mount (Landlock grants
            // them), read-only ones do.
            None => !writable,
            Some(mode) => mode != writable,
        };
        if needed {
            planned.push(PlannedMount { path, writable });
        }
    }
    planned
}

/// The mode of the nearest planned mount above `path`.
fn entries_mode(planned: &[PlannedMount], path: &Path) -> Option<bool> {
    planned
        .iter()
        .filter(|m| path.starts_with(&m.path) && path != m.path)
        .max_by_key(|m| m.path.components().count())
        .map(|m| m.writable)
}

/// Applies `policy` to this process (which must be single-threaded and about to `exec`).
#[cfg(target_os = "linux")]
pub fn apply(policy: &SandboxPolicy) -> Result<SandboxReport> {
    linux::apply(policy)
}

/// Applies `policy` to this process: not possible on this operating system.
#[cfg(not(target_os = "linux"))]
pub fn apply(_policy: &SandboxPolicy) -> Result<SandboxReport> {
    Err(SandboxUnavailable::UnsupportedOs.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(writable: &[&str], read_only: &[&str]) -> SandboxPolicy {
        SandboxPolicy {
            writable: writable.iter().map(PathBuf::from).collect(),
            read_only: read_only.iter().map(PathBuf::from).collect(),
            notes: Vec::new(),
        }
    }

    fn plan(p: &SandboxPolicy) -> Vec<(String, bool)> {
        plan_mounts(p)
            .into_iter()
            .map(|m| (m.path.to_string_lossy().into_owned(), m.writable))
            .collect()
    }

    #[test]
    fn the_work_tree_is_read_only_and_the_role_folder_mounted_back() {
        let p = policy(&["/r/apps/web", "/tmp/s"], &["/r", "/r/.git"]);
        assert_eq!(
            plan(&p),
            [("/r".to_owned(), false), ("/r/apps/web".to_owned(), true)]
        );
    }

    #[test]
    fn protected_paths_inside_a_writable_root_are_mounted_read_only() {
        let p = policy(
            &["/r", "/r/.gatekeeper/memory"],
            &["/r", "/r/.git", "/r/.gatekeeper"],
        );
        // `/r` is both: read-only wins.
        assert_eq!(
            plan(&p),
            [
                ("/r".to_owned(), false),
                ("/r/.gatekeeper/memory".to_owned(), true)
            ]
        );
        let p = policy(
            &["/r/src", "/r/.gatekeeper/memory"],
            &["/r", "/r/src/secret", "/r/.gatekeeper"],
        );
        assert_eq!(
            plan(&p),
            [
                ("/r".to_owned(), false),
                ("/r/src".to_owned(), true),
                ("/r/.gatekeeper/memory".to_owned(), true),
                ("/r/src/secret".to_owned(), false),
            ]
        );
    }

    #[test]
    fn writable_paths_outside_read_only_ones_need_no_mount() {
        let p = policy(&["/home/u/.cargo"], &["/home/u/.cargo/bin", "/r"]);
        assert_eq!(
            plan(&p),
            [
                ("/r".to_owned(), false),
                ("/home/u/.cargo/bin".to_owned(), false)
            ]
        );
    }
}
