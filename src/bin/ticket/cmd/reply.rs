//! `ticket reply ID`

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{BOLD, DIM, WARN, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::store::records::Direction;
use sourdine::{out, outln};

/// Arguments of `ticket reply`.
///
/// The reply is stored durably in the outbox before anything is sent; the service opens the
/// writer's sealed address only at the moment of sending. Your name never appears in it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// Read the reply from this file (`-` for standard input). Without it, your editor
    /// ($VISUAL / $EDITOR) opens with the thread quoted as comments.
    #[arg(long, short = 'f', value_name = "F")]
    file: Option<PathBuf>,
    /// Start from a canned answer (see `ticket reply --templates`), in the ticket's language.
    #[arg(long, value_name = "NAME")]
    template: Option<String>,
    /// List the canned answers and exit.
    #[arg(long, exclusive = true)]
    templates: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    yes: bool,
    /// Answer a ticket someone else claimed (recorded in the audit log).
    #[arg(long)]
    force: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    if args.templates {
        match s.call(Request::Template {
            name: String::new(),
            language: None,
        })? {
            Response::Templates(names) => {
                for n in names {
                    outln!("{n}");
                }
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(unexpected(other).into()),
        }
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
    let start = match &args.template {
        Some(name) => match s.call(Request::Template {
            name: name.clone(),
            language: Some(ticket.language)
                .filter(|l| *l != sourdine::anonymise::Language::Unknown),
        })? {
            Response::Template(t) => t,
            other => return Err(unexpected(other).into()),
        },
        None => String::new(),
    };
    let mut template = start.clone();
    template.push_str("\n# Write your reply above. Lines starting with '#' are removed.\n");
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
    let text = match (&args.file, args.template.is_some()) {
        (None, true) if !std::io::stdin().is_terminal() => start,
        _ => super::read_text(args.file.as_deref(), "reply", &template)?,
    };
    let text = sourdine::text::clean_lines(&sourdine::cli::editor::strip_comments(&text));
    if text.trim().is_empty() {
        anyhow::bail!("the reply is empty; nothing was queued");
    }
    let subject = sourdine::threading::reply_subject(&ticket.subject, &ticket.id);
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if !args.yes && interactive {
        outln!("{}", paint(BOLD, "This will be sent:"));
        outln!(
            "{} the writer (address sealed; you will not see it)",
            paint(DIM, "To:     ")
        );
        outln!("{} {subject}\n", paint(DIM, "Subject:"));
        outln!("{text}\n");
        if !ticket.sender_verified {
            outln!(
                "{}",
                paint(
                    WARN,
                    "Sender not verified by our mail server: the From address may be forged, and this reply would go to it."
                )
            );
        }
        out!("Send it? [y/N] ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "oui" | "ja") {
            outln!("Not sent.");
            return Ok(ExitCode::FAILURE);
        }
    }
    match s.call(Request::Reply {
        id: ticket.id.clone(),
        text,
        force: args.force,
    })? {
        Response::Queued {
            reference,
            subject,
            will_send,
        } => {
            if args.json {
                sourdine::cli::output::json_line(
                    &serde_json::json!({ "ticket": ticket.id, "reference": reference, "subject": subject, "will_send": will_send }),
                )?;
            } else if will_send {
                outln!(
                    "Reply to ticket {} queued ({reference}); the outbox sends it now.",
                    ticket.id
                );
            } else {
                outln!(
                    "Reply to ticket {} queued ({reference}); no [smtp] server is configured yet, so it waits in the outbox.",
                    ticket.id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        other => Err(unexpected(other).into()),
    }
}
