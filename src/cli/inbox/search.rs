//! Search results: each ticket found, with the line of text around the first match.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{HighlightSpacing, List, ListItem, ListState, Paragraph};

use super::list::{SELECTED, status};
use super::state::State;
use super::text::{fit, inert_line, width};
use super::theme::Ctx;
use crate::tr;

/// Draws the last search's results in `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &mut State, ctx: &Ctx) {
    let lang = state.lang;
    let Some(found) = &state.found else { return };
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let head = tr!(
        lang,
        "search-title",
        query = found.query.clone(),
        count = found.hits.len()
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            fit(&inert_line(&head), area.width as usize),
            ctx.theme.bold(),
        )),
        title,
    );
    let w = (area.width as usize).saturating_sub(width(SELECTED));
    let items: Vec<ListItem> = found
        .hits
        .iter()
        .map(|h| {
            let mark = if h.urgent { "! " } else { "  " };
            let id = inert_line(&h.id);
            let st = status(lang, h.status);
            let used = width(mark) + width(&id) + width(&st) + 3;
            let first = Line::from(vec![
                Span::styled(mark, ctx.theme.alert()),
                Span::styled(id, ctx.theme.reference()),
                Span::raw(format!(" {st}  ")),
                Span::raw(fit(&inert_line(&h.subject), w.saturating_sub(used + 1))),
            ]);
            let excerpt = fit(&inert_line(&h.excerpt), w.saturating_sub(4));
            let second = Line::from(Span::styled(format!("    {excerpt}"), ctx.theme.dim()));
            ListItem::new(vec![first, second])
        })
        .collect();
    let list = List::new(items)
        .highlight_style(ctx.theme.selected())
        .highlight_symbol(SELECTED)
        .highlight_spacing(HighlightSpacing::Always);
    let mut ls = ListState::default().with_selected(Some(found.selected));
    frame.render_stateful_widget(list, body, &mut ls);
    state.page = (body.height as usize / 2).max(1);
}
