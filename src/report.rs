//! The typed result of an audit: findings with stable codes, and the figures computed.
//!
//! # Finding codes
//!
//! Codes are stable: a code keeps its meaning across versions, and new checks get new codes.
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `S001` | error | a sheet breaks a rule of its form (`valid == sum(candidates)`, ...) |
//! | `S002` | error | a sheet has more voters than electors (turnout over 100%) |
//! | `S003` | warning | a sheet has exactly as many voters as electors (turnout of 100%) |
//! | `S004` | warning | one candidate has every valid vote of a sheet |
//! | `S005` | warning | a sheet's null votes are above the threshold share of its voters |
//! | `S006` | warning | a sheet's blank votes are above the threshold share of its voters |
//! | `S007` | info | a sheet records no votes at all |
//! | `D001` | info | a table was read twice with identical numbers |
//! | `D002` | error | a table was read twice with different numbers (a conflict) |
//! | `D003` | warning | a sheet's table is not in the register of tables |
//! | `D004` | info | tables of the register have no sheet (one finding with their number) |
//! | `D005` | warning | a sheet's electors differ from the register's for its table |
//! | `D006` | error | the register counts fewer tables or electors than the sheets hold (the wrong register?) |
//! | `C001` | info | tables only in the first of two readings (one finding with their number) |
//! | `C002` | info | tables only in the second of two readings (one finding with their number) |
//! | `C003` | warning | the two readings of a table differ |
//! | `C004` | warning | the two readings share almost no table (under a tenth of the smaller): keys written differently? |
//! | `B001` | error | a bulletin's counts do not add up to its valid votes |
//! | `B002` | error | a bulletin's valid, null and blank votes do not add up to its voters |
//! | `B003` | error | a bulletin announces more voters than electors |
//! | `B004` | warning | a printed percentage is reproduced by no rounding rule |
//! | `B005` | warning | the printed percentages add up to more than rounding can explain |
//! | `B006` | warning | the printed turnout is reproduced by no electors figure |
//! | `B007` | warning | a bulletin names a subject that is neither a candidate nor a known group |
//! | `B008` | error | a bulletin, or the sequence of bulletins, could not be checked (the message says why: a sum past 2^64, ...); the other checks ran |
//! | `R001` | critical | the counts are round percentages of their total (fabrication signature) |
//! | `F001` | critical | an announced count is below what the sheets allow |
//! | `F002` | critical | an announced count is above what the sheets allow |
//! | `F003` | info | a bound could not be computed (missing register figure or electors) |
//! | `F004` | error | the printed coverage matches no whole number of the register's tables (or electors): the claim is impossible as printed |
//! | `O001` | info | the sheets settle the outcome whatever the uncollected tables hold |
//! | `O002` | warning | the uncollected tables could still change the leader |
//! | `Q001` | error | a count decreases from one bulletin to the next |
//! | `Q002` | error | the votes added between two bulletins exceed the electors the added coverage holds |

use std::fmt;

use rust_decimal::Decimal;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
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
        }
    }
}

/// A number in a finding: exact integers and decimals, or an approximate statistic.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum Value {
    /// An exact integer (counts, differences).
    Int(i128),
    /// An exact decimal (percentages, residuals).
    Decimal(Decimal),
    /// An approximate statistic (a probability), documented as approximate where computed.
    Approx(f64),
    /// A short text (a rule, a list of rounding rules).
    Text(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(v) => f.write_str(&thousands(*v)),
            Value::Decimal(d) => write!(f, "{d}"),
            Value::Approx(x) => write!(f, "{x:.3e}"),
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
}

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Int(i128::from(v))
    }
}

impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(i128::from(v))
    }
}

impl From<usize> for Value {
    fn from(v: usize) -> Self {
        Value::Int(v as i128)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(i128::from(v))
    }
}

impl From<i128> for Value {
    fn from(v: i128) -> Self {
        Value::Int(v)
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
///
/// # Example
///
/// ```
/// assert_eq!(actas::report::thousands(7_156_462), "7,156,462");
/// assert_eq!(actas::report::thousands(-1_000), "-1,000");
/// ```
pub fn thousands(n: impl TryInto<i128>) -> String {
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

/// One thing an audit found: a stable code, a severity, what it is about, a sentence, and the
/// numbers on each side.
///
/// Invariant: `code` is one of the codes in the [module table](self); `numbers` names each value.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Finding {
    /// The stable code (`"F001"`).
    pub code: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// What it is about.
    pub subject: Subject,
    /// One readable sentence, lowercase, without a trailing period.
    pub message: String,
    /// The numbers behind it, named.
    pub numbers: Vec<(String, Value)>,
}

impl Finding {
    /// A finding with no numbers yet.
    pub fn new(
        code: &'static str,
        severity: Severity,
        subject: Subject,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            severity,
            subject,
            message: message.into(),
            numbers: Vec::new(),
        }
    }

    /// With one more named number.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.numbers.push((name.into(), value.into()));
        self
    }

    /// The number named `name`.
    pub fn number(&self, name: &str) -> Option<&Value> {
        self.numbers.iter().find(|(n, _)| n == name).map(|(_, v)| v)
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
                write!(f, "{n} {v}")?;
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
            .then_with(|| a.code.cmp(b.code))
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
            (-1234567, "-1,234,567"),
            (100000, "100,000"),
        ] {
            assert_eq!(thousands(n), s);
        }
    }

    #[test]
    fn findings_sort_by_severity_then_code() {
        let mut v = vec![
            Finding::new("S007", Severity::Info, Subject::Set, "b"),
            Finding::new("F001", Severity::Critical, Subject::Set, "a"),
            Finding::new("B001", Severity::Error, Subject::Set, "c"),
            Finding::new(
                "B001",
                Severity::Error,
                Subject::Candidate { code: "A".into() },
                "c",
            ),
        ];
        sort_findings(&mut v);
        let codes: Vec<_> = v.iter().map(|f| f.code).collect();
        assert_eq!(codes, ["F001", "B001", "B001", "S007"]);
        assert_eq!(v[1].subject, Subject::Set);
        let shown = Finding::new(
            "F001",
            Severity::Critical,
            Subject::Candidate { code: "EG".into() },
            "below",
        )
        .with("gap", 139_854u64)
        .to_string();
        assert_eq!(shown, "F001 critical EG: below (gap 139,854)");
    }
}
