//! The terminal: size and TERM, colours, and whether the clipboard sequence (OSC 52) that `y`
//! and the comms preview send is likely to arrive.

use std::io::IsTerminal;

use super::Check;

/// What the checks look at, read once from the process (or made up by a test).
#[derive(Debug, Clone, Default)]
pub struct TermEnv {
    pub term: Option<String>,
    pub colorterm: Option<String>,
    pub no_color: bool,
    /// Columns and rows, when stdout (or the controlling terminal) is a terminal.
    pub size: Option<(u16, u16)>,
    pub stdout_tty: bool,
    pub tmux: bool,
    /// GNU screen (`STY`).
    pub screen: bool,
    pub ssh: bool,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl TermEnv {
    pub fn from_process() -> TermEnv {
        let stdout_tty = std::io::stdout().is_terminal();
        TermEnv {
            term: var("TERM"),
            colorterm: var("COLORTERM"),
            no_color: var("NO_COLOR").is_some(),
            size: if stdout_tty { crossterm::terminal::size().ok() } else { None },
            stdout_tty,
            tmux: var("TMUX").is_some(),
            screen: var("STY").is_some(),
            ssh: var("SSH_CONNECTION").is_some() || var("SSH_TTY").is_some(),
        }
    }
}

/// The console needs 80x24 and a TERM that is not `dumb`.
pub fn terminal(env: &TermEnv) -> Check {
    const NAME: &str = "terminal";
    let term = match env.term.as_deref() {
        None => {
            return Check::fail(
                NAME,
                "TERM is not set: the console cannot know what the terminal understands",
                "export TERM=xterm-256color (or what your terminal emulator names itself)",
            )
        }
        Some("dumb") => {
            return Check::fail(
                NAME,
                "TERM=dumb: the console refuses to start on it",
                "use a real terminal, or export TERM=xterm-256color if it is one",
            )
        }
        Some(t) => t,
    };
    match env.size {
        None if !env.stdout_tty => Check::warn(
            NAME,
            format!("TERM={term}; stdout is not a terminal, so its size is unknown"),
            "run `drconsole doctor` in the terminal you will use for the console",
        ),
        None => Check::warn(
            NAME,
            format!("TERM={term}; the terminal did not report its size"),
            "check `stty size`; the console needs at least 80x24",
        ),
        Some((w, h)) if w < 80 || h < 24 => Check::fail(
            NAME,
            format!("{w}x{h} is smaller than the 80x24 the console needs (TERM={term})"),
            "enlarge the window or make the font smaller",
        ),
        Some((w, h)) => Check::ok(NAME, format!("{w}x{h}, TERM={term}")),
    }
}

/// Colours: the themes use 256 colours; NO_COLOR selects the mono theme.
pub fn colour(env: &TermEnv) -> Check {
    const NAME: &str = "colours";
    if env.no_color {
        return Check::ok(NAME, "NO_COLOR is set: the mono theme is used");
    }
    let term = env.term.as_deref().unwrap_or("");
    match env.colorterm.as_deref() {
        Some("truecolor" | "24bit") => return Check::ok(NAME, "24-bit colour (COLORTERM)"),
        _ if term.contains("256color") || term.contains("direct") => {
            return Check::ok(NAME, format!("256 colours (TERM={term})"))
        }
        _ => {}
    }
    if matches!(term, "xterm-kitty" | "alacritty" | "wezterm" | "foot" | "tmux" | "screen") {
        return Check::ok(NAME, format!("TERM={term} has 256 colours or more"));
    }
    Check::warn(
        NAME,
        format!(
            "TERM={}: only the basic 8/16 colours can be relied on; the themes use 256",
            if term.is_empty() { "(unset)" } else { term }
        ),
        "if the terminal can do more, export TERM=xterm-256color (or COLORTERM=truecolor); \
         otherwise use --theme high-contrast or --theme mono",
    )
}

/// OSC 52: the console sends it straight to the terminal, wrapped for tmux inside tmux, which
/// passes it on only with `allow-passthrough on` (tmux 3.3 and later). `tmux_option` asks the
/// running tmux server for a global option's value (`None` if tmux cannot be asked).
pub fn clipboard(env: &TermEnv, tmux_option: &dyn Fn(&str) -> Option<String>) -> Check {
    const NAME: &str = "clipboard";
    if env.tmux {
        let clip = tmux_option("set-clipboard");
        let pass = tmux_option("allow-passthrough");
        let clip_words = clip.as_deref().map(|c| format!("set-clipboard {c}")).unwrap_or_default();
        return match pass.as_deref() {
            Some("on" | "all") => Check::ok(
                NAME,
                format!("OSC 52 inside tmux, allow-passthrough on{}", sep(&clip_words)),
            ),
            Some(other) => Check::warn(
                NAME,
                format!(
                    "inside tmux with allow-passthrough {other}{}: tmux drops the console's \
                     clipboard sequence",
                    sep(&clip_words)
                ),
                "tmux set -g allow-passthrough on (and add it to ~/.tmux.conf)",
            ),
            // Before 3.3 tmux has no such option and passes the sequence on.
            None if clip.is_some() => Check::ok(
                NAME,
                format!("inside tmux older than 3.3 (passes sequences on){}", sep(&clip_words)),
            ),
            None => Check::warn(
                NAME,
                "TMUX is set but the tmux server could not be asked for its options",
                "check `tmux show -gv allow-passthrough`; it must be on",
            ),
        };
    }
    if env.screen {
        return Check::warn(
            NAME,
            "inside GNU screen, which does not pass the clipboard sequence on",
            "run the console outside screen (or in tmux with allow-passthrough on); the \
             commands can still be copied from the step's detail view (Enter)",
        );
    }
    if env.term.as_deref().is_some_and(|t| t == "linux" || t.starts_with("vt")) {
        return Check::warn(
            NAME,
            format!("TERM={}: text consoles have no clipboard", env.term.as_deref().unwrap_or("")),
            "use a terminal emulator that supports OSC 52 (most do: xterm, iTerm2, kitty, \
             WezTerm, Windows Terminal, Alacritty)",
        );
    }
    let how = if env.ssh { "over SSH, " } else { "" };
    Check::ok(
        NAME,
        format!(
            "OSC 52 {how}sent straight to the terminal; most emulators accept it (some ask \
             once, some have it off by default)"
        ),
    )
}

fn sep(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(", {s}")
    }
}

/// Ask the tmux server this process runs under for a global option.
pub fn tmux_option(name: &str) -> Option<String> {
    let out = std::process::Command::new("tmux")
        .args(["show", "-gv", name])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!v.is_empty()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Level;

    fn env(term: &str, size: Option<(u16, u16)>) -> TermEnv {
        TermEnv { term: Some(term.into()), size, stdout_tty: true, ..TermEnv::default() }
    }

    #[test]
    fn terminal_size_and_term() {
        assert_eq!(terminal(&env("xterm-256color", Some((120, 40)))).level, Level::Ok);
        assert_eq!(terminal(&env("xterm-256color", Some((70, 20)))).level, Level::Fail);
        assert_eq!(terminal(&env("dumb", Some((120, 40)))).level, Level::Fail);
        assert_eq!(terminal(&TermEnv::default()).level, Level::Fail);
        let piped = TermEnv { stdout_tty: false, ..env("xterm", None) };
        assert_eq!(terminal(&piped).level, Level::Warn);
    }

    #[test]
    fn colours() {
        assert_eq!(colour(&env("xterm-256color", None)).level, Level::Ok);
        assert_eq!(colour(&env("xterm", None)).level, Level::Warn);
        let truecolor = TermEnv { colorterm: Some("truecolor".into()), ..env("xterm", None) };
        assert_eq!(colour(&truecolor).level, Level::Ok);
        let mono = TermEnv { no_color: true, ..env("xterm", None) };
        assert!(colour(&mono).summary.contains("mono"));
    }

    #[test]
    fn clipboard_in_tmux_needs_passthrough() {
        let tmux = TermEnv { tmux: true, ..env("tmux-256color", None) };
        let off = |o: &str| match o {
            "allow-passthrough" => Some("off".to_string()),
            _ => Some("external".to_string()),
        };
        let c = clipboard(&tmux, &off);
        assert_eq!(c.level, Level::Warn);
        assert!(c.fix.as_deref().unwrap().contains("allow-passthrough on"));
        let on = |_: &str| Some("on".to_string());
        assert_eq!(clipboard(&tmux, &on).level, Level::Ok);
        let old = |o: &str| (o == "set-clipboard").then(|| "external".to_string());
        assert_eq!(clipboard(&tmux, &old).level, Level::Ok);
        assert_eq!(clipboard(&tmux, &|_| None).level, Level::Warn);
        assert_eq!(clipboard(&env("xterm", None), &|_| None).level, Level::Ok);
        assert_eq!(clipboard(&env("linux", None), &|_| None).level, Level::Warn);
    }
}
