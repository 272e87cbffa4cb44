//! `ticket show ID`

use std::fmt::Write;
use std::process::ExitCode;

use sourdine::anonymise::Language;
use sourdine::cli::dates::Dates;
use sourdine::cli::desk::unexpected;
use sourdine::cli::inbox::list::status;
use sourdine::cli::inbox::text::size;
use sourdine::cli::inbox::thread::withheld_reason;
use sourdine::cli::output::{ALERT, BOLD, DIM, REF, WARN, page, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::store::records::Direction;
use sourdine::store::{AttachmentView, MessageView, TicketView};
use sourdine::tr;

/// Arguments of `ticket show`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference (e.g. K7F3QX9M; case and dashes do not matter).
    id: String,
    /// Print a JSON object (id, status, messages with direction, received, subject, body,
    /// attachments).
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let t = match s.call(Request::Show { id: args.id })? {
        Response::Ticket(t) => t,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&t)?;
        return Ok(ExitCode::SUCCESS);
    }
    let dates = s.dates();
    let mut out = String::new();
    head(&mut out, &t, &dates);
    for m in &t.messages {
        message(&mut out, &t, m, &dates);
    }
    if !t.notes.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(BOLD, format!("── {} ──", tr!(dates.lang, "thread-notes")))
        );
        for n in &t.notes {
            let _ = writeln!(
                out,
                "{} {}",
                paint(DIM, format!("{} · {}:", n.author, dates.precise(n.time.0))),
                n.text.trim_end()
            );
        }
    }
    page(&out);
    Ok(ExitCode::SUCCESS)
}

/// A label and its value, labels aligned.
fn field(out: &mut String, label: &str, value: impl std::fmt::Display, style: anstyle::Style) {
    let pad = 16usize.saturating_sub(sourdine::cli::inbox::text::width(label));
    let _ = writeln!(out, "{}{} {value}", paint(style, label), " ".repeat(pad));
}

/// The ticket's state, marks, subject, times, claim, classification, tags and warnings.
fn head(out: &mut String, t: &TicketView, dates: &Dates) {
    let lang = dates.lang;
    let _ = writeln!(
        out,
        "{} {}  {}{}",
        paint(BOLD, tr!(lang, "thread-ticket")),
        paint(REF, &t.id),
        status(lang, t.status),
        if t.urgent {
            format!("  {}", paint(ALERT, tr!(lang, "thread-urgent")))
        } else {
            String::new()
        }
    );
    field(out, &tr!(lang, "thread-subject"), &t.subject, DIM);
    field(
        out,
        &tr!(lang, "thread-received"),
        dates.long(t.received.0),
        DIM,
    );
    if let Some(r) = &t.urgent_reason {
        field(out, &tr!(lang, "thread-urgent-reason"), r, ALERT);
    }
    if let Some(c) = &t.claimed_by {
        field(out, &tr!(lang, "thread-claimed"), c, DIM);
    }
    if let Some(c) = &t.classification {
        field(
            out,
            &tr!(lang, "thread-classification"),
            c.audit_text(),
            DIM,
        );
    }
    if !t.tags.is_empty() {
        field(out, &tr!(lang, "thread-tags"), t.tags.join(", "), DIM);
    }
    if let Some(warning) = sender_warning(lang, t.sender) {
        let _ = writeln!(out, "{}", paint(WARN, warning));
    }
    if !t.can_reply {
        let _ = writeln!(out, "{}", paint(WARN, tr!(lang, "thread-no-reply")));
    }
}

/// One message: who, when, its delivery, its text and its attachments.
fn message(out: &mut String, t: &TicketView, m: &MessageView, dates: &Dates) {
    let lang = dates.lang;
    let who = match m.direction {
        Direction::In => tr!(lang, "thread-from-writer"),
        Direction::Out if m.automatic => tr!(lang, "thread-from-acknowledgement"),
        Direction::Out => tr!(lang, "thread-from-helpline"),
    };
    let _ = writeln!(
        out,
        "\n{}",
        paint(BOLD, format!("── {who} · {} ──", dates.long(m.received.0)))
    );
    if let Some(d) = &m.delivery {
        let reason = |default: &str| d.reason.clone().unwrap_or_else(|| default.to_string());
        let state = match (d.state.as_str(), d.attempts) {
            ("queued", Some(0)) => paint(DIM, tr!(lang, "delivery-queued")),
            ("queued", attempts) => paint(
                WARN,
                tr!(
                    lang,
                    "delivery-retrying",
                    attempts = attempts.unwrap_or(0),
                    reason = reason("…")
                ),
            ),
            ("sent", _) => paint(DIM, tr!(lang, "delivery-sent")),
            ("not_delivered", _) => paint(
                ALERT,
                tr!(lang, "delivery-not-delivered", reason = reason("…")),
            ),
            _ => paint(ALERT, tr!(lang, "delivery-bounced")),
        };
        let _ = writeln!(out, "{state}");
    }
    if m.different_sender {
        let _ = writeln!(out, "{}", paint(WARN, tr!(lang, "thread-different-sender")));
    }
    if m.subject != t.subject && !m.subject.is_empty() {
        field(out, &tr!(lang, "thread-subject"), &m.subject, DIM);
    }
    let _ = writeln!(out, "{}", m.body.trim_end());
    for a in &m.attachments {
        attachment(out, a, lang);
    }
}

fn attachment(out: &mut String, a: &AttachmentView, lang: Language) {
    let state = if a.withheld {
        paint(
            WARN,
            match a.reason {
                Some(r) => tr!(
                    lang,
                    "attachment-withheld-because",
                    reason = withheld_reason(lang, r)
                ),
                None => tr!(lang, "attachment-withheld"),
            },
        )
    } else if a.cleaned {
        tr!(lang, "attachment-cleaned")
    } else {
        tr!(lang, "attachment-as-is")
    };
    let _ = writeln!(
        out,
        "  {} {} {} ({}, {})",
        paint(DIM, "📎"),
        paint(REF, a.id),
        a.name,
        a.content_type,
        size(lang, a.size)
    );
    let _ = writeln!(out, "      {state}");
}

/// What a counsellor must know about a ticket's sender before answering, in plain words
/// (never an address); nothing when our mail server verified it.
pub(crate) fn sender_warning(
    lang: Language,
    v: sourdine::anonymise::Verification,
) -> Option<String> {
    sourdine::cli::inbox::thread::sender_warning(lang, v)
}
