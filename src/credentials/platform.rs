//! The OS keyring of each platform, and what each platform's errors mean. All `cfg` for key
//! storage lives here.
//!
//! keyring-core reports platform trouble as `NoStorageAccess` or `PlatformFailure` with the
//! platform's own error inside; [`no_access`] and [`failure`] look at that error's type and
//! variant or code (never its text) to tell "locked" from "denied" from "no keyring".

use std::error::Error as StdError;

use super::{CredentialError, KeyringStore};

/// The platform error inside a keyring-core error.
type Inner = dyn StdError + Send + Sync + 'static;

/// Opens this OS's keyring: Windows Credential Manager, macOS Keychain, or on Linux the
/// Secret Service with the kernel keyutils store as fallback (keys there are lost at reboot;
/// the store says it is not persistent, and the Connect screen warns).
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
                    "no Secret Service ({secret_service_err}) and no kernel keyring ({err})"
                ))
            })?;
            let store: std::sync::Arc<keyring_core::CredentialStore> = store;
            Ok(KeyringStore::new(store, "Linux kernel keyring (keyutils)", false))
        }
    }
}

/// `NoStorageAccess` on Linux: Secret Service says locked or the unlock prompt was dismissed;
/// keyutils says the session keyring is not ours.
#[cfg(target_os = "linux")]
pub(super) fn no_access(inner: &Inner) -> CredentialError {
    use secret_service::Error as Ss;
    let text = inner.to_string();
    if let Some(err) = inner.downcast_ref::<Ss>() {
        return match err {
            Ss::Prompt => CredentialError::AccessDenied("the unlock prompt was dismissed".to_owned()),
            _ => CredentialError::Locked(text),
        };
    }
    match inner.downcast_ref::<linux_keyutils::KeyError>() {
        Some(linux_keyutils::KeyError::AccessDenied) => CredentialError::AccessDenied(text),
        _ => CredentialError::Locked(text),
    }
}

/// `PlatformFailure` on Linux: no Secret Service on the bus, a prompt that went away, or
/// something else.
#[cfg(target_os = "linux")]
pub(super) fn failure(inner: &Inner) -> CredentialError {
    use secret_service::Error as Ss;
    let text = inner.to_string();
    match inner.downcast_ref::<Ss>() {
        Some(Ss::Unavailable | Ss::Zbus(_) | Ss::ZbusFdo(_)) => CredentialError::Unavailable(text),
        Some(Ss::PromptDisconnected) => CredentialError::Locked(text),
        _ => CredentialError::Other(text),
    }
}

#[cfg(target_os = "macos")]
fn open() -> Result<KeyringStore, CredentialError> {
    let store = apple_native_keyring_store::keychain::Store::new()
        .map_err(|err| CredentialError::Unavailable(err.to_string()))?;
    Ok(KeyringStore::new(store, "macOS Keychain", true))
}

/// The Keychain's OSStatus, when the inner error is one.
#[cfg(target_os = "macos")]
fn os_status(inner: &Inner) -> Option<i32> {
    inner.downcast_ref::<security_framework::base::Error>().map(|err| err.code())
}

/// `NoStorageAccess` on macOS, by OSStatus.
#[cfg(target_os = "macos")]
pub(super) fn no_access(inner: &Inner) -> CredentialError {
    let text = inner.to_string();
    match os_status(inner) {
        // wrPermErr, errSecInvalidOwnerEdit, errSecReadOnly, errSecDuplicateItem: the item or
        // keychain belongs to someone else.
        Some(-61 | -25244 | -25292 | -25299) => CredentialError::AccessDenied(text),
        // errSecNotAvailable, errSecNoSuchKeychain, errSecInvalidKeychain.
        Some(-25291 | -25294 | -25295) => CredentialError::Unavailable(text),
        _ => CredentialError::Locked(text),
    }
}

/// `PlatformFailure` on macOS, by OSStatus: Deny in the Keychain prompt is userCanceled or
/// authFailed, reported as access denied rather than "no key" (the Keychain asks again after
/// every differently signed build); a locked keychain that may not prompt is
/// interactionNotAllowed.
#[cfg(target_os = "macos")]
pub(super) fn failure(inner: &Inner) -> CredentialError {
    let text = inner.to_string();
    match os_status(inner) {
        Some(-128 | -25293) => CredentialError::AccessDenied(text),
        Some(-25308) => CredentialError::Locked(text),
        _ => CredentialError::Other(text),
    }
}

/// Windows Credential Manager keeps at most 2,560 bytes (1,280 UTF-16 units) per secret.
#[cfg(target_os = "windows")]
const WINDOWS_SECRET_LIMIT: usize = 2560;

#[cfg(target_os = "windows")]
fn open() -> Result<KeyringStore, CredentialError> {
    let store =
        windows_native_keyring_store::Store::new().map_err(|err| CredentialError::Unavailable(err.to_string()))?;
    Ok(KeyringStore::new(store, "Windows Credential Manager", true).with_limit(WINDOWS_SECRET_LIMIT))
}

/// `NoStorageAccess` on Windows only means ERROR_NO_SUCH_LOGON_SESSION: this session (a
/// service or a remote shell) has no Credential Manager.
#[cfg(target_os = "windows")]
pub(super) fn no_access(inner: &Inner) -> CredentialError {
    CredentialError::Unavailable(format!("no Credential Manager in this logon session ({inner})"))
}

/// `PlatformFailure` on Windows.
#[cfg(target_os = "windows")]
pub(super) fn failure(inner: &Inner) -> CredentialError {
    CredentialError::Other(inner.to_string())
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn open() -> Result<KeyringStore, CredentialError> {
    Err(CredentialError::Unavailable("this operating system has no supported keyring".to_owned()))
}

/// `NoStorageAccess` elsewhere.
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub(super) fn no_access(inner: &Inner) -> CredentialError {
    CredentialError::Locked(inner.to_string())
}

/// `PlatformFailure` elsewhere.
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub(super) fn failure(inner: &Inner) -> CredentialError {
    CredentialError::Other(inner.to_string())
}

/// The store [`os_keyring`] must pick in this environment, for the real-keyring test: on Linux
/// the Secret Service when a session bus is there (else either store may answer).
#[cfg(all(test, target_os = "linux"))]
pub(super) fn expected_store() -> Option<&'static str> {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some().then_some("Secret Service")
}

/// The store [`os_keyring`] must pick, for the real-keyring test.
#[cfg(all(test, target_os = "macos"))]
pub(super) fn expected_store() -> Option<&'static str> {
    Some("macOS Keychain")
}

/// The store [`os_keyring`] must pick, for the real-keyring test.
#[cfg(all(test, target_os = "windows"))]
pub(super) fn expected_store() -> Option<&'static str> {
    Some("Windows Credential Manager")
}

/// The store [`os_keyring`] must pick, for the real-keyring test: none here.
#[cfg(all(test, not(any(target_os = "linux", target_os = "macos", target_os = "windows"))))]
pub(super) fn expected_store() -> Option<&'static str> {
    None
}

#[cfg(all(test, target_os = "linux"))]
mod linux_tests {
    use std::sync::Arc;

    use super::super::{CredentialError, KeyringStore, map_keyring_error};

    /// Platform errors are told apart by variant: locked, denied (a dismissed prompt, a
    /// session keyring that is not ours), no keyring service.
    #[test]
    fn linux_platform_errors_map_by_variant() {
        use keyring_core::Error as E;
        let boxed = |err: secret_service::Error| -> keyring_core::error::PlatformError { Box::new(err) };
        assert!(matches!(
            map_keyring_error(E::NoStorageAccess(boxed(secret_service::Error::Locked))),
            CredentialError::Locked(_)
        ));
        assert!(matches!(
            map_keyring_error(E::NoStorageAccess(boxed(secret_service::Error::Prompt))),
            CredentialError::AccessDenied(_)
        ));
        assert!(matches!(
            map_keyring_error(E::NoStorageAccess(Box::new(linux_keyutils::KeyError::AccessDenied))),
            CredentialError::AccessDenied(_)
        ));
        assert!(matches!(
            map_keyring_error(E::PlatformFailure(boxed(secret_service::Error::Unavailable))),
            CredentialError::Unavailable(_)
        ));
        assert_eq!(map_keyring_error(E::TooLong("password".into(), 2560)), CredentialError::TooLong { limit: 2560 });
    }

    /// Runs against the kernel keyutils store (the Linux fallback); `.ci/run` runs it in a
    /// fresh session keyring.
    #[test]
    #[ignore = "needs a kernel session keyring (see .ci/run)"]
    fn real_keyutils_keyring_round_trip() {
        let store: Arc<keyring_core::CredentialStore> = linux_keyutils_keyring_store::Store::new().unwrap();
        let store = KeyringStore::new(store, "keyutils", false);
        super::super::tests::assert_round_trip(&store, &format!("test-keyutils-{}", std::process::id()));
    }
}
