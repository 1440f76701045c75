//! The eframe app. [`Session`] is what the screens show and [`Edits`] what they edit; they push
//! [`Command`]s, which the app applies at the end of each frame (`command_handling`), and the
//! worker's answers are applied at the start of the next one (`event_handling`).
//!
//! - `persisted`: what is remembered across restarts ([`State`]).
//! - `session`: the state of this run, read-only to the screens, and their buffers.
//! - `connections`: the Connect form, switching, signing out and deleting connections.
//! - `command` and `command_handling`: the commands and what they do.
//! - `event_handling`: what each worker answer changes.
//! - `interview_list`, `transcript_view`, `notifications`: the list's pages and filters, the
//!   transcript's search and layout, the notification stack.
//! - `review_desk`: the reviewer's evaluations: loading, autosave, conflicts, the panel.
//! - `listening`: the call recording: fetched on the worker, played on the audio thread.

mod command;
mod command_handling;
mod connections;
mod event_handling;
pub mod interview_list;
pub mod listening;
pub mod notifications;
pub mod persisted;
pub mod review_desk;
pub mod session;
pub mod transcript_view;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use command::{Command, Commands, View};
use connections::SettingsFollowUp;
pub use interview_list::{CandidateFilter, InterviewList, ListFilters};
pub use listening::{Listen, Listening, Stage as ListeningStage};
pub use persisted::{ExportPrefs, MAX_RECENT, SidePanel, State, Tab};
pub use review_desk::{QueueKind, ReviewDesk, ReviewQueue, ReviewStatus};
pub use session::{
    BulkJob, BulkSelection, ConnectFields, ConnectStatus, DeleteConnection, Edits, ExportOutcome, KeyAction,
    KeyProblem, LiveRefresh, OpenInterview, REFRESH_MAX, REFRESH_MIN, RelatedCache, Remote, Screen, Session,
};

use crate::api::ApiConfig;
use crate::api::related::RelatedKind;
use crate::credentials::{ApiKey, MemoryStore};
use crate::dialog::{NativeSaveDialog, SaveDialog};
use crate::worker::{Command as WorkerCommand, SendError, StoreChoice, Worker};

/// How the app is started. [`Default`] is a window on the OS keyring with no settings file, no
/// interview to open and the native file dialogs; set the fields that differ.
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
    /// The review folder, instead of the one in the settings (`--review-folder`, tests).
    pub review_folder: Option<PathBuf>,
    /// The reviewer's name, instead of the one in the settings (`--reviewer`, tests).
    pub reviewer: Option<String>,
    /// The folder of cached recordings, instead of the OS cache folder (tests).
    pub recording_cache: Option<PathBuf>,
    /// What plays the recordings.
    pub audio: AudioChoice,
}

/// What plays the call recordings.
#[derive(Clone, Debug, Default)]
pub enum AudioChoice {
    /// The OS's default sound device (opened at the first play).
    #[default]
    System,
    /// A device that plays nothing, moved by its clock (tests).
    Fake(crate::playback::FakeClock),
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            store: StoreChoice::OsKeyring,
            demo: false,
            open: None,
            tab: None,
            dialog: Box::new(NativeSaveDialog),
            automation: Automation::default(),
            profile: None,
            settings_path: None,
            review_folder: None,
            reviewer: None,
            recording_cache: None,
            audio: AudioChoice::System,
        }
    }
}

impl AppOptions {
    /// The embedded demo server, its sample interviews and a key kept in memory.
    pub fn demo() -> Self {
        Self { demo: true, ..Self::default() }
    }
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

/// The application: the session and the screens' buffers, the worker, and the plumbing of
/// scripted runs.
pub struct App {
    /// What the screens show.
    pub session: Session,
    /// What the screens edit in place.
    pub edits: Edits,
    /// The earlier version's connection, until it is moved into the settings.
    legacy: State,
    /// The key in use this run (read once from the keyring, or typed).
    key: Option<ApiKey>,
    /// Keys already read or typed this run, by profile name: each is read from the keyring at
    /// most once per run, since every read may ask the user (macOS) to allow it again.
    keys: HashMap<String, ApiKey>,
    /// The connection and key waiting for the keyring to confirm the key was saved.
    saving_key: Option<(ApiConfig, ApiKey)>,
    /// Where the connections are kept; `None` in demo mode (nothing is written).
    settings_path: Option<PathBuf>,
    /// What to do when each settings update is answered, by ticket.
    settings_follow_ups: HashMap<u64, SettingsFollowUp>,
    /// The last ticket given to a settings update.
    last_ticket: u64,
    /// Close the window at this moment (`--exit-after`).
    exit_after: Option<Instant>,
    /// Text for the transcript search once the first interview has loaded (`--search`).
    pending_search: Option<String>,
    /// The interview to open once connected (`--open`).
    pending_open: Option<String>,
    /// CPU time of each frame so far, in milliseconds, when `--frame-stats` asked for it.
    frame_times: Option<(PathBuf, Vec<FrameTime>)>,
    /// When the app started (the frame statistics' clock).
    started: Instant,
    /// When the current frame's work started.
    /// Tickets handed out to export-preview builds, counting up.
    preview_tickets: u64,
    frame_started: Option<Instant>,
    /// The commands pushed this frame (kept to reuse the allocation).
    commands: Commands,
    /// The review folder given at start, over the settings' one.
    /// Where downloaded recordings are kept (`None`: the OS names no cache folder).
    recording_cache: Option<crate::recordings::RecordingCache>,
    review_folder_option: Option<PathBuf>,
    /// The reviewer given at start, over the settings' one.
    reviewer_option: Option<String>,
    worker: Option<Worker>,
    /// The audio thread, which plays the recordings.
    player: Option<crate::playback::Player>,
    /// The recording being fetched for it.
    fetching: listening::Fetching,
    /// The record and speaker roles [`Session::people_record`] was made from (the record by
    /// address).
    roles_applied: Option<(usize, std::collections::BTreeMap<String, crate::review::SpeakerRole>)>,
    dialog: Box<dyn SaveDialog>,
}

impl App {
    /// Creates the app: restores [`State`], starts the worker, and asks it for the saved
    /// connections and key (or to start the demo server). Reads no file itself.
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let state: State = cc.storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default();
        crate::ui::style::apply(&cc.egui_ctx);
        Self::with_context(&cc.egui_ctx, state, options)
    }

    /// Creates the app for the context `ctx` (which the worker wakes) from the remembered
    /// `state`, without a window: what [`App::new`] does once eframe has started.
    pub fn with_context(ctx: &egui::Context, state: State, options: AppOptions) -> Self {
        let ctx = ctx.clone();
        let waker = Arc::new(move || ctx.request_repaint());
        let store = if options.demo { StoreChoice::Given(Arc::new(MemoryStore::default())) } else { options.store };
        let mut session = Session {
            demo: options.demo,
            one_off: options.automation.connection.is_some(),
            profile: crate::profiles::DEFAULT_PROFILE.to_owned(),
            recent: state.recent.clone(),
            export_prefs: state.export,
            ..Session::default()
        };
        let output: Box<dyn crate::playback::AudioOutput> = match options.audio {
            AudioChoice::System => Box::new(crate::playback::RodioOutput::new()),
            AudioChoice::Fake(clock) => Box::new(crate::playback::FakeOutput::new(clock)),
        };
        let player = match crate::playback::Player::start(output, waker.clone()) {
            Ok(player) => Some(player),
            Err(err) => {
                session.notifications.error(format!("The audio player could not start: {err}"));
                None
            }
        };
        let worker = match Worker::start(store, waker) {
            Ok(worker) => Some(worker),
            Err(err) => {
                session.notifications.error(format!("The background worker could not start: {err}"));
                None
            }
        };
        let edits = Edits { tab: options.tab.unwrap_or(state.tab), side: state.side, ..Edits::default() };
        // The demo neither reads nor writes the connections file.
        let settings_path = if options.demo { None } else { options.settings_path };
        let legacy = State { base_url: state.base_url, company_id: state.company_id, ..State::default() };
        let mut app = Self {
            session,
            edits,
            legacy,
            key: None,
            keys: HashMap::new(),
            saving_key: None,
            settings_path,
            settings_follow_ups: HashMap::new(),
            last_ticket: 0,
            exit_after: options.automation.exit_after.map(|d| Instant::now() + d),
            pending_search: options.automation.search.clone(),
            pending_open: options.open,
            frame_times: options.automation.frame_stats.clone().map(|path| (path, Vec::new())),
            frame_started: None,
            preview_tickets: 0,
            started: Instant::now(),
            commands: Commands::default(),
            review_folder_option: options.review_folder,
            reviewer_option: options.reviewer,
            recording_cache: match options.recording_cache {
                Some(dir) => {
                    Some(crate::recordings::RecordingCache { dir, limit_bytes: crate::recordings::DEFAULT_LIMIT_BYTES })
                }
                None => crate::recordings::RecordingCache::default_cache(),
            },
            worker,
            player,
            fetching: listening::Fetching::default(),
            roles_applied: None,
            dialog: options.dialog,
        };
        if let Some((config, key)) = options.automation.connection {
            app.use_connection(config, key);
        }
        let wanted = options.profile;
        if app.session.demo {
            app.send(WorkerCommand::StartDemo);
        } else if let Some(path) = app.settings_path.clone() {
            let ticket = app.next_ticket(SettingsFollowUp::Startup { wanted });
            app.send(WorkerCommand::UpdateSettings { path, change: None, ticket });
        } else {
            app.start_with_settings(wanted.as_deref());
        }
        app.sync_session();
        app
    }

    /// Queues a request for the worker; a failure is shown as a notification.
    fn send(&mut self, command: WorkerCommand) {
        let result = match &self.worker {
            Some(worker) => worker.send(command),
            None => Err(SendError::Stopped),
        };
        if let Err(err) = result {
            self.session.notifications.error(format!("Could not start the request: {err}"));
        }
    }

    /// Recomputes what the session derives from the app's own fields (after commands and
    /// events).
    fn sync_session(&mut self) {
        let session = &mut self.session;
        session.has_key = self.key.is_some();
        // A saved connection is in the connections file, or has a key read from the keyring;
        // not a run with INSTAVIEW_API_KEY, nor what is left once the last one is deleted.
        session.saved_connection = !session.one_off
            && (session.settings.get(&session.profile).is_some() || self.keys.contains_key(&session.profile));
        self.sync_review_settings();
        self.sync_blind();
        self.sync_speaker_roles();
    }

    /// Rebuilds [`Session::people_record`] when the open interview or the reviewer's speaker
    /// roles for it changed (a copy of the transcript: only then, never each frame).
    fn sync_speaker_roles(&mut self) {
        let record = self.session.current_record();
        let roles = record
            .as_ref()
            .and_then(|r| self.edits.reviews.get(&r.interview.id))
            .filter(|review| !review.speaker_roles.is_empty());
        let key = record.as_ref().zip(roles).map(|(r, review)| (Arc::as_ptr(r) as usize, review.speaker_roles.clone()));
        if key == self.roles_applied {
            return;
        }
        self.session.people_record = record.zip(roles).map(|(record, review)| {
            let mut mapped = (*record).clone();
            mapped.interview.transcript = review.apply_speaker_roles(&record.interview.transcript);
            Arc::new(mapped)
        });
        // The rows (speaker filter, search) were made from the transcript as it was shown.
        self.edits.transcript.invalidate();
        self.roles_applied = key;
    }

    /// What is remembered across restarts now.
    pub fn persisted(&self) -> State {
        State {
            base_url: self.legacy.base_url.clone(),
            company_id: self.legacy.company_id.clone(),
            recent: self.session.recent.clone(),
            tab: self.edits.tab,
            side: self.edits.side,
            export: self.session.export_prefs,
        }
    }

    /// Applies every waiting worker event, as the start of a frame does (for tests driving the
    /// app without a window).
    pub fn process_events(&mut self) {
        self.poll_events();
        self.sync_session();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // Closing the window: what the reviewer typed in the last second goes to disk first.
        self.flush_reviews(true);
        if let Some((path, times)) = self.frame_times.take() {
            let text = frame_stats_json(&times);
            if let Err(err) = crate::export::write_atomically(&path, text.as_bytes()) {
                tracing::error!("could not write frame statistics: {err}");
            }
        }
    }
}

/// One frame's CPU time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameTime {
    /// When the frame started, in seconds since the app started.
    pub at_s: f64,
    /// CPU time of the frame (the app's `logic` and `ui`), in milliseconds.
    pub ms: f64,
}

/// `{"frames": n, "mean_ms", "p50_ms", "p99_ms", "max_ms", "timeline": [[at_s, ms], ...]}` of
/// per-frame CPU times: the summary, then every frame, so phases of a scripted run (arrival,
/// typing, scrolling) can be told apart.
pub fn frame_stats_json(frames: &[FrameTime]) -> String {
    let times: Vec<f64> = frames.iter().map(|f| f.ms).collect();
    let mut sorted = times;
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
        "timeline": frames.iter().map(|f| [round(f.at_s), round(f.ms)]).collect::<Vec<_>>(),
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
        if let Some(text) = self.session.clipboard.take() {
            ctx.copy_text(text);
        }
        self.tick_live_refresh(ctx);
        self.tick_reviews(ctx);
        let now = Instant::now();
        if let Some(next) = self.session.notifications.expire(now) {
            ctx.request_repaint_after(next.saturating_duration_since(now));
        }
        if self.session.notice.as_ref().is_some_and(|(_, until)| *until <= now) {
            self.session.notice = None;
        }
        if let Some(deadline) = self.exit_after {
            if now >= deadline {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            } else {
                ctx.request_repaint_after(deadline - now);
            }
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let started = self.frame_started.take().unwrap_or_else(Instant::now);
        let mut commands = std::mem::take(&mut self.commands);
        let mut view = View { session: &self.session, edits: &mut self.edits, commands: &mut commands };
        crate::ui::app_ui(ui, &mut view);
        if !commands.is_empty() {
            // What the commands change is drawn in the next frame, which nothing else may ask for.
            ui.ctx().request_repaint();
        }
        for command in commands.drain() {
            self.apply(command, Some(frame));
        }
        self.commands = commands;
        self.sync_session();
        if let Some((_, times)) = &mut self.frame_times {
            let at_s = started.duration_since(self.started).as_secs_f64();
            times.push(FrameTime { at_s, ms: started.elapsed().as_secs_f64() * 1000.0 });
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.persisted());
    }
}

#[cfg(test)]
mod tests {
    use super::session::RelatedCache;
    use super::*;
    use crate::api::ApiError;
    use crate::demo::DEMO_PHONE_INTERVIEW_ID;
    use crate::profiles::Settings;

    /// Applies worker events until `done` holds; panics with `what` after 15 s.
    fn wait_for(app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !done(app) {
            assert!(Instant::now() < deadline, "timed out waiting for: {what}");
            std::thread::sleep(Duration::from_millis(5));
            app.process_events();
        }
    }

    fn demo_app(ctx: &egui::Context) -> App {
        let options = AppOptions {
            review_folder: Some(std::env::temp_dir().join("interview-desk-unit-tests-reviews")),
            ..AppOptions::demo()
        };
        let mut app = App::with_context(ctx, State::default(), options);
        wait_for(&mut app, "the demo connection", |app| app.session.screen == Screen::Main);
        app
    }

    #[test]
    fn commands_open_compare_and_refuse_without_a_window() {
        let ctx = egui::Context::default();
        let mut app = demo_app(&ctx);
        app.apply(Command::OpenInterview("not an interview".to_owned()), None);
        assert!(app.session.open_error.as_deref().is_some_and(|e| e.contains("not an interview ID")));
        assert!(app.session.current.is_none(), "nothing was requested");

        app.apply(Command::OpenInterview(format!("https://app.instaview.sk/i/{DEMO_PHONE_INTERVIEW_ID}")), None);
        assert!(app.session.open_error.is_none());
        wait_for(&mut app, "the interview", |app| app.session.current_record().is_some());
        assert_eq!(app.session.recent.first().map(String::as_str), Some(DEMO_PHONE_INTERVIEW_ID));

        let record = app.session.current_record().unwrap();
        app.apply(Command::ToggleCompare(record.clone()), None);
        app.apply(Command::ShowCompare(true), None);
        assert!(app.session.is_compared(DEMO_PHONE_INTERVIEW_ID) && app.session.show_compare);
        app.apply(Command::ToggleCompare(record), None);
        assert!(app.session.compare.is_empty(), "a second toggle removes it");
        app.apply(Command::OpenInterview(DEMO_PHONE_INTERVIEW_ID.to_owned()), None);
        assert!(!app.session.show_compare, "opening an interview leaves the Compare view");
    }

    #[test]
    fn a_refresh_keeps_the_interview_on_screen_and_the_search() {
        let ctx = egui::Context::default();
        let mut app = demo_app(&ctx);
        app.apply(Command::OpenInterview(DEMO_PHONE_INTERVIEW_ID.to_owned()), None);
        wait_for(&mut app, "the interview", |app| app.session.current_record().is_some());
        app.edits.transcript.query = "salary".to_owned();
        let first = app.session.current.as_ref().and_then(|c| c.live.loaded_at);
        app.apply(Command::RefreshInterview, None);
        assert!(app.session.current_record().is_some(), "the old copy stays while the new one loads");
        wait_for(&mut app, "the refresh", |app| app.session.current.as_ref().and_then(|c| c.live.loaded_at) != first);
        assert_eq!(app.edits.transcript.query, "salary");
    }

    #[test]
    fn the_earlier_versions_connection_is_moved_into_the_settings_file_and_no_longer_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let old = r#"{"base_url":"https://staging.example.com","company_id":"acme","recent":["x"]}"#;
        let state: State = serde_json::from_str(old).unwrap();
        let options = AppOptions {
            store: StoreChoice::Given(Arc::new(MemoryStore::default())),
            settings_path: Some(path.clone()),
            ..AppOptions::default()
        };
        let mut app = App::with_context(&egui::Context::default(), state, options);
        wait_for(&mut app, "the Connect screen (no key saved yet)", |app| app.session.screen == Screen::Connect);
        wait_for(&mut app, "the file written", |_| Settings::load(&path).is_ok_and(|s| !s.profiles.is_empty()));
        let file = Settings::load(&path).unwrap();
        let migrated = file.get("default").unwrap();
        assert_eq!(migrated.base_url, "https://staging.example.com");
        assert_eq!(migrated.company_id.as_deref(), Some("acme"));
        assert_eq!(app.edits.connect.base_url, "https://staging.example.com", "the form shows it");
        let written = serde_json::to_string(&app.persisted()).unwrap();
        assert!(!written.contains("base_url") && written.contains("\"recent\":[\"x\"]"), "{written}");
    }

    #[test]
    fn blind_review_hides_the_candidate_until_a_decision_is_saved() {
        let ctx = egui::Context::default();
        let dir = tempfile::tempdir().unwrap();
        let options = AppOptions { review_folder: Some(dir.path().to_owned()), ..AppOptions::demo() };
        let mut app = App::with_context(&ctx, State::default(), options);
        wait_for(&mut app, "the demo connection", |app| app.session.screen == Screen::Main);
        let blind = crate::review::ReviewSettings { blind: true, ..crate::review::ReviewSettings::default() };
        app.apply(Command::SetReviewSettings(blind), None);
        app.apply(Command::OpenInterview(DEMO_PHONE_INTERVIEW_ID.to_owned()), None);
        wait_for(&mut app, "the interview, its names and its review", |app| {
            app.session.current_record().is_some_and(|r| app.related_records(&r).is_some())
                && app.edits.reviews.contains_key(DEMO_PHONE_INTERVIEW_ID)
        });
        app.sync_session();
        let record = app.session.current_record().unwrap();
        let candidate = record.interview.candidate_id.clone().unwrap();
        let shown = app.session.related.name(RelatedKind::Candidate, &candidate).unwrap();
        assert_eq!(shown, crate::review::pseudonym(&candidate));
        assert!(app.session.related.details(RelatedKind::Candidate, &candidate).unwrap().contains("hidden"));
        let words = app.session.related.hidden_words(&candidate);
        let text = "Am I speaking with Oliver Bennett? Oliverio is someone else.";
        let masked = crate::review::mask_words(text, &words);
        assert_eq!(masked, "Am I speaking with ****** *******? Oliverio is someone else.");

        let draft = app.edits.reviews.get_mut(DEMO_PHONE_INTERVIEW_ID).unwrap();
        draft.decision =
            Some(crate::review::Stamped { value: crate::review::Decision::Hold, at: jiff::Timestamp::now() });
        app.apply(Command::ReviewEdited(DEMO_PHONE_INTERVIEW_ID.to_owned()), None);
        app.flush_reviews(true);
        app.sync_session();
        assert_eq!(app.session.related.name(RelatedKind::Candidate, &candidate).as_deref(), Some("Oliver Bennett"));
        let file =
            crate::review::ReviewFolder::new(dir.path()).load(&app.session.reviews.reviewer, DEMO_PHONE_INTERVIEW_ID);
        assert!(file.unwrap().unwrap().blind, "the review records that it was blind");
    }

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
        cache.records.insert(
            (RelatedKind::Candidate, "c1".into()),
            Remote::Failed { error: ApiError::Timeout(Duration::ZERO), previous: None },
        );
        assert!(!cache.begin(RelatedKind::Candidate, "c1"), "a failed lookup is not repeated automatically");
    }

    #[test]
    fn frame_statistics_are_summarised() {
        let frames: Vec<FrameTime> =
            [1.0, 2.0, 3.0, 10.0].iter().enumerate().map(|(i, &ms)| FrameTime { at_s: i as f64, ms }).collect();
        let stats: serde_json::Value = serde_json::from_str(&frame_stats_json(&frames)).unwrap();
        assert_eq!(stats["frames"], 4);
        assert_eq!(stats["mean_ms"], 4.0);
        assert_eq!(stats["max_ms"], 10.0);
        assert_eq!(stats["timeline"][3], serde_json::json!([3.0, 10.0]), "each frame with its start");
        let empty: serde_json::Value = serde_json::from_str(&frame_stats_json(&[])).unwrap();
        assert_eq!(empty["frames"], 0);
    }
}
