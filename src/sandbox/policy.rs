//! From a role, `agents.sandbox` and the repository to a [`SandboxPolicy`]: which folders the
//! agent may write and which paths stay read-only.
//!
//! Landlock grants folders, not globs: a role glob that is not a folder (`src/**/*.test.ts`,
//! `README.md`) is widened to the smallest folder that holds every match, and `session stop`
//! and pre-commit still enforce the exact glob. Landlock rules need existing paths, so the
//! folders a policy grants are created first when they are missing (the role's folders, the
//! memory folder, build folders that git ignores, cache folders written with a trailing `/`).

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};

use super::SandboxPolicy;
use crate::agent::memory::MemoryPaths;
use crate::config::AgentsConfig;
use crate::exit::Failure;
use crate::gates::files::PatternSet;
use crate::git::Repo;

/// Files of the agents' hook settings: an agent that could write them could turn its own
/// hooks off.
const AGENT_SETTINGS: &[&str] = &[
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".codex",
];

/// Devices every program expects to write (terminals included).
const DEVICES: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/tty",
    "/dev/ptmx",
    "/dev/pts",
    "/dev/shm",
];

/// What a policy is built from, besides the configuration.
pub struct PolicyInputs<'a> {
    pub repo: &'a Repo,
    pub agents: &'a AgentsConfig,
    pub role: Option<&'a str>,
    /// The home directory (`~` in `agents.sandbox`).
    pub home: Option<PathBuf>,
    /// gatekeeper's per-user state and configuration directories.
    pub user_dirs: Vec<PathBuf>,
    /// gatekeeper's own binary.
    pub exe: Option<PathBuf>,
    /// The session's private temporary directory.
    pub tmp: PathBuf,
}

/// Builds the policy, creating the folders it grants when they are missing.
pub fn build_policy(inputs: &PolicyInputs<'_>) -> Result<SandboxPolicy> {
    let repo = inputs.repo;
    let agents = inputs.agents;
    let root = canonical(repo.root());
    let mut writable: Vec<PathBuf> = Vec::new();
    let mut read_only: Vec<PathBuf> = Vec::new();
    let mut notes: Vec<String> = Vec::new();

    let role = match inputs.role {
        Some(name) => Some(agents.roles.get(name).ok_or_else(|| {
            Failure::usage(format!("there is no role named `{name}`"))
                .with_hint("roles are listed under `agents.roles` in gatekeeper.yml")
        })?),
        None => None,
    };
    match role {
        None => writable.push(root.clone()),
        Some(role) => {
            for glob in &role.edit {
                let (rel, exact) = enclosing_dir(glob);
                let dir = root.join(&rel);
                if exact {
                    create_dir(&dir)?;
                }
                let dir = nearest_existing(&dir);
                let dir = canonical(&dir);
                if !dir.starts_with(&root) {
                    notes.push(format!(
                        "`{glob}` leads outside the work tree (`{}`); the sandbox does not grant it.",
                        dir.display()
                    ));
                    continue;
                }
                if !exact || dir != canonical(&root.join(&rel)) {
                    notes.push(format!(
                        "The sandbox lets the role write all of `{}` for `{glob}`; `session stop` and pre-commit refuse changes outside the exact glob.",
                        display_rel(&dir, &root)
                    ));
                }
                writable.push(dir);
            }
        }
    }

    let memory = MemoryPaths::new(&root, agents);
    create_dir(&memory.dir)?;
    writable.push(canonical(&memory.dir));

    for dir in build_dirs(repo, &root, agents)? {
        writable.push(dir);
    }

    create_dir(&inputs.tmp)?;
    writable.push(canonical(&inputs.tmp));

    for entry in agents.sandbox.writable.iter().chain(&agents.sandbox.caches) {
        if let Some(p) = user_path(entry, inputs.home.as_deref())? {
            writable.push(canonical(&p));
        }
    }
    for d in DEVICES {
        let p = Path::new(d);
        if p.exists() {
            writable.push(p.to_path_buf());
        }
    }

    // Read-only: the work tree as a whole (unless the role may write all of it), git's
    // directories, gatekeeper's files, the agents' hook settings, protected paths.
    if !writable.contains(&root) {
        read_only.push(root.clone());
    }
    let common = canonical(repo.common_dir());
    let git_dir = canonical(repo.git_dir());
    let git_writes = role.is_some_and(|r| r.git_writes);
    if git_writes {
        writable.push(common.clone());
        writable.push(git_dir.clone());
        read_only.push(common.join("hooks"));
        read_only.push(common.join("config"));
        read_only.push(git_dir.join("config.worktree"));
        notes.push(
            "This role may write `.git` (`git_writes`): commits it makes can skip the hooks; pre-push and `gatekeeper ci` still check them.".to_owned(),
        );
    } else {
        read_only.push(common.clone());
        read_only.push(git_dir.clone());
    }
    read_only.push(common.join("gatekeeper"));
    // The agent-hook's Stop loop protection remembers earlier blocks here; the hook runs
    // inside the sandbox. What it records only decides when the agent may stop asking, never
    // a verdict: `session stop` judges outside the sandbox.
    let hook_memory = common.join("gatekeeper").join("agent-hook");
    create_dir(&hook_memory)?;
    writable.push(hook_memory);
    // A session worktree's main work tree.
    if common.file_name().is_some_and(|n| n == ".git")
        && let Some(main) = common.parent()
        && main != root
        && !is_inside_any(main, &writable)
    {
        read_only.push(main.to_path_buf());
    }
    read_only.push(canonical(&repo.hooks_dir()));
    if !git_writes {
        read_only.push(root.join(".git"));
    }
    read_only.push(root.join(crate::config::CONFIG_FILE));
    read_only.push(root.join(".gatekeeper"));
    for s in AGENT_SETTINGS {
        read_only.push(root.join(s));
    }
    read_only.extend(protected_paths(repo, &root, agents, &writable)?);
    read_only.extend(inputs.user_dirs.iter().map(|d| canonical(d)));
    if let Some(exe) = &inputs.exe {
        read_only.push(canonical(exe));
    }
    for entry in &agents.sandbox.read_only {
        if let Some(p) = expand_home(entry, inputs.home.as_deref()) {
            read_only.push(canonical(&p));
        }
    }

    // A read-only path that does not exist cannot be mounted; inside a writable folder it
    // could be created.
    let mut kept = Vec::new();
    let mut missing = Vec::new();
    for p in read_only {
        // `exists` follows symlinks: a dangling one cannot be mounted over and counts as missing.
        if p.exists() {
            if !kept.contains(&p) {
                kept.push(p);
            }
        } else if is_inside_any(&p, &writable) && !is_memory(&p, &memory) {
            missing.push(format!("`{}`", display_rel(&p, &root)));
        }
    }
    if !missing.is_empty() {
        notes.push(format!(
            "These paths do not exist, so the sandbox cannot keep them read-only if they are created (in the work tree, `session stop` refuses them when they are protected): {}.",
            missing.join(", ")
        ));
    }
    writable.dedup();
    let mut seen = Vec::new();
    writable.retain(|p| {
        let new = !seen.contains(p);
        seen.push(p.clone());
        new
    });
    Ok(SandboxPolicy {
        writable,
        read_only: kept,
        notes,
    })
}

fn is_memory(p: &Path, memory: &MemoryPaths) -> bool {
    p.starts_with(&memory.dir)
}

/// The folder that holds every match of a role glob, relative to the root, and whether the
/// glob means exactly that folder (`dir/**`). A pattern without `/` matches at any depth, so
/// its folder is the root.
pub fn enclosing_dir(glob: &str) -> (PathBuf, bool) {
    let anchored = glob.strip_prefix('/').unwrap_or(glob);
    if !glob.contains('/') {
        return (PathBuf::new(), false);
    }
    let parts: Vec<&str> = anchored.split('/').filter(|p| !p.is_empty()).collect();
    let literal = parts
        .iter()
        .take_while(|p| !p.contains(['*', '?', '[', '{', '\\']))
        .count();
    let rest = &parts[literal..];
    let is_dir_glob = rest == ["**"] || rest == ["**", "*"];
    if literal == parts.len() {
        // A literal path names a file (or a folder as a single path): its folder.
        let mut dir: PathBuf = parts.iter().collect();
        dir.pop();
        return (dir, false);
    }
    let dir: PathBuf = parts[..literal].iter().collect();
    (dir, is_dir_glob && literal > 0)
}

/// Build and cache folders that git ignores: existing ones anywhere (git reports each ignored
/// folder at its top) and, at the root, the configured names that would be ignored, created
/// so that a build can fill them.
fn build_dirs(repo: &Repo, root: &Path, agents: &AgentsConfig) -> Result<Vec<PathBuf>> {
    let names: Vec<&str> = agents
        .sandbox
        .build_dirs
        .iter()
        .map(String::as_str)
        .collect();
    let mut out = Vec::new();
    for rel in repo.ignored_dirs()? {
        let named = rel
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| names.contains(&n));
        if named
            && !rel
                .components()
                .any(|c| c == Component::Normal(".git".as_ref()))
        {
            out.push(canonical(&root.join(rel)));
        }
    }
    for name in &names {
        let rel = Path::new(name);
        let path = root.join(rel);
        // A trailing `/` asks git about a folder (`target/` patterns match only folders).
        let as_dir = PathBuf::from(format!("{name}/"));
        if !path.exists() && (repo.is_ignored(&as_dir) || repo.is_ignored(rel)) {
            create_dir(&path)?;
            out.push(canonical(&path));
        }
    }
    Ok(out)
}

/// Existing paths that match `agents.protected` and lie inside a writable folder: whole
/// folders for `dir/**` and literal paths, otherwise each tracked file that matches.
fn protected_paths(
    repo: &Repo,
    root: &Path,
    agents: &AgentsConfig,
    writable: &[PathBuf],
) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut file_globs = Vec::new();
    for glob in &agents.protected {
        let (rel, exact) = enclosing_dir(glob);
        let anchored = glob.strip_prefix('/').unwrap_or(glob);
        if exact {
            out.push(root.join(rel));
        } else if glob.contains('/') && !anchored.contains(['*', '?', '[', '{', '\\']) {
            out.push(root.join(anchored));
        } else {
            file_globs.push(glob.clone());
        }
    }
    if !file_globs.is_empty() {
        let set = PatternSet::new(file_globs.iter()).context("invalid `agents.protected`")?;
        for f in repo.tracked_files()? {
            let abs = root.join(&f);
            if set.matches(&f) && is_inside_any(&abs, writable) {
                out.push(abs);
            }
        }
    }
    Ok(out)
}

/// `~/x` under the home directory; other paths as they are (relative ones are ignored).
fn expand_home(entry: &str, home: Option<&Path>) -> Option<PathBuf> {
    let trimmed = entry.trim_end_matches('/');
    if trimmed == "~" {
        return home.map(Path::to_path_buf);
    }
    if let Some(rest) = trimmed.strip_prefix("~/") {
        return home.map(|h| h.join(rest));
    }
    let p = PathBuf::from(trimmed);
    p.is_absolute().then_some(p)
}

/// An `agents.sandbox` entry as an existing path: a folder written with a trailing `/` is
/// created when missing; anything else missing is left out.
fn user_path(entry: &str, home: Option<&Path>) -> Result<Option<PathBuf>> {
    let Some(p) = expand_home(entry, home) else {
        return Ok(None);
    };
    if !p.exists() && entry.ends_with('/') {
        create_dir(&p)?;
    }
    Ok(p.exists().then_some(p))
}

fn create_dir(p: &Path) -> Result<()> {
    std::fs::create_dir_all(p).with_context(|| format!("failed to create `{}`", p.display()))
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

fn nearest_existing(p: &Path) -> PathBuf {
    let mut cur = p.to_path_buf();
    while !cur.exists() {
        if !cur.pop() {
            break;
        }
    }
    cur
}

fn is_inside_any(p: &Path, dirs: &[PathBuf]) -> bool {
    dirs.iter().any(|d| p.starts_with(d))
}

fn display_rel(p: &Path, root: &Path) -> String {
    match p.strip_prefix(root) {
        Ok(r) if r.as_os_str().is_empty() => ".".to_owned(),
        Ok(r) => r.display().to_string(),
        Err(_) => p.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_globs_are_exact_and_others_widen_to_their_folder() {
        assert_eq!(enclosing_dir("apps/web/**"), ("apps/web".into(), true));
        assert_eq!(enclosing_dir("/apps/web/**/*"), ("apps/web".into(), true));
        assert_eq!(
            enclosing_dir("apps/web/**/*.test.ts"),
            ("apps/web".into(), false)
        );
        assert_eq!(enclosing_dir("apps/*/src/**"), ("apps".into(), false));
        assert_eq!(enclosing_dir("src/lib.rs"), ("src".into(), false));
        assert_eq!(enclosing_dir("*.md"), (PathBuf::new(), false));
        assert_eq!(enclosing_dir("**"), (PathBuf::new(), false));
    }

    #[test]
    fn home_is_expanded_and_relative_entries_ignored() {
        let home = Path::new("/home/u");
        assert_eq!(
            expand_home("~/.claude/", Some(home)),
            Some(PathBuf::from("/home/u/.claude"))
        );
        assert_eq!(
            expand_home("/opt/cache", Some(home)),
            Some(PathBuf::from("/opt/cache"))
        );
        assert_eq!(expand_home("cache", Some(home)), None);
        assert_eq!(expand_home("~/.x", None), None);
    }
}
