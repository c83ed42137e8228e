//! Inside tmux, a copy also goes into tmux's own paste buffer (`tmux load-buffer -`, the text on
//! stdin, no shell): unlike OSC 52, which tmux with default settings swallows without a word,
//! tmux says whether that worked, so the console can tell the operator the truth.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

/// A tmux server that does not answer within this is treated as a failure; the copy then falls
/// back to the on-screen text.
const LIMIT: Duration = Duration::from_secs(3);

/// The most of tmux's error output kept for the message.
const ERR_BYTES: usize = 512;

/// Put `text` in the paste buffer of the tmux server this process runs under (`$TMUX` names
/// it; tmux reads that itself). The error is tmux's own words, or why it could not be run.
pub async fn load_buffer(text: String) -> Result<(), String> {
    match tokio::time::timeout(LIMIT, run(text)).await {
        Ok(r) => r,
        Err(_) => Err(format!("tmux load-buffer did not answer within {}s", LIMIT.as_secs())),
    }
}

async fn run(text: String) -> Result<(), String> {
    let mut child = tokio::process::Command::new("tmux")
        .args(["load-buffer", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // Dropped on timeout: the child must not outlive the attempt.
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("tmux: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes()).await.map_err(|e| format!("tmux load-buffer: {e}"))?;
        // Closing stdin is the end of the text for `load-buffer -`.
        drop(stdin);
    }
    let out = child.wait_with_output().await.map_err(|e| format!("tmux load-buffer: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let err = &out.stderr[..out.stderr.len().min(ERR_BYTES)];
    let words = crate::safe_text::visible_line(String::from_utf8_lossy(err).trim()).into_owned();
    Err(if words.is_empty() { format!("tmux load-buffer: {}", out.status) } else { words })
}
