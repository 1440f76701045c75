//! Transcript shapes of the voice-agent and speech-to-text platforms that run such calls, as
//! their public API docs show them, each read with the right speakers, times and text.

use interview_desk::api::transcript::{Speaker, Transcript, Turn, located_transcript};
use serde_json::{Value, json};

fn read(interview: Value) -> (Option<String>, Vec<Turn>) {
    let (source, transcript) = located_transcript(&interview);
    assert!(matches!(transcript, Transcript::Turns(_)), "no turns: {transcript:?}");
    (source, transcript.turns().to_vec())
}

fn spoken(turns: &[Turn]) -> Vec<(Speaker, Option<f64>, &str)> {
    turns.iter().filter(|t| !t.speaker.is_unspoken()).map(|t| (t.speaker.clone(), t.start, t.text.as_str())).collect()
}

/// Retell: `transcript_object` with per-word timings beside the plain `transcript`, and tool
/// calls in `transcript_with_tool_calls`.
#[test]
fn retell_words_and_tool_calls() {
    let (source, turns) = read(json!({
        "id": "iv-1",
        "transcript": "Agent: Hi, this is Alex.\nUser: Hello.",
        "transcript_object": [
            {"role": "agent", "content": "Hi, this is Alex.", "words": [
                {"word": "Hi,", "start": 0.42, "end": 0.6}, {"word": "Alex.", "start": 1.1, "end": 1.5}]},
            {"role": "user", "content": "Hello.", "words": [{"word": "Hello.", "start": 2.25, "end": 2.9}]}
        ],
        "transcript_with_tool_calls": [
            {"role": "agent", "content": "Hi, this is Alex.", "words": [
                {"word": "Hi,", "start": 0.42, "end": 0.6}, {"word": "Alex.", "start": 1.1, "end": 1.5}]},
            {"role": "tool_call_invocation", "tool_call_id": "t1", "name": "check_calendar", "arguments": "{\"day\":\"mon\"}"},
            {"role": "tool_call_result", "tool_call_id": "t1", "content": "{\"free\":true}"},
            {"role": "user", "content": "Hello.", "words": [{"word": "Hello.", "start": 2.25, "end": 2.9}]}
        ]
    }));
    assert_eq!(
        source.as_deref(),
        Some("transcript_with_tool_calls"),
        "the richest shape wins: times and speakers (not the plain string), and the tool calls"
    );
    assert_eq!(
        spoken(&turns),
        [(Speaker::Agent, Some(0.42), "Hi, this is Alex."), (Speaker::Candidate, Some(2.25), "Hello.")]
    );
    assert_eq!((turns[0].end, turns[3].end), (Some(1.5), Some(2.9)), "ends from the last word");

    let (_, with_tools) = read(json!({"id": "iv-1", "transcript_with_tool_calls": [
        {"role": "agent", "content": "One moment."},
        {"role": "tool_call_invocation", "tool_call_id": "t1", "name": "check_calendar", "arguments": "{\"day\":\"mon\"}"},
        {"role": "tool_call_result", "tool_call_id": "t1", "content": "{\"free\":true}"}
    ]}));
    assert_eq!(with_tools[1].speaker, Speaker::Tool);
    assert_eq!(with_tools[1].text, "check_calendar({\"day\":\"mon\"})", "readable, not a JSON blob");
    assert_eq!(with_tools[2].speaker, Speaker::Tool);
}

/// Vapi: `artifact.messages` with a system prompt first, `bot` and `user` roles, Unix
/// milliseconds in `time` beside `secondsFromStart`, and tool calls whose `message` is absent.
#[test]
fn vapi_artifact_messages() {
    let (source, turns) = read(json!({
        "id": "iv-2",
        "artifact": {
            "transcript": "AI: Hello\nUser: Hi",
            "messages": [
                {"role": "system", "message": "You are a recruiter.", "time": 1_717_000_000_000_u64, "secondsFromStart": 0},
                {"role": "bot", "message": "Hello", "time": 1_717_000_001_200_u64, "endTime": 1_717_000_002_000_u64, "secondsFromStart": 1.2},
                {"role": "tool_calls", "toolCalls": [{"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{\"id\":7}"}}], "time": 1_717_000_003_000_u64, "secondsFromStart": 3.0},
                {"role": "tool_call_result", "name": "lookup", "result": "ok", "time": 1_717_000_003_500_u64, "secondsFromStart": 3.5},
                {"role": "user", "message": "Hi", "time": 1_717_000_004_000_u64, "secondsFromStart": 4.0}
            ]
        }
    }));
    assert_eq!(source.as_deref(), Some("artifact"));
    assert_eq!(turns[0].speaker, Speaker::System, "the system prompt is kept, as a system turn");
    assert_eq!(spoken(&turns), [(Speaker::Agent, Some(1.2), "Hello"), (Speaker::Candidate, Some(4.0), "Hi")]);
    assert_eq!(turns[2].speaker, Speaker::Tool);
    assert_eq!(turns[2].text, "lookup({\"id\":7})");
    assert_eq!(turns[3].text, "lookup → ok");
}

/// ElevenLabs Conversational AI: `time_in_call_secs`, and agent turns whose `message` is null
/// because they only call a tool.
#[test]
fn elevenlabs_time_in_call_and_null_messages() {
    let (_, turns) = read(json!({"id": "iv-3", "transcript": [
        {"role": "agent", "message": "Welcome! Ready?", "time_in_call_secs": 0, "tool_calls": []},
        {"role": "user", "message": "Yes.", "time_in_call_secs": 4},
        {"role": "agent", "message": null, "time_in_call_secs": 6,
            "tool_calls": [{"tool_name": "end_call", "params_as_json": "{}", "request_id": "r1"}], "tool_results": []},
        {"role": "agent", "message": "Thanks, goodbye.", "time_in_call_secs": 7}
    ]}));
    assert_eq!(
        spoken(&turns),
        [
            (Speaker::Agent, Some(0.0), "Welcome! Ready?"),
            (Speaker::Candidate, Some(4.0), "Yes."),
            (Speaker::Agent, Some(7.0), "Thanks, goodbye.")
        ]
    );
    assert_eq!(turns[2].speaker, Speaker::Tool);
    assert_eq!(turns[2].label.as_deref(), Some("agent"), "the label as the server named it");
    assert_eq!(turns[2].text, "end_call({})");
}

/// Deepgram: `results.utterances` with integer speakers and words; AssemblyAI: letter speakers
/// and millisecond times.
#[test]
fn deepgram_and_assemblyai_utterances() {
    let (source, turns) = read(json!({"id": "iv-4", "results": {
        "channels": [{"alternatives": [{"transcript": "hello there how are you"}]}],
        "utterances": [
            {"start": 0.08, "end": 1.2, "speaker": 0, "channel": 0, "transcript": "Hello there.", "words": [{"word": "hello", "start": 0.08, "end": 0.4, "punctuated_word": "Hello"}]},
            {"start": 1.5, "end": 2.6, "speaker": 1, "channel": 0, "transcript": "How are you?"}
        ]
    }}));
    assert_eq!(source.as_deref(), Some("results"));
    assert_eq!(turns[0].speaker, Speaker::Other("Speaker 0".to_owned()));
    assert_eq!((turns[1].start, turns[1].end, turns[1].text.as_str()), (Some(1.5), Some(2.6), "How are you?"));

    let (_, turns) = read(json!({"id": "iv-5", "utterances": [
        {"speaker": "A", "text": "Good morning.", "start": 250, "end": 1_900, "confidence": 0.97},
        {"speaker": "B", "text": "Morning!", "start": 2_400, "end": 3_100},
        {"speaker": "A", "text": "Let us begin.", "start": 40_120, "end": 41_000}
    ]}));
    assert_eq!(turns[0].speaker, Speaker::Other("A".to_owned()), "a letter speaker keeps its label");
    assert_eq!((turns[0].start, turns[0].end), (Some(0.25), Some(1.9)), "milliseconds");
    assert_eq!(turns[2].start, Some(40.12));
}

/// WebVTT and SRT as the transcript string.
#[test]
fn subtitles_as_the_transcript_string() {
    let (_, turns) = read(json!({"id": "iv-6", "transcript":
        "\u{FEFF}WEBVTT\r\n\r\n1\r\n00:01.000 --> 00:03.000 align:start\r\n<v Interviewer>Hello &amp; welcome\r\n\r\n2\r\n00:04.000 --> 00:05.500\r\n<v Candidate>Thanks</v>\r\n"}));
    assert_eq!(
        spoken(&turns),
        [(Speaker::Agent, Some(1.0), "Hello & welcome"), (Speaker::Candidate, Some(4.0), "Thanks")]
    );
    assert_eq!(turns[1].end, Some(5.5));
    let (_, turns) = read(
        json!({"id": "iv-7", "transcript": "1\n00:00:01,000 --> 00:00:02,500\nAgent: Hi\n\n2\n00:00:03,000 --> 00:00:04,000\nCandidate: Hello\n"}),
    );
    assert_eq!(spoken(&turns), [(Speaker::Agent, Some(1.0), "Hi"), (Speaker::Candidate, Some(3.0), "Hello")]);
}
