//! Transcript files: plain text, Markdown, SubRip (SRT), WebVTT and the normalised JSON.
//!
//! SRT and WebVTT need a start and an end for every cue. A cue starts at its turn's time and
//! ends where the next timed turn starts; the last ends when the call ends (`durationMinutes`)
//! or, when that is unknown or earlier, after the time it takes to say its words (2.5 words a
//! second, at least 2 s). Turns without a time get no invented one: they join the cue of the
//! timed turn before them (or the first cue), in order, each with its speaker.

use serde_json::{Value, json};

use crate::api::InterviewRecord;
use crate::api::transcript::{Speaker, Transcript, Turn, format_offset, located_transcript};

/// A transcript file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum, serde::Deserialize, serde::Serialize)]
pub enum TranscriptFormat {
    /// `[m:ss] Speaker: text`, one turn per line (UTF-8).
    Txt,
    /// Markdown: a heading, then one paragraph per turn with the speaker in bold.
    Md,
    /// SubRip subtitles (`00:01:02,500 --> 00:01:05,000`).
    Srt,
    /// WebVTT subtitles (`00:01:02.500 --> 00:01:05.000`, speakers as `<v Name>`).
    Vtt,
    /// The normalised transcript as JSON (see [`transcript_json`]).
    Json,
}

impl TranscriptFormat {
    /// Every format, in menu order.
    pub const ALL: [Self; 5] = [Self::Txt, Self::Md, Self::Srt, Self::Vtt, Self::Json];

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Txt => "txt",
            Self::Md => "md",
            Self::Srt => "srt",
            Self::Vtt => "vtt",
            Self::Json => "json",
        }
    }

    /// The name in menus ("SubRip subtitles (.srt)").
    pub fn label(self) -> &'static str {
        match self {
            Self::Txt => "Plain text (.txt)",
            Self::Md => "Markdown (.md)",
            Self::Srt => "SubRip subtitles (.srt)",
            Self::Vtt => "WebVTT subtitles (.vtt)",
            Self::Json => "Normalised JSON (.json)",
        }
    }
}

/// Why a transcript file could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TranscriptFileError {
    /// The interview has no transcript.
    #[error("the interview has no transcript")]
    Missing,
    /// Subtitles need times, and no turn has one (or the transcript is not in turns).
    #[error("the transcript has no turn times, so it cannot be written as {0} subtitles; save it as txt, md or json")]
    NoTimes(&'static str),
}

/// `agent`, `candidate`, `system`, `tool` or `unknown`: the normalised speaker of a turn.
pub fn speaker_role(turn: &Turn) -> &'static str {
    match &turn.speaker {
        Speaker::Agent => "agent",
        Speaker::Candidate => "candidate",
        Speaker::System => "system",
        Speaker::Tool => "tool",
        Speaker::Other(_) | Speaker::Unknown => "unknown",
    }
}

/// The normalised transcript:
///
/// `{"interviewId": "...", "source": "<the interview key it came from>" | null, "turns":
/// [{"index": 0, "speaker": "agent"|"candidate"|"system"|"tool"|"unknown", "label": "<as the
/// server named it>" | null, "start": <seconds from the start> | null, "end": <seconds> | null,
/// "text": "..."}]}`
///
/// An unstructured transcript is one turn of `unknown` speaker holding its whole text; a missing
/// one has no turns. `end` is `null` unless the transcript gives one (an end key, the last
/// word's end, a subtitle cue's end).
pub fn transcript_json(record: &InterviewRecord) -> String {
    let (source, transcript) = located_transcript(&record.raw);
    let turns: Vec<Value> = match &transcript {
        Transcript::Missing => Vec::new(),
        Transcript::Unstructured(text) => vec![json!({
            "index": 0, "speaker": "unknown", "label": null, "start": null, "end": null, "text": text,
        })],
        Transcript::Turns(turns) => turns
            .iter()
            .enumerate()
            .map(|(index, turn)| {
                json!({
                    "index": index,
                    "speaker": speaker_role(turn),
                    "label": turn.label,
                    "start": turn.start,
                    "end": turn.end,
                    "text": turn.text,
                })
            })
            .collect(),
    };
    let document = json!({"interviewId": record.interview.id, "source": source, "turns": turns});
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The transcript of `record` in `format`.
///
/// # Errors
/// [`TranscriptFileError::Missing`] when there is no transcript, [`TranscriptFileError::NoTimes`]
/// for SRT and VTT when no turn has a time.
pub fn transcript_file(record: &InterviewRecord, format: TranscriptFormat) -> Result<String, TranscriptFileError> {
    let transcript = &record.interview.transcript;
    if *transcript == Transcript::Missing {
        return Err(TranscriptFileError::Missing);
    }
    match format {
        TranscriptFormat::Txt => {
            let mut text = transcript.plain_text();
            text.push('\n');
            Ok(text)
        }
        TranscriptFormat::Md => Ok(markdown(record)),
        TranscriptFormat::Srt => subtitles(record, Subtitles::Srt),
        TranscriptFormat::Vtt => subtitles(record, Subtitles::Vtt),
        TranscriptFormat::Json => Ok(transcript_json(record)),
    }
}

fn markdown(record: &InterviewRecord) -> String {
    let interview = &record.interview;
    let mut out = format!("# Transcript of interview {}\n\n", interview.id);
    match &interview.transcript {
        Transcript::Turns(turns) => {
            for turn in turns {
                let time = turn.start.and_then(format_offset).map(|t| format!(" · {t}")).unwrap_or_default();
                out.push_str(&format!("**{}**{time}\n", markdown_escape(turn.speaker_name())));
                // Two spaces end a Markdown line inside the paragraph; a blank line would end it.
                let lines: Vec<String> =
                    turn.text.lines().filter(|l| !l.trim().is_empty()).map(markdown_escape).collect();
                out.push_str(&lines.join("  \n"));
                out.push_str("\n\n");
            }
        }
        Transcript::Unstructured(text) => {
            out.push_str("```text\n");
            out.push_str(&text.replace("```", "`\u{200B}``"));
            out.push_str("\n```\n");
        }
        Transcript::Missing => {}
    }
    out
}

/// Text that Markdown shows as written: its markup characters and HTML escaped.
fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
    if out.starts_with(['-', '+', '>'])
        || out.split_once(". ").is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
    {
        out.insert(0, '\\');
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Subtitles {
    Srt,
    Vtt,
}

/// One cue: its time and the turns it holds.
struct Cue<'a> {
    start: f64,
    end: f64,
    turns: Vec<&'a Turn>,
}

fn subtitles(record: &InterviewRecord, kind: Subtitles) -> Result<String, TranscriptFileError> {
    let name = if kind == Subtitles::Srt { "SRT" } else { "WebVTT" };
    let turns = record.interview.transcript.turns();
    let mut cues: Vec<Cue<'_>> = Vec::new();
    // A cue's own end, when the transcript gives one (else it ends where the next starts).
    let mut given_ends: Vec<Option<f64>> = Vec::new();
    let mut before_first: Vec<&Turn> = Vec::new();
    // Empty turns say nothing; a turn whose time is before the cue before it (times out of
    // order at the source) joins that cue, so cue times only go forward.
    for turn in turns.iter().filter(|t| !t.text.trim().is_empty()) {
        let last_start = cues.last().map(|c| c.start);
        match (turn.start.filter(|start| last_start.is_none_or(|last| *start >= last)), cues.last_mut()) {
            (Some(start), _) => {
                let mut held = std::mem::take(&mut before_first);
                held.push(turn);
                cues.push(Cue { start, end: start, turns: held });
                given_ends.push(turn.end);
            }
            (None, Some(cue)) => cue.turns.push(turn),
            (None, None) => before_first.push(turn),
        }
    }
    if cues.is_empty() {
        return Err(TranscriptFileError::NoTimes(name));
    }
    let call_end = record.interview.duration_minutes.as_ref().and_then(|d| d.valid()).map(|m| m * 60.0);
    let count = cues.len();
    for index in 0..count {
        let start = cues.get(index).map_or(0.0, |c| c.start);
        let next = cues.get(index + 1).map(|c| c.start);
        let end = match (given_ends.get(index).copied().flatten(), next) {
            (Some(end), _) if end > start => end,
            (_, next) => match next {
                Some(next) if next > start => next,
                Some(_) => start + speaking_time(cues.get(index).map_or(&[][..], |c| &c.turns)).min(2.0),
                None => {
                    let said = start + speaking_time(cues.get(index).map_or(&[][..], |c| &c.turns));
                    call_end.filter(|end| *end > start).map_or(said, |end| end.min(said.max(start + 2.0)))
                }
            },
        };
        if let Some(cue) = cues.get_mut(index) {
            cue.end = end;
        }
    }
    let mut out = String::new();
    if kind == Subtitles::Vtt {
        out.push_str("WEBVTT\n\n");
    }
    for (number, cue) in cues.iter().enumerate() {
        match kind {
            Subtitles::Srt => {
                out.push_str(&format!("{}\n{} --> {}\n", number + 1, srt_time(cue.start), srt_time(cue.end)));
                for turn in &cue.turns {
                    out.push_str(&format!("{}: {}\n", speaker_text(turn), cue_text(&turn.text)));
                }
            }
            Subtitles::Vtt => {
                out.push_str(&format!("{} --> {}\n", vtt_time(cue.start), vtt_time(cue.end)));
                for turn in &cue.turns {
                    let voice = vtt_escape(&speaker_text(turn)).replace('>', "&gt;");
                    out.push_str(&format!("<v {voice}>{}\n", vtt_escape(&cue_text(&turn.text))));
                }
            }
        }
        out.push('\n');
    }
    Ok(out)
}

/// The speaker's name on one line: line breaks and runs of spaces as one space, and no `-->`,
/// so a name from the server can neither end a cue nor start a timing line.
fn speaker_text(turn: &Turn) -> String {
    let name = turn.speaker_name().split_whitespace().collect::<Vec<_>>().join(" ");
    let name = name.replace("-->", "->");
    if name.is_empty() { "Unknown speaker".to_owned() } else { name }
}

/// How long the turns take to say: 2.5 words a second, at least 2 s.
fn speaking_time(turns: &[&Turn]) -> f64 {
    let words: usize = turns.iter().map(|t| t.text.split_whitespace().count()).sum();
    (words as f64 / 2.5).max(2.0)
}

/// A turn's text for a cue: its lines without blank ones (a blank line ends a cue in both
/// formats) and without `-->` (which starts a timing line).
fn cue_text(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect();
    lines.join("\n").replace("-->", "->")
}

/// `&` and `<` escaped, as WebVTT cue text needs.
fn vtt_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

/// Whole milliseconds, rounded once, so a time never reads `,1000`.
fn milliseconds(seconds: f64) -> u64 {
    if seconds.is_finite() && seconds > 0.0 { (seconds * 1000.0).round() as u64 } else { 0 }
}

/// `HH:MM:SS,mmm`.
pub fn srt_time(seconds: f64) -> String {
    let ms = milliseconds(seconds);
    format!("{:02}:{:02}:{:02},{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// `HH:MM:SS.mmm`.
pub fn vtt_time(seconds: f64) -> String {
    srt_time(seconds).replace(',', ".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(transcript: Value) -> InterviewRecord {
        InterviewRecord::from_value(json!({"id": "iv-1", "durationMinutes": 1, "transcript": transcript})).unwrap()
    }

    #[test]
    fn subtitle_times_never_read_1000_milliseconds() {
        assert_eq!(srt_time(59.9996), "00:01:00,000");
        assert_eq!(vtt_time(3723.0455), "01:02:03.046");
        assert_eq!(srt_time(-3.0), "00:00:00,000");
        assert_eq!(vtt_time(f64::NAN), "00:00:00.000");
    }

    #[test]
    fn srt_and_vtt_take_cue_times_from_the_turns_and_invent_none() {
        let record = record(json!([
            {"role": "agent", "text": "Hello & <welcome>", "start": 1.5},
            {"role": "user", "text": "Hi --> there\n\nsecond line", "start": 4.25},
            {"role": "user", "text": "no time here"},
            {"role": "agent", "text": "Bye", "start": 10}
        ]));
        let srt = transcript_file(&record, TranscriptFormat::Srt).unwrap();
        assert_eq!(
            srt,
            "1\n00:00:01,500 --> 00:00:04,250\nAgent: Hello & <welcome>\n\n\
             2\n00:00:04,250 --> 00:00:10,000\nCandidate: Hi -> there\nsecond line\nCandidate: no time here\n\n\
             3\n00:00:10,000 --> 00:00:12,000\nAgent: Bye\n\n"
        );
        let vtt = transcript_file(&record, TranscriptFormat::Vtt).unwrap();
        assert!(
            vtt.starts_with("WEBVTT\n\n00:00:01.500 --> 00:00:04.250\n<v Agent>Hello &amp; &lt;welcome>\n"),
            "{vtt}"
        );
        assert!(vtt.contains("\n00:00:10.000 --> 00:00:12.000\n<v Agent>Bye\n"));
    }

    #[test]
    fn subtitles_without_any_time_are_refused_with_a_reason() {
        let record = record(json!("Agent: Hello\nCandidate: Hi"));
        assert_eq!(transcript_file(&record, TranscriptFormat::Srt), Err(TranscriptFileError::NoTimes("SRT")));
        assert!(transcript_file(&record, TranscriptFormat::Txt).unwrap().contains("Candidate: Hi"));
        let none = InterviewRecord::from_value(json!({"id": "iv-2"})).unwrap();
        assert_eq!(transcript_file(&none, TranscriptFormat::Md), Err(TranscriptFileError::Missing));
    }

    #[test]
    fn json_names_the_source_key_and_normalised_speakers() {
        let record = InterviewRecord::from_value(json!({"id": "iv-3", "messages": [
            {"role": "system", "content": "You are an interviewer"},
            {"role": "assistant", "content": "Hello", "time": 0.5},
            {"role": "tool", "content": "{\"ok\":true}"},
            {"speaker": 1, "text": "Hi"}
        ]}))
        .unwrap();
        let value: Value = serde_json::from_str(&transcript_json(&record)).unwrap();
        assert_eq!(value["interviewId"], "iv-3");
        assert_eq!(value["source"], "messages");
        let speakers: Vec<&str> =
            value["turns"].as_array().unwrap().iter().map(|t| t["speaker"].as_str().unwrap()).collect();
        assert_eq!(speakers, ["system", "agent", "tool", "unknown"]);
        assert_eq!(value["turns"][1]["start"], 0.5);
        assert_eq!(value["turns"][1]["label"], "assistant");
        assert_eq!(value["turns"][3]["label"], "1");
        assert!(value["turns"][0]["start"].is_null() && value["turns"][0]["end"].is_null());
    }

    #[test]
    fn markdown_shows_markup_in_the_text_as_written() {
        let record = record(json!([{"role": "user", "text": "# not a heading *really* <b>x</b>", "start": 2}]));
        let md = transcript_file(&record, TranscriptFormat::Md).unwrap();
        assert!(md.contains("**Candidate** · 0:02\n\\# not a heading \\*really\\* &lt;b>x&lt;/b>\n"), "{md}");
    }

    #[test]
    fn a_hostile_speaker_name_or_times_out_of_order_cannot_break_the_cues() {
        let record = record(json!([
            {"speaker": "Dr. Evil\n\n99\n00:00:00,000 --> 00:09:00,000\nINJECTED", "text": "Hi", "start": 5},
            {"role": "user", "text": "Earlier?", "start": 3},
            {"role": "user", "text": "   ", "start": 6},
            {"role": "agent", "text": "Later", "start": 7}
        ]));
        let srt = transcript_file(&record, TranscriptFormat::Srt).unwrap();
        assert_eq!(
            srt,
            "1\n00:00:05,000 --> 00:00:07,000\nDr. Evil 99 00:00:00,000 -> 00:09:00,000 INJECTED: Hi\nCandidate: Earlier?\n\n\
             2\n00:00:07,000 --> 00:00:09,000\nAgent: Later\n\n"
        );
        let vtt = transcript_file(&record, TranscriptFormat::Vtt).unwrap();
        assert!(vtt.contains("<v Dr. Evil 99 00:00:00,000 -&gt; 00:09:00,000 INJECTED>Hi\n"), "{vtt}");
        assert_eq!(vtt.matches(" --> ").count(), 2);
    }
}
