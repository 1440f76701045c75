//! Shared test helpers: a scriptable HTTP/1.1 server on loopback, and a runtime.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::allow_attributes)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A complete response.
    Full { status: u16, content_type: &'static str, headers: Vec<(String, String)>, body: String },
    /// Accept the connection and never answer.
    Silent,
    /// Send headers announcing `declared` bytes, then `partial` and stall.
    Stall { declared: usize, partial: String },
    /// Send headers announcing `declared` bytes, then `partial` and close the connection.
    Truncate { declared: usize, partial: String },
    /// Send headers announcing `declared` bytes of audio/mpeg, then `partial` and close.
    TruncateAudio { declared: usize, partial: String },
    /// Read the request, then close the connection without answering.
    Hangup,
}

impl Reply {
    /// A JSON response.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::Full { status, content_type: "application/json; charset=utf-8", headers: Vec::new(), body: body.into() }
    }

    /// A response with a given content type.
    pub fn typed(status: u16, content_type: &'static str, body: impl Into<String>) -> Self {
        Self::Full { status, content_type, headers: Vec::new(), body: body.into() }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Self::Full { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// `GET /path?query HTTP/1.1`
    pub request_line: String,
    /// Header lines, lower-cased names.
    pub headers: Vec<(String, String)>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A loopback server that answers every request with `reply(request_line)`.
pub struct TestServer {
    pub base_url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl TestServer {
    pub async fn start(reply: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_on("127.0.0.1:0", reply).await
    }

    /// Like [`TestServer::start`], bound to `address` (e.g. `127.0.0.2:0`, also loopback on Linux).
    pub async fn start_on(address: &str, reply: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind(address).await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let reply = Arc::new(reply);
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                let reply = reply.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    let mut chunk = [0_u8; 4096];
                    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&buffer).to_string();
                    let mut lines = head.split("\r\n");
                    let request_line = lines.next().unwrap_or_default().to_owned();
                    let headers = lines
                        .filter_map(|l| l.split_once(':'))
                        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                        .collect();
                    log.lock().unwrap().push(Seen { request_line: request_line.clone(), headers });
                    match reply(&request_line) {
                        Reply::Full { status, content_type, headers, body } => {
                            let mut response = format!(
                                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n",
                                body.len()
                            );
                            for (name, value) in headers {
                                response.push_str(&format!("{name}: {value}\r\n"));
                            }
                            response.push_str("\r\n");
                            response.push_str(&body);
                            socket.write_all(response.as_bytes()).await.ok();
                            socket.shutdown().await.ok();
                        }
                        Reply::Silent => tokio::time::sleep(Duration::from_secs(3600)).await,
                        Reply::Stall { declared, partial } => {
                            let head = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n{partial}"
                            );
                            socket.write_all(head.as_bytes()).await.ok();
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                        }
                        Reply::Truncate { declared, partial } => {
                            let head = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n{partial}"
                            );
                            socket.write_all(head.as_bytes()).await.ok();
                        }
                        Reply::TruncateAudio { declared, partial } => {
                            let head = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: audio/mpeg\r\ncontent-length: {declared}\r\n\r\n{partial}"
                            );
                            socket.write_all(head.as_bytes()).await.ok();
                        }
                        Reply::Hangup => drop(socket),
                    }
                });
            }
        });
        Self { base_url, seen }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}
