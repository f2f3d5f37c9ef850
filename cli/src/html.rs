//! `actas audit --html FILE`: the audit as one self-contained page.
//!
//! One file, no network: the style sheet and the charts (SVG) are inline, there is no script.
//! It reads on a phone (tables scroll sideways in their own box) and prints (no box scrolls on
//! paper). The verdict comes first, in words ([`AuditReport::verdict`]), then a chart per
//! bulletin with each announced count against the range the sheets allow, the findings, the
//! totals nationally and by place, the rules, the second reading, the forensic plots when
//! they were asked for, and the inputs with their SHA-256, so that a reader can reproduce it.
//!
//! The page is deterministic: the same inputs and arguments give the same bytes (no clock, no
//! machine name, no absolute path the user did not give). Every text is escaped by maud.

use std::fmt::Write as _;

use actas::audit::{AuditReport, BoundMethod, Totals, Verdict};
use actas::io::InputSummary;
use actas::report::{Finding, Severity};
use actas::{CoverageBasis, Decimal};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::totals::{base, share, thousands};

/// The findings the page lists one by one; past them it says how many more the JSON report has.
pub(crate) const FINDINGS_SHOWN: usize = 1_000;
/// The tables of a second reading that differ, listed one by one.
const DIFFERENCES_SHOWN: usize = 200;

/// One file the audit read.
#[derive(Debug)]
pub(crate) struct InputFile {
    /// What it is to the audit ("sheets", "layout", ...).
    pub(crate) role: &'static str,
    /// Its path, as the user gave it.
    pub(crate) path: String,
    /// Its size in bytes.
    pub(crate) bytes: u64,
    /// Its SHA-256, in lowercase hexadecimal.
    pub(crate) sha256: String,
}

/// The totals by place at one level, with each place's label.
#[derive(Debug)]
pub(crate) struct Places {
    /// The level's name.
    pub(crate) level: String,
    /// Each place's label ("01 DTTO. CAPITAL") and totals, in order of first appearance.
    pub(crate) places: Vec<(String, Totals)>,
    /// The tables with no place at this level, when there are any.
    pub(crate) unplaced: Option<Totals>,
}

/// A forensic plot: its caption and its SVG (from `actas::forensics::plot`).
#[derive(Debug)]
pub(crate) struct Plot {
    /// Its file name, when written on its own (`actas forensics --plots DIR`).
    pub(crate) file: String,
    pub(crate) caption: String,
    pub(crate) svg: String,
}

/// Everything the page shows.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    pub(crate) report: &'a AuditReport,
    /// The totals by place, or why there are none.
    pub(crate) places: Result<Places, String>,
    pub(crate) inputs: Vec<InputFile>,
    /// The command as run, from `actas` on.
    pub(crate) command: String,
    pub(crate) plots: Vec<Plot>,
}

const STYLE: &str = r#"
:root{color-scheme:light}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#16181d;margin:0 auto;max-width:64rem;padding:1rem}
h1{font-size:1.55rem;line-height:1.25;margin:.5rem 0 .25rem}
h2{font-size:1.25rem;margin:2.2rem 0 .6rem;padding-bottom:.2rem;border-bottom:1px solid #c9ccd3}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
p.sub{margin:0;color:#4a4f5a}
.banner{border:2px solid #b00020;background:#fdecee;padding:.6rem .9rem;margin:1rem 0;font-weight:600}
ul.verdict{padding:0;margin:0}
ul.verdict>li{list-style:none;margin:.5rem 0;padding:.5rem .8rem;border-left:.4rem solid #7a8090;background:#f3f4f6}
ul.verdict ul{margin:.3rem 0 0;padding-left:1.2rem;font-weight:400}
li.critical,li.error{border-left-color:#b00020!important;background:#fdecee!important;font-weight:600}
li.warning{border-left-color:#a15c00!important;background:#fff4e0!important}
.sev-critical,.sev-error{color:#b00020;font-weight:600}
.sev-warning{color:#8a4b00}
.out{color:#b00020;font-weight:600}
.wide{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.4rem 0}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.92rem}
th,td{padding:.25rem .55rem;border-bottom:1px solid #dfe1e6;text-align:left;vertical-align:top}
th{background:#f3f4f6;font-weight:600}
.n{text-align:right;white-space:nowrap}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
.hash{word-break:break-all}
figure{margin:1rem 0}
figcaption{font-size:.92rem;color:#4a4f5a;margin-top:.3rem}
svg{max-width:100%;height:auto;display:block}
figure.chart svg{width:100%}
details{margin:.5rem 0}
summary{cursor:pointer}
footer{margin-top:2.5rem;font-size:.85rem;color:#4a4f5a;border-top:1px solid #c9ccd3;padding-top:.6rem}
@media print{body{max-width:none;padding:0;font-size:11pt}.wide{overflow:visible}figure,tr,ul.verdict>li{break-inside:avoid}details>*{display:block}}
"#;

/// The CSS class of a severity.
fn class(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::Error => "error",
        Severity::Warning => "warning",
        _ => "info",
    }
}

/// The page, as one string of HTML.
pub(crate) fn render(page: &Page) -> String {
    let r = page.report;
    let source = r.source.as_deref().unwrap_or("the sheets");
    let rejected = r.rows_rejected();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(concat!("actas-cli ", env!("CARGO_PKG_VERSION")));
                title { "Audit of " (source) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Audit of " (source) }
                    p.sub {
                        (thousands(r.sheets)) " sheets, " (thousands(r.totals.tables)) " tables"
                        @if let Some(c) = r.coverage.as_ref() {
                            @if let (Some(s), Some(n)) = (c.table_share(), c.tables_registered) {
                                " (" (s) " of the " (thousands(n)) " tables in the register)"
                            }
                        }
                    }
                }
                @if rejected > 0 {
                    p.banner id="rejected" {
                        "ROWS REJECTED: " (thousands(rejected)) " rows could not be read. "
                        "This report covers only the rows that were read; the inputs, at the "
                        "end, say which rows and why."
                    }
                }
                section id="verdict" {
                    h2 { "Verdict" }
                    ul.verdict {
                        @for s in r.verdict() {
                            li class=(class(s.severity)) {
                                (s.text)
                                @if !s.details.is_empty() {
                                    ul { @for d in &s.details { li { (d) } } }
                                }
                            }
                        }
                    }
                }
                (bulletins(r))
                (findings(r))
                (totals(r, &page.places))
                (rules(r))
                (sequence(r))
                (comparison(r))
                (plots(r, &page.plots))
                (inputs(r, page))
                footer {
                    "Written by actas-cli " (env!("CARGO_PKG_VERSION"))
                    ". The same inputs and arguments give the same page, byte for byte."
                }
            }
        }
    }
    .into_string()
}

/// One row of a range chart: an announced value against the range the sheets allow.
struct Range {
    label: String,
    announced: f64,
    lower: f64,
    /// `None`: no upper bound.
    upper: Option<f64>,
    outside: bool,
    /// What a reader hovering (or a screen reader) is told.
    title: String,
}

/// Coordinates in the SVG, to one decimal (deterministic and short).
fn c(v: f64) -> String {
    format!("{v:.1}")
}

/// A step for about five ticks up to `max`: 1, 2 or 5 times a power of ten.
fn tick_step(max: f64) -> f64 {
    let raw = (max / 5.0).max(f64::MIN_POSITIVE);
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// A chart of announced values against the ranges the sheets allow, one row per subject: the
/// range as a blue band (to the right edge when it has no upper bound), the announced value as
/// a bar, red when it is outside the range.
fn range_chart(title: &str, rows: &[Range], label: impl Fn(f64) -> String) -> Markup {
    const W: f64 = 720.0;
    const LEFT: f64 = 12.0;
    const RIGHT: f64 = 24.0;
    const ROW: f64 = 46.0;
    const TOP: f64 = 6.0;
    let top = rows
        .iter()
        .flat_map(|r| [Some(r.announced), Some(r.lower), r.upper])
        .flatten()
        .fold(0.0f64, f64::max);
    let max = if top > 0.0 { top * 1.06 } else { 1.0 };
    let x = |v: f64| LEFT + (W - LEFT - RIGHT) * (v / max).clamp(0.0, 1.0);
    #[allow(clippy::cast_precision_loss)]
    let axis = TOP + ROW * rows.len() as f64 + 4.0;
    let height = axis + 58.0;
    let step = tick_step(max);
    let mut ticks = Vec::new();
    let mut t = 0.0;
    while t <= max {
        ticks.push(t);
        t += step;
    }
    html! {
        svg viewBox={ "0 0 " (c(W)) " " (c(height)) } width=(c(W)) height=(c(height))
            role="img" aria-label=(title) xmlns="http://www.w3.org/2000/svg"
            font-family="system-ui,sans-serif" {
            title { (title) }
            @for (i, r) in rows.iter().enumerate() {
                @let y = {
                    #[allow(clippy::cast_precision_loss)]
                    let y = TOP + ROW * i as f64;
                    y
                };
                g class="row" {
                    title { (r.title) }
                    text x=(c(LEFT)) y=(c(y + 14.0)) font-size="14" fill="#16181d" { (r.label) }
                    rect x=(c(LEFT)) y=(c(y + 22.0)) width=(c(W - LEFT - RIGHT)) height="14"
                        fill="#f1f2f5" {}
                    rect x=(c(x(r.lower))) y=(c(y + 22.0))
                        width=(c((x(r.upper.unwrap_or(max)) - x(r.lower)).max(1.5)))
                        height="14" fill=(if r.upper.is_some() { "#8fb4e3" } else { "#c4d6ee" })
                        class="allowed" {}
                    rect x=(c(x(r.announced) - 2.0)) y=(c(y + 17.0)) width="4" height="24"
                        fill=(if r.outside { "#b00020" } else { "#1e6b32" })
                        class=(if r.outside { "announced outside" } else { "announced" }) {}
                }
            }
            line x1=(c(LEFT)) x2=(c(W - RIGHT)) y1=(c(axis)) y2=(c(axis)) stroke="#7a8090" {}
            @for t in &ticks {
                line x1=(c(x(*t))) x2=(c(x(*t))) y1=(c(axis)) y2=(c(axis + 5.0)) stroke="#7a8090" {}
                text x=(c(x(*t))) y=(c(axis + 18.0)) font-size="11" text-anchor="middle"
                    fill="#4a4f5a" { (label(*t)) }
            }
            rect x=(c(LEFT)) y=(c(axis + 32.0)) width="22" height="12" fill="#8fb4e3" {}
            text x=(c(LEFT + 28.0)) y=(c(axis + 42.0)) font-size="12" fill="#16181d" {
                "what the sheets allow"
            }
            rect x=(c(LEFT + 190.0)) y=(c(axis + 29.0)) width="4" height="18" fill="#1e6b32" {}
            text x=(c(LEFT + 200.0)) y=(c(axis + 42.0)) font-size="12" fill="#16181d" {
                "announced, within"
            }
            rect x=(c(LEFT + 330.0)) y=(c(axis + 29.0)) width="4" height="18" fill="#b00020" {}
            text x=(c(LEFT + 340.0)) y=(c(axis + 42.0)) font-size="12" fill="#16181d" {
                "announced, NOT POSSIBLE"
            }
        }
    }
}

/// A count for drawing (approximate past 2^53, which only moves a pixel).
#[allow(clippy::cast_precision_loss)]
fn f(v: u64) -> f64 {
    v as f64
}

/// A percentage for drawing.
fn pf(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(0.0)
}

/// The word for a verdict.
fn verdict_word(v: Verdict) -> Markup {
    match v {
        Verdict::Within => html! { "within" },
        Verdict::Below => html! { span.out { "BELOW" } },
        _ => html! { span.out { "ABOVE" } },
    }
}

/// Each bulletin: its chart against the sheets, its table of bounds, and its own arithmetic.
fn bulletins(r: &AuditReport) -> Markup {
    let name = |code: &str| {
        r.candidates
            .iter()
            .find(|c| c.code == code)
            .map_or_else(|| code.to_owned(), |c| c.name.clone())
    };
    html! {
        @if !r.bulletins.is_empty() {
            section id="bulletins" {
                h2 { "The announcements against the sheets" }
                @for (i, b) in r.bulletins.iter().enumerate() {
                    h3 { (b.check.label) }
                    @if let Some(feas) = &b.feasibility {
                        @if !feas.bounds.is_empty() {
                            @let rows: Vec<Range> = feas.bounds.iter().map(|x| Range {
                                label: name(&x.subject),
                                announced: f(x.announced),
                                lower: f(x.lower),
                                upper: x.upper.map(f),
                                outside: x.verdict != Verdict::Within,
                                title: format!(
                                    "{}: announced {}; the sheets allow {} to {}",
                                    name(&x.subject),
                                    thousands(x.announced),
                                    thousands(x.lower),
                                    x.upper.map_or_else(|| "no upper bound".into(), thousands)
                                ),
                            }).collect();
                            figure.chart id={ "chart-" (i + 1) } {
                                (range_chart(
                                    &format!("{}: each announced count against what the sheets allow", b.check.label),
                                    &rows,
                                    // Ticks are whole multiples of the step: whole numbers.
                                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                                    |t| thousands(t.round() as u64),
                                ))
                                figcaption {
                                    "Each candidate's announced count (bar) against the votes the sheets allow (band) when the count covers "
                                    (thousands(feas.counted.0))
                                    @if feas.counted.1 != feas.counted.0 { " to " (thousands(feas.counted.1)) }
                                    " " (basis(feas.basis)) ", as the bulletin claims ("
                                    "at least " (thousands(feas.from_sheets)) " of them on the sheets read); bounds "
                                    (method(feas.method)) "."
                                }
                            }
                            div.wide { table {
                                thead { tr {
                                    th { "candidate" } th.n { "announced" } th.n { "least possible" }
                                    th.n { "most possible" } th { "verdict" } th.n { "off by" }
                                    th { "false sheets needed" }
                                } }
                                tbody { @for x in &feas.bounds { tr {
                                    td { (name(&x.subject)) }
                                    td.n { (thousands(x.announced)) }
                                    td.n { (thousands(x.lower)) }
                                    td.n { (x.upper.map_or_else(|| "no bound".into(), thousands)) }
                                    td { (verdict_word(x.verdict)) }
                                    td.n { @if x.gap > 0 { (thousands(x.gap)) } }
                                    td { @if x.verdict != Verdict::Within {
                                        @match x.false_sheets {
                                            Some(k) if x.false_sheets_exact => { (thousands(k)) }
                                            Some(k) => { "at least " (thousands(k)) }
                                            None => { "no number is enough" }
                                        }
                                    } }
                                } } }
                            } }
                        }
                        @if !feas.shares.is_empty() {
                            @let rows: Vec<Range> = feas.shares.iter().map(|x| Range {
                                label: name(&x.subject),
                                announced: pf(x.printed.value()),
                                lower: pf(x.least),
                                upper: x.most.map(pf),
                                outside: x.verdict != Verdict::Within,
                                title: format!(
                                    "{}: printed {}% of the {} votes; the sheets allow {}% to {}",
                                    name(&x.subject), x.printed, x.base, x.least,
                                    x.most.map_or_else(|| "no upper bound".into(), |m| format!("{m}%"))
                                ),
                            }).collect();
                            figure.chart id={ "chart-" (i + 1) "-shares" } {
                                (range_chart(
                                    &format!("{}: each printed share against what the sheets allow", b.check.label),
                                    &rows,
                                    |t| format!("{t}%"),
                                ))
                                figcaption { "Shares printed without a count, against the range of shares the sheets allow." }
                            }
                        }
                    } @else {
                        p { "No chart: the counts could not be bounded by the sheets (the findings say why)." }
                    }
                    details {
                        summary { "The bulletin's own arithmetic" }
                        p { "Sum of its counts: " (thousands(b.check.count_total)) }
                        @if !b.check.percents.is_empty() {
                            div.wide { table {
                                thead { tr { th { "subject" } th.n { "count" } th.n { "printed" } th.n { "exact" } th { "reproduced by" } } }
                                tbody { @for p in &b.check.percents { tr {
                                    td { (p.subject) } td.n { (thousands(p.count)) } td.n { (p.printed) "%" }
                                    td.n { (p.exact) "%" }
                                    td { @if p.reproduced_by.is_empty() { span.out { "no rule" } } @else {
                                        (p.reproduced_by.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
                                    } }
                                } } }
                            } }
                        }
                        @if let Some(s) = &b.signature {
                            p { @match &s.grid {
                                Some(g) => { "Coarsest round-percentage grid: " (g.step) "%." }
                                None => { "No round-percentage grid fits." }
                            } }
                        }
                    }
                }
            }
        }
    }
}

fn basis(b: CoverageBasis) -> &'static str {
    match b {
        CoverageBasis::Tables => "tables",
        CoverageBasis::Electors => "electors",
        _ => "unspecified basis",
    }
}

fn method(m: BoundMethod) -> &'static str {
    match m {
        BoundMethod::Exact => "exact",
        BoundMethod::FractionalRelaxation => "by fractional relaxation (safe, possibly wider)",
        _ => "widened",
    }
}

/// A finding's numbers, as the text report writes them.
fn numbers(x: &Finding) -> String {
    let mut out = String::new();
    for (i, (k, v)) in x.numbers.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{} {v}", k.replace('_', " "));
    }
    out
}

/// The findings: how many of each code, then each one (the first [`FINDINGS_SHOWN`]).
fn findings(r: &AuditReport) -> Markup {
    let mut counts: Vec<(String, Severity, usize)> = Vec::new();
    for x in &r.findings {
        let code = x.code.to_string();
        match counts.iter_mut().find(|(c, _, _)| *c == code) {
            Some(e) => e.2 += 1,
            None => counts.push((code, x.severity, 1)),
        }
    }
    let hidden = r.findings.len().saturating_sub(FINDINGS_SHOWN);
    html! {
        section id="findings" {
            h2 { "Findings (" (thousands(r.findings.len() as u64)) ")" }
            @if r.findings.is_empty() {
                p { "None." }
            } @else {
                p { @for (i, (code, sev, n)) in counts.iter().enumerate() {
                    @if i > 0 { ", " }
                    span class={ "sev-" (class(*sev)) } { (code) } " ×" (n)
                } }
                @if hidden > 0 {
                    p.banner {
                        "The first " (thousands(FINDINGS_SHOWN as u64)) " findings are listed; "
                        (thousands(hidden as u64)) " more are not. The JSON report (--json) has every one."
                    }
                }
                div.wide { table {
                    thead { tr { th { "code" } th { "severity" } th { "about" } th { "finding" } } }
                    tbody { @for x in r.findings.iter().take(FINDINGS_SHOWN) { tr {
                        td { code { (x.code) } }
                        td class={ "sev-" (class(x.severity)) } { (x.severity) }
                        td { (x.subject) }
                        td { (x.message) @if !x.numbers.is_empty() { br; small { (numbers(x)) } } }
                    } } }
                } }
            }
        }
    }
}

/// The national totals, and the totals by place.
fn totals(r: &AuditReport, places: &Result<Places, String>) -> Markup {
    let t = &r.totals;
    let (b, base_name) = base(t);
    let mut order: Vec<usize> = (0..r.candidates.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(t.candidates.get(c).map_or(0, |x| x.sum)));
    let fields: Vec<(&str, actas::audit::FieldTotal)> = t.fields().collect();
    html! {
        section id="totals" {
            h2 { "Totals on the sheets" }
            p { "Each table once (its first reading); shares of the " (base_name) "." }
            div.wide { table {
                thead { tr { th { "candidate" } th.n { "votes" } th.n { "share" } } }
                tbody { @for c in order { tr {
                    td { (r.candidates[c].name) }
                    td.n { (thousands(t.candidates.get(c).map_or(0, |x| x.sum))) }
                    td.n { (share(t.candidates.get(c).map_or(0, |x| x.sum), b)) }
                } } }
            } }
            div.wide { table {
                thead { tr { th { "field" } th.n { "total" } th.n { "on tables" } } }
                tbody { @for (n, x) in &fields { tr {
                    td { (n) }
                    @if x.sheets == 0 { td.n { "-" } td.n { "none" } } @else {
                        td.n { (thousands(x.sum)) }
                        td.n { (thousands(x.sheets)) " of " (thousands(t.tables)) }
                    }
                } } }
            } }
            @let (voters, electors) = t.turnout_base;
            @if electors > 0 {
                p { "Turnout " (share(voters, electors)) " (" (thousands(voters)) " voters of "
                    (thousands(electors)) " electors, on the tables that carry both)." }
            }
            @match places {
                Ok(p) => {
                    h3 id="places" { "By " (p.level) " (" (thousands(p.places.len() as u64)) " places)" }
                    p { "Votes and each place's shares (of its valid votes, or of its candidates' votes where its tables lack them)." }
                    div.wide { table {
                        thead { tr {
                            th { (p.level) } th.n { "tables" }
                            @for c in &r.candidates { th.n { (c.code) } }
                        } }
                        tbody {
                            @for (label, t) in &p.places { (place_row(label, t)) }
                            @if let Some(t) = &p.unplaced { (place_row("(no place at this level)", t)) }
                        }
                    } }
                }
                Err(why) => { p { "No totals by place: " (why) "." } }
            }
        }
    }
}

fn place_row(label: &str, t: &Totals) -> Markup {
    let (b, _) = base(t);
    html! { tr {
        td { (label) }
        td.n { (thousands(t.tables)) }
        @for x in &t.candidates { td.n { (thousands(x.sum)) br; small { (share(x.sum, b)) } } }
    } }
}

/// How each rule of the sheets' form fared.
fn rules(r: &AuditReport) -> Markup {
    html! {
        section id="rules" {
            h2 { "Rules of the sheets" }
            div.wide { table {
                thead { tr { th { "rule" } th.n { "checked" } th.n { "broken" } th.n { "skipped" } } }
                tbody { @for x in &r.rules { tr {
                    td { code { (x.rule) } }
                    @if let Some(why) = &x.not_applicable {
                        td colspan="3" { "not applicable: " (why) }
                    } @else {
                        td.n { (thousands(x.checked)) }
                        td.n { @if x.broken > 0 { span.out { (thousands(x.broken)) } } @else { "0" } }
                        td.n { (thousands(x.skipped)) }
                    }
                } } }
            } }
        }
    }
}

/// `1234` and `-1234` with thousands separators.
fn signed(n: i128) -> String {
    let s = thousands(u64::try_from(n.unsigned_abs()).unwrap_or(u64::MAX));
    if n < 0 {
        format!("-{s}")
    } else {
        format!("+{s}")
    }
}

/// The steps from one bulletin to the next.
fn sequence(r: &AuditReport) -> Markup {
    html! {
        @if !r.sequence.is_empty() {
            section id="sequence" {
                h2 { "From one bulletin to the next" }
                @for s in &r.sequence {
                    h3 { (s.from) " to " (s.to) ": " (signed(s.votes_added)) " votes" }
                    div.wide { table {
                        thead { tr { th { "subject" } th.n { "from" } th.n { "to" } th.n { "change" } th.n { "of the added votes" } } }
                        tbody { @for i in &s.increments { tr {
                            td { (i.subject) } td.n { (thousands(i.from)) } td.n { (thousands(i.to)) }
                            td.n { @if i.delta < 0 { span.out { (signed(i.delta)) } } @else { (signed(i.delta)) } }
                            td.n { @if let Some(p) = i.share_of_added { (p) "%" } }
                        } } }
                    } }
                }
            }
        }
    }
}

/// The comparison with a second reading.
fn comparison(r: &AuditReport) -> Markup {
    html! {
        @if let Some(c) = &r.comparison {
            section id="comparison" {
                h2 { "The second reading" }
                p {
                    (thousands(c.identical)) " tables identical ("
                    (thousands(c.identical_other_image)) " of them from another image), "
                    (thousands(c.different.len() as u64)) " different, "
                    (thousands(c.only_in_a.len() as u64)) " only in the first reading, "
                    (thousands(c.only_in_b.len() as u64)) " only in the second."
                }
                @if !c.different.is_empty() {
                    h3 { "Net change per candidate, second minus first, over the tables that differ" }
                    div.wide { table {
                        tbody { @for (cand, net) in r.candidates.iter().zip(&c.net_per_candidate) { tr {
                            td { (cand.name) } td.n { (signed(i128::from(*net))) }
                        } } }
                    } }
                    h3 { "The tables that differ" }
                    @if c.different.len() > DIFFERENCES_SHOWN {
                        p.banner { "The first " (DIFFERENCES_SHOWN) " of "
                            (thousands(c.different.len() as u64))
                            " are listed; the findings C003 (in the JSON report) name every one." }
                    }
                    div.wide { table {
                        thead { tr { th { "table" } th { "changes (first -> second)" } } }
                        tbody { @for d in c.different.iter().take(DIFFERENCES_SHOWN) { tr {
                            td { (d.table) }
                            td { (d.fields.iter().map(|x| format!("{}: {} -> {}", x.field,
                                x.a.map_or_else(|| "-".into(), |v| v.to_string()),
                                x.b.map_or_else(|| "-".into(), |v| v.to_string()))).collect::<Vec<_>>().join(", ")) }
                        } } }
                    } }
                }
            }
        }
    }
}

/// The forensic plots, when the tests were run.
fn plots(r: &AuditReport, plots: &[Plot]) -> Markup {
    html! {
        @if r.forensics.is_some() {
            section id="forensics" {
                h2 { "Forensics" }
                p { "Evidence to look closer, never a verdict by itself: the tests' findings (X001 to X007) are with the others above." }
                @for (i, p) in plots.iter().enumerate() {
                    figure.plot id={ "plot-" (i + 1) } {
                        (PreEscaped(&p.svg))
                        figcaption { (p.caption) }
                    }
                }
            }
        }
    }
}

/// The inputs: each file with its size and SHA-256, how each CSV was read, and the command.
fn inputs(r: &AuditReport, page: &Page) -> Markup {
    let summary =
        |path: &str| -> Option<&InputSummary> { r.inputs.iter().find(|i| i.name == path) };
    html! {
        section id="inputs" {
            h2 { "Inputs" }
            p { "To reproduce this report, run the command below on files with these checksums." }
            pre.mono { (page.command) }
            div.wide { table {
                thead { tr { th { "input" } th { "file" } th.n { "bytes" } th { "SHA-256" } th { "read" } } }
                tbody { @for f in &page.inputs { tr {
                    td { (f.role) } td { code { (f.path) } } td.n { (thousands(f.bytes)) }
                    td.hash { code { (f.sha256) } }
                    td { @if let Some(s) = summary(&f.path) {
                        @if s.rejected == 0 { "every row (" (thousands(s.rows_read)) ")" } @else {
                            span.out { (thousands(s.rejected)) " of " (thousands(s.rows_read)) " rows rejected" }
                            ": " (s.reasons.iter().map(|(k, n)| format!("{k} {}", thousands(*n))).collect::<Vec<_>>().join(", "))
                        }
                    } }
                } } }
            } }
            @for s in r.inputs.iter().filter(|s| s.rejected > 0) {
                h3 { "Rows rejected in " code { (s.name) } }
                ul { @for x in &s.first_rejected { li { code { (x) } } } }
                @if s.rejected > s.first_rejected.len() as u64 {
                    p { "... and " (thousands(s.rejected - s.first_rejected.len() as u64)) " more." }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_one_two_or_five_times_a_power_of_ten() {
        assert!((tick_step(10.0) - 2.0).abs() < 1e-9);
        assert!((tick_step(7_000_000.0) - 2_000_000.0).abs() < 1e-3);
        assert!((tick_step(100.0) - 20.0).abs() < 1e-9);
        assert!((tick_step(26.0) - 10.0).abs() < 1e-9);
        assert!((tick_step(1.0) - 0.2).abs() < 1e-12);
        assert!(tick_step(0.0) > 0.0);
    }

    #[test]
    fn text_is_escaped() {
        let rows = [Range {
            label: "<script>alert(1)</script> & co".into(),
            announced: 5.0,
            lower: 1.0,
            upper: None,
            outside: false,
            title: "\"quoted\"".into(),
        }];
        let svg = range_chart("a < b", &rows, |t| t.to_string()).into_string();
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(svg.contains("aria-label=\"a &lt; b\""));
    }
}
