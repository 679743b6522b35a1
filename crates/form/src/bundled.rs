//! The default pack shipped inside the app, and the key it is verified against. The pack is
//! checked exactly as a force's pack is: signature first, then every loader check.

use crate::error::PackError;
use crate::pack::Pack;
use crate::sign::{verify_pack, TrustedKey};

const DEFAULT_PACK: &[u8] = include_bytes!("../../../forms/default.signed.json");
const DEMO_FORCE_KEY: &str = include_str!("../../../forms/demo-force-pack-key.txt");

/// The pack-signing keys built into the app: the demo force's, which signs the default pack.
pub fn built_in_keys() -> Vec<TrustedKey> {
    DEMO_FORCE_KEY
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter_map(|(key_id, public_key)| TrustedKey::from_base64(key_id, public_key).ok())
        .collect()
}

/// The signed default pack file, as shipped.
pub fn default_pack_bytes() -> &'static [u8] {
    DEFAULT_PACK
}

/// Verifies and loads the default pack.
pub fn default_pack() -> Result<Pack, PackError> {
    verify_pack(DEFAULT_PACK, &built_in_keys())
}

/// The default pack's content hash, from a verified load made once per process.
pub fn default_pack_hash() -> Result<&'static str, PackError> {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash);
    }
    let hash = default_pack()?.content_hash().to_string();
    Ok(HASH.get_or_init(|| hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_pack_verifies_against_the_built_in_key() {
        let pack = default_pack().expect("the shipped pack must verify");
        assert_eq!(pack.id(), "firstline-default");
        assert_eq!(pack.content_hash().len(), 64);
    }

    #[test]
    fn the_signed_pack_is_the_pack_in_forms() {
        let signed: serde_json::Value = serde_json::from_slice(DEFAULT_PACK).expect("json");
        let source: serde_json::Value =
            serde_json::from_str(include_str!("../../../forms/default.json")).expect("json");
        assert_eq!(
            signed["pack"], source,
            "forms/default.json changed: re-sign it (docs/form-pack.md says how)"
        );
    }

    #[test]
    fn one_changed_byte_in_the_pack_is_refused_as_tampered() {
        let text = String::from_utf8(DEFAULT_PACK.to_vec()).expect("utf-8");
        let changed = text.replacen("Immediate safety", "Immediate safetY", 1);
        assert!(matches!(
            verify_pack(changed.as_bytes(), &built_in_keys()),
            Err(PackError::Tampered { .. })
        ));
    }

    #[test]
    fn a_pack_signed_by_an_unknown_key_is_refused() {
        let text = String::from_utf8(DEFAULT_PACK.to_vec()).expect("utf-8");
        let other = text.replacen("firstline-demo-force-2026", "some-other-force", 1);
        assert_eq!(
            verify_pack(other.as_bytes(), &built_in_keys()).err(),
            Some(PackError::UnknownKey {
                pack: "firstline-default".into(),
                key_id: "some-other-force".into()
            })
        );
    }

    #[test]
    fn an_unsigned_pack_is_refused() {
        let source = include_bytes!("../../../forms/default.json");
        assert_eq!(
            verify_pack(source, &built_in_keys()).err(),
            Some(PackError::Unsigned)
        );
    }
}
