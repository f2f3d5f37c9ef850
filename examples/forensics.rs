//! Election forensics on the Venezuelan V1 sheets: every statistic of the digit tests, the
//! integer-percentage test with its exact null, the fingerprint and the fit of Klimek et al.'s
//! fraud model, and the plots, written as SVG into a directory.
//!
//! Run it with `cargo run --release --features plots --example forensics -- DIR`.
//!
//! Forensic findings are evidence to look closer, never a verdict: read the caveats in
//! `actas::forensics`.

use std::error::Error;
use std::path::{Path, PathBuf};

use actas::forensics::{
    DigitOptions, FingerprintOptions, KlimekOptions, PeakOptions, digit_tests, fingerprint,
    integer_peaks, klimek_fit, plot,
};
use actas::io::{Layout, read_csv_path};

fn main() -> Result<(), Box<dyn Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("give the directory to write the plots into")?,
    );
    std::fs::create_dir_all(&out)?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/ve2024");
    let layout = Layout::from_path(dir.join("layout_v1.json"))?;
    let read = read_csv_path(dir.join("RESULTADOS_2024_CSV_V1.csv"), &layout)?;
    let set = &read.set;
    println!(
        "Venezuela 2024, ConVzla V1: {} sheets, {} tables\n",
        set.len(),
        set.tables()
    );

    let digits = digit_tests(set, &DigitOptions::default())?;
    println!(
        "Digit tests ({} tests at {} each; a few fire by chance)",
        digits.tests(),
        digits.alpha
    );
    println!(
        "  {:<8} {:>7} {:>7} {:>10} {:>7} {:>7} {:>10} {:>8} {:>10}",
        "field", "2nd n", "mean", "p", "last n", "mean", "p", "0 or 5", "p"
    );
    let mean = |m: Option<f64>| m.map_or_else(|| "-".into(), |m| format!("{m:.3}"));
    for s in &digits.series {
        println!(
            "  {:<8} {:>7} {:>7} {:>10.2e} {:>7} {:>7} {:>10.2e} {:>8} {:>10.2e}",
            s.field,
            s.second.dist.n,
            mean(s.second.dist.mean),
            s.second.dist.p_value,
            s.last.dist.n,
            mean(s.last.dist.mean),
            s.last.dist.p_value,
            s.last
                .zero_or_five_share
                .map_or_else(|| "-".into(), |x| format!("{:.1}%", 100.0 * x)),
            s.last.zero_or_five_p
        );
    }

    let peaks = integer_peaks(set, &PeakOptions::default())?;
    println!(
        "\nInteger percentages ({} tables; {} left out by the filters), leader {}",
        peaks.tables, peaks.left_out, peaks.leader
    );
    for (what, n) in [
        ("turnout", &peaks.turnout),
        ("share", &peaks.share),
        ("either", &peaks.either),
    ] {
        println!(
            "  {what:<8} observed {:>6}, expected {:>8.1} ± {:>5.1}, excess {:>+7.1} (z {:>+5.2}), \
             99.9th percentile {:>6}, p {:.2e}",
            n.observed, n.mean, n.sd, n.excess, n.z, n.percentile_999, n.p_value
        );
    }
    let top: Vec<String> = {
        let mut v: Vec<_> = peaks.share.by_value.iter().collect();
        v.sort_by(|a, b| {
            (b.observed as f64 - b.expected).total_cmp(&(a.observed as f64 - a.expected))
        });
        v.iter()
            .take(5)
            .map(|p| format!("{}% ({} against {:.1})", p.percent, p.observed, p.expected))
            .collect()
    };
    println!("  largest excesses of the share: {}", top.join(", "));

    let fp = fingerprint(set, &FingerprintOptions::default())?;
    println!("\nFingerprint ({} tables, leader {})", fp.tables, fp.leader);
    for (what, m) in [("turnout", fp.turnout_moments), ("share", fp.share_moments)] {
        if let Some(m) = m {
            println!(
                "  {what:<8} mean {:.2}%, sd {:.2}, skewness {:.3}, excess kurtosis {:.3}",
                m.mean,
                m.sd,
                m.skewness.unwrap_or(f64::NAN),
                m.excess_kurtosis.unwrap_or(f64::NAN)
            );
        }
    }
    println!(
        "  correlation of turnout and share, weighted by electors: {:.3}",
        fp.correlation.unwrap_or(f64::NAN)
    );
    for h in &fp.high_turnout {
        println!(
            "  the leader's votes at turnout ≥ {}%: {} in {} tables, {}% of the leader's",
            h.threshold, h.leader_votes, h.tables, h.share_of_leader_votes
        );
    }

    let fit = klimek_fit(set, &KlimekOptions::default())?;
    let m = fit.model;
    println!(
        "\nFraud model (Klimek et al.): fair turnout {:.3} ± {:.3}, share {:.3} ± {:.3}; best fit \
         incremental {:.2}, extreme {:.2}, α {}, θ {:.3} (distance {:.1}; without fraud {})",
        m.turnout_mean,
        m.turnout_sd,
        m.share_mean,
        m.share_sd,
        m.incremental,
        m.extreme,
        m.alpha,
        m.theta,
        fit.distance,
        fit.fair_distance
            .map_or_else(|| "-".into(), |d| format!("{d:.1}"))
    );

    let mut findings = digits.findings();
    findings.extend(peaks.findings());
    findings.extend(fp.findings());
    findings.extend(fit.findings());
    println!("\nFindings: {}", findings.len());
    for f in &findings {
        println!("  {} {}: {}", f.code, f.severity, f.message);
    }

    let write = |name: &str, svg: String| -> Result<(), Box<dyn Error>> {
        let path = out.join(name);
        std::fs::write(&path, svg)?;
        println!("  wrote {}", path.display());
        Ok(())
    };
    println!("\nPlots");
    write(
        "fingerprint.svg",
        plot::fingerprint_svg(
            &fp,
            "Venezuela 2024 (ConVzla V1): turnout × González's share",
        )?,
    )?;
    write(
        "turnout.svg",
        plot::histogram_svg(
            &fp.turnout,
            "Turnout per table, 0.1-point bins",
            "Turnout (%)",
        )?,
    )?;
    write(
        "share.svg",
        plot::histogram_svg(
            &fp.share,
            "González's share per table, 0.1-point bins",
            "Share of the ballots (%)",
        )?,
    )?;
    for s in digits
        .series
        .iter()
        .filter(|s| s.field == "EG" || s.field == "NM")
    {
        write(
            &format!("last_digits_{}.svg", s.field),
            plot::digits_svg(&s.last.dist, &format!("Last digits of {}", s.field))?,
        )?;
        write(
            &format!("second_digits_{}.svg", s.field),
            plot::digits_svg(&s.second.dist, &format!("Second digits of {}", s.field))?,
        )?;
    }
    Ok(())
}
