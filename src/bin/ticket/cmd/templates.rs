//! `ticket templates`

use std::process::ExitCode;

use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{DIM, Table, paint, truncate};
use sourdine::control::protocol::{Request, Response};
use sourdine::{outln, tr};

/// Arguments of `ticket templates`.
///
/// The saved replies are texts the helpline keeps, one file per reply and language
/// (`NAME.fr.txt`, `NAME.nl.txt`, `NAME.en.txt` in `replies.saved_dir`). Start a reply from
/// them with `ticket reply ID --template NAME` (repeat --template to put several one after
/// the other).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON: [{"name": …, "languages": ["fr", …], "first_line": …}].
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args) -> anyhow::Result<ExitCode> {
    let list = match s.call(Request::SavedReplies)? {
        Response::SavedReplies(l) => l,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    let lang = s.lang;
    if list.is_empty() {
        outln!("{}", tr!(lang, "templates-none"));
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Table::new(&[
        &tr!(lang, "templates-column-name"),
        &tr!(lang, "templates-column-languages"),
        &tr!(lang, "templates-column-first-line"),
    ]);
    for r in &list {
        t.row(vec![
            r.name.clone(),
            r.languages.join(" "),
            truncate(&r.first_line, 60),
        ]);
    }
    let mut out = t.render();
    out.push_str(&paint(DIM, format!("{}\n", tr!(lang, "templates-hint"))));
    sourdine::cli::output::page(&out);
    Ok(ExitCode::SUCCESS)
}
