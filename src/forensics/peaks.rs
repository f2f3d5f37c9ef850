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
/// and `ln C(n, j)`: the part of a count's log-probability that does not depend on the
/// table's rate. Built once per size (tables of the same size share it), so that a table's
/// chance of an integer is one fused multiply-add and one `exp` per landing count near its mode.
struct Landing {
    j: Vec<u64>,
    m: Vec<u8>,
    ln_choose: Vec<f64>,
}

/// The most counts all [`Landing`] sets hold together (17 bytes each: 17 MiB): the smallest
/// sizes get one, in order, until the next would pass it; the tables of other sizes are summed
/// as they come, with the same terms. A set of size `n` holds about `n · bin + 101` counts
/// (`0.001 n + 101` at the default bin of 0.1 point).
const LANDING_BUDGET: u64 = 1 << 20;

impl Landing {
    fn of(n: u64, (a, b): (u64, u64), lnf: &LnFactorial) -> Landing {
        let mut l = Landing {
            j: Vec::new(),
            m: Vec::new(),
            ln_choose: Vec::new(),
        };
        let d = 100 * b;
        for m in 0..=100u8 {
            // |100 j b − m n b| ≤ a n: j from ceil((m n b − a n) / 100 b) to
            // floor((m n b + a n) / 100 b).
            let centre = u64::from(m) * n * b;
            let from = centre.saturating_sub(a * n).div_ceil(d);
            let to = ((centre + a * n) / d).min(n);
            for j in from..=to {
                l.j.push(j);
                l.m.push(m);
                l.ln_choose.push(lnf.get(n) - lnf.get(j) - lnf.get(n - j));
            }
        }
        l
    }

    /// As [`p_integer`], over this set (of the table's size `n`).
    fn p(&self, k: u64, n: u64, by_value: &mut [f64; 101]) -> f64 {
        let Window { lp, lq, lo, hi } = Window::of(k, n);
        #[allow(clippy::cast_precision_loss)]
        let (slope, base) = (lp - lq, n as f64 * lq);
        let mut total = 0.0;
        let from = self.j.partition_point(|&j| j < lo);
        for ((&j, &m), &c) in self.j[from..]
            .iter()
            .zip(&self.m[from..])
            .zip(&self.ln_choose[from..])
        {
            if j > hi {
                break;
            }
            #[allow(clippy::cast_precision_loss)]
            let ln = c + j as f64 * slope + base;
            // As in `p_integer`: under 1e-20 a count adds nothing; past the mode nothing more.
            if ln > -46.0 {
                let x = ln.exp();
                by_value[usize::from(m)] += x;
                total += x;
            } else if j > k + 1 {
                break;
            }
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
    for (i, &x) in a.iter().enumerate() {
        for (o, &y) in out[i..].iter_mut().zip(&b) {
            *o += x * y;
        }
    }
    let (skip, dropped) = trim(&mut out);
    (o1 + o2 + skip, out, d1 + d2 + dropped)
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

/// The per-table probabilities and the observed integers of a run of tables.
struct Tally {
    /// Each table's chance of an integer turnout, share, either.
    pt: Vec<f64>,
    ps: Vec<f64>,
    pe: Vec<f64>,
    /// Expected tables per integer percentage: turnout, share.
    vt: [f64; 101],
    vs: [f64; 101],
    /// Observed tables per integer percentage.
    ot: [u64; 101],
    os: [u64; 101],
    /// Observed integer tables: turnout, share, either.
    nt: u64,
    ns: u64,
    ne: u64,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            pt: Vec::new(),
            ps: Vec::new(),
            pe: Vec::new(),
            vt: [0.0; 101],
            vs: [0.0; 101],
            ot: [0; 101],
            os: [0; 101],
            nt: 0,
            ns: 0,
            ne: 0,
        }
    }
}

impl Tally {
    fn add(
        &mut self,
        r: &Row,
        half: (u64, u64),
        lnf: &LnFactorial,
        landing: &hashbrown::HashMap<u64, Landing>,
    ) {
        let chance = |k: u64, n: u64, by: &mut [f64; 101]| match landing.get(&n) {
            Some(l) if k > 0 && k < n => l.p(k, n, by),
            _ => p_integer(k, n, half, lnf, by),
        };
        let a = chance(r.voters, r.electors, &mut self.vt);
        let b = chance(r.leader, r.base, &mut self.vs);
        self.pt.push(a);
        self.ps.push(b);
        self.pe.push(a + b - a * b);
        let (t, s) = (
            integer_at(r.voters, r.electors, half),
            integer_at(r.leader, r.base, half),
        );
        if let Some(m) = t {
            self.ot[usize::from(m)] += 1;
            self.nt += 1;
        }
        if let Some(m) = s {
            self.os[usize::from(m)] += 1;
            self.ns += 1;
        }
        if t.is_some() || s.is_some() {
            self.ne += 1;
        }
    }

    fn merge(&mut self, o: Tally) {
        self.pt.extend(o.pt);
        self.ps.extend(o.ps);
        self.pe.extend(o.pe);
        for m in 0..101 {
            self.vt[m] += o.vt[m];
            self.vs[m] += o.vs[m];
            self.ot[m] += o.ot[m];
            self.os[m] += o.os[m];
        }
        self.nt += o.nt;
        self.ns += o.ns;
        self.ne += o.ne;
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
    let mut sizes: Vec<u64> = rows
        .iter()
        .flat_map(|r| [r.electors, r.base])
        .filter(|&n| n > 0)
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
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
    // Per chunk of tables (fixed chunks, merged in order: the same sums on any number of
    // threads).
    const CHUNK: usize = 8_192;
    let chunks = crate::par::map(options.execution, rows.len().div_ceil(CHUNK), |c| {
        let mut t = Tally::default();
        for r in &rows[c * CHUNK..((c + 1) * CHUNK).min(rows.len())] {
            t.add(r, half, &lnf, &landing);
        }
        t
    });
    let mut all = Tally::default();
    for c in chunks {
        all.merge(c);
    }
    let Tally {
        pt,
        ps,
        pe,
        vt,
        vs,
        ot,
        os,
        nt,
        ns,
        ne,
    } = all;
    let values = |o: &[u64; 101], e: &[f64; 101]| -> Vec<ValuePeak> {
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
