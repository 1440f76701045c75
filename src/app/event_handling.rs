//! What the app does with each answer from the worker.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::persisted::MAX_RECENT;
use super::session::{DeleteConnection, ExportOutcome, KeyAction, KeyProblem, Remote, Screen};
use super::transcript_view::TranscriptView;
use super::{App, related_ids};
use crate::api::rate_limit::ClientNotice;
use crate::api::related::RelatedKind;
use crate::api::{ApiConfig, ApiError, InterviewRecord};
use crate::credentials::ApiKey;
use crate::credentials::{CredentialError, StoreInfo};
use crate::demo::DEMO_API_KEY;
use crate::dialog::DialogAnswer;
use crate::export::bulk::BulkReport;
use crate::export::{WriteError, default_file_name};
use crate::worker::{Command as WorkerCommand, Event, PdfOutcome, SaveOutcome, TextPurpose, Worker};

impl App {
    /// Applies every waiting worker event. Called at the start of each frame.
    pub(super) fn poll_events(&mut self) {
        while let Some(event) = self.worker.as_mut().and_then(Worker::try_recv) {
            self.on_event(event);
        }
        self.poll_player();
    }

    pub(super) fn on_event(&mut self, event: Event) {
        match event {
            Event::RecordingCacheCleared { result } => match result {
                Ok(usage) => {
                    let text =
                        format!("Removed {} cached recording(s), {:.1} MB", usage.files, usage.bytes as f64 / 1e6);
                    self.session.notifications.info(text);
                }
                Err(err) => {
                    self.session.notifications.error(format!("Could not clear the cached recordings: {err}"));
                }
            },
            Event::RecordingProgress { ticket, bytes, total } => self.on_recording_progress(ticket, bytes, total),
            Event::RecordingReady { ticket, result } => self.on_recording_ready(ticket, result),
            Event::WaveformReady { ticket, result } => self.on_waveform(ticket, result),
            Event::ExportTextBuilt { interview_id, ticket, purpose, text } => match purpose {
                TextPurpose::Clipboard => {
                    self.session.clipboard = Some(text);
                    self.session.copied_at = Some(std::time::Instant::now());
                }
                TextPurpose::Preview => {
                    if let Some(current) = self.session.current.as_mut()
                        && current.id == interview_id
                        && current.preview_ticket == Some(ticket)
                    {
                        current.export_preview = Some(super::session::ExportPreview::new(text));
                        current.preview_ticket = None;
                    }
                }
            },
            Event::FileSaved { what, result } => match result {
                Ok(Some(path)) => {
                    self.session.notifications.info(format!("Saved {what} to {}", path.display()));
                }
                Ok(None) => {}
                Err(err) => {
                    self.session.notifications.error(format!("Could not save {what}: {err}"));
                }
            },
            Event::ReviewLoaded { folder, interview_id, result } => {
                self.on_review_loaded(&folder, interview_id, result);
            }
            Event::ReviewSaved { ticket, interview_id, result } => self.on_review_saved(ticket, &interview_id, result),
            Event::ReviewsScanned { folder, scan } => self.on_reviews_scanned(&folder, *scan),
            Event::KeyLoaded { account, result, store } => self.on_key_loaded(&account, result, store),
            Event::KeySaved { account, result } => self.on_key_saved(&account, result),
            Event::KeyDeleted { account, result } => self.on_key_deleted(&account, result),
            Event::Connected { result, checked } => self.on_connected(result, checked),
            Event::InterviewLoaded { id, result } => self.on_interview(id, result),
            Event::Exported { result, pdf } => {
                self.on_exported(result, pdf.map(|pdf| pdf.map_err(|err| err.to_string())));
            }
            Event::BulkStarted { folder } => {
                if let Some(job) = self.session.bulk_job.as_mut() {
                    job.folder = Some(folder);
                }
            }
            Event::BulkProgress(progress) => {
                if let Some(job) = self.session.bulk_job.as_mut().filter(|job| job.finished.is_none()) {
                    job.progress = progress;
                }
            }
            Event::BulkFinished { result } => self.on_bulk_finished(result.map_err(|err| err.to_string())),
            Event::InterviewPage { query, result } => {
                let known: std::collections::HashSet<String> =
                    self.session.list.items().iter().map(|r| r.interview.id.clone()).collect();
                if self.session.list.apply(&query, result) {
                    let wanted: Vec<(RelatedKind, String)> = self
                        .session
                        .list
                        .items()
                        .iter()
                        .filter(|r| !known.contains(&r.interview.id))
                        .flat_map(|r| related_ids(&r.interview))
                        .collect();
                    self.request_related(wanted);
                }
            }
            Event::CandidatePage { result, .. } => {
                if let Ok(page) = &result {
                    for record in &page.items {
                        if let Some(id) = record.get("id").and_then(Value::as_str) {
                            self.session
                                .related
                                .records
                                .insert((RelatedKind::Candidate, id.to_owned()), Remote::Ready(record.clone()));
                        }
                    }
                }
                self.session.list.candidates = Some(result.map(|page| page.items));
            }
            Event::Client(ClientNotice::Quota(status)) => self.session.quota = Some(status),
            Event::Client(ClientNotice::Waiting { reason, retry_in, .. }) => {
                self.session.notice = Some((reason.to_string(), Instant::now() + retry_in));
            }
            Event::PdfSaved { result, .. } => {
                if matches!(result, Ok(PdfOutcome::NoDialog))
                    && let Some(record) = self.session.current_record()
                {
                    let name = default_file_name(&record.interview).replace(".json", "-analysis.pdf");
                    self.edits.fallback_path = crate::dialog::fallback_folder().join(name).display().to_string();
                }
                self.session.pdf.finish(result.map_err(|err| err.to_string()));
            }
            Event::Related { kind, id, result } => {
                let value = match result {
                    Ok(record) => Remote::Ready(record),
                    Err(error) => Remote::Failed { error, previous: None },
                };
                self.session.related.records.insert((kind, id), value);
                // The export preview shows the looked-up records; rebuild it.
                if let Some(current) = self.session.current.as_mut() {
                    current.forget_preview();
                }
            }
            Event::SettingsUpdated { ticket, result } => self.on_settings_updated(ticket, result.map(|s| *s)),
            Event::TranscriptSearched { interview_id, answer } => {
                if self.session.current.as_ref().is_some_and(|c| c.id == interview_id) {
                    self.edits.transcript.apply_search(answer);
                }
            }
            Event::DemoStarted { result } => match result {
                Ok(base_url) => match ApiKey::new(DEMO_API_KEY) {
                    Ok(key) => {
                        self.session.store = Some(StoreInfo { name: "demo (memory)".to_owned(), persistent: false });
                        self.use_connection(ApiConfig::new(&base_url, None), key);
                    }
                    Err(err) => {
                        self.session.notifications.error(err.to_string());
                    }
                },
                Err(err) => {
                    self.session.notifications.error(err.to_string());
                    self.session.screen = Screen::Connect;
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
        if account != self.session.profile {
            return; // The user switched to another connection meanwhile.
        }
        if store.is_some() {
            self.session.store = store;
        }
        match result {
            Ok(Some(key)) => {
                self.keys.insert(account.to_owned(), key.clone());
                self.use_connection(self.current_profile().config(), key);
            }
            Ok(None) => {
                self.show_connect();
                let store = self.session.store.as_ref().map_or_else(|| "the OS keyring".to_owned(), |s| s.name.clone());
                self.session.connect.info =
                    Some(format!("No key is saved yet for “{account}” in {store}. Enter it below and click Save."));
            }
            Err(error) => {
                self.show_connect();
                self.session.connect.key_problem = Some(KeyProblem { action: KeyAction::Load, error });
                self.session.connect.offer_memory_only = true;
            }
        }
    }

    fn on_key_saved(&mut self, account: &str, result: Result<StoreInfo, CredentialError>) {
        self.session.connect.action = Remote::NotRequested;
        match result {
            Ok(store) => {
                self.session.store = Some(store);
                self.session.connect.offer_memory_only = false;
                self.session.connect.key_problem = None;
                if let Some((config, key)) = self.saving_key.take().filter(|_| account == self.session.profile) {
                    self.connect_as(account.to_owned(), config, key);
                }
            }
            Err(error) => {
                self.session.connect.key_problem = Some(KeyProblem { action: KeyAction::Save, error });
                self.session.connect.offer_memory_only = true;
            }
        }
    }

    fn on_key_deleted(&mut self, account: &str, result: Result<StoreInfo, CredentialError>) {
        if matches!(&self.session.delete_connection, Some(DeleteConnection::Removing(name)) if name == account) {
            self.on_connection_key_deleted(account, result);
            return;
        }
        self.session.connect.action = Remote::NotRequested;
        match result {
            Ok(store) => {
                self.keys.remove(account);
                if account == self.session.profile {
                    self.clear_connection_data();
                }
                self.show_connect();
                self.session.connect.info =
                    Some(format!("Signed out: the key for “{account}” was removed from {}.", store.name));
                self.session.store = Some(store);
            }
            Err(error) => {
                self.show_connect();
                self.session.connect.key_problem = Some(KeyProblem { action: KeyAction::Delete, error });
            }
        }
    }

    /// The key of a connection being deleted is gone (or the keyring refused).
    fn on_connection_key_deleted(&mut self, name: &str, result: Result<StoreInfo, CredentialError>) {
        let name = name.to_owned();
        let store = match result {
            Ok(store) => store,
            Err(error) => {
                self.session.delete_connection = Some(DeleteConnection::Failed { name, error });
                return;
            }
        };
        self.keys.remove(&name);
        self.session.delete_connection =
            Some(DeleteConnection::Deleted { name: name.clone(), store: store.name.clone() });
        self.session.store = Some(store);
        self.remove_deleted_connection(&name);
    }

    fn on_connected(&mut self, result: Result<(), ApiError>, checked: bool) {
        match result {
            Ok(()) if checked => {
                self.session.connect.action = Remote::Ready("Connected: the server accepted the key.".to_owned());
            }
            Ok(()) => {
                if self.session.connect.action.is_pending() {
                    self.session.connect.action = Remote::NotRequested;
                }
            }
            Err(err) => self.session.connect.action.finish(Err(err.with_hint())),
        }
    }

    fn on_interview(&mut self, id: String, result: Result<Arc<InterviewRecord>, ApiError>) {
        let Some(current) = self.session.current.as_mut().filter(|c| c.id == id) else {
            return; // The user has opened something else meanwhile.
        };
        let now = Instant::now();
        let previous = current.remote.value().cloned();
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
                    self.session.recent.retain(|r| r != &id);
                    self.session.recent.insert(0, id);
                    self.session.recent.truncate(MAX_RECENT);
                }
                if previous.is_some() {
                    // A refresh keeps the tab, the search and the scroll position.
                    self.edits.transcript.invalidate();
                } else {
                    self.edits.transcript = TranscriptView::default();
                }
                if let Some(search) = self.pending_search.take() {
                    self.edits.transcript.query = search;
                }
                current.forget_preview();
                current.live.arrived(now, changed, live);
                current.remote.finish(Ok(record.clone()));
                self.ensure_review(&record);
                if self.session.listening.interview_id.as_deref() == Some(record.interview.id.as_str()) {
                    self.rebuild_timeline();
                }
            }
            (Err(err), Some(_)) => {
                // A failed refresh keeps what is on screen and tries again later.
                current.remote.finish(Err(err));
                current.live.next_at = Some(now + current.live.interval);
            }
            (Err(err), None) => current.remote.finish(Err(err)),
        }
        self.request_related(wanted);
    }

    fn on_exported(&mut self, result: Result<SaveOutcome, WriteError>, pdf: Option<Result<PdfOutcome, String>>) {
        self.session.export.finish(match result {
            Ok(SaveOutcome::Saved(path)) => Ok(ExportOutcome::Saved(path, pdf)),
            Ok(SaveOutcome::Cancelled) => Ok(ExportOutcome::Cancelled),
            Ok(SaveOutcome::NoDialog) => {
                if self.edits.fallback_path.is_empty()
                    && let Some(record) = self.session.current_record()
                {
                    let path = crate::dialog::fallback_folder().join(default_file_name(&record.interview));
                    self.edits.fallback_path = path.display().to_string();
                }
                Ok(ExportOutcome::NoDialog)
            }
            Err(err) => Err(err.to_string()),
        });
    }

    fn on_bulk_finished(&mut self, result: Result<Result<BulkReport, DialogAnswer>, String>) {
        let Some(job) = self.session.bulk_job.as_mut() else { return };
        match result {
            Ok(Ok(report)) => {
                job.progress = report.progress.clone();
                job.finished = Some(Ok(report));
            }
            Ok(Err(DialogAnswer::Unavailable)) => job.no_dialog = true,
            Ok(Err(_)) => self.session.bulk_job = None,
            Err(message) => job.finished = Some(Err(message)),
        }
    }

    /// Starts a due automatic refresh and asks for a wake-up when the next one is due.
    /// Nothing is fetched while the window is minimised.
    pub(super) fn tick_live_refresh(&mut self, ctx: &egui::Context) {
        let Some(due) = self.session.current.as_ref().and_then(|c| c.live.next_at) else { return };
        let now = Instant::now();
        let minimized = ctx.input(|i| i.viewport().minimized.unwrap_or(false));
        if now >= due && !minimized {
            self.refresh_interview();
        } else {
            ctx.request_repaint_after(due.saturating_duration_since(now).max(Duration::from_secs(1)));
        }
    }

    /// Looks up names not yet requested this run; a failed lookup leaves the ID showing.
    pub(super) fn request_related(&mut self, wanted: Vec<(RelatedKind, String)>) {
        for (kind, id) in wanted {
            if self.session.related.begin(kind, &id) {
                self.send(WorkerCommand::Related { kind, id });
            }
        }
    }
}
