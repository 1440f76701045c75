//! The Export tab: what the document contains, a preview, Save as… through the native dialog
//! (or a path field when no dialog can be shown), Copy JSON, and the analysis PDF.

use std::path::PathBuf;

use egui::RichText;

use super::{style, widgets};
use crate::api::InterviewRecord;
use crate::app::{App, ExportStatus};
use crate::export::default_file_name;
use crate::worker::PdfOutcome;

/// Draws the Export tab.
pub fn export_ui(app: &mut App, ui: &mut egui::Ui, record: &InterviewRecord, frame: &eframe::Frame) {
    ui.label("The export is a JSON file with the interview exactly as the server sent it (every field, every number unchanged), plus where and when it was exported. The API key is never included.");
    ui.add_space(6.0);
    options_ui(app, ui);
    ui.add_space(4.0);
    let in_progress = matches!(app.export_status, Some(ExportStatus::InProgress));
    ui.horizontal(|ui| {
        if ui.add_enabled(!in_progress, egui::Button::new("Save as…")).clicked() {
            app.export_current(frame, None);
        }
        if ui.button("Copy JSON").on_hover_text("Copy the export document to the clipboard").clicked() {
            ui.ctx().copy_text(app.export_text(record));
            app.export_status = None;
            app.copied_at = Some(std::time::Instant::now());
        }
        ui.label(RichText::new(format!("Suggested name: {}", default_file_name(&record.interview))).weak());
    });
    if app.copied_at.is_some_and(|at| at.elapsed().as_secs() < 4) {
        ui.label(RichText::new("✔ Copied to the clipboard").color(style::GOOD));
        ui.ctx().request_repaint_after(std::time::Duration::from_secs(1));
    }
    status_ui(app, ui, frame);
    pdf_ui(app, ui, frame);
    ui.separator();
    let text = app.current.as_ref().and_then(|current| current.export_preview.clone());
    let preview = match text {
        Some(text) => text,
        None => {
            let text = app.export_text(record);
            if let Some(current) = app.current.as_mut() {
                current.export_preview = Some(text.clone());
            }
            text
        }
    };
    preview_ui(ui, &preview);
}

/// The three choices of what the export holds; a change rebuilds the preview.
fn options_ui(app: &mut App, ui: &mut egui::Ui) {
    let before = app.state.export;
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut app.state.export.transcript, "Include the transcript");
        ui.checkbox(&mut app.state.export.names, "Include candidate, agent and job")
            .on_hover_text("The records looked up for their names, as the server sent them");
        ui.checkbox(&mut app.state.export.pdf_beside, "Also save the analysis PDF beside it")
            .on_hover_text("Saved as <name>-analysis.pdf in the same folder");
    });
    if app.state.export != before
        && let Some(current) = app.current.as_mut()
    {
        current.export_preview = None;
    }
}

fn status_ui(app: &mut App, ui: &mut egui::Ui, frame: &eframe::Frame) {
    match app.export_status.clone() {
        Some(ExportStatus::InProgress) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Waiting for the file dialog…");
            });
        }
        Some(ExportStatus::Saved(path, pdf)) => {
            ui.label(RichText::new(format!("✔ Saved to {}", path.display())).color(style::GOOD));
            match pdf {
                Some(Ok(PdfOutcome::Saved(pdf))) => {
                    ui.label(RichText::new(format!("✔ Analysis PDF saved to {}", pdf.display())).color(style::GOOD));
                }
                Some(Ok(_)) => {
                    ui.label("No analysis PDF yet: the server has not generated one for this interview.");
                }
                Some(Err(err)) => {
                    widgets::error_label(ui, &format!("The analysis PDF was not saved: {err}"));
                }
                None => {}
            }
        }
        Some(ExportStatus::Cancelled) => {
            ui.label(RichText::new("Export cancelled; nothing was written.").weak());
        }
        Some(ExportStatus::NoDialog) => {
            if let Some(path) = path_fallback_ui(ui, &mut app.fallback_path, "Save here") {
                app.export_current(frame, Some(path));
            }
        }
        Some(ExportStatus::Failed(err)) => {
            widgets::error_label(ui, &err);
        }
        None => {}
    }
}

/// The B12 fallback: a notice that no file dialog could be opened and a path field. Returns
/// the path when the user confirms.
pub fn path_fallback_ui(ui: &mut egui::Ui, path: &mut String, button: &str) -> Option<PathBuf> {
    ui.label(
        RichText::new(
            "⚠ No file dialog could be opened (this desktop has no file-chooser portal). Type where to save instead:",
        )
        .color(style::WARNING),
    );
    let mut chosen = None;
    ui.horizontal(|ui| {
        let label = ui.label("Path");
        let response = ui.add(egui::TextEdit::singleline(path).desired_width(420.0)).labelled_by(label.id);
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button(button).clicked() || entered) && !path.trim().is_empty() {
            chosen = Some(PathBuf::from(path.trim()));
        }
    });
    chosen
}

/// "Save analysis PDF…" and the outcome of the last save.
pub fn pdf_ui(app: &mut App, ui: &mut egui::Ui, frame: &eframe::Frame) {
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!app.pdf_busy, egui::Button::new("Save analysis PDF…"))
            .on_hover_text("Download the AI analysis report as a PDF")
            .clicked()
        {
            app.save_pdf(frame, None);
        }
        match &app.pdf_status {
            _ if app.pdf_busy => {
                ui.spinner();
                ui.label("Saving the PDF…");
            }
            Some(Ok(PdfOutcome::Saved(path))) => {
                ui.label(RichText::new(format!("✔ Saved to {}", path.display())).color(style::GOOD));
            }
            Some(Ok(PdfOutcome::Cancelled)) => {
                ui.label(RichText::new("Cancelled; nothing was written.").weak());
            }
            Some(Ok(PdfOutcome::NotAvailable)) => {
                ui.label("No analysis PDF yet: the server has not generated one for this interview.");
            }
            Some(Err(err)) => {
                widgets::error_label(ui, err);
            }
            Some(Ok(PdfOutcome::NoDialog)) | None => {}
        }
    });
    if matches!(app.pdf_status, Some(Ok(PdfOutcome::NoDialog)))
        && !app.pdf_busy
        && let Some(path) = path_fallback_ui(ui, &mut app.fallback_path, "Save PDF here")
    {
        app.save_pdf(frame, Some(path));
    }
}

/// The document, one monospace row per line; only visible lines are laid out.
fn preview_ui(ui: &mut egui::Ui, text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
    egui::ScrollArea::both().id_salt("export_preview").auto_shrink([false, false]).show_rows(
        ui,
        row_height,
        lines.len(),
        |ui, rows| {
            for line in lines.get(rows).unwrap_or_default() {
                ui.add(egui::Label::new(RichText::new(*line).monospace()).extend());
            }
        },
    );
}
