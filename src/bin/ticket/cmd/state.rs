//! `ticket reopen` (`ticket close` is in close.rs)

use std::process::ExitCode;

use sourdine::control::protocol::Request;

/// Arguments of `ticket reopen`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    s.simple(Request::Reopen { id: args.id }, args.json)
}
