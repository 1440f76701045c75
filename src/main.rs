//! Interview Desk: the desktop app, and its command line for reviewers who automate.

// No console window for the release build on Windows; `console` gives the command line back
// its terminal.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    interview_desk::console::attach_parent_console();
    let cli = interview_desk::cli::Cli::parse();
    interview_desk::cli::init_logging();
    interview_desk::cli::run(cli)
}
