//! One module per subcommand.

pub mod audit;
pub mod catalog;
pub mod doctor;
pub mod ingest;
pub mod init;
pub mod keys;
pub mod outbox;
pub mod purge;
pub mod quarantine;
pub mod run;
pub mod status;
pub mod worker;

use std::path::Path;

use anyhow::Context;
use sourdine::cli::desk::Desk;
use sourdine::config::Config;

/// Loads the configuration; command-line tools log warnings only (the service logs more).
pub fn setup(config: Option<&Path>) -> anyhow::Result<Config> {
    let cfg = sourdine::cli::load_config(config)?;
    sourdine::cli::init_logging("warn");
    Ok(cfg)
}

/// Turns off core dumps and ptrace before keys are loaded.
pub fn protect() -> anyhow::Result<()> {
    sourdine::hardening::protect_process().context("cannot disable core dumps")
}

/// The running service named by the configuration, or the store opened directly.
pub fn desk(config: Option<&Path>) -> anyhow::Result<Desk> {
    let cfg = setup(config)?;
    let path = sourdine::cli::config_path(config);
    Ok(Desk::open(Some(&cfg.control_socket), Some(&path))?)
}
