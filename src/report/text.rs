//! The text form of an [`AuditReport`]: what a reader sees first (rows rejected, the verdict of
//! each bulletin, the most important findings), then every figure.

use std::fmt;

use crate::audit::{AuditReport, Verdict};
use crate::io::InputSummary;
use crate::report::verdict::one_in;
use crate::report::{Code, Finding, Severity, thousands};

impl fmt::Display for AuditReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Audit of {}: {} sheets, {} tables",
            self.source.as_deref().unwrap_or("the sheets"),
            thousands(self.sheets),
            thousands(self.totals.tables)
        )?;
        // Rows the report does not cover come before anything it says.
        if self.rows_rejected() > 0 {
            writeln!(
                f,
                "\nROWS REJECTED: this report covers only the rows that were read"
            )?;
        } else if !self.inputs.is_empty() {
            writeln!(f, "\nInputs")?;
        }
        for i in &self.inputs {
            if i.rejected == 0 {
                writeln!(
                    f,
                    "  {}: every row read ({} rows)",
                    i.name,
                    thousands(i.rows_read)
                )?;
                continue;
            }
            let share =
                crate::percent_of(i.rejected, i.rows_read.max(1), 2, crate::Rounding::HalfUp)
                    .map_err(|_| fmt::Error)?;
            let reasons: Vec<String> = i
                .reasons
                .iter()
                .map(|(k, n)| format!("{k} {}", thousands(*n)))
                .collect();
            writeln!(
                f,
                "  {}: {} of {} rows rejected ({share}%): {}",
                i.name,
                thousands(i.rejected),
                thousands(i.rows_read),
                reasons.join(", ")
            )?;
            for r in i.first_rejected.iter().take(5) {
                writeln!(f, "    {r}")?;
            }
            if i.rejected > 5 {
                writeln!(
                    f,
                    "    ... and {} more (the JSON report lists the first {})",
                    thousands(i.rejected - 5),
                    InputSummary::FIRST
                )?;
            }
        }

        writeln!(f, "\nVerdict")?;
        for s in self.verdict() {
            writeln!(f, "  {}", s.text)?;
            for d in &s.details {
                writeln!(f, "    {d}")?;
            }
        }

        let important: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|x| x.severity >= Severity::Warning)
            .take(10)
            .collect();
        if !important.is_empty() {
            writeln!(f, "\nMost important findings")?;
            for x in important {
                writeln!(f, "  {x}")?;
            }
        }

        // Shares are of the valid votes when every counted table carries them, else of the
        // candidates' votes (a layout without a valid field), and the heading says which.
        let t = &self.totals;
        let candidates_sum: u64 = t.candidates.iter().map(|c| c.sum).sum();
        let (base, base_name) = if t.valid.sheets == t.tables && t.tables > 0 {
            (t.valid.sum, "valid votes")
        } else {
            (
                candidates_sum,
                "the candidates' votes: the sheets do not all carry valid votes",
            )
        };
        writeln!(f, "\nTotals on the sheets (shares of {base_name})")?;
        let mut order: Vec<usize> = (0..self.candidates.len()).collect();
        order.sort_by_key(|&c| std::cmp::Reverse(t.candidates.get(c).map_or(0, |t| t.sum)));
        for c in order {
            let votes = t.candidates[c].sum;
            let share = if base == 0 {
                "-".to_owned()
            } else {
                crate::percent_of(votes, base, 2, crate::Rounding::HalfUp)
                    .map_err(|_| fmt::Error)?
                    .to_string()
                    + "%"
            };
            writeln!(
                f,
                "  {:<30} {:>12} {:>8}",
                self.candidates[c].name,
                thousands(votes),
                share
            )?;
        }
        for (name, total) in t.fields() {
            if total.sheets == 0 {
                writeln!(f, "  {name:<30} {:>12} (on no sheet)", "-")?;
            } else {
                writeln!(
                    f,
                    "  {name:<30} {:>12} (on {} of {} tables)",
                    thousands(total.sum),
                    thousands(total.sheets),
                    thousands(t.tables)
                )?;
            }
        }
        let (voters, electors) = t.turnout_base;
        if electors > 0 {
            let turnout = crate::percent_of(voters, electors, 2, crate::Rounding::HalfUp)
                .map_err(|_| fmt::Error)?;
            writeln!(
                f,
                "  turnout {turnout}% ({} voters of {} electors, on the tables that carry both)",
                thousands(voters),
                thousands(electors)
            )?;
        }
        if let Some(c) = &self.coverage {
            if let (Some(s), Some(n)) = (c.table_share(), c.tables_registered) {
                writeln!(
                    f,
                    "  tables covered:   {} of {} ({s})",
                    thousands(c.tables),
                    thousands(n)
                )?;
            }
            if let (Some(s), Some(n)) = (c.elector_share(), c.electors_registered) {
                writeln!(
                    f,
                    "  electors covered: {} of {} ({s})",
                    thousands(c.electors),
                    thousands(n)
                )?;
            }
        }

        writeln!(f, "\nSheet rules")?;
        for r in &self.rules {
            if let Some(why) = &r.not_applicable {
                writeln!(f, "  {:<34} not applicable: {why}", r.rule.to_string())?;
                continue;
            }
            writeln!(
                f,
                "  {:<34} {} checked, {} broken, {} skipped",
                r.rule.to_string(),
                thousands(r.checked),
                thousands(r.broken),
                thousands(r.skipped)
            )?;
        }

        for b in &self.bulletins {
            writeln!(f, "\n{}", b.check.label)?;
            writeln!(f, "  sum of counts {}", thousands(b.check.count_total))?;
            for p in &b.check.percents {
                let rules: Vec<String> = p.reproduced_by.iter().map(ToString::to_string).collect();
                writeln!(
                    f,
                    "  {:<8} {:>12} printed {:>6}% exact {}% reproduced by {}",
                    p.subject,
                    thousands(p.count),
                    p.printed,
                    p.exact,
                    if rules.is_empty() {
                        "no rule".to_owned()
                    } else {
                        rules.join(", ")
                    }
                )?;
            }
            if let Some(t) = &b.check.turnout {
                for a in &t.against {
                    writeln!(
                        f,
                        "  turnout printed {}%: voters over {} {} is {}%{}",
                        t.printed,
                        a.figure,
                        thousands(a.electors),
                        a.exact,
                        if a.reproduced_by.is_empty() {
                            " (not reproduced)"
                        } else {
                            " (reproduced)"
                        }
                    )?;
                }
            }
            if let Some(s) = &b.signature {
                match &s.grid {
                    Some(g) => writeln!(
                        f,
                        "  coarsest round-percentage grid: {}% (chance {})",
                        g.step,
                        one_in(g.probability)
                    )?,
                    None => writeln!(f, "  no round-percentage grid fits")?,
                }
            }
            if let Some(feas) = &b.feasibility {
                writeln!(
                    f,
                    "  bounds ({} basis, {}): counted {}..{}, at least {} from the sheets",
                    match feas.basis {
                        crate::CoverageBasis::Tables => "tables",
                        crate::CoverageBasis::Electors => "electors",
                        crate::CoverageBasis::Unspecified => "unspecified",
                    },
                    match feas.method {
                        crate::audit::BoundMethod::Exact => "exact",
                        crate::audit::BoundMethod::FractionalRelaxation => "fractional relaxation",
                        crate::audit::BoundMethod::Widened => "widened",
                    },
                    thousands(feas.counted.0),
                    thousands(feas.counted.1),
                    thousands(feas.from_sheets)
                )?;
                for x in &feas.bounds {
                    writeln!(
                        f,
                        "    {:<8} announced {:>12}  possible {:>12} ..{:>12}  {}",
                        x.subject,
                        thousands(x.announced),
                        thousands(x.lower),
                        x.upper.map_or_else(|| "unbounded".into(), thousands),
                        match x.verdict {
                            Verdict::Within => "within",
                            Verdict::Below => "BELOW",
                            Verdict::Above => "ABOVE",
                        }
                    )?;
                }
                for x in &feas.shares {
                    writeln!(
                        f,
                        "    {:<8} printed {:>8}% of {}  possible {}% .. {}  {}",
                        x.subject,
                        x.printed,
                        x.base,
                        x.least,
                        x.most
                            .map_or_else(|| "unbounded".into(), |m| format!("{m}%")),
                        match x.verdict {
                            Verdict::Within => "within",
                            Verdict::Below => "BELOW",
                            Verdict::Above => "ABOVE",
                        }
                    )?;
                }
                for x in &feas.shares_not_bounded {
                    writeln!(f, "    {:<8} no range: {}", x.subject, x.reason)?;
                }
            }
        }
        for s in &self.sequence {
            writeln!(
                f,
                "\n{} to {}: {} votes added",
                s.from,
                s.to,
                thousands(s.votes_added)
            )?;
            for i in &s.increments {
                let sign = if i.delta > 0 { "+" } else { "" };
                writeln!(
                    f,
                    "  {:<8} {:>12} -> {:>12}  {:>12}  {}",
                    i.subject,
                    thousands(i.from),
                    thousands(i.to),
                    format!("{sign}{}", thousands(i.delta)),
                    i.share_of_added
                        .map_or_else(String::new, |s| format!("{s}% of the added votes"))
                )?;
            }
        }
        if let Some(c) = &self.comparison {
            writeln!(
                f,
                "\nSecond reading: {} identical ({} with another image), {} different, {} only in the first, {} only in the second",
                thousands(c.identical),
                thousands(c.identical_other_image),
                thousands(c.different.len()),
                thousands(c.only_in_a.len()),
                thousands(c.only_in_b.len())
            )?;
            if !c.different.is_empty() {
                writeln!(
                    f,
                    "  net change per candidate, second minus first, over the tables that differ:"
                )?;
                for (cand, net) in self.candidates.iter().zip(&c.net_per_candidate) {
                    writeln!(f, "    {:<30} {:>+12}", cand.name, net)?;
                }
            }
        }
        if let Some(x) = &self.forensics {
            write!(f, "\n{x}")?;
        }
        let mut counts: Vec<(Code, usize)> = Vec::new();
        for x in &self.findings {
            match counts.iter_mut().find(|(c, _)| *c == x.code) {
                Some(e) => e.1 += 1,
                None => counts.push((x.code, 1)),
            }
        }
        counts.sort();
        let shown: Vec<String> = counts.iter().map(|(c, n)| format!("{c} x{n}")).collect();
        writeln!(
            f,
            "\nFindings: {} ({})",
            self.findings.len(),
            if shown.is_empty() {
                "none".into()
            } else {
                shown.join(", ")
            }
        )?;
        Ok(())
    }
}

/// The forensic tests' figures, as the audit's text report prints them: evidence to look
/// closer, never a verdict (the findings say what departs from what).
impl fmt::Display for crate::forensics::ForensicsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self;
        writeln!(
            f,
            "Forensics (evidence to look closer, not a verdict; findings below)"
        )?;
        if let Some(d) = &x.digits {
            let zero_five: Vec<String> = d
                .series
                .iter()
                .filter_map(|s| {
                    Some(format!(
                        "{} {:.1}%",
                        s.field,
                        100.0 * s.last.zero_or_five_share?
                    ))
                })
                .collect();
            writeln!(
                f,
                "  digits: {} tests at {}; counts ending in 0 or 5: {}",
                d.tests(),
                d.alpha,
                if zero_five.is_empty() {
                    "no counts large enough".into()
                } else {
                    zero_five.join(", ")
                }
            )?;
        }
        if let Some(p) = &x.peaks {
            for (what, n) in [("turnout", &p.turnout), ("leader's share", &p.share)] {
                writeln!(
                    f,
                    "  integer {what}: {} of {} tables against {:.1} expected (99.9th percentile {}, \
                 p {:.2e})",
                    thousands(n.observed),
                    thousands(p.tables),
                    n.mean,
                    thousands(n.percentile_999),
                    n.p_value
                )?;
            }
        }
        if let Some(fp) = &x.fingerprint {
            let high: Vec<String> = fp
                .high_turnout
                .iter()
                .map(|h| format!("{}% at ≥ {}%", h.share_of_leader_votes, h.threshold))
                .collect();
            writeln!(
                f,
                "  fingerprint ({} tables): correlation of turnout and share {}; the leader's votes: {}",
                thousands(fp.tables),
                fp.correlation
                    .map_or_else(|| "undefined".into(), |r| format!("{r:.3}")),
                high.join(", ")
            )?;
        }
        if let Some(k) = &x.klimek {
            writeln!(
                f,
                "  fraud model: incremental {:.2}, extreme {:.2} (distance {:.1}; without fraud {})",
                k.model.incremental,
                k.model.extreme,
                k.distance,
                k.fair_distance
                    .map_or_else(|| "not in the grid".into(), |d| format!("{d:.1}"))
            )?;
        }
        Ok(())
    }
}
