//! The Connect screen: connection name, API key (masked), base URL, company ID, the key store
//! in use, Test connection, Save, and what to do when the keyring fails.

use egui::RichText;

use super::widgets;
use crate::app::{Command, DeleteConnection, KeyAction, KeyProblem, View};
use crate::credentials::{CredentialError, StoreInfo};

/// Draws the Connect screen.
pub fn connect_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        ui.set_max_width(560.0);
        ui.heading(if view.session.connect.new_profile { "New connection" } else { "Connect to Instaview" });
        ui.add_space(4.0);
        ui.label("Interview Desk reads interviews with your company's Instaview API key.");
        ui.add_space(12.0);
    });
    ui.vertical_centered(|ui| {
        ui.set_max_width(560.0);
        egui::Frame::group(ui.style()).inner_margin(14).show(ui, |ui| form_ui(view, ui));
    });
}

/// What went wrong with the key store and what the user can do next: two sentences, one pair
/// per [`CredentialError`] variant.
pub fn key_problem_text(problem: &KeyProblem, profile: &str, store: Option<&StoreInfo>) -> (String, String) {
    let done = match problem.action {
        KeyAction::Load => "read",
        KeyAction::Save => "saved",
        KeyAction::Delete => "removed",
    };
    let store = store.map_or("the OS keyring", |s| s.name.as_str());
    match &problem.error {
        CredentialError::Unavailable(_) => (
            format!("No OS keyring service was found, so the key for “{profile}” could not be {done}."),
            "Start or install a keyring (GNOME Keyring or KWallet on Linux) and click Retry, or use the key for this run only.".to_owned(),
        ),
        CredentialError::Locked(_) => (
            format!("The OS keyring is locked, so the key for “{profile}” could not be {done}."),
            "Unlock the keyring (for example in Passwords and Keys) and click Retry.".to_owned(),
        ),
        CredentialError::AccessDenied(_) => (
            format!("Access to the key for “{profile}” was denied by {store}."),
            "If you clicked Deny, click Retry and choose Allow; otherwise enter the key to use it for this run only."
                .to_owned(),
        ),
        CredentialError::TooLong { limit } => (
            format!(
                "This key is too long for {store} (at most {limit} bytes), so it was not saved; a previously saved key is unchanged."
            ),
            "Check that you pasted only the API key, or use it for this run only.".to_owned(),
        ),
        CredentialError::TimedOut(seconds) => (
            format!("The OS keyring did not answer within {seconds} s; it may be waiting for you to unlock it."),
            "Answer or unlock the keyring's prompt, then click Retry.".to_owned(),
        ),
        CredentialError::Other(_) => (
            format!("The OS keyring failed, so the key for “{profile}” could not be {done}."),
            "Click Retry, or use the key for this run only.".to_owned(),
        ),
    }
}

fn form_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    let session = view.session;
    let status = &session.connect;
    let fields = &mut view.edits.connect;
    let has_key = session.has_key && !status.new_profile;
    egui::Grid::new("connect_form").num_columns(2).spacing([12.0, 10.0]).show(ui, |ui| {
        let label = ui.label("Connection name");
        ui.add(egui::TextEdit::singleline(&mut fields.name).hint_text("e.g. Production, Staging").desired_width(360.0))
            .labelled_by(label.id);
        ui.end_row();

        let label = ui.label("API key");
        let hint = if has_key { "Leave empty to keep the key in use" } else { "sk_live_…" };
        ui.add(egui::TextEdit::singleline(&mut fields.key).password(true).hint_text(hint).desired_width(360.0))
            .labelled_by(label.id);
        ui.end_row();

        let label = ui.label("Base URL");
        ui.add(egui::TextEdit::singleline(&mut fields.base_url).desired_width(360.0)).labelled_by(label.id);
        ui.end_row();

        let label = ui.label("Company ID");
        ui.add(
            egui::TextEdit::singleline(&mut fields.company_id)
                .hint_text("Only for ATS integration keys")
                .desired_width(360.0),
        )
        .labelled_by(label.id);
        ui.end_row();
    });
    ui.add_space(6.0);
    store_ui(ui, session.store.as_ref());
    ui.add_space(8.0);
    let busy = status.is_busy();
    let mut command = None;
    ui.horizontal(|ui| {
        if ui.add_enabled(!busy, egui::Button::new("Test connection")).clicked() {
            command = Some(Command::TestConnection);
        }
        if ui.add_enabled(!busy, egui::Button::new("Save")).clicked() {
            command = Some(Command::SaveConnection);
        }
        if status.offer_memory_only
            && ui
                .add_enabled(!busy, egui::Button::new("Use for this run only"))
                .on_hover_text("Keep the key in memory until the app closes; nothing is saved.")
                .clicked()
        {
            command = Some(Command::ConnectThisRunOnly);
        }
        if session.has_key && session.active.is_some() && ui.button("Cancel").clicked() {
            command = Some(Command::CancelConnect);
        }
    });
    if let Some(command) = command {
        view.push(command);
    }
    if busy {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(status.doing);
        });
    }
    if let Some(info) = &status.info {
        ui.label(RichText::new(format!("ℹ {info}")).color(super::style::ACCENT));
    }
    if let Some(problem) = &status.key_problem {
        key_problem_ui(view, ui, problem, busy);
    }
    match status.outcome() {
        Some(Ok(text)) => {
            ui.label(RichText::new(format!("✔ {text}")).color(super::style::GOOD));
        }
        Some(Err(text)) => {
            widgets::error_label(ui, text);
        }
        None => {}
    }
}

/// "Key store: Secret Service", and a clear warning when keys there do not survive a restart.
fn store_ui(ui: &mut egui::Ui, store: Option<&StoreInfo>) {
    match store {
        Some(store) => {
            ui.label(RichText::new(format!("Key store: {}", store.name)).small());
            if store.persistent {
                ui.label(RichText::new("The key is stored only there, never in a settings file.").weak().small());
            } else {
                ui.label(
                    RichText::new(
                        "Keys kept in this store are lost when the computer restarts: you will be asked again. \
                         Start GNOME Keyring or KWallet to keep the key across restarts.",
                    )
                    .color(super::style::WARNING)
                    .small(),
                );
            }
        }
        None => {
            ui.label(
                RichText::new("The key is stored only in the OS keyring, never in a settings file.").weak().small(),
            );
        }
    }
}

/// The key store's failure, what to do next, and Retry.
fn key_problem_ui(view: &mut View<'_>, ui: &mut egui::Ui, problem: &KeyProblem, busy: bool) {
    let (what, next) = key_problem_text(problem, &view.session.profile, view.session.store.as_ref());
    let detail = match &problem.error {
        CredentialError::Unavailable(d)
        | CredentialError::Locked(d)
        | CredentialError::AccessDenied(d)
        | CredentialError::Other(d) => d.clone(),
        CredentialError::TooLong { .. } | CredentialError::TimedOut(_) => String::new(),
    };
    let response = widgets::error_label(ui, &what);
    if !detail.is_empty() {
        response.on_hover_text(detail);
    }
    ui.label(next);
    let retry_helps = !matches!(problem.error, CredentialError::TooLong { .. });
    if retry_helps && ui.add_enabled(!busy, egui::Button::new("Retry")).clicked() {
        view.push(Command::RetryKey);
    }
}

/// The "Delete connection…" window: the question, the keyring at work, then what was removed
/// or why nothing was.
pub fn delete_connection_ui(view: &mut View<'_>, ctx: &egui::Context) {
    let session = view.session;
    let Some(state) = &session.delete_connection else { return };
    let store = session.store.as_ref().map_or("the OS keyring", |s| s.name.as_str());
    let mut next = None;
    let modal = egui::Modal::new(egui::Id::unique("delete connection")).show(ctx, |ui| {
        ui.set_width(440.0);
        match state {
            DeleteConnection::Confirm(name) => {
                ui.heading(format!("Delete the connection “{name}”?"));
                ui.label(format!(
                    "Its API key is removed from {store}, and its base URL and company ID from the saved \
                     connections. Files you exported stay where they are."
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    let delete =
                        egui::Button::new(RichText::new("Delete").color(egui::Color32::WHITE)).fill(super::style::BAD);
                    if ui.add(delete).clicked() {
                        next = Some(Command::DeleteConnection(name.clone()));
                    }
                    if ui.button("Cancel").clicked() {
                        next = Some(Command::CloseDeleteConnection);
                    }
                });
            }
            DeleteConnection::Removing(name) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("Removing the key for “{name}” from {store}…"));
                });
            }
            DeleteConnection::Deleted { name, store } => {
                ui.label(format!("Deleted the connection “{name}”; no key of it is left in {store}."));
                ui.add_space(8.0);
                if ui.button("Close").clicked() {
                    next = Some(Command::CloseDeleteConnection);
                }
            }
            DeleteConnection::Failed { name, error } => {
                let problem = KeyProblem { action: KeyAction::Delete, error: error.clone() };
                let (what, hint) = key_problem_text(&problem, name, session.store.as_ref());
                widgets::error_label(ui, &what);
                ui.label(hint);
                ui.label(format!("The connection “{name}” is kept."));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Retry").clicked() {
                        next = Some(Command::DeleteConnection(name.clone()));
                    }
                    if ui.button("Cancel").clicked() {
                        next = Some(Command::CloseDeleteConnection);
                    }
                });
            }
        }
    });
    if modal.should_close() && !matches!(state, DeleteConnection::Removing(_)) && next.is_none() {
        next = Some(Command::CloseDeleteConnection);
    }
    if let Some(command) = next {
        view.push(command);
    }
}
