//! Human views of the data reports, as plain text (colour is added by the caller's printer).

use super::SourceKind;
use super::compare::{Verdict, VerifyReport};
use super::snapshot::SnapshotReport;
use super::store::{StepRecord, describe_ending};

/// Lays rows out in left-aligned columns separated by two spaces.
pub fn table(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; width];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// What a snapshot recorded, then where it is and how its backup went.
pub fn snapshot(report: &SnapshotReport) -> String {
    let m = &report.manifest;
    let mut rows = vec![vec![
        "source".into(),
        "table".into(),
        "count".into(),
        "checksum".into(),
    ]];
    for (name, record) in &m.sources {
        if record.kind == SourceKind::Files {
            let t = record
                .files
                .unwrap_or(super::FilesTotal { files: 0, bytes: 0 });
            rows.push(vec![
                name.clone(),
                "(files)".into(),
                t.files.to_string(),
                format!("{} bytes, sha256 manifest {name}.sha256", t.bytes),
            ]);
            continue;
        }
        for (table, item) in &record.items {
            let sum = item
                .checksum
                .as_ref()
                .map_or_else(|| "-".to_owned(), |c| c.value.clone());
            rows.push(vec![
                name.clone(),
                table.clone(),
                item.count.to_string(),
                sum,
            ]);
        }
    }
    let mut out = table(&rows);
    out.push_str(&format!("snapshot {} in {}\n", m.id, report.dir.display()));
    match &m.backup {
        None => out.push_str("backup: none configured (data.backup)\n"),
        Some(b) => {
            out.push_str(&format!("backup run: {}\n", step(&b.run)));
            match &b.verify {
                Some(v) => out.push_str(&format!("backup verify: {}\n", step(v))),
                None if b.run.ok => out.push_str("backup verify: none configured\n"),
                None => out.push_str("backup verify: not run\n"),
            }
        }
    }
    if !report.pruned.is_empty() {
        out.push_str(&format!("pruned: {}\n", report.pruned.join(", ")));
    }
    out
}

fn step(s: &StepRecord) -> String {
    let state = if s.ok { "ok" } else { "FAILED" };
    format!("{state} ({}): {}", describe_ending(s.ending), s.command)
}

/// The output of every backup step that failed, for stderr.
pub fn failed_backup_output(report: &SnapshotReport) -> Option<String> {
    let b = report.manifest.backup.as_ref()?;
    let failed = if b.run.ok {
        b.verify.as_ref().filter(|v| !v.ok)?
    } else {
        &b.run
    };
    Some(format!(
        "output of `{}`:\n{}",
        failed.command,
        failed.output.trim_end()
    ))
}

/// The comparison table (source, table, before, after, change, rule) and a verdict line.
pub fn verify(report: &VerifyReport) -> String {
    let mut rows = vec![vec![
        String::new(),
        "source".into(),
        "table".into(),
        "before".into(),
        "after".into(),
        "change".into(),
        "rule".into(),
    ]];
    let n = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
    for f in &report.findings {
        let mark = match f.verdict {
            Verdict::Ok => "ok",
            Verdict::Allowed => "allowed",
            Verdict::Violation => "FAIL",
        };
        rows.push(vec![
            mark.into(),
            f.source.clone(),
            f.table.clone(),
            n(f.before),
            n(f.after),
            f.change.clone(),
            f.rule.clone(),
        ]);
    }
    let mut out = table(&rows);
    if report.passed {
        out.push_str(&format!(
            "verify: all holds against snapshot {}\n",
            report.snapshot
        ));
    } else {
        out.push_str(&format!(
            "verify: {} violation(s) against snapshot {}\n",
            report.violations, report.snapshot
        ));
    }
    out
}
