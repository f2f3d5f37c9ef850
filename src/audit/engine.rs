//! The `audit` entry point: runs every check that applies and returns one report.

use super::bounds::{BoundOptions, Feasibility, feasibility_with};
use super::bulletin::{BulletinCheck, check_bulletin};
use super::checked::Checked;
use super::compare::{Comparison, compare_with};
use super::consistency::{RuleCheck, RuleSummary, check_repeats, check_rules_with};
use super::outcome::{OutcomeCheck, outcome_of};
use super::plausibility::{PlausibilityOptions, plausibility_with};
use super::register::check_register_with;
use super::robustness::{Robustness, robustness_of};
use super::sequence::{Step, sequence};
use super::signature::{Signature, round_percentage_signature, round_percentage_signature_over};
use super::totals::{Coverage, Totals, coverage, totals_with};
use crate::error::Result;
use crate::forensics::{ForensicsOptions, ForensicsReport};
use crate::io::InputSummary;
use crate::model::{ActaSet, Bulletin, Candidate, OutcomeRule, Register, TableRegister};
use crate::par::Execution;
use crate::report::{Code, Finding, Subject, sort_findings};
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
    /// The election's rule: who is elected, or who goes to a runoff (default plurality).
    pub rule: OutcomeRule,
    /// The forensic tests to run (none by default): [`ForensicsOptions::standard`] for the
    /// digit tests, the integer-percentage test and the fingerprint. A streaming audit refuses
    /// them (an error): they need every table at once.
    pub forensics: ForensicsOptions,
}

impl AuditOptions {
    /// With these rules for every sheet.
    #[must_use]
    pub fn with_rules(mut self, rules: RuleSet) -> Self {
        self.rules = rules;
        self
    }

    /// With these plausibility thresholds.
    #[must_use]
    pub fn with_plausibility(mut self, plausibility: PlausibilityOptions) -> Self {
        self.plausibility = plausibility;
        self
    }

    /// With these options of the bounds.
    #[must_use]
    pub fn with_bounds(mut self, bounds: BoundOptions) -> Self {
        self.bounds = bounds;
        self
    }

    /// With another chance probability under which a round-percentage signature is reported.
    #[must_use]
    pub fn with_signature_alpha(mut self, alpha: f64) -> Self {
        self.signature_alpha = alpha;
        self
    }

    /// With the election's rule (an announcements file carries it as `"rule"`).
    #[must_use]
    pub fn with_rule(mut self, rule: OutcomeRule) -> Self {
        self.rule = rule;
        self
    }

    /// With the checks run as `execution` says.
    #[must_use]
    pub fn with_execution(mut self, execution: Execution) -> Self {
        self.execution = execution;
        self
    }

    /// With these forensic tests.
    #[must_use]
    pub fn with_forensics(mut self, forensics: ForensicsOptions) -> Self {
        self.forensics = forensics;
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
            rule: OutcomeRule::Plurality,
            forensics: ForensicsOptions::default(),
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
    /// Whether the sheets settle the leader (plurality margins).
    pub robustness: Option<Robustness>,
    /// The outcome of the election's rule on the sheets, on each bulletin and with the
    /// uncollected tables; its findings are the report's `O001` to `O003`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub outcome: Option<OutcomeCheck>,
    /// The comparison with a second reading, when one was given.
    pub comparison: Option<Comparison>,
    /// The forensic tests, when [`AuditOptions::forensics`] asked for any; their findings
    /// (`X001`...`X007`) are among the report's.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub forensics: Option<ForensicsReport>,
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
    /// [`ErrorKind::Json`](crate::ErrorKind::Json) if serialisation fails.
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        crate::io::to_json(self)
    }

    /// Reads a report written by [`AuditReport::to_json`], by this version of the crate or an
    /// earlier one of the same [`SCHEMA_VERSION`](crate::report::SCHEMA_VERSION).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Json`](crate::ErrorKind::Json) for text that is not a report, or a report of a later schema version.
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
/// let bulletins = [Bulletin::new("final", vec![BulletinCount::new("A", 60), BulletinCount::new("B", 30)]).with_final()];
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
    #[must_use]
    pub fn register(mut self, register: &Register) -> Self {
        self.register = register.clone();
        self
    }

    /// With a register of tables; its totals fill what the register's totals lack.
    #[must_use]
    pub fn table_register(mut self, tables: &'a TableRegister) -> Self {
        let summary = tables.summary();
        self.register.tables = self.register.tables.or(summary.tables);
        self.register.electors = self.register.electors.or(summary.electors);
        self.tables = Some(tables);
        self
    }

    /// With the bulletins of the contest, oldest first.
    #[must_use]
    pub fn bulletins(mut self, bulletins: &'a [Bulletin]) -> Self {
        self.bulletins = bulletins;
        self
    }

    /// With a second reading of the same tables, to compare with.
    #[must_use]
    pub fn second_reading(mut self, other: &'a ActaSet) -> Self {
        self.second = Some(other);
        self
    }

    /// With these options.
    #[must_use]
    pub fn options(mut self, options: AuditOptions) -> Self {
        self.options = options;
        self
    }

    /// With the election's rule (as [`AuditOptions::with_rule`]).
    #[must_use]
    pub fn rule(mut self, rule: &OutcomeRule) -> Self {
        self.options.rule = rule.clone();
        self
    }

    /// Runs every check that applies.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) on overflow; [`ErrorKind::Mismatch`](crate::ErrorKind::Mismatch) when the second reading has other
    /// ballot lines. A check that cannot run for lack of data is reported as a finding (`F003`),
    /// not an error.
    pub fn run(&self) -> Result<AuditReport> {
        let set = self.set;
        let exec = self.options.execution;
        let totals = totals_with(set, exec)?;
        let (rule_check, mut findings) = sheet_checks(set, &self.options, exec, 0)?;
        if let Some(tables) = self.tables {
            findings.extend(check_register_with(set, tables, exec));
        }
        let comparison = match self.second {
            Some(other) => {
                let c = compare_with(set, other, exec)?;
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
            Some(super::outcome::SheetElectors::of(set)),
            |b| feasibility_with(set, b, &self.register, &self.options.bounds, exec),
        )?;
        let forensics = if self.options.forensics.any() {
            let mut forensics = self.options.forensics.clone();
            for o in [
                forensics.digits.as_mut().map(|o| &mut o.execution),
                forensics.peaks.as_mut().map(|o| &mut o.execution),
                forensics.klimek.as_mut().map(|o| &mut o.execution),
            ]
            .into_iter()
            .flatten()
            {
                *o = exec;
            }
            let report = ForensicsReport::run(set, &forensics)?;
            findings.extend(report.findings());
            Some(report)
        } else {
            None
        };
        let mut report = assemble(
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
        );
        report.forensics = forensics;
        Ok(report)
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
    outcome: Option<OutcomeCheck>,
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
        .filter_map(|c| Some((c.subject.as_str(), c.count?)))
        .collect();
    // A bulletin of one count, or of zeros, has no signature: nothing to report; nor has one
    // that gives some subjects only a share.
    // Of the declared base's total when the bulletin gives it, else of the counts' sum.
    // (A total equal to the counts' sum is that sum: its last count is not free.)
    let sum = b.count_total()?;
    let declared = b
        .base
        .and_then(|base| Some((base, b.base_total(base)?)))
        .filter(|(_, total)| *total != sum);
    let signature = match declared {
        _ if !b.has_all_counts() => None,
        Some((base, total)) => round_percentage_signature_over(&counts, total, base)?.done(),
        None => round_percentage_signature(&counts)?.done(),
    };
    if let Some(s) = &signature {
        findings.extend(s.findings(&b.label, options.signature_alpha));
    }
    // Run without a coverage claim too: its `F003` says that the counts were not weighed.
    let checked = feasibility(b)?;
    findings.extend(checked.findings());
    let feasibility = checked.done();
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
/// `feasibility`), the sequence, robustness and the rule's outcome (`electors` per table, when at
/// hand, for the sheets it takes to change it).
pub(crate) fn announcement_checks(
    contest: &crate::Contest,
    totals: &Totals,
    register: &Register,
    bulletins_in: &[Bulletin],
    options: &AuditOptions,
    electors: Option<super::outcome::SheetElectors>,
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
    let (robustness, outcome) = if contest.candidates().len() >= 2 && totals.tables > 0 {
        let r = robustness_of(contest, totals, register)?;
        let o = outcome_of(
            contest,
            totals,
            register,
            &options.rule,
            bulletins_in,
            electors,
        )?;
        findings.extend(o.findings());
        (Some(r), Some(o))
    } else {
        (None, None)
    };

    Ok(Announced {
        bulletins,
        sequence,
        robustness,
        outcome,
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
        outcome: announced.outcome,
        comparison,
        forensics: None,
        findings,
    }
}

/// Every check reads the count columns as stored, one, two or four bytes a value.
#[cfg(all(test, feature = "synth"))]
mod width_tests {
    use crate::audit::{Audit, AuditOptions, totals};
    use crate::forensics::ForensicsOptions;
    use crate::model::{Bulletin, BulletinCount, CoverageBasis, CoverageClaim, Register};
    use crate::synth::{SynthConfig, generate};
    use crate::{ActaSet, Execution, Field};

    /// The law: the same sheets give the same report (every finding, total, bound and test)
    /// whether their columns are stored one, two or four bytes a value, with absent values and
    /// repeated tables, on one core and on every core.
    #[test]
    fn a_report_does_not_depend_on_the_width_of_a_column() {
        for (sheets, candidates) in [(1, 2), (2_500, 4), (5_000, 12)] {
            let config = SynthConfig::default()
                .with_sheets(sheets)
                .with_candidates(candidates);
            let (set, _) = generate(&config).unwrap();
            let (narrow, wide) = (set.widened(2), set.widened(4));
            let bytes = |s: &ActaSet, f: Field| {
                s.column(f)
                    .map(crate::model::column::OptColumn::value_bytes)
            };
            let last = Field::Line(candidates - 1);
            // As read: the electors in two bytes, the last candidate's votes in one.
            assert_eq!(bytes(&set, Field::Electors), Some(2));
            assert_eq!(bytes(&set, last), Some(1));
            assert_eq!(bytes(&narrow, last), Some(2));
            assert_eq!(bytes(&wide, Field::Electors), Some(4));
            assert!(set == narrow && set == wide);
            let t = totals(&set).unwrap();
            let counts = set
                .contest()
                .candidates()
                .iter()
                .zip(&t.candidates)
                .map(|(c, x)| BulletinCount::new(c.code.clone(), x.sum * 9 / 10))
                .collect();
            let shares = set
                .contest()
                .candidates()
                .iter()
                .map(|c| BulletinCount::share(c.code.clone(), "12.5".parse().unwrap()))
                .collect();
            let bulletins = [
                Bulletin::new("counts", counts).with_coverage(CoverageClaim::new(
                    CoverageBasis::Tables,
                    "90".parse().unwrap(),
                )),
                Bulletin::new("shares", shares),
            ];
            let register = Register::new()
                .with_tables(t.tables * 11 / 10)
                .with_electors(t.electors.sum * 11 / 10);
            for execution in [Execution::Sequential, Execution::Parallel] {
                let report = |s| {
                    Audit::new(s)
                        .register(&register)
                        .bulletins(&bulletins)
                        .options(
                            AuditOptions::default()
                                .with_execution(execution)
                                .with_forensics(ForensicsOptions::standard()),
                        )
                        .run()
                        .unwrap()
                };
                let as_read = report(&set);
                assert!(!as_read.findings.is_empty());
                let as_read = format!("{as_read:?}");
                for other in [&narrow, &wide] {
                    assert_eq!(
                        as_read,
                        format!("{:?}", report(other)),
                        "{sheets} sheets, {candidates} candidates, {execution:?}"
                    );
                }
            }
        }
    }
}
