//! `sourdine run`

use std::path::Path;
use std::process::ExitCode;

/// Arguments of `sourdine run`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(config: Option<&Path>, _args: Args) -> anyhow::Result<ExitCode> {
    let cfg = sourdine::cli::load_config(config)?;
    sourdine::cli::init_logging(&cfg.log.level);
    sourdine::daemon::run(cfg)?;
    Ok(ExitCode::SUCCESS)
}
