//! A risk-limiting audit of a synthetic national election, by batch comparison: the authority's
//! per-table results are the report, the paper sheets are what the audit reads.
//!
//! ```text
//! cargo run --release --example rla -- [TABLES]
//! ```
//!
//! Two audits of the same synthetic election (`actas::synth`, 20,000 tables by default), each
//! planned, drawn from a stated public seed and evaluated round by round:
//!
//! 1. The report has small errors at known tables (2 votes moved to the winner on one table in
//!    four) that do not change the outcome: the audit confirms it after a sample.
//! 2. The report moves votes from the true winner to the runner-up on half of the tables,
//!    enough to change the outcome: the sampled sheets show it, the audit escalates to a full
//!    count, and the full count overturns the reported outcome.

use std::error::Error;
use std::io::Write;

use actas::rla::{BatchAudit, BatchAuditOptions, Status};
use actas::synth::{SynthConfig, generate};
use actas::{ActaSet, Geography};

/// The public seed: twenty dice rolled in public, as the audit would publish them.
const SEED: &str = "61290487331592487026";

/// The risk limit: 5%.
const RISK_LIMIT: f64 = 0.05;

/// A stable choice of tables from their ids (the same on every run, unrelated to the draw).
fn picked(id: &str, per_thousand: u64) -> bool {
    let h = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    h % 1000 < per_thousand
}

/// A set like `set` (first readings only) with each table's votes changed by `change`.
fn altered(
    set: &ActaSet,
    change: impl Fn(&str, &mut Vec<Option<u32>>),
) -> Result<ActaSet, Box<dyn Error>> {
    let mut out = ActaSet::new(set.contest().clone(), Geography::default());
    for sheet in set.iter().filter(|s| !set.is_repeat(s.index())) {
        let mut s = sheet.to_sheet();
        s.geo = None;
        change(sheet.table(), &mut s.votes);
        out.push(s)?;
    }
    Ok(out)
}

/// The sheets of `tables` as the paper shows them.
fn pull(paper: &ActaSet, tables: &[String]) -> Result<ActaSet, Box<dyn Error>> {
    let mut out = ActaSet::new(paper.contest().clone(), Geography::default());
    for t in tables {
        if out.find(t).is_none() {
            let i = paper.find(t).ok_or("a drawn table has no sheet")?;
            let mut s = paper.sheet(i).ok_or("no sheet")?.to_sheet();
            s.geo = None;
            out.push(s)?;
        }
    }
    Ok(out)
}

/// Runs one audit to its end and returns the last status.
fn audit(
    out: &mut impl Write,
    reported: &ActaSet,
    paper: &ActaSet,
) -> Result<Status, Box<dyn Error>> {
    let plan = BatchAudit::plan(reported, BatchAuditOptions::new(RISK_LIMIT))?;
    let names = plan.result().names().to_vec();
    let votes = plan.result().votes();
    let w = plan.result().winners()[0];
    let l = plan.result().losers()[0];
    writeln!(
        out,
        "reported: {} wins with {} votes against {} for {}; {} tables; U = {:.3}",
        names[w],
        votes[w],
        votes[l],
        names[l],
        plan.tables(),
        plan.total_bound()
    )?;
    let mut state = plan;
    let mut size = state.first_round();
    let mut drawn: Vec<String> = Vec::new();
    for round in 1.. {
        writeln!(out, "round {round}: draw {size} tables from seed {SEED}")?;
        let (next, draws) = state.draw(reported, SEED, size)?;
        state = next;
        drawn.extend(draws.into_iter().map(|d| d.table));
        let audited = pull(paper, &drawn)?;
        let evaluation = state.evaluate(reported, &audited, &[])?;
        write!(out, "{evaluation}")?;
        match evaluation.status {
            Status::MoreDraws { more } => size = more,
            Status::FullCount => {
                writeln!(out, "full count: every table's sheet is read")?;
                let all: Vec<String> = reported
                    .iter()
                    .filter(|s| !reported.is_repeat(s.index()))
                    .map(|s| s.table().to_owned())
                    .collect();
                let everything = pull(paper, &all)?;
                let full = state.evaluate(reported, &everything, &[])?;
                write!(out, "{full}")?;
                if let Some(totals) = &full.paper_totals {
                    let shown: Vec<String> = names
                        .iter()
                        .zip(totals)
                        .map(|(n, v)| format!("{n} {v}"))
                        .collect();
                    writeln!(out, "on paper: {}", shown.join(", "))?;
                }
                return Ok(full.status);
            }
            status => return Ok(status),
        }
    }
    unreachable!("the loop returns")
}

/// Runs both audits on a synthetic election of `tables` tables and returns their last status.
pub fn run(out: &mut impl Write, tables: usize) -> Result<(Status, Status), Box<dyn Error>> {
    let config = SynthConfig::default()
        .with_sheets(tables)
        .with_candidates(4);
    let (truth, _) = generate(&config)?;
    let paper = altered(&truth, |_, _| {})?;
    // The true winner and runner-up, by the paper's totals.
    let plan = BatchAudit::plan(&paper, BatchAuditOptions::new(RISK_LIMIT))?;
    let (w, l) = (plan.result().winners()[0], plan.result().losers()[0]);
    let lines = |c: usize| paper.contest().lines_of(c).next().unwrap_or(c);
    let (lw, ll) = (lines(w), lines(l));

    writeln!(out, "== 1. small errors that do not change the outcome")?;
    let reported = altered(&paper, |id, votes| {
        if picked(id, 250) {
            if let (Some(Some(a)), Some(Some(b))) = (votes.get(lw).copied(), votes.get(ll).copied())
            {
                let moved = b.min(2);
                votes[lw] = Some(a + moved);
                votes[ll] = Some(b - moved);
            }
        }
    })?;
    let first = audit(out, &reported, &paper)?;

    writeln!(out)?;
    writeln!(out, "== 2. errors that change the outcome")?;
    let reported = altered(&paper, |id, votes| {
        if picked(id, 500) {
            if let (Some(Some(a)), Some(Some(b))) = (votes.get(lw).copied(), votes.get(ll).copied())
            {
                let moved = a * 3 / 4;
                votes[lw] = Some(a - moved);
                votes[ll] = Some(b + moved);
            }
        }
    })?;
    let second = audit(out, &reported, &paper)?;
    Ok((first, second))
}

fn main() -> Result<(), Box<dyn Error>> {
    let tables: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(20_000);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let (first, second) = run(&mut out, tables)?;
    writeln!(out)?;
    writeln!(out, "audit 1: {first:?}; audit 2: {second:?}")?;
    Ok(())
}
