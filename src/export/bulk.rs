//! Bulk export: many interviews into one folder, one export document each, plus
//! `manifest.json` describing every file.
//!
//! - **Safe to stop at any moment.** Each document is written atomically, then the manifest is
//!   rewritten atomically, so a crash or a kill leaves only complete documents and a manifest
//!   whose every entry matches its file. A document that landed just before the kill may be
//!   missing from the manifest; the next run finds it unlisted and writes it again. Temporary
//!   files of a killed run (`.interview-desk-*.tmp`) are removed when the next run starts.
//! - **Resumable.** An interview whose manifest entry has the same `updatedAt` as the list
//!   says, and whose file still has the recorded SHA-256, is skipped without a request.
//! - **Rate-aware.** Requests are paced to the limit the server announces
//!   (`X-RateLimit-Limit-Minute`, and the hour window when it would run out first), with at
//!   most [`BulkOptions::concurrency`] in flight, so a large export never causes a 429 storm.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt as _;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use tokio::sync::{Notify, OnceCell};

use crate::api::related::RelatedKind;
use crate::api::{ApiClient, ApiError, InterviewRecord};
use crate::export::{
    ExportOptions, ExportSource, RelatedRecords, WriteError, describe_io_error, export_document_with, rfc3339_utc,
    sanitize_file_name, write_atomically_in_background,
};

/// Name of the manifest file in the export folder.
pub const MANIFEST_FILE_NAME: &str = "manifest.json";

/// `format` of the manifest.
pub const MANIFEST_FORMAT: &str = "interview-desk.manifest";

/// `version` of the manifest.
pub const MANIFEST_VERSION: u32 = 1;

/// Requests in flight at once unless [`BulkOptions::concurrency`] says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// `manifest.json`: `{"format": "interview-desk.manifest", "version": 1, "documentVersion": 2,
/// "updatedAt": "<RFC 3339 UTC>", "source": {"baseUrl", "companyId"}, "files": [{"interviewId",
/// "file", "updatedAt", "size", "sha256", "reviews"}, ...]}`, files sorted by name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// Always [`MANIFEST_VERSION`].
    pub version: u32,
    /// The version of the export documents it lists ([`super::EXPORT_VERSION`]; 1 when a manifest
    /// from before version 2 does not say).
    #[serde(default = "first_document_version")]
    pub document_version: u32,
    /// When the manifest was last written (UTC, whole seconds).
    pub updated_at: String,
    /// The server the files came from (the latest run's; never the key).
    pub source: ManifestSource,
    /// One entry per export document in the folder.
    pub files: Vec<ManifestEntry>,
}

/// `source` of the manifest.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestSource {
    /// API base URL.
    pub base_url: String,
    /// `companyId`, if one was sent.
    pub company_id: Option<String>,
}

/// One export document listed in the manifest.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestEntry {
    /// The interview's `id`.
    pub interview_id: String,
    /// File name inside the folder.
    pub file: String,
    /// The interview's `updatedAt` as the server wrote it, if it had one.
    pub updated_at: Option<String>,
    /// File size in bytes.
    pub size: u64,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: String,
    /// The reviews in the document: `reviewer:revision` pairs, sorted, `;`-separated; absent
    /// when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviews: Option<String>,
}

fn first_document_version() -> u32 {
    1
}

impl Manifest {
    fn new(source: &ExportSource) -> Self {
        Self {
            format: MANIFEST_FORMAT.to_owned(),
            version: MANIFEST_VERSION,
            document_version: super::EXPORT_VERSION,
            updated_at: rfc3339_utc(jiff::Timestamp::now()),
            source: ManifestSource { base_url: source.base_url.clone(), company_id: source.company_id.clone() },
            files: Vec::new(),
        }
    }

    /// Reads `folder/manifest.json`; `Ok(None)` when there is none.
    ///
    /// # Errors
    /// [`ManifestError`] when the file exists but cannot be read or is not an Interview Desk
    /// manifest (the folder is then not used, so nothing of someone else's is overwritten).
    pub fn read(folder: &Path) -> Result<Option<Self>, ManifestError> {
        let path = folder.join(MANIFEST_FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(ManifestError::Read { path, source }),
        };
        match serde_json::from_str::<Self>(&text) {
            Ok(manifest) if manifest.format == MANIFEST_FORMAT => Ok(Some(manifest)),
            _ => Err(ManifestError::NotOurs { path }),
        }
    }

    /// The entry of `interview_id`, if listed.
    pub fn entry(&self, interview_id: &str) -> Option<&ManifestEntry> {
        self.files.iter().find(|entry| entry.interview_id.eq_ignore_ascii_case(interview_id))
    }
}

/// Why the `manifest.json` in a folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The manifest exists but could not be read (no permission, it is a folder, an I/O error).
    #[error("Could not read {}: {source}", path.display())]
    Read {
        /// The manifest's path.
        path: PathBuf,
        /// The OS's reason.
        source: std::io::Error,
    },
    /// The file is not JSON, not a manifest, or another program's (its `format` is not
    /// [`MANIFEST_FORMAT`]), so the folder is not ours to write into.
    #[error(
        "{} is not an Interview Desk manifest; choose an empty folder or one used for a bulk export before",
        path.display()
    )]
    NotOurs {
        /// The manifest's path.
        path: PathBuf,
    },
}

/// Why a bulk export could not start in the chosen folder; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The path names a file, not a folder.
    #[error("{} is a file, not a folder; choose a folder to export into", .0.display())]
    NotAFolder(PathBuf),
    /// The folder (or one of its parents) could not be created.
    #[error("Could not create the folder {}: {}", path.display(), describe_io_error(source))]
    Create {
        /// The folder.
        path: PathBuf,
        /// The OS's reason.
        source: std::io::Error,
    },
    /// No file can be created in the folder (read-only, no permission, disk full).
    #[error("Cannot write into {}: {}", path.display(), describe_io_error(source))]
    NotWritable {
        /// The folder.
        path: PathBuf,
        /// The OS's reason.
        source: std::io::Error,
    },
    /// The folder's manifest cannot be used.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The task that prepares the folder failed (it panicked or the runtime is shutting down).
    #[error("the export could not start: {0}")]
    Start(#[source] tokio::task::JoinError),
}

/// One interview to export: its ID and, when known from the list, its `updatedAt`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkTarget {
    /// The interview ID (UUID).
    pub id: String,
    /// `updatedAt` exactly as the list sent it; `None` when unknown (IDs from a file).
    pub updated_at: Option<String>,
}

impl BulkTarget {
    /// The target for an interview from the list.
    pub fn from_record(record: &InterviewRecord) -> Self {
        Self { id: record.interview.id.clone(), updated_at: updated_at_text(&record.raw) }
    }
}

/// The reviewers' reviews of each interview, by interview ID (what goes into each document's
/// `reviews`).
pub type ReviewsById = std::collections::HashMap<String, Vec<crate::review::Review>>;

/// How a bulk export runs.
#[derive(Clone, Debug, PartialEq)]
pub struct BulkOptions {
    /// Look up the candidate, agent and job of each interview (each one once per run) and put
    /// them in the documents.
    pub names: bool,
    /// What each document leaves out.
    pub export: ExportOptions,
    /// Most requests in flight at once (at least 1).
    pub concurrency: usize,
    /// The reviews to put in the documents.
    pub reviews: Arc<ReviewsById>,
}

impl Default for BulkOptions {
    fn default() -> Self {
        Self {
            names: true,
            export: ExportOptions::default(),
            concurrency: DEFAULT_CONCURRENCY,
            reviews: Arc::default(),
        }
    }
}

/// What a manifest entry records of an interview's reviews: every reviewer with the revision
/// of their review, so a changed review writes the document again.
fn reviews_key(reviews: &[crate::review::Review]) -> Option<String> {
    if reviews.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = reviews.iter().map(|r| format!("{}:{}", r.reviewer, r.revision)).collect();
    parts.sort();
    Some(parts.join(";"))
}

/// Counts of a running or finished bulk export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BulkProgress {
    /// Interviews in the export.
    pub total: usize,
    /// Documents written in this run.
    pub written: usize,
    /// Interviews skipped because their file was already up to date.
    pub unchanged: usize,
    /// Interviews that failed.
    pub failed: usize,
    /// Bytes written in this run (documents only).
    pub bytes: u64,
    /// Time since the run started.
    pub elapsed: Duration,
}

impl BulkProgress {
    /// Interviews finished, in any way.
    pub fn done(&self) -> usize {
        self.written + self.unchanged + self.failed
    }

    /// Interviews finished per minute so far; `None` in the first half second.
    pub fn per_minute(&self) -> Option<f64> {
        let seconds = self.elapsed.as_secs_f64();
        (seconds >= 0.5 && self.done() > 0).then(|| self.done() as f64 * 60.0 / seconds)
    }

    /// Estimated time left at the rate so far; `None` until there is a rate.
    pub fn time_left(&self) -> Option<Duration> {
        let rate = self.per_minute()?;
        let left = self.total.saturating_sub(self.done()) as f64;
        Duration::try_from_secs_f64(left * 60.0 / rate).ok()
    }

    /// Finished fraction, 0.0 to 1.0 (1.0 for an empty export).
    pub fn fraction(&self) -> f32 {
        if self.total == 0 { 1.0 } else { self.done() as f32 / self.total as f32 }
    }
}

/// Why one interview was not exported.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// The interview could not be fetched.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Its document (or the manifest) could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// One failed interview.
#[derive(Debug)]
pub struct BulkFailure {
    /// The interview ID.
    pub id: String,
    /// What went wrong.
    pub error: BulkError,
}

/// The outcome of [`run`].
#[derive(Debug, Default)]
pub struct BulkReport {
    /// The final counts.
    pub progress: BulkProgress,
    /// The interviews that failed, with reasons, in the order they failed.
    pub failures: Vec<BulkFailure>,
    /// The run was cancelled before every interview was tried.
    pub cancelled: bool,
    /// The run stopped early because every further interview would fail the same way: the
    /// server refused the key (401), or the folder cannot be written (full disk, read-only,
    /// no permission). Not counted in `failures`.
    pub stopped_by: Option<BulkError>,
}

impl BulkError {
    /// The message with what to do next.
    pub fn with_hint(&self) -> String {
        match self {
            Self::Api(err) => err.with_hint(),
            Self::Write(err) if err.stops_further_writes() => {
                format!("{err}. Free some space, or choose a folder you can write to, and export again.")
            }
            Self::Write(err) => err.to_string(),
        }
    }

    /// Whether every further interview would fail the same way, so the run should stop.
    pub fn stops_the_run(&self) -> bool {
        match self {
            Self::Api(err) => matches!(err, ApiError::Unauthorized { .. }),
            Self::Write(err) => err.stops_further_writes(),
        }
    }
}

/// A cancel switch shared between whoever runs an export and whoever may stop it.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<(AtomicBool, Notify)>);

impl CancelToken {
    /// Asks the export to stop; requests in flight are dropped, files being written finish.
    pub fn cancel(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        self.0.1.notify_waiters();
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.0.load(Ordering::SeqCst)
    }

    /// Resolves once cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.1.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// The file name a bulk export gives an interview: `interview-<id>.json` (stable, so a rerun
/// finds it).
pub fn bulk_file_name(interview_id: &str) -> String {
    sanitize_file_name(&format!("interview-{}.json", interview_id.to_ascii_lowercase()))
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Exports `targets` into `folder` (created if missing) and keeps its manifest up to date.
/// `progress` is called after every interview finishes. Every request goes through `client`
/// (its retries and 429 handling apply) and is paced to the announced rate limit.
///
/// # Errors
/// [`FolderError`] when the folder cannot be created or written into, or holds a manifest that
/// is not ours; then nothing is written. Failures of single interviews are in
/// [`BulkReport::failures`].
pub async fn run(
    client: &ApiClient,
    folder: &Path,
    targets: Vec<BulkTarget>,
    options: BulkOptions,
    source: &ExportSource,
    cancel: &CancelToken,
    progress: &(dyn Fn(&BulkProgress) + Send + Sync),
) -> Result<BulkReport, FolderError> {
    let started = Instant::now();
    let folder = folder.to_owned();
    let prepared = tokio::task::spawn_blocking({
        let folder = folder.clone();
        move || prepare_folder(&folder)
    })
    .await
    .map_err(FolderError::Start)??;
    let mut manifest = prepared.unwrap_or_else(|| Manifest::new(source));
    let document_version_now = manifest.document_version == super::EXPORT_VERSION;
    manifest.source = ManifestSource { base_url: source.base_url.clone(), company_id: source.company_id.clone() };
    let run = Run {
        client,
        folder,
        options,
        source,
        cancel,
        manifest: tokio::sync::Mutex::new(manifest),
        pacer: Pacer::default(),
        names: Mutex::new(HashMap::new()),
        report: Mutex::new(BulkReport {
            progress: BulkProgress { total: targets.len(), ..BulkProgress::default() },
            ..BulkReport::default()
        }),
        started,
        progress,
        remaining: Mutex::new(targets.len()),
        document_version_now,
    };
    let concurrency = run.options.concurrency.max(1);
    let mut tasks =
        futures_util::stream::iter(targets).map(|target| run.export_one(target)).buffer_unordered(concurrency);
    let stopped = async {
        while tasks.next().await.is_some() {
            if run.lock_report().stopped_by.is_some() {
                return;
            }
        }
    };
    tokio::select! {
        () = stopped => {}
        () = cancel.cancelled() => {}
    }
    drop(tasks);
    let mut report = std::mem::take(&mut *run.lock_report());
    report.cancelled = cancel.is_cancelled() && report.progress.done() < report.progress.total;
    report.progress.elapsed = started.elapsed();
    Ok(report)
}

/// Creates `folder` if it is missing and checks that files can be written in it, so an export
/// finds out before its first download, not after.
///
/// # Errors
/// [`FolderError::NotAFolder`] for a file, [`FolderError::Create`] when it cannot be created,
/// [`FolderError::NotWritable`] when no file can be written in it.
pub fn writable_folder(folder: &Path) -> Result<(), FolderError> {
    if folder.exists() && !folder.is_dir() {
        return Err(FolderError::NotAFolder(folder.to_owned()));
    }
    std::fs::create_dir_all(folder).map_err(|source| FolderError::Create { path: folder.to_owned(), source })?;
    tempfile::Builder::new()
        .prefix(".interview-desk-")
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(|source| FolderError::NotWritable { path: folder.to_owned(), source })?;
    Ok(())
}

/// Creates the folder, removes temporary files left by a killed run, and reads the manifest.
fn prepare_folder(folder: &Path) -> Result<Option<Manifest>, FolderError> {
    writable_folder(folder)?;
    if let Ok(entries) = std::fs::read_dir(folder) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(".interview-desk-")
                && name.ends_with(".tmp")
                && let Err(err) = std::fs::remove_file(entry.path())
            {
                tracing::warn!("could not remove the leftover {name}: {err}");
            }
        }
    }
    Ok(Manifest::read(folder)?)
}

/// The shared state of one [`run`].
struct Run<'a> {
    client: &'a ApiClient,
    folder: PathBuf,
    options: BulkOptions,
    source: &'a ExportSource,
    cancel: &'a CancelToken,
    manifest: tokio::sync::Mutex<Manifest>,
    pacer: Pacer,
    names: Mutex<HashMap<(RelatedKind, String), NameCell>>,
    report: Mutex<BulkReport>,
    started: Instant,
    progress: &'a (dyn Fn(&BulkProgress) + Send + Sync),
    /// Interviews not finished yet (for pacing to the hour window).
    remaining: Mutex<usize>,
    /// The folder's documents are of this version already (else each is written again).
    document_version_now: bool,
}

/// A candidate, agent or job record, fetched once per run by whichever task asks first.
type NameCell = Arc<OnceCell<Option<Value>>>;

/// Why one interview was not exported.
enum Stop {
    /// The run was cancelled before its requests finished.
    Cancelled,
    /// It failed.
    Failed(BulkError),
}

/// What happened to one interview.
enum Outcome {
    Written(u64),
    Unchanged,
}

impl Run<'_> {
    fn lock_report(&self) -> std::sync::MutexGuard<'_, BulkReport> {
        self.report.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn export_one(&self, target: BulkTarget) {
        if self.cancel.is_cancelled() || self.lock_report().stopped_by.is_some() {
            return;
        }
        let outcome = self.export(&target).await;
        *self.remaining.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
        let snapshot = {
            let mut report = self.lock_report();
            match outcome {
                Ok(Outcome::Written(bytes)) => {
                    report.progress.written += 1;
                    report.progress.bytes += bytes;
                }
                Ok(Outcome::Unchanged) => report.progress.unchanged += 1,
                Err(Stop::Cancelled) => return,
                Err(Stop::Failed(error)) if error.stops_the_run() => {
                    report.progress.failed += 1;
                    if report.stopped_by.is_none() {
                        report.stopped_by = Some(error);
                    }
                }
                Err(Stop::Failed(error)) => {
                    report.progress.failed += 1;
                    report.failures.push(BulkFailure { id: target.id.clone(), error });
                }
            }
            report.progress.elapsed = self.started.elapsed();
            report.progress.clone()
        };
        (self.progress)(&snapshot);
    }

    /// Fetches and writes one interview. Cancelling interrupts the requests, never a write that
    /// has begun, so the counts always match the folder.
    async fn export(&self, target: &BulkTarget) -> Result<Outcome, Stop> {
        let listed = self.manifest.lock().await.entry(&target.id).cloned();
        let reviews = self.reviews_of(&target.id);
        // An older document version, or reviews changed since, are written again.
        let same_reviews = |entry: &ManifestEntry| entry.reviews == reviews_key(reviews) && self.document_version_now;
        if let (Some(entry), Some(updated_at)) = (&listed, &target.updated_at)
            && entry.updated_at.as_ref() == Some(updated_at)
            && same_reviews(entry)
            && self.file_matches(entry).await
        {
            return Ok(Outcome::Unchanged);
        }
        let fetch = async {
            self.pace().await;
            let record = self.client.get_interview(&target.id).await?;
            let related = if self.options.names { Some(self.related(&record).await) } else { None };
            Ok::<_, ApiError>((record, related))
        };
        let (record, related) = tokio::select! {
            fetched = fetch => fetched.map_err(|err| Stop::Failed(err.into()))?,
            () = self.cancel.cancelled() => return Err(Stop::Cancelled),
        };
        if let Some(entry) = &listed {
            let updated_at = updated_at_text(&record.raw);
            if updated_at.is_some()
                && entry.updated_at == updated_at
                && same_reviews(entry)
                && self.file_matches(entry).await
            {
                return Ok(Outcome::Unchanged);
            }
        }
        self.write(&record, related.as_ref(), listed).await.map_err(|err| Stop::Failed(err.into()))
    }

    /// Writes the document of `record`, then the manifest listing it.
    async fn write(
        &self,
        record: &InterviewRecord,
        related: Option<&RelatedRecords>,
        listed: Option<ManifestEntry>,
    ) -> Result<Outcome, WriteError> {
        let reviews = self.reviews_of(&record.interview.id);
        let document =
            export_document_with(record, self.source, related, jiff::Timestamp::now(), self.options.export, reviews);
        let file = listed.map_or_else(|| bulk_file_name(&record.interview.id), |entry| entry.file);
        let entry = ManifestEntry {
            interview_id: record.interview.id.clone(),
            file: file.clone(),
            updated_at: updated_at_text(&record.raw),
            size: document.len() as u64,
            sha256: sha256_hex(document.as_bytes()),
            reviews: reviews_key(reviews),
        };
        let path = self.folder.join(&file);
        let size = entry.size;
        write_atomically_in_background(path, document.into_bytes()).await?;
        let mut manifest = self.manifest.lock().await;
        manifest.document_version = super::EXPORT_VERSION;
        manifest.files.retain(|old| !old.interview_id.eq_ignore_ascii_case(&entry.interview_id));
        manifest.files.push(entry);
        manifest.files.sort_by(|a, b| a.file.cmp(&b.file));
        manifest.updated_at = rfc3339_utc(jiff::Timestamp::now());
        let text = format!("{}\n", serde_json::to_string_pretty(&*manifest).unwrap_or_default());
        let path = self.folder.join(MANIFEST_FILE_NAME);
        write_atomically_in_background(path, text.into_bytes()).await?;
        Ok(Outcome::Written(size))
    }

    /// The reviews of interview `id` to put in its document (IDs compared without case).
    fn reviews_of(&self, id: &str) -> &[crate::review::Review] {
        let reviews = &self.options.reviews;
        reviews
            .get(id)
            .or_else(|| reviews.iter().find(|(key, _)| key.eq_ignore_ascii_case(id)).map(|(_, list)| list))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether the entry's file exists with the recorded size and SHA-256.
    async fn file_matches(&self, entry: &ManifestEntry) -> bool {
        let path = self.folder.join(&entry.file);
        let (size, sha256) = (entry.size, entry.sha256.clone());
        tokio::task::spawn_blocking(move || {
            std::fs::read(&path).is_ok_and(|bytes| bytes.len() as u64 == size && sha256_hex(&bytes) == sha256)
        })
        .await
        .unwrap_or(false)
    }

    /// The candidate, agent and job of `record`, each fetched once per run; a failed lookup
    /// is `null` in the document.
    async fn related(&self, record: &InterviewRecord) -> RelatedRecords {
        let interview = &record.interview;
        RelatedRecords {
            candidate: self.lookup(RelatedKind::Candidate, interview.candidate_id.as_deref()).await,
            agent: self.lookup(RelatedKind::Agent, interview.agent_id.as_deref()).await,
            job: self.lookup(RelatedKind::Job, interview.job_id.as_deref()).await,
        }
    }

    async fn lookup(&self, kind: RelatedKind, id: Option<&str>) -> Option<Value> {
        let id = id?;
        let cell =
            self.names.lock().unwrap_or_else(PoisonError::into_inner).entry((kind, id.to_owned())).or_default().clone();
        cell.get_or_init(|| async {
            self.pace().await;
            match self.client.get_related(kind, id).await {
                Ok(record) => Some(record),
                Err(err) => {
                    tracing::warn!("could not look up {} {id}: {err}", kind.path());
                    None
                }
            }
        })
        .await
        .clone()
    }

    /// Waits for this request's send slot.
    async fn pace(&self) {
        let remaining = *self.remaining.lock().unwrap_or_else(PoisonError::into_inner);
        let interval = self.client.rate_limit().map_or(Duration::ZERO, |status| {
            request_interval(
                status.limit_minute,
                status.limit_hour,
                status.remaining_hour,
                status.reset_hour,
                remaining,
                SystemTime::now(),
            )
        });
        let wait = self.pacer.reserve(Instant::now(), interval);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// The spacing between requests that keeps within the announced limits: `60 s / limit per
/// minute`, or wider when the hour window's remaining requests would run out before the
/// `pending` interviews are done (`time until the hour reset / remaining`).
fn request_interval(
    limit_minute: Option<u64>,
    limit_hour: Option<u64>,
    remaining_hour: Option<u64>,
    reset_hour: Option<u64>,
    pending: usize,
    now: SystemTime,
) -> Duration {
    let per_minute = limit_minute
        .filter(|&limit| limit > 0)
        .map_or(Duration::ZERO, |limit| Duration::from_secs(60) / u32::try_from(limit).unwrap_or(u32::MAX));
    let per_hour = match (limit_hour, remaining_hour, reset_hour) {
        (Some(_), Some(remaining), Some(reset)) if (pending as u64) > remaining && remaining > 0 => {
            let reset = SystemTime::UNIX_EPOCH + Duration::from_secs(reset);
            let until = reset.duration_since(now).unwrap_or_default().min(Duration::from_secs(3_600));
            until / u32::try_from(remaining).unwrap_or(u32::MAX)
        }
        _ => Duration::ZERO,
    };
    per_minute.max(per_hour)
}

/// Send slots `interval` apart, shared by all tasks of a run.
#[derive(Debug, Default)]
struct Pacer {
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    /// Reserves the next slot at or after `now` and returns how long to wait for it.
    fn reserve(&self, now: Instant, interval: Duration) -> Duration {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = next.filter(|&slot| slot > now).unwrap_or(now);
        *next = Some(slot + interval);
        slot - now
    }
}

/// `updatedAt` of an interview exactly as sent (a string, or a number's text).
fn updated_at_text(raw: &Value) -> Option<String> {
    match raw.get("updatedAt")? {
        Value::String(text) => Some(text.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacing_follows_the_minute_limit_unless_the_hour_runs_out_first() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let reset = 1_000_000_000 + 1_800;
        assert_eq!(request_interval(Some(600), None, None, None, 200, now), Duration::from_millis(100));
        assert_eq!(request_interval(Some(60), Some(2_000), Some(1_500), Some(reset), 200, now), Duration::from_secs(1));
        assert_eq!(
            request_interval(Some(60), Some(2_000), Some(100), Some(reset), 200, now),
            Duration::from_secs(18),
            "100 requests left for 30 minutes"
        );
        assert_eq!(request_interval(None, None, None, None, 5, now), Duration::ZERO);
    }

    #[test]
    fn pacer_hands_out_slots_one_interval_apart() {
        let pacer = Pacer::default();
        let now = Instant::now();
        let gap = Duration::from_millis(100);
        assert_eq!(pacer.reserve(now, gap), Duration::ZERO);
        assert_eq!(pacer.reserve(now, gap), gap);
        assert_eq!(pacer.reserve(now, gap), gap * 2);
        assert_eq!(pacer.reserve(now + Duration::from_secs(5), gap), Duration::ZERO, "no debt after a pause");
    }

    #[test]
    fn progress_rate_and_time_left() {
        let progress = BulkProgress {
            total: 100,
            written: 20,
            unchanged: 5,
            failed: 5,
            bytes: 0,
            elapsed: Duration::from_secs(30),
        };
        assert_eq!(progress.done(), 30);
        assert_eq!(progress.per_minute(), Some(60.0));
        assert_eq!(progress.time_left(), Some(Duration::from_secs(70)));
        assert!((progress.fraction() - 0.3).abs() < 1e-6);
        assert_eq!(BulkProgress::default().time_left(), None);
    }

    #[test]
    fn file_names_are_stable_and_hashes_are_hex() {
        assert_eq!(
            bulk_file_name("3F6C2A1E-8B4D-4C2A-9E71-5D0B7A2F9C10"),
            "interview-3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10.json"
        );
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn a_foreign_manifest_is_refused() {
        let folder = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::read(folder.path()).unwrap(), None);
        std::fs::write(folder.path().join(MANIFEST_FILE_NAME), r#"{"name": "my-app", "version": "1.0.0"}"#).unwrap();
        let err = Manifest::read(folder.path()).unwrap_err();
        assert!(matches!(err, ManifestError::NotOurs { .. }), "{err:?}");
        assert!(err.to_string().contains("not an Interview Desk manifest"), "{err}");
    }

    #[test]
    fn a_file_in_place_of_the_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("export");
        std::fs::write(&file, "x").unwrap();
        let err = prepare_folder(&file).unwrap_err();
        assert!(matches!(err, FolderError::NotAFolder(_)), "{err:?}");
        assert!(err.to_string().contains("is a file, not a folder"), "{err}");
    }
}
