//! `ticket list`

use std::process::ExitCode;
use std::sync::Arc;

use sourdine::anonymise::Language;
use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{DIM, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::hours::{Overdue, Schedule, WAIT_CAP};
use sourdine::store::TicketSummary;
use sourdine::store::records::Status as TicketStatus;
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
    /// Only open tickets whose writer has waited longer than the reply target
    /// (`replies.target_hours`, counted in the working hours of `[hours]`).
    #[arg(long)]
    overdue: bool,
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
        overdue: args.overdue,
    };
    let mut tickets = match s.call(Request::List {
        filter,
        mine: args.mine,
    })? {
        Response::Tickets(t) => t,
        other => return Err(unexpected(other).into()),
    };
    let judge = judge(s);
    if args.json {
        return json(&tickets, &judge);
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
    let work = |tk: &TicketSummary| work_hours(tk, &judge, lang);
    let mut out = sourdine::cli::listing::table(&tickets, &s.dates(), now, columns, &work);
    if more {
        out.push_str(&paint(DIM, tr!(lang, "list-more", count = TABLE_ROWS)));
        out.push('\n');
    }
    sourdine::cli::output::page(&out);
    Ok(ExitCode::SUCCESS)
}

/// The reply-target judge for now, from the service's hours.
fn judge(s: &super::Session) -> Overdue {
    let w = &s.whoami;
    let schedule = Schedule::new(&w.hours, w.timezone.as_deref()).unwrap_or_else(|_| {
        Schedule::new(&Default::default(), None).expect("the default hours are valid")
    });
    // The clock tests shift (`$SOURDINE_CLOCK_OFFSET`), as the service's is.
    let now = sourdine::time::Clock::from_env().now();
    Overdue::new(schedule, w.target_hours, now)
}

/// How long an open ticket's writer has waited in working hours, and whether that is past
/// the target; None for a ticket that does not wait for us.
fn work_hours(tk: &TicketSummary, judge: &Overdue, lang: Language) -> Option<(String, bool)> {
    if tk.status != TicketStatus::Open {
        return None;
    }
    let waited = judge.waited(tk.last_in.0);
    let hours = if waited >= WAIT_CAP {
        "999+ h".to_string()
    } else {
        format!("{} h", waited / 3600)
    };
    if judge.is_late(tk.last_in.0) {
        Some((format!("{hours} {}", tr!(lang, "list-overdue-mark")), true))
    } else {
        Some((hours, false))
    }
}

/// The JSON list: each ticket with `waited_work_hours` and `overdue` (null and false for a
/// ticket that does not wait for us).
fn json(tickets: &[Arc<TicketSummary>], judge: &Overdue) -> anyhow::Result<ExitCode> {
    let mut out = Vec::with_capacity(tickets.len());
    for tk in tickets {
        let mut v = serde_json::to_value(tk)?;
        let open = tk.status == TicketStatus::Open;
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "waited_work_hours".into(),
                serde_json::json!(open.then(|| judge.waited(tk.last_in.0) / 3600)),
            );
            o.insert(
                "overdue".into(),
                serde_json::json!(open && judge.is_late(tk.last_in.0)),
            );
        }
        out.push(v);
    }
    sourdine::cli::output::json(&out)?;
    Ok(ExitCode::SUCCESS)
}
