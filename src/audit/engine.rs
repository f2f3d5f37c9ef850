//! The `audit` entry point: runs every check that applies and returns one report.

use std::fmt;

use super::bounds::{BoundOptions, Feasibility, Verdict, feasibility_with};
use super::bulletin::{BulletinCheck, check_bulletin};
use super::checked::Checked;
use super::compare::{Comparison, compare};
use super::consistency::{RuleCheck, RuleSummary, check_repeats, check_rules_with};
use super::plausibility::{PlausibilityOptions, plausibility_with};
use super::register::check_register;
use super::robustness::{Robustness, robustness_of};
use super::sequence::{Step, sequence};
use super::signature::{Signature, round_percentage_signature};
use super::totals::{Coverage, Totals, coverage, totals_with};
use crate::error::Result;
use crate::io::InputSummary;
use crate::model::{ActaSet, Bulletin, Candidate, Register, TableRegister};
use crate::par::Execution;
use crate::report::{Code, Finding, Severity, Subject, sort_findings, thousands};
use crate::rules::RuleSet;

/// Options of an audit.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AuditOptions {
    /// The rules every sheet must satisfy (default: [`RuleSet::standard`]).
    pub rules: RuleSet,
    /// Thresholds of the plausibility flags.
    pub plausibility: PlausibilityOptions,
    /// How feasibility bounds read coverage claims.
    pub bounds: BoundOptions,
    /// A round-percentage signature is reported (`R001`) when its chance probability is below
    /// this (default `1e-6`).
    pub signature_alpha: f64,
    /// Whether checks run on every core (the default, with the `parallel` feature) or on the
    /// calling thread; the report is the same either way.
    pub execution: Execution,
}

impl AuditOptions {
    /// With these rules for every sheet.
    pub fn with_rules(mut self, rules: RuleSet) -> Self {
        self.rules = rules;
        self
    }

    /// With these plausibility thresholds.
    pub fn with_plausibility(mut self, plausibility: PlausibilityOptions) -> Self {
        self.plausibility = plausibility;
        self
    }

    /// With these options of the bounds.
    pub fn with_bounds(mut self, bounds: BoundOptions) -> Self {
        self.bounds = bounds;
        self
    }

    /// With another chance probability under which a round-percentage signature is reported.
    pub fn with_signature_alpha(mut self, alpha: f64) -> Self {
        self.signature_alpha = alpha;
        self
    }

    /// With the checks run as `execution` says.
    pub fn with_execution(mut self, execution: Execution) -> Self {
        self.execution = execution;
        self
    }
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            rules: RuleSet::standard(),
            plausibility: PlausibilityOptions::default(),
            bounds: BoundOptions::default(),
            signature_alpha: 1e-6,
            execution: Execution::default(),
        }
    }
}

/// What the audit found about one bulletin.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct BulletinAudit {
    /// Its own arithmetic.
    pub check: BulletinCheck,
    /// Its round-percentage signature, when it has at least two counts.
    pub signature: Option<Signature>,
    /// Its feasibility against the sheets, when it could be computed.
    pub feasibility: Option<Feasibility>,
}

/// The result of an audit: the figures computed and the findings, in a deterministic order.
///
/// Serialises to JSON; displays as a readable text report, verdict first.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AuditReport {
    /// The version of the JSON format this report was written in
    /// ([`SCHEMA_VERSION`](crate::report::SCHEMA_VERSION)); reading a report of a later version
    /// is an error that says so.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "schema_version"))]
    pub schema_version: u32,
    /// Where the sheets come from.
    pub source: Option<String>,
    /// How each input was read (added with [`AuditReport::add_input`]): a report over sheets
    /// of which some rows were rejected says so first.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub inputs: Vec<InputSummary>,
    /// The contest's candidates, in order.
    pub candidates: Vec<Candidate>,
    /// Sheets in the set, repeats included.
    pub sheets: u64,
    /// Totals over the tables (first readings).
    pub totals: Totals,
    /// Coverage of the register, when one is known.
    pub coverage: Option<Coverage>,
    /// How each rule fared.
    pub rules: Vec<RuleSummary>,
    /// Each bulletin, in order.
    pub bulletins: Vec<BulletinAudit>,
    /// The steps between successive bulletins.
    pub sequence: Vec<Step>,
    /// Whether the sheets settle the outcome.
    pub robustness: Option<Robustness>,
    /// The comparison with a second reading, when one was given.
    pub comparison: Option<Comparison>,
    /// Every finding, most severe first.
    pub findings: Vec<Finding>,
}

impl AuditReport {
    /// Adds how one input (the sheets, a second reading) was read, so that the report opens
    /// with the rows it rejected, if any.
    pub fn add_input(&mut self, input: InputSummary) {
        self.inputs.push(input);
    }

    /// The rows rejected over every input added.
    pub fn rows_rejected(&self) -> u64 {
        self.inputs.iter().map(|i| i.rejected).sum()
    }

    /// The findings with code `code`.
    pub fn with_code(&self, code: Code) -> impl Iterator<Item = &Finding> + '_ {
        self.findings.iter().filter(move |f| f.code == code)
    }

    /// The report as pretty JSON.
    ///
    /// # Errors
    ///
    /// [`Error::Json`] if serialisation fails.
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        crate::io::to_json(self)
    }

    /// Reads a report written by [`AuditReport::to_json`], by this version of the crate or an
    /// earlier one of the same [`SCHEMA_VERSION`](crate::report::SCHEMA_VERSION).
    ///
    /// # Errors
    ///
    /// [`Error::Json`] for text that is not a report, or a report of a later schema version.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::audit::{Audit, AuditReport};
    /// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
    ///
    /// let contest = Contest::new("c", vec![Candidate::new("A", "Ana")])?;
    /// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
    /// set.push(ActaSheet::new(TableId::new("1")?).with_voters(90).with_valid(90).with_votes([Some(90)]))?;
    /// let report = Audit::new(&set).run()?;
    /// assert_eq!(AuditReport::from_json(&report.to_json()?)?, report);
    /// # Ok::<(), actas::Error>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<AuditReport> {
        crate::io::from_json(text)
    }
}

/// Reads a report's schema version, refusing one this crate cannot read.
#[cfg(feature = "serde")]
fn schema_version<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<u32, D::Error> {
    use serde::Deserialize;
    let v = u32::deserialize(d)?;
    if v == 0 || v > crate::report::SCHEMA_VERSION {
        return Err(serde::de::Error::custom(format!(
            "the report has schema version {v}; this version of actas reads version {} (a later actas wrote it?)",
            crate::report::SCHEMA_VERSION
        )));
    }
    Ok(v)
}

/// An audit to run: a set of sheets and whatever else is known.
///
/// # Example
///
/// ```
/// use actas::audit::Audit;
/// use actas::report::Code;
/// use actas::{ActaSet, ActaSheet, Bulletin, BulletinCount, Candidate, Contest, Geography, Register, TableId};
///
/// let contest = Contest::new("c", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
/// set.push(ActaSheet::new(TableId::new("1")?).with_electors(100).with_voters(90).with_valid(90).with_votes([Some(60), Some(30)]))?;
/// let bulletins = [Bulletin::new("final", vec![BulletinCount::new("A", 60), BulletinCount::new("B", 30)])];
/// let report = Audit::new(&set)
///     .register(&Register::new().with_tables(1).with_electors(100))
///     .bulletins(&bulletins)
///     .run()?;
/// assert!(report.findings.iter().all(|f| f.code == Code::OutcomeSettled)); // settled, nothing else to say
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Audit<'a> {
    set: &'a ActaSet,
    register: Register,
    tables: Option<&'a TableRegister>,
    bulletins: &'a [Bulletin],
    second: Option<&'a ActaSet>,
    options: AuditOptions,
}

impl<'a> Audit<'a> {
    /// An audit of `set` with default options and nothing else known.
    pub fn new(set: &'a ActaSet) -> Self {
        Audit {
            set,
            register: Register::default(),
            tables: None,
            bulletins: &[],
            second: None,
            options: AuditOptions::default(),
        }
    }

    /// With the register's totals (tables, electors).
    pub fn register(mut self, register: &Register) -> Self {
        self.register = register.clone();
        self
    }

    /// With a register of tables; its totals fill what the register's totals lack.
    pub fn table_register(mut self, tables: &'a TableRegister) -> Self {
        let summary = tables.summary();
        self.register.tables = self.register.tables.or(summary.tables);
        self.register.electors = self.register.electors.or(summary.electors);
        self.tables = Some(tables);
        self
    }

    /// With the bulletins of the contest, oldest first.
    pub fn bulletins(mut self, bulletins: &'a [Bulletin]) -> Self {
        self.bulletins = bulletins;
        self
    }

    /// With a second reading of the same tables, to compare with.
    pub fn second_reading(mut self, other: &'a ActaSet) -> Self {
        self.second = Some(other);
        self
    }

    /// With these options.
    pub fn options(mut self, options: AuditOptions) -> Self {
        self.options = options;
        self
    }

    /// Runs every check that applies.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] on overflow; [`Error::Mismatch`] when the second reading has other
    /// ballot lines. A check that cannot run for lack of data is reported as a finding (`F003`),
    /// not an error.
    pub fn run(&self) -> Result<AuditReport> {
        let set = self.set;
        let exec = self.options.execution;
        let totals = totals_with(set, exec)?;
        let (rule_check, mut findings) = sheet_checks(set, &self.options, exec, 0)?;
        if let Some(tables) = self.tables {
            findings.extend(check_register(set, tables));
        }
        let comparison = match self.second {
            Some(other) => {
                let c = compare(set, other)?;
                findings.extend(c.findings());
                Some(c)
            }
            None => None,
        };
        let announced = announcement_checks(
            set.contest(),
            &totals,
            &self.register,
            self.bulletins,
            &self.options,
            |b| feasibility_with(set, b, &self.register, &self.options.bounds, exec),
        )?;
        Ok(assemble(
            Header {
                source: set.source().map(str::to_owned),
                candidates: set.contest().candidates().to_vec(),
                sheets: set.len() as u64,
            },
            totals,
            &self.register,
            rule_check.rules,
            announced,
            comparison,
            findings,
        ))
    }
}

/// The checks of single sheets: rules (`S001`), plausibility (`S002`...`S007`) and repeated
/// readings (`D001`, `D002`). Sheet indices in findings are shifted by `offset` (the sheets of
/// earlier chunks of a stream).
pub(crate) fn sheet_checks(
    set: &ActaSet,
    options: &AuditOptions,
    exec: Execution,
    offset: usize,
) -> Result<(RuleCheck, Vec<Finding>)> {
    let rule_check = check_rules_with(set, &options.rules, exec)?;
    let mut findings = rule_check.findings();
    findings.extend(plausibility_with(set, &options.plausibility, exec));
    findings.extend(check_repeats(set));
    if offset > 0 {
        for f in &mut findings {
            if let Subject::Sheet { index, .. } = &mut f.subject {
                *index += offset;
            }
        }
    }
    Ok((rule_check, findings))
}

/// What the audit found about the announcements, given the sheets' totals.
pub(crate) struct Announced {
    bulletins: Vec<BulletinAudit>,
    sequence: Vec<Step>,
    robustness: Option<Robustness>,
    findings: Vec<Finding>,
}

/// A finding for a check that could not run (`B008`).
fn unchecked(subject: Subject, message: String) -> Finding {
    Finding::new(Code::NotCheckable, subject, message)
}

/// One bulletin's checks: arithmetic, signature and feasibility.
fn bulletin_checks(
    contest: &crate::Contest,
    register: &Register,
    b: &Bulletin,
    options: &AuditOptions,
    feasibility: &mut impl FnMut(&Bulletin) -> Result<Checked<Feasibility>>,
) -> Result<(BulletinAudit, Vec<Finding>)> {
    let check = check_bulletin(b, Some(contest), register.electors)?;
    let mut findings = check.findings();
    let counts: Vec<(&str, u64)> = b
        .counts
        .iter()
        .map(|c| (c.subject.as_str(), c.count))
        .collect();
    // A bulletin of one count, or of zeros, has no signature: nothing to report.
    let signature = round_percentage_signature(&counts)?.done();
    if let Some(s) = &signature {
        findings.extend(s.findings(&b.label, options.signature_alpha));
    }
    let feasibility = if b.coverage.is_some() {
        let checked = feasibility(b)?;
        findings.extend(checked.findings());
        checked.done()
    } else {
        None
    };
    Ok((
        BulletinAudit {
            check,
            signature,
            feasibility,
        },
        findings,
    ))
}

/// The checks of the announcements: each bulletin's arithmetic, signature and feasibility (by
/// `feasibility`), the sequence, and robustness.
pub(crate) fn announcement_checks(
    contest: &crate::Contest,
    totals: &Totals,
    register: &Register,
    bulletins_in: &[Bulletin],
    options: &AuditOptions,
    mut feasibility: impl FnMut(&Bulletin) -> Result<Checked<Feasibility>>,
) -> Result<Announced> {
    let mut findings = if register.tables.is_some() || register.electors.is_some() {
        coverage(totals, register).findings()
    } else {
        Vec::new()
    };
    let mut bulletins = Vec::new();
    for b in bulletins_in {
        // A bulletin that cannot be checked (a sum past u64, a percentage too fine) is a
        // finding of its own; the other bulletins are still checked.
        match bulletin_checks(contest, register, b, options, &mut feasibility) {
            Ok((audit, f)) => {
                findings.extend(f);
                bulletins.push(audit);
            }
            Err(e) => findings.push(unchecked(
                Subject::Bulletin {
                    label: b.label.clone(),
                },
                format!("the bulletin could not be checked: {e}"),
            )),
        }
    }
    let sequence = match sequence(bulletins_in) {
        Ok(steps) => {
            findings.extend(steps.iter().flat_map(Step::findings));
            steps
        }
        Err(e) => {
            findings.push(unchecked(
                Subject::Set,
                format!("the sequence of bulletins could not be checked: {e}"),
            ));
            Vec::new()
        }
    };
    let robustness = if contest.candidates().len() >= 2 && totals.tables > 0 {
        let r = robustness_of(contest, totals, register)?;
        findings.extend(r.findings());
        Some(r)
    } else {
        None
    };

    Ok(Announced {
        bulletins,
        sequence,
        robustness,
        findings,
    })
}

/// What a report says of the set it audited.
pub(crate) struct Header {
    pub source: Option<String>,
    pub candidates: Vec<Candidate>,
    pub sheets: u64,
}

/// Puts a report together, findings in their order.
pub(crate) fn assemble(
    header: Header,
    totals: Totals,
    register: &Register,
    rules: Vec<RuleSummary>,
    announced: Announced,
    comparison: Option<Comparison>,
    mut findings: Vec<Finding>,
) -> AuditReport {
    findings.extend(announced.findings);
    sort_findings(&mut findings);
    let coverage = (register.tables.is_some() || register.electors.is_some())
        .then(|| coverage(&totals, register));
    AuditReport {
        schema_version: crate::report::SCHEMA_VERSION,
        source: header.source,
        inputs: Vec::new(),
        candidates: header.candidates,
        sheets: header.sheets,
        totals,
        coverage,
        rules,
        bulletins: announced.bulletins,
        sequence: announced.sequence,
        robustness: announced.robustness,
        comparison,
        findings,
    }
}

/// "1 in 101 million" for a small probability.
fn one_in(p: f64) -> String {
    if p <= 0.0 {
        return "0".into();
    }
    let n = 1.0 / p;
    if n >= 1e9 {
        format!("about 1 in {:.1} billion", n / 1e9)
    } else if n >= 1e6 {
        format!("about 1 in {:.0} million", n / 1e6)
    } else {
        format!("about 1 in {}", thousands(n.round() as i128))
    }
}

impl fmt::Display for AuditReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |code: &str| {
            self.candidates
                .iter()
                .find(|c| c.code == code)
                .map_or_else(|| code.to_owned(), |c| c.name.clone())
        };
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
        let mut said = false;
        for b in &self.bulletins {
            let label = &b.check.label;
            if let Some(feas) = &b.feasibility {
                let out: Vec<_> = feas
                    .bounds
                    .iter()
                    .filter(|x| x.verdict != Verdict::Within)
                    .collect();
                if out.is_empty() {
                    writeln!(
                        f,
                        "  {label}: possible given the sheets (every count within its bounds)"
                    )?;
                } else {
                    writeln!(f, "  {label}: NOT POSSIBLE given the sheets")?;
                    for x in out {
                        let side = if x.verdict == Verdict::Below {
                            "at least"
                        } else {
                            "at most"
                        };
                        let bound = if x.verdict == Verdict::Below {
                            Some(x.lower)
                        } else {
                            x.upper
                        };
                        let sheets = match x.false_sheets {
                            Some(k) if x.false_sheets_exact => {
                                format!("{} sheets would have to be false", thousands(k))
                            }
                            Some(k) => {
                                format!("at least {} sheets would have to be false", thousands(k))
                            }
                            None => "no number of false sheets is enough".to_owned(),
                        };
                        writeln!(
                            f,
                            "    {}: announced {}; the sheets allow {} {} (off by {} votes; {})",
                            name(&x.subject),
                            thousands(x.announced),
                            side,
                            bound.map_or_else(|| "?".into(), thousands),
                            thousands(x.gap),
                            sheets
                        )?;
                    }
                }
                said = true;
            }
            if b.feasibility.is_none() {
                if let Some(x) = self.with_code(Code::NoBounds).find(|x| {
                    x.subject
                        == Subject::Bulletin {
                            label: label.clone(),
                        }
                }) {
                    writeln!(f, "  {label}: {}", x.message)?;
                    said = true;
                }
            }
            let flagged = self.with_code(Code::RoundPercentages).any(|x| {
                x.subject
                    == Subject::Bulletin {
                        label: label.clone(),
                    }
            });
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
                writeln!(
                    f,
                    "  {label}: every count is a round percentage of the total on a {}% grid (residuals in votes: {}); chance {}",
                    g.step,
                    residuals.join(", "),
                    one_in(g.probability)
                )?;
                said = true;
            }
        }
        if let Some(r) = &self.robustness {
            match r.settled {
                Some(true) => {
                    let closest = r.margins.iter().min_by_key(|m| m.margin);
                    write!(
                        f,
                        "  The sheets settle the outcome: {} leads",
                        name(&r.leader)
                    )?;
                    if let Some(m) = closest {
                        write!(f, " {} by {}", name(&m.rival), thousands(m.margin))?;
                        if let Some(t) = m.tie_turnout {
                            write!(
                                f,
                                "; a tie needs a turnout of {t} in the uncollected tables, all for {}",
                                name(&m.rival)
                            )?;
                        }
                    }
                    writeln!(f)?;
                    said = true;
                }
                Some(false) => {
                    writeln!(
                        f,
                        "  The sheets do not settle the outcome: the uncollected tables could change the leader"
                    )?;
                    said = true;
                }
                None => {}
            }
        }
        if !said {
            writeln!(
                f,
                "  nothing to weigh against the sheets (no bulletin or register given)"
            )?;
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
        let standard = [
            ("electors", t.electors),
            ("voters", t.voters),
            ("valid", t.valid),
            ("null", t.null),
            ("blank", t.blank),
        ];
        let extra = t.extra.iter().map(|(n, x)| (n.as_str(), *x));
        for (name, total) in standard.into_iter().chain(extra) {
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
                        super::bounds::BoundMethod::Exact => "exact",
                        super::bounds::BoundMethod::FractionalRelaxation => "fractional relaxation",
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
