//! Building a layout in code: every part of a layout has a constructor and `with_*` methods, so
//! that a layout written in Rust is as short as its JSON and keeps compiling when a layout gains
//! an option.

use super::layout::{
    CandidateColumn, Encoding, ExtraColumn, Fields, GeoLevel, Key, KeyPart, Layout, LineColumn,
    Parts, Source,
};
use crate::rules::Rule;

impl Layout {
    /// A layout of the contest `contest` whose tables are keyed by `key` (a column name, or a
    /// [`Key`] of several parts), UTF-8, comma-delimited, with no candidate yet.
    ///
    /// # Example
    ///
    /// The layout of a CSV with a table column, a state, the valid votes and two candidates:
    ///
    /// ```
    /// use actas::io::{GeoLevel, Layout, read_csv};
    ///
    /// let layout = Layout::new("mayor", "table")
    ///     .with_level(GeoLevel::new("state", "state"))
    ///     .with_valid("valid")
    ///     .with_candidate("A", "Ana", "A")
    ///     .with_candidate("B", "Bo", "B");
    /// let csv = "table,state,valid,A,B\n1,01,10,6,4\n";
    /// let read = read_csv(csv.as_bytes(), &layout)?;
    /// assert_eq!(read.set.len(), 1);
    /// // The same layout as JSON.
    /// # #[cfg(feature = "serde")]
    /// assert_eq!(layout, Layout::from_json(r#"{"contest": "mayor", "key": {"parts": [{"column": "table"}]},
    ///     "geography": [{"level": "state", "code": "state"}], "fields": {"valid": "valid"},
    ///     "candidates": [{"code": "A", "name": "Ana", "column": "A"}, {"code": "B", "name": "Bo", "column": "B"}]}"#)?);
    /// # Ok::<(), actas::Error>(())
    /// ```
    pub fn new(contest: impl Into<String>, key: impl Into<Key>) -> Self {
        Layout {
            description: None,
            source: None,
            contest: contest.into(),
            encoding: Encoding::Utf8,
            delimiter: ',',
            key: key.into(),
            geography: Vec::new(),
            fields: Fields::default(),
            candidates: Vec::new(),
            lines: Vec::new(),
            extra: Vec::new(),
            image: None,
            rules: Vec::new(),
            max_record_bytes: super::layout::DEFAULT_MAX_RECORD_BYTES,
            parts: None,
        }
    }

    /// With a candidate whose votes are in `column`.
    #[must_use]
    pub fn with_candidate(
        mut self,
        code: impl Into<String>,
        name: impl Into<String>,
        column: impl Into<String>,
    ) -> Self {
        self.candidates
            .push(CandidateColumn::new(code, name).with_column(column));
        self
    }

    /// With a candidate as given (one without a column, whose votes are on ballot lines).
    #[must_use]
    pub fn with_candidate_column(mut self, candidate: CandidateColumn) -> Self {
        self.candidates.push(candidate);
        self
    }

    /// With a ballot line (a candidate's votes on one of several lines of the form).
    #[must_use]
    pub fn with_line(mut self, line: LineColumn) -> Self {
        self.lines.push(line);
        self
    }

    /// With one more geography level, below the ones before.
    #[must_use]
    pub fn with_level(mut self, level: GeoLevel) -> Self {
        self.geography.push(level);
        self
    }

    /// With the electors read from `source` (a column, or a sum of columns).
    #[must_use]
    pub fn with_electors(mut self, source: impl Into<Source>) -> Self {
        self.fields.electors = Some(source.into());
        self
    }

    /// With the voters read from `source`.
    #[must_use]
    pub fn with_voters(mut self, source: impl Into<Source>) -> Self {
        self.fields.voters = Some(source.into());
        self
    }

    /// With the valid votes read from `source`.
    #[must_use]
    pub fn with_valid(mut self, source: impl Into<Source>) -> Self {
        self.fields.valid = Some(source.into());
        self
    }

    /// With the null votes read from `source`.
    #[must_use]
    pub fn with_null(mut self, source: impl Into<Source>) -> Self {
        self.fields.null = Some(source.into());
        self
    }

    /// With the blank votes read from `source`.
    #[must_use]
    pub fn with_blank(mut self, source: impl Into<Source>) -> Self {
        self.fields.blank = Some(source.into());
        self
    }

    /// With a further count of the form (ballots received, ...), named `name` in rules.
    #[must_use]
    pub fn with_extra(mut self, name: impl Into<String>, source: impl Into<Source>) -> Self {
        self.extra.push(ExtraColumn::new(name, source));
        self
    }

    /// With a rule the sheets of this form must satisfy, besides the standard ones.
    #[must_use]
    pub fn with_rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// With an encoding other than UTF-8.
    #[must_use]
    pub fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// With a delimiter other than the comma.
    #[must_use]
    pub fn with_delimiter(mut self, delimiter: char) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// With the column of the link to each sheet's image.
    #[must_use]
    pub fn with_image(mut self, column: impl Into<String>) -> Self {
        self.image = Some(column.into());
        self
    }

    /// With where the sheets come from, as the reports name it.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// With a description of the layout.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// With another limit on the bytes of one record.
    #[must_use]
    pub fn with_max_record_bytes(mut self, max: usize) -> Self {
        self.max_record_bytes = max;
        self
    }

    /// With a sheet in several rows, one per part: see [`Layout::parts`].
    #[must_use]
    pub fn with_parts(mut self, parts: Parts) -> Self {
        self.parts = Some(parts);
        self
    }
}

impl Key {
    /// A key of several parts, joined with `-`.
    pub fn new(parts: impl IntoIterator<Item = KeyPart>) -> Self {
        Key {
            parts: parts.into_iter().collect(),
            separator: "-".to_owned(),
        }
    }

    /// A key of whole columns, joined with `-`.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::io::{Key, KeyPart};
    ///
    /// let key = Key::columns(["centre", "table"]).with_separator(".");
    /// assert_eq!(key, Key::new([KeyPart::column("centre"), KeyPart::column("table")]).with_separator("."));
    /// ```
    pub fn columns<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Key::new(columns.into_iter().map(KeyPart::column))
    }

    /// With another separator between the parts.
    #[must_use]
    pub fn with_separator(mut self, separator: impl Into<String>) -> Self {
        self.separator = separator.into();
        self
    }
}

impl From<&str> for Key {
    /// A key of one whole column.
    fn from(column: &str) -> Self {
        Key::columns([column])
    }
}

impl From<KeyPart> for Key {
    fn from(part: KeyPart) -> Self {
        Key::new([part])
    }
}

impl KeyPart {
    /// Only `len` characters from character `start` (counted from 0) of the cell.
    #[must_use]
    pub fn chars(mut self, start: usize, len: usize) -> Self {
        self.start = Some(start);
        self.len = Some(len);
        self
    }
}

impl GeoLevel {
    /// Its codes left-padded with zeros to `width`.
    #[must_use]
    pub fn padded(mut self, width: usize) -> Self {
        self.pad = Some(width);
        self
    }
}

impl CandidateColumn {
    /// A candidate with no column: its votes are on ballot lines ([`Layout::with_line`]).
    pub fn new(code: impl Into<String>, name: impl Into<String>) -> Self {
        CandidateColumn {
            code: code.into(),
            name: name.into(),
            column: None,
        }
    }

    /// With its votes in `column`.
    #[must_use]
    pub fn with_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
}

impl LineColumn {
    /// The ballot line `code` of `candidate`, its votes in `column`.
    pub fn new(
        code: impl Into<String>,
        candidate: impl Into<String>,
        column: impl Into<String>,
    ) -> Self {
        LineColumn {
            code: code.into(),
            name: None,
            candidate: candidate.into(),
            column: column.into(),
        }
    }

    /// With a name (the party of the line).
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl ExtraColumn {
    /// A further count `name`, read from `source`.
    pub fn new(name: impl Into<String>, source: impl Into<Source>) -> Self {
        ExtraColumn {
            name: name.into(),
            column: source.into(),
        }
    }
}

impl Parts {
    /// A sheet in several rows whose counts add up, except the fields `repeat`, which every part
    /// repeats.
    pub fn repeating<S: Into<String>>(repeat: impl IntoIterator<Item = S>) -> Self {
        Parts {
            repeat: repeat.into_iter().map(Into::into).collect(),
        }
    }
}

impl Source {
    /// The sum of `columns`.
    pub fn sum<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Source::Sum {
            sum: columns.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<String> for Source {
    fn from(column: String) -> Self {
        Source::Column(column)
    }
}
