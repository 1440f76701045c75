//! The API key and where it is kept: only the OS keyring (Windows Credential Manager, macOS
//! Keychain, Linux Secret Service or the kernel keyutils store), behind [`SecretStore`] so that
//! tests use an in-memory store and the app can fall back to memory for one run.
//!
//! The key never reaches eframe storage, logs, exports or error text: [`ApiKey`]'s `Debug` is
//! redacted and it has no `Display`.

use std::fmt;
use std::sync::{Arc, Mutex};

use secrecy::{ExposeSecret as _, SecretString};

mod platform;

pub use platform::os_keyring;

/// Keyring service name under which the key is stored.
pub const KEYRING_SERVICE: &str = "interview-desk";

/// Keyring account (user) name of the default connection.
pub const DEFAULT_ACCOUNT: &str = "default";

/// Longest key [`ApiKey::new`] accepts, in bytes: far above any real key, so that a pasted
/// document or token bundle is refused before it replaces a working key.
pub const MAX_KEY_LEN: usize = 2_048;

/// An Instaview API key (`sk_...`, sent as a Bearer token). `Debug` prints `ApiKey(***)`.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a key, trimming surrounding white space.
    ///
    /// # Errors
    /// [`KeyFormatError`] when the key is empty, longer than [`MAX_KEY_LEN`], or contains white
    /// space, control or non-ASCII characters (it could not be sent in an HTTP header). The
    /// error never contains the key.
    pub fn new(key: &str) -> Result<Self, KeyFormatError> {
        let key = key.trim();
        if key.is_empty() {
            return Err(KeyFormatError::Empty);
        }
        if key.len() > MAX_KEY_LEN {
            return Err(KeyFormatError::TooLong { len: key.len() });
        }
        if key.chars().any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii()) {
            return Err(KeyFormatError::BadCharacters);
        }
        Ok(Self(SecretString::from(key.to_owned())))
    }

    /// The secret, for the `Authorization` header and the keyring only.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    /// True when the key has the documented `sk_` prefix (other keys are still used).
    pub fn looks_like_instaview_key(&self) -> bool {
        self.0.expose_secret().starts_with("sk_")
    }
}

/// Why a typed or pasted text cannot be an API key. Never contains the key; `Display` says
/// what to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyFormatError {
    /// The key is empty or only white space.
    #[error("The API key is empty.")]
    Empty,
    /// The key (without surrounding white space) is longer than [`MAX_KEY_LEN`] bytes: most
    /// likely a whole document or token bundle was pasted.
    #[error("The API key is {len} characters long, far longer than any API key; check what was pasted.")]
    TooLong {
        /// The key's length in bytes.
        len: usize,
    },
    /// The key contains white space, a control character or a non-ASCII character, which an
    /// HTTP header cannot carry.
    #[error("The API key contains spaces or characters an API key cannot have; paste it again.")]
    BadCharacters,
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }
}

/// Why the key store could not do what was asked. Never contains the key.
///
/// Each variant gets its own message and next step on the Connect screen and its own exit code
/// in `interview-desk key status`. "No key saved yet" is not an error: it is `Ok(None)`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// No keyring service is available (no Secret Service on the bus, no store for this OS).
    #[error("No OS keyring is available ({0})")]
    Unavailable(String),
    /// The keyring is locked and could not be unlocked without the user.
    #[error("The OS keyring is locked ({0})")]
    Locked(String),
    /// The keyring refused access to the key (e.g. Deny was clicked in a macOS Keychain prompt,
    /// or the item belongs to another program).
    #[error("The OS keyring refused access to the key ({0})")]
    AccessDenied(String),
    /// The key is longer than this keyring accepts; nothing was written, so a previously saved
    /// key is still there.
    #[error("The key is too long for this keyring (at most {limit} bytes can be stored)")]
    TooLong {
        /// The store's limit in bytes as the store counts them (UTF-16 on Windows).
        limit: usize,
    },
    /// The keyring did not answer in time (it may be waiting for an unlock prompt).
    #[error("The OS keyring did not answer within {0} s; it may be waiting to be unlocked")]
    TimedOut(u64),
    /// Any other keyring failure.
    #[error("The OS keyring failed: {0}")]
    Other(String),
}

/// Which key store is in use, for the Connect screen and `key status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreInfo {
    /// A short name, e.g. `Secret Service`.
    pub name: String,
    /// True when a saved key survives a restart of the computer.
    pub persistent: bool,
}

/// Somewhere to keep the API key, one per account name.
pub trait SecretStore: Send + Sync {
    /// A short name for the UI, e.g. `Secret Service` or `memory (this run only)`.
    fn name(&self) -> String;

    /// True when a saved key survives a restart of the app.
    fn is_persistent(&self) -> bool;

    /// The saved key, `Ok(None)` when none was saved.
    ///
    /// # Errors
    /// [`CredentialError`] when the store cannot be read.
    fn get(&self, account: &str) -> Result<Option<ApiKey>, CredentialError>;

    /// Saves (replaces) the key.
    ///
    /// # Errors
    /// [`CredentialError`] when the store cannot be written; the previous key is then kept.
    fn set(&self, account: &str, key: &ApiKey) -> Result<(), CredentialError>;

    /// The most bytes a saved value may take in this store, if it has a limit; checked before
    /// any write so that an oversize key never replaces a good one.
    fn max_secret_bytes(&self) -> Option<usize> {
        None
    }

    /// Name and persistence, for the UI.
    fn info(&self) -> StoreInfo {
        StoreInfo { name: self.name(), persistent: self.is_persistent() }
    }

    /// Deletes the key; deleting a missing key succeeds.
    ///
    /// # Errors
    /// [`CredentialError`] when the store cannot be written.
    fn delete(&self, account: &str) -> Result<(), CredentialError>;
}

/// A store backed by a keyring-core credential store (an OS store, or keyring-core's mock
/// store in tests).
pub struct KeyringStore {
    store: Arc<keyring_core::CredentialStore>,
    name: String,
    persistent: bool,
    limit: Option<usize>,
}

impl KeyringStore {
    /// Wraps a keyring-core store; `name` is shown to the user.
    pub fn new(store: Arc<keyring_core::CredentialStore>, name: &str, persistent: bool) -> Self {
        Self { store, name: name.to_owned(), persistent, limit: None }
    }

    /// The same store with a size limit for saved values, in bytes as the platform counts them.
    #[must_use]
    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    fn entry(&self, account: &str) -> Result<keyring_core::Entry, CredentialError> {
        keyring_core::Entry::new_in_store(&self.store, KEYRING_SERVICE, account).map_err(map_keyring_error)
    }
}

impl SecretStore for KeyringStore {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn is_persistent(&self) -> bool {
        self.persistent
    }

    fn max_secret_bytes(&self) -> Option<usize> {
        self.limit
    }

    fn get(&self, account: &str) -> Result<Option<ApiKey>, CredentialError> {
        match self.entry(account)?.get_password() {
            Ok(secret) => Ok(ApiKey::new(&secret).ok()),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            // Several matching items: an entry written by an older keyring layout (keyring-rs
            // changed how Secret Service entries are looked up) next to a new one. Any readable
            // one will do; the next save replaces them all.
            Err(keyring_core::Error::Ambiguous(entries)) => {
                Ok(entries.iter().filter_map(|e| e.get_password().ok()).find_map(|s| ApiKey::new(&s).ok()))
            }
            Err(err) => Err(map_keyring_error(err)),
        }
    }

    fn set(&self, account: &str, key: &ApiKey) -> Result<(), CredentialError> {
        check_length(self, key)?;
        let entry = self.entry(account)?;
        match entry.set_password(key.secret().expose_secret()) {
            Ok(()) => Ok(()),
            Err(keyring_core::Error::Ambiguous(entries)) => {
                // Migrate once: drop the duplicates (old layout included), then write one entry.
                for old in entries {
                    old.delete_credential().map_err(map_keyring_error)?;
                }
                entry.set_password(key.secret().expose_secret()).map_err(map_keyring_error)
            }
            Err(err) => Err(map_keyring_error(err)),
        }
    }

    fn delete(&self, account: &str) -> Result<(), CredentialError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(keyring_core::Error::Ambiguous(entries)) => {
                for old in entries {
                    old.delete_credential().map_err(map_keyring_error)?;
                }
                Ok(())
            }
            Err(err) => Err(map_keyring_error(err)),
        }
    }
}

/// Refuses a key longer than the store's limit (Windows Credential Manager holds at most
/// 2,560 bytes) before anything is written, so a previously saved key is never replaced by a
/// failed write.
///
/// # Errors
/// [`CredentialError::TooLong`] with the store's limit.
pub fn check_length(store: &dyn SecretStore, key: &ApiKey) -> Result<(), CredentialError> {
    let Some(limit) = store.max_secret_bytes() else { return Ok(()) };
    // Windows keeps the secret as UTF-16, two bytes per unit; counting so is safe everywhere.
    let bytes = key.secret().expose_secret().encode_utf16().count() * 2;
    if bytes > limit { Err(CredentialError::TooLong { limit }) } else { Ok(()) }
}

/// Keeps keys in memory only: the fallback when no OS keyring works (the key is gone when the
/// app exits), and the store used by tests and the demo.
#[derive(Default)]
pub struct MemoryStore {
    keys: Mutex<Vec<(String, ApiKey)>>,
}

impl SecretStore for MemoryStore {
    fn name(&self) -> String {
        "memory (this run only)".to_owned()
    }

    fn is_persistent(&self) -> bool {
        false
    }

    fn get(&self, account: &str) -> Result<Option<ApiKey>, CredentialError> {
        let keys = self.keys.lock().map_err(|_| CredentialError::Other("memory store poisoned".to_owned()))?;
        Ok(keys.iter().find(|(a, _)| a == account).map(|(_, key)| key.clone()))
    }

    fn set(&self, account: &str, key: &ApiKey) -> Result<(), CredentialError> {
        let mut keys = self.keys.lock().map_err(|_| CredentialError::Other("memory store poisoned".to_owned()))?;
        keys.retain(|(a, _)| a != account);
        keys.push((account.to_owned(), key.clone()));
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), CredentialError> {
        let mut keys = self.keys.lock().map_err(|_| CredentialError::Other("memory store poisoned".to_owned()))?;
        keys.retain(|(a, _)| a != account);
        Ok(())
    }
}

/// Maps keyring-core errors by variant (never by message text, which changes between versions).
/// What a platform's `NoStorageAccess`/`PlatformFailure` means is decided in [`platform`].
fn map_keyring_error(err: keyring_core::Error) -> CredentialError {
    use keyring_core::Error as E;
    match err {
        E::NoDefaultStore => CredentialError::Unavailable("no credential store is set up".to_owned()),
        E::NoStorageAccess(inner) => platform::no_access(inner.as_ref()),
        E::PlatformFailure(inner) => platform::failure(inner.as_ref()),
        E::TooLong(_, limit) => CredentialError::TooLong { limit: usize::try_from(limit).unwrap_or(usize::MAX) },
        E::NoEntry => CredentialError::Other("no key saved".to_owned()),
        E::BadEncoding(_) | E::BadDataFormat(..) => {
            CredentialError::Other("the saved key is not readable text".to_owned())
        }
        E::BadStoreFormat(reason) => CredentialError::Other(format!("the keyring's data is damaged ({reason})")),
        E::Invalid(what, reason) => CredentialError::Other(format!("the keyring refused the {what} ({reason})")),
        E::NotSupportedByStore(what) => CredentialError::Unavailable(what),
        E::Ambiguous(entries) => CredentialError::Other(format!("{} keys match this connection", entries.len())),
        // `keyring_core::Error` is non-exhaustive; a new variant is reported by name only (its
        // data could in theory hold a secret).
        other => CredentialError::Other(
            format!("{other:?}").split(['(', ' ', '{']).next().unwrap_or("unknown error").to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mock_store() -> KeyringStore {
        let store: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
        KeyringStore::new(store, "mock", true)
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("  sk_live_secretvalue123  ").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        assert_eq!(key.secret().expose_secret(), "sk_live_secretvalue123");
        assert!(key.looks_like_instaview_key());
    }

    #[test]
    fn keys_that_cannot_be_sent_are_refused_without_echoing_them() {
        for bad in ["", "   ", "sk_live abc", "sk_\u{7}x", "sk_ключ"] {
            let err = ApiKey::new(bad).unwrap_err().to_string();
            assert!(!bad.trim().is_empty() && !err.contains(bad.trim()) || bad.trim().is_empty(), "{err}");
        }
    }

    #[test]
    fn each_kind_of_bad_key_has_its_own_error() {
        assert_eq!(ApiKey::new("  ").unwrap_err(), KeyFormatError::Empty);
        assert_eq!(ApiKey::new("sk_live abc").unwrap_err(), KeyFormatError::BadCharacters);
        let long = "x".repeat(MAX_KEY_LEN + 1);
        assert_eq!(ApiKey::new(&long).unwrap_err(), KeyFormatError::TooLong { len: MAX_KEY_LEN + 1 });
        assert!(ApiKey::new(&"x".repeat(MAX_KEY_LEN)).is_ok());
    }

    #[test]
    fn keyring_store_round_trip_and_delete() {
        for store in [Box::new(mock_store()) as Box<dyn SecretStore>, Box::new(MemoryStore::default())] {
            assert_eq!(store.get("default").unwrap(), None);
            store.set("default", &ApiKey::new("sk_test_one").unwrap()).unwrap();
            store.set("default", &ApiKey::new("sk_test_two").unwrap()).unwrap();
            assert_eq!(store.get("default").unwrap(), Some(ApiKey::new("sk_test_two").unwrap()));
            assert_eq!(store.get("other").unwrap(), None);
            store.delete("default").unwrap();
            store.delete("default").unwrap();
            assert_eq!(store.get("default").unwrap(), None);
        }
    }

    #[test]
    fn a_too_long_key_is_refused_before_the_write_and_the_saved_key_stays() {
        let store = mock_store().with_limit(2560);
        store.set("default", &ApiKey::new("sk_test_previous").unwrap()).unwrap();
        let long = ApiKey::new(&format!("sk_{}", "x".repeat(1278))).unwrap();
        assert_eq!(store.set("default", &long), Err(CredentialError::TooLong { limit: 2560 }));
        assert_eq!(store.get("default").unwrap(), Some(ApiKey::new("sk_test_previous").unwrap()));
        store.set("default", &ApiKey::new(&format!("sk_{}", "x".repeat(1277))).unwrap()).unwrap();
    }

    /// Runs against the real OS keyring; `.ci/run` runs it with a headless gnome-keyring, and in
    /// Windows Credential Manager under wine.
    #[test]
    #[ignore = "needs an unlocked OS keyring (see .ci/run)"]
    fn real_os_keyring_round_trip() {
        let store = os_keyring().unwrap();
        if let Some(expected) = platform::expected_store() {
            assert_eq!(store.name(), expected, "the platform's own store is preferred");
            assert!(store.is_persistent());
        }
        assert_round_trip(&store, &format!("test-{}", std::process::id()));
    }

    /// Saves a key under `account` in `store`, reads it back, deletes it and checks it is gone.
    pub(super) fn assert_round_trip(store: &dyn SecretStore, account: &str) {
        let key = ApiKey::new("sk_test_real_store_round_trip").unwrap();
        store.set(account, &key).unwrap();
        assert_eq!(store.get(account).unwrap(), Some(key));
        store.delete(account).unwrap();
        assert_eq!(store.get(account).unwrap(), None);
    }
}
