//! A finding's numbers in JSON: an object from key to tagged value, in the finding's order.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserializer, Serializer};

use super::Value;

pub(crate) fn serialize<S: Serializer>(
    numbers: &[(String, Value)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(numbers.len()))?;
    for (k, v) in numbers {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<(String, Value)>, D::Error> {
    deserializer.deserialize_map(NumbersVisitor)
}

struct NumbersVisitor;

impl<'de> Visitor<'de> for NumbersVisitor {
    type Value = Vec<(String, Value)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of numbers, such as {\"gap\": {\"int\": 5}}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out: Vec<(String, Value)> =
            Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            if out.iter().any(|(o, _)| *o == k) {
                return Err(serde::de::Error::custom(format!(
                    "number {k:?} given twice"
                )));
            }
            out.push((k, v));
        }
        Ok(out)
    }
}
