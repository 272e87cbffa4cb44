//! The table `ticket list` prints: the inbox's columns and order, fitted to the terminal.
//!
//! Narrow terminals drop the columns that matter least (received, messages, state, as the
//! inbox does) before the subject falls under 36 cells; the subject is then cut with an
//! ellipsis, never wrapped. Widths count terminal cells (unicode-width).

use std::sync::Arc;

use crate::cli::dates::Dates;
use crate::cli::inbox::list::{Column, cell_of, layout, status, title};
use crate::cli::inbox::text::{fit, inert_line, width};
use crate::cli::output::{ALERT, BOLD, DIM, REF, paint};
use crate::store::TicketSummary;

/// Space between columns (as in the inbox).
const GAP: usize = 1;

/// The columns of the terminal on standard output, else `$COLUMNS`, else none (no limit:
/// output read by a program keeps whole subjects).
pub fn terminal_columns() -> Option<usize> {
    if crate::cli::stdout_is_terminal()
        && let Ok((w, _)) = ratatui::crossterm::terminal::size()
        && w > 0
    {
        return Some(w as usize);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
}

/// The columns before the subject, in order: a row's cells.
const COLUMNS: [Column; 8] = [
    Column::Marks,
    Column::Ticket,
    Column::Status,
    Column::Waiting,
    Column::WorkHours,
    Column::Received,
    Column::Messages,
    Column::Claimed,
];

/// How long a ticket's writer has waited in working hours, and whether that is past the reply
/// target; None for a ticket that does not wait for an answer.
pub type WorkHours<'a> = &'a dyn Fn(&TicketSummary) -> Option<(String, bool)>;

/// One row's cells as text, in the order of [`COLUMNS`], as [`layout`] takes them.
fn cells(t: &TicketSummary, dates: &Dates, now: i64, work: WorkHours) -> [String; 8] {
    [
        if t.urgent { "!".into() } else { String::new() },
        inert_line(&t.id),
        status(dates.lang, t.status),
        dates.ago(now, t.last_in.0),
        work(t).map(|(h, _)| h).unwrap_or_default(),
        dates.short(t.received.0),
        t.messages.to_string(),
        fit(&inert_line(t.claimed_by.as_deref().unwrap_or_default()), 12),
    ]
}

/// The subject, then the tags in brackets (dimmed), in at most `w` cells.
fn subject_cell(t: &TicketSummary, w: usize) -> String {
    let subject = inert_line(&t.subject);
    if t.tags.is_empty() {
        return fit(&subject, w);
    }
    let tags = inert_line(&format!("[{}]", t.tags.join(", ")));
    let room = w.saturating_sub((width(&tags) + 1).min(w / 3));
    let subject = fit(&subject, room);
    let left = w.saturating_sub(width(&subject) + 1);
    format!("{subject} {}", paint(DIM, fit(&tags, left)))
}

/// The width a subject and its tags take uncut.
fn subject_width(t: &TicketSummary) -> usize {
    let tags = if t.tags.is_empty() {
        0
    } else {
        width(&format!(" [{}]", t.tags.join(", ")))
    };
    width(&inert_line(&t.subject)) + tags
}

/// `text` (whose visible width is `w`) followed by spaces up to `cells`.
fn pad(text: String, w: usize, cells: usize) -> String {
    format!("{text}{}", " ".repeat(cells.saturating_sub(w) + GAP))
}

/// The table of `tickets` for a terminal `columns` cells wide (None: no limit), in the
/// language and time zone of `dates`, waiting times counted to `now`, working hours waited
/// as `work` tells them.
pub fn table(
    tickets: &[Arc<TicketSummary>],
    dates: &Dates,
    now: i64,
    columns: Option<usize>,
    work: WorkHours,
) -> String {
    let lang = dates.lang;
    let rows: Vec<[String; 8]> = tickets.iter().map(|t| cells(t, dates, now, work)).collect();
    let widest = tickets
        .iter()
        .map(|t| subject_width(t))
        .chain([width(&title(lang, Column::Subject))])
        .max()
        .unwrap_or(0);
    // The inbox keeps two cells for its selection mark; a printed table has none.
    let selection = width(crate::cli::inbox::list::SELECTED);
    let total = columns.map_or(usize::MAX / 2, |c| c + selection);
    let mut cols = layout(&rows, &COLUMNS, lang, total);
    if let Some((Column::Subject, w)) = cols.last_mut() {
        *w = (*w).min(widest);
    }
    let mut out = String::new();
    for (i, (c, w)) in cols.iter().enumerate() {
        let t = fit(&title(lang, *c), *w);
        let tw = width(&t);
        if i + 1 == cols.len() {
            out.push_str(&paint(BOLD, t));
        } else {
            out.push_str(&pad(paint(BOLD, t), tw, *w));
        }
    }
    out.push('\n');
    for (t, cells) in tickets.iter().zip(&rows) {
        for &(c, w) in &cols {
            let (text, shown) = match c {
                Column::Subject => {
                    out.push_str(&subject_cell(t, w));
                    continue;
                }
                Column::Marks => (paint(ALERT, &cells[0]), width(&cells[0])),
                Column::Ticket => (paint(REF, &cells[1]), width(&cells[1])),
                Column::WorkHours if work(t).is_some_and(|(_, late)| late) => {
                    (paint(ALERT, &cells[4]), width(&cells[4]))
                }
                other => {
                    let text = cell_of(cells, &COLUMNS, other);
                    (text.to_string(), width(text))
                }
            };
            out.push_str(&pad(text, shown, w));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
