//! A sound device that plays nothing: its clock moves only when a test advances it, so the
//! player and the screens can be tested on machines without sound (CI) and without waiting.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use super::{AudioOutput, PlaybackError};

/// The fake device's state, shared between the [`FakeOutput`] the player owns and the test.
#[derive(Clone, Debug, Default)]
pub struct FakeClock(Arc<Mutex<FakeState>>);

#[derive(Debug, Default)]
struct FakeState {
    /// No device can be opened (the default: there is one).
    missing: bool,
    /// The open device went away.
    lost: bool,
    connected: bool,
    loaded: bool,
    playing: bool,
    position: f64,
    duration: Option<f64>,
    speed: f32,
    volume: f32,
}

impl FakeClock {
    fn with<T>(&self, f: impl FnOnce(&mut FakeState) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Plays `seconds` of wall-clock time: the position moves by `seconds` × the speed while
    /// playing on a device, up to the end.
    pub fn advance(&self, seconds: f64) {
        self.with(|s| {
            if s.playing && s.connected && s.loaded {
                let moved = s.position + seconds * f64::from(s.speed);
                s.position = s.duration.map_or(moved, |d| moved.min(d));
            }
        });
    }

    /// Whether a device can be opened.
    pub fn set_device(&self, present: bool) {
        self.with(|s| s.missing = !present);
    }

    /// The open device goes away (headphones unplugged), as the OS reports it.
    pub fn unplug(&self) {
        self.with(|s| {
            s.lost = true;
            s.connected = false;
            s.loaded = false;
        });
    }

    /// Whether the device is playing.
    pub fn playing(&self) -> bool {
        self.with(|s| s.playing && s.connected)
    }

    /// The device's position, in seconds.
    pub fn position(&self) -> f64 {
        self.with(|s| s.position)
    }

    /// The volume last set.
    pub fn volume(&self) -> f32 {
        self.with(|s| s.volume)
    }
}

/// An [`AudioOutput`] on a [`FakeClock`]. It decodes nothing, but reads the file's format and
/// duration as the real one does, so an unplayable file fails the same way.
#[derive(Debug)]
pub struct FakeOutput {
    clock: FakeClock,
}

impl FakeOutput {
    /// A fake device driven by `clock`.
    pub fn new(clock: FakeClock) -> Self {
        Self { clock }
    }
}

impl AudioOutput for FakeOutput {
    fn connect(&mut self) -> Result<(), PlaybackError> {
        self.clock.with(|s| {
            if s.missing {
                return Err(PlaybackError::NoDevice("the test unplugged it".to_owned()));
            }
            s.connected = true;
            s.lost = false;
            Ok(())
        })
    }

    fn lost(&self) -> bool {
        self.clock.with(|s| s.lost)
    }

    fn load(&mut self, path: &Path) -> Result<Option<f64>, PlaybackError> {
        let duration = super::waveform::probe_duration(path)?;
        self.clock.with(|s| {
            if !s.connected {
                return Err(PlaybackError::NoDevice("not connected".to_owned()));
            }
            s.loaded = true;
            s.playing = false;
            s.position = 0.0;
            s.duration = duration;
            Ok(duration)
        })
    }

    fn set_playing(&mut self, playing: bool) {
        self.clock.with(|s| s.playing = playing && s.loaded);
    }

    fn seek(&mut self, seconds: f64) -> Result<(), PlaybackError> {
        self.clock.with(|s| s.position = s.duration.map_or(seconds, |d| seconds.min(d)).max(0.0));
        Ok(())
    }

    fn position(&self) -> f64 {
        self.clock.position()
    }

    fn finished(&self) -> bool {
        self.clock.with(|s| s.duration.is_some_and(|d| s.position >= d))
    }

    fn set_speed(&mut self, speed: f32) {
        self.clock.with(|s| s.speed = speed);
    }

    fn set_volume(&mut self, volume: f32) {
        self.clock.with(|s| s.volume = volume);
    }
}
