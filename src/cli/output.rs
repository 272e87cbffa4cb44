//! Human output: aligned tables, colour on a terminal (honouring `NO_COLOR`), a pager for
//! long text, and sizes people can read.

use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};

use anstyle::{AnsiColor, Style};

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

/// `text` wrapped in `style` (anstream strips it when colour is off).
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

/// Visible width of a string, ignoring ANSI escapes.
pub fn width(s: &str) -> usize {
    let mut w = 0;
    let mut in_esc = false;
    for c in s.chars() {
        if in_esc {
            if c.is_ascii_alphabetic() {
                in_esc = false;
            }
        } else if c == '\x1b' {
            in_esc = true;
        } else {
            w += 1;
        }
    }
    w
}

/// Cuts `s` to at most `max` visible characters, with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
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
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes());
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
}
