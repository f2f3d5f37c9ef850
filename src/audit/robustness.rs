//! Outcome robustness: does the sheets' leader stay ahead whatever the uncollected tables hold?

use super::totals::Totals;
use crate::error::Result;
use crate::model::{ActaSet, Ratio, Register};
use crate::report::{Code, Finding, Subject};

/// The leader's margin over one rival, and what the uncollected tables would need to erase it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Margin {
    /// The rival's code.
    pub rival: String,
    /// The leader's votes less the rival's, on the sheets.
    pub margin: u64,
    /// The turnout in the uncollected tables at which the rival ties, if every voter there voted
    /// for the rival: `margin / uncollected electors`. Over 100%, the sheets alone settle it.
    /// `None` when the uncollected electors are unknown or 0.
    pub tie_turnout: Option<Ratio>,
    /// Whether no outcome of the uncollected tables lets the rival catch up; `None` when the
    /// uncollected electors are unknown.
    pub settled: Option<bool>,
}

/// Whether the sheets' leader stays ahead of every rival whatever the uncollected tables hold.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Robustness {
    /// The leader's code on the sheets (the first in contest order on a tie).
    pub leader: String,
    /// The electors of the uncollected tables (register electors less those on the sheets).
    pub uncollected_electors: Option<u64>,
    /// One margin per rival, in contest order.
    pub margins: Vec<Margin>,
    /// Whether the outcome is settled against every rival.
    pub settled: Option<bool>,
}

/// Robustness of the outcome the sheets show, given the register's electors.
///
/// The worst case for the leader is that every elector of every uncollected table votes, and
/// votes for the rival. The rival ties at a turnout of `margin / uncollected electors` there.
/// This assumes the sheets are true and that the register's electors figure covers the same
/// population as the sheets.
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for a contest with fewer than two
/// candidates.
///
/// # Example
///
/// ```
/// use actas::audit::{robustness, totals};
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, Register, TableId};
///
/// let contest = Contest::new("c", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
/// set.push(ActaSheet::new(TableId::new("1")?).with_electors(100).with_votes([Some(70), Some(20)]))?;
/// let register = Register::new().with_electors(180);
/// let r = robustness(&set, &totals(&set)?, &register)?;
/// assert_eq!(r.leader, "A");
/// assert_eq!(r.margins[0].tie_turnout.unwrap().to_string(), "62.50%"); // 50 of 80
/// assert_eq!(r.settled, Some(false));
/// # Ok::<(), actas::Error>(())
/// ```
pub fn robustness(set: &ActaSet, totals: &Totals, register: &Register) -> Result<Robustness> {
    robustness_of(set.contest(), totals, register)
}

/// [`robustness`] from the contest alone (the totals carry the rest).
pub(crate) fn robustness_of(
    contest: &crate::Contest,
    totals: &Totals,
    register: &Register,
) -> Result<Robustness> {
    let candidates = contest.candidates();
    if candidates.len() < 2 {
        return Err(crate::Error::invalid(
            "contest",
            contest.name(),
            "has fewer than two candidates",
        ));
    }
    let votes: Vec<u64> = totals.candidates.iter().map(|c| c.sum).collect();
    let leader = (0..votes.len()).fold(0, |best, c| if votes[c] > votes[best] { c } else { best });
    let all_electors = totals.electors.sheets == totals.tables;
    let uncollected_electors = register
        .electors
        .filter(|_| all_electors)
        .map(|r| r.saturating_sub(totals.electors.sum));
    let margins: Vec<Margin> = (0..votes.len())
        .filter(|c| *c != leader)
        .map(|c| {
            let margin = votes[leader] - votes[c];
            Margin {
                rival: candidates[c].code.clone(),
                margin,
                tie_turnout: uncollected_electors.and_then(|u| Ratio::new(margin, u).ok()),
                settled: uncollected_electors.map(|u| margin > u),
            }
        })
        .collect();
    let settled = margins
        .iter()
        .map(|m| m.settled)
        .collect::<Option<Vec<bool>>>()
        .map(|v| v.into_iter().all(|s| s));
    Ok(Robustness {
        leader: candidates[leader].code.clone(),
        uncollected_electors,
        margins,
        settled,
    })
}

impl Robustness {
    /// What the check found, as the audit reports it: `O001` when the sheets settle the
    /// outcome, `O002` when the uncollected tables could change the leader, nothing when that
    /// is unknown (no figure of the register's electors).
    pub fn findings(&self) -> Vec<Finding> {
        let Some(settled) = self.settled else {
            return Vec::new();
        };
        let leader = || Subject::Candidate {
            code: self.leader.clone(),
        };
        let mut f = if settled {
            Finding::new(
                Code::OutcomeSettled,
                leader(),
                "leads whatever the uncollected tables hold",
            )
        } else {
            Finding::new(
                Code::OutcomeOpen,
                leader(),
                "the uncollected tables could change the leader",
            )
        };
        if let Some(m) = self.margins.iter().min_by_key(|m| m.margin) {
            f = f
                .with("closest_rival", m.rival.as_str())
                .with("margin", m.margin);
            if let Some(t) = m
                .tie_turnout
                .and_then(|t| t.percent(2, crate::Rounding::HalfUp).ok())
            {
                f = f.with("tie_turnout_percent", t);
            }
        }
        vec![f]
    }
}
