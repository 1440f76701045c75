//! Performance of the Transcript tab on a generated 20,000-turn, ≈ 4.5 MB interview (issue 4):
//! decoding the response body, searching it per keystroke, and drawing frames headless.
//!
//! Run with `cargo bench --bench transcript` (add a filter such as `search` to run a part).
//! Goals: decode ≤ 30 ms, search ≤ 5 ms per keystroke, frame ≤ 4 ms of CPU.

mod common;

use std::sync::LazyLock;
use std::time::Instant;

use common::{CJK_WORD, COMMON_WORD, Headless, NO_MATCH, RARE_WORD};
use divan::{Bencher, black_box};
use interview_desk::api::InterviewRecord;
use interview_desk::app::transcript_view::TranscriptView;

/// Most frames [`Headless::settle`] draws before giving up.
const SETTLE_LIMIT: usize = 5_000;

/// The response body and the record decoded from it, built once.
static INTERVIEW: LazyLock<(Vec<u8>, Option<InterviewRecord>)> = LazyLock::new(|| {
    let body = common::response_body();
    let record = common::decode(&body);
    (body, record)
});

fn body() -> &'static [u8] {
    &INTERVIEW.0
}

/// The decoded interview; a generator that does not decode is a bug in this file.
fn record() -> &'static InterviewRecord {
    match &INTERVIEW.1 {
        Some(record) => record,
        None => std::process::abort(),
    }
}

#[expect(clippy::print_stderr, reason = "benchmarks report what they measured on stderr")]
fn main() {
    let record = record();
    eprintln!("generated interview: {}", common::describe(body(), record));
    for needle in [COMMON_WORD, RARE_WORD, NO_MATCH, CJK_WORD, "e"] {
        let mut view = common::view_with_query(needle);
        if let Some(answer) =
            view.update_matches(&record.interview.transcript).and_then(|r| common::search_now(record, r))
        {
            view.apply_search(answer);
        }
        eprintln!("search {needle:?}: {} matches", view.matches.len());
    }
    // Opening the tab until every row height is measured (the scroll bar is exact from then on).
    let headless = Headless::new();
    let mut view = common::view_with_query(COMMON_WORD);
    let started = Instant::now();
    let frames = headless.settle(record, &mut view, SETTLE_LIMIT);
    eprintln!(
        "opening the Transcript tab: {frames} frames and {:.0} ms of CPU until no frame is asked for (all row heights measured)",
        started.elapsed().as_secs_f64() * 1e3
    );
    divan::main();
}

/// Parse the body, take the `data` text, remove the envelope, read the interview and normalise
/// its transcript (the record is dropped outside the timing).
#[divan::bench(sample_count = 100, sample_size = 1)]
fn decode(bencher: Bencher) {
    let bytes = body();
    bencher.counter(divan::counter::BytesCount::new(bytes.len())).bench(|| common::decode(black_box(bytes)));
}

/// One keystroke's search of this long transcript, as the worker runs it for the Transcript tab
/// (`transcript_search::run`: compile the query, find it in every turn, whose folded text was
/// prepared at the first search). The UI thread only sends the request and later takes the
/// answer. `"e"` is the worst first keystroke (a match in nearly every word). `""` searches
/// nothing: the fixed cost of a keystroke.
#[divan::bench(args = [COMMON_WORD, RARE_WORD, NO_MATCH, CJK_WORD, "e", ""], sample_count = 100, sample_size = 1)]
fn search(bencher: Bencher, needle: &str) {
    let record = record();
    let transcript = &record.interview.transcript;
    let mut view = common::view_with_query(needle);
    if let Some(answer) = view.update_matches(transcript).and_then(|r| common::search_now(record, r)) {
        view.apply_search(answer);
    }
    bencher.bench_local(|| {
        view.forget_search();
        let request = view.update_matches(black_box(transcript));
        request.and_then(|r| common::search_now(record, r)).map_or(0, |answer| answer.matches.len())
    });
}

/// A context that has drawn the transcript with `query` until every row is measured, then jumped
/// to the middle match (about 10,000 turns down) and settled again.
fn warmed_up(query: &str) -> (Headless, TranscriptView) {
    let record = record();
    let headless = Headless::new();
    let mut view = common::view_with_query(query);
    headless.settle(record, &mut view, SETTLE_LIMIT);
    if view.matches.len() > 1 {
        view.current = view.matches.len() / 2 - 1;
        view.step(true);
    }
    headless.settle(record, &mut view, SETTLE_LIMIT);
    (headless, view)
}

/// Steady state: one frame of the Transcript tab with a search for a common word active, scrolled
/// to a match in the middle, including tessellation (what eframe does on the CPU each frame).
#[divan::bench(sample_count = 400, sample_size = 5)]
fn frame_steady(bencher: Bencher) {
    let record = record();
    let (headless, mut view) = warmed_up(COMMON_WORD);
    bencher.bench_local(|| headless.frame(record, &mut view, Vec::new(), true).count);
}

/// As [`frame_steady`], without tessellation: only the egui pass (`Context::run_ui`).
#[divan::bench(sample_count = 400, sample_size = 5)]
fn frame_steady_ui_only(bencher: Bencher) {
    let record = record();
    let (headless, mut view) = warmed_up(COMMON_WORD);
    bencher.bench_local(|| headless.frame(record, &mut view, Vec::new(), false).count);
}

/// Scrolling: every frame the mouse wheel moves the content by 60 points, so new rows come into
/// view and are laid out (search active, tessellation included).
#[divan::bench(sample_count = 400, sample_size = 5)]
fn frame_scrolling(bencher: Bencher) {
    let record = record();
    let (headless, mut view) = warmed_up(COMMON_WORD);
    bencher.bench_local(|| headless.frame(record, &mut view, common::wheel(60.0), true).count);
}

/// A keystroke: the query alternates between "the" and "them", so each frame asks the worker
/// for a new search (not run here: it is off the UI thread) and draws the visible rows
/// (tessellation included).
#[divan::bench(sample_count = 100, sample_size = 1)]
fn frame_keystroke(bencher: Bencher) {
    let record = record();
    let (headless, mut view) = warmed_up(COMMON_WORD);
    let mut longer = false;
    bencher.bench_local(|| {
        longer = !longer;
        view.query = if longer { "them" } else { COMMON_WORD }.to_owned();
        headless.frame(record, &mut view, Vec::new(), true).count
    });
}

/// The first frame after the interview is opened on the Transcript tab with a search typed: the
/// search is handed to the worker, every row gets an estimated height and a time-boxed batch of
/// rows is measured.
/// The context is warm (fonts loaded) but has not laid out this transcript recently.
/// Tessellation included.
#[divan::bench(sample_count = 40, sample_size = 1)]
fn first_frame(bencher: Bencher) {
    let record = record();
    let headless = Headless::new();
    bencher
        .with_inputs(|| {
            headless.empty_frame();
            headless.empty_frame();
            common::view_with_query(COMMON_WORD)
        })
        .bench_local_values(|mut view| {
            headless.frame(record, &mut view, Vec::new(), true);
            view
        });
}

/// The second frame after opening, while row heights are still being measured in the background
/// (a time-boxed batch per frame on top of drawing).
#[divan::bench(sample_count = 40, sample_size = 1)]
fn frame_while_measuring(bencher: Bencher) {
    let record = record();
    let headless = Headless::new();
    bencher
        .with_inputs(|| {
            headless.empty_frame();
            headless.empty_frame();
            let mut view = common::view_with_query(COMMON_WORD);
            headless.frame(record, &mut view, Vec::new(), true);
            view
        })
        .bench_local_values(|mut view| {
            headless.frame(record, &mut view, Vec::new(), true);
            view
        });
}

/// Playing: the recording loaded with its waveform (two hours of peaks), the position half a
/// second on each frame, so the turn being spoken changes every few frames and Follow scrolls to
/// it (tessellation included).
#[divan::bench(sample_count = 400, sample_size = 5)]
fn frame_playing(bencher: Bencher) {
    use std::sync::Arc;

    use interview_desk::api::transcript::Transcript;
    use interview_desk::app::{Listening, ListeningStage};
    use interview_desk::playback::timeline::Timeline;
    use interview_desk::playback::waveform::{BUCKET_SECONDS, Waveform};

    let record = record();
    let (mut headless, mut view) = warmed_up(COMMON_WORD);
    let duration = 7200.0;
    let peaks = (0..(duration / BUCKET_SECONDS) as usize).map(|i| ((i * 7919) % 100) as f32 / 100.0).collect();
    let turns = match &record.interview.transcript {
        Transcript::Turns(turns) => turns.as_slice(),
        _ => &[],
    };
    let mut listening = Listening {
        interview_id: Some(record.interview.id.clone()),
        stage: ListeningStage::Ready("long.mp3".into()),
        waveform: Some(Arc::new(Waveform { peaks, duration })),
        timeline: Some(Arc::new(Timeline::new(turns, Some(duration)))),
        ..Listening::default()
    };
    listening.status.playing = true;
    listening.status.duration = Some(duration);
    headless.listening = listening;
    bencher.bench_local(|| {
        let listening = &mut headless.listening;
        listening.status.position = (listening.status.position + 0.5) % duration;
        listening.current_turn = listening.timeline.as_ref().and_then(|t| t.turn_at(listening.status.position));
        headless.frame(record, &mut view, Vec::new(), true).count
    });
}
