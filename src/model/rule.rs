//! Who wins: an election's rule, as data, and the outcome it gives for a set of votes.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;

use super::bulletin::PercentBase;

/// One way to be elected in the first round under [`OutcomeRule::ThresholdAndLead`]: a share
/// of the base, more than or at least a threshold, and, when given, a lead of at least so many
/// points over the second.
///
/// In files: `{"more_than": "50"}`, `{"at_least": "40", "lead": "10"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "ConditionRepr", into = "ConditionRepr")
)]
#[non_exhaustive]
pub struct Condition {
    /// The threshold, in percent of the base.
    pub share: Decimal,
    /// Whether the share may equal the threshold (`at_least`) or must pass it (`more_than`).
    pub inclusive: bool,
    /// The least lead over the second, in percentage points of the base, when one is required.
    pub lead: Option<Decimal>,
}

impl Condition {
    /// More than `share` percent (`"more than half"` is `more_than(50)`); the value is taken as
    /// given, [`OutcomeRule::validate`] checks its range.
    pub fn more_than(share: impl Into<Decimal>) -> Self {
        Condition {
            share: share.into(),
            inclusive: false,
            lead: None,
        }
    }

    /// At least `share` percent.
    pub fn at_least(share: impl Into<Decimal>) -> Self {
        Condition {
            share: share.into(),
            inclusive: true,
            lead: None,
        }
    }

    /// With a lead of at least `points` percentage points over the second.
    #[must_use]
    pub fn with_lead(mut self, points: impl Into<Decimal>) -> Self {
        self.lead = Some(points.into());
        self
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.inclusive {
            "at least"
        } else {
            "more than"
        };
        write!(f, "{op} {}%", self.share)?;
        if let Some(l) = self.lead {
            write!(f, " with a lead of {l} points")?;
        }
        Ok(())
    }
}

/// A condition as written in files.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionRepr {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::report::decimal::option"
    )]
    more_than: Option<Decimal>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::report::decimal::option"
    )]
    at_least: Option<Decimal>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::report::decimal::option"
    )]
    lead: Option<Decimal>,
}

#[cfg(feature = "serde")]
impl TryFrom<ConditionRepr> for Condition {
    type Error = String;

    fn try_from(r: ConditionRepr) -> Result<Self, String> {
        let c = match (r.more_than, r.at_least) {
            (Some(s), None) => Condition::more_than(s),
            (None, Some(s)) => Condition::at_least(s),
            _ => {
                return Err(
                    "a condition gives exactly one of more_than and at_least (a percentage)"
                        .to_owned(),
                );
            }
        };
        let c = Condition { lead: r.lead, ..c };
        c.check().map_err(|e| e.to_string())?;
        Ok(c)
    }
}

#[cfg(feature = "serde")]
impl From<Condition> for ConditionRepr {
    fn from(c: Condition) -> Self {
        ConditionRepr {
            more_than: (!c.inclusive).then_some(c.share),
            at_least: c.inclusive.then_some(c.share),
            lead: c.lead,
        }
    }
}

impl Condition {
    fn check(&self) -> crate::Result<()> {
        let pct = |d: Decimal| d >= Decimal::ZERO && d <= Decimal::ONE_HUNDRED;
        if !pct(self.share) || !self.lead.is_none_or(pct) {
            return Err(crate::Error::invalid(
                "outcome rule",
                self.to_string(),
                "shares and leads are percentages from 0 to 100",
            ));
        }
        if self.share.scale() > crate::MAX_PRINTED_SCALE
            || self
                .lead
                .is_some_and(|l| l.scale() > crate::MAX_PRINTED_SCALE)
        {
            return Err(crate::Error::invalid(
                "outcome rule",
                self.to_string(),
                format!("has more than {} decimals", crate::MAX_PRINTED_SCALE),
            ));
        }
        Ok(())
    }
}

/// An election's rule: who is elected, or who goes to a runoff, given the votes.
///
/// In code and in the announcements file (`"rule"`, default plurality):
///
/// - `{"rule": "plurality"}`: the most votes wins;
/// - `{"rule": "absolute_majority", "base": "valid"}`: more than half of the base, else a
///   runoff between the first two;
/// - `{"rule": "threshold_and_lead", "base": "valid", "conditions": [{"at_least": "45"},
///   {"at_least": "40", "lead": "10"}]}`: elected when any condition holds (Argentina's
///   presidential rule, over the valid votes less the blank ones in law), else a runoff between
///   the first two.
///
/// The base is named as printed shares' are ([`PercentBase`]).
///
/// # Example
///
/// ```
/// use actas::{Condition, Outcome, OutcomeRule, PercentBase};
///
/// let rule = OutcomeRule::threshold_and_lead(PercentBase::Valid, [
///     Condition::at_least(45),
///     Condition::at_least(40).with_lead(10),
/// ]);
/// // 42% against 31%: 40% with an 11-point lead elects the first.
/// let votes = [("A", 420), ("B", 310), ("C", 270)];
/// assert_eq!(rule.outcome(&votes, 1_000), Some(Outcome::Winner("A".into())));
/// // 42% against 35%: a runoff.
/// let votes = [("A", 420), ("B", 350), ("C", 230)];
/// assert_eq!(rule.outcome(&votes, 1_000), Some(Outcome::Runoff("A".into(), "B".into())));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)
)]
#[non_exhaustive]
pub enum OutcomeRule {
    /// The most votes wins.
    #[default]
    Plurality,
    /// More than half of the base wins; else a runoff between the first two.
    AbsoluteMajority {
        /// What the share is of.
        base: PercentBase,
    },
    /// Elected when any of the conditions holds; else a runoff between the first two.
    ThresholdAndLead {
        /// What the shares are of.
        base: PercentBase,
        /// The ways to be elected in the first round.
        conditions: Vec<Condition>,
    },
}

/// What a rule gives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Outcome {
    /// Elected.
    Winner(String),
    /// A runoff between these two (the first has more votes).
    Runoff(String, String),
    /// No outcome: the candidates who tie where the rule needs an order (first place, or second
    /// place for a runoff).
    Tie(Vec<String>),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Winner(w) => write!(f, "{w} elected"),
            Outcome::Runoff(a, b) => write!(f, "runoff between {a} and {b}"),
            Outcome::Tie(c) => write!(f, "tie between {}", c.join(", ")),
        }
    }
}

impl OutcomeRule {
    /// More than half of `base`, else a runoff.
    pub fn absolute_majority(base: PercentBase) -> Self {
        OutcomeRule::AbsoluteMajority { base }
    }

    /// Elected when any of `conditions` holds, else a runoff.
    pub fn threshold_and_lead(
        base: PercentBase,
        conditions: impl IntoIterator<Item = Condition>,
    ) -> Self {
        OutcomeRule::ThresholdAndLead {
            base,
            conditions: conditions.into_iter().collect(),
        }
    }

    /// The base its shares are of; `None` for plurality (no share).
    pub fn base(&self) -> Option<PercentBase> {
        match self {
            OutcomeRule::Plurality => None,
            OutcomeRule::AbsoluteMajority { base } | OutcomeRule::ThresholdAndLead { base, .. } => {
                Some(*base)
            }
        }
    }

    /// The conditions of a first-round win (none for plurality).
    pub fn conditions(&self) -> Vec<Condition> {
        match self {
            OutcomeRule::Plurality => Vec::new(),
            OutcomeRule::AbsoluteMajority { .. } => vec![Condition::more_than(50)],
            OutcomeRule::ThresholdAndLead { conditions, .. } => conditions.clone(),
        }
    }

    /// Checks its thresholds: percentages from 0 to 100, at least one condition.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) naming the condition.
    pub fn validate(&self) -> crate::Result<()> {
        if let OutcomeRule::ThresholdAndLead { conditions, .. } = self {
            if conditions.is_empty() {
                return Err(crate::Error::invalid(
                    "outcome rule",
                    "threshold_and_lead",
                    "has no condition; give at least one (such as {\"more_than\": \"50\"})",
                ));
            }
        }
        self.conditions().iter().try_for_each(Condition::check)
    }

    /// The outcome of `votes` (each candidate's, in any order) over a base of `base_total`
    /// (ignored by plurality): `None` when a share rule has a base of 0, or when the rule breaks
    /// [`OutcomeRule::validate`] (a threshold past 100, or finer than 12 decimals).
    ///
    /// Candidates are ranked by votes; a tie at first place, or (for a runoff) at second, is
    /// [`Outcome::Tie`]. A condition's share holds when `100 · votes ≥ share · base` (or `>`),
    /// its lead when `100 · (first − second) ≥ lead · base`: exact, in integers.
    pub fn outcome<S: AsRef<str>>(&self, votes: &[(S, u64)], base_total: u64) -> Option<Outcome> {
        // Thresholds within 0..=100 and 12 decimals keep every product within an i128.
        self.validate().ok()?;
        let ranked = rank(votes);
        let first = ranked.first()?;
        let tied = |v: u64| -> Vec<String> {
            let mut t: Vec<String> = ranked
                .iter()
                .filter(|c| c.1 == v)
                .map(|c| c.0.to_owned())
                .collect();
            t.sort();
            t
        };
        if ranked.get(1).is_some_and(|s| s.1 == first.1) {
            return Some(Outcome::Tie(tied(first.1)));
        }
        if *self == OutcomeRule::Plurality {
            return Some(Outcome::Winner(first.0.to_owned()));
        }
        if base_total == 0 {
            return None;
        }
        let second_votes = ranked.get(1).map_or(0, |s| s.1);
        let elected = self
            .conditions()
            .iter()
            .any(|c| margins(c, first.1, second_votes, base_total).holds());
        if elected {
            return Some(Outcome::Winner(first.0.to_owned()));
        }
        let Some(second) = ranked.get(1) else {
            return Some(Outcome::Winner(first.0.to_owned()));
        };
        if ranked.get(2).is_some_and(|t| t.1 == second.1) {
            return Some(Outcome::Tie(tied(second.1)));
        }
        Some(Outcome::Runoff(first.0.to_owned(), second.0.to_owned()))
    }
}

/// The candidates by votes, most first (equal votes in code order, for a stable result).
pub(crate) fn rank<S: AsRef<str>>(votes: &[(S, u64)]) -> Vec<(&str, u64)> {
    let mut r: Vec<(&str, u64)> = votes.iter().map(|(c, v)| (c.as_ref(), *v)).collect();
    r.sort_by(|a, b| match b.1.cmp(&a.1) {
        Ordering::Equal => a.0.cmp(b.0),
        o => o,
    });
    r
}

/// How far the first is from a condition, in votes of the base: `share` is the first's votes
/// less the least that satisfies the share, `lead` the first's lead over the second less the
/// least lead that satisfies it (both `≥ 0` when that part holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Margins {
    pub share: i128,
    pub lead: Option<i128>,
}

impl Margins {
    pub(crate) fn holds(self) -> bool {
        self.share >= 0 && self.lead.is_none_or(|l| l >= 0)
    }
}

/// The least whole `v` with `100 v ≥ p · base` (or `>` when `strict`), `p` a percentage.
fn least_votes(p: Decimal, base: u64, strict: bool) -> i128 {
    // p = m / 10^s: 100 v 10^s ≥ m · base.
    let m = p.mantissa();
    let d = 100 * 10i128.pow(p.scale());
    let need = m * i128::from(base);
    // ⌈need / d⌉, or the next whole above need / d when strict.
    if strict {
        need / d + 1
    } else {
        (need + d - 1) / d
    }
}

pub(crate) fn margins(c: &Condition, first: u64, second: u64, base: u64) -> Margins {
    Margins {
        share: i128::from(first) - least_votes(c.share, base, !c.inclusive),
        lead: c
            .lead
            .map(|l| i128::from(first) - i128::from(second) - least_votes(l, base, false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_votes_by_hand() {
        // More than 50% of 1000 is 501; at least 50% is 500; at least 40.5% of 1001 is 406
        // (405.405 rounded up).
        assert_eq!(least_votes(Decimal::from(50), 1000, true), 501);
        assert_eq!(least_votes(Decimal::from(50), 1000, false), 500);
        assert_eq!(least_votes("40.5".parse().unwrap(), 1001, false), 406);
        assert_eq!(least_votes(Decimal::from(50), 999, true), 500);
        assert_eq!(least_votes(Decimal::ZERO, 999, false), 0);
    }

    #[test]
    fn outcomes_by_hand() {
        let maj = OutcomeRule::absolute_majority(PercentBase::Valid);
        assert_eq!(
            maj.outcome(&[("A", 501), ("B", 499)], 1000),
            Some(Outcome::Winner("A".into()))
        );
        // Exactly half is not more than half.
        assert_eq!(
            maj.outcome(&[("A", 500), ("B", 300), ("C", 200)], 1000),
            Some(Outcome::Runoff("A".into(), "B".into()))
        );
        // Over a base with null votes, 501 of 1010 is not a majority.
        assert_eq!(
            maj.outcome(&[("A", 501), ("B", 499)], 1010),
            Some(Outcome::Runoff("A".into(), "B".into()))
        );
        assert_eq!(
            OutcomeRule::Plurality.outcome(&[("A", 3), ("B", 3)], 0),
            Some(Outcome::Tie(vec!["A".into(), "B".into()]))
        );
        assert_eq!(
            maj.outcome(&[("A", 40), ("B", 30), ("C", 30)], 100),
            Some(Outcome::Tie(vec!["B".into(), "C".into()]))
        );
        assert_eq!(maj.outcome(&[("A", 0)], 0), None);
        let arg = OutcomeRule::threshold_and_lead(
            PercentBase::Valid,
            [
                Condition::at_least(45),
                Condition::at_least(40).with_lead(10),
            ],
        );
        assert_eq!(
            arg.outcome(&[("A", 450), ("B", 440), ("C", 110)], 1000),
            Some(Outcome::Winner("A".into()))
        );
        // 40% with a lead of exactly 10 points: elected.
        // (B and C tie for second: it does not matter, A is elected.)
        assert_eq!(
            arg.outcome(&[("A", 400), ("B", 300), ("C", 300)], 1000),
            Some(Outcome::Winner("A".into()))
        );
        assert_eq!(
            arg.outcome(&[("A", 400), ("B", 301), ("C", 299)], 1000),
            Some(Outcome::Runoff("A".into(), "B".into()))
        );
    }

    #[test]
    fn rules_are_checked() {
        assert!(
            OutcomeRule::threshold_and_lead(PercentBase::Valid, [])
                .validate()
                .is_err()
        );
        assert!(
            OutcomeRule::threshold_and_lead(PercentBase::Valid, [Condition::at_least(101)])
                .validate()
                .is_err()
        );
        assert!(
            OutcomeRule::absolute_majority(PercentBase::Cast)
                .validate()
                .is_ok()
        );
        // A rule past the limits gives no outcome rather than overflowing: a threshold of 26
        // decimals (a mantissa near 10^28) times the largest base is past an i128.
        let fine = OutcomeRule::threshold_and_lead(
            PercentBase::Valid,
            [Condition::at_least(Decimal::from_i128_with_scale(
                9_999_999_999_999_999_999_999_999_999,
                26,
            ))],
        );
        assert_eq!(fine.outcome(&[("A", u64::MAX), ("B", 1)], u64::MAX), None);
    }
}
