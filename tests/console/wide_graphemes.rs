//! Flags and ZWJ emoji in a note: widths are counted per grapheme cluster, so the main screen
//! at 80x24 keeps every row exactly 80 cells wide, the right pane where it belongs, and no
//! flag or family is cut in half. Control characters in a note are shown escaped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::app::harness_with;
use crossterm::event::KeyCode;
use drconsole::runbook::model::Lang;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

const EN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");
const FAMILY: &str = "👩\u{200d}👩\u{200d}👧";

/// The main screen with three notes: flags and families that the timeline must cut, and one
/// with an escape sequence and a bidi override.
fn screen() -> (ratatui::buffer::Buffer, String, String) {
    let mut h = harness_with(Some(EN), Some(Lang::En));
    h.declare_default();
    h.key(KeyCode::Char('n'));
    h.keys(&format!("🇨🇳 flag and {FAMILY} family: {}", FAMILY.repeat(12)));
    h.key(KeyCode::Enter);
    let flags = format!("x{}", "🇨🇳".repeat(30));
    use drconsole::incident::decide::Command;
    assert!(h.app.submit(Command::Note { text: flags }));
    assert!(h.app.submit(Command::Note { text: "title\u{1b}]0;X\u{7} \u{202e}desrever".into() }));
    assert!(h.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))));
    h.app.view.flash = None;
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| h.app.render(f)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut text = common::app::screen_of(&h.app, 80, 24);
    let id = h.app.inc().unwrap().decl.incident_id.clone();
    text = text.replace(&id[..], &format!("{}-xxxx", &id[..id.len() - 5]));
    (buf, text, id)
}

#[test]
fn flags_and_families_keep_every_row_80_cells_and_the_right_pane_in_place() {
    let (buf, text, _) = screen();
    insta::assert_snapshot!("main_en_80x24_flags_and_families", text);

    // The left pane is 60% of 80 columns: the right pane starts at column 48.
    let pane_x = 48u16;
    let row1: String = (pane_x..80).map(|x| buf[(x, 1)].symbol().to_string()).collect();
    assert!(row1.starts_with("   RTO timers"), "right pane title: {row1:?}");
    for y in 0..24 {
        // Walk the row as a terminal does: each symbol takes its width, the cells it covers
        // are skipped.
        let (mut x, mut cells) = (0u16, 0usize);
        let mut starts = Vec::new();
        while x < 80 {
            let sym = buf[(x, y)].symbol();
            let w = UnicodeWidthStr::width(sym).max(1);
            assert_eq!(
                sym.graphemes(true).count(),
                1,
                "row {y} col {x}: {sym:?} is not one cluster"
            );
            starts.push(x);
            cells += w;
            x += w as u16;
        }
        assert_eq!(cells, 80, "row {y} is {cells} cells wide");
        assert!(starts.contains(&pane_x), "row {y}: a wide character straddles column {pane_x}");
    }
    let lines: Vec<&str> = text.lines().collect();
    let family_row = lines.iter().find(|l| l.contains("family:")).expect("family note");
    assert!(family_row.contains(&format!("{FAMILY}{FAMILY}")), "{family_row}");
    // Never half a flag: the cut lands between clusters.
    let flag_row = lines.iter().find(|l| l.contains("x🇨🇳")).expect("flag note");
    let cut = flag_row.split('…').next().unwrap();
    let note = &cut[cut.find("x🇨🇳").unwrap() + 1..];
    assert!(note.graphemes(true).all(|g| g == "🇨🇳"), "a flag was cut in half: {flag_row:?}");
    // Hidden characters are shown, not dropped.
    assert!(text.contains("title\\u{1b}]0;X\\u{7} \\u{202e}de"), "{text}");
}

/// The same check on a real terminal: tmux 3.3 draws "👍🏽" four cells wide and "❤️" one
/// cell wide, where ratatui counts two. The console's rows with such a note must end exactly
/// as the rows of a twin console whose note has plain `XX` in place of each emoji.
#[test]
fn in_tmux_the_right_pane_stays_in_place_beside_emoji_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let emoji = format!("👍🏽 thumb ❤\u{fe0f} heart 🇨🇳 flag {FAMILY} family");
    let plain = "XX thumb XX heart XX flag XX family".to_string();
    let screen = |name: &str, note: &str| -> Vec<String> {
        let data = tmp.path().join(name);
        let drc = |args: &[&str]| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
                .arg("--data-dir")
                .arg(&data)
                .args(["--runbook", EN])
                .args(args)
                .env_remove("DRCONSOLE_CONFIG")
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        };
        drc(&["declare", "--type", "database-failure", "--level", "3"]);
        // Several rows of it, so that some sit beside a full-width line of the right pane.
        for _ in 0..4 {
            drc(&["note", note]);
        }
        let unset = [("MONGODB_URI", ""), ("API_HEALTH_URL", ""), ("FRONTEND_URL", "")];
        let args = format!("--data-dir {} resume", data.display());
        let t = common::tmux::Tmux::start(tmp.path(), 80, 24, &args, &unset);
        let s = t.wait_text("joined", 10);
        s.lines().map(str::to_string).collect()
    };
    let (with_emoji, with_plain) = (screen("emoji", &emoji), screen("plain", &plain));
    let mut compared = 0;
    for (e, p) in with_emoji.iter().zip(&with_plain) {
        if !p.contains("XX thumb") {
            continue;
        }
        // The twin's row is plain text: its right pane is what follows column 48.
        let (mut col, mut split) = (0, p.len());
        for (i, g) in p.grapheme_indices(true) {
            if col >= 48 {
                split = i;
                break;
            }
            col += UnicodeWidthStr::width(g);
        }
        let right = &p[split..];
        assert!(!right.trim().is_empty(), "no right pane beside the note: {p:?}");
        assert!(e.ends_with(right), "the right pane moved:\n emoji: {e:?}\n plain: {p:?}");
        compared += 1;
    }
    assert_eq!(compared, 4, "note rows:\n{}", with_plain.join("\n"));
}
