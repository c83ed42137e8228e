//! Display-width helpers. Widths are counted per grapheme cluster, as ratatui's buffer counts
//! them: a flag (two regional indicators) or a ZWJ family emoji is one cluster of two cells,
//! not the sum of its code points. Strings are never cut inside a cluster. Text is made safe
//! first (`safe_text::visible_line`): a control character or bidi override is shown as its
//! escape, and measured as such.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::safe_text::visible_line;

fn cluster_width(g: &str) -> usize {
    UnicodeWidthStr::width(g)
}

fn clusters_width(s: &str) -> usize {
    s.graphemes(true).map(cluster_width).sum()
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
    for g in s.graphemes(true) {
        let w = cluster_width(g);
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
    g.len() == 1 && g.as_bytes()[0].is_ascii_alphanumeric()
}

/// Greedy wrap by display width. CJK text breaks anywhere (it has no spaces); a Latin word is
/// moved whole to the next line when a space before it allows.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let para = visible_line(para.strip_suffix('\r').unwrap_or(para));
        let mut line = String::new();
        let mut used = 0;
        for g in para.graphemes(true) {
            let w = cluster_width(g);
            if used + w > max {
                let carry = match line.rfind(' ') {
                    Some(sp)
                        if is_word_char(g) && line[sp + 1..].graphemes(true).all(is_word_char) =>
                    {
                        let tail = line[sp + 1..].to_string();
                        line.truncate(sp);
                        tail
                    }
                    _ => String::new(),
                };
                lines.push(std::mem::take(&mut line));
                used = clusters_width(&carry);
                line = carry;
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
