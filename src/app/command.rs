//! The boundary between the screens and the app: screens read a [`Session`], edit their own
//! buffers in [`Edits`], and push a [`Command`] for everything else. The app applies the
//! commands at the end of the frame; it alone talks to the worker, opens file dialogs, changes
//! the screen and touches files.

use std::path::PathBuf;
use std::sync::Arc;

use super::interview_list::CandidateFilter;
use super::persisted::ExportPrefs;
use super::session::{Edits, Session};
use crate::api::InterviewRecord;
use crate::transcript_search::SearchRequest;

/// What a screen asks the app to do. Each variant is one user action.
#[must_use = "a command does nothing until it is pushed onto the Commands queue"]
#[derive(Clone, Debug)]
pub enum Command {
    /// Open the interview named by this text: an interview ID, or any link containing one. A
    /// text without one is refused with a message under the Open field.
    OpenInterview(String),
    /// Fetch the open interview again; what is shown stays until the answer arrives.
    RefreshInterview,
    /// Add this interview to the comparison, or remove it when it is there already.
    ToggleCompare(Arc<InterviewRecord>),
    /// Remove the interview at this position (0-based, in the order added) from the comparison.
    RemoveFromCompare(usize),
    /// Empty the comparison.
    ClearCompare,
    /// Show the Compare view (`true`) or go back to the open interview (`false`).
    ShowCompare(bool),
    /// Reload the interview list from page 1 with the filters now in [`Edits::filters`].
    ReloadList,
    /// Load the list's next page, if there is one and none is loading.
    LoadMoreInterviews,
    /// Run the candidate picker's search with [`super::ListFilters::candidate_search`].
    SearchCandidates,
    /// Filter the list by this candidate (the picker's choice) and reload it.
    PickCandidate(CandidateFilter),
    /// Save the open interview's export document: through the save dialog (`None`), or to
    /// this path typed when no dialog could be shown. The analysis PDF goes beside it when the
    /// Export tab asks for it.
    SaveInterview(Option<PathBuf>),
    /// Copy the open interview's export document to the clipboard.
    CopyExportJson,
    /// The Export tab's choices changed (remembered; the preview is rebuilt).
    SetExportPrefs(ExportPrefs),
    /// Build the Export tab's preview of the open interview, if it is not built yet.
    BuildExportPreview,
    /// Save the open interview's analysis PDF: through the save dialog (`None`), or to this
    /// typed path.
    SavePdf(Option<PathBuf>),
    /// Play, pause, seek or set up the open interview's call recording.
    Listen(super::listening::Listen),
    /// Remove every downloaded recording from the cache.
    ClearRecordingCache,
    /// Download the recording of the open interview's call attempt `attempt` (0-based) to a
    /// file chosen in a dialog.
    SaveRecording {
        /// The call attempt, 0-based.
        attempt: usize,
    },
    /// Save the open interview's review report (HTML) to a file chosen in a dialog, with the
    /// Export tab's transcript and anonymise choices.
    SaveReport,
    /// Save the open interview's transcript in the Export tab's format to a file chosen in a
    /// dialog.
    SaveTranscript,
    /// Save the evaluation table of the open interview alone (one row) as XLSX (`true`) or CSV.
    SaveInterviewTable {
        /// XLSX when true, CSV (with a BOM, comma-separated) when false.
        xlsx: bool,
    },
    /// Export the interviews picked in the list into a folder chosen in a dialog.
    ExportSelected,
    /// Save the evaluation table (XLSX, one row per interview) of the interviews picked in the
    /// list, to a file chosen in a dialog.
    ExportSelectedTable,
    /// Start the bulk export window's run again with the same interviews: into this typed
    /// folder (no dialog could be shown), or into one chosen in a dialog again (`None`).
    RestartBulkExport(Option<PathBuf>),
    /// Export the failed interviews of the finished bulk run again, into the same folder.
    RetryFailedBulk,
    /// Stop the running bulk export; files already started are finished.
    CancelBulkExport,
    /// Close the bulk export window (after a run).
    CloseBulkExport,
    /// Test the Connect screen's key and server with one request.
    TestConnection,
    /// Save the Connect screen's connection (the key goes to the OS keyring), then connect.
    SaveConnection,
    /// Connect with the Connect screen's values, keeping the key in memory only.
    ConnectThisRunOnly,
    /// Leave the Connect screen for the interviews, with the connection in use.
    CancelConnect,
    /// Try the failed key store action (read, save or delete) again.
    RetryKey,
    /// Show the Connect screen for the connection in use ("Edit connection…").
    EditConnection,
    /// Show an empty Connect screen for a new connection ("New connection…").
    NewConnection,
    /// Switch to the saved connection of this name.
    SwitchConnection(String),
    /// Delete the key of the connection in use from the OS keyring ("Sign out").
    SignOut,
    /// Ask whether to delete the connection in use ("Delete connection…").
    AskDeleteConnection,
    /// Delete the connection of this name: its key, then its settings (confirmed, or Retry).
    DeleteConnection(String),
    /// Close the "Delete connection…" window.
    CloseDeleteConnection,
    /// Read `settings.json` again, to see connections the command line changed meanwhile.
    ReloadSettings,
    /// Remove the notification with this ID.
    DismissNotification(u64),
    /// Search the open interview's transcript on the worker (a long one; the answer goes to
    /// [`Edits::transcript`]).
    SearchTranscript(SearchRequest),
    /// The scorecard changed the draft of this interview in [`Edits::reviews`] (it is saved
    /// shortly after).
    ReviewEdited(String),
    /// Pin this turn (0-based) of the open interview's transcript as evidence in the review.
    PinEvidence(usize),
    /// Show this turn (0-based) in the Transcript tab.
    JumpToTurn(usize),
    /// After the review file changed elsewhere: keep this copy (`keep_mine`) or the one on
    /// disk.
    ResolveReviewConflict {
        /// The interview reviewed.
        interview_id: String,
        /// Keep the copy in the window (else the one on disk).
        keep_mine: bool,
    },
    /// A sync client's conflict copy of the reviewer's own review: use its content (`use_copy`)
    /// or drop it; the copy file is deleted either way.
    ResolveReviewCopy {
        /// The copy.
        path: PathBuf,
        /// Make its content the review.
        use_copy: bool,
    },
    /// Read the open interview's review file again (after it could not be read).
    ReloadReview,
    /// Start a new review over a damaged file (which is kept beside it).
    StartReviewOver,
    /// Save Settings → Review.
    SetReviewSettings(crate::review::ReviewSettings),
    /// Start the review queue over these interviews and open the first.
    StartQueue(super::review_desk::QueueKind),
    /// Open the next (`true`) or previous interview of the queue, or of the list when no queue
    /// runs.
    StepQueue(bool),
    /// Leave the review queue.
    StopQueue,
}

/// The commands pushed during one frame, applied in order at its end.
#[derive(Debug, Default)]
pub struct Commands(Vec<Command>);

impl Commands {
    /// Queues `command`.
    pub fn push(&mut self, command: Command) {
        self.0.push(command);
    }

    /// Takes every queued command, oldest first.
    pub fn drain(&mut self) -> std::vec::Drain<'_, Command> {
        self.0.drain(..)
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What one frame's screens get: the session to show, their own buffers, and the queue.
pub struct View<'a> {
    /// The state of this run (read-only).
    pub session: &'a Session,
    /// The buffers the screens edit in place.
    pub edits: &'a mut Edits,
    /// Where the screens push what they ask for.
    pub commands: &'a mut Commands,
}

impl View<'_> {
    /// Queues `command`.
    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
    }
}
