//! Searching a whole transcript: the rows shown, each turn's text, and the search itself, so it
//! can run on the worker for long transcripts (a common word in a 20,000-turn call has tens of
//! thousands of matches, more than a frame can afford) and in the frame for short ones.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::api::transcript::Transcript;
use crate::search::{Prepared, Query};

/// Transcripts with at least this many bytes of text are searched on the worker; shorter ones
/// in the frame (a few hundred microseconds at most).
pub const BACKGROUND_SEARCH_BYTES: usize = 64 * 1024;

/// One search hit: the row's position and the byte range in its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Position of the row among the rows shown (after the speaker filter).
    pub row: usize,
    /// Byte range in the turn's text (on char boundaries).
    pub range: Range<usize>,
}

/// The text of turn `turn` without trailing line breaks (a trailing `\r\n` would add an empty
/// line), or the whole text of an unstructured transcript; an out-of-range index gives "".
/// Search and display both use this, so match ranges always fit the drawn text.
pub fn turn_text(transcript: &Transcript, turn: usize) -> &str {
    match transcript {
        Transcript::Turns(turns) => turns.get(turn).map_or("", |t| t.text.trim_end_matches(['\r', '\n'])),
        Transcript::Unstructured(text) => text,
        Transcript::Missing => "",
    }
}

/// The bytes of text in `transcript`, to choose where to search it.
pub fn text_bytes(transcript: &Transcript) -> usize {
    match transcript {
        Transcript::Turns(turns) => turns.iter().map(|t| t.text.len()).sum(),
        Transcript::Unstructured(text) => text.len(),
        Transcript::Missing => 0,
    }
}

/// Every turn's text folded once for case-insensitive search, by turn index.
pub fn prepare_turns(transcript: &Transcript) -> Vec<Prepared> {
    (0..transcript.turn_count().max(1)).map(|turn| Prepared::new(turn_text(transcript, turn))).collect()
}

/// Every match of `query` in the rows `rows` (turn indexes, in display order), in order.
/// `prepared` (from [`prepare_turns`]) is used when it fits; `stale` is asked every few hundred
/// rows and ends the search early with `None` when it says a newer search has started.
pub fn search_rows(
    transcript: &Transcript,
    rows: &[usize],
    query: &Query,
    prepared: &[Prepared],
    stale: &dyn Fn() -> bool,
) -> Option<Vec<Match>> {
    let mut matches = Vec::new();
    if query.is_empty() {
        return Some(matches);
    }
    for (row, &turn) in rows.iter().enumerate() {
        if row % 256 == 255 && stale() {
            return None;
        }
        let text = turn_text(transcript, turn);
        let found = match prepared.get(turn) {
            Some(prepared) => query.find_in_prepared(text, prepared),
            None => query.find_in(text),
        };
        matches.extend(found.into_iter().map(|range| Match { row, range }));
    }
    Some(matches)
}

/// A search to run on the worker, as the Transcript tab asks for it.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    /// The turn index of each row shown, in display order.
    pub rows: Arc<Vec<usize>>,
    /// The compiled query.
    pub query: Arc<Query>,
    /// The folded turns from an earlier search of the same transcript, if any.
    pub prepared: Option<Arc<Vec<Prepared>>>,
    /// Numbers the searches of one view; only the answer to the latest is applied.
    pub generation: u64,
    /// The latest generation asked for: an older search still running stops early.
    pub latest: Arc<AtomicU64>,
}

/// The worker's answer to a [`SearchRequest`].
#[derive(Clone, Debug)]
pub struct SearchAnswer {
    /// The request's generation.
    pub generation: u64,
    /// Every match, in order.
    pub matches: Vec<Match>,
    /// The folded turns (built for this search if it had none), for the next search.
    pub prepared: Option<Arc<Vec<Prepared>>>,
}

/// Runs `request` on `transcript` (blocking: call it off the UI thread). `None` when a newer
/// search made it stale.
pub fn run(transcript: &Transcript, request: SearchRequest) -> Option<SearchAnswer> {
    let SearchRequest { rows, query, prepared, generation, latest } = request;
    let stale = || latest.load(Ordering::Relaxed) != generation;
    let prepared = match prepared {
        Some(prepared) => Some(prepared),
        None if !query.options().case_sensitive && !query.is_empty() => Some(Arc::new(prepare_turns(transcript))),
        None => None,
    };
    if stale() {
        return None;
    }
    let folded = prepared.as_deref().map_or(&[][..], Vec::as_slice);
    let matches = search_rows(transcript, &rows, &query, folded, &stale)?;
    Some(SearchAnswer { generation, matches, prepared })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::SearchOptions;

    fn transcript(texts: &[&str]) -> Transcript {
        let turns: Vec<serde_json::Value> =
            texts.iter().map(|text| serde_json::json!({"role": "agent", "text": text})).collect();
        crate::api::transcript::normalise(&serde_json::Value::Array(turns))
    }

    #[test]
    fn the_background_search_finds_what_the_frame_search_finds_and_a_stale_one_stops() {
        let transcript = transcript(&["Kubernetes and Docker", "no match here", "kubernetes, KUBERNETES"]);
        let query = Arc::new(Query::new("kubernetes", SearchOptions::default()));
        let rows = Arc::new(vec![0, 1, 2]);
        let latest = Arc::new(AtomicU64::new(7));
        let request = SearchRequest {
            rows: rows.clone(),
            query: query.clone(),
            prepared: None,
            generation: 7,
            latest: latest.clone(),
        };
        let answer = run(&transcript, request).unwrap();
        let inline = search_rows(&transcript, &rows, &query, &[], &|| false).unwrap();
        assert_eq!(answer.matches, inline);
        assert_eq!(answer.matches.iter().map(|m| m.row).collect::<Vec<_>>(), [0, 2, 2]);
        assert!(answer.prepared.is_some(), "the folded turns come back for the next search");

        latest.store(8, Ordering::Relaxed);
        let stale = SearchRequest { rows, query, prepared: answer.prepared, generation: 7, latest };
        assert!(run(&transcript, stale).is_none(), "a search overtaken by a newer one gives nothing");
    }
}
