//! The crate's error type.
//!
//! `Err` is for input that cannot be read at all, for arithmetic overflow and for bad parameters.
//! What an audit *finds* (sums that do not match, a conflicting duplicate, a row with a bad cell)
//! is data, reported in the result of the call, never an `Err`.
//!
//! [`Error`] is opaque, as csv's and jiff's are: [`Error::kind`](crate::Error::kind) says what went wrong (an
//! [`ErrorKind`], which may gain variants), [`Error::position`](crate::Error::position) where (a [`Position`]: file,
//! line, column, field), and [`std::error::Error::source`] gives the cause when another library
//! reported it (the operating system, the CSV parser, the JSON parser).

use std::fmt;
use std::path::{Path, PathBuf};

/// The cause of an error, when another library reported it.
type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can stop a call of this crate.
///
/// Messages are lowercase, without a trailing period, and say what, where and why, in the style
/// `line 1207, column RE: "12a" is not a count`.
///
/// # Example
///
/// ```
/// use actas::ErrorKind;
/// use actas::io::{read_csv, Layout};
///
/// let layout = Layout::new("c", "table").with_candidate("A", "Ana", "A");
/// let err = read_csv("table,A\n".as_bytes(), &layout).unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::NoRows);
/// assert_eq!(err.position().and_then(|p| p.line()), Some(1));
/// assert_eq!(err.to_string(), "line 1: a header and no data rows");
///
/// // A layout file that is not JSON keeps the JSON parser's error, and its line, as data.
/// # #[cfg(feature = "serde")] {
/// let err = Layout::from_json("{\n  \"contest\": 3\n}").unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::Layout { .. }));
/// assert_eq!(err.position().and_then(|p| p.line()), Some(2));
/// assert!(std::error::Error::source(&err).is_some());
/// # }
/// ```
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    position: Position,
    source: Option<Cause>,
}

/// What went wrong: the data of an [`Error`], without its position and cause.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file or stream failed; the operating system's error is the
    /// [`source`](std::error::Error::source).
    Io,
    /// The CSV itself could not be parsed (for example a broken quote at the end of input).
    Csv {
        /// What the CSV parser said.
        message: String,
    },
    /// The input has no header line at all.
    EmptyInput,
    /// A record (a line, or several inside a quoted cell) is longer than the layout allows
    /// ([`Layout::max_record_bytes`](crate::io::Layout::max_record_bytes)): a file without line
    /// ends, or not a CSV of tally sheets. The position's line is where the record starts.
    RecordTooLong {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The input has a header line and no data rows; the position's line is the header's.
    NoRows,
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
        /// What is wrong.
        message: String,
    },
    /// A JSON document (bulletins, a serialised set, a report) could not be read or written.
    Json {
        /// What is wrong, as the JSON parser said it.
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
        what: &'static str,
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

/// Where an error happened, as far as it is known: the file, the line (1-based, as an editor
/// counts), the column (1-based, for JSON) and the field (a CSV column's name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Position {
    path: Option<PathBuf>,
    line: Option<u64>,
    column: Option<u64>,
    field: Option<String>,
}

impl Position {
    /// The file, when the call was given one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The line, counted from 1.
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The column in the line, counted from 1 (JSON documents).
    pub fn column(&self) -> Option<u64> {
        self.column
    }

    /// The CSV column (header name) or the field of a document.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    fn is_empty(&self) -> bool {
        *self == Position::default()
    }
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// Where it went wrong, when anything is known of it.
    pub fn position(&self) -> Option<&Position> {
        Some(&self.0.position).filter(|p| !p.is_empty())
    }

    /// What went wrong, giving up the position and cause.
    pub fn into_kind(self) -> ErrorKind {
        self.0.kind
    }

    pub(crate) fn new(kind: ErrorKind) -> Self {
        Error(Box::new(Inner {
            kind,
            position: Position::default(),
            source: None,
        }))
    }

    /// Sets the file, unless one is already set (the innermost file is the right one).
    pub(crate) fn with_path(mut self, path: impl AsRef<Path>) -> Self {
        if self.0.position.path.is_none() {
            self.0.position.path = Some(path.as_ref().to_owned());
        }
        self
    }

    /// Sets the file an input error happened in: not for errors of the layout or its rules,
    /// which are not in that file.
    pub(crate) fn in_input(self, path: Option<&Path>) -> Self {
        match (path, &self.0.kind) {
            (None, _) | (_, ErrorKind::Layout { .. } | ErrorKind::UnknownRuleField { .. }) => self,
            (Some(p), _) => self.with_path(p),
        }
    }

    pub(crate) fn at_line(mut self, line: u64) -> Self {
        self.0.position.line = Some(line);
        self
    }

    #[cfg(feature = "serde")]
    pub(crate) fn at_column(mut self, column: u64) -> Self {
        self.0.position.column = Some(column);
        self
    }

    pub(crate) fn at_field(mut self, field: impl Into<String>) -> Self {
        self.0.position.field = Some(field.into());
        self
    }

    pub(crate) fn with_source(mut self, source: impl Into<Cause>) -> Self {
        self.0.source = Some(source.into());
        self
    }

    pub(crate) fn invalid(
        what: &'static str,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Error::new(ErrorKind::InvalidValue {
            what,
            value: value.into(),
            reason: reason.into(),
        })
    }

    pub(crate) fn overflow(what: impl Into<String>) -> Self {
        Error::new(ErrorKind::Overflow { what: what.into() })
    }

    pub(crate) fn layout(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Layout {
            message: message.into(),
        })
    }

    /// An I/O error, of the file `path` when there is one.
    pub(crate) fn io(source: std::io::Error, path: Option<&Path>) -> Self {
        let e = Error::new(ErrorKind::Io).with_source(source);
        match path {
            Some(p) => e.with_path(p),
            None => e,
        }
    }

    /// A CSV parser's error, with its line; an I/O error inside it stays an I/O error.
    pub(crate) fn csv(e: csv::Error, path: Option<&Path>) -> Self {
        let line = e.position().map(csv::Position::line);
        let err = if e.is_io_error() {
            match e.into_kind() {
                csv::ErrorKind::Io(io) => Error::io(io, None),
                _ => unreachable!("is_io_error said so"),
            }
        } else {
            Error::new(ErrorKind::Csv {
                message: csv_message(&e),
            })
            .with_source(e)
        };
        let err = match line {
            Some(l) => err.at_line(l),
            None => err,
        };
        match path {
            Some(p) => err.with_path(p),
            None => err,
        }
    }

    /// A JSON parser's error, with its line and column.
    #[cfg(feature = "serde")]
    pub(crate) fn json(e: serde_json::Error) -> Self {
        Error::from_json_error(
            ErrorKind::Json {
                message: e.to_string(),
            },
            e,
        )
    }

    /// A JSON parser's error in a layout file, with its line and column.
    #[cfg(feature = "serde")]
    pub(crate) fn layout_json(e: serde_json::Error) -> Self {
        Error::from_json_error(
            ErrorKind::Layout {
                message: e.to_string(),
            },
            e,
        )
    }

    #[cfg(feature = "serde")]
    fn from_json_error(kind: ErrorKind, e: serde_json::Error) -> Self {
        let (line, column) = (e.line(), e.column());
        let err = Error::new(kind).with_source(e);
        if line == 0 {
            err
        } else {
            err.at_line(line as u64).at_column(column as u64)
        }
    }
}

/// The CSV parser's message for an error other than I/O, lowercase.
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid utf-8: {err}"),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where {expected_len} were expected"),
        other => format!("{other:?}").to_lowercase(),
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind);
        if !self.0.position.is_empty() {
            d.field("position", &self.0.position);
        }
        if let Some(s) = &self.0.source {
            d.field("source", s);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.0.position;
        let file = |f: &mut fmt::Formatter<'_>| match &p.path {
            Some(path) => write!(f, "{}: ", path.display()),
            None => Ok(()),
        };
        let line = |f: &mut fmt::Formatter<'_>| match p.line {
            Some(l) => write!(f, "line {l}: "),
            None => Ok(()),
        };
        match &self.0.kind {
            ErrorKind::Io => {
                let source = self.0.source.as_deref().map(ToString::to_string);
                let source = source.as_deref().unwrap_or("unknown");
                match &p.path {
                    Some(path) => write!(f, "{}: {source}", path.display()),
                    None => write!(f, "i/o error: {source}"),
                }
            }
            ErrorKind::Csv { message } => {
                file(f)?;
                if p.line.is_none() {
                    f.write_str("csv error: ")?;
                }
                line(f)?;
                f.write_str(message)
            }
            ErrorKind::EmptyInput => {
                file(f)?;
                f.write_str("the input is empty: no header line")
            }
            ErrorKind::NoRows => {
                file(f)?;
                line(f)?;
                f.write_str("a header and no data rows")
            }
            ErrorKind::RecordTooLong { limit } => {
                file(f)?;
                line(f)?;
                write!(
                    f,
                    "a record longer than {limit} bytes (a file without line ends? raise the layout's max_record_bytes if the rows are really this long)"
                )
            }
            ErrorKind::MissingColumn { column, role } => {
                file(f)?;
                write!(
                    f,
                    "header: no column \"{column}\" (the layout names it for {role})"
                )
            }
            ErrorKind::AmbiguousColumn { column } => {
                file(f)?;
                write!(f, "header: column \"{column}\" appears more than once")
            }
            ErrorKind::Layout { message } => {
                f.write_str("layout: ")?;
                file(f)?;
                f.write_str(message)
            }
            ErrorKind::Json { message } => {
                f.write_str("json: ")?;
                file(f)?;
                f.write_str(message)
            }
            ErrorKind::Overflow { what } => {
                file(f)?;
                write!(f, "overflow: {what} does not fit")
            }
            ErrorKind::InvalidValue {
                what,
                value,
                reason,
            } => {
                file(f)?;
                line(f)?;
                write!(f, "{what} \"{value}\": {reason}")
            }
            ErrorKind::Shape { message } => {
                write!(f, "sheet does not fit the set: {message}")
            }
            ErrorKind::Mismatch { message } => write!(f, "mismatch: {message}"),
            ErrorKind::UnknownRuleField { rule, name, known } => {
                file(f)?;
                write!(
                    f,
                    "rule \"{rule}\": no field {name:?} (the names are {}, and sum(candidates))",
                    known.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Checked sum of `u64` values: overflow is an [`ErrorKind::Overflow`] naming `what`.
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
        assert_eq!(
            err.kind(),
            &ErrorKind::Overflow {
                what: "total of valid".into()
            }
        );
        assert!(err.position().is_none());
    }

    #[test]
    fn messages_are_lowercase_without_period() {
        let errors = [
            Error::new(ErrorKind::EmptyInput),
            Error::new(ErrorKind::NoRows).at_line(1),
            Error::new(ErrorKind::MissingColumn {
                column: "RE".into(),
                role: "field electors".into(),
            }),
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

    #[test]
    fn the_position_is_data_and_the_message_shows_it() {
        let e = Error::new(ErrorKind::NoRows)
            .at_line(3)
            .with_path("a.csv")
            .with_path("b.csv");
        assert_eq!(e.to_string(), "a.csv: line 3: a header and no data rows");
        let p = e.position().unwrap();
        assert_eq!(
            (p.path(), p.line(), p.column(), p.field()),
            (Some(Path::new("a.csv")), Some(3), None, None)
        );
        let io = Error::io(std::io::Error::other("disk on fire"), Some(Path::new("x")));
        assert_eq!(io.to_string(), "x: disk on fire");
        assert_eq!(
            std::error::Error::source(&io).unwrap().to_string(),
            "disk on fire"
        );
        assert_eq!(io.into_kind(), ErrorKind::Io);
    }

    #[test]
    fn a_csv_error_keeps_its_cause_and_line() {
        let data = "a,b\n1,2\n3\n";
        let mut rdr = csv::ReaderBuilder::new().from_reader(data.as_bytes());
        let e = rdr
            .records()
            .find_map(std::result::Result::err)
            .expect("a ragged row is an error with a strict reader");
        let err = Error::csv(e, Some(Path::new("f.csv")));
        assert!(matches!(err.kind(), ErrorKind::Csv { .. }));
        assert_eq!(err.position().and_then(Position::line), Some(3));
        assert!(
            std::error::Error::source(&err)
                .unwrap()
                .downcast_ref::<csv::Error>()
                .is_some()
        );
        assert_eq!(
            err.to_string(),
            "f.csv: line 3: 1 fields where 2 were expected"
        );
    }

    #[test]
    fn errors_are_send_sync_and_small() {
        fn send_sync<T: Send + Sync + 'static>() {}
        send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
