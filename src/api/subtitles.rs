//! Transcripts sent as subtitle files: WebVTT and SubRip (SRT) text in the transcript string,
//! as speech-to-text services export them.
//!
//! WebVTT follows the W3C parser algorithm: a block whose timings are malformed is skipped
//! (with a warning), never guessed; cue identifiers, cue settings, `NOTE`, `STYLE` and `REGION`
//! blocks never reach the text. The speaker of a cue is its `<v Name>` voice tag, else a
//! `Name: ` prefix; every other tag (`<c>`, `<i>`, `<00:00:18.400>`) is removed and the
//! character references are decoded. SRT is read leniently (`,` or `.` before 1–3 digits of
//! milliseconds, hours optional), as real SRT files vary. A byte order mark is stripped and
//! CRLF and CR line ends are read as LF first.

use super::transcript::{Speaker, Turn};

/// A WebVTT file: `WEBVTT` (after an optional byte order mark) followed by the end of the line,
/// a space or a tab.
pub fn is_webvtt(text: &str) -> bool {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.strip_prefix("WEBVTT").is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
}

/// `text` without a byte order mark, with every line ending as `\n`.
fn normalise_newlines(text: &str) -> String {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The blocks of a subtitle file: runs of non-blank lines.
fn blocks(text: &str) -> Vec<Vec<&str>> {
    let mut blocks = Vec::new();
    let mut current = Vec::new();
    for line in text.split('\n') {
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

/// The cues of a WebVTT file as turns; `None` when it is not WebVTT or holds no cue.
pub fn parse_webvtt(text: &str) -> Option<Vec<Turn>> {
    if !is_webvtt(text) {
        return None;
    }
    let text = normalise_newlines(text);
    let mut turns = Vec::new();
    let mut skipped = 0_usize;
    // The header is `WEBVTT` and what follows up to the first blank line, unless a timing line
    // comes first: as in the W3C parser, a line with `-->` always starts a cue, also where a
    // writer left out the blank line before it.
    let mut all = blocks(&text);
    if let Some(header) = all.first_mut() {
        let cue_start = header.iter().position(|line| line.contains("-->")).unwrap_or(header.len());
        header.drain(..cue_start);
    }
    let mut cues: Vec<Vec<&str>> = Vec::new();
    for block in all {
        let mut current: Vec<&str> = Vec::new();
        for (index, line) in block.iter().enumerate() {
            // A timing line after cue text (not the block's identifier line) starts a new cue.
            if line.contains("-->")
                && !current.is_empty()
                && !(index == 1 && current.first().is_some_and(|id| !id.contains("-->")))
            {
                cues.push(std::mem::take(&mut current));
            }
            current.push(line);
        }
        if !current.is_empty() {
            cues.push(current);
        }
    }
    for block in cues {
        let Some((first, rest)) = block.split_first() else { continue };
        let (timing, body) = if first.contains("-->") {
            (*first, rest)
        } else {
            let keyword = first.split([' ', '\t']).next().unwrap_or_default();
            if matches!(keyword, "NOTE" | "STYLE" | "REGION") {
                continue;
            }
            // A cue identifier, then the timing line.
            match rest.split_first() {
                Some((timing, body)) if timing.contains("-->") => (*timing, body),
                _ => {
                    skipped += 1;
                    continue;
                }
            }
        };
        let Some((start, end)) = webvtt_timings(timing) else {
            skipped += 1;
            continue;
        };
        turns.push(cue_turn(&body.join("\n"), start, end));
    }
    if skipped > 0 {
        tracing::warn!("skipped {skipped} WebVTT block(s) without valid cue timings");
    }
    (!turns.is_empty()).then_some(turns)
}

/// The start and end of a WebVTT timing line (`00:01.000 --> 00:04.000 align:start`); the cue
/// settings after the end are ignored.
fn webvtt_timings(line: &str) -> Option<(f64, f64)> {
    let (start, rest) = webvtt_timestamp(line.trim_start_matches([' ', '\t']))?;
    let rest = rest.trim_start_matches([' ', '\t']).strip_prefix("-->")?;
    let (end, after) = webvtt_timestamp(rest.trim_start_matches([' ', '\t']))?;
    // Settings must be separated from the end time by whitespace.
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    Some((start, end))
}

/// Leading ASCII digits of `text` and the rest.
fn digits(text: &str) -> (&str, &str) {
    let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    text.split_at(end)
}

/// A WebVTT timestamp at the start of `text` (`mm:ss.ttt` or `hh:mm:ss.ttt`, hours of any
/// length) in seconds, and the rest; `None` when malformed.
fn webvtt_timestamp(text: &str) -> Option<(f64, &str)> {
    let (first, rest) = digits(text);
    if first.is_empty() {
        return None;
    }
    let first_value: u64 = first.parse().ok()?;
    let rest = rest.strip_prefix(':')?;
    let (second, rest) = digits(rest);
    if second.len() != 2 {
        return None;
    }
    let hours_given = first.len() != 2 || first_value > 59 || rest.starts_with(':');
    let (hours, minutes, seconds, rest) = if hours_given {
        let rest = rest.strip_prefix(':')?;
        let (third, rest) = digits(rest);
        if third.len() != 2 {
            return None;
        }
        (first_value, second.parse::<u64>().ok()?, third.parse::<u64>().ok()?, rest)
    } else {
        (0, first_value, second.parse::<u64>().ok()?, rest)
    };
    let rest = rest.strip_prefix('.')?;
    let (fraction, rest) = digits(rest);
    if fraction.len() != 3 || minutes > 59 || seconds > 59 {
        return None;
    }
    let millis: u64 = fraction.parse().ok()?;
    // In floating point: an absurd hour count must not overflow (it is kept, not guessed at).
    Some((hours as f64 * 3600.0 + (minutes * 60 + seconds) as f64 + millis as f64 / 1000.0, rest))
}

/// The cues of an SRT file as turns; `None` when the first block is not an SRT cue (so other
/// text is never taken for subtitles) or none has valid timings.
pub fn parse_srt(text: &str) -> Option<Vec<Turn>> {
    // Only the first two lines decide, so a long transcript of another shape costs nothing.
    let mut head = text.strip_prefix('\u{FEFF}').unwrap_or(text).split(['\n', '\r']).filter(|l| !l.trim().is_empty());
    let first_line = head.next()?;
    let looks_like_srt = srt_timings(first_line).is_some()
        || (first_line.trim().chars().all(|c| c.is_ascii_digit()) && head.next().and_then(srt_timings).is_some());
    if !looks_like_srt {
        return None;
    }
    let text = normalise_newlines(text);
    let blocks = blocks(&text);
    let first = blocks.first()?;
    let timing_index = usize::from(first.first().is_some_and(|line| line.trim().chars().all(|c| c.is_ascii_digit())));
    first.get(timing_index).and_then(|line| srt_timings(line))?;
    let mut turns = Vec::new();
    let mut skipped = 0_usize;
    for block in &blocks {
        let index_line = block.first().is_some_and(|line| line.trim().chars().all(|c| c.is_ascii_digit()));
        let timing_at = usize::from(index_line);
        match block.get(timing_at).and_then(|line| srt_timings(line)) {
            Some((start, end)) => {
                let body = block.get(timing_at + 1..).unwrap_or_default().join("\n");
                turns.push(cue_turn(&body, start, end));
            }
            None => skipped += 1,
        }
    }
    if skipped > 0 {
        tracing::warn!("skipped {skipped} SRT block(s) without valid timings");
    }
    (!turns.is_empty()).then_some(turns)
}

/// The start and end of an SRT timing line (`00:00:01,500 --> 00:00:04,000`, with anything
/// after the end ignored, as some writers add coordinates).
fn srt_timings(line: &str) -> Option<(f64, f64)> {
    let (start, end) = line.split_once("-->")?;
    let end = end.split_whitespace().next()?;
    Some((srt_timestamp(start.trim())?, srt_timestamp(end)?))
}

/// `hh:mm:ss,mmm` read leniently: hours optional, `,` or `.` before one to three digits.
fn srt_timestamp(text: &str) -> Option<f64> {
    let (clock, fraction) = match text.split_once([',', '.']) {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    if parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) || p.len() > 3) {
        return None;
    }
    let numbers: Vec<u64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    let (hours, minutes, seconds) = match numbers.as_slice() {
        [h, m, s] => (*h, *m, *s),
        [m, s] => (0, *m, *s),
        _ => return None,
    };
    if minutes > 59 || seconds > 59 {
        return None;
    }
    let millis = match fraction {
        Some(f) if !f.is_empty() && f.len() <= 3 && f.chars().all(|c| c.is_ascii_digit()) => {
            // "5" is 500 ms and "25" 250 ms: the digits are a decimal fraction.
            format!("{f:0<3}").parse::<u64>().ok()?
        }
        Some(_) => return None,
        None => 0,
    };
    Some(hours as f64 * 3600.0 + (minutes * 60 + seconds) as f64 + millis as f64 / 1000.0)
}

/// One cue as a turn: the speaker of its voice tag or `Name: ` prefix, the text without tags.
fn cue_turn(body: &str, start: f64, end: f64) -> Turn {
    let (voice, text) = strip_tags(body);
    let (speaker, label, text) = match voice {
        Some(name) => (Speaker::from_label(&name), Some(name), text),
        None => match super::transcript::split_speaker_prefix(&text) {
            Some((speaker, label, rest)) => (speaker, Some(label), rest),
            None => (Speaker::Unknown, None, text),
        },
    };
    let end = (end >= start).then_some(end);
    Turn { speaker, label, text: text.trim().to_owned(), start: Some(start), end }
}

/// The cue text without its tags, with character references decoded, and the annotation of its
/// first `<v>` voice tag (`<v.loud Roger Bingham>` → `Roger Bingham`).
fn strip_tags(body: &str) -> (Option<String>, String) {
    let mut voice = None;
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        out.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let Some(close) = after.find('>') else {
            // A `<` with no `>`: plain text.
            out.push_str(rest.get(open..).unwrap_or_default());
            rest = "";
            break;
        };
        let tag = after.get(..close).unwrap_or_default();
        if voice.is_none()
            && let Some(annotation) = voice_annotation(tag)
        {
            voice = Some(annotation);
        }
        rest = after.get(close + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    (voice.filter(|v| !v.is_empty()), decode_references(&out))
}

/// The annotation of a `v` start tag (`v Name`, `v.class Name`).
fn voice_annotation(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix('v')?;
    if !(rest.starts_with('.') || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let annotation = rest.split_once([' ', '\t']).map_or("", |(_, name)| name);
    Some(decode_references(annotation.trim()))
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;`, `&lrm;`, `&rlm;` and numeric references
/// decoded; anything else is left as written.
fn decode_references(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let decoded = after.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = after.get(..end)?;
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => '\u{A0}',
                "lrm" => '\u{200E}',
                "rlm" => '\u{200F}',
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = after.get(end + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(turns: &[Turn]) -> Vec<(String, Option<f64>, Option<f64>, String)> {
        turns.iter().map(|t| (t.speaker_name().to_owned(), t.start, t.end, t.text.clone())).collect()
    }

    const THREE_CUES: &str = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.500\n<v Interviewer>Hello there\n\n2\n00:00:04.000 --> 00:00:06.000 align:start position:10%\n<v Candidate>Hi!\n\n00:07.250 --> 00:09.000\nInterviewer: Shall we start?\n";

    #[test]
    fn bom_and_every_line_ending_give_the_same_three_cues() {
        let expected = said(&parse_webvtt(THREE_CUES).unwrap());
        assert_eq!(expected.len(), 3);
        assert_eq!(expected[0], ("Agent".to_owned(), Some(1.0), Some(3.5), "Hello there".to_owned()));
        assert_eq!(
            expected[1],
            ("Candidate".to_owned(), Some(4.0), Some(6.0), "Hi!".to_owned()),
            "settings never leak"
        );
        assert_eq!(expected[2], ("Agent".to_owned(), Some(7.25), Some(9.0), "Shall we start?".to_owned()));
        for variant in [
            format!("\u{FEFF}{THREE_CUES}"),
            THREE_CUES.replace('\n', "\r\n"),
            format!("\u{FEFF}{}", THREE_CUES.replace('\n', "\r")),
        ] {
            assert_eq!(said(&parse_webvtt(&variant).unwrap()), expected, "{variant:?}");
        }
        let srt = "1\n00:00:01,000 --> 00:00:03,500\nInterviewer: Hello there\n\n2\n00:00:04,000 --> 00:00:06,000\nCandidate: Hi!\n\n3\n00:00:07,250 --> 00:00:09,000\nInterviewer: Shall we start?\n";
        for variant in [srt.to_owned(), srt.replace('\n', "\r\n"), srt.replace('\n', "\r"), format!("\u{FEFF}{srt}")] {
            let turns = said(&parse_srt(&variant).unwrap());
            assert_eq!(turns.len(), 3, "{variant:?}");
            assert_eq!(turns[2], ("Agent".to_owned(), Some(7.25), Some(9.0), "Shall we start?".to_owned()));
        }
    }

    #[test]
    fn timestamps_without_hours_with_long_hours_and_lenient_srt_all_parse() {
        let vtt = "WEBVTT\n\n00:11.000 --> 00:13.000\nEleven seconds\n\n59:16.403 --> 1:04:13.283\nLong\n\n00:00:20.000 --> 00:00:21.000 line:0 align:start\nSettings\n";
        let turns = parse_webvtt(vtt).unwrap();
        assert_eq!(turns[0].start, Some(11.0), "00:11.000 is 11 seconds, not 11 minutes");
        assert_eq!((turns[1].start, turns[1].end), (Some(3556.403), Some(3853.283)));
        assert_eq!(turns[2].text, "Settings");
        assert_eq!(srt_timestamp("00:00:01.5"), Some(1.5));
        assert_eq!(srt_timestamp("00:00:02,25"), Some(2.25));
        let srt = "1\n00:00:01.5 --> 00:00:02,25\nmixed\n";
        assert_eq!(said(&parse_srt(srt).unwrap())[0].1, Some(1.5));
    }

    #[test]
    fn malformed_cues_are_skipped_and_notes_ids_and_styles_never_reach_the_text() {
        let vtt = "WEBVTT - a title\nKind: captions\n\nNOTE a comment\nwith --> an arrow\n\nSTYLE\n::cue { color: red }\n\nbad\n00:01.0 --> 00:02.000\nskipped: one digit\n\nalso-bad\n00:61.000 --> 00:62.000\nskipped: 61 seconds\n\nintro\n00:03.000 --> 00:04.000\nkept\n";
        let turns = parse_webvtt(vtt).unwrap();
        assert_eq!(said(&turns), [("Unknown speaker".to_owned(), Some(3.0), Some(4.0), "kept".to_owned())]);
    }

    #[test]
    fn voice_tags_name_the_speaker_and_inline_tags_leave_the_text() {
        let vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Roger Bingham>We are in NYC\n\n00:02.000 --> 00:03.000\n<v.loud Interviewer>Hi</v>\n\n00:18.000 --> 00:19.000\n<v Candidate><00:00:18.400><c> we'll</c> <i>see</i> &amp; &lt;agree&gt;\n";
        let turns = parse_webvtt(vtt).unwrap();
        assert_eq!(turns[0].speaker, Speaker::Other("Roger Bingham".to_owned()));
        assert_eq!(turns[0].text, "We are in NYC");
        assert_eq!((turns[1].speaker.clone(), turns[1].text.as_str()), (Speaker::Agent, "Hi"));
        assert_eq!(turns[2].text, "we'll see & <agree>");
    }

    #[test]
    fn prose_with_an_arrow_is_not_subtitles() {
        assert!(parse_srt("Agent: the flow is a --> b\nCandidate: yes").is_none());
        assert!(parse_webvtt("Not WEBVTT\n\n00:01.000 --> 00:02.000\nx").is_none());
        assert!(!is_webvtt("WEBVTTX"));
    }

    #[test]
    fn random_input_never_panics_or_hangs() {
        let mut rng = fastrand::Rng::with_seed(7);
        let alphabet: Vec<char> = "WEBVT0123456789:.,-> \n\r<>v&;#x\u{FEFF}é".chars().collect();
        for _ in 0..3_000 {
            let len = rng.usize(0..120);
            let text: String = (0..len).map(|_| alphabet[rng.usize(0..alphabet.len())]).collect();
            for candidate in
                [format!("WEBVTT\n\n{text}"), text.clone(), format!("1\n00:00:01,000 --> 00:00:02,000\n{text}")]
            {
                let _ = parse_webvtt(&candidate);
                let _ = parse_srt(&candidate);
            }
        }
    }

    #[test]
    fn a_timing_line_starts_a_cue_even_without_a_blank_line_and_huge_hours_do_not_overflow() {
        let vtt = "WEBVTT\n00:00:01.000 --> 00:00:02.000\n<v Agent>first\n00:00:03.000 --> 00:00:04.000\n<v Candidate>second\n";
        let turns = said(&parse_webvtt(vtt).unwrap());
        assert_eq!(turns.len(), 2, "{turns:?}");
        assert_eq!(turns[0], ("Agent".to_owned(), Some(1.0), Some(2.0), "first".to_owned()));
        assert_eq!(turns[1], ("Candidate".to_owned(), Some(3.0), Some(4.0), "second".to_owned()));
        let huge = "WEBVTT\n\n5124095576030432:00:00.000 --> 5124095576030432:00:01.000\nhi\n";
        assert_eq!(parse_webvtt(huge).map(|t| t.len()), Some(1));
    }
}
