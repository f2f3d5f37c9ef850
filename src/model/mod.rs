//! Plain domain types, with no I/O: candidates and contests, tables and places, sheets and sets
//! of sheets, announcements, exact shares.
//!
//! Everything here is re-exported at the crate root.

pub(crate) mod buckets;
mod bulletin;
pub(crate) mod column;
mod contest;
mod geo;
mod number;
pub(crate) mod rule;
pub(crate) mod set;
mod sheet;
mod table;
mod tables;
mod view;

pub use bulletin::{
    Announcements, Bulletin, BulletinCount, CoverageBasis, CoverageClaim, PercentBase, Register,
};
pub use contest::{BallotLine, Candidate, Contest};
pub use geo::{DisplayPath, GeoNode, GeoPath, Geography};
pub use number::{
    MAX_PERCENT_SCALE, MAX_PRINTED_SCALE, Percent, Ratio, Rounding, Turnout, percent_of,
};
pub use rule::{Condition, Outcome, OutcomeRule};
pub use set::{ActaSet, Repeat, RepeatKind};
pub use sheet::{ActaSheet, Field};
pub use table::TableId;
pub(crate) use table::table_id_problem;
pub use tables::TableRegister;
pub use view::SheetRef;
