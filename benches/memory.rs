//! Memory, measured by a counting allocator: the heap an `ActaSet` holds after reading, and the
//! peak while reading, against the CSV's bytes, for synthetic national elections of 10^6 sheets
//! with 10 and 40 candidates (`ACTAS_BENCH_MAX` for fewer): through a reader of bytes in memory
//! (`read_csv`, one core, the length unknown), from the bytes with their length
//! (`read_csv_bytes`, one core) and from a file (`read_csv_path`, every core).
//!
//! Run with `cargo bench --bench memory`; it prints a table for BENCHMARKS.md. Not a criterion
//! benchmark: the counts are exact, not timed.

use actas::Execution;
use actas::io::{read_csv, read_csv_bytes, read_csv_path};
use actas::synth::{SynthConfig, layout, write_csv};

#[path = "../tests/common/counting.rs"]
mod counting;

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

/// What reading took: the heap the set holds, the peak above the start while reading, and
/// `heap_bytes`.
fn measure(read: impl FnOnce() -> actas::ActaSet) -> (usize, usize, usize) {
    let before = counting::live();
    counting::reset_peak();
    let set = read();
    let held = counting::live() - before;
    let peak = counting::peak() - before;
    let said = set.heap_bytes();
    drop(set);
    (held, peak, said)
}

fn main() {
    let max: usize = std::env::var("ACTAS_BENCH_MAX")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(1_000_000);
    println!(
        "| sheets | candidates | CSV bytes | held after reading | peak while reading (a reader) | peak while reading (bytes, one core) | peak while reading (file, every core) | `heap_bytes` |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for candidates in [10, 40] {
        for sheets in [10_000, 100_000, 1_000_000]
            .into_iter()
            .filter(|n| *n <= max)
        {
            let config = SynthConfig::default()
                .with_sheets(sheets)
                .with_candidates(candidates);
            let mut csv = Vec::new();
            write_csv(&config, &mut csv).expect("csv");
            let lay = layout(&config);
            let (held, peak, said) = measure(|| read_csv(&csv[..], &lay).expect("read").set);
            let (_, peak_bytes, _) = measure(|| {
                read_csv_bytes(&csv, &lay, Execution::Sequential)
                    .expect("read")
                    .set
            });
            let file = std::env::temp_dir().join(format!(
                "actas-memory-{sheets}-{candidates}-{}.csv",
                std::process::id()
            ));
            std::fs::write(&file, &csv).expect("temporary file");
            let (held_file, peak_file, _) =
                measure(|| read_csv_path(&file, &lay).expect("read").set);
            std::fs::remove_file(&file).expect("temporary file");
            assert_eq!(
                held, said,
                "heap_bytes must be what the allocator handed out"
            );
            let n = csv.len() as f64;
            println!(
                "| {sheets} | {candidates} | {} | {held} ({:.2}x) | {peak} ({:.2}x) | {peak_bytes} ({:.2}x) | {peak_file} ({:.2}x; holds {held_file}) | {said} |",
                csv.len(),
                held as f64 / n,
                peak as f64 / n,
                peak_bytes as f64 / n,
                peak_file as f64 / n,
            );
        }
    }
}
