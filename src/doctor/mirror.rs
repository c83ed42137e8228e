//! The operations MongoDB the journal is mirrored to (`[journal] mongodb`), and this host's
//! clock against that server's: RTO clocks and the journal's times come from this host, so a
//! clock that is minutes off shows in every record.

use std::time::Duration;

use chrono::{DateTime, Utc};
use mongodb::bson::doc;
use mongodb::options::ClientOptions;
use mongodb::Client;

use super::Check;
use crate::target;

const NAME: &str = "mongodb mirror";
const CLOCK: &str = "clock";
/// Per-call bound: connect, select a server, `hello`.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Offsets up to this are what NTP-synced hosts show; beyond it a record's times drift.
pub const CLOCK_OK: chrono::Duration = chrono::Duration::seconds(2);
/// Beyond this the RTO clocks and the journal's times are wrong by more than a minute.
pub const CLOCK_FAIL: chrono::Duration = chrono::Duration::seconds(60);

/// What `hello` said and when: enough to estimate the offset.
struct Hello {
    sent: DateTime<Utc>,
    received: DateTime<Utc>,
    server_time: Option<DateTime<Utc>>,
}

async fn hello(uri: String) -> Result<Hello, String> {
    // The driver has no read timeout: the call runs in its own task and the bound sits on its
    // join handle (see probe/mongodb.rs).
    let handle = tokio::spawn(async move {
        let mut opts = ClientOptions::parse(&uri).await?;
        opts.server_selection_timeout = Some(TIMEOUT);
        opts.connect_timeout = Some(TIMEOUT);
        opts.app_name.get_or_insert_with(|| "drconsole-doctor".to_string());
        let client = Client::with_options(opts)?;
        let admin = client.database("admin");
        // A first round trip opens the connection, so the timed one measures only the network.
        admin.run_command(doc! { "ping": 1 }).await?;
        let sent = Utc::now();
        let reply = admin.run_command(doc! { "hello": 1 }).await?;
        let received = Utc::now();
        let server_time = reply
            .get_datetime("localTime")
            .ok()
            .and_then(|d| DateTime::<Utc>::from_timestamp_millis(d.timestamp_millis()));
        Ok::<_, mongodb::error::Error>(Hello { sent, received, server_time })
    });
    match tokio::time::timeout(TIMEOUT + Duration::from_millis(500), handle).await {
        Ok(Ok(Ok(h))) => Ok(h),
        Ok(Ok(Err(e))) => Err(target::redact(&e.to_string())),
        Ok(Err(_)) => Err("the check failed inside the driver".to_string()),
        Err(_) => Err(format!("no answer within {}s", TIMEOUT.as_secs())),
    }
}

/// The server's clock minus ours, taking the server's reading to be from the middle of the
/// round trip.
pub fn offset(
    sent: DateTime<Utc>,
    received: DateTime<Utc>,
    server: DateTime<Utc>,
) -> chrono::Duration {
    let mid = sent + (received - sent) / 2;
    server - mid
}

/// The clock check from a measured offset.
pub fn clock_check(offset: chrono::Duration, rtt: chrono::Duration) -> Check {
    let ms = offset.num_milliseconds();
    let words = format!(
        "this host is {} {} the mirror server (round trip {} ms)",
        crate::duration_text::compact(Duration::from_millis(ms.unsigned_abs())),
        if ms > 0 { "behind" } else { "ahead of" },
        rtt.num_milliseconds()
    );
    let fix = "sync the clock (timedatectl set-ntp true, or chrony/ntpd); RTO clocks and the \
               journal's times come from this host";
    if offset.abs() <= CLOCK_OK {
        Check::ok(CLOCK, words)
    } else if offset.abs() <= CLOCK_FAIL {
        Check::warn(CLOCK, words, fix)
    } else {
        Check::fail(CLOCK, words, fix)
    }
}

/// The mirror's reachability and, when it answers, the clock offset.
pub async fn checks(configured: Option<&str>) -> Vec<Check> {
    let Some(raw) = configured else {
        return vec![Check::ok(NAME, "not configured ([journal] mongodb); clock not compared")];
    };
    let uri = match target::expand(raw) {
        Ok(u) => u,
        Err(e) => {
            return vec![Check::fail(
                NAME,
                format!("[journal] mongodb: {e}"),
                "set the variable before starting, or remove [journal] mongodb from the config",
            )
            .config()]
        }
    };
    let shown = target::redact(&uri);
    match hello(uri.clone()).await {
        Err(e) => vec![Check::fail(
            NAME,
            format!("{shown} unreachable: {}", crate::probe::scrub(&e, &uri, &shown)),
            "events wait in the local journal until it answers; check the server, the network \
             and the credentials from this host",
        )],
        Ok(h) => {
            let rtt = h.received - h.sent;
            let mut out =
                vec![Check::ok(NAME, format!("{shown} answers ({} ms)", rtt.num_milliseconds()))];
            out.push(match h.server_time {
                Some(server) => clock_check(offset(h.sent, h.received, server), rtt),
                None => Check::warn(
                    CLOCK,
                    "the server did not say its time (no localTime in hello)",
                    "compare `date -u` with the server's clock by hand",
                ),
            });
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Level;

    #[test]
    fn offsets_from_the_middle_of_the_round_trip() {
        let t = |ms: i64| DateTime::<Utc>::from_timestamp_millis(1_800_000_000_000 + ms).unwrap();
        assert_eq!(offset(t(0), t(100), t(50)), chrono::Duration::zero());
        assert_eq!(offset(t(0), t(100), t(5050)), chrono::Duration::seconds(5));
        let ms = chrono::Duration::milliseconds;
        assert_eq!(clock_check(ms(800), ms(2)).level, Level::Ok);
        let c = clock_check(ms(-5000), ms(2));
        assert_eq!(c.level, Level::Warn);
        assert!(c.summary.contains("5s ahead of"), "{}", c.summary);
        assert_eq!(clock_check(ms(120_000), ms(2)).level, Level::Fail);
    }
}
