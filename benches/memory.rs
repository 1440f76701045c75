//! Heap used by an open interview (issue 4's memory goal: ≤ 150 MB above the empty app).
//!
//! Not a timing benchmark: a counting global allocator measures the bytes the app's data
//! structures keep alive for the generated 20,000-turn interview, and for the demo's 2,400-turn
//! interview (fetched from the in-process demo server) so the figures can be compared with the
//! resident memory of the real app with that interview open. Run with
//! `cargo bench --bench memory` (add `-- --write-body FILE` to also save the generated response
//! body, e.g. to serve it to the real app).

#![expect(unsafe_code, reason = "a counting global allocator has to implement the unsafe GlobalAlloc trait")]

#[expect(dead_code, reason = "shared with the timing benchmark, which uses all of it")]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{COMMON_WORD, Headless};
use interview_desk::api::InterviewRecord;

/// The system allocator, counting the bytes currently allocated and the peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; only counters are updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Starts a new peak measurement from the current level.
fn reset_peak() -> usize {
    let now = live();
    PEAK.store(now, Ordering::Relaxed);
    now
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn delta(now: usize, before: usize) -> String {
    if now >= before { format!("+{}", mb(now - before)) } else { format!("-{}", mb(before - now)) }
}

/// `VmRSS` of this process, for information (the allocator's counts are the real figures).
fn rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .map_or_else(String::new, |l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
}

/// The demo's 2,400-turn interview as the app receives it: the body of
/// `GET /interviews/{DEMO_LONG_INTERVIEW_ID}` from the in-process demo server.
fn demo_long_body() -> Result<Vec<u8>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let server = interview_desk::demo::DemoServer::start(0).await.map_err(|e| e.to_string())?;
        let url = format!("{}/interviews/{}", server.base_url(), interview_desk::demo::DEMO_LONG_INTERVIEW_ID);
        interview_desk::api::install_tls();
        let response = reqwest::Client::new()
            .get(url)
            .bearer_auth(interview_desk::demo::DEMO_API_KEY)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        server.shutdown();
        Ok(bytes.to_vec())
    })
}

/// Measures one interview body: decoding, the record's parts, and drawing it in the Transcript tab.
fn measure(name: &str, body: &[u8], out: &mut Vec<String>) {
    let before_decode = reset_peak();
    let Some(record) = common::decode(body) else {
        out.push(format!("{name}: the body did not decode"));
        return;
    };
    let after_decode = live();
    let decode_peak = PEAK.load(Ordering::Relaxed);
    out.push(format!("{name}: {}", common::describe(body, &record)));
    out.push(format!(
        "  decoded record kept alive: {} (peak while decoding: {} above the body)",
        delta(after_decode, before_decode),
        delta(decode_peak, before_decode),
    ));

    let before_ui = reset_peak();
    let headless = Headless::new();
    let after_context = live();
    let mut view = common::view_with_query(COMMON_WORD);
    let first = headless.frame(&record, &mut view, Vec::new(), true);
    if let Some(answer) = first.search.and_then(|request| common::search_now(&record, request)) {
        view.apply_search(answer);
    }
    let after_first = live();
    let first_peak = PEAK.load(Ordering::Relaxed);
    let frames = headless.settle(&record, &mut view, 5_000);
    let after_frames = live();
    let matches = view.matches.len();
    drop(view);
    let after_view = live();
    out.push(format!(
        "  egui context with fonts: {}; first Transcript frame (search \"{COMMON_WORD}\": {matches} matches): {} (peak {}); after {frames} more frames (all rows measured): {}",
        delta(after_context, before_ui),
        delta(after_first, after_context),
        delta(first_peak, after_context),
        delta(after_frames, after_context),
    ));
    out.push(format!(
        "    of which the TranscriptView (matches, row offsets): {}; egui (font atlas, galley cache, memory): {}",
        mb(after_frames.saturating_sub(after_view)),
        delta(after_view, after_context),
    ));
    drop(headless);

    let InterviewRecord { raw, raw_text, interview } = record;
    let start = live();
    drop(raw);
    let after_raw = live();
    drop(raw_text);
    let after_text = live();
    drop(interview);
    let after_interview = live();
    out.push(format!(
        "  record parts: raw Value {}, raw_text {}, typed Interview (transcript) {}",
        mb(start.saturating_sub(after_raw)),
        mb(after_raw.saturating_sub(after_text)),
        mb(after_text.saturating_sub(after_interview)),
    ));
}

#[expect(clippy::print_stdout, reason = "this benchmark's output is its report")]
fn main() {
    let mut out = Vec::new();
    out.push(format!("start: heap {}, VmRSS {}", mb(live()), rss()));

    match demo_long_body() {
        Ok(body) => measure("demo 2,400-turn interview", &body, &mut out),
        Err(err) => out.push(format!("demo 2,400-turn interview: could not fetch it: {err}")),
    }

    let body = common::response_body();
    // `--write-body FILE` also saves the generated body, e.g. to serve it to the real app.
    let mut args = std::env::args().skip_while(|arg| arg != "--write-body").skip(1);
    if let Some(path) = args.next() {
        match std::fs::write(&path, &body) {
            Ok(()) => out.push(format!("wrote the generated body to {path}")),
            Err(err) => out.push(format!("could not write {path}: {err}")),
        }
    }
    measure("generated 20,000-turn interview", &body, &mut out);
    drop(body);
    out.push(format!("end: heap {}, VmRSS {}", mb(live()), rss()));
    for line in out {
        println!("{line}");
    }
}
