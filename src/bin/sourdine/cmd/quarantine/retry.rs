//! `sourdine quarantine retry [REF...|--all]`

use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sourdine::cli::desk::{Desk, unexpected};
use sourdine::cli::output::{OK, REF, WARN, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::outln;
use sourdine::service::quarantine::{Retried, RetryResult};
use sourdine::store::Outcome;

/// Arguments of `sourdine quarantine retry`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The quarantine references (as `sourdine quarantine list` shows them).
    #[arg(
        value_name = "REF",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    references: Vec<String>,
    /// Retry every quarantined message.
    #[arg(long)]
    all: bool,
    /// Print a JSON array: reference, result (`filed` with the outcome,
    /// `still_quarantined` with the reason, `not_found`).
    #[arg(long)]
    json: bool,
}

pub fn run(desk: &mut Desk, args: Args) -> anyhow::Result<ExitCode> {
    let references = if args.all {
        match desk.call(Request::QuarantineList)? {
            Response::Quarantine(q) => q.into_iter().map(|e| e.reference).collect(),
            other => return Err(unexpected(other).into()),
        }
    } else {
        args.references
    };
    if references.is_empty() {
        if args.json {
            outln!("[]");
        } else {
            outln!("The quarantine is empty.");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let bar = if references.len() > 1 && sourdine::cli::stderr_is_terminal() && !args.json {
        ProgressBar::with_draw_target(Some(references.len() as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} retried, ETA {eta}")
            .expect("static template"),
    );
    // One message per request: each one is a commit of its own, and the bar moves.
    let mut results: Vec<Retried> = Vec::with_capacity(references.len());
    for r in references {
        match desk.call(Request::QuarantineRetry {
            references: vec![r],
        })? {
            Response::QuarantineRetried(mut v) => {
                for x in &v {
                    if !args.json {
                        bar.suspend(|| outln!("{}", line(x)));
                    }
                }
                results.append(&mut v);
            }
            other => return Err(unexpected(other).into()),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let filed = results
        .iter()
        .filter(|r| matches!(r.result, RetryResult::Filed { .. }))
        .count();
    if args.json {
        sourdine::cli::output::json(&results)?;
    } else {
        outln!(
            "{filed} of {} retried message(s) left the quarantine",
            results.len()
        );
    }
    Ok(if filed == results.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn line(r: &Retried) -> String {
    let what = match &r.result {
        RetryResult::Filed { outcome } => paint(
            OK,
            match outcome {
                Outcome::Ticketed { ticket } => format!("ticket {ticket} made"),
                Outcome::FollowUp { ticket } => format!("joined ticket {ticket} (a follow-up)"),
                Outcome::Bounce { ticket } => {
                    format!("a delivery report about a reply of ticket {ticket}, recorded there")
                }
                Outcome::Quarantined { .. } | Outcome::AlreadySeen => "filed".to_string(),
            },
        ),
        RetryResult::StillQuarantined { reason, previous } if reason == previous => {
            paint(WARN, format!("still quarantined: {reason}"))
        }
        RetryResult::StillQuarantined { reason, previous } => paint(
            WARN,
            format!("still quarantined, now: {reason} (was: {previous})"),
        ),
        RetryResult::NotFound => paint(WARN, "no such quarantine entry"),
    };
    format!("{}: {what}", paint(REF, &r.reference))
}
