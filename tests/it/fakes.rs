//! Programs for tests that need a tool this machine may not have (fake executables that
//! behave like the tool: exit 0 or 1 and print), and `PATH`s that lack a tool.

#![allow(clippy::disallowed_methods)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use crate::common::{Sandbox, TestRepo};

/// Writes an executable `sh` script `name` into `dir`.
pub fn fake_tool(dir: &Path, name: &str, body: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

/// A `PATH` of one directory holding a link to every program of the test's `PATH` (first
/// match wins) except `missing`.
pub fn path_without(sb: &Sandbox, label: &str, missing: &[&str]) -> String {
    let farm = sb.path().join(format!("path-without-{label}"));
    std::fs::create_dir_all(&farm).unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in read.flatten() {
            let name = e.file_name();
            let Some(n) = name.to_str() else { continue };
            if missing.contains(&n) || farm.join(n).symlink_metadata().is_ok() {
                continue;
            }
            let _ = std::os::unix::fs::symlink(e.path(), farm.join(n));
        }
    }
    farm.to_string_lossy().into_owned()
}

/// `dir` in front of the test's `PATH`.
pub fn path_with(dir: &Path, rest: &str) -> String {
    format!("{}:{rest}", dir.display())
}

/// The test's own `PATH`.
pub fn test_path(r: &TestRepo) -> String {
    r.env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Where rustup and cargo keep their toolchains (the sandbox's HOME has none).
pub fn rust_toolchain_env(r: &mut TestRepo) {
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let rustup = std::env::var("RUSTUP_HOME").unwrap_or_else(|_| format!("{home}/.rustup"));
    let cargo = std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{home}/.cargo"));
    r.set_env("RUSTUP_HOME", &rustup);
    r.set_env("CARGO_HOME", &cargo);
    if let Ok(t) = std::env::var("RUSTUP_TOOLCHAIN") {
        r.set_env("RUSTUP_TOOLCHAIN", &t);
    }
}
