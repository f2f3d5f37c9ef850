//! The mapping from a CSV's columns to the model.
//!
//! In files: this one holds the types of a layout; `load` reads, writes and checks a layout and
//! makes the contest, geography and rules it describes.

mod load;

use crate::error::{Error, Result};
use crate::model::{Candidate, Contest, Field, Geography};
use crate::rules::Rule;

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark. Invalid UTF-8 in a text cell rejects the row.
    #[default]
    #[cfg_attr(
        feature = "serde",
        serde(rename = "utf-8", alias = "utf8", alias = "UTF-8")
    )]
    Utf8,
    /// ISO-8859-1: every byte is the character of the same number.
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "latin-1",
            alias = "latin1",
            alias = "iso-8859-1",
            alias = "ISO-8859-1"
        )
    )]
    Latin1,
}

/// Where a count field's value comes from.
///
/// In JSON, a column name (`"VOTANTES"`) or a sum (`{"sum": ["VALIDOS", "NULOS"]}`); any other
/// key next to `sum` is refused with its line and column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
#[non_exhaustive]
pub enum Source {
    /// One column.
    Column(String),
    /// The sum of several columns (for example voters = valid + null when a form has no voters
    /// line); absent when any of them is absent; a sum over `u32::MAX` rejects the row.
    Sum {
        /// The columns added up.
        sum: Vec<String>,
    },
}

impl Source {
    pub(crate) fn columns(&self) -> Vec<&str> {
        match self {
            Source::Column(c) => vec![c.as_str()],
            Source::Sum { sum } => sum.iter().map(String::as_str).collect(),
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Source;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(r#"a column name, or {"sum": [column names]}"#)
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Source, E> {
                Ok(Source::Column(v.to_owned()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Source, A::Error> {
                let mut sum: Option<Vec<String>> = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key != "sum" {
                        return Err(serde::de::Error::unknown_field(&key, &["sum"]));
                    }
                    if sum.is_some() {
                        return Err(serde::de::Error::duplicate_field("sum"));
                    }
                    sum = Some(map.next_value()?);
                }
                let sum = sum.ok_or_else(|| serde::de::Error::missing_field("sum"))?;
                Ok(Source::Sum { sum })
            }
        }
        d.deserialize_any(Visit)
    }
}

impl From<&str> for Source {
    fn from(column: &str) -> Self {
        Source::Column(column.to_owned())
    }
}

/// One part of a table key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct KeyPart {
    /// The column it is read from.
    pub column: String,
    /// Take the cell from this character on (0-based), to build a key from parts of one column.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub start: Option<usize>,
    /// Take this many characters.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub len: Option<usize>,
    /// Left-pad with zeros to this width (a centre code `10113042` written as an integer becomes
    /// `010113042` with a pad of 9).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub pad: Option<usize>,
    /// Whether the part is a number: compared and written canonically, without leading zeros
    /// (`"007"` and `"7"` are one table), then padded if [`KeyPart::pad`] says so. A cell that
    /// is not digits rejects its row. Two sources that write table `01` and `1` match only so.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub numeric: bool,
}

impl KeyPart {
    /// The whole cell of `column`, as it is.
    pub fn column(column: impl Into<String>) -> Self {
        KeyPart {
            column: column.into(),
            start: None,
            len: None,
            pad: None,
            numeric: false,
        }
    }

    /// Read as a number: see [`KeyPart::numeric`].
    #[must_use]
    pub fn numeric(mut self) -> Self {
        self.numeric = true;
        self
    }

    /// Left-padded with zeros to `width`.
    #[must_use]
    pub fn padded(mut self, width: usize) -> Self {
        self.pad = Some(width);
        self
    }
}

/// How a table key is built: its parts joined by a separator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Key {
    /// The parts, in order.
    pub parts: Vec<KeyPart>,
    /// What goes between two parts.
    #[cfg_attr(feature = "serde", serde(default = "default_separator"))]
    pub separator: String,
}

#[cfg(feature = "serde")]
fn default_separator() -> String {
    "-".to_owned()
}

/// One level of geography: its name and the columns of its code and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct GeoLevel {
    /// The level's name (`"state"`).
    pub level: String,
    /// The column of the place's code.
    pub code: String,
    /// The column of the place's name, if there is one.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub name: Option<String>,
    /// Left-pad codes with zeros to this width.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub pad: Option<usize>,
    /// Whether a sheet may have no place at this level while it has one below (a district
    /// filled only in cities): an empty code then means that the place below belongs straight
    /// to the place above. Without it, such a row is rejected (a gap in its geography).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub optional: bool,
}

impl GeoLevel {
    /// A level read from the column `code`, with no name column, padding or option.
    pub fn new(level: impl Into<String>, code: impl Into<String>) -> Self {
        GeoLevel {
            level: level.into(),
            code: code.into(),
            name: None,
            pad: None,
            optional: false,
        }
    }

    /// With the places' names in column `name`.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// An optional level: see [`GeoLevel::optional`].
    #[must_use]
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
}

/// Where each standard count field comes from; a field without a source is absent on every sheet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Fields {
    /// Electors registered.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub electors: Option<Source>,
    /// Voters.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub voters: Option<Source>,
    /// Valid votes.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub valid: Option<Source>,
    /// Null votes.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub null: Option<Source>,
    /// Blank votes.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub blank: Option<Source>,
}

impl Fields {
    /// Each standard field read from the column of its own name (`electors`, `voters`, `valid`,
    /// `null`, `blank`).
    pub fn named_as_fields() -> Self {
        let col = |name: &str| Some(Source::Column(name.to_owned()));
        Fields {
            electors: col("electors"),
            voters: col("voters"),
            valid: col("valid"),
            null: col("null"),
            blank: col("blank"),
        }
    }

    /// The five sources in [`Field::STANDARD`](crate::Field::STANDARD) order.
    pub(crate) fn all(&self) -> [(&'static str, Option<&Source>); 5] {
        [
            ("electors", self.electors.as_ref()),
            ("voters", self.voters.as_ref()),
            ("valid", self.valid.as_ref()),
            ("null", self.null.as_ref()),
            ("blank", self.blank.as_ref()),
        ]
    }
}

/// A candidate and, when the CSV has one column per candidate, that column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct CandidateColumn {
    /// The candidate's code.
    pub code: String,
    /// The candidate's name.
    pub name: String,
    /// The column of the candidate's votes; required unless the layout lists ballot lines.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub column: Option<String>,
}

/// A ballot line (party card), the candidate it carries and its column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct LineColumn {
    /// The line's code.
    pub code: String,
    /// The line's name.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub name: Option<String>,
    /// The code of the candidate it carries.
    pub candidate: String,
    /// The column of its votes.
    pub column: String,
}

/// A further named count field of the form (ballots received, cancelled, spoiled, ...) and
/// where it is read: a column, or a sum of columns like the standard fields
/// (`{"name": "spoiled", "column": {"sum": ["torn", "marked"]}}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ExtraColumn {
    /// The field's name, as rules refer to it (`"ballots_received"`).
    pub name: String,
    /// Its column, or the columns it is the sum of.
    pub column: Source,
}

/// How a CSV of tally sheets maps to the model: built in code or read from a JSON file, so that a
/// new country's CSV needs a layout file, not Rust code.
///
/// Invariant (checked by [`Layout::validate`], which reading calls): the key has at least one
/// part; there are candidates; either every candidate has a column and no ballot lines are
/// listed, or ballot lines are listed and no candidate has a column; codes and level names are
/// unique; the delimiter is one ASCII character.
///
/// # Example
///
/// The layout of the Venezuelan files, in JSON (abridged to two candidates):
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use actas::io::Layout;
///
/// let layout = Layout::from_json(r#"{
///   "contest": "presidential 2024",
///   "encoding": "latin-1",
///   "key": { "parts": [ { "column": "CENTRO", "pad": 9 }, { "column": "MESA" } ] },
///   "geography": [
///     { "level": "state", "code": "COD_EDO", "name": "EDO" },
///     { "level": "centre", "code": "CENTRO", "pad": 9 }
///   ],
///   "fields": { "valid": "VOTOS_VALIDOS", "null": "VOTOS_NULOS",
///               "voters": { "sum": ["VOTOS_VALIDOS", "VOTOS_NULOS"] } },
///   "candidates": [
///     { "code": "EG", "name": "Edmundo González Urrutia", "column": "EG" },
///     { "code": "NM", "name": "Nicolás Maduro Moros", "column": "NM" }
///   ],
///   "image": "URL"
/// }"#)?;
/// assert_eq!(layout.contest()?.candidates().len(), 2);
/// # }
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Layout {
    /// What the layout is for (`"ConVzla 2024, V1"`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub description: Option<String>,
    /// The name given to the sets read with it (see [`ActaSet::source`](crate::ActaSet::source)).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub source: Option<String>,
    /// The contest's name.
    pub contest: String,
    /// The file's encoding.
    #[cfg_attr(feature = "serde", serde(default))]
    pub encoding: Encoding,
    /// The field delimiter.
    #[cfg_attr(feature = "serde", serde(default = "default_delimiter"))]
    pub delimiter: char,
    /// How the table key is built.
    pub key: Key,
    /// The geography levels, from the top down.
    #[cfg_attr(feature = "serde", serde(default))]
    pub geography: Vec<GeoLevel>,
    /// The standard count fields.
    #[cfg_attr(feature = "serde", serde(default))]
    pub fields: Fields,
    /// The candidates.
    pub candidates: Vec<CandidateColumn>,
    /// The ballot lines, when votes are recorded per line.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub lines: Vec<LineColumn>,
    /// Further count fields.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub extra: Vec<ExtraColumn>,
    /// The column of the sheet's image reference (URL, path or hash).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub image: Option<String>,
    /// The form's own rules, on top of the standard ones.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub rules: Vec<Rule>,
    /// The longest record the reader takes, in bytes ([`DEFAULT_MAX_RECORD_BYTES`] unless
    /// set): a longer one stops reading with [`ErrorKind::RecordTooLong`](crate::ErrorKind::RecordTooLong) and its line, so that
    /// a file without line ends cannot take all memory.
    #[cfg_attr(
        feature = "serde",
        serde(
            default = "default_max_record_bytes",
            skip_serializing_if = "is_default_max_record_bytes"
        )
    )]
    pub max_record_bytes: usize,
    /// When set, rows that share a key are parts of one table (a form split over one sheet per
    /// ballot box or page), added up into one sheet per table, not repeated readings. See
    /// [`Parts`].
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub parts: Option<Parts>,
}

/// How the parts of one table add up: every count is the sum of the parts', but the fields that
/// each part repeats (the table's electors, printed on every sheet), which must agree.
///
/// A part whose counts equal another part's exactly is taken for the same sheet read twice: it
/// is not added, and is listed among the repeats. A field absent on any part is absent on the
/// table; a repeated field on which parts disagree is absent too, and the table says so in
/// [`ReadReport::parts`](crate::io::ReadReport::parts).
///
/// # Example
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use actas::io::{read_csv, Layout};
///
/// let layout = Layout::from_json(r#"{
///   "contest": "c",
///   "key": { "parts": [ { "column": "table" } ] },
///   "fields": { "electors": "electors", "valid": "valid" },
///   "candidates": [ { "code": "A", "name": "Ana", "column": "A" } ],
///   "parts": { "repeat": ["electors"] }
/// }"#)?;
/// let csv = "table,electors,valid,A\n1,300,10,10\n1,300,20,20\n2,200,5,5\n";
/// let read = read_csv(csv.as_bytes(), &layout)?;
/// assert_eq!(read.set.len(), 2);
/// assert_eq!(read.set.sheet(0).unwrap().valid(), Some(30));
/// assert_eq!(read.set.sheet(0).unwrap().electors(), Some(300));
/// assert_eq!(read.report.parts[0].lines, [2, 3]);
/// # }
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Parts {
    /// The fields every part repeats instead of splitting (standard or further field names).
    #[cfg_attr(feature = "serde", serde(default))]
    pub repeat: Vec<String>,
}

/// The default of [`Layout::max_record_bytes`]: 1 MiB, a thousand times a row of 40 counts with
/// an image address.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 1 << 20;

#[cfg(feature = "serde")]
fn default_max_record_bytes() -> usize {
    DEFAULT_MAX_RECORD_BYTES
}

#[cfg(feature = "serde")]
fn is_default_max_record_bytes(n: &usize) -> bool {
    *n == DEFAULT_MAX_RECORD_BYTES
}

/// The widest zero-padding a layout may ask for: codes and keys are short, and a pad is written
/// on every row.
pub const MAX_PAD: usize = 64;

#[cfg(feature = "serde")]
fn default_delimiter() -> char {
    ','
}
