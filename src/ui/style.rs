//! Colours and text styles shared by the screens.

use egui::Color32;

/// Accent for links and the demo badge.
pub const ACCENT: Color32 = Color32::from_rgb(0x3b, 0x82, 0xf6);
/// Good outcomes (completed, high ratings).
pub const GOOD: Color32 = Color32::from_rgb(0x16, 0xa3, 0x4a);
/// Warnings (medium ratings, test interviews).
pub const WARNING: Color32 = Color32::from_rgb(0xd9, 0x77, 0x06);
/// Failures (failed interviews, low ratings).
pub const BAD: Color32 = Color32::from_rgb(0xdc, 0x26, 0x26);
/// Neutral states (cancelled, unknown).
pub const MUTED: Color32 = Color32::from_rgb(0x6b, 0x72, 0x80);
/// In-progress states.
pub const ACTIVE: Color32 = Color32::from_rgb(0x7c, 0x3a, 0xed);
/// Agent turns in the transcript.
pub const AGENT: Color32 = Color32::from_rgb(0x25, 0x63, 0xeb);
/// Candidate turns in the transcript.
pub const CANDIDATE: Color32 = Color32::from_rgb(0x05, 0x96, 0x69);

/// Sets the app's look: slightly larger text and roomier spacing than egui's defaults.
pub fn apply(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
        for (text_style, font) in &mut style.text_styles {
            if matches!(text_style, egui::TextStyle::Body | egui::TextStyle::Button) {
                font.size = 14.0;
            }
        }
    });
}

/// Colour of an interview status: green completed, red failed, violet running, blue
/// scheduled, grey cancelled or undefined, amber for a value the docs do not list.
pub fn status_color(status: &crate::api::InterviewStatus) -> Color32 {
    use crate::api::InterviewStatus as S;
    match status {
        S::Completed => GOOD,
        S::Failed => BAD,
        S::InProgress => ACTIVE,
        S::Scheduled => ACCENT,
        S::Cancelled | S::Undefined => MUTED,
        S::Other(_) => WARNING,
    }
}

/// Colour for a 0–100 rating: red below 40, amber below 70, green from 70.
pub fn rating_color(rating: f64) -> Color32 {
    if rating < 40.0 {
        BAD
    } else if rating < 70.0 {
        WARNING
    } else {
        GOOD
    }
}
