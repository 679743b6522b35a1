//! Which form pack a new assessment uses: a signed pack file named on the command line; else the
//! force's current pack, once the sync client has pulled and kept it; else the default pack built
//! into the app. Whatever the source, it is verified by `firstline_form` against the built-in
//! keys and the pack-signing key the force gave at enrolment; a draft always reopens on the very
//! pack it was started on (kept in the vault).

use std::path::PathBuf;

use firstline_form::{Pack, TrustedKey};
use firstline_vault::Vault;

use crate::WorkspaceError;

/// The pack source chosen at start-up.
#[derive(Debug, Default, Clone)]
pub enum PackSource {
    /// The force's current pack once pulled, else the default pack (demo force key).
    #[default]
    ForceOrBuiltIn,
    /// A signed pack file (`--pack`).
    File(PathBuf),
}

impl PackSource {
    /// The source for `--pack`, if given.
    pub fn from_option(path: Option<PathBuf>) -> Self {
        path.map_or(PackSource::ForceOrBuiltIn, PackSource::File)
    }

    /// Reads and verifies the pack new assessments use; returns it with its signed bytes (kept
    /// with drafts).
    pub fn load(&self, vault: &Vault) -> Result<(Pack, Vec<u8>), WorkspaceError> {
        let bytes = match self {
            PackSource::ForceOrBuiltIn => match vault.force_pack()? {
                Some(force_pack) => force_pack,
                None => firstline_form::default_pack_bytes().to_vec(),
            },
            PackSource::File(path) => {
                std::fs::read(path).map_err(|error| WorkspaceError::PackUnreadable {
                    path: path.display().to_string(),
                    problem: error.to_string(),
                })?
            }
        };
        Ok((verify(&bytes, vault)?, bytes))
    }
}

/// Verifies signed pack bytes against the keys the app trusts: the built-in ones and, once
/// enrolled, the force's pack-signing key.
pub fn verify(bytes: &[u8], vault: &Vault) -> Result<Pack, WorkspaceError> {
    let mut trusted = firstline_form::built_in_keys();
    if let Some(key) = vault.force_pack_key()? {
        let key = TrustedKey::from_base64(
            firstline_protocol::FORCE_PACK_KEY_ID,
            &firstline_protocol::Base64Bytes(key).to_base64(),
        )
        .map_err(|problem| WorkspaceError::PackUnreadable {
            path: "the force's pack-signing key".into(),
            problem,
        })?;
        trusted.push(key);
    }
    Ok(firstline_form::verify_pack(bytes, &trusted)?)
}
