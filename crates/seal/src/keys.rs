//! The keys: the force's two X25519 recipient key pairs (records, safeguarding) and the
//! device's Ed25519 signing key. Secret bytes leave this module only inside `Zeroizing`.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, Serializable};
use rand_core::{OsRng, RngCore, TryRngCore};
use zeroize::Zeroizing;

use crate::SealError;

type PublicKey = <X25519HkdfSha256 as Kem>::PublicKey;
type PrivateKey = <X25519HkdfSha256 as Kem>::PrivateKey;

/// Secret key bytes, wiped when dropped.
pub type SecretKeyBytes = Zeroizing<Vec<u8>>;

/// The force's public keys a device seals to.
pub struct ForceRecipients {
    pub(crate) records: PublicKey,
    pub(crate) safeguarding: PublicKey,
    pub(crate) records_key_id: String,
    pub(crate) safeguarding_key_id: String,
}

impl ForceRecipients {
    /// From the two 32-byte X25519 public keys.
    pub fn from_bytes(records: &[u8], safeguarding: &[u8]) -> Result<ForceRecipients, SealError> {
        Ok(ForceRecipients {
            records: PublicKey::from_bytes(records).map_err(|_| SealError::BadKey("records"))?,
            safeguarding: PublicKey::from_bytes(safeguarding)
                .map_err(|_| SealError::BadKey("safeguarding"))?,
            records_key_id: firstline_protocol::key_id(records),
            safeguarding_key_id: firstline_protocol::key_id(safeguarding),
        })
    }
}

macro_rules! recipient_key {
    ($name:ident, $label:literal, $doc:literal) => {
        #[doc = $doc]
        pub struct $name(PrivateKey);

        impl $name {
            /// A new random key pair: the private key's bytes and the public key's.
            pub fn generate() -> (SecretKeyBytes, Vec<u8>) {
                let mut ikm = Zeroizing::new([0u8; 32]);
                OsRng.unwrap_err().fill_bytes(ikm.as_mut());
                let (private, public) = X25519HkdfSha256::derive_keypair(ikm.as_ref());
                (
                    Zeroizing::new(private.to_bytes().to_vec()),
                    public.to_bytes().to_vec(),
                )
            }

            /// From the private key's 32 bytes.
            pub fn from_bytes(bytes: &[u8]) -> Result<$name, SealError> {
                PrivateKey::from_bytes(bytes)
                    .map($name)
                    .map_err(|_| SealError::BadKey($label))
            }

            /// The matching public key's bytes.
            pub fn public_bytes(&self) -> Vec<u8> {
                X25519HkdfSha256::sk_to_pk(&self.0).to_bytes().to_vec()
            }

            pub(crate) fn private(&self) -> &PrivateKey {
                &self.0
            }
        }
    };
}

recipient_key!(
    RecordsKey,
    "records",
    "The force's records private key: opens the main record only."
);
recipient_key!(
    SafeguardingKey,
    "safeguarding",
    "The force safeguarding unit's private key: opens the migrant-victim compartment only."
);

/// The device's Ed25519 signing key, made at enrolment.
pub struct DeviceKey(SigningKey);

impl DeviceKey {
    /// A new random key.
    pub fn generate() -> DeviceKey {
        let mut seed = Zeroizing::new([0u8; 32]);
        OsRng.unwrap_err().fill_bytes(seed.as_mut());
        DeviceKey(SigningKey::from_bytes(&seed))
    }

    /// From its 32 secret bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<DeviceKey, SealError> {
        let seed: Zeroizing<[u8; 32]> = Zeroizing::new(
            bytes
                .try_into()
                .map_err(|_| SealError::BadKey("device signing"))?,
        );
        Ok(DeviceKey(SigningKey::from_bytes(&seed)))
    }

    /// Its 32 secret bytes, for storing sealed in the vault.
    pub fn secret_bytes(&self) -> SecretKeyBytes {
        Zeroizing::new(self.0.to_bytes().to_vec())
    }

    /// The public key the gateway verifies with.
    pub fn public_bytes(&self) -> Vec<u8> {
        self.0.verifying_key().to_bytes().to_vec()
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.0.sign(message).to_bytes().to_vec()
    }
}

pub(crate) fn verify_signature(
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), SealError> {
    let public_key: [u8; 32] = public_key
        .try_into()
        .map_err(|_| SealError::BadKey("device public"))?;
    let key =
        VerifyingKey::from_bytes(&public_key).map_err(|_| SealError::BadKey("device public"))?;
    let signature = Signature::from_slice(signature).map_err(|_| SealError::BadSignature)?;
    key.verify_strict(message, &signature)
        .map_err(|_| SealError::BadSignature)
}
