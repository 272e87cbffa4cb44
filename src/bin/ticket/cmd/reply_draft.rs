//! The drafts side of `ticket reply`: a reply written and not sent is kept as a draft in the
//! store (sealed, shown to its author only); `ticket reply ID` offers to resume it, and a
//! reply held for a supervisor's review is said so.
//!
//! Nothing of a reply is ever written to this computer's disk by `ticket` (the editor's
//! private file is removed as soon as it is read): when the service cannot be reached, the
//! reply can neither be kept nor sent, and the counsellor is told, with the text on their
//! terminal to copy.

use std::io::IsTerminal;
use std::process::ExitCode;

use sourdine::anonymise::Language;
use sourdine::cli::confirm::{Answer, Ask, ConfirmError, can_ask, confirm};
use sourdine::cli::desk::unexpected;
use sourdine::control::protocol::{Request, Response};
use sourdine::service::ServiceError;
use sourdine::store::records::Direction;
use sourdine::store::{DraftView, TicketView};
use sourdine::{errln, outln, tr};

/// `ticket reply ID --discard`: destroys the caller's draft of a reply to the ticket.
fn discard_draft(s: &mut super::Session, id: &str, lang: Language) -> anyhow::Result<()> {
    match s.call(Request::DraftDiscard { id: id.to_string() })? {
        Response::Done { changed, .. } => {
            if changed {
                outln!("{}", tr!(lang, "draft-discarded", id = id));
            } else {
                outln!("{}", tr!(lang, "draft-nothing-to-discard", id = id));
            }
            Ok(())
        }
        other => Err(unexpected(other).into()),
    }
}

/// The caller's draft to resume, from `[--resume, --discard, text given otherwise]`: with
/// `--resume` (it must exist); on a terminal, when there is one and the text is not given
/// otherwise, if the counsellor says yes. Otherwise none, with a word that the new reply
/// replaces the draft. With `--discard`, the draft is destroyed and the answer is None: the
/// command is done.
pub fn resume(
    s: &mut super::Session,
    id: &str,
    [resume, discard, text_given]: [bool; 3],
    lang: Language,
) -> anyhow::Result<Option<Option<DraftView>>> {
    if discard {
        discard_draft(s, id, lang)?;
        return Ok(None);
    }
    // A reply saved in the editor is kept as a draft even when the terminal closes meanwhile.
    if std::io::stdin().is_terminal() {
        sourdine::cli::editor::outlive_hangup()?;
    }
    resume_draft(s, id, resume, text_given, lang).map(Some)
}

fn resume_draft(
    s: &mut super::Session,
    id: &str,
    resume: bool,
    text_given: bool,
    lang: Language,
) -> anyhow::Result<Option<DraftView>> {
    let draft = match s.call(Request::Draft { id: id.to_string() })? {
        Response::Draft(d) => d,
        other => return Err(unexpected(other).into()),
    };
    let Some(draft) = draft else {
        if resume {
            anyhow::bail!("{}", tr!(lang, "draft-none", id = id));
        }
        return Ok(None);
    };
    if resume {
        return Ok(Some(draft));
    }
    if !text_given && can_ask() {
        let when = s.dates().long(draft.updated.0);
        if let (Some(name), Some(reason)) = (&draft.returned_by, &draft.reason) {
            outln!(
                "{}",
                tr!(
                    lang,
                    "draft-returned",
                    name = name.as_str(),
                    reason = reason.as_str()
                )
            );
        }
        let question = tr!(lang, "draft-offer", id = id, when = when);
        let ask = Ask {
            question: &question,
            answer: Answer::YesNo,
            not_done: "",
            with_yes: "",
        };
        if confirm(&ask, false)? {
            return Ok(Some(draft));
        }
        return Ok(None);
    }
    errln!("{}", tr!(lang, "draft-replaced", id = id));
    Ok(None)
}

/// The text of a resumed draft: in the editor on a terminal (with why it was returned, and
/// the thread, as comments), else the draft as it is.
pub fn compose_resumed(
    s: &super::Session,
    ticket: &TicketView,
    draft: &DraftView,
    lang: Language,
) -> anyhow::Result<String> {
    let returned = match (&draft.returned_by, &draft.reason) {
        (Some(name), Some(reason)) => Some(tr!(
            lang,
            "draft-returned",
            name = name.as_str(),
            reason = reason.as_str()
        )),
        _ => None,
    };
    if !std::io::stdin().is_terminal() {
        if let Some(r) = &returned {
            errln!("{r}");
        }
        return Ok(draft.text.clone());
    }
    let when = s.dates().long(draft.updated.0);
    let mut template = format!(
        "{}\n\n# {}\n",
        draft.text,
        tr!(lang, "editor-draft-resumed", when = when)
    );
    if let Some(r) = &returned {
        for line in r.lines() {
            template.push_str(&format!("# {line}\n"));
        }
    }
    template.push_str(&format!(
        "# {}\n# {}\n#\n",
        tr!(lang, "editor-reply-hint"),
        tr!(lang, "editor-reply-private")
    ));
    for m in &ticket.messages {
        let who = match m.direction {
            Direction::In => "writer",
            Direction::Out => "helpline",
        };
        let at = s.dates().long(m.received.0);
        template.push_str(&format!("# ── {who} · {at} ──\n"));
        for line in sourdine::text::clean_lines(&m.body).lines() {
            template.push_str(&format!("# {line}\n"));
        }
    }
    let text = super::read_text(None, "reply", &template)?;
    let text = sourdine::text::clean_lines(&sourdine::cli::editor::strip_comments(&text));
    if text.trim().is_empty() {
        anyhow::bail!("the reply is empty; nothing was queued (your draft is unchanged)");
    }
    Ok(text)
}

/// Keeps the reply as a draft before a yes is asked for (or refused for want of a terminal),
/// so that a "no", a closed terminal or a missing `--yes` loses nothing. With `--yes` nothing
/// is kept beforehand (a failure keeps it: [`or_keep`]). Returns whether it was kept.
pub fn keep(
    s: &mut super::Session,
    id: &str,
    text: &str,
    yes: bool,
    lang: Language,
) -> anyhow::Result<bool> {
    if yes {
        return Ok(false);
    }
    save(s, id, text, lang)?;
    Ok(true)
}

/// Saves the draft; when the service cannot be reached, says that nothing was kept and shows
/// the text on a terminal (never on disk).
fn save(s: &mut super::Session, id: &str, text: &str, lang: Language) -> anyhow::Result<()> {
    match s.call(Request::DraftSave {
        id: id.to_string(),
        text: text.to_string(),
    }) {
        Ok(Response::Done { .. }) => Ok(()),
        Ok(other) => Err(unexpected(other).into()),
        Err(e) if e.is_unavailable() => Err(unreachable(e.into(), text, lang)),
        Err(e) => Err(e.into()),
    }
}

/// `e`, with a word on what became of the reply (on the lines after the error's own, which
/// stays the first line); the error's type is kept for the exit status.
fn with_note(e: anyhow::Error, note: String) -> anyhow::Error {
    let line = sourdine::cli::error_line(&e);
    e.context(format!("{line}\n{note}"))
}

/// The service could not be reached: nothing was kept. On a terminal the text is shown, to
/// copy (it is never written to disk).
fn unreachable(e: anyhow::Error, text: &str, lang: Language) -> anyhow::Error {
    let mut note = tr!(lang, "draft-unreachable");
    if can_ask() {
        note = format!("{note}\n{}", tr!(lang, "draft-unreachable-text"));
        outln!("\n{text}\n");
    }
    with_note(e, note)
}

/// [`confirm`], saying where the reply went when nobody could be asked.
pub fn confirmed(
    ask: &Ask<'_>,
    yes: bool,
    kept: bool,
    id: &str,
    lang: Language,
) -> anyhow::Result<bool> {
    match confirm(ask, yes) {
        Err(e @ ConfirmError::NeedsYes(_)) if kept => {
            Err(with_note(e.into(), tr!(lang, "draft-kept-resume", id = id)))
        }
        answer => Ok(answer?),
    }
}

/// Says that the reply was not sent, and kept.
pub fn not_sent(id: &str, kept: bool, lang: Language) {
    if kept {
        outln!("{}", tr!(lang, "draft-kept", id = id));
    } else {
        outln!("Not sent.");
    }
}

/// `result`, keeping the reply as a draft first when it is an error (unless it was kept).
pub fn or_keep<T, E: Into<anyhow::Error>>(
    s: &mut super::Session,
    id: &str,
    text: &str,
    kept: bool,
    lang: Language,
    result: Result<T, E>,
) -> anyhow::Result<T> {
    let e = match result {
        Ok(v) => return Ok(v),
        Err(e) => e.into(),
    };
    let unreachable = e
        .downcast_ref::<ServiceError>()
        .is_some_and(ServiceError::is_unavailable);
    if kept || (!unreachable && save(s, id, text, lang).is_ok()) {
        return Err(with_note(e, tr!(lang, "draft-kept-resume", id = id)));
    }
    if unreachable {
        return Err(self::unreachable(e, text, lang));
    }
    Err(e)
}

/// Says that the reply waits for a supervisor's review.
pub fn held(ticket: &str, json: bool, lang: Language) -> anyhow::Result<ExitCode> {
    if json {
        sourdine::cli::output::json_line(&serde_json::json!({
            "ticket": ticket,
            "held_for_review": true,
        }))?;
    } else {
        outln!("{}", tr!(lang, "reply-held", id = ticket));
    }
    Ok(ExitCode::SUCCESS)
}

/// Hands the reply to the service once the yes is given: queued, or held for review (said
/// so); when it is refused, the reply is kept as a draft first ([`or_keep`]).
pub fn send(
    s: &mut super::Session,
    id: &str,
    text: &str,
    unverified: anyhow::Result<bool>,
    (force, review, json): (bool, bool, bool),
    kept: bool,
    lang: Language,
) -> anyhow::Result<ExitCode> {
    let unverified = or_keep(s, id, text, kept, lang, unverified)?;
    let queued = s.call(Request::Reply {
        id: id.to_string(),
        text: text.to_string(),
        unverified,
        force,
        review,
    });
    let queued = or_keep(s, id, text, kept, lang, queued)?;
    if let Response::Held { ticket } = &queued {
        return held(ticket, json, lang);
    }
    super::reply::report(s, id, queued, json)
}
