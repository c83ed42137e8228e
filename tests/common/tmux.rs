//! Drive the real binary in a real pseudo-terminal through tmux: type, read the screen, send
//! signals, and capture the raw bytes the program wrote.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The shortest wait for something on the screen or an exit, in seconds. A wait returns as soon
/// as it succeeds, so a short limit buys nothing; a few seconds flaked when the machine was busy
/// (several test threads each driving a program in tmux, other builds beside them).
const MIN_WAIT: u64 = 15;

pub struct Tmux {
    socket: String,
    pub dir: PathBuf,
}

static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

impl Tmux {
    /// Start `cmd` (run by sh, so `; echo EXIT=$?` works) in a detached session of `w`x`h`.
    /// `dir` gets `raw.out` (every byte the program wrote) and `exit` (its exit code).
    pub fn start(dir: &Path, w: u16, h: u16, args: &str, env: &[(&str, &str)]) -> Tmux {
        Tmux::start_script(dir, w, h, &format!("{{bin}} {args}; echo $? > {{exit}}; sleep 60"), env)
    }

    /// Start a shell `script` in which `{bin}` is the program and `{exit}` the file that
    /// `exit_code` reads.
    pub fn start_script(dir: &Path, w: u16, h: u16, script: &str, env: &[(&str, &str)]) -> Tmux {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let socket = format!("drc-test-{}-{n}", std::process::id());
        // Each session gets its own folder, so one program's exit code never passes for another's.
        let dir = &dir.join(format!("tmux-{n}"));
        std::fs::create_dir_all(dir).expect("tmux folder");
        let bin = env!("CARGO_BIN_EXE_drconsole");
        let exit_file = dir.join("exit");
        let script =
            script.replace("{bin}", bin).replace("{exit}", &exit_file.display().to_string());
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-s", "t"]).args([
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
        for (k, v) in env {
            cmd.args(["-e", &format!("{k}={v}")]);
        }
        cmd.args(["-e", "TERM=xterm-256color"]);
        cmd.arg(script);
        let status = cmd.status().expect("tmux");
        assert!(status.success(), "tmux new-session failed");
        let t = Tmux { socket, dir: dir.clone() };
        // Without this, tmux waits to see whether Escape starts an Alt chord, and "Escape, y"
        // sent back to back arrives as Alt-y.
        t.tmux(&["set", "-s", "escape-time", "0"]);
        t.tmux(&[
            "pipe-pane",
            "-o",
            "-t",
            "t",
            &format!("cat >> {}", dir.join("raw.out").display()),
        ]);
        t
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out =
            Command::new("tmux").args(["-L", &self.socket]).args(args).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Send tmux key names (`Enter`, `Tab`, `C-c`, `s`, ...).
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "t", k]);
        }
    }

    /// Send several keys in one `send-keys`: they reach the program in one write, as keys typed
    /// over a slow SSH link arrive in one packet.
    pub fn keys_together(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Type text literally (UTF-8, e.g. Chinese).
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", text]);
    }

    /// The text of tmux's most recent paste buffer, exactly (empty when there is none).
    pub fn show_buffer(&self) -> String {
        self.tmux(&["show-buffer"])
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t"])
    }

    /// Wait until the screen satisfies `pred`; panic with the screen after `secs` (scaled, and
    /// never less than `MIN_WAIT`).
    pub fn wait_for(&self, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let deadline = crate::common::deadline(Duration::from_secs(secs.max(MIN_WAIT)));
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn wait_text(&self, text: &str, secs: u64) -> String {
        self.wait_for(text, secs, |s| s.contains(text))
    }

    /// The PID of the program (the shell's child).
    pub fn program_pid(&self) -> u32 {
        let shell: u32 =
            self.tmux(&["display-message", "-p", "-t", "t", "#{pane_pid}"]).trim().parse().unwrap();
        let deadline = crate::common::deadline(Duration::from_secs(MIN_WAIT));
        loop {
            let out = Command::new("pgrep")
                .args(["-P", &shell.to_string(), "drconsole"])
                .output()
                .unwrap();
            if let Some(pid) = String::from_utf8_lossy(&out.stdout).split_whitespace().next() {
                return pid.parse().unwrap();
            }
            assert!(Instant::now() < deadline, "drconsole did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The terminal the program runs on, e.g. `/dev/pts/4`.
    pub fn pane_tty(&self) -> String {
        self.tmux(&["display-message", "-p", "-t", "t", "#{pane_tty}"]).trim().to_string()
    }

    /// The program's exit code, once it has exited (within `secs`, scaled, at least `MIN_WAIT`).
    pub fn exit_code(&self, secs: u64) -> i32 {
        let deadline = crate::common::deadline(Duration::from_secs(secs.max(MIN_WAIT)));
        let f = self.dir.join("exit");
        loop {
            if let Ok(s) = std::fs::read_to_string(&f) {
                if let Ok(code) = s.trim().parse() {
                    return code;
                }
            }
            assert!(Instant::now() < deadline, "program did not exit; screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every byte the program wrote to the terminal so far.
    pub fn raw(&self) -> Vec<u8> {
        std::fs::read(self.dir.join("raw.out")).unwrap_or_default()
    }

    pub fn resize(&self, w: u16, h: u16) {
        self.tmux(&["resize-window", "-t", "t", "-x", &w.to_string(), "-y", &h.to_string()]);
    }

    /// Close the pane: tmux hangs up its pseudo-terminal, as a terminal window being closed.
    pub fn kill_pane(&self) {
        self.tmux(&["kill-pane", "-t", "t"]);
    }

    pub fn kill_session(&self) {
        self.tmux(&["kill-server"]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}
