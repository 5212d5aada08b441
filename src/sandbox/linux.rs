//! Applying a policy on Linux, in the single-threaded process that is about to `exec` the
//! agent (`gatekeeper __sandbox-exec`): a private mount namespace whose bind mounts make the
//! read-only paths read-only (inside writable folders too, which Landlock alone cannot do,
//! and against `chmod`, which Landlock does not control), then every capability dropped,
//! then a Landlock ruleset that refuses every write outside the writable paths.
//!
//! The order follows Codex CLI's Linux sandbox: mounts need privileges in the namespace,
//! Landlock then forbids any further change to the mount topology, and the dropped
//! capabilities leave even root without a way around either.

use std::fs::File;
use std::os::fd::AsRawFd as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use landlock::{
    ABI, AccessFs, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset, RulesetAttr,
    RulesetCreatedAttr, RulesetStatus,
};
use nix::errno::Errno;
use nix::mount::{MsFlags, mount};
use nix::sched::{CloneFlags, unshare};
use nix::sys::statvfs::{FsFlags, statvfs};

use super::{SandboxPolicy, SandboxReport, SandboxUnavailable, plan_mounts};

/// The ABI whose write rights the sandbox handles (up to device ioctls). ABI 3 is the least
/// it accepts: before it, truncating a file could not be refused.
const WANTED: ABI = ABI::V5;
const REQUIRED: ABI = ABI::V3;

pub fn apply(policy: &SandboxPolicy) -> Result<SandboxReport> {
    // Create the ruleset first: without Landlock nothing else is worth doing.
    let ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::HardRequirement)
        .handle_access(AccessFs::from_write(REQUIRED))
        .and_then(|r| {
            r.set_compatibility(CompatLevel::BestEffort)
                .handle_access(AccessFs::from_write(WANTED))
        })
        .and_then(landlock::Ruleset::create)
        .map_err(|e| {
            SandboxUnavailable::NoLandlock(format!("{e} (Linux 6.2 or later is needed)"))
        })?;

    let mut report = SandboxReport::default();
    let plan = plan_mounts(policy);
    match enter_mount_namespace().and_then(|()| {
        // Inside another sandbox, mounts are refused even in a new namespace.
        mount(
            None::<&str>,
            "/",
            None::<&str>,
            MsFlags::MS_REC | MsFlags::MS_PRIVATE,
            None::<&str>,
        )
        .map_err(|e| format!("mounts are not permitted here ({e})"))
    }) {
        Ok(()) => {
            // Writable paths mounted back inside read-only ones are bound from handles
            // opened before any bind mount, on their original (writable) mounts, and after
            // the namespace was entered: a mount of another namespace cannot be bound.
            let mut sources: Vec<(&Path, Option<File>)> = Vec::new();
            for m in &plan {
                let src = if m.writable {
                    Some(
                        File::open(&m.path)
                            .or_else(|_| open_path(&m.path))
                            .with_context(|| format!("failed to open `{}`", m.path.display()))?,
                    )
                } else {
                    None
                };
                sources.push((&m.path, src));
            }
            for (path, src) in &sources {
                bind(path, src.as_ref())?;
            }
            // The working directory still points into the mounts as they were: look it up
            // again so that relative paths go through the new ones.
            if let Ok(here) = std::env::current_dir() {
                std::env::set_current_dir(&here)
                    .with_context(|| format!("failed to enter `{}` again", here.display()))?;
            }
            report.mounts = true;
        }
        Err(why) => {
            report.mounts_unavailable = Some(why);
            report.unprotected = plan
                .iter()
                .filter(|m| !m.writable && policy.writable.iter().any(|w| m.path.starts_with(w)))
                .map(|m| m.path.clone())
                .collect();
        }
    }
    report.capabilities_dropped = drop_capabilities().is_ok();

    let mut ruleset = ruleset;
    for path in &policy.writable {
        let Ok(fd) = PathFd::new(path) else { continue };
        let rights = if path.is_dir() {
            AccessFs::from_write(WANTED)
        } else {
            AccessFs::from_file(WANTED) & AccessFs::from_write(WANTED)
        };
        ruleset = ruleset
            .add_rule(PathBeneath::new(fd, rights))
            .with_context(|| format!("failed to grant `{}`", path.display()))?;
    }
    let status = ruleset
        .restrict_self()
        .context("failed to enforce the Landlock ruleset")?;
    if status.ruleset == RulesetStatus::NotEnforced || !status.no_new_privs {
        bail!(SandboxUnavailable::NoLandlock(
            "the kernel did not enforce the ruleset".to_owned()
        ));
    }
    report.landlock_abi = match status.landlock {
        landlock::LandlockStatus::Available {
            effective_abi,
            kernel_abi,
        } => kernel_abi.map_or_else(|| effective_abi.to_string(), |k| k.to_string()),
        _ => "unknown".to_owned(),
    };
    Ok(report)
}

/// An `O_PATH` handle (for files that cannot be opened for reading, such as sockets).
fn open_path(p: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH)
        .open(p)
}

/// A private mount namespace: root unshares only the mounts (it already may mount);
/// everyone else (and root without `CAP_SYS_ADMIN`) gets a user namespace too, mapped to
/// the same ids, so files keep their owners and the agent does not become root.
fn enter_mount_namespace() -> std::result::Result<(), String> {
    let uid = nix::unistd::geteuid();
    let gid = nix::unistd::getegid();
    if uid.is_root() && unshare(CloneFlags::CLONE_NEWNS).is_ok() {
        return Ok(());
    }
    unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS).map_err(|e| match e {
        Errno::EPERM | Errno::ENOSPC | Errno::EINVAL => format!(
            "user namespaces are not available to this user ({e}); see /proc/sys/user/max_user_namespaces"
        ),
        e => format!("unshare failed: {e}"),
    })?;
    let write = |file: &str, text: String| {
        std::fs::write(file, text).map_err(|e| format!("failed to write {file}: {e}"))
    };
    write("/proc/self/setgroups", "deny".to_owned())?;
    write("/proc/self/uid_map", format!("{uid} {uid} 1"))?;
    write("/proc/self/gid_map", format!("{gid} {gid} 1"))?;
    Ok(())
}

/// Bind-mounts `path` onto itself (read-only) or from `src` (writable, from its original
/// mount). A read-only remount keeps the flags the mount already has (`nosuid`, `nodev`, …):
/// in a user namespace the kernel refuses to clear them.
fn bind(path: &Path, src: Option<&File>) -> Result<()> {
    let source = match src {
        Some(f) => PathBuf::from(format!("/proc/self/fd/{}", f.as_raw_fd())),
        None => path.to_path_buf(),
    };
    mount(
        Some(&source),
        path,
        None::<&str>,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        None::<&str>,
    )
    .with_context(|| format!("failed to bind-mount `{}`", path.display()))?;
    if src.is_none() {
        let mut flags = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY;
        if let Ok(st) = statvfs(path) {
            let f = st.flags();
            for (fs, ms) in [
                (FsFlags::ST_NOSUID, MsFlags::MS_NOSUID),
                (FsFlags::ST_NODEV, MsFlags::MS_NODEV),
                (FsFlags::ST_NOEXEC, MsFlags::MS_NOEXEC),
                (FsFlags::ST_NOATIME, MsFlags::MS_NOATIME),
                (FsFlags::ST_NODIRATIME, MsFlags::MS_NODIRATIME),
                (FsFlags::ST_RELATIME, MsFlags::MS_RELATIME),
            ] {
                if f.contains(fs) {
                    flags |= ms;
                }
            }
        }
        mount(None::<&str>, path, None::<&str>, flags, None::<&str>)
            .with_context(|| format!("failed to make `{}` read-only", path.display()))?;
    }
    Ok(())
}

/// Empties the capability bounding and ambient sets and stops root from regaining
/// capabilities at `exec`, so a command running as root cannot load kernel modules, trace
/// other processes or remount anything.
#[expect(
    unsafe_code,
    reason = "prctl(2) calls the libc crate exposes only as unsafe functions"
)]
fn drop_capabilities() -> Result<()> {
    const SECBIT_NOROOT: libc::c_ulong = 1 << 0;
    const SECBIT_NOROOT_LOCKED: libc::c_ulong = 1 << 1;
    let last: libc::c_ulong = std::fs::read_to_string("/proc/sys/kernel/cap_last_cap")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(63);
    let mut failed = false;
    for cap in 0..=last {
        // SAFETY: PR_CAPBSET_DROP takes an integer capability number and touches no memory.
        let rc = unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap, 0, 0, 0) };
        // EINVAL: a capability this kernel does not know.
        if rc != 0 && Errno::last() != Errno::EINVAL {
            failed = true;
        }
    }
    // SAFETY: integer arguments only, as above.
    let rc = unsafe {
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong,
            0,
            0,
            0,
        )
    };
    failed |= rc != 0;
    // SAFETY: integer arguments only, as above.
    let rc = unsafe {
        libc::prctl(
            libc::PR_SET_SECUREBITS,
            SECBIT_NOROOT | SECBIT_NOROOT_LOCKED,
            0,
            0,
            0,
        )
    };
    failed |= rc != 0;
    if failed {
        bail!("some capabilities could not be dropped");
    }
    Ok(())
}
