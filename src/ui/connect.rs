//! The Connect screen: API key (masked), base URL, company ID, Test connection, Save.

use egui::RichText;

use super::widgets;
use crate::app::App;

/// Draws the Connect screen.
pub fn connect_ui(app: &mut App, ui: &mut egui::Ui) {
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        ui.set_max_width(560.0);
        ui.heading("Connect to Instaview");
        ui.add_space(4.0);
        ui.label("Interview Desk reads interviews with your company's Instaview API key.");
        ui.add_space(12.0);
    });
    ui.vertical_centered(|ui| {
        ui.set_max_width(560.0);
        egui::Frame::group(ui.style()).inner_margin(14).show(ui, |ui| form_ui(app, ui));
    });
}

fn form_ui(app: &mut App, ui: &mut egui::Ui) {
    let has_key = app.key.is_some();
    egui::Grid::new("connect_form").num_columns(2).spacing([12.0, 10.0]).show(ui, |ui| {
        let label = ui.label("API key");
        let hint = if has_key { "Leave empty to keep the key in use" } else { "sk_live_…" };
        ui.add(
            egui::TextEdit::singleline(&mut app.connect_form.key).password(true).hint_text(hint).desired_width(360.0),
        )
        .labelled_by(label.id);
        ui.end_row();

        let label = ui.label("Base URL");
        ui.add(egui::TextEdit::singleline(&mut app.connect_form.base_url).desired_width(360.0)).labelled_by(label.id);
        ui.end_row();

        let label = ui.label("Company ID");
        ui.add(
            egui::TextEdit::singleline(&mut app.connect_form.company_id)
                .hint_text("Only for ATS integration keys")
                .desired_width(360.0),
        )
        .labelled_by(label.id);
        ui.end_row();
    });
    ui.add_space(6.0);
    let store = if app.store_name.is_empty() { "the OS keyring".to_owned() } else { app.store_name.clone() };
    ui.label(RichText::new(format!("The key is stored only in {store}, never in a settings file.")).weak().small());
    ui.add_space(8.0);
    let busy = app.connect_form.busy.is_some();
    ui.horizontal(|ui| {
        if ui.add_enabled(!busy, egui::Button::new("Test connection")).clicked() {
            app.test_connection();
        }
        if ui.add_enabled(!busy, egui::Button::new("Save")).clicked() {
            app.save_connection();
        }
        if app.connect_form.offer_memory_only
            && ui
                .add_enabled(!busy, egui::Button::new("Use for this run only"))
                .on_hover_text("Keep the key in memory until the app closes; nothing is saved.")
                .clicked()
        {
            app.connect_with_form();
        }
        if app.key.is_some() && ui.button("Cancel").clicked() {
            app.screen = crate::app::Screen::Main;
        }
    });
    if let Some(busy) = app.connect_form.busy {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(busy);
        });
    }
    match &app.connect_form.outcome {
        Some(Ok(text)) => {
            ui.label(RichText::new(format!("✔ {text}")).color(super::style::GOOD));
        }
        Some(Err(text)) => {
            widgets::error_label(ui, text);
        }
        None => {}
    }
}
