//! Pure checks over the model: each takes model values and returns the numbers it computed.
//!
//! No I/O, no global state, deterministic output order.
//!
//! - [`totals`], [`totals_by_level`]: sums per field and candidate, nationally and per place.
//! - [`coverage`]: how much of the register the sheets cover.
//! - [`check_rules`]: each sheet's arithmetic against a [`RuleSet`](crate::rules::RuleSet).
//! - [`compare`]: two readings of the same tables.

mod compare;
mod consistency;
mod totals;

pub use compare::{Comparison, FieldDiff, SheetDiff, compare};
pub use consistency::{RuleCheck, RuleSummary, Violation, check_rules};
pub use totals::{Coverage, FieldTotal, LevelTotals, Totals, coverage, totals, totals_by_level};
