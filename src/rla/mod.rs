//! Risk-limiting audits of tally sheets (in progress, issue 11): drawing the sample verifiably.
//!
//! Anyone must be able to recompute the sample from a public seed (dice rolled in public) and the
//! list of tables. [`sample_with_replacement`] is Rivest's SHA-256 sampler: its published test
//! cases are among this module's tests.

mod sampler;

pub use sampler::sample_with_replacement;
