//! `files` sources: every regular file under a directory (optionally filtered by globs), with
//! its size and SHA-256, hashed in parallel.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context as _, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use sha2::{Digest as _, Sha256};

use super::{Checksum, FilesTotal, ItemRecord, SourceKind, SourceRecord};

/// The name recorded for a file's checksum.
pub const CHECKSUM_METHOD: &str = "sha256";

/// Walks `dir` and hashes every regular file whose relative path matches `globs` (all files
/// when empty). A missing directory is an error unless `missing_ok`, when it holds no files.
/// Stops early (with an error) when `cancel` is set.
pub fn collect(
    dir: &Path,
    globs: &[String],
    missing_ok: bool,
    cancel: &AtomicBool,
) -> Result<SourceRecord> {
    let matcher = build_globs(globs)?;
    let mut paths: Vec<(String, PathBuf)> = Vec::new();
    match dir.symlink_metadata() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && missing_ok => {}
        Err(e) => {
            return Err(e).with_context(|| format!("failed to read `{}`", dir.display()));
        }
        Ok(_) => {
            for entry in walkdir::WalkDir::new(dir)
                .follow_links(false)
                .sort_by_file_name()
            {
                let entry = entry.with_context(|| format!("failed to walk `{}`", dir.display()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry
                    .path()
                    .strip_prefix(dir)
                    .context("walked outside the source directory")?
                    .to_string_lossy()
                    .into_owned();
                if matcher.as_ref().is_none_or(|m| m.is_match(&rel)) {
                    paths.push((rel, entry.path().to_owned()));
                }
            }
        }
    }
    let hashed = hash_all(&paths, cancel)?;
    let mut items = BTreeMap::new();
    let mut bytes = 0u64;
    for ((rel, _), (size, digest)) in paths.into_iter().zip(hashed) {
        bytes += size;
        items.insert(
            rel,
            ItemRecord {
                count: size,
                checksum: Some(Checksum {
                    method: CHECKSUM_METHOD.into(),
                    columns: Vec::new(),
                    value: digest,
                }),
            },
        );
    }
    let total = FilesTotal {
        files: items.len() as u64,
        bytes,
    };
    Ok(SourceRecord {
        kind: SourceKind::Files,
        items,
        files: Some(total),
    })
}

fn build_globs(globs: &[String]) -> Result<Option<GlobSet>> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).with_context(|| format!("invalid glob `{g}`"))?);
    }
    Ok(Some(b.build()?))
}

/// A file's size and hex SHA-256.
type Hashed = (u64, String);

/// Hashes the files on all cores; results come back in the order of `paths`.
fn hash_all(paths: &[(String, PathBuf)], cancel: &AtomicBool) -> Result<Vec<Hashed>> {
    let workers = std::thread::available_parallelism()
        .map_or(2, std::num::NonZero::get)
        .min(8);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Hashed>>>> =
        Mutex::new((0..paths.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..workers.min(paths.len().max(1)) {
            s.spawn(|| {
                loop {
                    if cancel.load(Ordering::SeqCst) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((_, path)) = paths.get(i) else { break };
                    let r = hash_file(path);
                    if let Ok(mut all) = results.lock() {
                        all[i] = Some(r);
                    }
                }
            });
        }
    });
    let all = results
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a hashing thread panicked"))?;
    all.into_iter()
        .map(|r| r.unwrap_or_else(|| Err(anyhow::anyhow!("a file was not hashed"))))
        .collect()
}

fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut f = std::fs::File::open(path)
        .with_context(|| format!("failed to open `{}`", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((size, hex::encode(h.finalize())))
}

/// The manifest in `sha256sum -c` format, paths relative to the source directory.
pub fn sha256sum_text(record: &SourceRecord) -> String {
    let mut out = String::new();
    for (rel, item) in &record.items {
        if let Some(c) = &item.checksum {
            out.push_str(&format!("{}  {rel}\n", c.value));
        }
    }
    out
}
