//! `sourdine audit [--verify] [--head]`

use std::path::Path;
use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{ALERT, OK, Table, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::outln;
use sourdine::time::format_precise;

/// Arguments of `sourdine audit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Check every entry's MAC and link; exit 1 if the chain is broken.
    #[arg(long, conflicts_with = "head")]
    verify: bool,
    /// Print only the head of the chain (record it elsewhere to detect truncation later).
    #[arg(long)]
    head: bool,
    /// Only the last N entries.
    #[arg(long, value_name = "N")]
    tail: Option<usize>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(config: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let mut desk = super::desk(config)?;
    if args.verify || args.head {
        let v = match desk.call(Request::AuditVerify)? {
            Response::Verification(v) => v,
            other => return Err(unexpected(other).into()),
        };
        if args.json {
            sourdine::cli::output::json(&v)?;
        } else if args.head {
            outln!("{} {}", v.entries, v.head);
        } else if v.ok {
            outln!(
                "{}: {} entries, head {}",
                paint(OK, "audit chain intact"),
                v.entries,
                v.head
            );
        } else {
            outln!(
                "{}: entry {} ({})",
                paint(ALERT, "audit chain BROKEN"),
                v.first_bad.unwrap_or(0),
                v.problem.as_deref().unwrap_or("?")
            );
        }
        return Ok(if v.ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let entries = match desk.call(Request::Audit { tail: args.tail })? {
        Response::Audit(e) => e,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&entries)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Table::new(&["SEQ", "TIME (UTC)", "WHO", "ACTION", "TICKET", "DETAIL"]);
    for e in &entries {
        t.row(vec![
            e.seq.to_string(),
            format_precise(e.time),
            e.actor.name.clone(),
            e.action.clone(),
            e.ticket.clone().unwrap_or_default(),
            e.detail.clone().unwrap_or_default(),
        ]);
    }
    sourdine::cli::output::page(&t.render());
    Ok(ExitCode::SUCCESS)
}
