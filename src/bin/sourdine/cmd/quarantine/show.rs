//! `sourdine quarantine show REF`

use std::collections::BTreeMap;
use std::fmt::Write;
use std::process::ExitCode;

use sourdine::cli::desk::{Desk, unexpected};
use sourdine::cli::output::{BOLD, DIM, REF, WARN, human_size, page, paint};
use sourdine::config::Config;
use sourdine::control::protocol::{Request, Response};

/// Arguments of `sourdine quarantine show`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The quarantine reference (as `sourdine quarantine list` shows it).
    reference: String,
    /// Print a JSON object (reference, reason, size, received, expires, days_left, subject,
    /// text, language, attachments).
    #[arg(long)]
    json: bool,
}

pub fn run(desk: &mut Desk, cfg: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let q = match desk.call(Request::QuarantineShow {
        reference: args.reference,
    })? {
        Response::QuarantineShown(q) => q,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&q)?;
        return Ok(ExitCode::SUCCESS);
    }
    let p = cfg.received_precision;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        paint(BOLD, "Quarantined message"),
        paint(REF, &q.reference)
    );
    let _ = writeln!(out, "{} {}", paint(DIM, "Reason:     "), q.reason);
    let _ = writeln!(out, "{} {}", paint(DIM, "Size:       "), human_size(q.size));
    let _ = writeln!(
        out,
        "{} {}",
        paint(DIM, "Received:   "),
        p.format(q.received.0)
    );
    let _ = writeln!(
        out,
        "{} {} ({}), unless retried or released first",
        paint(DIM, "Destroyed:  "),
        match q.days_left {
            0 => "at the next purge".to_string(),
            1 => "in 1 day".to_string(),
            n => format!("in {n} days"),
        },
        p.format(q.expires.0)
    );
    let _ = writeln!(out, "{} {}", paint(DIM, "Subject:    "), q.subject);
    if q.attachments.is_empty() {
        let _ = writeln!(out, "{} none", paint(DIM, "Attachments:"));
    } else {
        // Counted by type: a message with hundreds of parts stays readable.
        let mut by_type: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
        for a in &q.attachments {
            let e = by_type.entry(a.content_type.as_str()).or_default();
            e.0 += 1;
            e.1 += a.size;
        }
        let total = q.attachments.len() + q.more_attachments;
        let _ = writeln!(
            out,
            "{} {total} (never shown here; a release withholds them)",
            paint(DIM, "Attachments:")
        );
        for (t, (n, size)) in by_type {
            let _ = writeln!(out, "              {n} × {t}, {}", human_size(size));
        }
        if q.more_attachments > 0 {
            let _ = writeln!(out, "              {} more not listed", q.more_attachments);
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        paint(
            BOLD,
            "── readable text (cleaned by the anonymising rules) ──"
        )
    );
    if q.text.trim().is_empty() {
        let _ = writeln!(out, "{}", paint(WARN, "(no readable text was found)"));
    } else {
        let _ = writeln!(out, "{}", q.text.trim_end());
    }
    let _ = writeln!(
        out,
        "\n{}\n  sourdine quarantine retry {r}       run it through the pipeline again (after an upgrade or a changed limit)\n  sourdine quarantine release {r}     make a ticket of this text, attachments withheld\n  sourdine quarantine export {r} --output FILE   for a bug report",
        paint(DIM, "Next:"),
        r = q.reference
    );
    page(&out);
    Ok(ExitCode::SUCCESS)
}
