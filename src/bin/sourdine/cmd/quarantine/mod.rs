//! `sourdine quarantine ...`: one file per subcommand.

mod export;
mod list;
mod release;
mod retry;
mod show;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Quarantine subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List quarantined messages: reference, reason, size, arrival (at the configured precision).
    List(list::Args),
    /// Read what can safely be read of a quarantined message (audited).
    Show(show::Args),
    /// Run quarantined messages through the pipeline again (audited).
    Retry(retry::Args),
    /// Make a ticket of a quarantined message's readable text, every attachment withheld
    /// (audited).
    Release(release::Args),
    /// Write a quarantined message for a bug report, its header values replaced (audited).
    Export(export::Args),
}

pub fn run(config: Option<&Path>, cmd: Command) -> anyhow::Result<ExitCode> {
    let cfg = super::setup(config)?;
    if !matches!(cmd, Command::List(_)) {
        // These commands hold a person's message in memory.
        super::protect()?;
    }
    let mut desk = super::desk(config)?;
    match cmd {
        Command::List(args) => list::run(&mut desk, &cfg, args),
        Command::Show(args) => show::run(&mut desk, &cfg, args),
        Command::Retry(args) => retry::run(&mut desk, args),
        Command::Release(args) => release::run(&mut desk, args),
        Command::Export(args) => export::run(&mut desk, args),
    }
}

/// Asks `question` on the terminal; `yes` answers for the operator. Outside a terminal and
/// without `yes`, refuses (nothing is done without a clear yes from a person).
fn confirm(question: &str, yes: bool) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        anyhow::bail!(
            "this needs a clear yes: run it in a terminal to answer the question, or give --yes"
        );
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "oui" | "ja"))
}
