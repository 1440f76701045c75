//! The cache of downloaded call recordings, in the OS cache folder (`INTERVIEW_DESK_CACHE_DIR`
//! to choose another), so a recording is downloaded once however often it is played or saved.
//!
//! Each recording is `<interview id>-<attempt>.<ext>` with a sidecar `….json` holding its size
//! and SHA-256; a file whose size or hash no longer matches is not used (and is removed). The
//! folder is kept under a size limit by removing the least recently used recordings first.
//! Everything here does disk I/O and runs on the worker, never in a frame.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::api::recording::{Downloaded, RecordingError};
use crate::api::{ApiClient, ApiError, Interview};

/// The environment variable that moves the cache (tests, portable installs).
pub const CACHE_DIR_ENV: &str = "INTERVIEW_DESK_CACHE_DIR";

/// Default size limit of the cache: 2 GiB.
pub const DEFAULT_LIMIT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// The cache folder: [`CACHE_DIR_ENV`], else `recordings` in the OS cache folder
/// (`~/.cache/interview-desk` on Linux, `~/Library/Caches/…` on macOS, `%LOCALAPPDATA%\…\cache`
/// on Windows); `None` when the OS names none.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "interview-desk").map(|dirs| dirs.cache_dir().join("recordings"))
}

/// What the cache holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheUsage {
    /// Recordings in it.
    pub files: usize,
    /// Their size in bytes.
    pub bytes: u64,
}

/// The sidecar of a cached recording.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct Sidecar {
    bytes: u64,
    sha256: String,
    #[serde(rename = "contentType", default)]
    content_type: String,
}

/// A cache folder with a size limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordingCache {
    /// The folder.
    pub dir: PathBuf,
    /// The most bytes kept.
    pub limit_bytes: u64,
}

/// Only letters, digits and `-` from an ID, so it is a safe file name everywhere.
fn safe(id: &str) -> String {
    id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(64).collect()
}

/// The file extension a recording URL names, if it is an audio one; else `mp3`.
pub fn extension_of(url: &str) -> &'static str {
    let path = url.split(['?', '#']).next().unwrap_or_default().to_ascii_lowercase();
    ["mp3", "wav", "m4a", "ogg", "flac", "webm", "opus", "aac"]
        .into_iter()
        .find(|ext| path.ends_with(&format!(".{ext}")))
        .unwrap_or("mp3")
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::Digest as _;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

impl RecordingCache {
    /// The cache in [`default_dir`] with [`DEFAULT_LIMIT_BYTES`]; `None` without a cache folder.
    pub fn default_cache() -> Option<Self> {
        default_dir().map(|dir| Self { dir, limit_bytes: DEFAULT_LIMIT_BYTES })
    }

    fn path_of(&self, interview_id: &str, attempt: usize, extension: &str) -> PathBuf {
        self.dir.join(format!("{}-{}.{extension}", safe(interview_id), attempt + 1))
    }

    /// The name of a recording: the interview and attempt, and (for a download) a short hash of
    /// its address without the query (a signed URL's query changes on every fetch, the
    /// recording does not), so another server's or a replaced recording is never mistaken for it.
    fn key(interview_id: &str, url: &str) -> String {
        use sha2::Digest as _;
        let stable = url.split(['?', '#']).next().unwrap_or_default();
        let digest = sha2::Sha256::digest(stable.as_bytes());
        let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
        format!("{}-{short}", safe(interview_id))
    }

    fn sidecar_of(path: &Path) -> PathBuf {
        path.with_extension(format!("{}.json", path.extension().and_then(|e| e.to_str()).unwrap_or_default()))
    }

    /// The cached recording of call attempt `attempt` (0-based) of an interview, if it is there
    /// whole: its size and SHA-256 match its sidecar. A damaged one is removed. Using it marks it
    /// recently used.
    pub fn get(&self, interview_id: &str, attempt: usize, extension: &str) -> Option<PathBuf> {
        let path = self.path_of(interview_id, attempt, extension);
        let sidecar = Self::sidecar_of(&path);
        let expected: Sidecar = serde_json::from_slice(&std::fs::read(&sidecar).ok()?).ok()?;
        let whole = std::fs::metadata(&path).is_ok_and(|m| m.len() == expected.bytes)
            && sha256_file(&path).is_ok_and(|hash| hash == expected.sha256);
        if !whole {
            tracing::warn!("the cached recording {} is damaged; it will be downloaded again", path.display());
            std::fs::remove_file(&path).ok();
            std::fs::remove_file(&sidecar).ok();
            return None;
        }
        if let Ok(file) = std::fs::File::options().append(true).open(&path) {
            file.set_modified(SystemTime::now()).ok();
        }
        Some(path)
    }

    /// The recording of call attempt `attempt` of an interview, from the cache or downloaded
    /// into it (then the cache is trimmed to its limit).
    ///
    /// # Errors
    /// The download's [`RecordingError`]; [`RecordingError::Write`] when the cache folder cannot
    /// be written.
    pub async fn fetch(
        &self,
        client: &ApiClient,
        interview_id: &str,
        attempt: usize,
        url: &str,
        progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
        cancelled: &(dyn Fn() -> bool + Send + Sync),
    ) -> Result<PathBuf, RecordingError> {
        let extension = extension_of(url);
        let key = Self::key(interview_id, url);
        if let Some(path) = self.get(&key, attempt, extension) {
            return Ok(path);
        }
        let path = self.path_of(&key, attempt, extension);
        std::fs::create_dir_all(&self.dir).map_err(|err| RecordingError::Write {
            path: self.dir.clone(),
            reason: crate::export::describe_io_error(&err),
        })?;
        let Downloaded { bytes, content_type, .. } = client.download_recording(url, &path, progress, cancelled).await?;
        let sha256 = sha256_file(&path).map_err(|err| RecordingError::Write {
            path: path.clone(),
            reason: crate::export::describe_io_error(&err),
        })?;
        let sidecar = serde_json::to_vec(&Sidecar { bytes, sha256, content_type }).unwrap_or_default();
        crate::export::write_atomically(&Self::sidecar_of(&path), &sidecar)
            .map_err(|err| RecordingError::Write { path: path.clone(), reason: err.to_string() })?;
        self.trim(Some(&path));
        Ok(path)
    }

    /// The recordings in the cache (sidecars and leftovers not counted).
    pub fn usage(&self) -> CacheUsage {
        self.recordings().iter().fold(CacheUsage::default(), |usage, (_, bytes, _)| CacheUsage {
            files: usage.files + 1,
            bytes: usage.bytes + bytes,
        })
    }

    /// Every recording: its path, size and last use.
    fn recordings(&self) -> Vec<(PathBuf, u64, SystemTime)> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        entries
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                !name.ends_with(".json") && !name.starts_with('.')
            })
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                meta.is_file().then(|| (e.path(), meta.len(), meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)))
            })
            .collect()
    }

    /// Removes the least recently used recordings until the cache fits its limit, never `keep`.
    fn trim(&self, keep: Option<&Path>) {
        let mut recordings = self.recordings();
        recordings.sort_by_key(|(_, _, used)| *used);
        let mut total: u64 = recordings.iter().map(|(_, bytes, _)| bytes).sum();
        for (path, bytes, _) in recordings {
            if total <= self.limit_bytes {
                break;
            }
            if Some(path.as_path()) == keep {
                continue;
            }
            if std::fs::remove_file(&path).is_ok() {
                std::fs::remove_file(Self::sidecar_of(&path)).ok();
                total = total.saturating_sub(bytes);
            }
        }
    }

    /// Removes every cached recording; returns what was removed.
    ///
    /// # Errors
    /// The first file that could not be removed (the others are still removed).
    pub fn clear(&self) -> Result<CacheUsage, std::io::Error> {
        let mut removed = CacheUsage::default();
        let mut first_error = None;
        for (path, bytes, _) in self.recordings() {
            match std::fs::remove_file(&path) {
                Ok(()) => {
                    std::fs::remove_file(Self::sidecar_of(&path)).ok();
                    removed.files += 1;
                    removed.bytes += bytes;
                }
                Err(err) => {
                    first_error.get_or_insert(err);
                }
            }
        }
        match first_error {
            Some(err) => Err(err),
            None => Ok(removed),
        }
    }
}

/// Why [`save_recording`] saved nothing.
#[derive(Debug, thiserror::Error)]
pub enum SaveRecordingError {
    /// The interview could not be fetched.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The interview has no recording where it was asked for (the message says which).
    #[error("{0}")]
    NoRecording(String),
    /// The download failed; `renewed` when the link had already been renewed once.
    #[error("{error}{}", if *renewed { " (also after fetching the interview again for a fresh link)" } else { "" })]
    Download {
        /// What went wrong.
        error: RecordingError,
        /// Whether the interview had been fetched again for a fresh link.
        renewed: bool,
    },
}

/// Which recording of an interview to save: its call attempt (0-based) and URL, or why there
/// is none.
pub type PickRecording<'a> = &'a (dyn Fn(&Interview) -> Result<(usize, String), String> + Send + Sync);

/// The call attempt and URL of the recording `pick` names, from the interview fetched now.
async fn picked(
    client: &ApiClient,
    interview_id: &str,
    pick: PickRecording<'_>,
) -> Result<(usize, String), SaveRecordingError> {
    let record = client.get_interview(interview_id).await?;
    pick(&record.interview).map_err(SaveRecordingError::NoRecording)
}

/// The outcome of a download, or `None` to fetch the interview again once for a fresh link
/// (the one used had expired).
fn settle(fetched: Result<PathBuf, RecordingError>, renewed: &mut bool) -> Option<Result<PathBuf, SaveRecordingError>> {
    match fetched {
        Ok(path) => Some(Ok(path)),
        Err(error) if error.is_expired() && !*renewed => {
            *renewed = true;
            tracing::info!("the recording link expired; fetching the interview again for a fresh one");
            None
        }
        Err(error) => Some(Err(SaveRecordingError::Download { error, renewed: *renewed })),
    }
}

/// Fetches the interview, takes the recording `pick` names and saves it to `out`: through the
/// cache when there is one (falling back to a direct download when the cache folder cannot be
/// written), else downloaded straight there. An expired link is renewed once by fetching the
/// interview again. The command line's `recording` and the window's *Save…* both call this.
///
/// # Errors
/// [`SaveRecordingError`]: the interview fetch, no recording, or the download.
pub async fn save_recording(
    client: &ApiClient,
    interview_id: &str,
    pick: PickRecording<'_>,
    out: &Path,
    cache: Option<&RecordingCache>,
    progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
    cancelled: &(dyn Fn() -> bool + Send + Sync),
) -> Result<PathBuf, SaveRecordingError> {
    let mut renewed = false;
    loop {
        let (index, url) = picked(client, interview_id, pick).await?;
        let cached = match cache {
            Some(cache) => Some(cache.fetch(client, interview_id, index, &url, progress, cancelled).await),
            None => None,
        };
        let fetched = match cached {
            Some(Ok(cached)) => copy_atomically(&cached, out).await.map(|()| out.to_owned()),
            // A cache that cannot be written is no reason to fail: download straight there.
            Some(Err(RecordingError::Write { path, reason })) if !path.starts_with(out) => {
                tracing::warn!(
                    "the recordings cache cannot be used ({}: {reason}); downloading without it",
                    path.display()
                );
                client.download_recording(&url, out, progress, cancelled).await.map(|done| done.path)
            }
            Some(Err(err)) => Err(err),
            None => client.download_recording(&url, out, progress, cancelled).await.map(|done| done.path),
        };
        if let Some(done) = settle(fetched, &mut renewed) {
            return done;
        }
    }
}

/// A copy of the recording `pick` names on this computer, to play: the cached one (downloaded
/// into the cache first if needed), or, without a usable cache, a download into `scratch` (a
/// folder of this run's). An expired link is renewed once as in [`save_recording`].
///
/// # Errors
/// [`SaveRecordingError`]: the interview fetch, no recording, or the download.
pub async fn playable_recording(
    client: &ApiClient,
    interview_id: &str,
    pick: PickRecording<'_>,
    cache: Option<&RecordingCache>,
    scratch: &Path,
    progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
    cancelled: &(dyn Fn() -> bool + Send + Sync),
) -> Result<PathBuf, SaveRecordingError> {
    let mut renewed = false;
    loop {
        let (index, url) = picked(client, interview_id, pick).await?;
        let cached = match cache {
            Some(cache) => Some(cache.fetch(client, interview_id, index, &url, progress, cancelled).await),
            None => None,
        };
        let fetched = match cached {
            Some(Err(RecordingError::Write { path, reason })) => {
                tracing::warn!(
                    "the recordings cache cannot be used ({}: {reason}); downloading without it",
                    path.display()
                );
                download_into(client, interview_id, index, &url, scratch, progress, cancelled).await
            }
            Some(other) => other,
            None => download_into(client, interview_id, index, &url, scratch, progress, cancelled).await,
        };
        if let Some(done) = settle(fetched, &mut renewed) {
            return done;
        }
    }
}

/// Downloads a recording into the folder `scratch` (made if needed), named by its interview
/// and call attempt.
async fn download_into(
    client: &ApiClient,
    interview_id: &str,
    index: usize,
    url: &str,
    scratch: &Path,
    progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
    cancelled: &(dyn Fn() -> bool + Send + Sync),
) -> Result<PathBuf, RecordingError> {
    std::fs::create_dir_all(scratch).map_err(|err| RecordingError::Write {
        path: scratch.to_owned(),
        reason: crate::export::describe_io_error(&err),
    })?;
    let out = scratch.join(format!("{}-{}.{}", safe(interview_id), index + 1, extension_of(url)));
    client.download_recording(url, &out, progress, cancelled).await.map(|done| done.path)
}

/// Copies `from` (a cached recording) to `target` atomically: a temporary file beside the
/// target, synced, then renamed; on a blocking thread.
///
/// # Errors
/// [`RecordingError::Write`] naming the target.
pub async fn copy_atomically(from: &Path, target: &Path) -> Result<(), RecordingError> {
    let (from, target) = (from.to_owned(), target.to_owned());
    let error_target = target.clone();
    let copied = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut temporary = tempfile::Builder::new().prefix(".interview-desk-").suffix(".part").tempfile_in(folder)?;
        std::io::copy(&mut std::fs::File::open(&from)?, temporary.as_file_mut())?;
        temporary.as_file().sync_all()?;
        temporary.persist(&target).map_err(|err| err.error)?;
        Ok(())
    })
    .await;
    match copied {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => {
            Err(RecordingError::Write { path: error_target, reason: crate::export::describe_io_error(&err) })
        }
        Err(err) => Err(RecordingError::Write { path: error_target, reason: err.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(limit_bytes: u64) -> (tempfile::TempDir, RecordingCache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = RecordingCache { dir: dir.path().join("recordings"), limit_bytes };
        std::fs::create_dir_all(&cache.dir).unwrap();
        (dir, cache)
    }

    /// Puts `bytes` in the cache as a download would.
    fn put(cache: &RecordingCache, id: &str, bytes: &[u8]) -> PathBuf {
        let path = cache.path_of(id, 0, "mp3");
        std::fs::write(&path, bytes).unwrap();
        let sidecar =
            Sidecar { bytes: bytes.len() as u64, sha256: sha256_file(&path).unwrap(), content_type: String::new() };
        std::fs::write(RecordingCache::sidecar_of(&path), serde_json::to_vec(&sidecar).unwrap()).unwrap();
        path
    }

    #[test]
    fn a_cached_recording_is_checked_before_reuse() {
        let (_dir, cache) = cache(1_000);
        let path = put(&cache, "iv-1", b"ID3 audio");
        assert_eq!(cache.get("iv-1", 0, "mp3"), Some(path.clone()));
        std::fs::write(&path, b"ID3 AUDIO").unwrap();
        assert_eq!(cache.get("iv-1", 0, "mp3"), None, "same size, other bytes: not used");
        assert!(!path.exists(), "and removed");
        assert_eq!(cache.get("iv-2", 0, "mp3"), None);
    }

    #[test]
    fn the_least_recently_used_go_first_and_clear_removes_all() {
        let (_dir, cache) = cache(25);
        let old = put(&cache, "old", &[1; 10]);
        let used = put(&cache, "used", &[2; 10]);
        let ancient = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        for path in [&old, &used] {
            std::fs::File::options().append(true).open(path).unwrap().set_modified(ancient).unwrap();
        }
        assert!(cache.get("used", 0, "mp3").is_some(), "using it makes it recent");
        let new = put(&cache, "new", &[3; 10]);
        cache.trim(Some(&new));
        assert!(!old.exists() && used.exists() && new.exists());
        assert_eq!(cache.usage(), CacheUsage { files: 2, bytes: 20 });
        assert_eq!(cache.clear().unwrap(), CacheUsage { files: 2, bytes: 20 });
        assert_eq!(cache.usage(), CacheUsage::default());
    }

    #[test]
    fn extensions_come_from_the_url_path() {
        assert_eq!(extension_of("https://cdn/x/call.WAV?sig=a.mp3"), "wav");
        assert_eq!(extension_of("https://cdn/x/recording"), "mp3");
        assert_eq!(extension_of("https://cdn/x/a.m4a#t=3"), "m4a");
    }
}
