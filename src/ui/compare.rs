//! The Compare view: several opened interviews (e.g. candidates for one job) side by side, in
//! one chart and one table of their ratings and shared numeric scores.

use std::sync::Arc;

use egui::RichText;
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Legend, Plot};

use super::{style, widgets};
use crate::api::related::RelatedKind;
use crate::api::scores::score_groups;
use crate::api::{InterviewRecord, humanize};
use crate::app::{Command, RelatedCache, View};

/// Colours of the compared interviews, in order (repeats after eight).
const SERIES: [egui::Color32; 8] = [
    egui::Color32::from_rgb(0x3b, 0x82, 0xf6),
    egui::Color32::from_rgb(0xf5, 0x9e, 0x0b),
    egui::Color32::from_rgb(0x10, 0xb9, 0x81),
    egui::Color32::from_rgb(0xef, 0x44, 0x44),
    egui::Color32::from_rgb(0x8b, 0x5c, 0xf6),
    egui::Color32::from_rgb(0xec, 0x48, 0x99),
    egui::Color32::from_rgb(0x14, 0xb8, 0xa6),
    egui::Color32::from_rgb(0x84, 0xcc, 0x16),
];

/// One compared measure: its label and each interview's value (`None` = not given).
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// "Overall rating" or `group · label`, e.g. `Pronunciation scores · fluency`.
    pub label: String,
    /// One value per compared interview, in the same order.
    pub values: Vec<Option<f64>>,
}

/// The measures to compare: the overall rating, then every numeric score under
/// `analysis.specific` that at least two of the interviews have (in first-seen order).
pub fn metrics(records: &[Arc<InterviewRecord>]) -> Vec<Metric> {
    let mut metrics = vec![Metric {
        label: "Overall rating".to_owned(),
        values: records.iter().map(|r| r.interview.overall_rating()).collect(),
    }];
    let per_record: Vec<Vec<(String, Option<f64>)>> = records
        .iter()
        .map(|record| {
            let specific = record.interview.analysis.as_ref().and_then(|a| a.specific.as_ref());
            specific
                .map(score_groups)
                .unwrap_or_default()
                .into_iter()
                .flat_map(|group| {
                    let prefix = if group.name.is_empty() { String::new() } else { format!("{} · ", group.name) };
                    group.scores.into_iter().map(move |score| (format!("{prefix}{}", score.label), score.value))
                })
                .collect()
        })
        .collect();
    let mut labels: Vec<String> = Vec::new();
    for scores in &per_record {
        for (label, _) in scores {
            if !labels.contains(label) {
                labels.push(label.clone());
            }
        }
    }
    for label in labels {
        let values: Vec<Option<f64>> = per_record
            .iter()
            .map(|scores| scores.iter().find(|(l, _)| *l == label).and_then(|(_, value)| *value))
            .collect();
        if values.iter().filter(|v| v.is_some()).count() >= 2 {
            metrics.push(Metric { label, values });
        }
    }
    metrics
}

/// Draws the Compare view.
pub fn compare_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    let session = view.session;
    ui.horizontal(|ui| {
        ui.heading("Compare interviews");
        if ui.button("Back to interview").clicked() {
            view.push(Command::ShowCompare(false));
        }
        if !session.compare.is_empty() && ui.button("Clear").clicked() {
            view.push(Command::ClearCompare);
        }
    });
    if session.compare.len() < 2 {
        ui.add_space(8.0);
        ui.label("Add at least two interviews: open one and press “Add to comparison” in its header, or right-click it in the list.");
        list_ui(view, ui);
        return;
    }
    let records = &session.compare;
    let names: Vec<String> = records.iter().map(|r| display_name(r, &session.related)).collect();
    let metrics = metrics(records);
    chart_ui(ui, &names, &metrics);
    ui.add_space(8.0);
    table_ui(view, ui, &names, &metrics);
}

fn list_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    let session = view.session;
    let mut remove = None;
    for (index, record) in session.compare.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.label(display_name(record, &session.related));
            if ui.small_button("Remove").clicked() {
                remove = Some(index);
            }
        });
    }
    if let Some(index) = remove {
        view.push(Command::RemoveFromCompare(index));
    }
}

/// Grouped bars: one group per metric, one bar per interview, on a 0–100 axis (wider when a
/// value is above 100). Missing values leave a gap, never a zero bar.
fn chart_ui(ui: &mut egui::Ui, names: &[String], metrics: &[Metric]) {
    let count = names.len().max(1) as f64;
    let width = 0.8 / count;
    let top = metrics.iter().flat_map(|m| m.values.iter().flatten()).fold(100.0_f64, |a, &b| a.max(b));
    let labels: Vec<String> = metrics.iter().map(|m| shorten(&m.label, 28)).collect();
    Plot::new("compare_chart")
        .height(260.0)
        .legend(Legend::default())
        .default_x_bounds(-0.6, metrics.len() as f64 - 0.4)
        .default_y_bounds(0.0, top * 1.05)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .x_axis_formatter(widgets::bar_labels(labels))
        .show(ui, |plot| {
            for (series, name) in names.iter().enumerate() {
                let color = SERIES.get(series % SERIES.len()).copied().unwrap_or(style::ACCENT);
                let offset = (series as f64 - (count - 1.0) / 2.0) * width;
                let bars: Vec<Bar> = metrics
                    .iter()
                    .enumerate()
                    .filter_map(|(m, metric)| {
                        let value = metric.values.get(series).copied().flatten()?;
                        Some(Bar::new(m as f64 + offset, value).width(width * 0.95).name(&metric.label).fill(color))
                    })
                    .collect();
                plot.bar_chart(BarChart::new(name.clone(), bars).color(color));
            }
        });
}

fn table_ui(view: &mut View<'_>, ui: &mut egui::Ui, names: &[String], metrics: &[Metric]) {
    let session = view.session;
    let records = &session.compare;
    let mut remove = None;
    let mut open = None;
    egui::ScrollArea::horizontal().show(ui, |ui| {
        let mut table = TableBuilder::new(ui)
            .id_salt("compare_table")
            .striped(true)
            .column(Column::auto().at_least(190.0))
            .column(Column::initial(220.0).at_least(110.0).clip(true))
            .column(Column::auto().at_least(90.0));
        for _ in metrics {
            table = table.column(Column::auto().at_least(70.0));
        }
        table
            .column(Column::auto())
            .header(34.0, |mut header| {
                for title in ["Candidate", "Job", "Company fit"] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
                for metric in metrics {
                    header.col(|ui| {
                        ui.add(egui::Label::new(RichText::new(shorten(&metric.label, 24)).strong()).wrap())
                            .on_hover_text(&metric.label);
                    });
                }
                header.col(|_| {});
            })
            .body(|mut body| {
                for (index, record) in records.iter().enumerate() {
                    let interview = &record.interview;
                    body.row(26.0, |mut row| {
                        row.col(|ui| {
                            ui.horizontal(|ui| {
                                let color = SERIES.get(index % SERIES.len()).copied().unwrap_or(style::ACCENT);
                                ui.label(RichText::new("■").color(color));
                                let name = names.get(index).cloned().unwrap_or_default();
                                if ui.link(name).on_hover_text("Open this interview").clicked() {
                                    open = Some(interview.id.clone());
                                }
                            });
                        });
                        row.col(|ui| {
                            let job =
                                interview.job_id.as_deref().and_then(|id| session.related.name(RelatedKind::Job, id));
                            let job = job.unwrap_or_else(|| "—".to_owned());
                            ui.add(egui::Label::new(&job).truncate()).on_hover_text(job);
                        });
                        row.col(|ui| {
                            let fit = interview
                                .analysis
                                .as_ref()
                                .and_then(|a| a.general.as_ref())
                                .and_then(|g| g.company_fit_rating.as_deref());
                            ui.label(fit.map(humanize).unwrap_or_else(|| "—".to_owned()));
                        });
                        for metric in metrics {
                            row.col(|ui| match metric.values.get(index).copied().flatten() {
                                Some(value) => {
                                    ui.label(format!("{value}"));
                                }
                                None => {
                                    ui.label(RichText::new("n/a").weak());
                                }
                            });
                        }
                        row.col(|ui| {
                            if ui.small_button("Remove").clicked() {
                                remove = Some(index);
                            }
                        });
                    });
                }
            });
    });
    if let Some(index) = remove {
        view.push(Command::RemoveFromCompare(index));
    }
    if let Some(id) = open {
        view.push(Command::OpenInterview(id));
    }
}

/// The candidate's name, else a short interview ID.
pub fn display_name(record: &InterviewRecord, related: &RelatedCache) -> String {
    let interview = &record.interview;
    interview
        .candidate_id
        .as_deref()
        .and_then(|id| related.name(RelatedKind::Candidate, id))
        .unwrap_or_else(|| format!("Interview {}", widgets::short_id(&interview.id)))
}

fn shorten(text: &str, max: usize) -> String {
    let short: String = text.chars().take(max).collect();
    if short.len() < text.len() { format!("{short}…") } else { short }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record(rating: serde_json::Value, specific: serde_json::Value) -> Arc<InterviewRecord> {
        let raw = json!({"id": "i", "analysis": {"general": {"overallRating": rating}, "specific": specific}});
        Arc::new(InterviewRecord::from_value(raw).unwrap())
    }

    #[test]
    fn shared_scores_are_compared_and_lone_ones_left_out() {
        let records = [
            record(json!(78), json!({"pronunciationScores": {"fluency": 72, "accuracy": 81}})),
            record(json!(41), json!({"pronunciationScores": {"fluency": 60}, "extra": {"x": 1}})),
            record(json!(null), json!(null)),
        ];
        let metrics = metrics(&records);
        assert_eq!(metrics.len(), 2, "{metrics:?}");
        assert_eq!(metrics[0].values, vec![Some(78.0), Some(41.0), None]);
        assert_eq!(metrics[1].label, "pronunciationScores · fluency");
        assert_eq!(metrics[1].values, vec![Some(72.0), Some(60.0), None]);
    }
}
