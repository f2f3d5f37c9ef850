//! `actas rla plan | draw | evaluate`: a risk-limiting audit of the tally sheets, one step per
//! command, with its state in a JSON file between the steps (an audit can span days).

use std::path::Path;

use actas::ActaSet;
use actas::io::{InputSummary, Layout};
use actas::rla::{BatchAudit, BatchAuditOptions, BoundBasis, Status};
use clap::{Args, Subcommand, ValueEnum};

use crate::progress::read_sheets;
use crate::totals::thousands;
use crate::{EXIT_CLEAN, FailOn, OutputArgs};

pub(crate) const RLA_EXAMPLE: &str = "\
Example, a batch-comparison audit (MACRO) at a 5% risk limit:
  actas rla plan reported.csv layout.json --risk-limit 0.05 --state audit.json
  actas rla draw audit.json reported.csv layout.json --seed \"46 21 87 03 55 ...\" > draws.csv
  # read the paper sheets of the tables in draws.csv into paper.csv (same layout), then:
  actas rla evaluate audit.json reported.csv layout.json paper.csv
  # if it says to draw more: actas rla draw audit.json ... --count N, and evaluate again";

/// The steps of a risk-limiting audit.
#[derive(Debug, Subcommand)]
pub(crate) enum RlaCommand {
    /// Plan the audit of the reported per-table results: the reported outcome, each table's
    /// error bound, the first round's size; the state is written to --state.
    #[command(after_help = RLA_EXAMPLE)]
    Plan(PlanArgs),
    /// Draw tables from a public seed, with probability proportional to their error bounds
    /// (verifiably: anyone with the seed and the reported file draws the same). The draws go to
    /// standard output as CSV (number, table, times drawn); the state file is updated.
    #[command(after_help = RLA_EXAMPLE)]
    Draw(DrawArgs),
    /// Measure the risk from the paper sheets of the drawn tables: confirmed, draw more, or
    /// count everything; every discrepancy and finding (L001 to L008).
    #[command(after_help = format!("{RLA_EXAMPLE}\n\n{}", crate::EXIT_CODES))]
    Evaluate(EvaluateArgs),
}

/// The reported results and how to read them.
#[derive(Debug, Args)]
pub(crate) struct Reported {
    /// The reported per-table results: a CSV file, one row per table.
    reported: std::path::PathBuf,
    /// How to read them (and the paper sheets): a layout file (JSON).
    layout: std::path::PathBuf,
}

/// What bounds a table's error.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Basis {
    /// The voters the report gives for the table (as Arlo uses a batch's ballots).
    Voters,
    /// The table's electors: holds even if the paper shows more ballots than reported.
    Electors,
}

/// The arguments of `actas rla plan`.
#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    #[command(flatten)]
    reported: Reported,
    /// The risk limit, strictly between 0 and 1 (0.05 for 5%).
    #[arg(long, value_name = "ALPHA")]
    risk_limit: f64,
    /// How many candidates win.
    #[arg(long, default_value_t = 1)]
    seats: usize,
    /// What bounds a table's error.
    #[arg(long, value_enum, default_value = "voters")]
    basis: Basis,
    /// Where to write the audit's state (JSON), for the next steps.
    #[arg(long, value_name = "FILE")]
    state: std::path::PathBuf,
    #[command(flatten)]
    output: OutputArgs,
}

/// The arguments of `actas rla draw`.
#[derive(Debug, Args)]
pub(crate) struct DrawArgs {
    /// The audit's state (from `actas rla plan`); updated with the draws.
    state: std::path::PathBuf,
    #[command(flatten)]
    reported: Reported,
    /// The public seed: digits rolled in public, the same in every round.
    #[arg(long)]
    seed: String,
    /// How many tables to draw (by default the first round's size, before any draw).
    #[arg(long)]
    count: Option<u64>,
    #[command(flatten)]
    output: OutputArgs,
}

/// The arguments of `actas rla evaluate`.
#[derive(Debug, Args)]
pub(crate) struct EvaluateArgs {
    /// The audit's state (from `actas rla draw`).
    state: std::path::PathBuf,
    #[command(flatten)]
    reported: Reported,
    /// The paper sheets of the drawn tables: a CSV read through the layout (or --paper-layout).
    paper: std::path::PathBuf,
    /// Read the paper sheets through this layout instead.
    #[arg(long, value_name = "LAYOUT")]
    paper_layout: Option<std::path::PathBuf>,
    /// A drawn table whose sheet cannot be found (it counts as wrong as it can be); repeat
    /// for each.
    #[arg(long, value_name = "TABLE")]
    lost: Vec<String>,
    #[command(flatten)]
    fail_on: FailOn,
    #[command(flatten)]
    output: OutputArgs,
}

/// Reads the reported results; the set and how the read went.
fn read_reported(
    r: &Reported,
    quiet: bool,
) -> Result<(ActaSet, Layout, InputSummary), actas::Error> {
    let layout = Layout::from_path(&r.layout)?;
    let read = read_sheets(&r.reported, &layout, quiet)?;
    let input = InputSummary::new(r.reported.display().to_string(), &read.report);
    Ok((read.set, layout, input))
}

fn read_state(path: &Path) -> Result<BatchAudit, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("could not read the audit's state {}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text)
        .map_err(|e| format!("{} is not an audit's state: {e}", path.display()))?)
}

/// Writes the state whole or not at all: to a file beside it, then renamed over it.
fn write_state(path: &Path, audit: &BatchAudit) -> Result<(), Box<dyn std::error::Error>> {
    let json = serde_json::to_string_pretty(audit)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let fail =
        |e: std::io::Error| format!("could not write the audit's state {}: {e}", path.display());
    std::fs::write(&tmp, json + "\n").map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)?;
    Ok(())
}

/// `actas rla plan`.
pub(crate) fn plan(args: &PlanArgs) -> u8 {
    crate::run(|| {
        let (set, _, input) = read_reported(&args.reported, args.output.quiet)?;
        let options = BatchAuditOptions::new(args.risk_limit)
            .with_seats(args.seats)
            .with_basis(match args.basis {
                Basis::Voters => BoundBasis::Voters,
                Basis::Electors => BoundBasis::Electors,
            });
        let audit = BatchAudit::plan(&set, options)?;
        write_state(&args.state, &audit)?;
        let r = audit.result();
        args.output.print(
            |out| {
                writeln!(
                    out,
                    "Risk-limiting audit (batch comparison, MACRO) of {}: {} tables, {} ballots",
                    input.name,
                    thousands(audit.tables()),
                    thousands(r.ballots())
                )?;
                for (i, (name, votes)) in r.names().iter().zip(r.votes()).enumerate() {
                    let won = if r.winners().contains(&i) {
                        "  (reported winner)"
                    } else {
                        ""
                    };
                    writeln!(out, "  {name:<12} {:>14}{won}", thousands(*votes))?;
                }
                writeln!(
                    out,
                    "risk limit {}; error bounds from the {}; U = {:.4}",
                    args.risk_limit,
                    match args.basis {
                        Basis::Voters => "reported voters",
                        Basis::Electors => "electors",
                    },
                    audit.total_bound()
                )?;
                writeln!(
                    out,
                    "first round: {} tables, if every sheet drawn matches its report",
                    thousands(audit.first_round())
                )?;
                writeln!(out, "state written to {}", args.state.display())
            },
            || {
                Ok(serde_json::to_string_pretty(&serde_json::json!({
                    "input": input,
                    "first_round": audit.first_round(),
                    "state": audit,
                }))?)
            },
        )?;
        let covers = "the plan covers";
        Ok(args
            .output
            .rejected(input.rejected, input.rows_read, covers)
            .unwrap_or(EXIT_CLEAN))
    })
}

/// `actas rla draw`.
pub(crate) fn draw(args: &DrawArgs) -> u8 {
    crate::run(|| {
        let audit = read_state(&args.state)?;
        let (set, _, input) = read_reported(&args.reported, args.output.quiet)?;
        let count = match (args.count, audit.draws().is_empty()) {
            (Some(n), _) => n,
            (None, true) => audit.first_round(),
            (None, false) => {
                return Err(
                    "this audit has drawn already: give --count, the number of more \
                            draws `actas rla evaluate` asked for"
                        .into(),
                );
            }
        };
        let (next, draws) = audit.draw(&set, &args.seed, count)?;
        write_state(&args.state, &next)?;
        args.output.print(
            |out| {
                writeln!(out, "number,table,times")?;
                for d in &draws {
                    writeln!(out, "{},{},{}", d.number, csv_field(&d.table), d.times)?;
                }
                Ok(())
            },
            || Ok(serde_json::to_string_pretty(&draws)?),
        )?;
        eprintln!(
            "drew {} tables (draws {} to {}) from the seed; {} updated",
            thousands(count),
            next.draws().len() as u64 - count + 1,
            next.draws().len(),
            args.state.display()
        );
        let covers = "the draws cover";
        Ok(args
            .output
            .rejected(input.rejected, input.rows_read, covers)
            .unwrap_or(EXIT_CLEAN))
    })
}

/// A CSV field, quoted when it needs to be.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// `actas rla evaluate`.
pub(crate) fn evaluate(args: &EvaluateArgs) -> u8 {
    crate::run(|| {
        let audit = read_state(&args.state)?;
        let (set, layout, input) = read_reported(&args.reported, args.output.quiet)?;
        let paper_layout = match &args.paper_layout {
            Some(p) => Layout::from_path(p)?,
            None => layout,
        };
        let paper = read_sheets(&args.paper, &paper_layout, args.output.quiet)?;
        let paper_input = InputSummary::new(args.paper.display().to_string(), &paper.report);
        let lost: Vec<&str> = args.lost.iter().map(String::as_str).collect();
        let evaluation = audit.evaluate(&set, &paper.set, &lost)?;
        args.output.print(
            |out| write!(out, "{evaluation}"),
            || {
                Ok(serde_json::to_string_pretty(&serde_json::json!({
                    "inputs": [input, paper_input],
                    "evaluation": evaluation,
                }))?)
            },
        )?;
        let rejected = input.rejected + paper_input.rejected;
        let read = input.rows_read + paper_input.rows_read;
        if let Some(code) = args
            .output
            .rejected(rejected, read, "the evaluation covers")
        {
            return Ok(code);
        }
        if matches!(evaluation.status, Status::Overturned) {
            eprintln!("a full count of the sheets gives another outcome than the report");
        }
        Ok(args
            .fail_on
            .check(&evaluation.findings)
            .unwrap_or(EXIT_CLEAN))
    })
}
