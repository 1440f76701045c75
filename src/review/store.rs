//! The review folder: `<folder>/<reviewer>/<interview ID>.json`, one file per interview per
//! reviewer. Every member of a panel writes only into their own subfolder, so a folder shared
//! through OneDrive, Dropbox, Google Drive or a network drive has no write conflicts by design;
//! the others' subfolders are read-only to this app.
//!
//! Everything here blocks on the disk (a cloud placeholder can block for a long time while it
//! downloads): the window calls it on the worker, with a timeout, never on the UI thread.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::format::{FormatError, Review};
use crate::export::{WriteError, write_atomically};

/// Environment variable naming the review folder instead of the one in the settings or the
/// default.
pub const REVIEW_DIR_ENV: &str = "INTERVIEW_DESK_REVIEW_DIR";

/// The review folder when the settings name none: `reviews` (the demo: `demo-reviews`) in
/// [`crate::profiles::CONFIG_DIR_ENV`] if set, else in the OS data folder
/// (`~/.local/share/interview-desk` on Linux, `~/Library/Application Support/interview-desk`
/// on macOS, `%APPDATA%\interview-desk\data` on Windows). `None` when the OS names no home.
pub fn default_folder(demo: bool) -> Option<PathBuf> {
    let name = if demo { "demo-reviews" } else { "reviews" };
    let dir = match std::env::var_os(crate::profiles::CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => directories::ProjectDirs::from("", "", "interview-desk")?.data_dir().to_owned(),
    };
    Some(dir.join(name))
}

/// The review folder to use: [`REVIEW_DIR_ENV`], else `configured` (Settings → Review folder),
/// else [`default_folder`].
pub fn folder_to_use(configured: Option<&Path>, demo: bool) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(REVIEW_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    configured.map(Path::to_owned).or_else(|| default_folder(demo))
}

/// The reviewer's name when the settings give none: the OS user name (`USER`, `USERNAME`,
/// `LOGNAME`, else the home folder's name), else "Reviewer".
pub fn os_user_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()))
        .or_else(|| {
            // Without those variables (a service, `sudo -i`), the home folder is named after the user.
            let home = directories::BaseDirs::new()?.home_dir().to_owned();
            home.file_name().map(|n| n.to_string_lossy().into_owned()).filter(|n| !n.is_empty())
        })
        .unwrap_or_else(|| "Reviewer".to_owned())
}

/// A file or folder name for `text` that every OS accepts, different for different texts:
/// letters (of any script), digits, spaces, `-` and `_` are kept; any other character, a
/// leading or trailing space or dot, and the first letter of a name Windows reserves (`CON`,
/// `NUL`, `COM1`, ...) are written as `%` and their UTF-8 bytes in hex (`a/b` → `a%2Fb`). At
/// most 100 characters are kept before a `~` and a hash of the whole text. Never empty.
pub fn file_key(text: &str) -> String {
    let text = text.trim_matches(|c: char| c.is_whitespace() && c != ' ');
    let count = text.chars().count();
    let mut key = String::new();
    for (index, c) in text.chars().enumerate() {
        let edge = index == 0 || index + 1 == count;
        let plain = c.is_alphanumeric() || matches!(c, '-' | '_') || (c == ' ' && !edge) || (c == '.' && !edge);
        if plain {
            key.push(c);
        } else {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                key.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    let stem = key.split('.').next().unwrap_or_default().to_ascii_uppercase();
    let reserved = ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
        || (stem.len() == 4 && (stem.starts_with("COM") || stem.starts_with("LPT")));
    if reserved && let Some(first) = key.chars().next() {
        key.replace_range(..first.len_utf8(), &format!("%{:02X}", first as u32));
    }
    if key.is_empty() {
        return "%00".to_owned();
    }
    if key.chars().count() > 100 {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(text.as_bytes());
        let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
        let head: String = key.chars().take(100).collect();
        return format!("{head}~{short}");
    }
    key
}

/// A review folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewFolder {
    /// The folder that holds one subfolder per reviewer.
    pub root: PathBuf,
}

/// Why a review file could not be read or written. `Display` names the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file (or folder) exists but could not be read.
    #[error("could not read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS's reason.
        source: std::io::Error,
    },
    /// The file was read but is not a valid review.
    #[error("{}: {source}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: FormatError,
    },
    /// The file is in a newer format than this build writes: it is shown, never overwritten.
    #[error("{} was written by a newer version of Interview Desk (format {version}); it is shown read-only", path.display())]
    NewerFormat {
        /// The file.
        path: PathBuf,
        /// Its format version.
        version: u64,
    },
    /// The file changed since this app read or wrote it (the same reviewer on another
    /// machine): nothing was written. `theirs` is what is on disk now.
    #[error("{} was changed elsewhere since it was loaded", path.display())]
    Conflict {
        /// The file.
        path: PathBuf,
        /// The review on disk.
        theirs: Box<Review>,
    },
    /// The reviewer's subfolder could not be created.
    #[error("could not create the folder {}: {source}", path.display())]
    CreateFolder {
        /// The folder.
        path: PathBuf,
        /// The OS's reason.
        source: std::io::Error,
    },
    /// The file could not be written (disk full, read-only, held open by another program).
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The file is a cloud placeholder not downloaded yet (iCloud's `.<name>.icloud`): it is
    /// neither read nor replaced, so the real file cannot clash with a new one.
    #[error("{} is in the cloud and not downloaded yet; open it in Finder (or wait for the sync) and try again", path.display())]
    NotDownloaded {
        /// The file.
        path: PathBuf,
    },
    /// The disk did not answer in time: a cloud file still downloading, or a network drive
    /// that is gone. The read or write may still finish later.
    #[error("{} did not answer within {seconds} s (a cloud file still downloading, or a network drive that is not reachable)", path.display())]
    TimedOut {
        /// The file or folder.
        path: PathBuf,
        /// How long was waited, in seconds.
        seconds: u64,
    },
}

/// How a save treats a file that changed on disk or cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveMode {
    /// Write only when the file on disk is the revision this app last read or wrote.
    IfUnchanged,
    /// Replace whatever is there ("Keep mine"); an unreadable file is first renamed aside to
    /// `<name>.unreadable`, so nothing is lost.
    Replace,
}

impl ReviewFolder {
    /// The review folder at `root` (nothing is created until a save).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The subfolder of `reviewer`.
    pub fn reviewer_folder(&self, reviewer: &str) -> PathBuf {
        self.root.join(file_key(reviewer))
    }

    /// The file of `reviewer`'s review of `interview_id`.
    pub fn path_of(&self, reviewer: &str, interview_id: &str) -> PathBuf {
        self.reviewer_folder(reviewer).join(format!("{}.json", file_key(interview_id)))
    }

    /// Reads `reviewer`'s review of `interview_id`; `Ok(None)` when there is none yet.
    ///
    /// # Errors
    /// [`StoreError::Read`] or [`StoreError::Format`] when the file exists but cannot be used.
    pub fn load(&self, reviewer: &str, interview_id: &str) -> Result<Option<Review>, StoreError> {
        let path = self.path_of(reviewer, interview_id);
        let found = read_review(&path)?;
        if found.is_none() && placeholder_of(&path).exists() {
            return Err(StoreError::NotDownloaded { path });
        }
        match found {
            Some(review) if !review.interview_id.eq_ignore_ascii_case(interview_id) => Err(StoreError::Format {
                path,
                source: FormatError::Invalid(format!(
                    "it is a review of interview {}, not of this one",
                    review.interview_id
                )),
            }),
            Some(review) if review.reviewer != reviewer => Err(StoreError::Format {
                path,
                source: FormatError::Invalid(format!("it is {}'s review, not {reviewer}'s", review.reviewer)),
            }),
            found => Ok(found),
        }
    }

    /// Writes `review` as its next revision and returns what was written (`revision` one more
    /// than the file's). `base` is the revision this app last read or wrote (`0`: none).
    ///
    /// # Errors
    /// - [`StoreError::Conflict`] when the file's revision is not `base` (and its content
    ///   differs), with [`SaveMode::IfUnchanged`].
    /// - [`StoreError::Format`]/[`StoreError::Read`] when the file on disk cannot be read, with
    ///   [`SaveMode::IfUnchanged`]: an unreadable file is never overwritten silently.
    /// - [`StoreError::NewerFormat`] when the file on disk (or `review`) is in a newer format.
    /// - [`StoreError::CreateFolder`] or [`StoreError::Write`] when the disk refuses.
    pub fn save(&self, review: &Review, base: u64, mode: SaveMode) -> Result<Review, StoreError> {
        let path = self.path_of(&review.reviewer, &review.interview_id);
        if review.is_newer_format() {
            return Err(StoreError::NewerFormat { path, version: review.version });
        }
        if !path.exists() && placeholder_of(&path).exists() {
            return Err(StoreError::NotDownloaded { path });
        }
        let on_disk = match self.load(&review.reviewer, &review.interview_id) {
            Ok(found) => found,
            Err(StoreError::NewerFormat { path, version }) => return Err(StoreError::NewerFormat { path, version }),
            Err(err) if mode == SaveMode::IfUnchanged => return Err(err),
            Err(_) => {
                let aside = path.with_extension("json.unreadable");
                std::fs::rename(&path, &aside).map_err(|source| StoreError::Read { path: path.clone(), source })?;
                None
            }
        };
        if let Some(newer) = on_disk.as_ref().filter(|r| r.is_newer_format()) {
            return Err(StoreError::NewerFormat { path, version: newer.version });
        }
        let disk_revision = on_disk.as_ref().map_or(0, |r| r.revision);
        if mode == SaveMode::IfUnchanged
            && let Some(theirs) = on_disk
            && theirs.revision != base
            && !theirs.same_content(review)
        {
            return Err(StoreError::Conflict { path, theirs: Box::new(theirs) });
        }
        let mut written = review.clone();
        written.revision = disk_revision.max(base) + 1;
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .map_err(|source| StoreError::CreateFolder { path: folder.to_owned(), source })?;
        }
        write_atomically(&path, written.to_json().as_bytes())?;
        Ok(written)
    }

    /// Reads every review in the folder: `me`'s and the other reviewers'. Files unchanged since
    /// the last scan (same size and modification time) are taken from `cache`.
    pub fn scan(&self, me: &str, cache: &mut ScanCache) -> Scan {
        let mut scan = Scan::default();
        let my_key = file_key(me);
        let reviewers = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                scan.folder_missing = true;
                return scan;
            }
            Err(err) => {
                scan.folder_error = Some(format!("could not read the review folder {}: {err}", self.root.display()));
                return scan;
            }
        };
        let mut seen = Vec::new();
        for reviewer in reviewers.flatten() {
            let folder = reviewer.path();
            if !folder.is_dir() {
                continue;
            }
            let mine = reviewer.file_name().to_string_lossy() == my_key;
            let Ok(files) = std::fs::read_dir(&folder) else {
                scan.problems
                    .push(FolderProblem { path: folder, kind: ProblemKind::Unreadable("cannot list it".into()) });
                continue;
            };
            for file in files.flatten() {
                let path = file.path();
                let name = file.file_name().to_string_lossy().into_owned();
                if let Some(original) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".icloud")) {
                    // iCloud lists an evicted file as `.<name>.icloud` until it is downloaded.
                    let kind = ProblemKind::NotDownloaded(original.to_owned());
                    scan.problems.push(FolderProblem { path, kind });
                    continue;
                }
                if name.starts_with('.') || !name.ends_with(".json") {
                    continue;
                }
                seen.push(path.clone());
                let stamp = file.metadata().ok().map(|m| (m.len(), m.modified().ok()));
                let read = match (stamp, cache.files.get(&path)) {
                    (Some(stamp), Some((cached, result))) if *cached == stamp => result.clone(),
                    _ => {
                        let result = read_review(&path).map_err(|err| err.to_string());
                        if let Some(stamp) = stamp {
                            cache.files.insert(path.clone(), (stamp, result.clone()));
                        }
                        result
                    }
                };
                match read {
                    Ok(Some(review)) => {
                        let canonical = format!("{}.json", file_key(&review.interview_id));
                        if name == canonical {
                            scan.reviews.push(ScannedReview { path, mine, review });
                        } else {
                            // A sync client's conflict copy ("… (conflicted copy).json",
                            // "….sync-conflict-….json", "…-LAPTOP.json") or a renamed file.
                            let kind = ProblemKind::ConflictCopy { interview_id: review.interview_id.clone(), mine };
                            scan.copies.push(ScannedReview { path: path.clone(), mine, review });
                            scan.problems.push(FolderProblem { path, kind });
                        }
                    }
                    Ok(None) => {}
                    Err(reason) => scan.problems.push(FolderProblem { path, kind: ProblemKind::Unreadable(reason) }),
                }
            }
        }
        cache.files.retain(|path, _| seen.contains(path));
        scan.reviews.sort_by(|a, b| a.path.cmp(&b.path));
        scan
    }
}

/// What [`ReviewFolder::scan`] remembers between scans: each file's size, modification time
/// and what reading it gave.
#[derive(Debug, Default)]
pub struct ScanCache {
    files: HashMap<PathBuf, CachedFile>,
}

/// A file's size and modification time, and what reading it gave.
type CachedFile = ((u64, Option<SystemTime>), Result<Option<Review>, String>);

/// One review found by a scan.
#[derive(Clone, Debug, PartialEq)]
pub struct ScannedReview {
    /// Its file.
    pub path: PathBuf,
    /// It is in the subfolder of the reviewer using this app.
    pub mine: bool,
    /// What it says.
    pub review: Review,
}

/// What a scan of the review folder found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scan {
    /// Every readable review under its own name, sorted by path.
    pub reviews: Vec<ScannedReview>,
    /// Readable reviews under another name: conflict copies made by sync clients.
    pub copies: Vec<ScannedReview>,
    /// Files that could not be used (each is also reported, never fatal).
    pub problems: Vec<FolderProblem>,
    /// The folder itself could not be read (an unplugged network drive).
    pub folder_error: Option<String>,
    /// The folder does not exist (not yet: nothing was saved; or no more: a drive is gone).
    pub folder_missing: bool,
}

/// A file in the review folder that was not read as a review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FolderProblem {
    /// The file.
    pub path: PathBuf,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a file in the review folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// It could not be read, or is not a valid review; the reason.
    Unreadable(String),
    /// A cloud placeholder (iCloud's `.<name>.icloud`) of the file `<name>`, not downloaded yet.
    NotDownloaded(String),
    /// A second copy of a review (a sync client's conflict copy).
    ConflictCopy {
        /// The interview it reviews.
        interview_id: String,
        /// It is in this reviewer's own subfolder (and so offered for merging).
        mine: bool,
    },
}

impl std::fmt::Display for FolderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name =
            self.path.file_name().map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into());
        match &self.kind {
            ProblemKind::Unreadable(reason) => write!(f, "{reason}"),
            ProblemKind::NotDownloaded(original) => {
                write!(f, "{original} is in the cloud and not downloaded yet ({})", self.path.display())
            }
            ProblemKind::ConflictCopy { .. } => {
                write!(f, "{name} is a second copy of a review (a sync conflict copy) in {}", self.path.display())
            }
        }
    }
}

/// iCloud's placeholder of `path` while it is not downloaded: `.<name>.icloud` beside it.
fn placeholder_of(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.icloud"))
}

/// Reads one review file; `Ok(None)` when it does not exist.
fn read_review(path: &Path) -> Result<Option<Review>, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(StoreError::Read { path: path.to_owned(), source }),
    };
    let text = String::from_utf8_lossy(&bytes);
    let review = Review::from_json(&text).map_err(|source| StoreError::Format { path: path.to_owned(), source })?;
    Ok(Some(review))
}

#[cfg(test)]
mod tests {
    use super::super::format::{Decision, Stamped};
    use super::*;

    fn now() -> jiff::Timestamp {
        "2026-12-02T09:00:00Z".parse().unwrap()
    }

    #[test]
    fn names_are_safe_on_every_os_and_different_for_different_names() {
        assert_eq!(file_key("Jana Nováková"), "Jana Nováková");
        assert_eq!(file_key("李明"), "李明");
        assert_eq!(file_key("a/b\\c:d*?"), "a%2Fb%5Cc%3Ad%2A%3F");
        assert_eq!(file_key("CON"), "%43ON");
        assert_eq!(file_key("..hidden"), "%2E.hidden");
        assert_eq!(file_key(""), "%00");
        assert_eq!(file_key("name."), "name%2E");
        let names = ["Eva Kováč", "Eva-Kováč", "a/b", "a\\b", "a_b", ".", "..", "Jana ", "Jana", "x%2Fy", "x/y"];
        let keys: std::collections::HashSet<String> = names.iter().map(|n| file_key(n)).collect();
        assert_eq!(keys.len(), names.len(), "no two names share a folder: {keys:?}");
        let long = "x".repeat(300);
        assert!(file_key(&long).chars().count() < 120 && file_key(&long) != file_key(&format!("{long}y")));
    }

    #[test]
    fn saves_count_revisions_and_a_change_elsewhere_is_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let folder = ReviewFolder::new(dir.path());
        let mut review = Review::new("iv-1", "Jana", now());
        review.notes = "first".into();
        let first = folder.save(&review, 0, SaveMode::IfUnchanged).unwrap();
        assert_eq!(first.revision, 1);
        assert_eq!(folder.load("Jana", "iv-1").unwrap().unwrap(), first);

        // The same reviewer on another machine saves revision 2 meanwhile.
        let mut elsewhere = first.clone();
        elsewhere.notes = "from the laptop".into();
        let second = folder.save(&elsewhere, 1, SaveMode::IfUnchanged).unwrap();
        assert_eq!(second.revision, 2);

        let mut mine = first.clone();
        mine.notes = "from the desktop".into();
        let Err(StoreError::Conflict { theirs, .. }) = folder.save(&mine, 1, SaveMode::IfUnchanged) else {
            panic!("a stale base must not overwrite");
        };
        assert_eq!(theirs.notes, "from the laptop");
        assert_eq!(folder.load("Jana", "iv-1").unwrap().unwrap().notes, "from the laptop", "nothing written");
        let kept = folder.save(&mine, 1, SaveMode::Replace).unwrap();
        assert_eq!((kept.revision, kept.notes.as_str()), (3, "from the desktop"), "Keep mine");
    }

    #[test]
    fn an_unreadable_file_is_never_overwritten_silently_and_keep_mine_moves_it_aside() {
        let dir = tempfile::tempdir().unwrap();
        let folder = ReviewFolder::new(dir.path());
        let path = folder.path_of("Jana", "iv-1");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "{\"format\":\"interview-desk/review\",\"vers").unwrap();
        let review = Review::new("iv-1", "Jana", now());
        let err = folder.save(&review, 0, SaveMode::IfUnchanged).unwrap_err();
        assert!(matches!(err, StoreError::Format { .. }), "{err:?}");
        assert!(err.to_string().contains("iv-1.json"), "names the file: {err}");
        folder.save(&review, 0, SaveMode::Replace).unwrap();
        let aside = std::fs::read_to_string(path.with_extension("json.unreadable")).unwrap();
        assert!(aside.ends_with("\"vers"), "the damaged file is kept beside");
    }

    #[test]
    fn a_file_of_another_interview_or_reviewer_a_placeholder_or_a_newer_format_is_never_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let folder = ReviewFolder::new(dir.path());
        let mut b = Review::new("iv-b", "Jana", now());
        b.notes = "B's own review".into();
        folder.save(&b, 0, SaveMode::IfUnchanged).unwrap();
        // A copy of B's review under A's name (a sync client, a hand copy).
        std::fs::copy(folder.path_of("Jana", "iv-b"), folder.path_of("Jana", "iv-a")).unwrap();
        let err = folder.load("Jana", "iv-a").unwrap_err();
        assert!(err.to_string().contains("a review of interview iv-b"), "{err}");
        let a = Review::new("iv-a", "Jana", now());
        assert!(folder.save(&a, 0, SaveMode::IfUnchanged).is_err());
        assert_eq!(folder.load("Jana", "iv-b").unwrap().unwrap().notes, "B's own review", "B is untouched");

        let placeholder = folder.reviewer_folder("Jana").join(".iv-c.json.icloud");
        std::fs::write(&placeholder, b"bplist").unwrap();
        assert!(matches!(folder.load("Jana", "iv-c"), Err(StoreError::NotDownloaded { .. })));
        let c = Review::new("iv-c", "Jana", now());
        assert!(matches!(folder.save(&c, 0, SaveMode::Replace), Err(StoreError::NotDownloaded { .. })));
        assert!(!folder.path_of("Jana", "iv-c").exists(), "no file to clash with the real one");

        let mut newer = Review::new("iv-d", "Jana", now());
        newer.version = 9;
        let path = folder.path_of("Jana", "iv-d");
        std::fs::write(&path, newer.to_json()).unwrap();
        let d = Review::new("iv-d", "Jana", now());
        assert!(matches!(folder.save(&d, 0, SaveMode::Replace), Err(StoreError::NewerFormat { version: 9, .. })));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), newer.to_json());
    }

    #[test]
    fn a_scan_reads_every_reviewer_and_reports_copies_placeholders_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let folder = ReviewFolder::new(dir.path());
        let mut mine = Review::new("iv-1", "Jana", now());
        mine.decision = Some(Stamped { value: Decision::Advance, at: now() });
        folder.save(&mine, 0, SaveMode::IfUnchanged).unwrap();
        let mut other = Review::new("iv-1", "Petr", now());
        other.decision = Some(Stamped { value: Decision::Reject, at: now() });
        let other = folder.save(&other, 0, SaveMode::IfUnchanged).unwrap();
        let jana = folder.reviewer_folder("Jana");
        std::fs::write(jana.join("iv-1 (Jana's conflicted copy 2026-12-01).json"), other.to_json()).unwrap();
        std::fs::write(jana.join(".iv-2.json.icloud"), b"bplist").unwrap();
        std::fs::write(jana.join("iv-3.json"), b"{ half").unwrap();
        std::fs::write(jana.join("notes.txt"), b"not a review").unwrap();

        let mut cache = ScanCache::default();
        let scan = folder.scan("Jana", &mut cache);
        assert_eq!(scan.reviews.len(), 2);
        assert!(scan.reviews.iter().any(|r| r.mine && r.review.decision() == Some(Decision::Advance)));
        assert!(scan.reviews.iter().any(|r| !r.mine && r.review.reviewer == "Petr"));
        assert_eq!(scan.copies.len(), 1);
        let kinds: Vec<_> = scan.problems.iter().map(|p| &p.kind).collect();
        assert!(kinds.contains(&&ProblemKind::NotDownloaded("iv-2.json".into())), "{kinds:?}");
        assert!(kinds.iter().any(|k| matches!(k, ProblemKind::Unreadable(r) if r.contains("iv-3.json"))), "{kinds:?}");
        assert!(kinds.iter().any(|k| matches!(k, ProblemKind::ConflictCopy { mine: true, .. })));
        assert_eq!(folder.scan("Jana", &mut cache), scan, "a second scan from the cache sees the same");
        let gone = ReviewFolder::new(dir.path().join("gone")).scan("Jana", &mut cache);
        assert!(gone.reviews.is_empty() && gone.folder_missing);
    }
}
