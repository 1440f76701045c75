//! The review report: one self-contained HTML page per interview for a hiring manager, and an
//! `index.html` that links a folder of them.
//!
//! Self-contained means no request leaves the page: the CSS is inline, the charts are inline
//! SVG, the fonts are the system's, and a Content-Security-Policy forbids everything else
//! (scripts included, so a hostile transcript cannot run one even if it got through). Every
//! text from the server or a reviewer goes through maud's HTML escaping. The print CSS keeps
//! table rows, quotes and points whole across pages and prints the colours as shown.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

use crate::api::InterviewRecord;
use crate::api::related::RelatedKind;
use crate::api::scores::{ScoreGroup, score_groups};
use crate::api::transcript::{Transcript, format_offset};
use crate::review::{AiPointKind, Decision, Review, Verdict};

/// Colours of the rating bands (the app's: below 40, below 70, from 70).
const BAD: &str = "#dc2626";
const WARNING: &str = "#d97706";
const GOOD: &str = "#16a34a";

/// The policy of every report: nothing may be fetched or run; only the inline style applies.
const REPORT_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/// The report's style sheet (screen and print).
const STYLE: &str = r#"
:root { color-scheme: light; --muted: #5b6472; --line: #d9dde3; --soft: #f4f6f8; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif;
  color: #1b1f24; background: #fff; margin: 0 auto; max-width: 60rem; padding: 2rem 2.5rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); break-after: avoid; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; break-after: avoid; }
.sub { color: var(--muted); margin: 0 0 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.rating { display: flex; align-items: baseline; gap: .4rem; margin: .4rem 0; }
.rating .big { font-size: 2.2rem; font-weight: 700; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; font-size: 12px; fill: #1b1f24; }
ul.points { list-style: none; padding: 0; margin: 0; }
ul.points > li { padding: .45rem .6rem; border-left: 4px solid var(--line); background: var(--soft); margin: .35rem 0; break-inside: avoid; }
ul.points.strong > li { border-left-color: #16a34a; }
ul.points.weak > li { border-left-color: #dc2626; }
.verdicts { margin: .3rem 0 0; padding: 0; list-style: none; font-size: .9rem; }
.verdict.agree::before { content: "✓ "; color: #16a34a; font-weight: 700; }
.verdict.disagree::before { content: "✗ "; color: #dc2626; font-weight: 700; }
.unjudged { color: var(--muted); font-size: .9rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.time { color: var(--muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
td.speaker { white-space: nowrap; font-weight: 600; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
blockquote { margin: .5rem 0; padding: .5rem .8rem; border-left: 4px solid #6366f1; background: var(--soft); break-inside: avoid; }
blockquote .meta { color: var(--muted); font-size: .85rem; margin-bottom: .2rem; }
.note { margin: .3rem 0 0; }
.warn { color: #92400e; background: #fef3c7; padding: .4rem .6rem; border-radius: 4px; }
.decision { font-weight: 700; }
.decision.advance { color: #16a34a; } .decision.hold { color: #b45309; } .decision.reject { color: #dc2626; }
footer { margin-top: 2.5rem; padding-top: .6rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; break-inside: avoid; }
@page { margin: 16mm 14mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 10.5pt; }
  h2 { margin-top: 1.2rem; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// What a report shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// Include the whole transcript (after the evaluations).
    pub transcript: bool,
    /// Replace the candidate's name and e-mail by the blind-review pseudonym, everywhere
    /// (header, transcript, quotes and reviewers' texts).
    pub anonymise: bool,
}

/// Everything one report is made of.
#[derive(Clone, Copy, Debug)]
pub struct ReportInput<'a> {
    /// The interview as the server sent it.
    pub record: &'a InterviewRecord,
    /// The candidate record (`GET /candidates/{id}`), if looked up.
    pub candidate: Option<&'a Value>,
    /// The agent record, if looked up.
    pub agent: Option<&'a Value>,
    /// The job record, if looked up.
    pub job: Option<&'a Value>,
    /// Every reviewer's review of the interview.
    pub reviews: &'a [Review],
    /// Who makes the report (the reviewer's name), for the footer.
    pub made_by: &'a str,
    /// When it is made (shown in UTC).
    pub made_at: jiff::Timestamp,
    /// What it shows.
    pub options: ReportOptions,
}

/// Why a report could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// Anonymising needs the candidate's name and e-mail, to find them in the texts.
    #[error(
        "the report cannot be anonymised without the candidate's record (its name and e-mail are what is hidden); look the names up and try again"
    )]
    NameUnknown,
}

/// Makes every text fit to show: without bidi overrides and control characters, and, in an
/// anonymised report, with the candidate's name and e-mail replaced by the pseudonym.
struct Masker {
    names: Vec<String>,
    emails: Vec<String>,
    pseudonym: Option<String>,
}

impl Masker {
    fn new(input: &ReportInput<'_>) -> Self {
        let Some(candidate) = input.candidate.filter(|_| input.options.anonymise) else {
            return Self { names: Vec::new(), emails: Vec::new(), pseudonym: None };
        };
        let field = |key: &str| candidate.get(key).and_then(Value::as_str).map(str::to_owned);
        let names = [RelatedKind::Candidate.display_name(candidate), field("firstName"), field("lastName")]
            .into_iter()
            .flatten()
            .filter(|name| !name.contains('@'))
            .collect();
        let emails = field("email").into_iter().collect();
        Self { names, emails, pseudonym: Some(candidate_label(input.record, input.candidate, true)) }
    }

    fn text(&self, text: &str) -> String {
        let clean = crate::review::clean_text(text);
        match &self.pseudonym {
            Some(pseudonym) => crate::review::anonymise_text(&clean, &self.names, &self.emails, pseudonym),
            None => clean.into_owned(),
        }
    }
}

/// The candidate's name as the report shows it: the pseudonym when anonymised, the record's
/// name, else "Candidate" and the first 8 of the ID.
pub fn candidate_label(record: &InterviewRecord, candidate: Option<&Value>, anonymise: bool) -> String {
    let id = record.interview.candidate_id.as_deref();
    if anonymise {
        return crate::review::pseudonym(id.unwrap_or(&record.interview.id));
    }
    candidate.and_then(|c| RelatedKind::Candidate.display_name(c)).unwrap_or_else(|| match id {
        Some(id) => format!("Candidate {}", id.chars().take(8).collect::<String>()),
        None => "Unknown candidate".to_owned(),
    })
}

/// `2026-11-30 14:05 UTC`.
fn utc(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// A server time: the instant in UTC, else the text as sent.
fn server_time(time: Option<&crate::api::time::Timestamp>) -> Option<String> {
    let time = time?;
    Some(time.instant.map_or_else(|| time.raw.clone(), utc))
}

fn band_colour(value: f64, top: f64) -> &'static str {
    let percent = if top > 0.0 { value / top * 100.0 } else { 0.0 };
    if percent < 40.0 {
        BAD
    } else if percent < 70.0 {
        WARNING
    } else {
        GOOD
    }
}

/// `85` or `7.5`: whole numbers without decimals, others with up to two; beyond a billion in
/// scientific notation (`1.2e12`), so a runaway value cannot fill the page.
fn number(value: f64) -> String {
    if value.abs() >= 1e9 {
        format!("{value:.1e}")
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// A call time as `m:ss`, for times a call can have (under 1,000 hours).
fn call_time(seconds: f64) -> Option<String> {
    (seconds < 3.6e6).then(|| format_offset(seconds)).flatten()
}

/// Builds the report of one interview as a complete HTML document.
///
/// # Errors
/// [`ReportError::NameUnknown`] when it is to be anonymised and the interview has a candidate
/// whose record is not given.
pub fn report_html(input: &ReportInput<'_>) -> Result<String, ReportError> {
    if input.options.anonymise && input.candidate.is_none() && input.record.interview.candidate_id.is_some() {
        return Err(ReportError::NameUnknown);
    }
    let masker = Masker::new(input);
    let interview = &input.record.interview;
    let candidate = candidate_label(input.record, input.candidate, input.options.anonymise);
    let candidate = masker.text(&candidate);
    let job = input.job.and_then(|j| RelatedKind::Job.display_name(j)).map(|j| masker.text(&j));
    let agent = input.agent.and_then(|a| RelatedKind::Agent.display_name(a)).map(|a| masker.text(&a));
    let title = match &job {
        Some(job) => format!("{candidate} · {job} · Review report"),
        None => format!("{candidate} · Review report"),
    };
    let email = if input.options.anonymise {
        None
    } else {
        input.candidate.and_then(|c| c.get("email")).and_then(Value::as_str).filter(|e| !e.is_empty())
    };
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(REPORT_POLICY);
                meta name="referrer" content="no-referrer";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(concat!("Interview Desk ", env!("CARGO_PKG_VERSION")));
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (candidate) }
                    p.sub {
                        @if let Some(job) = &job { (job) } @else { "No job" }
                        @if let Some(agent) = &agent { " · interviewed by " (agent) }
                    }
                    dl.facts {
                        @if let Some(email) = email { dt { "E-mail" } dd { (email) } }
                        dt { "Status" }
                        dd { (interview.status.as_ref().map_or_else(|| "Unknown".to_owned(), ToString::to_string)) }
                        @if let Some(at) = server_time(interview.scheduled_at.as_ref()) { dt { "Scheduled" } dd { (at) } }
                        @if let Some(at) = server_time(interview.finished_date.as_ref()) { dt { "Finished" } dd { (at) } }
                        @if let Some(minutes) = interview.duration_minutes.as_ref().and_then(|d| d.valid()) {
                            dt { "Duration" } dd { (number(*minutes)) " min" }
                        }
                        @if interview.is_test.as_ref().and_then(|t| t.valid()).copied() == Some(true) {
                            dt { "Test interview" } dd { "yes (not billed)" }
                        }
                        dt { "Interview ID" } dd { code { (interview.id) } }
                    }
                }
                (ai_section(input, &masker))
                (panel_section(input, &masker))
                (evidence_section(input, &masker))
                (notes_section(input, &masker))
                @if input.options.transcript { (transcript_section(&interview.transcript, &masker)) }
                (footer(input))
            }
        }
    };
    Ok(page.into_string())
}

/// The AI's assessment: rating, fit, scores as charts, and its points with the reviewers'
/// verdicts.
fn ai_section(input: &ReportInput<'_>, masker: &Masker) -> Markup {
    let interview = &input.record.interview;
    let analysis = interview.analysis.as_ref();
    let general = analysis.and_then(|a| a.general.as_ref());
    let groups = analysis.and_then(|a| a.specific.as_ref()).map(score_groups).unwrap_or_default();
    html! {
        section.ai {
            h2 { "The AI's assessment" }
            @if analysis.is_none() {
                p.unjudged { "The interview has no AI analysis yet." }
            }
            @if let Some(rating) = interview.overall_rating() {
                div.rating {
                    span.big style=(format!("color: {}", band_colour(rating, 100.0))) { (number(rating)) }
                    span { "/ 100 overall rating" }
                }
                (rating_bar(rating))
            }
            @if let Some(general) = general {
                dl.facts {
                    @if let Some(fit) = &general.company_fit_rating { dt { "Company fit" } dd { (crate::api::humanize(fit)) } }
                    @if let Some(education) = &general.education { dt { "Education" } dd { (crate::api::humanize(education)) } }
                    @if let Some(experience) = &general.experience { dt { "Experience" } dd { (crate::api::humanize(experience)) } }
                }
            }
            @for group in &groups { (score_chart(group)) }
            @if let Some(general) = general {
                (points(input, masker, AiPointKind::StrongPoint, "Strong points", "strong", &general.strong_points))
                (points(input, masker, AiPointKind::WeakPoint, "Weak points", "weak", &general.weak_points))
                (points(input, masker, AiPointKind::Evaluation, "Evaluation", "evaluation", &general.evaluation))
            }
            (retired_points(input, masker))
        }
    }
}

/// The overall rating on a 0–100 axis over the red, amber and green bands.
fn rating_bar(rating: f64) -> Markup {
    let width = 600.0;
    let x = |value: f64| value.clamp(0.0, 100.0) / 100.0 * width;
    html! {
        svg viewBox="0 0 600 34" width="600" height="34" role="img" aria-label=(format!("Overall rating {} of 100", number(rating))) {
            rect x="0" y="4" width=(x(40.0)) height="16" fill=(BAD) fill-opacity="0.15" {}
            rect x=(x(40.0)) y="4" width=(x(70.0) - x(40.0)) height="16" fill=(WARNING) fill-opacity="0.15" {}
            rect x=(x(70.0)) y="4" width=(width - x(70.0)) height="16" fill=(GOOD) fill-opacity="0.15" {}
            rect x="0" y="7" width=(x(rating)) height="10" fill=(band_colour(rating, 100.0)) {}
            @for tick in [0.0, 40.0, 70.0, 100.0] {
                text x=(x(tick).clamp(8.0, width - 12.0)) y="32" text-anchor="middle" { (number(tick)) }
            }
        }
    }
}

/// One group of scores as horizontal bars; a missing value says n/a (never drawn as zero).
fn score_chart(group: &ScoreGroup) -> Markup {
    let title =
        if group.name.is_empty() { "Scores".to_owned() } else { words_of_key(&crate::review::clean_text(&group.name)) };
    let max = group.scores.iter().filter_map(|s| s.value).fold(0.0_f64, f64::max);
    // Scores of 0–1 are fractions; up to 100, percentages; above, their own scale.
    let top = if max <= 1.0 {
        1.0
    } else if max <= 100.0 {
        100.0
    } else {
        max * 1.1
    };
    let (label_width, bar_width, row) = (200.0, 330.0, 22.0);
    let height = row * group.scores.len() as f64 + 4.0;
    html! {
        h3 { (title) }
        svg viewBox=(format!("0 0 600 {height}")) width="600" height=(height) role="img" aria-label=(title) {
            @for (index, score) in group.scores.iter().enumerate() {
                @let y = row * index as f64;
                text x="0" y=(y + 15.0) { (shorten(&crate::review::clean_text(&score.label), 32)) }
                rect x=(label_width) y=(y + 4.0) width=(bar_width) height="14" fill="#eef0f3" {}
                @match score.value {
                    Some(value) => {
                        rect x=(label_width) y=(y + 4.0) width=(value.clamp(0.0, top) / top * bar_width) height="14" fill=(band_colour(value, top)) {}
                        text x=(label_width + bar_width + 8.0) y=(y + 15.0) { (number(value)) }
                    }
                    None => { text x=(label_width + bar_width + 8.0) y=(y + 15.0) { "n/a" } }
                }
            }
        }
    }
}

/// `pronunciationScores` → `Pronunciation scores`; dotted paths keep their dots.
fn words_of_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for (index, c) in key.chars().enumerate() {
        if index == 0 {
            out.extend(c.to_uppercase());
        } else if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else if c == '_' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` cut to `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// Every reviewer's verdict on one AI point.
fn verdicts<'a>(reviews: &'a [Review], kind: AiPointKind, text: &str) -> Vec<(&'a str, Verdict, &'a str)> {
    reviews
        .iter()
        .filter_map(|review| {
            let point = review.ai_points.iter().find(|p| p.kind == kind && p.text == text)?;
            Some((review.reviewer.as_str(), point.verdict?, point.reason.as_str()))
        })
        .collect()
}

fn verdict_list(list: &[(&str, Verdict, &str)], masker: &Masker) -> Markup {
    html! {
        @if list.is_empty() {
            div.unjudged { "Not judged by a reviewer." }
        } @else {
            ul.verdicts {
                @for (who, verdict, reason) in list {
                    @let (class, word) = match verdict { Verdict::Agree => ("agree", "agrees"), Verdict::Disagree => ("disagree", "disagrees") };
                    li class=(format!("verdict {class}")) {
                        strong { (masker.text(who)) } " " (word)
                        @if !reason.is_empty() { ": " span.text { (masker.text(reason)) } }
                    }
                }
            }
        }
    }
}

fn points(
    input: &ReportInput<'_>,
    masker: &Masker,
    kind: AiPointKind,
    title: &str,
    class: &str,
    items: &[String],
) -> Markup {
    html! {
        h3 { (title) }
        @if items.is_empty() {
            p.unjudged { "None given." }
        } @else {
            ul class=(format!("points {class}")) {
                @for item in items {
                    li {
                        div.text { (masker.text(item)) }
                        (verdict_list(&verdicts(input.reviews, kind, item), masker))
                    }
                }
            }
        }
    }
}

/// Points reviewers judged that the current analysis no longer has (it was regenerated):
/// kept on record with their verdicts.
fn retired_points(input: &ReportInput<'_>, masker: &Masker) -> Markup {
    let interview = &input.record.interview;
    let mut retired: Vec<(AiPointKind, &str)> = Vec::new();
    for review in input.reviews {
        for point in &review.ai_points {
            if point.verdict.is_some()
                && !crate::review::point_in_analysis(point, interview)
                && !retired.contains(&(point.kind, point.text.as_str()))
            {
                retired.push((point.kind, point.text.as_str()));
            }
        }
    }
    html! {
        @if !retired.is_empty() {
            h3 { "Points no longer in the analysis" }
            p.unjudged { "The analysis changed after these were judged; the AI's earlier text is kept as it was." }
            ul.points {
                @for (kind, text) in &retired {
                    li {
                        div.text { (masker.text(text)) }
                        (verdict_list(&verdicts(input.reviews, *kind, text), masker))
                    }
                }
            }
        }
    }
}

/// The panel: each reviewer's decision, rating and criteria, and where they disagree with the
/// AI or with each other.
fn panel_section(input: &ReportInput<'_>, masker: &Masker) -> Markup {
    let reviews: Vec<&Review> = input.reviews.iter().filter(|r| r.has_content()).collect();
    let disagreements = crate::review::disagreements(input.record.interview.overall_rating(), &reviews);
    let stale: Vec<&str> = reviews
        .iter()
        .filter(|r| crate::review::analysis_changed(r, &input.record.interview))
        .map(|r| r.reviewer.as_str())
        .collect();
    html! {
        section.panel {
            h2 { "The reviewers' evaluations" }
            @if reviews.is_empty() {
                p.unjudged { "No reviewer has evaluated this interview yet." }
            } @else {
                table {
                    thead { tr { th { "Reviewer" } th { "Decision" } th.num { "Rating" } th { "Criteria" } th { "Last change" } } }
                    tbody {
                        @for review in &reviews {
                            tr {
                                td { (masker.text(&review.reviewer)) @if review.blind { br; small.unjudged { "blind review" } } }
                                td { (decision(review.decision())) }
                                td.num { @if let Some(rating) = review.rating() { (rating) " / 5" } @else { "—" } }
                                td {
                                    @for criterion in review.criteria.iter().filter(|c| c.rating.is_some() || !c.comment.is_empty()) {
                                        div {
                                            (masker.text(&criterion.name)) ": "
                                            @if let Some(rating) = criterion.rating { strong { (rating) "/5" } } @else { "unrated" }
                                            @if !criterion.comment.is_empty() { " — " span.text { (masker.text(&criterion.comment)) } }
                                        }
                                    }
                                }
                                td.time { (utc(review.updated_at)) }
                            }
                        }
                    }
                }
                @if !disagreements.is_empty() {
                    h3 { "Disagreements" }
                    ul { @for line in &disagreements { li { (masker.text(line)) } } }
                }
                @if !stale.is_empty() {
                    p.warn { "The AI analysis changed after the review of " (masker.text(&stale.join(", "))) " was made." }
                }
            }
        }
    }
}

fn decision(decision: Option<Decision>) -> Markup {
    html! {
        @match decision {
            Some(decision) => span class=(format!("decision {}", decision.key())) { (decision.label()) },
            None => span.unjudged { "Undecided" },
        }
    }
}

/// The pinned evidence: quotes with their times, by reviewer.
fn evidence_section(input: &ReportInput<'_>, masker: &Masker) -> Markup {
    let pins: Vec<(&str, &crate::review::Evidence)> =
        input.reviews.iter().flat_map(|r| r.evidence.iter().map(move |e| (r.reviewer.as_str(), e))).collect();
    html! {
        @if !pins.is_empty() {
            section.evidence {
                h2 { "Evidence from the call" }
                @for (who, pin) in &pins {
                    blockquote {
                        div.meta {
                            @if let Some(time) = pin.start_seconds.and_then(call_time) { (time) " · " }
                            @if !pin.speaker.trim().is_empty() { (masker.text(&pin.speaker)) " · " }
                            @if let Some(criterion) = &pin.criterion { (masker.text(criterion)) " · " }
                            "pinned by " (masker.text(who))
                        }
                        div.text { "“" (masker.text(&pin.quote)) "”" }
                        @if !pin.note.is_empty() { p.note.text { (masker.text(&pin.note)) } }
                    }
                }
            }
        }
    }
}

fn notes_section(input: &ReportInput<'_>, masker: &Masker) -> Markup {
    let notes: Vec<&Review> = input.reviews.iter().filter(|r| !r.notes.trim().is_empty()).collect();
    html! {
        @if !notes.is_empty() {
            section.notes {
                h2 { "Reviewers' notes" }
                @for review in &notes {
                    h3 { (masker.text(&review.reviewer)) }
                    div.text { (masker.text(&review.notes)) }
                }
            }
        }
    }
}

fn transcript_section(transcript: &Transcript, masker: &Masker) -> Markup {
    html! {
        section.transcript {
            h2 { "Transcript" }
            @match transcript {
                Transcript::Missing => p.unjudged { "The interview has no transcript." },
                Transcript::Unstructured(text) => div.text { (masker.text(text)) },
                Transcript::Turns(turns) => table {
                    thead { tr { th { "Time" } th { "Speaker" } th { "Said" } } }
                    tbody {
                        @for turn in turns {
                            tr {
                                td.time { (turn.start.and_then(call_time).unwrap_or_default()) }
                                td.speaker { (masker.text(turn.speaker_name())) }
                                td.text { (masker.text(&turn.text)) }
                            }
                        }
                    }
                },
            }
        }
    }
}

fn footer(input: &ReportInput<'_>) -> Markup {
    let analysis = input.record.interview.analysis.as_ref();
    let updated = analysis.and_then(|a| a.general.as_ref()).and_then(|g| server_time(g.updated_at.as_ref()));
    html! {
        footer {
            p {
                "Made on " (utc(input.made_at)) " by " (crate::review::clean_text(input.made_by)) " with Interview Desk " (env!("CARGO_PKG_VERSION")) "."
                @if input.options.anonymise { " The candidate's name and e-mail are replaced by a pseudonym." }
            }
            p {
                "The AI's assessment is shown unchanged, as the Instaview API returned it"
                @if let Some(id) = analysis.and_then(|a| a.id.as_deref()) { " (analysis " code { (id) } @if let Some(at) = &updated { ", updated " (at) } ")" }
                ". The reviewers' evaluations are their own judgment, recorded beside it, and were not sent to Instaview."
            }
        }
    }
}

/// One report listed in a folder's `index.html`.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexEntry {
    /// The report's file name in the folder.
    pub file: String,
    /// The candidate as the report names them (the pseudonym when anonymised).
    pub candidate: String,
    /// The job's title, if known.
    pub job: Option<String>,
    /// The interview's status.
    pub status: String,
    /// The AI's overall rating (0–100).
    pub ai_rating: Option<f64>,
    /// The report maker's decision.
    pub decision: Option<Decision>,
    /// The mean rating of every reviewer (1–5).
    pub mean_rating: Option<f64>,
    /// When the interview finished (UTC).
    pub finished: Option<jiff::Timestamp>,
}

impl IndexEntry {
    /// The entry for one report of `input`, written to `file`.
    pub fn of(input: &ReportInput<'_>, file: String) -> Self {
        let interview = &input.record.interview;
        let ratings: Vec<f64> = input.reviews.iter().filter_map(Review::rating).map(f64::from).collect();
        Self {
            file,
            candidate: candidate_label(input.record, input.candidate, input.options.anonymise),
            job: input.job.and_then(|j| RelatedKind::Job.display_name(j)),
            status: interview.status.as_ref().map_or_else(String::new, ToString::to_string),
            ai_rating: interview.overall_rating(),
            decision: input.reviews.iter().find(|r| r.reviewer == input.made_by).and_then(Review::decision),
            mean_rating: (!ratings.is_empty()).then(|| ratings.iter().sum::<f64>() / ratings.len() as f64),
            finished: interview.finished_date.as_ref().and_then(|t| t.instant),
        }
    }
}

/// Sorts the index table by a column when its header is clicked (numbers high to low first).
/// The only script of any page; the index's policy allows it by its hash alone.
const SORT_SCRIPT: &str = "document.querySelectorAll('th button').forEach(function (button, column) {\n  button.addEventListener('click', function () {\n    var body = document.querySelector('tbody');\n    var rows = Array.prototype.slice.call(body.rows);\n    var sorted = button.getAttribute('aria-sort');\n    var down = sorted ? sorted !== 'descending' : button.hasAttribute('data-numeric');\n    rows.sort(function (a, b) {\n      var x = a.cells[column].getAttribute('data-sort'), y = b.cells[column].getAttribute('data-sort');\n      var p = parseFloat(x), q = parseFloat(y);\n      var order = (isNaN(p) || isNaN(q)) ? String(x).localeCompare(String(y)) : p - q;\n      return down ? -order : order;\n    });\n    rows.forEach(function (row) { body.appendChild(row); });\n    document.querySelectorAll('th button').forEach(function (b) { b.removeAttribute('aria-sort'); });\n    button.setAttribute('aria-sort', down ? 'descending' : 'ascending');\n  });\n});\n";

/// The index page of a folder of reports: a table linking each, highest AI rating first;
/// clicking a column header sorts by it.
pub fn index_html(entries: &[IndexEntry], made_by: &str, made_at: jiff::Timestamp) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(SORT_SCRIPT.as_bytes()));
    let policy = format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'"
    );
    let mut sorted: Vec<&IndexEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| b.ai_rating.unwrap_or(-1.0).total_cmp(&a.ai_rating.unwrap_or(-1.0)));
    let sort_key = |value: Option<f64>| value.map_or_else(|| "-1".to_owned(), |v| v.to_string());
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(policy);
                meta name="referrer" content="no-referrer";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Review reports (" (entries.len()) ")" }
                style { (PreEscaped(STYLE)) "th button { all: unset; cursor: pointer; } th button::after { content: ' ⇅'; color: #8a94a3; }" }
            }
            body {
                h1 { "Review reports" }
                p.sub { (entries.len()) " interview(s). Click a column's name to sort by it." }
                table {
                    thead {
                        tr {
                            th { button type="button" { "Candidate" } }
                            th { button type="button" { "Job" } }
                            th { button type="button" { "Status" } }
                            th.num { button type="button" data-numeric aria-sort="descending" { "AI rating" } }
                            th { button type="button" { "Decision" } }
                            th.num { button type="button" data-numeric { "Reviewers' mean" } }
                            th { button type="button" data-numeric { "Finished" } }
                        }
                    }
                    tbody {
                        @for entry in &sorted {
                            tr {
                                td data-sort=(entry.candidate) { a href=(href(&entry.file)) { (crate::review::clean_text(&entry.candidate)) } }
                                td data-sort=(entry.job.as_deref().unwrap_or_default()) { (entry.job.as_deref().unwrap_or("—")) }
                                td data-sort=(entry.status) { (entry.status) }
                                td.num data-sort=(sort_key(entry.ai_rating)) { (entry.ai_rating.map_or_else(|| "—".to_owned(), number)) }
                                td data-sort=(entry.decision.map_or("", |d| d.key())) { (decision(entry.decision)) }
                                td.num data-sort=(sort_key(entry.mean_rating)) { (entry.mean_rating.map_or_else(|| "—".to_owned(), |m| format!("{m:.1}"))) }
                                td.time data-sort=(entry.finished.map(|t| t.as_second().to_string()).unwrap_or_default()) { (entry.finished.map(utc).unwrap_or_default()) }
                            }
                        }
                    }
                }
                footer { p { "Made on " (utc(made_at)) " by " (made_by) " with Interview Desk " (env!("CARGO_PKG_VERSION")) "." } }
                script { (PreEscaped(SORT_SCRIPT)) }
            }
        }
    };
    page.into_string()
}

/// A relative link to a file in the same folder: every byte outside the unreserved set
/// percent-encoded, so spaces, `#` and `?` in a name cannot break it.
fn href(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for byte in file.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(value: Value) -> InterviewRecord {
        InterviewRecord::from_value(value).unwrap()
    }

    fn hostile() -> InterviewRecord {
        record(json!({
            "id": "11111111-2222-3333-4444-555555555555",
            "candidateId": "cand-1",
            "status": "COMPLETED",
            "analysis": {"id": "an-1", "general": {"overallRating": 82,
                "strongPoints": ["<b>bold</b> & \"quoted\" 'single'"], "weakPoints": [], "evaluation": []},
                "specific": {"pronunciationScores": {"fluency": 71, "accuracy": null}}},
            "transcript": [
                {"role": "agent", "text": "<script>alert(1)</script>", "start": 0},
                {"role": "user", "text": "<img src=x onerror=alert(1)> I am Jana Nováková", "start": 65}
            ]
        }))
    }

    fn input<'a>(
        record: &'a InterviewRecord,
        candidate: Option<&'a Value>,
        reviews: &'a [Review],
        options: ReportOptions,
    ) -> ReportInput<'a> {
        ReportInput {
            record,
            candidate,
            agent: None,
            job: None,
            reviews,
            made_by: "Eva",
            made_at: "2026-12-02T10:00:00Z".parse().unwrap(),
            options,
        }
    }

    #[test]
    fn server_text_is_escaped_and_no_script_can_run() {
        let record = hostile();
        let candidate = json!({"firstName": "</script><script>alert(2)</script>", "lastName": "X"});
        let html =
            report_html(&input(&record, Some(&candidate), &[], ReportOptions { transcript: true, anonymise: false }))
                .unwrap();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the turn shows as text");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;"));
        assert!(!html.contains("<script"), "no script element at all");
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"));
        assert!(html.contains("default-src 'none'"), "the policy forbids every request");
        for external in ["http://", "https://", "src=\"", "@import", "url("] {
            assert!(!html.contains(external), "{external} in the report");
        }
    }

    #[test]
    fn anonymised_report_hides_name_and_email_everywhere() {
        let record = hostile();
        let candidate = json!({"firstName": "Jana", "lastName": "Nováková", "email": "jana@example.sk"});
        let mut review = Review::new(&record.interview.id, "Eva", "2026-12-02T09:00:00Z".parse().unwrap());
        review.notes = "Jana was clear; write to jana@example.sk".to_owned();
        let reviews = [review];
        let html = report_html(&input(
            &record,
            Some(&candidate),
            &reviews,
            ReportOptions { transcript: true, anonymise: true },
        ))
        .unwrap();
        assert!(!html.contains("Jana") && !html.contains("Nováková") && !html.contains("jana@example.sk"), "{html}");
        assert!(html.contains(&crate::review::pseudonym("cand-1")));
    }

    #[test]
    fn missing_scores_say_n_a_and_verdicts_show_beside_points() {
        let record = hostile();
        let mut review = Review::new(&record.interview.id, "Eva", "2026-12-02T09:00:00Z".parse().unwrap());
        crate::review::fit_to_interview(&mut review, &record.interview, &[]);
        let point = review.ai_points.iter_mut().find(|p| p.kind == AiPointKind::StrongPoint).unwrap();
        point.verdict = Some(Verdict::Disagree);
        point.reason = "Not in the call".to_owned();
        review.decision = Some(crate::review::Stamped { value: Decision::Reject, at: review.created_at });
        let reviews = [review];
        let html = report_html(&input(&record, None, &reviews, ReportOptions::default())).unwrap();
        assert!(html.contains("n/a"));
        assert!(html.contains("<strong>Eva</strong> disagrees: <span class=\"text\">Not in the call</span>"));
        assert!(html.contains("Eva rejects a candidate the AI rated 82"));
        assert!(!html.contains("Transcript</h2>"), "the transcript is left out unless asked for");
    }

    #[test]
    fn index_links_every_report_and_allows_only_its_own_script() {
        let entries = [
            IndexEntry {
                file: "a b#1.html".into(),
                candidate: "<i>A</i>".into(),
                job: None,
                status: "Completed".into(),
                ai_rating: Some(40.0),
                decision: None,
                mean_rating: None,
                finished: None,
            },
            IndexEntry {
                file: "b.html".into(),
                candidate: "B".into(),
                job: None,
                status: "Completed".into(),
                ai_rating: Some(90.0),
                decision: Some(Decision::Advance),
                mean_rating: Some(4.5),
                finished: None,
            },
        ];
        let html = index_html(&entries, "Eva", "2026-12-02T10:00:00Z".parse().unwrap());
        assert!(html.contains("href=\"a%20b%231.html\""));
        assert!(html.find("b.html").unwrap() < html.find("a%20b").unwrap(), "highest AI rating first");
        assert!(html.contains("&lt;i&gt;A&lt;/i&gt;"));
        assert_eq!(html.matches("<script").count(), 1);
        use base64::Engine as _;
        use sha2::Digest as _;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(SORT_SCRIPT.as_bytes()));
        assert!(html.contains(&format!("script-src 'sha256-{hash}'")));
    }
}
