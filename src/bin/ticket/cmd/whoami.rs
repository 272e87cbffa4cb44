//! `ticket whoami`

use sourdine::{outln, tr};
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
        let role = match w.caller.role {
            sourdine::model::Role::Supervisor => tr!(s.lang, "role-supervisor"),
            _ => tr!(s.lang, "role-counsellor"),
        };
        outln!(
            "{}",
            tr!(
                s.lang,
                "whoami-line",
                name = w.caller.name.as_str(),
                uid = w.caller.uid.to_string(),
                role = role,
                through = if s.desk.is_remote() {
                    tr!(s.lang, "whoami-remote")
                } else {
                    tr!(s.lang, "whoami-local")
                }
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}
