//! The report of a gate run (hooks, `run`, `ci`) and its human rendering, printed in config
//! order as gates finish.

use std::sync::Mutex;

use serde::Serialize;

use crate::exit::ExitStatus;
use crate::gates::{GateOutcome, GateSink, Summary, Verdict};
use crate::output::{Printer, Style, human_duration};

/// Everything a gate run produced; `--format json` prints exactly this.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// `pre-commit`, `pre-push`, `ci`, `agent-stop`, or `post-checkout`.
    pub stage: String,
    /// The process exit code this report leads to.
    pub exit_code: u8,
    pub status: ExitStatus,
    pub gates: Vec<GateOutcome>,
    pub summary: Summary,
    /// Tracked files the gates changed; the changes were undone and saved in `fixes_patch`.
    pub modified_files: Vec<String>,
    /// A patch with the gates' changes, to apply with `git apply`.
    pub fixes_patch: Option<String>,
    /// Other refusals (a displaced hook failed, the index was modified, …).
    pub problems: Vec<String>,
    /// Informational lines (skips requested, stash recovered, …).
    pub notes: Vec<String>,
    /// The sacred-test check(s) of this run, when one ran.
    pub sacred: Vec<crate::sacred::SacredReport>,
    pub duration_ms: u64,
}

impl RunReport {
    pub fn new(stage: &str) -> RunReport {
        RunReport {
            stage: stage.to_owned(),
            exit_code: 0,
            status: ExitStatus::Success,
            gates: Vec::new(),
            summary: Summary::default(),
            modified_files: Vec::new(),
            fixes_patch: None,
            problems: Vec::new(),
            notes: Vec::new(),
            sacred: Vec::new(),
            duration_ms: 0,
        }
    }

    /// Recomputes the status after more checks were added to a finished report.
    pub fn finish_again(&mut self) {
        let duration = self.duration_ms;
        self.finish(
            std::time::Instant::now(),
            self.status == ExitStatus::Interrupted,
        );
        self.duration_ms = duration;
    }

    /// Computes summary and status from the gates and problems.
    pub fn finish(&mut self, started: std::time::Instant, interrupted: bool) {
        self.summary = Summary::of(&self.gates);
        let mut status = crate::gates::status_of(&self.gates);
        let sacred_refused = self.sacred.iter().any(|s| !s.is_clean());
        if !self.problems.is_empty() || !self.modified_files.is_empty() || sacred_refused {
            status = status.worst(ExitStatus::Refused);
        }
        if interrupted {
            status = status.worst(ExitStatus::Interrupted);
        }
        self.status = status;
        self.exit_code = status.code();
        self.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    }
}

/// Prints each gate's block in config order as soon as it and all before it are done.
pub struct OrderedPrinter<'a> {
    printer: &'a Printer,
    state: Mutex<(usize, Vec<Option<GateOutcome>>)>,
    /// Show the output of passing gates too (`-v`).
    verbose: bool,
}

impl<'a> OrderedPrinter<'a> {
    pub fn new(printer: &'a Printer, total: usize) -> Self {
        OrderedPrinter {
            printer,
            state: Mutex::new((0, vec![None; total])),
            verbose: printer.verbose > 0,
        }
    }
}

impl GateSink for OrderedPrinter<'_> {
    fn planned(&self, total: usize) {
        if let Ok(mut st) = self.state.lock() {
            *st = (0, vec![None; total]);
        }
    }

    fn finished(&self, index: usize, outcome: &GateOutcome) {
        if self.printer.is_json() {
            return;
        }
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        if index < st.1.len() {
            st.1[index] = Some(outcome.clone());
        }
        let mut text = String::new();
        let (next, slots) = &mut *st;
        while *next < slots.len() {
            let Some(o) = slots[*next].take() else { break };
            text.push_str(&render_gate(self.printer, &o, self.verbose));
            *next += 1;
        }
        if !text.is_empty() {
            self.printer.clear_progress();
            self.printer.out(&text);
        }
        let finished_total = *next + slots[*next..].iter().filter(|o| o.is_some()).count();
        if *next < slots.len() {
            // Drawn on stderr, and only when it is a terminal.
            self.printer.progress(&format!(
                "gatekeeper: {finished_total}/{} gates finished…",
                slots.len()
            ));
        }
    }
}

/// One gate's block: a status line, then its whole output when it did not pass.
pub fn render_gate(p: &Printer, o: &GateOutcome, verbose: bool) -> String {
    let (mark, style) = match o.verdict {
        Verdict::Passed => ("ok  ", Style::Green),
        Verdict::Skipped => ("skip", Style::Dim),
        Verdict::Failed | Verdict::Interrupted => ("FAIL", Style::Red),
        Verdict::TimedOut | Verdict::MissingTool | Verdict::Undecided => ("FAIL", Style::Yellow),
    };
    let mut line = format!("{} {}", p.paint(style, mark), p.paint(Style::Bold, &o.name));
    if o.verdict == Verdict::Skipped {
        line.push_str(&format!(
            " — skipped: {}",
            o.reason.as_deref().unwrap_or("")
        ));
    } else if o.cached {
        line.push_str(&format!(
            " — {} from the result cache (same inputs; saved {})",
            o.verdict.label(),
            human_duration(std::time::Duration::from_millis(o.saved_ms.unwrap_or(0)))
        ));
        if let (Verdict::Failed, Some(r)) = (o.verdict, &o.reason) {
            line.push_str(&format!(": {r}"));
        }
    } else {
        {
            line.push_str(&format!(
                " — {} in {}",
                o.verdict.label(),
                human_duration(std::time::Duration::from_millis(o.duration_ms))
            ));
            if let Some(c) = o.exit_code.filter(|c| *c != 0) {
                line.push_str(&format!(" (exit {c})"));
            }
            if o.verdict != Verdict::Passed
                && let Some(r) = &o.reason
            {
                line.push_str(&format!(": {r}"));
            }
        }
    }
    line.push('\n');
    let show_output = !o.output.is_empty() && (o.verdict != Verdict::Passed || verbose);
    if show_output && o.verdict != Verdict::Skipped {
        line.push_str(&o.output);
        if !o.output.ends_with('\n') {
            line.push('\n');
        }
    }
    line
}

/// The closing lines: modified files, problems, notes, and the summary.
pub fn render_footer(p: &Printer, r: &RunReport) -> String {
    let mut s = String::new();
    if !r.modified_files.is_empty() {
        s.push_str(&format!(
            "{} the gates modified files, so the commit was refused:\n",
            p.paint(Style::Red, "FAIL")
        ));
        for f in &r.modified_files {
            s.push_str(&format!("  {f}\n"));
        }
        if let Some(patch) = &r.fixes_patch {
            s.push_str(&format!(
                "  their changes were undone and saved; apply them with: git apply '{patch}'\n"
            ));
        }
    }
    for report in r.sacred.iter().filter(|s| !s.is_clean()) {
        s.push_str(&p.paint(Style::Red, "FAIL"));
        s.push_str(" a sacred test was weakened\n");
        s.push_str(&crate::sacred::render_human(report));
    }
    for prob in &r.problems {
        s.push_str(&format!("{} {prob}\n", p.paint(Style::Red, "FAIL")));
    }
    for n in &r.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    let failed = r.summary.failed
        + r.problems.len()
        + usize::from(!r.modified_files.is_empty())
        + r.sacred.iter().filter(|x| !x.is_clean()).count();
    let verdict = if r.status == ExitStatus::Success {
        p.paint(Style::Green, "passed")
    } else {
        p.paint(Style::Red, "refused")
    };
    s.push_str(&format!(
        "gatekeeper {}: {} passed, {} failed, {} skipped in {} — {verdict}\n",
        r.stage,
        r.summary.passed,
        failed,
        r.summary.skipped,
        human_duration(std::time::Duration::from_millis(r.duration_ms)),
    ));
    s
}

/// Prints a finished report: JSON as one document, or the human footer (gate blocks were
/// printed live by [`OrderedPrinter`]).
pub fn print(p: &Printer, r: &RunReport) -> anyhow::Result<()> {
    if p.is_json() {
        p.json(r)
    } else {
        p.clear_progress();
        p.out(&render_footer(p, r));
        Ok(())
    }
}
