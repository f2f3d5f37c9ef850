//! Drawing the sample verifiably: Rivest's SHA-256 sampler (with replacement) and his
//! consistent sampler (without replacement).

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

/// The ticket number the consistent sampler gives a table: a decimal fraction in (0, 1), written
/// as text (`"0.26299714…"`, about 78 digits), compared as text. Lower tickets are drawn first.
///
/// It is Rivest's `consistent_sampler` ticket (the sampler Arlo uses): the SHA-256 digest of the
/// text `hex(SHA-256(seed)) + id`, read as a big-endian integer, written in decimal (padded with
/// zeros to 64 digits), its digits reversed after `"0."`. Because a ticket depends only on the
/// seed and the table's own id, the order of two tables never depends on which other tables are
/// in the list: a sample from a subset is the full list's sample with the other tables left out.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Ticket(String);

impl Ticket {
    /// The ticket of the item `id` under `seed`.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::rla::Ticket;
    ///
    /// // The example of Rivest's `consistent_sampler` documentation.
    /// let ticket = Ticket::new("01382438112797316654", "AB-130");
    /// assert!(ticket.as_str().starts_with("0.262997141228380084165075442975466635997"));
    /// ```
    pub fn new(seed: &str, id: &str) -> Self {
        Ticket::with_seed_hex(&hex(&Sha256::digest(seed.as_bytes())), id)
    }

    fn with_seed_hex(seed_hex: &str, id: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(seed_hex.as_bytes());
        hasher.update(id.as_bytes());
        let digest = hasher.finalize();
        Ticket(reversed_decimal_fraction(&digest))
    }

    /// The ticket number as text, `"0."` and its digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Ticket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lower-case hexadecimal of a digest.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// `"0."` and the decimal digits of the 256-bit big-endian integer `digest` (at least 64 of them,
/// zero-padded on the left), in reverse order.
fn reversed_decimal_fraction(digest: &[u8]) -> String {
    // Four 64-bit limbs, most significant first; divide by 10^19 until zero.
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(digest.chunks_exact(8)) {
        *limb = u64::from_be_bytes(chunk.try_into().unwrap_or([0; 8]));
    }
    const CHUNK: u64 = 10_000_000_000_000_000_000;
    // Digits from the least significant, which is the order the ticket writes them in.
    let mut digits = Vec::with_capacity(80);
    while limbs.iter().any(|&l| l != 0) {
        let mut rem = 0u128;
        for limb in &mut limbs {
            let cur = (rem << 64) | u128::from(*limb);
            *limb = u64::try_from(cur / u128::from(CHUNK)).unwrap_or(u64::MAX);
            rem = cur % u128::from(CHUNK);
        }
        let mut r = u64::try_from(rem).unwrap_or(0);
        let last = limbs.iter().all(|&l| l == 0);
        for _ in 0..19 {
            if last && r == 0 {
                break;
            }
            digits.push(b'0' + u8::try_from(r % 10).unwrap_or(0));
            r /= 10;
        }
    }
    while digits.len() < 64 {
        digits.push(b'0');
    }
    let mut s = String::with_capacity(digits.len() + 2);
    s.push_str("0.");
    s.extend(digits.iter().map(|&d| char::from(d)));
    s
}

/// The consistent sampler without replacement: the position of each id in `ids`, in the order
/// the sample draws them (lowest [`Ticket`] first), with its ticket. Draw `n` tables by taking
/// the first `n`; a later round continues down the same list, so rounds never repeat a table.
///
/// The order depends only on the seed and the ids, never on the order of `ids`.
///
/// # Errors
///
/// Two equal ids (the sample would not say which table to pull).
///
/// # Example
///
/// ```
/// use actas::rla::sample_without_replacement;
///
/// // The example of Rivest's `consistent_sampler` documentation.
/// let ids = ["dog", "cat", "fish", "goat"];
/// let order = sample_without_replacement("xy()134!g2n", &ids)?;
/// let drawn: Vec<&str> = order.iter().map(|(i, _)| ids[*i]).collect();
/// assert_eq!(drawn, ["cat", "dog", "goat", "fish"]);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn sample_without_replacement<S: AsRef<str>>(
    seed: &str,
    ids: &[S],
) -> Result<Vec<(usize, Ticket)>> {
    let seed_hex = hex(&Sha256::digest(seed.as_bytes()));
    let mut order: Vec<(usize, Ticket)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (i, Ticket::with_seed_hex(&seed_hex, id.as_ref())))
        .collect();
    order.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    for pair in order.windows(2) {
        if pair[0].1 == pair[1].1 && ids[pair[0].0].as_ref() == ids[pair[1].0].as_ref() {
            return Err(Error::invalid(
                "sample list",
                ids[pair[0].0].as_ref().to_owned(),
                "this id is in the list twice: give each table once",
            ));
        }
    }
    Ok(order)
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
