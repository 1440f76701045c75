//! Interview Desk: a desktop client for reviewing and exporting AI-run job interviews
//! from the Instaview API.
//!
//! The binary (`src/main.rs`) is thin: everything lives here so that tests can build the app.
//!
//! - [`api`]: the wire model, tolerant decoding and the HTTP client.
//! - [`worker`]: the background tokio runtime; commands in, events out.
//! - [`credentials`]: the API key in the OS keyring.
//! - [`profiles`]: named connections in a small settings file shared with the command line.
//! - [`export`]: the export document and atomic writes.
//! - [`bulk`]: bulk export of many interviews into one folder, with a resumable manifest.
//! - [`browse`]: the interview list's state: filters, loaded pages and the candidate picker.
//! - [`search`]: Unicode-correct transcript search and the highlighting of its matches.
//! - [`dialog`]: the native file dialogs behind a trait, and the fallback when none can open.
//! - [`demo`]: the embedded Instaview-compatible demo server.
//! - [`app`]: the eframe app: the session the screens show, the commands they push and what
//!   applies them. [`ui`]: the screens, which only draw and push commands.
//! - [`cli`]: the command line; [`console`]: its terminal on Windows.

pub mod api;
pub mod app;
pub mod bulk;
pub mod cli;
pub mod console;
pub mod credentials;
pub mod demo;
pub mod dialog;
pub mod export;
pub mod profiles;
pub mod search;
pub mod transcript_search;
pub mod ui;
pub mod worker;
