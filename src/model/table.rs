//! Table (polling-station) identifiers.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// The key of one polling table: a string, so that leading zeros survive (`"010113042-1"`).
///
/// Invariant: not empty, no leading or trailing white space, no control characters.
///
/// # Example
///
/// ```
/// use actas::TableId;
///
/// let id: TableId = "010113042-1".parse()?;
/// assert_eq!(id.as_str(), "010113042-1");
/// assert!(TableId::new(" 7").is_err());
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct TableId(String);

impl TableId {
    /// Checks and wraps a table key.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) when the key is empty, has surrounding white space or a control
    /// character.
    pub fn new(id: impl Into<String>) -> Result<Self> {
        let id = id.into();
        validate(&id)?;
        Ok(TableId(id))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks the invariant of [`TableId`] without allocating.
pub(crate) fn validate(id: &str) -> Result<()> {
    match table_id_problem(id) {
        Some(reason) => Err(Error::invalid("table id", id, reason)),
        None => Ok(()),
    }
}

/// Why `id` is not a table id, or `None` when it is one.
pub(crate) fn table_id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        return Some("is empty");
    }
    // The common id, ASCII, in one pass over its bytes (ASCII white space is `\t` to `\r` and
    // the space; a control is below the space, or DEL).
    if id.is_ascii() {
        let b = id.as_bytes();
        let space = |c: u8| c == b' ' || (b'\t'..=b'\r').contains(&c);
        if space(b[0]) || space(b[b.len() - 1]) {
            return Some("has surrounding white space");
        }
        return b
            .iter()
            .any(|&c| c < b' ' || c == 0x7F)
            .then_some("has a control character");
    }
    table_id_problem_chars(id)
}

/// [`table_id_problem`] character by character, for any text.
fn table_id_problem_chars(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        return Some("is empty");
    }
    let edge = |c: Option<char>| c.is_some_and(char::is_whitespace);
    if edge(id.chars().next()) || edge(id.chars().next_back()) {
        return Some("has surrounding white space");
    }
    let control = if id.is_ascii() {
        id.bytes().any(|b| b.is_ascii_control())
    } else {
        id.chars().any(char::is_control)
    };
    control.then_some("has a control character")
}

impl FromStr for TableId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        TableId::new(s)
    }
}

impl TryFrom<String> for TableId {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        TableId::new(s)
    }
}

impl From<TableId> for String {
    fn from(id: TableId) -> String {
        id.0
    }
}

impl AsRef<str> for TableId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for TableId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_leading_zeros_and_rejects_malformed() {
        assert_eq!(TableId::new("0001").unwrap().to_string(), "0001");
        for bad in ["", " 1", "1 ", "a\tb", "a\nb"] {
            assert!(TableId::new(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            TableId::new("").unwrap_err().to_string(),
            "table id \"\": is empty"
        );
        assert_eq!(
            table_id_problem("\x0B1"),
            Some("has surrounding white space")
        );
        assert_eq!(table_id_problem("1\x7F1"), Some("has a control character"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// The byte pass for ASCII ids finds what the character pass finds.
        #[test]
        fn the_ascii_pass_equals_the_character_pass(id in "[\\x00-\\x7F]{0,6}") {
            proptest::prop_assert_eq!(table_id_problem(&id), table_id_problem_chars(&id));
        }
    }
}
