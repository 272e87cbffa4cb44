//! `sourdine ingest PATH...`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sourdine::intake::import::Plan;
use sourdine::{errln, outln};

/// Arguments of `sourdine ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files (.eml or mbox), directories of .eml files, or Maildir folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Print a JSON object with the counts (ticketed, quarantined, already_seen, skipped, failed).
    #[arg(long)]
    json: bool,
}

pub fn run(config: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let cfg = super::setup(config)?;
    super::protect()?;
    let plan = Plan::new(&args.paths)?;
    let mut desk = super::desk(config)?;
    let bar = if sourdine::cli::stderr_is_terminal() && !args.json {
        ProgressBar::with_draw_target(Some(plan.total_bytes), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {bar:40} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
        )
        .expect("static template"),
    );
    let counts = desk.ingest(
        &plan,
        cfg.intake.max_message_bytes,
        cfg.intake.batch_size,
        |bytes| bar.inc(bytes),
        |problem| bar.suspend(|| errln!("sourdine: {problem}")),
    )?;
    bar.finish_and_clear();
    if args.json {
        sourdine::cli::output::json_line(&counts)?;
    } else {
        outln!(
            "{} ticketed, {} quarantined, {} already seen, {} skipped (not mail){}",
            counts.ticketed,
            counts.quarantined,
            counts.already_seen,
            counts.skipped,
            if counts.failed > 0 {
                format!(", {} failed (left untouched)", counts.failed)
            } else {
                String::new()
            }
        );
    }
    Ok(if counts.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
