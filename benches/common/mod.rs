//! Shared by the benchmarks: a generated two-hour-plus interview of 20,000 turns (≈ 4.5 MB of
//! JSON, wrapped in the API's `{success, data, timestamp}` envelope), the app's decoding path
//! for a response body, and a headless egui context that draws the Transcript tab.

use std::cell::Cell;

use interview_desk::api::{InterviewRecord, data_text, is_envelope, unwrap_envelope};
use interview_desk::app::transcript_view::{SearchRequest, TranscriptView};
use interview_desk::ui::transcript::transcript_ui;
use serde_json::{Value, json};

/// Number of turns in the generated transcript.
pub const TURNS: usize = 20_000;

/// The logical screen the frame benchmarks draw on, in points.
pub const SCREEN: egui::Vec2 = egui::vec2(1200.0, 800.0);

/// A word in most turns (and inside "there", "other", ...).
pub const COMMON_WORD: &str = "the";

/// A word in 7 turns.
pub const RARE_WORD: &str = "kubernetes";

/// A word in no turn.
pub const NO_MATCH: &str = "xylophone";

/// A Japanese word ("design") that appears in some of the Japanese turns.
pub const CJK_WORD: &str = "設計";

/// How often the rare word is said: every `RARE_EVERY` turns, starting at turn 137 (7 turns).
const RARE_EVERY: usize = 2_857;

const SEED: u64 = 0x1D7E_2026_0004_BE7C;

const ENGLISH: [&str; 32] = [
    "Okay.",
    "Right.",
    "Mm-hm.",
    "Sure, go on.",
    "Could you say a bit more about that?",
    "How did you measure the impact of that change?",
    "What would you do differently if you started the project again today?",
    "Let's zoom in on the write path for a moment.",
    "That makes sense, but what happens when the downstream service is unavailable for ten minutes?",
    "How many people were on the team at that point, and what exactly was your role?",
    "Let me push back a little: why not put everything in one database and scale it vertically?",
    "I'd like to switch topics now and talk about how you work with other people.",
    "Good question, let me think about it for a second.",
    "I'd start with the simplest thing that could work and then measure it under real traffic.",
    "We used idempotency keys derived from the carrier's message ID, stored with a unique constraint.",
    "At that point there were five of us: three backend engineers, a data engineer and a manager.",
    "The p99 latency went from roughly eight hundred milliseconds to under two hundred.",
    "Honestly, I would have written the design document much earlier than we did.",
    "The write path goes through a single partitioned log, keyed by shipment ID, so updates stay ordered.",
    "The reason we split it was not load but the different retention rules for raw pings and billing data.",
    "For alerts, I only page on symptoms the customer would notice, and everything else goes to a ticket queue.",
    "When we disagree, I write down both options with their costs and ask what evidence would change our minds.",
    "We rolled it out behind a feature flag, first to internal accounts, then to five percent of traffic.",
    "That one was mostly my work, with a lot of review from a senior colleague.",
    "The consumer commits its offset only after the transaction has committed, so a crash just means a retry.",
    "I'd keep the service boundaries along the business capabilities: tracking, pricing and settlement.",
    "If the downstream service is down, requests go into an outbox table and a worker retries with backoff.",
    "We wrote a small load generator that replayed a day of production traffic at ten times the speed.",
    "My manager at the time encouraged me to present the results to the whole engineering department.",
    "In my previous job I was responsible for the on-call rotation and for the incident reviews.",
    "Yes, I am comfortable with that, as long as the expectations are written down somewhere.",
    "I think the hardest part was convincing the product team that the migration was worth a quarter.",
];

const SLOVAK: [&str; 10] = [
    "Áno, rozumiem.",
    "Dobrý deň, ďakujem za pozvanie na pohovor.",
    "Pracoval som ako vývojár v malej firme v Žiline, kde sme robili logistický softvér.",
    "Najväčšia výzva bola migrácia databázy bez výpadku služby počas sezóny.",
    "Môj tím mal päť ľudí a ja som mal na starosti návrh rozhrania a kontrolu kódu.",
    "Učím sa rýchlo, ale priznávam, že s Kubernetom mám len málo skúseností.",
    "Čo by ste odporučili ako prvý krok pri zavádzaní monitorovania?",
    "Ťažko povedať, záleží to od toho, koľko dát denne spracúvate.",
    "Mzdové očakávania mám v rozmedzí, ktoré ste uviedli v inzeráte.",
    "Ďakujem, to je všetko z mojej strany, teším sa na ďalšie kolo.",
];

const JAPANESE: [&str; 8] = [
    "はい、そうです。",
    "本日はお時間をいただきありがとうございます。",
    "前職ではバックエンドの設計と運用を担当していました。",
    "システム設計で一番重視しているのは、障害時にどう振る舞うかという点です。",
    "チームは五人で、私はレビューと新人の教育も担当していました。",
    "少し考えさせてください。",
    "データベースの移行は三か月かかりましたが、停止時間はゼロでした。",
    "設計書を先に書いておけば、もっと早く合意できたと思います。",
];

const EMOJI: [&str; 6] = [
    "🙂",
    "Great, thanks! 👍",
    "That went really well 🎉🎉",
    "Haha 😄 yes, that happened more than once.",
    "I'm not sure 🤔 but I can find out.",
    "☕ Coffee first, then the deploy.",
];

const RARE_SENTENCE: &str =
    "We moved the workers to Kubernetes last year, mostly for the autoscaling of the ingestion jobs.";

/// A 64-bit linear congruential generator (Knuth's MMIX constants); deterministic by design.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..bound`.
    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next()).unwrap_or_default() % bound.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or_default()
    }
}

/// One turn's text: one to three (agent) or five (candidate) sentences, each English (88 %),
/// Slovak (5 %), Japanese (4 %) or with emoji (3 %), so about a quarter of the turns are not ASCII.
fn turn_text(rng: &mut Lcg, index: usize, agent: bool) -> String {
    let sentences = if agent { 1 + rng.below(3) } else { 1 + rng.below(4) + usize::from(rng.below(4) == 0) };
    let mut text = String::new();
    for _ in 0..sentences {
        let roll = rng.below(100);
        let sentence = match roll {
            0..88 => rng.pick(&ENGLISH),
            88..93 => rng.pick(&SLOVAK),
            93..97 => rng.pick(&JAPANESE),
            _ => rng.pick(&EMOJI),
        };
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(sentence);
    }
    if index % RARE_EVERY == 137 {
        text.push(' ');
        text.push_str(RARE_SENTENCE);
    }
    text
}

/// The `GET /interviews/{id}` response body: an envelope around an interview whose transcript has
/// [`TURNS`] `{"role", "text", "startedAtSec"}` turns, speakers alternating agent / candidate.
pub fn response_body() -> Vec<u8> {
    let mut rng = Lcg(SEED);
    let mut seconds = 0.0_f64;
    let mut turns = Vec::with_capacity(TURNS);
    for index in 0..TURNS {
        let agent = index % 2 == 0;
        let text = turn_text(&mut rng, index, agent);
        let role = if agent { "AGENT" } else { "CANDIDATE" };
        turns.push(json!({"role": role, "text": text, "startedAtSec": (seconds * 100.0).round() / 100.0}));
        // About 15 chars a second, plus a pause of up to 1.5 s between turns.
        let chars = text.chars().count();
        seconds += f64::from(u32::try_from(chars).unwrap_or(u32::MAX)) / 15.0
            + f64::from(u32::try_from(rng.below(150)).unwrap_or(0)) / 100.0;
    }
    let minutes = (seconds / 60.0).ceil();
    let body = json!({
        "success": true,
        "data": {
            "id": "5e0c8a7d-9f41-4b2e-a6c3-0d7f1e2b3a49",
            "candidateId": "a2d94b77-1c3e-4f58-b6a0-7e21c9d4f3b8",
            "agentId": "0c8e5f21-6a9b-4d3c-8f12-b4e7a1c6d905",
            "status": "COMPLETED",
            "scheduledAt": "2026-03-10T09:00:00Z",
            "createdAt": "2026-03-09T15:12:44Z",
            "updatedAt": "2026-03-10T15:31:02Z",
            "jobId": "7b1f0d3a-2e4c-4a9b-8c6d-1f2e3a4b5c6d",
            "durationMinutes": minutes,
            "finishedDate": "2026-03-10T15:19:40Z",
            "metadata": {"externalInterviewId": "ATS-INT-20417", "recruiter": "team-backend"},
            "callAttempts": [{"id": "9d0e8f7a-1b2c-4d3e-8f4a-5b6c7d8e9f01", "status": "COMPLETED",
                "recordingUrl": "https://recordings.example.invalid/long.mp3", "duration": seconds.round()}],
            "analysis": {
                "id": "c7e3a915-4d2b-4f80-9b6a-2a1d8e5f0c34",
                "general": {
                    "createdAt": "2026-03-10T15:22:10Z",
                    "updatedAt": "2026-03-10T15:22:10Z",
                    "overallRating": 78,
                    "companyFitRating": "HIGH",
                    "education": "MASTER_LEVEL",
                    "experience": "THREE_TO_5_YEARS",
                    "strongPoints": ["Clear explanation of past projects", "Owns production incidents end to end"],
                    "weakPoints": ["Little hands-on experience with Kubernetes operations"],
                    "evaluation": ["Solid mid-level backend candidate", "Recommend a technical follow-up"]
                },
                "specific": {"pronunciationScores": {"fluency": 81, "accuracy": 77}}
            },
            "isTest": false,
            "transcript": turns
        },
        "timestamp": "2026-03-10T15:40:00Z"
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

/// What the app does with a successful response body: parse, take the `data` member's exact text,
/// remove the envelope, and read the typed interview (normalising the transcript).
pub fn decode(bytes: &[u8]) -> Option<InterviewRecord> {
    let body: Value = serde_json::from_slice(bytes).ok()?;
    let text = data_text(bytes, is_envelope(&body)).unwrap_or_default();
    let body = unwrap_envelope(body, 200, "application/json").ok()?;
    InterviewRecord::from_parts(body, text).ok()
}

/// A headless egui context with the app's style, drawing on a [`SCREEN`]-sized window.
pub struct Headless {
    /// The context (reused across frames, like the app's).
    pub ctx: egui::Context,
    time: Cell<f64>,
    /// The player's state the Transcript tab is drawn with (nothing loaded by default).
    pub listening: interview_desk::app::Listening,
}

impl Headless {
    /// A context with the app's style, fonts loaded by one empty frame.
    pub fn new() -> Self {
        let ctx = egui::Context::default();
        interview_desk::ui::style::apply(&ctx);
        let headless = Self { ctx, time: Cell::new(0.0), listening: interview_desk::app::Listening::default() };
        headless.empty_frame();
        headless
    }

    fn input(&self, events: Vec<egui::Event>) -> egui::RawInput {
        self.time.set(self.time.get() + 1.0 / 240.0);
        egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SCREEN)),
            time: Some(self.time.get()),
            events,
            ..egui::RawInput::default()
        }
    }

    /// One frame of the Transcript tab with `events` as the frame's input. When `tessellate`,
    /// the frame's shapes are turned into triangles as eframe does before painting.
    pub fn frame(
        &self,
        record: &InterviewRecord,
        view: &mut TranscriptView,
        events: Vec<egui::Event>,
        tessellate: bool,
    ) -> Drawn {
        let input = self.input(events);
        let mut search = None;
        let output = self.ctx.run_ui(input, |ui| {
            egui::CentralPanel::default()
                .show(ui, |ui| search = transcript_ui(ui, record, view, &self.listening).search);
        });
        let mut drawn = self.finish(output, tessellate);
        drawn.search = search;
        drawn
    }

    /// Ends a frame: tessellates its shapes (when asked) and drops the texture updates (there is
    /// no GPU to send them to).
    fn finish(&self, mut output: egui::FullOutput, tessellate: bool) -> Drawn {
        let shapes = std::mem::take(&mut output.shapes);
        let count = if tessellate { self.ctx.tessellate(shapes, output.pixels_per_point).len() } else { shapes.len() };
        let repaint = output.viewport_output.get(&egui::ViewportId::ROOT).is_some_and(|v| v.repaint_delay.is_zero());
        output.drop_without_applying_deltas();
        Drawn { count, repaint, search: None }
    }

    /// Draws frames until egui no longer asks for another one at once (every row height measured,
    /// animations done), at most `limit`; returns how many frames that took.
    /// A search the frame asked for is run at once, as the worker would.
    pub fn settle(&self, record: &InterviewRecord, view: &mut TranscriptView, limit: usize) -> usize {
        for frame in 1..=limit {
            let drawn = self.frame(record, view, Vec::new(), true);
            let searched = drawn.search.is_some();
            if let Some(answer) = drawn.search.and_then(|request| search_now(record, request)) {
                view.apply_search(answer);
            }
            if !drawn.repaint && !searched {
                return frame;
            }
        }
        limit
    }

    /// A frame that draws no transcript (so egui's galley cache forgets the transcript's rows).
    pub fn empty_frame(&self) {
        let input = self.input(Vec::new());
        let output = self.ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| ui.label("Nothing open"));
        });
        output.drop_without_applying_deltas();
    }
}

/// What a frame produced.
pub struct Drawn {
    /// Clipped primitives after tessellation, or shapes without it (kept so the work is used).
    pub count: usize,
    /// Whether egui asked for another frame at once (rows still being measured, an animation).
    pub repaint: bool,
    /// The search the frame asked the worker for, if any.
    pub search: Option<SearchRequest>,
}

/// Runs a search the Transcript tab asked for, as the worker does (`None`: overtaken).
pub fn search_now(
    record: &InterviewRecord,
    request: SearchRequest,
) -> Option<interview_desk::app::transcript_view::SearchAnswer> {
    interview_desk::transcript_search::run(&record.interview.transcript, request)
}

/// A wheel event that scrolls the content by `points` (positive: towards the end).
pub fn wheel(points: f32) -> Vec<egui::Event> {
    vec![
        egui::Event::PointerMoved(egui::pos2(SCREEN.x / 2.0, SCREEN.y / 2.0)),
        egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -points),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        },
    ]
}

/// A Transcript tab state with `query` typed in the search box.
pub fn view_with_query(query: &str) -> TranscriptView {
    let mut view = TranscriptView::default();
    query.clone_into(&mut view.query);
    view
}

/// A line describing an interview body and its decoded transcript.
pub fn describe(bytes: &[u8], record: &InterviewRecord) -> String {
    let transcript = &record.interview.transcript;
    let turns = transcript.turns();
    let chars: usize = turns.iter().map(|t| t.text.chars().count()).sum();
    let non_ascii = turns.iter().filter(|t| !t.text.is_ascii()).count();
    format!(
        "{} bytes of JSON ({:.2} MB), {} turns, {} words, {chars} chars of turn text, {non_ascii} turns not ASCII",
        bytes.len(),
        bytes.len() as f64 / 1e6,
        transcript.turn_count(),
        transcript.word_count(),
    )
}
