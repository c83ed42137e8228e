//! TCP probe: can a connection be opened within the timeout.

use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::Instant;

use super::words::describe_io;
use super::Attempt;

pub async fn attempt(addr: &str, timeout: Duration) -> Attempt {
    let started = Instant::now();
    // Dropping a tokio connect future is safe: it only closes the half-open socket.
    match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Ok(Ok(_stream)) => Attempt::up(started.elapsed(), "connected"),
        Ok(Err(e)) => Attempt::down(describe_io(&e)).with_raw(Some(format!("{e:?}"))),
        Err(_) => Attempt::timed_out(timeout),
    }
}
