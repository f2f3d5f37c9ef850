//! The streaming audit gives the same report as the in-memory audit of the same sheets.

use actas::audit::{Audit, StreamAudit, StreamOptions, Verdict, totals, totals_by_level};
use actas::io::{Layout, read_announcements, read_csv, read_csv_path};
use actas::synth::{AnomalyRates, SynthConfig, generate, layout, write_csv};
use actas::{Bulletin, BulletinCount, CoverageBasis, CoverageClaim, Register};
use proptest::prelude::*;

fn bulletins_for(set: &actas::ActaSet, share: u64) -> (Vec<Bulletin>, Register) {
    let t = totals(set).unwrap();
    let counts: Vec<BulletinCount> = set
        .contest()
        .candidates()
        .iter()
        .zip(&t.candidates)
        .map(|(c, x)| BulletinCount::new(c.code.clone(), x.sum * share / 100))
        .collect();
    let first = Bulletin::new("first", counts.clone()).with_coverage(CoverageClaim {
        printed: "80".parse().unwrap(),
        basis: CoverageBasis::Tables,
    });
    let second = Bulletin::new(
        "second",
        counts
            .iter()
            .map(|c| BulletinCount::new(c.subject.clone(), c.count + 10))
            .collect(),
    )
    .with_coverage(CoverageClaim {
        printed: "95.5".parse().unwrap(),
        basis: CoverageBasis::Tables,
    });
    let register = Register {
        tables: Some(t.tables * 11 / 10),
        electors: Some(t.electors.sum * 11 / 10),
        ..Register::default()
    };
    let mut third = Bulletin::new(
        "third",
        counts
            .iter()
            .map(|c| BulletinCount::new(c.subject.clone(), c.count + 20))
            .collect(),
    )
    .with_coverage(CoverageClaim {
        printed: "85".parse().unwrap(),
        basis: CoverageBasis::Electors,
    });
    third.electors = Some(t.electors.sum * 11 / 10);
    (vec![first, second, third], register)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn the_stream_reports_what_the_set_reports(
        sheets in 1usize..6_000, chunk in 1usize..3_000, seed in any::<u64>(), share in 60u64..100,
    ) {
        let config = SynthConfig {
            sheets, candidates: 4, lines_per_candidate: 1, seed,
            anomalies: AnomalyRates { rule_violation: 5_000, over_turnout: 5_000, duplicate: 20_000, conflict: 20_000 },
        };
        let mut csv = Vec::new();
        write_csv(&config, &mut csv).unwrap();
        let lay = layout(&config);
        let set = read_csv(&csv[..], &lay).unwrap().set;
        let (bulletins, register) = bulletins_for(&set, share);
        let in_memory = Audit::new(&set).register(register.clone()).bulletins(&bulletins).run().unwrap();
        let options = StreamOptions { chunk, level: 1, ..StreamOptions::default() };
        let streamed = StreamAudit::new(&lay).register(register).bulletins(&bulletins).options(options).run(&csv[..]).unwrap();
        prop_assert_eq!(streamed.report.to_json().unwrap(), in_memory.to_json().unwrap());
        // The totals of the chosen level are those of the set.
        let level = totals_by_level(&set, 1).unwrap();
        prop_assert_eq!(streamed.places.len(), level.places.len());
        for (p, (path, t)) in streamed.places.iter().zip(&level.places) {
            prop_assert_eq!(&p.totals, t);
            prop_assert_eq!(p.codes.clone(), set.geography().codes(*path).into_iter().map(str::to_owned).collect::<Vec<_>>());
        }
        prop_assert_eq!(streamed.read.accepted as usize, set.len());
    }
}

#[test]
fn repeats_across_chunks_are_found() {
    let config = SynthConfig {
        sheets: 2_000,
        seed: 3,
        ..SynthConfig::default()
    };
    let (set, injected) = generate(&config).unwrap();
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    // Chunks of one sheet: every repeat is in another chunk than its first reading.
    let options = StreamOptions {
        chunk: 1,
        ..StreamOptions::default()
    };
    let out = StreamAudit::new(&layout(&config))
        .options(options)
        .run(&csv[..])
        .unwrap();
    assert_eq!(
        out.report.with_code("D001").count(),
        injected.duplicates.len()
    );
    assert_eq!(
        out.report.with_code("D002").count(),
        injected.conflicts.len()
    );
    assert_eq!(out.report.totals, totals(&set).unwrap());
}

#[test]
fn venezuela_streamed_matches_in_memory() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ve2024");
    let lay = Layout::from_path(format!("{dir}/layout_v1.json")).unwrap();
    let a = read_announcements(format!("{dir}/bulletins.json")).unwrap();
    let v1 = read_csv_path(format!("{dir}/RESULTADOS_2024_CSV_V1.csv"), &lay).unwrap();
    let in_memory = Audit::new(&v1.set)
        .register(a.register.clone())
        .bulletins(&a.bulletins)
        .run()
        .unwrap();
    let streamed = StreamAudit::new(&lay)
        .register(a.register.clone())
        .bulletins(&a.bulletins)
        .options(StreamOptions {
            chunk: 5_000,
            ..StreamOptions::default()
        })
        .run_path(format!("{dir}/RESULTADOS_2024_CSV_V1.csv"))
        .unwrap();
    assert_eq!(
        streamed.report.to_json().unwrap(),
        in_memory.to_json().unwrap()
    );
    let eg = |k: usize| {
        let f = streamed.report.bulletins[k].feasibility.as_ref().unwrap();
        let b = f.bounds.iter().find(|b| b.subject == "EG").unwrap();
        (b.verdict, b.gap, b.false_sheets)
    };
    assert_eq!(eg(0), (Verdict::Below, 139_854, Some(379)));
    // Bulletin 2's coverage is a share of electors: the same conservative bound as in memory.
    assert_eq!(eg(1), (Verdict::Below, 1_445_943, Some(3_034)));
    assert_eq!(streamed.places.len(), 24, "the states");
    assert_eq!(streamed.read.rows_read, 24_532);
}

#[test]
fn bad_options_are_errors() {
    let config = SynthConfig {
        sheets: 10,
        ..SynthConfig::default()
    };
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    let lay = layout(&config);
    let chunk0 = StreamAudit::new(&lay)
        .options(StreamOptions {
            chunk: 0,
            ..StreamOptions::default()
        })
        .run(&csv[..]);
    assert_eq!(
        chunk0.unwrap_err().to_string(),
        "chunk \"0\": a chunk holds at least one sheet"
    );
    let level9 = StreamAudit::new(&lay)
        .options(StreamOptions {
            level: 9,
            ..StreamOptions::default()
        })
        .run(&csv[..]);
    assert_eq!(
        level9.unwrap_err().to_string(),
        "geography level \"9\": the layout has 4 levels"
    );
    assert!(StreamAudit::new(&lay).run(&b""[..]).is_err());
}
