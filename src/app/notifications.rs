//! Global and background results ("saved", "could not be written", "bulk export finished")
//! as a small stack: each stays until dismissed or, for good news, until it times out, so a
//! second message never hides the first. Errors tied to one control are shown next to it
//! instead.

use std::time::{Duration, Instant};

/// How long good news stays on screen.
pub const INFO_TIMEOUT: Duration = Duration::from_secs(6);

/// How serious a notification is; decides its colour and whether it times out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Good news or a hint; times out after [`INFO_TIMEOUT`].
    Info,
    /// Something the user should know that did not fail; stays until dismissed.
    Warning,
    /// Something failed; stays until dismissed.
    Error,
}

/// One message in the stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Identifies it for [`Notifications::dismiss`].
    pub id: u64,
    /// How serious it is.
    pub level: Level,
    /// The message, one or two sentences.
    pub text: String,
    /// When it goes by itself; `None` keeps it until dismissed.
    pub expires: Option<Instant>,
}

/// The stack of notifications, oldest first.
#[derive(Debug, Default)]
pub struct Notifications {
    items: Vec<Notification>,
    next_id: u64,
}

impl Notifications {
    /// Adds a message, or moves the same message (same level and text) to the top again
    /// rather than showing it twice. Returns its ID.
    pub fn push(&mut self, level: Level, text: impl Into<String>) -> u64 {
        let text = text.into();
        let expires = (level == Level::Info).then(|| Instant::now() + INFO_TIMEOUT);
        self.items.retain(|n| !(n.level == level && n.text == text));
        self.next_id += 1;
        let id = self.next_id;
        self.items.push(Notification { id, level, text, expires });
        id
    }

    /// Adds good news that times out.
    pub fn info(&mut self, text: impl Into<String>) -> u64 {
        self.push(Level::Info, text)
    }

    /// Adds a warning that stays until dismissed.
    pub fn warning(&mut self, text: impl Into<String>) -> u64 {
        self.push(Level::Warning, text)
    }

    /// Adds a failure that stays until dismissed.
    pub fn error(&mut self, text: impl Into<String>) -> u64 {
        self.push(Level::Error, text)
    }

    /// Removes the notification `id` (no-op when it is gone already).
    pub fn dismiss(&mut self, id: u64) {
        self.items.retain(|n| n.id != id);
    }

    /// Drops the notifications whose time is up at `now`; returns when the next one is due.
    pub fn expire(&mut self, now: Instant) -> Option<Instant> {
        self.items.retain(|n| n.expires.is_none_or(|at| at > now));
        self.items.iter().filter_map(|n| n.expires).min()
    }

    /// The notifications, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Notification> {
        self.items.iter()
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether some notification says exactly `text` (for tests and automation).
    pub fn contains(&self, text: &str) -> bool {
        self.items.iter().any(|n| n.text.contains(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_message_does_not_hide_the_first_and_a_repeat_is_not_doubled() {
        let mut stack = Notifications::default();
        let first = stack.error("Saved connections could not be written: disk full");
        stack.error("The background worker is not running");
        stack.error("Saved connections could not be written: disk full");
        let texts: Vec<&str> = stack.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(
            texts,
            ["The background worker is not running", "Saved connections could not be written: disk full"]
        );
        stack.dismiss(first);
        assert_eq!(stack.iter().count(), 2, "the repeat got a new ID; dismissing the old one is a no-op");
    }

    #[test]
    fn good_news_times_out_and_errors_stay() {
        let mut stack = Notifications::default();
        stack.info("Exported 12 interviews");
        stack.error("The PDF could not be written");
        let next = stack.expire(Instant::now());
        assert!(next.is_some(), "the info is due later");
        stack.expire(Instant::now() + INFO_TIMEOUT + Duration::from_millis(1));
        let levels: Vec<Level> = stack.iter().map(|n| n.level).collect();
        assert_eq!(levels, [Level::Error]);
    }
}
