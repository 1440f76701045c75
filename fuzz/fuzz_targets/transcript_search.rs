//! Transcript normalisation and search (issue 5, item 13b): `transcript::normalise` and
//! `transcript_of_interview` on any JSON (or on any text, as a transcript string), the search
//! (`Query`, `Prepared`, `find_in_prepared`, `find_matches`) with a fuzzed query over the
//! turns and the plain text, `highlighted_job` over the matches, and `export_document` for
//! any interview object.
//!
//! Input: byte 0 holds the search options (bit 0 case-sensitive, bit 1 whole word), byte 1 the
//! query length `n`, the next `n` bytes the query (lossy UTF-8) and the rest the document:
//! JSON, or else text read as a transcript string.
//!
//! Invariants: transcripts are well formed (see `common::check_transcript`); every match is a
//! non-empty, in-bounds, ordered range on char boundaries covering text that matches the
//! query; prepared and unprepared searches agree; a query that occurs is found; highlighting
//! covers the text exactly once; exports are valid JSON.

#![no_main]

#[path = "common.rs"]
mod common;

use std::borrow::Cow;

use egui::{Color32, TextFormat};
use interview_desk::api::InterviewRecord;
use interview_desk::api::transcript::{Transcript, normalise, transcript_of_interview};
use interview_desk::search::{Prepared, Query, SearchOptions, find_matches, highlighted_job};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let (flags, rest) = data.split_first().map_or((0, data), |(f, r)| (*f, r));
    let (length, rest) = rest.split_first().map_or((0, rest), |(n, r)| (usize::from(*n), r));
    let (needle, document) = rest.split_at(length.min(rest.len()));
    let needle = String::from_utf8_lossy(needle);
    let options = SearchOptions { case_sensitive: flags & 1 != 0, whole_word: flags & 2 != 0 };

    let (value, text): (Value, Cow<'_, str>) = match serde_json::from_slice::<Value>(document) {
        Ok(value) => (value, String::from_utf8_lossy(document)),
        Err(_) => {
            let text = String::from_utf8_lossy(document);
            (Value::String(text.clone().into_owned()), text)
        }
    };

    let transcript = normalise(&value);
    common::check_transcript(&transcript);
    assert_eq!(normalise(&value), transcript, "normalise is not deterministic");
    let of_interview = transcript_of_interview(&value);
    common::check_transcript(&of_interview);
    if !value.is_object() {
        assert_eq!(of_interview, Transcript::Missing);
    }

    let query = Query::new(&needle, options);
    for turn in transcript.turns().iter().chain(of_interview.turns()).take(64) {
        check_search(&query, &turn.text);
    }
    check_search(&query, &transcript.plain_text());
    check_search(&query, &text);

    if let Ok(record) = InterviewRecord::from_parts(value.clone(), text.trim().to_owned()) {
        common::check_record(&record);
    }
    if let Ok(record) = InterviewRecord::from_value(value) {
        common::check_record(&record);
    }
});

/// Lower-cases char by char with final sigma read as sigma: the search's documented folding.
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ς' { 'σ' } else { c })
        .collect()
}

fn check_search(query: &Query, haystack: &str) {
    let needle = query.needle();
    let options = query.options();
    let matches = query.find_in(haystack);
    assert_eq!(matches, find_matches(haystack, needle, options), "find_matches differs");
    let prepared = Prepared::new(haystack);
    assert_eq!(query.find_in_prepared(haystack, &prepared), matches, "prepared search differs");

    let mut previous_end = 0;
    for range in &matches {
        assert!(range.start < range.end, "empty match {range:?}");
        assert!(range.start >= previous_end, "overlapping match {range:?}");
        previous_end = range.end;
        let Some(found) = haystack.get(range.clone()) else {
            panic!("{range:?} is not a char-aligned range of {haystack:?}");
        };
        if options.case_sensitive {
            assert_eq!(found, needle);
        } else {
            assert!(fold(found).contains(&fold(needle)), "{found:?} does not match {needle:?}");
        }
        if options.whole_word {
            let before = haystack.get(..range.start).and_then(|h| h.chars().next_back());
            let after = haystack.get(range.end..).and_then(|t| t.chars().next());
            assert!(!before.is_some_and(char::is_alphanumeric), "{found:?} is not a whole word");
            assert!(!after.is_some_and(char::is_alphanumeric), "{found:?} is not a whole word");
        }
    }
    if !options.whole_word && !needle.is_empty() {
        let occurs =
            if options.case_sensitive { haystack.contains(needle) } else { fold(haystack).contains(&fold(needle)) };
        assert_eq!(!matches.is_empty(), occurs, "{needle:?} in {haystack:?}: found {matches:?}");
    }
    if needle.is_empty() {
        assert!(matches.is_empty());
    }

    let normal = TextFormat::default();
    let highlight = TextFormat { background: Color32::YELLOW, ..Default::default() };
    let current = TextFormat { background: Color32::RED, ..Default::default() };
    let job = highlighted_job(haystack, &matches, Some(0), normal.clone(), highlight, current, 300.0);
    assert_eq!(job.text, haystack);
    // Adjacent sections with the same format are merged by egui, so compare bytes, not counts.
    let mut cursor = 0;
    let mut highlighted = Vec::new();
    for section in &job.sections {
        let (start, end) = (section.byte_range.start.0, section.byte_range.end.0);
        assert_eq!(start, cursor, "gap or overlap in the layout job");
        assert!(start < end, "empty section");
        cursor = end;
        if section.format != normal {
            highlighted.push(start..end);
        }
    }
    assert_eq!(cursor, haystack.len(), "the sections do not cover the text");
    for range in &matches {
        assert!(
            highlighted.iter().any(|h| h.start <= range.start && range.end <= h.end),
            "match {range:?} is not highlighted"
        );
    }
    let highlighted_bytes: usize = highlighted.iter().map(|h| h.end - h.start).sum();
    let matched_bytes: usize = matches.iter().map(|m| m.end - m.start).sum();
    assert_eq!(highlighted_bytes, matched_bytes, "text outside the matches is highlighted");
}
