//! Search, speaker filter and row layout of the Transcript tab, kept per open interview. The
//! tab ([`crate::ui::transcript`]) edits it; the app resets it when another interview opens.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::api::transcript::{Speaker, Transcript};
use crate::search::{Prepared, Query, SearchOptions};
use crate::transcript_search::{BACKGROUND_SEARCH_BYTES, prepare_turns, search_rows, text_bytes};
pub use crate::transcript_search::{Match, SearchAnswer, SearchRequest, turn_text};

/// The number of the last search asked for, in any view.
static NEXT_SEARCH: AtomicU64 = AtomicU64::new(0);

/// Which speakers' turns are shown (and searched).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SpeakerFilter {
    /// Every turn.
    #[default]
    All,
    /// Only the agent's turns.
    Agent,
    /// Only the candidate's turns.
    Candidate,
}

impl SpeakerFilter {
    /// Every choice, in menu order.
    pub const ALL: [Self; 3] = [Self::All, Self::Agent, Self::Candidate];

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All speakers",
            Self::Agent => "Agent only",
            Self::Candidate => "Candidate only",
        }
    }

    fn admits(self, speaker: &Speaker) -> bool {
        match self {
            Self::All => true,
            Self::Agent => *speaker == Speaker::Agent,
            Self::Candidate => *speaker == Speaker::Candidate,
        }
    }
}

/// Names to show for the two sides, when known (from the candidate and agent records).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpeakerNames {
    /// The agent (interview template) name, shown on hover.
    pub agent: Option<String>,
    /// The candidate's name, shown instead of "Candidate".
    pub candidate: Option<String>,
    /// Words of the candidate's name that blind review hides where they occur in the text.
    pub hidden_words: Vec<String>,
}

/// Search, filter and scroll state of the Transcript tab (kept per open interview).
#[derive(Default)]
pub struct TranscriptView {
    /// The search box's text.
    pub query: String,
    /// Case and whole-word toggles.
    pub options: SearchOptions,
    /// Which speakers are shown.
    pub speakers: SpeakerFilter,
    /// Show system prompts and tool calls (hidden by default: nobody said them).
    pub show_unspoken: bool,
    /// Names for the speaker column; set by the app.
    pub names: SpeakerNames,
    /// Every match among the shown rows, in transcript order.
    pub matches: Vec<Match>,
    /// Index into `matches` of the highlighted current match.
    pub current: usize,
    pub(crate) searched: Option<(String, SearchOptions, SpeakerFilter, bool)>,
    /// Every turn's text folded once for case-insensitive search (by turn index); built at
    /// the first such search.
    pub(crate) prepared: Option<Arc<Vec<Prepared>>>,
    /// The generation of the search running on the worker, if any.
    pending: Option<u64>,
    /// The number of the latest search asked for (shared with the worker, which stops an
    /// older search early).
    latest: Arc<AtomicU64>,
    pub(crate) keep_current: Option<usize>,
    pub(crate) scroll_to_current: bool,
    pub(crate) rows: Rows,
    /// Scroll to this turn (0-based) and mark it (a pinned piece of evidence was opened).
    pub jump_to_turn: Option<usize>,
    /// The turn last jumped to, marked until another is.
    pub marked_turn: Option<usize>,
    /// Move the keyboard focus to the search field in the next frame.
    pub focus_search: bool,
    /// The reviewer turned Follow off (or scrolled away): the turn being spoken is no longer
    /// kept in view. Follow is on by default.
    pub follow_paused: bool,
    /// The scroll offset Follow last set; a different one means the reviewer scrolled.
    pub(crate) follow_offset: Option<f32>,
    /// The turn Follow last scrolled to.
    pub(crate) followed_turn: Option<usize>,
    /// The transcript's [`Transcript::other_speakers`], found once per transcript.
    other_speakers: Option<Vec<String>>,
}

/// The shown rows and their heights. Heights start as estimates and are replaced by measured
/// ones a time-boxed batch per frame (and for every row drawn), so opening a 20,000-turn
/// transcript never lays out every turn in one frame.
#[derive(Default)]
pub(crate) struct Rows {
    /// Turn index of each shown row (for an unstructured transcript: `[0]`).
    pub(crate) turns: Vec<usize>,
    /// What `turns` was built from: the filter, whether unspoken turns are shown, and the
    /// transcript's turn count.
    pub(crate) key: Option<(SpeakerFilter, bool, usize)>,
    /// System and tool turns in the transcript (shown or not).
    pub(crate) unspoken: usize,
    /// Text width the heights are for.
    pub(crate) width: f32,
    /// Height of each row including the gap below it.
    pub(crate) heights: Vec<f32>,
    /// Rows `0..measured` have measured heights; the rest are estimates.
    pub(crate) measured: usize,
    /// `offsets[i]` is the top of row `i`; the last entry is the total height.
    pub(crate) offsets: Vec<f32>,
}

impl TranscriptView {
    /// Forgets the search results and row layout (the transcript changed) but keeps the
    /// query, the options and the current match position where possible.
    pub fn invalidate(&mut self) {
        let current = self.current;
        self.searched = None;
        self.rows = Rows::default();
        self.prepared = None;
        self.pending = None;
        self.keep_current = Some(current);
        self.other_speakers = None;
    }

    /// The speakers of `transcript` that are neither agent nor candidate (looked for once; the
    /// app resets the view when the transcript changes).
    pub fn other_speakers(&mut self, transcript: &Transcript) -> &[String] {
        self.other_speakers.get_or_insert_with(|| transcript.other_speakers())
    }

    /// Forgets the last search results so the next [`Self::update_matches`] searches again,
    /// as a keystroke does; the prepared (folded) turns and the row layout are kept.
    pub fn forget_search(&mut self) {
        self.searched = None;
    }

    /// Searches again when the query, options or speaker filter changed since the last search.
    /// A short transcript is searched at once; a long one returns the request to run on the
    /// worker (its answer comes to [`Self::apply_search`]), and the old matches stay shown
    /// until then.
    #[must_use = "a returned request must be sent to the worker"]
    pub fn update_matches(&mut self, transcript: &Transcript) -> Option<SearchRequest> {
        self.update_rows(transcript);
        let key = (self.query.clone(), self.options, self.speakers, self.show_unspoken);
        if self.searched.as_ref() == Some(&key) {
            return None;
        }
        self.searched = Some(key);
        let query = Query::new(&self.query, self.options);
        // Numbered across views, so an answer for a view since replaced can never pass for one.
        let generation = NEXT_SEARCH.fetch_add(1, Ordering::Relaxed) + 1;
        self.latest.store(generation, Ordering::Relaxed);
        if !query.is_empty() && text_bytes(transcript) >= BACKGROUND_SEARCH_BYTES {
            self.pending = Some(generation);
            return Some(SearchRequest {
                rows: Arc::new(self.rows.turns.clone()),
                query: Arc::new(query),
                prepared: self.prepared.clone(),
                generation,
                latest: self.latest.clone(),
            });
        }
        self.pending = None;
        if !query.is_empty() && !self.options.case_sensitive && self.prepared.is_none() {
            self.prepared = Some(Arc::new(prepare_turns(transcript)));
        }
        let prepared = self.prepared.as_deref().map_or(&[][..], Vec::as_slice);
        self.matches = search_rows(transcript, &self.rows.turns, &query, prepared, &|| false).unwrap_or_default();
        self.found();
        None
    }

    /// Takes the worker's answer to the latest search (an older one is ignored).
    pub fn apply_search(&mut self, answer: SearchAnswer) {
        if self.pending != Some(answer.generation) {
            return;
        }
        self.pending = None;
        if answer.prepared.is_some() {
            self.prepared = answer.prepared;
        }
        self.matches = answer.matches;
        self.found();
    }

    /// How many system and tool turns the transcript has (known once its rows were built).
    pub fn unspoken_turns(&self) -> usize {
        self.rows.unspoken
    }

    /// Whether a search is running on the worker.
    pub fn is_searching(&self) -> bool {
        self.pending.is_some()
    }

    /// New matches arrived: keep the current one after a refresh, else go to the first.
    fn found(&mut self) {
        match self.keep_current.take() {
            Some(kept) => self.current = kept.min(self.matches.len().saturating_sub(1)),
            None => {
                self.current = 0;
                self.scroll_to_current = !self.matches.is_empty();
            }
        }
    }

    /// Rebuilds the list of shown rows when the filter or the transcript changed.
    fn update_rows(&mut self, transcript: &Transcript) {
        let key = (self.speakers, self.show_unspoken, transcript.turn_count());
        if self.rows.key == Some(key) {
            return;
        }
        let all = transcript.turns();
        let unspoken = all.iter().filter(|t| t.speaker.is_unspoken()).count();
        let turns = match transcript {
            Transcript::Turns(turns) => turns
                .iter()
                .enumerate()
                .filter(|(_, t)| self.speakers.admits(&t.speaker) && (self.show_unspoken || !t.speaker.is_unspoken()))
                .map(|(i, _)| i)
                .collect(),
            Transcript::Unstructured(_) => vec![0],
            Transcript::Missing => Vec::new(),
        };
        self.rows = Rows { turns, key: Some(key), unspoken, ..Rows::default() };
        self.searched = None;
    }

    /// Moves to the next (`forward`) or previous match, wrapping around, and scrolls to it.
    pub fn step(&mut self, forward: bool) {
        let count = self.matches.len();
        if count == 0 {
            return;
        }
        self.current = if forward { (self.current + 1) % count } else { (self.current + count - 1) % count };
        self.scroll_to_current = true;
    }

    /// "3 of 12", "No matches", "Searching…", or empty when there is no query.
    pub fn count_text(&self) -> String {
        if self.query.is_empty() {
            String::new()
        } else if self.pending.is_some() {
            "Searching…".to_owned()
        } else if self.matches.is_empty() {
            "No matches".to_owned()
        } else {
            format!("{} of {}", self.current + 1, self.matches.len())
        }
    }

    /// The turn index of the current match, if any (for tests and automation).
    pub fn current_turn(&self) -> Option<usize> {
        self.matches.get(self.current).and_then(|m| self.rows.turns.get(m.row)).copied()
    }
}

impl Rows {
    /// Recomputes `offsets` from `heights`.
    pub(crate) fn recompute_offsets(&mut self) {
        self.offsets.clear();
        let mut top = 0.0;
        for height in &self.heights {
            self.offsets.push(top);
            top += height;
        }
        self.offsets.push(top);
    }
}
