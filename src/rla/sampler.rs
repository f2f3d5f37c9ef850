//! Rivest's SHA-256 sampler.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// `count` picks among items numbered `1..=total`, with replacement, from the public `seed`:
/// pick `i` (from 1) is `1 + (h mod total)`, where `h` is the SHA-256 digest of the UTF-8 text
/// `seed + "," + i`, read as a big-endian integer (Rivest's sampler, as published with its test
/// cases). The seed is text, never a number: `"0000000000"` and `"0"` draw different samples.
///
/// # Errors
///
/// A `total` of 0 (nothing to draw from).
///
/// # Example
///
/// ```
/// use actas::rla::sample_with_replacement;
///
/// // The first of Rivest's published test cases.
/// assert_eq!(sample_with_replacement("0", 1000, 3)?, [905, 573, 160]);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn sample_with_replacement(seed: &str, total: u64, count: u64) -> Result<Vec<u64>> {
    if total == 0 {
        return Err(Error::invalid(
            "sample total",
            "0",
            "draw from a list of at least one item",
        ));
    }
    let mut picks = Vec::with_capacity(usize::try_from(count.min(1 << 20)).unwrap_or(0));
    for i in 1..=count {
        let digest = Sha256::digest(format!("{seed},{i}").as_bytes());
        // h mod total, a byte at a time (r < total < 2^64, so 256 r + b fits a u128).
        let r = digest
            .iter()
            .fold(0u128, |r, &b| (r * 256 + u128::from(b)) % u128::from(total));
        picks.push(1 + u64::try_from(r).unwrap_or(0));
    }
    Ok(picks)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rivest's published test cases (cjerdonek/rivest-sampler-tests, `tests.json`).
    #[test]
    fn rivest_test_cases() {
        for (seed, total, want) in [
            ("0", 1000, vec![905, 573, 160]),
            ("0", 2, vec![1, 1, 2]),
            ("1", 1000, vec![97, 89, 163]),
            ("0000000000", 1000, vec![978, 359, 132]),
            ("999999999999999999999999", 1000, vec![544, 800, 654]),
            ("abcde", 1000, vec![247, 427, 157]),
        ] {
            assert_eq!(
                sample_with_replacement(seed, total, 3).unwrap(),
                want,
                "seed {seed:?} total {total}"
            );
        }
    }

    #[test]
    fn edges() {
        assert!(sample_with_replacement("0", 0, 3).is_err());
        assert_eq!(sample_with_replacement("0", 1, 4).unwrap(), [1, 1, 1, 1]);
        assert!(sample_with_replacement("0", 7, 0).unwrap().is_empty());
        // The largest total: every pick within 1..=u64::MAX.
        assert!(
            sample_with_replacement("x", u64::MAX, 5)
                .unwrap()
                .iter()
                .all(|&p| p >= 1)
        );
    }
}
