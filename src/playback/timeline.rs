//! Where each turn of a transcript is in its recording, and which turn is at a point of it.
//!
//! Turns with a start time are placed there. Spoken turns without one are placed between the
//! timed turns around them (or the start and the end of the recording), in proportion to the
//! length of their text, and marked as estimated. System and tool turns were not said: they
//! have no place.

use crate::api::transcript::Turn;

/// A turn's place in the recording.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    /// Seconds from the start of the recording.
    pub start: f64,
    /// Estimated from the text length (the transcript gave no time).
    pub estimated: bool,
}

/// The places of a transcript's turns, by turn index.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    places: Vec<Option<Place>>,
    /// Turn indices with a place, in order of their start.
    order: Vec<usize>,
}

/// The weight of a turn's text in an estimate: its characters, plus a pause.
fn weight(turn: &Turn) -> f64 {
    turn.text.chars().count() as f64 + 12.0
}

impl Timeline {
    /// Places `turns` in a recording of `duration` seconds (`None` when not known yet: turns
    /// after the last timed one then have no place).
    pub fn new(turns: &[Turn], duration: Option<f64>) -> Self {
        let mut places: Vec<Option<Place>> = turns
            .iter()
            .map(|t| t.start.filter(|s| s.is_finite() && !t.speaker.is_unspoken()))
            .map(|start| start.map(|start| Place { start, estimated: false }))
            .collect();
        // Runs of spoken turns without a time, between two anchors.
        let mut index = 0;
        while index < turns.len() {
            let is_gap = |i: usize| {
                turns.get(i).is_some_and(|t| !t.speaker.is_unspoken()) && places.get(i).is_some_and(Option::is_none)
            };
            if !is_gap(index) {
                index += 1;
                continue;
            }
            let run_start = index;
            let mut run_end = index;
            // Unspoken turns inside a run do not end it.
            while run_end < turns.len() && places.get(run_end).is_some_and(Option::is_none) {
                run_end += 1;
            }
            let from = places
                .get(..run_start)
                .and_then(|before| before.iter().rev().flatten().next())
                .map_or(0.0, |p| p.start);
            let to = places.get(run_end).copied().flatten().map(|p| p.start).or(duration);
            if let Some(to) = to.filter(|to| *to > from) {
                let spoken: Vec<usize> = (run_start..run_end).filter(|&i| is_gap(i)).collect();
                // The turn before the run also takes time: it is weighted in from its start.
                let before = (0..run_start).rev().find(|&i| places.get(i).is_some_and(Option::is_some));
                let lead = before.and_then(|i| turns.get(i)).map_or(0.0, weight);
                let total = lead + spoken.iter().filter_map(|&i| turns.get(i)).map(weight).sum::<f64>();
                let mut at = lead;
                for i in spoken {
                    let start = from + (to - from) * at / total;
                    if let Some(slot) = places.get_mut(i) {
                        *slot = Some(Place { start, estimated: true });
                    }
                    at += turns.get(i).map_or(0.0, weight);
                }
            }
            index = run_end.max(run_start + 1);
        }
        let mut order: Vec<usize> = (0..places.len()).filter(|&i| places.get(i).is_some_and(Option::is_some)).collect();
        order.sort_by(|&a, &b| {
            let start = |i: usize| places.get(i).copied().flatten().map_or(0.0, |p| p.start);
            start(a).total_cmp(&start(b)).then(a.cmp(&b))
        });
        Self { places, order }
    }

    /// Where turn `index` starts, if it has a place.
    pub fn place(&self, index: usize) -> Option<Place> {
        self.places.get(index).copied().flatten()
    }

    /// The turn being spoken at `position` seconds: the last placed turn that started at or
    /// before it; `None` before the first.
    pub fn turn_at(&self, position: f64) -> Option<usize> {
        let after = self.order.partition_point(|&i| self.place(i).is_some_and(|p| p.start <= position + 1e-6));
        after.checked_sub(1).and_then(|n| self.order.get(n)).copied()
    }

    /// Whether any turn's place is estimated.
    pub fn has_estimates(&self) -> bool {
        self.places.iter().flatten().any(|p| p.estimated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::transcript::Speaker;

    fn turn(speaker: Speaker, text: &str, start: Option<f64>) -> Turn {
        Turn { speaker, label: None, text: text.to_owned(), start, end: None }
    }

    #[test]
    fn timed_turns_are_placed_at_their_times_and_found_by_position() {
        let turns = vec![
            turn(Speaker::Agent, "Hello", Some(0.5)),
            turn(Speaker::Candidate, "Hi", Some(4.0)),
            turn(Speaker::Agent, "Tell me", Some(9.25)),
        ];
        let timeline = Timeline::new(&turns, Some(20.0));
        assert_eq!(timeline.place(1), Some(Place { start: 4.0, estimated: false }));
        assert_eq!(timeline.turn_at(0.0), None);
        assert_eq!(timeline.turn_at(0.5), Some(0));
        assert_eq!(timeline.turn_at(3.99), Some(0));
        assert_eq!(timeline.turn_at(4.0), Some(1));
        assert_eq!(timeline.turn_at(19.0), Some(2));
        assert!(!timeline.has_estimates());
    }

    #[test]
    fn untimed_turns_are_estimated_by_text_length_across_the_recording() {
        let long = "word ".repeat(60);
        let turns = vec![
            turn(Speaker::Agent, "Hi", None),
            turn(Speaker::Candidate, &long, None),
            turn(Speaker::Agent, "Bye", None),
        ];
        let timeline = Timeline::new(&turns, Some(100.0));
        let starts: Vec<f64> = (0..3).map(|i| timeline.place(i).map_or(-1.0, |p| p.start)).collect();
        assert_eq!(starts.first(), Some(&0.0));
        assert!(timeline.place(1).is_some_and(|p| p.estimated));
        // "Hi" is short: the long answer starts early, the goodbye late.
        assert!(starts[1] < 10.0 && starts[2] > 85.0, "{starts:?}");
        assert_eq!(timeline.turn_at(50.0), Some(1));
        // Without a duration nothing after the last anchor can be placed.
        assert_eq!(Timeline::new(&turns, None).place(1), None);
    }

    #[test]
    fn untimed_turns_between_timed_ones_fall_between_them_and_unspoken_turns_have_no_place() {
        let turns = vec![
            turn(Speaker::System, "You are an interviewer", None),
            turn(Speaker::Agent, "Hello there, welcome", Some(2.0)),
            turn(Speaker::Candidate, "Thanks", None),
            turn(Speaker::Tool, "lookup()", Some(5.0)),
            turn(Speaker::Candidate, "Glad to be here", None),
            turn(Speaker::Agent, "Let us start", Some(12.0)),
        ];
        let timeline = Timeline::new(&turns, Some(30.0));
        assert_eq!(timeline.place(0), None);
        assert_eq!(timeline.place(3), None, "a tool call was not said");
        let thanks = timeline.place(2).map(|p| p.start).unwrap_or_default();
        let glad = timeline.place(4).map(|p| p.start).unwrap_or_default();
        assert!(2.0 < thanks && thanks < glad && glad < 12.0, "{thanks} {glad}");
        assert_eq!(timeline.turn_at(1.0), None);
        assert_eq!(timeline.turn_at(12.5), Some(5));
    }
}
