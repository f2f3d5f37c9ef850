//! Each sheet's own arithmetic, against a rule set.

use crate::error::Result;
use crate::model::{ActaSet, RepeatKind};
use crate::par::{self, Execution};
use crate::report::{Code, Finding, Subject};
use crate::rules::{BLOCK, BlockValues, BoundRule, Rule, RuleSet};

/// How one rule fared over a set.
///
/// Invariant: `checked == held + broken`; `checked + skipped` is the number of sheets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RuleSummary {
    /// The rule.
    pub rule: Rule,
    /// Sheets on which every field of the rule is present.
    pub checked: u64,
    /// Of those, the sheets on which it holds.
    pub held: u64,
    /// Of those, the sheets on which it breaks.
    pub broken: u64,
    /// Sheets lacking a field of the rule: not evaluated.
    pub skipped: u64,
    /// Why the rule was not run at all, when it does not apply to these sheets (the layout
    /// makes it true by construction, or has no column for one of its fields).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub not_applicable: Option<String>,
}

/// One sheet breaking one rule, with both sides' values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Violation {
    /// The sheet's index in the set.
    pub sheet: usize,
    /// The sheet's table id.
    pub table: String,
    /// The rule's index in [`RuleCheck::rules`].
    pub rule: usize,
    /// The left side's value.
    pub lhs: i128,
    /// The right side's value.
    pub rhs: i128,
}

/// The outcome of a rule set over every sheet of a set (repeated readings included: each is a
/// sheet with its own arithmetic).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RuleCheck {
    /// One summary per rule, in the rule set's order.
    pub rules: Vec<RuleSummary>,
    /// Every violation, by sheet then rule.
    pub violations: Vec<Violation>,
}

/// Checks every sheet of `set` against `rules`.
///
/// A rule over a field a sheet lacks is skipped on that sheet and counted as skipped, never
/// evaluated with 0.
///
/// # Example
///
/// ```
/// use actas::audit::check_rules;
/// use actas::rules::RuleSet;
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
///
/// let contest = Contest::new("mayor", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
/// set.push(ActaSheet::new(TableId::new("1")?).with_valid(10).with_votes([Some(6), Some(4)]))?;
/// set.push(ActaSheet::new(TableId::new("2")?).with_valid(10).with_votes([Some(6), Some(5)]))?;
/// let check = check_rules(&set, &RuleSet::standard())?;
/// assert_eq!(check.rules[0].broken, 1); // valid == sum(candidates)
/// assert_eq!(check.violations[0].table, "2");
/// assert_eq!((check.violations[0].lhs, check.violations[0].rhs), (10, 11));
/// assert_eq!(check.rules[2].skipped, 2); // voters <= electors: neither is on the sheets
///
/// // A rule over a name that is no field of the sheets is refused, never skipped.
/// let typo = RuleSet::from_iter(["nul + blank <= voters".parse()?]);
/// assert_eq!(
///     check_rules(&set, &typo).unwrap_err().to_string(),
///     "rule \"nul + blank <= voters\": no field \"nul\" \
///      (the names are electors, voters, valid, null, blank, A, B, and sum(candidates))"
/// );
/// # Ok::<(), actas::Error>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::UnknownRuleField`](crate::ErrorKind::UnknownRuleField) when a rule names a field the
/// set does not have.
pub fn check_rules(set: &ActaSet, rules: &RuleSet) -> Result<RuleCheck> {
    check_rules_with(set, rules, Execution::default())
}

/// [`check_rules`], run as `execution` says.
///
/// # Errors
///
/// As [`check_rules`].
pub fn check_rules_with(set: &ActaSet, rules: &RuleSet, execution: Execution) -> Result<RuleCheck> {
    // Every rule is bound (an unknown name is an error even in a rule that does not apply);
    // only the applicable ones are run.
    let bound: Vec<BoundRule> = rules
        .rules()
        .iter()
        .map(|r| BoundRule::bind(r, set))
        .collect::<Result<_>>()?;
    let active: Vec<usize> = (0..bound.len())
        .filter(|&k| rules.not_applicable(k).is_none())
        .collect();
    let bound: Vec<BoundRule> = active.iter().map(|&k| bound[k].clone()).collect();
    let mut summaries: Vec<RuleSummary> = rules
        .rules()
        .iter()
        .enumerate()
        .map(|(k, r)| RuleSummary {
            rule: r.clone(),
            checked: 0,
            held: 0,
            broken: 0,
            skipped: 0,
            not_applicable: rules.not_applicable(k).map(str::to_owned),
        })
        .collect();
    // Each block of sheets gives its counts per rule and its violations, by sheet then rule.
    let blocks = set.len().div_ceil(BLOCK);
    let results = par::map(execution, blocks, |block| {
        let start = block * BLOCK;
        let len = BLOCK.min(set.len() - start);
        let mut counts = vec![[0u64; 4]; bound.len()];
        let mut violations = Vec::new();
        let mut values = BlockValues::default();
        // A rule at a time, then the violations in order of sheet, then of rule.
        for (k, (b, c)) in bound.iter().zip(&mut counts).enumerate() {
            let n = b.scan_block(set, start, len, &mut values, |i, lhs, rhs| {
                violations.push(Violation {
                    sheet: start + i,
                    table: set.table_id(start + i).unwrap_or_default().to_owned(),
                    rule: active[k],
                    lhs,
                    rhs,
                });
            });
            let checked = len as u64 - n.skipped;
            *c = [checked, checked - n.broken, n.broken, n.skipped];
        }
        violations.sort_by_key(|v| (v.sheet, v.rule));

        (counts, violations)
    });
    let mut violations = Vec::new();
    for (counts, v) in results {
        for (&k, c) in active.iter().zip(counts) {
            let s = &mut summaries[k];
            s.checked += c[0];
            s.held += c[1];
            s.broken += c[2];
            s.skipped += c[3];
        }
        violations.extend(v);
    }
    Ok(RuleCheck {
        rules: summaries,
        violations,
    })
}

impl RuleCheck {
    /// What the check found, as the audit reports it: one `S001` per violation, with the two
    /// sides of the rule.
    pub fn findings(&self) -> Vec<Finding> {
        self.violations
            .iter()
            .map(|v| {
                Finding::new(
                    Code::RuleBroken,
                    Subject::Sheet {
                        index: v.sheet,
                        table: v.table.clone(),
                    },
                    format!("breaks {}", self.rules[v.rule].rule),
                )
                .with("left", v.lhs)
                .with("right", v.rhs)
            })
            .collect()
    }
}

/// The tables read more than once, as the audit reports them: `D001` for a later reading with
/// the same numbers, `D002` for one with other numbers (the subject is the later reading; its
/// table id finds both with [`ActaSet::readings`]).
///
/// # Example
///
/// ```
/// use actas::audit::check_repeats;
/// use actas::report::Code;
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
///
/// let contest = Contest::new("c", vec![Candidate::new("A", "Ana")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
/// for votes in [5, 5, 6] {
///     set.push(ActaSheet::new(TableId::new("1")?).with_votes([Some(votes)]))?;
/// }
/// let codes: Vec<Code> = check_repeats(&set).iter().map(|f| f.code).collect();
/// assert_eq!(codes, [Code::RepeatIdentical, Code::RepeatConflicting]);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn check_repeats(set: &ActaSet) -> Vec<Finding> {
    set.repeats()
        .iter()
        .map(|r| {
            let subject = Subject::Sheet {
                index: r.sheet,
                table: set.table_id(r.sheet).unwrap_or_default().to_owned(),
            };
            match r.kind {
                RepeatKind::Conflicting => Finding::new(
                    Code::RepeatConflicting,
                    subject,
                    "read twice with different numbers",
                ),
                _ => Finding::new(
                    Code::RepeatIdentical,
                    subject,
                    "read twice with identical numbers",
                ),
            }
        })
        .collect()
}
