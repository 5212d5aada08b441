//! Matching changed files against a gate's `glob`/`exclude` patterns, and the `{files}`
//! expansion.
//!
//! Pattern rules (documented in the README): a pattern without `/` matches a file name at any
//! depth (`*.rs`); a pattern with `/` is anchored at the root (`src/**/*.rs`, `/Cargo.toml`);
//! `*` never crosses `/`, `**` does.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// A compiled set of patterns.
#[derive(Debug, Clone)]
pub struct PatternSet {
    set: GlobSet,
    empty: bool,
}

impl PatternSet {
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a String>) -> Result<PatternSet> {
        let mut b = GlobSetBuilder::new();
        let mut empty = true;
        for p in patterns {
            empty = false;
            b.add(compile(p).map_err(|e| anyhow::anyhow!(e))?);
        }
        Ok(PatternSet {
            set: b.build().context("invalid glob set")?,
            empty,
        })
    }

    /// True when no pattern was given.
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    pub fn matches(&self, path: &Path) -> bool {
        self.set.is_match(path)
    }
}

/// Compiles one pattern by the rules in the module docs; the error names the pattern as
/// written, never as rewritten for the matcher.
fn compile(pattern: &str) -> Result<globset::Glob, String> {
    let normalized = if let Some(rest) = pattern.strip_prefix('/') {
        rest.to_owned()
    } else if pattern.contains('/') {
        pattern.to_owned()
    } else {
        format!("**/{pattern}")
    };
    GlobBuilder::new(&normalized)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| format!("invalid glob `{pattern}`: {}", e.kind()))
}

/// Checks that a pattern compiles (for configuration loading).
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    compile(pattern).map(drop)
}

/// Which of `files` a gate sees: those under `dir` (made relative to it), matching `glob`
/// (all when empty) and not matching `exclude`.
pub fn select(
    files: &[PathBuf],
    dir: Option<&Path>,
    glob: &PatternSet,
    exclude: &PatternSet,
) -> Vec<PathBuf> {
    files
        .iter()
        .filter_map(|f| match dir {
            Some(d) if !d.as_os_str().is_empty() && d != Path::new(".") => {
                f.strip_prefix(d).ok().map(Path::to_path_buf)
            }
            _ => Some(f.clone()),
        })
        .filter(|f| glob.is_empty() || glob.matches(f))
        .filter(|f| exclude.is_empty() || !exclude.matches(f))
        .collect()
}

/// The placeholder replaced by the file list.
pub const FILES_PLACEHOLDER: &str = "{files}";

/// Expands `{files}` in `script` into one or more scripts, each with as many shell-quoted
/// files as fit in `max_len` bytes. A script without the placeholder is returned once.
pub fn expand(script: &str, files: &[PathBuf], max_len: usize) -> Result<Vec<OsString>> {
    if !script.contains(FILES_PLACEHOLDER) {
        return Ok(vec![OsString::from(script)]);
    }
    let occurrences = script.matches(FILES_PLACEHOLDER).count();
    let base_len = script.len() - occurrences * FILES_PLACEHOLDER.len();
    let mut batches: Vec<Vec<Vec<u8>>> = vec![Vec::new()];
    let mut batch_len = base_len;
    for f in files {
        let quoted = quote(f)?;
        let cost = (quoted.len() + 1) * occurrences;
        if base_len + cost > max_len {
            anyhow::bail!(
                "the file name `{}` alone is too long for one command",
                f.display()
            );
        }
        let current = batches.last_mut().expect("batches starts non-empty");
        if !current.is_empty() && batch_len + cost > max_len {
            batches.push(Vec::new());
            batch_len = base_len;
        }
        batches.last_mut().expect("just pushed").push(quoted);
        batch_len += cost;
    }
    Ok(batches
        .into_iter()
        .map(|batch| {
            let joined = batch.join(&b' ');
            let mut out = Vec::with_capacity(script.len() + joined.len());
            let mut parts = script.split(FILES_PLACEHOLDER).peekable();
            while let Some(part) = parts.next() {
                out.extend_from_slice(part.as_bytes());
                if parts.peek().is_some() {
                    out.extend_from_slice(&joined);
                }
            }
            OsString::from_vec(out)
        })
        .collect())
}

/// Shell-quotes a path for `sh`. A leading `-` is guarded with `./` so that no file name can
/// be read as an option.
fn quote(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = path.as_os_str().as_bytes().to_vec();
    if bytes.first() == Some(&b'-') {
        bytes.splice(0..0, *b"./");
    }
    let q = shlex::bytes::try_quote(&bytes)
        .with_context(|| format!("the file name `{}` cannot be quoted for sh", path.display()))?;
    Ok(q.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(p: &[&str]) -> PatternSet {
        let v: Vec<String> = p.iter().map(|s| (*s).to_owned()).collect();
        PatternSet::new(&v).unwrap()
    }

    #[test]
    fn name_patterns_match_at_any_depth() {
        let s = set(&["*.rs"]);
        assert!(s.matches(Path::new("a.rs")));
        assert!(s.matches(Path::new("src/deep/a.rs")));
        assert!(!s.matches(Path::new("a.rs.txt")));
    }

    #[test]
    fn path_patterns_are_anchored() {
        let s = set(&["src/*.rs"]);
        assert!(s.matches(Path::new("src/a.rs")));
        assert!(!s.matches(Path::new("src/x/a.rs")));
        assert!(!s.matches(Path::new("lib/src/a.rs")));
        assert!(set(&["/Cargo.toml"]).matches(Path::new("Cargo.toml")));
    }

    #[test]
    fn select_applies_dir_glob_and_exclude() {
        let files = vec![
            PathBuf::from("web/a.ts"),
            PathBuf::from("web/gen/b.ts"),
            PathBuf::from("c.ts"),
        ];
        let got = select(
            &files,
            Some(Path::new("web")),
            &set(&["*.ts"]),
            &set(&["gen/**"]),
        );
        assert_eq!(got, vec![PathBuf::from("a.ts")]);
    }

    #[test]
    fn expand_quotes_and_splits() {
        let files: Vec<PathBuf> = (0..100)
            .map(|i| PathBuf::from(format!("dir with space/f{i}.txt")))
            .collect();
        let scripts = expand("wc -l {files}", &files, 400).unwrap();
        assert!(scripts.len() > 1);
        let all: String = scripts
            .iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        for i in 0..100 {
            assert!(
                all.contains(&format!("'dir with space/f{i}.txt'")),
                "f{i} missing"
            );
        }
        assert!(scripts.iter().all(|s| s.len() <= 400));
    }

    #[test]
    fn expand_guards_leading_dash() {
        let s = expand("rm {files}", &[PathBuf::from("-rf")], 1000).unwrap();
        assert_eq!(s[0].to_string_lossy(), "rm ./-rf");
    }
}
