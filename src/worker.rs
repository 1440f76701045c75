//! The background worker: a tokio runtime on its own named thread, created once per app.
//!
//! The UI sends [`Command`]s and never waits; the worker answers with [`Event`]s on a bounded
//! channel, and every event wakes the UI ([`EventSender::send`] calls the waker after each
//! send). Dropping the [`Worker`] stops the runtime from outside async context within about
//! a second, cancelling whatever is in flight, and nothing is printed on the way out.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, mpsc as std_mpsc};
use std::time::Duration;

use tokio::sync::{OnceCell, Semaphore, mpsc};

use crate::api::list::{InterviewQuery, Page};
use crate::api::rate_limit::ClientNotice;
use crate::api::related::RelatedKind;
use crate::api::{ApiClient, ApiConfig, ApiError, InterviewRecord};
use crate::credentials::{ApiKey, CredentialError, SecretStore, StoreInfo, os_keyring};
use crate::demo::DemoServer;
use crate::dialog::DialogAnswer;
use crate::export::bulk::{BulkOptions, BulkProgress, BulkReport, BulkTarget, CancelToken, FolderError};
use crate::export::{ExportSource, WriteError, write_atomically_in_background};
use crate::profiles::{Settings, SettingsError};
use crate::review::{Review, ReviewFolder, SaveMode, Scan, ScanCache, StoreError};
use crate::transcript_search::{self, SearchAnswer, SearchRequest};

/// How long a keyring call may take before the UI is told it timed out (a locked keyring may
/// wait forever for an unlock prompt).
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a review file read, write or folder scan may take before it counts as failed (a
/// cloud placeholder may block while it downloads; a network drive may be gone).
pub const REVIEW_IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Most candidate/agent/job lookups in flight at once.
pub const MAX_CONCURRENT_LOOKUPS: usize = 4;

/// Wakes the UI; called after every event is sent. In the app this is
/// `egui::Context::request_repaint`.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// A pending "where to save?" answer from a native file dialog.
pub type DialogFuture = Pin<Box<dyn Future<Output = crate::dialog::DialogAnswer> + Send>>;

/// Makes a file's contents on a blocking thread of the worker (a report, a table, a
/// transcript file), so a large one never costs the UI a frame.
pub type FileBuilder = Box<dyn FnOnce() -> Result<Vec<u8>, BuildError> + Send>;

/// Makes a text (the export document) on a blocking thread of the worker.
pub type TextBuilder = Box<dyn FnOnce() -> String + Send>;

/// What a text built by [`Command::BuildExportText`] is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextPurpose {
    /// The Export tab's preview.
    Preview,
    /// The clipboard (Copy JSON).
    Clipboard,
}

/// Why a file's contents could not be made (the builder's own error).
pub type BuildError = Box<dyn std::error::Error + Send + Sync>;

/// Why [`Command::SaveFile`] saved nothing.
#[derive(Debug, thiserror::Error)]
pub enum SaveFileError {
    /// The contents could not be made (e.g. subtitles of a transcript without times).
    #[error("{0}")]
    Build(BuildError),
    /// The file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// What the UI asks the worker to do. Every command is answered by one [`Event`].
pub enum Command {
    /// Read the saved key of `account` from the key store. Answered by [`Event::KeyLoaded`].
    LoadKey {
        /// Keyring account name.
        account: String,
    },
    /// Delete the key of `account` from the key store (sign out). Answered by
    /// [`Event::KeyDeleted`].
    DeleteKey {
        /// Keyring account name.
        account: String,
    },
    /// Save the key of `account` in the key store. Answered by [`Event::KeySaved`].
    SaveKey {
        /// Keyring account name.
        account: String,
        /// The key to save.
        key: ApiKey,
    },
    /// Use this connection from now on; with `check`, also ask the server whether it accepts
    /// the key. Answered by [`Event::Connected`].
    Connect {
        /// Base URL, company ID and timeouts.
        config: ApiConfig,
        /// The API key.
        key: ApiKey,
        /// Whether to make a test request.
        check: bool,
    },
    /// Fetch one interview. Answered by [`Event::InterviewLoaded`].
    OpenInterview {
        /// The interview ID (UUID).
        id: String,
    },
    /// Fetch a candidate, agent or job record for its name. Answered by [`Event::Related`].
    Related {
        /// Which collection.
        kind: RelatedKind,
        /// The record's ID.
        id: String,
    },
    /// Fetch one page of the interview list. Answered by [`Event::InterviewPage`].
    ListInterviews {
        /// Filters and page.
        query: InterviewQuery,
    },
    /// Fetch one page of candidates matching `search`. Answered by [`Event::CandidatePage`].
    ListCandidates {
        /// Name or e-mail search text (may be empty).
        search: String,
        /// 1-based page.
        page: u32,
    },
    /// Wait for the user's choice in a save dialog, then fetch the interview's analysis PDF
    /// and write it there. Answered by [`Event::PdfSaved`].
    SavePdf {
        /// The interview ID.
        id: String,
        /// The open dialog's answer: a chosen path, cancelled, or no dialog could be shown
        /// (then nothing is fetched and the answer says so).
        choice: DialogFuture,
    },
    /// Wait for the user's choice in a save dialog, then write `contents` there atomically
    /// and, with `pdf_of`, that interview's analysis PDF beside it (`<name>-analysis.pdf`).
    /// Answered by [`Event::Exported`].
    SaveAs {
        /// The open dialog's answer.
        choice: DialogFuture,
        /// Makes the export document (after the dialog, on a blocking thread).
        contents: TextBuilder,
        /// Also save the analysis PDF of this interview ID.
        pdf_of: Option<String>,
    },
    /// Wait for the user's choice of file, then download the recording of call attempt
    /// `attempt` (0-based) of the interview there, fetching the interview again once for a
    /// fresh link when it has expired. Answered by [`Event::FileSaved`].
    SaveRecording {
        /// The interview ID.
        id: String,
        /// The call attempt, 0-based.
        attempt: usize,
        /// The open dialog's answer.
        choice: DialogFuture,
        /// The cache to take it from, or to download it into first.
        cache: Option<crate::recordings::RecordingCache>,
    },
    /// Get the recording of call attempt `attempt` (0-based) onto this computer to play: from
    /// the cache, or downloaded (into `scratch` without a usable cache), fetching the interview
    /// again once for a fresh link when it has expired. Answered by [`Event::RecordingProgress`]
    /// while downloading and [`Event::RecordingReady`].
    FetchRecording {
        /// The interview ID.
        id: String,
        /// The call attempt, 0-based.
        attempt: usize,
        /// The cache.
        cache: Option<crate::recordings::RecordingCache>,
        /// This run's folder for recordings when there is no cache.
        scratch: PathBuf,
        /// Given back with the answers.
        ticket: u64,
        /// Set to stop the download.
        cancel: Arc<std::sync::atomic::AtomicBool>,
    },
    /// Read a recording's peaks on a blocking thread. Answered by [`Event::WaveformReady`].
    ComputeWaveform {
        /// The recording on this computer.
        path: PathBuf,
        /// Given back with the answer.
        ticket: u64,
        /// Set to stop reading (another interview was opened).
        cancel: Arc<std::sync::atomic::AtomicBool>,
    },
    /// Remove every cached recording. Answered by [`Event::RecordingCacheCleared`].
    ClearRecordingCache {
        /// The cache.
        cache: crate::recordings::RecordingCache,
    },
    /// Build the export document of an interview on a blocking thread. Answered by
    /// [`Event::ExportTextBuilt`].
    BuildExportText {
        /// The interview.
        interview_id: String,
        /// Given back with the answer, so an outdated one is known.
        ticket: u64,
        /// What the text is for.
        purpose: TextPurpose,
        /// Makes it.
        build: TextBuilder,
    },
    /// Wait for the user's choice of file, then make the contents (off the UI thread) and
    /// write them to it atomically; when no dialog could be shown, to `fallback`. Answered by
    /// [`Event::FileSaved`].
    SaveFile {
        /// The open dialog's answer.
        choice: DialogFuture,
        /// Makes the file's contents, once a file was chosen.
        build: FileBuilder,
        /// Where to write it when no dialog could be shown.
        fallback: PathBuf,
        /// What it is, for the message ("the evaluation table").
        what: String,
    },
    /// Wait for the user's folder choice, then export `targets` into it (see
    /// [`crate::export::bulk::run`]). Answered by [`Event::BulkProgress`] after each interview and one
    /// [`Event::BulkFinished`].
    BulkExport {
        /// The open folder dialog's answer.
        choice: DialogFuture,
        /// The interviews to export.
        targets: Vec<BulkTarget>,
        /// Names, transcript, concurrency.
        options: BulkOptions,
        /// Written to every document and the manifest.
        source: ExportSource,
        /// Stops the export when cancelled.
        cancel: CancelToken,
    },
    /// Start the embedded demo server on a free loopback port. Answered by
    /// [`Event::DemoStarted`].
    StartDemo,
    /// Search the transcript of `record` (off the async threads). Answered by
    /// [`Event::TranscriptSearched`], or not at all when a newer search overtook it.
    SearchTranscript {
        /// The interview whose transcript is searched.
        record: Arc<InterviewRecord>,
        /// What to search, in which rows.
        request: SearchRequest,
    },
    /// Read `reviewer`'s review of `interview_id` from `folder`. Answered by
    /// [`Event::ReviewLoaded`].
    LoadReview {
        /// The review folder.
        folder: ReviewFolder,
        /// Whose review.
        reviewer: String,
        /// Of which interview.
        interview_id: String,
    },
    /// Write `review` into `folder` (see [`ReviewFolder::save`]). Saves run one at a time, in
    /// the order sent. Answered by [`Event::ReviewSaved`].
    SaveReview {
        /// The review folder.
        folder: ReviewFolder,
        /// What to write (its `revision` is set on the way).
        review: Box<Review>,
        /// The revision last read or written (0: none).
        base: u64,
        /// Whether a file changed elsewhere may be replaced.
        mode: SaveMode,
        /// Given back with the answer.
        ticket: u64,
    },
    /// Read every review in `folder` (files unchanged since the last scan are not read
    /// again). Answered by [`Event::ReviewsScanned`].
    ScanReviews {
        /// The review folder.
        folder: ReviewFolder,
        /// The reviewer using the app (whose subfolder is theirs).
        reviewer: String,
    },
    /// Delete the file `path` in the review folder (a sync conflict copy the reviewer dealt
    /// with). Answered by a [`Event::ReviewsScanned`] of `folder`.
    RemoveReviewCopy {
        /// The conflict copy.
        path: PathBuf,
        /// Its review folder, scanned again afterwards.
        folder: ReviewFolder,
        /// The reviewer using the app.
        reviewer: String,
    },
    /// Read the connections file `path` again and, with `change`, apply it and write the file
    /// atomically. Updates run one at a time, each on a fresh read, so connections that the
    /// command line added meanwhile are kept. Answered by [`Event::SettingsUpdated`].
    UpdateSettings {
        /// The connections file (`settings.json`).
        path: PathBuf,
        /// What to change; `None` only reads.
        change: Option<SettingsChange>,
        /// Given back with the answer, to tell the updates apart.
        ticket: u64,
    },
}

/// A change to the saved connections, applied to a fresh read of the file (and by the app to
/// its own copy, hence `Fn`). `Err(text)` refuses
/// it (nothing is written) and says why, e.g. that a new connection's name is taken.
pub type SettingsChange = Arc<dyn Fn(&mut Settings) -> Result<(), String> + Send + Sync>;

/// Why a [`Command::UpdateSettings`] did not leave the file as asked.
#[derive(Debug)]
pub enum SettingsFailure {
    /// The change refused itself (nothing was written); the text says why.
    Refused(String),
    /// The file could not be read or is not a settings file; nothing was written.
    Unreadable(SettingsError),
    /// The update could not run (the worker is shutting down); nothing was written.
    Lost(String),
    /// The change was made but the file could not be written; `settings` is the changed list,
    /// kept in memory.
    Unwritable {
        /// The settings with the change applied.
        settings: Box<Settings>,
        /// Why writing failed.
        error: SettingsError,
    },
}

/// What the worker reports back.
#[derive(Debug)]
pub enum Event {
    /// Answer to [`Command::LoadKey`].
    KeyLoaded {
        /// Keyring account name.
        account: String,
        /// The key, `None` when none is saved.
        result: Result<Option<ApiKey>, CredentialError>,
        /// The store that was asked (for the Connect screen); `None` when none could be opened.
        store: Option<StoreInfo>,
    },
    /// Answer to [`Command::SaveKey`].
    KeySaved {
        /// Keyring account name.
        account: String,
        /// `Ok(store)` or why it failed (the previously saved key, if any, is then kept).
        result: Result<StoreInfo, CredentialError>,
    },
    /// Answer to [`Command::DeleteKey`].
    KeyDeleted {
        /// Keyring account name.
        account: String,
        /// `Ok(store)` or why it failed.
        result: Result<StoreInfo, CredentialError>,
    },
    /// Answer to [`Command::Connect`].
    Connected {
        /// `Ok` when the client was built (and, if checked, the server accepted the key).
        result: Result<(), ApiError>,
        /// Whether a test request was made.
        checked: bool,
    },
    /// Answer to [`Command::OpenInterview`].
    InterviewLoaded {
        /// The requested ID.
        id: String,
        /// The interview, or why it could not be loaded.
        result: Result<Arc<InterviewRecord>, ApiError>,
    },
    /// Answer to [`Command::Related`].
    Related {
        /// Which collection.
        kind: RelatedKind,
        /// The requested ID.
        id: String,
        /// The record as sent, or why it could not be loaded.
        result: Result<serde_json::Value, ApiError>,
    },
    /// Answer to [`Command::ListInterviews`].
    InterviewPage {
        /// The query that was run.
        query: InterviewQuery,
        /// The page, or why it could not be loaded.
        result: Result<Page<Arc<InterviewRecord>>, ApiError>,
    },
    /// Answer to [`Command::ListCandidates`].
    CandidatePage {
        /// The search text that was run.
        search: String,
        /// The page of candidate records as sent, or why it could not be loaded.
        result: Result<Page<serde_json::Value>, ApiError>,
    },
    /// Answer to [`Command::SavePdf`].
    PdfSaved {
        /// The interview ID.
        id: String,
        /// What happened, or why the PDF was not saved.
        result: Result<PdfOutcome, PdfError>,
    },
    /// A retry wait or fresh rate-limit headers from the client (not tied to one command).
    Client(ClientNotice),
    /// Answer to [`Command::SaveAs`].
    Exported {
        /// Where the document went, or why it could not be written.
        result: Result<SaveOutcome, WriteError>,
        /// The analysis PDF saved beside it, when asked for and the document was written.
        pdf: Option<Result<PdfOutcome, PdfError>>,
    },
    /// A bulk export has its folder and is running.
    BulkStarted {
        /// The chosen folder.
        folder: PathBuf,
    },
    /// Progress of the running bulk export (sent after each interview; may skip some when
    /// the UI is busy).
    BulkProgress(BulkProgress),
    /// Answer to [`Command::BulkExport`].
    BulkFinished {
        /// `Ok(Ok(report))`: the export ran (it may have been cancelled or stopped early, see
        /// the report); `Ok(Err(answer))`: no folder was chosen, because the user cancelled
        /// or no dialog could be shown; `Err`: it could not start (not connected, or that
        /// folder cannot be used).
        result: Result<Result<BulkReport, DialogAnswer>, BulkStartError>,
    },
    /// Answer to [`Command::StartDemo`].
    DemoStarted {
        /// The demo server's base URL, or why it could not start.
        result: Result<String, DemoStartError>,
    },
    /// Answer to [`Command::SearchTranscript`].
    TranscriptSearched {
        /// The interview searched.
        interview_id: String,
        /// The matches.
        answer: SearchAnswer,
    },
    /// Answer to [`Command::UpdateSettings`].
    SettingsUpdated {
        /// The ticket of the command.
        ticket: u64,
        /// The settings as they now are in the file, or what went wrong.
        result: Result<Box<Settings>, SettingsFailure>,
    },
    /// Answer to [`Command::ClearRecordingCache`]: what was removed, or the first file that
    /// could not be.
    RecordingCacheCleared {
        /// The outcome.
        result: Result<crate::recordings::CacheUsage, String>,
    },
    /// How far [`Command::FetchRecording`] has come.
    RecordingProgress {
        /// The command's ticket.
        ticket: u64,
        /// Bytes downloaded so far.
        bytes: u64,
        /// The size, when the server said.
        total: Option<u64>,
    },
    /// Answer to [`Command::FetchRecording`]: the file to play, or why there is none.
    RecordingReady {
        /// The command's ticket.
        ticket: u64,
        /// The recording on this computer, or the message.
        result: Result<PathBuf, String>,
    },
    /// Answer to [`Command::ComputeWaveform`].
    WaveformReady {
        /// The command's ticket.
        ticket: u64,
        /// The peaks, or why they could not be read.
        result: Result<Arc<crate::playback::waveform::Waveform>, crate::playback::PlaybackError>,
    },
    /// Answer to [`Command::BuildExportText`].
    ExportTextBuilt {
        /// The interview.
        interview_id: String,
        /// The command's ticket.
        ticket: u64,
        /// What it is for.
        purpose: TextPurpose,
        /// The document.
        text: String,
    },
    /// Answer to [`Command::SaveFile`].
    FileSaved {
        /// What was saved, as the command said.
        what: String,
        /// Where it was written, `Ok(None)` when the dialog was cancelled, or why not.
        result: Result<Option<PathBuf>, SaveFileError>,
    },
    /// Answer to [`Command::LoadReview`]: the review, `None` when there is none yet.
    ReviewLoaded {
        /// The review folder read.
        folder: ReviewFolder,
        /// The interview.
        interview_id: String,
        /// What the file holds, or why it could not be used.
        result: Result<Option<Box<Review>>, StoreError>,
    },
    /// Answer to [`Command::SaveReview`].
    ReviewSaved {
        /// The ticket of the command.
        ticket: u64,
        /// The interview.
        interview_id: String,
        /// What was written (with its new revision), or why nothing was.
        result: Result<Box<Review>, StoreError>,
    },
    /// Answer to [`Command::ScanReviews`] and [`Command::RemoveReviewCopy`].
    ReviewsScanned {
        /// The review folder scanned.
        folder: ReviewFolder,
        /// What it holds; `folder_error` says when it could not be read or did not answer.
        scan: Box<Scan>,
    },
}

/// Why [`Worker::send`] could not queue a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The worker is gone: its thread has ended, or it is being shut down.
    #[error("the background worker has stopped")]
    Stopped,
    /// The command queue is full: the worker is behind on commands already sent.
    #[error("too many requests are waiting; try again in a moment")]
    Busy,
}

/// Why an analysis PDF was not saved ([`Event::PdfSaved`], [`Event::Exported`]).
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No connection is set up yet, so there is no server to ask.
    #[error("Not connected: set up the connection first.")]
    NotConnected,
    /// The server could not be asked for the PDF or refused it; `Display` adds what to do
    /// ([`ApiError::with_hint`]).
    #[error("{}", .0.with_hint())]
    Api(ApiError),
    /// The PDF arrived but could not be written to the chosen path.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Why a bulk export did not start ([`Event::BulkFinished`]); nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum BulkStartError {
    /// No connection is set up yet, so there is no server to export from.
    #[error("Not connected: set up the connection first.")]
    NotConnected,
    /// The chosen folder cannot be used (a file, not writable, someone else's manifest).
    #[error(transparent)]
    Folder(#[from] FolderError),
}

/// Why the embedded demo server did not start ([`Event::DemoStarted`]).
#[derive(Debug, thiserror::Error)]
#[error("The demo server could not start: {0}")]
pub struct DemoStartError(#[source] pub std::io::Error);

/// How a "Save as" ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Written to this path.
    Saved(PathBuf),
    /// The user cancelled the dialog; nothing was written.
    Cancelled,
    /// No dialog could be shown (no file-chooser portal on Linux); nothing was written, the UI
    /// offers a path field.
    NoDialog,
}

/// How saving an analysis PDF ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PdfOutcome {
    /// Written to this path.
    Saved(PathBuf),
    /// The user cancelled the dialog.
    Cancelled,
    /// No dialog could be shown (no file-chooser portal on Linux); the UI offers a path field.
    NoDialog,
    /// The server has no analysis PDF for this interview yet (404).
    NotAvailable,
}

/// Sends events to the UI and wakes it after each one.
#[derive(Clone)]
pub struct EventSender {
    tx: mpsc::Sender<Event>,
    waker: Waker,
}

impl EventSender {
    /// A sender and the receiving end for the UI. `capacity` bounds the queue.
    pub fn new(capacity: usize, waker: Waker) -> (Self, mpsc::Receiver<Event>) {
        let (tx, rx) = mpsc::channel(capacity);
        (Self { tx, waker }, rx)
    }

    /// Sends `event` without waiting and wakes the UI; dropped quietly when the queue is full
    /// or the UI has closed. For callbacks that cannot await (the client's observer).
    pub fn send_now(&self, event: Event) {
        if self.tx.try_send(event).is_ok() {
            (self.waker)();
        }
    }

    /// Sends `event` and wakes the UI. After the UI has closed the event is dropped quietly
    /// (logged at debug level), never a panic.
    pub async fn send(&self, event: Event) {
        if self.tx.send(event).await.is_err() {
            tracing::debug!("UI closed; event dropped");
            return;
        }
        (self.waker)();
    }
}

/// Where the worker gets its key store.
#[derive(Clone)]
pub enum StoreChoice {
    /// Open the OS keyring on first use (off the UI thread).
    OsKeyring,
    /// Use this store (tests, demo, or the in-memory fallback).
    Given(Arc<dyn SecretStore>),
}

/// Handle to the background worker. Dropping it shuts the worker down.
pub struct Worker {
    commands: Option<mpsc::Sender<Command>>,
    events: mpsc::Receiver<Event>,
    stopped: std_mpsc::Receiver<()>,
}

impl Worker {
    /// Starts the runtime on a thread named `interview-desk-worker`.
    ///
    /// # Errors
    /// The OS error when the thread or runtime cannot be created.
    pub fn start(store: StoreChoice, waker: Waker) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("interview-desk-io")
            .enable_all()
            .build()?;
        let (command_tx, command_rx) = mpsc::channel(64);
        let (events, event_rx) = EventSender::new(256, waker);
        let (stopped_tx, stopped) = std_mpsc::sync_channel(1);
        std::thread::Builder::new().name("interview-desk-worker".to_owned()).spawn(move || {
            runtime.block_on(command_loop(command_rx, events, store));
            runtime.shutdown_timeout(Duration::from_millis(500));
            stopped_tx.send(()).ok();
        })?;
        Ok(Self { commands: Some(command_tx), events: event_rx, stopped })
    }

    /// Queues a command without waiting.
    ///
    /// # Errors
    /// [`SendError::Stopped`] when the worker is gone and [`SendError::Busy`] when its queue
    /// is full.
    pub fn send(&self, command: Command) -> Result<(), SendError> {
        let sender = self.commands.as_ref().ok_or(SendError::Stopped)?;
        sender.try_send(command).map_err(|err| match err {
            mpsc::error::TrySendError::Full(_) => SendError::Busy,
            mpsc::error::TrySendError::Closed(_) => SendError::Stopped,
        })
    }

    /// The next event, if one is waiting. Never blocks.
    pub fn try_recv(&mut self) -> Option<Event> {
        self.events.try_recv().ok()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the command channel ends the command loop; the thread then shuts the runtime
        // down, cancelling in-flight requests.
        self.commands = None;
        self.events.close();
        if self.stopped.recv_timeout(Duration::from_millis(1500)).is_err() {
            tracing::debug!("worker still stopping; leaving it to process exit");
        }
    }
}

type StoreCell = Arc<OnceCell<Arc<dyn SecretStore>>>;

struct WorkerState {
    events: EventSender,
    store: StoreCell,
    store_choice: StoreChoice,
    client: Option<ApiClient>,
    demo: Option<DemoServer>,
    /// Bounds concurrent candidate/agent/job lookups.
    lookups: Arc<Semaphore>,
    /// The queue of the task that applies settings updates in order, once started.
    settings_updates: Option<mpsc::Sender<SettingsUpdate>>,
    /// The queue of the task that writes reviews in order, once started.
    review_saves: Option<mpsc::Sender<ReviewSave>>,
    /// What the review folder scans remember (one scan at a time holds it).
    review_scans: Arc<std::sync::Mutex<ScanCache>>,
}

async fn command_loop(mut commands: mpsc::Receiver<Command>, events: EventSender, store_choice: StoreChoice) {
    let mut state = WorkerState {
        events,
        store: Arc::new(OnceCell::new()),
        store_choice,
        client: None,
        demo: None,
        lookups: Arc::new(Semaphore::new(MAX_CONCURRENT_LOOKUPS)),
        settings_updates: None,
        review_saves: None,
        review_scans: Arc::default(),
    };
    while let Some(command) = commands.recv().await {
        handle(&mut state, command).await;
    }
    if let Some(demo) = state.demo.take() {
        demo.shutdown();
    }
}

/// Applies one command. Quick state changes happen here; anything that waits on I/O is
/// spawned so the next command is taken at once.
async fn handle(state: &mut WorkerState, command: Command) {
    let events = state.events.clone();
    match command {
        Command::LoadKey { account } => {
            let store = (state.store.clone(), state.store_choice.clone());
            tokio::spawn(async move {
                let (store, result) = match open_store(&store.0, store.1).await {
                    Ok(store) => {
                        let info = store.info();
                        let lookup = account.clone();
                        (Some(info), keyring_call(store, move |s| s.get(&lookup)).await)
                    }
                    Err(err) => (None, Err(err)),
                };
                events.send(Event::KeyLoaded { account, result, store }).await;
            });
        }
        Command::SaveKey { account, key } => {
            let store = (state.store.clone(), state.store_choice.clone());
            tokio::spawn(async move {
                let target = account.clone();
                let result = stored_call(store, move |s| s.set(&target, &key)).await.map(|((), info)| info);
                events.send(Event::KeySaved { account, result }).await;
            });
        }
        Command::DeleteKey { account } => {
            let store = (state.store.clone(), state.store_choice.clone());
            tokio::spawn(async move {
                let target = account.clone();
                let result = stored_call(store, move |s| s.delete(&target)).await.map(|((), info)| info);
                events.send(Event::KeyDeleted { account, result }).await;
            });
        }
        Command::Connect { config, key, check } => match ApiClient::new(&config, key) {
            Ok(client) => {
                let notices = events.clone();
                let client = client.with_observer(Arc::new(move |notice| notices.send_now(Event::Client(notice))));
                state.client = Some(client.clone());
                tokio::spawn(async move {
                    let result = if check { client.check_connection().await } else { Ok(()) };
                    events.send(Event::Connected { result, checked: check }).await;
                });
            }
            Err(err) => {
                state.client = None;
                events.send(Event::Connected { result: Err(err), checked: check }).await;
            }
        },
        Command::OpenInterview { id } => {
            let client = state.client.clone();
            tokio::spawn(async move {
                let result = match client {
                    Some(client) => client.get_interview(&id).await.map(Arc::new),
                    None => Err(ApiError::InvalidRequest("Not connected: set up the connection first.".to_owned())),
                };
                events.send(Event::InterviewLoaded { id, result }).await;
            });
        }
        Command::Related { kind, id } => {
            let client = state.client.clone();
            let lookups = state.lookups.clone();
            tokio::spawn(async move {
                // Name lookups run a few at a time so a long list cannot flood the server.
                let _permit = lookups.acquire().await.ok();
                let result = match client {
                    Some(client) => client.get_related(kind, &id).await,
                    None => Err(ApiError::InvalidRequest("Not connected.".to_owned())),
                };
                events.send(Event::Related { kind, id, result }).await;
            });
        }
        Command::ListInterviews { query } => {
            let client = state.client.clone();
            tokio::spawn(async move {
                let result = match client {
                    Some(client) => client.list_interviews(&query).await,
                    None => Err(not_connected()),
                };
                events.send(Event::InterviewPage { query, result }).await;
            });
        }
        Command::ListCandidates { search, page } => {
            let client = state.client.clone();
            tokio::spawn(async move {
                let result = match client {
                    Some(client) => client.list_candidates(page, 50, &search).await,
                    None => Err(not_connected()),
                };
                events.send(Event::CandidatePage { search, result }).await;
            });
        }
        Command::SavePdf { id, choice } => {
            let client = state.client.clone();
            tokio::spawn(async move {
                let result = save_pdf(client, &id, choice).await;
                events.send(Event::PdfSaved { id, result }).await;
            });
        }
        Command::SaveAs { choice, contents, pdf_of } => {
            let client = state.client.clone();
            tokio::spawn(async move {
                let (result, pdf) = match choice.await {
                    DialogAnswer::Cancelled => (Ok(SaveOutcome::Cancelled), None),
                    DialogAnswer::Unavailable => (Ok(SaveOutcome::NoDialog), None),
                    DialogAnswer::Chosen(path) => match build_and_write(path, contents).await {
                        Ok(path) => {
                            let pdf = match pdf_of {
                                Some(id) => {
                                    let beside = DialogAnswer::Chosen(pdf_beside(&path));
                                    Some(save_pdf(client, &id, Box::pin(async move { beside })).await)
                                }
                                None => None,
                            };
                            (Ok(SaveOutcome::Saved(path)), pdf)
                        }
                        Err(err) => (Err(err), None),
                    },
                };
                events.send(Event::Exported { result, pdf }).await;
            });
        }
        Command::ClearRecordingCache { cache } => {
            tokio::spawn(async move {
                let cleared = tokio::task::spawn_blocking(move || cache.clear()).await;
                let result = match cleared {
                    Ok(Ok(usage)) => Ok(usage),
                    Ok(Err(err)) => Err(crate::export::describe_io_error(&err)),
                    Err(err) => Err(err.to_string()),
                };
                events.send(Event::RecordingCacheCleared { result }).await;
            });
        }
        Command::FetchRecording { id, attempt, cache, scratch, ticket, cancel } => {
            let client = state.client.clone();
            tokio::spawn(async move {
                let result = match client {
                    Some(client) => {
                        fetch_recording(&client, &id, attempt, cache.as_ref(), &scratch, ticket, &cancel, &events)
                            .await
                            .map_err(|err| err.to_string())
                    }
                    None => Err(not_connected().to_string()),
                };
                events.send(Event::RecordingReady { ticket, result }).await;
            });
        }
        Command::ComputeWaveform { path, ticket, cancel } => {
            tokio::spawn(async move {
                let cancelled = move || cancel.load(std::sync::atomic::Ordering::SeqCst);
                let computed =
                    tokio::task::spawn_blocking(move || crate::playback::waveform::compute(&path, &|_| {}, &cancelled))
                        .await;
                let result = match computed {
                    Ok(result) => result.map(Arc::new),
                    Err(err) => Err(crate::playback::PlaybackError::Decode(err.to_string())),
                };
                events.send(Event::WaveformReady { ticket, result }).await;
            });
        }
        Command::SaveRecording { id, attempt, choice, cache } => {
            let client = state.client.clone();
            tokio::spawn(async move {
                let result = match choice.await {
                    DialogAnswer::Cancelled | DialogAnswer::Unavailable => Ok(None),
                    DialogAnswer::Chosen(path) => match client {
                        Some(client) => save_recording(&client, &id, attempt, path, cache.as_ref()).await.map(Some),
                        None => Err(SaveFileError::Build(not_connected().to_string().into())),
                    },
                };
                events.send(Event::FileSaved { what: "the recording".to_owned(), result }).await;
            });
        }
        Command::BuildExportText { interview_id, ticket, purpose, build } => {
            tokio::spawn(async move {
                if let Ok(text) = tokio::task::spawn_blocking(build).await {
                    events.send(Event::ExportTextBuilt { interview_id, ticket, purpose, text }).await;
                }
            });
        }
        Command::SaveFile { choice, build, fallback, what } => {
            tokio::spawn(async move {
                let path = match choice.await {
                    DialogAnswer::Cancelled => None,
                    DialogAnswer::Unavailable => Some(fallback),
                    DialogAnswer::Chosen(path) => Some(path),
                };
                let result = match path {
                    Some(path) => save_built(path, build).await.map(Some),
                    None => Ok(None),
                };
                events.send(Event::FileSaved { what, result }).await;
            });
        }
        Command::BulkExport { choice, targets, options, source, cancel } => {
            let client = state.client.clone();
            tokio::spawn(async move {
                let result = bulk_export(client, choice, targets, options, source, cancel, &events).await;
                events.send(Event::BulkFinished { result }).await;
            });
        }
        Command::StartDemo => {
            let result = match &state.demo {
                Some(demo) => Ok(demo.base_url().to_owned()),
                None => match DemoServer::start(0).await {
                    Ok(demo) => {
                        let url = demo.base_url().to_owned();
                        state.demo = Some(demo);
                        Ok(url)
                    }
                    Err(err) => Err(DemoStartError(err)),
                },
            };
            events.send(Event::DemoStarted { result }).await;
        }
        Command::SearchTranscript { record, request } => {
            tokio::spawn(async move {
                let interview_id = record.interview.id.clone();
                let searched =
                    tokio::task::spawn_blocking(move || transcript_search::run(&record.interview.transcript, request));
                if let Ok(Some(answer)) = searched.await {
                    events.send(Event::TranscriptSearched { interview_id, answer }).await;
                }
            });
        }
        Command::LoadReview { folder, reviewer, interview_id } => {
            tokio::spawn(async move {
                let path = folder.path_of(&reviewer, &interview_id);
                let (id, reading) = (interview_id.clone(), folder.clone());
                let result = review_io(path, move || reading.load(&reviewer, &id).map(|r| r.map(Box::new))).await;
                events.send(Event::ReviewLoaded { folder, interview_id, result }).await;
            });
        }
        Command::SaveReview { folder, review, base, mode, ticket } => {
            let saves = state.review_saves.get_or_insert_with(|| spawn_review_writer(events));
            let _ = saves.send(ReviewSave { folder, review, base, mode, ticket }).await;
        }
        Command::ScanReviews { folder, reviewer } => {
            let cache = state.review_scans.clone();
            tokio::spawn(async move {
                let scan = scan_reviews(folder.clone(), reviewer, cache, None).await;
                events.send(Event::ReviewsScanned { folder, scan: Box::new(scan) }).await;
            });
        }
        Command::RemoveReviewCopy { path, folder, reviewer } => {
            let cache = state.review_scans.clone();
            tokio::spawn(async move {
                let scan = scan_reviews(folder.clone(), reviewer, cache, Some(path)).await;
                events.send(Event::ReviewsScanned { folder, scan: Box::new(scan) }).await;
            });
        }
        Command::UpdateSettings { path, change, ticket } => {
            let updates = state.settings_updates.get_or_insert_with(|| spawn_settings_writer(events));
            // The writer only stops with the worker, and then nobody waits for the answer. A full
            // queue (64 changes waiting on a stuck disk) holds up the next commands, not the UI.
            let _ = updates.send(SettingsUpdate { path, change, ticket }).await;
        }
    }
}

/// One queued [`Command::SaveReview`].
struct ReviewSave {
    folder: ReviewFolder,
    review: Box<Review>,
    base: u64,
    mode: SaveMode,
    ticket: u64,
}

/// Starts the task that writes reviews one at a time, in the order they were sent (each reads
/// the file to check its revision, so two at once could both pass the check).
fn spawn_review_writer(events: EventSender) -> mpsc::Sender<ReviewSave> {
    let (sender, mut saves) = mpsc::channel::<ReviewSave>(64);
    tokio::spawn(async move {
        while let Some(ReviewSave { folder, review, base, mode, ticket }) = saves.recv().await {
            let interview_id = review.interview_id.clone();
            let path = folder.path_of(&review.reviewer, &review.interview_id);
            let result = review_io(path, move || folder.save(&review, base, mode).map(Box::new)).await;
            events.send(Event::ReviewSaved { ticket, interview_id, result }).await;
        }
    });
    sender
}

/// Runs blocking review-folder work off the async threads, giving up after
/// [`REVIEW_IO_TIMEOUT`] (the work itself may still finish).
async fn review_io<T: Send + 'static>(
    path: PathBuf,
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    review_io_within(REVIEW_IO_TIMEOUT, path, work).await
}

async fn review_io_within<T: Send + 'static>(
    limit: Duration,
    path: PathBuf,
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let timed_out = || StoreError::TimedOut { path: path.clone(), seconds: limit.as_secs() };
    match tokio::time::timeout(limit, tokio::task::spawn_blocking(work)).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) | Err(_) => Err(timed_out()),
    }
}

/// Scans `folder` (after deleting `remove`, a conflict copy, when given) with the shared cache.
async fn scan_reviews(
    folder: ReviewFolder,
    reviewer: String,
    cache: Arc<std::sync::Mutex<ScanCache>>,
    remove: Option<PathBuf>,
) -> Scan {
    let root = folder.root.clone();
    let result = review_io(root.clone(), move || {
        let mut scan_error = None;
        if let Some(path) = remove
            && let Err(err) = std::fs::remove_file(&path)
        {
            scan_error = Some(format!("could not delete {}: {err}", path.display()));
        }
        let mut cache = cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut scan = folder.scan(&reviewer, &mut cache);
        scan.folder_error = scan.folder_error.or(scan_error);
        Ok(scan)
    })
    .await;
    result.unwrap_or_else(|err| Scan { folder_error: Some(err.to_string()), ..Scan::default() })
}

/// One queued [`Command::UpdateSettings`].
struct SettingsUpdate {
    path: PathBuf,
    change: Option<SettingsChange>,
    ticket: u64,
}

/// Starts the task that applies settings updates one at a time, in the order they were sent
/// (each reads, changes and writes the file, so two at once could lose one of the changes).
fn spawn_settings_writer(events: EventSender) -> mpsc::Sender<SettingsUpdate> {
    let (sender, mut updates) = mpsc::channel::<SettingsUpdate>(64);
    tokio::spawn(async move {
        while let Some(SettingsUpdate { path, change, ticket }) = updates.recv().await {
            let result = tokio::task::spawn_blocking(move || update_settings_file(&path, change))
                .await
                .unwrap_or_else(|err| Err(SettingsFailure::Lost(format!("the settings task failed: {err}"))));
            events.send(Event::SettingsUpdated { ticket, result: result.map(Box::new) }).await;
        }
    });
    sender
}

/// Reads `path`, applies `change` and writes the file (blocking; run off the async threads).
fn update_settings_file(path: &std::path::Path, change: Option<SettingsChange>) -> Result<Settings, SettingsFailure> {
    let mut settings = Settings::load(path).map_err(SettingsFailure::Unreadable)?;
    let Some(change) = change else { return Ok(settings) };
    change(&mut settings).map_err(SettingsFailure::Refused)?;
    match settings.save(path) {
        Ok(()) => Ok(settings),
        Err(error) => Err(SettingsFailure::Unwritable { settings: Box::new(settings), error }),
    }
}

/// The key store, opened once it works (the OS keyring is opened off the UI thread, with a
/// timeout). A failure is not remembered, so Retry after unlocking or starting a keyring
/// tries again.
async fn open_store(cell: &StoreCell, choice: StoreChoice) -> Result<Arc<dyn SecretStore>, CredentialError> {
    cell.get_or_try_init(|| async move {
        match choice {
            StoreChoice::Given(store) => Ok(store),
            StoreChoice::OsKeyring => {
                let opened = tokio::time::timeout(KEYRING_TIMEOUT, tokio::task::spawn_blocking(os_keyring)).await;
                match opened {
                    Ok(Ok(Ok(store))) => Ok(Arc::new(store) as Arc<dyn SecretStore>),
                    Ok(Ok(Err(err))) => Err(err),
                    Ok(Err(join)) => Err(CredentialError::Other(join.to_string())),
                    Err(_) => Err(CredentialError::TimedOut(KEYRING_TIMEOUT.as_secs())),
                }
            }
        }
    })
    .await
    .cloned()
}

/// Opens the key store (once) and runs `call` on it with [`keyring_call`]; the result comes
/// with the store's description.
async fn stored_call<T: Send + 'static>(
    (cell, choice): (StoreCell, StoreChoice),
    call: impl FnOnce(&dyn SecretStore) -> Result<T, CredentialError> + Send + 'static,
) -> Result<(T, StoreInfo), CredentialError> {
    let store = open_store(&cell, choice).await?;
    let info = store.info();
    keyring_call(store, call).await.map(|value| (value, info))
}

/// Runs a blocking keyring call on the blocking pool with [`KEYRING_TIMEOUT`].
async fn keyring_call<T: Send + 'static>(
    store: Arc<dyn SecretStore>,
    call: impl FnOnce(&dyn SecretStore) -> Result<T, CredentialError> + Send + 'static,
) -> Result<T, CredentialError> {
    match tokio::time::timeout(KEYRING_TIMEOUT, tokio::task::spawn_blocking(move || call(store.as_ref()))).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(CredentialError::Other(join.to_string())),
        Err(_) => Err(CredentialError::TimedOut(KEYRING_TIMEOUT.as_secs())),
    }
}

/// `report.json` → `report-analysis.pdf`, in the same folder.
pub fn pdf_beside(document: &std::path::Path) -> PathBuf {
    let stem = document.file_stem().map_or_else(|| "interview".into(), |stem| stem.to_string_lossy().into_owned());
    document.with_file_name(format!("{stem}-analysis.pdf"))
}

async fn bulk_export(
    client: Option<ApiClient>,
    choice: DialogFuture,
    targets: Vec<BulkTarget>,
    options: BulkOptions,
    source: ExportSource,
    cancel: CancelToken,
    events: &EventSender,
) -> Result<Result<BulkReport, DialogAnswer>, BulkStartError> {
    let folder = match choice.await {
        DialogAnswer::Chosen(folder) => folder,
        other => return Ok(Err(other)),
    };
    let client = client.ok_or(BulkStartError::NotConnected)?;
    events.send(Event::BulkStarted { folder: folder.clone() }).await;
    let progress_events = events.clone();
    let progress = move |progress: &BulkProgress| progress_events.send_now(Event::BulkProgress(progress.clone()));
    Ok(Ok(crate::export::bulk::run(&client, &folder, targets, options, &source, &cancel, &progress).await?))
}

async fn save_pdf(client: Option<ApiClient>, id: &str, choice: DialogFuture) -> Result<PdfOutcome, PdfError> {
    let path = match choice.await {
        DialogAnswer::Chosen(path) => path,
        DialogAnswer::Cancelled => return Ok(PdfOutcome::Cancelled),
        DialogAnswer::Unavailable => return Ok(PdfOutcome::NoDialog),
    };
    let client = client.ok_or(PdfError::NotConnected)?;
    match client.get_analysis_pdf(id).await.map_err(PdfError::Api)? {
        Some(bytes) => {
            write_atomically_in_background(path.clone(), bytes).await?;
            Ok(PdfOutcome::Saved(path))
        }
        None => Ok(PdfOutcome::NotAvailable),
    }
}

fn not_connected() -> ApiError {
    ApiError::InvalidRequest("Not connected: set up the connection first.".to_owned())
}

/// Downloads call attempt `attempt` of interview `id` to `path` ([`crate::recordings::save_recording`]).
async fn save_recording(
    client: &ApiClient,
    id: &str,
    attempt: usize,
    path: PathBuf,
    cache: Option<&crate::recordings::RecordingCache>,
) -> Result<PathBuf, SaveFileError> {
    let pick = |interview: &crate::api::Interview| {
        interview
            .call_attempts
            .get(attempt)
            .and_then(|a| a.recording_url.clone())
            .map(|url| (attempt, url))
            .ok_or_else(|| format!("call attempt {} has no recording any more", attempt + 1))
    };
    crate::recordings::save_recording(client, id, &pick, &path, cache, &|_, _| {}, &|| false)
        .await
        .map_err(|err| SaveFileError::Build(Box::new(err)))
}

/// The recording of call attempt `attempt` on this computer, for [`Command::FetchRecording`];
/// progress is sent at most every 64 KiB.
#[expect(clippy::too_many_arguments, reason = "the command's fields, passed on")]
async fn fetch_recording(
    client: &ApiClient,
    id: &str,
    attempt: usize,
    cache: Option<&crate::recordings::RecordingCache>,
    scratch: &std::path::Path,
    ticket: u64,
    cancel: &std::sync::atomic::AtomicBool,
    events: &EventSender,
) -> Result<PathBuf, crate::recordings::SaveRecordingError> {
    let pick = |interview: &crate::api::Interview| {
        interview
            .call_attempts
            .get(attempt)
            .and_then(|a| a.recording_url.clone())
            .map(|url| (attempt, url))
            .ok_or_else(|| format!("call attempt {} has no recording", attempt + 1))
    };
    let reported = std::sync::atomic::AtomicU64::new(0);
    let progress = |bytes: u64, total: Option<u64>| {
        let last = reported.load(std::sync::atomic::Ordering::Relaxed);
        if bytes >= last + 65_536 || total == Some(bytes) {
            reported.store(bytes, std::sync::atomic::Ordering::Relaxed);
            events.send_now(Event::RecordingProgress { ticket, bytes, total });
        }
    };
    let cancelled = || cancel.load(std::sync::atomic::Ordering::SeqCst);
    crate::recordings::playable_recording(client, id, &pick, cache, scratch, &progress, &cancelled).await
}

/// Makes the contents on a blocking thread, then writes them to `path` atomically.
async fn save_built(path: PathBuf, build: FileBuilder) -> Result<PathBuf, SaveFileError> {
    let bytes = match tokio::task::spawn_blocking(build).await {
        Ok(built) => built.map_err(SaveFileError::Build)?,
        Err(err) => return Err(SaveFileError::Build(format!("the file could not be made: {err}").into())),
    };
    write_atomically_in_background(path.clone(), bytes).await?;
    Ok(path)
}

/// Builds the text on a blocking thread, then writes it as [`write_file`] does.
async fn build_and_write(path: PathBuf, build: TextBuilder) -> Result<PathBuf, WriteError> {
    let contents = tokio::task::spawn_blocking(build).await.unwrap_or_default();
    write_file(path, contents).await
}

async fn write_file(path: PathBuf, contents: String) -> Result<PathBuf, WriteError> {
    write_atomically_in_background(path.clone(), contents.into_bytes()).await.map(|()| path)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_review_file_that_blocks_like_a_cloud_placeholder_times_out_with_its_name() {
        let path = PathBuf::from("/reviews/Jana/iv-1.json");
        let blocked = super::review_io_within(Duration::from_millis(50), path, || {
            std::thread::sleep(Duration::from_millis(400));
            Ok(())
        });
        let err = blocked.await.unwrap_err();
        assert!(matches!(err, StoreError::TimedOut { .. }), "{err:?}");
        assert!(err.to_string().contains("iv-1.json"), "{err}");
        assert!(err.to_string().contains("cloud file still downloading"), "{err}");
    }

    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::credentials::MemoryStore;

    fn counting_waker() -> (Waker, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        let counter = count.clone();
        (
            Arc::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            }),
            count,
        )
    }

    fn next_event(worker: &mut Worker) -> Event {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(event) = worker.try_recv() {
                return event;
            }
            assert!(std::time::Instant::now() < deadline, "no event within 10 s");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn every_event_wakes_the_ui() {
        let (waker, wakes) = counting_waker();
        let mut worker = Worker::start(StoreChoice::Given(Arc::new(MemoryStore::default())), waker).unwrap();
        worker.send(Command::LoadKey { account: "default".into() }).unwrap();
        assert!(matches!(next_event(&mut worker), Event::KeyLoaded { result: Ok(None), .. }));
        worker.send(Command::SaveKey { account: "default".into(), key: ApiKey::new("sk_test_1").unwrap() }).unwrap();
        assert!(matches!(next_event(&mut worker), Event::KeySaved { result: Ok(_), .. }));
        worker.send(Command::OpenInterview { id: "x".into() }).unwrap();
        assert!(matches!(
            next_event(&mut worker),
            Event::InterviewLoaded { result: Err(ApiError::InvalidRequest(_)), .. }
        ));
        assert_eq!(wakes.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn sending_after_the_ui_closed_is_quiet() {
        let (waker, wakes) = counting_waker();
        let (sender, receiver) = EventSender::new(1, waker);
        drop(receiver);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(sender.send(Event::DemoStarted { result: Ok("x".into()) }));
        assert_eq!(wakes.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn saving_a_pdf_or_bulk_exporting_without_a_connection_says_so() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let chosen = || -> DialogFuture { Box::pin(async { DialogAnswer::Chosen("/nowhere/x.pdf".into()) }) };
        let err = runtime.block_on(save_pdf(None, "x", chosen())).unwrap_err();
        assert!(matches!(err, PdfError::NotConnected), "{err:?}");
        assert_eq!(err.to_string(), "Not connected: set up the connection first.");
        let (events, _rx) = EventSender::new(4, Arc::new(|| {}));
        let bulk = bulk_export(
            None,
            chosen(),
            Vec::new(),
            BulkOptions::default(),
            ExportSource { base_url: "http://127.0.0.1:9".into(), company_id: None },
            CancelToken::default(),
            &events,
        );
        assert!(matches!(runtime.block_on(bulk), Err(BulkStartError::NotConnected)));
    }

    #[test]
    fn dropping_the_worker_mid_request_returns_quickly() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (waker, _) = counting_waker();
        let worker = Worker::start(StoreChoice::Given(Arc::new(MemoryStore::default())), waker).unwrap();
        worker
            .send(Command::Connect {
                config: ApiConfig::new(&url, None),
                key: ApiKey::new("sk_test_1").unwrap(),
                check: false,
            })
            .unwrap();
        worker.send(Command::OpenInterview { id: "3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10".into() }).unwrap();
        std::thread::sleep(Duration::from_millis(200));
        let started = std::time::Instant::now();
        drop(worker);
        assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
        drop(listener);
    }
}
