//! `actas layout check`: what a layout reads of a file, and what it rejects, before an audit.

use std::io::Write;

use actas::RepeatKind;
use actas::io::{InputSummary, Layout, ReadOutcome, ReadReport};

use crate::totals::thousands;
use crate::{DraftArgs, EXIT_CLEAN, LayoutCheckArgs};

/// How many repeated tables the text names, at most.
const REPEATS_SHOWN: usize = 10;

/// The check as text: the rows, the columns left out, the places, the repeats and the rejections.
fn write_check(
    out: &mut dyn Write,
    args: &LayoutCheckArgs,
    read: &ReadOutcome,
    input: &InputSummary,
) -> std::io::Result<()> {
    let report: &ReadReport = &read.report;
    let geo = read.set.geography();
    writeln!(
        out,
        "{} read through {}",
        args.sheets.display(),
        args.layout.display()
    )?;
    writeln!(out, "  {report}")?;
    writeln!(
        out,
        "  blank lines skipped: {}",
        thousands(report.blank_lines)
    )?;
    if report.unused_columns.is_empty() {
        writeln!(out, "  columns the layout leaves out: none")?;
    } else {
        writeln!(
            out,
            "  columns the layout leaves out: {}",
            report.unused_columns.join(", ")
        )?;
    }
    // Places by level, and the sheets with none there.
    let mut places = vec![0u64; geo.levels().len()];
    for node in (0..geo.len()).filter_map(|i| geo.place(i).and_then(|p| geo.node(p))) {
        if let Some(n) = places.get_mut(node.level()) {
            *n += 1;
        }
    }
    for ((level, n), unplaced) in geo.levels().iter().zip(&places).zip(&report.unplaced) {
        writeln!(
            out,
            "  {level}: {}; {} without one",
            plural(*n, "place"),
            plural(*unplaced, "sheet")
        )?;
    }
    if !report.repeats.is_empty() {
        let conflicting = report
            .repeats
            .iter()
            .filter(|r| r.kind == RepeatKind::Conflicting)
            .count();
        writeln!(
            out,
            "  repeated tables: {} ({} with other counts than their first row)",
            thousands(report.repeats.len() as u64),
            thousands(conflicting as u64)
        )?;
        for r in report.repeats.iter().take(REPEATS_SHOWN) {
            let kind = match r.kind {
                RepeatKind::Conflicting => "other counts",
                _ => "the same counts",
            };
            writeln!(
                out,
                "    table {} at line {}, first at line {}: {kind}",
                r.table, r.line, r.first_line
            )?;
        }
        if report.repeats.len() > REPEATS_SHOWN {
            writeln!(
                out,
                "    ... and {} more",
                thousands((report.repeats.len() - REPEATS_SHOWN) as u64)
            )?;
        }
    }
    if input.rejected > 0 {
        let reasons: Vec<String> = input
            .reasons
            .iter()
            .map(|(r, n)| format!("{r} {}", thousands(*n)))
            .collect();
        writeln!(out, "  rejected rows by reason: {}", reasons.join(", "))?;
        writeln!(
            out,
            "  the first {} of {} rejected rows:",
            input.first_rejected.len(),
            thousands(input.rejected)
        )?;
        for r in &input.first_rejected {
            writeln!(out, "    {r}")?;
        }
    }
    Ok(())
}

/// `n` things, as `1 place` or `2 places`.
fn plural(n: u64, thing: &str) -> String {
    match n {
        1 => format!("1 {thing}"),
        _ => format!("{} {thing}s", thousands(n)),
    }
}

/// `actas layout check`: the check on standard output, and the exit status.
pub(crate) fn check(args: &LayoutCheckArgs) -> u8 {
    crate::run(|| {
        let layout = Layout::from_path(&args.layout)?;
        let read = crate::progress::read_sheets(&args.sheets, &layout, args.output.quiet)?;
        let input = InputSummary::new(args.sheets.display().to_string(), &read.report);
        args.output.print(
            |out| write_check(out, args, &read, &input),
            || Ok(serde_json::to_string_pretty(&read.report)?),
        )?;
        let covers = "an audit through this layout would cover";
        Ok(args
            .output
            .rejected(input.rejected, input.rows_read, covers)
            .unwrap_or(EXIT_CLEAN))
    })
}

/// The first bytes of `path`, up to [`crate::draft::SAMPLE_BYTES`], cut after their last line
/// end when the file is longer (so that no row is sampled in part).
fn sample(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(crate::draft::SAMPLE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > crate::draft::SAMPLE_BYTES {
        let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |e| e + 1);
        bytes.truncate(end);
    }
    Ok(bytes)
}

/// `actas layout draft`: the layout on standard output or in a file, the notes on standard
/// error, and the exit status.
pub(crate) fn draft(args: &DraftArgs) -> u8 {
    crate::run(|| {
        let name = args.sheets.display().to_string();
        let bytes = sample(&args.sheets).map_err(|e| format!("{name}: {e}"))?;
        let draft = crate::draft::draft(&bytes, &name)?;
        let json = serde_json::to_string_pretty(&draft.layout)? + "\n";
        match &args.output {
            Some(path) => {
                std::fs::write(path, &json).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            None => {
                let mut out = std::io::stdout().lock();
                crate::unless_closed(out.write_all(json.as_bytes()).and_then(|()| out.flush()))?;
            }
        }
        eprintln!(
            "A draft: check each guess before an audit (`actas layout check LAYOUT {name}`):"
        );
        for note in &draft.notes {
            eprintln!("  {note}");
        }
        Ok(EXIT_CLEAN)
    })
}
