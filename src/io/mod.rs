//! Reading and writing: CSV through a [`Layout`], JSON through serde.
//!
//! - [`read_csv`] and [`read_csv_path`] turn a CSV of tally sheets into an
//!   [`ActaSet`](crate::ActaSet) and a [`ReadReport`] that accounts for every row.
//! - [`write_csv`] writes a set as CSV and returns the layout that reads it back.
//! - [`read_table_register`] reads a register of tables (ids and electors).
//! - `read_announcements` reads a bulletins file (feature `serde`).

mod builders;
mod layout;
#[cfg(feature = "parallel")]
pub(crate) mod parallel;
pub(crate) mod reader;
mod register;
mod writer;

pub use layout::{
    CandidateColumn, DEFAULT_MAX_RECORD_BYTES, Encoding, ExtraColumn, Fields, GeoLevel, Key,
    KeyPart, Layout, LineColumn, MAX_PAD, Parts, Source,
};
pub use reader::{
    InputSummary, ReadOutcome, ReadProgress, ReadReport, RejectReason, RejectedRow, RepeatedRow,
    TableParts, read_csv, read_csv_bytes, read_csv_path, read_csv_path_with,
    read_csv_path_with_progress,
};
pub use register::{read_table_register, read_table_register_path};
pub use writer::write_csv;

#[cfg(feature = "serde")]
mod json;
#[cfg(feature = "serde")]
pub use json::{from_json, read_announcements, to_json};
