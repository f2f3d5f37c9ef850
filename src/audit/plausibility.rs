//! Plausibility flags on single sheets, with documented thresholds.

use rust_decimal::Decimal;

use crate::model::column::{OptColumn, Raw, Stored, with_raw};
use crate::model::{ActaSet, Field};
use crate::par::{self, Execution};
use crate::report::{Code, Finding, Subject};

/// Thresholds of the plausibility flags.
///
/// Invariant: shares are percentages between 0 and 100.
///
/// The defaults flag null or blank votes above 10% of a sheet's voters. They are deliberately
/// loose: in most elections null votes are 1 to 5% of voters, and a threshold is a place to look,
/// not a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PlausibilityOptions {
    /// Flag a sheet whose null votes exceed this percentage of its voters (`S005`).
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal"))]
    pub null_share_above: Decimal,
    /// Flag a sheet whose blank votes exceed this percentage of its voters (`S006`).
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal"))]
    pub blank_share_above: Decimal,
}

impl PlausibilityOptions {
    /// With another threshold for null votes, a percentage of the voters (`S005`).
    ///
    /// # Example
    ///
    /// ```
    /// use actas::Decimal;
    /// use actas::audit::PlausibilityOptions;
    ///
    /// let strict = PlausibilityOptions::default().with_null_share_above(Decimal::new(25, 1)); // 2.5%
    /// assert_eq!(strict.null_share_above.to_string(), "2.5");
    /// ```
    #[must_use]
    pub fn with_null_share_above(mut self, percent: Decimal) -> Self {
        self.null_share_above = percent;
        self
    }

    /// With another threshold for blank votes, a percentage of the voters (`S006`).
    #[must_use]
    pub fn with_blank_share_above(mut self, percent: Decimal) -> Self {
        self.blank_share_above = percent;
        self
    }
}

impl Default for PlausibilityOptions {
    fn default() -> Self {
        PlausibilityOptions {
            null_share_above: Decimal::from(10),
            blank_share_above: Decimal::from(10),
        }
    }
}

/// A percentage threshold as an exact fraction, to compare shares without decimal arithmetic.
#[derive(Debug, Clone, Copy)]
struct Threshold {
    /// The threshold's mantissa (non-negative).
    mantissa: u128,
    /// `100 × 10^scale`.
    whole: u128,
}

impl Threshold {
    fn new(percent: Decimal) -> Self {
        let mantissa = u128::try_from(percent.mantissa().max(0)).unwrap_or(0);
        Threshold {
            mantissa,
            whole: 100 * 10u128.pow(percent.scale()),
        }
    }

    /// Whether `part / whole × 100 > threshold`, exactly: `part × 100 × 10^s > m × whole`.
    #[inline]
    fn exceeded(self, part: u32, whole: u32) -> bool {
        whole > 0 && u128::from(part) * self.whole > self.mantissa * u128::from(whole)
    }
}

/// Flags implausible sheets: turnout over 100% (`S002`) or exactly 100% (`S003`), one candidate
/// with every valid vote (`S004`), null (`S005`) or blank (`S006`) votes above a share of the
/// voters, sheets with no votes at all (`S007`).
///
/// Every sheet is looked at, repeated readings included. A flag whose fields a sheet lacks is not
/// raised on it.
///
/// # Example
///
/// ```
/// use actas::audit::{plausibility, PlausibilityOptions};
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
///
/// let contest = Contest::new("c", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
/// set.push(ActaSheet::new(TableId::new("1")?).with_electors(100).with_voters(120).with_valid(120).with_votes([Some(60), Some(60)]))?;
/// set.push(ActaSheet::new(TableId::new("2")?).with_electors(100).with_voters(50).with_valid(50).with_votes([Some(50), Some(0)]))?;
/// let flags = plausibility(&set, &PlausibilityOptions::default());
/// let codes: Vec<&str> = flags.iter().map(|f| f.code.as_str()).collect();
/// assert_eq!(codes, ["S002", "S004"]);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn plausibility(set: &ActaSet, options: &PlausibilityOptions) -> Vec<Finding> {
    plausibility_with(set, options, Execution::default())
}

/// [`plausibility`], run as `execution` says, over chunks of sheets.
pub fn plausibility_with(
    set: &ActaSet,
    options: &PlausibilityOptions,
    execution: Execution,
) -> Vec<Finding> {
    const CHUNK: usize = 1 << 14;
    let chunks = set.len().div_ceil(CHUNK);
    par::map(execution, chunks, |c| {
        let (start, end) = (c * CHUNK, set.len().min((c + 1) * CHUNK));
        plausibility_range(
            set,
            options,
            start,
            end,
            &suspects(set, options, start, end),
        )
    })
    .into_iter()
    .flatten()
    .collect()
}

/// The sheets of `start..end` that may raise a flag, found a column at a time (loops the
/// compiler vectorises), with absent values read as 0 and the shares compared in `f64` with a
/// margin: a superset of the sheets [`plausibility_range`] flags, so that it looks at those
/// only. A law checks that the flags are the same as when it looks at every sheet.
fn suspects(set: &ActaSet, options: &PlausibilityOptions, start: usize, end: usize) -> Vec<bool> {
    // Blocks small enough for the sums below to stay in the first-level cache.
    const BLOCK: usize = 1024;
    let mut out = vec![false; end - start];
    let contest = set.contest();
    let n_cand = contest.candidates().len();
    let column = |f: Field| set.column(f).map(OptColumn::raw);
    let (electors, voters) = (column(Field::Electors), column(Field::Voters));
    let (valid, null, blank) = (
        column(Field::Valid),
        column(Field::Null),
        column(Field::Blank),
    );
    let shares: Vec<(Raw<'_>, f64, f64)> = [
        (null, options.null_share_above),
        (blank, options.blank_share_above),
    ]
    .into_iter()
    .filter_map(|(part, percent)| {
        let t = Threshold::new(percent);
        // A margin for f64: a superset of the exact comparison's flags.
        Some((part?, t.whole as f64, t.mantissa as f64 * (1.0 - 1e-9)))
    })
    .collect();
    // Each candidate's lines (present columns only).
    let candidate_lines: Vec<Vec<Raw<'_>>> = (0..n_cand)
        .map(|c| {
            contest
                .lines_of(c)
                .filter_map(|l| column(Field::Line(l)))
                .collect()
        })
        .collect();
    let (mut all, mut sum) = ([0u32; BLOCK], [0u32; BLOCK]);
    // Each block of a narrow column read as `u32`s into a buffer of its own.
    let (mut voters_buf, mut electors_buf, mut valid_buf) =
        ([0u32; BLOCK], [0u32; BLOCK], [0u32; BLOCK]);
    let (mut part_buf, mut line_buf) = ([0u32; BLOCK], [0u32; BLOCK]);
    for (block, out) in (start..end).step_by(BLOCK).zip(out.chunks_mut(BLOCK)) {
        let range = block..block + out.len();
        let n = out.len();
        let voters = voters.map(|v| v.block(range.clone(), &mut voters_buf));
        let valid = valid.map(|v| v.block(range.clone(), &mut valid_buf));
        // S002, S003: voters at or above electors.
        if let (Some(v), Some(e)) = (voters, electors) {
            let e = e.block(range.clone(), &mut electors_buf);
            for ((o, &v), &e) in out.iter_mut().zip(v).zip(e) {
                *o |= v >= e && v > 0;
            }
        }
        // S005, S006: a share of the voters above its threshold.
        if let Some(v) = voters {
            for &(part, whole, mantissa) in &shares {
                let part = part.block(range.clone(), &mut part_buf);
                for ((o, &p), &v) in out.iter_mut().zip(part).zip(v) {
                    *o |= v > 0 && f64::from(p) * whole >= mantissa * f64::from(v);
                }
            }
        }
        // S004 and S007: each candidate's votes against the valid votes and against all lines.
        // Sums wrap in 32 bits, so that the compares run four at a time: equal sums are equal
        // wrapped, and `all > 0` is not asked of the wrapped sum, so the flags are a superset.
        let all = &mut all[..n];
        all.fill(0);
        for line in candidate_lines.iter().flatten() {
            with_raw!(line.slice(range.clone()), |line| {
                for (a, &x) in all.iter_mut().zip(line) {
                    *a = a.wrapping_add(x.value());
                }
            });
        }
        if n_cand > 1 {
            for lines in &candidate_lines {
                let cand: &[u32] = match lines.as_slice() {
                    [one] => one.block(range.clone(), &mut line_buf),
                    lines => {
                        let sum = &mut sum[..n];
                        sum.fill(0);
                        for line in lines {
                            with_raw!(line.slice(range.clone()), |line| {
                                for (s, &x) in sum.iter_mut().zip(line) {
                                    *s = s.wrapping_add(x.value());
                                }
                            });
                        }
                        sum
                    }
                };
                match valid {
                    Some(valid) => {
                        for (((o, &x), &t), &a) in out.iter_mut().zip(cand).zip(valid).zip(&*all) {
                            // Bitwise, not lazy: no branch, so the loop is vectorised.
                            #[allow(clippy::needless_bitwise_bool)]
                            {
                                *o |= ((x == t) & (t > 0)) | (x == a);
                            }
                        }
                    }
                    None => {
                        for ((o, &x), &a) in out.iter_mut().zip(cand).zip(&*all) {
                            *o |= x == a;
                        }
                    }
                }
            }
        }
        // A sheet that records no votes at all (`all` wrapped: a superset again).
        for (k, o) in out.iter_mut().enumerate() {
            *o |= all[k] == 0
                && voters.is_none_or(|v| v[k] == 0)
                && valid.is_none_or(|v| v[k] == 0)
                && [null, blank]
                    .iter()
                    .all(|f| f.is_none_or(|f| f.at(block + k) == 0));
        }
    }
    out
}

fn plausibility_range(
    set: &ActaSet,
    options: &PlausibilityOptions,
    start: usize,
    end: usize,
    suspect: &[bool],
) -> Vec<Finding> {
    let contest = set.contest();
    let n_cand = contest.candidates().len();
    let (null_t, blank_t) = (
        Threshold::new(options.null_share_above),
        Threshold::new(options.blank_share_above),
    );
    let mut out = Vec::new();
    let mut per_candidate = vec![0u64; n_cand];
    for i in start..end {
        if !suspect[i - start] {
            continue;
        }
        let subject = || Subject::Sheet {
            index: i,
            table: set.table_id(i).unwrap_or_default().to_owned(),
        };
        let get = |f: Field| set.count(i, f);
        let (electors, voters, valid, null, blank) = (
            get(Field::Electors),
            get(Field::Voters),
            get(Field::Valid),
            get(Field::Null),
            get(Field::Blank),
        );
        if let (Some(v), Some(e)) = (voters, electors) {
            if v > e {
                out.push(
                    Finding::new(
                        Code::MoreVotersThanElectors,
                        subject(),
                        "more voters than electors",
                    )
                    .with("voters", v)
                    .with("electors", e),
                );
            } else if v == e && v > 0 {
                out.push(
                    Finding::new(Code::EveryElectorVoted, subject(), "every elector voted")
                        .with("voters", v)
                        .with("electors", e),
                );
            }
        }
        per_candidate.fill(0);
        let mut any_line = false;
        for (l, line) in contest.lines().iter().enumerate() {
            if let Some(v) = get(Field::Line(l)) {
                per_candidate[line.candidate()] += u64::from(v);
                any_line = true;
            }
        }
        let valid_total = valid
            .map(u64::from)
            .or(any_line.then(|| per_candidate.iter().sum()));
        if let Some(total) = valid_total.filter(|t| *t > 0) {
            if n_cand > 1 {
                if let Some(c) = per_candidate.iter().position(|v| *v == total) {
                    out.push(
                        Finding::new(
                            Code::OneCandidateTakesAll,
                            subject(),
                            format!("{} has every valid vote", contest.candidates()[c].code),
                        )
                        .with("votes", total),
                    );
                }
            }
        }
        if let Some(v) = voters {
            if let Some(n) = null.filter(|n| null_t.exceeded(*n, v)) {
                out.push(
                    Finding::new(
                        Code::NullAboveThreshold,
                        subject(),
                        "null votes above the threshold share",
                    )
                    .with("null", n)
                    .with("voters", v)
                    .with("threshold_percent", options.null_share_above),
                );
            }
            if let Some(b) = blank.filter(|b| blank_t.exceeded(*b, v)) {
                out.push(
                    Finding::new(
                        Code::BlankAboveThreshold,
                        subject(),
                        "blank votes above the threshold share",
                    )
                    .with("blank", b)
                    .with("voters", v)
                    .with("threshold_percent", options.blank_share_above),
                );
            }
        }
        let vote_fields = [voters, valid, null, blank];
        let any_present = any_line || vote_fields.iter().any(Option::is_some);
        let all_zero = vote_fields.iter().all(|v| v.is_none_or(|v| v == 0))
            && per_candidate.iter().all(|v| *v == 0);
        if any_present && all_zero {
            out.push(Finding::new(Code::NoVotes, subject(), "no votes recorded"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActaSheet, Candidate, Contest, Geography, TableId};
    use proptest::prelude::*;

    fn sheet(t: usize, f: &[Option<u32>; 9]) -> ActaSheet {
        let mut s = ActaSheet::new(TableId::new(format!("T{t}")).unwrap())
            .with_votes([f[5], f[6], f[7], f[8]]);
        s.electors = f[0];
        s.voters = f[1];
        s.valid = f[2];
        s.null = f[3];
        s.blank = f[4];
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// The sheets looked at after the column pass raise the same flags, in the same order,
        /// as looking at every sheet: small counts half the time, so that ties, zeros and
        /// absent values are frequent, larger ones for shares just past a threshold, and
        /// counts whose sums pass 2^32 (the column pass sums in 32 bits, wrapping); three
        /// candidates, one with two lines; sets that end on either side of a block's end.
        #[test]
        fn the_column_pass_misses_no_flag(
            rows in proptest::collection::vec(proptest::array::uniform9(proptest::option::weighted(0.85, prop_oneof![10 => 0u32..12, 10 => 0u32..400, 1 => Just(1u32 << 31), 1 => u32::MAX - 3..=u32::MAX])), 1..300),
            null in 0u32..60,
            blank in 0u32..60,
            len in prop_oneof![Just(None), (1020usize..1030).prop_map(Some), (2040usize..2052).prop_map(Some)],
        ) {
            // Past the column pass's blocks of 1024 sheets: the rows again and again.
            let rows: Vec<_> = match len {
                Some(n) => rows.iter().cycle().take(n).copied().collect(),
                None => rows,
            };
            let contest = Contest::with_lines(
                "c",
                vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo"), Candidate::new("C", "Cy")],
                [("A", None::<&str>, "A"), ("B1", None, "B"), ("B2", None, "B"), ("C", None, "C")],
            ).unwrap();
            let mut set = ActaSet::new(contest, Geography::default());
            for (t, r) in rows.iter().enumerate() {
                set.push(sheet(t, r)).unwrap();
            }
            let options = PlausibilityOptions::default()
                .with_null_share_above(Decimal::new(i64::from(null), 1))
                .with_blank_share_above(Decimal::new(i64::from(blank), 0));
            let every = vec![true; set.len()];
            let slow = plausibility_range(&set, &options, 0, set.len(), &every);
            let fast = plausibility_with(&set, &options, Execution::Sequential);
            prop_assert_eq!(fast, slow);
        }
    }

    /// A candidate whose two lines sum to exactly 2^32 takes every vote: the column pass's
    /// 32-bit sums wrap to 0 and must still let the sheet through.
    #[test]
    fn sums_that_wrap_to_zero_are_still_looked_at() {
        let contest = Contest::with_lines(
            "c",
            vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")],
            [
                ("A", None::<&str>, "A"),
                ("B1", None, "B"),
                ("B2", None, "B"),
            ],
        )
        .unwrap();
        let mut set = ActaSet::new(contest, Geography::default());
        let half = Some(1u32 << 31);
        // No valid votes (so that all lines are the whole), and voters and electors, so that
        // only the sum can let the sheet in.
        set.push(
            ActaSheet::new(TableId::new("1").unwrap())
                .with_votes([Some(0), half, half])
                .with_voters(7)
                .with_electors(100),
        )
        .unwrap();
        let options = PlausibilityOptions::default();
        let flags = plausibility_with(&set, &options, Execution::Sequential);
        assert!(!flags.is_empty());
        assert_eq!(flags, plausibility_range(&set, &options, 0, 1, &[true]));
    }
}
