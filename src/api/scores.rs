//! Numeric scores found anywhere under `analysis.specific`, grouped for charts.
//!
//! `specific` is undocumented per interview type (only `pronunciationScores` has been seen), so
//! this walks any JSON: every numeric leaf is charted, grouped by its parent key path, and
//! arrays of `{label, score}`-like objects become one group sorted by score.

use serde_json::{Map, Value};

const LABEL_KEYS: [&str; 7] = ["label", "name", "skill", "category", "title", "criterion", "key"];
const SCORE_KEYS: [&str; 6] = ["score", "value", "rating", "points", "level", "percent"];

/// One named value; `value` is `None` for `null` or a non-finite number (drawn as "n/a").
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// The key or label, e.g. `fluency`.
    pub label: String,
    /// The number as sent (no unit conversion; the scale is not documented).
    pub value: Option<f64>,
}

/// Scores sharing one parent, e.g. `pronunciationScores` → fluency, accuracy, ...
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreGroup {
    /// Dotted key path of the parent, e.g. `pronunciationScores` or `details.grammar`;
    /// empty for numbers directly under `specific`.
    pub name: String,
    /// The scores in the order sent (label/score arrays: highest first).
    pub scores: Vec<Score>,
}

/// Every score group in `specific`, in document order. Groups without any number are left out.
pub fn score_groups(specific: &Value) -> Vec<ScoreGroup> {
    let mut groups = Vec::new();
    walk(specific, "", &mut groups);
    groups.retain(|g| g.scores.iter().any(|s| s.value.is_some()));
    groups
}

fn walk(value: &Value, path: &str, groups: &mut Vec<ScoreGroup>) {
    match value {
        Value::Object(object) => {
            let scores: Vec<Score> = object
                .iter()
                .filter_map(|(key, v)| match v {
                    Value::Number(n) => Some(Score { label: key.clone(), value: n.as_f64().filter(|x| x.is_finite()) }),
                    Value::Null => Some(Score { label: key.clone(), value: None }),
                    _ => None,
                })
                .collect();
            if !scores.is_empty() {
                groups.push(ScoreGroup { name: path.to_owned(), scores });
            }
            for (key, child) in object {
                if child.is_object() || child.is_array() {
                    walk(child, &join(path, key), groups);
                }
            }
        }
        Value::Array(items) => {
            if let Some(scores) = labelled_scores(items) {
                groups.push(ScoreGroup { name: path.to_owned(), scores });
                return;
            }
            let numbers: Vec<Score> = items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    v.as_f64().map(|n| Score { label: format!("#{}", i + 1), value: Some(n).filter(|x| x.is_finite()) })
                })
                .collect();
            if !numbers.is_empty() {
                groups.push(ScoreGroup { name: path.to_owned(), scores: numbers });
            }
            for (i, child) in items.iter().enumerate() {
                if child.is_object() {
                    walk(child, &join(path, &format!("{}", i + 1)), groups);
                }
            }
        }
        _ => {}
    }
}

/// `[{label, score}, ...]` → scores sorted highest first; `None` unless every item has both.
fn labelled_scores(items: &[Value]) -> Option<Vec<Score>> {
    if items.is_empty() {
        return None;
    }
    let mut scores = items
        .iter()
        .map(|item| {
            let object = item.as_object()?;
            let label = find(object, &LABEL_KEYS).and_then(|v| v.as_str().map(str::to_owned))?;
            let value = find(object, &SCORE_KEYS)?;
            let value = match value {
                Value::Null => None,
                other => Some(other.as_f64().or_else(|| other.as_str()?.trim().parse().ok())?),
            };
            Some(Score { label, value: value.filter(|x: &f64| x.is_finite()) })
        })
        .collect::<Option<Vec<_>>>()?;
    scores.sort_by(|a, b| b.value.unwrap_or(f64::NEG_INFINITY).total_cmp(&a.value.unwrap_or(f64::NEG_INFINITY)));
    Some(scores)
}

fn find<'a>(object: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    object.iter().find(|(k, _)| keys.iter().any(|key| k.eq_ignore_ascii_case(key))).map(|(_, v)| v)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numeric_leaves_are_grouped_by_parent() {
        let specific = json!({
            "pronunciationScores": {"fluency": 72, "accuracy": 81.5, "note": "ok", "prosody": null},
            "details": {"grammar": {"tenses": 60}},
            "skills": [{"label": "Listening", "score": 80}, {"label": "Speaking", "score": 90}],
            "cefr": "B2"
        });
        let groups = score_groups(&specific);
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["pronunciationScores", "details.grammar", "skills"]);
        assert_eq!(
            groups[0].scores,
            vec![
                Score { label: "fluency".into(), value: Some(72.0) },
                Score { label: "accuracy".into(), value: Some(81.5) },
                Score { label: "prosody".into(), value: None },
            ]
        );
        assert_eq!(groups[2].scores[0], Score { label: "Speaking".into(), value: Some(90.0) });
    }

    #[test]
    fn nothing_numeric_gives_no_groups() {
        for specific in [json!(null), json!({}), json!({"a": "x", "b": [true]}), json!([]), json!({"only": null})] {
            assert!(score_groups(&specific).is_empty(), "{specific}");
        }
    }
}
