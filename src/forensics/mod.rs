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
//! The module so far: [digit tests](digits) (second-digit Benford, last digit, counts ending in
//! 0 or 5, and Beber and Scacco's pair of last-digit tests) and [integer-percentage
//! peaks](peaks) with an exact null.

pub mod digits;
pub mod fingerprint;
pub mod klimek;
pub mod peaks;

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
            let t = crate::audit::totals(set)?;
            t.candidates
                .iter()
                .enumerate()
                .max_by_key(|(i, c)| (c.sum, std::cmp::Reverse(*i)))
                .map_or(0, |(i, _)| i)
        };
        Ok(Leader {
            code: contest
                .candidates()
                .get(at)
                .map_or_else(String::new, |c| c.code.clone()),
            lines: contest.lines_of(at).collect(),
        })
    }

    /// The leader's votes on sheet `i`; `None` when a line is missing.
    pub(crate) fn votes(&self, set: &crate::model::ActaSet, i: usize) -> Option<u64> {
        self.lines
            .iter()
            .map(|&l| set.count(i, crate::model::Field::Line(l)).map(u64::from))
            .sum()
    }
}
