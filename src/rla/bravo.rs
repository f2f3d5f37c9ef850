//! Ballot polling with BRAVO (Lindeman, Stark and Yates, 2012), as Arlo computes it.
//!
//! For each (winner, loser) pair with reported shares `s = v_w / (v_w + v_l)`, the test
//! statistic multiplies by `2s` for each sampled ballot for the winner and by `2(1 - s)` for each
//! for the loser; the pair's risk is `min(1, 1/T)`. The audit stops when every pair's risk is at
//! or below the risk limit.
//!
//! The sample sizes are Arlo's: the average sample number of BRAVO's equation (5), and the size
//! that finishes in one round with a given chance (Mark Lindeman's approximation, then checked
//! against the binomial quantile). They are computed in `f64`; the last step, from ballots that
//! name the pair to all ballots, is exact (`ceil(n * N / (v_w + v_l))` in integers). Arlo does
//! that step with decimals made from binary floats, so where the exact quotient is an integer it
//! can round one ballot up: for `p_w = 0.36`, `p_l = 0.32` at 90% Arlo gives 2476 and this crate
//! 2475 (`1683 / 0.68` is exactly 2475).

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal};

use super::ReportedResult;
use super::check_risk_limit;
use crate::error::{Error, Result};

/// The risk of one (winner, loser) pair after a ballot-polling sample.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PairRisk {
    /// The winner (index into the result's candidates).
    pub winner: usize,
    /// The loser.
    pub loser: usize,
    /// The pair's p-value, `min(1, 1/T)` (`f64`, approximate).
    pub p_value: f64,
}

/// What a ballot-polling sample shows: every pair's risk, and whether the audit may stop.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PollingRisk {
    /// Each pair's risk, in the order of [`ReportedResult::pairs`].
    pub pairs: Vec<PairRisk>,
    /// Every pair's risk is at or below the risk limit (or the sample was a full count).
    pub confirmed: bool,
    /// The sample held at least as many ballots as were cast: a full count, risk 0.
    pub full_count: bool,
}

impl PollingRisk {
    /// The largest pair risk: the audit's risk.
    pub fn max_p_value(&self) -> f64 {
        self.pairs.iter().map(|p| p.p_value).fold(0.0, f64::max)
    }
}

/// The BRAVO test statistic of every pair after `sample` (ballots for each candidate among those
/// drawn, in the result's candidate order), as natural logarithms (`ln T`).
fn log_statistics(result: &ReportedResult, sample: &[u64]) -> Vec<(usize, usize, f64)> {
    result
        .pairs()
        .map(|(w, l)| {
            let (vw, vl) = (result.votes()[w] as f64, result.votes()[l] as f64);
            let s = vw / (vw + vl);
            let mut ln_t = 0.0;
            if sample[w] > 0 {
                ln_t += sample[w] as f64 * (2.0 * s).ln();
            }
            if sample[l] > 0 {
                ln_t += sample[l] as f64 * (2.0 * (1.0 - s)).ln();
            }
            (w, l, ln_t)
        })
        .collect()
}

/// A chance of finishing must be strictly between 0 and 1.
fn check_chance(chance: f64) -> Result<()> {
    if chance > 0.0 && chance < 1.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            "chance of finishing",
            chance.to_string(),
            "give a chance strictly between 0 and 1, such as 0.9",
        ))
    }
}

fn check_sample(result: &ReportedResult, sample: &[u64]) -> Result<()> {
    if sample.len() != result.names().len() {
        return Err(Error::invalid(
            "polling sample",
            format!("{} counts", sample.len()),
            format!(
                "give one count per candidate ({}), in the result's order",
                result.names().len()
            ),
        ));
    }
    Ok(())
}

/// The risk of every (winner, loser) pair after a ballot-polling sample: `sample[c]` is the
/// number of sampled ballots for candidate `c` (all rounds together, with repeats when drawn with
/// replacement). Ballots for no candidate count toward the sample's size through `drawn`.
///
/// A sample of at least as many ballots as were cast is a full count: every risk is 0.
///
/// # Errors
///
/// A risk limit outside (0, 1), or a sample with a count per candidate missing.
///
/// # Example
///
/// ```
/// use actas::rla::{bravo_risk, ReportedResult};
///
/// // Arlo's test: 600 against 400 of 1000 ballots, 72 and 47 sampled.
/// let result = ReportedResult::new([("w", 600), ("l", 400)], 1000, 1)?;
/// let risk = bravo_risk(&result, 0.1, &[72, 47], 119)?;
/// assert!((risk.pairs[0].p_value - 0.0714037).abs() < 1e-6);
/// assert!(risk.confirmed);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn bravo_risk(
    result: &ReportedResult,
    risk_limit: f64,
    sample: &[u64],
    drawn: u64,
) -> Result<PollingRisk> {
    check_risk_limit(risk_limit)?;
    check_sample(result, sample)?;
    let counted: u64 = sample.iter().fold(0u64, |a, &b| a.saturating_add(b));
    let drawn = drawn.max(counted);
    if drawn >= result.ballots() {
        return Ok(PollingRisk {
            pairs: result
                .pairs()
                .map(|(winner, loser)| PairRisk {
                    winner,
                    loser,
                    p_value: 0.0,
                })
                .collect(),
            confirmed: true,
            full_count: true,
        });
    }
    let pairs: Vec<PairRisk> = log_statistics(result, sample)
        .into_iter()
        .map(|(winner, loser, ln_t)| PairRisk {
            winner,
            loser,
            p_value: (-ln_t).exp().min(1.0),
        })
        .collect();
    let confirmed = pairs.iter().all(|p| p.p_value <= risk_limit);
    Ok(PollingRisk {
        pairs,
        confirmed,
        full_count: false,
    })
}

/// A sample size and its chance of finishing the audit in one round, if the reported outcome is
/// right.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SizeOption {
    /// Ballots to draw (in all, including those already drawn).
    pub ballots: u64,
    /// The chance that this sample confirms the outcome in one round (`f64`, approximate); not
    /// given for contests with several winners, as Arlo.
    pub chance: Option<f64>,
}

/// The plan of a BRAVO round.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PollingPlan {
    /// Sample sizes: the average sample number and, for one winner, the sizes that finish in one
    /// round with each requested chance.
    Sizes {
        /// The average sample number (BRAVO's equation 5) with its chance of finishing.
        asn: SizeOption,
        /// For each requested chance, the size that finishes with it (one winner only).
        by_chance: Vec<SizeOption>,
    },
    /// Count every ballot: the outcome is tied, or (as Arlo) the contest has over 100,000
    /// ballots and the 90% size is at least a quarter of them.
    FullCount {
        /// The ballots cast.
        ballots: u64,
    },
}

/// The chances Arlo offers sizes for: 70%, 80% and 90%.
pub const ARLO_CHANCES: [f64; 3] = [0.7, 0.8, 0.9];

/// Plans a BRAVO round: how many ballots to draw, given what the sample so far shows (`sample`:
/// ballots per candidate, all zeros before the first round).
///
/// As Arlo: the pair with the worst-placed winner and the best-placed loser sets the sizes; a
/// tie asks for a full count; a winner with every ballot needs 1 ballot; for one winner, the
/// sizes for each of `chances` are given, and a contest over 100,000 ballots whose 90% size is a
/// quarter of its ballots or more gets a full count instead.
///
/// # Errors
///
/// A risk limit outside (0, 1), a chance outside (0, 1), or a sample with a count per candidate
/// missing.
///
/// # Example
///
/// ```
/// use actas::rla::{bravo_plan, PollingPlan, ReportedResult, ARLO_CHANCES};
///
/// let result = ReportedResult::new([("w", 600), ("l", 400)], 1000, 1)?;
/// let PollingPlan::Sizes { asn, by_chance } = bravo_plan(&result, 0.1, &[0, 0], &ARLO_CHANCES)? else {
///     panic!("not a full count");
/// };
/// assert_eq!(asn.ballots, 119);
/// let sizes: Vec<u64> = by_chance.iter().map(|s| s.ballots).collect();
/// assert_eq!(sizes, [184, 244, 351]);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn bravo_plan(
    result: &ReportedResult,
    risk_limit: f64,
    sample: &[u64],
    chances: &[f64],
) -> Result<PollingPlan> {
    check_risk_limit(risk_limit)?;
    check_sample(result, sample)?;
    for &q in chances {
        check_chance(q)?;
    }
    let n = result.ballots();
    if result
        .winners()
        .iter()
        .any(|&w| result.votes()[w] == result.ballots())
    {
        return Ok(PollingPlan::Sizes {
            asn: SizeOption {
                ballots: 1,
                chance: Some(1.0),
            },
            by_chance: Vec::new(),
        });
    }
    if result.is_tied() {
        return Ok(PollingPlan::FullCount { ballots: n });
    }
    let worst_winner = *result.winners().last().unwrap_or(&0);
    let best_loser = result.losers()[0];
    let (vw, vl) = (result.votes()[worst_winner], result.votes()[best_loser]);
    let asn_real = asn(result, risk_limit, sample);
    let asn = if asn_real.is_finite() {
        // At least one ballot: a sample that already confirms needs no plan, but a plan is asked.
        (asn_real.ceil().max(1.0) as u64).min(n)
    } else {
        n
    };
    if result.seats() != 1 {
        return Ok(PollingPlan::Sizes {
            asn: SizeOption {
                ballots: asn,
                chance: None,
            },
            by_chance: Vec::new(),
        });
    }
    let (sw, sl) = (sample[worst_winner], sample[best_loser]);
    let chance = expected_chance(risk_limit, vw, vl, n, sw, sl, asn);
    let mut by_chance = Vec::with_capacity(chances.len());
    for &q in chances {
        by_chance.push(SizeOption {
            ballots: bravo_sample_size(risk_limit, vw, vl, n, sw, sl, q)?,
            chance: Some(q),
        });
    }
    let ninety = bravo_sample_size(risk_limit, vw, vl, n, sw, sl, 0.9)?;
    if n > 100_000 && u128::from(ninety) * 4 >= u128::from(n) {
        return Ok(PollingPlan::FullCount { ballots: n });
    }
    Ok(PollingPlan::Sizes {
        asn: SizeOption {
            ballots: asn,
            chance: Some(chance),
        },
        by_chance,
    })
}

/// BRAVO's average sample number (its equation 5), not rounded: the ballots a BRAVO audit
/// expects to draw if the reported result is right, for the worst-placed winner against the
/// best-placed loser, less what the sample so far (`sample`, ballots per candidate) has shown:
///
/// `ASN = [ln(1/α) - ln T + ln(2 s)/2] / [p_w ln(2 s) + p_l ln(2 - 2 s)]`
///
/// with `s = p_w / (p_w + p_l)` and `T` the smallest pair statistic of the sample. Arlo rounds
/// it up ([`bravo_plan`]). Infinite for a tie; not a number when the winner holds every ballot.
///
/// # Errors
///
/// A risk limit outside (0, 1), or a sample with a count per candidate missing.
///
/// # Example
///
/// ```
/// use actas::rla::{bravo_asn, ReportedResult};
///
/// // A margin of 20 points between two candidates, at a risk limit of 10%: 118.9 ballots.
/// let result = ReportedResult::new([("w", 600), ("l", 400)], 1000, 1)?;
/// assert!((bravo_asn(&result, 0.1, &[0, 0])? - 118.9).abs() < 0.05);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn bravo_asn(result: &ReportedResult, risk_limit: f64, sample: &[u64]) -> Result<f64> {
    check_risk_limit(risk_limit)?;
    check_sample(result, sample)?;
    Ok(asn(result, risk_limit, sample))
}

fn asn(result: &ReportedResult, risk_limit: f64, sample: &[u64]) -> f64 {
    let n = result.ballots();
    let worst_winner = *result.winners().last().unwrap_or(&0);
    let best_loser = result.losers()[0];
    let (vw, vl) = (result.votes()[worst_winner], result.votes()[best_loser]);
    if vw == vl {
        return f64::INFINITY;
    }
    let p_w = vw as f64 / n as f64;
    let p_l = vl as f64 / n as f64;
    let s_w = p_w / (p_w + p_l);
    let z_w = (2.0 * s_w).ln();
    let l_term = if vl == 0 {
        0.0
    } else {
        p_l * (2.0 - 2.0 * s_w).ln()
    };
    let ln_t = log_statistics(result, sample)
        .into_iter()
        .map(|(_, _, t)| t)
        .fold(f64::INFINITY, f64::min);
    ((1.0 / risk_limit).ln() - ln_t + z_w / 2.0) / (p_w * z_w + l_term)
}

/// The BRAVO sample size (ballots, all rounds together) that confirms a two-candidate outcome in
/// one round with chance `chance` if the reported result is right: Mark Lindeman's analytic
/// approximation, as Arlo's `bravo_sample_sizes`. `winner` and `loser` are the pair's reported
/// votes of `ballots`; `sample_winner` and `sample_loser` what the sample so far holds for them.
///
/// Returns 0 when the sample so far already reaches the risk limit, and at most `ballots` (a
/// full count).
///
/// # Errors
///
/// A risk limit or chance outside (0, 1), no votes for the winner, a loser with more votes
/// than the winner, or votes above the ballots.
///
/// # Example
///
/// ```
/// use actas::rla::bravo_sample_size;
///
/// // Arlo's test: p_w = 0.36, p_l = 0.32 of 10,000 ballots, 60% chance. Arlo gives 2476 from
/// // binary floats; the exact answer is 2475 (1683 ballots for the pair / 0.68).
/// assert_eq!(bravo_sample_size(0.1, 3600, 3200, 10_000, 0, 0, 0.6)?, 2475);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn bravo_sample_size(
    risk_limit: f64,
    winner: u64,
    loser: u64,
    ballots: u64,
    sample_winner: u64,
    sample_loser: u64,
    chance: f64,
) -> Result<u64> {
    check_risk_limit(risk_limit)?;
    check_chance(chance)?;
    if winner == 0 || loser > winner || winner.saturating_add(loser) > ballots {
        return Err(Error::invalid(
            "pair",
            format!("{winner} against {loser} of {ballots} ballots"),
            "give the winner's and the loser's votes (winner ahead) and the ballots cast",
        ));
    }
    if loser == winner {
        return Ok(ballots);
    }
    let pair = winner + loser;
    let s = winner as f64 / pair as f64;
    let t = 1.0 - s;
    let plus = (2.0 * s).ln();
    let minus = (2.0 * t).ln();
    let threshold = (1.0 / risk_limit).ln();
    let minus_part = if sample_loser == 0 {
        0.0
    } else {
        sample_loser as f64 * minus
    };
    let threshold = threshold - (sample_winner as f64 * plus + minus_part);
    if threshold <= 0.0 {
        return Ok(0);
    }
    let size = if loser == 0 {
        // Every ballot for the pair is the winner's: the smallest n with n * plus > threshold.
        (threshold / plus).floor() as u64 + 1
    } else {
        let z = -normal().inverse_cdf(chance);
        let d = s * t;
        let f = threshold / (plus - minus);
        let g = minus / (plus - minus) + s;
        let qa = g * g;
        let qb = -(z * z * d + 2.0 * f * g);
        let qc = f * f;
        let radical = (qb * qb - 4.0 * qa * qc).max(0.0).sqrt();
        let root = if chance > 0.5 {
            (-qb + radical) / (2.0 * qa)
        } else {
            (-qb - radical) / (2.0 * qa)
        };
        let size = root.floor().max(0.0) as u64;
        // Make it a guarantee: the (1 - chance) quantile of the winner's ballots must reach the
        // threshold. As Arlo, one ballot at a time from the approximation (which is within a few
        // ballots of the answer); past 10,000 steps (an approximation far off, on a margin of a
        // few votes in millions), by doubling and then halving the step, so that it ends.
        let reaches = |n: u64| {
            let x = binomial_quantile(1.0 - chance, n, s);
            x as f64 * plus + (n - x) as f64 * minus > threshold
        };
        let cap = pair.saturating_mul(4).max(ballots);
        let mut n = size;
        let mut steps = 0u32;
        while n < cap && !reaches(n) && steps < 10_000 {
            n += 1;
            steps += 1;
        }
        if n < cap && steps == 10_000 && !reaches(n) {
            let mut lo = n;
            let mut step = 1u64;
            while lo.saturating_add(step) < cap && !reaches(lo.saturating_add(step)) {
                lo = lo.saturating_add(step);
                step = step.saturating_mul(2);
            }
            let mut hi = lo.saturating_add(step).min(cap);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if reaches(mid) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            n = hi;
        }
        n
    };
    // From ballots that name the pair to all ballots, exactly: ceil(size * N / (v_w + v_l)),
    // at most every ballot (a full count).
    let all = (u128::from(size) * u128::from(ballots)).div_ceil(u128::from(pair));
    Ok(u64::try_from(all).unwrap_or(u64::MAX).min(ballots))
}

/// The chance that a BRAVO sample of `asn` ballots confirms the outcome in one round, if the
/// reported result is right (Arlo's `expected_prob`, not rounded: Arlo rounds it to two
/// decimals). 0 when the sample so far already reaches the risk limit.
pub fn expected_chance(
    risk_limit: f64,
    winner: u64,
    loser: u64,
    ballots: u64,
    sample_winner: u64,
    sample_loser: u64,
    asn: u64,
) -> f64 {
    let pair = (winner + loser) as f64;
    let p_wr = pair / ballots as f64;
    let s = winner as f64 / pair;
    let t = 1.0 - s;
    let plus = (2.0 * s).ln();
    let minus = (2.0 * t).ln();
    let threshold =
        (1.0 / risk_limit).ln() - (sample_winner as f64 * plus + sample_loser as f64 * minus);
    if threshold.is_nan() || threshold <= 0.0 {
        return 0.0;
    }
    if loser == 0 {
        return 1.0;
    }
    let n = asn as f64 * p_wr;
    let r_x = (threshold - minus * n) / (plus - minus);
    let z = (r_x - n * s) / (n * s * t).sqrt();
    normal().cdf(-z)
}

fn normal() -> Normal {
    // Mean 0 and sd 1 are valid parameters.
    Normal::standard()
}

/// The smallest `x` in `0..=n` with `P(Bin(n, p) <= x) >= q` (scipy's `binom.ppf`).
fn binomial_quantile(q: f64, n: u64, p: f64) -> u64 {
    let Ok(dist) = Binomial::new(p, n) else {
        return 0;
    };
    let (mut lo, mut hi) = (0u64, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if dist.cdf(mid) >= q {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

#[cfg(test)]
mod tests;
