//! The files people open (issue 12): the evaluation table for 1,000 interviews with scores and
//! two reviews each, without transcripts (goal: under 1 s as XLSX and as CSV), and the review
//! report of one interview with a 2,400-turn transcript.
//!
//! Run with `cargo bench --bench exports`.

#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::sync::LazyLock;

use divan::{Bencher, black_box};
use interview_desk::api::InterviewRecord;
use interview_desk::export::report::{ReportInput, ReportOptions, report_html};
use interview_desk::export::table::{self, CsvOptions, RowInput};
use interview_desk::review::{CriterionRating, Decision, Review, Stamped};
use serde_json::{Value, json};

/// Interviews in the table.
const ROWS: usize = 1_000;

/// One completed interview with an analysis and scores, numbered `n`.
fn interview(n: usize) -> InterviewRecord {
    InterviewRecord::from_value(json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "candidateId": format!("10000000-0000-4000-8000-{n:012}"),
        "status": "COMPLETED",
        "scheduledAt": "2026-11-30T09:00:00Z",
        "finishedDate": "2026-11-30T09:25:00Z",
        "durationMinutes": 25,
        "isTest": false,
        "analysis": {
            "id": format!("a-{n}"),
            "general": {"overallRating": n % 101, "companyFitRating": "HIGH", "education": "MASTER_LEVEL",
                "experience": "THREE_TO_5_YEARS", "strongPoints": ["Clear answers", "Knows Rust"],
                "weakPoints": ["Little Kubernetes"], "evaluation": ["Advance to the technical round"]},
            "specific": {"pronunciationScores": {"fluency": 70 + n % 30, "accuracy": 80, "prosody": 65.5},
                "skills": [{"label": "Rust", "score": 88}, {"label": "SQL", "score": 74}]}
        }
    }))
    .unwrap()
}

/// Two reviewers' reviews of `record`.
fn reviews(record: &InterviewRecord) -> Vec<Review> {
    let at: jiff::Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
    ["Eva", "Tom"]
        .iter()
        .enumerate()
        .map(|(i, who)| {
            let mut review = Review::new(&record.interview.id, who, at);
            review.decision = Some(Stamped { value: if i == 0 { Decision::Advance } else { Decision::Hold }, at });
            review.rating = Some(Stamped { value: 4, at });
            review.criteria = ["Communication", "Technical depth"]
                .iter()
                .map(|name| CriterionRating { rating: Some(3), ..CriterionRating::new(name) })
                .collect();
            review.notes = "Solid answers; follow up on Kubernetes.".to_owned();
            review
        })
        .collect()
}

struct Fixture {
    records: Vec<InterviewRecord>,
    reviews: Vec<Vec<Review>>,
    candidates: Vec<Value>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let records: Vec<InterviewRecord> = (0..ROWS).map(interview).collect();
    let reviews = records.iter().map(reviews).collect();
    let candidates = (0..ROWS)
        .map(|n| json!({"firstName": "Jana", "lastName": format!("Nováková {n}"), "email": format!("jana{n}@example.sk")}))
        .collect();
    Fixture { records, reviews, candidates }
});

fn inputs(fixture: &Fixture) -> Vec<RowInput<'_>> {
    fixture
        .records
        .iter()
        .zip(&fixture.reviews)
        .zip(&fixture.candidates)
        .map(|((record, reviews), candidate)| RowInput {
            record,
            candidate: Some(candidate),
            agent: None,
            job: None,
            reviews,
            me: "Eva",
        })
        .collect()
}

fn main() {
    divan::main();
}

/// The table of 1,000 interviews, built and written as XLSX.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn table_1000_xlsx(bencher: Bencher<'_, '_>) {
    let fixture = &*FIXTURE;
    bencher.bench(|| {
        let table = table::build(&inputs(fixture));
        black_box(table::to_xlsx(&table, None).unwrap())
    });
}

/// The same table as CSV.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn table_1000_csv(bencher: Bencher<'_, '_>) {
    let fixture = &*FIXTURE;
    bencher.bench(|| {
        let table = table::build(&inputs(fixture));
        black_box(table::to_csv(&table, CsvOptions::default()).unwrap())
    });
}

/// The review report of one interview with 2,400 transcript turns and two reviews.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn report_2400_turns(bencher: Bencher<'_, '_>) {
    let turns: Vec<Value> = (0..2_400)
        .map(|i| json!({"role": if i % 2 == 0 { "agent" } else { "user" }, "text": format!("Turn {i}: and then we moved the service to Kubernetes & <Helm>."), "start": i * 4}))
        .collect();
    let mut value = interview(1).raw;
    if let Some(object) = value.as_object_mut() {
        object.insert("transcript".to_owned(), Value::Array(turns));
    }
    let record = InterviewRecord::from_value(value).unwrap();
    let reviews = reviews(&record);
    let input = ReportInput {
        record: &record,
        candidate: None,
        agent: None,
        job: None,
        reviews: &reviews,
        made_by: "Eva",
        made_at: "2026-12-02T10:00:00Z".parse().unwrap(),
        options: ReportOptions { transcript: true, anonymise: false },
    };
    bencher.bench(|| black_box(report_html(&input).unwrap()));
}
