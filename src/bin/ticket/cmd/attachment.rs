//! `ticket attachment ID ATT --output FILE`

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use sourdine::cli::desk::unexpected;
use sourdine::cli::inbox::text::size;
use sourdine::control::protocol::{Request, Response};
use sourdine::{errln, tr};

/// Arguments of `ticket attachment`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// The attachment: its number (as `ticket show` lists it) or its name (attachment-2.jpg).
    attachment: String,
    /// Where to write the cleaned bytes (`-` for standard output, when it is a file or a
    /// pipe, never a terminal). The file is created 0600 and must not exist yet.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: PathBuf,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let (view, bytes) = match s.call(Request::Attachment {
        id: args.id,
        attachment: args.attachment,
    })? {
        Response::Attachment { view, bytes } => (view, zeroize::Zeroizing::new(bytes.0)),
        other => return Err(unexpected(other).into()),
    };
    if args.output.as_os_str() == "-" {
        sourdine::cli::output::write_raw(&bytes)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&args.output)
        .with_context(|| {
            tr!(
                s.lang,
                "attachment-cannot-create",
                path = args.output.display().to_string()
            )
        })?;
    f.write_all(&bytes)?;
    f.sync_all()?;
    errln!(
        "{}",
        tr!(
            s.lang,
            "attachment-written",
            name = view.name.as_str(),
            kind = view.content_type.as_str(),
            size = size(s.lang, bytes.len() as u64),
            path = args.output.display().to_string()
        )
    );
    Ok(ExitCode::SUCCESS)
}
