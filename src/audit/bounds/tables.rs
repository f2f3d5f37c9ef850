//! Bounds of a coverage that is a share of tables: exact, from a tally of each subject's values per table.

use super::sheets::*;
use super::*;
use crate::model::column::Raw;

/// A multiset of values, kept as counts: votes per table are small integers, so a histogram
/// answers "the sum of the `k` smallest" with a walk over its buckets. Values above
/// [`Tally::LIMIT`] (rare) are kept as they are and sorted when asked.
///
/// It is built a value at a time, so that the same tally serves a set in memory and a stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(super) counts: Vec<u64>,
    pub(super) large: Vec<u64>,
    pub(super) n: u64,
    pub(super) sum: u128,
}

impl Tally {
    /// Values up to this are counted; larger ones are kept as values.
    pub(super) const LIMIT: u64 = 1 << 20;

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

    /// Adds every value of `values`, as [`Tally::add`] would one at a time.
    pub(crate) fn add_all<T: Copy + Ord + Into<u64>>(&mut self, values: &[T]) {
        let max = values.iter().copied().max().map_or(0, Into::into);
        if max > Self::LIMIT {
            for &v in values {
                self.add(v.into());
            }
            return;
        }
        if !values.is_empty() && self.counts.len() <= max as usize {
            self.counts.resize(max as usize + 1, 0);
        }
        let counts = &mut self.counts[..];
        let mut sum = 0u64;
        for &v in values {
            let v: u64 = v.into();
            counts[v as usize] += 1;
            sum += v;
        }
        self.n += values.len() as u64;
        self.sum += u128::from(sum);
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
    pub(super) fn len(&self) -> u64 {
        self.n
    }

    pub(super) fn total(&self) -> u128 {
        self.sum
    }

    /// The counted values then the large ones, in increasing order, as (value, how many).
    pub(super) fn ascending(&mut self) -> impl Iterator<Item = (u64, u64)> + '_ {
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
    pub(super) fn sum_smallest(&mut self, k: u64) -> u128 {
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
    pub(super) fn sum_largest(&mut self, k: u64) -> u128 {
        let n = self.n;
        self.total() - self.sum_smallest(n - k.min(n))
    }

    /// The largest `j <= m` such that the `j` smallest values sum to at most `budget`.
    pub(super) fn most_within(&mut self, m: u64, budget: u128) -> u64 {
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
    pub(crate) fn fewest_largest_reaching(&mut self, base: u128, target: u128) -> Option<u64> {
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
    pub(super) low: Tally,
    /// Where lines are absent, the most the votes could be; `None` while no line is absent
    /// (then it equals `low`).
    pub(super) high: Option<Tally>,
    /// Tables whose votes are absent and whose electors are unknown: unbounded above.
    pub(super) unbounded: u64,
    /// What a false sheet could hide upward, `electors − high`, per table with electors.
    pub(super) gains: Tally,
    /// Tables without electors: a false one could hide any number of votes.
    pub(super) gains_unbounded: u64,
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
        if values.high.is_none() {
            if let Some(t) = Self::of_complete(values) {
                return t;
            }
        }
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

impl SubjectTally {
    /// The tally of the subject made of the lines of `candidates`, read straight from the set's
    /// columns over the first readings, a block of tables at a time: the same tally as
    /// [`SubjectTally::of`] over [`Values::new`] (a law), without the vectors of one entry per
    /// table that those build (three passes over 24 bytes a table, against one over 8).
    ///
    /// `None` when a line of the subject or the electors are absent on some sheet: the caller
    /// then goes through [`Values`], which handles both.
    pub(crate) fn of_columns(set: &ActaSet, candidates: &[usize]) -> Option<Self> {
        const BLOCK: usize = 1024;
        let contest = set.contest();
        let lines: Vec<Raw<'_>> = candidates
            .iter()
            .flat_map(|c| contest.lines_of(*c))
            .filter_map(|l| set.column(Field::Line(l)))
            .map(|c| (!c.has_absent()).then(|| c.raw()))
            .collect::<Option<_>>()?;
        let electors = match set.column(Field::Electors) {
            Some(c) if c.has_absent() => return None,
            Some(c) => Some(c.raw()),
            None => None,
        };
        let mut t = SubjectTally::default();
        let (mut sum, mut gain_sum, mut n) = (0u128, 0u128, 0u64);
        // A table's votes fit a u64, and so does their sum over a block (a contest of fewer
        // than 2^20 lines).
        if lines.len() >= 1 << 20 {
            return None;
        }
        // Fewer than 2^32 tables, so that no 32-bit counter overflows.
        if u32::try_from(set.len()).is_err() {
            return None;
        }
        let mut low = [0u64; BLOCK];
        let mut electors_block = [0u32; BLOCK];
        let (mut low_spread, mut gain_spread) = (Spread::<4>::default(), Spread::<1>::default());
        for run in set.first_reading_runs() {
            for start in run.clone().step_by(BLOCK) {
                let end = run.end.min(start + BLOCK);
                let low = &mut low[..end - start];
                match lines.as_slice() {
                    [] => low.fill(0),
                    [first, rest @ ..] => {
                        first.slice(start..end).copy_to(low);
                        for line in rest {
                            line.slice(start..end).add_to(low);
                        }
                    }
                }
                if let Some(e) = electors {
                    let e_block = &mut electors_block[..end - start];
                    e.slice(start..end).copy_to(e_block);
                    let (s, g) = Spread::add_pairs(&mut low_spread, &mut gain_spread, low, e_block);
                    sum += u128::from(s);
                    gain_sum += u128::from(g);
                } else {
                    sum += u128::from(low_spread.add_block(low));
                }
                n += (end - start) as u64;
            }
        }
        t.low = low_spread.into_tally(n, sum);
        if electors.is_some() {
            t.gains = gain_spread.into_tally(n, gain_sum);
        } else {
            t.gains_unbounded = n;
        }
        Some(t)
    }

    /// [`SubjectTally::of`] when no line is absent (`high == low`) and every value is at most
    /// [`Tally::LIMIT`]: the two histograms sized once and filled without a check per value.
    /// The same tally as adding the tables one at a time (a test); `None` when a value is
    /// larger.
    fn of_complete(values: &Values<'_>) -> Option<Self> {
        let mut t = SubjectTally::default();
        if values.len() == 0 {
            return Some(t);
        }
        let mut max_low = 0u64;
        let mut max_gain = None::<u64>;
        for (&v, e) in values.low.iter().zip(values.electors) {
            max_low = max_low.max(v);
            if let Some(e) = e {
                max_gain = Some(max_gain.unwrap_or(0).max(e.saturating_sub(v)));
            }
        }
        if max_low > Tally::LIMIT || max_gain.is_some_and(|g| g > Tally::LIMIT) {
            return None;
        }
        // Values at most 2^20 each: their sum fits a u64 for up to 2^44 tables.
        let mut low = vec![0u64; max_low as usize + 1];
        let mut gains = vec![0u64; max_gain.map_or(0, |g| g as usize + 1)];
        let (mut sum, mut gain_sum, mut with_electors) = (0u64, 0u64, 0u64);
        for (&v, e) in values.low.iter().zip(values.electors) {
            low[v as usize] += 1;
            sum += v;
            if let Some(e) = e {
                let g = e.saturating_sub(v);
                gains[g as usize] += 1;
                gain_sum += g;
                with_electors += 1;
            }
        }
        t.low = Tally {
            counts: low,
            large: Vec::new(),
            n: values.len() as u64,
            sum: u128::from(sum),
        };
        if max_gain.is_some() {
            t.gains = Tally {
                counts: gains,
                large: Vec::new(),
                n: with_electors,
                sum: u128::from(gain_sum),
            };
        }
        t.gains_unbounded = values.len() as u64 - with_electors;
        Some(t)
    }
}

/// A histogram being filled a block at a time, with `L` counters per value used in turn: with
/// four, runs of equal values (a small candidate's zeros) do not wait on each other's
/// increments; with one, a histogram of widely spread values (the gains up to the electors)
/// stays small enough for the first-level cache. Counters of 32 bits: the caller counts fewer
/// than 2^32 values.
struct Spread<const L: usize> {
    counts: Vec<[u32; L]>,
    large: Vec<u64>,
}

impl<const L: usize> Default for Spread<L> {
    fn default() -> Self {
        Spread {
            counts: Vec::new(),
            large: Vec::new(),
        }
    }
}

impl<const L: usize> Spread<L> {
    /// Counts a block of values as [`Tally::add`] would one at a time (the histogram grown to
    /// the largest value counted, values above [`Tally::LIMIT`] kept in order), and gives their
    /// sum. A block of at most 1024 values of at most 2^52 each, so that the sum fits a `u64`.
    fn add_block(&mut self, values: &[u64]) -> u64 {
        let Some(max) = values.iter().copied().max() else {
            return 0;
        };
        let grow = |counts: &mut Vec<[u32; L]>, v: u64| {
            if counts.len() <= v as usize {
                counts.resize(v as usize + 1, [0; L]);
            }
        };
        if max > Tally::LIMIT {
            for &v in values {
                if v > Tally::LIMIT {
                    self.large.push(v);
                } else {
                    grow(&mut self.counts, v);
                    self.counts[v as usize][0] += 1;
                }
            }
            return values.iter().sum();
        }
        grow(&mut self.counts, max);
        let counts = &mut self.counts[..];
        for (j, &v) in values.iter().enumerate() {
            counts[v as usize][j % L] += 1;
        }
        values.iter().sum()
    }

    /// Counts `v` in lane `lane` when the histogram is too short for it: grown to `v + 1` as
    /// [`Tally::add`] grows it, or `v` kept among the large values.
    #[cold]
    #[inline(never)]
    fn add_past_end(&mut self, v: u64, lane: usize) {
        if v > Tally::LIMIT {
            self.large.push(v);
        } else {
            self.counts.resize(v as usize + 1, [0; L]);
            self.counts[v as usize][lane] += 1;
        }
    }

    /// Counts a block of tables' votes `low` in `low_spread` and their gains up to the
    /// electors (`electors − votes`, 0 when the votes are more) in `gain_spread`, in one pass;
    /// gives the two sums. A block of at most 1024 tables of at most 2^52 votes each.
    fn add_pairs(
        low_spread: &mut Spread<L>,
        gain_spread: &mut Spread<1>,
        low: &[u64],
        electors: &[u32],
    ) -> (u64, u64) {
        let (mut sum, mut gain_sum) = (0u64, 0u64);
        for (j, (&v, &e)) in low.iter().zip(electors).enumerate() {
            let g = u64::from(e).saturating_sub(v);
            sum += v;
            gain_sum += g;
            let lane = j % L;
            match low_spread.counts.get_mut(v as usize) {
                Some(c) => c[lane] += 1,
                None => low_spread.add_past_end(v, lane),
            }
            match gain_spread.counts.get_mut(g as usize) {
                Some(c) => c[0] += 1,
                None => gain_spread.add_past_end(g, 0),
            }
        }
        (sum, gain_sum)
    }

    /// The tally of the `n` values counted, summing to `sum`.
    fn into_tally(self, n: u64, sum: u128) -> Tally {
        Tally {
            counts: self
                .counts
                .iter()
                .map(|c| c.iter().map(|&x| u64::from(x)).sum())
                .collect(),
            large: self.large,
            n,
            sum,
        }
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
    let Some(claim) = bulletin.coverage_claim() else {
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
    // A final bulletin counted every table of the register, whatever it printed.
    let counted = if bulletin.is_final {
        Ok((n, n))
    } else {
        counted_interval(claim.printed, n, options.coverage)
    };
    let (n_lo, n_hi) = match counted {
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
        shares: Vec::new(),
        shares_not_bounded: Vec::new(),
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
pub(super) fn fractional(
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
pub(super) enum Greedy {
    /// Fewest votes per elector first (the least votes holding an amount of electors).
    Cover,
    /// Most votes per elector first (the most votes within an amount of electors).
    Pack,
}

/// The least votes, fractionally, of sheets holding `need` electors, rounded up.
pub(super) fn cover(need: u128, items: &mut [(u64, u64, u64)]) -> u128 {
    let (whole, num, den) = fractional(items, need, Greedy::Cover);
    whole + num.div_ceil(den)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::column::OptColumn;
    use proptest::prelude::*;

    /// The tally of the tables added one at a time, as `of` does when a line is absent.
    fn one_at_a_time(values: &Values<'_>) -> SubjectTally {
        let mut t = SubjectTally::default();
        for (&v, &e) in values.low.iter().zip(values.electors) {
            t.add(v, false, e);
        }
        t
    }

    proptest! {
        // Values at the limit make histograms of a million buckets: few cases.
        #![proptest_config(ProptestConfig::with_cases(40))]

        /// With no line absent, the histograms sized once are the tally of the tables added one
        /// at a time: small values, values at the limit and past it, tables with and without
        /// electors.
        #[test]
        fn a_complete_tally_is_the_one_at_a_time_tally(
            rows in proptest::collection::vec(
                (prop_oneof![0u64..50, Tally::LIMIT - 2..Tally::LIMIT + 2], proptest::option::weighted(0.8, prop_oneof![0u64..80, Tally::LIMIT..Tally::LIMIT + 60])),
                0..200,
            ),
        ) {
            let low: Vec<u64> = rows.iter().map(|r| r.0).collect();
            let electors: Vec<Option<u64>> = rows.iter().map(|r| r.1).collect();
            let values = Values { low, high: None, electors: &electors };
            prop_assert_eq!(SubjectTally::of(&values), one_at_a_time(&values));
        }
    }

    /// A contest of three candidates, the first carried by two lines, and a set of `rows`:
    /// (table, electors, the three lines' votes).
    /// A sheet of [`set_of`]: table, electors, the three lines' votes.
    type Row = (u8, Option<u32>, [Option<u32>; 3]);

    fn set_of(rows: &[Row]) -> ActaSet {
        use crate::{ActaSheet, Candidate, Contest, Geography, TableId};
        let candidates = ["A", "B", "C"].map(|c| Candidate::new(c, c)).to_vec();
        let lines =
            [("A1", "A"), ("A2", "A"), ("B", "B"), ("C", "C")].map(|(l, c)| (l, None::<&str>, c));
        let contest = Contest::with_lines("c", candidates, lines).unwrap();
        let mut set = ActaSet::new(contest, Geography::new(["x"]).unwrap());
        for (table, electors, [a, b, c]) in rows {
            let mut sheet = ActaSheet::new(TableId::new(table.to_string()).unwrap()).with_votes([
                *a,
                a.map(|a| a / 3),
                *b,
                *c,
            ]);
            sheet.electors = *electors;
            set.push(sheet).unwrap();
        }
        set
    }

    proptest! {
        // Values at the limit make histograms of a million buckets, slow in a debug build
        // (as `cargo test` builds it): 20 cases there, 300 optimised.
        #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 20 } else { 300 }))]

        /// The tally read straight from the columns is the tally of the per-table values, for
        /// every subject (a candidate of two lines, of one, the two together), over sets with
        /// repeated tables, values past the histogram's limit and as large as a count holds;
        /// it declines (`None`) only when a line or the electors are absent somewhere.
        #[test]
        fn a_tally_from_the_columns_is_the_tally_of_the_values(
            rows in proptest::collection::vec(
                (
                    0u8..40,
                    proptest::option::weighted(0.97, prop_oneof![0u32..900, Just(u32::MAX)]),
                    proptest::array::uniform3(proptest::option::weighted(0.98, prop_oneof![
                        8 => 0u32..600,
                        1 => (Tally::LIMIT as u32 - 1)..(Tally::LIMIT as u32 + 2),
                        1 => Just(u32::MAX),
                    ])),
                ),
                0..3000,
            ),
            votes_absent in any::<bool>(),
            electors in 0u8..3,
        ) {
            // Absent votes and electors where the case says so; no electors at all (`2`).
            let rows: Vec<_> = rows.into_iter().map(|(t, e, v)| {
                let e = match electors { 0 => Some(e.unwrap_or(7)), 1 => e, _ => None };
                (t, e, if votes_absent { v } else { v.map(|x| Some(x.unwrap_or(0))) })
            }).collect();
            let set = set_of(&rows);
            let (electors, keep) = table_electors(&set);
            let lines_absent = (0..4).any(|l| set.column(Field::Line(l)).is_some_and(OptColumn::has_absent));
            let electors_absent = set.column(Field::Electors).is_some_and(OptColumn::has_absent);
            for members in [&[0usize][..], &[1], &[2], &[0, 2], &[]] {
                let fast = SubjectTally::of_columns(&set, members);
                let lines_absent = lines_absent && members.iter().any(|&c| set.contest().lines_of(c).any(|l| set.column(Field::Line(l)).is_some_and(OptColumn::has_absent)));
                prop_assert_eq!(fast.is_none(), lines_absent || electors_absent);
                if let Some(fast) = fast {
                    let slow = SubjectTally::of(&Values::new(&set, members, keep.as_deref(), &electors));
                    prop_assert_eq!(fast, slow, "members {:?}", members);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 60 } else { 200 }))]

        /// The electors the outcome check reads, taken a run of first readings at a time, are
        /// those of the tables one at a time: with repeats, absent electors and none at all,
        /// values past the histogram's limit.
        #[test]
        fn electors_by_runs_are_electors_by_table(
            rows in proptest::collection::vec(
                (0u8..30, proptest::option::weighted(0.9, prop_oneof![6 => 0u32..900, 1 => (Tally::LIMIT as u32)..(Tally::LIMIT as u32 + 3)])),
                0..200,
            ),
            electors in 0u8..3,
        ) {
            let rows: Vec<_> = rows.into_iter().map(|(t, e)| {
                let e = match electors { 0 => Some(e.unwrap_or(3)), 1 => e, _ => None };
                (t, e, [Some(1); 3])
            }).collect();
            let set = set_of(&rows);
            let fast = crate::audit::outcome::SheetElectors::of(&set);
            let mut slow = crate::audit::outcome::SheetElectors::default();
            for e in table_electors(&set).0 {
                slow.add(e);
            }
            prop_assert_eq!(&fast.tally, &slow.tally);
            prop_assert_eq!(fast.missing, slow.missing);
            let mut one = Tally::default();
            let values: Vec<u32> = rows.iter().filter_map(|r| r.1).collect();
            for &v in &values {
                one.add(u64::from(v));
            }
            let mut all = Tally::default();
            all.add_all(&values);
            prop_assert_eq!(all, one);
        }
    }

    /// Runs of first readings: none empty, in order, around every repeated sheet, at the ends.
    #[test]
    fn runs_of_first_readings_skip_exactly_the_repeats() {
        for tables in [
            &[][..],
            &[1],
            &[1, 1],
            &[1, 2, 1],
            &[1, 1, 1, 2],
            &[1, 2, 3, 3],
            &[1, 2, 2, 3, 1, 4],
        ] {
            let rows: Vec<_> = tables
                .iter()
                .map(|&t| (t, Some(10), [Some(1); 3]))
                .collect();
            let set = set_of(&rows);
            let from_runs: Vec<usize> = set.first_reading_runs().flatten().collect();
            let firsts: Vec<usize> = (0..set.len()).filter(|&i| !set.is_repeat(i)).collect();
            assert_eq!(from_runs, firsts, "tables {tables:?}");
            assert!(set.first_reading_runs().all(|r| !r.is_empty()));
        }
    }
}
