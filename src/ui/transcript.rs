//! The Transcript tab: speaker turns drawn only where visible, with search and highlights.

use std::ops::Range;

use egui::{Color32, Key, KeyboardShortcut, Modifiers, RichText, TextFormat, vec2};

use super::style;
use crate::api::InterviewRecord;
use crate::api::transcript::{Speaker, Transcript, Turn, format_offset};
use crate::app::listening::Listening;
use crate::app::transcript_view::{Rows, SearchRequest, SpeakerFilter, SpeakerNames, TranscriptView, turn_text};
use crate::search::highlighted_job;

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

/// What the user asked for in the Transcript tab.
#[must_use = "what the user asked for must be pushed as commands"]
#[derive(Debug, Default)]
pub struct TranscriptAction {
    /// A search to run on the worker (the query changed on a long transcript).
    pub search: Option<SearchRequest>,
    /// A turn (0-based) to pin as evidence.
    pub pin: Option<usize>,
    /// A turn (0-based) to play the recording from.
    pub play_turn: Option<usize>,
    /// What the player above the turns asked for.
    pub player: super::player::PlayerAction,
}

/// Draws the Transcript tab: the call recording's player, the search, and the turns (the one
/// being spoken highlighted).
pub fn transcript_ui(
    ui: &mut egui::Ui,
    record: &InterviewRecord,
    view: &mut TranscriptView,
    listening: &Listening,
) -> TranscriptAction {
    let transcript = &record.interview.transcript;
    let player = super::player::player_ui(ui, record, listening, view);
    if *transcript == Transcript::Missing {
        ui.add_space(8.0);
        ui.label("This interview has no transcript yet.");
        ui.label(RichText::new("Transcripts appear once an interview has been completed and processed.").weak());
        return TranscriptAction { player, ..TranscriptAction::default() };
    }
    let ours = listening.interview_id.as_deref() == Some(record.interview.id.as_str());
    let sync = Sync {
        speaking: listening.current_turn.filter(|_| ours),
        timeline: listening.timeline.as_deref().filter(|_| ours),
    };
    let (mut request, play_match) = search_bar_ui(ui, view, transcript);
    if let Transcript::Unstructured(_) = transcript {
        ui.label(
            RichText::new("The transcript has a shape Interview Desk does not recognise; it is shown as sent.").weak(),
        );
    }
    ui.separator();
    request = request.or(view.update_matches(transcript));
    let (pin, play_turn) = rows_ui(ui, view, transcript, &sync);
    let play_match =
        play_match.then(|| view.matches.get(view.current).and_then(|m| view.rows.turns.get(m.row)).copied());
    TranscriptAction { search: request, pin, play_turn: play_turn.or(play_match.flatten()), player }
}

/// The row that says who the speakers named only by a number or a letter are: a choice of
/// agent or candidate for each, kept in the reviewer's review. Returns whether one changed.
pub fn speaker_roles_ui(
    ui: &mut egui::Ui,
    others: &[String],
    draft: &mut crate::review::Review,
    editable: bool,
) -> bool {
    use crate::review::SpeakerRole;
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Who is who:").strong())
            .on_hover_text("The transcript names these speakers only by a number, a letter or a name. Your choice is kept in your review and used in the files you export.");
        for name in others {
            let current = draft.speaker_roles.get(name).copied();
            let text = |role: Option<SpeakerRole>| match role {
                Some(SpeakerRole::Agent) => "the agent",
                Some(SpeakerRole::Candidate) => "the candidate",
                None => "not set",
            };
            let label = ui.label(format!("{name} is"));
            let mut chosen = current;
            ui.add_enabled_ui(editable, |ui| {
                egui::ComboBox::from_id_salt(("speaker_role", name.as_str()))
                    .selected_text(text(current))
                    .show_ui(ui, |ui| {
                        for role in [None, Some(SpeakerRole::Agent), Some(SpeakerRole::Candidate)] {
                            ui.selectable_value(&mut chosen, role, text(role));
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
            if chosen != current {
                match chosen {
                    Some(role) => draft.speaker_roles.insert(name.clone(), role),
                    None => draft.speaker_roles.remove(name),
                };
                draft.updated_at = jiff::Timestamp::now();
                changed = true;
            }
        }
    });
    changed
}

/// What the rows need from the player: the turn being spoken and where untimed turns are.
struct Sync<'a> {
    speaking: Option<usize>,
    timeline: Option<&'a crate::playback::timeline::Timeline>,
}

/// The search row and the options row; returns a search to run, and whether *Play match* was
/// clicked.
fn search_bar_ui(
    ui: &mut egui::Ui,
    view: &mut TranscriptView,
    transcript: &Transcript,
) -> (Option<SearchRequest>, bool) {
    let mut request = None;
    let mut play_match = false;
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
        if focus_search || std::mem::take(&mut view.focus_search) {
            response.request_focus();
        }
        if response.has_focus() && ui.input(|i| i.key_pressed(Key::Escape)) {
            view.query.clear();
        }
        if response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            let backward = ui.input(|i| i.modifiers.shift);
            request = view.update_matches(transcript);
            view.step(!backward);
            response.request_focus();
        }
        if ui.input(|i| i.key_pressed(Key::F3)) || previous || next {
            let backward = previous || ui.input(|i| i.key_pressed(Key::F3) && i.modifiers.shift);
            request = request.take().or(view.update_matches(transcript));
            view.step(!backward);
        }
        let has_matches = !view.matches.is_empty();
        if view.is_searching() {
            // The worker's answer arrives with a repaint; nothing to poll.
            ui.spinner();
        }
        if ui.add_enabled(has_matches, egui::Button::new("Previous")).on_hover_text(&hints.previous).clicked() {
            view.step(false);
        }
        if ui.add_enabled(has_matches, egui::Button::new("Next")).on_hover_text(&hints.next).clicked() {
            view.step(true);
        }
        ui.label(view.count_text());
        if has_matches
            && ui.button("▶ Play match").on_hover_text("Play the recording from the turn of this match").clicked()
        {
            play_match = true;
        }
    });
    // The options go on a second row so the search row never pushes the turns off screen.
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("Speakers").selected_text(view.speakers.label()).show_ui(ui, |ui| {
            for filter in SpeakerFilter::ALL {
                ui.selectable_value(&mut view.speakers, filter, filter.label());
            }
        });
        let unspoken = view.unspoken_turns();
        if unspoken > 0 || view.show_unspoken {
            ui.checkbox(&mut view.show_unspoken, "Show system and tool turns")
                .on_hover_text(format!("{unspoken} turn(s) nobody said: the agent's instructions and its tool calls"));
        }
        ui.checkbox(&mut view.options.case_sensitive, "Match case");
        ui.checkbox(&mut view.options.whole_word, "Whole words");
        if ui.button("Copy transcript").on_hover_text("Copy the whole transcript as plain text").clicked() {
            ui.ctx().copy_text(transcript.plain_text());
        }
    });
    (request, play_match)
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

/// Draws the rows, keeping the turn being spoken in view while Follow is on; returns a turn to
/// pin as evidence and a turn to play from.
fn rows_ui(
    ui: &mut egui::Ui,
    view: &mut TranscriptView,
    transcript: &Transcript,
    sync: &Sync<'_>,
) -> (Option<usize>, Option<usize>) {
    let text_width = (ui.available_width() - SPEAKER_WIDTH - 24.0).max(120.0);
    let formats = Formats::new(ui);
    let speaker_height = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 4.0;
    // A jump to a pinned turn: the row showing it (a speaker filter may hide it: then all
    // speakers are shown again).
    let jump = view.jump_to_turn.take();
    let mut jump_row = jump.and_then(|turn| view.rows.turns.iter().position(|&t| t == turn));
    if let Some(turn) = jump {
        view.marked_turn = Some(turn);
        if jump_row.is_none() && view.speakers != SpeakerFilter::All {
            view.speakers = SpeakerFilter::All;
            view.jump_to_turn = Some(turn);
            ui.ctx().request_repaint();
        }
    }
    // Before jumping to a match, every row above it gets its exact height, so the jump lands on
    // the match (estimated heights above it would shift it).
    let target_row = view.scroll_to_current.then(|| view.matches.get(view.current).map(|m| m.row)).flatten();
    measure_rows(ui, &mut view.rows, transcript, text_width, speaker_height, &formats, target_row.or(jump_row));
    if jump_row.is_some_and(|row| row >= view.rows.offsets.len()) {
        jump_row = None;
    }
    let mut scroll_area = egui::ScrollArea::vertical().id_salt("transcript_rows").auto_shrink([false, false]);
    if view.scroll_to_current {
        view.scroll_to_current = false;
        if let Some(top) = view.matches.get(view.current).and_then(|m| view.rows.offsets.get(m.row)) {
            scroll_area = scroll_area.vertical_scroll_offset((top - ui.available_height() * 0.3).max(0.0));
        }
    }
    if let Some(top) = jump_row.and_then(|row| view.rows.offsets.get(row)) {
        scroll_area = scroll_area.vertical_scroll_offset((top - ui.available_height() * 0.3).max(0.0));
    }
    // Follow: a new turn being spoken is scrolled to, a third of the way down.
    let mut followed = false;
    if !view.follow_paused
        && jump_row.is_none()
        && let Some(turn) = sync.speaking.filter(|t| view.followed_turn != Some(*t))
    {
        let row = view.rows.turns.partition_point(|&t| t < turn);
        if let Some(top) = view.rows.offsets.get(row) {
            scroll_area = scroll_area.vertical_scroll_offset((top - ui.available_height() * 0.3).max(0.0));
            view.followed_turn = Some(turn);
            followed = true;
        }
    }
    let mut pin = None;
    let mut play = None;
    let turns = match transcript {
        Transcript::Turns(turns) => turns.as_slice(),
        _ => &[],
    };
    let mut drawn = Vec::new();
    let output = scroll_area.show_viewport(ui, |ui, viewport| {
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
            let look = RowLook {
                marked: view.marked_turn == Some(turn),
                speaking: sync.speaking == Some(turn),
                place: sync.timeline.and_then(|t| t.place(turn)),
            };
            match row_ui(ui, rect, turns.get(turn), &view.names, job, text_width, &look) {
                Some(RowClick::Pin) => pin = Some(turn),
                Some(RowClick::Play) => play = Some(turn),
                None => {}
            }
        }
    });
    // A scroll the reviewer made (wheel, scrollbar, keys) turns Follow off.
    let offset = output.state.clamped_offset().y;
    if followed {
        view.follow_offset = Some(offset);
    } else if let Some(expected) = view.follow_offset
        && (offset - expected).abs() > 2.0
    {
        // The offset also moves when measured rows change the content's height (and so the
        // furthest one can scroll); only a move with the reviewer's hand on it is theirs.
        let by_hand = ui.input(|i| {
            i.smooth_scroll_delta().y != 0.0
                || i.events.iter().any(|e| matches!(e, egui::Event::MouseWheel { .. }))
                || i.pointer.any_down()
                || [Key::PageUp, Key::PageDown, Key::Home, Key::End].iter().any(|k| i.key_pressed(*k))
        });
        if by_hand && sync.speaking.is_some() {
            view.follow_offset = None;
            view.follow_paused = true;
        } else {
            view.follow_offset = Some(offset);
        }
    }
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
    (pin, play)
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
    const BUDGET: std::time::Duration = std::time::Duration::from_millis(2);
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

fn row_job(view: &TranscriptView, row: usize, text: &str, width: f32, formats: &Formats) -> egui::text::LayoutJob {
    let start = view.matches.partition_point(|m| m.row < row);
    let end = view.matches.partition_point(|m| m.row <= row);
    let hits = view.matches.get(start..end).unwrap_or_default();
    let ranges: Vec<Range<usize>> = hits.iter().map(|m| m.range.clone()).collect();
    let current = (start..end).contains(&view.current).then(|| view.current - start);
    let text = crate::review::mask_words(text, &view.names.hidden_words);
    highlighted_job(
        &text,
        &ranges,
        current,
        formats.normal.clone(),
        formats.highlight.clone(),
        formats.current.clone(),
        width,
    )
}

/// How a row is drawn beyond its text.
struct RowLook {
    /// The turn last jumped to.
    marked: bool,
    /// The turn being spoken in the recording.
    speaking: bool,
    /// Where the turn is in the recording, once one is loaded.
    place: Option<crate::playback::timeline::Place>,
}

/// A click in a row.
enum RowClick {
    Pin,
    Play,
}

fn row_ui(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    turn: Option<&Turn>,
    names: &SpeakerNames,
    job: egui::text::LayoutJob,
    text_width: f32,
    look: &RowLook,
) -> Option<RowClick> {
    let mut click = None;
    let color = turn.map_or(style::MUTED, |t| speaker_color(&t.speaker));
    if look.speaking {
        ui.painter().rect_filled(rect, 2.0, super::player::SPEAKING.gamma_multiply(0.18));
    } else if look.marked {
        ui.painter().rect_filled(rect, 2.0, style::ACCENT.gamma_multiply(0.12));
    }
    let bar = if look.speaking { 6.0 } else { 3.0 };
    ui.painter().rect_filled(egui::Rect::from_min_size(rect.min, vec2(bar, rect.height())), 1.0, color);
    let content = rect.shrink2(vec2(10.0, 0.0));
    ui.scope_builder(egui::UiBuilder::new().max_rect(content), |ui| {
        ui.horizontal_top(|ui| {
            if let Some(turn) = turn {
                ui.vertical(|ui| {
                    ui.set_width(SPEAKER_WIDTH - 10.0);
                    let (name, hover) = speaker_label(turn, names);
                    // One line, as the row heights assume: a long name is cut short (the full
                    // one is on hover).
                    ui.add(egui::Label::new(RichText::new(name).color(color).strong()).truncate()).on_hover_text(hover);
                    // The time plays from the turn; an untimed one shows its estimated place (≈).
                    let place = look.place.filter(|_| !turn.speaker.is_unspoken());
                    let shown = match (turn.start, place) {
                        (Some(start), _) if !turn.speaker.is_unspoken() => format_offset(start).map(|t| (t, false)),
                        (_, Some(place)) => format_offset(place.start).map(|t| (t, place.estimated)),
                        (Some(start), None) => format_offset(start).map(|t| (t, false)),
                        (None, None) => None,
                    };
                    if let Some((time, estimated)) = shown {
                        if turn.speaker.is_unspoken() {
                            ui.label(RichText::new(time).weak().monospace());
                        } else {
                            let text = if estimated { format!("▶ ≈{time}") } else { format!("▶ {time}") };
                            let hover = if estimated {
                                "Play from about here (the transcript gives no time: estimated from the text length)"
                            } else {
                                "Play the recording from this turn"
                            };
                            let button = egui::Button::new(RichText::new(text).monospace().small()).frame(false);
                            let response = ui.add(button).on_hover_text(hover);
                            let label = format!("Play from {time}");
                            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
                            if response.clicked() {
                                click = Some(RowClick::Play);
                            }
                        }
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
                if turn.is_some() && ui.button("Pin as evidence").clicked() {
                    click = Some(RowClick::Pin);
                    ui.close();
                }
                if turn.is_some_and(|t| !t.speaker.is_unspoken()) && ui.button("Play from here").clicked() {
                    click = Some(RowClick::Play);
                    ui.close();
                }
            });
        });
    });
    click
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
        Speaker::System | Speaker::Tool | Speaker::Other(_) | Speaker::Unknown => style::MUTED,
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
