//! The outcome an election's rule gives on the sheets, on each bulletin, and with the uncollected
//! tables; how far the sheets are from another outcome.

use super::bounds::Tally;
use super::bulletin::resolve_subject;
use super::totals::Totals;
use crate::error::Result;
use crate::model::column::with_raw;
use crate::model::rule::{Margins, margins, rank};
use crate::model::{Bulletin, Condition, Contest, Outcome, OutcomeRule, PercentBase, Register};
use crate::report::{Code, Finding, Subject};

/// How far the sheets' first is from one condition of the rule, in votes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ConditionMargin {
    /// The condition.
    pub condition: Condition,
    /// The first's votes less the least that meets the condition's share (negative: short by
    /// that many).
    pub share_votes: i64,
    /// The first's lead over the second less the least lead the condition asks, when it asks one.
    pub lead_votes: Option<i64>,
    /// Whether the condition holds.
    pub holds: bool,
}

/// The outcome a bulletin's own figures give under the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct BulletinOutcome {
    /// The bulletin's label.
    pub label: String,
    /// The outcome, when its figures give one.
    pub outcome: Option<Outcome>,
    /// Why there is none (the base is not announced, a group may hide the runner-up, ...).
    pub note: Option<String>,
}

/// What the rule gives, and how firmly.
///
/// Votes to change the outcome count ballots moved from one candidate to another, the base
/// unchanged: for plurality, half the first's margin over the second (rounded up: a tie is
/// another outcome); for a first-round win, the least move from the first to the second that
/// fails every condition that holds, or ties the first two; for a runoff, the least move to the
/// first that meets a condition (from the second, which also widens the lead), or from the
/// second to the third that ties them.
///
/// With the uncollected tables (the register's electors less the sheets'), the outcome is
/// settled when it is the same whether those tables hold no vote or every elector there votes
/// for any one candidate: every allocation lies between these (votes for the first only help
/// the first; for anyone else, the second is hurt least and helped most by taking them all), so
/// these few scenarios decide it exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OutcomeCheck {
    /// The rule.
    pub rule: OutcomeRule,
    /// The base's total on the sheets (`None` for plurality, or when some sheet lacks it).
    pub base_total: Option<u64>,
    /// The outcome on the sheets; `None` when the base is unknown or 0.
    pub on_sheets: Option<Outcome>,
    /// The second on the sheets (the first's closest rival).
    pub runner_up: Option<String>,
    /// The first's votes less the second's on the sheets.
    pub margin: Option<u64>,
    /// How far the sheets' first is from each condition.
    pub conditions: Vec<ConditionMargin>,
    /// The least votes that, moved, change the outcome on the sheets.
    pub votes_to_change: Option<u64>,
    /// At least how many sheets would have to be false to move those votes (a sheet moves at most
    /// its electors); `None` when the sheets' electors are not at hand.
    pub sheets_to_change: Option<u64>,
    /// Electors of the uncollected tables, when the register and the sheets say.
    pub uncollected_electors: Option<u64>,
    /// The outcomes with the uncollected tables: none voting, then all for each candidate in
    /// turn (by label: `"none"` or the candidate's code).
    pub scenarios: Vec<(String, Outcome)>,
    /// Whether the uncollected tables cannot change the outcome; `None` when unknown.
    pub settled: Option<bool>,
    /// Each bulletin's outcome.
    pub bulletins: Vec<BulletinOutcome>,
}

/// The sheets' total of a base, when every table carries it.
fn sheets_base(totals: &Totals, base: PercentBase) -> Option<u64> {
    let complete = |f: crate::audit::FieldTotal| (f.sheets == totals.tables).then_some(f.sum);
    let valid = complete(totals.valid).or_else(|| {
        totals
            .candidates
            .iter()
            .map(|c| complete(*c))
            .sum::<Option<u64>>()
    });
    match base {
        PercentBase::Valid => valid,
        PercentBase::ValidAndNull => valid?.checked_add(complete(totals.null)?),
        PercentBase::Cast => valid?
            .checked_add(complete(totals.null)?)?
            .checked_add(complete(totals.blank)?),
        PercentBase::Voters => complete(totals.voters),
        PercentBase::Electors => complete(totals.electors),
    }
}

/// The outcome of `rule` on a bulletin's figures: its candidates' counts (or its shares, when
/// it prints only shares of the rule's base).
fn bulletin_outcome(contest: &Contest, rule: &OutcomeRule, b: &Bulletin) -> BulletinOutcome {
    let none = |note: String| BulletinOutcome {
        label: b.label.clone(),
        outcome: None,
        note: Some(note),
    };
    // Votes (or shares as whole numbers at one scale) per candidate, and per group.
    let scale = b
        .counts
        .iter()
        .filter_map(|c| c.percent.map(crate::Percent::scale))
        .max()
        .unwrap_or(0);
    let shares = b.shares_only();
    let mut candidates: Vec<(String, u64)> = Vec::new();
    let mut groups: Vec<(String, u64)> = Vec::new();
    for c in &b.counts {
        let value = if shares {
            let Some(p) = c.percent else { continue };
            let m = u64::try_from(p.value().mantissa()).unwrap_or(0);
            m * 10u64.pow(scale - p.scale())
        } else {
            let Some(v) = c.count else { continue };
            v
        };
        match resolve_subject(contest, b, &c.subject).as_deref() {
            Some([_]) if contest.candidate_index(&c.subject).is_some() => {
                candidates.push((c.subject.clone(), value));
            }
            _ => groups.push((c.subject.clone(), value)),
        }
    }
    if candidates.is_empty() {
        return none("it names no candidate".to_owned());
    }
    let base = match rule.base() {
        None => 0,
        Some(base) if shares => {
            let theirs = b.base.unwrap_or(PercentBase::Valid);
            if theirs != base {
                return none(format!(
                    "its shares are of the {theirs} figure, the rule's of the {base} figure"
                ));
            }
            100 * 10u64.pow(scale)
        }
        Some(base) => match b.base_total(base) {
            Some(t) => t,
            None => return none(format!("it does not announce the {base} figure")),
        },
    };
    let Some(outcome) = rule.outcome(&candidates, base) else {
        return none("its base is 0".to_owned());
    };
    // A group could hide a candidate above one the outcome names.
    let ranked = rank(&candidates);
    let deciding = match (&outcome, rule) {
        (_, OutcomeRule::Plurality) | (Outcome::Winner(_), _) => ranked.first().map(|c| c.1),
        _ => ranked.get(1).map(|c| c.1),
    };
    if let Some((g, v)) = groups
        .iter()
        .find(|(_, v)| deciding.is_some_and(|d| *v >= d))
    {
        return none(format!(
            "group {g} ({v}) may hold a candidate with as many votes as one the outcome turns on"
        ));
    }
    BulletinOutcome {
        label: b.label.clone(),
        outcome: Some(outcome),
        note: None,
    }
}

/// The least votes moved between candidates that change `outcome`, on `votes` over `base`.
fn votes_to_change(
    rule: &OutcomeRule,
    ranked: &[(&str, u64)],
    outcome: &Outcome,
    base: u64,
) -> Option<u64> {
    let v = |i: usize| ranked.get(i).map_or(0, |c| c.1);
    let half_up = |m: u64| m.div_ceil(2);
    let conditions = rule.conditions();
    match outcome {
        Outcome::Tie(_) => Some(0),
        Outcome::Winner(_) if conditions.is_empty() => Some(half_up(v(0) - v(1))),
        Outcome::Winner(_) => {
            // Every condition that holds must fail: moving k from the first to the second takes
            // k off its share and 2k off its lead.
            let fail_all = conditions
                .iter()
                .map(|c| margins(c, v(0), v(1), base))
                .filter(|m| m.holds())
                .map(|m: Margins| {
                    let share = m.share + 1;
                    let lead = m.lead.map_or(i128::MAX, |l| l / 2 + 1);
                    share.min(lead)
                })
                .max()?;
            let tie = i128::from(half_up(v(0) - v(1)));
            u64::try_from(fail_all.min(tie)).ok()
        }
        Outcome::Runoff(..) => {
            // Elect the first: k moved from the second adds k to its share and 2k to its lead.
            let elect = conditions
                .iter()
                .map(|c| {
                    let m = margins(c, v(0), v(1), base);
                    let share = (-m.share).max(0);
                    let lead = m.lead.map_or(0, |l| ((-l).max(0) + 1) / 2);
                    share.max(lead)
                })
                .min()
                .unwrap_or(i128::MAX);
            // Or tie the second and the third.
            let swap = i128::from(half_up(v(1) - v(2)));
            u64::try_from(elect.min(swap)).ok()
        }
    }
}

/// The electors of the sheets, per table, as the votes it takes to change an outcome need them.
#[derive(Debug, Clone, Default)]
pub(crate) struct SheetElectors {
    pub tally: Tally,
    /// Whether some table's sheet lacks electors.
    pub missing: bool,
}

impl SheetElectors {
    /// The electors of every table of `set` (first readings).
    pub(crate) fn of(set: &crate::ActaSet) -> Self {
        let mut e = SheetElectors::default();
        let Some(col) = set.column(crate::Field::Electors) else {
            e.missing = set.tables() > 0;
            return e;
        };
        // Runs of first readings, a run at a time; a sheet at a time when some are absent.
        for run in set.first_reading_runs() {
            if col.has_absent() {
                for i in run {
                    e.add(col.get(i).map(u64::from));
                }
            } else {
                with_raw!(col.raw().slice(run), |s| e.tally.add_all(s));
            }
        }
        e
    }

    pub(crate) fn add(&mut self, e: Option<u64>) {
        match e {
            Some(e) => self.tally.add(e),
            None => self.missing = true,
        }
    }
}

/// The outcome the rule gives on the sheets (their totals), on each bulletin, and with the
/// uncollected tables. `electors` are the sheets' electors per table, when at hand, for the
/// sheets to change.
pub(crate) fn outcome_of(
    contest: &Contest,
    totals: &Totals,
    register: &Register,
    rule: &OutcomeRule,
    bulletins: &[Bulletin],
    electors: Option<SheetElectors>,
) -> Result<OutcomeCheck> {
    rule.validate()?;
    let codes: Vec<&str> = contest
        .candidates()
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    let votes: Vec<(&str, u64)> = codes
        .iter()
        .zip(&totals.candidates)
        .map(|(c, t)| (*c, t.sum))
        .collect();
    let base_total = match rule.base() {
        None => None,
        Some(b) => sheets_base(totals, b),
    };
    let base = base_total.unwrap_or(0);
    let on_sheets = if rule.base().is_some() && base_total.is_none() {
        None
    } else {
        rule.outcome(&votes, base)
    };
    let ranked = rank(&votes);
    let first = ranked.first().map_or(0, |c| c.1);
    let second = ranked.get(1).map_or(0, |c| c.1);
    let conditions = if on_sheets.is_some() {
        rule.conditions()
            .into_iter()
            .map(|c| {
                let m = margins(&c, first, second, base);
                let to =
                    |x: i128| i64::try_from(x).unwrap_or(if x < 0 { i64::MIN } else { i64::MAX });
                ConditionMargin {
                    condition: c,
                    share_votes: to(m.share),
                    lead_votes: m.lead.map(to),
                    holds: m.holds(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let to_change = on_sheets
        .as_ref()
        .and_then(|o| votes_to_change(rule, &ranked, o, base));
    let sheets_to_change = match (to_change, electors) {
        (Some(0), _) => Some(0),
        // A sheet without electors may move any number of votes.
        (Some(_), Some(e)) if e.missing => Some(1),
        (Some(k), Some(mut e)) => e.tally.fewest_largest_reaching(0, u128::from(k)),
        _ => None,
    };
    let all_electors = totals.electors.sheets == totals.tables;
    let uncollected_electors = register
        .electors
        .filter(|_| all_electors)
        .map(|r| r.saturating_sub(totals.electors.sum));
    let mut scenarios = Vec::new();
    if let (Some(e), Some(_)) = (uncollected_electors, &on_sheets) {
        let grown = |with_votes: bool| match rule.base() {
            Some(PercentBase::Electors) => base.saturating_add(e),
            Some(_) if with_votes => base.saturating_add(e),
            _ => base,
        };
        if let Some(o) = rule.outcome(&votes, grown(false)) {
            scenarios.push(("none".to_owned(), o));
        }
        for (i, code) in codes.iter().enumerate() {
            let mut v = votes.clone();
            v[i].1 = v[i].1.saturating_add(e);
            if let Some(o) = rule.outcome(&v, grown(true)) {
                scenarios.push(((*code).to_owned(), o));
            }
        }
    }
    let settled = match (&on_sheets, uncollected_electors) {
        (Some(o), Some(_)) => Some(scenarios.iter().all(|(_, s)| s == o)),
        _ => None,
    };
    Ok(OutcomeCheck {
        rule: rule.clone(),
        base_total,
        on_sheets,
        runner_up: ranked.get(1).map(|c| c.0.to_owned()),
        margin: ranked.get(1).map(|_| first - second),
        conditions,
        votes_to_change: to_change,
        sheets_to_change,
        uncollected_electors,
        scenarios,
        settled,
        bulletins: bulletins
            .iter()
            .map(|b| bulletin_outcome(contest, rule, b))
            .collect(),
    })
}

/// The outcome `rule` gives on the sheets of `set`, on each bulletin, and with the uncollected
/// tables of `register` (see [`OutcomeCheck`]).
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for a rule that breaks
/// [`OutcomeRule::validate`].
///
/// # Example
///
/// ```
/// use actas::audit::{outcome, totals};
/// use actas::{ActaSet, ActaSheet, Candidate, Condition, Contest, Geography, Outcome,
///             OutcomeRule, PercentBase, Register, TableId};
///
/// let contest = Contest::new("c", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo"),
///                                      Candidate::new("C", "Cy")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
/// set.push(ActaSheet::new(TableId::new("1")?).with_electors(1_500).with_valid(1_000)
///     .with_votes([Some(420), Some(310), Some(270)]))?;
/// let rule = OutcomeRule::threshold_and_lead(PercentBase::Valid, [
///     Condition::at_least(45), Condition::at_least(40).with_lead(10)]);
/// let register = Register::new().with_electors(1_520); // 20 electors uncollected
/// let check = outcome(&set, &totals(&set)?, &register, &rule, &[])?;
/// assert_eq!(check.on_sheets, Some(Outcome::Winner("A".into())));
/// // A leads by 110 votes where 100 (10 points) are needed: 6 votes moved from A to B leave a
/// // lead of 98.
/// assert_eq!(check.votes_to_change, Some(6));
/// // 20 votes for B elsewhere bring the lead to 90 of 1,020: under 10 points.
/// assert_eq!(check.settled, Some(false));
/// # Ok::<(), actas::Error>(())
/// ```
pub fn outcome(
    set: &crate::ActaSet,
    totals: &Totals,
    register: &Register,
    rule: &OutcomeRule,
    bulletins: &[Bulletin],
) -> Result<OutcomeCheck> {
    outcome_of(
        set.contest(),
        totals,
        register,
        rule,
        bulletins,
        Some(SheetElectors::of(set)),
    )
}

impl OutcomeCheck {
    /// What the check found, as the audit reports it: `O001` when the uncollected tables cannot
    /// change the outcome, `O002` when they can, and `O003` for each bulletin that announces an
    /// outcome the settled sheets rule out.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let Some(on_sheets) = &self.on_sheets else {
            return out;
        };
        let subject = || match on_sheets {
            Outcome::Winner(w) | Outcome::Runoff(w, _) => Subject::Candidate { code: w.clone() },
            Outcome::Tie(_) => Subject::Set,
        };
        if let Some(settled) = self.settled {
            let mut f = if settled {
                Finding::new(
                    Code::OutcomeSettled,
                    subject(),
                    format!("{on_sheets} whatever the uncollected tables hold"),
                )
            } else {
                let other = self
                    .scenarios
                    .iter()
                    .find(|(_, o)| o != on_sheets)
                    .map_or_else(String::new, |(who, o)| {
                        format!(
                            " (if every uncollected elector voted {}: {o})",
                            if who == "none" {
                                "blank".to_owned()
                            } else {
                                format!("for {who}")
                            }
                        )
                    });
                Finding::new(
                    Code::OutcomeOpen,
                    subject(),
                    format!("the uncollected tables could change the outcome{other}"),
                )
            };
            if let (Some(rival), Some(m)) = (&self.runner_up, self.margin) {
                f = f.with("closest_rival", rival.as_str()).with("margin", m);
                if let Some(t) = self
                    .uncollected_electors
                    .and_then(|u| crate::Ratio::new(m, u).ok())
                    .and_then(|t| t.percent(2, crate::Rounding::HalfUp).ok())
                {
                    f = f.with("tie_turnout_percent", t);
                }
            }
            f = f.with("outcome", on_sheets.to_string());
            if let Some(v) = self.votes_to_change {
                f = f.with("votes_to_change", v);
            }
            if let Some(s) = self.sheets_to_change {
                f = f.with("sheets_to_change", s);
            }
            out.push(f);
        }
        if self.settled == Some(true) {
            for b in &self.bulletins {
                if let Some(o) = b.outcome.as_ref().filter(|o| *o != on_sheets) {
                    out.push(
                        Finding::new(
                            Code::OutcomeContradicted,
                            Subject::Bulletin {
                                label: b.label.clone(),
                            },
                            "the bulletin's figures give an outcome the sheets rule out, whatever the uncollected tables hold",
                        )
                        .with("announced", o.to_string())
                        .with("on_sheets", on_sheets.to_string()),
                    );
                }
            }
        }
        out
    }
}
