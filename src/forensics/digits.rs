//! Digit tests: whether the digits of the counts are distributed as counts' digits are.
//!
//! - **Second digit** (Mebane's "2BL"): the second significant digit of a count of at least 10
//!   follows, for counts that arise from many independent processes, Benford's law for second
//!   digits, `P(d) = Σ_{k=1..9} log10(1 + 1/(10k + d))`, mean 4.187390 (not the uniform 4.5
//!   that one toolkit's documentation states). It is a benchmark, not a law of counts: tables of
//!   similar sizes, strategic voting and a dominant party all move it, and at national scale
//!   honest counts depart from it significantly (every field of the crate's synthetic
//!   elections does at 10^5 tables): the statistics are always computed, the `info` finding
//!   only when asked for ([`DigitOptions::second_digit_findings`]).
//! - **Last digit**: the last digit of a count with enough digits is close to uniform (mean
//!   4.5): people who make numbers up favour some digits. Only counts of at least
//!   [`DigitOptions::last_digit_min`] (100 by default: three digits) are read. Uniform is not
//!   the right null, though, where the counts' density changes within a decade: in the tail of
//!   a small party's counts, 100 to 109 are more frequent than 110 to 119, so low last digits
//!   are too, and at a national scale a uniform null finds fabrication in honest counts (it
//!   did on the crate's synthetic elections, p below 10^-12). The expected digits are those of
//!   the counts' own distribution made smooth within each decade (the cumulative count
//!   interpolated by a cubic through the four nearest decade boundaries): uniform where the
//!   counts spread over many decades, tilted where their density falls. The decade totals do
//!   not depend on the last digits, so digits made up by hand stand out against it. A
//!   departure is a `warning`.
//! - **Zero or five**: the share of those counts ending in 0 or 5, expected 0.2 (under the same
//!   smooth null: its shares of 0 and 5); rounding by hand piles counts on them. An excess is
//!   a `warning`.
//! - **Beber and Scacco** ([`beber_scacco`]): their pair of last-digit tests, on a small set of
//!   counts (a country's provinces).
//!
//! The p-value of a distribution is Pearson's chi-square with 9 degrees of freedom when every
//! expected cell holds at least [`DigitOptions::min_expected`] counts, else a seeded Monte Carlo
//! p-value of the same statistic under the expected distribution ([`PMethod`]). The interval of
//! a mean is a basic bootstrap interval (resampling the counts, seeded), as Mebane's toolkit
//! gives. All statistics are `f64`, approximate; the frequencies are exact.
//!
//! # Example
//!
//! ```
//! use actas::forensics::{DigitOptions, second_digit, second_digit_probabilities};
//!
//! let p = second_digit_probabilities();
//! let mean: f64 = p.iter().enumerate().map(|(d, p)| d as f64 * p).sum();
//! assert!((mean - 4.187390).abs() < 5e-7);
//!
//! // Counts of 10 and over have a second digit; 7 has none and is left out, and counted.
//! let test = second_digit([7, 10, 123, 1_500, 98], &DigitOptions::default());
//! assert_eq!(test.left_out, 1);
//! // Second digits: 1[0], 1[2]3, 1[5]00, 9[8].
//! assert_eq!(test.dist.frequencies, [1, 0, 1, 0, 0, 1, 0, 0, 1, 0]);
//! assert_eq!(test.dist.n, 4);
//! assert!((test.dist.mean.unwrap() - 3.75).abs() < 1e-12);
//! ```

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use statrs::distribution::{ChiSquared, ContinuousCDF, DiscreteCDF};

use crate::error::{Error, Result};
use crate::model::{ActaSet, Field};
use crate::report::{Code, Finding, Subject};

/// The probabilities of the second significant digit under Benford's law, `d = 0..9`:
/// `P(d) = Σ_{k=1..9} log10(1 + 1/(10k + d))`. Approximate (`f64`, to about 15 digits).
///
/// # Example
///
/// ```
/// let p = actas::forensics::second_digit_probabilities();
/// assert!((p[0] - 0.119679).abs() < 5e-7);
/// assert!((p[9] - 0.084997).abs() < 5e-7);
/// assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// ```
pub fn second_digit_probabilities() -> [f64; 10] {
    let mut p = [0.0; 10];
    for (d, slot) in p.iter_mut().enumerate() {
        *slot = (1..=9u32)
            .map(|k| (1.0 + 1.0 / f64::from(10 * k + d as u32)).log10())
            .sum();
    }
    p
}

/// The uniform distribution of a last digit.
const UNIFORM: [f64; 10] = [0.1; 10];

/// The parameters of the digit tests.
///
/// # Example
///
/// ```
/// use actas::forensics::DigitOptions;
///
/// let o = DigitOptions::default().with_last_digit_min(1_000).with_seed(7);
/// assert_eq!(o.last_digit_min, 1_000);
/// assert_eq!(o.alpha, 0.001);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DigitOptions {
    /// The least count whose last digit is read (100 by default: counts of three digits and
    /// more), rounded up to a multiple of 10 (whole decades). No published threshold exists;
    /// the counts just under it still inform the expected digits of the first decade read.
    pub last_digit_min: u64,
    /// Bootstrap resamples for the interval of a mean (1,000 by default).
    pub bootstrap: usize,
    /// The confidence of that interval (0.95 by default).
    pub confidence: f64,
    /// Monte Carlo replicates for a p-value when chi-square's cells are too small (10,000).
    pub monte_carlo: usize,
    /// The least expected count in every cell for chi-square's p-value (5 by default).
    pub min_expected: f64,
    /// The seed of every random procedure (42 by default).
    pub seed: u64,
    /// The significance below which a test gives a finding (0.001 by default), per test.
    pub alpha: f64,
    /// Whether second-digit departures are findings (`X001`); off by default, as honest counts
    /// depart from Benford's second digits too. The statistics are computed either way.
    pub second_digit_findings: bool,
    /// How the fields are tested (on every core by default); the results are the same either
    /// way (each field has its own random streams).
    pub execution: crate::Execution,
}

impl Default for DigitOptions {
    fn default() -> Self {
        DigitOptions {
            last_digit_min: 100,
            bootstrap: 1_000,
            confidence: 0.95,
            monte_carlo: 10_000,
            min_expected: 5.0,
            seed: 42,
            alpha: 0.001,
            second_digit_findings: false,
            execution: crate::Execution::default(),
        }
    }
}

impl DigitOptions {
    /// With another least count for the last digit.
    #[must_use]
    pub fn with_last_digit_min(mut self, min: u64) -> Self {
        self.last_digit_min = min;
        self
    }

    /// With another number of bootstrap resamples.
    #[must_use]
    pub fn with_bootstrap(mut self, resamples: usize) -> Self {
        self.bootstrap = resamples;
        self
    }

    /// With another number of Monte Carlo replicates.
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

    /// With another significance for findings.
    #[must_use]
    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// With second-digit departures as findings (`X001`) or not.
    #[must_use]
    pub fn with_second_digit_findings(mut self, on: bool) -> Self {
        self.second_digit_findings = on;
        self
    }

    /// Refuses options that make no test: a confidence or significance outside (0, 1), a
    /// negative or non-finite least expected count.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) naming the option and what to
    /// give instead.
    pub fn validate(&self) -> Result<()> {
        let open = |x: f64| x > 0.0 && x < 1.0;
        if !open(self.confidence) {
            return Err(Error::invalid(
                "digit test confidence",
                self.confidence.to_string(),
                "give a confidence between 0 and 1, exclusive (0.95 by default)",
            ));
        }
        if !open(self.alpha) {
            return Err(Error::invalid(
                "digit test significance",
                self.alpha.to_string(),
                "give a significance between 0 and 1, exclusive (0.001 by default)",
            ));
        }
        if !(self.min_expected.is_finite() && self.min_expected >= 0.0) {
            return Err(Error::invalid(
                "least expected count of a chi-square cell",
                self.min_expected.to_string(),
                "give a finite count of 0 or more (5 by default)",
            ));
        }
        Ok(())
    }
}

/// How a p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "method", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PMethod {
    /// Pearson's chi-square with 9 degrees of freedom (every expected cell large enough).
    ChiSquare,
    /// The share of Monte Carlo samples under the expected distribution whose chi-square
    /// statistic is at least the observed one, `(1 + hits) / (1 + replicates)`, seeded.
    MonteCarlo {
        /// The number of samples.
        replicates: usize,
    },
    /// No counts: no test.
    None,
}

/// Observed digits against their expected distribution.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DigitDistribution {
    /// How many counts have each digit, `0..=9`. Exact.
    pub frequencies: [u64; 10],
    /// How many counts were read (the sum of the frequencies).
    pub n: u64,
    /// The expected probability of each digit.
    pub expected: [f64; 10],
    /// The mean digit; `None` when no count was read.
    pub mean: Option<f64>,
    /// The expected mean digit.
    pub expected_mean: f64,
    /// The basic bootstrap interval of the mean at [`DigitOptions::confidence`]; `None` when no
    /// count was read or no resample asked for.
    pub mean_interval: Option<(f64, f64)>,
    /// Pearson's statistic `Σ (O − E)² / E`.
    pub chi_square: f64,
    /// The p-value of the statistic; 1 when no count was read.
    pub p_value: f64,
    /// How the p-value was computed.
    pub p_method: PMethod,
}

/// The second-digit test of a series of counts.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SecondDigit {
    /// The second digits of the counts of 10 and over, against Benford's.
    pub dist: DigitDistribution,
    /// Counts under 10 (no second digit), left out.
    pub left_out: u64,
}

/// The last-digit tests of a series of counts.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LastDigit {
    /// The last digits of the counts of at least [`DigitOptions::last_digit_min`], against the
    /// counts' own distribution made smooth within each decade (see the [module](self)).
    pub dist: DigitDistribution,
    /// Counts under the threshold, left out.
    pub left_out: u64,
    /// How many of the counts read end in 0 or 5. Exact.
    pub zero_or_five: u64,
    /// Their share (expected about 0.2); `None` when no count was read.
    pub zero_or_five_share: Option<f64>,
    /// The probability of at least that many at the expected shares of 0 and 5 (binomial,
    /// upper tail); 1 when no count was read.
    pub zero_or_five_p: f64,
}

/// The digit tests of one field of the sheets.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DigitSeries {
    /// The field's name: a ballot line's code, or `electors`, `voters`, `valid`, `null`,
    /// `blank`.
    pub field: String,
    /// The second-digit test.
    pub second: SecondDigit,
    /// The last-digit tests.
    pub last: LastDigit,
}

/// The digit tests of every count field of a set of sheets ([`digit_tests`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DigitReport {
    /// One series per field present on some sheet: the ballot lines in their order, then the
    /// standard fields.
    pub series: Vec<DigitSeries>,
    /// The significance of the findings.
    pub alpha: f64,
    /// Whether second-digit departures are findings.
    pub second_digit_findings: bool,
}

impl DigitReport {
    /// How many tests ran (three per series: second digit, last digit, zero or five): the
    /// number to weigh the findings against.
    pub fn tests(&self) -> usize {
        3 * self.series.len()
    }

    /// The departures at the report's significance: `X001` (second digit, info, when
    /// [`DigitOptions::second_digit_findings`] asks for it), `X002` (last digit, warning),
    /// `X003` (counts ending in 0 or 5, warning), each about its field.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for s in &self.series {
            let subject = Subject::Field {
                field: s.field.clone(),
            };
            let d = &s.second.dist;
            let mean = d.mean.unwrap_or(0.0);
            if self.second_digit_findings && d.n > 0 && d.p_value < self.alpha {
                out.push(
                    Finding::new(
                        Code::SecondDigitDeparts,
                        subject.clone(),
                        format!(
                            "second digits depart from Benford's (mean {:.3} against {:.3})",
                            mean, d.expected_mean
                        ),
                    )
                    .with("n", d.n)
                    .with("mean", mean)
                    .with("expected_mean", d.expected_mean)
                    .with("statistic", d.chi_square)
                    .with("p_value", d.p_value),
                );
            }
            let d = &s.last.dist;
            let mean = d.mean.unwrap_or(0.0);
            if d.n > 0 && d.p_value < self.alpha {
                out.push(
                    Finding::new(
                        Code::LastDigitDeparts,
                        subject.clone(),
                        format!(
                            "last digits depart from the counts' smooth distribution (mean {:.3} \
                             against {:.3})",
                            mean, d.expected_mean
                        ),
                    )
                    .with("n", d.n)
                    .with("mean", mean)
                    .with("statistic", d.chi_square)
                    .with("p_value", d.p_value),
                );
            }
            let l = &s.last;
            let share = l.zero_or_five_share.unwrap_or(0.0);
            if l.dist.n > 0 && l.zero_or_five_p < self.alpha {
                out.push(
                    Finding::new(
                        Code::ZeroOrFiveExcess,
                        subject,
                        format!("{:.1}% of counts end in 0 or 5, against 20%", 100.0 * share),
                    )
                    .with("n", l.dist.n)
                    .with("zero_or_five", l.zero_or_five)
                    .with("share", share)
                    .with("p_value", l.zero_or_five_p),
                );
            }
        }
        out
    }
}

/// The second significant digit of `c ≥ 10`.
fn second_of(mut c: u64) -> usize {
    while c >= 100 {
        c /= 10;
    }
    (c % 10) as usize
}

/// The random stream of a test: the seed, and a stream number per test so that each test's
/// numbers do not depend on which ran before.
fn stream(seed: u64, n: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(n);
    rng
}

/// Pearson's statistic of `freq` against `expected` probabilities.
fn chi_square(freq: &[u64; 10], n: u64, expected: &[f64; 10]) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let n = n as f64;
    freq.iter()
        .zip(expected)
        .filter(|(_, p)| **p > 0.0)
        .map(|(&o, &p)| {
            #[allow(clippy::cast_precision_loss)]
            let o = o as f64;
            let e = n * p;
            (o - e) * (o - e) / e
        })
        .sum()
}

/// A multinomial sample of `n` over `probs`, by successive binomials.
fn multinomial(rng: &mut ChaCha8Rng, n: u64, probs: &[f64; 10]) -> [u64; 10] {
    let mut out = [0u64; 10];
    let (mut left, mut mass) = (n, 1.0f64);
    for (k, &p) in probs.iter().enumerate() {
        if left == 0 {
            break;
        }
        if k == 9 || mass <= p {
            out[k] = left;
            break;
        }
        let q = (p / mass).clamp(0.0, 1.0);
        let draw = Binomial::new(left, q).map_or(0, |b| b.sample(rng));
        out[k] = draw;
        left -= draw;
        mass -= p;
    }
    out
}

/// Mean digit of a frequency table.
fn mean_of(freq: &[u64; 10], n: u64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let total: f64 = freq
        .iter()
        .enumerate()
        .map(|(d, &f)| d as f64 * f as f64)
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let n = n as f64;
    total / n
}

/// The distribution of `freq` against `expected`, with its p-value and the bootstrap interval
/// of its mean. `stream_base` numbers the random streams of this test.
fn distribution(
    freq: [u64; 10],
    expected: [f64; 10],
    options: &DigitOptions,
    stream_base: u64,
) -> DigitDistribution {
    let n: u64 = freq.iter().sum();
    let expected_mean: f64 = expected.iter().enumerate().map(|(d, p)| d as f64 * p).sum();
    if n == 0 {
        return DigitDistribution {
            frequencies: freq,
            n,
            expected,
            mean: None,
            expected_mean,
            mean_interval: None,
            chi_square: 0.0,
            p_value: 1.0,
            p_method: PMethod::None,
        };
    }
    let mean = mean_of(&freq, n);
    let stat = chi_square(&freq, n, &expected);
    #[allow(clippy::cast_precision_loss)]
    let least_cell = expected.iter().copied().fold(f64::INFINITY, f64::min) * n as f64;
    let (p_value, p_method) = if least_cell >= options.min_expected {
        let chi = ChiSquared::new(9.0).expect("9 degrees of freedom");
        (chi.sf(stat), PMethod::ChiSquare)
    } else {
        let mut rng = stream(options.seed, stream_base);
        let r = options.monte_carlo;
        // A tolerance for statistics equal to the observed one up to rounding.
        let at_least = stat * (1.0 - 1e-12);
        let hits = (0..r)
            .filter(|_| chi_square(&multinomial(&mut rng, n, &expected), n, &expected) >= at_least)
            .count();
        #[allow(clippy::cast_precision_loss)]
        let p = (1 + hits) as f64 / (1 + r) as f64;
        (p, PMethod::MonteCarlo { replicates: r })
    };
    let mean_interval = bootstrap_interval(&freq, n, mean, options, stream_base + 1);
    DigitDistribution {
        frequencies: freq,
        n,
        expected,
        mean: Some(mean),
        expected_mean,
        mean_interval,
        chi_square: stat,
        p_value,
        p_method,
    }
}

/// The basic bootstrap interval of the mean digit: resampling the `n` counts with replacement
/// is drawing their digits' frequencies from a multinomial over the observed shares, so each
/// resample costs ten binomial draws, not `n`. `(2 m − q_hi, 2 m − q_lo)` with `q` the
/// resampled means' quantiles.
fn bootstrap_interval(
    freq: &[u64; 10],
    n: u64,
    mean: f64,
    options: &DigitOptions,
    stream_no: u64,
) -> Option<(f64, f64)> {
    let b = options.bootstrap;
    if b == 0 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let shares = freq.map(|f| f as f64 / n as f64);
    let mut rng = stream(options.seed, stream_no);
    let mut means: Vec<f64> = (0..b)
        .map(|_| mean_of(&multinomial(&mut rng, n, &shares), n))
        .collect();
    means.sort_by(f64::total_cmp);
    let tail = (1.0 - options.confidence) / 2.0;
    let q = |p: f64| {
        // The order statistic nearest p (type 1).
        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
        let i = ((p * b as f64).ceil() as usize).clamp(1, b) - 1;
        means[i]
    };
    Some((2.0 * mean - q(1.0 - tail), 2.0 * mean - q(tail)))
}

/// The second-digit test of `counts`: counts under 10 are left out (and counted).
///
/// # Example
///
/// ```
/// use actas::forensics::{DigitOptions, PMethod, second_digit};
///
/// // Few counts: chi-square's cells are too small, the p-value is a Monte Carlo one.
/// let t = second_digit([12, 345, 7_890, 101, 55], &DigitOptions::default());
/// assert!(matches!(t.dist.p_method, PMethod::MonteCarlo { replicates: 10_000 }));
/// assert!(t.dist.p_value > 0.0 && t.dist.p_value <= 1.0);
/// ```
pub fn second_digit(counts: impl IntoIterator<Item = u64>, options: &DigitOptions) -> SecondDigit {
    second_digit_in(counts, options, 0)
}

fn second_digit_in(
    counts: impl IntoIterator<Item = u64>,
    options: &DigitOptions,
    stream_base: u64,
) -> SecondDigit {
    let mut t = DigitTally::new(options);
    for c in counts {
        t.add(c);
    }
    t.second(options, stream_base)
}

/// The last-digit tests of `counts`: counts under [`DigitOptions::last_digit_min`] are left
/// out (and counted).
///
/// # Example
///
/// ```
/// use actas::forensics::{DigitOptions, last_digit};
///
/// // Every count ends in 0 or 5: 100% against 20%.
/// let counts = (0..200u64).map(|i| 100 + 5 * i);
/// let t = last_digit(counts, &DigitOptions::default());
/// assert_eq!((t.dist.n, t.zero_or_five), (200, 200));
/// assert!(t.zero_or_five_p < 1e-100);
/// ```
pub fn last_digit(counts: impl IntoIterator<Item = u64>, options: &DigitOptions) -> LastDigit {
    last_digit_in(counts, options, 0)
}

fn last_digit_in(
    counts: impl IntoIterator<Item = u64>,
    options: &DigitOptions,
    stream_base: u64,
) -> LastDigit {
    let mut t = DigitTally::new(options);
    for c in counts {
        t.add(c);
    }
    t.last(options, stream_base)
}

/// Decades counted in a dense array (counts under 40,960); those above in a map.
const DENSE_DECADES: usize = 1 << 12;

/// The digits of one series of counts, gathered one count at a time: all the digit tests need
/// (their p-values and intervals are computed from the frequencies), so that a stream can feed
/// it chunk by chunk and get the report an in-memory run gives. Memory: 32 KiB, and a map
/// entry per decade of counts of 40,960 and more.
#[derive(Debug, Clone)]
pub(crate) struct DigitTally {
    /// The last-digit threshold rounded up to whole decades.
    min: u64,
    second: [u64; 10],
    second_left_out: u64,
    last: [u64; 10],
    last_left_out: u64,
    /// Counts per decade (`c / 10`), of the counts read and of the decade below the threshold
    /// (for the interpolation).
    dense: Vec<u64>,
    sparse: std::collections::BTreeMap<u64, u64>,
}

impl DigitTally {
    pub(crate) fn new(options: &DigitOptions) -> Self {
        DigitTally {
            // Whole decades: the threshold rounded up to a multiple of 10.
            min: options.last_digit_min.div_ceil(10).saturating_mul(10),
            second: [0; 10],
            second_left_out: 0,
            last: [0; 10],
            last_left_out: 0,
            dense: vec![0; DENSE_DECADES],
            sparse: std::collections::BTreeMap::new(),
        }
    }

    pub(crate) fn add(&mut self, c: u64) {
        if c < 10 {
            self.second_left_out += 1;
        } else {
            self.second[second_of(c)] += 1;
        }
        if c < self.min {
            self.last_left_out += 1;
            if c < self.min.saturating_sub(10) {
                return;
            }
        } else {
            self.last[(c % 10) as usize] += 1;
        }
        let d = c / 10;
        match usize::try_from(d) {
            Ok(i) if i < DENSE_DECADES => self.dense[i] += 1,
            _ => *self.sparse.entry(d).or_insert(0) += 1,
        }
    }

    /// The tests of the `k`-th field of a report, named `field`.
    pub(crate) fn series(&self, field: String, k: usize, options: &DigitOptions) -> DigitSeries {
        // Four random streams per series: two per distribution.
        let base = 4 * k as u64;
        DigitSeries {
            field,
            second: self.second(options, base),
            last: self.last(options, base + 2),
        }
    }

    pub(crate) fn second(&self, options: &DigitOptions, stream_base: u64) -> SecondDigit {
        SecondDigit {
            dist: distribution(
                self.second,
                second_digit_probabilities(),
                options,
                stream_base,
            ),
            left_out: self.second_left_out,
        }
    }

    pub(crate) fn last(&self, options: &DigitOptions, stream_base: u64) -> LastDigit {
        let (freq, min) = (self.last, self.min);
        let n: u64 = freq.iter().sum();
        // (decade, count), ascending.
        let runs: Vec<(u64, u64)> = (0u64..)
            .zip(&self.dense)
            .filter(|&(_, &c)| c > 0)
            .map(|(d, &c)| (d, c))
            .chain(self.sparse.iter().map(|(&d, &c)| (d, c)))
            .collect();
        let expected = smooth_last_digits(&runs, min / 10, n);
        let dist = distribution(freq, expected, options, stream_base);
        let zero_or_five = freq[0] + freq[5];
        let (share, p) = if dist.n == 0 {
            (None, 1.0)
        } else {
            #[allow(clippy::cast_precision_loss)]
            let share = zero_or_five as f64 / dist.n as f64;
            (
                Some(share),
                upper_tail(zero_or_five, dist.n, expected[0] + expected[5]),
            )
        };
        LastDigit {
            dist,
            left_out: self.last_left_out,
            zero_or_five,
            zero_or_five_share: share,
            zero_or_five_p: p,
        }
    }
}

/// The expected distribution of the last digit of the counts read (decades `first` and up,
/// `n` counts), if their distribution is smooth at the scale of a decade: within each decade,
/// the cumulative count is interpolated by the cubic through the four nearest decade
/// boundaries, and each unit's share is the cubic's rise over it (clamped at 0, each decade's
/// shares summing to its count). Uniform where the counts spread over many decades; tilted
/// towards low digits where their density falls steeply (the tail of a small party's counts),
/// where a uniform null would see fabrication in honest counts. The decade totals do not depend
/// on the last digits, so digits made up by hand still stand out against it.
fn smooth_last_digits(runs: &[(u64, u64)], first: u64, n: u64) -> [f64; 10] {
    if n == 0 {
        return UNIFORM;
    }
    let count_at = |k: Option<u64>| -> f64 {
        let Some(k) = k else { return 0.0 };
        #[allow(clippy::cast_precision_loss)]
        runs.binary_search_by_key(&k, |r| r.0)
            .map_or(0.0, |i| runs[i].1 as f64)
    };
    // The rise of each Lagrange basis polynomial (nodes t = -1, 0, 1, 2) over unit d of a
    // decade, t = d / 10 to (d + 1) / 10; the node at 0 carries no rise (the cumulative
    // count is taken relative to the decade's start).
    let basis = |t: f64| -> [f64; 3] {
        [
            -t * (t - 1.0) * (t - 2.0) / 6.0,
            -(t + 1.0) * t * (t - 2.0) / 2.0,
            (t + 1.0) * t * (t - 1.0) / 6.0,
        ]
    };
    let mut rise = [[0.0f64; 3]; 10];
    for (d, r) in rise.iter_mut().enumerate() {
        let (a, b) = (basis(d as f64 / 10.0), basis((d + 1) as f64 / 10.0));
        *r = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    }
    let mut expected = [0.0f64; 10];
    for &(k, nk) in runs.iter().filter(|r| r.0 >= first) {
        #[allow(clippy::cast_precision_loss)]
        let nk = nk as f64;
        let below = count_at(k.checked_sub(1));
        let above = count_at(k.checked_add(1));
        // Cumulative counts at the nodes, relative to the decade's start: -below, 0, nk,
        // nk + above.
        let mut cells = [0.0f64; 10];
        for (cell, r) in cells.iter_mut().zip(&rise) {
            *cell = (-below * r[0] + nk * r[1] + (nk + above) * r[2]).max(0.0);
        }
        let total: f64 = cells.iter().sum();
        for (e, c) in expected.iter_mut().zip(cells) {
            *e += if total > 0.0 {
                c * nk / total
            } else {
                nk / 10.0
            };
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let n = n as f64;
    expected.map(|e| e / n)
}

/// `P(X ≥ k)` for `X ~ Binomial(n, p)`.
fn upper_tail(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    statrs::distribution::Binomial::new(p, n).map_or(f64::NAN, |b| b.sf(k - 1))
}

/// `P(X ≤ k)` for `X ~ Binomial(n, p)`.
fn lower_tail(k: u64, n: u64, p: f64) -> f64 {
    statrs::distribution::Binomial::new(p, n).map_or(f64::NAN, |b| b.cdf(k))
}

/// The fields whose digits are tested: the ballot lines, then the standard fields present.
fn fields(set: &ActaSet) -> Vec<(String, Field)> {
    let mut out: Vec<(String, Field)> = set
        .contest()
        .lines()
        .iter()
        .enumerate()
        .map(|(i, l)| (l.code().to_owned(), Field::Line(i)))
        .collect();
    for f in Field::STANDARD {
        if set.present(f) > 0 {
            let name = f.standard_name().unwrap_or("field").to_owned();
            out.push((name, f));
        }
    }
    out.retain(|(_, f)| set.present(*f) > 0);
    out
}

/// The digit tests of every count field of `set`: each ballot line, then electors, voters,
/// valid, null and blank where present. Each table is read once (its first sheet; repeated
/// readings are left out), absent values are skipped.
///
/// # Errors
///
/// Options that [`DigitOptions::validate`] refuses.
///
/// # Example
///
/// ```
/// # #[cfg(feature = "synth")] {
/// use actas::forensics::{DigitOptions, digit_tests};
/// use actas::synth::{SynthConfig, generate};
///
/// let (set, _) = generate(&SynthConfig::default().with_sheets(2_000))?;
/// let report = digit_tests(&set, &DigitOptions::default())?;
/// let first = &report.series[0];
/// assert_eq!(first.field, set.contest().lines()[0].code());
/// // Every table's count is read or left out, once.
/// let tables = set.tables() as u64;
/// assert_eq!(first.second.dist.n + first.second.left_out, tables);
/// // Weigh the findings against the number of tests.
/// println!("{} findings in {} tests", report.findings().len(), report.tests());
/// # }
/// # Ok::<(), actas::Error>(())
/// ```
pub fn digit_tests(set: &ActaSet, options: &DigitOptions) -> Result<DigitReport> {
    options.validate()?;
    let firsts: Vec<usize> = (0..set.len()).filter(|&i| !set.is_repeat(i)).collect();
    let fields = fields(set);
    let series = crate::par::map(options.execution, fields.len(), |k| {
        let (field, f) = (&fields[k].0, fields[k].1);
        let mut t = DigitTally::new(options);
        for c in firsts.iter().filter_map(|&i| set.count(i, f)) {
            t.add(u64::from(c));
        }
        t.series(field.clone(), k, options)
    });
    Ok(DigitReport {
        series,
        alpha: options.alpha,
        second_digit_findings: options.second_digit_findings,
    })
}

/// The digit tests of every field, gathered a chunk of sheets at a time (for the stream):
/// the same report as [`digit_tests`] on all the sheets at once.
#[derive(Debug, Clone)]
pub(crate) struct DigitStream {
    fields: Vec<(String, Field)>,
    tallies: Vec<DigitTally>,
}

impl DigitStream {
    /// The fields of `set`'s contest, nothing counted yet.
    pub(crate) fn new(set: &ActaSet, options: &DigitOptions) -> Result<Self> {
        options.validate()?;
        let fields = fields(set);
        let tallies = fields.iter().map(|_| DigitTally::new(options)).collect();
        Ok(DigitStream { fields, tallies })
    }

    /// Counts the sheets of `chunk` that are no repeat (a chunk of the same contest).
    pub(crate) fn add(&mut self, chunk: &ActaSet) {
        for ((_, f), t) in self.fields.iter().zip(&mut self.tallies) {
            for i in (0..chunk.len()).filter(|&i| !chunk.is_repeat(i)) {
                if let Some(c) = chunk.count(i, *f) {
                    t.add(u64::from(c));
                }
            }
        }
    }

    /// The report.
    pub(crate) fn finish(self, options: &DigitOptions) -> DigitReport {
        let series = self
            .fields
            .into_iter()
            .zip(&self.tallies)
            .enumerate()
            .map(|(k, ((field, _), t))| t.series(field, k, options))
            .collect();
        DigitReport {
            series,
            alpha: options.alpha,
            second_digit_findings: options.second_digit_findings,
        }
    }
}

/// Beber and Scacco's pair of last-digit tests on a small set of counts ("The Devil Is in the
/// Digits", 2009, on Iran's provincial counts): whether some digit is as frequent and another
/// as rare as observed, and whether as few counts have non-adjacent last two digits.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct BeberScacco {
    /// Counts read (10 and over).
    pub n: u64,
    /// Counts under 10 (no last two digits), left out.
    pub left_out: u64,
    /// How many counts end in each digit.
    pub frequencies: [u64; 10],
    /// The most frequent last digit (the least such digit on a tie) and its frequency.
    pub most: (u8, u64),
    /// The least frequent last digit and its frequency.
    pub least: (u8, u64),
    /// The exact probability, under uniform independent last digits, that some digit is at
    /// least as frequent as [`most`](Self::most) and another at most as frequent as
    /// [`least`](Self::least). Approximate only in `f64` rounding.
    pub extremes_p: f64,
    /// Counts whose last two digits are adjacent: equal, or one apart with 9 and 0 adjacent.
    /// That is 30 of the 100 pairs, the 70% of non-adjacent pairs the authors expect (they do
    /// not define the word; this definition is the one their baseline implies).
    pub adjacent: u64,
    /// Counts whose last two digits are not adjacent.
    pub non_adjacent: u64,
    /// The exact binomial probability of at most that many non-adjacent pairs, at 0.7.
    pub non_adjacent_p: f64,
    /// The product of the two probabilities, as the authors combine them (the two tests
    /// treated as independent).
    pub combined_p: f64,
}

impl BeberScacco {
    /// `X004` (warning) about `subject` when the combined probability is below `alpha`.
    pub fn findings(&self, subject: Subject, alpha: f64) -> Vec<Finding> {
        if self.n == 0 || self.combined_p >= alpha {
            return Vec::new();
        }
        vec![
            Finding::new(
                Code::LastDigitsBeberScacco,
                subject,
                format!(
                    "last digit {} in {} of {} counts and {} in {}; {} of {} last pairs not adjacent",
                    self.most.0,
                    self.most.1,
                    self.n,
                    self.least.0,
                    self.least.1,
                    self.non_adjacent,
                    self.n
                ),
            )
            .with("n", self.n)
            .with("extremes_p", self.extremes_p)
            .with("non_adjacent_p", self.non_adjacent_p)
            .with("combined_p", self.combined_p),
        ]
    }
}

/// Beber and Scacco's tests on `counts` (counts under 10 left out, and counted).
///
/// # Example
///
/// ```
/// use actas::forensics::beber_scacco;
///
/// let t = beber_scacco(&[1_234, 5_677, 9_012, 3_456, 7_891, 2_345]);
/// assert_eq!(t.n, 6);
/// assert_eq!(t.adjacent, 5); // 34, 77, 12, 56, 45 (not 91)
/// assert!(t.extremes_p > 0.0 && t.extremes_p <= 1.0);
/// ```
pub fn beber_scacco(counts: &[u64]) -> BeberScacco {
    let (mut freq, mut left_out, mut adjacent) = ([0u64; 10], 0u64, 0u64);
    for &c in counts {
        if c < 10 {
            left_out += 1;
            continue;
        }
        let (last, tens) = (c % 10, (c / 10) % 10);
        freq[last as usize] += 1;
        let gap = last.abs_diff(tens);
        if gap <= 1 || gap == 9 {
            adjacent += 1;
        }
    }
    let n: u64 = freq.iter().sum();
    let (mut most, mut least) = ((0u8, freq[0]), (0u8, freq[0]));
    for (d, &f) in freq.iter().enumerate() {
        if f > most.1 {
            most = (d as u8, f);
        }
        if f < least.1 {
            least = (d as u8, f);
        }
    }
    let non_adjacent = n - adjacent;
    let extremes_p = if n == 0 {
        1.0
    } else {
        extremes_probability(n, most.1, least.1)
    };
    let non_adjacent_p = if n == 0 {
        1.0
    } else {
        lower_tail(non_adjacent, n, 0.7)
    };
    BeberScacco {
        n,
        left_out,
        frequencies: freq,
        most,
        least,
        extremes_p,
        adjacent,
        non_adjacent,
        non_adjacent_p,
        combined_p: extremes_p * non_adjacent_p,
    }
}

/// `P(max ≥ hi and min ≤ lo)` for the frequencies of `n` uniform digits, exactly (up to `f64`
/// rounding), by inclusion and exclusion over [`all_within`].
fn extremes_probability(n: u64, hi: u64, lo: u64) -> f64 {
    // P(A ∩ B) = 1 − P(max < hi) − P(min > lo) + P(lo < every < hi).
    let below = if hi == 0 {
        0.0
    } else {
        all_within(n, 0, hi - 1)
    };
    let above = all_within(n, lo + 1, n);
    let between = if hi == 0 {
        0.0
    } else {
        all_within(n, lo + 1, hi - 1)
    };
    (1.0 - below - above + between).clamp(0.0, 1.0)
}

/// The probability that each of the ten frequencies of `n` uniform digits lies in `[a, b]`:
/// digit 0's frequency is Binomial(n, 1/10), digit 1's Binomial(what is left, 1/9), and so on,
/// so a table of what is left after each digit gives it in `O(10 n (b − a + 1))`.
fn all_within(n: u64, a: u64, b: u64) -> f64 {
    if a > b || a.saturating_mul(10) > n || b.saturating_mul(10) < n {
        return 0.0;
    }
    let n_us = usize::try_from(n).unwrap_or(usize::MAX);
    // left[r]: the probability that r counts are left after the digits so far.
    let mut left = vec![0.0f64; n_us + 1];
    left[n_us] = 1.0;
    for k in 0..9u32 {
        let p = 1.0 / f64::from(10 - k);
        let mut next = vec![0.0f64; n_us + 1];
        for (r, &w) in left.iter().enumerate() {
            if w == 0.0 {
                continue;
            }
            let r64 = r as u64;
            for c in a..=b.min(r64) {
                next[(r64 - c) as usize] += w * binomial_pmf(r64, c, p);
            }
        }
        left = next;
    }
    // The last digit takes what is left.
    let (lo, hi) = (a as usize, (b as usize).min(n_us));
    left[lo..=hi].iter().sum()
}

/// `P(X = k)` for `X ~ Binomial(n, p)`, through logarithms.
fn binomial_pmf(n: u64, k: u64, p: f64) -> f64 {
    use statrs::function::factorial::ln_binomial;
    #[allow(clippy::cast_precision_loss)]
    let (kf, rest) = (k as f64, (n - k) as f64);
    let ln = ln_binomial(n, k) + kf * p.ln() + rest * (-p).ln_1p();
    ln.exp()
}

#[cfg(test)]
mod tests;
