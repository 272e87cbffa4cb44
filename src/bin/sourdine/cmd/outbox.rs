//! `sourdine outbox`

use std::path::Path;
use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{REF, Table, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::{out, outln};

/// Arguments of `sourdine outbox`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the messages still waiting to be sent.
    #[arg(long)]
    queued: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(config: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let mut desk = super::desk(config)?;
    let mut entries = match desk.call(Request::Outbox)? {
        Response::Outbox(o) => o,
        other => return Err(unexpected(other).into()),
    };
    if args.queued {
        entries.retain(|e| e.delivery.state == "queued");
    }
    if args.json {
        sourdine::cli::output::json(&entries)?;
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() {
        outln!("The outbox is empty.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Table::new(&["REFERENCE", "TICKET", "KIND", "QUEUED", "STATE", "DETAIL"]);
    for e in &entries {
        t.row(vec![
            paint(REF, &e.reference),
            e.ticket.clone(),
            format!("{:?}", e.kind).to_lowercase(),
            sourdine::time::format_precise(e.created.0),
            e.delivery.state.replace('_', " "),
            e.delivery.reason.clone().unwrap_or_default(),
        ]);
    }
    out!("{}", t.render());
    Ok(ExitCode::SUCCESS)
}
