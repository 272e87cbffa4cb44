//! The overlays that take the keys: a line to type, a question that needs a clear yes (with
//! what will be sent or done), a choice in a list, and the help.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::state::{Ask, Draft, Overlay, Pick, Purpose, State};
use super::text::{fit, inert, inert_line, size, width, wrap};
use super::theme::Ctx;
use crate::anonymise::Language;
use crate::tr;

/// Draws the overlay shown, if any, over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &State, ctx: &Ctx) {
    let lang = state.lang;
    match &state.overlay {
        None => {}
        Some(Overlay::Help) => super::help::draw(frame, area, lang, ctx),
        Some(Overlay::Prompt { purpose, input }) => prompt(frame, area, lang, purpose, input, ctx),
        Some(Overlay::Confirm(ask)) => {
            let inner = boxed_width(area) as usize - 4;
            let room = area.height.saturating_sub(4) as usize;
            let body = confirm_lines(state, ask, inner, room, ctx);
            let title = match ask {
                Ask::Send(_) => tr!(lang, "confirm-send-title"),
                _ => tr!(lang, "confirm-title"),
            };
            boxed(frame, area, &title, body, ctx);
        }
        Some(Overlay::Pick(pick)) => {
            let inner = boxed_width(area) as usize - 4;
            let (title, body) = pick_lines(state, pick, inner, area, ctx);
            boxed(frame, area, &title, body, ctx);
        }
    }
}

fn boxed_width(area: Rect) -> u16 {
    area.width.saturating_sub(4).clamp(10, 76)
}

/// A bordered box in the middle of `area`, as high as its lines (at most the screen).
fn boxed(frame: &mut Frame, area: Rect, title: &str, body: Vec<Line<'static>>, ctx: &Ctx) -> Rect {
    let w = boxed_width(area);
    let h = (body.len() as u16 + 2)
        .min(area.height.saturating_sub(2))
        .max(3);
    let rect = Rect {
        x: area.x + (area.width.saturating_sub(w)) / 2,
        y: area.y + (area.height.saturating_sub(h)) / 2,
        width: w,
        height: h,
    };
    let title = fit(&inert_line(title), w.saturating_sub(6) as usize);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(body).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(ctx.theme.bold())
                .title(Span::styled(format!(" {title} "), ctx.theme.bold()))
                .padding(ratatui::widgets::Padding::horizontal(1)),
        ),
        rect,
    );
    rect
}

fn wrapped(text: &str, inner: usize, style: ratatui::style::Style) -> Vec<Line<'static>> {
    wrap(&inert(text), inner)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

/// The hint under a question: which keys answer yes and no.
fn yes_no(lang: Language, ctx: &Ctx) -> Line<'static> {
    Line::from(Span::styled(
        inert_line(&tr!(lang, "confirm-keys")),
        ctx.theme.dim(),
    ))
}

fn prompt(
    frame: &mut Frame,
    area: Rect,
    lang: Language,
    purpose: &Purpose,
    input: &str,
    ctx: &Ctx,
) {
    let inner = boxed_width(area) as usize - 4;
    let title = match purpose {
        Purpose::Search => tr!(lang, "prompt-search"),
        Purpose::Tag(id) => tr!(lang, "prompt-tag", id = id.clone()),
        Purpose::Urgent(id) => tr!(lang, "prompt-urgent", id = id.clone()),
        Purpose::SavePath { attachment, .. } => {
            tr!(lang, "prompt-path", name = attachment.name.clone())
        }
    };
    // The end of a long input stays in view.
    let shown = inert_line(input);
    let room = inner.saturating_sub(3);
    let mut visible: String = shown.clone();
    while width(&visible) > room {
        visible.remove(0);
    }
    let mut body = wrapped(&title, inner, ctx.theme.bold());
    body.push(Line::from(vec![
        Span::styled("> ", ctx.theme.bold()),
        Span::raw(visible.clone()),
    ]));
    let input_row = body.len() as u16;
    body.push(Line::from(Span::styled(
        inert_line(&tr!(lang, "prompt-keys")),
        ctx.theme.dim(),
    )));
    let rect = boxed(frame, area, &tr!(lang, "prompt-title"), body, ctx);
    frame.set_cursor_position(Position {
        x: rect.x + 2 + 2 + width(&visible) as u16,
        y: rect.y + input_row,
    });
}

/// What a question shows in `room` lines: what will happen, what to know first, and the
/// keys.
fn confirm_lines(
    state: &State,
    ask: &Ask,
    inner: usize,
    room: usize,
    ctx: &Ctx,
) -> Vec<Line<'static>> {
    let lang = state.lang;
    let mut out = Vec::new();
    let question = match ask {
        Ask::Send(draft) => {
            let question = tr!(lang, "confirm-send-question");
            let below = wrap(&question, inner).len() + 2;
            send_preview(
                &mut out,
                lang,
                draft,
                inner,
                room.saturating_sub(below),
                ctx,
            );
            question
        }
        Ask::ForceReply { id, holder } => tr!(
            lang,
            "confirm-force-reply",
            id = id.clone(),
            holder = holder.clone()
        ),
        Ask::Close {
            id,
            classification,
            holder,
        } => {
            let what = match classification {
                Some(c) => super::thread::classification_text(lang, c, state.taxonomy.as_ref()),
                None => tr!(lang, "pick-no-classification"),
            };
            out.extend(wrapped(
                &tr!(lang, "confirm-close-as", classification = what),
                inner,
                ctx.theme.bold(),
            ));
            if let Some(h) = holder {
                out.extend(wrapped(
                    &tr!(lang, "confirm-close-claimed", holder = h.clone()),
                    inner,
                    ctx.theme.warn(),
                ));
            }
            tr!(lang, "confirm-close", id = id.clone())
        }
        Ask::ClearUrgent { id } => tr!(lang, "confirm-clear-urgent", id = id.clone()),
        Ask::TakeClaim { id, holder } => tr!(
            lang,
            "confirm-take-claim",
            id = id.clone(),
            holder = holder.clone()
        ),
        Ask::Save {
            attachment, path, ..
        } => tr!(
            lang,
            "confirm-save",
            name = attachment.name.clone(),
            size = size(lang, attachment.size),
            path = path.clone()
        ),
    };
    if !out.is_empty() {
        out.push(Line::default());
    }
    out.extend(wrapped(&question, inner, ctx.theme.bold()));
    out.push(yes_no(lang, ctx));
    out
}

/// What will be sent, in at most `room` lines, with what the counsellor should know before
/// saying yes: the warnings are always shown, the text as far as there is room.
fn send_preview(
    out: &mut Vec<Line<'static>>,
    lang: Language,
    d: &Draft,
    inner: usize,
    room: usize,
    ctx: &Ctx,
) {
    let mut warnings = Vec::new();
    if d.unedited {
        let name = d.template.clone().unwrap_or_default();
        warnings.extend(wrapped(
            &tr!(lang, "confirm-send-unedited", name = name),
            inner,
            ctx.theme.warn(),
        ));
    }
    if d.gaps > 0 {
        warnings.extend(wrapped(
            &tr!(lang, "confirm-send-gaps", count = d.gaps),
            inner,
            ctx.theme.warn(),
        ));
    }
    if let Some(w) = super::thread::sender_warning(lang, d.sender) {
        warnings.extend(wrapped(&w, inner, ctx.theme.warn()));
    }
    if d.force {
        warnings.extend(wrapped(
            &tr!(lang, "confirm-send-forced"),
            inner,
            ctx.theme.warn(),
        ));
    }
    out.extend(wrapped(
        &tr!(lang, "confirm-send-to"),
        inner,
        ctx.theme.dim(),
    ));
    out.extend(wrapped(
        &tr!(lang, "confirm-send-subject", subject = d.subject.clone()),
        inner,
        ctx.theme.dim(),
    ));
    out.push(Line::default());
    let text = wrap(&inert(&d.text), inner);
    // Two blank lines and the line saying how many more are kept besides the text.
    let shown = room.saturating_sub(out.len() + warnings.len() + 3).max(1);
    if text.len() <= shown {
        out.extend(text.into_iter().map(Line::from));
    } else {
        let more = text.len() - (shown - 1).max(1);
        out.extend(text.into_iter().take((shown - 1).max(1)).map(Line::from));
        out.push(Line::from(Span::styled(
            inert_line(&tr!(lang, "confirm-send-more", count = more)),
            ctx.theme.dim(),
        )));
    }
    out.push(Line::default());
    out.extend(warnings);
}

/// A choice's title and lines: the options around the cursor, as many as fit.
fn pick_lines(
    state: &State,
    pick: &Pick,
    inner: usize,
    area: Rect,
    ctx: &Ctx,
) -> (String, Vec<Line<'static>>) {
    use super::state::PickFor;
    let lang = state.lang;
    let title = match &pick.purpose {
        PickFor::Template { .. } => tr!(lang, "pick-template"),
        PickFor::Type { id, .. } => tr!(lang, "pick-type", id = id.clone()),
        PickFor::Categories { .. } => tr!(lang, "pick-categories"),
        PickFor::Role { .. } => tr!(lang, "pick-role"),
        PickFor::Attachment { .. } => tr!(lang, "pick-attachment"),
    };
    let hint = if pick.multi {
        tr!(lang, "pick-keys-several")
    } else {
        tr!(lang, "pick-keys")
    };
    let room = (area.height as usize).saturating_sub(6).max(3);
    let first = pick.cursor.saturating_sub(room.saturating_sub(1));
    let mut out = Vec::new();
    for (i, option) in pick.options.iter().enumerate().skip(first).take(room) {
        let cursor = if i == pick.cursor { "› " } else { "  " };
        let mark = match (pick.multi, pick.marked.get(i)) {
            (true, Some(true)) => "[x] ",
            (true, _) => "[ ] ",
            _ => "",
        };
        let text = fit(
            &inert_line(option),
            inner.saturating_sub(width(cursor) + width(mark)),
        );
        let style = if i == pick.cursor {
            ctx.theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        out.push(Line::from(vec![
            Span::raw(cursor),
            Span::styled(format!("{mark}{text}"), style),
        ]));
    }
    out.push(Line::from(Span::styled(
        fit(&inert_line(&hint), inner),
        ctx.theme.dim(),
    )));
    (title, out)
}
