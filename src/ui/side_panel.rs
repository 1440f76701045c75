//! The side panel: the interview list (filters, pages loaded as you scroll, and the candidate
//! picker for servers that only list one candidate's interviews) and the recent IDs.

use egui::text::LayoutJob;
use egui::{RichText, TextFormat};

use super::scorecard::decision_color;
use super::{bulk_export, style, widgets};
use crate::api::InterviewRecord;
use crate::api::related::RelatedKind;
use crate::app::interview_list::{ListSort, STATUS_FILTERS};
use crate::app::{CandidateFilter, Command, Session, SidePanel, View};
use crate::review::Decision;

/// Draws the side panel: the Interviews / Recent switch and the view chosen.
pub fn side_panel_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let side = &mut view.edits.side;
        ui.selectable_value(side, SidePanel::Interviews, RichText::new("Interviews").size(15.0));
        ui.selectable_value(side, SidePanel::Recent, RichText::new("Recent").size(15.0));
    });
    ui.separator();
    match view.edits.side {
        SidePanel::Interviews => interview_list_ui(view, ui),
        SidePanel::Recent => recent_ui(view, ui),
    }
}

fn recent_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    let session = view.session;
    if session.recent.is_empty() {
        ui.label(RichText::new("Interviews you open appear here.").weak());
    }
    let mut to_open = None;
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        for id in &session.recent {
            let selected = session.current.as_ref().is_some_and(|c| &c.id == id);
            let text = RichText::new(id).monospace().size(11.0);
            if ui.selectable_label(selected, text).on_hover_text("Open this interview").clicked() {
                to_open = Some(id.clone());
            }
        }
    });
    if let Some(id) = to_open {
        view.edits.open_input.clone_from(&id);
        view.push(Command::OpenInterview(id));
    }
}

/// Draws the interview list.
fn interview_list_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    filters_ui(view, ui);
    let session = view.session;
    let list = &session.list;
    if list.needs_candidate {
        candidate_picker_ui(view, ui);
        return;
    }
    if let Some(err) = list.error() {
        widgets::error_label(ui, &err.to_string());
        ui.label(RichText::new(err.hint()).small());
        if ui.button("Retry").clicked() {
            view.push(Command::ReloadList);
        }
    }
    if !list.problems.is_empty() {
        ui.label(RichText::new(format!("⚠ {} item(s) could not be read", list.problems.len())).color(style::WARNING))
            .on_hover_text(list.problems.join("\n"));
    }
    let mut to_open = None;
    let mut to_toggle = None;
    let mut to_pick: Vec<String> = Vec::new();
    let mut wants_more = false;
    let visible = session.list_rows(&view.edits.filters);
    bulk_export::selection_bar_ui(view, ui, &visible);
    let selection = &view.edits.bulk;
    egui::ScrollArea::vertical().id_salt("browse_list").auto_shrink([false, false]).show(ui, |ui| {
        let current = session.current.as_ref().map(|c| c.id.clone());
        if visible.is_empty() && !list.is_loading() && list.error().is_none() {
            ui.label(RichText::new("No interviews match.").weak());
        }
        for record in &visible {
            let selected = current.as_deref() == Some(record.interview.id.as_str());
            let mut job = row_text(ui, record, session);
            append_review_line(ui, &mut job, record, session);
            let response = ui
                .horizontal(|ui| {
                    if selection.selecting {
                        let mut picked = selection.is_selected(&record.interview.id);
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
                let compared = session.is_compared(&record.interview.id);
                let label = if compared { "Remove from comparison" } else { "Add to comparison" };
                if ui.button(label).clicked() {
                    to_toggle = Some(record.clone());
                    ui.close();
                }
                if let Some(candidate) = &record.interview.candidate_id
                    && ui.button("Select this candidate's interviews").clicked()
                {
                    let ids = list.items().iter().filter(|r| r.interview.candidate_id.as_ref() == Some(candidate));
                    to_pick.extend(ids.map(|r| r.interview.id.clone()).filter(|id| !selection.is_selected(id)));
                    ui.close();
                }
            });
        }
        if list.is_loading() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading…");
            });
        } else if list.next_page.is_some() {
            let response = ui.button("Load more");
            // Scrolling to the end loads the next page by itself.
            wants_more = response.clicked() || ui.is_rect_visible(response.rect);
        }
    });
    if wants_more {
        view.push(Command::LoadMoreInterviews);
    }
    if !to_pick.is_empty() {
        view.edits.bulk.selecting = true;
        for id in &to_pick {
            view.edits.bulk.toggle(id);
        }
    }
    if let Some(record) = to_toggle {
        view.push(Command::ToggleCompare(record));
    }
    if let Some(id) = to_open {
        view.edits.open_input.clone_from(&id);
        view.push(Command::OpenInterview(id));
    }
}

fn filters_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    let session = view.session;
    let filters = &mut view.edits.filters;
    let mut changed = false;
    ui.horizontal(|ui| {
        let current = STATUS_FILTERS
            .iter()
            .find(|(_, value)| value.map(str::to_owned) == filters.status)
            .map_or("All statuses", |(label, _)| label);
        let combo = egui::ComboBox::from_id_salt("status_filter").selected_text(current).width(120.0);
        let shown = combo.show_ui(ui, |ui| {
            for (label, value) in STATUS_FILTERS {
                let value = value.map(str::to_owned);
                changed |= ui.selectable_value(&mut filters.status, value, label).changed();
            }
        });
        // No visible label (the choices say what they are), but screen readers need a name.
        shown.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Status filter"));
        if ui.button("Reload").on_hover_text("Reload the list from the server").clicked() {
            changed = true;
        }
    });
    let agents = agents_seen(session);
    if !agents.is_empty() || filters.agent.is_some() {
        let selected = filters.agent.as_ref().map_or_else(|| "All agents".to_owned(), |id| agent_label(session, id));
        let combo = egui::ComboBox::from_id_salt("agent_filter").selected_text(selected).width(220.0);
        let shown = combo.show_ui(ui, |ui| {
            changed |= ui.selectable_value(&mut filters.agent, None, "All agents").changed();
            for id in agents {
                let label = agent_label(session, &id);
                changed |= ui.selectable_value(&mut filters.agent, Some(id), label).changed();
            }
        });
        shown.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Agent filter"));
    }
    if let Some(candidate) = filters.candidate.clone() {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("Candidate: {}", candidate.label)).strong());
            if ui.small_button("✖").on_hover_text("Show all candidates").clicked() {
                filters.candidate = None;
                changed = true;
            }
        });
    }
    ui.horizontal(|ui| {
        let label = ui.label("Sort");
        let combo = egui::ComboBox::from_id_salt("list_sort").selected_text(filters.sort.label()).width(120.0);
        let shown = combo.show_ui(ui, |ui| {
            for sort in ListSort::ALL {
                ui.selectable_value(&mut filters.sort, sort, sort.label());
            }
        });
        shown.response.labelled_by(label.id);
    });
    let label = ui.label("Filter loaded");
    ui.add(
        egui::TextEdit::singleline(&mut filters.text).hint_text("Name, job, status or ID").desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    if changed {
        view.push(Command::ReloadList);
    }
    ui.separator();
}

fn candidate_picker_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    let list = &view.session.list;
    ui.label("This server lists interviews one candidate at a time. Find the candidate:");
    let label = ui.label("Find candidate");
    let response = ui
        .add(egui::TextEdit::singleline(&mut view.edits.filters.candidate_search).hint_text("Name or e-mail"))
        .labelled_by(label.id);
    let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    if ui.button("Search").clicked() || entered || !list.candidates_requested {
        view.push(Command::SearchCandidates);
    }
    let mut picked = None;
    match &list.candidates {
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
        view.push(Command::PickCandidate(candidate));
    }
}

/// Two lines: the candidate's name (or ID) and status · date · job.
fn row_text(ui: &egui::Ui, record: &InterviewRecord, session: &Session) -> LayoutJob {
    let interview = &record.interview;
    let name = interview
        .candidate_id
        .as_deref()
        .map(|id| session.related.name(RelatedKind::Candidate, id).unwrap_or_else(|| widgets::short_id(id)))
        .unwrap_or_else(|| format!("Interview {}", widgets::short_id(&interview.id)));
    let status = interview.status.as_ref().map_or_else(|| "No status".to_owned(), ToString::to_string);
    let date =
        interview.key_instant().map(|t| t.to_zoned(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d").to_string());
    let job = interview.job_id.as_deref().and_then(|id| session.related.name(RelatedKind::Job, id));
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

/// Appends a third line to a row when there is anything to say: the AI's rating, this
/// reviewer's decision and the panel's.
fn append_review_line(ui: &egui::Ui, job: &mut LayoutJob, record: &InterviewRecord, session: &Session) {
    let id = &record.interview.id;
    let small = egui::TextStyle::Small.resolve(ui.style());
    let mut first = true;
    let mut add = |text: &str, color: egui::Color32| {
        let separator = if first { "\n" } else { " · " };
        first = false;
        job.append(separator, 0.0, TextFormat { font_id: small.clone(), color: style::MUTED, ..TextFormat::default() });
        job.append(text, 0.0, TextFormat { font_id: small.clone(), color, ..TextFormat::default() });
    };
    if let Some(ai) = record.interview.overall_rating() {
        add(&format!("AI {ai:.0}"), style::MUTED);
    }
    let panel = session.reviews.panel(id);
    if let Some(mine) = panel.iter().find(|r| r.mine).and_then(|r| r.review.decision()) {
        add(&format!("You: {}", mine.label()), decision_color(mine));
    }
    let others: Vec<Decision> = panel.iter().filter(|r| !r.mine).filter_map(|r| r.review.decision()).collect();
    if !others.is_empty() {
        let counts: Vec<String> = Decision::ALL
            .iter()
            .filter_map(|d| {
                let n = others.iter().filter(|o| *o == d).count();
                (n > 0).then(|| format!("{n} {}", d.key()))
            })
            .collect();
        let color = match others.first() {
            Some(first) if others.iter().all(|d| d == first) => decision_color(*first),
            _ => style::WARNING,
        };
        add(&format!("Panel: {}", counts.join(", ")), color);
    }
}

fn agents_seen(session: &Session) -> Vec<String> {
    let mut agents: Vec<String> = session.list.items().iter().filter_map(|r| r.interview.agent_id.clone()).collect();
    agents.sort();
    agents.dedup();
    agents
}

fn agent_label(session: &Session, id: &str) -> String {
    session.related.name(RelatedKind::Agent, id).unwrap_or_else(|| widgets::short_id(id))
}
