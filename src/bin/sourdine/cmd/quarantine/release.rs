//! `sourdine quarantine release REF`

use std::process::ExitCode;

use sourdine::cli::desk::{Desk, unexpected};
use sourdine::cli::output::{WARN, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::store::Outcome;
use sourdine::{errln, outln};

/// Arguments of `sourdine quarantine release`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The quarantine reference (as `sourdine quarantine list` shows it).
    reference: String,
    /// Release without asking.
    #[arg(long, short = 'y')]
    yes: bool,
    /// Print a JSON object (reference, outcome, attachments_withheld).
    #[arg(long)]
    json: bool,
}

pub fn run(desk: &mut Desk, args: Args) -> anyhow::Result<ExitCode> {
    if !args.yes {
        errln!(
            "{}",
            paint(
                WARN,
                "Releasing puts this person's message in front of the counsellors: its readable text (as `sourdine quarantine show` prints it), every attachment withheld."
            )
        );
    }
    let question = format!(
        "Release quarantine entry {} as a ticket?",
        args.reference.trim()
    );
    if !super::confirm(&question, "not released", "to release it", args.yes)? {
        errln!("Not released.");
        return Ok(ExitCode::FAILURE);
    }
    let r = match desk.call(Request::QuarantineRelease {
        reference: args.reference,
    })? {
        Response::QuarantineReleased(r) => r,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&r)?;
        return Ok(ExitCode::SUCCESS);
    }
    let what = match &r.outcome {
        Outcome::Ticketed { ticket } => format!("ticket {ticket}"),
        Outcome::FollowUp { ticket } => format!("a follow-up in ticket {ticket}"),
        other => format!("{other:?}"),
    };
    outln!(
        "Quarantine entry {} is released as {what}, {} attachment(s) withheld; it has left the quarantine.",
        r.reference,
        r.attachments_withheld
    );
    Ok(ExitCode::SUCCESS)
}
