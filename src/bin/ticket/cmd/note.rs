//! `ticket note ID`

use std::path::PathBuf;
use std::process::ExitCode;

use sourdine::control::protocol::Request;
use sourdine::tr;

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

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let template = format!(
        "\n# {}\n# {}\n",
        tr!(s.lang, "editor-note-hint"),
        tr!(s.lang, "editor-comments")
    );
    let text = super::read_text(args.file.as_deref(), "note", &template)?;
    s.simple(Request::Note { id: args.id, text }, args.json)
}
