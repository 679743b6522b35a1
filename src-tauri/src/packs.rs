//! Where the app's form pack comes from: a signed pack file named on the command line; else the
//! force's current pack, once the sync client has pulled and kept it; else the default pack built
//! into the app. Whatever the source it is verified by `firstline_form` against the built-in keys
//! and the pack-signing key the force gave at enrolment; this file only chooses bytes and keys.

use std::path::PathBuf;

use firstline_form::{Pack, TrustedKey};
use firstline_vault::Vault;

use crate::ipc_error::{ErrorCode, IpcError};

/// The pack source chosen at start-up.
#[derive(Debug, Default)]
pub enum PackSource {
    /// The default pack, signed with the demo force key.
    #[default]
    BuiltIn,
    /// A signed pack file.
    File(PathBuf),
}

impl PackSource {
    /// The source for `--pack`, if given.
    pub fn from_option(path: Option<PathBuf>) -> Self {
        path.map_or(PackSource::BuiltIn, PackSource::File)
    }

    /// Reads and verifies the pack new assessments use; returns it with its signed bytes (kept
    /// with drafts).
    pub fn load(&self, vault: &Vault) -> Result<(Pack, Vec<u8>), IpcError> {
        let bytes = match self {
            PackSource::BuiltIn => match vault.force_pack()? {
                Some(force_pack) => force_pack,
                None => firstline_form::default_pack_bytes().to_vec(),
            },
            PackSource::File(path) => std::fs::read(path).map_err(|error| {
                IpcError::new(
                    ErrorCode::Damaged,
                    format!("The form pack {} cannot be read: {error}", path.display()),
                )
            })?,
        };
        Ok((verify(&bytes, vault)?, bytes))
    }
}

/// Verifies signed pack bytes against the keys the app trusts: the built-in ones and, once
/// enrolled, the force's pack-signing key.
pub fn verify(bytes: &[u8], vault: &Vault) -> Result<Pack, IpcError> {
    let mut trusted = firstline_form::built_in_keys();
    if let Some(key) = vault.force_pack_key()? {
        let key = TrustedKey::from_base64(
            firstline_protocol::FORCE_PACK_KEY_ID,
            &firstline_protocol::Base64Bytes(key).to_base64(),
        )
        .map_err(|problem| IpcError::new(ErrorCode::Damaged, problem))?;
        trusted.push(key);
    }
    Ok(firstline_form::verify_pack(bytes, &trusted)?)
}
