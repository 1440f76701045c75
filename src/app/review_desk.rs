//! The reviewer's evaluations in the window: loading each interview's review, autosaving it
//! shortly after every change, conflicts with a copy changed elsewhere, and the periodic scan
//! of the review folder that shows the panel's reviews without a restart.
//!
//! The drafts live in [`super::Edits::reviews`] (the scorecard edits them in place and pushes
//! [`super::Command::ReviewEdited`]); their save state is [`ReviewDesk`], read-only to the
//! screens. All disk work is the worker's.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::App;
use crate::api::{Interview, InterviewRecord};
use crate::review::{
    Decision, Evidence, Review, ReviewFolder, ReviewSettings, SaveMode, Scan, ScannedReview, StoreError,
};
use crate::worker::{Command as WorkerCommand, Event, Worker};

/// A change is saved once typing pauses this long...
pub const SAVE_AFTER_PAUSE: Duration = Duration::from_millis(1000);
/// ...and at the latest this long after the first unsaved change, even while typing goes on:
/// what `kill -9` can lose. Saves are never more frequent, so a synced folder is not flooded
/// with versions (Dropbox makes conflict copies of files rewritten too often).
pub const SAVE_AT_MOST_AFTER: Duration = Duration::from_millis(2000);
/// A failed save is tried again after this long.
pub const RETRY_AFTER: Duration = Duration::from_secs(5);
/// The review folder is read again this often (a network drive or a synced folder sends no
/// reliable change events).
pub const SCAN_EVERY: Duration = Duration::from_secs(5);
/// How long closing the window waits for the last saves.
pub const FLUSH_WAIT: Duration = Duration::from_secs(3);

/// The reviews of this run: where they are kept, whose they are, and each one's save state.
#[derive(Debug, Default)]
pub struct ReviewDesk {
    /// The review folder; `None` when the OS names no data folder and none is set.
    pub folder: Option<ReviewFolder>,
    /// The reviewer using the app.
    pub reviewer: String,
    /// Settings → Review as in effect.
    pub settings: ReviewSettings,
    /// The latest scan of the folder: everybody's reviews.
    pub scan: Scan,
    /// The save state of each review loaded this run, by interview ID.
    pub status: HashMap<String, ReviewStatus>,
    /// The review queue, while one is being walked.
    pub queue: Option<ReviewQueue>,
    scanning: bool,
    next_scan: Option<Instant>,
    last_ticket: u64,
    /// The folder existed at some point this run (so its absence is news).
    folder_seen: bool,
}

/// The save state of one interview's review.
#[derive(Debug, Default)]
pub struct ReviewStatus {
    /// The file is being read.
    pub loading: bool,
    /// Why the file could not be read (shown in the scorecard, with Try again).
    pub load_error: Option<String>,
    /// The file exists but is damaged: the scorecard offers to start over (the damaged file is
    /// kept beside it).
    pub damaged: bool,
    /// Why the review can only be shown (a newer format).
    pub read_only: Option<String>,
    /// The revision last read or written.
    pub base: u64,
    /// Counts the changes made in this run.
    pub edits: u64,
    /// The value of `edits` that is on disk.
    pub saved_edits: u64,
    /// When the first change not yet on disk was made.
    pub dirty_since: Option<Instant>,
    /// When the latest change was made.
    last_change: Option<Instant>,
    /// The save in flight: its ticket and the `edits` it holds.
    sending: Option<(u64, u64)>,
    /// When the review was last written (UTC).
    pub saved_at: Option<jiff::Timestamp>,
    /// Why the last save failed; the text stays in memory and is tried again.
    pub save_error: Option<String>,
    retry_at: Option<Instant>,
    /// The file was changed elsewhere (the same reviewer on another machine): what it holds
    /// now. Nothing is saved until the reviewer keeps one.
    pub conflict: Option<Box<Review>>,
    notification: Option<u64>,
}

impl ReviewStatus {
    /// Whether there are changes not yet on disk.
    pub fn is_dirty(&self) -> bool {
        self.edits != self.saved_edits
    }

    /// Whether a save is in flight.
    pub fn is_saving(&self) -> bool {
        self.sending.is_some()
    }

    /// When the next autosave is due (`None`: nothing to save, or saving must wait for the
    /// reviewer: a conflict, a read-only or damaged file, or a save in flight).
    pub fn save_due(&self) -> Option<Instant> {
        if !self.is_dirty() || self.sending.is_some() || self.conflict.is_some() || self.read_only.is_some() {
            return None;
        }
        let (first, last) = (self.dirty_since?, self.last_change?);
        let due = (last + SAVE_AFTER_PAUSE).min(first + SAVE_AT_MOST_AFTER);
        Some(self.retry_at.map_or(due, |retry| due.max(retry)))
    }

    /// One change was made at `now`.
    pub fn changed(&mut self, now: Instant) {
        self.edits += 1;
        self.last_change = Some(now);
        self.dirty_since.get_or_insert(now);
    }
}

/// Which interviews the review queue walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueKind {
    /// Completed interviews in the list that this reviewer has not decided yet.
    CompletedUndecided,
    /// Every interview the list shows now (its filters).
    CurrentList,
}

impl QueueKind {
    /// The choice's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::CompletedUndecided => "Completed, not yet decided by me",
            Self::CurrentList => "Every interview in the list",
        }
    }
}

/// A review queue: interviews walked one at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewQueue {
    /// What it was built from.
    pub kind: QueueKind,
    /// The interview IDs, in list order.
    pub ids: Vec<String>,
    /// The position of the one open.
    pub position: usize,
}

impl ReviewQueue {
    /// The interview open in the queue.
    pub fn current(&self) -> Option<&str> {
        self.ids.get(self.position).map(String::as_str)
    }
}

impl ReviewDesk {
    /// This reviewer's review of `interview_id` as last scanned.
    pub fn mine(&self, interview_id: &str) -> Option<&ScannedReview> {
        self.scan.reviews.iter().find(|r| r.mine && r.review.interview_id == interview_id)
    }

    /// Every reviewer's review of `interview_id` as last scanned, this reviewer's first.
    pub fn panel(&self, interview_id: &str) -> Vec<&ScannedReview> {
        let mut found: Vec<_> = self.scan.reviews.iter().filter(|r| r.review.interview_id == interview_id).collect();
        found.sort_by_key(|r| !r.mine);
        found
    }

    /// The conflict copies of this reviewer's review of `interview_id` (made by a sync client).
    pub fn my_copies(&self, interview_id: &str) -> Vec<&ScannedReview> {
        self.scan.copies.iter().filter(|r| r.mine && r.review.interview_id == interview_id).collect()
    }

    /// How many of `ids` this reviewer has decided.
    pub fn decided_count(&self, ids: &[String]) -> usize {
        ids.iter().filter(|id| self.my_decision(id).is_some()).count()
    }

    /// This reviewer's decision on `interview_id`, as last scanned or saved.
    pub fn my_decision(&self, interview_id: &str) -> Option<Decision> {
        self.mine(interview_id).and_then(|r| r.review.decision())
    }

    /// Whether the candidate of `interview_id` is hidden now (blind review, no decision saved).
    pub fn hides_candidate(&self, interview_id: &str) -> bool {
        self.settings.blind && self.my_decision(interview_id).is_none()
    }
}

/// Where a draft's evidence comes from: turn `turn` of `interview`.
fn evidence_from(interview: &Interview, turn: usize, now: jiff::Timestamp) -> Option<Evidence> {
    let crate::api::transcript::Transcript::Turns(turns) = &interview.transcript else { return None };
    let t = turns.get(turn)?;
    Some(Evidence {
        turn,
        speaker: t.speaker_name().to_string(),
        quote: t.text.clone(),
        start_seconds: t.start,
        note: String::new(),
        criterion: None,
        at: now,
        extra: serde_json::Map::new(),
    })
}

impl App {
    /// Recomputes the review folder and reviewer from the settings and the start options;
    /// when they changed, what was loaded from the old folder is forgotten (changes not yet
    /// saved are saved there first).
    pub(super) fn sync_review_settings(&mut self) {
        // Called every frame: compare first, copy only when something changed.
        if self.session.reviews.folder.is_some() && self.session.reviews.settings == self.session.settings.review {
            return;
        }
        let settings = self.session.settings.review.clone();
        let desk = &self.session.reviews;
        let folder = match &self.review_folder_option {
            Some(given) => Some(given.clone()),
            None => crate::review::store::folder_to_use(settings.folder.as_deref(), self.session.demo),
        }
        .map(ReviewFolder::new);
        let reviewer = self.reviewer_option.clone().unwrap_or_else(|| settings.reviewer_name());
        let moved = desk.folder != folder || desk.reviewer != reviewer;
        if moved {
            self.flush_reviews(false);
            self.edits.reviews.clear();
            let desk = &mut self.session.reviews;
            desk.status.clear();
            desk.scan = Scan::default();
            desk.next_scan = None;
        }
        let desk = &mut self.session.reviews;
        desk.folder = folder;
        desk.reviewer = reviewer;
        desk.settings = settings;
        if moved && let Some(record) = self.session.current_record() {
            self.ensure_review(&record);
        }
    }

    /// Recomputes which candidates blind review hides: with blind review on, every candidate
    /// of the list and of the open interview on whose interviews this reviewer has saved no
    /// decision yet.
    pub(super) fn sync_blind(&mut self) {
        let desk = &self.session.reviews;
        let mut hidden = HashMap::new();
        if desk.settings.blind {
            let current = self.session.current_record();
            let records = self.session.list.items().iter().chain(current.as_ref());
            let mut decided = std::collections::HashSet::new();
            let mut candidates = Vec::new();
            for record in records {
                let Some(candidate) = &record.interview.candidate_id else { continue };
                if desk.my_decision(&record.interview.id).is_some() {
                    decided.insert(candidate.clone());
                }
                candidates.push(candidate.clone());
            }
            let known = &self.session.related.hidden;
            for candidate in candidates.into_iter().filter(|c| !decided.contains(c)) {
                // Called every frame: a pseudonym is hashed once, then reused.
                let pseudonym = known.get(&candidate).cloned().unwrap_or_else(|| crate::review::pseudonym(&candidate));
                hidden.insert(candidate, pseudonym);
            }
        }
        if self.session.related.hidden != hidden {
            self.session.related.hidden = hidden;
        }
    }

    /// Starts loading the review of `record`'s interview (once per run), or fits a loaded one
    /// to the interview as it now is (a new analysis adds its points).
    pub(super) fn ensure_review(&mut self, record: &InterviewRecord) {
        let interview = &record.interview;
        let Some(folder) = self.session.reviews.folder.clone() else { return };
        let criteria = self.session.reviews.settings.criteria_for(interview.agent_id.as_deref());
        if let Some(draft) = self.edits.reviews.get_mut(&interview.id) {
            crate::review::fit_to_interview(draft, interview, &criteria);
            return;
        }
        let status = self.session.reviews.status.entry(interview.id.clone()).or_default();
        if status.loading || status.damaged {
            return;
        }
        status.loading = true;
        status.load_error = None;
        let reviewer = self.session.reviews.reviewer.clone();
        self.send(WorkerCommand::LoadReview { folder, reviewer, interview_id: interview.id.clone() });
    }

    /// Reads the open interview's review again (Try again after a failed read).
    pub(super) fn reload_review(&mut self) {
        let Some(record) = self.session.current_record() else { return };
        self.edits.reviews.remove(&record.interview.id);
        self.session.reviews.status.remove(&record.interview.id);
        self.ensure_review(&record);
    }

    /// Starts a new review of the open interview over a damaged file (which the first save
    /// renames aside).
    pub(super) fn start_review_over(&mut self) {
        let Some(record) = self.session.current_record() else { return };
        let id = record.interview.id.clone();
        let mut draft = Review::new(&id, &self.session.reviews.reviewer, jiff::Timestamp::now());
        let criteria = self.session.reviews.settings.criteria_for(record.interview.agent_id.as_deref());
        crate::review::fit_to_interview(&mut draft, &record.interview, &criteria);
        self.edits.reviews.insert(id.clone(), draft);
        let status = self.session.reviews.status.entry(id).or_default();
        status.damaged = false;
        status.load_error = None;
        status.changed(Instant::now());
        // The damaged file is in the way: the next save moves it aside.
        status.conflict = None;
        self.save_review_now(&record.interview.id, SaveMode::Replace);
    }

    /// The scorecard changed the draft of `interview_id`.
    pub(super) fn review_edited(&mut self, interview_id: &str) {
        let Some(draft) = self.edits.reviews.get_mut(interview_id) else { return };
        draft.updated_at = jiff::Timestamp::now();
        if self.session.reviews.settings.blind && !draft.blind {
            draft.blind = self
                .session
                .current_record()
                .and_then(|r| r.interview.candidate_id.clone())
                .is_some_and(|c| self.session.related.is_hidden(&c));
        }
        self.session.reviews.status.entry(interview_id.to_owned()).or_default().changed(Instant::now());
    }

    /// Pins turn `turn` of the open interview's transcript as evidence.
    pub(super) fn pin_evidence(&mut self, turn: usize) {
        // The speaker as the reviewer named it (a "Speaker 0" said to be the candidate).
        let Some(record) = self.session.record_for_people() else { return };
        let id = record.interview.id.clone();
        let status = self.session.reviews.status.get(&id);
        let editable = status.is_some_and(|s| s.read_only.is_none() && !s.loading);
        let Some(draft) = self.edits.reviews.get_mut(&id).filter(|_| editable) else {
            self.session
                .notifications
                .warning("Your review of this interview is not loaded yet; try again in a moment.");
            return;
        };
        if draft.evidence.iter().any(|e| e.turn == turn) {
            self.session.notifications.info("That turn is pinned already.");
            return;
        }
        let Some(evidence) = evidence_from(&record.interview, turn, jiff::Timestamp::now()) else { return };
        draft.evidence.push(evidence);
        self.review_edited(&id);
        self.session.notifications.info("Pinned as evidence in your scorecard.");
    }

    /// Keeps this reviewer's copy (`keep_mine`) or the one on disk, after a conflict.
    pub(super) fn resolve_review_conflict(&mut self, interview_id: &str, keep_mine: bool) {
        let Some(status) = self.session.reviews.status.get_mut(interview_id) else { return };
        let Some(theirs) = status.conflict.take() else { return };
        if keep_mine {
            status.base = status.base.max(theirs.revision);
            self.save_review_now(interview_id, SaveMode::Replace);
        } else {
            status.base = theirs.revision;
            status.saved_edits = status.edits;
            status.dirty_since = None;
            status.save_error = None;
            self.edits.reviews.insert(interview_id.to_owned(), *theirs);
            if let Some(record) = self.session.current_record() {
                self.ensure_review(&record);
            }
        }
    }

    /// Deals with a sync client's conflict copy of this reviewer's review: its content becomes
    /// the review (`use_copy`) or is dropped; either way the copy is deleted.
    pub(super) fn resolve_review_copy(&mut self, path: PathBuf, use_copy: bool) {
        let desk = &self.session.reviews;
        let Some(folder) = desk.folder.clone() else { return };
        let Some(copy) = desk.scan.copies.iter().find(|c| c.path == path).cloned() else { return };
        if use_copy {
            let id = copy.review.interview_id.clone();
            let mut review = copy.review;
            review.reviewer.clone_from(&desk.reviewer);
            self.edits.reviews.insert(id.clone(), review);
            self.review_edited(&id);
            self.save_review_now(&id, SaveMode::Replace);
        }
        let reviewer = self.session.reviews.reviewer.clone();
        self.send(WorkerCommand::RemoveReviewCopy { path, folder, reviewer });
    }

    /// Sends the draft of `interview_id` to be written now.
    fn save_review_now(&mut self, interview_id: &str, mode: SaveMode) {
        let desk = &mut self.session.reviews;
        let (Some(folder), Some(draft), Some(status)) =
            (desk.folder.clone(), self.edits.reviews.get(interview_id), desk.status.get_mut(interview_id))
        else {
            return;
        };
        if status.read_only.is_some() {
            return;
        }
        desk.last_ticket += 1;
        let ticket = desk.last_ticket;
        status.sending = Some((ticket, status.edits));
        let command =
            WorkerCommand::SaveReview { folder, review: Box::new(draft.clone()), base: status.base, mode, ticket };
        self.send(command);
    }

    /// Saves what is due, scans the folder when due, and asks for a repaint at the next due
    /// moment (so an idle window still saves).
    pub(super) fn tick_reviews(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        let due: Vec<(String, Instant)> =
            self.session.reviews.status.iter().filter_map(|(id, s)| s.save_due().map(|at| (id.clone(), at))).collect();
        let mut next: Option<Instant> = None;
        for (id, at) in due {
            if at <= now {
                self.save_review_now(&id, SaveMode::IfUnchanged);
            } else {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        }
        if self.session.screen == super::Screen::Main
            && let Some(folder) = self.session.reviews.folder.clone()
            && !self.session.reviews.scanning
        {
            let desk = &mut self.session.reviews;
            let scan_at = *desk.next_scan.get_or_insert(now);
            if scan_at <= now {
                desk.scanning = true;
                desk.next_scan = Some(now + SCAN_EVERY);
                let reviewer = desk.reviewer.clone();
                self.send(WorkerCommand::ScanReviews { folder, reviewer });
            } else {
                next = Some(next.map_or(scan_at, |n| n.min(scan_at)));
            }
        }
        if let Some(at) = next {
            ctx.request_repaint_after(at.saturating_duration_since(now));
        }
    }

    pub(super) fn on_review_loaded(
        &mut self,
        folder: &ReviewFolder,
        interview_id: String,
        result: Result<Option<Box<Review>>, StoreError>,
    ) {
        if self.session.reviews.folder.as_ref() != Some(folder) {
            return; // The folder was changed meanwhile.
        }
        let reviewer = self.session.reviews.reviewer.clone();
        let status = self.session.reviews.status.entry(interview_id.clone()).or_default();
        status.loading = false;
        let draft = match result {
            Ok(Some(review)) => {
                status.base = review.revision;
                if review.is_newer_format() {
                    status.read_only = Some(format!(
                        "This review was written by a newer version of Interview Desk (format {}); it is shown read-only.",
                        review.version
                    ));
                }
                *review
            }
            Ok(None) => Review::new(&interview_id, &reviewer, jiff::Timestamp::now()),
            Err(err) => {
                status.damaged = matches!(err, StoreError::Format { .. });
                status.load_error = Some(err.to_string());
                return;
            }
        };
        self.edits.reviews.insert(interview_id, draft);
        if let Some(record) = self.session.current_record() {
            self.ensure_review(&record);
        }
    }

    pub(super) fn on_review_saved(&mut self, ticket: u64, interview_id: &str, result: Result<Box<Review>, StoreError>) {
        let desk = &mut self.session.reviews;
        let Some(status) = desk.status.get_mut(interview_id) else { return };
        let Some((_, generation)) = status.sending.filter(|(t, _)| *t == ticket) else { return };
        status.sending = None;
        match result {
            Ok(written) => {
                status.base = written.revision;
                status.saved_edits = generation;
                status.dirty_since = if status.is_dirty() { status.last_change } else { None };
                status.saved_at = Some(written.updated_at);
                status.save_error = None;
                status.retry_at = None;
                if let Some(id) = status.notification.take() {
                    self.session.notifications.dismiss(id);
                }
                if let Some(draft) = self.edits.reviews.get_mut(interview_id) {
                    draft.revision = written.revision;
                }
                let path = desk.folder.as_ref().map(|f| f.path_of(&written.reviewer, interview_id)).unwrap_or_default();
                desk.scan.reviews.retain(|r| !(r.mine && r.review.interview_id == interview_id));
                desk.scan.reviews.push(ScannedReview { path, mine: true, review: *written });
            }
            Err(StoreError::Conflict { theirs, .. }) => status.conflict = Some(theirs),
            Err(StoreError::NewerFormat { path, version }) => {
                status.read_only = Some(format!(
                    "{} was written by a newer version of Interview Desk (format {version}); your changes are kept in memory only.",
                    path.display()
                ));
            }
            Err(err) => {
                let text = format!("Your review is not saved yet, retrying: {err}");
                status.save_error = Some(text.clone());
                status.retry_at = Some(Instant::now() + RETRY_AFTER);
                if let Some(id) = status.notification.take() {
                    self.session.notifications.dismiss(id);
                }
                status.notification = Some(self.session.notifications.error(text));
            }
        }
    }

    pub(super) fn on_reviews_scanned(&mut self, folder: &ReviewFolder, scan: Scan) {
        let desk = &mut self.session.reviews;
        if desk.folder.as_ref() != Some(folder) {
            return;
        }
        desk.scanning = false;
        let mut scan = scan;
        if scan.folder_missing && desk.folder_seen {
            scan.folder_error = Some(format!(
                "The review folder {} is gone (an unplugged or disconnected drive?). Your reviews stay in the window and are saved when it is back.",
                folder.root.display()
            ));
        }
        desk.folder_seen |= !scan.folder_missing;
        let mut reload = Vec::new();
        for found in scan.reviews.iter().filter(|r| r.mine) {
            let id = &found.review.interview_id;
            let Some(status) = desk.status.get_mut(id) else { continue };
            if found.review.revision <= status.base || status.is_saving() || status.conflict.is_some() {
                continue;
            }
            let mine = self.edits.reviews.get(id);
            if status.is_dirty() && !mine.is_some_and(|m| m.same_content(&found.review)) {
                // Changed on another machine while changed here too: the reviewer picks.
                status.conflict = Some(Box::new(found.review.clone()));
            } else {
                status.base = found.review.revision;
                reload.push(found.review.clone());
            }
        }
        desk.scan = scan;
        for review in reload {
            self.edits.reviews.insert(review.interview_id.clone(), review);
        }
        if let Some(record) = self.session.current_record() {
            self.ensure_review(&record);
        }
    }

    /// Every reviewer's review of `interview_id` for an export: this reviewer's as in the window
    /// (when anything is recorded), the others' as last read from the folder.
    pub(super) fn reviews_for_export(&self, interview_id: &str) -> Vec<Review> {
        let desk = &self.session.reviews;
        let mine = self.edits.reviews.get(interview_id).filter(|r| r.has_content()).cloned();
        let mine = mine.or_else(|| desk.mine(interview_id).map(|r| r.review.clone()));
        let others = desk.panel(interview_id).into_iter().filter(|r| !r.mine).map(|r| r.review.clone());
        mine.into_iter().chain(others).collect()
    }

    /// [`Self::reviews_for_export`] of each of `ids` that has any.
    pub(super) fn reviews_by_id(&self, ids: &[String]) -> crate::export::bulk::ReviewsById {
        ids.iter()
            .map(|id| (id.clone(), self.reviews_for_export(id)))
            .filter(|(_, reviews)| !reviews.is_empty())
            .collect()
    }

    /// Sends every change not yet saved; with `wait`, waits up to [`FLUSH_WAIT`] for the
    /// answers (closing the window).
    pub(super) fn flush_reviews(&mut self, wait: bool) {
        let dirty: Vec<String> = self
            .session
            .reviews
            .status
            .iter()
            .filter(|(_, s)| s.is_dirty() && !s.is_saving() && s.conflict.is_none() && s.read_only.is_none())
            .map(|(id, _)| id.clone())
            .collect();
        for id in &dirty {
            self.save_review_now(id, SaveMode::IfUnchanged);
        }
        if !wait {
            return;
        }
        let deadline = Instant::now() + FLUSH_WAIT;
        while self.session.reviews.status.values().any(ReviewStatus::is_saving) && Instant::now() < deadline {
            match self.worker.as_mut().and_then(Worker::try_recv) {
                Some(Event::ReviewSaved { ticket, interview_id, result }) => {
                    self.on_review_saved(ticket, &interview_id, result);
                }
                Some(_) => {}
                None => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        for (id, status) in &self.session.reviews.status {
            if status.is_dirty() {
                tracing::error!("the review of {id} could not be saved before closing");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autosave_waits_for_a_pause_but_never_more_than_two_seconds_of_typing() {
        let start = Instant::now();
        let mut status = ReviewStatus::default();
        assert_eq!(status.save_due(), None, "nothing changed");
        status.changed(start);
        assert_eq!(status.save_due(), Some(start + SAVE_AFTER_PAUSE));
        // Typing on, a key every 300 ms: the save still comes 2 s after the first change.
        for step in 1..=6 {
            status.changed(start + Duration::from_millis(300 * step));
        }
        assert_eq!(status.save_due(), Some(start + SAVE_AT_MOST_AFTER));
        status.sending = Some((1, status.edits));
        assert_eq!(status.save_due(), None, "one save at a time");
        status.sending = None;
        status.retry_at = Some(start + Duration::from_secs(9));
        assert_eq!(status.save_due(), Some(start + Duration::from_secs(9)), "a failed save waits to retry");
        status.saved_edits = status.edits;
        assert_eq!(status.save_due(), None, "saved");
    }
}
