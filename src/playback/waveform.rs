//! The peaks of a recording for the seek bar, read packet by packet (a two-hour call is never
//! decoded into memory whole), on the worker.

use std::fs::File;
use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{CODEC_TYPE_NULL, DecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use super::PlaybackError;

/// Seconds of the recording each peak covers.
pub const BUCKET_SECONDS: f64 = 0.1;

/// Peaks past this many (a day) are not kept: a damaged timestamp must not fill the memory.
const MAX_BUCKETS: usize = 864_000;

/// The loudness outline of a recording.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Waveform {
    /// The loudest sample of each [`BUCKET_SECONDS`] from the start, 0.0 to 1.0.
    pub peaks: Vec<f32>,
    /// The recording's duration in seconds (the end of its last packet).
    pub duration: f64,
}

impl Waveform {
    /// The loudest peak between `from` and `to` seconds (0.0 outside the recording).
    pub fn peak_between(&self, from: f64, to: f64) -> f32 {
        let first = (from / BUCKET_SECONDS).floor().max(0.0) as usize;
        let last = ((to / BUCKET_SECONDS).ceil().max(0.0) as usize).max(first + 1).min(self.peaks.len());
        self.peaks.get(first..last).map_or(0.0, |slice| slice.iter().copied().fold(0.0, f32::max))
    }
}

/// The format reader of a file, its track and that track's time base.
struct Opened {
    format: Box<dyn FormatReader>,
    track_id: u32,
    params: symphonia::core::codecs::CodecParameters,
}

fn open(path: &Path) -> Result<Opened, PlaybackError> {
    let file = File::open(path).map_err(|err| PlaybackError::Open(crate::export::describe_io_error(&err)))?;
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let unsupported = || PlaybackError::Unsupported { format: super::format_name(path) };
    let probed = symphonia::default::get_probe()
        .format(&hint, stream, &FormatOptions::default(), &MetadataOptions::default())
        .map_err(|err| match err {
            SymphoniaError::Unsupported(_) => unsupported(),
            SymphoniaError::IoError(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => unsupported(),
            other => PlaybackError::Decode(other.to_string()),
        })?;
    let format = probed.format;
    let track = format.tracks().iter().find(|t| t.codec_params.codec != CODEC_TYPE_NULL).ok_or_else(unsupported)?;
    Ok(Opened { track_id: track.id, params: track.codec_params.clone(), format })
}

fn seconds(params: &symphonia::core::codecs::CodecParameters, ts: u64) -> Option<f64> {
    let time = params.time_base?.calc_time(ts);
    Some(time.seconds as f64 + time.frac)
}

/// The duration the file's header gives, in seconds (`None` when it gives none).
///
/// # Errors
/// As [`compute`], for a file that is not a recording this app can play.
pub fn probe_duration(path: &Path) -> Result<Option<f64>, PlaybackError> {
    let opened = open(path)?;
    symphonia::default::get_codecs()
        .make(&opened.params, &DecoderOptions::default())
        .map_err(|_| PlaybackError::Unsupported { format: super::format_name(path) })?;
    Ok(opened.params.n_frames.and_then(|frames| seconds(&opened.params, frames)))
}

/// Reads the whole recording, one packet at a time, into [`Waveform`] peaks. `progress` gets
/// the share done (0.0 to 1.0, by the header's duration when it has one); `cancelled` is asked
/// between packets.
///
/// # Errors
/// [`PlaybackError::Open`], [`PlaybackError::Unsupported`] (naming the extension) or
/// [`PlaybackError::Decode`] when nothing at all could be decoded; `Decode("cancelled")` when
/// cancelled. A damaged packet in the middle is skipped.
pub fn compute(path: &Path, progress: &dyn Fn(f32), cancelled: &dyn Fn() -> bool) -> Result<Waveform, PlaybackError> {
    let Opened { mut format, track_id, params } = open(path)?;
    let mut decoder = symphonia::default::get_codecs()
        .make(&params, &DecoderOptions::default())
        .map_err(|_| PlaybackError::Unsupported { format: super::format_name(path) })?;
    let expected = params.n_frames.and_then(|frames| seconds(&params, frames));
    let mut peaks: Vec<f32> = Vec::with_capacity(expected.map_or(0, |d| (d / BUCKET_SECONDS) as usize + 1));
    let mut buffer: Option<SampleBuffer<f32>> = None;
    let mut end = 0.0_f64;
    let mut decoded_any = false;
    let mut last_error = None;
    let mut packets = 0_u64;
    loop {
        let packet = match format.next_packet() {
            Ok(packet) => packet,
            Err(SymphoniaError::IoError(err)) if err.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymphoniaError::ResetRequired) => {
                decoder.reset();
                continue;
            }
            Err(err) => {
                last_error = Some(err.to_string());
                break;
            }
        };
        if packet.track_id() != track_id {
            continue;
        }
        packets += 1;
        if packets.is_multiple_of(256) {
            if cancelled() {
                return Err(PlaybackError::Decode("cancelled".to_owned()));
            }
            if let Some(total) = expected {
                progress((end / total).clamp(0.0, 1.0) as f32);
            }
        }
        let start = seconds(&params, packet.ts()).unwrap_or(end);
        let decoded = match decoder.decode(&packet) {
            Ok(decoded) => decoded,
            Err(SymphoniaError::DecodeError(err)) => {
                last_error = Some(err.to_owned());
                continue;
            }
            Err(err) => {
                last_error = Some(err.to_string());
                break;
            }
        };
        decoded_any = true;
        let spec = *decoded.spec();
        let frames = decoded.frames();
        let channels = spec.channels.count().max(1);
        let samples = match &mut buffer {
            Some(buffer) if buffer.capacity() >= frames * channels => buffer,
            slot => slot.insert(SampleBuffer::new(decoded.capacity() as u64, spec)),
        };
        samples.copy_interleaved_ref(decoded);
        let rate = f64::from(spec.rate.max(1));
        let data = samples.samples();
        // One pass per bucket the packet touches, not a float division per sample.
        let mut frame = 0;
        while frame < frames {
            let bucket = ((start + frame as f64 / rate) / BUCKET_SECONDS) as usize;
            let bucket_end = (bucket + 1) as f64 * BUCKET_SECONDS;
            let next = (((bucket_end - start) * rate).ceil().max(0.0) as usize).clamp(frame + 1, frames);
            let loudest = data
                .get(frame * channels..next * channels)
                .unwrap_or_default()
                .iter()
                .fold(0.0_f32, |m, s| m.max(s.abs()));
            if bucket >= MAX_BUCKETS {
                break;
            }
            if bucket >= peaks.len() {
                peaks.resize(bucket + 1, 0.0);
            }
            if let Some(peak) = peaks.get_mut(bucket) {
                *peak = peak.max(loudest.min(1.0));
            }
            frame = next;
        }
        end = end.max(start + frames as f64 / rate);
    }
    if !decoded_any {
        return Err(PlaybackError::Decode(last_error.unwrap_or_else(|| "the file holds no audio".to_owned())));
    }
    progress(1.0);
    Ok(Waveform { peaks, duration: end })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn demo(name: &str) -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo/recordings").join(name)
    }

    #[test]
    fn a_cancelled_pass_stops_at_once() {
        let asked = AtomicUsize::new(0);
        let result = compute(
            &demo("5b9d2e60.mp3"),
            &|_| {},
            // Cancelled (another interview opened) at the third check.
            &|| asked.fetch_add(1, Ordering::SeqCst) >= 2,
        );
        assert_eq!(result, Err(PlaybackError::Decode("cancelled".to_owned())));
        assert_eq!(asked.load(Ordering::SeqCst), 3, "it stopped at once");
    }

    #[test]
    fn peaks_cover_the_recording_and_a_non_audio_file_is_named() {
        let waveform = compute(&demo("b118515f.mp3"), &|_| {}, &|| false).expect("decodes");
        assert_eq!(waveform.peaks.len(), 432);
        assert!(waveform.peak_between(0.0, 43.2) > 0.1);
        assert_eq!(waveform.peak_between(100.0, 200.0), 0.0, "nothing past the end");
        let dir = tempfile::tempdir().expect("temp dir");
        let page = dir.path().join("call.mp3");
        std::fs::write(&page, "<html><body>Access denied</body></html>").expect("write");
        assert!(
            matches!(compute(&page, &|_| {}, &|| false), Err(PlaybackError::Unsupported { format }) if format == "MP3")
        );
        let missing = dir.path().join("gone.wav");
        assert!(matches!(compute(&missing, &|_| {}, &|| false), Err(PlaybackError::Open(_))));
    }
}
