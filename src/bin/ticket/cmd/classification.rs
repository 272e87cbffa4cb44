//! `ticket classification`

use std::process::ExitCode;

use sourdine::anonymise::Language;
use sourdine::cli::desk::unexpected;
use sourdine::cli::output::{BOLD, DIM, Table, page, paint};
use sourdine::control::protocol::{Request, Response};
use sourdine::taxonomy::Dimension;
use sourdine::tr;

/// Arguments of `ticket classification`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON: {"types": [{"code", "labels": {"fr", "nl", "en"}}], "categories": [...],
    /// "roles": [...]}.
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut super::Session, args: Args, lang: Option<Language>) -> anyhow::Result<ExitCode> {
    let (taxonomy, required) = match s.call(Request::Classification)? {
        Response::Classification { taxonomy, required } => (taxonomy, required),
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&taxonomy)?;
        return Ok(ExitCode::SUCCESS);
    }
    let lang = sourdine::cli::lang::resolve(lang)?;
    let mut out = String::new();
    for (dim, title) in [
        (Dimension::Type, tr!(lang, "classification-types")),
        (Dimension::Category, tr!(lang, "classification-categories")),
        (Dimension::Role, tr!(lang, "classification-roles")),
    ] {
        out.push_str(&paint(BOLD, title));
        out.push('\n');
        let titles = [
            tr!(lang, "classification-column-code"),
            tr!(lang, "classification-column-label"),
        ];
        let mut t = Table::new(&titles.each_ref().map(String::as_str));
        for e in taxonomy.entries(dim) {
            let mut label = e.labels.get(lang).to_string();
            if e.retired {
                label.push_str(&paint(
                    DIM,
                    format!(" {}", tr!(lang, "classification-retired")),
                ));
            }
            t.row(vec![e.code.clone(), label]);
        }
        for line in t.render().lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(&paint(
        DIM,
        format!(
            "{}\n",
            if required {
                tr!(lang, "classification-required")
            } else {
                tr!(lang, "classification-optional")
            }
        ),
    ));
    page(&out);
    Ok(ExitCode::SUCCESS)
}
