//! The finding codes: one table gives each code its string, severity, meaning and the keys of
//! its numbers, and everything else (the enum, parsing, the docs table test) comes from it.

use std::fmt;
use std::str::FromStr;

use super::Severity;
use crate::error::Error;

macro_rules! codes {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $code:literal, $severity:ident, [$($key:literal),* $(,)?];
    )*) => {
        /// The stable code of a finding: what kind of thing was found.
        ///
        /// Each code keeps its meaning, its severity and the keys of its numbers across
        /// versions; new checks get new codes (so the enum is `#[non_exhaustive]`). A code
        /// displays, parses and serialises as its short string (`"F001"`); the table of codes,
        /// with the keys of each one's numbers, is in the [module docs](crate::report).
        ///
        /// # Example
        ///
        /// ```
        /// use actas::report::{Code, Severity};
        ///
        /// let code: Code = "F001".parse()?;
        /// assert_eq!(code, Code::AnnouncedBelowSheets);
        /// assert_eq!(code.to_string(), "F001");
        /// assert_eq!(code.severity(), Severity::Critical);
        /// assert!(code.keys().contains(&"least_possible"));
        /// assert!("F0001".parse::<Code>().is_err());
        /// # Ok::<(), actas::Error>(())
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $(
                $(#[$doc])*
                #[doc = concat!("\n\nCode `", $code, "`, severity ", stringify!($severity), "; numbers: ", $("`", $key, "` ",)* ".")]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The short string (`"F001"`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// How much a finding of this code matters; every finding of a code has its
            /// code's severity.
            pub const fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// The keys a finding of this code may carry numbers under, in their order. A key
            /// marked optional in the table may be absent; no other key appears.
            pub const fn keys(self) -> &'static [&'static str] {
                match self {
                    $(Code::$variant => &[$($key),*],)*
                }
            }
        }
    };
}

codes! {
    /// A sheet breaks a rule of its form (`valid == sum(candidates)`, ...).
    RuleBroken = "S001", Error, ["left", "right"];
    /// A sheet has more voters than electors (turnout over 100%).
    MoreVotersThanElectors = "S002", Error, ["voters", "electors"];
    /// A sheet has exactly as many voters as electors (turnout of 100%).
    EveryElectorVoted = "S003", Warning, ["voters", "electors"];
    /// One candidate has every valid vote of a sheet.
    OneCandidateTakesAll = "S004", Warning, ["votes"];
    /// A sheet's null votes are above the threshold share of its voters.
    NullAboveThreshold = "S005", Warning, ["null", "voters", "threshold_percent"];
    /// A sheet's blank votes are above the threshold share of its voters.
    BlankAboveThreshold = "S006", Warning, ["blank", "voters", "threshold_percent"];
    /// A sheet records no votes at all.
    NoVotes = "S007", Info, [];
    /// A table was read twice with identical numbers.
    RepeatIdentical = "D001", Info, [];
    /// A table was read twice with different numbers (a conflict).
    RepeatConflicting = "D002", Error, [];
    /// A sheet's table is not in the register of tables.
    TableNotRegistered = "D003", Warning, [];
    /// Tables of the register have no sheet (one finding with their number).
    RegisteredWithoutSheet = "D004", Info, ["tables", "first"];
    /// A sheet's electors differ from the register's for its table.
    ElectorsDifferFromRegister = "D005", Warning, ["on_sheet", "registered"];
    /// The register counts fewer tables or electors than the sheets hold (the wrong register?).
    RegisterSmallerThanSheets = "D006", Error, ["registered", "on_sheets"];
    /// Tables only in the first of two readings (one finding with their number).
    OnlyInFirstReading = "C001", Info, ["tables"];
    /// Tables only in the second of two readings (one finding with their number).
    OnlyInSecondReading = "C002", Info, ["tables"];
    /// The two readings of a table differ.
    ReadingsDiffer = "C003", Warning, ["fields", "changes"];
    /// The two readings share almost no table (under a tenth of the smaller): keys written
    /// differently?
    ReadingsBarelyOverlap = "C004", Warning, ["tables_in_common", "example_only_in_first", "example_only_in_second"];
    /// A bulletin's counts do not add up to its valid votes.
    CountsMissValid = "B001", Error, ["sum_of_counts", "valid", "difference"];
    /// A bulletin's valid, null and blank votes do not add up to its voters.
    PartsMissVoters = "B002", Error, ["parts", "voters"];
    /// A bulletin announces more voters than electors (or than electors counted).
    AnnouncedMoreVotersThanElectors = "B003", Error, ["voters", "electors", "electors_counted"];
    /// A printed percentage is reproduced by no rounding rule.
    PercentNotReproduced = "B004", Warning, ["printed", "exact", "count", "denominator", "base"];
    /// The printed percentages add up to more than rounding can explain.
    PercentSumOff = "B005", Warning, ["sum", "tolerance"];
    /// The printed turnout is reproduced by no electors figure.
    TurnoutNotReproduced = "B006", Warning, ["printed", "voters", "implied_electors_from", "implied_electors_to"];
    /// A bulletin names a subject that is neither a candidate nor a known group.
    UnknownSubject = "B007", Warning, [];
    /// A bulletin, or the sequence of bulletins, could not be checked (the message says why: a
    /// sum past 2^64, ...); the other checks ran.
    NotCheckable = "B008", Error, [];
    /// The counts are round percentages of their total (fabrication signature).
    RoundPercentages = "R001", Critical, ["total", "step", "probability", "largest_residual"];
    /// An announced count is below what the sheets allow.
    AnnouncedBelowSheets = "F001", Critical, ["announced", "least_possible", "most_possible", "gap", "false_sheets", "false_sheets_exact"];
    /// An announced count is above what the sheets and the register allow.
    AnnouncedAboveSheets = "F002", Critical, ["announced", "least_possible", "most_possible", "gap", "false_sheets", "false_sheets_exact"];
    /// A bound could not be computed (missing register figure or electors).
    NoBounds = "F003", Info, [];
    /// The printed coverage matches no whole number of the register's tables (or electors):
    /// the claim is impossible as printed.
    ImpossibleCoverage = "F004", Error, ["coverage"];
    /// A share printed without a count is below what any qualifying choice of tables gives.
    ShareBelowSheets = "F005", Critical, ["printed", "least_possible", "most_possible", "base", "false_sheets", "false_sheets_exact"];
    /// A share printed without a count is above what any qualifying choice of tables gives.
    ShareAboveSheets = "F006", Critical, ["printed", "least_possible", "most_possible", "base", "false_sheets", "false_sheets_exact"];
    /// The sheets settle the outcome whatever the uncollected tables hold.
    OutcomeSettled = "O001", Info, ["closest_rival", "margin", "tie_turnout_percent", "outcome", "votes_to_change", "sheets_to_change"];
    /// The uncollected tables could still change the outcome.
    OutcomeOpen = "O002", Warning, ["closest_rival", "margin", "tie_turnout_percent", "outcome", "votes_to_change", "sheets_to_change"];
    /// A bulletin's figures give an outcome the sheets rule out, whatever the uncollected
    /// tables hold.
    OutcomeContradicted = "O003", Critical, ["announced", "on_sheets"];
    /// A count decreases from one bulletin to the next.
    CountDecreases = "Q001", Error, ["from", "to", "change"];
    /// The votes added between two bulletins exceed the electors the added coverage holds.
    AddedVotesExceedElectors = "Q002", Error, ["votes_added", "electors_added_at_most"];
    /// The second digits of a field's counts depart from Benford's second-digit law (a
    /// benchmark, not a law of counts: evidence to look closer).
    SecondDigitDeparts = "X001", Info, ["n", "mean", "expected_mean", "statistic", "p_value"];
    /// The last digits of a field's counts (with enough digits) are not uniform.
    LastDigitDeparts = "X002", Warning, ["n", "mean", "statistic", "p_value"];
    /// More of a field's counts end in 0 or 5 than the fifth uniform digits give.
    ZeroOrFiveExcess = "X003", Warning, ["n", "zero_or_five", "share", "p_value"];
    /// Beber and Scacco's last-digit tests: a digit too frequent, another too rare, too few
    /// non-adjacent last pairs.
    LastDigitsBeberScacco = "X004", Warning, ["n", "extremes_p", "non_adjacent_p", "combined_p"];
    /// More tables on an integer percentage (turnout, the leader's share, or either) than the
    /// exact binomial null allows; `null_upper` is the null's 99.9th percentile.
    IntegerPercentExcess = "X005", Warning, ["observed", "expected", "excess", "z", "null_upper", "p_value"];
    /// Turnout and the leader's share move together over the tables: a correlation, weighted
    /// by electors, at or above the threshold (a rule of thumb, not a test).
    TurnoutShareCorrelation = "X006", Info, ["correlation", "threshold", "tables"];
    /// Klimek et al.'s fraud model fits the leader's share histogram better with fraud than
    /// without.
    FraudModelFits = "X007", Info, ["incremental", "extreme", "alpha", "distance", "fair_distance"];
    /// A table drawn in a risk-limiting audit: its sheet gives a winner a smaller margin than the
    /// report (an overstatement, which raises the risk).
    SampledOverstatement = "L001", Warning, ["counted_as", "taint", "times_drawn"];
    /// A table drawn in a risk-limiting audit: its sheet differs from the report without
    /// overstating a winner's margin.
    SampledUnderstatement = "L002", Info, ["counted_as", "times_drawn"];
    /// A drawn table's sheet cannot be found: it counts as wrong as it can be.
    SheetNotFound = "L003", Error, ["times_drawn"];
    /// The risk-limiting audit confirms the reported outcome: the risk is at or below the
    /// limit.
    RiskLimitMet = "L004", Info, ["risk", "risk_limit", "draws"];
    /// The risk is above the limit: more tables must be drawn.
    RiskAboveLimit = "L005", Warning, ["risk", "risk_limit", "more"];
    /// Only a full count of the sheets can confirm the reported outcome.
    FullCountNeeded = "L006", Error, ["risk", "risk_limit", "tables"];
    /// A drawn table's sheet shows more ballots (voters or electors) than the report that
    /// bounds its error: the bound does not hold.
    AboveErrorBound = "L007", Error, ["on_paper", "reported"];
    /// A full count of the sheets gives another outcome than the report.
    FullCountOverturns = "L008", Critical, ["reported", "on_paper"];
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Code {
    type Err = Error;

    /// Parses a code's short string (`"F001"`); anything else, `"f001"` and `"F0001"`
    /// included, is an [`Error`] naming the value.
    fn from_str(s: &str) -> Result<Self, Error> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(
                    "finding code",
                    s,
                    "is not a code of the table in actas::report (such as F001)",
                )
            })
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    /// Codes order by their string (`B001` before `C001` before `F001`).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_and_is_unique() {
        for (i, c) in Code::ALL.iter().enumerate() {
            assert_eq!(c.as_str().parse::<Code>().unwrap(), *c);
            assert!(Code::ALL[..i].iter().all(|o| o.as_str() != c.as_str()));
            let keys = c.keys();
            for (j, k) in keys.iter().enumerate() {
                assert!(!keys[..j].contains(k), "{c}: key {k} twice");
                assert!(
                    k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                    "{c}: key {k} is not snake_case"
                );
            }
        }
        for bad in ["", "F0001", "f001", "F01", " F001", "Z001"] {
            let e = bad.parse::<Code>().unwrap_err();
            assert!(e.to_string().contains("finding code"), "{e}");
        }
    }

    /// The table in the module docs is the table of the code: same codes, severities, keys.
    #[test]
    fn the_docs_table_is_the_code_table() {
        let docs = include_str!("mod.rs");
        let rows: Vec<&str> = docs
            .lines()
            .filter_map(|l| l.strip_prefix("//! | `"))
            .collect();
        assert_eq!(rows.len(), Code::ALL.len(), "one row per code");
        for (row, code) in rows.iter().zip(Code::ALL) {
            let cells: Vec<&str> = row.split(" | ").collect();
            assert_eq!(cells[0].trim_end_matches('`'), code.as_str(), "{row}");
            assert_eq!(cells[1], code.severity().to_string(), "{row}");
            let keys: Vec<&str> = cells[2]
                .split(", ")
                .filter(|k| !k.is_empty() && *k != "-")
                .map(|k| k.trim_matches('`').trim_end_matches('?'))
                .collect();
            assert_eq!(keys, code.keys(), "{row}");
        }
    }
}
