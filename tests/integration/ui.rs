//! The real app driven through its accessibility tree (egui_kittest), against the embedded demo
//! server over real HTTP on loopback.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use interview_desk::api::related::RelatedKind;
use interview_desk::app::{App, AppOptions, AudioChoice, Automation, ExportOutcome, Remote, Screen};
use interview_desk::credentials::{ApiKey, CredentialError, KeyringStore, MemoryStore, SecretStore};
use interview_desk::demo::{DEMO_API_KEY, DEMO_PHONE_INTERVIEW_ID, DemoServer};
use interview_desk::dialog::FixedSaveDialog;
use interview_desk::playback::{DeviceState, FakeClock};
use interview_desk::profiles::{Profile, Settings};
use interview_desk::review::{Decision, Review, ReviewFolder, SaveMode, Stamped, Verdict};
use interview_desk::worker::StoreChoice;

/// What every test starts from: a key store in memory, a save dialog that answers "cancel", no
/// settings file; the fields a test sets replace these.
fn test_options() -> AppOptions {
    AppOptions {
        store: StoreChoice::Given(Arc::new(MemoryStore::default())),
        dialog: Box::new(FixedSaveDialog(None)),
        // Never the real data folder; the review tests give each their own.
        review_folder: Some(std::env::temp_dir().join("interview-desk-ui-tests-reviews")),
        reviewer: Some("Test Reviewer".to_owned()),
        // Never the real cache folder.
        recording_cache: Some(std::env::temp_dir().join("interview-desk-ui-tests-recordings")),
        // Never the real sound device (CI has none; a developer's would play).
        audio: AudioChoice::Fake(FakeClock::default()),
        ..AppOptions::default()
    }
}

/// The real app in a 1200 × 800 window.
fn window(options: AppOptions) -> Harness<'static, App> {
    Harness::builder().with_size([1200.0, 800.0]).build_eframe(move |cc| App::new(cc, options))
}

/// A demo server on loopback with its own runtime; stopped when dropped.
struct TestServer {
    server: Option<DemoServer>,
    _runtime: tokio::runtime::Runtime,
}

impl TestServer {
    fn start() -> Self {
        Self::start_with(interview_desk::demo::DemoOptions::default())
    }

    #[expect(clippy::unwrap_used, reason = "a fixture: a server that cannot start fails the test")]
    fn start_with(options: interview_desk::demo::DemoOptions) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let server = runtime.block_on(DemoServer::start_with(0, options)).unwrap();
        Self { server: Some(server), _runtime: runtime }
    }

    fn base_url(&self) -> &str {
        self.server.as_ref().map_or("", DemoServer::base_url)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown();
        }
    }
}

/// Selects all of the text field `label` and types `text` over it, as a user does.
fn type_into(harness: &mut Harness<'_, App>, role: Role, label: &str, text: &str) {
    harness.get_by_role_and_label(role, label).click();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_role_and_label(role, label).type_text(text);
    harness.step();
}

fn demo_app(save_to: Option<PathBuf>) -> Harness<'static, App> {
    let options = AppOptions { demo: true, dialog: Box::new(FixedSaveDialog(save_to)), ..test_options() };
    window(options)
}

/// Steps the app until `done` holds; panics with `what` after 15 s.
fn step_until(harness: &mut Harness<'_, App>, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.step();
}

fn open(harness: &mut Harness<'_, App>, id: &str) {
    open_without_waiting(harness, id);
    step_until(harness, "the interview to load or fail", |app| {
        app.session.current.as_ref().is_some_and(|c| !c.remote.is_pending())
    });
}

#[test]
fn demo_interview_opens_and_every_tab_shows_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("phone-interview.json");
    let mut harness = demo_app(Some(target.clone()));
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);

    open(&mut harness, &format!("https://app.instaview.sk/interviews/{DEMO_PHONE_INTERVIEW_ID}"));
    assert!(harness.state().session.current_record().is_some(), "the interview loaded");
    harness.get_by_label("COMPLETED");
    harness.get_by_label("Rating 78 / 100");

    // Names replace IDs once the candidate, agent and job lookups arrive.
    step_until(&mut harness, "the candidate, agent and job lookups", |app| {
        app.session.current_record().is_some_and(|record| app.related_records(&record).is_some())
    });
    assert!(
        harness.state().session.related.name(RelatedKind::Candidate, "a2d94b77-1c3e-4f58-b6a0-7e21c9d4f3b8").is_some()
    );
    assert_eq!(harness.get_all_by_label("Oliver Bennett").count(), 2, "in the header and the Candidate row");
    harness.get_by_label("Backend Engineer (Rust)  ·  Backend Phone Screen (EN) (Phone · Screening)");

    // Metadata: call attempts as a table with a recording link.
    harness.get_by_label("Call attempts");
    harness.get_by_label("No answer");
    harness.get_by_label("18:02");

    // Transcript: search shows a count and moves between matches.
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.run_steps(2);
    let search = harness.get_by_role_and_label(Role::TextInput, "Search transcript");
    search.click();
    harness.step();
    harness.get_by_role_and_label(Role::TextInput, "Search transcript").type_text("rust");
    harness.run_steps(3);
    let count = harness.state().edits.transcript.matches.len();
    assert!(count >= 3, "expected several matches for 'rust', got {count}");
    harness.get_by_label(&format!("1 of {count}"));
    harness.get_by_role_and_label(Role::Button, "Next").click();
    harness.run_steps(2);
    harness.get_by_label(&format!("2 of {count}"));

    // Analysis: the rating and the evaluation text.
    harness.get_by_role_and_label(Role::Button, "Analysis").click();
    harness.run_steps(3);
    harness.get_by_label("Overall rating");
    harness.get_by_label("78");
    harness.get_by_label("Strong points");

    // Export: Save as… writes the document where the dialog said.
    harness.get_by_role_and_label(Role::Button, "Export").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "Save as…").click();
    step_until(&mut harness, "the export to finish", |app| {
        matches!(app.session.export, Remote::Ready(ExportOutcome::Saved(..)))
    });
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(written["format"], "interview-desk.interview");
    assert_eq!(written["interview"]["id"], DEMO_PHONE_INTERVIEW_ID);
    harness.get_by_label_contains("Saved to");
}

#[test]
fn an_unknown_interview_shows_not_found_and_bad_input_is_explained() {
    let mut harness = demo_app(None);
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, "00000000-0000-4000-8000-000000000000");
    assert!(matches!(harness.state().session.current.as_ref().unwrap().remote, Remote::Failed { .. }));
    harness.get_by_label_contains("Not found (404)");
    harness.get_by_role_and_label(Role::Button, "Retry");

    harness.get_by_role_and_label(Role::TextInput, "Open interview:").click();
    harness.step();
    harness.get_by_role_and_label(Role::TextInput, "Open interview:").type_text("not-an-id");
    harness.step();
    harness.get_by_role_and_label(Role::Button, "Open").click();
    harness.run_steps(2);
    harness.get_by_label_contains("That is not an interview ID");
}

#[test]
fn the_connect_screen_saves_the_key_and_connects() {
    let server = TestServer::start();
    let store = Arc::new(MemoryStore::default());
    let config_dir = tempfile::tempdir().unwrap();
    let settings_file = config_dir.path().join("settings.json");
    let options = AppOptions {
        store: StoreChoice::Given(store.clone()),
        settings_path: Some(settings_file.clone()),
        ..test_options()
    };
    let mut harness = window(options);
    step_until(&mut harness, "the Connect screen", |app| app.session.screen == Screen::Connect);

    harness.get_by_role_and_label(Role::PasswordInput, "API key").click();
    harness.step();
    harness.get_by_role_and_label(Role::PasswordInput, "API key").type_text(DEMO_API_KEY);
    let base_url = harness.get_by_role_and_label(Role::TextInput, "Base URL");
    base_url.click();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_role_and_label(Role::TextInput, "Base URL").type_text(server.base_url());
    harness.step();
    harness.get_by_role_and_label(Role::Button, "Test connection").click();
    step_until(&mut harness, "the connection test", |app| app.session.connect.outcome().is_some());
    harness.get_by_label_contains("Connected: the server accepted the key.");

    harness.get_by_role_and_label(Role::Button, "Save").click();
    step_until(&mut harness, "the main screen", |app| app.session.screen == Screen::Main);
    assert_eq!(store.get("default").unwrap(), Some(ApiKey::new(DEMO_API_KEY).unwrap()));
    assert_eq!(harness.state().session.settings.get("default").unwrap().base_url, server.base_url());
    let persisted = serde_json::to_string(&harness.state().persisted()).unwrap();
    assert!(!persisted.contains(DEMO_API_KEY), "the key is never in persisted state");
    let file = std::fs::read_to_string(&settings_file).unwrap();
    assert!(file.contains(server.base_url()) && !file.contains(DEMO_API_KEY), "{file}");
    harness.get_by_role_and_label(Role::ComboBox, "Connection");

    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    assert!(harness.state().session.current_record().is_some());
    drop(harness);
}

#[test]
fn a_wrong_key_is_reported_on_the_connect_screen() {
    let server = TestServer::start();
    let options = test_options();
    let mut harness = window(options);
    step_until(&mut harness, "the Connect screen", |app| app.session.screen == Screen::Connect);
    type_into(&mut harness, Role::TextInput, "Base URL", server.base_url());
    type_into(&mut harness, Role::PasswordInput, "API key", "sk_test_wrong");
    harness.get_by_role_and_label(Role::Button, "Test connection").click();
    step_until(&mut harness, "the connection test", |app| app.session.connect.outcome().is_some());
    harness.get_by_label_contains("The API key was not accepted (401)");
    drop(harness);
}

#[test]
fn the_interview_list_shows_names_and_opens_a_row() {
    let mut harness = demo_app(None);
    step_until(&mut harness, "the first page of interviews", |app| app.session.list.items().len() >= 10);
    step_until(&mut harness, "the candidates' names", |app| {
        app.session.related.name(RelatedKind::Candidate, "69c1f13c-2d5f-41ff-9aa5-b0d10bd8c32a").is_some()
    });
    // The filters have names a screen reader can say (they show no label).
    harness.get_by_role_and_label(Role::ComboBox, "Status filter");
    harness.get_by_role_and_label(Role::ComboBox, "Agent filter");
    harness.get_by_label_contains("Ľubica Šťastná").click();
    step_until(&mut harness, "the Slovak interview to load", |app| app.session.current_record().is_some());
    assert_eq!(harness.state().session.current.as_ref().unwrap().id, "0aa3dec6-75e3-470e-a1b2-b1a3d7588ea3");

    // The text filter narrows what is loaded; the status filter asks the server again.
    harness.get_by_role_and_label(Role::TextInput, "Filter loaded").click();
    harness.step();
    harness.get_by_role_and_label(Role::TextInput, "Filter loaded").type_text("misaki");
    harness.run_steps(2);
    let app = harness.state();
    let visible =
        app.session.list.visible(&app.edits.filters.text, |kind, id| app.session.related.name(kind, id)).count();
    assert_eq!(visible, 1);
}

#[test]
fn a_server_that_demands_a_candidate_gets_the_candidate_picker() {
    let options = interview_desk::demo::DemoOptions { require_candidate_filter: true, ..Default::default() };
    let server = TestServer::start_with(options);
    let app_options = test_options();
    let mut harness = window(app_options);
    step_until(&mut harness, "the Connect screen", |app| app.session.screen == Screen::Connect);
    type_into(&mut harness, Role::TextInput, "Base URL", server.base_url());
    type_into(&mut harness, Role::PasswordInput, "API key", DEMO_API_KEY);
    harness.get_by_role_and_label(Role::Button, "Save").click();
    step_until(&mut harness, "the server's refusal", |app| app.session.list.needs_candidate);
    step_until(&mut harness, "the candidate search", |app| matches!(app.session.list.candidates, Some(Ok(_))));
    harness.get_by_role_and_label(Role::TextInput, "Find candidate").click();
    harness.step();
    harness.get_by_role_and_label(Role::TextInput, "Find candidate").type_text("bennett");
    harness.step();
    harness.get_by_role_and_label(Role::Button, "Search").click();
    harness.run_steps(2);
    step_until(
        &mut harness,
        "the search for Bennett",
        |app| matches!(&app.session.list.candidates, Some(Ok(found)) if found.len() == 1),
    );
    harness.get_by_label("Oliver Bennett").click();
    step_until(&mut harness, "Oliver Bennett's interviews", |app| {
        !app.session.list.is_loading() && !app.session.list.items().is_empty()
    });
    assert_eq!(harness.state().session.list.items().len(), 2, "Oliver Bennett has two interviews");
    harness.get_by_label_contains("Candidate: Oliver Bennett");
    drop(harness);
}

#[test]
fn a_running_interview_is_live_and_refreshes_in_place() {
    let mut harness = demo_app(None);
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, "613fba9c-474b-44c4-a101-40ac7da54ecd");
    harness.get_by_label("LIVE");
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::TextInput, "Search transcript").click();
    harness.step();
    harness.get_by_role_and_label(Role::TextInput, "Search transcript").type_text("the");
    harness.run_steps(2);
    let first_load = harness.state().session.current.as_ref().unwrap().live.loaded_at;
    harness.get_by_role_and_label(Role::Button, "Refresh").click();
    step_until(&mut harness, "the refresh", |app| app.session.current.as_ref().unwrap().live.loaded_at != first_load);
    let app = harness.state();
    assert_eq!(app.edits.tab, interview_desk::app::Tab::Transcript, "the tab is kept");
    assert_eq!(app.edits.transcript.query, "the", "the search is kept");
    assert!(app.session.current.as_ref().unwrap().live.next_at.is_some(), "still live");
}

#[test]
fn the_demo_faults_are_survived_or_explained() {
    use interview_desk::demo::faults::{FAULT_HTML, FAULT_RATE_LIMITED_ONCE, FAULT_SUSPENDED, FAULT_UNAVAILABLE_TWICE};
    let mut harness = demo_app(None);
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);

    open_without_waiting(&mut harness, FAULT_RATE_LIMITED_ONCE);
    step_until(&mut harness, "the rate-limit notice", |app| app.session.notice.is_some());
    harness.get_by_label("rate limited, retrying in 2 s");
    step_until(&mut harness, "the retry to succeed", |app| app.session.current_record().is_some());

    open(&mut harness, FAULT_UNAVAILABLE_TWICE);
    assert!(harness.state().session.current_record().is_some(), "two 503s are retried away");

    open(&mut harness, FAULT_HTML);
    harness.get_by_label_contains("text/html");

    open(&mut harness, FAULT_SUSPENDED);
    harness.get_by_label_contains("API key suspended (Invoice overdue (demo fault))");
    harness.get_by_label_contains("ask your Instaview administrator to reactivate it");
    assert!(harness.state().session.quota.is_some(), "the quota headers are shown");
    harness.get_by_label_contains("API quota left:");
}

fn open_without_waiting(harness: &mut Harness<'_, App>, id: &str) {
    harness.get_by_role_and_label(Role::TextInput, "Open interview:").click();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_role_and_label(Role::TextInput, "Open interview:").type_text(id);
    harness.step();
    harness.get_by_role_and_label(Role::Button, "Open").click();
    harness.step();
}

#[test]
fn a_search_from_the_command_line_jumps_to_matches_far_down_a_long_transcript() {
    let options = AppOptions {
        demo: true,
        open: Some(interview_desk::demo::DEMO_LONG_INTERVIEW_ID.to_owned()),
        tab: Some(interview_desk::app::Tab::Transcript),
        automation: Automation { search: Some("kubernetes".to_owned()), ..Automation::default() },
        ..test_options()
    };
    let mut harness = window(options);
    step_until(&mut harness, "the long interview with its search", |app| {
        app.session.current.is_some() && app.edits.transcript.matches.len() == 7
    });
    // The speakers' names change the rows' heights when they arrive: jump once they are in.
    step_until(&mut harness, "the names", |app| {
        app.session.current_record().is_some_and(|record| app.related_records(&record).is_some())
    });
    harness.run_steps(3);
    harness.get_by_label("1 of 7");
    for _ in 0..6 {
        harness.get_by_role_and_label(Role::Button, "Next").click();
        harness.run_steps(3);
    }
    harness.get_by_label("7 of 7");
    let app = harness.state();
    let turn = app.edits.transcript.current_turn().unwrap();
    assert!(turn > 1000, "the last mention is far down (turn {turn})");
    let record = app.session.current_record().unwrap();
    let interview_desk::api::transcript::Transcript::Turns(turns) = &record.interview.transcript else {
        panic!("the long interview has turns")
    };
    let text = turns[turn].text.clone();
    assert!(harness.get_all_by_label(&text).count() >= 1, "turn {turn} is on screen: {text}");
}

#[test]
fn interviews_are_compared_side_by_side() {
    let mut harness = demo_app(None);
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    // The Slovak and German interviews: Latin scripts, which the test harness's fonts cover.
    for id in [DEMO_PHONE_INTERVIEW_ID, "0aa3dec6-75e3-470e-a1b2-b1a3d7588ea3", "ec0f0ec3-0d2c-4225-88a5-bfefcc46fa88"]
    {
        open(&mut harness, id);
        harness.get_by_role_and_label(Role::Button, "Add to comparison").click();
        harness.run_steps(2);
        harness.get_by_role_and_label(Role::Button, "Remove from comparison");
    }
    step_until(&mut harness, "the names", |app| {
        app.session.related.name(RelatedKind::Candidate, "69c1f13c-2d5f-41ff-9aa5-b0d10bd8c32a").is_some()
    });
    harness.get_by_label("Compare (3)").click();
    harness.run_steps(3);
    harness.get_by_label("Compare interviews");
    for name in ["Oliver Bennett", "Ľubica Šťastná", "Katharina Müller-Voß"] {
        assert!(harness.get_all_by_label(name).count() >= 1, "{name} is in the comparison");
    }
    let ratings: Vec<String> =
        harness.state().session.compare.iter().map(|r| format!("{}", r.interview.overall_rating().unwrap())).collect();
    assert_eq!(ratings.len(), 3);
    for rating in &ratings {
        assert!(harness.get_all_by_label(rating).count() >= 1, "rating {rating} is in the table");
    }
    // The German language test is the only one with pronunciation scores: not a shared metric.
    assert!(harness.query_by_label_contains("pronunciationScores").is_none());
    harness.get_all_by_role_and_label(Role::Button, "Remove").next().unwrap().click();
    harness.run_steps(2);
    assert_eq!(harness.state().session.compare.len(), 2);
}

#[test]
fn a_header_click_made_as_the_names_change_is_not_lost() {
    let mut harness = demo_app(None);
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    step_until(&mut harness, "the names", |app| {
        app.session.current_record().is_some_and(|record| app.related_records(&record).is_some())
    });
    harness.get_by_label("Backend Engineer (Rust)  ·  Backend Phone Screen (EN) (Phone · Screening)");
    // The click lands in the frame in which the names go away, as it does when the lookups
    // answer just as the user clicks: nothing in the header may move.
    let before = harness.get_by_role_and_label(Role::Button, "Add to comparison").rect();
    harness.get_by_role_and_label(Role::Button, "Add to comparison").click();
    let names = std::mem::take(&mut harness.state_mut().session.related);
    harness.run_steps(2);
    assert_eq!(harness.state().session.compare.len(), 1, "the click added the interview");
    // Neither the header nor the list beside it (rows with or without long job titles) moves it.
    assert_eq!(harness.get_by_role_and_label(Role::Button, "Remove from comparison").rect().min, before.min);
    harness.get_by_role_and_label(Role::Button, "Remove from comparison");
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.state_mut().session.related = names;
    harness.run_steps(2);
    assert_eq!(harness.state().edits.tab, interview_desk::app::Tab::Transcript, "the tab bar took the click");
}

/// Fails when two of the named widgets overlap or one sticks out of a window `width` wide.
fn assert_laid_out_side_by_side(harness: &Harness<'_, App>, width: f32, widgets: &[(Role, &str)]) {
    let rects: Vec<(&str, egui::Rect)> =
        widgets.iter().map(|(role, label)| (*label, harness.get_by_role_and_label(*role, label).rect())).collect();
    for (i, (a, ra)) in rects.iter().enumerate() {
        assert!(ra.min.x >= 0.0 && ra.max.x <= width, "{a} is inside the {width} px window: {ra:?}");
        for (b, rb) in rects.iter().skip(i + 1) {
            let overlap_x = ra.max.x.min(rb.max.x) - ra.min.x.max(rb.min.x);
            let overlap_y = ra.max.y.min(rb.max.y) - ra.min.y.max(rb.min.y);
            assert!(overlap_x <= 0.5 || overlap_y <= 0.5, "{a} {ra:?} overlaps {b} {rb:?} at {width} px");
        }
    }
}

#[test]
fn nothing_overlaps_in_a_narrow_window() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    // A long connection name is cut short in the switcher.
    let name = "Production EU – recruiting team (shared key, do not delete)";
    let store = Arc::new(MemoryStore::default());
    let settings = saved_connections(dir.path(), &server, store.as_ref(), &[(name, None)]);
    let header = [(Role::Button, "Copy ID"), (Role::Button, "Refresh"), (Role::Button, "Add to comparison")];
    for demo in [true, false] {
        let mut harness = if demo { demo_app(None) } else { app_with(store.clone(), Some(settings.clone()), None) };
        step_until(&mut harness, "the connection", |app| app.session.screen == Screen::Main);
        open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
        let mut top_bar =
            vec![(Role::TextInput, "Open interview:"), (Role::Button, "Open"), (Role::Button, "Compare (0)")];
        top_bar.extend(if demo {
            [(Role::Label, "DEMO"), (Role::Button, "Connection…")].as_slice()
        } else {
            [(Role::ComboBox, "Connection")].as_slice()
        });
        for width in [720.0, 900.0, 1200.0] {
            harness.set_size(egui::vec2(width, 600.0));
            harness.run_steps(4);
            assert_laid_out_side_by_side(&harness, width, &top_bar);
            assert_laid_out_side_by_side(&harness, width, &header);
        }
        // A running interview's LIVE badge and age move to the next line whole, never a letter
        // or a word at a time.
        open(&mut harness, "613fba9c-474b-44c4-a101-40ac7da54ecd");
        for width in [720.0, 800.0, 900.0] {
            harness.set_size(egui::vec2(width, 600.0));
            harness.run_steps(4);
            for text in ["LIVE", "updated"] {
                let rect = harness.get_by_label_contains(text).rect();
                assert!(rect.height() < 24.0 && rect.max.x <= width, "{text} at {width} px: {rect:?}");
            }
        }
    }
}

#[test]
fn the_speaker_filter_limits_turns_and_matches() {
    let mut harness = demo_app(None);
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::TextInput, "Search transcript").click();
    harness.step();
    harness.get_by_role_and_label(Role::TextInput, "Search transcript").type_text("rust");
    harness.run_steps(2);
    let all = harness.state().edits.transcript.matches.len();
    harness.get_by_label("Speakers").click();
    harness.run_steps(2);
    harness.get_by_label("Candidate only").click();
    harness.run_steps(3);
    let view = &harness.state().edits.transcript;
    assert_eq!(view.speakers, interview_desk::app::transcript_view::SpeakerFilter::Candidate);
    assert!(view.matches.len() < all && !view.matches.is_empty(), "{} of {all}", view.matches.len());
    assert!(harness.query_by_label("Agent").is_none(), "no agent turn is shown");
}

#[test]
fn a_scripted_run_connects_with_the_given_url_and_key_and_saves_nothing() {
    let server = TestServer::start();
    let store = Arc::new(MemoryStore::default());
    let config = interview_desk::api::ApiConfig::new(server.base_url(), None);
    let options = AppOptions {
        store: StoreChoice::Given(store.clone()),
        open: Some(DEMO_PHONE_INTERVIEW_ID.to_owned()),
        automation: Automation {
            connection: Some((config, ApiKey::new(DEMO_API_KEY).unwrap())),
            ..Automation::default()
        },
        ..test_options()
    };
    let mut harness = window(options);
    step_until(&mut harness, "the interview", |app| app.session.current_record().is_some());
    assert_eq!(store.get("default").unwrap(), None, "the key is not saved");
    assert!(harness.state().session.settings.profiles.is_empty(), "the URL is not remembered");

    // The switcher names the one-off connection, and "Sign out" cannot delete the saved key
    // of the connection called "default", which is not the one in use.
    store.set("default", &ApiKey::new("sk_test_saved_default").unwrap()).unwrap();
    let switcher = harness.get_by_role_and_label(Role::ComboBox, "Connection");
    assert_eq!(switcher.value().as_deref(), Some("This run only"));
    harness.get_by_role_and_label(Role::ComboBox, "Connection").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "Sign out").click();
    harness.get_by_role_and_label(Role::Button, "Delete connection…").click();
    harness.get_by_role_and_label(Role::Button, "Edit connection…").click();
    harness.run_steps(3);
    assert_eq!(store.get("default").unwrap(), Some(ApiKey::new("sk_test_saved_default").unwrap()));
    assert_eq!(harness.state().session.screen, Screen::Main);
    assert!(harness.state().session.delete_connection.is_none());
    drop(harness);
}

#[test]
fn interviews_picked_in_the_list_are_exported_into_a_folder_with_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("exports");
    let mut harness = demo_app(Some(folder.clone()));
    step_until(&mut harness, "the list", |app| {
        app.session.screen == Screen::Main && app.session.list.items().len() >= 13
    });

    harness.get_by_role_and_label(Role::Button, "Select…").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "All shown (13)").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "Export 13…").click();
    step_until(&mut harness, "the bulk export", |app| {
        app.session.bulk_job.as_ref().is_some_and(|job| job.finished.is_some())
    });
    harness.get_by_label("13 of 13");
    harness.get_by_label_contains("Done. manifest.json lists every file");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["files"].as_array().unwrap().len(), 13);
    harness.get_by_role_and_label(Role::Button, "Close").click();
    harness.run_steps(2);
    assert!(harness.state().session.bulk_job.is_none());

    // A failure is listed with its reason and can be retried.
    let missing = "11111111-2222-4333-8444-555555555555";
    harness.state_mut().edits.bulk.selected = vec![DEMO_PHONE_INTERVIEW_ID.to_owned(), missing.to_owned()];
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "Export 2…").click();
    step_until(&mut harness, "the second export", |app| {
        app.session.bulk_job.as_ref().is_some_and(|job| job.finished.is_some())
    });
    harness.get_by_label("1 interview(s) failed:");
    harness.get_by_label(missing);
    harness.get_by_label_contains("Not found (404)");
    harness.get_by_label_contains("1 unchanged (skipped)");
    harness.get_by_role_and_label(Role::Button, "Retry failed").click();
    step_until(&mut harness, "the retry", |app| {
        app.session.bulk_job.as_ref().is_some_and(|job| job.finished.is_some() && job.targets.len() == 1)
    });
    harness.get_by_label("1 of 1");
}

/// With no file-chooser portal (a bare window manager, WSL) the dialog never appears; the
/// Export tab says so and offers a path field instead of silently doing nothing.
#[test]
fn without_a_file_dialog_the_export_tab_offers_a_path_field() {
    let options = AppOptions {
        demo: true,
        open: Some(DEMO_PHONE_INTERVIEW_ID.to_owned()),
        tab: Some(interview_desk::app::Tab::Export),
        dialog: Box::new(interview_desk::dialog::NoDialog),
        ..test_options()
    };
    let mut harness = window(options);
    step_until(&mut harness, "the interview", |app| app.session.current_record().is_some());
    harness.get_by_role_and_label(Role::CheckBox, "Include the transcript").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "Save as…").click();
    step_until(&mut harness, "the missing dialog", |app| {
        matches!(app.session.export, Remote::Ready(ExportOutcome::NoDialog))
    });
    harness.get_by_label_contains("No file dialog could be opened");
    assert!(harness.state().edits.fallback_path.ends_with(".json"), "a path is suggested");

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("typed-by-hand");
    type_into(&mut harness, Role::TextInput, "Path", &target.display().to_string());
    harness.get_by_role_and_label(Role::Button, "Save here").click();
    step_until(&mut harness, "the export", |app| matches!(app.session.export, Remote::Ready(ExportOutcome::Saved(..))));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(target.with_extension("json")).unwrap()).unwrap();
    assert_eq!(written["interview"]["id"], DEMO_PHONE_INTERVIEW_ID);
    assert!(written["interview"].get("transcript").is_none(), "the transcript option was off");
    assert_eq!(written["omitted"][0], "transcript");
}

/// A memory store named "Test keyring" that a test can break (every call fails with `broken`)
/// or lock (reads and deletions fail while `locked`), and that counts reads.
#[derive(Default)]
struct TestStore {
    inner: MemoryStore,
    broken: Option<CredentialError>,
    locked: AtomicBool,
    reads: AtomicUsize,
}

impl TestStore {
    fn broken(error: CredentialError) -> Self {
        Self { broken: Some(error), ..Self::default() }
    }

    fn refusal(&self, locked_too: bool) -> Result<(), CredentialError> {
        match &self.broken {
            Some(error) => Err(error.clone()),
            None if locked_too && self.locked.load(SeqCst) => {
                Err(CredentialError::Locked("collection is locked".into()))
            }
            None => Ok(()),
        }
    }
}

impl SecretStore for TestStore {
    fn name(&self) -> String {
        "Test keyring".to_owned()
    }

    fn is_persistent(&self) -> bool {
        true
    }

    fn get(&self, account: &str) -> Result<Option<ApiKey>, CredentialError> {
        self.refusal(true)?;
        self.reads.fetch_add(1, SeqCst);
        self.inner.get(account)
    }

    fn set(&self, account: &str, key: &ApiKey) -> Result<(), CredentialError> {
        self.refusal(false)?;
        self.inner.set(account, key)
    }

    fn delete(&self, account: &str) -> Result<(), CredentialError> {
        self.refusal(true)?;
        self.inner.delete(account)
    }
}

/// Saves these (name, company ID) connections to the demo `server` in a connections file in
/// `dir`, with the demo key for each in `store`; returns the file's path.
fn saved_connections(
    dir: &std::path::Path,
    server: &TestServer,
    store: &dyn SecretStore,
    connections: &[(&str, Option<&str>)],
) -> PathBuf {
    let key = ApiKey::new(DEMO_API_KEY);
    for (name, _) in connections {
        let saved = key.clone().map(|key| store.set(name, &key));
        assert!(matches!(saved, Ok(Ok(()))), "{saved:?}");
    }
    let profiles: Vec<_> = connections.iter().map(|(name, company)| (*name, server.base_url(), *company)).collect();
    write_settings(dir, &profiles)
}

/// "Production" and "Staging" (company "acme"), as [`saved_connections`] saves them.
const TWO_CONNECTIONS: [(&str, Option<&str>); 2] = [("Production", None), ("Staging", Some("acme"))];

/// Opens the top bar's Connection box and clicks `item` in it: a connection or an action. The
/// click is applied at the end of its frame, and a window it opens is measured in the next
/// frame and drawn in the one after.
fn pick_in_connection_box(harness: &mut Harness<'_, App>, item: &str) {
    harness.get_by_role_and_label(Role::ComboBox, "Connection").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, item).click();
    harness.run_steps(3);
}

/// The real app with `store`, the connections file `settings_path` and `--profile`.
fn app_with(
    store: Arc<dyn SecretStore>,
    settings_path: Option<PathBuf>,
    profile: Option<&str>,
) -> Harness<'static, App> {
    let options = AppOptions {
        store: StoreChoice::Given(store),
        profile: profile.map(str::to_owned),
        settings_path,
        ..test_options()
    };
    window(options)
}

/// Writes a connections file with these (name, base URL, company ID) profiles.
fn write_settings(dir: &std::path::Path, profiles: &[(&str, &str, Option<&str>)]) -> PathBuf {
    let mut settings = Settings::default();
    for (name, base_url, company) in profiles {
        settings.upsert(Profile::new(name, &interview_desk::api::ApiConfig::new(base_url, *company)));
    }
    let path = dir.join("settings.json");
    let saved = settings.save(&path);
    assert!(saved.is_ok(), "{saved:?}");
    path
}

#[test]
fn every_keyring_failure_has_its_own_message_and_next_step_on_the_connect_screen() {
    let cases = [
        (CredentialError::Unavailable("no bus".into()), "No OS keyring service was found", true),
        (CredentialError::Locked("locked".into()), "The OS keyring is locked", true),
        (CredentialError::AccessDenied("denied".into()), "was denied by Test keyring", true),
        (CredentialError::TooLong { limit: 2560 }, "too long for Test keyring (at most 2560 bytes)", false),
        (CredentialError::TimedOut(10), "did not answer within 10 s", true),
        (CredentialError::Other("boom".into()), "The OS keyring failed", true),
    ];
    let messages: Vec<&str> = cases.iter().map(|(_, message, _)| *message).collect();
    for (error, message, retry) in cases.clone() {
        let mut harness = app_with(Arc::new(TestStore::broken(error.clone())), None, None);
        step_until(&mut harness, "the Connect screen", |app| app.session.screen == Screen::Connect);
        harness.run_steps(2);
        harness.get_by_label_contains(message);
        for other in messages.iter().filter(|m| **m != message) {
            assert!(harness.query_by_label_contains(other).is_none(), "{error:?} shows only its own message");
        }
        assert_eq!(harness.query_by_role_and_label(Role::Button, "Retry").is_some(), retry, "{error:?}");
        harness.get_by_role_and_label(Role::Button, "Use for this run only");
        assert!(harness.query_by_label_contains("No key is saved yet").is_none(), "an error is not 'no key'");
    }
    // No key saved yet is not an error: it says so, with no Retry.
    let mut harness = app_with(Arc::new(MemoryStore::default()), None, None);
    step_until(&mut harness, "the Connect screen", |app| app.session.screen == Screen::Connect);
    harness.run_steps(2);
    harness.get_by_label_contains("No key is saved yet for “default” in memory (this run only)");
    harness.get_by_label_contains("Key store: memory (this run only)");
    assert!(harness.query_by_role_and_label(Role::Button, "Retry").is_none());
}

#[test]
fn a_locked_keyring_can_be_retried_and_a_too_long_key_keeps_the_saved_one() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let settings = write_settings(dir.path(), &[("default", server.base_url(), None)]);

    // Locked at start; the user unlocks it and clicks Retry: the key is read and used.
    let store = Arc::new(TestStore { locked: AtomicBool::new(true), ..TestStore::default() });
    store.inner.set("default", &ApiKey::new(DEMO_API_KEY).unwrap()).unwrap();
    let mut harness = app_with(store.clone(), Some(settings.clone()), None);
    step_until(&mut harness, "the Connect screen", |app| app.session.screen == Screen::Connect);
    harness.run_steps(2);
    harness.get_by_label_contains("Unlock the keyring");
    store.locked.store(false, SeqCst);
    harness.get_by_role_and_label(Role::Button, "Retry").click();
    step_until(&mut harness, "the main screen", |app| app.session.screen == Screen::Main);
    drop(harness);

    // A store with a size limit (like Windows Credential Manager): the oversize key is refused
    // before the write and the saved key stays.
    let keyring: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let limited = Arc::new(KeyringStore::new(keyring, "Windows Credential Manager", true).with_limit(2560));
    limited.set("default", &ApiKey::new("sk_test_previous").unwrap()).unwrap();
    let mut harness = app_with(limited.clone(), Some(settings), None);
    step_until(&mut harness, "the main screen", |app| app.session.screen == Screen::Main);
    pick_in_connection_box(&mut harness, "Edit connection…");
    type_into(&mut harness, Role::PasswordInput, "API key", &format!("sk_{}", "x".repeat(1300)));
    harness.get_by_role_and_label(Role::Button, "Save").click();
    step_until(&mut harness, "the refusal", |app| app.session.connect.key_problem.is_some());
    harness.get_by_label_contains("too long for Windows Credential Manager (at most 2560 bytes)");
    harness.get_by_label_contains("a previously saved key is unchanged");
    assert_eq!(limited.get("default").unwrap(), Some(ApiKey::new("sk_test_previous").unwrap()));
    drop(harness);
}

#[test]
fn switching_connections_clears_the_other_connections_data_and_reads_each_key_once() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(TestStore::default());
    let settings = saved_connections(dir.path(), &server, store.as_ref(), &TWO_CONNECTIONS);
    let mut harness = app_with(store.clone(), Some(settings.clone()), Some("Production"));
    step_until(&mut harness, "the main screen", |app| app.session.screen == Screen::Main);
    assert_eq!(harness.state().session.profile, "Production", "--profile picks the connection");
    open_without_waiting(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    step_until(&mut harness, "the interview", |app| app.session.current_record().is_some());
    step_until(&mut harness, "the list", |app| !app.session.list.items().is_empty());

    pick_in_connection_box(&mut harness, "Staging");
    let app = harness.state();
    assert_eq!(app.session.profile, "Staging");
    assert!(app.session.current.is_none(), "the other connection's interview is closed");
    assert!(app.session.compare.is_empty());
    step_until(&mut harness, "the Staging connection", |app| app.session.screen == Screen::Main);
    assert_eq!(harness.state().session.active.as_ref().unwrap().company_id.as_deref(), Some("acme"));

    // Back and forth again: no keyring reads beyond the first one per connection.
    for name in ["Production", "Staging", "Production"] {
        pick_in_connection_box(&mut harness, name);
        assert_eq!(harness.state().session.screen, Screen::Main);
    }
    assert_eq!(store.reads.load(SeqCst), 2, "each key read once this run");
    step_until(&mut harness, "the last switch written", |_| {
        Settings::load(&settings).is_ok_and(|saved| saved.last_used.as_deref() == Some("Production"))
    });
    drop(harness);
}

#[test]
fn sign_out_removes_the_key_and_says_so() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let settings = saved_connections(dir.path(), &server, store.as_ref(), &[("default", None)]);
    let mut harness = app_with(store.clone(), Some(settings.clone()), None);
    step_until(&mut harness, "the main screen", |app| app.session.screen == Screen::Main);
    pick_in_connection_box(&mut harness, "Sign out");
    step_until(&mut harness, "the Connect screen", |app| app.session.screen == Screen::Connect);
    harness.get_by_label_contains("Signed out: the key for “default” was removed from memory (this run only).");
    assert_eq!(store.get("default").unwrap(), None);
    assert!(!harness.state().session.has_key && harness.state().session.active.is_none());
    assert!(Settings::load(&settings).unwrap().get("default").is_some(), "the connection itself stays");
    drop(harness);
}

#[test]
fn deleting_a_connection_removes_its_key_and_settings_and_moves_to_the_next() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let settings = saved_connections(dir.path(), &server, store.as_ref(), &TWO_CONNECTIONS);
    let mut harness = app_with(store.clone(), Some(settings.clone()), Some("Staging"));
    step_until(&mut harness, "the main screen", |app| app.session.screen == Screen::Main);

    // Cancel keeps everything.
    pick_in_connection_box(&mut harness, "Delete connection…");
    harness.get_by_label("Delete the connection “Staging”?");
    harness.get_by_role_and_label(Role::Button, "Cancel").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Delete the connection “Staging”?").is_none());
    assert!(store.get("Staging").unwrap().is_some());

    pick_in_connection_box(&mut harness, "Delete connection…");
    harness.get_by_role_and_label(Role::Button, "Delete").click();
    step_until(&mut harness, "the deletion", |app| {
        matches!(app.session.delete_connection, Some(interview_desk::app::DeleteConnection::Deleted { .. }))
    });
    harness.get_by_label("Deleted the connection “Staging”; no key of it is left in memory (this run only).");
    assert_eq!(store.get("Staging").unwrap(), None);
    step_until(&mut harness, "Staging gone from the file", |_| {
        Settings::load(&settings).is_ok_and(|saved| saved.get("Staging").is_none() && saved.get("Production").is_some())
    });
    step_until(&mut harness, "the remaining connection", |app| app.session.screen == Screen::Main);
    assert_eq!(harness.state().session.profile, "Production");
    harness.get_by_role_and_label(Role::Button, "Close").click();
    harness.run_steps(2);
    assert!(harness.state().session.delete_connection.is_none());

    // The last one: a new connection form follows.
    pick_in_connection_box(&mut harness, "Delete connection…");
    harness.get_by_role_and_label(Role::Button, "Delete").click();
    step_until(&mut harness, "the New connection form", |app| app.session.screen == Screen::Connect);
    assert!(harness.state().session.connect.new_profile);
    step_until(&mut harness, "no connection left in the file", |_| {
        Settings::load(&settings).is_ok_and(|saved| saved.profiles.is_empty())
    });
    assert_eq!(store.get("Production").unwrap(), None);
    // Nothing is left to edit or delete: no ghost "default" connection.
    harness.get_by_role_and_label(Role::Button, "Close").click();
    harness.run_steps(2);
    let switcher = harness.get_by_role_and_label(Role::ComboBox, "Connection");
    assert_eq!(switcher.value().as_deref(), Some("No connection"));
    pick_in_connection_box(&mut harness, "Delete connection…");
    assert!(harness.state().session.delete_connection.is_none(), "Delete connection… is disabled");
    drop(harness);
}

#[test]
fn connections_added_on_the_command_line_meanwhile_are_kept_and_a_taken_name_is_refused() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let settings = saved_connections(dir.path(), &server, store.as_ref(), &[("alpha", None)]);
    let mut harness = app_with(store.clone(), Some(settings.clone()), Some("alpha"));
    step_until(&mut harness, "the main screen", |app| app.session.screen == Screen::Main);

    // `key set --profile gamma` in a terminal while the window is open.
    let mut file = Settings::load(&settings).unwrap();
    file.upsert(Profile::new("gamma", &interview_desk::api::ApiConfig::new(server.base_url(), None)));
    file.save(&settings).unwrap();
    store.set("gamma", &ApiKey::new(DEMO_API_KEY).unwrap()).unwrap();

    // A new connection may not take gamma's name (it would replace gamma's key).
    harness.get_by_role_and_label(Role::ComboBox, "Connection").click();
    step_until(&mut harness, "the file read again", |app| app.session.settings.get("gamma").is_some());
    harness.get_by_role_and_label(Role::Button, "gamma");
    harness.get_by_role_and_label(Role::Button, "New connection…").click();
    harness.run_steps(2);
    type_into(&mut harness, Role::TextInput, "Connection name", "gamma");
    type_into(&mut harness, Role::PasswordInput, "API key", "sk_test_another_key");
    type_into(&mut harness, Role::TextInput, "Base URL", server.base_url());
    harness.get_by_role_and_label(Role::Button, "Save").click();
    step_until(&mut harness, "the refusal", |app| app.session.connect.outcome().is_some());
    harness.get_by_label_contains("A connection named “gamma” exists already");
    assert_eq!(store.get("gamma").unwrap(), Some(ApiKey::new(DEMO_API_KEY).unwrap()));

    // Deleting alpha keeps gamma in the file and moves to it.
    pick_in_connection_box(&mut harness, "alpha");
    step_until(&mut harness, "alpha again", |app| app.session.screen == Screen::Main);
    pick_in_connection_box(&mut harness, "Delete connection…");
    harness.get_by_role_and_label(Role::Button, "Delete").click();
    step_until(&mut harness, "gamma", |app| app.session.profile == "gamma" && app.session.screen == Screen::Main);
    step_until(&mut harness, "only gamma left in the file", |_| {
        let names: Vec<String> =
            Settings::load(&settings).map(|s| s.profiles).unwrap_or_default().into_iter().map(|p| p.name).collect();
        names == ["gamma"]
    });
    drop(harness);
}

#[test]
fn a_keyring_that_refuses_the_deletion_keeps_the_connection() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(TestStore::default());
    let settings = saved_connections(dir.path(), &server, store.as_ref(), &[("default", None)]);
    let mut harness = app_with(store.clone(), Some(settings.clone()), None);
    step_until(&mut harness, "the main screen", |app| app.session.screen == Screen::Main);
    store.locked.store(true, SeqCst);
    pick_in_connection_box(&mut harness, "Delete connection…");
    harness.get_by_role_and_label(Role::Button, "Delete").click();
    step_until(&mut harness, "the refusal", |app| {
        matches!(app.session.delete_connection, Some(interview_desk::app::DeleteConnection::Failed { .. }))
    });
    harness.get_by_label("The connection “default” is kept.");
    assert!(Settings::load(&settings).unwrap().get("default").is_some());
    assert_eq!(harness.state().session.screen, Screen::Main, "the open connection still works");
    store.locked.store(false, SeqCst);
    harness.get_by_role_and_label(Role::Button, "Retry").click();
    step_until(&mut harness, "the deletion", |app| app.session.screen == Screen::Connect);
    step_until(&mut harness, "the connection gone from the file", |_| {
        Settings::load(&settings).is_ok_and(|saved| saved.get("default").is_none())
    });
    drop(harness);
}

#[test]
fn a_key_saved_by_the_earlier_version_is_found_under_the_default_connection() {
    let server = TestServer::start();
    // The earlier version wrote service "interview-desk", account "default" directly.
    let keyring: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
    keyring_core::Entry::new_in_store(&keyring, "interview-desk", "default")
        .unwrap()
        .set_password(DEMO_API_KEY)
        .unwrap();
    let store = Arc::new(KeyringStore::new(keyring, "Secret Service", true));
    // Its base URL, migrated from the window's old settings into the "default" connection.
    let mut migrated = Settings::default();
    assert!(migrated.migrate_legacy(server.base_url(), ""));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    migrated.save(&path).unwrap();
    let mut harness = app_with(store, Some(path), None);
    step_until(&mut harness, "the main screen", |app| app.session.screen == Screen::Main);
    assert_eq!(harness.state().session.profile, "default");
    assert_eq!(harness.state().session.active.as_ref().unwrap().base_url, server.base_url());
    drop(harness);
}

#[test]
fn demo_mode_needs_no_keyring_and_writes_no_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let failing: Arc<dyn SecretStore> = Arc::new(TestStore::broken(CredentialError::Unavailable("none".into())));
    let options = AppOptions {
        store: StoreChoice::Given(failing),
        demo: true,
        settings_path: Some(path.clone()),
        ..test_options()
    };
    let mut harness = window(options);
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    assert!(harness.query_by_role_and_label(Role::ComboBox, "Connection").is_none());
    assert!(!path.exists(), "demo mode writes no settings");
}

#[test]
fn cancel_stops_a_bulk_export_promptly_and_leaves_complete_files() {
    let options = interview_desk::demo::DemoOptions {
        rate_limit_per_minute: Some(300),
        extra_interviews: 40,
        ..Default::default()
    };
    let server = TestServer::start_with(options);
    let dir = tempfile::tempdir().unwrap();
    let config = interview_desk::api::ApiConfig::new(server.base_url(), None);
    let options = AppOptions {
        dialog: Box::new(FixedSaveDialog(Some(dir.path().to_owned()))),
        automation: Automation {
            connection: Some((config, ApiKey::new(DEMO_API_KEY).unwrap())),
            ..Automation::default()
        },
        ..test_options()
    };
    let mut harness = window(options);
    step_until(&mut harness, "the list", |app| app.session.list.items().len() >= 40);
    harness.get_by_role_and_label(Role::Button, "Select…").click();
    harness.run_steps(2);
    let all = harness.state().session.list.items().len();
    harness.get_by_role_and_label(Role::Button, &format!("All shown ({all})")).click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, &format!("Export {all}…")).click();
    step_until(&mut harness, "some progress", |app| {
        app.session.bulk_job.as_ref().is_some_and(|job| job.progress.written >= 2)
    });
    harness.get_by_role_and_label(Role::Button, "Cancel").click();
    let clicked = Instant::now();
    step_until(&mut harness, "the cancel", |app| {
        app.session.bulk_job.as_ref().is_some_and(|job| job.finished.is_some())
    });
    assert!(clicked.elapsed() < Duration::from_secs(2), "Cancel is prompt: {:?}", clicked.elapsed());
    harness.get_by_label_contains("Cancelled. The files written so far are complete");
    let written = harness.state().session.bulk_job.as_ref().unwrap().progress.written;
    assert!(written < all, "stopped before the end");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap()).unwrap();
    for entry in manifest["files"].as_array().unwrap() {
        let bytes = std::fs::read(dir.path().join(entry["file"].as_str().unwrap())).unwrap();
        assert_eq!(interview_desk::export::bulk::sha256_hex(&bytes), entry["sha256"].as_str().unwrap());
    }
    drop(harness);
}

/// The demo in a 1400 × 900 window (room for the scorecard) whose reviews go to `folder`, by
/// `reviewer`.
fn reviewing_app(folder: &std::path::Path, reviewer: &str) -> Harness<'static, App> {
    let options = AppOptions {
        demo: true,
        review_folder: Some(folder.to_owned()),
        reviewer: Some(reviewer.to_owned()),
        ..test_options()
    };
    Harness::builder().with_size([1400.0, 900.0]).build_eframe(move |cc| App::new(cc, options))
}

/// Moves the pointer onto the widget `label`, then clicks it, as a mouse does (a click with no
/// hover before it may go to the widget the pointer was over in the previous frame).
fn press(harness: &mut Harness<'_, App>, label: &str) {
    harness.get_by_label(label).hover();
    harness.step();
    harness.get_by_label(label).click();
    harness.step();
}

/// Scrolls the widget `label` into view (the scorecard is taller than the window) and clicks it.
fn click_into_view(harness: &mut Harness<'_, App>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    // Scrolling is animated.
    harness.run_steps(30);
    press(harness, label);
}

/// Scrolls the text field `label` into view, clicks it and types `text`.
fn type_in_view(harness: &mut Harness<'_, App>, role: Role, label: &str, text: &str) {
    harness.get_by_role_and_label(role, label).scroll_to_me();
    harness.run_steps(30);
    harness.get_by_role_and_label(role, label).click();
    harness.step();
    harness.get_by_role_and_label(role, label).type_text(text);
    harness.step();
}

/// Steps until the open interview's review is loaded.
fn wait_for_review(harness: &mut Harness<'_, App>, id: &str) {
    step_until(harness, "the review to load", |app| {
        app.edits.reviews.contains_key(id) && app.session.reviews.status.get(id).is_some_and(|s| !s.loading)
    });
}

/// Steps until `reviewer`'s review file of `id` in `folder` satisfies `done`; returns it.
#[expect(clippy::unwrap_used, reason = "a fixture: the file was just read")]
fn wait_for_file(
    harness: &mut Harness<'_, App>,
    folder: &std::path::Path,
    reviewer: &str,
    id: &str,
    done: impl Fn(&Review) -> bool,
) -> Review {
    let path = ReviewFolder::new(folder).path_of(reviewer, id);
    let read = || std::fs::read_to_string(&path).ok().and_then(|text| Review::from_json(&text).ok());
    step_until(harness, &format!("{} to be written", path.display()), |_| read().is_some_and(|r| done(&r)));
    read().unwrap()
}

#[test]
fn a_reviewer_rates_decides_pins_evidence_and_writes_notes_and_the_file_holds_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = reviewing_app(dir.path(), "Jana Nováková");
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    wait_for_review(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    harness.get_by_label("Your review");
    harness.get_by_label("The AI rated 78/100");

    press(&mut harness, "Decision Advance");
    press(&mut harness, "Overall rating 4");
    press(&mut harness, "Communication rating 5");
    let draft = &harness.state().edits.reviews[DEMO_PHONE_INTERVIEW_ID];
    assert_eq!((draft.decision(), draft.rating()), (Some(Decision::Advance), Some(4)));
    click_into_view(&mut harness, "Disagree with AI point 4");
    type_in_view(&mut harness, Role::TextInput, "Reason for AI point 4", "He set up k3s at home");
    type_in_view(&mut harness, Role::MultilineTextInput, "Review notes", "Strong on async.");

    // Right-click a turn of the transcript and pin it.
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.run_steps(3);
    harness.get_by_label("Yes, speaking. Hi!").click_secondary();
    harness.run_steps(2);
    harness.get_by_label("Pin as evidence").click();
    harness.run_steps(2);
    harness.get_by_label("Evidence (1)");

    let file = wait_for_file(&mut harness, dir.path(), "Jana Nováková", DEMO_PHONE_INTERVIEW_ID, |r| {
        !r.evidence.is_empty() && r.notes == "Strong on async."
    });
    assert_eq!(file.decision(), Some(Decision::Advance));
    assert_eq!(file.rating(), Some(4));
    assert_eq!(file.reviewer, "Jana Nováková");
    let communication = file.criteria.iter().find(|c| c.name == "Communication").unwrap();
    assert_eq!(communication.rating, Some(5));
    assert!(
        file.criteria.iter().filter(|c| c.name != "Communication").all(|c| c.rating.is_none()),
        "unrated stays unrated"
    );
    let point = &file.ai_points[3];
    assert_eq!((point.verdict, point.reason.as_str()), (Some(Verdict::Disagree), "He set up k3s at home"));
    assert_eq!(point.text, "Little hands-on experience with Kubernetes operations", "the AI's text is kept as it was");
    assert_eq!((file.evidence[0].turn, file.evidence[0].speaker.as_str()), (1, "Candidate"));
    assert_eq!(file.evidence[0].start_seconds, Some(26.88));
    assert!(file.analysis.is_some(), "records which analysis it was made against");

    // The pin jumps back to its turn from the scorecard.
    harness.get_by_role_and_label(Role::Button, "Metadata").click();
    harness.run_steps(2);
    click_into_view(&mut harness, "Go to");
    harness.run_steps(2);
    assert_eq!(harness.state().edits.tab, interview_desk::app::Tab::Transcript);
    assert_eq!(harness.state().edits.transcript.marked_turn, Some(1));

    // A restart finds everything.
    drop(harness);
    let mut harness = reviewing_app(dir.path(), "Jana Nováková");
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    wait_for_review(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    let draft = &harness.state().edits.reviews[DEMO_PHONE_INTERVIEW_ID];
    assert_eq!(
        (draft.decision(), draft.rating(), draft.notes.as_str()),
        (Some(Decision::Advance), Some(4), "Strong on async.")
    );
}

#[test]
fn notes_typed_just_before_closing_are_flushed_to_disk() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = reviewing_app(dir.path(), "Jana");
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    wait_for_review(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    type_in_view(&mut harness, Role::MultilineTextInput, "Review notes", "Last words");
    // Closed at once, long before the autosave would have run.
    drop(harness);
    let review = ReviewFolder::new(dir.path()).load("Jana", DEMO_PHONE_INTERVIEW_ID).unwrap().unwrap();
    assert_eq!(review.notes, "Last words");
}

#[test]
fn another_reviewers_folder_shows_in_the_panel_with_the_disagreements() {
    let dir = tempfile::tempdir().unwrap();
    let folder = ReviewFolder::new(dir.path());
    let mut petr = Review::new(DEMO_PHONE_INTERVIEW_ID, "Petr", jiff::Timestamp::now());
    petr.decision = Some(Stamped { value: Decision::Reject, at: jiff::Timestamp::now() });
    petr.rating = Some(Stamped { value: 1, at: jiff::Timestamp::now() });
    petr.notes = "Could not explain back-pressure".into();
    folder.save(&petr, 0, SaveMode::IfUnchanged).unwrap();
    // A file from a sync client that is not a review, and a damaged one: reported, not fatal.
    std::fs::write(folder.reviewer_folder("Petr").join("desktop.ini.json"), "[.ShellClassInfo]").unwrap();

    let mut harness = reviewing_app(dir.path(), "Jana");
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    wait_for_review(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    step_until(&mut harness, "the folder scan", |app| !app.session.reviews.scan.reviews.is_empty());
    harness.get_by_label("Panel (1 other reviewer)").scroll_to_me();
    harness.run_steps(30);
    harness.get_by_label("Petr");
    harness.get_by_label("⚠ Petr rates 1/5 where the AI rated 78/100");
    harness.get_by_label("⚠ 1 file(s) in the review folder could not be used");

    click_into_view(&mut harness, "Overall rating 4");
    harness.get_by_label("⚠ Jana rates 4/5 and Petr rates 1/5");

    // Petr changes his mind on his own machine: it shows without a restart.
    let mut petr = folder.load("Petr", DEMO_PHONE_INTERVIEW_ID).unwrap().unwrap();
    petr.rating = Some(Stamped { value: 3, at: jiff::Timestamp::now() });
    let base = petr.revision;
    folder.save(&petr, base, SaveMode::IfUnchanged).unwrap();
    step_until(&mut harness, "the next scan", |app| {
        app.session.reviews.panel(DEMO_PHONE_INTERVIEW_ID).iter().any(|r| r.review.rating() == Some(3))
    });
    assert!(harness.query_by_label("⚠ Jana rates 4/5 and Petr rates 1/5").is_none());
    let petr_file = folder.load("Petr", DEMO_PHONE_INTERVIEW_ID).unwrap().unwrap();
    assert_eq!(petr_file.revision, 2, "nobody but Petr writes Petr's file");
}

#[test]
fn a_review_changed_on_another_machine_is_never_overwritten_silently() {
    let dir = tempfile::tempdir().unwrap();
    let folder = ReviewFolder::new(dir.path());
    let mut harness = reviewing_app(dir.path(), "Jana");
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    wait_for_review(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    harness.get_by_label("Decision Hold").click();
    harness.step();
    let saved = wait_for_file(&mut harness, dir.path(), "Jana", DEMO_PHONE_INTERVIEW_ID, |r| r.decision.is_some());

    // The laptop writes the next revision; meanwhile the reviewer types here.
    let mut laptop = saved.clone();
    laptop.notes = "from the laptop".into();
    folder.save(&laptop, saved.revision, SaveMode::IfUnchanged).unwrap();
    type_in_view(&mut harness, Role::MultilineTextInput, "Review notes", "from the desktop");
    step_until(&mut harness, "the conflict", |app| {
        app.session.reviews.status.get(DEMO_PHONE_INTERVIEW_ID).is_some_and(|s| s.conflict.is_some())
    });
    harness.get_by_label("Your review was changed elsewhere (another computer?)");
    assert_eq!(folder.load("Jana", DEMO_PHONE_INTERVIEW_ID).unwrap().unwrap().notes, "from the laptop");

    click_into_view(&mut harness, "Keep mine");
    let kept =
        wait_for_file(&mut harness, dir.path(), "Jana", DEMO_PHONE_INTERVIEW_ID, |r| r.notes == "from the desktop");
    assert_eq!(kept.revision, 3);
}

#[test]
fn a_read_only_review_folder_keeps_the_text_in_memory_and_says_so_until_it_can_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = reviewing_app(dir.path(), "Jana");
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    wait_for_review(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    // The reviewer's subfolder is a file: nothing can be written there (as with a full or
    // read-only disk, and also when running as root).
    std::fs::write(dir.path().join("Jana"), "in the way").unwrap();
    type_in_view(&mut harness, Role::MultilineTextInput, "Review notes", "Do not lose me");
    step_until(&mut harness, "the failed save", |app| {
        app.session.reviews.status.get(DEMO_PHONE_INTERVIEW_ID).is_some_and(|s| s.save_error.is_some())
    });
    assert!(harness.state().session.notifications.contains("Your review is not saved yet, retrying"));
    assert_eq!(harness.state().edits.reviews[DEMO_PHONE_INTERVIEW_ID].notes, "Do not lose me");

    std::fs::remove_file(dir.path().join("Jana")).unwrap();
    let review = wait_for_file(&mut harness, dir.path(), "Jana", DEMO_PHONE_INTERVIEW_ID, |_| true);
    assert_eq!(review.notes, "Do not lose me");
    step_until(&mut harness, "the notification to go", |app| {
        !app.session.notifications.contains("Your review is not saved yet")
    });
}

#[test]
fn the_queue_walks_the_completed_interviews_with_the_keyboard_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = reviewing_app(dir.path(), "Jana");
    step_until(&mut harness, "the demo list", |app| {
        app.session.screen == Screen::Main && app.session.list.items().len() > 5
    });
    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    wait_for_review(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    press(&mut harness, "Start queue");
    let queue = harness.state().session.reviews.queue.clone().unwrap();
    let completed = harness
        .state()
        .session
        .list
        .items()
        .iter()
        .filter(|r| r.interview.status == Some(interview_desk::api::InterviewStatus::Completed))
        .count();
    assert_eq!(queue.ids.len(), completed);
    let first = queue.ids[0].clone();
    step_until(&mut harness, "the first of the queue", |app| {
        app.session.current_record().is_some_and(|r| r.interview.id == first)
    });
    wait_for_review(&mut harness, &first);
    harness.get_by_label(&format!("Queue: 1 of {completed} · 0 of {completed} reviewed"));

    harness.key_press(egui::Key::Questionmark);
    harness.run_steps(2);
    harness.get_by_label("Keyboard shortcuts");
    harness.key_press(egui::Key::Questionmark);
    harness.step();

    let mut reviewed = Vec::new();
    for (index, id) in queue.ids.iter().take(3).enumerate() {
        step_until(&mut harness, "the queue's interview", |app| {
            app.session.current_record().is_some_and(|r| r.interview.id == *id)
        });
        wait_for_review(&mut harness, id);
        harness.key_press(egui::Key::Num4);
        harness.key_press(if index == 1 { egui::Key::R } else { egui::Key::A });
        harness.step();
        harness.key_press(egui::Key::N);
        harness.run_steps(2);
        // Keys typed into the notes are text, not shortcuts.
        harness.get_by_role_and_label(Role::MultilineTextInput, "Review notes").type_text("Hold on 2");
        harness.step();
        harness.key_press(egui::Key::Escape);
        harness.step();
        reviewed.push(id.clone());
        if index < 2 {
            // (The fourth is a Japanese interview, which the test fonts cannot draw.)
            harness.key_press(egui::Key::J);
            harness.run_steps(2);
        }
    }
    step_until(&mut harness, "three saved decisions", |app| app.session.reviews.decided_count(&reviewed) == 3);
    harness.get_by_label(&format!("Queue: 3 of {completed} · 3 of {completed} reviewed"));
    harness.key_press(egui::Key::K);
    harness.run_steps(2);
    assert_eq!(harness.state().session.reviews.queue.as_ref().unwrap().position, 1);
    drop(harness);

    for (index, id) in reviewed.iter().enumerate() {
        let review = ReviewFolder::new(dir.path()).load("Jana", id).unwrap().unwrap();
        let decision = if index == 1 { Decision::Reject } else { Decision::Advance };
        assert_eq!((review.rating(), review.decision()), (Some(4), Some(decision)), "{id}");
        assert_eq!(review.notes, "Hold on 2", "typing H or 2 in the notes changed nothing else");
    }
}

/// The Export tab's files for people: the review report (anonymised on request), the
/// transcript as subtitles in the chosen format, and this interview's table row, each written
/// where the save dialog said.
#[test]
fn the_export_tab_saves_an_anonymised_report_subtitles_and_the_table_row() {
    let german = "ec0f0ec3-0d2c-4225-88a5-bfefcc46fa88";
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("handover");
    let options = AppOptions {
        demo: true,
        dialog: Box::new(FixedSaveDialog(Some(target.clone()))),
        review_folder: Some(dir.path().join("reviews")),
        reviewer: Some("Eva".to_owned()),
        ..test_options()
    };
    let mut harness = Harness::builder().with_size([1400.0, 900.0]).build_eframe(move |cc| App::new(cc, options));
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, german);
    step_until(&mut harness, "the candidate's name", |app| {
        app.session.related.record(RelatedKind::Candidate, "08aedb69-10ad-4e5e-84be-f247a50ae300").is_some()
    });
    harness.get_by_role_and_label(Role::Button, "Export").click();
    harness.run_steps(3);

    click_into_view(&mut harness, "Anonymise");
    click_into_view(&mut harness, "Save report…");
    let report = target.with_extension("html");
    step_until(&mut harness, "the report", |_| report.exists());
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("Customer Success Specialist"), "the job is named");
    assert!(!html.contains("Katharina") && !html.contains("Müller-Voß"), "anonymised: no name anywhere");
    assert!(html.contains(&interview_desk::review::pseudonym("08aedb69-10ad-4e5e-84be-f247a50ae300")));
    assert!(html.contains("Transcript</h2>") && html.contains("Guten Morgen"), "the transcript is included");
    for _ in 0..100 {
        if harness.query_by_label_contains("Saved the review report to").is_some() {
            break;
        }
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.get_by_label_contains("Saved the review report to");

    click_into_view(&mut harness, "Transcript file format");
    harness.run_steps(2);
    press(&mut harness, "SubRip subtitles (.srt)");
    click_into_view(&mut harness, "Save transcript as…");
    let srt = target.with_extension("srt");
    step_until(&mut harness, "the subtitles", |_| srt.exists());
    let text = std::fs::read_to_string(&srt).unwrap();
    assert!(text.starts_with("1\n00:00:00,000 --> 00:01:03,"), "{}", text.chars().take(80).collect::<String>());
    assert!(text.contains("\nCandidate: Guten Morgen! Ja, ich bin bereit."));

    click_into_view(&mut harness, "Save table (CSV)…");
    let csv = target.with_extension("csv");
    step_until(&mut harness, "the table", |_| csv.exists());
    let bytes = std::fs::read(&csv).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "one row: this interview");
    assert!(rows[0].iter().any(|cell| cell == german));
}

/// A system prompt and a tool call in the transcript are kept but hidden until the reviewer
/// asks for them; the tool call reads as a call, not a JSON blob.
#[test]
fn system_and_tool_turns_are_hidden_until_shown() {
    let mut harness = demo_app(None);
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, "b118515f-03e2-49b3-a32f-c4b54aab9900");
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.run_steps(4);
    harness.get_by_label_contains("Hi Daniel, welcome");
    assert!(harness.query_by_label_contains("You are Alex").is_none(), "the system prompt is hidden");
    assert!(harness.query_by_label_contains("load_question_set").is_none(), "the tool call is hidden");
    press(&mut harness, "Show system and tool turns");
    harness.run_steps(4);
    harness.get_by_label_contains("You are Alex, a technical interviewer");
    harness.get_by_label_contains("load_question_set({\"set\":\"backend-rust-v2\"})");
    assert!(harness.query_by_label_contains("tool_calls").is_none(), "no raw JSON");
}

/// *Save…* beside a call attempt's recording downloads it from the demo's recordings server
/// (another origin than the API) to the file the dialog chose.
#[test]
fn the_metadata_tab_saves_a_call_recording() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("call.mp3");
    let cache = dir.path().join("cache");
    let options = AppOptions {
        demo: true,
        dialog: Box::new(FixedSaveDialog(Some(target.clone()))),
        recording_cache: Some(cache.clone()),
        ..test_options()
    };
    let mut harness = Harness::builder().with_size([1400.0, 900.0]).build_eframe(move |cc| App::new(cc, options));
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    open(&mut harness, "b118515f-03e2-49b3-a32f-c4b54aab9900");
    harness.get_by_role_and_label(Role::Button, "Metadata").click();
    harness.run_steps(3);
    press(&mut harness, "Save recording 1…");
    step_until(&mut harness, "the recording", |_| std::fs::metadata(&target).is_ok_and(|m| m.len() > 40_000));
    let bytes = std::fs::read(&target).unwrap();
    assert!(bytes.starts_with(&[0xFF]) || bytes.starts_with(b"ID3"), "an mp3");
    let cached = || {
        std::fs::read_dir(&cache)
            .map_or(0, |d| d.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "mp3")).count())
    };
    assert_eq!(cached(), 1, "kept in the cache");

    press(&mut harness, "⚙");
    harness.run_steps(3);
    click_into_view(&mut harness, "Clear cached recordings");
    step_until(&mut harness, "the cache to be cleared", |_| cached() == 0);
    for _ in 0..100 {
        if harness.query_by_label_contains("Removed 1 cached recording(s)").is_some() {
            break;
        }
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.get_by_label_contains("Removed 1 cached recording(s)");
}

/// The demo app on a fake sound device driven by `clock`, with its own recordings cache.
fn listening_app(clock: &FakeClock, cache: &std::path::Path) -> Harness<'static, App> {
    let options = AppOptions {
        demo: true,
        audio: AudioChoice::Fake(clock.clone()),
        recording_cache: Some(cache.to_owned()),
        ..test_options()
    };
    let mut harness = window(options);
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    harness
}

fn position(app: &App) -> f64 {
    app.session.listening.status.position
}

#[test]
fn a_clicked_turn_plays_from_its_time_the_spoken_turn_follows_and_space_and_arrows_work() {
    let cache = tempfile::tempdir().unwrap();
    let clock = FakeClock::default();
    let mut harness = listening_app(&clock, cache.path());
    open(&mut harness, "b118515f-03e2-49b3-a32f-c4b54aab9900");
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.run_steps(3);
    assert!(std::fs::read_dir(cache.path()).map_or(true, |mut d| d.next().is_none()), "nothing downloaded before Play");

    // The candidate's answer at 0:19 (19.8 s): the recording is fetched and plays from there.
    press(&mut harness, "Play from 0:19");
    step_until(&mut harness, "playing", |app| app.session.listening.status.playing);
    assert!((position(harness.state()) - 19.8).abs() < 0.01, "at {}", position(harness.state()));
    assert!(clock.playing(), "the device plays");
    assert_eq!(harness.state().session.listening.current_turn, Some(5));
    assert!(harness.state().session.listening.duration().is_some_and(|d| (d - 43.2).abs() < 0.5));

    // Eight seconds later the agent's follow-up (27.3 s) is the turn being spoken.
    clock.advance(8.0);
    step_until(&mut harness, "the next turn", |app| app.session.listening.current_turn == Some(6));
    harness.get_by_label("⏸ Pause");

    // Space pauses, → moves five seconds on, ← five back; Space plays again.
    harness.key_press(egui::Key::Space);
    step_until(&mut harness, "paused", |app| !app.session.listening.status.playing);
    assert!(!clock.playing());
    let paused_at = position(harness.state());
    harness.key_press(egui::Key::ArrowRight);
    step_until(&mut harness, "5 s on", |app| (position(app) - (paused_at + 5.0)).abs() < 0.01);
    harness.key_press(egui::Key::ArrowLeft);
    harness.key_press(egui::Key::ArrowLeft);
    step_until(&mut harness, "5 s back", |app| (position(app) - (paused_at - 5.0)).abs() < 0.01);
    assert_eq!(harness.state().session.listening.current_turn, Some(5), "back in the candidate's answer");
    harness.key_press(egui::Key::Space);
    step_until(&mut harness, "playing again", |app| app.session.listening.status.playing);

    // A click in the middle of the seek bar moves to the middle of the call.
    harness.get_by_label_contains("Seek bar, at").hover();
    harness.step();
    harness.get_by_label_contains("Seek bar, at").click();
    harness.step();
    let duration = harness.state().session.listening.duration().unwrap_or_default();
    step_until(&mut harness, "the middle", |app| (position(app) - duration / 2.0).abs() < 1.0);

    // The speed applies to the device: 2× moves twice as far.
    harness.get_by_label("Speed").click();
    harness.run_steps(3);
    harness.get_by_label("2×").click();
    step_until(&mut harness, "2×", |app| app.session.listening.status.speed == 2.0);
    let before = position(harness.state());
    clock.advance(1.0);
    step_until(&mut harness, "moved twice as far", |app| (position(app) - before - 2.0).abs() < 0.01);
}

#[test]
fn follow_keeps_the_spoken_turn_in_view_until_the_reviewer_scrolls_away() {
    let cache = tempfile::tempdir().unwrap();
    let clock = FakeClock::default();
    let mut harness = listening_app(&clock, cache.path());
    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.run_steps(3);
    press(&mut harness, "▶ Play");
    step_until(&mut harness, "playing", |app| app.session.listening.status.playing);
    assert!(harness.query_by_label("Play from 17:08").is_none(), "the end of the call is out of view at first");
    // At 17:10 the agent's closing turn (17:08) is spoken: Follow has scrolled to it.
    clock.advance(1030.0);
    step_until(&mut harness, "the closing turn", |app| app.session.listening.current_turn == Some(30));
    harness.run_steps(3);
    harness.get_by_label("Play from 17:08");
    harness.get_by_label("Following the call");

    // The reviewer scrolls up: Follow turns itself off, and one click turns it back on.
    harness.get_by_label("Play from 17:08").hover();
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, 400.0),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    harness.run_steps(5);
    assert!(harness.state().edits.transcript.follow_paused, "scrolling away paused Follow");
    clock.advance(30.0);
    // The wheel's scroll is animated: it ends before the reviewer's next click.
    harness.run_steps(40);
    assert!(harness.state().edits.transcript.follow_paused, "a new turn did not scroll back");
    press(&mut harness, "Follow");
    harness.run_steps(3);
    harness.get_by_label("Following the call");
    harness.get_by_label("Play from 17:54");
}

#[test]
fn without_a_sound_device_the_player_says_so_and_the_app_works_on() {
    let cache = tempfile::tempdir().unwrap();
    let clock = FakeClock::default();
    clock.set_device(false);
    let mut harness = listening_app(&clock, cache.path());
    open(&mut harness, "b118515f-03e2-49b3-a32f-c4b54aab9900");
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.run_steps(3);
    press(&mut harness, "▶ Play");
    step_until(&mut harness, "the notice", |app| {
        matches!(app.session.listening.status.device, DeviceState::Missing(_))
    });
    harness.run_steps(2);
    harness.get_by_label_contains("No sound output device");
    // The rest works: another tab, another interview.
    harness.get_by_role_and_label(Role::Button, "Analysis").click();
    harness.run_steps(3);
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.run_steps(3);
    // A device is plugged in: playback starts by itself.
    clock.set_device(true);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !clock.playing() {
        assert!(Instant::now() < deadline, "playback did not resume on the new device");
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    step_until(&mut harness, "the notice gone", |app| app.session.listening.status.device == DeviceState::Ready);
    assert!(harness.query_by_label_contains("No sound output device").is_none());
}

#[test]
fn the_player_fits_beside_the_scorecard_and_in_a_narrow_window() {
    let cache = tempfile::tempdir().unwrap();
    let mut harness = listening_app(&FakeClock::default(), cache.path());
    open(&mut harness, DEMO_PHONE_INTERVIEW_ID);
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.run_steps(3);
    let controls = [
        (Role::Button, "▶ Play"),
        (Role::Button, "⏪ 10 s"),
        (Role::Button, "10 s ⏩"),
        (Role::Button, "Following the call"),
        (Role::ComboBox, "Speed"),
        (Role::Slider, "Volume"),
    ];
    for width in [720.0, 1000.0, 1200.0, 1600.0] {
        harness.set_size(egui::vec2(width, 700.0));
        harness.run_steps(4);
        // The scorecard panel shows from 1000 px: the player stays left of it.
        let right = harness.query_by_label("Your review").map_or(width, |n| n.rect().min.x);
        assert_laid_out_side_by_side(&harness, right, &controls);
        let bar = harness.get_by_label_contains("Seek bar, at").rect();
        assert!(bar.max.x <= right + 0.5, "the seek bar ends at {} under the panel at {right} ({width} px)", bar.max.x);
    }
}

/// The demo's AssemblyAI-style interview names its speakers A and B: the reviewer says who is
/// who, the transcript shows it, the review file keeps it, and the transcript file says it.
#[test]
fn letter_speakers_are_mapped_to_agent_and_candidate_and_kept_in_the_review_and_the_exports() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("emily.txt");
    let options = AppOptions {
        demo: true,
        review_folder: Some(dir.path().join("reviews")),
        reviewer: Some("Jana Nováková".to_owned()),
        dialog: Box::new(FixedSaveDialog(Some(saved.clone()))),
        ..test_options()
    };
    let mut harness = Harness::builder().with_size([1400.0, 900.0]).build_eframe(move |cc| App::new(cc, options));
    step_until(&mut harness, "the demo connection", |app| app.session.screen == Screen::Main);
    let id = "d41c7e2a-5b3f-4e8a-9c1d-2f6a8b0e4c71";
    open(&mut harness, id);
    wait_for_review(&mut harness, id);
    harness.get_by_role_and_label(Role::Button, "Transcript").click();
    harness.run_steps(3);
    // Milliseconds read as such: B's first answer is at 0:09 (9,800 ms).
    harness.get_by_label("Play from 0:09");
    harness.get_by_label("Who is who:");
    let speaker_column = |harness: &Harness<'_, App>| harness.query_all_by_label("A").count();
    assert!(speaker_column(&harness) >= 2, "A is shown as the transcript names it");

    for (letter, role) in [("A is", "the agent"), ("B is", "the candidate")] {
        harness.get_by_label(letter).click();
        harness.run_steps(3);
        harness.get_by_label(role).click();
        harness.run_steps(3);
    }
    assert_eq!(speaker_column(&harness), 0, "A's turns now say Agent");
    assert!(harness.query_all_by_label("Emily Carter").count() >= 3, "B's turns show the candidate's name");
    let file =
        wait_for_file(&mut harness, &dir.path().join("reviews"), "Jana Nováková", id, |r| r.speaker_roles.len() == 2);
    let roles: Vec<(String, interview_desk::review::SpeakerRole)> = file.speaker_roles.into_iter().collect();
    assert_eq!(
        roles,
        [
            ("A".to_owned(), interview_desk::review::SpeakerRole::Agent),
            ("B".to_owned(), interview_desk::review::SpeakerRole::Candidate)
        ]
    );

    // The transcript file for people says who spoke.
    harness.get_by_role_and_label(Role::Button, "Export").click();
    harness.run_steps(3);
    click_into_view(&mut harness, "Save transcript as…");
    step_until(&mut harness, "the transcript file", |_| saved.exists());
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.contains("Agent: Hello Emily") && text.contains("Candidate: Hi Alex"), "{text}");
}
