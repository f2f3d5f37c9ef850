//! A command-line audit for any country's tally sheets.
//!
//! ```text
//! cargo run --release --example audit -- SHEETS.csv LAYOUT.json [options]
//!
//! options:
//!   --bulletins FILE        announcements (register and bulletins) in the actas JSON format
//!   --register FILE         register of tables: CSV with a `table` column and an optional `electors` column
//!   --compare CSV LAYOUT    a second reading of the same tables, to compare with
//!   --exact-coverage        read printed coverage shares as exact (default: every value that rounds to them)
//!   --json                  print the report as JSON instead of text
//! ```
//!
//! Worked example, on the bundled Venezuelan data:
//!
//! ```text
//! cargo run --release --example audit -- data/ve2024/RESULTADOS_2024_CSV_V1.csv data/ve2024/layout_v1.json \
//!     --bulletins data/ve2024/bulletins.json \
//!     --compare data/ve2024/RESULTADOS_2024_CSV_V2.csv data/ve2024/layout_v2.json
//! ```

use std::error::Error;
use std::io::Write;

use actas::audit::{Audit, AuditOptions, BoundOptions, CoverageReading};
use actas::io::{Layout, read_announcements, read_csv_path};
use actas::{Announcements, TableRegister};

/// The parsed command line.
#[derive(Debug, Default)]
pub struct Args {
    sheets: String,
    layout: String,
    bulletins: Option<String>,
    register: Option<String>,
    compare: Option<(String, String)>,
    exact_coverage: bool,
    json: bool,
}

const USAGE: &str = "usage: audit SHEETS.csv LAYOUT.json [--bulletins FILE] [--register FILE] \
[--compare CSV LAYOUT] [--exact-coverage] [--json]";

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args::default();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--bulletins" => out.bulletins = Some(value("--bulletins")?),
            "--register" => out.register = Some(value("--register")?),
            "--compare" => {
                let csv = value("--compare")?;
                let layout = value("--compare")?;
                out.compare = Some((csv, layout));
            }
            "--exact-coverage" => out.exact_coverage = true,
            "--json" => out.json = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s => positional.push(s.to_owned()),
        }
    }
    let [sheets, layout] = <[String; 2]>::try_from(positional).map_err(|_| USAGE.to_owned())?;
    out.sheets = sheets;
    out.layout = layout;
    Ok(out)
}

/// Runs the audit the arguments describe and writes its report.
pub fn run(args: &Args, out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    let layout = Layout::from_path(&args.layout)?;
    let read = read_csv_path(&args.sheets, &layout)?;
    let announcements = match &args.bulletins {
        Some(path) => read_announcements(path)?,
        None => Announcements::default(),
    };
    let tables = match &args.register {
        Some(path) => {
            let file =
                std::fs::File::open(path).map_err(|e| format!("register of tables {path}: {e}"))?;
            Some(TableRegister::read_csv(file).map_err(|e| format!("{path}: {e}"))?)
        }
        None => None,
    };
    let second = match &args.compare {
        Some((csv, layout)) => Some(read_csv_path(csv, &Layout::from_path(layout)?)?),
        None => None,
    };
    let options = AuditOptions {
        rules: layout.rule_set(),
        bounds: BoundOptions {
            coverage: if args.exact_coverage {
                CoverageReading::Exact
            } else {
                CoverageReading::PrintedInterval
            },
        },
        ..AuditOptions::default()
    };
    let mut audit = Audit::new(&read.set)
        .register(announcements.register.clone())
        .bulletins(&announcements.bulletins)
        .options(options);
    if let Some(t) = &tables {
        audit = audit.table_register(t);
    }
    if let Some(s) = &second {
        audit = audit.second_reading(&s.set);
    }
    let report = audit.run()?;
    if args.json {
        writeln!(out, "{}", report.to_json()?)?;
    } else {
        writeln!(out, "{}: {}", args.sheets, read.report)?;
        for r in read.report.rejected.iter().take(20) {
            writeln!(out, "  {r}")?;
        }
        if read.report.rejected.len() > 20 {
            writeln!(
                out,
                "  ... and {} more rejected rows",
                read.report.rejected.len() - 20
            )?;
        }
        writeln!(out)?;
        write!(out, "{report}")?;
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match parse(&args) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    let stdout = std::io::stdout();
    if let Err(e) = run(&parsed, &mut stdout.lock()) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
