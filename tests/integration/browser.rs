//! The review report in a real browser: Debian's headless Chromium loads it through a proxy
//! that records every request, renders it, prints it to PDF; poppler reads the PDF back.
//! Ignored by default (they need `chromium` and `poppler-utils`); `.ci/run window` runs them.
//! The screenshot and the PDF pages are kept in `target/report-check/` to be looked at.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test helpers fail loudly")]

use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use interview_desk::api::InterviewRecord;
use interview_desk::demo::{DEMO_API_KEY, DemoServer};
use interview_desk::export::report::{ReportInput, ReportOptions, report_html};

/// A proxy on loopback that answers every request with 404 and records its request line.
struct RecordingProxy {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl RecordingProxy {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let serve = move || {
            for stream in listener.incoming().flatten() {
                let mut line = String::new();
                let mut reader = BufReader::new(&stream);
                if reader.read_line(&mut line).is_ok() {
                    record.lock().unwrap().push(line.trim().to_owned());
                }
                use std::io::Write as _;
                let _ =
                    (&stream).write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            }
        };
        std::thread::Builder::new().name("recording-proxy".into()).spawn(serve).unwrap();
        Self { port, seen }
    }

    /// The requests seen, without Chromium's own to Google's hosts (time sync and sign-in
    /// checks, which its flags do not all turn off and which no page asks for).
    fn requests(&self) -> Vec<String> {
        let own = |line: &str| {
            let target = line.split_whitespace().nth(1).unwrap_or_default();
            let host = target.trim_start_matches("http://").split(['/', ':']).next().unwrap_or_default();
            ["google.com", "googleapis.com", "gstatic.com"]
                .iter()
                .any(|g| host == *g || host.ends_with(&format!(".{g}")))
        };
        self.seen.lock().unwrap().iter().filter(|line| !own(line)).cloned().collect()
    }
}

/// Where the screenshots and PDFs are kept.
fn check_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-check");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs headless Chromium on `page` with `args`, every request through `proxy` (loopback
/// included), and returns its standard output.
fn chromium(page: &Path, proxy: &RecordingProxy, args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--proxy-server=http://127.0.0.1:{}", proxy.port))
        .arg("--proxy-bypass-list=<-loopback>")
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs (apt-get install chromium)");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Pages of a PDF, by pdfinfo.
fn pdf_pages(pdf: &Path) -> usize {
    let info = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo runs (apt-get install poppler-utils)");
    let text = String::from_utf8_lossy(&info.stdout);
    text.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).unwrap_or(0)
}

/// The text of page `page` of a PDF, by pdftotext.
fn pdf_page_text(pdf: &Path, page: usize) -> String {
    let page = page.to_string();
    let output =
        Command::new("pdftotext").args(["-layout", "-f", &page, "-l", &page]).arg(pdf).arg("-").output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
#[ignore = "needs chromium (.ci/run window installs it)"]
fn browser_a_hostile_report_makes_no_request_and_runs_no_script() {
    let proxy = RecordingProxy::start();
    let leak = format!("http://127.0.0.1:{}/leak", proxy.port);
    let dir = tempfile::tempdir().unwrap();

    // The detector works: a page with an image does make a request through the proxy.
    let control = dir.path().join("control.html");
    std::fs::write(&control, format!("<!DOCTYPE html><img src=\"{leak}-control\">")).unwrap();
    chromium(&control, &proxy, &["--dump-dom".to_owned()]);
    assert!(proxy.requests().iter().any(|r| r.contains("/leak-control")), "the proxy saw {:?}", proxy.requests());
    let before = proxy.requests().len();

    let record = InterviewRecord::from_value(serde_json::json!({
        "id": "11111111-2222-4333-8444-555555555555",
        "candidateId": "c-1",
        "status": "COMPLETED",
        "analysis": {"general": {"overallRating": 55, "strongPoints": [format!("<img src=\"{leak}-point\">")]}},
        "transcript": [
            {"role": "agent", "text": "<script>document.title='pwned'</script>", "start": 0},
            {"role": "user", "text": format!("<img src=x onerror=\"document.title='pwned'\"><img src=\"{leak}-turn\">"), "start": 3},
            {"role": "user", "text": format!("<link rel=stylesheet href=\"{leak}-css\"><iframe src=\"{leak}-frame\"></iframe>"), "start": 5}
        ]
    }))
    .unwrap();
    let candidate =
        serde_json::json!({"firstName": "</script><script>document.title='pwned'</script>", "lastName": "Doe"});
    let input = ReportInput {
        record: &record,
        candidate: Some(&candidate),
        agent: None,
        job: None,
        reviews: &[],
        made_by: "CI",
        made_at: jiff::Timestamp::now(),
        options: ReportOptions { transcript: true, anonymise: false },
    };
    let page = dir.path().join("hostile.html");
    std::fs::write(&page, report_html(&input).unwrap()).unwrap();
    let dom = chromium(&page, &proxy, &["--dump-dom".to_owned()]);

    let requests = proxy.requests();
    assert_eq!(requests.len(), before, "the report made requests: {:?}", &requests[before..]);
    let title = dom.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or_default();
    // A script that ran would have set the title to `pwned`; the name shows as text in it.
    assert!(
        title.ends_with("Doe · Review report") && title.starts_with("&lt;/script&gt;"),
        "a script ran: title {title:?}"
    );
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"), "the turn shows as text");
    assert!(dom.contains("&lt;img src=x onerror="), "the image tag shows as text");
    assert!(!dom.contains("<img") && !dom.contains("<iframe"), "no element from the transcript");
}

#[test]
#[ignore = "needs chromium and poppler-utils (.ci/run window installs them)"]
fn browser_the_german_report_renders_and_prints_with_the_table_header_on_every_page() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(DemoServer::start(0)).unwrap();
    let config = tempfile::tempdir().unwrap();
    let german = "ec0f0ec3-0d2c-4225-88a5-bfefcc46fa88";
    let out = check_dir();
    let report = out.join("german-report.html");
    let fetched = Command::new(env!("CARGO_BIN_EXE_interview-desk"))
        .args(["fetch", german, "--format", "html", "--force", "--base-url", server.base_url(), "--out"])
        .arg(&report)
        .env("INTERVIEW_DESK_CONFIG_DIR", config.path())
        .env("INSTAVIEW_API_KEY", DEMO_API_KEY)
        .output()
        .unwrap();
    assert!(fetched.status.success(), "{}", String::from_utf8_lossy(&fetched.stderr));

    let proxy = RecordingProxy::start();
    let screenshot = out.join("german-report.png");
    let pdf = out.join("german-report.pdf");
    let _ = std::fs::remove_file(&screenshot);
    let _ = std::fs::remove_file(&pdf);
    chromium(
        &report,
        &proxy,
        &["--window-size=1200,1600".to_owned(), format!("--screenshot={}", screenshot.display())],
    );
    chromium(&report, &proxy, &[format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".to_owned()]);
    assert!(proxy.requests().is_empty(), "the report made requests: {:?}", proxy.requests());
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "a screenshot with content ({} bytes)", png.len());

    let pages = pdf_pages(&pdf);
    assert!(pages >= 2, "the report with its transcript takes more than one page: {pages}");
    let first = pdf_page_text(&pdf, 1);
    assert!(first.contains("Katharina Müller-Voß") && first.contains("77"), "page 1: {first}");
    let transcript_pages: Vec<usize> = (1..=pages).filter(|&p| pdf_page_text(&pdf, p).contains("Guten")).collect();
    assert!(!transcript_pages.is_empty());
    for page in &transcript_pages {
        let text = pdf_page_text(&pdf, *page);
        assert!(
            text.contains("Time") && text.contains("Speaker") && text.contains("Said"),
            "page {page} repeats the header:\n{text}"
        );
    }
    let shown = Command::new("pdftoppm")
        .args(["-png", "-r", "50"])
        .arg(&pdf)
        .arg(out.join("german-report-page"))
        .status()
        .unwrap();
    assert!(shown.success());
    server.shutdown();
}
