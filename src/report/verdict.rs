//! The verdict of an audit in words: what the text report prints under "Verdict", as values a
//! program (the HTML report of the `actas` command, a newsroom's page) can lay out its own way.

use std::fmt::Write as _;

use crate::audit::{AuditReport, Verdict};
use crate::report::{Code, Severity, Subject, thousands};

/// One statement of an audit's verdict: a sentence, the lines that back it, and how much it
/// matters.
///
/// [`AuditReport::verdict`] gives them in the order the text report prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Statement {
    /// How much it matters: [`Severity::Critical`] when the announcement cannot be true as
    /// announced (a count the sheets rule out, round percentages, an outcome the sheets rule
    /// out), [`Severity::Warning`] when the sheets do not settle the outcome, else
    /// [`Severity::Info`].
    pub severity: Severity,
    /// The sentence, without a trailing period (`"CNE 1: NOT POSSIBLE given the sheets"`).
    pub text: String,
    /// The lines that back it, one per count out of bounds (empty for most statements).
    pub details: Vec<String>,
}

impl Statement {
    fn new(severity: Severity, text: String) -> Self {
        Statement {
            severity,
            text,
            details: Vec::new(),
        }
    }
}

/// "1 in 101 million" for a small probability.
pub(crate) fn one_in(p: f64) -> String {
    if p <= 0.0 {
        return "0".into();
    }
    let n = 1.0 / p;
    if n >= 1e9 {
        format!("about 1 in {:.1} billion", n / 1e9)
    } else if n >= 1e6 {
        format!("about 1 in {:.0} million", n / 1e6)
    } else {
        #[allow(clippy::cast_possible_truncation)]
        let n = n.round() as i128;
        format!("about 1 in {}", thousands(n))
    }
}

impl AuditReport {
    /// The verdict in words, as the text report prints it under "Verdict": for each bulletin,
    /// whether the sheets allow its counts (with each count out of bounds), whether its counts
    /// are round percentages; then whether the sheets settle the outcome. A report with nothing
    /// to weigh against the sheets says so in one statement: the verdict is never empty.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::audit::Audit;
    /// use actas::report::Severity;
    /// use actas::{ActaSet, ActaSheet, Bulletin, BulletinCount, Candidate, Contest, Geography, Register, TableId};
    ///
    /// let contest = Contest::new("c", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")])?;
    /// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
    /// set.push(ActaSheet::new(TableId::new("1")?).with_valid(90).with_votes([Some(60), Some(30)]))?;
    /// // Every table is counted, and the announcement swaps the two candidates' votes.
    /// let bulletins = [Bulletin::new("final", vec![BulletinCount::new("A", 30), BulletinCount::new("B", 60)]).with_final()];
    /// let report = Audit::new(&set)
    ///     .register(&Register::new().with_tables(1))
    ///     .bulletins(&bulletins)
    ///     .run()?;
    /// let verdict = report.verdict();
    /// assert_eq!(verdict[0].severity, Severity::Critical);
    /// assert_eq!(verdict[0].text, "final: NOT POSSIBLE given the sheets");
    /// assert_eq!(verdict[0].details[0], "Ana: announced 30; the sheets allow at least 60 (off by 30 votes; 1 sheet would have to be false)");
    /// assert_eq!(verdict[0].details.len(), 2);
    /// # Ok::<(), actas::Error>(())
    /// ```
    pub fn verdict(&self) -> Vec<Statement> {
        let name = |code: &str| {
            self.candidates
                .iter()
                .find(|c| c.code == code)
                .map_or_else(|| code.to_owned(), |c| c.name.clone())
        };
        let mut out = Vec::new();
        for b in &self.bulletins {
            let label = &b.check.label;
            let about_it = |s: &Subject| {
                *s == Subject::Bulletin {
                    label: label.clone(),
                }
            };
            if let Some(feas) = &b.feasibility {
                let beyond: Vec<_> = feas
                    .bounds
                    .iter()
                    .filter(|x| x.verdict != Verdict::Within)
                    .collect();
                if beyond.is_empty() {
                    out.push(Statement::new(
                        Severity::Info,
                        format!(
                            "{label}: possible given the sheets (every count within its bounds)"
                        ),
                    ));
                } else {
                    let mut s = Statement::new(
                        Severity::Critical,
                        format!("{label}: NOT POSSIBLE given the sheets"),
                    );
                    for x in beyond {
                        let (side, bound) = if x.verdict == Verdict::Below {
                            ("at least", Some(x.lower))
                        } else {
                            ("at most", x.upper)
                        };
                        let noun = |k: u64| if k == 1 { "sheet" } else { "sheets" };
                        let sheets = match x.false_sheets {
                            Some(k) if x.false_sheets_exact => {
                                format!("{} {} would have to be false", thousands(k), noun(k))
                            }
                            Some(k) => format!(
                                "at least {} {} would have to be false",
                                thousands(k),
                                noun(k)
                            ),
                            None => "no number of false sheets is enough".to_owned(),
                        };
                        s.details.push(format!(
                            "{}: announced {}; the sheets allow {} {} (off by {} votes; {})",
                            name(&x.subject),
                            thousands(x.announced),
                            side,
                            bound.map_or_else(|| "?".into(), thousands),
                            thousands(x.gap),
                            sheets
                        ));
                    }
                    out.push(s);
                }
            } else if let Some(x) = self
                .with_code(Code::NoBounds)
                .find(|x| about_it(&x.subject))
            {
                out.push(Statement::new(
                    Severity::Info,
                    format!("{label}: {}", x.message),
                ));
            }
            let flagged = self
                .with_code(Code::RoundPercentages)
                .any(|x| about_it(&x.subject));
            if let Some(g) = b
                .signature
                .as_ref()
                .and_then(|s| s.grid.as_ref())
                .filter(|_| flagged)
            {
                let residuals: Vec<String> = g
                    .points
                    .iter()
                    .map(|p| format!("{} {:+}", p.subject, p.residual))
                    .collect();
                out.push(Statement::new(
                    Severity::Critical,
                    format!(
                        "{label}: every count is a round percentage of the total on a {}% grid (residuals in votes: {}); chance {}",
                        g.step,
                        residuals.join(", "),
                        one_in(g.probability)
                    ),
                ));
            }
        }
        // The leader's margins speak of the outcome only under plurality; another rule's
        // outcome is said below.
        let plurality = self
            .outcome
            .as_ref()
            .is_none_or(|o| o.rule == crate::OutcomeRule::Plurality);
        if let Some(r) = self.robustness.as_ref().filter(|_| plurality) {
            match r.settled {
                Some(true) => {
                    let mut text = format!("The sheets settle the outcome: {} leads", name(&r.leader));
                    if let Some(m) = r.margins.iter().min_by_key(|m| m.margin) {
                        let _ = write!(text, " {} by {}", name(&m.rival), thousands(m.margin));
                        if let Some(t) = m.tie_turnout {
                            let _ = write!(
                                text,
                                "; a tie needs a turnout of {t} in the uncollected tables, all for {}",
                                name(&m.rival)
                            );
                        }
                    }
                    out.push(Statement::new(Severity::Info, text));
                }
                Some(false) => out.push(Statement::new(
                    Severity::Warning,
                    "The sheets do not settle the outcome: the uncollected tables could change the leader"
                        .to_owned(),
                )),
                None => {}
            }
        }
        if let Some(o) = &self.outcome {
            if let (Some(on_sheets), false) =
                (&o.on_sheets, o.rule == crate::OutcomeRule::Plurality)
            {
                let rule: Vec<String> = o
                    .rule
                    .conditions()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                let mut text = format!(
                    "Under the rule (elected with {}, of the {} votes; else a runoff): on the sheets, {on_sheets}",
                    rule.join(", or "),
                    o.rule.base().map_or("valid", crate::PercentBase::name),
                );
                let severity = match o.settled {
                    Some(true) => {
                        text += ", whatever the uncollected tables hold";
                        Severity::Info
                    }
                    Some(false) => {
                        text += "; the uncollected tables could change it";
                        Severity::Warning
                    }
                    None => Severity::Info,
                };
                if let Some(k) = o.votes_to_change {
                    let _ = write!(text, " ({} votes moved would change it)", thousands(k));
                }
                out.push(Statement::new(severity, text));
            }
            if let (Some(on_sheets), Some(true)) = (&o.on_sheets, o.settled) {
                for b in &o.bulletins {
                    if let Some(x) = b.outcome.as_ref().filter(|x| *x != on_sheets) {
                        out.push(Statement::new(
                            Severity::Critical,
                            format!(
                                "{}: its figures give {x}; the sheets rule that out",
                                b.label
                            ),
                        ));
                    }
                }
            }
        }
        if out.is_empty() {
            out.push(Statement::new(
                Severity::Info,
                "nothing to weigh against the sheets (no bulletin or register given)".to_owned(),
            ));
        }
        out
    }
}
