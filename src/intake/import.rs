//! Offline sources for `sourdine ingest`: single messages, directories of `.eml` files,
//! Maildir folders and mbox files. Every message found is handed to the same pipeline as
//! live mail.
//!
//! Paths found inside directories are never printed (a file name may carry a subject);
//! problems with them are reported by count and by the directory the operator named.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// An import problem. Only paths the operator typed are named.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A path given on the command line does not exist or cannot be read.
    #[error("{path}: {source}")]
    Path {
        /// The path as given.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A file found under a directory could not be read.
    #[error("a file under {root} could not be read: {source}")]
    Inner {
        /// The directory or path the operator named.
        root: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A message is larger than the intake limit; it was left where it is.
    #[error(
        "a message under {root} is larger than intake.max_message_bytes ({limit} bytes); it was left untouched"
    )]
    TooLarge {
        /// The path the operator named.
        root: PathBuf,
        /// The limit.
        limit: usize,
    },
}

/// What kind of input a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// One message.
    Message,
    /// An mbox file (many messages, `From ` separated).
    Mbox,
}

/// One file to read.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// The path the operator named that led to it.
    pub root: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Message or mbox.
    pub kind: InputKind,
}

/// Every input found under the paths given, before anything is read.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to read, in order.
    pub inputs: Vec<Input>,
    /// Files in directories that are not mail (`.eml` or Maildir) and were skipped.
    pub skipped: u64,
    /// Total bytes to read (for progress).
    pub total_bytes: u64,
}

/// Whether `dir` is a Maildir (has `cur` or `new`).
fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() || dir.join("new").is_dir()
}

/// Tells an mbox from a single message by its first bytes.
fn sniff_kind(path: &Path) -> io::Result<InputKind> {
    let mut head = [0u8; 5];
    let mut f = File::open(path)?;
    let mut n = 0;
    while n < head.len() {
        let r = f.read(&mut head[n..])?;
        if r == 0 {
            break;
        }
        n += r;
    }
    Ok(if &head[..n] == b"From " {
        InputKind::Mbox
    } else {
        InputKind::Message
    })
}

impl Plan {
    /// Walks the paths: a file named is always read (as an mbox when it starts with `From `);
    /// a directory contributes its `.eml` files, recursively, and Maildir folders their
    /// `cur` and `new` messages; other files are skipped and counted.
    pub fn new(paths: &[PathBuf]) -> Result<Plan, ImportError> {
        let mut plan = Plan::default();
        for root in paths {
            let meta = fs::metadata(root).map_err(|source| ImportError::Path {
                path: root.clone(),
                source,
            })?;
            if meta.is_dir() {
                plan.walk_dir(root, root)?;
            } else {
                let kind = sniff_kind(root).map_err(|source| ImportError::Path {
                    path: root.clone(),
                    source,
                })?;
                plan.push(root.clone(), root.clone(), meta.len(), kind);
            }
        }
        Ok(plan)
    }

    fn push(&mut self, path: PathBuf, root: PathBuf, size: u64, kind: InputKind) {
        self.total_bytes += size;
        self.inputs.push(Input {
            path,
            root,
            size,
            kind,
        });
    }

    fn walk_dir(&mut self, dir: &Path, root: &Path) -> Result<(), ImportError> {
        let inner = |source| ImportError::Inner {
            root: root.to_path_buf(),
            source,
        };
        if is_maildir(dir) {
            for sub in ["new", "cur"] {
                let d = dir.join(sub);
                if !d.is_dir() {
                    continue;
                }
                for e in sorted_entries(&d).map_err(inner)? {
                    let meta = e.metadata().map_err(inner)?;
                    if meta.is_file() && !e.file_name().to_string_lossy().starts_with('.') {
                        self.push(e.path(), root.to_path_buf(), meta.len(), InputKind::Message);
                    }
                }
            }
            // Sub-folders of a Maildir++ tree (".Sent", ".Archive"...) are Maildirs too.
            for e in sorted_entries(dir).map_err(inner)? {
                let p = e.path();
                let name = e.file_name();
                if p.is_dir() && !["cur", "new", "tmp"].contains(&name.to_string_lossy().as_ref()) {
                    self.walk_dir(&p, root)?;
                }
            }
            return Ok(());
        }
        for e in sorted_entries(dir).map_err(inner)? {
            let p = e.path();
            let meta = e.metadata().map_err(inner)?;
            if meta.is_dir() {
                self.walk_dir(&p, root)?;
            } else if meta.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("eml"))
            {
                self.push(p, root.to_path_buf(), meta.len(), InputKind::Message);
            } else {
                self.skipped += 1;
            }
        }
        Ok(())
    }
}

fn sorted_entries(dir: &Path) -> io::Result<Vec<fs::DirEntry>> {
    let mut v = fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    v.sort_by_key(|e| e.file_name());
    Ok(v)
}

/// One message read from an input.
#[derive(Debug)]
pub struct RawMessage {
    /// The raw bytes (for an mbox, without the `From ` line, `>From ` unescaped).
    pub bytes: Vec<u8>,
    /// Input bytes consumed since the previous message (for progress).
    pub consumed: u64,
}

/// Reads the messages of one input. Messages over `limit` bytes are reported as
/// [`ImportError::TooLarge`] and skipped, leaving the file untouched.
pub fn read_input(
    input: &Input,
    limit: usize,
) -> Result<Box<dyn Iterator<Item = Result<RawMessage, ImportError>> + '_>, ImportError> {
    let err = |source| {
        if input.path == input.root {
            ImportError::Path {
                path: input.root.clone(),
                source,
            }
        } else {
            ImportError::Inner {
                root: input.root.clone(),
                source,
            }
        }
    };
    let file = File::open(&input.path).map_err(err)?;
    match input.kind {
        InputKind::Message => {
            if input.size > limit as u64 {
                return Ok(Box::new(std::iter::once(Err(ImportError::TooLarge {
                    root: input.root.clone(),
                    limit,
                }))));
            }
            let mut bytes = Vec::with_capacity(input.size as usize);
            file.take(limit as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(err)?;
            if bytes.len() > limit {
                return Ok(Box::new(std::iter::once(Err(ImportError::TooLarge {
                    root: input.root.clone(),
                    limit,
                }))));
            }
            let consumed = input.size;
            Ok(Box::new(std::iter::once(Ok(RawMessage {
                bytes,
                consumed,
            }))))
        }
        InputKind::Mbox => Ok(Box::new(MboxReader::new(
            BufReader::with_capacity(256 * 1024, file),
            input.root.clone(),
            limit,
        ))),
    }
}

/// Streams the messages of an mbox file (mboxo/mboxrd), one at a time.
pub struct MboxReader<R> {
    reader: R,
    root: PathBuf,
    limit: usize,
    line: Vec<u8>,
    done: bool,
}

impl<R: BufRead> MboxReader<R> {
    /// Reads from `reader`; `root` names the input in errors.
    pub fn new(reader: R, root: PathBuf, limit: usize) -> Self {
        MboxReader {
            reader,
            root,
            limit,
            line: Vec::new(),
            done: false,
        }
    }
}

fn is_separator(line: &[u8]) -> bool {
    line.starts_with(b"From ")
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = Result<RawMessage, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut msg = Vec::new();
        let mut consumed = 0u64;
        let mut too_large = false;
        let mut prev_blank = true;
        let mut first_line = true;
        loop {
            if self.line.is_empty() {
                match self.reader.read_until(b'\n', &mut self.line) {
                    Ok(0) => {
                        self.done = true;
                        break;
                    }
                    Ok(_) => {}
                    Err(source) => {
                        self.done = true;
                        return Some(Err(ImportError::Inner {
                            root: self.root.clone(),
                            source,
                        }));
                    }
                }
            }
            let line = std::mem::take(&mut self.line);
            if is_separator(&line) && prev_blank {
                if !first_line {
                    // The next message begins: keep its separator for the next call.
                    self.line = line;
                    break;
                }
                first_line = false;
                consumed += line.len() as u64;
                continue;
            }
            first_line = false;
            consumed += line.len() as u64;
            prev_blank = line == b"\n" || line == b"\r\n";
            if too_large {
                continue;
            }
            // mboxrd: one leading '>' is removed from ">From ", ">>From "...
            let unescaped = {
                let n = line.iter().take_while(|&&b| b == b'>').count();
                if n > 0 && line[n..].starts_with(b"From ") {
                    &line[1..]
                } else {
                    &line[..]
                }
            };
            if msg.len() + unescaped.len() > self.limit {
                too_large = true;
                msg = Vec::new();
                continue;
            }
            msg.extend_from_slice(unescaped);
        }
        if too_large {
            return Some(Err(ImportError::TooLarge {
                root: self.root.clone(),
                limit: self.limit,
            }));
        }
        // The blank line before a separator belongs to the mbox format, not the message.
        if !self.done || msg.ends_with(b"\n\n") || msg.ends_with(b"\r\n\r\n") {
            if msg.ends_with(b"\r\n") {
                msg.truncate(msg.len() - 2);
                if !msg.ends_with(b"\n") {
                    msg.extend_from_slice(b"\r\n");
                }
            } else if msg.ends_with(b"\n\n") {
                msg.pop();
            }
        }
        if msg.is_empty() && self.done && consumed == 0 {
            return None;
        }
        Some(Ok(RawMessage {
            bytes: msg,
            consumed,
        }))
    }
}

/// Reads every message of `plan` and hands them to `sink` in batches of at most
/// `batch_size` messages and about `batch_bytes` bytes (a larger message goes alone),
/// counting outcomes. Problems with single files (unreadable, over `limit`) are passed to
/// `on_problem` and counted as failed; a `sink` error stops the run.
pub fn feed<E>(
    plan: &Plan,
    limit: usize,
    batch_size: usize,
    batch_bytes: usize,
    mut sink: impl FnMut(Vec<Vec<u8>>) -> Result<Vec<crate::store::Outcome>, E>,
    mut on_progress: impl FnMut(u64),
    mut on_problem: impl FnMut(&ImportError),
) -> Result<super::IngestCounts, E> {
    let mut counts = super::IngestCounts {
        skipped: plan.skipped,
        ..Default::default()
    };
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(batch_size);
    let mut bytes_in_batch = 0usize;
    let mut pending_progress = 0u64;
    let mut flush = |batch: &mut Vec<Vec<u8>>,
                     counts: &mut super::IngestCounts,
                     progress: &mut u64|
     -> Result<(), E> {
        if !batch.is_empty() {
            let outcomes = sink(std::mem::take(batch))?;
            counts.add(&outcomes);
        }
        on_progress(std::mem::take(progress));
        Ok(())
    };
    for input in &plan.inputs {
        let messages = match read_input(input, limit) {
            Ok(m) => m,
            Err(e) => {
                on_problem(&e);
                counts.failed += 1;
                pending_progress += input.size;
                continue;
            }
        };
        for m in messages {
            match m {
                Ok(m) => {
                    if !batch.is_empty() && bytes_in_batch + m.bytes.len() > batch_bytes {
                        flush(&mut batch, &mut counts, &mut pending_progress)?;
                        bytes_in_batch = 0;
                    }
                    pending_progress += m.consumed;
                    bytes_in_batch += m.bytes.len();
                    batch.push(m.bytes);
                    if batch.len() >= batch_size {
                        flush(&mut batch, &mut counts, &mut pending_progress)?;
                        bytes_in_batch = 0;
                    }
                }
                Err(e) => {
                    on_problem(&e);
                    counts.failed += 1;
                }
            }
        }
    }
    flush(&mut batch, &mut counts, &mut pending_progress)?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mbox(text: &str) -> Vec<Vec<u8>> {
        MboxReader::new(text.as_bytes(), PathBuf::from("x"), 1 << 20)
            .map(|r| r.unwrap().bytes)
            .collect()
    }

    #[test]
    fn mbox_splits_on_from_lines_and_unescapes() {
        let m = mbox(
            "From a@b Mon Jun  3 10:00:00 2024\nSubject: one\n\nbody\n>From here\n\nFrom c@d Mon Jun  3 11:00:00 2024\nSubject: two\n\nbody2\n",
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], b"Subject: one\n\nbody\nFrom here\n");
        assert_eq!(m[1], b"Subject: two\n\nbody2\n");
    }

    #[test]
    fn from_inside_a_paragraph_is_not_a_separator() {
        let m = mbox("From x\nSubject: a\n\nline\nFrom the start it went wrong\n");
        assert_eq!(m.len(), 1);
        assert!(String::from_utf8_lossy(&m[0]).contains("From the start"));
    }

    #[test]
    fn empty_mbox_has_no_messages() {
        assert!(mbox("").is_empty());
    }

    #[test]
    fn oversized_mbox_message_is_reported_and_the_next_one_read() {
        let big = "x".repeat(200);
        let text = format!("From a\nSubject: big\n\n{big}\n\nFrom b\nSubject: small\n\nok\n");
        let items: Vec<_> = MboxReader::new(text.as_bytes(), PathBuf::from("m"), 100).collect();
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0], Err(ImportError::TooLarge { .. })));
        assert_eq!(items[1].as_ref().unwrap().bytes, b"Subject: small\n\nok\n");
    }

    #[test]
    fn plan_reads_eml_maildir_and_skips_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        fs::write(d.join("a.eml"), "Subject: a\n\nx\n").unwrap();
        fs::write(d.join("notes.txt"), "not mail").unwrap();
        let md = d.join("box");
        for s in ["cur", "new", "tmp"] {
            fs::create_dir_all(md.join(s)).unwrap();
        }
        fs::write(md.join("new/1.host"), "Subject: n\n\nx\n").unwrap();
        fs::write(md.join("cur/2.host:2,S"), "Subject: c\n\nx\n").unwrap();
        fs::write(md.join("tmp/3.host"), "Subject: t\n\nx\n").unwrap();
        let plan = Plan::new(&[d.to_path_buf()]).unwrap();
        assert_eq!(plan.inputs.len(), 3);
        assert_eq!(plan.skipped, 1);
        let single = d.join("notes.txt");
        let plan = Plan::new(&[single]).unwrap();
        assert_eq!(
            plan.inputs.len(),
            1,
            "a file named on the command line is always read"
        );
    }

    #[test]
    fn missing_path_is_named() {
        let e = Plan::new(&[PathBuf::from("/nonexistent/sourdine")]).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/sourdine"));
    }
}
