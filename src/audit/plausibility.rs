//! Plausibility flags on single sheets, with documented thresholds.

use rust_decimal::Decimal;

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
    let n = end - start;
    let mut out = vec![false; n];
    let raw = |f: Field| set.column(f).map(|c| &c.raw()[start..end]);
    let zeros = vec![0u32; n];
    let (electors, voters) = (raw(Field::Electors), raw(Field::Voters));
    let (valid, null, blank) = (raw(Field::Valid), raw(Field::Null), raw(Field::Blank));
    // S002, S003: voters at or above electors.
    if let (Some(v), Some(e)) = (voters, electors) {
        for ((o, &v), &e) in out.iter_mut().zip(v).zip(e) {
            *o |= v >= e && v > 0;
        }
    }
    // S005, S006: a share of the voters above its threshold (with a margin for f64).
    if let Some(v) = voters {
        for (part, percent) in [
            (null, options.null_share_above),
            (blank, options.blank_share_above),
        ] {
            let Some(part) = part else { continue };
            let t = Threshold::new(percent);
            let (whole, mantissa) = (t.whole as f64, t.mantissa as f64 * (1.0 - 1e-9));
            for ((o, &p), &v) in out.iter_mut().zip(part).zip(v) {
                *o |= v > 0 && f64::from(p) * whole >= mantissa * f64::from(v);
            }
        }
    }
    // S004 and S007: the candidates' sums against the valid votes and against all lines.
    let contest = set.contest();
    let n_cand = contest.candidates().len();
    let mut sums: Vec<Vec<u64>> = Vec::with_capacity(n_cand);
    for c in 0..n_cand {
        let mut sum = vec![0u64; n];
        for l in contest.lines_of(c) {
            if let Some(col) = raw(Field::Line(l)) {
                for (s, &x) in sum.iter_mut().zip(col) {
                    *s += u64::from(x);
                }
            }
        }
        sums.push(sum);
    }
    let mut all = vec![0u64; n];
    for sum in &sums {
        for (a, &x) in all.iter_mut().zip(sum) {
            *a += x;
        }
    }
    let valid_or_zero = valid.unwrap_or(&zeros);
    if n_cand > 1 {
        for sum in &sums {
            for (((o, &x), &t), &a) in out.iter_mut().zip(sum).zip(valid_or_zero).zip(&all) {
                let t = u64::from(t);
                *o |= (x == t && t > 0) || (x == a && a > 0);
            }
        }
    }
    let fields = [voters, valid, null, blank];
    for (i, o) in out.iter_mut().enumerate() {
        *o |= all[i] == 0 && fields.iter().all(|f| f.is_none_or(|f| f[i] == 0));
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
        /// absent values are frequent, larger ones for shares just past a threshold; three
        /// candidates, one with two lines.
        #[test]
        fn the_column_pass_misses_no_flag(
            rows in proptest::collection::vec(proptest::array::uniform9(proptest::option::weighted(0.85, prop_oneof![0u32..12, 0u32..400])), 1..300),
            null in 0u32..60,
            blank in 0u32..60,
        ) {
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
}
