//! Risk-limiting audits at national scale: planning a batch-comparison audit of 10^6 tables
//! (the reported outcome, every table's error bound, `U`, the first round's size) and evaluating
//! a round of its sheets (the reported side read again and checked, the risk measured), alone
//! and together, and drawing the round (PPEB over the tables sorted by id).
//!
//! Run with `cargo bench --bench rla`; figures are recorded in BENCHMARKS.md.

use std::hint::black_box;

use actas::rla::{BatchAudit, BatchAuditOptions};
use actas::synth::{SynthConfig, generate};
use actas::{ActaSet, Geography};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The sheets of the drawn tables (first readings), with the first one's votes changed.
fn pulled(reported: &ActaSet, tables: &[String]) -> ActaSet {
    let mut out = ActaSet::new(reported.contest().clone(), Geography::default());
    for (k, t) in tables.iter().enumerate() {
        if out.find(t).is_none() {
            let mut s = reported
                .sheet(reported.find(t).expect("drawn"))
                .expect("sheet")
                .to_sheet();
            s.geo = None;
            if k == 0 {
                if let Some(Some(v)) = s.votes.first_mut() {
                    *v = v.saturating_sub(5);
                }
            }
            out.push(s).expect("push");
        }
    }
    out
}

fn rla(c: &mut Criterion) {
    let mut g = c.benchmark_group("rla");
    g.sample_size(10);
    g.warm_up_time(std::time::Duration::from_secs(1));
    g.measurement_time(std::time::Duration::from_secs(5));

    let (reported, _) = generate(&SynthConfig::default().with_sheets(1_000_000)).expect("set");
    let options = BatchAuditOptions::new(0.05);
    let plan = BatchAudit::plan(&reported, options).expect("plan");
    let size = plan.first_round();
    let (state, _) = plan
        .draw(&reported, "61290487331592487026", size)
        .expect("draw");
    let audited = pulled(&reported, state.draws());
    let n = reported.tables();
    g.throughput(Throughput::Elements(n as u64));
    g.bench_with_input(BenchmarkId::new("plan", n), &reported, |b, set| {
        b.iter(|| BatchAudit::plan(black_box(set), options).expect("plan"));
    });
    g.bench_with_input(BenchmarkId::new("evaluate", n), &reported, |b, set| {
        b.iter(|| {
            state
                .evaluate(black_box(set), &audited, &[])
                .expect("evaluate")
        });
    });
    g.bench_with_input(
        BenchmarkId::new("plan_and_evaluate", n),
        &reported,
        |b, set| {
            b.iter(|| {
                let plan = BatchAudit::plan(black_box(set), options).expect("plan");
                let _ = black_box(plan.first_round());
                state.evaluate(set, &audited, &[]).expect("evaluate")
            });
        },
    );
    g.bench_with_input(BenchmarkId::new("draw", n), &reported, |b, set| {
        b.iter(|| {
            plan.draw(black_box(set), "61290487331592487026", size)
                .expect("draw")
        });
    });
    g.finish();
}

criterion_group!(benches, rla);
criterion_main!(benches);
