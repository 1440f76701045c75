//! The integration tests: the real app, command line and client against real HTTP servers on
//! loopback. One test binary for them all, so each platform links it once.

mod api_client;
mod browser;
mod bulk;
mod charts;
mod cli;
mod common;
mod lists;
mod playback;
mod recordings;
mod resilience;
mod security;
mod transcripts;
mod ui;
