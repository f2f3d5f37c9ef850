//! Exact shares: printed percentages, rounding rules, ratios and turnout.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::{Error, Result};

/// The largest number of decimals this crate computes a percentage to.
///
/// Beyond 16 decimals the exact integer computation could overflow `u128`; no authority prints
/// percentages that fine.
pub const MAX_PERCENT_SCALE: u32 = 16;

/// The largest number of decimals a printed [`Percent`] may have: the audit computes exact
/// shares up to four decimals finer than printed, within [`MAX_PERCENT_SCALE`].
pub const MAX_PRINTED_SCALE: u32 = MAX_PERCENT_SCALE - 4;

/// A rule for rounding an exact share to a fixed number of decimals.
///
/// Every rounding in this crate names its rule, because whether a printed percentage is
/// reproduced from the counts depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Rounding {
    /// Round to nearest, ties away from zero (the school rule): 0.125 → 0.13.
    HalfUp,
    /// Round to nearest, ties to the even digit (banker's rounding): 0.125 → 0.12.
    HalfEven,
    /// Truncate toward zero: 0.129 → 0.12.
    Down,
}

impl Rounding {
    /// The three rules, in a fixed order.
    pub const ALL: [Rounding; 3] = [Rounding::HalfUp, Rounding::HalfEven, Rounding::Down];

    /// Divides `num` by `den` (both non-negative, `den > 0`) and rounds the quotient to an integer.
    fn divide(self, num: u128, den: u128) -> u128 {
        let q = num / den;
        let r = num % den;
        let round_up = match self {
            Rounding::Down => false,
            Rounding::HalfUp => 2 * r >= den,
            Rounding::HalfEven => 2 * r > den || (2 * r == den && q % 2 == 1),
        };
        q + u128::from(round_up)
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rounding::HalfUp => "half-up",
            Rounding::HalfEven => "half-even",
            Rounding::Down => "down",
        })
    }
}

/// `num / den × 100`, rounded to `scale` decimals under `rounding`, computed exactly.
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) when `den` is 0 or `scale` exceeds [`MAX_PERCENT_SCALE`];
/// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) when the result does not fit a [`Decimal`].
///
/// # Example
///
/// ```
/// use actas::{percent_of, Rounding};
///
/// // 1 of 8 is 12.5%: the rules differ on the tie at one decimal less.
/// assert_eq!(percent_of(1, 8, 0, Rounding::HalfUp)?.to_string(), "13");
/// assert_eq!(percent_of(1, 8, 0, Rounding::HalfEven)?.to_string(), "12");
/// assert_eq!(percent_of(1, 8, 1, Rounding::Down)?.to_string(), "12.5");
/// # Ok::<(), actas::Error>(())
/// ```
pub fn percent_of(num: u64, den: u64, scale: u32, rounding: Rounding) -> Result<Decimal> {
    if den == 0 {
        return Err(Error::invalid(
            "denominator",
            "0",
            "a share of nothing is undefined",
        ));
    }
    if scale > MAX_PERCENT_SCALE {
        return Err(Error::invalid(
            "scale",
            scale.to_string(),
            format!("at most {MAX_PERCENT_SCALE} decimals are supported"),
        ));
    }
    // num < 2^64 and 100 * 10^16 < 2^60, so the product fits u128.
    let scaled = u128::from(num) * 100 * 10u128.pow(scale);
    let mantissa = rounding.divide(scaled, u128::from(den));
    let mantissa = i128::try_from(mantissa).map_err(|_| Error::overflow("percentage"))?;
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| Error::overflow("percentage"))
}

/// A percentage as an authority printed it: between 0 and 100, with the number of decimals it was
/// printed with.
///
/// Invariant: `0 <= value <= 100`. The scale is kept: `"51.20"` has two decimals and displays as
/// `51.20`; `"44.2"` has one. Rounding checks depend on that scale.
///
/// # Example
///
/// ```
/// use actas::{Percent, Rounding};
///
/// let p: Percent = "51.20".parse()?;
/// assert_eq!(p.scale(), 2);
/// assert_eq!(p.to_string(), "51.20");
/// // Does 5,150,092 of 10,058,774 print as 51.20?
/// assert!(p.reproduces(5_150_092, 10_058_774, Rounding::HalfUp)?);
/// assert!("100.5".parse::<Percent>().is_err());
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Percent(Decimal);

impl Percent {
    /// Wraps a decimal, keeping its scale.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) when the value is negative, over 100, or has more than
    /// [`MAX_PRINTED_SCALE`] decimals.
    pub fn new(value: Decimal) -> Result<Self> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(Error::invalid(
                "percentage",
                value.to_string(),
                "is negative",
            ));
        }
        if value > Decimal::ONE_HUNDRED {
            return Err(Error::invalid(
                "percentage",
                value.to_string(),
                "is over 100",
            ));
        }
        if value.scale() > MAX_PRINTED_SCALE {
            return Err(Error::invalid(
                "percentage",
                value.to_string(),
                format!(
                    "has more than {MAX_PRINTED_SCALE} decimals (the audit computes shares 4 decimals finer, to at most {MAX_PERCENT_SCALE})"
                ),
            ));
        }
        Ok(Percent(value))
    }

    /// The value, with its printed scale.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// The number of decimals it was printed with.
    pub fn scale(self) -> u32 {
        self.0.scale()
    }

    /// Whether `num / den × 100` rounded to this percentage's scale under `rounding` equals it.
    ///
    /// # Errors
    ///
    /// As [`percent_of`]: `den` is 0.
    pub fn reproduces(self, num: u64, den: u64, rounding: Rounding) -> Result<bool> {
        Ok(percent_of(num, den, self.scale(), rounding)? == self.0)
    }
}

impl FromStr for Percent {
    type Err = Error;

    /// Parses a plain decimal such as `51.20`, `44.2` or `80`, with no sign, `%` or thousands
    /// separator.
    fn from_str(s: &str) -> Result<Self> {
        let plain = !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && s.bytes().filter(|&b| b == b'.').count() <= 1
            && !s.starts_with('.')
            && !s.ends_with('.');
        if !plain {
            return Err(Error::invalid(
                "percentage",
                s,
                "is not a plain decimal such as 51.20",
            ));
        }
        let value = Decimal::from_str_exact(s)
            .map_err(|e| Error::invalid("percentage", s, e.to_string().to_lowercase()))?;
        Percent::new(value)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Percent {
    /// A percentage serialises as a string, so that its printed scale survives (`"51.20"`).
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An exact ratio of two counts, such as sheets collected over tables registered.
///
/// Invariant: the denominator is not 0. The ratio may exceed 1 (more voters than electors is
/// representable, so that it can be reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RatioRepr"))]
pub struct Ratio {
    numerator: u64,
    denominator: u64,
}

/// A ratio as read, before its denominator is checked.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RatioRepr {
    numerator: u64,
    denominator: u64,
}

#[cfg(feature = "serde")]
impl TryFrom<RatioRepr> for Ratio {
    type Error = Error;

    fn try_from(r: RatioRepr) -> Result<Self> {
        Ratio::new(r.numerator, r.denominator)
    }
}

impl Ratio {
    /// Builds `numerator / denominator`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) when `denominator` is 0.
    pub fn new(numerator: u64, denominator: u64) -> Result<Self> {
        if denominator == 0 {
            return Err(Error::invalid(
                "ratio",
                format!("{numerator}/0"),
                "the denominator is 0",
            ));
        }
        Ok(Ratio {
            numerator,
            denominator,
        })
    }

    /// The numerator.
    pub fn numerator(self) -> u64 {
        self.numerator
    }

    /// The denominator, never 0.
    pub fn denominator(self) -> u64 {
        self.denominator
    }

    /// The ratio as a percentage rounded to `scale` decimals under `rounding`.
    ///
    /// # Errors
    ///
    /// As [`percent_of`].
    pub fn percent(self, scale: u32, rounding: Rounding) -> Result<Decimal> {
        percent_of(self.numerator, self.denominator, scale, rounding)
    }

    /// Whether the numerator exceeds the denominator (a share over 100%).
    pub fn exceeds_whole(self) -> bool {
        self.numerator > self.denominator
    }
}

impl fmt::Display for Ratio {
    /// Shows the percentage to two decimals, half-up, or `n/d` when it does not fit a decimal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.percent(2, Rounding::HalfUp) {
            Ok(p) => write!(f, "{p}%"),
            Err(_) => write!(f, "{}/{}", self.numerator, self.denominator),
        }
    }
}

/// Voters over electors, exact.
///
/// Invariant: electors is not 0. Turnout over 100% is representable (a finding, not an error).
///
/// # Example
///
/// ```
/// use actas::{Rounding, Turnout};
///
/// let t = Turnout::new(364, 666)?;
/// assert_eq!(t.percent(2, Rounding::HalfUp)?.to_string(), "54.65");
/// assert!(!t.exceeds_electors());
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(into = "TurnoutRepr", try_from = "TurnoutRepr")
)]
pub struct Turnout(Ratio);

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct TurnoutRepr {
    voters: u64,
    electors: u64,
}

#[cfg(feature = "serde")]
impl TryFrom<TurnoutRepr> for Turnout {
    type Error = Error;

    fn try_from(t: TurnoutRepr) -> Result<Self> {
        Turnout::new(t.voters, t.electors)
    }
}

#[cfg(feature = "serde")]
impl From<Turnout> for TurnoutRepr {
    fn from(t: Turnout) -> Self {
        TurnoutRepr {
            voters: t.voters(),
            electors: t.electors(),
        }
    }
}

impl Turnout {
    /// Builds the turnout of `voters` out of `electors`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) when `electors` is 0: turnout of an empty register is undefined.
    pub fn new(voters: u64, electors: u64) -> Result<Self> {
        Ratio::new(voters, electors)
            .map(Turnout)
            .map_err(|_| Error::invalid("turnout", format!("{voters}/0"), "there are no electors"))
    }

    /// The voters (ballots cast).
    pub fn voters(self) -> u64 {
        self.0.numerator
    }

    /// The electors (registered), never 0.
    pub fn electors(self) -> u64 {
        self.0.denominator
    }

    /// The turnout as a percentage rounded to `scale` decimals under `rounding`.
    ///
    /// # Errors
    ///
    /// As [`percent_of`].
    pub fn percent(self, scale: u32, rounding: Rounding) -> Result<Decimal> {
        self.0.percent(scale, rounding)
    }

    /// Whether more people voted than were registered.
    pub fn exceeds_electors(self) -> bool {
        self.0.exceeds_whole()
    }

    /// The same figure as a [`Ratio`].
    pub fn ratio(self) -> Ratio {
        self.0
    }
}

impl fmt::Display for Turnout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.ratio(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(num: u64, den: u64, scale: u32, r: Rounding) -> String {
        percent_of(num, den, scale, r).unwrap().to_string()
    }

    #[test]
    fn golden_roundings() {
        // (num, den, scale, half-up, half-even, down)
        let table = [
            (1, 8, 0, "13", "12", "12"),
            (3, 8, 0, "38", "38", "37"),
            (1, 8, 1, "12.5", "12.5", "12.5"),
            (1, 3, 2, "33.33", "33.33", "33.33"),
            (2, 3, 2, "66.67", "66.67", "66.66"),
            (1, 400, 1, "0.3", "0.2", "0.2"),
            (0, 7, 2, "0.00", "0.00", "0.00"),
            (7, 7, 2, "100.00", "100.00", "100.00"),
            (3, 2, 0, "150", "150", "150"),
        ];
        for (n, d, s, up, even, down) in table {
            assert_eq!(pct(n, d, s, Rounding::HalfUp), up, "{n}/{d}");
            assert_eq!(pct(n, d, s, Rounding::HalfEven), even, "{n}/{d}");
            assert_eq!(pct(n, d, s, Rounding::Down), down, "{n}/{d}");
        }
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        assert!(percent_of(u64::MAX, 1, MAX_PERCENT_SCALE, Rounding::HalfUp).is_err());
        assert!(percent_of(u64::MAX, u64::MAX, MAX_PERCENT_SCALE, Rounding::HalfUp).is_ok());
        assert!(percent_of(1, 0, 2, Rounding::HalfUp).is_err());
        assert!(percent_of(1, 2, MAX_PERCENT_SCALE + 1, Rounding::HalfUp).is_err());
    }

    #[test]
    fn percent_keeps_printed_scale() {
        for s in ["51.20", "44.2", "80", "0", "100", "0.00", "96.87"] {
            let p: Percent = s.parse().unwrap();
            assert_eq!(p.to_string(), s);
        }
        let p: Percent = "51.20".parse().unwrap();
        assert_eq!(p.scale(), 2);
    }

    #[test]
    fn percent_rejects_what_cannot_be() {
        for s in [
            "", "-1", "100.01", "1e3", "51,2", "51.2%", " 51.2", ".5", "5.", "1.2.3",
        ] {
            assert!(s.parse::<Percent>().is_err(), "{s:?} was accepted");
        }
        let err = "100.5".parse::<Percent>().unwrap_err();
        assert_eq!(err.to_string(), "percentage \"100.5\": is over 100");
    }

    #[test]
    fn turnout_and_ratio() {
        assert!(Turnout::new(1, 0).is_err());
        assert!(Ratio::new(1, 0).is_err());
        let t = Turnout::new(700, 600).unwrap();
        assert!(t.exceeds_electors());
        assert_eq!(t.to_string(), "116.67%");
        assert_eq!(Ratio::new(24_532, 30_026).unwrap().to_string(), "81.70%");
    }
}
