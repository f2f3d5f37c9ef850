//! Feasibility bounds: which announced values the collected sheets allow (see [`feasibility`]).
//!
//! In files: this one holds the options and result types, the entry points and the findings;
//! `sheets` what the bounds read of the sheets (the counted interval of a printed coverage, each
//! subject's values per table); `tables` the bounds of a share of tables (exact, from a tally of
//! values); `electors` the bounds of a share of electors (a fractional relaxation).

mod electors;
mod groups;
mod ratio;
mod shares;
mod sheets;
mod tables;

pub use shares::{ShareBound, ShareNotBounded};
pub(crate) use shares::{ShareColumns, ShareFrame};

pub(crate) use electors::{ElectorsInput, ElectorsTally, electors_feasibility};
pub(crate) use sheets::{Values, table_electors};
pub(crate) use tables::{SubjectTally, Tally, tables_feasibility};

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
    #[must_use]
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
    /// The interval contains every reachable value; it may be wider because what the
    /// uncollected tables could hold is relaxed (a share of electors bounded on a tables basis:
    /// an uncollected table is taken to hold any electors from none to all of theirs).
    Widened,
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
    /// One range per share printed without a count whose subject the contest knows.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub shares: Vec<ShareBound>,
    /// Shares printed without a count that could not be bounded, and why (finding `F003`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub shares_not_bounded: Vec<ShareNotBounded>,
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
    let mut checked = count_feasibility(set, bulletin, register, options, execution)?;
    if let Checked::Done(f) = &mut checked {
        if bulletin.counts.iter().any(|c| c.count.is_none()) {
            let (shares, not_bounded) =
                shares::share_bounds(set, bulletin, shares::ShareFrame::of(f), execution)?;
            f.shares = shares;
            f.shares_not_bounded = not_bounded;
        }
    }
    Ok(checked)
}

/// The bounds of the counts (the frame the shares' bounds use too).
fn count_feasibility(
    set: &ActaSet,
    bulletin: &Bulletin,
    register: &Register,
    options: &BoundOptions,
    execution: Execution,
) -> Result<Checked<Feasibility>> {
    let Some(claim) = bulletin.coverage_claim() else {
        return Ok(no_claim(bulletin));
    };
    let sheets = set.tables() as u64;
    let subjects: Vec<(String, u64, Vec<usize>)> = bulletin
        .counts
        .iter()
        .filter_map(|c| {
            let count = c.count?;
            resolve_subject(set.contest(), bulletin, &c.subject)
                .map(|m| (c.subject.clone(), count, m))
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
        let all: u64 = col.raw().sum();
        (!missing).then(|| all - repeated)
    });
    match claim.basis {
        CoverageBasis::Tables => {
            // Straight from the columns; through a vector per table (read once, shared) when
            // a line or the electors are absent on some sheet.
            let by_table = std::sync::OnceLock::new();
            let tallies = par::map(execution, subjects.len(), |k| {
                let (subject, announced, members) = &subjects[k];
                let tally = SubjectTally::of_columns(set, members).unwrap_or_else(|| {
                    let (electors, keep) = by_table.get_or_init(|| table_electors(set));
                    SubjectTally::of(&Values::new(set, members, keep.as_deref(), electors))
                });
                (subject.clone(), *announced, tally)
            });
            tables_feasibility(bulletin, register, options, sheets, all_electors, tallies)
        }
        CoverageBasis::Electors => {
            electors_feasibility(bulletin, register, options, sheets, all_electors, || {
                if subjects.is_empty() {
                    return Vec::new();
                }
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
        "has no coverage claim and is not final: give the share of tables or electors it counts, or mark it final",
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

impl Feasibility {
    /// What the bounds found, as the audit reports it: `F001` for a count below what the sheets
    /// allow, `F002` for one above what the sheets and the register allow; `F005` and `F006`
    /// for a share printed without a count below or above the range of shares the sheets allow,
    /// `F003` for such a share that could not be bounded.
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
        out.extend(self.shares.iter().filter_map(|s| s.finding(&self.bulletin)));
        for n in &self.shares_not_bounded {
            out.push(Finding::new(
                Code::NoBounds,
                Subject::BulletinCount {
                    label: self.bulletin.clone(),
                    subject: n.subject.clone(),
                },
                format!("no range for the printed share: {}", n.reason),
            ));
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
    use super::sheets::*;
    use super::tables::*;
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
        for v in [5, 1, 9] {
            a.add(v);
        }
        for v in [3, 1 << 21] {
            b.add(v);
        }
        a.merge(&b);
        assert_eq!(a.len(), 5);
        assert_eq!(a.sum_smallest(3), 1 + 3 + 5);
        assert_eq!(a.sum_largest(2), 9 + (1 << 21));
        // 10 + the fewest largest values to reach 25: 2^21 alone.
        assert_eq!(a.fewest_largest_reaching(10, 25), Some(1));
        let mut c = Tally::default();
        for v in [4, 4, 4] {
            c.add(v);
        }
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
                    for v in vs {
                        t.add(v + shift);
                    }
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
