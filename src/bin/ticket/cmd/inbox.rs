//! `ticket inbox` (and `ticket` alone on a terminal): the full-screen inbox.

use std::process::ExitCode;

use sourdine::anonymise::Language;

/// Arguments of `ticket inbox`.
///
/// The keys are shown at the bottom of the screen, and all of them with `?`. Every thread you
/// open is recorded in the audit log as `ticket show` is, and the list each time the tickets
/// on it change.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(s: &mut super::Session, lang: Option<Language>) -> anyhow::Result<ExitCode> {
    if !sourdine::cli::confirm::can_ask() {
        anyhow::bail!(sourdine::tr!(s.lang, "inbox-needs-terminal"));
    }
    let lang = sourdine::cli::lang::resolve(lang)?;
    sourdine::cli::inbox::run(&mut s.desk, &s.whoami, lang)?;
    Ok(ExitCode::SUCCESS)
}
