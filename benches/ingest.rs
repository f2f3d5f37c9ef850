//! Loading the Venezuelan V1 sheets from memory, then totals and rule checks on them.
//!
//! Run with `cargo bench --bench ingest`; figures are recorded in BENCHMARKS.md.

use std::hint::black_box;

use actas::audit::{check_rules, totals, totals_by_level};
use actas::io::{Layout, read_csv};
use actas::rules::RuleSet;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ve2024");

fn ve2024(c: &mut Criterion) {
    let layout = Layout::from_path(format!("{DIR}/layout_v1.json")).expect("layout");
    let bytes = std::fs::read(format!("{DIR}/RESULTADOS_2024_CSV_V1.csv")).expect("data");
    let set = read_csv(&bytes[..], &layout).expect("V1 loads").set;
    let sheets = set.len() as u64;

    let mut g = c.benchmark_group("ve2024_v1");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("read_csv_bytes", |b| {
        b.iter(|| read_csv(black_box(&bytes[..]), &layout).unwrap())
    });
    g.throughput(Throughput::Elements(sheets));
    g.bench_function("read_csv_sheets", |b| {
        b.iter(|| read_csv(black_box(&bytes[..]), &layout).unwrap())
    });
    g.bench_function("totals", |b| b.iter(|| totals(black_box(&set)).unwrap()));
    g.bench_function("totals_by_state", |b| {
        b.iter(|| totals_by_level(black_box(&set), 0).unwrap())
    });
    let rules = RuleSet::standard();
    g.bench_function("check_rules", |b| {
        b.iter(|| check_rules(black_box(&set), &rules))
    });
    g.bench_function("load_total_check", |b| {
        b.iter(|| {
            let set = read_csv(black_box(&bytes[..]), &layout).unwrap().set;
            (totals(&set).unwrap(), check_rules(&set, &rules))
        })
    });
    g.finish();
}

criterion_group!(benches, ve2024);
criterion_main!(benches);
