//! Election forensics: the statistical traces that manipulated counts tend to leave.
//!
//! These checks answer a different question than reconciliation. Reconciliation says whether an
//! announced result is what the sheets allow: a contradiction there is arithmetic. Forensics
//! asks whether the sheets themselves look like counts people made: digits that are not as
//! random as counts are, percentages that pile up on round values. A departure is **evidence to
//! look closer, never a verdict of fraud**: findings here are `info` or `warning`, never
//! `error` or `critical`. Read them with three caveats.
//!
//! - **Many tests, some will fire.** Every field of every sheet is tested; at a significance of
//!   0.001 one test in a thousand fires on honest data. The report says how many tests ran.
//! - **Post-hoc selection.** A test chosen after looking at the data, or a subset of tables
//!   chosen because it looks odd, has no p-value worth the name.
//! - **Small counts.** Digits of small numbers are not uniform, and ratios of small numbers pile
//!   up on simple fractions; each test leaves out what is too small and says how many.
//!
//! Statistics here are `f64` and approximate (p-values, means, intervals); the counts behind
//! them (digit frequencies, how many counts were read or left out) are exact integers. Every
//! random procedure (Monte Carlo p-values, bootstrap intervals) takes a seed and gives the same
//! numbers for the same seed and the same dependency versions.
//!
//! The tests: [digit tests](digits) (second-digit Benford, last digit, counts ending in 0 or 5,
//! and Beber and Scacco's pair of last-digit tests), [integer-percentage peaks](peaks) with an
//! exact null, the [fingerprint](mod@fingerprint) (turnout × share, histograms, moments,
//! correlation, votes at high turnout) and the [fraud model](klimek) of Klimek et al. With the
//! `plots` feature, `plot` draws them as SVG. An [`Audit`](crate::audit::Audit) runs them when
//! [`ForensicsOptions`] asks (none by default); a
//! [`StreamAudit`](crate::audit::StreamAudit) runs the digit tests and the fingerprint, which
//! one pass gives in full (the same report as in memory), and refuses the integer-percentage
//! test and the Klimek fit, which use every table's figures at once.

pub mod digits;
pub mod fingerprint;
pub mod klimek;
pub mod peaks;
#[cfg(feature = "plots")]
#[cfg_attr(docsrs, doc(cfg(feature = "plots")))]
pub mod plot;

pub use digits::{
    BeberScacco, DigitDistribution, DigitOptions, DigitReport, DigitSeries, LastDigit, PMethod,
    SecondDigit, beber_scacco, digit_tests, last_digit, second_digit, second_digit_probabilities,
};
pub use fingerprint::{
    Fingerprint, FingerprintOptions, HighTurnout, Histogram, Moments, Weight, fingerprint,
};
pub use klimek::{
    Fraud, FraudModel, GridPoint, KlimekFit, KlimekOptions, SimulatedTable, klimek_fit,
    klimek_fit_tables,
};
pub use peaks::{
    IntegerNull, IntegerPeaks, MonteCarloNull, PeakOptions, ShareBase, ValuePeak, integer_peaks,
};

/// The candidate whose share a test looks at.
pub(crate) struct Leader {
    /// The candidate's code.
    pub(crate) code: String,
    /// The ballot lines of the candidate.
    lines: Vec<usize>,
}

impl Leader {
    /// The candidate `code`, or the one with the most votes (the first of equals).
    pub(crate) fn of(
        set: &crate::model::ActaSet,
        code: Option<&str>,
        what: &'static str,
    ) -> crate::Result<Leader> {
        let contest = set.contest();
        let at = if let Some(code) = code {
            contest.candidate_index(code).ok_or_else(|| {
                crate::Error::invalid(
                    what,
                    code.to_owned(),
                    "name a candidate of the contest by its code",
                )
            })?
        } else {
            most_voted(&crate::audit::totals(set)?)
        };
        Ok(Leader {
            code: contest
                .candidates()
                .get(at)
                .map_or_else(String::new, |c| c.code.clone()),
            lines: contest.lines_of(at).collect(),
        })
    }

    /// Each table's first sheet as electors, voters, the leader's votes and the share's base;
    /// `None` for a table missing one of them.
    pub(crate) fn tables<'a>(
        &'a self,
        set: &'a crate::model::ActaSet,
        base: ShareBase,
    ) -> impl Iterator<Item = Option<TableFigures>> + 'a {
        (0..set.len())
            .filter(|&i| !set.is_repeat(i))
            .map(move |i| TableFigures::of(set, i, &self.lines, base))
    }
}

/// The candidate with the most votes in `totals` (the first of equals).
pub(crate) fn most_voted(totals: &crate::audit::Totals) -> usize {
    totals
        .candidates
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (c.sum, std::cmp::Reverse(*i)))
        .map_or(0, |(i, _)| i)
}

/// One table's figures for the tests on turnout and the leader's share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TableFigures {
    pub(crate) electors: u64,
    pub(crate) voters: u64,
    pub(crate) leader: u64,
    /// The ballots the share is of.
    pub(crate) base: u64,
}

impl TableFigures {
    /// Sheet `i`'s figures, with the votes of the ballot lines `lines`; `None` when one is
    /// missing.
    pub(crate) fn of(
        set: &crate::model::ActaSet,
        i: usize,
        lines: &[usize],
        base: ShareBase,
    ) -> Option<TableFigures> {
        use crate::model::Field;
        let get = |f: Field| set.count(i, f).map(u64::from);
        Some(TableFigures {
            electors: get(Field::Electors)?,
            voters: get(Field::Voters)?,
            leader: lines
                .iter()
                .map(|&l| get(Field::Line(l)))
                .sum::<Option<u64>>()?,
            base: get(match base {
                ShareBase::Voters => Field::Voters,
                ShareBase::Valid => Field::Valid,
            })?,
        })
    }
}

/// Which forensic tests an [`Audit`](crate::audit::Audit) runs: none by default, as they
/// answer another question than reconciliation (whether the sheets look like counts, not
/// whether the announcement is what they allow).
///
/// # Example
///
/// ```
/// use actas::audit::AuditOptions;
/// use actas::forensics::{ForensicsOptions, PeakOptions};
///
/// // The tests with a significance (digits, integer peaks) and the fingerprint.
/// let o = AuditOptions::default().with_forensics(ForensicsOptions::standard());
/// assert!(o.forensics.peaks.is_some() && o.forensics.klimek.is_none());
/// // Or one test, with its own options.
/// let only = ForensicsOptions::default().with_peaks(PeakOptions::default().with_leader("A"));
/// assert!(only.digits.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ForensicsOptions {
    /// The digit tests.
    pub digits: Option<DigitOptions>,
    /// The integer-percentage test.
    pub peaks: Option<PeakOptions>,
    /// The fingerprint.
    pub fingerprint: Option<FingerprintOptions>,
    /// The fit of Klimek et al.'s fraud model (seconds at national scale).
    pub klimek: Option<KlimekOptions>,
}

impl ForensicsOptions {
    /// The digit tests, the integer-percentage test and the fingerprint, with their default
    /// options; not the Klimek fit (a model fit without a significance, slower).
    pub fn standard() -> Self {
        ForensicsOptions {
            digits: Some(DigitOptions::default()),
            peaks: Some(PeakOptions::default()),
            fingerprint: Some(FingerprintOptions::default()),
            klimek: None,
        }
    }

    /// With the digit tests.
    #[must_use]
    pub fn with_digits(mut self, options: DigitOptions) -> Self {
        self.digits = Some(options);
        self
    }

    /// With the integer-percentage test.
    #[must_use]
    pub fn with_peaks(mut self, options: PeakOptions) -> Self {
        self.peaks = Some(options);
        self
    }

    /// With the fingerprint.
    #[must_use]
    pub fn with_fingerprint(mut self, options: FingerprintOptions) -> Self {
        self.fingerprint = Some(options);
        self
    }

    /// With the fit of the fraud model.
    #[must_use]
    pub fn with_klimek(mut self, options: KlimekOptions) -> Self {
        self.klimek = Some(options);
        self
    }

    /// Whether any test is asked for.
    pub fn any(&self) -> bool {
        self.digits.is_some()
            || self.peaks.is_some()
            || self.fingerprint.is_some()
            || self.klimek.is_some()
    }
}

/// What the forensic tests of an audit found ([`ForensicsOptions`]); each part is there when
/// its test was asked for.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ForensicsReport {
    /// The digit tests.
    pub digits: Option<DigitReport>,
    /// The integer-percentage test.
    pub peaks: Option<IntegerPeaks>,
    /// The fingerprint.
    pub fingerprint: Option<Fingerprint>,
    /// The fit of the fraud model.
    pub klimek: Option<KlimekFit>,
}

impl ForensicsReport {
    /// Runs the tests `options` asks for on `set`.
    ///
    /// # Errors
    ///
    /// As each test: a leader who is no candidate, options a test refuses, sums past `u64`.
    pub fn run(set: &crate::model::ActaSet, options: &ForensicsOptions) -> crate::Result<Self> {
        // The tests side by side, so that one's sequential parts overlap another's (on the
        // integer test's execution; the results do not depend on it).
        let exec = options
            .peaks
            .as_ref()
            .map_or(crate::Execution::default(), |o| o.execution);
        let ((digits, peaks), (fp, klimek)) = crate::par::join(
            exec,
            || {
                crate::par::join(
                    exec,
                    || options.digits.as_ref().map(|o| digit_tests(set, o)),
                    || options.peaks.as_ref().map(|o| integer_peaks(set, o)),
                )
            },
            || {
                crate::par::join(
                    exec,
                    || options.fingerprint.as_ref().map(|o| fingerprint(set, o)),
                    || options.klimek.as_ref().map(|o| klimek_fit(set, o)),
                )
            },
        );
        Ok(ForensicsReport {
            digits: digits.transpose()?,
            peaks: peaks.transpose()?,
            fingerprint: fp.transpose()?,
            klimek: klimek.transpose()?,
        })
    }

    /// Every test's findings, in the order digits, peaks, fingerprint, fit.
    pub fn findings(&self) -> Vec<crate::report::Finding> {
        let mut out = Vec::new();
        if let Some(d) = &self.digits {
            out.extend(d.findings());
        }
        if let Some(p) = &self.peaks {
            out.extend(p.findings());
        }
        if let Some(f) = &self.fingerprint {
            out.extend(f.findings());
        }
        if let Some(k) = &self.klimek {
            out.extend(k.findings());
        }
        out
    }
}

/// Sets of two candidates for the forensic tests' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::model::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};

    /// A contest of A and B.
    pub(crate) fn contest() -> Contest {
        Contest::new(
            "c",
            vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")],
        )
        .unwrap()
    }

    /// Tables of (electors, voters, votes for A); B has the rest; valid = voters.
    pub(crate) fn set(rows: &[(u32, u32, u32)]) -> ActaSet {
        let mut s = ActaSet::new(contest(), Geography::new(["x"]).unwrap());
        for (i, &(e, v, a)) in rows.iter().enumerate() {
            s.push(
                ActaSheet::new(TableId::new(format!("t{i}")).unwrap())
                    .with_electors(e)
                    .with_voters(v)
                    .with_valid(v)
                    .with_votes([Some(a), Some(v - a)]),
            )
            .unwrap();
        }
        s
    }
}
