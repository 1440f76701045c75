//! The OS keyring of each platform. All `cfg` for key storage lives here.

use std::sync::Arc;

use super::{CredentialError, KeyringStore};

/// Opens this OS's keyring: Windows Credential Manager, macOS Keychain, or on Linux the
/// Secret Service with the kernel keyutils store as fallback (keys there are lost at reboot;
/// its name says so).
///
/// # Errors
/// [`CredentialError::Unavailable`] when no store can be opened.
pub fn os_keyring() -> Result<KeyringStore, CredentialError> {
    open()
}

#[cfg(target_os = "linux")]
fn open() -> Result<KeyringStore, CredentialError> {
    match zbus_secret_service_keyring_store::Store::new() {
        Ok(store) => Ok(KeyringStore::new(store, "Secret Service", true)),
        Err(secret_service_err) => {
            tracing::info!("Secret Service unavailable ({secret_service_err}); trying keyutils");
            let store = linux_keyutils_keyring_store::Store::new().map_err(|err| {
                CredentialError::Unavailable(format!(
                    "no Secret Service ({secret_service_err}) and no keyutils ({err})"
                ))
            })?;
            let store: Arc<keyring_core::CredentialStore> = store;
            Ok(KeyringStore::new(store, "kernel keyutils (lost at reboot)", false))
        }
    }
}

#[cfg(target_os = "macos")]
fn open() -> Result<KeyringStore, CredentialError> {
    let store = apple_native_keyring_store::keychain::Store::new()
        .map_err(|err| CredentialError::Unavailable(err.to_string()))?;
    Ok(KeyringStore::new(store, "macOS Keychain", true))
}

#[cfg(target_os = "windows")]
fn open() -> Result<KeyringStore, CredentialError> {
    let store =
        windows_native_keyring_store::Store::new().map_err(|err| CredentialError::Unavailable(err.to_string()))?;
    Ok(KeyringStore::new(store, "Windows Credential Manager", true))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn open() -> Result<KeyringStore, CredentialError> {
    let _unused: Option<Arc<keyring_core::CredentialStore>> = None;
    Err(CredentialError::Unavailable("this operating system has no supported keyring".to_owned()))
}
