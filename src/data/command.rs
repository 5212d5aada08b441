//! `command` sources: a shell command that prints one `name count` line per thing it counts.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Result, bail};
use nix::sys::signal::Signal;

use super::{ItemRecord, SourceKind, SourceRecord};
use crate::process::{self, Ending, OutputRoute, ShellCommand};

/// Runs `script` with `sh -c` in `dir` and parses its standard output; its stderr passes
/// through. A failing command or a line that is not `name count` is an error.
pub fn collect(
    script: &str,
    dir: &Path,
    timeout: Duration,
    cancel: &AtomicBool,
) -> Result<SourceRecord> {
    let cmd = ShellCommand {
        script: script.into(),
        dir: dir.to_owned(),
        env: Vec::new(),
        timeout,
        stdin: None,
        capture: true,
    };
    let done = process::run_shell_routed(
        &cmd,
        OutputRoute::CaptureStdout,
        Signal::SIGTERM,
        Duration::from_secs(2),
        cancel,
    )?;
    if done.ending == Ending::TimedOut {
        bail!(
            "`{script}` timed out after {}; its process group was killed",
            humantime::format_duration(timeout)
        );
    }
    if !done.ending.success() {
        bail!(
            "`{script}` ended with {}",
            super::store::describe_ending(done.ending)
        );
    }
    let text = String::from_utf8_lossy(&done.output);
    Ok(SourceRecord {
        kind: SourceKind::Command,
        items: parse(&text)?,
        files: None,
    })
}

/// Parses `name count` lines (the name is everything before the last run of spaces); blank
/// lines are ignored.
pub fn parse(text: &str) -> Result<BTreeMap<String, ItemRecord>> {
    let mut items = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((name, count)) = line.rsplit_once(char::is_whitespace) else {
            bail!("line {}: expected `name count`, got `{line}`", n + 1);
        };
        let name = name.trim();
        let Ok(count) = count.parse::<u64>() else {
            bail!("line {}: `{count}` is not a count", n + 1);
        };
        if name.is_empty() {
            bail!("line {}: expected `name count`, got `{line}`", n + 1);
        }
        if items
            .insert(
                name.to_owned(),
                ItemRecord {
                    count,
                    checksum: None,
                },
            )
            .is_some()
        {
            bail!("line {}: `{name}` is printed twice", n + 1);
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_name_count_lines() {
        let items = parse("users 3\n\nbucket objects  12\n").unwrap();
        assert_eq!(items["users"].count, 3);
        assert_eq!(items["bucket objects"].count, 12);
    }

    #[test]
    fn rejects_a_line_without_a_count() {
        assert!(parse("users three\n").is_err());
        assert!(parse("users\n").is_err());
        assert!(parse("a 1\na 2\n").is_err());
    }
}
