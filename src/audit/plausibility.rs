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
        plausibility_range(set, options, c * CHUNK, set.len().min((c + 1) * CHUNK))
    })
    .into_iter()
    .flatten()
    .collect()
}

fn plausibility_range(
    set: &ActaSet,
    options: &PlausibilityOptions,
    start: usize,
    end: usize,
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
