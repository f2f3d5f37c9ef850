//! The crate's error type.
//!
//! `Err` is for input that cannot be read at all, for arithmetic overflow and for bad parameters.
//! What an audit *finds* (sums that do not match, a conflicting duplicate, a row with a bad cell)
//! is data, reported in the result of the call, never an `Err`.

use std::fmt;
use std::path::PathBuf;

/// Everything that can stop a call of this crate.
///
/// Messages are lowercase, without a trailing period, and say what, where and why, in the style
/// `line 1207, column RE: "12a" is not a count`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file or stream failed.
    Io {
        /// The file, when the call was given one.
        path: Option<PathBuf>,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The CSV itself could not be parsed (for example a broken quote at the end of input).
    Csv {
        /// The line where the parser stopped, when known.
        line: Option<u64>,
        /// What the CSV parser said.
        message: String,
    },
    /// The input has no header line at all.
    EmptyInput,
    /// A record (a line, or several inside a quoted cell) is longer than the layout allows
    /// ([`Layout::max_record_bytes`](crate::io::Layout::max_record_bytes)): a file without line
    /// ends, or not a CSV of tally sheets.
    RecordTooLong {
        /// The line where the record starts.
        line: u64,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The input has a header line and no data rows.
    NoRows {
        /// The line of the header.
        header_line: u64,
    },
    /// A column the layout needs is not in the header.
    MissingColumn {
        /// The column named by the layout.
        column: String,
        /// What the layout wanted it for (`"key part 1"`, `"field electors"`, `"candidate EG"`).
        role: String,
    },
    /// A column the layout needs appears more than once in the header, so the mapping is ambiguous.
    AmbiguousColumn {
        /// The repeated column name.
        column: String,
    },
    /// A layout is malformed or inconsistent (unknown key, a candidate named twice, a ballot line
    /// mapped to an unknown candidate, ...).
    Layout {
        /// What is wrong, with its place in the file when known.
        message: String,
    },
    /// A JSON document (bulletins, a serialised set) could not be read.
    Json {
        /// What is wrong, with line and column.
        message: String,
    },
    /// A sum does not fit its integer type.
    Overflow {
        /// What was being added up.
        what: String,
    },
    /// A value given to a constructor cannot be (a malformed table id, a percentage over 100, ...).
    InvalidValue {
        /// What kind of value (`"table id"`, `"percentage"`, ...).
        kind: &'static str,
        /// The value as given.
        value: String,
        /// Why it is refused.
        reason: String,
    },
    /// A sheet does not fit the set it is pushed into (wrong number of ballot lines, a geography
    /// path of another set).
    Shape {
        /// What does not fit.
        message: String,
    },
    /// Two values that must describe the same contest do not (different ballot lines).
    Mismatch {
        /// What differs.
        message: String,
    },
    /// A rule names a field that the sheets do not have: not a standard field, a ballot line or
    /// a further field. A rule is never skipped for it: it would be skipped on every sheet.
    UnknownRuleField {
        /// The rule, as text.
        rule: String,
        /// The unknown name.
        name: String,
        /// The names the rule may use.
        known: Vec<String>,
    },
}

impl Error {
    pub(crate) fn invalid(
        kind: &'static str,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidValue {
            kind,
            value: value.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn overflow(what: impl Into<String>) -> Self {
        Error::Overflow { what: what.into() }
    }

    pub(crate) fn layout(message: impl Into<String>) -> Self {
        Error::Layout {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                path: Some(path),
                source,
            } => write!(f, "{}: {source}", path.display()),
            Error::Io { path: None, source } => write!(f, "i/o error: {source}"),
            Error::Csv {
                line: Some(line),
                message,
            } => write!(f, "line {line}: {message}"),
            Error::Csv {
                line: None,
                message,
            } => write!(f, "csv error: {message}"),
            Error::EmptyInput => f.write_str("the input is empty: no header line"),
            Error::NoRows { header_line } => {
                write!(f, "line {header_line}: a header and no data rows")
            }
            Error::MissingColumn { column, role } => {
                write!(
                    f,
                    "header: no column \"{column}\" (the layout names it for {role})"
                )
            }
            Error::AmbiguousColumn { column } => {
                write!(f, "header: column \"{column}\" appears more than once")
            }
            Error::Layout { message } => write!(f, "layout: {message}"),
            Error::Json { message } => write!(f, "json: {message}"),
            Error::Overflow { what } => write!(f, "overflow: {what} does not fit"),
            Error::InvalidValue {
                kind,
                value,
                reason,
            } => write!(f, "{kind} \"{value}\": {reason}"),
            Error::Shape { message } => write!(f, "sheet does not fit the set: {message}"),
            Error::Mismatch { message } => write!(f, "mismatch: {message}"),
            Error::RecordTooLong { line, limit } => write!(
                f,
                "line {line}: a record longer than {limit} bytes (a file without line ends? raise the layout's max_record_bytes if the rows are really this long)"
            ),
            Error::UnknownRuleField { rule, name, known } => write!(
                f,
                "rule \"{rule}\": no field {name:?} (the names are {}, and sum(candidates))",
                known.join(", ")
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Checked sum of `u64` values: overflow is an [`Error::Overflow`] naming `what`.
pub(crate) fn add(a: u64, b: u64, what: &str) -> Result<u64> {
    a.checked_add(b).ok_or_else(|| Error::overflow(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_reports_overflow_with_its_subject() {
        assert_eq!(add(1, 2, "x").unwrap(), 3);
        let err = add(u64::MAX, 1, "total of valid").unwrap_err();
        assert_eq!(err.to_string(), "overflow: total of valid does not fit");
    }

    #[test]
    fn messages_are_lowercase_without_period() {
        let errors = [
            Error::EmptyInput,
            Error::NoRows { header_line: 1 },
            Error::MissingColumn {
                column: "RE".into(),
                role: "field electors".into(),
            },
            Error::invalid("table id", " 1", "has surrounding white space"),
        ];
        for e in errors {
            let s = e.to_string();
            assert!(!s.ends_with('.'), "{s}");
            assert_eq!(
                s.chars().next().unwrap().to_lowercase().next(),
                s.chars().next(),
                "{s}"
            );
        }
    }
}
