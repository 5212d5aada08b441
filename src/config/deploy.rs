//! The `deploy:` block, read by `deploy-check`.

use schemars::JsonSchema;
use serde::Deserialize;

use super::DurationValue;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployConfig {
    /// Where CI results live.
    #[serde(default)]
    pub github: GithubDeploy,
    /// How long to wait for pending checks (default 0: decide now).
    pub wait: Option<DurationValue>,
    /// How often to ask while waiting (default 20s).
    pub poll: Option<DurationValue>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GithubDeploy {
    /// `owner/name`; default: parsed from the `origin` remote.
    pub repo: Option<String>,
    /// Checks that must be present and green, besides those the branch's rules require:
    /// `name`, `app-slug/name` (only that app's check counts), or
    /// `{ name: "ci/jenkins", app: "github-actions" }` for a name that contains `/`.
    #[serde(default)]
    pub required: Vec<RequiredCheck>,
    /// The branch whose rulesets and protection name required checks (default: the
    /// repository's default branch).
    pub branch: Option<String>,
    /// API root (default `GITHUB_API_URL`, else https://api.github.com).
    pub api_url: Option<String>,
}

/// One required check in `deploy.github.required`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RequiredCheck {
    /// `name`, or `app-slug/name` to accept only that app's check.
    Text(String),
    /// A check by its exact name (which may contain `/`), optionally from one app (a slug or
    /// a numeric app id).
    Entry(RequiredEntry),
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredEntry {
    pub name: String,
    pub app: Option<String>,
}
