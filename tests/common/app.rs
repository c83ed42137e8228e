//! A headless console: the real `App` with a fake clock and an in-memory event sink.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use drconsole::app::App;
use drconsole::incident::clock::FakeClock;
use drconsole::incident::sink::{EventSink, MemorySink};
use drconsole::incident::{Actor, Event};
use drconsole::runbook::model::Lang;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

pub fn actor() -> Actor {
    Actor {
        user: "ops".into(),
        name: None,
        ssh_client: None,
        host: "jump1".into(),
        tty: Some("/dev/pts/3".into()),
        pid: 4242,
    }
}

pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap()
}

pub struct Harness {
    pub app: App,
    pub clock: FakeClock,
    pub sink: MemorySink,
}

pub fn harness_with(runbook: Option<&str>, lang: Option<Lang>) -> Harness {
    let loaded = match runbook {
        Some(path) => drconsole::runbook::load(Some(std::path::Path::new(path))).unwrap(),
        None => drconsole::runbook::load::builtin().unwrap(),
    };
    let lang = lang.unwrap_or(loaded.runbook.plan.language);
    let clock = FakeClock::at(start_time());
    let sink = MemorySink::default();
    let for_factory = sink.clone();
    let theme = drconsole::theme::Theme::builtin("dark").unwrap();
    let factory = Box::new(move |_: &drconsole::incident::Declaration| {
        Ok(Box::new(for_factory.clone()) as Box<dyn EventSink>)
    });
    let mut app =
        App::new(Arc::new(loaded), lang, theme, Arc::new(clock.clone()), actor(), factory);
    app.tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    Harness { app, clock, sink }
}

pub fn harness() -> Harness {
    harness_with(None, None)
}

impl Harness {
    pub fn key(&mut self, code: KeyCode) {
        self.app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
        assert!(
            self.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))),
            "the journal writer did not answer"
        );
    }

    pub fn keys(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub fn ctrl(&mut self, c: char) {
        self.app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        assert!(
            self.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))),
            "the journal writer did not answer"
        );
    }

    pub fn advance(&mut self, secs: i64) {
        self.clock.advance(chrono::Duration::seconds(secs));
        self.app.tick();
        assert!(
            self.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))),
            "the journal writer did not answer"
        );
    }

    /// Declare with the form's defaults (level 3, first disaster type, every function).
    pub fn declare_default(&mut self) {
        self.key(KeyCode::Enter);
        assert!(self.app.inc().is_some(), "declaration failed: {:?}", self.app.view.declare);
    }

    pub fn events(&self) -> Vec<Event> {
        self.sink.events.lock().unwrap().clone()
    }

    pub fn screen(&self, w: u16, h: u16) -> String {
        screen_of(&self.app, w, h)
    }
}

/// Draw the app into a TestBackend and return the screen as text, one line per row, wide
/// characters written once.
pub fn screen_of(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.render(f)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
