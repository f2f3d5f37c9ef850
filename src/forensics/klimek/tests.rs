// Grid values are compared as given, exactly.
#![allow(clippy::float_cmp)]

use super::*;

fn rows_of(tables: &[SimulatedTable]) -> Vec<(u64, u64, u64, u64)> {
    tables
        .iter()
        .map(|t| (t.electors, t.voters, t.leader, t.voters))
        .collect()
}

/// A small grid on which the fits below are exact, and few iterations: the tests run
/// unoptimised.
fn small() -> KlimekOptions {
    KlimekOptions::default()
        .with_grid(
            vec![0.0, 0.1, 0.2, 0.3],
            vec![0.0, 0.025, 0.05, 0.1],
            vec![1.0],
        )
        .with_iterations(4)
}

fn fair() -> FraudModel {
    FraudModel::fair(0.6, 0.08, 0.45, 0.07).with_theta(0.1)
}

fn mean_sd(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = xs.clone().count() as f64;
    let m = xs.clone().sum::<f64>() / n;
    (m, (xs.map(|x| (x - m).powi(2)).sum::<f64>() / n).sqrt())
}

#[test]
fn the_fair_model_gives_its_moments() {
    let t = fair().simulate(&vec![1_000; 20_000], 7).unwrap();
    assert!(t.iter().all(|t| t.fraud == Fraud::None));
    // Turnout N(0.6, 0.08) and share N(0.45, 0.07), far from the truncation at 0 and 1:
    // means within 0.003 (over 2.5 standard errors plus rounding), spreads within 0.003.
    let (m, sd) = mean_sd(t.iter().map(|t| t.voters as f64 / t.electors as f64));
    assert!(
        (m - 0.6).abs() < 0.003 && (sd - 0.08).abs() < 0.003,
        "{m} {sd}"
    );
    let (m, sd) = mean_sd(t.iter().map(|t| t.leader as f64 / t.voters as f64));
    assert!(
        (m - 0.45).abs() < 0.003 && (sd - 0.07).abs() < 0.003,
        "{m} {sd}"
    );
    // The same seed, the same election; another, another.
    assert_eq!(t, fair().simulate(&vec![1_000; 20_000], 7).unwrap());
    assert_ne!(t, fair().simulate(&vec![1_000; 20_000], 8).unwrap());
}

#[test]
fn fraud_is_drawn_at_its_rates_and_only_adds() {
    let electors = vec![800; 20_000];
    let clean = fair().simulate(&electors, 3).unwrap();
    let t = fair()
        .with_fraud(0.2, 0.05, 1.0)
        .simulate(&electors, 3)
        .unwrap();
    let count = |f: Fraud| t.iter().filter(|t| t.fraud == f).count() as f64;
    // Binomial counts within 4 standard deviations.
    assert!((count(Fraud::Incremental) - 4_000.0).abs() < 4.0 * (20_000.0f64 * 0.2 * 0.8).sqrt());
    assert!((count(Fraud::Extreme) - 1_000.0).abs() < 4.0 * (20_000.0f64 * 0.05 * 0.95).sqrt());
    // The same draws: fraud only adds ballots and votes to the fair table.
    for (c, f) in clean.iter().zip(&t) {
        assert!(
            f.voters >= c.voters
                && f.leader >= c.leader
                && f.leader - c.leader >= f.voters - c.voters
        );
        assert!(f.leader <= f.voters && f.voters <= f.electors);
        if f.fraud == Fraud::None {
            assert_eq!(c, f);
        }
    }
    // Extreme fraud leaves the leader with nearly everything.
    let (m, _) = mean_sd(
        t.iter()
            .filter(|t| t.fraud == Fraud::Extreme)
            .map(|t| t.leader as f64 / t.voters as f64),
    );
    assert!(m > 0.9, "{m}");
}

#[test]
fn models_that_make_no_sense_are_refused() {
    for bad in [
        FraudModel::fair(1.5, 0.1, 0.5, 0.1),
        FraudModel::fair(0.5, 0.0, 0.5, 0.1),
        FraudModel::fair(0.5, 0.1, f64::NAN, 0.1),
        FraudModel::fair(0.5, 0.1, 0.5, 0.1).with_fraud(0.7, 0.4, 1.0),
        FraudModel::fair(0.5, 0.1, 0.5, 0.1).with_fraud(0.1, 0.1, 0.0),
        FraudModel::fair(0.5, 0.1, 0.5, 0.1).with_theta(-1.0),
    ] {
        assert!(bad.simulate(&[100], 1).is_err(), "{bad:?}");
    }
    assert!(fair().simulate(&[], 1).unwrap().is_empty());
    // A table of 0 electors: nothing to vote, nothing to stuff.
    let t = fair()
        .with_fraud(0.5, 0.5, 1.0)
        .simulate(&[0; 10], 1)
        .unwrap();
    assert!(t.iter().all(|t| t.voters == 0 && t.leader == 0));
}

#[test]
fn the_fit_finds_no_fraud_in_a_fair_election() {
    for seed in [1, 2, 3] {
        let t = fair().simulate(&vec![1_000; 10_000], seed).unwrap();
        let fit = klimek_fit_tables("A", &rows_of(&t), 0, &small()).unwrap();
        assert!(fit.findings().is_empty(), "seed {seed}: {fit:?}");
        assert!(
            (fit.model.share_mean - 0.45).abs() < 0.01,
            "{:?}",
            fit.model
        );
        assert!((fit.model.share_sd - 0.07).abs() < 0.01, "{:?}", fit.model);
        assert!(
            (fit.model.turnout_mean - 0.6).abs() < 0.015,
            "{:?}",
            fit.model
        );
    }
}

#[test]
fn the_fit_recovers_extreme_fraud() {
    let t = fair()
        .with_fraud(0.0, 0.05, 1.0)
        .simulate(&vec![1_000; 10_000], 11)
        .unwrap();
    let fit = klimek_fit_tables("A", &rows_of(&t), 0, &small()).unwrap();
    assert_eq!(fit.model.extreme, 0.05, "{:?}", fit.model);
    assert!(fit.model.incremental <= 0.1, "{:?}", fit.model);
    let x = fit.findings();
    assert_eq!(x.len(), 1, "{fit:?}");
    assert_eq!(x[0].code, Code::FraudModelFits);
    assert_eq!(fit.tables, 10_000);
    // Under the estimated θ every point; under the four others, those with incremental fraud.
    assert_eq!(fit.grid.len(), 4 * 4 + 4 * (3 * 4));
}

#[test]
fn the_fit_recovers_incremental_fraud_within_a_step() {
    let t = fair()
        .with_fraud(0.2, 0.0, 1.0)
        .simulate(&vec![1_000; 10_000], 5)
        .unwrap();
    let fit = klimek_fit_tables("A", &rows_of(&t), 0, &small()).unwrap();
    assert!(
        (fit.model.incremental - 0.2).abs() <= 0.1 + 1e-9,
        "{:?}",
        fit.model
    );
    assert!(fit.model.extreme <= 0.025, "{:?}", fit.model);
}

#[test]
fn the_fit_is_the_same_on_any_number_of_threads() {
    let t = fair()
        .with_fraud(0.1, 0.02, 1.0)
        .simulate(&vec![700; 3_000], 2)
        .unwrap();
    let rows = rows_of(&t);
    let mut o = small();
    let a = klimek_fit_tables("A", &rows, 0, &o).unwrap();
    o.execution = crate::Execution::Sequential;
    let b = klimek_fit_tables("A", &rows, 0, &o).unwrap();
    assert_eq!(a, b);
}

#[test]
fn the_fit_refuses_what_it_cannot_fit() {
    let t = fair().simulate(&vec![1_000; 100], 1).unwrap();
    let rows = rows_of(&t);
    for bad in [
        small().with_grid(vec![], vec![0.0], vec![1.0]),
        small().with_grid(vec![1.5], vec![0.0], vec![1.0]),
        small().with_grid(vec![0.0], vec![0.0], vec![0.0]),
        small().with_iterations(0),
        small().with_grid(vec![0.8], vec![0.5], vec![1.0]),
    ] {
        assert!(klimek_fit_tables("A", &rows, 0, &bad).is_err());
    }
    // Tables left out: too few electors, voters above electors, no ballots.
    let few = [
        (50, 40, 20, 40),
        (1_000, 1_100, 500, 1_100),
        (1_000, 0, 0, 0),
    ];
    let e = klimek_fit_tables("A", &few, 2, &small()).unwrap_err();
    assert!(e.to_string().contains("at least 2 tables"), "{e}");
    let mut more = rows.clone();
    more.extend(few);
    let fit = klimek_fit_tables("A", &more, 2, &small()).unwrap();
    assert_eq!((fit.tables, fit.left_out), (100, 5));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever the parameters, a simulated table holds (the leader's votes within the voters,
    /// the voters within the electors), fraud only adds to the fair table drawn from the same
    /// seed, and the table without fraud is that fair table.
    #[test]
    fn simulated_tables_hold(
        electors in proptest::collection::vec(0u64..5_000, 0..50),
        ta in 0.0f64..=1.0, ts in 0.001f64..0.5,
        sa in 0.0f64..=1.0, ss in 0.001f64..0.5,
        fi in 0.0f64..0.5, fe in 0.0f64..0.5, alpha in 0.1f64..3.0, theta in 0.001f64..1.0,
        seed in proptest::prelude::any::<u64>(),
    ) {
        let fair = FraudModel::fair(ta, ts, sa, ss).with_theta(theta);
        let clean = fair.simulate(&electors, seed).unwrap();
        let t = fair.with_fraud(fi, fe, alpha).simulate(&electors, seed).unwrap();
        for (c, f) in clean.iter().zip(&t) {
            proptest::prop_assert!(f.leader <= f.voters && f.voters <= f.electors);
            proptest::prop_assert!(f.voters >= c.voters && f.leader >= c.leader);
            if f.fraud == Fraud::None {
                proptest::prop_assert_eq!(c, f);
            }
        }
    }
}
