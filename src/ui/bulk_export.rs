//! Bulk export in the GUI: the selection bar over the interview list, and the bulk export
//! window with progress, Cancel, the failures and Retry failed.

use egui::RichText;

use super::{style, widgets};
use crate::api::InterviewRecord;
use crate::app::{Command, View};

/// The bar above the list: "Select" to show check boxes, then All loaded / None / Export.
pub fn selection_bar_ui(view: &mut View<'_>, ui: &mut egui::Ui, visible: &[std::sync::Arc<InterviewRecord>]) {
    let running = view.session.bulk_job.as_ref().is_some_and(|job| job.finished.is_none());
    let selection = &mut view.edits.bulk;
    let mut export = false;
    let mut table = false;
    ui.horizontal_wrapped(|ui| {
        if !selection.selecting {
            if ui.button("Select…").on_hover_text("Pick interviews to export into a folder").clicked() {
                selection.selecting = true;
            }
            return;
        }
        let shown = visible.len();
        if ui.button(format!("All shown ({shown})")).on_hover_text("Pick every interview the list shows").clicked() {
            selection.select_all(visible.iter().map(|r| r.interview.id.as_str()));
        }
        if ui.button("None").clicked() {
            selection.selected.clear();
        }
        let count = selection.selected.len();
        if ui
            .add_enabled(count > 0 && !running, egui::Button::new(format!("Export {count}…")))
            .on_hover_text("Export the picked interviews into a folder, with manifest.json")
            .clicked()
        {
            export = true;
        }
        if ui
            .add_enabled(count > 0, egui::Button::new("Table (XLSX)…"))
            .on_hover_text("Save one spreadsheet row per picked interview: candidate, AI rating and scores, your review and the panel's")
            .clicked()
        {
            table = true;
        }
        if ui.button("Done").on_hover_text("Hide the check boxes").clicked() {
            selection.selecting = false;
        }
    });
    if export {
        view.push(Command::ExportSelected);
    }
    if table {
        view.push(Command::ExportSelectedTable);
    }
}

/// The bulk export window while a run is going or has finished.
pub fn bulk_window_ui(view: &mut View<'_>, ctx: &egui::Context) {
    let Some(job) = view.session.bulk_job.as_ref() else { return };
    let folder_input = &mut view.edits.bulk_folder;
    let mut open = true;
    let mut retry = false;
    let mut close = false;
    let mut cancel = false;
    let mut folder_chosen = None;
    let mut choose_again = false;
    let running = job.finished.is_none() && !job.no_dialog;
    egui::Window::new("Bulk export")
        .collapsible(false)
        .resizable(true)
        .default_width(460.0)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .open(&mut open)
        .show(ctx, |ui| {
            if job.no_dialog {
                folder_chosen = super::export::path_fallback_ui(ui, folder_input, "Export here");
                return;
            }
            match &job.folder {
                Some(folder) => ui.label(format!("Folder: {}", folder.display())),
                None => ui.label("Choose a folder in the dialog…"),
            };
            let progress = &job.progress;
            let text = format!("{} of {}", progress.done(), progress.total);
            ui.add(egui::ProgressBar::new(progress.fraction()).text(text).animate(running));
            let mut details = vec![format!("{} written", progress.written)];
            if progress.unchanged > 0 {
                details.push(format!("{} unchanged (skipped)", progress.unchanged));
            }
            if progress.failed > 0 {
                details.push(format!("{} failed", progress.failed));
            }
            if let Some(rate) = progress.per_minute() {
                details.push(format!("{rate:.0} per minute"));
            }
            if running && let Some(left) = progress.time_left() {
                details.push(format!("about {} left", widgets::minutes_seconds(left.as_secs_f64())));
            }
            ui.label(details.join(" · "));
            if running {
                if ui.button("Cancel").on_hover_text("Stop now; files already written stay complete").clicked() {
                    cancel = true;
                }
                return;
            }
            match &job.finished {
                Some(Ok(report)) => {
                    if let Some(err) = &report.stopped_by {
                        widgets::error_label(ui, &format!("Stopped: {}", err.with_hint()));
                    } else if report.cancelled {
                        ui.label(RichText::new("Cancelled. The files written so far are complete and listed in manifest.json; export again to finish.").color(style::WARNING));
                    } else if report.failures.is_empty() {
                        ui.label(RichText::new("✔ Done. manifest.json lists every file with its SHA-256.").color(style::GOOD));
                    }
                    if !report.failures.is_empty() {
                        ui.label(RichText::new(format!("{} interview(s) failed:", report.failures.len())).strong());
                        egui::ScrollArea::vertical().max_height(180.0).show(ui, |ui| {
                            for failure in &report.failures {
                                ui.label(RichText::new(&failure.id).monospace().small());
                                widgets::error_label(ui, &failure.error.to_string());
                            }
                        });
                        retry = ui.button("Retry failed").clicked();
                    }
                }
                Some(Err(message)) => {
                    widgets::error_label(ui, message);
                    choose_again = ui.button("Choose another folder…").clicked();
                }
                None => {}
            }
            close = ui.button("Close").clicked();
        });
    if running {
        ctx.request_repaint_after(std::time::Duration::from_millis(500));
    }
    let command = if cancel || (!open && running) {
        Some(Command::CancelBulkExport)
    } else if folder_chosen.is_some() || choose_again {
        Some(Command::RestartBulkExport(folder_chosen))
    } else if retry {
        Some(Command::RetryFailedBulk)
    } else if close || !open {
        Some(Command::CloseBulkExport)
    } else {
        None
    };
    if let Some(command) = command {
        view.push(command);
    }
}
