//! The review file: one reviewer's evaluation of one interview, as a small JSON document
//! (`docs/review.schema.json` describes it).
//!
//! Reading keeps every field it does not know (at the top level and inside each item), so a
//! newer version of the app, or a script, can add fields that an older one writes back intact.

use serde_json::{Map, Value};

/// The `format` field of every review file.
pub const FORMAT: &str = "interview-desk/review";

/// The newest format version this build writes. A file with a higher `version` is shown
/// read-only.
pub const FORMAT_VERSION: u64 = 1;

/// The highest rating of the overall rating and of each criterion (the lowest is 1).
pub const MAX_RATING: u8 = 5;

/// A reviewer's decision on a candidate (`decision.value`: `advance`, `hold`, `reject`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Move the candidate to the next stage.
    Advance,
    /// Not decided either way yet; wait for more information.
    Hold,
    /// Do not go on with this candidate.
    Reject,
}

impl Decision {
    /// Every decision in display order.
    pub const ALL: [Self; 3] = [Self::Advance, Self::Hold, Self::Reject];

    /// The label on screen and in exports ("Advance").
    pub fn label(self) -> &'static str {
        match self {
            Self::Advance => "Advance",
            Self::Hold => "Hold",
            Self::Reject => "Reject",
        }
    }

    /// The word in the file and on the command line (`advance`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Advance => "advance",
            Self::Hold => "hold",
            Self::Reject => "reject",
        }
    }

    /// Reads `advance`, `hold` or `reject` (any case, or the first letter).
    ///
    /// # Errors
    /// [`FieldError::UnknownDecision`] for anything else.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        match text.trim().to_lowercase().as_str() {
            "advance" | "a" => Ok(Self::Advance),
            "hold" | "h" => Ok(Self::Hold),
            "reject" | "r" => Ok(Self::Reject),
            _ => Err(FieldError::UnknownDecision(text.to_owned())),
        }
    }
}

/// A value typed by the user (or found in a file) that a review cannot hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// A rating outside 1–5.
    #[error("a rating is a whole number from 1 to {MAX_RATING}, not {0}")]
    RatingOutOfRange(String),
    /// A decision other than advance, hold or reject.
    #[error("unknown decision \"{0}\": use advance, hold or reject")]
    UnknownDecision(String),
}

/// Checks a rating given as text ("4").
///
/// # Errors
/// [`FieldError::RatingOutOfRange`] unless it is a whole number from 1 to [`MAX_RATING`].
pub fn parse_rating(text: &str) -> Result<u8, FieldError> {
    match text.trim().parse::<u8>() {
        Ok(n) if (1..=MAX_RATING).contains(&n) => Ok(n),
        _ => Err(FieldError::RatingOutOfRange(text.trim().to_owned())),
    }
}

/// A value with the moment it was last set (`{"value": ..., "at": "<RFC 3339, UTC>"}`).
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct Stamped<T> {
    /// The value.
    pub value: T,
    /// When the reviewer set it (UTC).
    pub at: jiff::Timestamp,
}

/// Which analysis the review was made against (`analysis`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalysisRef {
    /// The analysis `id`, when the API sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The analysis `general.updatedAt`, exactly as the API sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// One criterion of the scorecard (`criteria[]`).
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CriterionRating {
    /// The criterion's name, e.g. "Communication".
    pub name: String,
    /// 1–5, or `None` while unrated (never 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    /// The reviewer's comment on it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// When the rating or the comment last changed (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<jiff::Timestamp>,
    /// Fields this version does not know, kept as read.
    #[serde(skip)]
    pub extra: Map<String, Value>,
}

impl CriterionRating {
    /// An unrated criterion called `name`.
    pub fn new(name: &str) -> Self {
        Self { name: name.to_owned(), rating: None, comment: String::new(), at: None, extra: Map::new() }
    }
}

/// Which list of the AI's analysis a point comes from (`aiPoints[].kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AiPointKind {
    /// `analysis.general.strongPoints`.
    StrongPoint,
    /// `analysis.general.weakPoints`.
    WeakPoint,
    /// `analysis.general.evaluation`.
    Evaluation,
}

impl AiPointKind {
    /// The heading of its list in the scorecard (under "The AI's points").
    pub fn heading(self) -> &'static str {
        match self {
            Self::StrongPoint => "Its strong points",
            Self::WeakPoint => "Its weak points",
            Self::Evaluation => "Its evaluation",
        }
    }
}

/// The reviewer's verdict on one claim of the AI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The reviewer agrees with the AI.
    Agree,
    /// The reviewer disagrees with the AI.
    Disagree,
}

/// The reviewer's verdict on one strong point, weak point or evaluation bullet of the AI
/// (`aiPoints[]`). The AI's text is copied, never changed, so the record stands on its own.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AiPointReview {
    /// Which list the point is in.
    pub kind: AiPointKind,
    /// The AI's text, exactly as in the analysis.
    pub text: String,
    /// Agree, disagree, or `None` while not judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Why (optional).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// When the verdict or the reason last changed (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<jiff::Timestamp>,
    /// Fields this version does not know, kept as read.
    #[serde(skip)]
    pub extra: Map<String, Value>,
}

/// A transcript turn pinned as evidence (`evidence[]`).
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The turn's position in the transcript (0-based).
    pub turn: usize,
    /// Who spoke ("Candidate", "Agent", or the label the transcript gave).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub speaker: String,
    /// The words pinned: the turn's text, or the part of it the reviewer selected.
    pub quote: String,
    /// When the turn starts in the call, in seconds from its start, if the transcript says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_seconds: Option<f64>,
    /// The reviewer's note on it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The criterion it supports, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    /// When it was pinned or last edited (UTC).
    pub at: jiff::Timestamp,
    /// Fields this version does not know, kept as read.
    #[serde(skip)]
    pub extra: Map<String, Value>,
}

/// Who a speaker the transcript names only by a number, a letter or a name is, in the
/// reviewer's judgment (`speakerRoles` values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerRole {
    /// The AI interviewer.
    Agent,
    /// The candidate.
    Candidate,
}

impl SpeakerRole {
    /// The transcript speaker it stands for.
    pub fn speaker(self) -> crate::api::transcript::Speaker {
        match self {
            Self::Agent => crate::api::transcript::Speaker::Agent,
            Self::Candidate => crate::api::transcript::Speaker::Candidate,
        }
    }
}

/// One reviewer's evaluation of one interview. Times are UTC.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version it was written in ([`FORMAT_VERSION`] by this build).
    pub version: u64,
    /// The interview's `id`.
    pub interview_id: String,
    /// The reviewer's name, as set in Settings (the OS user name by default).
    pub reviewer: String,
    /// Counts the saves: 1 for the first, one more for each. A file whose revision is not the
    /// one this app last read or wrote was changed elsewhere.
    pub revision: u64,
    /// When the review was started.
    pub created_at: jiff::Timestamp,
    /// When anything in it last changed.
    pub updated_at: jiff::Timestamp,
    /// The analysis the review was made against, if the interview had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<AnalysisRef>,
    /// The candidate's name and e-mail were hidden while reviewing (blind review).
    #[serde(default)]
    pub blind: bool,
    /// Advance, hold or reject, with when it was decided; `None` while undecided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Stamped<Decision>>,
    /// The overall rating, 1–5; `None` while unrated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Stamped<u8>>,
    /// The scorecard's criteria, in display order.
    #[serde(default)]
    pub criteria: Vec<CriterionRating>,
    /// The verdicts on the AI's points.
    #[serde(default)]
    pub ai_points: Vec<AiPointReview>,
    /// Pinned transcript turns, in the order pinned.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Free-text notes (several lines).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// When the notes last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes_at: Option<jiff::Timestamp>,
    /// Speakers the transcript names only by a number or a letter (its [`Speaker::Other`]
    /// names, e.g. `"Speaker 0"`, `"A"`) that the reviewer said are the agent or the candidate
    /// (`speakerRoles`, e.g. `{"Speaker 0": "agent"}`).
    ///
    /// [`Speaker::Other`]: crate::api::transcript::Speaker::Other
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub speaker_roles: std::collections::BTreeMap<String, SpeakerRole>,
    /// Fields this version does not know, kept as read.
    #[serde(skip)]
    pub extra: Map<String, Value>,
    /// Fields this version does not know inside `decision`, `rating` and `analysis`, by that
    /// key, kept as read.
    #[serde(skip)]
    pub nested_extra: Map<String, Value>,
}

/// The objects inside a review whose unknown fields are kept, with the fields they know.
const NESTED_FIELDS: [(&str, &[&str]); 3] =
    [("decision", &["value", "at"]), ("rating", &["value", "at"]), ("analysis", &["id", "updatedAt"])];

/// Why a review file could not be read. `Display` says what is wrong, without the path (the
/// caller names it).
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// Not JSON, or cut short.
    #[error("it is not valid JSON ({0})")]
    Json(#[source] serde_json::Error),
    /// JSON, but not a review (no `format` field of [`FORMAT`]).
    #[error("it is not an Interview Desk review file")]
    Foreign,
    /// A review, but a field has the wrong type or value.
    #[error("it is damaged: {0}")]
    Invalid(String),
}

impl Review {
    /// `transcript` with the speakers this review names as agent or candidate made so.
    pub fn apply_speaker_roles(
        &self,
        transcript: &crate::api::transcript::Transcript,
    ) -> crate::api::transcript::Transcript {
        transcript.with_roles(|name| self.speaker_roles.get(name).map(|role| role.speaker()))
    }

    /// An empty review of `interview_id` by `reviewer`, started `now`.
    pub fn new(interview_id: &str, reviewer: &str, now: jiff::Timestamp) -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: FORMAT_VERSION,
            interview_id: interview_id.to_owned(),
            reviewer: reviewer.to_owned(),
            revision: 0,
            created_at: now,
            updated_at: now,
            analysis: None,
            blind: false,
            decision: None,
            rating: None,
            criteria: Vec::new(),
            ai_points: Vec::new(),
            evidence: Vec::new(),
            notes: String::new(),
            notes_at: None,
            speaker_roles: std::collections::BTreeMap::new(),
            extra: Map::new(),
            nested_extra: Map::new(),
        }
    }

    /// Whether this build may only show it: it was written in a newer format version.
    pub fn is_newer_format(&self) -> bool {
        self.version > FORMAT_VERSION
    }

    /// The decision, without its time.
    pub fn decision(&self) -> Option<Decision> {
        self.decision.as_ref().map(|d| d.value)
    }

    /// The overall rating, without its time.
    pub fn rating(&self) -> Option<u8> {
        self.rating.as_ref().map(|r| r.value)
    }

    /// Whether anything has been recorded (a decision, a rating, a verdict, a pin or notes).
    pub fn has_content(&self) -> bool {
        self.decision.is_some()
            || self.rating.is_some()
            || self.criteria.iter().any(|c| c.rating.is_some() || !c.comment.is_empty())
            || self.ai_points.iter().any(|p| p.verdict.is_some() || !p.reason.is_empty())
            || !self.evidence.is_empty()
            || !self.notes.trim().is_empty()
    }

    /// Whether the reviewer's own content equals `other`'s (what two copies of a file differ
    /// in, ignoring the revision and the save time).
    pub fn same_content(&self, other: &Self) -> bool {
        let strip = |r: &Self| Self { revision: 0, updated_at: r.created_at, ..r.clone() };
        strip(self) == strip(other)
    }

    /// Reads a review file's text. A file with a newer `version` is read as far as this build
    /// understands it (see [`Review::is_newer_format`]).
    ///
    /// # Errors
    /// [`FormatError`] when it is not JSON, not a review, or a field is malformed (a rating
    /// out of range, an unknown decision).
    pub fn from_json(text: &str) -> Result<Self, FormatError> {
        // A BOM from an editor on Windows is not part of the JSON.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: Value = serde_json::from_str(text).map_err(FormatError::Json)?;
        let Value::Object(mut map) = value else { return Err(FormatError::Foreign) };
        if map.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(FormatError::Foreign);
        }
        let items = ["criteria", "aiPoints", "evidence"].map(|key| take_item_extras(&mut map, key));
        let extra = unknown_fields(&map, REVIEW_FIELDS);
        let mut nested_extra = Map::new();
        for (key, known) in NESTED_FIELDS {
            if let Some(Value::Object(fields)) = map.get(key) {
                let unknown = unknown_fields(fields, known);
                if !unknown.is_empty() {
                    nested_extra.insert(key.to_owned(), Value::Object(unknown));
                }
            }
        }
        let mut review: Self = match serde_json::from_value(Value::Object(map)) {
            Ok(review) => review,
            // Read again from the text, for a message with the line and column of the bad value.
            Err(err) => {
                let located =
                    serde_json::from_str::<Self>(text).err().map_or_else(|| err.to_string(), |e| e.to_string());
                return Err(FormatError::Invalid(located));
            }
        };
        review.extra = extra;
        review.nested_extra = nested_extra;
        let [criteria, points, evidence] = items;
        for (item, extra) in review.criteria.iter_mut().zip(criteria) {
            item.extra = extra;
        }
        for (item, extra) in review.ai_points.iter_mut().zip(points) {
            item.extra = extra;
        }
        for (item, extra) in review.evidence.iter_mut().zip(evidence) {
            item.extra = extra;
        }
        review.check()?;
        Ok(review)
    }

    /// The file's text: pretty JSON ending in a newline, with the unknown fields read put back.
    pub fn to_json(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            put_back(map, &self.extra);
            for (key, unknown) in &self.nested_extra {
                if let (Some(Value::Object(fields)), Value::Object(unknown)) = (map.get_mut(key), unknown) {
                    put_back(fields, unknown);
                }
            }
            put_back_items(map, "criteria", self.criteria.iter().map(|c| &c.extra));
            put_back_items(map, "aiPoints", self.ai_points.iter().map(|p| &p.extra));
            put_back_items(map, "evidence", self.evidence.iter().map(|e| &e.extra));
        }
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Checks what serde cannot: ratings in 1–5.
    fn check(&self) -> Result<(), FormatError> {
        let out_of_range = |n: u8| !(1..=MAX_RATING).contains(&n);
        if let Some(rating) = self.rating()
            && out_of_range(rating)
        {
            return Err(FormatError::Invalid(format!("the overall rating is {rating}, not 1–{MAX_RATING}")));
        }
        if let Some(c) = self.criteria.iter().find(|c| c.rating.is_some_and(out_of_range)) {
            return Err(FormatError::Invalid(format!(
                "the rating of \"{}\" is {}, not 1–{MAX_RATING}",
                c.name,
                c.rating.unwrap_or_default()
            )));
        }
        Ok(())
    }
}

/// The top-level fields [`Review`] knows (in the file's spelling).
const REVIEW_FIELDS: &[&str] = &[
    "format",
    "version",
    "interviewId",
    "reviewer",
    "revision",
    "createdAt",
    "updatedAt",
    "analysis",
    "blind",
    "decision",
    "rating",
    "criteria",
    "aiPoints",
    "evidence",
    "notes",
    "notesAt",
    "speakerRoles",
];

/// The fields each kind of item knows.
fn item_fields(key: &str) -> &'static [&'static str] {
    match key {
        "criteria" => &["name", "rating", "comment", "at"],
        "aiPoints" => &["kind", "text", "verdict", "reason", "at"],
        _ => &["turn", "speaker", "quote", "startSeconds", "note", "criterion", "at"],
    }
}

fn unknown_fields(map: &Map<String, Value>, known: &[&str]) -> Map<String, Value> {
    map.iter().filter(|(k, _)| !known.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The unknown fields of each item of the array `key`, in order.
fn take_item_extras(map: &mut Map<String, Value>, key: &str) -> Vec<Map<String, Value>> {
    let Some(Value::Array(items)) = map.get(key) else { return Vec::new() };
    items
        .iter()
        .map(|item| match item {
            Value::Object(fields) => unknown_fields(fields, item_fields(key)),
            _ => Map::new(),
        })
        .collect()
}

fn put_back(map: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (key, value) in extra {
        if !map.contains_key(key) {
            map.insert(key.clone(), value.clone());
        }
    }
}

fn put_back_items<'a>(map: &mut Map<String, Value>, key: &str, extras: impl Iterator<Item = &'a Map<String, Value>>) {
    if let Some(Value::Array(items)) = map.get_mut(key) {
        for (item, extra) in items.iter_mut().zip(extras) {
            if let Value::Object(fields) = item {
                put_back(fields, extra);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> jiff::Timestamp {
        text.parse().unwrap()
    }

    fn sample() -> Review {
        let mut review = Review::new("iv-1", "Jana Nováková", at("2026-12-01T10:00:00Z"));
        review.revision = 3;
        review.decision = Some(Stamped { value: Decision::Advance, at: at("2026-12-01T10:05:00Z") });
        review.rating = Some(Stamped { value: 4, at: at("2026-12-01T10:05:00Z") });
        review.criteria = vec![CriterionRating::new("Communication"), CriterionRating::new("SQL")];
        review.criteria[1].rating = Some(5);
        review.notes = "Strong on joins.\nAsk about Kafka.".to_owned();
        review.analysis =
            Some(AnalysisRef { id: Some("an-1".into()), updated_at: Some("2026-11-30T08:00:00Z".into()) });
        review
    }

    #[test]
    fn a_review_round_trips_and_an_unrated_criterion_stays_unrated() {
        let review = sample();
        let text = review.to_json();
        assert!(text.contains("\"decision\": {\n    \"value\": \"advance\""), "{text}");
        assert!(!text.contains("\"rating\": 0"), "unrated is absent, never 0: {text}");
        let back = Review::from_json(&text).unwrap();
        assert_eq!(back, review);
        assert_eq!(back.criteria[0].rating, None);
    }

    #[test]
    fn speaker_roles_round_trip_and_apply_to_the_transcript_only_where_named() {
        use crate::api::transcript::{Speaker, Transcript, Turn};
        let mut review = sample();
        review.speaker_roles.insert("Speaker 0".to_owned(), SpeakerRole::Candidate);
        let text = review.to_json();
        assert!(text.contains("\"speakerRoles\": {\n    \"Speaker 0\": \"candidate\""), "{text}");
        let back = Review::from_json(&text).unwrap();
        assert_eq!(back, review);
        assert!(back.extra.is_empty(), "a known field, not an unknown one");
        let turn = |speaker: Speaker, label: &str| Turn {
            speaker,
            label: Some(label.to_owned()),
            text: "Hi".to_owned(),
            start: None,
            end: None,
        };
        let transcript = Transcript::Turns(vec![
            turn(Speaker::Other("Speaker 0".to_owned()), "0"),
            turn(Speaker::Other("Speaker 1".to_owned()), "1"),
        ]);
        let Transcript::Turns(mapped) = back.apply_speaker_roles(&transcript) else { panic!("turns") };
        assert_eq!(mapped[0].speaker, Speaker::Candidate);
        assert_eq!(mapped[0].label.as_deref(), Some("0"), "the label as the server sent it");
        assert_eq!(mapped[1].speaker, Speaker::Other("Speaker 1".to_owned()), "not named: kept");
        assert_eq!(transcript.other_speakers(), ["Speaker 0", "Speaker 1"]);
    }

    #[test]
    fn unknown_fields_are_kept_at_the_top_and_inside_items() {
        let mut value: Value = serde_json::from_str(&sample().to_json()).unwrap();
        value["panelRound"] = serde_json::json!({"round": 2});
        value["criteria"][1]["weight"] = serde_json::json!(0.25);
        value["decision"]["by"] = serde_json::json!("phone call");
        let back = Review::from_json(&value.to_string()).unwrap();
        let again: Value = serde_json::from_str(&back.to_json()).unwrap();
        assert_eq!(again["panelRound"]["round"], 2);
        assert_eq!(again["criteria"][1]["weight"], serde_json::json!(0.25));
        assert_eq!(again["criteria"][1]["rating"], 5);
        assert_eq!(again["decision"]["by"], "phone call", "inside decision too");
    }

    #[test]
    fn a_minimal_or_older_file_reads_and_a_newer_version_is_flagged() {
        let minimal = r#"{"format":"interview-desk/review","version":1,"interviewId":"x","reviewer":"r",
            "revision":1,"createdAt":"2026-12-01T10:00:00Z","updatedAt":"2026-12-01T10:00:00Z"}"#;
        let review = Review::from_json(minimal).unwrap();
        assert!(review.criteria.is_empty() && review.decision.is_none() && !review.is_newer_format());
        let newer = minimal.replace("\"version\":1", "\"version\":7");
        assert!(Review::from_json(&newer).unwrap().is_newer_format());
        let bom = format!("\u{feff}{minimal}");
        assert!(Review::from_json(&bom).is_ok(), "a BOM from a Windows editor is skipped");
    }

    #[test]
    fn damaged_and_foreign_files_are_told_apart() {
        let text = sample().to_json();
        let truncated: String = text.chars().take(text.chars().count() / 2).collect();
        assert!(matches!(Review::from_json(&truncated), Err(FormatError::Json(_))));
        assert!(matches!(Review::from_json(r#"{"name":"x"}"#), Err(FormatError::Foreign)));
        let bad_rating = text.replace("\"rating\": 5", "\"rating\": 9");
        let err = Review::from_json(&bad_rating).unwrap_err();
        assert!(err.to_string().contains("\"SQL\" is 9"), "{err}");
        let bad_decision = text.replace("\"advance\"", "\"maybe\"");
        assert!(matches!(Review::from_json(&bad_decision), Err(FormatError::Invalid(_))));
    }

    #[test]
    fn the_json_schema_in_docs_names_every_field_written() {
        let schema: Value = serde_json::from_str(include_str!("../../docs/review.schema.json")).unwrap();
        let mut review = sample();
        review.ai_points.push(AiPointReview {
            kind: AiPointKind::WeakPoint,
            text: "Vague".into(),
            verdict: Some(Verdict::Disagree),
            reason: "No".into(),
            at: Some(at("2026-12-01T10:06:00Z")),
            extra: Map::new(),
        });
        review.evidence.push(Evidence {
            turn: 3,
            speaker: "Candidate".into(),
            quote: "I wrote it".into(),
            start_seconds: Some(12.5),
            note: "good".into(),
            criterion: Some("SQL".into()),
            at: at("2026-12-01T10:07:00Z"),
            extra: Map::new(),
        });
        review.speaker_roles.insert("A".into(), SpeakerRole::Agent);
        review.criteria[1].comment = "joins".into();
        review.criteria[1].at = Some(at("2026-12-01T10:08:00Z"));
        review.notes_at = Some(at("2026-12-01T10:09:00Z"));
        review.blind = true;
        let written: Value = serde_json::from_str(&review.to_json()).unwrap();
        let properties = &schema["properties"];
        for (key, value) in written.as_object().unwrap() {
            assert!(properties.get(key).is_some(), "the schema lacks {key}");
            if let Some(items) = value.as_array().and_then(|a| a.first()).and_then(Value::as_object) {
                for item_key in items.keys() {
                    assert!(
                        properties[key]["items"]["properties"].get(item_key).is_some(),
                        "the schema lacks {key}[].{item_key}"
                    );
                }
            }
        }
        let required: Vec<&str> = schema["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        let empty: Value = serde_json::from_str(&Review::new("x", "r", at("2026-12-01T10:00:00Z")).to_json()).unwrap();
        for key in required {
            assert!(empty.get(key).is_some(), "an empty review lacks the required {key}");
        }
        assert_eq!(schema["properties"]["format"]["const"], FORMAT);
    }

    #[test]
    fn typed_ratings_and_decisions_are_checked() {
        assert_eq!(parse_rating(" 3 "), Ok(3));
        assert!(parse_rating("0").is_err() && parse_rating("6").is_err() && parse_rating("4.5").is_err());
        assert_eq!(Decision::parse("Reject"), Ok(Decision::Reject));
        assert_eq!(Decision::parse("a"), Ok(Decision::Advance));
        assert_eq!(Decision::parse("maybe"), Err(FieldError::UnknownDecision("maybe".into())));
    }
}
