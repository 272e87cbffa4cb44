//! `ticket drafts`

use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{DIM, REF, Table, paint, truncate};
use sourdine::control::protocol::{Request, Response};
use sourdine::{outln, tr};

/// Arguments of `ticket drafts`.
///
/// A reply you wrote and did not send (you said no, nobody could say yes, the terminal
/// closed) is kept as your draft, sealed in the store with its ticket: only you see it.
/// `ticket reply ID` offers to resume it (`--resume` or `--discard` off a terminal). Drafts
/// go when sent, with their ticket, and after `retention.draft_days` (14).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a JSON array: ticket, updated, first_line.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let lang = s.lang;
    let drafts = match s.call(Request::Drafts)? {
        Response::Drafts(d) => d,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        let rows: Vec<_> = drafts
            .iter()
            .map(|d| {
                serde_json::json!({
                    "ticket": d.ticket,
                    "updated": d.updated,
                    "first_line": d.first_line,
                })
            })
            .collect();
        sourdine::cli::output::json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    if drafts.is_empty() {
        outln!("{}", tr!(lang, "drafts-none"));
        return Ok(ExitCode::SUCCESS);
    }
    let dates = s.dates();
    let mut t = Table::new(&[
        &tr!(lang, "column-ticket"),
        &tr!(lang, "column-saved"),
        &tr!(lang, "column-first-line"),
    ]);
    for d in &drafts {
        let mut first = truncate(&d.first_line, 56);
        if let (Some(name), Some(reason)) = (&d.returned_by, &d.reason) {
            let said = tr!(
                lang,
                "draft-returned",
                name = name.as_str(),
                reason = reason.as_str()
            );
            first = format!("{first} {}", paint(DIM, format!("({said})")));
        }
        t.row(vec![paint(REF, &d.ticket), dates.short(d.updated.0), first]);
    }
    sourdine::cli::output::page(&t.render());
    Ok(ExitCode::SUCCESS)
}
