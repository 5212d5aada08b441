//! Writing and removing the hook shims, keeping any hook that was there before.
//!
//! **Invariants:** install never overwrites a hook it did not write (it moves it aside, to be
//! run first, and uninstall moves it back, byte for byte); running install twice changes
//! nothing the second time; uninstall removes only files that carry the shim marker.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::Serialize;

use crate::hooks::{DISPLACED_SUFFIX, HOOK_NAMES};

/// The shim template (`hooks/shim.sh`).
pub const SHIM_TEMPLATE: &str = include_str!("../hooks/shim.sh");

/// The line that marks a hook file as gatekeeper's.
pub const SHIM_MARKER: &str = "# gatekeeper-shim v1:";

/// The shim text for one hook, calling `binary`.
pub fn shim_text(hook: &str, binary: &Path) -> Result<String> {
    let quoted = shlex::try_quote(&binary.to_string_lossy())
        .context("the gatekeeper binary's path cannot be quoted for sh")?
        .into_owned();
    Ok(SHIM_TEMPLATE
        .replace("{{HOOK}}", hook)
        .replace("{{BIN}}", &quoted))
}

/// Whether a file's content is a gatekeeper shim.
pub fn is_shim(content: &[u8]) -> bool {
    content
        .split(|b| *b == b'\n')
        .take(3)
        .any(|l| l.starts_with(SHIM_MARKER.as_bytes()))
}

/// What happened to one hook.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum HookAction {
    /// A new shim was written.
    Installed,
    /// A pre-existing hook was moved aside; the shim runs it first.
    InstalledDisplacing { displaced: String },
    /// The shim was already there and up to date.
    Unchanged,
    /// The shim was there but stale (other binary path or template); it was rewritten.
    Updated,
    /// Uninstall removed the shim.
    Removed,
    /// Uninstall removed the shim and restored the displaced hook.
    Restored { restored: String },
    /// Uninstall found a hook that is not gatekeeper's and left it alone.
    LeftForeign,
    /// Nothing was there.
    Absent,
}

#[derive(Debug, Clone, Serialize)]
pub struct HookChange {
    pub hook: String,
    pub path: String,
    pub action: HookAction,
}

/// Installs the shims into `hooks_dir`.
pub fn install(hooks_dir: &Path, binary: &Path) -> Result<Vec<HookChange>> {
    std::fs::create_dir_all(hooks_dir)
        .with_context(|| format!("failed to create `{}`", hooks_dir.display()))?;
    let mut out = Vec::new();
    for hook in HOOK_NAMES {
        let path = hooks_dir.join(hook);
        let text = shim_text(hook, binary)?;
        let action = match std::fs::read(&path) {
            Ok(existing) if is_shim(&existing) => {
                if existing == text.as_bytes() && is_executable(&path) {
                    HookAction::Unchanged
                } else {
                    crate::fsutil::write_atomic_mode(&path, text.as_bytes(), 0o755)?;
                    HookAction::Updated
                }
            }
            Ok(_) => {
                let displaced = displaced_path(hooks_dir, hook);
                if displaced.symlink_metadata().is_ok() {
                    bail!(
                        "`{}` is not gatekeeper's and `{}` already exists; move one of them away first",
                        path.display(),
                        displaced.display()
                    );
                }
                // A rename keeps the foreign hook's bytes, mode and times exactly.
                std::fs::rename(&path, &displaced)
                    .with_context(|| format!("failed to move `{}` aside", path.display()))?;
                crate::fsutil::write_atomic_mode(&path, text.as_bytes(), 0o755)?;
                HookAction::InstalledDisplacing {
                    displaced: displaced.to_string_lossy().into_owned(),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // A dangling symlink reads as NotFound; keep it aside like any foreign hook.
                if path.symlink_metadata().is_ok() {
                    let displaced = displaced_path(hooks_dir, hook);
                    std::fs::rename(&path, &displaced)?;
                    crate::fsutil::write_atomic_mode(&path, text.as_bytes(), 0o755)?;
                    HookAction::InstalledDisplacing {
                        displaced: displaced.to_string_lossy().into_owned(),
                    }
                } else {
                    crate::fsutil::write_atomic_mode(&path, text.as_bytes(), 0o755)?;
                    HookAction::Installed
                }
            }
            Err(e) => {
                return Err(e).with_context(|| format!("failed to read `{}`", path.display()));
            }
        };
        out.push(HookChange {
            hook: hook.to_owned(),
            path: path.to_string_lossy().into_owned(),
            action,
        });
    }
    Ok(out)
}

/// Removes the shims from `hooks_dir` and restores displaced hooks.
pub fn uninstall(hooks_dir: &Path) -> Result<Vec<HookChange>> {
    let mut out = Vec::new();
    for hook in HOOK_NAMES {
        let path = hooks_dir.join(hook);
        let displaced = displaced_path(hooks_dir, hook);
        let action = match std::fs::read(&path) {
            Ok(existing) if is_shim(&existing) => {
                std::fs::remove_file(&path)
                    .with_context(|| format!("failed to remove `{}`", path.display()))?;
                if displaced.symlink_metadata().is_ok() {
                    std::fs::rename(&displaced, &path)
                        .with_context(|| format!("failed to restore `{}`", displaced.display()))?;
                    HookAction::Restored {
                        restored: path.to_string_lossy().into_owned(),
                    }
                } else {
                    HookAction::Removed
                }
            }
            Ok(_) => HookAction::LeftForeign,
            Err(_) => HookAction::Absent,
        };
        out.push(HookChange {
            hook: hook.to_owned(),
            path: path.to_string_lossy().into_owned(),
            action,
        });
    }
    Ok(out)
}

/// Where a displaced hook is kept: beside the shim, so that a hook that finds its helpers
/// relative to itself (`dirname "$0"`) still works.
pub fn displaced_path(hooks_dir: &Path, hook: &str) -> PathBuf {
    hooks_dir.join(format!("{hook}{DISPLACED_SUFFIX}"))
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

/// The problems of one installed hook, for `doctor`.
pub fn check_shim(hooks_dir: &Path, hook: &str, binary: &Path) -> Option<String> {
    let path = hooks_dir.join(hook);
    let Ok(content) = std::fs::read(&path) else {
        return Some(format!("no hook at `{}`", path.display()));
    };
    if !is_shim(&content) {
        return Some(format!("`{}` is not gatekeeper's shim", path.display()));
    }
    if !is_executable(&path) {
        return Some(format!("`{}` is not executable", path.display()));
    }
    let expected = shim_text(hook, binary).ok()?;
    if content != expected.as_bytes() {
        return Some(
            "the shim is stale (written by another gatekeeper binary or version)".to_owned(),
        );
    }
    None
}

/// The binary path recorded in a shim, if it is one.
pub fn shim_binary(content: &str) -> Option<String> {
    let line = content.lines().find(|l| l.starts_with("gatekeeper_bin="))?;
    let raw = &line["gatekeeper_bin=".len()..];
    shlex::split(raw).and_then(|mut v| v.pop())
}
