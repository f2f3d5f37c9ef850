//! Announcements: what an electoral authority said, and the register it counts against.

use std::collections::BTreeMap;

use super::number::Percent;

/// What a printed coverage share is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CoverageBasis {
    /// A share of the tables (tally sheets) counted.
    Tables,
    /// A share of the registered electors whose tables were counted.
    Electors,
    /// The authority did not say.
    Unspecified,
}

/// A claim of how much was counted, as printed (`"80"` % of tables, `"96.87"` % of electors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct CoverageClaim {
    /// The printed share, with its printed scale.
    pub printed: Percent,
    /// What it is a share of.
    pub basis: CoverageBasis,
}

impl CoverageClaim {
    /// A claim that `printed` percent of `basis` is counted.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::{CoverageBasis, CoverageClaim};
    ///
    /// let claim = CoverageClaim::new(CoverageBasis::Tables, "80".parse()?);
    /// assert_eq!(claim.printed.to_string(), "80");
    /// # Ok::<(), actas::Error>(())
    /// ```
    pub fn new(basis: CoverageBasis, printed: Percent) -> Self {
        CoverageClaim { printed, basis }
    }
}

/// What a printed share is a share of.
///
/// Authorities differ: most print shares of the valid votes, some of all ballots cast (valid,
/// null and blank), some of the voters. A bulletin or a count may say which; when neither does,
/// the checks try every base the bulletin's own figures give and report the one that reproduces
/// the printed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PercentBase {
    /// The valid votes (the announced valid total, else the sum of the counts).
    Valid,
    /// The valid and null votes.
    ValidAndNull,
    /// Every ballot cast: valid, null and blank votes.
    Cast,
    /// The voters.
    Voters,
    /// The electors (a share of the register, as a turnout is).
    Electors,
}

impl PercentBase {
    /// Every base, in the order the checks try them.
    pub const ALL: [PercentBase; 5] = [
        PercentBase::Valid,
        PercentBase::ValidAndNull,
        PercentBase::Cast,
        PercentBase::Voters,
        PercentBase::Electors,
    ];

    /// Its name in files and reports (`"valid_and_null"`).
    pub fn name(self) -> &'static str {
        match self {
            PercentBase::Valid => "valid",
            PercentBase::ValidAndNull => "valid_and_null",
            PercentBase::Cast => "cast",
            PercentBase::Voters => "voters",
            PercentBase::Electors => "electors",
        }
    }
}

impl std::fmt::Display for PercentBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

/// One announced count: a candidate's, or a group's such as "others".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct BulletinCount {
    /// A candidate code of the contest, or a group named in [`Bulletin::groups`].
    pub subject: String,
    /// The announced votes; `None` when the authority printed only a share (a live count on
    /// television: "48.12%").
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "count::option"
        )
    )]
    pub count: Option<u64>,
    /// The percentage printed beside it, if any.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub percent: Option<Percent>,
    /// What that percentage is a share of, when this count says so (else the bulletin's
    /// [`Bulletin::base`]).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub base: Option<PercentBase>,
}

impl BulletinCount {
    /// A count without a printed percentage.
    pub fn new(subject: impl Into<String>, count: u64) -> Self {
        BulletinCount {
            subject: subject.into(),
            count: Some(count),
            percent: None,
            base: None,
        }
    }

    /// A printed share without a count, as a live count on television gives it.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::{Bulletin, BulletinCount, CoverageBasis, CoverageClaim};
    ///
    /// let b = Bulletin::new("TV 21:00", vec![
    ///     BulletinCount::share("A", "48.12".parse()?),
    ///     BulletinCount::share("B", "39.20".parse()?),
    /// ])
    /// .with_coverage(CoverageClaim::new(CoverageBasis::Tables, "85.30".parse()?));
    /// assert!(b.shares_only());
    /// assert_eq!(b.count("A"), None);
    /// # Ok::<(), actas::Error>(())
    /// ```
    pub fn share(subject: impl Into<String>, percent: Percent) -> Self {
        BulletinCount {
            subject: subject.into(),
            count: None,
            percent: Some(percent),
            base: None,
        }
    }

    /// With what its percentage is a share of.
    #[must_use]
    pub fn with_base(mut self, base: PercentBase) -> Self {
        self.base = Some(base);
        self
    }

    /// With the percentage printed beside it.
    #[must_use]
    pub fn with_percent(mut self, percent: Percent) -> Self {
        self.percent = Some(percent);
        self
    }
}

/// An announcement of results by an authority.
///
/// Invariant: none beyond its field types. Every field is optional except the counts, because
/// authorities announce what they announce; an announcement whose numbers do not add up is
/// representable, so that an audit can say so. Percentages keep their printed scale.
///
/// # Example
///
/// ```
/// use actas::{Bulletin, BulletinCount, CoverageBasis, CoverageClaim};
///
/// let b = Bulletin::new("CNE bulletin 1", vec![
///     BulletinCount::new("NM", 5_150_092).with_percent("51.20".parse()?),
///     BulletinCount::new("EG", 4_445_978).with_percent("44.2".parse()?),
///     BulletinCount::new("OTHERS", 462_704).with_percent("4.6".parse()?),
/// ])
/// .with_coverage(CoverageClaim::new(CoverageBasis::Tables, "80".parse()?));
/// assert_eq!(b.count_total()?, 10_058_774);
/// assert_eq!(b.count("EG"), Some(4_445_978));
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Bulletin {
    /// A label for reports (`"CNE bulletin 1"`).
    pub label: String,
    /// When it was announced, as given (ISO 8601 recommended).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub announced_at: Option<String>,
    /// How much it claims to have counted.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub coverage: Option<CoverageClaim>,
    /// Registered electors, as announced.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "count::option"
        )
    )]
    pub electors: Option<u64>,
    /// Electors of the tables counted, as announced.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "count::option"
        )
    )]
    pub electors_counted: Option<u64>,
    /// Voters (ballots cast).
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "count::option"
        )
    )]
    pub voters: Option<u64>,
    /// Valid votes.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "count::option"
        )
    )]
    pub valid: Option<u64>,
    /// Null votes.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "count::option"
        )
    )]
    pub null: Option<u64>,
    /// Blank votes.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "count::option"
        )
    )]
    pub blank: Option<u64>,
    /// The printed turnout ("participation").
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub turnout: Option<Percent>,
    /// Whether it declares itself final: every table of the register counted. Its bounds are then
    /// taken over exactly all the register's tables, whatever its printed coverage (a printed
    /// "100" is never read as 99.5%), and a final bulletin without a coverage claim is bounded
    /// as 100% of the tables.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "final", default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub is_final: bool,
    /// What its printed percentages are shares of, when it says so; a count may say otherwise
    /// ([`BulletinCount::base`]). Unsaid, the checks try every base its figures give.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub base: Option<PercentBase>,
    /// The announced counts, in the order announced.
    pub counts: Vec<BulletinCount>,
    /// Groups announced as one count (`"OTHERS"`), with the candidate codes they stand for;
    /// an empty list means "every candidate not announced separately".
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "BTreeMap::is_empty")
    )]
    pub groups: BTreeMap<String, Vec<String>>,
    /// Free notes (variants between copies, caveats).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub notes: Option<String>,
    /// Where it was read.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub sources: Vec<String>,
}

impl Bulletin {
    /// A bulletin with a label and counts, and nothing else.
    pub fn new(label: impl Into<String>, counts: Vec<BulletinCount>) -> Self {
        Bulletin {
            label: label.into(),
            announced_at: None,
            coverage: None,
            electors: None,
            electors_counted: None,
            voters: None,
            valid: None,
            null: None,
            blank: None,
            turnout: None,
            is_final: false,
            base: None,
            counts,
            groups: BTreeMap::new(),
            notes: None,
            sources: Vec::new(),
        }
    }

    /// With a coverage claim.
    #[must_use]
    pub fn with_coverage(mut self, coverage: CoverageClaim) -> Self {
        self.coverage = Some(coverage);
        self
    }

    /// With when it was announced, as printed.
    #[must_use]
    pub fn with_announced_at(mut self, at: impl Into<String>) -> Self {
        self.announced_at = Some(at.into());
        self
    }

    /// With the electors it announces.
    #[must_use]
    pub fn with_electors(mut self, n: u64) -> Self {
        self.electors = Some(n);
        self
    }

    /// With the electors of the tables it says it counted.
    #[must_use]
    pub fn with_electors_counted(mut self, n: u64) -> Self {
        self.electors_counted = Some(n);
        self
    }

    /// With the voters it announces.
    #[must_use]
    pub fn with_voters(mut self, n: u64) -> Self {
        self.voters = Some(n);
        self
    }

    /// With the valid votes it announces.
    #[must_use]
    pub fn with_valid(mut self, n: u64) -> Self {
        self.valid = Some(n);
        self
    }

    /// With the null votes it announces.
    #[must_use]
    pub fn with_null(mut self, n: u64) -> Self {
        self.null = Some(n);
        self
    }

    /// With the blank votes it announces.
    #[must_use]
    pub fn with_blank(mut self, n: u64) -> Self {
        self.blank = Some(n);
        self
    }

    /// Declared final: every table of the register counted (see [`Bulletin::is_final`]).
    #[must_use]
    pub fn with_final(mut self) -> Self {
        self.is_final = true;
        self
    }

    /// The coverage its bounds are taken over: its claim, or 100% of the tables when it is final
    /// and claims nothing.
    pub fn coverage_claim(&self) -> Option<CoverageClaim> {
        self.coverage.or_else(|| {
            self.is_final.then(|| {
                CoverageClaim::new(
                    CoverageBasis::Tables,
                    Percent::new(rust_decimal::Decimal::ONE_HUNDRED)
                        .unwrap_or_else(|_| unreachable!("100 is a percentage")),
                )
            })
        })
    }

    /// With what its printed percentages are shares of.
    #[must_use]
    pub fn with_base(mut self, base: PercentBase) -> Self {
        self.base = Some(base);
        self
    }

    /// With the turnout it prints.
    #[must_use]
    pub fn with_turnout(mut self, printed: Percent) -> Self {
        self.turnout = Some(printed);
        self
    }

    /// With a group of candidates announced as one count (`"OTHERS"`).
    #[must_use]
    pub fn with_group<S: Into<String>>(
        mut self,
        name: impl Into<String>,
        members: impl IntoIterator<Item = S>,
    ) -> Self {
        self.groups
            .insert(name.into(), members.into_iter().map(Into::into).collect());
        self
    }

    /// With notes.
    #[must_use]
    pub fn with_notes(mut self, notes: impl Into<String>) -> Self {
        self.notes = Some(notes.into());
        self
    }

    /// With one more source (where it was read).
    #[must_use]
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.sources.push(source.into());
        self
    }

    /// The announced count of `subject`, if announced with a count.
    pub fn count(&self, subject: &str) -> Option<u64> {
        self.counts
            .iter()
            .find(|c| c.subject == subject)
            .and_then(|c| c.count)
    }

    /// Whether it gives a count for every subject (the form its count checks need).
    pub fn has_all_counts(&self) -> bool {
        !self.counts.is_empty() && self.counts.iter().all(|c| c.count.is_some())
    }

    /// Whether it gives printed shares and no count at all (a live count on television).
    pub fn shares_only(&self) -> bool {
        !self.counts.is_empty() && self.counts.iter().all(|c| c.count.is_none())
    }

    /// Checks that it announces something: at least one subject, and a count or a printed
    /// share for each.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) naming the bulletin's label
    /// (and the subject) when it gives neither counts nor shares.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::{Bulletin, BulletinCount};
    ///
    /// assert!(Bulletin::new("b", vec![BulletinCount::new("A", 5)]).validate().is_ok());
    /// let empty = Bulletin::new("late news", vec![]);
    /// assert!(empty.validate().unwrap_err().to_string().contains("late news"));
    /// ```
    pub fn validate(&self) -> crate::Result<()> {
        if self.counts.is_empty() {
            return Err(crate::Error::invalid(
                "bulletin",
                self.label.as_str(),
                "gives neither counts nor shares; give each subject a count, a printed percent, or both",
            ));
        }
        if let Some(c) = self
            .counts
            .iter()
            .find(|c| c.count.is_none() && c.percent.is_none())
        {
            return Err(crate::Error::invalid(
                "bulletin",
                self.label.as_str(),
                format!(
                    "gives subject {} neither a count nor a share; give it a count, a printed percent, or both",
                    c.subject
                ),
            ));
        }
        Ok(())
    }

    /// The total of a base as it announces it: valid votes (announced, else the sum of the
    /// counts when every subject has one), with null and blank as the base asks, voters, or
    /// electors (of the tables counted when announced, else all). `None` when it does not give it.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::{Bulletin, BulletinCount, PercentBase};
    ///
    /// let b = Bulletin::new("b", vec![BulletinCount::new("A", 60), BulletinCount::new("B", 30)])
    ///     .with_null(10);
    /// assert_eq!(b.base_total(PercentBase::Valid), Some(90));
    /// assert_eq!(b.base_total(PercentBase::ValidAndNull), Some(100));
    /// assert_eq!(b.base_total(PercentBase::Cast), None); // no blank votes announced
    /// ```
    pub fn base_total(&self, base: PercentBase) -> Option<u64> {
        let valid = self.valid.or_else(|| {
            self.has_all_counts()
                .then(|| self.count_total().ok())
                .flatten()
        });
        match base {
            PercentBase::Valid => valid,
            PercentBase::ValidAndNull => valid?.checked_add(self.null?),
            PercentBase::Cast => valid?.checked_add(self.null?)?.checked_add(self.blank?),
            PercentBase::Voters => self.voters,
            PercentBase::Electors => self.electors_counted.or(self.electors),
        }
    }

    /// The sum of the announced counts (subjects given only a share count as nothing: see
    /// [`Bulletin::has_all_counts`]).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) when the sum does not fit a `u64`.
    pub fn count_total(&self) -> crate::Result<u64> {
        self.counts
            .iter()
            .filter_map(|c| c.count)
            .try_fold(0u64, |t, c| {
                crate::error::add(
                    t,
                    c,
                    &format!("the sum of the counts of bulletin {}", self.label),
                )
            })
    }
}

/// The register an election is counted against: how many tables and electors there are.
///
/// Invariant: none; each figure is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Register {
    /// The number of tables (polling stations).
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "count::option"
        )
    )]
    pub tables: Option<u64>,
    /// The number of electors entitled to vote in the contest.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "count::option"
        )
    )]
    pub electors: Option<u64>,
    /// Free notes (which figure this is, other published figures).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub notes: Option<String>,
    /// Where the figures were read.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub sources: Vec<String>,
}

impl Register {
    /// A register with no figure known.
    pub fn new() -> Self {
        Register::default()
    }

    /// With the number of tables.
    #[must_use]
    pub fn with_tables(mut self, n: u64) -> Self {
        self.tables = Some(n);
        self
    }

    /// With the number of electors.
    #[must_use]
    pub fn with_electors(mut self, n: u64) -> Self {
        self.electors = Some(n);
        self
    }

    /// With notes.
    #[must_use]
    pub fn with_notes(mut self, notes: impl Into<String>) -> Self {
        self.notes = Some(notes.into());
        self
    }

    /// With one more source.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.sources.push(source.into());
        self
    }
}

/// The announcements of one contest: the register and the bulletins in order, as read from a
/// bulletins file with `io::read_announcements` (feature `serde`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Announcements {
    /// What this file is, where it comes from.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub about: Option<String>,
    /// The register.
    #[cfg_attr(feature = "serde", serde(default))]
    pub register: Register,
    /// The election's rule (`"rule": {"rule": "absolute_majority", "base": "valid"}`; default
    /// plurality): give it to the audit with [`AuditOptions::with_rule`](crate::audit::AuditOptions::with_rule).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "is_plurality")
    )]
    pub rule: super::rule::OutcomeRule,
    /// The bulletins, oldest first.
    pub bulletins: Vec<Bulletin>,
}

impl Announcements {
    /// The register and bulletins of a contest.
    pub fn new(register: Register, bulletins: Vec<Bulletin>) -> Self {
        Announcements {
            about: None,
            register,
            rule: super::rule::OutcomeRule::Plurality,
            bulletins,
        }
    }

    /// With the election's rule.
    #[must_use]
    pub fn with_rule(mut self, rule: super::rule::OutcomeRule) -> Self {
        self.rule = rule;
        self
    }

    /// Checks that every bulletin announces something ([`Bulletin::validate`]) and that the rule
    /// is sound ([`OutcomeRule::validate`](super::rule::OutcomeRule::validate)).
    ///
    /// # Errors
    ///
    /// The first bulletin's error, with its label; the rule's.
    pub fn validate(&self) -> crate::Result<()> {
        self.bulletins.iter().try_for_each(Bulletin::validate)?;
        self.rule.validate()
    }
}

#[cfg(feature = "serde")]
fn is_plurality(rule: &super::rule::OutcomeRule) -> bool {
    *rule == super::rule::OutcomeRule::Plurality
}

/// Counts in JSON: whole numbers from 0 to `u64::MAX`, with a message that says so for anything
/// else (`serde_json` reads 2^64 as a float, and would say "floating point").
#[cfg(feature = "serde")]
mod count {
    use serde::Deserializer;
    use serde::de::{Error, Visitor};
    use std::fmt;

    struct Count;

    const WHAT: &str = "a count: a whole number from 0 to 18446744073709551615";

    impl Visitor<'_> for Count {
        type Value = u64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(WHAT)
        }

        fn visit_u64<E: Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }

        fn visit_i64<E: Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom(format!("{v} is negative; expected {WHAT}")))
        }

        fn visit_f64<E: Error>(self, v: f64) -> Result<u64, E> {
            Err(E::custom(if v.fract() == 0.0 && v > 0.0 {
                format!("{v:e} is too large; expected {WHAT}")
            } else {
                format!("{v} is not whole; expected {WHAT}")
            }))
        }
    }

    pub(super) fn one<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        d.deserialize_any(Count)
    }

    pub(super) fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        struct Optional;
        impl<'de> Visitor<'de> for Optional {
            type Value = Option<u64>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(WHAT)
            }

            fn visit_none<E: Error>(self) -> Result<Option<u64>, E> {
                Ok(None)
            }

            fn visit_unit<E: Error>(self) -> Result<Option<u64>, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<u64>, D::Error> {
                one(d).map(Some)
            }
        }
        d.deserialize_option(Optional)
    }
}
