//! `sourdine quarantine list`

use std::process::ExitCode;

use sourdine::cli::desk::{Desk, unexpected};
use sourdine::cli::output::{REF, Table, human_size, paint};
use sourdine::config::Config;
use sourdine::control::protocol::{Request, Response};
use sourdine::{out, outln};

/// Arguments of `sourdine quarantine list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a JSON array, one object per entry.
    #[arg(long)]
    json: bool,
}

pub fn run(desk: &mut Desk, cfg: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let entries = match desk.call(Request::QuarantineList)? {
        Response::Quarantine(q) => q,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&entries)?;
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() {
        outln!("The quarantine is empty.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Table::new(&["REFERENCE", "RECEIVED", "SIZE", "REASON"]);
    for e in &entries {
        t.row(vec![
            paint(REF, &e.reference),
            cfg.received_precision.format(e.received.0),
            human_size(e.size),
            e.reason.clone(),
        ]);
    }
    out!("{}", t.render());
    outln!("{} quarantined", entries.len());
    Ok(ExitCode::SUCCESS)
}
