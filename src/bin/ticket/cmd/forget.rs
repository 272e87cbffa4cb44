//! `ticket forget ID --reason TEXT`

use std::process::ExitCode;

use sourdine::cli::confirm::{Answer, Ask, can_ask, confirm};
use sourdine::cli::desk::unexpected;
use sourdine::cli::inbox::list::status;
use sourdine::cli::output::{ALERT, DIM, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::store::Store;
use sourdine::{outln, tr};

/// Arguments of `ticket forget` (supervisors).
///
/// Destroys the ticket now: its messages, attachments, notes, outbox entries, reply address
/// and threading token, then rotates the keys so that nothing of it can be opened again from
/// old copies of the store. Cannot be undone. On a terminal you are asked to type the
/// ticket's reference; elsewhere give --yes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// Why (recorded in the audit log; write it without the writer's details).
    #[arg(long, value_name = "TEXT", required = true)]
    reason: String,
    /// Destroy it without asking (needed when standard input or output is not a terminal).
    #[arg(long, short = 'y')]
    yes: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let id = Store::parse_ticket_id(&args.id)?;
    if args.reason.trim().is_empty() {
        anyhow::bail!(tr!(s.lang, "forget-no-reason"));
    }
    if !args.yes && can_ask() {
        let t = match s.call(Request::Show { id: id.clone() })? {
            Response::Ticket(t) => t,
            other => return Err(unexpected(other).into()),
        };
        outln!(
            "{} {id}: {}, {}",
            paint(ALERT, tr!(s.lang, "forget-title")),
            status(s.lang, t.status),
            tr!(
                s.lang,
                "forget-summary",
                count = t.messages.len(),
                received = s.dates().long(t.received.0)
            )
        );
        outln!(
            "{} {}",
            paint(DIM, tr!(s.lang, "thread-subject")),
            t.subject
        );
        outln!("{}", tr!(s.lang, "forget-warning"));
    }
    let ask = Ask {
        question: &tr!(s.lang, "forget-question"),
        answer: Answer::Type(&id),
        not_done: &tr!(s.lang, "forget-not-done"),
        with_yes: &tr!(s.lang, "forget-with-yes"),
    };
    if !confirm(&ask, args.yes)? {
        outln!("{}", tr!(s.lang, "forget-nothing-destroyed"));
        return Ok(ExitCode::FAILURE);
    }
    let r = match s.call(Request::Forget {
        id: id.clone(),
        reason: args.reason,
    })? {
        Response::Rekeyed(r) => r,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json_line(&serde_json::json!({
            "destroyed": id,
            "forgotten": id,
            "epoch": r.epoch,
            "destroyed_epochs": r.destroyed,
        }))?;
    } else {
        outln!("{}", tr!(s.lang, "forget-done", id = id.as_str()));
    }
    Ok(ExitCode::SUCCESS)
}
