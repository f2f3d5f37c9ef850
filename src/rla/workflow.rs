//! The batch-comparison audit of tally sheets, step by step: plan, draw, record, evaluate.
//!
//! The authority's per-table results are the *reported* side: an [`ActaSet`] read through a
//! layout like any other. The paper sheets of the tables the public draw picks are the *audited*
//! side: another `ActaSet`, read through the same layout (photographs transcribed, sheets pulled
//! from the archive). Every step is a pure function of its inputs, and the state between rounds
//! ([`BatchAudit`]) is data that serialises, so an audit can span days.

use std::collections::HashMap;
use std::fmt;

use super::batch::{BatchDraw, BatchRisk, macro_risk, macro_sample_size, ppeb_draws};
use super::{ReportedResult, check_risk_limit};
use crate::error::{Error, Result};
use crate::model::column::{Raw, with_raw};
use crate::model::{ActaSet, Field};
use crate::report::{Code, Finding, Subject, Value};

/// What a table's error bound counts as its ballots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum BoundBasis {
    /// The voters (ballots cast) the report gives for the table, as Arlo uses the ballots of a
    /// batch. A sheet that shows more ballots than reported breaks the bound; the audit says so
    /// (finding `L007`) and its risk cannot fall below the limit through that table.
    #[default]
    Voters,
    /// The table's electors: a bound that holds even if the paper shows more ballots than were
    /// reported, at the price of larger samples.
    Electors,
}

impl BoundBasis {
    fn field(self) -> Field {
        match self {
            BoundBasis::Voters => Field::Voters,
            BoundBasis::Electors => Field::Electors,
        }
    }

    fn name(self) -> &'static str {
        match self {
            BoundBasis::Voters => "voters",
            BoundBasis::Electors => "electors",
        }
    }
}

/// The settings of a batch-comparison audit.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BatchAuditOptions {
    /// The risk limit, in (0, 1).
    pub risk_limit: f64,
    /// How many candidates win (1 by default).
    pub seats: usize,
    /// What a table's error bound counts as its ballots.
    pub basis: BoundBasis,
    /// How the pass over the tables runs (on every core by default); the results are the same.
    #[cfg_attr(feature = "serde", serde(default))]
    pub execution: crate::Execution,
}

impl BatchAuditOptions {
    /// A risk limit of `risk_limit`, one winner, bounds from the reported voters.
    pub fn new(risk_limit: f64) -> Self {
        BatchAuditOptions {
            risk_limit,
            seats: 1,
            basis: BoundBasis::Voters,
            execution: crate::Execution::Parallel,
        }
    }

    /// With the pass over the tables run as `execution` says.
    #[must_use]
    pub fn with_execution(mut self, execution: crate::Execution) -> Self {
        self.execution = execution;
        self
    }

    /// With `seats` winners.
    #[must_use]
    pub fn with_seats(mut self, seats: usize) -> Self {
        self.seats = seats;
        self
    }

    /// With bounds from `basis`.
    #[must_use]
    pub fn with_basis(mut self, basis: BoundBasis) -> Self {
        self.basis = basis;
        self
    }
}

/// The reported side: the outcome over the tables (first readings), `U`, and each table's votes
/// and bound read from the set's columns when needed.
struct Reported<'a> {
    set: &'a ActaSet,
    result: ReportedResult,
    tables: usize,
    /// Per candidate, the raw columns of its ballot lines (0 where absent; no line is absent on
    /// a first reading, checked when read).
    lines: Vec<Vec<Raw<'a>>>,
    basis: Raw<'a>,
    /// `(winner, loser, margin)` of every pair, and `1 / margin` for a first comparison.
    pairs: Vec<(usize, usize, u64)>,
    inverse: Vec<f64>,
    /// U, summed exactly per pair.
    total_bound: f64,
}

/// Rows per piece of the parallel pass over the tables.
pub(crate) const PIECE: usize = 1 << 12;

impl<'a> Reported<'a> {
    fn read(set: &'a ActaSet, options: &BatchAuditOptions) -> Result<Reported<'a>> {
        check_risk_limit(options.risk_limit)?;
        let contest = set.contest();
        let n_cand = contest.candidates().len();
        let absent = |field: Field, what: String| -> Result<Raw<'a>> {
            let Some(col) = set.column(field) else {
                return Err(Error::invalid(
                    "reported sheets",
                    what.clone(),
                    format!(
                        "the report has no {what} column: a comparison needs it on every table"
                    ),
                ));
            };
            if col.has_absent() {
                if let Some(i) = col.absent_positions().find(|&i| !set.is_repeat(i)) {
                    return Err(Error::invalid(
                        "reported sheet",
                        format!("table {}", set.table_id(i).unwrap_or("")),
                        format!(
                            "the report gives no {what} count: a comparison needs every reported count; complete the report, or leave the table out and say so"
                        ),
                    ));
                }
            }
            Ok(col.raw())
        };
        let mut lines = Vec::with_capacity(n_cand);
        for c in 0..n_cand {
            let mut cols = Vec::new();
            for l in contest.lines_of(c) {
                cols.push(absent(
                    Field::Line(l),
                    format!(
                        "ballot line {} (of {})",
                        contest.lines()[l].code(),
                        contest.candidates()[c].code
                    ),
                )?);
            }
            lines.push(cols);
        }
        let basis = absent(options.basis.field(), options.basis.name().to_owned())?;
        let tables = set.tables();
        if tables == 0 {
            return Err(Error::invalid(
                "reported sheets",
                "none",
                "a batch comparison needs the reported results of at least one table",
            ));
        }
        // Totals over every sheet, less the repeated readings (u64: at most 2^32 sheets of
        // counts below 2^32).
        let total = |col: &Raw<'_>| -> u64 {
            let all: u64 = col.sum();
            let repeated: u64 = set
                .repeats()
                .iter()
                .map(|r| u64::from(col.at(r.sheet)))
                .sum();
            all - repeated
        };
        let mut totals = Vec::with_capacity(n_cand);
        for cols in &lines {
            let mut t = 0u64;
            for col in cols {
                t = t
                    .checked_add(total(col))
                    .ok_or_else(|| Error::overflow("candidate total"))?;
            }
            totals.push(t);
        }
        let ballots = total(&basis);
        let result = ReportedResult::new(
            contest
                .candidates()
                .iter()
                .map(|c| c.code.clone())
                .zip(totals),
            ballots.max(1),
            options.seats,
        )?;
        let pairs: Vec<(usize, usize, u64)> = result
            .pairs()
            .map(|(w, l)| (w, l, result.margin(w, l)))
            .collect();
        let inverse = pairs.iter().map(|&(_, _, m)| 1.0 / m as f64).collect();
        let mut reported = Reported {
            set,
            result,
            tables,
            lines,
            basis,
            pairs,
            inverse,
            total_bound: 0.0,
        };
        reported.total_bound = reported.sum_bounds(options.execution);
        Ok(reported)
    }

    /// The candidate votes of sheet `i`.
    fn votes(&self, i: usize) -> Vec<u64> {
        self.lines
            .iter()
            .map(|cols| cols.iter().map(|col| u64::from(col.at(i))).sum())
            .collect()
    }

    /// The bound ballots of sheet `i`.
    fn ballots(&self, i: usize) -> u64 {
        u64::from(self.basis.at(i))
    }

    /// The pair whose bound is largest for sheet `i` with these votes, and the bound's
    /// numerator `(v_w - v_l) + b`; `None` when a pair is tied.
    fn bound_pair(&self, votes: &[u64], ballots: u64) -> Option<(usize, u64)> {
        let mut best: Option<(usize, u64, f64)> = None;
        for (k, &(w, l, margin)) in self.pairs.iter().enumerate() {
            if margin == 0 {
                return None;
            }
            // At most 2^34: three counts below 2^32.
            let num = (votes[w] + ballots).saturating_sub(votes[l]);
            let ratio = num as f64 * self.inverse[k];
            let better = match best {
                None => true,
                Some((j, n, r)) => {
                    if (ratio - r).abs() > 1e-9 * r.max(ratio) {
                        ratio > r
                    } else {
                        // Close: compare num / margin exactly.
                        u128::from(num) * u128::from(self.pairs[j].2)
                            > u128::from(n) * u128::from(margin)
                    }
                }
            };
            if better {
                best = Some((k, num, ratio));
            }
        }
        best.map(|(k, n, _)| (k, n))
    }

    /// `U = Σ u_p`: the bound numerators summed exactly in integers per pair (in pieces, in
    /// parallel when asked: integer sums do not depend on the order), divided once per pair.
    ///
    /// Each table's largest pair is found a pair at a time over a piece of rows (loops the
    /// compiler vectorises), by `f64` ratios; pairs within a relative 1e-9 of the largest are
    /// then compared exactly, so the pair chosen (and `U`) is exact.
    fn sum_bounds(&self, execution: crate::Execution) -> f64 {
        let set = self.set;
        let pieces = set.len().div_ceil(PIECE);
        let k = self.pairs.len();
        if self.pairs.iter().any(|p| p.2 == 0) {
            return f64::INFINITY;
        }
        let sums: Vec<Vec<u128>> = crate::par::map(execution, pieces, |p| {
            let start = p * PIECE;
            let end = ((p + 1) * PIECE).min(set.len());
            let n = end - start;
            // The candidates' votes and the bound ballots of the piece, as f64: exact, since
            // every value is an integer below 2^36.
            let votes: Vec<Vec<f64>> = self
                .lines
                .iter()
                .map(|cols| {
                    let mut v = vec![0.0f64; n];
                    for col in cols {
                        with_raw!(col.slice(start..end), |col| {
                            for (x, &c) in v.iter_mut().zip(col) {
                                *x += f64::from(c);
                            }
                        });
                    }
                    v
                })
                .collect();
            let mut ballots = vec![0.0f64; n];
            self.basis.slice(start..end).copy_to(&mut ballots);
            // The largest ratio per row, the pair giving it, and the second largest (branch-free
            // updates, which the compiler vectorises).
            let mut best = vec![f64::NEG_INFINITY; n];
            let mut second = vec![f64::NEG_INFINITY; n];
            let mut best_k = vec![0u32; n];
            for (kk, &(w, l, _)) in self.pairs.iter().enumerate() {
                let inv = self.inverse[kk];
                let kk = kk as u32;
                let rows = best
                    .iter_mut()
                    .zip(second.iter_mut())
                    .zip(best_k.iter_mut())
                    .zip(votes[w].iter().zip(&votes[l]).zip(&ballots));
                for (((b, s), bk), ((&vw, &vl), &bb)) in rows {
                    // Never negative when the table's counts fit its ballots; 0 otherwise.
                    let d = vw + bb - vl;
                    let r = if d > 0.0 { d * inv } else { 0.0 };
                    let gt = r > *b;
                    *s = if gt {
                        *b
                    } else if r > *s {
                        r
                    } else {
                        *s
                    };
                    *b = if gt { r } else { *b };
                    *bk = if gt { kk } else { *bk };
                }
            }
            let num = |k: usize, i: usize| -> u64 {
                let (w, l, _) = self.pairs[k];
                (votes[w][i] + ballots[i] - votes[l][i]).max(0.0) as u64
            };
            let mut sums = vec![0u128; k];
            let any_repeat = !set.repeats().is_empty();
            for i in 0..n {
                if any_repeat && set.is_repeat(start + i) {
                    continue;
                }
                let mut j = best_k[i] as usize;
                if second[i] >= best[i] * (1.0 - 1e-9) && k > 1 {
                    // A near tie between pairs: settle it exactly, the first of equals winning.
                    j = 0;
                    for kk in 1..k {
                        let lhs = u128::from(num(kk, i)) * u128::from(self.pairs[j].2);
                        let rhs = u128::from(num(j, i)) * u128::from(self.pairs[kk].2);
                        if lhs > rhs {
                            j = kk;
                        }
                    }
                }
                sums[j] += u128::from(num(j, i));
            }
            sums
        });
        let mut total = vec![0u128; k];
        for piece in sums {
            for (t, s) in total.iter_mut().zip(piece) {
                *t = t.saturating_add(s);
            }
        }
        total
            .iter()
            .zip(&self.pairs)
            .map(|(&s, &(_, _, m))| s as f64 / m as f64)
            .sum()
    }

    /// The error bound `u_p` of sheet `i`.
    fn bound(&self, i: usize) -> f64 {
        self.bound_pair(&self.votes(i), self.ballots(i))
            .map_or(f64::INFINITY, |(k, num)| {
                num as f64 / self.pairs[k].2 as f64
            })
    }

    /// The first readings' sheet indices, in the set's order.
    fn first_readings(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.set.len()).filter(|&i| !self.set.is_repeat(i))
    }
}

/// The state of a batch-comparison audit between rounds: its settings, the reported result it
/// audits, the seed and the tables drawn so far. It serialises, so an audit can be stopped and
/// taken up again; every step checks that it is given the same reported sheets.
///
/// # Example
///
/// ```
/// use actas::rla::{BatchAudit, BatchAuditOptions, Status};
/// use actas::io::{read_csv, Layout};
///
/// let layout = Layout::new("mayor", "table")
///     .with_voters("voters")
///     .with_candidate("A", "Ana", "A")
///     .with_candidate("B", "Bo", "B");
/// let mut csv = String::from("table,voters,A,B\n");
/// for t in 1..=200 {
///     csv.push_str(&format!("{t},300,180,110\n"));
/// }
/// let reported = read_csv(csv.as_bytes(), &layout)?.set;
///
/// let audit = BatchAudit::plan(&reported, BatchAuditOptions::new(0.05))?;
/// let size = audit.first_round();
/// let (audit, draws) = audit.draw(&reported, "46 21 87 03 55", size)?;
/// assert_eq!(draws.len() as u64, size);
///
/// // The paper sheets of the drawn tables, transcribed: here they match the report.
/// let mut paper = String::from("table,voters,A,B\n");
/// for d in &draws {
///     paper.push_str(&format!("{},300,180,110\n", d.table));
/// }
/// let audited = read_csv(paper.as_bytes(), &layout)?.set;
/// let evaluation = audit.evaluate(&reported, &audited, &[])?;
/// assert_eq!(evaluation.status, Status::Confirmed);
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BatchAudit {
    options: BatchAuditOptions,
    result: ReportedResult,
    tables: u64,
    #[cfg_attr(feature = "serde", serde(with = "super::maybe_infinite"))]
    total_bound: f64,
    seed: Option<String>,
    draws: Vec<String>,
}

/// One draw of the sample.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Draw {
    /// The draw's number, from 1 over the whole audit (the `i` of the hash `seed,i`).
    pub number: u64,
    /// The table drawn.
    pub table: String,
    /// How many times the table has been drawn, this draw included (draws are with
    /// replacement: a table drawn twice counts twice in the risk, and its sheet is read once).
    pub times: u32,
}

impl BatchAudit {
    /// Plans a batch-comparison audit of the `reported` per-table results: the reported outcome
    /// (totals over the tables, first readings), each table's error bound and their sum `U`.
    ///
    /// # Errors
    ///
    /// A risk limit outside (0, 1), no table, a table without a reported count for a ballot line
    /// or for the bound's basis, or a result [`ReportedResult::new`] refuses (no loser, ...).
    pub fn plan(reported: &ActaSet, options: BatchAuditOptions) -> Result<BatchAudit> {
        let r = Reported::read(reported, &options)?;
        Ok(BatchAudit {
            options,
            result: r.result,
            tables: r.tables as u64,
            total_bound: r.total_bound,
            seed: None,
            draws: Vec::new(),
        })
    }

    /// The settings.
    pub fn options(&self) -> &BatchAuditOptions {
        &self.options
    }

    /// The reported outcome audited (candidates by code, totals over the tables).
    pub fn result(&self) -> &ReportedResult {
        &self.result
    }

    /// The number of tables reported.
    pub fn tables(&self) -> u64 {
        self.tables
    }

    /// `U`, the sum of the tables' error bounds (`f64`; infinite for a tied outcome).
    pub fn total_bound(&self) -> f64 {
        self.total_bound
    }

    /// The public seed, once the first draw has used it.
    pub fn seed(&self) -> Option<&str> {
        self.seed.as_deref()
    }

    /// The tables drawn so far, in the order drawn (with repeats).
    pub fn draws(&self) -> &[String] {
        &self.draws
    }

    fn check_same(&self, r: &Reported<'_>) -> Result<()> {
        // U is recomputed the same way from the same sheets, so it is equal to the bit; a state
        // edited by hand (or planned on other sheets) is refused.
        if r.result != self.result
            || r.tables as u64 != self.tables
            || r.total_bound.to_bits() != self.total_bound.to_bits()
        {
            return Err(Error::new(crate::error::ErrorKind::Mismatch {
                message: format!(
                    "the reported sheets are not the ones this audit was planned on ({} tables, {} ballots; the plan has {} tables, {} ballots): give the same reported file",
                    r.tables,
                    r.result.ballots(),
                    self.tables,
                    self.result.ballots()
                ),
            }));
        }
        Ok(())
    }

    /// The first round's size: how many draws confirm the outcome if every sheet drawn matches
    /// its report (MACRO's size with no risk measured yet). Later rounds' sizes are in
    /// [`Evaluation::status`]. Every table when the outcome is tied.
    pub fn first_round(&self) -> u64 {
        // The risk limit was checked by `plan`; a state edited by hand is refused at the next
        // step that reads the sheets.
        macro_sample_size(self.options.risk_limit, self.total_bound, 1.0, self.tables)
            .unwrap_or(self.tables)
    }
    /// Draws `count` more tables from the public `seed`, with probability proportional to their
    /// error bounds ([`ppeb_sample`](super::ppeb_sample)'s rule, over the tables sorted by id as
    /// bytes, so that the order of the file does not matter). Draw numbers continue from the
    /// previous rounds. Returns the new state and the draws.
    ///
    /// # Errors
    ///
    /// A seed other than the one of earlier rounds, more draws than tables, sheets other than
    /// those planned on, or a tied outcome (every table must be counted; nothing to draw).
    pub fn draw(
        &self,
        reported: &ActaSet,
        seed: &str,
        count: u64,
    ) -> Result<(BatchAudit, Vec<Draw>)> {
        if let Some(s) = &self.seed {
            if s != seed {
                return Err(Error::invalid(
                    "seed",
                    seed.to_owned(),
                    format!("this audit draws from the seed {s:?}: a round cannot change it"),
                ));
            }
        }
        if count > self.tables {
            return Err(Error::invalid(
                "draw",
                count.to_string(),
                format!(
                    "a round draws at most as many tables as there are ({}): past that, count every table",
                    self.tables
                ),
            ));
        }
        let r = Reported::read(reported, &self.options)?;
        self.check_same(&r)?;
        let mut order: Vec<(&str, usize)> = r
            .first_readings()
            .map(|i| (reported.table_id(i).unwrap_or(""), i))
            .collect();
        order.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let bounds: Vec<f64> = order.iter().map(|&(_, i)| r.bound(i)).collect();
        if bounds.iter().any(|b| !b.is_finite()) {
            return Err(Error::invalid(
                "draw",
                "a tied outcome",
                "a tie can only be confirmed by counting every table: there is nothing to draw",
            ));
        }
        let start = self.draws.len() as u64 + 1;
        let picks = ppeb_draws(seed, &bounds, start, count)?;
        let mut next = self.clone();
        next.seed = Some(seed.to_owned());
        let mut times: HashMap<String, u32> = HashMap::new();
        for t in &self.draws {
            *times.entry(t.clone()).or_default() += 1;
        }
        let mut draws = Vec::with_capacity(picks.len());
        for (k, p) in picks.into_iter().enumerate() {
            let table = order[p].0.to_owned();
            let n = times.entry(table.clone()).or_default();
            *n += 1;
            draws.push(Draw {
                number: start + k as u64,
                table: table.clone(),
                times: *n,
            });
            next.draws.push(table);
        }
        Ok((next, draws))
    }

    /// Measures the risk from the sheets read so far: `audited` holds the paper sheets of drawn
    /// tables (read through the same layout; extra tables are used only for a full count);
    /// `lost` names drawn tables whose sheet cannot be found (each counts as wrong as it can be).
    ///
    /// When `audited` holds every reported table, the audit is a full count: the outcome is the
    /// paper's, and a different one is reported (finding `L008`). Otherwise the risk is MACRO's
    /// over the draws in order, up to the first draw whose sheet is neither read nor lost.
    ///
    /// # Errors
    ///
    /// Sheets other than those planned on, an audited set of another contest, or an audited
    /// sheet without a count for a ballot line.
    pub fn evaluate(
        &self,
        reported: &ActaSet,
        audited: &ActaSet,
        lost: &[&str],
    ) -> Result<Evaluation> {
        let r = Reported::read(reported, &self.options)?;
        self.check_same(&r)?;
        let contest = reported.contest();
        if audited.contest().candidates() != contest.candidates() {
            return Err(Error::new(crate::error::ErrorKind::Mismatch {
                message: "the audited sheets are of another contest (their candidates differ from the report's): read them through the same layout".to_owned(),
            }));
        }
        let alpha = self.options.risk_limit;
        let candidates = r.lines.len();
        let audited_votes = |i: usize| -> Result<Vec<u64>> {
            (0..candidates)
                .map(|c| {
                    contest.lines_of(c).try_fold(0u64, |acc, l| {
                        audited.count(i, Field::Line(l)).map(|x| acc + u64::from(x)).ok_or_else(|| {
                            Error::invalid(
                                "audited sheet",
                                format!("table {}", audited.table_id(i).unwrap_or("")),
                                format!(
                                    "the sheet gives no count for ballot line {}: transcribe it, or declare the sheet lost",
                                    contest.lines()[l].code()
                                ),
                            )
                        })
                    })
                })
                .collect()
        };
        let mut findings = Vec::new();
        let mut times: HashMap<&str, u32> = HashMap::new();
        for id in &self.draws {
            *times.entry(id.as_str()).or_default() += 1;
        }
        // A full count: every reported table has a sheet.
        let covered = audited.tables() >= r.tables
            && r.first_readings()
                .all(|i| audited.find(reported.table_id(i).unwrap_or("")).is_some());
        if covered {
            let mut totals = vec![0u64; candidates];
            let mut audited_ballots = 0u64;
            let mut discrepancies = Vec::new();
            for i in r.first_readings() {
                let id = reported.table_id(i).unwrap_or("");
                let a = audited.find(id).unwrap_or(0);
                let v = audited_votes(a)?;
                for (s, x) in totals.iter_mut().zip(&v) {
                    *s = s
                        .checked_add(*x)
                        .ok_or_else(|| Error::overflow("audited total"))?;
                }
                audited_ballots = audited_ballots.saturating_add(u64::from(
                    audited.count(a, self.options.basis.field()).unwrap_or(0),
                ));
                let drawn = times.get(id).copied().unwrap_or(0);
                if let Some(d) = self.table_discrepancy(&r, i, id, &v, drawn)? {
                    discrepancies.push(d);
                }
            }
            // The ballots only set no winner: at least every candidate's paper total, so that a
            // paper count with more votes than ballots is still reported, not refused.
            let most = totals.iter().copied().max().unwrap_or(0);
            let paper = ReportedResult::new(
                self.result.names().iter().cloned().zip(totals),
                audited_ballots.max(self.result.ballots()).max(most).max(1),
                self.options.seats,
            )?;
            let mut reported_winners = self.result.winners().to_vec();
            let mut paper_winners = paper.winners().to_vec();
            reported_winners.sort_unstable();
            paper_winners.sort_unstable();
            // A tie on paper overturns a reported win, and a win on paper a reported tie; a tie
            // reported and found is confirmed.
            let overturned =
                reported_winners != paper_winners || paper.is_tied() != self.result.is_tied();
            for d in &discrepancies {
                findings.push(d.finding());
            }
            if overturned {
                let names = |w: &[usize]| {
                    w.iter()
                        .map(|&c| self.result.names()[c].as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                findings.push(
                    Finding::new(
                        Code::FullCountOverturns,
                        Subject::Set,
                        format!(
                            "the full count of the sheets gives {} where the report gives {}",
                            if paper.is_tied() {
                                "a tie".to_owned()
                            } else {
                                names(paper.winners())
                            },
                            names(self.result.winners())
                        ),
                    )
                    .with("reported", Value::Text(names(self.result.winners())))
                    .with("on_paper", Value::Text(names(paper.winners()))),
                );
            }
            return Ok(Evaluation {
                risk: BatchRisk {
                    p_value: 0.0,
                    confirmed: true,
                    full_count: true,
                    draws_used: self.draws.len(),
                    risk_so_far: 0.0,
                },
                status: if overturned {
                    Status::Overturned
                } else {
                    Status::Confirmed
                },
                risk_limit: alpha,
                total_bound: self.total_bound,
                discrepancies,
                awaiting: Vec::new(),
                unused: unused(reported, audited, None),
                findings,
                paper_totals: Some(paper.votes().to_vec()),
                seed: self.seed.clone(),
                draws: self.draws.len(),
            });
        }
        // A sample: the draws in order, up to the first one not yet read.
        let mut steps: Vec<BatchDraw> = Vec::with_capacity(self.draws.len());
        let mut errors: HashMap<&str, f64> = HashMap::new();
        let mut per_table: Vec<TableDiscrepancy> = Vec::new();
        let mut awaiting: Vec<String> = Vec::new();
        let mut open = true;
        for id in &self.draws {
            let Some(t) = reported.find(id) else {
                return Err(Error::invalid(
                    "draw",
                    id.clone(),
                    "a drawn table is not among the reported ones: the state was planned on other sheets",
                ));
            };
            let bound = r.bound(t);
            let error = if let Some(&e) = errors.get(id.as_str()) {
                Some(e)
            } else if lost.contains(&id.as_str()) {
                findings.push(
                    Finding::new(
                        Code::SheetNotFound,
                        Subject::Sheet {
                            index: t,
                            table: id.clone(),
                        },
                        "the drawn table's sheet cannot be found: it counts as wrong as it can be",
                    )
                    .with("times_drawn", Value::Int(i128::from(times[id.as_str()]))),
                );
                errors.insert(id, bound);
                Some(bound)
            } else if let Some(a) = audited.find(id) {
                let v = audited_votes(a)?;
                let d = self.table_discrepancy(&r, t, id, &v, times[id.as_str()])?;
                if let Some(on_paper) = audited.count(a, self.options.basis.field()) {
                    let b = r.ballots(t);
                    if u64::from(on_paper) > b {
                        findings.push(
                            Finding::new(
                                Code::AboveErrorBound,
                                Subject::Sheet {
                                    index: t,
                                    table: id.clone(),
                                },
                                format!(
                                    "the sheet shows more {} than the report, which bounds the table's error: the bound does not hold",
                                    self.options.basis.name()
                                ),
                            )
                            .with("on_paper", Value::Int(i128::from(on_paper)))
                            .with("reported", Value::Int(i128::from(b))),
                        );
                    }
                }
                let e = d.as_ref().map_or(0.0, |d| d.error);
                per_table.extend(d);
                errors.insert(id, e);
                Some(e)
            } else {
                if !awaiting.contains(id) {
                    awaiting.push(id.clone());
                }
                None
            };
            match error {
                Some(error) if open => steps.push(BatchDraw { bound, error }),
                Some(_) => {}
                None => open = false,
            }
        }
        let risk = macro_risk(alpha, self.total_bound, &steps, false)?;
        for d in &per_table {
            findings.push(d.finding());
        }
        let status = if risk.confirmed {
            Status::Confirmed
        } else if !risk.risk_so_far.is_finite() {
            // A table as wrong as it can be: no sample, read or awaited, can bring it back.
            Status::FullCount
        } else if !awaiting.is_empty() {
            Status::Awaiting
        } else {
            // At least one more draw: the risk is above the limit.
            let more =
                macro_sample_size(alpha, self.total_bound, risk.risk_so_far, self.tables)?.max(1);
            if !risk.risk_so_far.is_finite() || more >= self.tables {
                Status::FullCount
            } else {
                Status::MoreDraws { more }
            }
        };
        match status {
            Status::Confirmed => findings.push(
                Finding::new(
                    Code::RiskLimitMet,
                    Subject::Set,
                    format!("the sheets confirm the reported outcome at a risk limit of {alpha}"),
                )
                .with("risk", Value::Approx(risk.p_value))
                .with("risk_limit", Value::Approx(alpha))
                .with("draws", Value::Int(risk.draws_used as i128)),
            ),
            Status::MoreDraws { more } => findings.push(
                Finding::new(
                    Code::RiskAboveLimit,
                    Subject::Set,
                    format!("the risk is above the limit: draw {more} more tables"),
                )
                .with("risk", Value::Approx(risk.p_value))
                .with("risk_limit", Value::Approx(alpha))
                .with("more", Value::Int(i128::from(more))),
            ),
            Status::FullCount => findings.push(
                Finding::new(
                    Code::FullCountNeeded,
                    Subject::Set,
                    "only a full count of the sheets can confirm the reported outcome now",
                )
                .with("risk", Value::Approx(risk.p_value))
                .with("risk_limit", Value::Approx(alpha))
                .with("tables", Value::Int(i128::from(self.tables))),
            ),
            Status::Awaiting | Status::Overturned => {}
        }
        Ok(Evaluation {
            risk,
            status,
            risk_limit: alpha,
            total_bound: self.total_bound,
            discrepancies: per_table,
            awaiting,
            unused: unused(reported, audited, Some(&self.draws)),
            findings,
            paper_totals: None,
            seed: self.seed.clone(),
            draws: self.draws.len(),
        })
    }

    /// The discrepancy of the table of reported sheet `index` against its paper `votes`, or
    /// `None` when every count matches.
    fn table_discrepancy(
        &self,
        r: &Reported<'_>,
        index: usize,
        id: &str,
        votes: &[u64],
        times: u32,
    ) -> Result<Option<TableDiscrepancy>> {
        let reported = &r.votes(index)[..];
        let Some(d) = super::batch_discrepancy(&self.result, reported, votes)? else {
            if reported == votes {
                return Ok(None);
            }
            // The counts differ but no pair's margin does (votes moved between losers, or the
            // same number added to both): reported, with no error.
            return Ok(Some(TableDiscrepancy {
                table: id.to_owned(),
                sheet: index,
                times_drawn: times,
                reported: reported.to_vec(),
                on_paper: votes.to_vec(),
                counted_as: 0,
                winner: self.result.names()[self.result.winners()[0]].clone(),
                loser: self.result.names()[self.result.losers()[0]].clone(),
                error: 0.0,
                taint: 0.0,
            }));
        };
        let bound = r.bound(index);
        let error = d.error(&self.result);
        Ok(Some(TableDiscrepancy {
            table: id.to_owned(),
            sheet: index,
            times_drawn: times,
            reported: reported.to_vec(),
            on_paper: votes.to_vec(),
            counted_as: d.counted_as,
            winner: self.result.names()[d.winner].clone(),
            loser: self.result.names()[d.loser].clone(),
            error,
            taint: if error > 0.0 { error / bound } else { 0.0 },
        }))
    }
}

/// The audited sheets an evaluation does not use: repeated readings, and (when `draws` is
/// given: short of a full count) sheets of tables not drawn or not reported.
fn unused(reported: &ActaSet, audited: &ActaSet, draws: Option<&[String]>) -> Vec<String> {
    let sampled: Option<std::collections::HashSet<&str>> =
        draws.map(|d| d.iter().map(String::as_str).collect());
    (0..audited.len())
        .filter_map(|i| {
            let id = audited.table_id(i).unwrap_or("");
            let used = !audited.is_repeat(i)
                && reported.find(id).is_some()
                && sampled.as_ref().is_none_or(|d| d.contains(id));
            (!used).then(|| id.to_owned())
        })
        .collect()
}

/// What the audit should do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Status {
    /// The risk is at or below the limit (or a full count agrees): the reported outcome stands.
    Confirmed,
    /// Draw this many more tables ([`BatchAudit::draw`]) and evaluate again.
    MoreDraws {
        /// How many more draws.
        more: u64,
    },
    /// Drawn tables whose sheets are not read yet ([`Evaluation::awaiting`]): read them (or
    /// declare them lost) and evaluate again.
    Awaiting,
    /// Only a full count can confirm the outcome: read every table's sheet and evaluate again.
    FullCount,
    /// A full count gives another outcome than the report (finding `L008`).
    Overturned,
}

/// One sampled table whose sheet differs from its report.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TableDiscrepancy {
    /// The table.
    pub table: String,
    /// Its sheet's index in the reported set.
    pub sheet: usize,
    /// How many times it was drawn (it weighs that many times in the risk).
    pub times_drawn: u32,
    /// The reported votes, per candidate.
    pub reported: Vec<u64>,
    /// The votes on paper, per candidate.
    pub on_paper: Vec<u64>,
    /// Reported minus paper margin of the pair where the relative overstatement is largest, in
    /// votes (positive: the report favoured the winner).
    pub counted_as: i64,
    /// That pair's winner (candidate code).
    pub winner: String,
    /// That pair's loser.
    pub loser: String,
    /// The error `e_p` in the risk (0 for an understatement), `f64`.
    pub error: f64,
    /// The taint `e_p / u_p`, in [0, 1] when the bound holds, `f64`.
    pub taint: f64,
}

impl TableDiscrepancy {
    fn finding(&self) -> Finding {
        let subject = Subject::Sheet {
            index: self.sheet,
            table: self.table.clone(),
        };
        if self.counted_as > 0 {
            Finding::new(
                Code::SampledOverstatement,
                subject,
                format!(
                    "the sheet gives {} {} votes fewer against {} than the report",
                    self.winner, self.counted_as, self.loser
                ),
            )
            .with("counted_as", Value::Int(i128::from(self.counted_as)))
            .with("taint", Value::Approx(self.taint))
            .with("times_drawn", Value::Int(i128::from(self.times_drawn)))
        } else {
            Finding::new(
                Code::SampledUnderstatement,
                subject,
                if self.counted_as == 0 {
                    "the sheet's counts differ from the report's, but no winner's margin does"
                        .to_owned()
                } else {
                    format!(
                        "the sheet favours {} over {} by {} votes more than the report",
                        self.winner, self.loser, -self.counted_as
                    )
                },
            )
            .with("counted_as", Value::Int(i128::from(self.counted_as)))
            .with("times_drawn", Value::Int(i128::from(self.times_drawn)))
        }
    }
}

/// What the sheets read so far show: the risk, what to do next, and every discrepancy.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Evaluation {
    /// The risk measured (MACRO's, sequential over the draws in order).
    pub risk: BatchRisk,
    /// What to do next.
    pub status: Status,
    /// The risk limit.
    pub risk_limit: f64,
    /// `U`, the sum of the error bounds.
    #[cfg_attr(feature = "serde", serde(with = "super::maybe_infinite"))]
    pub total_bound: f64,
    /// Every sampled table whose sheet differs from its report, in the order first drawn.
    pub discrepancies: Vec<TableDiscrepancy>,
    /// Drawn tables whose sheets are not read yet, in the order drawn.
    pub awaiting: Vec<String>,
    /// Audited sheets the evaluation did not use, in the audited set's order: repeated
    /// readings (the first reading of a table is the one used), and, short of a full count,
    /// sheets of tables not drawn (or not reported).
    pub unused: Vec<String>,
    /// The findings (codes `L001` to `L008`).
    pub findings: Vec<Finding>,
    /// After a full count, the paper's totals per candidate.
    pub paper_totals: Option<Vec<u64>>,
    /// The public seed the tables were drawn from.
    pub seed: Option<String>,
    /// The number of draws so far (with repeats).
    pub draws: usize,
}

/// The discrepancies the text form lists; the data holds every one.
const SHOWN: usize = 20;

/// The text form: the verdict first, then `U` and the discrepancies (the first 20; the data
/// holds every one).
impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = match self.status {
            Status::Confirmed if self.risk.full_count => {
                "CONFIRMED by a full count of the sheets".to_owned()
            }
            Status::Confirmed => format!(
                "CONFIRMED: risk {:.4} at or below the limit {} after {} draws",
                self.risk.p_value, self.risk_limit, self.risk.draws_used
            ),
            Status::MoreDraws { more } => format!(
                "NOT YET: risk {:.4} above the limit {}; draw {more} more tables",
                self.risk.p_value, self.risk_limit
            ),
            Status::Awaiting => format!(
                "WAITING for {} drawn sheets (risk so far {:.4})",
                self.awaiting.len(),
                self.risk.p_value
            ),
            Status::FullCount => format!(
                "ESCALATE to a full count: risk {:.4} cannot reach the limit {} by sampling",
                self.risk.p_value, self.risk_limit
            ),
            Status::Overturned => "OVERTURNED: the full count gives another outcome".to_owned(),
        };
        writeln!(f, "{verdict}")?;
        if let Some(seed) = &self.seed {
            writeln!(f, "seed {seed:?}, {} draws", self.draws)?;
        }
        writeln!(f, "total error bound U = {:.4}", self.total_bound)?;
        if !self.discrepancies.is_empty() {
            writeln!(f, "discrepancies ({} tables):", self.discrepancies.len())?;
            writeln!(
                f,
                "  {:<16} {:>6} {:>10} {:>8}  reported -> on paper",
                "table", "drawn", "counted", "taint"
            )?;
            for d in self.discrepancies.iter().take(SHOWN) {
                let show = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join("/");
                writeln!(
                    f,
                    "  {:<16} {:>6} {:>10} {:>8.4}  {} -> {}",
                    d.table,
                    d.times_drawn,
                    d.counted_as,
                    d.taint,
                    show(&d.reported),
                    show(&d.on_paper)
                )?;
            }
        }
        if self.discrepancies.len() > SHOWN {
            writeln!(
                f,
                "  ... and {} more (every one is in Evaluation::discrepancies)",
                self.discrepancies.len() - SHOWN
            )?;
        }
        if !self.awaiting.is_empty() {
            writeln!(f, "awaiting: {}", self.awaiting.join(", "))?;
        }
        if !self.unused.is_empty() {
            writeln!(
                f,
                "not used: {} audited sheets (repeated readings, or tables not drawn): {}",
                self.unused.len(),
                self.unused
                    .iter()
                    .take(SHOWN)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
