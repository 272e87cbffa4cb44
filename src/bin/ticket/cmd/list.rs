//! `ticket list`

use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{DIM, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::store::{ListFilter, StatusFilter};
use sourdine::{outln, tr};

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
        outln!("{}", tr!(s.lang, "list-none"));
        return Ok(ExitCode::SUCCESS);
    }
    let more = table_default && tickets.len() > TABLE_ROWS;
    tickets.truncate(if table_default {
        TABLE_ROWS
    } else {
        usize::MAX
    });
    let now = jiff::Timestamp::now().as_second();
    let lang = s.lang;
    let columns = sourdine::cli::listing::terminal_columns();
    let mut out = sourdine::cli::listing::table(&tickets, &s.dates(), now, columns);
    if more {
        out.push_str(&paint(DIM, tr!(lang, "list-more", count = TABLE_ROWS)));
        out.push('\n');
    }
    sourdine::cli::output::page(&out);
    Ok(ExitCode::SUCCESS)
}
