//! `ticket tag` and `ticket untag`

use std::process::ExitCode;

use sourdine::control::protocol::Request;

/// Arguments of `ticket tag` / `ticket untag`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// The tag (1 to 64 characters).
    tag: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args, add: bool) -> anyhow::Result<ExitCode> {
    let request = if add {
        Request::Tag {
            id: args.id,
            tag: args.tag,
        }
    } else {
        Request::Untag {
            id: args.id,
            tag: args.tag,
        }
    };
    s.simple(request, args.json)
}
