//! The process environment, read in one place.
//!
//! Domain modules never call `std::env::var`; they receive an [`Environment`] (clippy's
//! `disallowed-methods` enforces this). Tests build one by hand with [`Environment::from_pairs`].

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

/// A snapshot of the environment variables gatekeeper reads.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
}

impl Environment {
    /// Reads the current process environment once.
    #[expect(
        clippy::disallowed_methods,
        reason = "this is the one place that reads the process environment"
    )]
    pub fn capture() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        Environment { vars }
    }

    /// An environment made of exactly these pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Environment {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }

    /// The value of a variable, if set (an empty value counts as set).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The value of a variable when it is set and not empty.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// True when the variable is set to a truthy value (`1`, `true`, `yes`, `on`).
    pub fn flag(&self, name: &str) -> bool {
        matches!(
            self.get(name).map(str::to_ascii_lowercase).as_deref(),
            Some("1" | "true" | "yes" | "on")
        )
    }

    /// `CI=true` (or any truthy value): the configuration is trusted as checked out.
    pub fn is_ci(&self) -> bool {
        self.flag("CI")
    }

    /// `NO_COLOR` set to anything non-empty (<https://no-color.org>).
    pub fn no_color(&self) -> bool {
        self.non_empty("NO_COLOR").is_some()
    }

    /// Gate names listed in `GATEKEEPER_SKIP` (comma or space separated).
    pub fn skip_list(&self) -> Vec<String> {
        self.get("GATEKEEPER_SKIP")
            .unwrap_or("")
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The active agent session id (`GATEKEEPER_SESSION`), if any.
    pub fn session(&self) -> Option<&str> {
        self.non_empty("GATEKEEPER_SESSION")
    }

    /// The home directory.
    pub fn home(&self) -> Option<PathBuf> {
        self.non_empty("HOME").map(PathBuf::from)
    }

    /// The per-user state directory: `$XDG_STATE_HOME/gatekeeper`, else
    /// `~/.local/state/gatekeeper` (SPEC section 3).
    pub fn user_state_dir(&self) -> Option<PathBuf> {
        if let Some(x) = self.non_empty("XDG_STATE_HOME") {
            let p = PathBuf::from(x);
            if p.is_absolute() {
                return Some(p.join("gatekeeper"));
            }
        }
        self.home().map(|h| h.join(".local/state/gatekeeper"))
    }

    /// The per-user configuration directory: `$XDG_CONFIG_HOME/gatekeeper`, else
    /// `~/.config/gatekeeper`.
    pub fn user_config_dir(&self) -> Option<PathBuf> {
        if let Some(x) = self.non_empty("XDG_CONFIG_HOME") {
            let p = PathBuf::from(x);
            if p.is_absolute() {
                return Some(p.join("gatekeeper"));
            }
        }
        self.home().map(|h| h.join(".config/gatekeeper"))
    }

    /// The directories of `PATH`, in order.
    pub fn path_dirs(&self) -> Vec<PathBuf> {
        std::env::split_paths(&OsString::from(self.get("PATH").unwrap_or(""))).collect()
    }

    /// Looks a program up on `PATH` the way `sh` would.
    pub fn which(&self, program: &str) -> Option<PathBuf> {
        use std::os::unix::fs::PermissionsExt;
        self.path_dirs()
            .into_iter()
            .map(|d| d.join(program))
            .find(|p| {
                p.metadata()
                    .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            })
    }

    /// All variables, for handing a child process an explicit environment.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}
