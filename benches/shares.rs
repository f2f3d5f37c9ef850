//! The range of shares printed without counts against the count bounds, on the same synthetic
//! election and the same subjects: 10^6 sheets (10^5 with `ACTAS_BENCH_MAX=100000`), 10
//! candidates, a bulletin over 90% of the tables and a register a tenth larger than the sheets.
//!
//! Run with `cargo bench --bench shares`; figures are recorded in BENCHMARKS.md.

use std::hint::black_box;

use actas::audit::{BoundOptions, feasibility, totals};
use actas::synth::{SynthConfig, generate};
use actas::{ActaSet, Bulletin, BulletinCount, CoverageBasis, CoverageClaim, Register};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The count bulletin (90% of each candidate's votes) and the share bulletin (each candidate's
/// share of the sheets' valid votes, printed to two decimals), both over 90% of the tables.
fn bulletins(set: &ActaSet, basis: CoverageBasis) -> (Bulletin, Bulletin, Register) {
    let t = totals(set).expect("totals");
    let valid: u64 = t.candidates.iter().map(|x| x.sum).sum();
    let mut counts = Vec::new();
    let mut shares = Vec::new();
    for (c, x) in set.contest().candidates().iter().zip(&t.candidates) {
        counts.push(BulletinCount::new(c.code.clone(), x.sum * 9 / 10));
        let share = actas::percent_of(x.sum, valid, 2, actas::Rounding::HalfUp).expect("share");
        shares.push(BulletinCount::share(
            c.code.clone(),
            actas::Percent::new(share).expect("percent"),
        ));
    }
    let claim = CoverageClaim::new(basis, "90".parse().expect("percent"));
    let register = Register::new()
        .with_tables(t.tables * 11 / 10)
        .with_electors(t.electors.sum * 11 / 10);
    (
        Bulletin::new("counts", counts).with_coverage(claim),
        Bulletin::new("shares", shares).with_coverage(claim),
        register,
    )
}

fn shares(c: &mut Criterion) {
    let max: usize = std::env::var("ACTAS_BENCH_MAX")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(1_000_000);
    let n = max.min(1_000_000);
    let config = SynthConfig::default().with_sheets(n).with_candidates(10);
    let (set, _) = generate(&config).expect("set");
    let mut g = c.benchmark_group("bounds_10c");
    g.sample_size(10);
    g.warm_up_time(std::time::Duration::from_secs(1));
    g.measurement_time(std::time::Duration::from_secs(5));
    g.throughput(Throughput::Elements(set.len() as u64));
    for (basis, name) in [
        (CoverageBasis::Tables, "tables"),
        (CoverageBasis::Electors, "electors"),
    ] {
        let (counts, shares, register) = bulletins(&set, basis);
        for (what, b) in [("counts", &counts), ("shares", &shares)] {
            g.bench_with_input(
                BenchmarkId::new(format!("{what}_{name}"), n),
                &set,
                |bench, set| {
                    bench.iter(|| {
                        feasibility(black_box(set), b, &register, &BoundOptions::default())
                            .expect("bounds")
                    })
                },
            );
        }
    }
    g.finish();
}

criterion_group!(benches, shares);
criterion_main!(benches);
