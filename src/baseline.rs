//! `.gatekeeper/baselines.json`: the recorded coverage and budget figures that ratchets compare
//! against. Committed, deterministic (sorted keys, fixed precision), written atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

/// Where the baselines live, relative to the work-tree root.
pub const BASELINES_FILE: &str = ".gatekeeper/baselines.json";

/// Every gate's recorded figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baselines {
    #[serde(default)]
    pub gates: BTreeMap<String, GateBaseline>,
}

/// One gate's recorded figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateBaseline {
    /// Line coverage in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<f64>,
    /// Line coverage per file, in percent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, f64>,
    /// The budget metric, in the user's units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
}

/// A change to a baseline that makes its gate easier to pass.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loosening {
    pub gate: String,
    pub what: String,
    pub before: f64,
    pub after: f64,
}

impl Baselines {
    pub fn path(root: &Path) -> PathBuf {
        root.join(BASELINES_FILE)
    }

    /// Reads the baselines of a work tree; a missing file means no baselines.
    pub fn load(root: &Path) -> Result<Baselines> {
        let path = Self::path(root);
        match std::fs::read(&path) {
            Ok(bytes) => {
                Self::parse(&bytes).with_context(|| format!("`{}` is not valid", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Baselines::default()),
            Err(e) => Err(e).with_context(|| format!("failed to read `{}`", path.display())),
        }
    }

    pub fn parse(bytes: &[u8]) -> Result<Baselines> {
        Ok(serde_json::from_slice(bytes)?)
    }

    /// The file's canonical text: sorted keys, two decimals for percentages, a final newline.
    pub fn to_text(&self) -> Result<String> {
        let mut rounded = self.clone();
        for b in rounded.gates.values_mut() {
            b.coverage = b.coverage.map(round2);
            for v in b.files.values_mut() {
                *v = round2(*v);
            }
        }
        let mut text = serde_json::to_string_pretty(&rounded)?;
        text.push('\n');
        Ok(text)
    }

    pub fn save(&self, root: &Path) -> Result<()> {
        crate::fsutil::write_atomic(&Self::path(root), self.to_text()?.as_bytes())
    }

    /// Every way `new` is easier to pass than `self`: lower coverage, a bigger budget, or a
    /// figure removed.
    pub fn loosenings(&self, new: &Baselines) -> Vec<Loosening> {
        let mut out = Vec::new();
        for (gate, old) in &self.gates {
            let newb = new.gates.get(gate);
            if let Some(before) = old.coverage {
                match newb.and_then(|n| n.coverage) {
                    Some(after) if round2(after) < round2(before) => {
                        out.push(Loosening {
                            gate: gate.clone(),
                            what: "coverage".into(),
                            before,
                            after,
                        });
                    }
                    None => out.push(Loosening {
                        gate: gate.clone(),
                        what: "coverage removed".into(),
                        before,
                        after: 0.0,
                    }),
                    _ => {}
                }
            }
            if let Some(before) = old.budget {
                match newb.and_then(|n| n.budget) {
                    Some(after) if after > before => {
                        out.push(Loosening {
                            gate: gate.clone(),
                            what: "budget".into(),
                            before,
                            after,
                        });
                    }
                    None => out.push(Loosening {
                        gate: gate.clone(),
                        what: "budget removed".into(),
                        before,
                        after: 0.0,
                    }),
                    _ => {}
                }
            }
        }
        out
    }
}

/// Rounds to two decimals, so that the file does not churn on float noise.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(cov: Option<f64>, budget: Option<f64>) -> Baselines {
        let mut g = Baselines::default();
        g.gates.insert(
            "g".into(),
            GateBaseline {
                coverage: cov,
                files: BTreeMap::new(),
                budget,
            },
        );
        g
    }

    #[test]
    fn lower_coverage_and_bigger_budget_loosen() {
        assert_eq!(
            b(Some(80.0), None).loosenings(&b(Some(79.0), None)).len(),
            1
        );
        assert!(
            b(Some(80.0), None)
                .loosenings(&b(Some(81.0), None))
                .is_empty()
        );
        assert_eq!(
            b(None, Some(100.0)).loosenings(&b(None, Some(101.0))).len(),
            1
        );
        assert!(
            b(None, Some(100.0))
                .loosenings(&b(None, Some(90.0)))
                .is_empty()
        );
        assert_eq!(
            b(Some(80.0), None).loosenings(&Baselines::default()).len(),
            1
        );
    }

    #[test]
    fn text_is_deterministic_and_rounded() {
        let mut x = b(Some(80.123_456), Some(5.0));
        x.gates.insert("a".into(), GateBaseline::default());
        let t = x.to_text().unwrap();
        assert!(t.find("\"a\"").unwrap() < t.find("\"g\"").unwrap());
        assert!(t.contains("80.12"));
        assert_eq!(
            Baselines::parse(t.as_bytes()).unwrap().to_text().unwrap(),
            t
        );
    }
}
