//! `ticket claim` and `ticket release`

use std::process::ExitCode;

use sourdine::control::protocol::Request;

/// Arguments of `ticket claim` / `ticket release`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// Take over (claim) or drop (release) someone else's claim (supervisors).
    #[arg(long)]
    force: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args, claim: bool) -> anyhow::Result<ExitCode> {
    let request = if claim {
        Request::Claim {
            id: args.id,
            force: args.force,
        }
    } else {
        Request::Release {
            id: args.id,
            force: args.force,
        }
    };
    s.simple(request, args.json)
}
