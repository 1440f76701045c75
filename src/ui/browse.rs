//! The side panel's interview list: filters, pages loaded as you scroll, and the candidate
//! picker for servers that only list one candidate's interviews.

use egui::text::LayoutJob;
use egui::{RichText, TextFormat};

use super::{bulk, style, widgets};
use crate::api::InterviewRecord;
use crate::api::related::RelatedKind;
use crate::app::App;
use crate::browse::{CandidateFilter, STATUS_FILTERS};

/// Draws the interview list.
pub fn browse_ui(app: &mut App, ui: &mut egui::Ui, frame: &eframe::Frame) {
    filters_ui(app, ui);
    if app.browse.needs_candidate {
        candidate_picker_ui(app, ui);
        return;
    }
    if let Some(err) = &app.browse.error {
        widgets::error_label(ui, &err.to_string());
        ui.label(RichText::new(err.hint()).small());
        if ui.button("Retry").clicked() {
            app.refresh_list();
        }
    }
    if !app.browse.problems.is_empty() {
        ui.label(
            RichText::new(format!("⚠ {} item(s) could not be read", app.browse.problems.len())).color(style::WARNING),
        )
        .on_hover_text(app.browse.problems.join("\n"));
    }
    let mut to_open = None;
    let mut to_toggle = None;
    let mut to_pick: Vec<String> = Vec::new();
    let mut wants_more = false;
    let related = &app.related;
    let visible: Vec<_> = app.browse.visible(|kind, id| related.name(kind, id)).cloned().collect();
    bulk::selection_bar_ui(app, ui, &visible, frame);
    egui::ScrollArea::vertical().id_salt("browse_list").auto_shrink([false, false]).show(ui, |ui| {
        let current = app.current.as_ref().map(|c| c.id.clone());
        if visible.is_empty() && !app.browse.loading && app.browse.error.is_none() {
            ui.label(RichText::new("No interviews match.").weak());
        }
        for record in &visible {
            let selected = current.as_deref() == Some(record.interview.id.as_str());
            let job = row_text(ui, record, app);
            let response = ui
                .horizontal(|ui| {
                    if app.bulk.selecting {
                        let mut picked = app.bulk.is_selected(&record.interview.id);
                        let name = format!("Select interview {}", widgets::short_id(&record.interview.id));
                        let checkbox = ui.checkbox(&mut picked, "");
                        checkbox.widget_info(|| {
                            egui::WidgetInfo::selected(egui::Role::CheckBox, true, picked, name.clone())
                        });
                        if checkbox.changed() {
                            to_pick.push(record.interview.id.clone());
                        }
                    }
                    // Wrapped, so a long job title never widens the panel (which would shift
                    // the interview beside it as the names arrive).
                    ui.add(egui::Button::selectable(selected, job).wrap())
                })
                .inner;
            if response.clicked() {
                to_open = Some(record.interview.id.clone());
            }
            response.context_menu(|ui| {
                let compared = app.compare.iter().any(|r| r.interview.id == record.interview.id);
                let label = if compared { "Remove from comparison" } else { "Add to comparison" };
                if ui.button(label).clicked() {
                    to_toggle = Some(record.clone());
                    ui.close();
                }
                if let Some(candidate) = &record.interview.candidate_id
                    && ui.button("Select this candidate's interviews").clicked()
                {
                    let ids = app.browse.items.iter().filter(|r| r.interview.candidate_id.as_ref() == Some(candidate));
                    to_pick.extend(ids.map(|r| r.interview.id.clone()).filter(|id| !app.bulk.is_selected(id)));
                    ui.close();
                }
            });
        }
        if app.browse.loading {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading…");
            });
        } else if app.browse.next_page.is_some() {
            let response = ui.button("Load more");
            // Scrolling to the end loads the next page by itself.
            wants_more = response.clicked() || ui.is_rect_visible(response.rect);
        }
    });
    if wants_more {
        app.load_more();
    }
    if !to_pick.is_empty() {
        app.bulk.selecting = true;
        for id in &to_pick {
            app.bulk.toggle(id);
        }
    }
    if let Some(record) = to_toggle {
        app.toggle_compare(&record);
    }
    if let Some(id) = to_open {
        app.open_input.clone_from(&id);
        app.open(&id);
    }
}

fn filters_ui(app: &mut App, ui: &mut egui::Ui) {
    let mut changed = false;
    ui.horizontal(|ui| {
        let current = STATUS_FILTERS
            .iter()
            .find(|(_, value)| value.map(str::to_owned) == app.browse.status)
            .map_or("All statuses", |(label, _)| label);
        egui::ComboBox::from_id_salt("status_filter").selected_text(current).width(120.0).show_ui(ui, |ui| {
            for (label, value) in STATUS_FILTERS {
                let value = value.map(str::to_owned);
                changed |= ui.selectable_value(&mut app.browse.status, value, label).changed();
            }
        });
        if ui.button("Reload").on_hover_text("Reload the list from the server").clicked() {
            changed = true;
        }
    });
    let agents = agents_seen(app);
    if !agents.is_empty() || app.browse.agent.is_some() {
        let selected = app.browse.agent.as_ref().map_or_else(|| "All agents".to_owned(), |id| agent_label(app, id));
        egui::ComboBox::from_id_salt("agent_filter").selected_text(selected).width(220.0).show_ui(ui, |ui| {
            changed |= ui.selectable_value(&mut app.browse.agent, None, "All agents").changed();
            for id in agents {
                let label = agent_label(app, &id);
                changed |= ui.selectable_value(&mut app.browse.agent, Some(id), label).changed();
            }
        });
    }
    if let Some(candidate) = app.browse.candidate.clone() {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("Candidate: {}", candidate.label)).strong());
            if ui.small_button("✖").on_hover_text("Show all candidates").clicked() {
                app.browse.candidate = None;
                changed = true;
            }
        });
    }
    let label = ui.label("Filter loaded");
    ui.add(
        egui::TextEdit::singleline(&mut app.browse.text)
            .hint_text("Name, job, status or ID")
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    if changed {
        app.refresh_list();
    }
    ui.separator();
}

fn candidate_picker_ui(app: &mut App, ui: &mut egui::Ui) {
    ui.label("This server lists interviews one candidate at a time. Find the candidate:");
    let label = ui.label("Find candidate");
    let response = ui
        .add(egui::TextEdit::singleline(&mut app.browse.candidate_search).hint_text("Name or e-mail"))
        .labelled_by(label.id);
    let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    if ui.button("Search").clicked() || entered || !app.browse.candidates_requested {
        app.browse.candidates_requested = true;
        app.search_candidates();
    }
    let mut picked = None;
    match &app.browse.candidates {
        None => {
            ui.spinner();
        }
        Some(Err(err)) => {
            widgets::error_label(ui, &err.to_string());
        }
        Some(Ok(candidates)) => {
            egui::ScrollArea::vertical().id_salt("candidate_list").show(ui, |ui| {
                if candidates.is_empty() {
                    ui.label(RichText::new("No candidates found.").weak());
                }
                for record in candidates {
                    let Some(id) = record.get("id").and_then(serde_json::Value::as_str) else { continue };
                    let name = RelatedKind::Candidate.display_name(record).unwrap_or_else(|| id.to_owned());
                    if ui.selectable_label(false, &name).clicked() {
                        picked = Some(CandidateFilter { id: id.to_owned(), label: name });
                    }
                }
            });
        }
    }
    if let Some(candidate) = picked {
        app.browse.candidate = Some(candidate);
        app.browse.needs_candidate = false;
        app.refresh_list();
    }
}

/// Two lines: the candidate's name (or ID) and status · date · job.
fn row_text(ui: &egui::Ui, record: &InterviewRecord, app: &App) -> LayoutJob {
    let interview = &record.interview;
    let name = interview
        .candidate_id
        .as_deref()
        .map(|id| app.related.name(RelatedKind::Candidate, id).unwrap_or_else(|| widgets::short_id(id)))
        .unwrap_or_else(|| format!("Interview {}", widgets::short_id(&interview.id)));
    let status = interview.status.as_ref().map_or_else(|| "No status".to_owned(), ToString::to_string);
    let date =
        interview.key_instant().map(|t| t.to_zoned(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d").to_string());
    let job = interview.job_id.as_deref().and_then(|id| app.related.name(RelatedKind::Job, id));
    let details: Vec<String> = [Some(status), date, job].into_iter().flatten().collect();
    let body = egui::TextStyle::Body.resolve(ui.style());
    let small = egui::TextStyle::Small.resolve(ui.style());
    let mut job_text = LayoutJob::default();
    let strong = TextFormat { font_id: body, color: ui.visuals().strong_text_color(), ..TextFormat::default() };
    job_text.append(&name, 0.0, strong);
    job_text.append("\n", 0.0, TextFormat::default());
    let color = interview.status.as_ref().map_or(style::MUTED, style::status_color);
    job_text.append(&details.join(" · "), 0.0, TextFormat { font_id: small, color, ..TextFormat::default() });
    job_text
}

fn agents_seen(app: &App) -> Vec<String> {
    let mut agents: Vec<String> = app.browse.items.iter().filter_map(|r| r.interview.agent_id.clone()).collect();
    agents.sort();
    agents.dedup();
    agents
}

fn agent_label(app: &App, id: &str) -> String {
    app.related.name(RelatedKind::Agent, id).unwrap_or_else(|| widgets::short_id(id))
}
