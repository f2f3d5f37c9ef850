// The published tables are quoted as printed.
// Exact comparisons of f64 are meant where they are made: 1.0 and 0.0 are returned as such.
#![allow(clippy::unreadable_literal, clippy::float_cmp)]

use super::*;
use proptest::prelude::*;

/// The published second-digit probabilities (re-derived to 6 decimals in the forensics notes).
const SECOND: [f64; 10] = [
    0.119679, 0.113890, 0.108821, 0.104330, 0.100308, 0.096677, 0.093375, 0.090352, 0.087570,
    0.084997,
];

#[test]
fn second_digit_law_to_six_decimals() {
    let p = second_digit_probabilities();
    for (d, (&got, &want)) in p.iter().zip(&SECOND).enumerate() {
        assert!((got - want).abs() < 5e-7, "digit {d}: {got} against {want}");
    }
    let mean: f64 = p.iter().enumerate().map(|(d, p)| d as f64 * p).sum();
    let var: f64 = p
        .iter()
        .enumerate()
        .map(|(d, p)| (d as f64 - mean).powi(2) * p)
        .sum();
    assert!((mean - 4.187390).abs() < 5e-7, "{mean}");
    assert!((var - 8.253779).abs() < 5e-7, "{var}");
}

#[test]
fn second_digits_at_the_edges() {
    assert_eq!(second_of(10), 0);
    assert_eq!(second_of(19), 9);
    assert_eq!(second_of(99), 9);
    assert_eq!(second_of(100), 0);
    assert_eq!(second_of(1_999), 9);
    assert_eq!(second_of(u64::MAX), 8); // 18,446,744,...
    // 0 to 9 have none: left out.
    let t = second_digit(0..10, &DigitOptions::default());
    assert_eq!((t.dist.n, t.left_out), (0, 10));
    assert_eq!(t.dist.mean, None);
    assert_eq!(t.dist.p_value, 1.0);
    assert_eq!(t.dist.p_method, PMethod::None);
    assert_eq!(t.dist.mean_interval, None);
}

#[test]
fn last_digits_and_zero_or_five_by_hand() {
    let o = DigitOptions::default();
    // 99 is under the threshold; 100 ends in 0, 105 in 5, 123 in 3, u64::MAX in 5.
    let t = last_digit([99, 100, 105, 123, u64::MAX], &o);
    assert_eq!(t.left_out, 1);
    assert_eq!(t.dist.frequencies, [1, 0, 0, 1, 0, 2, 0, 0, 0, 0]);
    assert_eq!(t.zero_or_five, 3);
    assert!((t.zero_or_five_share.unwrap() - 0.75).abs() < 1e-12);
    assert!((t.dist.mean.unwrap() - 13.0 / 4.0).abs() < 1e-12);
    // Against the expected shares of 0 and 5 (the smooth null of these four isolated counts).
    let p05 = t.dist.expected[0] + t.dist.expected[5];
    assert_eq!(t.zero_or_five_p, upper_tail(3, 4, p05));
    // P(X ≥ 3 | 4, 0.2) = 4 · 0.2³ · 0.8 + 0.2⁴ = 0.0272.
    assert!((upper_tail(3, 4, 0.2) - 0.0272).abs() < 1e-12);
    assert_eq!(upper_tail(0, 4, 0.2), 1.0);
    // The threshold is a parameter.
    let t = last_digit([7, 12, 99], &o.clone().with_last_digit_min(0));
    assert_eq!(t.dist.n, 3);
}

#[test]
fn chi_square_by_hand() {
    // 1,000 last digits against the uniform: 100 each but 0 (150) and 9 (50): χ² = 25 + 25 =
    // 50 on 9 df.
    let o = DigitOptions::default();
    let dist = distribution(
        [150, 100, 100, 100, 100, 100, 100, 100, 100, 50],
        UNIFORM,
        &o,
        0,
    );
    assert_eq!(dist.p_method, PMethod::ChiSquare);
    assert!((dist.chi_square - 50.0).abs() < 1e-9);
    // P(χ²₉ ≥ 50) = Q(4.5, 25) = 1.0772382022575e-7 (mpmath 1.3, 30 digits:
    // gammainc(4.5, 25, inf, regularized=True)).
    assert!(
        (dist.p_value / 1.077_238_202_257_5e-7 - 1.0).abs() < 1e-9,
        "{}",
        dist.p_value
    );
    // P(X ≥ 250 | 1000, 0.2) = 6.88301222273e-5 (mpmath 1.3, the binomial sum to 30 digits).
    let p05 = upper_tail(250, 1_000, 0.2);
    assert!((p05 / 6.883_012_222_73e-5 - 1.0).abs() < 1e-8, "{p05}");
    let t = LastDigit {
        dist,
        left_out: 0,
        zero_or_five: 250,
        zero_or_five_share: Some(0.25),
        zero_or_five_p: p05,
    };
    // Second digits all 5: a departure, a finding only when asked for.
    let second = second_digit([15u64; 1_000], &DigitOptions::default());
    assert!(second.dist.p_value < 1e-100);
    let mut report = DigitReport {
        series: vec![DigitSeries {
            field: "A".into(),
            second,
            last: t,
        }],
        alpha: 0.001,
        second_digit_findings: false,
    };
    let f = report.findings();
    // 250 of 1,000 end in 0 or 5: an excess too.
    let codes: Vec<Code> = f.iter().map(|f| f.code).collect();
    assert_eq!(codes, [Code::LastDigitDeparts, Code::ZeroOrFiveExcess]);
    assert_eq!(f[0].subject, Subject::Field { field: "A".into() });
    report.second_digit_findings = true;
    let codes: Vec<Code> = report.findings().iter().map(|f| f.code).collect();
    assert_eq!(
        codes,
        [
            Code::SecondDigitDeparts,
            Code::LastDigitDeparts,
            Code::ZeroOrFiveExcess
        ]
    );
}

#[test]
fn beber_scacco_reference_values() {
    // The notes' values, re-derived by 2·10^6 multinomial draws (±0.0004 at 3 sd): some digit
    // at least 20 times of 116 and another at most 5 times, 0.0350; at most 4, 0.0144.
    let p = extremes_probability(116, 20, 5);
    assert!((p - 0.0350).abs() < 0.0004, "{p}");
    let p = extremes_probability(116, 20, 4);
    assert!((p - 0.0144).abs() < 0.0004, "{p}");
    // P(X ≤ 72 | 116, 0.70) = 0.0411.
    let p = lower_tail(72, 116, 0.7);
    assert!((p - 0.0411).abs() < 0.00005, "{p}");
}

#[test]
fn beber_scacco_on_counts() {
    // Twenty counts ending in 7 and their tens one apart (adjacent), ten ending in 0 with
    // tens 5 (not adjacent).
    let mut counts: Vec<u64> = (0..20).map(|i| 1_067 + 100 * i).collect();
    counts.extend((0..10).map(|i| 2_050 + 100 * i));
    counts.push(3); // left out
    let t = beber_scacco(&counts);
    assert_eq!((t.n, t.left_out), (30, 1));
    assert_eq!(t.most, (7, 20));
    assert_eq!(t.least, (1, 0));
    assert_eq!((t.adjacent, t.non_adjacent), (20, 10));
    assert!(t.extremes_p < 1e-6);
    assert!((t.combined_p - t.extremes_p * t.non_adjacent_p).abs() < 1e-300);
    let f = t.findings(Subject::Set, 0.001);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, Code::LastDigitsBeberScacco);
    // Nothing read: nothing found.
    let t = beber_scacco(&[1, 2]);
    assert_eq!((t.n, t.extremes_p, t.combined_p), (0, 1.0, 1.0));
    assert!(t.findings(Subject::Set, 0.5).is_empty());
}

/// Every sequence of `n` digits, for small `n`: the exact probability that every frequency lies
/// in `[a, b]`.
fn brute_within(n: u32, a: u64, b: u64) -> f64 {
    let total = 10u64.pow(n);
    let mut hits = 0u64;
    for mut s in 0..total {
        let mut freq = [0u64; 10];
        for _ in 0..n {
            freq[(s % 10) as usize] += 1;
            s /= 10;
        }
        if freq.iter().all(|&f| a <= f && f <= b) {
            hits += 1;
        }
    }
    hits as f64 / total as f64
}

#[test]
fn all_within_is_the_enumeration() {
    for n in 0..=5u32 {
        for a in 0..=3u64 {
            for b in a..=5u64 {
                let (got, want) = (all_within(u64::from(n), a, b), brute_within(n, a, b));
                assert!(
                    (got - want).abs() < 1e-12,
                    "n {n} [{a}, {b}]: {got} against {want}"
                );
            }
        }
    }
    assert_eq!(all_within(10, 3, 2), 0.0);
    assert!((all_within(200, 0, 200) - 1.0).abs() < 1e-9);
}

#[test]
fn the_same_seed_gives_the_same_numbers() {
    let counts = [12u64, 345, 7_890, 101, 55, 67, 890];
    let o = DigitOptions::default();
    assert_eq!(second_digit(counts, &o), second_digit(counts, &o));
    // Seven counts: a Monte Carlo p-value, whose hits differ from one seed to another.
    let a = second_digit(counts, &o.clone().with_seed(1));
    let b = second_digit(counts, &o.clone().with_seed(2));
    assert!(matches!(a.dist.p_method, PMethod::MonteCarlo { .. }));
    assert_ne!(a.dist.p_value, b.dist.p_value);
}

#[test]
fn options_are_validated() {
    let bad = [
        DigitOptions::default().with_alpha(0.0),
        DigitOptions::default().with_alpha(1.0),
        DigitOptions {
            confidence: f64::NAN,
            ..DigitOptions::default()
        },
        DigitOptions {
            min_expected: -1.0,
            ..DigitOptions::default()
        },
    ];
    for o in bad {
        assert!(o.validate().is_err(), "{o:?}");
    }
    assert!(DigitOptions::default().validate().is_ok());
}

/// `n` uniform last digits of counts from 100 up, from a seed.
fn uniform_counts(n: usize, seed: u64) -> Vec<u64> {
    use rand::RngExt;
    let mut rng = stream(seed, 99);
    (0..n).map(|_| rng.random_range(100..100_000u64)).collect()
}

#[test]
fn monte_carlo_and_chi_square_agree_where_both_hold() {
    // Large cells: chi-square's p-value, and the Monte Carlo one forced by a least expected
    // count no cell reaches, agree within Monte Carlo error (3 sd of a proportion).
    let counts = uniform_counts(2_000, 5);
    let mut skewed = counts.clone();
    skewed.extend((0..12).map(|i| 1_007 + 2_470 * i)); // a few more 7s: a p-value mid-range
    let o = DigitOptions::default().with_monte_carlo(20_000);
    let chi = last_digit(skewed.iter().copied(), &o);
    let mc = last_digit(
        skewed.iter().copied(),
        &DigitOptions {
            min_expected: 1e12,
            ..o
        },
    );
    assert_eq!(chi.dist.p_method, PMethod::ChiSquare);
    assert_eq!(mc.dist.p_method, PMethod::MonteCarlo { replicates: 20_000 });
    let p = chi.dist.p_value;
    assert!(p > 0.001 && p < 0.9, "{p}");
    let sd = (p * (1.0 - p) / 20_000.0).sqrt();
    assert!(
        (mc.dist.p_value - p).abs() < 3.0 * sd + 0.001,
        "{} against {p}",
        mc.dist.p_value
    );
}

#[test]
fn the_bootstrap_interval_is_as_wide_as_the_mean_varies() {
    // Uniform digits: sd 2.872, so at n = 10,000 a 95% interval of about ±0.0563.
    let counts = uniform_counts(10_000, 11);
    let t = last_digit(counts, &DigitOptions::default());
    let (lo, hi) = t.dist.mean_interval.unwrap();
    let mean = t.dist.mean.unwrap();
    assert!(lo < mean && mean < hi);
    let half = (hi - lo) / 2.0;
    let want = 1.96 * 8.25f64.sqrt() / 100.0;
    assert!((half / want - 1.0).abs() < 0.15, "{half} against {want}");
}

/// Counts from 100 up whose density falls steeply (a small party's tail: 100 plus a geometric
/// of mean 15), from a seed.
fn steep_counts(n: usize, seed: u64) -> Vec<u64> {
    use rand::RngExt;
    let mut rng = stream(seed, 98);
    (0..n)
        .map(|_| {
            let u: f64 = rng.random_range(0.0..1.0);
            90 + (-(1.0 - u).ln() * 15.0) as u64
        })
        .collect()
}

#[test]
fn a_steep_honest_tail_is_no_fabrication_but_made_up_digits_are() {
    let o = DigitOptions::default();
    let counts = steep_counts(40_000, 3);
    let honest = last_digit(counts.iter().copied(), &o);
    assert!(honest.dist.n > 20_000);
    // Against a uniform null these honest digits look made up.
    let uniform = distribution(honest.dist.frequencies, UNIFORM, &o, 0);
    assert!(uniform.p_value < 1e-12, "{}", uniform.p_value);
    // Against the smooth null they do not.
    assert!(honest.dist.p_value > 0.001, "{}", honest.dist.p_value);
    assert!(honest.zero_or_five_p > 0.001, "{}", honest.zero_or_five_p);
    assert!(honest.dist.expected[0] > honest.dist.expected[9]);
    // One count in ten given a last digit by hand: 0 or 5, then 7.
    let rounded: Vec<u64> = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if i % 10 == 0 {
                c / 10 * 10 + 5 * (i as u64 / 10 % 2)
            } else {
                c
            }
        })
        .collect();
    let t = last_digit(rounded, &o);
    assert!(t.zero_or_five_p < 1e-6, "{}", t.zero_or_five_p);
    assert!(t.dist.p_value < 1e-6, "{}", t.dist.p_value);
    let sevens: Vec<u64> = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| if i % 10 == 0 { c / 10 * 10 + 7 } else { c })
        .collect();
    let t = last_digit(sevens, &o);
    assert!(t.dist.p_value < 1e-6, "{}", t.dist.p_value);
}

#[test]
fn widely_spread_counts_expect_uniform_last_digits() {
    let t = last_digit(uniform_counts(50_000, 4), &DigitOptions::default());
    for (d, e) in t.dist.expected.iter().enumerate() {
        assert!((e - 0.1).abs() < 0.001, "digit {d}: {e}");
    }
    // A threshold that is no multiple of 10 is rounded up: 105 reads from 110.
    let t = last_digit(
        [104, 105, 109, 110, 111],
        &DigitOptions::default().with_last_digit_min(105),
    );
    assert_eq!((t.dist.n, t.left_out), (2, 3));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every count is read or left out, once; the frequencies add up to what was read.
    #[test]
    fn every_count_is_read_or_left_out(counts in prop::collection::vec(any::<u64>(), 0..200), min in 0u64..1_000) {
        let o = DigitOptions::default().with_last_digit_min(min).with_bootstrap(10).with_monte_carlo(10);
        let s = second_digit(counts.iter().copied(), &o);
        let l = last_digit(counts.iter().copied(), &o);
        prop_assert_eq!(s.dist.n + s.left_out, counts.len() as u64);
        prop_assert_eq!(l.dist.n + l.left_out, counts.len() as u64);
        prop_assert_eq!(s.dist.frequencies.iter().sum::<u64>(), s.dist.n);
        prop_assert_eq!(l.zero_or_five, l.dist.frequencies[0] + l.dist.frequencies[5]);
        prop_assert!((0.0..=1.0).contains(&s.dist.p_value));
        prop_assert!((0.0..=1.0).contains(&l.zero_or_five_p));
        let b = beber_scacco(&counts);
        prop_assert_eq!(b.n + b.left_out, counts.len() as u64);
        prop_assert_eq!(b.adjacent + b.non_adjacent, b.n);
        prop_assert!((0.0..=1.0).contains(&b.extremes_p));
    }
}

/// The fields are tested on any number of threads with the same numbers: each has its own
/// random streams.
#[test]
fn the_report_is_the_same_on_any_number_of_threads() {
    use crate::forensics::testing::set;
    let rows: Vec<(u32, u32, u32)> = (0..400u32)
        .map(|i| (1_000 + i, 600 + i % 97, 250 + (i * 37) % 300))
        .collect();
    let s = set(&rows);
    let mut o = DigitOptions::default().with_bootstrap(50);
    let parallel = digit_tests(&s, &o).unwrap();
    o.execution = crate::Execution::Sequential;
    let sequential = digit_tests(&s, &o).unwrap();
    assert_eq!(parallel, sequential);
    // A, B, electors, voters, valid: the fields present on some sheet.
    assert_eq!(parallel.series.len(), 5);
}
