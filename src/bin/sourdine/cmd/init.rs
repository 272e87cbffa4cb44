//! `sourdine init`

use std::path::Path;
use std::process::ExitCode;

use sourdine::store::Store;

/// Arguments of `sourdine init`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(config: Option<&Path>, _args: Args) -> anyhow::Result<ExitCode> {
    let cfg = super::setup(config)?;
    super::protect()?;
    let report = Store::init(&cfg)?;
    if report.created.is_empty() {
        println!("Nothing to do: the store and keys already exist.");
    } else {
        for c in &report.created {
            println!("created {c}");
        }
    }
    println!("data directory: {} (0700)", cfg.data_dir.display());
    println!(
        "key directory:  {} (keep it out of backups of the data directory)",
        cfg.key_dir().display()
    );
    Ok(ExitCode::SUCCESS)
}
