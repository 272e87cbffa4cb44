//! `sourdine corpus`: a benchmark helper (hidden) that writes a generated corpus of
//! realistic helpline mail, deterministic from its seed (see [`sourdine::corpus`]).

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::Context;
use sourdine::corpus::{self, MessageKind, Mix};
use sourdine::outln;

/// How the corpus is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One `.eml` file per message in the output directory.
    Eml,
    /// A Maildir: messages in `OUT/new/` (with `cur/` and `tmp/`).
    Maildir,
    /// One mbox file (mboxrd quoting).
    Mbox,
}

/// Arguments of `sourdine corpus`.
#[derive(Debug, clap::Args)]
pub struct Args {
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

/// Messages generated ahead of the writer, at most (bounds memory: photos are large).
const IN_FLIGHT: usize = 16;
/// Generating threads.
const THREADS: u64 = 2;

/// Generates the corpus on two threads and writes it in index order; prints a summary
/// (counts, bytes, kinds, time) and nothing of the messages themselves.
pub fn run(_config: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let mix = Mix::default();
    let started = Instant::now();
    let mut sink = Sink::open(&args.out, args.format, args.count)?;
    let mut kinds: BTreeMap<MessageKind, u64> = BTreeMap::new();
    let mut bytes = 0u64;
    std::thread::scope(|s| -> anyhow::Result<()> {
        let (tx, rx) = mpsc::sync_channel::<(u64, Vec<u8>)>(IN_FLIGHT);
        for t in 0..THREADS {
            let tx = tx.clone();
            let mix = &mix;
            let (count, seed) = (args.count, args.seed);
            s.spawn(move || {
                let mut i = t;
                while i < count {
                    if tx.send((i, corpus::generate(seed, i, mix))).is_err() {
                        return; // the writer stopped on an error
                    }
                    i += THREADS;
                }
            });
        }
        drop(tx);
        // Reorder, so the output is the same whatever the threads' timing.
        let mut pending: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        let mut next = 0u64;
        for (i, msg) in rx {
            pending.insert(i, msg);
            while let Some(msg) = pending.remove(&next) {
                *kinds
                    .entry(corpus::kind_of(args.seed, next, &mix))
                    .or_default() += 1;
                bytes += msg.len() as u64;
                sink.write(next, &msg)?;
                next += 1;
            }
        }
        Ok(())
    })?;
    sink.finish()?;
    let secs = started.elapsed().as_secs_f64();
    outln!(
        "{} messages, {} bytes ({:.1} MB), seed {}, written to {} in {:.1} s",
        args.count,
        bytes,
        bytes as f64 / 1e6,
        args.seed,
        args.out.display(),
        secs
    );
    for kind in MessageKind::ALL {
        outln!(
            "  {:<7} {}",
            kind.name(),
            kinds.get(&kind).copied().unwrap_or(0)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Where messages go.
enum Sink {
    Dir {
        dir: PathBuf,
        width: usize,
    },
    Maildir {
        root: PathBuf,
    },
    Mbox {
        file: BufWriter<fs::File>,
        path: PathBuf,
    },
}

impl Sink {
    fn open(out: &Path, format: Format, count: u64) -> anyhow::Result<Sink> {
        Ok(match format {
            Format::Eml => {
                fs::create_dir_all(out)
                    .with_context(|| format!("cannot create {}", out.display()))?;
                Sink::Dir {
                    dir: out.to_owned(),
                    width: count.saturating_sub(1).max(1).to_string().len(),
                }
            }
            Format::Maildir => {
                for sub in ["new", "cur", "tmp"] {
                    let d = out.join(sub);
                    fs::create_dir_all(&d)
                        .with_context(|| format!("cannot create {}", d.display()))?;
                }
                Sink::Maildir {
                    root: out.to_owned(),
                }
            }
            Format::Mbox => {
                if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                    fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create {}", parent.display()))?;
                }
                let f = fs::File::create(out)
                    .with_context(|| format!("cannot create {}", out.display()))?;
                Sink::Mbox {
                    file: BufWriter::with_capacity(1 << 20, f),
                    path: out.to_owned(),
                }
            }
        })
    }

    fn write(&mut self, index: u64, msg: &[u8]) -> anyhow::Result<()> {
        match self {
            Sink::Dir { dir, width } => {
                let p = dir.join(format!("{index:0width$}.eml", width = *width));
                fs::write(&p, msg).with_context(|| format!("cannot write {}", p.display()))
            }
            Sink::Maildir { root } => {
                // Delivered as a Maildir wants: written in tmp/, then moved into new/.
                let name = format!("{}.M{index}P0.corpus", 1_700_000_000 + index);
                let tmp = root.join("tmp").join(&name);
                fs::write(&tmp, msg).with_context(|| format!("cannot write {}", tmp.display()))?;
                let new = root.join("new").join(&name);
                fs::rename(&tmp, &new).with_context(|| format!("cannot move to {}", new.display()))
            }
            Sink::Mbox { file, path } => {
                let mut w = || -> std::io::Result<()> {
                    writeln!(file, "From MAILER-DAEMON Thu Jan  1 00:00:00 1970")?;
                    for line in msg.split_inclusive(|b| *b == b'\n') {
                        // mboxrd: a line that reads ">*From " gets one more '>'.
                        let quotes = line.iter().take_while(|b| **b == b'>').count();
                        if line[quotes..].starts_with(b"From ") {
                            file.write_all(b">")?;
                        }
                        file.write_all(line)?;
                    }
                    file.write_all(b"\n")
                };
                w().with_context(|| format!("cannot write {}", path.display()))
            }
        }
    }

    fn finish(self) -> anyhow::Result<()> {
        if let Sink::Mbox { mut file, path } = self {
            file.flush()
                .and_then(|()| file.get_ref().sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }
}
