//! The full audit of the Venezuelan sheets against the council's two bulletins.
//!
//! Run with `cargo bench --bench audit`; figures are recorded in BENCHMARKS.md.

use std::hint::black_box;

use actas::audit::Audit;
use actas::io::{Layout, read_announcements, read_csv};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ve2024");

fn ve2024(c: &mut Criterion) {
    let load = |v: &str| {
        let layout = Layout::from_path(format!("{DIR}/layout_{v}.json")).expect("layout");
        let bytes = std::fs::read(format!(
            "{DIR}/RESULTADOS_2024_CSV_{}.csv",
            v.to_uppercase()
        ))
        .expect("data");
        (layout, bytes)
    };
    let (l1, b1) = load("v1");
    let (l2, b2) = load("v2");
    let v1 = read_csv(&b1[..], &l1).expect("V1").set;
    let v2 = read_csv(&b2[..], &l2).expect("V2").set;
    let a = read_announcements(format!("{DIR}/bulletins.json")).expect("bulletins");

    let mut g = c.benchmark_group("audit");
    g.throughput(Throughput::Elements(v2.len() as u64));
    g.bench_function("v2_in_memory", |b| {
        b.iter(|| {
            Audit::new(black_box(&v2))
                .register(&a.register)
                .bulletins(&a.bulletins)
                .run()
                .unwrap()
        })
    });
    g.bench_function("v2_from_csv_bytes", |b| {
        b.iter(|| {
            let set = read_csv(black_box(&b2[..]), &l2).unwrap().set;
            Audit::new(&set)
                .register(&a.register)
                .bulletins(&a.bulletins)
                .run()
                .unwrap()
        })
    });
    g.throughput(Throughput::Elements(v1.len() as u64));
    g.bench_function("v1_with_second_reading_in_memory", |b| {
        b.iter(|| {
            Audit::new(black_box(&v1))
                .register(&a.register)
                .bulletins(&a.bulletins)
                .second_reading(&v2)
                .run()
                .unwrap()
        })
    });
    g.finish();

    // Reading every sheet's valid votes: through the borrowed views `ActaSet::iter` hands out,
    // through owned sheets, and through the column accessor.
    let mut g = c.benchmark_group("sheets");
    g.throughput(Throughput::Elements(v1.len() as u64));
    g.bench_function("iter_views_valid", |b| {
        b.iter(|| {
            black_box(&v1)
                .iter()
                .filter_map(|s| s.valid())
                .map(u64::from)
                .sum::<u64>()
        })
    });
    g.bench_function("iter_owned_sheets_valid", |b| {
        b.iter(|| {
            black_box(&v1)
                .iter()
                .filter_map(|s| s.to_sheet().valid)
                .map(u64::from)
                .sum::<u64>()
        })
    });
    g.bench_function("count_by_index_valid", |b| {
        b.iter(|| {
            let set = black_box(&v1);
            (0..set.len())
                .filter_map(|i| set.count(i, actas::Field::Valid))
                .map(u64::from)
                .sum::<u64>()
        })
    });
    g.finish();
}

criterion_group!(benches, ve2024);
criterion_main!(benches);
