//! `ticket reveal ID --reason TEXT`, `ticket reveal --approve REQUEST`, `ticket reveal --list`

use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{ALERT, BOLD, REF, Table, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::{out, outln, tr};

/// Lifting the secret, allowed by Belgian penal code art. 458bis in grave and imminent danger
/// to a minor or a vulnerable person. A supervisor asks with a reason; a second, different
/// supervisor approves, and only then is the writer's address shown, once, to the approver.
/// Both steps are in the audit log.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["id", "approve", "list"]))]
pub struct Args {
    /// The ticket whose reply address must be revealed.
    #[arg(requires = "reason")]
    id: Option<String>,
    /// Why: the grave and imminent danger (kept sealed with the ticket).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    /// Approve a request made by another supervisor; shows the address once.
    #[arg(long, value_name = "REQUEST", conflicts_with = "id")]
    approve: Option<String>,
    /// List reveal requests.
    #[arg(long, conflicts_with_all = ["id", "approve"])]
    list: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    if args.list {
        let reveals = match s.call(Request::RevealList)? {
            Response::Reveals(r) => r,
            other => return Err(unexpected(other).into()),
        };
        if args.json {
            sourdine::cli::output::json(&reveals)?;
            return Ok(ExitCode::SUCCESS);
        }
        if reveals.is_empty() {
            outln!("{}", tr!(s.lang, "reveal-none"));
            return Ok(ExitCode::SUCCESS);
        }
        let titles = [
            tr!(s.lang, "reveal-column-request"),
            tr!(s.lang, "column-ticket"),
            tr!(s.lang, "reveal-column-asked-by"),
            tr!(s.lang, "reveal-column-when"),
            tr!(s.lang, "reveal-column-approved-by"),
            tr!(s.lang, "reveal-column-reason"),
        ];
        let mut t = Table::new(&titles.each_ref().map(String::as_str));
        let dates = s.dates();
        for r in &reveals {
            t.row(vec![
                paint(REF, &r.request),
                r.ticket.clone(),
                r.requested_by.clone(),
                dates.precise(r.requested_at.0),
                r.approved_by
                    .clone()
                    .unwrap_or_else(|| tr!(s.lang, "reveal-pending")),
                r.reason.clone(),
            ]);
        }
        out!("{}", t.render());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(request) = args.approve {
        let (ticket, address) = match s.call(Request::RevealApprove { request })? {
            Response::Revealed { ticket, address } => (ticket, address),
            other => return Err(unexpected(other).into()),
        };
        if args.json {
            sourdine::cli::output::json_line(
                &serde_json::json!({ "ticket": ticket, "address": address }),
            )?;
        } else {
            outln!(
                "{}\n{}\n\n    {}\n\n{}",
                paint(ALERT, tr!(s.lang, "reveal-lifted")),
                tr!(s.lang, "reveal-address-is", id = ticket.as_str()),
                paint(BOLD, &address),
                tr!(s.lang, "reveal-shown-once")
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let id = args.id.expect("clap requires an id here");
    let reason = args.reason.expect("clap requires a reason with an id");
    let request = match s.call(Request::RevealRequest {
        id: id.clone(),
        reason,
    })? {
        Response::RevealRequested { request } => request,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json_line(&serde_json::json!({ "ticket": id, "request": request }))?;
    } else {
        outln!(
            "{}",
            tr!(
                s.lang,
                "reveal-requested",
                request = request.as_str(),
                id = id.as_str()
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}
