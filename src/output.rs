//! Human and JSON rendering: colour, the `error:`/`hint:` diagnostics, progress on a terminal.
//!
//! All human output goes through a [`Printer`]. Data goes to stdout, diagnostics to stderr;
//! colour is used only when the stream is a terminal and `NO_COLOR` is unset (or `--color
//! always`); progress lines are drawn only when stderr is a terminal.

use std::io::{IsTerminal, Write};

use serde::Serialize;

/// `--format`: how a command renders its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    #[default]
    Human,
    Json,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// A few ANSI styles; rendered as nothing when colour is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Bold,
    Green,
    Red,
    Yellow,
    Dim,
    Cyan,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Bold => "1",
            Style::Green => "32",
            Style::Red => "31",
            Style::Yellow => "33",
            Style::Dim => "2",
            Style::Cyan => "36",
        }
    }
}

/// The one way human output reaches the user.
#[derive(Debug, Clone)]
pub struct Printer {
    pub format: OutputFormat,
    color_stdout: bool,
    color_stderr: bool,
    progress: bool,
    pub quiet: bool,
    pub verbose: u8,
}

impl Printer {
    pub fn new(
        format: OutputFormat,
        color: ColorChoice,
        no_color_env: bool,
        quiet: bool,
        verbose: u8,
    ) -> Self {
        let decide = |tty: bool| match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color_env,
        };
        let err_tty = std::io::stderr().is_terminal();
        Printer {
            format,
            color_stdout: decide(std::io::stdout().is_terminal()),
            color_stderr: decide(err_tty),
            progress: err_tty && !quiet,
            quiet,
            verbose,
        }
    }

    /// A printer that never colours and never draws progress (for tests and JSON).
    pub fn plain(format: OutputFormat) -> Self {
        Printer {
            format,
            color_stdout: false,
            color_stderr: false,
            progress: false,
            quiet: false,
            verbose: 0,
        }
    }

    pub fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// Whether progress lines may be drawn on stderr.
    pub fn shows_progress(&self) -> bool {
        self.progress
    }

    /// Styles text destined for stdout.
    pub fn paint(&self, style: Style, text: &str) -> String {
        paint(self.color_stdout, style, text)
    }

    /// Styles text destined for stderr.
    pub fn paint_err(&self, style: Style, text: &str) -> String {
        paint(self.color_stderr, style, text)
    }

    /// Writes data to stdout.
    pub fn out(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        // A closed stdout (e.g. piped into `head`) is not worth failing over.
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }

    /// Writes one JSON document to stdout.
    pub fn json<T: Serialize>(&self, value: &T) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(value)?;
        text.push('\n');
        self.out(&text);
        Ok(())
    }

    /// A diagnostic line on stderr, unless `--quiet`.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            err_line(text);
        }
    }

    /// A warning on stderr (shown even with `--quiet`).
    pub fn warn(&self, text: &str) {
        err_line(&format!(
            "{} {text}",
            self.paint_err(Style::Yellow, "warning:")
        ));
    }

    /// Prints an error chain as `error: …`, `caused by: …`, `hint: …`.
    pub fn error(&self, err: &anyhow::Error, hint: Option<&str>) {
        let mut chain = err.chain();
        if let Some(top) = chain.next() {
            err_line(&format!("{} {top}", self.paint_err(Style::Red, "error:")));
        }
        for cause in chain {
            err_line(&format!(
                "{} {cause}",
                self.paint_err(Style::Dim, "caused by:")
            ));
        }
        if let Some(h) = hint {
            err_line(&format!("{} {h}", self.paint_err(Style::Cyan, "hint:")));
        }
    }

    /// Draws a transient progress line on a terminal; does nothing elsewhere.
    pub fn progress(&self, text: &str) {
        if self.progress {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{text}");
            let _ = err.flush();
        }
    }

    /// Clears the progress line.
    pub fn clear_progress(&self) {
        if self.progress {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// Writes one line to stderr, ignoring a closed stream: after an interrupt git may be gone,
/// and a failed write must never abort the restoring of the user's files.
pub fn err_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

fn paint(on: bool, style: Style, text: &str) -> String {
    if on {
        format!("\x1b[{}m{text}\x1b[0m", style.code())
    } else {
        text.to_owned()
    }
}

/// Formats a duration for humans: `12ms`, `1.4s`, `2m03s`.
pub fn human_duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        let s = d.as_secs();
        format!("{}m{:02}s", s / 60, s % 60)
    }
}
