//! What the app does with each [`Command`] a screen pushed: the only place that sends to the
//! worker, opens file dialogs, changes the screen or starts a file write.

use std::path::PathBuf;
use std::sync::Arc;

use super::session::{BulkJob, DeleteConnection, LiveRefresh, OpenInterview, Remote, Screen};
use super::transcript_view::TranscriptView;
use super::{App, Command};
use crate::api::related::RelatedKind;
use crate::api::{InterviewRecord, interview_id_from};
use crate::dialog::DialogAnswer;
use crate::export::bulk::{BulkOptions, BulkProgress, BulkTarget, CancelToken};
use crate::export::{
    ExportOptions, ExportSource, RelatedRecords, default_file_name, export_document_with, with_extension,
    with_json_extension,
};
use crate::worker::{Command as WorkerCommand, DialogFuture, TextPurpose};

/// A dialog answer that is already known (a typed path, or a retry into the same folder).
fn ready(answer: DialogAnswer) -> DialogFuture {
    Box::pin(async move { answer })
}

impl App {
    /// Applies one command pushed by a screen. Native dialogs open over `frame`, the window,
    /// when there is one (`None` without a window, e.g. in unit tests).
    pub fn apply(&mut self, command: Command, frame: Option<&eframe::Frame>) {
        match command {
            Command::OpenInterview(input) => self.open(&input),
            Command::RefreshInterview => self.refresh_interview(),
            Command::ToggleCompare(record) => self.toggle_compare(&record),
            Command::RemoveFromCompare(index) => {
                if index < self.session.compare.len() {
                    self.session.compare.remove(index);
                }
            }
            Command::ClearCompare => self.session.compare.clear(),
            Command::ShowCompare(show) => self.session.show_compare = show,
            Command::ReloadList => self.reload_list(),
            Command::LoadMoreInterviews => self.load_more(),
            Command::SearchCandidates => {
                self.session.list.candidates_requested = true;
                self.search_candidates();
            }
            Command::PickCandidate(candidate) => {
                self.edits.filters.candidate = Some(candidate);
                self.session.list.needs_candidate = false;
                self.reload_list();
            }
            Command::SaveInterview(path) => self.export_current(frame, path),
            Command::CopyExportJson => {
                if let Some(record) = self.session.current_record() {
                    let interview_id = record.interview.id.clone();
                    let build = self.export_builder(record);
                    self.session.export = Remote::NotRequested;
                    self.send(WorkerCommand::BuildExportText {
                        interview_id,
                        ticket: 0,
                        purpose: TextPurpose::Clipboard,
                        build,
                    });
                }
            }
            Command::SetExportPrefs(prefs) => {
                let old = self.session.export_prefs;
                self.session.export_prefs = prefs;
                if (old.transcript, old.names) != (prefs.transcript, prefs.names)
                    && let Some(current) = self.session.current.as_mut()
                {
                    current.forget_preview();
                }
            }
            Command::BuildExportPreview => {
                let wanted = self
                    .session
                    .current
                    .as_ref()
                    .is_some_and(|c| c.export_preview.is_none() && c.preview_ticket.is_none());
                if wanted && let Some(record) = self.session.current_record() {
                    self.preview_tickets += 1;
                    let ticket = self.preview_tickets;
                    if let Some(current) = self.session.current.as_mut() {
                        current.preview_ticket = Some(ticket);
                    }
                    let interview_id = record.interview.id.clone();
                    let build = self.export_builder(record);
                    self.send(WorkerCommand::BuildExportText {
                        interview_id,
                        ticket,
                        purpose: TextPurpose::Preview,
                        build,
                    });
                }
            }
            Command::SavePdf(path) => self.save_pdf(frame, path),
            Command::ExportSelected => {
                let targets = self.bulk_targets();
                self.start_bulk_export(frame, targets, None);
            }
            Command::ExportSelectedTable => self.export_table(frame),
            Command::SaveReport => self.save_report(frame),
            Command::SaveRecording { attempt } => self.save_recording(frame, attempt),
            Command::Listen(request) => self.listen(request),
            Command::ClearRecordingCache => match self.recording_cache.clone() {
                Some(cache) => self.send(WorkerCommand::ClearRecordingCache { cache }),
                None => {
                    self.session.notifications.warning("There is no cache folder on this computer.");
                }
            },
            Command::SaveTranscript => self.save_transcript(frame),
            Command::SaveInterviewTable { xlsx } => {
                if let Some(record) = self.session.record_for_people() {
                    self.save_table(frame, vec![record], xlsx);
                }
            }
            Command::RestartBulkExport(folder) => {
                if let Some(job) = self.session.bulk_job.take() {
                    self.start_bulk_export(frame, job.targets, folder);
                }
            }
            Command::RetryFailedBulk => self.retry_failed_bulk(frame),
            Command::CancelBulkExport => {
                if let Some(job) = &self.session.bulk_job {
                    job.cancel.cancel();
                }
            }
            Command::CloseBulkExport => self.session.bulk_job = None,
            Command::TestConnection => self.test_connection(),
            Command::SaveConnection => self.save_connection(),
            Command::ConnectThisRunOnly => self.connect_with_form(),
            Command::CancelConnect => {
                if self.key.is_some() && self.session.active.is_some() {
                    self.session.screen = Screen::Main;
                }
            }
            Command::RetryKey => self.retry_key(),
            Command::EditConnection => self.show_connect(),
            Command::NewConnection => self.new_connection(),
            Command::SwitchConnection(name) => self.switch_profile(&name),
            Command::SignOut => self.sign_out(),
            Command::AskDeleteConnection => {
                self.session.delete_connection = Some(DeleteConnection::Confirm(self.session.profile.clone()));
            }
            Command::DeleteConnection(name) => self.delete_connection(&name),
            Command::CloseDeleteConnection => self.session.delete_connection = None,
            Command::ReloadSettings => self.reload_settings(),
            Command::DismissNotification(id) => self.session.notifications.dismiss(id),
            Command::SearchTranscript(request) => {
                if let Some(record) = self.session.current_record() {
                    self.send(WorkerCommand::SearchTranscript { record, request });
                }
            }
            Command::ReviewEdited(id) => self.review_edited(&id),
            Command::PinEvidence(turn) => self.pin_evidence(turn),
            Command::JumpToTurn(turn) => {
                self.edits.tab = super::Tab::Transcript;
                self.edits.transcript.jump_to_turn = Some(turn);
            }
            Command::ResolveReviewConflict { interview_id, keep_mine } => {
                self.resolve_review_conflict(&interview_id, keep_mine);
            }
            Command::ResolveReviewCopy { path, use_copy } => self.resolve_review_copy(path, use_copy),
            Command::ReloadReview => self.reload_review(),
            Command::StartReviewOver => self.start_review_over(),
            Command::SetReviewSettings(settings) => {
                let change: crate::worker::SettingsChange = Arc::new(move |s| {
                    s.review = settings.clone();
                    Ok(())
                });
                self.change_settings_now(change);
                self.edits.scorecard.settings = None;
            }
            Command::StartQueue(kind) => self.start_queue(kind),
            Command::StepQueue(forward) => self.step_queue(forward),
            Command::StopQueue => self.session.reviews.queue = None,
        }
    }

    /// Starts the review queue over the list's interviews of `kind` and opens the first.
    fn start_queue(&mut self, kind: super::QueueKind) {
        let visible = self.session.list_rows(&self.edits.filters);
        let desk = &self.session.reviews;
        let ids: Vec<String> = visible
            .iter()
            .filter(|r| match kind {
                super::QueueKind::CurrentList => true,
                super::QueueKind::CompletedUndecided => {
                    r.interview.status == Some(crate::api::InterviewStatus::Completed)
                        && desk.my_decision(&r.interview.id).is_none()
                }
            })
            .map(|r| r.interview.id.clone())
            .collect();
        let Some(first) = ids.first().cloned() else {
            self.session.notifications.info(format!("No interviews to review: none is \"{}\".", kind.label()));
            return;
        };
        self.session.reviews.queue = Some(super::ReviewQueue { kind, ids, position: 0 });
        self.open(&first);
    }

    /// Opens the next or previous interview of the queue, or of the list without one.
    fn step_queue(&mut self, forward: bool) {
        let step = |position: usize, len: usize| {
            if forward { (position + 1).min(len.saturating_sub(1)) } else { position.saturating_sub(1) }
        };
        if let Some(queue) = self.session.reviews.queue.as_mut() {
            let next = step(queue.position, queue.ids.len());
            if next == queue.position {
                let end = if forward { "last" } else { "first" };
                self.session.notifications.info(format!("This is the {end} interview of the queue."));
                return;
            }
            queue.position = next;
            if let Some(id) = queue.current().map(str::to_owned) {
                self.open(&id);
            }
            return;
        }
        let ids: Vec<String> =
            self.session.list_rows(&self.edits.filters).iter().map(|r| r.interview.id.clone()).collect();
        let current = self.session.current.as_ref().and_then(|c| ids.iter().position(|id| *id == c.id));
        let target = match current {
            Some(position) => ids.get(step(position, ids.len())),
            None => ids.first(),
        };
        if let Some(id) = target.filter(|id| Some(id.as_str()) != self.session.current.as_ref().map(|c| c.id.as_str()))
        {
            let id = id.clone();
            self.edits.open_input.clone_from(&id);
            self.open(&id);
        }
    }

    /// Fetches the open interview again, keeping what is on screen meanwhile.
    pub(super) fn refresh_interview(&mut self) {
        let Some(current) = self.session.current.as_mut() else { return };
        if !matches!(current.remote, Remote::Ready(_) | Remote::Failed { previous: Some(_), .. }) {
            return;
        }
        current.remote.start();
        current.live.next_at = None;
        let id = current.id.clone();
        self.send(WorkerCommand::OpenInterview { id });
    }

    /// Adds `record` to the comparison, or removes it when it is there already.
    fn toggle_compare(&mut self, record: &Arc<InterviewRecord>) {
        let before = self.session.compare.len();
        self.session.compare.retain(|r| r.interview.id != record.interview.id);
        if self.session.compare.len() == before {
            self.session.compare.push(record.clone());
        }
    }

    /// Reloads the interview list from page 1 with the filters in the side panel.
    pub(super) fn reload_list(&mut self) {
        let query = self.session.list.restart(&self.edits.filters);
        self.send(WorkerCommand::ListInterviews { query });
    }

    /// Requests the next page of the interview list, if there is one and none is loading.
    fn load_more(&mut self) {
        if let Some(query) = self.session.list.next_query() {
            self.send(WorkerCommand::ListInterviews { query });
        }
    }

    /// Runs the candidate picker's search.
    fn search_candidates(&mut self) {
        let search = self.edits.filters.candidate_search.clone();
        self.session.list.candidates = None;
        self.send(WorkerCommand::ListCandidates { search, page: 1 });
    }

    /// "Save analysis PDF…": asks where (or takes `path` when no dialog could be shown), then
    /// the worker fetches and writes the PDF.
    fn save_pdf(&mut self, frame: Option<&eframe::Frame>, path: Option<PathBuf>) {
        let Some(record) = self.session.current_record() else { return };
        let choice = match path {
            Some(path) => ready(DialogAnswer::Chosen(path)),
            None => {
                let name = default_file_name(&record.interview).replace(".json", "-analysis.pdf");
                self.dialog.save_file("Save analysis PDF", &name, "pdf", frame)
            }
        };
        let choice = Box::pin(async move { choice.await.map(|path| with_extension(path, "pdf")) });
        self.session.pdf = Remote::Pending { previous: None };
        self.send(WorkerCommand::SavePdf { id: record.interview.id.clone(), choice });
    }

    /// The bulk export targets for the picked interviews (with `updatedAt` from the list, so
    /// unchanged files are skipped without a request).
    fn bulk_targets(&self) -> Vec<BulkTarget> {
        self.edits
            .bulk
            .selected
            .iter()
            .map(|id| match self.session.list.items().iter().find(|r| &r.interview.id == id) {
                Some(record) => BulkTarget::from_record(record),
                None => BulkTarget { id: id.clone(), updated_at: None },
            })
            .collect()
    }

    /// "Export selected…": asks for a folder (or takes `folder`), then exports `targets` there.
    fn start_bulk_export(&mut self, frame: Option<&eframe::Frame>, targets: Vec<BulkTarget>, folder: Option<PathBuf>) {
        if targets.is_empty()
            || self.session.bulk_job.as_ref().is_some_and(|job| job.finished.is_none() && !job.no_dialog)
        {
            return;
        }
        let choice = match folder.clone() {
            Some(folder) => ready(DialogAnswer::Chosen(folder)),
            None => self.dialog.pick_folder("Export interviews into folder", frame),
        };
        let cancel = CancelToken::default();
        self.edits.bulk_folder = crate::dialog::fallback_folder().join("interview-exports").display().to_string();
        self.session.bulk_job = Some(BulkJob {
            targets: targets.clone(),
            folder,
            progress: BulkProgress { total: targets.len(), ..BulkProgress::default() },
            cancel: cancel.clone(),
            finished: None,
            no_dialog: false,
        });
        let ids: Vec<String> = targets.iter().map(|t| t.id.clone()).collect();
        let options = BulkOptions {
            names: self.session.export_prefs.names,
            export: ExportOptions { transcript: self.session.export_prefs.transcript },
            reviews: Arc::new(self.reviews_by_id(&ids)),
            ..BulkOptions::default()
        };
        self.send(WorkerCommand::BulkExport { choice, targets, options, source: self.export_source(), cancel });
    }

    /// "Retry failed": exports the failed interviews of the finished run again, into the same
    /// folder.
    fn retry_failed_bulk(&mut self, frame: Option<&eframe::Frame>) {
        let Some(job) = &self.session.bulk_job else { return };
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
        self.session.bulk_job = None;
        self.start_bulk_export(frame, failed, folder);
    }

    /// Opens the interview named in `input` (an ID or a URL containing one).
    pub(super) fn open(&mut self, input: &str) {
        self.session.show_compare = false;
        // Leaving an interview saves what was typed in its review at once.
        self.flush_reviews(false);
        let Some(id) = interview_id_from(input) else {
            self.session.open_error = Some(if input.trim().is_empty() {
                "Paste an interview ID or a link to an interview.".to_owned()
            } else {
                "That is not an interview ID: expected a UUID such as 3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10, or a link containing one.".to_owned()
            });
            return;
        };
        self.session.open_error = None;
        if self.session.listening.interview_id.as_deref() != Some(id.as_str()) {
            self.stop_listening();
        }
        self.session.export = Remote::NotRequested;
        self.session.pdf = Remote::NotRequested;
        self.session.current = Some(OpenInterview {
            id: id.clone(),
            remote: Remote::Pending { previous: None },
            export_preview: None,
            preview_ticket: None,
            live: LiveRefresh::default(),
        });
        self.edits.transcript = TranscriptView::default();
        self.send(WorkerCommand::OpenInterview { id });
    }

    /// The export source of the active connection.
    pub fn export_source(&self) -> ExportSource {
        let config = self.session.active.clone().unwrap_or_default();
        ExportSource { base_url: config.base_url, company_id: config.company_id }
    }

    /// "Save as…": opens the save dialog for the current interview (or takes `path` when no
    /// dialog could be shown); the worker writes the file, and the analysis PDF beside it when
    /// that option is on.
    fn export_current(&mut self, frame: Option<&eframe::Frame>, path: Option<PathBuf>) {
        let Some(record) = self.session.current_record() else { return };
        let name = default_file_name(&record.interview);
        let pdf_of = self.session.export_prefs.pdf_beside.then(|| record.interview.id.clone());
        let contents = self.export_builder(record);
        let choice = match path {
            Some(path) => ready(DialogAnswer::Chosen(path)),
            None => self.dialog.save_file("Export interview", &name, "json", frame),
        };
        let choice = Box::pin(async move { choice.await.map(with_json_extension) });
        self.session.export = Remote::Pending { previous: None };
        self.send(WorkerCommand::SaveAs { choice, contents, pdf_of });
    }

    /// "Table (XLSX)…": the evaluation table of the interviews picked in the list (as the list
    /// holds them, with the names looked up so far and every reviewer's review).
    fn export_table(&mut self, frame: Option<&eframe::Frame>) {
        let selected = &self.edits.bulk;
        let records: Vec<Arc<InterviewRecord>> =
            self.session.list.items().iter().filter(|r| selected.is_selected(&r.interview.id)).cloned().collect();
        if !records.is_empty() {
            self.save_table(frame, records, true);
        }
    }

    /// The candidate, agent and job records looked up so far for `record` (`None` for each not
    /// arrived).
    fn related_so_far(&self, record: &InterviewRecord) -> [Option<serde_json::Value>; 3] {
        let related =
            |kind: RelatedKind, id: &Option<String>| self.session.related.record(kind, id.as_deref()?).cloned();
        let interview = &record.interview;
        [
            related(RelatedKind::Candidate, &interview.candidate_id),
            related(RelatedKind::Agent, &interview.agent_id),
            related(RelatedKind::Job, &interview.job_id),
        ]
    }

    /// Saves the evaluation table of `records` as XLSX or CSV: the save dialog opens now, the
    /// worker builds the table and writes it to the chosen file (else into the Downloads
    /// folder).
    fn save_table(&mut self, frame: Option<&eframe::Frame>, records: Vec<Arc<InterviewRecord>>, xlsx: bool) {
        let me = self.session.reviews.reviewer.clone();
        let rows: Vec<_> = records
            .into_iter()
            .map(|record| {
                let names = self.related_so_far(&record);
                let reviews = self.reviews_for_export(&record.interview.id);
                (record, names, reviews)
            })
            .collect();
        let count = rows.len();
        let build: crate::worker::FileBuilder = Box::new(move || {
            let inputs: Vec<crate::export::table::RowInput<'_>> = rows
                .iter()
                .map(|(record, [candidate, agent, job], reviews)| crate::export::table::RowInput {
                    record,
                    candidate: candidate.as_ref(),
                    agent: agent.as_ref(),
                    job: job.as_ref(),
                    reviews,
                    me: &me,
                })
                .collect();
            let table = crate::export::table::build(&inputs);
            let bytes = if xlsx {
                crate::export::table::to_xlsx(&table, None)?
            } else {
                crate::export::table::to_csv(&table, crate::export::table::CsvOptions::default())?
            };
            Ok(bytes)
        });
        let extension = if xlsx { "xlsx" } else { "csv" };
        let name = match (count, self.session.current_record()) {
            (1, Some(record)) => PathBuf::from(default_file_name(&record.interview))
                .with_extension(extension)
                .to_string_lossy()
                .into_owned(),
            _ => format!("interviews-{}.{extension}", jiff::Zoned::now().strftime("%Y-%m-%d")),
        };
        let what = if count == 1 {
            "the evaluation table".to_owned()
        } else {
            format!("the evaluation table ({count} interviews)")
        };
        self.save_built(frame, "Save evaluation table", &name, extension, build, what);
    }

    /// Opens the save dialog for `name` and has the worker make the file with `build` and
    /// write it there (or into the Downloads folder when no dialog could be shown).
    fn save_built(
        &mut self,
        frame: Option<&eframe::Frame>,
        title: &str,
        name: &str,
        extension: &'static str,
        build: crate::worker::FileBuilder,
        what: String,
    ) {
        let choice = self.dialog.save_file(title, name, extension, frame);
        let choice = Box::pin(async move { choice.await.map(|path| with_extension(path, extension)) });
        let fallback = crate::dialog::fallback_folder().join(name);
        self.send(WorkerCommand::SaveFile { choice, build, fallback, what });
    }

    /// "Save report…": the open interview's review report (HTML). Under blind review, before
    /// a decision, the report is anonymised whatever the Export tab says.
    fn save_report(&mut self, frame: Option<&eframe::Frame>) {
        let Some(record) = self.session.record_for_people() else { return };
        let [candidate, agent, job] = self.related_so_far(&record);
        let reviews = self.reviews_for_export(&record.interview.id);
        let prefs = self.session.export_prefs;
        let hidden = record.interview.candidate_id.as_deref().is_some_and(|id| self.session.related.is_hidden(id));
        let options =
            crate::export::report::ReportOptions { transcript: prefs.transcript, anonymise: prefs.anonymise || hidden };
        let me = self.session.reviews.reviewer.clone();
        let name =
            PathBuf::from(default_file_name(&record.interview)).with_extension("html").to_string_lossy().into_owned();
        let build: crate::worker::FileBuilder = Box::new(move || {
            let input = crate::export::report::ReportInput {
                record: &record,
                candidate: candidate.as_ref(),
                agent: agent.as_ref(),
                job: job.as_ref(),
                reviews: &reviews,
                made_by: &me,
                made_at: jiff::Timestamp::now(),
                options,
            };
            Ok(crate::export::report::report_html(&input)?.into_bytes())
        });
        self.save_built(frame, "Save review report", &name, "html", build, "the review report".to_owned());
    }

    /// "Save…" beside a call attempt's recording: the worker downloads it to the chosen file
    /// (renewing an expired link once).
    fn save_recording(&mut self, frame: Option<&eframe::Frame>, attempt: usize) {
        let Some(record) = self.session.current_record() else { return };
        let extension = record
            .interview
            .call_attempts
            .get(attempt)
            .and_then(|a| a.recording_url.as_deref())
            .and_then(|url| url::Url::parse(url).ok())
            .and_then(|url| {
                url.path_segments()?
                    .next_back()
                    .and_then(|name| name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()))
            })
            .filter(|e| matches!(e.as_str(), "mp3" | "wav" | "m4a" | "ogg" | "flac" | "webm" | "opus" | "aac"))
            .unwrap_or_else(|| "mp3".to_owned());
        let stem = PathBuf::from(default_file_name(&record.interview)).with_extension("");
        let name = format!("{}-call-{}.{extension}", stem.to_string_lossy(), attempt + 1);
        let choice = self.dialog.save_file("Save recording", &name, "mp3", frame);
        let cache = self.recording_cache.clone();
        self.send(WorkerCommand::SaveRecording { id: record.interview.id.clone(), attempt, choice, cache });
    }

    /// "Save transcript as…": the open interview's transcript in the Export tab's format.
    fn save_transcript(&mut self, frame: Option<&eframe::Frame>) {
        let Some(record) = self.session.record_for_people() else { return };
        let format = self.session.export_prefs.transcript_format;
        let extension = format.extension();
        let stem = PathBuf::from(default_file_name(&record.interview)).with_extension("");
        let name = format!("{}-transcript.{extension}", stem.to_string_lossy());
        let build: crate::worker::FileBuilder =
            Box::new(move || Ok(crate::export::transcript_file::transcript_file(&record, format)?.into_bytes()));
        self.save_built(frame, "Save transcript", &name, extension, build, "the transcript".to_owned());
    }

    /// Makes the export document of `record` with the Export tab's choices (names only once
    /// every lookup has finished), later, on the worker: what it needs is gathered now, the document (which grows with the transcript)
    /// is built there, stamped with the time it is built.
    pub fn export_builder(&self, record: Arc<InterviewRecord>) -> crate::worker::TextBuilder {
        let related = if self.session.export_prefs.names { self.related_records(&record) } else { None };
        let options = ExportOptions { transcript: self.session.export_prefs.transcript };
        let reviews = self.reviews_for_export(&record.interview.id);
        let source = self.export_source();
        Box::new(move || {
            export_document_with(&record, &source, related.as_ref(), jiff::Timestamp::now(), options, &reviews)
        })
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
            match self.session.related.records.get(&(kind, id.clone()))? {
                Remote::NotRequested | Remote::Pending { .. } => return None,
                Remote::Ready(value) => *slot = Some(value.clone()),
                Remote::Failed { .. } => {}
            }
        }
        let [candidate, agent, job] = records;
        Some(RelatedRecords { candidate, agent, job })
    }
}
