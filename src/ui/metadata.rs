//! The Metadata tab: every field, call attempts as a table, custom metadata as a tree.

use egui::RichText;
use egui_extras::{Column, TableBuilder};
use serde_json::Value;

use super::widgets::{self, field_row};
use crate::api::related::RelatedKind;
use crate::api::{Field, InterviewRecord, humanize, time::Timestamp};
use crate::app::RelatedCache;

/// Draws the Metadata tab.
pub fn metadata_ui(ui: &mut egui::Ui, record: &InterviewRecord, related: &RelatedCache) -> Option<usize> {
    let interview = &record.interview;
    let mut save_recording = None;
    egui::ScrollArea::both().auto_shrink([false, false]).show(ui, |ui| {
        egui::Grid::new("metadata_fields").num_columns(2).striped(true).spacing([24.0, 6.0]).show(ui, |ui| {
            field_row(ui, "Status", interview.status.as_ref().map(ToString::to_string));
            field_row(ui, "Interview ID", Some(interview.id.clone()));
            related_row(ui, "Candidate", RelatedKind::Candidate, interview.candidate_id.as_deref(), related);
            related_row(ui, "Agent", RelatedKind::Agent, interview.agent_id.as_deref(), related);
            related_row(ui, "Job", RelatedKind::Job, interview.job_id.as_deref(), related);
            field_row(ui, "Scheduled", interview.scheduled_at.as_ref().map(Timestamp::local_text));
            field_row(ui, "Created", interview.created_at.as_ref().map(Timestamp::local_text));
            field_row(ui, "Updated", interview.updated_at.as_ref().map(Timestamp::local_text));
            field_row(ui, "Finished", interview.finished_date.as_ref().map(Timestamp::local_text));
            field_row(
                ui,
                "Duration",
                interview.duration_minutes.as_ref().map(|d| field_text(d, |m| format!("{m} min"))),
            );
            field_row(
                ui,
                "Test interview",
                interview.is_test.as_ref().map(|t| field_text(t, |b| if *b { "Yes".into() } else { "No".into() })),
            );
            field_row(
                ui,
                "Transcript",
                Some(format!(
                    "{} turns, {} words",
                    interview.transcript.turn_count(),
                    interview.transcript.word_count()
                )),
            );
        });
        ui.add_space(12.0);
        ui.heading("Call attempts");
        if interview.call_attempts.is_empty() {
            ui.label(RichText::new("No call attempts (online interviews have none).").weak());
        } else {
            save_recording = call_attempts_ui(ui, record);
        }
        ui.add_space(12.0);
        ui.heading("Custom metadata");
        match &interview.metadata {
            Some(Value::Object(map)) if !map.is_empty() => json_tree_ui(ui, "metadata", &Value::Object(map.clone())),
            Some(other) if !other.is_object() => json_tree_ui(ui, "metadata", other),
            _ => {
                ui.label(RichText::new("None").weak());
            }
        }
        if !interview.undocumented_keys.is_empty() {
            ui.add_space(12.0);
            ui.heading("Other fields from the server");
            ui.label(RichText::new("Not in the API documentation; shown and exported as sent.").weak());
            for key in &interview.undocumented_keys {
                if let Some(value) = record.raw.get(key) {
                    json_entry_ui(ui, key, value, key);
                }
            }
        }
    });
    save_recording
}

/// A candidate/agent/job row: the name when known, then the ID (selectable, to copy).
fn related_row(ui: &mut egui::Ui, label: &str, kind: RelatedKind, id: Option<&str>, related: &RelatedCache) {
    ui.label(RichText::new(label).weak());
    match id {
        None => {
            ui.label(RichText::new("—").weak());
        }
        Some(id) => {
            ui.horizontal(|ui| {
                if let Some(name) = related.name(kind, id) {
                    ui.label(name);
                }
                if let Some(details) = related.details(kind, id) {
                    ui.label(RichText::new(details).weak());
                }
                ui.add(egui::Label::new(RichText::new(id).monospace().weak()).selectable(true));
                if let Some(err) = related.error(kind, id) {
                    ui.label(RichText::new("(name unavailable)").weak()).on_hover_text(err.to_string());
                }
            });
        }
    }
    ui.end_row();
}

/// The call attempts table; returns the attempt (0-based) whose *Save…* was clicked.
fn call_attempts_ui(ui: &mut egui::Ui, record: &InterviewRecord) -> Option<usize> {
    let attempts = &record.interview.call_attempts;
    let mut save = None;
    TableBuilder::new(ui)
        .id_salt("call_attempts")
        .striped(true)
        .resizable(true)
        .column(Column::auto().at_least(24.0))
        .column(Column::auto().at_least(90.0))
        .column(Column::auto().at_least(90.0))
        .column(Column::auto().at_least(70.0))
        .column(Column::auto().at_least(150.0))
        .column(Column::auto().at_least(80.0))
        .column(Column::remainder().at_least(120.0))
        .header(22.0, |mut header| {
            for title in ["#", "Status", "Reason", "Duration", "Called", "Recording", "Notes"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|mut body| {
            for (index, attempt) in attempts.iter().enumerate() {
                body.row(22.0, |mut row| {
                    row.col(|ui| {
                        ui.label(format!("{}", index + 1));
                    });
                    row.col(|ui| {
                        ui.label(attempt.status.as_deref().map(humanize).unwrap_or_else(|| "—".into()));
                    });
                    row.col(|ui| {
                        ui.label(attempt.reason_code.as_deref().map(humanize).unwrap_or_else(|| "—".into()));
                    });
                    row.col(|ui| {
                        let text =
                            attempt.duration_seconds.as_ref().map(|d| field_text(d, |s| widgets::minutes_seconds(*s)));
                        ui.label(text.unwrap_or_else(|| "—".into()));
                    });
                    row.col(|ui| {
                        let called = attempt.called_at.as_ref().or(attempt.scheduled_at.as_ref());
                        ui.label(called.map(Timestamp::local_text).unwrap_or_else(|| "—".into()));
                    });
                    row.col(|ui| match &attempt.recording_url {
                        Some(url) => {
                            ui.hyperlink_to("Listen", url).on_hover_text(url);
                            let label = format!("Save recording {}…", index + 1);
                            let button = egui::Button::new("Save…");
                            let response = ui.add(button).on_hover_text("Download the recording to a file");
                            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
                            if response.clicked() {
                                save = Some(index);
                            }
                        }
                        None => {
                            ui.label("—");
                        }
                    });
                    row.col(|ui| {
                        ui.label(attempt.notes.as_deref().unwrap_or("—"));
                    });
                });
            }
        });
    save
}

/// A read-only tree of any JSON value.
fn json_tree_ui(ui: &mut egui::Ui, id: &str, value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                json_entry_ui(ui, key, child, &format!("{id}.{key}"));
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                json_entry_ui(ui, &format!("[{index}]"), child, &format!("{id}[{index}]"));
            }
        }
        scalar => {
            ui.label(scalar_text(scalar));
        }
    }
}

fn json_entry_ui(ui: &mut egui::Ui, key: &str, value: &Value, id: &str) {
    match value {
        Value::Object(_) | Value::Array(_) => {
            egui::CollapsingHeader::new(RichText::new(key).strong()).id_salt(id).default_open(true).show(ui, |ui| {
                json_tree_ui(ui, id, value);
            });
        }
        scalar => {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("{key}:")).weak());
                ui.label(scalar_text(scalar));
            });
        }
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

fn field_text<T>(field: &Field<T>, show: impl Fn(&T) -> String) -> String {
    match field {
        Field::Valid(value) => show(value),
        Field::Raw(raw) => format!("{raw} (unrecognised value)"),
    }
}
