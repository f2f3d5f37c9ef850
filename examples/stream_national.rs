//! A national audit streamed from disk: a synthetic election of ten million tables, audited in
//! one pass with bounded memory.
//!
//! ```text
//! cargo run --release --example stream_national -- [SHEETS] [FILE.csv]
//! ```
//!
//! Writes the CSV first if the file does not exist (about 1 GB for ten million sheets with ten
//! candidates), then streams it through `StreamAudit` against a bulletin and prints the time, the
//! peak resident memory of the process (Linux) and the verdict.

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use actas::audit::{StreamAudit, StreamOptions};
use actas::report::Code;
use actas::synth::{SynthConfig, layout, write_csv};
use actas::{Bulletin, BulletinCount, CoverageBasis, CoverageClaim, Register};

mod common;
use common::thousands;

/// The peak resident memory of this process, in bytes, from `/proc/self/status` (Linux).
fn peak_resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sheets: usize = args
        .first()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(10_000_000);
    let path = args.get(1).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(format!(
            "{}/target/stream_national_{sheets}.csv",
            env!("CARGO_MANIFEST_DIR")
        ))
    });
    let config = SynthConfig::default().with_sheets(sheets);
    if !path.exists() {
        let start = Instant::now();
        let injected = write_csv(&config, std::fs::File::create(&path)?)?;
        println!(
            "wrote {} ({} tables, {} duplicates, {} conflicts) in {:.1} s",
            path.display(),
            thousands(sheets as u64),
            injected.duplicates.len(),
            injected.conflicts.len(),
            start.elapsed().as_secs_f64()
        );
    }
    let bytes = std::fs::metadata(&path)?.len();
    let before = peak_resident();

    // A bulletin that claims 80% of a register a quarter larger than the file and announces
    // almost nothing: every count is below what the sheets allow (F001), which the streamed
    // bounds must find.
    let layout = layout(&config);
    let counts: Vec<BulletinCount> = (1..=config.candidates)
        .map(|c| BulletinCount::new(format!("C{c:02}"), if c == 1 { 1 } else { 0 }))
        .collect();
    let bulletin = Bulletin::new("synthetic bulletin", counts)
        .with_coverage(CoverageClaim::new(CoverageBasis::Tables, "80".parse()?));
    let register = Register::new().with_tables(sheets as u64 * 5 / 4);
    let bulletins = [bulletin];
    let start = Instant::now();
    let out = StreamAudit::new(&layout)
        .register(&register)
        .bulletins(&bulletins)
        .options(StreamOptions::default())
        .run_path(&path)?;
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "streamed {} sheets ({:.0} MB) in {:.1} s: {:.0} MB/s, {} sheets/s",
        thousands(out.read.rows_read),
        bytes as f64 / 1e6,
        seconds,
        bytes as f64 / 1e6 / seconds,
        thousands((out.read.rows_read as f64 / seconds) as u64)
    );
    match (before, peak_resident()) {
        (Some(b), Some(p)) => println!(
            "peak resident memory: {:.0} MB ({:.0} MB before the audit)",
            p as f64 / 1e6,
            b as f64 / 1e6
        ),
        _ => println!("peak resident memory: not available on this system"),
    }
    println!(
        "{} findings; {} places at the top level",
        thousands(out.report.findings.len() as u64),
        out.places.len()
    );
    for code in [
        Code::RuleBroken,
        Code::MoreVotersThanElectors,
        Code::RepeatIdentical,
        Code::RepeatConflicting,
        Code::AnnouncedBelowSheets,
        Code::AnnouncedAboveSheets,
    ] {
        println!(
            "  {code}: {}",
            thousands(out.report.with_code(code).count() as u64)
        );
    }
    Ok(())
}
