//! The screens: top bar, recent list, Connect screen and one module per interview tab.

pub mod analysis;
pub mod bulk_export;
pub mod compare;
pub mod connect;
pub mod export;
pub mod metadata;
pub mod notifications;
pub mod player;
pub mod scorecard;
pub mod side_panel;
pub mod style;
pub mod transcript;
pub mod widgets;

use std::sync::Arc;

use egui::{Align, Layout, RichText};

use crate::api::InterviewRecord;
use crate::api::related::RelatedKind;
use crate::app::{Command, LiveRefresh, RelatedCache, Remote, Screen, Tab, View};

/// Draws the whole window for one frame: reads `view.session`, edits `view.edits` and pushes
/// what the user asked for onto `view.commands`.
pub fn app_ui(ui: &mut egui::Ui, view: &mut View<'_>) {
    egui::Panel::top("top_bar").show(ui, |ui| top_bar_ui(view, ui));
    if view.session.screen == Screen::Main {
        egui::Panel::bottom("status_bar").show(ui, |ui| status_bar_ui(view, ui));
        egui::Panel::left("side_panel")
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| side_panel::side_panel_ui(view, ui));
    }
    let reviewing = (view.session.screen == Screen::Main && !view.session.show_compare)
        .then(|| view.session.current_record())
        .flatten();
    let wide = ui.ctx().content_rect().width() >= crate::app::session::SCORECARD_MIN_WINDOW;
    let scorecard_shown = !view.edits.scorecard.hidden.unwrap_or(!wide);
    if let Some(record) = &reviewing
        && scorecard_shown
    {
        egui::Panel::right("scorecard")
            .resizable(true)
            .default_size(360.0)
            .show(ui, |ui| scorecard::scorecard_ui(view, ui, record));
    }
    let screen = view.session.screen.clone();
    egui::CentralPanel::default().show(ui, |ui| match screen {
        Screen::Starting => {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() / 3.0);
                ui.spinner();
                ui.label(if view.session.demo {
                    "Starting the demo server…"
                } else {
                    "Reading the saved key from the OS keyring…"
                });
            });
        }
        Screen::Connect => connect::connect_ui(view, ui),
        Screen::Main if view.session.show_compare => compare::compare_ui(view, ui),
        Screen::Main => interview_area_ui(view, ui),
    });
    bulk_export::bulk_window_ui(view, ui.ctx());
    connect::delete_connection_ui(view, ui.ctx());
    notifications::notifications_ui(view, ui.ctx());
    if view.session.screen == Screen::Main {
        scorecard::settings_window_ui(view, ui.ctx());
        scorecard::shortcuts_window_ui(view, ui.ctx());
        scorecard::shortcuts(view, ui.ctx(), reviewing.as_ref().map(|r| r.interview.id.as_str()));
        if !view.session.show_compare
            && let Some(request) = player::shortcuts(ui.ctx(), view.session.current_record().as_deref())
        {
            view.push(Command::Listen(request));
        }
    }
}

fn top_bar_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    // The right-hand group's width in the previous frame: the Open field gets what is left, and
    // the app's name gives way first, so nothing overlaps down to the smallest window (720 px).
    let right_id = ui.scope_id().with("top bar right");
    let right_width = ui.data(|d| d.get_temp::<f32>(right_id)).unwrap_or_default();
    ui.horizontal(|ui| {
        let spacing = ui.spacing().item_spacing.x;
        let demo = view.session.demo;
        let switcher = if demo { 0.0 } else { 260.0 };
        let open_group = 330.0; // "Open interview:", a short field and the Open button
        if ui.available_width() - right_width >= switcher + open_group + 150.0 {
            ui.add_space(2.0);
            ui.label(RichText::new("Interview Desk").strong().size(16.0));
            ui.separator();
        }
        if !demo {
            profile_switcher_ui(view, ui);
            ui.separator();
        }
        let screen = view.session.screen.clone();
        if screen == Screen::Main {
            let label = ui.label("Open interview:");
            let open_button = 48.0;
            let width = (ui.available_width() - right_width - open_button - 3.0 * spacing).clamp(100.0, 340.0);
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut view.edits.open_input)
                        .hint_text("Paste an interview ID or link")
                        .desired_width(width),
                )
                .labelled_by(label.id);
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Open").clicked() || entered {
                view.push(Command::OpenInterview(view.edits.open_input.clone()));
            }
        }
        let right = ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if demo && screen != Screen::Starting && ui.button("Connection…").clicked() {
                view.push(Command::EditConnection);
            }
            if screen == Screen::Main {
                let showing = view.session.show_compare;
                let text = format!("Compare ({})", view.session.compare.len());
                if ui.selectable_label(showing, text).on_hover_text("Interviews side by side").clicked() {
                    view.push(Command::ShowCompare(!showing));
                }
            }
            if let Some(active) = view.session.active.as_ref().filter(|_| demo) {
                let host = reqwest::Url::parse(&active.base_url)
                    .ok()
                    .and_then(|u| {
                        u.host_str().map(|h| match u.port() {
                            Some(p) => format!("{h}:{p}"),
                            None => h.to_owned(),
                        })
                    })
                    .unwrap_or_else(|| active.base_url.clone());
                ui.label(RichText::new(host).weak()).on_hover_text(format!("Connected to {}", active.base_url));
                widgets::badge(ui, "DEMO", style::ACCENT);
            }
            ui.min_rect().width()
        });
        if (right.inner - right_width).abs() > 0.5 {
            ui.data_mut(|d| d.insert_temp(right_id, right.inner));
            ui.ctx().request_discard("the top bar's right-hand group changed width");
        }
    });
    if let Some(error) = &view.session.open_error {
        widgets::error_label(ui, error);
    }
}

/// The "Connection" combo box: the saved connections and "New connection…".
fn profile_switcher_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    let session = view.session;
    let saved = session.saved_connection;
    let mut names: Vec<String> = session.settings.profiles.iter().map(|p| p.name.clone()).collect();
    if saved && !names.contains(&session.profile) {
        names.insert(0, session.profile.clone());
    }
    let current = match (session.one_off, saved) {
        (true, _) => "This run only",
        (false, true) => session.profile.as_str(),
        (false, false) => "No connection",
    };
    let mut picked = None;
    let mut action = None;
    let hover = session.active.as_ref().map_or_else(String::new, |a| format!("Connected to {}", a.base_url));
    // Tall enough for the actions under a few connections; a long name is cut short.
    let rows = names.len() + 5;
    let combo = egui::ComboBox::from_label("Connection")
        .selected_text(current)
        .width(150.0)
        .truncate()
        .height(rows as f32 * (ui.spacing().interact_size.y + 8.0));
    // The box keeps its width; a longer name is cut short (its full text is in the list).
    let response = ui
        .scope(|ui| {
            ui.set_max_width(240.0);
            combo.show_ui(ui, |ui| {
                for name in &names {
                    if ui.selectable_label(name == current, name).clicked() {
                        picked = Some(name.clone());
                    }
                }
                ui.separator();
                // A run with INSTAVIEW_API_KEY has nothing saved to edit, sign out of or delete; the
                // saved connection of the same name is another one.
                let saved = saved && !session.connect.is_busy();
                let items = [
                    (
                        ConnectionAction::Edit,
                        "Edit connection…",
                        "Change this connection's key, base URL or company ID",
                        saved,
                    ),
                    (ConnectionAction::New, "New connection…", "Add another API key or server", true),
                    (
                        ConnectionAction::SignOut,
                        "Sign out",
                        "Remove this connection's key from the OS keyring",
                        saved && session.screen == Screen::Main,
                    ),
                    (ConnectionAction::Delete, "Delete connection…", "Remove this connection and its key", saved),
                ];
                for (what, text, hover, enabled) in items {
                    let button = ui.add_enabled(enabled, egui::Button::selectable(false, text)).on_hover_text(hover);
                    let button = button.on_disabled_hover_text(if session.one_off {
                        "This run's key came from INSTAVIEW_API_KEY; nothing of it is saved."
                    } else if session.connect.is_busy() {
                        "Wait until the key store has answered."
                    } else {
                        "No connection is saved yet."
                    });
                    if button.clicked() {
                        action = Some(what);
                    }
                }
            })
        })
        .inner;
    if response.response.clicked() {
        // Connections added or deleted on the command line meanwhile show up in the list.
        view.push(Command::ReloadSettings);
    }
    if !hover.is_empty() {
        response.response.on_hover_text(hover);
    }
    let command = match action {
        Some(ConnectionAction::Edit) => Some(Command::EditConnection),
        Some(ConnectionAction::New) => Some(Command::NewConnection),
        Some(ConnectionAction::SignOut) => Some(Command::SignOut),
        Some(ConnectionAction::Delete) => Some(Command::AskDeleteConnection),
        None => picked.map(Command::SwitchConnection),
    };
    if let Some(command) = command {
        view.push(command);
    }
}

/// The actions under the connection list in the "Connection" combo box.
#[derive(Clone, Copy)]
enum ConnectionAction {
    Edit,
    New,
    SignOut,
    Delete,
}

/// Waits and retries on the left, the API quota on the right.
fn status_bar_ui(view: &View<'_>, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        if let Some((text, until)) = &view.session.notice {
            let left = until.saturating_duration_since(std::time::Instant::now());
            if !left.is_zero() {
                ui.spinner();
                let seconds = left.as_secs_f64().ceil();
                ui.label(RichText::new(format!("{text}, retrying in {seconds} s")).color(style::WARNING));
                ui.ctx().request_repaint_after(left.min(std::time::Duration::from_millis(500)));
            }
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if let Some(quota) = &view.session.quota {
                let part = |remaining: Option<u64>, limit: Option<u64>, window: &str| {
                    Some(format!("{}/{} per {window}", remaining?, limit?))
                };
                let parts: Vec<String> = [
                    part(quota.remaining_minute, quota.limit_minute, "minute"),
                    part(quota.remaining_hour, quota.limit_hour, "hour"),
                ]
                .into_iter()
                .flatten()
                .collect();
                if !parts.is_empty() {
                    ui.label(RichText::new(format!("API quota left: {}", parts.join(" · "))).weak().small())
                        .on_hover_text(
                            "From the server's X-RateLimit headers; the app paces itself to stay under them.",
                        );
                }
            }
        });
    });
}

fn interview_area_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    let session = view.session;
    let Some(current) = &session.current else {
        if let Some(id) = welcome_ui(ui, session.demo) {
            view.edits.open_input.clone_from(&id);
            view.push(Command::OpenInterview(id));
        }
        return;
    };
    match (&current.remote, current.remote.value()) {
        (Remote::NotRequested | Remote::Pending { .. } | Remote::Ready(_), None) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Loading interview {}…", current.id));
            });
        }
        (Remote::Failed { error, .. }, None) => {
            ui.add_space(8.0);
            ui.label(RichText::new(format!("Interview {}", current.id)).monospace());
            widgets::error_box(ui, &error.to_string(), error.hint());
            if ui.button("Retry").clicked() {
                view.push(Command::OpenInterview(current.id.clone()));
            }
        }
        (remote, Some(record)) => {
            let compared = session.is_compared(&record.interview.id);
            match header_ui(ui, record, &session.related, remote, &current.live, compared) {
                Some(HeaderAction::Refresh) => view.push(Command::RefreshInterview),
                Some(HeaderAction::ToggleCompare) => view.push(Command::ToggleCompare(record.clone())),
                None => {}
            }
            let wide = ui.ctx().content_rect().width() >= crate::app::session::SCORECARD_MIN_WINDOW;
            tab_bar_ui(ui, &mut view.edits.tab, &mut view.edits.scorecard.hidden, wide);
            ui.separator();
            match view.edits.tab {
                Tab::Metadata => {
                    if let Some(attempt) = metadata::metadata_ui(ui, record, &session.related) {
                        view.push(Command::SaveRecording { attempt });
                    }
                }
                Tab::Transcript => {
                    let interview = &record.interview;
                    let names = crate::app::transcript_view::SpeakerNames {
                        agent: interview
                            .agent_id
                            .as_deref()
                            .and_then(|id| session.related.name(RelatedKind::Agent, id)),
                        candidate: interview
                            .candidate_id
                            .as_deref()
                            .and_then(|id| session.related.name(RelatedKind::Candidate, id)),
                        hidden_words: interview
                            .candidate_id
                            .as_deref()
                            .map(|id| session.related.hidden_words(id))
                            .unwrap_or_default(),
                    };
                    view.edits.transcript.names = names;
                    let others = view.edits.transcript.other_speakers(&interview.transcript).to_vec();
                    let editable =
                        session.reviews.status.get(&interview.id).is_some_and(|s| !s.loading && s.read_only.is_none());
                    if let Some(draft) = view.edits.reviews.get_mut(&interview.id)
                        && !others.is_empty()
                        && transcript::speaker_roles_ui(ui, &others, draft, editable)
                    {
                        view.push(Command::ReviewEdited(interview.id.clone()));
                    }
                    // The transcript as the reviewer named its speakers.
                    let shown =
                        session.people_record.as_ref().filter(|r| r.interview.id == interview.id).unwrap_or(record);
                    let action = transcript::transcript_ui(ui, shown, &mut view.edits.transcript, &session.listening);
                    for request in action.player.listen {
                        view.push(Command::Listen(request));
                    }
                    if let Some(attempt) = action.player.save {
                        view.push(Command::SaveRecording { attempt });
                    }
                    if let Some(turn) = action.play_turn {
                        view.push(Command::Listen(crate::app::Listen::PlayTurn(turn)));
                    }
                    if let Some(search) = action.search {
                        view.push(Command::SearchTranscript(search));
                    }
                    if let Some(turn) = action.pin {
                        view.push(Command::PinEvidence(turn));
                    }
                }
                Tab::Analysis => {
                    if record.interview.analysis.is_some() {
                        export::pdf_ui(view, ui);
                    }
                    analysis::analysis_ui(ui, record);
                }
                Tab::Export => export::export_ui(view, ui, record),
            }
        }
    }
}

/// The empty state; in demo mode it also offers the demo's fault IDs. Returns an ID to open.
fn welcome_ui(ui: &mut egui::Ui, demo: bool) -> Option<String> {
    let mut open = None;
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() / 5.0);
        ui.heading("Open an interview");
        ui.add_space(6.0);
        ui.label("Pick one from the list on the left, or paste an interview ID or a link that contains one above.");
        if demo {
            ui.add_space(16.0);
            ui.label(
                RichText::new("Demo mode: sample interviews are served by a built-in server on this computer.").weak(),
            );
            ui.add_space(10.0);
            ui.label(RichText::new("See how the app copes with a misbehaving server:").strong());
            for (id, what) in crate::demo::faults::FAULT_IDS {
                if ui.link(format!("{what}  ·  {}", widgets::short_id(id))).on_hover_text(id).clicked() {
                    open = Some(id.to_owned());
                }
            }
        }
    });
    open
}

/// What the header's buttons ask for.
enum HeaderAction {
    /// Fetch the interview again.
    Refresh,
    /// Add it to, or remove it from, the comparison.
    ToggleCompare,
}

/// The interview's identity, status and rating, and its freshness.
fn header_ui(
    ui: &mut egui::Ui,
    record: &InterviewRecord,
    related: &RelatedCache,
    remote: &Remote<Arc<InterviewRecord>>,
    live: &LiveRefresh,
    compared: bool,
) -> Option<HeaderAction> {
    let mut action = None;
    let interview = &record.interview;
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        let candidate_id = interview.candidate_id.as_deref();
        let title = match candidate_id {
            Some(id) => related
                .name(RelatedKind::Candidate, id)
                .unwrap_or_else(|| format!("Candidate {}", widgets::short_id(id))),
            None => "Unknown candidate".to_owned(),
        };
        ui.label(RichText::new(title).size(20.0).strong())
            .on_hover_text(candidate_id.map(|id| format!("Candidate ID {id}")).unwrap_or_default());
        match &interview.status {
            Some(status) => widgets::status_badge(ui, status),
            None => widgets::badge(ui, "No status", style::MUTED),
        };
        if let Some(rating) = interview.overall_rating() {
            widgets::badge(ui, &format!("Rating {rating:.0} / 100"), style::rating_color(rating));
        }
        if matches!(interview.is_test, Some(crate::api::Field::Valid(true))) {
            widgets::badge(ui, "TEST", style::WARNING);
        }
    });
    // Until the lookups answer (or when they fail) the line shows short IDs, so it is there from
    // the first frame: the buttons below must not move under the pointer when the names arrive.
    let job = interview
        .job_id
        .as_deref()
        .map(|id| related.name(RelatedKind::Job, id).unwrap_or_else(|| format!("Job {}", widgets::short_id(id))));
    let agent = interview.agent_id.as_deref().map(|id| match related.name(RelatedKind::Agent, id) {
        Some(name) => match related.details(RelatedKind::Agent, id) {
            Some(details) => format!("{name} ({details})"),
            None => name,
        },
        None => format!("Agent {}", widgets::short_id(id)),
    });
    let context: Vec<String> = [job, agent].into_iter().flatten().collect();
    if !context.is_empty() {
        ui.label(RichText::new(context.join("  ·  ")).size(15.0));
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Interview").weak());
        ui.label(RichText::new(&interview.id).monospace());
        if ui.small_button("Copy ID").clicked() {
            ui.ctx().copy_text(interview.id.clone());
        }
        ui.separator();
        if freshness_ui(ui, remote, live) {
            action = Some(HeaderAction::Refresh);
        }
        let label = if compared { "Remove from comparison" } else { "Add to comparison" };
        if ui.small_button(label).clicked() {
            action = Some(HeaderAction::ToggleCompare);
        }
    });
    ui.add_space(4.0);
    action
}

/// "Live · updated 12 s ago" and a Refresh button; returns true when it was clicked.
fn freshness_ui(ui: &mut egui::Ui, remote: &Remote<Arc<InterviewRecord>>, live: &LiveRefresh) -> bool {
    if live.next_at.is_some() || remote.is_pending() {
        widgets::badge(ui, "LIVE", style::ACTIVE)
            .on_hover_text("This interview is scheduled or running, so it is refreshed automatically until it ends.");
    }
    if let Some(loaded) = live.loaded_at {
        let seconds = loaded.elapsed().as_secs();
        let ago = if seconds < 60 { format!("{seconds} s") } else { format!("{} min", seconds / 60) };
        ui.add(egui::Label::new(RichText::new(format!("updated {ago} ago")).weak()).extend());
        // Keep the age current without repainting more than once a second.
        ui.ctx().request_repaint_after(std::time::Duration::from_secs(1));
    }
    if let Some(err) = remote.error() {
        widgets::error_label(ui, &format!("Refresh failed: {err}")).on_hover_text(err.hint());
    }
    if remote.is_pending() {
        ui.spinner();
        false
    } else {
        ui.small_button("Refresh").on_hover_text("Fetch this interview again").clicked()
    }
}

fn tab_bar_ui(ui: &mut egui::Ui, tab: &mut Tab, scorecard_hidden: &mut Option<bool>, wide: bool) {
    ui.horizontal(|ui| {
        for candidate in Tab::ALL {
            let text = RichText::new(candidate.label()).size(15.0);
            if ui.selectable_label(*tab == candidate, text).clicked() {
                *tab = candidate;
            }
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            let shown = !scorecard_hidden.unwrap_or(!wide);
            let hint = if shown { "Hide your scorecard" } else { "Show your scorecard beside the tabs" };
            if ui.selectable_label(shown, RichText::new("Scorecard").size(15.0)).on_hover_text(hint).clicked() {
                *scorecard_hidden = Some(shown);
            }
        });
    });
}
