//! `sourdine __clean-worker`: the isolated attachment cleaner (started by the service itself).

use std::process::ExitCode;
use std::time::Duration;

use sourdine::anonymise::clean::CleanLimits;
use sourdine::intake::sandbox::FAILED_STATUS;
use sourdine::intake::worker::{WorkerError, WorkerSettings, report_main, worker_main};

/// Settings the parent passes to the worker.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 1024)]
    memory_mib: u64,
    #[arg(long, default_value_t = 600)]
    cpu_secs: u64,
    #[arg(long, default_value_t = 2000)]
    max_zip_members: usize,
    #[arg(long, default_value_t = 200 * 1024 * 1024)]
    max_expanded_bytes: u64,
    #[arg(long, default_value_t = 64)]
    max_pdf_depth: usize,
    #[arg(long, default_value_t = 100_000_000)]
    max_image_pixels: u64,
    /// Confine itself, print what the sandbox applies (JSON), and exit (doctor, service start).
    #[arg(long)]
    sandbox_report: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let settings = WorkerSettings {
        limits: CleanLimits {
            max_zip_members: args.max_zip_members,
            max_expanded_bytes: args.max_expanded_bytes,
            max_pdf_depth: args.max_pdf_depth,
            max_image_pixels: args.max_image_pixels,
        },
        timeout: Duration::from_secs(0),
        memory_mib: args.memory_mib,
        cpu_secs: args.cpu_secs,
    };
    let result = if args.sandbox_report {
        report_main(&settings)
    } else {
        worker_main(&settings)
    };
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // Its own status, which the parent reports (its standard error is usually closed).
        Err(e @ WorkerError::Sandbox(_)) => {
            sourdine::errln!("sourdine: {e}");
            Ok(ExitCode::from(FAILED_STATUS))
        }
        // Confined, it may not print (a terminal check is a system call its filter refuses),
        // and its standard error is closed anyway: the parent sees the status.
        Err(WorkerError::Io(_)) => Ok(ExitCode::FAILURE),
    }
}
