//! `ticket urgent ID --reason TEXT`

use std::process::ExitCode;

use sourdine::control::protocol::Request;

/// Arguments of `ticket urgent`.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["reason", "clear"]))]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// Why: the situation of possible grave and imminent danger (kept sealed in the ticket;
    /// the audit log records only that the mark was set).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    /// Clear the urgent mark.
    #[arg(long)]
    clear: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let reason = if args.clear { None } else { args.reason };
    s.simple(
        Request::Urgent {
            id: args.id,
            reason,
        },
        args.json,
    )
}
