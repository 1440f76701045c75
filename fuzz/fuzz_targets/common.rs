//! Invariants shared by the fuzz targets.

#![allow(dead_code)]

use interview_desk::api::transcript::{Transcript, format_offset};
use interview_desk::api::{Interview, InterviewRecord};
use interview_desk::api::transcript::INTERVIEW_KEYS;
use interview_desk::export::{
    ExportOptions, ExportSource, RelatedRecords, default_file_name, export_document, export_document_with,
};
use serde_json::Value;

/// The export document of any decoded record is valid JSON holding the record's raw object,
/// with the documented keys in order, and the default file name is a safe one.
pub fn check_export(record: &InterviewRecord) {
    let source = ExportSource { base_url: "https://api.instaview.sk".into(), company_id: Some("c\"o".into()) };
    let at = jiff::Timestamp::UNIX_EPOCH;
    let text = export_document(record, &source, None, at);
    let doc: Value = match serde_json::from_str(&text) {
        Ok(doc) => doc,
        Err(err) => panic!("export is not JSON ({err}):\n{text}"),
    };
    assert!(text.ends_with("}\n"), "no trailing newline");
    let keys: Vec<&str> = doc.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    assert_eq!(keys, ["format", "version", "exportedAt", "source", "interview"]);
    assert_eq!(doc["interview"], record.raw, "the exported interview differs from the record");
    assert_eq!(doc["source"]["companyId"], "c\"o");

    let related = RelatedRecords {
        candidate: record.raw.get("metadata").cloned(),
        agent: None,
        job: record.raw.get("analysis").cloned(),
    };
    let text = export_document(record, &source, Some(&related), at);
    let doc: Value = match serde_json::from_str(&text) {
        Ok(doc) => doc,
        Err(err) => panic!("export with related records is not JSON ({err}):\n{text}"),
    };
    assert_eq!(doc["interview"], record.raw);
    assert_eq!(doc["candidate"], related.candidate.unwrap_or(Value::Null));
    assert_eq!(doc["agent"], Value::Null);
    assert_eq!(doc["job"], related.job.unwrap_or(Value::Null));

    // Without the transcript: every other key is kept, the transcript keys are gone.
    let text = export_document_with(record, &source, None, at, ExportOptions { transcript: false });
    let doc: Value = match serde_json::from_str(&text) {
        Ok(doc) => doc,
        Err(err) => panic!("export without transcript is not JSON ({err}):\n{text}"),
    };
    assert_eq!(doc["omitted"], serde_json::json!(["transcript"]));
    let mut expected = record.raw.clone();
    if let Some(object) = expected.as_object_mut() {
        for key in INTERVIEW_KEYS {
            object.remove(key);
        }
    }
    assert_eq!(doc["interview"], expected, "export without transcript changed other keys");

    let name = default_file_name(&record.interview);
    assert!(name.len() <= 200 && !name.is_empty(), "{name:?}");
    assert!(!name.chars().any(|c| c.is_control() || "<>:\"/\\|?*".contains(c)), "{name:?}");
}

/// The typed view does not depend on the raw text, only on the raw value.
pub fn check_record(record: &InterviewRecord) {
    assert!(!record.interview.id.trim().is_empty(), "empty id accepted");
    match Interview::from_value(&record.raw) {
        Ok(again) => assert_eq!(again, record.interview, "decoding is not deterministic"),
        Err(err) => panic!("the record's raw value no longer decodes: {err}"),
    }
    check_transcript(&record.interview.transcript);
    check_export(record);
}

/// Structural invariants of a normalised transcript.
pub fn check_transcript(transcript: &Transcript) {
    let text_chars: usize;
    match transcript {
        Transcript::Missing => {
            assert!(transcript.plain_text().is_empty());
            text_chars = 0;
        }
        Transcript::Turns(turns) => {
            assert!(!turns.is_empty(), "Turns(vec![]) must be Missing");
            assert_eq!(transcript.turn_count(), turns.len());
            for turn in turns {
                if let Some(start) = turn.start {
                    assert!(start.is_finite() && start >= 0.0, "bad start {start}");
                    let formatted = format_offset(start);
                    assert!(formatted.is_some(), "{start} has no offset text");
                    if start < 1.0e15 {
                        let seconds = formatted
                            .unwrap_or_default()
                            .split(':')
                            .try_fold(0_u64, |total, part| part.parse::<u64>().ok().map(|p| total * 60 + p));
                        assert_eq!(seconds, Some(start.floor() as u64), "format_offset({start})");
                    }
                }
                if let interview_desk::api::transcript::Speaker::Other(label) = &turn.speaker {
                    assert!(!label.is_empty() && label.trim() == label, "untrimmed label {label:?}");
                }
                assert!(!turn.speaker_name().is_empty());
            }
            let lines = transcript.plain_text();
            assert!(lines.lines().count() >= turns.len() || turns.iter().any(|t| t.text.contains(['\r', '\n'])));
            text_chars = turns.iter().map(|t| t.text.chars().count()).sum();
        }
        Transcript::Unstructured(text) => {
            assert_eq!(&transcript.plain_text(), text);
            assert_eq!(transcript.turn_count(), 0);
            text_chars = text.chars().count();
        }
    }
    assert!(transcript.word_count() <= text_chars, "more words than chars");
}
