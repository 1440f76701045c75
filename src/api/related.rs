//! Candidates, agents and jobs: the records behind the IDs on an interview, for showing names.

use serde_json::Value;

/// A kind of record an interview refers to by ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelatedKind {
    /// `GET /candidates/{id}` (API doc section 3.5).
    Candidate,
    /// `GET /agents/{id}`: the interview template (section 3.4).
    Agent,
    /// `GET /jobs/{id}` (section 3.6).
    Job,
}

impl RelatedKind {
    /// The collection's path segment, e.g. `candidates`.
    pub fn path(self) -> &'static str {
        match self {
            Self::Candidate => "candidates",
            Self::Agent => "agents",
            Self::Job => "jobs",
        }
    }

    /// The display name of a record of this kind: the candidate's first and last name (else
    /// e-mail), the agent's `name`, the job's `title`. `None` when the record has none.
    pub fn display_name(self, record: &Value) -> Option<String> {
        let text = |key: &str| record.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
        match self {
            Self::Candidate => {
                let full: Vec<&str> = [text("firstName"), text("lastName")].into_iter().flatten().collect();
                if full.is_empty() { text("email").map(str::to_owned) } else { Some(full.join(" ")) }
            }
            Self::Agent => text("name").map(str::to_owned),
            Self::Job => text("title").map(str::to_owned),
        }
    }

    /// A short description: the agent's type and focus (`Phone · Screening`), the candidate's
    /// e-mail; `None` for jobs or when the record has none.
    pub fn details(self, record: &Value) -> Option<String> {
        let text = |key: &str| record.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
        match self {
            Self::Agent => {
                let parts: Vec<String> =
                    [text("type"), text("focus")].into_iter().flatten().map(super::humanize).collect();
                (!parts.is_empty()).then(|| parts.join(" · "))
            }
            Self::Candidate => text("email").map(str::to_owned),
            Self::Job => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::RelatedKind;

    #[test]
    fn names_come_from_the_documented_fields() {
        let candidate = json!({"firstName": "Ľubica", "lastName": "Šťastná", "email": "l@example.org"});
        assert_eq!(RelatedKind::Candidate.display_name(&candidate).as_deref(), Some("Ľubica Šťastná"));
        assert_eq!(
            RelatedKind::Candidate.display_name(&json!({"email": "x@y.z", "firstName": null})).as_deref(),
            Some("x@y.z")
        );
        assert_eq!(RelatedKind::Candidate.display_name(&json!({})), None);
        let agent = json!({"name": "Backend Phone Screen", "type": "PHONE", "focus": "SCREENING"});
        assert_eq!(RelatedKind::Agent.display_name(&agent).as_deref(), Some("Backend Phone Screen"));
        assert_eq!(RelatedKind::Agent.details(&agent).as_deref(), Some("Phone · Screening"));
        assert_eq!(RelatedKind::Job.display_name(&json!({"title": "  "})), None);
    }
}
