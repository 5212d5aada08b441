//! Exit statuses (SPEC section 2) and the error kinds that choose one.
//!
//! Every command returns an [`ExitStatus`]; an `Err` that reaches `main` is mapped here. An error
//! that is not one of the kinds below means gatekeeper could not decide, which is a refusal too
//! (exit 3): nothing fails open.

use std::fmt;

/// The process exit status, one value per row of SPEC section 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExitStatus {
    /// 0: passed / done.
    Success,
    /// 1: refused (a gate failed, a sacred test was weakened, CI is red, data was lost, …).
    Refused,
    /// 2: usage or configuration error.
    Usage,
    /// 3: could not decide (API unreachable, auth error, tool missing, timeout).
    Undecided,
    /// 4: `deploy-check` only: CI still pending when the wait ran out.
    Pending,
    /// 130: interrupted.
    Interrupted,
}

impl ExitStatus {
    /// The numeric code handed to the operating system.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Refused => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Undecided => 3,
            ExitStatus::Pending => 4,
            ExitStatus::Interrupted => 130,
        }
    }

    /// The more severe of two statuses, for combining several verdicts into one.
    ///
    /// Interruption wins, then usage errors, then refusals, then "could not decide", then
    /// pending, then success.
    #[must_use]
    pub fn worst(self, other: ExitStatus) -> ExitStatus {
        fn rank(s: ExitStatus) -> u8 {
            match s {
                ExitStatus::Success => 0,
                ExitStatus::Pending => 1,
                ExitStatus::Undecided => 2,
                ExitStatus::Refused => 3,
                ExitStatus::Usage => 4,
                ExitStatus::Interrupted => 5,
            }
        }
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// An error that decides its own exit status, with an optional hint printed after it.
///
/// Attach one anywhere in an `anyhow` chain; `main` finds it with `downcast_ref`.
#[derive(Debug)]
pub struct Failure {
    pub status: ExitStatus,
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    /// A usage or configuration error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            status: ExitStatus::Usage,
            message: message.into(),
            hint: None,
        }
    }

    /// A refusal (exit 1).
    pub fn refused(message: impl Into<String>) -> Self {
        Failure {
            status: ExitStatus::Refused,
            message: message.into(),
            hint: None,
        }
    }

    /// Could not decide (exit 3).
    pub fn undecided(message: impl Into<String>) -> Self {
        Failure {
            status: ExitStatus::Undecided,
            message: message.into(),
            hint: None,
        }
    }

    /// Interrupted by a signal (exit 130).
    pub fn interrupted() -> Self {
        Failure {
            status: ExitStatus::Interrupted,
            message: "interrupted".into(),
            hint: None,
        }
    }

    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The exit status an error should produce: the first [`Failure`] or config error in its
/// chain decides; anything else is "could not decide".
pub fn status_of(err: &anyhow::Error) -> ExitStatus {
    // `downcast_ref` on the error itself also sees context layers, which `chain` does not.
    if let Some(f) = err.downcast_ref::<Failure>() {
        return f.status;
    }
    if err.downcast_ref::<crate::config::ConfigError>().is_some() {
        return ExitStatus::Usage;
    }
    for cause in err.chain() {
        if let Some(f) = cause.downcast_ref::<Failure>() {
            return f.status;
        }
        if cause.downcast_ref::<crate::config::ConfigError>().is_some() {
            return ExitStatus::Usage;
        }
    }
    ExitStatus::Undecided
}

/// The hint of the first [`Failure`] in the chain that has one.
pub fn hint_of(err: &anyhow::Error) -> Option<String> {
    if let Some(h) = err.downcast_ref::<Failure>().and_then(|f| f.hint.clone()) {
        return Some(h);
    }
    err.chain()
        .filter_map(|c| c.downcast_ref::<Failure>())
        .find_map(|f| f.hint.clone())
        .or_else(|| {
            err.chain()
                .filter_map(|c| c.downcast_ref::<crate::config::ConfigError>())
                .find_map(|c| c.hint.clone())
        })
}
