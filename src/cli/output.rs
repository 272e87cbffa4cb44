//! Human output: aligned tables, colour on a terminal (honouring `NO_COLOR`), a pager for
//! long text, and sizes people can read.
//!
//! Everything the two programs print goes out through [`print()`] and [`eprint()`] (or the
//! [`out!`](crate::out), [`outln!`](crate::outln) and [`errln!`](crate::errln) macros),
//! [`page`] or [`json`], and all of them pass the text through one filter, [`display`]:
//! whatever a counsellor, a writer or an old record put in a text, no control or bidi
//! character reaches the terminal. A test checks that the programs print no other way.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use anstyle::{AnsiColor, Style};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::text::is_unsafe;

/// Bold.
pub const BOLD: Style = Style::new().bold();
/// Dim.
pub const DIM: Style = Style::new().dimmed();
/// Red, bold (urgent, errors).
pub const ALERT: Style = AnsiColor::Red.on_default().bold();
/// Yellow (warnings, flags).
pub const WARN: Style = AnsiColor::Yellow.on_default();
/// Green (success).
pub const OK: Style = AnsiColor::Green.on_default();
/// Cyan (references).
pub const REF: Style = AnsiColor::Cyan.on_default();

/// Every style the programs paint with: their escape sequences are the only ones
/// [`display`] lets through.
const STYLES: [Style; 6] = [BOLD, DIM, ALERT, WARN, OK, REF];

/// The escape sequences of [`STYLES`] and their reset, one SGR sequence each.
fn own_sequences() -> &'static [String] {
    static SEQUENCES: OnceLock<Vec<String>> = OnceLock::new();
    SEQUENCES.get_or_init(|| {
        let mut all: Vec<String> = STYLES
            .iter()
            .flat_map(|s| {
                format!("{s}{s:#}")
                    .split('\x1b')
                    .filter(|p| !p.is_empty())
                    .map(|p| format!("\x1b{p}"))
                    .collect::<Vec<_>>()
            })
            .collect();
        all.sort();
        all.dedup();
        all
    })
}

/// The display filter: what any text becomes before it reaches a terminal, a pager or a
/// pipe. Newlines, tabs and the colour sequences of our own `STYLES` pass; every other
/// control or bidi character ([`is_unsafe`]) is shown as a visible symbol instead (C0
/// controls as their control pictures, `␛` for ESC, `␡` for DEL, `�` for C1 and bidi
/// controls), so an escape sequence in a note or an old record is printed as inert text.
pub fn display(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t') {
        return Cow::Borrowed(text);
    }
    let own = own_sequences();
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b'
            && let Some(seq) = own.iter().find(|s| rest.starts_with(s.as_str()))
        {
            out.push_str(seq);
            rest = &rest[seq.len()..];
            continue;
        }
        match c {
            '\n' | '\t' => out.push(c),
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('�')),
            '\u{7f}' => out.push('␡'),
            c if is_unsafe(c) => out.push('�'),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Prints `text` on standard output through [`display`] (colour is dropped when standard
/// output is not a terminal or `NO_COLOR` is set).
pub fn print(text: &str) {
    let mut out = anstream::stdout();
    let _ = out.write_all(display(text).as_bytes());
    let _ = out.flush();
}

/// Prints `text` on standard error through [`display`].
pub fn eprint(text: &str) {
    let mut err = anstream::stderr();
    let _ = err.write_all(display(text).as_bytes());
    let _ = err.flush();
}

/// A writer onto standard error through [`display`], for code that writes to an
/// `impl Write` (a prompt, a picker): whole lines are filtered, the rest at each flush.
#[derive(Debug, Default)]
pub struct ErrWriter {
    pending: Vec<u8>,
}

impl Write for ErrWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(end) = self.pending.iter().rposition(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            eprint(&String::from_utf8_lossy(&line));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            eprint(&String::from_utf8_lossy(&std::mem::take(&mut self.pending)));
        }
        Ok(())
    }
}

impl Drop for ErrWriter {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Prints a value as indented JSON on standard output. Strings keep their exact content,
/// but every control and bidi character in them is written as a `\uXXXX` escape (serde_json
/// leaves DEL, C1 and bidi characters raw), so the text printed holds none.
pub fn json(value: &impl serde::Serialize) -> Result<(), serde_json::Error> {
    let mut text = json_text(&serde_json::to_string_pretty(value)?);
    text.push('\n');
    print(&text);
    Ok(())
}

/// Prints a value as JSON on one line (see [`json`]).
pub fn json_line(value: &impl serde::Serialize) -> Result<(), serde_json::Error> {
    let mut text = json_text(&serde_json::to_string(value)?);
    text.push('\n');
    print(&text);
    Ok(())
}

/// serde_json's output with its remaining raw control and bidi characters escaped. They can
/// only be inside strings (JSON allows no other), where `\uXXXX` means the same character.
fn json_text(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    for c in encoded.chars() {
        if is_unsafe(c) && c != '\n' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes bytes as they are on standard output (an attachment piped to a program), refusing
/// when standard output is a terminal: raw bytes there could drive it.
pub fn write_raw(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if out.is_terminal() {
        return Err(std::io::Error::other(
            "standard output is a terminal: raw bytes are written only to a file or a pipe (give --output FILE)",
        ));
    }
    out.write_all(bytes)?;
    out.flush()
}

/// The terminal on standard output, for the full-screen inbox ([`crate::cli::inbox`]), which
/// draws on it with ratatui. Every text the inbox draws went through [`display`] first
/// (`cli::inbox::text::inert`); only ratatui's own sequences (moves, styles, clearing) are
/// written around it.
pub fn screen() -> std::io::Stdout {
    std::io::stdout()
}

/// Prints formatted text on standard output through the display filter.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::output::print(&format!($($arg)*)) };
}

/// Prints formatted text and a newline on standard output through the display filter.
#[macro_export]
macro_rules! outln {
    () => { $crate::cli::output::print("\n") };
    ($($arg:tt)*) => { $crate::cli::output::print(&format!("{}\n", format_args!($($arg)*))) };
}

/// Prints formatted text and a newline on standard error through the display filter.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => { $crate::cli::output::eprint(&format!("{}\n", format_args!($($arg)*))) };
}

/// `text` wrapped in `style` (anstream strips it when colour is off).
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

/// Visible width of a string in terminal columns (two for wide East Asian characters and
/// emoji, none for combining marks), ignoring ANSI escapes.
pub fn width(s: &str) -> usize {
    let mut w = 0;
    let mut rest = s;
    while let Some(i) = rest.find('\x1b') {
        w += UnicodeWidthStr::width(&rest[..i]);
        // An escape runs to its first ASCII letter.
        let after = &rest[i + 1..];
        rest = after
            .find(|c: char| c.is_ascii_alphabetic())
            .map_or("", |j| &after[j + 1..]);
    }
    w + UnicodeWidthStr::width(rest)
}

/// Cuts `s` to at most `max` columns, with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(1);
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        w += UnicodeWidthChar::width(c).unwrap_or(1);
        if w > room {
            break;
        }
        out.push(c);
    }
    // Sequences (emoji with a variation selector) can be wider than their characters.
    while width(&out) > room {
        out.pop();
    }
    out.push('…');
    out
}

/// A table with aligned columns; the last column is not padded.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Renders the table.
    pub fn render(&self) -> String {
        let n = self.header.len();
        let mut widths = vec![0; n];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in row.iter().enumerate().take(n) {
                widths[i] = widths[i].max(width(c));
            }
        }
        let mut out = String::new();
        let line = |row: &Vec<String>, out: &mut String, header: bool| {
            for (i, c) in row.iter().enumerate().take(n) {
                let cell = if header { paint(BOLD, c) } else { c.clone() };
                out.push_str(&cell);
                if i + 1 < n {
                    out.push_str(&" ".repeat(widths[i] - width(c) + 2));
                }
            }
            out.push('\n');
        };
        line(&self.header, &mut out, true);
        for r in &self.rows {
            line(r, &mut out, false);
        }
        out
    }
}

/// Bytes for people: `812 B`, `14.2 KB`, `3.1 MB`.
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1000.0;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

/// Prints `text` through a pager (`$PAGER`, else `less -FRX`) when standard output is a
/// terminal and the text is longer than the screen; else prints it directly.
pub fn page(text: &str) {
    let stdout = std::io::stdout();
    let lines = text.lines().count();
    let rows = std::env::var("LINES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(40);
    let text: &str = &display(text);
    if stdout.is_terminal() && lines > rows && std::env::var_os("SOURDINE_NO_PAGER").is_none() {
        let pager = std::env::var("PAGER").unwrap_or_else(|_| "less -FRX".into());
        let mut parts = pager.split_whitespace();
        if let Some(program) = parts.next()
            && let Ok(mut child) = Command::new(program)
                .args(parts)
                .stdin(Stdio::piped())
                .spawn()
        {
            if let Some(mut stdin) = child.stdin.take() {
                let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                let body = if colour {
                    text.to_string()
                } else {
                    anstream::adapter::strip_str(text).to_string()
                };
                let _ = stdin.write_all(body.as_bytes());
            }
            let _ = child.wait();
            return;
        }
    }
    print(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns_ignoring_colour() {
        let mut t = Table::new(&["ID", "SUBJECT"]);
        t.row(vec![paint(REF, "ABC"), "x".into()]);
        t.row(vec!["LONGER".into(), "y".into()]);
        let plain: String = anstream::adapter::strip_str(&t.render()).to_string();
        let lines: Vec<_> = plain.lines().collect();
        assert_eq!(lines[0], "ID      SUBJECT");
        assert_eq!(lines[1], "ABC     x");
        assert_eq!(lines[2], "LONGER  y");
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_size(812), "812 B");
        assert_eq!(human_size(14_200), "14.2 KB");
        assert_eq!(human_size(3_100_000), "3.1 MB");
    }

    #[test]
    fn truncation_adds_an_ellipsis() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(width("日本語"), 6);
        assert_eq!(width("😀 ok"), 5);
        assert_eq!(
            width("e\u{301}cole"),
            5,
            "a combining accent takes no column"
        );
        assert_eq!(width(&paint(BOLD, "日本")), 4);
        // Cut to columns, never through a wide character.
        assert_eq!(truncate("日本語のテキスト", 6), "日本…");
        assert_eq!(width(&truncate("😀😀😀😀", 6)), 5);
        assert_eq!(truncate("日本", 4), "日本");
        // A control character left in old text shows as one visible symbol.
        assert_eq!(width("a\x07b"), 3);
    }

    #[test]
    fn table_aligns_cjk_and_emoji_subjects() {
        let mut t = Table::new(&["SUBJECT", "N"]);
        t.row(vec!["日本からの相談".into(), "1".into()]);
        t.row(vec!["cœur 💔 brisé".into(), "2".into()]);
        t.row(vec!["plain".into(), "3".into()]);
        let plain: String = anstream::adapter::strip_str(&t.render()).to_string();
        // 14 columns for seven wide characters, 13 for the emoji (two) and twelve others.
        let lines: Vec<_> = plain.lines().collect();
        assert_eq!(
            lines,
            [
                "SUBJECT         N",
                "日本からの相談  1",
                "cœur 💔 brisé   2",
                "plain           3"
            ],
            "{plain}"
        );
    }

    /// One sample of each class of character that can take over a terminal.
    const HOSTILE: &str = "a\x1b]52;c;ZXZpbA==\x07b\x1b[2Jc\x1b]8;;https://x.example/\x1b\\d\u{85}\u{9b}31m\x7fe\u{202e}f\u{2066}\u{2069}g\x1b\x1b[8mh\r\x08";

    #[test]
    fn display_lets_only_our_own_colours_through() {
        let painted = format!("{}\n\t{}", paint(ALERT, "URGENT"), paint(DIM, HOSTILE));
        let shown = display(&painted);
        let escapes: Vec<&str> = shown.split('\x1b').skip(1).collect();
        assert!(!escapes.is_empty(), "our colours stay: {shown:?}");
        for e in escapes {
            let seq = format!("\x1b{}", &e[..=e.find('m').unwrap()]);
            assert!(own_sequences().contains(&seq), "{seq:?} in {shown:?}");
        }
        let plain = anstream::adapter::strip_str(&shown).to_string();
        assert!(
            !plain
                .chars()
                .any(|c| is_unsafe(c) && c != '\n' && c != '\t'),
            "{plain:?}"
        );
        assert!(plain.starts_with(
            "URGENT\n\ta␛]52;c;ZXZpbA==␇b␛[2Jc␛]8;;https://x.example/␛\\d��31m␡e�f��g␛␛[8mh␍␈"
        ));
    }

    #[test]
    fn ordinary_text_is_displayed_as_it_is() {
        let s = "Bonjour, ça va ? 👋🏽 שלום\n\tfin";
        assert!(matches!(display(s), Cow::Borrowed(t) if t == s));
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw() {
        let v = serde_json::json!({ "note": HOSTILE, "lines": "a\nb" });
        let text = json_text(&serde_json::to_string_pretty(&v).unwrap());
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text:?}");
        assert!(text.contains("\\u009b") && text.contains("\\u202e") && text.contains("\\u007f"));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v, "the exact text survives the escaping");
    }

    /// The programs print only through this module: no `println!` or raw standard output in
    /// the binaries or the rest of `cli/`, so that nothing escapes the display filter.
    #[test]
    fn the_programs_print_only_through_the_display_filter() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        let mut dirs = vec![root.join("bin"), root.join("cli")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("cli/output.rs")
                {
                    files.push(p);
                }
            }
        }
        assert!(files.len() > 20, "the sources were found: {files:?}");
        let forbidden = [
            "println!(",
            "print!(",
            "eprintln!(",
            "eprint!(",
            "anstream::",
            "io::stdout()",
            "io::stderr()",
            "dbg!(",
        ];
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (n, line) in lines.iter().enumerate() {
                for bad in forbidden {
                    // `io::stdout().is_terminal()` asks a question; it prints nothing. A pipe
                    // to another process says so in the comment above it.
                    let allowed = line.contains(".is_terminal()")
                        || (n > 0
                            && lines[n - 1].trim_start().starts_with("//")
                            && lines[n - 1].contains("not a terminal"));
                    assert!(
                        !line.contains(bad) || allowed,
                        "{}:{}: `{bad}` prints around the display filter; use sourdine::outln!, errln! or cli::output",
                        f.display(),
                        n + 1
                    );
                }
            }
        }
    }
}
