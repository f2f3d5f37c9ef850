//! `actas`: audit announced election results against the tally sheets they come from.
//!
//! ```text
//! cargo install --path cli
//! actas audit data/ve2024/RESULTADOS_2024_CSV_V1.csv data/ve2024/layout_v1.json \
//!     --bulletins data/ve2024/bulletins.json
//! ```
//!
//! The exit status says how the audit went ([`EXIT_CODES`]), so that a script can act on it.

use std::error::Error;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use actas::audit::{
    Audit, AuditOptions, AuditReport, BoundOptions, CoverageReading, StreamAudit, StreamOptions,
    totals_by_level,
};
use actas::forensics::{ForensicsOptions, ForensicsReport};
use actas::io::{InputSummary, Layout, read_announcements, read_table_register_path};
use actas::report::{Finding, Severity};
use actas::{ActaSet, Announcements, Candidate};
use clap::{Args, Parser, Subcommand, ValueEnum};

mod compare;
mod draft;
mod forensics;
mod html;
mod layout;
mod progress;
mod rla;
mod totals;

/// The exit statuses, as `--help` prints them.
const EXIT_CODES: &str = "\
Exit status:
  0  done: every row of every input was read (or the rejected rows are allowed), and no
     finding is at or above --fail-on
  1  an input could not be read at all (a missing file, a bad layout, ...), or the output
     could not be written
  2  the arguments are wrong
  3  rows were rejected beyond --allow-rejected: the output covers only the rows read
  4  a finding is at or above the severity --fail-on names (audit, compare, forensics,
     rla evaluate)";

/// The command ran and everything was read.
const EXIT_CLEAN: u8 = 0;
/// An input could not be read.
const EXIT_INPUT: u8 = 1;
/// Rows were rejected beyond the allowance.
const EXIT_REJECTED: u8 = 3;
/// A finding at or above `--fail-on`.
const EXIT_FINDINGS: u8 = 4;

const AUDIT_EXAMPLE: &str = "\
Example, on the Venezuelan data bundled with the repository:
  actas audit data/ve2024/RESULTADOS_2024_CSV_V1.csv data/ve2024/layout_v1.json \\
      --bulletins data/ve2024/bulletins.json \\
      --compare data/ve2024/RESULTADOS_2024_CSV_V2.csv data/ve2024/layout_v2.json";

/// Audit announced election results against the tally sheets they come from.
#[derive(Debug, Parser)]
#[command(name = "actas", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read the sheets through a layout, check them, and check the announcements against them.
    #[command(after_help = format!("{AUDIT_EXAMPLE}\n\n{EXIT_CODES}"))]
    Audit(AuditArgs),
    /// Read the sheets through a layout and print their totals, nationally and by place.
    #[command(after_help = format!("{TOTALS_EXAMPLE}\n\n{EXIT_CODES}"))]
    Totals(TotalsArgs),
    /// Compare two readings of the same tables (two publications, two transcriptions), table
    /// by table.
    #[command(after_help = format!("{}\n\n{EXIT_CODES}", compare::COMPARE_EXAMPLE))]
    Compare(compare::CompareArgs),
    /// Run the forensic tests on the sheets (digits, integer percentages, the fingerprint,
    /// optionally the fraud model): evidence to look closer, never a verdict.
    #[command(after_help = format!("{}\n\n{EXIT_CODES}", forensics::FORENSICS_EXAMPLE))]
    Forensics(forensics::ForensicsArgs),
    /// A risk-limiting audit of the sheets, one step at a time: plan, draw, evaluate.
    #[command(subcommand, after_help = rla::RLA_EXAMPLE)]
    Rla(rla::RlaCommand),
    /// Work with layouts: draft one from a file, or check what one reads of a file.
    #[command(subcommand)]
    Layout(LayoutCommand),
    /// Print the completion script of a shell for `actas`.
    #[command(after_help = COMPLETIONS_EXAMPLE)]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

const TOTALS_EXAMPLE: &str = "\
Example, the Venezuelan sheets by state:
  actas totals data/ve2024/RESULTADOS_2024_CSV_V1.csv data/ve2024/layout_v1.json --level state";

/// The arguments of `actas totals`.
#[derive(Debug, Args)]
struct TotalsArgs {
    /// The tally sheets: a CSV file, one row per sheet.
    sheets: PathBuf,
    /// How to read them: a layout file (JSON).
    layout: PathBuf,
    /// Also the totals by place at this geography level (its name in the layout, or its index
    /// from 0).
    #[arg(long, value_name = "LEVEL")]
    level: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Subcommand)]
enum LayoutCommand {
    /// Guess a layout from a file's header and a sample of its rows, for you to check: the
    /// layout on standard output (or --output), each guess said on standard error.
    #[command(after_help = DRAFT_EXAMPLE)]
    Draft(DraftArgs),
    /// Read a file through a layout and say what it reads and what it rejects: rows, columns
    /// left out, places, repeated tables, the first rejected rows; before an audit runs.
    #[command(after_help = format!("{CHECK_EXAMPLE}\n\n{EXIT_CODES}"))]
    Check(LayoutCheckArgs),
}

const DRAFT_EXAMPLE: &str = "\
Example:
  actas layout draft data/ve2024/RESULTADOS_2024_CSV_V2.csv --output layout.json
  actas layout check layout.json data/ve2024/RESULTADOS_2024_CSV_V2.csv";

/// The arguments of `actas layout draft`.
#[derive(Debug, Args)]
struct DraftArgs {
    /// The tally sheets: a CSV file with a header.
    sheets: PathBuf,
    /// Write the layout to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

const CHECK_EXAMPLE: &str = "\
Example:
  actas layout check data/ve2024/layout_v1.json data/ve2024/RESULTADOS_2024_CSV_V1.csv";

/// The arguments of `actas layout check`.
#[derive(Debug, Args)]
struct LayoutCheckArgs {
    /// The layout file (JSON).
    layout: PathBuf,
    /// The tally sheets it is to read: a CSV file.
    sheets: PathBuf,
    #[command(flatten)]
    output: OutputArgs,
}

const COMPLETIONS_EXAMPLE: &str = "\
Examples:
  actas completions bash > ~/.local/share/bash-completion/completions/actas
  actas completions zsh > ~/.zfunc/_actas
  actas completions fish > ~/.config/fish/completions/actas.fish";

/// The arguments of `actas audit`.
#[derive(Debug, Args)]
struct AuditArgs {
    /// The tally sheets: a CSV file, one row per sheet.
    sheets: PathBuf,
    /// How to read them: a layout file (JSON) naming the key, places, fields and candidates.
    layout: PathBuf,
    /// The announcements (register and bulletins), in the actas JSON format.
    #[arg(long, value_name = "FILE")]
    bulletins: Option<PathBuf>,
    /// A register of tables: a CSV with a `table` column and an optional `electors` column.
    #[arg(long, value_name = "FILE")]
    register: Option<PathBuf>,
    /// A second reading of the same tables (a CSV and its layout), to compare with.
    #[arg(long, num_args = 2, value_names = ["CSV", "LAYOUT"])]
    compare: Option<Vec<PathBuf>>,
    /// Read printed coverage shares as exact (by default, every value that rounds to them).
    #[arg(long)]
    exact_coverage: bool,
    /// Read the sheets once with bounded memory (files too large to hold): the same report,
    /// without --register and --compare (each needs the whole set).
    #[arg(long, conflicts_with_all = ["register", "compare"])]
    stream: bool,
    /// Also run the forensic tests (digits, integer percentages, fingerprint): evidence to
    /// look closer, in the findings (X001 to X006) and, with --html, as plots.
    #[arg(long)]
    forensics: bool,
    /// Also write the report as one self-contained HTML page (charts inline, no network), to
    /// read on any device, print or publish.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    #[command(flatten)]
    fail_on: FailOn,
    #[command(flatten)]
    output: OutputArgs,
}

/// When findings make the command exit 4.
#[derive(Debug, Args)]
struct FailOn {
    /// Exit 4 when a finding is at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<Level>,
}

impl FailOn {
    /// Exit status 4, said on standard error, when a finding is at or above `--fail-on`.
    fn check(&self, findings: &[Finding]) -> Option<u8> {
        let level = self.fail_on?.severity();
        let at_or_above = findings.iter().filter(|f| f.severity >= level).count();
        (at_or_above > 0).then(|| {
            eprintln!("{at_or_above} finding(s) at or above {level}");
            EXIT_FINDINGS
        })
    }
}

/// What a command that reads sheets prints, and how many rejected rows it lets pass.
#[derive(Debug, Args)]
struct OutputArgs {
    /// Exit 0 even if up to N rows (or P% of the rows read) were rejected.
    #[arg(long, value_name = "N|P%", value_parser = Allowance::parse, default_value = "0")]
    allow_rejected: Allowance,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Print nothing but errors: the exit status says how the run went.
    #[arg(long, short)]
    quiet: bool,
}

impl OutputArgs {
    /// Prints the output on standard output, as text (`text`) or JSON (`json`), unless quiet.
    fn print(
        &self,
        text: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
        json: impl FnOnce() -> Result<String, Box<dyn Error>>,
    ) -> Result<(), Box<dyn Error>> {
        if self.quiet {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        let written = if self.json {
            let json = json()?;
            writeln!(out, "{json}")
        } else {
            text(&mut out)
        };
        Ok(unless_closed(written.and_then(|()| out.flush()))?)
    }

    /// Exit status 3, said on standard error, when more rows were rejected than allowed;
    /// `covers` says what covers only the rows read.
    fn rejected(&self, rejected: u64, read: u64, covers: &str) -> Option<u8> {
        (!self.allow_rejected.allows(rejected, read)).then(|| {
            eprintln!(
                "{rejected} of {read} rows were rejected: {covers} only the rows read \
                 (--allow-rejected to accept them)"
            );
            EXIT_REJECTED
        })
    }
}

/// `written`, except that a reader that stopped reading (`actas ... | head`) is no failure:
/// the exit status still says how the run went.
fn unless_closed(written: std::io::Result<()>) -> std::io::Result<()> {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Runs a command: its exit status, or status 1 with its error on standard error (an input
/// that could not be read, or an output that could not be written).
fn run(command: impl FnOnce() -> Result<u8, Box<dyn Error>>) -> u8 {
    command().unwrap_or_else(|e| {
        eprintln!("error: {e}");
        EXIT_INPUT
    })
}

/// A severity, as `--fail-on` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Level {
    Info,
    Warning,
    Error,
    Critical,
}

impl Level {
    fn severity(self) -> Severity {
        match self {
            Level::Info => Severity::Info,
            Level::Warning => Severity::Warning,
            Level::Error => Severity::Error,
            Level::Critical => Severity::Critical,
        }
    }
}

/// How many rejected rows still let the command exit 0: a number of rows, or a share of the
/// rows read in millionths of a percent (`0.01%` is 10,000), compared exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Allowance {
    Rows(u64),
    Micropercent(u64),
}

impl Allowance {
    /// `N` rows, or `P%` with up to six decimals, from 0% to 100%.
    fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "{text:?} is neither a number of rows (such as 2) nor a percentage from 0% to \
                 100% with at most six decimals (such as 0.5%)"
            )
        };
        let Some(p) = text.strip_suffix('%') else {
            return text.parse().map(Allowance::Rows).map_err(|_| bad());
        };
        let (whole, fraction) = p.split_once('.').unwrap_or((p, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 6 {
            return Err(bad());
        }
        let whole: u64 = whole.parse().map_err(|_| bad())?;
        let fraction: u64 = format!("{fraction:0<6}").parse().map_err(|_| bad())?;
        match whole
            .checked_mul(1_000_000)
            .and_then(|w| w.checked_add(fraction))
        {
            Some(m) if m <= 100_000_000 => Ok(Allowance::Micropercent(m)),
            _ => Err(bad()),
        }
    }

    /// Whether `rejected` of `read` rows are within the allowance.
    fn allows(self, rejected: u64, read: u64) -> bool {
        match self {
            Allowance::Rows(n) => rejected <= n,
            // rejected / read <= m / 10^8, in integers.
            Allowance::Micropercent(m) => {
                u128::from(rejected) * 100_000_000 <= u128::from(m) * u128::from(read)
            }
        }
    }
}

/// An audit's report, with the sheets when they were held in memory (not with `--stream`).
struct Audited {
    report: AuditReport,
    set: Option<ActaSet>,
    layout: Layout,
}

/// The forensic tests `--forensics` asks for: the standard ones, but for the integer-percentage
/// test when streaming (it needs every table at once), which is said on standard error.
fn forensics_options(args: &AuditArgs) -> ForensicsOptions {
    if !args.forensics {
        return ForensicsOptions::default();
    }
    let mut options = ForensicsOptions::standard();
    if args.stream {
        options.peaks = None;
        eprintln!(
            "note: with --stream, the integer-percentage test (X005) is not run: it needs every \
             table in memory (run without --stream for it)"
        );
    }
    options
}

/// Runs the audit the arguments describe; the report, or the error that stopped it.
fn audit(args: &AuditArgs) -> Result<Audited, actas::Error> {
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
        )
        .with_forensics(forensics_options(args));
    if args.stream {
        let stream = StreamAudit::new(&layout)
            .register(&announcements.register)
            .bulletins(&announcements.bulletins)
            .options(StreamOptions::default().with_audit(options));
        let outcome = progress::stream(&stream, &args.sheets, args.output.quiet)?;
        let mut report = outcome.report;
        report.add_input(InputSummary::new(
            args.sheets.display().to_string(),
            &outcome.read,
        ));
        return Ok(Audited {
            report,
            set: None,
            layout,
        });
    }
    let read = progress::read_sheets(&args.sheets, &layout, args.output.quiet)?;
    let tables = match &args.register {
        Some(path) => Some(read_table_register_path(path)?),
        None => None,
    };
    let second = match args.compare.as_deref() {
        Some([csv, layout]) => Some((
            csv,
            progress::read_sheets(csv, &Layout::from_path(layout)?, args.output.quiet)?,
        )),
        _ => None,
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
    report.add_input(InputSummary::new(
        args.sheets.display().to_string(),
        &read.report,
    ));
    if let Some((name, s)) = &second {
        report.add_input(InputSummary::new(name.display().to_string(), &s.report));
    }
    Ok(Audited {
        report,
        set: Some(read.set),
        layout,
    })
}

/// `actas audit`: the report on standard output (and in `--html`), and the exit status.
fn run_audit(args: &AuditArgs) -> u8 {
    run(|| {
        let audited = audit(args)?;
        let report = &audited.report;
        if let Some(path) = &args.html {
            let page = html_page(args, &audited)?;
            std::fs::write(path, page)
                .map_err(|e| format!("could not write the HTML report {}: {e}", path.display()))?;
        }
        args.output
            .print(|out| write!(out, "{report}"), || Ok(report.to_json()?))?;
        let read: u64 = report.inputs.iter().map(|i| i.rows_read).sum();
        let covers = "the report covers (see its first section)";
        if let Some(code) = args.output.rejected(report.rows_rejected(), read, covers) {
            return Ok(code);
        }
        Ok(args.fail_on.check(&report.findings).unwrap_or(EXIT_CLEAN))
    })
}

/// The HTML page of an audit: the report, the totals by the layout's first level, the inputs
/// with their checksums, the command, and the forensic plots.
fn html_page(args: &AuditArgs, audited: &Audited) -> Result<String, Box<dyn Error>> {
    let report = &audited.report;
    let mut files = vec![("sheets", &args.sheets), ("layout", &args.layout)];
    if let Some(p) = &args.bulletins {
        files.push(("announcements", p));
    }
    if let Some(p) = &args.register {
        files.push(("register of tables", p));
    }
    if let Some([csv, layout]) = args.compare.as_deref() {
        files.push(("second reading", csv));
        files.push(("its layout", layout));
    }
    let inputs = files
        .into_iter()
        .map(|(role, path)| checksum(role, path))
        .collect::<Result<Vec<_>, _>>()?;
    let places = match (&audited.set, audited.layout.geography.first()) {
        (None, _) => Err("with --stream the sheets are not held, and places need them".into()),
        (_, None) => Err("the layout names no geography".into()),
        (Some(set), Some(level)) => {
            let lt = totals_by_level(set, 0)?;
            let geo = set.geography();
            Ok(html::Places {
                level: level.level.clone(),
                places: lt
                    .places
                    .into_iter()
                    .map(|(path, t)| (totals::place_label(geo, path), t))
                    .collect(),
                unplaced: (lt.unplaced.tables > 0).then_some(lt.unplaced),
            })
        }
    };
    Ok(html::render(&html::Page {
        report,
        places,
        inputs,
        command: command_line(),
        plots: match &report.forensics {
            Some(x) => {
                let votes: Vec<u64> = report.totals.candidates.iter().map(|c| c.sum).collect();
                plots(x, &report.candidates, &votes)?
            }
            None => Vec::new(),
        },
    }))
}

/// The command as run, from `actas` on (not the path of the binary, which differs between
/// machines), each argument quoted when it needs to be.
fn command_line() -> String {
    let mut out = String::from("actas");
    for a in std::env::args_os().skip(1) {
        let a = a.to_string_lossy();
        let plain = !a.is_empty()
            && a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,%+@".contains(&b));
        out.push(' ');
        if plain {
            out.push_str(&a);
        } else {
            out.push('\'');
            out.push_str(&a.replace('\'', r"'\''"));
            out.push('\'');
        }
    }
    out
}

/// A file's role, path, size and SHA-256.
fn checksum(role: &'static str, path: &Path) -> Result<html::InputFile, Box<dyn Error>> {
    use sha2::{Digest, Sha256};
    let fail =
        |e: std::io::Error| format!("could not read {} for its checksum: {e}", path.display());
    let mut file = std::fs::File::open(path).map_err(fail)?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher).map_err(fail)?;
    let sha256 = hasher
        .finalize()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        });
    Ok(html::InputFile {
        role,
        path: path.display().to_string(),
        bytes,
        sha256,
    })
}

/// The forensic plots of tests that ran: the fingerprint, the histograms of turnout and of the
/// leader's share, and the last digits of the two candidates with most `votes`.
fn plots(
    x: &ForensicsReport,
    candidates: &[Candidate],
    votes: &[u64],
) -> Result<Vec<html::Plot>, actas::Error> {
    use actas::forensics::plot;
    let name = |code: &str| {
        candidates
            .iter()
            .find(|c| c.code == code)
            .map_or_else(|| code.to_owned(), |c| c.name.clone())
    };
    let mut out = Vec::new();
    if let Some(fp) = &x.fingerprint {
        let leader = name(&fp.leader);
        out.push(html::Plot {
            file: "fingerprint.svg".into(),
            caption: format!(
                "The fingerprint: tables by turnout (across) and {leader}'s share (up), shaded by \
                 weight; a clean count tends to make one round cloud"
            ),
            svg: plot::fingerprint_svg(fp, &format!("Turnout × {leader}'s share"))?,
        });
        out.push(html::Plot {
            file: "turnout.svg".into(),
            caption: "Turnout per table; the integer percentages in red".into(),
            svg: plot::histogram_svg(&fp.turnout, "Turnout per table", "Turnout (%)")?,
        });
        out.push(html::Plot {
            file: "share.svg".into(),
            caption: format!("{leader}'s share per table; the integer percentages in red"),
            svg: plot::histogram_svg(
                &fp.share,
                &format!("{leader}'s share per table"),
                "Share (%)",
            )?,
        });
    }
    if let Some(d) = &x.digits {
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by_key(|&c| std::cmp::Reverse(votes.get(c).copied().unwrap_or(0)));
        for c in order.into_iter().take(2) {
            let code = &candidates[c].code;
            if let Some(s) = d.series.iter().find(|s| &s.field == code) {
                let title = format!("Last digits of {}'s counts", name(code));
                out.push(html::Plot {
                    file: format!("last_digits_{}.svg", file_safe(code)),
                    caption: format!(
                        "{title}, against the uniform share of a clean count (counts with enough \
                         digits only)"
                    ),
                    svg: plot::digits_svg(&s.last.dist, &title)?,
                });
            }
        }
    }
    Ok(out)
}

/// A candidate's code as part of a file name: letters, digits, `-` and `_` kept, anything else
/// made `_`.
fn file_safe(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `actas completions SHELL`: the script on standard output.
fn completions(shell: clap_complete::Shell) -> u8 {
    use clap::CommandFactory;
    run(|| {
        let mut out = std::io::stdout().lock();
        clap_complete::generate(shell, &mut Cli::command(), "actas", &mut out);
        unless_closed(out.flush())?;
        Ok(EXIT_CLEAN)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(match &cli.command {
        Command::Audit(args) => run_audit(args),
        Command::Totals(args) => totals::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Forensics(args) => forensics::run(args),
        Command::Rla(rla::RlaCommand::Plan(args)) => rla::plan(args),
        Command::Rla(rla::RlaCommand::Draw(args)) => rla::draw(args),
        Command::Rla(rla::RlaCommand::Evaluate(args)) => rla::evaluate(args),
        Command::Layout(LayoutCommand::Check(args)) => layout::check(args),
        Command::Layout(LayoutCommand::Draft(args)) => layout::draft(args),
        Command::Completions { shell } => completions(*shell),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// Allowances are compared exactly, at the edges of each form.
    #[test]
    fn allowances() {
        let a = |t: &str| Allowance::parse(t).unwrap();
        assert_eq!(a("0"), Allowance::Rows(0));
        assert_eq!(a("0%"), Allowance::Micropercent(0));
        assert_eq!(a("100%"), Allowance::Micropercent(100_000_000));
        assert_eq!(a("0.000001%"), Allowance::Micropercent(1));
        assert_eq!(a("12.5%"), Allowance::Micropercent(12_500_000));
        for bad in [
            "",
            "%",
            "-1",
            "1.5",
            "100.000001%",
            "101%",
            ".5%",
            "0.0000001%",
            "1e3%",
            "x",
            "18446744073709551616",
        ] {
            assert!(Allowance::parse(bad).is_err(), "{bad:?}");
        }
        assert!(a("2").allows(2, 10) && !a("2").allows(3, 10));
        assert!(a("0").allows(0, 0) && !a("0").allows(1, 1));
        // 0.01% of 24,532 rows is 2.4532 rows.
        assert!(a("0.01%").allows(2, 24_532) && !a("0.01%").allows(3, 24_532));
        assert!(a("100%").allows(u64::MAX, u64::MAX));
        assert!(!a("0%").allows(1, u64::MAX));
        assert!(a("50%").allows(1, 2) && !a("50%").allows(2, 3));
    }
}
