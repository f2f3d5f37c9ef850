//! The typed result of an audit: findings with stable codes, and the figures computed.
//!
//! # Finding codes
//!
//! Codes are stable: a code keeps its meaning, its severity and the keys of its numbers across
//! versions, and new checks get new codes. In code they are the [`Code`] enum; in text and JSON
//! the short string. The numbers of a finding are named by the keys in the last column (a key
//! with `?` may be absent; a finding never carries a key its row does not list).
//!
//! | code | severity | numbers | meaning |
//! |---|---|---|---|
//! | `S001` | error | `left`, `right` | a sheet breaks a rule of its form (`valid == sum(candidates)`, ...); the two sides of the rule |
//! | `S002` | error | `voters`, `electors` | a sheet has more voters than electors (turnout over 100%) |
//! | `S003` | warning | `voters`, `electors` | a sheet has exactly as many voters as electors (turnout of 100%) |
//! | `S004` | warning | `votes` | one candidate has every valid vote of a sheet |
//! | `S005` | warning | `null`, `voters`, `threshold_percent` | a sheet's null votes are above the threshold share of its voters |
//! | `S006` | warning | `blank`, `voters`, `threshold_percent` | a sheet's blank votes are above the threshold share of its voters |
//! | `S007` | info | - | a sheet records no votes at all |
//! | `D001` | info | - | a table was read twice with identical numbers |
//! | `D002` | error | - | a table was read twice with different numbers (a conflict) |
//! | `D003` | warning | - | a sheet's table is not in the register of tables |
//! | `D004` | info | `tables`, `first` | tables of the register have no sheet (one finding with their number, and the first five) |
//! | `D005` | warning | `on_sheet`, `registered` | a sheet's electors differ from the register's for its table |
//! | `D006` | error | `registered`, `on_sheets` | the register counts fewer tables or electors than the sheets hold (the wrong register?) |
//! | `C001` | info | `tables` | tables only in the first of two readings (one finding with their number) |
//! | `C002` | info | `tables` | tables only in the second of two readings (one finding with their number) |
//! | `C003` | warning | `fields`, `changes` | the two readings of a table differ: how many fields, and each as `EG: 10 -> 12` |
//! | `C004` | warning | `tables_in_common`, `example_only_in_first`, `example_only_in_second` | the two readings share almost no table (under a tenth of the smaller): keys written differently? |
//! | `B001` | error | `sum_of_counts`, `valid`, `difference` | a bulletin's counts do not add up to its valid votes |
//! | `B002` | error | `parts`, `voters` | a bulletin's valid, null and blank votes do not add up to its voters |
//! | `B003` | error | `voters`, `electors?`, `electors_counted?` | a bulletin announces more voters than electors (one finding per figure exceeded) |
//! | `B004` | warning | `printed`, `exact`, `count`, `denominator`, `base` | a printed percentage is reproduced by no rounding rule of its declared base, or of any base the bulletin gives (`base` is the one shown) |
//! | `B005` | warning | `sum`, `tolerance` | the printed percentages add up to more than rounding can explain |
//! | `B006` | warning | `printed`, `voters`, `implied_electors_from?`, `implied_electors_to?` | the printed turnout is reproduced by no electors figure |
//! | `B007` | warning | - | a bulletin names a subject that is neither a candidate nor a known group |
//! | `B008` | error | - | a bulletin, or the sequence of bulletins, could not be checked (the message says why: a sum past 2^64, ...); the other checks ran |
//! | `R001` | critical | `total`, `step`, `probability`, `largest_residual` | the counts are round percentages of their total (fabrication signature); `probability` is approximate |
//! | `F001` | critical | `announced`, `least_possible`, `most_possible?`, `gap`, `false_sheets?`, `false_sheets_exact` | an announced count is below what the sheets allow; `false_sheets` is absent when no number of false sheets explains it |
//! | `F002` | critical | `announced`, `least_possible`, `most_possible?`, `gap`, `false_sheets?`, `false_sheets_exact` | an announced count is above what the sheets and register allow |
//! | `F003` | info | - | a bound could not be computed (missing register figure or electors, a share's base missing on the sheets) |
//! | `F004` | error | `coverage` | the printed coverage matches no whole number of the register's tables (or electors): the claim is impossible as printed |
//! | `F005` | critical | `printed`, `least_possible`, `most_possible?`, `base`, `false_sheets?`, `false_sheets_exact` | a share printed without a count is below the range of shares any qualifying choice of tables gives (`false_sheets` at least) |
//! | `F006` | critical | `printed`, `least_possible`, `most_possible?`, `base`, `false_sheets?`, `false_sheets_exact` | a share printed without a count is above that range |
//! | `O001` | info | `closest_rival?`, `margin?`, `tie_turnout_percent?`, `outcome?`, `votes_to_change?`, `sheets_to_change?` | the sheets settle the outcome of the election's rule whatever the uncollected tables hold (`Robustness::findings` gives the plurality keys, the audit the rule's) |
//! | `O002` | warning | `closest_rival?`, `margin?`, `tie_turnout_percent?`, `outcome?`, `votes_to_change?`, `sheets_to_change?` | the uncollected tables could still change the outcome |
//! | `O003` | critical | `announced`, `on_sheets` | a bulletin's figures give an outcome the sheets rule out, whatever the uncollected tables hold |
//! | `Q001` | error | `from`, `to`, `change?` | a count (or a bulletin's electors, voters, ...) decreases from one bulletin to the next |
//! | `Q002` | error | `votes_added`, `electors_added_at_most` | the votes added between two bulletins exceed the electors the added coverage holds |
//! | `X001` | info | `n`, `mean`, `expected_mean`, `statistic`, `p_value` | the second digits of a field's counts depart from Benford's second-digit law |
//! | `X002` | warning | `n`, `mean`, `statistic`, `p_value` | the last digits of a field's counts (with enough digits) are not uniform |
//! | `X003` | warning | `n`, `zero_or_five`, `share`, `p_value` | more of a field's counts end in 0 or 5 than uniform digits give |
//! | `X004` | warning | `n`, `extremes_p`, `non_adjacent_p`, `combined_p` | Beber and Scacco's last-digit tests: a digit too frequent, another too rare, too few non-adjacent last pairs |
//! | `X005` | warning | `observed`, `expected`, `excess`, `z`, `null_upper`, `p_value` | more tables on an integer percentage (turnout, the leader's share, or either) than the exact binomial null allows |
//! | `X006` | info | `correlation`, `threshold`, `tables` | turnout and the leader's share move together over the tables (correlation weighted by electors at or above a threshold the user gives; a rule of thumb) |
//! | `X007` | info | `incremental`, `extreme`, `alpha`, `distance`, `fair_distance` | Klimek et al.'s fraud model fits the leader's share histogram better with fraud (on at least 2% of tables by default) than without |
//! | `L001` | warning | `counted_as`, `taint`, `times_drawn` | a table drawn in a risk-limiting audit: its sheet gives a winner a smaller margin than the report (`counted_as` votes; `taint` is approximate) |
//! | `L002` | info | `counted_as`, `times_drawn` | a drawn table's sheet differs from the report without overstating a winner's margin |
//! | `L003` | error | `times_drawn` | a drawn table's sheet cannot be found: it counts as wrong as it can be |
//! | `L004` | info | `risk`, `risk_limit`, `draws` | the risk-limiting audit confirms the reported outcome (`risk` is approximate) |
//! | `L005` | warning | `risk`, `risk_limit`, `more` | the risk is above the limit: draw `more` tables |
//! | `L006` | error | `risk`, `risk_limit`, `tables` | only a full count of the sheets can confirm the reported outcome |
//! | `L007` | error | `on_paper`, `reported` | a drawn table's sheet shows more ballots than the report that bounds its error |
//! | `L008` | critical | `reported`, `on_paper` | a full count of the sheets gives another outcome than the report |
//!
//! # JSON
//!
//! With the `serde` feature, an [`AuditReport`](crate::audit::AuditReport) serialises to JSON and
//! reads back equal (`AuditReport::from_json`). The
//! format is a contract, versioned by [`SCHEMA_VERSION`]: every decimal is a string that keeps
//! its scale (`"51.20"`), whatever serde features another crate enables on `rust_decimal`; every
//! [`Value`] is tagged with its kind (`{"int": 42}`, `{"decimal": "42.50"}`, `{"text": "B"}`);
//! a finding's numbers are an object keyed as in the table above.

mod code;
#[cfg(feature = "serde")]
pub(crate) mod decimal;
#[cfg(feature = "serde")]
mod numbers;
mod text;
mod verdict;

use std::fmt;

use rust_decimal::Decimal;

pub use code::Code;
pub use verdict::Statement;

/// The version of the JSON report format ([`AuditReport`](crate::audit::AuditReport)'s
/// `schema_version`). It grows when a report of this version could not be read as before: a key
/// renamed or removed, a value of another kind. Adding a field, a code or a key does not change it.
pub const SCHEMA_VERSION: u32 = 1;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Severity {
    /// Worth knowing; not a problem by itself.
    Info,
    /// Unusual; worth a look.
    Warning,
    /// Arithmetic that cannot be right.
    Error,
    /// The announced result cannot be true as announced.
    Critical,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
        })
    }
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Subject {
    /// The whole set of sheets.
    Set,
    /// One sheet.
    Sheet {
        /// Its index in the set.
        index: usize,
        /// Its table id.
        table: String,
    },
    /// A candidate or group, across the set.
    Candidate {
        /// Its code.
        code: String,
    },
    /// A bulletin as a whole.
    Bulletin {
        /// Its label.
        label: String,
    },
    /// One announced count of a bulletin.
    BulletinCount {
        /// The bulletin's label.
        label: String,
        /// The count's subject (a candidate code or group).
        subject: String,
    },
    /// One count field across the set: a ballot line's code, or `electors`, `voters`,
    /// `valid`, `null`, `blank`.
    Field {
        /// The field's name.
        field: String,
    },
    /// Two successive bulletins.
    BulletinPair {
        /// The earlier bulletin's label.
        from: String,
        /// The later bulletin's label.
        to: String,
    },
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Set => f.write_str("the sheets"),
            Subject::Sheet { table, .. } => write!(f, "table {table}"),
            Subject::Candidate { code } => write!(f, "{code}"),
            Subject::Bulletin { label } => write!(f, "{label}"),
            Subject::BulletinCount { label, subject } => write!(f, "{label}, {subject}"),
            Subject::BulletinPair { from, to } => write!(f, "{from} to {to}"),
            Subject::Field { field } => write!(f, "field {field}"),
        }
    }
}

/// A number in a finding: exact integers and decimals, an approximate statistic, a yes or no,
/// or a short text.
///
/// In JSON a value is tagged with its kind, so that a decimal and a text stay apart:
/// `{"int": 42}`, `{"decimal": "42.50"}` (a string, keeping its scale), `{"approx": 1.2e-9}`,
/// `{"bool": true}`, `{"text": "B"}`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Value {
    /// An exact integer (counts, differences).
    Int(i128),
    /// An exact decimal (percentages, residuals).
    Decimal(#[cfg_attr(feature = "serde", serde(with = "decimal"))] Decimal),
    /// An approximate statistic (a probability), documented as approximate where computed.
    Approx(f64),
    /// A yes or no (whether a figure is exact or a bound).
    Bool(bool),
    /// A short text (a rule, a list of rounding rules).
    Text(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(v) => f.write_str(&thousands(*v)),
            Value::Decimal(d) => write!(f, "{d}"),
            Value::Approx(x) => write!(f, "{x:.3e}"),
            Value::Bool(b) => f.write_str(if *b { "yes" } else { "no" }),
            Value::Text(s) => f.write_str(s),
        }
    }
}

impl Value {
    /// The value as an integer, when it is one.
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The value as a decimal, when it is one.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Decimal(d) => Some(*d),
            _ => None,
        }
    }

    /// The value as an approximate number, when it is one.
    pub fn as_approx(&self) -> Option<f64> {
        match self {
            Value::Approx(x) => Some(*x),
            _ => None,
        }
    }

    /// The value as a yes or no, when it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as text, when it is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

macro_rules! value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(i128::from(v))
            }
        }
    )*};
}

value_from_int!(u32, u64, i64, i128);

impl From<usize> for Value {
    fn from(v: usize) -> Self {
        // usize is at most 64 bits on every platform Rust supports.
        Value::Int(v as i128)
    }
}

impl From<Decimal> for Value {
    fn from(v: Decimal) -> Self {
        Value::Decimal(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Approx(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

/// `1234567` as `1,234,567` (and `-1,234` for negatives).
pub(crate) fn thousands(n: impl TryInto<i128>) -> String {
    let n: i128 = n.try_into().unwrap_or(i128::MAX);
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One thing an audit found: a stable code, its severity, what it is about, a sentence, and the
/// numbers on each side, under the keys its code documents.
///
/// # Example
///
/// ```
/// use actas::report::{Code, Finding, Severity, Subject};
///
/// let f = Finding::new(Code::AnnouncedBelowSheets, Subject::Candidate { code: "EG".into() }, "below")
///     .with("gap", 139_854u64);
/// assert_eq!(f.severity, Severity::Critical);
/// assert_eq!(f.number("gap").and_then(|v| v.as_int()), Some(139_854));
/// assert_eq!(f.to_string(), "F001 critical EG: below (gap 139,854)");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Finding {
    /// The stable code.
    pub code: Code,
    /// How much it matters: always its code's [`Code::severity`].
    pub severity: Severity,
    /// What it is about.
    pub subject: Subject,
    /// One readable sentence, lowercase, without a trailing period.
    pub message: String,
    /// The numbers behind it, under the keys its code lists ([`Code::keys`]), in that order.
    /// In JSON, an object: `{"announced": {"int": 5150092}, ...}`.
    #[cfg_attr(feature = "serde", serde(with = "numbers"))]
    pub numbers: Vec<(String, Value)>,
}

impl Finding {
    /// A finding with no numbers yet; its severity is its code's.
    pub fn new(code: Code, subject: Subject, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity: code.severity(),
            subject,
            message: message.into(),
            numbers: Vec::new(),
        }
    }

    /// With one more number, under `key`.
    ///
    /// # Panics
    ///
    /// In debug builds, when `key` is not one of [`Code::keys`] of the finding's code: the keys
    /// are a contract of the report format.
    #[must_use]
    pub fn with(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        debug_assert!(
            self.code.keys().contains(&key),
            "{}: key {key} is not in the code table",
            self.code
        );
        self.numbers.push((key.to_owned(), value.into()));
        self
    }

    /// The number under `key`.
    pub fn number(&self, key: &str) -> Option<&Value> {
        self.numbers.iter().find(|(n, _)| n == key).map(|(_, v)| v)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:<8} {}: {}",
            self.code, self.severity, self.subject, self.message
        )?;
        if !self.numbers.is_empty() {
            f.write_str(" (")?;
            for (i, (n, v)) in self.numbers.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{} {v}", n.replace('_', " "))?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// Puts findings in the report order: most severe first, then by code, then by subject, then by
/// message; the order is deterministic whatever order the checks ran in.
pub(crate) fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (-1_234_567, "-1,234,567"),
            (100_000, "100,000"),
        ] {
            assert_eq!(thousands(n), s);
        }
    }

    #[test]
    fn findings_sort_by_severity_then_code() {
        let mut v = vec![
            Finding::new(Code::NoVotes, Subject::Set, "b"),
            Finding::new(Code::AnnouncedBelowSheets, Subject::Set, "a"),
            Finding::new(Code::CountsMissValid, Subject::Set, "c"),
            Finding::new(
                Code::CountsMissValid,
                Subject::Candidate { code: "A".into() },
                "c",
            ),
        ];
        sort_findings(&mut v);
        let codes: Vec<_> = v.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["F001", "B001", "B001", "S007"]);
        assert_eq!(v[1].subject, Subject::Set);
        assert_eq!(v[0].severity, Severity::Critical);
        let shown = Finding::new(
            Code::AnnouncedBelowSheets,
            Subject::Candidate { code: "EG".into() },
            "below",
        )
        .with("least_possible", 1u64)
        .with("gap", 139_854u64)
        .to_string();
        assert_eq!(
            shown,
            "F001 critical EG: below (least possible 1, gap 139,854)"
        );
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "key gap is not in the code table")]
    fn a_key_outside_the_code_table_is_refused_in_debug_builds() {
        let _ = Finding::new(Code::NoVotes, Subject::Set, "x").with("gap", 1u64);
    }
}
