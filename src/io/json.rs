//! JSON through serde: sets, contests, bulletins and announcement files.

use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::model::Announcements;

/// Serialises any serde value of this crate to pretty JSON.
///
/// # Errors
///
/// [`ErrorKind::Json`](crate::ErrorKind::Json) if serialisation fails.
///
/// # Example
///
/// ```
/// use actas::io::to_json;
/// use actas::{Bulletin, BulletinCount};
///
/// let b = Bulletin::new("b", vec![BulletinCount::new("A", 5).with_percent("50.0".parse()?)]);
/// assert!(to_json(&b)?.contains(r#""percent": "50.0""#)); // the printed scale is kept
/// # Ok::<(), actas::Error>(())
/// ```
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(Error::json)
}

/// Reads any serde value of this crate from JSON text, checking its invariants.
///
/// # Errors
///
/// [`ErrorKind::Json`](crate::ErrorKind::Json) with line and column for malformed JSON or a value that breaks an invariant.
///
/// # Example
///
/// ```
/// use actas::io::{from_json, to_json};
/// use actas::{Candidate, Contest};
///
/// let contest = Contest::new("mayor", vec![Candidate::new("A", "Ana")])?;
/// let back: Contest = from_json(&to_json(&contest)?)?;
/// assert_eq!(back, contest);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(Error::json)
}

/// Reads an announcements file: the election's rule, the register and the bulletins of one
/// contest.
///
/// # The format
///
/// A JSON object (every field but `bulletins` optional; unknown fields are refused):
///
/// | field | what |
/// |---|---|
/// | `about` | what the file is, where it comes from |
/// | `rule` | the election's rule ([`OutcomeRule`](crate::OutcomeRule)): `{"rule": "plurality"}` (the default), `{"rule": "absolute_majority", "base": "valid"}`, or `{"rule": "threshold_and_lead", "base": "valid", "conditions": [{"at_least": "45"}, {"at_least": "40", "lead": "10"}]}` (each condition `more_than` or `at_least` a percentage, optionally with a `lead` in points) |
/// | `register` | `tables`, `electors` (whole numbers), `notes`, `sources` |
/// | `bulletins` | the bulletins, oldest first |
///
/// Each bulletin:
///
/// | field | what |
/// |---|---|
/// | `label` | its name in reports (required) |
/// | `counts` | each subject's `count`, printed `percent` (a string, its scale kept: `"51.20"`), or both, and optionally the `base` of that percent; at least one subject, each with a count or a percent |
/// | `base` | what its printed percentages are shares of: `valid`, `valid_and_null`, `cast` (valid + null + blank), `voters` or `electors`; unsaid, every base its figures give is tried |
/// | `coverage` | `{"printed": "80", "basis": "tables"}` (or `"electors"`, `"unspecified"`) |
/// | `final` | `true` for a final count: bounded on every table of the register, whatever it prints |
/// | `electors`, `electors_counted`, `voters`, `valid`, `null`, `blank` | the figures it announces |
/// | `turnout` | its printed turnout |
/// | `groups` | groups announced as one count: `{"OTHERS": ["LM", "JABE"]}`, `[]` for every candidate not announced separately |
/// | `announced_at`, `notes`, `sources` | when, caveats, where it was read |
///
/// # Errors
///
/// [`ErrorKind::Io`](crate::ErrorKind::Io) when the file cannot be read; [`ErrorKind::Json`](crate::ErrorKind::Json) (with the path) when it is not a
/// valid announcements file; [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) (with
/// the path and the bulletin's label) for a bulletin that gives neither counts nor shares.
///
/// # Example
///
/// ```
/// use actas::io::read_announcements;
///
/// let path = std::env::temp_dir().join(format!("actas-announcements-{}.json", std::process::id()));
/// std::fs::write(&path, r#"{
///   "register": { "tables": 30026, "electors": 21392464 },
///   "bulletins": [ {
///     "label": "CNE bulletin 1",
///     "coverage": { "printed": "80", "basis": "tables" },
///     "counts": [ { "subject": "NM", "count": 5150092, "percent": "51.2" },
///                 { "subject": "EG", "count": 4445978, "percent": "44.2" } ]
///   } ]
/// }"#)?;
/// let a = read_announcements(&path)?;
/// std::fs::remove_file(&path)?;
/// assert_eq!(a.register.tables, Some(30_026));
/// assert_eq!(a.bulletins[0].count("EG"), Some(4_445_978));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_announcements(path: impl AsRef<Path>) -> Result<Announcements> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(e, Some(path)))?;
    let announcements: Announcements = from_json(&text).map_err(|e| e.with_path(path))?;
    announcements.validate().map_err(|e| e.with_path(path))?;
    Ok(announcements)
}
