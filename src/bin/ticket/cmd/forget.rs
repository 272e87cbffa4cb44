//! `ticket forget ID --reason TEXT`

use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::control::protocol::{Request, Response};
use sourdine::outln;

/// Arguments of `ticket forget` (supervisors).
///
/// Destroys the ticket now: its messages, attachments, notes, outbox entries, reply address
/// and threading token, then rotates the keys so that nothing of it can be opened again from
/// old copies of the store. Cannot be undone.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// Why (recorded in the audit log; write it without the writer's details).
    #[arg(long, value_name = "TEXT", required = true)]
    reason: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let r = match s.call(Request::Forget {
        id: args.id.clone(),
        reason: args.reason,
    })? {
        Response::Rekeyed(r) => r,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json_line(
            &serde_json::json!({ "forgotten": args.id, "epoch": r.epoch, "destroyed_epochs": r.destroyed }),
        )?;
    } else {
        outln!(
            "Ticket {} is forgotten: its records are gone and key epoch(s) {:?} destroyed (new epoch {}).",
            args.id.to_uppercase(),
            r.destroyed,
            r.epoch
        );
    }
    Ok(ExitCode::SUCCESS)
}
