//! A bulletin's own arithmetic: sums, printed percentages and printed turnout.

use rust_decimal::Decimal;

use crate::error::Result;
use crate::model::{Bulletin, Contest, Percent, PercentBase, Rounding, percent_of};
use crate::report::{Code, Finding, Subject};

/// A printed percentage checked against the counts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PercentCheck {
    /// The count's subject.
    pub subject: String,
    /// The announced count.
    pub count: u64,
    /// The printed percentage.
    pub printed: Percent,
    /// What the share was taken of: the declared base, else the first base (in
    /// [`PercentBase::ALL`]'s order) that reproduces the printed value, else the first the
    /// bulletin's figures give.
    #[cfg_attr(feature = "serde", serde(default = "valid_base"))]
    pub base: PercentBase,
    /// Whether the bulletin or the count declared that base.
    #[cfg_attr(feature = "serde", serde(default))]
    pub base_declared: bool,
    /// The base's total: for valid votes the announced valid votes, or the sum of the counts
    /// when no valid total was announced.
    pub denominator: u64,
    /// The exact share, to four more decimals than printed, half-up.
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal"))]
    pub exact: Decimal,
    /// The rounding rules that reproduce the printed value at its scale.
    pub reproduced_by: Vec<Rounding>,
}

#[cfg(feature = "serde")]
fn valid_base() -> PercentBase {
    PercentBase::Valid
}

/// The printed turnout checked against one electors figure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TurnoutAgainst {
    /// Which figure (`"electors"`, `"electors_counted"`, `"register"`).
    pub figure: String,
    /// Its value.
    pub electors: u64,
    /// Voters over it, to two decimals more than printed, half-up.
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal"))]
    pub exact: Decimal,
    /// The rounding rules that reproduce the printed turnout from it.
    pub reproduced_by: Vec<Rounding>,
}

/// The printed turnout, the figures it was checked against, and the denominator it implies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TurnoutCheck {
    /// The printed turnout.
    pub printed: Percent,
    /// The voters: announced, else valid (or the sum of the counts) + null + blank when the
    /// bulletin gives them.
    pub voters: u64,
    /// Each electors figure tried.
    pub against: Vec<TurnoutAgainst>,
    /// The range of electors figures that print as this turnout under half-up rounding:
    /// `voters × 100 / p` for `p` within half a unit of the last printed digit. `None` when the
    /// printed turnout is 0.
    pub implied_electors: Option<(u64, u64)>,
}

/// What a bulletin's own numbers say.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct BulletinCheck {
    /// The bulletin's label.
    pub label: String,
    /// The sum of the announced counts.
    pub count_total: u64,
    /// Each printed percentage.
    pub percents: Vec<PercentCheck>,
    /// The bulletin's valid votes, as announced.
    pub valid: Option<u64>,
    /// The bulletin's voters, as announced.
    pub voters: Option<u64>,
    /// The bulletin's null votes, as announced.
    pub null: Option<u64>,
    /// The bulletin's blank votes, as announced.
    pub blank: Option<u64>,
    /// The bulletin's electors, as announced.
    pub electors: Option<u64>,
    /// The electors of the tables the bulletin says it counted, as announced.
    pub electors_counted: Option<u64>,
    /// Subjects that are neither candidates of the contest nor groups of the bulletin (only
    /// when the check was given the contest).
    pub unknown_subjects: Vec<String>,
    /// Printed percentages that could not be checked, with their declared base: the bulletin
    /// does not give that base's figures (a share of the voters without the voters).
    #[cfg_attr(feature = "serde", serde(default))]
    pub percents_unchecked: Vec<(String, PercentBase)>,
    /// The sum of the printed percentages, when at least one is printed.
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal::option"))]
    pub percent_sum: Option<Decimal>,
    /// How far from 100 rounding can take that sum: one unit of the last printed digit of each
    /// percentage.
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal::option"))]
    pub percent_tolerance: Option<Decimal>,
    /// Whether the printed percentages make up the whole of their base, so that they must add
    /// up to 100: every count has one and the counts are the whole of the valid votes, or (shares
    /// without counts) they are of the valid votes and their subjects stand for every candidate
    /// of the contest, each once.
    pub percents_complete: bool,
    /// Whether the printed percentages are all of one base (declared, or complete as above), so
    /// that they cannot add up past 100.
    #[cfg_attr(feature = "serde", serde(default))]
    pub percents_one_base: bool,
    /// The printed turnout, when printed with voters.
    pub turnout: Option<TurnoutCheck>,
}

/// The candidates a bulletin subject stands for: a candidate code, a group of the bulletin
/// (an empty group list means every candidate not announced separately), or `None`.
pub(crate) fn resolve_subject(
    contest: &Contest,
    bulletin: &Bulletin,
    subject: &str,
) -> Option<Vec<usize>> {
    if let Some(c) = contest.candidate_index(subject) {
        return Some(vec![c]);
    }
    let members = bulletin.groups.get(subject)?;
    if members.is_empty() {
        let separate: Vec<usize> = bulletin
            .counts
            .iter()
            .filter_map(|c| contest.candidate_index(&c.subject))
            .collect();
        return Some(
            (0..contest.candidates().len())
                .filter(|c| !separate.contains(c))
                .collect(),
        );
    }
    members.iter().map(|m| contest.candidate_index(m)).collect()
}

/// Checks a bulletin's own arithmetic: counts against valid votes (`B001`), valid, null and blank
/// against voters (`B002`), voters against electors (`B003`), each printed percentage reproduced
/// from the counts at its printed scale under half-up, half-even and truncation (`B004` when none
/// does), the sum of printed percentages (`B005`), the printed turnout against each electors figure
/// (`B006` when none reproduces it) and subjects that are neither candidates nor groups (`B007`,
/// when a contest is given).
///
/// `register_electors` is a further electors figure to try the turnout against.
///
/// # Errors
///
/// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) when the counts do not sum in a `u64`;
/// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for a bulletin that gives neither
/// counts nor shares ([`Bulletin::validate`]).
///
/// # Example
///
/// ```
/// use actas::audit::check_bulletin;
/// use actas::{Bulletin, BulletinCount, Rounding};
///
/// let b = Bulletin::new("b", vec![
///     BulletinCount::new("A", 5_150_092).with_percent("51.20".parse()?),
///     BulletinCount::new("B", 4_908_682).with_percent("48.8".parse()?),
/// ]);
/// let check = check_bulletin(&b, None, None)?;
/// // 5,150,092 is 51.1999971% of the total: it rounds to 51.20, but truncates to 51.19.
/// assert_eq!(check.percents[0].reproduced_by, [Rounding::HalfUp, Rounding::HalfEven]);
/// assert!(check.findings().is_empty());
/// # Ok::<(), actas::Error>(())
/// ```
pub fn check_bulletin(
    bulletin: &Bulletin,
    contest: Option<&Contest>,
    register_electors: Option<u64>,
) -> Result<BulletinCheck> {
    bulletin.validate()?;
    let count_total = bulletin.count_total()?;
    let unknown_subjects = match contest {
        Some(contest) => bulletin
            .counts
            .iter()
            .filter(|c| resolve_subject(contest, bulletin, &c.subject).is_none())
            .map(|c| c.subject.clone())
            .collect(),
        None => Vec::new(),
    };

    let base_total = |base: PercentBase| -> Option<u64> {
        match base {
            PercentBase::Valid => Some(bulletin.valid.unwrap_or(count_total)),
            PercentBase::ValidAndNull => bulletin.valid?.checked_add(bulletin.null?),
            PercentBase::Cast => bulletin
                .valid?
                .checked_add(bulletin.null?)?
                .checked_add(bulletin.blank?),
            PercentBase::Voters => bulletin.voters,
            PercentBase::Electors => bulletin.electors,
        }
        .filter(|d| *d > 0)
    };
    let mut percents = Vec::new();
    let mut percents_unchecked = Vec::new();
    let mut ulp_sum = Decimal::ZERO;
    let mut printed_sum: Option<Decimal> = None;
    for c in &bulletin.counts {
        let Some(printed) = c.percent else { continue };
        printed_sum = Some(printed_sum.unwrap_or_default() + printed.value());
        ulp_sum += Decimal::new(1, printed.scale());
        // A share without a count is bounded against the sheets, not checked here.
        let Some(count) = c.count else { continue };
        let declared = c.base.or(bulletin.base);
        let reproduced = |den: u64| -> Vec<Rounding> {
            Rounding::ALL
                .into_iter()
                .filter(|r| printed.reproduces(count, den, *r).unwrap_or(false))
                .collect()
        };
        // The declared base alone; else the first base that reproduces the printed value, or,
        // when none does, the first the bulletin gives (shown with its exact share).
        let mut shown: Option<(PercentBase, u64, Vec<Rounding>)> = None;
        for base in declared.map_or(PercentBase::ALL.to_vec(), |b| vec![b]) {
            let Some(den) = base_total(base) else {
                continue;
            };
            let by = reproduced(den);
            let found = !by.is_empty();
            if found || shown.is_none() {
                shown = Some((base, den, by));
            }
            if found {
                break;
            }
        }
        let Some((base, denominator, reproduced_by)) = shown else {
            if let Some(b) = declared {
                percents_unchecked.push((c.subject.clone(), b));
            }
            continue;
        };
        let exact = percent_of(count, denominator, printed.scale() + 4, Rounding::HalfUp)?;
        percents.push(PercentCheck {
            subject: c.subject.clone(),
            count,
            printed,
            base,
            base_declared: declared.is_some(),
            denominator,
            exact,
            reproduced_by,
        });
    }
    let counts_complete = percents.len() == bulletin.counts.len()
        && percents
            .iter()
            .all(|p| p.base == PercentBase::Valid && p.denominator == count_total);
    // Shares without counts make up the whole when they are of the valid votes (declared or
    // not) and their subjects stand for every candidate of the contest, each once.
    let shares_complete = bulletin.shares_only()
        && bulletin.counts.iter().all(|c| {
            c.percent.is_some()
                && c.base
                    .or(bulletin.base)
                    .is_none_or(|b| b == PercentBase::Valid)
        })
        && contest.is_some_and(|contest| {
            let mut seen = vec![0u32; contest.candidates().len()];
            for c in &bulletin.counts {
                for m in resolve_subject(contest, bulletin, &c.subject).unwrap_or_default() {
                    seen[m] += 1;
                }
            }
            seen.iter().all(|n| *n == 1)
        });
    let percents_complete = counts_complete || shares_complete;
    // Shares of one base, of subjects that do not overlap, cannot add up past 100.
    let one_base = {
        let mut bases = bulletin
            .counts
            .iter()
            .filter(|c| c.percent.is_some())
            .map(|c| c.base.or(bulletin.base));
        let first = bases.next().flatten();
        first.is_some() && bases.all(|b| b == first)
    };

    // The voters, else every ballot cast when the bulletin gives valid, null and blank.
    let voters = bulletin
        .voters
        .or_else(|| bulletin.base_total(PercentBase::Cast));
    let turnout = match (bulletin.turnout, voters) {
        (Some(printed), Some(voters)) => {
            let mut against = Vec::new();
            let figures = [
                ("electors", bulletin.electors),
                ("electors_counted", bulletin.electors_counted),
                ("register", register_electors),
            ];
            for (figure, electors) in figures {
                let Some(e) = electors.filter(|e| *e > 0) else {
                    continue;
                };
                against.push(TurnoutAgainst {
                    figure: figure.to_owned(),
                    electors: e,
                    exact: percent_of(voters, e, printed.scale() + 2, Rounding::HalfUp)?,
                    reproduced_by: Rounding::ALL
                        .into_iter()
                        .filter(|r| printed.reproduces(voters, e, *r).unwrap_or(false))
                        .collect(),
                });
            }
            Some(TurnoutCheck {
                printed,
                voters,
                against,
                implied_electors: implied_denominator(voters, printed),
            })
        }
        _ => None,
    };
    Ok(BulletinCheck {
        label: bulletin.label.clone(),
        count_total,
        valid: bulletin.valid,
        voters: bulletin.voters,
        null: bulletin.null,
        blank: bulletin.blank,
        electors: bulletin.electors,
        electors_counted: bulletin.electors_counted,
        unknown_subjects,
        percents_unchecked,
        percents,
        percent_sum: printed_sum,
        percent_tolerance: printed_sum.map(|_| ulp_sum),
        percents_complete,
        percents_one_base: one_base || percents_complete,
        turnout,
    })
}

impl BulletinCheck {
    /// What the check found, as the audit reports it: `B001` to `B008`.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::audit::check_bulletin;
    /// use actas::report::Code;
    /// use actas::{Bulletin, BulletinCount};
    ///
    /// let b = Bulletin::new("b", vec![BulletinCount::new("A", 60), BulletinCount::new("B", 30)])
    ///     .with_valid(100);
    /// let findings = check_bulletin(&b, None, None)?.findings();
    /// assert_eq!(findings[0].code, Code::CountsMissValid);
    /// assert_eq!(findings[0].number("difference").and_then(|v| v.as_int()), Some(-10));
    /// # Ok::<(), actas::Error>(())
    /// ```
    pub fn findings(&self) -> Vec<Finding> {
        let whole = || Subject::Bulletin {
            label: self.label.clone(),
        };
        let count = |subject: &str| Subject::BulletinCount {
            label: self.label.clone(),
            subject: subject.to_owned(),
        };
        let mut findings = Vec::new();
        if let Some(valid) = self.valid.filter(|v| *v != self.count_total) {
            findings.push(
                Finding::new(
                    Code::CountsMissValid,
                    whole(),
                    "the counts do not add up to the valid votes",
                )
                .with("sum_of_counts", self.count_total)
                .with("valid", valid)
                .with(
                    "difference",
                    i128::from(self.count_total) - i128::from(valid),
                ),
            );
        }
        if let (Some(voters), Some(valid)) = (self.voters, self.valid) {
            let parts = [Some(valid), self.null, self.blank];
            let sum: u128 = parts.iter().flatten().map(|v| u128::from(*v)).sum();
            let complete = parts.iter().all(Option::is_some);
            let broken = if complete {
                sum != u128::from(voters)
            } else {
                sum > u128::from(voters)
            };
            if broken {
                let what = if complete {
                    "valid + null + blank differs from the voters"
                } else {
                    "the announced parts of the voters exceed the voters"
                };
                // Three u64 values sum to less than 2^66: the i128 is exact.
                findings.push(
                    Finding::new(Code::PartsMissVoters, whole(), what)
                        .with("parts", sum as i128)
                        .with("voters", voters),
                );
            }
        }
        if let Some(voters) = self.voters {
            for (figure, key, electors) in [
                ("electors", "electors", self.electors),
                (
                    "electors counted",
                    "electors_counted",
                    self.electors_counted,
                ),
            ] {
                if let Some(e) = electors.filter(|e| voters > *e) {
                    findings.push(
                        Finding::new(
                            Code::AnnouncedMoreVotersThanElectors,
                            whole(),
                            format!("more voters than {figure}"),
                        )
                        .with("voters", voters)
                        .with(key, e),
                    );
                }
            }
        }
        for subject in &self.unknown_subjects {
            findings.push(Finding::new(
                Code::UnknownSubject,
                count(subject),
                "neither a candidate of the contest nor a group of the bulletin",
            ));
        }
        for p in self.percents.iter().filter(|p| p.reproduced_by.is_empty()) {
            findings.push(
                Finding::new(
                    Code::PercentNotReproduced,
                    count(&p.subject),
                    if p.base_declared {
                        format!(
                            "the printed percentage is reproduced by no rounding rule of its base ({})",
                            p.base
                        )
                    } else {
                        "the printed percentage is reproduced by no rounding rule of any base the bulletin gives".to_owned()
                    },
                )
                .with("printed", p.printed.value())
                .with("exact", p.exact)
                .with("count", p.count)
                .with("denominator", p.denominator)
                .with("base", p.base.name()),
            );
        }
        for (subject, base) in &self.percents_unchecked {
            findings.push(Finding::new(
                Code::NotCheckable,
                count(subject),
                format!(
                    "the printed percentage is a share of the {base} figure, which the bulletin does not give"
                ),
            ));
        }
        // Each printed value is within one unit of its last digit of the exact share
        // (truncation is the widest rule), so when the counts make up the whole, the printed sum
        // is within the sum of those units of 100.
        if let (Some(sum), Some(tolerance), true) = (
            self.percent_sum,
            self.percent_tolerance,
            self.percents_complete,
        ) {
            if (sum - Decimal::ONE_HUNDRED).abs() > tolerance {
                findings.push(
                    Finding::new(
                        Code::PercentSumOff,
                        whole(),
                        "the printed percentages add up further from 100 than rounding can explain",
                    )
                    .with("sum", sum)
                    .with("tolerance", tolerance),
                );
            }
        } else if let (Some(sum), Some(tolerance), true) = (
            self.percent_sum,
            self.percent_tolerance,
            self.percents_one_base,
        ) {
            if sum - Decimal::ONE_HUNDRED > tolerance {
                findings.push(
                    Finding::new(
                        Code::PercentSumOff,
                        whole(),
                        "the printed shares of one base add up past 100 by more than rounding can explain",
                    )
                    .with("sum", sum)
                    .with("tolerance", tolerance),
                );
            }
        }
        if let Some(t) = &self.turnout {
            if !t.against.is_empty() && t.against.iter().all(|a| a.reproduced_by.is_empty()) {
                let mut f = Finding::new(
                    Code::TurnoutNotReproduced,
                    whole(),
                    "the printed turnout is reproduced by none of the electors figures",
                )
                .with("printed", t.printed.value())
                .with("voters", t.voters);
                if let Some((lo, hi)) = t.implied_electors {
                    f = f
                        .with("implied_electors_from", lo)
                        .with("implied_electors_to", hi);
                }
                findings.push(f);
            }
        }
        findings
    }
}

/// The electors figures `e` for which `voters / e`, as a percentage, rounds half-up to `printed`:
/// `p − h ≤ 100 v / e < p + h` with `h` half a unit of the last printed digit. With `p = m / 10^s`
/// this is `200 v 10^s / (2m + 1) < e ≤ 200 v 10^s / (2m − 1)`, computed in integers (a printed
/// scale of at most [`MAX_PRINTED_SCALE`](crate::MAX_PRINTED_SCALE) keeps it within `u128`).
/// `None` when no figure fits in a `u64` or the printed share is 0.
fn implied_denominator(voters: u64, printed: Percent) -> Option<(u64, u64)> {
    let m = u128::try_from(printed.value().mantissa()).ok()?;
    if m == 0 {
        return None;
    }
    let x = 200u128
        .checked_mul(u128::from(voters))?
        .checked_mul(10u128.checked_pow(printed.scale())?)?;
    let lo = x / (2 * m + 1) + 1;
    let hi = x / (2 * m - 1);
    let lo = u64::try_from(lo).ok()?;
    let hi = u64::try_from(hi).unwrap_or(u64::MAX);
    (lo <= hi).then_some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BulletinCount;

    fn pct(s: &str) -> Percent {
        s.parse().unwrap()
    }

    /// Regression: voters of 10^17 and a turnout of 0.0000000001% overflowed a `Decimal`
    /// division and panicked.
    #[test]
    fn implied_denominator_of_extreme_figures() {
        let (lo, hi) =
            implied_denominator(100_000_000_000_000_000, pct("0.0000000001")).unwrap_or((0, 0));
        // 10^17 voters at 10^-12 of the electors: over u64, so no figure fits.
        assert_eq!((lo, hi), (0, 0));
        // 100% printed without decimals is 99.5% and over: up to the largest u64.
        let (lo, hi) = implied_denominator(u64::MAX, pct("100")).unwrap();
        let least = u64::try_from(200 * u128::from(u64::MAX) / 201 + 1).unwrap();
        assert_eq!((lo, hi), (least, u64::MAX));
        assert!(
            pct("100")
                .reproduces(u64::MAX, lo, Rounding::HalfUp)
                .unwrap()
        );
        assert!(
            !pct("100")
                .reproduces(u64::MAX, lo - 1, Rounding::HalfUp)
                .unwrap()
        );
        assert_eq!(implied_denominator(1, pct("0")), None);
        assert_eq!(implied_denominator(0, pct("50")), None);
        // One voter of two electors is 50%; 1 of 3 is 33.3%: the exact range, checked.
        assert_eq!(implied_denominator(1, pct("50")), Some((2, 2)));
        let (lo, hi) = implied_denominator(1, pct("33.3")).unwrap();
        assert_eq!((lo, hi), (3, 3));
    }

    #[test]
    fn implied_denominator_brackets_the_true_figure() {
        let (lo, hi) = implied_denominator(12_386_669, pct("59.97")).unwrap();
        assert!(lo <= 20_654_431 && 20_654_431 <= hi, "{lo}..{hi}");
        for e in [lo, hi] {
            assert!(
                pct("59.97")
                    .reproduces(12_386_669, e, Rounding::HalfUp)
                    .unwrap()
            );
        }
        assert!(
            !pct("59.97")
                .reproduces(12_386_669, lo - 1, Rounding::HalfUp)
                .unwrap()
        );
        assert!(
            !pct("59.97")
                .reproduces(12_386_669, hi + 1, Rounding::HalfUp)
                .unwrap()
        );
        assert_eq!(implied_denominator(10, pct("0")), None);
    }

    #[test]
    fn a_bulletin_with_only_counts_has_nothing_to_check() {
        let b = Bulletin::new(
            "b",
            vec![BulletinCount::new("A", 3), BulletinCount::new("B", 4)],
        );
        let check = check_bulletin(&b, None, None).unwrap();
        let findings = check.findings();
        assert!(findings.is_empty());
        assert_eq!(check.count_total, 7);
        assert_eq!(check.percent_sum, None);
        assert_eq!(check.turnout, None);
    }

    #[test]
    fn broken_arithmetic_is_found() {
        let mut b = Bulletin::new(
            "b",
            vec![
                BulletinCount::new("A", 60).with_percent(pct("61")),
                BulletinCount::new("B", 40).with_percent(pct("40")),
            ],
        );
        b.valid = Some(101);
        b.null = Some(5);
        b.voters = Some(100);
        b.electors = Some(90);
        let findings = check_bulletin(&b, None, None).unwrap().findings();
        let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
        // 60/101 = 59.4% is not 61; 40/101 = 39.6% rounds half-up to 40.
        assert_eq!(codes, ["B001", "B002", "B003", "B004"]);
    }
}
