//! Helpers shared by the probe, status and console tests: services built in
//! code, and small real servers on 127.0.0.1 that answer, fail, stall or never answer.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use drconsole::probe::ResolvedService;
use drconsole::runbook::duration::Dur;
use drconsole::runbook::model::{Service, ServiceKind};

pub fn spec(id: &str, kind: ServiceKind, timeout: Duration) -> Service {
    Service {
        id: id.into(),
        name: id.into(),
        kind,
        target: String::new(),
        interval: Dur(Duration::from_millis(200)),
        timeout: Dur(timeout),
        component: None,
        fall: None,
        rise: None,
        method: None,
        expect_status: vec![],
        body_contains: None,
        latency_warn: None,
        ca_file: None,
        args: vec![],
    }
}

pub fn service(id: &str, kind: ServiceKind, target: &str, timeout: Duration) -> ResolvedService {
    ResolvedService::new(spec(id, kind, timeout), target.to_string())
}

/// A tiny HTTP/1.1 server on 127.0.0.1: every request gets `status` and `body` after `delay`.
/// Status and delay can be changed while it runs.
pub struct HttpServer {
    pub port: u16,
    /// Requests answered so far (every probe attempt that reached it).
    pub hits: Arc<AtomicU64>,
    status: Arc<AtomicU16>,
    delay_ms: Arc<AtomicU64>,
    body: Arc<Mutex<String>>,
}

impl HttpServer {
    pub fn start(status: u16, body: &str, delay: Duration) -> HttpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer {
            port,
            hits: Arc::new(AtomicU64::new(0)),
            status: Arc::new(AtomicU16::new(status)),
            delay_ms: Arc::new(AtomicU64::new(delay.as_millis() as u64)),
            body: Arc::new(Mutex::new(body.to_string())),
        };
        let (st, dl, bd) = (server.status.clone(), server.delay_ms.clone(), server.body.clone());
        let hits = server.hits.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (st, dl, bd, hits) = (st.clone(), dl.clone(), bd.clone(), hits.clone());
                std::thread::spawn(move || {
                    answer(conn, &st, &dl, &bd);
                    hits.fetch_add(1, Ordering::SeqCst);
                });
            }
        });
        server
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/health", self.port)
    }

    pub fn set_status(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn set_delay(&self, delay: Duration) {
        self.delay_ms.store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    /// Another handle on the same server, to change its answers from another thread.
    pub fn clone_handle(&self) -> HttpServer {
        HttpServer {
            port: self.port,
            hits: self.hits.clone(),
            status: self.status.clone(),
            delay_ms: self.delay_ms.clone(),
            body: self.body.clone(),
        }
    }
}

/// Reads an HTTP request up to the blank line after its headers; false when the peer closed
/// or failed first.
pub fn read_request_head(conn: &mut impl Read) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    true
}

fn answer(mut conn: TcpStream, status: &AtomicU16, delay_ms: &AtomicU64, body: &Mutex<String>) {
    if !read_request_head(&mut conn) {
        return;
    }
    std::thread::sleep(Duration::from_millis(delay_ms.load(Ordering::SeqCst)));
    let body = body.lock().unwrap().clone();
    let code = status.load(Ordering::SeqCst);
    let reply = format!(
        "HTTP/1.1 {code} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: \
         close\r\n\r\n{body}",
        body.len()
    );
    let _ = conn.write_all(reply.as_bytes());
}

/// A listener on 127.0.0.1 that accepts every connection and never says a word: a hung server.
pub struct HungServer {
    pub port: u16,
}

impl HungServer {
    pub fn start() -> HungServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming().flatten() {
                held.push(conn);
            }
        });
        HungServer { port }
    }
}

/// A loopback port where a TCP connect neither succeeds nor fails: a listener with a backlog
/// of zero that never accepts, its queue filled first, so the kernel drops further SYNs.
/// Needs a tokio runtime (the listener registers with it).
pub struct Blackhole {
    pub port: u16,
    _listener: tokio::net::TcpListener,
    _fillers: Vec<TcpStream>,
}

impl Blackhole {
    pub fn start() -> Blackhole {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let port = sock.local_addr().unwrap().port();
        let listener = sock.listen(0).unwrap();
        let addr = format!("127.0.0.1:{port}").parse().unwrap();
        let mut fillers = Vec::new();
        for _ in 0..8 {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                Ok(s) => fillers.push(s),
                Err(_) => break,
            }
        }
        assert!(
            TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_err(),
            "the blackhole still accepts connections"
        );
        Blackhole { port, _listener: listener, _fillers: fillers }
    }
}

/// A TCP proxy on 127.0.0.1 in front of `upstream` that can be told to stall: from then on
/// it keeps every connection open and forwards nothing, like a server that hangs mid-session.
pub struct StallProxy {
    pub port: u16,
    stalled: Arc<std::sync::atomic::AtomicBool>,
}

impl StallProxy {
    pub fn start(upstream: String) -> StallProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stalled = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stalled.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else { continue };
                for (mut from, mut to) in
                    [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    let flag = flag.clone();
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        loop {
                            let n = match from.read(&mut buf) {
                                Ok(0) | Err(_) => return,
                                Ok(n) => n,
                            };
                            while flag.load(Ordering::SeqCst) {
                                std::thread::sleep(Duration::from_millis(50));
                            }
                            if to.write_all(&buf[..n]).is_err() {
                                return;
                            }
                        }
                    });
                }
            }
        });
        StallProxy { port, stalled }
    }

    pub fn stall(&self, on: bool) {
        self.stalled.store(on, Ordering::SeqCst);
    }
}

/// An HTTP server on 127.0.0.1 that answers 200 and then streams `ok\n` forever (no length,
/// no end), counting the bytes it managed to send.
pub struct EndlessBody {
    pub port: u16,
    pub sent: Arc<AtomicU64>,
}

impl EndlessBody {
    pub fn start() -> EndlessBody {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let mut req = [0u8; 4096];
                    let _ = conn.read(&mut req);
                    let head =
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n";
                    if conn.write_all(head.as_bytes()).is_err() {
                        return;
                    }
                    let chunk = b"ok\n".repeat(8 * 1024);
                    while conn.write_all(&chunk).is_ok() {
                        counter.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                    }
                });
            }
        });
        EndlessBody { port, sent }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/stream", self.port)
    }
}
