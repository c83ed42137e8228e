//! HTTP(S) probe: status code, optional body text, latency. TLS trusts the system's CA store
//! (reqwest 0.13 verifies through rustls-platform-verifier, which reads it) plus an optional
//! `ca-file` for a private CA.

use std::sync::Once;
use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use tokio::time::Instant;

use super::words::{io_cause, lower_first, one_line};
use super::{Attempt, OUTPUT_LIMIT};
use crate::duration_text::compact;
use crate::runbook::model::Service;

/// Backstop past reqwest's own timeout, in case a layer below ignores it.
const GRACE: Duration = Duration::from_millis(500);

/// reqwest is built without a default crypto provider; install ring once per process. A
/// provider installed earlier by someone else is fine too.
pub fn ensure_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

pub struct HttpProber {
    client: Result<Client, String>,
    method: Method,
    url: String,
    expect: Vec<u16>,
    body_contains: Option<String>,
    timeout: Duration,
}

impl HttpProber {
    pub fn new(spec: &Service, url: &str, clients: &mut HttpClients) -> Self {
        let timeout = spec.timeout.0;
        let method = spec
            .method
            .as_deref()
            .and_then(|m| Method::from_bytes(m.as_bytes()).ok())
            .unwrap_or(Method::GET);
        HttpProber {
            client: clients.get(timeout, spec.ca_file.as_deref()),
            method,
            url: url.to_string(),
            expect: spec.expect_status.clone(),
            body_contains: spec.body_contains.clone(),
            timeout,
        }
    }

    pub async fn attempt(&mut self) -> Attempt {
        let client = match &self.client {
            Ok(c) => c.clone(),
            Err(e) => return Attempt::down(e.clone()),
        };
        let started = Instant::now();
        let run = self.exchange(&client);
        match tokio::time::timeout(self.timeout + GRACE, run).await {
            // Latency covers the whole exchange, body included: that is what users wait for.
            Ok(Ok(detail)) => Attempt::up(started.elapsed(), detail),
            Ok(Err(a)) => a,
            Err(_) => Attempt::timed_out(self.timeout),
        }
    }

    /// The status line on success, a DOWN attempt otherwise.
    async fn exchange(&self, client: &Client) -> Result<String, Attempt> {
        let resp = client
            .request(self.method.clone(), &self.url)
            .send()
            .await
            .map_err(|e| Attempt::down(self.words(&e)))?;
        let status = resp.status();
        if !self.accepts(status) {
            return Err(Attempt::down(format!(
                "HTTP {} (expected {})",
                status.as_u16(),
                self.expected_words()
            )));
        }
        if let Some(needle) = &self.body_contains {
            let body = read_limited(resp).await.map_err(|e| Attempt::down(self.words(&e)))?;
            if !String::from_utf8_lossy(&body).contains(needle.as_str()) {
                return Err(Attempt::down(format!("body does not contain {needle:?}")));
            }
        }
        Ok(format!("HTTP {}", status.as_u16()))
    }

    fn accepts(&self, status: StatusCode) -> bool {
        if self.expect.is_empty() {
            status.is_success()
        } else {
            self.expect.contains(&status.as_u16())
        }
    }

    fn expected_words(&self) -> String {
        if self.expect.is_empty() {
            "2xx".into()
        } else {
            self.expect.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
        }
    }

    /// reqwest's own Display quotes the URL; build the words from the cause instead.
    fn words(&self, e: &reqwest::Error) -> String {
        if e.is_timeout() {
            return format!("timed out after {}", compact(self.timeout));
        }
        if let Some(io) = io_cause(e) {
            return io;
        }
        let mut inner: &(dyn std::error::Error + 'static) = e;
        while let Some(s) = inner.source() {
            inner = s;
        }
        let text = one_line(&lower_first(&inner.to_string()), 160);
        if e.is_connect() {
            format!("cannot connect: {text}")
        } else {
            text
        }
    }
}

/// One client per (timeout, ca-file), shared by every HTTP probe of one probe set that uses
/// that pair. Each reqwest client loads and keeps its own TLS root store and pool: with 100
/// HTTP services that was most of the console's memory (see BENCHMARKS.md). Owned by the probe
/// set, not the process: a client's pooled connections belong to the runtime that opened
/// them, and a process-wide cache would hand them to probes on another runtime.
#[derive(Default)]
pub struct HttpClients {
    list: Vec<((Duration, Option<String>), Client)>,
}

impl HttpClients {
    pub fn get(&mut self, timeout: Duration, ca_file: Option<&str>) -> Result<Client, String> {
        let key = (timeout, ca_file.map(str::to_string));
        if let Some((_, c)) = self.list.iter().find(|(k, _)| *k == key) {
            return Ok(c.clone());
        }
        let client = new_client(timeout, ca_file)?;
        self.list.push((key, client.clone()));
        Ok(client)
    }
}

fn new_client(timeout: Duration, ca_file: Option<&str>) -> Result<Client, String> {
    ensure_crypto_provider();
    let mut b = Client::builder().timeout(timeout).connect_timeout(timeout).user_agent(concat!(
        "drconsole/",
        env!("CARGO_PKG_VERSION"),
        " (health probe)"
    ));
    if let Some(path) = ca_file {
        let limit = crate::runbook::load::MAX_FILE_BYTES;
        let pem = crate::files::read_bounded(std::path::Path::new(path), limit)
            .map_err(|e| format!("cannot read ca-file {path}: {}", lower_first(&e.to_string())))?;
        if pem.len() > limit {
            return Err(format!("ca-file {path} is larger than {limit} bytes (1 MiB)"));
        }
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|_| format!("ca-file {path} holds no usable PEM certificate"))?;
        b = b.tls_certs_merge(certs);
    }
    b.build().map_err(|e| format!("cannot set up HTTP client: {}", lower_first(&e.to_string())))
}

/// At most `OUTPUT_LIMIT` bytes of the body, read as it streams in; an endless body is cut
/// there and `body-contains` looks at that prefix.
async fn read_limited(mut resp: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        let room = OUTPUT_LIMIT - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= OUTPUT_LIMIT {
            break;
        }
    }
    Ok(body)
}
