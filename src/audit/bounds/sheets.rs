//! What the bounds read of the sheets and of a printed coverage.

use super::*;

/// The interval `[p − h, p + h]` (or `[p, p]`) of a printed share, as fractions of the whole
/// applied to `whole`, rounded inward to integers (the whole numbers of tables or electors that
/// print as `p`) and clamped to `[0, whole]`. Exact integer arithmetic: with `p = m / 10^s`, the
/// bounds are `ceil((2m − 1) w / (200·10^s))` and `floor((2m + 1) w / (200·10^s))`.
///
/// `Err` ([`NotApplicableReason::ImpossibleCoverage`]) when no whole number prints as `p` (50%
/// of 3 tables): the claim is impossible for this register, and the caller says so.
pub(super) fn counted_interval(
    printed: crate::Percent,
    whole: u64,
    reading: CoverageReading,
) -> std::result::Result<(u64, u64), NotApplicable> {
    // A Percent is never negative.
    let m = u128::try_from(printed.value().mantissa()).unwrap_or(0);
    let d = 100 * 10u128.pow(printed.scale());
    let w = u128::from(whole);
    let (lo, hi) = match reading {
        CoverageReading::PrintedInterval => {
            let lo = (2 * m).saturating_sub(1) * w;
            ((lo).div_ceil(2 * d), (2 * m + 1) * w / (2 * d))
        }
        CoverageReading::Exact => ((m * w) / d, (m * w).div_ceil(d)),
    };
    let clamp = |x: u128| u64::try_from(x.min(w)).unwrap_or(whole);
    let (lo, hi) = (clamp(lo), clamp(hi));
    if lo > hi {
        return Err(NotApplicable::new(
            NotApplicableReason::ImpossibleCoverage,
            format!("{printed}% of {whole}"),
            {
                let pct = |x: u64| {
                    crate::percent_of(x, whole, printed.scale(), crate::Rounding::HalfUp)
                        .map_or_else(|_| "-".to_owned(), |p| format!("{p}%"))
                };
                format!(
                    "no whole number of the {whole} prints as {printed}% ({hi} is {}, {lo} is {})",
                    pct(hi),
                    pct(lo)
                )
            },
        ));
    }
    Ok((lo, hi))
}

/// The collected sheets as the bounds see them, for one subject, one entry per table (first
/// readings): the subject's votes with absent lines counted as 0 (`low`) and, where a line is
/// absent, the most the votes could be (`high`: the electors; `None` when those are unknown too).
pub(crate) struct Values<'a> {
    pub(super) low: Vec<u64>,
    /// `None` when no line is absent anywhere, so that `high == low`.
    pub(super) high: Option<Vec<Option<u64>>>,
    pub(super) electors: &'a [Option<u64>],
}

impl<'a> Values<'a> {
    /// The values of the subject made of `candidates`, read raw from the columns, a line at a
    /// time.
    pub(crate) fn new(
        set: &ActaSet,
        candidates: &[usize],
        keep: Option<&[usize]>,
        electors: &'a [Option<u64>],
    ) -> Self {
        let contest = set.contest();
        let lines: Vec<&crate::model::column::OptColumn> = candidates
            .iter()
            .flat_map(|c| contest.lines_of(*c))
            .filter_map(|l| set.column(Field::Line(l)))
            .collect();
        let mut low = vec![0u64; set.len()];
        for col in &lines {
            col.raw().add_to(&mut low);
        }
        let mut absent = Vec::new();
        if lines.iter().any(|c| c.has_absent()) {
            absent = vec![false; set.len()];
            for col in &lines {
                for i in col.absent_positions() {
                    absent[i] = true;
                }
            }
        }
        if let Some(keep) = keep {
            low = keep.iter().map(|&i| low[i]).collect();
            if !absent.is_empty() {
                absent = keep.iter().map(|&i| absent[i]).collect();
            }
        }
        let high = (!absent.is_empty()).then(|| {
            low.iter()
                .zip(&absent)
                .zip(electors)
                .map(|((&l, &a), e)| if a { e.map(|e| e.max(l)) } else { Some(l) })
                .collect()
        });
        Values {
            low,
            high,
            electors,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.low.len()
    }

    pub(crate) fn high(&self, i: usize) -> Option<u64> {
        match &self.high {
            None => Some(self.low[i]),
            Some(h) => h[i],
        }
    }
}

/// Electors per table (first readings), and the indices of the first readings when some sheets
/// are repeats (`None` when every sheet is a first reading). A set whose sheets are all repeats
/// keeps `Some(vec![])`: no sheet at all, never every sheet.
pub(crate) fn table_electors(set: &ActaSet) -> (Vec<Option<u64>>, Option<Vec<usize>>) {
    let keep: Option<Vec<usize>> = (!set.repeats().is_empty())
        .then(|| (0..set.len()).filter(|i| !set.is_repeat(*i)).collect());
    let col = set.column(Field::Electors);
    let at = |i: usize| col.and_then(|c| c.get(i)).map(u64::from);
    let electors = match &keep {
        None => (0..set.len()).map(at).collect(),
        Some(keep) => keep.iter().map(|&i| at(i)).collect(),
    };
    (electors, keep)
}

pub(super) fn to_u64(v: u128, what: &str) -> Result<u64> {
    u64::try_from(v).map_err(|_| Error::overflow(what))
}

/// Judges an announced count against `[lower, upper]` and builds its [`Bound`]; `below` gives
/// the false sheets needed (and whether that number is exact) when the count is below `lower`,
/// `above` the false sheets needed (at least) when it is above `upper`, given that upper bound.
pub(super) fn judge(
    subject: String,
    announced: u64,
    on_sheets: u128,
    lower: u64,
    upper: Option<u128>,
    below: impl FnOnce() -> (Option<u64>, bool),
    above: impl FnOnce(u128) -> Option<u64>,
) -> Result<Bound> {
    let on_sheets = to_u64(on_sheets, "votes on the sheets")?;
    let (verdict, gap, false_sheets, false_sheets_exact) = if announced < lower {
        let (k, exact) = below();
        (Verdict::Below, lower - announced, k, exact)
    } else if let Some(up) = upper.filter(|u| u128::from(announced) > *u) {
        let k = above(up);
        (
            Verdict::Above,
            to_u64(u128::from(announced) - up, "gap")?,
            k,
            false,
        )
    } else {
        (Verdict::Within, 0, Some(0), true)
    };
    Ok(Bound {
        subject,
        announced,
        on_sheets,
        lower,
        upper: upper.map(|u| to_u64(u, "upper bound")).transpose()?,
        verdict,
        gap,
        false_sheets,
        false_sheets_exact,
    })
}
