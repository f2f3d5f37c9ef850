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
//!   --stream                read the sheets once with bounded memory (files too large to hold); the
//!                           same report, without --register and --compare (each needs the whole set)
//!   --allow-rejected N|P%   exit 0 even if up to N rows (or P% of the rows read) were rejected
//!   --json                  print the report as JSON instead of text
//!
//! exit status:
//!   0  the audit ran and every row of every input was read (or the rejected rows are allowed)
//!   1  an input could not be read at all (a missing file, a bad layout, ...)
//!   2  the arguments are wrong
//!   3  the audit ran, but rows were rejected: the report covers only the rows read, and says so
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

use actas::Announcements;
use actas::audit::{
    Audit, AuditOptions, BoundOptions, CoverageReading, StreamAudit, StreamOptions,
};
use actas::io::{
    InputSummary, Layout, read_announcements, read_csv_path, read_table_register_path,
};

/// The parsed command line.
#[derive(Debug, Default)]
pub struct Args {
    sheets: String,
    layout: String,
    bulletins: Option<String>,
    register: Option<String>,
    compare: Option<(String, String)>,
    exact_coverage: bool,
    stream: bool,
    allow_rejected: Allowance,
    json: bool,
}

/// How many rejected rows still let the command exit 0.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub enum Allowance {
    /// None.
    #[default]
    None,
    /// Up to this many rows.
    Rows(u64),
    /// Up to this share of the rows read, in percent.
    Percent(f64),
}

impl Allowance {
    fn parse(text: &str) -> Result<Self, String> {
        let bad =
            || format!("--allow-rejected takes a number of rows or a percentage, not {text:?}");
        match text.strip_suffix('%') {
            Some(p) => {
                let p: f64 = p.parse().map_err(|_| bad())?;
                if !(0.0..=100.0).contains(&p) {
                    return Err(bad());
                }
                Ok(Allowance::Percent(p))
            }
            None => text.parse().map(Allowance::Rows).map_err(|_| bad()),
        }
    }

    /// Whether `rejected` of `read` rows are within the allowance.
    pub fn allows(self, rejected: u64, read: u64) -> bool {
        match self {
            Allowance::None => rejected == 0,
            Allowance::Rows(n) => rejected <= n,
            // A share is a comparison, not a count: f64 is exact enough here.
            Allowance::Percent(p) => rejected as f64 <= p / 100.0 * read as f64,
        }
    }
}

/// The exit status when rows were rejected beyond the allowance.
pub const EXIT_REJECTED: i32 = 3;

const USAGE: &str = "usage: audit SHEETS.csv LAYOUT.json [--bulletins FILE] [--register FILE] \
[--compare CSV LAYOUT] [--exact-coverage] [--stream] [--allow-rejected N|P%] [--json]";

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
            "--stream" => out.stream = true,
            "--allow-rejected" => {
                out.allow_rejected = Allowance::parse(&value("--allow-rejected")?)?;
            }
            "--json" => out.json = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s => positional.push(s.to_owned()),
        }
    }
    let [sheets, layout] = <[String; 2]>::try_from(positional).map_err(|_| USAGE.to_owned())?;
    out.sheets = sheets;
    out.layout = layout;
    if out.stream && (out.register.is_some() || out.compare.is_some()) {
        return Err(format!(
            "--stream does not take --register or --compare: each needs the whole set in memory\n{USAGE}"
        ));
    }
    Ok(out)
}

/// Runs the audit the arguments describe and writes its report; returns whether the rows
/// rejected are within the allowance.
pub fn run(args: &Args, out: &mut dyn Write) -> Result<bool, Box<dyn Error>> {
    let layout = Layout::from_path(&args.layout)?;
    let announcements = match &args.bulletins {
        Some(path) => read_announcements(path)?,
        None => Announcements::default(),
    };
    let options = AuditOptions::default()
        .with_rules(layout.rule_set())
        .with_rule(announcements.rule.clone())
        .with_bounds(
            BoundOptions::default().with_coverage(if args.exact_coverage {
                CoverageReading::Exact
            } else {
                CoverageReading::PrintedInterval
            }),
        );
    let report = if args.stream {
        let outcome = StreamAudit::new(&layout)
            .register(&announcements.register)
            .bulletins(&announcements.bulletins)
            .options(StreamOptions::default().with_audit(options))
            .run_path(&args.sheets)?;
        let mut report = outcome.report;
        report.add_input(InputSummary::new(&args.sheets, &outcome.read));
        report
    } else {
        let read = read_csv_path(&args.sheets, &layout)?;
        let tables = match &args.register {
            Some(path) => Some(read_table_register_path(path)?),
            None => None,
        };
        let second = match &args.compare {
            Some((csv, layout)) => Some((csv, read_csv_path(csv, &Layout::from_path(layout)?)?)),
            None => None,
        };
        let mut audit = Audit::new(&read.set)
            .register(&announcements.register)
            .bulletins(&announcements.bulletins)
            .options(options);
        if let Some(t) = &tables {
            audit = audit.table_register(t);
        }
        if let Some((_, s)) = &second {
            audit = audit.second_reading(&s.set);
        }
        let mut report = audit.run()?;
        report.add_input(InputSummary::new(&args.sheets, &read.report));
        if let Some((name, s)) = &second {
            report.add_input(InputSummary::new(name.as_str(), &s.report));
        }
        report
    };
    if args.json {
        writeln!(out, "{}", report.to_json()?)?;
    } else {
        write!(out, "{report}")?;
    }
    let read: u64 = report.inputs.iter().map(|i| i.rows_read).sum();
    Ok(args.allow_rejected.allows(report.rows_rejected(), read))
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
    match run(&parsed, &mut stdout.lock()) {
        Ok(true) => {}
        Ok(false) => {
            eprintln!(
                "rows were rejected: the report covers only the rows read (see its first section; --allow-rejected to accept them)"
            );
            std::process::exit(EXIT_REJECTED);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
