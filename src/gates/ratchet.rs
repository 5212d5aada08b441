//! Ratchets: the figures a passing gate produces (line coverage from a report, a budget
//! number) and the verdict against the minimum, the maximum and the recorded baseline.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufReader;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

use crate::baseline::GateBaseline;
use crate::config::{CoverageFormat, CoverageRule, Gate};

/// Default allowed drop below the coverage baseline, in points.
pub const DEFAULT_TOLERANCE: f64 = 0.1;

/// What a gate measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Line coverage in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<f64>,
    /// Line coverage per file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub coverage_files: BTreeMap<String, f64>,
    /// The budget metric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
}

impl Figures {
    pub fn is_empty(&self) -> bool {
        self.coverage.is_none() && self.budget.is_none()
    }

    /// These figures as a baseline entry.
    pub fn to_baseline(&self) -> GateBaseline {
        GateBaseline {
            coverage: self.coverage,
            files: self.coverage_files.clone(),
            budget: self.budget,
        }
    }
}

/// Whether a gate has any ratchet.
pub fn has_ratchet(gate: &Gate) -> bool {
    gate.coverage.is_some() || gate.budget.is_some()
}

/// Whether the budget metric is read from the command's stdout.
pub fn budget_reads_stdout(gate: &Gate) -> bool {
    gate.budget
        .as_ref()
        .is_some_and(|b| b.metric.as_deref().is_none_or(|m| m == "stdout"))
}

/// Reads the figures of a gate whose command passed. `dir` is the gate's working directory.
pub fn measure(gate: &Gate, dir: &Path, stdout: &[u8]) -> Result<Figures> {
    let mut f = Figures::default();
    if let Some(rule) = &gate.coverage {
        let (total, files) = read_coverage(rule, dir)?;
        f.coverage = Some(total);
        f.coverage_files = files;
    }
    if let Some(rule) = &gate.budget {
        let metric = rule.metric.as_deref().unwrap_or("stdout");
        f.budget = Some(read_metric(metric, dir, stdout)?);
    }
    Ok(f)
}

/// The reasons the figures fail the gate (empty: they pass).
pub fn judge(gate: &Gate, figures: &Figures, baseline: Option<&GateBaseline>) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(rule), Some(pct)) = (&gate.coverage, figures.coverage) {
        let base = baseline.and_then(|b| b.coverage);
        let tol = rule.tolerance.unwrap_or(DEFAULT_TOLERANCE);
        let base_text = base.map_or_else(
            || "no baseline recorded".to_owned(),
            |b| format!("baseline {b:.2}%"),
        );
        if let Some(min) = rule.min
            && pct < min
        {
            out.push(format!(
                "line coverage {pct:.2}% is under the minimum {min}% ({base_text})"
            ));
        }
        if let Some(b) = base
            && pct < b - tol
        {
            let mut msg = format!(
                "line coverage {pct:.2}% fell below the baseline {b:.2}% by more than {tol} points (minimum {})",
                rule.min
                    .map_or_else(|| "none".to_owned(), |m| format!("{m}%"))
            );
            let drops = biggest_drops(&figures.coverage_files, baseline.map(|b| &b.files));
            if !drops.is_empty() {
                msg.push_str("; files whose coverage fell most: ");
                msg.push_str(&drops.join(", "));
            }
            out.push(msg);
        }
    }
    if let (Some(rule), Some(v)) = (&gate.budget, figures.budget) {
        if let Some(max) = rule.max
            && v > max
        {
            out.push(format!("{v} is over the maximum {max}"));
        }
        if let (Some(inc), Some(b)) = (rule.max_increase, baseline.and_then(|b| b.budget))
            && v > b + inc
        {
            out.push(format!(
                "{v} grew by {} over the baseline {b}; at most {inc} is allowed",
                v - b
            ));
        }
    }
    out
}

fn biggest_drops(
    now: &BTreeMap<String, f64>,
    before: Option<&BTreeMap<String, f64>>,
) -> Vec<String> {
    let Some(before) = before else {
        return Vec::new();
    };
    let mut drops: Vec<(f64, &String, f64, f64)> = now
        .iter()
        .filter_map(|(f, n)| before.get(f).map(|b| (b - n, f, *b, *n)))
        .filter(|(d, ..)| *d > 0.0)
        .collect();
    drops.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    drops
        .into_iter()
        .take(5)
        .map(|(d, f, b, n)| format!("{f} {b:.1}% → {n:.1}% (−{d:.1})"))
        .collect()
}

/// Total line coverage in percent and per-file coverage, from an lcov or Cobertura report.
pub fn read_coverage(rule: &CoverageRule, dir: &Path) -> Result<(f64, BTreeMap<String, f64>)> {
    let path = dir.join(&rule.report);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("failed to read the coverage report `{}`", path.display()))?;
    let format = match rule.format {
        CoverageFormat::Auto if text.trim_start().starts_with('<') => CoverageFormat::Cobertura,
        CoverageFormat::Auto => CoverageFormat::Lcov,
        f => f,
    };
    let lines = match format {
        CoverageFormat::Cobertura => cobertura_lines(&text),
        _ => lcov_lines(&text),
    }
    .with_context(|| format!("failed to parse the coverage report `{}`", path.display()))?;
    let (mut found, mut hit) = (0u64, 0u64);
    let mut files = BTreeMap::new();
    for (file, (f, h)) in &lines {
        found += f;
        hit += h;
        if *f > 0 {
            files.insert(file.clone(), *h as f64 * 100.0 / *f as f64);
        }
    }
    if found == 0 {
        bail!("the coverage report `{}` lists no lines", path.display());
    }
    Ok((hit as f64 * 100.0 / found as f64, files))
}

/// Per file: (lines found, lines hit), from `DA:` records (or `LF`/`LH` when a file has none).
fn lcov_lines(text: &str) -> Result<BTreeMap<String, (u64, u64)>> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut file = String::new();
    let mut da: BTreeMap<u32, u64> = BTreeMap::new();
    let (mut lf, mut lh) = (None, None);
    for rec in lcov::Reader::new(BufReader::new(text.as_bytes())) {
        match rec.map_err(|e| anyhow::anyhow!("{e}"))? {
            lcov::Record::SourceFile { path } => file = path.to_string_lossy().into_owned(),
            lcov::Record::LineData { line, count, .. } => {
                *da.entry(line).or_default() += count;
            }
            lcov::Record::LinesFound { found } => lf = Some(u64::from(found)),
            lcov::Record::LinesHit { hit } => lh = Some(u64::from(hit)),
            lcov::Record::EndOfRecord => {
                let entry = out.entry(std::mem::take(&mut file)).or_default();
                if da.is_empty() {
                    entry.0 += lf.unwrap_or(0);
                    entry.1 += lh.unwrap_or(0);
                } else {
                    entry.0 += da.len() as u64;
                    entry.1 += da.values().filter(|c| **c > 0).count() as u64;
                }
                da.clear();
                lf = None;
                lh = None;
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Per file: (lines found, lines hit), from `<class filename>` / `<line number hits>`; a line
/// listed twice (class and method) counts once.
fn cobertura_lines(text: &str) -> Result<BTreeMap<String, (u64, u64)>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut file: Option<String> = None;
    let mut lines: BTreeMap<(String, u64), u64> = BTreeMap::new();
    let mut seen_files = BTreeSet::new();
    loop {
        match reader.read_event().context("invalid XML")? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "class" => {
                    if let Some(a) = e.try_get_attribute("filename")? {
                        let f = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)?
                            .into_owned();
                        seen_files.insert(f.clone());
                        file = Some(f);
                    }
                }
                "line" => {
                    if let Some(f) = &file {
                        let num = attr_u64(&e, "number")?;
                        let hits = attr_u64(&e, "hits")?;
                        if let Some(n) = num {
                            let slot = lines.entry((f.clone(), n)).or_default();
                            *slot = (*slot).max(hits.unwrap_or(0));
                        }
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "class" => file = None,
            Event::Eof => break,
            _ => {}
        }
    }
    let mut out: BTreeMap<String, (u64, u64)> =
        seen_files.into_iter().map(|f| (f, (0, 0))).collect();
    for ((f, _), hits) in lines {
        let e = out.entry(f).or_default();
        e.0 += 1;
        e.1 += u64::from(hits > 0);
    }
    Ok(out)
}

fn attr_u64(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Result<Option<u64>> {
    match e.try_get_attribute(name)? {
        Some(a) => Ok(Some(
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)?
                .trim()
                .parse()?,
        )),
        None => Ok(None),
    }
}

/// Reads a budget metric: `stdout` (the last number printed), `file:PATH` (a number in a
/// file) or `json:PATH#/pointer` (a number in a JSON document).
pub fn read_metric(metric: &str, dir: &Path, stdout: &[u8]) -> Result<f64> {
    if metric == "stdout" {
        let text = String::from_utf8_lossy(stdout);
        return text
            .split_whitespace()
            .rev()
            .find_map(|t| {
                t.trim_matches(|c: char| !c.is_ascii_digit() && c != '.' && c != '-')
                    .parse::<f64>()
                    .ok()
            })
            .ok_or_else(|| {
                anyhow::anyhow!("the command printed no number on stdout for its budget")
            });
    }
    if let Some(path) = metric.strip_prefix("file:") {
        let p = dir.join(path);
        let text = std::fs::read_to_string(&p)
            .with_context(|| format!("failed to read `{}`", p.display()))?;
        return text
            .trim()
            .parse()
            .with_context(|| format!("`{}` does not hold a number", p.display()));
    }
    if let Some(rest) = metric.strip_prefix("json:") {
        let (path, pointer) = rest.split_once('#').unwrap_or((rest, ""));
        let p = dir.join(path);
        let bytes =
            std::fs::read(&p).with_context(|| format!("failed to read `{}`", p.display()))?;
        let v: serde_json::Value = serde_json::from_slice(&bytes)
            .with_context(|| format!("`{}` is not JSON", p.display()))?;
        return v
            .pointer(pointer)
            .and_then(serde_json::Value::as_f64)
            .ok_or_else(|| anyhow::anyhow!("`{}` has no number at `{pointer}`", p.display()));
    }
    bail!("unknown budget metric `{metric}` (expected stdout, file:PATH or json:PATH#/pointer)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcov_counts_lines() {
        let t = "SF:a.rs\nDA:1,1\nDA:2,0\nDA:3,5\nend_of_record\nSF:b.rs\nDA:1,0\nend_of_record\n";
        let m = lcov_lines(t).unwrap();
        assert_eq!(m["a.rs"], (3, 2));
        assert_eq!(m["b.rs"], (1, 0));
    }

    #[test]
    fn cobertura_counts_each_line_once() {
        let t = r#"<?xml version="1.0"?><coverage><packages><package><classes>
<class filename="x.py"><methods><method><lines><line number="1" hits="1"/></lines></method></methods>
<lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class>
</classes></package></packages></coverage>"#;
        assert_eq!(cobertura_lines(t).unwrap()["x.py"], (2, 1));
    }

    #[test]
    fn metric_from_stdout_takes_the_last_number() {
        assert!(
            (read_metric("stdout", Path::new("."), b"size: 1024 bytes\n2048\n").unwrap() - 2048.0)
                .abs()
                < f64::EPSILON
        );
        assert!(read_metric("stdout", Path::new("."), b"nothing").is_err());
    }
}
