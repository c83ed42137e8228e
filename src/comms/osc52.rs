//! Getting a filled message out of the console: the OSC 52 "set clipboard" sequence (works over
//! SSH: the operator's own terminal puts the text on their clipboard), and a file.
//!
//! The console writes the sequence straight to the terminal (`stdout.write_all` + flush), not
//! through the frame buffer.

use std::path::Path;

use base64::Engine as _;

use crate::safe_text;

/// The largest text put on the clipboard, in bytes before encoding. Terminals drop longer
/// sequences silently (hterm and others stop at 100 000 encoded bytes; 74 994 bytes encode to
/// 99 992), so a longer text is refused rather than lost. A §7.2 message is about 1 KB.
pub const MAX_BYTES: usize = 74_994;

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';

/// Why a text is not put on the clipboard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error(
        "the text is {bytes} bytes; terminals drop clipboard sequences over {max} bytes \
         — save it to a file instead"
    )]
    TooLarge { bytes: usize, max: usize },
    /// A clipboard is pasted into a shell: a hidden carriage return, escape sequence or bidi
    /// override makes the pasted text differ from what the operator saw, so such a text is
    /// refused rather than copied with the characters made visible (which would be a different
    /// command) or silently dropped (which would be a guess).
    #[error(
        "not copied: the text holds the control character {shown}, which the screen shows \
         escaped but a paste would deliver as it is"
    )]
    Hidden { shown: String },
}

/// `ESC ] 52 ; c ; <base64> BEL`: set the clipboard ("c") to `text`. Line breaks and tabs are
/// text; any other control character or bidi override is refused.
pub fn osc52(text: &str) -> Result<String, Refused> {
    if text.len() > MAX_BYTES {
        return Err(Refused::TooLarge { bytes: text.len(), max: MAX_BYTES });
    }
    if let Some(c) = text.chars().find(|&c| safe_text::is_hostile(c) && c != '\n' && c != '\t') {
        let mut buf = [0u8; 4];
        let shown = safe_text::visible_line(c.encode_utf8(&mut buf)).into_owned();
        return Err(Refused::Hidden { shown: format!("{shown} (U+{:04X})", u32::from(c)) });
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    Ok(format!("{ESC}]52;c;{b64}{BEL}"))
}

/// The same sequence wrapped for tmux: `ESC P tmux; <sequence, every ESC doubled> ESC \`.
/// tmux passes it on only with `set -g allow-passthrough on` (tmux 3.3 and later); with
/// `set -g set-clipboard on` tmux also accepts the plain sequence itself.
pub fn osc52_tmux(text: &str) -> Result<String, Refused> {
    let inner = osc52(text)?;
    let doubled = inner.replace(ESC, &format!("{ESC}{ESC}"));
    Ok(format!("{ESC}Ptmux;{doubled}{ESC}\\"))
}

/// Whether this process runs inside tmux (tmux sets `TMUX` for its panes).
pub fn in_tmux() -> bool {
    std::env::var_os("TMUX").is_some_and(|v| !v.is_empty())
}

/// The plain sequence, or the tmux-wrapped one when `in_tmux`.
pub fn osc52_for(text: &str, in_tmux: bool) -> Result<String, Refused> {
    if in_tmux {
        osc52_tmux(text)
    } else {
        osc52(text)
    }
}

/// The sequence for this process's terminal: wrapped for tmux when running inside it.
pub fn osc52_for_terminal(text: &str) -> Result<String, Refused> {
    osc52_for(text, in_tmux())
}

/// Write the text to `path` atomically (temp file, fsync, rename, fsync the folder), so a
/// crash never leaves half a message for someone to send. The file is read in terminals and
/// pasted from: hostile characters are written visibly (`safe_text`).
pub fn save_to_file(path: &Path, text: &str) -> std::io::Result<()> {
    crate::journal::atomic_write(path, crate::safe_text::visible(text).as_bytes())
}
