//! SVG plots of the forensic figures, drawn with [plotters](https://docs.rs/plotters): the
//! fingerprint as a heat map, the turnout and share histograms with the integer percentages
//! marked, and digit distributions against their expectation.
//!
//! Behind the `plots` feature. The output is deterministic: the same figures give the same
//! bytes (no clock, no randomness, no system fonts: text is laid out by plotters' own estimate
//! and drawn by the viewer as SVG text), so plots can be golden-tested and diffed.
//!
//! # Example
//!
//! ```
//! # #[cfg(feature = "synth")] {
//! use actas::forensics::{FingerprintOptions, fingerprint, plot};
//! use actas::synth::{SynthConfig, generate};
//!
//! let (set, _) = generate(&SynthConfig::default().with_sheets(2_000))?;
//! let f = fingerprint(&set, &FingerprintOptions::default())?;
//! let svg = plot::fingerprint_svg(&f, "Synthetic election")?;
//! assert!(svg.starts_with("<svg"));
//! assert_eq!(svg, plot::fingerprint_svg(&f, "Synthetic election")?);
//! # }
//! # Ok::<(), actas::Error>(())
//! ```

use plotters::prelude::*;

use super::{DigitDistribution, Fingerprint, Histogram};
use crate::error::{Error, Result};

/// A plotters error as the crate's.
fn drawing<E: std::fmt::Display>(e: E) -> Error {
    Error::invalid(
        "plot",
        e.to_string(),
        "the figure could not be drawn; report it with the figures that caused it",
    )
}

/// The colour of a cell holding `w` of at most `max`: white to dark blue, on a logarithmic
/// scale (a fingerprint's cells span orders of magnitude).
fn shade(w: u64, max: u64) -> RGBColor {
    if w == 0 || max == 0 {
        return RGBColor(255, 255, 255);
    }
    #[allow(clippy::cast_precision_loss)]
    let t = ((w as f64).ln_1p() / (max as f64).ln_1p()).clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let c = (a + (b - a) * t).round() as u8;
        c
    };
    RGBColor(mix(235.0, 8.0), mix(242.0, 48.0), mix(250.0, 107.0))
}

/// A tick's label: at most two decimals, without trailing zeros ("0.25", "2", "90").
fn tick(y: f64) -> String {
    let s = format!("{y:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The fingerprint as a heat map: turnout across, the leader's share up, each cell shaded by
/// its weight (log scale).
///
/// # Errors
///
/// A drawing error of plotters (none is expected).
pub fn fingerprint_svg(f: &Fingerprint, title: &str) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 600)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..100f64, 0f64..100f64)
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .x_desc("Turnout (%)")
            .y_desc(format!("Share of {} (%)", f.leader))
            .draw()
            .map_err(drawing)?;
        let side = f.grid as usize + 1;
        let max = f.cells.iter().copied().max().unwrap_or(0);
        let width = 100.0 / f64::from(f.grid.max(1));
        let cells = f
            .cells
            .iter()
            .enumerate()
            .filter(|(_, w)| **w > 0)
            .map(|(i, &w)| {
                #[allow(clippy::cast_precision_loss)]
                let (t, s) = ((i / side) as f64 * width, (i % side) as f64 * width);
                let (x0, x1) = ((t - width / 2.0).max(0.0), (t + width / 2.0).min(100.0));
                let (y0, y1) = ((s - width / 2.0).max(0.0), (s + width / 2.0).min(100.0));
                Rectangle::new([(x0, y0), (x1, y1)], shade(w, max).filled())
            });
        chart.draw_series(cells).map_err(drawing)?;
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}

/// A histogram over 0-100% as bars, the cells on integer percentages in red (where rounding
/// piles tables up); `x_desc` names the axis.
///
/// # Errors
///
/// A drawing error of plotters (none is expected).
pub fn histogram_svg(h: &Histogram, title: &str, x_desc: &str) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let max = h.counts.iter().copied().max().unwrap_or(0).max(1);
        #[allow(clippy::cast_precision_loss)]
        let top = max as f64 * 1.05;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..100f64, 0f64..top)
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| tick(*y))
            .x_desc(x_desc)
            .y_desc("Tables (or their weight)")
            .draw()
            .map_err(drawing)?;
        let bins = h.bins.max(1);
        let width = 100.0 / f64::from(bins);
        // A cell is on an integer percentage when its centre, i · 100 / bins, is a whole number.
        let on_integer = |i: usize| (i as u64 * 100) % u64::from(bins) == 0;
        let red = RGBColor(200, 30, 30);
        let blue = RGBColor(60, 90, 160);
        let bars = h
            .counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, &c)| {
                #[allow(clippy::cast_precision_loss)]
                let centre = i as f64 * width;
                let (x0, x1) = (
                    (centre - width / 2.0).max(0.0),
                    (centre + width / 2.0).min(100.0),
                );
                let colour = if on_integer(i) { red } else { blue };
                #[allow(clippy::cast_precision_loss)]
                Rectangle::new([(x0, 0.0), (x1, c as f64)], colour.filled())
            });
        chart.draw_series(bars).map_err(drawing)?;
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}

/// A digit distribution: the observed share of each digit (bars) against the expected one
/// (dots joined by a line).
///
/// # Errors
///
/// A drawing error of plotters (none is expected).
pub fn digits_svg(d: &DigitDistribution, title: &str) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (520, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        #[allow(clippy::cast_precision_loss)]
        let n = d.n.max(1) as f64;
        #[allow(clippy::cast_precision_loss)]
        let observed: Vec<f64> = d.frequencies.iter().map(|&f| f as f64 / n).collect();
        let top = observed
            .iter()
            .chain(&d.expected)
            .copied()
            .fold(0.0f64, f64::max)
            * 1.15;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.5f64..9.5f64, 0f64..top.max(0.01))
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(10)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| tick(*y))
            .x_desc(format!("Digit ({} counts)", d.n))
            .y_desc("Share")
            .draw()
            .map_err(drawing)?;
        let bar = RGBColor(60, 90, 160);
        chart
            .draw_series(observed.iter().enumerate().map(|(i, &y)| {
                #[allow(clippy::cast_precision_loss)]
                let x = i as f64;
                Rectangle::new([(x - 0.35, 0.0), (x + 0.35, y)], bar.filled())
            }))
            .map_err(drawing)?;
        let red = RGBColor(200, 30, 30);
        #[allow(clippy::cast_precision_loss)]
        let expected: Vec<(f64, f64)> = d
            .expected
            .iter()
            .enumerate()
            .map(|(i, &p)| (i as f64, p))
            .collect();
        chart
            .draw_series(LineSeries::new(
                expected.iter().copied(),
                red.stroke_width(2),
            ))
            .map_err(drawing)?;
        chart
            .draw_series(
                expected
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 4, red.filled())),
            )
            .map_err(drawing)?;
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}
