//! Interview Desk: the desktop app, and its command line for reviewers who automate.

// No console window for the release build on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = interview_desk::cli::Cli::parse();
    interview_desk::cli::init_logging();
    interview_desk::cli::run(cli)
}
