//! `sourdine quarantine ...`

use std::path::Path;
use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{REF, Table, human_size, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::{out, outln};

/// Quarantine subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List quarantined messages: reference, reason, size, arrival (at the configured precision).
    List {
        /// Print a JSON array, one object per entry.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(config: Option<&Path>, cmd: Command) -> anyhow::Result<ExitCode> {
    let mut desk = super::desk(config)?;
    let cfg = super::setup(config)?;
    match cmd {
        Command::List { json } => {
            let entries = match desk.call(Request::QuarantineList)? {
                Response::Quarantine(q) => q,
                other => return Err(unexpected(other).into()),
            };
            if json {
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
        }
    }
    Ok(ExitCode::SUCCESS)
}
