//! Roles and protected paths: which changed files an agent session may not touch.
//!
//! A role's `edit` globs list what it may change (an empty list: nothing); `protected` paths
//! are for humans only, whatever the role. The memory index and its topic files are exempt
//! from both: agents write them through `gatekeeper lesson add`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Serialize;

use super::memory::MemoryPaths;
use crate::config::AgentsConfig;
use crate::exit::Failure;
use crate::gates::files::PatternSet;

/// Why a path may not be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationKind {
    /// Matches `agents.protected`.
    Protected,
    /// Outside the role's `edit` globs.
    OutsideRole,
}

/// One path an agent session may not change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathViolation {
    pub path: PathBuf,
    pub kind: ViolationKind,
    pub message: String,
}

/// Coding agents' hook settings: protected whatever `agents.protected` says, since one line
/// in them (`disableAllHooks`, a removed entry) switches every agent hook off.
pub const AGENT_SETTINGS: [&str; 5] = [
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".codex/hooks.json",
    ".codex/config.toml",
    ".codex/requirements.toml",
];

/// The compiled path rules of one role.
pub struct PathRules {
    role: Option<(String, PatternSet)>,
    protected: PatternSet,
    agent_settings: PatternSet,
    memory: MemoryPaths,
}

impl PathRules {
    /// Compiles the rules; an unknown role is a usage error (exit 2), never "no limits".
    pub fn new(config: &AgentsConfig, role: Option<&str>) -> Result<PathRules> {
        let role = match role {
            Some(name) => {
                let Some(r) = config.roles.get(name) else {
                    let known: Vec<&str> = config.roles.keys().map(String::as_str).collect();
                    return Err(Failure::usage(format!("there is no role named `{name}`"))
                        .with_hint(if known.is_empty() {
                            "gatekeeper.yml defines no roles under `agents.roles`".to_owned()
                        } else {
                            format!("roles in gatekeeper.yml: {}", known.join(", "))
                        })
                        .into());
                };
                let set = PatternSet::new(r.edit.iter())
                    .with_context(|| format!("invalid `agents.roles.{name}.edit`"))?;
                Some((name.to_owned(), set))
            }
            None => None,
        };
        let protected =
            PatternSet::new(config.protected.iter()).context("invalid `agents.protected`")?;
        Ok(PathRules {
            role,
            protected,
            agent_settings: PatternSet::new(
                AGENT_SETTINGS
                    .iter()
                    .map(|p| (*p).to_owned())
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .context("invalid built-in agent settings paths")?,
            memory: MemoryPaths::new(Path::new(""), config),
        })
    }

    /// The violation for one path (relative to the work-tree root), if any. A protected path
    /// is reported as protected even when the role could edit it.
    pub fn check(&self, path: &Path) -> Option<PathViolation> {
        if self.memory.contains(path) {
            return None;
        }
        if self.agent_settings.matches(path) {
            return Some(PathViolation {
                path: path.to_path_buf(),
                kind: ViolationKind::Protected,
                message: format!(
                    "`{}` holds coding agents' hook settings (protected by default): only humans may change it",
                    path.display()
                ),
            });
        }
        if !self.protected.is_empty() && self.protected.matches(path) {
            return Some(PathViolation {
                path: path.to_path_buf(),
                kind: ViolationKind::Protected,
                message: format!(
                    "`{}` is protected (agents.protected): only humans may change it",
                    path.display()
                ),
            });
        }
        if let Some((name, set)) = &self.role
            && (set.is_empty() || !set.matches(path))
        {
            return Some(PathViolation {
                path: path.to_path_buf(),
                kind: ViolationKind::OutsideRole,
                message: format!(
                    "`{}` is outside the paths role `{name}` may edit",
                    path.display()
                ),
            });
        }
        None
    }
}

/// The changed paths an agent of `role` (none: no role limits) may not change, in input
/// order. For the pre-commit hook while a session is active, and for `session stop`.
pub fn check_paths(
    config: &AgentsConfig,
    role: Option<&str>,
    changed: &[PathBuf],
) -> Result<Vec<PathViolation>> {
    let rules = PathRules::new(config, role)?;
    Ok(changed.iter().filter_map(|p| rules.check(p)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::GlobList;
    use crate::config::agents::Role;

    fn config() -> AgentsConfig {
        let mut c = AgentsConfig::default();
        c.roles.insert(
            "frontend".into(),
            Role {
                edit: GlobList(vec!["apps/web/**".into()]),
                git_writes: false,
            },
        );
        c.roles.insert("auditor".into(), Role::default());
        c.protected = GlobList(vec![
            "gatekeeper.yml".into(),
            ".gatekeeper/**".into(),
            "apps/web/secret/**".into(),
        ]);
        c
    }

    fn paths(list: &[&str]) -> Vec<PathBuf> {
        list.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn role_may_edit_only_its_globs() {
        let v = check_paths(
            &config(),
            Some("frontend"),
            &paths(&["apps/web/a.ts", "apps/api/b.ts"]),
        )
        .unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].path, PathBuf::from("apps/api/b.ts"));
        assert_eq!(v[0].kind, ViolationKind::OutsideRole);
    }

    #[test]
    fn protected_wins_over_the_role() {
        let v = check_paths(
            &config(),
            Some("frontend"),
            &paths(&["apps/web/secret/k.ts", "gatekeeper.yml"]),
        )
        .unwrap();
        assert_eq!(v.len(), 2);
        assert!(v.iter().all(|x| x.kind == ViolationKind::Protected));
    }

    #[test]
    fn protected_applies_without_a_role() {
        let v = check_paths(
            &config(),
            None,
            &paths(&["src/x.rs", ".gatekeeper/sacred.lock"]),
        )
        .unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].path, PathBuf::from(".gatekeeper/sacred.lock"));
    }

    #[test]
    fn empty_edit_list_allows_nothing() {
        let v = check_paths(&config(), Some("auditor"), &paths(&["README.md"])).unwrap();
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn memory_files_are_exempt() {
        let v = check_paths(
            &config(),
            Some("auditor"),
            &paths(&[".gatekeeper/memory/MEMORY.md", ".gatekeeper/memory/ci.md"]),
        )
        .unwrap();
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn unknown_role_is_an_error() {
        let e = check_paths(&config(), Some("nobody"), &paths(&["a"])).unwrap_err();
        assert_eq!(crate::exit::status_of(&e), crate::exit::ExitStatus::Usage);
    }
}
