//! `sourdine run`

use sourdine::outln;
use std::path::Path;
use std::process::ExitCode;

/// Arguments of `sourdine run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Take in everything waiting in the mailbox (batch after batch until none is left), do
    /// one pass of every other duty, then exit: for a cron job or a systemd timer. Exit 0 when
    /// all went well, also when a duty is not configured.
    #[arg(long)]
    once: bool,
}

pub fn run(config: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    sourdine::hardening::tune_service_allocator();
    let cfg = sourdine::cli::load_config(config)?;
    sourdine::cli::init_logging(&cfg.log.level);
    let report = sourdine::daemon::run(cfg, args.once)?;
    if args.once {
        match report.taken_in {
            Some(n) => outln!(
                "took in {n} message(s) from the mailbox{}; nothing is left waiting",
                if report.oversize > 0 {
                    format!(
                        ", moved {} oversized message(s) to the operator's folder",
                        report.oversize
                    )
                } else {
                    String::new()
                }
            ),
            None => outln!("no [imap] configured: nothing to take in"),
        }
        match report.sent {
            Some(n) => outln!(
                "sent {n} message(s) to writers{}{}",
                if report.deferred > 0 {
                    format!(", {} deferred (tried again later)", report.deferred)
                } else {
                    String::new()
                },
                if report.not_delivered > 0 {
                    format!(", {} not delivered", report.not_delivered)
                } else {
                    String::new()
                }
            ),
            None => outln!("no [smtp] configured: replies wait in the outbox"),
        }
        outln!("retention: {} ticket(s) destroyed", report.purged_tickets);
    }
    Ok(ExitCode::SUCCESS)
}
