//! The notification stack: global and background results in the bottom-right corner, over the
//! content so nothing moves when one appears, newest at the bottom, each with Dismiss.

use egui::RichText;

use super::style;
use crate::app::notifications::Level;
use crate::app::{Command, View};

/// Width of a notification, in points.
const WIDTH: f32 = 380.0;

/// Draws the stack (nothing when it is empty).
pub fn notifications_ui(view: &mut View<'_>, ctx: &egui::Context) {
    let notifications = &view.session.notifications;
    if notifications.is_empty() {
        return;
    }
    let mut dismissed = Vec::new();
    egui::Area::new(egui::Id::unique("notifications"))
        .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -36.0])
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            ui.set_max_width(WIDTH);
            for notification in notifications.iter() {
                let (color, mark) = match notification.level {
                    Level::Info => (style::GOOD, "✔"),
                    Level::Warning => (style::WARNING, "⚠"),
                    Level::Error => (style::BAD, "⚠"),
                };
                egui::Frame::popup(ui.style()).stroke(egui::Stroke::new(1.0, color)).show(ui, |ui| {
                    ui.set_width(WIDTH - 16.0);
                    ui.horizontal_top(|ui| {
                        ui.label(RichText::new(mark).color(color).strong());
                        ui.add(egui::Label::new(&notification.text).wrap());
                    });
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                        if ui.small_button("Dismiss").clicked() {
                            dismissed.push(notification.id);
                        }
                    });
                });
                ui.add_space(6.0);
            }
        });
    for id in dismissed {
        view.push(Command::DismissNotification(id));
    }
}
