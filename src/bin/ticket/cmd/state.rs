//! `ticket close` and `ticket reopen`

use std::process::ExitCode;

use sourdine::control::protocol::Request;

/// Arguments of `ticket close` / `ticket reopen`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args, close: bool) -> anyhow::Result<ExitCode> {
    let request = if close {
        Request::Close { id: args.id }
    } else {
        Request::Reopen { id: args.id }
    };
    s.simple(request, args.json)
}
