//! Integer-percentage peaks, with an exact null (Kobak, Shpilkin and Pshenichnikov).
//!
//! Counts written down to reach a target tend to give round percentages: a table's turnout or
//! its leader's share lands on 60.0% or 75.0% more often than chance allows. Per table, the
//! turnout is voters over electors and the leader's share is the leader's votes over the ballots
//! in the box ([`ShareBase`]); a table is **integer** when either lies within half a bin
//! ([`PeakOptions::bin`], 0.1 point: ±0.05) of an integer percentage, tested exactly in
//! integers.
//!
//! **The null.** The published method redraws each table's counts from binomials (voters from
//! `Bin(electors, turnout)`, the leader's votes from `Bin(ballots, share)`) a thousand times and
//! compares the observed number of integer tables with the replicates. Under that null each
//! table lands on an integer with a probability that is a sum of binomial probabilities over
//! the few counts that do, the tables are independent, and the number of integer tables is a
//! Poisson-binomial variable: its mean, variance, tail and quantiles are computed here without
//! simulation (the distribution itself, by a recursion over the tables that drops only
//! probabilities below `1e-20` and says how much it dropped). The Monte Carlo version is
//! available too ([`PeakOptions::monte_carlo`], seeded), and a law checks the two agree.
//!
//! **Inclusion** (the published filters, each a parameter): at least 100 electors, a turnout
//! and a share of at most 99%, ballots in the box. Tables left out are counted. Ratios of
//! small numbers pile up on simple fractions (½, ⅓), which is why the null is binomial per
//! table, not uniform, and why tables with few electors are left out.
//!
//! An excess of integer tables is evidence to look closer (a `warning`, `X005`), not a verdict:
//! a table of 200 electors with 150 voters is 75.0% without anyone rounding anything, and the
//! null accounts for exactly that, but not for a law or a custom that makes round turnouts
//! likelier.
//!
//! # Example
//!
//! ```
//! # #[cfg(feature = "synth")] {
//! use actas::forensics::{PeakOptions, integer_peaks};
//! use actas::synth::{SynthConfig, generate};
//!
//! let (set, _) = generate(&SynthConfig::default().with_sheets(5_000))?;
//! let peaks = integer_peaks(&set, &PeakOptions::default())?;
//! // Every table is included or left out, once.
//! assert_eq!(peaks.tables + peaks.left_out, set.tables() as u64);
//! // The expected number of integer tables, exactly, with its spread.
//! println!(
//!     "turnout: {} integer tables against {:.1} ± {:.1}",
//!     peaks.turnout.observed, peaks.turnout.mean, peaks.turnout.sd
//! );
//! # }
//! # Ok::<(), actas::Error>(())
//! ```

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use rust_decimal::Decimal;

use super::TableFigures as Row;
use crate::error::{Error, Result};
use crate::model::ActaSet;
use crate::report::{Code, Finding, Subject};

/// The ballots a leader's share is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ShareBase {
    /// The ballots cast (the `voters` field): the ballots in the box, valid or not, as the
    /// published method takes them. The default.
    Voters,
    /// The valid votes.
    Valid,
}

/// The parameters of the integer-percentage test.
///
/// # Example
///
/// ```
/// use actas::forensics::{PeakOptions, ShareBase};
///
/// let o = PeakOptions::default().with_share_base(ShareBase::Valid).with_monte_carlo(1_000);
/// assert_eq!(o.min_electors, 100);
/// assert_eq!(o.bin.to_string(), "0.1");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PeakOptions {
    /// The least electors of a table included (100).
    pub min_electors: u64,
    /// The greatest turnout included, in percent (99).
    pub max_turnout: Decimal,
    /// The greatest leader's share included, in percent (99).
    pub max_share: Decimal,
    /// The bin width in percentage points (0.1): a value within half of it of an integer
    /// percentage is integer.
    pub bin: Decimal,
    /// The ballots the leader's share is of.
    pub share_base: ShareBase,
    /// The leader: a candidate's code; `None` for the candidate with the most votes.
    pub leader: Option<String>,
    /// Monte Carlo replicates of the null, besides the exact one (0: none, the default).
    pub monte_carlo: usize,
    /// The seed of the Monte Carlo null (42).
    pub seed: u64,
    /// The significance of a finding (0.001: above the null's 99.9th percentile, as published).
    pub alpha: f64,
    /// How the per-table probabilities are computed (on every core by default); the results
    /// are the same either way.
    pub execution: crate::Execution,
}

impl Default for PeakOptions {
    fn default() -> Self {
        PeakOptions {
            min_electors: 100,
            max_turnout: Decimal::from(99),
            max_share: Decimal::from(99),
            bin: Decimal::new(1, 1),
            share_base: ShareBase::Voters,
            leader: None,
            monte_carlo: 0,
            seed: 42,
            alpha: 0.001,
            execution: crate::Execution::default(),
        }
    }
}

impl PeakOptions {
    /// With another base for the leader's share.
    #[must_use]
    pub fn with_share_base(mut self, base: ShareBase) -> Self {
        self.share_base = base;
        self
    }

    /// With a named leader.
    #[must_use]
    pub fn with_leader(mut self, code: impl Into<String>) -> Self {
        self.leader = Some(code.into());
        self
    }

    /// With a Monte Carlo null of `replicates` besides the exact one.
    #[must_use]
    pub fn with_monte_carlo(mut self, replicates: usize) -> Self {
        self.monte_carlo = replicates;
        self
    }

    /// With another seed.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

/// The observed number of integer tables against its exact null.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct IntegerNull {
    /// Tables on an integer percentage. Exact.
    pub observed: u64,
    /// Their expected number under the null, `Σ p_i`.
    pub mean: f64,
    /// Its variance, `Σ p_i (1 − p_i)`.
    pub variance: f64,
    /// Its standard deviation.
    pub sd: f64,
    /// Observed minus expected.
    pub excess: f64,
    /// The excess in standard deviations (0 when the variance is 0).
    pub z: f64,
    /// `P(X ≥ observed)` under the null.
    pub p_value: f64,
    /// The null's 99.9th percentile: the least `k` with `P(X ≤ k) ≥ 0.999`.
    pub percentile_999: u64,
    /// Probability dropped by the recursion (below `1e-20` per entry); the tail and the
    /// percentile are exact up to it.
    pub dropped: f64,
    /// Per integer percentage (0 to 100), the tables on it and their expected number; empty for
    /// "either".
    pub by_value: Vec<ValuePeak>,
}

/// The tables on one integer percentage.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ValuePeak {
    /// The percentage.
    pub percent: u8,
    /// Tables on it. Exact.
    pub observed: u64,
    /// Their expected number under the null.
    pub expected: f64,
}

/// The Monte Carlo null, for comparison with the exact one.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct MonteCarloNull {
    /// Replicates.
    pub replicates: usize,
    /// The seed.
    pub seed: u64,
    /// Mean and standard deviation of the replicates' integer tables: turnout, share, either.
    pub mean: [f64; 3],
    /// Their standard deviations.
    pub sd: [f64; 3],
}

/// The integer-percentage test of a set ([`integer_peaks`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct IntegerPeaks {
    /// The leader's code.
    pub leader: String,
    /// Tables included.
    pub tables: u64,
    /// Tables left out: a field missing, or outside the inclusion filters.
    pub left_out: u64,
    /// Integer turnouts.
    pub turnout: IntegerNull,
    /// Integer leader's shares.
    pub share: IntegerNull,
    /// Tables integer in either.
    pub either: IntegerNull,
    /// The Monte Carlo null, when asked for.
    pub monte_carlo: Option<MonteCarloNull>,
    /// The significance of the findings.
    pub alpha: f64,
}

impl IntegerPeaks {
    /// `X005` (warning) for each of turnout, share and either whose excess has a p-value below
    /// the significance.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (what, null) in [
            ("turnout", &self.turnout),
            ("share", &self.share),
            ("either", &self.either),
        ] {
            if null.p_value >= self.alpha {
                continue;
            }
            let subject = match what {
                "share" => Subject::Candidate {
                    code: self.leader.clone(),
                },
                _ => Subject::Set,
            };
            out.push(
                Finding::new(
                    Code::IntegerPercentExcess,
                    subject,
                    format!(
                        "{} tables with an integer {what} against {:.1} expected (99.9th \
                         percentile {})",
                        null.observed, null.mean, null.percentile_999
                    ),
                )
                .with("observed", null.observed)
                .with("expected", null.mean)
                .with("excess", null.excess)
                .with("z", null.z)
                .with("null_upper", null.percentile_999)
                .with("p_value", null.p_value),
            );
        }
        out
    }
}

/// Half a bin as a fraction `a / b` of a percentage point, `b ≤ 2·10^6` (a bin of at most six
/// decimals), so that `100 n b` fits a `u64` for any table's count `n < 2^32`.
fn half_bin(bin: Decimal) -> Result<(u64, u64)> {
    let bad = || {
        Error::invalid(
            "integer-percentage bin",
            bin.to_string(),
            "give a width above 0 and below 1 percentage point, of at most six decimals (0.1 by \
             default)",
        )
    };
    let bin = bin.normalize();
    if bin <= Decimal::ZERO || bin >= Decimal::ONE || bin.scale() > 6 {
        return Err(bad());
    }
    let m = u64::try_from(bin.mantissa()).map_err(|_| bad())?;
    Ok((m, 10u64.pow(bin.scale()) * 2))
}

/// Whether `100 k / n` lies within `a / b` of an integer, and which. Exact.
fn integer_at(k: u64, n: u64, (a, b): (u64, u64)) -> Option<u8> {
    if n == 0 {
        return None;
    }
    if k < 1 << 32 && n < 1 << 32 {
        // With m ≤ 100, 100 k b and m n b are under 100 · 2^32 · 2·10^6 < 2^64 (b ≤ 2·10^6,
        // see `half_bin`): the same test in u64, without a 128-bit division. (A count above
        // its base, m > 100, takes the u128 path.)
        let m = (200 * k + n) / (2 * n);
        if m <= 100 {
            let (x, y) = (100 * k * b, m * n * b);
            return (x.abs_diff(y) <= a * n).then(|| u8::try_from(m).unwrap_or(u8::MAX));
        }
    }
    let (k, n, a, b) = (u128::from(k), u128::from(n), u128::from(a), u128::from(b));
    // The nearest integer percentage, m = round(100 k / n).
    let m = (200 * k + n) / (2 * n);
    // |100 k − m n| ≤ (a / b) n  ⇔  |100 k b − m n b| ≤ a n.
    let (x, y) = (100 * k * b, m * n * b);
    (x.abs_diff(y) <= a * n).then(|| u8::try_from(m).unwrap_or(u8::MAX))
}

/// The counts of `Bin(n, k / n)`, `0 < k < n`, whose probabilities are summed: those within
/// `10 sd + 12` of the mean (see [`p_integer`]), with `ln p` and `ln q`.
struct Window {
    lp: f64,
    lq: f64,
    lo: u64,
    hi: u64,
}

impl Window {
    fn of(k: u64, n: u64) -> Window {
        #[allow(clippy::cast_precision_loss)]
        let (nf, kf) = (n as f64, k as f64);
        let p = kf / nf;
        let sd = (nf * p * (1.0 - p)).sqrt();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Window {
            lp: p.ln(),
            lq: (-p).ln_1p(),
            lo: (kf - 10.0 * sd - 12.0).max(0.0) as u64,
            hi: ((kf + 10.0 * sd + 12.0) as u64).min(n),
        }
    }
}

/// `ln k!` for `k` up to a bound, cached.
struct LnFactorial(Vec<f64>);

impl LnFactorial {
    fn up_to(n: u64) -> Self {
        // Past 2^21 (16 MiB of table), `get` computes it: a table of millions is rare.
        let n = usize::try_from(n).unwrap_or(0).min(1 << 21);
        let mut v = Vec::with_capacity(n + 1);
        v.push(0.0);
        let mut acc = 0.0f64;
        for k in 1..=n {
            acc += (k as f64).ln();
            v.push(acc);
        }
        LnFactorial(v)
    }

    fn get(&self, k: u64) -> f64 {
        usize::try_from(k)
            .ok()
            .and_then(|i| self.0.get(i).copied())
            .unwrap_or_else(|| statrs::function::factorial::ln_factorial(k))
    }
}

/// The probability that `Bin(n, k / n)` lands on an integer percentage, with each integer's
/// share added to `by_value`. Only counts within `10 sd + 12` of the mean are summed: the rest
/// hold at most `2.2e-22` for every table of up to 200 and on a grid up to 5,000 (a scan; the
/// test `the_window_holds_every_count_that_matters` keeps it below `1e-20`), far below the
/// rounding of the sums; so are counts whose probability is under `1e-20`.
fn p_integer(
    k: u64,
    n: u64,
    half: (u64, u64),
    lnf: &LnFactorial,
    by_value: &mut [f64; 101],
) -> f64 {
    if k == 0 || k == n {
        // A sure count: it lands where it is.
        return match integer_at(k, n, half) {
            Some(m) => {
                by_value[usize::from(m)] += 1.0;
                1.0
            }
            None => 0.0,
        };
    }
    let Window { lp, lq, lo, hi } = Window::of(k, n);
    // n < 2^32 and b ≤ 2·10^6 (see `half_bin`): every product below fits a u64.
    let (a, b) = half;
    let lnn = lnf.get(n);
    let mut total = 0.0;
    // From one integer m to the next, the counts landing on it, k' with
    // |100 k' b − m n b| ≤ a n, run from ceil((m n b − a n) / 100 b) to
    // floor((m n b + a n) / 100 b): both bounds move by n b / 100 b, kept as quotient and
    // remainder, so each m costs no division. (m_lo ≥ 1 keeps m n b − a n non-negative: a < b.)
    let m_lo = (100 * lo / n).max(1) - 1;
    let m_hi = (100 * hi / n + 1).min(100);
    let d = 100 * b;
    let (step_q, step_r) = (n * b / d, n * b % d);
    let start = |num: u64| (num / d, num % d);
    // floor((m n b − a n) / d) and floor((m n b + a n) / d), at m = m_lo.
    let centre = m_lo * n * b;
    let (mut lo_q, mut lo_r) = start(centre.saturating_sub(a * n));
    let (mut hi_q, mut hi_r) = start(centre + a * n);
    let mut below_zero = centre < a * n;
    let advance = |q: &mut u64, r: &mut u64| {
        *q += step_q;
        *r += step_r;
        if *r >= d {
            *q += 1;
            *r -= d;
        }
    };
    for m in m_lo..=m_hi {
        if m > m_lo {
            if below_zero {
                // Only at m = 0 can m n b − a n be negative; from m = 1 it is m n b − a n.
                (lo_q, lo_r) = start(m * n * b - a * n);
                below_zero = false;
            } else {
                advance(&mut lo_q, &mut lo_r);
            }
            advance(&mut hi_q, &mut hi_r);
        }
        let from = if below_zero {
            0
        } else {
            lo_q + u64::from(lo_r > 0)
        };
        let (from, to) = (from.max(lo), hi_q.min(hi));
        let mut mass = 0.0;
        let mut past = false;
        for j in from..=to {
            #[allow(clippy::cast_precision_loss)]
            let ln = lnn - lnf.get(j) - lnf.get(n - j) + j as f64 * lp + (n - j) as f64 * lq;
            // Below 1e-20 (e^-46) a count adds nothing a sum of f64 keeps; past the mode (at
            // most k + 1) the probabilities only fall, so nothing further counts.
            if ln > -46.0 {
                mass += ln.exp();
            } else if j > k + 1 {
                past = true;
                break;
            }
        }
        if mass > 0.0 {
            #[allow(clippy::cast_possible_truncation)]
            let slot = m as usize;
            by_value[slot] += mass;
            total += mass;
        }
        if past {
            break;
        }
    }
    total.min(1.0)
}

/// The counts of a table of `n` that land on an integer percentage, each with its percentage
/// and `ln C(n, j)` (the part of a count's log-probability that does not depend on the table's
/// rate), and the ratio `C(n, j') / C(n, j)` from each to the next. Built once per size
/// (tables of the same size share it), so that a table's chance of an integer costs two `exp`
/// (at the landing counts on either side of its mode) and one multiplication per landing count
/// after them: `P(j') = P(j) · C(n, j') / C(n, j) · (p / q)^(j' − j)`.
struct Landing {
    /// The landing counts in order, with what walks from each to the next.
    counts: Vec<LandingCount>,
    /// `ln C(n, j)` of each.
    ln_choose: Vec<f64>,
    /// Where the counts landing on each integer percentage begin (and, last, the end).
    start: [u32; 102],
    /// The distinct gaps between consecutive counts, from `[1]` on (at most three, by the
    /// three-gap theorem: the counts are the returns of `j · 100 / n` to an interval around
    /// the integers; `[0]` is unused).
    gaps: [u32; GAPS],
}

/// Room for the distinct gaps of a [`Landing`] set (three), and the unused slot 0.
const GAPS: usize = 4;

/// One landing count of a [`Landing`] set, with the factor to the next one. Walking the counts
/// reads one array (24 bytes a count), and the count of a table's mode is found from `start`:
/// the sets of many sizes do not fit a cache, and each table reads one of them.
#[derive(Debug, Clone, Copy)]
struct LandingCount {
    /// `C(n, j') / C(n, j)` to the next count `j'`, or 0 where it or its inverse is no normal
    /// `f64` below `1e300` or there is no next count (then the next probability is computed
    /// from the logarithms).
    ratio: f64,
    /// `1 / ratio` (0 where `ratio` is), to walk down without a division.
    back: f64,
    /// The count.
    j: u32,
    /// The integer percentage it lands on.
    m: u8,
    /// Where `j' − j` is in the set's `gaps`, or 0 where it is in none (then, too, from the
    /// logarithms).
    gap: u8,
}

/// The most counts all [`Landing`] sets hold together (24 bytes each: 24 MiB): the smallest
/// sizes get one, in order, until the next would pass it; the tables of other sizes are summed
/// as they come, with the same terms. A set of size `n` holds about `n · bin + 101` counts
/// (`0.001 n + 101` at the default bin of 0.1 point).
const LANDING_BUDGET: u64 = 1 << 20;

/// Below this (`e^-46`, about `1.05e-20`) a count's probability adds nothing a sum of `f64`
/// keeps.
const NEGLIGIBLE_LN: f64 = -46.0;

impl Landing {
    /// The landing counts of tables of `n` (`n < 2^32`).
    fn of(n: u64, (a, b): (u64, u64), lnf: &LnFactorial) -> Landing {
        let (mut counts, mut ln_choose) = (Vec::new(), Vec::new());
        let mut start = [0u32; 102];
        let d = 100 * b;
        for p in 0..=100u8 {
            start[usize::from(p)] = u32::try_from(counts.len()).unwrap_or(u32::MAX);
            // |100 j b − p n b| ≤ a n: j from ceil((p n b − a n) / 100 b) to
            // floor((p n b + a n) / 100 b).
            let centre = u64::from(p) * n * b;
            let from = centre.saturating_sub(a * n).div_ceil(d);
            let to = ((centre + a * n) / d).min(n);
            for j in from..=to {
                counts.push(LandingCount {
                    ratio: 0.0,
                    back: 0.0,
                    j: u32::try_from(j).unwrap_or(u32::MAX),
                    m: p,
                    gap: 0,
                });
                ln_choose.push(lnf.get(n) - lnf.get(j) - lnf.get(n - j));
            }
        }
        start[101] = u32::try_from(counts.len()).unwrap_or(u32::MAX);
        let mut gaps = [0u32; GAPS];
        let mut known = 1;
        for t in 1..counts.len() {
            let r = (ln_choose[t] - ln_choose[t - 1]).exp();
            let gap = counts[t].j - counts[t - 1].j;
            let at = match gaps[1..known].iter().position(|&g| g == gap) {
                Some(i) => i + 1,
                None if known < GAPS => {
                    gaps[known] = gap;
                    known += 1;
                    known - 1
                }
                None => 0,
            };
            if r.is_normal() && r < 1e300 && r > 1e-300 && at > 0 {
                counts[t - 1].ratio = r;
                counts[t - 1].back = 1.0 / r;
                counts[t - 1].gap = u8::try_from(at).unwrap_or(0);
            }
        }
        Landing {
            counts,
            ln_choose,
            start,
            gaps,
        }
    }

    /// As [`p_integer`], over this set (of the table's size `n`): from the landing counts on
    /// either side of the mode (`k`) outwards, as long as a count's probability matters and it
    /// lies within the window. Past the mode the probabilities only fall, so the first
    /// negligible one ends each walk. The first count of each walk costs an `exp`; each next
    /// one a multiplication by `C(n, j') / C(n, j) · (p / q)^(j' − j)`. The ratios telescope,
    /// so a term is as precise as [`p_integer`]'s (its logarithm is a difference of numbers
    /// the size of `ln n!`: a relative error of about `n ln n · 1.1e-16`).
    fn p(&self, k: u64, n: u64, by_value: &mut [f64; 101]) -> f64 {
        let Window { lp, lq, lo, hi } = Window::of(k, n);
        #[allow(clippy::cast_precision_loss)]
        let (slope, base) = (lp - lq, n as f64 * lq);
        let from_logs = |t: usize| {
            let ln = self.ln_choose[t] + f64::from(self.counts[t].j) * slope + base;
            if ln > NEGLIGIBLE_LN { ln.exp() } else { 0.0 }
        };
        // `(p / q)^g` and its inverse for each gap of the set; `[0]` = 0 marks a step taken by
        // logarithms.
        let (mut up, mut down) = ([0.0f64; GAPS], [0.0f64; GAPS]);
        for i in 1..GAPS {
            if self.gaps[i] > 0 {
                up[i] = (f64::from(self.gaps[i]) * slope).exp();
                down[i] = up[i].recip();
            }
        }
        let factor = |c: &LandingCount| c.ratio * up[usize::from(c.gap) & (GAPS - 1)];
        let inverse = |c: &LandingCount| c.back * down[usize::from(c.gap) & (GAPS - 1)];
        let negligible = NEGLIGIBLE_LN.exp();
        // The first count at or past the mode: every count of the integers below
        // floor(100 k / n) lies below k.
        let below = usize::try_from(100 * k / n).map_or(100, |m| m.min(100));
        let mut mode = self.start[below] as usize;
        while mode < self.counts.len() && u64::from(self.counts[mode].j) < k {
            mode += 1;
        }
        let mut total = 0.0;
        // Upwards from the first landing count at or past the mode.
        let mut x = if mode < self.counts.len() {
            from_logs(mode)
        } else {
            0.0
        };
        for (t, c) in self.counts.iter().enumerate().skip(mode) {
            if u64::from(c.j) > hi || x <= negligible {
                break;
            }
            by_value[usize::from(c.m)] += x;
            total += x;
            let f = factor(c);
            x = if f > 0.0 && f < 1e300 {
                x * f
            } else if t + 1 < self.counts.len() {
                from_logs(t + 1)
            } else {
                0.0
            };
        }
        // Downwards from the last landing count before the mode.
        let mut x = if mode > 0 { from_logs(mode - 1) } else { 0.0 };
        for t in (0..mode).rev() {
            let c = &self.counts[t];
            if u64::from(c.j) < lo || x <= negligible {
                break;
            }
            by_value[usize::from(c.m)] += x;
            total += x;
            if t == 0 {
                break;
            }
            let f = inverse(&self.counts[t - 1]);
            x = if f > 0.0 && f < 1e300 {
                x * f
            } else {
                from_logs(t - 1)
            };
        }
        total.min(1.0)
    }
}

/// Entries below this are dropped from the ends of a distribution (their total is returned).
const EPS: f64 = 1e-20;

/// The distribution of a sum of independent Bernoulli variables (Poisson-binomial): a tree of
/// convolutions (each half's distribution, then the two convolved), entries under `1e-20` at
/// either end dropped (their total returned). Merging two halves costs the product of their
/// widths, which grow as the square root of their size, so each level of the tree costs about
/// the same, `O(n)`, and the whole `O(n log n)`, where the recursion over one variable at a time
/// costs `O(n^1.5)`. Returns the offset of the first entry, the probabilities, and the dropped
/// mass.
fn poisson_binomial(ps: &[f64], execution: crate::Execution) -> (u64, Vec<f64>, f64) {
    if ps.len() <= 64 {
        return poisson_binomial_direct(ps);
    }
    let (left, right) = ps.split_at(ps.len() / 2);
    let ((o1, a, d1), (o2, b, d2)) = crate::par::join(
        execution,
        || poisson_binomial(left, execution),
        || poisson_binomial(right, execution),
    );
    let mut out = vec![0.0f64; a.len() + b.len() - 1];
    convolve(&a, &b, &mut out);
    let (skip, dropped) = trim(&mut out);
    (o1 + o2 + skip, out, d1 + d2 + dropped)
}

/// `out[i + j] += a[i] · b[j]` for every `i`, `j` (`out` as long as `a` and `b` less one).
/// Four entries of `a` at a time: each entry of `out` is read and written once for four of
/// them (the tree spent its time moving `out` through the cache, one entry of `a` a pass), and
/// the loop over `out` is one the compiler turns into vector instructions.
fn convolve(a: &[f64], b: &[f64], out: &mut [f64]) {
    // `b` with three zeros on each side, so that out[i + k] takes a[i + t] · b[k − t] for
    // t = 0..4 from one window.
    let mut padded = vec![0.0f64; b.len() + 6];
    padded[3..3 + b.len()].copy_from_slice(b);
    let mut quads = a.chunks_exact(4);
    let mut i = 0;
    for x in &mut quads {
        let out = &mut out[i..i + b.len() + 3];
        for ((((o, &y0), &y1), &y2), &y3) in out
            .iter_mut()
            .zip(&padded[3..])
            .zip(&padded[2..])
            .zip(&padded[1..])
            .zip(&padded[..])
        {
            *o += x[0] * y0 + x[1] * y1 + x[2] * y2 + x[3] * y3;
        }
        i += 4;
    }
    for &x in quads.remainder() {
        for (o, &y) in out[i..].iter_mut().zip(b) {
            *o += x * y;
        }
        i += 1;
    }
}

/// Drops the entries under [`EPS`] from both ends of `dist` (one entry always stays): how many
/// were dropped from the front, and their total with those from the back.
fn trim(dist: &mut Vec<f64>) -> (u64, f64) {
    let start = dist
        .iter()
        .position(|&x| x >= EPS)
        .unwrap_or(dist.len() - 1);
    let mut dropped: f64 = dist[..start].iter().sum();
    dist.drain(..start);
    while dist.len() > 1 && dist.last().is_some_and(|&x| x < EPS) {
        dropped += dist.pop().unwrap_or(0.0);
    }
    (start as u64, dropped)
}

/// [`poisson_binomial`] by the recursion over one variable at a time.
fn poisson_binomial_direct(ps: &[f64]) -> (u64, Vec<f64>, f64) {
    let mut offset = 0u64;
    let mut dist = vec![1.0f64];
    let mut dropped = 0.0;
    for &p in ps {
        if p <= 0.0 {
            continue;
        }
        if p >= 1.0 {
            offset += 1;
            continue;
        }
        let q = 1.0 - p;
        dist.push(0.0);
        for i in (1..dist.len()).rev() {
            dist[i] = dist[i] * q + dist[i - 1] * p;
        }
        dist[0] *= q;
        let (skip, d) = trim(&mut dist);
        offset += skip;
        dropped += d;
    }
    (offset, dist, dropped)
}

/// The null of a count of integer tables, from each table's probability.
fn null_of(
    observed: u64,
    ps: &[f64],
    by_value: Vec<ValuePeak>,
    execution: crate::Execution,
) -> IntegerNull {
    let mean: f64 = ps.iter().sum();
    let variance: f64 = ps.iter().map(|p| p * (1.0 - p)).sum();
    let sd = variance.sqrt();
    #[allow(clippy::cast_precision_loss)]
    let excess = observed as f64 - mean;
    let z = if sd > 0.0 { excess / sd } else { 0.0 };
    let (offset, dist, dropped) = poisson_binomial(ps, execution);
    // P(X ≥ observed) and the 99.9th percentile.
    let mut p_value = 0.0;
    let mut cum = 0.0;
    let mut percentile = offset + dist.len().saturating_sub(1) as u64;
    let mut found = false;
    for (i, &x) in dist.iter().enumerate() {
        let k = offset + i as u64;
        if k >= observed {
            p_value += x;
        }
        cum += x;
        if !found && cum >= 0.999 {
            percentile = k;
            found = true;
        }
    }
    if observed < offset {
        p_value = 1.0;
    }
    IntegerNull {
        observed,
        mean,
        variance,
        sd,
        excess,
        z,
        p_value: p_value.clamp(0.0, 1.0),
        percentile_999: percentile,
        dropped,
        by_value,
    }
}

/// Tables a chunk of the per-table work takes (fixed chunks, merged in order: the same sums on
/// any number of threads).
const CHUNK: usize = 8_192;

/// Each table's chance that `count / size` lands on an integer (in the order of `rows`), and
/// the tables expected on each integer percentage. The tables are visited in order of size, so
/// that the tables that read one landing set come one after another (the sets of all sizes do
/// not fit a cache: in the order of the file the walks waited on memory).
fn chances(
    rows: &[Row],
    ratio: fn(&Row) -> (u64, u64),
    half: (u64, u64),
    lnf: &LnFactorial,
    landing: &hashbrown::HashMap<u64, Landing>,
    execution: crate::Execution,
) -> (Vec<f64>, [f64; 101]) {
    let order = by_size(rows, |r| ratio(r).1);
    // Gathered first, in a loop whose reads do not wait on each other.
    let pairs: Vec<(u64, u64)> = order.iter().map(|&i| ratio(&rows[i])).collect();
    let chunks = crate::par::map(execution, order.len().div_ceil(CHUNK), |c| {
        let mut by = [0.0; 101];
        let ps: Vec<f64> = pairs[c * CHUNK..((c + 1) * CHUNK).min(order.len())]
            .iter()
            .map(|&(k, n)| match landing.get(&n) {
                Some(l) if k > 0 && k < n => l.p(k, n, &mut by),
                _ => p_integer(k, n, half, lnf, &mut by),
            })
            .collect();
        (ps, by)
    });
    let mut p = vec![0.0; rows.len()];
    let mut by = [0.0; 101];
    for (c, (ps, b)) in chunks.into_iter().enumerate() {
        for (&i, x) in order[c * CHUNK..].iter().zip(ps) {
            p[i] = x;
        }
        for (t, x) in by.iter_mut().zip(b) {
            *t += x;
        }
    }
    (p, by)
}

/// The indices of `rows` in order of `size` (and of index among equals): counted into place
/// when every size is under 2^22 (a 16 MiB count), sorted otherwise.
fn by_size(rows: &[Row], size: impl Fn(&Row) -> u64) -> Vec<usize> {
    let max = rows.iter().map(&size).max().unwrap_or(0);
    match usize::try_from(max) {
        Ok(max) if max < 1 << 22 => {
            let mut start = vec![0usize; max + 2];
            for r in rows {
                #[allow(clippy::cast_possible_truncation)]
                let s = size(r) as usize;
                start[s + 1] += 1;
            }
            for s in 1..start.len() {
                start[s] += start[s - 1];
            }
            let mut order = vec![0usize; rows.len()];
            for (i, r) in rows.iter().enumerate() {
                #[allow(clippy::cast_possible_truncation)]
                let s = size(r) as usize;
                order[start[s]] = i;
                start[s] += 1;
            }
            order
        }
        _ => {
            let mut order: Vec<usize> = (0..rows.len()).collect();
            order.sort_by_key(|&i| size(&rows[i]));
            order
        }
    }
}

/// The tables whose turnout, share, either lands on an integer, and how many on each integer
/// percentage (turnout, share).
#[derive(Default)]
struct Observed {
    nt: u64,
    ns: u64,
    ne: u64,
    ot: Vec<u64>,
    os: Vec<u64>,
}

impl Observed {
    fn of(rows: &[Row], half: (u64, u64), execution: crate::Execution) -> Observed {
        let chunks = crate::par::map(execution, rows.len().div_ceil(CHUNK), |c| {
            let mut o = Observed {
                ot: vec![0; 101],
                os: vec![0; 101],
                ..Observed::default()
            };
            for r in &rows[c * CHUNK..((c + 1) * CHUNK).min(rows.len())] {
                let (t, s) = (
                    integer_at(r.voters, r.electors, half),
                    integer_at(r.leader, r.base, half),
                );
                if let Some(m) = t {
                    o.ot[usize::from(m)] += 1;
                    o.nt += 1;
                }
                if let Some(m) = s {
                    o.os[usize::from(m)] += 1;
                    o.ns += 1;
                }
                if t.is_some() || s.is_some() {
                    o.ne += 1;
                }
            }
            o
        });
        let mut all = Observed {
            ot: vec![0; 101],
            os: vec![0; 101],
            ..Observed::default()
        };
        for c in chunks {
            all.nt += c.nt;
            all.ns += c.ns;
            all.ne += c.ne;
            for m in 0..101 {
                all.ot[m] += c.ot[m];
                all.os[m] += c.os[m];
            }
        }
        all
    }
}

/// The integer-percentage test of `set` (each table once, with its first sheet).
///
/// # Errors
///
/// A leader who is no candidate of the contest, a bin outside (0, 1) point, or a set whose
/// leader's votes cannot be summed.
pub fn integer_peaks(set: &ActaSet, options: &PeakOptions) -> Result<IntegerPeaks> {
    let half = half_bin(options.bin)?;
    let leader = super::Leader::of(
        set,
        options.leader.as_deref(),
        "leader of the integer-percentage test",
    )?;
    let (mut rows, mut left_out) = (Vec::new(), 0u64);
    // The ceilings as fractions num / den (a negative one admits nothing but 0).
    let fraction = |d: Decimal| {
        (
            u128::try_from(d.mantissa()).unwrap_or(0),
            10u128.pow(d.scale()),
        )
    };
    let (max_t, max_s) = (fraction(options.max_turnout), fraction(options.max_share));
    for t in leader.tables(set, options.share_base) {
        let Some(row) = t else {
            left_out += 1;
            continue;
        };
        // k / n ≤ max / 100, in integers: 100 k den ≤ num n.
        let within = |k: u64, n: u64, (num, den): (u128, u128)| {
            100 * u128::from(k) * den <= num * u128::from(n)
        };
        if row.base == 0
            || row.electors < options.min_electors
            || row.leader > row.base
            || !within(row.voters, row.electors, max_t)
            || !within(row.leader, row.base, max_s)
        {
            left_out += 1;
            continue;
        }
        rows.push(row);
    }
    let max_n = rows
        .iter()
        .map(|r| r.electors.max(r.base))
        .max()
        .unwrap_or(0);
    let lnf = LnFactorial::up_to(max_n);
    // The landing counts of each table size, once.
    let mut sizes = distinct_sizes(&rows, max_n);
    // Within the budget, smallest first: the counts landing per integer are at most
    // `n a / 50 b + 1` (two half-bins of `n a / 100 b`, and one more for the ends).
    let mut held = 0u64;
    let within = sizes
        .iter()
        .take_while(|&&n| {
            held = held.saturating_add(101 * (n.saturating_mul(half.0) / (50 * half.1) + 1));
            held <= LANDING_BUDGET
        })
        .count();
    sizes.truncate(within);
    let landing: hashbrown::HashMap<u64, Landing> =
        crate::par::map(options.execution, sizes.len(), |i| {
            (sizes[i], Landing::of(sizes[i], half, &lnf))
        })
        .into_iter()
        .collect();
    let (pt, vt) = chances(
        &rows,
        |r| (r.voters, r.electors),
        half,
        &lnf,
        &landing,
        options.execution,
    );
    let (ps, vs) = chances(
        &rows,
        |r| (r.leader, r.base),
        half,
        &lnf,
        &landing,
        options.execution,
    );
    let pe: Vec<f64> = pt.iter().zip(&ps).map(|(a, b)| a + b - a * b).collect();
    let Observed { nt, ns, ne, ot, os } = Observed::of(&rows, half, options.execution);
    let values = |o: &[u64], e: &[f64; 101]| -> Vec<ValuePeak> {
        (0..=100u8)
            .map(|m| ValuePeak {
                percent: m,
                observed: o[usize::from(m)],
                expected: e[usize::from(m)],
            })
            .collect()
    };
    let monte_carlo = (options.monte_carlo > 0)
        .then(|| monte_carlo(&rows, half, options.monte_carlo, options.seed));
    Ok(IntegerPeaks {
        leader: leader.code,
        tables: rows.len() as u64,
        left_out,
        turnout: null_of(nt, &pt, values(&ot, &vt), options.execution),
        share: null_of(ns, &ps, values(&os, &vs), options.execution),
        either: null_of(ne, &pe, Vec::new(), options.execution),
        monte_carlo,
        alpha: options.alpha,
    })
}

/// The distinct table sizes (electors and share bases) above 0, in order: marked in a bitmap
/// when the largest is under 2^26 (8 MiB of bits; one pass, where sorting two entries a table
/// took 40 ms at 10^6 tables), sorted otherwise.
fn distinct_sizes(rows: &[Row], max_n: u64) -> Vec<u64> {
    let all = || {
        rows.iter()
            .flat_map(|r| [r.electors, r.base])
            .filter(|&n| n > 0)
    };
    match usize::try_from(max_n) {
        Ok(max) if max < 1 << 26 => {
            let mut seen = vec![0u64; max / 64 + 1];
            for n in all() {
                #[allow(clippy::cast_possible_truncation)]
                let n = n as usize;
                seen[n / 64] |= 1 << (n % 64);
            }
            let mut out = Vec::new();
            for (w, &bits) in seen.iter().enumerate() {
                let mut bits = bits;
                while bits != 0 {
                    out.push((w * 64) as u64 + u64::from(bits.trailing_zeros()));
                    bits &= bits - 1;
                }
            }
            out
        }
        _ => {
            let mut sizes: Vec<u64> = all().collect();
            sizes.sort_unstable();
            sizes.dedup();
            sizes
        }
    }
}

/// The published Monte Carlo null: each replicate redraws every table's voters and leader's
/// votes from binomials at the observed rates.
fn monte_carlo(rows: &[Row], half: (u64, u64), replicates: usize, seed: u64) -> MonteCarloNull {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut counts: Vec<[f64; 3]> = Vec::with_capacity(replicates);
    let draw = |rng: &mut ChaCha8Rng, k: u64, n: u64| -> u64 {
        #[allow(clippy::cast_precision_loss)]
        let p = k as f64 / n as f64;
        Binomial::new(n, p).map_or(k, |b| b.sample(rng))
    };
    for _ in 0..replicates {
        let mut c = [0.0f64; 3];
        for r in rows {
            let t = integer_at(draw(&mut rng, r.voters, r.electors), r.electors, half).is_some();
            let s = integer_at(draw(&mut rng, r.leader, r.base), r.base, half).is_some();
            c[0] += f64::from(u8::from(t));
            c[1] += f64::from(u8::from(s));
            c[2] += f64::from(u8::from(t || s));
        }
        counts.push(c);
    }
    #[allow(clippy::cast_precision_loss)]
    let r = replicates as f64;
    let mut mean = [0.0; 3];
    let mut sd = [0.0; 3];
    for j in 0..3 {
        mean[j] = counts.iter().map(|c| c[j]).sum::<f64>() / r;
        let var = counts.iter().map(|c| (c[j] - mean[j]).powi(2)).sum::<f64>() / (r - 1.0).max(1.0);
        sd[j] = var.sqrt();
    }
    MonteCarloNull {
        replicates,
        seed,
        mean,
        sd,
    }
}

#[cfg(test)]
mod tests;
