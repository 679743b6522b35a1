//! Integers as JSON Schema counts them: `2` and `2.0` are the same integer (the spec is
//! OpenAPI 3.1, whose schemas are JSON Schema 2020-12), so a body field typed `integer` in
//! `docs/sync-api.yaml` accepts both. Fractions, and values outside the field's Rust type, are
//! refused. A number written with a fraction or exponent is read as the IEEE double it denotes
//! (above 2^53 that is the nearest one, as in every JSON parser that reads it as a double).
//! Used with `#[serde(deserialize_with = "whole_number::deserialize")]`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Error, Visitor};
use serde::Deserializer;

/// 2^64 and -2^63: the ends of the integers a u64 or an i64 holds.
const U64_END: f64 = 18_446_744_073_709_551_616.0;
const I64_START: f64 = -9_223_372_036_854_775_808.0;

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

    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn visit_f64<E: Error>(self, value: f64) -> Result<T, E> {
        if !value.is_finite() || value.fract() != 0.0 {
            return Err(E::custom(format!("{value} is not an integer")));
        }
        // Exact: a whole number inside the range of the integer it is cast to.
        if (0.0..U64_END).contains(&value) {
            self.visit_u64(value as u64)
        } else if (I64_START..0.0).contains(&value) {
            self.visit_i64(value as i64)
        } else {
            Err(E::custom(format!("{value} is out of range")))
        }
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

    #[derive(Deserialize)]
    struct Wide {
        #[serde(deserialize_with = "super::deserialize")]
        n: i64,
    }

    #[test]
    fn whole_floats_past_2_to_the_53_are_integers_too() {
        let wide = |json: &str| serde_json::from_str::<Wide>(json).map(|wide| wide.n);
        assert_eq!(wide(r#"{"n": 1e18}"#).unwrap(), 1_000_000_000_000_000_000);
        assert_eq!(wide(r#"{"n": -1e18}"#).unwrap(), -1_000_000_000_000_000_000);
        assert!(wide(r#"{"n": 1e19}"#).is_err());
        assert!(wide(r#"{"n": 9.223372036854775807e18}"#).is_err());
        assert_eq!(
            wide(r#"{"n": -9.223372036854775808e18}"#).unwrap(),
            i64::MIN
        );
        assert_eq!(wide(r#"{"n": -0.0}"#).unwrap(), 0);
        assert_eq!(read(r#"{"n": -0}"#).unwrap(), 0);
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
            .contains("out of range"));
        assert!(read(r#"{"n": 5.0e9}"#)
            .unwrap_err()
            .contains("out of range"));
        assert!(read(r#"{"n": "639"}"#).is_err());
    }
}
