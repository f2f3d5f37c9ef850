//! `actas` audits election results: it models the tally sheets ("actas") signed at each polling
//! table and the totals an electoral authority announces, and checks the one against the other,
//! exactly.
//!
//! # An example
//!
//! Three tally sheets, read from CSV through a layout, against a bulletin that announces
//! results for all of them:
//!
//! ```
//! use actas::audit::Audit;
//! use actas::io::{read_csv, Layout};
//! use actas::report::Code;
//! use actas::{Bulletin, BulletinCount, CoverageBasis, CoverageClaim, Register};
//!
//! let csv = "\
//! table,electors,valid,A,B
//! 1,300,250,150,100
//! 2,300,240,140,100
//! 3,300,260,160,100
//! ";
//! let layout = Layout::new("mayor", "table")
//!     .with_electors("electors")
//!     .with_valid("valid")
//!     .with_candidate("A", "Ana", "A")
//!     .with_candidate("B", "Bo", "B");
//! let read = read_csv(csv.as_bytes(), &layout)?;
//! assert!(read.report.rejected.is_empty(), "every row read");
//!
//! // The authority says it counted every table, and gives Bo more votes than the sheets hold.
//! let bulletin = Bulletin::new("final", vec![BulletinCount::new("A", 450), BulletinCount::new("B", 400)])
//!     .with_coverage(CoverageClaim::new(CoverageBasis::Tables, "100".parse()?));
//! let bulletins = [bulletin];
//! let register = Register::new().with_tables(3).with_electors(900);
//! let report = Audit::new(&read.set).register(&register).bulletins(&bulletins).run()?;
//!
//! let above: Vec<_> = report.with_code(Code::AnnouncedAboveSheets).collect();
//! assert_eq!(above.len(), 1); // F002: B's 400 is above the 300 the sheets hold
//! assert_eq!(above[0].number("gap").and_then(|v| v.as_int()), Some(100));
//! println!("{report}"); // the text report, verdict first
//! # #[cfg(feature = "serde")]
//! # assert_eq!(actas::audit::AuditReport::from_json(&report.to_json()?)?, report);
//! # Ok::<(), actas::Error>(())
//! ```
//!
//! The [`tutorial`] walks from a CSV file to a verdict; the [`cookbook`] answers common tasks.
//! The repository holds a full audit of the Venezuelan election of 28 July 2024 (the example
//! `venezuela_2024`, on the bundled sheets).
//!
//! # Overview
//!
//! The crate is in layers; each uses only the layers above it in this list.
//!
//! - **Model** (re-exported here): [`Contest`] with its [`Candidate`]s and [`BallotLine`]s,
//!   [`TableId`], [`Geography`] and [`GeoPath`], [`ActaSheet`] and the columnar [`ActaSet`] (read
//!   in place through [`SheetRef`]), [`Bulletin`] and [`Register`], [`TableRegister`], and exact
//!   shares: [`Percent`], [`Ratio`], [`Turnout`], [`Rounding`]. Counts are integers (`u32` per
//!   sheet, `u64` totals, checked); percentages are [`Decimal`]s that keep the scale they were
//!   printed with.
//! - **[`rules`]**: sheet arithmetic as data, parsed from text (`valid + null + blank == voters`).
//! - **[`report`]** (findings): [`report::Finding`] with a stable [`report::Code`] (the table is
//!   in that module's docs), its severity, subject and named numbers.
//! - **[`io`]**: a [`Layout`](io::Layout) maps any country's CSV to the model, from code or a
//!   JSON file; the reader accounts for every row (accepted, or rejected with line, column, raw
//!   value and reason). Registers of tables, announcement files, JSON.
//! - **[`audit`]**: pure checks, each returning its result type with a `findings()` method:
//!   totals per candidate and per place, coverage, rule checks, plausibility flags, repeated
//!   readings, comparison of two readings, a bulletin's arithmetic, the round-percentage
//!   signature, feasibility bounds (is the announced result possible given the sheets?),
//!   robustness, bulletin sequences. [`audit::Audit`] runs every check that applies and returns
//!   an [`audit::AuditReport`]; [`audit::StreamAudit`] does the same over a CSV read once, with
//!   bounded memory.
//! - **[`report`]** (rendering): the text form of an [`audit::AuditReport`] (its `Display`) and
//!   its JSON form, a versioned contract ([`report::SCHEMA_VERSION`]).
//! - **[`rla`]**: risk-limiting audits of tally sheets. A batch-comparison audit
//!   ([`rla::BatchAudit`]) plans, draws tables from a public seed, and measures the risk from the
//!   sheets read, round by round, up to a full count; BRAVO, super-simple, MACRO and SHANGRLA's
//!   tests as functions, with their published test vectors.
//! - **`synth`** (feature `synth`): seeded synthetic national elections, for tests and
//!   benchmarks at any size.
//!
//! # Two levels of validity
//!
//! Constructors reject what cannot be (a malformed table id, a percentage over 100, a sheet with
//! more votes entries than the contest has lines). What an audit finds (sums that do not match,
//! more voters than electors, a table read twice with different numbers) stays representable, so
//! that it can be reported. [`Error`] is only for input that cannot be read, overflow and bad
//! parameters; a check that does not apply to its input says so as data
//! ([`audit::Checked::NotApplicable`]).
//!
//! # Features
//!
//! - `serde` (default): `Serialize`/`Deserialize` for the model, the report and its results;
//!   layout and announcement files in JSON.
//! - `parallel` (default): the audit's checks and the reading of large files run on every core
//!   with rayon (see [`Execution`]); results are identical to the sequential path.
//! - `synth` (default): the `synth` module.

#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(clippy::pedantic)]
// The pedantic lints this crate does not follow, each with its reason:
#![allow(
    // Getters of plain data: the compiler's unused-result lint is enough, and about 180
    // attributes would bury the docs. Builders (`with_*`) do carry `#[must_use]`.
    clippy::must_use_candidate,
    // Files split in parts (`bounds/`, `reader/`) import their parent's items as one module.
    clippy::wildcard_imports,
    // The report's text rendering and the bound algorithms read best as one function each.
    clippy::too_many_lines,
    // Casts are bounded by construction: counts are `u32` by parse, sheet and place indices
    // below the `u32` capacity that `ActaSet::push` and `Geography` enforce, geography levels
    // below 256 (checked when a layout loads); statistics in `f64` are documented as
    // approximate.
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    // Options are passed by reference: they are non-exhaustive and will grow past a word.
    clippy::trivially_copy_pass_by_ref,
    // Small helper items next to the one statement that uses them.
    clippy::items_after_statements,
    // Counts named as in the formulas they implement (`m`, `n`, `k`, `d`, `w`).
    clippy::many_single_char_names,
    // `ActaSet::push` takes its sheet by value as a collection's push does; the parallel reader
    // takes its source by value, as the tasks that read it may own it.
    clippy::needless_pass_by_value,
    // State machines list each transition, even when two lead to the same state.
    clippy::match_same_arms,
)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(rust_2018_idioms)]

pub mod audit;
pub mod cookbook;
mod error;
pub mod forensics;
#[cfg(feature = "serde")]
#[doc(hidden)]
pub mod fuzzing;
pub mod io;
mod model;
mod par;
pub mod report;
pub mod rla;
pub mod rules;
#[cfg(feature = "synth")]
pub mod synth;
pub mod tutorial;

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
