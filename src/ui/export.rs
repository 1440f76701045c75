//! The Export tab: a preview of the export document and Save as… through the native dialog.

use egui::RichText;

use super::{style, widgets};
use crate::api::InterviewRecord;
use crate::app::{App, ExportStatus};
use crate::export::{default_file_name, export_document};
use crate::worker::PdfOutcome;

/// Draws the Export tab.
pub fn export_ui(app: &mut App, ui: &mut egui::Ui, record: &InterviewRecord, frame: &eframe::Frame) {
    ui.label("The export is a JSON file with the interview exactly as the server sent it (every field, every number unchanged), plus where and when it was exported. The API key is never included.");
    ui.add_space(6.0);
    let in_progress = matches!(app.export_status, Some(ExportStatus::InProgress));
    ui.horizontal(|ui| {
        if ui.add_enabled(!in_progress, egui::Button::new("Save as…")).clicked() {
            app.export_current(frame);
        }
        if ui.button("Copy JSON").on_hover_text("Copy the export document to the clipboard").clicked() {
            let related = app.related_records(record);
            let text = export_document(record, &app.export_source(), related.as_ref(), jiff::Timestamp::now());
            ui.ctx().copy_text(text);
        }
        ui.label(RichText::new(format!("Suggested name: {}", default_file_name(&record.interview))).weak());
    });
    match &app.export_status {
        Some(ExportStatus::InProgress) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Waiting for the file dialog…");
            });
        }
        Some(ExportStatus::Saved(path)) => {
            ui.label(RichText::new(format!("✔ Saved to {}", path.display())).color(style::GOOD));
        }
        Some(ExportStatus::Cancelled) => {
            ui.label(RichText::new("Export cancelled; nothing was written.").weak());
        }
        Some(ExportStatus::Failed(err)) => {
            widgets::error_label(ui, err);
        }
        None => {}
    }
    pdf_ui(app, ui, frame);
    ui.separator();
    let source = app.export_source();
    let related = app.related_records(record);
    let Some(current) = app.current.as_mut() else { return };
    let preview = current
        .export_preview
        .get_or_insert_with(|| export_document(record, &source, related.as_ref(), jiff::Timestamp::now()));
    preview_ui(ui, preview);
}

/// "Save analysis PDF…" and the outcome of the last save.
pub fn pdf_ui(app: &mut App, ui: &mut egui::Ui, frame: &eframe::Frame) {
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!app.pdf_busy, egui::Button::new("Save analysis PDF…"))
            .on_hover_text("Download the AI analysis report as a PDF")
            .clicked()
        {
            app.save_pdf(frame);
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
            None => {}
        }
    });
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
