//! The Analysis tab with degenerate scores: flat, single, empty, null and NaN-like values, and
//! a rating outside 0–100, all drawn without a panic and with "n/a" for gaps (egui_plot's auto
//! bounds lose a series whose values are all equal, and a NaN point drops valid neighbours).

#![expect(clippy::unwrap_used, reason = "test setup fails loudly")]

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use interview_desk::api::InterviewRecord;
use interview_desk::ui::analysis::analysis_ui;
use serde_json::json;

fn harness_for(analysis: serde_json::Value) -> Harness<'static> {
    let record = InterviewRecord::from_value(json!({"id": "x", "status": "COMPLETED", "analysis": analysis})).unwrap();
    Harness::builder().with_size([1000.0, 1400.0]).build_ui(move |ui| analysis_ui(ui, &record))
}

#[test]
fn degenerate_scores_draw_sensibly() {
    let mut harness = harness_for(json!({
        "general": {"overallRating": 140, "companyFitRating": "SOMETIMES", "strongPoints": null},
        "specific": {
            "flat": {"a": 7, "b": 7, "c": 7, "d": 7, "e": 7},
            "single": {"only": 42},
            "empty": {},
            "gaps": {"one": 8, "two": 7, "three": null, "four": 9, "five": 6},
            "labelled": [{"label": "Listening", "score": "80"}, {"label": "Speaking", "score": null}]
        }
    }));
    harness.run();
    harness.get_by_label("140");
    harness.get_by_label("Sometimes");
    harness.get_by_label_contains("three n/a");
    harness.get_by_label_contains("No value for: three");
    harness.get_by_label_contains("Speaking n/a");
    harness.get_by_label_contains("only 42");
    assert!(harness.query_by_label("Empty").is_none(), "an empty group draws no empty chart");
}

#[test]
fn no_analysis_and_a_rating_that_is_not_a_number_are_explained() {
    let mut harness = harness_for(json!(null));
    harness.run();
    harness.get_by_label("No AI analysis yet");

    let mut harness = harness_for(json!({"general": {"overallRating": "excellent"}, "specific": null}));
    harness.run();
    harness.get_by_label("excellent (not a number; shown as sent)");
    harness.get_by_label_contains("Limited transcript");
}
