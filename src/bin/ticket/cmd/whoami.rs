//! `ticket whoami`

use sourdine::outln;
use std::process::ExitCode;

/// Arguments of `ticket whoami`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let w = &s.whoami;
    if args.json {
        sourdine::cli::output::json(w)?;
    } else {
        outln!(
            "{} (uid {}), {}, {}",
            w.caller.name,
            w.caller.uid,
            w.caller.role.as_str(),
            if s.desk.is_remote() {
                "through the running service"
            } else {
                "store opened directly (no service running)"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
