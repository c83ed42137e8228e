//! MongoDB probe with the official driver: `hello`, `ping`, and what the server is willing to
//! say about replication and itself.
//!
//! The driver has no read timeout: a server that accepts and never answers hangs a command
//! forever, and dropping a driver future mid-operation can corrupt its state. So every call
//! runs in its own task and the deadline sits on the `JoinHandle`. A call that outlives its
//! deadline keeps running on its own; the next attempt sees it and does not start another, so
//! never more than one probe is in flight per target.

use std::time::Duration;

use mongodb::bson::{doc, Document};
use mongodb::error::{Error, ErrorKind};
use mongodb::options::ClientOptions;
use mongodb::Client;
use tokio::task::{AbortHandle, JoinHandle};
use tokio::time::Instant;

use super::words::{describe_io, one_line};
use super::Attempt;
use crate::duration_text::compact;

/// Room past the driver's own timeouts so that its precise error ("connection refused")
/// arrives before our blunt one ("timed out").
const GRACE: Duration = Duration::from_millis(500);

/// Error codes of side commands worth their own words (CommandNotFound, 59, is named by the
/// server's code name like any other).
const UNAUTHORIZED: i32 = 13;
const NO_REPLICATION_ENABLED: i32 = 76;

pub struct MongoProber {
    target: String,
    timeout: Duration,
    client: Option<Client>,
    /// A call that timed out and may still be running, and when its attempt began.
    hung: Option<(AbortHandle, Instant)>,
}

enum CallError {
    TimedOut,
    Driver(Error),
    Panicked,
}

impl CallError {
    /// The driver's own words, for the log.
    fn raw(&self) -> Option<String> {
        match self {
            CallError::Driver(e) => Some(e.to_string()),
            _ => None,
        }
    }
}

impl MongoProber {
    pub fn new(target: &str, timeout: Duration) -> Self {
        MongoProber { target: target.to_string(), timeout, client: None, hung: None }
    }

    pub async fn attempt(&mut self) -> Attempt {
        if let Some((handle, since)) = &self.hung {
            if !handle.is_finished() {
                return Attempt::down(format!(
                    "server not answering: the previous check is still waiting after {}",
                    compact(since.elapsed())
                ));
            }
            self.hung = None;
        }
        let deadline = Instant::now() + self.timeout + GRACE;
        let client = match self.client.clone() {
            Some(c) => c,
            None => match self.connect(deadline).await {
                Ok(c) => {
                    self.client = Some(c.clone());
                    c
                }
                Err(a) => return a,
            },
        };

        let hello = match self.call(&client, doc! { "hello": 1 }, deadline).await {
            Ok(d) => d,
            Err(e) => {
                let raw = e.raw();
                return Attempt::down(self.failure("hello", e)).with_raw(raw);
            }
        };
        let started = Instant::now();
        if let Err(e) = self.call(&client, doc! { "ping": 1 }, deadline).await {
            let raw = e.raw();
            return Attempt::down(self.failure("ping", e)).with_raw(raw);
        }
        let latency = started.elapsed();

        let mut notes = hello_notes(&hello);
        match self.call(&client, doc! { "replSetGetStatus": 1 }, deadline).await {
            Ok(d) => notes.extend(repl_notes(&d)),
            Err(e) => notes.push(self.refusal("replSetGetStatus", e)),
        }
        match self.call(&client, doc! { "serverStatus": 1 }, deadline).await {
            Ok(d) => notes.extend(server_notes(&d)),
            Err(e) => notes.push(self.refusal("serverStatus", e)),
        }
        let role = match hello.get_str("setName") {
            Ok(set) => format!("{} of {set:?}", role(&hello)),
            Err(_) => role(&hello),
        };
        Attempt::up(latency, format!("ping ok, {role}")).with_notes(notes)
    }

    async fn connect(&mut self, deadline: Instant) -> Result<Client, Attempt> {
        let target = self.target.clone();
        let timeout = self.timeout;
        // Parsing a mongodb+srv:// URI does DNS lookups, which can hang like anything else.
        let handle = tokio::spawn(async move {
            let mut opts = ClientOptions::parse(&target).await?;
            opts.server_selection_timeout = Some(timeout);
            opts.connect_timeout = Some(timeout);
            // A probe reports what it saw; a silent retry would hide a flapping server.
            opts.retry_reads = Some(false);
            opts.app_name.get_or_insert_with(|| "drconsole-probe".to_string());
            Client::with_options(opts)
        });
        match self.join(handle, deadline).await {
            Ok(c) => Ok(c),
            Err(CallError::Driver(e)) if matches!(*e.kind, ErrorKind::InvalidArgument { .. }) => {
                Err(Attempt::down(format!("invalid connection string: {}", driver_words(&e)))
                    .with_raw(Some(e.to_string())))
            }
            Err(e) => {
                let raw = e.raw();
                Err(Attempt::down(self.failure("connect", e)).with_raw(raw))
            }
        }
    }

    async fn call(
        &mut self,
        client: &Client,
        cmd: Document,
        deadline: Instant,
    ) -> Result<Document, CallError> {
        if self.hung.is_some() {
            // An earlier call of this attempt is still stuck: do not add a second one.
            return Err(CallError::TimedOut);
        }
        let client = client.clone();
        let handle = tokio::spawn(async move { client.database("admin").run_command(cmd).await });
        self.join(handle, deadline).await
    }

    async fn join<T>(
        &mut self,
        mut handle: JoinHandle<Result<T, Error>>,
        deadline: Instant,
    ) -> Result<T, CallError> {
        match tokio::time::timeout_at(deadline, &mut handle).await {
            Ok(Ok(Ok(v))) => Ok(v),
            Ok(Ok(Err(e))) => Err(CallError::Driver(e)),
            Ok(Err(_)) => Err(CallError::Panicked),
            Err(_) => {
                // Left running on purpose (see the module comment); remembered so the next
                // attempt does not pile another call on top of it.
                let started = deadline.checked_sub(self.timeout + GRACE).unwrap_or(deadline);
                self.hung = Some((handle.abort_handle(), started));
                Err(CallError::TimedOut)
            }
        }
    }

    fn failure(&self, what: &str, e: CallError) -> String {
        match e {
            CallError::TimedOut => format!("timed out after {}", compact(self.timeout)),
            CallError::Panicked => format!("{what} failed inside the driver"),
            CallError::Driver(e) => match &*e.kind {
                ErrorKind::Command(c) => {
                    format!(
                        "{what} refused: {} ({}): {}",
                        c.code_name,
                        c.code,
                        one_line(&c.message, 120)
                    )
                }
                ErrorKind::ServerSelection { message, .. } => {
                    selection_words(message, self.timeout)
                }
                _ => driver_words(&e),
            },
        }
    }

    /// A side command the server would not run: worth a note, not an outage.
    fn refusal(&self, what: &str, e: CallError) -> String {
        let unknown = match what {
            "replSetGetStatus" => ": replication state unknown",
            "serverStatus" => ": uptime, connections unknown",
            _ => "",
        };
        match e {
            CallError::Driver(e) => match &*e.kind {
                ErrorKind::Command(c) if c.code == NO_REPLICATION_ENABLED => {
                    format!("{what}: not running as a replica set")
                }
                ErrorKind::Command(c) if c.code == UNAUTHORIZED => {
                    format!("{what} not permitted (Unauthorized){unknown}")
                }
                ErrorKind::Command(c) => format!("{what} refused ({}){unknown}", c.code_name),
                _ => format!("{what} failed: {}", driver_words(&e)),
            },
            other => format!("{what}: {}", self.failure(what, other)),
        }
    }
}

/// The driver's server-selection message carries the topology with each server's last error;
/// pick out the part an operator can act on.
fn selection_words(message: &str, timeout: Duration) -> String {
    let m = message.to_ascii_lowercase();
    if m.contains("connection refused") {
        "connection refused".into()
    } else if m.contains("authentication") || m.contains("auth failed") {
        "authentication failed".into()
    } else if m.contains("timed out") || m.contains("timedout") || m.contains("deadline") {
        format!("timed out after {}", compact(timeout))
    } else if m.contains("dns") || m.contains("failed to lookup") || m.contains("name resolution") {
        "host not found".into()
    } else if m.contains("reset") {
        "connection reset by the server".into()
    } else {
        // Selection gave up before any server said what was wrong: it accepted and stayed
        // silent, or the network swallowed the packets.
        format!("timed out after {}: no server answered", compact(timeout))
    }
}

fn driver_words(e: &Error) -> String {
    match &*e.kind {
        ErrorKind::Io(io) => describe_io(io),
        ErrorKind::Authentication { .. } => "authentication failed".into(),
        ErrorKind::DnsResolve { .. } => "host not found".into(),
        ErrorKind::ConnectionPoolCleared { .. } => "connection lost".into(),
        ErrorKind::InvalidArgument { message, .. } => one_line(message, 160),
        _ => one_line(&e.to_string(), 160),
    }
}

fn role(hello: &Document) -> String {
    let set = hello.get_str("setName").ok();
    let yes = |k: &str| hello.get_bool(k).unwrap_or(false);
    let r = if hello.get_str("msg") == Ok("isdbgrid") {
        "mongos"
    } else if set.is_none() {
        "standalone"
    } else if yes("isWritablePrimary") || yes("ismaster") {
        "primary"
    } else if yes("secondary") {
        "secondary"
    } else if yes("arbiterOnly") {
        "arbiter"
    } else {
        "member (not primary or secondary)"
    };
    r.to_string()
}

fn hello_notes(hello: &Document) -> Vec<String> {
    let mut notes = vec![];
    if let Ok(set) = hello.get_str("setName") {
        let hosts: Vec<&str> = hello
            .get_array("hosts")
            .map(|a| a.iter().filter_map(|h| h.as_str()).collect())
            .unwrap_or_default();
        notes.push(format!(
            "replica set \"{set}\": {} member(s): {}",
            hosts.len(),
            hosts.join(", ")
        ));
        if let Ok(primary) = hello.get_str("primary") {
            notes.push(format!("primary: {primary}"));
        }
    }
    notes
}

/// Member states and how far each secondary trails the primary.
fn repl_notes(status: &Document) -> Vec<String> {
    let Ok(members) = status.get_array("members") else { return vec![] };
    let members: Vec<&Document> = members.iter().filter_map(|m| m.as_document()).collect();
    let optime = |m: &Document| m.get_datetime("optimeDate").ok().map(|d| d.timestamp_millis());
    let primary_optime =
        members.iter().find(|m| m.get_str("stateStr") == Ok("PRIMARY")).and_then(|m| optime(m));
    let mut parts = Vec::new();
    let mut max_lag: Option<i64> = None;
    for m in &members {
        let name = m.get_str("name").unwrap_or("?");
        let state = m.get_str("stateStr").unwrap_or("?");
        match (state, primary_optime, optime(m)) {
            ("SECONDARY", Some(p), Some(o)) => {
                let lag = (p - o).max(0);
                max_lag = Some(max_lag.map_or(lag, |l| l.max(lag)));
                let lag = compact(Duration::from_millis(lag.unsigned_abs()));
                parts.push(format!("{name} {state} (lag {lag})"));
            }
            _ => parts.push(format!("{name} {state}")),
        }
    }
    let mut notes = vec![format!("members: {}", parts.join(", "))];
    if let Some(l) = max_lag {
        notes.push(format!(
            "replication lag: {} (largest)",
            compact(Duration::from_millis(l.unsigned_abs()))
        ));
    }
    notes
}

fn server_notes(status: &Document) -> Vec<String> {
    let num = |d: &Document, k: &str| {
        d.get_i64(k)
            .ok()
            .or_else(|| d.get_i32(k).ok().map(i64::from))
            .or_else(|| d.get_f64(k).ok().map(|f| f as i64))
    };
    let mut parts = Vec::new();
    if let Some(up) = num(status, "uptime") {
        parts.push(format!("uptime {}", compact(Duration::from_secs(up.max(0) as u64))));
    }
    if let Ok(c) = status.get_document("connections") {
        if let (Some(cur), Some(avail)) = (num(c, "current"), num(c, "available")) {
            parts.push(format!("connections {cur} open, {avail} available"));
        }
    }
    if let Ok(v) = status.get_str("version") {
        parts.push(format!("version {v}"));
    }
    if parts.is_empty() {
        vec![]
    } else {
        vec![parts.join(", ")]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::DateTime;

    #[test]
    fn roles_from_hello() {
        assert_eq!(role(&doc! { "isWritablePrimary": true }), "standalone");
        assert_eq!(role(&doc! { "setName": "rs0", "isWritablePrimary": true }), "primary");
        assert_eq!(role(&doc! { "setName": "rs0", "secondary": true }), "secondary");
        assert_eq!(role(&doc! { "msg": "isdbgrid" }), "mongos");
        let notes = hello_notes(&doc! { "setName": "rs0", "hosts": ["a:1", "b:1"] });
        assert_eq!(notes[0], "replica set \"rs0\": 2 member(s): a:1, b:1");
    }

    #[test]
    fn replication_lag_from_status() {
        let t = |ms| DateTime::from_millis(ms);
        let s = doc! { "members": [
            { "name": "a:1", "stateStr": "PRIMARY", "optimeDate": t(10_000) },
            { "name": "b:1", "stateStr": "SECONDARY", "optimeDate": t(7_000) },
            { "name": "c:1", "stateStr": "ARBITER" },
        ]};
        assert_eq!(
            repl_notes(&s),
            vec![
                "members: a:1 PRIMARY, b:1 SECONDARY (lag 3s), c:1 ARBITER".to_string(),
                "replication lag: 3s (largest)".to_string()
            ]
        );
    }

    #[test]
    fn selection_errors_in_plain_words() {
        let s = Duration::from_secs(2);
        let msg = "Server selection timeout: No available servers. Topology: { Servers: [ { \
                   Error: Kind: I/O error: Connection refused (os error 111) } ] }";
        assert_eq!(selection_words(msg, s), "connection refused");
        assert_eq!(selection_words("Kind: I/O error: timed out", s), "timed out after 2s");
        assert_eq!(selection_words("nothing", s), "timed out after 2s: no server answered");
    }
}
