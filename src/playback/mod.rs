//! Playing a call recording: a thread of its own that owns the sound device, takes
//! [`PlayerCommand`]s and reports [`PlayerStatus`] through a channel that wakes the UI.
//!
//! - [`AudioOutput`]: what plays the sound; [`RodioOutput`] is the OS's default device (rodio on
//!   cpal), [`FakeOutput`] a device that plays nothing and moves only when a test says so.
//! - [`waveform`]: the peaks of a recording, read packet by packet on the worker.
//! - [`timeline`]: which turn of the transcript is at which point of the recording.
//!
//! Positions are seconds of the recording from its start, whatever the playback speed.

mod fake;
mod rodio_output;
pub mod timeline;
pub mod waveform;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

pub use fake::{FakeClock, FakeOutput};
pub use rodio_output::{RodioOutput, open_source};

/// The playback speeds offered, slowest first (1.0 is as recorded).
pub const SPEEDS: [f32; 6] = [0.75, 1.0, 1.25, 1.5, 1.75, 2.0];

/// How far Back and Forward move, in seconds.
pub const SKIP_SECONDS: f64 = 10.0;

/// How far ← and → move, in seconds.
pub const ARROW_SECONDS: f64 = 5.0;

/// How often the status is reported while playing, and how often a missing device is looked
/// for again.
const TICK: Duration = Duration::from_millis(50);
const DEVICE_RETRY: Duration = Duration::from_secs(2);

/// Why a recording cannot be played.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlaybackError {
    /// No sound output device could be opened (none present, or the sound system refused).
    #[error("no sound output device could be opened ({0})")]
    NoDevice(String),
    /// The file's format or codec has no decoder here; `format` names what it looked like (its
    /// extension).
    #[error("Interview Desk cannot play {format} recordings")]
    Unsupported {
        /// The file's extension, upper case ("WEBM"), or "this file's" when it has none.
        format: String,
    },
    /// The file could not be read or decoded.
    #[error("the recording could not be decoded: {0}")]
    Decode(String),
    /// The file could not be opened.
    #[error("the recording could not be opened: {0}")]
    Open(String),
}

impl PlaybackError {
    /// Whether the recording itself is the problem (saving it for another player may help).
    pub fn is_format(&self) -> bool {
        matches!(self, Self::Unsupported { .. } | Self::Decode(_))
    }
}

/// The name of a file's format for messages: its extension in upper case.
pub fn format_name(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_uppercase)
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| "this file's".to_owned())
}

/// Something that plays a decoded recording: the OS's sound device, or a fake one in tests.
///
/// Every method is called from the audio thread only, never from the UI thread.
pub trait AudioOutput: Send {
    /// Opens the default output device (again, after it went away).
    ///
    /// # Errors
    /// [`PlaybackError::NoDevice`] when there is none or it cannot be opened.
    fn connect(&mut self) -> Result<(), PlaybackError>;

    /// Whether the device went away since [`AudioOutput::connect`] (unplugged, the sound
    /// server stopped). The output is then closed and must be connected again.
    fn lost(&self) -> bool;

    /// Starts decoding `path`, paused at its start; returns its duration in seconds when the
    /// file says. Replaces what was loaded.
    ///
    /// # Errors
    /// [`PlaybackError::Unsupported`], [`PlaybackError::Decode`] or [`PlaybackError::Open`];
    /// [`PlaybackError::NoDevice`] when not connected.
    fn load(&mut self, path: &Path) -> Result<Option<f64>, PlaybackError>;

    /// Plays (`true`) or pauses.
    fn set_playing(&mut self, playing: bool);

    /// Moves to `seconds` from the start (clamped to the recording).
    ///
    /// # Errors
    /// [`PlaybackError::Decode`] when the decoder cannot seek.
    fn seek(&mut self, seconds: f64) -> Result<(), PlaybackError>;

    /// The position, in seconds from the start of the recording.
    fn position(&self) -> f64;

    /// Whether the recording has played to its end.
    fn finished(&self) -> bool;

    /// The speed, 1.0 as recorded.
    fn set_speed(&mut self, speed: f32);

    /// The volume, 0.0 (silent) to 1.0 (as recorded).
    fn set_volume(&mut self, volume: f32);
}

/// What the UI asks the player to do.
#[derive(Clone, Debug, PartialEq)]
pub enum PlayerCommand {
    /// Load this file (paused at its start, or at `start` seconds) and play it when `play`.
    Open {
        /// The recording, on this computer.
        path: PathBuf,
        /// Where to start, in seconds.
        start: f64,
        /// Start playing at once.
        play: bool,
    },
    /// Play (`true`) or pause.
    SetPlaying(bool),
    /// Move to this many seconds from the start.
    Seek(f64),
    /// The speed (see [`SPEEDS`]).
    SetSpeed(f32),
    /// The volume, 0.0 to 1.0.
    SetVolume(f32),
    /// Stop and forget the recording (another interview was opened).
    Close,
}

/// The sound device, as far as the player knows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DeviceState {
    /// Not opened yet (nothing was played).
    #[default]
    NotOpened,
    /// Open and playing or ready to.
    Ready,
    /// None could be opened, or the one in use went away; the message says why. It is looked
    /// for again every two seconds, and playback resumes when it is back.
    Missing(String),
}

/// What the player reports, whole, after each change and while playing.
#[derive(Clone, Debug, PartialEq)]
pub struct PlayerStatus {
    /// The recording loaded, if any.
    pub path: Option<PathBuf>,
    /// Its duration in seconds, when known.
    pub duration: Option<f64>,
    /// Playing: sound is going to a device. Never true while there is none.
    pub playing: bool,
    /// Asked to play, but no device is there yet (or the recording is still being opened); it
    /// plays as soon as one is.
    pub waiting: bool,
    /// The position, in seconds from the start.
    pub position: f64,
    /// The speed, 1.0 as recorded.
    pub speed: f32,
    /// The volume, 0.0 to 1.0.
    pub volume: f32,
    /// The sound device.
    pub device: DeviceState,
    /// Why the recording cannot be played, if it cannot.
    pub error: Option<PlaybackError>,
}

impl Default for PlayerStatus {
    /// Nothing loaded, at normal speed and full volume.
    fn default() -> Self {
        Self {
            path: None,
            duration: None,
            playing: false,
            waiting: false,
            position: 0.0,
            speed: 1.0,
            volume: 1.0,
            device: DeviceState::NotOpened,
            error: None,
        }
    }
}

/// Wakes the UI when a status arrives.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// The handle to the audio thread. Dropping it stops playback and ends the thread.
pub struct Player {
    commands: mpsc::SyncSender<PlayerCommand>,
    statuses: mpsc::Receiver<PlayerStatus>,
}

impl std::fmt::Debug for Player {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Player").finish_non_exhaustive()
    }
}

impl Player {
    /// Starts the audio thread on `output`; each status it reports calls `waker`.
    ///
    /// # Errors
    /// The OS refused to start a thread.
    pub fn start(output: Box<dyn AudioOutput>, waker: Waker) -> std::io::Result<Self> {
        // Bounded: a full queue drops a command (the UI says so) or a status (the next one,
        // which is whole, replaces it) rather than growing.
        let (commands, command_rx) = mpsc::sync_channel(256);
        let (status_tx, statuses) = mpsc::sync_channel(64);
        std::thread::Builder::new().name("audio".to_owned()).spawn(move || {
            let mut engine = Engine::new(output, status_tx, waker);
            engine.run(&command_rx);
        })?;
        Ok(Self { commands, statuses })
    }

    /// Queues `command`; never waits. Returns false when the audio thread has ended.
    pub fn send(&self, command: PlayerCommand) -> bool {
        self.commands.try_send(command).is_ok()
    }

    /// The newest status reported since the last call, if any (older ones are skipped).
    pub fn latest(&self) -> Option<PlayerStatus> {
        self.statuses.try_iter().last()
    }
}

/// The audio thread's state.
struct Engine {
    output: Box<dyn AudioOutput>,
    status: PlayerStatus,
    statuses: mpsc::SyncSender<PlayerStatus>,
    waker: Waker,
    /// The output holds the loaded file (false after the device went away: it is loaded again
    /// once the device is back).
    loaded: bool,
    connected: bool,
    /// The reviewer wants it to play (it does once a device and the file are ready).
    want: bool,
    /// No device is looked for before this (a missing one is not asked for every tick).
    next_retry: Option<std::time::Instant>,
    last_sent: Option<PlayerStatus>,
}

impl Engine {
    fn new(output: Box<dyn AudioOutput>, statuses: mpsc::SyncSender<PlayerStatus>, waker: Waker) -> Self {
        Self {
            output,
            status: PlayerStatus::default(),
            statuses,
            waker,
            loaded: false,
            connected: false,
            want: false,
            next_retry: None,
            last_sent: None,
        }
    }

    fn run(&mut self, commands: &mpsc::Receiver<PlayerCommand>) {
        loop {
            let wait = if self.want {
                TICK
            } else if matches!(self.status.device, DeviceState::Missing(_)) && self.status.path.is_some() {
                DEVICE_RETRY
            } else {
                Duration::from_secs(3600)
            };
            match commands.recv_timeout(wait) {
                Ok(command) => {
                    self.apply(command);
                    // Commands that came meanwhile (a drag on the seek bar) are applied at once.
                    while let Ok(command) = commands.try_recv() {
                        self.apply(command);
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            self.tick();
            self.report();
        }
    }

    /// Connects and loads what is needed to play; false (with the status saying why) when it
    /// cannot.
    fn ready(&mut self) -> bool {
        if self.connected && self.output.lost() {
            self.connected = false;
            self.loaded = false;
        }
        if !self.connected {
            if self.next_retry.is_some_and(|at| std::time::Instant::now() < at) {
                return false;
            }
            match self.output.connect() {
                Ok(()) => {
                    self.connected = true;
                    self.next_retry = None;
                    self.status.device = DeviceState::Ready;
                }
                Err(err) => {
                    self.next_retry = Some(std::time::Instant::now() + DEVICE_RETRY);
                    self.status.device = DeviceState::Missing(err.to_string());
                    return false;
                }
            }
        }
        if !self.loaded {
            let Some(path) = self.status.path.clone() else { return false };
            match self.output.load(&path) {
                Ok(duration) => {
                    self.loaded = true;
                    if duration.is_some() {
                        self.status.duration = duration;
                    }
                    self.output.set_speed(self.status.speed);
                    self.output.set_volume(self.status.volume);
                    if self.status.position > 0.0
                        && let Err(err) = self.output.seek(self.status.position)
                    {
                        tracing::warn!("could not seek to {:.1} s: {err}", self.status.position);
                    }
                }
                Err(PlaybackError::NoDevice(reason)) => {
                    self.connected = false;
                    self.status.device = DeviceState::Missing(reason);
                    return false;
                }
                Err(err) => {
                    self.status.error = Some(err);
                    self.want = false;
                    return false;
                }
            }
        }
        true
    }

    fn apply(&mut self, command: PlayerCommand) {
        match command {
            PlayerCommand::Open { path, start, play } => {
                self.output.set_playing(false);
                self.next_retry = None;
                self.want = play;
                self.status = PlayerStatus {
                    path: Some(path),
                    position: start.max(0.0),
                    speed: self.status.speed,
                    volume: self.status.volume,
                    device: self.status.device.clone(),
                    ..PlayerStatus::default()
                };
                self.loaded = false;
                if self.ready() && play {
                    self.output.set_playing(true);
                }
            }
            PlayerCommand::SetPlaying(play) => {
                if self.status.path.is_none() || self.status.error.is_some() {
                    return;
                }
                if play && self.status.duration.is_some_and(|d| self.status.position >= d - 0.05) {
                    // Play at the end starts over, as every player does.
                    self.seek(0.0);
                }
                self.want = play;
                if play {
                    self.next_retry = None;
                }
                if !play {
                    self.output.set_playing(false);
                } else if self.ready() {
                    self.output.set_playing(true);
                }
            }
            PlayerCommand::Seek(seconds) => self.seek(seconds),
            PlayerCommand::SetSpeed(speed) => {
                self.status.speed = speed.clamp(0.5, 3.0);
                self.output.set_speed(self.status.speed);
            }
            PlayerCommand::SetVolume(volume) => {
                self.status.volume = volume.clamp(0.0, 1.0);
                self.output.set_volume(self.status.volume);
            }
            PlayerCommand::Close => {
                self.want = false;
                self.output.set_playing(false);
                self.status = PlayerStatus {
                    speed: self.status.speed,
                    volume: self.status.volume,
                    device: self.status.device.clone(),
                    ..PlayerStatus::default()
                };
                self.loaded = false;
            }
        }
    }

    fn seek(&mut self, seconds: f64) {
        let end = self.status.duration.unwrap_or(f64::INFINITY);
        let target = if seconds.is_finite() { seconds.clamp(0.0, end) } else { 0.0 };
        self.status.position = target;
        if self.loaded
            && let Err(err) = self.output.seek(target)
        {
            tracing::warn!("could not seek to {target:.1} s: {err}");
        }
    }

    /// Follows the output while playing; looks for a missing device again.
    fn tick(&mut self) {
        if self.connected && self.output.lost() {
            // The device went away mid-call: the default device may already be another one.
            self.connected = false;
            self.loaded = false;
            let playing = self.want;
            if self.ready() {
                if playing {
                    self.output.set_playing(true);
                }
            } else {
                tracing::warn!("the sound device went away; playback waits for one");
            }
            return;
        }
        if self.status.path.is_some() && !self.loaded && self.want {
            // Waiting for a device (looked for every DEVICE_RETRY).
            if self.ready() {
                self.output.set_playing(true);
            }
            return;
        }
        if self.loaded {
            self.status.position = self.output.position();
            let at_end = self.status.duration.is_some_and(|d| self.status.position >= d - 0.01);
            if self.want && (self.output.finished() || at_end) {
                self.want = false;
                self.output.set_playing(false);
                // The player has dropped the decoder at its end: the next play opens it again.
                self.loaded = false;
                if let Some(duration) = self.status.duration {
                    self.status.position = duration;
                } else {
                    self.status.duration = Some(self.status.position);
                }
            }
        }
    }

    fn report(&mut self) {
        let sounding = self.want && self.loaded && self.connected && self.status.error.is_none();
        self.status.playing = sounding;
        self.status.waiting = self.want && !sounding && self.status.error.is_none();
        if self.last_sent.as_ref() == Some(&self.status) {
            return;
        }
        if self.statuses.try_send(self.status.clone()).is_ok() {
            self.last_sent = Some(self.status.clone());
        }
        // Woken even when the queue is full: the UI then takes what is waiting.
        (self.waker)();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started(clock: &FakeClock) -> Player {
        Player::start(Box::new(FakeOutput::new(clock.clone())), Arc::new(|| {})).expect("thread")
    }

    /// Waits for a status that `done` accepts.
    fn wait_for(player: &Player, what: &str, done: impl Fn(&PlayerStatus) -> bool) -> PlayerStatus {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(status) = player.latest()
                && done(&status)
            {
                return status;
            }
            assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn demo_recording() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo/recordings/b118515f.mp3")
    }

    #[test]
    fn plays_from_where_asked_and_moves_with_the_device() {
        let clock = FakeClock::default();
        let player = started(&clock);
        player.send(PlayerCommand::Open { path: demo_recording(), start: 12.5, play: true });
        let status = wait_for(&player, "playing", |s| s.playing && s.device == DeviceState::Ready);
        assert!((status.position - 12.5).abs() < 1e-6, "{status:?}");
        assert!(status.duration.is_some_and(|d| (d - 43.2).abs() < 0.5), "{status:?}");
        clock.advance(3.0);
        wait_for(&player, "the position to move", |s| (s.position - 15.5).abs() < 1e-6);
        player.send(PlayerCommand::SetSpeed(2.0));
        wait_for(&player, "speed", |s| s.speed == 2.0);
        clock.advance(1.0);
        wait_for(&player, "twice as fast", |s| (s.position - 17.5).abs() < 1e-6);
        player.send(PlayerCommand::SetPlaying(false));
        wait_for(&player, "paused", |s| !s.playing);
        clock.advance(5.0);
        std::thread::sleep(Duration::from_millis(120));
        assert!(player.latest().is_none_or(|s| (s.position - 17.5).abs() < 1e-6), "paused playback moved");
    }

    #[test]
    fn a_missing_device_is_reported_and_playback_resumes_when_it_is_back() {
        let clock = FakeClock::default();
        clock.set_device(false);
        let player = started(&clock);
        player.send(PlayerCommand::Open { path: demo_recording(), start: 0.0, play: true });
        let status = wait_for(&player, "no device", |s| matches!(s.device, DeviceState::Missing(_)));
        assert!(!status.playing && status.waiting, "not shown as playing while silent, but waiting: {status:?}");
        clock.set_device(true);
        wait_for(&player, "the device back", |s| s.device == DeviceState::Ready && s.playing);
        clock.advance(2.0);
        wait_for(&player, "playing on it", |s| (s.position - 2.0).abs() < 1e-6);
        player.send(PlayerCommand::SetSpeed(1.5));
        player.send(PlayerCommand::SetVolume(0.4));
        wait_for(&player, "speed and volume", |s| s.speed == 1.5 && s.volume == 0.4);
        // Unplugged mid-call: paused where it was, with its speed and volume, and playing again
        // on the device that comes back.
        clock.set_device(false);
        clock.unplug();
        let status = wait_for(&player, "the device gone", |s| matches!(s.device, DeviceState::Missing(_)));
        assert!(!status.playing && status.waiting, "{status:?}");
        assert!((status.position - 2.0).abs() < 0.01, "{status:?}");
        clock.set_device(true);
        let status = wait_for(&player, "resumed", |s| s.device == DeviceState::Ready && s.playing);
        assert!((status.position - 2.0).abs() < 0.01, "{status:?}");
        assert!((status.speed, status.volume) == (1.5, 0.4), "{status:?}");
        assert!((clock.volume() - 0.4).abs() < 1e-6, "the new device got the volume");
        clock.advance(2.0);
        wait_for(&player, "1.5× on the new device", |s| (s.position - 5.0).abs() < 1e-6);
    }

    #[test]
    fn an_unknown_format_is_named_and_playback_stops() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("call.webm");
        std::fs::write(&path, b"\x1aE\xdf\xa3 not really a webm file").expect("write");
        let player = started(&FakeClock::default());
        player.send(PlayerCommand::Open { path, start: 0.0, play: true });
        let status = wait_for(&player, "the error", |s| s.error.is_some());
        assert_eq!(status.error, Some(PlaybackError::Unsupported { format: "WEBM".to_owned() }));
        assert!(!status.playing);
        assert_eq!(status.error.map(|e| e.to_string()).as_deref(), Some("Interview Desk cannot play WEBM recordings"));
    }

    #[test]
    fn seeks_are_clamped_to_the_recording_and_play_at_the_end_starts_over() {
        let clock = FakeClock::default();
        let player = started(&clock);
        player.send(PlayerCommand::Open { path: demo_recording(), start: 0.0, play: false });
        let status = wait_for(&player, "loaded", |s| s.duration.is_some());
        let duration = status.duration.unwrap_or_default();
        player.send(PlayerCommand::Seek(10_000.0));
        wait_for(&player, "at the end", |s| (s.position - duration).abs() < 1e-6);
        player.send(PlayerCommand::Seek(-3.0));
        wait_for(&player, "at the start", |s| s.position == 0.0);
        player.send(PlayerCommand::Seek(duration));
        player.send(PlayerCommand::SetPlaying(true));
        wait_for(&player, "started over", |s| s.playing && s.position == 0.0);
    }
}
