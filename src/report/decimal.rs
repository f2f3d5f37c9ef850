//! Decimals in JSON as strings that keep their scale (`"51.20"`), whatever serde features another
//! crate enables on `rust_decimal` (its `serde-float` would make them floats): every `Decimal`
//! field of a serialised type goes through here, with `#[serde(with = "...")]`.
//!
//! Reading accepts a string (the format written) and, for files written by hand, a JSON number,
//! read from its text, never through `f64`.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serializer};

pub(crate) fn serialize<S: Serializer>(d: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(d)
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    deserializer.deserialize_any(DecimalVisitor)
}

fn parse<E: de::Error>(s: &str) -> Result<Decimal, E> {
    Decimal::from_str_exact(s).map_err(|e| E::custom(format!("{s:?} is not a decimal: {e}")))
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal as a string, such as \"51.20\"")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Decimal, E> {
        parse(s)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        // A float has lost the scale; its shortest text is the closest to what was written.
        parse(&v.to_string())
    }
}

/// `Option<Decimal>`: `null` or a decimal as above.
pub(crate) mod option {
    use super::*;

    #[allow(
        clippy::ref_option,
        reason = "serde's `with` passes a reference to the field"
    )]
    pub(crate) fn serialize<S: Serializer>(
        d: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => serializer.collect_str(d),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super")] Decimal);
        Ok(Option::<Wrap>::deserialize(deserializer)?.map(|Wrap(d)| d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct T {
        #[serde(with = "super")]
        d: Decimal,
        #[serde(with = "super::option")]
        o: Option<Decimal>,
    }

    #[test]
    fn decimals_are_strings_with_their_scale_and_read_back() {
        let t = T {
            d: Decimal::new(5120, 2),
            o: Some(Decimal::new(-1, 6)),
        };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"d":"51.20","o":"-0.000001"}"#);
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), t);
        let none: T = serde_json::from_str(r#"{"d":7,"o":null}"#).unwrap();
        assert_eq!(
            none,
            T {
                d: Decimal::from(7),
                o: None
            }
        );
        let e = serde_json::from_str::<T>(r#"{"d":"51,2","o":null}"#).unwrap_err();
        assert!(e.to_string().contains("is not a decimal"), "{e}");
        let max = T {
            d: Decimal::MAX,
            o: Some(Decimal::MIN),
        };
        let json = serde_json::to_string(&max).unwrap();
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), max);
    }
}
