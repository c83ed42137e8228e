//! Display-width helpers. CJK characters take two cells; strings are never cut by bytes or
//! chars to fit a width, and never in the middle of a character.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// The longest prefix of `s` that fits in `max` cells, with `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `s` truncated or padded with spaces to exactly `cells` cells.
pub fn fit(s: &str, cells: usize) -> String {
    let mut t = truncate(s, cells);
    let w = width(&t);
    t.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    t
}

/// Right-aligned in exactly `cells` cells.
pub fn fit_right(s: &str, cells: usize) -> String {
    let t = truncate(s, cells);
    let pad = cells.saturating_sub(width(&t));
    format!("{}{t}", " ".repeat(pad))
}

/// Greedy wrap by display width. CJK text breaks anywhere (it has no spaces); a Latin word is
/// moved whole to the next line when a space before it allows.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for c in para.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > max {
                let carry = match line.rfind(' ') {
                    Some(sp)
                        if c.is_ascii_alphanumeric()
                            && line[sp + 1..].chars().all(|x| x.is_ascii_alphanumeric()) =>
                    {
                        let tail = line[sp + 1..].to_string();
                        line.truncate(sp);
                        tail
                    }
                    _ => String::new(),
                };
                lines.push(std::mem::take(&mut line));
                used = width(&carry);
                line = carry;
            }
            line.push(c);
            used += w;
        }
        lines.push(line);
    }
    lines
}

/// Remove the last character (whole grapheme-ish: one `char`) for backspace in text inputs.
pub fn pop_char(s: &mut String) {
    s.pop();
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
    fn backspace_removes_a_whole_wide_character() {
        let mut s = "备份失败".to_string();
        pop_char(&mut s);
        assert_eq!(s, "备份失");
    }
}
