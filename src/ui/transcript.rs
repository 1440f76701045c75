//! The Transcript tab: speaker turns drawn only where visible, with search and highlights.

use std::ops::Range;

use egui::{Color32, Key, KeyboardShortcut, Modifiers, RichText, TextFormat, vec2};

use super::style;
use crate::api::InterviewRecord;
use crate::api::transcript::{Speaker, Transcript, Turn, format_offset};
use crate::search::{Query, SearchOptions, highlighted_job};

/// Width of the speaker column, in points.
const SPEAKER_WIDTH: f32 = 120.0;
/// Vertical space between turns, in points.
const ROW_GAP: f32 = 10.0;

/// One search hit: the turn's index and the byte range in its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index of the turn.
    pub turn: usize,
    /// Byte range in the turn's text (on char boundaries).
    pub range: Range<usize>,
}

/// Search and scroll state of the Transcript tab (kept per open interview).
#[derive(Default)]
pub struct TranscriptView {
    /// The search box's text.
    pub query: String,
    /// Case and whole-word toggles.
    pub options: SearchOptions,
    /// Every match, in transcript order.
    pub matches: Vec<Match>,
    /// Index into `matches` of the highlighted current match.
    pub current: usize,
    searched: Option<(String, SearchOptions)>,
    keep_current: Option<usize>,
    scroll_to_current: bool,
    layout: RowLayout,
}

/// Cached row heights for one text width, so only visible rows are laid out per frame.
#[derive(Default)]
struct RowLayout {
    width: f32,
    rows: usize,
    /// `offsets[i]` is the top of row `i`; the last entry is the total height.
    offsets: Vec<f32>,
}

impl TranscriptView {
    /// Forgets the search results and row layout (the transcript changed) but keeps the
    /// query, the options and the current match position where possible.
    pub fn invalidate(&mut self) {
        let current = self.current;
        self.searched = None;
        self.layout = RowLayout::default();
        self.keep_current = Some(current);
    }

    /// Re-runs the search when the query or options changed since the last run.
    pub fn update_matches(&mut self, transcript: &Transcript) {
        let key = (self.query.clone(), self.options);
        if self.searched.as_ref() == Some(&key) {
            return;
        }
        let query = Query::new(&self.query, self.options);
        self.matches.clear();
        if !query.is_empty() {
            for (turn, text) in row_texts(transcript).enumerate() {
                self.matches.extend(query.find_in(text).into_iter().map(|range| Match { turn, range }));
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
    let focus_search = ui.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::F)));
    ui.horizontal(|ui| {
        let label = ui.label("Search transcript");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut view.query)
                    .id(search_id)
                    .hint_text("Find words in the transcript")
                    .desired_width(280.0),
            )
            .labelled_by(label.id);
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
        if ui.input(|i| i.key_pressed(Key::F3)) {
            let backward = ui.input(|i| i.modifiers.shift);
            view.update_matches(transcript);
            view.step(!backward);
        }
        let has_matches = !view.matches.is_empty();
        if ui
            .add_enabled(has_matches, egui::Button::new("Previous"))
            .on_hover_text("Previous match (Shift+Enter)")
            .clicked()
        {
            view.step(false);
        }
        if ui.add_enabled(has_matches, egui::Button::new("Next")).on_hover_text("Next match (Enter)").clicked() {
            view.step(true);
        }
        ui.label(view.count_text());
        ui.checkbox(&mut view.options.case_sensitive, "Match case");
        ui.checkbox(&mut view.options.whole_word, "Whole words");
        if ui.button("Copy transcript").on_hover_text("Copy the whole transcript as plain text").clicked() {
            ui.ctx().copy_text(transcript.plain_text());
        }
    });
}

fn rows_ui(ui: &mut egui::Ui, view: &mut TranscriptView, transcript: &Transcript) {
    let text_width = (ui.available_width() - SPEAKER_WIDTH - 24.0).max(120.0);
    let formats = Formats::new(ui);
    ensure_layout(ui, view, transcript, text_width, &formats);
    let mut scroll_area = egui::ScrollArea::vertical().id_salt("transcript_rows").auto_shrink([false, false]);
    if view.scroll_to_current {
        view.scroll_to_current = false;
        if let Some(top) = view.matches.get(view.current).and_then(|m| view.layout.offsets.get(m.turn)) {
            scroll_area = scroll_area.vertical_scroll_offset((top - ui.available_height() * 0.3).max(0.0));
        }
    }
    let turns = match transcript {
        Transcript::Turns(turns) => turns.as_slice(),
        _ => &[],
    };
    scroll_area.show_viewport(ui, |ui, viewport| {
        let total = view.layout.offsets.last().copied().unwrap_or(0.0);
        ui.set_height(total);
        let origin = ui.min_rect().min;
        let first = view.layout.offsets.partition_point(|&top| top < viewport.min.y).saturating_sub(1);
        for (index, text) in row_texts(transcript).enumerate().skip(first) {
            let (Some(&top), Some(&bottom)) = (view.layout.offsets.get(index), view.layout.offsets.get(index + 1))
            else {
                break;
            };
            if top > viewport.max.y {
                break;
            }
            let rect =
                egui::Rect::from_min_size(origin + vec2(0.0, top), vec2(ui.available_width(), bottom - top - ROW_GAP));
            let job = row_job(view, index, text, text_width, &formats);
            row_ui(ui, rect, turns.get(index), job, text_width);
        }
    });
}

/// Recomputes row heights when the width or the transcript changed.
fn ensure_layout(ui: &egui::Ui, view: &mut TranscriptView, transcript: &Transcript, width: f32, formats: &Formats) {
    let rows = row_texts(transcript).count();
    if (view.layout.width - width).abs() < 0.5 && view.layout.rows == rows && !view.layout.offsets.is_empty() {
        return;
    }
    let speaker_height = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 4.0;
    let mut offsets = Vec::with_capacity(rows + 1);
    let mut top = 0.0;
    for text in row_texts(transcript) {
        offsets.push(top);
        let job = highlighted_job(
            text,
            &[],
            None,
            formats.normal.clone(),
            formats.normal.clone(),
            formats.normal.clone(),
            width,
        );
        let height = ui.painter().layout_job(job).size().y.max(speaker_height);
        top += height + ROW_GAP;
    }
    offsets.push(top);
    view.layout = RowLayout { width, rows, offsets };
}

fn row_job(view: &TranscriptView, index: usize, text: &str, width: f32, formats: &Formats) -> egui::text::LayoutJob {
    let start = view.matches.partition_point(|m| m.turn < index);
    let end = view.matches.partition_point(|m| m.turn <= index);
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

fn row_ui(ui: &mut egui::Ui, rect: egui::Rect, turn: Option<&Turn>, job: egui::text::LayoutJob, text_width: f32) {
    let color = turn.map_or(style::MUTED, |t| speaker_color(&t.speaker));
    ui.painter().rect_filled(egui::Rect::from_min_size(rect.min, vec2(3.0, rect.height())), 1.0, color);
    let content = rect.shrink2(vec2(10.0, 0.0));
    ui.scope_builder(egui::UiBuilder::new().max_rect(content), |ui| {
        ui.horizontal_top(|ui| {
            if let Some(turn) = turn {
                ui.vertical(|ui| {
                    ui.set_width(SPEAKER_WIDTH - 10.0);
                    ui.label(RichText::new(turn.speaker_name()).color(color).strong());
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

/// Text of each row: one per turn, or the whole unstructured text as one row.
fn row_texts(transcript: &Transcript) -> Box<dyn Iterator<Item = &str> + '_> {
    match transcript {
        Transcript::Turns(turns) => Box::new(turns.iter().map(|t| t.text.as_str())),
        Transcript::Unstructured(text) => Box::new(std::iter::once(text.as_str())),
        Transcript::Missing => Box::new(std::iter::empty()),
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
