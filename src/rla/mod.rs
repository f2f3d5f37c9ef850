//! Risk-limiting audits of tally sheets: plan, draw, measure the risk, stop or escalate.
//!
//! A risk-limiting audit draws a random sample of paper records, compares them with what was
//! reported, and stops only when the chance that a wrong outcome survives is at or below a risk
//! limit; otherwise it draws more, up to a full count. For tally sheets the natural record is the
//! sheet itself: the authority's per-table results are the *reported* side, the paper sheets of
//! the tables a public draw picks are the *audited* side, both read as [`ActaSet`](crate::ActaSet)s
//! through the same layout.
//!
//! # The workflow: batch comparison of tally sheets
//!
//! [`BatchAudit`] runs MACRO (Stark 2008) with each table as a batch: [`BatchAudit::plan`] (the
//! reported outcome, each table's error bound, the first round's size),
//! [`BatchAudit::draw`] (tables drawn with probability proportional to their error bound from a
//! public seed, verifiably), [`BatchAudit::evaluate`] (the risk, what to do next, every
//! discrepancy per table, findings `L001` to `L008`). Each step is a pure function; the state
//! between rounds serialises, so an audit can span days. `examples/rla.rs` runs one on a
//! synthetic national election, once confirmed and once escalated to a full count.
//!
//! # The methods, as functions
//!
//! - Drawing, verifiably: [`sample_with_replacement`] (Rivest's SHA-256 sampler, his published
//!   test cases pass) and [`sample_without_replacement`] (his consistent sampler, as Arlo uses
//!   it), from a public seed; [`ppeb_sample`] for draws proportional to error bounds.
//! - Ballot polling with BRAVO (Lindeman, Stark and Yates 2012): [`bravo_risk`],
//!   [`bravo_asn`], [`bravo_plan`], [`bravo_sample_size`], [`expected_chance`].
//! - Ballot-level comparison, super-simple (Stark 2010): [`ballot_discrepancy`],
//!   [`supersimple_risk`], [`supersimple_sample_size`].
//! - Batch comparison with MACRO: [`batch_error_bound`], [`batch_discrepancy`], [`macro_risk`],
//!   [`macro_sample_size`].
//! - SHANGRLA: assorters ([`Plurality`], [`Supermajority`], the [`Overstatement`] assorter, and
//!   the [`Assorter`] trait for other social choice functions) tested with [`NonnegMean`]'s
//!   ALPHA martingale, betting martingale, Kaplan–Markov and Kaplan–Wald tests.
//!
//! The published test vectors of Arlo, SHANGRLA and Rivest's sampler are among the tests, at
//! their sources' tolerance or tighter.
//!
//! # Exact and approximate
//!
//! Counts, margins and the last rounding of every sample size are exact integers; `U` is summed
//! exactly per pair. Risks (p-values) and the size formulas' logarithms are statistics, in
//! `f64`, documented as approximate. Where an anchor's floats change an integer answer, the
//! crate gives the exact one and its docs say so: Arlo's BRAVO size for `p_w = 0.36`,
//! `p_l = 0.32` at 60% is 2476, because it divides by `Decimal(0.36) + Decimal(0.32)`
//! (`0.67999999999999999334`); the exact quotient `1683 / 0.68` is 2475
//! ([`bravo_sample_size`]).

mod batch;
mod bravo;
mod comparison;
mod result;
mod sampler;
mod shangrla;
mod workflow;

pub use batch::{
    BatchDiscrepancy, BatchDraw, BatchRisk, batch_discrepancy, batch_error_bound, macro_risk,
    macro_sample_size, ppeb_sample,
};
pub use bravo::{
    ARLO_CHANCES, PairRisk, PollingPlan, PollingRisk, SizeOption, bravo_asn, bravo_plan,
    bravo_risk, bravo_sample_size, expected_chance,
};
pub use comparison::{
    ComparisonRisk, Discrepancy, GAMMA, Observed, ballot_discrepancy, supersimple_risk,
    supersimple_sample_size,
};
pub use result::ReportedResult;
pub use sampler::{Ticket, sample_with_replacement, sample_without_replacement};
pub use shangrla::{
    Assorter, MeanTest, NonnegMean, Overstatement, Plurality, Population, Supermajority,
};
pub use workflow::{
    BatchAudit, BatchAuditOptions, BoundBasis, Draw, Evaluation, Status, TableDiscrepancy,
};

use crate::error::{Error, Result};

/// `f64` fields that may be infinite (a tie's total bound, a risk after a taint of 1): JSON has
/// no infinity, so they are written as `null` and read back as `+inf`.
#[cfg(feature = "serde")]
pub(crate) mod maybe_infinite {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        if x.is_finite() {
            s.serialize_some(x)
        } else {
            s.serialize_none()
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}

/// A risk limit must be a probability strictly between 0 and 1.
fn check_risk_limit(risk_limit: f64) -> Result<()> {
    if risk_limit > 0.0 && risk_limit < 1.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            "risk limit",
            risk_limit.to_string(),
            "give a risk limit strictly between 0 and 1, such as 0.05 for 5%",
        ))
    }
}
