//! The whole screen: a title bar, the screen shown (list, thread or search results), a line
//! saying what just happened, the keys, and an overlay (help, a question, a choice) on top.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::state::{Flash, Screen, State};
use super::text::{fit, inert_line, width};
pub use super::theme::{Ctx, Theme};
use crate::anonymise::Language;
use crate::store::StatusFilter;
use crate::tr;

/// The smallest screen the inbox draws on.
pub const MIN_WIDTH: u16 = 40;
/// The smallest screen the inbox draws on.
pub const MIN_HEIGHT: u16 = 10;

/// Draws the whole screen. The state keeps what the drawing learns (the rows a page holds,
/// the first row shown, the thread's scroll kept within it).
pub fn draw(frame: &mut Frame, state: &mut State, ctx: &Ctx) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = tr!(
            state.lang,
            "inbox-too-small",
            width = MIN_WIDTH,
            height = MIN_HEIGHT
        );
        frame.render_widget(
            Paragraph::new(inert_line(&text)).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let [top, body, flash, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    title_bar(frame, top, state, ctx);
    match state.screen {
        Screen::List => super::list::draw(frame, body, state, ctx),
        Screen::Thread => super::thread::draw(frame, body, state, ctx),
        Screen::Search => super::search::draw(frame, body, state, ctx),
    }
    flash_line(frame, flash, state, ctx);
    super::help::footer(frame, keys, state, ctx);
    super::dialog::draw(frame, area, state, ctx);
}

/// The words for a list view ("open tickets").
pub fn view_label(lang: Language, view: StatusFilter) -> String {
    match view {
        StatusFilter::Open => tr!(lang, "inbox-view-open"),
        StatusFilter::Waiting => tr!(lang, "inbox-view-waiting"),
        StatusFilter::Closed => tr!(lang, "inbox-view-closed"),
        StatusFilter::All => tr!(lang, "inbox-view-all"),
    }
}

fn title_bar(frame: &mut Frame, area: Rect, state: &State, ctx: &Ctx) {
    let lang = state.lang;
    let role = match state.role {
        crate::service::Role::Counsellor => tr!(lang, "role-counsellor"),
        crate::service::Role::Supervisor => tr!(lang, "role-supervisor"),
    };
    let right = inert_line(&tr!(
        lang,
        "inbox-whoami",
        name = state.me.clone(),
        role = role
    ));
    let mut left = format!(
        "{} · {}",
        tr!(lang, "inbox-title"),
        view_label(lang, state.view)
    );
    if state.loaded {
        left.push_str(&format!(
            " · {}",
            tr!(lang, "inbox-count", count = state.tickets.len())
        ));
    }
    let left = inert_line(&left);
    // Inside one space at each end; the program's name first when there is room for it.
    let w = (area.width as usize).saturating_sub(2);
    let named = format!("sourdine · {left}");
    let left = if width(&named) + 2 + width(&right) <= w {
        named
    } else {
        left
    };
    let right = fit(&right, w.saturating_sub(width(&left) + 2).max(w / 4));
    let left = fit(&left, w.saturating_sub(width(&right) + 2));
    let gap = w.saturating_sub(width(&left) + width(&right));
    let line = Line::from(vec![
        Span::raw(format!(" {left}")),
        Span::raw(" ".repeat(gap)),
        Span::raw(format!("{right} ")),
    ]);
    frame.render_widget(
        Paragraph::new(line).style(ctx.theme.selected().add_modifier(Modifier::BOLD)),
        area,
    );
}

fn flash_line(frame: &mut Frame, area: Rect, state: &State, ctx: &Ctx) {
    let (text, style) = match &state.flash {
        Some(Flash::Info(t)) => (t.as_str(), ctx.theme.ok()),
        Some(Flash::Error(t)) => (t.as_str(), ctx.theme.alert()),
        None => return,
    };
    let text = fit(&inert_line(text), area.width as usize);
    frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
}
