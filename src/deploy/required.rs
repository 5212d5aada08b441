//! Which checks must be green: the names given with `--require` and in `gatekeeper.yml`, plus
//! those the branch's own rules require (rulesets, and classic branch protection when the
//! token may read it). A requirement may pin the GitHub App that must report it: a check of the
//! right name from another app is then no evidence, because anyone able to create a check run
//! (or a commit status) on the repository could have written that name.

use std::time::Instant;

use anyhow::Result;
use serde::Serialize;

use crate::github::{AppRef, GithubClient, Readable, RepoSlug, RuleCheck};

/// The GitHub App a requirement accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AppPin {
    /// The app's numeric id (`integration_id` in rulesets, `app_id` in branch protection).
    Id(u64),
    /// The app's slug, as `github-actions`.
    Slug(String),
}

impl AppPin {
    /// A slug, or a number (an app id).
    pub fn parse(text: &str) -> AppPin {
        match text.trim().parse::<u64>() {
            Ok(id) => AppPin::Id(id),
            Err(_) => AppPin::Slug(text.trim().to_owned()),
        }
    }

    pub fn matches(&self, app: &AppRef) -> bool {
        match self {
            AppPin::Id(id) => app.id == Some(*id),
            AppPin::Slug(slug) => app.slug.as_deref() == Some(slug.as_str()),
        }
    }

    pub fn label(&self) -> String {
        match self {
            AppPin::Id(id) => format!("app {id}"),
            AppPin::Slug(slug) => slug.clone(),
        }
    }
}

/// One check that must be present and green.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// A check-run name or commit-status context (or the slug of an app whose suite must
    /// finish).
    pub name: String,
    pub app: Option<AppPin>,
    /// Which rules asked for it.
    pub from: Vec<String>,
}

impl Requirement {
    /// `NAME`, or `APP-SLUG/NAME` to pin the app. A name that itself contains `/` (a status
    /// context such as `ci/jenkins`) is written in the configuration's object form
    /// (`{ name: "ci/jenkins" }`).
    pub fn parse(text: &str, from: &str) -> Requirement {
        let text = text.trim();
        match text.split_once('/') {
            Some((app, name)) if !app.is_empty() && !name.is_empty() => Requirement {
                name: name.to_owned(),
                app: Some(AppPin::parse(app)),
                from: vec![from.to_owned()],
            },
            _ => Requirement {
                name: text.to_owned(),
                app: None,
                from: vec![from.to_owned()],
            },
        }
    }

    /// Whether an unpinned requirement names this app (its suite must then finish).
    pub fn names_app(&self, app: &AppRef) -> bool {
        match &self.app {
            None => {
                app.slug.as_deref() == Some(self.name.as_str())
                    || app.name.as_deref() == Some(self.name.as_str())
            }
            Some(pin) => pin.matches(app),
        }
    }

    /// How the requirement is written: `name` or `app/name`.
    pub fn label(&self) -> String {
        match &self.app {
            Some(pin) => format!("{}/{}", pin.label(), self.name),
            None => self.name.clone(),
        }
    }

    fn from_rule(check: &RuleCheck, from: &str) -> Requirement {
        Requirement {
            name: check.context.clone(),
            app: check.app_id.map(AppPin::Id),
            from: vec![from.to_owned()],
        }
    }
}

/// Joins requirement lists: one entry per name and app, remembering every rule that asked.
pub fn merge(lists: impl IntoIterator<Item = Requirement>) -> Vec<Requirement> {
    let mut out: Vec<Requirement> = Vec::new();
    for req in lists {
        match out
            .iter_mut()
            .find(|r| r.name == req.name && r.app == req.app)
        {
            Some(existing) => {
                for f in req.from {
                    if !existing.from.contains(&f) {
                        existing.from.push(f);
                    }
                }
            }
            None => out.push(req),
        }
    }
    out
}

/// What the branch's rules said, and how they were read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BranchRules {
    /// The branch whose rules were read (none: it could not be learnt).
    pub branch: Option<String>,
    /// Where the branch name came from: `--branch`, `gatekeeper.yml`, `default branch`.
    pub branch_from: String,
    /// `read` or `unreadable` / `absent`, with GitHub's word.
    pub rulesets: String,
    pub protection: String,
    #[serde(skip)]
    pub requirements: Vec<Requirement>,
}

impl BranchRules {
    /// One line for humans.
    pub fn summary(&self) -> String {
        match &self.branch {
            Some(b) => format!(
                "required checks of branch `{b}` ({}): rulesets {}; branch protection {}",
                self.branch_from, self.rulesets, self.protection
            ),
            None => format!("branch rules not read: {}", self.branch_from),
        }
    }
}

/// Reads the required checks of `branch` (or of the repository's default branch) from its
/// rulesets and its classic protection. A 403 or 404 on these endpoints is no error: the
/// branch may have no protection, or the token may not see it (classic protection needs the
/// Administration permission, which a workflow's token never has); the report says which, and
/// the configured names still apply.
pub fn read_branch_rules(
    client: &GithubClient,
    repo: &RepoSlug,
    branch: Option<(&str, &str)>,
    deadline: Instant,
) -> Result<BranchRules> {
    let (branch, branch_from) = match branch {
        Some((b, from)) => (b.to_owned(), from.to_owned()),
        None => match client.default_branch(repo, deadline)? {
            Readable::Read(b) => (b, "the default branch".to_owned()),
            Readable::Refused { status, message } => {
                return Ok(BranchRules {
                    branch: None,
                    branch_from: format!(
                        "the repository's default branch could not be read (HTTP {status}: {message}); pass --branch"
                    ),
                    rulesets: "not read".into(),
                    protection: "not read".into(),
                    requirements: Vec::new(),
                });
            }
        },
    };
    let mut requirements = Vec::new();
    let rulesets = match client.ruleset_checks(repo, &branch, deadline)? {
        Readable::Read(checks) => {
            let n = checks.len();
            requirements.extend(checks.iter().map(|c| Requirement::from_rule(c, "ruleset")));
            format!("read, {n} required check{}", if n == 1 { "" } else { "s" })
        }
        Readable::Refused { status, message } => {
            format!("unreadable (HTTP {status}: {message})")
        }
    };
    let protection = match client.protection_checks(repo, &branch, deadline)? {
        Readable::Read(checks) => {
            let n = checks.len();
            requirements.extend(
                checks
                    .iter()
                    .map(|c| Requirement::from_rule(c, "branch protection")),
            );
            format!("read, {n} required check{}", if n == 1 { "" } else { "s" })
        }
        Readable::Refused {
            status: 404,
            message,
        } if message.to_ascii_lowercase().contains("not protected")
            || message.to_ascii_lowercase().contains("not enabled") =>
        {
            format!("absent ({message})")
        }
        Readable::Refused {
            status: 404,
            message,
        } => format!(
            "absent or unreadable (HTTP 404: {message}; reading it needs the Administration permission)"
        ),
        Readable::Refused { status, message } => {
            format!("unreadable (HTTP {status}: {message})")
        }
    };
    Ok(BranchRules {
        branch: Some(branch),
        branch_from,
        rulesets,
        protection,
        requirements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(id: u64, slug: &str) -> AppRef {
        AppRef {
            id: Some(id),
            slug: Some(slug.into()),
            name: None,
        }
    }

    #[test]
    fn a_slash_pins_the_app() {
        let r = Requirement::parse("github-actions/test", "--require");
        assert_eq!(r.name, "test");
        assert_eq!(r.app, Some(AppPin::Slug("github-actions".into())));
        assert!(
            r.app
                .as_ref()
                .unwrap()
                .matches(&app(15368, "github-actions"))
        );
        assert!(!r.app.as_ref().unwrap().matches(&app(7, "evil-app")));
        let r = Requirement::parse("15368/test", "--require");
        assert_eq!(r.app, Some(AppPin::Id(15368)));
        assert_eq!(r.label(), "app 15368/test");
        let r = Requirement::parse("lint", "--require");
        assert_eq!(r.app, None);
        assert_eq!(r.label(), "lint");
    }

    #[test]
    fn merge_keeps_one_entry_per_name_and_app_with_every_source() {
        let all = merge([
            Requirement::parse("test", "--require"),
            Requirement::parse("test", "gatekeeper.yml"),
            Requirement::parse("github-actions/test", "ruleset"),
        ]);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].from, vec!["--require", "gatekeeper.yml"]);
    }
}
