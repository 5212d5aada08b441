//! The `sacred:` block.

use schemars::JsonSchema;
use serde::Deserialize;

use super::GlobList;

/// Which tests are sacred beyond those tagged `gatekeeper:sacred` in the code.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SacredConfig {
    /// Every test in files matching these globs is sacred, tagged or not.
    #[serde(default)]
    pub paths: GlobList,
}
