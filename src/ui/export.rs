//! The Export tab: what the document contains, a preview, Save as… through the native dialog
//! (or a path field when no dialog can be shown), Copy JSON, and the analysis PDF.

use std::path::PathBuf;

use egui::RichText;

use super::{style, widgets};
use crate::api::InterviewRecord;
use crate::app::session::ExportPreview;
use crate::app::{Command, ExportOutcome, Remote, View};
use crate::export::default_file_name;
use crate::worker::PdfOutcome;

/// Draws the Export tab.
pub fn export_ui(view: &mut View<'_>, ui: &mut egui::Ui, record: &InterviewRecord) {
    ui.label("The export is a JSON file with the interview exactly as the server sent it (every field, every number unchanged), plus where and when it was exported. The API key is never included.");
    ui.add_space(6.0);
    options_ui(view, ui);
    ui.add_space(4.0);
    let session = view.session;
    let in_progress = session.export.is_pending();
    ui.horizontal(|ui| {
        if ui.add_enabled(!in_progress, egui::Button::new("Save as…")).clicked() {
            view.push(Command::SaveInterview(None));
        }
        if ui.button("Copy JSON").on_hover_text("Copy the export document to the clipboard").clicked() {
            view.push(Command::CopyExportJson);
        }
        ui.label(RichText::new(format!("Suggested name: {}", default_file_name(&record.interview))).weak());
    });
    if session.copied_at.is_some_and(|at| at.elapsed().as_secs() < 4) {
        ui.label(RichText::new("✔ Copied to the clipboard").color(style::GOOD));
        ui.ctx().request_repaint_after(std::time::Duration::from_secs(1));
    }
    status_ui(view, ui);
    pdf_ui(view, ui);
    ui.separator();
    for_people_ui(view, ui, record);
    ui.separator();
    let hidden = record.interview.candidate_id.as_deref().is_some_and(|id| session.related.is_hidden(id));
    if hidden {
        ui.label(RichText::new("The preview is hidden by blind review until you decide (the document holds the candidate's name and e-mail).").weak());
        return;
    }
    match session.current.as_ref().and_then(|current| current.export_preview.as_ref()) {
        Some(preview) => preview_ui(ui, preview),
        None => {
            ui.spinner();
            view.push(Command::BuildExportPreview);
        }
    }
}

/// Files for people rather than scripts: the review report, the transcript and the
/// evaluation table of this interview.
fn for_people_ui(view: &mut View<'_>, ui: &mut egui::Ui, record: &InterviewRecord) {
    use crate::export::transcript_file::TranscriptFormat;
    let mut prefs = view.session.export_prefs;
    let hidden = record.interview.candidate_id.as_deref().is_some_and(|id| view.session.related.is_hidden(id));
    ui.label(RichText::new("For people").strong());
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Save report…")
            .on_hover_text("One HTML page for a hiring manager: the AI's assessment with charts, every reviewer's evaluation, pinned evidence and (if included above) the transcript. Opens in any browser and prints to PDF.")
            .clicked()
        {
            view.push(Command::SaveReport);
        }
        let mut anonymise = prefs.anonymise || hidden;
        let response = ui
            .add_enabled(!hidden, egui::Checkbox::new(&mut anonymise, "Anonymise"))
            .on_hover_text("The report shows the blind-review pseudonym instead of the candidate's name and e-mail")
            .on_disabled_hover_text("Blind review hides the candidate until you decide, so the report is anonymised");
        if response.changed() {
            prefs.anonymise = anonymise;
        }
    });
    ui.horizontal_wrapped(|ui| {
        if ui.button("Save transcript as…").clicked() {
            view.push(Command::SaveTranscript);
        }
        egui::ComboBox::from_id_salt("transcript_format")
            .selected_text(prefs.transcript_format.label())
            .show_ui(ui, |ui| {
                for format in TranscriptFormat::ALL {
                    ui.selectable_value(&mut prefs.transcript_format, format, format.label());
                }
            })
            .response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Transcript file format"));
    });
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Save table (XLSX)…")
            .on_hover_text("This interview as one row of the evaluation table, for Excel")
            .clicked()
        {
            view.push(Command::SaveInterviewTable { xlsx: true });
        }
        if ui
            .button("Save table (CSV)…")
            .on_hover_text("The same row as CSV (UTF-8 with a BOM, for Excel and ATS imports)")
            .clicked()
        {
            view.push(Command::SaveInterviewTable { xlsx: false });
        }
    });
    if prefs != view.session.export_prefs {
        view.push(Command::SetExportPrefs(prefs));
    }
}

/// The three choices of what the export holds; a change rebuilds the preview.
fn options_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    let mut prefs = view.session.export_prefs;
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut prefs.transcript, "Include the transcript");
        ui.checkbox(&mut prefs.names, "Include candidate, agent and job")
            .on_hover_text("The records looked up for their names, as the server sent them");
        ui.checkbox(&mut prefs.pdf_beside, "Also save the analysis PDF beside it")
            .on_hover_text("Saved as <name>-analysis.pdf in the same folder");
    });
    if prefs != view.session.export_prefs {
        view.push(Command::SetExportPrefs(prefs));
    }
}

fn status_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    match &view.session.export {
        Remote::Pending { .. } => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Waiting for the file dialog…");
            });
        }
        Remote::Ready(ExportOutcome::Saved(path, pdf)) => {
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
        Remote::Ready(ExportOutcome::Cancelled) => {
            ui.label(RichText::new("Export cancelled; nothing was written.").weak());
        }
        Remote::Ready(ExportOutcome::NoDialog) => {
            if let Some(path) = path_fallback_ui(ui, &mut view.edits.fallback_path, "Save here") {
                view.push(Command::SaveInterview(Some(path)));
            }
        }
        Remote::Failed { error, .. } => {
            widgets::error_label(ui, error);
        }
        Remote::NotRequested => {}
    }
}

/// For desktops without a file-chooser portal (a bare X server, some remote desktops): a
/// notice that no file dialog could be opened and a path field. Returns the path when the user
/// confirms.
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
pub fn pdf_ui(view: &mut View<'_>, ui: &mut egui::Ui) {
    let session = view.session;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!session.pdf.is_pending(), egui::Button::new("Save analysis PDF…"))
            .on_hover_text("Download the AI analysis report as a PDF")
            .clicked()
        {
            view.push(Command::SavePdf(None));
        }
        match &session.pdf {
            Remote::Pending { .. } => {
                ui.spinner();
                ui.label("Saving the PDF…");
            }
            Remote::Ready(PdfOutcome::Saved(path)) => {
                ui.label(RichText::new(format!("✔ Saved to {}", path.display())).color(style::GOOD));
            }
            Remote::Ready(PdfOutcome::Cancelled) => {
                ui.label(RichText::new("Cancelled; nothing was written.").weak());
            }
            Remote::Ready(PdfOutcome::NotAvailable) => {
                ui.label("No analysis PDF yet: the server has not generated one for this interview.");
            }
            Remote::Failed { error, .. } => {
                widgets::error_label(ui, error);
            }
            Remote::Ready(PdfOutcome::NoDialog) | Remote::NotRequested => {}
        }
    });
    if matches!(session.pdf, Remote::Ready(PdfOutcome::NoDialog))
        && let Some(path) = path_fallback_ui(ui, &mut view.edits.fallback_path, "Save PDF here")
    {
        view.push(Command::SavePdf(Some(path)));
    }
}

/// The document, one monospace row per line; only visible lines are laid out.
fn preview_ui(ui: &mut egui::Ui, preview: &ExportPreview) {
    let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
    egui::ScrollArea::both().id_salt("export_preview").auto_shrink([false, false]).show_rows(
        ui,
        row_height,
        preview.line_count(),
        |ui, rows| {
            for index in rows {
                ui.add(egui::Label::new(RichText::new(preview.line(index)).monospace()).extend());
            }
        },
    );
}
