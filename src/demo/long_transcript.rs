//! The generated transcript of the two-hour demo interview ([`super::DEMO_LONG_INTERVIEW_ID`]).
//!
//! It is built deterministically ([`fastrand::Rng`] with a constant seed) so
//! that the asset file stays small and every run serves the same 2,400 turns.

use serde_json::{Value, json};

/// Number of turns in the transcript.
const TURNS: usize = 2_400;

/// Where the last turn starts, in milliseconds from the start of the interview.
const LAST_TURN_MS: u64 = 7_140_000;

/// The only turns that mention Kubernetes, so that searching for a rare word finds few hits.
const KUBERNETES_TURNS: [usize; 7] = [137, 512, 860, 1_244, 1_609, 1_987, 2_251];

/// Seed of the generator; any constant works.
const SEED: u64 = 0x1D7E_2026_0505_0800;

/// Interviewer sentences, short and long.
const INTERVIEWER_LINES: [&str; 16] = [
    "Okay.",
    "Right, go on.",
    "Could you say a bit more about that?",
    "How did you measure that?",
    "What would you do differently if you started again today?",
    "Let's zoom in on the write path for a moment.",
    "That makes sense. What happens when the downstream service is unavailable for ten minutes?",
    "How many people were on the team at that point, and what exactly was your role?",
    "Interesting. Let me push back a little: why not just put everything in one Postgres database and scale it vertically?",
    "Suppose a carrier sends the same GPS ping twice, thirty seconds apart. How does your design make sure the shipment's position isn't updated twice?",
    "I'd like to switch topics now and talk about how you work with other people, in particular how you handle disagreements about technical direction.",
    "Mm-hm.",
    "Could you draw the boundaries between those services for me, in words?",
    "How would you roll that change out without downtime?",
    "What were the numbers before and after?",
    "We have about twenty minutes left for this part, so let's move on to observability: what would you put on the first dashboard for this service, and which alerts would actually wake someone up at night?",
];

/// Candidate sentences, short and long.
const CANDIDATE_LINES: [&str; 24] = [
    "Yes.",
    "Sure.",
    "Good question, let me think for a second.",
    "Right, exactly.",
    "I'd start with the simplest thing that could work and measure it.",
    "We used idempotency keys derived from the carrier's message ID, stored with a unique constraint, so a duplicate insert just fails harmlessly.",
    "At that point there were five of us: three backend engineers, one data engineer and an engineering manager who still wrote some code.",
    "The p99 latency went from roughly eight hundred milliseconds to under two hundred, and the error rate dropped below one in ten thousand requests.",
    "Honestly, I would have written the design doc earlier. We spent two weeks building something the product team didn't actually need.",
    "The write path goes through a single partitioned log, keyed by shipment ID, so all updates for one shipment are ordered and land on the same consumer.",
    "I think one Postgres instance would carry us for a while, to be fair. The reason we split it was not load but the different retention rules for raw pings and for billing data, which the finance team cared about a lot.",
    "For alerts, I only page on symptoms the customer would notice: ingestion lag above five minutes, error rate on the public API, and stuck settlement batches. Everything else goes to a ticket queue that we review every morning.",
    "When we disagree, I try to write down both options with their costs and ask what evidence would change our minds. Most of the time the disagreement turns out to be about different assumptions rather than different values.",
    "We rolled it out behind a feature flag, first to internal test accounts, then to five percent of traffic, and we compared the outputs of the old and the new path for a week before switching over.",
    "Mm, not exactly. Let me correct myself.",
    "That one was mostly my work, with a lot of review from a senior colleague.",
    "The consumer commits its offset only after the database transaction has committed, and the handler is idempotent, so a crash between the two just means the message is processed again without side effects.",
    "I'd keep the service boundaries along the business capabilities: tracking, pricing and settlement. Each one owns its data, and they talk through events rather than shared tables.",
    "If the downstream service is down, requests go into an outbox table and a background worker retries with exponential backoff and jitter, capped at a few minutes.",
    "We did load tests with recorded production traffic replayed at three times the normal rate.",
    "I mentored two junior engineers last year; one of them now leads the on-call rotation.",
    "It depends on the access pattern, really.",
    "The biggest lesson from that incident was that our retries were amplifying the outage. We added a circuit breaker and a retry budget per client, and the next time a dependency failed, the rest of the system stayed healthy.",
    "I'm not sure, to be honest. I'd have to look at the actual numbers before committing to an answer.",
];

/// Interviewer turns that mention Kubernetes.
const INTERVIEWER_KUBERNETES_LINES: [&str; 3] = [
    "Our services run on Kubernetes today. How would you size the pods for this consumer?",
    "How much of that would you handle in Kubernetes itself, for example with liveness probes and pod disruption budgets?",
    "Have you ever debugged a service that kept getting restarted by Kubernetes?",
];

/// Candidate turns that mention Kubernetes.
const CANDIDATE_KUBERNETES_LINES: [&str; 4] = [
    "We ran it on Kubernetes with a horizontal pod autoscaler driven by consumer lag rather than CPU, because CPU was never the bottleneck.",
    "I've used Kubernetes mainly as a developer: writing manifests, reading events, that kind of thing.",
    "Yes, once the liveness probe in Kubernetes was hitting an endpoint that itself depended on the database, so a slow database restarted every pod at once. We split liveness and readiness after that.",
    "I'd rather keep the retry logic in the application than rely on Kubernetes restarts.",
];

/// The first and the last turn.
const OPENING: &str = "Hi Sofia, thanks for joining. This is the technical deep-dive for the Backend Engineer role; we have about two hours, with a short break in the middle. Ready when you are.";

/// The closing turn.
const CLOSING: &str = "That's all from my side. Thank you very much for your time today, Sofia. The hiring team will get back to you within a week.";

/// Who speaks a turn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Speaker {
    /// The AI interviewer.
    Interviewer,
    /// The candidate.
    Candidate,
}

impl Speaker {
    /// The value of the `"from"` key.
    fn label(self) -> &'static str {
        match self {
            Self::Interviewer => "interviewer",
            Self::Candidate => "candidate",
        }
    }

    /// The other speaker.
    fn other(self) -> Self {
        match self {
            Self::Interviewer => Self::Candidate,
            Self::Candidate => Self::Interviewer,
        }
    }
}

/// A pseudo-random pick from a non-empty `lines` (`""` if it is empty).
fn pick(rng: &mut fastrand::Rng, lines: &[&'static str]) -> &'static str {
    rng.choice(lines).copied().unwrap_or("")
}

/// The transcript: a JSON array of 2,400 `{"from": "interviewer"|"candidate",
/// "utterance": <text>, "time": <integer milliseconds from the start>}` objects, with
/// strictly increasing `time` from 0 to about two hours.
pub(super) fn generate() -> Value {
    let turns = turns();
    let times = start_times(&turns);
    let items = turns
        .iter()
        .zip(times)
        .map(|((speaker, text), time)| json!({"from": speaker.label(), "utterance": text, "time": time}))
        .collect();
    Value::Array(items)
}

/// Who says what, in order.
fn turns() -> Vec<(Speaker, &'static str)> {
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut speaker = Speaker::Interviewer;
    let mut turns = Vec::with_capacity(TURNS);
    for index in 0..TURNS {
        let text = if index == 0 {
            OPENING
        } else if index + 1 == TURNS {
            speaker = Speaker::Interviewer;
            CLOSING
        } else {
            // Usually the speakers alternate; now and then someone keeps talking.
            if rng.u32(..9) != 0 {
                speaker = speaker.other();
            }
            let lines: &[&str] = match (speaker, KUBERNETES_TURNS.contains(&index)) {
                (Speaker::Interviewer, false) => &INTERVIEWER_LINES,
                (Speaker::Candidate, false) => &CANDIDATE_LINES,
                (Speaker::Interviewer, true) => &INTERVIEWER_KUBERNETES_LINES,
                (Speaker::Candidate, true) => &CANDIDATE_KUBERNETES_LINES,
            };
            pick(&mut rng, lines)
        };
        turns.push((speaker, text));
    }
    turns
}

/// Start time of each turn in milliseconds: proportional to the length of the text before
/// it plus a small random pause, scaled so that the last turn starts at [`LAST_TURN_MS`].
fn start_times(turns: &[(Speaker, &str)]) -> Vec<u64> {
    let mut rng = fastrand::Rng::with_seed(SEED.rotate_left(17));
    let mut raw = Vec::with_capacity(turns.len());
    let mut clock: u64 = 0;
    for (_, text) in turns {
        raw.push(clock);
        let speaking = u64::try_from(text.len()).unwrap_or(0).saturating_mul(60);
        clock = clock.saturating_add(500 + speaking + rng.u64(..1_500));
    }
    let last = raw.last().copied().unwrap_or(0).max(1);
    raw.into_iter().map(|time| time.saturating_mul(LAST_TURN_MS) / last).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_2400_well_formed_turns() {
        let transcript = generate();
        let turns = transcript.as_array().unwrap();
        assert_eq!(turns.len(), TURNS);
        let mut previous = None;
        for turn in turns {
            let from = turn["from"].as_str().unwrap();
            assert!(from == "interviewer" || from == "candidate");
            assert!(!turn["utterance"].as_str().unwrap().is_empty());
            let time = turn["time"].as_u64().unwrap();
            if let Some(previous) = previous {
                assert!(time > previous, "time must increase");
            }
            previous = Some(time);
        }
        assert_eq!(turns[0]["time"].as_u64(), Some(0));
        assert_eq!(previous, Some(LAST_TURN_MS));
    }

    #[test]
    fn kubernetes_is_rare() {
        let transcript = generate();
        let hits = transcript
            .as_array()
            .unwrap()
            .iter()
            .filter(|turn| turn["utterance"].as_str().unwrap().contains("Kubernetes"))
            .count();
        assert_eq!(hits, KUBERNETES_TURNS.len());
        for line in INTERVIEWER_LINES.iter().chain(&CANDIDATE_LINES) {
            assert!(!line.contains("Kubernetes"));
        }
    }

    #[test]
    fn is_deterministic() {
        assert_eq!(generate(), generate());
    }

    #[test]
    fn both_speakers_and_many_sentences_appear() {
        let transcript = generate();
        let turns = transcript.as_array().unwrap();
        let mut texts: Vec<&str> = turns.iter().map(|t| t["utterance"].as_str().unwrap()).collect();
        texts.sort_unstable();
        texts.dedup();
        assert!(texts.len() >= 40, "only {} distinct sentences", texts.len());
        assert!(turns.iter().any(|t| t["from"] == "candidate"));
    }
}
