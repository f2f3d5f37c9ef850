//! Writes a synthetic national election as CSV, with its layout next to it.
//!
//! ```text
//! cargo run --release --example synth_csv -- SHEETS CANDIDATES OUT.csv [SEED]
//! ```
//!
//! Writes `OUT.csv` and `OUT.layout.json`, and prints how many anomalies of each kind were
//! injected. The data is that of `actas::synth` (deterministic for a seed).

use std::error::Error;
use std::fs::File;

use actas::synth::{SynthConfig, layout, write_csv};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [sheets, candidates, out, rest @ ..] = &args[..] else {
        return Err("usage: synth_csv SHEETS CANDIDATES OUT.csv [SEED]".into());
    };
    let config = SynthConfig::default()
        .with_sheets(sheets.parse()?)
        .with_candidates(candidates.parse()?)
        .with_seed(
            rest.first()
                .map(|s| s.parse())
                .transpose()?
                .unwrap_or(SynthConfig::default().seed),
        );
    let injected = write_csv(&config, File::create(out)?)?;
    let layout_path = format!("{}.layout.json", out.trim_end_matches(".csv"));
    std::fs::write(&layout_path, layout(&config).to_json()?)?;
    println!(
        "{out}: {} tables; injected {} rule violations, {} over-100% turnouts, {} duplicates, {} conflicts; layout {layout_path}",
        config.sheets,
        injected.rule_violations.len(),
        injected.over_turnout.len(),
        injected.duplicates.len(),
        injected.conflicts.len()
    );
    Ok(())
}
