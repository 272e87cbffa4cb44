//! `ticket reveal ID --reason TEXT`, `ticket reveal --approve REQUEST`, `ticket reveal --list`

use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{ALERT, BOLD, REF, Table, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::{out, outln};

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
            outln!("No reveal requests.");
            return Ok(ExitCode::SUCCESS);
        }
        let mut t = Table::new(&[
            "REQUEST",
            "TICKET",
            "ASKED BY",
            "WHEN",
            "APPROVED BY",
            "REASON",
        ]);
        for r in &reveals {
            t.row(vec![
                paint(REF, &r.request),
                r.ticket.clone(),
                r.requested_by.clone(),
                sourdine::time::format_precise(r.requested_at.0),
                r.approved_by.clone().unwrap_or_else(|| "pending".into()),
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
                "{}\nTicket {}: the writer's reply address is\n\n    {}\n\nThis is shown once and recorded in the audit log. Do not store it elsewhere.",
                paint(ALERT, "SECRET LIFTED"),
                paint(REF, &ticket),
                paint(BOLD, &address)
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
            "Reveal request {} recorded for ticket {id}.\nA second supervisor approves it with: ticket reveal --approve {request}",
            paint(REF, &request)
        );
    }
    Ok(ExitCode::SUCCESS)
}
