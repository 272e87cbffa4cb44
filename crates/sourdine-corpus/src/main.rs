//! `sourdine-corpus`: writes a generated corpus of realistic helpline mail, deterministic from
//! its seed (see the library, [`sourdine_corpus`]), for benchmarks and tests. It prints a
//! summary (counts, bytes, kinds, time) and nothing of the messages themselves.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use sourdine_corpus::write::{Format, write};
use sourdine_corpus::{MessageKind, Mix};

/// Writes a generated corpus of realistic helpline mail (benchmarks and tests).
#[derive(Debug, Parser)]
#[command(name = "sourdine-corpus", version)]
struct Args {
    /// Number of messages.
    #[arg(long, short = 'n', default_value_t = 5000)]
    count: u64,
    /// Seed of the corpus: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output: a directory (eml, maildir) or a file (mbox).
    #[arg(long, short = 'o', value_name = "PATH")]
    out: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Eml)]
    format: Format,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let started = Instant::now();
    let summary = match write(
        &args.out,
        args.format,
        args.seed,
        args.count,
        &Mix::default(),
    ) {
        Ok(summary) => summary,
        Err(e) => {
            eprintln!("sourdine-corpus: {e}");
            return ExitCode::FAILURE;
        }
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} messages, {} bytes ({:.1} MB), seed {}, written to {} in {:.1} s",
        args.count,
        summary.bytes,
        summary.bytes as f64 / 1e6,
        args.seed,
        args.out.display(),
        secs
    );
    for kind in MessageKind::ALL {
        println!(
            "  {:<7} {}",
            kind.name(),
            summary.kinds.get(&kind).copied().unwrap_or(0)
        );
    }
    ExitCode::SUCCESS
}
