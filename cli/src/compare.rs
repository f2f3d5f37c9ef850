//! `actas compare`: two readings of the same tables (two publications, two transcriptions),
//! table by table.

use std::path::PathBuf;

use actas::audit::compare;
use actas::io::{InputSummary, Layout};
use clap::Args;

use crate::progress::read_sheets;
use crate::totals::thousands;
use crate::{EXIT_CLEAN, FailOn, OutputArgs};

pub(crate) const COMPARE_EXAMPLE: &str = "\
Example, the two publications of the Venezuelan sheets:
  actas compare data/ve2024/RESULTADOS_2024_CSV_V1.csv data/ve2024/layout_v1.json \\
      data/ve2024/RESULTADOS_2024_CSV_V2.csv data/ve2024/layout_v2.json";

/// The tables the text lists of those only in one reading; the JSON lists every one.
const LISTED: usize = 20;

/// The arguments of `actas compare`.
#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// The first reading: a CSV file, one row per sheet.
    first: PathBuf,
    /// Its layout (JSON).
    first_layout: PathBuf,
    /// The second reading of the same tables.
    second: PathBuf,
    /// Its layout (by default the first's).
    second_layout: Option<PathBuf>,
    #[command(flatten)]
    fail_on: FailOn,
    #[command(flatten)]
    output: OutputArgs,
}

/// `actas compare`: the comparison on standard output, and the exit status.
pub(crate) fn run(args: &CompareArgs) -> u8 {
    crate::run(|| {
        let first_layout = Layout::from_path(&args.first_layout)?;
        let second_layout = match &args.second_layout {
            Some(p) => Layout::from_path(p)?,
            None => first_layout.clone(),
        };
        let a = read_sheets(&args.first, &first_layout, args.output.quiet)?;
        let b = read_sheets(&args.second, &second_layout, args.output.quiet)?;
        let inputs = [
            InputSummary::new(args.first.display().to_string(), &a.report),
            InputSummary::new(args.second.display().to_string(), &b.report),
        ];
        let c = compare(&a.set, &b.set)?;
        let findings = c.findings();
        let table = |set: &actas::ActaSet, i: usize| set.table_id(i).unwrap_or("?").to_owned();
        args.output.print(
            |out| {
                writeln!(out, "{}: {}", inputs[0].name, a.report)?;
                writeln!(out, "{}: {}", inputs[1].name, b.report)?;
                writeln!(
                    out,
                    "\n{} tables identical ({} with another image), {} different, {} only in the \
                     first, {} only in the second",
                    thousands(c.identical),
                    thousands(c.identical_other_image),
                    thousands(c.different.len() as u64),
                    thousands(c.only_in_a.len() as u64),
                    thousands(c.only_in_b.len() as u64)
                )?;
                writeln!(out, "fields compared: {}", c.fields_compared.join(", "))?;
                if !c.different.is_empty() {
                    writeln!(
                        out,
                        "\nNet change per candidate, second minus first, over the tables that differ"
                    )?;
                    for (cand, net) in a.set.contest().candidates().iter().zip(&c.net_per_candidate)
                    {
                        writeln!(out, "  {:<30} {net:>+12}", cand.name)?;
                    }
                    writeln!(out, "\nTables that differ (first -> second)")?;
                    for d in &c.different {
                        let changes: Vec<String> = d
                            .fields
                            .iter()
                            .map(|x| {
                                let v = |v: Option<u32>| v.map_or_else(|| "-".into(), |v| v.to_string());
                                format!("{}: {} -> {}", x.field, v(x.a), v(x.b))
                            })
                            .collect();
                        writeln!(out, "  {}: {}", d.table, changes.join(", "))?;
                    }
                }
                for (what, list, set) in [
                    ("first", &c.only_in_a, &a.set),
                    ("second", &c.only_in_b, &b.set),
                ] {
                    if list.is_empty() {
                        continue;
                    }
                    let shown: Vec<String> = list.iter().take(LISTED).map(|&i| table(set, i)).collect();
                    write!(out, "\nOnly in the {what} ({}): {}", thousands(list.len() as u64), shown.join(", "))?;
                    if list.len() > LISTED {
                        write!(out, ", ... ({} more; --json lists every one)", thousands((list.len() - LISTED) as u64))?;
                    }
                    writeln!(out)?;
                }
                writeln!(out, "\nFindings: {}", findings.len())?;
                for f in &findings {
                    writeln!(out, "  {f}")?;
                }
                Ok(())
            },
            || {
                let only = |list: &[usize], set: &actas::ActaSet| -> Vec<String> {
                    list.iter().map(|&i| table(set, i)).collect()
                };
                Ok(serde_json::to_string_pretty(&serde_json::json!({
                    "inputs": inputs,
                    "comparison": c,
                    "only_in_first": only(&c.only_in_a, &a.set),
                    "only_in_second": only(&c.only_in_b, &b.set),
                    "findings": findings,
                }))?)
            },
        )?;
        let rejected = inputs[0].rejected + inputs[1].rejected;
        let read = inputs[0].rows_read + inputs[1].rows_read;
        if let Some(code) = args
            .output
            .rejected(rejected, read, "the comparison covers")
        {
            return Ok(code);
        }
        Ok(args.fail_on.check(&findings).unwrap_or(EXIT_CLEAN))
    })
}
