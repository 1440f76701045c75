//! Connections: the Connect form, saving and switching connections, signing out and deleting
//! them. The connections file is read and written by the worker; its answers continue the
//! flows here ([`SettingsFollowUp`]).

use std::sync::Arc;

use super::session::{ConnectFields, ConnectStatus, DeleteConnection, KeyAction, RelatedCache, Remote, Screen};
use super::{App, InterviewList};
use crate::api::{ApiConfig, DEFAULT_BASE_URL};
use crate::credentials::ApiKey;
use crate::profiles::{self, Profile, Settings};
use crate::worker::{Command as WorkerCommand, SettingsChange, SettingsFailure};

/// What to do once the worker has answered a settings update.
pub(super) enum SettingsFollowUp {
    /// Nothing more: the change was made in memory already.
    Nothing,
    /// The first read at start: pick the connection (`wanted`, from `--profile`) and read its key.
    Startup {
        /// The connection asked for on the command line.
        wanted: Option<String>,
    },
    /// The connection of the Connect form was recorded: save its typed key, then connect.
    SaveKey {
        /// The connection's name.
        name: String,
        /// Its base URL and company ID.
        config: ApiConfig,
        /// The key to save in the keyring.
        key: ApiKey,
    },
    /// The connection of the Connect form was recorded: connect with it, key in memory only.
    Connect {
        /// The connection's name.
        name: String,
        /// Its base URL and company ID.
        config: ApiConfig,
        /// Its key.
        key: ApiKey,
    },
}

impl App {
    /// Switches to `config` and `key` (without a test request) and shows the main screen.
    pub(super) fn use_connection(&mut self, config: ApiConfig, key: ApiKey) {
        self.session.connect.key_problem = None;
        self.session.connect.info = None;
        if self.session.active.as_ref() != Some(&config) {
            self.session.related = RelatedCache::default();
        }
        self.key = Some(key.clone());
        self.session.active = Some(config.clone());
        self.send(WorkerCommand::Connect { config, key, check: false });
        self.session.screen = Screen::Main;
        self.reload_list();
        if let Some(open) = self.pending_open.take() {
            self.open(&open);
        }
    }

    /// Whether the form saves `name` as a connection other than the one in use (a new
    /// connection, a renamed one, or one beside a run with `INSTAVIEW_API_KEY`): then the name
    /// must not be taken.
    fn is_other_connection(&self, name: &str) -> bool {
        self.session.connect.new_profile || name != self.session.profile || self.session.one_off
    }

    /// The Connect form's name, config and key. The key field may be left empty when a key is
    /// already in use (it is kept).
    fn form_connection(&self) -> Result<(String, ApiConfig, ApiKey), String> {
        let form = &self.edits.connect;
        let name = profiles::check_name(&form.name).map_err(|err| err.to_string())?.to_owned();
        if self.is_other_connection(&name) && self.session.settings.get(&name).is_some() {
            return Err(taken_message(&name));
        }
        let key = if form.key.trim().is_empty() {
            // Only the key of the same connection may be kept; a new one needs its own key, and
            // a run's INSTAVIEW_API_KEY is never given to a saved connection.
            let in_use = if name == self.session.profile && !self.session.one_off { self.key.clone() } else { None };
            self.keys.get(&name).cloned().or(in_use).ok_or_else(|| "Enter the API key.".to_owned())?
        } else {
            ApiKey::new(&form.key).map_err(|err| err.to_string())?
        };
        let config = ApiConfig::new(&form.base_url, Some(&form.company_id));
        config.parsed_base_url().map_err(|err| err.to_string())?;
        Ok((name, config, key))
    }

    /// "Test connection": one request with the form's values.
    pub(super) fn test_connection(&mut self) {
        match self.form_connection() {
            Ok((_, config, key)) => {
                self.session.connect.begin("Testing the connection…");
                self.send(WorkerCommand::Connect { config, key, check: true });
            }
            Err(err) => self.session.connect.action.finish(Err(err)),
        }
    }

    /// "Save": records the connection in the settings (refused when a connection the command
    /// line added meanwhile has the name), then stores a newly typed key in the keyring under
    /// the connection's name, then connects.
    pub(super) fn save_connection(&mut self) {
        let (name, config, key) = match self.form_connection() {
            Ok(values) => values,
            Err(err) => {
                self.session.connect.action.finish(Err(err));
                return;
            }
        };
        self.session.connect.action = Remote::NotRequested;
        self.session.connect.info = None;
        self.session.connect.key_problem = None;
        if self.session.demo || self.edits.connect.key.trim().is_empty() {
            self.connect_with_form();
            return;
        }
        self.session.connect.begin("Saving the connection…");
        let change = self.record_connection_change(&name, &config);
        self.change_settings(change, SettingsFollowUp::SaveKey { name, config, key });
    }

    /// Uses the form's connection without saving the key (keyring unusable, or no new key):
    /// records the connection, then connects.
    pub(super) fn connect_with_form(&mut self) {
        match self.form_connection() {
            Ok((name, config, key)) if self.session.demo => self.connect_as(name, config, key),
            Ok((name, config, key)) => {
                self.session.connect.begin("Saving the connection…");
                let change = self.record_connection_change(&name, &config);
                self.change_settings(change, SettingsFollowUp::Connect { name, config, key });
            }
            Err(err) => self.session.connect.action.finish(Err(err)),
        }
    }

    /// The settings change that records the form's connection, refused when its name is taken
    /// in the file as it is now.
    fn record_connection_change(&self, name: &str, config: &ApiConfig) -> SettingsChange {
        let profile = Profile::new(name, config);
        let other = self.is_other_connection(name);
        Arc::new(move |settings: &mut Settings| {
            if other && settings.get(&profile.name).is_some() {
                return Err(taken_message(&profile.name));
            }
            settings.last_used = Some(profile.name.clone());
            settings.upsert(profile.clone());
            Ok(())
        })
    }

    /// Makes `name` the connection in use with `config` and `key` (kept in memory).
    pub(super) fn connect_as(&mut self, name: String, config: ApiConfig, key: ApiKey) {
        self.adopt_profile(&name);
        self.edits.connect.key.clear();
        self.session.connect.new_profile = false;
        self.keys.insert(name, key.clone());
        self.use_connection(config, key);
    }

    /// Makes `name` the connection in use, dropping the other connection's data.
    fn adopt_profile(&mut self, name: &str) {
        if name != self.session.profile {
            self.clear_connection_data();
            self.session.profile = name.to_owned();
        }
        self.session.one_off = false;
    }

    /// The connection in use: the saved profile, or the built-in `default` (public API) when
    /// nothing is saved under that name yet.
    pub(super) fn current_profile(&self) -> Profile {
        self.session
            .settings
            .get(&self.session.profile)
            .cloned()
            .unwrap_or_else(|| Profile { name: self.session.profile.clone(), ..profiles::builtin_default() })
    }

    /// Switches to the saved connection `name`. What belonged to the previous connection (open
    /// interview, list, names, comparison) is dropped; the key is read from the keyring unless
    /// it was read already this run.
    pub(super) fn switch_profile(&mut self, name: &str) {
        if name == self.session.profile && self.session.screen == Screen::Main && !self.session.one_off {
            return;
        }
        let Some(profile) = self.session.settings.get(name).cloned() else { return };
        self.clear_connection_data();
        self.session.one_off = false;
        self.session.profile.clone_from(&profile.name);
        let last_used = profile.name.clone();
        self.change_settings_now(Arc::new(move |settings: &mut Settings| {
            settings.last_used = Some(last_used.clone());
            Ok(())
        }));
        self.session.connect = ConnectStatus::default();
        self.edits.connect = ConnectFields::default();
        match self.keys.get(&profile.name).cloned() {
            Some(key) => self.use_connection(profile.config(), key),
            None => {
                self.session.screen = Screen::Starting;
                self.send(WorkerCommand::LoadKey { account: profile.account().to_owned() });
            }
        }
    }

    /// "New connection…": an empty Connect form that saves under a new name.
    pub(super) fn new_connection(&mut self) {
        self.session.connect = ConnectStatus { new_profile: true, ..ConnectStatus::default() };
        self.edits.connect = ConnectFields { base_url: DEFAULT_BASE_URL.to_owned(), ..ConnectFields::default() };
        self.session.screen = Screen::Connect;
    }

    /// "Sign out": deletes this connection's key from the keyring; the Connect screen then
    /// says it was removed (or why it could not be).
    pub(super) fn sign_out(&mut self) {
        self.session.connect.begin("Removing the key from the OS keyring…");
        let account = self.session.profile.clone();
        self.send(WorkerCommand::DeleteKey { account });
    }

    /// "Delete connection…" confirmed: removes the key of connection `name` from the keyring,
    /// then (when the worker says the key is gone) the connection from the settings, and moves
    /// to another saved connection, or to a new one when none is left.
    pub(super) fn delete_connection(&mut self, name: &str) {
        self.session.delete_connection = Some(DeleteConnection::Removing(name.to_owned()));
        self.send(WorkerCommand::DeleteKey { account: name.to_owned() });
    }

    /// The second half of "Delete connection…": only once the key is gone from the keyring is
    /// the connection removed from the settings, so a refusal leaves nothing behind unseen.
    pub(super) fn remove_deleted_connection(&mut self, name: &str) {
        let removed = name.to_owned();
        self.change_settings_now(Arc::new(move |settings: &mut Settings| {
            settings.remove(&removed);
            Ok(())
        }));
        if name != self.session.profile {
            return;
        }
        match self.session.settings.starting_profile(None).map(|p| p.name.clone()) {
            Some(other) => self.switch_profile(&other),
            None => {
                self.clear_connection_data();
                self.session.profile = profiles::builtin_default().name;
                self.new_connection();
            }
        }
    }

    /// Retry after a key store failure: read, save or delete again.
    pub(super) fn retry_key(&mut self) {
        let Some(problem) = self.session.connect.key_problem.take() else { return };
        match problem.action {
            KeyAction::Load => {
                self.session.screen = Screen::Starting;
                self.send(WorkerCommand::LoadKey { account: self.session.profile.clone() });
            }
            KeyAction::Save => self.save_connection(),
            KeyAction::Delete => self.sign_out(),
        }
    }

    /// Forgets everything fetched through the current connection.
    pub(super) fn clear_connection_data(&mut self) {
        self.key = None;
        self.session.active = None;
        self.session.current = None;
        self.session.list = InterviewList::default();
        self.edits.filters = super::ListFilters::default();
        self.session.related = RelatedCache::default();
        self.session.compare.clear();
        self.session.show_compare = false;
        self.session.export = Remote::NotRequested;
        self.session.pdf = Remote::NotRequested;
        self.session.notice = None;
        self.session.quota = None;
        self.edits.open_input.clear();
        self.session.open_error = None;
    }

    /// Reads the connections file again (on the worker), to see connections that the command
    /// line added or deleted meanwhile; an unreadable file keeps what the window had.
    pub(super) fn reload_settings(&mut self) {
        if let Some(path) = self.settings_path.clone() {
            let ticket = self.next_ticket(SettingsFollowUp::Nothing);
            self.send(WorkerCommand::UpdateSettings { path, change: None, ticket });
        }
    }

    /// Makes `change` now in memory, and in the file through the worker (on a fresh read).
    pub(super) fn change_settings_now(&mut self, change: SettingsChange) {
        let mut copy = self.session.settings.clone();
        if change(&mut copy).is_ok() {
            self.session.settings = copy;
        }
        if let Some(path) = self.settings_path.clone().filter(|_| !self.session.demo) {
            // The file gets the same change on its own fresh read.
            let ticket = self.next_ticket(SettingsFollowUp::Nothing);
            self.send(WorkerCommand::UpdateSettings { path, change: Some(change), ticket });
        }
    }

    /// Makes `change` in the file through the worker (on a fresh read), then `then`. In demo
    /// mode and without a settings file the change is made in memory at once.
    pub(super) fn change_settings(&mut self, change: SettingsChange, then: SettingsFollowUp) {
        match self.settings_path.clone().filter(|_| !self.session.demo) {
            Some(path) => {
                let ticket = self.next_ticket(then);
                self.send(WorkerCommand::UpdateSettings { path, change: Some(change), ticket });
            }
            None => {
                let mut settings = self.session.settings.clone();
                let result = change(&mut settings).map(|()| settings).map_err(SettingsFailure::Refused);
                self.settings_updated(result, then);
            }
        }
    }

    /// Keeps `then` until the answer with the returned ticket arrives.
    pub(super) fn next_ticket(&mut self, then: SettingsFollowUp) -> u64 {
        self.last_ticket += 1;
        self.settings_follow_ups.insert(self.last_ticket, then);
        self.last_ticket
    }

    /// The worker's answer to a settings update with `ticket`.
    pub(super) fn on_settings_updated(&mut self, ticket: u64, result: Result<Settings, SettingsFailure>) {
        let then = self.settings_follow_ups.remove(&ticket).unwrap_or(SettingsFollowUp::Nothing);
        self.settings_updated(result, then);
    }

    fn settings_updated(&mut self, result: Result<Settings, SettingsFailure>, then: SettingsFollowUp) {
        let recorded = match result {
            Ok(settings) => {
                self.session.settings = settings;
                true
            }
            Err(SettingsFailure::Refused(why)) => {
                self.session.connect.action.finish(Err(why));
                false
            }
            Err(SettingsFailure::Unreadable(why)) => {
                let why = why.to_string();
                let text = if matches!(then, SettingsFollowUp::Startup { .. }) {
                    format!("Saved connections could not be read: {why}")
                } else {
                    format!("Saved connections could not be read, so nothing was changed in them: {why}")
                };
                self.session.notifications.error(text);
                matches!(then, SettingsFollowUp::Startup { .. } | SettingsFollowUp::Connect { .. })
            }
            Err(SettingsFailure::Lost(why)) => {
                self.session.notifications.error(format!("Saved connections could not be updated: {why}"));
                false
            }
            Err(SettingsFailure::Unwritable { settings, error }) => {
                self.session.settings = *settings;
                self.session.notifications.error(format!("Saved connections could not be written: {error}"));
                true
            }
        };
        if !recorded {
            return;
        }
        match then {
            SettingsFollowUp::Nothing => {}
            SettingsFollowUp::Startup { wanted } => self.start_with_settings(wanted.as_deref()),
            SettingsFollowUp::SaveKey { name, config, key } => {
                self.adopt_profile(&name);
                // It is the connection in use now: a Retry saves it again, not a new one.
                self.session.connect.new_profile = false;
                self.session.connect.begin("Saving the key in the OS keyring…");
                self.saving_key = Some((config, key.clone()));
                self.send(WorkerCommand::SaveKey { account: name, key });
            }
            SettingsFollowUp::Connect { name, config, key } => {
                self.session.connect.action = Remote::NotRequested;
                self.connect_as(name, config, key);
            }
        }
    }

    /// At start, once the connections are read: moves the earlier version's single connection
    /// into them, picks the connection to use and reads its key.
    pub(super) fn start_with_settings(&mut self, wanted: Option<&str>) {
        let (legacy_url, legacy_company) = (self.legacy.base_url.clone(), self.legacy.company_id.clone());
        if !self.session.demo && self.session.settings.profiles.is_empty() && !legacy_url.trim().is_empty() {
            self.change_settings_now(Arc::new(move |settings: &mut Settings| {
                settings.migrate_legacy(&legacy_url, &legacy_company);
                Ok(())
            }));
            self.legacy.base_url.clear();
            self.legacy.company_id.clear();
        }
        let profile = match self.session.settings.starting_profile(wanted) {
            Some(profile) => profile.clone(),
            None => {
                if let Some(name) = wanted.filter(|name| *name != profiles::DEFAULT_PROFILE) {
                    self.session
                        .notifications
                        .warning(format!("There is no saved connection named “{name}”; set it up below."));
                }
                Profile { name: wanted.unwrap_or(profiles::DEFAULT_PROFILE).to_owned(), ..profiles::builtin_default() }
            }
        };
        if self.session.one_off {
            return; // Connected already with the run's own URL and key.
        }
        self.session.profile.clone_from(&profile.name);
        self.edits.connect = ConnectFields {
            name: profile.name.clone(),
            base_url: profile.base_url.clone(),
            company_id: profile.company_id.clone().unwrap_or_default(),
            key: String::new(),
        };
        self.send(WorkerCommand::LoadKey { account: profile.account().to_owned() });
    }

    /// Opens the Connect screen prefilled with the current connection.
    pub(super) fn show_connect(&mut self) {
        let profile = self.current_profile();
        let config = self.session.active.clone().unwrap_or_else(|| profile.config());
        self.edits.connect.name = profile.name;
        self.edits.connect.base_url = config.base_url;
        self.edits.connect.company_id = config.company_id.unwrap_or_default();
        self.session.connect.new_profile = false;
        self.session.connect.action = Remote::NotRequested;
        self.session.connect.info = None;
        self.session.connect.key_problem = None;
        self.session.screen = Screen::Connect;
    }
}

/// The message for a new connection whose name another connection has.
fn taken_message(name: &str) -> String {
    format!(
        "A connection named “{name}” exists already: pick it under Connection and choose Edit \
         connection… to change it, or give this one another name."
    )
}
