//! The ticket list: `ticket list`'s order, columns and marks (urgent, waiting time, claimant,
//! tags, subject). Narrow screens drop the columns that matter least, and subjects are cut
//! with an ellipsis.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap};

use super::state::State;
use super::text::{fit, inert_line, waited, width};
use super::theme::Ctx;
use crate::anonymise::Language;
use crate::store::TicketSummary;
use crate::store::records::Status;
use crate::tr;

/// The columns, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Marks: `!` urgent; the second place is kept for the overdue mark (issue 20).
    Marks,
    /// The reference.
    Ticket,
    /// open, waiting, closed.
    Status,
    /// How long the writer has waited.
    Waiting,
    /// The working hours the writer has waited, marked past the reply target (`ticket list`).
    WorkHours,
    /// When the first message arrived.
    Received,
    /// Messages in the thread.
    Messages,
    /// Who claimed it.
    Claimed,
    /// The subject, then the tags.
    Subject,
}

/// The order in which narrow screens drop columns.
const DROPPED_FIRST: [Column; 3] = [Column::Received, Column::Messages, Column::Status];
/// The narrowest subject kept before dropping another column.
const SUBJECT_MIN: usize = 36;
/// The widest claimant shown.
const CLAIMED_MAX: usize = 12;
/// Space between columns.
const GAP: usize = 1;
/// What marks the selected row (in every terminal, with or without colour).
pub const SELECTED: &str = "› ";

/// A column's title in `lang`.
pub fn title(lang: Language, c: Column) -> String {
    match c {
        Column::Marks => String::new(),
        Column::Ticket => tr!(lang, "column-ticket"),
        Column::Status => tr!(lang, "column-status"),
        Column::Waiting => tr!(lang, "column-waiting"),
        Column::WorkHours => tr!(lang, "column-work-hours"),
        Column::Received => tr!(lang, "column-received"),
        Column::Messages => tr!(lang, "column-messages"),
        Column::Claimed => tr!(lang, "column-claimed"),
        Column::Subject => tr!(lang, "column-subject"),
    }
}

/// A ticket's state in `lang`.
pub fn status(lang: Language, s: Status) -> String {
    match s {
        Status::Open => tr!(lang, "status-open"),
        Status::Waiting => tr!(lang, "status-waiting"),
        Status::Closed => tr!(lang, "status-closed"),
    }
}

/// One row's cells as text (Marks .. Claimed; the subject is fitted later).
fn cells(t: &TicketSummary, lang: Language, ctx: &Ctx) -> [String; 7] {
    [
        if t.urgent { "!".into() } else { String::new() },
        inert_line(&t.id),
        status(lang, t.status),
        waited(lang, ctx.now, t.last_in.0, ctx.precision),
        ctx.dates(lang).short(t.received.0),
        t.messages.to_string(),
        fit(
            &inert_line(t.claimed_by.as_deref().unwrap_or_default()),
            CLAIMED_MAX,
        ),
    ]
}

/// The inbox's columns before the subject, in order: its rows' cells.
pub const INBOX_COLUMNS: [Column; 7] = [
    Column::Marks,
    Column::Ticket,
    Column::Status,
    Column::Waiting,
    Column::Received,
    Column::Messages,
    Column::Claimed,
];

/// The columns shown and their widths for a screen `total` cells wide, `rows` holding the
/// cells of the `fixed` columns in order; the subject takes what is left. A working-hours
/// column with nothing in it (no ticket waits for an answer) is not shown.
pub fn layout<const N: usize>(
    rows: &[[String; N]],
    fixed: &[Column; N],
    lang: Language,
    total: usize,
) -> Vec<(Column, usize)> {
    let mut cols: Vec<(Column, usize)> = fixed
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let w = rows
                .iter()
                .map(|r| width(&r[i]))
                .chain([width(&title(lang, c))])
                .max()
                .unwrap_or(0);
            let empty = rows.iter().all(|r| r[i].is_empty());
            (c, if c == Column::Marks { 2 } else { w }, empty)
        })
        .filter(|&(c, _, empty)| !(c == Column::WorkHours && empty))
        .map(|(c, w, _)| (c, w))
        .collect();
    let used = |cols: &[(Column, usize)]| -> usize {
        width(SELECTED) + cols.iter().map(|(_, w)| w + GAP).sum::<usize>()
    };
    // A table that counts the wait in working hours can do without the calendar wait.
    let calendar = cols
        .iter()
        .any(|(c, _)| *c == Column::WorkHours)
        .then_some(Column::Waiting);
    for drop in DROPPED_FIRST.into_iter().chain(calendar) {
        if total.saturating_sub(used(&cols)) >= SUBJECT_MIN {
            break;
        }
        cols.retain(|(c, _)| *c != drop);
    }
    let subject = total.saturating_sub(used(&cols)).max(1);
    cols.push((Column::Subject, subject));
    cols
}

/// The cell of column `c` in a row of the `fixed` columns' cells (empty when not among them).
pub fn cell_of<'a, const N: usize>(
    row: &'a [String; N],
    fixed: &[Column; N],
    c: Column,
) -> &'a str {
    fixed
        .iter()
        .position(|f| *f == c)
        .map_or("", |i| row[i].as_str())
}

/// The subject, then the tags in brackets, fitted into `w` cells.
fn subject_cell<'a>(t: &TicketSummary, w: usize, ctx: &Ctx) -> Line<'a> {
    let subject = inert_line(&t.subject);
    if t.tags.is_empty() {
        return Line::from(fit(&subject, w));
    }
    let tags = inert_line(&format!("[{}]", t.tags.join(", ")));
    let room = w.saturating_sub((width(&tags) + 1).min(w / 3));
    let subject = fit(&subject, room);
    let left = w.saturating_sub(width(&subject) + 1);
    Line::from(vec![
        Span::raw(subject),
        Span::raw(" "),
        Span::styled(fit(&tags, left), ctx.theme.dim()),
    ])
}

/// Draws the list in `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &mut State, ctx: &Ctx) {
    let lang = state.lang;
    if state.tickets.is_empty() {
        let text = if state.loaded {
            tr!(lang, "inbox-empty")
        } else {
            tr!(lang, "inbox-loading")
        };
        frame.render_widget(
            Paragraph::new(Text::styled(inert_line(&text), ctx.theme.dim()))
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let rows: Vec<[String; 7]> = state.tickets.iter().map(|t| cells(t, lang, ctx)).collect();
    let cols = layout(&rows, &INBOX_COLUMNS, lang, area.width as usize);
    let header = Row::new(
        cols.iter()
            .map(|(c, w)| Cell::from(fit(&title(lang, *c), *w))),
    )
    .style(ctx.theme.bold());
    let body = state.tickets.iter().zip(&rows).map(|(t, cells)| {
        Row::new(cols.iter().map(|&(c, w)| match c {
            Column::Marks => Cell::from(Span::styled(cells[0].clone(), ctx.theme.alert())),
            Column::Ticket => Cell::from(Span::styled(cells[1].clone(), ctx.theme.reference())),
            Column::Subject => Cell::from(subject_cell(t, w, ctx)),
            other => Cell::from(cell_of(cells, &INBOX_COLUMNS, other).to_string()),
        }))
    });
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|(_, w)| Constraint::Length(*w as u16))
        .collect();
    let table = Table::new(body, widths)
        .header(header)
        .column_spacing(GAP as u16)
        .row_highlight_style(ctx.theme.selected())
        .highlight_symbol(SELECTED)
        .highlight_spacing(HighlightSpacing::Always);
    let mut ts = TableState::new()
        .with_offset(state.offset)
        .with_selected(Some(state.selected));
    frame.render_stateful_widget(table, area, &mut ts);
    state.offset = ts.offset();
    state.page = (area.height as usize).saturating_sub(1).max(1);
}
