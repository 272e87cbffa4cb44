//! `sourdine status`

use std::path::Path;
use std::process::ExitCode;

use sourdine::anonymise::Language;
use sourdine::cli::dates::Dates;
use sourdine::cli::output::{ALERT, OK, paint};
use sourdine::control::client::Client;
use sourdine::control::protocol::{Request, Response};
use sourdine::outln;
use sourdine::service::StatusReport;
use sourdine::time::{format_precise, relative};

/// Arguments of `sourdine status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Exit status when the service is not running (as `systemctl status` does).
const NOT_RUNNING: u8 = 3;

pub fn run(config: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let cfg = super::setup(config)?;
    // Live, from the service itself.
    if let Ok(mut client) = Client::connect(&cfg.control_socket) {
        match client.call(Request::Status) {
            Ok(Response::Status(report)) => {
                print(&report, "running", None, args.json, &cfg)?;
                return Ok(ExitCode::SUCCESS);
            }
            Err(e) if e.loading_seconds().is_some() => {
                let seconds = e.loading_seconds().unwrap_or(0);
                if args.json {
                    sourdine::cli::output::json_line(
                        &serde_json::json!({ "state": "starting", "seconds": seconds }),
                    )?;
                } else {
                    outln!(
                        "sourdine is starting: still loading its catalog (started {seconds} s ago)"
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            _ => {}
        }
    }
    // Else from the status file the service keeps in its runtime directory.
    match sourdine::daemon::read_status(&cfg) {
        Some(file) => {
            let alive = file
                .report
                .pid
                .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
            let state = if file.state == "running" && !alive {
                "not running (it stopped without cleaning up)"
            } else if file.state == "running" {
                "running, but not answering on its socket"
            } else {
                "not running"
            };
            print(&file.report, state, Some(file.updated.0), args.json, &cfg)?;
            Ok(if file.state == "running" && alive {
                ExitCode::FAILURE
            } else {
                ExitCode::from(NOT_RUNNING)
            })
        }
        None => {
            if args.json {
                sourdine::cli::output::json_line(&serde_json::json!({ "state": "not running" }))?;
            } else {
                outln!(
                    "sourdine is not running (no socket at {}, no status file in {})",
                    cfg.control_socket.display(),
                    cfg.runtime_dir().display()
                );
            }
            Ok(ExitCode::from(NOT_RUNNING))
        }
    }
}

fn print(
    r: &StatusReport,
    state: &str,
    as_of: Option<i64>,
    json: bool,
    cfg: &sourdine::config::Config,
) -> anyhow::Result<()> {
    // A report published for counsellors is a snapshot at a step of received_precision.
    let as_of = as_of.or(r.as_of.map(|t| t.0));
    if json {
        sourdine::cli::output::json_line(
            &serde_json::json!({ "state": state, "as_of": as_of.map(format_precise), "report": r }),
        )?;
        return Ok(());
    }
    let now = jiff::Timestamp::now().as_second();
    // Times in the helpline's time zone, and those rounded to received_precision shown at it
    // ("this hour", never "35 min ago" for a time rounded to the hour).
    let p = cfg.received_precision;
    let dates = Dates::new(Language::En, cfg.timezone.as_deref(), p);
    let colour = if state == "running" { OK } else { ALERT };
    outln!("sourdine {}: {}", r.version, paint(colour, state));
    if let Some(t) = as_of {
        outln!("  as of:       {} ({})", dates.long(t), relative(now, t, p));
    }
    if let (Some(pid), Some(started)) = (r.pid, r.started) {
        outln!(
            "  pid:         {pid}, started {}",
            if r.as_of.is_some() {
                dates.long(started.0)
            } else {
                dates.precise(started.0)
            }
        );
    }
    outln!(
        "  tickets:     {} open, {} waiting, {} closed",
        r.open,
        r.waiting,
        r.closed
    );
    match r.quarantine_oldest_days_left {
        Some(days) if r.quarantined > 0 => outln!(
            "  quarantine:  {} (the oldest is destroyed {}; `sourdine quarantine list`)",
            r.quarantined,
            match days {
                0 => "at the next purge".to_string(),
                1 => "in 1 day".to_string(),
                n => format!("in {n} days"),
            }
        ),
        _ => outln!("  quarantine:  {}", r.quarantined),
    }
    match &r.intake {
        None => outln!("  intake:      not configured ([imap])"),
        Some(i) => {
            outln!(
                "  intake:      last poll {}, {} waiting, {} taken in, {} errors since start",
                i.last_poll
                    .map(|t| relative(now, t.0, p))
                    .unwrap_or_else(|| "never".into()),
                i.waiting
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "?".into()),
                i.taken_in,
                i.errors
            );
            if let Some(e) = &i.last_error {
                outln!("  last error:  {e}");
            }
        }
    }
    Ok(())
}
