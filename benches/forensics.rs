//! Election forensics at national scale: the digit tests of every field, the fingerprint, the
//! integer-percentage test and all three together on 10^6 sheets, the
//! exact null of the integer-percentage test on 10^5 tables, and (with `ACTAS_BENCH_MC=1`) the
//! published Monte Carlo null with 1,000 replicates on the same tables, for comparison.
//!
//! Run with `cargo bench --bench forensics`; figures are recorded in BENCHMARKS.md.

use std::hint::black_box;

use actas::forensics::{
    DigitOptions, FingerprintOptions, ForensicsOptions, ForensicsReport, PeakOptions, digit_tests,
    fingerprint, integer_peaks,
};
use actas::synth::{SynthConfig, generate};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn forensics(c: &mut Criterion) {
    let mut g = c.benchmark_group("forensics");
    g.sample_size(10);
    g.warm_up_time(std::time::Duration::from_secs(1));
    g.measurement_time(std::time::Duration::from_secs(5));

    let (big, _) = generate(&SynthConfig::default().with_sheets(1_000_000)).expect("set");
    g.throughput(Throughput::Elements(big.len() as u64));
    g.bench_with_input(
        BenchmarkId::new("digit_tests", big.len()),
        &big,
        |b, set| b.iter(|| digit_tests(black_box(set), &DigitOptions::default()).expect("digits")),
    );
    g.bench_with_input(
        BenchmarkId::new("fingerprint", big.len()),
        &big,
        |b, set| {
            b.iter(|| fingerprint(black_box(set), &FingerprintOptions::default()).expect("fp"))
        },
    );
    g.bench_with_input(
        BenchmarkId::new("integer_exact", big.len()),
        &big,
        |b, set| b.iter(|| integer_peaks(black_box(set), &PeakOptions::default()).expect("peaks")),
    );
    // Every test of sections 1-3 of the issue but the Klimek fit, as an audit runs them.
    g.bench_with_input(
        BenchmarkId::new("sections_1_to_3", big.len()),
        &big,
        |b, set| b.iter(|| ForensicsReport::run(black_box(set), &ForensicsOptions::standard())),
    );
    drop(big);

    let (set, _) = generate(&SynthConfig::default().with_sheets(100_000)).expect("set");
    g.throughput(Throughput::Elements(set.len() as u64));
    g.bench_with_input(
        BenchmarkId::new("integer_exact", set.len()),
        &set,
        |b, set| b.iter(|| integer_peaks(black_box(set), &PeakOptions::default()).expect("peaks")),
    );
    if std::env::var_os("ACTAS_BENCH_MC").is_some() {
        let mc = PeakOptions::default().with_monte_carlo(1_000);
        g.sample_size(10);
        g.bench_with_input(
            BenchmarkId::new("integer_monte_carlo_1000", set.len()),
            &set,
            |b, set| b.iter(|| integer_peaks(black_box(set), &mc).expect("peaks")),
        );
    }
    g.finish();
}

criterion_group!(benches, forensics);
criterion_main!(benches);
