//! Named connections ("profiles"), shared by the window and the command line.
//!
//! The list lives in a small JSON file, `settings.json`, in the OS config folder (or in
//! [`CONFIG_DIR_ENV`]); it is written atomically and never holds a key. Each profile's key is
//! in the OS keyring under service `interview-desk` with the profile's name as account, so the
//! profile named `default` finds a key saved before profiles existed.

use std::path::{Path, PathBuf};

use crate::api::{ApiConfig, DEFAULT_BASE_URL};
use crate::credentials::DEFAULT_ACCOUNT;
use crate::export::{WriteError, write_atomically};

/// Environment variable naming the folder for `settings.json` instead of the OS config folder.
pub const CONFIG_DIR_ENV: &str = "INTERVIEW_DESK_CONFIG_DIR";

/// Name of the profile that the earlier, single-connection version's settings become.
pub const DEFAULT_PROFILE: &str = DEFAULT_ACCOUNT;

/// The longest profile name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// One named connection. Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Profile {
    /// Shown in the switcher; also the keyring account of its key.
    pub name: String,
    /// API base URL.
    pub base_url: String,
    /// `companyId` for ATS integration keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
}

impl Profile {
    /// A profile for `config` named `name`.
    pub fn new(name: &str, config: &ApiConfig) -> Self {
        Self { name: name.trim().to_owned(), base_url: config.base_url.clone(), company_id: config.company_id.clone() }
    }

    /// The keyring account of this profile's key.
    pub fn account(&self) -> &str {
        &self.name
    }

    /// The API configuration this profile names.
    pub fn config(&self) -> ApiConfig {
        ApiConfig::new(&self.base_url, self.company_id.as_deref())
    }
}

/// Why a profile name typed by the user cannot be used. `Display` tells the user what to type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The name is empty or only spaces.
    #[error("Give the connection a name.")]
    Empty,
    /// The name (without surrounding spaces) is longer than [`MAX_NAME_CHARS`] characters.
    #[error("A connection name has at most {MAX_NAME_CHARS} characters.")]
    TooLong,
    /// The name holds a control character (a tab, a newline, ...).
    #[error("A connection name cannot contain control characters.")]
    ControlCharacter,
}

/// Checks a profile name typed by the user; returns it without surrounding spaces.
///
/// # Errors
/// [`NameError`] when the name is empty, too long, or has control characters.
pub fn check_name(name: &str) -> Result<&str, NameError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameError::TooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(NameError::ControlCharacter);
    }
    Ok(name)
}

/// Why `settings.json` could not be read or written. `Display` names the file (or folder).
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file exists but could not be read (no permission, it is a folder, an I/O error).
    #[error("could not read {}: {source}", path.display())]
    Read {
        /// The settings file.
        path: PathBuf,
        /// The OS's reason.
        source: std::io::Error,
    },
    /// The file was read but is not valid settings JSON.
    #[error("{} is not a valid settings file ({source})", path.display())]
    Parse {
        /// The settings file.
        path: PathBuf,
        /// What the JSON parser found wrong, with line and column.
        source: serde_json::Error,
    },
    /// The folder for the file could not be created.
    #[error("could not create the folder {}: {source}", path.display())]
    CreateFolder {
        /// The folder that was to be created.
        path: PathBuf,
        /// The OS's reason.
        source: std::io::Error,
    },
    /// The settings could not be turned into JSON (not expected: every field is a string).
    #[error("the settings could not be written as JSON: {0}")]
    Serialize(#[source] serde_json::Error),
    /// The file could not be written; the message names it and the OS's reason.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The contents of `settings.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Settings {
    /// The connections, in the order they were added.
    pub profiles: Vec<Profile>,
    /// The connection the window used last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used: Option<String>,
    /// Settings → Review: the reviewer's name, the review folder, the scorecard criteria.
    #[serde(skip_serializing_if = "crate::review::ReviewSettings::is_default")]
    pub review: crate::review::ReviewSettings,
}

impl Settings {
    /// The profile called `name`.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// Adds `profile`, or replaces the one with its name (keeping its place).
    pub fn upsert(&mut self, profile: Profile) {
        match self.profiles.iter_mut().find(|p| p.name == profile.name) {
            Some(existing) => *existing = profile,
            None => self.profiles.push(profile),
        }
    }

    /// Removes the profile called `name`, and forgets it as the last used; false when there was
    /// no such profile.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.profiles.len();
        self.profiles.retain(|p| p.name != name);
        if self.last_used.as_deref() == Some(name) {
            self.last_used = None;
        }
        self.profiles.len() != before
    }

    /// The profile to start with: `wanted`, else the last used, else `default`, else the first.
    pub fn starting_profile(&self, wanted: Option<&str>) -> Option<&Profile> {
        if let Some(wanted) = wanted {
            return self.get(wanted);
        }
        self.last_used
            .as_deref()
            .and_then(|name| self.get(name))
            .or_else(|| self.get(DEFAULT_PROFILE))
            .or_else(|| self.profiles.first())
    }

    /// Moves the single-connection settings of the earlier version (kept in the window's own
    /// storage) into a profile named `default`, once: only while there are no profiles yet.
    /// Returns true when something was migrated.
    pub fn migrate_legacy(&mut self, base_url: &str, company_id: &str) -> bool {
        if !self.profiles.is_empty() || base_url.trim().is_empty() {
            return false;
        }
        self.profiles.push(Profile::new(DEFAULT_PROFILE, &ApiConfig::new(base_url, Some(company_id))));
        true
    }

    /// Reads `path`; a missing file is an empty list.
    ///
    /// # Errors
    /// [`SettingsError::Read`] when the file exists but cannot be read, and
    /// [`SettingsError::Parse`] when it is not valid settings JSON; both name the file.
    pub fn load(path: &Path) -> Result<Self, SettingsError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                serde_json::from_str(&text).map_err(|source| SettingsError::Parse { path: path.to_owned(), source })
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(SettingsError::Read { path: path.to_owned(), source }),
        }
    }

    /// Writes the settings to `path` atomically, creating its folder.
    ///
    /// # Errors
    /// [`SettingsError::CreateFolder`] when the file's folder cannot be created and
    /// [`SettingsError::Write`] when the file cannot be written; both name the path.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .map_err(|source| SettingsError::CreateFolder { path: folder.to_owned(), source })?;
        }
        let mut text = serde_json::to_string_pretty(self).map_err(SettingsError::Serialize)?;
        text.push('\n');
        Ok(write_atomically(path, text.as_bytes())?)
    }
}

/// The folder of `settings.json`: [`CONFIG_DIR_ENV`] if set, else the OS config folder
/// (`~/.config/interview-desk` on Linux, `~/Library/Application Support/...` on macOS,
/// `%APPDATA%\...` on Windows). `None` when the OS names no home folder.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "interview-desk").map(|dirs| dirs.config_dir().to_owned())
}

/// Where `settings.json` is, see [`config_dir`].
pub fn settings_path() -> Option<PathBuf> {
    config_dir().map(|dir| dir.join("settings.json"))
}

/// The file where eframe keeps the window's size and position and the remembered view state
/// (tab, recent IDs, export choices): `app.ron` in [`CONFIG_DIR_ENV`] if set, else in the OS
/// data folder (`~/.local/share/interview-desk` on Linux, `~/Library/Application
/// Support/interview-desk` on macOS, `%APPDATA%\interview-desk\data` on Windows; eframe's own
/// default too, so an earlier version's window state is kept). The demo uses `demo-app.ron`
/// beside it, so sample IDs never mix with real ones. `None` when the OS names no home folder.
pub fn app_state_path(demo: bool) -> Option<PathBuf> {
    let dir = match std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => directories::ProjectDirs::from("", "", "interview-desk")?.data_dir().to_owned(),
    };
    Some(dir.join(if demo { "demo-app.ron" } else { "app.ron" }))
}

/// A built-in profile for when none is saved: `default` on the public API.
pub fn builtin_default() -> Profile {
    Profile { name: DEFAULT_PROFILE.to_owned(), base_url: DEFAULT_BASE_URL.to_owned(), company_id: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_single_connection_settings_become_the_default_profile_once() {
        let mut settings = Settings::default();
        assert!(settings.migrate_legacy("https://staging.example.com", " acme "));
        let profile = settings.get("default").unwrap();
        assert_eq!(profile.base_url, "https://staging.example.com");
        assert_eq!(profile.company_id.as_deref(), Some("acme"));
        assert_eq!(profile.account(), "default", "the key saved by the earlier version is found");
        assert!(!settings.migrate_legacy("https://other.example.com", ""), "only once");
        assert_eq!(settings.profiles.len(), 1);
    }

    #[test]
    fn settings_round_trip_through_the_file_and_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("settings.json");
        assert_eq!(Settings::load(&path).unwrap(), Settings::default());
        let mut settings = Settings::default();
        settings.upsert(Profile::new("work", &ApiConfig::new("https://api.instaview.sk", None)));
        settings.upsert(Profile::new("staging", &ApiConfig::new("https://staging.example.com", Some("c1"))));
        settings.upsert(Profile::new("work", &ApiConfig::new("https://api2.example.com", None)));
        settings.last_used = Some("staging".into());
        settings.save(&path).unwrap();
        let loaded = Settings::load(&path).unwrap();
        assert_eq!(loaded, settings);
        assert_eq!(loaded.profiles[0].base_url, "https://api2.example.com", "replaced in place");
        assert_eq!(loaded.starting_profile(None).unwrap().name, "staging");
        assert_eq!(loaded.starting_profile(Some("work")).unwrap().name, "work");
        assert!(loaded.starting_profile(Some("nope")).is_none());
        std::fs::write(&path, "{ not json").unwrap();
        let err = Settings::load(&path).unwrap_err();
        assert!(matches!(err, SettingsError::Parse { .. }), "{err:?}");
        assert!(err.to_string().contains("settings.json"), "{err}");
    }

    #[test]
    fn profile_names_are_checked() {
        assert_eq!(check_name("  Staging  ").unwrap(), "Staging");
        assert_eq!(check_name("   "), Err(NameError::Empty));
        assert_eq!(check_name("a\tb"), Err(NameError::ControlCharacter));
        assert_eq!(check_name(&"x".repeat(MAX_NAME_CHARS + 1)), Err(NameError::TooLong));
    }
}
