//! The `deploy:` block, read by `deploy-check`.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{DurationValue, StringList};

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
    /// Check-run names or status contexts that must be green.
    #[serde(default)]
    pub required: StringList,
    /// API root (default `GITHUB_API_URL`, else https://api.github.com).
    pub api_url: Option<String>,
}
