//! `actas` audits election results: it models the tally sheets ("actas") signed at each polling
//! table and the totals an electoral authority announces, and checks the one against the other,
//! exactly.
//!
//! # An end-to-end example
//!
//! Load the 24,532 Venezuelan tally sheets of 28 July 2024 published by the opposition, check
//! each sheet's arithmetic, and add them up:
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use actas::audit::{check_rules, totals};
//! use actas::io::{read_csv_path, Layout};
//! use actas::rules::RuleSet;
//!
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ve2024");
//! let layout = Layout::from_path(format!("{dir}/layout_v1.json"))?;
//! let read = read_csv_path(format!("{dir}/RESULTADOS_2024_CSV_V1.csv"), &layout)?;
//! assert_eq!(read.report.rows_read, 24_532);
//! assert!(read.report.rejected.is_empty());
//!
//! let check = check_rules(&read.set, &RuleSet::standard())?;
//! assert!(check.violations.is_empty());
//!
//! let t = totals(&read.set)?;
//! let eg = read.set.contest().candidate_index("EG").unwrap();
//! let nm = read.set.contest().candidate_index("NM").unwrap();
//! assert_eq!(t.candidates[eg].sum, 7_156_462); // Edmundo González
//! assert_eq!(t.candidates[nm].sum, 3_241_461); // Nicolás Maduro
//! # }
//! # Ok::<(), actas::Error>(())
//! ```
//!
//! # Overview
//!
//! The crate is in layers; arrows point down only.
//!
//! - **Model** (re-exported here): [`Contest`] with its [`Candidate`]s and [`BallotLine`]s,
//!   [`TableId`], [`Geography`] and [`GeoPath`], [`ActaSheet`] and the columnar [`ActaSet`],
//!   [`Bulletin`] and [`Register`], and exact shares: [`Percent`], [`Ratio`], [`Turnout`],
//!   [`Rounding`]. Counts are integers (`u32` per sheet, `u64` totals, checked); percentages are
//!   [`rust_decimal::Decimal`], keeping the scale they were printed with.
//! - **[`rules`]**: sheet arithmetic as data, parsed from text (`valid + null + blank == voters`).
//! - **[`io`]**: a [`Layout`](io::Layout) maps any country's CSV to the model, from code or a
//!   JSON file; the reader accounts for every row (accepted, or rejected with line, column, raw
//!   value and reason).
//! - **[`audit`]**: pure checks returning the numbers they computed and their findings: totals
//!   per candidate and per place, coverage, rule checks, plausibility flags, comparison of two
//!   readings, a bulletin's arithmetic, the round-percentage signature, feasibility bounds (is the
//!   announced result possible given the sheets?), robustness, bulletin sequences.
//!   [`audit::Audit`] runs every check that applies; [`audit::StreamAudit`] does the same over a
//!   CSV read once, with bounded memory.
//! - **[`report`]**: [`report::Finding`] with stable codes (the table is in that module's docs) and
//!   the text and JSON forms of an [`audit::AuditReport`].
//! - **[`synth`]**: seeded synthetic national elections, for tests and benchmarks at any size.
//!
//! # Two levels of validity
//!
//! Constructors reject what cannot be (a malformed table id, a percentage over 100, a sheet with
//! more votes entries than the contest has lines). What an audit finds (sums that do not match,
//! more voters than electors, a table read twice with different numbers) stays representable, so
//! that it can be reported. [`Error`] is only for input that cannot be read, overflow and bad
//! parameters.
//!
//! # Features
//!
//! - `serde` (default): `Serialize`/`Deserialize` for the model, layout files and announcement
//!   files in JSON.
//! - `parallel` (default): the audit's checks run on every core with rayon
//!   (see [`Execution`]); results are identical to the sequential path.

#![deny(missing_docs)]
#![warn(rust_2018_idioms)]

pub mod audit;
mod error;
#[cfg(feature = "serde")]
#[doc(hidden)]
pub mod fuzzing;
pub mod io;
mod model;
mod par;
pub mod report;
pub mod rules;
#[cfg(feature = "synth")]
pub mod synth;

pub use error::{Error, ErrorKind, Position, Result};
pub use model::*;
pub use par::Execution;
/// Exact decimals, re-exported from [`rust_decimal`]: the type of every percentage and threshold
/// of this crate, so that no second dependency is needed to set one.
pub use rust_decimal::Decimal;

/// The README's examples, compiled and run as doc tests.
#[cfg(all(doctest, feature = "serde"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
