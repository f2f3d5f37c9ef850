//! SHANGRLA's test vectors (`NonnegMean` and `Audit` tests), with the values re-derived in the
//! notes.

// Published values are written as the sources print them; exact comparisons are meant.
#![allow(clippy::float_cmp, clippy::unreadable_literal)]

use super::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn kaplan_markov_and_wald() {
    let inf = NonnegMean::new(0.5, 1.0, Population::WithReplacement).unwrap();
    assert!(close(
        inf.kaplan_markov(&[1.0; 5], 0.0, true).unwrap().p_value,
        0.03125,
        1e-15
    ));
    let x = [1.0, 1.0, 1.0, 1.0, 1.0, 0.0];
    assert!(close(
        inf.kaplan_markov(&x, 0.1, true).unwrap().p_value,
        0.0482828,
        1e-7
    ));
    assert!(close(
        inf.kaplan_markov(&x, 0.1, false).unwrap().p_value,
        0.2896971,
        1e-7
    ));
    assert!(close(
        inf.kaplan_wald(&[1.0; 5], 0.0, true).unwrap().p_value,
        0.03125,
        1e-15
    ));
    assert!(close(
        inf.kaplan_wald(&x, 0.1, true).unwrap().p_value,
        0.0403861,
        1e-7
    ));
    assert!(close(
        inf.kaplan_wald(&x, 0.1, false).unwrap().p_value,
        0.4038611,
        1e-7
    ));
    // Kaplan–Wald's sample size with g = 0.1 on ones: ceil(ln(1/α) / ln((1 - g)/t + g)).
    let n = inf
        .sample_size(&[1.0], 0.05, 1000, |x| inf.kaplan_wald(x, 0.1, true))
        .unwrap();
    assert_eq!(n, (20f64.ln() / 1.9f64.ln()).ceil() as u64);
    assert!(inf.kaplan_markov(&[-1.0], 0.0, true).is_err());
    assert!(inf.kaplan_wald(&[1.0], 1.5, true).is_err());
}

#[test]
fn alpha_martingale() {
    // All halves: no evidence, p = 1.
    let big = NonnegMean::new(0.5, 1.0, Population::Finite(1_000_000)).unwrap();
    assert_eq!(big.alpha_mart(&[0.5; 100], 0.75).unwrap().p_value, 1.0);
    // The p-value history without replacement, eta = 0.75, N = 1000, all ones (re-derived).
    let thousand = NonnegMean::new(0.5, 1.0, Population::Finite(1000)).unwrap();
    let result = thousand.alpha_mart(&[1.0; 8], 0.75).unwrap();
    for (got, want) in result.history.iter().zip([
        0.66667, 0.44415, 0.29570, 0.19674, 0.13081, 0.08691, 0.05771, 0.03829,
    ]) {
        assert!(close(*got, want, 5e-6), "{got} {want}");
    }
    let n = thousand
        .sample_size(&[1.0], 0.05, 1000, |x| thousand.alpha_mart(x, 0.75))
        .unwrap();
    assert_eq!(n, 8);
    let n = thousand
        .sample_size(&[0.75], 0.05, 1000, |x| thousand.alpha_mart(x, 0.75))
        .unwrap();
    assert_eq!(n, 14);
    // The notes' "p13" counts from 0: the 14th draw's p-value.
    let history = thousand.alpha_mart(&[0.75; 14], 0.75).unwrap().history;
    assert!(close(history[13], 0.04239, 5e-6), "{}", history[13]);
    assert!(history[12] > 0.05);
    // A sample whose total exceeds N t rejects: 3 ones from a population of 4 with t = 1/2.
    let four = NonnegMean::new(0.5, 1.0, Population::Finite(4)).unwrap();
    assert_eq!(four.alpha_mart(&[1.0; 3], 0.75).unwrap().p_value, 0.0);
    assert!(four.alpha_mart(&[1.0; 5], 0.75).is_err());
    assert!(four.alpha_mart(&[1.5], 0.75).is_err());
    assert!(four.alpha_mart(&[1.0], 0.5).is_err());
}

#[test]
fn betting_is_alpha() {
    // With replacement, ALPHA with eta and the betting martingale with the bet it implies agree.
    let t = NonnegMean::new(0.5, 1.0, Population::WithReplacement).unwrap();
    let lam = t.eta_to_lambda(0.75, 0.5);
    assert!(close(t.lambda_to_eta(lam, 0.5), 0.75, 1e-15));
    let x = [1.0, 0.5, 0.0, 1.0, 1.0, 0.5, 1.0];
    let a = t.alpha_mart(&x, 0.75).unwrap();
    let b = t.betting_mart(&x, lam).unwrap();
    for (p, q) in a.history.iter().zip(&b.history) {
        assert!(close(*p, *q, 1e-12));
    }
}

#[test]
fn assorters() {
    // Plurality, Alice (0) against Candy (2): Alice, Bob, Candy, Dan.
    let pl = Plurality {
        winner: 0,
        loser: 2,
    };
    let values: Vec<f64> = [0, 1, 2, 3].iter().map(|&c| pl.assort(&[c])).collect();
    assert_eq!(values, [1.0, 0.5, 0.0, 0.5]);
    // Supermajority, f = 2/3.
    let sm = Supermajority::new(0, 2.0 / 3.0).unwrap();
    assert!(close(sm.assort(&[0]), 0.75, 1e-15));
    assert_eq!(sm.assort(&[1]), 0.0);
    assert_eq!(sm.assort(&[]), 0.5);
    assert_eq!(sm.assort(&[0, 1]), 0.5);
    assert!(Supermajority::new(0, 1.0).is_err());
    // Overstatement assorters, Alice (0) against Bob (1).
    let ab = Plurality {
        winner: 0,
        loser: 1,
    };
    let o = |v: f64| Overstatement {
        assorter: ab,
        margin: v,
    };
    assert!(close(
        o(0.2).assort(Some(&[0]), Some(&[0])),
        1.0 / 1.8,
        1e-15
    ));
    assert_eq!(o(0.2).assort(Some(&[0]), Some(&[1])), 0.0);
    assert!(close(
        o(0.3).assort(Some(&[1]), Some(&[0])),
        2.0 / 1.7,
        1e-15
    ));
    assert!(close(
        o(0.1).assort(Some(&[0]), Some(&[2])),
        0.5 / 1.9,
        1e-15
    ));
    // A missing record counts as 1/2, a missing ballot as 0.
    assert!(close(o(0.2).assort(None, Some(&[0])), 1.5 / 1.8, 1e-15));
    assert!(close(o(0.2).assort(Some(&[1]), None), 1.0 / 1.8, 1e-15));
    // Means under error rates, and the margin, for v = 0.5.
    let half = o(0.5);
    for ((r1, r2), want) in [
        ((0.0, 0.0), 1.0 / 1.5),
        ((0.5, 0.0), 0.5),
        ((0.0, 0.25), 0.5),
        ((0.25, 0.25), (1.0 - 0.125 - 0.25) / 1.5),
    ] {
        assert!(close(half.mean(r1, r2), want, 1e-15));
    }
    assert!(close(2.0 * half.mean(0.0, 0.0) - 1.0, 1.0 / 3.0, 1e-15));
    assert!(close(half.upper_bound(), 2.0 / 1.5, 1e-15));
}
