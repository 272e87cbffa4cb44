//! The keys: a footer with those of the screen shown, and the help overlay (`?`) with all of
//! them and what they do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::state::{Screen, State};
use super::text::{fit, inert_line, width, wrap};
use super::theme::Ctx;
use crate::anonymise::Language;
use crate::cli::i18n::message;

/// Every key: (key, short label's message id, help text's message id).
pub const KEYS: &[(&str, &str, &str)] = &[
    ("↑↓ j k", "key-move", "help-move"),
    ("Enter", "key-open", "help-open"),
    ("q Esc", "key-back", "help-back"),
    ("/", "key-search", "help-search"),
    ("r", "key-reply", "help-reply"),
    ("n", "key-note", "help-note"),
    ("c", "key-claim", "help-claim"),
    ("t", "key-tag", "help-tag"),
    ("x", "key-close", "help-close"),
    ("u", "key-urgent", "help-urgent"),
    ("a", "key-save", "help-save"),
    ("s", "key-view", "help-view"),
    ("g", "key-refresh", "help-refresh"),
    ("?", "key-help", "help-help"),
    ("Ctrl-C", "key-quit", "help-interrupt"),
];

/// The keys the footer shows on `screen`, most useful first.
fn footer_keys(screen: Screen) -> &'static [(&'static str, &'static str)] {
    match screen {
        Screen::List => &[
            ("↑↓", "key-move"),
            ("Enter", "key-open"),
            ("r", "key-reply"),
            ("n", "key-note"),
            ("c", "key-claim"),
            ("x", "key-close"),
            ("/", "key-search"),
            ("t", "key-tag"),
            ("u", "key-urgent"),
            ("s", "key-view"),
            ("g", "key-refresh"),
        ],
        Screen::Thread => &[
            ("↑↓", "key-scroll"),
            ("r", "key-reply"),
            ("n", "key-note"),
            ("x", "key-close"),
            ("c", "key-claim"),
            ("a", "key-save"),
            ("t", "key-tag"),
            ("u", "key-urgent"),
            ("q", "key-back"),
            ("g", "key-refresh"),
        ],
        Screen::Search => &[
            ("↑↓", "key-move"),
            ("Enter", "key-open"),
            ("q", "key-back"),
            ("/", "key-search"),
            ("r", "key-reply"),
            ("n", "key-note"),
            ("g", "key-refresh"),
        ],
    }
}

/// One key and its label.
fn pair(key: &str, label: &str, ctx: &Ctx) -> Vec<Span<'static>> {
    vec![
        Span::styled(key.to_string(), ctx.theme.bold()),
        Span::raw(format!(" {}  ", inert_line(label))),
    ]
}

/// The footer: the screen's keys that fit, and always `?` for the rest, and `q` to quit
/// from the list.
pub fn footer(frame: &mut Frame, area: Rect, state: &State, ctx: &Ctx) {
    let lang = state.lang;
    let mut tail = pair("?", &message(lang, "key-help", &[]), ctx);
    if state.screen == Screen::List {
        tail.extend(pair("q", &message(lang, "key-quit", &[]), ctx));
    }
    let tail_width: usize = tail.iter().map(|s| width(&s.content)).sum();
    let mut spans = Vec::new();
    let mut used = tail_width;
    for (key, id) in footer_keys(state.screen) {
        let p = pair(key, &message(lang, id, &[]), ctx);
        let w: usize = p.iter().map(|s| width(&s.content)).sum();
        if used + w > area.width as usize {
            break;
        }
        used += w;
        spans.extend(p);
    }
    spans.extend(tail);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The help overlay's lines for a box `inner` cells wide.
pub fn lines(lang: Language, inner: usize, ctx: &Ctx) -> Vec<Line<'static>> {
    let key_width = KEYS.iter().map(|(k, _, _)| width(k)).max().unwrap_or(0);
    let text_width = inner.saturating_sub(key_width + 2).max(10);
    let mut out = Vec::new();
    for (key, _, help) in KEYS {
        for (i, l) in wrap(&inert_line(&message(lang, help, &[])), text_width)
            .into_iter()
            .enumerate()
        {
            let k = if i == 0 { *key } else { "" };
            out.push(Line::from(vec![
                Span::styled(
                    format!("{k}{}  ", " ".repeat(key_width - width(k))),
                    ctx.theme.bold(),
                ),
                Span::raw(l),
            ]));
        }
    }
    out.push(Line::default());
    for l in wrap(&inert_line(&message(lang, "help-audit", &[])), inner) {
        out.push(Line::from(Span::styled(l, ctx.theme.dim())));
    }
    out
}

/// Draws the help overlay over `area`.
pub fn draw(frame: &mut Frame, area: Rect, lang: Language, ctx: &Ctx) {
    let w = area.width.saturating_sub(4).min(78);
    let inner = w.saturating_sub(4) as usize;
    let body = lines(lang, inner, ctx);
    let h = (body.len() as u16 + 2).min(area.height.saturating_sub(2));
    let rect = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height.saturating_sub(h)) / 2,
        width: w,
        height: h,
    };
    let title = fit(
        &inert_line(&message(lang, "help-title", &[])),
        inner.saturating_sub(2),
    );
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(body).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {title} "))
                .padding(ratatui::widgets::Padding::horizontal(1)),
        ),
        rect,
    );
}
