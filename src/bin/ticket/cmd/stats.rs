//! `ticket stats`

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use sourdine::anonymise::Language;
use sourdine::cli::desk::unexpected;
use sourdine::control::protocol::{Request, Response};

/// Arguments of `ticket stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// First month of the period, YYYY-MM [default: eleven months before --to].
    #[arg(long, value_name = "YYYY-MM")]
    from: Option<String>,
    /// Last month of the period, included, YYYY-MM [default: the current month].
    #[arg(long, value_name = "YYYY-MM")]
    to: Option<String>,
    /// Print JSON ({"from", "to", "threshold", "contacts", "by_month", "by_type", ...}).
    #[arg(long, group = "format")]
    json: bool,
    /// Print CSV: one row per measure, key and value.
    #[arg(long, group = "format")]
    csv: bool,
    /// Write the report as one self-contained HTML page (tables and charts, fit to print) to
    /// FILE.
    #[arg(long, value_name = "FILE", group = "format")]
    html: Option<PathBuf>,
}

pub fn run(s: &mut super::Session, args: Args, lang: Option<Language>) -> anyhow::Result<ExitCode> {
    let lang = sourdine::cli::lang::resolve(lang)?;
    let report = match s.call(Request::Stats {
        from: args.from,
        to: args.to,
    })? {
        Response::Stats(r) => r,
        other => return Err(unexpected(other).into()),
    };
    if args.json {
        sourdine::cli::output::json(&report.stats)?;
    } else if args.csv {
        sourdine::out!("{}", sourdine::cli::stats::csv(&report));
    } else if let Some(path) = args.html {
        let today = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
        let page = sourdine::cli::report::html(&report, lang, &today);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .open(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        f.write_all(page.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        sourdine::outln!(
            "wrote {} ({} to {}); open it in a browser, or print it",
            path.display(),
            report.stats.from,
            report.stats.to
        );
    } else {
        sourdine::cli::output::page(&sourdine::cli::stats::text(&report, lang));
    }
    Ok(ExitCode::SUCCESS)
}
