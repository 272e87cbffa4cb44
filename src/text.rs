//! Text that people supply (notes, reasons, tags, replies, templates, user names), made safe
//! to keep: the characters that can drive a terminal or reorder what it shows are taken out
//! before anything is stored. What is printed goes through one more filter on its way out
//! (`cli::output::display`), which also covers data stored before this rule existed.

/// Whether `c` can drive a terminal or change how text around it is shown: the C0 controls
/// (ESC, BEL, CR, backspace...), DEL, the C1 controls (U+0080 to U+009F, among them the 8-bit
/// CSI U+009B) and the bidirectional controls (U+202A-U+202E, U+2066-U+2069, the marks).
/// Newline and tab are among them: callers keep them where text has lines.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || crate::anonymise::headers::is_bidi_control(c)
}

/// Text with lines (a note, a reply, a template): line ends become `\n`, newlines and tabs
/// are kept, every other [`is_unsafe`] character is removed.
pub fn clean_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Text of one line (a reason, a tag, a name): newlines and tabs become spaces, every other
/// [`is_unsafe`] character is removed, and the ends are trimmed.
pub fn clean_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' | '\n' | '\t' => out.push(' '),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One sample of every class of character that can take over a terminal.
    const HOSTILE: &str = "a\x1b]52;c;ZXZpbA==\x07b\x1b[2Jc\x1b]8;;https://x.example/\x1b\\d\u{85}\u{9b}31m\x7fe\u{202e}f\u{2066}\u{2069}g\x1b\x08";

    #[test]
    fn lines_keep_newlines_and_tabs_only() {
        let t = clean_lines(&format!("x\r\ny\rz\tw\n{HOSTILE}"));
        assert_eq!(
            t,
            "x\ny\nz\tw\na]52;c;ZXZpbA==b[2Jc]8;;https://x.example/\\d31mefg"
        );
        assert!(!t.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t'));
    }

    #[test]
    fn one_line_has_no_line_break() {
        assert_eq!(clean_line(" a\nb\tc\r\n "), "a b c");
        let t = clean_line(HOSTILE);
        assert!(!t.chars().any(is_unsafe), "{t:?}");
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        let s = "Bonjour, ça va ? 👋🏽 ‍ שלום مرحبا\n\tfin";
        assert_eq!(clean_lines(s), s);
    }
}
