//! `ticket reply ID`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use sourdine::cli::confirm::{Answer, Ask};
use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{BOLD, DIM, WARN, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::outln;
use sourdine::service::templates::{GAP, gaps};
use sourdine::store::TicketView;
use sourdine::store::records::Direction;

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
    /// Start from a canned answer (see `ticket reply --templates`), in the ticket's language.
    /// Its gaps ([...]) are yours to fill: outside a terminal a canned answer with a gap left
    /// is not sent.
    #[arg(long, value_name = "NAME")]
    template: Option<String>,
    /// List the canned answers and exit.
    #[arg(long, exclusive = true)]
    templates: bool,
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

pub fn run(
    s: &mut super::Session,
    args: Args,
    lang: Option<sourdine::anonymise::Language>,
) -> anyhow::Result<ExitCode> {
    let lang = sourdine::cli::lang::resolve(lang)?;
    if args.templates {
        return list_templates(s);
    }
    let ticket = match s.call(Request::Show {
        id: args.id.clone(),
    })? {
        Response::Ticket(t) => t,
        other => return Err(unexpected(other).into()),
    };
    if !ticket.can_reply {
        anyhow::bail!(
            "ticket {} keeps no reply address (it expired or there never was one): it cannot be answered",
            ticket.id
        );
    }
    // Before any writing: a reply the service would refuse is not written for nothing.
    if let Some(holder) = &ticket.claimed_by
        && *holder != s.whoami.caller.name
        && !args.force
    {
        anyhow::bail!(
            "ticket {} is claimed by {holder}: ask them, or ask them to release it (ticket release {}); to answer it anyway, give --force (recorded in the audit log)",
            ticket.id,
            ticket.id
        );
    }
    let given = args.file.is_some() || args.template.is_some();
    let flags = [args.resume, args.discard, given];
    let Some(resumed) = super::reply_draft::resume(s, &ticket.id, flags, lang)? else {
        return Ok(ExitCode::SUCCESS); // --discard: done
    };
    let start = match &args.template {
        Some(name) => Some(saved_reply(s, name, &ticket)?),
        None => None,
    };
    let text = match &resumed {
        Some(draft) => super::reply_draft::compose_resumed(s, &ticket, draft, lang)?,
        None => compose(s, &args, &ticket, start.as_deref())?,
    };
    let kept = super::reply_draft::keep(s, &ticket.id, &text, args.yes, lang)?;
    let subject = sourdine::threading::reply_subject(&ticket.subject, &ticket.id);
    let gaps_left = if start.is_some() {
        gaps(&text)
    } else {
        Vec::new()
    };
    let name = args.template.as_deref().unwrap_or_default();
    if !gaps_left.is_empty() && !sourdine::cli::confirm::can_ask() {
        anyhow::bail!(
            "not sent: the saved reply `{name}` still has a gap to fill ({}); write it in a terminal (ticket reply {} --template {name}) or give the finished text with --file F",
            gaps_left.join("; "),
            ticket.id
        );
    }
    let asking = !args.yes && sourdine::cli::confirm::can_ask();
    if asking {
        let unedited = start.as_deref().is_some_and(|t| same_text(t, &text));
        preview(
            &ticket,
            &subject,
            &text,
            unedited.then_some(name),
            &gaps_left,
        );
    }
    let ask = Ask {
        question: "Send it?",
        answer: Answer::YesNo,
        not_done: "not sent",
        with_yes: "to send it",
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

fn list_templates(s: &mut super::Session) -> anyhow::Result<ExitCode> {
    match s.call(Request::Template {
        name: String::new(),
        language: None,
    })? {
        Response::Templates(names) => {
            for n in names {
                outln!("{n}");
            }
            Ok(ExitCode::SUCCESS)
        }
        other => Err(unexpected(other).into()),
    }
}

/// The canned answer `name` in the ticket's language.
fn saved_reply(s: &mut super::Session, name: &str, ticket: &TicketView) -> anyhow::Result<String> {
    match s.call(Request::Template {
        name: name.to_string(),
        language: Some(ticket.language).filter(|l| *l != sourdine::anonymise::Language::Unknown),
    })? {
        Response::Template(t) => Ok(t),
        other => Err(unexpected(other).into()),
    }
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
    template.push_str("\n# Write your reply above. Lines starting with '#' are removed.\n");
    if start.is_some() {
        template.push_str(&format!(
            "# Fill in every {GAP} of the saved reply with what this writer needs to read.\n"
        ));
    }
    template.push_str(
        "# It goes to the writer from the helpline's address; your name is never in it.\n#\n",
    );
    for m in &ticket.messages {
        let who = match m.direction {
            Direction::In => "writer",
            Direction::Out => "helpline",
        };
        template.push_str(&format!(
            "# ── {who} · {} ──\n",
            s.precision().format(m.received.0)
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
        anyhow::bail!("the reply is empty; nothing was queued");
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
    outln!("{}", paint(BOLD, "This will be sent:"));
    outln!(
        "{} the writer (address sealed; you will not see it)",
        paint(DIM, "To:     ")
    );
    outln!("{} {subject}\n", paint(DIM, "Subject:"));
    outln!("{text}\n");
    if let Some(name) = unedited {
        outln!(
            "{}",
            paint(
                WARN,
                format!(
                    "This is the saved reply `{name}` exactly as it is: nothing in it was written for this writer."
                )
            )
        );
    }
    if !gaps_left.is_empty() {
        outln!(
            "{}",
            paint(
                WARN,
                format!("It still has a gap to fill: {}.", gaps_left.join("; "))
            )
        );
    }
    if let Some(warning) = super::show::sender_warning(ticket.sender) {
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
        (true, true) => "the service is sending it now (ticket show tells when it has gone)",
        (true, false) => {
            "it will be sent once an [smtp] server is configured; until then it waits in the outbox"
        }
        (false, true) => {
            "it will be sent when the service runs (no sourdine service is running now)"
        }
        (false, false) => {
            "it will be sent when the service runs with an [smtp] server configured (neither is the case now)"
        }
    };
    outln!("Reply {reference} to ticket {id} queued; {what}.");
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
        anyhow::bail!(
            "ticket {}: our mail server did not verify who sent it, so the reply could reach someone who never wrote; nothing was queued. Read `ticket show {}`, and send it only if you are sure: add --unverified beside --yes",
            ticket.id,
            ticket.id
        );
    }
    Ok(true)
}
