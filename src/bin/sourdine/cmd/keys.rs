//! `sourdine keys rotate`

use std::path::Path;
use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::control::protocol::{Request, Response};
use sourdine::outln;

/// Key subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Start a new key epoch: re-wrap every data key under it and destroy the old key files.
    ///
    /// After a rotation, copies of the data directory taken before it cannot be read with
    /// the keys left on this machine for anything deleted since.
    Rotate {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(config: Option<&Path>, cmd: Command) -> anyhow::Result<ExitCode> {
    let Command::Rotate { json } = cmd;
    let mut desk = super::desk(config)?;
    let r = match desk.call(Request::RotateKeys)? {
        Response::Rekeyed(r) => r,
        other => return Err(unexpected(other).into()),
    };
    if json {
        sourdine::cli::output::json(&r)?;
    } else {
        outln!(
            "key epoch {} started; {} key(s) re-wrapped; destroyed epoch(s) {:?}",
            r.epoch,
            r.rewrapped,
            r.destroyed
        );
    }
    Ok(ExitCode::SUCCESS)
}
