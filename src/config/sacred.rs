//! The `sacred:` block.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{GlobList, StringList};

/// Which tests are sacred beyond those tagged `gatekeeper:sacred` in the code, and which gate
/// runs prove that they ran and passed.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SacredConfig {
    /// Every test in files matching these globs is sacred, tagged or not.
    #[serde(default)]
    pub paths: GlobList,
    /// Names of the project's own functions that register a test, such as a wrapper
    /// `defaultBrowsersTest("title", fn)` around `test(…)` (JavaScript/TypeScript), or a
    /// helper called like `it`. Calls to them are tests like `it(…)`/`test(…)` calls.
    #[serde(default)]
    pub test_functions: StringList,
    /// Gate runs whose test reports prove the locked sacred tests: after each listed gate
    /// runs, every locked sacred test the entry covers must be in the report(s) that run
    /// wrote, and must have passed.
    #[serde(default)]
    pub evidence: Vec<EvidenceSource>,
}

/// One gate and the report(s) its run writes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSource {
    /// The gate whose run writes the report(s).
    pub gate: String,
    /// JUnit XML report(s), a path or glob relative to the repository root (pytest
    /// `--junitxml`, jest-junit, vitest `--reporter=junit`, a TAP-to-JUnit converter for AVA,
    /// cargo nextest's JUnit output, gotestsum `--junitfile`).
    #[serde(default)]
    pub junit: Option<String>,
    /// `go test -json` output, a path or glob relative to the repository root.
    #[serde(default)]
    pub go_test_json: Option<String>,
    /// Which locked tests these reports prove, as globs on the test's file (same syntax as
    /// `sacred.paths`). Default: every locked test in a language the format reports (Go for
    /// `go_test_json`, every language for `junit`).
    #[serde(default)]
    pub tests: StringList,
    /// The run must hold the locked sacred tests alone: every entry of its report(s) must be
    /// an instance of a locked sacred test, so that no other test's body ran in the process
    /// before them (and left changed the state they run in). Select them with `gatekeeper
    /// sacred select RUNNER`.
    #[serde(default)]
    pub isolated: bool,
}

impl EvidenceSource {
    /// The report pattern, whichever format it is in.
    pub fn pattern(&self) -> &str {
        self.junit
            .as_deref()
            .or(self.go_test_json.as_deref())
            .unwrap_or("")
    }

    /// Every glob of the entry: the report pattern, then the `tests` globs.
    pub fn pattern_and_tests(&self) -> impl Iterator<Item = &String> {
        self.junit
            .iter()
            .chain(self.go_test_json.iter())
            .chain(self.tests.iter())
    }
}
