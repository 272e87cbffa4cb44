//! `ticket`: the counsellors' command.

#![forbid(unsafe_code)]

mod cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// ticket: read and answer the helpline's messages.
///
/// Every ticket is one writer's thread. Writers are never shown by address or name: only by
/// a pseudonym. Every read and action is recorded in the audit log under your identity.
#[derive(Debug, Parser)]
#[command(
    name = "ticket",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// Configuration file (needed only to open the store directly, without the daemon)
    #[arg(
        long,
        short = 'c',
        global = true,
        env = "SOURDINE_CONFIG",
        value_name = "PATH"
    )]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List tickets: urgent first, then the longest-waiting writer first.
    List(cmd::list::Args),
    /// Show a ticket's whole thread (the read is recorded in the audit log).
    Show(cmd::show::Args),
    /// Save an attachment's cleaned bytes to a file (0600; the copy is yours to delete).
    Attachment(cmd::attachment::Args),
}

fn main() -> ExitCode {
    sourdine::cli::install_panic_hook("ticket");
    sourdine::hardening::private_umask();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List(a) => cmd::list::run(cli.config.as_deref(), a),
        Command::Show(a) => cmd::show::run(cli.config.as_deref(), a),
        Command::Attachment(a) => cmd::attachment::run(cli.config.as_deref(), a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ticket: {e:#}");
            ExitCode::FAILURE
        }
    }
}
