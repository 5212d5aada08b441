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
            // `-q`: only what did not pass.
            if !self.printer.quiet || !matches!(o.verdict, Verdict::Passed | Verdict::Skipped) {
                text.push_str(&render_gate(self.printer, &o, self.verbose));
            }
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
            // Always in single quotes, so that the path reads the same whatever it holds.
            let quoted = format!("'{}'", patch.replace('\'', "'\\''"));
            s.push_str(&format!(
                "  their changes were undone and saved; to take them:\n    git apply --cached {quoted}   # into what you commit (always applies: the fixes were made on it)\n    git apply {quoted}   # into your files too (refused for a file whose unstaged lines the fixes touch)\n"
            ));
        }
    }
    for report in r.sacred.iter().filter(|s| !s.is_clean()) {
        let about_gates = report.findings.iter().filter(|f| f.rule.is_about_gates());
        let gates = about_gates.count();
        if gates < report.findings.len() {
            s.push_str(&p.paint(Style::Red, "FAIL"));
            s.push_str(" a sacred test was weakened\n");
        }
        if gates > 0 {
            s.push_str(&p.paint(Style::Red, "FAIL"));
            s.push_str(
                " the gates, their baselines or protected paths were changed without a signature by an allowed signer\n",
            );
        }
        s.push_str(&crate::sacred::render_human(report));
    }
    for prob in &r.problems {
        s.push_str(&format!("{} {prob}\n", p.paint(Style::Red, "FAIL")));
    }
    if !p.quiet {
        // A clean check that used a re-lock still has something to say: it must be signed.
        for report in r.sacred.iter().filter(|x| x.is_clean() && x.relocked) {
            for n in &report.notes {
                s.push_str(&format!("note: {n}\n"));
            }
        }
        for n in &r.notes {
            s.push_str(&format!("note: {n}\n"));
        }
    }
    let failed = r.summary.failed
        + r.problems.len()
        + usize::from(!r.modified_files.is_empty())
        + r.sacred.iter().filter(|x| !x.is_clean()).count();
    let mut counts = format!("{} passed, {failed} failed", r.summary.passed);
    if r.summary.undecided > 0 {
        counts.push_str(&format!(", {} could not decide", r.summary.undecided));
    }
    if r.summary.interrupted > 0 {
        counts.push_str(&format!(", {} interrupted", r.summary.interrupted));
    }
    counts.push_str(&format!(", {} skipped", r.summary.skipped));
    s.push_str(&format!(
        "gatekeeper {}: {counts} in {} — {}\n",
        r.stage,
        human_duration(std::time::Duration::from_millis(r.duration_ms)),
        verdict_word(p, r.status),
    ));
    s
}

/// The last word of the summary line: the exit status in words.
fn verdict_word(p: &Printer, status: ExitStatus) -> String {
    match status {
        ExitStatus::Success => p.paint(Style::Green, "passed"),
        ExitStatus::Undecided => p.paint(Style::Yellow, "could not decide"),
        ExitStatus::Interrupted => p.paint(Style::Yellow, "interrupted"),
        ExitStatus::Refused => p.paint(Style::Red, "refused"),
        ExitStatus::Usage => p.paint(Style::Red, "usage or configuration error"),
        ExitStatus::Pending => p.paint(Style::Yellow, "pending"),
    }
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
