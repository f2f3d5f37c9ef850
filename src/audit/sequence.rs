//! Successive bulletins of one contest: counts never decrease, and what each increment holds.

use rust_decimal::Decimal;

use crate::error::Result;
use crate::model::{Bulletin, CoverageBasis, Rounding, percent_of};
use crate::report::{Code, Finding, Subject};

/// The change of one count from a bulletin to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Increment {
    /// The subject.
    pub subject: String,
    /// The earlier count.
    pub from: u64,
    /// The later count.
    pub to: u64,
    /// `to − from`.
    pub delta: i128,
    /// The subject's share of all the votes added, in percent to two decimals (half-up), when
    /// votes were added.
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal::option"))]
    pub share_of_added: Option<Decimal>,
}

/// One step from a bulletin to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Step {
    /// The earlier bulletin's label.
    pub from: String,
    /// The later bulletin's label.
    pub to: String,
    /// Per subject of the earlier bulletin that the later one announces (itself, or all the
    /// members of its group), in the earlier bulletin's order.
    pub increments: Vec<Increment>,
    /// The bulletins' voters and valid votes, where both announce them (subjects `voters`,
    /// `valid`).
    pub figures: Vec<Increment>,
    /// Votes added: the change in the sum of the counts both announce.
    pub votes_added: i128,
    /// The most electors the added coverage can hold, when the two bulletins say (both announce
    /// the electors counted, or both print an electors coverage over a known electors total).
    pub electors_added_at_most: Option<u64>,
}

/// The steps between successive bulletins, with a finding for every count that decreases
/// (`Q001`) and every step that adds more votes than the added coverage has electors (`Q002`).
///
/// A group of the earlier bulletin (such as "others") is compared with the sum of its members
/// when the later bulletin announces them separately; other subjects announced in only one of
/// the two bulletins are not compared.
///
/// # Errors
///
/// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) on overflow.
///
/// # Example
///
/// ```
/// use actas::audit::sequence;
/// use actas::report::Code;
/// use actas::{Bulletin, BulletinCount};
///
/// let first = Bulletin::new("1", vec![BulletinCount::new("A", 100), BulletinCount::new("B", 80)]);
/// let second = Bulletin::new("2", vec![BulletinCount::new("A", 150), BulletinCount::new("B", 70)]);
/// let steps = sequence(&[first, second])?;
/// assert_eq!(steps[0].votes_added, 40);
/// assert_eq!(steps[0].findings()[0].code, Code::CountDecreases); // B lost 10 votes (`Q001`)
/// # Ok::<(), actas::Error>(())
/// ```
pub fn sequence(bulletins: &[Bulletin]) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    for pair in bulletins.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        // A subject of the earlier bulletin is compared when the later one announces it, or
        // announces every member of it (a group such as "others" split into its candidates).
        let later = |subject: &str| -> Result<Option<u64>> {
            if let Some(c) = b.count(subject) {
                return Ok(Some(c));
            }
            let Some(members) = a.groups.get(subject).filter(|m| !m.is_empty()) else {
                return Ok(None);
            };
            let mut total = 0u64;
            for m in members {
                let Some(c) = b.count(m) else {
                    return Ok(None);
                };
                total = crate::error::add(
                    total,
                    c,
                    &format!(
                        "the sum of the members of group {subject} in bulletin {}",
                        b.label
                    ),
                )?;
            }
            Ok(Some(total))
        };
        let mut common: Vec<(String, u64, u64)> = Vec::new();
        for c in &a.counts {
            let Some(from) = c.count else { continue };
            if let Some(to) = later(&c.subject)? {
                common.push((c.subject.clone(), from, to));
            }
        }
        let votes_added: i128 = common
            .iter()
            .map(|(_, f, t)| i128::from(*t) - i128::from(*f))
            .sum();
        let mut increments = Vec::new();
        for (subject, from, to) in common {
            let delta = i128::from(to) - i128::from(from);
            let share_of_added = match (u64::try_from(delta), u64::try_from(votes_added)) {
                (Ok(d), Ok(total)) if total > 0 => Some(percent_of(d, total, 2, Rounding::HalfUp)?),
                _ => None,
            };
            increments.push(Increment {
                subject,
                from,
                to,
                delta,
                share_of_added,
            });
        }
        let figures = [("voters", a.voters, b.voters), ("valid", a.valid, b.valid)]
            .into_iter()
            .filter_map(|(what, x, y)| {
                Some(Increment {
                    subject: what.to_owned(),
                    from: x?,
                    to: y?,
                    delta: i128::from(y?) - i128::from(x?),
                    share_of_added: None,
                })
            })
            .collect();
        let electors_added_at_most = match (a.electors_counted, b.electors_counted) {
            (Some(x), Some(y)) => Some(y.saturating_sub(x)),
            _ => match (a.coverage, b.coverage, b.electors.or(a.electors)) {
                (Some(ca), Some(cb), Some(total))
                    if ca.basis == CoverageBasis::Electors
                        && cb.basis == CoverageBasis::Electors =>
                {
                    // The later share at its highest less the earlier at its lowest.
                    let h = |p: crate::Percent| Decimal::new(5, p.scale() + 1);
                    let span =
                        (cb.printed.value() + h(cb.printed)) - (ca.printed.value() - h(ca.printed));
                    let most = (span.max(Decimal::ZERO) * Decimal::from(total)
                        / Decimal::ONE_HUNDRED)
                        .ceil();
                    u64::try_from(most).ok()
                }
                _ => None,
            },
        };
        steps.push(Step {
            from: a.label.clone(),
            to: b.label.clone(),
            increments,
            figures,
            votes_added,
            electors_added_at_most,
        });
    }
    Ok(steps)
}

impl Step {
    /// What the step shows, as the audit reports it: `Q001` for each count (or voters, valid
    /// votes) that decreases, `Q002` when more votes were added than the added coverage has
    /// electors.
    pub fn findings(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        for i in self.increments.iter().filter(|i| i.delta < 0) {
            findings.push(
                Finding::new(
                    Code::CountDecreases,
                    Subject::BulletinCount {
                        label: self.to.clone(),
                        subject: i.subject.clone(),
                    },
                    format!("the count decreases from {}", self.from),
                )
                .with("from", i.from)
                .with("to", i.to)
                .with("change", i.delta),
            );
        }
        let pair = || Subject::BulletinPair {
            from: self.from.clone(),
            to: self.to.clone(),
        };
        for x in self.figures.iter().filter(|x| x.delta < 0) {
            findings.push(
                Finding::new(
                    Code::CountDecreases,
                    pair(),
                    format!("the {} decrease", x.subject),
                )
                .with("from", x.from)
                .with("to", x.to),
            );
        }
        if let Some(most) = self
            .electors_added_at_most
            .filter(|m| self.votes_added > i128::from(*m))
        {
            findings.push(
                Finding::new(
                    Code::AddedVotesExceedElectors,
                    pair(),
                    "more votes added than the added coverage has electors",
                )
                .with("votes_added", self.votes_added)
                .with("electors_added_at_most", most),
            );
        }
        findings
    }
}
