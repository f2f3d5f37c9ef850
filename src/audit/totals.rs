//! Totals per candidate and field, nationally and per geography level, and coverage.

use std::num::NonZeroU32;

use crate::error::{Result, add};
use crate::model::column::{OptColumn, Stored, with_raw};
use crate::model::{ActaSet, Field, GeoPath, Ratio, Register, Turnout};
use crate::par::{self, Execution};
use crate::report::{Code, Finding, Subject};

/// The sum of one field over the sheets that carry it.
///
/// Invariant: `sheets` counts the tables on which the field is present; `sum` adds their values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FieldTotal {
    /// The sum.
    pub sum: u64,
    /// On how many tables the field is present.
    pub sheets: u64,
}

/// Totals over a set of sheets, each table counted once with its first sheet (repeated readings
/// are left out, and listed by [`ActaSet::repeats`]).
///
/// Invariant: `lines` follows the contest's line order and `candidates` its candidate order;
/// each candidate's total is the sum of its lines' totals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Totals {
    /// Tables counted.
    pub tables: u64,
    /// Electors registered.
    pub electors: FieldTotal,
    /// Voters.
    pub voters: FieldTotal,
    /// Valid votes.
    pub valid: FieldTotal,
    /// Null votes.
    pub null: FieldTotal,
    /// Blank votes.
    pub blank: FieldTotal,
    /// Votes per ballot line.
    pub lines: Vec<FieldTotal>,
    /// Votes per candidate: the sum of its lines; its `sheets` counts the tables on which any of
    /// its lines is present.
    pub candidates: Vec<FieldTotal>,
    /// Voters and electors summed over the tables that carry both, for turnout.
    pub turnout_base: (u64, u64),
    /// Each further field of the set ([`ActaSet::extra_fields`] order), by name: ballots
    /// received, cancelled, ...
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub extra: Vec<(String, FieldTotal)>,
}

impl Totals {
    /// The total of a field: a standard field, a ballot line or a further field.
    pub fn standard(&self, field: Field) -> Option<FieldTotal> {
        Some(match field {
            Field::Electors => self.electors,
            Field::Voters => self.voters,
            Field::Valid => self.valid,
            Field::Null => self.null,
            Field::Blank => self.blank,
            Field::Line(i) => *self.lines.get(i)?,
            Field::Extra(i) => self.extra.get(i)?.1,
        })
    }

    /// The fields other than the ballot lines, by name, in the order a report lists them: the
    /// standard fields (`electors`, `voters`, `valid`, `null`, `blank`), then the further ones.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::audit::Totals;
    ///
    /// let t = Totals::default();
    /// let names: Vec<&str> = t.fields().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["electors", "voters", "valid", "null", "blank"]);
    /// ```
    pub fn fields(&self) -> impl Iterator<Item = (&str, FieldTotal)> + '_ {
        [
            ("electors", self.electors),
            ("voters", self.voters),
            ("valid", self.valid),
            ("null", self.null),
            ("blank", self.blank),
        ]
        .into_iter()
        .chain(self.extra.iter().map(|(n, x)| (n.as_str(), *x)))
    }

    /// Turnout over the tables that carry both voters and electors; `None` when there are none
    /// or they have no electors.
    pub fn turnout(&self) -> Option<Turnout> {
        Turnout::new(self.turnout_base.0, self.turnout_base.1).ok()
    }

    /// The sum of every candidate's votes.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if it does not fit a `u64`.
    pub fn candidate_sum(&self) -> Result<u64> {
        self.candidates
            .iter()
            .try_fold(0u64, |t, c| add(t, c.sum, "sum of candidate votes"))
    }

    /// Adds `other`'s totals to these (the same contest's).
    pub(crate) fn merge(&mut self, other: &Totals) -> Result<()> {
        let what = "merged totals";
        self.tables = add(self.tables, other.tables, what)?;
        for f in Field::STANDARD {
            let (a, b) = (self.field_mut(f), other.standard(f).unwrap_or_default());
            a.sum = add(a.sum, b.sum, what)?;
            a.sheets = add(a.sheets, b.sheets, what)?;
        }
        if self.lines.len() < other.lines.len() {
            self.lines.resize(other.lines.len(), FieldTotal::default());
        }
        if self.candidates.len() < other.candidates.len() {
            self.candidates
                .resize(other.candidates.len(), FieldTotal::default());
        }
        for (a, b) in self
            .lines
            .iter_mut()
            .zip(&other.lines)
            .chain(self.candidates.iter_mut().zip(&other.candidates))
        {
            a.sum = add(a.sum, b.sum, what)?;
            a.sheets = add(a.sheets, b.sheets, what)?;
        }
        for (i, (name, b)) in other.extra.iter().enumerate() {
            match self.extra.get_mut(i) {
                Some((_, a)) => {
                    a.sum = add(a.sum, b.sum, what)?;
                    a.sheets = add(a.sheets, b.sheets, what)?;
                }
                None => self.extra.push((name.clone(), *b)),
            }
        }
        self.turnout_base.0 = add(self.turnout_base.0, other.turnout_base.0, what)?;
        self.turnout_base.1 = add(self.turnout_base.1, other.turnout_base.1, what)?;
        Ok(())
    }

    fn empty(lines: usize, candidates: usize, extra: &[String]) -> Self {
        Totals {
            lines: vec![FieldTotal::default(); lines],
            candidates: vec![FieldTotal::default(); candidates],
            extra: extra
                .iter()
                .map(|n| (n.clone(), FieldTotal::default()))
                .collect(),
            ..Totals::default()
        }
    }

    fn field_mut(&mut self, field: Field) -> &mut FieldTotal {
        match field {
            Field::Electors => &mut self.electors,
            Field::Voters => &mut self.voters,
            Field::Valid => &mut self.valid,
            Field::Null => &mut self.null,
            Field::Blank => &mut self.blank,
            Field::Line(i) => &mut self.lines[i],
            Field::Extra(i) => &mut self.extra[i].1,
        }
    }
}

/// Totals of one geography level: each place's, and those of the sheets placed above that level
/// or nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LevelTotals {
    /// The level's index in [`Geography::levels`](crate::Geography::levels).
    pub level: usize,
    /// Each place of the level with sheets, in order of first appearance.
    pub places: Vec<(GeoPath, Totals)>,
    /// The sheets with no place at this level.
    pub unplaced: Totals,
}

/// Each sheet's slot: runs of sheets in one slot when they are long (a file sorted by place:
/// at least 16 sheets a run on average), else sheet by sheet.
pub(crate) enum SlotMap {
    /// Sheets `start..end` of each run in its slot; the runs follow one another from sheet 0
    /// to the last.
    Runs(Vec<SlotRun>),
    /// The slot of each sheet.
    Sheets(Vec<u32>),
}

impl SlotMap {
    /// Every one of `len` sheets in slot 0.
    fn one(len: usize) -> Self {
        SlotMap::Runs(
            (len > 0)
                .then_some(SlotRun {
                    start: 0,
                    end: len,
                    slot: 0,
                })
                .into_iter()
                .collect(),
        )
    }

    /// The number of sheets.
    fn len(&self) -> usize {
        match self {
            SlotMap::Runs(runs) => runs.last().map_or(0, |r| r.end),
            SlotMap::Sheets(slots) => slots.len(),
        }
    }

    /// The runs, when the sheets are mapped by runs.
    fn runs(&self) -> Option<&[SlotRun]> {
        match self {
            SlotMap::Runs(runs) => Some(runs),
            SlotMap::Sheets(_) => None,
        }
    }

    /// Sheet `i`'s slot.
    fn slot(&self, i: usize) -> usize {
        match self {
            SlotMap::Runs(runs) => runs[runs.partition_point(|r| r.end <= i)].slot as usize,
            SlotMap::Sheets(slots) => slots[i] as usize,
        }
    }

    /// Calls `f` with each sheet and its slot, in order.
    fn for_each(&self, mut f: impl FnMut(usize, usize)) {
        match self {
            SlotMap::Runs(runs) => {
                for r in runs {
                    for i in r.start..r.end {
                        f(i, r.slot as usize);
                    }
                }
            }
            SlotMap::Sheets(slots) => {
                for (i, &s) in slots.iter().enumerate() {
                    f(i, s as usize);
                }
            }
        }
    }

    /// A cursor that finds the slots of sheets asked for in increasing order, each from the
    /// one before.
    fn cursor(&self) -> SlotCursor<'_> {
        SlotCursor { map: self, run: 0 }
    }

    /// The slots of `sheets` (in increasing order), each found from the one before.
    fn slots_of(&self, sheets: impl Iterator<Item = usize>) -> impl Iterator<Item = usize> {
        let mut cursor = self.cursor();
        sheets.map(move |i| cursor.slot(i))
    }
}

/// [`SlotMap::cursor`].
struct SlotCursor<'a> {
    map: &'a SlotMap,
    /// The run of the sheet asked for last.
    run: usize,
}

impl SlotCursor<'_> {
    /// Sheet `i`'s slot; `i` at least the sheet asked for before.
    fn slot(&mut self, i: usize) -> usize {
        match self.map {
            SlotMap::Runs(runs) => {
                while runs[self.run].end <= i {
                    self.run += 1;
                }
                runs[self.run].slot as usize
            }
            SlotMap::Sheets(slots) => slots[i] as usize,
        }
    }
}

/// The number of tables (repeats left out) per slot.
fn sheet_counts(set: &ActaSet, slot_of: &SlotMap, all_sheets: &[u64]) -> Vec<u64> {
    // Every sheet less the repeats (each repeated sheet is listed once).
    let mut n = all_sheets.to_vec();
    for r in set.repeats() {
        n[slot_of.slot(r.sheet)] -= 1;
    }
    n
}

/// The number of sheets (repeats included) per slot.
fn per_slot_counts(slots: usize, slot_of: &SlotMap) -> Vec<u64> {
    let mut n = vec![0u64; slots];
    match slot_of {
        SlotMap::Runs(runs) => {
            for r in runs {
                n[r.slot as usize] += (r.end - r.start) as u64;
            }
        }
        SlotMap::Sheets(slots) => {
            for &s in slots {
                n[s as usize] += 1;
            }
        }
    }
    n
}

/// Sums one column per slot, leaving out absent values and repeated readings.
///
/// Absent values are stored as 0, so the plain sum of the raw values is right; the counts start
/// from every sheet and lose the absent positions and the repeats. The hot loop keeps its running
/// sum in a register while the slot does not change (sheets come grouped by place), so that it is
/// not a chain of loads and stores to one memory cell.
fn column_sums(
    set: &ActaSet,
    col: &OptColumn,
    slot_of: &SlotMap,
    all_sheets: &[u64],
    sums: &mut [FieldTotal],
) {
    for (s, n) in sums.iter_mut().zip(all_sheets) {
        *s = FieldTotal { sum: 0, sheets: *n };
    }
    with_raw!(col.raw(), |raw| raw_sums(raw, slot_of, sums));
    for s in slot_of.slots_of(col.absent_positions()) {
        sums[s].sheets -= 1;
    }
    for r in set.repeats() {
        if let Some(v) = col.get(r.sheet) {
            let s = &mut sums[slot_of.slot(r.sheet)];
            s.sum -= u64::from(v);
            s.sheets -= 1;
        }
    }
}

/// The sums of [`column_sums`] over the raw values of a column, two or four bytes each.
fn raw_sums<T: Stored>(raw: &[T], slot_of: &SlotMap, sums: &mut [FieldTotal]) {
    // A u64 sum of fewer than 2^32 values each below 2^32 cannot overflow.
    match slot_of {
        // Each run of sheets in one slot summed as a slice (vectorised, without reading the
        // slots).
        SlotMap::Runs(runs) => {
            for r in runs {
                sums[r.slot as usize].sum += T::sum(&raw[r.start..r.end]);
            }
        }
        SlotMap::Sheets(slots) => {
            let Some(&first) = slots.first() else {
                return;
            };
            let (mut slot, mut run) = (first, 0u64);
            for (&v, &s) in raw.iter().zip(slots) {
                if s != slot {
                    sums[slot as usize].sum += run;
                    (slot, run) = (s, 0);
                }
                run += v.into();
            }
            sums[slot as usize].sum += run;
        }
    }
}

/// Sheets `start..end`, all in slot `slot`.
pub(crate) struct SlotRun {
    start: usize,
    end: usize,
    slot: u32,
}

/// Adds up the sheets of `set` into one [`Totals`] per slot; `slot_of(i)` is sheet `i`'s slot.
fn accumulate(
    set: &ActaSet,
    slots: usize,
    slot_of: &SlotMap,
    execution: Execution,
) -> Result<Vec<Totals>> {
    debug_assert_eq!(slot_of.len(), set.len(), "the slots of other sheets");
    let contest = set.contest();
    let (n_lines, n_cand) = (contest.lines().len(), contest.candidates().len());
    let mut out = vec![Totals::empty(n_lines, n_cand, set.extra_fields()); slots];
    let runs = slot_of.runs();
    let all_sheets = per_slot_counts(slots, slot_of);
    let tables = sheet_counts(set, slot_of, &all_sheets);
    let fields = Field::STANDARD
        .into_iter()
        .chain((0..n_lines).map(Field::Line))
        .chain((0..set.extra_fields().len()).map(Field::Extra));
    let fields: Vec<Field> = fields.collect();
    let per_field = par::map(execution, fields.len(), |k| {
        let mut sums = vec![FieldTotal::default(); slots];
        if let Some(col) = set.column(fields[k]) {
            column_sums(set, col, slot_of, &all_sheets, &mut sums);
        }
        sums
    });
    // Candidates whose one line has no absent value: present on every table.
    let lines_of: Vec<Vec<&OptColumn>> = (0..n_cand)
        .map(|c| {
            contest
                .lines_of(c)
                .filter_map(|l| set.column(Field::Line(l)))
                .collect()
        })
        .collect();
    let complete: Vec<bool> = lines_of
        .iter()
        .map(|ls| matches!(ls[..], [only] if !only.has_absent()))
        .collect();
    // One pass over the places, writing each place's totals at once.
    for (k, t) in out.iter_mut().enumerate() {
        for (field, sums) in fields.iter().zip(&per_field) {
            *t.field_mut(*field) = sums[k];
        }
        t.tables = tables[k];
        for (l, line) in contest.lines().iter().enumerate() {
            let c = &mut t.candidates[line.candidate()];
            c.sum = add(c.sum, t.lines[l].sum, "candidate total")?;
        }
        for (c, done) in complete.iter().enumerate() {
            if *done {
                t.candidates[c].sheets = tables[k];
            }
        }
    }
    let voters = set.column(Field::Voters);
    let electors = set.column(Field::Electors);
    if let (Some(v), Some(e)) = (voters, electors) {
        // Over the runs of first readings: column sums when no value is absent (for the whole
        // set, or over each run's pieces in one slot), else sheet by sheet.
        let no_absent = !v.has_absent() && !e.has_absent();
        let whole = slots == 1 && no_absent;
        let sum = |c: &OptColumn, r: std::ops::Range<usize>| c.raw().slice(r).sum();
        let mut k = 0;
        // One cursor over every run of first readings, which come in order.
        let mut cursor = slot_of.cursor();
        for run in set.first_reading_runs() {
            if let (Some(runs), true) = (runs, no_absent) {
                // The slot runs it overlaps, in order (both lists are sorted).
                while runs.get(k).is_some_and(|r| r.end <= run.start) {
                    k += 1;
                }
                for r in runs[k..].iter().take_while(|r| r.start < run.end) {
                    let piece = r.start.max(run.start)..r.end.min(run.end);
                    let t = &mut out[r.slot as usize].turnout_base;
                    t.0 += sum(v, piece.clone());
                    t.1 += sum(e, piece);
                }
                continue;
            }
            if whole {
                let t = &mut out[0].turnout_base;
                t.0 += sum(v, run.clone());
                t.1 += sum(e, run);
                continue;
            }
            for i in run {
                if let (Some(v), Some(e)) = (v.get(i), e.get(i)) {
                    let t = &mut out[cursor.slot(i)].turnout_base;
                    t.0 += u64::from(v);
                    t.1 += u64::from(e);
                }
            }
        }
    }
    // A candidate with several lines, or absent values, is present on a table when any of its
    // lines is.
    for (c, lines) in lines_of.iter().enumerate().filter(|(c, _)| !complete[*c]) {
        slot_of.for_each(|i, slot| {
            if !set.is_repeat(i) && lines.iter().any(|col| col.get(i).is_some()) {
                out[slot].candidates[c].sheets += 1;
            }
        });
    }
    Ok(out)
}

/// Totals of the whole set.
///
/// # Errors
///
/// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a candidate's total over its lines does not fit.
///
/// # Example
///
/// ```
/// use actas::audit::totals;
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
///
/// let contest = Contest::new("mayor", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["district"])?);
/// set.push(ActaSheet::new(TableId::new("1")?).with_valid(10).with_votes([Some(6), Some(4)]))?;
/// set.push(ActaSheet::new(TableId::new("2")?).with_valid(7).with_votes([Some(2), Some(5)]))?;
/// let t = totals(&set)?;
/// assert_eq!((t.candidates[0].sum, t.candidates[1].sum, t.valid.sum), (8, 9, 17));
/// assert_eq!(t.electors.sheets, 0); // absent everywhere: not 0 electors
/// # Ok::<(), actas::Error>(())
/// ```
pub fn totals(set: &ActaSet) -> Result<Totals> {
    totals_with(set, Execution::default())
}

/// [`totals`], run as `execution` says (a column per task); the totals are the same either way.
/// Every check over a set has such a form (`check_rules_with`, `plausibility_with`,
/// `compare_with`, ...), and [`AuditOptions::with_execution`](crate::audit::AuditOptions::with_execution)
/// sets it for a whole audit.
///
/// # Errors
///
/// As [`totals`].
///
/// # Example
///
/// ```
/// use actas::audit::{totals, totals_with};
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Execution, Geography, TableId};
///
/// let contest = Contest::new("c", vec![Candidate::new("A", "Ana")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
/// set.push(ActaSheet::new(TableId::new("1")?).with_valid(7).with_votes([Some(7)]))?;
/// // On the calling thread (inside a server with its own threads, say): the same totals.
/// assert_eq!(totals_with(&set, Execution::Sequential)?, totals(&set)?);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn totals_with(set: &ActaSet, execution: Execution) -> Result<Totals> {
    Ok(accumulate(set, 1, &SlotMap::one(set.len()), execution)?
        .pop()
        .unwrap_or_default())
}

/// Totals of every place of geography level `level`.
///
/// The places' totals plus `unplaced` add up to [`totals`] of the whole set.
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) when the geography has no such level;
/// overflow as [`totals`].
///
/// # Example
///
/// ```
/// use actas::audit::{totals, totals_by_level};
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
///
/// let contest = Contest::new("c", vec![Candidate::new("A", "Ana")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["state"])?);
/// let north = set.add_place(None, "N", Some("North"))?;
/// set.push(ActaSheet::new(TableId::new("1")?).with_geo(north).with_votes([Some(5)]))?;
/// set.push(ActaSheet::new(TableId::new("2")?).with_geo(north).with_votes([Some(3)]))?;
/// set.push(ActaSheet::new(TableId::new("3")?).with_votes([Some(4)]))?; // no place
/// let states = totals_by_level(&set, 0)?;
/// assert_eq!(states.places.len(), 1);
/// assert_eq!((states.places[0].1.candidates[0].sum, states.unplaced.candidates[0].sum), (8, 4));
/// assert_eq!(totals(&set)?.candidates[0].sum, 12); // the places and the unplaced add up
/// # Ok::<(), actas::Error>(())
/// ```
pub fn totals_by_level(set: &ActaSet, level: usize) -> Result<LevelTotals> {
    totals_by_level_with(set, level, Execution::default())
}

/// [`totals_by_level`], run as `execution` says (a column per task); the totals are the same
/// either way.
///
/// # Errors
///
/// As [`totals_by_level`].
pub fn totals_by_level_with(
    set: &ActaSet,
    level: usize,
    execution: Execution,
) -> Result<LevelTotals> {
    let placement = Placement::of(set, level)?;
    totals_by_placement(set, placement, execution)
}

/// Where each sheet of a set goes at one geography level: the places in order of first
/// appearance among the sheets, and each sheet's slot (0 when unplaced at the level, `k` for
/// the `k`-th place), by runs of sheets when they are long. The only part of
/// [`totals_by_level`] that reads the geography.
pub(crate) struct Placement {
    level: usize,
    places: Vec<GeoPath>,
    slot_of: SlotMap,
}

impl Placement {
    /// The placement of `set`'s sheets at `level`.
    pub(crate) fn of(set: &ActaSet, level: usize) -> Result<Self> {
        let geo = set.geography();
        if level >= geo.levels().len() {
            return Err(crate::Error::invalid(
                "geography level",
                level.to_string(),
                format!("the geography has {} levels", geo.levels().len()),
            ));
        }
        // Each stored place (its index plus one; 0 for none) to the index of its place at the
        // level, `NONE` for none: sheets are then placed by two array reads and a compare.
        const NONE: u32 = u32::MAX;
        let ancestors: Vec<u32> = std::iter::once(NONE)
            .chain(
                geo.ancestor_table(level)
                    .iter()
                    .map(|a| a.map_or(NONE, |p| p.index() as u32)),
            )
            .collect();
        let mut slot_of_place: Vec<u32> = vec![u32::MAX; geo.len()];
        let mut places: Vec<GeoPath> = Vec::new();
        // Slot 0 for no place at the level, `k` for the `k`-th place to appear.
        let mut slot = |place: u32| -> u32 {
            if place == NONE {
                return 0;
            }
            let s = &mut slot_of_place[place as usize];
            if *s == u32::MAX {
                // An index from the geography's own ancestor table: always a place of it.
                let path = geo.place(place as usize);
                debug_assert!(path.is_some(), "place {place} is not in the geography");
                places.extend(path);
                *s = places.len() as u32;
            }
            *s
        };
        let raw = set.geo_raw();
        let n = raw.len();
        let place_of = |g: &Option<NonZeroU32>| ancestors[g.map_or(0, |g| g.get() as usize)];
        // Runs of sheets in one place while they are long (at least 16 sheets a run on
        // average), with nothing written per sheet; past that, each sheet's slot.
        let most = n / 16;
        let mut runs: Vec<SlotRun> = Vec::new();
        let (mut current, mut start) = (raw.first().map_or(NONE, place_of), 0);
        let mut current_slot = slot(current);
        let mut i = 0;
        while i < n {
            let place = place_of(&raw[i]);
            if place != current {
                runs.push(SlotRun {
                    start,
                    end: i,
                    slot: current_slot,
                });
                if runs.len() > most {
                    // Too many runs: sheet by sheet from here.
                    break;
                }
                (current, start, current_slot) = (place, i, slot(place));
            }
            i += 1;
        }
        let slot_of = if i < n {
            let mut slots: Vec<u32> = Vec::with_capacity(n);
            for r in &runs {
                slots.extend(std::iter::repeat_n(r.slot, r.end - r.start));
            }
            slots.extend(raw[i..].iter().map(|g| slot(place_of(g))));
            SlotMap::Sheets(slots)
        } else {
            if n > 0 {
                runs.push(SlotRun {
                    start,
                    end: n,
                    slot: current_slot,
                });
            }
            SlotMap::Runs(runs)
        };
        Ok(Placement {
            level,
            places,
            slot_of,
        })
    }
}

/// [`totals_by_level`] of the sheets of `set` placed as `placement` says (the placement of
/// these sheets, taken while their places' geography was at hand).
pub(crate) fn totals_by_placement(
    set: &ActaSet,
    placement: Placement,
    execution: Execution,
) -> Result<LevelTotals> {
    let Placement {
        level,
        places,
        slot_of,
    } = placement;
    debug_assert_eq!(slot_of.len(), set.len(), "the placement of other sheets");
    let mut all = accumulate(set, places.len() + 1, &slot_of, execution)?;
    let rest = all.split_off(1);
    Ok(LevelTotals {
        level,
        places: places.into_iter().zip(rest).collect(),
        unplaced: all.pop().unwrap_or_default(),
    })
}

/// How much of the register a set of sheets covers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Coverage {
    /// Tables with a sheet.
    pub tables: u64,
    /// Tables in the register, when known.
    pub tables_registered: Option<u64>,
    /// Electors on the sheets that carry them.
    pub electors: u64,
    /// Tables whose sheet does not carry electors.
    pub tables_without_electors: u64,
    /// Electors in the register, when known.
    pub electors_registered: Option<u64>,
}

impl Coverage {
    /// Tables with a sheet over tables registered.
    pub fn table_share(&self) -> Option<Ratio> {
        Ratio::new(self.tables, self.tables_registered?).ok()
    }

    /// Electors on the sheets over electors registered; `None` unless every table's sheet
    /// carries its electors (a partial sum would understate the share).
    pub fn elector_share(&self) -> Option<Ratio> {
        if self.tables_without_electors > 0 {
            return None;
        }
        Ratio::new(self.electors, self.electors_registered?).ok()
    }
}

/// The coverage of `totals` against a register.
///
/// # Example
///
/// ```
/// use actas::audit::{coverage, Totals};
/// use actas::Register;
///
/// let mut t = Totals::default();
/// t.tables = 24_532;
/// let c = coverage(&t, &Register::new().with_tables(30_026));
/// assert_eq!(c.table_share().unwrap().to_string(), "81.70%");
/// assert_eq!(c.elector_share(), None);
/// ```
pub fn coverage(totals: &Totals, register: &Register) -> Coverage {
    Coverage {
        tables: totals.tables,
        tables_registered: register.tables,
        electors: totals.electors.sum,
        tables_without_electors: totals.tables - totals.electors.sheets,
        electors_registered: register.electors,
    }
}

impl Coverage {
    /// What the coverage says, as the audit reports it: `D006` when the register counts fewer
    /// tables or electors than the sheets hold (every bound against it would be wrong).
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let figures = [
            ("tables", self.tables_registered, self.tables),
            ("electors", self.electors_registered, self.electors),
        ];
        for (what, registered, on_sheets) in figures {
            if let Some(r) = registered.filter(|r| *r < on_sheets) {
                out.push(
                    Finding::new(
                        Code::RegisterSmallerThanSheets,
                        Subject::Set,
                        format!(
                            "the register counts fewer {what} than the sheets hold: is it the register of this contest?"
                        ),
                    )
                    .with("registered", r)
                    .with("on_sheets", on_sheets),
                );
            }
        }
        out
    }
}

impl LevelTotals {
    /// Totals judge nothing: always empty, as [`Totals::findings`].
    pub fn findings(&self) -> Vec<Finding> {
        Vec::new()
    }
}

impl Totals {
    /// Totals judge nothing: always empty. The checks that judge the sheets are
    /// [`check_rules`](crate::audit::check_rules), [`plausibility`](crate::audit::plausibility)
    /// and [`check_repeats`](crate::audit::check_repeats).
    pub fn findings(&self) -> Vec<Finding> {
        Vec::new()
    }
}
