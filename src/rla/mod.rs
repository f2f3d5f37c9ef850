//! Risk-limiting audits of tally sheets (in progress, issue 11).
//!
//! A risk-limiting audit draws a random sample of paper records, compares them with what was
//! reported, and stops only when the chance that a wrong outcome survives is at or below a risk
//! limit; otherwise it draws more, up to a full count.
//!
//! - Drawing, verifiably: [`sample_with_replacement`] (Rivest's SHA-256 sampler) and
//!   [`sample_without_replacement`] (his consistent sampler, as Arlo uses), from a public seed.
//! - Ballot polling with BRAVO: [`bravo_risk`], [`bravo_plan`], [`bravo_sample_size`].
//! - Ballot-level comparison, super-simple: [`ballot_discrepancy`], [`supersimple_risk`],
//!   [`supersimple_sample_size`].
//! - Batch comparison with MACRO, a batch being a table and its tally sheet:
//!   [`batch_error_bound`], [`batch_discrepancy`], [`macro_risk`], [`macro_sample_size`], and
//!   [`ppeb_sample`] to draw tables with probability proportional to their error bounds.
//! - SHANGRLA: assorters ([`Plurality`], [`Supermajority`], the [`Overstatement`] assorter, and
//!   the [`Assorter`] trait for other social choice functions) tested with [`NonnegMean`]'s
//!   ALPHA martingale, betting martingale, Kaplan–Markov and Kaplan–Wald tests.
//!
//! Risks (p-values) and sample-size estimates are statistics, computed in `f64` and documented
//! as approximate; counts, margins and the last rounding of every size are exact integers.

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
    ARLO_CHANCES, PairRisk, PollingPlan, PollingRisk, SizeOption, bravo_plan, bravo_risk,
    bravo_sample_size, expected_chance,
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
