//! The reviewer's own evaluation of an interview, beside the AI's: decision, overall rating,
//! scorecard criteria, verdicts on the AI's points, pinned evidence and notes. It is the
//! human-oversight record of an AI-run interview, kept in plain files that belong to the
//! reviewer and are never sent to the Instaview API.
//!
//! - [`mod@format`]: the file format (versioned; unknown fields are kept).
//! - [`store`]: the review folder, one subfolder per reviewer, with conflict detection.
//! - Here: the review settings, fitting a review to its interview, the panel's disagreements
//!   and blind review's pseudonyms.

pub mod format;
pub mod store;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use format::{
    AiPointKind, AiPointReview, AnalysisRef, CriterionRating, Decision, Evidence, FieldError, FormatError, MAX_RATING,
    Review, SpeakerRole, Stamped, Verdict, parse_rating,
};
pub use store::{FolderProblem, ProblemKind, ReviewFolder, SaveMode, Scan, ScanCache, ScannedReview, StoreError};

use crate::api::Interview;

/// The criteria of a scorecard when the settings name none.
pub const DEFAULT_CRITERIA: [&str; 4] = ["Communication", "Role knowledge", "Problem solving", "Motivation"];

/// Settings → Review, kept in `settings.json` under `review`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReviewSettings {
    /// The reviewer's name on their reviews; `None`: the OS user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// The review folder (a shared or synced one for a panel); `None`: the app's data folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder: Option<PathBuf>,
    /// The default scorecard criteria; `None`: [`DEFAULT_CRITERIA`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Vec<String>>,
    /// Criteria for the interviews of one agent (by agent ID), instead of the default ones.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub agent_criteria: BTreeMap<String, Vec<String>>,
    /// Hide candidates' names and e-mails until a decision is saved.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub blind: bool,
}

impl ReviewSettings {
    /// Whether nothing is set (then `settings.json` leaves the section out).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The reviewer's name: the one set, else the OS user name.
    pub fn reviewer_name(&self) -> String {
        self.reviewer
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map_or_else(store::os_user_name, str::to_owned)
    }

    /// The criteria of a scorecard for an interview of `agent_id`.
    pub fn criteria_for(&self, agent_id: Option<&str>) -> Vec<String> {
        if let Some(list) = agent_id.and_then(|id| self.agent_criteria.get(id)) {
            return list.clone();
        }
        match &self.criteria {
            Some(list) => list.clone(),
            None => DEFAULT_CRITERIA.map(str::to_owned).to_vec(),
        }
    }
}

/// Splits a criteria list typed one per line (or separated by commas) into names, without
/// blanks or repeats.
pub fn parse_criteria(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in text.split(['\n', ',']).map(str::trim).filter(|n| !n.is_empty()) {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.to_owned());
        }
    }
    names
}

/// Which analysis of `interview` a review made now is made against.
pub fn analysis_ref(interview: &Interview) -> Option<AnalysisRef> {
    let analysis = interview.analysis.as_ref()?;
    let updated_at = analysis.general.as_ref().and_then(|g| g.updated_at.as_ref()).map(|t| t.raw.clone());
    Some(AnalysisRef { id: analysis.id.clone(), updated_at })
}

/// Whether the analysis of `interview` is not the one `review` was made against (it was
/// generated again, or removed). A review that records none (one begun on the command line)
/// has not been checked against any.
pub fn analysis_changed(review: &Review, interview: &Interview) -> bool {
    review.analysis.is_some() && review.analysis != analysis_ref(interview)
}

/// Fits `review` to `interview`: adds the criteria of `criteria` it lacks (unrated), and lists
/// every strong point, weak point and evaluation bullet of the analysis (a verdict already
/// given is kept by its text). Points no longer in the analysis are kept after the others, so
/// the record of what was judged stays. An empty review, and one that records no analysis
/// yet, records the analysis it is made against.
pub fn fit_to_interview(review: &mut Review, interview: &Interview, criteria: &[String]) {
    // The scorecard's criteria in their set order, then any others the review already rates.
    let mut ordered: Vec<CriterionRating> = criteria
        .iter()
        .map(|name| match review.criteria.iter().position(|c| c.name == *name) {
            Some(index) => review.criteria.remove(index),
            None => CriterionRating::new(name),
        })
        .collect();
    ordered.append(&mut review.criteria);
    review.criteria = ordered;
    let mut points = Vec::new();
    if let Some(general) = interview.analysis.as_ref().and_then(|a| a.general.as_ref()) {
        let lists = [
            (AiPointKind::StrongPoint, &general.strong_points),
            (AiPointKind::WeakPoint, &general.weak_points),
            (AiPointKind::Evaluation, &general.evaluation),
        ];
        for (kind, texts) in lists {
            for text in texts {
                let found = review.ai_points.iter().position(|p| p.kind == kind && p.text == *text);
                points.push(match found {
                    Some(index) => review.ai_points.remove(index),
                    None => AiPointReview {
                        kind,
                        text: text.clone(),
                        verdict: None,
                        reason: String::new(),
                        at: None,
                        extra: serde_json::Map::new(),
                    },
                });
            }
        }
    }
    points.append(&mut review.ai_points);
    review.ai_points = points;
    if !review.has_content() || review.analysis.is_none() {
        review.analysis = analysis_ref(interview);
    }
}

/// Whether the AI's point at `index` is still in `interview`'s analysis.
pub fn point_in_analysis(point: &AiPointReview, interview: &Interview) -> bool {
    let Some(general) = interview.analysis.as_ref().and_then(|a| a.general.as_ref()) else { return false };
    let list = match point.kind {
        AiPointKind::StrongPoint => &general.strong_points,
        AiPointKind::WeakPoint => &general.weak_points,
        AiPointKind::Evaluation => &general.evaluation,
    };
    list.contains(&point.text)
}

/// The AI's overall rating (0–100) at or above which a rejection is a disagreement.
pub const AI_HIGH: f64 = 80.0;
/// The AI's overall rating (0–100) below which advancing is a disagreement.
pub const AI_LOW: f64 = 50.0;

/// Where the panel disagrees, with the AI or among itself, in sentences for the panel view:
/// a reviewer who rejects a candidate the AI rated [`AI_HIGH`] or more (or advances one rated
/// under [`AI_LOW`]), a reviewer whose rating (1–5) is 2 or more away from the AI's (0–100,
/// read as 0–5), and reviewers whose ratings differ by 2 or more.
pub fn disagreements(ai_rating: Option<f64>, reviews: &[&Review]) -> Vec<String> {
    let mut found = Vec::new();
    for review in reviews {
        let who = &review.reviewer;
        if let Some(ai) = ai_rating {
            match review.decision() {
                Some(Decision::Reject) if ai >= AI_HIGH => {
                    found.push(format!("{who} rejects a candidate the AI rated {ai:.0}"));
                }
                Some(Decision::Advance) if ai < AI_LOW => {
                    found.push(format!("{who} advances a candidate the AI rated {ai:.0}"));
                }
                _ => {}
            }
            if let Some(rating) = review.rating()
                && (f64::from(rating) - ai / 20.0).abs() >= 2.0
            {
                found.push(format!("{who} rates {rating}/5 where the AI rated {ai:.0}/100"));
            }
        }
    }
    let rated: Vec<(&String, u8)> = reviews.iter().filter_map(|r| r.rating().map(|n| (&r.reviewer, n))).collect();
    if let (Some(low), Some(high)) = (rated.iter().min_by_key(|r| r.1), rated.iter().max_by_key(|r| r.1))
        && high.1 - low.1 >= 2
    {
        found.push(format!("{} rates {}/5 and {} rates {}/5", high.0, high.1, low.0, low.1));
    }
    found
}

/// The stable pseudonym blind review shows instead of a candidate: "Candidate 7F3A", from the
/// candidate ID (or the interview ID when there is none). The same candidate always gets the
/// same one.
pub fn pseudonym(key: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(key.as_bytes());
    let short: String = digest.iter().take(2).map(|b| format!("{b:02X}")).collect();
    format!("Candidate {short}")
}

/// The words of a candidate's name and e-mail that blind review and an anonymised report hide
/// where they occur in a text: the first and last names as separate words (so either is hidden
/// where it occurs alone) and the e-mail, longest first; one-letter words are kept.
pub fn name_words(candidate: &serde_json::Value) -> Vec<String> {
    let mut words: Vec<String> = crate::api::related::RelatedKind::Candidate
        .display_name(candidate)
        .unwrap_or_default()
        .split_whitespace()
        .filter(|w| w.chars().count() > 1)
        .map(str::to_owned)
        .collect();
    if let Some(email) = candidate.get("email").and_then(serde_json::Value::as_str).map(str::trim)
        && !email.is_empty()
        && !words.iter().any(|w| w == email)
    {
        words.push(email.to_owned());
    }
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words
}

/// `text` with every whole-word occurrence of `words` replaced by as many `*` as it has bytes
/// (so search matches, which are byte ranges, stay where they are).
pub fn mask_words<'a>(text: &'a str, words: &[String]) -> std::borrow::Cow<'a, str> {
    if words.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut masked = false;
    for word in words.iter().filter(|w| !w.is_empty()) {
        for (start, found) in text.match_indices(word.as_str()) {
            let end = start + found.len();
            let before = text.get(..start).and_then(|t| t.chars().next_back());
            let after = text.get(end..).and_then(|t| t.chars().next());
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
                continue;
            }
            if let Some(slice) = bytes.get_mut(start..end) {
                slice.fill(b'*');
                masked = true;
            }
        }
    }
    if !masked {
        return std::borrow::Cow::Borrowed(text);
    }
    // Whole characters were replaced by ASCII, so the bytes are still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned()))
}

/// Replaces a candidate's name and e-mail in `text` by `pseudonym`, for reports that are sent
/// on: the e-mail anywhere (ignoring ASCII case); every word of the name (`names`, split also at
/// `-`, `'` and `.`) as a whole word ignoring case, and a word that differs from a name word of
/// four or more letters only in its last letter and up to three more (`Šťastná` → `Šťastnou`,
/// `Katharina` → `Katharinas`); a name in a script without spaces (Chinese, Japanese) wherever
/// it occurs. A run of name words (`Katharina Müller-Voß`) becomes one pseudonym.
pub fn anonymise_text(text: &str, names: &[String], emails: &[String], pseudonym: &str) -> String {
    let mut text = text.to_owned();
    for email in emails.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        text = replace_ignoring_ascii_case(&text, email, pseudonym);
    }
    let words: Vec<String> = names
        .iter()
        .flat_map(|name| name.split(|c: char| c.is_whitespace() || matches!(c, '-' | '\'' | '’' | '.')))
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() > 1)
        .collect();
    for word in words.iter().filter(|w| w.chars().any(is_unspaced_script)) {
        text = replace_ignoring_ascii_case(&text, word, pseudonym);
    }
    let matches = |token: &str| {
        let lower = token.to_lowercase();
        words.iter().any(|word| {
            let length = word.chars().count();
            lower == *word || {
                let stem: String = word.chars().take(length.saturating_sub(1)).collect();
                length >= 4 && lower.starts_with(&stem) && lower.chars().count() <= length + 3
            }
        })
    };
    let mut out = String::with_capacity(text.len());
    // Where `out` ended after the last pseudonym, to fold "Name Surname" into one.
    let mut after_pseudonym: Option<usize> = None;
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String, after: &mut Option<usize>| {
        if token.is_empty() {
            return;
        }
        if matches(token) {
            let joined = after
                .and_then(|end| out.get(end..))
                .is_some_and(|gap| gap.chars().all(|c| matches!(c, ' ' | '-' | '\'' | '’')));
            if let (true, Some(end)) = (joined, *after) {
                out.truncate(end);
            } else {
                out.push_str(pseudonym);
            }
            *after = Some(out.len());
        } else {
            out.push_str(token);
            *after = None;
        }
        token.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            token.push(c);
        } else {
            flush(&mut token, &mut out, &mut after_pseudonym);
            out.push(c);
        }
    }
    flush(&mut token, &mut out, &mut after_pseudonym);
    out
}

/// Han, Hiragana, Katakana and Hangul: scripts that write names without spaces around them.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// `text` with every occurrence of `needle` (ignoring ASCII case) replaced by `with`.
fn replace_ignoring_ascii_case(text: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() {
        return text.to_owned();
    }
    let lower_text = text.to_ascii_lowercase();
    let lower_needle = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, _) in lower_text.match_indices(&lower_needle) {
        if start < last {
            continue;
        }
        out.push_str(text.get(last..start).unwrap_or_default());
        out.push_str(with);
        last = start + needle.len();
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

/// `text` without the characters that can spoof or break what is shown around it: bidi
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and control characters
/// other than line breaks and tabs.
pub fn clean_text(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if text.chars().any(bad) {
        std::borrow::Cow::Owned(text.chars().filter(|c| !bad(*c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> jiff::Timestamp {
        "2026-12-02T09:00:00Z".parse().unwrap()
    }

    fn interview(json: serde_json::Value) -> Interview {
        crate::api::InterviewRecord::from_value(json).unwrap().interview
    }

    #[test]
    fn a_review_is_fitted_to_the_analysis_and_keeps_verdicts_by_text() {
        let iv = interview(serde_json::json!({
            "id": "iv-1", "agentId": "ag-lang",
            "analysis": {"id": "an-1", "general": {"overallRating": 85, "strongPoints": ["Clear", "Fast"],
                "weakPoints": ["Vague on SQL"], "evaluation": ["Good fit"], "updatedAt": "2026-11-30T08:00:00Z"}}
        }));
        let mut settings = ReviewSettings::default();
        settings.agent_criteria.insert("ag-lang".into(), vec!["Fluency".into(), "Grammar".into()]);
        let criteria = settings.criteria_for(iv.agent_id.as_deref());
        assert_eq!(criteria, ["Fluency", "Grammar"], "the agent's own set");
        assert_eq!(settings.criteria_for(Some("other")).len(), DEFAULT_CRITERIA.len());

        let mut review = Review::new("iv-1", "Jana", now());
        fit_to_interview(&mut review, &iv, &criteria);
        assert_eq!(review.ai_points.len(), 4);
        assert_eq!(review.analysis.as_ref().and_then(|a| a.id.as_deref()), Some("an-1"));
        review.ai_points[2].verdict = Some(Verdict::Disagree);
        review.ai_points[2].reason = "He wrote a window function".into();

        let regenerated = interview(serde_json::json!({
            "id": "iv-1", "analysis": {"id": "an-2", "general": {"weakPoints": ["Vague on SQL"], "strongPoints": ["Clear"]}}
        }));
        assert!(analysis_changed(&review, &regenerated));
        fit_to_interview(&mut review, &regenerated, &criteria);
        assert_eq!(review.ai_points[1].verdict, Some(Verdict::Disagree), "kept by its text");
        assert_eq!(review.ai_points.len(), 4, "points no longer in the analysis stay on record");
        assert!(!point_in_analysis(&review.ai_points[3], &regenerated));
        assert_eq!(review.criteria.iter().filter(|c| c.rating.is_none()).count(), 2, "unrated, never 0");
    }

    #[test]
    fn disagreements_with_the_ai_and_within_the_panel_are_named() {
        let mut jana = Review::new("iv", "Jana", now());
        jana.decision = Some(Stamped { value: Decision::Reject, at: now() });
        jana.rating = Some(Stamped { value: 2, at: now() });
        let mut petr = Review::new("iv", "Petr", now());
        petr.decision = Some(Stamped { value: Decision::Advance, at: now() });
        petr.rating = Some(Stamped { value: 4, at: now() });
        let found = disagreements(Some(90.0), &[&jana, &petr]);
        assert!(found.contains(&"Jana rejects a candidate the AI rated 90".to_owned()), "{found:?}");
        assert!(found.contains(&"Petr rates 4/5 and Jana rates 2/5".to_owned()), "{found:?}");
        assert!(disagreements(Some(85.0), &[&petr]).is_empty());
    }

    #[test]
    fn pseudonyms_are_stable_and_criteria_lists_are_cleaned() {
        assert_eq!(pseudonym("cand-1"), pseudonym("cand-1"));
        assert_ne!(pseudonym("cand-1"), pseudonym("cand-2"));
        assert!(pseudonym("x").starts_with("Candidate ") && pseudonym("x").len() == "Candidate 7F3A".len());
        assert_eq!(parse_criteria("SQL\n\n Communication , sql\nGrammar"), ["SQL", "Communication", "Grammar"]);
    }

    #[test]
    fn anonymised_text_hides_the_name_in_any_case_inflected_and_the_email() {
        let names = ["Katharina Müller-Voß".to_owned(), "Ľubica Šťastná".to_owned(), "美咲 佐藤".to_owned()];
        let emails = ["k.mueller@example.com".to_owned()];
        let shown = |text: &str| anonymise_text(text, &names, &emails, "Candidate 7F3A");
        assert_eq!(
            shown("Guten Morgen, Frau Müller-Voß! Ich heiße KATHARINA."),
            "Guten Morgen, Frau Candidate 7F3A! Ich heiße Candidate 7F3A."
        );
        assert_eq!(shown("Katharina Müller-Voß wrote"), "Candidate 7F3A wrote", "one pseudonym for the whole name");
        assert_eq!(
            shown("Frau Müller and Ms. voß; K.MUELLER@example.com"),
            "Frau Candidate 7F3A and Ms. Candidate 7F3A; Candidate 7F3A"
        );
        assert_eq!(shown("Hovorím s pani Šťastnou?"), "Hovorím s pani Candidate 7F3A?");
        assert_eq!(shown("佐藤さん、こんにちは"), "Candidate 7F3Aさん、こんにちは");
        assert_eq!(shown("Kathy and Mills stay"), "Kathy and Mills stay", "other words stay");
    }

    #[test]
    fn cleaned_text_has_no_bidi_overrides_or_control_characters() {
        assert_eq!(
            clean_text("mallory\u{202E}001/77\u{2066}x\u{0}\u{1b}[31m\nnext\tcell"),
            "mallory001/77x[31m\nnext\tcell"
        );
        assert!(matches!(clean_text("plain"), std::borrow::Cow::Borrowed(_)));
    }
}
