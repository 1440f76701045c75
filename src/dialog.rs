//! The native file dialogs (rfd), behind a trait so tests never open a real one.
//!
//! rfd answers `None` both when the user cancels and when no dialog could be shown (on Linux
//! without an XDG file-chooser portal, e.g. under a bare window manager or on WSL, it gives
//! up within milliseconds). No person
//! cancels a dialog that fast, so an answer within [`NO_DIALOG_WITHIN`] counts as
//! [`DialogAnswer::Unavailable`] and the app offers a path field instead.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::worker::DialogFuture;

/// A `None` from rfd sooner than this means no dialog was shown.
pub const NO_DIALOG_WITHIN: Duration = Duration::from_millis(250);

/// What a file dialog answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogAnswer {
    /// The user chose this path.
    Chosen(PathBuf),
    /// The user closed the dialog without choosing.
    Cancelled,
    /// No dialog could be shown (no portal, no desktop session).
    Unavailable,
}

impl DialogAnswer {
    /// Applies `change` to a chosen path.
    #[must_use]
    pub fn map(self, change: impl FnOnce(PathBuf) -> PathBuf) -> Self {
        match self {
            Self::Chosen(path) => Self::Chosen(change(path)),
            other => other,
        }
    }
}

/// Opens file dialogs and returns their answers as futures that the worker awaits, so the UI
/// keeps repainting while a dialog is open (a dialog run on the UI loop makes the desktop
/// flag the app as not responding).
pub trait SaveDialog {
    /// Opens a "Save as" dialog now (on the UI thread, as macOS requires) with `default_name`
    /// suggested and `extension` as the filter, over the window `parent` when there is one.
    fn save_file(
        &self,
        title: &str,
        default_name: &str,
        extension: &str,
        parent: Option<&eframe::Frame>,
    ) -> DialogFuture;

    /// Opens a "Choose folder" dialog now, over the window `parent` when there is one.
    fn pick_folder(&self, title: &str, parent: Option<&eframe::Frame>) -> DialogFuture;
}

/// The platform's own dialogs through rfd (XDG portal on Linux).
pub struct NativeSaveDialog;

impl SaveDialog for NativeSaveDialog {
    fn save_file(
        &self,
        title: &str,
        default_name: &str,
        extension: &str,
        parent: Option<&eframe::Frame>,
    ) -> DialogFuture {
        let filter = extension.to_ascii_uppercase();
        let dialog = new_dialog(title, parent).set_file_name(default_name).add_filter(filter, &[extension]);
        let opened = Instant::now();
        let choice = dialog.save_file();
        Box::pin(async move { answer(choice.await.map(|handle| handle.path().to_path_buf()), opened) })
    }

    fn pick_folder(&self, title: &str, parent: Option<&eframe::Frame>) -> DialogFuture {
        let dialog = new_dialog(title, parent);
        let opened = Instant::now();
        let choice = dialog.pick_folder();
        Box::pin(async move { answer(choice.await.map(|handle| handle.path().to_path_buf()), opened) })
    }
}

/// A dialog titled `title`, over the window `parent` when there is one, starting in Downloads.
fn new_dialog(title: &str, parent: Option<&eframe::Frame>) -> rfd::AsyncFileDialog {
    let dialog = in_downloads(rfd::AsyncFileDialog::new()).set_title(title);
    match parent {
        Some(frame) => dialog.set_parent(frame),
        None => dialog,
    }
}

/// Starts `dialog` in the Downloads folder, when there is one.
fn in_downloads(dialog: rfd::AsyncFileDialog) -> rfd::AsyncFileDialog {
    match downloads_folder() {
        Some(folder) => dialog.set_directory(folder),
        None => dialog,
    }
}

/// Turns rfd's answer into a [`DialogAnswer`] (see the module docs for the timing rule).
fn answer(path: Option<PathBuf>, opened: Instant) -> DialogAnswer {
    match path {
        Some(path) => DialogAnswer::Chosen(path),
        None if opened.elapsed() < NO_DIALOG_WITHIN => {
            tracing::warn!("the file dialog answered at once: no file-chooser portal?");
            DialogAnswer::Unavailable
        }
        None => DialogAnswer::Cancelled,
    }
}

/// Dialogs that answer at once with a fixed path (`None`: the user cancelled), for tests.
pub struct FixedSaveDialog(pub Option<PathBuf>);

impl SaveDialog for FixedSaveDialog {
    fn save_file(&self, _title: &str, _name: &str, _extension: &str, parent: Option<&eframe::Frame>) -> DialogFuture {
        self.pick_folder("", parent)
    }

    fn pick_folder(&self, _title: &str, _parent: Option<&eframe::Frame>) -> DialogFuture {
        let answer = self.0.clone().map_or(DialogAnswer::Cancelled, DialogAnswer::Chosen);
        Box::pin(async move { answer })
    }
}

/// Dialogs that cannot be shown, like rfd without a file-chooser portal, for tests.
pub struct NoDialog;

impl SaveDialog for NoDialog {
    fn save_file(&self, _title: &str, _name: &str, _extension: &str, _parent: Option<&eframe::Frame>) -> DialogFuture {
        Box::pin(async { DialogAnswer::Unavailable })
    }

    fn pick_folder(&self, _title: &str, _parent: Option<&eframe::Frame>) -> DialogFuture {
        Box::pin(async { DialogAnswer::Unavailable })
    }
}

/// The user's Downloads folder, when it exists: where dialogs start. The OS names it (the
/// XDG user dirs on Linux, so a localised or moved folder is found; the known folder on
/// Windows and macOS); where it names none (Linux without `user-dirs.dirs`), `Downloads` in
/// the home folder is used if it is there.
pub fn downloads_folder() -> Option<PathBuf> {
    let dirs = directories::UserDirs::new()?;
    let downloads = dirs.download_dir().map_or_else(|| dirs.home_dir().join("Downloads"), Path::to_path_buf);
    downloads.is_dir().then_some(downloads)
}

/// Where the path field of the no-dialog fallback points first: Downloads, else the home
/// folder, else the current folder.
pub fn fallback_folder() -> PathBuf {
    downloads_folder().or_else(home_folder).unwrap_or_else(|| PathBuf::from("."))
}

/// The user's home folder, as the OS names it.
fn home_folder() -> Option<PathBuf> {
    directories::UserDirs::new().map(|dirs| dirs.home_dir().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_none_means_no_dialog_and_a_late_one_a_cancel() {
        assert_eq!(answer(None, Instant::now()), DialogAnswer::Unavailable);
        let long_ago = Instant::now().checked_sub(Duration::from_secs(2)).unwrap();
        assert_eq!(answer(None, long_ago), DialogAnswer::Cancelled);
        assert_eq!(answer(Some("/tmp/x".into()), Instant::now()), DialogAnswer::Chosen("/tmp/x".into()));
        assert_eq!(
            DialogAnswer::Chosen("/tmp/x".into()).map(crate::export::with_json_extension),
            DialogAnswer::Chosen("/tmp/x.json".into())
        );
    }
}
