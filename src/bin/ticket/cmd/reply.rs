//! `ticket reply ID`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use sourdine::anonymise::Language;
use sourdine::cli::confirm::{Answer, Ask};
use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{BOLD, DIM, WARN, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::service::templates::{GAP, gaps};
use sourdine::store::TicketView;
use sourdine::store::records::Direction;
use sourdine::{errln, outln, tr};

/// Arguments of `ticket reply`.
///
/// The reply is stored durably in the outbox before anything is sent; the service opens the
/// writer's sealed address only at the moment of sending. Your name never appears in it.
///
/// Nothing is sent without a clear yes: on a terminal you see the reply and answer the
/// question; elsewhere (a script, a pipe) give --yes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// Read the reply from this file (`-` for standard input). Without it, your editor
    /// ($VISUAL / $EDITOR) opens with the thread quoted as comments.
    #[arg(long, short = 'f', value_name = "F")]
    file: Option<PathBuf>,
    /// Start from a saved reply (`ticket templates` lists them), in the ticket's language
    /// (else in English, and you are told). Repeat it to put several one after the other.
    /// Its gaps ([...]) are yours to fill: outside a terminal a saved reply with a gap left
    /// is not sent; one without a gap is sent as it is with --yes.
    #[arg(long, value_name = "NAME")]
    template: Vec<String>,
    /// Send without asking (needed when standard input or output is not a terminal).
    #[arg(long, short = 'y')]
    yes: bool,
    /// Send although our mail server did not verify the ticket's sender (the reply could
    /// reach someone who never wrote). Needed beside --yes, or off a terminal; a terminal
    /// asks instead. Audited.
    #[arg(long)]
    unverified: bool,
    /// Answer a ticket someone else claimed (recorded in the audit log).
    #[arg(long)]
    force: bool,
    /// Continue your draft of a reply to this ticket (a reply written and not sent is kept
    /// as your draft; `ticket drafts` lists them). On a terminal, `ticket reply ID` offers it.
    #[arg(long, conflicts_with_all = ["discard", "file", "template"])]
    resume: bool,
    /// Destroy your draft of a reply to this ticket, and stop.
    #[arg(long, conflicts_with_all = ["file", "template", "yes"])]
    discard: bool,
    /// Hold this reply for a supervisor's review instead of sending it: it leaves once another
    /// supervisor approves it (`ticket review`). `replies.review` may ask for it anyway.
    #[arg(long)]
    review: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let lang = s.lang;
    let ticket = match s.call(Request::Show {
        id: args.id.clone(),
    })? {
        Response::Ticket(t) => t,
        other => return Err(unexpected(other).into()),
    };
    can_answer(s, &args, &ticket)?;
    let given = args.file.is_some() || !args.template.is_empty();
    let flags = [args.resume, args.discard, given];
    let Some(resumed) = super::reply_draft::resume(s, &ticket.id, flags, lang)? else {
        return Ok(ExitCode::SUCCESS); // --discard: done
    };
    let start = if args.template.is_empty() {
        None
    } else {
        Some(saved_reply(s, &args.template, &ticket)?)
    };
    let text = match &resumed {
        Some(draft) => super::reply_draft::compose_resumed(s, &ticket, draft, lang)?,
        None => compose(s, &args, &ticket, start.as_deref())?,
    };
    let kept = super::reply_draft::keep(s, &ticket.id, &text, args.yes, lang)?;
    let subject = sourdine::reply_tokens::reply_subject(&ticket.subject, &ticket.id);
    let gaps_left = if start.is_some() {
        gaps(&text)
    } else {
        Vec::new()
    };
    let name = args.template.join(" + ");
    if !gaps_left.is_empty() && !sourdine::cli::confirm::can_ask() {
        let again: String = args
            .template
            .iter()
            .map(|n| format!(" --template {n}"))
            .collect();
        anyhow::bail!(tr!(
            s.lang,
            "reply-gaps-left",
            name = name.as_str(),
            gaps = gaps_left.join("; "),
            id = ticket.id.as_str(),
            again = again
        ));
    }
    let asking = !args.yes && sourdine::cli::confirm::can_ask();
    if asking {
        let unedited = start.as_deref().is_some_and(|t| same_text(t, &text));
        preview(
            &ticket,
            &subject,
            &text,
            unedited.then_some(name.as_str()),
            &gaps_left,
        );
    }
    let ask = Ask {
        question: &tr!(s.lang, "confirm-send-question"),
        answer: Answer::YesNo,
        not_done: &tr!(s.lang, "reply-not-done"),
        with_yes: &tr!(s.lang, "reply-with-yes"),
    };
    if !super::reply_draft::confirmed(&ask, args.yes, kept, &ticket.id, lang)? {
        super::reply_draft::not_sent(&ticket.id, kept, lang);
        return Ok(ExitCode::FAILURE);
    }
    // At the prompt, the warning was shown before the yes; without one, --unverified says it.
    let unverified = unverified_confirmed(&ticket, args.unverified, !asking);
    let how = (args.force, args.review, args.json);
    super::reply_draft::send(s, &ticket.id, &text, unverified, how, kept, lang)
}

/// Refuses, before any writing, a reply the service would refuse: no reply address kept, or
/// someone else's claim without --force.
fn can_answer(s: &super::Session, args: &Args, ticket: &TicketView) -> anyhow::Result<()> {
    if !ticket.can_reply {
        anyhow::bail!(tr!(s.lang, "reply-no-address", id = ticket.id.as_str()));
    }
    if let Some(holder) = &ticket.claimed_by
        && *holder != s.whoami.caller.name
        && !args.force
    {
        anyhow::bail!(tr!(
            s.lang,
            "reply-claimed",
            id = ticket.id.as_str(),
            holder = holder.as_str()
        ));
    }
    Ok(())
}

/// The saved replies `names` for the ticket, one after the other, in its language; says
/// (on standard error) which are given in English because they are not written in it.
fn saved_reply(
    s: &mut super::Session,
    names: &[String],
    ticket: &TicketView,
) -> anyhow::Result<String> {
    let composed = match s.call(Request::SavedReply {
        id: ticket.id.clone(),
        names: names.to_vec(),
    })? {
        Response::SavedReply(c) => c,
        other => return Err(unexpected(other).into()),
    };
    if !composed.in_english.is_empty() {
        let me = s.lang;
        let language = match composed.language {
            Language::Fr => tr!(me, "language-fr"),
            Language::Nl => tr!(me, "language-nl"),
            _ => tr!(me, "language-en"),
        };
        errln!(
            "{}",
            paint(
                WARN,
                tr!(
                    me,
                    "reply-in-english",
                    names = composed.in_english.join(", "),
                    language = language
                )
            )
        );
    }
    Ok(composed.text)
}

/// The reply's text, without control characters (as the service will keep it): from the
/// file, standard input or the editor (which starts from the canned answer and the thread
/// as comments); with a canned answer and no terminal, the canned answer as it is.
fn compose(
    s: &super::Session,
    args: &Args,
    ticket: &TicketView,
    start: Option<&str>,
) -> anyhow::Result<String> {
    let mut template = start.unwrap_or_default().to_string();
    let lang = s.lang;
    let hint = [tr!(lang, "editor-reply-hint"), tr!(lang, "editor-comments")].join(" ");
    template.push_str(&format!("\n# {hint}\n"));
    if start.is_some() {
        template.push_str(&format!(
            "# {}\n",
            tr!(lang, "editor-reply-gaps", gap = GAP)
        ));
    }
    template.push_str(&format!("# {}\n#\n", tr!(lang, "editor-reply-private")));
    for m in &ticket.messages {
        let who = match m.direction {
            Direction::In => tr!(lang, "thread-from-writer"),
            Direction::Out => tr!(lang, "thread-from-helpline"),
        };
        template.push_str(&format!(
            "# ── {who} · {} ──\n",
            s.dates().long(m.received.0)
        ));
        for line in sourdine::text::clean_lines(&m.body).lines() {
            template.push_str("# ");
            template.push_str(line);
            template.push('\n');
        }
    }
    let text = match (&args.file, start) {
        (None, Some(start)) if !std::io::stdin().is_terminal() => start.to_string(),
        _ => super::read_text(args.file.as_deref(), "reply", &template)?,
    };
    let text = sourdine::text::clean_lines(&sourdine::cli::editor::strip_comments(&text));
    if text.trim().is_empty() {
        anyhow::bail!(tr!(lang, "inbox-reply-empty"));
    }
    Ok(text)
}

/// Whether two texts are the same but for white space at line ends and blank lines.
fn same_text(a: &str, b: &str) -> bool {
    let words = |t: &str| {
        t.lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    words(a) == words(b)
}

/// Shows what will be sent, with what the counsellor should know before saying yes.
fn preview(
    ticket: &TicketView,
    subject: &str,
    text: &str,
    unedited: Option<&str>,
    gaps_left: &[String],
) {
    let lang = super::lang();
    outln!("{}", paint(BOLD, tr!(lang, "reply-preview-title")));
    outln!("{}", paint(DIM, tr!(lang, "confirm-send-to")));
    outln!(
        "{}\n",
        paint(DIM, tr!(lang, "confirm-send-subject", subject = subject))
    );
    outln!("{text}\n");
    if let Some(name) = unedited {
        outln!("{}", paint(WARN, tr!(lang, "reply-unedited", name = name)));
    }
    if !gaps_left.is_empty() {
        outln!(
            "{}",
            paint(
                WARN,
                tr!(lang, "reply-gaps-preview", gaps = gaps_left.join("; "))
            )
        );
    }
    if let Some(warning) = super::show::sender_warning(lang, ticket.sender) {
        outln!("{}", paint(WARN, warning));
    }
}

/// Says what became of the reply, as it really is.
pub(super) fn report(
    s: &super::Session,
    id: &str,
    queued: Response,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let Response::Queued {
        reference,
        subject,
        will_send,
    } = queued
    else {
        return Err(unexpected(queued).into());
    };
    let running = s.desk.is_remote();
    if json {
        sourdine::cli::output::json_line(&serde_json::json!({
            "ticket": id,
            "reference": reference,
            "subject": subject,
            "will_send": will_send,
            "service_running": running,
            "sending_now": will_send && running,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let what = match (running, will_send) {
        (true, true) => tr!(s.lang, "reply-queued-now"),
        (true, false) => tr!(s.lang, "reply-queued-no-smtp"),
        (false, true) => tr!(s.lang, "reply-queued-later"),
        (false, false) => tr!(s.lang, "reply-queued-later-no-smtp"),
    };
    outln!(
        "{}",
        tr!(
            s.lang,
            "reply-queued",
            reference = reference,
            id = id,
            what = what
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// A reply to a ticket whose sender our mail server did not verify is sent only on purpose:
/// without a prompt (`--yes`, or off a terminal) it needs `--unverified`; at a prompt, the
/// warning is shown and the yes given there counts. Returns whether the reply goes out with
/// that confirmation (the service refuses it otherwise, and audits it).
fn unverified_confirmed(ticket: &TicketView, flag: bool, no_prompt: bool) -> anyhow::Result<bool> {
    if ticket.sender.is_verified() {
        return Ok(false);
    }
    if no_prompt && !flag {
        anyhow::bail!(tr!(
            super::lang(),
            "reply-unverified",
            id = ticket.id.as_str()
        ));
    }
    Ok(true)
}
