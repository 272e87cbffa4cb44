//! One ticket's thread: what `ticket show` shows (the ticket's state and marks, sender
//! verification, every message with its attachments' names and states, the internal notes),
//! wrapped to the screen's width and scrolled with the arrows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::list::status;
use super::state::State;
use super::text::{inert, inert_line, size, width, wrap};
use super::theme::Ctx;
use crate::anonymise::{Language, Verification, WithheldReason};
use crate::store::records::Direction;
use crate::store::{AttachmentView, MessageView, TicketView};
use crate::taxonomy::{Classification, Dimension, Taxonomy};
use crate::tr;

/// Lines being built, wrapped to a width.
struct Lines {
    lines: Vec<Line<'static>>,
    width: usize,
}

impl Lines {
    /// `text` (any line breaks in it kept), wrapped, in `style`, after `indent` spaces.
    fn text(&mut self, text: &str, style: Style, indent: usize) {
        let pad = " ".repeat(indent);
        for l in wrap(&inert(text), self.width.saturating_sub(indent).max(1)) {
            self.lines
                .push(Line::from(Span::styled(format!("{pad}{l}"), style)));
        }
    }

    /// `label` then `value`, the value's wrapped lines under the value.
    fn field(&mut self, label: &str, label_width: usize, value: &str, style: Style, ctx: &Ctx) {
        let label = inert_line(label);
        let pad = label_width.saturating_sub(width(&label)) + 1;
        let indent = label_width + 1;
        let wrapped = wrap(&inert_line(value), self.width.saturating_sub(indent).max(1));
        for (i, l) in wrapped.into_iter().enumerate() {
            let head = if i == 0 {
                Span::styled(format!("{label}{}", " ".repeat(pad)), ctx.theme.dim())
            } else {
                Span::raw(" ".repeat(indent))
            };
            self.lines
                .push(Line::from(vec![head, Span::styled(l, style)]));
        }
    }

    fn blank(&mut self) {
        self.lines.push(Line::default());
    }
}

/// A language's name in `lang`.
fn language_name(lang: Language, of: Language) -> String {
    match of {
        Language::Fr => tr!(lang, "language-fr"),
        Language::Nl => tr!(lang, "language-nl"),
        Language::En => tr!(lang, "language-en"),
        Language::Unknown => tr!(lang, "language-unknown"),
    }
}

/// A classification with its labels in `lang` (its codes when the list does not know them).
pub fn classification_text(lang: Language, c: &Classification, t: Option<&Taxonomy>) -> String {
    let label = |dim: Dimension, code: &str| -> String {
        t.and_then(|t| t.find(dim, code))
            .map(|e| e.labels.get(lang).to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let mut parts = vec![label(Dimension::Type, &c.kind)];
    if !c.categories.is_empty() {
        let cats: Vec<String> = c
            .categories
            .iter()
            .map(|k| label(Dimension::Category, k))
            .collect();
        parts.push(cats.join(", "));
    }
    if let Some(r) = &c.role {
        parts.push(label(Dimension::Role, r));
    }
    parts.join(" · ")
}

/// What a counsellor must know about the sender before answering (never an address).
pub fn sender_warning(lang: Language, v: Verification) -> Option<String> {
    match v {
        Verification::Verified => None,
        Verification::Unknown => Some(tr!(lang, "sender-unknown")),
        Verification::Failed => Some(tr!(lang, "sender-failed")),
    }
}

/// Why an attachment was withheld, in `lang`.
pub fn withheld_reason(lang: Language, r: WithheldReason) -> String {
    use WithheldReason::*;
    match r {
        CarriesIdentity => tr!(lang, "withheld-carries-identity"),
        NotCleaned => tr!(lang, "withheld-not-cleaned"),
        Unsupported => tr!(lang, "withheld-unsupported"),
        Encrypted => tr!(lang, "withheld-encrypted"),
        TooLarge => tr!(lang, "withheld-too-large"),
        MessageTooLarge => tr!(lang, "withheld-message-too-large"),
        CleanerFailed => tr!(lang, "withheld-cleaner-failed"),
        Damaged => tr!(lang, "withheld-damaged"),
        LimitExceeded => tr!(lang, "withheld-limit-exceeded"),
        Quarantined => tr!(lang, "withheld-quarantined"),
    }
}

/// The head of the thread: state, marks, subject, times, claim, classification, tags, and
/// the warnings.
fn head(out: &mut Lines, v: &TicketView, state: &State, ctx: &Ctx) {
    let lang = state.lang;
    let mut first = vec![
        Span::styled(format!("{} ", tr!(lang, "thread-ticket")), ctx.theme.bold()),
        Span::styled(inert_line(&v.id), ctx.theme.reference()),
        Span::raw(format!(" · {}", status(lang, v.status))),
    ];
    if v.urgent {
        first.push(Span::raw(" · "));
        first.push(Span::styled(tr!(lang, "thread-urgent"), ctx.theme.alert()));
    }
    out.lines.push(Line::from(first));
    let labels = [
        tr!(lang, "thread-subject"),
        tr!(lang, "thread-received"),
        tr!(lang, "thread-language"),
        tr!(lang, "thread-urgent-reason"),
        tr!(lang, "thread-claimed"),
        tr!(lang, "thread-classification"),
        tr!(lang, "thread-tags"),
    ];
    let lw = labels.iter().map(|l| width(l)).max().unwrap_or(0);
    let plain = Style::new();
    out.field(&labels[0], lw, &v.subject, ctx.theme.bold(), ctx);
    out.field(
        &labels[1],
        lw,
        &ctx.dates(lang).long(v.received.0),
        plain,
        ctx,
    );
    out.field(&labels[2], lw, &language_name(lang, v.language), plain, ctx);
    if let Some(r) = &v.urgent_reason {
        out.field(&labels[3], lw, r, ctx.theme.alert(), ctx);
    }
    if let Some(c) = &v.claimed_by {
        out.field(&labels[4], lw, c, plain, ctx);
    }
    if let Some(c) = &v.classification {
        let text = classification_text(lang, c, state.taxonomy.as_ref());
        out.field(&labels[5], lw, &text, plain, ctx);
    }
    if !v.tags.is_empty() {
        out.field(&labels[6], lw, &v.tags.join(", "), plain, ctx);
    }
    if let Some(w) = sender_warning(lang, v.sender) {
        out.text(&w, ctx.theme.warn(), 0);
    }
    if !v.can_reply {
        out.text(&tr!(lang, "thread-no-reply"), ctx.theme.warn(), 0);
    }
}

/// Where an answer's delivery stands.
fn delivery(out: &mut Lines, m: &MessageView, lang: Language, ctx: &Ctx) {
    let Some(d) = &m.delivery else { return };
    let reason = d.reason.clone().unwrap_or_default();
    let (text, style) = match (d.state.as_str(), d.attempts) {
        ("queued", Some(0)) => (tr!(lang, "delivery-queued"), ctx.theme.dim()),
        ("queued", attempts) => (
            tr!(
                lang,
                "delivery-retrying",
                attempts = attempts.unwrap_or(0),
                reason = reason
            ),
            ctx.theme.warn(),
        ),
        ("sent", _) => (tr!(lang, "delivery-sent"), ctx.theme.dim()),
        ("not_delivered", _) => (
            tr!(lang, "delivery-not-delivered", reason = reason),
            ctx.theme.alert(),
        ),
        _ => (tr!(lang, "delivery-bounced"), ctx.theme.alert()),
    };
    out.text(&text, style, 0);
}

fn attachment(out: &mut Lines, a: &AttachmentView, lang: Language, ctx: &Ctx) {
    let line = tr!(
        lang,
        "thread-attachment",
        number = a.id,
        name = a.name.clone(),
        kind = a.content_type.clone(),
        size = size(lang, a.size)
    );
    out.text(&line, ctx.theme.reference(), 2);
    let (state, style) = if a.withheld {
        let text = match a.reason {
            Some(r) => tr!(
                lang,
                "attachment-withheld-because",
                reason = withheld_reason(lang, r)
            ),
            None => tr!(lang, "attachment-withheld"),
        };
        (text, ctx.theme.warn())
    } else if a.cleaned {
        (tr!(lang, "attachment-cleaned"), ctx.theme.dim())
    } else {
        (tr!(lang, "attachment-as-is"), ctx.theme.dim())
    };
    out.text(&state, style, 6);
}

/// Every line of the thread, for a screen `width` cells wide.
pub fn lines(v: &TicketView, state: &State, ctx: &Ctx, width: usize) -> Vec<Line<'static>> {
    let lang = state.lang;
    let mut out = Lines {
        lines: Vec::new(),
        width,
    };
    head(&mut out, v, state, ctx);
    for m in &v.messages {
        let who = match m.direction {
            Direction::In => tr!(lang, "thread-from-writer"),
            Direction::Out if m.automatic => tr!(lang, "thread-from-acknowledgement"),
            Direction::Out => tr!(lang, "thread-from-helpline"),
        };
        out.blank();
        let when = ctx.dates(lang).long(m.received.0);
        out.text(&format!("── {who} · {when} ──"), ctx.theme.bold(), 0);
        delivery(&mut out, m, lang, ctx);
        if m.different_sender {
            out.text(&tr!(lang, "thread-different-sender"), ctx.theme.warn(), 0);
        }
        if m.subject != v.subject && !m.subject.is_empty() {
            let label = tr!(lang, "thread-subject");
            out.field(
                &label,
                super::text::width(&label),
                &m.subject,
                ctx.theme.dim(),
                ctx,
            );
        }
        out.text(m.body.trim_end(), Style::new(), 0);
        for a in &m.attachments {
            attachment(&mut out, a, lang, ctx);
        }
    }
    if !v.notes.is_empty() {
        out.blank();
        out.text(
            &format!("── {} ──", tr!(lang, "thread-notes")),
            ctx.theme.bold(),
            0,
        );
        for n in &v.notes {
            let when = ctx.dates(lang).precise(n.time.0);
            out.text(&format!("{} · {when}", n.author), ctx.theme.dim(), 0);
            out.text(n.text.trim_end(), Style::new(), 2);
        }
    }
    out.lines
}

/// Draws the open thread in `area`, scrolled.
pub fn draw(frame: &mut Frame, area: Rect, state: &mut State, ctx: &Ctx) {
    let Some(thread) = &state.thread else { return };
    let all = lines(&thread.view, state, ctx, area.width as usize);
    let height = area.height as usize;
    let last = all.len().saturating_sub(height);
    let scroll = thread.scroll.min(last);
    let shown: Vec<Line> = all.into_iter().skip(scroll).take(height).collect();
    frame.render_widget(Paragraph::new(shown), area);
    if let Some(t) = state.thread.as_mut() {
        t.scroll = scroll;
    }
    state.page = height.saturating_sub(2).max(1);
}
