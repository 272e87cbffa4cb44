//! `sourdine quarantine export REF --output FILE`

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use sourdine::cli::desk::{Desk, unexpected};
use sourdine::cli::output::{WARN, human_size, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::{errln, outln};

/// Arguments of `sourdine quarantine export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The quarantine reference (as `sourdine quarantine list` shows it).
    reference: String,
    /// The file to write (created 0600; must not exist).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: PathBuf,
    /// Export without asking.
    #[arg(long, short = 'y')]
    yes: bool,
    /// Print a JSON object (reference, output, bytes, fields, boundaries).
    #[arg(long)]
    json: bool,
}

pub fn run(desk: &mut Desk, args: Args) -> anyhow::Result<ExitCode> {
    errln!(
        "{}",
        paint(
            WARN,
            "The export replaces the header values, but keeps the body as it was written: its text and attachments may still identify the writer. Share it only as far as needed, and delete it afterwards."
        )
    );
    let question = format!(
        "Write quarantine entry {} to {}?",
        args.reference.trim(),
        args.output.display()
    );
    if !super::confirm(&question, "not exported", "to export it", args.yes)? {
        errln!("Not exported.");
        return Ok(ExitCode::FAILURE);
    }
    // Created before anything is read, so that a wrong path costs nothing: never through a
    // symbolic link, never over an existing file.
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
        .open(&args.output)
        .with_context(|| {
            format!(
                "cannot create {} (it must not exist yet, and must not be a symbolic link)",
                args.output.display()
            )
        })?;
    let result = desk.call(Request::QuarantineExport {
        reference: args.reference,
    });
    let (reference, fields, boundaries, bytes) = match result {
        Ok(Response::QuarantineExported {
            reference,
            fields,
            boundaries,
            bytes,
        }) => (
            reference,
            fields,
            boundaries,
            zeroize::Zeroizing::new(bytes.0),
        ),
        other => {
            drop(f);
            let _ = std::fs::remove_file(&args.output);
            return Err(match other {
                Ok(r) => unexpected(r).into(),
                Err(e) => e.into(),
            });
        }
    };
    f.write_all(&bytes)?;
    f.sync_all()?;
    if args.json {
        outln!(
            "{}",
            serde_json::json!({
                "reference": reference,
                "output": args.output,
                "bytes": bytes.len(),
                "fields": fields,
                "boundaries": boundaries,
            })
        );
    } else {
        outln!(
            "wrote quarantine entry {reference} ({}, {fields} header values replaced, {boundaries} boundaries renamed) to {}",
            human_size(bytes.len() as u64),
            args.output.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
