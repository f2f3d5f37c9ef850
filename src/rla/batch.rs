//! Batch comparison with MACRO (Stark 2008), where a batch is a polling table and its tally
//! sheet, as Arlo computes it for one contest.
//!
//! For table `p`, with reported votes `v` and `b` ballots (its voters, or its electors for a
//! bound that holds even if the paper shows more ballots than reported), the largest relative
//! overstatement of the margin it can hide is
//!
//! `u_p = max over pairs ((v_wp - v_lp) + b_p) / V_wl`
//!
//! where `V_wl` is the pair's reported margin over all tables. `U = Σ u_p`. A sampled table's
//! error `e_p` is its largest overstatement `((v_wp - v_lp) - (a_wp - a_lp)) / V_wl` (0 when the
//! sheet favours the winner more than the report), its taint `τ_p = e_p / u_p`. Tables are drawn
//! with probability proportional to `u_p` ([`ppeb_sample`]), with replacement; after each draw
//!
//! `p = Π (1 - 1/U) / (1 - τ_p)`
//!
//! and the audit stops at the first draw where `p ≤ α`. A taint of 1 (a table as wrong as it can
//! be) makes `p` infinite: only a full count confirms the outcome then.

use sha2::{Digest, Sha256};

use super::{ReportedResult, check_risk_limit};
use crate::error::{Error, Result};

fn check_counts(result: &ReportedResult, counts: &[u64], what: &'static str) -> Result<()> {
    let n = result.names().len();
    if counts.len() == n {
        Ok(())
    } else {
        Err(Error::invalid(
            what,
            format!("{} counts", counts.len()),
            format!("give one count per candidate ({n}), in the result's order"),
        ))
    }
}

/// Whether `a / b > c / d`, exactly (`b`, `d` > 0; numerators below 2^65, denominators below
/// 2^64).
fn greater(a: u128, b: u128, c: u128, d: u128) -> bool {
    let (qa, qc) = (a / b, c / d);
    if qa != qc {
        return qa > qc;
    }
    // Same integer part: compare the fractional parts, whose cross products fit in 128 bits.
    (a % b) * d > (c % d) * b
}

/// The error bound `u_p` of one table: the largest relative overstatement of any pair's margin
/// it can hide, from its reported `votes` (in the result's order) and `ballots` (its voters, or
/// its electors). Infinite when a pair is tied in the reported result (only a full count can
/// confirm a tie).
///
/// # Errors
///
/// Votes with a length other than the number of candidates.
///
/// # Example
///
/// ```
/// use actas::rla::{batch_error_bound, ReportedResult};
///
/// // Arlo's contest A: 60,000 / 54,000; a table of 400 ballots with 200 / 180.
/// let result = ReportedResult::new([("w", 60_000), ("l", 54_000)], 120_000, 1)?;
/// assert!((batch_error_bound(&result, &[200, 180], 400)? - 0.07).abs() < 1e-15);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn batch_error_bound(result: &ReportedResult, votes: &[u64], ballots: u64) -> Result<f64> {
    check_counts(result, votes, "table votes")?;
    let mut best: Option<(u128, u128)> = None;
    for (w, l) in result.pairs() {
        let margin = result.margin(w, l);
        if margin == 0 {
            return Ok(f64::INFINITY);
        }
        // (v_wp - v_lp) + b_p, never below 0 when the table's counts fit its ballots.
        let num = (i128::from(votes[w]) - i128::from(votes[l]) + i128::from(ballots)).max(0);
        let num = u128::try_from(num).unwrap_or(0);
        let den = u128::from(margin);
        if best.is_none_or(|(n, d)| greater(num, den, n, d)) {
            best = Some((num, den));
        }
    }
    Ok(best.map_or(0.0, |(n, d)| n as f64 / d as f64))
}

/// A sampled table's discrepancy: `counted_as` votes of the margin of the pair where its
/// relative overstatement is largest (positive: the report overstated the winner).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BatchDiscrepancy {
    /// `(v_wp - v_lp) - (a_wp - a_lp)`: reported minus audited margin, in votes.
    pub counted_as: i64,
    /// The pair's winner (index into the result's candidates).
    pub winner: usize,
    /// The pair's loser.
    pub loser: usize,
}

impl BatchDiscrepancy {
    /// The discrepancy divided by the pair's reported margin over all tables (`f64`; infinite for
    /// a tied pair).
    pub fn weighted(&self, result: &ReportedResult) -> f64 {
        super::comparison::weighted(self.counted_as, result.margin(self.winner, self.loser))
    }

    /// The error `e_p` the risk uses: the weighted discrepancy when it overstates the winner,
    /// else 0.
    pub fn error(&self, result: &ReportedResult) -> f64 {
        if self.counted_as > 0 {
            self.weighted(result)
        } else {
            0.0
        }
    }
}

/// The discrepancy between a table's `reported` and `audited` votes (in the result's order): the
/// pair whose relative overstatement is largest, or `None` when every pair's margin matches.
///
/// # Errors
///
/// Votes with a length other than the number of candidates.
pub fn batch_discrepancy(
    result: &ReportedResult,
    reported: &[u64],
    audited: &[u64],
) -> Result<Option<BatchDiscrepancy>> {
    check_counts(result, reported, "reported table votes")?;
    check_counts(result, audited, "audited table votes")?;
    let mut worst: Option<(BatchDiscrepancy, i128, u64)> = None;
    for (winner, loser) in result.pairs() {
        let r = i128::from(reported[winner]) - i128::from(reported[loser]);
        let a = i128::from(audited[winner]) - i128::from(audited[loser]);
        let error = r - a;
        if error == 0 {
            continue;
        }
        let margin = result.margin(winner, loser);
        // Compare error / margin exactly by cross products (in f64 if one overflows i128); a
        // tied pair (margin 0) ranks above every other.
        let larger = match worst {
            None => true,
            Some((_, e2, m2)) => {
                if margin == 0 || m2 == 0 {
                    margin == 0 && (m2 != 0 || error > e2)
                } else {
                    let lhs = error.checked_mul(i128::from(m2));
                    let rhs = e2.checked_mul(i128::from(margin));
                    match (lhs, rhs) {
                        (Some(l), Some(r)) => l > r,
                        _ => (error as f64 / margin as f64) > (e2 as f64 / m2 as f64),
                    }
                }
            }
        };
        if larger {
            let counted_as =
                i64::try_from(error).unwrap_or(if error > 0 { i64::MAX } else { i64::MIN });
            worst = Some((
                BatchDiscrepancy {
                    counted_as,
                    winner,
                    loser,
                },
                error,
                margin,
            ));
        }
    }
    Ok(worst.map(|(d, _, _)| d))
}

/// One draw of a batch-comparison sample, in the order drawn: the drawn table's error bound
/// `u_p` and its error `e_p`.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BatchDraw {
    /// The table's error bound, from [`batch_error_bound`].
    #[cfg_attr(feature = "serde", serde(with = "super::maybe_infinite"))]
    pub bound: f64,
    /// The table's error: its weighted discrepancy when it overstates the winner, else 0
    /// ([`BatchDiscrepancy::error`]).
    pub error: f64,
}

impl BatchDraw {
    /// A draw of a table with this bound whose sheet showed `discrepancy` (`None`: it matches).
    pub fn new(result: &ReportedResult, bound: f64, discrepancy: Option<BatchDiscrepancy>) -> Self {
        BatchDraw {
            bound,
            error: discrepancy.map_or(0.0, |d| d.error(result)),
        }
    }

    /// A draw of a table whose sheet matches its report.
    pub fn clean(bound: f64) -> Self {
        BatchDraw { bound, error: 0.0 }
    }
}

/// What a batch-comparison sample shows.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BatchRisk {
    /// The risk (p-value), at most 1 (`f64`, approximate). Infinite risks (a table as wrong as
    /// it can be) are reported as 1.
    pub p_value: f64,
    /// The risk reached the risk limit, or every table was counted.
    pub confirmed: bool,
    /// Every table was counted: risk 0.
    pub full_count: bool,
    /// How many draws the test used: it stops at the first draw where the risk reaches the
    /// limit; later draws do not change the answer.
    pub draws_used: usize,
    /// The risk after the draws used, before it was capped at 1 (infinite after a taint of 1):
    /// the "risk so far" [`macro_sample_size`] plans from.
    #[cfg_attr(feature = "serde", serde(with = "super::maybe_infinite"))]
    pub risk_so_far: f64,
}

/// The MACRO risk of a batch-comparison sample: `total_bound` is `U`, the sum of every table's
/// error bound; `draws` are the sampled tables in the order drawn (a table drawn twice appears
/// twice); `full_count` says whether every table has been counted.
///
/// # Errors
///
/// A risk limit outside (0, 1), or a total bound that is negative or not a number.
///
/// # Example
///
/// ```
/// use actas::rla::{macro_risk, BatchDraw};
///
/// // Arlo's contest C: U = 23/3; ten clean tables bring the risk to (20/23)^10 <= 0.25.
/// let clean = BatchDraw::clean(0.0852);
/// let risk = macro_risk(0.25, 23.0 / 3.0, &[clean; 12], false)?;
/// assert!(risk.confirmed);
/// assert_eq!(risk.draws_used, 10);
/// assert!((risk.p_value - (20.0f64 / 23.0).powi(10)).abs() < 1e-12);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn macro_risk(
    risk_limit: f64,
    total_bound: f64,
    draws: &[BatchDraw],
    full_count: bool,
) -> Result<BatchRisk> {
    check_risk_limit(risk_limit)?;
    if total_bound.is_nan() || total_bound < 0.0 {
        return Err(Error::invalid(
            "total error bound",
            total_bound.to_string(),
            "give U, the sum of the tables' error bounds (0 or more)",
        ));
    }
    if full_count {
        return Ok(BatchRisk {
            p_value: 0.0,
            confirmed: true,
            full_count: true,
            draws_used: draws.len(),
            risk_so_far: 0.0,
        });
    }
    let step = 1.0 - 1.0 / total_bound;
    let mut p = 1.0f64;
    for (i, d) in draws.iter().enumerate() {
        let taint = if d.error > 0.0 {
            d.error / d.bound
        } else {
            0.0
        };
        if total_bound < 1.0 {
            // No set of tables can hide enough error to change the outcome.
            p = 0.0;
        } else if !d.bound.is_finite() || !d.error.is_finite() || taint.is_nan() || taint >= 1.0 {
            p = f64::INFINITY;
        } else {
            p *= step / (1.0 - taint);
        }
        if p <= risk_limit {
            return Ok(BatchRisk {
                p_value: p,
                confirmed: true,
                full_count: false,
                draws_used: i + 1,
                risk_so_far: p,
            });
        }
    }
    Ok(BatchRisk {
        p_value: p.min(1.0),
        confirmed: false,
        full_count: false,
        draws_used: draws.len(),
        risk_so_far: p,
    })
}

/// How many more tables a MACRO audit should draw, as Arlo:
/// `ceil((ln α - ln r) / ln(1 - 1/U)) + 1` (one more "per a recommendation from Mark
/// Lindeman"), where `r` is the risk so far (1 before the first draw), capped at `tables`. 0 when the risk so far is at or below the limit;
/// every table when the risk so far is infinite or `U` is (a tied pair).
///
/// # Errors
///
/// A risk limit outside (0, 1), or a risk so far or total bound that is negative or not a
/// number.
///
/// # Example
///
/// ```
/// use actas::rla::macro_sample_size;
///
/// // Arlo's contest A (U = 21, risk limit 25%): 30 tables; after 4 clean ones, 26 more.
/// assert_eq!(macro_sample_size(0.25, 21.0, 1.0, 400)?, 30);
/// assert_eq!(macro_sample_size(0.25, 21.0, (20.0f64 / 21.0).powi(4), 400)?, 26);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn macro_sample_size(
    risk_limit: f64,
    total_bound: f64,
    risk_so_far: f64,
    tables: u64,
) -> Result<u64> {
    check_risk_limit(risk_limit)?;
    if total_bound.is_nan() || total_bound < 0.0 || risk_so_far.is_nan() || risk_so_far < 0.0 {
        return Err(Error::invalid(
            "batch comparison plan",
            format!("U = {total_bound}, risk so far {risk_so_far}"),
            "give U (the sum of the error bounds, 0 or more) and the risk so far (1 before the first draw)",
        ));
    }
    if risk_so_far <= risk_limit {
        return Ok(0);
    }
    if !total_bound.is_finite() || !risk_so_far.is_finite() {
        return Ok(tables);
    }
    if total_bound < 1.0 {
        // No table can hide enough error to change the outcome.
        return Ok(0);
    }
    if total_bound <= 1.0 {
        // Exactly 1: every table would have to be as wrong as it can be; one clean table shows
        // it is not.
        return Ok(1.min(tables));
    }
    let n = ((risk_limit.ln() - risk_so_far.ln()) / (1.0 - 1.0 / total_bound).ln()).ceil();
    if !n.is_finite() || n >= tables as f64 {
        return Ok(tables);
    }
    Ok((n.max(0.0) as u64 + 1).min(tables))
}

/// Draws `count` tables with probability proportional to their error bounds (PPEB), with
/// replacement, from the public `seed`: draw `i` (from 1) takes the SHA-256 digest of the text
/// `seed + "," + i` (as [`sample_with_replacement`](super::sample_with_replacement)), reads its
/// first 53 bits as a fraction `x` of 1, and picks the first table whose cumulative bound
/// (summed in the given order, in `f64`) exceeds `x` times the total. Returns positions in
/// `bounds`, in the order drawn.
///
/// The probabilities are proportional to the bounds to within `f64` rounding; anyone with the
/// seed and the bounds in the same order recomputes the same draws.
///
/// # Errors
///
/// A bound that is negative, infinite or not a number, or bounds that sum to 0 (nothing can be
/// drawn).
///
/// # Example
///
/// ```
/// use actas::rla::ppeb_sample;
///
/// let draws = ppeb_sample("31415926535", &[0.5, 0.0, 0.25, 0.25], 8)?;
/// assert_eq!(draws.len(), 8);
/// assert!(draws.iter().all(|&i| i != 1)); // a table that can hide no error is never drawn
/// # Ok::<(), actas::Error>(())
/// ```
pub fn ppeb_sample(seed: &str, bounds: &[f64], count: u64) -> Result<Vec<usize>> {
    ppeb_draws(seed, bounds, 1, count)
}

/// Draws `first..first + count` of [`ppeb_sample`]'s sequence (a later round continues the
/// numbering).
pub(crate) fn ppeb_draws(seed: &str, bounds: &[f64], first: u64, count: u64) -> Result<Vec<usize>> {
    let mut cumulative = Vec::with_capacity(bounds.len());
    let mut total = 0.0f64;
    for (i, &b) in bounds.iter().enumerate() {
        if !(b.is_finite() && b >= 0.0) {
            return Err(Error::invalid(
                "error bound",
                format!("{b} (table {})", i + 1),
                "every table's error bound must be a finite number, 0 or more",
            ));
        }
        total += b;
        cumulative.push(total);
    }
    if total <= 0.0 {
        return Err(Error::invalid(
            "error bounds",
            format!("{} tables, sum 0", bounds.len()),
            "no table can hide an error: there is nothing to draw",
        ));
    }
    let mut picks = Vec::with_capacity(usize::try_from(count.min(1 << 20)).unwrap_or(0));
    for i in first..first.saturating_add(count) {
        let digest = Sha256::digest(format!("{seed},{i}").as_bytes());
        let top = u64::from_be_bytes(digest[..8].try_into().unwrap_or([0; 8])) >> 11;
        let x = (top as f64 / (1u64 << 53) as f64) * total;
        let at = cumulative.partition_point(|&c| c <= x);
        // x < total, so a table is found; rounding could only point past the end.
        picks.push(at.min(bounds.len() - 1));
    }
    Ok(picks)
}

#[cfg(test)]
mod tests;
