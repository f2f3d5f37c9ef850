//! The forensic figures of the Venezuelan V1 sheets, computed independently in this file from
//! the CSV (read with the `csv` crate, not the crate's reader; integers tested in another
//! formulation; binomial probabilities by a walk from the mode, not the crate's sparse sums)
//! and compared with what `actas::forensics` reports. A few figures are also pinned as numbers,
//! from a third computation (a Python script over the same file, in the commit that added this
//! test), so that a change in both places at once is caught too.

use actas::forensics::{
    DigitOptions, FingerprintOptions, PeakOptions, digit_tests, fingerprint, integer_peaks,
};
use actas::io::{Layout, read_csv_path};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ve2024");

/// One table of V1: electors, valid, null, González's and Maduro's votes (first reading of
/// each centre and table).
struct Row {
    electors: u64,
    valid: u64,
    null: u64,
    eg: u64,
    nm: u64,
}

fn rows() -> Vec<Row> {
    let mut r = csv::Reader::from_path(format!("{DIR}/RESULTADOS_2024_CSV_V1.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| {
        h.iter()
            .position(|c| c.trim_start_matches('\u{feff}') == name)
            .unwrap()
    };
    let (centre, table) = (col("CENTRO"), col("MESA"));
    let (re, va, nu, eg, nm) = (
        col("RE"),
        col("VOTOS_VALIDOS"),
        col("VOTOS_NULOS"),
        col("EG"),
        col("NM"),
    );
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let key = (
            format!("{:0>9}", rec[centre].trim()),
            rec[table].trim().to_owned(),
        );
        if !seen.insert(key) {
            continue;
        }
        let n = |i: usize| rec[i].trim().parse::<u64>().unwrap();
        out.push(Row {
            electors: n(re),
            valid: n(va),
            null: n(nu),
            eg: n(eg),
            nm: n(nm),
        });
    }
    out
}

fn set() -> actas::ActaSet {
    let layout = Layout::from_path(format!("{DIR}/layout_v1.json")).unwrap();
    read_csv_path(format!("{DIR}/RESULTADOS_2024_CSV_V1.csv"), &layout)
        .unwrap()
        .set
}

#[test]
fn digits_of_the_two_leading_candidates() {
    let rows = rows();
    let report = digit_tests(&set(), &DigitOptions::default().with_bootstrap(0)).unwrap();
    for (code, votes) in [
        ("EG", rows.iter().map(|r| r.eg).collect::<Vec<_>>()),
        ("NM", rows.iter().map(|r| r.nm).collect()),
    ] {
        let mut last = [0u64; 10];
        let mut second = [0u64; 10];
        let mut under10 = 0;
        for &v in &votes {
            if v >= 100 {
                last[(v % 10) as usize] += 1;
            }
            if v >= 10 {
                // The second digit: the second character of the decimal writing.
                let s = v.to_string();
                second[usize::from(s.as_bytes()[1] - b'0')] += 1;
            } else {
                under10 += 1;
            }
        }
        let s = report.series.iter().find(|s| s.field == code).unwrap();
        assert_eq!(s.last.dist.frequencies, last, "{code}");
        assert_eq!(s.last.zero_or_five, last[0] + last[5], "{code}");
        assert_eq!(s.second.dist.frequencies, second, "{code}");
        assert_eq!(s.second.left_out, under10, "{code}");
    }
    // Pinned (Python, same file).
    let eg = report.series.iter().find(|s| s.field == "EG").unwrap();
    assert_eq!(
        eg.last.dist.frequencies,
        [2287, 2176, 2293, 2250, 2277, 2222, 2309, 2256, 2183, 2243]
    );
    assert_eq!((eg.last.dist.n, eg.last.zero_or_five), (22_496, 4_509));
    let nm = report.series.iter().find(|s| s.field == "NM").unwrap();
    assert_eq!(
        nm.second.dist.frequencies,
        [3218, 2902, 2804, 2696, 2477, 2361, 2209, 2008, 2011, 1816]
    );
    assert_eq!(nm.second.left_out, 30);
}

/// Whether `100 k / n` is within 0.05 of an integer: tried against the integers on either
/// side, `|1000 k − 10 m n| ≤ n / 2` in integers.
fn on_integer(k: u64, n: u64) -> bool {
    let m = 100 * k / n;
    [m, m + 1]
        .iter()
        .any(|&m| 2 * (1000 * k).abs_diff(10 * m * n) <= n)
}

/// `P(Bin(n, k / n) lands within 0.05 of an integer percentage)`: every count's probability,
/// walked from the mode by the ratio of neighbours.
fn p_on_integer(k: u64, n: u64) -> f64 {
    if k == 0 || k == n {
        return f64::from(u8::from(on_integer(k, n)));
    }
    let (nf, p) = (n as f64, k as f64 / n as f64);
    let mode = ((nf + 1.0) * p).floor() as u64;
    let ln = |j: u64| {
        statrs::function::gamma::ln_gamma(nf + 1.0)
            - statrs::function::gamma::ln_gamma(j as f64 + 1.0)
            - statrs::function::gamma::ln_gamma((n - j) as f64 + 1.0)
            + j as f64 * p.ln()
            + (n - j) as f64 * (1.0 - p).ln()
    };
    let at_mode = ln(mode).exp();
    let mut total = if on_integer(mode, n) { at_mode } else { 0.0 };
    let (mut x, mut j) = (at_mode, mode);
    while j < n && x > 1e-30 {
        x *= (n - j) as f64 / (j + 1) as f64 * p / (1.0 - p);
        j += 1;
        if on_integer(j, n) {
            total += x;
        }
    }
    let (mut x, mut j) = (at_mode, mode);
    while j > 0 && x > 1e-30 {
        x *= j as f64 / (n - j + 1) as f64 * (1.0 - p) / p;
        j -= 1;
        if on_integer(j, n) {
            total += x;
        }
    }
    total
}

#[test]
fn integer_percentages_and_their_null() {
    let rows = rows();
    let peaks = integer_peaks(&set(), &PeakOptions::default()).unwrap();
    assert_eq!(peaks.leader, "EG");
    // The published filters: 100 electors or more, ballots in the box, turnout and share at
    // most 99%.
    let included: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            let v = r.valid + r.null;
            v > 0 && r.electors >= 100 && 100 * v <= 99 * r.electors && 100 * r.eg <= 99 * v
        })
        .collect();
    assert_eq!(peaks.tables, included.len() as u64);
    assert_eq!(peaks.left_out, (rows.len() - included.len()) as u64);
    let (mut t, mut s, mut e) = (0, 0, 0);
    let (mut mt, mut ms) = (0.0, 0.0);
    for r in &included {
        let v = r.valid + r.null;
        let (a, b) = (on_integer(v, r.electors), on_integer(r.eg, v));
        t += u64::from(a);
        s += u64::from(b);
        e += u64::from(a || b);
        mt += p_on_integer(v, r.electors);
        ms += p_on_integer(r.eg, v);
    }
    assert_eq!(
        (
            peaks.turnout.observed,
            peaks.share.observed,
            peaks.either.observed
        ),
        (t, s, e)
    );
    // The exact null's means, against this file's walk.
    assert!(
        (peaks.turnout.mean - mt).abs() < 1e-6 * mt,
        "{} {mt}",
        peaks.turnout.mean
    );
    assert!(
        (peaks.share.mean - ms).abs() < 1e-6 * ms,
        "{} {ms}",
        peaks.share.mean
    );
    // Pinned (Python, same file; the means from this file's walk above).
    assert_eq!((peaks.tables, peaks.left_out), (24_411, 121));
    assert!(
        (ms - 2_475.1).abs() < 0.05 && (mt - 2_434.8).abs() < 0.05,
        "{ms} {mt}"
    );
    assert_eq!((t, s, e), (2_446, 2_589, 4_795));
}

#[test]
fn the_fingerprint() {
    let rows = rows();
    let f = fingerprint(&set(), &FingerprintOptions::default()).unwrap();
    let kept: Vec<&Row> = rows
        .iter()
        .filter(|r| r.electors > 0 && r.valid + r.null > 0)
        .collect();
    assert_eq!(f.tables, kept.len() as u64);
    let eg: u64 = kept.iter().map(|r| r.eg).sum();
    assert_eq!(f.leader_votes, eg);
    for (h, pct) in f.high_turnout.iter().zip([90u64, 95, 100]) {
        let (tables, votes) = kept
            .iter()
            .filter(|r| 100 * (r.valid + r.null) >= pct * r.electors)
            .fold((0, 0), |(t, v), r| (t + 1, v + r.eg));
        assert_eq!((h.tables, h.leader_votes), (tables, votes), "{pct}%");
    }
    // The correlation of turnout and González's share, weighted by electors, in two passes.
    let xs: Vec<(f64, f64, f64)> = kept
        .iter()
        .map(|r| {
            let v = (r.valid + r.null) as f64;
            (
                r.electors as f64,
                100.0 * v / r.electors as f64,
                100.0 * r.eg as f64 / v,
            )
        })
        .collect();
    let w: f64 = xs.iter().map(|x| x.0).sum();
    let mx = xs.iter().map(|x| x.0 * x.1).sum::<f64>() / w;
    let my = xs.iter().map(|x| x.0 * x.2).sum::<f64>() / w;
    let cxy: f64 = xs.iter().map(|x| x.0 * (x.1 - mx) * (x.2 - my)).sum();
    let cxx: f64 = xs.iter().map(|x| x.0 * (x.1 - mx).powi(2)).sum();
    let cyy: f64 = xs.iter().map(|x| x.0 * (x.2 - my).powi(2)).sum();
    let r = cxy / (cxx * cyy).sqrt();
    assert!((f.correlation.unwrap() - r).abs() < 1e-9);
    // The turnout histogram's cells, centred on multiples of 0.1 point.
    let mut cells = vec![0u64; 1_001];
    for r in &kept {
        let v = r.valid + r.null;
        if v <= r.electors {
            cells[((2_000 * v + r.electors) / (2 * r.electors)) as usize] += 1;
        }
    }
    assert_eq!(f.turnout.counts, cells);
    // Pinned (Python, same file).
    assert_eq!((f.tables, f.leader_votes), (24_532, 7_156_462));
    let h: Vec<_> = f
        .high_turnout
        .iter()
        .map(|h| {
            (
                h.tables,
                h.leader_votes,
                h.share_of_leader_votes.to_string(),
            )
        })
        .collect();
    assert_eq!(
        h,
        [
            (348, 43_163, "0.60".to_owned()),
            (30, 3_127, "0.04".to_owned()),
            (0, 0, "0.00".to_owned())
        ]
    );
    assert!((r + 0.453_658_493_17).abs() < 1e-9, "{r}");
}
