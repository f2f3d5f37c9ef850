//! National scale: ingest, each check family, aggregation and the full audit on synthetic
//! elections of 10^4, 10^5 and 10^6 sheets with 10 and 40 candidates.
//!
//! Run with `cargo bench --bench scale`; figures are recorded in BENCHMARKS.md. The data comes
//! from `actas::synth` with its default seed and anomaly rates (one in a thousand of each kind).

use std::hint::black_box;

use actas::Execution;
use actas::audit::{
    Audit, BoundOptions, PlausibilityOptions, check_rules, compare, feasibility, plausibility,
    totals, totals_by_level,
};
use actas::io::{read_csv, read_csv_bytes, read_csv_path, read_csv_path_with};
use actas::rules::RuleSet;
use actas::synth::{SynthConfig, generate, layout, write_csv};
use actas::{ActaSet, Bulletin, BulletinCount, CoverageBasis, CoverageClaim, Register};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// A bulletin announcing 90% of the sheets' votes over 90% of the tables, and a register with a
/// tenth more tables and electors than the sheets: the bounds have real work to do.
fn bulletin_and_register(set: &ActaSet) -> (Bulletin, Register) {
    let t = totals(set).expect("totals");
    let counts = set
        .contest()
        .candidates()
        .iter()
        .zip(&t.candidates)
        .map(|(c, x)| BulletinCount::new(c.code.clone(), x.sum * 9 / 10))
        .collect();
    let b = Bulletin::new("bulletin", counts).with_coverage(CoverageClaim::new(
        CoverageBasis::Tables,
        "90".parse().expect("percent"),
    ));
    let register = Register::new()
        .with_tables(t.tables * 11 / 10)
        .with_electors(t.electors.sum * 11 / 10);
    (b, register)
}

fn scale(c: &mut Criterion) {
    // ACTAS_BENCH_MAX=100000 leaves out the largest size, for a quicker run.
    let max: usize = std::env::var("ACTAS_BENCH_MAX")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(1_000_000);
    let sizes: Vec<usize> = [10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|n| *n <= max)
        .collect();
    for &candidates in &[10usize, 40] {
        let mut g = c.benchmark_group(format!("scale_{candidates}c"));
        g.sample_size(10);
        g.warm_up_time(std::time::Duration::from_secs(1));
        g.measurement_time(std::time::Duration::from_secs(3));
        for &n in &sizes {
            let config = SynthConfig::default()
                .with_sheets(n)
                .with_candidates(candidates);
            let mut csv = Vec::new();
            write_csv(&config, &mut csv).expect("csv");
            let lay = layout(&config);
            let (set, _) = generate(&config).expect("set");
            let loaded = read_csv(&csv[..], &lay).expect("read").set;
            // Memory is measured by `cargo bench --bench memory` (a counting allocator).
            eprintln!(
                "memory: {n} sheets, {candidates} candidates: ActaSet::heap_bytes {} for {} CSV bytes ({:.2}x)",
                loaded.heap_bytes(),
                csv.len(),
                loaded.heap_bytes() as f64 / csv.len() as f64
            );
            drop(loaded);
            let (bulletin, register) = bulletin_and_register(&set);
            let bulletins = [bulletin];
            let rules = RuleSet::standard();

            g.throughput(Throughput::Bytes(csv.len() as u64));
            g.bench_with_input(BenchmarkId::new("ingest_csv", n), &csv, |b, csv| {
                b.iter(|| read_csv(black_box(&csv[..]), &lay).expect("read"))
            });
            // The same bytes, their length told: the set sized for them, on one core.
            g.bench_with_input(BenchmarkId::new("ingest_bytes", n), &csv, |b, csv| {
                b.iter(|| {
                    read_csv_bytes(black_box(&csv[..]), &lay, Execution::Sequential).expect("read")
                })
            });
            // From a file: read on every core when it is large enough (the `parallel` feature).
            let file = std::env::temp_dir().join(format!(
                "actas-scale-{n}-{candidates}-{}.csv",
                std::process::id()
            ));
            std::fs::write(&file, &csv).expect("temporary file");
            g.bench_with_input(BenchmarkId::new("ingest_file", n), &file, |b, file| {
                b.iter(|| read_csv_path(black_box(file), &lay).expect("read"))
            });
            // The same file on the calling thread: `ingest_file` over this is what the parts
            // on every core gain (issue 12's 1.8x on two cores).
            g.bench_with_input(
                BenchmarkId::new("ingest_file_one_core", n),
                &file,
                |b, file| {
                    b.iter(|| {
                        read_csv_path_with(black_box(file), &lay, Execution::Sequential)
                            .expect("read")
                    })
                },
            );
            std::fs::remove_file(&file).expect("temporary file");
            g.throughput(Throughput::Elements(set.len() as u64));
            g.bench_with_input(BenchmarkId::new("totals", n), &set, |b, set| {
                b.iter(|| totals(black_box(set)))
            });
            g.bench_with_input(
                BenchmarkId::new("totals_by_every_level", n),
                &set,
                |b, set| {
                    b.iter(|| {
                        (0..4)
                            .map(|l| totals_by_level(black_box(set), l).expect("level"))
                            .collect::<Vec<_>>()
                    })
                },
            );
            g.bench_with_input(BenchmarkId::new("check_rules", n), &set, |b, set| {
                b.iter(|| check_rules(black_box(set), &rules))
            });
            g.bench_with_input(BenchmarkId::new("plausibility", n), &set, |b, set| {
                b.iter(|| plausibility(black_box(set), &PlausibilityOptions::default()))
            });
            g.bench_with_input(BenchmarkId::new("feasibility", n), &set, |b, set| {
                b.iter(|| {
                    feasibility(
                        black_box(set),
                        &bulletins[0],
                        &register,
                        &BoundOptions::default(),
                    )
                })
            });
            g.bench_with_input(
                BenchmarkId::new("compare_with_itself", n),
                &set,
                |b, set| b.iter(|| compare(black_box(set), set)),
            );
            g.bench_with_input(BenchmarkId::new("full_audit", n), &set, |b, set| {
                b.iter(|| {
                    Audit::new(black_box(set))
                        .register(&register)
                        .bulletins(&bulletins)
                        .run()
                        .expect("audit")
                })
            });
            g.throughput(Throughput::Bytes(csv.len() as u64));
            g.bench_with_input(BenchmarkId::new("csv_to_report", n), &csv, |b, csv| {
                b.iter(|| {
                    let set = read_csv(black_box(&csv[..]), &lay).expect("read").set;
                    Audit::new(&set)
                        .register(&register)
                        .bulletins(&bulletins)
                        .run()
                        .expect("audit")
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, scale);
criterion_main!(benches);
