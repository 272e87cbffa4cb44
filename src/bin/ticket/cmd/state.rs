//! `ticket close` and `ticket reopen`

use std::process::ExitCode;

use sourdine::control::protocol::Request;

/// Arguments of `ticket close`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// Close a ticket someone else claimed (recorded in the audit log).
    #[arg(long)]
    force: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `ticket reopen`.
#[derive(Debug, clap::Args)]
pub struct ReopenArgs {
    /// The ticket reference.
    id: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `ticket close`.
pub fn close(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let request = Request::Close {
        id: args.id,
        force: args.force,
    };
    s.simple(request, args.json)
}

/// `ticket reopen`.
pub fn reopen(s: &mut super::Session, args: ReopenArgs) -> anyhow::Result<ExitCode> {
    s.simple(Request::Reopen { id: args.id }, args.json)
}
