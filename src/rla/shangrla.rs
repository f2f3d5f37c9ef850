//! SHANGRLA (Stark 2020): an audit as a set of assertions, each that the mean of an *assorter*
//! over the ballots is above 1/2, tested with martingales for the mean of a bounded nonnegative
//! population (ALPHA, Kaplan–Markov, Kaplan–Wald), as SHANGRLA's `NonnegMean` computes them.
//!
//! An assorter maps a ballot to a number in `[0, u]`; the social choice function is correct if
//! every assertion's mean is above 1/2. [`Plurality`] and [`Supermajority`] are the assorters of
//! SHANGRLA's paper; another social choice function adds its own by implementing [`Assorter`].
//! For a comparison audit, [`Overstatement`] turns an assorter into the overstatement assorter
//! of a cast vote record against the paper ballot.
//!
//! The tests take the sampled values `x` in the order drawn (their p-value history is only
//! meaningful in that order) and return the p-value and its history, in `f64` (approximate).

use crate::error::{Error, Result};

/// The population the sample is drawn from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Population {
    /// `N` items, drawn without replacement.
    Finite(u64),
    /// Drawn with replacement (SHANGRLA's `N = inf`).
    WithReplacement,
}

/// A test's answer: the p-value and its history after each draw.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MeanTest {
    /// The p-value, at most 1.
    pub p_value: f64,
    /// The p-value after each draw, each at most 1.
    pub history: Vec<f64>,
}

impl MeanTest {
    /// The number of draws after which the p-value first reached `alpha`, if it did.
    pub fn first_at_or_below(&self, alpha: f64) -> Option<usize> {
        self.history.iter().position(|&p| p <= alpha).map(|i| i + 1)
    }
}

/// The hypothesis tested: the mean of a population of values in `[0, u]` is at most `t`.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NonnegMean {
    /// The hypothesized mean (1/2 for an assertion).
    pub t: f64,
    /// The upper bound of the values (the assorter's bound).
    pub u: f64,
    /// The population sampled.
    pub population: Population,
}

fn check_values(x: &[f64], u: Option<f64>) -> Result<()> {
    if let Some((i, v)) = x
        .iter()
        .enumerate()
        .find(|&(_, &v)| !(v >= 0.0 && u.is_none_or(|u| v <= u)))
    {
        return Err(Error::invalid(
            "sampled value",
            format!("{v} (draw {})", i + 1),
            match u {
                Some(u) => format!("every value must be between 0 and the upper bound {u}"),
                None => "every value must be 0 or more".to_owned(),
            },
        ));
    }
    Ok(())
}

const EPS: f64 = f64::EPSILON;

/// numpy's `isclose(a, b, atol, rtol)`: `|a - b| <= atol + rtol * |b|`.
fn isclose(a: f64, b: f64, atol: f64, rtol: f64) -> bool {
    (a - b).abs() <= atol + rtol * b.abs()
}

impl NonnegMean {
    /// The test of "mean at most `t`" for values in `[0, u]`.
    ///
    /// # Errors
    ///
    /// `u` not positive and finite, `t` not in (0, u), or a population of 0.
    pub fn new(t: f64, u: f64, population: Population) -> Result<Self> {
        if !(u > 0.0 && u.is_finite() && t > 0.0 && t < u) || population == Population::Finite(0) {
            return Err(Error::invalid(
                "mean test",
                format!("t = {t}, u = {u}, {population:?}"),
                "give an upper bound u > 0, a hypothesized mean t in (0, u) and a population of at least one",
            ));
        }
        Ok(NonnegMean { t, u, population })
    }

    /// The population mean if the null is true, just before each draw: `(N t - S_j)/(N - j + 1)`
    /// without replacement, `t` with.
    fn null_means(&self, x: &[f64], t: f64) -> Result<Vec<f64>> {
        let mut out = Vec::with_capacity(x.len());
        let mut sum = 0.0;
        for (j, &v) in x.iter().enumerate() {
            out.push(match self.population {
                Population::WithReplacement => t,
                Population::Finite(n) => {
                    if j as u64 >= n {
                        return Err(Error::invalid(
                            "sample",
                            format!("{} draws from {n}", x.len()),
                            "a sample without replacement cannot be larger than the population",
                        ));
                    }
                    (n as f64 * t - sum) / (n - j as u64) as f64
                }
            });
            sum += v;
        }
        Ok(out)
    }

    /// The ALPHA martingale test (Stark 2022) with the fixed alternative mean `eta` (in `(t, u]`;
    /// SHANGRLA's default is `t + (u - t)/2`), adjusted for the values already drawn when
    /// sampling without replacement. As SHANGRLA: a draw after which the null's mean is above `u`
    /// makes that step's statistic 0, one at 0 or `u` makes it 1, one below 0 infinite, and a
    /// sample whose total already exceeds `N t` rejects at its last draw.
    ///
    /// # Errors
    ///
    /// A value outside `[0, u]`, `eta` outside `(t, u]`, or more draws than a finite population.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::rla::{NonnegMean, Population};
    ///
    /// // SHANGRLA's test: eta = 0.75, N = 1000, all ones: 1.5^8 > 20 rejects at 5% after 8.
    /// let test = NonnegMean::new(0.5, 1.0, Population::Finite(1000))?;
    /// let result = test.alpha_mart(&[1.0; 10], 0.75)?;
    /// assert_eq!(result.first_at_or_below(0.05), Some(8));
    /// # Ok::<(), actas::Error>(())
    /// ```
    pub fn alpha_mart(&self, x: &[f64], eta: f64) -> Result<MeanTest> {
        check_values(x, Some(self.u))?;
        if !(eta > self.t && eta <= self.u) {
            return Err(Error::invalid(
                "alternative mean",
                eta.to_string(),
                format!(
                    "eta must be above t = {} and at most u = {}",
                    self.t, self.u
                ),
            ));
        }
        let u = self.u;
        let etas = self.null_means(x, eta)?;
        let mut j = 0;
        self.martingale(x, |xi, mi| {
            let ei = etas[j];
            j += 1;
            (xi * ei / mi + (u - xi) * (u - ei) / (u - mi)) / u
        })
    }

    /// The statistics `T_j = Π factor(x_i, μ_i)` of a martingale over `x`, with SHANGRLA's
    /// special cases (`alpha_mart`, `betting_mart`): a step whose null mean `μ` is above `u` or
    /// at 0 or `u`, or whose statistic vanishes, counts as 1; a null mean below 0 as infinite;
    /// a sample whose total exceeds `N t` rejects at its last draw. Returns the p-value and its
    /// history.
    fn martingale(&self, x: &[f64], mut factor: impl FnMut(f64, f64) -> f64) -> Result<MeanTest> {
        let (u, t) = (self.u, self.t);
        let m = self.null_means(x, t)?;
        let mut product = 1.0f64;
        let mut terms = Vec::with_capacity(x.len());
        for (&xi, &mi) in x.iter().zip(&m) {
            product *= factor(xi, mi);
            let mut term = product;
            if mi > u {
                term = 0.0;
            }
            if isclose(0.0, mi, 2.0 * EPS, 1e-5) || isclose(u, mi, 2.0 * EPS, 1e-6) {
                term = 1.0;
            }
            if isclose(0.0, term, 2.0 * EPS, 1e-5) {
                term = 1.0;
            }
            if mi < 0.0 {
                term = f64::INFINITY;
            }
            terms.push(term);
        }
        if let (Population::Finite(n), Some(last)) = (self.population, terms.last_mut()) {
            if x.iter().sum::<f64>() > n as f64 * t {
                *last = f64::INFINITY;
            }
        }
        Ok(finish(&terms, true))
    }

    /// The betting form of ALPHA, with a fixed bet `lambda` (the fraction of the fortune bet on
    /// each draw): `T_j = Π (1 + λ (x_i - μ_i))`, with ALPHA's special cases.
    ///
    /// # Errors
    ///
    /// A value outside `[0, u]`, a bet that is negative or not finite, or more draws than a
    /// finite population.
    pub fn betting_mart(&self, x: &[f64], lambda: f64) -> Result<MeanTest> {
        check_values(x, Some(self.u))?;
        if !(lambda >= 0.0 && lambda.is_finite()) {
            return Err(Error::invalid(
                "bet",
                lambda.to_string(),
                "a bet must be a finite fraction, 0 or more",
            ));
        }
        self.martingale(x, |xi, mi| 1.0 + lambda * (xi - mi))
    }

    /// ALPHA's alternative mean `eta` for a bet `lambda` against the null mean `mu`:
    /// `eta = mu (1 + lambda (u - mu))`.
    pub fn lambda_to_eta(&self, lambda: f64, mu: f64) -> f64 {
        mu * (1.0 + lambda * (self.u - mu))
    }

    /// The bet for ALPHA's alternative mean `eta` against the null mean `mu`:
    /// `lambda = (eta/mu - 1) / (u - mu)`.
    pub fn eta_to_lambda(&self, eta: f64, mu: f64) -> f64 {
        (eta / mu - 1.0) / (self.u - mu)
    }

    /// The Kaplan–Markov test: `p_j = Π (t + g) / (x_i + g)`, the smallest over `j` when the
    /// values are in the order drawn (`random_order`), the last otherwise. `g >= 0` keeps a zero
    /// from ending the test.
    ///
    /// # Errors
    ///
    /// A negative value, or `g` negative or not finite.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::rla::{NonnegMean, Population};
    ///
    /// let test = NonnegMean::new(0.5, 1.0, Population::WithReplacement)?;
    /// let ones = test.kaplan_markov(&[1.0; 5], 0.0, true)?;
    /// assert!((ones.p_value - 0.03125).abs() < 1e-15); // 2^-5
    /// # Ok::<(), actas::Error>(())
    /// ```
    pub fn kaplan_markov(&self, x: &[f64], g: f64, random_order: bool) -> Result<MeanTest> {
        check_values(x, None)?;
        check_padding(g, false)?;
        let mut product = 1.0f64;
        let history: Vec<f64> = x
            .iter()
            .map(|&xi| {
                product *= (self.t + g) / (xi + g);
                product
            })
            .collect();
        let p = if random_order {
            history.iter().copied().fold(f64::INFINITY, f64::min)
        } else {
            history.last().copied().unwrap_or(1.0)
        };
        Ok(MeanTest {
            p_value: p.min(1.0),
            history: history.into_iter().map(|h| h.min(1.0)).collect(),
        })
    }

    /// The Kaplan–Wald test: `T_j = Π ((1 - g) x_i / t + g)`, `p = 1 / max T_j` when the values
    /// are in the order drawn, `1 / T_n` otherwise; `g` in `[0, 1]`.
    ///
    /// # Errors
    ///
    /// A negative value, or `g` outside `[0, 1]`.
    pub fn kaplan_wald(&self, x: &[f64], g: f64, random_order: bool) -> Result<MeanTest> {
        check_values(x, None)?;
        check_padding(g, true)?;
        let mut product = 1.0f64;
        let terms: Vec<f64> = x
            .iter()
            .map(|&xi| {
                product *= (1.0 - g) * xi / self.t + g;
                product
            })
            .collect();
        Ok(finish(&terms, random_order))
    }

    /// The sample size at which a test first rejects at `alpha` if the population looked like
    /// `x` repeated (SHANGRLA's deterministic `sample_size`): `x` is tiled to the population's
    /// size (or to `cap` draws with replacement) and the first draw whose p-value is at most
    /// `alpha` is returned; the whole population (or `cap`) if none is. At most 2^22 draws are
    /// simulated: a test that has not rejected by then gets the whole population.
    ///
    /// # Errors
    ///
    /// An empty `x`, or what `test` returns.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::rla::{NonnegMean, Population};
    ///
    /// let test = NonnegMean::new(0.5, 1.0, Population::Finite(1000))?;
    /// // SHANGRLA's test: (1.5 * 0.75 + 0.5 * 0.25)^14 > 20.
    /// let n = test.sample_size(&[0.75], 0.05, 1000, |x| test.alpha_mart(x, 0.75))?;
    /// assert_eq!(n, 14);
    /// # Ok::<(), actas::Error>(())
    /// ```
    pub fn sample_size(
        &self,
        x: &[f64],
        alpha: f64,
        cap: u64,
        test: impl Fn(&[f64]) -> Result<MeanTest>,
    ) -> Result<u64> {
        if x.is_empty() {
            return Err(Error::invalid(
                "pilot values",
                "none",
                "give at least one value to tile the population with",
            ));
        }
        let full = match self.population {
            Population::Finite(n) => n.min(cap),
            Population::WithReplacement => cap,
        };
        // At most 2^22 draws are simulated (32 MiB); a test that has not rejected by then is
        // answered with the whole population (or `cap`): a full count.
        let n = usize::try_from(full.min(1 << 22)).unwrap_or(1 << 22);
        let pop: Vec<f64> = x.iter().copied().cycle().take(n).collect();
        let result = test(&pop)?;
        Ok(result.first_at_or_below(alpha).map_or(full, |j| j as u64))
    }
}

fn check_padding(g: f64, at_most_one: bool) -> Result<()> {
    if g >= 0.0 && g.is_finite() && (!at_most_one || g <= 1.0) {
        Ok(())
    } else {
        Err(Error::invalid(
            "padding g",
            g.to_string(),
            if at_most_one {
                "g must be between 0 and 1"
            } else {
                "g must be 0 or more"
            },
        ))
    }
}

/// The p-value and history from the statistics `T_j`: `min(1, 1/max T)` (or `1/T_n`).
fn finish(terms: &[f64], random_order: bool) -> MeanTest {
    let top = if random_order {
        terms.iter().copied().fold(0.0f64, f64::max)
    } else {
        terms.last().copied().unwrap_or(1.0)
    };
    MeanTest {
        p_value: if terms.is_empty() {
            1.0
        } else {
            (1.0 / top).min(1.0)
        },
        history: terms.iter().map(|&t| (1.0 / t).min(1.0)).collect(),
    }
}

/// An assorter: maps a ballot to a number in `[0, upper_bound]`; the reported outcome is right
/// for its assertion if the mean over all ballots is above 1/2.
///
/// A ballot is given by the candidates it marks (indices in the contest's order); it is a valid
/// vote when it marks exactly one.
pub trait Assorter {
    /// The assorter's value for a ballot.
    fn assort(&self, marks: &[usize]) -> f64;
    /// The largest value it takes, `u`.
    fn upper_bound(&self) -> f64;
}

/// The plurality assorter of a (winner, loser) pair: `(1{w} - 1{l} + 1) / 2`, in `{0, 1/2, 1}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Plurality {
    /// The reported winner.
    pub winner: usize,
    /// The reported loser.
    pub loser: usize,
}

impl Assorter for Plurality {
    fn assort(&self, marks: &[usize]) -> f64 {
        match (marks.contains(&self.winner), marks.contains(&self.loser)) {
            (true, false) => 1.0,
            (false, true) => 0.0,
            _ => 0.5,
        }
    }
    fn upper_bound(&self) -> f64 {
        1.0
    }
}

/// The supermajority assorter: the winner must have more than a share `f` of the valid votes.
/// `1/(2f)` for a valid vote for the winner, 0 for a valid vote for another candidate, 1/2 for a
/// ballot that is not a valid vote.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Supermajority {
    /// The reported winner.
    pub winner: usize,
    /// The share of valid votes the winner needs, in (0, 1).
    pub share: f64,
}

impl Supermajority {
    /// The assorter for `winner` needing more than `share` of the valid votes.
    ///
    /// # Errors
    ///
    /// A share outside (0, 1).
    pub fn new(winner: usize, share: f64) -> Result<Self> {
        if share > 0.0 && share < 1.0 {
            Ok(Supermajority { winner, share })
        } else {
            Err(Error::invalid(
                "supermajority share",
                share.to_string(),
                "give the share of valid votes strictly between 0 and 1, such as 2/3",
            ))
        }
    }
}

impl Assorter for Supermajority {
    fn assort(&self, marks: &[usize]) -> f64 {
        match marks {
            [one] if *one == self.winner => 1.0 / (2.0 * self.share),
            [_] => 0.0,
            _ => 0.5,
        }
    }
    fn upper_bound(&self) -> f64 {
        1.0 / (2.0 * self.share)
    }
}

/// The overstatement assorter of a comparison audit: `B = (1 - ω/u) / (2 - v/u)`, where
/// `ω = A(cvr) - A(mvr)` is the overstatement of the assorter `A` on a ballot (a missing cast
/// vote record counts as 1/2, a missing paper ballot as 0) and `v = 2Ā - 1` is the reported
/// assorter margin. Its upper bound is `2 / (2 - v/u)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Overstatement<A> {
    /// The assorter.
    pub assorter: A,
    /// The reported assorter margin `v` (for plurality, the diluted margin).
    pub margin: f64,
}

impl<A: Assorter> Overstatement<A> {
    /// The overstatement assorter's value for a ballot's cast vote record `cvr` and what the
    /// audit reads on paper `mvr` (`None`: missing).
    pub fn assort(&self, cvr: Option<&[usize]>, mvr: Option<&[usize]>) -> f64 {
        let u = self.assorter.upper_bound();
        let reported = cvr.map_or(0.5, |m| self.assorter.assort(m));
        let on_paper = mvr.map_or(0.0, |m| self.assorter.assort(m));
        (1.0 - (reported - on_paper) / u) / (2.0 - self.margin / u)
    }

    /// The largest value the overstatement assorter takes.
    pub fn upper_bound(&self) -> f64 {
        2.0 / (2.0 - self.margin / self.assorter.upper_bound())
    }

    /// Its mean if one-vote overstatements occur at rate `r1` and two-vote ones at `r2`:
    /// `(1 - r1/2 - r2) / (2 - v/u)`.
    pub fn mean(&self, r1: f64, r2: f64) -> f64 {
        (1.0 - r1 / 2.0 - r2) / (2.0 - self.margin / self.assorter.upper_bound())
    }
}

#[cfg(test)]
mod tests;
