//! Display-width helpers. Widths are counted per grapheme cluster, as ratatui's buffer counts
//! them: a flag (two regional indicators) or a ZWJ family emoji is one cluster of two cells,
//! not the sum of its code points. Strings are never cut inside a cluster. Text is made safe
//! first (`safe_text::visible_line`): a control character or bidi override is shown as its
//! escape, and measured as such.

use std::borrow::Cow;

use ratatui::buffer::CellWidth;
use unicode_segmentation::{Graphemes, UnicodeSegmentation};
use unicode_width::UnicodeWidthChar;

use crate::safe_text::visible_line;

/// The cells a cluster takes in ratatui's buffer (which counts a half-width katakana sound
/// mark as a cell of its own, where `unicode-width` gives it none). A cluster holding a control
/// character takes none: the buffer is never given one (text is made visible first, and
/// [`super::plain::Plain`] leaves such clusters out, as ratatui's widgets do).
fn cluster_width(g: &str) -> usize {
    if g.contains(char::is_control) {
        return 0;
    }
    usize::from(CellWidth::cell_width(g))
}

/// A character that is a grapheme cluster of its own whatever stands beside it: its
/// Grapheme_Cluster_Break is Other (not Extend, ZWJ, SpacingMark, Prepend, a control, a Hangul
/// jamo or syllable, a regional indicator) and it takes no part in an Indic conjunct. Printable
/// ASCII and Latin-1, general punctuation, arrows, box drawing and symbols, CJK punctuation,
/// kana, ideographs and full-width forms: most of what a runbook and the screen hold. The
/// ranges leave out the combining marks inside them (U+302A–302F, U+3099–309C, U+00AD).
/// `the_characters_that_stand_alone_are_clusters_of_their_own` checks every one.
fn stands_alone(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{A0}'..='\u{AC}'
        | '\u{AE}'..='\u{FF}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2030}'..='\u{205E}'
        | '\u{2190}'..='\u{27BF}'
        | '\u{3000}'..='\u{3029}'
        | '\u{3030}'..='\u{303F}'
        | '\u{3041}'..='\u{3096}'
        | '\u{309D}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{FF01}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}')
}

/// The grapheme clusters of `s`, each with its width in cells. A string whose characters all
/// [stand alone](stands_alone) is split by characters: the same clusters, without the
/// segmentation's table searches, which were most of a frame's cost (see BENCHMARKS.md).
pub(crate) enum Clusters<'a> {
    Chars(&'a str, std::str::CharIndices<'a>),
    Graphemes(Graphemes<'a>),
}

pub(crate) fn clusters(s: &str) -> Clusters<'_> {
    if s.chars().all(stands_alone) {
        Clusters::Chars(s, s.char_indices())
    } else {
        Clusters::Graphemes(s.graphemes(true))
    }
}

impl<'a> Iterator for Clusters<'a> {
    type Item = (&'a str, usize);

    fn next(&mut self) -> Option<(&'a str, usize)> {
        match self {
            Clusters::Chars(s, it) => {
                let (i, c) = it.next()?;
                let g = s.get(i..i + c.len_utf8())?;
                // Printable ASCII (the only ASCII that stands alone) is one cell.
                Some((g, if c.is_ascii() { 1 } else { c.width().unwrap_or(0) }))
            }
            Clusters::Graphemes(it) => it.next().map(|g| (g, cluster_width(g))),
        }
    }
}

fn clusters_width(s: &str) -> usize {
    if s.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return s.len();
    }
    clusters(s).map(|(_, w)| w).sum()
}

pub fn width(s: &str) -> usize {
    clusters_width(&visible_line(s))
}

/// The longest prefix of `s` that fits in `max` cells, with `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    let s: Cow<str> = visible_line(s);
    if clusters_width(&s) <= max {
        return s.into_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for (g, w) in clusters(&s) {
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// `s` truncated or padded with spaces to exactly `cells` cells.
pub fn fit(s: &str, cells: usize) -> String {
    let mut t = truncate(s, cells);
    let w = clusters_width(&t);
    t.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    t
}

/// Right-aligned in exactly `cells` cells.
pub fn fit_right(s: &str, cells: usize) -> String {
    let t = truncate(s, cells);
    let pad = cells.saturating_sub(clusters_width(&t));
    format!("{}{t}", " ".repeat(pad))
}

/// `label` then `figures` in `w` cells: the label is cut so the figures stay whole (a number
/// cut to "(55…" says nothing).
pub fn label_figures(label: &str, figures: &str, w: usize) -> String {
    let fw = width(figures);
    if fw + 2 > w {
        return truncate(figures, w);
    }
    format!("{} {figures}", truncate(label, w - fw - 1))
}

fn is_word_char(g: &str) -> bool {
    g.len() == 1 && {
        let c = g.as_bytes()[0];
        c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
    }
}

/// Punctuation a line must not start with (Chinese line-breaking rules, 禁则): the closing
/// marks and brackets, full width and ASCII.
pub fn is_closing(g: &str) -> bool {
    const CLOSING: &str = "。，、．）」』】〕〉》〗〙〛｝］：；！？‼⁇⁈⁉…‥〜%％,.:;!?)]}";
    g.chars().count() == 1 && g.chars().all(|c| CLOSING.contains(c))
}

/// Punctuation a line must not end with: the opening brackets and quotes.
fn is_opening(g: &str) -> bool {
    const OPENING: &str = "（「『【〔〈《〖〘〚｛［([{“‘";
    g.chars().count() == 1 && g.chars().all(|c| OPENING.contains(c))
}

/// Where the text after a full `line` goes when `next` does not fit: the byte index in `line`
/// from which its tail moves to the next line (`line.len()` to move nothing). A Latin word
/// moves whole when something before it allows a break; closing punctuation takes the
/// character (or word) before it along, so that no line starts with it; an opening bracket
/// goes down with what follows it.
fn break_at(line: &str, next: &str) -> usize {
    let clusters: Vec<(usize, &str)> = line.grapheme_indices(true).collect();
    if clusters.len() < 2 {
        return line.len();
    }
    // The start of the trailing run of word characters.
    let word_start = clusters.iter().rposition(|(_, g)| !is_word_char(g)).map_or(0, |i| i + 1);
    let mut at = if is_word_char(next) && word_start < clusters.len() {
        // Mid-word: the whole word moves, unless it is the whole line.
        if word_start == 0 {
            clusters.len()
        } else {
            word_start
        }
    } else if is_closing(next) {
        if word_start < clusters.len() && word_start > 0 {
            word_start
        } else {
            // A closing mark after a closing mark: take both down.
            let mut i = clusters.len() - 1;
            while i > 0 && is_closing(clusters[i].1) {
                i -= 1;
            }
            i
        }
    } else {
        clusters.len()
    };
    while at > 1 && at <= clusters.len() && is_opening(clusters[at - 1].1) {
        at -= 1;
    }
    if at == 0 || at >= clusters.len() {
        return line.len();
    }
    clusters[at].0
}

/// Greedy wrap by display width. CJK text breaks between any two characters, never before
/// closing punctuation (。，、）」…) and never after an opening bracket; a Latin word moves
/// whole to the next line when a space or a CJK character before it allows; a space at a
/// break is dropped.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let para = visible_line(para.strip_suffix('\r').unwrap_or(para));
        let mut line = String::new();
        let mut used = 0;
        for (g, w) in clusters(&para) {
            if used + w > max {
                if g == " " {
                    // The space is the break.
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                    continue;
                }
                let at = break_at(&line, g);
                let carry = line.split_off(at);
                lines.push(line.trim_end_matches(' ').to_string());
                used = clusters_width(&carry);
                line = carry;
                if used + w > max {
                    // What moved down fills a line by itself: break it where it is.
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
            }
            line.push_str(g);
            used += w;
        }
        lines.push(line);
    }
    lines
}

/// Wrap at spaces: a word goes whole to the next line when it does not fit, and only a word
/// longer than a whole line is broken (by [`wrap`]). For prose and for commands, whose
/// arguments must not be split.
pub fn wrap_words(s: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let para = visible_line(para.strip_suffix('\r').unwrap_or(para));
        let mut line = String::new();
        for word in para.split(' ') {
            let sep = usize::from(!line.is_empty());
            if clusters_width(&line) + sep + clusters_width(word) <= max {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(word);
            } else if clusters_width(word) <= max {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                let joined =
                    if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
                let mut pieces = wrap(&joined, max);
                line = pieces.pop().unwrap_or_default();
                lines.extend(pieces);
            }
        }
        lines.push(line);
    }
    lines
}

/// Remove the last grapheme cluster (a whole flag or emoji, one CJK character) for backspace
/// in text inputs.
pub fn pop_char(s: &mut String) {
    if let Some((at, _)) = s.grapheme_indices(true).next_back() {
        s.truncate(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character the fast path splits by characters is a cluster of its own beside any
    /// other such character (sandwiched by a letter and doubled), and its width as a cluster
    /// is its width as a character: so the fast path finds the clusters segmentation finds.
    #[test]
    fn the_characters_that_stand_alone_are_clusters_of_their_own() {
        let mut checked = 0;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32).filter(|c| stands_alone(*c)) {
            let one = c.to_string();
            assert_eq!(format!("a{c}a").graphemes(true).count(), 3, "U+{:04X}", c as u32);
            assert_eq!(format!("{c}{c}").graphemes(true).count(), 2, "U+{:04X}", c as u32);
            assert_eq!(cluster_width(&one), c.width().unwrap_or(0), "U+{:04X}", c as u32);
            checked += 1;
        }
        assert!(checked > 20_000, "{checked}");
        // Either path, one answer.
        for s in ["数据库故障 ▶ T0+00:05 · …", "a\u{301}b", "👨\u{200D}👩", "ｶﾞ", "각"]
        {
            let by_graphemes: Vec<(&str, usize)> =
                s.graphemes(true).map(|g| (g, cluster_width(g))).collect();
            assert_eq!(clusters(s).collect::<Vec<_>>(), by_graphemes, "{s}");
        }
    }

    #[test]
    fn cjk_is_two_cells_and_never_split() {
        assert_eq!(width("数据库"), 6);
        assert_eq!(truncate("数据库故障", 5), "数据…");
        assert_eq!(width(&truncate("数据库故障", 5)), 5);
        assert_eq!(truncate("数据库故障", 4), "数…");
        assert_eq!(fit("数据", 6), "数据  ");
        assert_eq!(fit_right("ab", 4), "  ab");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 0), "");
    }

    #[test]
    fn wraps_by_width() {
        assert_eq!(wrap("数据库故障", 4), vec!["数据", "库故", "障"]);
        assert_eq!(wrap("ab\ncd", 10), vec!["ab", "cd"]);
        assert_eq!(wrap("make payment now", 10), vec!["make", "payment", "now"]);
        assert_eq!(wrap("abcdefghijkl", 5), vec!["abcde", "fghij", "kl"]);
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        // "。" would start the second line: the character before it goes down with it.
        assert_eq!(wrap("数据库故障。", 10), vec!["数据库故", "障。"]);
        assert_eq!(wrap("请检查日期，确认", 10), vec!["请检查日", "期，确认"]);
        assert_eq!(wrap("恢复（数据库）完成", 12), vec!["恢复（数据", "库）完成"]);
        assert_eq!(wrap("确认」。后续", 6), vec!["确", "认」。", "后续"]);
        // An opening bracket does not end a line.
        assert_eq!(wrap("步骤「恢复」", 6), vec!["步骤", "「恢", "复」"]);
        // A Latin id after a CJK mark moves whole.
        assert_eq!(wrap("功能: auth、browse、cart", 16), vec!["功能: auth、", "browse、cart"]);
        assert_eq!(wrap("x prepare-env y", 12), vec!["x", "prepare-env", "y"]);
        for w in 4..30 {
            for text in [
                "宣布恢复完成并关闭事件? 未恢复的功能(将记为未恢复): auth、browse、cart。 y/n",
                "退出控制台? 事件保持打开,可用 resume 继续。 y 退出 / n 取消",
                "备份时间晚于故障开始时间 (T0):RPO 计算的是 T0 之前最后一次备份。",
            ] {
                let lines = wrap(text, w);
                for l in &lines[1..] {
                    let first = l.graphemes(true).next().unwrap_or_default();
                    assert!(!is_closing(first), "{w}: {lines:?}");
                }
                for l in &lines {
                    assert!(width(l) <= w, "{w}: {lines:?}");
                }
                let joined: String = lines.concat();
                assert_eq!(joined.replace(' ', ""), text.replace(' ', ""), "nothing lost");
            }
        }
    }

    #[test]
    fn figures_stay_whole_and_the_label_gives_way() {
        let t = label_figures("Monthly budget used", "4h00m38s/43m (555%)", 31);
        assert_eq!(t, "Monthly bu… 4h00m38s/43m (555%)");
        assert_eq!(width(&t), 31);
        assert_eq!(label_figures("RPO 4h:", "3h ✓", 40), "RPO 4h: 3h ✓");
    }

    #[test]
    fn word_wrap_moves_whole_words_and_breaks_only_overlong_ones() {
        assert_eq!(
            wrap_words("templates (copy, save, send)", 12),
            vec!["templates", "(copy, save,", "send)"]
        );
        assert_eq!(wrap_words("a re-test now", 9), vec!["a re-test", "now"]);
        assert_eq!(wrap_words("abcdefghijkl x", 5), vec!["abcde", "fghij", "kl x"]);
        assert_eq!(wrap_words("数据库故障 恢复", 6), vec!["数据库", "故障", "恢复"]);
    }

    #[test]
    fn backspace_removes_a_whole_wide_character() {
        let mut s = "备份失败".to_string();
        pop_char(&mut s);
        assert_eq!(s, "备份失");
        let mut s = "ok 👩\u{200d}👩\u{200d}👧".to_string();
        pop_char(&mut s);
        assert_eq!(s, "ok ");
    }

    #[test]
    fn flags_and_zwj_sequences_are_one_cluster_each() {
        let family = "👩\u{200d}👩\u{200d}👧";
        assert_eq!(width("🇨🇳"), 2);
        assert_eq!(width(family), 2);
        assert_eq!(width(&format!("a{family}🇨🇳b")), 6);
        // Never half a flag or half a family.
        assert_eq!(truncate("🇨🇳🇨🇳x", 4), "🇨🇳…");
        assert_eq!(truncate(&format!("{family}{family}x"), 4), format!("{family}…"));
        assert_eq!(fit(family, 4), format!("{family}  "));
        assert_eq!(fit_right("🇨🇳", 3), " 🇨🇳");
        assert_eq!(
            wrap(&format!("{family}{family}{family}"), 4),
            vec![format!("{family}{family}"), family.to_string()]
        );
    }

    #[test]
    fn control_characters_are_shown_and_measured_escaped() {
        assert_eq!(
            truncate("evil\r\u{1b}[2K echo harmless", 80),
            "evil\\r\\u{1b}[2K echo harmless"
        );
        assert_eq!(width("a\u{1b}b"), 8);
        assert_eq!(fit("\u{202e}ab", 10), "\\u{202e}ab");
        assert_eq!(wrap("one\r\ntwo\u{7}", 20), vec!["one", "two\\u{7}"]);
    }
}
