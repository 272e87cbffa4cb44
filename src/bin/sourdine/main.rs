//! `sourdine`: the operator's command and the service.

#![forbid(unsafe_code)]

mod cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// sourdine: privacy-preserving e-mail intake for anonymous helplines.
///
/// Takes mail sent to the helpline's contact address, strips everything that could identify
/// the writer, seals the reply address, and files each message as a ticket for counsellors
/// (who use the `ticket` command).
#[derive(Debug, Parser)]
#[command(
    name = "sourdine",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// Configuration file [default: /etc/sourdine/sourdine.toml]
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
    /// Create the data directory (0700), the store and the key files (0600).
    ///
    /// Safe to run twice: what exists is kept, and a key is never overwritten. Keys go to
    /// `key_dir` (default: a `keys` folder beside the configuration file), never inside the
    /// data directory, so a copy of the data directory alone is unreadable.
    Init(cmd::init::Args),
    /// Take in mail from files: .eml files, directories of them, Maildir folders, mbox files.
    ///
    /// A file named here is always read (as an mbox when it starts with "From "); in a
    /// directory, every *.eml file and every Maildir (cur/, new/) is read, other files are
    /// skipped and counted. The same bytes taken in twice make one ticket. Exit status 0 when
    /// every message was ticketed, quarantined or already seen.
    Ingest(cmd::ingest::Args),
    /// Messages that could not be ticketed, kept sealed for the operator.
    #[command(subcommand)]
    Quarantine(cmd::quarantine::Command),
    /// Benchmark helper: write a generated corpus of realistic helpline mail.
    #[command(hide = true)]
    Corpus(cmd::corpus::Args),
}

fn main() -> ExitCode {
    sourdine::cli::install_panic_hook("sourdine");
    sourdine::hardening::private_umask();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => cmd::init::run(cli.config.as_deref(), args),
        Command::Ingest(args) => cmd::ingest::run(cli.config.as_deref(), args),
        Command::Quarantine(c) => cmd::quarantine::run(cli.config.as_deref(), c),
        Command::Corpus(args) => cmd::corpus::run(cli.config.as_deref(), args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sourdine: {e:#}");
            ExitCode::FAILURE
        }
    }
}
