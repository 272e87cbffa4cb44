//! `ticket search TEXT`

use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::inbox::list::status;
use sourdine::cli::output::{ALERT, DIM, REF, paint, truncate};
use sourdine::control::protocol::{Request, Response};
use sourdine::{outln, tr};

/// Arguments of `ticket search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Words to find (every word must appear; each matches the start of a word; accents and
    /// case do not matter).
    #[arg(required = true, value_name = "TEXT")]
    text: Vec<String>,
    /// Show at most N results.
    #[arg(long, value_name = "N", default_value_t = sourdine::service::DEFAULT_SEARCH_LIMIT)]
    limit: usize,
    /// Print a JSON array (id, status, subject, excerpt).
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let hits = match s.call(Request::Search {
        text: args.text.join(" "),
        limit: Some(args.limit),
    })? {
        Response::Search(h) => h,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&hits)?;
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        outln!("{}", tr!(s.lang, "search-nothing"));
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    for h in &hits {
        out.push_str(&format!(
            "{}{} {}  {}\n    {}\n",
            if h.urgent {
                paint(ALERT, "! ")
            } else {
                String::new()
            },
            paint(REF, &h.id),
            status(s.lang, h.status),
            truncate(&h.subject, 70),
            paint(DIM, &h.excerpt)
        ));
    }
    sourdine::cli::output::page(&out);
    Ok(ExitCode::SUCCESS)
}
