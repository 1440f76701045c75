//! The Transcript tab: speaker turns drawn only where visible, with search and highlights.

use std::ops::Range;

use egui::{Color32, Key, KeyboardShortcut, Modifiers, RichText, TextFormat, vec2};

use super::style;
use crate::api::InterviewRecord;
use crate::api::transcript::{Speaker, Transcript, Turn, format_offset};
use crate::search::{Prepared, Query, SearchOptions, highlighted_job};

/// Width of the speaker column, in points.
const SPEAKER_WIDTH: f32 = 120.0;
/// Vertical space between turns, in points.
const ROW_GAP: f32 = 10.0;

/// Focuses the transcript search: Cmd+F on macOS, Ctrl+F elsewhere.
pub const FIND: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
/// Next match (besides Enter in the search field and F3): Cmd+G on macOS, Ctrl+G elsewhere.
pub const FIND_NEXT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::G);
/// Previous match (besides Shift+Enter and Shift+F3): Shift+Cmd+G on macOS, Ctrl+Shift+G
/// elsewhere.
pub const FIND_PREVIOUS: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::G);

/// One search hit: the row's position and the byte range in its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Position of the row among the rows shown (after the speaker filter).
    pub row: usize,
    /// Byte range in the turn's text (on char boundaries).
    pub range: Range<usize>,
}

/// Which speakers' turns are shown (and searched).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SpeakerFilter {
    /// Every turn.
    #[default]
    All,
    /// Only the agent's turns.
    Agent,
    /// Only the candidate's turns.
    Candidate,
}

impl SpeakerFilter {
    /// Every choice, in menu order.
    pub const ALL: [Self; 3] = [Self::All, Self::Agent, Self::Candidate];

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All speakers",
            Self::Agent => "Agent only",
            Self::Candidate => "Candidate only",
        }
    }

    fn admits(self, speaker: &Speaker) -> bool {
        match self {
            Self::All => true,
            Self::Agent => *speaker == Speaker::Agent,
            Self::Candidate => *speaker == Speaker::Candidate,
        }
    }
}

/// Names to show for the two sides, when known (from the candidate and agent records).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpeakerNames {
    /// The agent (interview template) name, shown on hover.
    pub agent: Option<String>,
    /// The candidate's name, shown instead of "Candidate".
    pub candidate: Option<String>,
}

/// Search, filter and scroll state of the Transcript tab (kept per open interview).
#[derive(Default)]
pub struct TranscriptView {
    /// The search box's text.
    pub query: String,
    /// Case and whole-word toggles.
    pub options: SearchOptions,
    /// Which speakers are shown.
    pub speakers: SpeakerFilter,
    /// Names for the speaker column; set by the app.
    pub names: SpeakerNames,
    /// Every match among the shown rows, in transcript order.
    pub matches: Vec<Match>,
    /// Index into `matches` of the highlighted current match.
    pub current: usize,
    searched: Option<(String, SearchOptions, SpeakerFilter)>,
    /// Every turn's text folded once for case-insensitive search (by turn index); built at
    /// the first such search.
    prepared: Vec<Prepared>,
    keep_current: Option<usize>,
    scroll_to_current: bool,
    rows: Rows,
}

/// The shown rows and their heights. Heights start as estimates and are replaced by measured
/// ones a time-boxed batch per frame (and for every row drawn), so opening a 20,000-turn
/// transcript never lays out every turn in one frame.
#[derive(Default)]
struct Rows {
    /// Turn index of each shown row (for an unstructured transcript: `[0]`).
    turns: Vec<usize>,
    /// What `turns` was built from: the filter and the transcript's turn count.
    key: Option<(SpeakerFilter, usize)>,
    /// Text width the heights are for.
    width: f32,
    /// Height of each row including the gap below it.
    heights: Vec<f32>,
    /// Rows `0..measured` have measured heights; the rest are estimates.
    measured: usize,
    /// `offsets[i]` is the top of row `i`; the last entry is the total height.
    offsets: Vec<f32>,
}

impl TranscriptView {
    /// Forgets the search results and row layout (the transcript changed) but keeps the
    /// query, the options and the current match position where possible.
    pub fn invalidate(&mut self) {
        let current = self.current;
        self.searched = None;
        self.rows = Rows::default();
        self.prepared.clear();
        self.keep_current = Some(current);
    }

    /// Forgets the last search results so the next [`Self::update_matches`] searches again,
    /// as a keystroke does; the prepared (folded) turns and the row layout are kept.
    pub fn forget_search(&mut self) {
        self.searched = None;
    }

    /// Re-runs the search when the query, options or speaker filter changed since the last run.
    pub fn update_matches(&mut self, transcript: &Transcript) {
        self.update_rows(transcript);
        let key = (self.query.clone(), self.options, self.speakers);
        if self.searched.as_ref() == Some(&key) {
            return;
        }
        let query = Query::new(&self.query, self.options);
        self.matches.clear();
        if !query.is_empty() {
            let turn_count = transcript.turn_count().max(1);
            if self.prepared.len() != turn_count && !self.options.case_sensitive {
                self.prepared = (0..turn_count).map(|turn| Prepared::new(turn_text(transcript, turn))).collect();
            }
            for (row, &turn) in self.rows.turns.iter().enumerate() {
                let text = turn_text(transcript, turn);
                let found = match self.prepared.get(turn) {
                    Some(prepared) => query.find_in_prepared(text, prepared),
                    None => query.find_in(text),
                };
                self.matches.extend(found.into_iter().map(|range| Match { row, range }));
            }
        }
        match self.keep_current.take() {
            Some(kept) => self.current = kept.min(self.matches.len().saturating_sub(1)),
            None => {
                self.current = 0;
                self.scroll_to_current = !self.matches.is_empty();
            }
        }
        self.searched = Some(key);
    }

    /// Rebuilds the list of shown rows when the filter or the transcript changed.
    fn update_rows(&mut self, transcript: &Transcript) {
        let key = (self.speakers, transcript.turn_count());
        if self.rows.key == Some(key) {
            return;
        }
        let turns = match transcript {
            Transcript::Turns(turns) => {
                turns.iter().enumerate().filter(|(_, t)| self.speakers.admits(&t.speaker)).map(|(i, _)| i).collect()
            }
            Transcript::Unstructured(_) => vec![0],
            Transcript::Missing => Vec::new(),
        };
        self.rows = Rows { turns, key: Some(key), ..Rows::default() };
        self.searched = None;
    }

    /// Moves to the next (`forward`) or previous match, wrapping around, and scrolls to it.
    pub fn step(&mut self, forward: bool) {
        let count = self.matches.len();
        if count == 0 {
            return;
        }
        self.current = if forward { (self.current + 1) % count } else { (self.current + count - 1) % count };
        self.scroll_to_current = true;
    }

    /// "3 of 12", "No matches", or empty when there is no query.
    pub fn count_text(&self) -> String {
        if self.query.is_empty() {
            String::new()
        } else if self.matches.is_empty() {
            "No matches".to_owned()
        } else {
            format!("{} of {}", self.current + 1, self.matches.len())
        }
    }

    /// The turn index of the current match, if any (for tests and automation).
    pub fn current_turn(&self) -> Option<usize> {
        self.matches.get(self.current).and_then(|m| self.rows.turns.get(m.row)).copied()
    }
}

/// Draws the Transcript tab.
pub fn transcript_ui(ui: &mut egui::Ui, record: &InterviewRecord, view: &mut TranscriptView) {
    let transcript = &record.interview.transcript;
    if *transcript == Transcript::Missing {
        ui.add_space(8.0);
        ui.label("This interview has no transcript yet.");
        ui.label(RichText::new("Transcripts appear once an interview has been completed and processed.").weak());
        return;
    }
    search_bar_ui(ui, view, transcript);
    if let Transcript::Unstructured(_) = transcript {
        ui.label(
            RichText::new("The transcript has a shape Interview Desk does not recognise; it is shown as sent.").weak(),
        );
    }
    ui.separator();
    view.update_matches(transcript);
    rows_ui(ui, view, transcript);
}

fn search_bar_ui(ui: &mut egui::Ui, view: &mut TranscriptView, transcript: &Transcript) {
    let search_id = egui::Id::unique("transcript_search");
    // Shift+Cmd+G first: consuming Cmd+G would also match it (shift is not checked exactly).
    let (focus_search, previous, next) = ui.input_mut(|i| {
        let previous = i.consume_shortcut(&FIND_PREVIOUS);
        (i.consume_shortcut(&FIND), previous, i.consume_shortcut(&FIND_NEXT))
    });
    let hints = ShortcutHints::new(ui.ctx());
    ui.horizontal(|ui| {
        let label = ui.label("Search transcript");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut view.query)
                    .id(search_id)
                    .hint_text("Find words in the transcript")
                    .desired_width(240.0),
            )
            .labelled_by(label.id)
            .on_hover_text(&hints.find);
        if focus_search {
            response.request_focus();
        }
        if response.has_focus() && ui.input(|i| i.key_pressed(Key::Escape)) {
            view.query.clear();
        }
        if response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            let backward = ui.input(|i| i.modifiers.shift);
            view.update_matches(transcript);
            view.step(!backward);
            response.request_focus();
        }
        if ui.input(|i| i.key_pressed(Key::F3)) || previous || next {
            let backward = previous || ui.input(|i| i.key_pressed(Key::F3) && i.modifiers.shift);
            view.update_matches(transcript);
            view.step(!backward);
        }
        let has_matches = !view.matches.is_empty();
        if ui.add_enabled(has_matches, egui::Button::new("Previous")).on_hover_text(&hints.previous).clicked() {
            view.step(false);
        }
        if ui.add_enabled(has_matches, egui::Button::new("Next")).on_hover_text(&hints.next).clicked() {
            view.step(true);
        }
        ui.label(view.count_text());
    });
    // The options go on a second row so the search row never pushes the turns off screen.
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("Speakers").selected_text(view.speakers.label()).show_ui(ui, |ui| {
            for filter in SpeakerFilter::ALL {
                ui.selectable_value(&mut view.speakers, filter, filter.label());
            }
        });
        ui.checkbox(&mut view.options.case_sensitive, "Match case");
        ui.checkbox(&mut view.options.whole_word, "Whole words");
        if ui.button("Copy transcript").on_hover_text("Copy the whole transcript as plain text").clicked() {
            ui.ctx().copy_text(transcript.plain_text());
        }
    });
}

/// Tooltips naming the search shortcuts as this OS spells them (Cmd or ⌘ on macOS, Ctrl
/// elsewhere).
#[derive(Debug)]
pub struct ShortcutHints {
    /// For the search field.
    pub find: String,
    /// For the Next button.
    pub next: String,
    /// For the Previous button.
    pub previous: String,
}

impl ShortcutHints {
    /// The hints for the OS `ctx` runs on ([`egui::Context::os`]).
    pub fn new(ctx: &egui::Context) -> Self {
        let shift_f3 = KeyboardShortcut::new(Modifiers::SHIFT, Key::F3);
        Self {
            find: format!("Search the transcript ({})", ctx.format_shortcut(&FIND)),
            next: format!("Next match (Enter, F3 or {})", ctx.format_shortcut(&FIND_NEXT)),
            previous: format!(
                "Previous match (Shift+Enter, {} or {})",
                ctx.format_shortcut(&shift_f3),
                ctx.format_shortcut(&FIND_PREVIOUS)
            ),
        }
    }
}

fn rows_ui(ui: &mut egui::Ui, view: &mut TranscriptView, transcript: &Transcript) {
    let text_width = (ui.available_width() - SPEAKER_WIDTH - 24.0).max(120.0);
    let formats = Formats::new(ui);
    let speaker_height = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 4.0;
    // Before jumping to a match, every row above it gets its exact height, so the jump lands on
    // the match (estimated heights above it would shift it).
    let target_row = view.scroll_to_current.then(|| view.matches.get(view.current).map(|m| m.row)).flatten();
    measure_rows(ui, &mut view.rows, transcript, text_width, speaker_height, &formats, target_row);
    let mut scroll_area = egui::ScrollArea::vertical().id_salt("transcript_rows").auto_shrink([false, false]);
    if view.scroll_to_current {
        view.scroll_to_current = false;
        if let Some(top) = view.matches.get(view.current).and_then(|m| view.rows.offsets.get(m.row)) {
            scroll_area = scroll_area.vertical_scroll_offset((top - ui.available_height() * 0.3).max(0.0));
        }
    }
    let turns = match transcript {
        Transcript::Turns(turns) => turns.as_slice(),
        _ => &[],
    };
    let mut drawn = Vec::new();
    scroll_area.show_viewport(ui, |ui, viewport| {
        let offsets = &view.rows.offsets;
        ui.set_height(offsets.last().copied().unwrap_or(0.0));
        let origin = ui.min_rect().min;
        let first = offsets.partition_point(|&top| top < viewport.min.y).saturating_sub(1);
        for (row, &turn) in view.rows.turns.iter().enumerate().skip(first) {
            let (Some(&top), Some(&bottom)) = (offsets.get(row), offsets.get(row + 1)) else { break };
            if top > viewport.max.y {
                break;
            }
            let job = row_job(view, row, turn_text(transcript, turn), text_width, &formats);
            let galley = ui.painter().layout_job(job.clone());
            drawn.push((row, galley.size().y.max(speaker_height) + ROW_GAP));
            let rect =
                egui::Rect::from_min_size(origin + vec2(0.0, top), vec2(ui.available_width(), bottom - top - ROW_GAP));
            row_ui(ui, rect, turns.get(turn), &view.names, job, text_width);
        }
    });
    // Rows just drawn now have exact heights; a change moves the rows below next frame.
    let mut changed = false;
    for (row, height) in drawn {
        if let Some(slot) = view.rows.heights.get_mut(row) {
            changed |= (*slot - height).abs() > 0.5;
            *slot = height;
        }
    }
    if changed {
        view.rows.recompute_offsets();
        ui.ctx().request_repaint();
    }
}

/// Keeps `rows.heights` current for `width`: estimates for every row at once, then exact
/// measurements in order, a time-boxed batch per frame; rows up to `through` (a jump target)
/// are all measured now, whatever the time.
fn measure_rows(
    ui: &egui::Ui,
    rows: &mut Rows,
    transcript: &Transcript,
    width: f32,
    speaker_height: f32,
    formats: &Formats,
    through: Option<usize>,
) {
    const BUDGET: std::time::Duration = std::time::Duration::from_millis(3);
    if (rows.width - width).abs() >= 0.5 || rows.heights.len() != rows.turns.len() {
        let line_height = ui.text_style_height(&egui::TextStyle::Body);
        let chars_per_line = (width / (line_height * 0.5)).max(10.0);
        rows.heights = rows
            .turns
            .iter()
            .map(|&turn| {
                let lines = (turn_text(transcript, turn).chars().count() as f32 / chars_per_line).ceil().max(1.0);
                (lines * line_height).max(speaker_height) + ROW_GAP
            })
            .collect();
        rows.width = width;
        rows.measured = 0;
        rows.recompute_offsets();
    }
    if rows.measured >= rows.turns.len() {
        return;
    }
    let started = std::time::Instant::now();
    while let Some(&turn) = rows.turns.get(rows.measured) {
        let job = highlighted_job(
            turn_text(transcript, turn),
            &[],
            None,
            formats.normal.clone(),
            formats.normal.clone(),
            formats.normal.clone(),
            width,
        );
        let height = ui.painter().layout_job(job).size().y.max(speaker_height) + ROW_GAP;
        if let Some(slot) = rows.heights.get_mut(rows.measured) {
            *slot = height;
        }
        rows.measured += 1;
        if started.elapsed() > BUDGET && through.is_none_or(|row| rows.measured > row) {
            break;
        }
    }
    rows.recompute_offsets();
    if rows.measured < rows.turns.len() {
        ui.ctx().request_repaint();
    }
}

impl Rows {
    fn recompute_offsets(&mut self) {
        self.offsets.clear();
        let mut top = 0.0;
        for height in &self.heights {
            self.offsets.push(top);
            top += height;
        }
        self.offsets.push(top);
    }
}

fn row_job(view: &TranscriptView, row: usize, text: &str, width: f32, formats: &Formats) -> egui::text::LayoutJob {
    let start = view.matches.partition_point(|m| m.row < row);
    let end = view.matches.partition_point(|m| m.row <= row);
    let hits = view.matches.get(start..end).unwrap_or_default();
    let ranges: Vec<Range<usize>> = hits.iter().map(|m| m.range.clone()).collect();
    let current = (start..end).contains(&view.current).then(|| view.current - start);
    highlighted_job(
        text,
        &ranges,
        current,
        formats.normal.clone(),
        formats.highlight.clone(),
        formats.current.clone(),
        width,
    )
}

fn row_ui(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    turn: Option<&Turn>,
    names: &SpeakerNames,
    job: egui::text::LayoutJob,
    text_width: f32,
) {
    let color = turn.map_or(style::MUTED, |t| speaker_color(&t.speaker));
    ui.painter().rect_filled(egui::Rect::from_min_size(rect.min, vec2(3.0, rect.height())), 1.0, color);
    let content = rect.shrink2(vec2(10.0, 0.0));
    ui.scope_builder(egui::UiBuilder::new().max_rect(content), |ui| {
        ui.horizontal_top(|ui| {
            if let Some(turn) = turn {
                ui.vertical(|ui| {
                    ui.set_width(SPEAKER_WIDTH - 10.0);
                    let (name, hover) = speaker_label(turn, names);
                    ui.label(RichText::new(name).color(color).strong()).on_hover_text(hover);
                    if let Some(time) = turn.start.and_then(format_offset) {
                        ui.label(RichText::new(time).weak().monospace());
                    }
                });
            }
            // Wrap at exactly the width the row heights were measured with.
            let label = egui::Label::new(job).wrap().selectable(true);
            let response = ui.allocate_ui(vec2(text_width, rect.height()), |ui| ui.add(label)).inner;
            response.context_menu(|ui| {
                if ui.button("Copy turn").clicked() {
                    let text = match turn {
                        Some(turn) => format!("{}: {}", turn.speaker_name(), turn.text),
                        None => String::new(),
                    };
                    ui.ctx().copy_text(text);
                    ui.close();
                }
            });
        });
    });
}

/// The text of turn `turn` without trailing line breaks (a trailing `\r\n` would add an empty
/// line), or the whole text of an unstructured transcript; an out-of-range index gives "".
/// Search and display both use this, so match ranges always fit the drawn text.
fn turn_text(transcript: &Transcript, turn: usize) -> &str {
    match transcript {
        Transcript::Turns(turns) => turns.get(turn).map_or("", |t| t.text.trim_end_matches(['\r', '\n'])),
        Transcript::Unstructured(text) => text,
        Transcript::Missing => "",
    }
}

/// The speaker column's text and its hover text.
fn speaker_label<'a>(turn: &'a Turn, names: &'a SpeakerNames) -> (&'a str, String) {
    match (&turn.speaker, &names.candidate, &names.agent) {
        (Speaker::Candidate, Some(name), _) => (name, "Candidate".to_owned()),
        (Speaker::Agent, _, Some(agent)) => (turn.speaker_name(), format!("Agent: {agent}")),
        _ => (turn.speaker_name(), turn.label.clone().unwrap_or_else(|| "No speaker given".to_owned())),
    }
}

fn speaker_color(speaker: &Speaker) -> Color32 {
    match speaker {
        Speaker::Agent => style::AGENT,
        Speaker::Candidate => style::CANDIDATE,
        Speaker::Other(_) | Speaker::Unknown => style::MUTED,
    }
}

/// Text formats for turns: plain, a match, and the current match.
struct Formats {
    normal: TextFormat,
    highlight: TextFormat,
    current: TextFormat,
}

impl Formats {
    fn new(ui: &egui::Ui) -> Self {
        let font_id = egui::TextStyle::Body.resolve(ui.style());
        let color = ui.visuals().text_color();
        let normal = TextFormat { font_id, color, ..TextFormat::default() };
        let highlight = TextFormat { background: Color32::from_rgba_unmultiplied(250, 204, 21, 110), ..normal.clone() };
        let current =
            TextFormat { background: Color32::from_rgb(249, 115, 22), color: Color32::BLACK, ..normal.clone() };
        Self { normal, highlight, current }
    }
}

#[cfg(test)]
mod tests {
    use egui::os::OperatingSystem;

    use super::*;

    fn hints_on(os: OperatingSystem) -> ShortcutHints {
        let ctx = egui::Context::default();
        ctx.set_os(os);
        let mut hints = None;
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| hints = Some(ShortcutHints::new(ui.ctx())));
        // No renderer here: the font atlas upload is dropped on purpose.
        output.textures_delta.clear();
        hints.expect("one pass ran")
    }

    #[test]
    fn shortcut_hints_name_cmd_on_mac_and_ctrl_elsewhere() {
        let mac = hints_on(OperatingSystem::Mac);
        for hint in [&mac.find, &mac.next, &mac.previous] {
            assert!(!hint.contains("Ctrl"), "{hint}");
            assert!(hint.contains('⌘') || hint.contains("Cmd"), "{hint}");
        }
        for os in [OperatingSystem::Windows, OperatingSystem::Nix] {
            let hints = hints_on(os);
            assert_eq!(hints.find, "Search the transcript (Ctrl+F)");
            assert_eq!(hints.next, "Next match (Enter, F3 or Ctrl+G)");
            assert_eq!(hints.previous, "Previous match (Shift+Enter, Shift+F3 or Ctrl+Shift+G)");
        }
    }
}
