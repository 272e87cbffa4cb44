//! `ticket note ID`

use std::path::PathBuf;
use std::process::ExitCode;

use sourdine::control::protocol::Request;

/// Arguments of `ticket note`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// Read the note from this file (`-` for standard input). Without it, the note is read
    /// from standard input when that is not a terminal, else from $VISUAL / $EDITOR.
    #[arg(long, short = 'f', value_name = "F")]
    file: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

const TEMPLATE: &str = "\n# Write the internal note above. It is never sent to the writer.\n# Lines starting with '#' are removed. An empty note is not saved.\n";

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let text = super::read_text(args.file.as_deref(), "note", TEMPLATE)?;
    s.simple(Request::Note { id: args.id, text }, args.json)
}
