//! Writing a corpus to disk: one `.eml` file per message, a Maildir or an mbox file. The
//! messages are generated on two threads and written in index order, so the output is the
//! same whatever the threads' timing.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use super::{MessageKind, Mix, generate, kind_of};

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

/// What [`write()`] wrote: bytes and messages of each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Bytes of all messages (the mbox separators not counted).
    pub bytes: u64,
    /// Messages of each kind.
    pub kinds: BTreeMap<MessageKind, u64>,
}

/// A file or folder that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub struct WriteError {
    action: &'static str,
    path: PathBuf,
    #[source]
    source: std::io::Error,
}

/// Messages generated ahead of the writer, at most (bounds memory: photos are large).
const IN_FLIGHT: usize = 16;
/// Generating threads.
const THREADS: u64 = 2;

/// Writes messages `0..count` of corpus `seed` to `out` (a directory for eml and maildir, a
/// file for mbox).
pub fn write(
    out: &Path,
    format: Format,
    seed: u64,
    count: u64,
    mix: &Mix,
) -> Result<Summary, WriteError> {
    let mut sink = Sink::open(out, format, count)?;
    let mut summary = Summary::default();
    std::thread::scope(|s| -> Result<(), WriteError> {
        let (tx, rx) = mpsc::sync_channel::<(u64, Vec<u8>)>(IN_FLIGHT);
        for t in 0..THREADS {
            let tx = tx.clone();
            s.spawn(move || {
                let mut i = t;
                while i < count {
                    if tx.send((i, generate(seed, i, mix))).is_err() {
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
                *summary.kinds.entry(kind_of(seed, next, mix)).or_default() += 1;
                summary.bytes += msg.len() as u64;
                sink.write(next, &msg)?;
                next += 1;
            }
        }
        Ok(())
    })?;
    sink.finish()?;
    Ok(summary)
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

/// The error of `action` on `path`.
fn failed(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
    let path = path.to_owned();
    move |source| WriteError {
        action,
        path,
        source,
    }
}

impl Sink {
    fn open(out: &Path, format: Format, count: u64) -> Result<Sink, WriteError> {
        Ok(match format {
            Format::Eml => {
                fs::create_dir_all(out).map_err(failed("create", out))?;
                Sink::Dir {
                    dir: out.to_owned(),
                    width: count.saturating_sub(1).max(1).to_string().len(),
                }
            }
            Format::Maildir => {
                for sub in ["new", "cur", "tmp"] {
                    let d = out.join(sub);
                    fs::create_dir_all(&d).map_err(failed("create", &d))?;
                }
                Sink::Maildir {
                    root: out.to_owned(),
                }
            }
            Format::Mbox => {
                if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                    fs::create_dir_all(parent).map_err(failed("create", parent))?;
                }
                let f = fs::File::create(out).map_err(failed("create", out))?;
                Sink::Mbox {
                    file: BufWriter::with_capacity(1 << 20, f),
                    path: out.to_owned(),
                }
            }
        })
    }

    fn write(&mut self, index: u64, msg: &[u8]) -> Result<(), WriteError> {
        match self {
            Sink::Dir { dir, width } => {
                let p = dir.join(format!("{index:0width$}.eml", width = *width));
                fs::write(&p, msg).map_err(failed("write", &p))
            }
            Sink::Maildir { root } => {
                // Delivered as a Maildir wants: written in tmp/, then moved into new/.
                let name = format!("{}.M{index}P0.corpus", 1_700_000_000 + index);
                let tmp = root.join("tmp").join(&name);
                fs::write(&tmp, msg).map_err(failed("write", &tmp))?;
                let new = root.join("new").join(&name);
                fs::rename(&tmp, &new).map_err(failed("move to", &new))
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
                w().map_err(failed("write", path))
            }
        }
    }

    fn finish(self) -> Result<(), WriteError> {
        if let Sink::Mbox { mut file, path } = self {
            file.flush()
                .and_then(|()| file.get_ref().sync_all())
                .map_err(failed("write", &path))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Mix {
        Mix {
            jpeg: 0,
            pdf: 0,
            ..Mix::default()
        }
    }

    #[test]
    fn each_format_holds_every_message_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mix = small();
        let eml = write(&dir.path().join("eml"), Format::Eml, 5, 12, &mix).unwrap();
        assert_eq!(eml.kinds.values().sum::<u64>(), 12);
        let files: Vec<_> = (0..12)
            .map(|i| fs::read(dir.path().join(format!("eml/{i:02}.eml"))).unwrap())
            .collect();
        assert_eq!(files[7], generate(5, 7, &mix));
        assert_eq!(eml.bytes, files.iter().map(|f| f.len() as u64).sum::<u64>());

        let maildir = write(&dir.path().join("md"), Format::Maildir, 5, 12, &mix).unwrap();
        assert_eq!(maildir, eml);
        assert_eq!(fs::read_dir(dir.path().join("md/new")).unwrap().count(), 12);
        assert_eq!(fs::read_dir(dir.path().join("md/tmp")).unwrap().count(), 0);

        let mbox = dir.path().join("sub/all.mbox");
        assert_eq!(write(&mbox, Format::Mbox, 5, 12, &mix).unwrap(), eml);
        let text = fs::read(&mbox).unwrap();
        let separators = text
            .split(|b| *b == b'\n')
            .filter(|l| l.starts_with(b"From MAILER-DAEMON "))
            .count();
        assert_eq!(separators, 12);
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, b"x").unwrap();
        let e = write(&file.join("eml"), Format::Eml, 1, 1, &small()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("cannot create {}/eml: ", file.display())),
            "{e}"
        );
    }
}
