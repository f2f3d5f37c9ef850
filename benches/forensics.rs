//! Election forensics at national scale: the digit tests of every field on 10^6 sheets, the
//! exact null of the integer-percentage test on 10^5 tables, and (with `ACTAS_BENCH_MC=1`) the
//! published Monte Carlo null with 1,000 replicates on the same tables, for comparison.
//!
//! Run with `cargo bench --bench forensics`; figures are recorded in BENCHMARKS.md.

use std::hint::black_box;

use actas::forensics::{DigitOptions, PeakOptions, digit_tests, integer_peaks};
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
