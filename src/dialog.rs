//! The native "Save as" dialog (rfd), behind a trait so tests never open a real one.

use std::path::PathBuf;

use crate::worker::DialogFuture;

/// Opens a save dialog and returns its answer as a future that the worker awaits, so the UI
/// keeps repainting while the dialog is open.
pub trait SaveDialog {
    /// Opens the dialog now (on the UI thread, as macOS requires) with `default_name`
    /// suggested. The future yields the chosen path, or `None` when the user cancelled.
    fn save_file(&self, default_name: &str, frame: &eframe::Frame) -> DialogFuture;
}

/// The platform's own dialog through rfd (XDG portal on Linux).
pub struct NativeSaveDialog;

impl SaveDialog for NativeSaveDialog {
    fn save_file(&self, default_name: &str, frame: &eframe::Frame) -> DialogFuture {
        let dialog = rfd::AsyncFileDialog::new()
            .set_title("Export interview")
            .set_file_name(default_name)
            .add_filter("JSON", &["json"])
            .set_parent(frame);
        let dialog = match downloads_folder() {
            Some(folder) => dialog.set_directory(folder),
            None => dialog,
        };
        let choice = dialog.save_file();
        Box::pin(async move { choice.await.map(|handle| handle.path().to_path_buf()) })
    }
}

/// A dialog that answers at once with a fixed path (or a cancel), for tests.
pub struct FixedSaveDialog(pub Option<PathBuf>);

impl SaveDialog for FixedSaveDialog {
    fn save_file(&self, _default_name: &str, _frame: &eframe::Frame) -> DialogFuture {
        let choice = self.0.clone();
        Box::pin(async move { choice })
    }
}

fn downloads_folder() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    let downloads = PathBuf::from(home).join("Downloads");
    downloads.is_dir().then_some(downloads)
}
