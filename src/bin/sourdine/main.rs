//! `sourdine`: the operator's command and the service.

#![forbid(unsafe_code)]

mod cmd;

/// jemalloc, with the settings of `.cargo/config.toml` compiled in: it keeps the pages a
/// message freed for the next one (glibc's malloc mapped every large block afresh, so each
/// attachment was written into new pages), in one arena, which keeps the service's memory
/// within its budget (BENCHMARKS.md).
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use sourdine::{errln, outln};

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
    /// Run the service: own the store, serve counsellors on the control socket, run duties.
    ///
    /// Stops cleanly (exit 0) on SIGTERM or Ctrl-C after finishing what it was doing.
    Run(cmd::run::Args),
    /// Take in mail from files: .eml files, directories of them, Maildir folders, mbox files.
    ///
    /// A file named here is always read (as an mbox when it starts with "From "); in a
    /// directory, every *.eml file and every Maildir (cur/, new/) is read, other files are
    /// skipped and counted. The same bytes taken in twice make one ticket. Goes through the
    /// running service when there is one. Exit status 0 when every message was ticketed,
    /// quarantined or already seen.
    Ingest(cmd::ingest::Args),
    /// Messages that could not be ticketed, kept sealed: list, read, retry, release, export.
    ///
    /// A quarantined message is a person's message that the pipeline refused (too many parts,
    /// a header block too large, nothing a parser can read...). Retention destroys it
    /// `quarantine_days` (default 30) after it arrived, read or not; `sourdine status` counts
    /// them and says how long the oldest has left. Read it with `show`, then `retry` it after an
    /// upgrade or a changed limit, `release` its text to the counsellors, or `export` it for a
    /// bug report. docs/OPERATING.md says what to do for each reason. Only root and the
    /// service's own user work on quarantined messages, and every step is audited.
    #[command(subcommand)]
    Quarantine(cmd::quarantine::Command),
    /// The service's state: running or not, tickets, quarantine, intake.
    Status(cmd::status::Args),
    /// Check the installation: configuration, permissions, mailbox, mail server, clock, disk.
    ///
    /// Run it after installing, after changing the configuration, and when something is
    /// wrong. Each check prints a verdict ([ ok ], [warn], [FAIL], [skip]), what it found and,
    /// when something should change, a "fix:" line. Safe while the service runs: the store
    /// is never opened, nothing is sent, no message is read.
    ///
    /// What is checked:
    ///   configuration    the file loads (else the key and problem are named, and doctor
    ///                    stops); nobody else can change it; which sections are set
    ///   after_intake     "delete" leaves no copy on the provider; "move:..." does
    ///   data directory   exists, mode 0700; its owner is taken as the service user
    ///   store files      initialised, private to the service user and owned by it
    ///   key files        key_dir 0700 and outside data_dir; kek-*.key and audit.key 0600
    ///   password files   exist, not empty, private, readable by the service user
    ///   control socket   its folder 0750 with counsellors_group; the socket not open to all
    ///   disk space       free space and inodes where data_dir lives
    ///   clock            later than this build and the store's newest file; synchronised,
    ///                    when the system says (no server's time is compared)
    ///   cleaner sandbox  the attachment cleaner confines itself (Landlock, seccomp); warns
    ///                    when the kernel lacks one
    ///   IMAP             connection, TLS and login; IDLE, UIDPLUS and MOVE; the mailbox;
    ///                    copies left on the provider (Sent, Trash, All Mail, Junk, Archive,
    ///                    the oversize and move: folders), counted only
    ///   SMTP             connection, TLS and login
    ///
    /// Every network step waits at most its configured timeout, capped by --timeout.
    ///
    /// Exit status: 0 when nothing failed (warnings allowed); 1 when a check failed or the
    /// configuration cannot be loaded.
    #[command(verbatim_doc_comment)]
    Doctor(cmd::doctor::Args),
    /// The audit log: print it (or who saw a ticket), check it, or print its head.
    ///
    /// --verify checks every entry's MAC and link and that the head and base records agree
    /// with them; with --expect-head, also that a head recorded earlier (off this machine) is
    /// still in the log, which shows entries cut from its end and a store restored from an
    /// older copy.
    Audit(cmd::audit::Args),
    /// Messages to writers: waiting, sent, not delivered (no text, no address).
    Outbox(cmd::outbox::Args),
    /// Apply the retention policy now: destroy expired reply addresses, tickets, quarantine
    /// and old audit entries, then rotate the keys so nothing removed can be read again.
    Purge(cmd::purge::Args),
    /// Key management.
    #[command(subcommand)]
    Keys(cmd::keys::Command),
    /// Writes the man pages and shell completions of `sourdine` into a folder (packaging).
    #[command(name = "__generate-docs", hide = true)]
    GenerateDocs {
        /// The folder (man1/ and completions/ are created in it).
        #[arg(long)]
        out: PathBuf,
    },
    /// The isolated attachment cleaner (started by sourdine itself; not for people).
    #[command(name = "__clean-worker", hide = true)]
    CleanWorker(cmd::worker::Args),
    /// Reads the store for `sourdine run` at its start (started by sourdine itself; not for
    /// people).
    #[command(name = "__catalog", hide = true)]
    Catalog,
}

fn main() -> ExitCode {
    sourdine::cli::install_panic_hook("sourdine");
    sourdine::hardening::private_umask();
    let cli = Cli::parse();
    let config = cli.config.as_deref();
    let result = match cli.command {
        Command::Init(args) => cmd::init::run(config, args),
        Command::Run(args) => cmd::run::run(config, args),
        Command::Ingest(args) => cmd::ingest::run(config, args),
        Command::Quarantine(c) => cmd::quarantine::run(config, c),
        Command::Status(args) => cmd::status::run(config, args),
        Command::Audit(args) => cmd::audit::run(config, args),
        Command::Doctor(args) => cmd::doctor::run(config, args),
        Command::Purge(args) => cmd::purge::run(config, args),
        Command::Outbox(args) => cmd::outbox::run(config, args),
        Command::Keys(c) => cmd::keys::run(config, c),
        Command::CleanWorker(args) => cmd::worker::run(args),
        Command::Catalog => cmd::catalog::run(),
        Command::GenerateDocs { out } => sourdine::cli::docs::generate(Cli::command(), &out)
            .map(|files| {
                for f in files {
                    outln!("{}", out.join(f).display());
                }
                ExitCode::SUCCESS
            })
            .map_err(Into::into),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            errln!("sourdine: {}", sourdine::cli::error_line(&e));
            // A yes that was needed and not given: the command line lacked --yes.
            let needs_yes = matches!(
                e.downcast_ref(),
                Some(sourdine::cli::confirm::ConfirmError::NeedsYes(_))
            );
            ExitCode::from(if needs_yes { 2 } else { 1 })
        }
    }
}
