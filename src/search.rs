//! Unicode-correct text search for the transcript viewer, and highlighting of the matches.
//!
//! Every match is a byte range of the **original** text that starts and ends on a char
//! boundary, so slicing the text or building an egui [`LayoutJob`] from the ranges can never
//! panic (a range ending inside a multi-byte character, such as a CJK character or `’`, makes
//! epaint's text layout panic).
//!
//! # Case-insensitive matching
//!
//! Text is folded one char at a time with [`char::to_lowercase`], plus final sigma `ς` → `σ` so
//! that `ΟΔΟΣ`, `οδοσ` and `οδος` all match. The folded form may differ in length from the
//! original (`İ` → `i̇`, two chars; Kelvin sign `K` → `k`, one byte instead of three), so the
//! folded haystack keeps a map from each folded byte back to the original char. A match that
//! starts or ends inside one char's folding is widened to cover that whole char.
//!
//! This is lower-casing, not full Unicode case folding: `ß` and `SS` do **not** match (`ẞ` and
//! `ß` do), and plain `i` does not match `İ` (whose lower case is `i` + U+0307).
//!
//! # Whole-word matching
//!
//! A match is a whole word when the chars just before and after it are not alphanumeric
//! ([`char::is_alphanumeric`]). Chinese and Japanese put no spaces between words, so there a
//! match inside a run of ideographs is rejected and whole-word search finds little; a match next
//! to punctuation or spaces is accepted. Combining marks are not alphanumeric, so `cafe` is a
//! whole word in `cafe\u{301}`.
//!
//! # Performance
//!
//! A [`Query`] folds the needle once. When both the haystack and the needle are ASCII (the usual
//! case) the search is byte-wise with no allocation beyond the result; otherwise it allocates
//! the folded haystack and its byte map once per haystack, never per char.

use std::ops::Range;

use egui::TextFormat;
use egui::text::{LayoutJob, TextWrapping};

/// Search options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SearchOptions {
    /// Match upper and lower case exactly (default: ignore case, see the module docs).
    pub case_sensitive: bool,

    /// Only match whole words (see the module docs for what counts as a word boundary).
    pub whole_word: bool,
}

/// Byte ranges of every non-overlapping match of `needle` in `haystack`, in order.
///
/// Every range starts and ends on a char boundary of `haystack` and covers exactly the matched
/// text. An empty needle gives no matches. To search many texts, build a [`Query`] once.
pub fn find_matches(haystack: &str, needle: &str, options: SearchOptions) -> Vec<Range<usize>> {
    Query::new(needle, options).find_in(haystack)
}

/// A compiled query, so the needle is folded once when searching thousands of turns.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// The needle as typed.
    needle: String,

    /// The needle as searched: lower-cased (see the module docs) unless case-sensitive.
    folded: String,

    /// The options the query was built with.
    options: SearchOptions,

    /// A SIMD substring searcher for the folded needle, built at the first prepared search.
    finder: std::sync::OnceLock<memchr::memmem::Finder<'static>>,
}

impl Query {
    /// Compiles `needle` for searching with `options`.
    pub fn new(needle: &str, options: SearchOptions) -> Self {
        let folded = if options.case_sensitive { needle.to_owned() } else { fold(needle) };
        Self { needle: needle.to_owned(), folded, options, finder: std::sync::OnceLock::new() }
    }

    /// Whether the needle is empty (an empty query matches nothing).
    pub fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    /// The needle as typed.
    pub fn needle(&self) -> &str {
        &self.needle
    }

    /// The options the query was built with.
    pub fn options(&self) -> SearchOptions {
        self.options
    }

    /// Byte ranges of every non-overlapping match in `haystack`, in order; see [`find_matches`].
    pub fn find_in(&self, haystack: &str) -> Vec<Range<usize>> {
        let Self { needle, folded, options, .. } = self;
        if needle.is_empty() || haystack.is_empty() {
            return Vec::new();
        }
        if options.case_sensitive {
            find_exact(haystack, needle, options.whole_word)
        } else if haystack.is_ascii() {
            if !folded.is_ascii() {
                // An ASCII text folds to ASCII, so it cannot hold a needle that folds to
                // anything else (a CJK query skips the English turns at once).
                return Vec::new();
            }
            find_ascii_caseless(haystack, folded.as_bytes(), options.whole_word)
        } else {
            find_folded(haystack, folded, options.whole_word)
        }
    }
}

impl Query {
    /// Like [`Query::find_in`], with `haystack` prepared beforehand by [`Prepared::new`] (which
    /// must have been given the same text). Same results, without folding on every call.
    pub fn find_in_prepared(&self, haystack: &str, prepared: &Prepared) -> Vec<Range<usize>> {
        if self.options.case_sensitive || self.needle.is_empty() {
            return self.find_in(haystack);
        }
        match &prepared.folded {
            Some((text, origin)) => {
                let view = FoldedView { source: haystack, text, origin };
                find_in_folded(&view, &self.folded, self.options.whole_word)
            }
            // An ASCII text: search its lower-cased copy (or itself, when it has no capitals).
            None if !self.folded.is_ascii() => Vec::new(),
            None => {
                let lower = prepared.ascii_lower.as_deref().unwrap_or(haystack);
                let finder =
                    self.finder.get_or_init(|| memchr::memmem::Finder::new(self.folded.as_bytes()).into_owned());
                find_lowered(haystack, lower.as_bytes(), finder, self.options.whole_word)
            }
        }
    }
}

/// Builds an egui [`LayoutJob`] for `text` with the given match ranges highlighted.
///
/// `matches` are byte ranges into `text`, in order (as returned by [`find_matches`]); the one at
/// index `current` gets `current_format`, the others `highlight`, the rest of the text `normal`.
/// The job wraps at `wrap_width` points. Sections cover the text exactly once, in order, and
/// none is empty; ranges that are empty, out of bounds, not on char boundaries, out of order or
/// overlapping an earlier one are skipped. Never panics.
pub fn highlighted_job(
    text: &str,
    matches: &[Range<usize>],
    current: Option<usize>,
    normal: TextFormat,
    highlight: TextFormat,
    current_format: TextFormat,
    wrap_width: f32,
) -> LayoutJob {
    let mut job =
        LayoutJob { wrap: TextWrapping { max_width: wrap_width, ..Default::default() }, ..Default::default() };
    let mut cursor = 0;
    for (index, range) in matches.iter().enumerate() {
        if !is_usable_range(text, range, cursor) {
            continue;
        }
        append_section(&mut job, text.get(cursor..range.start), &normal);
        let format = if current == Some(index) { &current_format } else { &highlight };
        append_section(&mut job, text.get(range.clone()), format);
        cursor = range.end;
    }
    append_section(&mut job, text.get(cursor..), &normal);
    job
}

/// A candidate match found by one of the search strategies.
struct Candidate {
    /// The match in the original haystack.
    range: Range<usize>,

    /// Where to search next if the match is kept (in the strategy's own index space).
    resume_after_match: usize,

    /// Where to search next if the match is rejected by the whole-word rule.
    resume_after_reject: usize,
}

/// A haystack folded char by char, with a map from each folded byte to its original char.
struct FoldedView<'a> {
    /// The original text.
    source: &'a str,

    /// The folded text.
    text: &'a str,

    /// For each byte of `text`, the byte offset in `source` of the char it was folded from.
    /// Non-decreasing.
    origin: &'a [u32],
}

impl FoldedView<'_> {
    /// The original range covering folded bytes `start..end`, widened to whole original chars.
    fn original_range(&self, folded: Range<usize>) -> Option<Range<usize>> {
        let start = *self.origin.get(folded.start)? as usize;
        let last = *self.origin.get(folded.end.checked_sub(1)?)? as usize;
        let last_len = self.source.get(last..)?.chars().next()?.len_utf8();
        Some(start..last + last_len)
    }

    /// The first folded byte that comes from the original char at or after `original`.
    fn folded_offset(&self, original: usize) -> usize {
        self.origin.partition_point(|&offset| (offset as usize) < original)
    }
}

/// Folds `source` char by char and maps each folded byte to its original char's offset.
/// Texts over 4 GiB are not expected; their offsets saturate (matches there are then dropped
/// by the range checks, never a panic).
fn fold_with_origin(source: &str) -> (String, Vec<u32>) {
    let mut text = String::with_capacity(source.len() + source.len() / 8);
    let mut origin = Vec::with_capacity(text.capacity());
    for (offset, c) in source.char_indices() {
        push_folded(&mut text, c);
        origin.resize(text.len(), u32::try_from(offset).unwrap_or(u32::MAX));
    }
    (text, origin)
}

/// A text prepared once for many case-insensitive searches (the transcript folds each turn
/// once, not on every keystroke).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prepared {
    /// The folded text and its origin map; `None` for ASCII text.
    folded: Option<(String, Vec<u32>)>,
    /// For ASCII text with capitals: the text lower-cased (same length, same offsets).
    ascii_lower: Option<String>,
}

impl Prepared {
    /// Prepares `text`: folds it when it is not ASCII, lower-cases it when it is ASCII with
    /// capitals.
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            let has_capitals = text.bytes().any(|b| b.is_ascii_uppercase());
            Self { folded: None, ascii_lower: has_capitals.then(|| text.to_ascii_lowercase()) }
        } else {
            Self { folded: Some(fold_with_origin(text)), ascii_lower: None }
        }
    }
}

/// Case-sensitive search.
fn find_exact(haystack: &str, needle: &str, whole_word: bool) -> Vec<Range<usize>> {
    collect_matches(haystack, whole_word, |from| {
        let start = from + haystack.get(from..)?.find(needle)?;
        let end = start + needle.len();
        Some(Candidate {
            range: start..end,
            resume_after_match: end,
            resume_after_reject: next_char_boundary(haystack, start),
        })
    })
}

/// Case-insensitive search when both texts are ASCII: byte-wise, no folding, no map.
/// `needle` is already lower-cased.
fn find_ascii_caseless(haystack: &str, needle: &[u8], whole_word: bool) -> Vec<Range<usize>> {
    if needle.is_empty() {
        return Vec::new();
    }
    let bytes = haystack.as_bytes();
    let (&first, rest) = needle.split_first().unwrap_or((&0, &[]));
    let first_upper = first.to_ascii_uppercase();
    collect_matches(haystack, whole_word, |from| {
        // Jump between occurrences of the first letter (either case) with memchr, then
        // compare the rest; far fewer comparisons than testing every position.
        let mut at = from;
        let start = loop {
            let candidate = at + memchr::memchr2(first, first_upper, bytes.get(at..)?)?;
            let tail = bytes.get(candidate + 1..candidate + needle.len())?;
            if tail.eq_ignore_ascii_case(rest) {
                break candidate;
            }
            at = candidate + 1;
        };
        let end = start + needle.len();
        Some(Candidate { range: start..end, resume_after_match: end, resume_after_reject: start + 1 })
    })
}

/// Case-insensitive search in an ASCII `haystack` through its lower-cased copy `lower` (same
/// offsets), with a prebuilt searcher for the lower-cased needle.
fn find_lowered(
    haystack: &str,
    lower: &[u8],
    finder: &memchr::memmem::Finder<'_>,
    whole_word: bool,
) -> Vec<Range<usize>> {
    let length = finder.needle().len();
    collect_matches(haystack, whole_word, |from| {
        let start = from + finder.find(lower.get(from..)?)?;
        let end = start + length;
        Some(Candidate { range: start..end, resume_after_match: end, resume_after_reject: start + 1 })
    })
}

/// Case-insensitive search for any Unicode text: search the folded needle in the folded
/// haystack, then map the match back to original char boundaries.
fn find_folded(haystack: &str, needle: &str, whole_word: bool) -> Vec<Range<usize>> {
    let (text, origin) = fold_with_origin(haystack);
    find_in_folded(&FoldedView { source: haystack, text: &text, origin: &origin }, needle, whole_word)
}

/// [`find_folded`] on a haystack folded beforehand.
fn find_in_folded(folded: &FoldedView<'_>, needle: &str, whole_word: bool) -> Vec<Range<usize>> {
    let haystack = folded.source;
    collect_matches(haystack, whole_word, |from| {
        let start = from + folded.text.get(from..)?.find(needle)?;
        let range = folded.original_range(start..start + needle.len())?;
        Some(Candidate {
            resume_after_match: folded.folded_offset(range.end),
            resume_after_reject: next_char_boundary(folded.text, start),
            range,
        })
    })
}

/// Runs a search strategy from position 0 until it finds nothing more, applying the
/// whole-word rule. `find` gets the position to search from (in its own index space).
fn collect_matches(
    haystack: &str,
    whole_word: bool,
    mut find: impl FnMut(usize) -> Option<Candidate>,
) -> Vec<Range<usize>> {
    let mut matches = Vec::new();
    let mut from = 0;
    while let Some(candidate) = find(from) {
        let keep = !whole_word || is_whole_word(haystack, &candidate.range);
        let next = if keep { candidate.resume_after_match } else { candidate.resume_after_reject };
        if keep {
            matches.push(candidate.range);
        }
        if next <= from {
            break;
        }
        from = next;
    }
    matches
}

/// Whether the chars just before and after `range` are not alphanumeric.
fn is_whole_word(text: &str, range: &Range<usize>) -> bool {
    let before = text.get(..range.start).and_then(|head| head.chars().next_back());
    let after = text.get(range.end..).and_then(|tail| tail.chars().next());
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// The byte offset of the char after the one starting at `offset` (or past the end).
fn next_char_boundary(text: &str, offset: usize) -> usize {
    let len = text.get(offset..).and_then(|tail| tail.chars().next()).map_or(1, char::len_utf8);
    offset + len
}

/// Lower-cases `text` char by char, exactly as haystacks are folded.
fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        push_folded(&mut folded, c);
    }
    folded
}

/// Appends the folded form of one char: its lower case, with final sigma read as sigma.
fn push_folded(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for lower in c.to_lowercase() {
        out.push(if lower == 'ς' { 'σ' } else { lower });
    }
}

/// Whether a match range can be highlighted: non-empty, in bounds, on char boundaries and not
/// before `cursor` (the end of the previous highlighted range).
fn is_usable_range(text: &str, range: &Range<usize>, cursor: usize) -> bool {
    cursor <= range.start
        && range.start < range.end
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end)
}

/// Appends a section unless the text is missing or empty.
fn append_section(job: &mut LayoutJob, text: Option<&str>, format: &TextFormat) {
    if let Some(text) = text.filter(|text| !text.is_empty()) {
        job.append(text, 0.0, format.clone());
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn prepared_texts_give_the_same_matches() {
        let texts = [
            "Plain ASCII text about Rust and rust.",
            "長谷川 明子 - 深紅 and some English",
            "Čítanie ŽLTÉHO koňa, İstanbul, STRASSE und straße",
            "Great 👍🏽 👁️ 👨‍👩‍👧 done\r\n",
            "",
        ];
        let needles = ["rust", "深", "žlté", "i̇stanbul", "ss", "👍", "e", "K", "\u{212A}"];
        for text in texts {
            let prepared = Prepared::new(text);
            for needle in needles {
                for options in [
                    SearchOptions::default(),
                    SearchOptions { whole_word: true, ..SearchOptions::default() },
                    SearchOptions { case_sensitive: true, ..SearchOptions::default() },
                ] {
                    let query = Query::new(needle, options);
                    assert_eq!(
                        query.find_in_prepared(text, &prepared),
                        query.find_in(text),
                        "{text:?} / {needle:?} / {options:?}"
                    );
                }
            }
        }
    }

    use super::*;
    use egui::Color32;

    const CASELESS: SearchOptions = SearchOptions { case_sensitive: false, whole_word: false };

    const CASED: SearchOptions = SearchOptions { case_sensitive: true, whole_word: false };

    const WHOLE_WORD: SearchOptions = SearchOptions { case_sensitive: false, whole_word: true };

    /// The matched substrings, checked to be on char boundaries.
    fn matched<'a>(haystack: &'a str, needle: &str, options: SearchOptions) -> Vec<&'a str> {
        find_matches(haystack, needle, options)
            .into_iter()
            .map(|range| {
                assert!(haystack.is_char_boundary(range.start), "{range:?} in {haystack:?}");
                assert!(haystack.is_char_boundary(range.end), "{range:?} in {haystack:?}");
                haystack.get(range).unwrap_or("<out of bounds>")
            })
            .collect()
    }

    fn formats() -> (TextFormat, TextFormat, TextFormat) {
        let normal = TextFormat::default();
        let highlight = TextFormat { background: Color32::YELLOW, ..Default::default() };
        let current = TextFormat { background: Color32::RED, ..Default::default() };
        (normal, highlight, current)
    }

    /// Each section's text and whether it is highlighted (0 normal, 1 highlight, 2 current),
    /// after checking the sections cover the text exactly once, in order, none empty.
    fn sections(job: &LayoutJob) -> Vec<(&str, u8)> {
        job.debug_sanity_check();
        let (normal, highlight, _) = formats();
        let mut cursor = 0;
        let mut out = Vec::new();
        for section in &job.sections {
            let range = section.byte_range.start.0..section.byte_range.end.0;
            assert_eq!(range.start, cursor, "gap or overlap in {:?}", job.text);
            assert!(range.start < range.end, "empty section in {:?}", job.text);
            cursor = range.end;
            let kind = if section.format == normal {
                0
            } else if section.format == highlight {
                1
            } else {
                2
            };
            out.push((job.text.get(range).unwrap_or("<bad range>"), kind));
        }
        assert_eq!(cursor, job.text.len(), "sections do not reach the end");
        out
    }

    fn job_for(text: &str, needle: &str, options: SearchOptions) -> LayoutJob {
        let (normal, highlight, current) = formats();
        let matches = find_matches(text, needle, options);
        highlighted_job(text, &matches, Some(0), normal, highlight, current, 300.0)
    }

    #[test]
    fn b07_japanese_name() {
        let text = "長谷川 明子 - 深紅";
        assert_eq!(matched(text, "深", CASELESS), ["深"]);
        let job = job_for(text, "深", CASELESS);
        assert_eq!(sections(&job), [("長谷川 明子 - ", 0), ("深", 2), ("紅", 0)]);
    }

    #[test]
    fn b07_typographic_apostrophe() {
        let text = "It’s fine";
        assert_eq!(matched(text, "’", CASELESS), ["’"]);
        assert_eq!(matched(text, "it’s", CASELESS), ["It’s"]);
        let job = job_for(text, "’", CASELESS);
        assert_eq!(sections(&job), [("It", 0), ("’", 2), ("s fine", 0)]);
    }

    #[test]
    fn match_at_start_creates_no_empty_section() {
        let job = job_for("Yes\n", "Yes", CASELESS);
        assert_eq!(sections(&job), [("Yes", 2), ("\n", 0)]);
        let whole = job_for("Yes", "yes", CASELESS);
        assert_eq!(sections(&whole), [("Yes", 2)]);
        let empty = job_for("", "yes", CASELESS);
        assert!(empty.sections.is_empty());
    }

    #[test]
    fn b23_emoji_sequences() {
        let text = "Great 👍🏽 👁️ 👨‍👩‍👧 done\r\n";
        assert_eq!(matched(text, "👍", CASELESS), ["👍"]);
        assert_eq!(matched(text, "👁️", CASELESS), ["👁️"]);
        assert_eq!(matched(text, "👩", CASELESS), ["👩"]);
        assert_eq!(matched(text, "DONE", CASELESS), ["done"]);
        let job = job_for(text, "👍", CASELESS);
        let parts = sections(&job);
        assert_eq!(parts.first(), Some(&("Great ", 0)));
        assert_eq!(parts.get(1), Some(&("👍", 2)));
        assert_eq!(job.text, text, "the job keeps the original text");
    }

    #[test]
    fn slovak_diacritics() {
        assert_eq!(matched("Čítanie ŽLTÉHO", "žlté", CASELESS), ["ŽLTÉ"]);
        assert_eq!(matched("Čítanie ŽLTÉHO", "čítanie", CASELESS), ["Čítanie"]);
        assert!(matched("Čítanie ŽLTÉHO", "žlté", CASED).is_empty());
    }

    #[test]
    fn german_sharp_s_is_not_folded_to_ss() {
        assert!(matched("STRASSE", "straße", CASELESS).is_empty());
        assert!(matched("Straße", "STRASSE", CASELESS).is_empty());
        assert_eq!(matched("STRASSE", "strasse", CASELESS), ["STRASSE"]);
        assert_eq!(matched("GROẞE Straße", "ß", CASELESS), ["ẞ", "ß"]);
    }

    #[test]
    fn dotted_capital_i() {
        let text = "İstanbul";
        assert_eq!(matched(text, "i\u{307}stanbul", CASELESS), ["İstanbul"]);
        assert_eq!(matched(text, "İSTANBUL", CASELESS), ["İstanbul"]);
        assert_eq!(matched("in İstanbul", "İ", CASELESS), ["İ"]);
        assert!(matched(text, "istanbul", CASELESS).is_empty());
        // A needle covering only part of İ's folding widens to the whole char.
        assert_eq!(matched("xİy", "i", CASELESS), ["İ"]);
    }

    #[test]
    fn other_length_changing_letters() {
        assert_eq!(matched("5 \u{212A}elvin", "kelvin", CASELESS), ["\u{212A}elvin"]);
        assert_eq!(matched("kelvin", "\u{212A}", CASELESS), ["k"]);
        assert_eq!(matched("ΟΔΟΣ οδος", "οδοσ", CASELESS), ["ΟΔΟΣ", "οδος"]);
        assert_eq!(matched("Ⱥ ⱥ", "ⱥ", CASELESS), ["Ⱥ", "ⱥ"]);
    }

    #[test]
    fn whole_word() {
        let text = "cat concatenate cat.";
        assert_eq!(find_matches(text, "cat", WHOLE_WORD), [0..3, 16..19]);
        assert_eq!(matched(text, "cat", CASELESS), ["cat", "cat", "cat"]);
        assert_eq!(matched("Cat, CAT!", "cat", WHOLE_WORD), ["Cat", "CAT"]);
        assert_eq!(matched("aaa aa", "aa", WHOLE_WORD), ["aa"]);
        assert_eq!(matched("「深紅」の色", "深紅", WHOLE_WORD), ["深紅"]);
        assert!(matched("真深紅色", "深紅", WHOLE_WORD).is_empty());
        let cased_whole = SearchOptions { case_sensitive: true, whole_word: true };
        assert_eq!(matched("Cat cat", "cat", cased_whole), ["cat"]);
    }

    #[test]
    fn case_sensitive_toggle() {
        let text = "Agent: agent AGENT";
        assert_eq!(matched(text, "agent", CASED), ["agent"]);
        assert_eq!(matched(text, "agent", CASELESS), ["Agent", "agent", "AGENT"]);
        assert_eq!(matched("Éa éa", "éa", CASED), ["éa"]);
    }

    #[test]
    fn empty_needle_and_overlaps() {
        assert!(find_matches("abc", "", CASELESS).is_empty());
        assert!(Query::new("", CASED).is_empty());
        assert_eq!(find_matches("aaaa", "aa", CASELESS), [0..2, 2..4]);
        assert_eq!(find_matches("ääää", "ÄÄ", CASELESS), [0..4, 4..8]);
    }

    #[test]
    fn query_is_reusable() {
        let query = Query::new("Ž", CASELESS);
        assert_eq!(query.needle(), "Ž");
        assert_eq!(query.options(), CASELESS);
        assert_eq!(query.find_in("ž Ž"), [0..2, 3..5]);
        assert!(query.find_in("plain ascii").is_empty());
    }

    #[test]
    fn bad_ranges_are_skipped_in_jobs() {
        let (normal, highlight, current) = formats();
        let text = "深紅 red";
        let reversed = Range { start: 7, end: 5 };
        let bad = [1..2, 0..3, 2..9, reversed, 3..3, 100..200, 8..9, 7..10];
        let job = highlighted_job(text, &bad, Some(1), normal, highlight, current, 100.0);
        assert_eq!(sections(&job), [("深", 2), ("紅 r", 0), ("e", 1), ("d", 0)]);
        assert!((job.wrap.max_width - 100.0).abs() < f32::EPSILON);
    }

    const ALPHABET: [&str; 30] = [
        "a", "B", "k", "K", " ", ".", "\n", "é", "E\u{301}", "\u{301}", "Ž", "ž", "深", "紅", "の", "👍", "🏽", "👁️",
        "\u{200D}", "İ", "i", "\u{307}", "ß", "ẞ", "S", "\u{212A}", "Σ", "ς", "σ", "’",
    ];

    fn random_text(rng: &mut fastrand::Rng) -> String {
        (0..rng.usize(..24)).map(|_| rng.choice(ALPHABET).unwrap_or_default()).collect()
    }

    /// A random substring on char boundaries (possibly empty).
    fn random_substring<'a>(rng: &mut fastrand::Rng, text: &'a str) -> &'a str {
        let boundaries: Vec<usize> = text.char_indices().map(|(offset, _)| offset).chain([text.len()]).collect();
        let a = rng.choice(&boundaries).copied().unwrap_or_default();
        let b = rng.choice(&boundaries).copied().unwrap_or_default();
        text.get(a.min(b)..a.max(b)).unwrap_or_default()
    }

    #[test]
    fn random_texts_give_exact_char_aligned_matches() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut widened = 0;
        for round in 0..4000 {
            let haystack = random_text(&mut rng);
            let needle = random_substring(&mut rng, &haystack).to_owned();
            let options = SearchOptions { case_sensitive: round % 3 == 0, whole_word: round % 5 == 0 };
            let matches = find_matches(&haystack, &needle, options);
            let mut previous_end = 0;
            for range in &matches {
                assert!(range.start >= previous_end, "overlap in {haystack:?}");
                previous_end = range.end;
                let found = haystack.get(range.clone());
                assert!(found.is_some(), "{range:?} not on char boundaries of {haystack:?}");
                let found = found.unwrap_or_default();
                if options.case_sensitive {
                    assert_eq!(found, needle);
                } else if fold(found) != fold(&needle) {
                    assert_widened(found, &needle);
                    widened += 1;
                }
            }
            if !options.whole_word {
                let expected_some = !needle.is_empty();
                assert_eq!(!matches.is_empty(), expected_some, "{needle:?} in {haystack:?}");
            }
            let (normal, highlight, current) = formats();
            let current_index = matches.len().checked_sub(1);
            let job = highlighted_job(&haystack, &matches, current_index, normal, highlight, current, 200.0);
            assert_eq!(job.text, haystack);
            let highlighted = sections(&job).into_iter().filter(|(_, kind)| *kind != 0).count();
            assert!(highlighted <= matches.len());
        }
        assert!(widened < 40, "{widened} widened matches");
    }

    /// A case-insensitive match whose folding differs from the needle's must be one that was
    /// widened: it contains the folded needle, and a char at its edge folds to several chars
    /// (`İ` → `i̇`), of which the needle matched only a part.
    ///
    /// `fold` is char-wise `to_lowercase` plus final sigma; `str::to_lowercase` is not used
    /// because it lower-cases a word-final `Σ` differently depending on context.
    fn assert_widened(found: &str, needle: &str) {
        assert!(fold(found).contains(&fold(needle)), "{found:?} vs {needle:?}");
        let multi = |c: Option<char>| c.is_some_and(|c| c.to_lowercase().count() > 1);
        let edge = multi(found.chars().next()) || multi(found.chars().next_back());
        assert!(edge, "{found:?} vs {needle:?} differ without a widened edge");
    }

    #[test]
    fn random_ranges_never_break_jobs() {
        let mut rng = fastrand::Rng::with_seed(42);
        for _ in 0..2000 {
            let text = random_text(&mut rng);
            let len = text.len() + 3;
            let mut ranges: Vec<Range<usize>> =
                (0..rng.usize(..6)).map(|_| rng.usize(..len)..rng.usize(..len)).collect();
            ranges.sort_by_key(|range| range.start);
            let (normal, highlight, current) = formats();
            let current_index = Some(rng.usize(..4));
            let job = highlighted_job(&text, &ranges, current_index, normal, highlight, current, 50.0);
            assert_eq!(job.text, text);
            sections(&job);
        }
    }
}
