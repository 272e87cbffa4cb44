//! One module per subcommand.

pub mod corpus;
pub mod ingest;
pub mod init;
pub mod quarantine;

use std::path::Path;

use anyhow::Context;
use sourdine::config::Config;

/// Loads the configuration and starts logging at its level.
pub fn setup(config: Option<&Path>) -> anyhow::Result<Config> {
    let cfg = sourdine::cli::load_config(config)?;
    sourdine::cli::init_logging("warn");
    Ok(cfg)
}

/// Turns off core dumps and ptrace before keys are loaded.
pub fn protect() -> anyhow::Result<()> {
    sourdine::hardening::protect_process().context("cannot disable core dumps")
}
