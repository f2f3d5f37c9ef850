//! Election fingerprints: how turnout and the leader's share are distributed over the tables,
//! and how they move together (Klimek, Yegorov, Hanel and Thurner, PNAS 2012).
//!
//! In a clean election the tables form one compact cloud on the turnout × share plane, turnout
//! and share are close to uncorrelated, and their distributions are close to normal. Ballot
//! stuffing moves tables up and to the right together: a smear towards 100% turnout and 100%
//! share, a positive correlation, heavy right tails (skewness and kurtosis), and a large part of
//! the leader's votes coming from tables at 90% turnout or more. [`fingerprint`] computes all
//! of it in one pass over the tables; the counts behind it (table counts, weights, votes) are
//! exact integers, the moments and the correlation `f64`.
//!
//! Legitimate causes give some of the same shapes: rural tables with higher turnout and a
//! different vote, a region that votes as one. The fingerprint shows where to look.
//!
//! **Bins.** A histogram of `bins` intervals over 0-100% has `bins + 1` cells *centred* on the
//! multiples of its width (0.1 point by default: 0.0, 0.1, ..., 100.0, the first and last half
//! as wide), so that a table on an integer percentage sits in the middle of its cell, as in the
//! integer-percentage plots. A value is placed exactly, in integers: cell `round(bins · k / n)`,
//! halves rounded up. Tables above 100% (more voters than electors, or a leader with more votes
//! than the share's base) are counted in `above`, not in a cell.
//!
//! # Example
//!
//! ```
//! # #[cfg(feature = "synth")] {
//! use actas::forensics::{FingerprintOptions, fingerprint};
//! use actas::synth::{SynthConfig, generate};
//!
//! let (set, _) = generate(&SynthConfig::default().with_sheets(2_000))?;
//! let f = fingerprint(&set, &FingerprintOptions::default())?;
//! assert_eq!(f.tables + f.left_out, set.tables() as u64);
//! // Every table's weight is in a cell of the turnout histogram, or above 100%.
//! assert_eq!(f.turnout.counts.iter().sum::<u64>() + f.turnout.above, f.total_weight);
//! println!("correlation {:.3}", f.correlation.unwrap_or(0.0));
//! # }
//! # Ok::<(), actas::Error>(())
//! ```

use rust_decimal::Decimal;

use super::{ShareBase, TableFigures as Row};
use crate::error::{Error, Result};
use crate::model::{ActaSet, Rounding, percent_of};
use crate::report::{Code, Finding, Subject};

/// What each table counts for in the histograms and moments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Weight {
    /// Each table counts once (Klimek et al.'s fingerprints). The default.
    #[default]
    Tables,
    /// Each table counts for its voters (Kobak et al.'s histograms in the Annals of Applied
    /// Statistics, 2016).
    Voters,
    /// Each table counts for its electors.
    Electors,
}

/// The parameters of [`fingerprint`].
///
/// # Example
///
/// ```
/// use actas::forensics::{FingerprintOptions, Weight};
///
/// let o = FingerprintOptions::default().with_weight(Weight::Voters).with_grid(50);
/// assert_eq!(o.histogram_bins, 1_000);
/// assert_eq!(o.thresholds.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FingerprintOptions {
    /// The leader: a candidate's code; `None` for the candidate with the most votes.
    pub leader: Option<String>,
    /// The ballots the leader's share is of.
    pub share_base: ShareBase,
    /// What each table counts for.
    pub weight: Weight,
    /// Intervals per axis of the two-dimensional fingerprint (100: cells of one point).
    pub grid: u32,
    /// Intervals of the turnout and share histograms (1,000: cells of 0.1 point).
    pub histogram_bins: u32,
    /// Turnouts, in percent, at or above which the leader's votes are summed (90, 95, 100).
    pub thresholds: Vec<Decimal>,
    /// The least electors of a table included (0: every table with electors).
    pub min_electors: u64,
    /// The correlation of turnout and share (weighted by electors) at or above which
    /// [`Fingerprint::findings`] reports it; `None` (the default): never. A rule of thumb, not
    /// a test, and off by default: where regions differ in both turnout and vote, the
    /// correlation over tables is that of a few regions, large by chance (up to 0.71 on clean
    /// synthetic elections of seven regions).
    pub correlation_alert: Option<f64>,
}

impl Default for FingerprintOptions {
    fn default() -> Self {
        FingerprintOptions {
            leader: None,
            share_base: ShareBase::Voters,
            weight: Weight::Tables,
            grid: 100,
            histogram_bins: 1_000,
            thresholds: vec![Decimal::from(90), Decimal::from(95), Decimal::from(100)],
            min_electors: 0,
            correlation_alert: None,
        }
    }
}

impl FingerprintOptions {
    /// With a named leader.
    #[must_use]
    pub fn with_leader(mut self, code: impl Into<String>) -> Self {
        self.leader = Some(code.into());
        self
    }

    /// With another base for the leader's share.
    #[must_use]
    pub fn with_share_base(mut self, base: ShareBase) -> Self {
        self.share_base = base;
        self
    }

    /// With another weight.
    #[must_use]
    pub fn with_weight(mut self, weight: Weight) -> Self {
        self.weight = weight;
        self
    }

    /// With `grid` intervals per axis of the fingerprint.
    #[must_use]
    pub fn with_grid(mut self, grid: u32) -> Self {
        self.grid = grid;
        self
    }

    /// With `bins` intervals in the histograms.
    #[must_use]
    pub fn with_histogram_bins(mut self, bins: u32) -> Self {
        self.histogram_bins = bins;
        self
    }

    /// With tables of fewer than `electors` left out.
    #[must_use]
    pub fn with_min_electors(mut self, electors: u64) -> Self {
        self.min_electors = electors;
        self
    }

    /// With another correlation reported by the findings.
    #[must_use]
    pub fn with_correlation_alert(mut self, correlation: f64) -> Self {
        self.correlation_alert = Some(correlation);
        self
    }

    /// With other turnout thresholds, in percent.
    #[must_use]
    pub fn with_thresholds(mut self, thresholds: Vec<Decimal>) -> Self {
        self.thresholds = thresholds;
        self
    }
}

/// A histogram over 0-100% with cells centred on the multiples of its width.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Histogram {
    /// Intervals over 0-100%; there are `bins + 1` cells.
    pub bins: u32,
    /// The weight in each cell. Exact.
    pub counts: Vec<u64>,
    /// The weight above 100%. Exact.
    pub above: u64,
}

impl Histogram {
    /// An empty histogram of `bins` intervals (`bins + 1` cells).
    ///
    /// ```
    /// use actas::forensics::Histogram;
    ///
    /// let h = Histogram::new(1_000);
    /// assert_eq!(h.counts.len(), 1_001);
    /// assert_eq!(h.width().to_string(), "0.1");
    /// assert_eq!(h.centre(605).to_string(), "60.5");
    /// ```
    pub fn new(bins: u32) -> Self {
        Histogram {
            bins,
            counts: vec![0; bins as usize + 1],
            above: 0,
        }
    }

    /// The cell's width in percentage points.
    pub fn width(&self) -> Decimal {
        (Decimal::ONE_HUNDRED / Decimal::from(self.bins.max(1))).normalize()
    }

    /// The percentage at the centre of cell `i`.
    pub fn centre(&self, i: usize) -> Decimal {
        (Decimal::from(i) * Decimal::ONE_HUNDRED / Decimal::from(self.bins.max(1))).normalize()
    }

    /// The cell of `k / n` (`n > 0`), or `None` above 100%.
    fn cell(bins: u32, k: u64, n: u64) -> Option<usize> {
        if k > n {
            return None;
        }
        // round(bins k / n), halves up: floor((2 bins k + n) / 2n).
        let (k, n) = (u128::from(k), u128::from(n));
        usize::try_from((2 * u128::from(bins) * k + n) / (2 * n)).ok()
    }

    fn add(&mut self, k: u64, n: u64, w: u64) {
        match Self::cell(self.bins, k, n) {
            Some(i) => self.counts[i] += w,
            None => self.above += w,
        }
    }
}

/// Weighted mean, spread and shape of a distribution, in percentage points. Approximate.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Moments {
    /// The mean.
    pub mean: f64,
    /// The standard deviation (of the population: the weights are the whole).
    pub sd: f64,
    /// The skewness, `m3 / m2^1.5`; `None` when the spread is 0.
    pub skewness: Option<f64>,
    /// The excess kurtosis, `m4 / m2² − 3` (0 for a normal distribution); `None` when the
    /// spread is 0.
    pub excess_kurtosis: Option<f64>,
}

/// The leader's votes from the tables at or above a turnout.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct HighTurnout {
    /// The turnout, in percent.
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal"))]
    pub threshold: Decimal,
    /// Tables at or above it. Exact.
    pub tables: u64,
    /// The leader's votes there. Exact.
    pub leader_votes: u64,
    /// Their share of the leader's votes in all included tables, in percent, two decimals
    /// (half to even); 0 when the leader has no votes.
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal"))]
    pub share_of_leader_votes: Decimal,
}

/// The fingerprint of a set ([`fingerprint`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Fingerprint {
    /// The leader's code.
    pub leader: String,
    /// Tables included.
    pub tables: u64,
    /// Tables left out: a field missing, no electors, no ballots in the share's base, or fewer
    /// electors than [`FingerprintOptions::min_electors`].
    pub left_out: u64,
    /// What each table counts for.
    pub weight: Weight,
    /// The included tables' total weight.
    pub total_weight: u64,
    /// Intervals per axis of the fingerprint; it has `(grid + 1)²` cells.
    pub grid: u32,
    /// The weight in each cell, turnout major: the cell of turnout cell `t` and share cell `s`
    /// is `cells[t * (grid + 1) + s]` ([`Fingerprint::cell`]). Exact.
    pub cells: Vec<u64>,
    /// The weight of tables whose turnout or share is above 100%, in no cell.
    pub above: u64,
    /// The turnout histogram.
    pub turnout: Histogram,
    /// The leader's share histogram.
    pub share: Histogram,
    /// The turnout's moments, weighted.
    pub turnout_moments: Option<Moments>,
    /// The share's moments, weighted.
    pub share_moments: Option<Moments>,
    /// The correlation of turnout and the leader's share, weighted by electors (Pearson);
    /// `None` when either does not vary. Approximate.
    pub correlation: Option<f64>,
    /// The leader's votes in the included tables. Exact.
    pub leader_votes: u64,
    /// The leader's votes at or above each turnout threshold.
    pub high_turnout: Vec<HighTurnout>,
    /// The correlation reported by [`Fingerprint::findings`], if any.
    pub correlation_alert: Option<f64>,
}

impl Fingerprint {
    /// The weight in the cell of turnout cell `t` and share cell `s` (0 outside the grid).
    pub fn cell(&self, t: usize, s: usize) -> u64 {
        let side = self.grid as usize + 1;
        if t >= side || s >= side {
            return 0;
        }
        self.cells[t * side + s]
    }

    /// `X006` (info) when turnout and the leader's share move together: a correlation
    /// (weighted by electors) at or above [`FingerprintOptions::correlation_alert`], when one
    /// is given.
    pub fn findings(&self) -> Vec<Finding> {
        match (self.correlation, self.correlation_alert) {
            (Some(r), Some(alert)) if r >= alert => vec![
                Finding::new(
                    Code::TurnoutShareCorrelation,
                    Subject::Candidate {
                        code: self.leader.clone(),
                    },
                    format!(
                        "turnout and the leader's share move together over {} tables \
                         (correlation {r:.3}, weighted by electors)",
                        self.tables
                    ),
                )
                .with("correlation", r)
                .with("threshold", alert)
                .with("tables", self.tables),
            ],
            _ => Vec::new(),
        }
    }
}

/// The fingerprint of `set` (each table once, with its first sheet).
///
/// # Errors
///
/// A leader who is no candidate of the contest, a grid or histogram of 0 intervals or more
/// than 100,000, a negative turnout threshold, or a set whose votes cannot be summed.
pub fn fingerprint(set: &ActaSet, options: &FingerprintOptions) -> Result<Fingerprint> {
    let mut tally = FingerprintTally::new(options)?;
    let leader = super::Leader::of(set, options.leader.as_deref(), "leader of the fingerprint")?;
    for t in leader.tables(set, options.share_base) {
        tally.add(t)?;
    }
    tally.finish(leader.code, options)
}

/// The fingerprint of one candidate, gathered a table at a time (in memory over a set, in a
/// stream over its chunks: the same numbers either way, as the moments are updated one table
/// at a time in both).
#[derive(Debug, Clone)]
pub(crate) struct FingerprintTally {
    grid: u32,
    side: usize,
    weight: Weight,
    min_electors: u64,
    /// Each turnout threshold as `num / den` percent.
    thresholds: Vec<(u128, u128)>,
    cells: Vec<u64>,
    above: u64,
    total_weight: u64,
    leader_votes: u64,
    turnout: Histogram,
    share: Histogram,
    turnout_moments: OnlineMoments,
    share_moments: OnlineMoments,
    correlation: OnlineCorrelation,
    /// Tables and the leader's votes at or above each threshold.
    high: Vec<(u64, u64)>,
    tables: u64,
    left_out: u64,
}

impl FingerprintTally {
    /// An empty tally.
    ///
    /// # Errors
    ///
    /// A grid or histogram of 0 intervals or more than allowed, a negative threshold.
    pub(crate) fn new(options: &FingerprintOptions) -> Result<Self> {
        for (what, n, max) in [
            ("fingerprint grid", options.grid, 10_000),
            (
                "fingerprint histogram bins",
                options.histogram_bins,
                100_000,
            ),
        ] {
            if n == 0 || n > max {
                return Err(Error::invalid(
                    what,
                    n.to_string(),
                    format!("give 1 to {max} intervals over 0-100%"),
                ));
            }
        }
        if let Some(t) = options.thresholds.iter().find(|t| t.is_sign_negative()) {
            return Err(Error::invalid(
                "fingerprint turnout threshold",
                t.to_string(),
                "give turnouts of 0% or more",
            ));
        }
        let side = options.grid as usize + 1;
        Ok(FingerprintTally {
            grid: options.grid,
            side,
            weight: options.weight,
            min_electors: options.min_electors,
            thresholds: options
                .thresholds
                .iter()
                .map(|t| {
                    (
                        u128::try_from(t.mantissa()).unwrap_or(0),
                        10u128.pow(t.scale()),
                    )
                })
                .collect(),
            cells: vec![0u64; side * side],
            above: 0,
            total_weight: 0,
            leader_votes: 0,
            turnout: Histogram::new(options.histogram_bins),
            share: Histogram::new(options.histogram_bins),
            turnout_moments: OnlineMoments::default(),
            share_moments: OnlineMoments::default(),
            correlation: OnlineCorrelation::default(),
            high: vec![(0, 0); options.thresholds.len()],
            tables: 0,
            left_out: 0,
        })
    }

    /// Adds a table (`None`: a table missing a figure, left out and counted).
    ///
    /// # Errors
    ///
    /// Weights or votes past `u64`.
    pub(crate) fn add(&mut self, t: Option<Row>) -> Result<()> {
        let r = match t {
            Some(r) if r.electors > 0 && r.base > 0 && r.electors >= self.min_electors => r,
            _ => {
                self.left_out += 1;
                return Ok(());
            }
        };
        let w = match self.weight {
            Weight::Tables => 1,
            Weight::Voters => r.voters,
            Weight::Electors => r.electors,
        };
        let sum = |a: u64, b: u64| {
            a.checked_add(b)
                .ok_or_else(|| Error::overflow("fingerprint weights"))
        };
        self.total_weight = sum(self.total_weight, w)?;
        self.leader_votes = sum(self.leader_votes, r.leader)?;
        self.tables += 1;
        self.turnout.add(r.voters, r.electors, w);
        self.share.add(r.leader, r.base, w);
        match (
            Histogram::cell(self.grid, r.voters, r.electors),
            Histogram::cell(self.grid, r.leader, r.base),
        ) {
            (Some(t), Some(s)) => self.cells[t * self.side + s] += w,
            _ => self.above += w,
        }
        #[allow(clippy::cast_precision_loss)]
        let pct = |k: u64, n: u64| 100.0 * k as f64 / n as f64;
        let (t, s) = (pct(r.voters, r.electors), pct(r.leader, r.base));
        #[allow(clippy::cast_precision_loss)]
        let (wf, ef) = (w as f64, r.electors as f64);
        self.turnout_moments.add(wf, t);
        self.share_moments.add(wf, s);
        self.correlation.add(ef, t, s);
        for (&(num, den), (tables, votes)) in self.thresholds.iter().zip(&mut self.high) {
            // voters / electors ≥ num / (100 den)  ⇔  100 den voters ≥ num electors.
            if 100 * den * u128::from(r.voters) >= num * u128::from(r.electors) {
                *tables += 1;
                *votes += r.leader;
            }
        }
        Ok(())
    }

    /// The fingerprint of `leader` (the candidate whose votes were added).
    ///
    /// # Errors
    ///
    /// A share of votes past what a percentage holds.
    pub(crate) fn finish(
        self,
        leader: String,
        options: &FingerprintOptions,
    ) -> Result<Fingerprint> {
        let mut high_turnout = Vec::with_capacity(options.thresholds.len());
        for (&threshold, &(tables, votes)) in options.thresholds.iter().zip(&self.high) {
            high_turnout.push(HighTurnout {
                threshold,
                tables,
                leader_votes: votes,
                share_of_leader_votes: if self.leader_votes == 0 {
                    Decimal::ZERO
                } else {
                    percent_of(votes, self.leader_votes, 2, Rounding::HalfEven)?
                },
            });
        }
        Ok(Fingerprint {
            leader,
            tables: self.tables,
            left_out: self.left_out,
            weight: options.weight,
            total_weight: self.total_weight,
            grid: options.grid,
            cells: self.cells,
            above: self.above,
            turnout: self.turnout,
            share: self.share,
            turnout_moments: self.turnout_moments.finish(),
            share_moments: self.share_moments.finish(),
            correlation: self.correlation.finish(),
            leader_votes: self.leader_votes,
            high_turnout,
            correlation_alert: options.correlation_alert,
        })
    }
}

/// The fingerprint gathered a chunk of sheets at a time (for the stream): one tally per
/// candidate who may lead (the one named, or every candidate, as the leader is known at the
/// end), the same report as [`fingerprint`] on all the sheets at once.
#[derive(Debug, Clone)]
pub(crate) struct FingerprintStream {
    /// Each candidate's index, code and ballot lines, with its tally.
    candidates: Vec<(usize, String, Vec<usize>, FingerprintTally)>,
    share_base: ShareBase,
}

impl FingerprintStream {
    /// Nothing counted yet, for the contest of `set`.
    ///
    /// # Errors
    ///
    /// As [`fingerprint`]: options it refuses, a leader who is no candidate.
    pub(crate) fn new(set: &ActaSet, options: &FingerprintOptions) -> Result<Self> {
        let tally = FingerprintTally::new(options)?;
        let contest = set.contest();
        let who: Vec<usize> = match options.leader.as_deref() {
            Some(code) => vec![contest.candidate_index(code).ok_or_else(|| {
                Error::invalid(
                    "leader of the fingerprint",
                    code.to_owned(),
                    "name a candidate of the contest by its code",
                )
            })?],
            // Every candidate (and, as in memory, the first even of a contest without any).
            None => (0..contest.candidates().len().max(1)).collect(),
        };
        Ok(FingerprintStream {
            candidates: who
                .into_iter()
                .map(|c| {
                    (
                        c,
                        contest
                            .candidates()
                            .get(c)
                            .map_or_else(String::new, |x| x.code.clone()),
                        contest.lines_of(c).collect(),
                        tally.clone(),
                    )
                })
                .collect(),
            share_base: options.share_base,
        })
    }

    /// Adds the sheets of `chunk` that are no repeat.
    ///
    /// # Errors
    ///
    /// Weights or votes past `u64`.
    pub(crate) fn add(&mut self, chunk: &ActaSet) -> Result<()> {
        for i in (0..chunk.len()).filter(|&i| !chunk.is_repeat(i)) {
            // The table's figures once, each candidate's votes then.
            let table = super::TableFigures::of(chunk, i, &[], self.share_base);
            for (_, _, lines, tally) in &mut self.candidates {
                let votes = lines
                    .iter()
                    .map(|&l| chunk.count(i, crate::model::Field::Line(l)).map(u64::from))
                    .sum::<Option<u64>>();
                tally.add(
                    table
                        .zip(votes)
                        .map(|(t, leader)| super::TableFigures { leader, ..t }),
                )?;
            }
        }
        Ok(())
    }

    /// The fingerprint of the leader: the candidate named, or the one with the most votes in
    /// `totals` (the totals of the same sheets).
    ///
    /// # Errors
    ///
    /// A share of votes past what a percentage holds.
    pub(crate) fn finish(
        self,
        totals: &crate::audit::Totals,
        options: &FingerprintOptions,
    ) -> Result<Fingerprint> {
        let leader = super::most_voted(totals);
        let named = options.leader.is_some();
        match self.candidates.into_iter().find(|c| named || c.0 == leader) {
            Some((_, code, _, tally)) => tally.finish(code, options),
            None => Err(Error::invalid(
                "leader of the fingerprint",
                leader.to_string(),
                "the totals given are of another contest than the sheets'",
            )),
        }
    }
}

/// Weighted central moments gathered one value at a time: the mean and the sums
/// `M_k = Σ w (x − mean)^k`, updated by Pébay's formulas for adding a set of one value (stable
/// where sums of powers are not; "Formulas for robust, one-pass parallel computation of
/// covariances and arbitrary-order statistical moments", Sandia report SAND2008-6212).
#[derive(Debug, Clone, Copy, Default)]
struct OnlineMoments {
    w: f64,
    mean: f64,
    m2: f64,
    m3: f64,
    m4: f64,
}

impl OnlineMoments {
    fn add(&mut self, w: f64, x: f64) {
        if w <= 0.0 {
            return;
        }
        let (wa, total) = (self.w, self.w + w);
        let d = x - self.mean;
        let dn = d * w / total;
        let (m2, m3) = (self.m2, self.m3);
        // M4 and M3 from the old M2 and M3 (a set of one value has no spread of its own).
        self.m4 += d * dn * dn * dn * wa * (wa * wa - wa * w + w * w) / (w * w)
            + 6.0 * dn * dn * m2
            - 4.0 * dn * m3;
        self.m3 += d * dn * dn * wa * (wa - w) / w - 3.0 * dn * m2;
        self.m2 += d * dn * wa;
        self.mean += dn;
        self.w = total;
    }

    /// The moments; `None` without weight.
    fn finish(&self) -> Option<Moments> {
        if self.w <= 0.0 {
            return None;
        }
        let (m2, m3, m4) = (self.m2 / self.w, self.m3 / self.w, self.m4 / self.w);
        let spread = m2 > 0.0;
        Some(Moments {
            mean: self.mean,
            sd: m2.sqrt(),
            skewness: spread.then(|| m3 / (m2 * m2.sqrt())),
            excess_kurtosis: spread.then(|| m4 / (m2 * m2) - 3.0),
        })
    }
}

/// The weighted Pearson correlation gathered one pair at a time (Welford's co-moments).
#[derive(Debug, Clone, Copy, Default)]
struct OnlineCorrelation {
    w: f64,
    mx: f64,
    my: f64,
    cxy: f64,
    cxx: f64,
    cyy: f64,
}

impl OnlineCorrelation {
    fn add(&mut self, w: f64, x: f64, y: f64) {
        if w <= 0.0 {
            return;
        }
        self.w += w;
        let (dx, dy) = (x - self.mx, y - self.my);
        self.mx += dx * w / self.w;
        self.my += dy * w / self.w;
        self.cxy += w * dx * (y - self.my);
        self.cxx += w * dx * (x - self.mx);
        self.cyy += w * dy * (y - self.my);
    }

    /// The correlation; `None` when either does not vary.
    fn finish(&self) -> Option<f64> {
        (self.w > 0.0 && self.cxx > 0.0 && self.cyy > 0.0)
            .then(|| (self.cxy / (self.cxx.sqrt() * self.cyy.sqrt())).clamp(-1.0, 1.0))
    }
}

#[cfg(test)]
mod tests;
