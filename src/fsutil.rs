//! Atomic file writes (temp file in the same directory, fsync, rename): every state file
//! survives a crash mid-write (SPEC section 3).

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};

/// Replaces `path` with `bytes` atomically, creating parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write(path, bytes, None, true)
}

/// Replaces `path` atomically (temp file + rename) without waiting for the disk: after a
/// crash the file may be empty or missing, never half old and half new. Only for data whose
/// readers reject a damaged file (the result cache), where an fsync per write would cost more
/// than the occasional lost entry.
pub fn write_replace_unsynced(path: &Path, bytes: &[u8]) -> Result<()> {
    write(path, bytes, None, false)
}

/// Like [`write_atomic`], and sets the Unix permission bits.
pub fn write_atomic_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    write(path, bytes, Some(mode), true)
}

fn write(path: &Path, bytes: &[u8], mode: Option<u32>, sync: bool) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create `{}`", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("failed to create a temporary file in `{}`", dir.display()))?;
    tmp.write_all(bytes)?;
    if let Some(mode) = mode {
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    if sync {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path)
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    Ok(())
}
