//! `sourdine __catalog`: reads the whole store once for the daemon that started it and sends
//! back the catalog (see `sourdine::service::startup`).

use std::process::ExitCode;

pub fn run() -> anyhow::Result<ExitCode> {
    let cfg = sourdine::service::startup::read_child_config(std::io::stdin().lock())?;
    sourdine::cli::init_logging(&cfg.log.level);
    // Standard output is the pipe to the service that started it (frames), not a terminal.
    sourdine::service::startup::child_main(&cfg, std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}
