//! Where the app's form pack comes from: the default pack built into the app, or a signed pack
//! file named on the command line. Either way it is verified by `firstline_form` before use; this
//! file only reads bytes.

use std::path::PathBuf;

use firstline_form::Pack;

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

    /// Reads and verifies the pack; returns it with its signed bytes (kept with drafts).
    pub fn load(&self) -> Result<(Pack, Vec<u8>), IpcError> {
        let bytes = match self {
            PackSource::BuiltIn => firstline_form::default_pack_bytes().to_vec(),
            PackSource::File(path) => std::fs::read(path).map_err(|error| {
                IpcError::new(
                    ErrorCode::Damaged,
                    format!("The form pack {} cannot be read: {error}", path.display()),
                )
            })?,
        };
        Ok((verify(&bytes)?, bytes))
    }
}

/// Verifies signed pack bytes against the keys the app trusts.
pub fn verify(bytes: &[u8]) -> Result<Pack, IpcError> {
    Ok(firstline_form::verify_pack(
        bytes,
        &firstline_form::built_in_keys(),
    )?)
}
