//! Transcript normalisation: turns whatever the Instaview API sends as an interview transcript
//! into a list of speaker turns.
//!
//! The transcript is **not in the documented schema** (API reference, section 3.1), so this
//! module accepts every plausible shape instead of one:
//!
//! - an array of turn objects (speaker, text and time under many possible key names),
//! - an array of `"Speaker: text"` strings, or of `[speaker, text]` pairs,
//! - a plain string of `Speaker: text` lines, optionally with `[m:ss]` / `m:ss` time prefixes,
//! - an object wrapping any of those (`{"messages": [...]}`, `{"segments": [...]}`, ...),
//! - a JSON document encoded inside a string.
//!
//! Anything else becomes [`Transcript::Unstructured`]: still readable and searchable, never
//! dropped. Nothing here panics, whatever the input.
//!
//! # Time heuristics
//!
//! A turn's time is read from the first time key present (see [`TIME_KEYS`]) and ends up as
//! seconds from the start of the interview:
//!
//! - Numbers (and numeric strings) are seconds, or milliseconds when the key name says so
//!   (`startMs`, `start_ms`, `offsetMs`, anything containing `millis`).
//! - Otherwise a key is taken to hold milliseconds when every value of it in the transcript is an
//!   integer and the largest is above 36 000: no interview lasts ten hours, so such values cannot
//!   be seconds. Integer values that all look like Unix seconds (10⁹ to 10¹¹) are exempt.
//! - After that conversion, a value of 10⁹ seconds or more is a Unix timestamp.
//! - `m:ss` / `h:mm:ss` strings are offsets; ISO 8601 strings are timestamps.
//! - Timestamps become offsets from the **earliest** timestamp in the same transcript.
//! - Negative or non-finite offsets are dropped (`start: None`).

use serde_json::{Map, Value};

/// Keys of an interview object that may hold the transcript. When several hold one, the one
/// with the most information (turns with times, then turns with a known speaker) is used, the
/// first in this order on a tie; the others stay in the raw JSON and the export.
///
/// Besides the obvious names, these are where voice-agent and speech-to-text platforms put it:
/// Retell's `transcript_object` and `transcript_with_tool_calls`, Vapi's `artifact.messages`,
/// Deepgram's `results.utterances`, AssemblyAI's `utterances`.
pub const INTERVIEW_KEYS: [&str; 15] = [
    "transcript",
    "messages",
    "conversation",
    "transcription",
    "dialogue",
    "utterances",
    "transcript_object",
    "transcriptObject",
    "transcript_with_tool_calls",
    "transcriptWithToolCalls",
    "turns",
    "segments",
    "artifact",
    "results",
    "conversation_history",
];

/// Keys of an object that may wrap the list of turns, in the order they are tried.
pub const WRAPPER_KEYS: [&str; 10] = [
    "messages",
    "turns",
    "segments",
    "items",
    "entries",
    "utterances",
    "transcript",
    "data",
    "conversation",
    "dialogue",
];

/// Keys of a turn object that may name the speaker, in priority order (matched case-insensitively).
pub const SPEAKER_KEYS: [&str; 13] = [
    "role",
    "speaker",
    "sender",
    "from",
    "participant",
    "author",
    "speakerRole",
    "speaker_role",
    "who",
    "name",
    "user",
    "type",
    "channel",
];

/// Keys of a turn object that may hold its text, in priority order (matched case-insensitively).
pub const TEXT_KEYS: [&str; 9] =
    ["text", "content", "message", "utterance", "transcript", "body", "value", "words", "sentence"];

/// Keys of a turn object that may hold its start time, in priority order (matched
/// case-insensitively). See the module docs for how values are interpreted. Offsets from the
/// call's start come before clock times: Vapi sends both `secondsFromStart` and `time` (Unix
/// milliseconds), ElevenLabs `time_in_call_secs`.
pub const TIME_KEYS: [&str; 18] = [
    "startedAtSec",
    "secondsFromStart",
    "time_in_call_secs",
    "timeInCallSecs",
    "start",
    "startTime",
    "start_time",
    "startSec",
    "startMs",
    "start_ms",
    "offset",
    "offsetMs",
    "time",
    "timestamp",
    "ts",
    "startedAt",
    "begin",
    "start_timestamp",
];

/// Keys of a turn object that may hold its end time, in priority order (matched
/// case-insensitively); read as [`TIME_KEYS`] are.
pub const END_KEYS: [&str; 11] = [
    "endedAtSec",
    "end",
    "endTime",
    "end_time",
    "endSec",
    "endMs",
    "end_ms",
    "endedAt",
    "stop",
    "finish",
    "end_timestamp",
];

/// Keys of a turn object that hold tool calls or their results (OpenAI-style `tool_calls`,
/// ElevenLabs `tool_calls` / `tool_results`, Vapi `toolCalls`): such a turn without spoken text
/// is a tool turn.
const TOOL_KEYS: [&str; 8] = [
    "tool_calls",
    "toolCalls",
    "tool_results",
    "toolResults",
    "function_call",
    "functionCall",
    "tool_call",
    "toolCall",
];

/// Speaker keys whose values are often not speakers at all (`"type": "message"`,
/// `"channel": 0`): they only count when they name the agent or the candidate.
const WEAK_SPEAKER_KEYS: [&str; 2] = ["type", "channel"];

/// Keys of one element of a `words` array that hold the word itself.
const WORD_KEYS: [&str; 3] = ["punctuated_word", "word", "text"];

/// Lower-cased labels (with `_` and `-` read as spaces) that mean the AI interviewer.
const AGENT_LABELS: [&str; 17] = [
    "agent",
    "assistant",
    "ai",
    "bot",
    "interviewer",
    "recruiter",
    "instaview",
    "model",
    "ai agent",
    "ai interviewer",
    "ai assistant",
    "voice agent",
    "interviewerin",
    "面接官",
    "면접관",
    "面试官",
    "ai面接官",
];

/// Lower-cased labels (with `_` and `-` read as spaces) of a system prompt or other instruction
/// to the agent (not said by anyone).
const SYSTEM_LABELS: [&str; 4] = ["system", "developer", "system prompt", "prompt"];

/// Lower-cased labels (with `_` and `-` read as spaces) of a tool call or its result.
const TOOL_LABELS: [&str; 13] = [
    "tool",
    "tools",
    "function",
    "tool call",
    "tool calls",
    "tool call invocation",
    "tool call result",
    "tool calls result",
    "tool result",
    "tool response",
    "function call",
    "function result",
    "tool output",
];

/// Lower-cased labels (with `_` and `-` read as spaces) that mean the candidate.
const CANDIDATE_LABELS: [&str; 24] = [
    "candidate",
    "user",
    "human",
    "customer",
    "interviewee",
    "applicant",
    "caller",
    "kandidát",
    "kandidátka",
    "kandidat",
    "kandidatin",
    "bewerber",
    "bewerberin",
    "uchádzač",
    "uchádzačka",
    "uchadzac",
    "candidato",
    "candidata",
    "candidat",
    "候補者",
    "応募者",
    "면접자",
    "지원자",
    "候选人",
];

/// Characters that never appear in a speaker label of a `Speaker: text` line. Their presence
/// means the colon belongs to prose ("So the answer is, simply: yes").
const SENTENCE_PUNCTUATION: [char; 16] =
    ['.', ',', ';', '!', '?', '"', '“', '”', '„', '。', '、', '！', '？', '，', '…', '='];

/// Longest speaker label accepted in a `Speaker: text` line, in chars.
const MAX_LABEL_CHARS: usize = 40;

/// Most words accepted in a speaker label of a `Speaker: text` line.
const MAX_LABEL_WORDS: usize = 3;

/// How deep wrapper objects and JSON-in-a-string are followed.
const MAX_DEPTH: usize = 16;

/// Integer time values above this (in the key's unit) cannot be seconds: that would be ten hours.
const MILLISECONDS_THRESHOLD: f64 = 36_000.0;

/// Seconds values from this up are Unix timestamps (2001-09-09 onwards).
const UNIX_SECONDS_MIN: f64 = 1.0e9;

/// Integer values below this and at least [`UNIX_SECONDS_MIN`] look like Unix seconds, not
/// milliseconds (10¹¹ seconds is the year 5138).
const UNIX_SECONDS_MAX: f64 = 1.0e11;

/// Who spoke a turn.
#[derive(Debug, Clone, PartialEq)]
pub enum Speaker {
    /// The AI interviewer ("agent", "assistant", "Interviewer", "面接官", ...).
    Agent,

    /// The candidate ("candidate", "user", "Bewerber", "候補者", ...).
    Candidate,

    /// A system prompt or instruction to the agent (`system`, `developer`): not spoken.
    System,

    /// A tool call or its result (`tool`, `tool_calls`, `function`, or a turn that holds only
    /// tool calls): not spoken.
    Tool,

    /// A speaker label we could not map, kept as sent (trimmed), e.g. a person's name.
    /// A numeric speaker id `0` becomes `"Speaker 0"`.
    Other(String),

    /// No speaker given at all.
    Unknown,
}

/// One speaker turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    /// Who spoke.
    pub speaker: Speaker,

    /// The speaker text exactly as sent, if any (`None` when no speaker was given).
    pub label: Option<String>,

    /// What was said. Text from JSON objects is kept verbatim; text parsed from lines is trimmed.
    pub text: String,

    /// Seconds from the start of the interview, if known (finite and not negative).
    pub start: Option<f64>,

    /// When the turn ends, in seconds from the start of the interview, if the transcript says
    /// (an end key, the last word's end, or the cue's end); never before `start`.
    pub end: Option<f64>,
}

/// A normalised transcript.
#[derive(Debug, Clone, PartialEq)]
pub enum Transcript {
    /// No transcript key, or null / empty string / empty array / empty object.
    Missing,

    /// The transcript as speaker turns, in the order sent. Never empty.
    Turns(Vec<Turn>),

    /// Shape not recognised: pretty-printed JSON (or the raw text), still readable and searchable.
    Unstructured(String),
}

impl Speaker {
    /// Maps a speaker label to a speaker: trimmed, case-insensitive, `_`/`-` read as spaces.
    ///
    /// Known agent and candidate words (English plus common Slovak, Czech, German, Spanish,
    /// French, Japanese, Korean and Chinese ones) map to [`Speaker::Agent`] and
    /// [`Speaker::Candidate`]; `system` and `developer` to [`Speaker::System`] (a system prompt
    /// was not said by the agent); `tool`, `tool_calls`, `function` and the like to
    /// [`Speaker::Tool`]. Other labels stay [`Speaker::Other`]. An empty label is
    /// [`Speaker::Unknown`].
    pub fn from_label(label: &str) -> Self {
        let trimmed = label.trim();
        if trimmed.is_empty() {
            return Self::Unknown;
        }
        let key = label_key(trimmed);
        if AGENT_LABELS.contains(&key.as_str()) {
            Self::Agent
        } else if CANDIDATE_LABELS.contains(&key.as_str()) {
            Self::Candidate
        } else if SYSTEM_LABELS.contains(&key.as_str()) {
            Self::System
        } else if TOOL_LABELS.contains(&key.as_str()) {
            Self::Tool
        } else {
            Self::Other(trimmed.to_owned())
        }
    }

    /// Whether this is the agent or the candidate.
    pub fn is_known(&self) -> bool {
        matches!(self, Self::Agent | Self::Candidate)
    }

    /// Whether the turn was not spoken: a system prompt or a tool call (hidden by default).
    pub fn is_unspoken(&self) -> bool {
        matches!(self, Self::System | Self::Tool)
    }
}

impl Transcript {
    /// The names of the [`Speaker::Other`] speakers (a number such as "Speaker 0", a letter,
    /// a name), in order of first appearance: those a reviewer may say are the agent or the
    /// candidate.
    pub fn other_speakers(&self) -> Vec<String> {
        let Self::Turns(turns) = self else { return Vec::new() };
        let mut names: Vec<String> = Vec::new();
        for turn in turns {
            if let Speaker::Other(name) = &turn.speaker
                && !names.contains(name)
            {
                names.push(name.clone());
            }
        }
        names
    }

    /// This transcript with each [`Speaker::Other`] that `role_of` names made that speaker
    /// (the agent or the candidate); `label` stays as the server sent it.
    pub fn with_roles(&self, role_of: impl Fn(&str) -> Option<Speaker>) -> Self {
        let Self::Turns(turns) = self else { return self.clone() };
        Self::Turns(
            turns
                .iter()
                .map(|turn| match &turn.speaker {
                    Speaker::Other(name) => match role_of(name) {
                        Some(speaker) => Turn { speaker, ..turn.clone() },
                        None => turn.clone(),
                    },
                    _ => turn.clone(),
                })
                .collect(),
        )
    }
}

impl Turn {
    /// "Agent", "Candidate", the [`Speaker::Other`] label, or "Unknown speaker".
    pub fn speaker_name(&self) -> &str {
        match &self.speaker {
            Speaker::Agent => "Agent",
            Speaker::Candidate => "Candidate",
            Speaker::System => "System",
            Speaker::Tool => "Tool",
            Speaker::Other(label) => label,
            Speaker::Unknown => "Unknown speaker",
        }
    }

    /// The turn as one plain-text line: `[m:ss] Speaker: text`, without the time when unknown.
    pub fn plain_text(&self) -> String {
        let name = self.speaker_name();
        match self.start.and_then(format_offset) {
            Some(time) => format!("[{time}] {name}: {}", self.text),
            None => format!("{name}: {}", self.text),
        }
    }
}

impl Transcript {
    /// The whole transcript as plain text, one `Speaker: text` line per turn (times as an
    /// `[m:ss]` prefix when known), joined with `\n`. Unstructured text is returned as is;
    /// a missing transcript is the empty string.
    pub fn plain_text(&self) -> String {
        match self {
            Self::Missing => String::new(),
            Self::Turns(turns) => turns.iter().map(Turn::plain_text).collect::<Vec<_>>().join("\n"),
            Self::Unstructured(text) => text.clone(),
        }
    }

    /// The turns, or an empty slice when missing or unstructured.
    pub fn turns(&self) -> &[Turn] {
        match self {
            Self::Turns(turns) => turns,
            Self::Missing | Self::Unstructured(_) => &[],
        }
    }

    /// Number of speaker turns (0 when missing or unstructured).
    pub fn turn_count(&self) -> usize {
        self.turns().len()
    }

    /// Number of words in the spoken text (speaker labels and times excluded).
    ///
    /// A word is a whitespace-separated token containing a letter or digit; each Han, Hiragana
    /// or Katakana character counts as one word, since Chinese and Japanese use no spaces.
    pub fn word_count(&self) -> usize {
        match self {
            Self::Missing => 0,
            Self::Turns(turns) => turns.iter().map(|turn| count_words(&turn.text)).sum(),
            Self::Unstructured(text) => count_words(text),
        }
    }
}

/// Finds the transcript inside a raw interview object and normalises it.
///
/// Keys are tried in the order of [`INTERVIEW_KEYS`] (case-insensitively); the first one that
/// yields turns wins, otherwise the first unstructured one. An interview still wrapped in a
/// `{"success": .., "data": {..}}` envelope is unwrapped once. Anything that is not an object
/// is [`Transcript::Missing`].
pub fn transcript_of_interview(interview: &Value) -> Transcript {
    located_transcript(interview).1
}

/// The transcript as [`transcript_of_interview`] finds it, with the key it came from as the
/// interview spells it (`"transcript"`, `"messages"`, or `"data.transcript"` inside an
/// envelope); `None` when the transcript is missing.
pub fn located_transcript(interview: &Value) -> (Option<String>, Transcript) {
    let Some(map) = interview.as_object() else {
        return (None, Transcript::Missing);
    };
    let mut fallback = (None, Transcript::Missing);
    let mut best: Option<(Information, String, Transcript)> = None;
    for key in INTERVIEW_KEYS {
        let Some((found, value)) =
            map.get_key_value(key).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))
        else {
            continue;
        };
        // An object that only wraps other data (`results`, `artifact`) counts only when it
        // yields turns.
        match normalise(value) {
            turns @ Transcript::Turns(_) => {
                let information = Information::of(turns.turns());
                if best.as_ref().is_none_or(|(most, _, _)| information > *most) {
                    best = Some((information, found.clone(), turns));
                }
            }
            Transcript::Missing => {}
            unstructured @ Transcript::Unstructured(_) => {
                if fallback.1 == Transcript::Missing && !matches!(key, "artifact" | "results") {
                    fallback = (Some(found.clone()), unstructured);
                }
            }
        }
    }
    if let Some((_, key, turns)) = best {
        return (Some(key), turns);
    }
    if fallback.1 == Transcript::Missing
        && let Some(data) = map.get("data").filter(|data| data.is_object())
        && map.contains_key("success")
    {
        let (key, transcript) = located_transcript(data);
        return (key.map(|key| format!("data.{key}")), transcript);
    }
    fallback
}

/// How much a candidate transcript tells: turns with a time, then turns with a known speaker,
/// then turns (compared in that order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Information {
    timed: usize,
    known: usize,
    turns: usize,
}

impl Information {
    fn of(turns: &[Turn]) -> Self {
        Self {
            timed: turns.iter().filter(|t| t.start.is_some()).count(),
            known: turns.iter().filter(|t| t.speaker.is_known() || t.speaker.is_unspoken()).count(),
            turns: turns.len(),
        }
    }
}

/// Normalises one transcript value (see the module docs for the accepted shapes).
///
/// `null`, `""`, `[]` and `{}` are [`Transcript::Missing`]; numbers, booleans and unrecognised
/// shapes are [`Transcript::Unstructured`].
pub fn normalise(value: &Value) -> Transcript {
    normalise_at(value, 0)
}

/// Formats seconds from the start as `m:ss`, or `h:mm:ss` from one hour up (fractions are
/// truncated). Negative, NaN and infinite values give `None`.
pub fn format_offset(seconds: f64) -> Option<String> {
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    let total = seconds.floor() as u64;
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60);
    Some(if hours > 0 { format!("{hours}:{minutes:02}:{secs:02}") } else { format!("{minutes}:{secs:02}") })
}

/// A time value as found in one turn, before the transcript-wide heuristics are applied.
#[derive(Debug, Clone, Copy, PartialEq)]
enum RawTime {
    /// A number (or numeric string) under the given canonical time key, unit not yet known.
    Number { key: &'static str, value: f64 },

    /// Seconds from the start (from an `m:ss` string).
    Offset(f64),

    /// Unix seconds (from an ISO 8601 string).
    Absolute(f64),
}

/// A time resolved to seconds, either from the start or since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Moment {
    /// Seconds from the start of the interview.
    Offset(f64),

    /// Seconds since the Unix epoch.
    Absolute(f64),
}

/// A turn whose time is not resolved yet.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    speaker: Speaker,
    label: Option<String>,
    text: String,
    time: Option<RawTime>,
    end: Option<RawTime>,
}

/// One line of text split into its parts.
#[derive(Debug, Clone, PartialEq)]
struct Line<'a> {
    /// Seconds from the start, from a time prefix or a time after the speaker.
    start: Option<f64>,

    /// The speaker and its label as written.
    speaker: Option<(Speaker, String)>,

    /// The rest of the line, trimmed.
    text: &'a str,
}

impl From<Turn> for Draft {
    fn from(turn: Turn) -> Self {
        Self {
            speaker: turn.speaker,
            label: turn.label,
            text: turn.text,
            time: turn.start.map(RawTime::Offset),
            end: turn.end.map(RawTime::Offset),
        }
    }
}

fn normalise_at(value: &Value, depth: usize) -> Transcript {
    if depth > MAX_DEPTH {
        return unstructured(value);
    }
    match value {
        Value::Null => Transcript::Missing,
        Value::String(text) => normalise_text(text, depth),
        Value::Array(items) => normalise_array(items, value, depth),
        Value::Object(map) => normalise_object(map, value, depth),
        Value::Bool(_) | Value::Number(_) => unstructured(value),
    }
}

/// A string: JSON inside a string, `Speaker: text` lines, or unstructured text.
fn normalise_text(text: &str, depth: usize) -> Transcript {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Transcript::Missing;
    }
    if (trimmed.starts_with('[') || trimmed.starts_with('{'))
        && let Ok(inner) = serde_json::from_str::<Value>(trimmed)
    {
        match normalise_at(&inner, depth + 1) {
            Transcript::Unstructured(_) => {}
            parsed => return parsed,
        }
    }
    if let Some(turns) = super::subtitles::parse_webvtt(text).or_else(|| super::subtitles::parse_srt(text)) {
        return Transcript::Turns(turns);
    }
    match parse_lines(text) {
        Some(turns) => Transcript::Turns(turns),
        None => Transcript::Unstructured(text.to_owned()),
    }
}

fn normalise_array(items: &[Value], whole: &Value, depth: usize) -> Transcript {
    let present: Vec<&Value> = items.iter().filter(|item| !item.is_null()).collect();
    if present.is_empty() {
        return Transcript::Missing;
    }
    if present.iter().all(|item| item.is_string()) {
        let turns: Vec<Turn> = present.iter().filter_map(|item| item.as_str()).flat_map(turns_of_string).collect();
        return if turns.is_empty() { Transcript::Missing } else { Transcript::Turns(turns) };
    }
    let mut drafts = Vec::with_capacity(present.len());
    let mut any_text = false;
    for item in present {
        let (item_drafts, has_text) = drafts_of_item(item, depth);
        any_text |= has_text;
        drafts.extend(item_drafts);
    }
    if any_text && !drafts.is_empty() { Transcript::Turns(resolve_times(drafts)) } else { unstructured(whole) }
}

fn normalise_object(map: &Map<String, Value>, whole: &Value, depth: usize) -> Transcript {
    if map.is_empty() {
        return Transcript::Missing;
    }
    let mut missing_wrappers = 0;
    for key in WRAPPER_KEYS {
        let Some(inner) = get_ci(map, key) else {
            continue;
        };
        match normalise_at(inner, depth + 1) {
            turns @ Transcript::Turns(_) => return turns,
            Transcript::Missing => missing_wrappers += 1,
            Transcript::Unstructured(_) => {}
        }
    }
    if let Some(inner) = sole_array_of_objects(map)
        && let turns @ Transcript::Turns(_) = normalise_at(inner, depth + 1)
    {
        return turns;
    }
    if let Some(turns) = single_turn_object(map, depth) {
        return turns;
    }
    if missing_wrappers == map.len() { Transcript::Missing } else { unstructured(whole) }
}

/// An object that is itself one turn (speaker and text), or that holds the whole transcript as
/// text under a text key (`{"text": "Agent: hi\nCandidate: hello"}`).
fn single_turn_object(map: &Map<String, Value>, depth: usize) -> Option<Transcript> {
    let (_, text_value) = text_entry(map)?;
    let parsed = normalise_at(text_value, depth + 1);
    if parsed.turn_count() < 2 && find_speaker(map, depth).is_some() {
        let draft = draft_of_object(map, depth);
        return Some(Transcript::Turns(resolve_times(vec![draft])));
    }
    match parsed {
        turns @ Transcript::Turns(_) => Some(turns),
        Transcript::Missing | Transcript::Unstructured(_) => None,
    }
}

/// The drafts for one array element, and whether it had recognisable text.
fn drafts_of_item(item: &Value, depth: usize) -> (Vec<Draft>, bool) {
    match item {
        Value::Object(map) => {
            let has_text = text_of_object(map, depth).is_some();
            (vec![draft_of_object(map, depth)], has_text)
        }
        Value::String(text) => {
            let drafts = turns_of_string(text).into_iter().map(Draft::from).collect();
            (drafts, true)
        }
        Value::Array(pair) => match pair_draft(pair) {
            Some(draft) => (vec![draft], true),
            None => (vec![json_draft(item)], false),
        },
        Value::Null | Value::Bool(_) | Value::Number(_) => (vec![json_draft(item)], false),
    }
}

/// A `[speaker, text]` pair.
fn pair_draft(pair: &[Value]) -> Option<Draft> {
    let [speaker, text] = pair else {
        return None;
    };
    let (label, text) = (speaker.as_str()?, text.as_str()?);
    Some(Draft {
        speaker: Speaker::from_label(label),
        label: Some(label.to_owned()),
        text: text.to_owned(),
        time: None,
        end: None,
    })
}

/// A turn of unknown speaker holding an element's compact JSON, so nothing is lost.
fn json_draft(item: &Value) -> Draft {
    Draft { speaker: Speaker::Unknown, label: None, text: compact(item), time: None, end: None }
}

fn draft_of_object(map: &Map<String, Value>, depth: usize) -> Draft {
    let text = text_of_object(map, depth);
    let nested = text_entry(map).and_then(|(_, value)| value.as_object());
    let speaker = find_speaker(map, depth).or_else(|| nested.and_then(|inner| find_speaker(inner, depth + 1)));
    let time = find_time(map).or_else(|| nested.and_then(find_time)).or_else(|| first_word_time(map));
    let end = find_end(map).or_else(|| nested.and_then(find_end)).or_else(|| last_word_end(map));
    let tool_calls = text.is_none() && has_tool_calls(map);
    match (speaker, text) {
        (Some((speaker, label)), None) if tool_calls || speaker == Speaker::Tool => {
            let _ = speaker;
            Draft { speaker: Speaker::Tool, label: Some(label), text: tool_summary(map), time, end }
        }
        (None, None) if tool_calls => Draft { speaker: Speaker::Tool, label: None, text: tool_summary(map), time, end },
        (Some((speaker, label)), text) => {
            Draft { speaker, label: Some(label), text: text.unwrap_or_else(|| compact_map(map)), time, end }
        }
        (None, Some(text)) => {
            let mut draft = draft_with_speaker_prefix(text, time);
            draft.end = end;
            draft
        }
        (None, None) => Draft { speaker: Speaker::Unknown, label: None, text: compact_map(map), time, end },
    }
}

/// Whether a turn object carries tool calls or tool results (see [`TOOL_KEYS`]).
fn has_tool_calls(map: &Map<String, Value>) -> bool {
    TOOL_KEYS.iter().filter_map(|key| get_ci(map, key)).any(|value| match value {
        Value::Array(items) => !items.is_empty(),
        Value::Object(fields) => !fields.is_empty(),
        Value::String(text) => !text.trim().is_empty(),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    })
}

/// A tool turn as one readable line per call, `name(arguments)` or `name → result`, instead
/// of the raw JSON (which stays in the export); the object's compact JSON when it names none.
fn tool_summary(map: &Map<String, Value>) -> String {
    let mut calls: Vec<&Map<String, Value>> = Vec::new();
    for key in TOOL_KEYS {
        match get_ci(map, key) {
            Some(Value::Array(items)) => calls.extend(items.iter().filter_map(Value::as_object)),
            Some(Value::Object(call)) => calls.push(call),
            _ => {}
        }
    }
    if calls.is_empty() {
        calls.push(map);
    }
    let scalar = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => compact(other),
    };
    let lines: Vec<String> = calls
        .iter()
        .filter_map(|call| {
            let function = get_ci(call, "function").and_then(Value::as_object);
            let name = ["name", "tool_name", "toolName"]
                .iter()
                .find_map(|key| get_ci(call, key).or_else(|| function.and_then(|f| get_ci(f, key))))
                .and_then(Value::as_str)?;
            let arguments = ["arguments", "params", "params_as_json", "parameters", "input"]
                .iter()
                .find_map(|key| get_ci(call, key).or_else(|| function.and_then(|f| get_ci(f, key))))
                .map(scalar);
            let result =
                ["result", "output", "result_value", "content"].iter().find_map(|key| get_ci(call, key)).map(scalar);
            Some(match (arguments, result) {
                (Some(arguments), _) => format!("{name}({arguments})"),
                (None, Some(result)) => format!("{name} → {result}"),
                (None, None) => format!("{name}()"),
            })
        })
        .collect();
    if lines.is_empty() { compact_map(map) } else { lines.join("\n") }
}

/// A turn object with no speaker key whose text starts with `Speaker: `.
fn draft_with_speaker_prefix(text: String, time: Option<RawTime>) -> Draft {
    let (first, rest) = match text.split_once('\n') {
        Some((first, rest)) => (first, Some(rest)),
        None => (text.as_str(), None),
    };
    let line = parse_line(first.trim());
    match line.speaker {
        Some((speaker, label)) => {
            let mut spoken = line.text.to_owned();
            if let Some(rest) = rest {
                spoken.push('\n');
                spoken.push_str(rest);
            }
            Draft {
                speaker,
                label: Some(label),
                text: spoken,
                time: time.or(line.start.map(RawTime::Offset)),
                end: None,
            }
        }
        None => Draft { speaker: Speaker::Unknown, label: None, text, time, end: None },
    }
}

/// The first text key of an object (see [`TEXT_KEYS`]) and its value.
fn text_entry(map: &Map<String, Value>) -> Option<(&'static str, &Value)> {
    TEXT_KEYS.iter().find_map(|key| get_ci(map, key).map(|value| (*key, value)))
}

/// The text of a turn object: the first text key whose value yields text.
fn text_of_object(map: &Map<String, Value>, depth: usize) -> Option<String> {
    TEXT_KEYS.iter().filter_map(|key| get_ci(map, key)).find_map(|value| text_of_value(value, depth + 1))
}

/// Text from a string, an array of words or parts (joined with spaces), or a nested object.
fn text_of_value(value: &Value, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Array(parts) => {
            let words: Vec<String> =
                parts.iter().filter_map(|part| word_of(part, depth)).filter(|word| !word.is_empty()).collect();
            (!words.is_empty()).then(|| words.join(" "))
        }
        Value::Object(map) => text_of_object(map, depth),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// One element of a `words` (or content parts) array: a string or `{word|text: ..}`.
fn word_of(part: &Value, depth: usize) -> Option<String> {
    match part {
        Value::String(word) => Some(word.clone()),
        Value::Object(map) => WORD_KEYS
            .iter()
            .filter_map(|key| get_ci(map, key))
            .find_map(|value| value.as_str().map(str::to_owned))
            .or_else(|| text_of_object(map, depth)),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::Array(_) => None,
    }
}

/// The speaker of a turn object: the first speaker key naming the agent or the candidate,
/// otherwise the first non-weak speaker key with a usable value.
fn find_speaker(map: &Map<String, Value>, depth: usize) -> Option<(Speaker, String)> {
    let mut fallback = None;
    for key in SPEAKER_KEYS {
        let Some(found) = get_ci(map, key).and_then(|value| speaker_of_value(value, depth)) else {
            continue;
        };
        if found.0.is_known() {
            return Some(found);
        }
        if fallback.is_none() && !WEAK_SPEAKER_KEYS.contains(&key) {
            fallback = Some(found);
        }
    }
    fallback
}

/// A speaker from a label string, a numeric id, or an object with `role`/`name` inside.
fn speaker_of_value(value: &Value, depth: usize) -> Option<(Speaker, String)> {
    match value {
        Value::String(label) => match Speaker::from_label(label) {
            Speaker::Unknown => None,
            speaker => Some((speaker, label.clone())),
        },
        Value::Number(id) => Some((Speaker::Other(format!("Speaker {id}")), id.to_string())),
        Value::Object(inner) if depth < MAX_DEPTH => find_speaker(inner, depth + 1),
        Value::Object(_) | Value::Null | Value::Bool(_) | Value::Array(_) => None,
    }
}

/// The first usable time key of a turn object (see [`TIME_KEYS`]).
fn find_time(map: &Map<String, Value>) -> Option<RawTime> {
    TIME_KEYS.iter().find_map(|key| get_ci(map, key).and_then(|value| raw_time(key, value)))
}

/// The first usable end key of a turn object (see [`END_KEYS`]).
fn find_end(map: &Map<String, Value>) -> Option<RawTime> {
    END_KEYS.iter().find_map(|key| get_ci(map, key).and_then(|value| raw_time(key, value)))
}

/// The end of the last element of a `words` array, for turns that carry no end themselves.
fn last_word_end(map: &Map<String, Value>) -> Option<RawTime> {
    get_ci(map, "words")?.as_array()?.last()?.as_object().and_then(find_end)
}

/// The time of the first element of a `words` array, for turns that carry no time themselves.
fn first_word_time(map: &Map<String, Value>) -> Option<RawTime> {
    get_ci(map, "words")?.as_array()?.first()?.as_object().and_then(find_time)
}

fn raw_time(key: &'static str, value: &Value) -> Option<RawTime> {
    match value {
        Value::Number(number) => {
            number.as_f64().filter(|seconds| seconds.is_finite()).map(|value| RawTime::Number { key, value })
        }
        Value::String(text) => raw_time_of_text(key, text.trim()),
        Value::Null | Value::Bool(_) | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A numeric string, an `m:ss`/`h:mm:ss` offset or an ISO 8601 timestamp.
fn raw_time_of_text(key: &'static str, text: &str) -> Option<RawTime> {
    if let Ok(value) = text.parse::<f64>() {
        return value.is_finite().then_some(RawTime::Number { key, value });
    }
    parse_clock(text).map(RawTime::Offset).or_else(|| parse_timestamp(text).map(RawTime::Absolute))
}

/// Resolves every draft's time with the transcript-wide heuristics (see the module docs).
fn resolve_times(drafts: Vec<Draft>) -> Vec<Turn> {
    let millisecond_keys = millisecond_keys(&drafts);
    let moments: Vec<Option<Moment>> =
        drafts.iter().map(|draft| draft.time.map(|time| moment_of(time, &millisecond_keys))).collect();
    let ends: Vec<Option<Moment>> =
        drafts.iter().map(|draft| draft.end.map(|time| moment_of(time, &millisecond_keys))).collect();
    let earliest = moments
        .iter()
        .filter_map(|moment| match moment {
            Some(Moment::Absolute(seconds)) => Some(*seconds),
            Some(Moment::Offset(_)) | None => None,
        })
        .reduce(f64::min);
    drafts
        .into_iter()
        .zip(moments.into_iter().zip(ends))
        .map(|(draft, (moment, end))| {
            let start = moment.and_then(|moment| offset_of(moment, earliest));
            // An end only with a start of the same kind: an offset end beside a clock-time start
            // (or the reverse) cannot be compared.
            let same_kind = matches!(
                (moment, end),
                (Some(Moment::Offset(_)), Some(Moment::Offset(_)))
                    | (Some(Moment::Absolute(_)), Some(Moment::Absolute(_)))
            );
            let end = end
                .filter(|_| same_kind)
                .and_then(|end| offset_of(end, earliest))
                .filter(|end| start.is_some_and(|start| *end >= start));
            Turn { speaker: draft.speaker, label: draft.label, text: draft.text, start, end }
        })
        .collect()
}

/// The time keys whose numbers are milliseconds in this transcript (start and end keys).
fn millisecond_keys(drafts: &[Draft]) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for draft in drafts {
        for time in [draft.time, draft.end] {
            if let Some(RawTime::Number { key, .. }) = time
                && !keys.contains(&key)
            {
                keys.push(key);
            }
        }
    }
    keys.retain(|key| key_is_milliseconds(key, drafts));
    keys
}

/// Whether a time key holds milliseconds: by its name, or because every value is an integer and
/// the largest is above ten hours in seconds (unless they all look like Unix seconds).
fn key_is_milliseconds(key: &str, drafts: &[Draft]) -> bool {
    let lower = key.to_ascii_lowercase();
    if lower.ends_with("ms") || lower.contains("millis") {
        return true;
    }
    let values: Vec<f64> = drafts
        .iter()
        .flat_map(|draft| [draft.time, draft.end])
        .filter_map(|time| match time {
            Some(RawTime::Number { key: found, value }) if found == key => Some(value),
            Some(RawTime::Number { .. } | RawTime::Offset(_) | RawTime::Absolute(_)) | None => None,
        })
        .collect();
    let all_integers = values.iter().all(|value| value.fract() == 0.0);
    let max = values.iter().copied().fold(f64::MIN, f64::max);
    let min = values.iter().copied().fold(f64::MAX, f64::min);
    let unix_seconds = min >= UNIX_SECONDS_MIN && max < UNIX_SECONDS_MAX;
    all_integers && max > MILLISECONDS_THRESHOLD && !unix_seconds
}

fn moment_of(time: RawTime, millisecond_keys: &[&str]) -> Moment {
    match time {
        RawTime::Number { key, value } => {
            let seconds = if millisecond_keys.contains(&key) { value / 1000.0 } else { value };
            if seconds >= UNIX_SECONDS_MIN { Moment::Absolute(seconds) } else { Moment::Offset(seconds) }
        }
        RawTime::Offset(seconds) => Moment::Offset(seconds),
        RawTime::Absolute(seconds) => Moment::Absolute(seconds),
    }
}

fn offset_of(moment: Moment, earliest: Option<f64>) -> Option<f64> {
    let seconds = match moment {
        Moment::Offset(seconds) => seconds,
        Moment::Absolute(seconds) => seconds - earliest?,
    };
    (seconds.is_finite() && seconds >= 0.0).then_some(seconds)
}

/// The turns of one string element of a transcript array: its `Speaker: text` lines, or the
/// whole string as one turn of unknown speaker. Blank strings give no turn.
fn turns_of_string(text: &str) -> Vec<Turn> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    parse_lines(text).unwrap_or_else(|| {
        vec![Turn { speaker: Speaker::Unknown, label: None, text: text.trim().to_owned(), start: None, end: None }]
    })
}

/// Parses `Speaker: text` lines (optionally with a time prefix) into turns.
///
/// A line with a speaker (see [`parse_line`]) or a time prefix starts a new turn; any other line
/// continues the previous turn, joined with `\n`. Leading lines before the first speaker form one
/// turn of unknown speaker. Blank lines are skipped and `\r` is stripped. Returns `None` when no
/// line has a speaker or a time, i.e. the text is not a transcript of turns.
fn parse_lines(text: &str) -> Option<Vec<Turn>> {
    let mut turns: Vec<Turn> = Vec::new();
    let mut any_marker = false;
    for raw_line in text.split(['\n', '\r']) {
        let trimmed = raw_line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let line = parse_line(trimmed);
        let starts_turn = line.speaker.is_some() || line.start.is_some();
        any_marker |= starts_turn;
        match turns.last_mut() {
            Some(previous) if !starts_turn => continue_turn(previous, trimmed),
            _ => turns.push(turn_of_line(line)),
        }
    }
    any_marker.then_some(turns)
}

fn continue_turn(turn: &mut Turn, line: &str) {
    if !turn.text.is_empty() {
        turn.text.push('\n');
    }
    turn.text.push_str(line);
}

fn turn_of_line(line: Line<'_>) -> Turn {
    let (speaker, label) = match line.speaker {
        Some((speaker, label)) => (speaker, Some(label)),
        None => (Speaker::Unknown, None),
    };
    Turn { speaker, label, text: line.text.to_owned(), start: line.start, end: None }
}

/// The speaker of a `Name: text` first line and the text without it, for text that has no
/// speaker of its own (a subtitle cue); `None` when the first line names no speaker.
pub(crate) fn split_speaker_prefix(text: &str) -> Option<(Speaker, String, String)> {
    let (first, rest) = match text.split_once('\n') {
        Some((first, rest)) => (first, Some(rest)),
        None => (text, None),
    };
    let line = parse_line(first.trim());
    let (speaker, label) = line.speaker?;
    let mut spoken = line.text.to_owned();
    if let Some(rest) = rest {
        spoken.push('\n');
        spoken.push_str(rest);
    }
    Some((speaker, label, spoken))
}

/// Splits one trimmed line into time, speaker and text.
///
/// Accepted forms: `Speaker: text`, `[00:12] Speaker: text`, `(0:12) Speaker: text`,
/// `00:12 Speaker: text`, `00:12 - Speaker: text` and `Speaker [00:12]: text`; the full-width
/// colon `：` works too. Only the first colon counts. What comes before it is a speaker label
/// only when [`is_plausible_label`] says so, and an ASCII colon must be followed by whitespace
/// or the end of the line (so `https://…` and `10:30` are not speakers).
fn parse_line(line: &str) -> Line<'_> {
    let (prefix_time, rest) = strip_time_prefix(line);
    let no_speaker = Line { start: prefix_time, speaker: None, text: rest };
    let Some((label_part, text)) = split_at_label_colon(rest) else {
        return no_speaker;
    };
    let (label, suffix_time) = strip_time_suffix(label_part.trim());
    if !is_plausible_label(label) {
        return no_speaker;
    }
    Line {
        start: prefix_time.or(suffix_time),
        speaker: Some((Speaker::from_label(label), label.to_owned())),
        text: text.trim(),
    }
}

/// Splits at the first `:` or `：` outside brackets (so `Agent (0:05): hi` splits after the
/// `)`); an ASCII colon must be followed by whitespace or the end of the line.
fn split_at_label_colon(line: &str) -> Option<(&str, &str)> {
    let mut depth = 0_usize;
    let (index, colon) = line.char_indices().find(|(_, c)| {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        depth == 0 && (*c == ':' || *c == '：')
    })?;
    let before = line.get(..index)?;
    let after = line.get(index + colon.len_utf8()..)?;
    let followed_by_space = after.chars().next().is_none_or(char::is_whitespace);
    (colon == '：' || followed_by_space).then_some((before, after))
}

/// A speaker label is short (at most 40 chars and 3 words), starts with a letter and contains
/// no sentence punctuation, so prose such as "So the answer is, simply: yes" stays text.
fn is_plausible_label(label: &str) -> bool {
    label.chars().next().is_some_and(char::is_alphabetic)
        && label.chars().count() <= MAX_LABEL_CHARS
        && label.split_whitespace().count() <= MAX_LABEL_WORDS
        && !label.contains(SENTENCE_PUNCTUATION)
}

/// Strips a leading `[m:ss]`, `(m:ss)` or bare `m:ss` time (and a `-` separator after it).
fn strip_time_prefix(line: &str) -> (Option<f64>, &str) {
    if let Some((seconds, rest)) = bracketed_time_prefix(line) {
        return (Some(seconds), strip_separator(rest));
    }
    let line = line.trim_start();
    let token = line.split_whitespace().next().unwrap_or_default();
    match parse_clock(token) {
        Some(seconds) => (Some(seconds), strip_separator(line.get(token.len()..).unwrap_or_default())),
        None => (None, line),
    }
}

/// `[00:12] rest` or `(00:12) rest`; ranges such as `[00:12 - 00:15]` use their first time.
fn bracketed_time_prefix(line: &str) -> Option<(f64, &str)> {
    let close = match line.chars().next()? {
        '[' => ']',
        '(' => ')',
        _ => return None,
    };
    let (inside, rest) = line.get(1..)?.split_once(close)?;
    let first = inside.split_whitespace().next()?;
    parse_clock(first).map(|seconds| (seconds, rest))
}

fn strip_separator(rest: &str) -> &str {
    let rest = rest.trim_start();
    rest.strip_prefix(['-', '–', '—']).map_or(rest, str::trim_start)
}

/// `Agent [00:12]` or `Agent (0:12)` → (`Agent`, 12 s). Other labels are returned unchanged.
fn strip_time_suffix(label: &str) -> (&str, Option<f64>) {
    let open = match label.chars().next_back() {
        Some(']') => '[',
        Some(')') => '(',
        _ => return (label, None),
    };
    let Some((before, inside)) = label.rsplit_once(open) else {
        return (label, None);
    };
    let inside = inside.get(..inside.len().saturating_sub(1)).unwrap_or_default();
    match parse_clock(inside.trim()) {
        Some(seconds) => (before.trim_end(), Some(seconds)),
        None => (label, None),
    }
}

/// `m:ss`, `mm:ss.fff` or `h:mm:ss(.fff)` (a `,` decimal separator works too) → seconds.
/// Minutes and seconds after the first field must be below 60.
fn parse_clock(text: &str) -> Option<f64> {
    let mut fields = text.split(':');
    let first = fields.next()?;
    let second = fields.next()?;
    let third = fields.next();
    if fields.next().is_some() {
        return None;
    }
    let (hours, minutes, seconds) = match third {
        Some(third) => (first, second, third),
        None => ("0", first, second),
    };
    let hours = parse_digits(hours)?;
    let minutes = parse_digits(minutes)?;
    let seconds = parse_seconds_field(seconds)?;
    let minutes_ok = third.is_none() || minutes < 60.0;
    (minutes_ok && seconds < 60.0).then_some(hours * 3600.0 + minutes * 60.0 + seconds)
}

fn parse_digits(field: &str) -> Option<f64> {
    let digits_only = !field.is_empty() && field.len() <= 9 && field.bytes().all(|b| b.is_ascii_digit());
    if !digits_only {
        return None;
    }
    field.parse::<f64>().ok()
}

/// `ss`, `ss.fff` or `ss,fff`.
fn parse_seconds_field(field: &str) -> Option<f64> {
    let (whole, fraction) = field.split_once(['.', ',']).unwrap_or((field, ""));
    let whole = parse_digits(whole)?;
    if fraction.is_empty() {
        return Some(whole);
    }
    let fraction_value = parse_digits(fraction)?;
    let scale = 10f64.powi(i32::try_from(fraction.len()).ok()?);
    Some(whole + fraction_value / scale)
}

/// An ISO 8601 timestamp → Unix seconds. Without an offset the time is read as UTC.
fn parse_timestamp(text: &str) -> Option<f64> {
    let timestamp = text.parse::<jiff::Timestamp>().ok().or_else(|| {
        text.parse::<jiff::civil::DateTime>()
            .ok()?
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|zoned| zoned.timestamp())
    })?;
    Some(timestamp.as_second() as f64 + f64::from(timestamp.subsec_nanosecond()) / 1e9)
}

/// The only value of an object that is a non-empty array of objects, if exactly one exists.
fn sole_array_of_objects(map: &Map<String, Value>) -> Option<&Value> {
    let mut arrays = map
        .values()
        .filter(|value| value.as_array().is_some_and(|items| !items.is_empty() && items.iter().all(Value::is_object)));
    let first = arrays.next()?;
    arrays.next().is_none().then_some(first)
}

/// Looks a key up exactly, then ASCII-case-insensitively.
fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).or_else(|| map.iter().find(|(found, _)| found.eq_ignore_ascii_case(key)).map(|(_, value)| value))
}

/// A label lower-cased with `_` and `-` read as spaces, for matching against the known labels.
fn label_key(label: &str) -> String {
    label.chars().flat_map(char::to_lowercase).map(|c| if c == '_' || c == '-' { ' ' } else { c }).collect()
}

fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .map(|token| {
            let ideographs = token.chars().filter(|c| is_spaceless_script(*c)).count();
            let other = token.chars().any(|c| c.is_alphanumeric() && !is_spaceless_script(c));
            ideographs + usize::from(other)
        })
        .sum()
}

/// Han, Hiragana and Katakana: scripts written without spaces between words.
fn is_spaceless_script(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}')
}

fn unstructured(value: &Value) -> Transcript {
    match value {
        Value::String(text) => Transcript::Unstructured(text.clone()),
        _ => Transcript::Unstructured(serde_json::to_string_pretty(value).unwrap_or_default()),
    }
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn compact_map(map: &Map<String, Value>) -> String {
    serde_json::to_string(map).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Shorthand for an expected turn: speaker, label, text, start.
    type Expected<'a> = (Speaker, Option<&'a str>, &'a str, Option<f64>);

    fn turns(expected: &[Expected<'_>]) -> Transcript {
        Transcript::Turns(
            expected
                .iter()
                .map(|(speaker, label, text, start)| Turn {
                    speaker: speaker.clone(),
                    label: label.map(str::to_owned),
                    text: (*text).to_owned(),
                    start: *start,
                    end: None,
                })
                .collect(),
        )
    }

    fn other(label: &str) -> Speaker {
        Speaker::Other(label.to_owned())
    }

    fn check(cases: Vec<(&str, Value, Transcript)>) {
        for (name, input, expected) in cases {
            assert_eq!(normalise(&input), expected, "case {name}: {input}");
        }
    }

    #[test]
    fn empty_values_are_missing() {
        check(vec![
            ("null", Value::Null, Transcript::Missing),
            ("empty string", json!(""), Transcript::Missing),
            ("blank string", json!("  \r\n "), Transcript::Missing),
            ("empty array", json!([]), Transcript::Missing),
            ("array of nulls", json!([null, null]), Transcript::Missing),
            ("array of blank strings", json!(["", " "]), Transcript::Missing),
            ("empty object", json!({}), Transcript::Missing),
            ("empty wrapper", json!({"messages": []}), Transcript::Missing),
            ("null wrapper", json!({"transcript": null}), Transcript::Missing),
            ("json empty array in string", json!("[]"), Transcript::Missing),
        ]);
    }

    #[test]
    fn scalars_are_unstructured() {
        check(vec![
            ("number", json!(42), Transcript::Unstructured("42".to_owned())),
            ("bool", json!(true), Transcript::Unstructured("true".to_owned())),
            (
                "prose",
                json!("Just a summary, no speakers."),
                Transcript::Unstructured("Just a summary, no speakers.".to_owned()),
            ),
            ("unknown object", json!({"id": 1}), Transcript::Unstructured("{\n  \"id\": 1\n}".to_owned())),
        ]);
    }

    #[test]
    fn documented_example_shape() {
        check(vec![(
            "api reference 7.1",
            json!([
                {"role": "AGENT", "text": "Hello, is now a good time?", "startedAtSec": 0.0},
                {"role": "CANDIDATE", "text": "Yes.", "startedAtSec": 6.4},
            ]),
            turns(&[
                (Speaker::Agent, Some("AGENT"), "Hello, is now a good time?", Some(0.0)),
                (Speaker::Candidate, Some("CANDIDATE"), "Yes.", Some(6.4)),
            ]),
        )]);
    }

    #[test]
    fn speaker_keys() {
        let cases = SPEAKER_KEYS
            .iter()
            .map(|key| {
                let input = json!([{ *key: "assistant", "text": "hi" }]);
                let expected = turns(&[(Speaker::Agent, Some("assistant"), "hi", None)]);
                (*key, input, expected)
            })
            .collect();
        check(cases);
    }

    #[test]
    fn speaker_key_variants() {
        check(vec![
            (
                "upper-case key",
                json!([{"ROLE": "user", "text": "hi"}]),
                turns(&[(Speaker::Candidate, Some("user"), "hi", None)]),
            ),
            (
                "nested speaker object",
                json!([{"speaker": {"role": "agent", "name": "Alex"}, "text": "hi"}]),
                turns(&[(Speaker::Agent, Some("agent"), "hi", None)]),
            ),
            (
                "nested speaker name only",
                json!([{"speaker": {"name": "Alex"}, "text": "hi"}]),
                turns(&[(other("Alex"), Some("Alex"), "hi", None)]),
            ),
            (
                "role wins over name",
                json!([{"name": "Alex", "role": "interviewer", "text": "hi"}]),
                turns(&[(Speaker::Agent, Some("interviewer"), "hi", None)]),
            ),
            (
                "later known role wins over earlier name",
                json!([{"speaker": "Alex", "speakerRole": "agent", "text": "hi"}]),
                turns(&[(Speaker::Agent, Some("agent"), "hi", None)]),
            ),
            (
                "type that is not a speaker is ignored",
                json!([{"type": "message", "text": "hi"}]),
                turns(&[(Speaker::Unknown, None, "hi", None)]),
            ),
            (
                "numeric speaker id",
                json!([{"speaker": 0, "text": "hi"}]),
                turns(&[(other("Speaker 0"), Some("0"), "hi", None)]),
            ),
            ("empty speaker", json!([{"role": " ", "text": "hi"}]), turns(&[(Speaker::Unknown, None, "hi", None)])),
            (
                "speaker in nested message",
                json!([{"message": {"role": "assistant", "content": "hi"}}]),
                turns(&[(Speaker::Agent, Some("assistant"), "hi", None)]),
            ),
            (
                "speaker prefix inside text",
                json!([{"text": "Interviewer: hi"}]),
                turns(&[(Speaker::Agent, Some("Interviewer"), "hi", None)]),
            ),
        ]);
    }

    #[test]
    fn speaker_labels() {
        let cases = [
            ("agent", Speaker::Agent),
            ("AGENT", Speaker::Agent),
            (" Assistant ", Speaker::Agent),
            ("AI", Speaker::Agent),
            ("bot", Speaker::Agent),
            ("Interviewer", Speaker::Agent),
            ("recruiter", Speaker::Agent),
            ("Instaview", Speaker::Agent),
            ("ai_agent", Speaker::Agent),
            ("面接官", Speaker::Agent),
            ("candidate", Speaker::Candidate),
            ("User", Speaker::Candidate),
            ("human", Speaker::Candidate),
            ("customer", Speaker::Candidate),
            ("interviewee", Speaker::Candidate),
            ("applicant", Speaker::Candidate),
            ("caller", Speaker::Candidate),
            ("Kandidát", Speaker::Candidate),
            ("KANDIDAT", Speaker::Candidate),
            ("Bewerber", Speaker::Candidate),
            ("bewerberin", Speaker::Candidate),
            ("Uchádzač", Speaker::Candidate),
            ("uchadzac", Speaker::Candidate),
            ("候補者", Speaker::Candidate),
            ("応募者", Speaker::Candidate),
            ("면접자", Speaker::Candidate),
            ("system", Speaker::System),
            (" Alex Smith ", other("Alex Smith")),
            ("", Speaker::Unknown),
            ("   ", Speaker::Unknown),
        ];
        for (label, expected) in cases {
            assert_eq!(Speaker::from_label(label), expected, "label {label:?}");
        }
    }

    #[test]
    fn text_keys() {
        let cases = TEXT_KEYS
            .iter()
            .map(|key| {
                let input = json!([{ "role": "agent", *key: "hello there" }]);
                let expected = turns(&[(Speaker::Agent, Some("agent"), "hello there", None)]);
                (*key, input, expected)
            })
            .collect();
        check(cases);
    }

    #[test]
    fn text_value_variants() {
        check(vec![
            (
                "words as objects",
                json!([{"role": "user", "words": [{"word": "hello"}, {"text": "there"}]}]),
                turns(&[(Speaker::Candidate, Some("user"), "hello there", None)]),
            ),
            (
                "words as strings",
                json!([{"role": "user", "words": ["hello", "there"]}]),
                turns(&[(Speaker::Candidate, Some("user"), "hello there", None)]),
            ),
            (
                "content parts",
                json!([{"role": "user", "content": [{"type": "text", "text": "hi"}]}]),
                turns(&[(Speaker::Candidate, Some("user"), "hi", None)]),
            ),
            (
                "text kept verbatim",
                json!([{"role": "user", "text": "Great 👍🏽 done\r\n"}]),
                turns(&[(Speaker::Candidate, Some("user"), "Great 👍🏽 done\r\n", None)]),
            ),
            (
                "element without text keeps its json",
                json!([{"role": "agent", "text": "hi"}, {"role": "user", "audio": "x.wav"}]),
                turns(&[
                    (Speaker::Agent, Some("agent"), "hi", None),
                    (Speaker::Candidate, Some("user"), r#"{"role":"user","audio":"x.wav"}"#, None),
                ]),
            ),
            (
                "stray scalar element keeps its json",
                json!([{"role": "agent", "text": "hi"}, 7]),
                turns(&[(Speaker::Agent, Some("agent"), "hi", None), (Speaker::Unknown, None, "7", None)]),
            ),
            (
                "no element has text",
                json!([{"role": "agent", "audio": "a.wav"}]),
                Transcript::Unstructured(
                    "[\n  {\n    \"role\": \"agent\",\n    \"audio\": \"a.wav\"\n  }\n]".to_owned(),
                ),
            ),
            (
                "speaker and text pairs",
                json!([["agent", "hi"], ["candidate", "hello"]]),
                turns(&[
                    (Speaker::Agent, Some("agent"), "hi", None),
                    (Speaker::Candidate, Some("candidate"), "hello", None),
                ]),
            ),
        ]);
    }

    #[test]
    fn time_keys() {
        let cases = TIME_KEYS
            .iter()
            .map(|key| {
                let input = json!([{ "role": "agent", "text": "hi", *key: 12 }]);
                let expected = turns(&[(Speaker::Agent, Some("agent"), "hi", Some(12.0))]);
                (*key, input, expected)
            })
            .filter(|(key, _, _)| !key.to_ascii_lowercase().ends_with("ms"))
            .collect();
        check(cases);
    }

    #[test]
    fn time_value_variants() {
        check(vec![
            (
                "milliseconds by key name",
                json!([{"text": "a", "startMs": 0}, {"text": "b", "startMs": 5400}]),
                turns(&[(Speaker::Unknown, None, "a", Some(0.0)), (Speaker::Unknown, None, "b", Some(5.4))]),
            ),
            (
                "milliseconds by magnitude",
                json!([{"text": "a", "start": 0}, {"text": "b", "start": 61000}]),
                turns(&[(Speaker::Unknown, None, "a", Some(0.0)), (Speaker::Unknown, None, "b", Some(61.0))]),
            ),
            (
                "small integers stay seconds",
                json!([{"text": "a", "start": 0}, {"text": "b", "start": 3599}]),
                turns(&[(Speaker::Unknown, None, "a", Some(0.0)), (Speaker::Unknown, None, "b", Some(3599.0))]),
            ),
            (
                "numeric string",
                json!([{"text": "a", "start": "6.5"}]),
                turns(&[(Speaker::Unknown, None, "a", Some(6.5))]),
            ),
            (
                "clock strings",
                json!([{"text": "a", "time": "1:05"}, {"text": "b", "time": "1:02:03.5"}]),
                turns(&[(Speaker::Unknown, None, "a", Some(65.0)), (Speaker::Unknown, None, "b", Some(3723.5))]),
            ),
            (
                "iso timestamps from the earliest",
                json!([
                    {"text": "b", "timestamp": "2024-11-16T10:30:07.5Z"},
                    {"text": "a", "timestamp": "2024-11-16T10:30:00Z"},
                    {"text": "c", "timestamp": "2024-11-16T11:30:00+01:00"},
                ]),
                turns(&[
                    (Speaker::Unknown, None, "b", Some(7.5)),
                    (Speaker::Unknown, None, "a", Some(0.0)),
                    (Speaker::Unknown, None, "c", Some(0.0)),
                ]),
            ),
            (
                "epoch milliseconds",
                json!([{"text": "a", "time": 1_700_000_000_000_u64}, {"text": "b", "time": 1_700_000_002_500_u64}]),
                turns(&[(Speaker::Unknown, None, "a", Some(0.0)), (Speaker::Unknown, None, "b", Some(2.5))]),
            ),
            (
                "epoch seconds",
                json!([{"text": "a", "ts": 1_700_000_000}, {"text": "b", "ts": 1_700_000_030}]),
                turns(&[(Speaker::Unknown, None, "a", Some(0.0)), (Speaker::Unknown, None, "b", Some(30.0))]),
            ),
            (
                "negative and garbage times dropped",
                json!([{"text": "a", "start": -3}, {"text": "b", "start": "soon"}]),
                turns(&[(Speaker::Unknown, None, "a", None), (Speaker::Unknown, None, "b", None)]),
            ),
            (
                "time from first word",
                json!([{"role": "agent", "text": "hi", "words": [{"word": "hi", "start": 1.5}]}]),
                turns(&[(Speaker::Agent, Some("agent"), "hi", Some(1.5))]),
            ),
        ]);
    }

    #[test]
    fn plain_string_shapes() {
        check(vec![
            (
                "speaker lines",
                json!("Agent: Hello\nCandidate: Hi there"),
                turns(&[
                    (Speaker::Agent, Some("Agent"), "Hello", None),
                    (Speaker::Candidate, Some("Candidate"), "Hi there", None),
                ]),
            ),
            (
                "crlf and blank lines",
                json!("Agent: Hello\r\n\r\nCandidate: Hi\r\n"),
                turns(&[
                    (Speaker::Agent, Some("Agent"), "Hello", None),
                    (Speaker::Candidate, Some("Candidate"), "Hi", None),
                ]),
            ),
            (
                "bracketed time prefix",
                json!("[00:12] Agent: Hello\n[1:02:03] Candidate: Hi"),
                turns(&[
                    (Speaker::Agent, Some("Agent"), "Hello", Some(12.0)),
                    (Speaker::Candidate, Some("Candidate"), "Hi", Some(3723.0)),
                ]),
            ),
            (
                "bare time prefix",
                json!("00:12 Agent: Hello\n0:15 - Candidate: Hi"),
                turns(&[
                    (Speaker::Agent, Some("Agent"), "Hello", Some(12.0)),
                    (Speaker::Candidate, Some("Candidate"), "Hi", Some(15.0)),
                ]),
            ),
            (
                "time after speaker",
                json!("Agent (0:05): Hello"),
                turns(&[(Speaker::Agent, Some("Agent"), "Hello", Some(5.0))]),
            ),
            (
                "continuation lines",
                json!("Agent: Hello\nhow are you?\nCandidate: Fine"),
                turns(&[
                    (Speaker::Agent, Some("Agent"), "Hello\nhow are you?", None),
                    (Speaker::Candidate, Some("Candidate"), "Fine", None),
                ]),
            ),
            (
                "speaker alone on its line",
                json!("Agent:\nHello"),
                turns(&[(Speaker::Agent, Some("Agent"), "Hello", None)]),
            ),
            (
                "leading lines without speaker",
                json!("Call recording\nstarted late\nAgent: Hello"),
                turns(&[
                    (Speaker::Unknown, None, "Call recording\nstarted late", None),
                    (Speaker::Agent, Some("Agent"), "Hello", None),
                ]),
            ),
            (
                "prose colons are not speakers",
                json!(
                    "Agent: Note: the candidate said no\nSo the answer is, simply: yes\nsee https://example.com\nthe meeting at 10:30 went well\nWhat we all agreed on: ship"
                ),
                turns(&[(
                    Speaker::Agent,
                    Some("Agent"),
                    "Note: the candidate said no\nSo the answer is, simply: yes\nsee https://example.com\nthe meeting at 10:30 went well\nWhat we all agreed on: ship",
                    None,
                )]),
            ),
            (
                "names and other languages",
                json!("Alex Smith: Hallo\n面接官：自己紹介をお願いします。\n候補者：はい。"),
                turns(&[
                    (other("Alex Smith"), Some("Alex Smith"), "Hallo", None),
                    (Speaker::Agent, Some("面接官"), "自己紹介をお願いします。", None),
                    (Speaker::Candidate, Some("候補者"), "はい。", None),
                ]),
            ),
            (
                "times without speakers",
                json!("[00:01] hello\n[00:04] hi"),
                turns(&[(Speaker::Unknown, None, "hello", Some(1.0)), (Speaker::Unknown, None, "hi", Some(4.0))]),
            ),
            (
                "json inside a string",
                json!(r#"[{"role":"agent","text":"hi"}]"#),
                turns(&[(Speaker::Agent, Some("agent"), "hi", None)]),
            ),
        ]);
    }

    #[test]
    fn array_of_strings() {
        check(vec![
            (
                "speaker lines",
                json!(["Agent: Hello", "Candidate: Hi", "no speaker here"]),
                turns(&[
                    (Speaker::Agent, Some("Agent"), "Hello", None),
                    (Speaker::Candidate, Some("Candidate"), "Hi", None),
                    (Speaker::Unknown, None, "no speaker here", None),
                ]),
            ),
            (
                "multi-line string is one turn",
                json!(["first line\nsecond line"]),
                turns(&[(Speaker::Unknown, None, "first line\nsecond line", None)]),
            ),
        ]);
    }

    #[test]
    fn wrapped_shapes() {
        let inner = json!([{"role": "agent", "text": "hi"}]);
        let expected = turns(&[(Speaker::Agent, Some("agent"), "hi", None)]);
        let mut cases: Vec<(&str, Value, Transcript)> = WRAPPER_KEYS
            .iter()
            .map(|key| (*key, json!({ *key: inner.clone(), "id": "x" }), expected.clone()))
            .collect();
        cases.push((
            "sole array of objects",
            json!({"id": "x", "chunks": inner.clone(), "tags": ["a"]}),
            expected.clone(),
        ));
        cases.push(("nested wrappers", json!({"data": {"segments": inner.clone()}}), expected.clone()));
        cases.push((
            "text key holding lines",
            json!({"text": "Agent: hi\nCandidate: hello", "language": "en"}),
            turns(&[
                (Speaker::Agent, Some("Agent"), "hi", None),
                (Speaker::Candidate, Some("Candidate"), "hello", None),
            ]),
        ));
        cases.push(("single turn object", json!({"role": "agent", "text": "hi"}), expected));
        check(cases);
    }

    #[test]
    fn interview_keys() {
        let inner = json!([{"role": "agent", "text": "hi"}]);
        let expected = turns(&[(Speaker::Agent, Some("agent"), "hi", None)]);
        for key in INTERVIEW_KEYS {
            let interview = json!({"id": "1", "status": "COMPLETED", key: inner.clone()});
            assert_eq!(transcript_of_interview(&interview), expected, "key {key}");
        }
        let later_key_wins_over_empty = json!({"transcript": [], "messages": inner.clone()});
        assert_eq!(transcript_of_interview(&later_key_wins_over_empty), expected);
        let enveloped = json!({"success": true, "data": {"transcript": inner}});
        assert_eq!(transcript_of_interview(&enveloped), expected);
        let no_transcript = json!({"id": "1", "analysis": null});
        assert_eq!(transcript_of_interview(&no_transcript), Transcript::Missing);
        assert_eq!(transcript_of_interview(&json!([1])), Transcript::Missing);
    }

    #[test]
    fn offsets_format() {
        let cases = [
            (0.0, Some("0:00")),
            (6.4, Some("0:06")),
            (65.0, Some("1:05")),
            (3599.9, Some("59:59")),
            (3600.0, Some("1:00:00")),
            (3723.0, Some("1:02:03")),
            (-1.0, None),
            (f64::NAN, None),
            (f64::INFINITY, None),
        ];
        for (seconds, expected) in cases {
            assert_eq!(format_offset(seconds).as_deref(), expected, "{seconds}");
        }
    }

    #[test]
    fn plain_text_and_counts() {
        let transcript = normalise(&json!([
            {"role": "agent", "text": "Hello there", "start": 0},
            {"role": "user", "text": "Hi"},
            {"speaker": "Alex", "text": "今日は 晴れ", "start": 75},
        ]));
        assert_eq!(transcript.plain_text(), "[0:00] Agent: Hello there\nCandidate: Hi\n[1:15] Alex: 今日は 晴れ");
        assert_eq!(transcript.turn_count(), 3);
        assert_eq!(transcript.word_count(), 3 + 5);
        assert_eq!(Transcript::Missing.plain_text(), "");
        assert_eq!(Transcript::Missing.word_count(), 0);
        let unstructured = Transcript::Unstructured("one two".to_owned());
        assert_eq!(unstructured.turn_count(), 0);
        assert_eq!(unstructured.word_count(), 2);
        let unknown = Turn { speaker: Speaker::Unknown, label: None, text: String::new(), start: None, end: None };
        assert_eq!(unknown.speaker_name(), "Unknown speaker");
    }

    fn pick<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
        rng.choice(items).copied().unwrap_or_default()
    }

    const FRAGMENTS: [&str; 24] = [
        "Agent: hi",
        "[00:12] ",
        "1:02:03",
        "\r\n",
        "\n",
        ":",
        "：",
        "00:1",
        "2024-11-16T10:30:00Z",
        "12.5",
        "-7",
        "候補者",
        "İ",
        "👍🏽",
        "(",
        "]",
        "[",
        " - ",
        "{\"role\":\"agent\",\"text\":\"x\"}",
        "[1,2",
        "Candidate",
        "e\u{301}",
        "",
        "99999999999999999999",
    ];

    fn random_string(rng: &mut fastrand::Rng) -> String {
        (0..rng.usize(..6)).map(|_| pick(rng, &FRAGMENTS)).collect()
    }

    fn random_key(rng: &mut fastrand::Rng) -> String {
        let lists: [&[&str]; 6] =
            [&SPEAKER_KEYS, &TEXT_KEYS, &TIME_KEYS, &WRAPPER_KEYS, &INTERVIEW_KEYS, &["word", "x", "ROLE", ""]];
        let list = rng.choice(lists).unwrap_or_default();
        pick(rng, list).to_owned()
    }

    fn random_value(rng: &mut fastrand::Rng, depth: usize) -> Value {
        let kinds = if depth > 4 { 5 } else { 7 };
        match rng.usize(..kinds) {
            0 => Value::Null,
            1 => Value::Bool(rng.bool()),
            2 => json!(rng.u64(..100_000)),
            3 => json!(f64::from(rng.u32(..100_000)) / 7.0 - 50.0),
            4 => Value::String(random_string(rng)),
            5 => Value::Array((0..rng.usize(..5)).map(|_| random_value(rng, depth + 1)).collect()),
            _ => Value::Object((0..rng.usize(..5)).map(|_| (random_key(rng), random_value(rng, depth + 1))).collect()),
        }
    }

    #[test]
    fn random_values_never_panic() {
        let mut rng = fastrand::Rng::with_seed(0x5eed);
        for _ in 0..600 {
            let value = random_value(&mut rng, 0);
            for transcript in [normalise(&value), transcript_of_interview(&value)] {
                if let Transcript::Turns(turns) = &transcript {
                    assert!(!turns.is_empty(), "empty turns for {value}");
                    for turn in turns {
                        assert!(turn.start.is_none_or(|s| s.is_finite() && s >= 0.0));
                        assert_eq!(turn.label.is_none(), turn.speaker == Speaker::Unknown);
                    }
                }
                let _text = transcript.plain_text();
                let _words = transcript.word_count();
            }
        }
    }
}
