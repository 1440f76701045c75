//! Tolerant timestamps: every plausible form the server might send, shown in local time.

use jiff::{Timestamp as Instant, civil::DateTime, tz::TimeZone};
use serde_json::Value;

/// Epoch numbers at or above this are milliseconds, below it seconds (1e11 s is the year 5138).
const EPOCH_MILLIS_THRESHOLD: f64 = 1e11;

/// A timestamp field as the server sent it, and the instant it names if it could be read.
///
/// Accepted: RFC 3339 with `Z` or an offset and 0–9 fractional digits, the same without seconds
/// or with a space instead of `T`, the same with no offset at all (read as UTC and flagged),
/// and epoch seconds or milliseconds as a number or numeric string. Anything else keeps its raw
/// text and is shown as such: one odd value never fails the interview.
#[derive(Clone, Debug, PartialEq)]
pub struct Timestamp {
    /// The value exactly as sent (a JSON number is kept as its text).
    pub raw: String,
    /// The instant, if the value could be read.
    pub instant: Option<Instant>,
    /// True when the value had no UTC offset and was read as UTC.
    pub assumed_utc: bool,
}

impl Timestamp {
    /// Reads a JSON value; `null` and non-scalar values give `None`.
    pub fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::String(text) => Some(Self::parse(text)),
            Value::Number(number) => {
                let raw = number.to_string();
                let instant = number.as_f64().and_then(from_epoch);
                Some(Self { raw, instant, assumed_utc: false })
            }
            _ => None,
        }
    }

    /// Reads a timestamp string (see the type's docs for the accepted forms).
    pub fn parse(text: &str) -> Self {
        let trimmed = text.trim();
        let (instant, assumed_utc) = parse_text(trimmed);
        Self { raw: text.to_owned(), instant, assumed_utc }
    }

    /// The timestamp in the user's time zone as `2026-03-10 10:01 CET`, or the raw text with
    /// a note when it could not be read.
    pub fn local_text(&self) -> String {
        self.text_in(&TimeZone::system())
    }

    /// Like [`Self::local_text`] in the given time zone (for tests).
    pub fn text_in(&self, zone: &TimeZone) -> String {
        match self.instant {
            Some(instant) => {
                let zoned = instant.to_zoned(zone.clone());
                let text = zoned.strftime("%Y-%m-%d %H:%M %Z").to_string();
                if self.assumed_utc { format!("{text} (sent without time zone, read as UTC)") } else { text }
            }
            None => format!("{} (unrecognised date)", self.raw),
        }
    }
}

fn parse_text(text: &str) -> (Option<Instant>, bool) {
    if let Ok(instant) = text.parse::<Instant>() {
        return (Some(instant), false);
    }
    if let Ok(civil) = text.parse::<DateTime>() {
        return (civil.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp()), true);
    }
    if let Ok(number) = text.parse::<f64>() {
        return (from_epoch(number), false);
    }
    (None, false)
}

fn from_epoch(number: f64) -> Option<Instant> {
    if !number.is_finite() {
        return None;
    }
    let seconds = if number.abs() >= EPOCH_MILLIS_THRESHOLD { number / 1000.0 } else { number };
    let whole = seconds.floor();
    // Truncation is fine: `whole` is finite and checked for range by jiff below.
    #[expect(clippy::cast_possible_truncation)]
    let (secs, nanos) = (whole as i64, ((seconds - whole) * 1e9) as i32);
    Instant::new(secs, nanos).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> String {
        Timestamp::parse(text).text_in(&TimeZone::UTC)
    }

    #[test]
    fn every_documented_and_plausible_form_is_read() {
        let cases = [
            ("2026-03-10T09:00:00Z", "2026-03-10 09:00 UTC"),
            ("2026-03-10T09:00:00.123Z", "2026-03-10 09:00 UTC"),
            ("2024-05-01T10:30:00.123456789+05:30", "2024-05-01 05:00 UTC"),
            ("2024-05-01T10:30Z", "2024-05-01 10:30 UTC"),
            ("2024-05-01 10:30:00Z", "2024-05-01 10:30 UTC"),
            ("1714559400", "2024-05-01 10:30 UTC"),
            ("1714559400000", "2024-05-01 10:30 UTC"),
        ];
        for (input, expected) in cases {
            assert_eq!(utc(input), expected, "input {input}");
        }
    }

    #[test]
    fn a_value_without_offset_is_read_as_utc_and_flagged() {
        for input in ["2024-05-01T10:30:00", "2024-05-01 10:30:00"] {
            let ts = Timestamp::parse(input);
            assert!(ts.assumed_utc, "{input}");
            assert_eq!(ts.text_in(&TimeZone::UTC), "2024-05-01 10:30 UTC (sent without time zone, read as UTC)");
        }
    }

    #[test]
    fn epoch_numbers_in_seconds_and_milliseconds() {
        let seconds = Timestamp::from_value(&serde_json::json!(1714559400)).unwrap();
        let millis = Timestamp::from_value(&serde_json::json!(1714559400000_i64)).unwrap();
        assert_eq!(seconds.instant, millis.instant);
        assert_eq!(seconds.raw, "1714559400");
    }

    #[test]
    fn garbage_keeps_its_raw_text() {
        let ts = Timestamp::parse("not a date");
        assert_eq!(ts.instant, None);
        assert_eq!(ts.text_in(&TimeZone::UTC), "not a date (unrecognised date)");
        assert_eq!(Timestamp::from_value(&serde_json::Value::Null), None);
        assert_eq!(Timestamp::from_value(&serde_json::json!(1e300)).unwrap().instant, None);
    }

    #[test]
    fn local_time_uses_the_given_zone() {
        let zone = TimeZone::get("Europe/Bratislava").unwrap();
        assert_eq!(Timestamp::parse("2026-03-10T09:00:00Z").text_in(&zone), "2026-03-10 10:00 CET");
    }
}
