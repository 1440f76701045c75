//! The export document (format `interview-desk.interview`, version 2; `docs/export.schema.json`),
//! default file names that are valid on every OS, and atomic writes; [`bulk`] exports many
//! interviews into one folder, [`table`] writes one row per interview for spreadsheets and ATS
//! imports.

pub mod bulk;
pub mod report;
pub mod table;
pub mod transcript_file;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::api::transcript::INTERVIEW_KEYS;
use crate::api::{Interview, InterviewRecord};

/// `format` of the export document.
pub const EXPORT_FORMAT: &str = "interview-desk.interview";

/// `version` of the export document. Version 2 added `reviews` (the reviewers' evaluations) and
/// `gdprExpiryDate`; everything of version 1 is unchanged.
pub const EXPORT_VERSION: u32 = 2;

/// Where the interview came from; written to the document's `source` (no key, ever).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportSource {
    /// `source.baseUrl`: the API base URL.
    pub base_url: String,
    /// `source.companyId`: the ATS company ID, or `null`.
    pub company_id: Option<String>,
}

/// The candidate, agent and job records behind an interview's IDs, as the server sent them;
/// `None` where there is no ID or the lookup failed (exported as `null`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RelatedRecords {
    /// `GET /candidates/{candidateId}`.
    pub candidate: Option<Value>,
    /// `GET /agents/{agentId}`.
    pub agent: Option<Value>,
    /// `GET /jobs/{jobId}`.
    pub job: Option<Value>,
}

/// Builds the export document as pretty JSON (two-space indent, trailing newline):
///
/// `{"format": "interview-desk.interview", "version": 2, "exportedAt": "<RFC 3339 UTC>",
///   "source": {"baseUrl", "companyId"}, "interview": <the interview exactly as sent>,
///   "candidate": {...} | null, "agent": {...} | null, "job": {...} | null,
///   "gdprExpiryDate": "<as the candidate record has it>" | null, "reviews": [<review>, ...]}`
///
/// `interview` is the raw object with every key and every number's exact text, whatever the
/// typed model knows. The `candidate`, `agent`, `job` and `gdprExpiryDate` keys are present only
/// when `related` is given (names were looked up). `reviews` holds every reviewer's review of
/// the interview as its review file has it (`docs/review.schema.json`). The GUI and the CLI
/// both call this, so they write the same bytes for the same data and time.
pub fn export_document(
    record: &InterviewRecord,
    source: &ExportSource,
    related: Option<&RelatedRecords>,
    exported_at: jiff::Timestamp,
    reviews: &[crate::review::Review],
) -> String {
    export_document_with(record, source, related, exported_at, ExportOptions::default(), reviews)
}

/// What an export document leaves out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct ExportOptions {
    /// Keep the transcript. When false, every top-level key that may hold it
    /// ([`crate::api::transcript::INTERVIEW_KEYS`]) is dropped from `interview` and the
    /// document says so in `"omitted": ["transcript"]`.
    pub transcript: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self { transcript: true }
    }
}

/// [`export_document`] with [`ExportOptions`]. Dropping the transcript keeps every other key
/// and number of the interview exactly as sent.
pub fn export_document_with(
    record: &InterviewRecord,
    source: &ExportSource,
    related: Option<&RelatedRecords>,
    exported_at: jiff::Timestamp,
    options: ExportOptions,
    reviews: &[crate::review::Review],
) -> String {
    let mut document = Map::new();
    document.insert("format".into(), json!(EXPORT_FORMAT));
    document.insert("version".into(), json!(EXPORT_VERSION));
    document.insert("exportedAt".into(), json!(rfc3339_utc(exported_at)));
    document.insert("source".into(), json!({"baseUrl": source.base_url, "companyId": source.company_id}));
    let stripped = if options.transcript { None } else { without_keys(&record.raw_text, &INTERVIEW_KEYS) };
    if !options.transcript {
        document.insert("omitted".into(), json!(["transcript"]));
    }
    let interview_text = stripped.as_deref().unwrap_or(&record.raw_text);
    // The header is ours; the interview goes in as the server's exact text, re-indented.
    let header = serde_json::to_string_pretty(&Value::Object(document)).unwrap_or_default();
    let header = header.strip_suffix("\n}").unwrap_or(&header);
    let mut text = String::with_capacity(header.len() + interview_text.len() * 2);
    text.push_str(header);
    text.push_str(",\n  \"interview\": ");
    reindent(interview_text, 1, &mut text);
    if let Some(related) = related {
        for (key, value) in [("candidate", &related.candidate), ("agent", &related.agent), ("job", &related.job)] {
            text.push_str(&format!(",\n  \"{key}\": "));
            let compact = value.as_ref().map_or_else(|| "null".to_owned(), Value::to_string);
            reindent(&compact, 1, &mut text);
        }
        let expiry = related.candidate.as_ref().and_then(|c| c.get("gdprExpiryDate")).cloned().unwrap_or(Value::Null);
        text.push_str(",\n  \"gdprExpiryDate\": ");
        reindent(&expiry.to_string(), 1, &mut text);
    }
    let reviews: Vec<Value> =
        reviews.iter().filter_map(|review| serde_json::from_str::<Value>(&review.to_json()).ok()).collect();
    text.push_str(",\n  \"reviews\": ");
    reindent(&Value::Array(reviews).to_string(), 1, &mut text);
    text.push_str("\n}\n");
    text
}

/// The JSON object `object_text` without its top-level `keys`, every other member copied as
/// its exact text in its order; `None` when it is not an object (nothing to drop then).
fn without_keys(object_text: &str, keys: &[&str]) -> Option<String> {
    let members: Vec<(String, Box<serde_json::value::RawValue>)> =
        serde_json::from_str::<RawMembers>(object_text).ok()?.0;
    let kept: Vec<String> = members
        .iter()
        .filter(|(key, _)| !keys.contains(&key.as_str()))
        .map(|(key, value)| format!("{}:{}", Value::String(key.clone()), value.get()))
        .collect();
    Some(format!("{{{}}}", kept.join(",")))
}

/// The members of a JSON object in document order, each value as its exact text.
struct RawMembers(Vec<(String, Box<serde_json::value::RawValue>)>);

impl<'de> serde::Deserialize<'de> for RawMembers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawMembers;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawMembers, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(RawMembers(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// `2026-11-29T17:04:05Z`: UTC, whole seconds.
pub fn rfc3339_utc(at: jiff::Timestamp) -> String {
    at.round(jiff::Unit::Second).map_or_else(|_| at.to_string(), |t| t.to_string())
}

/// The default file name for an export: `interview-<date>-<status>-<first 8 of id>.json`,
/// sanitised with [`sanitize_file_name`].
pub fn default_file_name(interview: &Interview) -> String {
    let date = interview.key_instant().map(|t| t.strftime("%Y-%m-%d").to_string());
    let short_id: String = interview.id.chars().take(8).collect();
    let mut parts = vec!["interview".to_owned()];
    parts.extend(date);
    // The status is the server's text: a slug of letters, digits and `-`, at most 24 long, so
    // the ID after it is never cut off and two interviews never share a name.
    parts.extend(
        interview
            .status
            .as_ref()
            .map(|s| {
                let slug: String = s
                    .to_string()
                    .to_lowercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .take(24)
                    .collect();
                slug.trim_matches('-').to_owned()
            })
            .filter(|slug| !slug.is_empty()),
    );
    parts.push(short_id);
    sanitize_file_name(&format!("{}.json", parts.join("-")))
}

/// Makes `name` a valid file name on Windows, macOS and Linux: replaces `<>:"/\|?*` and
/// control characters with `_`, trims trailing dots and spaces, prefixes Windows reserved
/// device names (`CON`, `NUL`, `COM1`, ...) with `_`, and caps the length at 200 bytes while
/// keeping the extension. An empty result becomes `interview.json`.
pub fn sanitize_file_name(name: &str) -> String {
    const MAX_BYTES: usize = 200;
    let cleaned: String =
        name.chars().map(|c| if c.is_control() || "<>:\"/\\|?*".contains(c) { '_' } else { c }).collect();
    let cleaned = cleaned.trim().trim_end_matches(['.', ' ']).to_owned();
    let (stem, extension) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 10 => (stem.to_owned(), format!(".{ext}")),
        _ => (cleaned.clone(), String::new()),
    };
    let mut stem =
        truncate_bytes(stem.trim_end_matches(['.', ' ']), MAX_BYTES.saturating_sub(extension.len())).to_owned();
    if stem.is_empty() {
        return "interview.json".to_owned();
    }
    let device = stem.split('.').next().unwrap_or_default().trim_end().to_ascii_uppercase();
    let reserved = matches!(device.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (device.len() == 4
            && (device.starts_with("COM") || device.starts_with("LPT"))
            && device.ends_with(|c: char| c.is_ascii_digit() && c != '0'));
    if reserved {
        stem.insert(0, '_');
    }
    format!("{stem}{extension}")
}

/// Adds `.json` when the user typed a name without an extension.
pub fn with_json_extension(path: PathBuf) -> PathBuf {
    with_extension(path, "json")
}

/// Adds `.{extension}` when the user typed a name without any extension.
pub fn with_extension(path: PathBuf, extension: &str) -> PathBuf {
    if path.extension().is_some() { path } else { path.with_extension(extension) }
}

/// Why an export could not be written. Names the path and the reason.
#[derive(Debug, thiserror::Error)]
#[error("Could not write {}: {reason}", path.display())]
pub struct WriteError {
    /// The file that was to be written.
    pub path: PathBuf,
    /// The OS's reason (disk full, read-only folder, ...).
    pub reason: String,
    /// The kind of I/O error, when the OS reported one.
    pub kind: Option<std::io::ErrorKind>,
}

impl WriteError {
    /// Whether no other file in the same folder could be written either (disk full or
    /// read-only, no permission, the folder gone).
    pub fn stops_further_writes(&self) -> bool {
        use std::io::ErrorKind as K;
        matches!(
            self.kind,
            Some(K::StorageFull | K::QuotaExceeded | K::ReadOnlyFilesystem | K::PermissionDenied | K::NotFound)
        )
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder is written,
/// flushed and synced, then renamed over `path`. A crash or error leaves any existing file
/// untouched and no partial file behind. On Unix the file is readable by its owner only
/// (mode 0600), because it holds candidate data. A symbolic link is followed (the file it
/// names is replaced, the link kept); a device, pipe, folder or read-only file is refused.
///
/// # Errors
/// [`WriteError`] naming the path and the OS's reason.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let fail = |reason: String| WriteError { path: path.to_owned(), reason, kind: None };
    let io_fail = |err: &std::io::Error| WriteError {
        path: path.to_owned(),
        reason: describe_io_error(err),
        kind: Some(err.kind()),
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    // Follow a symbolic link to the file it names, so the link survives; refuse anything that
    // is not a regular file (a device such as /dev/null, a pipe, a folder) and read-only files.
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|err| io_fail(&err))?,
        _ => path.to_owned(),
    };
    if let Ok(meta) = std::fs::metadata(&target) {
        if meta.is_dir() {
            return Err(fail("it is a folder".to_owned()));
        }
        if !meta.is_file() {
            return Err(fail("it is not a regular file (a device or a pipe)".to_owned()));
        }
        if meta.permissions().readonly() {
            return Err(fail("the existing file is read-only".to_owned()));
        }
    }
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => folder,
    };
    let mut file = tempfile::Builder::new()
        .prefix(".interview-desk-")
        .suffix(".tmp")
        .tempfile_in(&folder)
        .map_err(|err| io_fail(&err))?;
    file.write_all(bytes).map_err(|err| io_fail(&err))?;
    file.flush().map_err(|err| io_fail(&err))?;
    file.as_file().sync_all().map_err(|err| io_fail(&err))?;
    persist_replacing(file, &target).map_err(|err| match err.kind() {
        std::io::ErrorKind::PermissionDenied => WriteError {
            reason: format!(
                "it could not be replaced: another program has it open, or the folder does not allow it ({err})"
            ),
            ..io_fail(&err)
        },
        _ => io_fail(&err),
    })?;
    Ok(())
}

/// Renames the temporary file over `target`. Windows refuses the rename while another program
/// (a virus scanner, the search indexer, a script reading `manifest.json`) has `target` open,
/// so a refusal is retried for about 2 s before it counts; nothing else is retried.
fn persist_replacing(mut file: tempfile::NamedTempFile, target: &Path) -> Result<(), std::io::Error> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let mut pause = std::time::Duration::from_millis(10);
    loop {
        match file.persist(target) {
            Ok(_) => return Ok(()),
            Err(err) if is_held_open(&err.error) && std::time::Instant::now() < deadline => {
                file = err.file;
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_millis(200));
            }
            Err(err) => return Err(err.error),
        }
    }
}

/// Whether a refused rename looks like another program holding the file open: access denied
/// (Windows error 5, what OneDrive, Dropbox and Defender cause) or a sharing violation
/// (error 32, which Rust reports as an uncategorised error).
fn is_held_open(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::PermissionDenied || (cfg!(windows) && err.raw_os_error() == Some(32))
}

/// [`write_atomically`] on tokio's blocking pool, so async code never waits on the disk.
///
/// # Errors
/// As [`write_atomically`]; also when the blocking task could not run.
pub async fn write_atomically_in_background(path: PathBuf, bytes: Vec<u8>) -> Result<(), WriteError> {
    let target = path.clone();
    tokio::task::spawn_blocking(move || write_atomically(&target, &bytes))
        .await
        .unwrap_or_else(|join| Err(WriteError { path, reason: format!("the write task failed: {join}"), kind: None }))
}

/// A short reason for an I/O error, without the temporary file's path that some errors carry:
/// "the folder does not exist", "the disk is full", … followed by the OS's own words.
pub fn describe_io_error(err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let os = err.raw_os_error().map(|code| std::io::Error::from_raw_os_error(code).to_string());
    let plain = match err.kind() {
        K::NotFound => Some("the folder does not exist"),
        K::PermissionDenied => Some("permission denied (the folder is read-only or belongs to someone else)"),
        K::ReadOnlyFilesystem => Some("the disk is read-only"),
        K::StorageFull | K::QuotaExceeded => Some("the disk is full"),
        K::NotADirectory => Some("part of the path is a file, not a folder"),
        _ => None,
    };
    match (plain, os) {
        (Some(plain), Some(os)) => format!("{plain} ({os})"),
        (Some(plain), None) => plain.to_owned(),
        (None, Some(os)) => os,
        (None, None) => err.kind().to_string(),
    }
}

/// Appends valid JSON `json` to `out` pretty-printed with two-space indents starting at
/// `level`, copying every string and number token byte for byte (serde_json's own printer
/// would rewrite `1E5` as `1e+5`).
fn reindent(json: &str, level: usize, out: &mut String) {
    let mut depth = level;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = json.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if chars.peek().is_some_and(|&n| n == '}' || n == ']') {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
}

fn truncate_bytes(text: &str, max: usize) -> &str {
    let end = text.char_indices().map(|(i, c)| i + c.len_utf8()).take_while(|&end| end <= max).last().unwrap_or(0);
    text.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_valid_everywhere() {
        let cases = [
            ("interview_2024-05-01T10:30:00Z_Jane Doe.json", "interview_2024-05-01T10_30_00Z_Jane Doe.json"),
            ("A/B \"Test\" <Lead>?.json", "A_B _Test_ _Lead__.json"),
            ("name ending in dot. ", "name ending in dot"),
            ("CON.json", "_CON.json"),
            ("lpt1.json", "_lpt1.json"),
            ("COM0.json", "COM0.json"),
            ("console.json", "console.json"),
            ("", "interview.json"),
            ("...", "interview.json"),
            ("tab\there.json", "tab_here.json"),
            ("Ľubomír Šťastný – 面接.json", "Ľubomír Šťastný – 面接.json"),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize_file_name(input), expected, "{input:?}");
        }
        let long = format!("{}.json", "面".repeat(300));
        let sanitized = sanitize_file_name(&long);
        assert!(sanitized.len() <= 200 && sanitized.ends_with(".json"), "{sanitized}");
    }

    #[test]
    fn json_extension_is_added_only_when_missing() {
        assert_eq!(with_json_extension("a/b".into()), PathBuf::from("a/b.json"));
        assert_eq!(with_json_extension("a/b.json".into()), PathBuf::from("a/b.json"));
        assert_eq!(with_json_extension("a/b.txt".into()), PathBuf::from("a/b.txt"));
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, b"old").unwrap();
        write_atomically(&path, b"new contents").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new contents");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, [std::ffi::OsString::from("x.json")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_and_devices_and_read_only_files_refused() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is kept");
        assert_eq!(std::fs::read(&real).unwrap(), b"new");

        let err = write_atomically(Path::new("/dev/null"), b"x").unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");

        let locked = dir.path().join("locked.json");
        std::fs::write(&locked, b"keep").unwrap();
        let mut permissions = std::fs::metadata(&locked).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&locked, permissions).unwrap();
        assert!(write_atomically(&locked, b"x").unwrap_err().to_string().contains("read-only"));
        assert_eq!(std::fs::read(&locked).unwrap(), b"keep");
    }

    #[test]
    fn a_failed_write_names_the_path_and_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no such folder").join("x.json");
        let err = write_atomically(&missing, b"data").unwrap_err();
        assert!(err.to_string().contains("no such folder"), "{err}");
        let err = write_atomically(dir.path(), b"data").unwrap_err();
        assert!(err.to_string().contains("folder"), "{err}");
    }

    #[test]
    fn the_document_keeps_every_key_and_exact_numbers() {
        let body = r#"{"id":"3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10","zeta":1,"alpha":{"weight":0.1000000000000000055511151231257827,"big":18446744073709551615,"neg":-1e400,"e":1E5,"s":"a\"{,}:[","empty":{},"list":[]},"status":"NO_SHOW"}"#;
        let raw: Value = serde_json::from_str(body).unwrap();
        let record = InterviewRecord::from_parts(raw, body.to_owned()).unwrap();
        let source = ExportSource { base_url: "https://api.instaview.sk".into(), company_id: None };
        let at: jiff::Timestamp = "2026-11-29T17:04:05.678Z".parse().unwrap();
        let text = export_document(&record, &source, None, at, &[]);
        assert!(text.contains("0.1000000000000000055511151231257827"));
        assert!(text.contains("18446744073709551615"));
        assert!(text.contains("-1e400") && text.contains("1E5"));
        assert!(text.contains(r#""s": "a\"{,}:[""#), "strings are copied untouched");
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["format"], "interview-desk.interview");
        assert_eq!(doc["version"], 2);
        assert_eq!(doc["reviews"], json!([]), "no reviews yet");
        assert_eq!(doc["exportedAt"], "2026-11-29T17:04:06Z");
        assert_eq!(doc["source"], json!({"baseUrl": "https://api.instaview.sk", "companyId": null}));
        let keys: Vec<&String> = doc["interview"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "zeta", "alpha", "status"]);
        assert_eq!(doc["interview"], serde_json::from_str::<Value>(body).unwrap());
        let interview_text = text.split_once("\"interview\": ").unwrap().1.split_once(",\n  \"reviews\"").unwrap().0;
        let compact: String = interview_text.split_whitespace().collect();
        let original: String = body.split_whitespace().collect();
        assert_eq!(compact.trim_end_matches('}'), original.trim_end_matches('}'), "the interview's text is unchanged");
        assert_eq!(text, export_document(&record, &source, None, at, &[]), "same data, same bytes");
        assert!(doc.get("candidate").is_none(), "no related keys unless names were looked up");
        let related = RelatedRecords { candidate: Some(json!({"firstName": "Ľubica"})), agent: None, job: None };
        let with_names: Value =
            serde_json::from_str(&export_document(&record, &source, Some(&related), at, &[])).unwrap();
        assert_eq!(with_names["candidate"]["firstName"], "Ľubica");
        assert_eq!((&with_names["agent"], &with_names["job"]), (&Value::Null, &Value::Null));
        let keys: Vec<&String> = with_names.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "format",
                "version",
                "exportedAt",
                "source",
                "interview",
                "candidate",
                "agent",
                "job",
                "gdprExpiryDate",
                "reviews"
            ]
        );
        assert_eq!(with_names["gdprExpiryDate"], Value::Null);
        let serde_pretty = serde_json::to_string_pretty(&json!({"a": {"b": [1, {"c": null}], "d": {}}})).unwrap();
        let mut ours = String::new();
        reindent(r#"{"a":{"b":[1,{"c":null}],"d":{}}}"#, 0, &mut ours);
        assert_eq!(ours, serde_pretty, "the same layout as serde_json's pretty printer");
    }

    #[test]
    fn version_2_carries_every_reviewers_evaluation_and_the_gdpr_expiry() {
        let body = r#"{"id":"3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10","status":"COMPLETED"}"#;
        let record = InterviewRecord::from_parts(serde_json::from_str(body).unwrap(), body.to_owned()).unwrap();
        let source = ExportSource { base_url: "https://api.instaview.sk".into(), company_id: None };
        let at: jiff::Timestamp = "2026-11-29T17:04:05Z".parse().unwrap();
        let mut jana = crate::review::Review::new("3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10", "Jana", at);
        jana.revision = 3;
        jana.notes = "</script> \"quoted\"".into();
        jana.decision = Some(crate::review::Stamped { value: crate::review::Decision::Advance, at });
        let petr = crate::review::Review::new("3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10", "Petr", at);
        let candidate = json!({"firstName": "Ľubica", "gdprExpiryDate": "2027-06-30"});
        let related = RelatedRecords { candidate: Some(candidate), agent: None, job: None };
        let text = export_document(&record, &source, Some(&related), at, &[jana, petr]);
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["gdprExpiryDate"], "2027-06-30");
        assert_eq!(doc["reviews"][0]["reviewer"], "Jana");
        assert_eq!(doc["reviews"][0]["decision"]["value"], "advance");
        assert_eq!(doc["reviews"][0]["notes"], "</script> \"quoted\"");
        assert_eq!(doc["reviews"][0]["revision"], 3);
        assert_eq!(doc["reviews"][1]["reviewer"], "Petr");
        assert_eq!(doc["interview"], serde_json::from_str::<Value>(body).unwrap());
        let schema: Value = serde_json::from_str(include_str!("../../docs/export.schema.json")).unwrap();
        for key in doc.as_object().unwrap().keys() {
            assert!(schema["properties"].get(key).is_some(), "docs/export.schema.json lacks {key}");
        }
        assert_eq!(schema["properties"]["version"]["const"], EXPORT_VERSION);
    }

    #[test]
    fn without_transcript_drops_only_the_transcript_and_says_so() {
        let body = r#"{"id":"3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10","transcript":[{"role":"AGENT","text":"Hi"}],"e":1E5,"messages":"A: x","status":"COMPLETED"}"#;
        let record = InterviewRecord::from_parts(serde_json::from_str(body).unwrap(), body.to_owned()).unwrap();
        let source = ExportSource { base_url: "https://api.instaview.sk".into(), company_id: None };
        let at: jiff::Timestamp = "2026-11-29T17:04:05Z".parse().unwrap();
        let text = export_document_with(&record, &source, None, at, ExportOptions { transcript: false }, &[]);
        let doc: Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&String> = doc["interview"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "e", "status"]);
        assert!(text.contains("1E5") && !text.contains("Hi"));
        assert_eq!(doc["omitted"], json!(["transcript"]));
        let full: Value = serde_json::from_str(&export_document(&record, &source, None, at, &[])).unwrap();
        assert!(full.get("omitted").is_none() && full["interview"]["transcript"].is_array());
    }
}
