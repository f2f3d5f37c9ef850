//! The fraud model of Klimek, Yegorov, Hanel and Thurner (PNAS 2012): simulate an election from
//! a fair model plus incremental and extreme fraud, and fit the fraud to a set's tables.
//!
//! **The model.** Each table keeps its electors `N`. Fair: a turnout `a ~ N(μ_a, σ_a)` and a
//! leader's share `w ~ N(μ_w, σ_w)`, each redrawn until it lies in [0, 1]; voters
//! `T = round(N a)`, leader `W = round(T w)`, the rest `R = T − W`. Each table is then
//! fraudulent with probability `f_i + f_e`: *incremental* with probability `f_i`, an amount
//! `x ~ |N(0, θ)|`, or *extreme* with probability `f_e`, `x = 1 − |N(0, 0.075)|` (each redrawn
//! into (0, 1)). Fraud adds `floor(x (N − T))` ballots for the leader (stuffing) and moves
//! `round(x^α R)` of the others' votes to the leader. [`FraudModel::simulate`] draws such an
//! election, seeded.
//!
//! **The fit** ([`klimek_fit`]). The fair parameters are estimated from the set: `μ_a` and `μ_w`
//! the modes of the tables' turnout and share (1-point histograms), `σ_a` and `σ_w` their
//! deviations on the side below the mode (the side fraud does not reach), and `θ` the share's
//! deviation above its mode. Then each `(f_i, f_e, α)` of a grid is simulated
//! [`KlimekOptions::iterations`] times on the set's own electors, and scored by the distance
//! of the mean simulated share histogram `H` from the observed one `O` (1-point cells),
//! `Σ ((H − O) / (O + 1))²`, as in Mebane and Egami's port of Klimek's code. Every grid point
//! sees the same random draws in a given iteration (common random numbers: the fair tables,
//! the fraud amounts and the uniform deciding each table's fraud are drawn once per iteration),
//! so the distance changes with the parameters, not with the noise.
//!
//! The fitted numbers depend on the seed, the grid, the iterations and the estimated fair
//! model; the published caution applies: test the structure, not fitted values from papers.
//! A fit with fraud is evidence to look closer (`X007`, info), never proof: a fair model that
//! is not normal (regions voting differently) can be fitted better with some "fraud". Measured
//! on the crate's synthetic elections of 30,000 tables (seven regions, each with its own
//! turnout and vote; the normal fair model does not describe them): a clean election fitted
//! with 50% incremental fraud (seed 7, distance ratio 0.49, reported), and one with 3% of tables
//! stuffed fitted without fraud (seed 2024). On elections the model describes, simulated by
//! [`FraudModel::simulate`], the fit is reliable (the tests: no fraud found in fair elections,
//! 5% extreme fraud recovered exactly on the grid, 20% incremental within a step). Read the fit
//! with the fingerprint: if the share histogram is not one bell, the fit says little.

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::ShareBase;
use crate::error::{Error, Result};
use crate::model::ActaSet;
use crate::report::{Code, Finding, Subject};

/// The fraud model's parameters. Shares and turnouts are fractions (0 to 1).
///
/// # Example
///
/// ```
/// use actas::forensics::FraudModel;
///
/// let fair = FraudModel::fair(0.6, 0.1, 0.5, 0.08);
/// let model = fair.with_fraud(0.1, 0.02, 1.0);
/// let tables = model.simulate(&vec![800; 10_000], 42)?;
/// assert_eq!(tables.len(), 10_000);
/// // Every table holds: the leader's votes within the voters, the voters within the electors.
/// assert!(tables.iter().all(|t| t.leader <= t.voters && t.voters <= t.electors));
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FraudModel {
    /// The fair turnout's mean, `μ_a`.
    pub turnout_mean: f64,
    /// The fair turnout's spread, `σ_a`.
    pub turnout_sd: f64,
    /// The fair leader's share's mean, `μ_w`.
    pub share_mean: f64,
    /// The fair leader's share's spread, `σ_w`.
    pub share_sd: f64,
    /// The share of tables with incremental fraud, `f_i`.
    pub incremental: f64,
    /// The share of tables with extreme fraud, `f_e`.
    pub extreme: f64,
    /// How the others' votes moved grow with the amount of fraud, `α`.
    pub alpha: f64,
    /// The spread of incremental fraud, `θ`.
    pub theta: f64,
}

/// Which fraud a simulated table received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Fraud {
    /// None: the fair model's table.
    None,
    /// Incremental fraud.
    Incremental,
    /// Extreme fraud.
    Extreme,
}

/// A table drawn from the fraud model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SimulatedTable {
    /// Electors.
    pub electors: u64,
    /// Voters, after any stuffing.
    pub voters: u64,
    /// The leader's votes, after any fraud.
    pub leader: u64,
    /// The fraud it received.
    pub fraud: Fraud,
}

/// The spread of extreme fraud's amount below 1 (Klimek et al.'s 0.075).
const EXTREME_SD: f64 = 0.075;

/// Draws `1 − |N(0, sd)|` until it lies in (0, 1); after 1,000 tries, the middle of the
/// interval (only for spreads that make the interval all but impossible).
fn folded(rng: &mut ChaCha8Rng, sd: f64) -> f64 {
    for _ in 0..1_000 {
        let z: f64 = StandardNormal.sample(rng);
        let x = 1.0 - (z * sd).abs();
        if x > 0.0 && x < 1.0 {
            return x;
        }
    }
    0.5
}

/// Draws `N(mean, sd)` until it lies in [0, 1]; after 1,000 tries, the mean clamped.
fn truncated(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    for _ in 0..1_000 {
        let z: f64 = StandardNormal.sample(rng);
        let x = mean + sd * z;
        if (0.0..=1.0).contains(&x) {
            return x;
        }
    }
    mean.clamp(0.0, 1.0)
}

/// One table's draws, before the fraud parameters apply.
#[derive(Debug, Clone, Copy)]
struct Draw {
    electors: u64,
    voters: u64,
    leader: u64,
    /// The uniform deciding the fraud.
    u: f64,
    /// Four standard half-normal draws, for incremental fraud's amount at any `θ`.
    z: [f64; 4],
    /// The amount of extreme fraud.
    xe: f64,
}

impl Draw {
    fn new(rng: &mut ChaCha8Rng, electors: u64, m: &FraudModel) -> Draw {
        let a = truncated(rng, m.turnout_mean, m.turnout_sd);
        let w = truncated(rng, m.share_mean, m.share_sd);
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let voters = ((electors as f64 * a).round() as u64).min(electors);
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let leader = ((voters as f64 * w).round() as u64).min(voters);
        let u = rng.random::<f64>();
        let z = std::array::from_fn(|_| {
            let z: f64 = StandardNormal.sample(rng);
            z.abs()
        });
        let xe = folded(rng, EXTREME_SD);
        Draw {
            electors,
            voters,
            leader,
            u,
            z,
            xe,
        }
    }

    /// Incremental fraud's amount at spread `theta`: the first of the four draws that lies
    /// in (0, 1), else 0.5 (under `2e-8` of tables for `θ ≤ 0.4`).
    fn xi(&self, theta: f64) -> f64 {
        self.z
            .iter()
            .map(|z| z * theta)
            .find(|&x| x > 0.0 && x < 1.0)
            .unwrap_or(0.5)
    }

    /// The table under fraud `(f_i, f_e, α)` and incremental spread `θ`.
    fn apply(&self, incremental: f64, extreme: f64, alpha: f64, theta: f64) -> SimulatedTable {
        let (x, fraud) = if self.u < incremental {
            (self.xi(theta), Fraud::Incremental)
        } else if self.u < incremental + extreme {
            (self.xe, Fraud::Extreme)
        } else {
            return SimulatedTable {
                electors: self.electors,
                voters: self.voters,
                leader: self.leader,
                fraud: Fraud::None,
            };
        };
        let rest = self.voters - self.leader;
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let (stuffed, moved) = (
            ((x * (self.electors - self.voters) as f64).floor() as u64)
                .min(self.electors - self.voters),
            ((power(x, alpha) * rest as f64).round() as u64).min(rest),
        );
        SimulatedTable {
            electors: self.electors,
            voters: self.voters + stuffed,
            leader: self.leader + stuffed + moved,
            fraud,
        }
    }
}

/// `x^α`, with the common exponents exact.
#[allow(clippy::float_cmp)] // the exponents as given, not as computed
fn power(x: f64, alpha: f64) -> f64 {
    if alpha == 1.0 {
        x
    } else if alpha == 0.5 {
        x.sqrt()
    } else {
        x.powf(alpha)
    }
}

impl FraudModel {
    /// A fair model: turnout `N(turnout_mean, turnout_sd)`, the leader's share
    /// `N(share_mean, share_sd)`, no fraud (`α` 1, `θ` the share's spread).
    pub fn fair(turnout_mean: f64, turnout_sd: f64, share_mean: f64, share_sd: f64) -> Self {
        FraudModel {
            turnout_mean,
            turnout_sd,
            share_mean,
            share_sd,
            incremental: 0.0,
            extreme: 0.0,
            alpha: 1.0,
            theta: share_sd,
        }
    }

    /// With fraud: `incremental` and `extreme` shares of tables, exponent `alpha`.
    #[must_use]
    pub fn with_fraud(mut self, incremental: f64, extreme: f64, alpha: f64) -> Self {
        self.incremental = incremental;
        self.extreme = extreme;
        self.alpha = alpha;
        self
    }

    /// With another spread of incremental fraud.
    #[must_use]
    pub fn with_theta(mut self, theta: f64) -> Self {
        self.theta = theta;
        self
    }

    /// Refuses parameters that make no model: means outside [0, 1], spreads not above 0,
    /// fraud shares outside [0, 1] or adding up to more than 1, `α` not above 0, anything not
    /// finite.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) naming the parameter.
    pub fn validate(&self) -> Result<()> {
        let checks: [(&'static str, f64, bool); 8] = [
            (
                "fraud model turnout mean",
                self.turnout_mean,
                (0.0..=1.0).contains(&self.turnout_mean),
            ),
            (
                "fraud model turnout spread",
                self.turnout_sd,
                self.turnout_sd > 0.0,
            ),
            (
                "fraud model share mean",
                self.share_mean,
                (0.0..=1.0).contains(&self.share_mean),
            ),
            (
                "fraud model share spread",
                self.share_sd,
                self.share_sd > 0.0,
            ),
            (
                "fraud model incremental share",
                self.incremental,
                (0.0..=1.0).contains(&self.incremental),
            ),
            (
                "fraud model extreme share",
                self.extreme,
                (0.0..=1.0).contains(&self.extreme) && self.incremental + self.extreme <= 1.0,
            ),
            ("fraud model alpha", self.alpha, self.alpha > 0.0),
            ("fraud model theta", self.theta, self.theta > 0.0),
        ];
        for (what, x, ok) in checks {
            if !ok || !x.is_finite() {
                return Err(Error::invalid(
                    what,
                    x.to_string(),
                    "give means and shares of tables within [0, 1] (the fraud shares adding up \
                     to at most 1) and spreads and α above 0",
                ));
            }
        }
        Ok(())
    }

    /// An election of the model on tables of `electors`, seeded (the same seed, the same
    /// tables).
    ///
    /// # Errors
    ///
    /// Parameters [`FraudModel::validate`] refuses.
    pub fn simulate(&self, electors: &[u64], seed: u64) -> Result<Vec<SimulatedTable>> {
        self.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Ok(electors
            .iter()
            .map(|&n| {
                Draw::new(&mut rng, n, self).apply(
                    self.incremental,
                    self.extreme,
                    self.alpha,
                    self.theta,
                )
            })
            .collect())
    }
}

/// The parameters of [`klimek_fit`].
///
/// # Example
///
/// ```
/// use actas::forensics::KlimekOptions;
///
/// let o = KlimekOptions::default().with_iterations(3).with_seed(7);
/// assert_eq!(o.alpha, vec![0.5, 1.0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct KlimekOptions {
    /// The leader: a candidate's code; `None` for the candidate with the most votes.
    pub leader: Option<String>,
    /// The ballots the leader's share is of.
    pub share_base: ShareBase,
    /// The grid of `f_i` (0 to 0.5 by 0.05).
    pub incremental: Vec<f64>,
    /// The grid of `f_e` (0 to 0.1 by 0.01, then 0.15, 0.2, 0.3).
    pub extreme: Vec<f64>,
    /// The grid of `α` (0.5 and 1, as the toolkit's).
    pub alpha: Vec<f64>,
    /// The grid of `θ`, besides the one estimated from the set (0.05, 0.1, 0.2, 0.4): the spread
    /// of incremental fraud is hard to estimate where fraud is (the estimate mixes it with the
    /// fair spread), so it is fitted too.
    pub theta: Vec<f64>,
    /// Simulations per grid point (5).
    pub iterations: usize,
    /// The seed (42).
    pub seed: u64,
    /// The least electors of a table included (100).
    pub min_electors: u64,
    /// The least `f_i + f_e` of the best fit that [`KlimekFit::findings`] reports (0.02).
    pub report_at: f64,
    /// The greatest ratio of the best distance to the distance without fraud that
    /// [`KlimekFit::findings`] reports (0.6): the fit must be clearly better, as the distance
    /// is noisy (on fair elections simulated by the model, 20,000 tables and 10 iterations,
    /// the best grid point's ratio went down to 0.68 by chance; with 5% extreme fraud it was
    /// 0.54 and below). A rule of thumb, not a test.
    pub improvement: f64,
    /// How the grid is evaluated (on every core by default); the fit is the same either way.
    pub execution: crate::Execution,
}

impl Default for KlimekOptions {
    fn default() -> Self {
        let steps = |n: u32, by: f64| (0..=n).map(|i| f64::from(i) * by).collect::<Vec<_>>();
        let mut extreme = steps(10, 0.01);
        extreme.extend([0.15, 0.2, 0.3]);
        KlimekOptions {
            leader: None,
            share_base: ShareBase::Voters,
            incremental: steps(10, 0.05),
            extreme,
            alpha: vec![0.5, 1.0],
            theta: vec![0.05, 0.1, 0.2, 0.4],
            iterations: 5,
            seed: 42,
            min_electors: 100,
            report_at: 0.02,
            improvement: 0.6,
            execution: crate::Execution::default(),
        }
    }
}

impl KlimekOptions {
    /// With a named leader.
    #[must_use]
    pub fn with_leader(mut self, code: impl Into<String>) -> Self {
        self.leader = Some(code.into());
        self
    }

    /// With another grid.
    #[must_use]
    pub fn with_grid(mut self, incremental: Vec<f64>, extreme: Vec<f64>, alpha: Vec<f64>) -> Self {
        self.incremental = incremental;
        self.extreme = extreme;
        self.alpha = alpha;
        self
    }

    /// With `n` simulations per grid point.
    #[must_use]
    pub fn with_iterations(mut self, n: usize) -> Self {
        self.iterations = n;
        self
    }

    /// With another seed.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

/// One point of the grid and its distance.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct GridPoint {
    /// `f_i`.
    pub incremental: f64,
    /// `f_e`.
    pub extreme: f64,
    /// `α`.
    pub alpha: f64,
    /// `θ`.
    pub theta: f64,
    /// The distance of the mean simulated share histogram from the observed one.
    pub distance: f64,
}

/// The fit of the fraud model to a set ([`klimek_fit`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct KlimekFit {
    /// The leader's code.
    pub leader: String,
    /// Tables included.
    pub tables: u64,
    /// Tables left out: a field missing, fewer electors than the least, voters above electors
    /// or no ballots in the share's base.
    pub left_out: u64,
    /// The fitted model: the estimated fair part with the best grid point's fraud.
    pub model: FraudModel,
    /// The best grid point's distance.
    pub distance: f64,
    /// The distance without fraud (`f_i = f_e = 0`, the grid's first `α`); `None` when the
    /// grid lacks that point (and then nothing is reported).
    pub fair_distance: Option<f64>,
    /// Every grid point, in the order `θ` (the estimated one first), `α`, `f_e`, `f_i` (the
    /// last fastest), points without incremental fraud only under the first `θ` (the others
    /// would repeat them).
    pub grid: Vec<GridPoint>,
    /// The least `f_i + f_e` reported.
    pub report_at: f64,
    /// The greatest ratio of distances reported.
    pub improvement: f64,
}

impl KlimekFit {
    /// `X007` (info) when the best fit has fraud on at least [`KlimekOptions::report_at`] of
    /// the tables and its distance is at most [`KlimekOptions::improvement`] of the distance
    /// without fraud.
    pub fn findings(&self) -> Vec<Finding> {
        let m = &self.model;
        let Some(fair) = self.fair_distance else {
            return Vec::new();
        };
        if m.incremental + m.extreme < self.report_at || self.distance > self.improvement * fair {
            return Vec::new();
        }
        vec![
            Finding::new(
                Code::FraudModelFits,
                Subject::Candidate {
                    code: self.leader.clone(),
                },
                format!(
                    "the share histogram is fitted best with fraud at {:.0}% of tables \
                     (incremental {:.2}, extreme {:.2}, α {}) than without (distance {:.1} \
                     against {:.1})",
                    100.0 * (m.incremental + m.extreme),
                    m.incremental,
                    m.extreme,
                    m.alpha,
                    self.distance,
                    fair
                ),
            )
            .with("incremental", m.incremental)
            .with("extreme", m.extreme)
            .with("alpha", m.alpha)
            .with("distance", self.distance)
            .with("fair_distance", fair),
        ]
    }
}

/// The mode of `values` (fractions) and the spreads on each side of it. The mode: the centre
/// of the fullest 1-point cell (the first of equals), then refined by a mean shift (the mean of
/// the values within one lower spread of it, five times), as a cell is too coarse for a
/// location a fit is sensitive to. The spreads: the median distance from the mode on that side
/// over 0.6745 (the median of a half-normal of spread 1), robust to a few percent of tables
/// far away (extreme fraud).
fn mode_and_sides(values: &[f64]) -> (f64, f64, f64) {
    let mut h = [0u64; 101];
    for &v in values {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let i = ((v * 100.0).round() as usize).min(100);
        h[i] += 1;
    }
    let at = (0..101)
        .max_by_key(|&i| (h[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    #[allow(clippy::cast_precision_loss)]
    let mut mode = at as f64 / 100.0;
    let side = |mode: f64, below: bool| {
        let mut d: Vec<f64> = values
            .iter()
            .filter(|&&v| if below { v < mode } else { v > mode })
            .map(|&v| (v - mode).abs())
            .collect();
        if d.is_empty() {
            return 0.0;
        }
        let mid = d.len() / 2;
        let (_, m, _) = d.select_nth_unstable_by(mid, f64::total_cmp);
        *m / 0.674_489_750_196_081_7
    };
    for _ in 0..5 {
        let h = side(mode, true).max(0.005);
        let (n, s) = values
            .iter()
            .filter(|&&v| (v - mode).abs() <= h)
            .fold((0u64, 0.0), |(n, s), &v| (n + 1, s + v));
        if n == 0 {
            break;
        }
        #[allow(clippy::cast_precision_loss)]
        let next = s / n as f64;
        mode = next;
    }
    (mode, side(mode, true), side(mode, false))
}

/// The 1-point cell of `k / n`, `n > 0`, rounded half up; above 100% in the last.
fn cell(k: u64, n: u64) -> usize {
    let (k, n) = (u128::from(k.min(n)), u128::from(n));
    usize::try_from((200 * k + n) / (2 * n)).unwrap_or(100)
}

/// Fits Klimek et al.'s fraud model to `set` (each table once, with its first sheet).
///
/// # Errors
///
/// A leader who is no candidate of the contest, an empty grid or one with values outside
/// [0, 1] (`α` above 0), no iterations, fewer than 2 tables included, or a set whose votes
/// cannot be summed.
///
/// # Example
///
/// ```
/// use actas::forensics::{FraudModel, KlimekOptions, klimek_fit_tables};
///
/// // An election with extreme fraud at 5% of the tables, fitted back.
/// let model = FraudModel::fair(0.6, 0.08, 0.45, 0.07).with_fraud(0.0, 0.05, 1.0);
/// let tables = model.simulate(&vec![1_000; 20_000], 1)?;
/// let rows: Vec<_> = tables.iter().map(|t| (t.electors, t.voters, t.leader, t.voters)).collect();
/// let fit = klimek_fit_tables("A", &rows, 0, &KlimekOptions::default().with_iterations(2))?;
/// assert!((fit.model.extreme - 0.05).abs() <= 0.02, "{:?}", fit.model);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn klimek_fit(set: &ActaSet, options: &KlimekOptions) -> Result<KlimekFit> {
    let leader = super::Leader::of(set, options.leader.as_deref(), "leader of the fraud model")?;
    let (mut rows, mut left_out) = (Vec::new(), 0u64);
    for t in leader.tables(set, options.share_base) {
        match t {
            Some(r) => rows.push((r.electors, r.voters, r.leader, r.base)),
            None => left_out += 1,
        }
    }
    klimek_fit_tables(&leader.code, &rows, left_out, options)
}

/// [`klimek_fit`] on tables given as `(electors, voters, leader's votes, share's base)`, for
/// data that are not an [`ActaSet`] (a simulation, another tool's tables); `left_out` tables
/// already left out are added to the count.
///
/// # Errors
///
/// As [`klimek_fit`].
pub fn klimek_fit_tables(
    leader: &str,
    rows: &[(u64, u64, u64, u64)],
    left_out: u64,
    options: &KlimekOptions,
) -> Result<KlimekFit> {
    let grid_ok = !options.incremental.is_empty()
        && !options.extreme.is_empty()
        && !options.alpha.is_empty()
        && options
            .incremental
            .iter()
            .chain(&options.extreme)
            .all(|x| (0.0..=1.0).contains(x))
        && options
            .alpha
            .iter()
            .chain(&options.theta)
            .all(|a| *a > 0.0 && a.is_finite());
    if !grid_ok {
        return Err(Error::invalid(
            "fraud model grid",
            format!(
                "{:?} × {:?} × {:?}",
                options.incremental, options.extreme, options.alpha
            ),
            "give at least one value of each, shares of tables within [0, 1] and α above 0",
        ));
    }
    if options.iterations == 0 {
        return Err(Error::invalid(
            "fraud model iterations",
            "0",
            "give at least one simulation per grid point",
        ));
    }
    let mut left_out = left_out;
    let kept: Vec<(u64, u64, u64, u64)> = rows
        .iter()
        .copied()
        .filter(|&(e, v, l, b)| {
            let ok = e >= options.min_electors.max(1) && v <= e && b > 0 && l <= b;
            left_out += u64::from(!ok);
            ok
        })
        .collect();
    if kept.len() < 2 {
        return Err(Error::invalid(
            "fraud model tables",
            kept.len().to_string(),
            "the fit needs at least 2 tables with electors, voters within them and ballots",
        ));
    }
    #[allow(clippy::cast_precision_loss)]
    let turnouts: Vec<f64> = kept.iter().map(|r| r.1 as f64 / r.0 as f64).collect();
    #[allow(clippy::cast_precision_loss)]
    let shares: Vec<f64> = kept.iter().map(|r| r.2 as f64 / r.3 as f64).collect();
    let (mu_a, sd_a, _) = mode_and_sides(&turnouts);
    let (mu_w, sd_w, above_w) = mode_and_sides(&shares);
    // A spread of 0 (every table on one side of the mode) would make no model: one point.
    let floor = |x: f64| x.max(0.01);
    // Incremental fraud widens the share above its mode: θ is what the spread above adds to
    // the spread below.
    let theta = (above_w * above_w - sd_w * sd_w).max(0.0).sqrt();
    let fair = FraudModel::fair(mu_a, floor(sd_a), mu_w, floor(sd_w)).with_theta(floor(theta));
    let mut observed = [0.0f64; 101];
    for &(_, _, l, b) in &kept {
        observed[cell(l, b)] += 1.0;
    }
    let electors: Vec<u64> = kept.iter().map(|r| r.0).collect();
    let thetas: Vec<f64> = std::iter::once(fair.theta)
        .chain(options.theta.iter().copied())
        .collect();
    let mut points = Vec::new();
    for (t, &theta) in thetas.iter().enumerate() {
        for &alpha in &options.alpha {
            for &fe in &options.extreme {
                for &fi in &options.incremental {
                    if fi + fe <= 1.0 && (t == 0 || fi > 0.0) {
                        points.push((fi, fe, alpha, theta));
                    }
                }
            }
        }
    }
    if points.is_empty() {
        return Err(Error::invalid(
            "fraud model grid",
            "no point with f_i + f_e ≤ 1",
            "give shares of tables that add up to at most 1",
        ));
    }
    let mut sums = vec![[0.0f64; 101]; points.len()];
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    for _ in 0..options.iterations {
        let draws: Vec<Draw> = electors
            .iter()
            .map(|&n| Draw::new(&mut rng, n, &fair))
            .collect();
        let hists = crate::par::map(options.execution, points.len(), |p| {
            let (fi, fe, alpha, theta) = points[p];
            let mut h = [0.0f64; 101];
            for d in &draws {
                let t = d.apply(fi, fe, alpha, theta);
                if t.voters > 0 {
                    h[cell(t.leader, t.voters)] += 1.0;
                }
            }
            h
        });
        for (s, h) in sums.iter_mut().zip(hists) {
            for (a, b) in s.iter_mut().zip(h) {
                *a += b;
            }
        }
        // A fresh stream for the next iteration, whatever this one drew.
        rng = ChaCha8Rng::seed_from_u64(rng.next_u64());
    }
    #[allow(clippy::cast_precision_loss)]
    let iterations = options.iterations as f64;
    let grid: Vec<GridPoint> = points
        .iter()
        .zip(&sums)
        .map(|(&(fi, fe, alpha, theta), s)| GridPoint {
            incremental: fi,
            extreme: fe,
            alpha,
            theta,
            distance: s
                .iter()
                .zip(&observed)
                .map(|(h, o)| ((h / iterations - o) / (o + 1.0)).powi(2))
                .sum(),
        })
        .collect();
    // The grid has a point (checked above): the first of the least distances.
    let best = grid
        .iter()
        .min_by(|a, b| a.distance.total_cmp(&b.distance))
        .copied()
        .ok_or_else(|| Error::invalid("fraud model grid", "empty", "give a grid"))?;
    let fair_distance = grid
        .iter()
        .find(|g| g.incremental == 0.0 && g.extreme == 0.0)
        .map(|g| g.distance);
    Ok(KlimekFit {
        leader: leader.to_owned(),
        tables: kept.len() as u64,
        left_out,
        model: fair
            .with_fraud(best.incremental, best.extreme, best.alpha)
            .with_theta(best.theta),
        distance: best.distance,
        fair_distance,
        grid,
        report_at: options.report_at,
        improvement: options.improvement,
    })
}

#[cfg(test)]
mod tests;
