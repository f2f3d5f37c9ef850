//! The round-percentage signature: counts reverse-engineered from round percentages of a total.

use rust_decimal::Decimal;

use super::checked::{Checked, NotApplicableReason, not_applicable};
use crate::error::Result;
use crate::report::{Code, Finding, Subject};

/// One count on the grid: the grid percentage it is the rounding of, and by how much it misses
/// the exact product.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct GridPoint {
    /// The count's subject.
    pub subject: String,
    /// The count.
    pub count: u64,
    /// The grid percentage `p` (a multiple of the grid step).
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal"))]
    pub percent: Decimal,
    /// `count - p × total / 100`, in votes, exact. Within ±0.5 by construction.
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal"))]
    pub residual: Decimal,
}

/// The coarsest percentage grid on which every count is the nearest integer to `p × total`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Grid {
    /// The grid step as a percentage (`1`, `0.1`, `0.01`, ...).
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal"))]
    pub step: Decimal,
    /// The number of grid points per whole, `D` (100 for a 1% step, 1000 for 0.1%, ...).
    pub denominator: u64,
    /// Each count on the grid, in the order given.
    pub points: Vec<GridPoint>,
    /// The probability of landing on that grid by chance, `(D / total)^(k-1)` for `k` counts of
    /// their own sum (`(D / total)^k` over a declared base's total). Approximate (`f64`); see
    /// [`round_percentage_signature`] for the model.
    pub probability: f64,
}

/// The round-percentage signature of a set of counts.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Signature {
    /// The total the counts are percentages of, `T`: their sum, or a declared base's total.
    pub total: u64,
    /// The declared base `T` is the total of, when it is not the sum of the counts
    /// ([`round_percentage_signature_over`]).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub base: Option<crate::PercentBase>,
    /// The number of counts, `k`.
    pub counts: usize,
    /// The coarsest grid that fits, if any grid with at least one vote between its points does.
    pub grid: Option<Grid>,
}

impl Signature {
    /// Whether the counts fit a grid whose chance probability is below `alpha`.
    pub fn is_flagged(&self, alpha: f64) -> bool {
        self.grid.as_ref().is_some_and(|g| g.probability < alpha)
    }

    /// What the signature shows, as the audit reports it for the bulletin `label` at the
    /// threshold `alpha` ([`AuditOptions::signature_alpha`](crate::audit::AuditOptions), `1e-6`
    /// by default): `R001` when the counts fit a grid whose chance probability is below
    /// `alpha`. A signature takes only counts, so the bulletin's label and the threshold are
    /// given here.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::audit::round_percentage_signature;
    /// use actas::report::Code;
    ///
    /// let s = round_percentage_signature(&[("NM", 5_150_092), ("EG", 4_445_978), ("OTHERS", 462_704)])?
    ///     .unwrap_done();
    /// let f = s.findings("CNE bulletin 1", 1e-6);
    /// assert_eq!(f[0].code, Code::RoundPercentages);
    /// assert!(s.findings("CNE bulletin 1", 1e-9).is_empty()); // about 1 in 101 million
    /// # Ok::<(), actas::Error>(())
    /// ```
    pub fn findings(&self, label: &str, alpha: f64) -> Vec<Finding> {
        let Some(g) = self.grid.as_ref().filter(|g| g.probability < alpha) else {
            return Vec::new();
        };
        let mut f = Finding::new(
            Code::RoundPercentages,
            Subject::Bulletin {
                label: label.to_owned(),
            },
            format!(
                "every count is a round percentage of {}, on a {}% grid",
                self.base
                    .map_or_else(|| "their total".to_owned(), |b| format!("the {b} total")),
                g.step
            ),
        )
        .with("total", self.total)
        .with("step", g.step)
        .with("probability", g.probability);
        if let Some(r) = g.points.iter().map(|p| p.residual.abs()).max() {
            f = f.with("largest_residual", r);
        }
        vec![f]
    }
}

/// The largest grid denominator tried: `10^16`, a step of `10^-14` percent.
const MAX_DENOMINATOR: u64 = 10_000_000_000_000_000;

/// Looks for the coarsest percentage grid (1%, 0.1%, 0.01%, ...) on which every count equals the
/// nearest integer to `p × T` for a grid value `p`, where `T` is the sum of the counts.
///
/// # The model
///
/// Take `D` grid points per whole (`D = 100` for a 1% step). Grid values are `j/D` and the grid
/// points `j × T / D` are `T / D` votes apart. A count "fits" when it lies within half a vote of a
/// grid point: `|c × D − j × T| ≤ D / 2` for `j = round(c × D / T)`. The residual
/// `c − j × T / D = (c × D − j × T) / D` is computed exactly in integers; `D` is a power of ten, so it
/// is an exact decimal.
///
/// Under chance, with counts that owe nothing to the grid, the position of a count between two
/// grid points is taken as uniform, so it fits with probability `1 / (T / D) = D / T` (a window of
/// one vote in a gap of `T / D`). The counts are taken as independent, except that the last one is
/// fixed by the total: the probability that all `k` fit is `(D / T)^(k − 1)`. The model assumes
/// `T / D` is well above 1 (grids finer than one vote between points are not tried: everything fits
/// them) and that the counts are not themselves rounded by the announcer. It is the computation
/// published for the Venezuelan bulletin of 29 July 2024 (about 1 in 100 million); the value is
/// approximate (`f64`).
///
/// # Errors
///
/// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) when the total does not fit a `u64`. The
/// signature does not apply ([`Checked::NotApplicable`]) to fewer than two counts or a zero
/// total.
///
/// # Example
///
/// ```
/// use actas::audit::round_percentage_signature;
///
/// // The CNE's first bulletin of 29 July 2024: Maduro, González, the eight others.
/// let s = round_percentage_signature(&[("NM", 5_150_092), ("EG", 4_445_978), ("OTHERS", 462_704)])?
///     .unwrap_done();
/// let grid = s.grid.unwrap();
/// assert_eq!(grid.step.to_string(), "0.1"); // 51.2%, 44.2%, 4.6%
/// let residuals: Vec<String> = grid.points.iter().map(|p| p.residual.to_string()).collect();
/// assert_eq!(residuals, ["-0.288", "-0.108", "0.396"]);
/// assert!((grid.probability - 9.88e-9).abs() < 0.01e-9);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn round_percentage_signature<S: AsRef<str>>(
    counts: &[(S, u64)],
) -> Result<Checked<Signature>> {
    if counts.len() < 2 {
        return Ok(not_applicable(
            NotApplicableReason::TooFewCounts,
            counts.len().to_string(),
            "a signature needs at least two counts",
        ));
    }
    let total = counts.iter().try_fold(0u64, |t, (_, c)| {
        crate::error::add(t, *c, "sum of the counts")
    })?;
    Ok(signature(counts, total, None))
}

/// [`round_percentage_signature`] with the counts as percentages of a declared base's `total`
/// (valid + null + blank, the voters, ...) instead of their sum: a bulletin that declares its
/// shares are of all ballots cast is reverse-engineered from that total.
///
/// The counts are then all free under chance (none is fixed by the others): the probability
/// is `(D / T)^k` for `k` counts, and one count is enough.
///
/// # Errors
///
/// As [`round_percentage_signature`]; it does not apply to no count or a zero total.
///
/// # Example
///
/// ```
/// use actas::audit::round_percentage_signature_over;
/// use actas::PercentBase;
///
/// // 45.0% and 40.0% of 2,000,000 ballots cast, 15% null and blank.
/// let s = round_percentage_signature_over(&[("A", 900_000), ("B", 800_000)], 2_000_000,
///                                         PercentBase::Cast)?.unwrap_done();
/// let g = s.grid.unwrap();
/// assert_eq!(g.step.to_string(), "1"); // 45% and 40%
/// assert!((g.probability - 2.5e-9).abs() < 1e-15); // (100 / 2,000,000)^2
/// # Ok::<(), actas::Error>(())
/// ```
pub fn round_percentage_signature_over<S: AsRef<str>>(
    counts: &[(S, u64)],
    total: u64,
    base: crate::PercentBase,
) -> Result<Checked<Signature>> {
    if counts.is_empty() {
        return Ok(not_applicable(
            NotApplicableReason::TooFewCounts,
            "0",
            "a signature needs at least one count",
        ));
    }
    Ok(signature(counts, total, Some(base)))
}

fn signature<S: AsRef<str>>(
    counts: &[(S, u64)],
    total: u64,
    base: Option<crate::PercentBase>,
) -> Checked<Signature> {
    if total == 0 {
        return not_applicable(NotApplicableReason::ZeroTotal, "0", "the counts sum to 0");
    }
    let t = i128::from(total);
    let mut denominator: u64 = 100;
    let mut scale: u32 = 0; // decimals of the step as a percentage: D = 10^(scale + 2)
    while denominator <= total && denominator <= MAX_DENOMINATOR {
        let d = i128::from(denominator);
        let mut points = Vec::with_capacity(counts.len());
        let fits = counts.iter().all(|(subject, c)| {
            let cd = i128::from(*c) * d;
            let j = (2 * cd + t) / (2 * t); // round(c × D / T), half up
            let diff = cd - j * t; // c × D − j × T
            if 2 * diff.abs() > d {
                return false;
            }
            // p = j / D as a percentage: j × 100 / D = j / 10^scale.
            points.push(GridPoint {
                subject: subject.as_ref().to_owned(),
                count: *c,
                percent: Decimal::from_i128_with_scale(j, scale),
                residual: Decimal::from_i128_with_scale(diff, scale + 2),
            });
            true
        });
        if fits {
            let free = counts.len() as i32 - i32::from(base.is_none());
            let probability = (denominator as f64 / total as f64).powi(free);
            return Checked::Done(Signature {
                total,
                base,
                counts: counts.len(),
                grid: Some(Grid {
                    step: Decimal::from_i128_with_scale(1, scale),
                    denominator,
                    points,
                    probability,
                }),
            });
        }
        denominator *= 10;
        scale += 1;
    }
    Checked::Done(Signature {
        total,
        base,
        counts: counts.len(),
        grid: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_percentages_are_found() {
        // 30%, 70% of 1000.
        let s = round_percentage_signature(&[("a", 300), ("b", 700)])
            .unwrap()
            .unwrap_done();
        let g = s.grid.unwrap();
        assert_eq!(g.denominator, 100);
        assert_eq!(g.points[0].residual, Decimal::ZERO);
        assert_eq!(g.points[0].percent.to_string(), "30");
        assert!((g.probability - 0.1).abs() < 1e-12);
    }

    #[test]
    fn ordinary_counts_need_a_fine_grid() {
        let s = round_percentage_signature(&[("a", 123_457), ("b", 98_765), ("c", 4_321)])
            .unwrap()
            .unwrap_done();
        if let Some(g) = &s.grid {
            assert!(g.probability > 1e-3, "{g:?}");
        }
        assert!(!s.is_flagged(1e-6));
    }

    #[test]
    fn refuses_degenerate_input() {
        let reason = |counts: &[(&str, u64)]| {
            round_percentage_signature(counts)
                .unwrap()
                .not_applicable()
                .map(|n| n.reason)
        };
        assert_eq!(reason(&[("a", 5)]), Some(NotApplicableReason::TooFewCounts));
        assert_eq!(reason(&[]), Some(NotApplicableReason::TooFewCounts));
        assert_eq!(
            reason(&[("a", 0), ("b", 0)]),
            Some(NotApplicableReason::ZeroTotal)
        );
        let overflow = round_percentage_signature(&[("a", u64::MAX), ("b", 1)]).unwrap_err();
        assert!(matches!(overflow.kind(), crate::ErrorKind::Overflow { .. }));
        // Tiny totals: no grid has a vote between its points beyond 1%.
        let s = round_percentage_signature(&[("a", 1), ("b", 2)])
            .unwrap()
            .unwrap_done();
        assert!(s.grid.is_none());
    }
}
