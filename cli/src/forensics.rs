//! `actas forensics`: the forensic tests on the sheets (digits, integer percentages, the
//! fingerprint, optionally Klimek et al.'s fraud model), with their plots.

use std::path::PathBuf;

use actas::audit::totals;
use actas::forensics::{ForensicsOptions, ForensicsReport, KlimekOptions};
use actas::io::{InputSummary, Layout};
use clap::Args;

use crate::progress::read_sheets;
use crate::{EXIT_CLEAN, FailOn, OutputArgs};

pub(crate) const FORENSICS_EXAMPLE: &str = "\
Example, on the Venezuelan sheets, with the plots as SVG files:
  actas forensics data/ve2024/RESULTADOS_2024_CSV_V1.csv data/ve2024/layout_v1.json --plots plots/";

/// The arguments of `actas forensics`.
#[derive(Debug, Args)]
pub(crate) struct ForensicsArgs {
    /// The tally sheets: a CSV file, one row per sheet.
    sheets: PathBuf,
    /// How to read them: a layout file (JSON).
    layout: PathBuf,
    /// Also fit Klimek et al.'s fraud model (a grid search: seconds at national scale).
    #[arg(long)]
    klimek: bool,
    /// Write the plots (SVG) into this directory: the fingerprint, the turnout and share
    /// histograms, and the last digits of the two candidates with most votes.
    #[arg(long, value_name = "DIR")]
    plots: Option<PathBuf>,
    #[command(flatten)]
    fail_on: FailOn,
    #[command(flatten)]
    output: OutputArgs,
}

/// `actas forensics`: the figures and findings on standard output, and the exit status.
pub(crate) fn run(args: &ForensicsArgs) -> u8 {
    crate::run(|| {
        let layout = Layout::from_path(&args.layout)?;
        let read = read_sheets(&args.sheets, &layout, args.output.quiet)?;
        let input = InputSummary::new(args.sheets.display().to_string(), &read.report);
        let mut options = ForensicsOptions::standard();
        if args.klimek {
            options = options.with_klimek(KlimekOptions::default());
        }
        let report = ForensicsReport::run(&read.set, &options)?;
        let findings = report.findings();
        if let Some(dir) = &args.plots {
            let t = totals(&read.set)?;
            let votes: Vec<u64> = t.candidates.iter().map(|c| c.sum).collect();
            let plots = crate::plots(&report, read.set.contest().candidates(), &votes)?;
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
            for p in &plots {
                let path = dir.join(&p.file);
                std::fs::write(&path, &p.svg)
                    .map_err(|e| format!("could not write {}: {e}", path.display()))?;
                eprintln!("wrote {}", path.display());
            }
        }
        args.output.print(
            |out| {
                writeln!(out, "{}: {}\n", input.name, read.report)?;
                write!(out, "{report}")?;
                writeln!(out, "\nFindings: {}", findings.len())?;
                for f in &findings {
                    writeln!(out, "  {f}")?;
                }
                Ok(())
            },
            || {
                Ok(serde_json::to_string_pretty(&serde_json::json!({
                    "input": input,
                    "forensics": report,
                    "findings": findings,
                }))?)
            },
        )?;
        if let Some(code) = args
            .output
            .rejected(input.rejected, input.rows_read, "the tests cover")
        {
            return Ok(code);
        }
        Ok(args.fail_on.check(&findings).unwrap_or(EXIT_CLEAN))
    })
}
