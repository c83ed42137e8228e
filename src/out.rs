//! Every byte the subcommands print goes through here, for two reasons:
//!
//! - Text is made safe on the way out (`safe_text`): what is printed quotes notes, names,
//!   runbook strings and server messages, and none of it may drive the reader's terminal.
//! - `println!` panics when stdout is a closed pipe (Rust ignores SIGPIPE, so `write` returns
//!   EPIPE), and `eprintln!` panics when the terminal is gone. Here a closed stdout pipe ends
//!   the process quietly with 141 (128 + SIGPIPE, what a shell reports for `yes | head -1`),
//!   and any other failure to write is ignored: there is nobody left to tell.
//!
//! The macros `outln!`, `out!` and `errln!` take `format!` arguments.

use std::io::{self, Write};

use crate::safe_text;

/// The exit code of a process whose reader went away (128 + SIGPIPE).
pub const EXIT_BROKEN_PIPE: i32 = 141;

fn write_stdout(bytes: &[u8]) {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(EXIT_BROKEN_PIPE),
        Err(_) => {}
    }
}

/// Text to stdout as it is (no newline added), made safe.
pub fn print(text: &str) {
    write_stdout(safe_text::visible(text).as_bytes());
}

/// One line to stdout, made safe.
pub fn print_line(text: &str) {
    let mut s = safe_text::visible(text).into_owned();
    s.push('\n');
    write_stdout(s.as_bytes());
}

/// A JSON document and a newline to stdout; see `safe_text::json`.
pub fn print_json(doc: &str) {
    let mut s = safe_text::json(doc).into_owned();
    s.push('\n');
    write_stdout(s.as_bytes());
}

/// One line to stderr, made safe; a failure to write is ignored.
pub fn eprint_line(text: &str) {
    let mut s = safe_text::visible(text).into_owned();
    s.push('\n');
    let mut err = io::stderr().lock();
    let _ = err.write_all(s.as_bytes()).and_then(|()| err.flush());
}

/// `println!` for the subcommands: made safe, quiet on a closed pipe.
#[macro_export]
macro_rules! outln {
    () => { $crate::out::print_line("") };
    ($($arg:tt)*) => { $crate::out::print_line(&format!($($arg)*)) };
}

/// `print!` for the subcommands: made safe, quiet on a closed pipe.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::print(&format!($($arg)*)) };
}

/// `eprintln!` that never panics and never emits control characters.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => { $crate::out::eprint_line(&format!($($arg)*)) };
}
