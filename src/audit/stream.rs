//! Auditing a CSV in one pass with bounded memory.

use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::path::Path;

use hashbrown::{DefaultHashBuilder, HashTable};

use crate::model::buckets::{bucket_mask, sort_by_bucket};

use super::bounds::{
    ElectorsTally, SubjectTally, Values, electors_feasibility, tables_feasibility,
};
use super::bulletin::resolve_subject;
use super::consistency::RuleSummary;
use super::engine::{
    AuditOptions, AuditReport, Header, announcement_checks, assemble, sheet_checks,
};
use super::totals::{Placement, Totals, totals_by_placement, totals_with};
use crate::Execution;
use crate::error::{Error, Result};
use crate::io::reader::{Lines, Rows};
use crate::io::{Layout, ReadReport};
use crate::model::{
    ActaSet, Bulletin, CoverageBasis, Field, GeoPath, Register, Repeat, RepeatKind,
};

/// Options of a streaming audit.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StreamOptions {
    /// The checks' options, as for an in-memory [`Audit`](super::Audit).
    pub audit: AuditOptions,
    /// The geography level the stream totals by (0, the top level, by default). Places below
    /// it are read and checked as in memory (a row with a gap or a bad code there is rejected
    /// alike) but not kept, so that memory does not grow with their number.
    pub level: usize,
    /// Sheets in a chunk (65,536 by default): the stream holds one chunk, or two when it reads
    /// the next while it audits the last.
    pub chunk: usize,
}

impl StreamOptions {
    /// With these options for the checks.
    #[must_use]
    pub fn with_audit(mut self, audit: AuditOptions) -> Self {
        self.audit = audit;
        self
    }

    /// With totals per place of geography level `level` (0 is the top).
    #[must_use]
    pub fn with_level(mut self, level: usize) -> Self {
        self.level = level;
        self
    }

    /// With chunks of `chunk` sheets (at least 1).
    #[must_use]
    pub fn with_chunk(mut self, chunk: usize) -> Self {
        self.chunk = chunk;
        self
    }
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            audit: AuditOptions::default(),
            level: 0,
            chunk: 1 << 16,
        }
    }
}

/// The totals of one place of the stream's level.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PlaceTotals {
    /// The codes from the top level down to the place.
    pub codes: Vec<String>,
    /// The place's name, when the data gives one.
    pub name: Option<String>,
    /// Its totals.
    pub totals: Totals,
}

/// What a streaming audit returns.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct StreamOutcome {
    /// The audit report: the same as an in-memory audit of the same sheets, but for what the
    /// [`StreamAudit`] documents.
    pub report: AuditReport,
    /// What happened to every row (without the line of every sheet, which a stream does not
    /// keep; repeated tables are in the report's `D001` and `D002` findings).
    pub read: ReadReport,
    /// The totals of each place of the chosen level, in order of first appearance.
    pub places: Vec<PlaceTotals>,
    /// The totals of the sheets with no place at the chosen level (above it, at an optional
    /// level left empty, or nowhere), as [`LevelTotals::unplaced`](super::LevelTotals::unplaced);
    /// empty when the layout has no geography.
    pub unplaced: Totals,
}

/// The tables seen so far: a 64-bit fingerprint of each table id and a 32-bit hash of its first
/// reading's counts, in generations of fixed size so that memory grows in steps of 2^20 slots
/// (about 14 MB) rather than doubling (which would leave up to half of it empty). The first
/// generation grows from empty, so that a small file costs little.
///
/// A chunk's sheets are looked up together, in the order of the buckets they fall in
/// ([`Seen::visit_all`]): a new table must be missed in every generation, and looking each sheet
/// up in turn cost a cache miss per generation (at 10^7 sheets, eleven generations and 44% of
/// the stream's time).
struct Seen {
    hasher: DefaultHashBuilder,
    generations: Vec<HashTable<[u32; 3]>>,
    /// Tables per generation: [`Seen::GENERATION`] (fewer in tests, to cross generations).
    per_generation: usize,
}

/// Whether a second reading's counts hash as the first reading's.
fn repeat_kind(first: u32, again: u32) -> RepeatKind {
    if first == again {
        RepeatKind::Identical
    } else {
        RepeatKind::Conflicting
    }
}

/// A fingerprint's two halves, as a generation stores them.
fn halves(fp: u64) -> [u32; 2] {
    [fp as u32, (fp >> 32) as u32]
}

impl Seen {
    /// Entries per generation: 7/8 of 2^20 buckets, the most hashbrown holds without growing.
    const GENERATION: usize = (1 << 20) / 8 * 7;

    fn new() -> Self {
        Self::with_generation(Self::GENERATION)
    }

    fn with_generation(per_generation: usize) -> Self {
        Seen {
            hasher: DefaultHashBuilder::default(),
            generations: Vec::new(),
            per_generation: per_generation.max(1),
        }
    }

    /// The fingerprint of a table id.
    fn fingerprint(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    /// The first reading of the table with fingerprint `fp`, whose counts hash to `content`.
    fn insert(&mut self, fp: u64, content: u32) {
        let full = self
            .generations
            .last()
            .is_some_and(|g| g.len() >= self.per_generation);
        if self.generations.is_empty() {
            // The first generation grows as tables come (a small file needs little); it holds
            // a whole generation with 2^20 buckets, so it never grows past that.
            self.generations.push(HashTable::new());
        } else if full {
            self.generations
                .push(HashTable::with_capacity(self.per_generation));
        }
        let [lo, hi] = halves(fp);
        if let Some(g) = self.generations.last_mut() {
            g.insert_unique(fp, [lo, hi, content], |e| {
                u64::from(e[0]) | (u64::from(e[1]) << 32)
            });
        }
    }

    /// Records the table `id` with counts hashing to `content`: `None` when new, otherwise
    /// whether the first reading's counts hash the same. The one-sheet-at-a-time reference
    /// that [`Seen::visit_all`] is tested against.
    #[cfg(test)]
    fn visit(&mut self, id: &str, content: u32) -> Option<RepeatKind> {
        let fp = self.fingerprint(id);
        let key = halves(fp);
        for g in &self.generations {
            if let Some(e) = g.find(fp, |e| e[..2] == key) {
                return Some(repeat_kind(e[2], content));
            }
        }
        self.insert(fp, content);
        None
    }

    /// The sheets of a chunk, whose table ids have fingerprints `fps` and whose counts hash to
    /// `contents`, recorded in order: the repeats among them (a sheet and its kind, by sheet),
    /// exactly as visiting them one at a time would find them.
    ///
    /// The sheets are looked up in each generation in the order of its buckets; the new
    /// tables are sorted so that the sheets of one table meet (the earliest first, which is
    /// its first reading), and inserted in bucket order.
    fn visit_all(&mut self, fps: &[u64], contents: &[u32]) -> Vec<(usize, RepeatKind)> {
        let mut repeats = Vec::new();
        let mut keys: Vec<(u64, usize)> = fps.iter().copied().zip(0..).collect();
        let mut sorted_by = None;
        for g in &self.generations {
            if keys.is_empty() {
                break;
            }
            if g.is_empty() {
                continue;
            }
            let mask = bucket_mask(g.capacity());
            if sorted_by != Some(mask) {
                sort_by_bucket(&mut keys, mask, |&(fp, _)| fp);
                sorted_by = Some(mask);
            }
            keys.retain(|&(fp, i)| {
                let key = halves(fp);
                match g.find(fp, |e| e[..2] == key) {
                    Some(e) => {
                        repeats.push((i, repeat_kind(e[2], contents[i])));
                        false
                    }
                    None => true,
                }
            });
        }
        // New tables, in the bucket order of a whole generation (where most go), the sheets of
        // one table together and in order.
        let mask = bucket_mask(self.per_generation);
        if sorted_by != Some(mask) {
            sort_by_bucket(&mut keys, mask, |&(fp, _)| fp);
        }
        let mut k = 0;
        while k < keys.len() {
            let (fp, first) = keys[k];
            k += 1;
            while let Some(&(_, again)) = keys.get(k).filter(|(f, _)| *f == fp) {
                repeats.push((again, repeat_kind(contents[first], contents[again])));
                k += 1;
            }
            self.insert(fp, contents[first]);
        }
        repeats.sort_unstable_by_key(|&(i, _)| i);
        repeats
    }
}

/// One announced count of a bulletin with a coverage claim: its subject, the count, the
/// candidates it stands for and the tally of their votes so far, as its bounds need it.
struct Counted {
    subject: String,
    count: u64,
    members: Vec<usize>,
    tally: CountTally,
}

/// The tally a bound needs, by the basis of the bulletin's coverage.
enum CountTally {
    Tables(SubjectTally),
    Electors(ElectorsTally),
}

/// A hash of every count of sheet `i` (absent values included), to tell an identical second
/// reading from a conflicting one.
fn content_hash(set: &ActaSet, i: usize, hasher: &DefaultHashBuilder) -> u32 {
    let mut h = hasher.build_hasher();
    let fields = Field::STANDARD
        .into_iter()
        .chain((0..set.contest().lines().len()).map(Field::Line))
        .chain((0..set.extra_fields().len()).map(Field::Extra));
    for f in fields {
        h.write_u64(set.count(i, f).map_or(u64::MAX, u64::from));
    }
    h.finish() as u32
}

/// An audit of a CSV too large to hold (or that a user does not want to hold), read once, a
/// chunk of sheets at a time, with bounded memory.
///
/// It gives the same report as [`Audit`](super::Audit) on the same sheets: totals, coverage, rules,
/// plausibility flags, repeated and conflicting readings, each bulletin's arithmetic, signature and
/// feasibility bounds, robustness and the sequence, and the digit tests and the fingerprint when
/// [`ForensicsOptions`](crate::forensics::ForensicsOptions) asks for them (gathered in the one
/// pass: the digits' frequencies and decades, and a fingerprint per candidate who may lead, the
/// leader chosen at the end). The integer-percentage null and the Klimek fit use every table's
/// figures at once: asked of a stream, they are an error. Bounds come from tallies built a table at
/// a time: a histogram of each count's votes per table (tables basis), and the distinct (votes,
/// electors) pairs with their number (electors basis). It does not compare with a second reading or
/// check a register of tables, which need another whole set.
///
/// Threads: with the `parallel` feature and [`Execution::Parallel`](crate::Execution) (the
/// default of [`AuditOptions`]), the calling thread reads the next chunk while a second thread
/// audits the last one, each chunk on one core; with [`Execution::Sequential`](crate::Execution)
/// it reads and audits in turn on the calling thread. The reader need not be `Send`, and the
/// report is the same either way.
///
/// Memory: the chunk of sheets (two when the reading and the audit overlap), the places of the
/// chosen level, with the digit tests 32 KiB per
/// field (and an entry per decade of counts of 40,960 and more), with the fingerprint its grid and
/// histograms per candidate (95 KiB each at the default options: 101² and 2 × 1,001 cells of 8
/// bytes), per bulletin count a histogram (as many buckets as the largest count of a table) or its
/// distinct (votes, electors) pairs (at most the square of the largest table, whatever the number
/// of sheets), the findings, and 12 bytes per distinct table to recognise repeated readings (a
/// 64-bit fingerprint of the id and a 32-bit hash of the counts: the chance that two different ids
/// share a fingerprint is about `n² / 2^65`, 3 in a million for ten million tables; a repeat whose
/// counts differ is taken as identical with probability 2^-32).
///
/// # Example
///
/// ```
/// # #[cfg(feature = "synth")] {
/// use actas::audit::{Audit, StreamAudit};
/// use actas::synth::{generate, layout, write_csv, SynthConfig};
///
/// let config = SynthConfig::default().with_sheets(3_000);
/// let mut csv = Vec::new();
/// write_csv(&config, &mut csv)?;
/// let streamed = StreamAudit::new(&layout(&config)).run(&csv[..])?;
/// let (set, _) = generate(&config)?;
/// let in_memory = Audit::new(&set).run()?;
/// assert_eq!(streamed.report.totals, in_memory.totals);
/// assert_eq!(streamed.report.findings, in_memory.findings);
/// # }
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct StreamAudit<'a> {
    layout: &'a Layout,
    register: Register,
    bulletins: &'a [Bulletin],
    options: StreamOptions,
}

impl<'a> StreamAudit<'a> {
    /// A streaming audit of CSV read through `layout`, with default options.
    pub fn new(layout: &'a Layout) -> Self {
        StreamAudit {
            layout,
            register: Register::default(),
            bulletins: &[],
            options: StreamOptions::default(),
        }
    }

    /// With the register's totals.
    #[must_use]
    pub fn register(mut self, register: &Register) -> Self {
        self.register = register.clone();
        self
    }

    /// With the bulletins of the contest, oldest first.
    #[must_use]
    pub fn bulletins(mut self, bulletins: &'a [Bulletin]) -> Self {
        self.bulletins = bulletins;
        self
    }

    /// With these options.
    #[must_use]
    pub fn options(mut self, options: StreamOptions) -> Self {
        self.options = options;
        self
    }

    /// Audits the CSV file at `path`.
    ///
    /// # Errors
    ///
    /// As [`StreamAudit::run`]; the errors of the file carry its path ([`Error::position`](crate::Error::position)).
    pub fn run_path(&self, path: impl AsRef<Path>) -> Result<StreamOutcome> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(e, Some(path)))?;
        // No `BufReader`: the reader has a buffer of its own, filled straight from the file.
        self.run_inner(file, Some(path))
            .map_err(|e| e.in_input(Some(path)))
    }

    /// [`run_path`](Self::run_path), telling `progress` of the bytes read as it goes (to draw a
    /// progress bar); they add up to the file's length.
    ///
    /// # Errors
    ///
    /// As [`StreamAudit::run_path`].
    pub fn run_path_with_progress(
        &self,
        path: impl AsRef<Path>,
        progress: &dyn crate::io::ReadProgress,
    ) -> Result<StreamOutcome> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(e, Some(path)))?;
        let counted = crate::io::reader::Counting {
            inner: file,
            progress,
            budget: u64::MAX,
        };
        self.run_inner(counted, Some(path))
            .map_err(|e| e.in_input(Some(path)))
    }

    /// Audits CSV from `reader`.
    ///
    /// # Errors
    ///
    /// What stops [`read_csv`](crate::io::read_csv); [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for a level the
    /// layout does not have, a chunk of 0, or forensic tests asked for (they need every table
    /// at once); [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) on overflow.
    pub fn run<R: Read>(&self, reader: R) -> Result<StreamOutcome> {
        self.run_inner(reader, None)
    }

    fn run_inner<R: Read>(&self, reader: R, path: Option<&Path>) -> Result<StreamOutcome> {
        let opts = &self.options;
        if opts.chunk == 0 {
            return Err(Error::invalid(
                "chunk",
                "0",
                "a chunk holds at least one sheet",
            ));
        }
        let forensics = &opts.audit.forensics;
        if forensics.peaks.is_some() || forensics.klimek.is_some() {
            return Err(Error::invalid(
                "forensics in a streaming audit",
                "the integer-percentage test or the Klimek fit",
                "the integer-percentage null and the Klimek fit use every table's figures at \
                 once: read the sheets into an ActaSet and audit it with Audit (or call \
                 actas::forensics), or ask the stream for the tests it computes in its one \
                 pass, the digit tests and the fingerprint (ForensicsOptions::default()\
                 .with_digits(...).with_fingerprint(...))",
            ));
        }
        if self.layout.parts.is_some() {
            return Err(Error::invalid(
                "layout",
                "parts",
                "the stream cannot add up a table's parts spread over the file: read it in memory",
            ));
        }
        let levels = self.layout.geography.len();
        // Level 0 of a layout without geography means "no places", as in memory.
        if opts.level >= levels && !(levels == 0 && opts.level == 0) {
            return Err(Error::invalid(
                "geography level",
                opts.level.to_string(),
                format!("the layout has {levels} levels"),
            ));
        }
        let (mut rows, mut chunk) = Rows::open(reader, self.layout, path)?;
        // Places below the level are checked, not kept: memory does not grow with them.
        rows.intern_levels(opts.level + 1);
        let contest = chunk.contest().clone();
        let exec = opts.audit.execution;

        // The counts of the bulletins with a coverage claim, with their tallies.
        let mut tallies: Vec<Vec<Counted>> = self
            .bulletins
            .iter()
            .map(|b| {
                let basis = b.coverage_claim().map(|c| c.basis);
                b.counts
                    .iter()
                    .filter_map(|c| {
                        let tally = match basis {
                            Some(CoverageBasis::Tables) => {
                                CountTally::Tables(SubjectTally::default())
                            }
                            Some(CoverageBasis::Electors) => {
                                CountTally::Electors(ElectorsTally::default())
                            }
                            _ => return None,
                        };
                        let count = c.count?;
                        resolve_subject(&contest, b, &c.subject).map(|members| Counted {
                            subject: c.subject.clone(),
                            count,
                            members,
                            tally,
                        })
                    })
                    .collect()
            })
            .collect();

        // The shares without counts need every table's figures (memory grows with them).
        let mut share_columns = super::bounds::ShareColumns::new(&contest, self.bulletins);
        let mut seen = Seen::new();
        let content_hasher = DefaultHashBuilder::default();
        let mut offset = 0usize;
        let mut findings = Vec::new();
        let mut rules: Option<Vec<RuleSummary>> = None;
        let mut totals: Option<Totals> = None;
        let mut places: Vec<(GeoPath, Totals)> = Vec::new();
        let mut place_slot: hashbrown::HashMap<GeoPath, usize> = hashbrown::HashMap::new();
        let mut unplaced = Totals::default();
        let mut electors_missing = false;
        let mut electors_sum = 0u64;
        let mut sheet_electors = super::outcome::SheetElectors::default();
        // The digit tests and the fingerprint, the forensic tests a single pass gives in full
        // (set up once the first chunk has read the header's contest).
        let mut digits: Option<crate::forensics::digits::DigitStream> = None;
        let mut print: Option<crate::forensics::fingerprint::FingerprintStream> = None;
        // With the `parallel` feature and `Execution::Parallel`, the next chunk is read while a
        // second thread audits the last one (on one core: the reader has the other).
        let pipelined = cfg!(feature = "parallel") && exec == Execution::Parallel;
        let audit_exec = if pipelined {
            Execution::Sequential
        } else {
            exec
        };
        // One chunk's audit, added to the chunks' before it; `placement` is where its sheets go
        // at the chosen level, taken by the reader, which keeps the geography.
        let mut audit_chunk = |chunk: &mut ActaSet, placement: Option<Placement>| -> Result<()> {
            if let (None, Some(o)) = (&digits, &forensics.digits) {
                digits = Some(crate::forensics::digits::DigitStream::new(chunk, o)?);
            }
            if let (None, Some(o)) = (&print, &forensics.fingerprint) {
                print = Some(crate::forensics::fingerprint::FingerprintStream::new(
                    chunk, o,
                )?);
            }
            // Repeats across the whole stream, not only within the chunk.
            let fps: Vec<u64> = (0..chunk.len())
                .map(|i| seen.fingerprint(chunk.table_id(i).unwrap_or_default()))
                .collect();
            let contents: Vec<u32> = (0..chunk.len())
                .map(|i| content_hash(chunk, i, &content_hasher))
                .collect();
            let repeats: Vec<Repeat> = seen
                .visit_all(&fps, &contents)
                .into_iter()
                .map(|(sheet, kind)| Repeat {
                    first: 0,
                    sheet,
                    kind,
                })
                .collect();
            chunk.set_repeats(repeats);

            let (check, f) = sheet_checks(chunk, &opts.audit, audit_exec, offset)?;
            findings.extend(f);
            match &mut rules {
                None => rules = Some(check.rules),
                Some(r) => {
                    for (a, b) in r.iter_mut().zip(check.rules) {
                        a.checked += b.checked;
                        a.held += b.held;
                        a.broken += b.broken;
                        a.skipped += b.skipped;
                    }
                }
            }
            let t = totals_with(chunk, audit_exec)?;
            match &mut totals {
                None => totals = Some(t),
                Some(all) => all.merge(&t)?,
            }
            if let Some(placement) = placement {
                let level = totals_by_placement(chunk, placement, audit_exec)?;
                unplaced.merge(&level.unplaced)?;
                for (p, t) in level.places {
                    if let Some(&k) = place_slot.get(&p) {
                        places[k].1.merge(&t)?;
                    } else {
                        place_slot.insert(p, places.len());
                        places.push((p, t));
                    }
                }
            }
            let (electors, keep) = super::bounds::table_electors(chunk);
            for e in &electors {
                sheet_electors.add(*e);
                match e {
                    Some(e) => {
                        electors_sum = electors_sum
                            .checked_add(*e)
                            .ok_or_else(|| Error::overflow("electors of the sheets"))?;
                    }
                    None => electors_missing = true,
                }
            }
            share_columns.add(chunk, &electors, keep.as_deref());
            for counted in tallies.iter_mut().flatten() {
                let values = || Values::new(chunk, &counted.members, keep.as_deref(), &electors);
                match &mut counted.tally {
                    // Straight from the columns, as in memory; through the values when a line
                    // or the electors are absent on some sheet.
                    CountTally::Tables(t) => t.merge(
                        &SubjectTally::of_columns(chunk, &counted.members)
                            .unwrap_or_else(|| SubjectTally::of(&values())),
                    ),
                    // Without every sheet's electors there is no electors-basis bound: stop
                    // tallying for it.
                    CountTally::Electors(_) if electors_missing => {}
                    CountTally::Electors(t) => t.add_values(&values()),
                }
            }
            if let Some(d) = &mut digits {
                d.add(chunk);
            }
            if let Some(p) = &mut print {
                p.add(chunk)?;
            }
            offset += chunk.len();
            chunk.clear_sheets();
            Ok(())
        };
        let place = |chunk: &ActaSet| -> Result<Option<Placement>> {
            if chunk.geography().levels().is_empty() || chunk.is_empty() {
                return Ok(None);
            }
            Placement::of(chunk, opts.level).map(Some)
        };
        if pipelined {
            // The sheets go to `audited` to be audited; `chunk` keeps the geography, and reads.
            let mut audited = self.layout.empty_set()?;
            let mut more = rows.fill(&mut chunk, opts.chunk, Lines::Drop)?;
            loop {
                let placement = place(&chunk)?;
                chunk.swap_sheets(&mut audited);
                let (audit, next) = std::thread::scope(|s| {
                    let worker = s.spawn(|| audit_chunk(&mut audited, placement));
                    let next = more.then(|| rows.fill(&mut chunk, opts.chunk, Lines::Drop));
                    (worker.join(), next)
                });
                // The chunk's audit fails first, as it would read one chunk at a time.
                audit.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
                match next {
                    Some(next) => more = next?,
                    None => break,
                }
            }
        } else {
            loop {
                let more = rows.fill(&mut chunk, opts.chunk, Lines::Drop)?;
                let placement = place(&chunk)?;
                audit_chunk(&mut chunk, placement)?;
                if !more {
                    break;
                }
            }
        }
        let read = rows.finish()?;
        let totals = totals.unwrap_or_default();
        // As in memory: the electors of no sheet at all are known, and are 0.
        let all_electors = (!electors_missing).then_some(electors_sum);
        let sheets = totals.tables;
        let announced = announcement_checks(
            &contest,
            &totals,
            &self.register,
            self.bulletins,
            &opts.audit,
            Some(sheet_electors),
            |b| {
                let index = self.bulletins.iter().position(|x| std::ptr::eq(x, b));
                let subjects = index
                    .map(|k| std::mem::take(&mut tallies[k]))
                    .unwrap_or_default();
                let about = crate::report::Subject::Bulletin {
                    label: b.label.clone(),
                };
                let checked = match b.coverage_claim().map(|c| c.basis) {
                    Some(CoverageBasis::Tables) => tables_feasibility(
                        b,
                        &self.register,
                        &opts.audit.bounds,
                        sheets,
                        all_electors,
                        subjects
                            .into_iter()
                            .filter_map(|c| match c.tally {
                                CountTally::Tables(t) => Some((c.subject, c.count, t)),
                                CountTally::Electors(_) => None,
                            })
                            .collect(),
                    ),
                    Some(CoverageBasis::Electors) => electors_feasibility(
                        b,
                        &self.register,
                        &opts.audit.bounds,
                        sheets,
                        all_electors,
                        || {
                            subjects
                                .into_iter()
                                .filter_map(|c| match c.tally {
                                    CountTally::Electors(t) => {
                                        Some((c.subject, c.count, t.into_input()))
                                    }
                                    CountTally::Tables(_) => None,
                                })
                                .collect()
                        },
                    ),
                    Some(_) => Ok(super::bounds::unspecified_basis(b)),
                    None => Ok(super::bounds::no_claim(b)),
                };
                let mut c = checked?.about(about);
                if let (super::checked::Checked::Done(f), Some(k)) = (&mut c, index) {
                    if b.counts.iter().any(|c| c.count.is_none()) {
                        let (shares, not_bounded) =
                            share_columns.bounds(k, super::bounds::ShareFrame::of(f))?;
                        f.shares = shares;
                        f.shares_not_bounded = not_bounded;
                    }
                }
                Ok(c)
            },
        )?;
        let geo = chunk.geography();
        let places = places
            .into_iter()
            .map(|(p, totals)| PlaceTotals {
                codes: geo.codes(p).into_iter().map(str::to_owned).collect(),
                name: geo
                    .node(p)
                    .and_then(crate::GeoNode::name)
                    .map(str::to_owned),
                totals,
            })
            .collect();
        // As in memory: the forensic findings after the others.
        let forensics = if forensics.any() {
            let report = crate::forensics::ForensicsReport {
                digits: match (digits, &forensics.digits) {
                    (Some(d), Some(o)) => Some(d.finish(o)),
                    _ => None,
                },
                peaks: None,
                fingerprint: match (print, &forensics.fingerprint) {
                    (Some(p), Some(o)) => Some(p.finish(&totals, o)?),
                    _ => None,
                },
                klimek: None,
            };
            findings.extend(report.findings());
            Some(report)
        } else {
            None
        };
        let mut report = assemble(
            Header {
                source: chunk.source().map(str::to_owned),
                candidates: contest.candidates().to_vec(),
                sheets: offset as u64,
            },
            totals,
            &self.register,
            rules.unwrap_or_default(),
            announced,
            None,
            findings,
        );
        report.forensics = forensics;
        Ok(StreamOutcome {
            report,
            read,
            places,
            unplaced,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Repeats as (sheet in the whole stream, kind).
    type Found = Vec<(usize, RepeatKind)>;

    /// The repeats `visit_all` finds chunk by chunk, and those of visiting the same sheets one
    /// at a time.
    fn both(ids: &[String], contents: &[u32], chunk: usize, generation: usize) -> (Found, Found) {
        let mut one = Seen::with_generation(generation);
        let expected: Found = ids
            .iter()
            .zip(contents)
            .enumerate()
            .filter_map(|(i, (id, &c))| one.visit(id, c).map(|k| (i, k)))
            .collect();
        let mut all = Seen::with_generation(generation);
        // The same fingerprints: both hash with a seed of their own.
        all.hasher = one.hasher.clone();
        let mut got = Vec::new();
        for (start, (ids, contents)) in (0..)
            .step_by(chunk)
            .zip(ids.chunks(chunk).zip(contents.chunks(chunk)))
        {
            let fps: Vec<u64> = ids.iter().map(|id| all.fingerprint(id)).collect();
            got.extend(
                all.visit_all(&fps, contents)
                    .into_iter()
                    .map(|(i, k)| (start + i, k)),
            );
        }
        assert_eq!(
            all.generations
                .iter()
                .map(HashTable::len)
                .collect::<Vec<_>>(),
            one.generations
                .iter()
                .map(HashTable::len)
                .collect::<Vec<_>>(),
            "the same generations"
        );
        (got, expected)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 150 } else { 600 }))]

        /// Looking a chunk's sheets up together finds the repeats, and their kinds, that
        /// visiting them one at a time finds: chunks of 1 and 2 sheets and more, generations of
        /// one table and more, tables repeated within a chunk and across chunks and generations.
        #[test]
        fn a_chunk_at_a_time_is_a_sheet_at_a_time(
            sheets in proptest::collection::vec((0u32..40, 0u32..3), 0..120),
            chunk in prop_oneof![Just(1usize), Just(2), 3usize..50],
            generation in prop_oneof![Just(1usize), Just(2), 3usize..20, Just(Seen::GENERATION)],
        ) {
            let ids: Vec<String> = sheets.iter().map(|(t, _)| format!("T{t}")).collect();
            let contents: Vec<u32> = sheets.iter().map(|&(_, c)| c).collect();
            let (got, expected) = both(&ids, &contents, chunk, generation);
            prop_assert_eq!(got, expected);
        }
    }

    /// Chunks large enough for the binned sort (4,096 keys and more), over generations smaller
    /// than a chunk.
    #[test]
    fn large_chunks_over_small_generations() {
        let n = 20_000u32;
        let ids: Vec<String> = (0..n)
            .map(|i| format!("T{}", i.wrapping_mul(2_654_435_761) % 12_000))
            .collect();
        let contents: Vec<u32> = (0..n).map(|i| i % 3).collect();
        for (chunk, generation) in [(5_000, 1_000), (8_192, 3_000), (20_000, Seen::GENERATION)] {
            let (got, expected) = both(&ids, &contents, chunk, generation);
            assert!(expected.len() > 5_000, "{}", expected.len());
            assert_eq!(
                got, expected,
                "chunks of {chunk}, generations of {generation}"
            );
        }
    }
}
