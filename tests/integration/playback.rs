//! Playing recordings for real: rodio's decoders and player on a headless output (what a sound
//! device would pull, pulled here at its own pace), and the waveform, on the demo's recordings
//! and a VBR file.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use interview_desk::playback::{Player, PlayerCommand, PlayerStatus, RodioOutput, open_source, waveform};
use rodio::Source as _;

fn asset(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name)
}

const SHORT_CALL: &str = "assets/demo/recordings/b118515f.mp3";
const PHONE_CALL: &str = "assets/demo/recordings/5b9d2e60.mp3";
const VBR: &str = "tests/fixtures/audio/vbr-silence-first.mp3";

/// Every sample of a recording, mono (channels averaged), and its rate.
fn decode_all(path: &str) -> (Vec<f32>, u32) {
    let source = open_source(&asset(path)).unwrap();
    let channels = usize::from(source.channels().get());
    let rate = source.sample_rate().get();
    let samples: Vec<f32> = source.collect();
    (samples.chunks(channels).map(|c| c.iter().sum::<f32>() / c.len() as f32).collect(), rate)
}

/// How alike `probe` (samples just after a seek) is to `reference` at `at` seconds, shifted by
/// up to `slack` seconds either way: the best cosine similarity (1.0: the same samples).
fn likeness(reference: &[f32], rate: u32, probe: &[f32], at: f64, slack: f64) -> f64 {
    let rate_f = f64::from(rate);
    let from = ((at - slack) * rate_f).max(0.0) as usize;
    let to = ((at + slack) * rate_f) as usize;
    (from..=to)
        .filter_map(|offset| reference.get(offset..offset + probe.len()))
        .map(|window| {
            let dot: f64 = window.iter().zip(probe).map(|(a, b)| f64::from(*a) * f64::from(*b)).sum();
            let norm = |v: &[f32]| v.iter().map(|a| f64::from(*a).powi(2)).sum::<f64>().sqrt().max(1e-12);
            dot / (norm(window) * norm(probe))
        })
        .fold(f64::MIN, f64::max)
}

#[test]
fn the_demo_recordings_decode_to_the_length_of_their_calls() {
    // The durations the demo's call attempts give (seconds), within 1 %.
    for (path, api_seconds) in [(SHORT_CALL, 43.0), (PHONE_CALL, 1082.0)] {
        let computed = waveform::compute(&asset(path), &|_| {}, &|| false).unwrap();
        assert!((computed.duration - api_seconds).abs() / api_seconds < 0.01, "{path}: {} s", computed.duration);
        assert_eq!(computed.peaks.len(), (computed.duration / waveform::BUCKET_SECONDS).ceil() as usize);
        // Speech and the pauses between turns both show.
        let loud = computed.peaks.iter().filter(|p| **p > 0.05).count();
        let quiet = computed.peaks.iter().filter(|p| **p < 0.01).count();
        assert!(
            loud > computed.peaks.len() / 10 && quiet > computed.peaks.len() / 20,
            "{path}: {loud} loud, {quiet} quiet"
        );
    }
}

/// B43: a VBR file's length comes from its Xing header, and seeks (forward, back, scrubbing)
/// land within 50 ms of the point asked for.
#[test]
fn seeks_land_where_asked_forward_and_back_in_cbr_and_vbr_files() {
    for path in [SHORT_CALL, VBR] {
        let (reference, rate) = decode_all(path);
        let seconds = reference.len() as f64 / f64::from(rate);
        let probed = waveform::probe_duration(&asset(path)).unwrap();
        if path == VBR {
            // The header counts the encoder's padding, which gapless decoding drops.
            assert!(
                probed.is_some_and(|d| (d - seconds).abs() / seconds < 0.02),
                "{path}: header says {probed:?}, decoded {seconds}"
            );
        }
        let mut source = open_source(&asset(path)).unwrap();
        let channels = usize::from(source.channels().get());
        // Forward, back, and a scrub back and forth; only points in speech (a seek into silence
        // matches any silence).
        let speech = |t: f64| {
            let from = ((t + 0.1) * f64::from(rate)) as usize;
            let window = reference.get(from..from + rate as usize * 3 / 10).unwrap_or_default();
            window.iter().map(|s| s * s).sum::<f32>() / window.len().max(1) as f32 > 4e-3
        };
        let targets: Vec<f64> = [0.7, 0.3, 0.25, 0.8, 0.2, 0.55, 0.33, 0.9, 0.6, 0.4, 0.75, 0.5, 0.85, 0.45]
            .iter()
            .map(|share| seconds * share)
            .filter(|t| speech(*t))
            .collect();
        assert!(targets.len() >= 5, "{path}: {targets:?}");
        for target in targets {
            source.try_seek(Duration::from_secs_f64(target)).unwrap();
            let probe: Vec<f32> = source
                .by_ref()
                .take(channels * (f64::from(rate) * 0.4) as usize)
                .collect::<Vec<_>>()
                .chunks(channels)
                .map(|c| c.iter().sum::<f32>() / c.len() as f32)
                .collect();
            // The samples after the seek are those at the time asked, within 50 ms (past the
            // first frames, which the decoder rebuilds without the ones before them).
            let warm_up = rate as usize / 10;
            let alike = likeness(&reference, rate, probe.get(warm_up..).unwrap_or_default(), target + 0.1, 0.05);
            assert!(alike > 0.98, "{path}: after a seek to {target:.2} s the samples are not those there ({alike:.3})");
        }
    }
}

fn wait_for(player: &Player, what: &str, mut pull: impl FnMut(), done: impl Fn(&PlayerStatus) -> bool) -> PlayerStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = None;
    loop {
        if let Some(status) = player.latest() {
            last = Some(status);
        }
        if let Some(status) = last.as_ref().filter(|s| done(s)) {
            return status.clone();
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}: {last:?}");
        pull();
    }
}

/// B37: at 0.75×, 1.5× and 2× a seek lands on the time asked (not scaled by the speed), and the
/// position keeps recording time while a device plays: N seconds played at speed S move it
/// N × S seconds, within 150 ms.
#[test]
fn at_any_speed_a_seek_lands_on_its_time_and_the_position_follows_the_recording() {
    const RATE: usize = 48_000 * 2;
    for speed in [0.75_f32, 1.5, 2.0] {
        let (output, mut device) = RodioOutput::headless();
        let player = Player::start(Box::new(output), Arc::new(|| {})).unwrap();
        let mut pull = |samples: usize| {
            for _ in 0..samples {
                let _ = device.next();
            }
        };
        player.send(PlayerCommand::Open { path: asset(SHORT_CALL), start: 0.0, play: false });
        player.send(PlayerCommand::SetSpeed(speed));
        player.send(PlayerCommand::Seek(20.0));
        wait_for(&player, "the seek", || pull(480), |s| s.speed == speed && (s.position - 20.0).abs() < 0.01);
        player.send(PlayerCommand::SetPlaying(true));
        wait_for(&player, "playing", || pull(480), |s| s.playing);
        let started = player.latest().map_or(20.0, |s| s.position);
        // Ten seconds of what a 48 kHz stereo device plays; then the report made after them.
        pull(RATE * 10);
        std::thread::sleep(Duration::from_millis(200));
        let status = wait_for(&player, "a report", || {}, |s| s.position > started + 1.0);
        let expected = started + 10.0 * f64::from(speed);
        assert!(
            (status.position - expected).abs() < 0.15,
            "at {speed}×: {:.3} s after ten seconds from {started:.3}, expected {expected:.3}",
            status.position
        );
    }
}

/// Play reaches the end of the recording and stops there; Play again starts over.
#[test]
fn playback_stops_at_the_end_and_play_starts_over() {
    let (output, mut device) = RodioOutput::headless();
    let player = Player::start(Box::new(output), Arc::new(|| {})).unwrap();
    let mut pull = |samples: usize| {
        for _ in 0..samples {
            let _ = device.next();
        }
    };
    player.send(PlayerCommand::Open { path: asset(SHORT_CALL), start: 40.0, play: true });
    wait_for(&player, "playing", || pull(480), |s| s.playing);
    let status = wait_for(&player, "the end", || pull(48_000), |s| !s.playing && s.position > 42.0);
    assert!(status.duration.is_some_and(|d| (status.position - d).abs() < 0.2), "{status:?}");
    player.send(PlayerCommand::SetPlaying(true));
    wait_for(&player, "started over", || pull(480), |s| s.playing && s.position < 1.0);
}

/// Each demo recording's speech starts where its transcript says (within 0.3 s: espeak's lead-in
/// and the mp3 encoder's delay), whatever shape the transcript has: seconds (`startedAtSec`) or
/// AssemblyAI's milliseconds with speakers A and B.
#[test]
fn the_demo_recordings_speak_each_turn_at_its_time() {
    use interview_desk::api::InterviewRecord;
    use interview_desk::api::transcript::Transcript;
    let interviews: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(asset("assets/demo/interviews.json")).unwrap()).unwrap();
    for (id, file) in [
        ("3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10", PHONE_CALL),
        ("b118515f-03e2-49b3-a32f-c4b54aab9900", SHORT_CALL),
        ("d41c7e2a-5b3f-4e8a-9c1d-2f6a8b0e4c71", "assets/demo/recordings/d41c7e2a.mp3"),
    ] {
        let raw = interviews.as_array().unwrap().iter().find(|i| i["id"] == id).unwrap().clone();
        let record = InterviewRecord::from_value(raw).unwrap();
        let Transcript::Turns(turns) = &record.interview.transcript else { panic!("{id}: turns") };
        let (samples, rate) = decode_all(file);
        // Speech onsets: 10 ms windows louder than a whisper after at least 0.15 s of quiet.
        let window = rate as usize / 100;
        let mut onsets = Vec::new();
        // The call's start counts as quiet before it.
        let mut quiet = 15;
        for (n, chunk) in samples.chunks(window).enumerate() {
            let loud = chunk.iter().map(|s| s * s).sum::<f32>() / chunk.len() as f32 > 1e-4;
            if loud && quiet >= 15 {
                onsets.push(n as f64 / 100.0);
            }
            quiet = if loud { 0 } else { quiet + 1 };
        }
        let spoken: Vec<f64> =
            turns.iter().filter(|t| !t.speaker.is_unspoken() && !t.text.is_empty()).filter_map(|t| t.start).collect();
        assert!(spoken.len() >= 7, "{id}: {} timed turns", spoken.len());
        for start in &spoken {
            let heard = onsets.iter().any(|o| o >= start && *o <= start + 0.3);
            assert!(heard, "{id}: no speech starts 0–0.3 s after the turn at {start} s; onsets {onsets:?}");
        }
    }
}
