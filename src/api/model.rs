//! Typed, tolerant view of an interview (API doc section 3), kept next to its raw JSON.
//!
//! Decoding goes field by field: `null` and a missing key mean the same, an unknown enum value
//! is kept verbatim, and one odd value degrades only itself. Only a body that is not an object
//! or has no `id` is refused.

use std::fmt;

use serde_json::{Map, Value};

use super::time::Timestamp;
use super::transcript::{Transcript, transcript_of_interview};

/// Keys of the interview object that the typed view reads (API doc section 3.1), in the
/// documented order, plus `transcript`.
pub const DOCUMENTED_INTERVIEW_KEYS: [&str; 15] = [
    "id",
    "candidateId",
    "agentId",
    "status",
    "scheduledAt",
    "createdAt",
    "updatedAt",
    "jobId",
    "durationMinutes",
    "finishedDate",
    "metadata",
    "callAttempts",
    "analysis",
    "isTest",
    "transcript",
];

/// A field value that was either read as `T` or kept as the raw text of what was sent.
#[derive(Clone, Debug, PartialEq)]
pub enum Field<T> {
    /// The value was read.
    Valid(T),
    /// The value had an unexpected type or form; this is its JSON text.
    Raw(String),
}

impl<T> Field<T> {
    /// The value, if it was read.
    pub fn valid(&self) -> Option<&T> {
        match self {
            Self::Valid(value) => Some(value),
            Self::Raw(_) => None,
        }
    }
}

/// An interview as received: the raw JSON object exactly as the server sent it (envelope
/// removed; every key and number text kept) and the typed view read from it.
#[derive(Clone, Debug)]
pub struct InterviewRecord {
    /// The interview object as parsed (key order and number text kept), for display.
    pub raw: Value,
    /// The interview object's JSON text exactly as the server sent it. Export writes this
    /// (re-indented only), so nothing is ever lost, not even a number's exponent notation.
    pub raw_text: String,
    /// The typed view.
    pub interview: Interview,
}

impl InterviewRecord {
    /// Reads an interview object; its text is taken to be `raw` serialised.
    ///
    /// # Errors
    /// [`RecordError`] when `raw` is not a JSON object or has no string/number `id`, or (not
    /// expected for a parsed value) cannot be serialised back to text.
    pub fn from_value(raw: Value) -> Result<Self, RecordError> {
        let raw_text = serde_json::to_string(&raw).map_err(|err| RecordError::Serialize(err.to_string()))?;
        Self::from_parts(raw, raw_text)
    }

    /// Reads an interview object whose exact text as received is `raw_text`.
    ///
    /// # Errors
    /// [`RecordError`] when `raw` is not a JSON object or has no string/number `id`.
    pub fn from_parts(raw: Value, raw_text: String) -> Result<Self, RecordError> {
        let interview = Interview::from_value(&raw)?;
        Ok(Self { raw, raw_text, interview })
    }
}

/// Why a JSON value cannot be read as an interview. `Display` is the reason, in lower case, for
/// use after "the server's answer could not be read" or "item 3 on page 1:".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The value is not a JSON object (an array, a string, `null`, ...); names what it is.
    #[error("expected an interview object, got {0}")]
    NotAnObject(&'static str),
    /// The object has no `id`, or its `id` is empty or neither a string nor a number.
    #[error("the interview has no id")]
    NoId,
    /// The value could not be serialised back to JSON text (not expected for a parsed value).
    #[error("the interview could not be written as JSON: {0}")]
    Serialize(String),
}

/// The typed view of an interview object (source: `GET /interviews/{id}`).
#[derive(Clone, Debug, PartialEq)]
pub struct Interview {
    /// `id` (UUID).
    pub id: String,
    /// `candidateId` (UUID).
    pub candidate_id: Option<String>,
    /// `agentId` (UUID): the interview template that ran it.
    pub agent_id: Option<String>,
    /// `jobId` (UUID); absent for `GENERIC` interviews.
    pub job_id: Option<String>,
    /// `status`.
    pub status: Option<InterviewStatus>,
    /// `scheduledAt`.
    pub scheduled_at: Option<Timestamp>,
    /// `createdAt`.
    pub created_at: Option<Timestamp>,
    /// `updatedAt`.
    pub updated_at: Option<Timestamp>,
    /// `finishedDate`: when the interview finished.
    pub finished_date: Option<Timestamp>,
    /// `durationMinutes`: interview length in **minutes**.
    pub duration_minutes: Option<Field<f64>>,
    /// `metadata`: caller-defined free-form object (any JSON kept as is).
    pub metadata: Option<Value>,
    /// `callAttempts`: phone call attempts; empty for online interviews.
    pub call_attempts: Vec<CallAttempt>,
    /// `analysis`; `None` until the AI analysis has been generated.
    pub analysis: Option<Analysis>,
    /// `isTest`: a test interview (no billing).
    pub is_test: Option<Field<bool>>,
    /// The transcript (undocumented key, see [`transcript_of_interview`]), normalised.
    pub transcript: Transcript,
    /// Keys the server sent that the documentation does not list, in the order sent.
    pub undocumented_keys: Vec<String>,
}

impl Interview {
    /// Reads the typed view from a raw interview object.
    ///
    /// # Errors
    /// [`RecordError::NotAnObject`] when `raw` is not an object and [`RecordError::NoId`] when
    /// it has no usable `id`.
    pub fn from_value(raw: &Value) -> Result<Self, RecordError> {
        let Value::Object(object) = raw else {
            return Err(RecordError::NotAnObject(kind_of(raw)));
        };
        let id = match object.get("id") {
            Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
            Some(Value::Number(id)) => id.to_string(),
            _ => return Err(RecordError::NoId),
        };
        Ok(Self {
            id,
            candidate_id: text(object, "candidateId"),
            agent_id: text(object, "agentId"),
            job_id: text(object, "jobId"),
            status: text(object, "status").map(|s| InterviewStatus::parse(&s)),
            scheduled_at: timestamp(object, "scheduledAt"),
            created_at: timestamp(object, "createdAt"),
            updated_at: timestamp(object, "updatedAt"),
            finished_date: timestamp(object, "finishedDate"),
            duration_minutes: number(object, "durationMinutes"),
            metadata: present(object, "metadata").cloned(),
            call_attempts: match present(object, "callAttempts") {
                Some(Value::Array(items)) => items.iter().map(CallAttempt::from_value).collect(),
                _ => Vec::new(),
            },
            analysis: present(object, "analysis").map(Analysis::from_value),
            is_test: boolean(object, "isTest"),
            transcript: transcript_of_interview(raw),
            undocumented_keys: object
                .keys()
                .filter(|key| !DOCUMENTED_INTERVIEW_KEYS.contains(&key.as_str()))
                .cloned()
                .collect(),
        })
    }

    /// The moment that best dates the interview: when it finished, else when it was
    /// scheduled, else created (the first of these that could be read), in UTC.
    pub fn key_instant(&self) -> Option<jiff::Timestamp> {
        [&self.finished_date, &self.scheduled_at, &self.created_at]
            .into_iter()
            .find_map(|t| t.as_ref().and_then(|t| t.instant))
    }

    /// `overallRating` from the analysis, if it was read as a number.
    pub fn overall_rating(&self) -> Option<f64> {
        self.analysis.as_ref()?.general.as_ref()?.overall_rating.as_ref()?.valid().copied()
    }
}

/// `status` of an interview. Unknown values are kept verbatim, never an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterviewStatus {
    /// `UNDEFINED`.
    Undefined,
    /// `SCHEDULED`.
    Scheduled,
    /// `IN_PROGRESS`.
    InProgress,
    /// `COMPLETED`.
    Completed,
    /// `FAILED`.
    Failed,
    /// `CANCELLED`, or the docs' other spelling `CANCELED`.
    Cancelled,
    /// A value the docs do not list, exactly as sent.
    Other(String),
}

impl InterviewStatus {
    /// Reads a status string (case-insensitive, surrounding spaces ignored).
    pub fn parse(text: &str) -> Self {
        match text.trim().to_ascii_uppercase().replace([' ', '-'], "_").as_str() {
            "UNDEFINED" => Self::Undefined,
            "SCHEDULED" => Self::Scheduled,
            "IN_PROGRESS" | "INPROGRESS" => Self::InProgress,
            "COMPLETED" => Self::Completed,
            "FAILED" => Self::Failed,
            "CANCELLED" | "CANCELED" => Self::Cancelled,
            _ => Self::Other(text.to_owned()),
        }
    }

    /// True once the status cannot change any more (completed, failed, cancelled).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

impl fmt::Display for InterviewStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Undefined => "Undefined",
            Self::Scheduled => "Scheduled",
            Self::InProgress => "In progress",
            Self::Completed => "Completed",
            Self::Failed => "Failed",
            Self::Cancelled => "Cancelled",
            Self::Other(raw) => raw,
        })
    }
}

/// One phone call attempt (items of `callAttempts`, API doc section 3.2).
#[derive(Clone, Debug, PartialEq)]
pub struct CallAttempt {
    /// `id` (UUID).
    pub id: Option<String>,
    /// `direction`, e.g. `OUTBOUND`.
    pub direction: Option<String>,
    /// `status`, e.g. `COMPLETED`, `FAILED` (kept verbatim).
    pub status: Option<String>,
    /// `reasonCode`, e.g. `NO_ANSWER` (kept verbatim; the list is not documented).
    pub reason_code: Option<String>,
    /// `notes`: free text.
    pub notes: Option<String>,
    /// `retryNumber`: 0 for the first attempt.
    pub retry_number: Option<Field<f64>>,
    /// `recordingUrl`: link to the call recording.
    pub recording_url: Option<String>,
    /// `duration`: call length in **seconds**.
    pub duration_seconds: Option<Field<f64>>,
    /// `scheduledAt`.
    pub scheduled_at: Option<Timestamp>,
    /// `calledAt`.
    pub called_at: Option<Timestamp>,
}

impl CallAttempt {
    fn from_value(raw: &Value) -> Self {
        let empty = Map::new();
        let object = raw.as_object().unwrap_or(&empty);
        Self {
            id: text(object, "id"),
            direction: text(object, "direction"),
            status: text(object, "status"),
            reason_code: text(object, "reasonCode"),
            notes: text(object, "notes"),
            retry_number: number(object, "retryNumber"),
            recording_url: text(object, "recordingUrl"),
            duration_seconds: number(object, "duration"),
            scheduled_at: timestamp(object, "scheduledAt"),
            called_at: timestamp(object, "calledAt"),
        }
    }
}

/// The AI analysis (`analysis`, API doc section 3.3).
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// `analysis.id` (UUID).
    pub id: Option<String>,
    /// `analysis.general`: the overall assessment.
    pub general: Option<GeneralAnalysis>,
    /// `analysis.specific`: interview-type-specific data (e.g. `pronunciationScores`), any JSON.
    pub specific: Option<Value>,
}

impl Analysis {
    fn from_value(raw: &Value) -> Self {
        let empty = Map::new();
        let object = raw.as_object().unwrap_or(&empty);
        Self {
            id: text(object, "id"),
            general: present(object, "general").map(GeneralAnalysis::from_value),
            specific: present(object, "specific").cloned(),
        }
    }
}

/// `analysis.general`.
#[derive(Clone, Debug, PartialEq)]
pub struct GeneralAnalysis {
    /// `overallRating`, on a 0–100 scale. A numeric string such as `"85"` is read as a number.
    pub overall_rating: Option<Field<f64>>,
    /// `companyFitRating`, e.g. `HIGH` (kept verbatim).
    pub company_fit_rating: Option<String>,
    /// `education`: free text or an enum-like value such as `MASTER_LEVEL`.
    pub education: Option<String>,
    /// `experience`: free text or an enum-like value such as `THREE_TO_5_YEARS`.
    pub experience: Option<String>,
    /// `strongPoints`.
    pub strong_points: Vec<String>,
    /// `weakPoints`.
    pub weak_points: Vec<String>,
    /// `evaluation`: summary bullets.
    pub evaluation: Vec<String>,
    /// `status`: an undocumented processing state, shown as its raw text.
    pub status: Option<String>,
    /// `createdAt`: when the analysis was generated.
    pub created_at: Option<Timestamp>,
    /// `updatedAt`.
    pub updated_at: Option<Timestamp>,
}

impl GeneralAnalysis {
    fn from_value(raw: &Value) -> Self {
        let empty = Map::new();
        let object = raw.as_object().unwrap_or(&empty);
        Self {
            overall_rating: number(object, "overallRating"),
            company_fit_rating: text(object, "companyFitRating"),
            education: text(object, "education"),
            experience: text(object, "experience"),
            strong_points: text_list(object, "strongPoints"),
            weak_points: text_list(object, "weakPoints"),
            evaluation: text_list(object, "evaluation"),
            status: present(object, "status").map(scalar_text),
            created_at: timestamp(object, "createdAt"),
            updated_at: timestamp(object, "updatedAt"),
        }
    }
}

/// Human form of an enum-like API value: `THREE_TO_5_YEARS` → `Three to 5 years`.
/// Free text (anything with lower-case letters or spaces) is returned unchanged.
pub fn humanize(value: &str) -> String {
    let is_enum_like = value.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !is_enum_like || value.is_empty() {
        return value.to_owned();
    }
    let lower = value.replace('_', " ").to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The value of `key`, treating `null` as absent.
fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|value| !value.is_null())
}

/// A string field; a number or boolean is kept as its text, and objects/arrays as compact JSON.
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    present(object, key).map(scalar_text).filter(|text| !text.is_empty())
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn timestamp(object: &Map<String, Value>, key: &str) -> Option<Timestamp> {
    present(object, key).and_then(|value| match value {
        Value::String(_) | Value::Number(_) => Timestamp::from_value(value),
        other => Some(Timestamp { raw: other.to_string(), instant: None, assumed_utc: false }),
    })
}

/// A number, or a string holding one; anything else is kept raw.
fn number(object: &Map<String, Value>, key: &str) -> Option<Field<f64>> {
    present(object, key).map(|value| {
        let parsed = match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        match parsed.filter(|n| n.is_finite()) {
            Some(n) => Field::Valid(n),
            None => Field::Raw(scalar_text(value)),
        }
    })
}

fn boolean(object: &Map<String, Value>, key: &str) -> Option<Field<bool>> {
    present(object, key).map(|value| match value {
        Value::Bool(b) => Field::Valid(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Field::Valid(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Field::Valid(false),
        other => Field::Raw(scalar_text(other)),
    })
}

/// A list of strings; a single string becomes a one-item list and other items their JSON text.
fn text_list(object: &Map<String, Value>, key: &str) -> Vec<String> {
    match present(object, key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter(|item| !item.is_null())
            .map(scalar_text)
            .filter(|text| !text.trim().is_empty())
            .collect(),
        Some(Value::String(text)) if !text.trim().is_empty() => vec![text.clone()],
        Some(other) => vec![scalar_text(other)],
        None => Vec::new(),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
