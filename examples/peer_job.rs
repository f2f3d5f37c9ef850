//! The job of the peer comparison (`benches/peers/`), done with actas: read a CSV of sheets;
//! totals per candidate and per top-level region (each table once, its first reading); the
//! three standard sheet rules with their violation counts (every row); repeated tables.
//!
//! ```text
//! cargo run --release --example peer_job -- SHEETS.csv LAYOUT.json [RUNS]
//! ```
//!
//! Prints one JSON object: the numbers, and the wall-clock seconds of each run (file on disk to
//! numbers, everything included).

use std::collections::BTreeMap;
use std::error::Error;
use std::time::Instant;

use actas::audit::{check_rules, totals, totals_by_level};
use actas::io::{Layout, read_csv_path};
use actas::rules::RuleSet;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [csv, layout, rest @ ..] = &args[..] else {
        return Err("usage: peer_job SHEETS.csv LAYOUT.json [RUNS]".into());
    };
    let runs: usize = rest.first().map(|s| s.parse()).transpose()?.unwrap_or(5);
    let layout = Layout::from_path(layout)?;
    let mut seconds = Vec::new();
    let mut result = serde_json::Value::Null;
    for _ in 0..runs {
        let start = Instant::now();
        let read = read_csv_path(csv, &layout)?;
        let set = &read.set;
        let t = totals(set)?;
        let regions = totals_by_level(set, 0)?;
        let rules = check_rules(set, &RuleSet::standard()).unwrap();
        let contest = set.contest();
        let per_candidate: BTreeMap<&str, u64> = contest
            .candidates()
            .iter()
            .zip(&t.candidates)
            .map(|(c, x)| (c.code.as_str(), x.sum))
            .collect();
        let geo = set.geography();
        let per_region: BTreeMap<&str, BTreeMap<&str, u64>> = regions
            .places
            .iter()
            .map(|(p, rt)| {
                let code = geo.node(*p).map_or("?", |n| n.code());
                let votes = contest
                    .candidates()
                    .iter()
                    .zip(&rt.candidates)
                    .map(|(c, x)| (c.code.as_str(), x.sum))
                    .collect();
                (code, votes)
            })
            .collect();
        let broken: BTreeMap<String, u64> = rules
            .rules
            .iter()
            .map(|r| (r.rule.to_string(), r.broken))
            .collect();
        result = serde_json::json!({
            "rows": read.report.rows_read,
            "candidates": per_candidate,
            "regions": per_region,
            "rules_broken": broken,
            "repeated_tables": set.repeats().len(),
        });
        seconds.push(start.elapsed().as_secs_f64());
    }
    result["seconds"] = serde_json::json!(seconds);
    println!("{result}");
    Ok(())
}
