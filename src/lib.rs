//! Interview Desk: a desktop client for reviewing and exporting AI-run job interviews
//! from the Instaview API.
//!
//! The binary (`src/main.rs`) is thin: everything lives here so that tests can build the app.
//!
//! - [`api`]: the wire model, tolerant decoding and the HTTP client.
//! - [`worker`]: the background tokio runtime; commands in, events out.
//! - [`credentials`]: the API key in the OS keyring.
//! - [`profiles`]: named connections in a small settings file shared with the command line.
//! - [`export`]: the export document, atomic writes, and bulk export of many interviews into
//!   one folder with a resumable manifest ([`export::bulk`]).
//! - [`review`]: the reviewer's own evaluation (scorecard, decision, notes, evidence) in plain
//!   files in a review folder that a hiring panel may share.
//! - [`search`]: Unicode-correct text search and the highlighting of its matches;
//!   [`transcript_search`]: searching a whole transcript, on the worker when it is long.
//! - [`playback`]: the call recording played in sync with the transcript, and its waveform.
//! - [`dialog`]: the native file dialogs behind a trait, and the fallback when none can open.
//! - [`demo`]: the embedded Instaview-compatible demo server.
//! - [`app`]: the eframe app: the session the screens show, the commands they push and what
//!   applies them. [`ui`]: the screens, which only draw and push commands.
//! - [`cli`]: the command line; [`console`]: its terminal on Windows.

pub mod api;
pub mod app;
pub mod cli;
pub mod console;
pub mod credentials;
pub mod demo;
pub mod dialog;
pub mod export;
pub mod playback;
pub mod profiles;
pub mod recordings;
pub mod review;
pub mod search;
pub mod transcript_search;
pub mod ui;
pub mod worker;
