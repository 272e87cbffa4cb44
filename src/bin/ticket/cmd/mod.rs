//! One module per subcommand.

pub mod attachment;
pub mod list;
pub mod show;

use std::path::Path;

use anyhow::Context;
use sourdine::config::Config;
use sourdine::service::{Caller, Service};

/// What a subcommand works through.
pub struct Session {
    pub config: Config,
    pub service: Service,
    pub caller: Caller,
}

/// Opens the store named by the configuration (the daemon path comes with `sourdine run`).
pub fn session(config: Option<&Path>) -> anyhow::Result<Session> {
    let cfg = sourdine::cli::load_config(config)?;
    sourdine::cli::init_logging("warn");
    sourdine::hardening::protect_process().context("cannot disable core dumps")?;
    let service = Service::open(&cfg)?;
    Ok(Session {
        config: cfg,
        service,
        caller: Caller::this_process(),
    })
}
