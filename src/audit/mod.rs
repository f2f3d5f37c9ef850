//! Pure checks over the model: each takes model values and returns the numbers it computed and,
//! where it judges, [`Finding`](crate::report::Finding)s.
//!
//! No I/O, no global state, deterministic output order. [`Audit`] runs every check that applies
//! and returns one [`AuditReport`].
//!
//! - [`totals`], [`totals_by_level`], [`coverage`]: sums per field, candidate and place; how much
//!   of the register the sheets cover.
//! - [`check_rules`], [`plausibility`]: each sheet's arithmetic and plausibility.
//! - [`check_register`], [`compare`]: sheets against a register of tables; two readings.
//! - [`check_bulletin`], [`round_percentage_signature`]: a bulletin's own arithmetic, and the
//!   fingerprint of counts made from round percentages.
//! - [`feasibility`]: whether a bulletin is possible given the sheets, by how much it is not, and
//!   how many sheets would have to be false.
//! - [`robustness`], [`sequence`]: whether the sheets settle the outcome; successive bulletins.
//! - [`StreamAudit`]: the same audit over a CSV read once, a chunk at a time, with bounded memory.

mod bounds;
mod bulletin;
mod checked;
mod compare;
mod consistency;
mod engine;
mod outcome;
mod plausibility;
mod register;
mod robustness;
mod sequence;
mod signature;
mod stream;
mod totals;

pub use bounds::{
    Bound, BoundMethod, BoundOptions, CoverageReading, Feasibility, ShareBound, ShareNotBounded,
    Verdict, feasibility, feasibility_with,
};
pub use bulletin::{BulletinCheck, PercentCheck, TurnoutAgainst, TurnoutCheck, check_bulletin};
pub use checked::{Checked, NotApplicable, NotApplicableReason};
pub use compare::{Comparison, FieldDiff, SheetDiff, compare, compare_with};
pub use consistency::{
    RuleCheck, RuleSummary, Violation, check_repeats, check_rules, check_rules_with,
};
pub use engine::{Audit, AuditOptions, AuditReport, BulletinAudit};
pub use outcome::{BulletinOutcome, ConditionMargin, OutcomeCheck, outcome};
pub use plausibility::{PlausibilityOptions, plausibility, plausibility_with};
pub use register::{check_register, check_register_with};
pub use robustness::{Margin, Robustness, robustness};
pub use sequence::{Increment, Step, sequence};
pub use signature::{
    Grid, GridPoint, Signature, round_percentage_signature, round_percentage_signature_over,
};
pub use stream::{PlaceTotals, StreamAudit, StreamOptions, StreamOutcome};
pub use totals::{
    Coverage, FieldTotal, LevelTotals, Totals, coverage, totals, totals_by_level,
    totals_by_level_with, totals_with,
};
