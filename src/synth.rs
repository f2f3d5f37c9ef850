// Over 600 lines with its unit tests (614 of code): one generator whose draws must stay in one
// order forever (the same data from a seed); the in-memory and CSV paths share it and stay together.
//! Seeded synthetic national elections: realistic sets of sheets with anomalies injected at known
//! rates, as an [`ActaSet`] or as CSV with the [`Layout`] that reads it.
//!
//! The same configuration always gives the same sheets, in memory or on disk, on every platform:
//! the generator uses its own `SplitMix64` stream (Steele, Lea and Flood, "Fast splittable
//! pseudorandom number generators", OOPSLA 2014), so no dependency upgrade can change the data that
//! tests and benchmarks are built on. Its floating-point arithmetic is only IEEE 754's correctly
//! rounded operations (`+`, `−`, `×`, `÷`, `√`, conversions), whose results are the same on every
//! platform; no `powf`, `exp` or `ln`, whose results may differ in the last bit between math
//! libraries.
//!
//! Behind the `synth` feature (default).
//!
//! # The model
//!
//! A four-level geography (region > province > district > centre, ten children per level, one to
//! eight tables per centre). Each region has its own turnout (50% to 85%) and its own preference
//! over the candidates; each table has 200 to 1,500 electors, a turnout near its region's, 0 to 3%
//! null and 0 to 2% blank votes, and valid votes shared among the candidates by its region's
//! preference with noise. Every clean sheet satisfies the three standard rules.
//!
//! Anomalies are injected per table at the configured rates (parts per million), and every one is
//! listed in [`Injected`]:
//! - a **rule violation**: one candidate gets 1 to 20 more votes than the valid total allows;
//! - **over-100% turnout**: 1 to 50 more voters than electors (the other rules still hold);
//! - a **duplicate**: the same sheet read twice, identically;
//! - a **conflict**: a second reading of the table with one candidate's votes changed (its own
//!   arithmetic still holds).
//!
//! And the signatures [election forensics](crate::forensics) look for, 0 by default, at most one
//! per table, each sheet still satisfying the rules (tables with over-100% turnout get none):
//! - **stuffing** (Klimek et al.'s extreme fraud): ballots added for the first candidate up to
//!   95 to 100% turnout, and 50 to 90% of the other candidates' votes moved to it;
//! - a **rounded turnout**: voters set so that the turnout lies within 0.05 point of an integer
//!   percentage (the nearest, or one up to 5 points away), the valid votes shared again;
//! - a **rounded share**: the first candidate's share of the voters set the same way, the
//!   difference taken from or given to the candidate with the most other votes;
//! - **made-up digits**: every line's votes rounded down to end in 0 or 5, valid votes and
//!   voters following.
//!
//! A configuration without signatures gives the same data as before they existed: a rate of 0
//! draws nothing from the generator.
//!
//! # Example
//!
//! ```
//! use actas::synth::{generate, SynthConfig};
//!
//! let config = SynthConfig::default().with_sheets(1_000).with_candidates(5);
//! let (set, injected) = generate(&config)?;
//! assert_eq!(set.tables(), 1_000);
//! assert_eq!(set.len(), 1_000 + injected.duplicates.len() + injected.conflicts.len());
//! # Ok::<(), actas::Error>(())
//! ```

use std::io::Write;

use crate::error::{Error, Result};
use crate::io::{CandidateColumn, Fields, GeoLevel, Layout, LineColumn};
use crate::model::set::RawSheet;
use crate::model::{ActaSet, GeoPath};

/// Per-table rates of injected anomalies, in parts per million.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AnomalyRates {
    /// Sheets whose candidates' votes do not add up to the valid votes.
    pub rule_violation: u32,
    /// Sheets with more voters than electors.
    pub over_turnout: u32,
    /// Tables read twice with identical numbers.
    pub duplicate: u32,
    /// Tables read twice with different numbers.
    pub conflict: u32,
    /// Tables whose turnout is set on an integer percentage (a forensic signature; 0 by
    /// default).
    pub rounded_turnout: u32,
    /// Tables whose first candidate's share of the voters is set on an integer percentage (a
    /// forensic signature; 0 by default).
    pub rounded_share: u32,
    /// Tables stuffed to 95-100% turnout for the first candidate (a forensic signature; 0 by
    /// default).
    pub stuffing: u32,
    /// Tables whose vote counts were made up: every line rounded down to end in 0 or 5 (a
    /// forensic signature; 0 by default).
    pub made_up_digits: u32,
}

impl Default for AnomalyRates {
    /// One in a thousand of each rule-breaking anomaly; no forensic signature.
    fn default() -> Self {
        AnomalyRates {
            rule_violation: 1_000,
            over_turnout: 1_000,
            duplicate: 1_000,
            conflict: 1_000,
            rounded_turnout: 0,
            rounded_share: 0,
            stuffing: 0,
            made_up_digits: 0,
        }
    }
}

impl AnomalyRates {
    /// With sheets that break `valid == sum(candidates)`, per million.
    #[must_use]
    pub fn with_rule_violation(mut self, per_million: u32) -> Self {
        self.rule_violation = per_million;
        self
    }

    /// With sheets of more voters than electors, per million.
    #[must_use]
    pub fn with_over_turnout(mut self, per_million: u32) -> Self {
        self.over_turnout = per_million;
        self
    }

    /// With tables read twice with identical numbers, per million.
    #[must_use]
    pub fn with_duplicate(mut self, per_million: u32) -> Self {
        self.duplicate = per_million;
        self
    }

    /// With tables read twice with different numbers, per million.
    #[must_use]
    pub fn with_conflict(mut self, per_million: u32) -> Self {
        self.conflict = per_million;
        self
    }

    /// With tables whose turnout is an integer percentage, per million.
    #[must_use]
    pub fn with_rounded_turnout(mut self, per_million: u32) -> Self {
        self.rounded_turnout = per_million;
        self
    }

    /// With tables whose first candidate's share is an integer percentage, per million.
    #[must_use]
    pub fn with_rounded_share(mut self, per_million: u32) -> Self {
        self.rounded_share = per_million;
        self
    }

    /// With tables stuffed to 95-100% turnout, per million.
    #[must_use]
    pub fn with_stuffing(mut self, per_million: u32) -> Self {
        self.stuffing = per_million;
        self
    }

    /// With tables whose vote counts end in 0 or 5, per million.
    #[must_use]
    pub fn with_made_up_digits(mut self, per_million: u32) -> Self {
        self.made_up_digits = per_million;
        self
    }

    /// No anomalies at all.
    pub const NONE: AnomalyRates = AnomalyRates {
        rule_violation: 0,
        over_turnout: 0,
        duplicate: 0,
        conflict: 0,
        rounded_turnout: 0,
        rounded_share: 0,
        stuffing: 0,
        made_up_digits: 0,
    };
}

/// What to generate.
///
/// Invariant (checked by the generators): 2 to 40 candidates, 1 to 16 lines per candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SynthConfig {
    /// Distinct tables (each with one sheet, plus a second reading for duplicates and conflicts).
    pub sheets: usize,
    /// Candidates.
    pub candidates: usize,
    /// Ballot lines per candidate; 1 means one line per candidate, coded as the candidate.
    pub lines_per_candidate: usize,
    /// The seed: the same seed gives the same data.
    pub seed: u64,
    /// Anomaly rates.
    pub anomalies: AnomalyRates,
}

impl SynthConfig {
    /// With `sheets` distinct tables.
    #[must_use]
    pub fn with_sheets(mut self, sheets: usize) -> Self {
        self.sheets = sheets;
        self
    }

    /// With `candidates` candidates (2 to 40).
    #[must_use]
    pub fn with_candidates(mut self, candidates: usize) -> Self {
        self.candidates = candidates;
        self
    }

    /// With `lines` ballot lines per candidate.
    #[must_use]
    pub fn with_lines_per_candidate(mut self, lines: usize) -> Self {
        self.lines_per_candidate = lines;
        self
    }

    /// With another seed.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// With these anomaly rates.
    #[must_use]
    pub fn with_anomalies(mut self, anomalies: AnomalyRates) -> Self {
        self.anomalies = anomalies;
        self
    }
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            sheets: 10_000,
            candidates: 10,
            lines_per_candidate: 1,
            seed: 2024,
            anomalies: AnomalyRates::default(),
        }
    }
}

/// The table ids of every injected anomaly, in the order generated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Injected {
    /// Tables whose sheet breaks `valid == sum(candidates)`.
    pub rule_violations: Vec<String>,
    /// Tables whose sheet has more voters than electors.
    pub over_turnout: Vec<String>,
    /// Tables read twice identically.
    pub duplicates: Vec<String>,
    /// Tables read twice with different numbers.
    pub conflicts: Vec<String>,
    /// Tables whose turnout was set on an integer percentage.
    pub rounded_turnout: Vec<String>,
    /// Tables whose first candidate's share was set on an integer percentage.
    pub rounded_share: Vec<String>,
    /// Tables stuffed for the first candidate.
    pub stuffing: Vec<String>,
    /// Tables whose vote counts were made up.
    pub made_up_digits: Vec<String>,
}

/// `SplitMix64`: a 64-bit state, one addition and a mix per output.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }

    /// True with probability `ppm` per million.
    fn chance(&mut self, ppm: u32) -> bool {
        self.next() % 1_000_000 < u64::from(ppm)
    }

    /// As [`SplitMix64::chance`], without a draw when `ppm` is 0: anomalies added later must
    /// not change the data of configurations without them.
    fn maybe(&mut self, ppm: u32) -> bool {
        ppm > 0 && self.chance(ppm)
    }

    /// Uniform in [0, 1) with 53 bits.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const FAN_OUT: usize = 10;

/// One generated row, in reusable buffers.
#[derive(Debug, Default, Clone)]
struct Row {
    /// Codes of region, province, district, centre.
    codes: [String; 4],
    table: String,
    electors: u32,
    voters: u32,
    valid: u32,
    null: u32,
    blank: u32,
    /// Votes per line.
    votes: Vec<u32>,
}

/// Which reading a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    First,
    Second,
}

/// The generator: a row at a time, so that CSV of any size streams.
struct Generator {
    cfg: SynthConfig,
    rng: SplitMix64,
    /// Per region: turnout (per mille) and candidate weights.
    regions: Vec<(u32, Vec<f64>)>,
    table: usize,
    centre: usize,
    tables_left_in_centre: usize,
    table_in_centre: usize,
    /// A second reading to emit next, if any.
    pending: Option<Row>,
    injected: Injected,
    weights: Vec<f64>,
}

impl Generator {
    fn new(cfg: SynthConfig) -> Result<Self> {
        if !(2..=40).contains(&cfg.candidates) {
            return Err(Error::invalid(
                "synthetic candidates",
                cfg.candidates.to_string(),
                "must be 2 to 40",
            ));
        }
        if !(1..=16).contains(&cfg.lines_per_candidate) {
            return Err(Error::invalid(
                "synthetic lines per candidate",
                cfg.lines_per_candidate.to_string(),
                "must be 1 to 16",
            ));
        }
        Ok(Generator {
            cfg,
            rng: SplitMix64(cfg.seed),
            regions: Vec::new(),
            table: 0,
            centre: 0,
            tables_left_in_centre: 0,
            table_in_centre: 0,
            pending: None,
            injected: Injected::default(),
            weights: vec![0.0; cfg.candidates],
        })
    }

    fn region(&mut self, r: usize) -> (u32, &[f64]) {
        while self.regions.len() <= r {
            let turnout = self.rng.range(500, 850);
            // A region's preference: a popularity that falls with the candidate's rank, times
            // a regional factor.
            let w: Vec<f64> = (0..self.cfg.candidates)
                .map(|c| {
                    // (1 + c)^1.5 as b·√b: `powf` is not correctly rounded on every
                    // platform, `*` and `sqrt` are (IEEE 754), so the data are the same everywhere.
                    let b = 1.0 + c as f64;
                    (0.3 + self.rng.unit()) / (b * b.sqrt())
                })
                .collect();
            self.regions.push((turnout, w));
        }
        let (t, w) = &self.regions[r];
        (*t, w)
    }

    /// Fills `row` with the next row; `None` at the end.
    fn next(&mut self, row: &mut Row) -> Option<Reading> {
        if let Some(p) = self.pending.take() {
            *row = p;
            return Some(Reading::Second);
        }
        if self.table >= self.cfg.sheets {
            return None;
        }
        if self.tables_left_in_centre == 0 {
            self.centre += usize::from(self.table > 0);
            self.tables_left_in_centre = self.rng.range(1, 8) as usize;
            self.table_in_centre = 0;
        }
        self.tables_left_in_centre -= 1;
        self.table_in_centre += 1;
        self.table += 1;

        let c = self.centre;
        let (district, province) = (c / FAN_OUT, c / FAN_OUT / FAN_OUT);
        let region = province / FAN_OUT;
        for (slot, code) in row.codes.iter_mut().zip([region, province, district, c]) {
            slot.clear();
            let _ = write!(SliceWriter(slot), "{code:06}");
        }
        row.table.clear();
        row.table.push_str(&row.codes[3]);
        let _ = write!(SliceWriter(&mut row.table), "-{:02}", self.table_in_centre);

        let (turnout, weights) = self.region(region);
        let weights = weights.to_vec();
        let electors = self.rng.range(200, 1500);
        let t = (turnout + self.rng.range(0, 100))
            .saturating_sub(50)
            .min(990);
        let voters = electors * t / 1000;
        let null = voters * self.rng.range(0, 30) / 1000;
        let blank = voters * self.rng.range(0, 20) / 1000;
        let valid = voters - null - blank;
        (row.electors, row.voters, row.valid, row.null, row.blank) =
            (electors, voters, valid, null, blank);
        self.share(row, valid, &weights);

        let id = row.table.clone();
        if self.rng.chance(self.cfg.anomalies.over_turnout) {
            let extra = self.rng.range(1, 50);
            row.voters = row.electors + extra;
            row.valid = row.voters - row.null - row.blank;
            let valid = row.valid;
            self.share(row, valid, &weights);
            self.injected.over_turnout.push(id.clone());
        } else {
            self.signatures(row, &weights, &id);
        }
        if self.rng.chance(self.cfg.anomalies.rule_violation) {
            let line = self.rng.range(0, row.votes.len() as u32 - 1) as usize;
            row.votes[line] += self.rng.range(1, 20);
            self.injected.rule_violations.push(id.clone());
        }
        if self.rng.chance(self.cfg.anomalies.duplicate) {
            self.pending = Some(row.clone());
            self.injected.duplicates.push(id);
        } else if self.rng.chance(self.cfg.anomalies.conflict) {
            // The second reading takes 1 to 30 votes from the line with the most, and its own
            // valid and voters follow, so that only the comparison of readings can find it.
            let mut second = row.clone();
            let line = (0..second.votes.len())
                .max_by_key(|&l| second.votes[l])
                .unwrap_or(0);
            let moved = self
                .rng
                .range(1, 30)
                .min(second.votes[line])
                .min(second.valid);
            second.votes[line] -= moved;
            second.valid -= moved;
            second.voters -= moved;
            if moved == 0 {
                // A table without valid votes: the second reading records one null vote instead.
                second.null += 1;
                second.voters += 1;
            }
            self.pending = Some(second);
            self.injected.conflicts.push(id);
        }
        Some(Reading::First)
    }

    /// The forensic signatures, each at its rate, at most one per table (the first drawn, in
    /// the order below, so that none undoes another); every sheet still satisfies the rules.
    fn signatures(&mut self, row: &mut Row, weights: &[f64], id: &str) {
        let rates = self.cfg.anomalies;
        if self.rng.maybe(rates.stuffing) {
            // Klimek et al.'s extreme fraud: ballots added for the first candidate up to 95 to
            // 100% turnout, and 50 to 90% of the other candidates' votes moved to it.
            let target = row.electors * self.rng.range(950, 1000) / 1000;
            let added = target.saturating_sub(row.voters);
            let share = self.rng.range(50, 90);
            let lpc = self.cfg.lines_per_candidate;
            let mut moved = 0;
            for v in &mut row.votes[lpc..] {
                let m = *v * share / 100;
                *v -= m;
                moved += m;
            }
            row.votes[0] += added + moved;
            row.voters += added;
            row.valid += added;
            self.injected.stuffing.push(id.to_owned());
        } else if self.rng.maybe(rates.rounded_turnout) {
            if let Some(v) = on_integer(row.voters, row.electors) {
                if v >= row.null + row.blank {
                    row.voters = v;
                    row.valid = v - row.null - row.blank;
                    let valid = row.valid;
                    self.share(row, valid, weights);
                    self.injected.rounded_turnout.push(id.to_owned());
                }
            }
        } else if self.rng.maybe(rates.rounded_share) {
            let lpc = self.cfg.lines_per_candidate;
            let first: u32 = row.votes[..lpc].iter().sum();
            // The other line with the most votes gives or takes the difference.
            let other = (lpc..row.votes.len()).max_by_key(|&l| row.votes[l]);
            if let (Some(a), Some(o)) = (on_integer(first, row.voters), other) {
                let (from, to, d) = if a >= first {
                    (o, 0, a - first)
                } else {
                    (0, o, first - a)
                };
                if row.votes[from] >= d {
                    row.votes[from] -= d;
                    row.votes[to] += d;
                    self.injected.rounded_share.push(id.to_owned());
                }
            }
        } else if self.rng.maybe(rates.made_up_digits) {
            let mut taken = 0;
            for v in &mut row.votes {
                taken += *v % 5;
                *v -= *v % 5;
            }
            row.valid -= taken;
            row.voters -= taken;
            self.injected.made_up_digits.push(id.to_owned());
        }
    }

    /// Shares `valid` among the lines by `weights` with noise; the shares add up to `valid`.
    fn share(&mut self, row: &mut Row, valid: u32, weights: &[f64]) {
        let k = self.cfg.candidates;
        for (w, base) in self.weights.iter_mut().zip(weights) {
            *w = base * (0.8 + 0.4 * self.rng.unit());
        }
        let total: f64 = self.weights.iter().sum();
        let lpc = self.cfg.lines_per_candidate;
        row.votes.clear();
        row.votes.resize(k * lpc, 0);
        let mut given = 0u32;
        for c in 0..k {
            let v = ((f64::from(valid) * self.weights[c] / total) as u32).min(valid - given);
            given += v;
            // Split the candidate's votes over its lines, the first line taking the most.
            let mut left = v;
            for l in 0..lpc {
                let part = if l + 1 == lpc { left } else { left / 2 };
                row.votes[c * lpc + l] = part;
                left -= part;
            }
        }
        // Rounding leftovers go to the first line.
        row.votes[0] += valid - given;
    }
}

/// A count near `k` whose share of `n` lies within 0.05 point of an integer percentage, the
/// nearest integer tried first, then up to 5 points either side; `None` if none does.
fn on_integer(k: u32, n: u32) -> Option<u32> {
    if n == 0 {
        return None;
    }
    let (k, n) = (u64::from(k), u64::from(n));
    let m0 = (200 * k + n) / (2 * n);
    for delta in [0i64, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5] {
        let Some(m) = m0.checked_add_signed(delta).filter(|&m| m <= 100) else {
            continue;
        };
        // The count nearest m% of n, and whether it is within 0.05 point:
        // |100 v − m n| ≤ n / 20.
        let v = (2 * m * n + 100) / 200;
        if 20 * (100 * v).abs_diff(m * n) <= n {
            return u32::try_from(v).ok();
        }
    }
    None
}

/// `write!` into a `String` through `std::io::Write`, so that `{:06}` formats without a
/// temporary allocation.
struct SliceWriter<'a>(&'a mut String);

impl Write for SliceWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .push_str(std::str::from_utf8(buf).map_err(std::io::Error::other)?);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The layout of the CSV that [`write_csv`] writes for `config`.
///
/// Columns: `region, region_name, province, district, centre, table, electors, voters, valid,
/// null, blank`, then one column per ballot line (`C01` ... or `C01_1` ... with several lines per
/// candidate). The key is `table` (the centre code and the table number).
///
/// # Example
///
/// ```
/// use actas::io::read_csv;
/// use actas::synth::{generate, layout, write_csv, SynthConfig};
///
/// let config = SynthConfig::default().with_sheets(500);
/// let mut csv = Vec::new();
/// write_csv(&config, &mut csv)?;
/// // The file reads back as the set `generate` builds in memory.
/// assert_eq!(read_csv(&csv[..], &layout(&config))?.set, generate(&config)?.0);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn layout(config: &SynthConfig) -> Layout {
    let lpc = config.lines_per_candidate;
    let candidates: Vec<CandidateColumn> = (1..=config.candidates)
        .map(|c| CandidateColumn {
            code: format!("C{c:02}"),
            name: format!("Candidate {c}"),
            column: (lpc == 1).then(|| format!("C{c:02}")),
        })
        .collect();
    let mut layout = Layout::new("synthetic national election", "table");
    layout.candidates = candidates;
    if lpc > 1 {
        layout.lines = (1..=config.candidates)
            .flat_map(|c| {
                (1..=lpc).map(move |l| LineColumn {
                    code: format!("C{c:02}_{l}"),
                    name: None,
                    candidate: format!("C{c:02}"),
                    column: format!("C{c:02}_{l}"),
                })
            })
            .collect();
    }
    layout.source = Some(format!("synthetic, seed {}", config.seed));
    layout.geography = vec![
        GeoLevel {
            level: "region".into(),
            code: "region".into(),
            name: Some("region_name".into()),
            pad: None,
            optional: false,
        },
        GeoLevel {
            level: "province".into(),
            code: "province".into(),
            name: None,
            pad: None,
            optional: false,
        },
        GeoLevel {
            level: "district".into(),
            code: "district".into(),
            name: None,
            pad: None,
            optional: false,
        },
        GeoLevel {
            level: "centre".into(),
            code: "centre".into(),
            name: None,
            pad: None,
            optional: false,
        },
    ];
    layout.fields = Fields::named_as_fields();
    layout
}

/// Writes the configured election as CSV, streaming, and returns what was injected.
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for a configuration outside its invariant; [`ErrorKind::Io`](crate::ErrorKind::Io) when writing
/// fails.
pub fn write_csv<W: Write>(config: &SynthConfig, writer: W) -> Result<Injected> {
    let mut generator = Generator::new(*config)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, writer);
    let io = |e| Error::io(e, None);
    let lay = layout(config);
    let mut header = String::from(
        "region,region_name,province,district,centre,table,electors,voters,valid,null,blank",
    );
    for (_, c) in lay.line_columns() {
        header.push(',');
        header.push_str(c);
    }
    writeln!(w, "{header}").map_err(io)?;
    let mut row = Row::default();
    let mut line = Vec::with_capacity(512);
    let mut num = itoa_buf();
    while generator.next(&mut row).is_some() {
        line.clear();
        let [region, province, district, centre] = &row.codes;
        for part in [
            region.as_str(),
            ",Region ",
            region.as_str(),
            ",",
            province,
            ",",
            district,
            ",",
            centre,
            ",",
            &row.table,
        ] {
            line.extend_from_slice(part.as_bytes());
        }
        for v in [row.electors, row.voters, row.valid, row.null, row.blank]
            .into_iter()
            .chain(row.votes.iter().copied())
        {
            line.push(b',');
            line.extend_from_slice(format_u32(&mut num, v));
        }
        line.push(b'\n');
        w.write_all(&line).map_err(io)?;
    }
    w.flush().map_err(io)?;
    Ok(generator.injected)
}

fn itoa_buf() -> [u8; 10] {
    [0; 10]
}

/// Formats `v` in decimal into `buf`, returning the digits.
fn format_u32(buf: &mut [u8; 10], mut v: u32) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Generates the configured election as a set of sheets, with what was injected.
///
/// Gives the same sheets, in the same order, as reading what [`write_csv`] writes through
/// [`layout`].
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for a configuration outside its invariant.
pub fn generate(config: &SynthConfig) -> Result<(ActaSet, Injected)> {
    let mut generator = Generator::new(*config)?;
    let lay = layout(config);
    let mut set = ActaSet::new(lay.contest()?, lay.geography()?)
        .with_source(lay.source.clone().unwrap_or_default());
    set.reserve(config.sheets + config.sheets / 100);
    let mut row = Row::default();
    let mut votes: Vec<Option<u32>> = Vec::new();
    let mut name = String::new();
    while generator.next(&mut row).is_some() {
        let geo = set.geography_mut();
        name.clear();
        name.push_str("Region ");
        name.push_str(&row.codes[0]);
        let mut path: Option<GeoPath> = None;
        for (level, code) in row.codes.iter().enumerate() {
            let n = (level == 0).then_some(name.as_str());
            path = Some(geo.intern(path, code, n)?);
        }
        votes.clear();
        votes.extend(row.votes.iter().map(|v| Some(*v)));
        set.push_raw_deferred(&RawSheet {
            id: &row.table,
            geo: path,
            standard: [
                Some(row.electors),
                Some(row.voters),
                Some(row.valid),
                Some(row.null),
                Some(row.blank),
            ],
            votes: &votes,
            extra: &[],
            image: None,
        })?;
    }
    set.index_pending();
    Ok((set, generator.injected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // The first outputs for seed 0, as published with the algorithm.
        let mut r = SplitMix64(0);
        assert_eq!(r.next(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn formats_numbers() {
        let mut b = itoa_buf();
        assert_eq!(format_u32(&mut b, 0), b"0");
        assert_eq!(format_u32(&mut b, 4_294_967_295), b"4294967295");
    }

    #[test]
    fn refuses_bad_configurations() {
        for cfg in [
            SynthConfig {
                candidates: 1,
                ..SynthConfig::default()
            },
            SynthConfig {
                candidates: 41,
                ..SynthConfig::default()
            },
            SynthConfig {
                lines_per_candidate: 0,
                ..SynthConfig::default()
            },
        ] {
            assert!(generate(&cfg).is_err());
        }
    }
}
