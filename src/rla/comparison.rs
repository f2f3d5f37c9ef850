//! Ballot-level comparison with the Kaplan–Markov bound, "super-simple" (Stark 2010), as Arlo
//! computes it.
//!
//! Each sampled ballot's cast vote record (what was reported for it) is compared with the paper
//! (what the audit reads). A discrepancy is counted in votes of the margin, from `-2` to `2`:
//! `(v_w - a_w) - (v_l - a_l)` for the pair where it is largest, `2` when the ballot or its
//! record is missing. With the diluted margin `μ`, `U = 2γ/μ` and `V = μN`, the risk is
//!
//! `p = Π (1 - 1/U) / (1 - e/(2γ/V))`
//!
//! over the sampled ballots (each as many times as it was drawn), where `e` is the discrepancy
//! divided by its pair's margin, and understatements (negative `e`) count as 0. The audit stops
//! when `0 < p < α`; a sample of every ballot is a full count (`p = 0`).

use super::{ReportedResult, check_risk_limit};
use crate::error::{Error, Result};

/// A discrepancy of `counted_as` votes over a pair's margin in votes: infinite (with the
/// discrepancy's sign) for a tied pair.
pub(crate) fn weighted(counted_as: i64, margin: u64) -> f64 {
    if margin == 0 {
        f64::INFINITY * (counted_as.signum() as f64)
    } else {
        counted_as as f64 / margin as f64
    }
}

/// The inflation factor γ of Stark's tool, AGI and CORLA (and Arlo): a convention, not derived.
pub const GAMMA: f64 = 1.03905;

/// One sampled ballot's discrepancy: `counted_as` votes of the margin of the pair `(winner,
/// loser)` where it is largest (positive: the report overstated the winner).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Discrepancy {
    /// In votes of the margin, from `-2` (a two-vote understatement) to `2`.
    pub counted_as: i64,
    /// The pair's winner (index into the result's candidates).
    pub winner: usize,
    /// The pair's loser.
    pub loser: usize,
}

impl Discrepancy {
    /// The discrepancy divided by its pair's reported margin in votes (`f64`; infinite for a
    /// tied pair).
    pub fn weighted(&self, result: &ReportedResult) -> f64 {
        weighted(self.counted_as, result.margin(self.winner, self.loser))
    }
}

/// The discrepancy of one ballot: `reported` and `audited` are its marks (`true` for each
/// candidate it votes for, in the result's order), `None` when the cast vote record or the
/// ballot is missing (counted as a two-vote overstatement). `None` is returned for no
/// discrepancy.
///
/// # Errors
///
/// Marks with a length other than the number of candidates.
///
/// # Example
///
/// ```
/// use actas::rla::{ballot_discrepancy, ReportedResult};
///
/// let result = ReportedResult::new([("w", 60_000), ("l", 40_000)], 100_000, 1)?;
/// // Reported for the winner, blank on paper: a one-vote overstatement.
/// let d = ballot_discrepancy(&result, Some(&[true, false]), Some(&[false, false]))?.unwrap();
/// assert_eq!(d.counted_as, 1);
/// assert_eq!(d.weighted(&result), 1.0 / 20_000.0);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn ballot_discrepancy(
    result: &ReportedResult,
    reported: Option<&[bool]>,
    audited: Option<&[bool]>,
) -> Result<Option<Discrepancy>> {
    let n = result.names().len();
    for marks in [reported, audited].into_iter().flatten() {
        if marks.len() != n {
            return Err(Error::invalid(
                "ballot marks",
                format!("{} marks", marks.len()),
                format!("give one mark per candidate ({n}), in the result's order"),
            ));
        }
    }
    let mut worst: Option<Discrepancy> = None;
    for (winner, loser) in result.pairs() {
        let counted_as = match (reported, audited) {
            (Some(r), Some(a)) => {
                let v = |m: &[bool], c: usize| i64::from(m[c]);
                (v(r, winner) - v(a, winner)) - (v(r, loser) - v(a, loser))
            }
            _ => 2,
        };
        if counted_as != 0 && worst.is_none_or(|w| counted_as > w.counted_as) {
            worst = Some(Discrepancy {
                counted_as,
                winner,
                loser,
            });
        }
    }
    Ok(worst)
}

/// What a comparison sample shows.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ComparisonRisk {
    /// The risk (p-value), at most 1 (`f64`, approximate).
    pub p_value: f64,
    /// The risk is below the risk limit (and above 0), or the sample was a full count.
    pub confirmed: bool,
    /// Ballots drawn (with repeats) reached the ballots cast: a full count, risk 0.
    pub full_count: bool,
}

/// The super-simple risk of a ballot-comparison sample: each item is a sampled ballot's
/// discrepancy (`None` for none) and how many times it was drawn.
///
/// A tied contest (margin 0) keeps the risk at 1 until a full count.
///
/// # Errors
///
/// A risk limit outside (0, 1).
///
/// # Example
///
/// ```
/// use actas::rla::{supersimple_risk, ReportedResult};
///
/// // Arlo's contest A: 27 ballots with no discrepancy.
/// let result = ReportedResult::new([("w", 60_000), ("l", 40_000)], 100_000, 1)?;
/// let risk = supersimple_risk(&result, 0.1, std::iter::repeat((None, 1)).take(27))?;
/// assert!((risk.p_value - 0.0650746).abs() < 1e-7);
/// assert!(risk.confirmed);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn supersimple_risk(
    result: &ReportedResult,
    risk_limit: f64,
    sample: impl IntoIterator<Item = (Option<Discrepancy>, u64)>,
) -> Result<ComparisonRisk> {
    check_risk_limit(risk_limit)?;
    let mu = result.diluted_margin();
    let v = result.smallest_margin() as f64;
    let mut ln_p = 0.0f64;
    let mut drawn = 0u64;
    for (discrepancy, times) in sample {
        drawn = drawn.saturating_add(times);
        if mu == 0.0 || times == 0 {
            continue;
        }
        let u = 2.0 * GAMMA / mu;
        let e = discrepancy.map_or(0.0, |d| d.weighted(result).max(0.0));
        let denominator = 1.0 - e * v / (2.0 * GAMMA);
        let term = if denominator <= 0.0 {
            f64::INFINITY
        } else {
            ((1.0 - 1.0 / u) / denominator).ln()
        };
        ln_p += times as f64 * term;
    }
    if drawn >= result.ballots() {
        return Ok(ComparisonRisk {
            p_value: 0.0,
            confirmed: true,
            full_count: true,
        });
    }
    let p = ln_p.exp();
    Ok(ComparisonRisk {
        p_value: p.min(1.0),
        confirmed: p > 0.0 && p < risk_limit,
        full_count: false,
    })
}

/// The discrepancies seen so far, for planning the next round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Observed {
    /// Ballots drawn so far (with repeats).
    pub sample_size: u64,
    /// One-vote overstatements seen.
    pub one_vote_over: u64,
    /// Two-vote overstatements seen.
    pub two_vote_over: u64,
}

/// The default rates of Arlo and Stark's tool: one-vote misstatements 1 in 1,000, two-vote 1 in
/// 10,000 (over and under).
const R1: f64 = 0.001;
const R2: f64 = 0.0001;

/// How many more ballots a super-simple audit should draw: the stopping size for the expected
/// (first round: 1 in 1,000 one-vote and 1 in 10,000 two-vote misstatements each way) or
/// observed (later rounds: overstatement rates seen so far, understatements ignored)
/// discrepancy rates, capped at the ballots cast, less the ballots already drawn.
///
/// # Errors
///
/// A risk limit outside (0, 1).
///
/// # Example
///
/// ```
/// use actas::rla::{supersimple_sample_size, Observed, ReportedResult};
///
/// let result = ReportedResult::new([("w", 60_000), ("l", 40_000)], 100_000, 1)?;
/// assert_eq!(supersimple_sample_size(&result, 0.1, None)?, 27);
/// // After one one-vote overstatement in those 27, 38 in all: 11 more.
/// let seen = Observed { sample_size: 27, one_vote_over: 1, two_vote_over: 0 };
/// assert_eq!(supersimple_sample_size(&result, 0.1, Some(seen))?, 11);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn supersimple_sample_size(
    result: &ReportedResult,
    risk_limit: f64,
    observed: Option<Observed>,
) -> Result<u64> {
    check_risk_limit(risk_limit)?;
    let n = result.ballots();
    let mu = result.diluted_margin();
    let drawn = observed.map_or(0, |o| o.sample_size);
    let (r1, r2, s1, s2) = match observed {
        Some(o) if o.sample_size > 0 => (
            o.one_vote_over as f64 / o.sample_size as f64,
            o.two_vote_over as f64 / o.sample_size as f64,
            0.0,
            0.0,
        ),
        _ => (R1, R2, R1, R2),
    };
    let g = GAMMA;
    let (lo1, lo2) = ((1.0 - 1.0 / (2.0 * g)).ln(), (1.0 - 1.0 / g).ln());
    let (lu1, lu2) = ((1.0 + 1.0 / (2.0 * g)).ln(), (1.0 + 1.0 / g).ln());
    let denominator = (1.0 - mu / (2.0 * g)).ln() - r1 * lo1 - r2 * lo2 - s1 * lu1 - s2 * lu2;
    let stopping = if mu == 0.0 || denominator >= 0.0 || denominator.is_nan() {
        n
    } else {
        let n0 = (risk_limit.ln() / denominator).ceil();
        let o1 = (r1 * n0).ceil();
        let u1 = (s1 * n0).ceil();
        let o2 = round_half_up(r2 * n0);
        let u2 = round_half_up(s2 * n0);
        let bound =
            (-2.0 * g * (risk_limit.ln() + o1 * lo1 + o2 * lo2 + u1 * lu1 + u2 * lu2) / mu).ceil();
        let size = (o1 + o2 + u1 + u2).max(bound);
        if size.is_finite() && size < n as f64 {
            size as u64
        } else {
            n
        }
    };
    Ok(stopping.saturating_sub(drawn))
}

/// Rounds halves away from zero (the values here are never negative).
fn round_half_up(x: f64) -> f64 {
    (x + 0.5).floor()
}

#[cfg(test)]
mod tests;
