//! Files only this user may read (the device secret and its generation mirror), on each
//! platform: mode 0600 on Unix; on Windows the file inherits the ACL of the app's data folder
//! under `%LOCALAPPDATA%`, which grants the user, SYSTEM and Administrators only, and no mode
//! bits exist to check. No Windows target is installed here, so the Windows half is compiled
//! only where Windows builds it (docs/deploy-windows.md).

use std::fs::{File, Metadata, OpenOptions};
use std::path::Path;

/// Creates `path` for writing (refusing one that exists), readable only by this user.
pub fn create_new(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Whether a file's permissions let users other than its owner read or write it. On Windows
/// the answer is always no: its ACL is the data folder's (see the module's doc).
pub fn open_to_others(metadata: &Metadata) -> bool {
    #[cfg(unix)]
    {
        std::os::unix::fs::PermissionsExt::mode(&metadata.permissions()) & 0o077 != 0
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        false
    }
}
