//! The result of a check that may not apply to what it is given: a bulletin without a coverage
//! claim has no feasibility bounds, one count has no round-percentage signature. That is not an
//! error (nothing failed); the check says why, and the audit reports it as a finding.

use std::fmt;

use crate::report::{Code, Finding, Subject};

/// What a check that may not apply returned: its result, or why it does not apply.
///
/// # Example
///
/// ```
/// use actas::audit::{round_percentage_signature, Checked, NotApplicableReason};
///
/// let one = round_percentage_signature(&[("A", 10)])?;
/// assert_eq!(one.not_applicable().map(|n| n.reason), Some(NotApplicableReason::TooFewCounts));
/// let two = round_percentage_signature(&[("A", 10), ("B", 30)])?;
/// assert_eq!(two.done().map(|s| s.total), Some(40));
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Checked<T> {
    /// The check ran.
    Done(T),
    /// The check does not apply, and why.
    NotApplicable(NotApplicable),
}

impl<T> Checked<T> {
    /// With what the check was about, when it does not apply.
    pub(crate) fn about(self, subject: Subject) -> Self {
        match self {
            Checked::NotApplicable(n) => Checked::NotApplicable(n.about(subject)),
            done => done,
        }
    }

    /// The result, when the check ran.
    pub fn done(self) -> Option<T> {
        match self {
            Checked::Done(t) => Some(t),
            Checked::NotApplicable(_) => None,
        }
    }

    /// The result by reference, when the check ran.
    pub fn as_done(&self) -> Option<&T> {
        match self {
            Checked::Done(t) => Some(t),
            Checked::NotApplicable(_) => None,
        }
    }

    /// Why the check does not apply, when it does not.
    pub fn not_applicable(&self) -> Option<&NotApplicable> {
        match self {
            Checked::Done(_) => None,
            Checked::NotApplicable(n) => Some(n),
        }
    }

    /// The result, or a panic naming why the check did not apply.
    ///
    /// # Panics
    ///
    /// When the check did not apply. For tests and examples whose input is known to apply.
    #[track_caller]
    pub fn unwrap_done(self) -> T {
        match self {
            Checked::Done(t) => t,
            Checked::NotApplicable(n) => panic!("the check does not apply: {n}"),
        }
    }
}

/// Why a check does not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotApplicable {
    /// The kind of reason.
    pub reason: NotApplicableReason,
    /// What the check was about (the bulletin of the bounds), when the check knows it.
    pub about: Option<Subject>,
    /// What it is about (`"tables"`, `"80% of 3"`).
    pub subject: String,
    /// One readable sentence, lowercase.
    pub detail: String,
}

impl NotApplicable {
    pub(crate) fn new(
        reason: NotApplicableReason,
        subject: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        NotApplicable {
            reason,
            about: None,
            subject: subject.into(),
            detail: detail.into(),
        }
    }

    /// The finding the audit reports for it: `F004` for an impossible coverage claim, `F003`
    /// for bounds that lack a figure; none for a signature of too few counts or of zeros (there
    /// is nothing to say) or when the check did not know what it was about.
    pub fn finding(&self) -> Option<Finding> {
        let about = self.about.clone()?;
        match self.reason {
            NotApplicableReason::ImpossibleCoverage => Some(
                Finding::new(
                    Code::ImpossibleCoverage,
                    about,
                    format!(
                        "the printed coverage is impossible for this register: {}",
                        self.detail
                    ),
                )
                .with("coverage", self.subject.as_str()),
            ),
            NotApplicableReason::TooFewCounts | NotApplicableReason::ZeroTotal => None,
            _ => Some(Finding::new(
                Code::NoBounds,
                about,
                format!("no feasibility bounds: {self}"),
            )),
        }
    }

    /// With what the check was about.
    pub(crate) fn about(mut self, subject: Subject) -> Self {
        self.about = Some(subject);
        self
    }
}

impl fmt::Display for NotApplicable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.detail)
    }
}

/// The kinds of reasons a check does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotApplicableReason {
    /// The bulletin makes no coverage claim, so nothing says which sheets it includes.
    NoCoverageClaim,
    /// The coverage claim does not say whether it is a share of tables or of electors.
    UnspecifiedBasis,
    /// The register's number of tables is unknown (a share of tables).
    NoRegisterTables,
    /// No electors figure is known (a share of electors).
    NoRegisterElectors,
    /// Some sheets lack electors (a share of electors).
    SheetsLackElectors,
    /// No whole number of the register's tables or electors prints as the claimed coverage:
    /// the claim is impossible as printed (finding `F004`).
    ImpossibleCoverage,
    /// A signature needs at least two counts.
    TooFewCounts,
    /// The counts sum to 0.
    ZeroTotal,
}

/// `Checked::NotApplicable` from its parts, for `return` in checks.
pub(crate) fn not_applicable<T>(
    reason: NotApplicableReason,
    subject: impl Into<String>,
    detail: impl Into<String>,
) -> Checked<T> {
    Checked::NotApplicable(NotApplicable::new(reason, subject, detail))
}
