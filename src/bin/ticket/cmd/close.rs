//! `ticket close`

use std::process::ExitCode;

use sourdine::anonymise::Language;
use sourdine::cli::desk::unexpected;
use sourdine::control::protocol::{Request, Response};
use sourdine::taxonomy::Classification;

/// Arguments of `ticket close`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket reference.
    id: String,
    /// The contact's type (a code of `ticket classification`). Needed unless the
    /// configuration says `classification_required = false`; on a terminal, without it,
    /// `ticket close` asks.
    #[arg(long = "type", value_name = "CODE")]
    kind: Option<String>,
    /// A category of the contact (repeat for several).
    #[arg(long = "category", value_name = "CODE", requires = "kind")]
    categories: Vec<String>,
    /// The writer's role, as they describe it.
    #[arg(long, value_name = "CODE", requires = "kind")]
    role: Option<String>,
    /// Close a ticket someone else claimed (recorded in the audit log).
    #[arg(long)]
    force: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args, lang: Option<Language>) -> anyhow::Result<ExitCode> {
    let classification = match args.kind {
        Some(kind) => Some(Classification {
            kind,
            categories: args.categories,
            role: args.role,
        }),
        None if sourdine::cli::confirm::can_ask() => pick(s, &args.id, lang)?,
        None => None,
    };
    s.simple(
        Request::Close {
            id: args.id,
            classification,
            force: args.force,
        },
        args.json,
    )
}

/// The numbered picker, when the classification is required.
fn pick(
    s: &mut super::Session,
    id: &str,
    lang: Option<Language>,
) -> anyhow::Result<Option<Classification>> {
    let (taxonomy, required) = match s.call(Request::Classification)? {
        Response::Classification { taxonomy, required } => (taxonomy, required),
        other => return Err(unexpected(other).into()),
    };
    if !required {
        return Ok(None);
    }
    let lang = sourdine::cli::lang::resolve(lang)?;
    let c = sourdine::cli::classify::pick(
        &taxonomy,
        lang,
        id,
        &mut std::io::stdin().lock(),
        &mut sourdine::cli::output::ErrWriter::default(),
    )?;
    Ok(Some(c))
}
