//! Small widgets used across the screens.

use egui::{Color32, RichText};

use super::style;
use crate::api::InterviewStatus;

/// A rounded coloured label, e.g. a status.
pub fn badge(ui: &mut egui::Ui, text: &str, color: Color32) -> egui::Response {
    egui::Frame::new()
        .fill(color.gamma_multiply(0.18))
        .stroke(egui::Stroke::new(1.0, color))
        .corner_radius(8.0)
        .inner_margin(egui::Margin::symmetric(8, 2))
        .show(ui, |ui| ui.label(RichText::new(text).color(color).strong()))
        .inner
}

/// The interview status as a coloured badge; unknown values are shown verbatim.
pub fn status_badge(ui: &mut egui::Ui, status: &InterviewStatus) -> egui::Response {
    let color = match status {
        InterviewStatus::Completed => style::GOOD,
        InterviewStatus::Failed => style::BAD,
        InterviewStatus::InProgress => style::ACTIVE,
        InterviewStatus::Scheduled => style::ACCENT,
        InterviewStatus::Cancelled | InterviewStatus::Undefined => style::MUTED,
        InterviewStatus::Other(_) => style::WARNING,
    };
    let response = badge(ui, &status.to_string().to_uppercase(), color);
    if let InterviewStatus::Other(raw) = status {
        response.on_hover_text(format!("Status {raw:?} is not in the API documentation; shown as sent."))
    } else {
        response
    }
}

/// An error message in the theme's error colour.
pub fn error_label(ui: &mut egui::Ui, text: &str) -> egui::Response {
    let color = ui.visuals().error_fg_color;
    ui.label(RichText::new(format!("⚠ {text}")).color(color))
}

/// A framed error with what to do about it.
pub fn error_box(ui: &mut egui::Ui, message: &str, hint: &str) {
    let color = ui.visuals().error_fg_color;
    egui::Frame::new()
        .fill(color.gamma_multiply(0.08))
        .stroke(egui::Stroke::new(1.0, color.gamma_multiply(0.6)))
        .corner_radius(6.0)
        .inner_margin(10)
        .show(ui, |ui| {
            ui.label(RichText::new(format!("⚠ {message}")).color(color).strong());
            ui.label(hint);
        });
}

/// A labelled value row for a two-column grid; `None` shows a dim dash.
pub fn field_row(ui: &mut egui::Ui, name: &str, value: Option<String>) {
    ui.label(RichText::new(name).weak());
    match value {
        Some(value) => ui.label(value),
        None => ui.label(RichText::new("—").weak()),
    };
    ui.end_row();
}

/// The first 8 characters of a UUID, for compact display (hover shows the whole ID).
pub fn short_id(id: &str) -> String {
    let short: String = id.chars().take(8).collect();
    if short.len() < id.len() { format!("{short}…") } else { short }
}

/// Seconds as `m:ss`, or `h:mm:ss` from one hour up.
pub fn minutes_seconds(seconds: f64) -> String {
    crate::api::transcript::format_offset(seconds).unwrap_or_else(|| format!("{seconds}"))
}
