//! `ticket list`

use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{ALERT, DIM, REF, Table, paint, truncate};
use sourdine::control::protocol::{Request, Response};
use sourdine::outln;
use sourdine::store::{ListFilter, StatusFilter};
use sourdine::time::relative;

/// Arguments of `ticket list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which tickets: open (awaiting an answer), waiting (awaiting the writer), closed, all.
    #[arg(long, value_enum, default_value = "open")]
    status: Status,
    /// Only tickets never answered.
    #[arg(long)]
    unanswered: bool,
    /// Only tickets you claimed.
    #[arg(long)]
    mine: bool,
    /// Only tickets with this tag.
    #[arg(long, value_name = "T")]
    tag: Option<String>,
    /// Only urgent tickets.
    #[arg(long)]
    urgent: bool,
    /// Show at most N tickets (default: the first 50 in the table, every one with --json).
    #[arg(long, value_name = "N", conflicts_with = "all")]
    limit: Option<usize>,
    /// Show every matching ticket in the table, not only the first 50.
    #[arg(long)]
    all: bool,
    /// Print a JSON array (id, status, received, subject, ...).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Status {
    Open,
    Waiting,
    Closed,
    All,
}

/// Rows the table shows unless `--limit` or `--all` says otherwise.
const TABLE_ROWS: usize = 50;

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    // The table shows the head of the queue; one more is asked for to tell whether there are more.
    let table_default = !args.json && !args.all && args.limit.is_none();
    let filter = ListFilter {
        status: match args.status {
            Status::Open => StatusFilter::Open,
            Status::Waiting => StatusFilter::Waiting,
            Status::Closed => StatusFilter::Closed,
            Status::All => StatusFilter::All,
        },
        limit: if table_default {
            Some(TABLE_ROWS + 1)
        } else {
            args.limit
        },
        unanswered: args.unanswered,
        claimed_by: None,
        tag: args.tag.clone(),
        urgent: args.urgent,
    };
    let mut tickets = match s.call(Request::List {
        filter,
        mine: args.mine,
    })? {
        Response::Tickets(t) => t,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&tickets)?;
        return Ok(ExitCode::SUCCESS);
    }
    if tickets.is_empty() {
        outln!("No tickets match.");
        return Ok(ExitCode::SUCCESS);
    }
    let more = table_default && tickets.len() > TABLE_ROWS;
    tickets.truncate(if table_default {
        TABLE_ROWS
    } else {
        usize::MAX
    });
    let now = jiff::Timestamp::now().as_second();
    let p = s.precision();
    let mut t = Table::new(&[
        "", "TICKET", "STATUS", "WAITING", "RECEIVED", "MSGS", "CLAIMED", "SUBJECT",
    ]);
    for tk in &tickets {
        let mut subject = truncate(&tk.subject, 56);
        if !tk.tags.is_empty() {
            subject = format!(
                "{subject} {}",
                paint(DIM, format!("[{}]", tk.tags.join(", ")))
            );
        }
        t.row(vec![
            if tk.urgent {
                paint(ALERT, "!")
            } else {
                String::new()
            },
            paint(REF, &tk.id),
            tk.status.as_str().to_string(),
            relative(now, tk.last_in.0, p),
            p.format(tk.received.0),
            tk.messages.to_string(),
            tk.claimed_by.clone().unwrap_or_default(),
            subject,
        ]);
    }
    let mut out = t.render();
    if more {
        out.push_str(&paint(
            DIM,
            format!("(the first {TABLE_ROWS}; --limit N or --all shows more)\n"),
        ));
    }
    sourdine::cli::output::page(&out);
    Ok(ExitCode::SUCCESS)
}
