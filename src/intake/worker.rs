//! Attachment cleaning in a child process that may crash without taking the service down.
//!
//! Parsing hostile files can crash a parser in ways no `catch_unwind` stops (lopdf can
//! overflow the stack). So the cleaners of [`crate::anonymise::clean`] run in a long-lived
//! child process of the same binary (`sourdine __clean-worker`) that lowers its own limits
//! at start (address space, CPU time, no file writes, few file descriptors, no core dumps,
//! no new privileges) and then shuts itself in ([`super::sandbox`]: Landlock and seccomp), so
//! that it can only read its pipe, write its pipe and use memory; the cleaning thread has a
//! bounded stack. The parent sends one file at a time over a pipe, waits at most `timeout`,
//! and restarts the worker if it dies or hangs; that attachment is then withheld, and the
//! message is still ticketed.
//!
//! The same worker prepares whole messages ([`Cleaner::prepare`]): it anonymises one raw
//! message and cleans its attachments, telling the parent which attachment it is cleaning.
//! The parent keeps the clock: past the message's budget the worker is killed and the message
//! is quarantined ([`TOO_SLOW`]); an attachment that crashes or hangs the worker is withheld
//! and the message prepared again without it. No message can hold up the others, whatever
//! the parser or a cleaner does with it.

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::anonymise::clean::{CleanError, CleanLimits};
use crate::anonymise::{
    self, Anonymised, Attachment, AttachmentContent, AttachmentKind, Language, Secrets, Signals,
    WithheldReason,
};
use crate::config::AttachmentsConfig;
use crate::frame;
use crate::intake::sandbox::{self, Confinement, SandboxError};

/// The quarantine reason of a message whose preparation passed its budget.
pub const TOO_SLOW: &str = "took too long to prepare";
/// The quarantine reason of a message whose preparation crashed (the parser, on this input).
pub const CRASHED: &str = "the parser failed on this message";
/// The quarantine reason of a message that no worker could prepare because the kernel refused
/// the worker's sandbox (nothing is prepared outside it).
pub const UNCONFINED: &str = "the preparing worker could not shut itself in";

/// The hidden subcommand that runs the worker.
pub const WORKER_COMMAND: &str = "__clean-worker";

/// Stack of the thread that serves requests in the worker.
const CLEANER_STACK: usize = 16 * 1024 * 1024;
/// The worker is replaced after this many requests, or once it has been busy for half its
/// CPU-time limit (which is cumulative). A new worker compiles its patterns again (tens of
/// milliseconds): it is not replaced often when it prepares every message.
const MAX_SERVED: u32 = 20_000;
/// jemalloc's settings for a worker, over those compiled in: the pages a message freed are
/// kept ten seconds (not one) for the next message, as a worker prepares one after another
/// (its memory is bounded by its address-space limit).
const WORKER_MALLOC_CONF: &str = "dirty_decay_ms:10000";

/// Bytes each pipe to and from a worker holds (Linux's default is 64 KiB): a message or an
/// answer of a few megabytes crosses in a few turns, not one per 64 KiB.
const PIPE_BYTES: i32 = 1 << 20;

/// The head of a request frame; the file's or the message's bytes follow it unframed.
#[derive(Debug, Serialize, Deserialize)]
enum Request {
    /// Clean one file.
    Clean(AttachmentKind),
    /// Prepare one raw message.
    Prepare(PrepareRequest),
}

/// What the worker needs to prepare a message.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PrepareRequest {
    opts: anonymise::Options,
    caps: AttachmentCaps,
    /// Attachments (by index in the message) that crashed or hung an earlier worker: withheld
    /// without being cleaned again.
    withhold: Vec<u32>,
}

/// The frames a worker sends back while preparing a message: any number of `Cleaning`, then
/// one of the others (`Done` is followed by the kept and cleaned attachments' bytes, in order).
#[derive(Debug, Serialize, Deserialize)]
enum PrepareReply {
    /// About to clean attachment N.
    Cleaning(u32),
    /// The prepared message.
    Done(Box<WireMessage>),
    /// The anonymiser refused the message (the reason, without writer data).
    Rejected(String),
    /// The anonymiser panicked.
    Panicked,
}

/// An [`Anonymised`] on the wire; attachment bytes travel after it, unencoded.
#[derive(Debug, Serialize, Deserialize)]
struct WireMessage {
    subject: String,
    body: String,
    language: Language,
    attachments: Vec<(AttachmentKind, u64, WireContent)>,
    date_utc: Option<i64>,
    signals: Signals,
    secrets: Secrets,
}

/// An attachment's content on the wire: kept or cleaned bytes (their length), or withheld.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
enum WireContent {
    Kept(u64),
    Cleaned(u64),
    Withheld(WithheldReason),
}

/// Per-attachment and per-message size caps.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct AttachmentCaps {
    /// Larger attachments are withheld.
    pub max_attachment_bytes: u64,
    /// Attachments of one message together.
    pub max_message_bytes: u64,
}

impl Default for AttachmentCaps {
    fn default() -> Self {
        AttachmentCaps {
            max_attachment_bytes: 20_000_000,
            max_message_bytes: 40_000_000,
        }
    }
}

/// Applies the size caps, then has `clean` clean (by index) what needs cleaning; whatever
/// cannot be cleaned is withheld. Bytes that need cleaning are never kept as they came.
pub(crate) fn clean_attachments(
    anon: &mut Anonymised,
    caps: &AttachmentCaps,
    mut clean: impl FnMut(u32, AttachmentKind, Vec<u8>) -> Result<Vec<u8>, WithheldReason>,
) {
    let mut total = 0u64;
    for (i, a) in anon.attachments.iter_mut().enumerate() {
        let len = match &a.content {
            AttachmentContent::NeedsCleaning(b)
            | AttachmentContent::Kept(b)
            | AttachmentContent::Cleaned(b) => b.len() as u64,
            AttachmentContent::Withheld(_) => continue,
        };
        if len > caps.max_attachment_bytes {
            a.content = AttachmentContent::Withheld(WithheldReason::TooLarge);
            continue;
        }
        if total + len > caps.max_message_bytes {
            a.content = AttachmentContent::Withheld(WithheldReason::MessageTooLarge);
            continue;
        }
        total += len;
        if let AttachmentContent::NeedsCleaning(bytes) = &mut a.content {
            let bytes = std::mem::take(bytes);
            a.content = match clean(i as u32, a.kind, bytes) {
                Ok(clean) => AttachmentContent::Cleaned(clean),
                Err(reason) => AttachmentContent::Withheld(reason),
            };
        }
    }
}

/// How a file came back: the head of a reply frame, followed by the cleaned bytes after
/// `Cleaned`. The bytes follow the head unframed so that a large file is not copied again to
/// be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Reply {
    Cleaned,
    Unsupported,
    Encrypted,
    Damaged,
    Limit,
}

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// The cleaners' limits.
    pub limits: CleanLimits,
    /// Wall-clock time allowed for one file.
    pub timeout: Duration,
    /// Address-space limit of the worker, in MiB.
    pub memory_mib: u64,
    /// CPU seconds the worker may use before it is replaced.
    pub cpu_secs: u64,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            limits: CleanLimits::default(),
            timeout: Duration::from_secs(30),
            memory_mib: 1024,
            cpu_secs: 600,
        }
    }
}

impl WorkerSettings {
    /// The settings that `[attachments]` gives.
    pub fn from_config(a: &AttachmentsConfig) -> WorkerSettings {
        WorkerSettings {
            limits: CleanLimits {
                max_zip_members: a.max_zip_members,
                max_expanded_bytes: a.max_expanded_bytes,
                max_pdf_depth: a.max_pdf_depth,
                max_image_pixels: a.max_image_pixels,
            },
            timeout: Duration::from_secs(a.worker_timeout_secs),
            memory_mib: a.worker_memory_mib,
            cpu_secs: 600,
        }
    }
}

/// Why a worker ended with an error.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// It could not confine itself: it must end with [`sandbox::FAILED_STATUS`].
    #[error("the attachment cleaner could not confine itself: {0}")]
    Sandbox(#[from] SandboxError),
    /// Its pipes failed or a request was malformed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The worker's main loop (`sourdine __clean-worker`): lowers its limits and confines itself,
/// then serves one request at a time until its input closes.
pub fn worker_main(settings: &WorkerSettings) -> Result<(), WorkerError> {
    // Confined before the serving thread starts: the thread inherits the filters.
    sandbox::confine(settings.memory_mib, settings.cpu_secs)?;
    // Requests are served on one thread with a large stack, for the life of the worker: no
    // thread (and no fresh stack and heap arena) per request.
    let limits = settings.limits.clone();
    std::thread::Builder::new()
        .name("worker".into())
        .stack_size(CLEANER_STACK)
        .spawn(move || serve(limits))?
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("the worker thread panicked").into()))
}

/// The worker's request loop.
fn serve(limits: CleanLimits) -> Result<(), WorkerError> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut output = RawStdout(std::io::stdout());
    // The request buffer is kept from one request to the next: a large attachment is not
    // written into fresh pages every time.
    let mut frame = Vec::new();
    loop {
        match frame::read_into(&mut input, u64::MAX >> 1, &mut frame) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let (request, rest) = frame::split::<Request>(&frame)?;
        let head = frame.len() - rest.len();
        match request {
            Request::Clean(kind) => {
                crate::failpoint::hit("clean-worker-crash");
                crate::failpoint::hang("clean-worker-hang");
                let (reply, cleaned) = clean_here(kind, &frame[head..], &limits);
                frame::write(&mut output, &reply, &cleaned)?;
            }
            Request::Prepare(request) => {
                prepare_here(&request, &frame[head..], &limits, &mut output)?;
            }
        }
        output.flush()?;
    }
}

/// Standard output written straight to its descriptor: a frame leaves in one `writev`, so the
/// service is woken once for it (the standard library's line buffer cuts writes at newlines).
struct RawStdout(std::io::Stdout);

impl Write for RawStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(nix::unistd::write(std::os::fd::AsFd::as_fd(&self.0), buf)?)
    }

    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        Ok(nix::sys::uio::writev(
            std::os::fd::AsFd::as_fd(&self.0),
            bufs,
        )?)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Cleans one file; a panic counts as a damaged file.
fn clean_here(kind: AttachmentKind, bytes: &[u8], limits: &CleanLimits) -> (Reply, Vec<u8>) {
    caught(
        || match crate::anonymise::clean::clean(kind, bytes, limits) {
            Ok(b) => (Reply::Cleaned, b),
            Err(CleanError::Unsupported) => (Reply::Unsupported, Vec::new()),
            Err(CleanError::Encrypted) => (Reply::Encrypted, Vec::new()),
            Err(CleanError::Malformed(_)) => (Reply::Damaged, Vec::new()),
            Err(CleanError::Limit(_)) => (Reply::Limit, Vec::new()),
        },
    )
    .unwrap_or((Reply::Damaged, Vec::new()))
}

/// Runs `f`; `None` if it panicked.
fn caught<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Prepares one message in the worker: anonymises it, then cleans its attachments one by one,
/// saying which before each, and sends the result.
fn prepare_here(
    request: &PrepareRequest,
    raw: &[u8],
    limits: &CleanLimits,
    output: &mut impl Write,
) -> std::io::Result<()> {
    crate::failpoint::hang_when(
        "prepare-worker-hang",
        memchr::memmem::find(raw, FAILPOINT_MARK).is_some(),
    );
    let anonymised = caught(|| anonymise::anonymise(raw, &request.opts));
    let mut anon = match anonymised {
        None => return frame::write(output, &PrepareReply::Panicked, &[]),
        Some(Err(rejection)) => {
            return frame::write(output, &PrepareReply::Rejected(rejection.to_string()), &[]);
        }
        Some(Ok(anon)) => anon,
    };
    let mut failed = None;
    clean_attachments(&mut anon, &request.caps, |i, kind, bytes| {
        if request.withhold.contains(&i) {
            return Err(WithheldReason::CleanerFailed);
        }
        if let Err(e) =
            frame::write(output, &PrepareReply::Cleaning(i), &[]).and_then(|()| output.flush())
        {
            failed = Some(e);
            return Err(WithheldReason::CleanerFailed);
        }
        crate::failpoint::hit("clean-worker-crash");
        crate::failpoint::hang("clean-worker-hang");
        match clean_here(kind, &bytes, limits) {
            (Reply::Cleaned, cleaned) => Ok(cleaned),
            (Reply::Unsupported, _) => Err(WithheldReason::NotCleaned),
            (Reply::Encrypted, _) => Err(WithheldReason::Encrypted),
            (Reply::Damaged, _) => Err(WithheldReason::Damaged),
            (Reply::Limit, _) => Err(WithheldReason::LimitExceeded),
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    // The attachments' bytes follow the head as they are, never joined into one buffer.
    let mut payloads: Vec<Vec<u8>> = Vec::new();
    let attachments = std::mem::take(&mut anon.attachments)
        .into_iter()
        .map(|a| {
            let content = match a.content {
                AttachmentContent::Kept(b) => {
                    let len = b.len() as u64;
                    payloads.push(b);
                    WireContent::Kept(len)
                }
                AttachmentContent::Cleaned(b) => {
                    let len = b.len() as u64;
                    payloads.push(b);
                    WireContent::Cleaned(len)
                }
                AttachmentContent::Withheld(r) => WireContent::Withheld(r),
                // Cleaned or withheld above; never sent as it came.
                AttachmentContent::NeedsCleaning(_) => {
                    WireContent::Withheld(WithheldReason::NotCleaned)
                }
            };
            (a.kind, a.size, content)
        })
        .collect();
    let wire = WireMessage {
        subject: std::mem::take(&mut anon.subject),
        body: std::mem::take(&mut anon.body),
        language: anon.language,
        attachments,
        date_utc: anon.date_utc,
        signals: std::mem::take(&mut anon.signals),
        secrets: std::mem::take(&mut anon.secrets),
    };
    let parts: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    frame::write_parts(output, &PrepareReply::Done(Box::new(wire)), &parts)
}

/// Bytes that make the `prepare-worker-hang` failpoint hang on the message holding them
/// (failpoints builds only).
pub const FAILPOINT_MARK: &[u8] = b"sourdine-failpoint-slow-message";
/// `sourdine __clean-worker --sandbox-report`: confines itself as a worker does, then prints
/// what could be applied (one line of JSON) instead of serving requests.
pub fn report_main(settings: &WorkerSettings) -> Result<(), WorkerError> {
    let confinement = sandbox::confine(settings.memory_mib, settings.cpu_secs)?;
    let line = serde_json::to_string(&confinement).map_err(std::io::Error::other)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

/// Why a worker could not say what its sandbox applies.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The worker could not be started.
    #[error("cannot start the attachment cleaner: {0}")]
    Start(#[from] std::io::Error),
    /// The kernel refused a restriction it supports: every worker would end at start.
    #[error("the attachment cleaner cannot confine itself ({status}): {message}")]
    Refused {
        /// The worker's exit status.
        status: ExitStatus,
        /// The worker's own words (no file was read).
        message: String,
    },
    /// The worker ended otherwise, or its answer could not be read.
    #[error("the attachment cleaner ended without an answer ({0})")]
    Failed(ExitStatus),
}

/// Starts `program __clean-worker --sandbox-report` and returns what the worker's sandbox
/// applies on this kernel.
pub fn sandbox_report(program: &Path) -> Result<Confinement, ReportError> {
    let mut command = Command::new(program);
    command.env_clear();
    if let Some(fp) = crate::failpoint::inherited() {
        command.env("SOURDINE_FAILPOINT", fp);
    }
    let out = command
        .args([WORKER_COMMAND, "--sandbox-report"])
        .stdin(Stdio::null())
        .output()?;
    if out.status.code() == Some(i32::from(sandbox::FAILED_STATUS)) {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let line = stderr.trim().lines().last().unwrap_or_default();
        return Err(ReportError::Refused {
            status: out.status,
            message: line
                .rsplit("confine itself: ")
                .next()
                .unwrap_or(line)
                .to_string(),
        });
    }
    match serde_json::from_slice(&out.stdout) {
        Ok(c) if out.status.success() => Ok(c),
        _ => Err(ReportError::Failed(out.status)),
    }
}

/// Logs, once at the service's start, what the cleaner's sandbox applies on this kernel: a
/// warning when a layer is missing, an error when the worker cannot confine itself at all.
pub fn log_sandbox() {
    let Some(program) = worker_program() else {
        return;
    };
    match sandbox_report(&program) {
        Ok(c) if c.complete() => {
            tracing::info!(sandbox = %c.describe(), "the attachment cleaner is confined");
        }
        Ok(c) => {
            let missing: Vec<&str> = [("Landlock", c.landlock), ("seccomp", c.seccomp)]
                .into_iter()
                .filter_map(|(name, on)| (!on).then_some(name))
                .collect();
            tracing::warn!(
                missing = %missing.join(" and "),
                sandbox = %c.describe(),
                "the attachment cleaner runs without part of its sandbox: this kernel lacks it, or a system-call filter hides it (`sourdine doctor` says how to fix it)"
            );
        }
        Err(e) => tracing::error!(
            error = %e,
            "the attachment cleaner cannot confine itself: every message will be quarantined until it can (`sourdine doctor` says more)"
        ),
    }
}

/// Says how a worker ended when it died or hung, from its status only (nothing of the file).
fn log_end(timed_out: bool, status: Option<ExitStatus>) {
    use std::os::unix::process::ExitStatusExt;
    let code = status.and_then(|s| s.code());
    let signal = status.and_then(|s| s.signal());
    if code == Some(i32::from(sandbox::FAILED_STATUS)) {
        tracing::error!(
            exit_status = sandbox::FAILED_STATUS,
            "the attachment cleaner could not confine itself (the kernel refused a restriction it supports); the attachment is withheld (`sourdine doctor` checks the sandbox)"
        );
    } else if signal == Some(nix::libc::SIGSYS) {
        tracing::warn!(
            signal = "SIGSYS",
            "the attachment cleaner was stopped by its sandbox (it made a system call it may not make); it is restarted and the attachment withheld"
        );
    } else {
        tracing::warn!(
            timed_out,
            status = ?status,
            "the attachment cleaner died or hung on a file; only the worker was affected: it is restarted and the attachment withheld"
        );
    }
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    served: u32,
    /// Wall time spent on requests, at least the CPU time the worker used.
    busy: Duration,
}

/// How one exchange with a preparing worker ended.
enum Exchange {
    /// The worker answered: the message, or why it is quarantined.
    Done(Result<Box<Anonymised>, String>),
    /// The worker died, hung (past the budget or the cleaning timeout), or answered nonsense.
    Failed { timed_out: bool },
}

/// Sends one prepare request and reads the worker's frames until its answer, waiting at most
/// until `deadline` (and `clean_timeout` for each attachment it cleans). On a timeout the
/// worker is killed. Also returns the attachment being cleaned when it stopped, if any.
///
/// The calling thread does the I/O itself, waiting with `poll`: the worker reads a whole
/// request before working and writes each frame at once, so only the wait for the next frame
/// can be long.
fn exchange(
    worker: &mut Worker,
    request: &PrepareRequest,
    raw: &[u8],
    deadline: Instant,
    clean_timeout: Duration,
) -> (Exchange, Option<u32>) {
    let limit = raw.len() as u64 * 8 + (16 << 20);
    let pid = nix::unistd::Pid::from_raw(worker.child.id() as i32);
    let failed = |timed_out: bool| {
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
        Exchange::Failed { timed_out }
    };
    let sent = frame::write(&mut worker.stdin, &Request::Prepare(request.clone()), raw)
        .and_then(|()| worker.stdin.flush());
    if sent.is_err() {
        return (failed(false), None);
    }
    let mut cleaning: Option<u32> = None;
    let mut until = deadline;
    loop {
        if worker.stdout.buffer().is_empty() {
            let wait = until.saturating_duration_since(Instant::now());
            if wait.is_zero() {
                return (failed(true), cleaning);
            }
            let millis = i32::try_from(wait.as_millis() + 1).unwrap_or(i32::MAX);
            let fd = std::os::fd::AsFd::as_fd(worker.stdout.get_ref());
            let mut fds = [nix::poll::PollFd::new(fd, nix::poll::PollFlags::POLLIN)];
            match nix::poll::poll(
                &mut fds,
                nix::poll::PollTimeout::try_from(millis).unwrap_or(nix::poll::PollTimeout::MAX),
            ) {
                Ok(0) | Err(nix::errno::Errno::EINTR) => continue,
                Ok(_) => {}
                Err(_) => return (failed(false), cleaning),
            }
        }
        let mut buf = Vec::new();
        if frame::read_into(&mut worker.stdout, limit, &mut buf).is_err() {
            return (failed(false), cleaning);
        }
        match frame::split::<PrepareReply>(&buf) {
            Ok((PrepareReply::Cleaning(i), _)) => {
                cleaning = Some(i);
                until = deadline.min(Instant::now() + clean_timeout);
            }
            Ok((reply, rest)) => {
                let start = buf.len() - rest.len();
                zeroize::Zeroize::zeroize(&mut buf[..start]);
                return match finish(reply, buf, start) {
                    Some(done) => (Exchange::Done(done), cleaning),
                    None => (failed(false), cleaning),
                };
            }
            Err(_) => return (failed(false), cleaning),
        }
    }
}

/// The message (or the refusal) a worker's last frame carries (its attachments' bytes from
/// `start` on); `None` for a frame that does not add up. The last attachment keeps the frame's
/// buffer: a large file is not copied again.
fn finish(
    reply: PrepareReply,
    mut frame: Vec<u8>,
    start: usize,
) -> Option<Result<Box<Anonymised>, String>> {
    let wire = match reply {
        PrepareReply::Done(wire) => wire,
        PrepareReply::Rejected(reason) => return Some(Err(reason)),
        PrepareReply::Panicked => return Some(Err(CRASHED.to_string())),
        PrepareReply::Cleaning(_) => return None,
    };
    let mut wire = *wire;
    let with_bytes = wire
        .attachments
        .iter()
        .filter(|(_, _, c)| !matches!(c, WireContent::Withheld(_)))
        .count();
    let mut pos = start;
    let mut taken = 0;
    let mut take = |len: u64| -> Option<Vec<u8>> {
        let len = usize::try_from(len)
            .ok()
            .filter(|&l| l <= frame.len() - pos)?;
        taken += 1;
        let bytes = if taken == with_bytes && pos + len == frame.len() {
            frame.drain(..pos);
            std::mem::take(&mut frame)
        } else {
            frame[pos..pos + len].to_vec()
        };
        pos += len;
        Some(bytes)
    };
    let mut attachments = Vec::with_capacity(wire.attachments.len());
    for (kind, size, content) in std::mem::take(&mut wire.attachments) {
        let content = match content {
            WireContent::Kept(len) => AttachmentContent::Kept(take(len)?),
            WireContent::Cleaned(len) => AttachmentContent::Cleaned(take(len)?),
            WireContent::Withheld(r) => AttachmentContent::Withheld(r),
        };
        attachments.push(Attachment {
            kind,
            size,
            content,
        });
    }
    Some(Ok(Box::new(Anonymised {
        subject: std::mem::take(&mut wire.subject),
        body: std::mem::take(&mut wire.body),
        language: wire.language,
        attachments,
        date_utc: wire.date_utc,
        signals: std::mem::take(&mut wire.signals),
        secrets: std::mem::take(&mut wire.secrets),
    })))
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The parent's side: a pool of workers, restarted when they die or hang.
pub struct Cleaner {
    program: PathBuf,
    settings: WorkerSettings,
    workers: Vec<Mutex<Option<Worker>>>,
}

impl std::fmt::Debug for Cleaner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cleaner")
            .field("program", &self.program)
            .finish()
    }
}

/// The program that runs workers: this executable when it is `sourdine`, else a `sourdine`
/// beside it or one directory up (tests and benchmarks run from `target/*/deps`).
pub fn worker_program() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    if exe.file_name().is_some_and(|n| n == "sourdine") {
        return Some(exe);
    }
    let dir = exe.parent()?;
    [dir.join("sourdine"), dir.parent()?.join("sourdine")]
        .into_iter()
        .find(|p| p.is_file())
}

impl Cleaner {
    /// A pool of `workers` (started on first use) running `program __clean-worker`.
    pub fn new(program: &Path, settings: WorkerSettings, workers: usize) -> Cleaner {
        Cleaner {
            program: program.to_path_buf(),
            settings,
            workers: (0..workers.max(1)).map(|_| Mutex::new(None)).collect(),
        }
    }

    fn spawn(&self) -> std::io::Result<Worker> {
        let s = &self.settings;
        let l = &s.limits;
        let mut command = Command::new(&self.program);
        command
            .env_clear()
            .env(crate::hardening::MALLOC_CONF_VAR, WORKER_MALLOC_CONF);
        if let Some(fp) = crate::failpoint::inherited() {
            command.env("SOURDINE_FAILPOINT", fp);
        }
        let mut child = command
            .arg(WORKER_COMMAND)
            .args([
                format!("--memory-mib={}", s.memory_mib),
                format!("--cpu-secs={}", s.cpu_secs),
                format!("--max-zip-members={}", l.max_zip_members),
                format!("--max-expanded-bytes={}", l.max_expanded_bytes),
                format!("--max-pdf-depth={}", l.max_pdf_depth),
                format!("--max-image-pixels={}", l.max_image_pixels),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        for pipe in [
            std::os::fd::AsFd::as_fd(&stdin),
            std::os::fd::AsFd::as_fd(&stdout),
        ] {
            let _ = nix::fcntl::fcntl(pipe, nix::fcntl::FcntlArg::F_SETPIPE_SZ(PIPE_BYTES));
        }
        let stdout = BufReader::new(stdout);
        Ok(Worker {
            child,
            stdin,
            stdout,
            served: 0,
            busy: Duration::ZERO,
        })
    }

    /// A worker, started if need be: any free one, else the first once it is free.
    fn slot(&self) -> std::io::Result<MutexGuard<'_, Option<Worker>>> {
        let mut slot = self
            .workers
            .iter()
            .find_map(|w| w.try_lock().ok())
            .unwrap_or_else(|| self.workers[0].lock().unwrap_or_else(|e| e.into_inner()));
        let tired = Duration::from_secs(self.settings.cpu_secs / 2);
        if slot
            .as_ref()
            .is_some_and(|w| w.served >= MAX_SERVED || w.busy >= tired)
        {
            *slot = None;
        }
        if slot.is_none() {
            *slot = Some(self.spawn()?);
        }
        Ok(slot)
    }

    /// Prepares one message in a worker within `budget`: anonymised, its attachments capped
    /// and cleaned. Past the budget the worker is killed and the message is refused with
    /// [`TOO_SLOW`]; an attachment whose cleaning crashes or hangs the worker (past the
    /// worker's own timeout) is withheld and the message prepared again without it.
    pub fn prepare(
        &self,
        raw: &[u8],
        opts: &anonymise::Options,
        caps: &AttachmentCaps,
        budget: Duration,
    ) -> Result<Box<Anonymised>, String> {
        let deadline = Instant::now() + budget;
        let mut request = PrepareRequest {
            opts: opts.clone(),
            caps: *caps,
            withhold: Vec::new(),
        };
        let mut retried = false;
        loop {
            let mut slot = self.slot().map_err(|e| {
                tracing::error!(error = %e, "cannot start the preparing worker; the message is quarantined");
                CRASHED.to_string()
            })?;
            let worker = slot.as_mut().expect("started by slot()");
            let served_before = worker.served;
            worker.served += 1;
            let began = Instant::now();
            let (outcome, cleaning) =
                exchange(worker, &request, raw, deadline, self.settings.timeout);
            worker.busy += began.elapsed();
            match outcome {
                Exchange::Done(result) => return result,
                Exchange::Failed { timed_out } => {
                    // The worker crashed or hung, or the budget is spent: it is replaced.
                    let status = slot.take().and_then(|mut w| {
                        let _ = w.child.kill();
                        w.child.wait().ok()
                    });
                    drop(slot);
                    if status.and_then(|s| s.code()) == Some(i32::from(sandbox::FAILED_STATUS)) {
                        log_end(timed_out, status);
                        return Err(UNCONFINED.to_string());
                    }
                    if Instant::now() >= deadline {
                        tracing::warn!(
                            "a message took longer than intake.max_prepare_seconds to prepare; it is quarantined"
                        );
                        return Err(TOO_SLOW.to_string());
                    }
                    match cleaning {
                        Some(i) => {
                            log_end(timed_out, status);
                            request.withhold.push(i);
                        }
                        // A worker that had served before may have run out of its CPU time:
                        // one more try on a fresh one.
                        None if served_before > 0 && !retried => retried = true,
                        None => {
                            tracing::warn!(
                                timed_out,
                                status = ?status,
                                "the preparing worker died on a message; it is quarantined"
                            );
                            return Err(CRASHED.to_string());
                        }
                    }
                }
            }
        }
    }

    /// Cleans one file in a worker. On a worker crash or timeout the worker is replaced and
    /// the file withheld. The cleaned bytes come back in the buffer the file was given in.
    pub fn clean(&self, kind: AttachmentKind, bytes: Vec<u8>) -> Result<Vec<u8>, WithheldReason> {
        let mut slot = match self.slot() {
            Ok(slot) => slot,
            Err(e) => {
                tracing::error!(error = %e, "cannot start the attachment cleaner; the attachment is withheld");
                return Err(WithheldReason::CleanerFailed);
            }
        };
        let worker = slot.as_mut().expect("started by slot()");
        let began = Instant::now();
        let limit = bytes.len() as u64 * 4 + 1024 * 1024;
        let pid = worker.child.id();
        let (tx, rx) = std::sync::mpsc::channel();
        let result = std::thread::scope(|scope| {
            let stdin = &mut worker.stdin;
            let stdout = &mut worker.stdout;
            let mut buf = bytes;
            scope.spawn(move || {
                let r = frame::write(stdin, &Request::Clean(kind), &buf)
                    .and_then(|()| stdin.flush())
                    .and_then(|()| frame::read_into(stdout, limit, &mut buf))
                    .map(|()| buf);
                let _ = tx.send(r);
            });
            match rx.recv_timeout(self.settings.timeout) {
                Ok(r) => r.map_err(|e| (false, e.to_string())),
                Err(_) => {
                    // Unblock the I/O thread by killing the worker.
                    let _ = nix::sys::signal::kill(
                        nix::unistd::Pid::from_raw(pid as i32),
                        nix::sys::signal::Signal::SIGKILL,
                    );
                    let _ = rx.recv();
                    Err((true, "timed out".into()))
                }
            }
        });
        worker.served += 1;
        worker.busy += began.elapsed();
        match result {
            Ok(mut frame) => match frame::split::<Reply>(&frame).map(|(r, rest)| (r, rest.len())) {
                Ok((Reply::Cleaned, len)) => {
                    // The cleaned bytes are the frame's tail: keep them in place.
                    frame.drain(..frame.len() - len);
                    Ok(frame)
                }
                Ok((Reply::Unsupported, _)) => Err(WithheldReason::NotCleaned),
                Ok((Reply::Encrypted, _)) => Err(WithheldReason::Encrypted),
                Ok((Reply::Damaged, _)) => Err(WithheldReason::Damaged),
                Ok((Reply::Limit, _)) => Err(WithheldReason::LimitExceeded),
                Err(_) => {
                    *slot = None;
                    Err(WithheldReason::CleanerFailed)
                }
            },
            Err((timed_out, _)) => {
                let status = slot.as_mut().and_then(|w| w.child.wait().ok());
                log_end(timed_out, status);
                *slot = None;
                Err(WithheldReason::CleanerFailed)
            }
        }
    }
}
