//! Command probe: run a program (no shell) with arguments; exit 0 is healthy. The first line
//! of its output becomes the detail; at most `OUTPUT_LIMIT` bytes of each stream are kept.

use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;
use tokio::time::Instant;

use super::words::{describe_io, one_line};
use super::{Attempt, OUTPUT_LIMIT};
use crate::duration_text::compact;

const LINE_MAX: usize = 160;

pub async fn attempt(program: &str, args: &[String], timeout: Duration) -> Attempt {
    let started = Instant::now();
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // Its own process group, so a timeout can kill whatever the program started as well.
    #[cfg(unix)]
    cmd.process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Attempt::down(format!("program not found: {program}"))
        }
        Err(e) => return Attempt::down(format!("cannot start {program}: {}", describe_io(&e))),
    };
    let pid = child.id();
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let run = async {
        let (out, err, status) =
            tokio::join!(read_bounded(stdout), read_bounded(stderr), child.wait());
        Ok::<_, std::io::Error>((out?, err?, status?))
    };
    match tokio::time::timeout(timeout, run).await {
        Ok(Ok((stdout, stderr, status))) => {
            let latency = started.elapsed();
            let stdout = String::from_utf8_lossy(&stdout);
            let stderr = String::from_utf8_lossy(&stderr);
            let first = match one_line(&stdout, LINE_MAX) {
                l if l.is_empty() => one_line(&stderr, LINE_MAX),
                l => l,
            };
            if status.success() {
                let detail = if first.is_empty() { "exit 0".to_string() } else { first };
                Attempt::up(latency, detail)
            } else {
                let how = exit_words(status);
                Attempt::down(if first.is_empty() { how } else { format!("{how}: {first}") })
            }
        }
        Ok(Err(e)) => Attempt::down(format!("{program}: {}", describe_io(&e))),
        Err(_) => {
            // The child itself is killed when it is dropped (kill_on_drop); this takes the rest
            // of its process group with it.
            kill_group(pid);
            Attempt::down(format!("timed out after {} (killed)", compact(timeout)))
        }
    }
}

/// Everything the pipe delivers, of which the first `OUTPUT_LIMIT` bytes are kept. The rest is
/// drained rather than the pipe closed: closing it would kill a healthy but talkative program
/// with SIGPIPE and report it DOWN.
async fn read_bounded<R: AsyncRead + Unpin>(pipe: Option<R>) -> std::io::Result<Vec<u8>> {
    let Some(mut pipe) = pipe else { return Ok(Vec::new()) };
    let mut kept = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = pipe.read(&mut buf).await?;
        if n == 0 {
            return Ok(kept);
        }
        let room = OUTPUT_LIMIT.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
}

fn exit_words(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by signal {sig}");
        }
    }
    "ended abnormally".into()
}

#[cfg(unix)]
fn kill_group(pid: Option<u32>) {
    // The group `process_group(0)` made for the child, whose id is the child's pid.
    let pgid = pid.and_then(|p| i32::try_from(p).ok()).and_then(rustix::process::Pid::from_raw);
    if let Some(pgid) = pgid {
        let _ = rustix::process::kill_process_group(pgid, rustix::process::Signal::KILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_pid: Option<u32>) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::Health;

    #[tokio::test]
    async fn exit_codes_and_first_lines() {
        let s = Duration::from_secs(5);
        let a = attempt("sh", &["-c".into(), "echo '  all good'; echo more".into()], s).await;
        assert_eq!((a.health, a.detail.as_str()), (Health::Up, "all good"));
        let a = attempt("sh", &["-c".into(), "echo broken >&2; exit 3".into()], s).await;
        assert_eq!((a.health, a.detail.as_str()), (Health::Down, "exit 3: broken"));
        let a = attempt("/nonexistent/drconsole-probe", &[], s).await;
        assert_eq!(a.detail, "program not found: /nonexistent/drconsole-probe");
    }

    #[tokio::test]
    async fn talkative_programs_keep_a_bounded_prefix() {
        // 4 MiB of output, then a healthy exit: drained, not cut off with SIGPIPE.
        let script = "head -c 4194304 /dev/zero | tr '\\0' x; echo; exit 0";
        let a = attempt("sh", &["-c".into(), script.into()], Duration::from_secs(20)).await;
        assert_eq!(a.health, Health::Up, "{}", a.detail);
        assert_eq!(a.detail.chars().count(), LINE_MAX);
        let kept = read_bounded(Some(&b"y\n".repeat(100_000)[..])).await.unwrap_or_default();
        assert_eq!(kept.len(), OUTPUT_LIMIT);
    }
}
