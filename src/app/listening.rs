//! The call recording of the open interview: getting it onto this computer (the worker), its
//! waveform (the worker), playing it (the audio thread), and where the transcript is in it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::App;
use crate::api::InterviewRecord;
use crate::api::transcript::Transcript;
use crate::playback::timeline::Timeline;
use crate::playback::waveform::Waveform;
use crate::playback::{PlaybackError, PlayerCommand, PlayerStatus};
use crate::worker::Command as WorkerCommand;

/// What a screen asks of the player.
#[derive(Clone, Debug, PartialEq)]
pub enum Listen {
    /// Play, or pause when playing; loads the recording first when needed.
    Toggle,
    /// Play from this many seconds from the start.
    PlayFrom(f64),
    /// Play from where this turn (0-based) of the transcript is in the recording.
    PlayTurn(usize),
    /// Move by this many seconds (negative: back).
    SkipBy(f64),
    /// Move to this many seconds from the start, playing or not.
    Seek(f64),
    /// The playback speed (1.0 as recorded).
    Speed(f32),
    /// The volume, 0.0 to 1.0.
    Volume(f32),
    /// Listen to this call attempt (0-based) instead.
    Attempt(usize),
    /// Stop the download of the recording.
    CancelDownload,
}

/// Where the recording of the chosen call attempt is.
#[derive(Clone, Debug, Default)]
pub enum Stage {
    /// Not asked for yet (nothing is downloaded until the reviewer plays).
    #[default]
    Idle,
    /// Being downloaded (or checked in the cache).
    Fetching {
        /// Bytes so far.
        bytes: u64,
        /// The size, when the server said.
        total: Option<u64>,
    },
    /// On this computer and handed to the player.
    Ready(PathBuf),
    /// It could not be fetched or played; `format` when the file itself is the problem (saving
    /// it for another player may help).
    Failed {
        /// What went wrong, for the reviewer.
        message: String,
        /// The file was fetched but cannot be decoded here.
        format: bool,
    },
}

/// The player as the screens see it.
#[derive(Clone, Debug, Default)]
pub struct Listening {
    /// The interview whose recording this is.
    pub interview_id: Option<String>,
    /// The call attempt (0-based).
    pub attempt: usize,
    /// Where the recording is.
    pub stage: Stage,
    /// What the audio thread last reported.
    pub status: PlayerStatus,
    /// The recording's peaks, once read.
    pub waveform: Option<Arc<Waveform>>,
    /// Where each turn of the transcript is in the recording.
    pub timeline: Option<Arc<Timeline>>,
    /// The turn being spoken, while playing or paused inside the recording.
    pub current_turn: Option<usize>,
    /// The call attempt's `duration` as the API gives it, in seconds.
    pub api_duration: Option<f64>,
}

impl Listening {
    /// The recording's duration in seconds: the player's, else the waveform's; the API's when
    /// the file's differs from it by more than 5 % (an mp3 header that misstates the length).
    pub fn duration(&self) -> Option<f64> {
        let file = self.status.duration.or(self.waveform.as_ref().map(|w| w.duration)).filter(|d| *d > 0.0);
        match (file, self.api_duration.filter(|d| d.is_finite() && *d > 0.0)) {
            (Some(file), Some(api)) if (file - api).abs() > api * 0.05 => Some(api),
            (file, api) => file.or(api),
        }
    }

    /// Whether the recording of `interview_id` is loaded in the player.
    pub fn is_loaded(&self, interview_id: &str) -> bool {
        self.interview_id.as_deref() == Some(interview_id) && matches!(self.stage, Stage::Ready(_))
    }
}

/// The app's own side of playback: tickets, the download's cancel flag, a play asked for before
/// the recording was there.
#[derive(Debug, Default)]
pub(super) struct Fetching {
    ticket: u64,
    cancel: Option<Arc<AtomicBool>>,
    /// Stops the waveform being read (another interview was opened).
    waveform_cancel: Option<Arc<AtomicBool>>,
    /// Where to start playing once the recording is there (seconds), when the reviewer asked.
    pending_start: Option<f64>,
}

/// The call attempts of an interview that have a recording (0-based).
pub fn attempts_with_recordings(record: &InterviewRecord) -> Vec<usize> {
    record
        .interview
        .call_attempts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.recording_url.as_deref().is_some_and(|u| !u.trim().is_empty()))
        .map(|(i, _)| i)
        .collect()
}

impl App {
    /// Applies what a screen asked of the player.
    pub(super) fn listen(&mut self, request: Listen) {
        let Some(record) = self.session.current_record() else { return };
        let id = record.interview.id.clone();
        self.follow_interview(&record);
        let loaded = self.session.listening.is_loaded(&id);
        match request {
            Listen::Toggle => {
                if loaded {
                    // Waiting for a device counts as playing: a second press cancels it.
                    let status = &self.session.listening.status;
                    let playing = status.playing || status.waiting;
                    self.play_command(PlayerCommand::SetPlaying(!playing));
                } else {
                    self.fetch_recording(&record, Some(self.session.listening.status.position));
                }
            }
            Listen::PlayFrom(seconds) => self.play_from(&record, seconds),
            Listen::PlayTurn(turn) => {
                let start = self
                    .session
                    .listening
                    .timeline
                    .as_ref()
                    .and_then(|t| t.place(turn))
                    .map(|p| p.start)
                    .or_else(|| turn_start(&record.interview.transcript, turn));
                match start {
                    Some(start) => self.play_from(&record, start),
                    // Untimed turns are placed once the recording's length is known.
                    None if !loaded => self.fetch_recording(&record, None),
                    None => {}
                }
            }
            Listen::SkipBy(seconds) => {
                let position = self.session.listening.status.position + seconds;
                self.seek(position);
            }
            Listen::Seek(seconds) => {
                if loaded {
                    self.seek(seconds);
                } else {
                    self.session.listening.status.position = seconds.max(0.0);
                    self.update_current_turn();
                }
            }
            Listen::Speed(speed) => {
                self.session.listening.status.speed = speed;
                self.play_command(PlayerCommand::SetSpeed(speed));
            }
            Listen::Volume(volume) => {
                self.session.listening.status.volume = volume;
                self.play_command(PlayerCommand::SetVolume(volume));
            }
            Listen::Attempt(attempt) => {
                if attempt != self.session.listening.attempt {
                    self.stop_listening();
                    self.session.listening.interview_id = Some(id);
                    self.session.listening.attempt = attempt;
                }
            }
            Listen::CancelDownload => {
                if let Some(cancel) = self.fetching.cancel.take() {
                    cancel.store(true, Ordering::SeqCst);
                }
                self.fetching.ticket += 1;
                self.session.listening.stage = Stage::Idle;
            }
        }
    }

    /// Stops and forgets the recording when another interview is open now; picks the first
    /// call attempt with a recording for a new one.
    fn follow_interview(&mut self, record: &InterviewRecord) {
        if self.session.listening.interview_id.as_deref() == Some(record.interview.id.as_str()) {
            return;
        }
        self.stop_listening();
        self.session.listening.interview_id = Some(record.interview.id.clone());
        self.session.listening.attempt = attempts_with_recordings(record).last().copied().unwrap_or(0);
    }

    /// Stops playback and forgets the recording (another interview or attempt).
    pub(super) fn stop_listening(&mut self) {
        for cancel in [self.fetching.cancel.take(), self.fetching.waveform_cancel.take()].into_iter().flatten() {
            cancel.store(true, Ordering::SeqCst);
        }
        self.fetching.ticket += 1;
        self.fetching.pending_start = None;
        let keep = &self.session.listening.status;
        let (speed, volume, device) = (keep.speed, keep.volume, keep.device.clone());
        self.session.listening = Listening {
            status: PlayerStatus { speed, volume, device, ..PlayerStatus::default() },
            ..Listening::default()
        };
        self.play_command(PlayerCommand::Close);
    }

    fn play_from(&mut self, record: &InterviewRecord, seconds: f64) {
        if self.session.listening.is_loaded(&record.interview.id) {
            self.seek(seconds);
            self.play_command(PlayerCommand::SetPlaying(true));
        } else {
            self.fetch_recording(record, Some(seconds));
        }
    }

    fn seek(&mut self, seconds: f64) {
        let end = self.session.listening.duration().unwrap_or(f64::INFINITY);
        let target = if seconds.is_finite() { seconds.clamp(0.0, end) } else { 0.0 };
        self.session.listening.status.position = target;
        self.update_current_turn();
        self.play_command(PlayerCommand::Seek(target));
    }

    fn play_command(&mut self, command: PlayerCommand) {
        if let Some(player) = &self.player
            && !player.send(command)
        {
            self.session
                .notifications
                .error("The audio player has stopped; restart Interview Desk to play recordings.");
        }
    }

    /// Asks the worker for the recording of the chosen attempt; plays from `start` once there
    /// (when given).
    fn fetch_recording(&mut self, record: &InterviewRecord, start: Option<f64>) {
        let listening = &mut self.session.listening;
        self.fetching.pending_start = start;
        match &listening.stage {
            Stage::Fetching { .. } => return,
            Stage::Ready(path) => {
                let path = path.clone();
                self.open_in_player(path);
                return;
            }
            Stage::Idle | Stage::Failed { .. } => {}
        }
        if self.player.is_none() {
            listening.stage = Stage::Failed { message: "The audio player could not start.".to_owned(), format: false };
            return;
        }
        let attempt = listening.attempt;
        if record.interview.call_attempts.get(attempt).and_then(|a| a.recording_url.as_ref()).is_none() {
            listening.stage =
                Stage::Failed { message: format!("Call attempt {} has no recording.", attempt + 1), format: false };
            return;
        }
        listening.stage = Stage::Fetching { bytes: 0, total: None };
        listening.api_duration = record
            .interview
            .call_attempts
            .get(attempt)
            .and_then(|a| a.duration_seconds.as_ref())
            .and_then(|d| d.valid().copied());
        self.fetching.ticket += 1;
        let cancel = Arc::new(AtomicBool::new(false));
        self.fetching.cancel = Some(cancel.clone());
        let scratch = std::env::temp_dir().join(format!("interview-desk-recordings-{}", std::process::id()));
        self.send(WorkerCommand::FetchRecording {
            id: record.interview.id.clone(),
            attempt,
            cache: self.recording_cache.clone(),
            scratch,
            ticket: self.fetching.ticket,
            cancel,
        });
    }

    fn open_in_player(&mut self, path: PathBuf) {
        let start = self.fetching.pending_start.take();
        let position = start.unwrap_or(self.session.listening.status.position);
        self.session.listening.status.position = position;
        self.play_command(PlayerCommand::Open { path, start: position, play: start.is_some() });
    }

    /// How far the download has come.
    pub(super) fn on_recording_progress(&mut self, ticket: u64, bytes: u64, total: Option<u64>) {
        if ticket == self.fetching.ticket && matches!(self.session.listening.stage, Stage::Fetching { .. }) {
            self.session.listening.stage = Stage::Fetching { bytes, total };
        }
    }

    /// The recording is on this computer (or could not be fetched).
    pub(super) fn on_recording_ready(&mut self, ticket: u64, result: Result<PathBuf, String>) {
        if ticket != self.fetching.ticket {
            return; // Cancelled, or another interview since.
        }
        self.fetching.cancel = None;
        match result {
            Ok(path) => {
                self.session.listening.stage = Stage::Ready(path.clone());
                let cancel = Arc::new(AtomicBool::new(false));
                self.fetching.waveform_cancel = Some(cancel.clone());
                self.send(WorkerCommand::ComputeWaveform { path: path.clone(), ticket, cancel });
                self.open_in_player(path);
                // Timed turns are placed now; untimed ones once the duration is known.
                self.rebuild_timeline();
            }
            Err(message) => {
                self.fetching.pending_start = None;
                self.session.listening.stage = Stage::Failed { message, format: false };
            }
        }
    }

    /// The waveform was read.
    pub(super) fn on_waveform(&mut self, ticket: u64, result: Result<Arc<Waveform>, PlaybackError>) {
        if ticket != self.fetching.ticket {
            return;
        }
        self.fetching.waveform_cancel = None;
        match result {
            Ok(waveform) => {
                self.session.listening.waveform = Some(waveform);
                self.rebuild_timeline();
            }
            Err(err) => tracing::warn!("the recording's waveform could not be read: {err}"),
        }
    }

    /// Takes the audio thread's newest status. Called at the start of each frame.
    pub(super) fn poll_player(&mut self) {
        let Some(status) = self.player.as_ref().and_then(crate::playback::Player::latest) else { return };
        let listening = &mut self.session.listening;
        if !matches!(listening.stage, Stage::Ready(_)) || status.path.as_ref() != stage_path(&listening.stage) {
            // A status of a recording since closed.
            listening.status.device = status.device;
            return;
        }
        let duration_changed = listening.status.duration != status.duration;
        if let Some(err) = &status.error {
            listening.stage = Stage::Failed { message: format!("{err}."), format: err.is_format() };
        }
        listening.status = status;
        if duration_changed {
            self.rebuild_timeline();
        }
        self.update_current_turn();
    }

    /// Places the open transcript's turns in the recording.
    pub(super) fn rebuild_timeline(&mut self) {
        let Some(record) = self.session.current_record() else { return };
        let duration = self.session.listening.duration();
        self.session.listening.timeline = match &record.interview.transcript {
            Transcript::Turns(turns) => Some(Arc::new(Timeline::new(turns, duration))),
            _ => None,
        };
        self.update_current_turn();
    }

    fn update_current_turn(&mut self) {
        let listening = &mut self.session.listening;
        let inside = matches!(listening.stage, Stage::Ready(_));
        listening.current_turn = listening
            .timeline
            .as_ref()
            .filter(|_| inside)
            .and_then(|timeline| timeline.turn_at(listening.status.position));
    }
}

fn stage_path(stage: &Stage) -> Option<&PathBuf> {
    match stage {
        Stage::Ready(path) => Some(path),
        _ => None,
    }
}

/// A turn's own start time, before any recording is loaded.
fn turn_start(transcript: &Transcript, turn: usize) -> Option<f64> {
    match transcript {
        Transcript::Turns(turns) => turns.get(turn).and_then(|t| t.start),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(file: Option<f64>, api: Option<f64>) -> Listening {
        let mut listening = Listening { api_duration: api, ..Listening::default() };
        listening.status.duration = file;
        listening
    }

    #[test]
    fn the_api_duration_wins_only_when_the_file_misstates_its_length_by_more_than_5_percent() {
        // A VBR mp3 whose header is ignored reads 30:24 for a 4:44 call (symphonia issue 516).
        assert_eq!(with(Some(1824.0), Some(284.0)).duration(), Some(284.0));
        // Encoder padding and rounding: the file's own length is more exact.
        assert_eq!(with(Some(43.2), Some(43.0)).duration(), Some(43.2));
        assert_eq!(with(None, Some(73.0)).duration(), Some(73.0));
        assert_eq!(with(Some(73.08), None).duration(), Some(73.08));
        assert_eq!(with(Some(0.0), Some(f64::NAN)).duration(), None);
    }
}
