//! Command line: the GUI (default), `fetch`, `pdf`, `list`, `key`, `review` and `demo-server`,
//! with the exit codes in README.

mod review;

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::api::InterviewRecord;
use crate::api::list::{InterviewQuery, MAX_PAGE_SIZE};
use crate::api::related::RelatedKind;
use crate::api::{ApiClient, ApiConfig, ApiError, DEFAULT_BASE_URL, Interview, interview_id_from};
use crate::app::interview_list::STATUS_FILTERS;
use crate::app::{App, AppOptions, Automation, Tab};
use crate::credentials::{ApiKey, CredentialError, SecretStore as _, StoreInfo, check_length, os_keyring};
use crate::demo::{DEMO_API_KEY, DemoOptions, DemoServer};
use crate::dialog::NativeSaveDialog;
use crate::export::bulk::{self, BulkError, BulkOptions, BulkProgress, BulkReport, BulkTarget, CancelToken};
use crate::export::{ExportOptions, ExportSource, RelatedRecords, export_document_with, write_atomically};
use crate::profiles::{self, DEFAULT_PROFILE, NameError, Profile, Settings, SettingsError};
use crate::worker::StoreChoice;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: bad usage (also clap's own code for argument errors).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: no key, or the key was not accepted (401).
pub const EXIT_NO_KEY: u8 = 3;
/// Exit code: not found (404), or no analysis PDF yet.
pub const EXIT_NOT_FOUND: u8 = 5;
/// Exit code: the response could not be decoded.
pub const EXIT_DECODE: u8 = 8;
/// Exit code: the file could not be written.
pub const EXIT_WRITE: u8 = 9;
/// Exit code: interrupted by Ctrl+C (a bulk export can be resumed).
pub const EXIT_INTERRUPTED: u8 = 130;
/// Exit code: the GUI could not start.
pub const EXIT_GUI: u8 = 1;
/// Exit code (`key`): no OS keyring service is available.
pub const EXIT_KEYRING_UNAVAILABLE: u8 = 10;
/// Exit code (`key`): the keyring is locked, refused access, or did not answer in time.
pub const EXIT_KEYRING_LOCKED: u8 = 11;
/// Exit code (`key`): any other keyring failure, or a key too long for the keyring.
pub const EXIT_KEYRING_FAILED: u8 = 12;

/// Environment variable that supplies the API key to the command line (it wins over the keyring).
pub const API_KEY_ENV: &str = "INSTAVIEW_API_KEY";

/// Read and export AI-run job interviews from the Instaview API.
#[derive(Debug, Parser)]
#[command(name = "interview-desk", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; without a command the desktop app starts.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// Start the app on the built-in demo server with sample interviews (no key needed).
    #[arg(long)]
    pub demo: bool,
    /// Open this interview once connected (an ID, or a link containing one).
    #[arg(long, value_name = "ID")]
    pub open: Option<String>,
    /// Tab to show first.
    #[arg(long, value_enum)]
    pub tab: Option<TabArg>,
    /// Close the window cleanly after this many seconds (smoke tests, screenshots).
    #[arg(long, value_name = "SECONDS")]
    pub exit_after: Option<f64>,
    /// Search the transcript for this text once the interview has loaded.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// At exit, write per-frame CPU time statistics as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub frame_stats: Option<PathBuf>,
    /// The review folder for this run (default: Settings → Review folder, else the app's data
    /// folder; the demo's reviews are kept apart from real ones).
    #[arg(long, value_name = "DIR", env = crate::review::store::REVIEW_DIR_ENV)]
    pub review_folder: Option<PathBuf>,
    /// The reviewer's name for this run (default: Settings → Review, else the OS user name).
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
    /// Renderer to try first (default wgpu); if it cannot start, the other one is tried.
    #[arg(long, value_enum, value_name = "RENDERER")]
    pub renderer: Option<RendererArg>,
    /// `--profile` selects the saved connection to start with. `--base-url` (with
    /// `--company-id`) connects the window for this run only, with the key from
    /// INSTAVIEW_API_KEY kept in memory; nothing is saved.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Fetch one interview and write the export document to a file or standard output.
    ///
    /// The key comes from INSTAVIEW_API_KEY if set, else from the OS keyring.
    Fetch {
        /// The interview ID (or a link containing it).
        interview: String,
        /// Write here (atomically) instead of standard output (`-`: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// `json`: the export document; `html`: the review report for a hiring manager (one
        /// self-contained page: the AI's assessment with charts, every reviewer's evaluation,
        /// pinned evidence, the transcript).
        #[arg(long, value_enum, default_value_t = DocumentFormat::Json)]
        format: DocumentFormat,
        /// Which server and company to talk to.
        #[command(flatten)]
        connection: ConnectionArgs,
        /// Do not look up the candidate, agent and job (no `candidate`/`agent`/`job` keys;
        /// three requests fewer).
        #[arg(long)]
        no_names: bool,
        /// Leave the transcript out (the JSON document says so in `omitted`).
        #[arg(long)]
        no_transcript: bool,
        /// Report only: the candidate's name and e-mail replaced by the blind-review pseudonym.
        #[arg(long)]
        anonymise: bool,
        /// Replace the --out file if it exists (without, you are asked on a terminal; elsewhere
        /// it is refused with exit code 9).
        #[arg(long)]
        force: bool,
    },
    /// Write one interview's transcript as text, Markdown, subtitles or normalised JSON.
    ///
    /// SRT and VTT cues start at the turn times; turns without a time join the cue before them.
    /// Exit code 5 when the interview has no transcript (or no turn times, for subtitles).
    Transcript {
        /// The interview ID (or a link containing it).
        interview: String,
        /// The file format.
        #[arg(long, value_enum, default_value_t = crate::export::transcript_file::TranscriptFormat::Txt)]
        format: crate::export::transcript_file::TranscriptFormat,
        /// Write here (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace the --out file if it exists.
        #[arg(long)]
        force: bool,
        /// Which server and company to talk to.
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Download the recording of one interview's call to a file.
    ///
    /// The key is sent only to the API's own origin, never to a CDN the recording is on. An
    /// expired signed link is renewed once by fetching the interview again. Exit codes: 5 no
    /// recording (or 404), 4 the link was refused even when renewed, 8 not audio or cut short,
    /// 7 network, 9 the file could not be written.
    Recording {
        /// The interview ID (or a link containing it).
        interview: String,
        /// Which call attempt, counting from 1 as the Metadata tab does (default: the last one
        /// with a recording).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        attempt: Option<u32>,
        /// Where to write it (atomically).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace the --out file if it exists.
        #[arg(long)]
        force: bool,
        /// Which server and company to talk to.
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Download the AI analysis report of one interview as a PDF.
    ///
    /// Exit code 5 when the interview has no analysis yet (or does not exist).
    Pdf {
        /// The interview ID (or a link containing it).
        interview: String,
        /// Where to write the PDF (atomically).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace the --out file if it exists.
        #[arg(long)]
        force: bool,
        /// Which server and company to talk to.
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// List interviews (every page), as a table or as JSON lines.
    List {
        /// Which interviews.
        #[command(flatten)]
        filters: ListFilters,
        /// One JSON object per line (each interview as the server sent it) instead of a table.
        #[arg(long)]
        json: bool,
        /// Which server and company to talk to.
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Export many interviews into a folder: one export document each, plus manifest.json
    /// (interview ID, updatedAt, size and SHA-256 of every file).
    ///
    /// Without --ids, every interview the list returns (with the filters) is exported. Running
    /// it again skips interviews whose file is unchanged. Exit code 0 when every interview was
    /// exported, else the code of the first failure (see README) after a summary.
    Export {
        /// The folder to write into (created if missing).
        #[arg(long, value_name = "DIR", required_unless_present = "table")]
        out_dir: Option<PathBuf>,
        /// Also (or only, without --out-dir) write the evaluation table: one row per interview
        /// with the candidate, the AI's assessment, your review and the panel's. A .xlsx file
        /// gets typed cells and a second sheet with the transcripts (unless --no-transcript);
        /// any other name is written as CSV.
        #[arg(long, value_name = "FILE.xlsx|FILE.csv")]
        table: Option<PathBuf>,
        /// The table's field separator: `,` or `;` (Excel where the decimal separator is a comma;
        /// numbers are then written with a decimal comma).
        #[arg(long, value_name = "CHAR", default_value_t = ',', value_parser = parse_delimiter)]
        delimiter: char,
        /// Write the table without the byte order mark Excel needs to read UTF-8 (for tools that
        /// do not want one).
        #[arg(long)]
        no_bom: bool,
        /// Replace the --table file if it exists.
        #[arg(long)]
        force: bool,
        /// What goes into --out-dir: `json` export documents with manifest.json, or `html`
        /// review reports with an index.html that links them (sortable by rating).
        #[arg(long, value_enum, default_value_t = DocumentFormat::Json)]
        format: DocumentFormat,
        /// Reports only: the candidates' names and e-mails replaced by their pseudonyms.
        #[arg(long)]
        anonymise: bool,
        /// Which interviews.
        #[command(flatten)]
        filters: ListFilters,
        /// Export the interviews listed in this file instead (one ID or link per line; blank
        /// lines and lines starting with # are skipped; - reads standard input).
        #[arg(long, value_name = "FILE", conflicts_with = "ListFilters")]
        ids: Option<PathBuf>,
        /// Do not look up candidates, agents and jobs (no `candidate`/`agent`/`job` keys).
        #[arg(long)]
        no_names: bool,
        /// Leave the transcript out of every document (they say so in `omitted`).
        #[arg(long)]
        no_transcript: bool,
        /// Most requests in flight at once.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=16))]
        concurrency: u8,
        /// Which server and company to talk to.
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Save, check or delete a connection's API key in the OS keyring.
    Key {
        /// What to do with the key.
        #[command(subcommand)]
        action: KeyCommand,
    },
    /// Show, change or list your own reviews of interviews (scorecard, decision, notes), the
    /// same files the window writes. Nothing is sent to the Instaview API.
    ///
    /// Exit codes: 2 for a bad value (rating, decision, criterion), 5 when there is no review,
    /// 8 for a damaged review file, 9 when it cannot be written.
    Review {
        /// What to do.
        #[command(subcommand)]
        action: review::ReviewCommand,
        /// Where the reviews are (default: Settings → Review folder, else the app's data folder).
        #[arg(long, global = true, env = crate::review::store::REVIEW_DIR_ENV, value_name = "DIR")]
        review_folder: Option<PathBuf>,
        /// Whose reviews (default: the name in Settings → Review, else the OS user name).
        #[arg(long, global = true, value_name = "NAME")]
        reviewer: Option<String>,
    },
    /// Run the demo server alone and print its URL and key.
    DemoServer {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Enforce this many requests per minute, spread evenly (429 with Retry-After above it).
        #[arg(long, value_name = "PER_MINUTE", value_parser = clap::value_parser!(u32).range(1..))]
        rate_limit: Option<u32>,
        /// Also serve this many generated completed interviews (for trying bulk export).
        #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100_000))]
        extra_interviews: u32,
    },
}

/// What `fetch` writes and `export` puts into its folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DocumentFormat {
    /// The export document (JSON, lossless).
    Json,
    /// The review report (HTML).
    Html,
}

/// `key` subcommands. None of them ever prints any part of the key.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Save the key of a connection (creating the connection if it is new). The key is read
    /// from standard input when it is not a terminal, else from a hidden prompt; never from an
    /// argument.
    Set {
        /// Which connection; a new one takes --base-url and --company-id.
        #[command(flatten)]
        connection: ConnectionArgs,
        /// A key given as an argument is refused without echoing it (clap would print it).
        #[arg(hide = true, value_name = "NONE")]
        refused: Option<String>,
    },
    /// Tell which key store is in use and whether a key is saved (exit 0), not saved (3), or
    /// the keyring cannot be used (10 no keyring, 11 locked or denied, 12 other failure).
    Status {
        /// Which connection.
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Delete the key of a connection from the keyring (sign out); the connection stays.
    Delete {
        /// Which connection.
        #[command(flatten)]
        connection: ConnectionArgs,
    },
}

/// The list filters of `list` and `export`.
#[derive(Clone, Debug, clap::Args)]
pub struct ListFilters {
    /// Only this candidate's interviews (UUID).
    #[arg(long, value_name = "ID")]
    pub candidate: Option<String>,
    /// Only interviews run by this agent (UUID).
    #[arg(long, value_name = "ID")]
    pub agent: Option<String>,
    /// Only interviews with this status (SCHEDULED, IN_PROGRESS, COMPLETED, FAILED, CANCELLED).
    #[arg(long)]
    pub status: Option<String>,
}

impl ListFilters {
    /// A warning when `--status` is not one of the documented statuses (the server may still
    /// know it, so it is sent anyway).
    pub fn status_warning(&self) -> Option<String> {
        let status = self.status.as_deref()?.trim().to_ascii_uppercase();
        let known: Vec<&str> = STATUS_FILTERS.iter().filter_map(|(_, value)| *value).collect();
        (!known.contains(&status.as_str()) && status != "CANCELED").then(|| {
            format!("{status:?} is not a documented status ({}); the list may come back empty", known.join(", "))
        })
    }

    /// The first page of the list with these filters, at the largest page size.
    pub fn query(self) -> InterviewQuery {
        InterviewQuery {
            page: 1,
            limit: MAX_PAGE_SIZE,
            status: self.status.map(|s| s.trim().to_ascii_uppercase()),
            candidate_id: self.candidate,
            agent_id: self.agent,
        }
    }
}

/// The connection options every command takes: a saved connection (profile) and overrides.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct ConnectionArgs {
    /// Saved connection to use: its base URL, company ID and keyring entry (default: the
    /// connection named "default").
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// API base URL (wins over the connection's; default https://api.instaview.sk).
    #[arg(long, env = "INSTAVIEW_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// Company ID, for ATS integration keys (wins over the connection's).
    #[arg(long, env = "INSTAVIEW_COMPANY_ID", value_name = "ID")]
    pub company_id: Option<String>,
}

/// What [`ConnectionArgs`] come to once the saved connections are read.
#[derive(Clone, Debug)]
pub struct ResolvedConnection {
    /// The connection's name, also its keyring account.
    pub name: String,
    /// Base URL and company ID: explicit options first, then the saved connection's.
    pub config: ApiConfig,
    /// The saved connection, when there is one by that name.
    pub saved: Option<Profile>,
    /// The saved connections as read (to add a new one to).
    pub settings: Settings,
}

impl ConnectionArgs {
    /// Reads the saved connections and combines them with the options. Without `--profile`
    /// the connection named `default` is used when it exists, else the built-in defaults.
    ///
    /// # Errors
    /// [`ResolveError`] when the name is not valid, the connections file cannot be read
    /// (unless the command only reads and names no connection: then it goes on without), or
    /// `--profile` names a connection that does not exist (unless `allow_new`).
    pub fn resolve(&self, allow_new: bool) -> Result<ResolvedConnection, ResolveError> {
        let name = profiles::check_name(self.profile.as_deref().unwrap_or(DEFAULT_PROFILE))
            .map_err(ResolveError::Name)?
            .to_owned();
        let settings = match profiles::settings_path().map(|path| Settings::load(&path)) {
            Some(Ok(settings)) => settings,
            // A command that only reads may go on without the saved connections when it does
            // not name one; one that writes the file must not replace what it cannot read.
            Some(Err(message)) if !allow_new && self.profile.is_none() => {
                warn(&format!("{message}; going on without saved connections (fix or delete the file)"));
                Settings::default()
            }
            Some(Err(err)) => return Err(ResolveError::Settings(err)),
            None => Settings::default(),
        };
        let saved = settings.get(&name).cloned();
        if saved.is_none() && self.profile.is_some() && name != DEFAULT_PROFILE && !allow_new {
            return Err(ResolveError::NoSuchConnection(name));
        }
        let base_url = self
            .base_url
            .clone()
            .or_else(|| saved.as_ref().map(|p| p.base_url.clone()))
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let company_id = self.company_id.clone().or_else(|| saved.as_ref().and_then(|p| p.company_id.clone()));
        let config = ApiConfig::new(&base_url, company_id.as_deref());
        Ok(ResolvedConnection { name, config, saved, settings })
    }
}

/// Why [`ConnectionArgs::resolve`] found no connection to use. `Display` is the line printed
/// before the command exits with [`EXIT_USAGE`].
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// `--profile` is not a valid connection name.
    #[error("--profile: {0}")]
    Name(#[source] NameError),
    /// The connections file exists but cannot be read or is not valid, and the command writes
    /// it or names a connection, so it cannot go on without it.
    #[error("{0}; fix or delete the file")]
    Settings(#[source] SettingsError),
    /// `--profile` names a connection that is not saved (and the command does not create it).
    #[error(
        "there is no saved connection named {0:?}; create it with `interview-desk key set --profile {0:?} --base-url URL`"
    )]
    NoSuchConnection(String),
}

/// `--tab` values.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TabArg {
    /// Metadata tab.
    Metadata,
    /// Transcript tab.
    Transcript,
    /// Analysis tab.
    Analysis,
    /// Export tab.
    Export,
}

/// `--renderer` values: what draws the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RendererArg {
    /// OpenGL (2.0 or ES 2.0 and newer) through glutin.
    Glow,
    /// wgpu: Vulkan, Metal, Direct3D 12 or OpenGL ES, whichever the system offers.
    Wgpu,
}

impl RendererArg {
    /// The renderer tried when this one cannot start.
    #[must_use]
    pub fn other(self) -> Self {
        match self {
            Self::Glow => Self::Wgpu,
            Self::Wgpu => Self::Glow,
        }
    }

    /// The lower-case name used on the command line and in messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Glow => "glow",
            Self::Wgpu => "wgpu",
        }
    }
}

impl From<RendererArg> for eframe::Renderer {
    fn from(renderer: RendererArg) -> Self {
        match renderer {
            RendererArg::Glow => Self::Glow,
            RendererArg::Wgpu => Self::Wgpu,
        }
    }
}

impl From<TabArg> for Tab {
    fn from(tab: TabArg) -> Self {
        match tab {
            TabArg::Metadata => Self::Metadata,
            TabArg::Transcript => Self::Transcript,
            TabArg::Analysis => Self::Analysis,
            TabArg::Export => Self::Export,
        }
    }
}

/// Logs to stderr at `warn` (`RUST_LOG` overrides). Nothing logged ever contains the key.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init().ok();
}

/// Runs what the command line asks for and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Some(CliCommand::Fetch { anonymise: true, format: DocumentFormat::Json, .. }) => {
            fail(EXIT_USAGE, "--anonymise is for the review report: add --format html")
        }
        Some(CliCommand::Fetch { anonymise: true, no_names: true, .. })
        | Some(CliCommand::Export { anonymise: true, no_names: true, .. }) => {
            fail(EXIT_USAGE, "--anonymise needs the candidates' names to hide them: leave out --no-names")
        }
        Some(CliCommand::Export { anonymise: true, format: DocumentFormat::Json, .. }) => fail(
            EXIT_USAGE,
            "--anonymise is for the review reports: add --format html (the JSON documents are lossless)",
        ),
        Some(CliCommand::Fetch { interview, out, format, connection, no_names, no_transcript, anonymise, force }) => {
            let out = out.filter(|path| path.as_os_str() != "-");
            if let Some(path) = &out
                && let Err(code) = may_replace(path, force)
            {
                return ExitCode::from(code);
            }
            let options = FetchOptions { format, names: !no_names, transcript: !no_transcript, anonymise };
            with_runtime(|rt| rt.block_on(fetch(&interview, out, &connection, options)))
        }
        Some(CliCommand::Transcript { interview, format, out, force, connection }) => {
            let out = out.filter(|path| path.as_os_str() != "-");
            if let Some(path) = &out
                && let Err(code) = may_replace(path, force)
            {
                return ExitCode::from(code);
            }
            with_runtime(|rt| rt.block_on(transcript(&interview, format, out, &connection)))
        }
        Some(CliCommand::Recording { out, .. }) if out.as_os_str() == "-" => {
            fail(EXIT_USAGE, "--out - is not taken for a recording: give the file to write it to")
        }
        Some(CliCommand::Recording { interview, attempt, out, force, connection }) => {
            if let Err(code) = may_replace(&out, force) {
                return ExitCode::from(code);
            }
            with_runtime(|rt| rt.block_on(recording(&interview, attempt, &out, &connection)))
        }
        Some(CliCommand::Pdf { interview, out, force, connection }) => {
            if let Err(code) = may_replace(&out, force) {
                return ExitCode::from(code);
            }
            with_runtime(|rt| rt.block_on(pdf(&interview, &out, &connection)))
        }
        Some(CliCommand::List { filters, json, connection }) => {
            if let Some(warning) = filters.status_warning() {
                warn(&warning);
            }
            with_runtime(|rt| rt.block_on(list(filters.query(), json, &connection)))
        }
        Some(CliCommand::Export {
            out_dir,
            table,
            delimiter,
            no_bom,
            force,
            format,
            anonymise,
            filters,
            ids,
            no_names,
            no_transcript,
            concurrency,
            connection,
        }) => {
            if let Some(warning) = filters.status_warning() {
                warn(&warning);
            }
            let selection = match ids {
                Some(file) => Selection::Ids(file),
                None => Selection::List(filters.query()),
            };
            let options = BulkOptions {
                names: !no_names,
                export: ExportOptions { transcript: !no_transcript },
                concurrency: usize::from(concurrency),
                reviews: Arc::new(review::reviews_by_id(None)),
            };
            let csv = crate::export::table::CsvOptions { delimiter: delimiter as u8, bom: !no_bom };
            if let Some(file) = &table
                && let Err(code) = may_replace(file, force)
            {
                return ExitCode::from(code);
            }
            with_runtime(|rt| {
                rt.block_on(async {
                    if let Some(file) = &table {
                        let code = table_export(file, selection.clone(), &options, csv, &connection).await;
                        if code != EXIT_OK || out_dir.is_none() {
                            return code;
                        }
                    }
                    match (&out_dir, format) {
                        (Some(folder), DocumentFormat::Json) => {
                            bulk_export(folder, selection, options, &connection).await
                        }
                        (Some(folder), DocumentFormat::Html) => {
                            report_export(folder, selection, &options, anonymise, &connection).await
                        }
                        (None, _) => EXIT_OK,
                    }
                })
            })
        }
        Some(CliCommand::Key { action }) => with_runtime(|rt| rt.block_on(key_command(action))),
        Some(CliCommand::Review { action, review_folder, reviewer }) => review::run(action, review_folder, reviewer),
        Some(CliCommand::DemoServer { port, rate_limit, extra_interviews }) => {
            let options = DemoOptions {
                rate_limit_per_minute: rate_limit,
                extra_interviews: usize::try_from(extra_interviews).unwrap_or(0),
                ..DemoOptions::default()
            };
            with_runtime(|rt| rt.block_on(demo_server(port, options)))
        }
        None => match automation(&cli) {
            Ok(automation) => {
                let start = GuiStart {
                    demo: cli.demo,
                    open: cli.open,
                    tab: cli.tab.map(Tab::from),
                    profile: cli.connection.profile.clone(),
                    automation,
                    review_folder: cli.review_folder,
                    reviewer: cli.reviewer,
                };
                run_gui(&start, cli.renderer.unwrap_or(RendererArg::Wgpu))
            }
            Err(message) => fail(EXIT_USAGE, &message),
        },
    };
    ExitCode::from(code)
}

fn with_runtime(run: impl FnOnce(&tokio::runtime::Runtime) -> u8) -> u8 {
    match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => run(&runtime),
        Err(err) => fail(EXIT_GUI, &format!("could not start the async runtime: {err}")),
    }
}

/// The interview ID, a key and a client for a command that talks to the API, or the exit code
/// (after its one-line message).
async fn connect(reference: &str, connection: &ConnectionArgs) -> Result<(String, ApiClient), u8> {
    let Some(id) = interview_id_from(reference) else {
        return Err(fail(EXIT_USAGE, &format!("{:?} is not an interview ID (expected a UUID)", shorten(reference))));
    };
    Ok((id, client_for(connection).await?))
}

/// A client for `connection` with the key of [`cli_key`], or the exit code (after its message).
async fn client_for(connection: &ConnectionArgs) -> Result<ApiClient, u8> {
    let resolved = connection.resolve(false).map_err(|err| fail(EXIT_USAGE, &err.to_string()))?;
    let key = cli_key(&resolved.name).await.map_err(|message| fail(EXIT_NO_KEY, &message))?;
    ApiClient::new(&resolved.config, key).map_err(|err| fail(err.exit_code(), &api_message(&err)))
}

/// What `fetch` writes.
#[derive(Clone, Copy, Debug)]
struct FetchOptions {
    format: DocumentFormat,
    names: bool,
    transcript: bool,
    anonymise: bool,
}

/// `fetch`: one interview's export document or review report to a file or stdout.
async fn fetch(reference: &str, out: Option<PathBuf>, connection: &ConnectionArgs, options: FetchOptions) -> u8 {
    let (id, client) = match connect(reference, connection).await {
        Ok(connected) => connected,
        Err(code) => return code,
    };
    let record = match client.get_interview(&id).await {
        Ok(record) => record,
        Err(err) => return fail(err.exit_code(), &api_message(&err)),
    };
    let related = if options.names { Some(related_records(&client, &record.interview).await) } else { None };
    let config = match connection.resolve(false) {
        Ok(resolved) => resolved.config,
        Err(err) => return fail(EXIT_USAGE, &err.to_string()),
    };
    let source = ExportSource { base_url: config.base_url.clone(), company_id: config.company_id.clone() };
    let reviews = review::reviews_by_id(None).remove(&record.interview.id).unwrap_or_default();
    let document = match options.format {
        DocumentFormat::Json => export_document_with(
            &record,
            &source,
            related.as_ref(),
            jiff::Timestamp::now(),
            ExportOptions { transcript: options.transcript },
            &reviews,
        ),
        DocumentFormat::Html => {
            let related = related.unwrap_or_default();
            let me = review::review_settings().reviewer_name();
            let report_options =
                crate::export::report::ReportOptions { transcript: options.transcript, anonymise: options.anonymise };
            match crate::export::report::report_html(&report_input(&record, &related, &reviews, &me, report_options)) {
                Ok(html) => html,
                Err(err) => return fail(EXIT_NOT_FOUND, &format!("interview {id}: {err}")),
            }
        }
    };
    match out {
        Some(path) => match write_atomically(&path, document.as_bytes()) {
            Ok(()) => EXIT_OK,
            Err(err) => fail(EXIT_WRITE, &err.to_string()),
        },
        None => write_stdout(document.as_bytes()),
    }
}

/// The report input for one fetched interview, made now by `me`.
fn report_input<'a>(
    record: &'a InterviewRecord,
    related: &'a RelatedRecords,
    reviews: &'a [crate::review::Review],
    me: &'a str,
    options: crate::export::report::ReportOptions,
) -> crate::export::report::ReportInput<'a> {
    crate::export::report::ReportInput {
        record,
        candidate: related.candidate.as_ref(),
        agent: related.agent.as_ref(),
        job: related.job.as_ref(),
        reviews,
        made_by: me,
        made_at: jiff::Timestamp::now(),
        options,
    }
}

/// `transcript`: one interview's transcript in `format` to a file or stdout.
async fn transcript(
    reference: &str,
    format: crate::export::transcript_file::TranscriptFormat,
    out: Option<PathBuf>,
    connection: &ConnectionArgs,
) -> u8 {
    let (id, client) = match connect(reference, connection).await {
        Ok(connected) => connected,
        Err(code) => return code,
    };
    let record = match client.get_interview(&id).await {
        Ok(record) => record,
        Err(err) => return fail(err.exit_code(), &api_message(&err)),
    };
    let text = match crate::export::transcript_file::transcript_file(&record, format) {
        Ok(text) => text,
        Err(err) => return fail(EXIT_NOT_FOUND, &format!("interview {id}: {err}")),
    };
    match out {
        Some(path) => match write_atomically(&path, text.as_bytes()) {
            Ok(()) => EXIT_OK,
            Err(err) => fail(EXIT_WRITE, &err.to_string()),
        },
        // On a terminal, control characters from the server are shown escaped, never sent to
        // it as commands; a pipe or a file gets the text as it is.
        None if std::io::stdout().is_terminal() => write_stdout(terminal_safe(&text).as_bytes()),
        None => write_stdout(text.as_bytes()),
    }
}

/// `text` with control characters other than line breaks and tabs written as `\u{1b}`.
fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\n' && c != '\t' { c.escape_unicode().to_string() } else { c.to_string() })
        .collect()
}

/// The recording URL of call attempt `attempt` (1-based), or of the last attempt that has one.
fn recording_url(interview: &Interview, attempt: Option<u32>) -> Result<(usize, String), String> {
    let attempts = &interview.call_attempts;
    match attempt {
        Some(n) => {
            let index = usize::try_from(n).unwrap_or(usize::MAX).saturating_sub(1);
            let Some(found) = attempts.get(index) else {
                return Err(format!("interview {} has {} call attempt(s), not {n}", interview.id, attempts.len()));
            };
            found
                .recording_url
                .clone()
                .filter(|u| !u.trim().is_empty())
                .map(|u| (index, u))
                .ok_or_else(|| format!("call attempt {n} of interview {} has no recording", interview.id))
        }
        None => attempts
            .iter()
            .enumerate()
            .rev()
            .find_map(|(index, a)| {
                a.recording_url
                    .clone()
                    .filter(|u| {
                        let u = u.trim().to_ascii_lowercase();
                        u.starts_with("http://") || u.starts_with("https://")
                    })
                    .map(|u| (index, u))
            })
            .ok_or_else(|| format!("interview {} has no call recording", interview.id)),
    }
}

/// The exit code of a failed recording download.
fn recording_exit_code(err: &crate::api::recording::RecordingError) -> u8 {
    use crate::api::recording::RecordingError as E;
    match err {
        E::NotFound => EXIT_NOT_FOUND,
        E::Expired { .. } => 4,
        E::BadUrl(_) | E::NotAudio { .. } | E::Truncated { .. } | E::TooLarge => EXIT_DECODE,
        E::Http { .. } | E::Redirect(_) | E::Network(_) => 7,
        E::Cancelled => EXIT_INTERRUPTED,
        E::Write { .. } => EXIT_WRITE,
    }
}

/// `recording`: one call attempt's recording to a file; an expired link is renewed once.
async fn recording(reference: &str, attempt: Option<u32>, out: &Path, connection: &ConnectionArgs) -> u8 {
    let (id, client) = match connect(reference, connection).await {
        Ok(connected) => connected,
        Err(code) => return code,
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    let on_ctrl_c = {
        let interrupted = interrupted.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.store(true, Ordering::Relaxed);
            }
        })
    };
    let terminal = std::io::stderr().is_terminal();
    let progress = move |done: u64, total: Option<u64>| {
        if terminal {
            let total = total.map_or_else(String::new, |t| format!(" of {:.1} MB", t as f64 / 1e6));
            #[expect(clippy::print_stderr, reason = "progress on the terminal")]
            {
                eprint!("\r\x1b[2Kdownloading {:.1} MB{total}", done as f64 / 1e6);
            }
        }
    };
    let cancelled = {
        let interrupted = interrupted.clone();
        move || interrupted.load(Ordering::Relaxed)
    };
    let cache = crate::recordings::RecordingCache::default_cache();
    let pick = |interview: &Interview| recording_url(interview, attempt);
    let result = crate::recordings::save_recording(&client, &id, &pick, out, cache.as_ref(), &progress, &cancelled)
        .await
        .map_err(|err| {
            use crate::recordings::SaveRecordingError as E;
            let code = match &err {
                E::Api(api) => return fail(api.exit_code(), &api_message(api)),
                E::NoRecording(_) => EXIT_NOT_FOUND,
                E::Download { error, .. } => recording_exit_code(error),
            };
            fail(code, &err.to_string())
        });
    on_ctrl_c.abort();
    if terminal {
        progress_done();
    }
    match result {
        Ok(path) => {
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            note(&format!("wrote {} ({:.1} MB)", path.display(), size as f64 / 1e6));
            EXIT_OK
        }
        Err(code) => code,
    }
}

/// Whether `path` may be written: yes when it does not exist or `force` is given; when it
/// exists, asks on a terminal and refuses elsewhere (exit code 9, after the message).
fn may_replace(path: &Path, force: bool) -> Result<(), u8> {
    if path.is_dir() {
        return Err(fail(EXIT_WRITE, &format!("{} is a folder; give the name of a file to write", path.display())));
    }
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(fail(
            EXIT_WRITE,
            &format!("{} is not a regular file (a device or a pipe); give a file to write", path.display()),
        ));
    }
    if force || !path.exists() {
        return Ok(());
    }
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        #[expect(clippy::print_stderr, reason = "the question is asked on stderr, as the key prompt is")]
        {
            eprint!("interview-desk: {} exists. Replace it? [y/N] ", path.display());
        }
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_ok() && matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            return Ok(());
        }
        return Err(fail(EXIT_WRITE, &format!("{} was left as it was", path.display())));
    }
    Err(fail(EXIT_WRITE, &format!("{} exists; pass --force to replace it", path.display())))
}

/// Looks up the candidate, agent and job; a failed lookup becomes `null` with a warning.
async fn related_records(client: &ApiClient, interview: &Interview) -> RelatedRecords {
    let lookup = |kind: RelatedKind, id: Option<String>| async move {
        let id = id?;
        match client.get_related(kind, &id).await {
            Ok(record) => Some(record),
            Err(err) => {
                tracing::warn!("could not look up {} {id}: {err}", kind.path());
                None
            }
        }
    };
    RelatedRecords {
        candidate: lookup(RelatedKind::Candidate, interview.candidate_id.clone()).await,
        agent: lookup(RelatedKind::Agent, interview.agent_id.clone()).await,
        job: lookup(RelatedKind::Job, interview.job_id.clone()).await,
    }
}

/// `pdf`: the analysis report of one interview to a file.
async fn pdf(reference: &str, out: &std::path::Path, connection: &ConnectionArgs) -> u8 {
    let (id, client) = match connect(reference, connection).await {
        Ok(connected) => connected,
        Err(code) => return code,
    };
    match client.get_analysis_pdf(&id).await {
        Ok(Some(bytes)) => match write_atomically(out, &bytes) {
            Ok(()) => EXIT_OK,
            Err(err) => fail(EXIT_WRITE, &err.to_string()),
        },
        Ok(None) => fail(
            EXIT_NOT_FOUND,
            &format!("no analysis PDF for interview {id}: it has no analysis yet, or does not exist"),
        ),
        Err(err) => fail(err.exit_code(), &api_message(&err)),
    }
}

/// `list`: every page of the interview list to stdout.
/// Every page of the list for `query`, and how many items could not be read; or the exit
/// code after its message.
async fn list_all(client: &ApiClient, query: &mut InterviewQuery) -> Result<(Vec<Arc<InterviewRecord>>, usize), u8> {
    let mut rows = Vec::new();
    let mut problems = 0;
    loop {
        let page = match client.list_interviews(query).await {
            Ok(page) => page,
            Err(ApiError::Rejected { status: 400, .. }) if query.candidate_id.is_none() => {
                return Err(fail(EXIT_USAGE, "this server lists interviews per candidate only: pass --candidate ID"));
            }
            Err(err) => return Err(fail(err.exit_code(), &api_message(&err))),
        };
        for problem in &page.problems {
            tracing::warn!("skipped {problem}");
        }
        problems += page.problems.len();
        rows.extend(page.items);
        if !page.has_next || query.page >= 10_000 {
            break;
        }
        query.page += 1;
    }
    Ok((rows, problems))
}

/// Which interviews `export` takes.
#[derive(Clone)]
enum Selection {
    /// The IDs in a file (`-`: standard input).
    Ids(PathBuf),
    /// Every interview of the list with these filters.
    List(InterviewQuery),
}

/// `export`: many interviews into a folder with a manifest.
async fn bulk_export(folder: &Path, selection: Selection, options: BulkOptions, connection: &ConnectionArgs) -> u8 {
    let client = match client_for(connection).await {
        Ok(client) => client,
        Err(code) => return code,
    };
    let targets = match selection {
        Selection::Ids(file) => match read_id_file(&file) {
            Ok(ids) => ids.into_iter().map(|id| BulkTarget { id, updated_at: None }).collect(),
            Err(message) => return fail(EXIT_USAGE, &message),
        },
        Selection::List(mut query) => match list_all(&client, &mut query).await {
            Ok((rows, _)) => rows.iter().map(|record| BulkTarget::from_record(record)).collect::<Vec<_>>(),
            Err(code) => return code,
        },
    };
    let config = match connection.resolve(false) {
        Ok(resolved) => resolved.config,
        Err(err) => return fail(EXIT_USAGE, &err.to_string()),
    };
    let source = ExportSource { base_url: config.base_url, company_id: config.company_id };
    let cancel = CancelToken::default();
    let on_ctrl_c = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        })
    };
    let terminal = std::io::stderr().is_terminal();
    let show = move |progress: &BulkProgress| {
        if terminal {
            progress_line(progress);
        }
    };
    let result = bulk::run(&client, folder, targets, options, &source, &cancel, &show).await;
    on_ctrl_c.abort();
    let report = match result {
        Ok(report) => report,
        Err(err) => return fail(EXIT_WRITE, &err.to_string()),
    };
    if terminal {
        progress_done();
    }
    summarise(folder, &report)
}

/// `--delimiter`: a comma or a semicolon.
fn parse_delimiter(text: &str) -> Result<char, String> {
    match text {
        "," => Ok(','),
        ";" => Ok(';'),
        _ => Err(format!("{text:?}: the separator is , or ;")),
    }
}

/// Every selected interview fetched whole (with its candidate, agent and job unless
/// `options.names` is off), in the selection's order; an interview that cannot be fetched is
/// left out with a warning, and the exit code of the first such failure is returned with the
/// rows. `Err` holds the exit code when nothing could be selected.
async fn fetch_rows(
    client: &ApiClient,
    selection: Selection,
    options: &BulkOptions,
    what: &str,
) -> Result<(Vec<(InterviewRecord, RelatedRecords)>, Option<u8>), u8> {
    use futures_util::StreamExt as _;
    let ids: Vec<String> = match selection {
        Selection::Ids(list) => read_id_file(&list).map_err(|message| fail(EXIT_USAGE, &message))?,
        Selection::List(mut query) => {
            let (rows, _) = list_all(client, &mut query).await?;
            rows.iter().map(|record| record.interview.id.clone()).collect()
        }
    };
    let names = options.names;
    let fetching = futures_util::stream::iter(ids)
        .map(|id| async move {
            let record = client.get_interview(&id).await.map_err(|err| (id.clone(), err))?;
            let related =
                if names { related_records(client, &record.interview).await } else { RelatedRecords::default() };
            Ok((record, related))
        })
        .buffered(options.concurrency.max(1))
        .collect::<Vec<Result<(InterviewRecord, RelatedRecords), (String, ApiError)>>>();
    let fetched = tokio::select! {
        fetched = fetching => fetched,
        _ = tokio::signal::ctrl_c() => {
            return Err(fail(EXIT_INTERRUPTED, &format!("interrupted; nothing was written (the {what} is written once every interview has arrived)")));
        }
    };
    // One interview that cannot be fetched is left out; the others are written, and the exit
    // code says the output is incomplete (as `export --out-dir` does).
    let mut rows = Vec::new();
    let mut first_failure = None;
    for result in fetched {
        match result {
            Ok(row) => rows.push(row),
            Err((id, err)) => {
                warn(&format!("{id} is left out of the {what}: {}", api_message(&err)));
                first_failure.get_or_insert(err.exit_code());
            }
        }
    }
    Ok((rows, first_failure))
}

/// `export --table`: every selected interview as one row of the evaluation table, written
/// atomically to `file`.
async fn table_export(
    file: &Path,
    selection: Selection,
    options: &BulkOptions,
    csv: crate::export::table::CsvOptions,
    connection: &ConnectionArgs,
) -> u8 {
    let client = match client_for(connection).await {
        Ok(client) => client,
        Err(code) => return code,
    };
    let parent = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Err(err) = tempfile::Builder::new().prefix(".interview-desk-").tempfile_in(parent) {
        return fail(
            EXIT_WRITE,
            &format!("cannot write {}: {}", file.display(), crate::export::describe_io_error(&err)),
        );
    }
    let (rows, first_failure) = match fetch_rows(&client, selection, options, "table").await {
        Ok(fetched) => fetched,
        Err(code) => return code,
    };
    let me = review::review_settings().reviewer_name();
    let empty = Vec::new();
    let inputs: Vec<crate::export::table::RowInput<'_>> = rows
        .iter()
        .map(|(record, related)| crate::export::table::RowInput {
            record,
            candidate: related.candidate.as_ref(),
            agent: related.agent.as_ref(),
            job: related.job.as_ref(),
            reviews: options.reviews.get(&record.interview.id).unwrap_or(&empty),
            me: &me,
        })
        .collect();
    let table = crate::export::table::build(&inputs);
    let xlsx = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let built = if xlsx {
        let turns: Vec<crate::export::table::TurnRow> = if options.export.transcript {
            rows.iter().flat_map(|(record, _)| crate::export::table::turn_rows(record)).collect()
        } else {
            Vec::new()
        };
        crate::export::table::to_xlsx(&table, options.export.transcript.then_some(turns.as_slice()))
    } else {
        crate::export::table::to_csv(&table, csv)
    };
    let bytes = match built {
        Ok(bytes) => bytes,
        Err(err) => return fail(EXIT_USAGE, &err.to_string()),
    };
    match write_atomically(file, &bytes) {
        Ok(()) => {
            note(&format!("wrote {} row(s) to {}", table.rows.len(), file.display()));
            first_failure.unwrap_or(EXIT_OK)
        }
        Err(err) => fail(EXIT_WRITE, &err.to_string()),
    }
}

/// `export --format html`: a review report per selected interview in `folder` (named as the
/// JSON exports are, with `.html`) and an `index.html` linking them, highest AI rating first.
/// The folder's own reports are rewritten on every run.
async fn report_export(
    folder: &Path,
    selection: Selection,
    options: &BulkOptions,
    anonymise: bool,
    connection: &ConnectionArgs,
) -> u8 {
    use crate::export::report::{IndexEntry, ReportOptions, index_html, report_html};
    let client = match client_for(connection).await {
        Ok(client) => client,
        Err(code) => return code,
    };
    if let Err(err) = bulk::writable_folder(folder) {
        return fail(EXIT_WRITE, &err.to_string());
    }
    let (rows, first_failure) = match fetch_rows(&client, selection, options, "reports").await {
        Ok(fetched) => fetched,
        Err(code) => return code,
    };
    let me = review::review_settings().reviewer_name();
    let report_options = ReportOptions { transcript: options.export.transcript, anonymise };
    let empty = Vec::new();
    let mut entries = Vec::with_capacity(rows.len());
    for (record, related) in &rows {
        let reviews = options.reviews.get(&record.interview.id).unwrap_or(&empty);
        let input = report_input(record, related, reviews, &me, report_options);
        let name = PathBuf::from(crate::export::default_file_name(&record.interview))
            .with_extension("html")
            .to_string_lossy()
            .into_owned();
        let html = match report_html(&input) {
            Ok(html) => html,
            Err(err) => return fail(EXIT_NOT_FOUND, &format!("interview {}: {err}", record.interview.id)),
        };
        if let Err(err) = write_atomically(&folder.join(&name), html.as_bytes()) {
            return fail(EXIT_WRITE, &err.to_string());
        }
        entries.push(IndexEntry::of(&input, name));
    }
    let index = index_html(&entries, &me, jiff::Timestamp::now());
    if let Err(err) = write_atomically(&folder.join("index.html"), index.as_bytes()) {
        return fail(EXIT_WRITE, &err.to_string());
    }
    note(&format!("wrote {} report(s) and index.html to {}", entries.len(), folder.display()));
    first_failure.unwrap_or(EXIT_OK)
}

/// The IDs in `file`, one per line (an ID or a link containing one), without duplicates.
fn read_id_file(file: &Path) -> Result<Vec<String>, String> {
    let bytes = if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|err| format!("could not read standard input: {err}"))?;
        bytes
    } else {
        std::fs::read(file).map_err(|err| format!("could not read {}: {err}", file.display()))?
    };
    let (ids, problems) = ids_in_text(&bytes);
    if !problems.is_empty() {
        let shown: Vec<String> = problems.iter().take(10).map(|p| format!("{}:{p}", file.display())).collect();
        let more = problems.len().saturating_sub(shown.len());
        let tail = if more > 0 { format!("\n… and {more} more problem line(s)") } else { String::new() };
        return Err(format!("{}{tail}", shown.join("\n")));
    }
    if ids.is_empty() {
        return Err(format!("{} lists no interview IDs", file.display()));
    }
    Ok(ids)
}

/// The interview IDs in an `--ids` file, one per line (blank lines and `#` comments skipped),
/// without duplicates; and one problem per line that holds no ID, several IDs, or bytes that
/// are not UTF-8 (`<line>: <what is wrong>`).
fn ids_in_text(bytes: &[u8]) -> (Vec<String>, Vec<String>) {
    let mut ids: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let number = index + 1;
        let Ok(line) = std::str::from_utf8(line) else {
            problems.push(format!("{number}: the line is not UTF-8 text"));
            continue;
        };
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let found: Vec<String> = line
            .split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
            .filter(|token| token.len() == 36 && uuid::Uuid::parse_str(token).is_ok())
            .map(str::to_ascii_lowercase)
            .collect();
        match found.as_slice() {
            [] => problems.push(format!("{number}: {:?} is not an interview ID", shorten(line))),
            [id] => {
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
            several => {
                problems.push(format!("{number}: the line holds {} interview IDs; put one per line", several.len()));
            }
        }
    }
    (ids, problems)
}

/// Redraws the one-line progress display on stderr.
#[expect(clippy::print_stderr, reason = "progress goes to the terminal")]
fn progress_line(progress: &BulkProgress) {
    let rate = progress.per_minute().map_or_else(String::new, |rate| format!(", {rate:.0}/min"));
    let left = progress.time_left().map_or_else(String::new, |left| format!(", {} left", clock(left)));
    let failed = if progress.failed > 0 { format!(", {} failed", progress.failed) } else { String::new() };
    eprint!("\r\x1b[2K[{}/{}]{failed}{rate}{left}", progress.done(), progress.total);
}

/// Ends the progress line.
#[expect(clippy::print_stderr, reason = "progress goes to the terminal")]
fn progress_done() {
    eprintln!();
}

/// `m:ss` or `h:mm:ss`.
fn clock(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 3_600 {
        format!("{}:{:02}:{:02}", seconds / 3_600, seconds / 60 % 60, seconds % 60)
    } else {
        format!("{}:{:02}", seconds / 60, seconds % 60)
    }
}

/// Prints the summary and each failure to stderr and returns the exit code: 0, or the code
/// of the first failure.
#[expect(clippy::print_stderr, reason = "the command line reports on stderr")]
fn summarise(folder: &Path, report: &BulkReport) -> u8 {
    let p = &report.progress;
    eprintln!(
        "interview-desk: exported {} of {} interviews to {} ({} unchanged, {} failed) in {:.1} s",
        p.written,
        p.total,
        folder.display(),
        p.unchanged,
        p.failed,
        p.elapsed.as_secs_f64()
    );
    for failure in &report.failures {
        eprintln!("  {}: {}", failure.id, bulk_message(&failure.error));
    }
    if p.total == 0 {
        warn("nothing to export: the list returned no interviews for these filters");
    }
    if let Some(err) = &report.stopped_by {
        return fail(bulk_exit_code(err), &format!("stopped: {}", bulk_message(err)));
    }
    if report.cancelled {
        return fail(EXIT_INTERRUPTED, "interrupted; run the same command again to resume");
    }
    report.failures.first().map_or(EXIT_OK, |failure| bulk_exit_code(&failure.error))
}

fn bulk_message(error: &BulkError) -> String {
    match error {
        BulkError::Api(err) => api_message(err),
        BulkError::Write(_) => error.with_hint(),
    }
}

fn bulk_exit_code(error: &BulkError) -> u8 {
    match error {
        BulkError::Api(err) => err.exit_code(),
        BulkError::Write(_) => EXIT_WRITE,
    }
}

async fn list(mut query: InterviewQuery, json: bool, connection: &ConnectionArgs) -> u8 {
    let client = match client_for(connection).await {
        Ok(client) => client,
        Err(code) => return code,
    };
    let (rows, problems) = match list_all(&client, &mut query).await {
        Ok(listed) => listed,
        Err(code) => return code,
    };
    let text = if json { json_lines(&rows) } else { table(&rows) };
    let written = write_stdout(text.as_bytes());
    if written != EXIT_OK {
        return written;
    }
    if problems > 0 {
        return fail(EXIT_DECODE, &format!("{problems} interview(s) in the list could not be read"));
    }
    EXIT_OK
}

/// Each interview as the server sent it, one per line.
fn json_lines(rows: &[std::sync::Arc<InterviewRecord>]) -> String {
    rows.iter().map(|r| format!("{}\n", r.raw)).collect()
}

/// An aligned table: ID, status, date (UTC), candidate ID, agent ID.
fn table(rows: &[std::sync::Arc<InterviewRecord>]) -> String {
    let mut lines = vec![["ID".to_owned(), "STATUS".into(), "DATE".into(), "CANDIDATE".into(), "AGENT".into()]];
    for record in rows {
        let interview = &record.interview;
        lines.push([
            interview.id.clone(),
            interview.status.as_ref().map_or_else(|| "-".to_owned(), ToString::to_string),
            interview.key_instant().map_or_else(|| "-".to_owned(), |t| t.strftime("%Y-%m-%d %H:%M").to_string()),
            interview.candidate_id.clone().unwrap_or_else(|| "-".into()),
            interview.agent_id.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    aligned(&lines)
}

/// Rows of cells as text columns, each as wide as its widest cell, two spaces apart.
fn aligned<const N: usize>(lines: &[[String; N]]) -> String {
    let widths: Vec<usize> =
        (0..N).map(|c| lines.iter().filter_map(|l| l.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for line in lines {
        let cells: Vec<String> = line.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Writes to standard output. A reader that stops early (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => EXIT_OK,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(err) => fail(EXIT_WRITE, &format!("could not write to standard output: {err}")),
    }
}

/// At most 80 characters of user input, for messages.
fn shorten(text: &str) -> String {
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() { format!("{short}…") } else { short }
}

/// The key from [`API_KEY_ENV`], else the key of `account` in the OS keyring (with a timeout,
/// off this thread).
async fn cli_key(account: &str) -> Result<ApiKey, String> {
    if let Some(value) = std::env::var_os(API_KEY_ENV) {
        let value = value.into_string().map_err(|_| format!("{API_KEY_ENV} is not valid text"))?;
        return ApiKey::new(&value).map_err(|err| format!("{API_KEY_ENV}: {err}"));
    }
    let lookup = account.to_owned();
    match with_keyring(move |store| store.get(&lookup)).await {
        Ok((Some(key), _)) => Ok(key),
        Ok((None, store)) => Err(format!(
            "no API key for connection {account:?} in {}: run `interview-desk key set --profile {account:?}` or set {API_KEY_ENV}",
            store.name
        )),
        Err(err) => Err(format!("no API key: {err}; set {API_KEY_ENV} instead")),
    }
}

/// Opens the OS keyring and runs `call` on it, off this thread, within
/// [`crate::worker::KEYRING_TIMEOUT`].
async fn with_keyring<T: Send + 'static>(
    call: impl FnOnce(&crate::credentials::KeyringStore) -> Result<T, CredentialError> + Send + 'static,
) -> Result<(T, StoreInfo), CredentialError> {
    let task = tokio::task::spawn_blocking(move || {
        let store = os_keyring()?;
        let value = call(&store)?;
        Ok((value, store.info()))
    });
    let timeout = crate::worker::KEYRING_TIMEOUT;
    match tokio::time::timeout(timeout, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(CredentialError::Other(join.to_string())),
        Err(_) => Err(CredentialError::TimedOut(timeout.as_secs())),
    }
}

/// What to do about a keyring failure, on the command line: one sentence without a final
/// full stop, printed after the error (`<error>. <hint>`) by `key set`, `key status` and
/// `key delete`.
fn keyring_hint(err: &CredentialError) -> &'static str {
    match err {
        CredentialError::Unavailable(_) => {
            "Start or install a keyring service (gnome-keyring, KWallet), or set INSTAVIEW_API_KEY for each command instead"
        }
        CredentialError::Locked(_) | CredentialError::TimedOut(_) => {
            "Unlock the keyring (log in to the desktop session, or Seahorse / Keychain Access) and try again, or set INSTAVIEW_API_KEY instead"
        }
        CredentialError::AccessDenied(_) => {
            "Allow Interview Desk to use the keyring when asked, or set INSTAVIEW_API_KEY instead"
        }
        CredentialError::TooLong { .. } => "Check that only the API key was pasted",
        CredentialError::Other(_) => "Try again, or set INSTAVIEW_API_KEY instead",
    }
}

/// The exit code of a keyring failure in the `key` commands: [`EXIT_KEYRING_UNAVAILABLE`] when
/// there is no keyring, [`EXIT_KEYRING_LOCKED`] when it is locked, refused access or did not
/// answer in time, [`EXIT_KEYRING_FAILED`] otherwise.
fn keyring_exit_code(err: &CredentialError) -> u8 {
    match err {
        CredentialError::Unavailable(_) => EXIT_KEYRING_UNAVAILABLE,
        CredentialError::Locked(_) | CredentialError::AccessDenied(_) | CredentialError::TimedOut(_) => {
            EXIT_KEYRING_LOCKED
        }
        CredentialError::TooLong { .. } | CredentialError::Other(_) => EXIT_KEYRING_FAILED,
    }
}

/// `key set|status|delete`.
async fn key_command(action: KeyCommand) -> u8 {
    match action {
        KeyCommand::Set { refused: Some(_), .. } => fail(
            EXIT_USAGE,
            "the key is never taken from an argument (it would stay in the shell history): pipe it to standard input or type it at the prompt",
        ),
        KeyCommand::Set { connection, refused: None } => key_set(&connection).await,
        KeyCommand::Status { connection } => key_status(&connection).await,
        KeyCommand::Delete { connection } => key_delete(&connection).await,
    }
}

/// `key set`: the key from stdin or a hidden prompt into the keyring; a new connection is
/// added to the saved ones.
async fn key_set(connection: &ConnectionArgs) -> u8 {
    let resolved = match connection.resolve(true) {
        Ok(resolved) => resolved,
        Err(err) => return fail(EXIT_USAGE, &err.to_string()),
    };
    let name = resolved.name.clone();
    let typed = match read_key(&name) {
        Ok(typed) => typed,
        Err(message) => return fail(EXIT_USAGE, &message),
    };
    let key = match ApiKey::new(&typed) {
        Ok(key) => key,
        Err(err) => return fail(EXIT_USAGE, &err.to_string()),
    };
    drop(typed);
    if let Err(message) = resolved.config.parsed_base_url() {
        return fail(EXIT_USAGE, &message.to_string());
    }
    let account = name.clone();
    let result = with_keyring(move |store| {
        // Checked before the write so an oversize key never replaces a saved one.
        check_length(store, &key)?;
        store.set(&account, &key)
    })
    .await;
    let store = match result {
        Ok(((), store)) => store,
        Err(err) => {
            return fail(keyring_exit_code(&err), &format!("the key was not saved: {err}. {}", keyring_hint(&err)));
        }
    };
    let mut message = format!("Saved the key for connection {name:?} in {}.\n", store.name);
    if !store.persistent {
        message.push_str("Note: keys in this store are lost when the computer restarts.\n");
    }
    let profile = Profile::new(&name, &resolved.config);
    let changed = resolved.saved.as_ref() != Some(&profile);
    if changed {
        let verb = if resolved.saved.is_some() { "Updated" } else { "Added" };
        let mut settings = resolved.settings;
        settings.upsert(profile);
        let saved = profiles::settings_path().map(|path| settings.save(&path));
        match saved {
            Some(Ok(())) => message.push_str(&format!("{verb} connection {name:?} ({}).\n", resolved.config.base_url)),
            Some(Err(err)) => return fail(EXIT_WRITE, &format!("the connection was not saved: {err}")),
            None => {
                return fail(
                    EXIT_WRITE,
                    "the connection was not saved: no config folder (set INTERVIEW_DESK_CONFIG_DIR)",
                );
            }
        }
    }
    write_stdout(message.as_bytes())
}

/// Reads the key: all of standard input when it is not a terminal, else a hidden prompt.
fn read_key(name: &str) -> Result<String, String> {
    let text = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("API key for connection {name:?} (input hidden): "))
            .map_err(|err| format!("could not read the key: {err}"))?
    } else {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|err| format!("could not read the key from standard input: {err}"))?;
        text
    };
    if text.trim().is_empty() {
        return Err("no key given: pipe it to standard input or type it at the prompt".to_owned());
    }
    Ok(text)
}

/// `key status`: the store and whether a key is saved, never any part of the key.
async fn key_status(connection: &ConnectionArgs) -> u8 {
    let resolved = match connection.resolve(false) {
        Ok(resolved) => resolved,
        Err(err) => return fail(EXIT_USAGE, &err.to_string()),
    };
    let name = resolved.name.clone();
    let account = name.clone();
    match with_keyring(move |store| store.get(&account).map(|key| key.is_some())).await {
        Ok((saved, store)) => {
            let lost = if store.persistent { "" } else { " (lost when the computer restarts)" };
            let text = format!(
                "Key store: {}{lost}\nConnection: {name} ({})\nKey: {}\n",
                store.name,
                resolved.config.base_url,
                if saved { "saved" } else { "not saved" }
            );
            let written = write_stdout(text.as_bytes());
            if written != EXIT_OK {
                return written;
            }
            if saved { EXIT_OK } else { EXIT_NO_KEY }
        }
        Err(err) => fail(keyring_exit_code(&err), &format!("{err}. {}", keyring_hint(&err))),
    }
}

/// `key delete`: removes the key; deleting a key that is not there succeeds.
async fn key_delete(connection: &ConnectionArgs) -> u8 {
    let resolved = match connection.resolve(false) {
        Ok(resolved) => resolved,
        Err(err) => return fail(EXIT_USAGE, &err.to_string()),
    };
    let name = resolved.name;
    let account = name.clone();
    let removed = with_keyring(move |store| {
        let saved = store.get(&account)?.is_some();
        if saved {
            store.delete(&account)?;
        }
        Ok(saved)
    })
    .await;
    match removed {
        Ok((true, store)) => {
            write_stdout(format!("Removed the key for connection {name:?} from {}.\n", store.name).as_bytes())
        }
        Ok((false, store)) => fail(EXIT_NO_KEY, &format!("no key was saved for connection {name:?} in {}", store.name)),
        Err(err) => fail(keyring_exit_code(&err), &format!("the key was not removed: {err}. {}", keyring_hint(&err))),
    }
}

/// The error with its hint, the window's "under Connection" put in command-line terms.
fn api_message(err: &ApiError) -> String {
    err.with_hint()
        .replace("ID under Connection", "ID with --company-id")
        .replace("set it under Connection", "pass --company-id")
        .replace("under Connection", "(`interview-desk key set`, or INSTAVIEW_API_KEY)")
}

/// `demo-server`: serve until Ctrl+C.
async fn demo_server(port: u16, options: DemoOptions) -> u8 {
    let server = match DemoServer::start_with(port, options).await {
        Ok(server) => server,
        Err(err) => return fail(EXIT_GUI, &format!("the demo server could not start on port {port}: {err}")),
    };
    let banner = format!(
        "Interview Desk demo server\nURL:     {}\nAPI key: {DEMO_API_KEY}\nTry:     {API_KEY_ENV}={DEMO_API_KEY} interview-desk fetch {} --base-url {}\nPress Ctrl+C to stop.\n",
        server.base_url(),
        crate::demo::DEMO_PHONE_INTERVIEW_ID,
        server.base_url()
    );
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(banner.as_bytes()).ok();
    stdout.flush().ok();
    drop(stdout);
    tokio::signal::ctrl_c().await.ok();
    server.shutdown();
    EXIT_OK
}

/// The window's automation flags; `--base-url` needs `INSTAVIEW_API_KEY`.
fn automation(cli: &Cli) -> Result<Automation, String> {
    let exit_after = match cli.exit_after {
        Some(seconds) if seconds.is_finite() && seconds >= 0.0 => Some(Duration::from_secs_f64(seconds)),
        Some(_) => return Err("--exit-after takes a number of seconds, 0 or more".to_owned()),
        None => None,
    };
    if cli.demo && cli.connection.profile.is_some() {
        return Err("--profile and --demo exclude each other".to_owned());
    }
    let connection = match (&cli.connection.base_url, cli.demo) {
        (Some(_), true) => return Err("--base-url and --demo exclude each other".to_owned()),
        (Some(base_url), false) => {
            let value = std::env::var(API_KEY_ENV).map_err(|_| {
                format!("--base-url (or INSTAVIEW_BASE_URL) needs the key in {API_KEY_ENV} for the window")
            })?;
            let key = ApiKey::new(&value).map_err(|err| format!("{API_KEY_ENV}: {err}"))?;
            let config = ApiConfig::new(base_url, cli.connection.company_id.as_deref());
            config.parsed_base_url().map_err(|err| err.to_string())?;
            Some((config, key))
        }
        (None, _) => None,
    };
    Ok(Automation { connection, search: cli.search.clone(), exit_after, frame_stats: cli.frame_stats.clone() })
}

/// What the window starts with.
struct GuiStart {
    demo: bool,
    open: Option<String>,
    tab: Option<Tab>,
    profile: Option<String>,
    automation: Automation,
    review_folder: Option<PathBuf>,
    reviewer: Option<String>,
}

/// Opens the window with `first`, and with the other renderer if `first` cannot start (no GPU
/// adapter in a VM or over remote desktop, no usable OpenGL). One clear line when neither
/// can.
fn run_gui(start: &GuiStart, first: RendererArg) -> u8 {
    let mut failures = Vec::new();
    for renderer in [first, first.other()] {
        let started = Arc::new(AtomicBool::new(false));
        let result = eframe::run_native(app_name(start.demo), native_options(start.demo, renderer), {
            let started = Arc::clone(&started);
            app_creator(start, started)
        });
        match result {
            Ok(()) => return EXIT_OK,
            // Without a display server neither renderer can help.
            Err(err @ eframe::Error::WinitEventLoop(_)) => {
                return fail(EXIT_GUI, &format!("the window could not open: {err}"));
            }
            // The app ran, so the renderer worked: report what ended it.
            Err(err) if started.load(Ordering::Relaxed) => {
                return fail(EXIT_GUI, &format!("the window failed ({} renderer): {err}", renderer.name()));
            }
            Err(err) => {
                if failures.is_empty() {
                    tracing::warn!(
                        "the {} renderer could not start ({err}); falling back to {}",
                        renderer.name(),
                        renderer.other().name()
                    );
                }
                failures.push(format!("{}: {err}", renderer.name()));
            }
        }
    }
    fail(
        EXIT_GUI,
        &format!(
            "the window could not open: neither renderer could start ({}); the graphics driver offers \
             neither Vulkan, Metal, Direct3D 12 nor OpenGL 2 (a virtual machine or remote desktop without 3D \
             acceleration?)",
            failures.join("; ")
        ),
    )
}

/// eframe's name for the app (the window state's file is named in [`native_options`]).
fn app_name(demo: bool) -> &'static str {
    if demo { "Interview Desk Demo" } else { "Interview Desk" }
}

fn native_options(demo: bool, renderer: RendererArg) -> eframe::NativeOptions {
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../../icons/icon-256.png")).ok();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(if demo { "Interview Desk — demo" } else { "Interview Desk" })
        .with_app_id("interview-desk")
        .with_inner_size([1200.0, 800.0])
        .with_min_inner_size([720.0, 480.0]);
    if let Some(icon) = icon {
        viewport = viewport.with_icon(Arc::new(icon));
    }
    // `run_and_return` keeps the event loop for the second attempt (winit makes one per process).
    // The window's size and position are restored from (and saved to) the app state file;
    // eframe would pick the folder from the app ID alone, so the demo's file is named here.
    eframe::NativeOptions {
        viewport,
        renderer: renderer.into(),
        run_and_return: true,
        persist_window: true,
        persistence_path: profiles::app_state_path(demo),
        ..eframe::NativeOptions::default()
    }
}

/// Builds the app once the renderer is up; sets `started` so a later failure is not taken for
/// a renderer that could not start.
fn app_creator(start: &GuiStart, started: Arc<AtomicBool>) -> eframe::AppCreator<'static> {
    let GuiStart { demo, open, tab, profile, automation, review_folder, reviewer } = start;
    let (demo, open, tab, profile, automation) = (*demo, open.clone(), *tab, profile.clone(), automation.clone());
    let (review_folder, reviewer) = (review_folder.clone(), reviewer.clone());
    Box::new(move |cc| {
        started.store(true, Ordering::Relaxed);
        let options = AppOptions {
            store: StoreChoice::OsKeyring,
            demo,
            open,
            tab,
            dialog: Box::new(NativeSaveDialog),
            automation,
            profile,
            settings_path: if demo { None } else { profiles::settings_path() },
            review_folder: review_folder.clone(),
            reviewer: reviewer.clone(),
            recording_cache: None,
            audio: crate::app::AudioChoice::System,
        };
        Ok(Box::new(App::new(cc, options)))
    })
}

/// Prints `interview-desk: warning: <message>` on one line to stderr.
#[expect(clippy::print_stderr, reason = "the command line reports on stderr")]
fn warn(message: &str) {
    eprintln!("interview-desk: warning: {message}");
}

/// Prints `interview-desk: <message>` on one line to stderr (what was done).
#[expect(clippy::print_stderr, reason = "the command line reports on stderr")]
fn note(message: &str) {
    eprintln!("interview-desk: {message}");
}

/// Prints `interview-desk: <message>` on one line to stderr and returns `code`.
#[expect(clippy::print_stderr, reason = "the command line reports errors on stderr")]
fn fail(code: u8, message: &str) -> u8 {
    eprintln!("interview-desk: {message}");
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ids_file_takes_one_id_per_line_and_names_every_bad_line() {
        let text = "\u{feff}# picked\r\n3F6C2A1E-8B4D-4C2A-9E71-5D0B7A2F9C10\r\n\nhttps://app.instaview.sk/interviews/ec0f0ec3-0d2c-4225-88a5-bfefcc46fa88?tab=1\n3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10";
        let (ids, problems) = ids_in_text(text.as_bytes());
        assert_eq!(ids, ["3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10", "ec0f0ec3-0d2c-4225-88a5-bfefcc46fa88"]);
        assert!(problems.is_empty(), "{problems:?}");

        let bad = b"3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10,ec0f0ec3-0d2c-4225-88a5-bfefcc46fa88\njunk\n\xff\xfe\n";
        let (_, problems) = ids_in_text(bad);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("1: the line holds 2 interview IDs"), "{problems:?}");
        assert!(problems[1].starts_with("2: \"junk\" is not an interview ID"), "{problems:?}");
        assert!(problems[2].starts_with("3: the line is not UTF-8"), "{problems:?}");
    }

    #[test]
    fn an_unknown_status_is_warned_about() {
        let filters = |status: &str| ListFilters { candidate: None, agent: None, status: Some(status.to_owned()) };
        assert_eq!(filters("completed").status_warning(), None);
        assert_eq!(filters("CANCELED").status_warning(), None);
        assert!(filters("DONE").status_warning().unwrap().contains("not a documented status"));
    }
}
