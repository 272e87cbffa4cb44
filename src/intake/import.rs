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
/// [`ImportError::TooLarge`] and skipped, leaving the file untouched. A one-message file is
/// read into `buffer` (emptied first: a buffer used before saves fresh pages).
pub fn read_input(
    input: &Input,
    limit: usize,
    buffer: Vec<u8>,
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
            let mut bytes = buffer;
            bytes.clear();
            bytes.reserve_exact(input.size as usize);
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

/// How [`feed`] cuts the input into batches, and how much it holds at once.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    /// Larger messages are left untouched and reported ([`ImportError::TooLarge`]).
    pub limit: usize,
    /// When a batch closes.
    pub batch: super::BatchLimits,
    /// Raw bytes read but not yet committed, at most (a larger message is read alone).
    pub in_flight_bytes: usize,
    /// Threads preparing messages.
    pub workers: usize,
}

impl Batching {
    /// Batches within `batch`, two batches' bytes in flight, one worker per core (at most
    /// four).
    pub fn new(limit: usize, batch: super::BatchLimits) -> Batching {
        Batching {
            limit,
            batch,
            in_flight_bytes: batch.bytes.saturating_mul(2),
            workers: std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4)),
        }
    }
}

/// Buffers larger than this are not kept for reuse.
const SPARE_MAX_BYTES: usize = 4 << 20;

/// What the reading thread tells the committing one, in input order.
enum Step {
    /// The next messages sent to the workers form this batch.
    Batch(OpenBatch),
    /// A file or message that could not be taken, and the input bytes it accounts for.
    Problem(ImportError, u64),
}

/// The batch the reader is filling.
#[derive(Default)]
struct OpenBatch {
    /// Messages.
    len: usize,
    /// Their raw bytes.
    bytes: usize,
    /// The input bytes they account for (for progress).
    progress: u64,
}

/// Closes the budget when dropped by a panicking thread.
struct StopOnPanic<'a>(&'a Budget);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.close();
        }
    }
}

/// Raw bytes between reading and commit, bounded: the reader waits for commits to free some.
struct Budget {
    held: std::sync::Mutex<Held>,
    freed: std::sync::Condvar,
    limit: usize,
}

/// What a [`Budget`] holds.
#[derive(Default)]
struct Held {
    bytes: usize,
    /// The run stops: the reader is not to wait any more.
    stopped: bool,
}

/// What [`Budget::take`] decided.
#[derive(Debug, PartialEq, Eq)]
enum Take {
    /// The bytes are counted.
    Taken,
    /// Nothing but the open batch is held and the message does not fit: only closed batches
    /// are committed, so the batch must close before anything frees.
    CloseBatch,
    /// The run stops.
    Stopped,
}

impl Budget {
    /// Counts `n` more bytes, waiting for commits to free room (the bytes always fit when
    /// nothing is held). `open` is what the batch being filled holds already.
    fn take(&self, n: usize, open: usize) -> Take {
        let mut held = self.held.lock().expect("budget lock");
        loop {
            if held.stopped {
                return Take::Stopped;
            }
            if held.bytes == 0 || held.bytes.saturating_add(n) <= self.limit {
                held.bytes += n;
                return Take::Taken;
            }
            if held.bytes == open {
                return Take::CloseBatch;
            }
            held = self.freed.wait(held).expect("budget lock");
        }
    }

    fn give(&self, n: usize) {
        self.held.lock().expect("budget lock").bytes -= n;
        self.freed.notify_all();
    }

    /// Wakes and stops the reader.
    fn close(&self) {
        self.held.lock().expect("budget lock").stopped = true;
        self.freed.notify_all();
    }
}

/// Reads every message of `plan`, runs each through `prepare` and commits them in batches
/// with `commit`, in input order. `prepare` takes the message's bytes out of the buffer it is
/// given or leaves them; a buffer left is reused for a message read later.
///
/// Three stages overlap: a thread reads, `batching.workers` threads prepare, one message
/// after another whatever batch it belongs to, and the calling thread commits each batch once
/// all its messages are prepared. At most `batching.in_flight_bytes` of raw messages are held.
///
/// Counts the outcomes. Problems with single files (unreadable, over the limit) are passed to
/// `on_problem` and counted as failed; `on_progress` gets the input bytes done as batches
/// commit. A `commit` error stops the run: batches committed before it stay committed, the
/// rest is not taken in.
pub fn feed<P: Send, E>(
    plan: &Plan,
    batching: Batching,
    prepare: impl Fn(&mut Vec<u8>) -> P + Sync,
    mut commit: impl FnMut(Vec<P>) -> Result<Vec<crate::model::Outcome>, E>,
    mut on_progress: impl FnMut(u64),
    mut on_problem: impl FnMut(&ImportError),
) -> Result<super::IngestCounts, E> {
    use std::sync::mpsc::{channel, sync_channel};
    let mut counts = super::IngestCounts {
        skipped: plan.skipped,
        ..Default::default()
    };
    let budget = Budget {
        held: std::sync::Mutex::default(),
        freed: std::sync::Condvar::new(),
        limit: batching.in_flight_bytes,
    };
    let workers = batching.workers.max(1);
    let (steps_tx, steps_rx) = channel::<Step>();
    let (work_tx, work_rx) = sync_channel::<(u64, Vec<u8>)>(workers * 2);
    let work_rx = std::sync::Mutex::new(work_rx);
    let (done_tx, done_rx) = channel::<(u64, P)>();
    // Buffers going back from the workers to the reader.
    let (spare_tx, spare_rx) = sync_channel::<Vec<u8>>(workers * 2);
    std::thread::scope(|s| {
        let budget = &budget;
        s.spawn(move || read_batches(plan, batching, budget, &steps_tx, &work_tx, &spare_rx));
        for _ in 0..workers {
            let (work_rx, done_tx, prepare) = (&work_rx, done_tx.clone(), &prepare);
            let spare_tx = spare_tx.clone();
            s.spawn(move || {
                // A worker that panics stops the reader, so that the others and the
                // committer run out of work instead of waiting for its message forever (the
                // scope then raises the panic).
                let _stop_on_panic = StopOnPanic(budget);
                loop {
                    let next = work_rx.lock().expect("work queue").recv();
                    let Ok((seq, mut raw)) = next else { break };
                    if done_tx.send((seq, prepare(&mut raw))).is_err() {
                        break;
                    }
                    if raw.capacity() <= SPARE_MAX_BYTES {
                        let _ = spare_tx.try_send(raw);
                    }
                }
            });
        }
        drop(spare_tx);
        drop(done_tx);
        let mut prepared: std::collections::HashMap<u64, P> = std::collections::HashMap::new();
        let mut next_seq = 0u64;
        let result = (|| {
            for step in &steps_rx {
                match step {
                    Step::Batch(OpenBatch {
                        len,
                        bytes,
                        progress,
                    }) => {
                        let mut batch = Vec::with_capacity(len);
                        while batch.len() < len {
                            if let Some(p) = prepared.remove(&next_seq) {
                                batch.push(p);
                                next_seq += 1;
                                continue;
                            }
                            // Fails only when a worker died (its panic is raised by the scope).
                            let Ok((seq, p)) = done_rx.recv() else {
                                return Ok(());
                            };
                            prepared.insert(seq, p);
                        }
                        let outcomes = commit(batch)?;
                        budget.give(bytes);
                        counts.add(&outcomes);
                        on_progress(progress);
                    }
                    Step::Problem(e, progress) => {
                        on_problem(&e);
                        counts.failed += 1;
                        on_progress(progress);
                    }
                }
            }
            Ok(())
        })();
        // On an error, the reader stops at its next message and the workers at their next
        // result.
        budget.close();
        drop(steps_rx);
        drop(done_rx);
        result
    })
    .map(|()| counts)
}

/// The reading stage of [`feed`]: sends each message to the workers, numbered in input
/// order, and each batch's extent to the committer. Stops when either is gone.
fn read_batches(
    plan: &Plan,
    batching: Batching,
    budget: &Budget,
    steps: &std::sync::mpsc::Sender<Step>,
    work: &std::sync::mpsc::SyncSender<(u64, Vec<u8>)>,
    spare: &std::sync::mpsc::Receiver<Vec<u8>>,
) {
    let mut open = OpenBatch::default();
    let mut seq = 0u64;
    let close = |open: &mut OpenBatch| steps.send(Step::Batch(std::mem::take(open))).is_ok();
    for input in &plan.inputs {
        // Only a one-message file is read into a buffer of ours.
        let buffer = match input.kind {
            InputKind::Message => spare.try_recv().unwrap_or_default(),
            InputKind::Mbox => Vec::new(),
        };
        let messages = match read_input(input, batching.limit, buffer) {
            Ok(m) => m,
            Err(e) => {
                if steps.send(Step::Problem(e, input.size)).is_err() {
                    return;
                }
                continue;
            }
        };
        for m in messages {
            match m {
                Ok(m) => {
                    let n = m.bytes.len();
                    if batching.batch.full_before(open.len, open.bytes, n) && !close(&mut open) {
                        return;
                    }
                    loop {
                        match budget.take(n, open.bytes) {
                            Take::Taken => break,
                            Take::Stopped => return,
                            Take::CloseBatch => {
                                if !close(&mut open) {
                                    return;
                                }
                            }
                        }
                    }
                    if work.send((seq, m.bytes)).is_err() {
                        return;
                    }
                    seq += 1;
                    open.len += 1;
                    open.bytes += n;
                    open.progress += m.consumed;
                }
                Err(e) => {
                    // A single message is the whole file; an mbox's oversized message is not
                    // counted in the progress.
                    let done = match input.kind {
                        InputKind::Message => input.size,
                        InputKind::Mbox => 0,
                    };
                    if steps.send(Step::Problem(e, done)).is_err() {
                        return;
                    }
                }
            }
        }
    }
    if open.len > 0 {
        close(&mut open);
    }
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

    /// A directory of `n` one-message files, the i-th of `size(i)` bytes, named in order.
    fn eml_dir(n: usize, size: impl Fn(usize) -> usize) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..n {
            let head = format!("Subject: {i:04}\n\n");
            let body = "x".repeat(size(i).saturating_sub(head.len()));
            fs::write(tmp.path().join(format!("{i:04}.eml")), head + &body).unwrap();
        }
        tmp
    }

    fn batching(batch_size: usize, batch_bytes: usize, in_flight_bytes: usize) -> Batching {
        Batching {
            limit: 1 << 20,
            batch: crate::intake::BatchLimits {
                count: batch_size,
                bytes: batch_bytes,
            },
            in_flight_bytes,
            workers: 3,
        }
    }

    /// Runs `f` on a thread of its own and returns what it returned, failing the test with
    /// `what` if it takes more than 20 s (a hang).
    fn within_20s<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .expect(what)
    }

    fn subject(raw: &[u8]) -> usize {
        std::str::from_utf8(&raw[9..13]).unwrap().parse().unwrap()
    }

    #[test]
    fn feed_commits_every_message_in_input_order_within_the_batch_limits() {
        let tmp = eml_dir(40, |i| 100 + (i * 37) % 300);
        let plan = Plan::new(&[tmp.path().to_path_buf()]).unwrap();
        let mut batches: Vec<Vec<usize>> = Vec::new();
        let mut progress = 0;
        let counts = feed(
            &plan,
            batching(7, 1500, 3000),
            |raw| {
                // Later messages finish first: order must not depend on who is quicker.
                std::thread::sleep(std::time::Duration::from_micros(
                    (400 - subject(raw) as u64 * 10).max(1),
                ));
                (subject(raw), raw.len())
            },
            |batch: Vec<(usize, usize)>| {
                assert!(batch.len() <= 7);
                assert!(batch.len() == 1 || batch.iter().map(|m| m.1).sum::<usize>() <= 1500);
                let n = batch.len();
                batches.push(batch.into_iter().map(|m| m.0).collect());
                Ok::<_, ()>(vec![
                    crate::store::Outcome::Ticketed { ticket: "T".into() };
                    n
                ])
            },
            |p| progress += p,
            |e| panic!("{e}"),
        )
        .unwrap();
        assert_eq!(counts.ticketed, 40);
        assert_eq!(progress, plan.total_bytes);
        let order: Vec<usize> = batches.concat();
        assert_eq!(order, (0..40).collect::<Vec<_>>());
        assert!(batches.len() > 40 / 7, "{} batches", batches.len());
    }

    #[test]
    fn feed_holds_no_more_than_its_budget_of_raw_bytes() {
        let tmp = eml_dir(60, |i| if i % 10 == 0 { 5000 } else { 400 });
        let plan = Plan::new(&[tmp.path().to_path_buf()]).unwrap();
        let held = std::sync::atomic::AtomicUsize::new(0);
        let most = std::sync::atomic::AtomicUsize::new(0);
        use std::sync::atomic::Ordering::SeqCst;
        feed(
            &plan,
            batching(4, 2000, 6000),
            |raw| {
                // Counted when a worker gets it, so read ahead of the workers is not seen:
                // the budget bounds everything between reading and commit.
                let now = held.fetch_add(raw.len(), SeqCst) + raw.len();
                most.fetch_max(now, SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(1));
                raw.len()
            },
            |batch: Vec<usize>| {
                std::thread::sleep(std::time::Duration::from_millis(3));
                held.fetch_sub(batch.iter().sum(), SeqCst);
                Ok::<_, ()>(Vec::new())
            },
            |_| {},
            |e| panic!("{e}"),
        )
        .unwrap();
        let most = most.load(SeqCst);
        assert!(most <= 6000, "held {most} bytes, budget 6000");
        assert!(most >= 2000, "the stages overlapped ({most})");
    }

    #[test]
    fn feed_stops_at_a_commit_error_and_keeps_what_was_committed() {
        let tmp = eml_dir(30, |_| 200);
        let plan = Plan::new(&[tmp.path().to_path_buf()]).unwrap();
        let mut committed = Vec::new();
        let err = feed(
            &plan,
            batching(5, 1 << 20, 1 << 20),
            |raw| subject(raw),
            |batch: Vec<usize>| {
                if batch.contains(&12) {
                    return Err("store full");
                }
                committed.extend(batch);
                Ok(Vec::new())
            },
            |_| {},
            |e| panic!("{e}"),
        )
        .unwrap_err();
        assert_eq!(err, "store full");
        assert_eq!(committed, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn feed_cuts_batches_to_its_budget_instead_of_waiting_for_itself() {
        // Ten messages of 300 bytes would be 3000 bytes, over a budget of 2000.
        let tmp = eml_dir(50, |_| 300);
        let plan = Plan::new(&[tmp.path().to_path_buf()]).unwrap();
        let (seen, sizes) = within_20s("feed finished instead of waiting for itself", move || {
            let mut sizes = Vec::new();
            let counts = feed(
                &plan,
                batching(10, 1 << 20, 2000),
                |raw| subject(raw),
                |batch: Vec<usize>| {
                    sizes.push(batch.len());
                    Ok::<_, ()>(vec![crate::store::Outcome::AlreadySeen; batch.len()])
                },
                |_| {},
                |_| {},
            )
            .unwrap();
            (counts.already_seen, sizes)
        });
        assert_eq!(seen, 50);
        assert!(sizes.iter().all(|&n| (1..=6).contains(&n)), "{sizes:?}");
    }

    #[test]
    fn feed_raises_a_workers_panic_instead_of_waiting_for_its_message() {
        let tmp = eml_dir(200, |_| 300);
        let plan = Plan::new(&[tmp.path().to_path_buf()]).unwrap();
        let panicked = within_20s("feed returned instead of hanging", move || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                feed(
                    &plan,
                    batching(10, 1 << 20, 2000),
                    |raw| {
                        assert!(subject(raw) != 17, "planted panic");
                        raw.len()
                    },
                    |_batch: Vec<usize>| Ok::<_, ()>(Vec::new()),
                    |_| {},
                    |_| {},
                )
            }))
            .is_err()
        });
        assert!(panicked, "the worker's panic reached the caller");
    }

    #[test]
    fn feed_counts_problems_and_goes_on() {
        let tmp = eml_dir(6, |_| 100);
        fs::write(tmp.path().join("0003.eml"), "x".repeat(3000)).unwrap();
        let plan = Plan::new(&[tmp.path().to_path_buf()]).unwrap();
        let mut problems = 0;
        let mut seen = 0;
        let mut progress = 0;
        let counts = feed(
            &plan,
            Batching {
                limit: 1000,
                ..batching(2, 1 << 20, 1 << 20)
            },
            |raw| raw.len(),
            |batch: Vec<usize>| {
                seen += batch.len();
                Ok::<_, ()>(Vec::new())
            },
            |p| progress += p,
            |e| {
                assert!(matches!(e, ImportError::TooLarge { .. }));
                problems += 1
            },
        )
        .unwrap();
        assert_eq!((seen, problems, counts.failed), (5, 1, 1));
        assert_eq!(progress, plan.total_bytes);
    }

    #[test]
    fn missing_path_is_named() {
        let e = Plan::new(&[PathBuf::from("/nonexistent/sourdine")]).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/sourdine"));
    }
}
