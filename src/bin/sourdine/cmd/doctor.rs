//! `sourdine doctor`

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use sourdine::cli::output::{ALERT, BOLD, DIM, OK, WARN, paint};
use sourdine::config::Config;
use sourdine::doctor::{Options, Report, Verdict};
use sourdine::outln;

/// Arguments of `sourdine doctor`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Skip the IMAP and SMTP checks (no network).
    #[arg(long)]
    offline: bool,
    /// The longest wait for any one network step, in seconds (the configured timeouts,
    /// capped at this).
    #[arg(long, value_name = "SECS", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    timeout: u64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(config: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    sourdine::cli::init_logging("warn");
    // It reads the mailbox passwords: no core dumps.
    super::protect()?;
    let path = sourdine::cli::config_path(config);
    if !args.json {
        outln!("sourdine doctor: {}", path.display());
    }
    let report = match Config::load(&path) {
        Ok(cfg) => {
            let opts = Options {
                offline: args.offline,
                timeout: Duration::from_secs(args.timeout),
            };
            sourdine::doctor::run(&cfg, &opts)?
        }
        // Nothing else can be checked without the configuration.
        Err(e) => Report::config_failed(&path, &e),
    };
    if args.json {
        sourdine::cli::output::json(&report.json())?;
    } else {
        print(&report);
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print(report: &Report) {
    for c in &report.checks {
        let style = match c.verdict {
            Verdict::Ok => OK,
            Verdict::Skipped => DIM,
            Verdict::Warn => WARN,
            Verdict::Fail => ALERT,
        };
        outln!("{} {}", paint(style, c.verdict.mark()), c.name);
        for line in c.detail.lines() {
            outln!("       {line}");
        }
        if let Some(fix) = &c.fix {
            outln!("       {} {fix}", paint(BOLD, "fix:"));
        }
    }
    let style = if report.failures() > 0 {
        ALERT
    } else if report.warnings() > 0 {
        WARN
    } else {
        OK
    };
    outln!("{}", paint(style, report.summary()));
}
