//! Starter files shipped inside the binary (from `templates/`).

use std::path::Path;

/// The ecosystems `init` recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    Cargo,
    Npm,
    Python,
    Go,
    Generic,
}

impl Ecosystem {
    /// Detects the project kind from marker files at the root (first match wins).
    pub fn detect(root: &Path) -> Ecosystem {
        let has = |f: &str| root.join(f).exists();
        if has("Cargo.toml") {
            Ecosystem::Cargo
        } else if has("package.json") {
            Ecosystem::Npm
        } else if has("pyproject.toml")
            || has("setup.py")
            || has("setup.cfg")
            || has("requirements.txt")
        {
            Ecosystem::Python
        } else if has("go.mod") {
            Ecosystem::Go
        } else {
            Ecosystem::Generic
        }
    }

    /// What the starter configuration was written for, as in "wrote gatekeeper.yml {…}".
    pub fn describe(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "for a Cargo project",
            Ecosystem::Npm => "for an npm project",
            Ecosystem::Python => "for a Python project",
            Ecosystem::Go => "for a Go module",
            Ecosystem::Generic => "with generic checks (no Cargo, npm, Python or Go project found)",
        }
    }

    /// The starter gatekeeper.yml.
    pub fn config_template(self) -> &'static str {
        match self {
            Ecosystem::Cargo => include_str!("../templates/cargo.yml"),
            Ecosystem::Npm => include_str!("../templates/npm.yml"),
            Ecosystem::Python => include_str!("../templates/python.yml"),
            Ecosystem::Go => include_str!("../templates/go.yml"),
            Ecosystem::Generic => include_str!("../templates/generic.yml"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_a_valid_config() {
        for e in [
            Ecosystem::Cargo,
            Ecosystem::Npm,
            Ecosystem::Python,
            Ecosystem::Go,
            Ecosystem::Generic,
        ] {
            crate::config::Config::from_bytes(e.config_template().as_bytes(), Path::new("t.yml"))
                .unwrap_or_else(|err| panic!("{e:?}: {err:#}"));
        }
    }
}
