//! The demo data set: the JSON assets in `assets/demo/`, parsed once.
//!
//! Values are kept as [`serde_json::Value`] so that key order and the exact text of every
//! number survive (the crate enables `preserve_order` and `arbitrary_precision`).

use std::sync::LazyLock;

use serde_json::Value;

use super::{DEMO_LONG_INTERVIEW_ID, long_transcript};

/// `assets/demo/interviews.json`: an array of interview objects, in list order.
const INTERVIEWS_JSON: &str = include_str!("../../assets/demo/interviews.json");

/// `assets/demo/candidates.json`: an array of candidate objects.
const CANDIDATES_JSON: &str = include_str!("../../assets/demo/candidates.json");

/// `assets/demo/agents.json`: an array of agent objects.
const AGENTS_JSON: &str = include_str!("../../assets/demo/agents.json");

/// `assets/demo/jobs.json`: an array of job objects.
const JOBS_JSON: &str = include_str!("../../assets/demo/jobs.json");

/// The parsed data set, built on first use.
static DEMO_DATA: LazyLock<DemoData> = LazyLock::new(DemoData::load);

/// Everything the demo server serves. Each list holds JSON objects with an `"id"` key.
#[derive(Debug, Default)]
pub(super) struct DemoData {
    /// Interview objects in list order; the long interview has its transcript filled in.
    pub interviews: Vec<Value>,

    /// Candidate objects.
    pub candidates: Vec<Value>,

    /// Agent objects.
    pub agents: Vec<Value>,

    /// Job objects.
    pub jobs: Vec<Value>,
}

/// Why one of our own asset files could not be used.
#[derive(Debug, thiserror::Error)]
pub(super) enum AssetError {
    /// The file is not valid JSON.
    #[error("demo asset {file} is not valid JSON: {source}")]
    Json {
        /// The asset's file name.
        file: &'static str,
        /// The parser's error, with line and column.
        source: serde_json::Error,
    },

    /// The file parsed but is not an array of objects.
    #[error("demo asset {file} must be a JSON array of objects")]
    Shape {
        /// The asset's file name.
        file: &'static str,
    },
}

/// The shared data set. Empty (and an error is logged) if the assets do not parse.
pub(super) fn demo_data() -> &'static DemoData {
    &DEMO_DATA
}

impl DemoData {
    /// Parses the assets, falling back to an empty data set on failure.
    fn load() -> Self {
        match Self::parse_assets() {
            Ok(data) => data,
            Err(err) => {
                tracing::error!("demo server has no data: {err:#}");
                Self::default()
            }
        }
    }

    /// Parses all four asset files and fills in the generated long transcript.
    pub(super) fn parse_assets() -> Result<Self, AssetError> {
        let mut interviews = parse_objects("interviews.json", INTERVIEWS_JSON)?;
        fill_long_transcript(&mut interviews);
        Ok(Self {
            interviews,
            candidates: parse_objects("candidates.json", CANDIDATES_JSON)?,
            agents: parse_objects("agents.json", AGENTS_JSON)?,
            jobs: parse_objects("jobs.json", JOBS_JSON)?,
        })
    }

    /// The interview with this id (compared case-insensitively, as UUIDs are).
    pub(super) fn interview(&self, id: &str) -> Option<&Value> {
        find_by_id(&self.interviews, id)
    }

    /// The candidate with this id.
    pub(super) fn candidate(&self, id: &str) -> Option<&Value> {
        find_by_id(&self.candidates, id)
    }

    /// The agent with this id.
    pub(super) fn agent(&self, id: &str) -> Option<&Value> {
        find_by_id(&self.agents, id)
    }

    /// The job with this id.
    pub(super) fn job(&self, id: &str) -> Option<&Value> {
        find_by_id(&self.jobs, id)
    }
}

/// The string at `value[key]`, if `value` is an object and that entry is a string.
pub(super) fn str_field<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key)?.as_str()
}

/// The first object in `items` whose `"id"` equals `id`, ignoring ASCII case.
fn find_by_id<'a>(items: &'a [Value], id: &str) -> Option<&'a Value> {
    items.iter().find(|item| str_field(item, "id").is_some_and(|item_id| item_id.eq_ignore_ascii_case(id)))
}

/// Parses `text` as a JSON array whose elements are all objects.
fn parse_objects(file: &'static str, text: &str) -> Result<Vec<Value>, AssetError> {
    let value: Value = serde_json::from_str(text).map_err(|source| AssetError::Json { file, source })?;
    match value {
        Value::Array(items) if items.iter().all(Value::is_object) => Ok(items),
        _ => Err(AssetError::Shape { file }),
    }
}

/// Replaces the long interview's `"transcript": null` with the generated transcript,
/// keeping the key's position.
fn fill_long_transcript(interviews: &mut [Value]) {
    let long = interviews
        .iter_mut()
        .find(|interview| str_field(interview, "id") == Some(DEMO_LONG_INTERVIEW_ID))
        .and_then(Value::as_object_mut);
    match long {
        Some(object) => {
            object.insert("transcript".to_owned(), long_transcript::generate());
        }
        None => tracing::error!("demo asset interviews.json lacks the long interview"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_assets_parse() {
        let data = DemoData::parse_assets().unwrap();
        assert_eq!(data.interviews.len(), 13);
        assert_eq!(data.candidates.len(), 10);
        assert_eq!(data.agents.len(), 5);
        assert_eq!(data.jobs.len(), 4);
    }

    #[test]
    fn every_reference_resolves() {
        let data = DemoData::parse_assets().unwrap();
        for interview in &data.interviews {
            let id = str_field(interview, "id").unwrap();
            if let Some(candidate_id) = str_field(interview, "candidateId") {
                assert!(data.candidate(candidate_id).is_some(), "{id}: candidate");
            }
            if let Some(agent_id) = str_field(interview, "agentId") {
                assert!(data.agent(agent_id).is_some(), "{id}: agent");
            }
            if let Some(job_id) = str_field(interview, "jobId") {
                assert!(data.job(job_id).is_some(), "{id}: job");
            }
        }
        for candidate in &data.candidates {
            let job_id = str_field(candidate, "jobId").unwrap();
            assert!(data.job(job_id).is_some());
        }
    }

    #[test]
    fn ids_are_unique_uuids() {
        let data = DemoData::parse_assets().unwrap();
        let mut ids: Vec<&str> = [&data.interviews, &data.candidates, &data.agents, &data.jobs]
            .into_iter()
            .flatten()
            .map(|item| str_field(item, "id").unwrap())
            .collect();
        for id in &ids {
            assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        }
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn long_transcript_is_filled_in_place() {
        let data = DemoData::parse_assets().unwrap();
        let long = data.interview(DEMO_LONG_INTERVIEW_ID).unwrap();
        let turns = long["transcript"].as_array().unwrap();
        assert!(turns.len() >= 2000);
        let keys: Vec<&String> = long.as_object().unwrap().keys().collect();
        assert_eq!(keys.last().unwrap().as_str(), "transcript");
    }

    #[test]
    fn lookup_ignores_uuid_case() {
        let data = DemoData::parse_assets().unwrap();
        let upper = super::super::DEMO_PHONE_INTERVIEW_ID.to_uppercase();
        assert!(data.interview(&upper).is_some());
    }

    #[test]
    fn shape_errors_are_reported() {
        assert!(matches!(parse_objects("x.json", "{}"), Err(AssetError::Shape { .. })));
        assert!(matches!(parse_objects("x.json", "[1]"), Err(AssetError::Shape { .. })));
        assert!(matches!(parse_objects("x.json", "[{"), Err(AssetError::Json { .. })));
    }
}
