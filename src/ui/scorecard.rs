//! The scorecard: the reviewer's own evaluation beside the interview's tabs (decision, overall
//! rating, criteria, verdicts on the AI's points, evidence, notes), the panel's reviews, the
//! review queue, the keyboard shortcuts and Settings → Review.
//!
//! The draft is edited in place in `Edits::reviews`; every change pushes
//! [`Command::ReviewEdited`] and the app autosaves it.

use egui::{Color32, RichText};

use super::{style, widgets};
use crate::api::InterviewRecord;
use crate::app::{Command, QueueKind, ReviewStatus, View};
use crate::review::{
    AiPointKind, Decision, MAX_RATING, Review, ReviewSettings, Stamped, Verdict, disagreements, parse_criteria,
};

/// The notes field's ID (the N shortcut focuses it).
fn notes_id() -> egui::Id {
    egui::Id::unique("review_notes")
}

/// The colour of a decision's badge and button.
pub fn decision_color(decision: Decision) -> Color32 {
    match decision {
        Decision::Advance => style::GOOD,
        Decision::Hold => style::WARNING,
        Decision::Reject => style::BAD,
    }
}

/// A small coloured badge for a decision (the list and the panel).
pub fn decision_badge(ui: &mut egui::Ui, decision: Decision, who: &str) -> egui::Response {
    widgets::badge(ui, decision.label(), decision_color(decision)).on_hover_text(format!("{who}: {}", decision.label()))
}

/// Draws the scorecard panel for the open interview.
pub fn scorecard_ui(view: &mut View<'_>, ui: &mut egui::Ui, record: &InterviewRecord) {
    let id = record.interview.id.clone();
    let session = view.session;
    let desk = &session.reviews;
    ui.horizontal(|ui| {
        ui.heading("Your review");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("⚙").on_hover_text("Review settings: your name, the review folder, the criteria").clicked() {
                view.edits.scorecard.settings = Some(settings_fields(&desk.settings, record));
            }
            if ui.button("?").on_hover_text("Keyboard shortcuts").clicked() {
                view.edits.scorecard.show_shortcuts = true;
            }
        });
    });
    ui.label(RichText::new(format!("as {}", desk.reviewer)).weak());
    queue_bar_ui(view, ui);
    let session = view.session;
    let desk = &session.reviews;
    let status = desk.status.get(&id);
    if let Some(status) = status {
        save_state_ui(ui, status);
        if let Some(error) = &status.load_error {
            widgets::error_label(ui, error);
            ui.horizontal(|ui| {
                if ui.button("Try again").clicked() {
                    view.push(Command::ReloadReview);
                }
                if status.damaged
                    && ui.button("Start a new review").on_hover_text("The damaged file is kept beside it").clicked()
                {
                    view.push(Command::StartReviewOver);
                }
            });
            return;
        }
        if let Some(theirs) = &status.conflict {
            conflict_ui(view, ui, &id, theirs);
        }
    }
    for copy in view.session.reviews.my_copies(&id) {
        let path = copy.path.clone();
        ui.group(|ui| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            ui.label(RichText::new(format!("A sync conflict copy of your review: {name}")).color(style::WARNING));
            ui.label(summary(&copy.review));
            ui.horizontal(|ui| {
                if ui.button("Use the copy").clicked() {
                    view.push(Command::ResolveReviewCopy { path: path.clone(), use_copy: true });
                }
                if ui.button("Keep mine").on_hover_text("Delete the copy").clicked() {
                    view.push(Command::ResolveReviewCopy { path: path.clone(), use_copy: false });
                }
            });
        });
    }
    let loading = status.is_none_or(|s| s.loading);
    let read_only = status.and_then(|s| s.read_only.clone());
    let Some(draft) = view.edits.reviews.get_mut(&id).filter(|_| !loading) else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Loading your review…");
        });
        return;
    };
    if let Some(why) = &read_only {
        ui.label(RichText::new(why).color(style::WARNING));
    }
    if crate::review::analysis_changed(draft, &record.interview) {
        ui.label(
            RichText::new("⚠ The AI's analysis changed since you started this review; check your verdicts.")
                .color(style::WARNING),
        );
    }
    let mut changed = false;
    ui.add_enabled_ui(read_only.is_none(), |ui| {
        egui::ScrollArea::vertical().id_salt("scorecard_scroll").auto_shrink([false, false]).show(ui, |ui| {
            changed |= decision_ui(ui, draft, record);
            ui.separator();
            panel_ui(ui, view.session, record, draft);
            ui.separator();
            changed |= criteria_ui(ui, draft);
            ui.separator();
            changed |= ai_points_ui(ui, draft, record);
            ui.separator();
            let (edited, jump) = evidence_ui(ui, draft);
            changed |= edited;
            if let Some(turn) = jump {
                view.commands.push(Command::JumpToTurn(turn));
            }
            ui.separator();
            ui.label(RichText::new("Notes").strong());
            let focus = std::mem::take(&mut view.edits.scorecard.focus_notes);
            let notes = ui.add(
                egui::TextEdit::multiline(&mut draft.notes)
                    .id(notes_id())
                    .hint_text("Your notes on this candidate (saved as you type)")
                    .desired_rows(5)
                    .desired_width(f32::INFINITY),
            );
            notes.widget_info(|| egui::WidgetInfo::labeled(egui::Role::MultilineTextInput, true, "Review notes"));
            if focus {
                notes.request_focus();
            }
            if notes.changed() {
                draft.notes_at = Some(jiff::Timestamp::now());
                changed = true;
            }
        });
    });
    if changed {
        view.commands.push(Command::ReviewEdited(id));
    }
}

/// "Saved 10:42", "Saving…", "Not saved: …, retrying".
fn save_state_ui(ui: &mut egui::Ui, status: &ReviewStatus) {
    if let Some(error) = &status.save_error {
        ui.label(RichText::new(format!("⚠ {error}")).color(style::BAD));
    } else if status.is_saving() {
        ui.label(RichText::new("Saving…").weak());
    } else if status.is_dirty() {
        ui.label(RichText::new("Unsaved changes (saved in a moment)").weak());
    } else if let Some(at) = status.saved_at {
        let local = at.to_zoned(jiff::tz::TimeZone::system()).strftime("%H:%M:%S").to_string();
        ui.label(RichText::new(format!("✔ Saved {local}")).color(style::GOOD).small());
    }
}

fn summary(review: &Review) -> String {
    let decision = review.decision().map_or("undecided", Decision::label);
    let rating = review.rating().map_or_else(|| "no rating".to_owned(), |n| format!("{n}/{MAX_RATING}"));
    let notes = review.notes.lines().next().unwrap_or_default();
    let local = review.updated_at.to_zoned(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d %H:%M");
    format!("{decision}, {rating}, changed {local}. {notes}")
}

fn conflict_ui(view: &mut View<'_>, ui: &mut egui::Ui, id: &str, theirs: &Review) {
    ui.group(|ui| {
        ui.label(RichText::new("Your review was changed elsewhere (another computer?)").color(style::WARNING).strong());
        ui.label(format!("On disk: {}", summary(theirs)));
        if let Some(mine) = view.edits.reviews.get(id) {
            ui.label(format!("Here: {}", summary(mine)));
        }
        ui.horizontal(|ui| {
            if ui.button("Keep mine").clicked() {
                view.push(Command::ResolveReviewConflict { interview_id: id.to_owned(), keep_mine: true });
            }
            if ui.button("Use the one on disk").clicked() {
                view.push(Command::ResolveReviewConflict { interview_id: id.to_owned(), keep_mine: false });
            }
        });
    });
}

/// Five buttons 1–5 named `"{name} {n}"`; a click on the chosen one clears it. Returns the new
/// value when it changed.
fn rating_buttons(ui: &mut egui::Ui, name: &str, value: Option<u8>) -> Option<Option<u8>> {
    let mut result = None;
    // Ids of their own: a row above that gains or loses a widget must not shift them (egui
    // matches a click to the widget that had the id in the previous frame).
    ui.push_id(("rating", name), |ui| {
        ui.horizontal(|ui| {
            for n in 1..=MAX_RATING {
                let selected = value == Some(n);
                let filled = value.is_some_and(|v| n <= v);
                let star = if filled { RichText::new("★").color(style::WARNING) } else { RichText::new("☆") };
                let button = ui.add(egui::Button::selectable(selected, star.size(16.0)));
                let label = format!("{name} {n}");
                button.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, label.clone()));
                if button.on_hover_text(format!("{n} of {MAX_RATING}")).clicked() {
                    result = Some(if selected { None } else { Some(n) });
                }
            }
            match value {
                Some(v) => ui.label(format!("{v}/{MAX_RATING}")),
                None => ui.label(RichText::new("unrated").weak()),
            };
        })
    });
    result
}

fn decision_ui(ui: &mut egui::Ui, draft: &mut Review, record: &InterviewRecord) -> bool {
    let mut changed = false;
    ui.label(RichText::new("Decision").strong());
    ui.push_id("decision", |ui| {
        ui.horizontal(|ui| {
            let current = draft.decision();
            for decision in Decision::ALL {
                let selected = current == Some(decision);
                let mut text = RichText::new(decision.label());
                if selected {
                    text = text.color(decision_color(decision)).strong();
                }
                let button = ui.add(egui::Button::selectable(selected, text));
                let label = format!("Decision {}", decision.label());
                button.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, label.clone()));
                if button.clicked() {
                    draft.decision =
                        if selected { None } else { Some(Stamped { value: decision, at: jiff::Timestamp::now() }) };
                    changed = true;
                }
            }
            if current.is_none() {
                ui.label(RichText::new("undecided").weak());
            }
        })
    });
    ui.horizontal(|ui| {
        ui.label("Overall");
        if let Some(value) = rating_buttons(ui, "Overall rating", draft.rating()) {
            draft.rating = value.map(|value| Stamped { value, at: jiff::Timestamp::now() });
            changed = true;
        }
    });
    if let Some(ai) = record.interview.overall_rating() {
        ui.label(RichText::new(format!("The AI rated {ai:.0}/100")).weak());
    }
    changed
}

fn criteria_ui(ui: &mut egui::Ui, draft: &mut Review) -> bool {
    let mut changed = false;
    ui.label(RichText::new("Criteria").strong());
    for criterion in &mut draft.criteria {
        ui.push_id(("criterion", criterion.name.clone()), |ui| {
            ui.label(&criterion.name);
            if let Some(value) = rating_buttons(ui, &format!("{} rating", criterion.name), criterion.rating) {
                criterion.rating = value;
                criterion.at = Some(jiff::Timestamp::now());
                changed = true;
            }
            let comment = ui.add(
                egui::TextEdit::singleline(&mut criterion.comment)
                    .hint_text("Comment (optional)")
                    .desired_width(f32::INFINITY),
            );
            let name = format!("{} comment", criterion.name);
            comment.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, name.clone()));
            if comment.changed() {
                criterion.at = Some(jiff::Timestamp::now());
                changed = true;
            }
        });
    }
    changed
}

fn ai_points_ui(ui: &mut egui::Ui, draft: &mut Review, record: &InterviewRecord) -> bool {
    let mut changed = false;
    if draft.ai_points.is_empty() {
        ui.label(RichText::new("The AI's analysis has no points to check yet.").weak());
        return false;
    }
    let disagreed = draft.ai_points.iter().filter(|p| p.verdict == Some(Verdict::Disagree)).count();
    let title = format!(
        "The AI's points ({} of {} checked, {disagreed} disagreed)",
        draft.ai_points.iter().filter(|p| p.verdict.is_some()).count(),
        draft.ai_points.len()
    );
    egui::CollapsingHeader::new(RichText::new(title).strong()).id_salt("ai_points").default_open(true).show(ui, |ui| {
        let mut last_kind: Option<AiPointKind> = None;
        for (index, point) in draft.ai_points.iter_mut().enumerate() {
            ui.push_id(("ai_point", index), |ui| {
                if last_kind != Some(point.kind) {
                    ui.label(RichText::new(point.kind.heading()).small().weak());
                    last_kind = Some(point.kind);
                }
                let stale = !crate::review::point_in_analysis(point, &record.interview);
                ui.horizontal_wrapped(|ui| {
                    let mut text = RichText::new(&point.text);
                    if point.verdict == Some(Verdict::Disagree) {
                        text = text.color(style::BAD);
                    }
                    ui.label(text);
                    if stale {
                        ui.label(RichText::new("(no longer in the analysis)").weak().small());
                    }
                });
                ui.horizontal(|ui| {
                    for (verdict, label) in [(Verdict::Agree, "Agree"), (Verdict::Disagree, "Disagree")] {
                        let selected = point.verdict == Some(verdict);
                        let button = ui.add(egui::Button::selectable(selected, label).small());
                        let name = format!("{label} with AI point {}", index + 1);
                        button.widget_info(|| {
                            egui::WidgetInfo::selected(egui::Role::Button, true, selected, name.clone())
                        });
                        if button.on_hover_text(&point.text).clicked() {
                            point.verdict = if selected { None } else { Some(verdict) };
                            point.at = Some(jiff::Timestamp::now());
                            changed = true;
                        }
                    }
                    if point.verdict.is_some() || !point.reason.is_empty() {
                        let reason = ui.add(
                            egui::TextEdit::singleline(&mut point.reason)
                                .hint_text("Why (optional)")
                                .desired_width(ui.available_width()),
                        );
                        let name = format!("Reason for AI point {}", index + 1);
                        reason.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, name.clone()));
                        if reason.changed() {
                            point.at = Some(jiff::Timestamp::now());
                            changed = true;
                        }
                    }
                });
            });
        }
    });
    changed
}

/// The pinned turns. Returns whether they changed and a turn to show.
fn evidence_ui(ui: &mut egui::Ui, draft: &mut Review) -> (bool, Option<usize>) {
    let mut changed = false;
    let mut jump = None;
    ui.label(RichText::new(format!("Evidence ({})", draft.evidence.len())).strong());
    if draft.evidence.is_empty() {
        ui.label(RichText::new("Right-click a turn in the transcript and choose Pin as evidence.").weak());
        return (false, None);
    }
    let criteria: Vec<String> = draft.criteria.iter().map(|c| c.name.clone()).collect();
    let mut remove = None;
    for (index, evidence) in draft.evidence.iter_mut().enumerate() {
        ui.push_id(("evidence", index), |ui| {
            ui.group(|ui| {
                let time =
                    evidence.start_seconds.map(widgets::minutes_seconds).map(|t| format!(" · {t}")).unwrap_or_default();
                ui.label(RichText::new(format!("{}{time}", evidence.speaker)).small().strong());
                let quote: String = evidence.quote.chars().take(240).collect();
                let more = if quote.len() < evidence.quote.len() { "…" } else { "" };
                ui.label(RichText::new(format!("“{quote}{more}”")).italics());
                ui.horizontal(|ui| {
                    if ui.small_button("Go to").on_hover_text("Show this turn in the transcript").clicked() {
                        jump = Some(evidence.turn);
                    }
                    let selected = evidence.criterion.clone().unwrap_or_else(|| "No criterion".to_owned());
                    let shown = egui::ComboBox::from_id_salt(("evidence_criterion", index))
                        .selected_text(selected)
                        .show_ui(ui, |ui| {
                            changed |= ui.selectable_value(&mut evidence.criterion, None, "No criterion").changed();
                            for name in &criteria {
                                changed |=
                                    ui.selectable_value(&mut evidence.criterion, Some(name.clone()), name).changed();
                            }
                        });
                    let name = format!("Criterion of evidence {}", index + 1);
                    shown.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, name.clone()));
                    if ui.small_button("Remove").clicked() {
                        remove = Some(index);
                    }
                });
                let note = ui.add(
                    egui::TextEdit::singleline(&mut evidence.note)
                        .hint_text("Note (optional)")
                        .desired_width(f32::INFINITY),
                );
                let name = format!("Evidence note {}", index + 1);
                note.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, name.clone()));
                if note.changed() {
                    evidence.at = jiff::Timestamp::now();
                    changed = true;
                }
            })
        });
    }
    if let Some(index) = remove {
        draft.evidence.remove(index);
        changed = true;
    }
    (changed, jump)
}

/// Every reviewer's decision and rating beside the AI's (this reviewer's as in `mine`, the
/// draft), and where they disagree.
fn panel_ui(ui: &mut egui::Ui, session: &crate::app::Session, record: &InterviewRecord, mine: &Review) {
    let desk = &session.reviews;
    let mut panel: Vec<crate::review::ScannedReview> =
        desk.panel(&record.interview.id).into_iter().filter(|r| !r.mine).cloned().collect();
    let others = panel.len();
    panel.insert(0, crate::review::ScannedReview { path: std::path::PathBuf::new(), mine: true, review: mine.clone() });
    ui.label(
        RichText::new(format!("Panel ({} other reviewer{})", others, if others == 1 { "" } else { "s" })).strong(),
    );
    let ai = record.interview.overall_rating();
    egui::Grid::new("panel_grid").num_columns(3).striped(true).show(ui, |ui| {
        ui.label("AI");
        ui.label(RichText::new("—").weak());
        ui.label(ai.map_or_else(|| "no rating".to_owned(), |ai| format!("{ai:.0}/100")));
        ui.end_row();
        for entry in &panel {
            let review = &entry.review;
            let who = if entry.mine { format!("{} (you)", review.reviewer) } else { review.reviewer.clone() };
            ui.label(&who);
            match review.decision() {
                Some(decision) => {
                    decision_badge(ui, decision, &who);
                }
                None => {
                    ui.label(RichText::new("undecided").weak());
                }
            }
            ui.label(review.rating().map_or_else(|| "—".to_owned(), |n| format!("{n}/{MAX_RATING}")));
            ui.end_row();
        }
    });
    let reviews: Vec<&Review> = panel.iter().map(|r| &r.review).collect();
    for text in disagreements(ai, &reviews) {
        ui.label(RichText::new(format!("⚠ {text}")).color(style::WARNING));
    }
    for entry in panel.iter().filter(|r| !r.mine && !r.review.notes.trim().is_empty()) {
        let first: String = entry.review.notes.lines().next().unwrap_or_default().chars().take(120).collect();
        ui.label(RichText::new(format!("{}: {first}", entry.review.reviewer)).small())
            .on_hover_text(&entry.review.notes);
    }
    if let Some(error) = &desk.scan.folder_error {
        ui.label(RichText::new(format!("⚠ {error}")).color(style::WARNING).small());
    }
    if !desk.scan.problems.is_empty() {
        let lines: Vec<String> = desk.scan.problems.iter().map(ToString::to_string).collect();
        ui.label(
            RichText::new(format!("⚠ {} file(s) in the review folder could not be used", lines.len()))
                .color(style::WARNING)
                .small(),
        )
        .on_hover_text(lines.join("\n"));
    }
}

/// The queue's progress and buttons, or the choice to start one.
fn queue_bar_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    let desk = &view.session.reviews;
    match &desk.queue {
        Some(queue) => {
            let reviewed = desk.decided_count(&queue.ids);
            ui.group(|ui| {
                ui.label(format!(
                    "Queue: {} of {} · {reviewed} of {} reviewed",
                    queue.position + 1,
                    queue.ids.len(),
                    queue.ids.len()
                ));
                ui.horizontal(|ui| {
                    if ui.button("◀ Previous").on_hover_text("K").clicked() {
                        view.commands.push(Command::StepQueue(false));
                    }
                    if ui.button("Next ▶").on_hover_text("J").clicked() {
                        view.commands.push(Command::StepQueue(true));
                    }
                    if ui.button("Leave queue").clicked() {
                        view.commands.push(Command::StopQueue);
                    }
                });
            });
        }
        None => {
            ui.horizontal(|ui| {
                let kind = view.edits.scorecard.queue_kind.get_or_insert(QueueKind::CompletedUndecided);
                let combo = egui::ComboBox::from_id_salt("queue_kind").selected_text(kind.label()).width(200.0);
                let shown = combo.show_ui(ui, |ui| {
                    for choice in [QueueKind::CompletedUndecided, QueueKind::CurrentList] {
                        ui.selectable_value(kind, choice, choice.label());
                    }
                });
                shown.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Review queue"));
                let kind = *kind;
                if ui.button("Start queue").on_hover_text("Walk these interviews one at a time").clicked() {
                    view.commands.push(Command::StartQueue(kind));
                }
            });
        }
    }
}

/// The fields of the Review settings window for `settings`, with `record`'s agent.
fn settings_fields(settings: &ReviewSettings, record: &InterviewRecord) -> crate::app::session::ReviewSettingsFields {
    let agent = record.interview.agent_id.clone();
    crate::app::session::ReviewSettingsFields {
        reviewer: settings.reviewer.clone().unwrap_or_default(),
        folder: settings.folder.as_ref().map(|f| f.display().to_string()).unwrap_or_default(),
        criteria: settings.criteria_for(None).join("\n"),
        agent_criteria: agent
            .as_deref()
            .and_then(|a| settings.agent_criteria.get(a))
            .map(|list| list.join("\n"))
            .unwrap_or_default(),
        agent,
        blind: settings.blind,
    }
}

/// The Review settings window, while open.
pub fn settings_window_ui(view: &mut View<'_>, ctx: &egui::Context) {
    let Some(fields) = view.edits.scorecard.settings.as_mut() else { return };
    let current = view.session.reviews.settings.clone();
    let folder_in_use = view.session.reviews.folder.as_ref().map(|f| f.root.display().to_string());
    let mut open = true;
    let mut save = None;
    let mut clear_cache = false;
    egui::Window::new("Review settings").open(&mut open).collapsible(false).show(ctx, |ui| {
        egui::Grid::new("review_settings").num_columns(2).show(ui, |ui| {
            let label = ui.label("Your name");
            ui.add(egui::TextEdit::singleline(&mut fields.reviewer).hint_text(crate::review::store::os_user_name()))
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Review folder");
            ui.add(
                egui::TextEdit::singleline(&mut fields.folder)
                    .hint_text(folder_in_use.clone().unwrap_or_default())
                    .desired_width(360.0),
            )
            .labelled_by(label.id)
            .on_hover_text("A shared or synced folder (OneDrive, Dropbox, a network drive) lets a hiring panel see each other's reviews");
            ui.end_row();
        });
        if let Some(folder) = &folder_in_use {
            ui.label(RichText::new(format!("In use: {folder}")).small().weak());
        }
        ui.label("Default criteria, one per line");
        let label = ui.label(RichText::new("Default criteria").small());
        ui.add(egui::TextEdit::multiline(&mut fields.criteria).desired_rows(4)).labelled_by(label.id);
        if let Some(agent) = &fields.agent {
            let label = ui.label(format!("Criteria for this agent ({}), one per line; empty: the defaults", widgets::short_id(agent)));
            ui.add(egui::TextEdit::multiline(&mut fields.agent_criteria).desired_rows(3)).labelled_by(label.id);
        }
        ui.checkbox(&mut fields.blind, "Blind review: hide candidates' names and e-mails until I decide");
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                let mut settings = current.clone();
                let reviewer = fields.reviewer.trim();
                settings.reviewer = (!reviewer.is_empty()).then(|| reviewer.to_owned());
                let folder = fields.folder.trim();
                settings.folder = (!folder.is_empty()).then(|| std::path::PathBuf::from(folder));
                let criteria = parse_criteria(&fields.criteria);
                let defaults: Vec<String> = crate::review::DEFAULT_CRITERIA.map(str::to_owned).to_vec();
                settings.criteria = (criteria != defaults && !criteria.is_empty()).then_some(criteria);
                if let Some(agent) = &fields.agent {
                    let list = parse_criteria(&fields.agent_criteria);
                    if list.is_empty() {
                        settings.agent_criteria.remove(agent);
                    } else {
                        settings.agent_criteria.insert(agent.clone(), list);
                    }
                }
                settings.blind = fields.blind;
                save = Some(settings);
            }
        });
        ui.separator();
        ui.horizontal(|ui| {
            ui.label("Call recordings are kept after downloading (at most 2 GiB, least recently used removed first).");
            if ui.button("Clear cached recordings").clicked() {
                clear_cache = true;
            }
        });
    });
    if clear_cache {
        view.push(Command::ClearRecordingCache);
    }
    if let Some(settings) = save {
        view.push(Command::SetReviewSettings(settings));
    } else if !open {
        view.edits.scorecard.settings = None;
    }
}

/// Every shortcut of the review workflow, as this OS spells the modifier.
fn shortcut_lines(ctx: &egui::Context) -> Vec<(String, &'static str)> {
    let find = ctx.format_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::F));
    vec![
        ("J or ↓".to_owned(), "Next interview (queue or list)"),
        ("K or ↑".to_owned(), "Previous interview"),
        ("1 – 5".to_owned(), "Overall rating"),
        ("A / H / R".to_owned(), "Decision: Advance, Hold, Reject"),
        ("N".to_owned(), "Write notes"),
        (find, "Search the transcript"),
        ("Space".to_owned(), "Play or pause the call recording"),
        ("← / →".to_owned(), "Recording back or forward 5 seconds"),
        ("Esc".to_owned(), "Leave a text field (then shortcuts work again)"),
        ("?".to_owned(), "Show or hide this list"),
    ]
}

/// The shortcut overlay, while shown.
pub fn shortcuts_window_ui(view: &mut View<'_>, ctx: &egui::Context) {
    if !view.edits.scorecard.show_shortcuts {
        return;
    }
    let mut open = true;
    egui::Window::new("Keyboard shortcuts").open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
        egui::Grid::new("shortcuts_grid").num_columns(2).striped(true).show(ui, |ui| {
            for (keys, what) in shortcut_lines(ctx) {
                ui.label(RichText::new(keys).monospace().strong());
                ui.label(what);
                ui.end_row();
            }
        });
        ui.label(RichText::new("Shortcuts do nothing while a text field has the keyboard.").weak().small());
    });
    if !open {
        view.edits.scorecard.show_shortcuts = false;
    }
}

/// The review workflow's single-key shortcuts, for the open interview `id`. They never fire
/// while a text field has the keyboard focus.
pub fn shortcuts(view: &mut View<'_>, ctx: &egui::Context, id: Option<&str>) {
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    let nothing_focused = ctx.memory(|m| m.focused().is_none());
    let (next, previous, rating, decision, notes, help, find) = ctx.input(|i| {
        let plain = i.modifiers.is_none() || i.modifiers == egui::Modifiers::SHIFT;
        let key = |k: egui::Key| plain && i.key_pressed(k);
        let next = key(egui::Key::J) || (nothing_focused && key(egui::Key::ArrowDown));
        let previous = key(egui::Key::K) || (nothing_focused && key(egui::Key::ArrowUp));
        let digits = [egui::Key::Num1, egui::Key::Num2, egui::Key::Num3, egui::Key::Num4, egui::Key::Num5];
        let rating = digits.iter().position(|k| key(*k)).map(|n| n as u8 + 1);
        let decision =
            [(egui::Key::A, Decision::Advance), (egui::Key::H, Decision::Hold), (egui::Key::R, Decision::Reject)]
                .into_iter()
                .find(|(k, _)| key(*k))
                .map(|(_, d)| d);
        let help = i.events.iter().any(|e| matches!(e, egui::Event::Text(t) if t == "?"))
            || i.key_pressed(egui::Key::Questionmark);
        let find = i.modifiers.command && i.key_pressed(egui::Key::F);
        (next, previous, rating, decision, key(egui::Key::N), help, find)
    });
    if help {
        view.edits.scorecard.show_shortcuts = !view.edits.scorecard.show_shortcuts;
    }
    if next || previous {
        view.push(Command::StepQueue(next));
    }
    if find && view.edits.tab != crate::app::Tab::Transcript {
        view.edits.tab = crate::app::Tab::Transcript;
        view.edits.transcript.focus_search = true;
    }
    let Some(id) = id else { return };
    let editable = view.session.reviews.status.get(id).is_some_and(|s| !s.loading && s.read_only.is_none());
    let Some(draft) = view.edits.reviews.get_mut(id).filter(|_| editable) else { return };
    let now = jiff::Timestamp::now();
    let mut changed = false;
    if let Some(value) = rating {
        draft.rating = Some(Stamped { value, at: now });
        changed = true;
    }
    if let Some(value) = decision {
        draft.decision = Some(Stamped { value, at: now });
        changed = true;
    }
    if notes {
        view.edits.scorecard.focus_notes = true;
        view.edits.scorecard.hidden = Some(false);
    }
    if changed {
        view.push(Command::ReviewEdited(id.to_owned()));
    }
}
