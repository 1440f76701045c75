//! The call recording's player above the transcript: play/pause, back and forward, the seek bar
//! with the waveform, elapsed and total time, speed, volume, the call attempt, and Follow.

use egui::{Color32, RichText, Sense, vec2};

use super::style;
use crate::api::InterviewRecord;
use crate::api::transcript::format_offset;
use crate::app::listening::{Listen, Listening, Stage, attempts_with_recordings};
use crate::app::transcript_view::TranscriptView;
use crate::playback::{ARROW_SECONDS, DeviceState, SKIP_SECONDS, SPEEDS};

/// Height of the seek bar, in points.
const BAR_HEIGHT: f32 = 36.0;

/// What the player asked for: requests for the app, and *Save recording…* for attempt N
/// (0-based) when the file cannot be played here.
#[derive(Debug, Default)]
pub struct PlayerAction {
    /// Requests for the player, in order.
    pub listen: Vec<Listen>,
    /// Save this call attempt's recording (0-based).
    pub save: Option<usize>,
}

/// `m:ss` (or `h:mm:ss`) of a position, `–:––` when unknown.
fn clock(seconds: Option<f64>) -> String {
    seconds.and_then(format_offset).unwrap_or_else(|| "–:––".to_owned())
}

/// Draws the player for `record`; nothing when no call attempt has a recording.
pub fn player_ui(
    ui: &mut egui::Ui,
    record: &InterviewRecord,
    listening: &Listening,
    view: &mut TranscriptView,
) -> PlayerAction {
    let mut action = PlayerAction::default();
    let attempts = attempts_with_recordings(record);
    if attempts.is_empty() {
        return action;
    }
    let ours = listening.interview_id.as_deref() == Some(record.interview.id.as_str());
    let attempt = if ours { listening.attempt } else { attempts.last().copied().unwrap_or(0) };
    let status = &listening.status;
    let ready = ours && matches!(listening.stage, Stage::Ready(_));
    let api_duration = record
        .interview
        .call_attempts
        .get(attempt)
        .and_then(|a| a.duration_seconds.as_ref())
        .and_then(|d| d.valid().copied())
        .filter(|d| d.is_finite() && *d > 0.0);
    let duration = if ours { listening.duration().or(api_duration) } else { api_duration };
    let position = if ours { status.position } else { 0.0 };
    let playing = ready && status.playing;
    let waiting = ready && status.waiting;
    // Beside the scorecard the tab is narrow: the settings go on a row of their own, so nothing
    // sticks out under the panel (which would also widen every row below).
    let one_row = ui.available_width() >= 820.0;
    let transport = |ui: &mut egui::Ui, action: &mut PlayerAction, view: &mut TranscriptView| {
        let (icon, label, hover) = if playing {
            ("⏸", "Pause", "Pause (Space)")
        } else if waiting {
            // Never shown as playing while nothing sounds.
            ("⏳", "Waiting", "Waiting for a sound device; click to stop waiting (Space)")
        } else {
            ("▶", "Play", "Play the call recording (Space)")
        };
        let play = ui.add(egui::Button::new(format!("{icon} {label}")).min_size(vec2(78.0, 0.0))).on_hover_text(hover);
        if play.clicked() {
            action.listen.push(Listen::Toggle);
        }
        let back = ui
            .add_enabled(ready, egui::Button::new(format!("⏪ {SKIP_SECONDS:.0} s")))
            .on_hover_text(format!("Back {SKIP_SECONDS:.0} seconds (← for {ARROW_SECONDS:.0})"));
        if back.clicked() {
            action.listen.push(Listen::SkipBy(-SKIP_SECONDS));
        }
        let forward = ui
            .add_enabled(ready, egui::Button::new(format!("{SKIP_SECONDS:.0} s ⏩")))
            .on_hover_text(format!("Forward {SKIP_SECONDS:.0} seconds (→ for {ARROW_SECONDS:.0})"));
        if forward.clicked() {
            action.listen.push(Listen::SkipBy(SKIP_SECONDS));
        }
        ui.label(RichText::new(format!("{} / {}", clock(Some(position)), clock(duration))).monospace())
            .on_hover_text("Elapsed / total");
        let following = !view.follow_paused;
        let follow_text = if following { "Following the call" } else { "Follow" };
        let follow = ui
            .selectable_label(following, follow_text)
            .on_hover_text("Keep the turn being spoken in view (scrolling turns it off)");
        if follow.clicked() {
            view.follow_paused = following;
            view.follow_offset = None;
            view.followed_turn = None;
        }
    };
    let settings = |ui: &mut egui::Ui, action: &mut PlayerAction| {
        let speed_label = ui.label("Speed");
        let mut speed = status.speed;
        egui::ComboBox::from_id_salt("player_speed")
            .selected_text(format!("{speed}×"))
            .width(56.0)
            .show_ui(ui, |ui| {
                for choice in SPEEDS {
                    ui.selectable_value(&mut speed, choice, format!("{choice}×"));
                }
            })
            .response
            .labelled_by(speed_label.id)
            .on_hover_text("Faster playback raises the pitch");
        if speed != status.speed {
            action.listen.push(Listen::Speed(speed));
        }
        let volume_label = ui.label("Volume");
        let mut volume = status.volume;
        ui.spacing_mut().slider_width = 80.0;
        let slider = ui
            .add(egui::Slider::new(&mut volume, 0.0..=1.0).show_value(false))
            .labelled_by(volume_label.id)
            .on_hover_text(format!("{:.0} %", volume * 100.0));
        if slider.changed() {
            action.listen.push(Listen::Volume(volume));
        }
        if attempts.len() > 1 {
            let label = ui.label("Call");
            egui::ComboBox::from_id_salt("player_attempt")
                .selected_text(format!("Attempt {}", attempt + 1))
                .show_ui(ui, |ui| {
                    for &a in &attempts {
                        if ui.selectable_label(a == attempt, format!("Attempt {}", a + 1)).clicked() && a != attempt {
                            action.listen.push(Listen::Attempt(a));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        }
    };
    if one_row {
        ui.horizontal(|ui| {
            transport(ui, &mut action, view);
            ui.separator();
            settings(ui, &mut action);
        });
    } else {
        ui.horizontal_wrapped(|ui| transport(ui, &mut action, view));
        ui.horizontal_wrapped(|ui| settings(ui, &mut action));
    }
    if let Some(seek) = seek_bar_ui(ui, listening, ours, position, duration) {
        action.listen.push(Listen::Seek(seek));
    }
    status_line_ui(ui, listening, ours, attempt, &mut action);
    action
}

/// The seek bar: the waveform (once read), the part played, the playhead; a click or drag
/// moves there. Returns where to move.
fn seek_bar_ui(
    ui: &mut egui::Ui,
    listening: &Listening,
    ours: bool,
    position: f64,
    duration: Option<f64>,
) -> Option<f64> {
    let width = ui.available_width().max(120.0);
    let (rect, response) = ui.allocate_exact_size(vec2(width, BAR_HEIGHT), Sense::click_and_drag());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 3.0, visuals.extreme_bg_color);
    let to_time = |x: f32| duration.map(|d| f64::from(((x - rect.left()) / rect.width()).clamp(0.0, 1.0)) * d);
    let to_x = |t: f64| duration.map(|d| rect.left() + (t / d).clamp(0.0, 1.0) as f32 * rect.width());
    let played_x = to_x(position).unwrap_or(rect.left());
    let waveform = listening.waveform.as_ref().filter(|_| ours);
    let mid = rect.center().y;
    let muted = visuals.weak_text_color().gamma_multiply(0.7);
    match (waveform, duration) {
        (Some(waveform), Some(duration)) => {
            // One bar per two points; each shows the loudest moment it covers.
            let step = 2.0;
            let per_point = duration / f64::from(rect.width());
            let mut x = rect.left();
            while x < rect.right() {
                let from = f64::from(x - rect.left()) * per_point;
                let peak = waveform.peak_between(from, from + per_point * f64::from(step));
                let half = (peak.sqrt() * (BAR_HEIGHT / 2.0 - 3.0)).max(0.5);
                let color = if x < played_x { style::ACCENT } else { muted };
                painter.line_segment([egui::pos2(x, mid - half), egui::pos2(x, mid + half)], (1.2, color));
                x += step;
            }
        }
        _ => {
            painter.line_segment([egui::pos2(rect.left(), mid), egui::pos2(rect.right(), mid)], (1.0, muted));
            painter.line_segment([egui::pos2(rect.left(), mid), egui::pos2(played_x, mid)], (2.0, style::ACCENT));
            if !ours || matches!(listening.stage, Stage::Idle) {
                painter.text(
                    rect.center(),
                    egui::Align2::CENTER_CENTER,
                    "Play to hear the call (downloaded once, then kept on this computer)",
                    egui::TextStyle::Small.resolve(ui.style()),
                    visuals.weak_text_color(),
                );
            }
        }
    }
    if duration.is_some() {
        painter.line_segment(
            [egui::pos2(played_x, rect.top()), egui::pos2(played_x, rect.bottom())],
            (2.0, ui.visuals().text_color()),
        );
    }
    let mut seek = None;
    if let Some(pointer) = response.interact_pointer_pos().or(response.hover_pos())
        && let Some(at) = to_time(pointer.x)
    {
        let x = pointer.x.clamp(rect.left(), rect.right());
        painter.line_segment([egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())], (1.0, style::WARNING));
        response.clone().on_hover_text_at_pointer(clock(Some(at)));
        if response.clicked() || response.drag_stopped() {
            seek = Some(at);
        }
    }
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Slider, true, format!("Seek bar, at {}", clock(Some(position))))
    });
    seek
}

/// Download progress, a missing sound device, or why the recording cannot be played.
fn status_line_ui(ui: &mut egui::Ui, listening: &Listening, ours: bool, attempt: usize, action: &mut PlayerAction) {
    if ours && let DeviceState::Missing(reason) = &listening.status.device {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("🔇 No sound output device").color(style::WARNING).strong()).on_hover_text(reason);
            ui.label(RichText::new("Playback starts by itself when one is connected.").weak()).on_hover_text(reason);
        });
    }
    if !ours {
        return;
    }
    match &listening.stage {
        Stage::Fetching { bytes, total } => {
            ui.horizontal(|ui| {
                ui.spinner();
                let text = match total {
                    Some(total) if *total > 0 => format!(
                        "Downloading the recording… {:.0} % of {:.1} MB",
                        *bytes as f64 * 100.0 / *total as f64,
                        *total as f64 / 1e6
                    ),
                    _ => format!("Downloading the recording… {:.1} MB", *bytes as f64 / 1e6),
                };
                ui.label(text);
                if ui.button("Cancel").clicked() {
                    action.listen.push(Listen::CancelDownload);
                }
            });
        }
        Stage::Failed { message, format } => {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(message).color(style::BAD));
                if *format {
                    if ui
                        .button("Save recording…")
                        .on_hover_text("Save the file to play it in another player")
                        .clicked()
                    {
                        action.save = Some(attempt);
                    }
                } else if ui.button("Try again").clicked() {
                    action.listen.push(Listen::Toggle);
                }
            });
        }
        Stage::Idle | Stage::Ready(_) => {
            if listening.timeline.as_ref().is_some_and(|t| t.has_estimates()) {
                ui.label(
                    RichText::new(
                        "Turns marked ≈ have no time in the transcript: where they are is estimated from their length.",
                    )
                    .weak()
                    .small(),
                );
            }
        }
    }
}

/// The player's keys, when an interview with a recording is open and no widget has the keyboard
/// focus: Space plays or pauses, ← and → move back and forward [`ARROW_SECONDS`].
pub fn shortcuts(ctx: &egui::Context, record: Option<&InterviewRecord>) -> Option<Listen> {
    if ctx.egui_wants_keyboard_input() || ctx.memory(|m| m.focused().is_some()) {
        return None;
    }
    record.filter(|r| !attempts_with_recordings(r).is_empty())?;
    ctx.input_mut(|i| {
        if i.consume_key(egui::Modifiers::NONE, egui::Key::Space) {
            Some(Listen::Toggle)
        } else if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowLeft) {
            Some(Listen::SkipBy(-ARROW_SECONDS))
        } else if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowRight) {
            Some(Listen::SkipBy(ARROW_SECONDS))
        } else {
            None
        }
    })
}

/// Colour of the turn being spoken.
pub const SPEAKING: Color32 = Color32::from_rgb(0x3b, 0x82, 0xf6);
