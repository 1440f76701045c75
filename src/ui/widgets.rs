//! Small widgets used across the screens.

use egui::{Color32, RichText};

use super::style;
use crate::api::InterviewStatus;

/// A rounded coloured label, e.g. a status.
pub fn badge(ui: &mut egui::Ui, text: &str, color: Color32) -> egui::Response {
    let text = RichText::new(text).color(color).strong();
    let margin = egui::Margin::symmetric(8, 2);
    // A frame takes its size from what it holds, after placing it, so in a wrapping row it would
    // not move to the next line by itself (it would squeeze its text into a column): measure.
    if ui.layout().main_wrap && ui.cursor().min.x > ui.max_rect().min.x + 1.0 {
        let galley = egui::WidgetText::from(text.clone()).into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Body,
        );
        if galley.size().x + margin.sum().x + 2.0 > ui.available_size_before_wrap().x {
            ui.end_row();
        }
    }
    egui::Frame::new()
        .fill(color.gamma_multiply(0.18))
        .stroke(egui::Stroke::new(1.0, color))
        .corner_radius(8.0)
        .inner_margin(margin)
        .show(ui, |ui| ui.add(egui::Label::new(text).extend()))
        .inner
}

/// The interview status as a coloured badge; unknown values are shown verbatim.
pub fn status_badge(ui: &mut egui::Ui, status: &InterviewStatus) -> egui::Response {
    let response = badge(ui, &status.to_string().to_uppercase(), style::status_color(status));
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

/// An x-axis formatter for bar charts whose bars stand at 0, 1, 2, …: the label of each bar
/// under it, nothing between bars.
pub fn bar_labels(labels: Vec<String>) -> impl Fn(egui_plot::GridMark, &std::ops::RangeInclusive<f64>) -> String {
    move |mark, _| {
        let index = mark.value.round();
        if (mark.value - index).abs() > 1e-6 || index < 0.0 {
            return String::new();
        }
        labels.get(index as usize).cloned().unwrap_or_default()
    }
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
