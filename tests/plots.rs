//! The plots are deterministic (the same figures, the same bytes) and pinned by golden files.
//! To accept a deliberate change, run with `ACTAS_BLESS=1` and look at the files in
//! `tests/golden/` (any SVG viewer).

use actas::forensics::{DigitOptions, FingerprintOptions, digit_tests, fingerprint, plot};
use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

/// Twelve tables of 1,000 electors: turnouts and A's shares spread, two on integer values.
fn set() -> ActaSet {
    let contest = Contest::new(
        "c",
        vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")],
    )
    .unwrap();
    let mut s = ActaSet::new(contest, Geography::new(["x"]).unwrap());
    for (i, (v, a)) in [
        (600, 300),
        (612, 357),
        (655, 401),
        (700, 450),
        (702, 377),
        (731, 512),
        (580, 291),
        (640, 333),
        (690, 420),
        (710, 430),
        (650, 390),
        (720, 446),
    ]
    .into_iter()
    .enumerate()
    {
        s.push(
            ActaSheet::new(TableId::new(format!("t{i}")).unwrap())
                .with_electors(1_000)
                .with_voters(v)
                .with_valid(v)
                .with_votes([Some(a), Some(v - a)]),
        )
        .unwrap();
    }
    s
}

fn golden(name: &str, svg: &str) {
    let path = format!("{GOLDEN}/{name}");
    if std::env::var_os("ACTAS_BLESS").is_some() {
        std::fs::write(&path, svg).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    for (i, (got, want)) in svg.lines().zip(want.lines()).enumerate() {
        assert_eq!(got, want, "line {} of {path}", i + 1);
    }
    assert_eq!(svg, want, "{path}");
}

#[test]
fn plots_are_the_golden_files() {
    let set = set();
    let f = fingerprint(&set, &FingerprintOptions::default().with_grid(20)).unwrap();
    let fp = plot::fingerprint_svg(&f, "Twelve tables").unwrap();
    // Deterministic: the same figures, the same bytes.
    assert_eq!(fp, plot::fingerprint_svg(&f, "Twelve tables").unwrap());
    golden("plot_fingerprint.svg", &fp);
    let f = fingerprint(
        &set,
        &FingerprintOptions::default().with_histogram_bins(200),
    )
    .unwrap();
    golden(
        "plot_turnout.svg",
        &plot::histogram_svg(&f.turnout, "Turnout, 0.5-point bins", "Turnout (%)").unwrap(),
    );
    let d = digit_tests(&set, &DigitOptions::default().with_bootstrap(0)).unwrap();
    let a = d.series.iter().find(|s| s.field == "A").unwrap();
    golden(
        "plot_digits.svg",
        &plot::digits_svg(&a.second.dist, "Second digits of A").unwrap(),
    );
}

#[test]
fn empty_figures_still_draw() {
    let contest = Contest::new("c", vec![Candidate::new("A", "Ana")]).unwrap();
    let empty = ActaSet::new(contest, Geography::new(["x"]).unwrap());
    let f = fingerprint(&empty, &FingerprintOptions::default()).unwrap();
    assert!(plot::fingerprint_svg(&f, "").unwrap().starts_with("<svg"));
    assert!(
        plot::histogram_svg(&f.share, "", "")
            .unwrap()
            .starts_with("<svg")
    );
    let d = digit_tests(&empty, &DigitOptions::default()).unwrap();
    for s in &d.series {
        assert!(
            plot::digits_svg(&s.last.dist, "")
                .unwrap()
                .ends_with("</svg>\n")
        );
    }
}
