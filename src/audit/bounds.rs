//! Feasibility bounds: which announced values the collected sheets allow (see [`feasibility`]).

use super::bulletin::resolve_subject;
use super::checked::{Checked, NotApplicable, NotApplicableReason, not_applicable};
use crate::error::{Error, Result};
use crate::model::{ActaSet, Bulletin, CoverageBasis, Field, Register};
use crate::par::{self, Execution};
use crate::report::{Code, Finding, Subject};

/// How a printed coverage share is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CoverageReading {
    /// Every value that rounds to the printed one (half a unit of its last digit either side).
    #[default]
    PrintedInterval,
    /// The printed value as exact.
    Exact,
}

/// Options of [`feasibility`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct BoundOptions {
    /// How the printed coverage is read.
    pub coverage: CoverageReading,
}

impl BoundOptions {
    /// With the printed coverage read as `coverage` says.
    pub fn with_coverage(mut self, coverage: CoverageReading) -> Self {
        self.coverage = coverage;
        self
    }
}

/// Whether bounds are exact or come from a fractional relaxation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum BoundMethod {
    /// The interval is exactly the set of reachable values' hull (tables basis).
    Exact,
    /// The interval contains every reachable value; it may be wider (electors basis).
    FractionalRelaxation,
}

/// Where an announced count stands against its interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Verdict {
    /// Inside the interval: the sheets allow it.
    Within,
    /// Below the interval: the sheets hold more votes than announced.
    Below,
    /// Above the interval: the sheets and the register cannot hold that many.
    Above,
}

/// The interval of announced values the sheets allow for one subject, and where the announced
/// value stands.
///
/// Invariant: `lower <= upper` when there is an upper bound; `gap` and `false_sheets` are 0 when
/// the verdict is [`Verdict::Within`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Bound {
    /// The bulletin's subject (a candidate code or group).
    pub subject: String,
    /// The announced count.
    pub announced: u64,
    /// What all the collected sheets hold for the subject.
    pub on_sheets: u64,
    /// The least value consistent with the sheets.
    pub lower: u64,
    /// The greatest, or `None` when unbounded (the register does not say how many electors the
    /// uncollected tables hold).
    pub upper: Option<u64>,
    /// Where the announced count stands.
    pub verdict: Verdict,
    /// How many votes it is outside the interval.
    pub gap: u64,
    /// How many collected sheets would have to be false for it to hold; `None` when no number
    /// of false sheets is enough.
    pub false_sheets: Option<u64>,
    /// Whether `false_sheets` is the exact minimum (`true`) or a lower bound ("at least").
    pub false_sheets_exact: bool,
}

/// The feasibility of one bulletin against a set of sheets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Feasibility {
    /// The bulletin's label.
    pub bulletin: String,
    /// What its coverage is a share of.
    pub basis: CoverageBasis,
    /// How the bounds were computed.
    pub method: BoundMethod,
    /// Tables with a sheet (first readings).
    pub sheets: u64,
    /// Tables of the register without a sheet (tables basis).
    pub uncollected_tables: Option<u64>,
    /// Electors of the tables without a sheet, when the register and the sheets say.
    pub uncollected_electors: Option<u64>,
    /// The least and most tables (tables basis) or electors (electors basis) counted.
    pub counted: (u64, u64),
    /// The least number of collected sheets (tables basis) or of their electors (electors basis)
    /// the bulletin must include.
    pub from_sheets: u64,
    /// One bound per announced count whose subject the contest knows.
    pub bounds: Vec<Bound>,
}

/// The interval `[p − h, p + h]` (or `[p, p]`) of a printed share, as fractions of the whole
/// applied to `whole`, rounded inward to integers (the whole numbers of tables or electors that
/// print as `p`) and clamped to `[0, whole]`. Exact integer arithmetic: with `p = m / 10^s`, the
/// bounds are `ceil((2m − 1) w / (200·10^s))` and `floor((2m + 1) w / (200·10^s))`.
///
/// `Err` ([`NotApplicableReason::ImpossibleCoverage`]) when no whole number prints as `p` (50%
/// of 3 tables): the claim is impossible for this register, and the caller says so.
fn counted_interval(
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
    low: Vec<u64>,
    /// `None` when no line is absent anywhere, so that `high == low`.
    high: Option<Vec<Option<u64>>>,
    electors: &'a [Option<u64>],
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
            for (a, v) in low.iter_mut().zip(col.raw()) {
                *a += u64::from(*v);
            }
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

/// The feasibility of `bulletin` against the sheets of `set` and the `register`.
///
/// # The question
///
/// An authority announces, for a candidate, a count `A` over the tables it says it counted: a
/// share of all tables, or a share of all electors. Observers hold the sheets `S` of some tables.
/// The bulletin's counted tables `B` are unknown; some are in `S`, some are not. If the sheets are
/// true, which values of `A` are possible, whatever `B` was?
///
/// # Tables basis (exact)
///
/// Let `N` be the tables of the register, `U = N − |S|` the uncollected ones, and `[n_lo, n_hi]`
/// the number of tables the printed coverage stands for. `B` holds at most `U` uncollected tables,
/// so it holds at least `m = n_lo − U` sheets of `S`.
///
/// - **Lower bound**: `B` takes the `m` sheets with the fewest votes for the candidate, and its
///   uncollected tables give the candidate nothing: `L` = the sum of the `m` smallest values. No
///   choice of `B` gives less, so an announced `A < L` is impossible with true sheets.
/// - **Upper bound**: `B` takes the `min(n_hi, |S|)` sheets with the most votes, and the
///   uncollected tables give the candidate every one of their electors (the register's electors
///   less those on the sheets): a sum no choice of `B` exceeds.
/// - **False sheets below**: a false sheet can at most have hidden all the votes it shows for the
///   candidate. With `k` false sheets among the `m`, the least `B` can hold is the sum of the
///   `m − k` smallest values (the false ones count 0, the true ones are at best the smallest). So
///   `A` becomes possible exactly when `prefix(m − k) ≤ A`: the minimum is `k = m − j` for the
///   largest `j ≤ m` with `prefix(j) ≤ A`. *Minimality*: any `B` with `k' < m − j` false sheets has
///   at least `m − k' > j` true sheets of `S`, whose sum is at least `prefix(m − k') > A`.
/// - **False sheets above**: a false sheet can at most have hidden votes up to its electors. With
///   `k` false sheets the most `B` can hold is at most the upper bound plus the `k` largest gains
///   `electors − votes`; the smallest `k` for which that reaches `A` is a lower bound on the number
///   of false sheets ("at least"), not always the exact minimum.
///
/// # Electors basis (fractional relaxation, conservative)
///
/// When the coverage is a share of electors, `B`'s sheets must hold at least `R` electors (the
/// electors counted less those of every uncollected table). Choosing the sheets that hold `R`
/// electors with the fewest votes is a knapsack (covering) problem. Its fractional relaxation
/// (take sheets in increasing order of votes per elector, the last one in part) is never above the
/// integer optimum, so the lower bound `⌈LP⌉` is conservative: the true least value is at least
/// that. The upper bound is the fractional packing of the electors counted, uncollected tables
/// first at one vote per elector, rounded down: at least the true most. With `k` false sheets, the
/// requirement falls by at most the `k` largest electors figures, so the smallest `k` for which the
/// relaxation over all sheets reaches `A` is a lower bound on the number of false sheets
/// ("at least"). A false sheet is one whose votes are false; its electors figure is taken as true.
///
/// # Reading the printed coverage
///
/// [`CoverageReading::PrintedInterval`] (the default) takes a printed share as every value that
/// rounds to it: `80` stands for `[79.5, 80.5]`, `96.87` for `[96.865, 96.875]`. This widens the
/// interval and makes the bounds conservative. [`CoverageReading::Exact`] takes the printed value
/// as exact. When a bulletin announces the electors counted as a number, that number is used.
///
/// # Errors
///
/// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) on overflow. The bounds do not apply
/// ([`Checked::NotApplicable`], with its [`NotApplicableReason`]) when the bulletin has no
/// coverage claim or its basis is unspecified, when the register lacks the number of tables
/// (tables basis) or any electors figure (electors basis), when a sheet lacks electors
/// (electors basis), or when no whole number of tables or electors prints as the claim.
///
/// # Example
///
/// ```
/// use actas::audit::{feasibility, BoundOptions, Verdict};
/// use actas::{ActaSet, ActaSheet, Bulletin, BulletinCount, Candidate, Contest, CoverageBasis,
///             CoverageClaim, Geography, Register, TableId};
///
/// let contest = Contest::new("c", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
/// for (id, a, b) in [("1", 70, 30), ("2", 80, 20), ("3", 60, 40)] {
///     set.push(ActaSheet::new(TableId::new(id)?).with_electors(120).with_votes([Some(a), Some(b)]))?;
/// }
/// // 4 tables in all; the bulletin says it counted 3 of them (75%) and gives A 100 votes.
/// let bulletin = Bulletin::new("b", vec![BulletinCount::new("A", 100), BulletinCount::new("B", 200)])
///     .with_coverage(CoverageClaim::new(CoverageBasis::Tables, "75".parse()?));
/// let register = Register::new().with_tables(4).with_electors(480);
/// let f = feasibility(&set, &bulletin, &register, &BoundOptions::default())?.unwrap_done();
/// let a = &f.bounds[0];
/// // At least 2 of the 3 sheets are in the bulletin: A has at least 60 + 70 = 130.
/// assert_eq!((a.lower, a.verdict, a.gap), (130, Verdict::Below, 30));
/// assert_eq!(a.false_sheets, Some(1)); // one false sheet (the 70) and 60 <= 100
/// # Ok::<(), actas::Error>(())
/// ```
pub fn feasibility(
    set: &ActaSet,
    bulletin: &Bulletin,
    register: &Register,
    options: &BoundOptions,
) -> Result<Checked<Feasibility>> {
    feasibility_with(set, bulletin, register, options, Execution::default())
}

/// [`feasibility`], run as `execution` says (a subject per task); the bounds are the same
/// either way.
///
/// # Errors
///
/// As [`feasibility`].
pub fn feasibility_with(
    set: &ActaSet,
    bulletin: &Bulletin,
    register: &Register,
    options: &BoundOptions,
    execution: Execution,
) -> Result<Checked<Feasibility>> {
    let about = Subject::Bulletin {
        label: bulletin.label.clone(),
    };
    Ok(feasibility_of(set, bulletin, register, options, execution)?.about(about))
}

fn feasibility_of(
    set: &ActaSet,
    bulletin: &Bulletin,
    register: &Register,
    options: &BoundOptions,
    execution: Execution,
) -> Result<Checked<Feasibility>> {
    let Some(claim) = bulletin.coverage else {
        return Ok(no_claim(bulletin));
    };
    let sheets = set.tables() as u64;
    let subjects: Vec<(String, u64, Vec<usize>)> = bulletin
        .counts
        .iter()
        .filter_map(|c| {
            resolve_subject(set.contest(), bulletin, &c.subject)
                .map(|m| (c.subject.clone(), c.count, m))
        })
        .collect();
    // The electors of every table, when every table's sheet has them.
    let all_electors: Option<u64> = set.column(Field::Electors).and_then(|col| {
        let any_repeat = !set.repeats().is_empty();
        let missing = col
            .absent_positions()
            .any(|i| !(any_repeat && set.is_repeat(i)));
        let repeated: u64 = set
            .repeats()
            .iter()
            .filter_map(|r| col.get(r.sheet))
            .map(u64::from)
            .sum();
        let all: u64 = col.raw().iter().map(|&v| u64::from(v)).sum();
        (!missing).then(|| all - repeated)
    });
    match claim.basis {
        CoverageBasis::Tables => {
            let (electors, keep) = table_electors(set);
            let tallies = par::map(execution, subjects.len(), |k| {
                let (subject, announced, members) = &subjects[k];
                let values = Values::new(set, members, keep.as_deref(), &electors);
                (subject.clone(), *announced, SubjectTally::of(&values))
            });
            tables_feasibility(bulletin, register, options, sheets, all_electors, tallies)
        }
        CoverageBasis::Electors => {
            electors_feasibility(bulletin, register, options, sheets, all_electors, || {
                let (electors, keep) = table_electors(set);
                par::map(execution, subjects.len(), |k| {
                    let (subject, announced, members) = &subjects[k];
                    let values = Values::new(set, members, keep.as_deref(), &electors);
                    (subject.clone(), *announced, ElectorsInput::of(&values))
                })
            })
        }
        CoverageBasis::Unspecified => Ok(unspecified_basis(bulletin)),
    }
}

/// The bounds of a bulletin without a coverage claim.
pub(crate) fn no_claim<T>(bulletin: &Bulletin) -> Checked<T> {
    not_applicable(
        NotApplicableReason::NoCoverageClaim,
        bulletin.label.as_str(),
        "has no coverage claim",
    )
}

/// The bounds of a bulletin whose claim does not say what it is a share of.
pub(crate) fn unspecified_basis<T>(bulletin: &Bulletin) -> Checked<T> {
    not_applicable(
        NotApplicableReason::UnspecifiedBasis,
        bulletin.label.as_str(),
        "its coverage claim does not say whether it is a share of tables or of electors",
    )
}

fn to_u64(v: u128, what: &str) -> Result<u64> {
    u64::try_from(v).map_err(|_| Error::overflow(what))
}

/// Judges an announced count against `[lower, upper]` and builds its [`Bound`]; `below` gives
/// the false sheets needed (and whether that number is exact) when the count is below `lower`,
/// `above` the false sheets needed (at least) when it is above `upper`, given that upper bound.
fn judge(
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

/// A multiset of values, kept as counts: votes per table are small integers, so a histogram
/// answers "the sum of the `k` smallest" with a walk over its buckets. Values above
/// [`Tally::LIMIT`] (rare) are kept as they are and sorted when asked.
///
/// It is built a value at a time, so that the same tally serves a set in memory and a stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    counts: Vec<u64>,
    large: Vec<u64>,
    n: u64,
    sum: u128,
}

impl Tally {
    /// Values up to this are counted; larger ones are kept as values.
    const LIMIT: u64 = 1 << 20;

    pub(crate) fn add(&mut self, v: u64) {
        self.n += 1;
        self.sum += u128::from(v);
        if v > Self::LIMIT {
            self.large.push(v);
            return;
        }
        let v = v as usize;
        if self.counts.len() <= v {
            self.counts.resize(v + 1, 0);
        }
        self.counts[v] += 1;
    }

    pub(crate) fn merge(&mut self, other: &Tally) {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.large.extend_from_slice(&other.large);
        self.n += other.n;
        self.sum += other.sum;
    }

    #[cfg(test)]
    fn len(&self) -> u64 {
        self.n
    }

    fn total(&self) -> u128 {
        self.sum
    }

    /// The counted values then the large ones, in increasing order, as (value, how many).
    fn ascending(&mut self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.large.sort_unstable();
        let counted = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(v, c)| (v as u64, *c));
        counted.chain(self.large.iter().map(|v| (*v, 1)))
    }

    /// The sum of the `k` smallest values (`k` at most their number).
    fn sum_smallest(&mut self, k: u64) -> u128 {
        let (mut left, mut sum) = (k, 0u128);
        for (v, c) in self.ascending() {
            if left == 0 {
                break;
            }
            let take = left.min(c);
            sum += u128::from(take) * u128::from(v);
            left -= take;
        }
        sum
    }

    /// The sum of the `k` largest values.
    fn sum_largest(&mut self, k: u64) -> u128 {
        let n = self.n;
        self.total() - self.sum_smallest(n - k.min(n))
    }

    /// The largest `j <= m` such that the `j` smallest values sum to at most `budget`.
    fn most_within(&mut self, m: u64, budget: u128) -> u64 {
        let (mut j, mut sum) = (0u64, 0u128);
        for (v, c) in self.ascending() {
            let c = c.min(m - j);
            // How many of the c values equal to v still fit in the budget.
            let fit = if v == 0 {
                c
            } else {
                ((budget - sum) / u128::from(v)).min(u128::from(c)) as u64
            };
            j += fit;
            sum += u128::from(fit) * u128::from(v);
            if fit < c || j == m {
                break;
            }
        }
        j
    }

    /// The least `k` such that `base + (the sum of the k largest values) >= target`, if any.
    fn fewest_largest_reaching(&mut self, base: u128, target: u128) -> Option<u64> {
        if base >= target {
            return Some(0);
        }
        let descending: Vec<(u64, u64)> = {
            let mut v: Vec<(u64, u64)> = self.ascending().collect();
            v.reverse();
            v
        };
        let (mut reach, mut k) = (base, 0u64);
        for (v, c) in descending {
            if v == 0 {
                break;
            }
            let need = (target - reach).div_ceil(u128::from(v));
            if need <= u128::from(c) {
                return Some(k + need as u64);
            }
            reach += u128::from(c) * u128::from(v);
            k += c;
        }
        None
    }
}

/// What the tables-basis bound needs of one subject: tallies of its votes per table, built from
/// a set at once or from a stream a table at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SubjectTally {
    /// Votes per table, absent lines counted as 0.
    low: Tally,
    /// Where lines are absent, the most the votes could be; `None` while no line is absent
    /// (then it equals `low`).
    high: Option<Tally>,
    /// Tables whose votes are absent and whose electors are unknown: unbounded above.
    unbounded: u64,
    /// What a false sheet could hide upward, `electors − high`, per table with electors.
    gains: Tally,
    /// Tables without electors: a false one could hide any number of votes.
    gains_unbounded: u64,
}

impl SubjectTally {
    /// Adds one table: its votes (absent lines as 0), whether a line is absent, its electors.
    pub(crate) fn add(&mut self, low: u64, absent: bool, electors: Option<u64>) {
        if absent && self.high.is_none() {
            self.high = Some(self.low.clone());
        }
        self.low.add(low);
        let high = if absent {
            electors.map(|e| e.max(low))
        } else {
            Some(low)
        };
        match (&mut self.high, high) {
            (Some(h), Some(v)) => h.add(v),
            (Some(_), None) => self.unbounded += 1,
            (None, _) => {}
        }
        match (electors, high) {
            (Some(e), Some(h)) => self.gains.add(e.saturating_sub(h)),
            _ => self.gains_unbounded += 1,
        }
    }

    pub(crate) fn merge(&mut self, other: &SubjectTally) {
        match (&mut self.high, &other.high) {
            (Some(h), Some(o)) => h.merge(o),
            (Some(h), None) => h.merge(&other.low),
            (None, Some(o)) => {
                let mut h = self.low.clone();
                h.merge(o);
                self.high = Some(h);
            }
            (None, None) => {}
        }
        self.low.merge(&other.low);
        self.unbounded += other.unbounded;
        self.gains.merge(&other.gains);
        self.gains_unbounded += other.gains_unbounded;
    }

    pub(crate) fn of(values: &Values<'_>) -> Self {
        let mut t = SubjectTally::default();
        for i in 0..values.len() {
            let absent = values
                .high
                .as_ref()
                .is_some_and(|h| h[i] != Some(values.low[i]));
            t.add(values.low[i], absent, values.electors[i]);
        }
        t
    }
}

/// The feasibility of a bulletin whose coverage is a share of tables, from each subject's
/// tally: `sheets` tables collected, `all_electors` their electors when every sheet has them.
pub(crate) fn tables_feasibility(
    bulletin: &Bulletin,
    register: &Register,
    options: &BoundOptions,
    sheets: u64,
    all_electors: Option<u64>,
    tallies: Vec<(String, u64, SubjectTally)>,
) -> Result<Checked<Feasibility>> {
    let Some(claim) = bulletin.coverage else {
        return Ok(no_claim(bulletin));
    };
    let Some(n) = register.tables else {
        return Ok(not_applicable(
            NotApplicableReason::NoRegisterTables,
            "tables",
            "the number of tables is unknown",
        ));
    };
    let uncollected = n.saturating_sub(sheets);
    let (n_lo, n_hi) = match counted_interval(claim.printed, n, options.coverage) {
        Ok(x) => x,
        Err(na) => return Ok(Checked::NotApplicable(na)),
    };
    let m = n_lo.saturating_sub(uncollected).min(sheets);
    let top = n_hi.min(sheets);
    let uncollected_electors = match (register.electors, all_electors) {
        (Some(r), Some(s)) => Some(r.saturating_sub(s)),
        _ => None,
    };
    let frame = TablesFrame {
        m,
        top,
        uncollected,
        n_hi,
        uncollected_electors,
    };
    let bounds = tallies
        .into_iter()
        .map(|(subject, announced, mut tally)| tables_bound(subject, announced, &mut tally, frame))
        .collect::<Result<Vec<Bound>>>()?;
    Ok(Checked::Done(Feasibility {
        bulletin: bulletin.label.clone(),
        basis: CoverageBasis::Tables,
        method: BoundMethod::Exact,
        sheets,
        uncollected_tables: Some(uncollected),
        uncollected_electors,
        counted: (n_lo, n_hi),
        from_sheets: m,
        bounds,
    }))
}

/// The feasibility of a bulletin whose coverage is a share of electors, from each subject's
/// input: `sheets` tables collected, `all_electors` their electors when every sheet has them.
pub(crate) fn electors_feasibility(
    bulletin: &Bulletin,
    register: &Register,
    options: &BoundOptions,
    sheets: u64,
    all_electors: Option<u64>,
    inputs: impl FnOnce() -> Vec<(String, u64, ElectorsInput)>,
) -> Result<Checked<Feasibility>> {
    let Some(claim) = bulletin.coverage else {
        return Ok(no_claim(bulletin));
    };
    let Some(total) = bulletin.electors.or(register.electors) else {
        return Ok(not_applicable(
            NotApplicableReason::NoRegisterElectors,
            "electors",
            "no electors figure is known",
        ));
    };
    let Some(on_sheets) = all_electors else {
        return Ok(not_applicable(
            NotApplicableReason::SheetsLackElectors,
            "electors",
            "some sheets lack electors",
        ));
    };
    let uncollected = total.saturating_sub(on_sheets);
    let (e_lo, e_hi) = match bulletin.electors_counted {
        Some(c) => (c, c),
        None => match counted_interval(claim.printed, total, options.coverage) {
            Ok(x) => x,
            Err(na) => return Ok(Checked::NotApplicable(na)),
        },
    };
    let need = e_lo.saturating_sub(uncollected).min(on_sheets);
    let frame = ElectorsFrame {
        need,
        capacity: e_hi,
        uncollected,
    };
    // The subjects' inputs are built only once the bulletin and the sheets allow a bound.
    let bounds = inputs()
        .into_iter()
        .map(|(subject, announced, mut input)| {
            electors_bound(subject, announced, &mut input, frame)
        })
        .collect::<Result<Vec<Bound>>>()?;
    // The relaxation's least and most are the same fraction rounded up and down when no whole
    // tables hold the counted electors: no selection of tables exists, whatever the counts.
    if bounds.iter().any(|b| b.upper.is_some_and(|u| b.lower > u)) {
        return Ok(not_applicable(
            NotApplicableReason::ImpossibleCoverage,
            format!("{}% of {total}", claim.printed),
            format!(
                "no choice of whole tables holds from {e_lo} to {e_hi} electors, with {uncollected} electors uncollected"
            ),
        ));
    }
    Ok(Checked::Done(Feasibility {
        bulletin: bulletin.label.clone(),
        basis: CoverageBasis::Electors,
        method: BoundMethod::FractionalRelaxation,
        sheets,
        uncollected_tables: register.tables.map(|n| n.saturating_sub(sheets)),
        uncollected_electors: Some(uncollected),
        counted: (e_lo, e_hi),
        from_sheets: need,
        bounds,
    }))
}

/// The numbers a tables-basis bound needs besides the subject's tally.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TablesFrame {
    /// The least number of collected sheets in the bulletin.
    pub m: u64,
    /// The most.
    pub top: u64,
    /// Tables of the register without a sheet.
    pub uncollected: u64,
    /// The most tables counted.
    pub n_hi: u64,
    /// Electors of the uncollected tables, when known.
    pub uncollected_electors: Option<u64>,
}

pub(crate) fn tables_bound(
    subject: String,
    announced: u64,
    tally: &mut SubjectTally,
    frame: TablesFrame,
) -> Result<Bound> {
    let lower = to_u64(tally.low.sum_smallest(frame.m), "lower bound")?;
    // The `top` largest values, unbounded if any of them is (an absent count without electors).
    let from_sheets: Option<u128> = match &mut tally.high {
        _ if frame.top == 0 => Some(0),
        None => Some(tally.low.sum_largest(frame.top)),
        Some(_) if tally.unbounded > 0 => None,
        Some(high) => Some(high.sum_largest(frame.top)),
    };
    let outside = if frame.uncollected > 0 && frame.n_hi > 0 {
        frame.uncollected_electors.map(u128::from)
    } else {
        Some(0)
    };
    let upper = from_sheets.zip(outside).map(|(a, b)| a + b);
    let on_sheets = tally.low.total();
    let (gains_unbounded, announced128) = (tally.gains_unbounded, u128::from(announced));
    let SubjectTally { low, gains, .. } = tally;
    judge(
        subject,
        announced,
        on_sheets,
        lower,
        upper,
        || {
            // The largest j <= m whose j smallest values fit in the announced count: the
            // minimum number of false sheets is m − j (exact).
            let j = low.most_within(frame.m, announced128);
            (Some(frame.m - j), true)
        },
        |up| {
            if gains_unbounded > 0 {
                Some(1)
            } else {
                gains.fewest_largest_reaching(up, announced128)
            }
        },
    )
}

/// The fractional greedy over `(votes, electors, how many)` items taken in increasing (`Cover`)
/// or decreasing (`Pack`) order of votes per elector until `amount` electors are taken, the last
/// one in part: returns the votes of the items taken whole and the part as a fraction
/// `(numerator, denominator)` of votes. An item of multiplicity `m` stands for `m` tables with
/// the same votes and electors.
///
/// Computed by weighted selection (a three-way quickselect on the ratio), `O(n)` expected; it
/// reorders `items` and gives the same value as sorting, since items of equal ratio are
/// interchangeable.
fn fractional(
    mut items: &mut [(u64, u64, u64)],
    mut amount: u128,
    order: Greedy,
) -> (u128, u128, u128) {
    use std::cmp::Ordering;
    let mut whole: u128 = 0;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    loop {
        if amount == 0 || items.is_empty() {
            return (whole, 0, 1);
        }
        // A pseudo-random pivot keeps adversarial orders from making this quadratic.
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let pivot = items[(seed >> 33) as usize % items.len()];
        let rank = |x: &(u64, u64, u64)| -> Ordering {
            let o = (u128::from(x.0) * u128::from(pivot.1))
                .cmp(&(u128::from(pivot.0) * u128::from(x.1)));
            match order {
                Greedy::Cover => o,
                Greedy::Pack => o.reverse(),
            }
        };
        // Three-way partition: [..lt] before the pivot, [lt..gt] tied with it, [gt..] after.
        let (mut lt, mut i, mut gt) = (0, 0, items.len());
        while i < gt {
            match rank(&items[i]) {
                Ordering::Less => {
                    items.swap(lt, i);
                    lt += 1;
                    i += 1;
                }
                Ordering::Greater => {
                    gt -= 1;
                    items.swap(i, gt);
                }
                Ordering::Equal => i += 1,
            }
        }
        let sums = |xs: &[(u64, u64, u64)]| {
            xs.iter().fold((0u128, 0u128), |(v, e), x| {
                (
                    v + u128::from(x.0) * u128::from(x.2),
                    e + u128::from(x.1) * u128::from(x.2),
                )
            })
        };
        let (v_before, e_before) = sums(&items[..lt]);
        if e_before >= amount {
            items = &mut items[..lt];
            continue;
        }
        let (v_tied, e_tied) = sums(&items[lt..gt]);
        if e_before + e_tied >= amount {
            let rest = amount - e_before;
            return (
                whole + v_before,
                rest * u128::from(pivot.0),
                u128::from(pivot.1),
            );
        }
        whole += v_before + v_tied;
        amount -= e_before + e_tied;
        items = &mut items[gt..];
    }
}

/// The order of a fractional greedy.
#[derive(Debug, Clone, Copy)]
enum Greedy {
    /// Fewest votes per elector first (the least votes holding an amount of electors).
    Cover,
    /// Most votes per elector first (the most votes within an amount of electors).
    Pack,
}

/// The least votes, fractionally, of sheets holding `need` electors, rounded up.
fn cover(need: u128, items: &mut [(u64, u64, u64)]) -> u128 {
    let (whole, num, den) = fractional(items, need, Greedy::Cover);
    whole + num.div_ceil(den)
}

/// What the electors-basis bound needs of one subject: `(votes, electors, how many)` items of
/// the tables with electors, the votes of the tables without, and tallies of electors and gains.
/// Built from a set (one item per table) or from a stream (equal pairs merged).
#[derive(Debug, Clone, Default)]
pub(crate) struct ElectorsInput {
    /// Votes with absent lines as 0, per table with electors above 0.
    low: Vec<(u64, u64, u64)>,
    /// The most the votes could be, per table with electors above 0.
    high: Vec<(u64, u64, u64)>,
    /// The most votes of the tables without electors (or with 0): `None` when unbounded.
    free: Option<u128>,
    /// Electors per table, for the requirement that false sheets lift.
    electors: Tally,
    /// What a false sheet could hide upward, `electors − high`.
    gains: Tally,
    gains_unbounded: u64,
    on_sheets: u128,
}

impl ElectorsInput {
    pub(crate) fn of(values: &Values<'_>) -> Self {
        let mut t = ElectorsTally::default();
        t.add_values(values);
        t.into_input()
    }
}

/// [`ElectorsInput`] built a table at a time, equal (votes, electors) pairs counted once.
#[derive(Debug, Clone)]
pub(crate) struct ElectorsTally {
    low: hashbrown::HashMap<(u64, u64), u64>,
    high: hashbrown::HashMap<(u64, u64), u64>,
    free: Option<u128>,
    electors: Tally,
    gains: Tally,
    gains_unbounded: u64,
    on_sheets: u128,
}

impl Default for ElectorsTally {
    fn default() -> Self {
        ElectorsTally {
            low: hashbrown::HashMap::new(),
            high: hashbrown::HashMap::new(),
            free: Some(0),
            electors: Tally::default(),
            gains: Tally::default(),
            gains_unbounded: 0,
            on_sheets: 0,
        }
    }
}

impl ElectorsTally {
    /// Adds one table: its votes (absent lines as 0), the most they could be, its electors.
    pub(crate) fn add(&mut self, low: u64, high: Option<u64>, electors: Option<u64>) {
        self.on_sheets += u128::from(low);
        match electors {
            Some(e) if e > 0 => {
                *self.low.entry((low, e)).or_default() += 1;
                if let Some(h) = high {
                    *self.high.entry((h, e)).or_default() += 1;
                }
            }
            _ => self.free = self.free.zip(high).map(|(f, h)| f + u128::from(h)),
        }
        if let Some(e) = electors {
            self.electors.add(e);
        }
        match (electors, high) {
            (Some(e), Some(h)) => self.gains.add(e.saturating_sub(h)),
            _ => self.gains_unbounded += 1,
        }
    }

    /// Adds every table of `values`.
    pub(crate) fn add_values(&mut self, values: &Values<'_>) {
        for i in 0..values.len() {
            self.add(values.low[i], values.high(i), values.electors[i]);
        }
    }

    pub(crate) fn into_input(self) -> ElectorsInput {
        let items = |m: hashbrown::HashMap<(u64, u64), u64>| {
            m.into_iter().map(|((v, e), c)| (v, e, c)).collect()
        };
        ElectorsInput {
            low: items(self.low),
            high: items(self.high),
            free: self.free,
            electors: self.electors,
            gains: self.gains,
            gains_unbounded: self.gains_unbounded,
            on_sheets: self.on_sheets,
        }
    }
}

/// The numbers an electors-basis bound needs besides the subject's input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ElectorsFrame {
    /// Electors the bulletin's sheets must hold.
    pub need: u64,
    /// The most electors counted.
    pub capacity: u64,
    /// Electors of the uncollected tables.
    pub uncollected: u64,
}

pub(crate) fn electors_bound(
    subject: String,
    announced: u64,
    input: &mut ElectorsInput,
    frame: ElectorsFrame,
) -> Result<Bound> {
    let lower = to_u64(cover(u128::from(frame.need), &mut input.low), "lower bound")?;
    // Upper: uncollected electors first at one vote each, then sheets by votes per elector,
    // descending; sheets without electors add their votes freely.
    let room = u128::from(frame.capacity);
    let outside = room.min(u128::from(frame.uncollected));
    let (whole, num, den) = fractional(&mut input.high, room - outside, Greedy::Pack);
    let upper = input.free.map(|f| f + outside + whole + num / den);
    let ElectorsInput {
        low,
        electors,
        gains,
        gains_unbounded,
        on_sheets,
        ..
    } = input;
    let announced128 = u128::from(announced);
    judge(
        subject,
        announced,
        *on_sheets,
        lower,
        upper,
        || {
            // Smallest k with cover(need − (the k largest electors)) <= announced: a lower bound
            // on the false sheets, since the relaxation ignores which sheets are freed. `fits` is
            // monotone in k (more freed electors, less to cover): binary search it.
            let n = electors.n;
            let mut fits = |k: u64| {
                let freed = electors.sum_largest(k);
                cover(u128::from(frame.need).saturating_sub(freed), low) <= announced128
            };
            let (mut lo, mut hi) = (0u64, n + 1);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if fits(mid) { hi = mid } else { lo = mid + 1 }
            }
            ((lo <= n).then_some(lo), false)
        },
        |up| {
            if *gains_unbounded > 0 {
                Some(1)
            } else {
                gains.fewest_largest_reaching(up, announced128)
            }
        },
    )
}

impl Feasibility {
    /// What the bounds found, as the audit reports it: `F001` for a count below what the sheets
    /// allow, `F002` for one above what the sheets and the register allow.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for b in &self.bounds {
            let (code, what) = match b.verdict {
                Verdict::Below => (
                    Code::AnnouncedBelowSheets,
                    "the announced count is below what the sheets allow",
                ),
                Verdict::Above => (
                    Code::AnnouncedAboveSheets,
                    "the announced count is above what the sheets and register allow",
                ),
                _ => continue,
            };
            let what = match b.false_sheets {
                Some(_) => what.to_owned(),
                None => format!("{what}; no number of false sheets explains it"),
            };
            let mut finding = Finding::new(
                code,
                Subject::BulletinCount {
                    label: self.bulletin.clone(),
                    subject: b.subject.clone(),
                },
                what,
            )
            .with("announced", b.announced)
            .with("least_possible", b.lower);
            if let Some(u) = b.upper {
                finding = finding.with("most_possible", u);
            }
            finding = finding.with("gap", b.gap);
            if let Some(k) = b.false_sheets {
                finding = finding.with("false_sheets", k);
            }
            out.push(finding.with("false_sheets_exact", b.false_sheets_exact));
        }
        out
    }
}

impl Checked<Feasibility> {
    /// What the bounds found, as the audit reports it: [`Feasibility::findings`] when they
    /// apply, [`NotApplicable::finding`] (`F003`, `F004`) when they do not.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::audit::{feasibility, BoundOptions};
    /// use actas::report::Code;
    /// use actas::{ActaSet, ActaSheet, Bulletin, BulletinCount, Candidate, Contest, CoverageBasis,
    ///             CoverageClaim, Geography, Register, TableId};
    ///
    /// let contest = Contest::new("c", vec![Candidate::new("A", "Ana")])?;
    /// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
    /// set.push(ActaSheet::new(TableId::new("1")?).with_electors(100).with_votes([Some(70)]))?;
    /// let bulletin = Bulletin::new("b", vec![BulletinCount::new("A", 10)])
    ///     .with_coverage(CoverageClaim::new(CoverageBasis::Tables, "100".parse()?));
    /// // Without the register's number of tables there are no bounds: F003 says so.
    /// let none = feasibility(&set, &bulletin, &Register::new(), &BoundOptions::default())?;
    /// assert_eq!(none.findings()[0].code, Code::NoBounds);
    /// // With it, 10 is below the 70 of the only table: F001.
    /// let some = feasibility(&set, &bulletin, &Register::new().with_tables(1), &BoundOptions::default())?;
    /// assert_eq!(some.findings()[0].code, Code::AnnouncedBelowSheets);
    /// # Ok::<(), actas::Error>(())
    /// ```
    pub fn findings(&self) -> Vec<Finding> {
        match self {
            Checked::Done(f) => f.findings(),
            Checked::NotApplicable(n) => n.finding().into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(s: &str) -> crate::Percent {
        s.parse().unwrap()
    }

    #[test]
    fn printed_intervals() {
        assert_eq!(
            counted_interval(pct("80"), 30_026, CoverageReading::PrintedInterval).unwrap(),
            (23_871, 24_170)
        );
        assert_eq!(
            counted_interval(pct("80"), 30_026, CoverageReading::Exact).unwrap(),
            (24_020, 24_021)
        );
        assert_eq!(
            counted_interval(pct("100"), 10, CoverageReading::PrintedInterval).unwrap(),
            (10, 10)
        );
        assert_eq!(
            counted_interval(pct("0"), 10, CoverageReading::PrintedInterval).unwrap(),
            (0, 0)
        );
    }

    #[test]
    fn fractional_cover_and_pack() {
        // (votes, electors) with 1/10, 5/10, 9/10 votes per elector, in a scrambled order.
        let items = vec![(5, 10, 1), (9, 10, 1), (1, 10, 1)];
        let c = |need: u128| cover(need, &mut items.clone());
        assert_eq!(c(0), 0);
        assert_eq!(c(10), 1);
        assert_eq!(c(15), 1 + 3); // 2.5 rounded up
        assert_eq!(c(30), 15);
        assert_eq!(c(31), 15, "more than there is: everything");
        let p = |cap: u128| {
            let (w, n, d) = fractional(&mut items.clone(), cap, Greedy::Pack);
            w + n / d
        };
        assert_eq!((p(10), p(15), p(30)), (9, 11, 15));
    }

    #[test]
    fn tallies_merge_and_reach() {
        let mut a = Tally::default();
        let mut b = Tally::default();
        [5, 1, 9].iter().for_each(|v| a.add(*v));
        [3, 1 << 21].iter().for_each(|v| b.add(*v));
        a.merge(&b);
        assert_eq!(a.len(), 5);
        assert_eq!(a.sum_smallest(3), 1 + 3 + 5);
        assert_eq!(a.sum_largest(2), 9 + (1 << 21));
        // 10 + the fewest largest values to reach 25: 2^21 alone.
        assert_eq!(a.fewest_largest_reaching(10, 25), Some(1));
        let mut c = Tally::default();
        [4, 4, 4].iter().for_each(|v| c.add(*v));
        assert_eq!(c.fewest_largest_reaching(0, 9), Some(3));
        assert_eq!(c.fewest_largest_reaching(0, 13), None);
        assert_eq!(c.fewest_largest_reaching(13, 13), Some(0));
    }

    #[test]
    fn selection_matches_sorting() {
        let mut state = 12345u64;
        for n in [1usize, 2, 7, 100, 1000] {
            let values: Vec<u64> = (0..n)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    (state >> 40) % 50
                })
                .collect();
            let mut sorted = values.clone();
            sorted.sort_unstable();
            for k in [0, 1, n / 2, n] {
                let expect: u128 = sorted[..k].iter().map(|v| u128::from(*v)).sum();
                let tally = |vs: &[u64], shift: u64| {
                    let mut t = Tally::default();
                    vs.iter().for_each(|v| t.add(v + shift));
                    t
                };
                assert_eq!(tally(&values, 0).sum_smallest(k as u64), expect);
                // Shifted above the histogram's limit, the values are kept as values.
                let big = Tally::LIMIT;
                assert_eq!(
                    tally(&values, big).sum_smallest(k as u64),
                    expect + u128::from(big) * k as u128
                );
                for budget in [0u128, 10, expect, expect + 1] {
                    let j = sorted[..k]
                        .iter()
                        .scan(0u128, |acc, v| {
                            *acc += u128::from(*v);
                            Some(*acc)
                        })
                        .take_while(|p| *p <= budget)
                        .count();
                    assert_eq!(
                        tally(&values, 0).most_within(k as u64, budget),
                        j as u64,
                        "k {k} budget {budget}"
                    );
                }
            }
            // Ties everywhere: the fractional greedy equals the sorted one.
            let items: Vec<(u64, u64, u64)> = values.iter().map(|v| (*v, 1 + v % 3, 1)).collect();
            let mut by_ratio = items.clone();
            by_ratio.sort_by(|a, b| {
                (u128::from(a.0) * u128::from(b.1)).cmp(&(u128::from(b.0) * u128::from(a.1)))
            });
            let total_e: u128 = items.iter().map(|x| u128::from(x.1)).sum();
            for need in [0, 1, total_e / 3, total_e] {
                let (mut acc, mut cost) = (0u128, (0u128, 1u128));
                for (v, e, _) in &by_ratio {
                    if acc >= need {
                        break;
                    }
                    let take = (need - acc).min(u128::from(*e));
                    // cost += v × take / e, kept as a fraction over e (take < e only at the end).
                    cost = if take == u128::from(*e) {
                        (cost.0 + u128::from(*v) * cost.1, cost.1)
                    } else {
                        (
                            cost.0 * u128::from(*e) + u128::from(*v) * take * cost.1,
                            cost.1 * u128::from(*e),
                        )
                    };
                    acc += take;
                }
                assert_eq!(
                    cover(need, &mut items.clone()),
                    cost.0.div_ceil(cost.1),
                    "n {n} need {need}"
                );
            }
        }
    }
}
