//! The eframe app: persisted [`State`], runtime plumbing, and event handling. The screens
//! themselves live in [`crate::ui`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::api::rate_limit::{ClientNotice, RateLimitStatus};
use crate::api::related::RelatedKind;
use crate::api::{ApiConfig, ApiError, DEFAULT_BASE_URL, InterviewRecord, interview_id_from};
use crate::browse::Browse;
use crate::bulk::{BulkOptions, BulkProgress, BulkReport, BulkTarget, CancelToken};
use crate::credentials::{ApiKey, CredentialError, StoreInfo};
use crate::demo::DEMO_API_KEY;
use crate::dialog::{DialogAnswer, SaveDialog};
use crate::export::{
    ExportOptions, ExportSource, RelatedRecords, WriteError, default_file_name, export_document_with, with_extension,
    with_json_extension,
};
use crate::profiles::{self, Profile, Settings};
use crate::ui;
use crate::ui::transcript::TranscriptView;
use crate::worker::{Command, DialogFuture, Event, PdfOutcome, SaveOutcome, StoreChoice, Worker};

/// A dialog answer that is already known (a typed path, or a retry into the same folder).
fn ready(answer: DialogAnswer) -> DialogFuture {
    Box::pin(async move { answer })
}

/// How many recently opened interview IDs are remembered.
pub const MAX_RECENT: usize = 12;

/// What is remembered across restarts (eframe storage). Never holds the key or candidate data:
/// only interview IDs and view choices. Connections live in [`profiles::Settings`].
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct State {
    /// The API base URL of the earlier, single-connection version; moved into the `default`
    /// profile at the first start and then emptied (no longer written).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub base_url: String,
    /// The company ID of the earlier version; moved with [`State::base_url`].
    #[serde(skip_serializing_if = "String::is_empty")]
    pub company_id: String,
    /// Recently opened interview IDs, newest first (IDs only).
    pub recent: Vec<String>,
    /// The selected tab.
    pub tab: Tab,
    /// What the side panel shows.
    pub side: SidePanel,
    /// The Export tab's choices.
    pub export: ExportPrefs,
}

/// What an export contains, as chosen on the Export tab (remembered).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ExportPrefs {
    /// Keep the transcript in the document.
    pub transcript: bool,
    /// Add the candidate, agent and job records (once looked up).
    pub names: bool,
    /// Also save the analysis PDF beside the document.
    pub pdf_beside: bool,
}

impl Default for ExportPrefs {
    fn default() -> Self {
        Self { transcript: true, names: true, pdf_beside: false }
    }
}

/// The side panel's two views.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub enum SidePanel {
    /// The interview list from the server, with filters.
    #[default]
    Interviews,
    /// Recently opened interview IDs.
    Recent,
}

impl Default for State {
    fn default() -> Self {
        Self {
            base_url: String::new(),
            company_id: String::new(),
            recent: Vec::new(),
            tab: Tab::Metadata,
            side: SidePanel::Interviews,
            export: ExportPrefs::default(),
        }
    }
}

/// The tabs of an open interview.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub enum Tab {
    /// Status, times, people, custom metadata, call attempts.
    #[default]
    Metadata,
    /// Speaker turns with search.
    Transcript,
    /// Score charts and the AI evaluation.
    Analysis,
    /// Export document preview and Save as.
    Export,
}

impl Tab {
    /// Every tab in display order.
    pub const ALL: [Self; 4] = [Self::Metadata, Self::Transcript, Self::Analysis, Self::Export];

    /// The tab's label (also its accessible name).
    pub fn label(self) -> &'static str {
        match self {
            Self::Metadata => "Metadata",
            Self::Transcript => "Transcript",
            Self::Analysis => "Analysis",
            Self::Export => "Export",
        }
    }
}

/// How the app is started.
pub struct AppOptions {
    /// Where the API key is kept.
    pub store: StoreChoice,
    /// Start the embedded demo server and connect to it.
    pub demo: bool,
    /// Interview to open once connected (an ID or a URL containing one).
    pub open: Option<String>,
    /// Tab to show first.
    pub tab: Option<Tab>,
    /// The save dialog.
    pub dialog: Box<dyn SaveDialog>,
    /// Flags for scripted runs (smoke tests, measurements).
    pub automation: Automation,
    /// The connection to start with (`--profile`); else the last used one.
    pub profile: Option<String>,
    /// The connections file (`settings.json`); `None` keeps connections in memory only (demo).
    pub settings_path: Option<PathBuf>,
}

/// Command-line flags for scripted runs of the window.
#[derive(Clone, Debug, Default)]
pub struct Automation {
    /// Connect with this base URL/company and key instead of the saved ones; nothing is saved
    /// (the key comes from `INSTAVIEW_API_KEY` and stays in memory).
    pub connection: Option<(ApiConfig, ApiKey)>,
    /// Put this text in the transcript search box once the interview has loaded.
    pub search: Option<String>,
    /// Close the window cleanly this long after start.
    pub exit_after: Option<Duration>,
    /// At exit, write frame-time statistics (CPU time of each frame) as JSON here.
    pub frame_stats: Option<PathBuf>,
}

/// Which screen the central area shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Reading the saved key, or starting the demo server.
    Starting,
    /// Entering or changing the connection.
    Connect,
    /// Opening and reading interviews.
    Main,
}

/// A remote value: loading, loaded, or failed with the error to show.
#[derive(Clone, Debug)]
pub enum Remote<T> {
    /// Requested, no answer yet.
    Loading,
    /// Arrived.
    Ready(T),
    /// Failed; shown inline with a Retry button.
    Failed(ApiError),
}

/// Candidate, agent and job records fetched for their names, by kind and ID, for this run.
#[derive(Default)]
pub struct RelatedCache {
    records: HashMap<(RelatedKind, String), Remote<Value>>,
}

impl RelatedCache {
    /// The record's display name, once it has arrived.
    pub fn name(&self, kind: RelatedKind, id: &str) -> Option<String> {
        match self.records.get(&(kind, id.to_owned()))? {
            Remote::Ready(record) => kind.display_name(record),
            _ => None,
        }
    }

    /// The record's short description (agent type and focus, candidate e-mail), if any.
    pub fn details(&self, kind: RelatedKind, id: &str) -> Option<String> {
        match self.records.get(&(kind, id.to_owned()))? {
            Remote::Ready(record) => kind.details(record),
            _ => None,
        }
    }

    /// Why the record could not be loaded, if it failed.
    pub fn error(&self, kind: RelatedKind, id: &str) -> Option<&ApiError> {
        match self.records.get(&(kind, id.to_owned()))? {
            Remote::Failed(err) => Some(err),
            _ => None,
        }
    }

    /// Marks the record as requested; false when it was requested before (cached or failed).
    fn begin(&mut self, kind: RelatedKind, id: &str) -> bool {
        let key = (kind, id.to_owned());
        if self.records.contains_key(&key) {
            return false;
        }
        self.records.insert(key, Remote::Loading);
        true
    }
}

/// The interview currently shown.
pub struct OpenInterview {
    /// The requested ID.
    pub id: String,
    /// The interview, while loading, or why it failed.
    pub remote: Remote<Arc<InterviewRecord>>,
    /// Transcript search and scroll state.
    pub transcript: TranscriptView,
    /// The export document shown on the Export tab, built when first needed.
    pub export_preview: Option<String>,
    /// Automatic refresh while the interview is scheduled or running.
    pub live: LiveRefresh,
}

/// First wait between automatic refreshes of a scheduled or running interview.
pub const REFRESH_MIN: Duration = Duration::from_secs(15);
/// Longest wait between automatic refreshes (reached while nothing changes).
pub const REFRESH_MAX: Duration = Duration::from_secs(120);

/// Refresh state of the open interview. While its status is `SCHEDULED` or `IN_PROGRESS` it
/// is fetched again every [`REFRESH_MIN`], backing off by half each time nothing changed up to
/// [`REFRESH_MAX`]; a change resets the wait. It stops once the status is final.
#[derive(Clone, Debug)]
pub struct LiveRefresh {
    /// When the shown data arrived.
    pub loaded_at: Option<Instant>,
    /// When the next automatic refresh is due; `None` when the status is final.
    pub next_at: Option<Instant>,
    /// The current wait between refreshes.
    pub interval: Duration,
    /// A refresh request is in flight (the old data stays on screen).
    pub in_flight: bool,
    /// Why the last refresh failed (the old data stays on screen).
    pub error: Option<ApiError>,
}

impl Default for LiveRefresh {
    fn default() -> Self {
        Self { loaded_at: None, next_at: None, interval: REFRESH_MIN, in_flight: false, error: None }
    }
}

impl LiveRefresh {
    /// Records a fresh copy: `changed` tells whether `updatedAt` or the status moved, `live`
    /// whether the status still changes by itself.
    fn arrived(&mut self, now: Instant, changed: bool, live: bool) {
        self.loaded_at = Some(now);
        self.in_flight = false;
        self.error = None;
        self.interval = if changed { REFRESH_MIN } else { (self.interval.mul_f32(1.5)).min(REFRESH_MAX) };
        self.next_at = live.then(|| now + self.interval);
    }
}

/// State of the Connect screen's form. The key field is cleared once used.
#[derive(Default)]
pub struct ConnectForm {
    /// Connection (profile) name field.
    pub name: String,
    /// The form creates a new connection ("New connection…") rather than editing the current.
    pub new_profile: bool,
    /// What the user typed as the key (masked on screen; never persisted).
    pub key: String,
    /// Base URL field.
    pub base_url: String,
    /// Company ID field.
    pub company_id: String,
    /// A test or save in progress.
    pub busy: Option<&'static str>,
    /// The last outcome: `Ok(text)` or `Err(text)`.
    pub outcome: Option<Result<String, String>>,
    /// Something to know that is not an error ("no key saved yet", "the key was removed").
    pub info: Option<String>,
    /// What the key store refused, with its own message and next step on the Connect screen.
    pub key_problem: Option<KeyProblem>,
    /// The keyring failed; offer to keep the key in memory for this run.
    pub offer_memory_only: bool,
}

/// "Delete connection…": where the confirmation window is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeleteConnection {
    /// Asking whether to delete the connection of this name.
    Confirm(String),
    /// Its key is being removed from the OS keyring.
    Removing(String),
    /// Deleted: its key is gone from the named key store and it is gone from the settings.
    Deleted {
        /// The connection's name.
        name: String,
        /// The key store the key was removed from ("Secret Service", …).
        store: String,
    },
    /// The key store refused; the connection and its key are kept.
    Failed {
        /// The connection's name.
        name: String,
        /// What the key store said.
        error: CredentialError,
    },
}

/// A key store failure and what was being done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyProblem {
    /// Reading, saving or deleting.
    pub action: KeyAction,
    /// What went wrong.
    pub error: CredentialError,
}

/// What was asked of the key store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// Reading the saved key at start or on a switch.
    Load,
    /// Saving a typed key.
    Save,
    /// Deleting the key (sign out).
    Delete,
}

/// Outcome of the latest export, shown on the Export tab.
#[derive(Clone, Debug)]
pub enum ExportStatus {
    /// The dialog is open or the file is being written.
    InProgress,
    /// Written to this path; with the analysis PDF's outcome when it was asked for.
    Saved(PathBuf, Option<Result<PdfOutcome, String>>),
    /// The user cancelled the dialog.
    Cancelled,
    /// No file dialog could be shown (B12): the Export tab offers a path field instead.
    NoDialog,
    /// Writing failed.
    Failed(String),
}

/// The interviews picked in the list for a bulk export, and the running or finished export.
#[derive(Default)]
pub struct BulkState {
    /// The list shows check boxes.
    pub selecting: bool,
    /// Picked interview IDs, in the order picked.
    pub selected: Vec<String>,
    /// The export in progress or just finished (shown in the bulk export window).
    pub job: Option<BulkJob>,
}

impl BulkState {
    /// Whether `id` is picked.
    pub fn is_selected(&self, id: &str) -> bool {
        self.selected.iter().any(|s| s == id)
    }

    /// Picks or unpicks `id`.
    pub fn toggle(&mut self, id: &str) {
        if self.is_selected(id) {
            self.selected.retain(|s| s != id);
        } else {
            self.selected.push(id.to_owned());
        }
    }

    /// Picks every ID in `ids` (keeping those already picked).
    pub fn select_all<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        for id in ids {
            if !self.is_selected(id) {
                self.selected.push(id.to_owned());
            }
        }
    }
}

/// One bulk export run, as the bulk export window shows it.
pub struct BulkJob {
    /// The interviews of this run (for the counts and Retry failed).
    pub targets: Vec<BulkTarget>,
    /// The chosen folder, once known.
    pub folder: Option<PathBuf>,
    /// The latest counts.
    pub progress: BulkProgress,
    /// Stops the run.
    pub cancel: CancelToken,
    /// How it ended: the report, or why it could not start.
    pub finished: Option<Result<BulkReport, String>>,
    /// No folder dialog could be shown: the window asks for a folder path.
    pub no_dialog: bool,
    /// The folder path typed when no dialog could be shown.
    pub folder_input: String,
}

/// The application.
pub struct App {
    /// Persisted settings.
    pub state: State,
    /// Which screen is shown.
    pub screen: Screen,
    /// The Connect screen's form.
    pub connect_form: ConnectForm,
    /// The key in use this run (read once from the keyring, or typed).
    pub key: Option<ApiKey>,
    /// Keys already read or typed this run, by profile name: each is read from the keyring at
    /// most once per run (B29), so switching back never prompts again.
    pub keys: HashMap<String, ApiKey>,
    /// The key store in use, for the Connect screen; `None` until it answered or when none works.
    pub store: Option<StoreInfo>,
    /// The saved connections.
    pub settings: Settings,
    /// Where [`App::settings`] is kept; `None` in demo mode (nothing is written).
    pub settings_path: Option<PathBuf>,
    /// The name of the connection in use (also its keyring account).
    pub profile: String,
    /// Connected for this run only with `--base-url` and `INSTAVIEW_API_KEY`: `profile` is then
    /// not the connection in use, and nothing of it is in the keyring or the settings.
    pub one_off: bool,
    /// The active connection (the demo server's in demo mode, never persisted then).
    pub active: Option<ApiConfig>,
    /// Running against the embedded demo server.
    pub demo: bool,
    /// A problem with the connection as a whole (e.g. the keyring), shown on top.
    pub banner: Option<String>,
    /// The "Delete connection…" window, while it is open.
    pub delete_connection: Option<DeleteConnection>,
    /// The "Open interview" field.
    pub open_input: String,
    /// Why the last open attempt was refused before any request (bad ID).
    pub open_error: Option<String>,
    /// The interview shown.
    pub current: Option<OpenInterview>,
    /// The latest export's outcome.
    pub export_status: Option<ExportStatus>,
    /// The path typed when no save dialog could be shown.
    pub fallback_path: String,
    /// When "Copy JSON" was last clicked (the Export tab confirms it for a few seconds).
    pub copied_at: Option<Instant>,
    /// Bulk export selection and progress.
    pub bulk: BulkState,
    /// Names of candidates, agents and jobs.
    pub related: RelatedCache,
    /// The interview list in the side panel.
    pub browse: Browse,
    /// Outcome of the latest "Save analysis PDF": `Ok(outcome)` or an error message.
    pub pdf_status: Option<Result<PdfOutcome, String>>,
    /// A PDF save is in progress.
    pub pdf_busy: bool,
    /// Why the client is waiting before a retry (e.g. "rate limited") and until when; the
    /// status bar counts down to it.
    pub notice: Option<(String, Instant)>,
    /// The latest rate-limit headers seen.
    pub quota: Option<RateLimitStatus>,
    /// Interviews picked for the Compare view, in the order added.
    pub compare: Vec<Arc<InterviewRecord>>,
    /// The central area shows the Compare view.
    pub show_compare: bool,
    /// Close the window at this moment (`--exit-after`).
    pub exit_after: Option<std::time::Instant>,
    /// Text for the transcript search once the first interview has loaded (`--search`).
    pending_search: Option<String>,
    /// CPU time of each frame so far, in milliseconds, when `--frame-stats` asked for it.
    frame_times: Option<(PathBuf, Vec<f64>)>,
    /// When the current frame's work started.
    frame_started: Option<Instant>,
    pending_open: Option<String>,
    worker: Option<Worker>,
    dialog: Box<dyn SaveDialog>,
}

impl App {
    /// Creates the app: restores [`State`], starts the worker, and asks it for the saved key
    /// (or to start the demo server).
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let mut state: State = cc.storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default();
        if let Some(tab) = options.tab {
            state.tab = tab;
        }
        ui::style::apply(&cc.egui_ctx);
        let ctx = cc.egui_ctx.clone();
        let waker = Arc::new(move || ctx.request_repaint());
        let store = if options.demo {
            StoreChoice::Given(Arc::new(crate::credentials::MemoryStore::default()))
        } else {
            options.store
        };
        let (worker, mut banner) = match Worker::start(store, waker) {
            Ok(worker) => (Some(worker), None),
            Err(err) => (None, Some(format!("The background worker could not start: {err}"))),
        };
        // The demo neither reads nor writes the connections file.
        let settings_path = if options.demo { None } else { options.settings_path };
        let mut settings = match settings_path.as_deref().map(Settings::load) {
            Some(Ok(settings)) => settings,
            Some(Err(err)) => {
                banner = Some(format!("Saved connections could not be read: {err}"));
                Settings::default()
            }
            None => Settings::default(),
        };
        if !options.demo && settings.migrate_legacy(&state.base_url, &state.company_id) {
            match settings_path.as_deref().map(|path| settings.save(path)) {
                Some(Err(err)) => banner = Some(format!("Saved connections could not be written: {err}")),
                Some(Ok(())) | None => {
                    state.base_url.clear();
                    state.company_id.clear();
                }
            }
        }
        let wanted = options.profile.as_deref();
        let profile = match settings.starting_profile(wanted) {
            Some(profile) => profile.clone(),
            None => {
                if let Some(name) = wanted.filter(|name| *name != profiles::DEFAULT_PROFILE) {
                    banner = Some(format!("There is no saved connection named “{name}”; set it up below."));
                }
                Profile { name: wanted.unwrap_or(profiles::DEFAULT_PROFILE).to_owned(), ..profiles::builtin_default() }
            }
        };
        let connect_form = ConnectForm {
            name: profile.name.clone(),
            base_url: profile.base_url.clone(),
            company_id: profile.company_id.clone().unwrap_or_default(),
            ..ConnectForm::default()
        };
        let mut app = Self {
            state,
            screen: Screen::Starting,
            connect_form,
            key: None,
            keys: HashMap::new(),
            store: None,
            settings,
            settings_path,
            profile: profile.name.clone(),
            one_off: options.automation.connection.is_some(),
            active: None,
            demo: options.demo,
            banner,
            delete_connection: None,
            open_input: String::new(),
            open_error: None,
            current: None,
            export_status: None,
            fallback_path: String::new(),
            copied_at: None,
            bulk: BulkState::default(),
            related: RelatedCache::default(),
            browse: Browse::default(),
            pdf_status: None,
            pdf_busy: false,
            notice: None,
            quota: None,
            compare: Vec::new(),
            show_compare: false,
            exit_after: options.automation.exit_after.map(|d| Instant::now() + d),
            pending_search: options.automation.search.clone(),
            frame_times: options.automation.frame_stats.clone().map(|path| (path, Vec::new())),
            frame_started: None,
            pending_open: options.open,
            worker,
            dialog: options.dialog,
        };
        match options.automation.connection {
            Some((config, key)) => {
                app.use_connection(config, key);
            }
            None if app.demo => app.send(Command::StartDemo),
            None => app.send(Command::LoadKey { account: profile.account().to_owned() }),
        }
        app
    }

    /// Queues a command for the worker; a failure is shown in the banner.
    pub fn send(&mut self, command: Command) {
        let result = match &self.worker {
            Some(worker) => worker.send(command).map_err(|err| err.to_string()),
            None => Err("the background worker is not running".to_owned()),
        };
        if let Err(err) = result {
            self.banner = Some(format!("Could not start the request: {err}"));
        }
    }

    /// Applies every waiting worker event. Called at the start of each frame.
    pub fn poll_events(&mut self) {
        while let Some(event) = self.worker.as_mut().and_then(Worker::try_recv) {
            self.on_event(event);
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::KeyLoaded { account, result, store } => self.on_key_loaded(&account, result, store),
            Event::KeySaved { account, result } => self.on_key_saved(&account, result),
            Event::KeyDeleted { account, result } => self.on_key_deleted(&account, result),
            Event::Connected { result, checked } => self.on_connected(result, checked),
            Event::InterviewLoaded { id, result } => self.on_interview(id, result),
            Event::Exported { result, pdf } => {
                self.on_exported(result, pdf.map(|pdf| pdf.map_err(|err| err.to_string())))
            }
            Event::BulkStarted { folder } => {
                if let Some(job) = self.bulk.job.as_mut() {
                    job.folder = Some(folder);
                }
            }
            Event::BulkProgress(progress) => {
                if let Some(job) = self.bulk.job.as_mut().filter(|job| job.finished.is_none()) {
                    job.progress = progress;
                }
            }
            Event::BulkFinished { result } => self.on_bulk_finished(result.map_err(|err| err.to_string())),
            Event::InterviewPage { query, result } => {
                let new_from = self.browse.items.len();
                if self.browse.apply(&query, result) {
                    let wanted: Vec<(RelatedKind, String)> =
                        self.browse.items.iter().skip(new_from).flat_map(|r| related_ids(&r.interview)).collect();
                    self.request_related(wanted);
                }
            }
            Event::CandidatePage { result, .. } => {
                if let Ok(page) = &result {
                    for record in &page.items {
                        if let Some(id) = record.get("id").and_then(Value::as_str) {
                            self.related
                                .records
                                .insert((RelatedKind::Candidate, id.to_owned()), Remote::Ready(record.clone()));
                        }
                    }
                }
                self.browse.candidates = Some(result.map(|page| page.items));
            }
            Event::Client(ClientNotice::Quota(status)) => self.quota = Some(status),
            Event::Client(ClientNotice::Waiting { reason, retry_in, .. }) => {
                self.notice = Some((reason.to_string(), Instant::now() + retry_in));
            }
            Event::PdfSaved { result, .. } => {
                self.pdf_busy = false;
                if matches!(result, Ok(PdfOutcome::NoDialog))
                    && let Some(record) = self.current_record()
                {
                    let name = default_file_name(&record.interview).replace(".json", "-analysis.pdf");
                    self.fallback_path = crate::dialog::fallback_folder().join(name).display().to_string();
                }
                self.pdf_status = Some(result.map_err(|err| err.to_string()));
            }
            Event::Related { kind, id, result } => {
                let value = match result {
                    Ok(record) => Remote::Ready(record),
                    Err(err) => Remote::Failed(err),
                };
                self.related.records.insert((kind, id), value);
                // The export preview shows the looked-up records; rebuild it.
                if let Some(current) = self.current.as_mut() {
                    current.export_preview = None;
                }
            }
            Event::DemoStarted { result } => match result {
                Ok(base_url) => match ApiKey::new(DEMO_API_KEY) {
                    Ok(key) => {
                        self.store = Some(StoreInfo { name: "demo (memory)".to_owned(), persistent: false });
                        self.use_connection(ApiConfig::new(&base_url, None), key);
                    }
                    Err(err) => self.banner = Some(err.to_string()),
                },
                Err(err) => {
                    self.banner = Some(err.to_string());
                    self.screen = Screen::Connect;
                }
            },
        }
    }

    fn on_key_loaded(
        &mut self,
        account: &str,
        result: Result<Option<ApiKey>, CredentialError>,
        store: Option<StoreInfo>,
    ) {
        if account != self.profile {
            return; // The user switched to another connection meanwhile.
        }
        if store.is_some() {
            self.store = store;
        }
        match result {
            Ok(Some(key)) => {
                self.keys.insert(account.to_owned(), key.clone());
                self.use_connection(self.current_profile().config(), key);
            }
            Ok(None) => {
                self.show_connect();
                let store = self.store.as_ref().map_or_else(|| "the OS keyring".to_owned(), |s| s.name.clone());
                self.connect_form.info =
                    Some(format!("No key is saved yet for “{account}” in {store}. Enter it below and click Save."));
            }
            Err(error) => {
                self.show_connect();
                self.connect_form.key_problem = Some(KeyProblem { action: KeyAction::Load, error });
                self.connect_form.offer_memory_only = true;
            }
        }
    }

    fn on_key_saved(&mut self, account: &str, result: Result<StoreInfo, CredentialError>) {
        self.connect_form.busy = None;
        match result {
            Ok(store) => {
                self.store = Some(store);
                self.connect_form.offer_memory_only = false;
                self.connect_form.key_problem = None;
                if account == self.profile {
                    self.connect_with_form();
                }
            }
            Err(error) => {
                self.connect_form.key_problem = Some(KeyProblem { action: KeyAction::Save, error });
                self.connect_form.offer_memory_only = true;
            }
        }
    }

    fn on_key_deleted(&mut self, account: &str, result: Result<StoreInfo, CredentialError>) {
        if matches!(&self.delete_connection, Some(DeleteConnection::Removing(name)) if name == account) {
            self.on_connection_key_deleted(account, result);
            return;
        }
        self.connect_form.busy = None;
        match result {
            Ok(store) => {
                self.keys.remove(account);
                if account == self.profile {
                    self.clear_connection_data();
                }
                self.show_connect();
                self.connect_form.info =
                    Some(format!("Signed out: the key for “{account}” was removed from {}.", store.name));
                self.store = Some(store);
            }
            Err(error) => {
                self.show_connect();
                self.connect_form.key_problem = Some(KeyProblem { action: KeyAction::Delete, error });
            }
        }
    }

    /// The second half of "Delete connection…": only once the key is gone from the keyring is
    /// the connection removed from the settings, so a refusal leaves nothing behind unseen.
    fn on_connection_key_deleted(&mut self, name: &str, result: Result<StoreInfo, CredentialError>) {
        let name = name.to_owned();
        let store = match result {
            Ok(store) => store,
            Err(error) => {
                self.delete_connection = Some(DeleteConnection::Failed { name, error });
                return;
            }
        };
        self.keys.remove(&name);
        self.update_settings(|settings| {
            settings.remove(&name);
        });
        self.delete_connection = Some(DeleteConnection::Deleted { name: name.clone(), store: store.name.clone() });
        self.store = Some(store);
        if name != self.profile {
            return;
        }
        match self.settings.starting_profile(None).map(|p| p.name.clone()) {
            Some(other) => self.switch_profile(&other),
            None => {
                self.clear_connection_data();
                self.profile = profiles::builtin_default().name;
                self.new_connection();
            }
        }
    }

    fn on_connected(&mut self, result: Result<(), ApiError>, checked: bool) {
        self.connect_form.busy = None;
        match result {
            Ok(()) if checked => {
                self.connect_form.outcome = Some(Ok("Connected: the server accepted the key.".to_owned()));
            }
            Ok(()) => {}
            Err(err) => self.connect_form.outcome = Some(Err(err.with_hint())),
        }
    }

    fn on_interview(&mut self, id: String, result: Result<Arc<InterviewRecord>, ApiError>) {
        let Some(current) = self.current.as_mut().filter(|c| c.id == id) else {
            return; // The user has opened something else meanwhile.
        };
        let now = Instant::now();
        let previous = match &current.remote {
            Remote::Ready(record) => Some(record.clone()),
            _ => None,
        };
        let mut wanted = Vec::new();
        match (result, previous) {
            (Ok(record), previous) => {
                wanted = related_ids(&record.interview);
                let live = record.interview.status.as_ref().is_some_and(|s| !s.is_final());
                let changed = previous.as_ref().is_none_or(|old| {
                    old.interview.updated_at != record.interview.updated_at
                        || old.interview.status != record.interview.status
                });
                if previous.is_none() {
                    self.state.recent.retain(|r| r != &id);
                    self.state.recent.insert(0, id);
                    self.state.recent.truncate(MAX_RECENT);
                }
                if previous.is_some() {
                    // A refresh keeps the tab, the search and the scroll position.
                    current.transcript.invalidate();
                } else {
                    current.transcript = TranscriptView::default();
                }
                if let Some(search) = self.pending_search.take() {
                    current.transcript.query = search;
                }
                current.export_preview = None;
                current.live.arrived(now, changed, live);
                current.remote = Remote::Ready(record);
            }
            (Err(err), Some(_)) => {
                // A failed refresh keeps what is on screen and tries again later.
                current.live.in_flight = false;
                current.live.error = Some(err);
                current.live.next_at = Some(now + current.live.interval);
            }
            (Err(err), None) => current.remote = Remote::Failed(err),
        }
        self.request_related(wanted);
    }

    /// Fetches the open interview again, keeping what is on screen meanwhile.
    pub fn refresh_current(&mut self) {
        let Some(current) = self.current.as_mut() else { return };
        if current.live.in_flight || !matches!(current.remote, Remote::Ready(_)) {
            return;
        }
        current.live.in_flight = true;
        current.live.next_at = None;
        let id = current.id.clone();
        self.send(Command::OpenInterview { id });
    }

    /// Starts a due automatic refresh and asks for a wake-up when the next one is due.
    /// Nothing is fetched while the window is minimised.
    fn tick_live_refresh(&mut self, ctx: &egui::Context) {
        let Some(due) = self.current.as_ref().and_then(|c| c.live.next_at) else { return };
        let now = Instant::now();
        let minimized = ctx.input(|i| i.viewport().minimized.unwrap_or(false));
        if now >= due && !minimized {
            self.refresh_current();
        } else {
            ctx.request_repaint_after(due.saturating_duration_since(now).max(Duration::from_secs(1)));
        }
    }

    /// Looks up names not yet requested this run; a failed lookup leaves the ID showing.
    fn request_related(&mut self, wanted: Vec<(RelatedKind, String)>) {
        for (kind, id) in wanted {
            if self.related.begin(kind, &id) {
                self.send(Command::Related { kind, id });
            }
        }
    }

    /// Adds `record` to the comparison, or removes it when it is there already.
    pub fn toggle_compare(&mut self, record: &Arc<InterviewRecord>) {
        let before = self.compare.len();
        self.compare.retain(|r| r.interview.id != record.interview.id);
        if self.compare.len() == before {
            self.compare.push(record.clone());
        }
    }

    /// Reloads the interview list from page 1 with the current filters.
    pub fn refresh_list(&mut self) {
        let query = self.browse.restart();
        self.send(Command::ListInterviews { query });
    }

    /// Requests the next page of the interview list, if there is one and none is loading.
    pub fn load_more(&mut self) {
        if let Some(query) = self.browse.next_query() {
            self.send(Command::ListInterviews { query });
        }
    }

    /// Runs the candidate picker's search.
    pub fn search_candidates(&mut self) {
        let search = self.browse.candidate_search.clone();
        self.browse.candidates = None;
        self.send(Command::ListCandidates { search, page: 1 });
    }

    /// "Save analysis PDF…": asks where (or takes `path` when no dialog could be shown), then
    /// the worker fetches and writes the PDF.
    pub fn save_pdf(&mut self, frame: &eframe::Frame, path: Option<PathBuf>) {
        let Some(record) = self.current_record() else { return };
        let choice = match path {
            Some(path) => ready(DialogAnswer::Chosen(path)),
            None => {
                let name = default_file_name(&record.interview).replace(".json", "-analysis.pdf");
                self.dialog.save_file("Save analysis PDF", &name, "pdf", frame)
            }
        };
        let choice = Box::pin(async move { choice.await.map(|path| with_extension(path, "pdf")) });
        self.pdf_busy = true;
        self.pdf_status = None;
        self.send(Command::SavePdf { id: record.interview.id.clone(), choice });
    }

    fn on_exported(&mut self, result: Result<SaveOutcome, WriteError>, pdf: Option<Result<PdfOutcome, String>>) {
        self.export_status = Some(match result {
            Ok(SaveOutcome::Saved(path)) => ExportStatus::Saved(path, pdf),
            Ok(SaveOutcome::Cancelled) => ExportStatus::Cancelled,
            Ok(SaveOutcome::NoDialog) => {
                if self.fallback_path.is_empty()
                    && let Some(record) = self.current_record()
                {
                    let path = crate::dialog::fallback_folder().join(default_file_name(&record.interview));
                    self.fallback_path = path.display().to_string();
                }
                ExportStatus::NoDialog
            }
            Err(err) => ExportStatus::Failed(err.to_string()),
        });
    }

    /// The bulk export targets for the picked interviews (with `updatedAt` from the list, so
    /// unchanged files are skipped without a request).
    pub fn bulk_targets(&self) -> Vec<BulkTarget> {
        self.bulk
            .selected
            .iter()
            .map(|id| match self.browse.items.iter().find(|r| &r.interview.id == id) {
                Some(record) => BulkTarget::from_record(record),
                None => BulkTarget { id: id.clone(), updated_at: None },
            })
            .collect()
    }

    /// "Export selected…": asks for a folder (or takes `folder`), then exports `targets` there.
    pub fn start_bulk_export(&mut self, frame: &eframe::Frame, targets: Vec<BulkTarget>, folder: Option<PathBuf>) {
        if targets.is_empty() || self.bulk.job.as_ref().is_some_and(|job| job.finished.is_none() && !job.no_dialog) {
            return;
        }
        let choice = match folder.clone() {
            Some(folder) => ready(DialogAnswer::Chosen(folder)),
            None => self.dialog.pick_folder("Export interviews into folder", frame),
        };
        let cancel = CancelToken::default();
        let folder_input = crate::dialog::fallback_folder().join("interview-exports").display().to_string();
        self.bulk.job = Some(BulkJob {
            targets: targets.clone(),
            folder,
            progress: BulkProgress { total: targets.len(), ..BulkProgress::default() },
            cancel: cancel.clone(),
            finished: None,
            no_dialog: false,
            folder_input,
        });
        let options = BulkOptions {
            names: self.state.export.names,
            export: ExportOptions { transcript: self.state.export.transcript },
            ..BulkOptions::default()
        };
        self.send(Command::BulkExport { choice, targets, options, source: self.export_source(), cancel });
    }

    /// "Retry failed": exports the failed interviews of the finished run again, into the same
    /// folder.
    pub fn retry_failed_bulk(&mut self, frame: &eframe::Frame) {
        let Some(job) = &self.bulk.job else { return };
        let Some(Ok(report)) = &job.finished else { return };
        let failed: Vec<BulkTarget> = report
            .failures
            .iter()
            .map(|failure| {
                job.targets
                    .iter()
                    .find(|t| t.id == failure.id)
                    .cloned()
                    .unwrap_or_else(|| BulkTarget { id: failure.id.clone(), updated_at: None })
            })
            .collect();
        let folder = job.folder.clone();
        self.bulk.job = None;
        self.start_bulk_export(frame, failed, folder);
    }

    fn on_bulk_finished(&mut self, result: Result<Result<BulkReport, DialogAnswer>, String>) {
        let Some(job) = self.bulk.job.as_mut() else { return };
        match result {
            Ok(Ok(report)) => {
                job.progress = report.progress.clone();
                job.finished = Some(Ok(report));
            }
            Ok(Err(DialogAnswer::Unavailable)) => job.no_dialog = true,
            Ok(Err(_)) => self.bulk.job = None,
            Err(message) => job.finished = Some(Err(message)),
        }
    }

    /// Switches to `config` and `key` (without a test request) and shows the main screen.
    fn use_connection(&mut self, config: ApiConfig, key: ApiKey) {
        self.connect_form.key_problem = None;
        self.connect_form.info = None;
        if self.active.as_ref() != Some(&config) {
            self.related = RelatedCache::default();
        }
        self.key = Some(key.clone());
        self.active = Some(config.clone());
        self.send(Command::Connect { config, key, check: false });
        self.screen = Screen::Main;
        self.refresh_list();
        if let Some(open) = self.pending_open.take() {
            self.open(&open);
        }
    }

    /// The Connect form's values as a config and key. The key field may be left empty when a
    /// key is already in use (it is kept).
    fn form_connection(&self) -> Result<(ApiConfig, ApiKey), String> {
        let form = &self.connect_form;
        let name = form.name.trim();
        let other = form.new_profile || name != self.profile || self.one_off;
        if other && self.settings.get(name).is_some() {
            return Err(format!(
                "A connection named “{name}” exists already: pick it under Connection and choose Edit \
                 connection… to change it, or give this one another name."
            ));
        }
        let key = if form.key.trim().is_empty() {
            // Only the key of the same connection may be kept; a new one needs its own key, and
            // a run's INSTAVIEW_API_KEY is never given to a saved connection.
            let in_use = if name == self.profile && !self.one_off { self.key.clone() } else { None };
            self.keys.get(name).cloned().or(in_use).ok_or_else(|| "Enter the API key.".to_owned())?
        } else {
            ApiKey::new(&form.key).map_err(|err| err.to_string())?
        };
        let config = ApiConfig::new(&form.base_url, Some(&form.company_id));
        config.parsed_base_url().map_err(|err| err.to_string())?;
        Ok((config, key))
    }

    /// "Test connection": one request with the form's values.
    pub fn test_connection(&mut self) {
        match self.form_connection() {
            Ok((config, key)) => {
                self.connect_form.busy = Some("Testing the connection…");
                self.connect_form.outcome = None;
                self.send(Command::Connect { config, key, check: true });
            }
            Err(err) => self.connect_form.outcome = Some(Err(err)),
        }
    }

    /// "Save": records the connection, stores a newly typed key in the keyring (under the
    /// connection's name), then connects.
    pub fn save_connection(&mut self) {
        self.reload_settings();
        let checked = profiles::check_name(&self.connect_form.name).map(str::to_owned).map_err(|err| err.to_string());
        match (checked, self.form_connection()) {
            (Err(err), _) | (_, Err(err)) => self.connect_form.outcome = Some(Err(err)),
            (Ok(name), Ok((config, key))) => {
                self.connect_form.outcome = None;
                self.connect_form.info = None;
                self.connect_form.key_problem = None;
                if self.demo || self.connect_form.key.trim().is_empty() {
                    self.connect_with_form();
                    return;
                }
                if name != self.profile {
                    self.clear_connection_data();
                    self.profile.clone_from(&name);
                }
                self.one_off = false;
                self.remember_profile(Profile::new(&name, &config));
                self.connect_form.busy = Some("Saving the key in the OS keyring…");
                self.send(Command::SaveKey { account: name, key });
            }
        }
    }

    /// Uses the form's connection without saving the key (keyring unusable): this run only.
    pub fn connect_with_form(&mut self) {
        self.reload_settings();
        let name = match profiles::check_name(&self.connect_form.name) {
            Ok(name) => name.to_owned(),
            Err(err) => {
                self.connect_form.outcome = Some(Err(err.to_string()));
                return;
            }
        };
        match self.form_connection() {
            Ok((config, key)) => {
                if name != self.profile {
                    self.clear_connection_data();
                    self.profile.clone_from(&name);
                }
                self.one_off = false;
                if !self.demo {
                    self.remember_profile(Profile::new(&name, &config));
                }
                self.connect_form.key.clear();
                self.connect_form.new_profile = false;
                self.keys.insert(name, key.clone());
                self.use_connection(config, key);
            }
            Err(err) => self.connect_form.outcome = Some(Err(err)),
        }
    }

    /// The connection in use: the saved profile, or the built-in `default` (public API) when
    /// nothing is saved under that name yet.
    pub fn current_profile(&self) -> Profile {
        self.settings
            .get(&self.profile)
            .cloned()
            .unwrap_or_else(|| Profile { name: self.profile.clone(), ..profiles::builtin_default() })
    }

    /// Switches to the saved connection `name`. What belonged to the previous connection (open
    /// interview, list, names, comparison) is dropped; the key is read from the keyring unless
    /// it was read already this run.
    pub fn switch_profile(&mut self, name: &str) {
        if name == self.profile && self.screen == Screen::Main && !self.one_off {
            return;
        }
        let Some(profile) = self.settings.get(name).cloned() else { return };
        self.clear_connection_data();
        self.one_off = false;
        self.profile.clone_from(&profile.name);
        self.update_settings(|settings| settings.last_used = Some(profile.name.clone()));
        self.connect_form = ConnectForm::default();
        match self.keys.get(&profile.name).cloned() {
            Some(key) => self.use_connection(profile.config(), key),
            None => {
                self.screen = Screen::Starting;
                self.send(Command::LoadKey { account: profile.account().to_owned() });
            }
        }
    }

    /// "New connection…": an empty Connect form that saves under a new name.
    pub fn new_connection(&mut self) {
        self.connect_form =
            ConnectForm { new_profile: true, base_url: DEFAULT_BASE_URL.to_owned(), ..ConnectForm::default() };
        self.screen = Screen::Connect;
    }

    /// "Sign out": deletes this connection's key from the keyring; the Connect screen then
    /// says it was removed (or why it could not be).
    pub fn sign_out(&mut self) {
        self.connect_form.busy = Some("Removing the key from the OS keyring…");
        let account = self.profile.clone();
        self.send(Command::DeleteKey { account });
    }

    /// "Delete connection…" confirmed: removes the key of connection `name` from the keyring,
    /// then (in [`Event::KeyDeleted`]'s handling) the connection from the settings, and moves to
    /// another saved connection, or to a new one when none is left.
    pub fn delete_connection(&mut self, name: &str) {
        self.delete_connection = Some(DeleteConnection::Removing(name.to_owned()));
        self.send(Command::DeleteKey { account: name.to_owned() });
    }

    /// Retry after a key store failure: read, save or delete again.
    pub fn retry_key(&mut self) {
        let Some(problem) = self.connect_form.key_problem.take() else { return };
        match problem.action {
            KeyAction::Load => {
                self.screen = Screen::Starting;
                self.send(Command::LoadKey { account: self.profile.clone() });
            }
            KeyAction::Save => self.save_connection(),
            KeyAction::Delete => self.sign_out(),
        }
    }

    /// Forgets everything fetched through the current connection.
    fn clear_connection_data(&mut self) {
        self.key = None;
        self.active = None;
        self.current = None;
        self.browse = Browse::default();
        self.related = RelatedCache::default();
        self.compare.clear();
        self.show_compare = false;
        self.export_status = None;
        self.pdf_status = None;
        self.pdf_busy = false;
        self.notice = None;
        self.quota = None;
        self.open_input.clear();
        self.open_error = None;
    }

    /// Adds or updates `profile` in the saved connections and makes it the last used one.
    fn remember_profile(&mut self, profile: Profile) {
        self.update_settings(|settings| {
            settings.last_used = Some(profile.name.clone());
            settings.upsert(profile);
        });
    }

    /// Whether the connection in use is a saved one (in the connections file, or with a key read
    /// from the keyring): what Edit, Sign out and Delete act on. False for a run with
    /// `INSTAVIEW_API_KEY` and once the last connection is deleted.
    pub fn is_saved_connection(&self) -> bool {
        !self.one_off && (self.settings.get(&self.profile).is_some() || self.keys.contains_key(&self.profile))
    }

    /// Reads the connections file again, to see connections that the command line added or
    /// deleted meanwhile; an unreadable file keeps what the window had.
    pub fn reload_settings(&mut self) {
        if let Some(Ok(settings)) = self.settings_path.as_deref().map(Settings::load) {
            self.settings = settings;
        }
    }

    /// Changes the saved connections: the file is read again first, so that connections added
    /// meanwhile (by the command line) are kept, then `change` is applied and the file written.
    fn update_settings(&mut self, change: impl FnOnce(&mut Settings)) {
        self.reload_settings();
        change(&mut self.settings);
        self.save_settings();
    }

    /// Writes the connections file (never in demo mode); a failure goes to the banner.
    fn save_settings(&mut self) {
        if self.demo {
            return;
        }
        if let Some(path) = &self.settings_path
            && let Err(err) = self.settings.save(path)
        {
            self.banner = Some(format!("Saved connections could not be written: {err}"));
        }
    }

    /// Opens the interview named in `input` (an ID or a URL containing one).
    pub fn open(&mut self, input: &str) {
        self.show_compare = false;
        let Some(id) = interview_id_from(input) else {
            self.open_error = Some(if input.trim().is_empty() {
                "Paste an interview ID or a link to an interview.".to_owned()
            } else {
                "That is not an interview ID: expected a UUID such as 3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10, or a link containing one.".to_owned()
            });
            return;
        };
        self.open_error = None;
        self.export_status = None;
        self.pdf_status = None;
        self.current = Some(OpenInterview {
            id: id.clone(),
            remote: Remote::Loading,
            transcript: TranscriptView::default(),
            export_preview: None,
            live: LiveRefresh::default(),
        });
        self.send(Command::OpenInterview { id });
    }

    /// The export source of the active connection.
    pub fn export_source(&self) -> ExportSource {
        let config = self.active.clone().unwrap_or_default();
        ExportSource { base_url: config.base_url, company_id: config.company_id }
    }

    /// "Save as…": opens the save dialog for the current interview (or takes `path` when no
    /// dialog could be shown); the worker writes the file, and the analysis PDF beside it when
    /// that option is on.
    pub fn export_current(&mut self, frame: &eframe::Frame, path: Option<PathBuf>) {
        let Some(record) = self.current_record() else { return };
        let contents = self.export_text(&record);
        let choice = match path {
            Some(path) => ready(DialogAnswer::Chosen(path)),
            None => self.dialog.save_file("Export interview", &default_file_name(&record.interview), "json", frame),
        };
        let choice = Box::pin(async move { choice.await.map(with_json_extension) });
        self.export_status = Some(ExportStatus::InProgress);
        let pdf_of = self.state.export.pdf_beside.then(|| record.interview.id.clone());
        self.send(Command::SaveAs { choice, contents, pdf_of });
    }

    /// The export document of `record` with the Export tab's choices (names only once every
    /// lookup has finished).
    pub fn export_text(&self, record: &InterviewRecord) -> String {
        let related = if self.state.export.names { self.related_records(record) } else { None };
        let options = ExportOptions { transcript: self.state.export.transcript };
        export_document_with(record, &self.export_source(), related.as_ref(), jiff::Timestamp::now(), options)
    }

    /// The candidate, agent and job records looked up for `record`, for the export; `None`
    /// until every lookup has finished, so an export never depends on timing.
    pub fn related_records(&self, record: &InterviewRecord) -> Option<RelatedRecords> {
        let interview = &record.interview;
        let mut records = [None, None, None];
        for (slot, (kind, id)) in records.iter_mut().zip([
            (RelatedKind::Candidate, &interview.candidate_id),
            (RelatedKind::Agent, &interview.agent_id),
            (RelatedKind::Job, &interview.job_id),
        ]) {
            let Some(id) = id else { continue };
            match self.related.records.get(&(kind, id.clone()))? {
                Remote::Loading => return None,
                Remote::Ready(value) => *slot = Some(value.clone()),
                Remote::Failed(_) => {}
            }
        }
        let [candidate, agent, job] = records;
        Some(RelatedRecords { candidate, agent, job })
    }

    /// The loaded interview, if any.
    pub fn current_record(&self) -> Option<Arc<InterviewRecord>> {
        match &self.current.as_ref()?.remote {
            Remote::Ready(record) => Some(record.clone()),
            _ => None,
        }
    }

    /// Opens the Connect screen prefilled with the current connection.
    pub fn show_connect(&mut self) {
        let profile = self.current_profile();
        let config = self.active.clone().unwrap_or_else(|| profile.config());
        self.connect_form.name = profile.name;
        self.connect_form.new_profile = false;
        self.connect_form.base_url = config.base_url;
        self.connect_form.company_id = config.company_id.unwrap_or_default();
        self.connect_form.outcome = None;
        self.connect_form.info = None;
        self.connect_form.key_problem = None;
        self.screen = Screen::Connect;
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some((path, times)) = self.frame_times.take() {
            let text = frame_stats_json(&times);
            if let Err(err) = crate::export::write_atomically(&path, text.as_bytes()) {
                tracing::error!("could not write frame statistics: {err}");
            }
        }
    }
}

/// `{"frames": n, "mean_ms", "p50_ms", "p99_ms", "max_ms"}` of per-frame CPU times (ms).
pub fn frame_stats_json(times: &[f64]) -> String {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let percentile = |p: f64| -> f64 {
        let index = ((sorted.len() as f64 - 1.0) * p).round().max(0.0) as usize;
        sorted.get(index).copied().unwrap_or(0.0)
    };
    let mean = if sorted.is_empty() { 0.0 } else { sorted.iter().sum::<f64>() / sorted.len() as f64 };
    let round = |ms: f64| (ms * 1000.0).round() / 1000.0;
    let stats = serde_json::json!({
        "frames": sorted.len(),
        "mean_ms": round(mean),
        "p50_ms": round(percentile(0.5)),
        "p99_ms": round(percentile(0.99)),
        "max_ms": round(sorted.last().copied().unwrap_or(0.0)),
    });
    format!("{stats}\n")
}

/// The candidate, agent and job IDs an interview refers to.
fn related_ids(interview: &crate::api::Interview) -> Vec<(RelatedKind, String)> {
    [
        (RelatedKind::Candidate, &interview.candidate_id),
        (RelatedKind::Agent, &interview.agent_id),
        (RelatedKind::Job, &interview.job_id),
    ]
    .into_iter()
    .filter_map(|(kind, id)| id.clone().map(|id| (kind, id)))
    .collect()
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.frame_started = Some(Instant::now());
        self.poll_events();
        self.tick_live_refresh(ctx);
        if let Some(deadline) = self.exit_after {
            let now = std::time::Instant::now();
            if now >= deadline {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            } else {
                ctx.request_repaint_after(deadline - now);
            }
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let started = self.frame_started.take().unwrap_or_else(Instant::now);
        ui::app_ui(self, ui, frame);
        if let Some((_, times)) = &mut self.frame_times {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_refresh_backs_off_while_nothing_changes_and_stops_on_a_final_status() {
        let mut live = LiveRefresh::default();
        let now = Instant::now();
        live.arrived(now, true, true);
        assert_eq!(live.next_at, Some(now + REFRESH_MIN));
        live.arrived(now, false, true);
        assert!(live.interval > REFRESH_MIN, "no change: wait longer");
        for _ in 0..20 {
            live.arrived(now, false, true);
        }
        assert_eq!(live.interval, REFRESH_MAX);
        live.arrived(now, true, true);
        assert_eq!(live.interval, REFRESH_MIN, "a change resets the wait");
        live.arrived(now, true, false);
        assert_eq!(live.next_at, None, "a final status stops refreshing");
    }

    #[test]
    fn each_name_is_requested_once_per_run() {
        let mut cache = RelatedCache::default();
        assert!(cache.begin(RelatedKind::Candidate, "c1"));
        assert!(!cache.begin(RelatedKind::Candidate, "c1"), "pending: not again");
        assert!(cache.begin(RelatedKind::Job, "c1"), "another kind is another record");
        cache.records.insert((RelatedKind::Candidate, "c1".into()), Remote::Failed(ApiError::Timeout(Duration::ZERO)));
        assert!(!cache.begin(RelatedKind::Candidate, "c1"), "a failed lookup is not repeated automatically");
    }

    #[test]
    fn the_old_single_connection_state_is_read_and_no_longer_written_once_migrated() {
        let old = r#"{"base_url":"https://staging.example.com","company_id":"acme","recent":["x"]}"#;
        let mut state: State = serde_json::from_str(old).unwrap();
        let mut settings = Settings::default();
        assert!(settings.migrate_legacy(&state.base_url, &state.company_id));
        assert_eq!(settings.get("default").unwrap().company_id.as_deref(), Some("acme"));
        state.base_url.clear();
        state.company_id.clear();
        let written = serde_json::to_string(&state).unwrap();
        assert!(!written.contains("base_url") && written.contains("recent"), "{written}");
    }

    #[test]
    fn frame_statistics_are_summarised() {
        let stats: serde_json::Value = serde_json::from_str(&frame_stats_json(&[1.0, 2.0, 3.0, 10.0])).unwrap();
        assert_eq!(stats["frames"], 4);
        assert_eq!(stats["mean_ms"], 4.0);
        assert_eq!(stats["max_ms"], 10.0);
        let empty: serde_json::Value = serde_json::from_str(&frame_stats_json(&[])).unwrap();
        assert_eq!(empty["frames"], 0);
    }
}
