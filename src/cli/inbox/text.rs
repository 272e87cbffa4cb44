//! Text made safe and fitted for the screen: the display filter, widths in terminal cells
//! (unicode-width), cutting with an ellipsis, wrapping.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::anonymise::Language;
use crate::time::Precision;

/// `text` as the inbox may put it on screen, on one line: through the display filter
/// ([`crate::cli::output::display`]), then without the escape character it lets through for
/// our own colours (the inbox paints with styles, never with escape sequences), tabs as a
/// space and line breaks as a space.
pub fn inert_line(text: &str) -> String {
    inert(text).replace('\n', " ")
}

/// `text` through the display filter, with no escape character, and tabs as spaces; line
/// breaks kept.
pub fn inert(text: &str) -> String {
    let shown = crate::cli::output::display(text);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '\x1b' => out.push('␛'),
            '\t' => out.push_str("    "),
            c => out.push(c),
        }
    }
    out
}

/// Width of `s` in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` cells, ending with `…` when cut.
pub fn fit(s: &str, max: usize) -> String {
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

/// `text` wrapped to lines of at most `max` cells: at spaces when it can, inside a word
/// longer than a line when it must. Line breaks in `text` are kept; nothing is dropped but
/// the spaces where a line is broken.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for source in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        // Whether the line holds a word already (an empty one counts: runs of spaces stay).
        let mut started = false;
        for word in source.split(' ') {
            let w = width(word);
            let sep = usize::from(started);
            if used + sep + w <= max {
                if started {
                    line.push(' ');
                }
                line.push_str(word);
                used += sep + w;
                started = true;
                continue;
            }
            if started {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            // A word longer than a line is cut where the line ends.
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > max {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
            started = true;
        }
        lines.push(line);
    }
    lines
}

/// How long ago `then` was, in the counsellor's language, with the same steps as
/// `ticket list` ([`crate::time::relative`]): never more precise than the stored time.
pub fn waited(lang: Language, now: i64, then: i64, precision: Precision) -> String {
    // Both to the stored step: "this hour" while now is in the step `then` began.
    let (now, then) = match precision {
        Precision::Minute => (now, then),
        p => (p.round(now), p.round(then)),
    };
    let d = now - then;
    if d < 0 {
        return crate::tr!(lang, "waited-future");
    }
    match precision {
        Precision::Day if d == 0 => return crate::tr!(lang, "waited-today"),
        Precision::Day if d < 5_184_000 => {
            return crate::tr!(lang, "waited-days", n = d / 86_400);
        }
        Precision::Hour if d == 0 => return crate::tr!(lang, "waited-this-hour"),
        _ => {}
    }
    match d {
        0..60 => crate::tr!(lang, "waited-now"),
        60..3600 => crate::tr!(lang, "waited-minutes", n = d / 60),
        3600..86_400 => crate::tr!(lang, "waited-hours", n = d / 3600),
        86_400..5_184_000 => crate::tr!(lang, "waited-days", n = d / 86_400),
        _ => crate::tr!(lang, "waited-months", n = d / 2_592_000),
    }
}

/// Bytes for people, in the counsellor's language (`14.2 KB`, `14,2 Ko`).
pub fn size(lang: Language, n: u64) -> String {
    let english = crate::cli::output::human_size(n);
    match lang {
        Language::Fr => english
            .replace('.', ",")
            .replace(" B", " o")
            .replace("KB", "ko")
            .replace("MB", "Mo")
            .replace("GB", "Go")
            .replace("TB", "To"),
        Language::Nl => english.replace('.', ","),
        _ => english,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_becomes_inert() {
        let s = "a\x1b[2Jb\x1b[1mc\u{202e}d\re\tf\u{9b}g\nh";
        let shown = inert_line(s);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert!(!shown.contains('\u{202e}'));
        assert_eq!(shown, "a␛[2Jb␛[1mc�d␍e    f�g h");
        assert_eq!(inert("x\ny"), "x\ny");
    }

    #[test]
    fn cutting_counts_cells_not_characters() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 3), "abc");
        assert_eq!(fit("日本語のテキスト", 7), "日本語…");
        assert!(width(&fit("日本語のテキスト", 7)) <= 7);
        assert_eq!(fit("écoute", 3), "éc…");
        assert_eq!(fit("x", 0), "");
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let text = "Je n'arrive plus à dormir depuis des semaines\n\nsupercalifragilistic";
        let lines = wrap(text, 12);
        assert!(lines.iter().all(|l| width(l) <= 12), "{lines:?}");
        let joined: String = lines.concat();
        for word in text.split_whitespace() {
            assert!(
                joined.contains(word) || word.len() > 12,
                "{word} in {lines:?}"
            );
        }
        assert_eq!(lines[0], "Je n'arrive");
        assert!(lines.contains(&String::new()), "the blank line stays");
        assert_eq!(
            lines[lines.len() - 2..].concat(),
            "supercalifragilistic",
            "a long word is cut, not lost"
        );
        assert_eq!(
            wrap("日本語のテキスト", 5),
            ["日本", "語の", "テキ", "スト"]
        );
    }

    #[test]
    fn waiting_times_follow_ticket_list() {
        let now = 1_717_408_800;
        for p in [Precision::Minute, Precision::Hour, Precision::Day] {
            for ago in [
                -5, 0, 30, 600, 3599, 3600, 7200, 86_399, 86_400, 200_000, 9_000_000,
            ] {
                assert_eq!(
                    waited(Language::En, now, now - ago, p),
                    crate::time::relative(now, now - ago, p),
                    "{p:?} {ago}"
                );
            }
        }
        assert_eq!(
            waited(Language::Fr, now, now - 7200, Precision::Hour),
            "il y a 2 h"
        );
        assert_eq!(
            waited(Language::Nl, now, now - 7200, Precision::Hour),
            "2 u geleden"
        );
    }

    #[test]
    fn sizes_in_each_language() {
        assert_eq!(size(Language::En, 14_200), "14.2 KB");
        assert_eq!(size(Language::Fr, 14_200), "14,2 ko");
        assert_eq!(size(Language::Fr, 812), "812 o");
        assert_eq!(size(Language::Nl, 14_200), "14,2 KB");
    }
}
