//! Bounds of a coverage that is a share of electors: a fractional relaxation over the tables' votes and electors.

use super::sheets::*;
use super::tables::*;
use super::*;

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
    let Some(claim) = bulletin.coverage_claim() else {
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
        None if bulletin.is_final => (total, total),
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
        shares: Vec::new(),
        shares_not_bounded: Vec::new(),
    }))
}

/// What the electors-basis bound needs of one subject: `(votes, electors, how many)` items of
/// the tables with electors, the votes of the tables without, and tallies of electors and gains.
/// Built from a set (one item per table) or from a stream (equal pairs merged).
#[derive(Debug, Clone, Default)]
pub(crate) struct ElectorsInput {
    /// Votes with absent lines as 0, per table with electors above 0.
    pub(super) low: Vec<(u64, u64, u64)>,
    /// The most the votes could be, per table with electors above 0.
    pub(super) high: Vec<(u64, u64, u64)>,
    /// The most votes of the tables without electors (or with 0): `None` when unbounded.
    pub(super) free: Option<u128>,
    /// Electors per table, for the requirement that false sheets lift.
    pub(super) electors: Tally,
    /// What a false sheet could hide upward, `electors − high`.
    pub(super) gains: Tally,
    pub(super) gains_unbounded: u64,
    pub(super) on_sheets: u128,
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
    pub(super) low: hashbrown::HashMap<(u64, u64), u64>,
    pub(super) high: hashbrown::HashMap<(u64, u64), u64>,
    pub(super) free: Option<u128>,
    pub(super) electors: Tally,
    pub(super) gains: Tally,
    pub(super) gains_unbounded: u64,
    pub(super) on_sheets: u128,
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
