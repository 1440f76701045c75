//! The Analysis tab: the overall rating on a fixed 0–100 scale, every numeric score under
//! `analysis.specific`, the AI evaluation, and the provenance of the scores.

use egui::{Color32, RichText};
use egui_plot::{Axis, Bar, BarChart, Plot, Span};

use super::{style, widgets};
use crate::api::scores::{ScoreGroup, score_groups};
use crate::api::time::Timestamp;
use crate::api::{Field, GeneralAnalysis, Interview, InterviewRecord, InterviewStatus, humanize};

/// A transcript below this many words is flagged as too thin to trust the scores: scores made
/// from a few garbled lines of speech recognition read as confident verdicts otherwise.
const THIN_TRANSCRIPT_WORDS: usize = 80;

/// Draws the Analysis tab.
pub fn analysis_ui(ui: &mut egui::Ui, record: &InterviewRecord) {
    let interview = &record.interview;
    let Some(analysis) = &interview.analysis else {
        not_generated_ui(ui, interview);
        return;
    };
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        provenance_ui(ui, interview);
        ui.add_space(8.0);
        match &analysis.general {
            Some(general) => general_ui(ui, general),
            None => {
                ui.label(RichText::new("The analysis has no general assessment.").weak());
            }
        }
        if let Some(specific) = &analysis.specific {
            let groups = score_groups(specific);
            if !groups.is_empty() {
                ui.add_space(12.0);
                ui.heading("Detailed scores");
                for group in &groups {
                    score_group_ui(ui, group);
                }
            }
        }
    });
}

fn not_generated_ui(ui: &mut egui::Ui, interview: &Interview) {
    ui.add_space(12.0);
    ui.heading("No AI analysis yet");
    let why = match &interview.status {
        Some(InterviewStatus::Scheduled) => {
            "The interview has not taken place yet; the analysis is generated after it is completed."
        }
        Some(InterviewStatus::InProgress) => {
            "The interview is still running; the analysis is generated after it is completed."
        }
        Some(InterviewStatus::Failed | InterviewStatus::Cancelled) => {
            "The interview did not take place, so there is nothing to analyse."
        }
        _ => "The analysis has not been generated yet. It usually appears a few minutes after the interview ends.",
    };
    ui.label(why);
}

fn provenance_ui(ui: &mut egui::Ui, interview: &Interview) {
    let transcript = &interview.transcript;
    let words = transcript.word_count();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Based on").weak());
        ui.label(format!("{} transcript turns, {} words", transcript.turn_count(), words));
        if let Some(Field::Valid(minutes)) = &interview.duration_minutes {
            ui.label(RichText::new("·").weak());
            ui.label(format!("{minutes} min interview"));
        }
        let generated =
            interview.analysis.as_ref().and_then(|a| a.general.as_ref()).and_then(|g| g.created_at.as_ref());
        if let Some(at) = generated {
            ui.label(RichText::new("·").weak());
            ui.label(format!("analysed {}", at.local_text()));
        }
    });
    if words < THIN_TRANSCRIPT_WORDS {
        ui.label(
            RichText::new(format!("⚠ Limited transcript ({words} words): treat these scores with caution."))
                .color(style::WARNING)
                .strong(),
        );
    }
}

fn general_ui(ui: &mut egui::Ui, general: &GeneralAnalysis) {
    ui.heading("Overall rating");
    match &general.overall_rating {
        Some(Field::Valid(rating)) => overall_rating_ui(ui, *rating),
        Some(Field::Raw(raw)) => {
            ui.label(format!("{raw} (not a number; shown as sent)"));
        }
        None => {
            ui.label(RichText::new("No overall rating given.").weak());
        }
    }
    ui.add_space(6.0);
    egui::Grid::new("analysis_fields").num_columns(2).spacing([24.0, 6.0]).show(ui, |ui| {
        ui.label(RichText::new("Company fit").weak());
        match &general.company_fit_rating {
            Some(fit) => {
                let color = match fit.to_ascii_uppercase().as_str() {
                    "HIGH" => style::GOOD,
                    "MEDIUM" => style::WARNING,
                    "LOW" => style::BAD,
                    _ => style::MUTED,
                };
                widgets::badge(ui, &humanize(fit), color);
            }
            None => {
                ui.label(RichText::new("—").weak());
            }
        }
        ui.end_row();
        widgets::field_row(ui, "Education", general.education.as_deref().map(humanize));
        widgets::field_row(ui, "Experience", general.experience.as_deref().map(humanize));
        widgets::field_row(ui, "Analysis updated", general.updated_at.as_ref().map(Timestamp::local_text));
    });
    bullets_ui(ui, "Strong points", &general.strong_points, "✔", style::GOOD);
    bullets_ui(ui, "Weak points", &general.weak_points, "✖", style::BAD);
    bullets_ui(ui, "Evaluation", &general.evaluation, "•", ui.visuals().text_color());
}

/// `overallRating` as one horizontal bar on a fixed 0–100 axis over red/amber/green bands.
fn overall_rating_ui(ui: &mut egui::Ui, rating: f64) {
    let color = style::rating_color(rating);
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{rating:.0}")).size(30.0).strong().color(color));
        ui.label(RichText::new("/ 100").weak());
    });
    let bar = Bar::new(0.0, rating.clamp(0.0, 100.0)).width(0.6).fill(color).name("Overall rating");
    Plot::new("overall_rating")
        .height(70.0)
        .default_x_bounds(0.0, 102.0)
        .default_y_bounds(-0.6, 0.6)
        .show_axes([true, false])
        .show_grid([true, false])
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show(ui, |plot| {
            for (range, band) in [(0.0..=40.0, style::BAD), (40.0..=70.0, style::WARNING), (70.0..=100.0, style::GOOD)]
            {
                plot.span(Span::new("", range).axis(Axis::X).fill(band.gamma_multiply(0.12)).border_width(0.0));
            }
            plot.bar_chart(BarChart::new("Overall rating", vec![bar]).horizontal());
        });
}

/// One group of scores as a labelled bar chart; missing values are listed as n/a, never drawn
/// as zero, and the y axis always starts at zero and covers at least 0–100 when the values fit.
fn score_group_ui(ui: &mut egui::Ui, group: &ScoreGroup) {
    let title = if group.name.is_empty() { "Scores".to_owned() } else { humanize_key(&group.name) };
    ui.add_space(6.0);
    ui.label(RichText::new(title).strong());
    let max = group.scores.iter().filter_map(|s| s.value).fold(0.0_f64, f64::max);
    let top = if max <= 100.0 { 100.0 } else { max * 1.1 };
    let bars: Vec<Bar> = group
        .scores
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.value.map(|v| Bar::new(i as f64, v).name(&s.label).width(0.6).fill(bar_color(v, top))))
        .collect();
    let labels: Vec<String> = group.scores.iter().map(|s| s.label.clone()).collect();
    let missing: Vec<&str> = group.scores.iter().filter(|s| s.value.is_none()).map(|s| s.label.as_str()).collect();
    let count = group.scores.len() as f64;
    Plot::new(("score_group", &group.name))
        .height(180.0)
        .y_axis_min_width(32.0)
        .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [100.0, 20.0, 10.0]))
        .default_x_bounds(-0.6, count - 0.4)
        .default_y_bounds(0.0, top)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .x_axis_formatter(widgets::bar_labels(labels))
        .show(ui, |plot| plot.bar_chart(BarChart::new(group.name.clone(), bars)));
    let values: Vec<String> = group
        .scores
        .iter()
        .map(|s| format!("{} {}", s.label, s.value.map_or_else(|| "n/a".to_owned(), |v| format!("{v}"))))
        .collect();
    ui.label(RichText::new(values.join(" · ")).weak().small());
    if !missing.is_empty() {
        ui.label(RichText::new(format!("No value for: {}", missing.join(", "))).weak().small());
    }
}

fn bullets_ui(ui: &mut egui::Ui, title: &str, items: &[String], marker: &str, color: Color32) {
    ui.add_space(10.0);
    ui.label(RichText::new(title).strong().size(15.0));
    if items.is_empty() {
        ui.label(RichText::new("None given.").weak());
    }
    for item in items {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(marker).color(color));
            ui.label(item);
        });
    }
}

fn bar_color(value: f64, top: f64) -> Color32 {
    style::rating_color(value / top * 100.0)
}

/// `pronunciationScores` → `Pronunciation scores`; dotted paths keep their dots.
fn humanize_key(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else if i == 0 {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}
