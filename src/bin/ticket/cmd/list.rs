//! `ticket list`

use std::path::Path;
use std::process::ExitCode;

use sourdine::cli::output::{ALERT, REF, Table, paint, truncate};
use sourdine::store::{ListFilter, StatusFilter};
use sourdine::time::relative;

/// Arguments of `ticket list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which tickets: open (awaiting an answer), waiting (awaiting the writer), closed, all.
    #[arg(long, value_enum, default_value = "open")]
    status: Status,
    /// Show at most N tickets.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
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

pub fn run(config: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let s = super::session(config)?;
    let filter = ListFilter {
        status: match args.status {
            Status::Open => StatusFilter::Open,
            Status::Waiting => StatusFilter::Waiting,
            Status::Closed => StatusFilter::Closed,
            Status::All => StatusFilter::All,
        },
        limit: args.limit,
    };
    let tickets = s.service.list(&s.caller, &filter)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&tickets)?);
        return Ok(ExitCode::SUCCESS);
    }
    if tickets.is_empty() {
        println!(
            "No {} tickets.",
            format!("{:?}", args.status).to_lowercase()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let now = s.service.store().now();
    let p = s.config.received_precision;
    let mut t = Table::new(&[
        "", "TICKET", "STATUS", "WAITING", "RECEIVED", "MSGS", "SUBJECT",
    ]);
    for tk in &tickets {
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
            truncate(&tk.subject, 60),
        ]);
    }
    anstream::print!("{}", t.render());
    Ok(ExitCode::SUCCESS)
}
