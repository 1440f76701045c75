//! What the screens show: the state of this run, read-only to them, and the few buffers they
//! edit ([`Edits`]). Only the app's command and event handling change [`Session`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::interview_list::{InterviewList, ListFilters};
use super::notifications::Notifications;
use super::persisted::{ExportPrefs, SidePanel, Tab};
use super::transcript_view::TranscriptView;
use crate::api::rate_limit::RateLimitStatus;
use crate::api::related::RelatedKind;
use crate::api::{ApiConfig, ApiError, InterviewRecord};
use crate::credentials::{CredentialError, StoreInfo};
use crate::export::bulk::{BulkProgress, BulkReport, BulkTarget, CancelToken};
use crate::profiles::Settings;
use crate::worker::PdfOutcome;

/// The state of this run that the screens read. Screens never change it: they push
/// [`super::Command`]s, and the app applies them at the end of the frame.
#[derive(Default)]
pub struct Session {
    /// Which screen is shown.
    pub screen: Screen,
    /// Running against the embedded demo server.
    pub demo: bool,
    /// The saved connections, as last read from (or written to) `settings.json`.
    pub settings: Settings,
    /// The name of the connection in use (also its keyring account).
    pub profile: String,
    /// Connected for this run only with `--base-url` and `INSTAVIEW_API_KEY`: `profile` is then
    /// not the connection in use, and nothing of it is in the keyring or the settings.
    pub one_off: bool,
    /// A key is in use this run (read from the keyring, or typed).
    pub has_key: bool,
    /// The connection in use is a saved one: what Edit, Sign out and Delete act on.
    pub saved_connection: bool,
    /// The key store in use, for the Connect screen; `None` until it answered or when none works.
    pub store: Option<StoreInfo>,
    /// The active connection (the demo server's in demo mode, never persisted then).
    pub active: Option<ApiConfig>,
    /// The Connect screen's progress and outcomes.
    pub connect: ConnectStatus,
    /// The "Delete connection…" window, while it is open.
    pub delete_connection: Option<DeleteConnection>,
    /// Global and background results, newest last, until dismissed or timed out.
    pub notifications: Notifications,
    /// Why the last open attempt was refused before any request (bad ID).
    pub open_error: Option<String>,
    /// The interview shown.
    pub current: Option<OpenInterview>,
    /// The latest "Save as…" of the open interview: pending while the dialog is open or the
    /// file is written, then how it ended or why writing failed.
    pub export: Remote<ExportOutcome, String>,
    /// When "Copy JSON" was last clicked (the Export tab confirms it for a few seconds).
    pub copied_at: Option<Instant>,
    /// Text the worker built for the clipboard, copied at the start of the next frame.
    pub clipboard: Option<String>,
    /// The bulk export in progress or just finished (shown in the bulk export window).
    pub bulk_job: Option<BulkJob>,
    /// Names of candidates, agents and jobs.
    pub related: RelatedCache,
    /// The interview list in the side panel.
    pub list: InterviewList,
    /// The latest "Save analysis PDF…": pending while it is fetched and written, then how it
    /// ended or why it failed.
    pub pdf: Remote<PdfOutcome, String>,
    /// Why the client is waiting before a retry (e.g. "rate limited") and until when; the
    /// status bar counts down to it.
    pub notice: Option<(String, Instant)>,
    /// The latest rate-limit headers seen.
    pub quota: Option<RateLimitStatus>,
    /// Interviews picked for the Compare view, in the order added.
    pub compare: Vec<Arc<InterviewRecord>>,
    /// The central area shows the Compare view.
    pub show_compare: bool,
    /// Recently opened interview IDs, newest first (a copy of the persisted list).
    pub recent: Vec<String>,
    /// The Export tab's choices (a copy of the persisted ones).
    pub export_prefs: ExportPrefs,
    /// The reviewer's evaluations: folder, save states, everybody's reviews.
    pub reviews: super::review_desk::ReviewDesk,
    /// The open interview's call recording and its player.
    pub listening: super::listening::Listening,
    /// The open interview with the speakers the reviewer named (agent or candidate) made so:
    /// what the Transcript tab shows and the files for people hold. `None` when none are
    /// named.
    pub people_record: Option<Arc<InterviewRecord>>,
}

impl Session {
    /// The list's rows: the loaded interviews that match the text filter, in the chosen order.
    pub fn list_rows(&self, filters: &super::ListFilters) -> Vec<Arc<InterviewRecord>> {
        use super::interview_list::ListSort;
        let related = &self.related;
        let mut rows: Vec<Arc<InterviewRecord>> = self
            .list
            .visible(&filters.text, |kind, id| {
                // A hidden candidate is found by pseudonym only.
                related.name(kind, id)
            })
            .cloned()
            .collect();
        let name = |r: &InterviewRecord| {
            r.interview
                .candidate_id
                .as_deref()
                .and_then(|id| related.name(RelatedKind::Candidate, id))
                .unwrap_or_default()
        };
        let mine = |r: &InterviewRecord| self.reviews.mine(&r.interview.id).and_then(|m| m.review.rating());
        match filters.sort {
            ListSort::Newest => {}
            ListSort::Oldest => rows.sort_by_key(|r| (r.interview.key_instant().is_none(), r.interview.key_instant())),
            ListSort::AiRating => rows.sort_by(|a, b| {
                let key = |r: &InterviewRecord| r.interview.overall_rating().unwrap_or(f64::NEG_INFINITY);
                key(b).total_cmp(&key(a))
            }),
            ListSort::MyRating => rows.sort_by_key(|r| std::cmp::Reverse(mine(r))),
            ListSort::Name => rows.sort_by_cached_key(|r| name(r).to_lowercase()),
        }
        rows
    }

    /// The loaded interview, if any.
    pub fn current_record(&self) -> Option<Arc<InterviewRecord>> {
        self.current.as_ref()?.remote.value().cloned()
    }

    /// The open interview as people read it: with the reviewer's speaker roles applied (see
    /// [`Session::people_record`]), else as loaded.
    pub fn record_for_people(&self) -> Option<Arc<InterviewRecord>> {
        let current = self.current_record()?;
        Some(self.people_record.clone().filter(|r| r.interview.id == current.interview.id).unwrap_or(current))
    }

    /// Whether `id` is in the comparison.
    pub fn is_compared(&self, id: &str) -> bool {
        self.compare.iter().any(|r| r.interview.id == id)
    }
}

/// What the screens edit in place: text fields, the selected tab and side panel view, the
/// list's filters, the bulk selection and the transcript's search. The app reads them when it
/// applies a command, and resets some of them (another interview, another connection).
#[derive(Default)]
pub struct Edits {
    /// The selected tab (persisted).
    pub tab: Tab,
    /// What the side panel shows (persisted).
    pub side: SidePanel,
    /// The "Open interview" field.
    pub open_input: String,
    /// The Connect screen's text fields.
    pub connect: ConnectFields,
    /// The interview list's filters.
    pub filters: ListFilters,
    /// Interviews picked in the list for a bulk export.
    pub bulk: BulkSelection,
    /// The folder path typed when no folder dialog could be shown.
    pub bulk_folder: String,
    /// The path typed when no save dialog could be shown (Export tab, PDF).
    pub fallback_path: String,
    /// Search, filter and scroll state of the open interview's transcript.
    pub transcript: TranscriptView,
    /// The reviewer's drafts, by interview ID (autosaved; see `review_desk`).
    pub reviews: std::collections::HashMap<String, crate::review::Review>,
    /// The scorecard panel's own state.
    pub scorecard: ScorecardEdits,
}

/// The narrowest window (in points) that shows the scorecard beside the tabs without being asked.
pub const SCORECARD_MIN_WINDOW: f32 = 1000.0;

/// The scorecard panel's buffers.
#[derive(Debug, Default)]
pub struct ScorecardEdits {
    /// The Review settings window is open, with these values being edited.
    pub settings: Option<ReviewSettingsFields>,
    /// Move the keyboard focus to the notes field in the next frame.
    pub focus_notes: bool,
    /// The shortcut overlay is shown.
    pub show_shortcuts: bool,
    /// The queue picker's choice.
    pub queue_kind: Option<super::review_desk::QueueKind>,
    /// The scorecard panel is closed (`Some(true)`) or open (`Some(false)`) by the reviewer's
    /// choice; `None`: open when the window is at least [`SCORECARD_MIN_WINDOW`] points wide.
    pub hidden: Option<bool>,
}

/// The Review settings window's fields, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewSettingsFields {
    /// The reviewer's name (empty: the OS user name).
    pub reviewer: String,
    /// The review folder (empty: the app's data folder).
    pub folder: String,
    /// The default criteria, one per line.
    pub criteria: String,
    /// The criteria of the open interview's agent, one per line (empty: the default ones).
    pub agent_criteria: String,
    /// The agent those are for, if an interview with an agent is open.
    pub agent: Option<String>,
    /// Blind review.
    pub blind: bool,
}

/// The Connect screen's text fields. The key field is cleared once used.
#[derive(Default)]
pub struct ConnectFields {
    /// Connection (profile) name.
    pub name: String,
    /// What the user typed as the key (masked on screen; never persisted).
    pub key: String,
    /// Base URL.
    pub base_url: String,
    /// Company ID (ATS integration keys only).
    pub company_id: String,
}

/// Which screen the central area shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Screen {
    /// Reading the saved key, or starting the demo server.
    #[default]
    Starting,
    /// Entering or changing the connection.
    Connect,
    /// Opening and reading interviews.
    Main,
}

/// A value that comes from the worker (a request, a dialog and a write): not asked for yet,
/// on its way, there, or failed. While it is asked for again, and after that fails, the value
/// from before stays (`previous`), so a refresh never blanks the screen.
#[derive(Clone, Debug, Default)]
pub enum Remote<T, E = ApiError> {
    /// Nothing asked for yet (or forgotten).
    #[default]
    NotRequested,
    /// Asked for, no answer yet.
    Pending {
        /// What was there before, shown meanwhile.
        previous: Option<T>,
    },
    /// Arrived.
    Ready(T),
    /// Failed; shown next to what it belongs to, with a way to try again.
    Failed {
        /// Why.
        error: E,
        /// What was there before, still shown.
        previous: Option<T>,
    },
}

impl<T, E> Remote<T, E> {
    /// Marks it as asked for (again), keeping the value there so far.
    pub fn start(&mut self) {
        let previous = self.take_value();
        *self = Self::Pending { previous };
    }

    /// Takes the value shown now (see [`Remote::value`]), leaving [`Remote::NotRequested`].
    fn take_value(&mut self) -> Option<T> {
        match std::mem::take(self) {
            Self::Ready(value) => Some(value),
            Self::Pending { previous } | Self::Failed { previous, .. } => previous,
            Self::NotRequested => None,
        }
    }

    /// Takes the answer; a failure keeps the value there so far.
    pub fn finish(&mut self, result: Result<T, E>) {
        *self = match result {
            Ok(value) => Self::Ready(value),
            Err(error) => Self::Failed { error, previous: self.take_value() },
        };
    }

    /// The value to show: the fresh one, or the one from before while pending or failed.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Ready(value) => Some(value),
            Self::Pending { previous } | Self::Failed { previous, .. } => previous.as_ref(),
            Self::NotRequested => None,
        }
    }

    /// Whether an answer is awaited.
    pub fn is_pending(&self) -> bool {
        matches!(self, Self::Pending { .. })
    }

    /// Whether it was ever asked for: anything but [`Remote::NotRequested`].
    pub fn is_requested(&self) -> bool {
        !matches!(self, Self::NotRequested)
    }

    /// Why it failed, if it did.
    pub fn error(&self) -> Option<&E> {
        match self {
            Self::Failed { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Candidate, agent and job records fetched for their names, by kind and ID, for this run.
#[derive(Default)]
pub struct RelatedCache {
    pub(super) records: HashMap<(RelatedKind, String), Remote<Value>>,
    /// Candidates hidden by blind review: their pseudonym by candidate ID.
    pub(super) hidden: HashMap<String, String>,
}

impl RelatedCache {
    /// The record's display name, once it has arrived; a hidden candidate's pseudonym.
    pub fn name(&self, kind: RelatedKind, id: &str) -> Option<String> {
        if kind == RelatedKind::Candidate
            && let Some(pseudonym) = self.hidden.get(id)
        {
            return Some(pseudonym.clone());
        }
        kind.display_name(self.record(kind, id)?)
    }

    /// The record's short description (agent type and focus, candidate e-mail), if any.
    pub fn details(&self, kind: RelatedKind, id: &str) -> Option<String> {
        if kind == RelatedKind::Candidate && self.hidden.contains_key(id) {
            return Some("hidden by blind review until you decide".to_owned());
        }
        kind.details(self.record(kind, id)?)
    }

    /// The record as the server sent it, once it has arrived (never masked: for exports).
    pub fn record(&self, kind: RelatedKind, id: &str) -> Option<&Value> {
        match self.records.get(&(kind, id.to_owned()))? {
            Remote::Ready(record) => Some(record),
            _ => None,
        }
    }

    /// Whether blind review hides this candidate now.
    pub fn is_hidden(&self, candidate_id: &str) -> bool {
        self.hidden.contains_key(candidate_id)
    }

    /// The words of a hidden candidate's name and e-mail ([`crate::review::name_words`]);
    /// empty when the candidate is not hidden or its record has not arrived.
    pub fn hidden_words(&self, candidate_id: &str) -> Vec<String> {
        if !self.hidden.contains_key(candidate_id) {
            return Vec::new();
        }
        self.record(RelatedKind::Candidate, candidate_id).map(crate::review::name_words).unwrap_or_default()
    }

    /// Why the record could not be loaded, if it failed.
    pub fn error(&self, kind: RelatedKind, id: &str) -> Option<&ApiError> {
        match self.records.get(&(kind, id.to_owned()))? {
            Remote::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Marks the record as requested; false when it was requested before (cached or failed).
    pub(super) fn begin(&mut self, kind: RelatedKind, id: &str) -> bool {
        let key = (kind, id.to_owned());
        if self.records.contains_key(&key) {
            return false;
        }
        self.records.insert(key, Remote::Pending { previous: None });
        true
    }
}

/// The interview currently shown.
pub struct OpenInterview {
    /// The requested ID.
    pub id: String,
    /// The interview: loading, loaded, being refreshed (the old copy shown), or why it failed.
    pub remote: Remote<Arc<InterviewRecord>>,
    /// The export document shown on the Export tab, built on the worker when first needed.
    pub export_preview: Option<ExportPreview>,
    /// The ticket of the preview being built, if one is; an answer with another ticket is for
    /// a document since outdated.
    pub preview_ticket: Option<u64>,
    /// Automatic refresh while the interview is scheduled or running.
    pub live: LiveRefresh,
}

impl OpenInterview {
    /// Drops the export preview (what it shows changed); a build in flight is ignored when it
    /// arrives, and the next frame that needs the preview asks again.
    pub fn forget_preview(&mut self) {
        self.export_preview = None;
        self.preview_ticket = None;
    }
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
}

impl Default for LiveRefresh {
    fn default() -> Self {
        Self { loaded_at: None, next_at: None, interval: REFRESH_MIN }
    }
}

impl LiveRefresh {
    /// Records a fresh copy: `changed` tells whether `updatedAt` or the status moved, `live`
    /// whether the status still changes by itself.
    pub(super) fn arrived(&mut self, now: Instant, changed: bool, live: bool) {
        self.loaded_at = Some(now);
        self.interval = if changed { REFRESH_MIN } else { (self.interval.mul_f32(1.5)).min(REFRESH_MAX) };
        self.next_at = live.then(|| now + self.interval);
    }
}

/// The Connect screen's state besides its text fields: what is going on and what came of it.
#[derive(Default)]
pub struct ConnectStatus {
    /// The form creates a new connection ("New connection…") rather than editing the current.
    pub new_profile: bool,
    /// What the form's last action (test, save, sign out) came to: pending while it runs (see
    /// [`ConnectStatus::doing`]), then a confirmation or why it failed, in words for the screen.
    pub action: Remote<String, String>,
    /// What the pending action is doing ("Testing the connection…").
    pub doing: &'static str,
    /// Something to know that is not an error ("no key saved yet", "the key was removed").
    pub info: Option<String>,
    /// What the key store refused, with its own message and next step on the Connect screen.
    pub key_problem: Option<KeyProblem>,
    /// The keyring failed; offer to keep the key in memory for this run.
    pub offer_memory_only: bool,
}

impl ConnectStatus {
    /// Starts an action that `doing` describes; its outcome replaces the last one.
    pub fn begin(&mut self, doing: &'static str) {
        self.doing = doing;
        self.action = Remote::Pending { previous: None };
    }

    /// Whether an action is running (the form's buttons wait for it).
    pub fn is_busy(&self) -> bool {
        self.action.is_pending()
    }

    /// The last action's outcome, once there is one.
    pub fn outcome(&self) -> Option<Result<&str, &str>> {
        match &self.action {
            Remote::Ready(text) => Some(Ok(text)),
            Remote::Failed { error, .. } => Some(Err(error)),
            Remote::NotRequested | Remote::Pending { .. } => None,
        }
    }
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

/// How the latest export ended, shown on the Export tab.
#[derive(Clone, Debug)]
pub enum ExportOutcome {
    /// Written to this path; with the analysis PDF's outcome when it was asked for.
    Saved(PathBuf, Option<Result<PdfOutcome, String>>),
    /// The user cancelled the dialog.
    Cancelled,
    /// No file dialog could be shown (a desktop without a file-chooser portal): the Export
    /// tab offers a path field instead.
    NoDialog,
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
}

/// The interviews picked in the list for a bulk export.
#[derive(Default)]
pub struct BulkSelection {
    /// The list shows check boxes.
    pub selecting: bool,
    /// Picked interview IDs, in the order picked.
    pub selected: Vec<String>,
}

impl BulkSelection {
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

/// The export document as the Export tab shows it: the text and where each line starts, found
/// once so a long document is not split into lines in every frame.
#[derive(Clone, Debug)]
pub struct ExportPreview {
    /// The document.
    pub text: String,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
}

impl ExportPreview {
    /// Indexes the lines of `text`.
    pub fn new(text: String) -> Self {
        let line_starts =
            std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)).collect();
        Self { text, line_starts }
    }

    /// How many lines there are.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Line `index` (0-based) without its line break; "" past the end.
    pub fn line(&self, index: usize) -> &str {
        let (Some(&start), end) = (self.line_starts.get(index), self.line_starts.get(index + 1)) else { return "" };
        let end = end.map_or(self.text.len(), |&next| next.saturating_sub(1));
        self.text.get(start..end.max(start)).unwrap_or_default().trim_end_matches('\r')
    }
}
