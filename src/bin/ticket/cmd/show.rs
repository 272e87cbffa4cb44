//! `ticket show ID`

use std::fmt::Write;
use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{ALERT, BOLD, DIM, REF, WARN, human_size, page, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::store::records::Direction;

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
    let p = s.precision();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}  {}{}",
        paint(BOLD, "Ticket"),
        paint(REF, &t.id),
        t.status.as_str(),
        if t.urgent {
            format!("  {}", paint(ALERT, "URGENT"))
        } else {
            String::new()
        }
    );
    let _ = writeln!(out, "{} {}", paint(DIM, "Subject: "), t.subject);
    let _ = writeln!(
        out,
        "{} {}",
        paint(DIM, "Received:"),
        p.format(t.received.0)
    );
    if let Some(r) = &t.urgent_reason {
        let _ = writeln!(out, "{} {}", paint(ALERT, "Urgent:  "), r);
    }
    if let Some(c) = &t.claimed_by {
        let _ = writeln!(out, "{} {c}", paint(DIM, "Claimed: "));
    }
    if let Some(c) = &t.classification {
        let _ = writeln!(out, "{} {}", paint(DIM, "Class:   "), c.audit_text());
    }
    if !t.tags.is_empty() {
        let _ = writeln!(out, "{} {}", paint(DIM, "Tags:    "), t.tags.join(", "));
    }
    if let Some(warning) = sender_warning(t.sender) {
        let _ = writeln!(out, "{}", paint(WARN, warning));
    }
    if !t.can_reply {
        let _ = writeln!(
            out,
            "{}",
            paint(
                WARN,
                "No reply address is kept for this ticket: it cannot be answered."
            )
        );
    }
    for m in &t.messages {
        let who = match m.direction {
            Direction::In => format!("{} wrote", m.from),
            Direction::Out if m.automatic => "automatic acknowledgement".to_string(),
            Direction::Out => "helpline answered".to_string(),
        };
        let _ = writeln!(
            out,
            "\n{}",
            paint(BOLD, format!("── {who} · {} ──", p.format(m.received.0)))
        );
        if let Some(d) = &m.delivery {
            let state = match (d.state.as_str(), d.attempts) {
                ("queued", Some(0)) => paint(DIM, "queued, not sent yet"),
                ("queued", attempts) => paint(
                    WARN,
                    format!(
                        "not sent yet ({} attempt(s); {})",
                        attempts.unwrap_or(0),
                        d.reason.as_deref().unwrap_or("will retry")
                    ),
                ),
                ("sent", _) => paint(DIM, "sent"),
                ("not_delivered", _) => paint(
                    ALERT,
                    format!(
                        "not delivered: {}",
                        d.reason.as_deref().unwrap_or("refused")
                    ),
                ),
                _ => paint(ALERT, "delivery failed (the writer's server sent it back)"),
            };
            let _ = writeln!(out, "{state}");
        }
        if m.different_sender {
            let _ = writeln!(
                out,
                "{}",
                paint(
                    WARN,
                    "This message came from a different address than the first one."
                )
            );
        }
        if m.subject != t.subject && !m.subject.is_empty() {
            let _ = writeln!(out, "{} {}", paint(DIM, "Subject:"), m.subject);
        }
        let _ = writeln!(out, "{}", m.body.trim_end());
        for a in &m.attachments {
            let state = if a.withheld {
                paint(
                    WARN,
                    format!(
                        "withheld{}",
                        a.reason
                            .map(|r| format!(": {}", reason_text(r)))
                            .unwrap_or_default()
                    ),
                )
            } else if a.cleaned {
                "cleaned".to_string()
            } else {
                "kept as is".to_string()
            };
            let _ = writeln!(
                out,
                "  {} {} {} ({}, {})",
                paint(DIM, "📎"),
                paint(REF, a.id),
                a.name,
                a.content_type,
                human_size(a.size)
            );
            let _ = writeln!(out, "      {state}");
        }
    }
    if !t.notes.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(BOLD, "── internal notes (never sent) ──")
        );
        for n in &t.notes {
            let _ = writeln!(
                out,
                "{} {}",
                paint(
                    DIM,
                    format!(
                        "{} · {}:",
                        n.author,
                        sourdine::time::format_precise(n.time.0)
                    )
                ),
                n.text.trim_end()
            );
        }
    }
    page(&out);
    Ok(ExitCode::SUCCESS)
}

/// What a counsellor must know about a ticket's sender before answering, in plain words
/// (never an address); nothing when our mail server verified it.
pub(crate) fn sender_warning(v: sourdine::anonymise::Verification) -> Option<&'static str> {
    use sourdine::anonymise::Verification::*;
    match v {
        Verified => None,
        Unknown => Some(
            "Sender not verified: our mail server could not confirm who sent this message. A reply goes to the address it came from, which may not be the writer's.",
        ),
        Failed => Some(
            "Sender not verified, and suspicious: our mail server's check of who sent this message failed (it may be forged). A reply goes to the address it came from, which may belong to someone who never wrote.",
        ),
    }
}

fn reason_text(r: sourdine::anonymise::WithheldReason) -> &'static str {
    use sourdine::anonymise::WithheldReason::*;
    match r {
        CarriesIdentity => "this kind of file carries identities",
        NotCleaned => "this format cannot be cleaned of metadata yet",
        Unsupported => "this kind of file is not accepted",
        Encrypted => "encrypted content cannot be cleaned",
        TooLarge => "larger than the attachment limit",
        MessageTooLarge => "the message's attachments passed the size limit",
        CleanerFailed => "the cleaner failed on this file",
        Damaged => "the file is damaged",
        LimitExceeded => "the file passes a safety limit",
        Quarantined => "released from quarantine: attachments withheld",
    }
}
