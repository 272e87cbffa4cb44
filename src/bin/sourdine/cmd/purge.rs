//! `sourdine purge [--dry-run]`

use std::path::Path;
use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::control::protocol::{Request, Response};
use sourdine::outln;

/// Arguments of `sourdine purge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Say what would be removed, and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(config: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let mut desk = super::desk(config)?;
    let r = match desk.call(Request::Purge {
        dry_run: args.dry_run,
    })? {
        Response::Purged(r) => r,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&r)?;
        return Ok(ExitCode::SUCCESS);
    }
    let verb = if r.dry_run {
        "would destroy"
    } else {
        "destroyed"
    };
    let list = |v: &[String]| {
        if v.is_empty() {
            String::new()
        } else {
            format!(": {}", v.join(" "))
        }
    };
    outln!("{verb} {} ticket(s){}", r.tickets.len(), list(&r.tickets));
    outln!(
        "{verb} the reply address of {} ticket(s){}",
        r.reply_addresses.len(),
        list(&r.reply_addresses)
    );
    outln!(
        "{verb} {} quarantined message(s){}",
        r.quarantine.len(),
        list(&r.quarantine)
    );
    outln!(
        "{} {} audit entr{} (behind a checkpoint that keeps the chain verifiable)",
        if r.dry_run { "would remove" } else { "removed" },
        r.audit_entries,
        if r.audit_entries == 1 { "y" } else { "ies" }
    );
    if !r.tickets.is_empty() {
        outln!(
            "the destroyed tickets' coded facts stay in the statistics (ticket stats), tied to no ticket"
        );
    }
    if r.stats_expired > 0 {
        outln!(
            "{} {} statistics fact(s) older than retention.stats_months",
            if r.dry_run { "would remove" } else { "removed" },
            r.stats_expired
        );
    }
    if r.drafts > 0 {
        outln!(
            "{} {} draft(s) older than retention.draft_days",
            if r.dry_run { "would remove" } else { "removed" },
            r.drafts
        );
    }
    if let Some(k) = &r.rekey {
        outln!(
            "key epoch {} started: {} key(s) re-wrapped; destroyed epoch(s) {:?}, so what was removed cannot be opened again",
            k.epoch,
            k.rewrapped,
            k.destroyed
        );
    }
    Ok(ExitCode::SUCCESS)
}
