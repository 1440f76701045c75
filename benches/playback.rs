//! The call recording (issue 13's numbers), on the demo's phone-quality mp3 (8 kHz mono, as
//! call recordings are), repeated into longer calls:
//!
//! - *play*: from the command on a cached 20-minute mp3 to the first samples a sound device
//!   would get (goal ≤ 150 ms; the device's own buffer, about 50 ms, comes on top);
//! - *waveform*: the peaks of a two-hour mp3, read as the worker does (goal ≤ 3 s);
//! - *seek*: from the command to the samples at a point an hour in;
//! - *memory*: resident memory while a two-hour call plays (goal ≤ 100 MB above before; Linux).
//!
//! Not divan: each figure is the median of a few runs, printed. Run with
//! `cargo bench --bench playback`.

#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]
#![expect(clippy::print_stdout, reason = "a benchmark reports its figures")]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use interview_desk::playback::{Player, PlayerCommand, PlayerStatus, RodioOutput, open_source, waveform};
use rodio::Source as _;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/recordings/5b9d2e60.mp3");

/// The demo's 18-minute call repeated until it lasts `minutes` (the file has no header frame:
/// its mp3 frames simply follow each other).
fn long_call(minutes: u32) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-audio");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("call-{minutes}-min.mp3"));
    if !path.exists() {
        let one = std::fs::read(DEMO).unwrap();
        let one_minutes = 18.04;
        let copies = (f64::from(minutes) / one_minutes).ceil() as usize;
        let mut bytes = one.repeat(copies);
        // Cut at a frame boundary (72-byte frames at 8 kbit/s, 8 kHz) to the length asked for.
        let frames = (f64::from(minutes) * 60.0 * 8000.0 / 576.0) as usize;
        bytes.truncate((frames * 72).min(bytes.len()));
        std::fs::write(&path, bytes).unwrap();
    }
    path
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Resident memory of this process in MB (Linux), else 0.
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// The player on a headless output (what a device would play comes out of the source), with
/// the samples a 48 kHz stereo device pulls.
fn headless_player() -> (Player, rodio::mixer::MixerSource) {
    let (output, device) = RodioOutput::headless();
    (Player::start(Box::new(output), Arc::new(|| {})).unwrap(), device)
}

/// Pulls what `seconds` of a 48 kHz stereo device take.
fn play_for(device: &mut rodio::mixer::MixerSource, seconds: f64) {
    for _ in 0..(seconds * 96_000.0) as usize {
        let _ = device.next();
    }
}

/// From *Play* on `path` (loaded) to the first sound a device gets.
fn first_sound(path: &Path) -> Duration {
    let (player, mut device) = headless_player();
    let started = Instant::now();
    player.send(PlayerCommand::Open { path: path.to_owned(), start: 60.0, play: true });
    while device.next().is_none_or(|s| s.abs() < 1e-4) {}
    started.elapsed()
}

/// Waits for the player's status to satisfy `done`, pulling a little meanwhile.
fn wait(player: &Player, device: &mut rodio::mixer::MixerSource, done: impl Fn(&PlayerStatus) -> bool) -> PlayerStatus {
    loop {
        if let Some(status) = player.latest().filter(|s| done(s)) {
            return status;
        }
        play_for(device, 0.001);
    }
}

/// Mono samples of the demo call (its original 18 minutes) and their rate.
fn original() -> (Vec<f32>, u32) {
    let source = open_source(Path::new(DEMO)).unwrap();
    let rate = source.sample_rate().get();
    (source.collect(), rate)
}

/// Cosine similarity of `probe` with `reference` at `at` seconds (best within ±50 ms).
fn likeness(reference: &[f32], rate: u32, probe: &[f32], at: f64) -> f64 {
    let center = (at * f64::from(rate)) as isize;
    (-400..=400)
        .filter_map(|shift| usize::try_from(center + shift).ok())
        .filter_map(|offset| reference.get(offset..offset + probe.len()))
        .map(|window| {
            let dot: f64 = window.iter().zip(probe).map(|(a, b)| f64::from(*a) * f64::from(*b)).sum();
            let norm = |v: &[f32]| v.iter().map(|a| f64::from(*a).powi(2)).sum::<f64>().sqrt().max(1e-12);
            dot / (norm(window) * norm(probe))
        })
        .fold(f64::MIN, f64::max)
}

fn main() {
    let twenty = long_call(20);
    let two_hours = long_call(120);
    // The files are in the page cache, as a cached recording is.
    std::fs::read(&twenty).unwrap();
    std::fs::read(&two_hours).unwrap();

    // Memory first, before anything else has grown the heap.
    let before = rss_mb();
    let (player, mut device) = headless_player();
    player.send(PlayerCommand::Open { path: two_hours.clone(), start: 0.0, play: true });
    wait(&player, &mut device, |s| s.playing);
    // Ten minutes of playing, a seek an hour on, ten more, with the waveform read meanwhile.
    play_for(&mut device, 600.0);
    player.send(PlayerCommand::Seek(4200.0));
    wait(&player, &mut device, |s| s.position > 4200.0);
    let waveform = waveform::compute(&two_hours, &|_| {}, &|| false).unwrap();
    play_for(&mut device, 600.0);
    let status = wait(&player, &mut device, |s| s.position > 4790.0);
    let after = rss_mb();
    println!(
        "memory: a two-hour call played (now at {:.0} s) with its waveform ({} peaks): {:.1} MB resident above before ({before:.1} → {after:.1} MB)",
        status.position,
        waveform.peaks.len(),
        after - before
    );

    let play = median((0..7).map(|_| first_sound(&twenty)).collect());
    println!(
        "play: cached 20-minute mp3, Play to the first sound a device gets: {:.2} ms (median of 7)",
        play.as_secs_f64() * 1e3
    );

    let mut peaks = 0;
    let wave = median(
        (0..3)
            .map(|_| {
                let started = Instant::now();
                let computed = waveform::compute(&two_hours, &|_| {}, &|| false).unwrap();
                peaks = computed.peaks.len();
                assert!((computed.duration - 7200.0).abs() < 2.0, "{}", computed.duration);
                started.elapsed()
            })
            .collect(),
    );
    println!("waveform: two-hour mp3, {peaks} peaks: {:.2} s (median of 3)", wave.as_secs_f64());

    // Seeks an hour and more into the two-hour call land on the samples of the original there.
    let (reference, rate) = original();
    let one_copy = reference.len() as f64 / f64::from(rate);
    let mut worst = f64::MAX;
    let mut seek_times = Vec::new();
    for n in 0..8 {
        let target = 3600.0 + f64::from(n) * 397.3;
        let mut source = open_source(&two_hours).unwrap();
        let started = Instant::now();
        source.try_seek(Duration::from_secs_f64(target)).unwrap();
        let probe: Vec<f32> = source.by_ref().take(4000).collect();
        seek_times.push(started.elapsed());
        let at = target % one_copy;
        let energy = probe.iter().skip(800).map(|s| s * s).sum::<f32>() / 3200.0;
        if energy > 4e-3 {
            worst = worst.min(likeness(&reference, rate, probe.get(800..).unwrap_or_default(), at + 0.1));
        }
    }
    println!(
        "seek: an hour and more into a two-hour mp3, to its first samples: {:.1} ms (median of 8); the samples after it match the call's within ±50 ms (worst similarity {worst:.3})",
        median(seek_times).as_secs_f64() * 1e3
    );
}
