//! `review show`, `review set` and `review list`: the reviewer's own reviews from the command
//! line, on the same files and with the same rules as the window.

use std::path::PathBuf;

use clap::Subcommand;

use super::{EXIT_DECODE, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, EXIT_WRITE, aligned, fail, write_stdout};
use crate::profiles::{Settings, settings_path};
use crate::review::{
    Decision, MAX_RATING, Review, ReviewFolder, ReviewSettings, SaveMode, ScanCache, Stamped, StoreError, parse_rating,
};

/// `review` subcommands.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Print your review of one interview (exit 5 when there is none).
    Show {
        /// The interview ID (or a link containing it).
        interview: String,
        /// Print the review file's JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Change your review of one interview (it is created when there is none).
    Set {
        /// The interview ID (or a link containing it).
        interview: String,
        /// advance, hold or reject; `none` clears it.
        #[arg(long, value_name = "DECISION", allow_hyphen_values = true)]
        decision: Option<String>,
        /// Overall rating 1–5; `none` clears it.
        #[arg(long, value_name = "N", allow_hyphen_values = true)]
        rating: Option<String>,
        /// Rate a criterion 1–5 (`none` clears it), e.g. `--criterion Communication=4`.
        /// Repeatable. The name must be one of the scorecard's criteria.
        #[arg(long, value_name = "NAME=N", allow_hyphen_values = true)]
        criterion: Vec<String>,
        /// Replace the notes with this text (it may start with `-`).
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        note: Option<String>,
    },
    /// List your reviews: interview ID, decision, rating, last change (UTC).
    List {
        /// Only reviews with a decision.
        #[arg(long, conflicts_with = "undecided")]
        decided: bool,
        /// Only reviews without a decision.
        #[arg(long)]
        undecided: bool,
        /// Every reviewer's reviews in the folder, not only yours.
        #[arg(long)]
        all: bool,
        /// One JSON object per review per line.
        #[arg(long)]
        json: bool,
    },
}

/// The review settings in `settings.json`; missing or unreadable settings only mean the
/// defaults.
pub fn review_settings() -> ReviewSettings {
    settings_path().and_then(|path| Settings::load(&path).ok()).map(|s| s.review).unwrap_or_default()
}

/// The review folder: `folder` (`--review-folder`, else [`crate::review::store::REVIEW_DIR_ENV`]),
/// else the settings' one, else the default.
fn review_folder(folder: Option<PathBuf>, settings: &ReviewSettings) -> Option<ReviewFolder> {
    // `folder` is the flag, or the environment variable when there is no flag (clap reads it).
    match folder {
        Some(folder) => Some(ReviewFolder::new(folder)),
        None => crate::review::store::folder_to_use(settings.folder.as_deref(), false).map(ReviewFolder::new),
    }
}

/// Every reviewer's reviews in the review folder (`folder` or the default one), by interview
/// ID, for the export documents. Files that cannot be read are warned about and left out.
pub fn reviews_by_id(folder: Option<PathBuf>) -> crate::export::bulk::ReviewsById {
    let settings = review_settings();
    let Some(folder) = review_folder(folder, &settings) else { return Default::default() };
    let scan = folder.scan(&settings.reviewer_name(), &mut ScanCache::default());
    for problem in &scan.problems {
        super::warn(&format!("review folder: {problem}"));
    }
    let mut by_id = crate::export::bulk::ReviewsById::new();
    for found in scan.reviews {
        by_id.entry(found.review.interview_id.clone()).or_default().push(found.review);
    }
    by_id
}

/// Runs a `review` subcommand; returns the exit code.
pub fn run(command: ReviewCommand, folder: Option<PathBuf>, reviewer: Option<String>) -> u8 {
    let settings = review_settings();
    let Some(folder) = review_folder(folder, &settings) else {
        return fail(EXIT_USAGE, "no review folder: the OS names no data folder; give --review-folder");
    };
    let reviewer = match reviewer {
        // A name that shows as nothing would write someone else's review or an invisible one.
        Some(name)
            if crate::review::clean_text(&name).trim().is_empty()
                || name
                    .chars()
                    .all(|c| c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')) =>
        {
            return fail(EXIT_USAGE, "--reviewer needs a name that can be seen (it names the reviews in the panel)");
        }
        Some(name) if name.contains(['\n', '\r']) => {
            return fail(EXIT_USAGE, "--reviewer is one line: a name without line breaks");
        }
        Some(name) => name.trim().to_owned(),
        None => settings.reviewer_name(),
    };
    match command {
        ReviewCommand::Show { interview, json } => {
            let Some(id) = interview_id(&interview) else { return bad_id(&interview) };
            warn_about_copies(&folder, &reviewer, &id);
            match folder.load(&reviewer, &id) {
                Ok(Some(review)) if json => write_stdout(review.to_json().as_bytes()),
                Ok(Some(review)) => write_stdout(summary(&review).as_bytes()),
                Ok(None) => {
                    fail(EXIT_NOT_FOUND, &format!("{reviewer} has no review of {id} in {}", folder.root.display()))
                }
                Err(err) => store_failure(&err),
            }
        }
        ReviewCommand::Set { interview, decision, rating, criterion, note } => {
            let Some(id) = interview_id(&interview) else { return bad_id(&interview) };
            warn_about_copies(&folder, &reviewer, &id);
            set(&folder, &reviewer, &settings, &id, Changes { decision, rating, criteria: criterion, note })
        }
        ReviewCommand::List { decided, undecided, all, json } => {
            let scan = folder.scan(&reviewer, &mut ScanCache::default());
            if scan.folder_missing {
                super::warn(&format!("the review folder {} does not exist (yet)", folder.root.display()));
            }
            for problem in &scan.problems {
                super::warn(&problem.to_string());
            }
            if let Some(error) = &scan.folder_error {
                return fail(EXIT_DECODE, error);
            }
            let rows: Vec<&Review> = scan
                .reviews
                .iter()
                .filter(|r| all || r.mine)
                .map(|r| &r.review)
                .filter(|r| !decided || r.decision.is_some())
                .filter(|r| !undecided || r.decision.is_none())
                .collect();
            write_stdout(if json { json_lines(&rows) } else { table(&rows) }.as_bytes())
        }
    }
}

/// Warns about sync conflict copies of `reviewer`'s review of `id` (the window offers to merge
/// them; here they are only named).
fn warn_about_copies(folder: &ReviewFolder, reviewer: &str, id: &str) {
    let scan = folder.scan(reviewer, &mut ScanCache::default());
    for copy in scan.copies.iter().filter(|c| c.mine && c.review.interview_id.eq_ignore_ascii_case(id)) {
        super::warn(&format!(
            "{} is a second copy of this review (a sync conflict copy, {}); open the interview in the window to keep one",
            copy.path.display(),
            copy.review.decision().map_or("undecided", Decision::label)
        ));
    }
}

/// What `review set` changes.
struct Changes {
    decision: Option<String>,
    rating: Option<String>,
    criteria: Vec<String>,
    note: Option<String>,
}

fn set(folder: &ReviewFolder, reviewer: &str, settings: &ReviewSettings, id: &str, changes: Changes) -> u8 {
    let now = jiff::Timestamp::now();
    let is_none = |text: &str| text.eq_ignore_ascii_case("none");
    let decision = match changes.decision.as_deref().map(str::trim) {
        None => None,
        Some(text) if is_none(text) => Some(None),
        Some(text) => match Decision::parse(text) {
            Ok(decision) => Some(Some(decision)),
            Err(err) => return fail(EXIT_USAGE, &err.to_string()),
        },
    };
    let rating = match changes.rating.as_deref().map(str::trim) {
        None => None,
        Some(text) if is_none(text) => Some(None),
        Some(text) => match parse_rating(text) {
            Ok(n) => Some(Some(n)),
            Err(err) => return fail(EXIT_USAGE, &err.to_string()),
        },
    };
    let mut criteria = Vec::new();
    for item in &changes.criteria {
        let Some((name, value)) = item.rsplit_once('=') else {
            return fail(EXIT_USAGE, &format!("--criterion {item:?}: write NAME=N, e.g. Communication=4"));
        };
        let value = match value.trim() {
            text if is_none(text) => None,
            text => match parse_rating(text) {
                Ok(n) => Some(n),
                Err(err) => return fail(EXIT_USAGE, &format!("--criterion {name}: {err}")),
            },
        };
        criteria.push((name.trim().to_owned(), value));
    }
    // Two tries: a change made elsewhere between reading and writing is read again.
    for _ in 0..2 {
        let (mut review, base) = match folder.load(reviewer, id) {
            Ok(Some(review)) => {
                let base = review.revision;
                (review, base)
            }
            Ok(None) => (Review::new(id, reviewer, now), 0),
            Err(err) => return store_failure(&err),
        };
        if review.is_newer_format() {
            let path = folder.path_of(reviewer, id);
            return store_failure(&StoreError::NewerFormat { path, version: review.version });
        }
        let mut known: Vec<String> = Vec::new();
        let candidates =
            settings.criteria_for(None).into_iter().chain(settings.agent_criteria.values().flatten().cloned());
        for name in candidates.chain(review.criteria.iter().map(|c| c.name.clone())) {
            if !known.contains(&name) {
                known.push(name);
            }
        }
        for (name, value) in &criteria {
            let Some(canonical) = known.iter().find(|k| k.eq_ignore_ascii_case(name)).cloned() else {
                return fail(
                    EXIT_USAGE,
                    &format!("unknown criterion {name:?}; the criteria are: {}", known.join(", ")),
                );
            };
            let slot = match review.criteria.iter().position(|c| c.name == canonical) {
                Some(index) => index,
                None => {
                    review.criteria.push(crate::review::CriterionRating::new(&canonical));
                    review.criteria.len() - 1
                }
            };
            if let Some(criterion) = review.criteria.get_mut(slot) {
                criterion.rating = *value;
                criterion.at = Some(now);
            }
        }
        if let Some(decision) = decision {
            review.decision = decision.map(|value| Stamped { value, at: now });
        }
        if let Some(rating) = rating {
            review.rating = rating.map(|value| Stamped { value, at: now });
        }
        if let Some(note) = &changes.note {
            review.notes.clone_from(note);
            review.notes_at = Some(now);
        }
        review.updated_at = now;
        match folder.save(&review, base, SaveMode::IfUnchanged) {
            Ok(_) => return EXIT_OK,
            Err(StoreError::Conflict { .. }) => {}
            Err(err) => return store_failure(&err),
        }
    }
    fail(EXIT_WRITE, "the review kept changing elsewhere while it was being saved; try again")
}

/// The one interview ID in `text`; `None` when there is none, or more than one (a candidate's
/// link holds the candidate's ID too: which one was meant cannot be told).
fn interview_id(text: &str) -> Option<String> {
    let mut ids: Vec<String> =
        text.split(|c: char| !(c.is_ascii_hexdigit() || c == '-')).filter_map(crate::api::interview_id_from).collect();
    ids.dedup();
    if ids.len() == 1 { ids.pop() } else { None }
}

fn bad_id(text: &str) -> u8 {
    fail(EXIT_USAGE, &format!("{:?} is not one interview ID (expected exactly one UUID)", super::shorten(text)))
}

fn store_failure(err: &StoreError) -> u8 {
    let code = match err {
        StoreError::Format { .. }
        | StoreError::Read { .. }
        | StoreError::NewerFormat { .. }
        | StoreError::NotDownloaded { .. } => EXIT_DECODE,
        _ => EXIT_WRITE,
    };
    fail(code, &err.to_string())
}

/// `text` with control characters (but line feeds and tabs) shown as `\u{..}`, so a note
/// cannot send escape sequences to the terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\n' && c != '\t' { c.escape_unicode().to_string() } else { c.to_string() })
        .collect()
}

fn summary(review: &Review) -> String {
    printable(&summary_text(review))
}

fn summary_text(review: &Review) -> String {
    let mut out = format!("Review of {} by {} (revision {})\n", review.interview_id, review.reviewer, review.revision);
    out.push_str(&format!("Decision: {}\n", review.decision().map_or("undecided", Decision::label)));
    let rating = review.rating().map_or_else(|| "unrated".to_owned(), |n| format!("{n}/{MAX_RATING}"));
    out.push_str(&format!("Overall rating: {rating}\n"));
    for criterion in &review.criteria {
        let value = criterion.rating.map_or_else(|| "unrated".to_owned(), |n| format!("{n}/{MAX_RATING}"));
        let comment = if criterion.comment.is_empty() { String::new() } else { format!(" ({})", criterion.comment) };
        out.push_str(&format!("  {}: {value}{comment}\n", criterion.name));
    }
    let disagreed = review.ai_points.iter().filter(|p| p.verdict == Some(crate::review::Verdict::Disagree));
    for point in disagreed {
        out.push_str(&format!("Disagrees with the AI: {} ({})\n", point.text, point.reason));
    }
    for evidence in &review.evidence {
        out.push_str(&format!("Evidence, turn {}: {}: \"{}\"\n", evidence.turn + 1, evidence.speaker, evidence.quote));
    }
    if !review.notes.is_empty() {
        out.push_str(&format!("Notes:\n{}\n", review.notes));
    }
    out.push_str(&format!("Last changed: {}\n", review.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC")));
    out
}

fn table(rows: &[&Review]) -> String {
    let mut lines =
        vec![["INTERVIEW".to_owned(), "REVIEWER".into(), "DECISION".into(), "RATING".into(), "CHANGED".into()]];
    for review in rows {
        lines.push([
            review.interview_id.clone(),
            review.reviewer.clone(),
            review.decision().map_or("-", Decision::key).to_owned(),
            review.rating().map_or_else(|| "-".to_owned(), |n| n.to_string()),
            review.updated_at.strftime("%Y-%m-%d %H:%M").to_string(),
        ]);
    }
    aligned(&lines)
}

fn json_lines(rows: &[&Review]) -> String {
    rows.iter()
        .map(|r| {
            let line = serde_json::json!({
                "interviewId": r.interview_id,
                "reviewer": r.reviewer,
                "decision": r.decision().map(Decision::key),
                "rating": r.rating(),
                "criteria": r.criteria.iter().map(|c| serde_json::json!({"name": c.name, "rating": c.rating})).collect::<Vec<_>>(),
                "updatedAt": r.updated_at.to_string(),
                "revision": r.revision,
            });
            format!("{line}\n")
        })
        .collect()
}
