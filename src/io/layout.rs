//! The mapping from a CSV's columns to the model.

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
    pub fn numeric(mut self) -> Self {
        self.numeric = true;
        self
    }

    /// Left-padded with zeros to `width`.
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
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// An optional level: see [`GeoLevel::optional`].
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
    /// set): a longer one stops reading with [`Error::RecordTooLong`] and its line, so that
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

impl Layout {
    /// Reads a layout from JSON text.
    ///
    /// # Errors
    ///
    /// [`Error::Layout`] with the line and column of the problem (an unknown key, a missing
    /// field, a wrong type), or what [`Layout::validate`] finds.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Self> {
        let layout: Layout = serde_json::from_str(text).map_err(Error::layout_json)?;
        layout.validate()?;
        Ok(layout)
    }

    /// Reads a layout from a JSON file.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read; otherwise as [`Layout::from_json`], with the
    /// file's path in the message.
    #[cfg(feature = "serde")]
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(e, Some(path)))?;
        Layout::from_json(&text).map_err(|e| e.with_path(path))
    }

    /// The layout as pretty JSON.
    ///
    /// # Errors
    ///
    /// [`Error::Json`] if serialisation fails (it does not for a valid layout).
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(Error::json)
    }

    /// Checks the invariant.
    ///
    /// # Errors
    ///
    /// [`Error::Layout`] saying what is wrong.
    pub fn validate(&self) -> Result<()> {
        if self.key.parts.is_empty() {
            return Err(Error::layout("the key has no parts"));
        }
        if !self.delimiter.is_ascii() {
            return Err(Error::layout(format!(
                "the delimiter '{}' is not an ASCII character",
                self.delimiter
            )));
        }
        if matches!(self.delimiter, '\n' | '\r' | '"') {
            return Err(Error::layout(format!(
                "the delimiter {:?} cannot separate cells: it ends lines or quotes cells",
                self.delimiter
            )));
        }
        let pads = self.key.parts.iter().map(|p| (p.pad, "a key part"));
        let pads = pads.chain(self.geography.iter().map(|g| (g.pad, "a geography code")));
        for (pad, what) in pads {
            if pad.is_some_and(|p| p > MAX_PAD) {
                return Err(Error::layout(format!(
                    "{what} is padded to {} characters; at most {MAX_PAD} are allowed",
                    pad.unwrap_or_default()
                )));
            }
        }
        // A column read as a count in two roles (two candidates on one column) would break the
        // sheets' arithmetic on every row; sums may reuse columns.
        let mut direct: Vec<(&str, String)> = Vec::new();
        for (field, source) in self.fields.all() {
            if let Some(Source::Column(c)) = source {
                direct.push((c, format!("field {field}")));
            }
        }
        for (role, c) in self.line_columns() {
            direct.push((c, role));
        }
        for e in &self.extra {
            if let Source::Column(c) = &e.column {
                direct.push((c, format!("further field {}", e.name)));
            }
        }
        for (i, (c, role)) in direct.iter().enumerate() {
            if let Some((_, first)) = direct[..i].iter().find(|(o, _)| o == c) {
                return Err(Error::layout(format!(
                    "column \"{c}\" is read for {first} and again for {role}: each count has a column of its own"
                )));
            }
        }
        if self.candidates.is_empty() {
            return Err(Error::layout("no candidates"));
        }
        if self.lines.is_empty() {
            if let Some(c) = self.candidates.iter().find(|c| c.column.is_none()) {
                return Err(Error::layout(format!(
                    "candidate {} has no column and no ballot lines are listed",
                    c.code
                )));
            }
        } else if let Some(c) = self.candidates.iter().find(|c| c.column.is_some()) {
            return Err(Error::layout(format!(
                "candidate {} has a column, but votes are read per ballot line",
                c.code
            )));
        }
        for (i, e) in self.extra.iter().enumerate() {
            if self.extra[..i].iter().any(|o| o.name == e.name) {
                return Err(Error::layout(format!(
                    "further field {} is named twice",
                    e.name
                )));
            }
        }
        let contest = self.contest().map_err(|e| Error::layout(e.to_string()))?;
        self.geography().map_err(|e| Error::layout(e.to_string()))?;
        // Every rule names fields the sheets will have: a rule over an unknown name would be
        // skipped on every sheet.
        let standard = Field::STANDARD.into_iter().filter_map(Field::standard_name);
        let known: Vec<&str> = standard
            .map(|n| -> &str { n })
            .chain(contest.lines().iter().map(|l| l.code()))
            .chain(self.extra.iter().map(|e| e.name.as_str()))
            .collect();
        if let Some(parts) = &self.parts {
            for name in &parts.repeat {
                if !known.contains(&name.as_str()) || contest.line_index(name).is_some() {
                    return Err(Error::layout(format!(
                        "parts: {name:?} is not a standard or further field (a part repeats a field such as electors)"
                    )));
                }
            }
        }
        for rule in &self.rules {
            rule.check_names(&known)
                .map_err(|e| Error::layout(format!("rules: {e}")))?;
        }
        Ok(())
    }

    /// The contest the layout describes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for repeated or empty codes, or a line carrying an unknown candidate.
    pub fn contest(&self) -> Result<Contest> {
        let candidates: Vec<Candidate> = self
            .candidates
            .iter()
            .map(|c| Candidate::new(&c.code, &c.name))
            .collect();
        if self.lines.is_empty() {
            Contest::new(&self.contest, candidates)
        } else {
            Contest::with_lines(
                &self.contest,
                candidates,
                self.lines
                    .iter()
                    .map(|l| (l.code.clone(), l.name.clone(), l.candidate.clone())),
            )
        }
    }

    /// An empty geography with the layout's levels.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for an empty or repeated level name.
    pub fn geography(&self) -> Result<Geography> {
        Geography::new(self.geography.iter().map(|g| g.level.clone()))
    }

    /// The rules the layout's sheets must satisfy: the standard rules and the form's own.
    ///
    /// # Example
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// use actas::io::Layout;
    ///
    /// let layout = Layout::from_json(r#"{
    ///   "contest": "c",
    ///   "key": { "parts": [ { "column": "id" } ] },
    ///   "candidates": [ { "code": "A", "name": "Ana", "column": "A" } ],
    ///   "extra": [ { "name": "received", "column": "R" }, { "name": "cancelled", "column": "X" } ],
    ///   "rules": [ "received >= voters + cancelled" ]
    /// }"#)?;
    /// let rules = layout.rule_set();
    /// assert_eq!(rules.rules().len(), 4);
    /// assert_eq!(rules.rules()[3].to_string(), "received >= voters + cancelled");
    /// // Rules this layout cannot check are marked, with the reason, and not run.
    /// assert_eq!(rules.not_applicable(1), Some("the layout has no column for valid, null, blank, voters"));
    /// # }
    /// # Ok::<(), actas::Error>(())
    /// ```
    ///
    /// A rule is marked not applicable ([`RuleSet::not_applicable`](crate::rules::RuleSet::not_applicable))
    /// when the layout has no column for one of its fields, or when the layout makes it true by
    /// construction (voters derived as valid + null makes `valid + null == voters` hold on every
    /// sheet): such a rule would be skipped, or pass, on every sheet and prove nothing.
    pub fn rule_set(&self) -> crate::rules::RuleSet {
        let mut rules = crate::rules::RuleSet::standard();
        for r in &self.rules {
            rules.push(r.clone());
        }
        let reasons: Vec<Option<String>> = rules
            .rules()
            .iter()
            .map(|r| self.why_not_applicable(r))
            .collect();
        for (k, reason) in reasons.into_iter().enumerate() {
            if let Some(reason) = reason {
                rules.mark_not_applicable(k, reason);
            }
        }
        rules
    }

    /// Why `rule` cannot tell anything on this layout's sheets, if so: a field without a column,
    /// or the rule holding by construction once derived fields are written as their columns.
    fn why_not_applicable(&self, rule: &Rule) -> Option<String> {
        use crate::rules::Term;
        use std::collections::BTreeMap;
        let source_of = |name: &str| -> Option<Option<&Source>> {
            if let Some((_, s)) = self.fields.all().into_iter().find(|(n, _)| *n == name) {
                return Some(s);
            }
            self.extra
                .iter()
                .find(|e| e.name == name)
                .map(|e| Some(&e.column))
        };
        let line_column = |code: &str| -> Option<String> {
            if self.lines.is_empty() {
                self.candidates
                    .iter()
                    .find(|c| c.code == code)
                    .and_then(|c| c.column.clone())
            } else {
                self.lines
                    .iter()
                    .find(|l| l.code == code)
                    .map(|l| l.column.clone())
            }
        };
        let mut missing: Vec<&str> = Vec::new();
        let mut derived: Vec<String> = Vec::new();
        // The rule as a linear form over the CSV's columns: left side minus right side.
        let mut form: BTreeMap<String, i128> = BTreeMap::new();
        let sides = [(rule.lhs(), 1i128), (rule.rhs(), -1i128)];
        for (side, sign) in sides {
            for (coef, term) in side {
                let c = i128::from(*coef) * sign;
                match term {
                    Term::SumOfLines => {
                        for (_, col) in self.line_columns() {
                            *form.entry(col.to_owned()).or_default() += c;
                        }
                    }
                    Term::Named(n) => match source_of(n) {
                        Some(None) => missing.push(n),
                        Some(Some(Source::Column(col))) => {
                            *form.entry(col.clone()).or_default() += c;
                        }
                        Some(Some(Source::Sum { sum })) => {
                            derived.push(format!("{n} is {}", sum.join(" + ")));
                            for col in sum {
                                *form.entry(col.clone()).or_default() += c;
                            }
                        }
                        // A line, or a name the binding will report as unknown.
                        None => match line_column(n) {
                            Some(col) => *form.entry(col).or_default() += c,
                            None => return None,
                        },
                    },
                }
            }
        }
        if !missing.is_empty() {
            missing.dedup();
            return Some(format!(
                "the layout has no column for {}",
                missing.join(", ")
            ));
        }
        if form.values().all(|c| *c == 0) {
            return Some(if derived.is_empty() {
                "true by construction: its two sides are the same columns".to_owned()
            } else {
                format!("true by construction: {}", derived.join(", "))
            });
        }
        None
    }

    /// An empty set of the layout's contest, geography levels, source and further fields.
    pub(crate) fn empty_set(&self) -> Result<crate::ActaSet> {
        let mut set = crate::ActaSet::new(self.contest()?, self.geography()?);
        if let Some(s) = &self.source {
            set = set.with_source(s.clone());
        }
        set.declare_extra(self.extra.iter().map(|e| e.name.as_str()));
        Ok(set)
    }

    /// The columns of the ballot lines, in the contest's line order.
    pub(crate) fn line_columns(&self) -> Vec<(String, &str)> {
        if self.lines.is_empty() {
            self.candidates
                .iter()
                .map(|c| {
                    (
                        format!("candidate {}", c.code),
                        c.column.as_deref().unwrap_or(""),
                    )
                })
                .collect()
        } else {
            self.lines
                .iter()
                .map(|l| (format!("ballot line {}", l.code), l.column.as_str()))
                .collect()
        }
    }
}
