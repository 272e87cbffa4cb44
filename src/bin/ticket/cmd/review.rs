//! `ticket review`

use std::process::ExitCode;

use sourdine::anonymise::{Language, Verification};
use sourdine::cli::confirm::{Answer, Ask, can_ask, confirm};
use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{ALERT, BOLD, DIM, REF, Table, WARN, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::store::ReviewView;
use sourdine::{outln, tr};

/// Arguments of `ticket review`.
///
/// A reply held for review (`ticket reply --review`, or every reply the configuration's
/// `replies.review` names: `urgent` or `all`) waits here instead of going to the outbox. A
/// supervisor who did not write it reads it, then sends it (`approve`, after a clear yes) or
/// returns it to its author as a draft with the reason (`reject`). Every step is in the audit
/// log; its words are not. Counsellors see their own replies waiting.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Print a JSON array: ticket, author, submitted, urgent, sender.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Show a waiting reply with its text (the read is audited).
    Show {
        /// The ticket reference.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Send a waiting reply, after a clear yes (supervisors; never your own reply).
    Approve {
        /// The ticket reference.
        id: String,
        /// Send without asking (needed when standard input or output is not a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
        /// Send although our mail server did not verify the ticket's sender (needed beside
        /// --yes, or off a terminal; a terminal asks instead). Audited.
        #[arg(long)]
        unverified: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Return a waiting reply to its author as a draft, with the reason (supervisors).
    Reject {
        /// The ticket reference.
        id: String,
        /// Why: the author reads it when they resume the draft (never in the audit log).
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let lang = s.lang;
    match args.action {
        None => list(s, args.json, lang),
        Some(Action::Show { id, json }) => {
            let view = shown(s, &id)?;
            if json {
                sourdine::cli::output::json(&view)?;
            } else {
                print_review(s, &view, lang);
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Action::Approve {
            id,
            yes,
            unverified,
            json,
        }) => approve(s, &id, (yes, unverified), json, lang),
        Some(Action::Reject { id, reason, json }) => {
            let answer = s.call(Request::ReviewReject {
                id: id.clone(),
                reason,
            })?;
            let Response::Done { changed, message } = answer else {
                return Err(unexpected(answer).into());
            };
            if json {
                sourdine::cli::output::json_line(
                    &serde_json::json!({ "changed": changed, "message": message }),
                )?;
            } else {
                let id = sourdine::store::Store::parse_ticket_id(&id).unwrap_or(id);
                outln!("{}", tr!(lang, "review-returned", id = id));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn list(s: &mut super::Session, json: bool, lang: Language) -> anyhow::Result<ExitCode> {
    let waiting = match s.call(Request::Reviews)? {
        Response::Reviews(r) => r,
        other => return Err(unexpected(other).into()),
    };
    if json {
        sourdine::cli::output::json(&waiting)?;
        return Ok(ExitCode::SUCCESS);
    }
    if waiting.is_empty() {
        outln!("{}", tr!(lang, "review-none"));
        return Ok(ExitCode::SUCCESS);
    }
    let now = jiff::Timestamp::now().as_second();
    let p = s.precision();
    let mut t = Table::new(&[
        "",
        &tr!(lang, "column-ticket"),
        &tr!(lang, "column-author"),
        &tr!(lang, "column-waiting"),
    ]);
    for r in &waiting {
        t.row(vec![
            if r.urgent {
                paint(ALERT, "!")
            } else {
                String::new()
            },
            paint(REF, &r.ticket),
            r.author.clone(),
            sourdine::cli::inbox::text::waited(lang, now, r.submitted.0, p),
        ]);
    }
    sourdine::cli::output::page(&t.render());
    Ok(ExitCode::SUCCESS)
}

/// The waiting reply on ticket `id`, with its text (an audited read).
fn shown(s: &mut super::Session, id: &str) -> anyhow::Result<ReviewView> {
    match s.call(Request::ReviewShow { id: id.to_string() })? {
        Response::Review(v) => Ok(*v),
        other => Err(unexpected(other).into()),
    }
}

fn print_review(s: &super::Session, view: &ReviewView, lang: Language) {
    let when = s.dates().long(view.submitted.0);
    let header = tr!(
        lang,
        "review-show-header",
        author = view.author.as_str(),
        id = view.ticket.as_str(),
        when = when
    );
    outln!("{}", paint(BOLD, header));
    outln!("{}", paint(DIM, tr!(lang, "confirm-send-to")));
    outln!("\n{}\n", view.text.as_deref().unwrap_or_default());
    let warning = match view.sender {
        Verification::Verified => None,
        Verification::Unknown => Some(tr!(lang, "sender-unknown")),
        Verification::Failed => Some(tr!(lang, "sender-failed")),
    };
    if let Some(w) = warning {
        outln!("{}", paint(WARN, w));
    }
}

/// Sends the waiting reply after a clear yes; an unverified sender needs `--unverified`
/// when nobody is asked (the prompt shows the warning first).
fn approve(
    s: &mut super::Session,
    id: &str,
    (yes, unverified): (bool, bool),
    json: bool,
    lang: Language,
) -> anyhow::Result<ExitCode> {
    let view = shown(s, id)?;
    let asking = !yes && can_ask();
    if asking {
        print_review(s, &view, lang);
    }
    let question = tr!(lang, "confirm-send-question");
    let ask = Ask {
        question: &question,
        answer: Answer::YesNo,
        not_done: "not sent",
        with_yes: "to send it",
    };
    if !confirm(&ask, yes)? {
        outln!("{}", tr!(lang, "review-not-sent"));
        return Ok(ExitCode::FAILURE);
    }
    let confirmed = match view.sender {
        Verification::Verified => false,
        _ if !asking && !unverified => {
            anyhow::bail!(
                "{}",
                tr!(lang, "review-unverified", id = view.ticket.as_str())
            )
        }
        _ => true,
    };
    let queued = s.call(Request::ReviewApprove {
        id: view.ticket.clone(),
        unverified: confirmed,
    })?;
    super::reply::report(s, &view.ticket, queued, json)
}
