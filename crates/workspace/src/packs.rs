//! Which form pack a new assessment uses, and which packs the app trusts.
//!
//! A new assessment uses a signed pack file named on the command line (development builds
//! only); else the force's current pack, once the sync client has pulled and kept it; else the
//! default pack built into the app. A draft always reopens on the very pack it was started on
//! (kept in the vault), and only if the kept pack's content hash is the draft's.
//!
//! What is trusted depends on the build ([`PackTrust`]): a release build trusts packs signed
//! with the enrolled force's pack-signing key (from its verified key set) and the built-in
//! default pack, by its content hash; the demo force's key — whose private half derives from a
//! public phrase — and `--pack` only in development builds (`cargo xtask run`, tests).

use std::path::PathBuf;

use firstline_form::{Pack, TrustedKey};
use firstline_vault::Vault;

use crate::WorkspaceError;

/// Which packs the app trusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackTrust {
    /// A release build: the enrolled force's pack key, and the built-in default pack by its
    /// content hash. No `--pack`.
    Release,
    /// A development build: also anything the demo force's key signed, and `--pack`.
    Development,
}

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
    /// with drafts). A pack file is refused in a release build, and where the device's policy
    /// does not `allow_file`.
    pub fn load(
        &self,
        vault: &Vault,
        trust: PackTrust,
        allow_file: bool,
    ) -> Result<(Pack, Vec<u8>), WorkspaceError> {
        let bytes = match self {
            PackSource::ForceOrBuiltIn => match vault.force_pack()? {
                Some(force_pack) => force_pack,
                None => firstline_form::default_pack_bytes().to_vec(),
            },
            PackSource::File(path) => {
                if trust == PackTrust::Release {
                    return Err(WorkspaceError::PackFileNotAllowed);
                }
                if !allow_file {
                    return Err(WorkspaceError::ForbiddenByPolicy {
                        what: crate::Forbidden::PackOverride,
                    });
                }
                std::fs::read(path).map_err(|error| WorkspaceError::PackUnreadable {
                    path: path.display().to_string(),
                    problem: error.to_string(),
                })?
            }
        };
        Ok((verify(&bytes, vault, trust)?, bytes))
    }
}

/// The keys the app trusts signatures from (form packs, and scenario packs the same way): the
/// enrolled force's pack-signing key, and in a development build the built-in (demo) keys.
pub fn trusted_keys(vault: &Vault, trust: PackTrust) -> Result<Vec<TrustedKey>, WorkspaceError> {
    let mut trusted = match trust {
        PackTrust::Development => firstline_form::built_in_keys(),
        PackTrust::Release => Vec::new(),
    };
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
    Ok(trusted)
}

/// Verifies signed pack bytes against what the app trusts: the enrolled force's pack-signing
/// key; in a release build the built-in default pack by its content hash too, in a development
/// build anything the built-in (demo) keys signed.
pub fn verify(bytes: &[u8], vault: &Vault, trust: PackTrust) -> Result<Pack, WorkspaceError> {
    let trusted = trusted_keys(vault, trust)?;
    match firstline_form::verify_pack(bytes, &trusted) {
        Ok(pack) => Ok(pack),
        Err(error) if trust == PackTrust::Release => {
            // The built-in default pack, by the content hash of what this build ships.
            let built_in = firstline_form::default_pack_hash()?;
            match firstline_form::verify_pack(bytes, &firstline_form::built_in_keys()) {
                Ok(pack) if pack.content_hash() == built_in => Ok(pack),
                _ => Err(error.into()),
            }
        }
        Err(error) => Err(error.into()),
    }
}
