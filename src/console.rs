//! The command line's console on Windows. All `cfg` for consoles lives here.
//!
//! The Windows release exe is a GUI program (`windows_subsystem = "windows"` in `main.rs`), so
//! no console window flashes up when the app is started from Explorer or the Start menu. Such a
//! program gets no console from a terminal either: [`attach_parent_console`] attaches it to the
//! console of the terminal it was started from, so that `fetch`, `list`, `key`, `--help` and
//! error messages are seen. Elsewhere it does nothing.

/// Attaches standard input, output and error to the parent process's console when they are not
/// already redirected (to a file or pipe) and the parent has a console. Does nothing when the
/// app was started from Explorer, and nothing outside Windows.
pub fn attach_parent_console() {
    imp::attach_parent_console();
}

#[cfg(windows)]
#[expect(unsafe_code, reason = "three kernel32 calls; see the SAFETY notes")]
mod imp {
    use windows_sys::Win32::Foundation::{HANDLE, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::System::Console::{
        ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_ERROR_HANDLE, STD_INPUT_HANDLE, STD_OUTPUT_HANDLE,
        SetStdHandle,
    };

    pub(super) fn attach_parent_console() {
        let ids = [STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE];
        // SAFETY: GetStdHandle only reads this process's standard handle slots.
        let before = ids.map(|id| unsafe { GetStdHandle(id) });
        if before.iter().all(|&handle| is_set(handle)) {
            // Everything is redirected (a script, a pipe): there is nothing to attach.
            return;
        }
        // SAFETY: no pointers; fails harmlessly when the parent has no console (Explorer) or
        // this process already has one.
        if unsafe { AttachConsole(ATTACH_PARENT_PROCESS) } == 0 {
            return;
        }
        // Attaching points every standard handle at the console; a redirected one (`> out.json`,
        // `< key.txt`) must stay where the caller sent it.
        for (id, handle) in ids.into_iter().zip(before) {
            if is_set(handle) {
                // SAFETY: puts back the handle this process was started with.
                unsafe { SetStdHandle(id, handle) };
            }
        }
    }

    fn is_set(handle: HANDLE) -> bool {
        !handle.is_null() && handle != INVALID_HANDLE_VALUE
    }
}

#[cfg(not(windows))]
mod imp {
    /// Terminals hand their console to every program here.
    pub(super) fn attach_parent_console() {}
}
