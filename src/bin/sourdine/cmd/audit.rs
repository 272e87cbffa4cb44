//! `sourdine audit [--verify [--expect-head "SEQ MAC"]] [--head] [--ticket X]`

use std::path::Path;
use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{ALERT, DIM, OK, Table, WARN, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::outln;
use sourdine::store::{AuditEntry, AuditVerification, ExpectedHead, HeadVerdict};
use sourdine::time::format_precise;

/// Arguments of `sourdine audit`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXIT_HELP)]
pub struct Args {
    /// Check every entry's MAC and link, and that the head and base agree with them; exit 1
    /// if anything is broken or was found cut.
    #[arg(long, conflicts_with = "head")]
    verify: bool,
    /// With --verify: check also that a head recorded earlier ("SEQ MAC", the text --head
    /// prints and the service logs) is still in the log, unchanged, with the chain from it to
    /// the head intact. This shows entries cut from the end and a store restored from an
    /// older copy.
    #[arg(long, value_name = "\"SEQ MAC\"", requires = "verify")]
    expect_head: Option<ExpectedHead>,
    /// Print only the head of the chain, "SEQ MAC" (record it elsewhere; give it later to
    /// --verify --expect-head).
    #[arg(long)]
    head: bool,
    /// Only the entries that name this ticket, as their ticket or among the tickets a list
    /// or a search showed: who saw it, and who did what to it.
    #[arg(long, value_name = "X", conflicts_with_all = ["verify", "head"])]
    ticket: Option<String>,
    /// Only the last N entries.
    #[arg(long, value_name = "N")]
    tail: Option<usize>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

const EXIT_HELP: &str = "\
Exit status of --verify:
  0  the chain holds (and the head given with --expect-head is in it, unchanged)
  1  the chain is broken, was found cut, or the head given is missing or differs
  3  the head given is older than the log's base: retention removed its entry, so it cannot
     be checked; the chain from the base onward holds

The service logs its head at start, at stop and once a day (\"audit head\" in its log).
Keep those lines off this machine: only a head recorded elsewhere shows entries cut from
the end of the log, or a store restored from an older copy.";

/// Exit status when the expected head was removed by retention and cannot be checked.
const CANNOT_CHECK: u8 = 3;

pub fn run(config: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let mut desk = super::desk(config)?;
    if args.verify || args.head {
        let v = match desk.call(Request::AuditVerify {
            expect_head: args.expect_head,
        })? {
            Response::Verification(v) => v,
            other => return Err(unexpected(other).into()),
        };
        if args.json {
            sourdine::cli::output::json(&v)?;
        } else if args.head {
            outln!("{} {}", v.head_seq, v.head);
        } else {
            print_verification(&v);
        }
        let removed = v
            .expected
            .as_ref()
            .is_some_and(|c| c.verdict == HeadVerdict::Removed);
        return Ok(if !v.ok {
            ExitCode::FAILURE
        } else if removed && !args.head {
            ExitCode::from(CANNOT_CHECK)
        } else {
            ExitCode::SUCCESS
        });
    }
    let entries = match desk.call(Request::Audit {
        tail: args.tail,
        ticket: args.ticket.clone(),
    })? {
        Response::Audit(e) => e,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&entries)?;
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() && args.ticket.is_some() {
        outln!("No audit entry names this ticket.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Table::new(&["SEQ", "TIME (UTC)", "WHO", "ACTION", "TICKET", "DETAIL"]);
    for e in &entries {
        t.row(row(e, args.ticket.as_deref()));
    }
    sourdine::cli::output::page(&t.render());
    Ok(ExitCode::SUCCESS)
}

/// One line of the table. An entry naming the tickets a list or search showed prints them
/// all, on its line (so that `grep REFERENCE` finds it), unless `--ticket` asked for one.
fn row(e: &AuditEntry, only: Option<&str>) -> Vec<String> {
    let mut detail = e.detail.clone().unwrap_or_default();
    let mut ticket = e.ticket.clone().unwrap_or_default();
    if !e.tickets.is_empty() {
        match only {
            Some(x) => {
                ticket =
                    sourdine::ids::TicketId::parse(x).map_or_else(|| x.into(), |t| t.to_string());
                detail = format!("{detail}, this one among them");
            }
            None => {
                ticket = format!("({} shown)", e.tickets.len());
                let refs: Vec<String> = e.tickets.iter().collect();
                detail = format!("{detail}: {}", refs.join(" "));
            }
        }
    }
    vec![
        e.seq.to_string(),
        format_precise(e.time),
        e.actor.name.clone(),
        e.action.clone(),
        ticket,
        detail,
    ]
}

fn print_verification(v: &AuditVerification) {
    let first = v.base.as_ref().map_or(1, |b| b.seq + 1);
    let span = if v.entries == 0 {
        "no entries".to_string()
    } else {
        format!("{} entries ({first} to {})", v.entries, v.head_seq)
    };
    // A failure of the recorded head alone is told below, with the head.
    let chain_ok = v.ok
        || v.expected
            .as_ref()
            .is_some_and(|c| v.problem.as_deref() == Some(c.message.as_str()));
    if !chain_ok {
        outln!(
            "{}: entry {} ({})",
            paint(ALERT, "audit chain BROKEN"),
            v.first_bad.unwrap_or(0),
            v.problem.as_deref().unwrap_or("?")
        );
    } else {
        outln!(
            "{}: {span}, head {} {}",
            paint(OK, "audit chain intact"),
            v.head_seq,
            v.head
        );
    }
    if let Some(b) = &v.base {
        outln!(
            "  entries 1 to {} were removed by retention{}",
            b.seq,
            b.last_removal
                .map(|t| format!(
                    " (the last on {})",
                    sourdine::time::Precision::Day.format(t.0)
                ))
                .unwrap_or_default()
        );
    }
    match &v.expected {
        Some(c) => {
            let (style, verdict) = match c.verdict {
                HeadVerdict::Holds => (OK, "holds"),
                HeadVerdict::Removed => (WARN, "cannot be checked"),
                HeadVerdict::Missing => (ALERT, "MISSING"),
                HeadVerdict::Differs => (ALERT, "DIFFERS"),
                HeadVerdict::Broken => (ALERT, "BROKEN"),
            };
            outln!(
                "recorded head {}: {}: {}",
                c.expected,
                paint(style, verdict),
                c.message
            );
        }
        None => outln!(
            "{}",
            paint(
                DIM,
                "This shows that no entry was altered and none removed from the middle or the start.\n\
                 Entries cut from the end, or a store restored from an older copy, show only against\n\
                 a head recorded before. The service logs its head at start, at stop and once a day:\n\
                 \x20 journalctl -u sourdine --grep 'audit head'     (or where you keep those lines)\n\
                 \x20 sourdine audit --verify --expect-head \"SEQ MAC\""
            )
        ),
    }
}
