//! Sacred tests: discovery per language (tree-sitter), fingerprints, the lock, and the check
//! that refuses any change weakening a locked test.
//!
//! Content is read from git, never from the work tree, for checks: the index for a staged
//! check, commit trees for revisions. Only the files the lock names are parsed.
//!
//! **Architecture Invariant:** the lock a check compares with comes from the *base* (HEAD
//! for a staged check, the first parent for a commit, the base revision for a range). A lock
//! changed by the change under review is accepted only in the local staged check (where no
//! signature can exist yet, and the report says `relocked`) and, for commits and ranges,
//! only when the commit changing it carries a valid signature by a key in the base's
//! `.gatekeeper/allowed_signers`.

pub mod analysis;
pub mod bindings;
pub mod class_refactor;
pub mod context;
pub mod dynamic_imports;
pub mod evidence;
pub mod extracted;
pub mod flow;
pub mod gate_integrity;
pub mod import_hazards;
pub mod instances;
pub mod lang;
pub mod lock;
pub mod lookalikes;
pub mod messages;
pub mod modern;
pub mod printed;
pub mod python_strings;
pub mod relocate;
pub mod rules;
pub mod setters;
pub mod spellings;
pub mod subclasses;
pub mod tables;
pub mod testify;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use git2::Oid;
use serde::Serialize;

pub use analysis::{FileScan, TestItem, Want};
pub use lock::{LOCK_PATH, SacredLock};
pub use rules::{Finding, Rule};

use crate::config::{CONFIG_FILE, Config};
use crate::gates::files::PatternSet;
use crate::git::Repo;

/// Who may re-lock: SSH public keys in git's allowed-signers format, read from the base.
pub const ALLOWED_SIGNERS_PATH: &str = ".gatekeeper/allowed_signers";

/// The message of a lock change without a valid signature (SPEC: sacred tests).
pub const RELOCK_UNSIGNED: &str = "re-lock needs a signed commit by an allowed signer";

/// The outcome of a sacred check.
#[derive(Debug, Clone, Serialize)]
pub struct SacredReport {
    /// What was compared: `staged`, `commit <oid>` or `<base>..<head>`.
    pub compared: String,
    /// Whether the base had a lock at all (without one nothing is locked and the check is
    /// clean).
    pub lock_found: bool,
    /// The change under review changes the lock itself (and the new lock was used; see the
    /// module docs for when that is allowed).
    pub relocked: bool,
    /// How many locked tests were compared.
    pub checked: usize,
    pub findings: Vec<Finding>,
    /// Informational lines for humans.
    pub notes: Vec<String>,
}

impl SacredReport {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// A source file's text as its language's compiler splits it, where the grammars read it
/// otherwise; each rewrite keeps every byte offset:
///
/// - Python: a lone carriage return ends a line (CPython reads source with universal
///   newlines; tree-sitter keeps `# note\rbilling.total = sum` one comment), and a source
///   that declares an encoding other than UTF-8, ASCII or a Latin one (`# coding:
///   unicode_escape`, under which `\u000a` in a comment is a line break) cannot be read as
///   CPython reads it: an error, never a pass.
/// - Rust: `#!` then `[` after blanks (`#! [cfg(test)]`) is an inner attribute to rustc, not
///   a shebang line as tree-sitter reads it.
fn as_the_compiler_reads(path: &str, text: String) -> Result<String> {
    let extension = Path::new(path).extension().and_then(|e| e.to_str());
    if extension == Some("py") {
        if let Some(encoding) = python_declared_encoding(&text)
            && !python_reads_as_utf8(&encoding)
        {
            bail!(
                "`{path}` declares the source encoding `{encoding}`: gatekeeper reads Python source as UTF-8 and cannot read it as Python does; re-encode it as UTF-8"
            );
        }
        if text.contains('\r') {
            let bytes = text.as_bytes();
            let mut out = String::with_capacity(text.len());
            for (i, c) in text.char_indices() {
                out.push(if c == '\r' && bytes.get(i + 1) != Some(&b'\n') {
                    '\n'
                } else {
                    c
                });
            }
            return Ok(out);
        }
    }
    if extension == Some("rs")
        && let Some(rest) = text.strip_prefix("#!")
    {
        let skipped = rust_blanks_and_comments(rest);
        if skipped > 0 && rest[skipped..].starts_with('[') {
            return Ok(format!("#![{}{}", &rest[..skipped], &rest[skipped + 1..]));
        }
    }
    Ok(text)
}

/// How many bytes of blanks and comments (`// …`, nested `/* … */`) `rest` starts with.
fn rust_blanks_and_comments(rest: &str) -> usize {
    let mut at = 0;
    loop {
        let here = &rest[at..];
        let trimmed = here.trim_start();
        at += here.len() - trimmed.len();
        if trimmed.starts_with("//") {
            at += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if trimmed.starts_with("/*") {
            let mut depth = 0usize;
            let mut i = 0;
            let b = trimmed.as_bytes();
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            at += i;
            if depth > 0 {
                return at;
            }
        } else {
            return at;
        }
    }
}

/// The encoding a Python source declares in a comment of its first two lines (`# -*- coding:
/// latin-1 -*-`, PEP 263), lowercased.
fn python_declared_encoding(text: &str) -> Option<String> {
    for line in text.lines().take(2) {
        let line = line.trim_start_matches([' ', '\t', '\x0c']);
        let Some(comment) = line.strip_prefix('#') else {
            continue;
        };
        let Some(at) = comment.find("coding") else {
            continue;
        };
        let after = &comment[at + "coding".len()..];
        let Some(after) = after.strip_prefix([':', '=']) else {
            continue;
        };
        let name: String = after
            .trim_start_matches([' ', '\t'])
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if !name.is_empty() {
            return Some(name.to_lowercase());
        }
    }
    None
}

/// Whether CPython reads a source declared in `encoding` as its UTF-8 reading splits it: UTF-8
/// itself, or an encoding that keeps ASCII as it is and makes no ASCII of other bytes.
fn python_reads_as_utf8(encoding: &str) -> bool {
    let name = encoding.replace('_', "-");
    name == "utf-8"
        || name.starts_with("utf-8-")
        || name == "utf8"
        || matches!(
            name.as_str(),
            "ascii"
                | "us-ascii"
                | "latin-1"
                | "latin1"
                | "l1"
                | "iso-8859-1"
                | "iso8859-1"
                | "iso-latin-1"
                | "iso-8859-15"
                | "iso8859-15"
                | "latin-9"
                | "cp1252"
                | "windows-1252"
        )
        || name.starts_with("latin-1-")
        || name.starts_with("iso-8859-1-")
        || name.starts_with("iso-latin-1-")
}

/// The mode of a symbolic link in git's index and trees.
const SYMLINK: u32 = 0o120_000;

/// Where file contents come from.
enum Content<'r> {
    /// The index being committed.
    Index,
    Tree(git2::Tree<'r>),
    WorkTree,
}

/// Which [`Content`] a thread of its own reads with its own repository handle (a handle is
/// not shared between threads).
#[derive(Clone, Copy)]
enum ContentOf {
    Index,
    Tree(Oid),
    WorkTree,
}

impl ContentOf {
    fn of(content: &Content<'_>) -> ContentOf {
        match content {
            Content::Index => ContentOf::Index,
            Content::Tree(t) => ContentOf::Tree(t.id()),
            Content::WorkTree => ContentOf::WorkTree,
        }
    }

    fn on(self, repo: &Repo) -> Result<Content<'_>> {
        Ok(match self {
            ContentOf::Index => Content::Index,
            ContentOf::Tree(id) => Content::Tree(
                repo.raw()
                    .find_tree(id)
                    .with_context(|| format!("failed to read the tree {id}"))?,
            ),
            ContentOf::WorkTree => Content::WorkTree,
        })
    }
}

impl Content<'_> {
    fn read(&self, repo: &Repo, path: &str) -> Result<Option<String>> {
        self.read_bytes(repo, path)?
            .map(|bytes| as_the_compiler_reads(path, String::from_utf8_lossy(&bytes).into_owned()))
            .transpose()
    }

    /// A file's bytes; `None` when it is absent (or not a file).
    fn read_bytes(&self, repo: &Repo, path: &str) -> Result<Option<Vec<u8>>> {
        self.read_bytes_through_links(repo, path)
    }

    /// [`Content::read_bytes`], reading a symbolic link of the index or a tree as the file
    /// it points to, as the test runner does (its blob is only the target's name, which may
    /// be any text), a link to a directory on the way included (see [`Content::resolve`]).
    fn read_bytes_through_links(&self, repo: &Repo, path: &str) -> Result<Option<Vec<u8>>> {
        if let Content::WorkTree = self {
            // The file system follows a link itself.
            return match std::fs::read(repo.root().join(path)) {
                Ok(b) => Ok(Some(b)),
                // No such file: none, nor one under a file (`expected.json/index.ts`, a
                // candidate of `require('./expected.json')`), nor a directory.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound
                            | std::io::ErrorKind::NotADirectory
                            | std::io::ErrorKind::IsADirectory
                    ) =>
                {
                    Ok(None)
                }
                Err(e) => Err(e).with_context(|| format!("failed to read `{path}`")),
            };
        }
        self.resolve(repo, path)
    }

    /// The index's or the tree's entry at `path` exactly (no link followed): its blob and
    /// mode. `None` for the work tree.
    fn entry(&self, repo: &Repo, path: &str) -> Result<Option<(Vec<u8>, u32)>> {
        Ok(match self {
            Content::Index => repo
                .index_blob_and_mode(Path::new(path))
                .with_context(|| format!("failed to read the staged `{path}`"))?,
            Content::Tree(tree) => tree.get_path(Path::new(path)).ok().and_then(|entry| {
                repo.blob_bytes(entry.id())
                    .ok()
                    .map(|blob| (blob, entry.filemode() as u32))
            }),
            Content::WorkTree => None,
        })
    }

    /// The bytes of the file at `path`, each symbolic link on it, of a file or of a directory
    /// on the way, read as what it points to, component by component as the system does
    /// (`lnk/..` goes up from where `lnk` points); `None` when no file is there. A link whose
    /// target leaves the repository (an absolute path, or `..` past its root), and a path
    /// through more than 8 links, cannot be read from the index or a tree: an error, never a
    /// pass.
    fn resolve(&self, repo: &Repo, path: &str) -> Result<Option<Vec<u8>>> {
        let mut pending: std::collections::VecDeque<String> =
            path.split('/').map(str::to_owned).collect();
        let mut done: Vec<String> = Vec::new();
        let mut hops = 0;
        let mut last_link: Option<(String, String)> = None;
        let outside = |link: &Option<(String, String)>| match link {
            Some((at, target)) => anyhow::anyhow!(
                "`{at}` is a symbolic link to `{target}`, outside the repository: the test runner would read a file gatekeeper cannot; commit the file itself instead"
            ),
            None => anyhow::anyhow!("`{path}` leaves the repository"),
        };
        // The file at `done`, when it was read there (each component is looked up once).
        let mut file: Option<Vec<u8>> = None;
        while let Some(c) = pending.pop_front() {
            match c.as_str() {
                "" | "." => continue,
                ".." => {
                    if done.pop().is_none() {
                        return Err(outside(&last_link));
                    }
                    file = None;
                    if pending.iter().all(|p| matches!(p.as_str(), "" | ".")) {
                        // Up to a directory, or to a file read again below.
                        file = self
                            .entry(repo, &done.join("/"))?
                            .filter(|(_, mode)| mode & 0o170_000 != SYMLINK)
                            .map(|(bytes, _)| bytes);
                    }
                    continue;
                }
                _ => done.push(c),
            }
            let at = done.join("/");
            let Some((bytes, mode)) = self.entry(repo, &at)? else {
                file = None;
                continue;
            };
            if mode & 0o170_000 != SYMLINK {
                file = Some(bytes);
                continue;
            }
            file = None;
            hops += 1;
            if hops > 8 {
                bail!(
                    "`{path}` goes through a chain of more than 8 symbolic links: commit the file itself instead"
                );
            }
            let target = String::from_utf8_lossy(&bytes).into_owned();
            last_link = Some((at, target.clone()));
            if target.is_empty() || target.starts_with('/') {
                return Err(outside(&last_link));
            }
            done.pop();
            for piece in target.split('/').rev() {
                pending.push_front(piece.to_owned());
            }
        }
        Ok(file.filter(|_| !done.is_empty()))
    }

    /// The files directly inside `dir` ("" for the root).
    fn list_dir(&self, repo: &Repo, dir: &str) -> Result<Vec<String>> {
        self.list(repo, dir, false)
    }

    /// The files inside `dir` and all its subdirectories, sorted.
    fn list_tree(&self, repo: &Repo, dir: &str) -> Result<Vec<String>> {
        let mut files = self.list(repo, dir, true)?;
        files.sort();
        Ok(files)
    }

    fn list(&self, repo: &Repo, dir: &str, recursive: bool) -> Result<Vec<String>> {
        let inside = |p: &str| -> bool {
            let rest = if dir.is_empty() {
                Some(p)
            } else {
                p.strip_prefix(dir).and_then(|r| r.strip_prefix('/'))
            };
            rest.is_some_and(|r| recursive || !r.contains('/'))
        };
        Ok(match self {
            Content::Index => repo
                .tracked_files_under(dir)?
                .iter()
                .map(|p| crate::git::display_path(p))
                .filter(|p| inside(p))
                .collect(),
            Content::Tree(tree) if recursive => {
                let Some(tree) = subtree(repo, tree, dir) else {
                    return Ok(Vec::new());
                };
                let mut files = Vec::new();
                tree.walk(git2::TreeWalkMode::PreOrder, |parent, e| {
                    if e.kind() == Some(git2::ObjectType::Blob)
                        && let Ok(n) = e.name()
                    {
                        files.push(if dir.is_empty() {
                            format!("{parent}{n}")
                        } else {
                            format!("{dir}/{parent}{n}")
                        });
                    }
                    git2::TreeWalkResult::Ok
                })
                .context("failed to walk a tree")?;
                files
            }
            Content::Tree(tree) => {
                let Some(tree) = subtree(repo, tree, dir) else {
                    return Ok(Vec::new());
                };
                tree.iter()
                    .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
                    .filter_map(|e| {
                        e.name().ok().map(|n| {
                            if dir.is_empty() {
                                n.to_owned()
                            } else {
                                format!("{dir}/{n}")
                            }
                        })
                    })
                    .collect()
            }
            Content::WorkTree => repo
                .tracked_files()?
                .iter()
                .map(|p| crate::git::display_path(p))
                .filter(|p| inside(p))
                .collect(),
        })
    }

    /// The files directly inside `dir` and inside its direct subdirectories.
    fn list_near(&self, repo: &Repo, dir: &str) -> Result<Vec<String>> {
        let mut out = self.list_dir(repo, dir)?;
        let subdirs: BTreeSet<String> = match self {
            Content::Tree(tree) => {
                let Some(tree) = subtree(repo, tree, dir) else {
                    return Ok(out);
                };
                tree.iter()
                    .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
                    .filter_map(|e| e.name().ok().map(str::to_owned))
                    .collect()
            }
            Content::Index | Content::WorkTree => repo
                .tracked_files_under(dir)?
                .iter()
                .map(|p| crate::git::display_path(p))
                .filter_map(|p| {
                    let rest = if dir.is_empty() {
                        p.as_str()
                    } else {
                        p.strip_prefix(dir)?.strip_prefix('/')?
                    };
                    rest.split_once('/').map(|(d, _)| d.to_owned())
                })
                .collect(),
        };
        for d in subdirs {
            let path = if dir.is_empty() {
                d
            } else {
                format!("{dir}/{d}")
            };
            out.extend(self.list_dir(repo, &path)?);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    fn lock(&self, repo: &Repo) -> Result<Option<(String, SacredLock)>> {
        let Some(text) = self.read(repo, LOCK_PATH)? else {
            return Ok(None);
        };
        let lock =
            SacredLock::parse(&text).with_context(|| format!("failed to read `{LOCK_PATH}`"))?;
        Ok(Some((text, lock)))
    }

    /// [`Content::lock`], parsed only when its text is not `known` (the text of a lock
    /// already parsed: the same text parses the same).
    fn lock_unless(
        &self,
        repo: &Repo,
        known: Option<&str>,
    ) -> Result<Option<(String, Option<SacredLock>)>> {
        let Some(text) = self.read(repo, LOCK_PATH)? else {
            return Ok(None);
        };
        if known == Some(text.as_str()) {
            return Ok(Some((text, None)));
        }
        let lock =
            SacredLock::parse(&text).with_context(|| format!("failed to read `{LOCK_PATH}`"))?;
        Ok(Some((text, Some(lock))))
    }
}

/// The tree of `dir` ("" for `tree` itself) inside `tree`; `None` when there is none.
fn subtree<'r>(repo: &'r Repo, tree: &git2::Tree<'_>, dir: &str) -> Option<git2::Tree<'r>> {
    let id = if dir.is_empty() {
        tree.id()
    } else {
        tree.get_path(Path::new(dir)).ok()?.id()
    };
    repo.raw().find_tree(id).ok()
}

/// What decides, per file, which tests a scan finds: `sacred.paths` and
/// `sacred.test_functions`.
struct Patterns {
    paths: PatternSet,
    test_functions: std::sync::Arc<[String]>,
}

impl Patterns {
    fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
    fn matches(&self, p: &Path) -> bool {
        self.paths.matches(p)
    }
}

fn sacred_patterns(config: &Config) -> Result<Patterns> {
    patterns_of(&config.sacred)
}

fn patterns_of(sacred: &crate::config::sacred::SacredConfig) -> Result<Patterns> {
    Ok(Patterns {
        paths: PatternSet::new(sacred.paths.iter()).context("invalid `sacred.paths`")?,
        test_functions: sacred.test_functions.0.clone().into(),
    })
}

/// A file read for analysis: its path, its text, and whether it matches `sacred.paths`.
struct Source {
    path: String,
    text: String,
    sacred_path: bool,
    test_functions: std::sync::Arc<[String]>,
    /// Go: another file of its package declares `any` ([`go_package_declares_any`]).
    go_package_any: bool,
}

/// Go: whether a file of `path`'s directory other than itself declares `any` at package
/// level (`type any = int`, by its line as gofmt writes it, [`go_predeclared_shadows`]),
/// which replaces the predeclared `any` in every file of the package: `interface{}` then does
/// not read as `any` there (`analysis::with_go_package_any`). Any package of the directory
/// counts. Remembered per directory in `seen`.
fn go_package_declares_any(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    seen: &mut BTreeMap<String, Vec<String>>,
) -> Result<bool> {
    if !is_go(path) {
        return Ok(false);
    }
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    if !seen.contains_key(dir) {
        let mut declaring = Vec::new();
        for file in content.list_dir(repo, dir)? {
            if !is_go(&file) {
                continue;
            }
            let Some(src) = content.read(repo, &file)? else {
                continue;
            };
            let declares = src.contains("any")
                && go_predeclared_shadows(&src).iter().any(|line| {
                    let head = line.split(['=', '(', '[', '{']).next().unwrap_or(line);
                    head.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|w| w == "any")
                });
            if declares {
                declaring.push(file);
            }
        }
        seen.insert(dir.to_owned(), declaring);
    }
    Ok(seen[dir].iter().any(|f| f != path))
}

/// [`go_package_declares_any`] for each Go source.
fn mark_go_package_any(repo: &Repo, content: &Content<'_>, sources: &mut [Source]) -> Result<()> {
    let mut seen = BTreeMap::new();
    for source in sources.iter_mut() {
        if source.text.contains("interface") || source.text.contains("any") {
            source.go_package_any =
                go_package_declares_any(repo, content, &source.path, &mut seen)?;
        }
    }
    Ok(())
}

/// Reads one file of `content` for analysis. `Ok(None)`: the file is absent or holds no
/// language this build reads.
fn read_source(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    patterns: &Patterns,
) -> Result<Option<Source>> {
    let Some(lang) = lang::Lang::of_path(path) else {
        return Ok(None);
    };
    if !lang.supported() {
        return Ok(None);
    }
    let Some(text) = content.read(repo, path)? else {
        return Ok(None);
    };
    Ok(Some(Source {
        path: path.to_owned(),
        text,
        sacred_path: !patterns.is_empty() && patterns.matches(Path::new(path)),
        test_functions: patterns.test_functions.clone(),
        go_package_any: false,
    }))
}

/// Parses sources on every core (tree-sitter parsing dominates the cost of a check or a
/// list), keeping their order. Reading stays on the caller's thread: a git repository handle
/// is not shared between threads.
fn scan_all(sources: &[Source], want: impl Fn(&Source) -> Want + Sync) -> Vec<Result<FileScan>> {
    scan_all_as_at_base(sources, want, &HashMap::new())
}

/// [`scan_all`], each test of `base_locals` (by id) numbering its locals as its base
/// revision did (`analysis::with_base_locals`).
fn scan_all_as_at_base(
    sources: &[Source],
    want: impl Fn(&Source) -> Want + Sync,
    base_locals: &HashMap<String, Vec<String>>,
) -> Vec<Result<FileScan>> {
    on_every_core(sources, |s: &Source| -> Result<FileScan> {
        let scan = || {
            analysis::with_go_package_any(s.go_package_any, || {
                lang::scan(&s.path, &s.text, s.sacred_path, &want(s), &s.test_functions)
            })
        };
        let scan = if base_locals.is_empty() {
            scan()
        } else {
            analysis::with_base_locals(base_locals.clone(), scan)
        };
        Ok(scan?.unwrap_or_default())
    })
}

/// `f` of each item, on every core, in the items' order.
fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Adds to a file's tests what other files hold for them: a Go test's package `TestMain`
/// (another file may hold it), the declarations of its package's other test files and the
/// check helpers there and in a package of the tests it imports; a Python test's
/// `conftest.py` fixtures and hooks; a Python or JS/TS test's check helpers imported from a
/// module of the tests (and the methods its classes inherit from one, and the definitions of
/// the decorators and bases a Python test imports from one, by name or through the module);
/// and a Rust test's
/// check helpers of a `mod common;` module file.
fn add_surroundings(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    siblings: &mut Surroundings,
) -> Result<()> {
    if scan.tests.is_empty() {
        return Ok(());
    }
    match lang::Lang::of_path(path) {
        Some(lang::Lang::Python) => {
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            if !siblings.py_runners.contains_key(dir) {
                let lines = pytest_config_lines(repo, content, dir)?;
                siblings.py_runners.insert(dir.to_owned(), lines);
            }
            if !siblings.py_runners[dir].is_empty() {
                for t in &mut scan.tests {
                    t.envelope_bindings
                        .extend(siblings.py_runners[dir].iter().cloned());
                    t.envelope_bindings.sort();
                }
            }
            add_conftest_bindings(repo, content, path, scan, siblings)?;
            add_python_snapshots(repo, content, path, scan)?;
            add_python_data_files(repo, content, path, scan)?;
            add_python_import_homes(repo, content, path, scan)?;
            add_python_star_imports(repo, content, path, scan)?;
            add_python_path_head(repo, content, path, scan)?;
            add_python_shared(repo, content, path, scan, siblings)?;
            add_python_imported_framework_patches(repo, content, path, scan, siblings)?;
            return add_imported_check_helpers(repo, content, path, scan, siblings);
        }
        Some(lang::Lang::JavaScript | lang::Lang::TypeScript | lang::Lang::Tsx) => {
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            if !siblings.runners.contains_key(dir) {
                let lines = js_runner_lines(repo, content, dir)?;
                siblings.runners.insert(dir.to_owned(), lines);
            }
            for t in &mut scan.tests {
                t.envelope_bindings
                    .extend(siblings.runners[dir].iter().cloned());
                t.envelope_bindings.sort();
            }
            add_js_snapshots(repo, content, path, scan, siblings)?;
            add_ava_snapshots(repo, content, path, scan)?;
            add_js_file_snapshots(repo, content, path, scan)?;
            add_js_adjacent_mocks(repo, content, path, scan)?;
            add_js_data_imports(repo, content, path, scan)?;
            add_js_self_reference(repo, content, path, scan)?;
            add_js_workspace_packages(repo, content, path, scan, siblings)?;
            add_js_extensionless_imports(repo, content, path, scan)?;
            add_js_imported_global_patches(repo, content, path, scan, siblings)?;
            add_js_imported_envelope_definitions(repo, content, path, scan)?;
            return add_imported_check_helpers(repo, content, path, scan, siblings);
        }
        Some(lang::Lang::Go) => {}
        Some(lang::Lang::Rust) => {
            add_cargo_config(repo, content, path, scan)?;
            #[cfg(feature = "lang-rust")]
            add_rust_declarations(repo, content, path, scan, siblings)?;
            #[cfg(feature = "lang-rust")]
            add_rust_test_cfgs(repo, content, path, scan, siblings)?;
            add_rust_assertion_sources(repo, content, path, scan)?;
            add_rust_impls(repo, content, path, scan)?;
            add_rust_included_files(repo, content, path, scan)?;
            add_insta_snapshots(repo, content, path, scan)?;
            #[cfg(feature = "lang-rust")]
            add_rust_glob_imports(repo, content, path, scan)?;
            return add_rust_module_check_helpers(repo, content, path, scan, siblings);
        }
        _ => return Ok(()),
    }
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let package = siblings.read(repo, content, dir)?;
    for t in &mut scan.tests {
        t.envelope_lines.extend(package.test_main.iter().cloned());
        t.envelope = analysis::sha256_hex(&t.envelope_lines.join("\n"));
    }
    add_go_golden_files(repo, content, dir, scan)?;
    add_go_embedded_files(repo, content, dir, scan)?;
    add_go_assertion_sources(repo, content, dir, scan, siblings)?;
    add_go_module_lines(repo, content, dir, scan)?;
    add_go_sibling_bindings(repo, content, path, scan, siblings)?;
    add_go_imported_package_starts(repo, content, path, scan, siblings)
}

/// Go: what decides which module a test is built in and where its imports resolve, locked
/// with every test of the file (`hook go module (in go.mod): module example.com/shop`): the
/// nearest `go.mod` (a new one between the test and the old one makes its directory a
/// module of its own, which `go test ./...` from the root skips), its `module` path, each of
/// its `replace` directives for the module itself or a package the file imports (`replace
/// example.com/shop => ./fake` answers the test's import with another copy), and every
/// `go.work` at or above the test's directory (a workspace's `use` does the same). A version
/// bump of a dependency passes.
fn add_go_module_lines(
    repo: &Repo,
    content: &Content<'_>,
    dir: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let hook = crate::sacred::bindings::HOOK;
    let imports: BTreeSet<String> = scan
        .module_bindings
        .iter()
        .filter_map(|b| {
            let rest = b.text.strip_prefix("import ")?;
            let quoted = rest.rsplit_once(' ').map_or(rest, |(_, q)| q);
            Some(quoted.trim_matches('"').to_owned())
        })
        .collect();
    let mut lines = Vec::new();
    if let Some((_, file, text)) = nearest_file(repo, content, dir, "go.mod")? {
        let module = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("module "))
            .map(|m| m.trim().trim_matches('"').to_owned())
            .unwrap_or_default();
        lines.push(format!("{hook}go module (in {file}): module {module}"));
        let covers = |old: &str| {
            old == module
                || imports
                    .iter()
                    .any(|i| i == old || i.starts_with(&format!("{old}/")))
        };
        for (old, d) in go_replace_directives(&text) {
            if covers(&old) {
                lines.push(format!("{hook}go module (in {file}): replace {d}"));
            }
        }
    }
    for at in dirs_up(dir) {
        let file = if at.is_empty() {
            "go.work".to_owned()
        } else {
            format!("{at}/go.work")
        };
        if let Some(text) = content.read(repo, &file)? {
            let body: Vec<&str> = text
                .lines()
                .map(|l| l.split("//").next().unwrap_or(l).trim())
                .filter(|l| !l.is_empty())
                .collect();
            lines.push(format!(
                "{hook}go workspace (in {file}): {}",
                body.join(" ; ")
            ));
        }
    }
    lock_with_every_test(scan, lines);
    Ok(())
}

/// Go: the files of the package's `testdata` directory hold what its tests compare with
/// (golden files, `os.ReadFile("testdata/want.txt")`, often under a computed name). When a
/// test file of the package mentions `testdata`, each file in it or in its subdirectories
/// is locked with every test of the package by its digest (`hook golden (in
/// pkg/testdata/want.txt): sha256:…`): rewriting one (`go test -update`) or deleting it is
/// `rebound`; a new one is not (a locked test names the files it reads through what is
/// locked).
fn add_go_golden_files(
    repo: &Repo,
    content: &Content<'_>,
    dir: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let testdata = if dir.is_empty() {
        "testdata".to_owned()
    } else {
        format!("{dir}/testdata")
    };
    let files = content.list_tree(repo, &testdata)?;
    if files.is_empty() {
        return Ok(());
    }
    let mut mentioned = false;
    for f in content.list_dir(repo, dir)? {
        if f.ends_with("_test.go")
            && content
                .read(repo, &f)?
                .is_some_and(|text| text.contains("testdata"))
        {
            mentioned = true;
            break;
        }
    }
    if !mentioned {
        return Ok(());
    }
    let mut lines = Vec::new();
    for f in files {
        if let Some(bytes) = content.read_bytes(repo, &f)? {
            lines.push(format!(
                "{}golden (in {f}): sha256:{}",
                crate::sacred::bindings::HOOK,
                analysis::sha256_hex_bytes(&bytes)
            ));
        }
    }
    lock_with_every_test(scan, lines);
    Ok(())
}

/// Go: a file a test file of the package embeds (`//go:embed golden/total.txt` over a `var
/// want string`) holds what its tests compare with, wherever it is (outside `testdata` too).
/// Each file a pattern of such a directive names is locked with every test of the package,
/// as a `testdata` file is (`hook golden (in pkg/golden/total.txt): sha256:…`); a pattern
/// with a wildcard, or naming a directory, locks every file below its fixed part.
fn add_go_embedded_files(
    repo: &Repo,
    content: &Content<'_>,
    dir: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let join = |p: &str| match (dir.is_empty(), p.is_empty()) {
        (true, _) => p.to_owned(),
        (false, true) => dir.to_owned(),
        (false, false) => format!("{dir}/{p}"),
    };
    let mut patterns: BTreeSet<String> = BTreeSet::new();
    for f in content.list_dir(repo, dir)? {
        if !f.ends_with("_test.go") {
            continue;
        }
        let Some(text) = content.read(repo, &f)? else {
            continue;
        };
        for line in text.lines() {
            let Some(rest) = line.trim_start().strip_prefix("//go:embed") else {
                continue;
            };
            let mut rest = rest.trim();
            while !rest.is_empty() {
                let (pattern, after) = match rest.chars().next() {
                    Some(q @ ('"' | '`')) => {
                        let body = &rest[1..];
                        let end = body.find(q).unwrap_or(body.len());
                        (&body[..end], body.get(end + 1..).unwrap_or(""))
                    }
                    _ => rest.split_once(char::is_whitespace).unwrap_or((rest, "")),
                };
                patterns.insert(pattern.trim_start_matches("all:").to_owned());
                rest = after.trim_start();
            }
        }
    }
    let mut files: BTreeSet<String> = BTreeSet::new();
    for pattern in patterns {
        // The part before any wildcard, up to its last `/` (`golden/*.txt`: `golden`;
        // `golden/to*`: `golden`; `*.txt`: the package's directory).
        let before = pattern.split(['*', '?', '[']).next().unwrap_or("");
        let fixed = if pattern.contains(['*', '?', '[']) {
            before.rsplit_once('/').map_or("", |(d, _)| d)
        } else {
            before.trim_end_matches('/')
        };
        let at = join(fixed);
        if !fixed.is_empty() && content.read_bytes(repo, &at)?.is_some() {
            files.insert(at);
        } else {
            files.extend(content.list_tree(repo, &at)?);
        }
    }
    // `testdata` is read above, whole.
    let testdata = join("testdata/");
    let mut lines = Vec::new();
    for f in files {
        if is_go(&f) || f.starts_with(&testdata) {
            continue;
        }
        if let Some(bytes) = content.read_bytes(repo, &f)? {
            lines.push(format!(
                "{}golden (in {f}): sha256:{}",
                crate::sacred::bindings::HOOK,
                analysis::sha256_hex_bytes(&bytes)
            ));
        }
    }
    lock_with_every_test(scan, lines);
    Ok(())
}

/// The nearest `go.mod` at or above `dir`: its directory, module path and text.
fn go_module_of(
    repo: &Repo,
    content: &Content<'_>,
    dir: &str,
) -> Result<Option<(String, String, String)>> {
    Ok(
        nearest_file(repo, content, dir, "go.mod")?.map(|(at, _, src)| {
            let module = src
                .lines()
                .find_map(|l| l.trim().strip_prefix("module "))
                .map(|m| m.trim().trim_matches('"').to_owned())
                .unwrap_or_default();
            (at, module, src)
        }),
    )
}

/// Go: where the packages a test file imports from other modules (testify's `assert` and
/// `require`, `go-cmp`, under any name) come from, when the module does not take them as
/// published: a `replace`
/// directive of `go.mod` (or `go.work`) for their module, as written (`hook dependency (in
/// go.mod): replace github.com/stretchr/testify => ./fake`), and, in a vendoring module, the
/// digest of the vendored copy of their module (`hook vendored (in
/// vendor/github.com/stretchr/testify/): sha256:…`). A version bump passes; a fake or an
/// edited copy of the library does not.
fn add_go_assertion_sources(
    repo: &Repo,
    content: &Content<'_>,
    dir: &str,
    scan: &mut FileScan,
    cache: &mut Surroundings,
) -> Result<()> {
    let imports: BTreeSet<String> = scan
        .module_bindings
        .iter()
        .filter_map(|b| {
            let rest = b.text.strip_prefix("import ")?;
            // Under any name: `tassert`, `cmp`.
            let (_, quoted) = rest.split_once(' ')?;
            Some(quoted.trim_matches('"').to_owned())
        })
        .collect();
    if imports.is_empty() {
        return Ok(());
    }
    let Some((root, module, gomod)) = go_module_of(repo, content, dir)? else {
        return Ok(());
    };
    scan.go_testify_v1 = go_requires_v1(&gomod, "github.com/stretchr/testify")
        && !go_replace_directives(&gomod)
            .iter()
            .any(|(m, _)| m == "github.com/stretchr/testify");
    let external: Vec<&String> = imports
        .iter()
        .filter(|i| !module.is_empty() && *i != &module && !i.starts_with(&format!("{module}/")))
        .collect();
    if external.is_empty() {
        return Ok(());
    }
    let join = |f: &str| {
        if root.is_empty() {
            f.to_owned()
        } else {
            format!("{root}/{f}")
        }
    };
    let hook = crate::sacred::bindings::HOOK;
    let covers = |m: &str| {
        external
            .iter()
            .any(|i| *i == m || i.starts_with(&format!("{m}/")))
    };
    let mut lines = Vec::new();
    for file in [join("go.mod"), join("go.work")] {
        let text = if file == join("go.mod") {
            Some(gomod.clone())
        } else {
            content.read(repo, &file)?
        };
        let Some(text) = text else { continue };
        for (old, d) in go_replace_directives(&text) {
            if covers(&old) {
                lines.push(format!("{hook}dependency (in {file}): replace {d}"));
            }
        }
    }
    if let Some(modules) = content.read(repo, &join("vendor/modules.txt"))? {
        let vendored: BTreeSet<&str> = modules
            .lines()
            .filter_map(|l| l.strip_prefix("# ")?.split_whitespace().next())
            .filter(|m| covers(m))
            .collect();
        for m in vendored {
            let at = join(&format!("vendor/{m}"));
            if !cache.go_vendored.contains_key(&at) {
                let mut digest = String::new();
                for f in content.list_tree(repo, &at)? {
                    if let Some(bytes) = content.read_bytes(repo, &f)? {
                        digest.push_str(&format!("{f} {}\n", analysis::sha256_hex_bytes(&bytes)));
                    }
                }
                cache
                    .go_vendored
                    .insert(at.clone(), analysis::sha256_hex(&digest));
            }
            lines.push(format!(
                "{hook}vendored (in {at}/): sha256:{}",
                cache.go_vendored[&at]
            ));
        }
    }
    lock_with_every_test(scan, lines);
    Ok(())
}

/// The directives of `keyword` in a `go.mod` or `go.work`, one line (`require m v1.2.3`) or
/// inside a block (`require (` … `)`), without comments or the keyword.
fn go_mod_directives<'a>(text: &'a str, keyword: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut in_block = false;
    let open = format!("{keyword} (");
    for raw in text.lines() {
        let l = raw.split("//").next().unwrap_or(raw).trim();
        if in_block {
            if l == ")" {
                in_block = false;
            } else if !l.is_empty() {
                out.push(l);
            }
        } else if l == open {
            in_block = true;
        } else if let Some(d) = l
            .strip_prefix(keyword)
            .filter(|d| d.starts_with([' ', '\t']))
        {
            out.push(d.trim());
        }
    }
    out
}

/// Whether a `go.mod` requires `module` at a `v1` version (`v1.8.4`, a `v1.…`
/// pseudo-version), once.
fn go_requires_v1(text: &str, module: &str) -> bool {
    let versions: Vec<&str> = go_mod_directives(text, "require")
        .into_iter()
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            (words.next().map(|m| m.trim_matches('"')) == Some(module))
                .then(|| words.next().unwrap_or(""))
        })
        .collect();
    matches!(versions.as_slice(), [v] if v.starts_with("v1."))
}

/// The `replace` directives of a `go.mod` or `go.work`: the module path replaced, and the
/// directive with its spaces normalised.
fn go_replace_directives(text: &str) -> Vec<(String, String)> {
    go_mod_directives(text, "replace")
        .into_iter()
        .filter_map(|d| {
            let old = d.split_whitespace().next()?;
            Some((
                old.trim_matches('"').to_owned(),
                d.split_whitespace().collect::<Vec<_>>().join(" "),
            ))
        })
        .collect()
}

/// Adds `lines` (sorted, once each) to the envelope of every test of the scan.
fn lock_with_every_test(scan: &mut FileScan, mut lines: Vec<String>) {
    if lines.is_empty() {
        return;
    }
    lines.sort();
    lines.dedup();
    for t in &mut scan.tests {
        t.envelope_bindings.extend(lines.iter().cloned());
        t.envelope_bindings.sort();
    }
}

/// A stored expected value's line for `file` (`hook golden (in FILE): sha256:…`, its
/// digest); none when there is no such file.
fn golden_line(repo: &Repo, content: &Content<'_>, file: &str) -> Result<Option<String>> {
    Ok(content.read_bytes(repo, file)?.map(|bytes| {
        format!(
            "{}golden (in {file}): sha256:{}",
            crate::sacred::bindings::HOOK,
            analysis::sha256_hex_bytes(&bytes)
        )
    }))
}

/// What other files hold for a file's tests, read once per command: each directory's
/// `_test.go` files (what concerns every test of their package) and its `conftest.py`.
#[derive(Default)]
struct Surroundings {
    /// Python: what every test module and compiled file of the repository holds that runs
    /// before any test (see [`add_python_shared`]), by file; read once.
    py_shared: Option<Vec<(String, Vec<String>)>>,
    dirs: BTreeMap<String, GoDir>,
    conftests: BTreeMap<String, Option<Conftest>>,
    /// The functions of each module a test file imports from (`None`: no such file, or not
    /// one gatekeeper reads).
    modules: BTreeMap<String, Option<crate::sacred::bindings::ModuleParts>>,
    /// The functions of each module read, with those its own imports bring (see
    /// `extended_functions`).
    extended: BTreeMap<String, Vec<crate::sacred::bindings::FileFunction>>,
    /// node:test: the files that call `setResolveSnapshotPath`, with their digests (see
    /// [`node_snapshot_resolvers`]); read once.
    node_snapshot_resolvers: Option<Vec<(String, String)>>,
    /// The runner configuration lines of the JavaScript/TypeScript tests of each directory
    /// (see [`js_runner_lines`]).
    runners: BTreeMap<String, Vec<String>>,
    /// The pytest configuration lines of the Python tests of each directory (see
    /// [`pytest_config_lines`]).
    py_runners: BTreeMap<String, Vec<String>>,
    /// Go: the digest of each vendored module directory read (see
    /// [`add_go_assertion_sources`]).
    go_vendored: BTreeMap<String, String>,
    /// Go: each test file's functions read with the setters of its package written out (see
    /// [`add_go_setter_reads`]).
    go_setter_reads: BTreeMap<String, Vec<crate::sacred::setters::SetterRead>>,
    /// Rust: the modules each file read declares in files of their own (see
    /// [`rust_declared_by`]).
    #[cfg(feature = "lang-rust")]
    rust_declarations: BTreeMap<String, Vec<(String, lang::RustDeclaration)>>,
    /// Rust: the `hook test-cfg` lines of each package's `src/` (see
    /// [`add_rust_test_cfgs`]).
    #[cfg(feature = "lang-rust")]
    rust_test_cfgs: BTreeMap<String, Vec<String>>,
    /// Rust: the `macro_rules!` of each module file read (`None`: no such file).
    #[cfg(feature = "lang-rust")]
    rust_macros: BTreeMap<String, Option<Vec<(String, String)>>>,
    /// What each module file read for a test's imports patches at its top, and the modules
    /// it loads (see [`imported_code_patches`]).
    loads: BTreeMap<String, (Vec<String>, Vec<String>)>,
    /// Go: what each non-test file of a package a test imports, and each test file of a
    /// test's own directory, runs as the test binary starts, with its package clause
    /// (`None`: not read; see [`add_go_imported_package_starts`]).
    go_starts: BTreeMap<String, Option<(String, crate::sacred::bindings::GoPackageStart)>>,
}

/// The files pytest may read its configuration from, by name.
const PYTEST_CONFIG_FILES: &[&str] = &[
    "pytest.toml",
    ".pytest.toml",
    "pytest.ini",
    ".pytest.ini",
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
];

/// The pytest configuration of the Python tests of `dir`, each section found in that
/// directory or one above it as a line locked with every test there (`hook runner config
/// (in pyproject.toml): [tool.pytest.ini_options] addopts = "-q"`, comments and blank lines
/// left out): `addopts = --deselect …` or `-p plugin`, `python_functions`, `testpaths`,
/// `xfail_strict` decide which tests run and what counts as a failure. Every such section
/// above the tests is locked, as which one pytest reads depends on how it is started.
fn pytest_config_lines(repo: &Repo, content: &Content<'_>, dir: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut at = dir.to_owned();
    loop {
        for name in PYTEST_CONFIG_FILES {
            let file = if at.is_empty() {
                (*name).to_owned()
            } else {
                format!("{at}/{name}")
            };
            let Some(text) = content.read(repo, &file)? else {
                continue;
            };
            for section in pytest_sections(name, &text) {
                out.push(format!(
                    "{}runner config (in {file}): {section}",
                    crate::sacred::bindings::HOOK
                ));
            }
        }
        if at.is_empty() {
            break;
        }
        at = at
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_owned());
    }
    Ok(out)
}

/// What a locked runner-configuration line of pytest or of a JavaScript runner stands for:
/// its file and its section (`[pytest]`), key (`ava=`) or digest. Such a line gone with
/// nothing in its place (a deleted `pytest.ini`, a `[tool.pytest.ini_options]` removed, a
/// `jest.config.js` deleted) drops what it set: `filterwarnings = error`, `xfail_strict`,
/// `--strict-markers`, a setup file (see `rules::rebound`'s lost hooks).
pub(crate) fn runner_config_slot(line: &str) -> Option<String> {
    let rest = line
        .strip_prefix(crate::sacred::bindings::HOOK)?
        .strip_prefix("runner config (in ")?;
    let (file, value) = rest.split_once("): ")?;
    let name = file.rsplit_once('/').map_or(file, |(_, n)| n);
    if !(PYTEST_CONFIG_FILES.contains(&name) || is_js_runner_config(name)) {
        return None;
    }
    let key = if value.starts_with('[') {
        value.split(" ; ").next().unwrap_or(value)
    } else if value.starts_with("sha256:") {
        "sha256:"
    } else if value.starts_with("(present)") {
        "(present)"
    } else {
        value.split('=').next().unwrap_or(value)
    };
    Some(format!("{file}: {key}"))
}

/// Whether `file` is a module pytest collects by default (`test_*.py`, `*_test.py`).
fn python_test_module(file: &str) -> bool {
    let name = file.rsplit_once('/').map_or(file, |(_, n)| n);
    let ext = |e: &str| {
        Path::new(name)
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case(e))
    };
    ext("py") && (name.starts_with("test_") || name.ends_with("_test.py"))
}

/// Whether `file` is compiled Python (`__pycache__/x.cpython-312.pyc`): an unchecked-hash
/// `.pyc` is loaded in place of its source, which stays as it was.
fn python_compiled(file: &str) -> bool {
    Path::new(file)
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("pyc") || x.eq_ignore_ascii_case("pyo"))
}

/// Python: what runs before any test of the run from files other than the test's own,
/// locked with every Python test (`hook imported with the tests (in tests/test_other.py):
/// billing.total = lambda xs: 6`, `hook compiled (in tests/__pycache__/x.pyc): sha256:…`).
/// pytest and `unittest discover` import every test module before running the first test,
/// so a module that patches at import (an attribute or item of what it imports, or a hazard
/// of `import_hazards`) reaches every test, and so does a module of the tests one of those
/// (or a `conftest.py`, or a test package's `__init__.py`) imports at its top, in turn; a
/// compiled file committed beside the sources may be loaded in place of one.
fn add_python_shared(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    cache: &mut Surroundings,
) -> Result<()> {
    if cache.py_shared.is_none() {
        let mut shared = Vec::new();
        let mut imported: Vec<(String, String)> = Vec::new();
        let files = content.list_tree(repo, "")?;
        // The packages pytest imports with the test modules: every directory holding one and
        // those above it.
        let mut test_dirs: BTreeSet<&str> = BTreeSet::new();
        for file in files.iter().filter(|f| python_test_module(f)) {
            let mut dir = file.rsplit_once('/').map_or("", |(d, _)| d);
            while test_dirs.insert(dir) && !dir.is_empty() {
                dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
            }
        }
        for file in &files {
            let file = file.clone();
            let (dir, name) = file.rsplit_once('/').unwrap_or(("", file.as_str()));
            let conftest = name == "conftest.py";
            let package = name == "__init__.py" && test_dirs.contains(dir);
            if python_compiled(&file) {
                if let Some(bytes) = content.read_bytes(repo, &file)? {
                    shared.push((
                        file.clone(),
                        vec![format!(
                            "{}compiled (in {file}): sha256:{}",
                            crate::sacred::bindings::HOOK,
                            analysis::sha256_hex_bytes(&bytes)
                        )],
                    ));
                }
                continue;
            }
            // A distribution's metadata committed in the repository: pytest loads the plugins
            // its `[pytest11]` entry points name when the directory holding it is on
            // `sys.path` (the root, under `python -m pytest`), with no test changed.
            if name == "entry_points.txt"
                && (dir.ends_with(".dist-info") || dir.ends_with(".egg-info"))
            {
                if let Some(text) = content.read(repo, &file)? {
                    shared.push((
                        file.clone(),
                        python_entry_point_lines(repo, content, &file, &text)?,
                    ));
                }
                continue;
            }
            if !python_test_module(&file) && !conftest && !package {
                continue;
            }
            let Some(src) = content.read(repo, &file)? else {
                continue;
            };
            let mut lines = python_shared_lines(&file, &src, conftest || package)?;
            // A test module's `pytest_plugins` registers its plugins for the whole run (a
            // `conftest.py`'s own are read with its hooks, below).
            if !conftest {
                lines.extend(test_module_plugin_lines(repo, content, &file, &src)?);
            }
            imported.push((file.clone(), src));
            if !lines.is_empty() {
                shared.push((file, lines));
            }
        }
        // The modules of the tests those import at their top (`from tests import support` in
        // a `conftest.py`), and the ones those import in turn: each runs its top as pytest
        // collects, before any test.
        let mut seen: BTreeSet<String> = imported.iter().map(|(f, _)| f.clone()).collect();
        while let Some((file, src)) = imported.pop() {
            let Some(bindings) = lang::python_module_bindings(&file, &src)? else {
                continue;
            };
            for m in bindings
                .iter()
                .flat_map(|b| python_modules_imported(&b.text))
            {
                let Some(found) = resolve_import(repo, content, &file, &m)? else {
                    continue;
                };
                if !seen.insert(found.clone()) {
                    continue;
                }
                let Some(text) = content.read(repo, &found)? else {
                    continue;
                };
                let lines = python_shared_lines(&found, &text, false)?;
                if !lines.is_empty() {
                    shared.push((found.clone(), lines));
                }
                imported.push((found, text));
            }
        }
        cache.py_shared = Some(shared);
    }
    let lines: Vec<String> = cache
        .py_shared
        .iter()
        .flatten()
        .filter(|(file, _)| file != path)
        .flat_map(|(_, lines)| lines.iter().cloned())
        .collect();
    lock_with_every_test(scan, lines);
    Ok(())
}

/// The modules a Python import binding (its text) loads: `from tests import support` loads
/// `tests` and `tests.support` (one of them a module, the other a package); `import
/// tests.util` loads `tests.util`.
fn python_modules_imported(text: &str) -> Vec<String> {
    match import_of(text) {
        Some(Imported::Name { module, name, .. }) => {
            if module.chars().all(|c| c == '.') {
                vec![format!("{module}{name}"), module]
            } else {
                vec![format!("{module}.{name}"), module]
            }
        }
        Some(Imported::Module { module, .. }) => vec![module],
        None => Vec::new(),
    }
}

/// The lines of a distribution's `entry_points.txt` committed in the repository (`file`):
/// the file by its digest, and each module its `[pytest11]` section names, found beside the
/// metadata's directory, by its digest (or as found nowhere).
fn python_entry_point_lines(
    repo: &Repo,
    content: &Content<'_>,
    file: &str,
    text: &str,
) -> Result<Vec<String>> {
    let hook = crate::sacred::bindings::HOOK;
    let mut lines = vec![format!(
        "{hook}plugin (in {file}): sha256:{}",
        analysis::sha256_hex(text)
    )];
    let meta_dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    let home = meta_dir.rsplit_once('/').map_or("", |(d, _)| d);
    let mut section = "";
    for line in text.lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name;
            continue;
        }
        if section != "pytest11" {
            continue;
        }
        let Some((_, target)) = line.split_once('=') else {
            continue;
        };
        let module = target
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .replace('.', "/");
        let at = if home.is_empty() {
            module
        } else {
            format!("{home}/{module}")
        };
        let mut found = false;
        for candidate in [format!("{at}.py"), format!("{at}/__init__.py")] {
            if let Some(src) = content.read(repo, &candidate)? {
                lines.push(format!(
                    "{hook}plugin (in {candidate}): sha256:{}",
                    analysis::sha256_hex(&src)
                ));
                found = true;
                break;
            }
        }
        if !found {
            lines.push(format!("{hook}plugin (in {file}): {line} found nowhere"));
        }
    }
    Ok(lines)
}

/// What the Python module `file` (a test module, a `conftest.py`, a package's
/// `__init__.py`), imported while pytest collects, may change for the tests of other
/// modules: its import-time patches, and a `conftest.py`'s pytest hooks. One that does not
/// parse is locked whole when `whole` (a conftest or a package).
fn python_shared_lines(file: &str, src: &str, whole: bool) -> Result<Vec<String>> {
    let hook = crate::sacred::bindings::HOOK;
    let mut lines: Vec<String> = Vec::new();
    match lang::python_import_patches(file, src)? {
        Some(patches) => lines.extend(
            patches
                .into_iter()
                .map(|p| format!("{hook}imported with the tests (in {file}): {p}")),
        ),
        None if whole => lines.push(format!(
            "{hook}imported with the tests (in {file}): sha256:{}",
            analysis::sha256_hex(src)
        )),
        None => {}
    }
    let name = file.rsplit_once('/').map_or(file, |(_, n)| n);
    if name == "conftest.py"
        && let Some(hooks) = lang::python_pytest_hooks(file, src)?
    {
        lines.extend(
            hooks
                .into_iter()
                .map(|h| format!("{hook}conftest hook (in {file}): {h}")),
        );
    }
    Ok(lines)
}

/// Python: what a module of the repository a test file imports (the code under test
/// included) does at its top to the test frameworks and builtins its checks run through
/// (`unittest.TestCase.assertEqual = …`, `builtins.len = …`: see
/// `import_hazards::python_framework_patches`), locked with every test of the file (`hook
/// imported code patches (in billing/config.py): …`); the modules those load in turn and
/// the packages' `__init__.py` on the way too (see [`imported_code_patches`]).
fn add_python_imported_framework_patches(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    siblings: &mut Surroundings,
) -> Result<()> {
    let mut modules: BTreeSet<String> = BTreeSet::new();
    for b in &scan.module_bindings {
        if let Some(rest) = b.text.strip_prefix("from ") {
            if let Some((module, name)) = rest.split_once(" import ") {
                modules.insert(module.trim().to_owned());
                let name = name.split(" as ").next().unwrap_or(name).trim();
                // `from . import x` names the module `.x`; `from a import b`, `a.b`.
                let module = module.trim();
                if module.ends_with('.') {
                    modules.insert(format!("{module}{name}"));
                } else {
                    modules.insert(format!("{module}.{name}"));
                }
            }
        } else if let Some(rest) = b.text.strip_prefix("import ") {
            let module = rest.split(" as ").next().unwrap_or(rest).trim();
            modules.insert(module.to_owned());
        }
    }
    let lines = imported_code_patches(
        repo,
        content,
        path,
        modules,
        lang::python_framework_patches,
        siblings,
    )?;
    lock_with_every_test(scan, lines);
    Ok(())
}

/// The lines `hook imported code patches (in FILE): TEXT` of the file each of `modules`
/// (as a test file at `path` imports them) resolves to first, with what `patches` finds
/// there, and of the modules those load in turn (`lang::loaded_modules`, resolved from the
/// importing file; with each Python package's `__init__.py` on the way); the test's own file
/// is not one. Each file is read once per command (`Surroundings::loads`).
fn imported_code_patches(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    modules: impl IntoIterator<Item = String>,
    patches: fn(&str, &str) -> Result<Option<Vec<String>>>,
    siblings: &mut Surroundings,
) -> Result<Vec<String>> {
    let python = lang::Lang::of_path(path) == Some(lang::Lang::Python);
    let mut lines = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: std::collections::VecDeque<(String, String)> =
        modules.into_iter().map(|m| (path.to_owned(), m)).collect();
    while let Some((importer, module)) = queue.pop_front() {
        let mut found = None;
        for file in import_candidates(&importer, &module) {
            if file == path {
                break;
            }
            if content.read_bytes(repo, &file)?.is_some() {
                found = Some(file);
                break;
            }
        }
        let Some(file) = found else {
            continue;
        };
        let mut files = if python {
            python_package_inits(repo, content, &file)?
        } else {
            Vec::new()
        };
        files.push(file);
        for file in files {
            if file == path || !seen.insert(file.clone()) {
                continue;
            }
            if !siblings.loads.contains_key(&file) {
                let read = match content.read(repo, &file)? {
                    Some(src) => (
                        patches(&file, &src)?.unwrap_or_default(),
                        lang::loaded_modules(&file, &src)?.unwrap_or_default(),
                    ),
                    None => (Vec::new(), Vec::new()),
                };
                siblings.loads.insert(file.clone(), read);
            }
            let (found, loads) = &siblings.loads[&file];
            for p in found {
                lines.push(format!(
                    "{}imported code patches (in {file}): {p}",
                    crate::sacred::bindings::HOOK
                ));
            }
            queue.extend(loads.iter().map(|m| (file.clone(), m.clone())));
        }
    }
    Ok(lines)
}

/// The `__init__.py` of each package above a Python module file, outermost first, as far up
/// as the directories hold one (importing `a.b.c` runs `a/__init__.py` and
/// `a/b/__init__.py` first).
fn python_package_inits(repo: &Repo, content: &Content<'_>, file: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    if file.ends_with("/__init__.py") {
        dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    }
    while !dir.is_empty() {
        let init = format!("{dir}/__init__.py");
        if content.read_bytes(repo, &init)?.is_none() {
            break;
        }
        out.push(init);
        dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    }
    out.reverse();
    Ok(out)
}

/// What of a Cargo configuration (`.cargo/config.toml`) decides how every test binary is
/// built, linked and run, as `key = value` (the value as JSON): `build.rustflags` and
/// `build.rustc*`, each `target.…` table's `runner`, `linker` and `rustflags`, every
/// `profile.…` and `env` entry.
fn cargo_config_decisive(table: &toml::Table) -> Vec<(String, String)> {
    let json = |v: &toml::Value| serde_json::to_string(v).unwrap_or_default();
    let mut out = Vec::new();
    if let Some(build) = table.get("build").and_then(toml::Value::as_table) {
        for (k, v) in build {
            if k.starts_with("rustc") || k.starts_with("rustflags") || k == "rustdocflags" {
                out.push((format!("build.{k}"), json(v)));
            }
        }
    }
    if let Some(targets) = table.get("target").and_then(toml::Value::as_table) {
        for (t, body) in targets {
            for (k, v) in body.as_table().into_iter().flatten() {
                if matches!(k.as_str(), "runner" | "linker" | "rustflags") {
                    out.push((format!("target.{t}.{k}"), json(v)));
                }
            }
        }
    }
    if let Some(v) = table.get("profile").and_then(profiles_decisive) {
        out.push(("profile".to_owned(), v));
    }
    if let Some(v) = table.get("env") {
        out.push(("env".to_owned(), json(v)));
    }
    out
}

/// What of Cargo's `[profile.…]` tables changes what a test checks, as JSON: the
/// `debug-assertions` (a `debug_assert!`), `overflow-checks` (an overflow that panics),
/// `panic` (a `#[should_panic]` test under `abort`) and `inherits` of each profile and of
/// its per-package overrides; `None` when no profile sets one (`opt-level`, `debug` may
/// change).
fn profiles_decisive(profiles: &toml::Value) -> Option<String> {
    const KEYS: &[&str] = &["debug-assertions", "overflow-checks", "panic", "inherits"];
    let keep = |t: &toml::Table| -> toml::Table {
        t.iter()
            .filter(|(k, _)| KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let mut out = toml::Table::new();
    for (name, body) in profiles.as_table()? {
        let Some(body) = body.as_table() else {
            continue;
        };
        let mut kept = keep(body);
        if let Some(packages) = body.get("package").and_then(toml::Value::as_table) {
            let mut per = toml::Table::new();
            for (pkg, t) in packages {
                if let Some(t) = t.as_table() {
                    let k = keep(t);
                    if !k.is_empty() {
                        per.insert(pkg.clone(), toml::Value::Table(k));
                    }
                }
            }
            if !per.is_empty() {
                kept.insert("package".to_owned(), toml::Value::Table(per));
            }
        }
        if !kept.is_empty() {
            out.insert(name.clone(), toml::Value::Table(kept));
        }
    }
    (!out.is_empty()).then(|| serde_json::to_string(&out).unwrap_or_default())
}

/// Rust: what the workspace's manifest (the nearest `Cargo.toml` with a `[workspace]`
/// table at or above the package's) decides for the package's tests, locked with each:
/// whether the package is a member and whether a plain `cargo test` there builds it
/// (`members`, `exclude`, `default-members`: `hook crate (in Cargo.toml): workspace member,
/// built by default`), and its profiles (`[profile.dev] debug-assertions = false` empties
/// every `debug_assert!`; Cargo reads profiles only from the workspace's root). Without a
/// workspace, the package's own profiles.
fn cargo_workspace_lines(
    repo: &Repo,
    content: &Content<'_>,
    package_dir: &str,
    package_file: &str,
    package_text: &str,
) -> Result<Vec<String>> {
    let hook = crate::sacred::bindings::HOOK;
    let mut root: Option<(String, String, String)> = None;
    for d in dirs_up(package_dir) {
        let file = if d.is_empty() {
            "Cargo.toml".to_owned()
        } else {
            format!("{d}/Cargo.toml")
        };
        let text = if file == package_file {
            Some(package_text.to_owned())
        } else {
            content.read(repo, &file)?
        };
        if let Some(text) = text
            && toml_tables(&text).iter().any(|(h, _)| h == "[workspace]")
        {
            root = Some(((*d).to_owned(), file, text));
            break;
        }
    }
    let (root_dir, root_file, root_text) = root.unwrap_or_else(|| {
        (
            package_dir.to_owned(),
            package_file.to_owned(),
            package_text.to_owned(),
        )
    });
    let mut out = Vec::new();
    // nextest's configuration, beside the workspace's manifest: a `default-filter` leaves
    // tests out of `cargo nextest run`.
    let nextest = if root_dir.is_empty() {
        ".config/nextest.toml".to_owned()
    } else {
        format!("{root_dir}/.config/nextest.toml")
    };
    if let Some(config) = content.read(repo, &nextest)? {
        out.push(format!(
            "{hook}runner config (in {nextest}): sha256:{}",
            analysis::sha256_hex(&config)
        ));
    }
    let Ok(table) = root_text.parse::<toml::Table>() else {
        out.push(format!(
            "{hook}crate (in {root_file}): (unread) sha256:{}",
            analysis::sha256_hex(&root_text)
        ));
        return Ok(out);
    };
    if let Some(profile) = table.get("profile").and_then(profiles_decisive) {
        out.push(format!(
            "{hook}runner config (in {root_file}): profile = {profile}"
        ));
    }
    if let Some(ws) = table.get("workspace").and_then(toml::Value::as_table) {
        let relative = if root_dir.is_empty() {
            package_dir.to_owned()
        } else if package_dir == root_dir {
            String::new()
        } else {
            package_dir
                .strip_prefix(&format!("{root_dir}/"))
                .unwrap_or(package_dir)
                .to_owned()
        };
        let rel = if relative.is_empty() {
            "."
        } else {
            relative.as_str()
        };
        let globs = |key: &str| -> Vec<String> {
            ws.get(key)
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
                .map(|g| g.trim_start_matches("./").trim_end_matches('/').to_owned())
                .collect()
        };
        let matches = |list: &[String]| {
            list.iter().any(|g| {
                g == rel || globset::Glob::new(g).is_ok_and(|g| g.compile_matcher().is_match(rel))
            })
        };
        let root_package = table.contains_key("package");
        let member =
            rel == "." && root_package || matches(&globs("members")) && !matches(&globs("exclude"));
        let default = if ws.contains_key("default-members") {
            matches(&globs("default-members"))
        } else if root_package {
            rel == "."
        } else {
            member
        };
        out.push(format!(
            "{hook}crate (in {root_file}): workspace {}, {}",
            if member { "member" } else { "not a member" },
            if default {
                "built by default"
            } else {
                "not built by default"
            }
        ));
    }
    Ok(out)
}

/// Rust: where each crate a test file names (`billing::total`, `use billing;`) comes from
/// when it is not a registry's: the source keys (`path`, `git`, `branch`, `tag`, `rev`,
/// `registry`, `package`, `workspace`) of its entry in a dependency table of the package's
/// manifest, as `hook dependency (in shop/Cargo.toml): dev-dependencies.billing path="../billing"`.
/// A version or a feature may change; another crate answering the name may not. A crate of
/// the repository among the dev-dependencies (a `path` or `workspace` entry) that sets its
/// `features` or `default-features` is recorded named or not, with them: they change the code
/// the test build alone runs.
fn cargo_dependency_sources(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    file: &str,
    text: &str,
) -> Result<Vec<String>> {
    let Some(src) = content.read(repo, path)? else {
        return Ok(Vec::new());
    };
    let used = rust_named_crates(&src);
    let Ok(table) = text.parse::<toml::Table>() else {
        return Ok(Vec::new());
    };
    let hook = crate::sacred::bindings::HOOK;
    let mut tables: Vec<(String, &toml::Table)> = Vec::new();
    for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(t) = table.get(key).and_then(toml::Value::as_table) {
            tables.push((key.to_owned(), t));
        }
    }
    if let Some(targets) = table.get("target").and_then(toml::Value::as_table) {
        for (name, body) in targets {
            for key in ["dependencies", "dev-dependencies"] {
                if let Some(t) = body.get(key).and_then(toml::Value::as_table) {
                    tables.push((format!("target.{name}.{key}"), t));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (head, deps) in tables {
        for (name, entry) in deps {
            let Some(entry) = entry.as_table() else {
                continue;
            };
            let renamed = entry.get("package").and_then(toml::Value::as_str).is_some();
            // A crate of the repository among the dev-dependencies: its features are turned
            // on for the test build alone (Cargo's resolver unifies them only there), so
            // `billing = { path = "../billing", features = ["legacy"] }` changes the code
            // every test of the package runs, named or not.
            let repo_dev = head.ends_with("dev-dependencies")
                && (entry.contains_key("path") || entry.contains_key("workspace"))
                && (entry.contains_key("features") || entry.contains_key("default-features"));
            if !used.contains(&name.replace('-', "_")) && !renamed && !repo_dev {
                continue;
            }
            let source: Vec<String> = entry
                .iter()
                .filter(|(k, _)| {
                    matches!(
                        k.as_str(),
                        "path"
                            | "git"
                            | "branch"
                            | "tag"
                            | "rev"
                            | "registry"
                            | "package"
                            | "workspace"
                    ) || (repo_dev && matches!(k.as_str(), "features" | "default-features"))
                })
                .map(|(k, v)| format!("{k}={}", serde_json::to_string(v).unwrap_or_default()))
                .collect();
            if !source.is_empty() {
                out.push(format!(
                    "{hook}dependency (in {file}): {head}.{name} {}",
                    source.join(" ")
                ));
            }
        }
    }
    Ok(out)
}

/// The crates a Rust source names by path (`billing::total`, `use billing::{…}`, `extern
/// crate billing`), with `_` for `-`; not `std`, `core`, `alloc`, `crate`, `self`, `super`.
fn rust_named_crates(src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    for (i, _) in src.match_indices("::") {
        let before = &src[..i];
        let start = before.rfind(|c: char| !ident(c)).map_or(0, |j| j + 1);
        let head = &src[start..i];
        // The first segment of a path only (`a::b::c` → `a`).
        if start >= 2 && src[..start].ends_with("::") {
            continue;
        }
        if !head.is_empty()
            && !matches!(head, "std" | "core" | "alloc" | "crate" | "self" | "super")
        {
            out.insert(head.to_owned());
        }
    }
    for line in src.lines() {
        let t = line.trim_start();
        for prefix in ["use ", "pub use ", "extern crate "] {
            if let Some(rest) = t.strip_prefix(prefix) {
                let name: String = rest
                    .trim_start_matches("::")
                    .chars()
                    .take_while(|c| ident(*c))
                    .collect();
                if !name.is_empty()
                    && !matches!(
                        name.as_str(),
                        "std" | "core" | "alloc" | "crate" | "self" | "super"
                    )
                {
                    out.insert(name);
                }
            }
        }
    }
    out
}

/// The type an inherent `impl` head is for (`impl<'a> R<'a>` → `R`, `impl crate::Cart` →
/// `Cart`); empty when it cannot tell.
fn rust_impl_type(head: &str) -> String {
    let rest = head
        .trim_start_matches("unsafe ")
        .trim_start_matches("impl")
        .trim_start();
    let rest = if rest.starts_with('<') {
        let mut depth = 0;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '<' => depth += 1,
                '>' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest[end..].trim_start()
    } else {
        rest
    };
    let path: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    path.rsplit("::").next().unwrap_or("").to_owned()
}

/// Rust: the `impl` blocks and `trait` definitions of a test's file, each locked with every
/// test of the file by its text (`hook impl (in tests/billing/main.rs): impl Expected for
/// Cart sha256:…`): a trait implemented there for the type under test, or an inherent
/// method, changes which method `cart.total()` calls (a method taking `self` by value is
/// found before one taking `&self`), with the test untouched. Found by lines: an item
/// starting a line (`impl`, `unsafe impl`, `trait`, `pub trait`, …) up to the line where
/// its braces close; in a file of the code under test, from its first `#[cfg(test)]` on.
fn add_rust_impls(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let Some(src) = content.read(repo, path)? else {
        return Ok(());
    };
    let hook = crate::sacred::bindings::HOOK;
    let all: Vec<&str> = src.lines().collect();
    // In a file of the code under test (`src/pay.rs` with a `#[cfg(test)] mod tests`), its
    // own `impl` blocks may change: only those from the first `#[cfg(test)]` on are read.
    let test_file = path.starts_with("tests/") || path.contains("/tests/");
    let from = if test_file {
        0
    } else {
        all.iter()
            .position(|l| l.trim_start().starts_with("#[cfg(test)]"))
            .unwrap_or(all.len())
    };
    let declared = rust_declared_types(&src);
    let mut lines: Vec<String> = rust_impl_items(&all[from..])
        .into_iter()
        .filter(|(_, ty, inherent, _)| !(*inherent && !ty.is_empty() && declared.contains(ty)))
        .map(|(head, _, _, text)| {
            format!(
                "{hook}impl (in {path}): {head} sha256:{}",
                analysis::sha256_hex(&text)
            )
        })
        .collect();
    lines.extend(rust_binary_impls(repo, content, path, &src)?);
    lock_with_every_test(scan, lines);
    Ok(())
}

/// The types a Rust source declares (`struct Cart`, `enum Kind`, `union U`, `type Alias`),
/// by the lines they start.
fn rust_declared_types(src: &str) -> BTreeSet<String> {
    src.lines()
        .filter_map(|l| {
            let l = l
                .trim_start()
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ");
            let rest = ["struct ", "enum ", "union ", "type "]
                .iter()
                .find_map(|k| l.strip_prefix(k))?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

/// The `impl` blocks and `trait` definitions starting a line of `all` (`impl`, `unsafe
/// impl`, `trait`, `pub trait`, …) up to the line where their braces close, each as `(head,
/// self type, inherent, text)`: `head` the line up to its `{`, `inherent` for an `impl`
/// without ` for `.
fn rust_impl_items(all: &[&str]) -> Vec<(String, String, bool, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let t = all[i].trim_start();
        let item = t
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ")
            .trim_start_matches("unsafe ");
        let starts =
            item.starts_with("impl ") || item.starts_with("impl<") || item.starts_with("trait ");
        if !starts {
            i += 1;
            continue;
        }
        let mut depth: i64 = 0;
        let mut opened = false;
        let mut text = String::new();
        let mut j = i;
        while j < all.len() {
            let l = all[j].split("//").next().unwrap_or("");
            text.push_str(all[j].trim());
            text.push('\n');
            for c in l.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if (opened && depth <= 0) || (!opened && l.trim_end().ends_with(';')) {
                break;
            }
            j += 1;
        }
        let head = t.split('{').next().unwrap_or(t).trim().to_owned();
        // An inherent `impl Cart` can only be written in Cart's crate: in a file that
        // declares `Cart` itself it is a helper of the tests, read as such.
        let inherent = item.starts_with("impl") && !head.contains(" for ");
        let ty = rust_impl_type(&head);
        out.push((head, ty, inherent, text));
        i = j + 1;
    }
    out
}

/// Whether a path names a Rust source file (`.rs`).
fn is_rust_file(path: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("rs"))
}

/// Rust: the trait `impl`s the other files of an integration test's binary hold for a type
/// those files do not declare (the code under test's `Cart`, a standard type, a blanket `impl<T>
/// … for T`), locked with every test of the test's file as one line per part of the binary
/// (`hook impl (in tests/it/): helpers.rs: impl Totals for Cart sha256:…`, or `none`): a
/// trait in scope through an existing `use crate::helpers::*` whose method takes `self` by
/// value is found before the type's own `&self` method, so `cart.total()` calls it with the
/// test untouched. The parts: the directory of a test binary `tests/NAME/`, and for a
/// `tests/NAME.rs` the modules it declares (`mod common;`: `tests/common.rs`,
/// `tests/common/`). A type the binary declares, and its `impl`s, are the tests' helpers.
fn rust_binary_impls(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    src: &str,
) -> Result<Vec<String>> {
    let Some((pkg_dir, _, _)) = cargo_package(repo, content, path)? else {
        return Ok(Vec::new());
    };
    let prefix = if pkg_dir.is_empty() {
        String::new()
    } else {
        format!("{pkg_dir}/")
    };
    let Some(relative) = path.strip_prefix(&prefix) else {
        return Ok(Vec::new());
    };
    let parts: Vec<&str> = relative.split('/').collect();
    if parts.first() != Some(&"tests") || parts.len() < 2 {
        return Ok(Vec::new());
    }
    // Each part as (what the line names, its files).
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    if parts.len() > 2 {
        let dir = format!("{prefix}tests/{}/", parts[1]);
        let files = content.list_tree(repo, dir.trim_end_matches('/'))?;
        groups.push((dir, files));
    } else {
        for line in src.lines() {
            let l = line
                .trim_start()
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ");
            let Some(rest) = l.strip_prefix("mod ") else {
                continue;
            };
            let Some(name) = rest.trim_end().strip_suffix(';') else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let file = format!("{prefix}tests/{name}.rs");
            if content.read_bytes(repo, &file)?.is_some() {
                groups.push((file.clone(), vec![file]));
            }
            let dir = format!("{prefix}tests/{name}/");
            groups.push((
                dir.clone(),
                content.list_tree(repo, dir.trim_end_matches('/'))?,
            ));
        }
    }
    let hook = crate::sacred::bindings::HOOK;
    let mut out = Vec::new();
    for (part, files) in groups {
        let mut sources: Vec<(String, String)> = Vec::new();
        for f in files
            .iter()
            .filter(|f| is_rust_file(f) && f.as_str() != path)
        {
            if let Some(s) = content.read(repo, f)? {
                sources.push((f.clone(), s));
            }
        }
        if sources.is_empty() && !is_rust_file(&part) {
            continue;
        }
        let mut declared = rust_declared_types(src);
        for (_, s) in &sources {
            declared.extend(rust_declared_types(s));
        }
        let mut items: Vec<String> = Vec::new();
        for (f, s) in &sources {
            let all: Vec<&str> = s.lines().collect();
            let name = f.strip_prefix(part.as_str()).unwrap_or(f);
            for (head, _, inherent, text) in rust_impl_items(&all) {
                // The type a trait is implemented for (`impl Totals for Cart` → `Cart`).
                let ty = head
                    .split_once(" for ")
                    .map(|(_, after)| {
                        rust_impl_type(&format!(
                            "impl {}",
                            after
                                .trim_start()
                                .trim_start_matches('&')
                                .trim_start_matches("mut ")
                        ))
                    })
                    .unwrap_or_default();
                if !head.contains("impl") || inherent || (!ty.is_empty() && declared.contains(&ty))
                {
                    continue;
                }
                items.push(format!(
                    "{name}: {head} sha256:{}",
                    analysis::sha256_hex(&text)
                ));
            }
        }
        items.sort();
        out.push(format!(
            "{hook}impl (in {part}): {}",
            if items.is_empty() {
                "none".to_owned()
            } else {
                items.join("; ")
            }
        ));
    }
    Ok(out)
}

/// Rust: what of the nearest `Cargo.toml` above a test decides whether `cargo test` builds
/// and runs it, locked with it (`hook runner config (in Cargo.toml): …`): the `auto…` keys of
/// `[package]` (`autotests = false` stops finding `tests/*.rs`); for a test under `src/`, the
/// `[lib]` table (`test = false`, `harness = false`); the `[[test]]` target whose file the
/// test's is (its `harness`, its `required-features`); and, for a test a `cfg` attribute
/// guards (its own or a module's around it; a `cfg_attr` only when it adds `ignore`), which
/// of the features it names the default features turn on, and the digest of the `build.rs` beside the manifest
/// (`cargo:rustc-cfg=…`). What else the manifest says (another target, a feature the test
/// does not name, the version, the dependencies) may change.
fn add_cargo_config(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let Some((dir, file, text)) = cargo_package(repo, content, path)? else {
        return Ok(());
    };
    let relative = if dir.is_empty() {
        path
    } else {
        path.strip_prefix(&format!("{dir}/")).unwrap_or(path)
    };
    let hook = crate::sacred::bindings::HOOK;
    let tables = toml_tables(&text);
    let mut lines: Vec<String> = Vec::new();
    for (header, body) in &tables {
        let entries: Vec<&str> = body.iter().map(String::as_str).collect();
        match header.as_str() {
            "[package]" => {
                let auto: Vec<&str> = entries
                    .iter()
                    .copied()
                    .filter(|l| l.trim_start().starts_with("auto"))
                    .collect();
                if !auto.is_empty() {
                    lines.push(format!(
                        "{hook}runner config (in {file}): [package] ; {}",
                        auto.join(" ; ")
                    ));
                }
                // The crate's name (a renamed package lets a dependency answer `use
                // shop::…`) and its build script (it may link code into the test binary).
                for e in &entries {
                    let key = e.split('=').next().unwrap_or("").trim();
                    if matches!(key, "name" | "build" | "links") {
                        lines.push(format!("{hook}crate (in {file}): [package] ; {e}"));
                    }
                }
            }
            "[lib]" => {
                if relative.starts_with("src/") {
                    lines.push(format!(
                        "{hook}runner config (in {file}): [lib] ; {}",
                        entries.join(" ; ")
                    ));
                } else {
                    for e in &entries {
                        if e.split('=').next().unwrap_or("").trim() == "name" {
                            lines.push(format!("{hook}crate (in {file}): [lib] ; {e}"));
                        }
                    }
                }
            }
            // Which packages a plain `cargo test` builds (`default-members`; the other
            // members a workspace gains or loses change nothing the package's tests run).
            "[workspace]" => {
                // The whole array, also written over several lines.
                let members: Vec<String> = entries
                    .iter()
                    .position(|l| l.split('=').next().unwrap_or("").trim() == "default-members")
                    .map(|i| {
                        let mut value = Vec::new();
                        for l in &entries[i..] {
                            value.push(*l);
                            if l.contains(']') {
                                break;
                            }
                        }
                        value.join(" ")
                    })
                    .into_iter()
                    .collect();
                if !members.is_empty() {
                    lines.push(format!(
                        "{hook}crate (in {file}): [workspace] ; {}",
                        members.join(" ; ")
                    ));
                }
            }
            "[[test]]" => {
                let value = |key: &str| {
                    entries.iter().find_map(|l| {
                        let (k, v) = l.split_once('=')?;
                        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
                    })
                };
                let target = value("path")
                    .map(|p| p.trim_start_matches("./").to_owned())
                    .or_else(|| value("name").map(|n| format!("tests/{n}.rs")));
                // A target named as the test's file replaces the one Cargo would infer
                // for it (`[[test]] name = "billing"` with another `path`).
                let stem = relative
                    .strip_prefix("tests/")
                    .map(|r| r.trim_end_matches("/main.rs").trim_end_matches(".rs"));
                if target.as_deref() == Some(relative)
                    || (stem.is_some() && value("name").as_deref() == stem)
                {
                    lines.push(format!(
                        "{hook}runner config (in {file}): [[test]] ; {}",
                        entries.join(" ; ")
                    ));
                }
            }
            _ => {}
        }
    }
    if let Some(targets) = cargo_targets_of(&text, relative) {
        lines.push(format!(
            "{hook}runner config (in {file}): targets {targets}"
        ));
    }
    let features = tables
        .iter()
        .find(|(h, _)| h == "[features]")
        .map(|(_, body)| feature_table(body))
        .unwrap_or_default();
    let on = default_features(&features);
    // The build script: `build.rs` beside the manifest, or the one `[package] build` names.
    let script = tables
        .iter()
        .filter(|(h, _)| h == "[package]")
        .flat_map(|(_, body)| body.iter())
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "build").then(|| {
                v.trim()
                    .trim_matches('"')
                    .trim_start_matches("./")
                    .to_owned()
            })
        })
        .filter(|v| v != "false" && v != "true")
        .unwrap_or_else(|| "build.rs".to_owned());
    let build = if dir.is_empty() {
        script
    } else {
        format!("{dir}/{script}")
    };
    let mut build_lines: Vec<String> = content
        .read(repo, &build)?
        .map(|script| {
            format!(
                "{hook}runner config (in {build}): sha256:{}",
                analysis::sha256_hex(&script)
            )
        })
        .into_iter()
        .collect();
    // Cargo's configuration files from the package's directory up (`[build] rustflags =
    // ["--cfg", "…"]`, `[env]`), which can turn a `cfg` on or off as `build.rs` can (for a
    // test a `cfg` guards), and their runner and compiler wrappers (for every test).
    for d in dirs_up(&dir) {
        for name in [".cargo/config.toml", ".cargo/config"] {
            let file = if d.is_empty() {
                name.to_owned()
            } else {
                format!("{d}/{name}")
            };
            if let Some(text) = content.read(repo, &file)? {
                build_lines.push(format!(
                    "{hook}runner config (in {file}): sha256:{}",
                    analysis::sha256_hex(&text)
                ));
                // What runs every test binary, compiles or links it, or sets how it is
                // built, whatever its `cfg`: a `runner = "true"` passes every test without
                // running one, a `linker` may put another binary in its place, a profile's
                // `debug-assertions = false` empties every `debug_assert!`. Read as TOML
                // reads it (an array over several lines); one TOML cannot read, whole.
                match text.parse::<toml::Table>() {
                    Ok(table) => {
                        for (k, v) in cargo_config_decisive(&table) {
                            lines.push(format!("{hook}runner config (in {file}): {k} = {v}"));
                        }
                    }
                    Err(_) => lines.push(format!(
                        "{hook}runner config (in {file}): (unread) sha256:{}",
                        analysis::sha256_hex(&text)
                    )),
                }
            }
        }
    }
    lines.extend(cargo_workspace_lines(repo, content, &dir, &file, &text)?);
    lines.extend(cargo_dependency_sources(repo, content, path, &file, &text)?);
    // A build script may link code into every test binary (`cargo:rustc-link-arg-tests`, a
    // constructor that exits before any test runs): locked with every test.
    let build_script: Vec<String> = build_lines
        .iter()
        .filter(|l| l.contains(&format!("(in {build})")))
        .cloned()
        .collect();
    for t in &mut scan.tests {
        t.envelope_bindings.extend(lines.iter().cloned());
        t.envelope_bindings.extend(build_script.iter().cloned());
        let guards: Vec<&String> = t
            .envelope_lines
            .iter()
            // What can compile the test out or ignore it: a `cfg(…)`, or a `cfg_attr(…)`
            // that adds `ignore` (one that only allows a lint changes nothing that runs).
            .filter(|l| {
                l.replace("cfg_attr(", "").contains("cfg(")
                    || (l.contains("cfg_attr(") && l.contains("ignore"))
            })
            .collect();
        if !guards.is_empty() {
            let mut named: BTreeSet<String> = BTreeSet::new();
            for g in guards {
                for part in g.split("feature").skip(1) {
                    if let Some(name) = part
                        .trim_start()
                        .strip_prefix('=')
                        .and_then(|r| r.trim_start().strip_prefix('"'))
                        .and_then(|r| r.split('"').next())
                    {
                        named.insert(name.to_owned());
                    }
                }
            }
            if !named.is_empty() {
                let enabled: Vec<&String> = named.iter().filter(|n| on.contains(*n)).collect();
                let names: Vec<&String> = named.iter().collect();
                t.envelope_bindings.push(format!(
                    "{hook}runner config (in {file}): default features among {names:?}: {enabled:?}"
                ));
            }
            t.envelope_bindings.extend(
                build_lines
                    .iter()
                    .filter(|l| !build_script.contains(l))
                    .cloned(),
            );
        }
        t.envelope_bindings.sort();
    }
    Ok(())
}

/// What a Cargo manifest, read as TOML reads it (literal strings `'pay'`, inline tables
/// `lib = { test = false }`, dotted keys `lib.test = false`, an inline array `test = [{ … }]`),
/// says of the targets that may compile the file `relative` (a path inside the package), as
/// JSON: the `auto…` keys of `package`; for a file under `src/`, the `lib` table and every
/// `bin` target (`test = false`, `harness`, `required-features` keep `cargo test` from
/// running its tests); for one under `tests/`, `benches/` or `examples/`, each target of that
/// kind whose `path` is the file, or whose `name` is the one Cargo would give it. `None` when
/// the manifest sets none of these, or does not parse (Cargo would not build it).
fn cargo_targets_of(manifest: &str, relative: &str) -> Option<String> {
    let table: toml::Table = manifest.parse().ok()?;
    let normal = |p: &str| {
        let mut parts: Vec<&str> = Vec::new();
        for s in p.split('/') {
            match s {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        parts.join("/")
    };
    let mut out = serde_json::Map::new();
    if let Some(package) = table.get("package").and_then(toml::Value::as_table) {
        let auto: serde_json::Map<String, serde_json::Value> = package
            .iter()
            .filter(|(k, _)| k.starts_with("auto"))
            .filter_map(|(k, v)| Some((k.clone(), serde_json::to_value(v).ok()?)))
            .collect();
        if !auto.is_empty() {
            out.insert("package".to_owned(), serde_json::Value::Object(auto));
        }
    }
    let first = relative.split('/').next().unwrap_or("");
    let entries = |key: &str| -> Vec<toml::Value> {
        match table.get(key) {
            Some(toml::Value::Array(a)) => a.clone(),
            Some(v @ toml::Value::Table(_)) => vec![v.clone()],
            _ => Vec::new(),
        }
    };
    let json = |v: Vec<toml::Value>| serde_json::to_value(v).unwrap_or_default();
    if first == "src" {
        if let Some(lib) = table.get("lib") {
            out.insert(
                "lib".to_owned(),
                serde_json::to_value(lib).unwrap_or_default(),
            );
        }
        let bins = entries("bin");
        if !bins.is_empty() {
            out.insert("bin".to_owned(), json(bins));
        }
    } else if let Some(kind) = match first {
        "tests" => Some("test"),
        "benches" => Some("bench"),
        "examples" => Some("example"),
        _ => None,
    } {
        let rel = normal(relative);
        let parts: Vec<&str> = rel.split('/').collect();
        // The name Cargo gives the target the file belongs to: `tests/pay.rs` and
        // `tests/pay/…` are `pay`.
        let inferred = parts
            .get(1)
            .map(|p| p.strip_suffix(".rs").unwrap_or(p).to_owned());
        let mine: Vec<toml::Value> = entries(kind)
            .into_iter()
            .filter(|e| {
                let path = e.get("path").and_then(toml::Value::as_str).map(&normal);
                let name = e.get("name").and_then(toml::Value::as_str);
                path.as_deref().is_some_and(|p| {
                    p == rel
                        || rel
                            .starts_with(&format!("{}/", p.rsplit_once('/').map_or(p, |(d, _)| d)))
                            && p.ends_with("/main.rs")
                }) || (name.is_some() && name.map(str::to_owned) == inferred)
            })
            .collect();
        if !mine.is_empty() {
            out.insert(kind.to_owned(), json(mine));
        }
    }
    (!out.is_empty()).then(|| serde_json::Value::Object(out).to_string())
}

/// The directory of the Cargo package `path` is in (the nearest `Cargo.toml` above it) and
/// that manifest's text; `None` outside any package.
fn cargo_package(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
) -> Result<Option<(String, String, String)>> {
    nearest_file(
        repo,
        content,
        path.rsplit_once('/').map_or("", |(d, _)| d),
        "Cargo.toml",
    )
}

/// Whether `relative` (a path inside a Cargo package) is the root of one of its targets, as
/// Cargo finds them (`src/lib.rs`, `src/main.rs`, `src/bin/*.rs`, `tests/*.rs`,
/// `tests/*/main.rs`, the same under `benches` and `examples`, `build.rs`) or as the
/// manifest names them (`path = …`).
fn rust_crate_root(relative: &str, manifest: &str) -> bool {
    let parts: Vec<&str> = relative.split('/').collect();
    let auto = matches!(
        parts.as_slice(),
        ["src", "lib.rs" | "main.rs"]
            | ["build.rs"]
            | ["tests" | "benches" | "examples", _]
            | ["src", "bin", _]
            | ["tests" | "benches" | "examples", _, "main.rs"]
            | ["src", "bin", _, "main.rs"]
    );
    auto || toml_tables(manifest).iter().any(|(_, body)| {
        body.iter().any(|l| {
            l.split_once('=').is_some_and(|(k, v)| {
                k.trim() == "path"
                    && v.trim().trim_matches('"').trim_start_matches("./") == relative
            })
        })
    })
}

/// Rust: the module declarations that compile a test file that is not a crate root, up to
/// its crate root (`mod sacred;` in `tests/it/main.rs`, then `mod go;` in
/// `tests/it/sacred/mod.rs`), each as read with its attributes (`hook mod (in FILE):
/// #[cfg(test)] mod go;`): removing one, or a `cfg` that compiles it out, drops the tests;
/// so does a `#![cfg(…)]` of a declaring file (`hook mod-cfg (in FILE): …`).
/// The `macro_rules!` defined before each declaration that the test file invokes (`hook
/// macro (in FILE): …`), a no-op `assert_eq` among them, and those of a `#[macro_use]`
/// module before it are in scope in the module, and locked too; so is a `#[macro_use]
/// extern crate` before it, or a `#[macro_use]` module whose file is not found, as read
/// (`hook macro-use (in FILE): …`).
#[cfg(feature = "lang-rust")]
fn add_rust_declarations(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    cache: &mut Surroundings,
) -> Result<()> {
    let Some((package, _, manifest)) = cargo_package(repo, content, path)? else {
        return Ok(());
    };
    let Some(src) = content.read(repo, path)? else {
        return Ok(());
    };
    let invoked = rust_invoked_macros(&src);
    let hook = crate::sacred::bindings::HOOK;
    let mut lines: Vec<String> = Vec::new();
    let macro_lines =
        |file: &str, cache: &mut Surroundings, lines: &mut Vec<String>| -> Result<bool> {
            if !cache.rust_macros.contains_key(file) {
                let macros = match content.read(repo, file)? {
                    Some(src) => Some(lang::rust_macros(file, &src)?),
                    None => None,
                };
                cache.rust_macros.insert(file.to_owned(), macros);
            }
            let Some(macros) = &cache.rust_macros[file] else {
                return Ok(false);
            };
            for (name, text) in macros {
                if invoked.contains(name.as_str()) {
                    lines.push(format!("{hook}macro (in {file}): {text}"));
                }
            }
            Ok(true)
        };
    // The test's own file: a `#[macro_use] mod support;` there brings the macros of
    // `support.rs` into the modules after it (the test's `mod tests` among them).
    for (name, declaration) in lang::rust_declarations(path, &src)? {
        if declaration.inline.is_empty() && declaration.own.contains("macro_use") {
            for child in rust_module_files(path, &name) {
                if macro_lines(&child, cache, &mut lines)? {
                    // Which macros it defines: one the test invokes, added later (a no-op
                    // `assert_eq!`), replaces the standard one.
                    let names: Vec<&str> = cache.rust_macros[&child]
                        .iter()
                        .flatten()
                        .map(|(n, _)| n.as_str())
                        .collect();
                    lines.push(format!("{hook}macro (in {child}): defines {names:?}"));
                }
            }
        }
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue = vec![path.to_owned()];
    // A module tree is small; the bound keeps a pathological one cheap.
    while let Some(file) = queue.pop() {
        if !seen.insert(file.clone()) || seen.len() > 64 {
            continue;
        }
        let relative = if package.is_empty() {
            file.as_str()
        } else {
            file.strip_prefix(&format!("{package}/")).unwrap_or(&file)
        };
        if rust_crate_root(relative, &manifest) {
            continue;
        }
        for (parent, declaration) in
            rust_declared_by(repo, content, &file, &package, &manifest, cache)?
        {
            lines.push(format!("{hook}mod (in {parent}): {}", declaration.text));
            for attribute in &declaration.inner {
                lines.push(format!("{hook}mod-cfg (in {parent}): {attribute}"));
            }
            for (name, text) in &declaration.macros {
                if invoked.contains(name.as_str()) {
                    lines.push(format!("{hook}macro (in {parent}): {text}"));
                }
            }
            // A module of a file: the macros it defines that the test file invokes. An
            // `extern crate`, or a module whose file is not found: the declaration itself.
            for (text, module) in &declaration.macro_uses {
                let mut read = false;
                for child in module.iter().flat_map(|m| rust_module_files(&parent, m)) {
                    read |= macro_lines(&child, cache, &mut lines)?;
                }
                if !read {
                    lines.push(format!("{hook}macro-use (in {parent}): {text}"));
                }
            }
            for include in &declaration.includes {
                let file = relative_path(dir_prefix(&parent), include);
                if !macro_lines(&file, cache, &mut lines)? {
                    lines.push(format!(
                        "{hook}macro-use (in {parent}): include!(\"{include}\")"
                    ));
                }
            }
            queue.push(parent);
        }
    }
    lock_with_every_test(scan, lines);
    Ok(())
}

/// Rust: what the crate's own code compiles differently under `cfg(test)` (see
/// [`lang::rust_test_cfgs`]), locked with every unit test, a test in a file under the
/// package's `src/`: its lib or bin is built with `cfg(test)` for it, so an added
/// `#[cfg_attr(test, path = "pay_fixed.rs")]` on `mod pay;`, or `#[cfg(not(test))]` on the
/// crate's `fn total` beside a `#[cfg(test)]` copy, has the test run other code than every
/// other build (`hook test-cfg (in src/lib.rs): #[cfg_attr(test,path="pay_fixed.rs")] pub
/// mod pay`). Every `.rs` file under `src/` is read but the files of modules declared only
/// under test (`#[cfg(test)] mod tests;`, and the files below their directory); one that does
/// not parse is locked by its digest when it mentions `test`. An integration test links the
/// library built without `cfg(test)` but with `debug_assertions`, as `cargo test` builds it:
/// it is locked with the lines of that switch only.
#[cfg(feature = "lang-rust")]
fn add_rust_test_cfgs(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    cache: &mut Surroundings,
) -> Result<()> {
    if scan.tests.is_empty() {
        return Ok(());
    }
    let Some((package, _, _)) = cargo_package(repo, content, path)? else {
        return Ok(());
    };
    let src_dir = if package.is_empty() {
        "src".to_owned()
    } else {
        format!("{package}/src")
    };
    let unit = path.starts_with(&format!("{src_dir}/"));
    if !cache.rust_test_cfgs.contains_key(&src_dir) {
        let hook = crate::sacred::bindings::HOOK;
        let mut read: Vec<(String, Vec<String>)> = Vec::new();
        let mut test_files: Vec<String> = Vec::new();
        let mut test_dirs: Vec<String> = Vec::new();
        for file in content.list_tree(repo, &src_dir)? {
            if Path::new(&file).extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let Some(src) = content.read(repo, &file)? else {
                continue;
            };
            if !src.contains("test") && !src.contains("debug_assertions") && !src.contains("panic")
            {
                continue;
            }
            match lang::rust_test_cfgs(&file, &src)? {
                Some((lines, modules)) => {
                    for m in modules {
                        let files = rust_module_files(&file, &m);
                        if let Some(dir) = files[1].strip_suffix("/mod.rs") {
                            test_dirs.push(format!("{dir}/"));
                        }
                        test_files.extend(files);
                    }
                    read.push((file, lines));
                }
                None => read.push((
                    file.clone(),
                    vec![format!(
                        "unparsed sha256:{}",
                        crate::sacred::analysis::sha256_hex_bytes(src.as_bytes())
                    )],
                )),
            }
        }
        let mut lines = Vec::new();
        for (file, found) in read {
            if test_files.contains(&file) || test_dirs.iter().any(|d| file.starts_with(d)) {
                continue;
            }
            lines.extend(
                found
                    .into_iter()
                    .map(|l| format!("{hook}test-cfg (in {file}): {l}")),
            );
        }
        // The trait `impl`s of the modules compiled only under test (`#[cfg(test)] mod
        // fixtures;`): in the crate a unit test is built into, a trait brought into scope
        // (`use super::*`) whose method takes `self` by value is found before the type's
        // own `&self` method, so `cart.total()` calls it with the test untouched.
        for file in content.list_tree(repo, &src_dir)? {
            if !is_rust_file(&file)
                || !(test_files.contains(&file) || test_dirs.iter().any(|d| file.starts_with(d)))
            {
                continue;
            }
            let Some(src) = content.read(repo, &file)? else {
                continue;
            };
            let declared = rust_declared_types(&src);
            let all: Vec<&str> = src.lines().collect();
            for (head, ty, inherent, text) in rust_impl_items(&all) {
                if !head.contains("impl") || inherent || (!ty.is_empty() && declared.contains(&ty))
                {
                    continue;
                }
                lines.push(format!(
                    "{hook}impl (in {file}): {head} sha256:{}",
                    analysis::sha256_hex(&text)
                ));
            }
        }
        cache.rust_test_cfgs.insert(src_dir.clone(), lines);
    }
    // An integration test is concerned only by the switches its build shares with the unit
    // tests': `debug_assertions` and `panic` (and a file that does not parse, when it
    // names one).
    let mut lines = Vec::new();
    for l in &cache.rust_test_cfgs[&src_dir] {
        let Some((head, a)) = l.split_once("): ") else {
            continue;
        };
        let switch = a.split(' ').next().unwrap_or(a);
        let kept = unit
            || switch.contains("debug_assertions")
            || switch.contains("panic")
            || (a.starts_with("unparsed ")
                && head.split_once(" (in ").is_some_and(|(_, file)| {
                    content.read(repo, file).ok().flatten().is_some_and(|src| {
                        src.contains("debug_assertions")
                            || src.contains("panic =")
                            || src.contains("panic=")
                    })
                }));
        if kept {
            lines.push(l.clone());
        }
    }
    lock_with_every_test(scan, lines);
    Ok(())
}

/// `relative` (`../macros.rs`, `macros.rs`) read from the directory `dir` (with its
/// trailing `/`, or empty).
fn relative_path(dir: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in relative.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Rust: the snapshots `insta` stores for a test file (`assert_snapshot!`,
/// `assert_debug_snapshot!`, …) in `snapshots/` beside it, named after its module and the
/// test (`tests/snapshots/render__renders.snap`, `renders-2.snap` for its second; a unit
/// test's `src/snapshots/crate__billing__renders.snap`), are its expected values, and `cargo
/// insta accept` rewrites them: each is locked with the test it is named after, and one
/// named otherwise (`assert_snapshot!("custom", …)`) with every test of the file, by its
/// digest (`hook golden (in tests/snapshots/render__renders.snap): sha256:…`). Rewriting or
/// deleting one is `rebound`; a new one is not.
fn add_insta_snapshots(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    if scan.tests.is_empty() {
        return Ok(());
    }
    let Some(src) = content.read(repo, path)? else {
        return Ok(());
    };
    if !src.contains("_snapshot!") {
        return Ok(());
    }
    let name = path.rsplit_once('/').map_or(path, |(_, n)| n);
    let stem = name.strip_suffix(".rs").unwrap_or(name);
    let dir = format!("{}snapshots", dir_prefix(path));
    let files: Vec<String> = content
        .list_dir(repo, &dir)?
        .into_iter()
        .filter(|f| {
            let n = f.rsplit_once('/').map_or(f.as_str(), |(_, n)| n);
            Path::new(n).extension().is_some_and(|e| e == "snap")
                && (n.starts_with(&format!("{stem}__")) || n.contains(&format!("__{stem}__")))
        })
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    let mut digests = Vec::new();
    for f in &files {
        if let Some(bytes) = content.read_bytes(repo, f)? {
            digests.push((f.clone(), analysis::sha256_hex_bytes(&bytes)));
        }
    }
    // The snapshot's name after the module: `renders`, `renders-2`.
    let of = |file: &str| -> String {
        let n = file.rsplit_once('/').map_or(file, |(_, n)| n);
        let n = n.strip_suffix(".snap").unwrap_or(n);
        n.rsplit("__").next().unwrap_or(n).to_owned()
    };
    // Every function of the file, its tests not locked among them (a scan builds only those
    // its caller reads).
    let test_names: Vec<String> = src
        .match_indices("fn ")
        .filter_map(|(i, _)| {
            let name: String = src[i + 3..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect();
    let named_after = |snapshot: &str, test: &str| {
        snapshot == test
            || snapshot
                .strip_prefix(test)
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
    };
    for t in &mut scan.tests {
        for (f, digest) in &digests {
            let snapshot = of(f);
            let mine = named_after(&snapshot, &t.name);
            let nobodys = !test_names.iter().any(|n| named_after(&snapshot, n));
            if mine || nobodys {
                t.envelope_bindings.push(format!(
                    "{}golden (in {f}): sha256:{digest}",
                    crate::sacred::bindings::HOOK
                ));
            }
        }
        t.envelope_bindings.sort();
    }
    Ok(())
}

/// Rust: the files a test file takes in at compile time by a literal path
/// (`include_str!("expected.txt")`, `include_bytes!`, `include!("cases.in")`, read from the
/// file's directory) hold what its tests compare with, as a Go package's `testdata` does:
/// each is locked with every test of the file by its digest (`hook golden (in
/// tests/expected.txt): sha256:…`). Rewriting one or deleting it is `rebound`. Rust code it
/// `include!`s (`macros.rs`) is read for the macros the file invokes (`hook macro (in
/// tests/macros.rs): …`).
fn add_rust_included_files(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let Some(src) = content.read(repo, path)? else {
        return Ok(());
    };
    let dir = dir_prefix(path);
    let mut lines = Vec::new();
    for mac in ["include_str!", "include_bytes!", "include!"] {
        for (i, _) in src.match_indices(mac) {
            // Not the tail of another macro's name (`my_include!`).
            if src[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            let rest = src[i + mac.len()..].trim_start();
            let Some(rest) = rest.strip_prefix('(').map(str::trim_start) else {
                continue;
            };
            let Some(literal) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) else {
                continue;
            };
            let file = relative_path(dir, literal);
            // Rust code (`include!("macros.rs")`): the macros it defines that the file
            // invokes are in scope, as a declaring file's are (see `add_rust_declarations`).
            #[cfg(feature = "lang-rust")]
            if mac == "include!" && Path::new(&file).extension().is_some_and(|e| e == "rs") {
                if let Some(text) = content.read(repo, &file)? {
                    let invoked = rust_invoked_macros(&src);
                    for (name, definition) in lang::rust_macros(&file, &text)? {
                        if invoked.contains(name.as_str()) {
                            lines.push(format!(
                                "{}macro (in {file}): {definition}",
                                crate::sacred::bindings::HOOK
                            ));
                        }
                    }
                }
                continue;
            }
            lines.extend(golden_line(repo, content, &file)?);
        }
    }
    lock_with_every_test(scan, lines);
    Ok(())
}

/// Rust: where the crates that give a test file its assertions (`use
/// pretty_assertions::assert_eq`, `insta::assert_snapshot!`, `proptest::prop_assert!`) or its
/// test attribute (`#[tokio::test]`, `#[rstest]`) come from, when not from the registry: their
/// entry in a dependency table of the package's `Cargo.toml` or of its workspace's
/// (`[workspace.dependencies]`) given as a path, a git repository, another registry or
/// another package's name, and their `[patch.…]` and `[replace]` entries, as written (`hook
/// dependency (in Cargo.toml): [dev-dependencies] ; pretty_assertions = { path = "fake" }`).
/// A version bump passes; a fake assertion crate does not.
fn add_rust_assertion_sources(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let Some(src) = content.read(repo, path)? else {
        return Ok(());
    };
    let crates = rust_assertion_crates(&src);
    if crates.is_empty() {
        return Ok(());
    }
    let Some((package, file, manifest)) = cargo_package(repo, content, path)? else {
        return Ok(());
    };
    let mut manifests = vec![(file, manifest)];
    // The workspace's manifest: the nearest one above that has a `[workspace]` table.
    let mut at = package;
    while !at.is_empty() {
        at = at
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_owned());
        let file = if at.is_empty() {
            "Cargo.toml".to_owned()
        } else {
            format!("{at}/Cargo.toml")
        };
        if let Some(text) = content.read(repo, &file)?
            && toml_tables(&text).iter().any(|(h, _)| h == "[workspace]")
        {
            manifests.push((file, text));
            break;
        }
    }
    let hook = crate::sacred::bindings::HOOK;
    let mut lines = Vec::new();
    for (file, text) in &manifests {
        for (header, body) in toml_tables(text) {
            let table = header.trim_matches(|c| c == '[' || c == ']');
            let deps = table.ends_with("dependencies")
                || table.starts_with("patch.")
                || table == "replace";
            // `[dev-dependencies.pretty_assertions]`: the table is the entry.
            if let Some((head, name)) = table.rsplit_once('.')
                && head.ends_with("dependencies")
                && crates.contains(name.trim_matches('"'))
            {
                let from_elsewhere = body.iter().any(|l| {
                    let key = l.split('=').next().unwrap_or("").trim();
                    matches!(key, "path" | "git" | "registry" | "package" | "workspace")
                });
                if from_elsewhere {
                    lines.push(format!(
                        "{hook}dependency (in {file}): {header} ; {}",
                        body.join(" ; ")
                    ));
                }
                continue;
            }
            if !deps {
                continue;
            }
            for entry in &body {
                let Some((key, value)) = entry.split_once('=') else {
                    continue;
                };
                let key = key.trim().trim_matches('"');
                // `pretty_assertions`, or `pretty_assertions:1.0.0` in `[replace]`.
                let name = key.split(':').next().unwrap_or(key);
                let value = value.trim();
                let registry = value.starts_with('"')
                    || (value.starts_with('{')
                        && !["path", "git", "registry", "package", "workspace"]
                            .iter()
                            .any(|k| {
                                value.contains(&format!("{k} ")) || value.contains(&format!("{k}="))
                            }));
                if crates.contains(name)
                    && (!registry || table.starts_with("patch.") || table == "replace")
                {
                    lines.push(format!("{hook}dependency (in {file}): {header} ; {entry}"));
                }
            }
        }
    }
    lock_with_every_test(scan, lines);
    Ok(())
}

/// The crates a Rust source takes assertion macros (`pretty_assertions::assert_eq`,
/// `prop_assert!` from `proptest`) or a test attribute (`#[tokio::test]`, `#[rstest]`,
/// `#[test_case(…)]`) from, by their name in `Cargo.toml` (`-` for `_` is left to the
/// caller's lookup: both spellings are returned).
fn rust_assertion_crates(src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |name: &str| {
        if !matches!(
            name,
            "" | "std" | "core" | "alloc" | "crate" | "self" | "super"
        ) {
            out.insert(name.to_owned());
            out.insert(name.replace('_', "-"));
        }
    };
    for (i, _) in src.match_indices("::") {
        let after = &src[i + 2..];
        let item: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '{')
            .collect();
        let item = item.trim_start_matches('{');
        let before = &src[..i];
        let start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |j| j + 1);
        let path = &src[start..i];
        let first = path.split("::").next().unwrap_or(path);
        let assertion = item.starts_with("assert") || item.starts_with("prop_assert");
        let attribute = item == "test" && src[..start].ends_with("#[");
        // `use pretty_assertions::{assert_eq, assert_ne};`
        let list = after.starts_with('{')
            && after
                .split('}')
                .next()
                .is_some_and(|l| l.contains("assert"));
        if assertion || attribute || list {
            add(first);
        }
    }
    for attr in ["#[rstest", "#[test_case"] {
        if src.contains(attr) {
            add(attr.trim_start_matches("#["));
        }
    }
    if src.contains("proptest!") {
        add("proptest");
    }
    out
}

/// The names of the macros a Rust source invokes (`NAME!(`, `NAME! {`, `NAME![`).
#[cfg(feature = "lang-rust")]
fn rust_invoked_macros(src: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    for (i, _) in src.match_indices('!') {
        let before = &src[..i];
        let start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |j| j + 1);
        let after = src[i + 1..].trim_start();
        if start < i && (after.starts_with('(') || after.starts_with('{') || after.starts_with('['))
        {
            out.insert(&src[start..i]);
        }
    }
    out
}

/// The files a module `module` declared in the Rust file `parent` may be in: beside it when
/// `parent` is a `mod.rs`, `lib.rs` or `main.rs`, else in the directory named after it.
#[cfg(feature = "lang-rust")]
fn rust_module_files(parent: &str, module: &str) -> [String; 2] {
    let (dir, name) = parent.rsplit_once('/').unwrap_or(("", parent));
    let stem = name.strip_suffix(".rs").unwrap_or(name);
    let base = match (dir, stem) {
        (d, "mod" | "lib" | "main") => d.to_owned(),
        ("", s) => s.to_owned(),
        (d, s) => format!("{d}/{s}"),
    };
    let join = |p: &str| {
        if base.is_empty() {
            p.to_owned()
        } else {
            format!("{base}/{p}")
        }
    };
    [
        join(&format!("{module}.rs")),
        join(&format!("{module}/mod.rs")),
    ]
}

/// The files that declare the Rust module file `file`, each with its declaration:
/// `tests/it/billing.rs` is declared by `mod billing;` in `tests/it/main.rs`, `mod.rs` or
/// `lib.rs` beside it, in `tests/it.rs`, or in a crate root beside it (`tests/default.rs`);
/// `billing/mod.rs` likewise one directory up. None when no such file declares it (a
/// `#[path]` module, or a file not compiled at all).
#[cfg(feature = "lang-rust")]
fn rust_declared_by(
    repo: &Repo,
    content: &Content<'_>,
    file: &str,
    package: &str,
    manifest: &str,
    cache: &mut Surroundings,
) -> Result<Vec<(String, lang::RustDeclaration)>> {
    let (dir, name) = file.rsplit_once('/').unwrap_or(("", file));
    let stem = name.strip_suffix(".rs").unwrap_or(name);
    let (module, parent_dir) = if stem == "mod" {
        let (up, last) = dir.rsplit_once('/').unwrap_or(("", dir));
        (last, up)
    } else {
        (stem, dir)
    };
    if module.is_empty() {
        return Ok(Vec::new());
    }
    // The files whose module directory is `parent_dir` declare it at their top level; an
    // ancestor's, inside inline modules named as the directories between (`mod outer {
    // mod tests; }` in `src/lib.rs` compiles `src/outer/tests.rs`).
    let parts: Vec<&str> = parent_dir.split('/').filter(|p| !p.is_empty()).collect();
    let mut found = Vec::new();
    for depth in 0..=parts.len() {
        let (up, inline) = parts.split_at(parts.len() - depth);
        let dir = up.join("/");
        let in_dir = |n: &str| {
            if dir.is_empty() {
                n.to_owned()
            } else {
                format!("{dir}/{n}")
            }
        };
        let mut candidates = vec![in_dir("mod.rs"), in_dir("main.rs"), in_dir("lib.rs")];
        if !dir.is_empty() {
            candidates.push(format!("{dir}.rs"));
        }
        for sibling in content.list_dir(repo, &dir)? {
            let relative = if package.is_empty() {
                sibling.as_str()
            } else {
                sibling
                    .strip_prefix(&format!("{package}/"))
                    .unwrap_or(&sibling)
            };
            if Path::new(&sibling).extension().is_some_and(|e| e == "rs")
                && rust_crate_root(relative, manifest)
            {
                candidates.push(sibling);
            }
        }
        candidates.sort();
        candidates.dedup();
        for c in candidates {
            if c == file {
                continue;
            }
            found.extend(
                rust_declarations_of(repo, content, &c, cache)?
                    .iter()
                    .filter(|(n, d)| {
                        n == module
                            && rust_path_attribute(&d.own).is_none()
                            && d.inline
                                .iter()
                                .flat_map(|i| i.split('/'))
                                .filter(|i| !i.is_empty() && *i != ".")
                                .eq(inline.iter().copied())
                    })
                    .map(|(_, d)| (c.clone(), d.clone())),
            );
        }
    }
    if found.is_empty() {
        found = rust_declared_by_path(repo, content, file, package, manifest, cache)?;
    }
    Ok(found)
}

/// The files of the package `package` that declare the Rust file `file` through a
/// `#[path = "…"]` attribute (relative to the declaring file's directory), each with its
/// declaration. Read only for a file no declaration by its name compiles.
#[cfg(feature = "lang-rust")]
fn rust_declared_by_path(
    repo: &Repo,
    content: &Content<'_>,
    file: &str,
    package: &str,
    manifest: &str,
    cache: &mut Surroundings,
) -> Result<Vec<(String, lang::RustDeclaration)>> {
    let name = file.rsplit('/').next().unwrap_or(file);
    let mut found = Vec::new();
    for c in content.list_tree(repo, package)? {
        if c == file || Path::new(&c).extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = if package.is_empty() {
            c.as_str()
        } else {
            c.strip_prefix(&format!("{package}/")).unwrap_or(&c)
        };
        let root = rust_crate_root(relative, manifest);
        found.extend(
            rust_declarations_of(repo, content, &c, cache)?
                .iter()
                .filter(|(_, d)| {
                    rust_path_attribute(&d.own).is_some_and(|p| {
                        p.ends_with(name) && relative_path(&rust_path_base(&c, root, d), p) == file
                    })
                })
                .map(|(_, d)| (c.clone(), d.clone())),
        );
    }
    Ok(found)
}

/// The module declarations of the Rust file `file` (see [`lang::rust_declarations`]), read
/// once per command.
#[cfg(feature = "lang-rust")]
fn rust_declarations_of<'c>(
    repo: &Repo,
    content: &Content<'_>,
    file: &str,
    cache: &'c mut Surroundings,
) -> Result<&'c [(String, lang::RustDeclaration)]> {
    if !cache.rust_declarations.contains_key(file) {
        let declared = match content.read(repo, file)? {
            Some(src) if src.contains("mod ") => lang::rust_declarations(file, &src)?,
            _ => Vec::new(),
        };
        cache.rust_declarations.insert(file.to_owned(), declared);
    }
    Ok(&cache.rust_declarations[file])
}

/// The directory (with its trailing `/`, or empty) a `#[path = "…"]` of the declaration `d`
/// of the file `declaring` is read from: the file's own directory at its top level; inside
/// inline modules, that directory and theirs, after the file's own name for a file that is
/// no crate root nor `mod.rs` (`src/billing.rs`: `src/billing/outer/`).
fn rust_path_base(declaring: &str, crate_root: bool, d: &lang::RustDeclaration) -> String {
    let mut base = dir_prefix(declaring).to_owned();
    if d.inline.is_empty() {
        return base;
    }
    let name = declaring.rsplit('/').next().unwrap_or(declaring);
    let stem = name.strip_suffix(".rs").unwrap_or(name);
    if !crate_root && stem != "mod" {
        base.push_str(stem);
        base.push('/');
    }
    for i in &d.inline {
        base.push_str(i.trim_matches('/'));
        base.push('/');
    }
    base
}

/// The path a Rust module declaration's `#[path = "…"]` names, as written.
fn rust_path_attribute(declaration: &str) -> Option<&str> {
    let at = declaration.find("#[path=")?;
    declaration[at + "#[path=".len()..].split('"').nth(1)
}

/// A TOML file's tables, each header (`[features]`, `[[test]]`) with its lines (without
/// comments or blank lines), in order.
fn toml_tables(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for raw in text.lines() {
        let t = raw.split(" #").next().unwrap_or(raw).trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('[') && !t.starts_with("[\"") && (t.ends_with(']')) && !t.contains('=') {
            out.push((t.to_owned(), Vec::new()));
            continue;
        }
        if let Some((_, body)) = out.last_mut() {
            body.push(t.to_owned());
        }
    }
    out
}

/// A `[features]` table's features, each with what it turns on (the local features among
/// them: `dep:x`, `x/y` and `x?/y` are dependencies').
fn feature_table(body: &[String]) -> BTreeMap<String, Vec<String>> {
    let joined = body.join(" ");
    let mut out = BTreeMap::new();
    let mut rest = joined.as_str();
    while let Some((key, after)) = rest.split_once('=') {
        let key = key.trim().trim_matches('"').to_owned();
        let Some(open) = after.find('[') else {
            break;
        };
        let Some(close) = after[open..].find(']') else {
            break;
        };
        let list = &after[open + 1..open + close];
        let items: Vec<String> = list
            .split(',')
            .map(|i| i.trim().trim_matches('"').to_owned())
            .filter(|i| !i.is_empty() && !i.contains('/') && !i.contains(':'))
            .collect();
        out.insert(key, items);
        rest = &after[open + close + 1..];
    }
    out
}

/// The features the default features turn on, transitively.
fn default_features(features: &BTreeMap<String, Vec<String>>) -> BTreeSet<String> {
    let mut on: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<String> = features.get("default").cloned().unwrap_or_default();
    while let Some(f) = queue.pop() {
        if on.insert(f.clone()) {
            queue.extend(features.get(&f).cloned().unwrap_or_default());
        }
    }
    on
}

/// The pytest sections of a configuration file named `name`, each as its header and its
/// lines (trimmed, without comments or blank lines) joined by ` ; `: all of `pytest.ini`
/// (`[pytest]`), `[tool.pytest.ini_options]` and `[tool.pytest]` of `pyproject.toml`,
/// `[pytest]` of `tox.ini`, `[tool:pytest]` of `setup.cfg`. A TOML header is read as TOML
/// reads it (`[ tool."pytest".ini_options ]` is `[tool.pytest.ini_options]`). pytest takes
/// `pytest.toml`, `.pytest.toml`, `pytest.ini` and `.pytest.ini` over every other file even
/// when they hold nothing of its own, so each is locked as present (`(present)`), and the
/// TOML ones whole. Where a `pyproject.toml` spells pytest's table another way than by
/// headers (a dotted key under `[tool]`, an inline table), its `tool.pytest` as TOML reads
/// it is one more line.
fn pytest_sections(name: &str, text: &str) -> Vec<String> {
    if matches!(name, "pytest.toml" | ".pytest.toml") {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|t| !t.is_empty() && !t.starts_with('#'))
            .collect();
        return vec![format!("(present) ; {}", lines.join(" ; "))];
    }
    let wanted = |header: &str| match name {
        "pytest.ini" | ".pytest.ini" | "tox.ini" => header == "[pytest]",
        "pyproject.toml" => {
            header == "[tool.pytest.ini_options]"
                || header == "[tool.pytest]"
                || header.starts_with("[tool.pytest.")
        }
        "setup.cfg" => header == "[tool:pytest]",
        _ => false,
    };
    let mut out = Vec::new();
    if matches!(name, "pytest.ini" | ".pytest.ini") {
        out.push("(present)".to_owned());
    }
    let mut current: Option<Vec<String>> = None;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') {
            out.extend(current.take().map(|c| c.join(" ; ")));
            // iniconfig, which pytest reads INI files with, cuts a header at its first `#`
            // or `;` (`[pytest] ; shared settings` is the pytest section); TOML only at `#`.
            let comment: &[char] = if name == "pyproject.toml" {
                &['#']
            } else {
                &['#', ';']
            };
            let header = t.split(comment).next().unwrap_or(t).trim();
            let header = if name == "pyproject.toml" {
                toml_header(header)
            } else {
                header.to_owned()
            };
            if wanted(&header) {
                current = Some(vec![header]);
            }
            continue;
        }
        if let Some(c) = current.as_mut() {
            c.push(t.to_owned());
        }
    }
    out.extend(current.take().map(|c| c.join(" ; ")));
    if name == "pyproject.toml" {
        out.extend(pyproject_pytest_unread(text, &out));
    }
    out
}

/// A TOML table header as its keys read (`[ tool . "pytest" ]` → `[tool.pytest]`); an array
/// of tables (`[[…]]`) or a header that is not one as written.
fn toml_header(header: &str) -> String {
    let Some(inner) = header
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .filter(|h| !h.starts_with('[') && !h.ends_with(']'))
    else {
        return header.to_owned();
    };
    let Ok(table) = format!("[{inner}]\n").parse::<toml::Table>() else {
        return header.to_owned();
    };
    let mut keys = Vec::new();
    let mut at = &table;
    while let Some((k, v)) = at.iter().next() {
        keys.push(k.clone());
        match v.as_table() {
            Some(t) if !t.is_empty() => at = t,
            _ => break,
        }
    }
    let plain = |k: &String| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if keys.iter().all(plain) {
        format!("[{}]", keys.join("."))
    } else {
        header.to_owned()
    }
}

/// `tool.pytest` of a `pyproject.toml` as TOML reads it (`[tool.pytest] (as read) ; {…}`),
/// when the sections read by their headers (`sections`) do not hold every key of it: a
/// dotted key `pytest.ini_options.addopts = …` under `[tool]`, an inline table. A file TOML
/// cannot read gives nothing more (pytest cannot read it either).
fn pyproject_pytest_unread(text: &str, sections: &[String]) -> Option<String> {
    let table: toml::Table = text.parse().ok()?;
    let pytest = table.get("tool")?.as_table()?.get("pytest")?;
    let mut keys = BTreeSet::new();
    let mut stack = vec![(String::new(), pytest)];
    while let Some((path, v)) = stack.pop() {
        match v.as_table() {
            Some(t) => {
                for (k, v) in t {
                    let key = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    stack.push((key, v));
                }
            }
            None => {
                keys.insert(path);
            }
        }
    }
    let mut read = BTreeSet::new();
    for section in sections {
        let mut lines = section.split(" ; ");
        let header = lines.next().unwrap_or("");
        let prefix = header
            .strip_prefix("[tool.pytest")
            .and_then(|h| h.strip_suffix(']'))
            .map(|h| h.trim_start_matches('.'));
        let Some(prefix) = prefix else {
            continue;
        };
        for line in lines {
            if let Some((k, _)) = line.split_once('=') {
                let k: String = k
                    .trim()
                    .split('.')
                    .map(|p| p.trim().trim_matches('"'))
                    .collect::<Vec<_>>()
                    .join(".");
                read.insert(if prefix.is_empty() {
                    k
                } else {
                    format!("{prefix}.{k}")
                });
            }
        }
    }
    keys.iter().any(|k| !read.contains(k)).then(|| {
        format!(
            "[tool.pytest] (as read) ; {}",
            serde_json::to_string(pytest).unwrap_or_default()
        )
    })
}

/// Whether a file name is one a JavaScript test runner reads its configuration from:
/// `package.json` (its `ava`, `jest`, `mocha` keys), `ava.config.js`, `jest.config.ts`,
/// `vitest.config.mts`, `vite.config.ts` (Vitest reads its `test` key), `vitest.workspace.ts`,
/// `.mocharc.yml`, and the like; and the transformer's (`babel.config.js`, `.babelrc`,
/// `.swcrc`).
fn is_js_runner_config(name: &str) -> bool {
    // Jest transforms the tests with Babel (babel-jest) when a Babel configuration is
    // there, or with SWC: a plugin of theirs rewrites the test's code.
    if matches!(name, "package.json" | ".babelrc" | ".swcrc") {
        return true;
    }
    let stem_ext = |stem: &str| {
        name.strip_prefix(stem).is_some_and(|rest| {
            matches!(
                rest,
                ".js"
                    | ".cjs"
                    | ".mjs"
                    | ".ts"
                    | ".cts"
                    | ".mts"
                    | ".json"
                    | ".yml"
                    | ".yaml"
                    | ".jsonc"
            )
        })
    };
    [
        "ava.config",
        "jest.config",
        "vitest.config",
        "vite.config",
        "vitest.workspace",
        "vitest.projects",
        ".mocharc",
        "babel.config",
        ".babelrc",
    ]
    .iter()
    .any(|s| stem_ext(s))
}

/// What configures the runner of the JavaScript/TypeScript tests of `dir`, each as a line
/// locked with every test there: the runner's key of the nearest `package.json` above them
/// (`hook runner config (in package.json): ava={…}`), each runner configuration file beside
/// it by digest (`hook runner config (in vitest.config.ts): sha256:…`), and each file of the
/// repository those name, by digest (`hook runner setup (in test/_require.js): sha256:…`): a
/// setup file, a `--import=./x.js`, a module mapped in place of another runs before or
/// instead of what the tests import, and `exclude` or `testPathIgnorePatterns` can drop them.
/// What the modules such a file loads patch at their top is locked too (`hook imported code
/// patches (in tests/support/matchers.js): …`, see [`imported_code_patches`]).
fn js_runner_lines(repo: &Repo, content: &Content<'_>, dir: &str) -> Result<Vec<String>> {
    let hook = crate::sacred::bindings::HOOK;
    let join = |d: &str, f: &str| {
        if d.is_empty() {
            f.to_owned()
        } else {
            format!("{d}/{f}")
        }
    };
    // The nearest directory at or above the tests that holds a `package.json`.
    let mut at = dir.to_owned();
    let (pkg_dir, package) = loop {
        if let Some(text) = content.read(repo, &join(&at, "package.json"))? {
            break (at, Some(text));
        }
        if at.is_empty() {
            break (String::new(), None);
        }
        at = at
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_owned());
    };
    let mut out = Vec::new();
    let mut named: Vec<String> = Vec::new();
    // The string literals of the JavaScript configuration files beside `package.json`.
    let mut js_config_strings: Vec<String> = Vec::new();
    if let Some(text) = &package {
        let file = join(&pkg_dir, "package.json");
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) => {
                for key in ["ava", "jest", "mocha"] {
                    if let Some(v) = value.get(key) {
                        json_strings(v, &mut named);
                        let read = runner_config_read(v, key, &|s: &str| {
                            runner_file(repo, content, &pkg_dir, s).map(|f| f.is_some())
                        })?;
                        out.push(format!("{hook}runner config (in {file}): {key}={read}"));
                    }
                }
                out.extend(
                    js_test_dependency_sources(&value)
                        .into_iter()
                        .map(|l| format!("{hook}dependency (in {file}): {l}")),
                );
                // Babel's configuration there transforms the tests (babel-jest).
                if let Some(babel) = value.get("babel") {
                    out.push(format!("{hook}runner config (in {file}): babel={babel}"));
                }
                // Subpath imports (`#billing`) resolve through it.
                if let Some(imports) = value.get("imports") {
                    out.push(format!("{hook}resolution (in {file}): imports={imports}"));
                }
            }
            // Unreadable: any change to it may change the runner's configuration.
            Err(_) => out.push(format!(
                "{hook}runner config (in {file}): sha256:{}",
                analysis::sha256_hex(text)
            )),
        }
    }
    // Babel applies a `.babelrc` of the tests' directory or any one up to the package's
    // (file-relative configuration): its plugins rewrite the tests.
    let mut below = dir.to_owned();
    while below != pkg_dir && below.starts_with(&pkg_dir) {
        for file in content.list_dir(repo, &below)? {
            let name = file.rsplit_once('/').map_or(file.as_str(), |(_, n)| n);
            if (name == ".babelrc" || name.starts_with(".babelrc."))
                && let Some(text) = content.read(repo, &file)?
            {
                out.push(format!(
                    "{hook}runner config (in {file}): sha256:{}",
                    analysis::sha256_hex(&text)
                ));
            }
        }
        if below.is_empty() {
            break;
        }
        below = below
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_owned());
    }
    // A workspace's root (or any directory above the package) may configure the runner too:
    // Jest's and Vitest's projects and workspaces run from there, and a project-wide
    // `babel.config.js` transforms every package. Its runner keys and configuration files
    // are locked apart (`hook runner config above (in …)`).
    let mut up = pkg_dir.clone();
    while !up.is_empty() {
        up = up
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_owned());
        for file in content.list_dir(repo, &up)? {
            let name = file.rsplit_once('/').map_or(file.as_str(), |(_, n)| n);
            if !is_js_runner_config(name) {
                continue;
            }
            let Some(text) = content.read(repo, &file)? else {
                continue;
            };
            if name == "package.json" {
                let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
                    continue;
                };
                for key in ["ava", "jest", "mocha"] {
                    if let Some(v) = value.get(key) {
                        out.push(format!("{hook}runner config above (in {file}): {key}={v}"));
                    }
                }
                // A workspace root's dependencies are installed for every package.
                out.extend(
                    js_test_dependency_sources(&value)
                        .into_iter()
                        .map(|l| format!("{hook}runner config above (in {file}): dependency {l}")),
                );
                continue;
            }
            out.push(format!(
                "{hook}runner config above (in {file}): sha256:{}",
                analysis::sha256_hex(&text)
            ));
        }
    }
    for file in content.list_dir(repo, &pkg_dir)? {
        let name = file.rsplit_once('/').map_or(file.as_str(), |(_, n)| n);
        if name == "package.json" || !is_js_runner_config(name) {
            continue;
        }
        let Some(text) = content.read(repo, &file)? else {
            continue;
        };
        out.push(format!(
            "{hook}runner config (in {file}): sha256:{}",
            analysis::sha256_hex(&text)
        ));
        // Its string literals, some of which name files.
        for (i, part) in text.split(['"', '\'', '`']).enumerate() {
            if i % 2 == 1 && part.len() < 300 {
                named.push(part.to_owned());
                if !std::path::Path::new(name)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
                {
                    js_config_strings.push(part.to_owned());
                }
            }
        }
    }
    out.extend(tsconfig_resolution(repo, content, dir)?);
    for name in [
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
    ] {
        if let Some((_, file, text)) = nearest_file(repo, content, &pkg_dir, name)? {
            out.extend(
                js_lockfile_origins(name, &text)
                    .into_iter()
                    .map(|l| format!("{hook}dependency (in {file}): {l}")),
            );
        }
    }
    // npm hands `.npmrc`'s `node-options` to every node process of a script it runs
    // (`node-options=--require ./tests/patch.js` runs that file in every test worker), and
    // its `registry` decides where the runner and assertion packages "from the registry"
    // come from.
    for d in dirs_up(&pkg_dir) {
        let file = join(d, ".npmrc");
        if let Some(text) = content.read(repo, &file)? {
            for line in text.lines() {
                let l = line.trim();
                let key = l
                    .split(['=', ' '])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if key == "node-options" || key.ends_with("registry") {
                    out.push(format!("{hook}runner config (in {file}): {l}"));
                }
            }
        }
    }
    // Jest applies the mocks of `__mocks__` beside `package.json` to the node modules they
    // name without any `jest.mock` call, and takes a module it finds by a bare name
    // (`moduleDirectories: ["node_modules", "src"]`) for a node module: the mocks of every
    // `__mocks__` directory below the package (a scoped `@shop/billing.js` in a
    // subdirectory of one included) are locked.
    for f in content.list_tree(repo, &pkg_dir)? {
        let inside_mocks = f.starts_with("__mocks__/") || f.contains("/__mocks__/");
        let installed = f.starts_with("node_modules/") || f.contains("/node_modules/");
        if inside_mocks
            && !installed
            && let Some(text) = content.read(repo, &f)?
        {
            out.push(format!(
                "{hook}runner setup (in {f}): sha256:{}",
                analysis::sha256_hex(&text)
            ));
        }
    }
    // With `roots` (`["<rootDir>/src"]`), Jest takes them from `__mocks__` directly under each
    // root instead.
    let mut roots: Vec<String> = named
        .iter()
        .filter_map(|n| n.strip_prefix("<rootDir>"))
        .map(|r| relative_path(&format!("{pkg_dir}/"), r.trim_start_matches('/')))
        .filter(|r| *r != pkg_dir)
        .collect();
    // `roots` written without `<rootDir>` (`"roots": ["src"]`), in `package.json`'s `jest` key
    // or a `jest.config.json`: relative to that directory.
    let jest_json = content
        .read(repo, &join(&pkg_dir, "jest.config.json"))?
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    let package_jest = package
        .as_deref()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .and_then(|v| v.get("jest").cloned());
    for config in [jest_json, package_jest].into_iter().flatten() {
        let listed = config.get("roots").and_then(|r| r.as_array()).cloned();
        for root in listed.unwrap_or_default() {
            if let Some(r) = root.as_str().filter(|r| !r.starts_with("<rootDir>")) {
                let at = relative_path(&format!("{pkg_dir}/"), r);
                if at != pkg_dir {
                    roots.push(at);
                }
            }
        }
    }
    // In a JavaScript configuration `roots` may be written without `<rootDir>` (`roots:
    // ['src']`, relative to its directory) or built: every string literal of it that names a
    // directory below the package is taken for a root (only a `__mocks__` there is read).
    for literal in &js_config_strings {
        let r = literal.trim_start_matches("./").trim_end_matches('/');
        if r.is_empty()
            || r.starts_with(['/', '<', '.'])
            || r.contains(|c: char| c.is_whitespace() || "*?[]{}()!$^|\\:".contains(c))
        {
            continue;
        }
        let at = relative_path(&format!("{pkg_dir}/"), r);
        if at != pkg_dir {
            roots.push(at);
        }
    }
    roots.sort();
    roots.dedup();
    for root in roots.iter().filter(|r| !below_dir(r, &pkg_dir)) {
        for f in content.list_dir(repo, &join(root, "__mocks__"))? {
            if let Some(text) = content.read(repo, &f)? {
                out.push(format!(
                    "{hook}runner setup (in {f}): sha256:{}",
                    analysis::sha256_hex(&text)
                ));
            }
        }
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    // What a configuration names, and what a data file it loads names in turn.
    while let Some(n) = named.pop() {
        if let Some((c, text)) = runner_data_file(repo, content, &pkg_dir, &n)? {
            if seen.insert(c.clone()) {
                out.push(format!(
                    "{hook}runner config (in {c}): sha256:{}",
                    analysis::sha256_hex(&text)
                ));
                if let Ok(value) =
                    serde_json::from_str::<serde_json::Value>(&json_without_comments(&text))
                {
                    json_strings(&value, &mut named);
                }
            }
            continue;
        }
        if let Some((c, text)) = runner_file(repo, content, &pkg_dir, &n)?
            && seen.insert(c.clone())
        {
            out.push(format!(
                "{hook}runner setup (in {c}): sha256:{}",
                analysis::sha256_hex(&text)
            ));
            // What the modules it loads (and those they load in turn) install at their top:
            // a setup file that only does `require('./support/matchers')` hands every test
            // the matchers `expect.extend` installs there.
            let loaded = lang::loaded_modules(&c, &text)?.unwrap_or_default();
            out.extend(imported_code_patches(
                repo,
                content,
                &c,
                loaded,
                lang::js_global_patches,
                &mut Surroundings::default(),
            )?);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// What of the nearest `tsconfig.json` at or above `dir` decides which file an import names
/// (`baseUrl`, `paths`, `rootDirs`: `@/billing` → `src/billing.ts`, as `tsx`, `ts-node`,
/// Vitest's and Jest's path plugins resolve it), as `hook resolution (in tsconfig.json): …`;
/// a file that does not read as JSON (with comments and trailing commas) by its digest. A file
/// it `extends` by a path (`./tsconfig.base.json`, also one of a list) gives those options
/// too, unless overridden, so each file of the chain has its own line, and `extends` one more
/// as written (a package it names is installed, and only named); a file named that does not
/// exist is `absent`, so that adding it is a change.
fn tsconfig_resolution(repo: &Repo, content: &Content<'_>, dir: &str) -> Result<Vec<String>> {
    let hook = crate::sacred::bindings::HOOK;
    let Some((_, first, text)) = nearest_file(repo, content, dir, "tsconfig.json")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut queue = vec![(first, Some(text))];
    while let Some((file, text)) = queue.pop() {
        if !seen.insert(file.clone()) || seen.len() > 16 {
            continue;
        }
        let Some(text) = text else {
            out.push(format!("{hook}resolution (in {file}): absent"));
            continue;
        };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&json_without_comments(&text))
        else {
            out.push(format!(
                "{hook}resolution (in {file}): sha256:{}",
                analysis::sha256_hex(&text)
            ));
            continue;
        };
        let options = value.get("compilerOptions");
        let picked: serde_json::Map<String, serde_json::Value> = ["baseUrl", "paths", "rootDirs"]
            .iter()
            .filter_map(|k| {
                options
                    .and_then(|o| o.get(*k))
                    .map(|v| ((*k).to_owned(), v.clone()))
            })
            .collect();
        if let Some(extends) = value.get("extends") {
            out.push(format!("{hook}resolution (in {file}): extends {extends}"));
            let named: Vec<&str> = match extends {
                serde_json::Value::String(one) => vec![one.as_str()],
                serde_json::Value::Array(list) => {
                    list.iter().filter_map(serde_json::Value::as_str).collect()
                }
                _ => Vec::new(),
            };
            for spec in named.into_iter().filter(|n| n.starts_with('.')) {
                let mut path = relative_path(dir_prefix(&file), spec);
                if !std::path::Path::new(&path)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
                {
                    path.push_str(".json");
                }
                let text = content.read(repo, &path)?;
                queue.push((path, text));
            }
        }
        if !picked.is_empty() {
            out.push(format!(
                "{hook}resolution (in {file}): {}",
                serde_json::Value::Object(picked)
            ));
        }
    }
    Ok(out)
}

/// JSON with comments (`//`, `/* */`) and trailing commas, as `tsconfig.json` allows, made
/// plain JSON.
fn json_without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                out.extend(chars.next());
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for n in chars.by_ref() {
                    if last == '*' && n == '/' {
                        break;
                    }
                    last = n;
                }
            }
            _ => out.push(c),
        }
    }
    // Trailing commas: `,` followed (past blanks) by `}` or `]`.
    let mut cleaned = String::with_capacity(out.len());
    let bytes: Vec<char> = out.chars().collect();
    let mut in_string = false;
    for (i, c) in bytes.iter().enumerate() {
        if in_string {
            cleaned.push(*c);
            if *c == '\\' {
                continue;
            }
            if *c == '"' && (i == 0 || bytes[i - 1] != '\\') {
                in_string = false;
            }
            continue;
        }
        if *c == '"' {
            in_string = true;
        }
        if *c == ','
            && bytes[i + 1..]
                .iter()
                .find(|n| !n.is_whitespace())
                .is_some_and(|n| *n == '}' || *n == ']')
        {
            continue;
        }
        cleaned.push(*c);
    }
    cleaned
}

/// JavaScript/TypeScript: what a module a test file imports by a relative path (the code
/// under test included) does at its top to the builtins and runner globals its assertions
/// run through (`expect.extend({toBe: …})`, `Object.is = …`: see
/// `import_hazards::js_global_patches`), locked with every test of the file (`hook imported
/// code patches (in lib/config.js): …`); the modules those load in turn by a relative
/// specifier too (see [`imported_code_patches`]).
fn add_js_imported_global_patches(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    siblings: &mut Surroundings,
) -> Result<()> {
    // Those the file loads for their effects alone (`require('./matchers.js')`, `import
    // './setup.js'`) too: the statement is locked as written, what the module installs is
    // read here.
    let mut modules = js_import_specifiers(scan);
    if let Some(src) = content.read(repo, path)? {
        for m in lang::loaded_modules(path, &src)?.unwrap_or_default() {
            if !modules.contains(&m) {
                modules.push(m);
            }
        }
    }
    let lines = imported_code_patches(
        repo,
        content,
        path,
        modules,
        lang::js_global_patches,
        siblings,
    )?;
    lock_with_every_test(scan, lines);
    Ok(())
}

/// JavaScript/TypeScript: the `test` (or `it`, `describe`, any name a test's envelope reads)
/// a test file imports by a relative path from a module of its own (`import { test } from
/// '../support/test'`) is defined there: `base.extend({ items: … })` whose fixture sets
/// `task.fails`, or `base.extend(…).fails`, turns every failing test registered with it
/// into a pass. Its definition there, with the module's other bindings it names in turn
/// (`const fixtures = {…}`, the import of `base`), is locked as written with each test
/// whose envelope reads it (`defined test (in tests/support/test.ts): …`).
fn add_js_imported_envelope_definitions(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let mut read: BTreeMap<String, Option<Vec<crate::sacred::bindings::Binding>>> = BTreeMap::new();
    let mut per_alias: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for b in &scan.module_bindings {
        let Some(Imported::Name {
            module,
            name,
            alias,
        }) = import_of(&b.text)
        else {
            continue;
        };
        if !scan.tests.iter().any(|t| t.envelope_used.contains(&alias)) {
            continue;
        }
        let mut file = None;
        for c in import_candidates(path, &module) {
            if c != path && content.read_bytes(repo, &c)?.is_some() {
                file = Some(c);
                break;
            }
        }
        let Some(file) = file else {
            continue;
        };
        if !read.contains_key(&file) {
            let bindings = match content.read(repo, &file)? {
                Some(src) => lang::js_module_bindings(&file, &src)?,
                None => None,
            };
            read.insert(file.clone(), bindings);
        }
        let lines = match &read[&file] {
            Some(bindings) => {
                // The binding of `name`, and those of the names its text reads, in turn.
                let mut texts: Vec<String> = Vec::new();
                let mut wanted = vec![name.clone()];
                let mut seen: BTreeSet<String> = BTreeSet::new();
                while let Some(n) = wanted.pop() {
                    if !seen.insert(n.clone()) {
                        continue;
                    }
                    for d in bindings.iter().filter(|d| d.names.contains(&n)) {
                        if texts.contains(&d.text) {
                            continue;
                        }
                        texts.push(d.text.clone());
                        wanted.extend(
                            d.text
                                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                                .filter(|w| !w.is_empty())
                                .map(str::to_owned),
                        );
                    }
                }
                texts.sort();
                vec![format!("defined {alias} (in {file}): {}", texts.join("\n"))]
            }
            // Unreadable: any change to it may be one.
            None => match content.read(repo, &file)? {
                Some(src) => vec![format!(
                    "defined {alias} (in {file}): sha256:{}",
                    analysis::sha256_hex(&src)
                )],
                None => Vec::new(),
            },
        };
        per_alias.entry(alias).or_default().extend(lines);
    }
    for t in &mut scan.tests {
        for (alias, lines) in &per_alias {
            if t.envelope_used.contains(alias) {
                for l in lines {
                    if !t.envelope_bindings.contains(l) {
                        t.envelope_bindings.push(l.clone());
                    }
                }
            }
        }
        t.envelope_bindings.sort();
    }
    Ok(())
}

/// The module specifiers a JavaScript/TypeScript file's import bindings name, without their
/// quotes (`'../src/billing'` → `../src/billing`).
fn js_import_specifiers(scan: &FileScan) -> Vec<String> {
    scan.module_bindings
        .iter()
        .filter_map(|b| match import_of(&b.text)? {
            Imported::Name { module, .. } | Imported::Module { module, .. } => Some(
                module
                    .trim_matches(|c| c == '\'' || c == '"' || c == '`')
                    .to_owned(),
            ),
        })
        .collect()
}

/// JavaScript/TypeScript: a data file a test file imports by a relative path
/// (`require('./expected.json')`, `import expected from './expected.json' with {type:
/// 'json'}`) holds what its tests compare with: it is locked with every test of the file by
/// its digest, as a stored expected value (`hook golden (in tests/expected.json): sha256:…`).
fn add_js_data_imports(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let dir = dir_prefix(path);
    let mut lines = Vec::new();
    for b in &scan.module_bindings {
        let Some(Imported::Name { module, .. } | Imported::Module { module, .. }) =
            import_of(&b.text)
        else {
            continue;
        };
        let module = module.trim_matches(|c| c == '\'' || c == '"' || c == '`');
        let data = Path::new(module).extension().is_some_and(|e| {
            !matches!(
                e.to_str(),
                Some("js" | "cjs" | "mjs" | "ts" | "cts" | "mts" | "jsx" | "tsx")
            )
        });
        if !module.starts_with('.') || !data {
            continue;
        }
        let file = relative_path(dir, module);
        lines.extend(golden_line(repo, content, &file)?);
    }
    lock_with_every_test(scan, lines);
    Ok(())
}

/// A JS/TS test that imports its own package by name (`import ky from 'ky'` in ky's tests)
/// loads what the nearest `package.json` says that name resolves to: its `exports` (Node's
/// self-reference), or its `main`/`module` through a workspace link. Pointed at a fake, the
/// code under test is replaced with the test untouched, so such a test is locked with those
/// fields as written (`hook resolution (in package.json): self ky exports=… main=…`).
fn add_js_self_reference(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let specifiers: Vec<String> = js_import_specifiers(scan)
        .into_iter()
        .filter(|m| !m.starts_with(['.', '/', '#']) && !m.contains(':'))
        .collect();
    if specifiers.is_empty() {
        return Ok(());
    }
    let Some((_, file, text)) = nearest_file(
        repo,
        content,
        dir_prefix(path).trim_end_matches('/'),
        "package.json",
    )?
    else {
        return Ok(());
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        // Unreadable: its digest is locked with the runner's configuration already.
        return Ok(());
    };
    let Some(name) = value.get("name").and_then(serde_json::Value::as_str) else {
        return Ok(());
    };
    if !specifiers
        .iter()
        .any(|m| m == name || m.strip_prefix(name).is_some_and(|r| r.starts_with('/')))
    {
        return Ok(());
    }
    let mut line = format!(
        "{}resolution (in {file}): self {name}",
        crate::sacred::bindings::HOOK
    );
    for key in ["exports", "main", "module"] {
        if let Some(v) = value.get(key) {
            let _ = write!(line, " {key}={v}");
        }
    }
    lock_with_every_test(scan, vec![line]);
    Ok(())
}

/// A JS/TS test that imports a package of its workspace by its bare name (`@shop/billing`,
/// a package under `packages/billing` of the root `package.json`'s `workspaces` or of
/// `pnpm-workspace.yaml`'s `packages`) loads the file that package's `package.json` says the
/// name resolves to: the package manager links the directory under `node_modules`. Pointed at
/// a fake (`"main": "fake.js"`), the code under test is replaced with the test untouched, so
/// such a test is locked with the fields that choose the entry file, as written (`hook
/// resolution (in packages/billing/package.json): workspace @shop/billing main="src/index.js"
/// …`, of `exports`, `main`, `module`, `type`, `imports`, `browser`); a `package.json` that does
/// not read as JSON by its digest. A new workspace package taking the name is a new line.
/// What its entry files (those fields name; `index.js` without them) patch at their top, and
/// the modules they load in turn, is locked as for a module imported by a relative path (see
/// [`imported_code_patches`]).
fn add_js_workspace_packages(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    siblings: &mut Surroundings,
) -> Result<()> {
    // The package names the file imports: `@scope/name` or `name`, without a subpath.
    let names: BTreeSet<String> = js_import_specifiers(scan)
        .into_iter()
        .filter(|m| !m.starts_with(['.', '/', '#']) && !m.contains(':'))
        .map(|m| {
            let mut parts = m.split('/');
            let first = parts.next().unwrap_or_default();
            match parts.next() {
                Some(second) if first.starts_with('@') => format!("{first}/{second}"),
                _ => first.to_owned(),
            }
        })
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    let mut lines = Vec::new();
    // The entry files of the packages found, and what leads from the test's directory to the
    // root.
    let mut entries: Vec<String> = Vec::new();
    let up = "../".repeat(dir_prefix(path).matches('/').count());
    for (root, patterns) in js_workspaces(repo, content, dir_prefix(path).trim_end_matches('/'))? {
        for manifest in js_workspace_manifests(repo, content, &root, &patterns)? {
            let Some(text) = content.read(repo, &manifest)? else {
                continue;
            };
            let hook = crate::sacred::bindings::HOOK;
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
                // Unreadable: the name it gives cannot be told.
                lines.push(format!(
                    "{hook}resolution (in {manifest}): workspace sha256:{}",
                    analysis::sha256_hex(&text)
                ));
                continue;
            };
            let Some(name) = value.get("name").and_then(serde_json::Value::as_str) else {
                continue;
            };
            if !names.contains(name) {
                continue;
            }
            let mut line = format!("{hook}resolution (in {manifest}): workspace {name}");
            for key in ["exports", "main", "module", "type", "imports", "browser"] {
                if let Some(v) = value.get(key) {
                    let _ = write!(line, " {key}={v}");
                }
            }
            lines.push(line);
            // Its entry files, as the test file would name them by a relative path.
            let package_dir = manifest.strip_suffix("package.json").unwrap_or_default();
            let mut named = Vec::new();
            for key in ["exports", "main", "module"] {
                if let Some(v) = value.get(key) {
                    json_strings(v, &mut named);
                }
            }
            if value.get("exports").is_none() && value.get("main").is_none() {
                named.push("index.js".to_owned());
            }
            for entry in named.iter().filter(|e| !e.contains('*')) {
                let file = relative_path(package_dir, entry);
                entries.push(format!("{up}{file}"));
            }
        }
    }
    let lines_patched = imported_code_patches(
        repo,
        content,
        path,
        entries,
        lang::js_global_patches,
        siblings,
    )?;
    lines.extend(lines_patched);
    lock_with_every_test(scan, lines);
    Ok(())
}

/// The workspaces above `dir`: each directory at or above it whose `package.json` lists
/// `workspaces` (npm, yarn: a list, or `{"packages": […]}`) or that holds a
/// `pnpm-workspace.yaml` (its `packages:` list), with the patterns listed.
fn js_workspaces(
    repo: &Repo,
    content: &Content<'_>,
    dir: &str,
) -> Result<Vec<(String, Vec<String>)>> {
    let mut out = Vec::new();
    for at in dirs_up(dir) {
        let join = |f: &str| {
            if at.is_empty() {
                f.to_owned()
            } else {
                format!("{at}/{f}")
            }
        };
        let mut patterns: Vec<String> = Vec::new();
        if let Some(text) = content.read(repo, &join("package.json"))?
            && let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
            && let Some(ws) = value.get("workspaces")
        {
            let list = ws.get("packages").unwrap_or(ws);
            patterns.extend(
                list.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(serde_json::Value::as_str)
                    .map(str::to_owned),
            );
        }
        if let Some(text) = content.read(repo, &join("pnpm-workspace.yaml"))? {
            let mut in_packages = false;
            for line in text.lines() {
                let l = line.split(" #").next().unwrap_or(line).trim_end();
                if !l.starts_with([' ', '\t', '-']) && !l.is_empty() {
                    in_packages = l.trim() == "packages:";
                    continue;
                }
                if in_packages && let Some(item) = l.trim().strip_prefix('-') {
                    patterns.push(item.trim().trim_matches(['\'', '"']).to_owned());
                }
            }
        }
        if !patterns.is_empty() {
            out.push((at.to_owned(), patterns));
        }
    }
    Ok(out)
}

/// The `package.json` of each workspace package of the workspace at `root` whose directory
/// `patterns` match (`packages/*`, `apps/**`, a `!` pattern leaving some out), outside
/// `node_modules`.
fn js_workspace_manifests(
    repo: &Repo,
    content: &Content<'_>,
    root: &str,
    patterns: &[String],
) -> Result<Vec<String>> {
    let matcher = |g: &str| {
        globset::GlobBuilder::new(g.trim_start_matches("./").trim_end_matches('/'))
            .literal_separator(true)
            .build()
            .ok()
            .map(|g| g.compile_matcher())
    };
    let (excluded, included): (Vec<&String>, Vec<&String>) =
        patterns.iter().partition(|p| p.starts_with('!'));
    let excluded: Vec<_> = excluded.iter().filter_map(|p| matcher(&p[1..])).collect();
    let mut out = BTreeSet::new();
    for pattern in included {
        let Some(m) = matcher(pattern) else {
            continue;
        };
        // Only below the part written out before the first wildcard.
        let written: Vec<&str> = pattern
            .trim_start_matches("./")
            .split('/')
            .take_while(|p| !p.contains(['*', '?', '[', '{']))
            .collect();
        let below = relative_path(&format!("{root}/"), &written.join("/"));
        for f in content.list_tree(repo, &below)? {
            let Some(package_dir) = f.strip_suffix("/package.json") else {
                continue;
            };
            if package_dir.split('/').any(|p| p == "node_modules") {
                continue;
            }
            let rel = package_dir
                .strip_prefix(root)
                .unwrap_or(package_dir)
                .trim_start_matches('/');
            if m.is_match(rel) && !excluded.iter().any(|x| x.is_match(rel)) {
                out.insert(f);
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// The packages that run JavaScript/TypeScript tests or provide their assertions.
const JS_TEST_PACKAGES: &[&str] = &[
    "ava",
    "jest",
    "@jest/globals",
    "expect",
    "jest-extended",
    "vitest",
    "@vitest/expect",
    "mocha",
    "chai",
    "chai-as-promised",
    "jasmine",
    "uvu",
    "tap",
    "tape",
    "power-assert",
    "should",
];

/// Where `package.json` takes the test runner and assertion packages from, when not from the
/// registry: a dependency on one of [`JS_TEST_PACKAGES`] given as a path, a link, a git
/// repository or another package (`"ava": "file:./fake-ava"`, `"chai": "npm:fake@1"`), and
/// an `overrides`/`resolutions`/`pnpm.overrides` entry for one (`ava = "file:./fake-ava"`,
/// `overrides **/chai: …`). A version range or a tag from the registry is not listed: a
/// version bump passes, a fake runner or assertion library does not.
fn js_test_dependency_sources(package: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let from_registry = |spec: &str| !spec.contains(':') && !spec.contains('/');
    for table in [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ] {
        for name in JS_TEST_PACKAGES {
            if let Some(spec) = package.get(table).and_then(|t| t.get(*name)) {
                match spec.as_str() {
                    Some(s) if from_registry(s) => {}
                    _ => out.push(format!("{name} = {spec}")),
                }
            }
        }
    }
    let overrides = [
        package.get("overrides"),
        package.get("resolutions"),
        package.get("pnpm").and_then(|p| p.get("overrides")),
    ];
    for table in overrides.into_iter().flatten() {
        let Some(entries) = table.as_object() else {
            continue;
        };
        for (key, value) in entries {
            // `chai`, `chai@4`, `parent>chai`, `**/chai`, or nested (`"x": {"chai": …}`).
            if value.as_str().is_some_and(from_registry) {
                continue;
            }
            let value_text = value.to_string();
            if JS_TEST_PACKAGES
                .iter()
                .any(|p| key.contains(p) || value_text.contains(&format!("\"{p}")))
            {
                out.push(format!("overrides {key}: {value_text}"));
            }
        }
    }
    out
}

/// Where a lockfile takes each of [`JS_TEST_PACKAGES`] from, which `npm ci` and `yarn
/// install --immutable` install as written: `node_modules/ava from https://HOST` (the scheme
/// and host of its tarball: a version bump keeps them), `… link ../fake-ava`, `… from
/// file:../fake-ava.tgz`; yarn's `ava from https://HOST` (classic `resolved`) or `ava
/// resolution npm` (berry's protocol; the whole resolution for any protocol but `npm`), by the
/// package's name; `pnpm-lock.yaml` as [`pnpm_lockfile_origins`] reads it. A lockfile that
/// does not read is locked by nothing here: the package manager refuses it.
fn js_lockfile_origins(name: &str, text: &str) -> Vec<String> {
    let origin = |resolved: &str| -> String {
        match resolved.split_once("://") {
            Some((scheme, rest)) if scheme.starts_with("http") => {
                let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
                let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
                format!("from {scheme}://{host}")
            }
            _ => format!("from {resolved}"),
        }
    };
    let is_test_package = |package: &str| JS_TEST_PACKAGES.contains(&package);
    let mut out = Vec::new();
    if name == "yarn.lock" {
        // Entries start unindented: `ava@^6.0.0, ava@^6.1.0:` (classic), `"ava@npm:^6.0.0":`
        // (berry); their fields are indented.
        let mut current: Option<String> = None;
        for line in text.lines() {
            if !line.starts_with(' ') && line.ends_with(':') && !line.starts_with('#') {
                let header = line.trim_end_matches(':');
                let first = header
                    .split(", ")
                    .next()
                    .unwrap_or(header)
                    .trim_matches('"');
                let package = first
                    .char_indices()
                    .skip(1)
                    .find(|(_, c)| *c == '@')
                    .map_or(first, |(i, _)| &first[..i]);
                // By the package's name, so that a range or version bump keeps the line.
                current = is_test_package(package).then(|| package.to_owned());
                continue;
            }
            let Some(entry) = &current else { continue };
            let field = line.trim_start();
            if let Some(v) = field.strip_prefix("resolved ") {
                out.push(format!("{entry} {}", origin(v.trim_matches('"'))));
            } else if let Some(v) = field.strip_prefix("resolution: ") {
                let v = v.trim_matches('"');
                let protocol = v
                    .char_indices()
                    .skip(1)
                    .find(|(_, c)| *c == '@')
                    .and_then(|(i, _)| v[i + 1..].split_once(':'))
                    .map_or("", |(p, _)| p);
                if protocol == "npm" {
                    out.push(format!("{entry} resolution npm"));
                } else {
                    out.push(format!("{entry} resolution {v}"));
                }
            }
        }
        out.sort();
        out.dedup();
        return out;
    }
    if name == "pnpm-lock.yaml" {
        return pnpm_lockfile_origins(text, &origin);
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return out;
    };
    // Lockfile v2/v3: `packages` keyed by install path; v1: `dependencies` keyed by name.
    if let Some(packages) = value.get("packages").and_then(|p| p.as_object()) {
        for (path, entry) in packages {
            let package = path.rsplit("node_modules/").next().unwrap_or(path);
            if !path.contains("node_modules/") || !is_test_package(package) {
                continue;
            }
            if entry.get("link").and_then(serde_json::Value::as_bool) == Some(true) {
                let to = entry.get("resolved").and_then(|r| r.as_str()).unwrap_or("");
                out.push(format!("{path} link {to}"));
            } else if let Some(resolved) = entry.get("resolved").and_then(|r| r.as_str()) {
                out.push(format!("{path} {}", origin(resolved)));
            }
        }
    } else if let Some(dependencies) = value.get("dependencies").and_then(|d| d.as_object()) {
        for package in JS_TEST_PACKAGES {
            if let Some(resolved) = dependencies
                .get(*package)
                .and_then(|e| e.get("resolved").or_else(|| e.get("version")))
                .and_then(|r| r.as_str())
            {
                let read = if resolved.contains(':') {
                    origin(resolved)
                } else {
                    "from the registry".to_owned()
                };
                out.push(format!("{package} {read}"));
            }
        }
    }
    out
}

/// [`js_lockfile_origins`] for `pnpm-lock.yaml`: an importer's dependency on a test package
/// given as a link or a file (`importers . ava version link:../fake-ava`), and how each entry
/// of one is resolved, by its name: `packages ava from the registry` (an integrity alone),
/// `… from https://HOST` (a tarball), `… directory ../fake-ava`, or the resolution as
/// written (a git commit).
fn pnpm_lockfile_origins(text: &str, origin: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(value) = serde_saphyr::from_str::<serde_json::Value>(text) else {
        return out;
    };
    let is_test_package = |package: &str| JS_TEST_PACKAGES.contains(&package);
    if let Some(importers) = value.get("importers").and_then(|i| i.as_object()) {
        for (importer, tables) in importers {
            for table in ["dependencies", "devDependencies", "optionalDependencies"] {
                let Some(deps) = tables.get(table).and_then(|d| d.as_object()) else {
                    continue;
                };
                for (package, entry) in deps {
                    let version = entry
                        .get("version")
                        .and_then(|v| v.as_str())
                        .or_else(|| entry.as_str())
                        .unwrap_or("");
                    if is_test_package(package) && version.contains(':') {
                        out.push(format!("importers {importer} {package} version {version}"));
                    }
                }
            }
        }
    }
    if let Some(packages) = value.get("packages").and_then(|p| p.as_object()) {
        for (key, entry) in packages {
            // `ava@6.1.0`, `/ava@6.1.0`, `/@jest/globals@29.7.0`, `/ava/6.1.0` (older).
            let bare = key.trim_start_matches('/');
            let package = bare
                .char_indices()
                .skip(1)
                .find(|(_, c)| *c == '@')
                .map_or(bare, |(i, _)| &bare[..i]);
            let package = if package == bare {
                // `ava/6.1.0`, `@jest/globals/29.7.0`.
                let n = if bare.starts_with('@') { 2 } else { 1 };
                &bare[..bare
                    .match_indices('/')
                    .nth(n - 1)
                    .map_or(bare.len(), |(i, _)| i)]
            } else {
                package
            };
            if !is_test_package(package) {
                continue;
            }
            let Some(resolution) = entry.get("resolution") else {
                continue;
            };
            // By the package's name, so that a version bump keeps the line.
            if let Some(tarball) = resolution.get("tarball").and_then(|t| t.as_str()) {
                out.push(format!("packages {package} {}", origin(tarball)));
            } else if let Some(dir) = resolution.get("directory").and_then(|d| d.as_str()) {
                out.push(format!("packages {package} directory {dir}"));
            } else if resolution.get("integrity").is_some()
                && resolution.as_object().is_some_and(|r| r.len() == 1)
            {
                out.push(format!("packages {package} from the registry"));
            } else {
                out.push(format!("packages {package} resolution {resolution}"));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Keys of a runner's configuration that change only how fast, how verbosely or where to
/// cache it runs, never which tests run or what they check.
const RUNNER_SPEED_KEYS: &[&str] = &[
    "workerThreads",
    "timeout",
    "concurrency",
    "verbose",
    "tap",
    "color",
    "cache",
    "watchMode",
    "testTimeout",
    "maxWorkers",
    "maxConcurrency",
    "cacheDirectory",
    "silent",
    "notify",
];

/// A runner's configuration as the lock reads it: without the keys of
/// [`RUNNER_SPEED_KEYS`], and with each installed module it loads read as `<package>` (a
/// Node flag's value that is not a relative path or a file of the repository, `--import=tsx/esm`,
/// and such a name in a `require` list, `esm`): which installed package transpiles the tests
/// is outside what a lock can judge, as any installed plugin is. A string naming a file of the
/// repository stays, and the file is locked by its digest.
fn runner_config_read(
    v: &serde_json::Value,
    key: &str,
    is_file: &dyn Fn(&str) -> Result<bool>,
) -> Result<serde_json::Value> {
    Ok(match v {
        serde_json::Value::String(s) => {
            let bare = strip_node_flag(s);
            let loads = bare.len() != s.len() || matches!(key, "require" | "setupFiles");
            if loads && !bare.starts_with("./") && !bare.starts_with("../") && !is_file(s)? {
                serde_json::Value::String("<package>".to_owned())
            } else {
                v.clone()
            }
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(
            items
                .iter()
                .map(|i| runner_config_read(i, key, is_file))
                .collect::<Result<_>>()?,
        ),
        serde_json::Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, x) in map {
                if !RUNNER_SPEED_KEYS.contains(&k.as_str()) {
                    out.insert(k.clone(), runner_config_read(x, k, is_file)?);
                }
            }
            serde_json::Value::Object(out)
        }
        _ => v.clone(),
    })
}

/// A Node flag's value (`--import=./x.js` → `./x.js`), or the string.
fn strip_node_flag(s: &str) -> &str {
    [
        "--import=",
        "--require=",
        "--loader=",
        "--experimental-loader=",
    ]
    .iter()
    .find_map(|p| s.strip_prefix(p))
    .unwrap_or(s)
}

/// The script file of the repository a runner configuration string names, from `pkg_dir`.
fn runner_file(
    repo: &Repo,
    content: &Content<'_>,
    pkg_dir: &str,
    s: &str,
) -> Result<Option<(String, String)>> {
    let n = s.replace("<rootDir>/", "./");
    let n = strip_node_flag(&n);
    if !(n.starts_with("./") || n.starts_with("../") || n.contains('/') || n.contains('.'))
        || n.contains('*')
        || n.contains(' ')
    {
        return Ok(None);
    }
    let from = if pkg_dir.is_empty() {
        "package.json.js".to_owned()
    } else {
        format!("{pkg_dir}/package.json.js")
    };
    for c in import_candidates(&from, &format!("./{}", n.trim_start_matches("./"))) {
        let script = Path::new(&c).extension().is_some_and(|e| {
            matches!(
                e.to_str(),
                Some("js" | "cjs" | "mjs" | "ts" | "cts" | "mts" | "jsx" | "tsx")
            )
        });
        if !script {
            continue;
        }
        if let Some(text) = content.read(repo, &c)? {
            return Ok(Some((c, text)));
        }
    }
    Ok(None)
}

/// A data file of the repository a runner configuration string names, from `pkg_dir`, that
/// the runner loads as configuration: a JSON (or YAML) file a JavaScript configuration
/// `require`s or imports and spreads into its own (`require('./config/jest.base.json')`),
/// Jest's `preset` (`./config/jest-preset.json`, or without its `.json`), mocha's `extends`.
fn runner_data_file(
    repo: &Repo,
    content: &Content<'_>,
    pkg_dir: &str,
    s: &str,
) -> Result<Option<(String, String)>> {
    let n = s.replace("<rootDir>/", "./");
    if !(n.starts_with("./") || n.starts_with("../") || n.contains('/') || n.contains('.'))
        || n.contains(['*', ' ', '\n'])
        || n.starts_with('/')
        || n.contains("://")
    {
        return Ok(None);
    }
    let data = |f: &str| {
        Path::new(f).extension().is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().to_str(),
                Some("json" | "json5" | "jsonc" | "yml" | "yaml")
            )
        })
    };
    let at = relative_path(&format!("{pkg_dir}/"), &n);
    let candidates = if data(&at) {
        vec![at]
    } else if n.starts_with('.') {
        // Jest looks a relative preset up with `.json` added.
        vec![format!("{at}.json")]
    } else {
        Vec::new()
    };
    for c in candidates {
        // `package.json` is read by its runner keys above.
        let name = c.rsplit_once('/').map_or(c.as_str(), |(_, n)| n);
        if name == "package.json" || c.split('/').any(|p| p == "node_modules") {
            continue;
        }
        if let Some(text) = content.read(repo, &c)? {
            return Ok(Some((c, text)));
        }
    }
    Ok(None)
}

/// JavaScript/TypeScript: the stored snapshots a test's `toMatchSnapshot()` compares with are
/// its expected values. Each entry of the file's `__snapshots__/NAME.snap` (Jest's and
/// Vitest's) whose name is the test's (its suites' titles and its own, joined by a space or
/// ` > `, then a counter) is locked with it as `hook snapshot (in FILE): KEY: sha256:…` of
/// its value: rewriting a snapshot to what a broken build now returns (`jest -u`) is `rebound`,
/// and so is deleting one (the runner would write it afresh). A snapshot taken with a hint
/// (`toMatchSnapshot('receipt')`, or after property matchers) is keyed `NAME: HINT COUNTER`,
/// and is the test's too. Snapshots of other tests may change.
///
/// Jest and Vitest run the snapshot file as JavaScript: code beside the entries (a getter
/// defined on `exports` under a locked key, whose no-op setter swallows the entry written
/// below it) decides what a test compares with while every entry stays as written. A file
/// that holds anything but comments and plain entries (see [`snapshot_file_is_plain`]) is
/// locked with every test of the file by its digest (`hook snapshot (in FILE): code beside
/// the entries: sha256:…`): such code where there was none is `rebound`.
fn add_js_snapshots(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    siblings: &mut Surroundings,
) -> Result<()> {
    let name = path.rsplit_once('/').map_or(path, |(_, n)| n);
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    files.extend(read_snapshots(
        repo,
        content,
        path,
        &format!("{name}.snap"),
    )?);
    // A `snapshotResolver` (Jest) or `resolveSnapshotPath` (Vitest) puts the file elsewhere.
    if js_snapshot_resolver_configured(repo, content, path)? {
        for file in snapshot_files_named_after(repo, content, path, ".snap")? {
            if let Some(text) = content.read(repo, &file)? {
                files.insert(file, text);
            }
        }
    }
    // node:test's `t.assert.snapshot()`: `FILE.snapshot` beside the test file, unless a
    // `snapshot.setResolveSnapshotPath(fn)` of the project says otherwise.
    if js_import_specifiers(scan).iter().any(|m| m == "node:test") {
        let beside = format!("{path}.snapshot");
        if let Some(text) = content.read(repo, &beside)? {
            files.insert(beside, text);
        }
        let resolvers = node_snapshot_resolvers(repo, content, siblings)?;
        if !resolvers.is_empty() {
            let hook = crate::sacred::bindings::HOOK;
            lock_with_every_test(
                scan,
                resolvers
                    .iter()
                    .filter(|(file, _)| file != path)
                    .map(|(file, digest)| {
                        format!("{hook}runner setup (in {file}): sha256:{digest}")
                    })
                    .collect(),
            );
            for file in content.list_tree(repo, "")? {
                if file.ends_with(".snapshot")
                    && !file.split('/').any(|p| p == "node_modules")
                    && let Some(text) = content.read(repo, &file)?
                {
                    files.insert(file, text);
                }
            }
        }
    }
    for (file, text) in &files {
        lock_js_snapshot_file(scan, file, text);
    }
    for t in &mut scan.tests {
        t.envelope_bindings.dedup();
    }
    Ok(())
}

/// Locks with the tests of `scan` what the Jest, Vitest or node:test snapshot file `file`
/// holds for them (see [`add_js_snapshots`]).
fn lock_js_snapshot_file(scan: &mut FileScan, file: &str, text: &str) {
    if !snapshot_file_is_plain(text) {
        lock_with_every_test(
            scan,
            vec![format!(
                "{}snapshot (in {file}): code beside the entries: sha256:{}",
                crate::sacred::bindings::HOOK,
                analysis::sha256_hex(text)
            )],
        );
    }
    let entries = snapshot_entries(text);
    lock_snapshots(scan, file, &entries, |parts, key| {
        let names = [parts.join(" "), parts.join(" > ")];
        key.rsplit_once(' ').is_some_and(|(title, counter)| {
            counter.chars().all(|c| c.is_ascii_digit())
                && names.iter().any(|n| {
                    title == n
                        || title
                            .strip_prefix(n.as_str())
                            .is_some_and(|hint| hint.starts_with(": "))
                })
        })
    });
}

/// Whether a runner configuration of the JavaScript/TypeScript test file `path` (of the
/// nearest `package.json` and the directories above it: its `jest` key, a `jest.config.*`,
/// `vitest.config.*`, `vite.config.*`, a Jest preset) names a snapshot resolver: Jest's
/// `snapshotResolver` module, or Vitest's `resolveSnapshotPath` function.
fn js_snapshot_resolver_configured(repo: &Repo, content: &Content<'_>, path: &str) -> Result<bool> {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    for at in dirs_up(dir) {
        for file in content.list_dir(repo, at)? {
            let name = file.rsplit_once('/').map_or(file.as_str(), |(_, n)| n);
            if !(is_js_runner_config(name) || name.starts_with("jest-preset")) {
                continue;
            }
            if let Some(text) = content.read(repo, &file)?
                && (text.contains("snapshotResolver") || text.contains("resolveSnapshotPath"))
            {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// The files of the repository (outside `node_modules`) a snapshot resolver may have named
/// for the test file `path`: those ending `ext` whose name starts with the test file's
/// (`pay.test.js.snap`, `pay.test.snap`, `pay.snap` for `pay.test.js`), wherever they are;
/// every file ending `ext` when none is so named.
fn snapshot_files_named_after(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    ext: &str,
) -> Result<Vec<String>> {
    let name = path.rsplit_once('/').map_or(path, |(_, n)| n);
    let stem = name.split('.').next().unwrap_or(name);
    let all: Vec<String> = content
        .list_tree(repo, "")?
        .into_iter()
        .filter(|f| f.ends_with(ext) && !f.split('/').any(|p| p == "node_modules"))
        .collect();
    let named: Vec<String> = all
        .iter()
        .filter(|f| {
            let n = f.rsplit_once('/').map_or(f.as_str(), |(_, n)| n);
            n.strip_prefix(stem).is_some_and(|r| r.starts_with('.'))
        })
        .cloned()
        .collect();
    Ok(if named.is_empty() { all } else { named })
}

/// node:test: the files of the repository (outside `node_modules`) that call
/// `setResolveSnapshotPath`, each with the digest of its text, read once per command. Such a
/// call may name any file for a test's snapshots, and where it runs (a `--require` module, a
/// test file) is not read: every `.snapshot` file is taken for one of them then.
fn node_snapshot_resolvers<'s>(
    repo: &Repo,
    content: &Content<'_>,
    siblings: &'s mut Surroundings,
) -> Result<&'s [(String, String)]> {
    if siblings.node_snapshot_resolvers.is_none() {
        let mut found = Vec::new();
        for file in content.list_tree(repo, "")? {
            if !lang::Lang::of_path(&file).is_some_and(lang::Lang::is_js)
                || file.split('/').any(|p| p == "node_modules")
            {
                continue;
            }
            if let Some(text) = content.read(repo, &file)?
                && text.contains("setResolveSnapshotPath")
            {
                found.push((file, analysis::sha256_hex(&text)));
            }
        }
        siblings.node_snapshot_resolvers = Some(found);
    }
    Ok(siblings
        .node_snapshot_resolvers
        .as_deref()
        .unwrap_or_default())
}

/// JavaScript/TypeScript: AVA compares a test's `t.snapshot(…)` with the file it stores for
/// the test file (`NAME.snap`, read whole; the `NAME.md` beside it is a report AVA writes and
/// never reads), and `ava -u` rewrites it to what a broken build returns: the file is locked
/// by its digest (`hook golden (in tests/snapshots/pay.test.js.snap): sha256:…`) with each
/// test of an AVA file that snapshots, in its body or through a helper or macro of its file.
/// Rewriting it or deleting it (AVA records it afresh outside CI) is `rebound`. Where AVA
/// keeps it: its `snapshotDir` when set (the path of the test's directory below the project
/// kept under it), else `__snapshots__` beside a test inside `__tests__`, `snapshots` beside
/// one inside `test` or `tests`, or beside the test file. A `snapshotDir` an AVA
/// configuration file computes is not read: every `NAME.snap` of the project is locked then.
fn add_ava_snapshots(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    if !js_import_specifiers(scan).iter().any(|m| m == "ava") {
        return Ok(());
    }
    let Some(src) = content.read(repo, path)? else {
        return Ok(());
    };
    let snapshots = |text: &str| text.contains(".snapshot(");
    // The names the file imports from a module of the repository that snapshots (or loads
    // one that does): `import { snap } from './helpers/snap.js'`. AVA keys the snapshot by
    // the test file, whoever calls `t.snapshot`.
    let imported = js_names_imported_from_modules_with(repo, content, path, scan, ".snapshot(")?;
    if !snapshots(&src) && imported.is_empty() {
        return Ok(());
    }
    // The tests that snapshot: in their own text, or through the functions of the file they
    // reach (a macro is named in the test's call, a helper in its body).
    let snapshotting_functions: BTreeSet<&str> = {
        let mut found: BTreeSet<&str> = scan
            .functions
            .iter()
            .filter(|f| snapshots(&f.text))
            .map(|f| f.name.as_str())
            .collect();
        loop {
            let more: Vec<&str> = scan
                .functions
                .iter()
                .filter(|f| {
                    !found.contains(f.name.as_str())
                        && f.uses.iter().any(|u| found.contains(u.as_str()))
                })
                .map(|f| f.name.as_str())
                .collect();
            if more.is_empty() {
                break found;
            }
            found.extend(more);
        }
    };
    let snapshotting: Vec<usize> = scan
        .tests
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            src.get(t.start_byte..t.end_byte).is_some_and(snapshots)
                || t.used
                    .iter()
                    .chain(&t.envelope_used)
                    .chain(&t.reads)
                    .any(|n| {
                        snapshotting_functions.contains(n.as_str()) || imported.contains(n.as_str())
                    })
        })
        .map(|(i, _)| i)
        .collect();
    if snapshotting.is_empty() {
        return Ok(());
    }
    let test_dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let name = path.rsplit_once('/').map_or(path, |(_, n)| n);
    let (project, package) = match nearest_file(repo, content, test_dir, "package.json")? {
        Some((at, _, text)) => (at, Some(text)),
        None => (String::new(), None),
    };
    let below_project = test_dir
        .strip_prefix(project.as_str())
        .unwrap_or(test_dir)
        .trim_start_matches('/');
    let join = |d: &str, f: &str| {
        if d.is_empty() {
            f.to_owned()
        } else {
            format!("{d}/{f}")
        }
    };
    // `snapshotDir` as `package.json`'s `ava` key or an AVA configuration file writes it;
    // `Err(())` when a configuration file names it otherwise than as a string literal.
    let mut snapshot_dir: Result<Option<String>, ()> = Ok(package
        .as_deref()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .and_then(|v| {
            v.get("ava")?
                .get("snapshotDir")?
                .as_str()
                .map(str::to_owned)
        }));
    for file in content.list_dir(repo, &project)? {
        let n = file.rsplit_once('/').map_or(file.as_str(), |(_, n)| n);
        if !n.starts_with("ava.config.") {
            continue;
        }
        let Some(text) = content.read(repo, &file)? else {
            continue;
        };
        if let Some((_, rest)) = text.split_once("snapshotDir") {
            let rest = rest
                .trim_start()
                .trim_start_matches(['\'', '"'])
                .trim_start();
            let literal = rest.strip_prefix(':').map(str::trim_start).and_then(|r| {
                let q = r.chars().next().filter(|c| matches!(c, '\'' | '"' | '`'))?;
                let (value, _) = r[1..].split_once(q)?;
                (!value.contains("${")).then(|| value.to_owned())
            });
            snapshot_dir = literal.map(Some).ok_or(());
        }
    }
    let files: Vec<String> = match snapshot_dir {
        Ok(Some(fixed)) => {
            let fixed = relative_path(&format!("{project}/"), &fixed);
            vec![join(&join(&fixed, below_project), &format!("{name}.snap"))]
        }
        Ok(None) => {
            let parts: Vec<&str> = below_project.split('/').collect();
            let dir = if parts.contains(&"__tests__") {
                join(test_dir, "__snapshots__")
            } else if parts.contains(&"test") || parts.contains(&"tests") {
                join(test_dir, "snapshots")
            } else {
                test_dir.to_owned()
            };
            vec![join(&dir, &format!("{name}.snap"))]
        }
        Err(()) => content
            .list_tree(repo, &project)?
            .into_iter()
            .filter(|f| {
                f.rsplit_once('/').map_or(f.as_str(), |(_, n)| n) == format!("{name}.snap")
                    && !f.split('/').any(|p| p == "node_modules")
            })
            .collect(),
    };
    let mut lines = Vec::new();
    for f in files {
        lines.extend(golden_line(repo, content, &f)?);
    }
    if lines.is_empty() {
        return Ok(());
    }
    for i in snapshotting {
        let t = &mut scan.tests[i];
        t.envelope_bindings.extend(lines.iter().cloned());
        t.envelope_bindings.sort();
        t.envelope_bindings.dedup();
    }
    Ok(())
}

/// JavaScript/TypeScript: the names the file `path` binds by importing a module of the
/// repository (a relative specifier) whose text, or that of a module it loads in turn (up to
/// 32 files), holds `needle`.
fn js_names_imported_from_modules_with(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &FileScan,
    needle: &str,
) -> Result<BTreeSet<String>> {
    let mut holds: BTreeMap<String, bool> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for b in &scan.module_bindings {
        let Some(imported) = import_of(&b.text) else {
            continue;
        };
        let (module, alias) = match &imported {
            Imported::Name { module, alias, .. } | Imported::Module { module, alias } => {
                (module, alias)
            }
        };
        let spec = module.trim_matches(|c| c == '\'' || c == '"' || c == '`');
        if !spec.starts_with('.') {
            continue;
        }
        if !holds.contains_key(spec) {
            let mut found = false;
            let mut seen: BTreeSet<String> = BTreeSet::new();
            let mut queue: Vec<(String, String)> = vec![(path.to_owned(), spec.to_owned())];
            'search: while let Some((from, spec)) = queue.pop() {
                for c in import_candidates(&from, &spec) {
                    let Some(text) = content.read(repo, &c)? else {
                        continue;
                    };
                    if !seen.insert(c.clone()) || seen.len() > 32 {
                        break;
                    }
                    if text.contains(needle) {
                        found = true;
                        break 'search;
                    }
                    for next in lang::loaded_modules(&c, &text)?.unwrap_or_default() {
                        if next.starts_with('.') {
                            queue.push((c.clone(), next));
                        }
                    }
                    break;
                }
            }
            holds.insert(spec.to_owned(), found);
        }
        if holds[spec] {
            out.insert(alias.clone());
        }
    }
    Ok(out)
}

/// JavaScript/TypeScript: Vitest's `toMatchFileSnapshot(path)` compares with the whole file
/// at `path` (from the test file's directory), which `vitest -u` rewrites and a run outside
/// CI writes afresh when it is gone: the file is locked by its digest (`hook golden (in
/// tests/__snapshots__/receipt.txt): sha256:…`) with each test that calls it, in its body or
/// through a helper of its file it calls. A path written otherwise than as one string is read
/// for its written directory (`` `./__snapshots__/${name}.txt` ``: each file below
/// `tests/__snapshots__/` is locked), and one with no written start (a name, a call) locks
/// each file below the test file's directory that is not a script.
fn add_js_file_snapshots(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    const CALL: &str = "toMatchFileSnapshot(";
    const NODE_CALL: &str = ".fileSnapshot(";
    let Some(src) = content.read(repo, path)? else {
        return Ok(());
    };
    if !src.contains(CALL) && !src.contains("fileSnapshot") {
        return Ok(());
    }
    // node:test's `t.assert` methods are bound to the test's context, so `const
    // {fileSnapshot} = t.assert` (or `{fileSnapshot: snap}`, `const snap =
    // t.assert.fileSnapshot`) calls it by another name; any other mention (handed on,
    // `.apply`) is read as a call with a computed path.
    let (node_aliases, node_unread) = node_file_snapshot_aliases(&src);
    let dir = dir_prefix(path);
    // node:test resolves the path from the working directory, which is the repository's
    // root, the test's package or the test file's own directory as the test is run: each
    // is read.
    let mut node_bases: Vec<String> = vec![String::new(), dir.to_owned()];
    if src.contains("fileSnapshot")
        && let Some((package_dir, _, _)) =
            nearest_file(repo, content, dir.trim_end_matches('/'), "package.json")?
    {
        node_bases.push(package_dir);
    }
    node_bases.sort();
    node_bases.dedup();
    // What each text's calls compare with: a file, or a directory whose files may be it.
    let targets = |text: &str| -> Vec<FileSnapshotTarget> {
        let vitest = text
            .match_indices(CALL)
            .map(|(i, _)| file_snapshot_target(dir, &text[i + CALL.len()..]));
        // Each call with where its arguments start and which of them is the path.
        let mut calls: Vec<(usize, usize)> = text
            .match_indices(NODE_CALL)
            .map(|(i, _)| (i + NODE_CALL.len(), 1))
            .collect();
        // `fileSnapshot.call(t.assert, value, path)`.
        calls.extend(
            text.match_indices(".fileSnapshot.call(")
                .map(|(i, m)| (i + m.len(), 2)),
        );
        for alias in &node_aliases {
            calls.extend(
                text.match_indices(&format!("{alias}("))
                    .filter(|(i, _)| {
                        !text[..*i]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'))
                    })
                    .map(|(i, m)| (i + m.len(), 1)),
            );
        }
        let unread = node_unread && text.contains("fileSnapshot");
        let node = calls.into_iter().flat_map(|(start, index)| {
            let args = crate::sacred::messages::split_top(&text[start..]);
            let path_arg = args.get(index).copied().unwrap_or("");
            // A computed path with no written start is looked for below the test file's
            // directory only (as Vitest's): below the root it would be every file.
            node_bases
                .iter()
                .map(move |base| (base, file_snapshot_target(base, path_arg)))
                .filter(|(base, target)| {
                    *base == dir || *target != FileSnapshotTarget::Below(relative_path(base, "."))
                })
                .map(|(_, target)| target)
        });
        let own_dir = unread.then(|| FileSnapshotTarget::Below(relative_path(dir, ".")));
        vitest.chain(node).chain(own_dir).collect()
    };
    // The functions of the file that call it, and those that reach them.
    let mut reached: BTreeMap<&str, Vec<FileSnapshotTarget>> = scan
        .functions
        .iter()
        .map(|f| (f.name.as_str(), targets(&f.text)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    loop {
        let more: Vec<(&str, Vec<FileSnapshotTarget>)> = scan
            .functions
            .iter()
            .filter(|f| !reached.contains_key(f.name.as_str()))
            .filter_map(|f| {
                let through: Vec<FileSnapshotTarget> = f
                    .uses
                    .iter()
                    .filter_map(|u| reached.get(u.as_str()))
                    .flatten()
                    .cloned()
                    .collect();
                (!through.is_empty()).then_some((f.name.as_str(), through))
            })
            .collect();
        if more.is_empty() {
            break;
        }
        reached.extend(more);
    }
    let mut read: BTreeMap<FileSnapshotTarget, Vec<String>> = BTreeMap::new();
    for t in &mut scan.tests {
        let mut wanted = src
            .get(t.start_byte..t.end_byte)
            .map(&targets)
            .unwrap_or_default();
        for n in t.used.iter().chain(&t.envelope_used).chain(&t.reads) {
            wanted.extend(reached.get(n.as_str()).into_iter().flatten().cloned());
        }
        if wanted.is_empty() {
            continue;
        }
        for target in wanted {
            if !read.contains_key(&target) {
                let mut lines = Vec::new();
                match &target {
                    FileSnapshotTarget::File(f) => lines.extend(golden_line(repo, content, f)?),
                    FileSnapshotTarget::Below(d) => {
                        for f in content.list_tree(repo, d)? {
                            let script = Path::new(&f).extension().is_some_and(|e| {
                                matches!(
                                    e.to_str(),
                                    Some(
                                        "js" | "cjs" | "mjs" | "ts" | "cts" | "mts" | "jsx" | "tsx"
                                    )
                                )
                            });
                            let installed = f.split('/').any(|p| p == "node_modules");
                            if !script && !installed {
                                lines.extend(golden_line(repo, content, &f)?);
                            }
                        }
                    }
                }
                read.insert(target.clone(), lines);
            }
            t.envelope_bindings.extend(read[&target].iter().cloned());
        }
        t.envelope_bindings.sort();
        t.envelope_bindings.dedup();
    }
    Ok(())
}

/// The names a JavaScript/TypeScript file gives node:test's `t.assert.fileSnapshot` (`const
/// {fileSnapshot} = t.assert`, `{fileSnapshot: snap}`, `const snap = t.assert.fileSnapshot`),
/// and whether it mentions it in any other way than those and `.fileSnapshot(…)` /
/// `.fileSnapshot.call(…)` (handed on, `.apply`, `.bind`): then where it compares is not read.
fn node_file_snapshot_aliases(src: &str) -> (Vec<String>, bool) {
    const NAME: &str = "fileSnapshot";
    let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '$');
    let mut aliases: Vec<String> = Vec::new();
    let mut unread = false;
    for (i, _) in src.match_indices(NAME) {
        let before = src[..i].trim_end();
        let after = src[i + NAME.len()..].trim_start();
        if src[..i].chars().next_back().is_some_and(word)
            || src[i + NAME.len()..].chars().next().is_some_and(word)
        {
            continue;
        }
        // A call as a method, or through `.call`.
        if before.ends_with('.') && (after.starts_with('(') || after.starts_with(".call(")) {
            continue;
        }
        // In a destructuring pattern: `{fileSnapshot}`, `{fileSnapshot: snap}`.
        if before.ends_with(['{', ',']) {
            if let Some(rest) = after.strip_prefix(':') {
                let name: String = rest.trim_start().chars().take_while(|c| word(*c)).collect();
                if !name.is_empty() {
                    aliases.push(name);
                    continue;
                }
            } else if after.starts_with([',', '}', '=']) {
                aliases.push(NAME.to_owned());
                continue;
            }
        }
        // `const snap = t.assert.fileSnapshot;`
        let line_rest = src[i + NAME.len()..]
            .split('\n')
            .next()
            .unwrap_or("")
            .trim();
        if before.ends_with('.')
            && (line_rest.is_empty() || line_rest.starts_with(';'))
            && let Some(line) = before.rsplit('\n').next()
            && let Some((head, _)) = line.split_once('=')
            && let Some(name) = head
                .split_whitespace()
                .last()
                .filter(|n| !n.is_empty() && n.chars().all(word))
        {
            aliases.push(name.to_owned());
            continue;
        }
        unread = true;
    }
    aliases.sort();
    aliases.dedup();
    (aliases, unread)
}

/// What a `toMatchFileSnapshot(…)` call compares with, read from its arguments.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum FileSnapshotTarget {
    /// The file a single string names.
    File(String),
    /// Some file below this directory (the path is computed).
    Below(String),
}

/// The target of a `toMatchFileSnapshot(` call whose arguments start `args`, from the test
/// file's directory `dir` (`tests/`): a plain string (`'./__snapshots__/receipt.txt'`)
/// names its file; a path computed after a written start (`` `./out/${name}.txt` ``,
/// `'./out/' + name`) is the directory that start writes out, and one with no written start
/// the test file's directory.
fn file_snapshot_target(dir: &str, args: &str) -> FileSnapshotTarget {
    let args = args.trim_start();
    let own_dir = || FileSnapshotTarget::Below(relative_path(dir, "."));
    let Some(q) = args
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))
    else {
        return own_dir();
    };
    let Some((literal, rest)) = args[1..].split_once(q) else {
        return own_dir();
    };
    let (written, computed) = match literal.split_once("${") {
        Some((start, _)) => (start, true),
        None => (literal, !rest.trim_start().starts_with([')', ','])),
    };
    if !computed && !written.contains('\\') && !written.is_empty() {
        return FileSnapshotTarget::File(relative_path(dir, written));
    }
    let written_dir = written.rsplit_once('/').map_or("", |(d, _)| d);
    FileSnapshotTarget::Below(relative_path(
        dir,
        if written_dir.is_empty() {
            "."
        } else {
            written_dir
        },
    ))
}

/// Whether a Jest or Vitest snapshot file holds nothing but comments and entries
/// ``exports[`KEY`] = `VALUE`;`` whose template literals interpolate nothing (the runners
/// escape `` ` `` and `${` in what they write): the only code such a file runs is the
/// assignment of each entry.
fn snapshot_file_is_plain(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let skip_blank = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    // A template literal from its opening backtick: the index past its closing one, or
    // `None` when it interpolates or does not end.
    let template = |mut i: usize| -> Option<usize> {
        if b.get(i) != Some(&b'`') {
            return None;
        }
        i += 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'`' => return Some(i + 1),
                b'$' if b.get(i + 1) == Some(&b'{') => return None,
                _ => i += 1,
            }
        }
        None
    };
    loop {
        skip_blank(&mut i);
        if i >= b.len() {
            return true;
        }
        if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(b.len(), |n| i + n);
            continue;
        }
        if text[i..].starts_with("/*") {
            match text[i + 2..].find("*/") {
                Some(n) => i += n + 4,
                None => return false,
            }
            continue;
        }
        let Some(rest) = text[i..].strip_prefix("exports[") else {
            return false;
        };
        i = b.len() - rest.len();
        let Some(end) = template(i) else {
            return false;
        };
        i = end;
        let Some(rest) = text[i..].strip_prefix("]") else {
            return false;
        };
        i = b.len() - rest.len();
        skip_blank(&mut i);
        if b.get(i) != Some(&b'=') {
            return false;
        }
        i += 1;
        skip_blank(&mut i);
        let Some(end) = template(i) else {
            return false;
        };
        i = end;
        skip_blank(&mut i);
        if b.get(i) != Some(&b';') {
            return false;
        }
        i += 1;
    }
}

/// JavaScript/TypeScript: `jest.mock('../billing')` (or `vi.mock`) without a factory replaces
/// the module with the file of the same name in the `__mocks__` directory beside it: that
/// file is what the test calls, locked with it by its digest (`hook runner setup (in
/// src/__mocks__/billing.js): sha256:…`), and a change to it brings the test into the check.
/// The call itself is locked as a setup.
fn add_js_adjacent_mocks(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let hook = crate::sacred::bindings::HOOK;
    let mut cache: BTreeMap<String, Option<String>> = BTreeMap::new();
    for t in &mut scan.tests {
        let mut lines = Vec::new();
        for l in &t.envelope_bindings {
            let Some(call) = l.strip_prefix("setup ") else {
                continue;
            };
            let Some(args) = ["jest.mock(", "vi.mock("]
                .iter()
                .find_map(|p| call.strip_prefix(p))
            else {
                continue;
            };
            let quote = args
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\'' | '`'));
            let Some(q) = quote else {
                continue;
            };
            let Some((specifier, rest)) = args[1..].split_once(q) else {
                continue;
            };
            // A factory decides what the mock is, and is locked as written.
            if !rest.trim_start().starts_with(')') || !specifier.starts_with('.') {
                continue;
            }
            if !cache.contains_key(specifier) {
                let (dir, base) = specifier.rsplit_once('/').unwrap_or((".", specifier));
                let base = base
                    .rsplit_once('.')
                    .filter(|(_, e)| matches!(*e, "js" | "ts" | "mjs" | "cjs" | "jsx" | "tsx"))
                    .map_or(base, |(b, _)| b);
                let mut found = None;
                for c in import_candidates(path, &format!("{dir}/__mocks__/{base}")) {
                    if let Some(text) = content.read(repo, &c)? {
                        found = Some(format!(
                            "{hook}runner setup (in {c}): sha256:{}",
                            analysis::sha256_hex(&text)
                        ));
                        break;
                    }
                }
                cache.insert(specifier.to_owned(), found);
            }
            lines.extend(cache[specifier].iter().cloned());
        }
        lines.sort();
        lines.dedup();
        lines.retain(|l| !t.envelope_bindings.contains(l));
        t.envelope_bindings.extend(lines);
        t.envelope_bindings.sort();
    }
    Ok(())
}

/// The snapshot file `name` in the `__snapshots__` directory beside the test file `path`,
/// with its text, when there is one.
fn read_snapshots(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    name: &str,
) -> Result<Option<(String, String)>> {
    let file = match path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/__snapshots__/{name}"),
        None => format!("__snapshots__/{name}"),
    };
    Ok(content.read(repo, &file)?.map(|text| (file, text)))
}

/// Locks with each test of `scan` the entries of the snapshot file `file` that `of_test`
/// says are its (handed the test's suites and name, and the entry's key), as `hook snapshot
/// (in FILE): KEY: sha256:…` of the entry's value.
fn lock_snapshots(
    scan: &mut FileScan,
    file: &str,
    entries: &[(String, String)],
    of_test: impl Fn(&[&str], &str) -> bool,
) {
    if entries.is_empty() {
        return;
    }
    for t in &mut scan.tests {
        let Some(rest) = t.id.strip_prefix(&format!("{}:{}::", t.lang, t.path)) else {
            continue;
        };
        let parts: Vec<&str> = rest.split("::").collect();
        for (key, value) in entries {
            if of_test(&parts, key) {
                t.envelope_bindings.push(format!(
                    "{}snapshot (in {file}): {key}: sha256:{}",
                    crate::sacred::bindings::HOOK,
                    analysis::sha256_hex(value)
                ));
            }
        }
        t.envelope_bindings.sort();
    }
}

/// Python: a data file a test opens by a path its file writes out in string literals
/// (`open("tests/data/expected.json")`, `Path(__file__).parent / "data" / "expected.json"`,
/// `os.path.join(HERE, "data", "expected.json")`) holds what it compares with: each file of
/// the repository such a path names, from the test file's directory or from the root, is
/// locked by its digest (`hook golden (in tests/data/expected.json): sha256:…`) with the test
/// whose body writes it, or with every test of the file when the path is written outside
/// the tests (a module-level constant, a helper). Python modules and directories are not
/// data files.
fn add_python_data_files(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let Some(src) = content.read(repo, path)? else {
        return Ok(());
    };
    let dir = dir_prefix(path);
    let mut per_test: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut every: Vec<String> = Vec::new();
    // Each path read once (a test file names the same data file many times).
    let mut read: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (at, parts) in python_path_literals(&src) {
        // Where it is written: the test (built or not) or helper whose body holds it, or
        // the module (`None`).
        let owner = python_outermost_def(&src, at);
        let test = owner.and_then(|name| {
            scan.tests
                .iter()
                .position(|t| t.name == name && t.start_byte <= at && at < t.end_byte)
        });
        if test.is_none() && owner.is_some_and(|n| n.starts_with("test")) {
            // Another test's (one this scan does not build): not these tests' data.
            continue;
        }
        let Some(ext) = parts
            .last()
            .and_then(|p| Path::new(p).extension())
            .and_then(|e| e.to_str())
        else {
            continue;
        };
        if matches!(ext, "py" | "pyc" | "pyi") {
            continue;
        }
        // With every literal before it that may be a directory of the path, then fewer.
        let joined: Vec<String> = (0..parts.len()).map(|k| parts[k..].join("/")).collect();
        let candidates = joined
            .iter()
            .flat_map(|j| [relative_path(dir, j), relative_path("", j)]);
        for candidate in candidates {
            if candidate.is_empty() || candidate == path {
                continue;
            }
            if !read.contains_key(&candidate) {
                let line = golden_line(repo, content, &candidate)?;
                read.insert(candidate.clone(), line);
            }
            let Some(line) = read[&candidate].clone() else {
                continue;
            };
            match test {
                Some(i) => per_test.entry(i).or_default().push(line),
                None => every.push(line),
            }
            break;
        }
    }
    for (i, t) in scan.tests.iter_mut().enumerate() {
        let own = per_test.get(&i).into_iter().flatten();
        let mut added = false;
        for l in own.chain(&every) {
            if !t.envelope_bindings.contains(l) {
                t.envelope_bindings.push(l.clone());
                added = true;
            }
        }
        if added {
            t.envelope_bindings.sort();
        }
    }
    Ok(())
}

/// The name of the outermost function (`def`, at module or class level) whose body holds the
/// byte `at` of Python source `src`, read from indentation; `None` at module or class level.
fn python_outermost_def(src: &str, at: usize) -> Option<&str> {
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut threshold = indent(&src[line_start..]);
    let mut found = None;
    for line in src[..line_start].lines().rev() {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') || indent(line) >= threshold {
            continue;
        }
        threshold = indent(line);
        let def = t.strip_prefix("async ").unwrap_or(t).strip_prefix("def ");
        if let Some(rest) = def {
            found = rest.split(['(', ' ', ':']).next();
        }
        if threshold == 0 {
            break;
        }
    }
    found
}

/// The string literals of Python source that may name a file, each with its byte offset and
/// its path parts: a literal with a `.` in it, joined with the plain literals written just
/// before it in the same path (`"data", "expected.json"`, `"data" / "expected.json"`).
/// Literals with escapes, quotes or blanks in them are left out.
fn python_path_literals(src: &str) -> Vec<(usize, Vec<String>)> {
    let bytes = src.as_bytes();
    let mut literals: Vec<(usize, usize, &str)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'"' || c == b'\'' {
            let start = i;
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != c && bytes[j] != b'\n' && bytes[j] != b'\\' {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == c {
                let inner = &src[start + 1..j];
                let plain = !inner.is_empty()
                    && inner.len() < 200
                    && !inner.contains(char::is_whitespace)
                    && start
                        .checked_sub(1)
                        .is_none_or(|p| !bytes[p].is_ascii_alphanumeric());
                if plain {
                    literals.push((start, j + 1, inner));
                }
                i = j + 1;
            } else {
                // An escape or a line break: skip past this quote only.
                i = j.max(i + 1);
            }
            continue;
        }
        i += 1;
    }
    let mut out = Vec::new();
    for (n, &(start, _, inner)) in literals.iter().enumerate() {
        // A path from the root of the machine (a URL's path too) is no file of the
        // repository.
        if !inner.contains('.')
            || inner.starts_with('/')
            || inner.starts_with('.') && !inner.starts_with("./") && !inner.starts_with("../")
        {
            continue;
        }
        let mut parts = vec![inner.to_owned()];
        let mut k = n;
        while k > 0 && parts.len() < 4 {
            let (_, prev_end, prev) = literals[k - 1];
            let (next_start, _, _) = literals[k];
            let between = &src[prev_end..next_start];
            if between.trim().is_empty() || !matches!(between.trim(), "," | "/") {
                break;
            }
            parts.insert(0, prev.to_owned());
            k -= 1;
        }
        // A bare file name only where its line reads a path (`"pyproject.toml" in names`
        // compares a name, `open("expected.json")` reads a file).
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
        let line = src[line_start..line_end].to_ascii_lowercase();
        let pathish = parts.len() > 1
            || inner.contains('/')
            || [
                "open(", "path", "read", "load", "__file__", "data", "fixture", "golden",
                "expected",
            ]
            .iter()
            .any(|w| line.contains(w));
        if pathish {
            out.push((start, parts));
        }
    }
    out
}

/// Python: the snapshots syrupy stores for a test in `__snapshots__/MODULE.ambr` beside its
/// file (`# name: TestTotal.test_total`, its value, `# ---`) are its expected values, locked as
/// Jest's are (see [`add_js_snapshots`]): an entry named as the test (its classes and its
/// name joined by `.`), or as one of its cases or later snapshots (`test_total[case]`,
/// `test_total.1`).
fn add_python_snapshots(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let name = path.rsplit_once('/').map_or(path, |(_, n)| n);
    let stem = name.strip_suffix(".py").unwrap_or(name);
    let Some((file, text)) = read_snapshots(repo, content, path, &format!("{stem}.ambr"))? else {
        return Ok(());
    };
    let mut entries: Vec<(String, String)> = Vec::new();
    for block in text.split("\n# ---") {
        let Some((_, rest)) = block.split_once("# name: ") else {
            continue;
        };
        let (key, value) = rest.split_once('\n').unwrap_or((rest, ""));
        entries.push((key.trim().to_owned(), value.to_owned()));
    }
    lock_snapshots(scan, &file, &entries, |parts, key| {
        key.strip_prefix(parts.join(".").as_str())
            .is_some_and(|r| r.is_empty() || r.starts_with('.') || r.starts_with('['))
    });
    Ok(())
}

/// The entries of a Jest or Vitest snapshot file: ``exports[`KEY`] = `VALUE`;``, each key
/// with its value (as written, escapes kept).
fn snapshot_entries(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let starts: Vec<usize> = text.match_indices("exports[`").map(|(i, _)| i).collect();
    for (n, &at) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        let entry = &text[at + "exports[`".len()..end];
        let Some((key, value)) = entry.split_once("`] = ") else {
            continue;
        };
        out.push((key.to_owned(), value.trim().to_owned()));
    }
    out
}

/// Every string of a JSON value, into `out`.
fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|i| json_strings(i, out)),
        serde_json::Value::Object(map) => map.values().for_each(|i| json_strings(i, out)),
        _ => {}
    }
}

/// A `conftest.py`: its fixtures and its hooks (`bindings::conftest_parts`).
struct Conftest {
    path: String,
    fixtures: Vec<crate::sacred::bindings::FixtureDef>,
    hooks: Vec<String>,
    /// The plugin modules its `pytest_plugins` loads that are files of the repository, and
    /// those they load in turn, as `hook plugin MODULE (in FILE): sha256:…` lines.
    plugins: Vec<String>,
    /// Whether its top-level code may change anything as pytest imports it, and its text.
    module: (bool, String),
}

/// Adds to a Python file's tests, as envelope bindings, what the `conftest.py` files of its
/// directory and of each directory above it hold for them: the fixture a test requests that
/// its own file does not define, from the nearest `conftest.py` that does, and every
/// autouse fixture and pytest hook (`pytest_runtest_setup`, `pytest_plugins`), each as
/// written, and the fixtures those fixtures and the file's own request in turn (see
/// [`fixtures_of_fixtures`]).
fn add_conftest_bindings(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    cache: &mut Surroundings,
) -> Result<()> {
    let mut dirs = Vec::new();
    let mut dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    loop {
        dirs.push(dir.to_owned());
        if dir.is_empty() {
            break;
        }
        dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    }
    for d in &dirs {
        if !cache.conftests.contains_key(d) {
            let file = if d.is_empty() {
                "conftest.py".to_owned()
            } else {
                format!("{d}/conftest.py")
            };
            let parsed = match content.read(repo, &file)? {
                Some(src) => match lang::python_conftest(&file, &src)? {
                    Some((fixtures, hooks, module)) => {
                        let plugins = pytest_plugin_lines(repo, content, &file, &hooks)?;
                        Some(Conftest {
                            path: file.clone(),
                            fixtures,
                            hooks,
                            plugins,
                            module,
                        })
                    }
                    None => None,
                },
                None => None,
            };
            cache.conftests.insert(d.clone(), parsed);
        }
    }
    // The test module's own `pytest_plugins` loads plugins for its tests as a `conftest.py`'s
    // does: the assignment as written, and the plugin modules of the repository it names.
    let own_plugins: Vec<String> = {
        let assignments: Vec<String> = scan
            .module_bindings
            .iter()
            .filter(|b| b.names.contains("pytest_plugins"))
            .map(|b| b.text.clone())
            .collect();
        let mut lines: Vec<String> = assignments
            .iter()
            .map(|a| format!("{}{a}", crate::sacred::bindings::HOOK))
            .collect();
        if !assignments.is_empty() {
            lines.extend(pytest_plugin_lines(repo, content, path, &assignments)?);
        }
        lines
    };
    if !own_plugins.is_empty() {
        for t in &mut scan.tests {
            t.envelope_bindings.extend(own_plugins.iter().cloned());
            t.envelope_bindings.sort();
        }
    }
    // Nearest first.
    let conftests: Vec<&Conftest> = dirs
        .iter()
        .filter_map(|d| cache.conftests.get(d).and_then(Option::as_ref))
        .collect();
    if conftests.is_empty() && scan.fixtures.iter().all(|f| f.requests.is_empty()) {
        return Ok(());
    }
    // Where pytest looks a fixture up from a test: its own file, then each `conftest.py`
    // from the nearest.
    let mut scopes: Vec<(Option<&str>, &[crate::sacred::bindings::FixtureDef])> =
        vec![(None, &scan.fixtures)];
    scopes.extend(
        conftests
            .iter()
            .map(|c| (Some(c.path.as_str()), c.fixtures.as_slice())),
    );
    let mut added: Vec<Vec<String>> = Vec::new();
    for t in &scan.tests {
        let mut lines = Vec::new();
        // A fixture the test's own file defines is already there (`fixture NAME: …`).
        let own = |name: &str| scan.fixtures.iter().any(|f| f.name == name);
        for c in &conftests {
            for f in c.fixtures.iter().filter(|f| f.autouse) {
                lines.push(format!(
                    "autouse fixture {} in {}: {}",
                    f.name, c.path, f.text
                ));
            }
            for h in &c.hooks {
                // `collect_ignore`: read by a reading later than some locks (`hooks-read`).
                if h.contains("collect_ignore") && !h.starts_with("def ") {
                    lines.push(format!(
                        "{}collect_ignore (in {}): {h}",
                        crate::sacred::bindings::HOOK,
                        c.path
                    ));
                } else {
                    lines.push(format!("setup in {}: {h}", c.path));
                }
            }
            lines.extend(c.plugins.iter().cloned());
            // Its top-level code, run as pytest imports it before every test below it.
            let (changes, text) = &c.module;
            let prefix = if *changes {
                crate::sacred::bindings::AT_IMPORT
            } else {
                crate::sacred::bindings::AT_IMPORT_PURE
            };
            lines.push(format!(
                "{prefix}defined import conftest (in {}): {text}",
                c.path
            ));
        }
        for name in t.fixtures.iter().filter(|f| !own(f)) {
            if let Some((c, f)) = conftests
                .iter()
                .find_map(|c| c.fixtures.iter().find(|f| &f.name == name).map(|f| (c, f)))
            {
                lines.push(format!("fixture {name} in {}: {}", c.path, f.text));
            }
        }
        lines.extend(fixtures_of_fixtures(&t.fixtures, &scopes));
        added.push(lines);
    }
    for (t, lines) in scan.tests.iter_mut().zip(added) {
        t.envelope_bindings.extend(lines);
        t.envelope_bindings.sort();
    }
    Ok(())
}

/// Python: the plugins a module other than a `conftest.py` registers for the whole run by a
/// `pytest_plugins` at its top (`pytest_plugins = ["tests.flaky"]` in `tests/test_smoke.py`,
/// whose `pytest_runtest_makereport` can turn any test's failure into a pass): the module
/// by its digest (`hook plugin list of a test module (in FILE): sha256:…`: the names may be
/// computed there), and each plugin module of the repository it names, as a `conftest.py`'s.
fn test_module_plugin_lines(
    repo: &Repo,
    content: &Content<'_>,
    file: &str,
    src: &str,
) -> Result<Vec<String>> {
    let mut statements: Vec<String> = Vec::new();
    let mut open: Option<(String, i32)> = None;
    for line in src.lines() {
        if let Some((text, depth)) = open.as_mut() {
            text.push(' ');
            text.push_str(line.trim());
            *depth += bracket_balance(line);
            if *depth <= 0 {
                statements.extend(open.take().map(|(t, _)| t));
            }
            continue;
        }
        if line.starts_with("pytest_plugins") {
            let depth = bracket_balance(line);
            if depth > 0 {
                open = Some((line.trim().to_owned(), depth));
            } else {
                statements.push(line.trim().to_owned());
            }
        }
    }
    statements.extend(open.take().map(|(t, _)| t));
    // Any other spelling (`globals()["pytest_plugins"] = …`, a `from x import
    // pytest_plugins`) is read as the module whole.
    if statements.is_empty() && !src.contains("pytest_plugins") {
        return Ok(Vec::new());
    }
    let mut out = vec![format!(
        "{}plugin list of a test module (in {file}): sha256:{}",
        crate::sacred::bindings::HOOK,
        analysis::sha256_hex(src)
    )];
    out.extend(pytest_plugin_lines(repo, content, file, &statements)?);
    Ok(out)
}

/// How many brackets a line opens more than it closes (string literals not told apart: a
/// statement read too far is only read whole).
fn bracket_balance(line: &str) -> i32 {
    line.chars()
        .map(|c| match c {
            '[' | '(' | '{' => 1,
            ']' | ')' | '}' => -1,
            _ => 0,
        })
        .sum()
}

/// The modules `pytest_plugins` names in the hooks of `file` (a `conftest.py`: its
/// `pytest_plugins = ["tests.plugin"]` line, as written), resolved as Python imports from
/// its directory or one above it, followed through their own `pytest_plugins`, each once:
/// `hook plugin MODULE (in FILE): sha256:DIGEST` of the whole file. A plugin module's hooks,
/// fixtures and top-level code all run around the tests (`pytest_collection_modifyitems`
/// can drop them), so any change to it is one to what they run. A module that is not a file
/// of the repository (an installed plugin) is not followed.
fn pytest_plugin_lines(
    repo: &Repo,
    content: &Content<'_>,
    file: &str,
    hooks: &[String],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<(String, String)> = plugin_names(hooks)
        .into_iter()
        .map(|m| (file.to_owned(), m))
        .collect();
    while let Some((from, module)) = queue.pop() {
        if !seen.insert(module.clone()) {
            continue;
        }
        for c in import_candidates(&from, &module) {
            let Some(src) = content.read(repo, &c)? else {
                continue;
            };
            out.push(format!(
                "{}plugin {module} (in {c}): sha256:{}",
                crate::sacred::bindings::HOOK,
                crate::sacred::analysis::sha256_hex(&src)
            ));
            if src.contains("pytest_plugins")
                && let Some((_, theirs, _)) = lang::python_conftest(&c, &src)?
            {
                queue.extend(plugin_names(&theirs).into_iter().map(|m| (c.clone(), m)));
            }
            break;
        }
    }
    out.sort();
    Ok(out)
}

/// The module names of the `pytest_plugins = …` lines among `hooks` (string literals).
fn plugin_names(hooks: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for h in hooks.iter().filter(|h| h.starts_with("pytest_plugins")) {
        for (i, part) in h.split(['"', '\'']).enumerate() {
            if i % 2 == 1
                && !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            {
                out.push(part.to_owned());
            }
        }
    }
    out
}

/// The fixtures that the fixtures a test gets request in turn, transitively, each once, as
/// `fixture NAME (of a fixture)[ in CONFTEST]: TEXT`: what the test gets is made from them
/// (`amounts(base)` returns `base + [3]`; emptying `base` empties `amounts`). `scopes` are
/// where pytest looks a name up from the test, in order (the test's file, then each
/// `conftest.py` from the nearest); a fixture that requests its own name gets the one of the
/// next scope that defines it (a `conftest.py` fixture overridden below and extended).
/// pytest's own fixtures are not followed, nor are names no scope defines (a plugin's).
fn fixtures_of_fixtures(
    requested: &[String],
    scopes: &[(Option<&str>, &[crate::sacred::bindings::FixtureDef])],
) -> Vec<String> {
    let find = |name: &str, from: usize| {
        scopes
            .iter()
            .enumerate()
            .skip(from)
            .find_map(|(i, (_, fs))| fs.iter().find(|f| f.name == name).map(|f| (i, f)))
    };
    let mut seen: BTreeSet<(usize, String)> = BTreeSet::new();
    // (a fixture that runs for the test, the scope it is defined in)
    let mut queue: Vec<(usize, &crate::sacred::bindings::FixtureDef)> = Vec::new();
    for name in requested {
        if let Some((i, f)) = find(name, 0) {
            seen.insert((i, f.name.clone()));
            queue.push((i, f));
        }
    }
    for (i, (_, fs)) in scopes.iter().enumerate() {
        for f in fs.iter().filter(|f| f.autouse) {
            if seen.insert((i, f.name.clone())) {
                queue.push((i, f));
            }
        }
    }
    let mut out = Vec::new();
    while let Some((at, by)) = queue.pop() {
        for name in &by.requests {
            let from = if *name == by.name { at + 1 } else { 0 };
            let Some((i, f)) = find(name, from) else {
                continue;
            };
            if !seen.insert((i, f.name.clone())) {
                continue;
            }
            out.push(match scopes[i].0 {
                Some(path) => format!("fixture {name} (of a fixture) in {path}: {}", f.text),
                None => format!("fixture {name} (of a fixture): {}", f.text),
            });
            queue.push((i, f));
        }
    }
    out
}

#[derive(Default)]
struct GoDir {
    /// `TestMain in FILE FINGERPRINT` of each file that has one (it runs instead of the
    /// package's tests).
    test_main: Vec<String>,
    /// `(file, package, bindings)` of each file that declares something at package level.
    declarations: Vec<(String, String, Vec<crate::sacred::bindings::Binding>)>,
    /// `(file, package, functions)` of the same files.
    functions: Vec<(String, String, Vec<crate::sacred::bindings::FileFunction>)>,
    /// What shadows a predeclared identifier in the package (any `.go` file, the code under
    /// test's included: `func len(…)`), and the methods the other test files declare, each
    /// a `hook …` line locked with every test of the package.
    shadows: Vec<String>,
    /// `(package, methods)` of every `.go` file (see [`go_file_methods`]).
    methods: Vec<(String, crate::sacred::setters::GoMethods)>,
    /// The build constraint of each `.go` file that has one (see [`go_build_constraint`]).
    constraints: BTreeMap<String, String>,
}

/// How a Go file's build constraint deciding which builds compile it reads (`//go:build`
/// lines, and `// +build` ones, each without its comment marker, joined by ` && `): only
/// those before the package clause count.
fn go_build_constraint(src: &str) -> Option<String> {
    let mut parts = Vec::new();
    for line in src.lines() {
        let t = line.trim();
        if t.starts_with("package ") {
            break;
        }
        if let Some(expr) = t.strip_prefix("//go:build ") {
            parts.push(expr.trim().to_owned());
        } else if let Some(expr) = t.strip_prefix("// +build ") {
            parts.push(format!("+build {}", expr.trim()));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" && "))
}

impl GoDir {
    /// The setters of `package` (see [`crate::sacred::setters`]).
    fn setters(&self, package: &str) -> Vec<crate::sacred::setters::GoSetter> {
        crate::sacred::setters::unique_setters(
            self.methods
                .iter()
                .filter(|(p, _)| p == package)
                .map(|(_, m)| m),
        )
    }
}

/// The methods a Go file declares, with its package clause (see
/// [`crate::sacred::setters::GoMethods`]). Only a file with a method whose body may be a
/// setter's (every line of it a store, `c.out = w`) is parsed; the others are read line by
/// line for the methods they declare (`func (c *Command) Name(`, as gofmt writes it).
fn go_file_methods(
    path: &str,
    src: &str,
) -> Result<Option<(String, crate::sacred::setters::GoMethods)>> {
    let lines: Vec<&str> = src.lines().collect();
    let may_set = lines.iter().enumerate().any(|(at, l)| {
        l.starts_with("func (")
            && l.trim_end().ends_with('{')
            && lines[at + 1..]
                .iter()
                .take_while(|b| !b.starts_with('}'))
                .all(|b| {
                    let b = b.trim();
                    b.is_empty() || b.starts_with("//") || (b.contains(" = ") && b.contains('.'))
                })
    });
    if may_set {
        return lang::go_methods(path, src);
    }
    let Some(package) = lines
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .and_then(|l| l.strip_prefix("package "))
        .map(|p| p.split_whitespace().next().unwrap_or("").to_owned())
    else {
        return lang::go_methods(path, src);
    };
    let mut methods = crate::sacred::setters::GoMethods::default();
    for l in &lines {
        let Some(rest) = l.strip_prefix("func (") else {
            continue;
        };
        let Some((receiver, after)) = rest.split_once(')') else {
            continue;
        };
        let ty = receiver
            .split_whitespace()
            .last()
            .unwrap_or("")
            .trim_start_matches('*');
        let ty = ty.split('[').next().unwrap_or(ty);
        let name = after
            .trim_start()
            .split(['(', '['])
            .next()
            .unwrap_or("")
            .trim();
        methods.declared.push((ty.to_owned(), name.to_owned()));
    }
    Ok(Some((package, methods)))
}

/// What follows `hook ` in the line of a Go file's build constraint, before the file's name:
/// `hook go build (in cases_test.go): !yaml2`.
pub(crate) const GO_BUILD_IN: &str = "go build (in ";

/// Go's predeclared identifiers: a package-level declaration of one in any file of the
/// package (`func len(xs []int) int { return 3 }`) replaces it in every file.
const GO_PREDECLARED: &[&str] = &[
    "append",
    "cap",
    "clear",
    "close",
    "complex",
    "copy",
    "delete",
    "imag",
    "len",
    "make",
    "max",
    "min",
    "new",
    "panic",
    "print",
    "println",
    "real",
    "recover",
    "true",
    "false",
    "nil",
    "iota",
    "any",
    "bool",
    "byte",
    "comparable",
    "complex64",
    "complex128",
    "error",
    "float32",
    "float64",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "rune",
    "string",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
];

/// The package-level declarations of Go source `src` that shadow a predeclared identifier
/// ([`GO_PREDECLARED`]), each as its line: `func len(`, `var nil = …`, a `const (` block's
/// `true = false`, `type string = …`. Read by lines (gofmt puts each at the start of its
/// line, or indented once in a block), so a declaration written otherwise is missed only
/// where gofmt would not leave it.
fn go_predeclared_shadows(src: &str) -> Vec<String> {
    // The names a spec declares: `len`, and each of a list, `_, len = 0, …`.
    let declares_predeclared = |spec: &str| {
        let names = spec.split(['=', '(', '[', '{']).next().unwrap_or(spec);
        names.split(',').any(|n| {
            let name: String = n
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            GO_PREDECLARED.contains(&name.as_str())
        })
    };
    let mut out = Vec::new();
    let mut block = false;
    for line in src.lines() {
        let t = line.trim();
        if block {
            if t == ")" {
                block = false;
                continue;
            }
            if line.starts_with(['\t', ' ']) && declares_predeclared(t) {
                out.push(t.to_owned());
            }
            continue;
        }
        for kw in ["var", "const", "type"] {
            if line.starts_with(&format!("{kw} (")) || line.starts_with(&format!("{kw}(")) {
                block = !t.ends_with(')');
            }
        }
        if let Some(rest) = line.strip_prefix("func ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if GO_PREDECLARED.contains(&name.as_str()) {
                out.push(t.to_owned());
            }
        } else if let Some(rest) = ["var ", "const ", "type "]
            .iter()
            .find_map(|k| line.strip_prefix(k))
            && declares_predeclared(rest)
        {
            out.push(t.to_owned());
        }
    }
    out
}

impl Surroundings {
    fn read(&mut self, repo: &Repo, content: &Content<'_>, dir: &str) -> Result<&GoDir> {
        if !self.dirs.contains_key(dir) {
            let mut found = GoDir::default();
            let hook = crate::sacred::bindings::HOOK;
            let mut test_types: BTreeSet<String> = BTreeSet::new();
            // The file that declares each type of the tests, and those that embed a type.
            let mut type_files: BTreeMap<String, String> = BTreeMap::new();
            let mut embedding: BTreeSet<String> = BTreeSet::new();
            // (receiver type, file, line, digest of the whole method).
            let mut methods: Vec<(String, String, String, String)> = Vec::new();
            for file in content.list_dir(repo, dir)? {
                if !is_go(&file) {
                    continue;
                }
                let Some(src) = content.read(repo, &file)? else {
                    continue;
                };
                for line in go_predeclared_shadows(&src) {
                    found
                        .shadows
                        .push(format!("{hook}predeclared shadowed (in {file}): {line}"));
                }
                if let Some(constraint) = go_build_constraint(&src) {
                    found.constraints.insert(file.clone(), constraint);
                }
                if src.contains("\nfunc (")
                    && let Some(methods) = go_file_methods(&file, &src)?
                {
                    found.methods.push(methods);
                }
                if !file.ends_with("_test.go") {
                    continue;
                }
                // A method a test file declares on a type of the code under test may take
                // the place of one the tests call through an embedded field (`func (c Cart)
                // Total() int` over `Ledger`'s); one on a type of the tests is a helper.
                let mut block = false;
                let lines: Vec<&str> = src.lines().collect();
                for (at, line) in lines.iter().enumerate() {
                    let t = line.trim();
                    if block {
                        block = t != ")";
                        if block
                            && line.starts_with(['\t', ' '])
                            && let Some(n) = t.split_whitespace().next()
                        {
                            test_types.insert(n.to_owned());
                            type_files.insert(n.to_owned(), file.clone());
                        }
                        continue;
                    }
                    if line.starts_with("type (") || line.starts_with("type(") {
                        block = !t.ends_with(')');
                    } else if let Some(rest) = line.strip_prefix("type ") {
                        if let Some(n) = rest
                            .split_whitespace()
                            .next()
                            .map(|n| n.split('[').next().unwrap_or(n).to_owned())
                        {
                            // A struct that embeds a type (a field that is a type alone):
                            // its methods take the place of that type's promoted ones.
                            if let Some(open) = rest
                                .find("struct")
                                .and_then(|i| rest[i..].find('{').map(|j| i + j + 1))
                            {
                                let mut fields: Vec<String> = Vec::new();
                                if let Some(close) = rest[open..].find('}') {
                                    fields.extend(
                                        rest[open..open + close].split(';').map(str::to_owned),
                                    );
                                } else {
                                    fields.extend(
                                        lines[at + 1..]
                                            .iter()
                                            .take_while(|l| !l.starts_with('}'))
                                            .map(|l| (*l).to_owned()),
                                    );
                                }
                                if fields.iter().any(|f| {
                                    let f = f.split("//").next().unwrap_or("");
                                    let f = f.split('`').next().unwrap_or("");
                                    f.split_whitespace().count() == 1
                                }) {
                                    embedding.insert(n.clone());
                                }
                            }
                            test_types.insert(n.clone());
                            type_files.insert(n, file.clone());
                        }
                    } else if let Some(rest) = line.strip_prefix("func (") {
                        let receiver = rest.split(')').next().unwrap_or("");
                        let ty = receiver
                            .split_whitespace()
                            .last()
                            .unwrap_or("")
                            .trim_start_matches('*');
                        let ty = ty.split('[').next().unwrap_or(ty).to_owned();
                        // The whole method: to the `}` that closes it at the start of a line.
                        let end = if t.ends_with('}') {
                            at
                        } else {
                            (at + 1..lines.len())
                                .find(|&j| lines[j].starts_with('}'))
                                .unwrap_or(lines.len() - 1)
                        };
                        let whole: String = lines[at..=end]
                            .iter()
                            .flat_map(|l| l.split_whitespace())
                            .collect::<Vec<_>>()
                            .join(" ");
                        let digest = crate::sacred::analysis::sha256_hex(&whole);
                        methods.push((
                            ty,
                            file.clone(),
                            format!(
                                "{hook}method (in {file}): {}",
                                line.trim_end_matches('{').trim()
                            ),
                            digest[..12].to_owned(),
                        ));
                    }
                }
                if src.contains("TestMain")
                    && let Some(fp) = lang::go_test_main(&file, &src)?
                {
                    found.test_main.push(format!("TestMain in {file} {fp}"));
                }
                // Every test file is read for its functions (a check helper another file's
                // test calls), unless it declares nothing at package level but tests.
                let declares = src.lines().any(|l| {
                    ["var ", "var(", "const ", "const(", "func ", "type "]
                        .iter()
                        .any(|k| l.starts_with(k))
                        && !["func Test", "func Benchmark", "func Example", "func Fuzz"]
                            .iter()
                            .any(|k| l.starts_with(k))
                });
                // A test that ends the process ends the whole test binary (see
                // `bindings::go`).
                // (Any `Exit`: also under an import's alias, `sc.Exit(0)`; or a call that
                // replaces or signals the binary, `syscall.Exec`, `syscall.Kill`.)
                let ends = ["Exit", "Goexit", "Exec", "Kill", "Syscall"]
                    .iter()
                    .any(|w| src.contains(w));
                if (declares || ends)
                    && let Some((package, bindings, functions)) = lang::go_file_parts(&file, &src)?
                {
                    found
                        .declarations
                        .push((file.clone(), package.clone(), bindings));
                    found.functions.push((file, package, functions));
                }
            }
            found.test_main.sort();
            // A method of a type of the tests declared in another file than the type, or of
            // one that embeds a type: it may take the place of an embedded type's method
            // (`func (c checker) Errorf(…)` over `*testing.T`'s) for every test of the
            // package, and the helper reading of the type's own file reads only check
            // helpers; locked as written.
            found
                .shadows
                .extend(methods.into_iter().filter_map(|(ty, file, line, digest)| {
                    if !test_types.contains(&ty) {
                        Some(line)
                    } else if type_files.get(&ty) != Some(&file) || embedding.contains(&ty) {
                        Some(format!("{line} sha256:{digest}"))
                    } else {
                        None
                    }
                }));
            found.shadows.sort();
            self.dirs.insert(dir.to_owned(), found);
        }
        Ok(&self.dirs[dir])
    }
}

/// Go: how each check helper a test reaches reads with the calls of its package's setters
/// written out as the stores they make (see [`crate::sacred::setters`]), for the helpers of
/// the test's file and of the package's other test files (`sibling_files`) that call one.
fn add_go_setter_reads(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    plain: &[crate::sacred::bindings::FileFunction],
    setters: &[crate::sacred::setters::GoSetter],
    scan: &mut FileScan,
    cache: &mut BTreeMap<String, Vec<crate::sacred::setters::SetterRead>>,
) -> Result<()> {
    let calls_one = |text: &str| {
        setters
            .iter()
            .any(|s| text.contains(&format!(".{}(", s.method)))
    };
    let files: BTreeSet<&str> = std::iter::once(path)
        .chain(plain.iter().filter_map(|f| f.file.as_deref()))
        .collect();
    let skips = crate::sacred::bindings::SKIPS_IN_HELPER;
    let mut lines: Vec<(String, String)> = Vec::new();
    for file in files {
        if !cache.contains_key(file) {
            let read = match content.read(repo, file)? {
                Some(src) if calls_one(&src) => lang::go_setter_reads(file, &src, setters)?,
                _ => Vec::new(),
            };
            cache.insert(file.to_owned(), read);
        }
        let own = (file != path).then(|| file.to_owned());
        for r in &cache[file] {
            let Some(f) = plain
                .iter()
                .find(|f| f.name == r.name && f.text == r.text && f.file == own)
            else {
                continue;
            };
            let as_read = |text: &str| {
                crate::sacred::bindings::helper_line(&crate::sacred::bindings::FileFunction {
                    text: text.to_owned(),
                    read: None,
                    ..f.clone()
                })
            };
            let plain_read = f.read.as_deref().unwrap_or(&f.text);
            if r.inlined == plain_read {
                continue;
            }
            lines.push((as_read(&f.text), as_read(&r.inlined)));
            lines.push((
                format!("{skips}{}", as_read(plain_read)),
                format!("{skips}{}", as_read(&r.inlined)),
            ));
        }
    }
    for t in &mut scan.tests {
        for (line, read) in &lines {
            if t.envelope_bindings.contains(line) {
                t.envelope_reads.insert(line.clone(), read.clone());
            }
        }
    }
    Ok(())
}

/// Adds to a Go file's tests, as envelope bindings, the package-level declarations other
/// `_test.go` files of their package make of names they use and their own file does not
/// bind (`var cases = []struct{…}` in `cases_test.go`), and every other test file's
/// `func init()`: a test reads them without its file showing it; and the check helpers the
/// test reaches through the functions of every test file of the package. A file is parsed
/// only when its text declares something at package level besides tests (`var`, `const`,
/// `func`, `type` at the start of a line).
fn add_go_sibling_bindings(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    siblings: &mut Surroundings,
) -> Result<()> {
    let own: BTreeSet<&str> = scan
        .module_bindings
        .iter()
        .flat_map(|b| b.names.iter().map(String::as_str))
        .collect();
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for t in &scan.tests {
        wanted.extend(t.used.iter().filter(|n| !own.contains(n.as_str())).cloned());
    }
    if scan.tests.is_empty() {
        return Ok(());
    }
    let Some(src) = content.read(repo, path)? else {
        return Ok(());
    };
    // The package clause is usually the first line that is not a `//` comment or blank; a
    // file that starts otherwise (a `/* … */` header) is parsed for it.
    let quick = src
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .and_then(|l| l.strip_prefix("package "))
        .map(|p| p.split_whitespace().next().unwrap_or("").to_owned());
    let package = match quick {
        Some(p) => p,
        None => match lang::go_file_parts(path, &src)? {
            Some((p, _, _)) => p,
            None => return Ok(()),
        },
    };
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let godir = siblings.read(repo, content, dir)?;
    // The check helpers a test reaches through the whole package: its own file's, and those
    // of the package's other test files, which Go lets it call as its own (`helper NAME:
    // TEXT` either way: a helper moved between the files is the same helper).
    let theirs: Vec<crate::sacred::bindings::FileFunction> = godir
        .functions
        .iter()
        .filter(|(file, p, _)| file != path && *p == package)
        .flat_map(|(file, _, fs)| {
            fs.iter()
                .map(move |f| crate::sacred::bindings::FileFunction {
                    file: Some(file.clone()),
                    ..f.clone()
                })
        })
        .collect();
    // What a test reads through the functions of the package it calls (an `init` of another
    // file reaches the tests that read what it changes).
    let package_functions: Vec<crate::sacred::bindings::FileFunction> =
        scan.functions.iter().chain(&theirs).cloned().collect();
    let setters = godir.setters(&package);
    // How each function of the package's test files reads without them.
    let plain: Vec<crate::sacred::bindings::FileFunction> = if setters.is_empty() {
        Vec::new()
    } else {
        scan.functions.iter().chain(&theirs).cloned().collect()
    };
    let mut theirs = theirs;
    theirs.extend(go_imported_check_helpers(
        repo, content, path, scan, siblings,
    )?);
    add_check_helpers_of_other_files(scan, theirs, false);
    if !setters.is_empty() {
        add_go_setter_reads(
            repo,
            content,
            path,
            &plain,
            &setters,
            scan,
            &mut siblings.go_setter_reads,
        )?;
    }
    let godir = siblings.read(repo, content, dir)?;
    let shadows: Vec<String> = godir
        .shadows
        .iter()
        .filter(|l| !l.contains(&format!("(in {path}): func (")) || l.contains(" sha256:"))
        .cloned()
        .collect();
    lock_with_every_test(scan, shadows);
    let godir = siblings.read(repo, content, dir)?;
    let declarations = &godir.declarations;
    let mut found: Vec<(String, crate::sacred::bindings::Binding)> = Vec::new();
    for (file, theirs, bindings) in declarations {
        // The external test package (`billing_test` beside `billing`) is linked into the
        // same test binary: its `init` and the values it computes run before every test
        // too, though it cannot rebind the package's names.
        let twin = theirs.strip_suffix("_test") == Some(package.as_str())
            || package.strip_suffix("_test") == Some(theirs.as_str());
        if file == path || (*theirs != package && !twin) {
            continue;
        }
        found.extend(
            bindings
                .iter()
                .filter(|b| !twin || b.all || !b.reaches.is_empty())
                // A function or type is recorded by kind and name only (its body is not
                // fingerprinted, and Go rejects a second declaration in the package), so
                // only values and `init` are read from other files.
                .filter(|b| {
                    b.all
                        || !b.reaches.is_empty()
                        || (!b.text.starts_with("func ")
                            && !b.text.starts_with("type ")
                            && b.names.iter().any(|n| wanted.contains(n)))
                })
                .map(|b| (file.clone(), b.clone())),
        );
    }
    if found.is_empty() {
        return Ok(());
    }
    for t in &mut scan.tests {
        let reads = crate::sacred::bindings::uses_through_helpers(
            &t.reads,
            &package_functions,
            crate::sacred::bindings::own_function(t),
        );
        let mut from: BTreeSet<&String> = BTreeSet::new();
        for (file, b) in &found {
            if b.concerns(&t.used) || (!b.reaches.is_empty() && b.concerns(&reads)) {
                t.envelope_bindings.push(format!("in {file}: {}", b.text));
                from.insert(file);
            }
        }
        // Which builds compile those declarations: the build constraint of each file.
        for file in from {
            if let Some(constraint) = godir.constraints.get(file) {
                t.envelope_bindings.push(format!(
                    "{}{GO_BUILD_IN}{file}): {constraint}",
                    crate::sacred::bindings::HOOK
                ));
            }
        }
        t.envelope_bindings.sort();
        t.envelope_bindings.dedup();
    }
    Ok(())
}

/// Adds to a Python or JavaScript/TypeScript file's tests the check helpers they reach
/// through what their file imports from a module of the tests:
///
/// - a function imported by name (`from tests.helpers import check_total`, `import
///   {checkTotal} from './helpers/check.js'`, a default export, `const {checkTotal} =
///   require('./helpers/check')`), when it asserts or leads to a function of its file that
///   does, and those, each as written (`helper NAME (in FILE): TEXT`);
/// - a function of a module imported whole and called through it (`from tests import
///   helpers` / `import tests.helpers as h` / `import * as h from './helpers.js'` / `const h
///   = require('./helpers')`, then `h.check_total(…)`), recorded as `helper h.check_total (in
///   FILE): TEXT`;
/// - (Python) the methods a test's class inherits from a class imported by name, and from
///   that class's bases of the same module, which the test calls on `self`.
///
/// Only a module of the tests is followed (see [`test_support`]): the code under test is
/// what the test exercises, and may change.
fn add_imported_check_helpers(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    cache: &mut Surroundings,
) -> Result<()> {
    use crate::sacred::bindings::FileFunction;
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for t in &scan.tests {
        wanted.extend(t.used.iter().cloned());
        for base in &t.class_bases {
            // `helpers.Base`, `tests.helpers.Base`: the module names it is reached through.
            let mut prefix = String::new();
            for part in base.split('.') {
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(part);
                wanted.insert(prefix.clone());
            }
        }
    }
    for f in &scan.functions {
        wanted.extend(f.uses.iter().cloned());
    }
    for t in &scan.tests {
        for f in &t.class_functions {
            wanted.extend(f.uses.iter().cloned());
        }
    }
    let mut in_progress = BTreeSet::from([path.to_owned()]);
    let (stubs, classes) = import_stubs(
        repo,
        content,
        path,
        &scan.module_bindings,
        &wanted,
        cache,
        &mut in_progress,
    )?;
    // Methods inherited from an imported class, looked up as Python does after the class's
    // own and those of the bases its file defines.
    let mut inherited_any = false;
    // Each imported base class, with the bases it has in turn, in its module or imported
    // by that module from another of the tests.
    let mut hierarchy: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    for (alias, file) in &classes {
        if !scan.tests.iter().any(|t| t.class_bases.contains(alias)) {
            continue;
        }
        let name = match alias.rsplit_once('.') {
            Some((_, last)) => last,
            None => named_import_name(&scan.module_bindings, alias).unwrap_or(alias),
        };
        imported_class_hierarchy(
            repo,
            content,
            (file.clone(), name.to_owned()),
            cache,
            &mut in_progress,
            &mut hierarchy,
        )?;
    }
    if !classes.is_empty() {
        for t in &mut scan.tests {
            let bases: Vec<&(String, String)> = t
                .class_bases
                .iter()
                .filter_map(|b| classes.iter().find(|(alias, _)| alias == b))
                .collect();
            for (alias, file) in bases {
                if cache.modules[file].is_none() {
                    continue;
                }
                // A class reached through its module (`helpers.Base`) is named in it by its
                // last part.
                let name = match alias.rsplit_once('.') {
                    Some((_, last)) => last,
                    None => named_import_name(&scan.module_bindings, alias).unwrap_or(alias),
                };
                // A class is looked up as `FILE\u{1}NAME`: classes of several modules meet.
                let token = |f: &str, n: &str| format!("{f}\u{1}{n}");
                let lookup = |key: &str| {
                    let (file, n) = key.split_once('\u{1}')?;
                    let parts = cache.modules.get(file)?.as_ref()?;
                    let functions = &cache.extended[file];
                    let c = parts.classes.iter().find(|c| c.name == n)?;
                    let methods = c
                        .methods
                        .iter()
                        .map(|m| {
                            // What the method reaches among its module's functions.
                            let reached = crate::sacred::bindings::reached_check_helper_indices(
                                &m.uses, functions, "",
                            );
                            FileFunction {
                                file: Some(file.to_owned()),
                                uses: m
                                    .uses
                                    .iter()
                                    .filter(|u| u.starts_with('.'))
                                    .cloned()
                                    .collect(),
                                asserts: m.asserts || !reached.is_empty(),
                                beyond: reached
                                    .iter()
                                    .flat_map(|i| helper_lines(&functions[*i]))
                                    .collect(),
                                beyond_values: crate::sacred::bindings::reached_indices(
                                    &m.uses, functions, "",
                                )
                                .iter()
                                .flat_map(|i| {
                                    helper_lines(&functions[*i])
                                        .into_iter()
                                        .chain(functions[*i].beyond_values.iter().cloned())
                                })
                                .collect(),
                                ..m.clone()
                            }
                        })
                        .collect();
                    let bases = hierarchy
                        .get(&(file.to_owned(), n.to_owned()))
                        .into_iter()
                        .flatten()
                        .map(|(f, b)| token(f, b))
                        .collect();
                    Some((bases, methods))
                };
                // Its setups and hooks, and its bases': they run for the test.
                let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
                let mut queue = vec![(file.clone(), name.to_owned())];
                while let Some(at) = queue.pop() {
                    if !seen.insert(at.clone()) {
                        continue;
                    }
                    let (f, n) = &at;
                    let Some(c) = cache
                        .modules
                        .get(f)
                        .and_then(Option::as_ref)
                        .and_then(|p| p.classes.iter().find(|c| &c.name == n))
                    else {
                        continue;
                    };
                    for line in &c.runs {
                        t.envelope_bindings
                            .push(format!("in a base (in {f}): {line}"));
                    }
                    queue.extend(hierarchy.get(&at).into_iter().flatten().cloned());
                }
                t.envelope_bindings.sort();
                let before = t.class_functions.len();
                crate::sacred::bindings::inherit_methods(
                    &[token(file, name)],
                    &lookup,
                    &mut t.class_functions,
                );
                inherited_any |= t.class_functions.len() > before;
            }
        }
    }
    add_check_helpers_of_other_files(scan, stubs, inherited_any);
    add_imported_envelope_definitions(repo, content, path, scan, cache)?;
    add_js_imported_values(repo, content, path, scan, cache)?;
    add_imported_module_code(repo, content, path, scan)
}

/// JavaScript/TypeScript: a value a test reads from a module of the tests it imports by name
/// (`import {EXPECTED} from './cases.js'`, `const {EXPECTED} = require('./cases.js')`, then
/// `t.is(total(xs), EXPECTED)`, or the cases `test.each(CASES)` registers) is what it
/// compares with: its binding there, as read, is
/// recorded as `defined NAME (in FILE): TEXT` for the tests that read it, as a Python test's
/// is (see [`add_imported_envelope_definitions`]). A function or class is not a value here: a
/// check helper is read as one, and the code under test may change.
fn add_js_imported_values(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    cache: &mut Surroundings,
) -> Result<()> {
    if !lang::Lang::of_path(path).is_some_and(lang::Lang::is_js) {
        return Ok(());
    }
    let read: BTreeSet<&str> = scan
        .tests
        .iter()
        .flat_map(|t| t.used.iter().chain(&t.envelope_used).map(String::as_str))
        .collect();
    let mut found: Vec<(String, String)> = Vec::new();
    for b in &scan.module_bindings {
        let Some(Imported::Name {
            module,
            name,
            alias,
        }) = import_of(&b.text)
        else {
            continue;
        };
        if !read.contains(alias.as_str()) || name == "default" {
            continue;
        }
        let Some(file) = resolve_import(repo, content, path, &module)? else {
            continue;
        };
        let Some(parts) = read_module(repo, content, &file, cache)? else {
            continue;
        };
        let exported = format!("exports.{name}");
        let values: Vec<&str> = parts
            .bindings
            .iter()
            .filter(|x| x.names.contains(name.as_str()) || x.names.contains(&exported))
            .map(|x| x.text.as_str())
            .collect();
        let [text] = values.as_slice() else {
            continue;
        };
        let function_like = ["function", "=>", "class ", "import ", "require("]
            .iter()
            .any(|w| text.contains(w));
        if !function_like {
            let line = format!("defined {alias} (in {file}): {text}");
            found.push((alias, line));
        }
    }
    for t in &mut scan.tests {
        let mut grew = false;
        for (alias, line) in &found {
            let reads = t.used.contains(alias) || t.envelope_used.contains(alias);
            if reads && !t.envelope_bindings.contains(line) {
                t.envelope_bindings.push(line.clone());
                grew = true;
            }
        }
        if grew {
            t.envelope_bindings.sort();
        }
    }
    Ok(())
}

/// Python: the bases of the class `at` (a file of the tests and a class name), and theirs in
/// turn, into `hierarchy` (each class to its bases, in order): a base its module defines, or
/// imports from another module of the tests (`from tests.root import Root`, `class
/// Base(root.Root)` after `from tests import root`). A base of an installed package is not
/// followed.
fn imported_class_hierarchy(
    repo: &Repo,
    content: &Content<'_>,
    at: (String, String),
    cache: &mut Surroundings,
    in_progress: &mut BTreeSet<String>,
    hierarchy: &mut BTreeMap<(String, String), Vec<(String, String)>>,
) -> Result<()> {
    let mut queue = vec![at];
    while let Some(at) = queue.pop() {
        if hierarchy.contains_key(&at) {
            continue;
        }
        let (file, name) = &at;
        if !extended_functions(repo, content, file, cache, in_progress)? {
            continue;
        }
        let Some(parts) = cache.modules[file].as_ref() else {
            continue;
        };
        let Some(class) = parts.classes.iter().find(|c| &c.name == name) else {
            continue;
        };
        let bindings = parts.bindings.clone();
        let mut bases = Vec::new();
        for base in class.bases.clone() {
            if parts.classes.iter().any(|c| c.name == base) {
                bases.push((file.clone(), base));
                continue;
            }
            for (module, name) in bindings.iter().filter_map(|b| base_import(&b.text, &base)) {
                if let Some(other) = resolve_import(repo, content, file, &module)? {
                    bases.push((other, name));
                    break;
                }
            }
        }
        queue.extend(bases.iter().cloned());
        hierarchy.insert(at, bases);
    }
    Ok(())
}

/// The module and the name in it that an import binding's `text` gives a base class
/// written `base` in the class header: `Root` bound by `from tests.root import Root` (or
/// `… import R as Root`), `root.Root` read through `from tests import root` or `import
/// tests.root as root`.
fn base_import(text: &str, base: &str) -> Option<(String, String)> {
    let (head, last) = base.rsplit_once('.').unwrap_or(("", base));
    match import_of(text)? {
        Imported::Name {
            module,
            name,
            alias,
        } if head.is_empty() && alias == base => Some((module, name)),
        // `from tests import root`: `root` is a module of the package.
        Imported::Name {
            module,
            name,
            alias,
        } if alias == head => {
            let whole = if module.chars().all(|c| c == '.') {
                format!("{module}{name}")
            } else {
                format!("{module}.{name}")
            };
            Some((whole, last.to_owned()))
        }
        Imported::Module { module, alias } if alias == head => Some((module, last.to_owned())),
        _ => None,
    }
}

/// The prefix of a Python test's line recording where each module its file imports by an
/// absolute name is found first from the test's directory (see [`add_python_import_homes`]).
pub(crate) const IMPORT_HOMES: &str = "hook imports resolve: ";

/// Python: pytest puts the test's directory (or the first one above it that is not a package)
/// at the head of `sys.path`, so a `billing.py` added beside the test, or in a directory above
/// it, takes the place of the `billing` the test imports (the code under test, or `json`),
/// with the test untouched. So every Python test is locked with, for each module its file
/// imports by an absolute name, the nearest `NAME.py` or `NAME/__init__.py` in its directory
/// or one above it, or none (`hook imports resolve: billing=billing.py; json=`). A module found
/// elsewhere now is `rebound`; a newly imported name is judged with the test's body.
fn add_python_import_homes(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let mut names: BTreeSet<String> = BTreeSet::new();
    for b in &scan.module_bindings {
        let Some(Imported::Name { module, .. } | Imported::Module { module, .. }) =
            import_of(&b.text)
        else {
            continue;
        };
        if module.starts_with('.') {
            continue;
        }
        let top = module.split('.').next().unwrap_or(&module);
        if !top.is_empty() && top != "__future__" {
            names.insert(top.to_owned());
        }
    }
    if names.is_empty() {
        return Ok(());
    }
    let mut dirs: Vec<&str> = Vec::new();
    let mut dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    loop {
        dirs.push(dir);
        if dir.is_empty() {
            break;
        }
        dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    }
    let mut homes = Vec::new();
    let mut listed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in &names {
        let mut found = String::new();
        for d in &dirs {
            let join = |n: &str| {
                if d.is_empty() {
                    n.to_owned()
                } else {
                    format!("{d}/{n}")
                }
            };
            let package = join(name);
            for dir in [d.to_string(), package.clone()] {
                if let std::collections::btree_map::Entry::Vacant(e) = listed.entry(dir) {
                    let files = content.list_dir(repo, e.key())?;
                    e.insert(files);
                }
            }
            if let Some(f) = python_module_file(&listed[&package], "__init__")
                .or_else(|| python_module_file(&listed[*d], name))
                .filter(|f| f != path)
            {
                found = f;
                break;
            }
        }
        // A module whose attributes an annotation of the file looks up (`r: httpx.Request`):
        // a plain lookup when its file defines no `__getattr__` and cannot swap the module
        // object (`sys.modules[__name__] = …`, `__class__`). A compiled module is not read.
        let looked_up = scan
            .module_bindings
            .iter()
            .any(|b| b.lookup.as_deref() == Some(name.as_str()));
        if looked_up
            && Path::new(&found)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("py"))
            && content.read(repo, &found)?.is_some_and(|text| {
                ![
                    "__getattr__",
                    "__getattribute__",
                    "modules",
                    "__class__",
                    "__dict__",
                ]
                .iter()
                .any(|w| text.contains(w))
            })
        {
            scan.python_plain_modules.insert(name.clone());
        }
        homes.push(format!("{name}={found}"));
    }
    let line = format!("{IMPORT_HOMES}{}", homes.join("; "));
    for t in &mut scan.tests {
        t.envelope_bindings.push(line.clone());
        t.envelope_bindings.sort();
    }
    Ok(())
}

/// The module a Python star import binding (its text) names: `billing` of `from billing
/// import *`.
fn python_star_module(text: &str) -> Option<&str> {
    text.strip_prefix("from ")?.strip_suffix(" import *")
}

/// The path a Rust glob `use` binding (its text) names: `billing::pay` of `use
/// billing::pay::*`.
fn rust_glob_path(text: &str) -> Option<&str> {
    text.strip_prefix("use ")?.strip_suffix("::*")
}

/// The prefix of a Python test's line recording the modules at the head of `sys.path` that
/// take another's place.
pub(crate) const PATH_HEAD: &str = "hook path head (in ";

/// The top-level names of the modules a Python file imports by an absolute name.
fn python_imported_tops(bindings: &[crate::sacred::bindings::Binding]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for b in bindings {
        if let Some(Imported::Name { module, .. } | Imported::Module { module, .. }) =
            import_of(&b.text)
            && !module.starts_with('.')
        {
            out.extend(module.split('.').next().map(str::to_owned));
        }
        if let Some(module) = python_star_module(&b.text).filter(|m| !m.starts_with('.')) {
            out.extend(module.split('.').next().map(str::to_owned));
        }
    }
    out
}

/// Python: pytest puts the first directory above a test file that is not a package at the
/// head of `sys.path` (its own directory, when it is not a package), so a module there takes
/// the place of every module of that name, for the code under test too: `rates.py` beside
/// the test answers the `import rates` of `billing.py` in place of the root's `rates.py`,
/// with the test untouched. So every test whose head directory is not the root is locked with
/// the modules there (`NAME.py`, a package `NAME/`, an extension module; not a test module,
/// `conftest.py` or `__init__.py`) that share a name with a module at the root or under
/// `src/`, or with a module that a module of the repository the test's file imports
/// imports by an absolute name (`hook path head (in tests/billing/): rates`, or `none`).
fn add_python_path_head(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    if scan.tests.is_empty() {
        return Ok(());
    }
    let parent = |d: &str| d.rsplit_once('/').map_or("", |(p, _)| p).to_owned();
    let mut head = parent(path);
    while !head.is_empty()
        && content
            .read(repo, &format!("{head}/__init__.py"))?
            .is_some()
    {
        head = parent(&head);
    }
    if head.is_empty() {
        return Ok(());
    }
    let own = path.rsplit_once('/').map_or(path, |(_, n)| n);
    let own = own.split('.').next().unwrap_or(own);
    let mut stems: BTreeSet<String> = BTreeSet::new();
    for f in content.list_tree(repo, &head)? {
        let Some(rest) = f.strip_prefix(&format!("{head}/")) else {
            continue;
        };
        let (stem, package) = match rest.split_once('/') {
            Some((d, "__init__.py")) => (d, true),
            Some(_) => continue,
            None => (rest.split('.').next().unwrap_or(rest), false),
        };
        let module_file = package
            || [".py", ".pyc", ".so", ".pyd"]
                .iter()
                .any(|e| rest.ends_with(e));
        if !module_file
            || stem == own
            || matches!(stem, "__init__" | "conftest" | "")
            || stem.starts_with("test_")
            || stem.ends_with("_test")
        {
            continue;
        }
        stems.insert(stem.to_owned());
    }
    let mut shadows: Vec<String> = Vec::new();
    if !stems.is_empty() {
        // What the repository's modules the test's file imports import in turn.
        let mut imported: BTreeSet<String> = BTreeSet::new();
        for top in python_imported_tops(&scan.module_bindings) {
            for base in ["", "src"] {
                let at = if base.is_empty() {
                    top.clone()
                } else {
                    format!("{base}/{top}")
                };
                for file in [format!("{at}.py"), format!("{at}/__init__.py")] {
                    if let Some(src) = content.read(repo, &file)?
                        && let Some(bindings) = lang::python_module_bindings(&file, &src)?
                    {
                        imported.extend(python_imported_tops(&bindings));
                    }
                }
            }
        }
        for stem in stems {
            let mut elsewhere = imported.contains(&stem);
            for base in ["", "src"] {
                if elsewhere {
                    break;
                }
                let files = content.list_dir(repo, base)?;
                let package = if base.is_empty() {
                    format!("{stem}/__init__.py")
                } else {
                    format!("{base}/{stem}/__init__.py")
                };
                elsewhere = python_module_file(&files, &stem).is_some()
                    || content.read(repo, &package)?.is_some();
            }
            if elsewhere {
                shadows.push(stem);
            }
        }
    }
    let line = format!(
        "{PATH_HEAD}{head}/): {}",
        if shadows.is_empty() {
            "none".to_owned()
        } else {
            shadows.join(", ")
        }
    );
    for t in &mut scan.tests {
        t.envelope_bindings.push(line.clone());
        t.envelope_bindings.sort();
    }
    Ok(())
}

/// The prefix of a Python test's line recording what a star import of its file brings.
pub(crate) const STAR_IMPORT: &str = "hook star import ";

/// Python: `from billing import *` binds whatever `billing` binds at its top (or lists in its
/// `__all__`), so the code under test, defining an `isclose` that always says yes, takes the
/// place of the `from math import isclose` the test's check calls, with the test untouched.
/// So every test of a file that star-imports a module of the repository is locked, for each
/// such import, with the names the module binds that the file mentions, its `__all__` as
/// written, and in turn what the modules it star-imports bring
/// (`hook star import billing (in billing/__init__.py): total | __all__=…`). A module found
/// nowhere in the repository (installed) is not read.
fn add_python_star_imports(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let stars: Vec<String> = scan
        .module_bindings
        .iter()
        .filter_map(|b| python_star_module(&b.text).map(str::to_owned))
        .collect();
    if stars.is_empty() || scan.tests.is_empty() {
        return Ok(());
    }
    let Some(text) = content.read(repo, path)? else {
        return Ok(());
    };
    let words = relocate::words(&text);
    let mut lines = Vec::new();
    for module in stars {
        let mut read = StarNames::default();
        let Some(file) = python_star_names(repo, content, path, &module, &mut read, 0)? else {
            continue;
        };
        lines.push(read.line(STAR_IMPORT, &module, &file, &words));
    }
    for t in &mut scan.tests {
        t.envelope_bindings.extend(lines.iter().cloned());
        t.envelope_bindings.sort();
    }
    Ok(())
}

/// The prefix of a Rust test's line recording what a glob import of its file brings.
pub(crate) const GLOB_IMPORT: &str = "hook glob import ";

/// Rust: `use billing::*` in an integration test brings every item of the crate's root (a
/// glob import beats the prelude), so the code under test defining `pub fn Ok` takes the
/// place of the `Ok(6)` the test expects, with the test untouched. So every test of a file
/// that glob-imports a module of its package's library (`use billing::*`,
/// `use billing::pay::*`) is locked, for each such import, with the names that module binds
/// that the file mentions, and in turn what its own glob imports bring (`hook glob import
/// billing (in src/lib.rs): Ok, total`). A crate of another package, and a module found in no
/// file of its own (an inline one), are not read; one such a module glob-imports in turn is
/// locked as written.
#[cfg(feature = "lang-rust")]
fn add_rust_glob_imports(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let globs: Vec<String> = scan
        .module_bindings
        .iter()
        .filter_map(|b| rust_glob_path(&b.text).map(str::to_owned))
        .collect();
    if globs.is_empty() || scan.tests.is_empty() {
        return Ok(());
    }
    // The package: the nearest `Cargo.toml` above the test, its library's name and root.
    let mut dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let (package_dir, manifest) = loop {
        let manifest = if dir.is_empty() {
            "Cargo.toml".to_owned()
        } else {
            format!("{dir}/Cargo.toml")
        };
        if let Some(text) = content.read(repo, &manifest)? {
            break (dir.to_owned(), text);
        }
        if dir.is_empty() {
            return Ok(());
        }
        dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    };
    let Ok(table) = manifest.parse::<toml::Table>() else {
        return Ok(());
    };
    let lib = table.get("lib").and_then(toml::Value::as_table);
    let Some(crate_name) = lib
        .and_then(|l| l.get("name"))
        .or_else(|| {
            table
                .get("package")
                .and_then(toml::Value::as_table)
                .and_then(|p| p.get("name"))
        })
        .and_then(toml::Value::as_str)
        .map(|n| n.replace('-', "_"))
    else {
        return Ok(());
    };
    let in_package = |rel: &str| {
        if package_dir.is_empty() {
            rel.to_owned()
        } else {
            format!("{package_dir}/{rel}")
        }
    };
    let root = in_package(
        lib.and_then(|l| l.get("path"))
            .and_then(toml::Value::as_str)
            .unwrap_or("src/lib.rs"),
    );
    let Some(text) = content.read(repo, path)? else {
        return Ok(());
    };
    let words = relocate::words(&text);
    let mut lines = Vec::new();
    for glob in globs {
        let mut segments = glob.split("::");
        if segments.next() != Some(crate_name.as_str()) {
            continue;
        }
        let mut read = StarNames::default();
        let rest: Vec<&str> = segments.collect();
        let Some(file) = rust_glob_names(repo, content, &root, &root, &rest, &mut read, 0)? else {
            continue;
        };
        lines.push(read.line(GLOB_IMPORT, &glob, &file, &words));
    }
    for t in &mut scan.tests {
        t.envelope_bindings.extend(lines.iter().cloned());
        t.envelope_bindings.sort();
    }
    Ok(())
}

/// The file of the module `path` (segments below the module file `from`) of a Rust crate
/// whose root is `root`, with what it binds added to `read`, following its own glob imports
/// of that crate (`pub use crate::pay::*`, `pub use pay::*`) 4 modules deep; `None` when no
/// file holds it.
#[cfg(feature = "lang-rust")]
fn rust_glob_names(
    repo: &Repo,
    content: &Content<'_>,
    root: &str,
    from: &str,
    path: &[&str],
    read: &mut StarNames,
    depth: usize,
) -> Result<Option<String>> {
    let mut file = from.to_owned();
    for segment in path {
        let mut next = None;
        for c in rust_module_files(&file, segment) {
            if content.read(repo, &c)?.is_some() {
                next = Some(c);
                break;
            }
        }
        // An inline module, or another crate: not read.
        match next {
            Some(n) => file = n,
            None => return Ok(None),
        }
    }
    let Some(src) = content.read(repo, &file)? else {
        return Ok(None);
    };
    if !read.seen.insert(file.clone()) {
        return Ok(Some(file));
    }
    let Some(bindings) = lang::rust_module_bindings(&file, &src)? else {
        read.exact.push(format!(
            "{file} sha256:{}",
            &analysis::sha256_hex(&src)[..16]
        ));
        return Ok(Some(file));
    };
    for b in bindings {
        if let Some(inner) = rust_glob_path(&b.text) {
            let segments: Vec<&str> = inner.split("::").collect();
            let followed = depth < 4
                && match segments.first() {
                    Some(&"crate") => {
                        rust_glob_names(repo, content, root, root, &segments[1..], read, depth + 1)?
                            .is_some()
                    }
                    Some(&"self") => rust_glob_names(
                        repo,
                        content,
                        root,
                        &file,
                        &segments[1..],
                        read,
                        depth + 1,
                    )?
                    .is_some(),
                    Some(_) => {
                        rust_glob_names(repo, content, root, &file, &segments, read, depth + 1)?
                            .is_some()
                    }
                    None => false,
                };
            if !followed {
                read.exact.push(format!("{file}: {}", b.text));
            }
            continue;
        }
        read.names.extend(b.names);
    }
    // An item a macro makes (`compat!(Ok);`, `include!("compat.rs")`) binds names no text
    // shows: a file holding a macro invocation at its top is locked whole.
    let makes_items = src.lines().any(|l| {
        let name: String = l
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | ':'))
            .collect();
        !name.is_empty() && name != "macro_rules" && l[name.len()..].trim_start().starts_with('!')
    });
    if makes_items {
        read.exact.push(format!(
            "{file} sha256:{}",
            &analysis::sha256_hex(&src)[..16]
        ));
        // And what it `include!`s, by digest.
        for l in src.lines().filter(|l| l.starts_with("include!")) {
            let Some(name) = l.split('"').nth(1) else {
                continue;
            };
            let included = relative_path(dir_prefix(&file), name);
            let digest = content
                .read(repo, &included)?
                .map_or_else(|| "found nowhere".to_owned(), |t| analysis::sha256_hex(&t));
            read.exact.push(format!("{included} {digest}"));
        }
    }
    Ok(Some(file))
}

/// What the modules a star import reaches bind (see [`python_star_names`]).
#[derive(Default)]
struct StarNames {
    /// The public names they bind at their top.
    names: BTreeSet<String>,
    /// What is locked as written: each `__all__` binding, and the digest of a module that does
    /// not parse, each with its file.
    exact: Vec<String>,
    /// The files read.
    seen: BTreeSet<String>,
}

impl StarNames {
    /// The line of the import of `module` (found in `file`), with `prefix`: the names among
    /// [`StarNames::names`] that the importing file mentions (`words`), then what is locked
    /// as written.
    fn line(&self, prefix: &str, module: &str, file: &str, words: &BTreeSet<&str>) -> String {
        let used: Vec<&str> = self
            .names
            .iter()
            .map(String::as_str)
            .filter(|n| words.contains(n))
            .collect();
        let mut parts = vec![used.join(", ")];
        parts.extend(self.exact.iter().cloned());
        format!("{prefix}{module} (in {file}): {}", parts.join(" | "))
    }
}

/// The file the star import of `module` from the Python file `from` loads (from the first
/// directory above it that is not a package, the root, then `src/`), with what it binds
/// added to `read`, following its own
/// star imports 4 modules deep; `None` when no file of the repository answers it.
fn python_star_names(
    repo: &Repo,
    content: &Content<'_>,
    from: &str,
    module: &str,
    read: &mut StarNames,
    depth: usize,
) -> Result<Option<String>> {
    let candidates = if module.starts_with('.') {
        import_candidates(from, module)
    } else {
        // pytest puts the first directory above the file that is not a package at the head
        // of `sys.path`; then the root (the working directory of `python -m pytest`), and
        // `src/`.
        let mut dir = from.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        while !dir.is_empty() && content.read(repo, &format!("{dir}/__init__.py"))?.is_some() {
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        }
        let rel = module.replace('.', "/");
        let mut candidates = Vec::new();
        for base in [dir.as_str(), "", "src"] {
            let at = if base.is_empty() {
                rel.clone()
            } else {
                format!("{base}/{rel}")
            };
            for c in [format!("{at}.py"), format!("{at}/__init__.py")] {
                if !candidates.contains(&c) {
                    candidates.push(c);
                }
            }
        }
        candidates
    };
    let mut found = None;
    for c in candidates {
        if c == from {
            continue;
        }
        if let Some(src) = content.read(repo, &c)? {
            found = Some((c, src));
            break;
        }
    }
    let Some((file, src)) = found else {
        return Ok(None);
    };
    if !read.seen.insert(file.clone()) {
        return Ok(Some(file));
    }
    let Some(bindings) = lang::python_module_bindings(&file, &src)? else {
        read.exact.push(format!(
            "{file} sha256:{}",
            &analysis::sha256_hex(&src)[..16]
        ));
        return Ok(Some(file));
    };
    for b in bindings {
        if let Some(inner) = python_star_module(&b.text) {
            if depth < 4 {
                python_star_names(repo, content, &file, inner, read, depth + 1)?;
            } else {
                read.exact.push(format!("{file}: {}", b.text));
            }
            continue;
        }
        // `__all__`, and what binds names no text shows (`globals()["isclose"] = …`,
        // `exec("def isclose…")`), as written.
        if b.names.contains("__all__") || b.all {
            read.exact.push(format!("{file}: {}", b.text));
        }
        read.names
            .extend(b.names.into_iter().filter(|n| !n.starts_with('_')));
    }
    Ok(Some(file))
}

/// The file among `files` (one directory's) that Python's path finder loads for the module
/// `stem`, in its order: an extension module (`billing.cpython-312-x86_64-linux-gnu.so`,
/// `billing.abi3.so`, `billing.so`, `billing.pyd`), the source `billing.py`, a sourceless
/// `billing.pyc`.
fn python_module_file(files: &[String], stem: &str) -> Option<String> {
    let base = |f: &String| f.rsplit_once('/').map_or(f.clone(), |(_, n)| n.to_owned());
    let rest = |f: &String| {
        base(f)
            .strip_prefix(stem)
            .and_then(|r| r.strip_prefix('.'))
            .map(str::to_owned)
    };
    let extension = files.iter().find(|f| {
        rest(f).is_some_and(|r| {
            let ext = Path::new(&r)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or(&r);
            ext.eq_ignore_ascii_case("so") || ext.eq_ignore_ascii_case("pyd")
        })
    });
    extension
        .or_else(|| files.iter().find(|f| rest(f).as_deref() == Some("py")))
        .or_else(|| files.iter().find(|f| rest(f).as_deref() == Some("pyc")))
        .cloned()
}

/// The modules of an [`IMPORT_HOMES`] line, each with where it is found (empty: nowhere in
/// the repository's directories above the test).
pub(crate) fn import_homes(line: &str) -> Option<BTreeMap<&str, &str>> {
    let rest = line.strip_prefix(IMPORT_HOMES)?;
    Some(rest.split("; ").filter_map(|h| h.split_once('=')).collect())
}

/// What a Python, JavaScript or TypeScript test file runs by importing a module of the
/// tests (`import tests.patch`, `from tests.util import skip_slow`, `from tests import util`,
/// `import {check} from './helpers.js'`, `require('./helpers')`): that module's top-level
/// code runs before every test of the file, and may change what they call (`billing.total =
/// f`, `Object.assign(billing, …)` in it). Each such module is recorded for every test as `at import: defined import
/// MODULE (in FILE): TEXT` (see `bindings::python_module_level_effects`), or as `at import,
/// changes nothing: …` when it changes nothing beyond its own names (then only so that a
/// change to the file brings the tests into the check). So is, for a Python test file in a
/// package of the tests, each `__init__.py` of that package and of the packages above it,
/// which run first, with its `load_tests` as written (`hook load_tests (in FILE): …`:
/// unittest's discovery calls it for the package). The modules it imports in turn are not
/// followed.
fn add_imported_module_code(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let python = lang::Lang::of_path(path) == Some(lang::Lang::Python);
    let js = lang::Lang::of_path(path).is_some_and(lang::Lang::is_js);
    if !(python || js) || scan.tests.is_empty() {
        return Ok(());
    }
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for b in &scan.module_bindings {
        match import_of(&b.text) {
            Some(Imported::Name { module, name, .. }) => {
                let whole = if module.chars().all(|c| c == '.') {
                    format!("{module}{name}")
                } else {
                    format!("{module}.{name}")
                };
                // `from tests import util` imports `tests` and then `tests.util`.
                for m in [whole, module] {
                    if let Some(file) = resolve_import(repo, content, path, &m)? {
                        modules.entry(file).or_insert(m);
                    }
                }
            }
            Some(Imported::Module { module, .. }) => {
                if let Some(file) = resolve_import(repo, content, path, &module)? {
                    modules.entry(file).or_insert(module);
                }
            }
            None => {}
        }
    }
    // Importing `tests/unit/test_total.py` as `tests.unit.test_total` (a package of the
    // tests) runs `tests/__init__.py` and `tests/unit/__init__.py` first.
    let mut package_hooks: Vec<String> = Vec::new();
    if python {
        let mut packages: Vec<String> = Vec::new();
        let mut dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        while !dir.is_empty() {
            let init = format!("{dir}/__init__.py");
            if content.read(repo, &init)?.is_none() {
                break;
            }
            packages.push(init);
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        }
        let base = if dir.is_empty() { 0 } else { dir.len() + 1 };
        for init in packages {
            if !test_support(&init) {
                continue;
            }
            // unittest's discovery calls a package's `load_tests`, which picks the tests of
            // every module below it.
            if let Some(src) = content.read(repo, &init)?
                && let Some(at) = src
                    .match_indices("def load_tests(")
                    .map(|(i, _)| i)
                    .find(|i| *i == 0 || src[..*i].ends_with('\n'))
            {
                let rest = &src[at..];
                let end = rest
                    .match_indices('\n')
                    .map(|(i, _)| i + 1)
                    .find(|i| {
                        rest[*i..]
                            .chars()
                            .next()
                            .is_some_and(|c| !c.is_whitespace())
                    })
                    .unwrap_or(rest.len());
                let text = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
                let hook = crate::sacred::bindings::HOOK;
                package_hooks.push(format!("{hook}load_tests (in {init}): {text}"));
            }
            let package = init[base..]
                .trim_end_matches("/__init__.py")
                .replace('/', ".");
            modules.entry(init).or_insert(package);
        }
    }
    let mut lines = Vec::new();
    for (file, module) in &modules {
        if file == path {
            continue;
        }
        let Some(src) = content.read(repo, file)? else {
            continue;
        };
        let read = if python {
            lang::python_import_effects(file, &src)?.map(|(e, text)| (e.any(), text))
        } else {
            lang::js_import_effects(file, &src)?
        };
        let Some((changes, text)) = read else {
            continue;
        };
        let prefix = if changes {
            crate::sacred::bindings::AT_IMPORT
        } else {
            crate::sacred::bindings::AT_IMPORT_PURE
        };
        lines.push(format!(
            "{prefix}defined import {module} (in {file}): {text}"
        ));
    }
    lines.extend(package_hooks);
    lock_with_every_test(scan, lines);
    Ok(())
}

/// What surrounds a Python test and is defined in a module of the tests it imports: a
/// decorator or class base imported by name (`from tests.util import skipNotCPython`, then
/// `@skipNotCPython`) or reached through the module (`from tests import util` or `import
/// tests.util as util`, then `@util.skipNotCPython`), whose definition there
/// (`skipNotCPython = unittest.skipIf(…)`, or a `def`) is recorded as `defined NAME (in FILE):
/// TEXT`, NAME as the envelope spells it, so that widening a skip condition kept in a helper
/// module is `rebound` (and a change to that file brings the test into the check). The
/// decorator itself is the envelope's: removing a skip decorator drops its line and is
/// accepted, adding one is `skipped`. A value the test's body reads from such a module
/// (`from tests.constants import EXPECTED`, then `assert total(xs) == EXPECTED`) is recorded
/// the same way: it is what the test compares with.
fn add_imported_envelope_definitions(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    cache: &mut Surroundings,
) -> Result<()> {
    if lang::Lang::of_path(path) != Some(lang::Lang::Python) {
        return Ok(());
    }
    // What the envelopes read, what the module calls at import, and what the bodies read (of
    // which only values are locked here: a function a test calls is a check helper or the
    // code under test).
    let wanted: BTreeSet<&str> = scan
        .tests
        .iter()
        .flat_map(|t| t.envelope_used.iter().chain(&t.used).map(String::as_str))
        .chain(scan.import_calls.iter().map(String::as_str))
        .collect();
    // (the name as the envelope spells it, the module's file, the name there)
    let mut sought: Vec<(String, String, String)> = Vec::new();
    // The members of a module imported whole that the envelope reaches through `alias`.
    let members = |alias: &str| -> Vec<(String, String)> {
        let prefix = format!("{alias}.");
        wanted
            .iter()
            .filter_map(|w| {
                let member = w.strip_prefix(&prefix)?;
                (!member.is_empty() && !member.contains('.'))
                    .then(|| ((*w).to_owned(), member.to_owned()))
            })
            .collect()
    };
    for b in &scan.module_bindings {
        match import_of(&b.text) {
            Some(Imported::Name {
                module,
                name,
                alias,
            }) => {
                // `from tests import util`: a module of the tests, imported whole.
                let reached = members(&alias);
                if !reached.is_empty() {
                    let whole = if module.chars().all(|c| c == '.') {
                        format!("{module}{name}")
                    } else {
                        format!("{module}.{name}")
                    };
                    if let Some(file) = resolve_import(repo, content, path, &whole)? {
                        sought.extend(reached.into_iter().map(|(q, m)| (q, file.clone(), m)));
                        continue;
                    }
                }
                if wanted.contains(alias.as_str())
                    && let Some(file) = resolve_import(repo, content, path, &module)?
                {
                    sought.push((alias, file, name));
                }
            }
            Some(Imported::Module { module, alias }) => {
                let reached = members(&alias);
                if !reached.is_empty()
                    && let Some(file) = resolve_import(repo, content, path, &module)?
                {
                    sought.extend(reached.into_iter().map(|(q, m)| (q, file.clone(), m)));
                }
            }
            None => {}
        }
    }
    // (the line, whether the name is a function the module calls while it is imported,
    // whether it is a value)
    let mut found: BTreeMap<String, (String, Option<crate::sacred::bindings::Effects>, bool)> =
        BTreeMap::new();
    // The helper lines of the functions a value holds, by its alias.
    let mut held_by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (alias, file, name) in &sought {
        let name = name.as_str();
        let Some(parts) = read_module(repo, content, file, cache)? else {
            continue;
        };
        // Bound once there: an assignment, or a function.
        let assigned: Vec<&str> = parts
            .bindings
            .iter()
            .filter(|x| {
                x.names.len() == 1
                    && x.names.contains(name)
                    && !x.text.starts_with("import ")
                    && !x.text.starts_with("from ")
                    && !x.text.starts_with("def ")
                    && !x.text.starts_with("class ")
            })
            .map(|x| x.text.as_str())
            .collect();
        let defined: Vec<&str> = parts
            .functions
            .iter()
            .filter(|f| f.name == name)
            .map(|f| f.text.as_str())
            .collect();
        if !matches!(
            (assigned.as_slice(), defined.as_slice()),
            ([_], []) | ([], [_])
        ) {
            continue;
        }
        let value = assigned.len() == 1;
        // As a test's statements read it (and `super(C, cls)` as `super()`).
        let Some(text) = content
            .read(repo, file)?
            .map(|src| lang::python_definition(file, &src, name))
            .transpose()?
            .flatten()
        else {
            continue;
        };
        // A function it calls while it is imported (`@deco`, `_ = patch_all()`) runs before
        // every test of the file, and reaches those that read what it changes (see
        // `bindings::python_module_effects`); a value (`skip_slow = unittest.skipIf(…)`) only
        // decides for the tests that use it.
        let effects = if defined.len() == 1 && scan.import_calls.contains(alias) {
            let effects = content
                .read(repo, file)?
                .map(|src| lang::python_function_effects(file, &src, name))
                .transpose()?
                .flatten();
            // Unread, it may change anything.
            Some(effects.unwrap_or(crate::sacred::bindings::Effects {
                all: true,
                ..Default::default()
            }))
        } else {
            None
        };
        // A value that holds functions of its module (`CHECKS = {"total": _total}`, then
        // `CHECKS["total"](x)`): the test runs them, so they are locked as check helpers.
        let mut held = Vec::new();
        if value && extended_functions(repo, content, file, cache, &mut BTreeSet::new())? {
            let words: BTreeSet<&str> = text
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .collect();
            for f in &cache.extended[file] {
                if f.name != name && words.contains(f.name.as_str()) {
                    held.extend(helper_lines(f));
                }
            }
        }
        found.insert(
            alias.to_owned(),
            (
                format!("defined {alias} (in {file}): {text}"),
                effects,
                value,
            ),
        );
        held_by.insert(alias.to_owned(), held);
    }
    if found.is_empty() {
        return Ok(());
    }
    for t in &mut scan.tests {
        let mut grew = false;
        for (alias, (line, effects, value)) in &found {
            // A value the body reads (`assert total(xs) == EXPECTED`) is what it compares with.
            let read = t.envelope_used.contains(alias) || (*value && t.used.contains(alias));
            if read && !t.envelope_bindings.contains(line) {
                t.envelope_bindings.push(line.clone());
                grew = true;
            }
            if read {
                for l in held_by.get(alias).into_iter().flatten() {
                    if !t.envelope_bindings.contains(l) {
                        t.envelope_bindings.push(l.clone());
                        grew = true;
                    }
                }
            }
            let Some(effects) = effects else { continue };
            let prefix = if effects.any() {
                crate::sacred::bindings::AT_IMPORT
            } else {
                crate::sacred::bindings::AT_IMPORT_PURE
            };
            let at_import = format!("{prefix}{line}");
            if !t.envelope_bindings.contains(&at_import) {
                t.envelope_bindings.push(at_import);
                grew = true;
            }
        }
        if grew {
            t.envelope_bindings.sort();
        }
    }
    Ok(())
}

/// The function `functions[at]` of another module (`functions`: that module's, each with its
/// file) as a test's file calls it, under `name` (`check_total`, `h.check_total`,
/// `testutil.CheckTotal`): its text and file, whether it is a check helper (it asserts or
/// leads to a function of its module that does), and in `beyond` the `helper` lines of the
/// check helpers it reaches there.
fn stub_of(
    functions: &[crate::sacred::bindings::FileFunction],
    at: usize,
    name: String,
) -> crate::sacred::bindings::FileFunction {
    let f = &functions[at];
    let reached = crate::sacred::bindings::reached_check_helper_indices(
        &BTreeSet::from([f.name.clone()]),
        functions,
        "",
    );
    crate::sacred::bindings::FileFunction {
        name,
        text: f.text.clone(),
        read: f.read.clone(),
        uses: BTreeSet::new(),
        skips: f.skips,
        asserts: reached.contains(&at),
        file: f.file.clone(),
        beyond: f
            .beyond
            .iter()
            .cloned()
            .chain(
                reached
                    .iter()
                    .filter(|i| **i != at)
                    .flat_map(|i| helper_lines(&functions[*i])),
            )
            .collect(),
        beyond_values: value_lines(functions, at),
        is_class: f.is_class,
    }
}

/// The `helper` lines of every function of its module that `functions[at]` calls there, and
/// those call in turn, asserting or not (with what each reaches in other modules): what an
/// assertion that compares its value compares too.
fn value_lines(functions: &[crate::sacred::bindings::FileFunction], at: usize) -> Vec<String> {
    let f = &functions[at];
    let mut out: Vec<String> = f.beyond_values.clone();
    for i in crate::sacred::bindings::reached_indices(&f.uses, functions, &f.name) {
        if i != at {
            out.extend(helper_lines(&functions[i]));
            out.extend(functions[i].beyond_values.iter().cloned());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A function's `helper` line and those of the check helpers it reaches in other files.
fn helper_lines(f: &crate::sacred::bindings::FileFunction) -> Vec<String> {
    std::iter::once(crate::sacred::bindings::helper_line(f))
        .chain(f.beyond.iter().cloned())
        .collect()
}

/// What the imports of the file `path` (its module `bindings`) bring that `wanted` names:
/// a function of a module of the tests, as a stub under the name the file calls it by (its
/// text and file the function's, `beyond` the `helper` lines of the check helpers it reaches
/// there, through that module's own imports too); and the classes imported by name, as
/// `(alias, file)`.
#[allow(
    clippy::type_complexity,
    reason = "a pair of lists, named in the documentation"
)]
fn import_stubs(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    bindings: &[crate::sacred::bindings::Binding],
    wanted: &BTreeSet<String>,
    cache: &mut Surroundings,
    in_progress: &mut BTreeSet<String>,
) -> Result<(
    Vec<crate::sacred::bindings::FileFunction>,
    Vec<(String, String)>,
)> {
    use crate::sacred::bindings::FileFunction;
    let mut imported = Vec::new();
    for b in bindings {
        if b.names.len() != 1 || !b.names.iter().all(|n| wanted.contains(n.as_str())) {
            continue;
        }
        if let Some(i) = import_of(&b.text) {
            imported.push(i);
        }
    }
    let mut stubs = Vec::new();
    let mut classes: Vec<(String, String)> = Vec::new();
    for import in imported {
        let (file, members) = match import {
            Imported::Name {
                module,
                name,
                alias,
            } => {
                // `from tests import helpers`: a module of a package, imported whole.
                if lang::Lang::of_path(path) == Some(lang::Lang::Python) {
                    let whole = if module.chars().all(|c| c == '.') {
                        format!("{module}{name}")
                    } else {
                        format!("{module}.{name}")
                    };
                    if let Some(file) = resolve_import(repo, content, path, &whole)? {
                        (file, Members::Qualified(alias))
                    } else if let Some(file) = resolve_import(repo, content, path, &module)? {
                        (file, Members::One(name, alias))
                    } else {
                        continue;
                    }
                } else if let Some(file) = resolve_import(repo, content, path, &module)? {
                    (file, Members::One(name, alias))
                } else {
                    continue;
                }
            }
            Imported::Module { module, alias } => {
                match resolve_import(repo, content, path, &module)? {
                    Some(file) => (file, Members::Qualified(alias)),
                    None => continue,
                }
            }
        };
        if !extended_functions(repo, content, &file, cache, in_progress)? {
            continue;
        }
        let functions = &cache.extended[&file];
        let is_class = |name: &str| {
            cache.modules[&file]
                .as_ref()
                .is_some_and(|p| p.classes.iter().any(|c| c.name == name))
        };
        let stub = |name: &str, alias: String| -> Option<FileFunction> {
            let mut named = functions.iter().enumerate().filter(|(_, f)| f.name == name);
            let (Some((at, _)), None) = (named.next(), named.next()) else {
                return None;
            };
            Some(stub_of(functions, at, alias))
        };
        match members {
            Members::One(name, alias) => {
                // A class is a base to inherit from, and may be a helper class too
                // (`Checker().check(x)`).
                if is_class(&name) {
                    classes.push((alias.clone(), file.clone()));
                }
                // A JS/TS function exported under another name (`export {check as verify}`,
                // `module.exports = {verify: check}`) is read under its own.
                let own = match stub(&name, alias.clone()) {
                    Some(found) => Some(found),
                    None if lang::Lang::of_path(&file).is_some_and(lang::Lang::is_js) => content
                        .read(repo, &file)?
                        .and_then(|src| js_export_aliases(&src).remove(&name))
                        .and_then(|local| stub(&local, alias.clone())),
                    None => None,
                };
                stubs.extend(own);
                // A namespace the module hands on (`export * as checks from './check.js'`,
                // its functions read there as `checks.checkTotal`).
                let prefix = format!("{name}.");
                for f in functions {
                    if let Some(member) = f.name.strip_prefix(&prefix) {
                        let q = format!("{alias}.{member}");
                        if wanted.contains(&q) {
                            stubs.extend(stub(&f.name, q));
                        }
                    }
                }
            }
            Members::Qualified(alias) => {
                // A class reached through the module (`class T(helpers.Base)`).
                if let Some(parts) = cache.modules[&file].as_ref() {
                    for c in &parts.classes {
                        let q = format!("{alias}.{}", c.name);
                        if wanted.contains(&q) {
                            classes.push((q, file.clone()));
                        }
                    }
                }
                // Every function of the module, for a member looked up by a computed name
                // (`getattr(helpers, name)`, `helpers[name]`).
                let any = wanted.contains(&format!(
                    "{alias}.{}",
                    crate::sacred::bindings::COMPUTED_MEMBER
                ));
                for f in functions {
                    let q = format!("{alias}.{}", f.name);
                    if f.name != "default" && !f.name.contains('.') && (any || wanted.contains(&q))
                    {
                        stubs.extend(stub(&f.name, q));
                    }
                }
            }
        }
    }
    Ok((stubs, classes))
}

/// The names a JavaScript/TypeScript module exports under another name than its own, each
/// with its own: `export {check as verify}`, `module.exports = {verify: check}`,
/// `exports.verify = check`, `module.exports.verify = check` (read from the text; an
/// expression other than a plain name is no alias).
fn js_export_aliases(src: &str) -> BTreeMap<String, String> {
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    let mut out = BTreeMap::new();
    let mut braces = |rest: &str, separator: &str, exported_first: bool| {
        let Some(close) = rest.find('}') else {
            return;
        };
        for entry in rest[..close].split(',') {
            let Some((a, b)) = entry.split_once(separator) else {
                continue;
            };
            let (exported, local) = if exported_first {
                (a.trim(), b.trim())
            } else {
                (b.trim(), a.trim())
            };
            if ident(exported) && ident(local) && exported != local {
                out.insert(exported.to_owned(), local.to_owned());
            }
        }
    };
    for (at, _) in src.match_indices("export {") {
        braces(&src[at + "export {".len()..], " as ", false);
    }
    for head in ["module.exports = {", "module.exports={"] {
        for (at, _) in src.match_indices(head) {
            braces(&src[at + head.len()..], ":", true);
        }
    }
    for line in src.lines() {
        let t = line.trim();
        let Some(rest) = t
            .strip_prefix("module.exports.")
            .or_else(|| t.strip_prefix("exports."))
        else {
            continue;
        };
        let Some((exported, local)) = rest.split_once('=') else {
            continue;
        };
        let (exported, local) = (exported.trim(), local.trim().trim_end_matches(';').trim());
        if ident(exported) && ident(local) && exported != local {
            out.insert(exported.to_owned(), local.to_owned());
        }
    }
    out
}

/// What the module `file` holds (its functions, classes and bindings), read once per command
/// into `cache.modules`; `None` when there is no such file or gatekeeper does not read it.
fn read_module<'c>(
    repo: &Repo,
    content: &Content<'_>,
    file: &str,
    cache: &'c mut Surroundings,
) -> Result<Option<&'c crate::sacred::bindings::ModuleParts>> {
    if !cache.modules.contains_key(file) {
        let parts = match content.read(repo, file)? {
            Some(src) => lang::module_functions(file, &src)?,
            None => None,
        };
        cache.modules.insert(file.to_owned(), parts);
    }
    Ok(cache.modules[file].as_ref())
}

/// Reads the module `file` into `cache.modules` and its functions, with those its own
/// imports bring from modules of the tests (see [`import_stubs`]), into `cache.extended`;
/// `false` when it is not a module gatekeeper reads. A module being read further up
/// (`in_progress`, an import cycle) brings only its own functions.
fn extended_functions(
    repo: &Repo,
    content: &Content<'_>,
    file: &str,
    cache: &mut Surroundings,
    in_progress: &mut BTreeSet<String>,
) -> Result<bool> {
    if cache.extended.contains_key(file) {
        return Ok(true);
    }
    let Some(parts) = read_module(repo, content, file, cache)? else {
        return Ok(false);
    };
    let own = parts.functions_of(file);
    if in_progress.contains(file) {
        // Its own functions only, until the outer read of it ends and replaces them.
        cache.extended.entry(file.to_owned()).or_insert(own);
        return Ok(true);
    }
    let mut bindings = parts.bindings.clone();
    let reexports = parts.reexports.clone();
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for f in &own {
        wanted.extend(f.uses.iter().cloned());
    }
    // What it imports it may hand on (`from .checks import check_total` in a package's
    // `__init__.py`, `export {checkTotal} from './check.js'`): a test importing that name
    // from it calls the function of the module it comes from.
    for b in &bindings {
        if import_of(&b.text).is_some() {
            wanted.extend(b.names.iter().cloned());
        }
    }
    for (named, module) in &reexports {
        if let Some((name, alias)) = named {
            // `export * as checks from …` reads as `import * as checks from …`.
            let text = if name == "*" {
                format!("import * as {alias} from {module}")
            } else {
                format!("import {name} as {alias} from {module}")
            };
            bindings.push(crate::sacred::bindings::Binding::named(alias, text));
            wanted.insert(alias.clone());
        }
    }
    in_progress.insert(file.to_owned());
    let (stubs, _) = import_stubs(repo, content, file, &bindings, &wanted, cache, in_progress)?;
    // `export * from './check.js'`, Python's `from .checks import *`: every function of that
    // module, by its own name.
    let python_stars: Vec<String> = bindings
        .iter()
        .filter_map(|b| {
            let rest = b.text.strip_prefix("from ")?;
            let (module, names) = rest.split_once(" import ")?;
            (names.trim() == "*").then(|| module.trim().to_owned())
        })
        .collect();
    let mut star = Vec::new();
    for module in reexports
        .iter()
        .filter(|(named, _)| named.is_none())
        .map(|(_, m)| m.clone())
        .chain(python_stars)
    {
        let module = &module;
        let spec = module.trim_matches(|c| c == '\'' || c == '"' || c == '`');
        if let Some(target) = resolve_import(repo, content, file, spec)?
            && extended_functions(repo, content, &target, cache, in_progress)?
        {
            star.extend(
                cache.extended[&target]
                    .iter()
                    .filter(|f| f.name != "default")
                    .cloned(),
            );
        }
    }
    // `export * as checks from './check.js'`: its functions as `checks.NAME`.
    for (named, module) in &reexports {
        let Some((star_name, alias)) = named else {
            continue;
        };
        if star_name != "*" {
            continue;
        }
        let spec = module.trim_matches(|c| c == '\'' || c == '"' || c == '`');
        if let Some(target) = resolve_import(repo, content, file, spec)?
            && extended_functions(repo, content, &target, cache, in_progress)?
        {
            let functions = cache.extended[&target].clone();
            for (at, f) in functions.iter().enumerate() {
                if f.name != "default" && !f.name.contains('.') {
                    star.push(stub_of(&functions, at, format!("{alias}.{}", f.name)));
                }
            }
        }
    }
    in_progress.remove(file);
    let mut all = own;
    all.extend(stubs);
    for f in star {
        if !all.iter().any(|g| g.name == f.name) {
            all.push(f);
        }
    }
    crate::sacred::bindings::wrappers_assert(&mut all);
    cache.extended.insert(file.to_owned(), all);
    Ok(true)
}

/// Go: the check helpers a file's tests reach through a package of the module that their
/// file imports (`import "example.com/app/internal/testutil"`, then
/// `testutil.CheckTotal(t, …)`): the package's directory is found from the `module` line of
/// the nearest `go.mod` above the test. In a directory of the tests (see [`test_support`]:
/// `testutil`, `testing`, …) every function the tests call through it is followed; in any
/// other package of the module (`example.com/shop/checks`), only one that takes a testing
/// handle (see [`go_takes_testing_handle`]: `checks.Total(t, got, 6)`), which is test code
/// whatever its directory: a function that takes none (`billing.Total(xs)`) is the code under
/// test. Each is recorded as `helper testutil.CheckTotal (in FILE): TEXT`, with the check
/// helpers of its package it reaches.
fn go_imported_check_helpers(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &FileScan,
    cache: &mut Surroundings,
) -> Result<Vec<crate::sacred::bindings::FileFunction>> {
    use crate::sacred::bindings::FileFunction;
    let mut wanted: BTreeSet<&str> = BTreeSet::new();
    for t in &scan.tests {
        wanted.extend(t.used.iter().map(String::as_str));
    }
    for f in &scan.functions {
        wanted.extend(f.uses.iter().map(String::as_str));
    }
    let imports: Vec<(String, String)> = scan
        .module_bindings
        .iter()
        .filter_map(|b| {
            let rest = b.text.strip_prefix("import ")?;
            let (name, quoted) = rest.split_once(' ')?;
            let import = quoted.trim_matches('"');
            (wanted.contains(name) && wanted.iter().any(|w| w.starts_with(&format!("{name}."))))
                .then(|| (name.to_owned(), import.to_owned()))
        })
        .collect();
    if imports.is_empty() {
        return Ok(Vec::new());
    }
    // The nearest `go.mod` above the test: its directory and module path.
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut module: Option<(String, String)> = None;
    let mut d = Some(dir);
    while let Some(at) = d {
        let file = if at.is_empty() {
            "go.mod".to_owned()
        } else {
            format!("{at}/go.mod")
        };
        if let Some(src) = content.read(repo, &file)? {
            module = src
                .lines()
                .find_map(|l| l.trim().strip_prefix("module "))
                .map(|m| (at.to_owned(), m.trim().trim_matches('"').to_owned()));
            break;
        }
        d = if at.is_empty() {
            None
        } else {
            Some(at.rsplit_once('/').map_or("", |(up, _)| up))
        };
    }
    let Some((root, module)) = module else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, import) in imports {
        let Some(rest) = import.strip_prefix(&format!("{module}/")) else {
            continue;
        };
        let pkg = if root.is_empty() {
            rest.to_owned()
        } else {
            format!("{root}/{rest}")
        };
        let tests_own = test_support(&format!("{pkg}/x.go"));
        let mut functions: Vec<FileFunction> = Vec::new();
        for file in content.list_dir(repo, &pkg)? {
            if !is_go(&file) || file.ends_with("_test.go") {
                continue;
            }
            if let Some(parts) = read_module(repo, content, &file, cache)? {
                functions.extend(parts.functions_of(&file));
            }
        }
        for (at, f) in functions.iter().enumerate() {
            let q = format!("{name}.{}", f.name);
            if !wanted.contains(q.as_str()) || !(tests_own || go_takes_testing_handle(&f.text)) {
                continue;
            }
            out.push(stub_of(&functions, at, q));
        }
    }
    Ok(out)
}

/// Whether a Go function's definition (its normalised text, `func Total(t testing.TB,got,want
/// int){…}`; a type's, its methods one after the other) takes a testing handle among its
/// parameters: a `*testing.T`, `testing.TB`, `*testing.B` or `*testing.F` (a name grouped
/// before one, `t, u *testing.T`, is one too), in any of its methods, or in a function type or
/// literal it holds (`f func(t *testing.T)`, `func(t *testing.T){…}`: a subtest's body, which
/// only tests hand around). A method's receiver is not a parameter here.
fn go_takes_testing_handle(definition: &str) -> bool {
    // The balanced group that opens at the start of `s`, and what follows it.
    fn group(s: &str) -> Option<(&str, &str)> {
        let (open, close) = match s.chars().next()? {
            '(' => ('(', ')'),
            '[' => ('[', ']'),
            _ => return None,
        };
        let mut depth = 0usize;
        for (i, c) in s.char_indices() {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return Some((&s[1..i], &s[i + 1..]));
                }
            }
        }
        None
    }
    fn ident(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }
    // The parameter list of the `func` that `rest` follows.
    fn params_of(rest: &str) -> Option<&str> {
        let mut rest = rest.trim_start();
        if rest.starts_with('(') {
            let (first, after) = group(rest)?;
            let after = after.trim_start();
            if !after.starts_with(ident) {
                // A function literal: that was its parameters.
                return Some(first);
            }
            // A method: that was its receiver.
            rest = after;
        }
        let name_end = rest.find(|c: char| !ident(c)).unwrap_or(rest.len());
        rest = rest[name_end..].trim_start();
        if rest.starts_with('[') {
            // Type parameters.
            rest = group(rest)?.1.trim_start();
        }
        group(rest).map(|(params, _)| params)
    }
    // `t testing.TB`, `t*testing.T` (as normalised), `*testing.T`, or a name alone.
    let holds_handle = |params: &str| -> bool {
        let mut depth = 0i32;
        let mut start = 0;
        let mut parts: Vec<&str> = Vec::new();
        for (i, c) in params.char_indices() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&params[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&params[start..]);
        parts.iter().any(|p| {
            ["testing.T", "testing.TB", "testing.B", "testing.F"]
                .iter()
                .any(|ty| {
                    p.trim().strip_suffix(ty).is_some_and(|head| {
                        let name = head.trim_end_matches('*').trim();
                        (head.is_empty() || head.ends_with(['*', ' '])) && name.chars().all(ident)
                    })
                })
        })
    };
    definition.match_indices("func").any(|(i, _)| {
        let rest = &definition[i + "func".len()..];
        !definition[..i].ends_with(ident)
            && rest.starts_with(['(', ' '])
            && params_of(rest).is_some_and(holds_handle)
    })
}

/// The prefix of what a package of the tests' own code runs as the test binary starts (see
/// [`add_go_imported_package_starts`]): `at import: hook imported package start (in FILE):
/// TEXT`.
const GO_PACKAGE_START: &str = "hook imported package start (in ";

/// Go: what a package of the tests' own code runs as the test binary starts, before every
/// test the binary holds: its `func init()` functions and its package-level `var` specs whose
/// value calls (see `bindings::go_package_start`), with the functions and methods of the
/// package they mention, and those mention in turn, each as written, locked as `at import:
/// hook imported package start (in FILE): TEXT`. Such a package is one of the module (found
/// from the `module` line of the nearest `go.mod`) that the test file imports and that is a
/// directory of the tests (see [`test_support`]: `internal/testutil`), or that it imports
/// only for what it runs as it starts (`import _ "example.com/shop/internal/promo"`); and
/// those such a package imports so in turn. The package under test (the test's own
/// directory) and the module's other packages are the code the tests exercise, not followed
/// here. An `init` that only sets package-level variables of its own file (`checks["total"]
/// = …`) is locked with the tests that reach that package by name, through what they read
/// there (the variable, or a function of the package that mentions it); any other, with
/// every test of the file. Each package followed is also named as `at import, changes
/// nothing: hook imported package (in DIR/): PATH`, so that a file added there brings the
/// tests into the check.
fn add_go_imported_package_starts(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    cache: &mut Surroundings,
) -> Result<()> {
    use crate::sacred::bindings::{AT_IMPORT, AT_IMPORT_PURE};
    if scan.tests.is_empty() {
        return Ok(());
    }
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let Some((root, module, _)) = go_module_of(repo, content, dir)? else {
        return Ok(());
    };
    if module.is_empty() {
        return Ok(());
    }
    // The directory of a package of the module, by its import path.
    let package_dir = |import: &str| -> Option<String> {
        let rest = if import == module {
            ""
        } else {
            import.strip_prefix(&format!("{module}/"))?
        };
        Some(match (root.is_empty(), rest.is_empty()) {
            (true, _) => rest.to_owned(),
            (false, true) => root.clone(),
            (false, false) => format!("{root}/{rest}"),
        })
    };
    let ours = |pkg: &str, name: &str| name == "_" || test_support(&format!("{pkg}/x.go"));
    // (package directory, import path, the name the test file binds it to, if it does).
    let mut queue: Vec<(String, String, Option<String>)> = Vec::new();
    for b in &scan.module_bindings {
        let Some((name, quoted)) = b
            .text
            .strip_prefix("import ")
            .and_then(|r| r.split_once(' '))
        else {
            continue;
        };
        let import = quoted.trim_matches('"');
        if let Some(pkg) = package_dir(import)
            && pkg != dir
            && ours(&pkg, name)
        {
            let bound = (name != "_" && name != ".").then(|| name.to_owned());
            queue.push((pkg, import.to_owned(), bound));
        }
    }
    // The packages the other test files of the directory import are linked into the same
    // test binary, and start with it (`import _ "example.com/shop/internal/testutil"` in a
    // new `aaa_test.go`).
    for file in content.list_dir(repo, dir)? {
        if file == path || !file.ends_with("_test.go") {
            continue;
        }
        // Read once per command: each test file of the directory asks.
        if !cache.go_starts.contains_key(&file) {
            let read = match content.read(repo, &file)? {
                Some(src) => lang::go_package_start(&file, &src)?,
                None => None,
            };
            cache.go_starts.insert(file.clone(), read);
        }
        let Some((_, start)) = &cache.go_starts[&file] else {
            continue;
        };
        for (name, import) in &start.imports {
            if let Some(pkg) = package_dir(import)
                && pkg != dir
                && ours(&pkg, name)
            {
                queue.push((pkg, import.clone(), None));
            }
        }
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut every: Vec<String> = Vec::new();
    // Lines for the tests that read what a package's own `init` sets: (the name the file
    // binds the package to, the variables and the functions that read them, the lines).
    let mut by_reach: Vec<(String, BTreeSet<String>, Vec<String>)> = Vec::new();
    while let Some((pkg, import, bound)) = queue.pop() {
        if !seen.insert(pkg.clone()) {
            continue;
        }
        every.push(format!(
            "{AT_IMPORT_PURE}hook imported package (in {pkg}/): {import}"
        ));
        // The package's non-test files of its package clause (a `package main` or an
        // ignored file beside it is not linked).
        let mut files: Vec<(String, crate::sacred::bindings::GoPackageStart)> = Vec::new();
        let mut clauses: BTreeMap<String, usize> = BTreeMap::new();
        for file in content.list_dir(repo, &pkg)? {
            if !is_go(&file) || file.ends_with("_test.go") {
                continue;
            }
            if !cache.go_starts.contains_key(&file) {
                let read = match content.read(repo, &file)? {
                    Some(src) => lang::go_package_start(&file, &src)?,
                    None => None,
                };
                cache.go_starts.insert(file.clone(), read);
            }
            if let Some((clause, start)) = &cache.go_starts[&file] {
                *clauses.entry(clause.clone()).or_default() += 1;
                files.push((file.clone(), start.clone()));
            }
        }
        // The package's functions and methods, each with its file.
        let functions: Vec<(&str, &str, &str, &BTreeSet<String>)> = files
            .iter()
            .flat_map(|(file, s)| {
                s.functions
                    .iter()
                    .map(move |(n, t, m)| (file.as_str(), n.as_str(), t.as_str(), m))
            })
            .collect();
        // What a name reaches among them: the functions and methods it names, and theirs.
        let reached = |names: &BTreeSet<String>| -> Vec<String> {
            let mut lines = Vec::new();
            let mut done: BTreeSet<&str> = BTreeSet::new();
            let mut todo: Vec<&str> = names.iter().map(String::as_str).collect();
            while let Some(n) = todo.pop() {
                if !done.insert(n) {
                    continue;
                }
                for (file, name, text, mentions) in &functions {
                    if *name == n {
                        lines.push(format!("{AT_IMPORT}{GO_PACKAGE_START}{file}): {text}"));
                        todo.extend(mentions.iter().map(String::as_str));
                    }
                }
            }
            lines
        };
        for (file, start) in &files {
            for code in &start.start {
                let mut lines = vec![format!(
                    "{AT_IMPORT}{GO_PACKAGE_START}{file}): {}",
                    code.text
                )];
                lines.extend(reached(&code.mentions));
                match &bound {
                    Some(name) if !code.all => {
                        // The variables it sets, and the functions of the package that
                        // mention one, or a function that does.
                        let mut read: BTreeSet<String> = code.own.clone();
                        loop {
                            let more: Vec<String> = functions
                                .iter()
                                .filter(|(_, n, _, m)| {
                                    !read.contains(*n) && m.iter().any(|x| read.contains(x))
                                })
                                .map(|(_, n, _, _)| (*n).to_owned())
                                .collect();
                            if more.is_empty() {
                                break;
                            }
                            read.extend(more);
                        }
                        by_reach.push((name.clone(), read, lines));
                    }
                    _ => every.extend(lines),
                }
            }
            for (name, import) in &start.imports {
                if let Some(next) = package_dir(import)
                    && next != dir
                    && ours(&next, name)
                {
                    queue.push((next, import.clone(), None));
                }
            }
        }
    }
    lock_with_every_test(scan, every);
    if by_reach.is_empty() {
        return Ok(());
    }
    for t in &mut scan.tests {
        // What the test reads, itself or through the functions of its file it calls.
        let reads = crate::sacred::bindings::uses_through_helpers(
            &t.used,
            &scan.functions,
            crate::sacred::bindings::own_function(t),
        );
        for (name, read, lines) in &by_reach {
            let prefix = format!("{name}.");
            if reads
                .iter()
                .filter_map(|u| u.strip_prefix(&prefix))
                .any(|n| read.contains(n.split('.').next().unwrap_or(n)))
            {
                for l in lines {
                    if !t.envelope_bindings.contains(l) {
                        t.envelope_bindings.push(l.clone());
                    }
                }
            }
        }
        t.envelope_bindings.sort();
    }
    Ok(())
}

/// Rust: the check helpers a file's tests reach in a module of the tests the file declares
/// (`mod common;`, the integration tests' shared `tests/common/mod.rs` or `tests/common.rs`):
/// a function of it a test calls as `common::check_total(…)`, or by the name a `use
/// common::check_total;` (or `use common::*;`) brings, with the check helpers of that module
/// it reaches, as `helper common::check_total (in FILE): TEXT`. Only the module's own
/// top-level functions are read, and only a module of the tests (see [`test_support`]). The
/// functions of a file the test file `include!`s at its top (`include!("helpers.rs");`) are
/// the file's own: one a test calls by its name is read the same way.
fn add_rust_module_check_helpers(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
    cache: &mut Surroundings,
) -> Result<()> {
    use crate::sacred::bindings::FileFunction;
    let Some(src) = content.read(repo, path)? else {
        return Ok(());
    };
    // `mod NAME;` at the top of the file (a module declared without a body is in a file).
    let declared: Vec<String> = src
        .lines()
        .filter(|l| !l.starts_with(char::is_whitespace))
        .filter_map(|l| {
            let l = l.trim_end();
            let l = l
                .strip_prefix("pub(crate) ")
                .or_else(|| l.strip_prefix("pub "))
                .unwrap_or(l);
            let name = l.strip_prefix("mod ")?.strip_suffix(';')?.trim();
            (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
                .then(|| name.to_owned())
        })
        .collect();
    // `include!("helpers.rs");` at the top of the file: its functions are the file's own.
    let dir_of_file = dir_prefix(path);
    let included: Vec<String> = src
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("include!(")?;
            let file = rest.split('"').nth(1)?;
            Path::new(file)
                .extension()
                .is_some_and(|e| e == "rs")
                .then(|| relative_path(dir_of_file, file))
        })
        .collect();
    if declared.is_empty() && included.is_empty() {
        return Ok(());
    }
    let mut wanted: BTreeSet<&str> = BTreeSet::new();
    for t in &scan.tests {
        wanted.extend(t.used.iter().map(String::as_str));
    }
    for (_, f) in &scan.scoped_functions {
        wanted.extend(f.uses.iter().map(String::as_str));
    }
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let (file_name, stem) = {
        let name = path.rsplit('/').next().unwrap_or(path);
        (name, name.strip_suffix(".rs").unwrap_or(name))
    };
    let join = |rel: &str| {
        if dir.is_empty() {
            rel.to_owned()
        } else {
            format!("{dir}/{rel}")
        }
    };
    let mut stubs: Vec<FileFunction> = Vec::new();
    for module in declared {
        // A crate root (`lib.rs`, `main.rs`, an integration test `tests/x.rs`) or a `mod.rs`
        // finds its modules beside it; another file in a directory of its own name.
        let root_like = matches!(file_name, "lib.rs" | "main.rs" | "mod.rs")
            || dir.split('/').next_back() == Some("tests");
        let candidates = if root_like {
            vec![
                join(&format!("{module}.rs")),
                join(&format!("{module}/mod.rs")),
            ]
        } else {
            vec![
                join(&format!("{stem}/{module}.rs")),
                join(&format!("{stem}/{module}/mod.rs")),
            ]
        };
        let mut file = None;
        for c in candidates {
            if test_support(&c) && content.read(repo, &c)?.is_some() {
                file = Some(c);
                break;
            }
        }
        let Some(file) = file else {
            continue;
        };
        let Some(parts) = read_module(repo, content, &file, cache)? else {
            continue;
        };
        let functions = parts.functions_of(&file);
        // Names a `use` of the module brings: each by name, or all of them.
        let mut by_use: Vec<(String, String)> = Vec::new();
        let mut all = false;
        for b in &scan.module_bindings {
            let Some(rest) = b
                .text
                .strip_prefix(&format!("use {module}::"))
                .or_else(|| b.text.strip_prefix(&format!("use crate::{module}::")))
            else {
                continue;
            };
            if rest == "*" {
                all = true;
            } else if let Some((name, alias)) = rest.split_once(" as ") {
                by_use.push((name.to_owned(), alias.to_owned()));
            } else if !rest.contains("::") {
                by_use.push((rest.to_owned(), rest.to_owned()));
            }
        }
        for (at, f) in functions.iter().enumerate() {
            let qualified = format!("{module}::{}", f.name);
            let mut names: Vec<String> = Vec::new();
            if wanted.contains(qualified.as_str()) {
                names.push(qualified);
            }
            for (name, alias) in &by_use {
                if *name == f.name && wanted.contains(alias.as_str()) {
                    names.push(alias.clone());
                }
            }
            if all && wanted.contains(f.name.as_str()) {
                names.push(f.name.clone());
            }
            if names.is_empty() {
                continue;
            }
            for name in names {
                stubs.push(stub_of(&functions, at, name));
            }
        }
    }
    for file in included {
        let Some(parts) = read_module(repo, content, &file, cache)? else {
            continue;
        };
        let functions = parts.functions_of(&file);
        for (at, f) in functions.iter().enumerate() {
            if wanted.contains(f.name.as_str()) {
                stubs.push(stub_of(&functions, at, f.name.clone()));
            }
        }
    }
    if stubs.is_empty() {
        return Ok(());
    }
    for t in &mut scan.tests {
        let mut visible = lang::rust_visible_functions(t, &scan.scoped_functions);
        // A function of the file hides a module's function brought by the same plain name.
        visible.extend(
            stubs
                .iter()
                .filter(|s| s.name.contains("::") || !visible.iter().any(|v| v.name == s.name))
                .cloned()
                .collect::<Vec<_>>(),
        );
        t.envelope_bindings.retain(|l| {
            !l.starts_with("helper ") && !l.starts_with(crate::sacred::bindings::SKIPS_IN_HELPER)
        });
        t.envelope_bindings
            .extend(crate::sacred::bindings::reached_helpers(
                &t.used,
                &t.assertion_uses,
                &visible,
                "",
            ));
        t.envelope_bindings.sort();
    }
    Ok(())
}

/// What a module binding imports from another module.
enum Imported {
    /// One name, bound as `alias`.
    Name {
        module: String,
        name: String,
        alias: String,
    },
    /// The whole module, bound as `alias` (Python's dotted `tests.helpers` when not renamed).
    Module { module: String, alias: String },
}

/// What an import reaches in the module it names.
enum Members {
    /// One name, bound as an alias.
    One(String, String),
    /// Its functions, as `ALIAS.NAME`.
    Qualified(String),
}

/// The imported name a class alias stands for (`from tests.base import Checks as Base`).
fn named_import_name<'b>(
    bindings: &'b [crate::sacred::bindings::Binding],
    alias: &str,
) -> Option<&'b str> {
    bindings.iter().find_map(|b| match named_import(&b.text) {
        Some((_, name, a)) if a == alias => Some(name),
        _ => None,
    })
}

/// What a module binding's text imports (see [`Imported`]): `from M import N[ as A]`, `import
/// M[ as A]` (Python); `import N as A from M`, `import default as A from M`, `import * as A
/// from M`, `N from require(M)`, `A = require(M)` (JavaScript).
fn import_of(text: &str) -> Option<Imported> {
    let name = |module: &str, name: &str, alias: &str| Imported::Name {
        module: module.to_owned(),
        name: name.to_owned(),
        alias: alias.to_owned(),
    };
    let whole = |module: &str, alias: &str| Imported::Module {
        module: module.to_owned(),
        alias: alias.to_owned(),
    };
    let required = |call: &str| -> Option<String> {
        let arg = call.trim().strip_prefix("require(")?.strip_suffix(')')?;
        let quoted = arg.len() >= 2
            && (arg.starts_with('\'') || arg.starts_with('"'))
            && arg.ends_with(&arg[..1]);
        quoted.then(|| arg.to_owned())
    };
    if let Some(rest) = text.strip_prefix("import * as ") {
        let (alias, module) = rest.split_once(" from ")?;
        return Some(whole(module, alias));
    }
    if let Some((module, n, alias)) = named_import(text) {
        return Some(name(module, n, alias));
    }
    if let Some(rest) = text.strip_prefix("import default as ") {
        let (alias, module) = rest.split_once(" from ")?;
        return Some(name(module, "default", alias));
    }
    if let Some(rest) = text.strip_prefix("import ") {
        if rest.contains(" from ") {
            return None;
        }
        let (module, alias) = rest.split_once(" as ").unwrap_or((rest, rest));
        return Some(whole(module, alias));
    }
    if let Some((n, call)) = text.split_once(" from ") {
        let module = required(call)?;
        return Some(name(&module, n, n));
    }
    let (alias, call) = text.split_once('=')?;
    let alias = alias.trim();
    let alias = alias
        .strip_prefix("const ")
        .or_else(|| alias.strip_prefix("let "))
        .or_else(|| alias.strip_prefix("var "))
        .unwrap_or(alias)
        .trim();
    if alias.is_empty()
        || !alias
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    {
        return None;
    }
    Some(whole(&required(call)?, alias))
}

/// `(module, name, alias)` of an import of one name, as a module binding's text spells it:
/// `from MODULE import NAME[ as ALIAS]` (Python), `import NAME as ALIAS from 'MODULE'`
/// (JavaScript). Not a whole module, nor a default export.
fn named_import(text: &str) -> Option<(&str, &str, &str)> {
    if let Some(rest) = text.strip_prefix("from ") {
        let (module, what) = rest.split_once(" import ")?;
        let (name, alias) = what.split_once(" as ").unwrap_or((what, what));
        return Some((module, name, alias));
    }
    let rest = text.strip_prefix("import ")?;
    let (name, rest) = rest.split_once(" as ")?;
    let (alias, module) = rest.split_once(" from ")?;
    (name != "default" && name != "*").then_some((module, name, alias))
}

/// The extensions of files a runner loads as they are named (`./total.ts`,
/// `./expected.json`, `./style.css`): a relative specifier ending with one names that file.
const JS_LOADED_AS_NAMED: &[&str] = &[
    "ts", "tsx", "mts", "cts", "json", "json5", "node", "wasm", "css", "scss", "sass", "less",
    "styl", "svg", "png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "bmp", "vue", "svelte",
    "astro", "html", "htm", "txt", "md", "mdx", "yaml", "yml", "toml", "xml", "csv", "graphql",
    "gql", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "webm", "snap",
];

/// Whether the runner picks the file a relative specifier names (`../src/billing`: no
/// extension; `../src/billing.js`, which TypeScript's resolution answers with `billing.ts`
/// when there is one; `../src/billing.service`, whose last dot starts no extension a file
/// is loaded by as named, so the runner tries `billing.service.js`, `.mjs`, `.ts`, …).
fn resolved_by_runner(spec: &str) -> bool {
    let name = spec.rsplit('/').next().unwrap_or(spec);
    if name.is_empty() || name.starts_with('.') {
        return false;
    }
    match name.rsplit_once('.') {
        None => true,
        Some((_, ext)) => {
            matches!(ext, "js" | "jsx" | "mjs" | "cjs")
                || !(ext.is_empty()
                    || JS_LOADED_AS_NAMED
                        .iter()
                        .any(|e| e.eq_ignore_ascii_case(ext)))
        }
    }
}

/// Every relative path written between quotes (`'./x'`, `"../src/x"`, `` `../src/x` ``) in
/// JavaScript/TypeScript source, found from each quote that opens one, so that no odd quote
/// elsewhere (an apostrophe in a comment, an escaped quote) can shift the reading; a path
/// with a blank, a line break or a template substitution in it is left out.
fn quoted_relative_paths(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, c) in src.char_indices() {
        if !matches!(c, '\'' | '"' | '`') {
            continue;
        }
        let rest = &src[i + 1..];
        if !(rest.starts_with("./") || rest.starts_with("../")) {
            continue;
        }
        let Some(end) = rest.find(c) else {
            continue;
        };
        let piece = &rest[..end];
        if !piece.contains(char::is_whitespace) && !piece.contains("${") {
            out.push(piece.to_owned());
        }
    }
    out
}

/// JavaScript/TypeScript: which files answer each relative import the test file writes
/// without an extension (`'../../src/billing'`), locked with every test of the file (`hook
/// resolution (in src/billing.*): '../../src/billing' of test/pay.test.js finds
/// src/billing.js`; a change to `src/billing`, any `src/billing.…` or `src/billing/index.…`
/// re-reads it). Runners try the extensions in different orders (Vite puts `.mjs` before
/// `.js`), and Node and Jest try the name as written before any, so a new file of the same
/// name beside the code under test (`src/billing.mjs`, or `src/billing` with no extension,
/// answering with a fake) may take the import over: any change in the files found is
/// refused.
fn add_js_extensionless_imports(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    scan: &mut FileScan,
) -> Result<()> {
    let Some(src) = content.read(repo, path)? else {
        return Ok(());
    };
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    // The imports the file's bindings hold (whatever its comments say), and any other
    // quoted relative path (`await import('../src/x')` inside a test).
    let imported = js_import_specifiers(scan);
    let mut specs: BTreeSet<String> = imported
        .iter()
        .filter(|m| (m.starts_with("./") || m.starts_with("../")) && resolved_by_runner(m))
        .cloned()
        .collect();
    specs.extend(
        quoted_relative_paths(&src)
            .into_iter()
            .filter(|piece| resolved_by_runner(piece)),
    );
    let hook = crate::sacred::bindings::HOOK;
    let mut lines = Vec::new();
    // A bare import (`billing`, `@shop/billing`) is looked for in each `node_modules` from
    // the test's directory up: one committed to the repository answers it (`hook resolution
    // (in test/node_modules/billing): sha256:…`).
    let bare: BTreeSet<String> = imported
        .iter()
        .filter(|m| !m.is_empty() && !m.starts_with(['.', '/']) && !m.contains(':'))
        .map(|m| {
            let mut parts = m.split('/');
            let first = parts.next().unwrap_or("");
            if first.starts_with('@') {
                format!("{first}/{}", parts.next().unwrap_or(""))
            } else {
                first.to_owned()
            }
        })
        .collect();
    if !bare.is_empty() {
        for d in dirs_up(dir) {
            let modules = if d.is_empty() {
                "node_modules".to_owned()
            } else {
                format!("{d}/node_modules")
            };
            let committed = content.list_tree(repo, &modules)?;
            if committed.is_empty() {
                continue;
            }
            for name in &bare {
                let at = format!("{modules}/{name}");
                let mut digest = String::new();
                for f in committed.iter().filter(|f| {
                    f.strip_prefix(&at)
                        .is_some_and(|r| r.starts_with('/') || r.starts_with('.'))
                }) {
                    if let Some(bytes) = content.read_bytes(repo, f)? {
                        digest.push_str(&format!("{f}:{} ", analysis::sha256_hex_bytes(&bytes)));
                    }
                }
                if !digest.is_empty() {
                    lines.push(format!(
                        "{hook}resolution (in {at}): sha256:{}",
                        analysis::sha256_hex(&digest)
                    ));
                }
            }
        }
    }
    for spec in specs {
        let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        let mut inside = true;
        for p in spec.split('/') {
            match p {
                "" | "." => {}
                ".." => inside &= parts.pop().is_some(),
                p => parts.push(p),
            }
        }
        if !inside {
            continue;
        }
        let joined = parts.join("/");
        let mut found = Vec::new();
        // `./billing.js` may be the source `./billing.ts` (TypeScript, Vite, Jest with a
        // mapper): each of them answers.
        let written = [
            ("js", "ts tsx"),
            ("jsx", "tsx"),
            ("mjs", "mts"),
            ("cjs", "cts"),
        ]
        .into_iter()
        .find_map(|(e, ts)| Some((joined.strip_suffix(&format!(".{e}"))?, e, ts)));
        let base = if let Some((base, e, ts)) = written {
            for x in std::iter::once(e).chain(ts.split(' ')) {
                let f = format!("{base}.{x}");
                if content.read_bytes(repo, &f)?.is_some() {
                    found.push(f);
                }
            }
            base.to_owned()
        } else {
            // Node and Jest try the specifier as written first: a file named exactly so
            // (`src/billing`, no extension) answers before `src/billing.js`.
            if content.read_bytes(repo, &joined)?.is_some() {
                found.push(joined.clone());
            }
            for e in [
                "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "json", "node",
            ] {
                for f in [format!("{joined}.{e}"), format!("{joined}/index.{e}")] {
                    if content.read_bytes(repo, &f)?.is_some() {
                        found.push(f);
                    }
                }
            }
            // A directory's `package.json` names its entry point (`main`) before `index`.
            let manifest = format!("{joined}/package.json");
            if content.read_bytes(repo, &manifest)?.is_some() {
                found.push(manifest);
            }
            joined
        };
        if !found.is_empty() {
            lines.push(format!(
                "{hook}resolution (in {base}.*): '{spec}' of {path} finds {}",
                found.join(" ")
            ));
        }
    }
    lock_with_every_test(scan, lines);
    Ok(())
}

/// The file of the tests' own code that an import names, resolved as Python (relative to the
/// test's package, or from the test's directory or one above it, as pytest puts the rootdir
/// on `sys.path`) or as Node and TypeScript do (a relative specifier; `./x.js` may be the
/// source `./x.ts`). `None` for a package (`billing`, `ava`) or a file that is not one of the
/// tests' own (see [`test_support`]).
fn resolve_import(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    module: &str,
) -> Result<Option<String>> {
    for c in import_candidates(path, module) {
        if !test_support(&c) {
            continue;
        }
        if content.read(repo, &c)?.is_some() {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

/// The files an import in `path` may name, most likely first (see [`resolve_import`]).
fn import_candidates(path: &str, module: &str) -> Vec<String> {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let join = |base: &str, rel: &str| -> Option<String> {
        let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
        for p in rel.split('/') {
            match p {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                p => parts.push(p),
            }
        }
        Some(parts.join("/"))
    };
    let mut candidates: Vec<String> = Vec::new();
    if lang::Lang::of_path(path) == Some(lang::Lang::Python) {
        let dots = module.chars().take_while(|c| *c == '.').count();
        let rel = module[dots..].replace('.', "/");
        if rel.is_empty() {
            return Vec::new();
        }
        let bases: Vec<String> = if dots > 0 {
            join(dir, &"../".repeat(dots - 1)).into_iter().collect()
        } else {
            let mut bases = vec![dir.to_owned()];
            let mut d = dir;
            while let Some((up, _)) = d.rsplit_once('/') {
                bases.push(up.to_owned());
                d = up;
            }
            if !dir.is_empty() {
                bases.push(String::new());
            }
            bases
        };
        for base in bases {
            if let Some(p) = join(&base, &rel) {
                candidates.push(format!("{p}.py"));
                candidates.push(format!("{p}/__init__.py"));
            }
        }
    } else {
        let spec = module.trim_matches(|c| c == '\'' || c == '"' || c == '`');
        if !(spec.starts_with("./") || spec.starts_with("../")) {
            return Vec::new();
        }
        let Some(p) = join(dir, spec) else {
            return Vec::new();
        };
        let (stem, ext) = match p.rsplit_once('.') {
            Some((stem, ext)) if !ext.contains('/') => (stem.to_owned(), ext),
            _ => (p.clone(), ""),
        };
        match ext {
            "js" | "jsx" => {
                candidates.push(p.clone());
                candidates.push(format!("{stem}.ts"));
                candidates.push(format!("{stem}.tsx"));
            }
            "mjs" => candidates.extend([p.clone(), format!("{stem}.mts")]),
            "cjs" => candidates.extend([p.clone(), format!("{stem}.cts")]),
            "ts" | "tsx" | "mts" | "cts" => candidates.push(p.clone()),
            _ => {
                for e in ["ts", "tsx", "js", "jsx", "mjs", "mts"] {
                    candidates.push(format!("{p}.{e}"));
                }
                for e in ["ts", "tsx", "js"] {
                    candidates.push(format!("{p}/index.{e}"));
                }
            }
        }
    }
    candidates
}

/// Whether `file` is the tests' own code: in a directory named like a test directory
/// (`test`, `tests`, `testing`, `__tests__`, `spec`, `e2e`, `testutil`, …), or named like a
/// test file or `conftest.py`. Not merely beside the test: a test that sits next to the code
/// it tests (`src/total.test.ts` and `src/total.ts`) imports that code, which is what it
/// exercises.
fn test_support(file: &str) -> bool {
    let (dirs, name) = file.rsplit_once('/').unwrap_or(("", file));
    dirs.split('/').any(|d| {
        matches!(
            d,
            "test"
                | "tests"
                | "testing"
                | "__tests__"
                | "spec"
                | "specs"
                | "e2e"
                | "testutil"
                | "testutils"
                | "test_utils"
                | "test-utils"
                | "test_helpers"
                | "test-helpers"
        )
    }) || name == "conftest.py"
        || name.starts_with("test_")
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains(".spec.")
}

/// Reads each test's check helpers again, through its own file's functions and `theirs`,
/// functions of other files it can call as its own (a Go package's other test files, what
/// its file imports).
fn add_check_helpers_of_other_files(
    scan: &mut FileScan,
    theirs: Vec<crate::sacred::bindings::FileFunction>,
    classes_grew: bool,
) {
    if theirs.is_empty() && !classes_grew {
        return;
    }
    let functions: Vec<crate::sacred::bindings::FileFunction> =
        scan.functions.iter().cloned().chain(theirs).collect();
    for t in &mut scan.tests {
        t.envelope_bindings.retain(|l| {
            !l.starts_with("helper ") && !l.starts_with(crate::sacred::bindings::SKIPS_IN_HELPER)
        });
        let visible = crate::sacred::bindings::with_class_functions(&functions, t);
        let helpers = crate::sacred::bindings::reached_helpers(
            &t.used,
            &t.assertion_uses,
            &visible,
            crate::sacred::bindings::own_function(t),
        );
        let reads = crate::sacred::bindings::helper_line_reads(&helpers, &visible);
        t.envelope_reads.extend(reads);
        t.envelope_bindings.extend(helpers);
        t.envelope_bindings.sort();
    }
}

/// Reads and parses the files of `content` that exist, building the tests `want` selects.
fn scan_files(
    repo: &Repo,
    content: &Content<'_>,
    files: &[String],
    patterns: &Patterns,
    want: impl Fn(&Source) -> Want + Sync,
) -> Result<BTreeMap<String, FileScan>> {
    scan_files_as_at_base(repo, content, files, patterns, want, &HashMap::new())
}

/// [`scan_files`], each test of `base_locals` (by id) numbering its locals as its base
/// revision did.
fn scan_files_as_at_base(
    repo: &Repo,
    content: &Content<'_>,
    files: &[String],
    patterns: &Patterns,
    want: impl Fn(&Source) -> Want + Sync,
    base_locals: &HashMap<String, Vec<String>>,
) -> Result<BTreeMap<String, FileScan>> {
    let mut sources = Vec::new();
    for file in files {
        if let Some(source) = read_source(repo, content, file, patterns)? {
            sources.push(source);
        }
    }
    mark_go_package_any(repo, content, &mut sources)?;
    let mut out = BTreeMap::new();
    let mut siblings = Surroundings::default();
    for (source, scan) in sources
        .iter()
        .zip(scan_all_as_at_base(&sources, want, base_locals))
    {
        let mut scan = scan?;
        add_surroundings(repo, content, &source.path, &mut scan, &mut siblings)?;
        out.insert(source.path.clone(), scan);
    }
    Ok(out)
}

/// Go: the package variables of `path`'s package (the `.go` files of its directory with its
/// `package` clause, every build constraint's included) that a test may put back as the
/// package starts them (`lang::go_initial_values`); none when a file of the directory does
/// not parse. Read only when a test of `text` ends by assigning a name.
fn go_initial_values(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    text: &str,
) -> Result<BTreeMap<String, String>> {
    let Some(own) = lang::go_var_starts(path, text)?.filter(|o| o.test_ends_setting) else {
        return Ok(BTreeMap::new());
    };
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut files = vec![own];
    for file in content.list_dir(repo, dir)? {
        if file == path || !is_go(&file) {
            continue;
        }
        let Some(src) = content.read(repo, &file)? else {
            continue;
        };
        let Some(theirs) = lang::go_var_starts(&file, &src)? else {
            return Ok(BTreeMap::new());
        };
        if theirs.package == files[0].package {
            files.push(theirs);
        }
    }
    Ok(lang::go_initial_values(&files))
}

/// Go: the declarations, one a line, of the constants other files of `path`'s package (its
/// directory, the same `package` clause) declare that its `text` mentions, to append to it
/// for a reading in which each is its literal (`extracted::go_constants`, which also refuses
/// a name the file declares itself). Only what reads exactly there: untyped, one literal,
/// declared once in the package, in a file compiled everywhere (`lang::go_package_constants`).
fn go_foreign_constants(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    text: &str,
) -> Result<String> {
    let Some(own) = lang::go_package_constants(path, text)? else {
        return Ok(String::new());
    };
    let words = relocate::words(text);
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in content.list_dir(repo, dir)? {
        if file == path || !is_go(&file) {
            continue;
        }
        let Some(src) = content.read(repo, &file)? else {
            continue;
        };
        if !src.contains("const") {
            continue;
        }
        let Some(theirs) = lang::go_package_constants(&file, &src)? else {
            continue;
        };
        if theirs.package != own.package {
            continue;
        }
        for (name, literal) in theirs.constants {
            found.entry(name).or_default().push(literal);
        }
    }
    let mut out = String::new();
    for (name, literals) in found {
        if let [literal] = literals.as_slice()
            && !literal.is_empty()
            && words.contains(name.as_str())
        {
            let _ = writeln!(out, "const {name} = {literal}");
        }
    }
    Ok(out)
}

/// The sacred tests of the tracked files as they are in the work tree, with any files that
/// have parse errors.
pub struct Discovery {
    pub tests: Vec<TestItem>,
    /// Files whose syntax tree has errors (their tests may be incomplete), among the files
    /// that can hold sacred tests.
    pub parse_errors: Vec<String>,
    /// Files skipped because this build lacks their grammar.
    pub unsupported: Vec<String>,
    /// `sacred.paths` entries under which no test was found (tests registered through a
    /// project's own wrapper need `sacred.test_functions`).
    pub empty_paths: Vec<String>,
}

/// Untracked files that `discover` does not read but that would be parsed if they were
/// tracked: a language with sacred tests, matching `sacred.paths` or containing the word
/// `sacred`. `sacred lock` names them, so that a lock of 0 tests says why.
pub fn untracked_candidates(repo: &Repo, config: &Config) -> Result<Vec<String>> {
    let patterns = sacred_patterns(config)?;
    let mut out = Vec::new();
    for path in repo.untracked_files()? {
        let path = crate::git::display_path(&path);
        if lang::Lang::of_path(&path).is_none() {
            continue;
        }
        if !patterns.is_empty() && patterns.matches(Path::new(&path)) {
            out.push(path);
            continue;
        }
        // Unreadable or not UTF-8: not a source file worth mentioning.
        if std::fs::read_to_string(repo.root().join(&path)).is_ok_and(|t| t.contains("sacred")) {
            out.push(path);
        }
    }
    Ok(out)
}

/// Whether sacred Python tests carry pytest's `sacred` marker while no pytest configuration at
/// the root registers it: pytest then warns about an unknown marker (an error with
/// `--strict-markers`). The `# gatekeeper:sacred` comment needs no registration.
pub fn pytest_marker_unregistered(repo: &Repo, tests: &[TestItem]) -> bool {
    let read = |rel: &str| std::fs::read_to_string(repo.root().join(rel)).unwrap_or_default();
    let uses_marker = tests
        .iter()
        .filter(|t| t.sacred && t.lang == "python")
        .any(|t| read(&t.path).contains("mark.sacred"));
    uses_marker
        && ![
            "pyproject.toml",
            "pytest.ini",
            "tox.ini",
            "setup.cfg",
            "conftest.py",
        ]
        .iter()
        .any(|f| read(f).contains("sacred"))
}

/// Finds every sacred test of the tracked files (content from the work tree).
///
/// A file is parsed only when it matches `sacred.paths` or contains the word `sacred`: every
/// way to tag a test (the `gatekeeper:sacred` comment, `mark.sacred`, a `[sacred]` title)
/// spells it, and what the analysis would find in any other file is not sacred. Parsing is
/// what costs (a few milliseconds per thousand lines), so a large repository pays only for
/// its sacred files.
pub fn discover(repo: &Repo, config: &Config) -> Result<Discovery> {
    discover_as(repo, config, &analysis::Want::Sacred)
}

/// [`discover`] for `sacred list`: each sacred test with where it is and its assertions
/// only (`Want::Listing`), nothing read for the lock.
pub fn discover_listing(repo: &Repo, config: &Config) -> Result<Discovery> {
    discover_as(repo, config, &analysis::Want::Listing)
}

fn discover_as(repo: &Repo, config: &Config, want: &analysis::Want) -> Result<Discovery> {
    let listing = matches!(want, analysis::Want::Listing);
    let patterns = sacred_patterns(config)?;
    let mut out = Discovery {
        tests: Vec::new(),
        parse_errors: Vec::new(),
        unsupported: Vec::new(),
        empty_paths: Vec::new(),
    };
    let mut sources = Vec::new();
    for path in repo.tracked_files()? {
        let path = crate::git::display_path(&path);
        let Some(lang) = lang::Lang::of_path(&path) else {
            continue;
        };
        if !lang.supported() {
            out.unsupported.push(path);
            continue;
        }
        if let Some(source) = read_source(repo, &Content::WorkTree, &path, &patterns)?
            && (source.sacred_path || source.text.contains("sacred"))
        {
            sources.push(source);
        }
    }
    mark_go_package_any(repo, &Content::WorkTree, &mut sources)?;
    let mut siblings = Surroundings::default();
    for (source, scan) in sources.iter().zip(scan_all(&sources, |_| want.clone())) {
        let mut scan = scan?;
        if !listing {
            add_surroundings(
                repo,
                &Content::WorkTree,
                &source.path,
                &mut scan,
                &mut siblings,
            )?;
        }
        if scan.has_error {
            out.parse_errors.push(source.path.clone());
        }
        out.tests.extend(scan.tests);
    }
    out.tests.sort_by(|a, b| a.id.cmp(&b.id));
    for p in &config.sacred.paths {
        let one = PatternSet::new([p]).context("invalid `sacred.paths`")?;
        if !out.tests.iter().any(|t| one.matches(Path::new(&t.path))) {
            out.empty_paths.push(p.clone());
        }
    }
    Ok(out)
}

/// Compares the sacred tests of `new` with `lock`. `base` supplies old lines for messages.
/// Which locked files a check must parse: with `changed` (the paths the change touches), the
/// locked files it changes, plus the locked Go files of a package in which it changes a Go
/// file (a `TestMain` lives beside the test, not in it), the locked Python files below a
/// changed `conftest.py`, and the files of the locked tests that reach a check helper of a
/// changed file; everything when the change touches `gatekeeper.yml`; without `changed`,
/// all.
///
/// Why not always all: a locked file the change does not touch has the content that was
/// already checked when it reached the base (pre-commit, every pushed commit, ci's range), and
/// re-parsing every sacred file of a large repository on every commit costs seconds.
fn files_to_check(lock: &SacredLock, changed: Option<&[std::path::PathBuf]>) -> Vec<String> {
    let all = lock.files();
    let Some(changed) = changed else { return all };
    // What is sacred may itself have changed (`sacred.paths`): compare everything.
    if changed.iter().any(|p| p == Path::new(CONFIG_FILE)) {
        return all;
    }
    let changed: Vec<String> = changed
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let dir = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
    // Go is the one language here whose tests another file can disable (`TestMain`, build
    // tags of the package): a changed Go file brings the locked Go files of its package.
    let go_dirs: std::collections::BTreeSet<String> = changed
        .iter()
        .filter(|p| is_go(p))
        .map(|p| dir(p))
        .collect();
    // A changed `go.mod` or `go.work` (a `replace` of an assertion library), or a changed
    // file of a `vendor` directory, reaches every Go test below the module's directory.
    let go_module_dirs: Vec<String> = changed
        .iter()
        .filter_map(|p| {
            let name = p.rsplit_once('/').map_or(p.as_str(), |(_, n)| n);
            if name == "go.mod" || name == "go.work" {
                return Some(dir(p));
            }
            if p.starts_with("vendor/") {
                return Some(String::new());
            }
            p.split_once("/vendor/").map(|(d, _)| d.to_owned())
        })
        .collect();
    // A changed compiled file reaches every Python test (see `add_python_shared`; a test
    // module holding no locked test does when what it patches at import changed, which
    // `compare_all` reads).
    let reaches_every_python_test = changed.iter().any(|p| python_compiled(p));
    // A changed `conftest.py` reaches every Python test below its directory.
    let conftest_dirs: Vec<String> = changed
        .iter()
        .filter(|p| *p == "conftest.py" || p.ends_with("/conftest.py"))
        .map(|p| dir(p))
        .collect();
    let below = |f: &str, d: &str| d.is_empty() || f.starts_with(&format!("{d}/"));
    // A changed (or new) pytest configuration file reaches every Python test below its
    // directory.
    let pytest_config_dirs: Vec<String> = changed
        .iter()
        .filter(|p| {
            PYTEST_CONFIG_FILES.contains(&p.rsplit_once('/').map_or(p.as_str(), |(_, n)| n))
        })
        .map(|p| dir(p))
        .collect();
    // A changed (or new) `Cargo.toml` or `build.rs` reaches every Rust test below its
    // directory.
    let cargo_dirs: Vec<String> = changed
        .iter()
        .filter_map(|p| {
            let name = p.rsplit_once('/').map_or(p.as_str(), |(_, n)| n);
            if matches!(name, "Cargo.toml" | "build.rs") {
                return Some(dir(p));
            }
            // `.cargo/config.toml` reaches every test below the directory holding `.cargo`.
            let cargo = dir(p);
            // `.config/nextest.toml`, every test below the directory holding `.config`.
            (matches!(name, "config.toml" | "config")
                && (cargo == ".cargo" || cargo.ends_with("/.cargo"))
                || name == "nextest.toml" && (cargo == ".config" || cargo.ends_with("/.config")))
            .then(|| dir(&cargo))
        })
        .collect();
    // A changed Rust file of a package's `src/` may change what the crate compiles under
    // `cfg(test)` or `debug_assertions` (see `add_rust_test_cfgs`): it reaches the unit tests
    // below that `src`, and the package's integration tests.
    let rust_src_dirs: Vec<String> = changed
        .iter()
        .filter(|p| lang::Lang::of_path(p) == Some(lang::Lang::Rust))
        .filter_map(|p| {
            if p.starts_with("src/") {
                return Some("src".to_owned());
            }
            p.find("/src/").map(|i| p[..i + "/src".len()].to_owned())
        })
        .collect();
    // A changed (or new) runner configuration reaches every JavaScript/TypeScript test below
    // its directory.
    let runner_dirs: Vec<String> = changed
        .iter()
        .filter(|p| {
            let name = p.rsplit_once('/').map_or(p.as_str(), |(_, n)| n);
            is_js_runner_config(name) || name == "tsconfig.json" || name == ".npmrc"
        })
        .map(|p| dir(p))
        .collect();
    // A changed file that holds a check helper a locked test reaches (`helper NAME (in
    // FILE): …`, also one its module calls at import) reaches that test.
    // So does a changed file of the same module name anywhere (`check.js` added beside the
    // locked `check.ts`, a nearer `helpers.py`): the test's import may name it now.
    let module = |p: &str| -> String {
        let (dir, name) = p.rsplit_once('/').unwrap_or(("", p));
        let stem = name.split('.').next().unwrap_or(name);
        if stem == "__init__" || stem == "index" {
            dir.rsplit('/').next().unwrap_or(dir).to_owned()
        } else {
            stem.to_owned()
        }
    };
    let changed_modules: BTreeSet<String> = changed.iter().map(|c| module(c)).collect();
    let helped: BTreeSet<&str> = lock
        .tests
        .values()
        .filter(|t| {
            t.envelope_bindings.iter().flatten().any(|l| {
                let l = l
                    .strip_prefix(crate::sacred::bindings::AT_IMPORT)
                    .or_else(|| l.strip_prefix(crate::sacred::bindings::AT_IMPORT_PURE))
                    .or_else(|| l.strip_prefix("in a subclass: "))
                    .unwrap_or(l);
                if let Some((file, _)) = crate::sacred::bindings::imported_base_line(l) {
                    return changed_modules.contains(&module(file));
                }
                // What a star or glob import brings may change with any module of the chain.
                if l.starts_with(STAR_IMPORT) {
                    return changed
                        .iter()
                        .any(|c| lang::Lang::of_path(c) == Some(lang::Lang::Python));
                }
                if let Some(rest) = l.strip_prefix(PATH_HEAD)
                    && let Some((dir, _)) = rest.split_once("): ")
                {
                    // A module directly in that directory, or a package's `__init__.py` one
                    // below, that is not a test module (one of those takes no module's place).
                    return changed.iter().any(|c| {
                        let Some(rest) = c.strip_prefix(dir) else {
                            return false;
                        };
                        let stem = match rest.split_once('/') {
                            Some((d, "__init__.py")) => d,
                            Some(_) => return false,
                            None => rest.split('.').next().unwrap_or(rest),
                        };
                        !(stem.starts_with("test_")
                            || stem.ends_with("_test")
                            || matches!(stem, "conftest" | "__init__"))
                    });
                }
                if l.starts_with(GLOB_IMPORT) {
                    return changed
                        .iter()
                        .any(|c| lang::Lang::of_path(c) == Some(lang::Lang::Rust));
                }
                // A module of the name of one the test imports, added or changed anywhere.
                if let Some(homes) = import_homes(l) {
                    return homes.keys().any(|n| changed_modules.contains(*n));
                }
                if let Some(rest) = l
                    .strip_prefix("hook plugin ")
                    .or_else(|| l.strip_prefix("hook runner "))
                    .or_else(|| l.strip_prefix("hook snapshot"))
                    .or_else(|| l.strip_prefix("hook golden"))
                    .or_else(|| l.strip_prefix("hook mod"))
                    .or_else(|| l.strip_prefix("hook macro"))
                    .or_else(|| l.strip_prefix("hook dependency"))
                    .or_else(|| l.strip_prefix("hook resolution"))
                    .or_else(|| l.strip_prefix("hook imported"))
                    .or_else(|| l.strip_prefix("hook compiled"))
                    .or_else(|| l.strip_prefix("hook load_tests"))
                    .or_else(|| l.strip_prefix("hook collect_ignore"))
                    .or_else(|| l.strip_prefix("hook vendored"))
                    .or_else(|| l.strip_prefix("hook impl"))
                    && let Some((_, after)) = rest.split_once(" (in ")
                    && let Some((file, _)) = after.split_once("): ")
                {
                    // A directory (`vendor/…/`): any file in it; `src/billing.*`: any file
                    // of that name (with no extension too), or the `index` of that directory.
                    let stem = file.strip_suffix(".*");
                    return changed.iter().any(|c| {
                        c == file
                            || (file.ends_with('/') && c.starts_with(file))
                            || stem.is_some_and(|s| {
                                c.strip_prefix(s).is_some_and(|r| {
                                    r.is_empty()
                                        || r.starts_with('.')
                                        || r.starts_with("/index.")
                                        || r == "/package.json"
                                })
                            })
                    });
                }
                l.strip_prefix("helper ")
                    .or_else(|| l.strip_prefix("defined "))
                    .and_then(|r| r.split_once(": "))
                    .and_then(|(head, _)| head.split_once(" (in "))
                    .and_then(|(_, file)| file.strip_suffix(')'))
                    .is_some_and(|file| changed_modules.contains(&module(file)))
            })
        })
        .map(|t| t.file.as_str())
        .collect();
    // Under a lock written by an earlier reading of what runs for a test unasked
    // (`hooks-read`), the lock does not name every file a later reading reaches: a changed
    // module of the Python tests brings its locked Python tests, a changed file under a Go
    // package's `testdata` the locked tests of that package (and a changed file of a Go
    // package of the tests every locked Go test), a changed Rust file the locked
    // Rust tests in its directory and below.
    let older: Vec<&str> = lock
        .tests
        .values()
        .filter(|t| t.hooks_read < lock::HOOKS_READ)
        .filter(|t| match lang::Lang::of_path(&t.file) {
            Some(lang::Lang::Python) => changed
                .iter()
                .any(|c| lang::Lang::of_path(c) == Some(lang::Lang::Python) && test_support(c)),
            // And a changed non-test file of a package of the tests' own code (what it runs
            // as the test binary starts, `add_go_imported_package_starts`).
            Some(lang::Lang::Go) => {
                let testdata = format!("{}testdata/", dir_prefix(&t.file));
                changed.iter().any(|c| {
                    c.starts_with(&testdata)
                        || (is_go(c) && !c.ends_with("_test.go") && test_support(c))
                })
            }
            // A module declaration above the test file (`mod billing;` in `tests/it/main.rs`),
            // and a file below its directory it may `include_str!`.
            Some(lang::Lang::Rust) => changed.iter().any(|c| {
                (lang::Lang::of_path(c) == Some(lang::Lang::Rust)
                    && dir_prefix(&t.file).starts_with(dir_prefix(c)))
                    || dir_prefix(c).starts_with(dir_prefix(&t.file))
            }),
            // A file answering an import the test makes without an extension, inside the
            // test too (`await import('../src/billing')`).
            Some(l) if l.is_js() => changed
                .iter()
                .any(|c| lang::Lang::of_path(c).is_some_and(lang::Lang::is_js)),
            _ => false,
        })
        .map(|t| t.file.as_str())
        .collect();
    // A changed `tsconfig*.json` anywhere (`config/tsconfig.base.json`) may be what the
    // `tsconfig.json` of a test extends: a lock written before `extends` was followed does
    // not name it, so it reaches every JS/TS test (such changes are rare).
    // So does a file added to or changed in a `__mocks__` directory, which Jest may apply to
    // node modules without a `jest.mock` (beside `package.json`, or under a root).
    let reaches_every_js_test = changed.iter().any(|p| {
        // And a committed `node_modules` file, which may answer a bare import.
        if p.starts_with("__mocks__/")
            || p.contains("/__mocks__/")
            || p.starts_with("node_modules/")
            || p.contains("/node_modules/")
        {
            return true;
        }
        let name = p.rsplit_once('/').map_or(p.as_str(), |(_, n)| n);
        name.starts_with("tsconfig")
            && Path::new(name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    });
    all.into_iter()
        .filter(|f| {
            changed.iter().any(|c| c == f)
                || helped.contains(f.as_str())
                || (reaches_every_js_test && lang::Lang::of_path(f).is_some_and(lang::Lang::is_js))
                || older.contains(&f.as_str())
                || (is_go(f) && go_dirs.contains(&dir(f)))
                || (is_go(f) && go_module_dirs.iter().any(|d| below(f, d)))
                || (lang::Lang::of_path(f) == Some(lang::Lang::Python)
                    && (reaches_every_python_test || conftest_dirs.iter().any(|d| below(f, d))))
                || (lang::Lang::of_path(f).is_some_and(lang::Lang::is_js)
                    && runner_dirs.iter().any(|d| below(f, d)))
                || (lang::Lang::of_path(f) == Some(lang::Lang::Python)
                    && pytest_config_dirs.iter().any(|d| below(f, d)))
                || (lang::Lang::of_path(f) == Some(lang::Lang::Rust)
                    && cargo_dirs.iter().any(|d| below(f, d)))
                // The unit tests below that `src`, and the package's integration tests.
                || (lang::Lang::of_path(f) == Some(lang::Lang::Rust)
                    && rust_src_dirs.iter().any(|d| {
                        let package = d.strip_suffix("src").unwrap_or(d).trim_end_matches('/');
                        below(f, package)
                    }))
        })
        .collect()
}

/// The directory of `path` with its trailing `/` (`""` at the root).
fn dir_prefix(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..=i])
}

/// Go source files (the toolchain only compiles the lowercase `.go` extension).
pub(super) fn is_go(path: &str) -> bool {
    Path::new(path).extension().is_some_and(|e| e == "go")
}

/// The findings for a locked test against the new content's scans (`base_item`: its base
/// revision's test, when read).
fn compare_locked(
    t: &lock::LockedTest,
    new_scans: &BTreeMap<String, FileScan>,
    base_item: Option<(&TestItem, &FileScan)>,
) -> Vec<Finding> {
    let new_file = rules::NewFile {
        scan: new_scans.get(&t.file),
        unsupported: lang::Lang::of_path(&t.file).is_none_or(|l| !l.supported()),
    };
    rules::compare(t, &new_file, base_item)
}

/// Whether a locked test is judged with its base revision's test even without a finding:
/// under a lock that does not record what it reached, when its locked assertions now run in
/// another order, or when it writes `window.x` (see `compare_all`).
fn needs_base_reading(t: &lock::LockedTest, new_scans: &BTreeMap<String, FileScan>) -> bool {
    // Under a lock that does not record check helpers, the base revision's test says
    // which it reached (one that stopped asserting leaves no line to compare).
    let envelope_unlocked = |t: &lock::LockedTest| {
        (t.envelope_bindings.is_none()
            && new_scans.get(&t.file).is_some_and(|s| {
                s.tests
                    .iter()
                    .any(|n| n.id == t.id && !n.envelope_bindings.is_empty())
            }))
            || (t.hooks_read < lock::HOOKS_READ
                && lang::Lang::of_path(&t.file).is_some_and(|l| {
                    matches!(l, lang::Lang::Python | lang::Lang::Rust) || l.is_js()
                }))
            || (!t.helpers_recorded
                && matches!(
                    lang::Lang::of_path(&t.file),
                    Some(
                        lang::Lang::Python
                            | lang::Lang::Go
                            | lang::Lang::JavaScript
                            | lang::Lang::TypeScript
                            | lang::Lang::Tsx
                    )
                ))
    };
    // A test whose locked assertions now run in another order: which runs where among
    // its statements is told by the base revision's test.
    let reordered = |t: &lock::LockedTest| {
        new_scans.get(&t.file).is_some_and(|s| {
            s.tests
                .iter()
                .any(|n| n.id == t.id && rules::assertions_out_of_order(t, n))
        })
    };
    // A test that writes `window.x`, read as `globalThis.x`: whether the base revision's
    // test wrote `globalThis.x` there (`body_changed::global_object_rewritten`).
    let writes_window = |t: &lock::LockedTest| {
        new_scans.get(&t.file).is_some_and(|s| {
            s.tests
                .iter()
                .any(|n| n.id == t.id && n.global_members.iter().any(|m| m.starts_with("window.")))
        })
    };
    envelope_unlocked(t) || reordered(t) || writes_window(t)
}

fn compare_all(
    repo: &Repo,
    config: &Config,
    lock: &SacredLock,
    new: &Content<'_>,
    base: Option<&Content<'_>>,
    changed: Option<&[std::path::PathBuf]>,
) -> Result<Compared> {
    if changed.is_none() {
        return compare_all_with(repo, config, lock, new, base, changed, || Ok(Vec::new()));
    }
    // What the tests of the changed files leave to later tests depends on nothing the rest
    // of the check finds: it is read on a thread of its own, with its own repository handle,
    // while the locked tests are read (about a fifth of a check's work, and mostly serial).
    let reopen = repo.for_another_thread();
    let (new_of, base_of) = (ContentOf::of(new), base.map(ContentOf::of));
    std::thread::scope(|scope| {
        let shared = scope.spawn(move || -> Result<Vec<Finding>> {
            let repo = reopen.open()?;
            let new = new_of.on(&repo)?;
            let base = base_of.map(|b| b.on(&repo)).transpose()?;
            shared_state_written_by_tests(&repo, lock, &new, base.as_ref(), changed)
        });
        compare_all_with(repo, config, lock, new, base, changed, || {
            shared
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    })
}

/// [`compare_all`], given what the tests of the changed files leave to later tests
/// (`shared_state`, [`shared_state_written_by_tests`]).
fn compare_all_with(
    repo: &Repo,
    config: &Config,
    lock: &SacredLock,
    new: &Content<'_>,
    base: Option<&Content<'_>>,
    changed: Option<&[std::path::PathBuf]>,
    shared_state: impl FnOnce() -> Result<Vec<Finding>>,
) -> Result<Compared> {
    let patterns = sacred_patterns(config)?;
    let mut files = files_to_check(lock, changed);
    // A test module holding no locked test (or a module of the tests) whose import-time
    // patches, or the modules of the tests it imports, changed (see `add_python_shared`)
    // reaches every Python test.
    if let Some(changed) = changed {
        let all = lock.files();
        let mut patches_changed = false;
        for p in changed {
            let p = p.to_string_lossy();
            let name = p.rsplit_once('/').map_or(p.as_ref(), |(_, n)| n);
            let whole = matches!(name, "conftest.py" | "__init__.py");
            let support = lang::Lang::of_path(&p) == Some(lang::Lang::Python) && test_support(&p);
            if !(python_test_module(&p) || whole || support) || all.iter().any(|f| *f == p) {
                continue;
            }
            let patches = |content: &Content<'_>| -> Result<Vec<String>> {
                Ok(match content.read(repo, &p)? {
                    Some(src) => {
                        let mut lines = python_shared_lines(&p, &src, whole)?;
                        if name != "conftest.py" {
                            lines.extend(test_module_plugin_lines(repo, content, &p, &src)?);
                        }
                        for b in lang::python_module_bindings(&p, &src)?.unwrap_or_default() {
                            for m in python_modules_imported(&b.text) {
                                if let Some(found) = resolve_import(repo, content, &p, &m)? {
                                    lines.push(format!("imports {found}"));
                                }
                            }
                        }
                        lines
                    }
                    None => Vec::new(),
                })
            };
            let before = match base {
                Some(b) => patches(b)?,
                None => Vec::new(),
            };
            if patches(new)? != before {
                patches_changed = true;
                break;
            }
        }
        if patches_changed {
            files.extend(
                all.into_iter()
                    .filter(|f| lang::Lang::of_path(f) == Some(lang::Lang::Python)),
            );
            files.sort();
            files.dedup();
        }
    }
    // A changed module whose top patches the test frameworks, builtins or runner globals
    // otherwise than before may be one a locked test loads in turn (see
    // `imported_code_patches`): it reaches every locked test of its language.
    if let Some(changed) = changed {
        let all = lock.files();
        let mut reached: BTreeSet<bool> = BTreeSet::new();
        for p in changed {
            let p = p.to_string_lossy();
            let python = match lang::Lang::of_path(&p) {
                Some(lang::Lang::Python) => true,
                Some(l) if l.is_js() => false,
                _ => continue,
            };
            if reached.contains(&python) {
                continue;
            }
            let patches = |content: &Content<'_>| -> Result<Vec<String>> {
                let Some(src) = content.read(repo, &p)? else {
                    return Ok(Vec::new());
                };
                Ok(if python {
                    lang::python_framework_patches(&p, &src)?
                } else {
                    lang::js_global_patches(&p, &src)?
                }
                .unwrap_or_default())
            };
            let now = patches(new)?;
            if now.is_empty() {
                continue;
            }
            let before = match base {
                Some(b) => patches(b)?,
                None => Vec::new(),
            };
            if now != before {
                reached.insert(python);
            }
        }
        if !reached.is_empty() {
            files.extend(all.into_iter().filter(|f| {
                lang::Lang::of_path(f).is_some_and(|l| {
                    (l == lang::Lang::Python && reached.contains(&true))
                        || (l.is_js() && reached.contains(&false))
                })
            }));
            files.sort();
            files.dedup();
        }
    }
    if let (Some(changed), Some(base)) = (changed, base) {
        files.extend(moved_holders(repo, lock, &files, changed, base, &patterns)?);
        files.sort();
        files.dedup();
    }
    let locked: Vec<&lock::LockedTest> = lock
        .tests
        .values()
        .filter(|t| files.contains(&t.file))
        .collect();
    let ids_in = |tests: &[&lock::LockedTest], path: &str| {
        analysis::Want::Ids(
            tests
                .iter()
                .filter(|t| t.file == path)
                .map(|t| t.id.clone())
                .collect(),
        )
    };
    // The new content: a test locked without a `parametrize` is also read per case of one.
    let want_for =
        |s: &Source| lock::want_locked(locked.iter().copied().filter(|t| t.file == s.path));
    // Read first without the readings that can only clear a finding (`Want::Plain`): a
    // test with no finding then has none with them either. The files where a test has a
    // finding, or is judged with its base revision's test, are read again in full, and
    // everything below reads those.
    let mut new_scans = scan_files(repo, new, &files, &patterns, |s| want_for(s).plain())?;
    let first: Vec<Vec<Finding>> = locked
        .iter()
        .map(|t| compare_locked(t, &new_scans, None))
        .collect();
    let mut in_full: Vec<String> = locked
        .iter()
        .zip(&first)
        .filter(|(t, f)| !f.is_empty() || (base.is_some() && needs_base_reading(t, &new_scans)))
        .map(|(t, _)| t.file.clone())
        .collect();
    in_full.sort();
    in_full.dedup();
    if !in_full.is_empty() {
        new_scans.extend(scan_files(repo, new, &in_full, &patterns, want_for)?);
    }
    let new_scans = new_scans;
    let compare_one = |t: &lock::LockedTest, base_item: Option<(&TestItem, &FileScan)>| {
        compare_locked(t, &new_scans, base_item)
    };
    // A test of a file read only once keeps what the first reading found (nothing).
    let mut results: Vec<Vec<Finding>> = locked
        .iter()
        .zip(first)
        .map(|(t, f)| {
            if in_full.contains(&t.file) {
                compare_one(t, None)
            } else {
                f
            }
        })
        .collect();
    // The base supplies old line numbers for messages and the module-level bindings the file
    // already had (a binding there is not a rebinding): it is read only for the tests that
    // have findings, and a failure there is not fatal (their findings stand). Under a lock
    // written before envelope bindings were recorded, a test whose envelope names a
    // module-level binding is compared with the base revision's file too (`rebound`), and so
    // is every Python, Go and JavaScript/TypeScript test under a lock written before check
    // helpers were recorded.
    let mut base_scans: BTreeMap<String, FileScan> = BTreeMap::new();
    if let Some(base) = base {
        let needs_base = |t: &lock::LockedTest| needs_base_reading(t, &new_scans);
        let failing: Vec<&lock::LockedTest> = locked
            .iter()
            .zip(&results)
            .filter(|(t, f)| !f.is_empty() || needs_base(t))
            .map(|(t, _)| *t)
            .collect();
        let mut failing_files: Vec<String> = failing.iter().map(|t| t.file.clone()).collect();
        failing_files.sort();
        failing_files.dedup();
        if !failing.is_empty()
            && let Ok(scans) = scan_files(repo, base, &failing_files, &patterns, |s| {
                ids_in(&failing, &s.path)
            })
        {
            base_scans = scans;
            let base_items: BTreeMap<&str, (&TestItem, &FileScan)> = base_scans
                .values()
                .flat_map(|s| s.tests.iter().map(move |t| (t.id.as_str(), (t, s))))
                .collect();
            for (t, findings) in locked.iter().zip(results.iter_mut()) {
                if !findings.is_empty() || needs_base(t) {
                    *findings = compare_one(t, base_items.get(t.id.as_str()).copied());
                }
            }
        }
    }
    // A test whose locals are now declared in another order than its base revision's (a
    // declaration moved, a new local declared before the others) numbers them otherwise, so
    // every check naming one reads as changed: it is read once more numbering its locals as
    // the base revision's test did (`analysis::with_base_locals`); only a reading that passes
    // every rule clears the findings.
    if !base_scans.is_empty() {
        let mut base_locals: HashMap<String, Vec<String>> = HashMap::new();
        for (t, findings) in locked.iter().zip(&results) {
            if findings.is_empty() {
                continue;
            }
            let base_item = base_scans
                .get(&t.file)
                .and_then(|s| s.tests.iter().find(|b| b.id == t.id));
            let new_item = new_scans
                .get(&t.file)
                .and_then(|s| s.tests.iter().find(|n| n.id == t.id));
            if let (Some(b), Some(n)) = (base_item, new_item)
                && !b.locals.is_empty()
                && b.locals != n.locals
            {
                base_locals.insert(t.id.clone(), b.locals.clone());
            }
        }
        if !base_locals.is_empty() {
            let mut files: Vec<String> = locked
                .iter()
                .filter(|t| base_locals.contains_key(&t.id))
                .map(|t| t.file.clone())
                .collect();
            files.dedup();
            let ids: Vec<&lock::LockedTest> = locked
                .iter()
                .copied()
                .filter(|t| base_locals.contains_key(&t.id))
                .collect();
            let read = scan_files_as_at_base(
                repo,
                new,
                &files,
                &patterns,
                |s| ids_in(&ids, &s.path),
                &base_locals,
            )?;
            for (t, findings) in locked.iter().zip(results.iter_mut()) {
                if !base_locals.contains_key(&t.id) {
                    continue;
                }
                let base_item = base_scans
                    .get(&t.file)
                    .and_then(|s| s.tests.iter().find(|b| b.id == t.id).map(|b| (b, s)));
                let new_file = rules::NewFile {
                    scan: read.get(&t.file),
                    unsupported: false,
                };
                if rules::compare(t, &new_file, base_item).is_empty() {
                    findings.clear();
                }
            }
        }
    }
    // Go: a test that now reads a constant another file of its package declares (`const
    // defaultPrefixMatching = false` in cobra.go) is read once more with each such constant
    // as its literal (`extracted::go_constants`); only a reading that passes every rule
    // replaces the findings.
    let go_failing: BTreeSet<&str> = locked
        .iter()
        .zip(&results)
        .filter(|(t, f)| !f.is_empty() && is_go(&t.file))
        .map(|(t, _)| t.file.as_str())
        .collect();
    for file in go_failing {
        let Some(scan) = new_scans.get(file) else {
            continue;
        };
        let Some(text) = new.read(repo, file)? else {
            continue;
        };
        let decls = go_foreign_constants(repo, new, file, &text)?;
        if decls.is_empty() {
            continue;
        }
        let ids: BTreeSet<String> = locked
            .iter()
            .zip(&results)
            .filter(|(t, f)| !f.is_empty() && t.file == file)
            .map(|(t, _)| t.id.clone())
            .collect();
        let package_any = go_package_declares_any(repo, new, file, &mut BTreeMap::new())?;
        let Some(extended) = analysis::with_go_package_any(package_any, || {
            lang::scan(
                file,
                &format!("{text}\n{decls}"),
                !patterns.is_empty() && patterns.matches(Path::new(file)),
                &analysis::Want::Ids(ids),
                &patterns.test_functions,
            )
        })?
        else {
            continue;
        };
        let mut read = scan.clone();
        for t in &mut read.tests {
            if let Some(e) = extended.tests.iter().find(|e| e.id == t.id) {
                t.locals_put_back.clone_from(&e.locals_put_back);
            }
        }
        let base_item = |id: &str| {
            base_scans
                .values()
                .find_map(|s| s.tests.iter().find(|t| t.id == id).map(|t| (t, s)))
        };
        for (t, findings) in locked.iter().zip(results.iter_mut()) {
            if t.file != file || findings.is_empty() {
                continue;
            }
            let new_file = rules::NewFile {
                scan: Some(&read),
                unsupported: false,
            };
            if rules::compare(t, &new_file, base_item(&t.id)).is_empty() {
                findings.clear();
            }
        }
    }
    // Go: a test whose checks are now a loop over a slice literal (`for _, v := range
    // []struct{…}{…} { if v.got != … { t.Errorf(…) } }`) is read once more with each such loop
    // written out per element (`lang::go_unrolled_loops`), and with the constants of its
    // package as their literals; only a reading that passes every rule replaces the findings,
    // and only findings about the body (`rewritten_body_rule`).
    let failing: BTreeSet<String> = locked
        .iter()
        .zip(&results)
        .filter(|(_, f)| !f.is_empty())
        .map(|(t, _)| t.file.clone())
        .collect();
    for file in failing {
        if !is_go(&file) {
            continue;
        }
        let Some(text) = new.read(repo, &file)? else {
            continue;
        };
        if !text.contains("range []") {
            continue;
        }
        let Some(rewritten) = lang::go_unrolled_loops(&file, &text)? else {
            continue;
        };
        let decls = go_foreign_constants(repo, new, &file, &text)?;
        let ids: BTreeSet<String> = locked
            .iter()
            .zip(&results)
            .filter(|(t, f)| !f.is_empty() && t.file == file)
            .map(|(t, _)| t.id.clone())
            .collect();
        let package_any = go_package_declares_any(repo, new, &file, &mut BTreeMap::new())?;
        let Some(read) = analysis::with_go_package_any(package_any, || {
            lang::scan(
                &file,
                &format!("{rewritten}\n{decls}"),
                !patterns.is_empty() && patterns.matches(Path::new(&file)),
                &analysis::Want::Ids(ids),
                &patterns.test_functions,
            )
        })?
        else {
            continue;
        };
        for (t, findings) in locked.iter().zip(results.iter_mut()) {
            if t.file != file || findings.is_empty() {
                continue;
            }
            let base_item = base_scans
                .values()
                .find_map(|s| s.tests.iter().find(|b| b.id == t.id).map(|b| (b, s)));
            let new_file = rules::NewFile {
                scan: Some(&read),
                unsupported: false,
            };
            if findings.iter().all(|f| rewritten_body_rule(f.rule))
                && rules::compare(t, &new_file, base_item).is_empty()
            {
                findings.clear();
            }
        }
    }
    // Go and JavaScript/TypeScript: a test that put a local back into a plain statement, or
    // extracted one from it (`replacer := strings.NewReplacer(…)` then
    // `v.SetEnvKeyReplacer(replacer)`), is read once more on both sides with such locals put
    // back too (`extracted::with_any_user`), those readings taking the place of the put-back
    // readings of the scans compared; only a reading that passes every rule replaces the
    // findings, and only findings about the body (`rewritten_body_rule`).
    if let Some(base) = base {
        let by_file = refused_by_file(&locked, &results, |t, f| {
            (is_go(&t.file) || lang::Lang::of_path(&t.file).is_some_and(lang::Lang::is_js))
                && f.iter().all(|f| rewritten_body_rule(f.rule))
        });
        for (file, ids) in by_file {
            let (Some(scan), Some(base_scan)) = (new_scans.get(file), base_scans.get(file)) else {
                continue;
            };
            let (Some(new_text), Some(base_text)) = (new.read(repo, file)?, base.read(repo, file)?)
            else {
                continue;
            };
            let sacred = !patterns.is_empty() && patterns.matches(Path::new(file));
            let want = analysis::Want::Ids(ids.clone());
            let package_any = |c: &Content<'_>| -> Result<bool> {
                Ok(is_go(file) && go_package_declares_any(repo, c, file, &mut BTreeMap::new())?)
            };
            let (any_now, any_then) = (package_any(new)?, package_any(base)?);
            // Each side numbers its locals as the other side's test does, so that a local put
            // back leaves the others with the placeholders the other side gives them.
            let locals_of = |scan: &FileScan| -> HashMap<String, Vec<String>> {
                scan.tests
                    .iter()
                    .filter(|t| ids.contains(&t.id))
                    .map(|t| (t.id.clone(), t.locals.clone()))
                    .collect()
            };
            let read = |text: &str, any: bool, numbered: HashMap<String, Vec<String>>| {
                extracted::with_any_user(|| {
                    analysis::with_base_locals(numbered, || {
                        analysis::with_go_package_any(any, || {
                            lang::scan(file, text, sacred, &want, &patterns.test_functions)
                        })
                    })
                })
                .ok()
                .flatten()
            };
            let (Some(now), Some(then)) = (
                read(&new_text, any_now, locals_of(base_scan)),
                read(&base_text, any_then, locals_of(scan)),
            ) else {
                continue;
            };
            let spliced = |full: &FileScan, wide: &FileScan| {
                let mut out = full.clone();
                for t in &mut out.tests {
                    if let Some(w) = wide.tests.iter().find(|w| w.id == t.id) {
                        t.locals_put_back.clone_from(&w.locals_put_back);
                    }
                }
                out
            };
            let (read_now, read_then) = (spliced(scan, &now), spliced(base_scan, &then));
            for (t, findings) in locked.iter().zip(results.iter_mut()) {
                if !ids.contains(&t.id) || findings.is_empty() {
                    continue;
                }
                let base_item = read_then
                    .tests
                    .iter()
                    .find(|b| b.id == t.id)
                    .map(|b| (b, &read_then));
                let new_file = rules::NewFile {
                    scan: Some(&read_now),
                    unsupported: false,
                };
                if rules::compare(t, &new_file, base_item).is_empty() {
                    findings.clear();
                }
            }
        }
    }
    // Python: a test locked with a `parametrize` whose cases were rewritten keeping every one
    // (a column added, cases added): both sides are read once more, per case, and a test that
    // keeps every case of its base revision (`rules::keeps_every_case`) is cleared of what
    // its decorator and body changes raised.
    if let Some(base) = base {
        let by_file = refused_by_file(&locked, &results, |t, f| {
            lang::Lang::of_path(&t.file) == Some(lang::Lang::Python)
                && t.modifiers
                    .iter()
                    .any(|m| m.starts_with("@pytest.mark.parametrize("))
                && f.iter().all(|f| case_rewrite_rule(f.rule))
        });
        for (file, ids) in by_file {
            let (Some(new_text), Some(base_text)) = (new.read(repo, file)?, base.read(repo, file)?)
            else {
                continue;
            };
            let sacred = !patterns.is_empty() && patterns.matches(Path::new(file));
            let want = analysis::Want::Locked(ids.clone(), ids.clone());
            let read = |text: &str| {
                lang::scan(file, text, sacred, &want, &patterns.test_functions)
                    .ok()
                    .flatten()
            };
            let (Some(now), Some(then)) = (read(&new_text), read(&base_text)) else {
                continue;
            };
            for (t, findings) in locked.iter().zip(results.iter_mut()) {
                if !ids.contains(&t.id) {
                    continue;
                }
                let (Some(test), Some(was)) = (
                    now.tests.iter().find(|x| x.id == t.id),
                    then.tests.iter().find(|x| x.id == t.id),
                ) else {
                    continue;
                };
                if rules::keeps_every_case(t, &now, test, was, &then) {
                    findings.clear();
                }
            }
        }
    }
    // Python: a test refused only for what the classes around it now say (its class line, a
    // hook in a subclass) is cleared when every class that ran it still runs it with every
    // lookup finding the same definitions (`class_refactor`: a mixin made an abstract base
    // test case, bases reordered).
    if let Some(base) = base {
        let candidates: Vec<usize> = locked
            .iter()
            .zip(&results)
            .enumerate()
            .filter(|(_, (t, f))| {
                !f.is_empty()
                    && lang::Lang::of_path(&t.file) == Some(lang::Lang::Python)
                    && class_refactor::class_and_method(&t.id, &t.file).is_some()
                    && f.iter().all(|f| class_refactor::about_classes(f, &t.file))
            })
            .map(|(i, _)| i)
            .collect();
        if !candidates.is_empty() {
            let python = |c: &Content<'_>| -> Result<Vec<String>> {
                Ok(c.list_tree(repo, "")?
                    .into_iter()
                    .filter(|p| lang::Lang::of_path(p) == Some(lang::Lang::Python))
                    .collect())
            };
            let (old_files, new_files) = (python(base)?, python(new)?);
            let (old_pytest, new_pytest) = (
                pytest_configured(repo, base)?,
                pytest_configured(repo, new)?,
            );
            let pytest_configured = (old_pytest.0 || new_pytest.0, old_pytest.1 || new_pytest.1);
            let old = |p: &str| base.read(repo, p).ok().flatten();
            let now = |p: &str| new.read(repo, p).ok().flatten();
            let revisions = class_refactor::Revisions::new(
                &old,
                &now,
                &old_files,
                &new_files,
                pytest_configured,
            );
            for i in candidates {
                let t = locked[i];
                let Some((class, method)) = class_refactor::class_and_method(&t.id, &t.file) else {
                    continue;
                };
                let hooks: Vec<String> = results[i]
                    .iter()
                    .flat_map(|f| class_refactor::named_methods(f, &t.file))
                    .collect();
                let attributes_of: Vec<String> = results[i]
                    .iter()
                    .flat_map(|f| class_refactor::named_classes(f, &t.file))
                    .collect();
                if revisions.keeps_every_run(&t.file, (class, method), &hooks, &attributes_of) {
                    results[i].clear();
                }
            }
        }
    }
    // A locked test whose id is gone may have moved, keeping every check (`relocate`); so may
    // one whose id a new test took (renamed, and a new test given its old name).
    let lost: Vec<&lock::LockedTest> = locked
        .iter()
        .zip(&results)
        .filter(|(_, f)| !f.is_empty())
        .map(|(t, _)| *t)
        .collect();
    let taken: BTreeSet<&str> = locked
        .iter()
        .zip(&results)
        .filter(|(_, f)| {
            !matches!(f.as_slice(), [one] if matches!(one.rule, Rule::Removed | Rule::Renamed))
        })
        .filter(|(_, f)| !f.is_empty())
        .map(|(t, _)| t.id.as_str())
        .collect();
    let mut notes = Vec::new();
    let moved = follow_moves(repo, new, lock, &lost, &taken, &patterns)?;
    for (t, findings) in locked.iter().zip(results.iter_mut()) {
        if let Some(m) = moved.get(&t.id) {
            findings.clear();
            notes.push(m.note());
        }
    }
    let mut findings: Vec<Finding> = results.into_iter().flatten().collect();
    let written = test_modules_written_elsewhere(repo, lock, new, base, changed)?;
    let mut focused = focused_elsewhere(repo, lock, new, base, changed, &patterns)?;
    focused.extend(code_under_test_reaching_the_runner(
        repo, lock, new, base, changed,
    )?);
    focused.extend(shared_state()?);
    let elsewhere: BTreeSet<&str> = written
        .iter()
        .chain(&focused)
        .map(|f| f.test_id.as_str())
        .filter(|id| !locked.iter().any(|t| t.id == *id))
        .collect();
    let checked = locked.len() + elsewhere.len();
    for f in written {
        if !findings
            .iter()
            .any(|x| x.test_id == f.test_id && x.rule == f.rule)
        {
            findings.push(f);
        }
    }
    for f in focused {
        if !findings
            .iter()
            .any(|x| x.test_id == f.test_id && x.rule == f.rule)
        {
            findings.push(f);
        }
    }
    Ok(Compared {
        checked,
        findings,
        notes,
    })
}

/// Whether a file that configures, installs or runs the tests names pytest: a `conftest.py`
/// or `pytest.ini` anywhere; any TOML, INI, CFG, YAML, JSON, shell or requirements file, a
/// `Makefile`, `Justfile`, `Dockerfile` or `noxfile.py` outside `docs/` mentioning it (see
/// `class_refactor::Revisions::pytest`); and whether one of them sets pytest's
/// `python_classes`.
fn pytest_configured(repo: &Repo, content: &Content<'_>) -> Result<(bool, bool)> {
    let (mut named, mut classes) = (false, false);
    for path in content.list_tree(repo, "")? {
        let name = path.rsplit_once('/').map_or(path.as_str(), |(_, n)| n);
        named |= name == "conftest.py" || name == "pytest.ini";
        // Files that configure, install or run the tests (not documentation, not Python,
        // whose imports are read instead).
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        let documentation = path.starts_with("docs/") || path.starts_with("doc/");
        let runs_tests = !documentation
            && (matches!(
                name,
                "noxfile.py"
                    | "Makefile"
                    | "GNUmakefile"
                    | "Justfile"
                    | "justfile"
                    | "Dockerfile"
                    | "Containerfile"
                    | CONFIG_FILE
            ) || matches!(
                ext,
                "toml" | "cfg" | "ini" | "yml" | "yaml" | "sh" | "bash" | "mk" | "json" | "in"
            ) || (ext == "txt" && name.contains("requirements")));
        if runs_tests && let Some(t) = content.read(repo, &path)? {
            named |= t.contains("pytest");
            classes |= t.contains("python_classes");
        }
    }
    Ok((named, classes))
}

/// The rules a rewrite of a parametrized test's cases raises, which
/// A rule a reading of the file's own text rewritten (its table loops written out) may
/// answer: one about the test's body. Such a reading is scanned from
/// that file alone, without what the check adds from around it (another file's `init`, the
/// package's or `conftest.py`'s bindings), so a finding about those stands.
fn rewritten_body_rule(rule: rules::Rule) -> bool {
    matches!(
        rule,
        rules::Rule::Emptied
            | rules::Rule::AssertionRemoved
            | rules::Rule::AssertionLoosened
            | rules::Rule::ExpectedChanged
            | rules::Rule::AssertionChanged
            | rules::Rule::AssertionMoved
            | rules::Rule::BodyChanged
    )
}

/// The ids of the refused locked tests that `read_again` picks (by the test and its
/// findings), by file: those [`compare_all`] reads once more.
fn refused_by_file<'a>(
    locked: &[&'a lock::LockedTest],
    results: &[Vec<Finding>],
    read_again: impl Fn(&lock::LockedTest, &[Finding]) -> bool,
) -> BTreeMap<&'a str, BTreeSet<String>> {
    let mut by_file: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (t, f) in locked.iter().zip(results) {
        if !f.is_empty() && read_again(t, f) {
            by_file
                .entry(t.file.as_str())
                .or_default()
                .insert(t.id.clone());
        }
    }
    by_file
}

/// [`rules::keeps_every_case`] may clear: its decorator and its body read otherwise.
fn case_rewrite_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::EnvelopeChanged
            | Rule::BodyChanged
            | Rule::AssertionChanged
            | Rule::AssertionRemoved
            | Rule::AssertionLoosened
            | Rule::ExpectedChanged
    )
}

/// Where each of `lost` (locked tests whose id is gone from `new`) now lives, keeping every
/// check: the sacred tests of the files near theirs, read from `new` ([`relocate::find`]).
fn follow_moves(
    repo: &Repo,
    new: &Content<'_>,
    lock: &SacredLock,
    lost: &[&lock::LockedTest],
    taken: &BTreeSet<&str>,
    patterns: &Patterns,
) -> Result<BTreeMap<String, relocate::Moved>> {
    if lost.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut near: Vec<String> = Vec::new();
    let dirs: BTreeSet<&str> = lost
        .iter()
        .map(|t| t.file.rsplit_once('/').map_or("", |(d, _)| d))
        .collect();
    let dirs: BTreeSet<&str> = dirs.into_iter().flat_map(relocate::near_parents).collect();
    for d in dirs {
        near.extend(new.list_near(repo, d)?);
    }
    near.sort();
    near.dedup();
    // Only the files near a lost test's own (a sibling's subdirectories are listed too).
    near.retain(|f| lost.iter().any(|t| relocate::near(&t.file, f)));
    let scans = scan_files(repo, new, &near, patterns, |_| analysis::Want::Moved)?;
    // The texts of the files a test would reach in another directory or among other locked
    // tests (see `relocate`).
    let locked_files = lock.files();
    let mut texts = BTreeMap::new();
    for path in scans.keys() {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let elsewhere = lost
            .iter()
            .any(|t| t.file.rsplit_once('/').map_or("", |(d, _)| d) != dir);
        let locked_here = locked_files.contains(path) && lost.iter().any(|t| t.file != *path);
        if (elsewhere || locked_here)
            && let Some(text) = new.read(repo, path)?
        {
            texts.insert(path.clone(), text);
        }
    }
    Ok(relocate::find(lost, lock, &scans, &texts, taken))
}

/// For the run-time evidence: where the locked tests `ids` live in the work tree of `root`
/// when their id is gone there and they moved keeping every check (the runner reports them
/// under the new id). Tests at their id, or gone, are not listed.
pub fn moved_in_worktree(
    root: &Path,
    sacred: &crate::config::sacred::SacredConfig,
    ids: &[String],
) -> Result<Vec<relocate::Moved>> {
    let repo = Repo::open(root, &crate::env::Environment::from_pairs([]), true)?;
    let content = Content::WorkTree;
    let Some((_, lock)) = content.lock(&repo)? else {
        return Ok(Vec::new());
    };
    let patterns = patterns_of(sacred)?;
    let wanted: Vec<&lock::LockedTest> = ids.iter().filter_map(|id| lock.tests.get(id)).collect();
    let mut files: Vec<String> = wanted.iter().map(|t| t.file.clone()).collect();
    files.sort();
    files.dedup();
    let scans = scan_files(&repo, &content, &files, &patterns, |s| {
        analysis::Want::Ids(
            wanted
                .iter()
                .filter(|t| t.file == s.path)
                .map(|t| t.id.clone())
                .collect(),
        )
    })?;
    let lost: Vec<&lock::LockedTest> = wanted
        .into_iter()
        .filter(|t| {
            let unsupported = lang::Lang::of_path(&t.file).is_none_or(|l| !l.supported());
            let new_file = rules::NewFile {
                scan: scans.get(&t.file),
                unsupported,
            };
            matches!(rules::compare(t, &new_file, None).as_slice(),
                [one] if matches!(one.rule, Rule::Removed | Rule::Renamed))
        })
        .collect();
    Ok(
        follow_moves(&repo, &content, &lock, &lost, &BTreeSet::new(), &patterns)?
            .into_values()
            .collect(),
    )
}

/// Python: a changed file that writes to a module holding locked tests
/// (`lang::python_writes_to_modules`: `tp.total = lambda xs: sum(xs)` in the body of a test
/// collected before them, after `import tests.billing.test_pay as tp`) where its base
/// revision did not: each locked test of that module is `rebound`, as what it calls may be
/// something else when it runs, though its file is untouched.
fn test_modules_written_elsewhere(
    repo: &Repo,
    lock: &SacredLock,
    new: &Content<'_>,
    base: Option<&Content<'_>>,
    changed: Option<&[std::path::PathBuf]>,
) -> Result<Vec<Finding>> {
    let Some(changed) = changed else {
        return Ok(Vec::new());
    };
    // Each locked Python module by the dotted names an import may give it.
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in lock.files() {
        if lang::Lang::of_path(&file) != Some(lang::Lang::Python) {
            continue;
        }
        let Some(stem) = file.strip_suffix(".py") else {
            continue;
        };
        let parts: Vec<&str> = stem.split('/').collect();
        let dotted: Vec<String> = (0..parts.len()).map(|i| parts[i..].join(".")).collect();
        names.insert(file, dotted);
    }
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for p in changed {
        let p = p.to_string_lossy();
        if lang::Lang::of_path(&p) != Some(lang::Lang::Python) {
            continue;
        }
        let Some(src) = new.read(repo, &p)? else {
            continue;
        };
        for (file, dotted) in &names {
            if *file == p {
                continue;
            }
            let last = dotted.last().map_or("", String::as_str);
            if !src.contains(last) {
                continue;
            }
            let new_lines = lines_new_since_base(repo, new, base, &p, |text| {
                if !text.contains(last) {
                    return Ok(Vec::new());
                }
                Ok(lang::python_writes_to_modules(&p, text, dotted)?
                    // A file that does not parse and names the module: fail closed.
                    .unwrap_or_else(|| vec![(1, format!("(does not parse; names {last})"))]))
            })?;
            if new_lines.is_empty() {
                continue;
            }
            for t in lock.tests.values().filter(|t| t.file == *file) {
                out.push(Finding {
                    test_id: t.id.clone(),
                    rule: Rule::Rebound,
                    message: format!(
                        "another file writes to the module of the test ({file}): what the test \
                         calls may be something else when it runs"
                    ),
                    old_lines: Vec::new(),
                    new_lines: new_lines.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// What `read` finds in the file `path` of `new` (each with its line) that it does not find
/// in the base revision's, as `PATH:LINE: TEXT` lines; none when the file is absent from
/// `new`.
fn lines_new_since_base(
    repo: &Repo,
    new: &Content<'_>,
    base: Option<&Content<'_>>,
    path: &str,
    read: impl Fn(&str) -> Result<Vec<(usize, String)>>,
) -> Result<Vec<String>> {
    let Some(src) = new.read(repo, path)? else {
        return Ok(Vec::new());
    };
    let now = read(&src)?;
    if now.is_empty() {
        return Ok(Vec::new());
    }
    let before: Vec<String> = match base.map(|b| b.read(repo, path)).transpose()?.flatten() {
        Some(old) => read(&old)?.into_iter().map(|(_, t)| t).collect(),
        None => Vec::new(),
    };
    Ok(now
        .into_iter()
        .filter(|(_, t)| !before.contains(t))
        .map(|(line, t)| format!("{path}:{line}: {t}"))
        .collect())
}

/// A changed module that is not the tests' own code (`test_support`, a runner's
/// configuration) and now reaches the test runner where its base revision did not
/// (`lang::runner_reaches`: `require('vitest')` and a `beforeEach` in the code under test,
/// `import _pytest`, `gc.get_objects()`, Go's `os.Args = append(os.Args, "-test.run=…")`):
/// it can register a hook, mark a failed test passed, reach the report writer from a
/// function the tests call or keep a test from running, with every test untouched, so every
/// locked test of its language is `rebound`.
fn code_under_test_reaching_the_runner(
    repo: &Repo,
    lock: &SacredLock,
    new: &Content<'_>,
    base: Option<&Content<'_>>,
    changed: Option<&[std::path::PathBuf]>,
) -> Result<Vec<Finding>> {
    let Some(changed) = changed else {
        return Ok(Vec::new());
    };
    let locked_files = lock.files();
    let mut out = Vec::new();
    for p in changed {
        let p = p.to_string_lossy();
        let name = p.rsplit_once('/').map_or(p.as_ref(), |(_, n)| n);
        let Some(lang) = lang::Lang::of_path(&p)
            .filter(|l| *l == lang::Lang::Python || *l == lang::Lang::Go || l.is_js())
        else {
            continue;
        };
        if test_support(&p)
            || python_test_module(&p)
            || is_js_runner_config(name)
            || locked_files.iter().any(|f| *f == p)
        {
            continue;
        }
        // Tests of the same kind: Python, JavaScript/TypeScript, or Go.
        let same = |l: lang::Lang| {
            if lang == lang::Lang::Python || lang == lang::Lang::Go {
                l == lang
            } else {
                l.is_js()
            }
        };
        if !lock
            .tests
            .values()
            .any(|t| lang::Lang::of_path(&t.file).is_some_and(same))
        {
            continue;
        }
        let new_lines = lines_new_since_base(repo, new, base, &p, |text| {
            Ok(lang::runner_reaches(&p, text)?.unwrap_or_default())
        })?;
        if new_lines.is_empty() {
            continue;
        }
        for t in lock
            .tests
            .values()
            .filter(|t| lang::Lang::of_path(&t.file).is_some_and(same))
        {
            out.push(Finding {
                test_id: t.id.clone(),
                rule: Rule::Rebound,
                message: format!(
                    "the code under test ({p}) now reaches the test runner: it may change how \
                     the tests run or what the runner reports"
                ),
                old_lines: Vec::new(),
                new_lines: new_lines.clone(),
            });
        }
    }
    Ok(out)
}

/// A file [`shared_state_written_by_tests`] reads, and the locked tests sharing its process.
struct SharedStateReading<'l> {
    p: String,
    lang: lang::Lang,
    whole_file: bool,
    locked_names: BTreeSet<String>,
    mocha: bool,
    sharing: Vec<&'l str>,
}

/// A file to read with what its revision holds.
type SharedStateJob<'a, 'l> = (&'a SharedStateReading<'l>, Option<SharedStateInput>);

/// What one revision of a [`SharedStateReading`]'s file holds, read from git.
struct SharedStateInput {
    text: String,
    imported: BTreeSet<String>,
    loggers: Option<crate::sacred::import_hazards::LoggerNames>,
    /// Go: the package variables a test may put back as the package starts them
    /// (`lang::go_initial_values`).
    go_initial: BTreeMap<String, String>,
}

/// A changed file of the tests holding a function (a test, a helper, a fixture, a hook, a
/// subtest's closure) that now changes what outlives the call where its base revision's did
/// not (`lang::test_code_writing_shared_state`: `billing.total = lambda xs: 6` in another
/// test's body, `os.environ["RATE"] = "0"`, Go's `tax.Rate = 0` that no `defer` puts back,
/// `Array.prototype.reduce = …` in a callback): a locked test that runs after it in the same
/// process runs against what it left, with its own file untouched and its runner's report
/// truthfully saying it passed. So the file is refused as `rebound` (one finding, by the
/// file's id, naming the locked tests it may reach) when a locked test shares the process:
/// every Python one (pytest and unittest run every module in one process), every Rust one,
/// the Go ones of the same package directory, and the JavaScript/TypeScript ones of the same
/// file (Jest, Vitest, AVA and `node --test` give each file its own module registry or
/// process) or, under mocha, below the same `package.json`.
fn shared_state_written_by_tests(
    repo: &Repo,
    lock: &SacredLock,
    new: &Content<'_>,
    base: Option<&Content<'_>>,
    changed: Option<&[std::path::PathBuf]>,
) -> Result<Vec<Finding>> {
    let Some(changed) = changed else {
        return Ok(Vec::new());
    };
    let locked_files = lock.files();
    let mut out = Vec::new();
    let mut examined: Vec<String> = changed
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    // A helper module of the tests that now writes what it is handed reaches the files that
    // import it, changed or not (`install(billing.pay)` there, already written), and so does
    // one of those that hands on what it is handed to it, in turn.
    // Whether each of `paths` now has more of them than before. Each revision is read here
    // (with the helpers it imports as they are at that revision); the readings of its
    // functions, the costly part, run on every core.
    let fillers_grew = |paths: &[String]| -> Result<Vec<bool>> {
        let mut inputs: Vec<(usize, bool, &str, String, BTreeSet<String>)> = Vec::new();
        for (i, p) in paths.iter().enumerate() {
            let p = p.as_str();
            if !lang::Lang::of_path(p).is_some_and(|l| l == lang::Lang::Python || l.is_js())
                || !(test_support(p) || locked_files.iter().any(|f| *f == p))
            {
                continue;
            }
            for (now, c) in [(false, base), (true, Some(new))] {
                if let Some(c) = c
                    && let Some(src) = c.read(repo, p)?
                {
                    let imported = imported_fillers(repo, c, p, &src)?;
                    inputs.push((i, now, p, src, imported));
                }
            }
        }
        let read = on_every_core(&inputs, |(_, _, p, src, imported)| {
            lang::fillers(p, src, imported).map(Option::unwrap_or_default)
        });
        let mut before: Vec<BTreeSet<String>> = vec![BTreeSet::new(); paths.len()];
        let mut after: Vec<BTreeSet<String>> = vec![BTreeSet::new(); paths.len()];
        for ((i, now, ..), fillers) in inputs.iter().zip(read) {
            if *now {
                after[*i] = fillers?;
            } else {
                before[*i] = fillers?;
            }
        }
        Ok(before
            .iter()
            .zip(&after)
            .map(|(b, a)| !a.is_subset(b))
            .collect())
    };
    let mut grown: Vec<(lang::Lang, String)> = Vec::new();
    let mut to_read: Vec<String> = examined.clone();
    let mut all_files: Option<Vec<String>> = None;
    while !to_read.is_empty() {
        let before = grown.len();
        let batch = std::mem::take(&mut to_read);
        for (p, grew) in batch.iter().zip(fillers_grew(&batch)?) {
            if grew && let Some(l) = lang::Lang::of_path(p) {
                let stem = Path::new(&p)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("")
                    .to_owned();
                if !stem.is_empty() {
                    grown.push((l, stem));
                }
            }
        }
        if grown.len() == before {
            break;
        }
        if all_files.is_none() {
            all_files = Some(new.list_tree(repo, "")?);
        }
        for f in all_files.as_deref().unwrap_or_default() {
            if examined.contains(f) || !(test_support(f) || locked_files.contains(f)) {
                continue;
            }
            let Some(l) = lang::Lang::of_path(f) else {
                continue;
            };
            let same = |g: &lang::Lang| if g.is_js() { l.is_js() } else { l == *g };
            if !grown[before..].iter().any(|(g, _)| same(g)) {
                continue;
            }
            if let Some(src) = new.read(repo, f)?
                && grown[before..]
                    .iter()
                    .any(|(g, stem)| same(g) && src.contains(stem.as_str()))
            {
                examined.push(f.clone());
                to_read.push(f.clone());
            }
        }
    }
    // Which files to read, and which locked tests each may reach: gathered here, with what
    // each revision of them holds (a git repository handle is not shared between threads);
    // the readings themselves, the costly part, run on every core.
    let mut readings: Vec<SharedStateReading<'_>> = Vec::new();
    for p in &examined {
        let p: &str = p;
        let Some(lang) = lang::Lang::of_path(p).filter(|l| l.supported()) else {
            continue;
        };
        let go = lang == lang::Lang::Go;
        let rust = lang == lang::Lang::Rust;
        let test_code = test_support(p)
            || locked_files.iter().any(|f| *f == p)
            || (go && p.ends_with("_test.go"))
            || rust;
        if !test_code {
            continue;
        }
        let same_lang = |l: lang::Lang| {
            if lang.is_js() { l.is_js() } else { l == lang }
        };
        if !lock
            .tests
            .values()
            .any(|t| lang::Lang::of_path(&t.file).is_some_and(same_lang))
        {
            continue;
        }
        let whole_file = rust && test_support(p);
        // The functions of the locked tests of the file, by name.
        let locked_names: BTreeSet<String> = lock
            .tests
            .values()
            .filter(|t| t.file == *p)
            .filter_map(|t| t.id.rsplit("::").next().map(str::to_owned))
            .collect();
        let dir = p.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        let mocha_root = if lang.is_js() {
            match nearest_package_json(repo, new, &dir)? {
                Some((pkg_dir, package)) if js_runners_of(repo, new, &pkg_dir, &package)?.0 => {
                    Some(pkg_dir)
                }
                _ => None,
            }
        } else {
            None
        };
        let mut sharing: Vec<&str> = Vec::new();
        for t in lock.tests.values() {
            let Some(l) = lang::Lang::of_path(&t.file).filter(|l| same_lang(*l)) else {
                continue;
            };
            let t_dir = t.file.rsplit_once('/').map_or("", |(d, _)| d);
            let shares = match l {
                lang::Lang::Go => t_dir == dir,
                _ if l.is_js() => {
                    t.file == *p
                        || mocha_root.as_deref().is_some_and(|root| {
                            root.is_empty() || t.file.starts_with(&format!("{root}/"))
                        })
                }
                _ => true,
            };
            if shares {
                sharing.push(&t.id);
            }
        }
        // No locked test shares its process: nothing it leaves can reach one.
        if sharing.is_empty() {
            continue;
        }
        readings.push(SharedStateReading {
            p: p.to_owned(),
            lang,
            whole_file,
            locked_names,
            mocha: mocha_root.is_some(),
            sharing,
        });
    }
    // Each revision read with the helpers it imports as they are at that revision.
    let input_at =
        |content: &Content<'_>, r: &SharedStateReading<'_>| -> Result<Option<SharedStateInput>> {
            let Some(text) = content.read(repo, &r.p)? else {
                return Ok(None);
            };
            let imported = imported_fillers(repo, content, &r.p, &text)?;
            let loggers = if r.lang == lang::Lang::Python && text.contains("getLogger") {
                python_logger_names(repo, content, &r.p)?
            } else {
                None
            };
            let go_initial = if r.lang == lang::Lang::Go {
                go_initial_values(repo, content, &r.p, &text)?
            } else {
                BTreeMap::new()
            };
            Ok(Some(SharedStateInput {
                text,
                imported,
                loggers,
                go_initial,
            }))
        };
    let read = |(r, input): &SharedStateJob<'_, '_>| -> Result<Vec<(usize, String)>> {
        let Some(input) = input else {
            return Ok(Vec::new());
        };
        let loggers = input.loggers.clone().map(std::rc::Rc::new);
        Ok(lang::test_code_writing_shared_state(
            &r.p,
            &input.text,
            crate::sacred::import_hazards::TestFileReading {
                whole_file: r.whole_file,
                locked: &r.locked_names,
                imported_fillers: &input.imported,
                mocha: r.mocha,
                loggers: loggers.as_ref(),
                go_initial: &input.go_initial,
            },
        )?
        // A file of the tests that does not parse: fail closed.
        .unwrap_or_else(|| vec![(1, "(does not parse)".to_owned())]))
    };
    let mut jobs = Vec::new();
    for r in &readings {
        jobs.push((r, input_at(new, r)?));
    }
    let now: Vec<Vec<(usize, String)>> = on_every_core(&jobs, read)
        .into_iter()
        .collect::<Result<_>>()?;
    // The base revision of a file is read only when the new one writes something.
    let mut base_jobs = Vec::new();
    for (r, now) in readings.iter().zip(&now) {
        if let Some(b) = base
            && !now.is_empty()
        {
            base_jobs.push((r, input_at(b, r)?));
        } else {
            base_jobs.push((r, None));
        }
    }
    let before: Vec<Vec<(usize, String)>> = on_every_core(&base_jobs, read)
        .into_iter()
        .collect::<Result<_>>()?;
    for ((r, now), before) in readings.iter().zip(now).zip(before) {
        let p = &r.p;
        // Go's `interface{}` respelled `any` in a function's header does not make its write
        // a new one: it writes the same place.
        let same_write = |t: &str| -> String {
            if r.lang == lang::Lang::Go {
                t.replace("interface{}", "any")
            } else {
                t.to_owned()
            }
        };
        let before: Vec<String> = before.into_iter().map(|(_, t)| same_write(&t)).collect();
        let new_lines: Vec<String> = now
            .into_iter()
            .filter(|(_, t)| !before.contains(&same_write(t)))
            .map(|(line, t)| format!("{p}:{line}: {t}"))
            .collect();
        if new_lines.is_empty() {
            continue;
        }
        let sharing = &r.sharing;
        // One finding for the file that writes, naming the locked tests it may reach: the
        // change to refuse is there, whichever test runs after it.
        let tag = match r.lang {
            lang::Lang::Rust => "rust",
            lang::Lang::Python => "python",
            lang::Lang::Go => "go",
            lang::Lang::JavaScript => "js",
            lang::Lang::TypeScript | lang::Lang::Tsx => "ts",
        };
        let named: Vec<&str> = sharing.iter().take(3).copied().collect();
        let more = sharing.len() - named.len();
        out.push(Finding {
            test_id: format!("{tag}:{p}"),
            rule: Rule::Rebound,
            message: format!(
                "a function of the tests in {p} now changes what outlives it, and {} locked \
                 test{} that share{} its process ({}{}) may run after it against what it left",
                sharing.len(),
                if sharing.len() == 1 { "" } else { "s" },
                if sharing.len() == 1 { "s" } else { "" },
                named.join(", "),
                if more > 0 {
                    format!(", and {more} more")
                } else {
                    String::new()
                },
            ),
            old_lines: Vec::new(),
            new_lines,
        });
    }
    Ok(out)
}

/// The logger names a Python file of the tests shares with the rest of the repository
/// (see [`crate::sacred::import_hazards::LoggerNames`]): the module paths of every Python
/// file of the revision and the texts of those but `path`; `None` when a directory cannot be
/// listed (every named logger is then taken for another's).
fn python_logger_names(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
) -> Result<Option<crate::sacred::import_hazards::LoggerNames>> {
    let Ok(files) = content.list(repo, "", true) else {
        return Ok(None);
    };
    let mut modules = BTreeSet::new();
    let mut texts = Vec::new();
    for f in files
        .iter()
        .filter(|f| lang::Lang::of_path(f) == Some(lang::Lang::Python))
    {
        let stem = f.strip_suffix(".py").unwrap_or(f);
        let stem = stem.strip_suffix("/__init__").unwrap_or(stem);
        let parts: Vec<&str> = stem.split('/').collect();
        for i in 0..parts.len() {
            modules.insert(parts[i..].join("."));
        }
        if f != path {
            match content.read(repo, f)? {
                Some(t) => texts.push(t),
                None => return Ok(None),
            }
        }
    }
    Ok(Some(crate::sacred::import_hazards::LoggerNames {
        modules,
        texts,
    }))
}

/// The names the Python or JavaScript/TypeScript file `path` binds by import to a helper of
/// another file of the tests that writes what it is handed (`from tests.util import
/// install`; `import tests.util as u`, then `u.install`; a default export), read at
/// `content`'s revision. Such a helper may do it through one it imports in turn, or be
/// re-exported by the module the file imports (`from .util import install` in a package's
/// `__init__.py`, `export {install} from './util.js'`): every module of the tests reachable
/// by imports is read, and what each exports is grown together until nothing more is found.
fn imported_fillers(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    src: &str,
) -> Result<BTreeSet<String>> {
    let own = filler_imports(repo, content, path, src)?;
    // The modules of the tests reachable from `path`, each with its text and imports.
    let mut graph: BTreeMap<String, (String, Vec<FillerImport>)> = BTreeMap::new();
    let mut to_read: Vec<String> = own.iter().map(|i| i.file.clone()).collect();
    while let Some(file) = to_read.pop() {
        if graph.contains_key(&file) {
            continue;
        }
        let Some(text) = content.read(repo, &file)? else {
            continue;
        };
        let imports = filler_imports(repo, content, &file, &text)?;
        to_read.extend(imports.iter().map(|i| i.file.clone()));
        graph.insert(file, (text, imports));
    }
    // What each exports that writes what it is handed, grown to a fixpoint (an import
    // cycle included): a module's helpers count those it imports as they are known so far.
    let mut exported: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    loop {
        let mut grew = false;
        for (file, (text, imports)) in &graph {
            let theirs = bound_fillers(imports, &exported);
            let fillers = lang::fillers(file, text, &theirs)?.unwrap_or_default();
            if exported.get(file) != Some(&fillers) {
                exported.insert(file.clone(), fillers);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    Ok(bound_fillers(&own, &exported))
}

/// An import (or a JavaScript re-export) of a module of the tests, as
/// [`imported_fillers`] follows it.
struct FillerImport {
    /// The module's file.
    file: String,
    /// What of it: `None` for the whole module, else a name (`default`, or `*` for each of
    /// its names by its own).
    name: Option<String>,
    /// The name it is bound or exported under.
    alias: String,
}

/// The imports and re-exports of `path` (read at `content`) that name a module of the tests.
fn filler_imports(
    repo: &Repo,
    content: &Content<'_>,
    path: &str,
    src: &str,
) -> Result<Vec<FillerImport>> {
    let mut out = Vec::new();
    let Some(bindings) = lang::module_binding_texts(path, src)? else {
        return Ok(out);
    };
    let mut found: Vec<(String, Option<String>, String)> = Vec::new();
    for b in &bindings {
        match import_of(b) {
            // `from tests import util`: a module of a package, when there is one.
            Some(Imported::Name {
                module,
                name,
                alias,
            }) if lang::Lang::of_path(path) == Some(lang::Lang::Python)
                && resolve_import(repo, content, path, &format!("{module}.{name}"))?.is_some() =>
            {
                found.push((format!("{module}.{name}"), None, alias));
            }
            Some(Imported::Name {
                module,
                name,
                alias,
            }) => found.push((module, Some(name), alias)),
            Some(Imported::Module { module, alias }) => found.push((module, None, alias)),
            None => {}
        }
    }
    // `export {install as put} from './util.js'`, `export * as u from …`, `export * from …`,
    // `module.exports = require('./util.js')`.
    if lang::Lang::of_path(path).is_some_and(lang::Lang::is_js) {
        for (named, module) in lang::js_reexports(path, src)? {
            let module = module
                .trim_matches(|c| c == '\'' || c == '"' || c == '`')
                .to_owned();
            match named {
                Some((name, alias)) if name == "*" => found.push((module, None, alias)),
                Some((name, alias)) => found.push((module, Some(name), alias)),
                None => found.push((module, Some("*".to_owned()), String::new())),
            }
        }
    }
    for (module, name, alias) in found {
        if let Some(file) = resolve_import(repo, content, path, &module)?.filter(|f| f != path) {
            out.push(FillerImport { file, name, alias });
        }
    }
    Ok(out)
}

/// The names `imports` bind to helpers that write what they are handed, given what each
/// module of the tests is known to export so (`exported`).
fn bound_fillers(
    imports: &[FillerImport],
    exported: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for i in imports {
        let Some(fillers) = exported.get(&i.file) else {
            continue;
        };
        match i.name.as_deref() {
            // `import put from './util.js'`: its default export, and the functions of an
            // object it exports by default (`put.install`).
            Some("default") => {
                for f in fillers {
                    if f == "default" {
                        out.insert(i.alias.clone());
                    } else if let Some(member) = f.strip_prefix("default.") {
                        out.insert(format!("{}.{member}", i.alias));
                    }
                }
            }
            // `from tests.util import *`, `export * from …`: each by its own name.
            Some("*") => out.extend(
                fillers
                    .iter()
                    .filter(|f| *f != "default" && !f.starts_with("default."))
                    .cloned(),
            ),
            // One name, or the members of a namespace it is (`export * as u from …`, then
            // `import {u}` and `u.install`).
            Some(n) => {
                for f in fillers {
                    if f == n {
                        out.insert(i.alias.clone());
                    } else if let Some(member) = f.strip_prefix(n).and_then(|r| r.strip_prefix('.'))
                    {
                        out.insert(format!("{}.{member}", i.alias));
                    }
                }
            }
            None => {
                for f in fillers {
                    // `const put = require('./util')` of `module.exports = (m) => …`.
                    if f == "default" {
                        out.insert(i.alias.clone());
                    }
                    out.insert(format!("{}.{f}", i.alias));
                }
            }
        }
    }
    out
}

/// Mocha runs only the focused tests (`it.only`, `test.only`, `describe.only`) of the
/// whole run once any file has one, and AVA, once it meets a file with one, only the focused
/// tests of the files it runs after it: a test focused anew in another changed file below
/// the same `package.json` may drop every locked JavaScript/TypeScript test there. Each is refused
/// as `only-sibling`, naming the focused line. Jest and Vitest focus within a file only (the
/// file's own rule covers it). Runs only when a changed JS/TS file has a focused test now.
fn focused_elsewhere(
    repo: &Repo,
    lock: &SacredLock,
    new: &Content<'_>,
    base: Option<&Content<'_>>,
    changed: Option<&[std::path::PathBuf]>,
    patterns: &Patterns,
) -> Result<Vec<Finding>> {
    let Some(changed) = changed else {
        return Ok(Vec::new());
    };
    let js: Vec<String> = changed
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| lang::Lang::of_path(p).is_some_and(lang::Lang::is_js))
        .collect();
    if js.is_empty()
        || !lock
            .tests
            .values()
            .any(|t| lang::Lang::of_path(&t.file).is_some_and(lang::Lang::is_js))
    {
        return Ok(Vec::new());
    }
    let focus_of = |content: &Content<'_>, file: &str| -> Result<Vec<String>> {
        let Some(source) = read_source(repo, content, file, patterns)? else {
            return Ok(Vec::new());
        };
        if !source.text.contains("only")
            && !source.text.contains("fit(")
            && !source.text.contains("fdescribe(")
        {
            return Ok(Vec::new());
        }
        let scan = scan_all(std::slice::from_ref(&source), |_| {
            analysis::Want::Ids(BTreeSet::new())
        })
        .pop()
        .transpose()?
        .unwrap_or_default();
        Ok(scan
            .focused
            .into_iter()
            .map(|f| format!("{file}:{}: {}", f.line, f.source))
            .collect())
    };
    let mut out = Vec::new();
    for file in js {
        out.extend(mocha_root_code_elsewhere(repo, lock, new, base, &file)?);
        let now = focus_of(new, &file)?;
        if now.is_empty() {
            continue;
        }
        let before: Vec<String> = match base {
            Some(b) => focus_of(b, &file)?,
            None => Vec::new(),
        };
        // The focused call by its callee and title (`test.only('other'`), wherever it is.
        let strip = |l: &String| {
            let s = l.split_once(": ").map_or(l.as_str(), |(_, s)| s);
            s.split(',').next().unwrap_or(s).trim().to_owned()
        };
        let fresh: Vec<String> = now
            .iter()
            .filter(|l| !before.iter().any(|b| strip(b) == strip(l)))
            .cloned()
            .collect();
        if fresh.is_empty() {
            continue;
        }
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        let Some((pkg_dir, package)) = nearest_package_json(repo, new, dir)? else {
            continue;
        };
        let (mocha, ava) = js_runners_of(repo, new, &pkg_dir, &package)?;
        if !(mocha || ava) {
            continue;
        }
        for t in lock.tests.values() {
            if t.file == file
                || !lang::Lang::of_path(&t.file).is_some_and(lang::Lang::is_js)
                || !(pkg_dir.is_empty() || t.file.starts_with(&format!("{pkg_dir}/")))
            {
                continue;
            }
            out.push(Finding {
                test_id: t.id.clone(),
                rule: Rule::OnlySibling,
                message: format!(
                    "a test in `{file}` is focused (`.only`): mocha then runs only the focused tests of the whole run, and AVA those of the files it runs after that one, so this one may no longer run"
                ),
                old_lines: Vec::new(),
                new_lines: fresh.clone(),
            });
        }
    }
    Ok(out)
}

/// Whether the tests of the `package.json` in `pkg_dir` (its text `package`) run under mocha
/// and under AVA: a dependency or key of that name, or their configuration file beside it.
fn js_runners_of(
    repo: &Repo,
    content: &Content<'_>,
    pkg_dir: &str,
    package: &str,
) -> Result<(bool, bool)> {
    let files = content.list_dir(repo, pkg_dir)?;
    let has = |runner: &str, config: &str| {
        package.contains(&format!("\"{runner}\""))
            || files.iter().any(|f| {
                f.rsplit_once('/')
                    .map_or(f.as_str(), |(_, n)| n)
                    .starts_with(config)
            })
    };
    Ok((has("mocha", ".mocharc"), has("ava", "ava.config.")))
}

/// Mocha loads every spec file into one process before it runs any test, and a hook at the
/// top level of any of them (`beforeEach(…)` outside a `describe`) is a root hook that runs
/// around every test of the run. So, under mocha, a changed file of the tests whose top-level
/// code now changes anything (`require('../billing').total = () => 6`), or whose root hooks
/// are new or changed, is `rebound` for every locked JavaScript/TypeScript test below the
/// same `package.json` (the tests of the file itself are judged by their own envelope). So is
/// one that now loads a module that patches another at its top (`const prices =
/// require('../../src/dev-prices.js')`, whose top sets `pay.total`; see
/// [`imported_code_patches`]): mocha loads it into the same process before any test runs.
fn mocha_root_code_elsewhere(
    repo: &Repo,
    lock: &SacredLock,
    new: &Content<'_>,
    base: Option<&Content<'_>>,
    file: &str,
) -> Result<Vec<Finding>> {
    if !test_support(file) {
        return Ok(Vec::new());
    }
    let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    let Some((pkg_dir, package)) = nearest_package_json(repo, new, dir)? else {
        return Ok(Vec::new());
    };
    if !js_runners_of(repo, new, &pkg_dir, &package)?.0 {
        return Ok(Vec::new());
    }
    // What of the file's top level reaches every test of the run: the code that changes
    // something, and the root hooks.
    let root_code = |content: &Content<'_>| -> Result<Option<String>> {
        let Some(src) = content.read(repo, file)? else {
            return Ok(None);
        };
        let mut code = match lang::js_import_effects(file, &src)? {
            Some((true, text)) => text,
            Some((false, _)) => String::new(),
            // Unreadable: any change to it may be one.
            None => src.clone(),
        };
        // What the modules it loads (and those they load in turn) patch at their top.
        let loaded = lang::loaded_modules(file, &src)?.unwrap_or_default();
        for line in imported_code_patches(
            repo,
            content,
            file,
            loaded,
            lang::js_global_patches,
            &mut Surroundings::default(),
        )? {
            code.push_str(&line);
            code.push('\n');
        }
        let mut hook = false;
        for line in src.lines() {
            if !line.starts_with(char::is_whitespace) && !line.trim().is_empty() {
                hook = [
                    "before(",
                    "beforeEach(",
                    "after(",
                    "afterEach(",
                    "setup(",
                    "teardown(",
                    "suiteSetup(",
                    "suiteTeardown(",
                ]
                .iter()
                .any(|h| line.starts_with(h))
                    || (hook && line.starts_with(['}', ')']));
            }
            if hook {
                code.push_str(line.trim());
                code.push('\n');
            }
        }
        Ok(Some(code))
    };
    let Some(now) = root_code(new)? else {
        return Ok(Vec::new());
    };
    let before = match base {
        Some(b) => root_code(b)?.unwrap_or_default(),
        None => String::new(),
    };
    if now.is_empty() || now == before {
        return Ok(Vec::new());
    }
    let new_lines: Vec<String> = now
        .lines()
        .filter(|l| !before.lines().any(|b| b == *l))
        .map(|l| format!("{file}: {l}"))
        .take(8)
        .collect();
    Ok(lock
        .tests
        .values()
        .filter(|t| {
            t.file != file
                && lang::Lang::of_path(&t.file).is_some_and(lang::Lang::is_js)
                && (pkg_dir.is_empty() || t.file.starts_with(&format!("{pkg_dir}/")))
        })
        .map(|t| Finding {
            test_id: t.id.clone(),
            rule: Rule::Rebound,
            message: format!(
                "mocha loads `{file}` into the same run: code at its top level that changes what the tests call, or a root hook there, runs for this test too"
            ),
            old_lines: Vec::new(),
            new_lines: new_lines.clone(),
        })
        .collect())
}

/// The nearest directory at or above `dir` that holds a `package.json`, with its text.
fn nearest_package_json(
    repo: &Repo,
    content: &Content<'_>,
    dir: &str,
) -> Result<Option<(String, String)>> {
    Ok(nearest_file(repo, content, dir, "package.json")?.map(|(at, _, text)| (at, text)))
}

/// The nearest `name` in `dir` or a directory above it: that directory, the file's path and
/// its text.
fn nearest_file(
    repo: &Repo,
    content: &Content<'_>,
    dir: &str,
    name: &str,
) -> Result<Option<(String, String, String)>> {
    for at in dirs_up(dir) {
        let file = if at.is_empty() {
            name.to_owned()
        } else {
            format!("{at}/{name}")
        };
        if let Some(text) = content.read(repo, &file)? {
            return Ok(Some((at.to_owned(), file, text)));
        }
    }
    Ok(None)
}

/// `dir` and each directory above it, up to the root (`""`).
fn dirs_up(dir: &str) -> Vec<&str> {
    let mut out = vec![dir];
    let mut at = dir;
    while !at.is_empty() {
        at = at.rsplit_once('/').map_or("", |(up, _)| up);
        out.push(at);
    }
    out
}

/// Whether `path` is `dir` or inside it (`dir` "" is the root).
fn below_dir(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || path.starts_with(&format!("{dir}/"))
}

/// What [`compare_all`] found.
struct Compared {
    /// How many locked tests were compared.
    checked: usize,
    findings: Vec<Finding>,
    /// The locked tests found moved ([`relocate::Moved::note`]).
    notes: Vec<String>,
}

/// The locked files not yet in `files` that a moved test of theirs may have left for one of
/// the `changed` files: those near a changed file the lock does not name whose `base`
/// revision holds a sacred test with the body or the name of one of theirs, and those near a
/// changed locked file whose `base` revision holds a test the lock does not name with the
/// name of one of theirs (a moved test is such a test until the re-lock; see [`relocate`]'s
/// invariant). Without this, a change to the moved test would reach no locked file and go
/// unchecked. A changed locked file is parsed only when its base text holds such a name.
fn moved_holders(
    repo: &Repo,
    lock: &SacredLock,
    files: &[String],
    changed: &[std::path::PathBuf],
    base: &Content<'_>,
    patterns: &Patterns,
) -> Result<Vec<String>> {
    let locked_files = lock.files();
    let mut holders: Vec<String> = Vec::new();
    for c in changed {
        let c = c.to_string_lossy();
        // A test moved into another locked file keeps its name there (`relocate::find`).
        let is_locked = locked_files.iter().any(|f| *f == c);
        let wanted: Vec<&String> = locked_files
            .iter()
            .filter(|f| {
                **f != c && relocate::near(f, &c) && !files.contains(f) && !holders.contains(f)
            })
            .collect();
        if wanted.is_empty() {
            continue;
        }
        if is_locked {
            // Parsed only when its base text holds the name of a test of theirs.
            let Some(text) = base.read(repo, &c)? else {
                continue;
            };
            let words = relocate::words(&text);
            let named = lock.tests.values().any(|l| {
                wanted.contains(&&l.file)
                    && relocate::written_in(&text, &words, relocate::name_of(&l.id))
            });
            if !named {
                continue;
            }
        } else if !patterns.matches(Path::new(c.as_ref()))
            && !base.read(repo, &c)?.is_some_and(|t| t.contains("sacred"))
        {
            // Only a file that can hold a sacred test is parsed (as `discover` does).
            continue;
        }
        let scans = scan_files(repo, base, &[c.to_string()], patterns, |_| {
            analysis::Want::Sacred
        })?;
        // A test stands for a locked one only with its body or its name (`relocate::find`),
        // so only the locked files holding such a test can have moved one here.
        for t in scans.values().flat_map(|s| &s.tests) {
            if lock.tests.contains_key(&t.id) {
                continue;
            }
            for f in &wanted {
                let like = lock.tests.values().any(|l| {
                    &&l.file == f
                        && ((!is_locked && l.body == t.body) || relocate::name_of(&l.id) == t.name)
                });
                if like && !holders.contains(f) {
                    holders.push((*f).clone());
                }
            }
        }
    }
    Ok(holders)
}

/// Says how many locked tests sat in files the change does not touch (not re-parsed).
fn note_unchanged(report: &mut SacredReport, locked: usize, checked: usize) {
    if locked > checked {
        report.notes.push(format!(
            "{} locked test(s) in files this change does not touch were not re-parsed",
            locked - checked
        ));
    }
}

fn empty_report(compared: String) -> SacredReport {
    SacredReport {
        compared,
        lock_found: false,
        relocked: false,
        checked: 0,
        findings: Vec::new(),
        notes: Vec::new(),
    }
}

/// The index against the lock at HEAD (for pre-commit).
///
/// A lock changed in the index is used instead of HEAD's, and the report says `relocked`:
/// no signature can exist before the commit does, so pre-push and `ci` verify it later.
pub fn check_staged(repo: &Repo, config: &Config) -> Result<SacredReport> {
    let mut report = empty_report("staged".to_owned());
    let head = repo.head_tree()?;
    let base = head.map(Content::Tree);
    let new = Content::Index;
    let base_lock = match &base {
        Some(b) => b.lock(repo)?,
        None => None,
    };
    let new_lock = new.lock_unless(repo, base_lock.as_ref().map(|(t, _)| t.as_str()))?;
    let Some((base_text, base_lock)) = base_lock else {
        report
            .notes
            .push(format!("no `{LOCK_PATH}` at HEAD: nothing is locked yet"));
        return Ok(report);
    };
    report.lock_found = true;
    let lock = match new_lock {
        Some((text, Some(lock))) if text != base_text => {
            report.relocked = true;
            report.notes.push(format!(
                "`{LOCK_PATH}` is changed in this commit: the commit must be signed by an allowed signer, or pre-push and ci refuse it"
            ));
            lock
        }
        Some(_) => base_lock,
        // Deleting the lock is not a re-lock: HEAD's lock still applies (a human who means
        // to unlock everything writes an empty lock with `gatekeeper sacred lock`).
        None => {
            report.notes.push(format!(
                "`{LOCK_PATH}` is deleted in this commit; HEAD's lock still applies"
            ));
            base_lock
        }
    };
    // A re-lock is compared in full; otherwise only what the commit touches.
    let staged: Vec<std::path::PathBuf> =
        repo.staged_changes()?.into_iter().map(|c| c.path).collect();
    let changed = (!report.relocked).then_some(staged.as_slice());
    let compared = compare_all(repo, config, &lock, &new, base.as_ref(), changed)?;
    note_unchanged(&mut report, lock.tests.len(), compared.checked);
    report.checked = compared.checked;
    report.findings = compared.findings;
    report.notes.extend(compared.notes);
    Ok(report)
}

/// One commit against the lock at its first parent (for every pushed commit).
pub fn check_commit(repo: &Repo, config: &Config, commit: Oid) -> Result<SacredReport> {
    let c = repo
        .raw()
        .find_commit(commit)
        .with_context(|| format!("failed to read commit {commit}"))?;
    let parent = c.parent_ids().next();
    check_between(
        repo,
        config,
        parent,
        commit,
        format!("commit {commit}"),
        &[commit],
    )
}

/// HEAD of a range against the lock at its base, plus the signed re-lock rule (for `ci`).
/// Pass the merge base of the target branch and HEAD as `base`, so that changes made on the
/// target branch since the branch point are not mistaken for changes of this range.
pub fn check_range(repo: &Repo, config: &Config, base: Oid, head: Oid) -> Result<SacredReport> {
    let commits = repo.commits_between(head, &[base])?;
    check_between(
        repo,
        config,
        Some(base),
        head,
        format!("{base}..{head}"),
        &commits,
    )
}

fn commit_tree(repo: &Repo, id: Oid) -> Result<git2::Tree<'_>> {
    repo.raw()
        .find_commit(id)
        .and_then(|c| c.tree())
        .with_context(|| format!("failed to read the tree of {id}"))
}

fn check_between(
    repo: &Repo,
    config: &Config,
    base: Option<Oid>,
    head: Oid,
    compared: String,
    commits: &[Oid],
) -> Result<SacredReport> {
    let mut report = empty_report(compared);
    let base_content = match base {
        Some(b) => Some(Content::Tree(commit_tree(repo, b)?)),
        None => None,
    };
    let new = Content::Tree(commit_tree(repo, head)?);
    let base_lock = match &base_content {
        Some(b) => b.lock(repo)?,
        None => None,
    };
    let signers = match &base_content {
        Some(b) => b.read(repo, ALLOWED_SIGNERS_PATH)?,
        None => None,
    };
    let signatures = Signatures::new(repo, base, commits, signers.as_deref());
    if let (Some(base_id), Some(base_content)) = (base, &base_content) {
        report.findings.extend(gate_integrity::check(
            repo,
            (base_id, base_content),
            (head, &new),
            &signatures,
        )?);
        report
            .findings
            .extend(baseline_loosening(repo, base_content, &new, &signatures)?);
    }
    let Some((base_text, base_lock)) = base_lock else {
        report.notes.push(format!(
            "no `{LOCK_PATH}` at the base: nothing is locked yet"
        ));
        return Ok(report);
    };
    report.lock_found = true;
    let new_lock = new.lock_unless(repo, Some(&base_text))?;
    let new_text = new_lock.as_ref().map(|(t, _)| t.as_str());
    let mut lock = base_lock;
    if new_text != Some(base_text.as_str()) {
        let bad = signatures.unsigned_changes(LOCK_PATH)?;
        if bad.is_empty() {
            report.relocked = true;
            report.notes.push(format!(
                "`{LOCK_PATH}` was re-locked in a commit signed by an allowed signer"
            ));
            lock = new_lock.and_then(|(_, l)| l).unwrap_or_default();
        } else {
            report.findings.push(Finding {
                test_id: LOCK_PATH.to_owned(),
                rule: Rule::RelockUnsigned,
                message: RELOCK_UNSIGNED.to_owned(),
                old_lines: Vec::new(),
                new_lines: bad,
            });
        }
    }
    let range_changes: Option<Vec<std::path::PathBuf>> = match base {
        Some(b) if !report.relocked => Some(
            repo.changes_between(Some(b), head)?
                .into_iter()
                .map(|c| c.path)
                .collect(),
        ),
        _ => None,
    };
    let compared = compare_all(
        repo,
        config,
        &lock,
        &new,
        base_content.as_ref(),
        range_changes.as_deref(),
    )?;
    note_unchanged(&mut report, lock.tests.len(), compared.checked);
    report.checked = compared.checked;
    report.findings.extend(compared.findings);
    report.notes.extend(compared.notes);
    Ok(report)
}

/// How to sign, for the messages of findings that need a signature.
pub const SIGNING_HINT: &str = "sign the commit with an SSH key listed in the base's `.gatekeeper/allowed_signers` (`git config gpg.format ssh`, `git config user.signingkey PATH.pub`, then `git commit -S`)";

/// The commits of a change and who may sign for them (the base's allowed signers). Each
/// commit's signature is verified at most once per check, however many paths it changes.
pub(crate) struct Signatures<'r> {
    repo: &'r Repo,
    /// The base of the check: a merge's parent in its history does not excuse the merge.
    base: Option<Oid>,
    commits: &'r [Oid],
    signers: Option<&'r str>,
    verified: std::cell::RefCell<BTreeMap<Oid, std::result::Result<(), String>>>,
}

impl<'r> Signatures<'r> {
    fn new(
        repo: &'r Repo,
        base: Option<Oid>,
        commits: &'r [Oid],
        signers: Option<&'r str>,
    ) -> Signatures<'r> {
        Signatures {
            repo,
            base,
            commits,
            signers,
            verified: std::cell::RefCell::new(BTreeMap::new()),
        }
    }

    /// The commits that change `path` without a valid signature by an allowed signer, each
    /// with the reason.
    fn unsigned_changes(&self, path: &str) -> Result<Vec<String>> {
        let mut bad = Vec::new();
        for id in self.commits {
            if !changes_path(self.repo, *id, path, self.base)? {
                continue;
            }
            let Some(signers) = self.signers else {
                bad.push(format!("{id}: the base has no `{ALLOWED_SIGNERS_PATH}`"));
                continue;
            };
            let known = self.verified.borrow().get(id).cloned();
            let verdict = if let Some(v) = known {
                v
            } else {
                let v = verify_signature(self.repo, *id, signers)?;
                self.verified.borrow_mut().insert(*id, v.clone());
                v
            };
            if let Err(why) = verdict {
                bad.push(format!("{id}: {why}"));
            }
        }
        Ok(bad)
    }
}

/// A finding for `changes` to `path`, unless there are none or every commit changing `path`
/// is signed by an allowed signer. The message is `{message}: that needs a signed commit…`.
fn unless_signed(
    signatures: &Signatures<'_>,
    path: &str,
    rule: Rule,
    message: &str,
    changes: Vec<String>,
) -> Result<Vec<Finding>> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let bad = signatures.unsigned_changes(path)?;
    if bad.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![Finding {
        test_id: path.to_owned(),
        rule,
        message: format!(
            "{message}: that needs a signed commit by an allowed signer; {SIGNING_HINT}"
        ),
        old_lines: changes,
        new_lines: bad,
    }])
}

/// Baselines the change loosened (lower coverage, bigger budgets, figures removed), unless
/// every commit changing `.gatekeeper/baselines.json` is signed by an allowed signer.
fn baseline_loosening(
    repo: &Repo,
    base: &Content<'_>,
    new: &Content<'_>,
    signatures: &Signatures<'_>,
) -> Result<Vec<Finding>> {
    use crate::baseline::{BASELINES_FILE, Baselines};
    let Some(old_text) = base.read(repo, BASELINES_FILE)? else {
        return Ok(Vec::new());
    };
    let old = Baselines::parse(old_text.as_bytes()).unwrap_or_default();
    let new_baselines = match new.read(repo, BASELINES_FILE)? {
        Some(t) => Baselines::parse(t.as_bytes()).unwrap_or_default(),
        None => Baselines::default(),
    };
    let loosened = old
        .loosenings(&new_baselines)
        .iter()
        .map(|l| format!("{} {}: {} → {}", l.gate, l.what, l.before, l.after))
        .collect();
    unless_signed(
        signatures,
        BASELINES_FILE,
        Rule::BaselineLoosened,
        &format!("`{BASELINES_FILE}` was loosened"),
        loosened,
    )
}

/// Whether a commit changes `path` relative to its parent. A merge changes it only when its
/// version is none of the versions its parents outside the base's history hold: a merge that
/// takes a side branch's version brings in a change made (and signed, or refused) in that
/// side's own commits, which the check sees too, so a signed change reaches a branch through
/// an unsigned merge commit (GitHub's test merge of a pull request included). A version taken
/// from the base's own history (an old, weaker one, say) is the merge's own change.
fn changes_path(repo: &Repo, id: Oid, path: &str, base: Option<Oid>) -> Result<bool> {
    let c = repo.raw().find_commit(id)?;
    let version = |tree: &git2::Tree<'_>| tree.get_path(Path::new(path)).ok().map(|e| e.id());
    let new = version(&c.tree()?);
    let parents: Vec<Oid> = c.parent_ids().collect();
    match parents.as_slice() {
        [] => Ok(new.is_some()),
        [parent] => Ok(version(&commit_tree(repo, *parent)?) != new),
        _ => {
            for p in parents {
                let in_base = base.is_some_and(|b| {
                    b == p || repo.raw().graph_descendant_of(b, p).unwrap_or(true)
                });
                if !in_base && version(&commit_tree(repo, p)?) == new {
                    return Ok(false);
                }
            }
            Ok(true)
        }
    }
}

/// git's own SSH signature verification against `signers` (the base's allowed-signers file).
/// `Ok(Err(why))`: not validly signed; `Err`: could not run the verification.
fn verify_signature(
    repo: &Repo,
    id: Oid,
    signers: &str,
) -> Result<std::result::Result<(), String>> {
    if repo.raw().extract_signature(&id, None).is_err() {
        return Ok(Err("the commit is not signed".to_owned()));
    }
    let mut file = tempfile::NamedTempFile::new().context("failed to create a temporary file")?;
    std::io::Write::write_all(&mut file, signers.as_bytes())
        .context("failed to write the allowed signers")?;
    let path = file.path().to_string_lossy().into_owned();
    let quoted = shlex::try_quote(&path).context("the temporary path cannot be quoted")?;
    let script =
        format!("git -c gpg.format=ssh -c gpg.ssh.allowedSignersFile={quoted} verify-commit {id}");
    let cmd = crate::process::ShellCommand {
        script: script.into(),
        dir: repo.root().to_path_buf(),
        env: Vec::new(),
        timeout: Duration::from_secs(60),
        stdin: None,
        capture: true,
    };
    let done = crate::process::run_shell(&cmd, &AtomicBool::new(false))?;
    if done.ending.success() {
        Ok(Ok(()))
    } else {
        let out = String::from_utf8_lossy(&done.output);
        let why = out
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("verification failed");
        Ok(Err(format!(
            "the signature is not by an allowed signer ({})",
            why.trim()
        )))
    }
}

/// The human rendering of a report.
pub fn render_human(report: &SacredReport) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let _ = writeln!(out, "refused: {} [{}]", f.test_id, f.rule.as_str());
        let _ = writeln!(out, "  {}", f.message);
        for l in &f.old_lines {
            let _ = writeln!(out, "  - {l}");
        }
        for l in &f.new_lines {
            let _ = writeln!(out, "  + {l}");
        }
    }
    for n in &report.notes {
        let _ = writeln!(out, "note: {n}");
    }
    let unsigned = report
        .findings
        .iter()
        .filter(|f| f.rule.is_about_gates())
        .count();
    if report.is_clean() {
        let _ = writeln!(
            out,
            "sacred: {} locked test{} intact ({})",
            report.checked,
            if report.checked == 1 { "" } else { "s" },
            report.compared
        );
    } else if unsigned == report.findings.len() {
        let _ = writeln!(
            out,
            "sacred: {} locked test{} intact ({}); {unsigned} change{} above need{} a commit signed by an allowed signer",
            report.checked,
            if report.checked == 1 { "" } else { "s" },
            report.compared,
            if unsigned == 1 { "" } else { "s" },
            if unsigned == 1 { "s" } else { "" },
        );
    } else {
        let _ = writeln!(
            out,
            "sacred: {} finding{} in {} locked test{} ({}); a human who must change a sacred test re-locks with `gatekeeper sacred lock` in a signed commit",
            report.findings.len(),
            if report.findings.len() == 1 { "" } else { "s" },
            report.checked,
            if report.checked == 1 { "" } else { "s" },
            report.compared
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fixtures_of_fixtures;
    use crate::sacred::bindings::FixtureDef;

    #[test]
    fn go_mod_requires_testify_v1_only_as_written() {
        use super::go_requires_v1;
        let m = "github.com/stretchr/testify";
        for yes in [
            "module x\n\nrequire github.com/stretchr/testify v1.8.4\n",
            "module x\n\nrequire (\n\tgithub.com/a/b v0.1.0\n\tgithub.com/stretchr/testify v1.9.0 // indirect\n)\n",
            "require github.com/stretchr/testify v1.8.5-0.20231013065317-89920137cdfa\n",
        ] {
            assert!(go_requires_v1(yes, m), "{yes}");
        }
        for no in [
            "module x\n",
            "require github.com/stretchr/testify v0.0.0-20141015234014-d6577e08ec30\n",
            "require github.com/stretchr/testify/v2 v2.0.0\n",
            "// require github.com/stretchr/testify v1.8.4\n",
            "replace (\n\tgithub.com/stretchr/testify v1.8.4\n)\n",
        ] {
            assert!(!go_requires_v1(no, m), "{no}");
        }
    }

    #[test]
    fn rust_crate_roots_are_those_cargo_finds_or_the_manifest_names() {
        use super::rust_crate_root;
        let plain = "[package]\nname = \"pay\"\n";
        for root in [
            "src/lib.rs",
            "src/main.rs",
            "build.rs",
            "tests/refunds.rs",
            "tests/it/main.rs",
            "src/bin/tool.rs",
            "src/bin/tool/main.rs",
            "benches/speed.rs",
            "examples/demo/main.rs",
        ] {
            assert!(rust_crate_root(root, plain), "{root}");
        }
        for module in [
            "tests/it/billing.rs",
            "src/billing.rs",
            "src/bin/tool/args.rs",
        ] {
            assert!(!rust_crate_root(module, plain), "{module}");
        }
        let named = "[package]\nname = \"pay\"\n\n[[test]]\nname = \"suite\"\npath = \"./checks/suite.rs\"\n";
        assert!(rust_crate_root("checks/suite.rs", named));
    }

    #[test]
    fn go_functions_taking_a_testing_handle_are_read_from_their_parameters() {
        use super::go_takes_testing_handle;
        for takes in [
            "func Total(t testing.TB,got,want int){t.Helper()}",
            "func Total(t *testing.T,got int){}",
            "func Total(got int,t,u *testing.T){}",
            "func Bench(b *testing.B){}",
            "func Total[T any](x T,t testing.TB){}",
            "func (c Checker) Total(t *testing.T,f func(int)(int,error)){}",
            "func Total(*testing.T){}",
            "func Equal(t*testing.T,what string){}",
            "func(c Checker)Want()int{return c.W}func(c Checker)Total(t testing.TB,got int){}",
            "func Cases(xs []int)func(*testing.T){return func(t*testing.T){}}",
            "func Each(f func(t *testing.T))error{return nil}",
        ] {
            assert!(go_takes_testing_handle(takes), "{takes}");
        }
        for not in [
            "func Total(xs []int)int{return 0}",
            "func (t *testing.T) Total(x int){}",
            "func Total(x int)*testing.T{return nil}",
            "func Total(x mytesting.T){}",
            "func Total(x,y int,z []*testing.T){}",
            "func(c Checker)Total(got int){}",
            "func Total(fn func(int)int)int{return myfunc(1)}",
        ] {
            assert!(!go_takes_testing_handle(not), "{not}");
        }
    }

    #[test]
    fn rust_assertion_crates_are_those_of_assertion_macros_and_test_attributes() {
        let src = "use pretty_assertions::{assert_eq, assert_ne};\nuse regex::Regex;\n\n#[tokio::test]\nasync fn t() {\n    insta::assert_snapshot!(x);\n    std::assert!(true);\n    let r = Regex::new(\"a\");\n}\n";
        let crates = super::rust_assertion_crates(src);
        for name in ["pretty_assertions", "pretty-assertions", "tokio", "insta"] {
            assert!(crates.contains(name), "{name}: {crates:?}");
        }
        for name in ["regex", "std"] {
            assert!(!crates.contains(name), "{name}: {crates:?}");
        }
    }

    #[test]
    fn quoted_relative_paths_are_not_shifted_by_a_lone_quote() {
        let src = "// the test's import\nit('x', async () => {\n  const { total } = await import('../src/billing');\n  const b = require(\"./b\"); const c = import(`../c`);\n  const d = `./${name}`; const e = 'not ./this';\n});\n";
        assert_eq!(
            super::quoted_relative_paths(src),
            ["../src/billing", "./b", "../c"]
        );
    }

    #[test]
    fn python_path_literals_join_the_parts_written_before() {
        let read = |src: &str| -> Vec<Vec<String>> {
            super::python_path_literals(src)
                .into_iter()
                .map(|(_, parts)| parts)
                .collect()
        };
        assert_eq!(
            read("p = os.path.join(HERE, \"data\", 'out.json')\n"),
            [["data", "out.json"]]
        );
        assert_eq!(
            read("p = HERE / \"data\" / \"in.csv\"  # not \"x.json\"\n"),
            [["data", "in.csv"]]
        );
        assert_eq!(
            read("p = f\"{d}/out.json\"\nq = \"a b.json\"\n"),
            Vec::<Vec<String>>::new()
        );
        assert_eq!(
            read("check(\"total\", \"../golden/t.txt\")\n"),
            [["total", "../golden/t.txt"]]
        );
    }

    #[test]
    fn js_export_aliases_name_the_function_exported() {
        let src = "function check() {}\nexport {check as verify, other};\nmodule.exports = {total: sum, same: same, made: make()};\nexports.approx = near;\nmodule.exports.exact = equal;\nexports.value = 6;\n";
        let aliases = super::js_export_aliases(src);
        let pairs: Vec<(&str, &str)> = aliases
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("approx", "near"),
                ("exact", "equal"),
                ("total", "sum"),
                ("verify", "check")
            ]
        );
    }

    #[test]
    fn lockfiles_say_where_the_runner_comes_from() {
        use super::js_lockfile_origins as origins;
        let berry = "__metadata:\n  version: 8\n\n\"ava@npm:^6.0.0\":\n  version: 6.1.0\n  resolution: \"ava@npm:6.1.0\"\n\n\"@jest/globals@portal:./fake::locator=shop\":\n  version: 0.0.0-use.local\n  resolution: \"@jest/globals@portal:./fake::locator=shop\"\n\n\"left-pad@npm:^1\":\n  resolution: \"left-pad@npm:1.3.0\"\n";
        assert_eq!(
            origins("yarn.lock", berry),
            [
                "@jest/globals resolution @jest/globals@portal:./fake::locator=shop",
                "ava resolution npm",
            ]
        );
        let v1 = "{\"lockfileVersion\": 1, \"dependencies\": {\"ava\": {\"version\": \"6.1.0\", \"resolved\": \"https://user:secret@registry.example/ava-6.1.0.tgz\"}, \"chai\": {\"version\": \"file:../fake-chai\"}, \"left-pad\": {\"version\": \"1.3.0\"}}}";
        assert_eq!(
            origins("package-lock.json", v1),
            [
                "ava from https://registry.example",
                "chai from file:../fake-chai"
            ]
        );
        assert!(origins("package-lock.json", "{not json").is_empty());
        let pnpm = "lockfileVersion: '9.0'\nimporters:\n  .:\n    devDependencies:\n      ava:\n        specifier: ^6.0.0\n        version: 6.1.0\n      chai:\n        specifier: link:../fake-chai\n        version: link:../fake-chai\npackages:\n  ava@6.1.0:\n    resolution: {integrity: sha512-one}\n  '@jest/globals@29.7.0':\n    resolution: {tarball: https://mirror.example/globals-29.7.0.tgz}\n  /tap/18.0.0:\n    resolution: {directory: ../fake-tap, type: directory}\n  left-pad@1.3.0:\n    resolution: {tarball: https://mirror.example/left-pad.tgz}\n";
        assert_eq!(
            origins("pnpm-lock.yaml", pnpm),
            [
                "importers . chai version link:../fake-chai",
                "packages @jest/globals from https://mirror.example",
                "packages ava from the registry",
                "packages tap directory ../fake-tap",
            ]
        );
    }

    #[cfg(feature = "lang-rust")]
    #[test]
    fn rust_module_files_and_invoked_macros() {
        use super::{rust_invoked_macros, rust_module_files};
        assert_eq!(
            rust_module_files("tests/it/main.rs", "other"),
            ["tests/it/other.rs", "tests/it/other/mod.rs"]
        );
        assert_eq!(
            rust_module_files("src/billing.rs", "cases"),
            ["src/billing/cases.rs", "src/billing/cases/mod.rs"]
        );
        assert_eq!(rust_module_files("lib.rs", "a"), ["a.rs", "a/mod.rs"]);
        let invoked = rust_invoked_macros("assert_eq!(a, b); vec![1]; x != y; m! { }");
        assert_eq!(
            invoked.into_iter().collect::<Vec<_>>(),
            ["assert_eq", "m", "vec"]
        );
    }

    fn def(name: &str, requests: &[&str]) -> FixtureDef {
        FixtureDef {
            name: name.to_owned(),
            autouse: false,
            text: format!("def {name}"),
            requests: requests.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    #[test]
    fn fixtures_of_fixtures_are_followed_from_the_test_file_outwards() {
        let own = [def("amounts", &["base"]), def("base", &["seed"])];
        let near = [def("seed", &[]), def("base", &[])];
        let far = [def("seed", &["plugin_fixture"]), def("unrelated", &[])];
        let scopes = [
            (None, &own[..]),
            (Some("tests/a/conftest.py"), &near[..]),
            (Some("tests/conftest.py"), &far[..]),
        ];
        let mut got = fixtures_of_fixtures(&["amounts".to_owned()], &scopes);
        got.sort();
        // The file's own `base` shadows the conftest's; `seed` is the nearest one.
        assert_eq!(
            got,
            [
                "fixture base (of a fixture): def base",
                "fixture seed (of a fixture) in tests/a/conftest.py: def seed",
            ]
        );
    }

    #[test]
    fn a_fixture_that_requests_its_own_name_gets_the_next_one_up() {
        let near = [def("amounts", &["amounts"])];
        let far = [def("amounts", &["base"]), def("base", &[])];
        let scopes = [
            (None, &[][..]),
            (Some("tests/a/conftest.py"), &near[..]),
            (Some("tests/conftest.py"), &far[..]),
        ];
        let mut got = fixtures_of_fixtures(&["amounts".to_owned()], &scopes);
        got.sort();
        assert_eq!(
            got,
            [
                "fixture amounts (of a fixture) in tests/conftest.py: def amounts",
                "fixture base (of a fixture) in tests/conftest.py: def base",
            ]
        );
    }

    #[test]
    fn an_autouse_fixture_s_requests_are_followed_and_nothing_else() {
        let mut auto = def("patch", &["target"]);
        auto.autouse = true;
        let own = [auto, def("target", &[]), def("unrequested", &[])];
        let got = fixtures_of_fixtures(&[], &[(None, &own[..])]);
        assert_eq!(got, ["fixture target (of a fixture): def target"]);
    }
}
