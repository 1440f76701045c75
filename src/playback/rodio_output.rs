//! The OS's default sound device, through rodio (cpal: WASAPI, CoreAudio, ALSA) and its
//! symphonia decoders.

use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use rodio::Source;

use super::{AudioOutput, PlaybackError};

/// Plays on the default output device; when the device goes away the cpal error callback marks
/// it lost, and the player opens the default device again (which may be another one).
pub struct RodioOutput {
    device: Option<rodio::MixerDeviceSink>,
    /// Where players are connected: the device's mixer, or a headless one.
    mixer: Option<rodio::mixer::Mixer>,
    /// Headless: no device is opened; the mixer's output is pulled by whoever holds it.
    headless: bool,
    player: Option<rodio::Player>,
    lost: Arc<AtomicBool>,
    tap: Arc<TapState>,
    speed: f32,
    volume: f32,
}

impl std::fmt::Debug for RodioOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RodioOutput").field("connected", &self.mixer.is_some()).finish_non_exhaustive()
    }
}

impl Default for RodioOutput {
    fn default() -> Self {
        Self::new()
    }
}

impl RodioOutput {
    /// Not connected yet: nothing is opened until the first play.
    pub fn new() -> Self {
        Self {
            device: None,
            mixer: None,
            headless: false,
            player: None,
            lost: Arc::default(),
            tap: Arc::default(),
            speed: 1.0,
            volume: 1.0,
        }
    }

    /// The same decoding, speed and position keeping, with no device: what a device would
    /// play comes out of the returned source (stereo, 48 kHz), pulled by the caller at its own
    /// pace (tests and benchmarks).
    pub fn headless() -> (Self, rodio::mixer::MixerSource) {
        let (mixer, source) = rodio::mixer::mixer(HEADLESS_CHANNELS, HEADLESS_RATE);
        (Self { mixer: Some(mixer), headless: true, ..Self::new() }, source)
    }
}

/// The headless output's format.
const HEADLESS_CHANNELS: rodio::ChannelCount = rodio::ChannelCount::MIN.saturating_add(1);
const HEADLESS_RATE: rodio::SampleRate = match rodio::SampleRate::new(48_000) {
    Some(rate) => rate,
    None => rodio::SampleRate::MIN,
};

impl AudioOutput for RodioOutput {
    fn connect(&mut self) -> Result<(), PlaybackError> {
        if self.headless {
            return Ok(());
        }
        self.player = None;
        self.device = None;
        self.mixer = None;
        self.lost.store(false, Ordering::SeqCst);
        let lost = self.lost.clone();
        let builder = rodio::DeviceSinkBuilder::from_default_device()
            .map_err(|err| PlaybackError::NoDevice(describe(&err)))?
            .with_error_callback(move |err: rodio::cpal::Error| {
                use rodio::cpal::ErrorKind;
                // A rerouted default device plays on by itself; these end the stream.
                if matches!(
                    err.kind(),
                    ErrorKind::DeviceNotAvailable | ErrorKind::HostUnavailable | ErrorKind::StreamInvalidated
                ) {
                    lost.store(true, Ordering::SeqCst);
                }
                tracing::warn!("sound device: {err}");
            });
        let mut device = builder.open_sink_or_fallback().map_err(|err| PlaybackError::NoDevice(describe(&err)))?;
        device.log_on_drop(false);
        self.mixer = Some(device.mixer().clone());
        self.device = Some(device);
        Ok(())
    }

    fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    fn load(&mut self, path: &Path) -> Result<Option<f64>, PlaybackError> {
        let Some(mixer) = &self.mixer else { return Err(PlaybackError::NoDevice("not opened".to_owned())) };
        let source = open_source(path)?;
        let duration = source.total_duration().map(|d| d.as_secs_f64());
        let tap = Arc::new(TapState::default());
        let player = rodio::Player::connect_new(mixer);
        player.pause();
        player.set_speed(self.speed);
        player.set_volume(self.volume);
        player.append(Tap { inner: source, state: tap.clone(), counted: 0, position: 0.0 });
        self.tap = tap;
        self.player = Some(player);
        Ok(duration)
    }

    fn set_playing(&mut self, playing: bool) {
        if let Some(player) = &self.player {
            if playing { player.play() } else { player.pause() }
        }
    }

    fn seek(&mut self, seconds: f64) -> Result<(), PlaybackError> {
        // Not rodio's Player::try_seek: it waits for the device to pull (forever, when the
        // source has ended or the device stalls), and its speed stage multiplies the target by
        // the speed (rodio issue 876). The tap seeks the decoder itself, in recording time, at
        // the next sample the device pulls.
        let target = seconds.max(0.0);
        *self.tap.seek.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(target);
        self.tap.ended.store(false, Ordering::SeqCst);
        Ok(())
    }

    fn position(&self) -> f64 {
        let pending = *self.tap.seek.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        pending.unwrap_or_else(|| f64::from_bits(self.tap.position.load(Ordering::Relaxed)))
    }

    fn finished(&self) -> bool {
        self.tap.ended.load(Ordering::SeqCst)
    }

    fn set_speed(&mut self, speed: f32) {
        self.speed = speed;
        if let Some(player) = &self.player {
            player.set_speed(speed);
        }
    }

    fn set_volume(&mut self, volume: f32) {
        self.volume = volume;
        if let Some(player) = &self.player {
            player.set_volume(volume);
        }
    }
}

/// An error and its causes on one line.
fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The decoder of a recording on disk, seekable, with its format hinted by the extension.
///
/// # Errors
/// [`PlaybackError::Open`] when the file cannot be read; [`PlaybackError::Unsupported`] naming
/// the extension when no decoder knows it; [`PlaybackError::Decode`] for a damaged one.
pub fn open_source(path: &Path) -> Result<rodio::Decoder<BufReader<std::fs::File>>, PlaybackError> {
    let file = std::fs::File::open(path).map_err(|err| PlaybackError::Open(crate::export::describe_io_error(&err)))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or_default();
    let mut builder = rodio::Decoder::builder().with_data(BufReader::new(file)).with_byte_len(len).with_seekable(true);
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        builder = builder.with_hint(ext);
    }
    builder.build().map_err(|err| match err {
        rodio::decoder::DecoderError::UnrecognizedFormat | rodio::decoder::DecoderError::NoStreams => {
            PlaybackError::Unsupported { format: super::format_name(path) }
        }
        other => PlaybackError::Decode(other.to_string()),
    })
}

/// The position in the recording, shared with the audio thread.
#[derive(Debug, Default)]
struct TapState {
    /// Seconds from the start (f64 bits).
    position: AtomicU64,
    /// The decoder has nothing more.
    ended: AtomicBool,
    /// A seek asked for and not done yet (seconds of the recording).
    seek: std::sync::Mutex<Option<f64>>,
}

/// Counts the samples the decoder hands out, before the player's speed changes their rate, so
/// the position is always in seconds of the recording whatever the speed.
struct Tap<S> {
    inner: S,
    state: Arc<TapState>,
    counted: u32,
    position: f64,
}

impl<S: Source> Tap<S> {
    fn publish(&mut self) {
        let per_second = f64::from(self.inner.sample_rate().get()) * f64::from(self.inner.channels().get());
        self.position += f64::from(self.counted) / per_second;
        self.counted = 0;
        self.state.position.store(self.position.to_bits(), Ordering::Relaxed);
    }
}

impl<S: Source> Iterator for Tap<S> {
    type Item = rodio::Sample;

    fn next(&mut self) -> Option<Self::Item> {
        // try_lock: the audio callback never waits; a seek being asked for is done next sample.
        let asked = self.state.seek.try_lock().ok().and_then(|mut seek| seek.take());
        if let Some(target) = asked
            && let Err(err) = self.try_seek(Duration::from_secs_f64(target))
        {
            tracing::warn!("could not seek to {target:.1} s: {err}");
        }
        let sample = self.inner.next();
        match sample {
            Some(_) => {
                self.counted += 1;
                if self.counted >= 128 {
                    self.publish();
                }
            }
            None => {
                self.publish();
                self.state.ended.store(true, Ordering::SeqCst);
            }
        }
        sample
    }
}

impl<S: Source> Source for Tap<S> {
    fn current_span_len(&self) -> Option<usize> {
        self.inner.current_span_len()
    }

    fn channels(&self) -> rodio::ChannelCount {
        self.inner.channels()
    }

    fn sample_rate(&self) -> rodio::SampleRate {
        self.inner.sample_rate()
    }

    fn total_duration(&self) -> Option<Duration> {
        self.inner.total_duration()
    }

    fn try_seek(&mut self, pos: Duration) -> Result<(), rodio::source::SeekError> {
        self.inner.try_seek(pos)?;
        self.counted = 0;
        let end = self.inner.total_duration().map_or(f64::INFINITY, |d| d.as_secs_f64());
        self.position = pos.as_secs_f64().min(end);
        self.state.position.store(self.position.to_bits(), Ordering::Relaxed);
        self.state.ended.store(false, Ordering::SeqCst);
        Ok(())
    }
}
