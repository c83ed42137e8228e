//! Getting a filled message out of the console: the OSC 52 "set clipboard" sequence (works over
//! SSH: the operator's own terminal puts the text on their clipboard), and a file.
//!
//! The console writes the sequence straight to the terminal (`stdout.write_all` + flush), not
//! through the frame buffer.

use std::path::Path;

use base64::Engine as _;

/// The largest text put on the clipboard, in bytes before encoding. Terminals drop longer
/// sequences silently (hterm and others stop at 100 000 encoded bytes; 74 994 bytes encode to
/// 99 992), so a longer text is refused rather than lost. A §7.2 message is about 1 KB.
pub const MAX_BYTES: usize = 74_994;

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the text is {bytes} bytes; terminals drop clipboard sequences over {max} bytes \
     — save it to a file instead"
)]
pub struct TooLarge {
    pub bytes: usize,
    pub max: usize,
}

/// `ESC ] 52 ; c ; <base64> BEL`: set the clipboard ("c") to `text`.
pub fn osc52(text: &str) -> Result<String, TooLarge> {
    if text.len() > MAX_BYTES {
        return Err(TooLarge { bytes: text.len(), max: MAX_BYTES });
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    Ok(format!("{ESC}]52;c;{b64}{BEL}"))
}

/// The same sequence wrapped for tmux: `ESC P tmux; <sequence, every ESC doubled> ESC \`.
/// tmux passes it on only with `set -g allow-passthrough on` (tmux 3.3 and later); with
/// `set -g set-clipboard on` tmux also accepts the plain sequence itself.
pub fn osc52_tmux(text: &str) -> Result<String, TooLarge> {
    let inner = osc52(text)?;
    let doubled = inner.replace(ESC, &format!("{ESC}{ESC}"));
    Ok(format!("{ESC}Ptmux;{doubled}{ESC}\\"))
}

/// Whether this process runs inside tmux (tmux sets `TMUX` for its panes).
pub fn in_tmux() -> bool {
    std::env::var_os("TMUX").is_some_and(|v| !v.is_empty())
}

/// The plain sequence, or the tmux-wrapped one when `in_tmux`.
pub fn osc52_for(text: &str, in_tmux: bool) -> Result<String, TooLarge> {
    if in_tmux {
        osc52_tmux(text)
    } else {
        osc52(text)
    }
}

/// The sequence for this process's terminal: wrapped for tmux when running inside it.
pub fn osc52_for_terminal(text: &str) -> Result<String, TooLarge> {
    osc52_for(text, in_tmux())
}

/// Write the text to `path` atomically (temp file, fsync, rename, fsync the folder), so a
/// crash never leaves half a message for someone to send.
pub fn save_to_file(path: &Path, text: &str) -> std::io::Result<()> {
    crate::journal::atomic_write(path, text.as_bytes())
}
