//! Integers as JSON Schema counts them: `2` and `2.0` are the same integer (the spec is
//! OpenAPI 3.1, whose schemas are JSON Schema 2020-12), so a body field typed `integer` in
//! `docs/sync-api.yaml` accepts both. Fractions, and values outside the field's Rust type, are
//! refused. Used with `#[serde(deserialize_with = "whole_number::deserialize")]`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Error, Visitor};
use serde::Deserializer;

/// The largest integer a JSON number written as a float carries exactly (2^53).
const EXACT_IN_FLOAT: f64 = 9_007_199_254_740_992.0;

/// Reads an integer written either way.
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + TryFrom<i64>,
{
    deserializer.deserialize_any(WholeNumber(PhantomData))
}

struct WholeNumber<T>(PhantomData<T>);

impl<T: TryFrom<u64> + TryFrom<i64>> Visitor<'_> for WholeNumber<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an integer")
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<T, E> {
        T::try_from(value).map_err(|_| E::custom(format!("{value} is out of range")))
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<T, E> {
        T::try_from(value).map_err(|_| E::custom(format!("{value} is out of range")))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<T, E> {
        if value.fract() != 0.0 || value.abs() > EXACT_IN_FLOAT {
            return Err(E::custom(format!("{value} is not an integer")));
        }
        // Exact: a whole number within ±2^53.
        #[allow(clippy::cast_possible_truncation)]
        let whole = value as i64;
        self.visit_i64(whole)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Count {
        #[serde(deserialize_with = "super::deserialize")]
        n: u32,
    }

    fn read(json: &str) -> Result<u32, String> {
        serde_json::from_str::<Count>(json)
            .map(|count| count.n)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn a_whole_float_is_the_same_integer() {
        assert_eq!(read(r#"{"n": 639}"#).unwrap(), 639);
        assert_eq!(read(r#"{"n": 639.0}"#).unwrap(), 639);
        assert_eq!(read(r#"{"n": 6.39e2}"#).unwrap(), 639);
    }

    #[test]
    fn fractions_negatives_and_overflow_are_refused() {
        assert!(read(r#"{"n": 639.5}"#)
            .unwrap_err()
            .contains("not an integer"));
        assert!(read(r#"{"n": -1}"#).unwrap_err().contains("out of range"));
        assert!(read(r#"{"n": -1.0}"#).unwrap_err().contains("out of range"));
        assert!(read(r#"{"n": 4294967296}"#)
            .unwrap_err()
            .contains("out of range"));
        assert!(read(r#"{"n": 1e300}"#)
            .unwrap_err()
            .contains("not an integer"));
        assert!(read(r#"{"n": "639"}"#).is_err());
    }
}
