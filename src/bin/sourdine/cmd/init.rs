//! `sourdine init`

use std::path::Path;
use std::process::ExitCode;

use sourdine::outln;
use sourdine::store::Store;

/// Arguments of `sourdine init`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(config: Option<&Path>, _args: Args) -> anyhow::Result<ExitCode> {
    let cfg = super::setup(config)?;
    super::protect()?;
    let report = match Store::init(&cfg) {
        Ok(r) => r,
        Err(e) if e.is_locked() => {
            outln!(
                "Nothing to do: the store exists and is in use by the running service{}.",
                e.owner_pid()
                    .map(|p| format!(" (pid {p})"))
                    .unwrap_or_default()
            );
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(e.into()),
    };
    let templates = sourdine::service::templates::install(&cfg.templates_dir())?;
    let mut report = report;
    report.created.extend(templates);
    report
        .created
        .extend(sourdine::service::templates::install_saved(
            &cfg.saved_dir(),
        )?);
    report
        .created
        .extend(sourdine::taxonomy::install(&cfg.classification_path().0)?);
    if report.created.is_empty() {
        outln!("Nothing to do: the store and keys already exist.");
    } else {
        for c in &report.created {
            outln!("created {c}");
        }
    }
    outln!("data directory: {} (0700)", cfg.data_dir.display());
    outln!(
        "key directory:  {} (keep it out of backups of the data directory)",
        cfg.key_dir().display()
    );
    Ok(ExitCode::SUCCESS)
}
